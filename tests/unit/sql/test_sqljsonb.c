/* tests/unit/sql/test_sqljsonb.c — jsonb text in and out, and the jsonb operators.
 *
 * Every expected string is PostgreSQL 15.18's output for the same expression (psql -At,
 * `SELECT (<expr>)::text`), so numbers keep numeric's text ('2.50' stays 2.50) as jsonb_out
 * prints them. Errors: the SQLSTATE and DETAIL PostgreSQL reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqljsonb.h"

static void expect_norm(const char *in, const char *pg)
{
    char *out = NULL;
    size_t n = 0;
    sqlerr err;
    if (sqljsonb_normalize(in, strlen(in), &out, &n, &err) != SQL_OK)
        fail_msg("%s: %s (%s)", in, err.message, err.detail);
    if (strcmp(out, pg) != 0) fail_msg("%s: got %s, PostgreSQL prints %s", in, out, pg);
    assert_int_equal(n, strlen(pg));
    free(out);
}

static void expect_norm_err(const char *in, const char *code, const char *detail)
{
    char *out = NULL;
    sqlerr err;
    assert_int_equal(sqljsonb_normalize(in, strlen(in), &out, NULL, &err), SQL_ERR);
    assert_null(out);
    if (strcmp(err.code, code) != 0) fail_msg("%s: SQLSTATE %s, want %s", in, err.code, code);
    if (detail && strcmp(err.detail, detail) != 0)
        fail_msg("%s: DETAIL %s, want %s", in, err.detail, detail);
}

static void test_numbers_keep_numeric_text(void **state)
{
    (void)state;
    expect_norm("2.50", "2.50");
    expect_norm("1e2", "100");
    expect_norm("1.50e1", "15.0");
    expect_norm("-0", "0");
    expect_norm("-0.0", "0.0");
    expect_norm("0.1", "0.1");
    expect_norm("1e-7", "0.0000001");
    expect_norm("12345678901234567890123", "12345678901234567890123");
    expect_norm("[12345678901234567890123, 1e2, 0.1, -0, 1E+2, 100e-2, 0.000001e6, 1.0e-2]",
                "[12345678901234567890123, 100, 0.1, 0, 100, 1.00, 1, 0.010]");
    expect_norm("{\"b\":[1.0,2e0,-0.0,1E-3,{\"z\":null,\"a\":\"x\"}],\"a\":2.50,\"aa\":-1.50e1}",
                "{\"a\": 2.50, \"b\": [1.0, 2, 0.0, 0.001, {\"a\": \"x\", \"z\": null}], "
                "\"aa\": -15.0}");
    expect_norm_err("1e-16384", "22003", NULL); /* value overflows numeric format */
}

static void test_strings_keys_and_layout(void **state)
{
    (void)state;
    expect_norm("\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\u001f\\\"\\\\\"",
                "\"\xc3\xa9\xf0\x9f\x98\x80/\\b\\f\\n\\r\\t\\u001f\\\"\\\\\"");
    expect_norm("{\"a\":1,\"a\":2,\"b\":3,\"a\":4}", "{\"a\": 4, \"b\": 3}");
    expect_norm("{\"a\":1,\"a\":2,\"b\":[],\"aa\":{},\"\":null}",
                "{\"\": null, \"a\": 2, \"b\": [], \"aa\": {}}");
    expect_norm(" [ 1 , 2 ] ", "[1, 2]");
    expect_norm(" true", "true");
    expect_norm("null", "null");
    expect_norm("[]", "[]");
    expect_norm("{}", "{}");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_norm_err("01", "22P02", "Token \"01\" is invalid.");
    expect_norm_err("1.", "22P02", "Token \"1.\" is invalid.");
    expect_norm_err(".5", "22P02", "Token \".\" is invalid.");
    expect_norm_err("+1", "22P02", "Token \"+\" is invalid.");
    expect_norm_err("-", "22P02", "Token \"-\" is invalid.");
    expect_norm_err("1e", "22P02", "Token \"1e\" is invalid.");
    expect_norm_err("TRUE", "22P02", "Token \"TRUE\" is invalid.");
    expect_norm_err("", "22P02", "The input string ended unexpectedly.");
    expect_norm_err("\"a\tb\"", "22P02", "Character with value 0x09 must be escaped.");
    expect_norm_err("{\"a\":1 \"b\":2}", "22P02", "Expected \",\" or \"}\", but found \"\"b\"\".");
    expect_norm_err("[1,]", "22P02", "Expected JSON value, but found \"]\".");
    expect_norm_err("\"\\u0000\"", "22P05", "\\u0000 cannot be converted to text.");
    expect_norm_err("\"\\uD800\"", "22P02", "Unicode low surrogate must follow a high surrogate.");
    expect_norm_err("\"\\x\"", "22P02", "Escape sequence \"\\x\" is invalid.");
    expect_norm_err("[1] 2", "22P02", "Expected end of input, but found \"2\".");
    /* nesting beyond the limit is refused, not a stack overflow */
    size_t depth = SQLJSONB_MAX_DEPTH + 1;
    char *deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    expect_norm_err(deep, "54001", NULL);
    free(deep);
}

