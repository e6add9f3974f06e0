/* Unit tests for replication/replbatch: the POST /v1/deltas batch codec — round trip of entries
 * of several origins (bytes unchanged), the empty probe batch, and refusal of every malformed
 * form (truncation at every length, trailing bytes, bad version/sender, a bad entry inside,
 * a count the input cannot hold) without a partial result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replication/replbatch.h"
#include "storage/logentry.h"

/* A real log entry: origin, seq, deps {other: dep}, one delta and optionally a catalog put. */
static uint8_t *make_entry(uint16_t origin, uint64_t seq, uint16_t other, uint64_t dep,
                           bool catalog, size_t *len)
{
    logentry e;
    logentry_init(&e);
    e.origin = origin;
    e.seq = seq;
    e.hlc = CAUSAL_HLC_MAKE(1700000000000ull + seq, origin);
    assert_int_equal(causal_vv_set(&e.deps, origin, seq - 1), 0);
    if (other) assert_int_equal(causal_vv_set(&e.deps, other, dep), 0);
    static const uint8_t pk[] = {1, 2, 3}, delta[] = {9, 8, 7, 6};
    logentry_delta d = {.table_id = 7, .pk = pk, .pklen = sizeof pk, .delta = delta,
                        .dlen = sizeof delta};
    logentry_catalog c = {.op = LOGENTRY_CATALOG_PUT, .key = pk, .klen = 3, .value = delta,
                          .vlen = 4};
    e.deltas = &d;
    e.ndeltas = 1;
    if (catalog) {
        e.catalog = &c;
        e.ncatalog = 1;
    }
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    causal_vv_free(&e.deps);
    uint8_t *out = codec_buf_take(&b, len);
    codec_buf_free(&b);
    return out;
}

/* A batch from sender 3 with four entries: origin 1 seq 1..2, origin 2 seq 5 (dep on 1:2),
 * origin 3 seq 1 with a catalog change. */
static uint8_t *make_batch(size_t *len, uint8_t *entries[4], size_t elens[4])
{
    entries[0] = make_entry(1, 1, 0, 0, false, &elens[0]);
    entries[1] = make_entry(1, 2, 0, 0, false, &elens[1]);
    entries[2] = make_entry(2, 5, 1, 2, false, &elens[2]);
    entries[3] = make_entry(3, 1, 0, 0, true, &elens[3]);
    replbatch_writer w;
    replbatch_writer_init(&w, 3);
    for (int i = 0; i < 4; i++) assert_int_equal(replbatch_writer_add(&w, entries[i], elens[i]), 0);
    size_t expect = replbatch_writer_size(&w);
    uint8_t *out;
    assert_int_equal(replbatch_writer_finish(&w, &out, len), 0);
    assert_int_equal(*len, expect);
    replbatch_writer_free(&w);
    return out;
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t *entries[4];
    size_t elens[4], len;
    uint8_t *p = make_batch(&len, entries, elens);
    replbatch b;
    assert_int_equal(replbatch_decode(p, len, &b), 0);
    assert_int_equal(b.sender, 3);
    assert_int_equal(b.n, 4);
    uint16_t origins[] = {1, 1, 2, 3};
    uint64_t seqs[] = {1, 2, 5, 1};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(b.items[i].len, elens[i]);
        assert_memory_equal(b.items[i].entry, entries[i], elens[i]); /* relayed unchanged */
        assert_int_equal(b.items[i].origin, origins[i]);
        assert_int_equal(b.items[i].seq, seqs[i]);
        assert_int_equal(b.items[i].hlc, CAUSAL_HLC_MAKE(1700000000000ull + seqs[i], origins[i]));
        assert_int_equal(b.items[i].has_catalog, i == 3);
        free(entries[i]);
    }
    assert_int_equal(causal_vv_get(&b.items[2].deps, 1), 2);
    assert_int_equal(causal_vv_get(&b.items[2].deps, 2), 4);
    replbatch_free(&b);
    free(p);
}

