/* tests/unit/sql/test_sqlnumfmt.c — to_char / to_number number pictures; every expected value
 * is what PostgreSQL 15 prints for the same call (brackets in the comments of the differential
 * file tests/diff/to_char_numeric.sql show the same cases through SQL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/sql/sqlnumfmt.h"

/* CALL writes r; then r must read `want` */
#define EXPECT(CALL, want)                                                                     \
    do {                                                                                       \
        char *r = NULL;                                                                        \
        sqlerr e;                                                                              \
        sqlerr_clear(&e);                                                                      \
        assert_int_equal(CALL, SQL_OK);                                                        \
        assert_non_null(r);                                                                    \
        assert_string_equal(r, want);                                                          \
        free(r);                                                                               \
    } while (0)

/* CALL fails with SQLSTATE code and message msg */
#define FAILS(CALL, wcode, wmsg)                                                                 \
    do {                                                                                       \
        char *r = NULL;                                                                        \
        sqlerr e;                                                                              \
        sqlerr_clear(&e);                                                                      \
        assert_int_equal(CALL, SQL_ERR);                                                       \
        assert_null(r);                                                                        \
        assert_string_equal(e.code, wcode);                                                    \
        assert_string_equal(e.message, wmsg);                                                  \
    } while (0)

#define NUM(v, f) sqlnumfmt_numeric_to_char(v, f, &r, &e)
#define F8(v, f) sqlnumfmt_float8_to_char(v, f, &r, &e)
#define F4(v, f) sqlnumfmt_float4_to_char(v, f, &r, &e)
#define I8(v, f) sqlnumfmt_int8_to_char(v, f, &r, &e)
#define I4(v, f) sqlnumfmt_int4_to_char(v, f, &r, &e)
#define TONUM(v, f) sqlnumfmt_to_number(v, f, &r, &e)

static void test_digits_and_padding(void **state)
{
    (void)state;
    EXPECT(NUM("1234.5", "9999.99"), " 1234.50");
    EXPECT(NUM("-1234.5", "9999.99"), "-1234.50");
    EXPECT(NUM("0", "9.99"), "  .00");
    EXPECT(NUM("0.1", "9.9"), "  .1");
    EXPECT(NUM("0.1", "FM9.9"), ".1");
    EXPECT(NUM("0", "FM9.99"), "0.");
    EXPECT(NUM("-0.1", "9.9"), " -.1");
    EXPECT(NUM("12", "0000"), " 0012");
    EXPECT(NUM("-12", "0000"), "-0012");
    EXPECT(NUM("-12.5", "0009.9"), "-0012.5");
    EXPECT(NUM("0.5", "0.9"), " 0.5");
    EXPECT(NUM("12.5", "FM9990.9900"), "12.5000");
    EXPECT(NUM("12", "FM9990.99"), "12.");
    EXPECT(NUM("1", ""), "");
    EXPECT(NUM("1", "abc"), "a"); /* b and c are silent keywords */
}

static void test_rounding_and_overflow(void **state)
{
    (void)state;
    EXPECT(NUM("0.005", "9.99"), "  .01"); /* half away from zero */
    EXPECT(NUM("-0.005", "9.99"), " -.01");
    EXPECT(NUM("-0.004", "9.99"), "  .00"); /* rounds to zero: no sign */
    EXPECT(NUM("2.5", "9"), " 3");
    EXPECT(NUM("1234.5", "99"), " ##");
    EXPECT(NUM("-1234.5", "99.9"), "-##.#");
    EXPECT(NUM("99.5", "99"), " ##");
    EXPECT(NUM("0.5", ".99"), " .##");
    EXPECT(I4(12345, "999"), " ###");
    EXPECT(I8(123, "999.99"), " 123.00");
}

