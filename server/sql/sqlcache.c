/*
 * server/sql/sqlcache.c — the statement cache. See sqlcache.h.
 *
 * A fixed array of entries scanned linearly: with a few hundred entries a scan comparing
 * 64-bit hashes first costs far less than one parse, and it needs no hash table to keep
 * consistent under eviction.
 *
 * Literal shapes. A simple-protocol client sends `... WHERE id = 42`, then `... id = 43`:
 * every text is new, so an exact-text cache never hits. shape_lex() turns a text into its
 * shape (short integer literals and plain '...' strings replaced by a marker) plus the list
 * of those literals; a shape entry keeps the tree parsed from the first text of that shape
 * (the template) and its literal positions. A later text of the same shape gets a copy of
 * the template with the literal constants replaced by its own and every location re-pointed
 * at its own text, which is what parsing it would have produced:
 *   - only literals whose constant node the parser builds from the literal alone are
 *     replaced: an integer of at most 9 digits becomes an int4 constant, a '...' string of
 *     printable ASCII (no backslash) an unknown-typed text constant, exactly as conv_const
 *     does. Anything else (longer or signed numbers, decimals, E'', $$, U&'') stays in the
 *     shape verbatim, so it must match exactly.
 *   - when a shape is first seen, its parse is checked: every literal must be the location
 *     of at least one constant node, and every constant node at a literal's location must
 *     hold exactly that literal's value. A shape failing the check (`-5` folded into one
 *     constant, a literal that became a type modifier or a SET value, adjacent strings
 *     concatenated) is remembered as literal-dependent and its texts are cached exactly.
 *   - the rest of the text is identical between two texts of one shape, so their parse
 *     trees differ only in those constants and in locations after a literal whose length
 *     changed.
 */
#include "server/sql/sqlcache.h"

#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct lit {
    int off, len; /* the literal's bytes in its text, quotes included */
    char kind;    /* 'i' integer, 's' string */
} lit;

typedef struct entry {
    char *sql; /* NULL: free slot; a shape entry holds the shape */
    uint64_t hash;
    uint64_t used; /* clock of the last hit */
    bool shape;
    bool literal_dependent; /* shape entry whose parse failed the check: no template */
    lit *lits;              /* shape entry: the template text's literals */
    int nlits;
    sqlparse_result parsed;
} entry;

struct sqlcache {
    pthread_mutex_t mu; /* everything below; never held while parsing */
    entry *e;
    int cap;
    uint64_t clock;
    sqlcache_stats st;
};

sqlcache *sqlcache_new(int cap)
{
    sqlcache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cap = cap > 0 ? cap : 1;
    c->e = calloc((size_t)c->cap, sizeof *c->e);
    if (!c->e) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

static void entry_drop(entry *e)
{
    free(e->sql);
    free(e->lits);
    sqlparse_result_free(&e->parsed);
    memset(e, 0, sizeof *e);
}

void sqlcache_clear(sqlcache *c)
{
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < c->cap; i++)
        if (c->e[i].sql) entry_drop(&c->e[i]);
    c->st.entries = 0;
    c->st.invalidations++;
    pthread_mutex_unlock(&c->mu);
}

