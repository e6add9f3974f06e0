/* Bulk writes (crdt_row_set_add_many, crdt_row_map_put_many) give exactly what the per-element
 * calls give: two routes, one answer (DESIGN §9, sqlite's fuzzinvariants.c).
 *
 * A history runs three replicas that commit random operations on one column (adds, removes,
 * clears, row deletes; for the map puts and removes), deliver each other's commit deltas late,
 * partly or never, and gc with arbitrary floors, so the states hold concurrent copies of an
 * element, OR-Set tombstones, a gc floor, and causal contexts with clouds and bases. At random
 * points a replica commits a transaction of a few single operations followed by one batch
 * (duplicates within the batch, elements old and new, the empty element); the batch is applied
 * both ways and the state and the transaction's delta must encode to the same bytes, and the
 * batch with no delta must give the same state. Then also: refusals change nothing, and a
 * batch whose dots start at counter 1 (the cc base path) matches too.
 * CRDT_PROP_SEED=<n> reruns one history; CRDT_PROP_HISTORIES scales the count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/row.h"

#define NREP 3
#define MAX_DELTAS 48
#define MAX_BATCH 80
#define COL 7

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

static uint32_t pick(rng *r, uint32_t n)
{
    return (uint32_t)(next(r) % n);
}

typedef struct blob {
    uint8_t *p;
    size_t n;
} blob;

typedef struct replica {
    crdt_row row;
    uint16_t node;
    uint64_t seq;
} replica;

typedef struct history {
    uint64_t seed;
    rng r;
    int kind;
    replica rep[NREP];
    blob d[MAX_DELTAS];
    bool got[MAX_DELTAS][NREP];
    uint32_t nd;
    uint64_t batches; /* batches compared */
    char uniq[MAX_BATCH][16];
} history;

/* Encodes, and checks the encoding is canonical (decode -> encode gives it back). */
static blob encode(const history *h, const crdt_row *row)
{
    codec_buf b;
    codec_buf_init(&b);
    if (crdt_row_encode(&b, row)) fail_msg("seed %llu: encode failed", (unsigned long long)h->seed);
    blob out;
    out.p = codec_buf_take(&b, &out.n);
    crdt_row back;
    crdt_row_init(&back);
    if (crdt_row_decode(out.p, out.n, &back))
        fail_msg("seed %llu: decode of own encoding failed", (unsigned long long)h->seed);
    codec_buf_init(&b);
    crdt_row_encode(&b, &back);
    if (b.len != out.n || memcmp(b.data, out.p, out.n))
        fail_msg("seed %llu: encode->decode->encode differs", (unsigned long long)h->seed);
    codec_buf_free(&b);
    crdt_row_free(&back);
    return out;
}

static void expect_same(const history *h, const crdt_row *a, const crdt_row *b, const char *what)
{
    blob ea = encode(h, a), eb = encode(h, b);
    if (ea.n != eb.n || memcmp(ea.p, eb.p, ea.n)) {
        codec_buf ja, jb;
        codec_buf_init(&ja);
        codec_buf_init(&jb);
        crdt_row_describe(&ja, a);
        crdt_row_describe(&jb, b);
        print_error("%s differ (kind %d)\n  per element: %.*s\n  batch:       %.*s\n", what,
                    h->kind, (int)ja.len, (char *)ja.data, (int)jb.len, (char *)jb.data);
        fail_msg("seed %llu: %s", (unsigned long long)h->seed, what);
    }
    free(ea.p);
    free(eb.p);
}

static const char *const words[] = {"a", "b", "c d", "", "NULL", "e", "ff", "g"};
#define NWORDS 8
static const char *const jsons[] = {"1", "\"x\"", "[1, 2]", "null", "{\"k\": true}", ""};
#define NJSONS 6

static causal_dot next_dot(replica *rp, uint32_t *op)
{
    return causal_commit_dot(rp->node, rp->seq, (*op)++);
}