static void test_specials(void **state)
{
    (void)state;
    EXPECT(NUM("NaN", "999.99"), " NaN"); /* the '.' position past the text ends the output */
    EXPECT(NUM("NaN", "9"), " #");
    EXPECT(NUM("NaN", "0000000.00"), " 0000NaN");
    EXPECT(NUM("Infinity", "999.99"), " ###.##");
    EXPECT(NUM("-Infinity", "999.99"), "-###.##");
    EXPECT(NUM("Infinity", "9999999999.99"), "   Infinity");
    EXPECT(F8(INFINITY, "999.99"), " ###.##");
    EXPECT(F8(-INFINITY, "999.99"), "-###.##");
    EXPECT(F8(NAN, "FM9999999.99"), "NaN");
    EXPECT(F4(INFINITY, "999.99"), " ###.");
    EXPECT(NUM("NaN", "9.99EEEE"), " #.######");
    EXPECT(F8(INFINITY, "9.99EEEE"), " #.######");
    FAILS(NUM("NaN", "999th"), "22P02", "\"NaN\" is not a number");
    FAILS(NUM("NaN", "RN"), "0A000", "cannot convert NaN to integer");
    FAILS(NUM("Infinity", "RN"), "0A000", "cannot convert infinity to integer");
}

static void test_signs(void **state)
{
    (void)state;
    EXPECT(NUM("-12.5", "999PR"), " <13>");
    EXPECT(NUM("12.5", "999PR"), "  13 ");
    EXPECT(NUM("12.5", "FM999PR"), "13");
    EXPECT(NUM("-12.5", "999.99PR"), " <12.50>");
    EXPECT(NUM("-12.5", "999MI"), " 13-");
    EXPECT(NUM("-12.5", "MI999"), "- 13");
    EXPECT(NUM("12.5", "999PL"), "  13+");
    EXPECT(NUM("-12.5", "PL999"), "  -13");
    EXPECT(NUM("-12.5", "999SG"), " 13-");
    EXPECT(NUM("12.5", "SG999"), "+ 13");
    EXPECT(NUM("12.5", "S999"), " +13");
    EXPECT(NUM("-12.5", "999S"), " 13-");
    EXPECT(NUM("12.5", "999.9S"), " 12.5+");
    EXPECT(NUM("12.5", "FMS999"), "+13");
    EXPECT(NUM("-7", "S0000"), "-0007");
    EXPECT(NUM("7", "0000S"), "0007+");
    EXPECT(F8(-0.0, "9.99"), " -.00");
}

static void test_locale_and_text(void **state)
{
    (void)state;
    EXPECT(NUM("1234.5", "L9G999D99"), "  1,234.50");
    EXPECT(NUM("-1234.5", "S9,999.99"), "-1,234.50");
    EXPECT(I4(123, "9G999G999"), "       123");
    EXPECT(I4(123, "FM9G999G999"), "123");
    EXPECT(I4(123, "\"abc\"999\"def\\\"x\""), "abc 123def\"x");
    EXPECT(I4(123, "X9\\\"9Y9"), "X 1\"2Y3");
    EXPECT(I4(123, "a9b9c9"), "a 123"); /* b and c are (silent) keywords */
    EXPECT(I4(123, "Fm999"), "Fm 123");
    EXPECT(I4(45, "\xc3\xa9" "99\xc3\xbc"), "\xc3\xa9 45\xc3\xbc");
}

static void test_th_roman(void **state)
{
    (void)state;
    EXPECT(I4(1, "9th"), " 1st");
    EXPECT(I4(22, "99TH"), " 22ND");
    EXPECT(I4(13, "FM99th"), "13th");
    EXPECT(I4(-1, "9th"), "-1");
    EXPECT(NUM("1.5", "9.9th"), " 1.5");
    EXPECT(I4(485, "RN"), "        CDLXXXV");
    EXPECT(I4(485, "FMrn"), "cdlxxxv");
    EXPECT(I4(3999, "FMRN"), "MMMCMXCIX");
    EXPECT(I4(4000, "RN"), "###############");
    EXPECT(I4(0, "RN"), "###############");
    EXPECT(I4(5, "RNSG"), "              V"); /* SG writes RN's zero sign */
    EXPECT(F8(2.5, "FMRN"), "II");               /* rint: ties to even */
    EXPECT(NUM("2.5", "FMRN"), "III");           /* numeric: half away from zero */
    FAILS(I8(10000000000, "RN"), "22003", "integer out of range");
}

