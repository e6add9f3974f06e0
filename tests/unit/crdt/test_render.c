/* Unit tests for crdt/render: the expected strings are PostgreSQL 15's own output for the same
 * values (captured with psql, timezone UTC, default extra_float_digits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/render.h"

static void test_float8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *pg;
    } cases[] = {
        {"1.5", "1.5"},
        {"0.1", "0.1"},
        {"1e100", "1e+100"},
        {"1e15", "1e+15"},
        {"1e14", "100000000000000"},
        {"123456789012345678", "1.2345678901234568e+17"},
        {"0.0001", "0.0001"},
        {"0.00001", "1e-05"},
        {"-2.5e-7", "-2.5e-07"},
        {"NaN", "NaN"},
        {"Infinity", "Infinity"},
        {"-Infinity", "-Infinity"},
        {"-0", "-0"},
        {"5e-324", "5e-324"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"},
        {"9007199254740992", "9.007199254740992e+15"},
        {"100", "100"},
        {"0.3333333333333333", "0.3333333333333333"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[RENDER_FLOAT8_LEN];
        size_t n = render_float8(strtod(cases[i].in, NULL), buf);
        assert_string_equal(buf, cases[i].pg);
        assert_int_equal(n, strlen(cases[i].pg));
    }
}

static void test_timestamptz(void **state)
{
    (void)state;
    char buf[RENDER_TIMESTAMPTZ_LEN];
    render_timestamptz(INT64_C(848829600123000), buf);
    assert_string_equal(buf, "2026-11-24 10:00:00.123+00");
    render_timestamptz(-1, buf);
    assert_string_equal(buf, "1999-12-31 23:59:59.999999+00");
    render_timestamptz(0, buf);
    assert_string_equal(buf, "2000-01-01 00:00:00+00");
    render_timestamptz(INT64_C(-946684800000000), buf);
    assert_string_equal(buf, "1970-01-01 00:00:00+00");
    render_timestamptz(INT64_C(-63113904000000000), buf);
    assert_string_equal(buf, "0001-01-01 00:00:00+00 BC");
    render_timestamptz(INT64_MAX, buf);
    assert_string_equal(buf, "infinity");
}

static void test_text_array_and_json(void **state)
{
    (void)state;
    const char *in[] = {"a", "b c", "x\"y", "", " ", "NULL", "nulL", "{", "a,b", "back\\s", "\xc3\xa9"};
    crdt_bytes el[11];
    for (int i = 0; i < 11; i++) {
        el[i].p = (const uint8_t *)in[i];
        el[i].n = strlen(in[i]);
    }
    codec_buf b;
    codec_buf_init(&b);
    render_text_array(&b, el, 11);
    codec_put_u8(&b, 0);
    assert_string_equal((char *)b.data,
                        "{a,\"b c\",\"x\\\"y\",\"\",\" \",\"NULL\",\"nulL\",\"{\",\"a,b\",\"back\\\\s\","
                        "\xc3\xa9}");
    codec_buf_reset(&b);
    render_text_array(&b, NULL, 0);
    assert_int_equal(b.len, 2);
    assert_memory_equal(b.data, "{}", 2);
    codec_buf_reset(&b);
    render_json_string(&b, (const uint8_t *)"a\"\\\n\x01", 5);
    codec_put_u8(&b, 0);
    assert_string_equal((char *)b.data, "\"a\\\"\\\\\\n\\u0001\"");
    codec_buf_reset(&b);
    render_bytea(&b, (const uint8_t *)"\x0a\x1b", 2);
    codec_put_u8(&b, 0);
    assert_string_equal((char *)b.data, "\\x0a1b");
    codec_buf_free(&b);
}

static void test_values(void **state)
{
    (void)state;
    crdt_value v;
    bool is_null;
    codec_buf b;
    codec_buf_init(&b);
    crdt_value_init(&v);
    assert_int_equal(render_value(&b, &v, &is_null), 0);
    assert_true(is_null);
    v.type = CRDT_V_INT8;
    v.u.i = INT64_MIN;
    render_value(&b, &v, &is_null);
    codec_put_u8(&b, 0);
    assert_string_equal((char *)b.data, "-9223372036854775808");
    codec_buf_reset(&b);
    crdt_value_set_bytes(&v, CRDT_V_NUMERIC, "12.50", 5);
    render_value(&b, &v, &is_null);
    assert_memory_equal(b.data, "12.50", 5);
    crdt_value_free(&v);
    codec_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float8),
        cmocka_unit_test(test_timestamptz),
        cmocka_unit_test(test_text_array_and_json),
        cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