/* One random single operation of the history's kind; they never fail. */
static void random_op(history *h, replica *rp, crdt_row *delta, uint32_t *op)
{
    rng *r = &h->r;
    const char *w = words[pick(r, NWORDS)];
    int rc;
    if (pick(r, 9) == 0) {
        rc = crdt_row_delete(&rp->row, delta);
    } else if (h->kind == CRDT_KIND_LWWMAP) {
        causal_hlc ts = pick(r, 6);
        const char *j = jsons[pick(r, NJSONS)];
        if (pick(r, 3))
            rc = crdt_row_map_put(&rp->row, delta, COL, w, strlen(w), j, strlen(j), ts,
                                  next_dot(rp, op));
        else
            rc = crdt_row_map_remove(&rp->row, delta, COL, w, strlen(w), ts, next_dot(rp, op));
    } else {
        switch (pick(r, 6)) {
        case 0:
        case 1:
        case 2:
            rc = crdt_row_set_add(&rp->row, delta, COL, h->kind, w, strlen(w), next_dot(rp, op));
            break;
        case 3:
        case 4:
            rc = crdt_row_set_remove(&rp->row, delta, COL, h->kind, w, strlen(w));
            break;
        default:
            rc = crdt_row_set_clear(&rp->row, delta, COL, h->kind);
            break;
        }
    }
    if (rc) fail_msg("seed %llu: op failed: %s", (unsigned long long)h->seed, codec_strerror(rc));
}

static void queue(history *h, uint32_t ri, const crdt_row *delta)
{
    if (h->nd == MAX_DELTAS) return; /* the rest stays local: more divergence, also fine */
    h->d[h->nd] = encode(h, delta);
    memset(h->got[h->nd], 0, sizeof(h->got[h->nd]));
    h->got[h->nd][ri] = true;
    h->nd++;
}

static void commit(history *h, uint32_t ri)
{
    replica *rp = &h->rep[ri];
    crdt_row delta;
    crdt_row_init(&delta);
    rp->seq++;
    uint32_t op = 0, nops = 1 + pick(&h->r, 4);
    for (uint32_t i = 0; i < nops; i++)
        random_op(h, rp, &delta, &op);
    queue(h, ri, &delta);
    crdt_row_free(&delta);
}

static void deliver(history *h, uint32_t ri)
{
    if (!h->nd) return;
    uint32_t di = pick(&h->r, h->nd);
    if (h->got[di][ri] && pick(&h->r, 4)) return; /* duplicates now and then */
    crdt_row d;
    crdt_row_init(&d);
    if (crdt_row_decode(h->d[di].p, h->d[di].n, &d) || crdt_row_merge(&h->rep[ri].row, &d, NULL))
        fail_msg("seed %llu: merge failed", (unsigned long long)h->seed);
    h->got[di][ri] = true;
    crdt_row_free(&d);
}

/* gc with an arbitrary floor of commits already made (stability is not the point here: any
 * reachable state is a fair starting point). A floor reaching the replica's own last commit
 * makes its next batch's dots contiguous with the cc base. */
static void gc(history *h, uint32_t ri)
{
    causal_vv seqs, floor;
    causal_vv_init(&seqs);
    causal_vv_init(&floor);
    for (uint32_t i = 0; i < NREP; i++)
        causal_vv_set(&seqs, h->rep[i].node, pick(&h->r, (uint32_t)h->rep[i].seq + 1));
    causal_vv_set(&seqs, h->rep[ri].node, h->rep[ri].seq);
    causal_vv_to_dot_floor(&floor, &seqs);
    if (crdt_row_gc(&h->rep[ri].row, &floor))
        fail_msg("seed %llu: gc failed", (unsigned long long)h->seed);
    causal_vv_free(&seqs);
    causal_vv_free(&floor);
}