static void test_empty_probe(void **state)
{
    (void)state;
    replbatch_writer w;
    replbatch_writer_init(&w, 42);
    uint8_t *p;
    size_t len;
    assert_int_equal(replbatch_writer_finish(&w, &p, &len), 0);
    assert_int_equal(len, 4);
    replbatch b;
    assert_int_equal(replbatch_decode(p, len, &b), 0);
    assert_int_equal(b.sender, 42);
    assert_int_equal(b.n, 0);
    replbatch_free(&b);
    free(p);
    replbatch_writer_free(&w);
}

static void test_every_truncation_refused(void **state)
{
    (void)state;
    uint8_t *entries[4];
    size_t elens[4], len;
    uint8_t *p = make_batch(&len, entries, elens);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *q = malloc(cut ? cut : 1); /* exact size so ASan sees any over-read */
        memcpy(q, p, cut);
        replbatch b;
        assert_int_not_equal(replbatch_decode(q, cut, &b), 0);
        assert_int_equal(b.n, 0);
        assert_null(b.items);
        free(q);
    }
    /* and a trailing byte */
    uint8_t *q = malloc(len + 1);
    memcpy(q, p, len);
    q[len] = 0;
    replbatch b;
    assert_int_equal(replbatch_decode(q, len + 1, &b), CRDT_EBADENC);
    free(q);
    for (int i = 0; i < 4; i++) free(entries[i]);
    free(p);
}

static void test_bad_header_refused(void **state)
{
    (void)state;
    uint8_t *entries[4];
    size_t elens[4], len;
    uint8_t *p = make_batch(&len, entries, elens);
    replbatch b;
    p[0] = 2; /* unknown version */
    assert_int_equal(replbatch_decode(p, len, &b), CRDT_EBADENC);
    p[0] = REPLBATCH_VERSION;
    p[1] = p[2] = 0; /* sender 0 */
    assert_int_equal(replbatch_decode(p, len, &b), CRDT_EBADENC);
    for (int i = 0; i < 4; i++) free(entries[i]);
    free(p);

    /* a count far beyond what the input can hold: refused before any allocation */
    uint8_t huge[] = {REPLBATCH_VERSION, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f};
    assert_int_not_equal(replbatch_decode(huge, sizeof huge, &b), 0);
    /* a count above the limit */
    uint8_t over[] = {REPLBATCH_VERSION, 0, 1, 0xa1, 0x8d, 0x06}; /* 100001 */
    assert_int_not_equal(replbatch_decode(over, sizeof over, &b), 0);
}

static void test_bad_entry_refuses_whole_batch(void **state)
{
    (void)state;
    uint8_t *entries[4];
    size_t elens[4], len;
    uint8_t *p = make_batch(&len, entries, elens);
    /* corrupt the last entry's version byte: the three good ones before it must not be
     * handed out either */
    size_t last = len - elens[3];
    assert_memory_equal(p + last, entries[3], elens[3]);
    p[last] = 99;
    replbatch b;
    assert_int_equal(replbatch_decode(p, len, &b), CRDT_EBADENC);
    assert_int_equal(b.n, 0);
    assert_null(b.items);
    for (int i = 0; i < 4; i++) free(entries[i]);
    free(p);
}

static void test_writer_reuse_and_limits(void **state)
{
    (void)state;
    replbatch_writer w;
    replbatch_writer_init(&w, 5);
    size_t elen;
    uint8_t *e = make_entry(5, 1, 0, 0, false, &elen);
    assert_int_equal(replbatch_writer_add(&w, e, elen), 0);
    uint8_t *p1, *p2;
    size_t l1, l2;
    assert_int_equal(replbatch_writer_finish(&w, &p1, &l1), 0);
    /* the writer is empty again: the next batch holds only what is added after */
    assert_int_equal(replbatch_writer_finish(&w, &p2, &l2), 0);
    assert_int_equal(l2, 4);
    assert_int_equal(l1, 4 + 1 + elen);
    assert_int_equal(replbatch_writer_add(&w, e, REPLBATCH_MAX_ENTRY + 1), CRDT_ELIMIT);
    replbatch_writer_free(&w);
    free(p1);
    free(p2);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_probe),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_bad_header_refused),
        cmocka_unit_test(test_bad_entry_refuses_whole_batch),
        cmocka_unit_test(test_writer_reuse_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
