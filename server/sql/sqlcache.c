/*
 * server/sql/sqlcache.c — the statement cache. See sqlcache.h.
 *
 * A fixed array of entries scanned linearly: with a few hundred entries a scan comparing
 * 64-bit hashes first costs far less than one parse, and it needs no hash table to keep
 * consistent under eviction.
 */
#include "server/sql/sqlcache.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *sql; /* NULL: free slot */
    uint64_t hash;
    uint64_t used; /* clock of the last hit */
    sqlparse_result parsed;
} entry;

struct sqlcache {
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
    return c;
}

static void entry_drop(entry *e)
{
    free(e->sql);
    sqlparse_result_free(&e->parsed);
    memset(e, 0, sizeof *e);
}

void sqlcache_clear(sqlcache *c)
{
    if (!c) return;
    for (int i = 0; i < c->cap; i++)
        if (c->e[i].sql) entry_drop(&c->e[i]);
    c->st.entries = 0;
    c->st.invalidations++;
}

void sqlcache_free(sqlcache *c)
{
    if (!c) return;
    for (int i = 0; i < c->cap; i++) entry_drop(&c->e[i]);
    free(c->e);
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

int sqlcache_parse(sqlcache *c, const char *sql, sqlparse_result *out, sqlerr *err)
{
    size_t n = strlen(sql);
    if (!c || n > SQLCACHE_MAX_TEXT) return sqlparse_query(sql, out, err);
    uint64_t h = fnv(sql, n);
    c->clock++;
    for (int i = 0; i < c->cap; i++) {
        entry *e = &c->e[i];
        if (e->sql && e->hash == h && !strcmp(e->sql, sql)) {
            int rc = copy_result(out, &e->parsed, err);
            if (rc == SQL_OK) {
                e->used = c->clock;
                c->st.hits++;
            }
            return rc;
        }
    }
    c->st.misses++;
    int rc = sqlparse_query(sql, out, err);
    if (rc != SQL_OK) return rc;
    /* Keep a private copy: the caller binds into and frees its own tree. */
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
    sqlerr ignored;
    e->sql = strdup(sql);
    if (!e->sql || copy_result(&e->parsed, out, &ignored)) {
        entry_drop(e); /* not caching is not an error */
        return SQL_OK;
    }
    e->hash = h;
    e->used = c->clock;
    c->st.entries++;
    return SQL_OK;
}

void sqlcache_get_stats(const sqlcache *c, sqlcache_stats *st)
{
    memset(st, 0, sizeof *st);
    if (c) *st = c->st;
}
