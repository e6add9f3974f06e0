/* Unit tests for crdt/render: the expected strings are PostgreSQL 15's own output for the same
 * values (captured with psql, timezone UTC), except floats (see test_double). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/render.h"

/* A float register's text is the exact double, not PostgreSQL's float8out (render.h: the SQL
 * layer prints floats for clients with pgtypes_float8_out / pgtypes_float4_out): every value
 * must read back bit for bit, and the special values use PostgreSQL's words so the SQL layer's
 * float input takes them. */
static void test_double(void **state)
{
    (void)state;
    static const struct {
        const char *in, *text;
    } cases[] = {
        {"1.5", "1.5"},
        {"0.1", "0.10000000000000001"},
        {"1000000", "1000000"},
        {"1e100", "1e+100"},
        {"-2.5e-7", "-2.4999999999999999e-07"},
        {"NaN", "NaN"},
        {"Infinity", "Infinity"},
        {"-Infinity", "-Infinity"},
        {"-0", "-0"},
        {"5e-324", "4.9406564584124654e-324"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[RENDER_DOUBLE_LEN];
        size_t n = render_double(strtod(cases[i].in, NULL), buf);
        assert_string_equal(buf, cases[i].text);
        assert_int_equal(n, strlen(cases[i].text));
    }
    uint64_t seed = 42;
    for (int i = 0; i < 100000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        double d;
        memcpy(&d, &seed, sizeof d);
        if (isnan(d)) continue;
        char buf[RENDER_DOUBLE_LEN];
        render_double(d, buf);
        double back = strtod(buf, NULL);
        assert_memory_equal(&back, &d, sizeof d);
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
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_timestamptz),
        cmocka_unit_test(test_text_array_and_json),
        cmocka_unit_test(test_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
