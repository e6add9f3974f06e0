/*
 * server/sql/sqlindex.c — index definitions, their codec, entry encoding and the registry
 * behind storage's index hooks (sqlindex.h).
 */
#include "server/sql/sqlindex.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "server/log.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlparse.h"
#include "storage/keycodec.h"

void sqlindex_free(sqlindex_def *d)
{
    if (!d) return;
    free(d->name);
    for (int k = 0; k < SQLINDEX_MAX_COLUMNS; k++) free(d->expr[k]);
    free(d);
}

int sqlindex_copy(const sqlindex_def *d, sqlindex_def **out, sqlerr *err)
{
    sqlindex_def *c = malloc(sizeof *c);
    if (!c) return sqlerr_oom(err);
    *c = *d;
    memset(c->expr, 0, sizeof c->expr);
    c->name = strdup(d->name);
    bool ok = c->name != NULL;
    for (int k = 0; ok && k < SQLINDEX_MAX_COLUMNS; k++)
        if (d->expr[k] && !(c->expr[k] = strdup(d->expr[k]))) ok = false;
    if (!ok) {
        sqlindex_free(c);
        return sqlerr_oom(err);
    }
    *out = c;
    return SQL_OK;
}

static bool has_exprs(const sqlindex_def *d)
{
    for (int k = 0; k < d->ncols; k++)
        if (d->expr[k]) return true;
    return false;
}

int sqlindex_encode(const sqlindex_def *d, codec_buf *b)
{
    codec_put_u8(b, SQLINDEX_FORMAT);
    codec_put_u64(b, d->gen);
    codec_put_u32(b, d->oid);
    codec_put_u32(b, d->table_id);
    codec_put_bytes(b, d->name, strlen(d->name));
    bool ex = has_exprs(d);
    codec_put_u8(b, (uint8_t)((d->unique ? 1 : 0) | (d->constraint ? 2 : 0) | (d->gin ? 4 : 0) |
                              (ex ? 8 : 0)));
    codec_put_u8(b, (uint8_t)d->ncols);
    for (int i = 0; i < d->ncols; i++) {
        codec_put_u16(b, d->expr[i] ? 0 : d->col[i]);
        codec_put_u8(b, d->opt[i]);
        if (d->expr[i]) codec_put_bytes(b, d->expr[i], strlen(d->expr[i]));
    }
    codec_put_u8(b, (uint8_t)d->ninclude);
    for (int i = 0; i < d->ninclude; i++) codec_put_u16(b, d->include[i]);
    return b->err;
}

int sqlindex_decode(const uint8_t *p, size_t n, sqlindex_def **out, sqlerr *err)
{
    *out = NULL;
    codec_rd r;
    codec_rd_init(&r, p, n);
    uint8_t ver = 0, flags = 0, nc = 0, ni = 0;
    const uint8_t *name = NULL;
    size_t namelen = 0;
    sqlindex_def *d = calloc(1, sizeof *d);
    if (!d) return sqlerr_oom(err);
    codec_get_u8(&r, &ver);
    codec_get_u64(&r, &d->gen);
    codec_get_u32(&r, &d->oid);
    codec_get_u32(&r, &d->table_id);
    codec_get_bytes(&r, &name, &namelen, SQLSCHEMA_NAME_MAX);
    codec_get_u8(&r, &flags);
    codec_get_u8(&r, &nc);
    bool bad = r.err || ver != SQLINDEX_FORMAT || !d->oid || !d->table_id || !namelen ||
               (flags & ~15u) || ((flags & 4) && (nc != 1 || (flags & 9))) || nc < 1 ||
               nc > SQLINDEX_MAX_COLUMNS || memchr(name, 0, namelen);
    bool any_expr = false;
    for (int i = 0; !bad && i < nc; i++) {
        codec_get_u16(&r, &d->col[i]);
        codec_get_u8(&r, &d->opt[i]);
        if (d->opt[i] & ~3u) bad = true;
        if (!bad && d->col[i] == 0) {
            const uint8_t *ep;
            size_t el;
            if (!(flags & 8) || codec_get_bytes(&r, &ep, &el, 4096) || el == 0 || memchr(ep, 0, el) ||
                !(d->expr[i] = malloc(el + 1))) {
                bad = true;
                break;
            }
            memcpy(d->expr[i], ep, el);
            d->expr[i][el] = 0;
            any_expr = true;
        }
    }
    if ((flags & 8) && !any_expr) bad = true;
    if (!bad) codec_get_u8(&r, &ni);
    if (ni > SQLINDEX_MAX_COLUMNS) bad = true;
    for (int i = 0; !bad && i < ni; i++) codec_get_u16(&r, &d->include[i]);
    if (bad || r.err || codec_rd_left(&r) != 0) {
        sqlindex_free(d);
        return sqlerr_set(err, "XX001", -1, "corrupt index definition in the catalog");
    }
    d->ncols = nc;
    d->ninclude = ni;
    d->unique = flags & 1;
    d->constraint = flags & 2;
    d->gin = flags & 4;
    d->name = malloc(namelen + 1);
    if (!d->name) {
        free(d);
        return sqlerr_oom(err);
    }
    memcpy(d->name, name, namelen);
    d->name[namelen] = 0;
    *out = d;
    return SQL_OK;
}