static void test_v_and_eeee(void **state)
{
    (void)state;
    EXPECT(NUM("12.45", "99V99"), " 1245");
    EXPECT(NUM("12.456", "99V99"), " 1246");
    EXPECT(I4(1234, "9999V99"), " 123400");
    EXPECT(I4(2147483647, "9999999999V99"), "         -100"); /* wraps as PostgreSQL */
    EXPECT(I4(5, "9V9999999999"), " -2147483648");
    EXPECT(F4(1.5f, "9V99"), " 150");
    FAILS(I8(INT64_MAX, "99999999999999999999V99"), "22003", "bigint out of range");
    FAILS(I8(5, "9V9999999999999999999"), "22003", "bigint out of range");
    EXPECT(I8(5, "9.99EEEE"), " 5.00e+00");
    EXPECT(I4(-5, "9.99EEEE"), "-5.00e+00");
    EXPECT(F4(5, "9.99EEEE"), " 5.00e+00");
    EXPECT(NUM("0", "9.99EEEE"), " 0.00e+00");
    EXPECT(NUM("123.456", "9.9EEEE"), " 1.2e+02");
    EXPECT(NUM("-0.000123", "99.999EEEE"), "-1.230e-04");
    EXPECT(NUM("9.999", "9.99EEEE"), " 10.00e+00");
    EXPECT(F8(1e300, "9.99EEEE"), " 1.00e+300");
    EXPECT(F8(-0.0, "9.99EEEE"), "-0.00e+00");
    EXPECT(I4(12, "\"x\"9.99EEEE\"y\""), " 1.20e+01"); /* EEEE prints the number alone */
    EXPECT(I8(INT64_MAX, "9.9999999999999999999EEEE"), " 9.2233720368547758070e+18");
}

static void test_float_digits(void **state)
{
    (void)state;
    EXPECT(F8(1e20, "999999999999999999999.99"), " 100000000000000000000");
    EXPECT(F8(0.1, "9.99999999999999999999"), "  .10000000000000");
    EXPECT(F8(123.456, "999.9999999999999999"), " 123.456000000000");
    EXPECT(F4(123.456f, "999.9999999999999999"), " 123.456");
    EXPECT(F8(0.125, "9.99"), "  .12");
    EXPECT(F8(12345678901234567.0, "99999999999999999999"), "    12345678901234568");
}

static void test_picture_errors(void **state)
{
    (void)state;
    FAILS(NUM("1.5", "9.9.9"), "42601", "multiple decimal points");
    FAILS(NUM("1.5", "99V9.9"), "42601", "cannot use \"V\" and decimal point together");
    FAILS(NUM("1.5", "9.99EEEE9"), "42601", "\"EEEE\" must be the last pattern used");
    FAILS(NUM("1.5", "9PR9"), "42601", "\"9\" must be ahead of \"PR\"");
    FAILS(NUM("1.5", "9PR0"), "42601", "\"0\" must be ahead of \"PR\"");
    FAILS(NUM("1.5", "S9S"), "42601", "cannot use \"S\" twice");
    FAILS(NUM("1.5", "S9MI"), "42601", "cannot use \"S\" and \"MI\" together");
    FAILS(NUM("1.5", "MI9S"), "42601", "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together");
    FAILS(NUM("1.5", "S9PR"), "42601", "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together");
    FAILS(NUM("1.5", "FM9.99EEEE"), "42601", "\"EEEE\" is incompatible with other formats");
    FAILS(NUM("1.5", "9.99EEEEEEEE"), "42601", "cannot use \"EEEE\" twice");
}