static void expect_get(const char *doc, const char *key, long idx, bool as_text, const char *pg)
{
    sqlval k, out;
    sqlerr err;
    if (key) assert_int_equal(sqlval_set_str(&k, SQLVAL_TEXT, key, strlen(key), &err), SQL_OK);
    else sqlval_set_int(&k, SQLVAL_INT4, idx);
    assert_int_equal(sqljsonb_get(doc, &k, as_text, &out, &err), SQL_OK);
    assert_int_equal(out.type, as_text ? SQLVAL_TEXT : SQLVAL_JSONB);
    if (!pg) {
        assert_true(out.isnull);
    } else {
        assert_false(out.isnull);
        assert_string_equal(out.s, pg);
    }
    sqlval_free(&k);
    sqlval_free(&out);
}

static void test_get(void **state)
{
    (void)state;
    expect_get("{\"a\": {\"b\": 2.50}}", "a", 0, false, "{\"b\": 2.50}");
    expect_get("{\"a\": 2.50}", "a", 0, true, "2.50");
    expect_get("[\"x\", null, 1.10]", NULL, -1, false, "1.10");
    expect_get("[\"x\", null]", NULL, 1, true, NULL);
    expect_get("[\"x\", null]", NULL, 1, false, "null");
    expect_get("[\"x\"]", NULL, 0, true, "x");
    expect_get("[\"x\"]", NULL, 1, false, NULL);
    expect_get("[\"x\"]", "0", 0, false, NULL);
    expect_get("{\"0\": 1}", NULL, 0, false, NULL);
}

/* out is read after rc was computed (an argument's value would be read before the call) */
static void expect_text(int rc, char **out, const char *pg)
{
    assert_int_equal(rc, SQL_OK);
    assert_string_equal(*out, pg);
    free(*out);
}

static void test_operators(void **state)
{
    (void)state;
    char *out;
    sqlerr err;
    expect_text(sqljsonb_concat("{\"a\": 1.50, \"b\": 2}", "{\"b\": 3.00, \"c\": []}", &out, &err),
                &out, "{\"a\": 1.50, \"b\": 3.00, \"c\": []}");
    expect_text(sqljsonb_concat("[1.0]", "2.0", &out, &err), &out, "[1.0, 2.0]");
    expect_text(sqljsonb_concat("{\"a\": 1}", "[2]", &out, &err), &out, "[{\"a\": 1}, 2]");
    expect_text(sqljsonb_concat("\"s\"", "\"t\"", &out, &err), &out, "[\"s\", \"t\"]");
    expect_text(sqljsonb_delete_key("{\"a\": 1.0, \"b\": 2}", "a", &out, &err), &out, "{\"b\": 2}");
    expect_text(sqljsonb_delete_key("[\"a\", \"b\", 1.50, \"a\"]", "a", &out, &err), &out,
                "[\"b\", 1.50]");
    assert_int_equal(sqljsonb_delete_key("1", "a", &out, &err), SQL_ERR);
    assert_string_equal(err.code, "22023");

    static const struct {
        const char *doc, *path[2], *value, *pg;
    } sets[] = {
        {"{\"a\": {\"b\": 1.50}}", {"a", "b"}, "2.50", "{\"a\": {\"b\": 2.50}}"},
        {"{\"a\": [1, 2]}", {"a", "-1"}, "3.0", "{\"a\": [1, 3.0]}"},
        {"{\"a\": [1, 2]}", {"a", "5"}, "3.0", "{\"a\": [1, 2, 3.0]}"},
        {"{\"a\": [1, 2]}", {"a", "-9"}, "0.0", "{\"a\": [0.0, 1, 2]}"},
        {"{\"a\": 1}", {"x", "y"}, "2", "{\"a\": 1}"},
        {"{\"a\": 1}", {"c", NULL}, "2", "{\"a\": 1, \"c\": 2}"},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        sqlval path;
        size_t n = sets[i].path[1] ? 2 : 1;
        assert_int_equal(sqlval_set_array(&path, sets[i].path, n, &err), SQL_OK);
        expect_text(sqljsonb_set(sets[i].doc, &path, sets[i].value, &out, &err), &out, sets[i].pg);
        sqlval_free(&path);
    }
}

static void test_members(void **state)
{
    (void)state;
    sqljsonb_member *m;
    size_t n;
    sqlerr err;
    const char *doc = "{\"k\": 1.50, \"a\": {\"x\": [2.0]}, \"k\": \"v\"}";
    assert_int_equal(sqljsonb_members(doc, strlen(doc), &m, &n, &err), SQL_OK);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].key, "a");
    assert_string_equal(m[0].value, "{\"x\": [2.0]}");
    assert_string_equal(m[1].key, "k");
    assert_string_equal(m[1].value, "\"v\"");
    assert_int_equal(m[1].valuelen, 3);
    sqljsonb_members_free(m, n);
    assert_int_equal(sqljsonb_members("[1]", 3, &m, &n, &err), 1);
    assert_int_equal(sqljsonb_members("{}", 2, &m, &n, &err), SQL_OK);
    assert_int_equal(n, 0);
    sqljsonb_members_free(m, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_keep_numeric_text),
        cmocka_unit_test(test_strings_keys_and_layout),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
