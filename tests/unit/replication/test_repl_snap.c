/* Unit tests for replication/replsnap: the state-transfer / anti-entropy codec — round trips
 * of every message type (CHUNK, DIGEST_REQ, DIGEST, ROWS), refusal of every truncation, of
 * trailing bytes, unknown version/type/flags/kinds, empty keys, unsorted or out-of-range
 * buckets and counts the input cannot hold; and the digest tree: leaves independent of
 * insertion order, sensitive to a value change in exactly one leaf, and equal for equal sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replication/replsnap.h"

static const uint8_t rowkey1[] = {0, 0, 0, 5, 'a'}, rowkey2[] = {0, 0, 0, 5, 'b', 'c'};
static const uint8_t catkey[] = "table.t";
static const uint8_t val1[] = {1, 2, 3}, val2[] = {9};

static void sample_items(storage_item it[3])
{
    it[0] = (storage_item){STORAGE_ITEM_CATALOG, catkey, sizeof catkey - 1, val1, sizeof val1};
    it[1] = (storage_item){STORAGE_ITEM_ROW, rowkey1, sizeof rowkey1, val2, sizeof val2};
    it[2] = (storage_item){STORAGE_ITEM_ROW, rowkey2, sizeof rowkey2, val1, 0};
}

static uint8_t *make_chunk(size_t *len, bool last)
{
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(causal_vv_set(&vv, 1, 42), 0);
    assert_int_equal(causal_vv_set(&vv, 3, 7), 0);
    codec_buf b;
    codec_buf_init(&b);
    size_t at;
    assert_int_equal(replsnap_chunk_begin(&b, 0x1122334455667788ull, 3, last, &vv, &at), 0);
    storage_item it[3];
    sample_items(it);
    size_t before = b.len;
    for (int i = 0; i < 3; i++) assert_int_equal(replsnap_put_item(&b, &it[i]), 0);
    size_t expect = 0;
    for (int i = 0; i < 3; i++) expect += replsnap_item_size(&it[i]);
    assert_int_equal(b.len - before, expect);
    assert_int_equal(replsnap_finish(&b, at, 3), 0);
    causal_vv_free(&vv);
    uint8_t *out = codec_buf_take(&b, len);
    codec_buf_free(&b);
    return out;
}

static void check_items(const replsnap_msg *m)
{
    storage_item it[3];
    sample_items(it);
    assert_int_equal(m->nitems, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(m->items[i].kind, it[i].kind);
        assert_int_equal(m->items[i].klen, it[i].klen);
        assert_memory_equal(m->items[i].key, it[i].key, it[i].klen);
        assert_int_equal(m->items[i].vlen, it[i].vlen);
        if (it[i].vlen) assert_memory_equal(m->items[i].val, it[i].val, it[i].vlen);
    }
}

static void test_chunk_round_trip(void **state)
{
    (void)state;
    for (int last = 0; last < 2; last++) {
        size_t len;
        uint8_t *body = make_chunk(&len, last);
        replsnap_msg m;
        assert_int_equal(replsnap_decode(body, len, &m), 0);
        assert_int_equal(m.type, REPLSNAP_CHUNK);
        assert_true(m.session == 0x1122334455667788ull);
        assert_int_equal(m.index, 3);
        assert_int_equal(m.last, last);
        assert_int_equal(causal_vv_get(&m.vv, 1), 42);
        assert_int_equal(causal_vv_get(&m.vv, 3), 7);
        check_items(&m);
        replsnap_msg_free(&m);
        free(body);
    }
}

/* Every proper prefix and one trailing byte are refused, with nothing left allocated. */
static void refuse_prefixes_and_trailer(const uint8_t *body, size_t len)
{
    for (size_t n = 0; n < len; n++) {
        replsnap_msg m;
        assert_true(replsnap_decode(body, n, &m) < 0);
        replsnap_msg_free(&m);
    }
    uint8_t *longer = malloc(len + 1);
    memcpy(longer, body, len);
    longer[len] = 0;
    replsnap_msg m;
    assert_int_equal(replsnap_decode(longer, len + 1, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    free(longer);
}

static void test_chunk_refusals(void **state)
{
    (void)state;
    size_t len;
    uint8_t *body = make_chunk(&len, true);
    refuse_prefixes_and_trailer(body, len);
    replsnap_msg m;
    /* version */
    body[0] = 2;
    assert_int_equal(replsnap_decode(body, len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    body[0] = REPLSNAP_VERSION;
    /* type */
    body[1] = 9;
    assert_int_equal(replsnap_decode(body, len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    body[1] = REPLSNAP_CHUNK;
    /* flags: offset 2 + 8 + 4 */
    body[14] = 3;
    assert_int_equal(replsnap_decode(body, len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    body[14] = 1;
    /* the first item's kind sits right after the vv and the u32 count; find it */
    assert_int_equal(replsnap_decode(body, len, &m), 0);
    size_t kind_at = (size_t)(m.items[0].key - body) - 2; /* kind, klen (1 byte) */
    replsnap_msg_free(&m);
    body[kind_at] = 7;
    assert_int_equal(replsnap_decode(body, len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    body[kind_at] = STORAGE_ITEM_CATALOG;
    /* a count the input cannot hold: patch the u32 count before the first item */
    uint8_t save[4];
    memcpy(save, body + kind_at - 4, 4);
    memset(body + kind_at - 4, 0x00, 4);
    body[kind_at - 4 + 1] = 0x0f; /* ~1M items in a few bytes */
    assert_true(replsnap_decode(body, len, &m) < 0);
    replsnap_msg_free(&m);
    memset(body + kind_at - 4, 0xff, 4); /* above REPLSNAP_MAX_ITEMS */
    assert_int_equal(replsnap_decode(body, len, &m), CRDT_ELIMIT);
    replsnap_msg_free(&m);
    memcpy(body + kind_at - 4, save, 4);
    /* an empty key */
    body[kind_at + 1] = 0;
    assert_true(replsnap_decode(body, len, &m) < 0);
    replsnap_msg_free(&m);
    free(body);
}

static void test_rows_round_trip_and_buckets(void **state)
{
    (void)state;
    causal_vv floor;
    causal_vv_init(&floor);
    assert_int_equal(causal_vv_set(&floor, 2, 5), 0);
    uint16_t buckets[] = {0, 17, 4095};
    codec_buf b;
    codec_buf_init(&b);
    size_t at;
    assert_int_equal(replsnap_rows_begin(&b, &floor, &floor, buckets, 3, &at), 0);
    storage_item it[3];
    sample_items(it);
    for (int i = 0; i < 3; i++) assert_int_equal(replsnap_put_item(&b, &it[i]), 0);
    assert_int_equal(replsnap_finish(&b, at, 3), 0);
    replsnap_msg m;
    assert_int_equal(replsnap_decode(b.data, b.len, &m), 0);
    assert_int_equal(m.type, REPLSNAP_ROWS);
    assert_int_equal(causal_vv_get(&m.vv, 2), 5);
    assert_int_equal(causal_vv_get(&m.sender_vv, 2), 5);
    assert_int_equal(m.nbuckets, 3);
    assert_int_equal(m.buckets[2], 4095);
    check_items(&m);
    replsnap_msg_free(&m);
    refuse_prefixes_and_trailer(b.data, b.len);
    /* buckets not strictly ascending, and out of range; the bucket list starts after the
     * version, type, vv and the uvarint count: find the 17 */
    size_t p = 0;
    while (p + 1 < b.len && !(b.data[p] == 0 && b.data[p + 1] == 17)) p++;
    b.data[p + 1] = 0; /* 0, 0: not ascending */
    assert_int_equal(replsnap_decode(b.data, b.len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    b.data[p + 1] = 17;
    b.data[p + 2] = 0x10; /* 4095 -> 0x10ff = 4351: out of range */
    assert_int_equal(replsnap_decode(b.data, b.len, &m), CRDT_EBADENC);
    replsnap_msg_free(&m);
    codec_buf_free(&b);
    /* no buckets, too many buckets: refused by the encoder */
    codec_buf_init(&b);
    assert_int_equal(replsnap_rows_begin(&b, &floor, &floor, buckets, 0, &at), CRDT_EINVAL);
    assert_int_equal(replsnap_rows_begin(&b, &floor, &floor, buckets, REPLSNAP_BUCKETS + 1, &at),
                     CRDT_EINVAL);
    codec_buf_free(&b);
    causal_vv_free(&floor);
}

static void test_digest_round_trip(void **state)
{
    (void)state;
    replsnap_leaf *l = calloc(REPLSNAP_BUCKETS, sizeof *l);
    l[0] = (replsnap_leaf){1, 2, 3};
    l[4095] = (replsnap_leaf){UINT32_MAX, UINT64_MAX, 7};
    causal_vv floor;
    causal_vv_init(&floor);
    assert_int_equal(causal_vv_set(&floor, 9, 1), 0);
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(replsnap_digest_encode(&b, &floor, l), 0);
    replsnap_msg m;
    assert_int_equal(replsnap_decode(b.data, b.len, &m), 0);
    assert_int_equal(m.type, REPLSNAP_DIGEST);
    assert_memory_equal(m.leaves, l, REPLSNAP_BUCKETS * sizeof *l);
    assert_int_equal(causal_vv_get(&m.vv, 9), 1);
    replsnap_msg_free(&m);
    /* prefixes: every 997th length keeps the test fast on an 80 KiB body */
    for (size_t n = 0; n < b.len; n += 997) {
        assert_true(replsnap_decode(b.data, n, &m) < 0);
        replsnap_msg_free(&m);
    }
    assert_true(replsnap_decode(b.data, b.len - 1, &m) < 0);
    replsnap_msg_free(&m);
    codec_buf_free(&b);

    codec_buf_init(&b);
    assert_int_equal(replsnap_digest_req_encode(&b, &floor), 0);
    assert_int_equal(replsnap_decode(b.data, b.len, &m), 0);
    assert_int_equal(m.type, REPLSNAP_DIGEST_REQ);
    assert_int_equal(causal_vv_get(&m.vv, 9), 1);
    replsnap_msg_free(&m);
    refuse_prefixes_and_trailer(b.data, b.len);
    codec_buf_free(&b);
    causal_vv_free(&floor);
    free(l);
}

static int leaves_differ(const replsnap_leaf *a, const replsnap_leaf *b)
{
    int n = 0;
    for (int i = 0; i < REPLSNAP_BUCKETS; i++)
        if (a[i].count != b[i].count || a[i].h1 != b[i].h1 || a[i].h2 != b[i].h2) n++;
    return n;
}

static void test_digest_tree(void **state)
{
    (void)state;
    enum { N = 500 };
    static uint8_t keys[N][8], vals[N][4];
    storage_item it[N];
    for (int i = 0; i < N; i++) {
        keys[i][0] = keys[i][1] = keys[i][2] = 0;
        keys[i][3] = 5;
        keys[i][4] = (uint8_t)(i >> 8);
        keys[i][5] = (uint8_t)i;
        memcpy(vals[i], "v", 1);
        vals[i][1] = (uint8_t)i;
        it[i] = (storage_item){STORAGE_ITEM_ROW, keys[i], 6, vals[i], 2};
    }
    replsnap_leaf *a = calloc(REPLSNAP_BUCKETS, sizeof *a);
    replsnap_leaf *b = calloc(REPLSNAP_BUCKETS, sizeof *b);
    for (int i = 0; i < N; i++) replsnap_leaf_add(a, &it[i], NULL, 0);
    for (int i = N - 1; i >= 0; i--) replsnap_leaf_add(b, &it[i], NULL, 0);
    assert_int_equal(leaves_differ(a, b), 0); /* order does not matter */
    uint32_t total = 0;
    for (int i = 0; i < REPLSNAP_BUCKETS; i++) total += a[i].count;
    assert_int_equal(total, N);

    /* one changed value: exactly its leaf differs */
    memset(b, 0, REPLSNAP_BUCKETS * sizeof *b);
    uint8_t other[2] = {'w', 0};
    for (int i = 0; i < N; i++) {
        if (i == 123)
            replsnap_leaf_add(b, &it[i], other, sizeof other);
        else
            replsnap_leaf_add(b, &it[i], NULL, 0);
    }
    assert_int_equal(leaves_differ(a, b), 1);
    uint32_t k = replsnap_bucket_of(&it[123]);
    assert_int_equal(a[k].count, b[k].count);
    assert_true(a[k].h1 != b[k].h1 && a[k].h2 != b[k].h2);

    /* a missing row: its leaf differs in count */
    memset(b, 0, REPLSNAP_BUCKETS * sizeof *b);
    for (int i = 0; i < N; i++)
        if (i != 7) replsnap_leaf_add(b, &it[i], NULL, 0);
    assert_int_equal(leaves_differ(a, b), 1);
    k = replsnap_bucket_of(&it[7]);
    assert_int_equal(a[k].count, b[k].count + 1);

    /* the same key as a catalog item lands on its own (kind is hashed) */
    storage_item cat = it[0];
    cat.kind = STORAGE_ITEM_CATALOG;
    memset(b, 0, REPLSNAP_BUCKETS * sizeof *b);
    replsnap_leaf_add(b, &cat, NULL, 0);
    replsnap_leaf *c = calloc(REPLSNAP_BUCKETS, sizeof *c);
    replsnap_leaf_add(c, &it[0], NULL, 0);
    assert_true(leaves_differ(b, c) >= 1);
    free(a);
    free(b);
    free(c);
}

static void test_choose_sender(void **state)
{
    (void)state;
    replsnap_sender slow = {.up = true, .rtt_us = 300000, .idle_ms = 200};
    replsnap_sender near = {.up = true, .rtt_us = 2000, .idle_ms = 0};
    replsnap_sender similar = {.up = true, .rtt_us = 200000, .idle_ms = 0};
    replsnap_sender unknown = {.up = true, .rtt_us = 0, .idle_ms = 0};
    /* a much nearer peer takes over a running transfer from a far one, not the reverse */
    assert_int_equal(replsnap_choose_sender(&slow, &near), REPLSNAP_SWITCH_NEARER);
    assert_int_equal(replsnap_choose_sender(&near, &slow), REPLSNAP_KEEP);
    /* no churn between peers of similar distance, nor on an unknown RTT */
    assert_int_equal(replsnap_choose_sender(&slow, &similar), REPLSNAP_KEEP);
    assert_int_equal(replsnap_choose_sender(&slow, &unknown), REPLSNAP_KEEP);
    /* the running sender stalls or goes away: fail over to anyone */
    replsnap_sender stalled = slow;
    stalled.idle_ms = REPLSNAP_STALL_MS + 4 * 300 + 1;
    assert_int_equal(replsnap_choose_sender(&stalled, &similar), REPLSNAP_SWITCH_STALLED);
    stalled.idle_ms = REPLSNAP_STALL_MS + 4 * 300; /* a slow link gets its round trips */
    assert_int_equal(replsnap_choose_sender(&stalled, &similar), REPLSNAP_KEEP);
    replsnap_sender gone = near;
    gone.up = false;
    assert_int_equal(replsnap_choose_sender(&gone, &slow), REPLSNAP_SWITCH_GONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_round_trip),
        cmocka_unit_test(test_chunk_refusals),
        cmocka_unit_test(test_rows_round_trip_and_buckets),
        cmocka_unit_test(test_digest_round_trip),
        cmocka_unit_test(test_digest_tree),
        cmocka_unit_test(test_choose_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