int sqlindex_order(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    if (!al || !bl || a[0] != SQLINDEX_FORMAT || b[0] != SQLINDEX_FORMAT) return 2;
    sqlindex_def *x = NULL, *y = NULL;
    sqlerr e;
    int c = 2;
    if (sqlindex_decode(a, al, &x, &e) == SQL_OK && sqlindex_decode(b, bl, &y, &e) == SQL_OK) {
        c = x->gen < y->gen ? -1 : x->gen > y->gen;
        if (!c) {
            size_t n = al < bl ? al : bl;
            c = memcmp(a, b, n);
            c = c ? (c < 0 ? -1 : 1) : (al > bl) - (al < bl);
        }
    }
    sqlindex_free(x);
    sqlindex_free(y);
    return c;
}

void sqlindex_catalog_key(uint8_t out[SQLINDEX_KEY_LEN], uint32_t oid)
{
    memcpy(out, SQLINDEX_KEY_PREFIX, 6);
    out[6] = (uint8_t)(oid >> 24);
    out[7] = (uint8_t)(oid >> 16);
    out[8] = (uint8_t)(oid >> 8);
    out[9] = (uint8_t)oid;
}

uint32_t sqlindex_key_oid(const uint8_t *key, size_t klen)
{
    if (klen != SQLINDEX_KEY_LEN || memcmp(key, SQLINDEX_KEY_PREFIX, 6) != 0) return 0;
    return (uint32_t)key[6] << 24 | (uint32_t)key[7] << 16 | (uint32_t)key[8] << 8 | key[9];
}

bool sqlindex_type_ok(sqlval_type t)
{
    switch (t) {
    case SQLVAL_BOOL:
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_OID:
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8:
    case SQLVAL_NUMERIC:
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NAME:
    case SQLVAL_CHAR:
    case SQLVAL_BPCHAR: /* unpadded text: trailing blanks do not count, as in comparisons */
    case SQLVAL_BYTEA:
    case SQLVAL_UUID:
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ: return true;
    default: return false;
    }
}

/* numeric text (sqlnum's canonical form: [-]digits[.digits], NaN, [-]Infinity): value =
 * 0.d1d2... x 10^exp with d1 != 0 */
static int put_numeric(codec_buf *b, const char *s, size_t len)
{
    if (len == 3 && !memcmp(s, "NaN", 3)) return codec_put_u8(b, 6);
    if (len == 8 && !memcmp(s, "Infinity", 8)) return codec_put_u8(b, 5);
    if (len == 9 && !memcmp(s, "-Infinity", 9)) return codec_put_u8(b, 1);
    bool neg = len && s[0] == '-';
    size_t j = neg || (len && s[0] == '+') ? 1 : 0, end = j;
    while (end < len && ((s[end] >= '0' && s[end] <= '9') || s[end] == '.')) end++;
    size_t point = end;
    for (size_t q = j; q < end; q++)
        if (s[q] == '.') {
            point = q;
            break;
        }
    size_t first = j;
    while (first < end && (s[first] == '0' || s[first] == '.')) first++;
    if (first >= end) return codec_put_u8(b, 3); /* zero */
    int64_t exp = first < point ? (int64_t)(point - first) : -(int64_t)(first - point - 1);
    size_t last = end;
    while (last > first && (s[last - 1] == '0' || s[last - 1] == '.')) last--;
    codec_put_u8(b, neg ? 2 : 4);
    uint32_t e = (uint32_t)(int32_t)exp ^ 0x80000000u;
    codec_put_u32(b, neg ? ~e : e);
    for (size_t k = first; k < last; k++) {
        if (s[k] == '.') continue;
        uint8_t d = (uint8_t)(s[k] - '0' + 1);
        codec_put_u8(b, neg ? (uint8_t)(0xFF - d) : d);
    }
    return codec_put_u8(b, neg ? 0xFF : 0x00);
}

