/* tests/unit/sql/test_sqlops.c — the value hashing and equality the relational operators group,
 * join, de-duplicate and probe with (sqlplan.h): values PostgreSQL's operators call equal hash
 * alike across numeric types, NULLs group together, and the hash spreads small integers over
 * a table's low bits (they once all landed in one bucket and made a 100k-row hash join
 * quadratic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlplan.h"

static sqlval num(const char *s)
{
    sqlval v;
    sqlerr err;
    assert_int_equal(sqlval_from_text(SQLVAL_NUMERIC, s, strlen(s), &v, &err), SQL_OK);
    return v;
}

static sqlval text(const char *s)
{
    sqlval v;
    assert_int_equal(sqlval_set_str(&v, SQLVAL_TEXT, s, strlen(s), NULL), SQL_OK);
    return v;
}

static void test_equal_values_hash_alike(void **state)
{
    (void)state;
    sqlval a, b, c, d, e;
    sqlval_set_int(&a, SQLVAL_INT4, 5);
    sqlval_set_int(&b, SQLVAL_INT8, 5);
    sqlval_set_float(&c, SQLVAL_FLOAT8, 5.0);
    d = num("5.00");
    e = num("5");
    const sqlval *all[] = {&a, &b, &c, &d, &e};
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 5; k++) {
            assert_true(sqlops_equal(all[i], all[k], 1));
            assert_int_equal(sqlops_hash(all[i], 1), sqlops_hash(all[k], 1));
        }
    sqlval z, nz;
    sqlval_set_float(&z, SQLVAL_FLOAT8, 0.0);
    sqlval_set_float(&nz, SQLVAL_FLOAT8, -0.0);
    assert_true(sqlops_equal(&z, &nz, 1));
    assert_int_equal(sqlops_hash(&z, 1), sqlops_hash(&nz, 1));
    sqlval_free(&d);
    sqlval_free(&e);
}

static void test_nulls_and_rows(void **state)
{
    (void)state;
    sqlval r1[2], r2[2], r3[2];
    sqlval_init_null(&r1[0], SQLVAL_INT4);
    r1[1] = text("x");
    sqlval_init_null(&r2[0], SQLVAL_TEXT); /* a NULL of another type is the same NULL */
    r2[1] = text("x");
    sqlval_set_int(&r3[0], SQLVAL_INT4, 0);
    r3[1] = text("x");
    assert_true(sqlops_equal(r1, r2, 2));
    assert_int_equal(sqlops_hash(r1, 2), sqlops_hash(r2, 2));
    assert_false(sqlops_equal(r1, r3, 2)); /* NULL is not 0 */
    sqlval y = text("y");
    assert_false(sqlops_equal(&r1[1], &y, 1));
    assert_int_not_equal(sqlops_hash(&r1[1], 1), sqlops_hash(&y, 1));
    sqlval_free(&r1[1]);
    sqlval_free(&r2[1]);
    sqlval_free(&r3[1]);
    sqlval_free(&y);
}

/* 10,000 consecutive integers into 1,024 buckets by the low bits: about 10 each. */
static void test_low_bits_spread(void **state)
{
    (void)state;
    int buckets[1024] = {0};
    for (int64_t i = 0; i < 10000; i++) {
        sqlval v;
        sqlval_set_int(&v, SQLVAL_INT4, i);
        buckets[sqlops_hash(&v, 1) & 1023]++;
    }
    int max = 0;
    for (int i = 0; i < 1024; i++)
        if (buckets[i] > max) max = buckets[i];
    assert_true(max < 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_values_hash_alike),
        cmocka_unit_test(test_nulls_and_rows),
        cmocka_unit_test(test_low_bits_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
