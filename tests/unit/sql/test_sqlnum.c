/* tests/unit/sql/test_sqlnum.c — exact decimal arithmetic; expected values printed by
 * PostgreSQL 15 for the same operations (scales as PostgreSQL chooses them: the caller passes
 * the division scale). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlnum.h"

/* CALL writes r; then r must read `want` */
#define EXPECT(CALL, want)                                                                     \
    do {                                                                                       \
        char *r = NULL;                                                                        \
        assert_int_equal(CALL, 0);                                                             \
        assert_string_equal(r, want);                                                          \
        free(r);                                                                               \
    } while (0)

static void test_add_sub_mul(void **state)
{
    (void)state;
    EXPECT(sqlnum_add("123456789012345678901234567890.123", "0.877", &r), "123456789012345678901234567891.000");
    EXPECT(sqlnum_sub("0.1", "0.35", &r), "-0.25");
    EXPECT(sqlnum_sub("-5", "-5.000", &r), "0.000");
    EXPECT(sqlnum_mul("99999999999999999999", "99999999999999999999", &r), "9999999999999999999800000000000000000001");
    EXPECT(sqlnum_mul("-1.5", "0.02", &r), "-0.030");
    EXPECT(sqlnum_mul("-0", "5.5", &r), "0.0");
    EXPECT(sqlnum_add("0", "0", &r), "0");
}

static void test_div_mod(void **state)
{
    (void)state;
    EXPECT(sqlnum_div("1", "7", 20, &r), "0.14285714285714285714");
    EXPECT(sqlnum_div("22", "7.0", 16, &r), "3.1428571428571429"); /* rounded up */
    EXPECT(sqlnum_div("-1", "3.0", 20, &r), "-0.33333333333333333333");
    EXPECT(sqlnum_div("0.0005", "2", 20, &r), "0.00025000000000000000");
    EXPECT(sqlnum_div("2.5", "2", 20, &r), "1.25000000000000000000");
    EXPECT(sqlnum_mod("5.5", "2", &r), "1.5");
    EXPECT(sqlnum_mod("-5.5", "2", &r), "-1.5");
    EXPECT(sqlnum_mod("12345678901234567890123", "1000", &r), "123");
    char *r;
    assert_int_equal(sqlnum_div("1", "0.000", 20, &r), SQLNUM_EDIVZERO);
    assert_int_equal(sqlnum_mod("1", "0", &r), SQLNUM_EDIVZERO);
    assert_int_equal(sqlnum_add("1x", "2", &r), SQLNUM_ESYNTAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_add_sub_mul),
                                       cmocka_unit_test(test_div_mod)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