int sqlindex_put_value(codec_buf *b, const sqlval *v, uint8_t opt, sqlerr *err)
{
    if (v->isnull) {
        codec_put_u8(b, (opt & SQLINDEX_NULLS_FIRST) ? 0x00 : 0x02);
        return b->err ? sqlerr_oom(err) : SQL_OK;
    }
    codec_put_u8(b, 0x01);
    size_t start = b->len;
    keycodec_value kv;
    int rc = 0;
    switch (v->type) {
    case SQLVAL_BOOL:
        kv.type = KEYCODEC_BOOL;
        kv.u.b = v->u.b;
        rc = keycodec_encode_value(b, &kv);
        break;
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_OID:
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ:
        kv.type = KEYCODEC_INT;
        kv.u.i = v->u.i;
        rc = keycodec_encode_value(b, &kv);
        break;
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8:
        kv.type = KEYCODEC_FLOAT;
        kv.u.f = v->u.f;
        rc = keycodec_encode_value(b, &kv);
        break;
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NAME:
    case SQLVAL_CHAR:
    case SQLVAL_BPCHAR:
        kv.type = KEYCODEC_TEXT;
        kv.u.s.p = (const uint8_t *)v->s;
        kv.u.s.len = v->s ? v->len : 0;
        rc = keycodec_encode_value(b, &kv);
        break;
    case SQLVAL_BYTEA:
    case SQLVAL_UUID:
        kv.type = KEYCODEC_BYTES;
        kv.u.s.p = (const uint8_t *)v->s;
        kv.u.s.len = v->s ? v->len : 0;
        rc = keycodec_encode_value(b, &kv);
        break;
    case SQLVAL_NUMERIC: rc = put_numeric(b, v->s ? v->s : "0", v->s ? v->len : 1); break;
    default:
        return sqlerr_set(err, "0A000", -1, "indexes on type %s are not supported",
                          sqlval_type_name(v->type));
    }
    if (rc < 0 || b->err) return sqlerr_oom(err);
    if (opt & SQLINDEX_DESC)
        for (size_t i = start; i < b->len; i++) b->data[i] = (uint8_t)~b->data[i];
    return SQL_OK;
}

int sqlindex_col_index(const sqlschema_table *t, uint16_t id)
{
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].id == id) return i;
    return -1;
}

/* ---- expression keys ---- */

struct sqlindex_exprs {
    sqlparse_result q[SQLINDEX_MAX_COLUMNS];
    const sqlast_expr *e[SQLINDEX_MAX_COLUMNS];
};

void sqlindex_exprs_free(sqlindex_exprs *x)
{
    if (!x) return;
    for (int k = 0; k < SQLINDEX_MAX_COLUMNS; k++) sqlparse_result_free(&x->q[k]);
    free(x);
}

static int precheck(const sqlast_expr *e, sqlerr *err)
{
    if (!e) return SQL_OK;
    if (e->kind == SQLAST_SUBLINK) return sqlerr_set(err, "0A000", -1, "cannot use subquery in index expression");
    if (e->kind == SQLAST_AGG) return sqlerr_set(err, "42803", -1, "aggregate functions are not allowed in index expressions");
    if (e->kind == SQLAST_WINFUNC) return sqlerr_set(err, "42P20", -1, "window functions are not allowed in index expressions");
    if (e->kind == SQLAST_FUNC && e->name && (!strcmp(e->name, "random") || !strcmp(e->name, "now") ||
                                              !strcmp(e->name, "clock_timestamp") || !strcmp(e->name, "gen_random_uuid") ||
                                              !strncmp(e->name, "uuid_generate_v1", 16) || !strcmp(e->name, "uuid_generate_v4")))
        return sqlerr_set(err, "42P17", -1, "functions in index expression must be marked IMMUTABLE");
    for (int i = 0; i < e->nargs; i++)
        if (precheck(e->args[i], err)) return SQL_ERR;
    return SQL_OK;
}