/* A transaction: a few single operations, then one batch applied both ways. */
static void batch(history *h, uint32_t ri)
{
    rng *r = &h->r;
    replica *rp = &h->rep[ri];
    crdt_row txd;
    crdt_row_init(&txd);
    rp->seq++;
    uint32_t op = 0, pre = pick(r, 3);
    for (uint32_t i = 0; i < pre; i++)
        random_op(h, rp, &txd, &op);

    const void *xs[MAX_BATCH], *js[MAX_BATCH];
    size_t ns[MAX_BATCH], jn[MAX_BATCH];
    uint8_t lv[MAX_BATCH]; /* maps: 0 = a removal in the batch (lwwmap_write_many) */
    size_t count = pick(r, 5) == 0 ? pick(r, 3) : 1 + pick(r, MAX_BATCH);
    for (size_t i = 0; i < count; i++) {
        uint32_t what = pick(r, 10);
        if (what < 6) { /* from the shared pool: duplicates and elements the state holds */
            xs[i] = words[pick(r, NWORDS)];
            ns[i] = strlen(xs[i]);
        } else if (what < 9) { /* new, sometimes repeated within the batch */
            snprintf(h->uniq[i], sizeof(h->uniq[i]), "u%u", pick(r, 12));
            xs[i] = h->uniq[i];
            ns[i] = strlen(xs[i]);
        } else { /* the empty element given as NULL */
            xs[i] = NULL;
            ns[i] = 0;
        }
        js[i] = jsons[pick(r, NJSONS)];
        jn[i] = strlen(js[i]);
        if (jn[i] == 0 && pick(r, 2)) js[i] = NULL;
        lv[i] = pick(r, 4) != 0;
    }
    bool mixed = h->kind == CRDT_KIND_LWWMAP && pick(r, 2); /* removals among the puts */
    causal_dot first = causal_commit_dot(rp->node, rp->seq, op);
    causal_hlc ts = pick(r, 6);

    crdt_row a, ad, b, bd, c;
    crdt_row_init(&a);
    crdt_row_init(&ad);
    crdt_row_init(&b);
    crdt_row_init(&bd);
    crdt_row_init(&c);
    crdt_row_copy(&a, &rp->row);
    crdt_row_copy(&b, &rp->row);
    crdt_row_copy(&c, &rp->row);
    crdt_row_copy(&ad, &txd);
    crdt_row_copy(&bd, &txd);
    for (size_t i = 0; i < count; i++) {
        causal_dot d = {first.node, first.counter + i};
        int rc = h->kind != CRDT_KIND_LWWMAP ? crdt_row_set_add(&a, &ad, COL, h->kind, xs[i], ns[i], d)
                 : mixed && !lv[i]           ? crdt_row_map_remove(&a, &ad, COL, xs[i], ns[i], ts, d)
                                             : crdt_row_map_put(&a, &ad, COL, xs[i], ns[i], js[i], jn[i], ts, d);
        if (rc)
            fail_msg("seed %llu: single op failed: %s", (unsigned long long)h->seed,
                     codec_strerror(rc));
    }
    int rb, rcn;
    if (h->kind == CRDT_KIND_LWWMAP) {
        if (mixed) {
            rb = crdt_row_map_write_many(&b, &bd, COL, xs, ns, js, jn, lv, count, ts, first);
            rcn = crdt_row_map_write_many(&c, NULL, COL, xs, ns, js, jn, lv, count, ts, first);
        } else {
            rb = crdt_row_map_put_many(&b, &bd, COL, xs, ns, js, jn, count, ts, first);
            rcn = crdt_row_map_put_many(&c, NULL, COL, xs, ns, js, jn, count, ts, first);
        }
    } else {
        rb = crdt_row_set_add_many(&b, &bd, COL, h->kind, xs, ns, count, first);
        rcn = crdt_row_set_add_many(&c, NULL, COL, h->kind, xs, ns, count, first);
    }
    if (rb || rcn)
        fail_msg("seed %llu: batch failed: %s", (unsigned long long)h->seed,
                 codec_strerror(rb ? rb : rcn));
    expect_same(h, &a, &b, "states after the batch");
    expect_same(h, &ad, &bd, "transaction deltas");
    expect_same(h, &a, &c, "states after the batch without a delta");
    h->batches++;

    /* the history goes on from one route or the other: both must be fit to build on */
    if (pick(r, 2)) {
        crdt_row_free(&rp->row);
        rp->row = a;
        crdt_row_free(&b);
        queue(h, ri, &ad);
    } else {
        crdt_row_free(&rp->row);
        rp->row = b;
        crdt_row_free(&a);
        queue(h, ri, &bd);
    }
    crdt_row_free(&ad);
    crdt_row_free(&bd);
    crdt_row_free(&c);
    crdt_row_free(&txd);
}

