/* tests/unit/sql/test_sqlfunc.c — the built-in function library (server/sql/sqlfunc.h):
 * resolution as PostgreSQL 15 resolves (result types, unknown literals, ambiguity), and a
 * sample of evaluations and errors; expected values printed by PostgreSQL 15. The full
 * comparison is tests/diff/functions.sql. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlfunc.h"

#define U SQLVAL_UNKNOWN
#define TEXT SQLVAL_TEXT
#define I2 SQLVAL_INT2
#define I4 SQLVAL_INT4
#define I8 SQLVAL_INT8
#define F8 SQLVAL_FLOAT8
#define NUM SQLVAL_NUMERIC
#define JSONB SQLVAL_JSONB
#define TARR SQLVAL_TEXTARRAY

/* Resolves name(types): 1 with *ret, 0 unknown, SQL_ERR with err->code. */
static int resolve(const char *name, const sqlval_type *types, int n, sqlval_type *ret, sqlerr *err)
{
    int id = -1;
    sqlerr_clear(err);
    return sqlfunc_resolve(name, types, n, ret, &id, err);
}

/* Resolves and evaluates name over values given as text of the given types (NULL: SQL NULL);
 * *out is the result's text (NULL for SQL NULL), to free. */
static int call(const char *name, const sqlval_type *types, const char *const *texts, int n,
                char **out, sqlerr *err)
{
    sqlval v[SQLFUNC_MAX_ARGS], r;
    sqlval_type ret;
    int id = -1, rc;
    *out = NULL;
    sqlerr_clear(err);
    for (int i = 0; i < n; i++) {
        if (!texts[i]) sqlval_init_null(&v[i], types[i]);
        else if (types[i] == U) assert_int_equal(sqlval_set_str(&v[i], U, texts[i], strlen(texts[i]), err), SQL_OK);
        else assert_int_equal(sqlval_from_text(types[i], texts[i], strlen(texts[i]), &v[i], err), SQL_OK);
    }
    assert_int_equal(sqlfunc_resolve(name, types, n, &ret, &id, err), 1);
    rc = sqlfunc_eval(id, v, n, ret, &r, err);
    if (rc == SQL_OK) {
        assert_int_equal(r.type, ret);
        if (!r.isnull) {
            size_t len;
            assert_int_equal(sqlval_to_text(&r, out, &len, err), SQL_OK);
        }
        sqlval_free(&r);
    } else {
        assert_true(r.isnull);
    }
    for (int i = 0; i < n; i++) sqlval_free(&v[i]);
    return rc;
}

#define ARGS(...) (const sqlval_type[]){__VA_ARGS__}
#define VALS(...) (const char *const[]){__VA_ARGS__}

/* EXPECT(name, types, values, want): the call succeeds with text want (NULL: SQL NULL). */
#define EXPECT(name, types, vals, want)                                                       \
    do {                                                                                      \
        char *got_;                                                                           \
        sqlerr e_;                                                                            \
        int n_ = (int)(sizeof(vals) / sizeof(const char *));                                  \
        assert_int_equal(call(name, types, vals, n_, &got_, &e_), SQL_OK);                    \
        if (want) assert_non_null(got_);                                                      \
        if (want) assert_string_equal(got_, (const char *)(want));                            \
        else assert_null(got_);                                                               \
        free(got_);                                                                           \
    } while (0)

/* FAILS(name, types, values, code, message): the call fails with that error. */
#define FAILS(name, types, vals, want_code, want_msg)                                                   \
    do {                                                                                      \
        char *got_;                                                                           \
        sqlerr e_;                                                                            \
        int n_ = (int)(sizeof(vals) / sizeof(const char *));                                  \
        assert_int_equal(call(name, types, vals, n_, &got_, &e_), SQL_ERR);                   \
        assert_string_equal(e_.code, want_code);                                              \
        assert_string_equal(e_.message, want_msg);                                            \
    } while (0)