int sqlindex_exprs_bind(const sqlindex_def *d, const sqlschema_table *t, sqlindex_exprs **out,
                        sqlerr *err)
{
    *out = NULL;
    if (!has_exprs(d)) return SQL_OK;
    sqlindex_exprs *x = calloc(1, sizeof *x);
    if (!x) return sqlerr_oom(err);
    for (int k = 0; k < d->ncols; k++) {
        if (!d->expr[k]) continue;
        size_t n = strlen(d->expr[k]) + 16;
        char *sql = malloc(n);
        if (!sql) {
            sqlindex_exprs_free(x);
            return sqlerr_oom(err);
        }
        snprintf(sql, n, "SELECT (%s)", d->expr[k]);
        int rc = sqlparse_query(sql, &x->q[k], err);
        free(sql);
        if (rc || x->q[k].nstmts != 1 || x->q[k].stmts[0]->ntargets != 1 ||
            !x->q[k].stmts[0]->targets[0].expr) {
            sqlindex_exprs_free(x);
            return rc ? SQL_ERR : sqlerr_set(err, "42601", -1, "index expression does not parse");
        }
        sqlexpr_scope sc = {.table = t, .alias = t->name, .clause = "index expressions"};
        sqlast_expr *e = x->q[k].stmts[0]->targets[0].expr;
        /* what PostgreSQL refuses before it looks at names: subqueries, aggregates */
        if (precheck(e, err) || sqlexpr_bind(e, &sc, SQLVAL_UNKNOWN, err) ||
            sqlindex_expr_check(e, err)) {
            if (err) err->position = 0; /* a position in our own SELECT text means nothing */
            sqlindex_exprs_free(x);
            return SQL_ERR;
        }
        x->e[k] = e;
    }
    *out = x;
    return SQL_OK;
}

const sqlast_expr *sqlindex_exprs_get(const sqlindex_exprs *x, int k)
{
    return x && k >= 0 && k < SQLINDEX_MAX_COLUMNS ? x->e[k] : NULL;
}

sqlval_type sqlindex_key_type(const sqlindex_def *d, const sqlindex_exprs *x,
                              const sqlschema_table *t, int k)
{
    if (k < 0 || k >= SQLINDEX_MAX_COLUMNS) return SQLVAL_UNKNOWN;
    const sqlast_expr *e = sqlindex_exprs_get(x, k);
    if (d->expr[k]) return e ? (e->type == SQLVAL_UNKNOWN ? SQLVAL_TEXT : e->type) : SQLVAL_UNKNOWN;
    int ci = sqlindex_col_index(t, d->col[k]);
    return ci >= 0 ? t->cols[ci].type : SQLVAL_UNKNOWN;
}

static void need_of(const sqlast_expr *e, bool *need, int ncols)
{
    if (!e) return;
    if (e->kind == SQLAST_COLUMN && !e->levelsup && e->colidx >= 0 && e->colidx < ncols)
        need[e->colidx] = true;
    for (int i = 0; i < e->nargs; i++) need_of(e->args[i], need, ncols);
}

void sqlindex_need(const sqlindex_def *d, const sqlindex_exprs *x, const sqlschema_table *t,
                   bool *need)
{
    for (int k = 0; k < d->ncols; k++) {
        if (d->expr[k]) {
            need_of(sqlindex_exprs_get(x, k), need, t->ncols);
            continue;
        }
        int ci = sqlindex_col_index(t, d->col[k]);
        if (ci >= 0) need[ci] = true;
    }
}

