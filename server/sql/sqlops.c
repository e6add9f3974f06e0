/*
 * server/sql/sqlops.c — the operators of a relational plan (sqlplan.h): open, next, close.
 *
 * Pull-based: sqlops_next(n) returns the node's next row (owned by the caller) or 0 at the end.
 * A node's run state lives in n->state between open and close; a node reopened (the inner
 * side of a nested loop, a correlated subquery) starts over. Leaf nodes apply their pushed-down
 * conjuncts (n->qual) themselves; a JOIN evaluates its condition on the combined row.
 *
 * Index: rows and hashing, a row hash table, scans, VALUES, functions in FROM, subqueries and
 * WITH, joins, aggregation, projection, sort, distinct, limit, row locks, set operations,
 * WITH RECURSIVE, subqueries as expressions, the generic entry points, an execution.
 */
#include "server/sql/sqlplan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/row.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqljson.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqljsonpath.h"
#include "server/sql/sqlnum.h"
#include "server/sql/sqlvirt.h"

/* ------------------------------------------------------------------ rows and hashing */

static sqlval *row_new(int width, sqlerr *err)
{
    sqlval *r = malloc((size_t)(width > 0 ? width : 1) * sizeof *r);
    if (!r) {
        sqlerr_oom(err);
        return NULL;
    }
    for (int i = 0; i < width; i++) sqlval_init_null(&r[i], SQLVAL_UNKNOWN);
    return r;
}

static size_t row_bytes(const sqlval *r, int n)
{
    size_t b = (size_t)n * sizeof *r + 32;
    for (int i = 0; i < n; i++) {
        b += r[i].len;
        if (r[i].s && !r[i].len) b += strlen(r[i].s);
        for (size_t k = 0; k < r[i].narr; k++) b += sizeof(char *) + (r[i].arr[k] ? strlen(r[i].arr[k]) : 0);
    }
    return b;
}

/* Counts bytes an operator keeps against the execution's budget. */
static int mem_take(sqlplan_run *r, size_t b, const char *what, sqlerr *err)
{
    r->mem += b;
    if (r->mem > SQLPLAN_WORK_MEM) {
        sqlerr_set(err, "53200", -1, "out of memory");
        sqlerr_detail(err, "%s needs more than the %zu MB a query may hold.", what ? what : "The query",
                      (size_t)(SQLPLAN_WORK_MEM >> 20));
        return SQL_ERR;
    }
    return SQL_OK;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static uint64_t hash_double(double d)
{
    if (d == 0) d = 0; /* -0 = 0 */
    if (isnan(d)) return 0x7ff8;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

uint64_t sqlops_hash(const sqlval *v, int n)
{
    uint64_t h = 7;
    for (int i = 0; i < n; i++) {
        const sqlval *x = &v[i];
        uint64_t k;
        if (x->isnull) {
            k = 0x1234;
        } else {
            switch (x->type) {
            case SQLVAL_BOOL: k = x->u.b; break;
            case SQLVAL_INT2:
            case SQLVAL_INT4:
            case SQLVAL_INT8:
            case SQLVAL_OID:
            case SQLVAL_REGCLASS: /* reg* compare as their oid (sqlval.h) */
            case SQLVAL_REGTYPE:
            case SQLVAL_REGNAMESPACE:
            case SQLVAL_REGROLE:
            case SQLVAL_REGPROC: k = hash_double((double)x->u.i); break;
            case SQLVAL_FLOAT4:
            case SQLVAL_FLOAT8: k = hash_double(x->u.f); break;
            case SQLVAL_NUMERIC: k = x->s ? hash_double(strtod(x->s, NULL)) : 0; break;
            case SQLVAL_TIMESTAMPTZ:
            case SQLVAL_DATE:
            case SQLVAL_TIME:
            case SQLVAL_TIMESTAMP:
            case SQLVAL_INTERVAL: /* '1 day' = '24 hours' */
            case SQLVAL_UUID: k = sqldate_hash(x); break;
            case SQLVAL_NUMERICARRAY: /* {1.0} = {1.00}, {'1 day'} = {'24 hours'}: the */
            case SQLVAL_FLOAT4ARRAY:  /* length and NULLs only */
            case SQLVAL_FLOAT8ARRAY:
            case SQLVAL_INTERVALARRAY:
            case SQLVAL_JSONBARRAY:
            case SQLVAL_OIDARRAY:
            case SQLVAL_INT2VECTOR:
            case SQLVAL_OIDVECTOR:
                k = x->narr;
                for (size_t a = 0; a < x->narr; a++) k = mix(k, x->arr[a] ? 2 : 1);
                break;
            case SQLVAL_TEXTARRAY: /* the others' canonical text is equal when they are */
            case SQLVAL_BOOLARRAY:
            case SQLVAL_INT2ARRAY:
            case SQLVAL_INT4ARRAY:
            case SQLVAL_INT8ARRAY:
            case SQLVAL_DATEARRAY:
            case SQLVAL_TIMEARRAY:
            case SQLVAL_TIMESTAMPARRAY:
            case SQLVAL_TIMESTAMPTZARRAY:
            case SQLVAL_UUIDARRAY:
            case SQLVAL_NAMEARRAY:
                k = x->narr;
                for (size_t a = 0; a < x->narr; a++)
                    k = mix(k, x->arr[a] ? hash_bytes(x->arr[a], strlen(x->arr[a])) : 1);
                break;
            default:
                k = x->s ? hash_bytes(x->s, x->type == SQLVAL_BYTEA ? x->len : strlen(x->s)) : 0;
            }
        }
        h = mix(h, k);
    }
    /* murmur3's finaliser: every input bit reaches the low bits the buckets use (doubles of
     * small integers differ only in their high bits) */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

bool sqlops_equal(const sqlval *a, const sqlval *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (a[i].isnull || b[i].isnull) {
            if (a[i].isnull && b[i].isnull) continue;
            return false;
        }
        int c;
        sqlerr e;
        if (sqlval_compare(&a[i], &b[i], &c, &e) || c) return false;
    }
    return true;
}

/* ------------------------------------------------------------------ a row hash table */

typedef struct hent {
    uint64_t h;
    sqlval *row;  /* owned by the table when `owns` */
    sqlval *keys; /* owned: the key values (NULL: the row's first nkeys) */
    int64_t count;
    bool matched;
    size_t idx;
    struct hent *next;
} hent;

/* Entries come from slabs of HT_SLAB (one allocation each, neighbours in memory: probing a
 * large table touches fewer cache lines than entries allocated one by one). */
#define HT_SLAB 256

typedef struct htab {
    hent **b;
    size_t nb, n;
    int nkeys;
    hent **slabs;
    size_t nslabs, slab_used; /* entries taken from the last slab */
} htab;

static int ht_init(htab *t, int nkeys, sqlerr *err)
{
    t->nb = 64;
    t->n = 0;
    t->nkeys = nkeys;
    t->slabs = NULL;
    t->nslabs = 0;
    t->slab_used = HT_SLAB;
    t->b = calloc(t->nb, sizeof *t->b);
    return t->b ? SQL_OK : sqlerr_oom(err);
}

static hent *ht_entry_new(htab *t)
{
    if (t->slab_used == HT_SLAB) {
        hent **g = realloc(t->slabs, (t->nslabs + 1) * sizeof *g);
        if (!g) return NULL;
        t->slabs = g;
        if (!(t->slabs[t->nslabs] = calloc(HT_SLAB, sizeof(hent)))) return NULL;
        t->nslabs++;
        t->slab_used = 0;
    }
    return &t->slabs[t->nslabs - 1][t->slab_used++];
}

static const sqlval *hent_keys(const hent *e)
{
    return e->keys ? e->keys : e->row;
}

static hent *ht_find(const htab *t, uint64_t h, const sqlval *keys, hent *after)
{
    hent *e = after ? after->next : t->b[h & (t->nb - 1)];
    for (; e; e = e->next)
        if (e->h == h && sqlops_equal(hent_keys(e), keys, t->nkeys)) return e;
    return NULL;
}

static hent *ht_add(htab *t, uint64_t h, sqlval *row, sqlval *keys, sqlerr *err)
{
    if (t->n >= t->nb * 2) {
        size_t nb = t->nb * 4;
        hent **b = calloc(nb, sizeof *b);
        if (!b) {
            sqlerr_oom(err);
            return NULL;
        }
        for (size_t i = 0; i < t->nb; i++) {
            hent *e = t->b[i];
            while (e) {
                hent *nx = e->next;
                e->next = b[e->h & (nb - 1)];
                b[e->h & (nb - 1)] = e;
                e = nx;
            }
        }
        free(t->b);
        t->b = b;
        t->nb = nb;
    }
    hent *e = ht_entry_new(t);
    if (!e) {
        sqlerr_oom(err);
        return NULL;
    }
    e->h = h;
    e->row = row;
    e->keys = keys;
    e->idx = t->n;
    /* appended at the chain's end so equal keys keep their insertion order */
    hent **p = &t->b[h & (t->nb - 1)];
    while (*p) p = &(*p)->next;
    *p = e;
    t->n++;
    return e;
}

static void ht_free(htab *t, int rowwidth)
{
    for (size_t i = 0; t->b && i < t->nb; i++) {
        hent *e = t->b[i];
        while (e) {
            hent *nx = e->next;
            if (rowwidth >= 0) sqlplan_row_free(e->row, rowwidth);
            sqlplan_row_free(e->keys, t->nkeys);
            e = nx;
        }
    }
    for (size_t i = 0; i < t->nslabs; i++) free(t->slabs[i]);
    free(t->slabs);
    t->slabs = NULL;
    t->nslabs = 0;
    t->slab_used = HT_SLAB;
    free(t->b);
    t->b = NULL;
}

/* ------------------------------------------------------------------ common state */

typedef struct base_state {
    sqlplan_run *r;
    sqlexpr_ctx ctx; /* row: the parameter row (outer row of a nested loop), outer: level's */
    size_t held;     /* bytes of the budget this operator holds, given back when it closes */
} base_state;

/* mem_take for what operator b keeps until it closes (sqlops_close gives it back: an
 * operator reopened per outer row does not add up its earlier runs). */
static int mem_hold(base_state *b, size_t bytes, const char *what, sqlerr *err)
{
    b->held += bytes;
    return mem_take(b->r, bytes, what, err);
}

static sqlexpr_ctx row_ctx(const base_state *b, const sqlval *row, int nrow)
{
    sqlexpr_ctx c = b->ctx;
    c.row = row;
    c.nrow = nrow;
    return c;
}

/* The conjuncts pushed to a leaf: SQL_OK with *yes. */
static int leaf_qual(const sqlplan_node *n, const base_state *b, const sqlval *row, bool *yes,
                     sqlerr *err)
{
    *yes = true;
    if (!n->qual) return SQL_OK;
    sqlexpr_ctx c = row_ctx(b, row, n->width);
    if (b->r->plan->want_raw) {
        c.raw = b->r->raw;
        c.table = b->r->raw_table;
    }
    return sqlexpr_eval_bool(n->qual, &c, yes, err);
}

/* ------------------------------------------------------------------ scans */

typedef struct scan_state {
    base_state b;
    /* through a secondary index: the rows' primary keys, sorted, read one by one */
    uint8_t **ixpk;
    size_t *ixlen;
    size_t nix, ixi;
    bool ixmode;
    bool ixov; /* ixmode over the transaction's overlay (ORDER BY's own ordering) */
    storage_iter *ixstream; /* ORDER BY served by the index: its entries, in order */
    storage_snapshot *ixsnap; /* ... read with the rows at one snapshot (a row that moves
                               * while the stream runs is seen once, where it was) */
    size_t ixlimit; /* more rows than this through the index: read the table instead (0: none) */
    /* the rows of the next pks, read in one batch (ixmode) */
    uint8_t *bval[32];
    size_t blen[32];
    size_t bfrom, bn;
    storage_iter *it;
    bool point, done, empty;
    uint8_t *pval; /* point read */
    size_t pvlen;
    codec_buf key;
    crdt_row raw;
    bool raw_init;
    /* virtual tables: rows collected at open */
    sqlval **vrows;
    size_t nv, cap, vi;
} scan_state;

static int vcollect(void *ctx, sqlval *row, sqlerr *err)
{
    scan_state *s = ctx;
    if (s->nv == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        sqlval **g = realloc(s->vrows, nc * sizeof *g);
        if (!g) {
            free(row);
            return sqlerr_oom(err);
        }
        s->vrows = g;
        s->cap = nc;
    }
    s->vrows[s->nv++] = row;
    return SQL_OK;
}

/* The key value `e` gives for column c, cast to the column's type: 1 ok, 0 not usable (NULL:
 * no row matches, *null set), SQL_ERR. */
static int key_val(const sqlschema_column *c, const sqlast_expr *e, const sqlexpr_ctx *ctx,
                   sqlval *out, bool *null)
{
    sqlerr ignore;
    sqlval v;
    if (sqlexpr_eval(e, ctx, &v, &ignore)) return 0;
    if (v.isnull) {
        *null = true;
        sqlval_free(&v);
        return 0;
    }
    int ok = sqlval_cast(&v, c->type, out, &ignore) == SQL_OK;
    sqlval_free(&v);
    return ok;
}

/* Appends to b the encoding of one index column value: v cast to the column's type. 1 done,
 * 0 the value is NULL (no row can match), 2 it cannot be evaluated or cast exactly (the scan
 * reads the table instead: its conjuncts then give PostgreSQL's answer or error), SQL_ERR. */
static int ix_put(sqlval_type ctype, const sqlast_expr *e, const sqlval *given,
                  const sqlexpr_ctx *ctx, uint8_t opt, codec_buf *b, sqlerr *err)
{
    sqlval v, cv;
    sqlerr ignore;
    if (given) {
        if (given->isnull) return 0;
        if (sqlval_cast(given, ctype, &cv, &ignore)) return 2;
    } else {
        if (sqlexpr_eval(e, ctx, &v, &ignore)) return 2;
        if (v.isnull) {
            sqlval_free(&v);
            return 0;
        }
        int ok = sqlval_cast(&v, ctype, &cv, &ignore) == SQL_OK;
        sqlval_free(&v);
        if (!ok) return 2;
    }
    /* a cast that changed the value (2.5 into an integer) would move the range */
    int rc = sqlindex_put_value(b, &cv, opt, err);
    sqlval_free(&cv);
    return rc ? SQL_ERR : 1;
}

static bool prefix_succ(codec_buf *b)
{
    size_t m = b->len;
    while (m > 0 && b->data[m - 1] == 0xff) m--;
    if (m == 0) return false;
    b->len = m;
    b->data[m - 1]++;
    return true;
}

typedef struct pkref {
    uint8_t *p;
    size_t n;
} pkref;

static int pkref_cmp(const void *a, const void *b)
{
    const pkref *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = n ? memcmp(x->p, y->p, n) : 0;
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Collects the pks of index range [lo, hi) of index oid into the state. 2 (nothing kept
 * beyond what was) once more than s->ixlimit pks are found: reading the table is cheaper. */
static int ix_collect(scan_state *s, uint32_t oid, const codec_buf *lo, const codec_buf *hi,
                      bool bounded, pkref **v, size_t *n, size_t *cap, sqlerr *err)
{
    storage_iter *it = NULL;
    int rc = storage_iter_new_index(s->b.r->s->x->st, sx_snapshot(s->b.r->s), oid, lo->data, lo->len,
                                    bounded ? hi->data : NULL, bounded ? hi->len : 0, &it);
    if (rc) return sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(rc));
    while ((rc = storage_iter_next(it)) == 1) {
        if (sx_interrupted(s->b.r->s, err)) {
            storage_iter_del(it);
            return SQL_ERR;
        }
        const uint8_t *k, *pk;
        size_t kl, pklen;
        storage_iter_item(it, &k, &kl, &pk, &pklen);
        if (s->ixlimit && *n >= s->ixlimit) {
            storage_iter_del(it);
            return 2;
        }
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            pkref *nv = realloc(*v, nc * sizeof *nv);
            if (!nv) {
                storage_iter_del(it);
                return sqlerr_oom(err);
            }
            *v = nv;
            *cap = nc;
        }
        uint8_t *c = malloc(pklen ? pklen : 1);
        if (!c) {
            storage_iter_del(it);
            return sqlerr_oom(err);
        }
        memcpy(c, pk, pklen);
        (*v)[(*n)++] = (pkref){c, pklen};
    }
    storage_iter_del(it);
    if (rc < 0) return sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(rc));
    return SQL_OK;
}

/* The rows a secondary index gives for the scan's conditions (sqlplan.h), as sorted pks:
 * 1 done (s->ixmode), 0 the index cannot be used now (read the table instead), SQL_ERR. */
