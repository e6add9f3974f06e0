/* Unit tests for storage/logentry: round trip, header peek, and a bounded decoder that
 * refuses every truncation, trailing bytes, unknown versions and hostile counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "storage/logentry.h"

static void build(codec_buf *b)
{
    static const uint8_t pk1[] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8}, d1[] = {9, 9};
    static const uint8_t ck[] = "t/users", cv[] = "schema";
    logentry_delta d[2] = {{7, pk1, sizeof(pk1), d1, sizeof(d1)}, {8, pk1, 1, NULL, 0}};
    logentry_catalog c[2] = {{LOGENTRY_CATALOG_PUT, ck, 7, cv, 6},
                             {LOGENTRY_CATALOG_DELETE, ck, 3, NULL, 0}};
    logentry e;
    logentry_init(&e);
    e.origin = 3;
    e.seq = 1234567;
    e.hlc = 0xabcdef0123ull;
    causal_vv_set(&e.deps, 1, 10);
    causal_vv_set(&e.deps, 3, 1234566);
    e.deltas = d;
    e.ndeltas = 2;
    e.catalog = c;
    e.ncatalog = 2;
    codec_buf_init(b);
    assert_int_equal(logentry_encode(b, &e), 0);
    causal_vv_free(&e.deps);
}

static void test_roundtrip(void **state)
{
    (void)state;
    codec_buf b;
    build(&b);
    logentry e;
    assert_int_equal(logentry_decode(b.data, b.len, &e), 0);
    assert_int_equal(e.origin, 3);
    assert_int_equal(e.seq, 1234567);
    assert_true(e.hlc == 0xabcdef0123ull);
    assert_int_equal(causal_vv_get(&e.deps, 1), 10);
    assert_int_equal(causal_vv_get(&e.deps, 3), 1234566);
    assert_int_equal(e.ndeltas, 2);
    assert_int_equal(e.deltas[0].table_id, 7);
    assert_int_equal(e.deltas[0].pklen, 9);
    assert_int_equal(e.deltas[0].dlen, 2);
    assert_int_equal(e.deltas[1].dlen, 0);
    assert_int_equal(e.ncatalog, 2);
    assert_int_equal(e.catalog[0].op, LOGENTRY_CATALOG_PUT);
    assert_memory_equal(e.catalog[0].value, "schema", 6);
    assert_int_equal(e.catalog[1].op, LOGENTRY_CATALOG_DELETE);

    /* re-encoding the decoded entry gives the same bytes (relays never re-encode, but the
     * format has one encoding per entry) */
    codec_buf b2;
    codec_buf_init(&b2);
    assert_int_equal(logentry_encode(&b2, &e), 0);
    assert_int_equal(b2.len, b.len);
    assert_memory_equal(b2.data, b.data, b.len);
    logentry_free(&e);

    uint16_t o;
    uint64_t s;
    causal_hlc h;
    assert_int_equal(logentry_peek(b.data, LOGENTRY_HEADER_BYTES, &o, &s, &h), 0);
    assert_int_equal(s, 1234567);
    codec_buf_free(&b);
    codec_buf_free(&b2);
}

static void test_truncations_and_trailing(void **state)
{
    (void)state;
    codec_buf b;
    build(&b);
    logentry e;
    for (size_t n = 0; n < b.len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact-size copy: ASan catches an over-read */
        memcpy(copy, b.data, n);
        assert_int_not_equal(logentry_decode(copy, n, &e), 0);
        assert_null(e.deltas);
        free(copy);
    }
    codec_put_u8(&b, 0);
    assert_int_equal(logentry_decode(b.data, b.len, &e), CRDT_EBADENC);
    b.data[0] = 3; /* unknown version */
    assert_int_equal(logentry_decode(b.data, b.len - 1, &e), CRDT_EBADENC);
    codec_buf_free(&b);
}

static void test_hostile_count(void **state)
{
    (void)state;
    codec_buf b;
    codec_buf_init(&b);
    codec_put_u8(&b, LOGENTRY_VERSION);
    codec_put_u16(&b, 1);
    codec_put_u64(&b, 1);
    codec_put_u64(&b, 1);
    codec_put_uvarint(&b, 0);          /* empty deps */
    codec_put_uvarint(&b, 1u << 30);   /* a billion deltas in a few bytes */
    logentry e;
    assert_int_equal(logentry_decode(b.data, b.len, &e), CRDT_EBADENC);
    codec_buf_free(&b);

    logentry bad;
    logentry_init(&bad);
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &bad), CRDT_EINVAL); /* origin 0, seq 0 */
    codec_buf_free(&b);
}

/* Version 2: part i of n of a transaction; every impossible (i, n) refused both ways. */
/* Notifications (op 3): round trip among catalog changes; the channel's and payload's bounds
 * (PostgreSQL's: 63 bytes, fewer than 8000) enforced by the encoder and the decoder. */