int sqlindex_expr_check(const sqlast_expr *e, sqlerr *err)
{
    if (!e) return SQL_OK;
    static const char *const immutable[] = {
        "lower", "upper", "btrim", "ltrim", "rtrim", "substr", "substring", "left", "right",
        "length", "char_length", "octet_length", "abs", "coalesce", "nullif", "md5", "lpad",
        "rpad", "replace", "split_part", "reverse", "initcap", "strpos", "position", "round",
        "trunc", "floor", "ceil", "ceiling", "sign", "mod", "greatest", "least",
        "jsonb_extract_path_text", "jsonb_extract_path", "jsonb_typeof", "array_length",
        "cardinality", "->", "->>", "#>", "#>>", "[]"};
    switch (e->kind) {
    case SQLAST_SUBLINK: return sqlerr_set(err, "0A000", e->location, "cannot use subquery in index expression");
    case SQLAST_AGG: return sqlerr_set(err, "42803", e->location, "aggregate functions are not allowed in index expressions");
    case SQLAST_WINFUNC: return sqlerr_set(err, "42P20", e->location, "window functions are not allowed in index expressions");
    case SQLAST_PARAM: return sqlerr_set(err, "42P02", e->location, "there is no parameter $%d", e->param);
    case SQLAST_FUNC: {
        bool ok = false;
        for (size_t i = 0; i < sizeof immutable / sizeof immutable[0] && !ok; i++)
            ok = !strcmp(e->name, immutable[i]);
        ok = ok || (!strncmp(e->name, "op", 2) && e->name[2] && strchr("&|#<>~", e->name[2]));
        if (!ok) return sqlerr_set(err, "42P17", e->location, "functions in index expression must be marked IMMUTABLE");
        break;
    }
    case SQLAST_CAST: {
        /* casts between text and the date/time types read DateStyle or TimeZone: stable */
        sqlval_type a = e->args[0]->type, b = e->cast_type;
        bool timey = sqldate_is_datetime(a) || sqldate_is_datetime(b) || a == SQLVAL_INTERVAL ||
                     b == SQLVAL_INTERVAL || sqlval_type_is_reg(a) || sqlval_type_is_reg(b);
        if (timey && a != b) return sqlerr_set(err, "42P17", e->location, "functions in index expression must be marked IMMUTABLE");
        break;
    }
    default: break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (sqlindex_expr_check(e->args[i], err)) return SQL_ERR;
    return SQL_OK;
}

int sqlindex_put_prefix(codec_buf *b, const sqlindex_def *d, const sqlschema_table *t,
                        const sqlindex_exprs *x, const sqlval *vals, bool *has_null,
                        sqlerr *err)
{
    *has_null = false;
    codec_put_u32(b, d->oid);
    for (int k = 0; k < d->ncols; k++) {
        sqlval null, ev;
        sqlval_init_null(&null, SQLVAL_UNKNOWN);
        const sqlval *v = &null;
        bool owned = false;
        if (d->expr[k]) {
            const sqlast_expr *e = sqlindex_exprs_get(x, k);
            if (!e) return sqlerr_set(err, "XX000", -1, "index \"%s\": expression not bound", d->name);
            sqlexpr_ctx c;
            memset(&c, 0, sizeof c);
            c.row = vals;
            c.nrow = t->ncols;
            c.table = t;
            if (sqlexpr_eval(e, &c, &ev, err)) return SQL_ERR;
            if (ev.type == SQLVAL_UNKNOWN && !ev.isnull) ev.type = SQLVAL_TEXT;
            v = &ev;
            owned = true;
        } else {
            int ci = sqlindex_col_index(t, d->col[k]);
            if (ci >= 0) v = &vals[ci];
        }
        if (v->isnull) *has_null = true;
        int rc = sqlindex_put_value(b, v, d->opt[k], err);
        if (owned) sqlval_free(&ev);
        if (rc) return SQL_ERR;
    }
    return b->err ? sqlerr_oom(err) : SQL_OK;
}

void sqlindex_keytext(const sqlindex_def *d, const sqlschema_table *t, const sqlindex_exprs *x,
                      const sqlval *vals, char *out, size_t cap)
{
    size_t o = (size_t)snprintf(out, cap, "(");
    for (int k = 0; k < d->ncols && o < cap; k++) {
        int ci = sqlindex_col_index(t, d->col[k]);
        o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? ", " : "",
                              d->expr[k] ? d->expr[k] : ci >= 0 ? t->cols[ci].name : "?");
    }
    if (o < cap) o += (size_t)snprintf(out + o, cap - o, ")=(");
    for (int k = 0; k < d->ncols && o < cap; k++) {
        int ci = sqlindex_col_index(t, d->col[k]);
        char *txt = NULL;
        size_t tl = 0;
        const sqlast_expr *e = d->expr[k] ? sqlindex_exprs_get(x, k) : NULL;
        if (e) {
            sqlexpr_ctx c;
            memset(&c, 0, sizeof c);
            c.row = vals;
            c.nrow = t->ncols;
            c.table = t;
            sqlval ev;
            if (sqlexpr_eval(e, &c, &ev, NULL) == SQL_OK) {
                if (ev.isnull || sqlval_to_text(&ev, &txt, &tl, NULL)) txt = NULL;
                sqlval_free(&ev);
            }
        } else if (ci < 0 || vals[ci].isnull || sqlval_to_text(&vals[ci], &txt, &tl, NULL)) {
            txt = NULL;
        }
        o += (size_t)snprintf(out + o, cap - o, "%s%.*s", k ? ", " : "", (int)(txt ? tl : 4),
                              txt ? txt : "null");
        free(txt);
    }
    if (o < cap) snprintf(out + o, cap - o, ")");
}

