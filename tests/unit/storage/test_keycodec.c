/* Unit tests for storage/keycodec: memcmp order of encodings equals the logical order of
 * keys (property-tested over thousands of random composite keys), decode(encode(k)) == k,
 * malformed keys refused, row and log key layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "storage/keycodec.h"

#define NKEYS 4000
#define NCOLS 3

typedef struct rkey {
    keycodec_value col[NCOLS];
    uint8_t text[NCOLS][12];
    uint8_t *enc;
    size_t enclen;
} rkey;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Small alphabets make equal prefixes and equal columns frequent, so ties between columns
 * and strings that prefix each other are exercised, not just the first byte. */
static void random_value(keycodec_value *v, keycodec_type t, uint8_t *textbuf)
{
    v->type = t;
    switch (t) {
    case KEYCODEC_BOOL: v->u.b = next_rand() & 1; break;
    case KEYCODEC_INT: {
        static const int64_t edge[] = {INT64_MIN, INT64_MIN + 1, -256, -1, 0, 1, 255, 256,
                                       INT64_MAX - 1, INT64_MAX};
        uint64_t r = next_rand();
        v->u.i = (r % 3 == 0) ? edge[(r >> 8) % 10] : (int64_t)(next_rand() % 7) - 3;
        if (r % 3 == 1) v->u.i = (int64_t)next_rand();
        break;
    }
    case KEYCODEC_FLOAT: {
        static const double edge[] = {-INFINITY, -1e300, -1.5, -0.0, 0.0, 1e-310, 1.5, 1e300,
                                      INFINITY};
        uint64_t r = next_rand();
        v->u.f = (r % 2) ? edge[(r >> 8) % 9] : ((double)(int64_t)next_rand()) / 1e9;
        break;
    }
    case KEYCODEC_TEXT:
    case KEYCODEC_BYTES: {
        size_t len = next_rand() % 6;
        static const uint8_t alpha[] = {0x00, 0x01, 'a', 'b', 0xff};
        for (size_t i = 0; i < len; i++) textbuf[i] = alpha[next_rand() % 5];
        v->u.s.p = textbuf;
        v->u.s.len = len;
        break;
    }
    }
}

static int logical_cmp(const rkey *a, const rkey *b)
{
    for (int i = 0; i < NCOLS; i++) {
        int c = keycodec_value_cmp(&a->col[i], &b->col[i]);
        if (c) return c;
    }
    return 0;
}

