/* tests/unit/sql/test_sqlcache.c — the statement cache: a repeated text is served from the
 * cache (hit counter) as an independent deep copy equal to a fresh parse; eviction, clear and
 * parse errors are not cached. Texts differing only in literals share a shape entry whose copy
 * equals a fresh parse of the new text (values, types, every location); texts whose parse
 * depends on a literal beyond its constant are never served from another text's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/sql/sqlcache.h"

#include <stdio.h>
#include <stdlib.h>

static const char *Q = "INSERT INTO t (a, b) VALUES ($1, 'x''y'), (2, DEFAULT) "
                       "ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b || 'z' WHERE t.a > 0 "
                       "RETURNING a, b AS bee";

static void test_hit_is_a_deep_equal_copy(void **state)
{
    (void)state;
    sqlcache *c = sqlcache_new(4);
    assert_non_null(c);
    sqlparse_result a, b;
    sqlerr err;
    assert_int_equal(sqlcache_parse(c, Q, &a, &err), SQL_OK);
    assert_int_equal(sqlcache_parse(c, Q, &b, &err), SQL_OK);
    sqlcache_stats st;
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 1);
    assert_int_equal(b.nstmts, 1);
    const sqlast_stmt *x = a.stmts[0], *y = b.stmts[0];
    assert_ptr_not_equal(x, y);
    assert_int_equal(y->kind, SQLAST_INSERT);
    assert_string_equal(y->table, "t");
    assert_ptr_not_equal(x->table, y->table);
    assert_int_equal(y->nrows, 2);
    assert_int_equal(y->nvalues, 2);
    assert_null(y->rows[1][1]); /* DEFAULT */
    assert_int_equal(y->rows[0][0]->kind, SQLAST_PARAM);
    assert_int_equal(y->on_conflict, SQLAST_CONFLICT_UPDATE);
    assert_int_equal(y->nconflict_set, 1);
    assert_int_equal(y->conflict_set[0].expr->kind, x->conflict_set[0].expr->kind);
    assert_int_equal(y->conflict_set[0].expr->args[0]->kind, SQLAST_EXCLUDED);
    assert_non_null(y->conflict_where);
    assert_int_equal(y->ntargets, 2);
    assert_string_equal(y->targets[1].name, "bee");
    assert_int_equal(y->nparams, 1);
    assert_int_equal(y->rows[0][1]->value.type, x->rows[0][1]->value.type);
    /* the copies are independent: freeing one leaves the other and the cache intact */
    sqlparse_result_free(&a);
    assert_string_equal(y->targets[0].expr->name, "a");
    sqlparse_result_free(&b);
    assert_int_equal(sqlcache_parse(c, Q, &a, &err), SQL_OK);
    assert_string_equal(a.stmts[0]->table, "t");
    sqlparse_result_free(&a);
    sqlcache_free(c);
}

static void test_clear_eviction_and_errors(void **state)
{
    (void)state;
    sqlcache *c = sqlcache_new(2);
    sqlparse_result r;
    sqlerr err;
    sqlcache_stats st;
    const char *q[] = {"SELECT a FROM t", "SELECT b FROM t", "SELECT c FROM t"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sqlcache_parse(c, q[i], &r, &err), SQL_OK);
        sqlparse_result_free(&r);
    }
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.misses, 3);
    /* q[0] was least recently used: evicted */
    assert_int_equal(sqlcache_parse(c, q[2], &r, &err), SQL_OK);
    sqlparse_result_free(&r);
    assert_int_equal(sqlcache_parse(c, q[0], &r, &err), SQL_OK);
    sqlparse_result_free(&r);
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 4);
    sqlcache_clear(c);
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.invalidations, 1);
    assert_int_equal(sqlcache_parse(c, q[0], &r, &err), SQL_OK);
    sqlparse_result_free(&r);
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.misses, 5);
    /* errors are re-parsed each time, with their SQLSTATE */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sqlcache_parse(c, "SELEC 1", &r, &err), SQL_ERR);
        assert_string_equal(err.code, "42601");
        assert_int_equal(r.nstmts, 0);
    }
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.entries, 1);
    sqlcache_free(c);
}

/* Flattens a tree into text: every visited location, node kind, type and constant value, so
 * that two trees compare with one string comparison. */
typedef struct dump {
    char buf[8192];
    size_t len;
} dump;

static void dump_node(void *arg, sqlast_expr *e, int *location)
{
    dump *d = arg;
    int w;
    if (!e) {
        w = snprintf(d->buf + d->len, sizeof d->buf - d->len, "@%d;", *location);
    } else if (e->kind == SQLAST_CONST) {
        char v[256] = "null";
        if (!e->value.isnull && e->value.s) snprintf(v, sizeof v, "'%s'", e->value.s);
        else if (!e->value.isnull) snprintf(v, sizeof v, "%lld", (long long)e->value.u.i);
        w = snprintf(d->buf + d->len, sizeof d->buf - d->len, "c@%d:%d/%d=%s;", *location,
                     (int)e->type, (int)e->value.type, v);
    } else {
        w = snprintf(d->buf + d->len, sizeof d->buf - d->len, "k%d@%d;", (int)e->kind,
                     *location);
    }
    assert_true(w > 0 && (size_t)w < sizeof d->buf - d->len);
    d->len += (size_t)w;
}