/* ------------------------------------------------------------------ the registry */

typedef struct reg_index {
    sqlindex_def *def;
    sqlindex_exprs *bx;               /* its expression keys bound over bx_for (lazily) */
    const sqlschema_table *bx_for;
    bool unbound;                     /* they do not bind: no entries, not usable */
    bool ready, failed;
    bool fresh;          /* defined while the node runs (not found at open): its build logs */
    uint64_t rows;
    uint64_t logged_ms;  /* the last progress line */
} reg_index;

typedef struct reg_table {
    uint32_t id;
    sqlschema_table *t;
} reg_table;

struct sqlindex_reg {
    pthread_mutex_t mu;
    reg_table *tables;
    size_t ntables, captables;
    reg_index *ix;
    size_t nix, capix;
    void (*on_ready)(void *ctx, uint32_t oid);
    void *on_ready_ctx;
    bool running; /* storage is open: catalog entries from now on are new definitions */
};

sqlindex_reg *sqlindex_reg_new(void)
{
    sqlindex_reg *r = calloc(1, sizeof *r);
    if (r) pthread_mutex_init(&r->mu, NULL);
    return r;
}

void sqlindex_reg_free(sqlindex_reg *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ntables; i++) sqlschema_free(r->tables[i].t);
    for (size_t i = 0; i < r->nix; i++) {
        sqlindex_free(r->ix[i].def);
        sqlindex_exprs_free(r->ix[i].bx);
    }
    free(r->tables);
    free(r->ix);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

void sqlindex_reg_on_ready(sqlindex_reg *r, void (*fn)(void *ctx, uint32_t oid), void *ctx)
{
    pthread_mutex_lock(&r->mu);
    r->on_ready = fn;
    r->on_ready_ctx = ctx;
    r->running = true;
    pthread_mutex_unlock(&r->mu);
}

static reg_table *reg_table_find(sqlindex_reg *r, uint32_t id)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (r->tables[i].id == id) return &r->tables[i];
    return NULL;
}

static reg_index *reg_ix_find(sqlindex_reg *r, uint32_t oid)
{
    for (size_t i = 0; i < r->nix; i++)
        if (r->ix[i].def->oid == oid) return &r->ix[i];
    return NULL;
}

static bool tomb(const uint8_t *v, size_t n)
{
    return !v || (n == 1 && v[0] == 0);
}

