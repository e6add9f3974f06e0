/* Unit tests for crdt/codec: fixed-width and varint round trips, canonical varints,
 * bounds checks that must refuse truncated or hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/codec.h"

static void test_fixed_roundtrip(void **state)
{
    (void)state;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(codec_put_u8(&b, 0xab), 0);
    assert_int_equal(codec_put_u16(&b, 0x1234), 0);
    assert_int_equal(codec_put_u32(&b, 0xdeadbeef), 0);
    assert_int_equal(codec_put_u64(&b, 0x0102030405060708ull), 0);
    assert_int_equal(b.len, 15);
    assert_int_equal(b.data[1], 0x12); /* big-endian */
    assert_int_equal(b.data[7], 0x01);

    codec_rd r;
    codec_rd_init(&r, b.data, b.len);
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    assert_int_equal(codec_get_u8(&r, &u8), 0);
    assert_int_equal(codec_get_u16(&r, &u16), 0);
    assert_int_equal(codec_get_u32(&r, &u32), 0);
    assert_int_equal(codec_get_u64(&r, &u64), 0);
    assert_int_equal(u8, 0xab);
    assert_int_equal(u16, 0x1234);
    assert_int_equal(u32, 0xdeadbeef);
    assert_true(u64 == 0x0102030405060708ull);
    assert_int_equal(codec_rd_left(&r), 0);
    assert_int_equal(codec_get_u8(&r, &u8), CRDT_EBADENC); /* past the end */
    assert_int_equal(r.err, CRDT_EBADENC);
    codec_buf_free(&b);
}

static void test_varint_roundtrip(void **state)
{
    (void)state;
    const uint64_t uv[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, UINT64_MAX - 1, UINT64_MAX};
    const int64_t sv[] = {0, -1, 1, -64, 64, INT32_MIN, INT64_MAX, INT64_MIN};
    codec_buf b;
    codec_buf_init(&b);
    for (size_t i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) codec_put_uvarint(&b, uv[i]);
    for (size_t i = 0; i < sizeof(sv) / sizeof(sv[0]); i++) codec_put_svarint(&b, sv[i]);
    assert_int_equal(b.err, 0);
    codec_rd r;
    codec_rd_init(&r, b.data, b.len);
    for (size_t i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) {
        uint64_t x;
        assert_int_equal(codec_get_uvarint(&r, &x), 0);
        assert_true(x == uv[i]);
    }
    for (size_t i = 0; i < sizeof(sv) / sizeof(sv[0]); i++) {
        int64_t x;
        assert_int_equal(codec_get_svarint(&r, &x), 0);
        assert_true(x == sv[i]);
    }
    assert_int_equal(codec_rd_left(&r), 0);
    codec_buf_free(&b);
}

static void test_varint_rejects_noncanonical(void **state)
{
    (void)state;
    uint64_t x;
    codec_rd r;
    const uint8_t overlong_zero[] = {0x80, 0x00}; /* 0 encoded in two bytes */
    codec_rd_init(&r, overlong_zero, sizeof(overlong_zero));
    assert_int_equal(codec_get_uvarint(&r, &x), CRDT_EBADENC);

    const uint8_t too_big[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    codec_rd_init(&r, too_big, sizeof(too_big));
    assert_int_equal(codec_get_uvarint(&r, &x), CRDT_EBADENC);

    const uint8_t truncated[] = {0xff, 0xff};
    codec_rd_init(&r, truncated, sizeof(truncated));
    assert_int_equal(codec_get_uvarint(&r, &x), CRDT_EBADENC);
}

static void test_bytes_and_counts_are_bounded(void **state)
{
    (void)state;
    codec_buf b;
    codec_buf_init(&b);
    codec_put_bytes(&b, "hello", 5);
    codec_rd r;
    const uint8_t *p;
    size_t n;
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(codec_get_bytes(&r, &p, &n, 4), CRDT_EBADENC); /* over caller's max */
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(codec_get_bytes(&r, &p, &n, 100), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "hello", 5);

    /* A length larger than the input is refused before anything is read or allocated. */
    codec_buf_reset(&b);
    codec_put_uvarint(&b, 1000000);
    codec_put_raw(&b, "abc", 3);
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(codec_get_bytes(&r, &p, &n, SIZE_MAX), CRDT_EBADENC);
    assert_null(p);

    /* A count the remaining bytes cannot hold is refused. */
    uint64_t count;
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(codec_get_count(&r, &count, 2, UINT64_MAX), CRDT_EBADENC);
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(codec_get_count(&r, &count, 0, 10), CRDT_EBADENC); /* over max */
    codec_buf_free(&b);
}

static void test_take_and_errors(void **state)
{
    (void)state;
    codec_buf b;
    codec_buf_init(&b);
    codec_put_raw(&b, "xyz", 3);
    size_t len;
    uint8_t *p = codec_buf_take(&b, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(p, "xyz", 3);
    assert_null(b.data);
    free(p);
    assert_string_equal(codec_strerror(CRDT_EBADENC), "malformed encoding");
    assert_string_equal(codec_strerror(12345), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_roundtrip),
        cmocka_unit_test(test_varint_roundtrip),
        cmocka_unit_test(test_varint_rejects_noncanonical),
        cmocka_unit_test(test_bytes_and_counts_are_bounded),
        cmocka_unit_test(test_take_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