static char *dump_result(sqlparse_result *r)
{
    dump *d = calloc(1, sizeof *d);
    assert_non_null(d);
    for (int i = 0; i < r->nstmts; i++) {
        int w = snprintf(d->buf + d->len, sizeof d->buf - d->len, "[%d+%d]",
                         r->stmts[i]->location, r->stmts[i]->length);
        d->len += (size_t)w;
        sqlast_stmt_walk(r->stmts[i], dump_node, d);
    }
    char *s = strdup(d->buf);
    free(d);
    return s;
}

/* Parses a then b through one cache; b's tree must equal a fresh parse of b. Returns how
 * many literal hits b's lookup made (0 or 1). */
static int same_as_fresh(sqlcache *c, const char *a, const char *b)
{
    sqlparse_result ra, rb, fresh;
    sqlerr err;
    sqlcache_stats before, after;
    assert_int_equal(sqlcache_parse(c, a, &ra, &err), SQL_OK);
    sqlcache_get_stats(c, &before);
    assert_int_equal(sqlcache_parse(c, b, &rb, &err), SQL_OK);
    sqlcache_get_stats(c, &after);
    assert_int_equal(sqlparse_query(b, &fresh, &err), SQL_OK);
    char *x = dump_result(&rb), *y = dump_result(&fresh);
    assert_string_equal(x, y);
    free(x);
    free(y);
    sqlparse_result_free(&ra);
    sqlparse_result_free(&rb);
    sqlparse_result_free(&fresh);
    return (int)(after.literal_hits - before.literal_hits);
}

static void test_literal_shapes(void **state)
{
    (void)state;
    sqlcache *c = sqlcache_new(64);
    assert_non_null(c);
    /* served from the shape: values, types and shifted locations as a fresh parse */
    assert_int_equal(same_as_fresh(c, "SELECT * FROM c WHERE id = 42",
                                   "SELECT * FROM c WHERE id = 123456789"), 1);
    assert_int_equal(same_as_fresh(c, "UPDATE r SET v = 'v' || 7 WHERE id = 7 RETURNING v, 'x'",
                                   "UPDATE r SET v = 'it''s' || 70000 WHERE id = 1 RETURNING v, ''"),
                     1);
    assert_int_equal(same_as_fresh(c, "INSERT INTO t VALUES (1, 'a'), (2, 'b'); SELECT 5; "
                                      "SELECT a FROM t WHERE b = 'q' LIMIT 3",
                                   "INSERT INTO t VALUES (100, 'aaa'), (2, ''); SELECT 55555; "
                                   "SELECT a FROM t WHERE b = 'zz''z' LIMIT 30"),
                     1);
    /* literals inside comments, quoted identifiers, dollar quotes and parameters stay part
     * of the shape: a different one is a different shape (and still parses right) */
    assert_int_equal(same_as_fresh(c, "SELECT \"c1\", $1, $$5$$ FROM t /* 1 */ WHERE a = 1 -- 2",
                                   "SELECT \"c2\", $1, $$5$$ FROM t /* 1 */ WHERE a = 2 -- 2"),
                     0);
    assert_int_equal(same_as_fresh(c, "SELECT \"c1\", $1, $$5$$ FROM t /* 1 */ WHERE a = 1 -- 2",
                                   "SELECT \"c1\", $1, $$5$$ FROM t /* 1 */ WHERE a = 9 -- 2"),
                     1);
    /* decimals, long integers and escape strings are not replaced: texts must match */
    assert_int_equal(same_as_fresh(c, "SELECT 1.5, 12345678901, E'a\\'b', 1e-5",
                                   "SELECT 2.5, 12345678902, E'c\\'d', 1e-6"), 0);
    /* parses that depend on a literal beyond one constant are never shared */
    assert_int_equal(same_as_fresh(c, "SELECT -5", "SELECT -7"), 0);
    assert_int_equal(same_as_fresh(c, "SELECT - 5", "SELECT - 7"), 0);
    assert_int_equal(same_as_fresh(c, "SELECT 'a'\n'b'", "SELECT 'c'\n'd'"), 0);
    assert_int_equal(same_as_fresh(c, "SELECT CAST(a AS varchar(5)) FROM t",
                                   "SELECT CAST(a AS varchar(6)) FROM t"), 0);
    assert_int_equal(same_as_fresh(c, "SET statement_timeout = 5", "SET statement_timeout = 6"),
                     0);
    /* texts of a literal-dependent shape are still cached exactly */
    sqlparse_result r;
    sqlerr err;
    sqlcache_stats st;
    sqlcache_get_stats(c, &st);
    uint64_t hits = st.hits;
    assert_int_equal(sqlcache_parse(c, "SELECT -7", &r, &err), SQL_OK);
    assert_int_equal(r.stmts[0]->targets[0].expr->value.u.i, -7);
    sqlparse_result_free(&r);
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.hits, hits + 1);
    /* a catalog change drops shapes too */
    sqlcache_clear(c);
    sqlcache_get_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(same_as_fresh(c, "SELECT * FROM c WHERE id = 1",
                                   "SELECT * FROM c WHERE id = 2"), 1);
    sqlcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_is_a_deep_equal_copy),
        cmocka_unit_test(test_clear_eviction_and_errors),
        cmocka_unit_test(test_literal_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