static int hook_catalog(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val,
                        size_t vlen, uint32_t *oid, uint32_t *table_id, bool *live)
{
    sqlindex_reg *r = ctx;
    *oid = 0;
    *table_id = 0;
    *live = false;
    int rc = 0;
    pthread_mutex_lock(&r->mu);
    uint32_t ioid = sqlindex_key_oid(key, klen);
    if (ioid) {
        reg_index *x = reg_ix_find(r, ioid);
        *oid = ioid;
        if (tomb(val, vlen)) {
            if (x) {
                *table_id = x->def->table_id;
                sqlindex_free(x->def);
                sqlindex_exprs_free(x->bx);
                *x = r->ix[--r->nix];
            }
        } else {
            sqlindex_def *d;
            sqlerr e;
            if (sqlindex_decode(val, vlen, &d, &e)) {
                rc = -1;
            } else if (x) {
                sqlindex_free(x->def); /* a RENAME: same oid, same entries */
                sqlindex_exprs_free(x->bx);
                x->bx = NULL;
                x->bx_for = NULL;
                x->def = d;
                *live = true;
                *table_id = d->table_id;
            } else {
                if (r->nix == r->capix) {
                    size_t nc = r->capix ? r->capix * 2 : 8;
                    reg_index *nv = realloc(r->ix, nc * sizeof *nv);
                    if (!nv) {
                        sqlindex_free(d);
                        rc = -1;
                        goto out;
                    }
                    r->ix = nv;
                    r->capix = nc;
                }
                r->ix[r->nix++] = (reg_index){.def = d, .fresh = r->running};
                *live = true;
                *table_id = d->table_id;
            }
        }
    } else if (klen == 10 && !memcmp(key, "table.", 6)) {
        uint32_t id = (uint32_t)key[6] << 24 | (uint32_t)key[7] << 16 | (uint32_t)key[8] << 8 | key[9];
        reg_table *t = reg_table_find(r, id);
        sqlschema_table *nt = NULL;
        for (size_t i = 0; i < r->nix; i++) /* bound over the old definition */
            if (r->ix[i].def->table_id == id) {
                sqlindex_exprs_free(r->ix[i].bx);
                r->ix[i].bx = NULL;
                r->ix[i].bx_for = NULL;
            }
        sqlerr e;
        if (!tomb(val, vlen) && sqlschema_decode(val, vlen, &nt, &e)) {
            rc = -1;
            goto out;
        }
        if (t) {
            sqlschema_free(t->t);
            if (nt) {
                t->t = nt;
            } else {
                *t = r->tables[--r->ntables];
            }
        } else if (nt) {
            if (r->ntables == r->captables) {
                size_t nc = r->captables ? r->captables * 2 : 16;
                reg_table *nv = realloc(r->tables, nc * sizeof *nv);
                if (!nv) {
                    sqlschema_free(nt);
                    rc = -1;
                    goto out;
                }
                r->tables = nv;
                r->captables = nc;
            }
            r->tables[r->ntables++] = (reg_table){.id = id, .t = nt};
        }
    }
out:
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static int hook_keys(void *ctx, uint32_t table_id, const uint8_t *pk, size_t pklen,
                     const uint8_t *state, size_t len, uint32_t only, storage_index_keys *out)
{
    sqlindex_reg *r = ctx;
    int rc = 0;
    sqlval *vals = NULL;
    bool *need = NULL;
    codec_buf b;
    codec_buf_init(&b);
    pthread_mutex_lock(&r->mu);
    reg_table *rt = reg_table_find(r, table_id);
    if (!rt) goto out;
    const sqlschema_table *t = rt->t;
    need = calloc((size_t)t->ncols + 1, sizeof *need);
    if (!need) {
        rc = -1;
        goto out;
    }
    bool any = false;
    for (size_t i = 0; i < r->nix; i++) {
        reg_index *x = &r->ix[i];
        const sqlindex_def *d = x->def;
        if (d->table_id != table_id || (only && d->oid != only)) continue;
        if (x->bx_for != t) { /* expression keys: bound once per table definition */
            sqlerr be;
            sqlindex_exprs_free(x->bx);
            x->bx = NULL;
            x->bx_for = t;
            x->unbound = sqlindex_exprs_bind(d, t, &x->bx, &be) != SQL_OK;
            if (x->unbound)
                log_msg(CONFIG_LOG_ERROR, "index", "index \"%s\": its expression no longer binds "
                        "over table %u (%s); the index is not kept until it is dropped",
                        d->name, table_id, be.message);
        }
        if (x->unbound) continue; /* never fail a commit (or a peer's entry) over an index */
        sqlindex_need(d, x->bx, t, need);
        any = true;
    }
    if (!any) goto out;
    sqlerr e;
    int vr = sqlrun_row_values_some(t, need, pk, pklen, state, len, &vals, &e);
    if (vr == 1) goto out; /* invisible (deleted) row: no entries */
    if (vr) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < r->nix && rc == 0; i++) {
        const sqlindex_def *d = r->ix[i].def;
        if (d->table_id != table_id || (only && d->oid != only) || r->ix[i].unbound) continue;
        if (d->gin) { /* an entry per element of the set */
            int ci = sqlindex_col_index(t, d->col[0]);
            const sqlval *a = ci >= 0 ? &vals[ci] : NULL;
            for (size_t k = 0; a && !a->isnull && k < a->narr && rc == 0; k++) {
                if (!a->arr[k]) continue;
                sqlval ev;
                sqlval_init_null(&ev, SQLVAL_TEXT);
                ev.isnull = false;
                ev.s = a->arr[k];
                ev.len = strlen(a->arr[k]);
                codec_buf_reset(&b);
                codec_put_u32(&b, d->oid);
                if (sqlindex_put_value(&b, &ev, 0, &e)) rc = -1;
                codec_put_raw(&b, pk, pklen);
                if (rc == 0 && (b.err || storage_index_keys_add(out, b.data, b.len, 0) < 0)) rc = -1;
            }
            continue;
        }
        codec_buf_reset(&b);
        bool has_null;
        if (sqlindex_put_prefix(&b, d, t, r->ix[i].bx, vals, &has_null, &e)) {
            if (!strcmp(e.code, "53200")) {
                rc = -1;
                break;
            }
            /* an expression that fails on this row (a division by zero in a merged row no
             * region wrote as such): no entry, the same in every region; a commit, and above
             * all a peer's entry, is never refused over it */
            continue;
        }
        size_t prefix = b.len;
        codec_put_raw(&b, pk, pklen);
        if (b.err || storage_index_keys_add(out, b.data, b.len, d->unique && !has_null ? prefix : 0) < 0)
            rc = -1;
    }
out:
    if (vals && rt) {
        for (int i = 0; i < rt->t->ncols; i++) sqlval_free(&vals[i]);
        free(vals);
    }
    pthread_mutex_unlock(&r->mu);
    free(need);
    codec_buf_free(&b);
    return rc;
}