static void test_notify_items(void **state)
{
    (void)state;
    static const uint8_t ck[] = "table.1234", cv[] = "schema";
    char chan[LOGENTRY_NOTIFY_CHANNEL_MAX + 2], pay[LOGENTRY_NOTIFY_PAYLOAD_MAX + 2];
    memset(chan, 'c', sizeof chan);
    memset(pay, 'p', sizeof pay);
    logentry_catalog c[3] = {{LOGENTRY_CATALOG_PUT, ck, 10, cv, 6},
                             {LOGENTRY_NOTIFY, (const uint8_t *)"orders", 6, (const uint8_t *)"42", 2},
                             {LOGENTRY_NOTIFY, (const uint8_t *)chan, LOGENTRY_NOTIFY_CHANNEL_MAX,
                              (const uint8_t *)pay, LOGENTRY_NOTIFY_PAYLOAD_MAX}};
    logentry e;
    logentry_init(&e);
    e.origin = 2;
    e.seq = 9;
    e.catalog = c;
    e.ncatalog = 3;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    logentry d;
    assert_int_equal(logentry_decode(b.data, b.len, &d), 0);
    assert_int_equal(d.ncatalog, 3);
    assert_true(logentry_is_catalog(&d.catalog[0]));
    assert_false(logentry_is_catalog(&d.catalog[1]));
    assert_int_equal(d.catalog[1].op, LOGENTRY_NOTIFY);
    assert_memory_equal(d.catalog[1].key, "orders", 6);
    assert_int_equal(d.catalog[1].vlen, 2);
    assert_memory_equal(d.catalog[1].value, "42", 2);
    assert_int_equal(d.catalog[2].klen, LOGENTRY_NOTIFY_CHANNEL_MAX);
    assert_int_equal(d.catalog[2].vlen, LOGENTRY_NOTIFY_PAYLOAD_MAX);
    logentry_free(&d);

    /* one byte over either bound, or an empty channel: the encoder refuses ... */
    logentry_catalog bad[3] = {c[2], c[2], c[1]};
    bad[0].klen++;
    bad[1].vlen++;
    bad[2].klen = 0;
    for (int i = 0; i < 3; i++) {
        codec_buf x;
        codec_buf_init(&x);
        e.catalog = &bad[i];
        e.ncatalog = 1;
        assert_int_equal(logentry_encode(&x, &e), CRDT_EINVAL);
        codec_buf_free(&x);
    }
    /* ... and so does the decoder: the same bytes with the 63-byte channel made 64 bytes
     * (length byte and one more 'c'), well formed otherwise */
    size_t at = 0;
    for (size_t i = 0; i + 2 < b.len; i++)
        if (b.data[i] == LOGENTRY_NOTIFY && b.data[i + 1] == LOGENTRY_NOTIFY_CHANNEL_MAX &&
            b.data[i + 2] == 'c')
            at = i + 1;
    assert_true(at > 0);
    uint8_t *x = malloc(b.len + 1);
    assert_non_null(x);
    memcpy(x, b.data, at);
    x[at] = LOGENTRY_NOTIFY_CHANNEL_MAX + 1;
    x[at + 1] = 'c';
    memcpy(x + at + 2, b.data + at + 1, b.len - at - 1);
    assert_int_equal(logentry_decode(x, b.len + 1, &d), CRDT_EBADENC);
    free(x);
    codec_buf_free(&b);
}

static void test_parts(void **state)
{
    (void)state;
    logentry e;
    logentry_init(&e);
    e.origin = 7;
    e.seq = 12;
    e.hlc = 99;
    e.part = 1;
    e.nparts = 3;
    causal_vv_set(&e.deps, 7, 11);
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    assert_int_equal(b.data[0], LOGENTRY_VERSION_PARTS);
    logentry d;
    assert_int_equal(logentry_decode(b.data, b.len, &d), 0);
    assert_int_equal(d.part, 1);
    assert_int_equal(d.nparts, 3);
    assert_int_equal(d.seq, 12);
    assert_int_equal(causal_vv_get(&d.deps, 7), 11);
    logentry_free(&d);
    uint16_t o;
    uint64_t q;
    causal_hlc h;
    assert_int_equal(logentry_peek(b.data, b.len, &o, &q, &h), 0);
    assert_int_equal(q, 12);
    /* a whole transaction stays version 1, byte for byte */
    e.part = 0;
    e.nparts = 1;
    codec_buf_reset(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    assert_int_equal(b.data[0], LOGENTRY_VERSION);
    assert_int_equal(logentry_decode(b.data, b.len, &d), 0);
    assert_int_equal(d.nparts, 1);
    logentry_free(&d);
    /* impossible parts */
    const uint32_t bad[][3] = {{3, 3, 12}, {5, 3, 12}, {0, LOGENTRY_MAX_PARTS + 1, 12},
                               {4, 6, 4}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e.part = bad[i][0];
        e.nparts = bad[i][1];
        e.seq = bad[i][2];
        codec_buf_reset(&b);
        assert_int_equal(logentry_encode(&b, &e), CRDT_EINVAL);
        /* the same, hand-made */
        codec_buf_reset(&b);
        codec_put_u8(&b, LOGENTRY_VERSION_PARTS);
        codec_put_u16(&b, 7);
        codec_put_u64(&b, bad[i][2]);
        codec_put_u64(&b, 99);
        codec_put_uvarint(&b, bad[i][0]);
        codec_put_uvarint(&b, bad[i][1]);
        codec_put_uvarint(&b, 0); /* deps */
        codec_put_uvarint(&b, 0); /* deltas */
        codec_put_uvarint(&b, 0); /* catalog */
        assert_int_equal(logentry_decode(b.data, b.len, &d), CRDT_EBADENC);
    }
    /* version 2 with n = 1 is not a part */
    codec_buf_reset(&b);
    codec_put_u8(&b, LOGENTRY_VERSION_PARTS);
    codec_put_u16(&b, 7);
    codec_put_u64(&b, 12);
    codec_put_u64(&b, 99);
    codec_put_uvarint(&b, 0);
    codec_put_uvarint(&b, 1);
    codec_put_uvarint(&b, 0);
    codec_put_uvarint(&b, 0);
    codec_put_uvarint(&b, 0);
    assert_int_equal(logentry_decode(b.data, b.len, &d), CRDT_EBADENC);
    logentry_free(&e);
    codec_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_truncations_and_trailing),
        cmocka_unit_test(test_hostile_count),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_notify_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