static void test_resolution(void **state)
{
    (void)state;
    sqlval_type ret;
    sqlerr err;
    /* unknown literals take the declared type; integers widen; int -> float8 is preferred */
    assert_int_equal(resolve("substr", ARGS(U, I4), 2, &ret, &err), 1);
    assert_int_equal(ret, TEXT);
    assert_int_equal(resolve("substr", ARGS(U, I2, I2), 3, &ret, &err), 1);
    assert_int_equal(ret, TEXT);
    assert_int_equal(resolve("substr", ARGS(SQLVAL_BYTEA, I4), 2, &ret, &err), 1);
    assert_int_equal(ret, SQLVAL_BYTEA);
    assert_int_equal(resolve("round", ARGS(I4), 1, &ret, &err), 1);
    assert_int_equal(ret, F8);
    assert_int_equal(resolve("round", ARGS(NUM), 1, &ret, &err), 1);
    assert_int_equal(ret, NUM);
    assert_int_equal(resolve("round", ARGS(I4, I4), 2, &ret, &err), 1);
    assert_int_equal(ret, NUM);
    assert_int_equal(resolve("round", ARGS(SQLVAL_FLOAT4), 1, &ret, &err), 1);
    assert_int_equal(ret, F8);
    assert_int_equal(resolve("mod", ARGS(I2, I4), 2, &ret, &err), 1);
    assert_int_equal(ret, I4);
    assert_int_equal(resolve("mod", ARGS(I2, I2), 2, &ret, &err), 1);
    assert_int_equal(ret, I2);
    assert_int_equal(resolve("mod", ARGS(I4, NUM), 2, &ret, &err), 1);
    assert_int_equal(ret, NUM);
    assert_int_equal(resolve("power", ARGS(U, U), 2, &ret, &err), 1);
    assert_int_equal(ret, F8);
    assert_int_equal(resolve("gcd", ARGS(I4, I8), 2, &ret, &err), 1);
    assert_int_equal(ret, I8);
    assert_int_equal(resolve("quote_literal", ARGS(I4), 1, &ret, &err), 1);
    assert_int_equal(ret, TEXT);
    assert_int_equal(resolve("concat", ARGS(I4, U, JSONB, TARR), 4, &ret, &err), 1);
    assert_int_equal(ret, TEXT);
    assert_int_equal(resolve("jsonb_build_object", NULL, 0, &ret, &err), 1);
    assert_int_equal(ret, JSONB);
    assert_int_equal(resolve("jsonb_extract_path_text", ARGS(U, U, U), 3, &ret, &err), 1);
    assert_int_equal(ret, TEXT);
    assert_int_equal(resolve("starts_with", ARGS(SQLVAL_VARCHAR, SQLVAL_NAME), 2, &ret, &err), 1);
    assert_int_equal(ret, SQLVAL_BOOL);

    /* no such function, or no candidate the arguments coerce to: the caller's 42883 */
    assert_int_equal(resolve("no_such_function", ARGS(I4), 1, &ret, &err), 0);
    assert_int_equal(resolve("substr", ARGS(I4, I4), 2, &ret, &err), 0);
    assert_int_equal(resolve("substr", ARGS(U, I8), 2, &ret, &err), 0);
    assert_int_equal(resolve("concat", NULL, 0, &ret, &err), 0);
    assert_int_equal(resolve("round", ARGS(F8, I4), 2, &ret, &err), 0);
    assert_int_equal(resolve("jsonb_typeof", ARGS(TEXT), 1, &ret, &err), 0);
    assert_int_equal(resolve("jsonb_extract_path", ARGS(JSONB), 1, &ret, &err), 0);

    /* PostgreSQL's own refusals */
    assert_int_equal(resolve("trunc", ARGS(U), 1, &ret, &err), SQL_ERR); /* trunc(macaddr) too */
    assert_string_equal(err.code, "42725");
    assert_string_equal(err.message, "function trunc(unknown) is not unique");
    assert_int_equal(resolve("to_hex", ARGS(I2), 1, &ret, &err), SQL_ERR);
    assert_string_equal(err.message, "function to_hex(smallint) is not unique");
    assert_int_equal(resolve("mod", ARGS(U, U), 2, &ret, &err), SQL_ERR);
    assert_string_equal(err.code, "42725");
    assert_int_equal(resolve("to_jsonb", ARGS(U), 1, &ret, &err), SQL_ERR);
    assert_string_equal(err.code, "42804");
    assert_string_equal(err.message, "could not determine polymorphic type because input has type unknown");
    assert_int_equal(resolve("array_to_string", ARGS(U, U), 2, &ret, &err), SQL_ERR);
    assert_string_equal(err.code, "42804");
    assert_int_equal(resolve("substring", ARGS(U, U, U), 3, &ret, &err), 1); /* SIMILAR ... ESCAPE */
    assert_int_equal(ret, SQLVAL_TEXT);
}