static int ix_open(sqlplan_node *n, scan_state *s, storage_overlay *ov, sqlerr *err)
{
    const sqlschema_table *t = n->table;
    const sqlindex_def *d = n->ix;
    sx_session *ss = s->b.r->s;
    /* rows the transaction wrote are not in the index yet; a dropped or rebuilt index, or a
     * transaction snapshot older than the index's build, cannot be trusted: read the table */
    if (storage_overlay_has_table(ov, t->id) || sx_snapshot(ss) || !sx_index_ready(ss, d->oid, NULL))
        return 0;
    /* the only statistic: how many entries the index holds; a condition that matches more
     * than a fifth of them reads faster as a table scan (a point read per row costs several
     * rows of a scan) */
    int64_t total = storage_index_entries(ss->x->st, d->oid);
    s->ixlimit = total > 5000 ? (size_t)(total / 5) : 0;
    codec_buf pre, lo, hi;
    codec_buf_init(&pre);
    codec_buf_init(&lo);
    codec_buf_init(&hi);
    pkref *v = NULL;
    size_t nv = 0, cap = 0;
    int rc = SQL_OK;
    bool empty = false, fallback = false;
    for (int k = 0; k < n->nixeq && !empty && !fallback && rc == SQL_OK; k++) {
        int r = ix_put(n->ixtype[k], n->ixeq[k], NULL, &s->b.ctx, d->opt[k], &pre, err);
        if (r < 0) rc = SQL_ERR;
        if (r == 0) empty = true;
        if (r == 2) fallback = true;
    }
    if (rc == SQL_OK && d->gin) {
        /* the rows holding one element: v of v = ANY(col), or the array's first element of
         * col @> array (every row holding all of them holds that one) */
        const sqlast_expr *g = n->ixgin;
        sqlval gv, ev;
        sqlerr ignore;
        sqlval_init_null(&gv, SQLVAL_TEXT);
        sqlval_init_null(&ev, SQLVAL_TEXT);
        int got = 0; /* 1 an element, 0 none (no row matches), 2 read the table */
        if (!g || sqlexpr_eval(g->kind == SQLAST_ANY ? g->args[0] : g->args[1], &s->b.ctx, &gv, &ignore)) {
            got = 2;
        } else if (gv.isnull) {
            got = 0;
        } else if (g->kind == SQLAST_ANY) {
            got = sqlval_cast(&gv, SQLVAL_TEXT, &ev, &ignore) ? 2 : 1;
        } else {
            got = 2; /* an empty array (or only NULLs): every row, read the table */
            for (size_t k = 0; k < gv.narr && got == 2; k++)
                if (gv.arr && gv.arr[k]) {
                    got = 1;
                    if (sqlval_set_str(&ev, SQLVAL_TEXT, gv.arr[k], strlen(gv.arr[k]), err)) rc = SQL_ERR;
                }
        }
        if (rc == SQL_OK && got == 1) {
            codec_put_raw(&lo, pre.data, pre.len);
            if (sqlindex_put_value(&lo, &ev, 0, err)) rc = SQL_ERR;
            codec_put_raw(&hi, lo.data, lo.len);
            bool b = prefix_succ(&hi);
            if (rc == SQL_OK && (lo.err || hi.err)) rc = sqlerr_oom(err);
            if (rc == SQL_OK) rc = ix_collect(s, d->oid, &lo, &hi, b, &v, &nv, &cap, err);
        }
        if (got == 0) empty = true;
        if (got == 2) fallback = true;
        sqlval_free(&gv);
        sqlval_free(&ev);
    }
    int kc = n->nixeq; /* the column the list or range is on */
    sqlval_type col = kc < d->ncols ? n->ixtype[kc] : SQLVAL_UNKNOWN; /* UNKNOWN: no such key */
    uint8_t opt = kc < d->ncols ? d->opt[kc] : 0;
    if (d->gin) {
        /* done above */
    } else if (rc == SQL_OK && !empty && !fallback && n->ixin && col) {
        /* one range per list value */
        sqlval arr;
        sqlval_init_null(&arr, SQLVAL_UNKNOWN);
        bool have_arr = false;
        int nvals = n->ixin->kind == SQLAST_IN   ? n->ixin->nargs - 1
                    : n->ixin->kind == SQLAST_OR ? n->ixin->nargs
                                                 : 0;
        if (n->ixin->kind == SQLAST_ANY) {
            sqlerr ignore;
            if (sqlexpr_eval(n->ixin->args[1], &s->b.ctx, &arr, &ignore)) {
                fallback = true;
            } else if (arr.isnull) {
                empty = true;
            } else {
                have_arr = true;
                nvals = (int)arr.narr;
            }
        }
        for (int i = 0; i < nvals && rc == SQL_OK && !empty && !fallback; i++) {
            codec_buf_reset(&lo);
            codec_put_raw(&lo, pre.data, pre.len);
            int r;
            if (have_arr) {
                sqlval ev;
                sqlerr e2;
                if (sqlval_array_elem_get(&arr, (size_t)i, &ev, &e2)) {
                    fallback = true;
                    break;
                }
                r = ix_put(col, NULL, &ev, &s->b.ctx, opt, &lo, err);
                sqlval_free(&ev);
            } else if (n->ixin->kind == SQLAST_OR) { /* key = v OR ...: v's side of each */
                const sqlast_expr *a = n->ixin->args[i];
                r = ix_put(col, a->args[n->ixor_side && n->ixor_side[i] ? 1 : 0], NULL, &s->b.ctx,
                           opt, &lo, err);
            } else {
                r = ix_put(col, n->ixin->args[i + 1], NULL, &s->b.ctx, opt, &lo, err);
            }
            if (r < 0) rc = SQL_ERR;
            if (r == 2) fallback = true;
            if (r != 1) continue;
            codec_buf_reset(&hi);
            codec_put_raw(&hi, lo.data, lo.len);
            bool b = prefix_succ(&hi);
            if (lo.err || hi.err) rc = sqlerr_oom(err);
            else rc = ix_collect(s, d->oid, &lo, &hi, b, &v, &nv, &cap, err);
        }
        if (have_arr) sqlval_free(&arr);
    } else if (rc == SQL_OK && !empty && !fallback && n->ixlike && col) {
        /* LIKE 'abc%': the entries whose text starts with the pattern's fixed prefix (an
         * encoding without its terminator prefixes the encoding of every longer string) */
        sqlval pv;
        sqlerr ignore;
        sqlval_init_null(&pv, SQLVAL_TEXT);
        if (sqlexpr_eval(n->ixlike->args[1], &s->b.ctx, &pv, &ignore)) {
            fallback = true;
        } else if (pv.isnull || !pv.s) {
            empty = !pv.isnull ? false : true;
            fallback = !pv.isnull;
        } else {
            char *fixed = malloc(pv.len + 1);
            size_t fl = 0;
            for (size_t i = 0; fixed && i < pv.len; i++) {
                char ch = pv.s[i];
                if (ch == '%' || ch == '_') break;
                if (ch == '\\') {
                    if (++i >= pv.len) break;
                    ch = pv.s[i];
                }
                fixed[fl++] = ch;
            }
            if (!fixed) {
                rc = sqlerr_oom(err);
            } else if (!fl) {
                fallback = true; /* '%x': every entry; reading the table is no worse */
            } else {
                sqlval tv;
                sqlval_init_null(&tv, SQLVAL_TEXT);
                tv.isnull = false;
                tv.s = fixed;
                tv.len = fl;
                codec_put_raw(&lo, pre.data, pre.len);
                if (sqlindex_put_value(&lo, &tv, 0, err)) rc = SQL_ERR;
                else lo.len -= 2; /* the text terminator */
                codec_buf_reset(&hi);
                codec_put_raw(&hi, lo.data, lo.len);
                bool bounded = prefix_succ(&hi);
                if (rc == SQL_OK && (lo.err || hi.err)) rc = sqlerr_oom(err);
                if (rc == SQL_OK) rc = ix_collect(s, d->oid, &lo, &hi, bounded, &v, &nv, &cap, err);
            }
            free(fixed);
        }
        sqlval_free(&pv);
    } else if (rc == SQL_OK && !empty && !fallback) {
        /* the equal prefix, then the range on column kc (a DESC column stores it inverted) */
        const sqlast_expr *elo = n->ixlo, *ehi = n->ixhi;
        bool lo_incl = n->ixlo_incl, hi_incl = n->ixhi_incl;
        if (opt & SQLINDEX_DESC) {
            const sqlast_expr *te = elo;
            elo = ehi, ehi = te;
            bool tb = lo_incl;
            lo_incl = hi_incl, hi_incl = tb;
        }
        codec_put_raw(&lo, pre.data, pre.len);
        codec_put_raw(&hi, pre.data, pre.len);
        bool bounded = true;
        if (col && (elo || ehi)) {
            if (elo) {
                int r = ix_put(col, elo, NULL, &s->b.ctx, opt, &lo, err);
                if (r < 0) rc = SQL_ERR;
                if (r == 0) empty = true;
                if (r == 2) fallback = true;
                if (r == 1 && !lo_incl && !prefix_succ(&lo)) empty = true;
            } else {
                codec_put_u8(&lo, 0x01); /* past the NULLs that sort first */
            }
            if (ehi) {
                int r = ix_put(col, ehi, NULL, &s->b.ctx, opt, &hi, err);
                if (r < 0) rc = SQL_ERR;
                if (r == 0) empty = true;
                if (r == 2) fallback = true;
                if (r == 1 && hi_incl) bounded = prefix_succ(&hi);
            } else {
                codec_put_u8(&hi, 0x01); /* before the NULLs that sort last */
                bounded = prefix_succ(&hi);
            }
        } else {
            bounded = pre.len ? prefix_succ(&hi) : false;
        }
        if (lo.err || hi.err) rc = sqlerr_oom(err);
        if (rc == SQL_OK && !empty && !fallback) rc = ix_collect(s, d->oid, &lo, &hi, bounded, &v, &nv, &cap, err);
    }
    if (rc == 2) { /* too many rows for an index to pay off */
        rc = SQL_OK;
        fallback = true;
    }
    if (rc == SQL_OK && fallback) {
        for (size_t i = 0; i < nv; i++) free(v[i].p);
        free(v);
        codec_buf_free(&pre);
        codec_buf_free(&lo);
        codec_buf_free(&hi);
        return 0;
    }
    if (rc == SQL_OK && nv > 1) {
        /* primary-key order (as the table's own scan), each row once (a list may repeat a value) */
        qsort(v, nv, sizeof *v, pkref_cmp);
        size_t w = 1;
        for (size_t i = 1; i < nv; i++) {
            if (!pkref_cmp(&v[w - 1], &v[i])) {
                free(v[i].p);
                continue;
            }
            v[w++] = v[i];
        }
        nv = w;
    }
    if (rc == SQL_OK) {
        s->ixpk = calloc(nv + 1, sizeof *s->ixpk);
        s->ixlen = calloc(nv + 1, sizeof *s->ixlen);
        if (!s->ixpk || !s->ixlen) rc = sqlerr_oom(err);
        for (size_t i = 0; rc == SQL_OK && i < nv; i++) {
            s->ixpk[i] = v[i].p;
            s->ixlen[i] = v[i].n;
            v[i].p = NULL;
        }
        s->nix = rc == SQL_OK ? nv : 0;
        s->ixmode = rc == SQL_OK;
    }
    for (size_t i = 0; i < nv; i++) free(v[i].p);
    free(v);
    codec_buf_free(&pre);
    codec_buf_free(&lo);
    codec_buf_free(&hi);
    return rc == SQL_OK ? 1 : SQL_ERR;
}

typedef struct okey {
    uint8_t *key; /* entry prefix, then pk */
    size_t plen, len;
} okey;

static int okey_cmp(const void *a, const void *b)
{
    const okey *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* ORDER BY served by an index (sqlplan.h ixorder). Normally a stream of the index's entries in
 * order; when the transaction wrote the table (its rows are not in the index yet), a snapshot
 * is in use, or the index is not built, the table's rows are read and put in the index's order
 * here, so the rows still come out ordered (the plan has no sort above). */
static int ix_open_ordered(sqlplan_node *n, scan_state *s, storage_overlay *ov, sqlerr *err)
{
    const sqlschema_table *t = n->table;
    const sqlindex_def *d = n->ix;
    sx_session *ss = s->b.r->s;
    if (!storage_overlay_has_table(ov, t->id) && !sx_snapshot(ss) && sx_index_ready(ss, d->oid, NULL)) {
        if (!(s->ixsnap = storage_snapshot_new(ss->x->st))) return sqlerr_oom(err);
        int rc = storage_iter_new_index_ex(ss->x->st, s->ixsnap, d->oid, NULL, 0, NULL, 0,
                                           n->ixorder < 0, &s->ixstream);
        if (rc) return sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(rc));
        return SQL_OK;
    }
    sqlindex_exprs *bx = NULL;
    if (sqlindex_exprs_bind(d, t, &bx, err)) return SQL_ERR;
    storage_iter *it = NULL;
    int rc = storage_overlay_iter_new(ov, sx_snapshot(ss), t->id, NULL, 0, NULL, 0, &it);
    if (rc) {
        sqlindex_exprs_free(bx);
        return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    }
    okey *v = NULL;
    size_t nv = 0, cap = 0;
    codec_buf b;
    codec_buf_init(&b);
    int out = SQL_OK;
    while (out == SQL_OK && (rc = storage_iter_next(it)) == 1) {
        if (sx_interrupted(ss, err)) {
            out = SQL_ERR;
            break;
        }
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(it, &pk, &pklen, &val, &vlen);
        sqlval *vals = NULL;
        int vr = sqlrun_row_values_some(t, NULL, pk, pklen, val, vlen, &vals, err);
        if (vr == 1) continue;
        if (vr) {
            out = SQL_ERR;
            break;
        }
        bool has_null;
        codec_buf_reset(&b);
        int pr = sqlindex_put_prefix(&b, d, t, bx, vals, &has_null, err);
        sqlplan_row_free(vals, t->ncols);
        size_t plen = b.len;
        codec_put_raw(&b, pk, pklen);
        if (pr || b.err) {
            out = pr ? SQL_ERR : sqlerr_oom(err);
            break;
        }
        if (nv == cap) {
            size_t nc = cap ? cap * 2 : 64;
            okey *g = realloc(v, nc * sizeof *g);
            if (!g) {
                out = sqlerr_oom(err);
                break;
            }
            v = g;
            cap = nc;
        }
        if (!(v[nv].key = malloc(b.len))) {
            out = sqlerr_oom(err);
            break;
        }
        memcpy(v[nv].key, b.data, b.len);
        v[nv].plen = plen;
        v[nv].len = b.len;
        nv++;
    }
    storage_iter_del(it);
    if (out == SQL_OK && rc < 0) out = sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    if (out == SQL_OK) {
        qsort(v, nv, sizeof *v, okey_cmp);
        s->ixpk = calloc(nv + 1, sizeof *s->ixpk);
        s->ixlen = calloc(nv + 1, sizeof *s->ixlen);
        if (!s->ixpk || !s->ixlen) out = sqlerr_oom(err);
        for (size_t i = 0; out == SQL_OK && i < nv; i++) {
            size_t j = n->ixorder < 0 ? nv - 1 - i : i;
            size_t pl = v[j].len - v[j].plen;
            if (!(s->ixpk[i] = malloc(pl ? pl : 1))) {
                out = sqlerr_oom(err);
                break;
            }
            memcpy(s->ixpk[i], v[j].key + v[j].plen, pl);
            s->ixlen[i] = pl;
            s->nix = i + 1;
        }
        s->ixmode = out == SQL_OK;
        s->ixov = true; /* the rows through the overlay: it may hold some */
    }
    for (size_t i = 0; i < nv; i++) free(v[i].key);
    free(v);
    codec_buf_free(&b);
    sqlindex_exprs_free(bx);
    return out;
}

static int scan_open(sqlplan_node *n, scan_state *s, sqlerr *err)
{
    const sqlschema_table *t = n->table;
    if (sqlvirt_is(t)) return sqlvirt_rows(s->b.r->s, t, vcollect, s, err);
    storage_overlay *ov = sx_preview(s->b.r->s);
    if (!ov) return sqlerr_oom(err);
    codec_buf_init(&s->key);
    /* SERIALIZABLE: a scan reads the table (its predicate is not kept), a lookup by the whole
       key reads the row (below) */
    if ((!n->nkeys || n->nkeys < t->npk || n->ix) && sx_ser_read_table(s->b.r->s, t->id, err))
        return SQL_ERR;
    if (n->ix && n->ixorder) return ix_open_ordered(n, s, ov, err);
    if (n->ix && n->nkeys < t->npk) {
        int r = ix_open(n, s, ov, err);
        if (r < 0) return SQL_ERR;
        if (r == 1) return SQL_OK;
    }
    int nkey = 0;
    if (n->nkeys) {
        sqlval vals[32];
        sqlval *full = calloc((size_t)t->ncols + 1, sizeof *full);
        if (!full) return sqlerr_oom(err);
        for (int i = 0; i < t->ncols; i++) sqlval_init_null(&full[i], t->cols[i].type);
        bool null = false;
        for (; nkey < n->nkeys; nkey++) {
            int ci = t->pk[nkey];
            int ok = key_val(&t->cols[ci], n->keyexpr[nkey], &s->b.ctx, &vals[nkey], &null);
            if (ok <= 0) break;
            sqlval_move(&full[ci], &vals[nkey]);
        }
        if (null) {
            s->empty = true; /* key = NULL: no row */
        } else if (nkey && sqlrun_pk_encode_n(t, full, nkey, &s->key, err)) {
            for (int i = 0; i < t->ncols; i++) sqlval_free(&full[i]);
            free(full);
            return SQL_ERR;
        }
        for (int i = 0; i < t->ncols; i++) sqlval_free(&full[i]);
        free(full);
        if (s->empty) return SQL_OK;
    }
    int rc;
    if (nkey && nkey == t->npk && !s->key.err) {
        s->point = true;
        if (sx_ser_read_row(s->b.r->s, t->id, s->key.data, s->key.len, err)) return SQL_ERR;
        rc = storage_overlay_get(ov, sx_snapshot(s->b.r->s), t->id, s->key.data, s->key.len, &s->pval,
                                 &s->pvlen);
        if (rc == STORAGE_ENOTFOUND) {
            s->empty = true;
            return SQL_OK;
        }
        if (rc) return sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(rc));
        return SQL_OK;
    }
    if (n->nkeys == t->npk && !n->ix && sx_ser_read_table(s->b.r->s, t->id, err))
        return SQL_ERR; /* a whole key that did not fix every column: a range or a scan */
    if (nkey) {
        codec_buf hi;
        codec_buf_init(&hi);
        codec_put_raw(&hi, s->key.data, s->key.len);
        size_t m = hi.len;
        while (m > 0 && hi.data[m - 1] == 0xff) m--;
        if (m == 0 || hi.err) {
            nkey = 0;
        } else {
            hi.len = m;
            hi.data[m - 1]++;
            rc = storage_overlay_iter_new(ov, sx_snapshot(s->b.r->s), t->id, s->key.data, s->key.len, hi.data, hi.len,
                                          &s->it);
        }
        codec_buf_free(&hi);
    }
    if (!nkey) rc = storage_overlay_iter_new(ov, sx_snapshot(s->b.r->s), t->id, NULL, 0, NULL, 0, &s->it);
    if (rc) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    return SQL_OK;
}

/* One stored row into a level row: 1 produced, 0 invisible or filtered. */
static int scan_emit(sqlplan_node *n, scan_state *s, const uint8_t *pk, size_t pklen,
                     const uint8_t *val, size_t vlen, sqlval **out, sqlerr *err)
{
    const sqlschema_table *t = n->table;
    sqlval *row = row_new(n->width, err);
    if (!row) return SQL_ERR;
    int vr = sqlrun_row_values_into(t, n->need, pk, pklen, val, vlen, &row[n->offset], err);
    if (vr) {
        sqlplan_row_free(row, n->width);
        return vr == 1 ? 0 : SQL_ERR;
    }
    if (n->pk_slot >= 0 && sqlval_set_str(&row[n->pk_slot], SQLVAL_BYTEA, (const char *)pk, pklen, err)) {
        sqlplan_row_free(row, n->width);
        return SQL_ERR;
    }
    if (s->b.r->plan->want_raw) {
        if (!s->raw_init) {
            crdt_row_init(&s->raw);
            s->raw_init = true;
        }
        if (crdt_row_decode(val, vlen, &s->raw)) {
            sqlplan_row_free(row, n->width);
            return sqlerr_set(err, "XX001", -1, "corrupt row in table \"%s\"", t->name);
        }
        s->b.r->raw = &s->raw;
        s->b.r->raw_table = t;
    }
    bool yes;
    if (leaf_qual(n, &s->b, row, &yes, err)) {
        sqlplan_row_free(row, n->width);
        return SQL_ERR;
    }
    if (!yes) {
        sqlplan_row_free(row, n->width);
        return 0;
    }
    *out = row;
    return 1;
}

static int scan_next(sqlplan_node *n, scan_state *s, sqlval **out, sqlerr *err)
{
    if (s->empty || s->done) return 0;
    const sqlschema_table *t = n->table;
    if (sqlvirt_is(t)) {
        while (s->vi < s->nv) {
            sqlval *vals = s->vrows[s->vi];
            s->vrows[s->vi++] = NULL;
            sqlval *row = row_new(n->width, err);
            if (!row) {
                sqlplan_row_free(vals, t->ncols);
                return SQL_ERR;
            }
            for (int i = 0; i < t->ncols; i++) sqlval_move(&row[n->offset + i], &vals[i]);
            free(vals);
            bool yes;
            if (leaf_qual(n, &s->b, row, &yes, err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            if (yes) {
                *out = row;
                return 1;
            }
            sqlplan_row_free(row, n->width);
        }
        return 0;
    }
    if (s->point) {
        s->done = true;
        return scan_emit(n, s, s->key.data, s->key.len, s->pval, s->pvlen, out, err);
    }
    if (s->ixstream) {
        int rc;
        while ((rc = storage_iter_next(s->ixstream)) == 1) {
            if (sx_interrupted(s->b.r->s, err)) return SQL_ERR;
            const uint8_t *k, *pk;
            size_t kl, pklen;
            storage_iter_item(s->ixstream, &k, &kl, &pk, &pklen);
            uint8_t *val = NULL;
            size_t vlen = 0;
            int g = storage_get(s->b.r->s->x->st, s->ixsnap, t->id, pk, pklen, &val, &vlen);
            if (g == STORAGE_ENOTFOUND) continue;
            if (g) return sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(g));
            int e = scan_emit(n, s, pk, pklen, val, vlen, out, err);
            free(val);
            if (e) return e;
        }
        s->done = true;
        if (rc < 0) return sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(rc));
        return 0;
    }
    if (s->ixmode && s->ixov) {
        storage_overlay *ov = sx_preview(s->b.r->s);
        if (!ov) return sqlerr_oom(err);
        while (s->ixi < s->nix) {
            if (sx_interrupted(s->b.r->s, err)) return SQL_ERR;
            size_t i = s->ixi++;
            uint8_t *val = NULL;
            size_t vlen = 0;
            int rc = storage_overlay_get(ov, sx_snapshot(s->b.r->s), t->id, s->ixpk[i], s->ixlen[i], &val, &vlen);
            if (rc == STORAGE_ENOTFOUND) continue;
            if (rc) return sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(rc));
            int e = scan_emit(n, s, s->ixpk[i], s->ixlen[i], val, vlen, out, err);
            free(val);
            if (e) return e;
        }
        s->done = true;
        return 0;
    }
    if (s->ixmode) {
        /* the transaction wrote nothing to this table (ix_open): the stored rows are its view,
         * read 32 at a time in one MultiGet */
        while (s->ixi < s->nix) {
            if (sx_interrupted(s->b.r->s, err)) return SQL_ERR;
            size_t i = s->ixi++;
            if (i >= s->bfrom + s->bn) {
                for (size_t k = 0; k < s->bn; k++) free(s->bval[k]);
                s->bfrom = i;
                s->bn = s->nix - i < 32 ? s->nix - i : 32;
                int rc = storage_multi_get(s->b.r->s->x->st, sx_snapshot(s->b.r->s), t->id,
                                           (const uint8_t *const *)&s->ixpk[i], &s->ixlen[i], s->bn,
                                           s->bval, s->blen);
                if (rc) {
                    s->bn = 0;
                    return sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(rc));
                }
            }
            size_t k = i - s->bfrom;
            if (!s->bval[k]) continue;
            int e = scan_emit(n, s, s->ixpk[i], s->ixlen[i], s->bval[k], s->blen[k], out, err);
            free(s->bval[k]);
            s->bval[k] = NULL;
            if (e) return e;
        }
        s->done = true;
        return 0;
    }
    int rc;
    while ((rc = storage_iter_next(s->it)) == 1) {
        if (sx_interrupted(s->b.r->s, err)) return SQL_ERR;
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(s->it, &pk, &pklen, &val, &vlen);
        int e = scan_emit(n, s, pk, pklen, val, vlen, out, err);
        if (e) return e;
    }
    s->done = true;
    if (rc < 0) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    return 0;
}