void sqlcache_free(sqlcache *c)
{
    if (!c) return;
    for (int i = 0; i < c->cap; i++) entry_drop(&c->e[i]);
    free(c->e);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Deep copy of a result; on failure *dst is empty. */
static int copy_result(sqlparse_result *dst, const sqlparse_result *src, sqlerr *err)
{
    dst->nstmts = 0;
    dst->stmts = calloc((size_t)src->nstmts + 1, sizeof *dst->stmts);
    if (!dst->stmts) return sqlerr_oom(err);
    for (; dst->nstmts < src->nstmts; dst->nstmts++)
        if (!(dst->stmts[dst->nstmts] = sqlast_stmt_dup(src->stmts[dst->nstmts]))) {
            sqlparse_result_free(dst);
            return sqlerr_oom(err);
        }
    return SQL_OK;
}

/* ---- shapes ---------------------------------------------------------------------------- */

#define SHAPE_MAX_LITS 256
#define SHAPE_MARK '\x01' /* never in a text that is normalised (checked) */

static bool ident_char(unsigned char ch)
{
    return ch == '_' || ch == '$' || ch >= 0x80 || (ch >= '0' && ch <= '9') ||
           (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* End (exclusive) of a '...' string starting at i; backslash escapes when esc (E'...').
 * n when unterminated. */
static size_t string_end(const char *q, size_t n, size_t i, bool esc)
{
    for (i++; i < n; i++) {
        if (esc && q[i] == '\\' && i + 1 < n) {
            i++;
        } else if (q[i] == '\'') {
            if (i + 1 < n && q[i + 1] == '\'') i++;
            else return i + 1;
        }
    }
    return n;
}

/* The shape of q[0..n): *key (malloc'd, NUL-terminated) and the replaced literals (*lits,
 * malloc'd, *nlits). Returns 0, 1 when the text has no replaceable literal or cannot be
 * normalised (no key then), -1 when out of memory. */
static int shape_lex(const char *q, size_t n, char **key, lit **lits, int *nlits)
{
    *key = NULL;
    *lits = NULL;
    *nlits = 0;
    if (memchr(q, SHAPE_MARK, n)) return 1;
    char *k = malloc(2 * n + 1);
    lit *l = malloc(SHAPE_MAX_LITS * sizeof *l);
    if (!k || !l) {
        free(k);
        free(l);
        return -1;
    }
    size_t o = 0, i = 0;
    int nl = 0;
    while (i < n) {
        unsigned char ch = (unsigned char)q[i];
        size_t end = i + 1;
        if (ch == '-' && i + 1 < n && q[i + 1] == '-') {
            while (end < n && q[end] != '\n') end++;
        } else if (ch == '/' && i + 1 < n && q[i + 1] == '*') {
            int depth = 1; /* PostgreSQL nests block comments */
            for (end = i + 2; end < n && depth > 0; end++) {
                if (q[end] == '*' && end + 1 < n && q[end + 1] == '/') {
                    depth--;
                    end++;
                } else if (q[end] == '/' && end + 1 < n && q[end + 1] == '*') {
                    depth++;
                    end++;
                }
            }
        } else if (ch == '"') {
            for (; end < n; end++) {
                if (q[end] != '"') continue;
                if (end + 1 < n && q[end + 1] == '"') end++;
                else {
                    end++;
                    break;
                }
            }
        } else if (ch == '$' && i + 1 < n && !(i > 0 && ident_char((unsigned char)q[i - 1]))) {
            /* $n parameter or $tag$...$tag$ */
            size_t t = i + 1;
            if (q[t] >= '0' && q[t] <= '9') {
                while (t < n && q[t] >= '0' && q[t] <= '9') t++;
                end = t;
            } else {
                while (t < n && q[t] != '$' && ident_char((unsigned char)q[t])) t++;
                if (t < n && q[t] == '$') {
                    size_t tl = t + 1 - i;
                    const char *close = NULL;
                    for (size_t j = t + 1; j + tl <= n; j++)
                        if (q[j] == '$' && !memcmp(q + j, q + i, tl)) {
                            close = q + j;
                            break;
                        }
                    end = close ? (size_t)(close - q) + tl : n;
                }
            }
        } else if (ch == '\'') {
            bool prefixed = i > 0 && (ident_char((unsigned char)q[i - 1]) || q[i - 1] == '&');
            bool esc = prefixed && (q[i - 1] == 'e' || q[i - 1] == 'E');
            end = string_end(q, n, i, esc);
            bool plain = !prefixed && end <= n && end - i >= 2 && q[end - 1] == '\'';
            for (size_t j = i + 1; plain && j + 1 < end; j++)
                if (q[j] < 0x20 || q[j] > 0x7e || q[j] == '\\') plain = false;
            /* 'a' 'b' on two lines is one constant: leave such texts to the check */
            if (plain && nl < SHAPE_MAX_LITS) {
                l[nl++] = (lit){(int)i, (int)(end - i), 's'};
                k[o++] = SHAPE_MARK;
                k[o++] = 's';
                i = end;
                continue;
            }
        } else if (ch >= '0' && ch <= '9' && !(i > 0 && (ident_char((unsigned char)q[i - 1]) ||
                                                         q[i - 1] == '.'))) {
            while (end < n && q[end] >= '0' && q[end] <= '9') end++;
            bool tail = end < n && (ident_char((unsigned char)q[end]) || q[end] == '.');
            if (!tail && end - i <= 9 && nl < SHAPE_MAX_LITS) {
                l[nl++] = (lit){(int)i, (int)(end - i), 'i'};
                k[o++] = SHAPE_MARK;
                k[o++] = 'i';
                i = end;
                continue;
            }
            while (end < n && (ident_char((unsigned char)q[end]) || q[end] == '.')) end++;
        } else if (ident_char(ch)) {
            while (end < n && ident_char((unsigned char)q[end])) end++;
        }
        if (end > n) end = n;
        memcpy(k + o, q + i, end - i);
        o += end - i;
        i = end;
    }
    k[o] = 0;
    if (nl == 0) {
        free(k);
        free(l);
        return 1;
    }
    *key = k;
    *lits = l;
    *nlits = nl;
    return 0;
}

/* The constant a literal stands for, as sqlparse's conv_const builds it. */
static int lit_value(const char *q, const lit *l, sqlval *out, sqlerr *err)
{
    if (l->kind == 'i') {
        int64_t v = 0;
        for (int j = 0; j < l->len; j++) v = v * 10 + (q[l->off + j] - '0');
        sqlval_set_int(out, SQLVAL_INT4, v);
        return SQL_OK;
    }
    char *buf = malloc((size_t)l->len);
    if (!buf) return sqlerr_oom(err);
    size_t bl = 0;
    for (int j = l->off + 1; j < l->off + l->len - 1; j++) {
        buf[bl++] = q[j];
        if (q[j] == '\'') j++; /* '' */
    }
    int rc = sqlval_set_str(out, SQLVAL_UNKNOWN, buf, bl, err);
    free(buf);
    return rc;
}

/* Index of the literal starting at loc, or -1. */
static int lit_at(const lit *l, int nl, int loc)
{
    int lo = 0, hi = nl - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (l[mid].off == loc) return mid;
        if (l[mid].off < loc) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

typedef struct check_ctx {
    const char *q;
    const lit *l;
    int nl;
    int *seen;
    bool bad;
} check_ctx;

static void check_node(void *arg, sqlast_expr *e, int *location)
{
    check_ctx *c = arg;
    if (!e || e->kind != SQLAST_CONST || c->bad) return;
    int i = lit_at(c->l, c->nl, *location);
    if (i < 0) return;
    sqlval want;
    sqlerr ignore;
    sqlval_init_null(&want, SQLVAL_UNKNOWN);
    if (lit_value(c->q, &c->l[i], &want, &ignore)) {
        c->bad = true;
        return;
    }
    const sqlval *v = &e->value;
    bool same = !v->isnull && v->type == want.type && e->type == want.type &&
                (want.type == SQLVAL_INT4 ? v->u.i == want.u.i
                                          : v->len == want.len && v->s &&
                                                !memcmp(v->s, want.s, want.len));
    sqlval_free(&want);
    if (!same) c->bad = true;
    else c->seen[i]++;
}

/* Whether r, parsed from q, is a valid template for q's shape (see the file comment). */
static bool template_ok(const sqlparse_result *r, const char *q, const lit *l, int nl)
{
    for (int i = 0; i < r->nstmts; i++) /* keeps its text: only its own text may serve it */
        if (r->stmts[i]->kind == SQLAST_CREATE_VIEW) return false;
    int *seen = calloc((size_t)nl, sizeof *seen);
    if (!seen) return false;
    check_ctx c = {q, l, nl, seen, false};
    for (int i = 0; i < r->nstmts && !c.bad; i++) sqlast_stmt_walk(r->stmts[i], check_node, &c);
    for (int i = 0; i < nl && !c.bad; i++)
        if (!seen[i]) c.bad = true;
    free(seen);
    return !c.bad;
}

typedef struct inst_ctx {
    const char *q; /* the new text */
    const lit *tl; /* template literals */
    const lit *nl; /* the new text's literals (same count and kinds) */
    int n;
    int rc;
    sqlerr *err;
} inst_ctx;

/* A template location in the new text: shifted by the length changes of the literals
 * before it (a location inside a literal stays at the same distance from its start). */
static int map_loc(const inst_ctx *c, int p)
{
    if (p < 0) return p;
    int delta = 0;
    for (int k = 0; k < c->n; k++) {
        if (p >= c->tl[k].off + c->tl[k].len) {
            delta += c->nl[k].len - c->tl[k].len;
        } else if (p >= c->tl[k].off) {
            int in = p - c->tl[k].off;
            return c->nl[k].off + (in < c->nl[k].len ? in : c->nl[k].len - 1);
        } else {
            break;
        }
    }
    return p + delta;
}

static void inst_node(void *arg, sqlast_expr *e, int *location)
{
    inst_ctx *c = arg;
    if (c->rc) return;
    if (e && e->kind == SQLAST_CONST) {
        int i = lit_at(c->tl, c->n, *location);
        if (i >= 0) {
            sqlval_free(&e->value);
            sqlval_init_null(&e->value, SQLVAL_UNKNOWN);
            if (lit_value(c->q, &c->nl[i], &e->value, c->err)) {
                c->rc = SQL_ERR;
                return;
            }
            e->type = e->value.type;
        }
    }
    *location = map_loc(c, *location);
}

/* ---- the cache ---------------------------------------------------------------------------- */

static entry *lookup(sqlcache *c, const char *key, uint64_t h, bool shape)
{
    for (int i = 0; i < c->cap; i++) {
        entry *e = &c->e[i];
        if (e->sql && e->hash == h && e->shape == shape && !strcmp(e->sql, key)) return e;
    }
    return NULL;
}

/* A free or the least recently used slot, emptied. */
static entry *slot_for_insert(sqlcache *c)
{
    int slot = 0;
    for (int i = 0; i < c->cap; i++) {
        if (!c->e[i].sql) {
            slot = i;
            break;
        }
        if (c->e[i].used < c->e[slot].used) slot = i;
    }
    entry *e = &c->e[slot];
    if (e->sql) {
        entry_drop(e);
        c->st.entries--;
    }
    return e;
}

/* Keeps a private copy of r under key (the caller binds into and frees its own tree); not
 * caching is not an error. Takes key and lits. */
static void insert(sqlcache *c, char *key, uint64_t h, bool shape, bool dependent, lit *lits,
                   int nlits, const sqlparse_result *r)
{
    entry *e = slot_for_insert(c);
    sqlerr ignored;
    e->sql = key;
    e->lits = lits;
    e->nlits = nlits;
    if (!e->sql || (!dependent && copy_result(&e->parsed, r, &ignored))) {
        entry_drop(e);
        return;
    }
    e->hash = h;
    e->shape = shape;
    e->literal_dependent = dependent;
    e->used = c->clock;
    c->st.entries++;
}

/* A copy of a shape entry's template re-pointed at q with literals l. */
static int instantiate(const entry *e, const char *q, const lit *l, sqlparse_result *out,
                       sqlerr *err)
{
    int rc = copy_result(out, &e->parsed, err);
    if (rc) return rc;
    inst_ctx c = {q, e->lits, l, e->nlits, SQL_OK, err};
    for (int i = 0; i < out->nstmts && !c.rc; i++) {
        sqlast_stmt *s = out->stmts[i];
        int end = s->location + s->length;
        sqlast_stmt_walk(s, inst_node, &c);
        s->length = map_loc(&c, end) - s->location;
        if (s->table_loc) s->table_loc = map_loc(&c, s->table_loc - 1) + 1;
    }
    if (c.rc) sqlparse_result_free(out);
    return c.rc;
}

int sqlcache_parse(sqlcache *c, const char *sql, sqlparse_result *out, sqlerr *err)
{
    size_t n = strlen(sql);
    if (!c || n > SQLCACHE_MAX_TEXT) return sqlparse_query(sql, out, err);
    uint64_t h = fnv(sql, n);
    pthread_mutex_lock(&c->mu);
    c->clock++;
    entry *e = lookup(c, sql, h, false);
    if (e) {
        int rc = copy_result(out, &e->parsed, err);
        if (rc == SQL_OK) {
            e->used = c->clock;
            c->st.hits++;
        }
        pthread_mutex_unlock(&c->mu);
        return rc;
    }
    char *key = NULL;
    lit *lits = NULL;
    int nlits = 0;
    uint64_t kh = 0;
    if (shape_lex(sql, n, &key, &lits, &nlits) == 0) {
        kh = fnv(key, strlen(key));
        e = lookup(c, key, kh, true);
        if (e && !e->literal_dependent) {
            int rc = instantiate(e, sql, lits, out, err);
            free(key);
            free(lits);
            if (rc == SQL_OK) {
                e->used = c->clock;
                c->st.hits++;
                c->st.literal_hits++;
            }
            pthread_mutex_unlock(&c->mu);
            return rc;
        }
        if (e) { /* literal-dependent shape: exact texts only */
            e->used = c->clock;
            free(key);
            free(lits);
            key = NULL;
            lits = NULL;
        }
    }
    c->st.misses++;
    pthread_mutex_unlock(&c->mu);
    /* Parsed unlocked (other threads' hits go on); two threads missing the same text both
     * insert it, the later entry is never looked up and ages out. */
    int rc = sqlparse_query(sql, out, err);
    if (rc != SQL_OK) {
        free(key);
        free(lits);
        return rc;
    }
    pthread_mutex_lock(&c->mu);
    if (key) {
        bool ok = template_ok(out, sql, lits, nlits);
        insert(c, key, kh, true, !ok, lits, nlits, out);
        if (ok) {
            pthread_mutex_unlock(&c->mu);
            return SQL_OK;
        }
    }
    insert(c, strdup(sql), h, false, false, NULL, 0, out);
    pthread_mutex_unlock(&c->mu);
    return SQL_OK;
}

void sqlcache_get_stats(const sqlcache *c, sqlcache_stats *st)
{
    memset(st, 0, sizeof *st);
    if (!c) return;
    sqlcache *m = (sqlcache *)c;
    pthread_mutex_lock(&m->mu);
    *st = c->st;
    pthread_mutex_unlock(&m->mu);
}