static void test_strings(void **state)
{
    (void)state;
    EXPECT("substr", ARGS(U, I4, I4), VALS("héllo", "2", "3"), "éll");
    EXPECT("substr", ARGS(U, I4, I4), VALS("hello", "-1", "3"), "h");
    EXPECT("substr", ARGS(U, I4), VALS("hello", "10"), "");
    EXPECT("substr", ARGS(U, I4, I4), VALS(NULL, "1", "2"), NULL);
    FAILS("substr", ARGS(U, I4, I4), VALS("hello", "2", "-1"), "22011",
          "negative substring length not allowed");
    EXPECT("strpos", ARGS(U, U), VALS("日本語", "語"), "3");
    EXPECT("lpad", ARGS(U, I4, U), VALS("héllo", "8", "ñ"), "ñññhéllo");
    EXPECT("rpad", ARGS(U, I4), VALS("hello", "3"), "hel");
    FAILS("lpad", ARGS(U, I4, U), VALS("x", "268435455", "y"), "54000", "requested length too large");
    EXPECT("repeat", ARGS(U, I4), VALS("ab", "3"), "ababab");
    EXPECT("repeat", ARGS(U, I4), VALS("ab", "-3"), "");
    FAILS("repeat", ARGS(U, I4), VALS("abc", "400000000"), "54000", "requested length too large");
    EXPECT("chr", ARGS(I4), VALS("8364"), "€");
    FAILS("chr", ARGS(I4), VALS("0"), "54000", "null character not permitted");
    FAILS("chr", ARGS(I4), VALS("55296"), "54000", "requested character not valid for encoding: 55296");
    EXPECT("ascii", ARGS(U), VALS("😀"), "128512");
    EXPECT("concat", ARGS(U, U, I4, SQLVAL_BOOL, NUM), VALS("a", NULL, "1", "t", "2.50"), "a1t2.50");
    EXPECT("concat_ws", ARGS(U, U, U, U), VALS(",", "a", NULL, "c"), "a,c");
    EXPECT("concat_ws", ARGS(U, U), VALS(NULL, "a"), NULL);
    EXPECT("left", ARGS(U, I4), VALS("héllo", "-2"), "hél");
    EXPECT("right", ARGS(U, I4), VALS("abc", "-2147483648"), "abc");
    EXPECT("reverse", ARGS(U), VALS("a😀b"), "b😀a");
    EXPECT("btrim", ARGS(U, U), VALS("xyxhixy", "xy"), "hi");
    EXPECT("split_part", ARGS(U, U, I4), VALS("a,b,c", ",", "-1"), "c");
    FAILS("split_part", ARGS(U, U, I4), VALS("a,b", ",", "0"), "22023", "field position must not be zero");
    EXPECT("initcap", ARGS(U), VALS("hello wORLD ñandú 3rd-place"), "Hello World Ñandú 3rd-Place");
    EXPECT("md5", ARGS(U), VALS("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT("to_hex", ARGS(I4), VALS("-1"), "ffffffff");
    EXPECT("to_hex", ARGS(I8), VALS("-1"), "ffffffffffffffff");
    EXPECT("string_to_array", ARGS(U, U, U), VALS("a,,NULL", ",", "NULL"), "{a,\"\",NULL}");
    EXPECT("string_to_array", ARGS(U, U), VALS("hé", NULL), "{h,é}");
    EXPECT("array_to_string", ARGS(TARR, U, U), VALS("{a,NULL,c}", "-", "*"), "a-*-c");
    EXPECT("quote_ident", ARGS(U), VALS("select"), "\"select\"");
    EXPECT("quote_ident", ARGS(U), VALS("abort"), "abort");
    EXPECT("quote_literal", ARGS(U), VALS("a'b\\c"), "E'a''b\\\\c'");
    EXPECT("quote_literal", ARGS(SQLVAL_BOOL), VALS("t"), "'true'");
    EXPECT("translate", ARGS(U, U, U), VALS("héllo", "él", "E"), "hEo");
    EXPECT("overlay", ARGS(U, U, I4), VALS("abcdef", "XY", "3"), "abXYef");
}

static void test_math(void **state)
{
    (void)state;
    EXPECT("round", ARGS(NUM, I4), VALS("2.345", "2"), "2.35");
    EXPECT("round", ARGS(NUM, I4), VALS("-0.0001", "2"), "0.00");
    EXPECT("round", ARGS(NUM, I4), VALS("1250", "-2"), "1300");
    EXPECT("round", ARGS(I4), VALS("5"), "5");
    EXPECT("round", ARGS(F8), VALS("2.5"), "2"); /* rint: ties to even */
    EXPECT("trunc", ARGS(NUM, I4), VALS("-2.789", "2"), "-2.78");
    EXPECT("ceil", ARGS(NUM), VALS("-0.5"), "0");
    EXPECT("floor", ARGS(NUM), VALS("-0.5"), "-1");
    EXPECT("sign", ARGS(NUM), VALS("-2.50"), "-1");
    EXPECT("mod", ARGS(I4, I4), VALS("-2147483648", "-1"), "0");
    FAILS("mod", ARGS(I4, I4), VALS("1", "0"), "22012", "division by zero");
    EXPECT("mod", ARGS(NUM, NUM), VALS("-7.5", "2"), "-1.5");
    EXPECT("div", ARGS(NUM, NUM), VALS("-7.5", "2"), "-3");
    EXPECT("gcd", ARGS(I4, I4), VALS("-2147483648", "6"), "2");
    FAILS("gcd", ARGS(I4, I4), VALS("-2147483648", "0"), "22003", "integer out of range");
    FAILS("lcm", ARGS(I8, I8), VALS("9223372036854775807", "2"), "22003", "bigint out of range");
    EXPECT("lcm", ARGS(NUM, NUM), VALS("1.5", "0.6"), "3.0");
    EXPECT("power", ARGS(NUM, NUM), VALS("2.0", "3"), "8.0000000000000000");
    EXPECT("power", ARGS(NUM, NUM), VALS("2.0", "0.5"), "1.4142135623730950");
    EXPECT("power", ARGS(NUM, NUM), VALS("1.5", "40"), "11057332.3209400121422732");
    FAILS("power", ARGS(NUM, NUM), VALS("0", "-1"), "2201F", "zero raised to a negative power is undefined");
    FAILS("power", ARGS(NUM, NUM), VALS("-8", "0.5"), "2201F",
          "a negative number raised to a non-integer power yields a complex result");
    FAILS("power", ARGS(F8, F8), VALS("10", "400"), "22003", "value out of range: overflow");
    EXPECT("sqrt", ARGS(NUM), VALS("2.0"), "1.414213562373095");
    EXPECT("sqrt", ARGS(I4), VALS("2"), "1.4142135623730951");
    FAILS("sqrt", ARGS(NUM), VALS("-1"), "2201F", "cannot take square root of a negative number");
    EXPECT("exp", ARGS(NUM), VALS("1.0"), "2.7182818284590452");
    EXPECT("ln", ARGS(NUM), VALS("2.0"), "0.6931471805599453");
    FAILS("ln", ARGS(NUM), VALS("0"), "2201E", "cannot take logarithm of zero");
    FAILS("ln", ARGS(F8), VALS("-1"), "2201E", "cannot take logarithm of a negative number");
    EXPECT("log", ARGS(NUM, NUM), VALS("2", "8"), "3.0000000000000000");
    EXPECT("log", ARGS(NUM), VALS("100.0"), "2.0000000000000000");
    FAILS("log", ARGS(NUM, NUM), VALS("1", "10"), "22012", "division by zero");

    sqlval_type ret;
    sqlval r;
    sqlerr err;
    int id;
    assert_int_equal(sqlfunc_resolve("pi", NULL, 0, &ret, &id, &err), 1);
    assert_int_equal(sqlfunc_eval(id, NULL, 0, ret, &r, &err), SQL_OK);
    assert_int_equal(r.type, F8);
    assert_true(r.u.f == 3.141592653589793);
}

static void test_jsonb_and_misc(void **state)
{
    (void)state;
    EXPECT("jsonb_typeof", ARGS(U), VALS("[1]"), "array");
    EXPECT("jsonb_array_length", ARGS(U), VALS("[1, [2, 3], {\"a\": \"]\"}]"), "3");
    FAILS("jsonb_array_length", ARGS(U), VALS("{}"), "22023", "cannot get array length of a non-array");
    EXPECT("jsonb_build_object", ARGS(U, I4, U, NUM, U, U), VALS("b", "1", "a", "2.50", "c", NULL),
           "{\"a\": 2.50, \"b\": 1, \"c\": null}");
    FAILS("jsonb_build_object", ARGS(U, I4, U), VALS("a", "1", "b"), "22023",
          "argument list must have even number of elements");
    FAILS("jsonb_build_object", ARGS(U, I4), VALS(NULL, "1"), "22023", "argument 1: key must not be null");
    EXPECT("jsonb_build_array", ARGS(I4, U, SQLVAL_BOOL, TARR), VALS("1", "x", "f", "{a,NULL}"),
           "[1, \"x\", false, [\"a\", null]]");
    EXPECT("to_jsonb", ARGS(F8), VALS("NaN"), "\"NaN\"");
    EXPECT("to_jsonb", ARGS(F8), VALS("1e15"), "1000000000000000");
    EXPECT("jsonb_strip_nulls", ARGS(U), VALS("{\"a\": null, \"b\": [null, {\"c\": null}]}"),
           "{\"b\": [null, {}]}");
    EXPECT("jsonb_extract_path", ARGS(U, U, U), VALS("{\"a\": [10, 20]}", "a", "-1"), "20");
    EXPECT("jsonb_extract_path", ARGS(U, U, U), VALS("{\"a\": [10, 20]}", "a", "x"), NULL);
    EXPECT("jsonb_extract_path_text", ARGS(U, U), VALS("{\"a\": \"q\\\"\"}", "a"), "q\"");
    EXPECT("jsonb_pretty", ARGS(U), VALS("{\"a\": [1, {}]}"),
           "{\n    \"a\": [\n        1,\n        {\n        }\n    ]\n}");
    EXPECT("num_nulls", ARGS(U, I4, U), VALS(NULL, "1", NULL), "2");
    EXPECT("num_nonnulls", ARGS(U, I4, U), VALS(NULL, "1", NULL), "1");

    /* an id sqlfunc_resolve never gave */
    sqlval r;
    sqlerr err;
    assert_int_equal(sqlfunc_eval(-1, NULL, 0, TEXT, &r, &err), SQL_ERR);
    assert_string_equal(err.code, "XX000");
    assert_true(r.isnull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_resolution), cmocka_unit_test(test_strings),
                                       cmocka_unit_test(test_math), cmocka_unit_test(test_jsonb_and_misc)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