static void test_to_number(void **state)
{
    (void)state;
    EXPECT(TONUM("12,454.8-", "99G999D9S"), "-12454.8");
    EXPECT(TONUM("  12.5", "999.9"), "12.5");
    EXPECT(TONUM("<12.5>", "999.9PR"), "-12.5");
    EXPECT(TONUM("$1,234.56", "L9,999.99"), "1234.56");
    EXPECT(TONUM("12abc34", "99xxx99"), "1234");
    EXPECT(TONUM("123", "9"), "1");
    EXPECT(TONUM("5", "9V99"), "0.0500000000000000");
    EXPECT(TONUM("123", "999V"), "123.0000000000000000");
    EXPECT(TONUM("5", "9V99999999999999999"), "0.0000000000000000");
    EXPECT(TONUM("5-", "9MI"), "-5");
    EXPECT(TONUM("+5", "SG9"), "5");
    EXPECT(TONUM("1.23456", "9.99"), "1.23");
    EXPECT(TONUM("123.", "999."), "123");
    EXPECT(TONUM("-0", "9"), "0");
    EXPECT(TONUM("5.01-", "FM9.999999S"), "-5.01");
    {
        char *r = (char *)1;
        sqlerr e;
        assert_int_equal(TONUM("12", ""), SQL_OK); /* an empty picture: NULL */
        assert_null(r);
    }
    FAILS(TONUM("", "999"), "22P02", "invalid input syntax for type numeric: \" \"");
    FAILS(TONUM("-", "9"), "22P02", "invalid input syntax for type numeric: \"-\"");
    FAILS(TONUM("1234", "99.99"), "22003", "numeric field overflow");
    FAILS(TONUM("1e5", "9EEEE"), "0A000", "\"EEEE\" not supported for input");
    FAILS(TONUM("XIV", "RN"), "0A000", "\"RN\" not supported for input");
}

/* A long picture or value is linear: 100,000 positions in well under a second. */
static void test_long_pictures(void **state)
{
    (void)state;
    size_t n = 100000;
    char *f = malloc(n + 3);
    assert_non_null(f);
    memset(f, '9', n);
    f[n] = 0;
    clock_t t0 = clock();
    {
    char *r = NULL;
    sqlerr e;
    assert_int_equal(NUM("1.5", f), SQL_OK);
    assert_int_equal(strlen(r), n + 1);
    free(r);
    f[0] = '9';
    f[1] = '.';
    assert_int_equal(NUM("1.5", f), SQL_OK); /* the scale stops at 16383 */
    assert_int_equal(strlen(r), 3 + 16383);
    free(r);
    assert_int_equal(F8(0.1, f), SQL_OK);
    free(r);
    memcpy(f + n - 4, "EEEE", 5);
    assert_int_equal(F8(0.1, f), SQL_OK); /* zeros past 350 digits, as PostgreSQL's printf */
    assert_int_equal(strlen(r), 1 + 1 + 1 + (n - 6) + 4);
    assert_string_equal(r + strlen(r) - 6, "00e-01");
    free(r);
    assert_int_equal(NUM("-1", f), SQL_OK);
    free(r);
    assert_int_equal(I4(7, f), SQL_OK);
    free(r);
    memset(f, '9', n);
    assert_int_equal(TONUM(f, f), SQL_OK);
    free(r);
    memset(f, '"', n); /* quotes only: an empty output */
    assert_int_equal(NUM("1", f), SQL_OK);
    assert_string_equal(r, "");
    free(r);
    }
    for (size_t i = 0; i < n; i += 2) f[i] = '.';
    FAILS(NUM("1", f), "42601", "multiple decimal points");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_and_padding), cmocka_unit_test(test_rounding_and_overflow),
        cmocka_unit_test(test_specials),           cmocka_unit_test(test_signs),
        cmocka_unit_test(test_locale_and_text),    cmocka_unit_test(test_th_roman),
        cmocka_unit_test(test_v_and_eeee),         cmocka_unit_test(test_float_digits),
        cmocka_unit_test(test_picture_errors),     cmocka_unit_test(test_to_number),
        cmocka_unit_test(test_long_pictures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