static void scan_close(const sqlplan_node *n, scan_state *s)
{
    for (size_t i = 0; i < s->nix; i++) free(s->ixpk[i]);
    free(s->ixpk);
    free(s->ixlen);
    for (size_t k = 0; k < s->bn; k++) free(s->bval[k]);
    if (s->ixstream) storage_iter_del(s->ixstream);
    if (s->ixsnap) storage_snapshot_del(s->b.r->s->x->st, s->ixsnap);
    if (s->it) storage_iter_del(s->it);
    free(s->pval);
    codec_buf_free(&s->key);
    if (s->raw_init) crdt_row_free(&s->raw);
    for (size_t i = s->vi; i < s->nv; i++) sqlplan_row_free(s->vrows[i], n->table->ncols);
    free(s->vrows);
}

/* ------------------------------------------------------------------ VALUES, RESULT */

typedef struct values_state {
    base_state b;
    int i;
} values_state;

static int cast_to(sqlval *v, sqlval_type t, sqlerr *err)
{
    if (v->type == t || t == SQLVAL_UNKNOWN) return SQL_OK;
    if (v->isnull) {
        v->type = t;
        return SQL_OK;
    }
    sqlval c;
    if (sqlval_cast(v, t, &c, err)) return SQL_ERR;
    sqlval_move(v, &c);
    return SQL_OK;
}