static uint64_t run_history(uint64_t seed, int kind)
{
    history *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    h->seed = seed;
    h->r.s = seed * 0x9E3779B97F4A7C15ull + 1;
    h->kind = kind;
    for (uint32_t i = 0; i < NREP; i++) {
        crdt_row_init(&h->rep[i].row);
        h->rep[i].node = (uint16_t)(1 + i * 7 + pick(&h->r, 7));
    }
    uint32_t steps = 20 + pick(&h->r, 40);
    for (uint32_t s = 0; s < steps; s++) {
        uint32_t ri = pick(&h->r, NREP), what = pick(&h->r, 12);
        if (what < 4)
            commit(h, ri);
        else if (what < 8)
            deliver(h, ri);
        else if (what < 9)
            gc(h, ri);
        else
            batch(h, ri);
    }
    batch(h, pick(&h->r, NREP)); /* at least one per history */
    uint64_t n = h->batches;
    for (uint32_t i = 0; i < NREP; i++)
        crdt_row_free(&h->rep[i].row);
    for (uint32_t i = 0; i < h->nd; i++)
        free(h->d[i].p);
    free(h);
    return n;
}

static void run_kind(int kind, uint64_t n)
{
    const char *one = getenv("CRDT_PROP_SEED");
    const char *scale = getenv("CRDT_PROP_HISTORIES");
    if (one) {
        run_history(strtoull(one, NULL, 10), kind);
        return;
    }
    if (scale) n = strtoull(scale, NULL, 10);
    uint64_t batches = 0;
    for (uint64_t i = 0; i < n; i++)
        batches += run_history((uint64_t)kind * 7000003u + i, kind);
    assert_true(batches >= n);
}

static void test_awset_batch_equals_single_adds(void **state)
{
    (void)state;
    run_kind(CRDT_KIND_AWSET, 400);
}

static void test_orset_batch_equals_single_adds(void **state)
{
    (void)state;
    run_kind(CRDT_KIND_ORSET, 400);
}

static void test_lwwmap_batch_equals_single_puts(void **state)
{
    (void)state;
    run_kind(CRDT_KIND_LWWMAP, 400);
}

static causal_dot dot(uint16_t n, uint64_t c)
{
    causal_dot d = {n, c};
    return d;
}

static blob snapshot(const crdt_row *r)
{
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(crdt_row_encode(&b, r), 0);
    blob out;
    out.p = codec_buf_take(&b, &out.n);
    return out;
}

static void assert_unchanged(const crdt_row *r, blob before)
{
    blob now = snapshot(r);
    assert_int_equal(now.n, before.n);
    assert_memory_equal(now.p, before.p, now.n);
    free(now.p);
}