static int enc_cmp(const rkey *a, const rkey *b)
{
    size_t n = a->enclen < b->enclen ? a->enclen : b->enclen;
    int c = memcmp(a->enc, b->enc, n);
    if (c) return c < 0 ? -1 : 1;
    return a->enclen < b->enclen ? -1 : a->enclen > b->enclen;
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void check_schema(const keycodec_type *schema)
{
    rkey *keys = calloc(NKEYS, sizeof(*keys));
    assert_non_null(keys);
    for (int k = 0; k < NKEYS; k++) {
        for (int c = 0; c < NCOLS; c++) random_value(&keys[k].col[c], schema[c], keys[k].text[c]);
        codec_buf b;
        codec_buf_init(&b);
        assert_int_equal(keycodec_encode_pk(&b, keys[k].col, NCOLS), 0);
        keys[k].enc = codec_buf_take(&b, &keys[k].enclen);

        keycodec_key d;
        assert_int_equal(keycodec_decode_pk(keys[k].enc, keys[k].enclen, &d), 0);
        assert_int_equal(d.ncol, NCOLS);
        for (int c = 0; c < NCOLS; c++) assert_int_equal(keycodec_value_cmp(&d.col[c], &keys[k].col[c]), 0);
        keycodec_key_free(&d);
    }
    /* Every adjacent pair plus random pairs: order of bytes == order of values. */
    for (int k = 0; k < NKEYS; k++) {
        const rkey *a = &keys[k];
        const rkey *b = &keys[(k + 1) % NKEYS];
        const rkey *r = &keys[next_rand() % NKEYS];
        assert_int_equal(sign(enc_cmp(a, b)), sign(logical_cmp(a, b)));
        assert_int_equal(sign(enc_cmp(a, r)), sign(logical_cmp(a, r)));
    }
    for (int k = 0; k < NKEYS; k++) free(keys[k].enc);
    free(keys);
}

static void test_order_text_int_float(void **state)
{
    (void)state;
    const keycodec_type s[NCOLS] = {KEYCODEC_TEXT, KEYCODEC_INT, KEYCODEC_FLOAT};
    check_schema(s);
}

static void test_order_int_bytes_bool(void **state)
{
    (void)state;
    const keycodec_type s[NCOLS] = {KEYCODEC_INT, KEYCODEC_BYTES, KEYCODEC_BOOL};
    check_schema(s);
}

static void test_order_text_text_text(void **state)
{
    (void)state;
    const keycodec_type s[NCOLS] = {KEYCODEC_TEXT, KEYCODEC_TEXT, KEYCODEC_TEXT};
    check_schema(s);
}

static void test_embedded_zero_and_prefix(void **state)
{
    (void)state;
    /* "a" < "a\0" < "a\0\0" < "a\1" < "ab" */
    static const uint8_t s0[] = "a", s1[] = {'a', 0}, s2[] = {'a', 0, 0}, s3[] = {'a', 1},
                         s4[] = "ab";
    const struct {
        const uint8_t *p;
        size_t n;
    } in[] = {{s0, 1}, {s1, 2}, {s2, 3}, {s3, 2}, {s4, 2}};
    uint8_t *prev = NULL;
    size_t prevlen = 0;
    for (size_t i = 0; i < 5; i++) {
        keycodec_value v = {.type = KEYCODEC_TEXT, .u.s = {in[i].p, in[i].n}};
        codec_buf b;
        codec_buf_init(&b);
        assert_int_equal(keycodec_encode_pk(&b, &v, 1), 0);
        if (prev) {
            size_t n = prevlen < b.len ? prevlen : b.len;
            int c = memcmp(prev, b.data, n);
            assert_true(c < 0 || (c == 0 && prevlen < b.len));
        }
        keycodec_key d;
        assert_int_equal(keycodec_decode_pk(b.data, b.len, &d), 0);
        assert_int_equal(d.col[0].u.s.len, in[i].n);
        assert_memory_equal(d.col[0].u.s.p, in[i].p, in[i].n);
        keycodec_key_free(&d);
        free(prev);
        prev = codec_buf_take(&b, &prevlen);
    }
    free(prev);
}

static void test_float_canonical(void **state)
{
    (void)state;
    keycodec_value a = {.type = KEYCODEC_FLOAT, .u.f = -0.0};
    keycodec_value b = {.type = KEYCODEC_FLOAT, .u.f = 0.0};
    keycodec_value n1 = {.type = KEYCODEC_FLOAT, .u.f = NAN};
    keycodec_value inf = {.type = KEYCODEC_FLOAT, .u.f = INFINITY};
    codec_buf ba, bb, bn, bi;
    codec_buf_init(&ba);
    codec_buf_init(&bb);
    codec_buf_init(&bn);
    codec_buf_init(&bi);
    keycodec_encode_value(&ba, &a);
    keycodec_encode_value(&bb, &b);
    keycodec_encode_value(&bn, &n1);
    keycodec_encode_value(&bi, &inf);
    assert_memory_equal(ba.data, bb.data, 9);  /* -0 == +0 */
    assert_true(memcmp(bi.data, bn.data, 9) < 0); /* NaN above +inf, as in PostgreSQL */
    codec_buf_free(&ba);
    codec_buf_free(&bb);
    codec_buf_free(&bn);
    codec_buf_free(&bi);
}

static void test_malformed_refused(void **state)
{
    (void)state;
    keycodec_key d;
    static const uint8_t unknown_tag[] = {0x99, 0};
    static const uint8_t short_int[] = {KEYCODEC_INT, 1, 2, 3};
    static const uint8_t unterminated[] = {KEYCODEC_TEXT, 'a', 'b'};
    static const uint8_t bad_escape[] = {KEYCODEC_TEXT, 'a', 0x00, 0x07};
    static const uint8_t bad_bool[] = {KEYCODEC_BOOL, 2};
    assert_int_equal(keycodec_decode_pk(unknown_tag, sizeof(unknown_tag), &d), CRDT_EBADENC);
    assert_int_equal(keycodec_decode_pk(short_int, sizeof(short_int), &d), CRDT_EBADENC);
    assert_int_equal(keycodec_decode_pk(unterminated, sizeof(unterminated), &d), CRDT_EBADENC);
    assert_int_equal(keycodec_decode_pk(bad_escape, sizeof(bad_escape), &d), CRDT_EBADENC);
    assert_int_equal(keycodec_decode_pk(bad_bool, sizeof(bad_bool), &d), CRDT_EBADENC);
    assert_null(d.arena);

    /* every truncation of a valid composite key is refused or decodes fewer columns */
    keycodec_value v[2] = {{.type = KEYCODEC_TEXT, .u.s = {(const uint8_t *)"x\0y", 3}},
                           {.type = KEYCODEC_INT, .u.i = -5}};
    codec_buf b;
    codec_buf_init(&b);
    keycodec_encode_pk(&b, v, 2);
    for (size_t n = 1; n < b.len; n++) {
        int rc = keycodec_decode_pk(b.data, n, &d);
        if (rc == 0) {
            assert_true(d.ncol < 2);
            keycodec_key_free(&d);
        }
    }
    codec_buf_free(&b);
}

static void test_row_and_log_keys(void **state)
{
    (void)state;
    codec_buf a, b;
    codec_buf_init(&a);
    codec_buf_init(&b);
    static const uint8_t pk[] = {KEYCODEC_INT, 0x80, 0, 0, 0, 0, 0, 0, 1};
    keycodec_row_key(&a, 7, pk, sizeof(pk));
    keycodec_row_key(&b, 8, NULL, 0);
    assert_true(memcmp(a.data, b.data, 4) < 0); /* tables are contiguous ranges */
    uint32_t t;
    const uint8_t *p;
    size_t n;
    assert_int_equal(keycodec_row_split(a.data, a.len, &t, &p, &n), 0);
    assert_int_equal(t, 7);
    assert_int_equal(n, sizeof(pk));
    codec_buf_free(&a);
    codec_buf_free(&b);

    uint8_t k1[KEYCODEC_LOG_KEY_BYTES], k2[KEYCODEC_LOG_KEY_BYTES], k3[KEYCODEC_LOG_KEY_BYTES];
    keycodec_log_key(k1, 1, 255);
    keycodec_log_key(k2, 1, 256);
    keycodec_log_key(k3, 2, 1);
    assert_true(memcmp(k1, k2, sizeof(k1)) < 0);
    assert_true(memcmp(k2, k3, sizeof(k1)) < 0);
    uint16_t o;
    uint64_t s;
    assert_int_equal(keycodec_log_split(k2, sizeof(k2), &o, &s), 0);
    assert_int_equal(o, 1);
    assert_int_equal(s, 256);
    assert_int_equal(keycodec_log_split(k2, 9, &o, &s), CRDT_EBADENC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_text_int_float),
        cmocka_unit_test(test_order_int_bytes_bool),
        cmocka_unit_test(test_order_text_text_text),
        cmocka_unit_test(test_embedded_zero_and_prefix),
        cmocka_unit_test(test_float_canonical),
        cmocka_unit_test(test_malformed_refused),
        cmocka_unit_test(test_row_and_log_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