static int values_next(sqlplan_node *n, values_state *s, sqlval **out, sqlerr *err)
{
    while (s->i < n->nrows) {
        sqlast_expr **r = n->rows[s->i++];
        sqlval *row = row_new(n->width, err);
        if (!row) return SQL_ERR;
        for (int c = 0; c < n->ncols; c++) {
            if (sqlexpr_eval(r[c], &s->b.ctx, &row[c], err) || cast_to(&row[c], n->types[c], err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
        }
        bool yes;
        if (leaf_qual(n, &s->b, row, &yes, err)) {
            sqlplan_row_free(row, n->width);
            return SQL_ERR;
        }
        if (yes) {
            *out = row;
            return 1;
        }
        sqlplan_row_free(row, n->width);
    }
    return 0;
}

/* ------------------------------------------------------------------ functions in FROM */

typedef struct func_state {
    base_state b;
    sqlval args[4];
    int nargs;
    bool done;
    int64_t cur, stop, step; /* generate_series over integers */
    bool ts, first;          /* ... over timestamps: args[0] is the current value */
    char *ncur;              /* ... over numeric */
    size_t i;                /* element index */
    int64_t ord;
    sqljsonb_member *mem;
    size_t nmem;
    bool recnull; /* jsonb_to_record(NULL): its one row of NULLs is still due */
} func_state;

static int func_open(sqlplan_node *n, func_state *s, sqlerr *err)
{
    const sqlast_expr *fe = n->func;
    const char *name = fe->name;
    bool srf = n->what && strcmp(n->what, "Result") != 0;
    if (!srf) return SQL_OK;
    s->nargs = fe->nargs > 4 ? 4 : fe->nargs;
    for (int i = 0; i < s->nargs; i++)
        if (sqlexpr_eval(fe->args[i], &s->b.ctx, &s->args[i], err)) return SQL_ERR;
    if (!strcmp(name, "pg_listening_channels")) { /* the session's channels, as unnest's */
        const sqlexpr_env *env = s->b.ctx.env;
        if (!env || !env->sess || !env->sess->listening)
            return sqlerr_unsupported(err, fe->location, "pg_listening_channels() in this context");
        s->nargs = 1;
        return env->sess->listening(env->sess_arg, &s->args[0], err);
    }
    if (n->recnames) { /* jsonb_to_record[set] / json_to_record[set]: the objects, as jsonb */
        bool set = strstr(name, "recordset") != NULL;
        if (s->args[0].isnull) {
            s->done = set; /* to_record(NULL): one row of NULLs */
            s->recnull = !set;
            return SQL_OK;
        }
        if (s->args[0].type != SQLVAL_JSONB) {
            sqlval j;
            if (sqlval_cast(&s->args[0], SQLVAL_JSONB, &j, err)) return SQL_ERR;
            sqlval_move(&s->args[0], &j);
        }
        const char *doc = s->args[0].s ? s->args[0].s : "null";
        if (!set) {
            if (doc[0] != '{')
                return sqlerr_set(err, "22023", -1, "cannot call populate_composite on %s",
                                  doc[0] == '[' ? "an array" : "a scalar");
            if (!(s->mem = calloc(1, sizeof *s->mem)) || !(s->mem[0].value = strdup(doc))) return sqlerr_oom(err);
            s->mem[0].valuelen = strlen(doc);
            s->nmem = 1;
            return SQL_OK;
        }
        if (doc[0] != '[') return sqlerr_set(err, "22023", -1, "cannot call %s on a non-array", name);
        if (sqljsonb_elements(doc, strlen(doc), &s->mem, &s->nmem, err) < 0) return SQL_ERR;
        for (size_t i = 0; i < s->nmem; i++)
            if (s->mem[i].value[0] != '{')
                return sqlerr_set(err, "22023", -1, "argument of %s must be an array of objects", name);
        return SQL_OK;
    }
    bool zip = !strcmp(fe->name, "unnest") && s->nargs > 1;
    for (int i = 0; i < s->nargs; i++)
        if (s->args[i].isnull && !zip && !(i > 0 && !strcmp(name, "string_to_table")))
            s->done = true; /* strict (a zipped NULL is empty; string_to_table's NULL separator splits characters) */
    if (s->done) return SQL_OK;
    if (!strcmp(name, "regexp_matches") || !strcmp(name, "regexp_split_to_table") ||
        !strcmp(name, "string_to_table")) {
        /* every row at once, then handed out as unnest's elements */
        sqlval rows;
        if (sqlfunc_regexp_rows(name, s->args, s->nargs, &rows, err)) return SQL_ERR;
        for (int i = 0; i < s->nargs; i++) sqlval_free(&s->args[i]);
        s->args[0] = rows;
        s->nargs = 1;
        return SQL_OK;
    }
    if (!strcmp(name, "generate_series")) {
        sqlval_type t = n->types[0];
        if (t == SQLVAL_TIMESTAMP || t == SQLVAL_TIMESTAMPTZ) {
            for (int i = 0; i < 3; i++) {
                sqlval c;
                if (sqlval_cast(&s->args[i], i == 2 ? SQLVAL_INTERVAL : t, &c, err)) return SQL_ERR;
                sqlval_move(&s->args[i], &c);
            }
            s->ts = s->first = true;
            return SQL_OK;
        }
        if (t == SQLVAL_NUMERIC) {
            sqlval a;
            if (sqlval_cast(&s->args[0], SQLVAL_NUMERIC, &a, err)) return SQL_ERR;
            s->ncur = a.s;
            a.s = NULL;
            sqlval_free(&a);
            for (int i = 1; i < s->nargs; i++) {
                sqlval c;
                if (sqlval_cast(&s->args[i], SQLVAL_NUMERIC, &c, err)) return SQL_ERR;
                sqlval_move(&s->args[i], &c);
            }
            if (s->nargs == 3) {
                sqlval z;
                int cmp;
                sqlval_init_null(&z, SQLVAL_NUMERIC);
                if (sqlval_from_text(SQLVAL_NUMERIC, "0", 1, &z, err)) return SQL_ERR;
                int rc = sqlval_compare(&s->args[2], &z, &cmp, err);
                sqlval_free(&z);
                if (rc) return SQL_ERR;
                if (cmp == 0) return sqlerr_set(err, "22023", -1, "step size cannot equal zero");
            }
            return SQL_OK;
        }
        sqlval a, b;
        if (sqlval_cast(&s->args[0], SQLVAL_INT8, &a, err)) return SQL_ERR;
        if (sqlval_cast(&s->args[1], SQLVAL_INT8, &b, err)) return SQL_ERR;
        s->cur = a.u.i;
        s->stop = b.u.i;
        s->step = 1;
        if (s->nargs == 3) {
            sqlval c;
            if (sqlval_cast(&s->args[2], SQLVAL_INT8, &c, err)) return SQL_ERR;
            s->step = c.u.i;
            if (s->step == 0) return sqlerr_set(err, "22023", -1, "step size cannot equal zero");
        }
        return SQL_OK;
    }
    if (!strcmp(name, "jsonb_path_query")) { /* every item at once (sqljsonpath.h) */
        sqljsonpath *p;
        const sqlval *pa = &s->args[1];
        if (sqljsonpath_parse(pa->s ? pa->s : "", pa->s ? pa->len : 0, &p, err)) return SQL_ERR;
        const char *doc = s->args[0].s ? s->args[0].s : "null";
        const char *vars = s->nargs >= 3 && s->args[2].s ? s->args[2].s : "{}";
        char **items = NULL;
        size_t ni = 0;
        int rc = sqljsonpath_query(p, doc, strlen(doc), vars, strlen(vars), s->nargs >= 4 && s->args[3].u.b,
                                   &items, &ni, err);
        sqljsonpath_free(p);
        if (rc) return SQL_ERR;
        if (ni && !(s->mem = calloc(ni, sizeof *s->mem))) {
            sqljsonpath_items_free(items, ni);
            return sqlerr_oom(err);
        }
        for (size_t i = 0; i < ni; i++) { /* the items' strings move into the members */
            s->mem[i].value = items[i];
            s->mem[i].valuelen = strlen(items[i]);
            items[i] = NULL;
        }
        s->nmem = ni;
        sqljsonpath_items_free(items, ni);
        return SQL_OK;
    }
    if (!strncmp(name, "json_", 5)) { /* the json type: its text as written (sqljson.h) */
        if (s->args[0].type != SQLVAL_JSON) {
            sqlval j;
            if (sqlval_cast(&s->args[0], SQLVAL_JSON, &j, err)) return SQL_ERR;
            sqlval_move(&s->args[0], &j);
        }
        const char *doc = s->args[0].s ? s->args[0].s : "null";
        size_t len = s->args[0].s ? s->args[0].len : 4;
        bool array = !strncmp(name, "json_array_elements", 19);
        int rc = sqljson_items(doc, len, array, &s->mem, &s->nmem, err);
        if (rc != 1) return rc < 0 ? SQL_ERR : SQL_OK;
        const char *t = sqljson_typeof(doc, len);
        bool arr = t && !strcmp(t, "array");
        if (array)
            return sqlerr_set(err, "22023", -1, "cannot call %s on a %s", name,
                              arr || (t && !strcmp(t, "object")) ? "non-array" : "scalar");
        if (!strcmp(name, "json_object_keys"))
            return sqlerr_set(err, "22023", -1, "cannot call %s on %s", name,
                              arr ? "an array" : "a scalar");
        return sqlerr_set(err, "22023", -1, arr ? "cannot deconstruct an array as an object"
                                                : "cannot deconstruct a scalar");
    }
    if (!strncmp(name, "jsonb_", 6)) {
        const char *doc = s->args[0].s ? s->args[0].s : "null";
        char k = doc[0];
        if (!strcmp(name, "jsonb_array_elements") || !strcmp(name, "jsonb_array_elements_text")) {
            if (k != '[')
                return sqlerr_set(err, "22023", -1, "cannot extract elements from %s",
                                  k == '{' ? "an object" : "a scalar");
            /* parsed once: reading element i from the text each row was quadratic */
            int rc = sqljsonb_elements(doc, strlen(doc), &s->mem, &s->nmem, err);
            return rc < 0 ? SQL_ERR : SQL_OK;
        }
        if (k != '{') {
            if (!strcmp(name, "jsonb_object_keys"))
                return sqlerr_set(err, "22023", -1, "cannot call %s on %s", name,
                                  k == '[' ? "an array" : "a scalar");
            return sqlerr_set(err, "22023", -1, "cannot call %s on a non-object", name);
        }
        int rc = sqljsonb_members(doc, strlen(doc), &s->mem, &s->nmem, err);
        return rc < 0 ? SQL_ERR : SQL_OK;
    }
    return SQL_OK;
}

/* The function's next value(s) into vals (ncols of them, without ordinality): 1, 0 end. */
static int func_value(sqlplan_node *n, func_state *s, sqlval *vals, sqlerr *err)
{
    const sqlast_expr *fe = n->func;
    const char *name = fe->name;
    if (s->done) return 0;
    if (!strcmp(n->what, "Result")) {
        s->done = true;
        return sqlexpr_eval(fe, &s->b.ctx, &vals[0], err) ? SQL_ERR : 1;
    }
    if (!strcmp(name, "generate_series")) {
        if (s->ts) {
            sqlval nxt;
            int r = sqldate_series_next(&s->args[0], &s->args[1], &s->args[2], s->first, &nxt, err);
            if (r < 0) return SQL_ERR;
            if (r == 1) {
                s->done = true;
                return 0;
            }
            s->first = false;
            sqlval_set_int(&vals[0], nxt.type, nxt.u.i);
            sqlval_move(&s->args[0], &nxt);
            return 1;
        }
        if (s->ncur) {
            sqlval cur;
            sqlval_init_null(&cur, SQLVAL_NUMERIC);
            cur.isnull = false;
            cur.s = s->ncur;
            cur.len = strlen(s->ncur);
            int cmp, dir = 1;
            if (s->nargs == 3) {
                sqlval z;
                sqlval_init_null(&z, SQLVAL_NUMERIC);
                if (sqlval_from_text(SQLVAL_NUMERIC, "0", 1, &z, err)) return SQL_ERR;
                int rc = sqlval_compare(&s->args[2], &z, &dir, err);
                sqlval_free(&z);
                if (rc) return SQL_ERR;
            }
            if (sqlval_compare(&cur, &s->args[1], &cmp, err)) return SQL_ERR;
            if ((dir > 0 && cmp > 0) || (dir < 0 && cmp < 0)) {
                s->done = true;
                return 0;
            }
            if (sqlval_set_str(&vals[0], SQLVAL_NUMERIC, s->ncur, strlen(s->ncur), err)) return SQL_ERR;
            char *next = NULL;
            if (sqlnum_add(s->ncur, s->nargs == 3 ? s->args[2].s : "1", &next)) return sqlerr_oom(err);
            free(s->ncur);
            s->ncur = next;
            return 1;
        }
        if ((s->step > 0 && s->cur > s->stop) || (s->step < 0 && s->cur < s->stop)) {
            s->done = true;
            return 0;
        }
        sqlval_set_int(&vals[0], n->types[0], s->cur);
        if (__builtin_add_overflow(s->cur, s->step, &s->cur)) s->done = true;
        return 1;
    }
    if (!strncmp(name, "_pg_expandarray", 15)) { /* (x, n) per element; .x, .n alone */
        const sqlval *a = &s->args[0];
        if (a->isnull || s->i >= a->narr) return 0;
        size_t k = s->i++;
        const char *e = a->arr[k];
        sqlval_type et = n->types[0];
        if (!strcmp(name, "_pg_expandarray_n")) {
            sqlval_set_int(&vals[0], SQLVAL_INT4, (int64_t)k + 1);
            return 1;
        }
        if (!strcmp(name, "_pg_expandarray_x")) {
            if (!e) sqlval_init_null(&vals[0], et);
            else if (et != SQLVAL_TEXT ? sqlval_from_text(et, e, strlen(e), &vals[0], err)
                                       : sqlval_set_str(&vals[0], SQLVAL_TEXT, e, strlen(e), err))
                return SQL_ERR;
            return 1;
        }
        /* the record's text as record_out prints it: (x,n), x quoted when it must be */
        size_t el = e ? strlen(e) : 0, cap = 2 * el + 32, o = 0;
        char *buf = malloc(cap);
        if (!buf) return sqlerr_oom(err);
        buf[o++] = '(';
        bool quote = e && (el == 0 || strpbrk(e, "(),\"\\ \t\n"));
        if (e && quote) buf[o++] = '"';
        for (size_t i = 0; e && i < el; i++) {
            if (e[i] == '"' || e[i] == '\\') buf[o++] = e[i];
            buf[o++] = e[i];
        }
        if (e && quote) buf[o++] = '"';
        o += (size_t)snprintf(buf + o, cap - o, ",%zu)", k + 1);
        sqlval_take_str(&vals[0], SQLVAL_TEXT, buf, o);
        return 1;
    }
    if (!strcmp(name, "generate_subscripts")) { /* 1 .. n for dimension 1 (reversed: n .. 1) */
        const sqlval *a = &s->args[0];
        sqlval d;
        if (sqlval_cast(&s->args[1], SQLVAL_INT8, &d, err)) return SQL_ERR;
        bool rev = false;
        if (s->nargs == 3) {
            sqlval r;
            if (sqlval_cast(&s->args[2], SQLVAL_BOOL, &r, err)) return SQL_ERR;
            rev = r.u.b;
        }
        if (d.u.i != 1 || s->i >= a->narr) return 0;
        size_t k = s->i++;
        int64_t lb = sqlval_array_lbound(a->type); /* a vector's subscripts start at 0 */
        sqlval_set_int(&vals[0], SQLVAL_INT4, (rev ? (int64_t)(a->narr - k) - 1 : (int64_t)k) + lb);
        return 1;
    }
    if (!strcmp(name, "pg_options_to_table")) { /* {"name=value", ...} */
        const sqlval *a = &s->args[0];
        while (s->i < a->narr && !a->arr[s->i]) s->i++;
        if (s->i >= a->narr) return 0;
        const char *e = a->arr[s->i++], *eq = strchr(e, '=');
        if (sqlval_set_str(&vals[0], SQLVAL_TEXT, e, eq ? (size_t)(eq - e) : strlen(e), err)) return SQL_ERR;
        if (!eq) {
            sqlval_init_null(&vals[1], SQLVAL_TEXT);
            return 1;
        }
        return sqlval_set_str(&vals[1], SQLVAL_TEXT, eq + 1, strlen(eq + 1), err) ? SQL_ERR : 1;
    }
    if (!strcmp(name, "unnest") || !strcmp(name, "pg_listening_channels") ||
        !strcmp(name, "regexp_matches") || !strcmp(name, "regexp_split_to_table") ||
        !strcmp(name, "string_to_table")) {
        /* the arrays side by side; a shorter (or NULL) one gives NULLs */
        size_t most = 0;
        for (int j = 0; j < s->nargs; j++)
            if (!s->args[j].isnull && s->args[j].narr > most) most = s->args[j].narr;
        if (s->i >= most) return 0;
        size_t k = s->i++;
        for (int j = 0; j < s->nargs; j++) {
            const sqlval *a = &s->args[j];
            const char *e = !a->isnull && k < a->narr ? a->arr[k] : NULL;
            sqlval_type et = n->types[j] == SQLVAL_UNKNOWN ? SQLVAL_TEXT : n->types[j];
            if (!e) sqlval_init_null(&vals[j], et);
            else if (et != SQLVAL_TEXT ? sqlval_from_text(et, e, strlen(e), &vals[j], err)
                                       : sqlval_set_str(&vals[j], SQLVAL_TEXT, e, strlen(e), err))
                return SQL_ERR;
        }
        return 1;
    }
    if (s->i >= s->nmem) return 0;
    sqljsonb_member *m = &s->mem[s->i++];
    if (!strncmp(name, "json_", 5)) { /* values as written (sqljson_items) */
        bool text = !strcmp(name + strlen(name) - 5, "_text");
        int k = 0;
        if (!strcmp(name, "json_each") || !strcmp(name, "json_each_text") ||
            !strcmp(name, "json_object_keys"))
            if (sqlval_set_str(&vals[k++], SQLVAL_TEXT, m->key, m->keylen, err)) return SQL_ERR;
        if (!strcmp(name, "json_object_keys")) return 1;
        if (text) return sqljson_value_text(m->value, m->valuelen, &vals[k], err) ? SQL_ERR : 1;
        return sqlval_set_str(&vals[k], SQLVAL_JSON, m->value, m->valuelen, err) ? SQL_ERR : 1;
    }
    if (!strcmp(name, "jsonb_array_elements") || !strcmp(name, "jsonb_path_query"))
        return sqlval_set_str(&vals[0], SQLVAL_JSONB, m->value, m->valuelen, err) ? SQL_ERR : 1;
    if (!strcmp(name, "jsonb_array_elements_text"))
        return sqljsonb_scalar_text(m->value, &vals[0], err) ? SQL_ERR : 1;
    if (!strcmp(name, "jsonb_object_keys"))
        return sqlval_set_str(&vals[0], SQLVAL_TEXT, m->key, m->keylen, err) ? SQL_ERR : 1;
    if (sqlval_set_str(&vals[0], SQLVAL_TEXT, m->key, m->keylen, err)) return SQL_ERR;
    if (!strcmp(name, "jsonb_each"))
        return sqlval_set_str(&vals[1], SQLVAL_JSONB, m->value, m->valuelen, err) ? SQL_ERR : 1;
    /* jsonb_each_text: the member's own value as ->> gives it (not the document again) */
    return sqljsonb_scalar_text(m->value, &vals[1], err) ? SQL_ERR : 1;
}

/* A function row's ordinality and the quals pushed to the scan: 1 *out is the row, 0 the
 * quals dropped it (freed), SQL_ERR. */
static int func_emit(sqlplan_node *n, func_state *s, sqlval *row, int nv, sqlval **out, sqlerr *err)
{
    if (n->ordinality) sqlval_set_int(&row[n->offset + nv], SQLVAL_INT8, ++s->ord);
    bool yes;
    if (leaf_qual(n, &s->b, row, &yes, err)) {
        sqlplan_row_free(row, n->width);
        return SQL_ERR;
    }
    if (yes) {
        *out = row;
        return 1;
    }
    sqlplan_row_free(row, n->width);
    return 0;
}

/* A member's canonical jsonb text as a column of type t, as PostgreSQL's populate_record:
 * null is NULL, a string its text, other scalars, objects and arrays their JSON text read by
 * the type's input (a json / jsonb column takes the JSON itself, an array column a JSON array's
 * elements). */
static int jrec_value(const char *v, sqlval_type t, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, t);
    if (!strcmp(v, "null")) return SQL_OK;
    if (t == SQLVAL_JSONB || t == SQLVAL_JSON) return sqlval_set_str(out, t, v, strlen(v), err);
    if (sqlval_type_is_array(t) && v[0] == '[') {
        sqljsonb_member *el = NULL;
        size_t nel = 0;
        if (sqljsonb_elements(v, strlen(v), &el, &nel, err) < 0) return SQL_ERR;
        codec_buf b;
        codec_buf_init(&b);
        int rc = SQL_OK;
        codec_put_raw(&b, "{", 1);
        for (size_t i = 0; i < nel && !rc; i++) {
            const char *x = el[i].value;
            if (i) codec_put_raw(&b, ",", 1);
            if (x[0] == '[' || x[0] == '{') {
                rc = sqlerr_unsupported(err, -1, "multidimensional arrays");
                break;
            }
            if (!strcmp(x, "null")) {
                codec_put_raw(&b, "NULL", 4);
                continue;
            }
            sqlval tx;
            if (sqljsonb_scalar_text(x, &tx, err)) {
                rc = SQL_ERR;
                break;
            }
            codec_put_raw(&b, "\"", 1);
            for (size_t k = 0; k < tx.len; k++) {
                if (tx.s[k] == '"' || tx.s[k] == '\\') codec_put_raw(&b, "\\", 1);
                codec_put_raw(&b, &tx.s[k], 1);
            }
            codec_put_raw(&b, "\"", 1);
            sqlval_free(&tx);
        }
        codec_put_raw(&b, "}", 1);
        sqljsonb_members_free(el, nel);
        if (!rc && b.err) rc = sqlerr_oom(err);
        if (!rc) rc = sqlval_from_text(t, (const char *)b.data, b.len, out, err);
        codec_buf_free(&b);
        return rc;
    }
    sqlval tx;
    if (sqljsonb_scalar_text(v, &tx, err)) return SQL_ERR;
    int rc = tx.isnull ? SQL_OK : sqlval_from_text(t, tx.s, tx.len, out, err);
    sqlval_free(&tx);
    return rc;
}

static int jrec_next(sqlplan_node *n, func_state *s, sqlval **out, sqlerr *err)
{
    int nv = n->ncols - (n->ordinality ? 1 : 0);
    for (;;) {
        if (!s->recnull && (s->done || s->i >= s->nmem)) return 0;
        sqljsonb_member *m = NULL;
        size_t nm = 0;
        if (!s->recnull) {
            const char *doc = s->mem[s->i++].value;
            if (sqljsonb_members(doc, strlen(doc), &m, &nm, err) < 0) return SQL_ERR;
        }
        s->recnull = false;
        sqlval *row = row_new(n->width, err);
        int rc = row ? SQL_OK : SQL_ERR;
        for (int j = 0; j < nv && !rc; j++) {
            const sqljsonb_member *hit = NULL;
            for (size_t k = 0; k < nm && !hit; k++) /* the last of equal keys was kept */
                if (!strcmp(m[k].key, n->recnames[j])) hit = &m[k];
            sqlval_init_null(&row[n->offset + j], n->types[j]);
            if (hit) rc = jrec_value(hit->value, n->types[j], &row[n->offset + j], err);
        }
        sqljsonb_members_free(m, nm);
        if (rc) {
            sqlplan_row_free(row, n->width);
            return SQL_ERR;
        }
        int e = func_emit(n, s, row, nv, out, err);
        if (e) return e;
    }
}

static int func_next(sqlplan_node *n, func_state *s, sqlval **out, sqlerr *err)
{
    if (n->recnames) return jrec_next(n, s, out, err);
    for (;;) {
        sqlval vals[3];
        for (int i = 0; i < 3; i++) sqlval_init_null(&vals[i], SQLVAL_UNKNOWN);
        int nv = n->ncols - (n->ordinality ? 1 : 0);
        int r = func_value(n, s, vals, err);
        if (r <= 0) {
            for (int i = 0; i < 3; i++) sqlval_free(&vals[i]);
            return r;
        }
        sqlval *row = row_new(n->width, err);
        if (!row) {
            for (int i = 0; i < 3; i++) sqlval_free(&vals[i]);
            return SQL_ERR;
        }
        for (int i = 0; i < nv; i++) {
            sqlval_move(&row[n->offset + i], &vals[i]);
            if (cast_to(&row[n->offset + i], n->types[i], err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
        }
        int e = func_emit(n, s, row, nv, out, err);
        if (e) return e;
    }
}

static void func_close(func_state *s)
{
    for (int i = 0; i < 4; i++) sqlval_free(&s->args[i]);
    free(s->ncur);
    sqljsonb_members_free(s->mem, s->nmem);
}

/* ------------------------------------------------------------------ subqueries and WITH */

typedef struct sub_state {
    base_state b;
    size_t i; /* CTE / worktable row */
} sub_state;

/* Values of a query's output row into the item's slots. */
static int place_row(sqlplan_node *n, base_state *b, sqlval *src, int nsrc, sqlval **out, sqlerr *err)
{
    sqlval *row = row_new(n->width, err);
    if (!row) return SQL_ERR;
    for (int i = 0; i < n->ncols && i < nsrc; i++) sqlval_copy(&row[n->offset + i], &src[i], err);
    bool yes;
    if (leaf_qual(n, b, row, &yes, err)) {
        sqlplan_row_free(row, n->width);
        return SQL_ERR;
    }
    if (!yes) {
        sqlplan_row_free(row, n->width);
        return 0;
    }
    *out = row;
    return 1;
}

static void cte_reset(sqlplan_cte *c, uint64_t gen)
{
    if (c->open) sqlops_close(c->q->root);
    c->open = false;
    for (size_t k = 0; k < c->nrows; k++) sqlplan_row_free(c->rows[k], c->rwidth);
    c->nrows = 0;
    c->done = false;
    c->gen = gen;
    c->rwidth = c->q->ncols;
}

void sqlops_ctes_close(sqlplan *p)
{
    for (int i = 0; i < p->nctes; i++) {
        sqlplan_cte *c = p->ctes[i];
        if (c->open) sqlops_close(c->q->root);
        c->open = false;
    }
}

/* Row i of a WITH query, produced on demand: 1 with *row (borrowed), 0 past the end. */
static int cte_row(sqlplan_cte *c, const base_state *b, size_t i, sqlval **row, sqlerr *err)
{
    while (c->nrows <= i && !c->done) {
        if (!c->open) {
            sqlexpr_ctx x = b->r->base;
            x.row = NULL;
            x.nrow = 0;
            x.outer = b->ctx.outer; /* the WITH query's enclosing level is its owner's */
            x.run = b->r;
            c->open = true;
            if (sqlops_open(c->q->root, b->r, &x, err)) return SQL_ERR;
        }
        sqlval *r;
        int rc = sqlops_next(c->q->root, &r, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 0) {
            sqlops_close(c->q->root);
            c->open = false;
            c->done = true;
            break;
        }
        for (int k = c->q->ncols; k < c->q->root->width; k++) sqlval_free(&r[k]);
        if (mem_take(b->r, row_bytes(r, c->q->ncols), "A WITH query", err)) {
            sqlplan_row_free(r, c->q->ncols);
            return SQL_ERR;
        }
        if (c->nrows == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 64;
            sqlval **g = realloc(c->rows, nc * sizeof *g);
            if (!g) {
                sqlplan_row_free(r, c->q->ncols);
                return sqlerr_oom(err);
            }
            c->rows = g;
            c->cap = nc;
        }
        c->rows[c->nrows++] = r;
    }
    if (i >= c->nrows) return 0;
    *row = c->rows[i];
    return 1;
}

/* Opens child, keeps every row it produces (counted against the query's memory budget) in
 * *rows, closes it. On error the rows kept so far stay in *rows / *n for the caller's close. */
static int drain(sqlplan_node *child, base_state *b, const char *what, sqlval ***rows, size_t *n,
                 sqlerr *err)
{
    if (sqlops_open(child, b->r, &b->ctx, err)) return SQL_ERR;
    size_t cap = *n;
    for (;;) {
        sqlval *row;
        int rc = sqlops_next(child, &row, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 0) break;
        if (mem_hold(b, row_bytes(row, child->width), what, err)) {
            sqlplan_row_free(row, child->width);
            return SQL_ERR;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            sqlval **g = realloc(*rows, cap * sizeof *g);
            if (!g) {
                sqlplan_row_free(row, child->width);
                return sqlerr_oom(err);
            }
            *rows = g;
        }
        (*rows)[(*n)++] = row;
    }
    sqlops_close(child);
    return SQL_OK;
}

/* ------------------------------------------------------------------ joins */

typedef struct join_state {
    base_state b;
    bool *rside;    /* slots the inner side fills */
    sqlval **inner; /* materialised inner rows (NL, HASH) */
    size_t ninner;
    bool *imatched;
    htab ht;
    bool hashed;
    sqlval *lrow;    /* current outer row */
    bool lmatched;
    size_t ci;       /* NL: next inner index */
    hent *he;        /* HASH: next candidate */
    sqlval *pkeys;   /* HASH: the outer row's key values, and their hash */
    uint64_t ph;
    bool rescan_open;
    int phase; /* 0 outer rows, 1 unmatched inner rows, 2 done */
    size_t ui;
} join_state;

static void mark_rside(const sqlplan_node *n, bool *rside)
{
    if (!n) return;
    if (n->kind == PN_SCAN || n->kind == PN_FUNC || n->kind == PN_SUBQUERY || n->kind == PN_CTE ||
        n->kind == PN_WORKTABLE || n->kind == PN_VALUES) {
        for (int i = 0; i < n->ncols; i++) rside[n->offset + i] = true;
        if (n->pk_slot >= 0) rside[n->pk_slot] = true;
    }
    for (int i = 0; i < n->nmerge; i++) rside[n->mslot[i]] = true;
    mark_rside(n->left, rside);
    mark_rside(n->right, rside);
}

/* The combined row of an outer row (or none) and an inner row (or none). */
/* The joined row of l and r (either NULL: its side's columns NULL). move_l: l's values are
 * moved, not copied (its last match: l is not read again). */
static sqlval *join_row(const sqlplan_node *n, const join_state *s, sqlval *l, const sqlval *r,
                        bool move_l, sqlerr *err)
{
    sqlval *row = row_new(n->width, err);
    if (!row) return NULL;
    for (int i = 0; i < n->width; i++) {
        if (!s->rside[i] && l && move_l) {
            sqlval_move(&row[i], &l[i]);
            continue;
        }
        const sqlval *src = s->rside[i] ? r : l;
        if (src && sqlval_copy(&row[i], &src[i], err)) {
            sqlplan_row_free(row, n->width);
            return NULL;
        }
    }
    for (int m = 0; m < n->nmerge; m++) {
        const sqlval *a = l ? &row[n->mleft[m]] : NULL, *b = r ? &row[n->mright[m]] : NULL;
        const sqlval *pick = n->jointype == SQLAST_JOIN_RIGHT ? b
                             : n->jointype == SQLAST_JOIN_FULL ? (a && !a->isnull ? a : b)
                                                               : a;
        sqlval v;
        sqlval_init_null(&v, n->mtype[m]);
        if (pick && !pick->isnull &&
            (pick->type == n->mtype[m] ? sqlval_copy(&v, pick, err) : sqlval_cast(pick, n->mtype[m], &v, err))) {
            sqlplan_row_free(row, n->width);
            return NULL;
        }
        sqlval_move(&row[n->mslot[m]], &v);
    }
    return row;
}

static int join_open(sqlplan_node *n, join_state *s, sqlerr *err)
{
    s->rside = calloc((size_t)n->width + 1, sizeof(bool));
    if (!s->rside) return sqlerr_oom(err);
    mark_rside(n->right, s->rside);
    if (sqlops_open(n->left, s->b.r, &s->b.ctx, err)) return SQL_ERR;
    if (n->rescan) return SQL_OK;
    /* materialise the inner side */
    if (drain(n->right, &s->b, "A join", &s->inner, &s->ninner, err)) return SQL_ERR;
    s->imatched = calloc(s->ninner + 1, sizeof(bool));
    if (!s->imatched) return sqlerr_oom(err);
    if (n->method == SQLPLAN_HASH) {
        if (ht_init(&s->ht, n->nhkeys, err)) return SQL_ERR;
        s->hashed = true;
        for (size_t i = 0; i < s->ninner; i++) {
            sqlval *keys = row_new(n->nhkeys, err);
            if (!keys) return SQL_ERR;
            sqlexpr_ctx c = row_ctx(&s->b, s->inner[i], n->width);
            bool null = false;
            for (int k = 0; k < n->nhkeys; k++) {
                if (sqlexpr_eval(n->rkeys[k], &c, &keys[k], err)) {
                    sqlplan_row_free(keys, n->nhkeys);
                    return SQL_ERR;
                }
                null |= keys[k].isnull;
            }
            if (null) { /* never equal to anything */
                sqlplan_row_free(keys, n->nhkeys);
                continue;
            }
            hent *e = ht_add(&s->ht, sqlops_hash(keys, n->nhkeys), NULL, keys, err);
            if (!e) {
                sqlplan_row_free(keys, n->nhkeys);
                return SQL_ERR;
            }
            e->idx = i;
        }
    }
    return SQL_OK;
}

/* The next inner candidate for the current outer row: 1 with *r (and *idx, or SIZE_MAX for a
 * rescanned inner row, owned by the caller), 0 none left. */
static int join_candidate(sqlplan_node *n, join_state *s, sqlval **r, size_t *idx, sqlerr *err)
{
    if (n->rescan) {
        if (!s->rescan_open) return 0;
        int rc = sqlops_next(n->right, r, err);
        if (rc <= 0) {
            sqlops_close(n->right);
            s->rescan_open = false;
        }
        *idx = SIZE_MAX;
        return rc;
    }
    if (n->method == SQLPLAN_HASH) {
        if (!s->he) return 0;
        hent *cur = s->he;
        *r = s->inner[cur->idx];
        *idx = cur->idx;
        s->he = ht_find(&s->ht, s->ph, s->pkeys, cur);
        return 1;
    }
    if (s->ci >= s->ninner) return 0;
    *idx = s->ci;
    *r = s->inner[s->ci++];
    return 1;
}

static int join_next(sqlplan_node *n, join_state *s, sqlval **out, sqlerr *err)
{
    int jt = n->jointype;
    bool louter = jt == SQLAST_JOIN_LEFT || jt == SQLAST_JOIN_FULL;
    bool router = jt == SQLAST_JOIN_RIGHT || jt == SQLAST_JOIN_FULL;
    for (;;) {
        if (s->phase == 1) {
            while (s->ui < s->ninner) {
                size_t i = s->ui++;
                if (s->imatched[i]) continue;
                sqlval *row = join_row(n, s, NULL, s->inner[i], false, err);
                if (!row) return SQL_ERR;
                *out = row;
                return 1;
            }
            s->phase = 2;
        }
        if (s->phase == 2) return 0;
        if (!s->lrow) {
            int rc = sqlops_next(n->left, &s->lrow, err);
            if (rc < 0) return SQL_ERR;
            if (rc == 0) {
                s->lrow = NULL;
                s->phase = router ? 1 : 2;
                continue;
            }
            s->lmatched = false;
            s->ci = 0;
            s->he = NULL;
            if (n->method == SQLPLAN_HASH && !n->rescan) {
                if (!s->pkeys && !(s->pkeys = row_new(n->nhkeys, err))) return SQL_ERR;
                sqlexpr_ctx c = row_ctx(&s->b, s->lrow, n->width);
                bool null = false;
                for (int k = 0; k < n->nhkeys; k++) {
                    sqlval_free(&s->pkeys[k]);
                    if (sqlexpr_eval(n->lkeys[k], &c, &s->pkeys[k], err)) return SQL_ERR;
                    null |= s->pkeys[k].isnull;
                }
                if (!null) {
                    s->ph = sqlops_hash(s->pkeys, n->nhkeys);
                    s->he = ht_find(&s->ht, s->ph, s->pkeys, NULL);
                }
            }
            if (n->rescan) {
                sqlexpr_ctx c = row_ctx(&s->b, s->lrow, n->width);
                if (sqlops_open(n->right, s->b.r, &c, err)) return SQL_ERR;
                s->rescan_open = true;
            }
        }
        sqlval *r;
        size_t idx;
        int rc = join_candidate(n, s, &r, &idx, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 1) {
            /* a hash join's last candidate for this outer row, with no condition left that
             * could reject it: the outer row is not read again */
            bool last = n->method == SQLPLAN_HASH && !n->rescan && !s->he && !n->qual;
            sqlval *row = join_row(n, s, s->lrow, r, last, err);
            if (idx == SIZE_MAX) sqlplan_row_free(r, n->width);
            if (!row) return SQL_ERR;
            bool yes = true;
            if (n->qual) {
                sqlexpr_ctx c = row_ctx(&s->b, row, n->width);
                if (sqlexpr_eval_bool(n->qual, &c, &yes, err)) {
                    sqlplan_row_free(row, n->width);
                    return SQL_ERR;
                }
            }
            if (!yes) {
                sqlplan_row_free(row, n->width);
                continue;
            }
            s->lmatched = true;
            if (idx != SIZE_MAX) s->imatched[idx] = true;
            *out = row;
            return 1;
        }
        /* the outer row is done */
        sqlval *l = s->lrow;
        s->lrow = NULL;
        if (louter && !s->lmatched) {
            sqlval *row = join_row(n, s, l, NULL, false, err);
            sqlplan_row_free(l, n->width);
            if (!row) return SQL_ERR;
            *out = row;
            return 1;
        }
        sqlplan_row_free(l, n->width);
    }
}

static void join_close(sqlplan_node *n, join_state *s)
{
    if (s->rescan_open) sqlops_close(n->right);
    sqlplan_row_free(s->lrow, n->width);
    for (size_t i = 0; i < s->ninner; i++) sqlplan_row_free(s->inner[i], n->width);
    free(s->inner);
    free(s->imatched);
    sqlplan_row_free(s->pkeys, n->nhkeys);
    if (s->hashed) ht_free(&s->ht, -1);
    free(s->rside);
    sqlops_close(n->left);
}

/* ------------------------------------------------------------------ aggregation */

typedef struct agg_state {
    base_state b;
    sqlval **out; /* group rows: ingroup values + naggs */
    size_t nout, i;
} agg_state;

typedef struct group {
    sqlval *row;
    sqlexpr_agg *aggs;
} group;

/* A row's copy (grouping sets read their input once per set). */
static sqlval *row_dup(const sqlval *r, int w, sqlerr *err)
{
    sqlval *o = row_new(w, err);
    for (int i = 0; o && i < w; i++)
        if (sqlval_copy(&o[i], &r[i], err)) {
            sqlplan_row_free(o, w);
            return NULL;
        }
    return o;
}

/* The group[] entries equal to e (a grouping set holds e when it holds one of them). */
static uint64_t group_eqmask(const sqlast_stmt *st, const sqlast_expr *e)
{
    uint64_t m = 0;
    for (int g = 0; g < st->ngroup && g < 64; g++)
        if (sqlplan_expr_equal(st->group[g], e)) m |= (uint64_t)1 << g;
    return m;
}

/* The group rows of one grouping set (set: the group[] entries that form the key; all of them
 * without grouping sets), appended to s->out. Reads the input (live) or a copy of each of
 * rows[0..nrows). */
static int agg_pass(sqlplan_node *n, agg_state *s, bool live, sqlval **rows, size_t nrows,
                    uint64_t set, size_t *cap_out, sqlerr *err)
{
    const sqlast_stmt *st = n->st;
    int na = st->naggs, w = n->ingroup;
    int gidx[64], ng = 0; /* the key's group[] entries */
    for (int g = 0; g < st->ngroup && g < 64; g++)
        if (set & ((uint64_t)1 << g)) gidx[ng++] = g;
    htab ht;
    if (ht_init(&ht, ng, err)) return SQL_ERR;
    group *groups = NULL;
    size_t ngroups = 0, cap = 0, next = 0;
    sqlval *keys = NULL; /* the row's group keys: kept by a new group, else reused */
    int rc = SQL_OK;
    while (!rc) {
        sqlval *row = NULL;
        if (!live) {
            if (next == nrows) break;
            if (!(row = row_dup(rows[next++], w, err))) rc = SQL_ERR;
            if (rc) break;
        } else {
            int r = sqlops_next(n->left, &row, err);
            if (r < 0) {
                rc = SQL_ERR;
                break;
            }
            if (r == 0) break;
        }
        sqlexpr_ctx c = row_ctx(&s->b, row, w);
        if (s->b.r->plan->want_raw) {
            c.raw = s->b.r->raw;
            c.table = s->b.r->raw_table;
        }
        if (!keys && !(keys = row_new(ng, err))) {
            sqlplan_row_free(row, w);
            rc = SQL_ERR;
            break;
        }
        for (int i = 0; i < ng && !rc; i++) {
            sqlval_free(&keys[i]);
            rc = sqlexpr_eval(st->group[gidx[i]], &c, &keys[i], err);
        }
        hent *e = NULL;
        if (!rc) {
            uint64_t h = sqlops_hash(keys, ng);
            e = ht_find(&ht, h, keys, NULL);
            if (!e) {
                if (ngroups == cap) {
                    cap = cap ? cap * 2 : 16;
                    group *g = realloc(groups, cap * sizeof *g);
                    if (!g) rc = sqlerr_oom(err);
                    else groups = g;
                }
                if (!rc && mem_hold(&s->b, row_bytes(row, w) + (size_t)na * sizeof(sqlexpr_agg), "Grouping", err))
                    rc = SQL_ERR;
                if (!rc) {
                    sqlexpr_agg *a = calloc((size_t)na + 1, sizeof *a);
                    if (!a) rc = sqlerr_oom(err);
                    else {
                        for (int i = 0; i < na; i++) sqlexpr_agg_init(&a[i], st->aggs[i]);
                        e = ht_add(&ht, h, NULL, keys, err);
                        if (!e) {
                            free(a);
                            rc = SQL_ERR;
                        } else {
                            keys = NULL;
                            e->idx = ngroups;
                            groups[ngroups].row = row;
                            groups[ngroups].aggs = a;
                            ngroups++;
                            row = NULL;
                        }
                    }
                }
            }
        }
        for (int i = 0; !rc && i < na; i++) rc = sqlexpr_agg_step(&groups[e->idx].aggs[i], &c, err);
        sqlplan_row_free(row, w);
    }
    sqlplan_row_free(keys, ng);
    if (!rc && ng == 0 && ngroups == 0) {
        /* aggregates over the empty grouping set: one row even over no input */
        groups = malloc(sizeof *groups);
        sqlexpr_agg *a = calloc((size_t)na + 1, sizeof *a);
        sqlval *row = row_new(w, err);
        if (!groups || !a || !row) {
            free(a);
            free(row);
            rc = sqlerr_oom(err);
        } else {
            for (int i = 0; i < na; i++) sqlexpr_agg_init(&a[i], st->aggs[i]);
            groups[0].row = row;
            groups[0].aggs = a;
            ngroups = 1;
        }
    }
    if (!rc && s->nout + ngroups + 1 > *cap_out) {
        size_t nc = (s->nout + ngroups + 1) * 2;
        sqlval **g = realloc(s->out, nc * sizeof *g);
        if (!g) rc = sqlerr_oom(err);
        else {
            s->out = g;
            *cap_out = nc;
        }
    }
    for (size_t g = 0; g < ngroups; g++) {
        if (!rc) {
            sqlval *o = row_new(w + na, err);
            if (!o) rc = SQL_ERR;
            for (int i = 0; o && !rc && i < na; i++) {
                const sqlast_expr *ae = st->aggs[i];
                if (strcmp(ae->name, "_groupkey") && strcmp(ae->name, "grouping")) {
                    rc = sqlexpr_agg_final(&groups[g].aggs[i], &o[w + i], err);
                } else if (ae->name[0] == 'g') { /* GROUPING(a, ...): 1 bits for the absent */
                    int64_t bits = 0;
                    for (int k = 0; k < ae->nargs; k++)
                        bits = bits << 1 | ((set & group_eqmask(st, ae->args[k])) ? 0 : 1);
                    sqlval_set_int(&o[w + i], SQLVAL_INT4, bits);
                } else if (set & group_eqmask(st, ae->args[0])) { /* the group's key */
                    sqlexpr_ctx c = row_ctx(&s->b, groups[g].row, w);
                    rc = sqlexpr_eval(ae->args[0], &c, &o[w + i], err);
                } else { /* a grouping expression this set leaves out: NULL */
                    sqlval_init_null(&o[w + i], ae->type);
                }
            }
            for (int i = 0; o && i < w; i++) sqlval_move(&o[i], &groups[g].row[i]);
            if (o) s->out[s->nout++] = o;
        }
        sqlplan_row_free(groups[g].row, w);
        for (int i = 0; i < na; i++) sqlexpr_agg_free(&groups[g].aggs[i]);
        free(groups[g].aggs);
    }
    free(groups);
    ht_free(&ht, -1);
    return rc;
}

static int agg_open(sqlplan_node *n, agg_state *s, sqlerr *err)
{
    const sqlast_stmt *st = n->st;
    size_t cap = 0;
    if (!st->ngsets) {
        uint64_t all = st->ngroup >= 64 ? UINT64_MAX : ((uint64_t)1 << st->ngroup) - 1;
        int rc = sqlops_open(n->left, s->b.r, &s->b.ctx, err);
        if (!rc) rc = agg_pass(n, s, true, NULL, 0, all, &cap, err);
        sqlops_close(n->left);
        return rc;
    }
    /* grouping sets: the input once, grouped by each set in turn */
    sqlval **rows = NULL;
    size_t nrows = 0;
    int rc = drain(n->left, &s->b, "Grouping", &rows, &nrows, err);
    for (int k = 0; !rc && k < st->ngsets; k++) {
        if (sx_interrupted(s->b.r->s, err)) rc = SQL_ERR;
        else rc = agg_pass(n, s, false, rows, nrows, st->gsets[k], &cap, err);
    }
    for (size_t i = 0; i < nrows; i++) sqlplan_row_free(rows[i], n->ingroup);
    free(rows);
    return rc;
}

/* ------------------------------------------------------------------ window functions */

typedef struct win_state {
    base_state b;
    sqlval **rows; /* input rows, each widened by the window values */
    size_t n, i;
    size_t *order; /* emitted in the last window's order */
} win_state;

/* ---- abbreviated sort keys ----
 * A sort compares each row's keys about log2(n) times, and each comparison of sqlval rows
 * reaches rows scattered over the heap: on large inputs the time goes to cache misses. So a
 * sort item carries a 64-bit image of each of its first ABBREV_KEYS keys, ordered as the
 * values are: integers, floats (-0 = 0, NaN above every number, as PostgreSQL), booleans,
 * dates, times and timestamps map exactly (equal images are equal values), text maps to its
 * first 8 bytes (byte order, what sqlval_compare uses; equal prefixes compare in full). A
 * NULL is its own class below or above every value (NULLS FIRST / LAST), and DESC inverts the
 * image. Keys after the first inexact one, or of another type, compare in full. */
#define ABBREV_KEYS 3

typedef struct abbrev {
    uint64_t k[ABBREV_KEYS];
    uint8_t cls[ABBREV_KEYS]; /* 0 NULLS FIRST, 1 a value, 2 NULLS LAST */
} abbrev;

typedef struct abbrev_plan {
    int n;     /* keys abbreviated */
    int exact; /* of those, the leading ones whose images are exact */
} abbrev_plan;

enum { AB_NONE, AB_INT, AB_FLOAT, AB_BOOL, AB_TEXT };

static int abbrev_kind(sqlval_type t)
{
    switch (t) {
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ: return AB_INT;
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8: return AB_FLOAT;
    case SQLVAL_BOOL: return AB_BOOL;
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NAME: return AB_TEXT;
    default: return AB_NONE;
    }
}

static uint64_t abbrev_image(const sqlval *v, int kind)
{
    switch (kind) {
    case AB_INT: return (uint64_t)v->u.i ^ (1ull << 63);
    case AB_BOOL: return v->u.b ? 1 : 0;
    case AB_FLOAT: {
        double d = v->u.f;
        if (d == 0) d = 0; /* -0 = 0 */
        if (isnan(d)) return UINT64_MAX;
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        return u >> 63 ? ~u : u | (1ull << 63);
    }
    default: {
        uint64_t u = 0;
        size_t n = v->s ? (v->len < 8 ? v->len : 8) : 0;
        for (size_t i = 0; i < 8; i++) u = u << 8 | (i < n ? (unsigned char)v->s[i] : 0);
        return u;
    }
    }
}

/* Fills ab[0..nrows) from key(ctx, r, i) for the first keys (desc[i], nulls_first[i]) and
 * returns the plan; a key whose rows are not all of one abbreviable type ends the run. */
static abbrev_plan abbrev_fill(abbrev *ab, size_t nrows, int nkeys,
                               const sqlval *(*key)(const void *ctx, size_t r, int i), const void *ctx,
                               const bool *desc, const bool *nulls_first)
{
    abbrev_plan p = {0, 0};
    bool inexact = false;
    for (int i = 0; i < nkeys && i < ABBREV_KEYS && !inexact; i++) {
        sqlval_type t = SQLVAL_UNKNOWN;
        bool ok = true;
        for (size_t r = 0; r < nrows && ok; r++) {
            const sqlval *v = key(ctx, r, i);
            if (v->isnull) continue;
            if (t == SQLVAL_UNKNOWN) t = v->type;
            ok = v->type == t;
        }
        int kind = ok ? abbrev_kind(t) : AB_NONE;
        if (t == SQLVAL_UNKNOWN) kind = AB_INT; /* every row NULL */
        if (kind == AB_NONE) break;
        for (size_t r = 0; r < nrows; r++) {
            const sqlval *v = key(ctx, r, i);
            if (v->isnull) {
                ab[r].cls[i] = nulls_first[i] ? 0 : 2;
                ab[r].k[i] = 0;
            } else {
                uint64_t u = abbrev_image(v, kind);
                ab[r].cls[i] = 1;
                ab[r].k[i] = desc[i] ? ~u : u;
            }
        }
        p.n = i + 1;
        if (kind == AB_TEXT) inexact = true;
        else p.exact = i + 1;
    }
    return p;
}

/* <0, >0: decided by the images; 0: equal on every abbreviated key and exactly so (the rest
 * compare from key *from on); *from is where a full comparison has to start. */
static int abbrev_cmp(const abbrev *x, const abbrev *y, abbrev_plan p, int *from)
{
    for (int i = 0; i < p.n; i++) {
        if (x->cls[i] != y->cls[i]) return x->cls[i] < y->cls[i] ? -1 : 1;
        if (x->k[i] != y->k[i]) return x->k[i] < y->k[i] ? -1 : 1;
        if (i >= p.exact) {
            *from = i;
            return 0;
        }
    }
    *from = p.n;
    return 0;
}

typedef struct win_sort {
    sqlval **keys; /* per row: partition keys then order keys */
    const sqlast_window *w;
    bool failed;
} win_sort;

static int win_key_cmp(const sqlval *u, const sqlval *v, bool desc, bool nulls_first, bool *failed)
{
    if (u->isnull || v->isnull) {
        if (u->isnull && v->isnull) return 0;
        return (u->isnull ? -1 : 1) * (nulls_first ? 1 : -1);
    }
    int c;
    sqlerr e;
    if (sqlval_compare(u, v, &c, &e)) {
        *failed = true;
        return 0;
    }
    return desc ? -c : c;
}

/* Rows a and b by the window's keys from key `from` on (partition keys, then order keys). */
static int win_cmp_from(win_sort *ws, size_t a, size_t b, int from)
{
    const sqlast_window *w = ws->w;
    for (int i = from; i < w->npartition; i++) {
        int c = win_key_cmp(&ws->keys[a][i], &ws->keys[b][i], false, false, &ws->failed);
        if (c) return c;
    }
    for (int i = from > w->npartition ? from - w->npartition : 0; i < w->norder; i++) {
        bool desc = w->order[i].desc;
        bool nf = w->order[i].nulls == 1 || (w->order[i].nulls == 0 && desc);
        int c = win_key_cmp(&ws->keys[a][w->npartition + i], &ws->keys[b][w->npartition + i], desc, nf,
                            &ws->failed);
        if (c) return c;
    }
    return a < b ? -1 : a > b; /* stable */
}

typedef struct win_item {
    size_t idx;
    abbrev ab;
} win_item;

typedef struct win_sortctx {
    win_sort *ws;
    abbrev_plan p;
} win_sortctx;

static int win_item_cmp(const void *pa, const void *pb, void *arg)
{
    const win_item *x = pa, *y = pb;
    win_sortctx *wc = arg;
    int from;
    int c = abbrev_cmp(&x->ab, &y->ab, wc->p, &from);
    if (c) return c;
    return win_cmp_from(wc->ws, x->idx, y->idx, from);
}

static const sqlval *win_key_at(const void *ctx, size_t r, int i)
{
    const win_sort *ws = ctx;
    return &ws->keys[r][i];
}

/* s->order: the rows' indexes in the window's order (partition keys, then ORDER BY). */
static int win_sort_rows(win_sort *ws, size_t *order, size_t nr, sqlerr *err)
{
    const sqlast_window *w = ws->w;
    int nk = w->npartition + w->norder;
    bool desc[ABBREV_KEYS] = {0}, nf[ABBREV_KEYS] = {0};
    for (int i = w->npartition; i < nk && i < ABBREV_KEYS; i++) {
        const sqlast_order *o = &w->order[i - w->npartition];
        desc[i] = o->desc;
        nf[i] = o->nulls == 1 || (o->nulls == 0 && o->desc);
    }
    win_item *it = malloc((nr + 1) * sizeof *it);
    if (!it) return sqlerr_oom(err);
    for (size_t r = 0; r < nr; r++) it[r].idx = r;
    abbrev *ab = malloc((nr + 1) * sizeof *ab);
    if (!ab) {
        free(it);
        return sqlerr_oom(err);
    }
    win_sortctx wc = {ws, abbrev_fill(ab, nr, nk, win_key_at, ws, desc, nf)};
    for (size_t r = 0; r < nr; r++) it[r].ab = ab[r];
    free(ab);
    qsort_r(it, nr, sizeof *it, win_item_cmp, &wc);
    for (size_t r = 0; r < nr; r++) order[r] = it[r].idx;
    free(it);
    return SQL_OK;
}

static bool same_keys(const sqlval *a, const sqlval *b, int from, int to)
{
    for (int i = from; i < to; i++) {
        if (a[i].isnull || b[i].isnull) {
            if (a[i].isnull && b[i].isnull) continue;
            return false;
        }
        int c;
        sqlerr e;
        if (sqlval_compare(&a[i], &b[i], &c, &e) || c) return false;
    }
    return true;
}

static int64_t frame_offset(const sqlast_expr *o, const sqlexpr_ctx *c, const char *what, sqlerr *err,
                            int *rc)
{
    sqlval v, w;
    *rc = SQL_OK;
    if (sqlexpr_eval(o, c, &v, err)) {
        *rc = SQL_ERR;
        return 0;
    }
    if (v.isnull) {
        sqlval_free(&v);
        *rc = sqlerr_set(err, "22004", -1, "frame %s offset must not be null", what);
        return 0;
    }
    if (sqlval_cast(&v, SQLVAL_INT8, &w, err)) {
        sqlval_free(&v);
        *rc = SQL_ERR;
        return 0;
    }
    sqlval_free(&v);
    if (w.u.i < 0) *rc = sqlerr_set(err, "22013", -1, "frame %s offset must not be negative", what);
    return w.u.i;
}

/* ---- RANGE frames with offsets ----
 * The frame of a row whose ORDER BY value is x runs from the first row whose value is at or
 * past x - offset (x + offset for FOLLOWING; the other way round under DESC) to the last one at
 * or before its end bound, found by binary search in the partition's non-NULL rows; a row whose
 * value is NULL has its NULL peers as offset bounds (PostgreSQL's in_range rules). Integers are
 * compared in 128 bits (no overflow), numerics exactly, dates and times with interval arithmetic. */
__extension__ typedef __int128 range_i128;

typedef struct range_bound {
    bool is_int;
    range_i128 i;
    sqlval v;
} range_bound;

static int range_offset(const sqlast_expr *oe, const sqlexpr_ctx *c, const char *what,
                        sqlval_type key, sqlval *out, sqlerr *err)
{
    if (sqlexpr_eval(oe, c, out, err)) return SQL_ERR;
    if (out->isnull) return sqlerr_set(err, "22004", -1, "frame %s offset must not be null", what);
    if (out->type == SQLVAL_UNKNOWN) { /* a literal: of the type the ORDER BY value takes */
        sqlval_type want = sqlval_type_is_integer(key) ? SQLVAL_INT8
                           : key == SQLVAL_NUMERIC ? SQLVAL_NUMERIC
                           : key == SQLVAL_FLOAT4 || key == SQLVAL_FLOAT8 ? SQLVAL_FLOAT8
                                                                           : SQLVAL_INTERVAL;
        sqlval t;
        if (sqlval_cast(out, want, &t, err)) return SQL_ERR;
        sqlval_free(out);
        *out = t;
    }
    sqlval zero;
    int cmp = 0, rc;
    if (out->type == SQLVAL_INTERVAL) rc = sqlval_from_text(SQLVAL_INTERVAL, "0", 1, &zero, err);
    else {
        sqlval_set_int(&zero, SQLVAL_INT8, 0);
        rc = SQL_OK;
    }
    if (!rc) rc = sqlval_compare(out, &zero, &cmp, err);
    sqlval_free(&zero);
    if (rc) return SQL_ERR;
    if (cmp < 0) return sqlerr_set(err, "22013", -1, "invalid preceding or following size in window function");
    return SQL_OK;
}

/* x + off (add) or x - off as a bound */
static int range_bound_of(const sqlval *x, const sqlval *off, bool add, range_bound *b, sqlerr *err)
{
    memset(b, 0, sizeof *b);
    sqlval_init_null(&b->v, SQLVAL_UNKNOWN);
    if (sqlval_type_is_integer(x->type)) {
        sqlval oi;
        if (sqlval_cast(off, SQLVAL_INT8, &oi, err)) return SQL_ERR;
        b->is_int = true;
        b->i = add ? (range_i128)x->u.i + oi.u.i : (range_i128)x->u.i - oi.u.i;
        return SQL_OK;
    }
    if (x->type == SQLVAL_NUMERIC) {
        sqlval on;
        if (sqlval_cast(off, SQLVAL_NUMERIC, &on, err)) return SQL_ERR;
        if (!strcmp(x->s, "NaN") || !strcmp(on.s, "NaN")) { /* NaN sorts after everything: itself */
            sqlval_free(&on);
            return sqlval_copy(&b->v, x, err);
        }
        char *r = NULL;
        int rc = add ? sqlnum_add(x->s, on.s, &r) : sqlnum_sub(x->s, on.s, &r);
        sqlval_free(&on);
        if (rc || !r) return sqlerr_oom(err);
        sqlval_take_str(&b->v, SQLVAL_NUMERIC, r, strlen(r));
        return SQL_OK;
    }
    if (x->type == SQLVAL_FLOAT4 || x->type == SQLVAL_FLOAT8) {
        sqlval of;
        if (sqlval_cast(off, SQLVAL_FLOAT8, &of, err)) return SQL_ERR;
        double r = isnan(x->u.f) ? x->u.f : add ? x->u.f + of.u.f : x->u.f - of.u.f;
        sqlval_set_float(&b->v, SQLVAL_FLOAT8, r);
        return SQL_OK;
    }
    sqlval_type rt = sqldate_op_type(add ? SQLAST_OP_ADD : SQLAST_OP_SUB, x->type, SQLVAL_INTERVAL);
    if (rt == SQLVAL_NTYPES) return sqlerr_unsupported(err, -1, "RANGE with offset for this type");
    return sqldate_op(add ? SQLAST_OP_ADD : SQLAST_OP_SUB, x, off, rt, &b->v, err);
}

/* key vs bound: <0, 0, >0 (rc: SQL_ERR on a failed comparison) */
static int range_cmp(const sqlval *key, const range_bound *b, int *rc, sqlerr *err)
{
    if (b->is_int) {
        range_i128 k = key->u.i;
        return k < b->i ? -1 : k > b->i;
    }
    int c = 0;
    if (sqlval_compare(key, &b->v, &c, err)) *rc = SQL_ERR;
    return c;
}

/* The first row j of [lo, hi) (sorted, dir 1 ascending / -1 descending) with dir * (key_j vs b)
 * >= 0 (strict: > 0); hi when none. */
static size_t range_search(win_sort *ws, const size_t *order, int col, size_t lo, size_t hi, int dir,
                           const range_bound *b, bool strict, int *rc, sqlerr *err)
{
    while (lo < hi && !*rc) {
        size_t mid = lo + (hi - lo) / 2;
        int c = dir * range_cmp(&ws->keys[order[mid]][col], b, rc, err);
        if (strict ? c > 0 : c >= 0) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* nth_value's n for the current row: 0 with *nth, 1 when NULL, SQL_ERR (22016 below 1). */
static int win_nth(const sqlast_expr *f, const sqlexpr_ctx *c, int64_t *nth, sqlerr *err)
{
    sqlval v, w8;
    if (sqlexpr_eval(f->args[1], c, &v, err)) return SQL_ERR;
    if (v.isnull) {
        sqlval_free(&v);
        return 1;
    }
    int rc = sqlval_cast(&v, SQLVAL_INT8, &w8, err);
    sqlval_free(&v);
    if (rc) return SQL_ERR;
    if (w8.u.i <= 0) return sqlerr_set(err, "22016", -1, "argument of nth_value must be greater than zero");
    *nth = w8.u.i;
    return 0;
}

/* One window function over all rows (sorted by idx within partitions). */
static int win_compute(sqlplan_node *n, win_state *s, const sqlast_expr *f, int slot, sqlerr *err)
{
    const sqlast_window *w = f->win;
    size_t nr = s->n;
    int nk = w->npartition + w->norder;
    int inw = n->left->width;
    win_sort ws = {.w = w};
    int rc = SQL_OK;
    ws.keys = calloc(nr + 1, sizeof *ws.keys);
    if (!ws.keys) return sqlerr_oom(err);
    for (size_t r = 0; r < nr && !rc; r++) {
        sqlexpr_ctx c = row_ctx(&s->b, s->rows[r], n->ingroup);
        if (n->st) c.aggs = s->rows[r] + n->ingroup;
        if (!(ws.keys[r] = row_new(nk, err))) {
            rc = SQL_ERR;
            break;
        }
        for (int i = 0; i < w->npartition && !rc; i++) rc = sqlexpr_eval(w->partition[i], &c, &ws.keys[r][i], err);
        for (int i = 0; i < w->norder && !rc; i++)
            rc = sqlexpr_eval(w->order[i].expr, &c, &ws.keys[r][w->npartition + i], err);
    }
    if (!rc) {
        for (size_t r = 0; r < nr; r++) s->order[r] = r;
        if (nr > 1) rc = win_sort_rows(&ws, s->order, nr, err);
        if (!rc && ws.failed) rc = sqlerr_set(err, "42883", -1, "could not compare window ORDER BY values");
    }
    const char *name = f->name;
    bool rows_mode = (w->frame & SQLAST_FRAME_ROWS) != 0;
    bool groups_mode = (w->frame & SQLAST_FRAME_GROUPS) != 0;
    bool range_off = !rows_mode && !groups_mode &&
                     (w->frame & (SQLAST_FRAME_START_OFFSET_PRECEDING | SQLAST_FRAME_START_OFFSET_FOLLOWING |
                                  SQLAST_FRAME_END_OFFSET_PRECEDING | SQLAST_FRAME_END_OFFSET_FOLLOWING));
    int rdir = w->norder && w->order[0].desc ? -1 : 1;
    int excl = w->frame & SQLAST_FRAME_EXCLUDE;
    size_t *gstart = NULL, *grp = NULL; /* GROUPS: each peer group's first row, each row's group */
    if (groups_mode && (!(gstart = calloc(nr + 2, sizeof *gstart)) || !(grp = calloc(nr + 1, sizeof *grp))))
        rc = sqlerr_oom(err);
    size_t ps = 0;
    while (!rc && ps < nr) {
        size_t pe = ps + 1;
        while (pe < nr && same_keys(ws.keys[s->order[ps]], ws.keys[s->order[pe]], 0, w->npartition)) pe++;
        size_t pn = pe - ps, ngrp = 0;
        for (size_t k = ps; groups_mode && k < pe; k++) {
            if (k == ps || !same_keys(ws.keys[s->order[k - 1]], ws.keys[s->order[k]], w->npartition, nk))
                gstart[ngrp++] = k;
            grp[k] = ngrp - 1;
        }
        if (groups_mode) gstart[ngrp] = pe;
        size_t nn_lo = ps, nn_hi = pe; /* RANGE offsets: the partition's rows with a non-NULL key */
        if (range_off) {
            while (nn_lo < pe && ws.keys[s->order[nn_lo]][w->npartition].isnull) nn_lo++;
            while (nn_hi > nn_lo && ws.keys[s->order[nn_hi - 1]][w->npartition].isnull) nn_hi--;
        }
        int64_t ntile = 0;
        size_t peer_start = ps, peer_end = ps; /* current peer group [peer_start, peer_end) */
        int64_t dense = 0;
        sqlexpr_agg agg;
        bool agg_on = false;
        size_t agg_next = ps; /* running aggregate: rows stepped so far */
        for (size_t k = ps; k < pe && !rc; k++) {
            if (k >= peer_end) { /* a new peer group */
                peer_start = k;
                peer_end = k + 1;
                while (peer_end < pe && same_keys(ws.keys[s->order[k]], ws.keys[s->order[peer_end]],
                                                  w->npartition, nk))
                    peer_end++;
                dense++;
            }
            sqlval *row = s->rows[s->order[k]];
            sqlval *out = &row[inw + slot];
            sqlexpr_ctx c = row_ctx(&s->b, row, n->ingroup);
            if (n->st) c.aggs = row + n->ingroup;
            if ((rc = sx_interrupted(s->b.r->s, err))) break;
            if (!strcmp(name, "row_number")) {
                sqlval_set_int(out, SQLVAL_INT8, (int64_t)(k - ps + 1));
            } else if (!strcmp(name, "rank")) {
                sqlval_set_int(out, SQLVAL_INT8, (int64_t)(peer_start - ps + 1));
            } else if (!strcmp(name, "dense_rank")) {
                sqlval_set_int(out, SQLVAL_INT8, dense);
            } else if (!strcmp(name, "percent_rank")) {
                sqlval_set_float(out, SQLVAL_FLOAT8, pn > 1 ? (double)(peer_start - ps) / (double)(pn - 1) : 0);
            } else if (!strcmp(name, "cume_dist")) {
                sqlval_set_float(out, SQLVAL_FLOAT8, (double)(peer_end - ps) / (double)pn);
            } else if (!strcmp(name, "ntile")) {
                if (k == ps) {
                    sqlval v;
                    if ((rc = sqlexpr_eval(f->args[0], &c, &v, err))) break;
                    if (v.isnull) ntile = -1;
                    else {
                        sqlval w8;
                        rc = sqlval_cast(&v, SQLVAL_INT8, &w8, err);
                        ntile = rc ? 0 : w8.u.i;
                    }
                    sqlval_free(&v);
                    if (rc) break;
                    if (ntile == 0 || ntile < -1) {
                        rc = sqlerr_set(err, "22014", -1, "argument of ntile must be greater than zero");
                        break;
                    }
                }
                if (ntile < 0) {
                    sqlval_init_null(out, SQLVAL_INT4);
                } else {
                    /* PostgreSQL: the first pn % ntile buckets get one row more */
                    int64_t per = (int64_t)pn / ntile, extra = (int64_t)pn % ntile, pos = (int64_t)(k - ps);
                    int64_t big = extra * (per + 1);
                    int64_t b = pos < big ? pos / (per + 1) : extra + (per ? (pos - big) / per : 0);
                    sqlval_set_int(out, SQLVAL_INT4, b + 1);
                }
            } else if (!strcmp(name, "lag") || !strcmp(name, "lead")) {
                int64_t off = 1;
                if (f->nargs >= 2) {
                    sqlval v, w8;
                    if ((rc = sqlexpr_eval(f->args[1], &c, &v, err))) break;
                    if (v.isnull) {
                        sqlval_free(&v);
                        sqlval_init_null(out, f->type);
                        continue;
                    }
                    rc = sqlval_cast(&v, SQLVAL_INT8, &w8, err);
                    sqlval_free(&v);
                    if (rc) break;
                    off = w8.u.i;
                }
                int64_t t = (int64_t)(k - ps) + (name[1] == 'a' ? -off : off);
                if (t >= 0 && t < (int64_t)pn) {
                    sqlval *trow = s->rows[s->order[ps + (size_t)t]];
                    sqlexpr_ctx tc = row_ctx(&s->b, trow, n->ingroup);
                    if (n->st) tc.aggs = trow + n->ingroup;
                    rc = sqlexpr_eval(f->args[0], &tc, out, err);
                } else if (f->nargs == 3) {
                    rc = sqlexpr_eval(f->args[2], &c, out, err);
                } else {
                    sqlval_init_null(out, f->type);
                }
                if (!rc) rc = cast_to(out, f->type, err);
            } else {
                /* the frame of row k: [fs, fe] within the partition */
                int64_t fs = (int64_t)ps, fe = (int64_t)pe - 1;
                int fo = w->frame;
                if (fo & SQLAST_FRAME_START_CURRENT_ROW) fs = rows_mode ? (int64_t)k : (int64_t)peer_start;
                const sqlval *rx = range_off ? &ws.keys[s->order[k]][w->npartition] : NULL;
                if (range_off && (fo & (SQLAST_FRAME_START_OFFSET_PRECEDING | SQLAST_FRAME_START_OFFSET_FOLLOWING))) {
                    if (rx->isnull) { /* NULL: its NULL peers bound the frame */
                        fs = (int64_t)peer_start;
                    } else {
                        sqlval off;
                        range_bound b;
                        if ((rc = range_offset(w->start, &c, "starting", rx->type, &off, err))) break;
                        bool prec = (fo & SQLAST_FRAME_START_OFFSET_PRECEDING) != 0;
                        rc = range_bound_of(rx, &off, prec == (rdir < 0), &b, err);
                        sqlval_free(&off);
                        if (!rc) fs = (int64_t)range_search(&ws, s->order, w->npartition, nn_lo, nn_hi, rdir, &b, false, &rc, err);
                        sqlval_free(&b.v);
                        if (rc) break;
                    }
                } else if (fo & (SQLAST_FRAME_START_OFFSET_PRECEDING | SQLAST_FRAME_START_OFFSET_FOLLOWING)) {
                    int64_t o = frame_offset(w->start, &c, "starting", err, &rc);
                    if (rc) break;
                    if (groups_mode) { /* o peer groups before or after the row's */
                        int64_t g = (int64_t)grp[k] + ((fo & SQLAST_FRAME_START_OFFSET_PRECEDING) ? -o : o);
                        fs = g < 0 ? (int64_t)ps : g >= (int64_t)ngrp ? (int64_t)pe : (int64_t)gstart[g];
                    } else {
                        fs = (fo & SQLAST_FRAME_START_OFFSET_PRECEDING) ? (int64_t)k - o : (int64_t)k + o;
                    }
                }
                if (fo & SQLAST_FRAME_START_UNBOUNDED_FOLLOWING) fs = (int64_t)pe;
                if (fo & SQLAST_FRAME_END_CURRENT_ROW) fe = rows_mode ? (int64_t)k : (int64_t)peer_end - 1;
                if (range_off && (fo & (SQLAST_FRAME_END_OFFSET_PRECEDING | SQLAST_FRAME_END_OFFSET_FOLLOWING))) {
                    if (rx->isnull) {
                        fe = (int64_t)peer_end - 1;
                    } else {
                        sqlval off;
                        range_bound b;
                        if ((rc = range_offset(w->end, &c, "ending", rx->type, &off, err))) break;
                        bool prec = (fo & SQLAST_FRAME_END_OFFSET_PRECEDING) != 0;
                        rc = range_bound_of(rx, &off, prec == (rdir < 0), &b, err);
                        sqlval_free(&off);
                        if (!rc)
                            fe = (int64_t)range_search(&ws, s->order, w->npartition, nn_lo, nn_hi, rdir, &b, true, &rc, err) - 1;
                        sqlval_free(&b.v);
                        if (rc) break;
                    }
                } else if (fo & (SQLAST_FRAME_END_OFFSET_PRECEDING | SQLAST_FRAME_END_OFFSET_FOLLOWING)) {
                    int64_t o = frame_offset(w->end, &c, "ending", err, &rc);
                    if (rc) break;
                    if (groups_mode) {
                        int64_t g = (int64_t)grp[k] + ((fo & SQLAST_FRAME_END_OFFSET_PRECEDING) ? -o : o);
                        fe = g < 0 ? (int64_t)ps - 1
                             : g >= (int64_t)ngrp ? (int64_t)pe - 1 : (int64_t)gstart[g + 1] - 1;
                    } else {
                        fe = (fo & SQLAST_FRAME_END_OFFSET_PRECEDING) ? (int64_t)k - o : (int64_t)k + o;
                    }
                }
                if (fo & SQLAST_FRAME_END_UNBOUNDED_PRECEDING) fe = (int64_t)ps - 1;
                if (fs < (int64_t)ps) fs = (int64_t)ps;
                if (fe > (int64_t)pe - 1) fe = (int64_t)pe - 1;
                /* EXCLUDE: rows of the frame left out for row k */
#define WIN_EXCLUDED(j)                                                                              \
    ((excl & SQLAST_FRAME_EXCLUDE_CURRENT_ROW && (size_t)(j) == k) ||                                \
     (excl & (SQLAST_FRAME_EXCLUDE_GROUP | SQLAST_FRAME_EXCLUDE_TIES) && (size_t)(j) >= peer_start &&  \
      (size_t)(j) < peer_end && ((excl & SQLAST_FRAME_EXCLUDE_GROUP) || (size_t)(j) != k)))
                if (excl && (!strcmp(name, "first_value") || !strcmp(name, "last_value") ||
                             !strcmp(name, "nth_value"))) {
                    int64_t want = 1; /* the want-th row of the frame that is not excluded */
                    if (name[0] == 'n') {
                        int64_t w8;
                        int r = win_nth(f, &c, &w8, err);
                        if (r < 0) {
                            rc = SQL_ERR;
                            break;
                        }
                        if (r == 1) {
                            sqlval_init_null(out, f->type);
                            continue;
                        }
                        want = w8;
                    }
                    int64_t t = -1, seen = 0;
                    if (name[0] == 'l') {
                        for (int64_t j = fe; j >= fs && t < 0; j--)
                            if (!WIN_EXCLUDED(j)) t = j;
                    } else {
                        for (int64_t j = fs; j <= fe && t < 0; j++)
                            if (!WIN_EXCLUDED(j) && ++seen == want) t = j;
                    }
                    if (t < 0) {
                        sqlval_init_null(out, f->type);
                    } else {
                        sqlval *trow = s->rows[s->order[(size_t)t]];
                        sqlexpr_ctx tc = row_ctx(&s->b, trow, n->ingroup);
                        if (n->st) tc.aggs = trow + n->ingroup;
                        rc = sqlexpr_eval(f->args[0], &tc, out, err);
                        if (!rc) rc = cast_to(out, f->type, err);
                    }
                } else if (excl) { /* an aggregate over the frame's rows that are not excluded */
                    sqlexpr_agg xa;
                    sqlexpr_agg_init(&xa, f);
                    for (int64_t j = fs; !rc && j <= fe; j++) {
                        if (WIN_EXCLUDED(j)) continue;
                        sqlval *arow = s->rows[s->order[(size_t)j]];
                        sqlexpr_ctx ac = row_ctx(&s->b, arow, n->ingroup);
                        if (n->st) ac.aggs = arow + n->ingroup;
                        rc = sqlexpr_agg_step(&xa, &ac, err);
                    }
                    if (!rc) rc = sqlexpr_agg_final(&xa, out, err);
                    sqlexpr_agg_free(&xa);
                } else if (!strcmp(name, "first_value") || !strcmp(name, "last_value") ||
                           !strcmp(name, "nth_value")) {
                    int64_t t = !strcmp(name, "first_value") ? fs : !strcmp(name, "last_value") ? fe : 0;
                    if (name[0] == 'n') {
                        int64_t w8;
                        int r = win_nth(f, &c, &w8, err);
                        if (r < 0) {
                            rc = SQL_ERR;
                            break;
                        }
                        if (r == 1) {
                            sqlval_init_null(out, f->type);
                            continue;
                        }
                        t = fs + w8 - 1;
                    }
                    if (fs > fe || t < fs || t > fe) {
                        sqlval_init_null(out, f->type);
                    } else {
                        sqlval *trow = s->rows[s->order[(size_t)t]];
                        sqlexpr_ctx tc = row_ctx(&s->b, trow, n->ingroup);
                        if (n->st) tc.aggs = trow + n->ingroup;
                        rc = sqlexpr_eval(f->args[0], &tc, out, err);
                        if (!rc) rc = cast_to(out, f->type, err);
                    }
                } else {
                    /* an aggregate over the frame: kept running while the frame only grows */
                    bool running = fs == (int64_t)ps;
                    if (!running || !agg_on) {
                        if (agg_on) sqlexpr_agg_free(&agg);
                        sqlexpr_agg_init(&agg, f);
                        agg_on = true;
                        agg_next = (size_t)fs;
                    }
                    for (; !rc && (int64_t)agg_next <= fe; agg_next++) {
                        sqlval *arow = s->rows[s->order[agg_next]];
                        sqlexpr_ctx ac = row_ctx(&s->b, arow, n->ingroup);
                        if (n->st) ac.aggs = arow + n->ingroup;
                        rc = sqlexpr_agg_step(&agg, &ac, err);
                    }
                    if (!rc) rc = sqlexpr_agg_final(&agg, out, err);
                    if (!running) {
                        sqlexpr_agg_free(&agg);
                        agg_on = false;
                    }
                }
            }
        }
        if (agg_on) sqlexpr_agg_free(&agg);
        ps = pe;
    }
#undef WIN_EXCLUDED
    free(gstart);
    free(grp);
    for (size_t r = 0; r < nr; r++) sqlplan_row_free(ws.keys[r], nk);
    free(ws.keys);
    return rc;
}

static int win_open(sqlplan_node *n, win_state *s, sqlerr *err)
{
    if (sqlops_open(n->left, s->b.r, &s->b.ctx, err)) return SQL_ERR;
    size_t cap = 0;
    int inw = n->left->width, nw = n->wst->nwins;
    for (;;) {
        sqlval *row;
        int rc = sqlops_next(n->left, &row, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 0) break;
        sqlval *wide = realloc(row, (size_t)(inw + nw) * sizeof *wide);
        if (!wide) {
            sqlplan_row_free(row, inw);
            return sqlerr_oom(err);
        }
        for (int i = 0; i < nw; i++) sqlval_init_null(&wide[inw + i], SQLVAL_UNKNOWN);
        if (mem_hold(&s->b, row_bytes(wide, inw), "A window function", err)) {
            sqlplan_row_free(wide, inw + nw);
            return SQL_ERR;
        }
        if (s->n == cap) {
            cap = cap ? cap * 2 : 64;
            sqlval **g = realloc(s->rows, cap * sizeof *g);
            if (!g) {
                sqlplan_row_free(wide, inw + nw);
                return sqlerr_oom(err);
            }
            s->rows = g;
        }
        s->rows[s->n++] = wide;
    }
    sqlops_close(n->left);
    if (!(s->order = calloc(s->n + 1, sizeof *s->order))) return sqlerr_oom(err);
    for (size_t r = 0; r < s->n; r++) s->order[r] = r;
    for (int i = 0; i < nw; i++)
        if (win_compute(n, s, n->wst->wins[i], i, err)) return SQL_ERR;
    return SQL_OK;
}

/* ------------------------------------------------------------------ select-list SRFs */

typedef struct pset_state {
    base_state b;
    sqlval *cur; /* the input row being expanded */
    func_state *fs;
    bool *done;
} pset_state;

static void pset_close_fns(sqlplan_node *n, pset_state *s)
{
    for (int j = 0; s->fs && j < n->nsrfs; j++) {
        func_close(&s->fs[j]);
        memset(&s->fs[j], 0, sizeof s->fs[j]);
    }
}

static int pset_next(sqlplan_node *n, pset_state *s, sqlval **out, sqlerr *err)
{
    int inw = n->left->width;
    if (!s->fs) {
        s->fs = calloc((size_t)n->nsrfs, sizeof *s->fs);
        s->done = calloc((size_t)n->nsrfs, sizeof *s->done);
        if (!s->fs || !s->done) return sqlerr_oom(err);
    }
    for (;;) {
        if (!s->cur) {
            int rc = sqlops_next(n->left, &s->cur, err);
            if (rc <= 0) return rc;
            sqlexpr_ctx c = row_ctx(&s->b, s->cur, n->ingroup);
            if (n->st) c.aggs = s->cur + n->ingroup;
            if (n->wst) c.wins = s->cur + n->wins_at;
            for (int j = 0; j < n->nsrfs; j++) {
                s->fs[j].b.r = s->b.r;
                s->fs[j].b.ctx = c;
                s->done[j] = false;
                if (func_open(n->srfs[j], &s->fs[j], err)) return SQL_ERR;
            }
        }
        sqlval *row = row_new(n->width, err);
        if (!row) return SQL_ERR;
        bool any = false;
        for (int j = 0; j < n->nsrfs; j++) {
            sqlval_init_null(&row[inw + j], n->srfs[j]->types[0]);
            if (s->done[j]) continue;
            int r = func_value(n->srfs[j], &s->fs[j], &row[inw + j], err);
            if (r < 0) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            if (r == 0) {
                s->done[j] = true;
                sqlval_init_null(&row[inw + j], n->srfs[j]->types[0]);
                continue;
            }
            if (cast_to(&row[inw + j], n->srfs[j]->types[0], err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            any = true;
        }
        if (!any) { /* every function is done with this row */
            sqlplan_row_free(row, n->width);
            pset_close_fns(n, s);
            sqlplan_row_free(s->cur, inw);
            s->cur = NULL;
            continue;
        }
        for (int i = 0; i < inw; i++)
            if (sqlval_copy(&row[i], &s->cur[i], err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
        *out = row;
        return 1;
    }
}

/* ------------------------------------------------------------------ projection */

static int project_row(sqlplan_node *n, base_state *b, sqlval *in, sqlval **out, sqlerr *err)
{
    sqlexpr_ctx c = row_ctx(b, in, n->ingroup);
    if (n->st) c.aggs = in + n->ingroup;
    if (n->wst) c.wins = in + n->wins_at;
    if (b->r->plan->want_raw) {
        c.raw = n->st ? NULL : b->r->raw;
        c.table = b->r->raw_table;
    }
    sqlval *row = row_new(n->nexprs, err);
    if (!row) return SQL_ERR;
    for (int i = 0; i < n->nexprs; i++) {
        int rc = n->exprs[i] ? sqlexpr_eval(n->exprs[i], &c, &row[i], err)
                             : sqlval_copy(&row[i], &in[n->slot[i]], err);
        if (rc) {
            sqlplan_row_free(row, n->nexprs);
            return SQL_ERR;
        }
    }
    *out = row;
    return SQL_OK;
}

/* ------------------------------------------------------------------ sort, distinct, limit */

typedef struct mat_state {
    base_state b;
    sqlval **rows;
    size_t n, i;
    htab ht; /* UNIQUE */
    bool ht_on;
    int64_t limit, offset, seen, sent;
    sqlval *tie; /* WITH TIES: the ORDER BY values of the limit-th row (ntie of them) */
} mat_state;

typedef struct sort_ctx {
    const sqlplan_node *n;
    bool failed;
} sort_ctx;

static int sort_cmp_from(sort_ctx *sc, const sqlval *x, const sqlval *y, int from)
{
    const sqlplan_node *n = sc->n;
    for (int i = from; i < n->nsort; i++) {
        const sqlval *u = &x[n->scol[i]], *v = &y[n->scol[i]];
        if (u->isnull || v->isnull) {
            if (u->isnull && v->isnull) continue;
            return (u->isnull ? -1 : 1) * (n->snullsfirst[i] ? 1 : -1);
        }
        int c;
        sqlerr e;
        if (sqlval_compare(u, v, &c, &e)) {
            sc->failed = true;
            return 0;
        }
        if (c) return n->sdesc[i] ? -c : c;
    }
    /* equal keys keep their input order (a stable sort) */
    return 0;
}

typedef struct sort_item {
    sqlval *row;
    size_t idx;
    abbrev ab;
} sort_item;

typedef struct sort_sortctx {
    sort_ctx *sc;
    abbrev_plan p;
} sort_sortctx;

static int sort_item_cmp(const void *a, const void *b, void *arg)
{
    const sort_item *x = a, *y = b;
    sort_sortctx *ss = arg;
    int from;
    int c = abbrev_cmp(&x->ab, &y->ab, ss->p, &from);
    if (!c) c = sort_cmp_from(ss->sc, x->row, y->row, from);
    if (c) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

typedef struct sort_keys {
    sqlval **rows;
    const sqlplan_node *n;
} sort_keys;

static const sqlval *sort_key_at(const void *ctx, size_t r, int i)
{
    const sort_keys *k = ctx;
    return &k->rows[r][k->n->scol[i]];
}

static int sort_open(sqlplan_node *n, mat_state *s, sqlerr *err)
{
    if (drain(n->left, &s->b, "A sort", &s->rows, &s->n, err)) return SQL_ERR;
    if (s->n > 1) {
        sort_item *it = malloc(s->n * sizeof *it);
        abbrev *ab = malloc(s->n * sizeof *ab);
        if (!it || !ab) {
            free(it);
            free(ab);
            return sqlerr_oom(err);
        }
        bool desc[ABBREV_KEYS] = {0}, nf[ABBREV_KEYS] = {0};
        for (int i = 0; i < n->nsort && i < ABBREV_KEYS; i++) {
            desc[i] = n->sdesc[i];
            nf[i] = n->snullsfirst[i];
        }
        sort_keys keys = {s->rows, n};
        sort_ctx sc = {n, false};
        sort_sortctx ss = {&sc, abbrev_fill(ab, s->n, n->nsort, sort_key_at, &keys, desc, nf)};
        for (size_t i = 0; i < s->n; i++) it[i] = (sort_item){s->rows[i], i, ab[i]};
        free(ab);
        qsort_r(it, s->n, sizeof *it, sort_item_cmp, &ss);
        for (size_t i = 0; i < s->n; i++) s->rows[i] = it[i].row;
        free(it);
        if (sc.failed) return sqlerr_set(err, "42883", -1, "could not compare ORDER BY values");
    }
    return SQL_OK;
}

static int eval_count(const sqlast_expr *e, const sqlexpr_ctx *c, const char *what, int64_t *out,
                      sqlerr *err)
{
    *out = -1;
    if (!e) return SQL_OK;
    sqlval v, w;
    if (sqlexpr_eval(e, c, &v, err)) return SQL_ERR;
    if (v.isnull) {
        sqlval_free(&v);
        return SQL_OK;
    }
    int rc = sqlval_cast(&v, SQLVAL_INT8, &w, err);
    sqlval_free(&v);
    if (rc) return SQL_ERR;
    *out = w.u.i;
    if (*out < 0) return sqlerr_set(err, "2201W", -1, "%s must not be negative", what);
    return SQL_OK;
}

/* ------------------------------------------------------------------ set operations */

typedef struct setop_state {
    base_state b;
    sqlplan_query *lq, *rq;
    int side; /* 0 left, 1 right, 2 done */
    htab ht;
    bool ht_on;
} setop_state;

/* The next row of a child query, cast to the set operation's column types. */
static int setop_child(sqlplan_node *n, sqlplan_query *q, sqlval **out, sqlerr *err)
{
    sqlval *row;
    int rc = sqlops_next(q->root, &row, err);
    if (rc <= 0) return rc;
    for (int i = q->ncols; i < q->root->width; i++) sqlval_free(&row[i]);
    for (int i = 0; i < n->ncols; i++)
        if (cast_to(&row[i], n->types[i], err)) {
            sqlplan_row_free(row, n->ncols);
            return SQL_ERR;
        }
    *out = row;
    return 1;
}

static int setop_open(sqlplan_node *n, setop_state *s, sqlerr *err)
{
    s->lq = n->sub;
    s->rq = n->right->sub;
    const sqlexpr_ctx *outer = s->b.ctx.outer;
    sqlexpr_ctx c = s->b.ctx;
    c.row = NULL;
    c.outer = outer;
    (void)c;
    if (ht_init(&s->ht, n->ncols, err)) return SQL_ERR;
    s->ht_on = true;
    if (n->setop == SQLAST_SETOP_UNION) return sqlops_open(s->lq->root, s->b.r, &s->b.ctx, err);
    /* INTERSECT / EXCEPT: count the right side's rows */
    if (sqlops_open(s->rq->root, s->b.r, &s->b.ctx, err)) return SQL_ERR;
    for (;;) {
        sqlval *row;
        int rc = setop_child(n, s->rq, &row, err);
        if (rc < 0) {
            sqlops_close(s->rq->root);
            return SQL_ERR;
        }
        if (rc == 0) break;
        uint64_t h = sqlops_hash(row, n->ncols);
        hent *e = ht_find(&s->ht, h, row, NULL);
        if (e) {
            e->count++;
            sqlplan_row_free(row, n->ncols);
            continue;
        }
        if (mem_hold(&s->b, row_bytes(row, n->ncols), n->setop == SQLAST_SETOP_INTERSECT ? "INTERSECT" : "EXCEPT", err) ||
            !(e = ht_add(&s->ht, h, row, NULL, err))) {
            sqlplan_row_free(row, n->ncols);
            sqlops_close(s->rq->root);
            return SQL_ERR;
        }
        e->count = 1;
    }
    sqlops_close(s->rq->root);
    return sqlops_open(s->lq->root, s->b.r, &s->b.ctx, err);
}

static int setop_next(sqlplan_node *n, setop_state *s, sqlval **out, sqlerr *err)
{
    for (;;) {
        if (s->side == 2) return 0;
        sqlplan_query *q = s->side == 0 ? s->lq : s->rq;
        sqlval *row;
        int rc = setop_child(n, q, &row, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 0) {
            sqlops_close(q->root);
            if (n->setop == SQLAST_SETOP_UNION && s->side == 0) {
                s->side = 1;
                if (sqlops_open(s->rq->root, s->b.r, &s->b.ctx, err)) {
                    s->side = 2;
                    return SQL_ERR;
                }
                continue;
            }
            s->side = 2;
            return 0;
        }
        if (n->setop == SQLAST_SETOP_UNION) {
            if (n->all) {
                *out = row;
                return 1;
            }
            uint64_t h = sqlops_hash(row, n->ncols);
            if (ht_find(&s->ht, h, row, NULL)) {
                sqlplan_row_free(row, n->ncols);
                continue;
            }
            sqlval *keep = row_new(n->ncols, err);
            for (int i = 0; keep && i < n->ncols; i++) sqlval_copy(&keep[i], &row[i], err);
            if (!keep || mem_hold(&s->b, row_bytes(row, n->ncols), "UNION", err) ||
                !ht_add(&s->ht, h, keep, NULL, err)) {
                sqlplan_row_free(keep, n->ncols);
                sqlplan_row_free(row, n->ncols);
                return SQL_ERR;
            }
            *out = row;
            return 1;
        }
        uint64_t h = sqlops_hash(row, n->ncols);
        hent *e = ht_find(&s->ht, h, row, NULL);
        bool emit;
        if (n->setop == SQLAST_SETOP_INTERSECT) {
            emit = e && e->count > 0;
            if (emit) e->count = n->all ? e->count - 1 : 0;
        } else if (n->all) {
            emit = !e || e->count == 0;
            if (!emit) e->count--;
        } else {
            emit = !e;
            if (emit) { /* once: remember it as seen with count 0 */
                sqlval *keep = row_new(n->ncols, err);
                for (int i = 0; keep && i < n->ncols; i++) sqlval_copy(&keep[i], &row[i], err);
                if (!keep || !(e = ht_add(&s->ht, h, keep, NULL, err))) {
                    sqlplan_row_free(keep, n->ncols);
                    sqlplan_row_free(row, n->ncols);
                    return SQL_ERR;
                }
                e->count = 0;
            }
        }
        if (emit) {
            *out = row;
            return 1;
        }
        sqlplan_row_free(row, n->ncols);
    }
}

/* ------------------------------------------------------------------ WITH RECURSIVE */

typedef struct rec_state {
    base_state b;
    int phase; /* 0 non-recursive term, 1 recursive term running, 2 done */
    sqlval **next;
    size_t nnext, capnext;
    htab seen;
    bool seen_on;
} rec_state;

static void rows_free(sqlval **rows, size_t n, int w)
{
    for (size_t i = 0; i < n; i++) sqlplan_row_free(rows[i], w);
    free(rows);
}

static int rec_next(sqlplan_node *n, rec_state *s, sqlval **out, sqlerr *err)
{
    sqlplan_cte *cte = n->cte;
    for (;;) {
        if (s->phase == 2) return 0;
        sqlplan_node *child = s->phase == 0 ? n->left : n->sub->root;
        sqlval *row;
        int rc = sqlops_next(child, &row, err);
        if (rc < 0) return SQL_ERR;
        if (rc == 0) {
            sqlops_close(child);
            /* the next iteration reads what this one produced */
            rows_free(cte->work, cte->nwork, n->ncols);
            cte->work = s->next;
            cte->nwork = s->nnext;
            s->next = NULL;
            s->nnext = s->capnext = 0;
            if (cte->nwork == 0) {
                s->phase = 2;
                return 0;
            }
            s->phase = 1;
            sqlexpr_ctx c = s->b.ctx;
            c.row = NULL;
            if (sqlops_open(n->sub->root, s->b.r, &c, err)) {
                s->phase = 2;
                return SQL_ERR;
            }
            continue;
        }
        for (int i = n->ncols; i < child->width; i++) sqlval_free(&row[i]);
        if (sx_interrupted(s->b.r->s, err)) {
            sqlplan_row_free(row, n->ncols);
            return SQL_ERR;
        }
        if (!n->all) {
            uint64_t h = sqlops_hash(row, n->ncols);
            if (ht_find(&s->seen, h, row, NULL)) {
                sqlplan_row_free(row, n->ncols);
                continue;
            }
            sqlval *keep = row_new(n->ncols, err);
            for (int i = 0; keep && i < n->ncols; i++) sqlval_copy(&keep[i], &row[i], err);
            if (!keep || !ht_add(&s->seen, h, keep, NULL, err)) {
                sqlplan_row_free(keep, n->ncols);
                sqlplan_row_free(row, n->ncols);
                return SQL_ERR;
            }
        }
        sqlval *copy = row_new(n->ncols, err);
        for (int i = 0; copy && i < n->ncols; i++) sqlval_copy(&copy[i], &row[i], err);
        if (!copy || mem_hold(&s->b, row_bytes(row, n->ncols), "A recursive query", err)) {
            sqlplan_row_free(copy, n->ncols);
            sqlplan_row_free(row, n->ncols);
            return SQL_ERR;
        }
        if (s->nnext == s->capnext) {
            s->capnext = s->capnext ? s->capnext * 2 : 64;
            sqlval **g = realloc(s->next, s->capnext * sizeof *g);
            if (!g) {
                sqlplan_row_free(copy, n->ncols);
                sqlplan_row_free(row, n->ncols);
                return sqlerr_oom(err);
            }
            s->next = g;
        }
        s->next[s->nnext++] = copy;
        *out = row;
        return 1;
    }
}

static void rec_close(sqlplan_node *n, rec_state *s)
{
    if (s->phase == 0) sqlops_close(n->left);
    if (s->phase == 1) sqlops_close(n->sub->root);
    rows_free(s->next, s->nnext, n->ncols);
    rows_free(n->cte->work, n->cte->nwork, n->ncols);
    n->cte->work = NULL;
    n->cte->nwork = 0;
    if (s->seen_on) ht_free(&s->seen, n->ncols);
}

/* ------------------------------------------------------------------ generic entry points */

typedef union any_state {
    base_state b;
    scan_state scan;
    values_state values;
    func_state func;
    sub_state sub;
    join_state join;
    agg_state agg;
    mat_state mat;
    setop_state setop;
    rec_state rec;
    win_state win;
    pset_state pset;
} any_state;

static int open_inner(sqlplan_node *n, sqlplan_run *r, const sqlexpr_ctx *ctx, sqlerr *err);

/* A node that fails to open is closed again: nothing it allocated outlives the error. */
int sqlops_open(sqlplan_node *n, sqlplan_run *r, const sqlexpr_ctx *ctx, sqlerr *err)
{
    int rc = open_inner(n, r, ctx, err);
    if (rc) sqlops_close(n);
    return rc;
}

static int open_inner(sqlplan_node *n, sqlplan_run *r, const sqlexpr_ctx *ctx, sqlerr *err)
{
    if (n->state) sqlops_close(n);
    any_state *s = calloc(1, sizeof *s);
    if (!s) return sqlerr_oom(err);
    n->state = s;
    n->nloops++;
    s->b.r = r;
    s->b.ctx = *ctx;
    s->b.ctx.run = r;
    switch (n->kind) {
    case PN_SCAN: return scan_open(n, &s->scan, err);
    case PN_FUNC: return func_open(n, &s->func, err);
    case PN_SUBQUERY: {
        /* the subquery's enclosing context: this node's (the outer row of a LATERAL join) */
        return sqlops_open(n->sub->root, r, &(sqlexpr_ctx){.params = ctx->params,
                                                          .nparams = ctx->nparams,
                                                          .env = ctx->env,
                                                          .outer = &s->b.ctx,
                                                          .run = r},
                           err);
    }
    case PN_CTE:
        if (n->cte->gen != r->plan->gen || n->cte->correlated) cte_reset(n->cte, r->plan->gen);
        return SQL_OK;
    case PN_JOIN: return join_open(n, &s->join, err);
    case PN_AGG: return agg_open(n, &s->agg, err);
    case PN_SORT: return sort_open(n, &s->mat, err);
    case PN_UNIQUE:
        if (ht_init(&s->mat.ht, n->nsort, err)) return SQL_ERR;
        s->mat.ht_on = true;
        return sqlops_open(n->left, r, &s->b.ctx, err);
    case PN_LIMIT: {
        if (eval_count(n->limit_e, &s->b.ctx, "LIMIT", &s->mat.limit, err) ||
            eval_count(n->offset_e, &s->b.ctx, "OFFSET", &s->mat.offset, err))
            return SQL_ERR;
        if (n->tiecol && n->limit_e && s->mat.limit < 0)
            return sqlerr_set(err, "2201W", -1, "row count cannot be null in FETCH FIRST ... WITH TIES clause");
        return SQL_OK; /* the input opens at the first row asked for: LIMIT 0 runs nothing */
    }
    case PN_SETOP: return setop_open(n, &s->setop, err);
    case PN_WINDOW: return win_open(n, &s->win, err);
    case PN_RECURSE:
        if (!n->all) {
            if (ht_init(&s->rec.seen, n->ncols, err)) return SQL_ERR;
            s->rec.seen_on = true;
        }
        n->cte->work = NULL;
        n->cte->nwork = 0;
        return sqlops_open(n->left, r, &s->b.ctx, err);
    case PN_FILTER:
    case PN_PROJECT:
    case PN_PROJECTSET:
    case PN_LOCK: return sqlops_open(n->left, r, &s->b.ctx, err);
    case PN_VALUES:
    case PN_RESULT:
    case PN_WORKTABLE: return SQL_OK;
    }
    return SQL_OK;
}

static int next_inner(sqlplan_node *n, any_state *s, sqlval **out, sqlerr *err)
{
    switch (n->kind) {
    case PN_SCAN: return scan_next(n, &s->scan, out, err);
    case PN_VALUES: return values_next(n, &s->values, out, err);
    case PN_FUNC: return func_next(n, &s->func, out, err);
    case PN_RESULT:
        while (!s->sub.i) {
            s->sub.i = 1;
            sqlval *row = row_new(n->width, err);
            if (!row) return SQL_ERR;
            bool yes;
            if (leaf_qual(n, &s->b, row, &yes, err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            if (!yes) {
                sqlplan_row_free(row, n->width);
                return 0;
            }
            *out = row;
            return 1;
        }
        return 0;
    case PN_SUBQUERY:
        for (;;) {
            sqlval *row;
            int rc = sqlops_next(n->sub->root, &row, err);
            if (rc <= 0) return rc;
            rc = place_row(n, &s->b, row, n->sub->ncols, out, err);
            sqlplan_row_free(row, n->sub->root->width);
            if (rc) return rc;
        }
    case PN_CTE:
        for (;;) {
            sqlval *src = NULL;
            int rc = cte_row(n->cte, &s->b, s->sub.i++, &src, err);
            if (rc <= 0) return rc;
            rc = place_row(n, &s->b, src, n->ncols, out, err);
            if (rc) return rc;
        }
    case PN_WORKTABLE:
        for (;;) {
            if (s->sub.i >= n->cte->nwork) return 0;
            int rc = place_row(n, &s->b, n->cte->work[s->sub.i++], n->ncols, out, err);
            if (rc) return rc;
        }
    case PN_FILTER:
        for (;;) {
            sqlval *row;
            int rc = sqlops_next(n->left, &row, err);
            if (rc <= 0) return rc;
            sqlexpr_ctx c = row_ctx(&s->b, row, n->st ? n->ingroup : n->width);
            if (n->st) c.aggs = row + n->ingroup;
            bool yes;
            if (sqlexpr_eval_bool(n->qual, &c, &yes, err)) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            if (yes) {
                *out = row;
                return 1;
            }
            sqlplan_row_free(row, n->width);
        }
    case PN_JOIN: return join_next(n, &s->join, out, err);
    case PN_AGG:
        if (s->agg.i >= s->agg.nout) return 0;
        *out = s->agg.out[s->agg.i];
        s->agg.out[s->agg.i++] = NULL;
        return 1;
    case PN_PROJECT: {
        sqlval *in;
        int rc = sqlops_next(n->left, &in, err);
        if (rc <= 0) return rc;
        rc = project_row(n, &s->b, in, out, err);
        sqlplan_row_free(in, n->left->width);
        return rc ? SQL_ERR : 1;
    }
    case PN_SORT:
        if (s->mat.i >= s->mat.n) return 0;
        *out = s->mat.rows[s->mat.i];
        s->mat.rows[s->mat.i++] = NULL;
        return 1;
    case PN_UNIQUE:
        for (;;) {
            sqlval *row;
            int rc = sqlops_next(n->left, &row, err);
            if (rc <= 0) return rc;
            sqlval *keys = row_new(n->nsort, err);
            if (!keys) {
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            for (int i = 0; i < n->nsort; i++) sqlval_copy(&keys[i], &row[n->scol[i]], err);
            uint64_t h = sqlops_hash(keys, n->nsort);
            if (ht_find(&s->mat.ht, h, keys, NULL)) {
                sqlplan_row_free(keys, n->nsort);
                sqlplan_row_free(row, n->width);
                continue;
            }
            if (mem_hold(&s->b, row_bytes(keys, n->nsort), "DISTINCT", err) ||
                !ht_add(&s->mat.ht, h, NULL, keys, err)) {
                sqlplan_row_free(keys, n->nsort);
                sqlplan_row_free(row, n->width);
                return SQL_ERR;
            }
            *out = row;
            return 1;
        }
    case PN_LIMIT:
        if (s->mat.limit == 0) return 0;
        if (!n->left->state && sqlops_open(n->left, s->b.r, &s->b.ctx, err)) return SQL_ERR;
        for (;;) {
            bool past = s->mat.limit >= 0 && s->mat.sent >= s->mat.limit;
            if (past && !s->mat.tie) return 0;
            sqlval *row;
            int rc = sqlops_next(n->left, &row, err);
            if (rc <= 0) return rc;
            if (s->mat.offset > 0 && s->mat.seen++ < s->mat.offset) {
                sqlplan_row_free(row, n->width);
                continue;
            }
            if (past) { /* WITH TIES: rows equal to the last one on the ORDER BY columns */
                bool same = true;
                for (int i = 0; i < n->ntie && same; i++)
                    same = sqlops_equal(&s->mat.tie[i], &row[n->tiecol[i]], 1);
                if (!same) {
                    sqlplan_row_free(row, n->width);
                    sqlplan_row_free(s->mat.tie, n->ntie);
                    s->mat.tie = NULL;
                    return 0;
                }
            } else if (++s->mat.sent == s->mat.limit && n->tiecol) {
                if (!(s->mat.tie = row_new(n->ntie, err))) {
                    sqlplan_row_free(row, n->width);
                    return SQL_ERR;
                }
                for (int i = 0; i < n->ntie; i++)
                    if (sqlval_copy(&s->mat.tie[i], &row[n->tiecol[i]], err)) {
                        sqlplan_row_free(row, n->width);
                        return SQL_ERR;
                    }
            }
            *out = row;
            return 1;
        }
    case PN_LOCK:
        for (;;) {
            sqlval *row;
            int rc = sqlops_next(n->left, &row, err);
            if (rc <= 0) return rc;
            /* Locked as returned, as PostgreSQL's LockRows under Limit. FOR SHARE takes the same
             * exclusive lock as FOR UPDATE (stronger than asked: never weaker). */
            const sqlval *pk = &row[n->ncols];
            const sqlschema_table *t = s->b.r->plan->lock_table;
            if (pk->isnull) { /* no row under it (an outer join's NULLs) */
                *out = row;
                return 1;
            }
            if (n->lock_policy == 0) {
                if (sx_lock_row(s->b.r->s, t->id, (const uint8_t *)pk->s, pk->len, err)) {
                    sqlplan_row_free(row, n->width);
                    return SQL_ERR;
                }
            } else {
                int lr = sx_lock_row_try(s->b.r->s, t->id, (const uint8_t *)pk->s, pk->len, err);
                if (lr < 0 || (lr == 1 && n->lock_policy == 1)) {
                    sqlplan_row_free(row, n->width);
                    if (lr < 0) return SQL_ERR;
                    return sqlerr_set(err, "55P03", -1, "could not obtain lock on row in relation \"%s\"",
                                      t->name);
                }
                if (lr == 1) {
                    sqlplan_row_free(row, n->width);
                    continue;
                }
            }
            *out = row;
            return 1;
        }
    case PN_SETOP: return setop_next(n, &s->setop, out, err);
    case PN_RECURSE: return rec_next(n, &s->rec, out, err);
    case PN_PROJECTSET: return pset_next(n, &s->pset, out, err);
    case PN_WINDOW:
        if (s->win.i >= s->win.n) return 0;
        *out = s->win.rows[s->win.order[s->win.i]];
        s->win.rows[s->win.order[s->win.i++]] = NULL;
        return 1;
    }
    return 0;
}

int sqlops_next(sqlplan_node *n, sqlval **row, sqlerr *err)
{
    *row = NULL;
    any_state *s = n->state;
    if (!s) return sqlerr_set(err, "XX000", -1, "operator %s read before it was opened", n->what ? n->what : "?");
    /* every operator, every row: a cancel request, statement_timeout or shutdown stops the
     * statement wherever its time goes (a function scan, a join, an aggregate's input) */
    if (s->b.r && s->b.r->s && sx_interrupted(s->b.r->s, err)) return SQL_ERR;
    int rc = next_inner(n, s, row, err);
    if (rc == 1) n->nrows_out++;
    return rc;
}

void sqlops_close(sqlplan_node *n)
{
    if (!n || !n->state) return;
    any_state *s = n->state;
    switch (n->kind) {
    case PN_SCAN: scan_close(n, &s->scan); break;
    case PN_FUNC: func_close(&s->func); break;
    case PN_SUBQUERY: sqlops_close(n->sub->root); break;
    case PN_JOIN: join_close(n, &s->join); break;
    case PN_AGG:
        for (size_t i = s->agg.i; i < s->agg.nout; i++) sqlplan_row_free(s->agg.out[i], n->width);
        free(s->agg.out);
        break;
    case PN_SORT:
        for (size_t i = s->mat.i; i < s->mat.n; i++) sqlplan_row_free(s->mat.rows[i], n->width);
        free(s->mat.rows);
        sqlops_close(n->left);
        break;
    case PN_UNIQUE:
        if (s->mat.ht_on) ht_free(&s->mat.ht, -1);
        sqlops_close(n->left);
        break;
    case PN_SETOP:
        if (s->setop.ht_on) ht_free(&s->setop.ht, n->ncols);
        if (s->setop.lq) sqlops_close(s->setop.lq->root);
        if (s->setop.rq) sqlops_close(s->setop.rq->root);
        break;
    case PN_RECURSE: rec_close(n, &s->rec); break;
    case PN_PROJECTSET:
        pset_close_fns(n, &s->pset);
        free(s->pset.fs);
        free(s->pset.done);
        sqlplan_row_free(s->pset.cur, n->left->width);
        sqlops_close(n->left);
        break;
    case PN_WINDOW:
        for (size_t i = 0; i < s->win.n; i++) sqlplan_row_free(s->win.rows[i], n->width);
        free(s->win.rows);
        free(s->win.order);
        sqlops_close(n->left);
        break;
    case PN_LIMIT:
        sqlplan_row_free(s->mat.tie, n->ntie);
        sqlops_close(n->left);
        break;
    default: sqlops_close(n->left); break;
    }
    if (s->b.r) s->b.r->mem -= s->b.held < s->b.r->mem ? s->b.held : s->b.r->mem;
    free(s);
    n->state = NULL;
}

int sqlops_collect(sqlplan_query *q, sqlplan_run *r, const sqlexpr_ctx *outer, sqlval ***rows,
                   size_t *n, sqlerr *err)
{
    *rows = NULL;
    *n = 0;
    sqlexpr_ctx c = r->base;
    c.row = NULL;
    c.nrow = 0;
    c.outer = outer;
    c.run = r;
    if (sqlops_open(q->root, r, &c, err)) {
        sqlops_close(q->root);
        return SQL_ERR;
    }
    size_t cap = 0;
    for (;;) {
        sqlval *row;
        int rc = sqlops_next(q->root, &row, err);
        if (rc < 0) break;
        if (rc == 0) {
            sqlops_close(q->root);
            return SQL_OK;
        }
        for (int i = q->ncols; i < q->root->width; i++) sqlval_free(&row[i]);
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            sqlval **g = realloc(*rows, cap * sizeof *g);
            if (!g) {
                sqlplan_row_free(row, q->ncols);
                sqlerr_oom(err);
                break;
            }
            *rows = g;
        }
        (*rows)[(*n)++] = row;
    }
    sqlops_close(q->root);
    rows_free(*rows, *n, q->ncols);
    *rows = NULL;
    *n = 0;
    return SQL_ERR;
}

/* ------------------------------------------------------------------ subqueries as expressions */

/* Rows of a subquery for one evaluation: up to max (0: all). Uncorrelated ones run once per
 * execution. *rows is borrowed when *borrowed, else owned. */
static int sub_rows(sqlplan_query *q, const sqlexpr_ctx *ctx, size_t max, sqlval ***rows,
                    size_t *n, bool *borrowed, sqlerr *err)
{
    sqlplan_run *r = ctx->run;
    *borrowed = false;
    if (!r) return sqlerr_unsupported(err, -1, "subqueries here");
    if (!q->correlated && q->cached && q->gen == r->plan->gen) {
        *rows = q->rows;
        *n = q->nrows;
        *borrowed = true;
        return SQL_OK;
    }
    *rows = NULL;
    *n = 0;
    sqlexpr_ctx c = r->base;
    c.row = NULL;
    c.nrow = 0;
    c.outer = ctx;
    c.run = r;
    int rc = sqlops_open(q->root, r, &c, err);
    size_t cap = 0;
    while (!rc && (max == 0 || *n < max)) {
        sqlval *row;
        int k = sqlops_next(q->root, &row, err);
        if (k < 0) rc = SQL_ERR;
        if (k <= 0) break;
        for (int i = q->ncols; i < q->root->width; i++) sqlval_free(&row[i]);
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            sqlval **g = realloc(*rows, cap * sizeof *g);
            if (!g) {
                sqlplan_row_free(row, q->ncols);
                rc = sqlerr_oom(err);
                break;
            }
            *rows = g;
        }
        (*rows)[(*n)++] = row;
    }
    sqlops_close(q->root);
    if (rc) {
        rows_free(*rows, *n, q->ncols);
        *rows = NULL;
        *n = 0;
        return SQL_ERR;
    }
    if (!q->correlated && max == 0) {
        sqlops_query_free_cache(q); /* built over the rows about to go */
        for (size_t i = 0; i < q->nrows; i++) sqlplan_row_free(q->rows[i], q->cwidth);
        free(q->rows);
        q->rows = *rows;
        q->nrows = *n;
        q->cwidth = q->ncols;
        q->cached = true;
        q->gen = r->plan->gen;
        *borrowed = true;
    }
    return SQL_OK;
}

/* x = ANY (uncorrelated subquery), as PostgreSQL's hashed SubPlan: the subquery's rows in a
 * hash set, built once per execution (they are cached with it), then one probe per row. */
typedef struct hset {
    htab ht;
    bool has_null; /* a NULL among the rows: "not found" is NULL, not false */
    sqlval **src;  /* the cached rows it was built from */
    size_t n;
} hset;

void sqlops_query_free_cache(sqlplan_query *q)
{
    hset *h = q->hset;
    if (!h) return;
    ht_free(&h->ht, -1); /* the rows are the query's cache */
    free(h);
    q->hset = NULL;
}

/* 1 decided (*out set), 0 not a hashed case, SQL_ERR. */
static int hashed_any(const sqlast_expr *e, sqlplan_query *q, sqlval **rows, size_t n,
                      const sqlval *left, sqlval *out, sqlerr *err)
{
    if (e->sublink != SQLAST_SUB_ANY || e->op != SQLAST_OP_EQ || e->nargs != 1 || q->correlated ||
        n < 8)
        return 0;
    hset *h = q->hset;
    if (!h || h->src != rows || h->n != n) {
        sqlops_query_free_cache(q);
        if (!(h = calloc(1, sizeof *h))) return sqlerr_oom(err);
        if (ht_init(&h->ht, 1, err)) {
            free(h);
            return SQL_ERR;
        }
        h->n = n;
        h->src = rows;
        for (size_t i = 0; i < n; i++) {
            if (rows[i][0].isnull) {
                h->has_null = true;
                continue;
            }
            uint64_t hv = sqlops_hash(&rows[i][0], 1);
            if (ht_find(&h->ht, hv, &rows[i][0], NULL)) continue;
            if (!ht_add(&h->ht, hv, rows[i], NULL, err)) {
                ht_free(&h->ht, -1);
                free(h);
                return SQL_ERR;
            }
        }
        q->hset = h;
    }
    if (left->isnull) {
        sqlval_init_null(out, SQLVAL_BOOL);
        return 1;
    }
    /* types the hash cannot compare exactly (text against a number...) take the slow path */
    if (ht_find(&h->ht, sqlops_hash(left, 1), left, NULL)) sqlval_set_bool(out, true);
    else if (h->has_null) sqlval_init_null(out, SQLVAL_BOOL);
    else sqlval_set_bool(out, false);
    return 1;
}

static int cmp_op(int op, const sqlval *a, const sqlval *b, int *res, sqlerr *err)
{
    /* res: 1 true, 0 false, -1 NULL */
    if (a->isnull || b->isnull) {
        *res = -1;
        return SQL_OK;
    }
    int c;
    if (sqlval_compare(a, b, &c, err)) return SQL_ERR;
    switch (op) {
    case SQLAST_OP_EQ: *res = c == 0; break;
    case SQLAST_OP_NE: *res = c != 0; break;
    case SQLAST_OP_LT: *res = c < 0; break;
    case SQLAST_OP_LE: *res = c <= 0; break;
    case SQLAST_OP_GT: *res = c > 0; break;
    default: *res = c >= 0; break;
    }
    return SQL_OK;
}

int sqlplan_eval_sublink(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    sqlplan_query *q = e->subplan;
    sqlval_init_null(out, e->type);
    if (!q) return sqlerr_unsupported(err, e->location, "subqueries here");
    sqlval **rows = NULL;
    size_t n = 0;
    bool borrowed = false;
    size_t max = e->sublink == SQLAST_SUB_EXISTS ? 1 : e->sublink == SQLAST_SUB_EXPR ? 2 : 0;
    if (!q->correlated) max = 0; /* computed once, kept whole */
    sqlval left[16];
    int nl = e->sublink == SQLAST_SUB_ANY || e->sublink == SQLAST_SUB_ALL ? e->nargs : 0;
    if (nl > 16) return sqlerr_unsupported(err, e->location, "rows of more than 16 columns with subqueries");
    for (int i = 0; i < nl; i++) sqlval_init_null(&left[i], SQLVAL_UNKNOWN);
    for (int i = 0; i < nl; i++)
        if (sqlexpr_eval(e->args[i], ctx, &left[i], err)) {
            for (int k = 0; k < nl; k++) sqlval_free(&left[k]);
            return SQL_ERR;
        }
    int rc = sub_rows(q, ctx, max, &rows, &n, &borrowed, err);
    if (rc) {
        for (int k = 0; k < nl; k++) sqlval_free(&left[k]);
        return SQL_ERR;
    }
    switch (e->sublink) {
    case SQLAST_SUB_EXISTS: sqlval_set_bool(out, n > 0); break;
    case SQLAST_SUB_EXPR:
        if (n > 1) {
            rc = sqlerr_set(err, "21000", -1, "more than one row returned by a subquery used as an expression");
        } else if (n == 1) {
            rc = sqlval_copy(out, &rows[0][0], err);
            if (!rc && out->type != e->type && !out->isnull) rc = cast_to(out, e->type, err);
        }
        break;
    case SQLAST_SUB_ARRAY: {
        const char **items = calloc(n + 1, sizeof *items);
        if (!items) {
            rc = sqlerr_oom(err);
            break;
        }
        for (size_t i = 0; i < n; i++) items[i] = rows[i][0].isnull ? NULL : rows[i][0].s;
        rc = sqlval_set_array(out, items, n, err);
        free(items);
        break;
    }
    case SQLAST_SUB_ANY:
    case SQLAST_SUB_ALL: {
        sqlval_type lt = left[0].type, rt = n ? rows[0][0].type : lt;
        bool same_kind = lt == rt || (sqlval_type_is_numeric(lt) && sqlval_type_is_numeric(rt)) ||
                         ((lt == SQLVAL_TEXT || lt == SQLVAL_VARCHAR || lt == SQLVAL_NAME) &&
                          (rt == SQLVAL_TEXT || rt == SQLVAL_VARCHAR || rt == SQLVAL_NAME));
        if (borrowed && nl == 1 && same_kind) {
            int hr = hashed_any(e, q, rows, n, &left[0], out, err);
            if (hr < 0) {
                rc = SQL_ERR;
                break;
            }
            if (hr == 1) break;
        }
        bool any = e->sublink == SQLAST_SUB_ANY, saw_null = false, decided = false;
        for (size_t i = 0; i < n && !rc && !decided; i++) {
            /* a row comparison: = is true when every column is, false when one is not, else
             * NULL; <> the other way round */
            int res = e->op == SQLAST_OP_NE ? 0 : 1;
            for (int k = 0; k < nl && !rc; k++) {
                int r1;
                rc = cmp_op(e->op, &left[k], &rows[i][k], &r1, err);
                if (rc) break;
                if (nl == 1) res = r1;
                else if (e->op == SQLAST_OP_NE ? r1 == 1 : r1 == 0) {
                    res = e->op == SQLAST_OP_NE ? 1 : 0;
                    break;
                } else if (r1 < 0) {
                    res = -1;
                }
            }
            if (rc) break;
            if (res < 0) saw_null = true;
            else if (any ? res == 1 : res == 0) decided = true;
        }
        if (rc) break;
        if (decided) sqlval_set_bool(out, any);
        else if (saw_null) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, !any);
        break;
    }
    }
    for (int k = 0; k < nl; k++) sqlval_free(&left[k]);
    if (!borrowed) rows_free(rows, n, q->ncols);
    return rc;
}

/* ------------------------------------------------------------------ an execution */

static int fold_all(const sqlast_stmt *st, const sqlexpr_ctx *base, sqlerr *err)
{
    for (int i = 0; i < st->ntargets; i++)
        if (st->targets[i].expr && st->targets[i].expr->kind != SQLAST_STAR &&
            sqlexpr_fold_check(st->targets[i].expr, base, err))
            return SQL_ERR;
    if (sqlexpr_fold_check(st->where, base, err) || sqlexpr_fold_check(st->having, base, err))
        return SQL_ERR;
    return SQL_OK;
}

int sqlplan_start(sqlplan_run *r, sx_session *s, sqlplan *p, const sqlexpr_ctx *base, sqlerr *err)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->plan = p;
    r->base = *base;
    r->base.run = r;
    r->base.outer = NULL;
    r->base.row = NULL;
    if (sqlplan_recheck(s, p, err)) return SQL_ERR;
    p->gen++;
    if (!p->q) return SQL_OK; /* a write's subqueries only (sqlplan_dml) */
    if (fold_all(p->q->st, &r->base, err)) return SQL_ERR;
    if (sqlops_open(p->q->root, r, &r->base, err)) {
        sqlops_close(p->q->root);
        return SQL_ERR;
    }
    return SQL_OK;
}

int sqlplan_next(sqlplan_run *r, sqlval **row, sqlerr *err)
{
    sqlplan_query *q = r->plan->q;
    int rc = sqlops_next(q->root, row, err);
    if (rc == 1)
        for (int i = q->ncols; i < q->root->width; i++) sqlval_free(&(*row)[i]);
    return rc;
}

void sqlplan_end(sqlplan_run *r)
{
    if (r->plan && r->plan->q) sqlops_close(r->plan->q->root);
    if (r->plan) sqlops_ctes_close(r->plan);
    /* CTE rows and subquery caches stay with the plan until the next execution or its free */
}
