/* tests/unit/sql/test_sqlcache.c — the statement cache: a repeated text is served from the
 * cache (hit counter) as an independent deep copy equal to a fresh parse; eviction, clear and
 * parse errors are not cached. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/sql/sqlcache.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_is_a_deep_equal_copy),
        cmocka_unit_test(test_clear_eviction_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