static void hook_ready(void *ctx, uint32_t oid, uint64_t rows)
{
    sqlindex_reg *r = ctx;
    pthread_mutex_lock(&r->mu);
    reg_index *x = reg_ix_find(r, oid);
    if (x && rows == UINT64_MAX) {
        x->failed = true;
        log_msg(CONFIG_LOG_ERROR, "index", "index \"%s\": build failed: a row could not be read "
                "(retried at the next start)", x->def->name);
    } else if (x) {
        x->ready = true;
        x->rows = rows;
        if (x->fresh) log_msg(CONFIG_LOG_INFO, "index", "index \"%s\" built: %llu rows", x->def->name,
                              (unsigned long long)rows);
    }
    void (*fn)(void *, uint32_t) = r->on_ready;
    void *fctx = r->on_ready_ctx;
    pthread_mutex_unlock(&r->mu);
    if (fn) fn(fctx, oid);
}

static void hook_progress(void *ctx, uint32_t oid, uint64_t rows)
{
    sqlindex_reg *r = ctx;
    pthread_mutex_lock(&r->mu);
    reg_index *x = reg_ix_find(r, oid);
    if (x) {
        x->rows = rows;
        x->fresh = true; /* a build resumed at open reports its end too */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        if (!x->logged_ms) x->logged_ms = now; /* a build shorter than a second says nothing */
        else if (now - x->logged_ms >= 1000) {
            x->logged_ms = now;
            log_msg(CONFIG_LOG_INFO, "index", "index \"%s\": build in progress, %llu rows indexed",
                    x->def->name, (unsigned long long)rows);
        }
    }
    pthread_mutex_unlock(&r->mu);
}

static void hook_conflict(void *ctx, const uint8_t *key, size_t klen, char *msg, size_t cap)
{
    sqlindex_reg *r = ctx;
    if (klen < 4) return;
    uint32_t oid = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
    pthread_mutex_lock(&r->mu);
    reg_index *x = reg_ix_find(r, oid);
    /* the constraint's name alone: the SQL layer words the 23505 around it */
    if (x) snprintf(msg, cap, "%s", x->def->name);
    pthread_mutex_unlock(&r->mu);
}

int sqlindex_reg_keys(sqlindex_reg *r, uint32_t table_id, const uint8_t *pk, size_t pklen,
                      const uint8_t *state, size_t len, uint32_t only, storage_index_keys *out)
{
    return hook_keys(r, table_id, pk, pklen, state, len, only, out);
}

void sqlindex_reg_hooks(sqlindex_reg *r, storage_index_hooks *h)
{
    h->catalog = hook_catalog;
    h->keys = hook_keys;
    h->ready = hook_ready;
    h->progress = hook_progress;
    h->conflict = hook_conflict;
    h->ctx = r;
}

int sqlindex_reg_state(sqlindex_reg *r, uint32_t oid)
{
    pthread_mutex_lock(&r->mu);
    reg_index *x = reg_ix_find(r, oid);
    int st = !x ? -1 : x->ready ? 1 : x->failed ? 2 : 0;
    pthread_mutex_unlock(&r->mu);
    return st;
}

bool sqlindex_reg_ready(sqlindex_reg *r, uint32_t oid, uint64_t *rows)
{
    pthread_mutex_lock(&r->mu);
    reg_index *x = reg_ix_find(r, oid);
    bool ok = x && x->ready && !x->unbound;
    if (rows) *rows = x ? x->rows : 0;
    pthread_mutex_unlock(&r->mu);
    return ok;
}