/* Refused batches change neither the state nor the delta, and create no column. */
static void test_refusals_change_nothing(void **state)
{
    (void)state;
    crdt_row r, d;
    crdt_row_init(&r);
    crdt_row_init(&d);
    const void *xs[3] = {"x", "y", "z"};
    size_t ns[3] = {1, 1, 1};
    const void *js[3] = {"1", "2", "3"};
    size_t jn[3] = {1, 1, 1};
    assert_int_equal(crdt_row_set_add_many(&r, &d, 1, CRDT_KIND_AWSET, xs, ns, 3, dot(1, 10)), 0);
    assert_int_equal(crdt_row_set_add_many(&r, &d, 2, CRDT_KIND_ORSET, xs, ns, 3, dot(1, 20)), 0);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 3, xs, ns, js, jn, 3, 5, dot(1, 30)), 0);
    blob rs = snapshot(&r), ds = snapshot(&d);

    /* not a set; a set column of the other kind; a map call on a set column */
    assert_int_equal(crdt_row_set_add_many(&r, &d, 4, CRDT_KIND_LWWMAP, xs, ns, 3, dot(1, 40)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_set_add_many(&r, &d, 1, CRDT_KIND_ORSET, xs, ns, 3, dot(1, 40)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 1, xs, ns, js, jn, 3, 5, dot(1, 40)),
                     CRDT_EINVAL);
    /* bad dot ranges */
    assert_int_equal(crdt_row_set_add_many(&r, &d, 1, CRDT_KIND_AWSET, xs, ns, 3, dot(0, 40)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_set_add_many(&r, &d, 2, CRDT_KIND_ORSET, xs, ns, 3, dot(1, 0)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 3, xs, ns, js, jn, 3, 5, dot(1, UINT64_MAX - 1)),
                     CRDT_EINVAL);
    /* a dot the column has seen, last in the range (the first two would be fresh) */
    assert_int_equal(crdt_row_set_add_many(&r, &d, 1, CRDT_KIND_AWSET, xs, ns, 3, dot(1, 8)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_set_add_many(&r, &d, 2, CRDT_KIND_ORSET, xs, ns, 3, dot(1, 18)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 3, xs, ns, js, jn, 3, 5, dot(1, 28)),
                     CRDT_EINVAL);
    /* an element, key or JSON text over the limit, last in the batch */
    size_t big = CRDT_MAX_VALUE + 1;
    char *huge = calloc(1, big);
    assert_non_null(huge);
    const void *hx[2] = {"ok", huge};
    size_t hn[2] = {2, big}, small[2] = {2, 1};
    const void *hj[2] = {"1", huge};
    assert_int_equal(crdt_row_set_add_many(&r, &d, 1, CRDT_KIND_AWSET, hx, hn, 2, dot(1, 50)),
                     CRDT_ELIMIT);
    assert_int_equal(crdt_row_set_add_many(&r, &d, 2, CRDT_KIND_ORSET, hx, hn, 2, dot(1, 50)),
                     CRDT_ELIMIT);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 3, hx, hn, js, jn, 2, 5, dot(1, 50)),
                     CRDT_ELIMIT);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 3, xs, small, hj, hn, 2, 5, dot(1, 50)),
                     CRDT_ELIMIT);
    free(huge);
    /* an empty batch is no call at all: no column appears */
    assert_int_equal(crdt_row_set_add_many(&r, &d, 9, CRDT_KIND_AWSET, NULL, NULL, 0, dot(0, 0)),
                     0);
    assert_int_equal(crdt_row_map_put_many(&r, &d, 9, NULL, NULL, NULL, NULL, 0, 5, dot(0, 0)), 0);
    assert_null(crdt_row_get(&r, 9));
    assert_null(crdt_row_get(&d, 9));
    assert_null(crdt_row_get(&r, 4));
    assert_int_equal(r.ncols, 3);
    assert_int_equal(d.ncols, 3);
    assert_unchanged(&r, rs);
    assert_unchanged(&d, ds);

    /* the batch range check */
    assert_int_equal(kernel_check_many(dot(1, 1), (size_t)CRDT_MAX_ENTRIES + 1), CRDT_ELIMIT);
    assert_int_equal(kernel_check_many(dot(1, UINT64_MAX), 1), 0);
    assert_int_equal(kernel_check_many(dot(1, UINT64_MAX), 2), CRDT_EINVAL);
    assert_int_equal(kernel_check_many(dot(0, 0), 0), 0);
    free(rs.p);
    free(ds.p);
    crdt_row_free(&r);
    crdt_row_free(&d);
}

/* Dots from counter 1 on an empty row: the batch's dots all become the cc base. Also a batch
 * whose dots interleave, by node, with the entries already held. */
static void test_small_counters(void **state)
{
    (void)state;
    history h;
    memset(&h, 0, sizeof(h));
    const void *xs[6] = {"p", "q", "p", "", "q", "r"};
    size_t ns[6] = {1, 1, 1, 0, 1, 1};
    const void *js[6] = {"1", "2", "3", "4", "5", "6"};
    size_t jn[6] = {1, 1, 1, 1, 1, 1};
    const int kinds[3] = {CRDT_KIND_AWSET, CRDT_KIND_ORSET, CRDT_KIND_LWWMAP};
    for (int t = 0; t < 3; t++) {
        h.kind = kinds[t];
        crdt_row a, ad, b, bd;
        crdt_row_init(&a);
        crdt_row_init(&ad);
        crdt_row_init(&b);
        crdt_row_init(&bd);
        /* held: node 5's "p" and node 2's "q"; the batch comes from node 3, between them */
        for (int pass = 0; pass < 2; pass++) {
            crdt_row *s = pass ? &b : &a;
            if (h.kind == CRDT_KIND_LWWMAP) {
                assert_int_equal(crdt_row_map_put(s, NULL, COL, "p", 1, "0", 1, 9, dot(5, 1)), 0);
                assert_int_equal(crdt_row_map_put(s, NULL, COL, "q", 1, "0", 1, 1, dot(2, 7)), 0);
            } else {
                assert_int_equal(crdt_row_set_add(s, NULL, COL, h.kind, "p", 1, dot(5, 1)), 0);
                assert_int_equal(crdt_row_set_add(s, NULL, COL, h.kind, "q", 1, dot(2, 7)), 0);
            }
        }
        for (size_t i = 0; i < 6; i++) {
            if (h.kind == CRDT_KIND_LWWMAP)
                assert_int_equal(
                    crdt_row_map_put(&a, &ad, COL, xs[i], ns[i], js[i], jn[i], 4, dot(3, 1 + i)),
                    0);
            else
                assert_int_equal(
                    crdt_row_set_add(&a, &ad, COL, h.kind, xs[i], ns[i], dot(3, 1 + i)), 0);
        }
        if (h.kind == CRDT_KIND_LWWMAP)
            assert_int_equal(crdt_row_map_put_many(&b, &bd, COL, xs, ns, js, jn, 6, 4, dot(3, 1)),
                             0);
        else
            assert_int_equal(crdt_row_set_add_many(&b, &bd, COL, h.kind, xs, ns, 6, dot(3, 1)), 0);
        expect_same(&h, &a, &b, "states");
        expect_same(&h, &ad, &bd, "deltas");
        if (h.kind == CRDT_KIND_AWSET) {
            const crdt_obj *o = crdt_row_get(&bd, COL);
            assert_non_null(o);
            /* (3, 1..6) and the observed (5, 1) fold into the base; the observed (2, 7) does not */
            assert_int_equal(causal_vv_get(&o->u.k.cc.base, 3), 6);
            assert_int_equal(causal_vv_get(&o->u.k.cc.base, 5), 1);
            assert_int_equal(o->u.k.cc.ncloud, 1);
            assert_int_equal(o->u.k.cc.cloud[0].node, 2);
            assert_int_equal(o->u.k.len, 4); /* last p, q, "", r */
        }
        crdt_row_free(&a);
        crdt_row_free(&ad);
        crdt_row_free(&b);
        crdt_row_free(&bd);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awset_batch_equals_single_adds),
        cmocka_unit_test(test_orset_batch_equals_single_adds),
        cmocka_unit_test(test_lwwmap_batch_equals_single_puts),
        cmocka_unit_test(test_refusals_change_nothing),
        cmocka_unit_test(test_small_counters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
