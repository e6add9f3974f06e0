/* Property tests for the CRDT laws (DESIGN §9), over random operation histories.
 *
 * A history runs 3-5 replicas. Each step either commits a transaction at one replica (1-3
 * random operations on one row, collected in one commit delta, dots from causal_commit_dot) or
 * delivers a queued delta to a replica, in random order and sometimes twice. Checked:
 *   - convergence: after everything is delivered, every replica encodes to the same bytes;
 *   - merge is commutative, associative and idempotent on snapshots taken during the history;
 *   - merging the deltas a replica applied equals merging its full state;
 *   - gc with a stable floor (commits delivered everywhere) never changes the visible value,
 *     and replicas gc'd with the same floor still converge byte for byte;
 *   - encode -> decode -> encode is the identity for every state and delta.
 * Modes: one mode per CRDT kind (a row with that single column) and a mixed mode (every kind,
 * plus row presence). Seeds: CRDT_PROP_SEED=<n> reruns one history; CRDT_PROP_HISTORIES scales. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/row.h"

#define MAX_REPLICAS 5
#define MAX_DELTAS 64
#define MAX_SNAPS 16

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

typedef struct delta_rec {
    blob enc;
    uint16_t node;
    uint64_t seq;
    bool applied[MAX_REPLICAS];
} delta_rec;

typedef struct replica {
    crdt_row row;
    uint16_t node;
    uint64_t seq;
    uint32_t inbox[MAX_DELTAS * 3];
    uint32_t ninbox;
} replica;

typedef struct history {
    uint64_t seed;
    rng r;
    int mode; /* a CRDT_KIND_* for single-column mode, 0 for mixed */
    uint32_t nrep;
    replica rep[MAX_REPLICAS];
    delta_rec d[MAX_DELTAS];
    uint32_t nd;
    blob snap[MAX_SNAPS];
    uint32_t nsnap;
    bool gc_done;
} history;

static const int kinds[] = {CRDT_KIND_GCOUNTER, CRDT_KIND_PNCOUNTER, CRDT_KIND_LWW,
                            CRDT_KIND_MVREG,    CRDT_KIND_ORSET,     CRDT_KIND_AWSET,
                            CRDT_KIND_LWWMAP};
#define NKINDS 7

static blob encode(history *h, const crdt_row *row)
{
    codec_buf b;
    codec_buf_init(&b);
    if (crdt_row_encode(&b, row)) fail_msg("seed %llu: encode failed", (unsigned long long)h->seed);
    blob out;
    out.p = codec_buf_take(&b, &out.n);
    /* round trip: decode and re-encode must give the same bytes */
    crdt_row back;
    crdt_row_init(&back);
    if (crdt_row_decode(out.p, out.n, &back)) fail_msg("seed %llu: decode of own encoding failed", (unsigned long long)h->seed);
    codec_buf_init(&b);
    crdt_row_encode(&b, &back);
    if (b.len != out.n || memcmp(b.data, out.p, out.n))
        fail_msg("seed %llu: encode->decode->encode differs", (unsigned long long)h->seed);
    codec_buf_free(&b);
    crdt_row_free(&back);
    return out;
}

static bool blob_eq(blob a, blob b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static void decode(history *h, blob b, crdt_row *row)
{
    if (crdt_row_decode(b.p, b.n, row)) fail_msg("seed %llu: decode failed", (unsigned long long)h->seed);
}

static void expect_same(history *h, blob a, blob b, const char *what)
{
    if (blob_eq(a, b)) return;
    crdt_row ra, rb;
    crdt_row_init(&ra);
    crdt_row_init(&rb);
    decode(h, a, &ra);
    decode(h, b, &rb);
    codec_buf ja, jb;
    codec_buf_init(&ja);
    codec_buf_init(&jb);
    crdt_row_describe(&ja, &ra);
    crdt_row_describe(&jb, &rb);
    print_error("%s differ (mode %d)\n  A: %.*s\n  B: %.*s\n", what, h->mode, (int)ja.len,
                (char *)ja.data, (int)jb.len, (char *)jb.data);
    fail_msg("seed %llu: %s", (unsigned long long)h->seed, what);
}

/* Everything a reader can see: visibility and every column rendered. */
static blob visible(const crdt_row *row)
{
    codec_buf b;
    codec_buf_init(&b);
    codec_put_u8(&b, crdt_row_visible(row));
    for (int i = 0; i < NKINDS; i++) {
        bool is_null;
        codec_put_u16(&b, (uint16_t)(i + 1));
        crdt_row_render(&b, row, (uint16_t)(i + 1), kinds[i], &is_null);
        codec_put_u8(&b, is_null ? 0xff : 0);
    }
    blob out;
    out.p = codec_buf_take(&b, &out.n);
    return out;
}

static const char *const words[] = {"a", "b", "c d", "", "NULL", "e"};
static const char *const jsons[] = {"1", "\"x\"", "[1, 2]", "null", "{\"k\": true}"};

/* One random operation on column of kind k; returns 0 or an expected refusal. */
static int random_op(history *h, replica *rp, crdt_row *delta, int kind, uint32_t *op)
{
    rng *r = &h->r;
    uint16_t col = 0;
    for (int i = 0; i < NKINDS; i++)
        if (kinds[i] == kind) col = (uint16_t)(i + 1);
    causal_dot d = causal_commit_dot(rp->node, rp->seq, (*op)++);
    const char *w = words[pick(r, 6)];
    causal_hlc ts = pick(r, 8); /* small range: many exact ties, resolved by node */
    switch (kind) {
    case CRDT_KIND_GCOUNTER:
        return crdt_row_counter_add(&rp->row, delta, col, kind, rp->node, pick(r, 5));
    case CRDT_KIND_PNCOUNTER:
        if (pick(r, 2)) return crdt_row_counter_add(&rp->row, delta, col, kind, rp->node, (int64_t)pick(r, 9) - 4);
        return crdt_row_counter_sub(&rp->row, delta, col, rp->node, pick(r, 5));
    case CRDT_KIND_LWW: {
        crdt_value v;
        crdt_value_init(&v);
        switch (pick(r, 4)) {
        case 0: crdt_value_set_bytes(&v, CRDT_V_TEXT, w, strlen(w)); break;
        case 1: v.type = CRDT_V_INT8; v.u.i = (int64_t)pick(r, 100) - 50; break;
        case 2: v.type = CRDT_V_FLOAT8; v.u.f = pick(r, 100) / 8.0; break;
        default: break; /* NULL */
        }
        int rc = crdt_row_lww_assign(&rp->row, delta, col, &v, ts, d);
        crdt_value_free(&v);
        return rc;
    }
    case CRDT_KIND_MVREG: return crdt_row_mv_assign(&rp->row, delta, col, w, strlen(w), d);
    case CRDT_KIND_ORSET:
    case CRDT_KIND_AWSET:
        switch (pick(r, 5)) {
        case 0:
        case 1:
        case 2: return crdt_row_set_add(&rp->row, delta, col, kind, w, strlen(w), d);
        case 3: return crdt_row_set_remove(&rp->row, delta, col, kind, w, strlen(w));
        default: return crdt_row_set_clear(&rp->row, delta, col, kind);
        }
    default: {
        const char *key = words[pick(r, 3)];
        const char *json = jsons[pick(r, 5)];
        if (pick(r, 3))
            return crdt_row_map_put(&rp->row, delta, col, key, strlen(key), json, strlen(json), ts, d);
        return crdt_row_map_remove(&rp->row, delta, col, key, strlen(key), ts, d);
    }
    }
}

static void commit(history *h, uint32_t ri)
{
    replica *rp = &h->rep[ri];
    crdt_row delta;
    crdt_row_init(&delta);
    rp->seq++;
    uint32_t op = 0, nops = 1 + pick(&h->r, 3);
    for (uint32_t i = 0; i < nops; i++) {
        uint32_t what = pick(&h->r, 10);
        int rc;
        if (what == 0) {
            rc = crdt_row_delete(&rp->row, &delta);
        } else if (what == 1 && h->mode == 0) {
            rc = crdt_row_touch(&rp->row, causal_commit_dot(rp->node, rp->seq, op++), &delta);
        } else {
            int kind = h->mode ? h->mode : kinds[pick(&h->r, NKINDS)];
            rc = random_op(h, rp, &delta, kind, &op);
        }
        if (rc && rc != CRDT_EOVERFLOW)
            fail_msg("seed %llu: op failed: %s", (unsigned long long)h->seed, codec_strerror(rc));
    }
    delta_rec *dr = &h->d[h->nd];
    memset(dr, 0, sizeof(*dr));
    dr->enc = encode(h, &delta);
    dr->node = rp->node;
    dr->seq = rp->seq;
    dr->applied[ri] = true;
    for (uint32_t j = 0; j < h->nrep; j++)
        if (j != ri) h->rep[j].inbox[h->rep[j].ninbox++] = h->nd;
    h->nd++;
    crdt_row_free(&delta);
}

static void deliver(history *h, uint32_t ri, uint32_t slot)
{
    replica *rp = &h->rep[ri];
    uint32_t di = rp->inbox[slot];
    rp->inbox[slot] = rp->inbox[--rp->ninbox];
    if (pick(&h->r, 6) == 0) rp->inbox[rp->ninbox++] = di; /* deliver again later: duplicate */
    crdt_row d;
    crdt_row_init(&d);
    decode(h, h->d[di].enc, &d);
    if (crdt_row_merge(&rp->row, &d, NULL)) fail_msg("seed %llu: merge failed", (unsigned long long)h->seed);
    h->d[di].applied[ri] = true;
    crdt_row_free(&d);
}

/* Per origin: the highest seq s such that commits 1..s are applied at every replica. */
static void stable_floor(history *h, causal_vv *dot_floor)
{
    causal_vv seqs;
    causal_vv_init(&seqs);
    for (uint32_t n = 0; n < h->nrep; n++) {
        uint64_t s = 0;
        for (bool more = true; more;) {
            more = false;
            for (uint32_t i = 0; i < h->nd; i++) {
                if (h->d[i].node != h->rep[n].node || h->d[i].seq != s + 1) continue;
                bool all = true;
                for (uint32_t j = 0; j < h->nrep; j++) all &= h->d[i].applied[j];
                if (all) {
                    s++;
                    more = true;
                }
            }
        }
        causal_vv_set(&seqs, h->rep[n].node, s);
    }
    causal_vv_to_dot_floor(dot_floor, &seqs);
    causal_vv_free(&seqs);
}

/* gc on a copy never changes what a reader sees. Map tombstones need a strongly stable floor
 * (row.h), which mid-history floors are not, so the live state is only gc'd without maps. */
static void check_gc(history *h, uint32_t ri)
{
    causal_vv f;
    causal_vv_init(&f);
    stable_floor(h, &f);
    crdt_row copy;
    crdt_row_init(&copy);
    crdt_row_copy(&copy, &h->rep[ri].row);
    blob before = visible(&copy);
    crdt_row_gc(&copy, &f);
    blob after = visible(&copy);
    if (!blob_eq(before, after)) fail_msg("seed %llu: gc changed the visible value", (unsigned long long)h->seed);
    blob enc = encode(h, &copy); /* still canonical */
    free(enc.p);
    if (h->mode != CRDT_KIND_LWWMAP && h->mode != 0 && pick(&h->r, 2)) {
        crdt_row_gc(&h->rep[ri].row, &f);
        h->gc_done = true;
    }
    free(before.p);
    free(after.p);
    crdt_row_free(&copy);
    causal_vv_free(&f);
}

/* Merging the deltas replica y applied into x equals merging y's full state into x. */
static void check_delta_vs_state(history *h, uint32_t x, uint32_t y)
{
    crdt_row a, b;
    crdt_row_init(&a);
    crdt_row_init(&b);
    crdt_row_copy(&a, &h->rep[x].row);
    crdt_row_copy(&b, &h->rep[x].row);
    crdt_row_merge(&a, &h->rep[y].row, NULL);
    for (uint32_t i = 0; i < h->nd; i++) {
        if (!h->d[i].applied[y]) continue;
        crdt_row d;
        crdt_row_init(&d);
        decode(h, h->d[i].enc, &d);
        crdt_row_merge(&b, &d, NULL);
        crdt_row_free(&d);
    }
    blob ea = encode(h, &a), eb = encode(h, &b);
    expect_same(h, ea, eb, "delta merge vs state merge");
    free(ea.p);
    free(eb.p);
    crdt_row_free(&a);
    crdt_row_free(&b);
}

static blob merged(history *h, blob a, blob b)
{
    crdt_row ra, rb;
    crdt_row_init(&ra);
    crdt_row_init(&rb);
    decode(h, a, &ra);
    decode(h, b, &rb);
    crdt_row_merge(&ra, &rb, NULL);
    blob out = encode(h, &ra);
    crdt_row_free(&ra);
    crdt_row_free(&rb);
    return out;
}

static void check_laws(history *h)
{
    for (int t = 0; t < 4 && h->nsnap; t++) {
        blob a = h->snap[pick(&h->r, h->nsnap)], b = h->snap[pick(&h->r, h->nsnap)],
             c = h->snap[pick(&h->r, h->nsnap)];
        blob ab = merged(h, a, b), ba = merged(h, b, a), aa = merged(h, a, a);
        expect_same(h, ab, ba, "a+b vs b+a");
        expect_same(h, aa, a, "a+a vs a");
        blob ab_c = merged(h, ab, c), bc = merged(h, b, c), a_bc = merged(h, a, bc);
        expect_same(h, ab_c, a_bc, "(a+b)+c vs a+(b+c)");
        free(ab.p);
        free(ba.p);
        free(aa.p);
        free(ab_c.p);
        free(bc.p);
        free(a_bc.p);
    }
}

static void run_history(uint64_t seed, int mode)
{
    history *h = calloc(1, sizeof(*h));
    assert_non_null(h);
    h->seed = seed;
    h->r.s = seed * 0x9E3779B97F4A7C15ull + 1;
    h->mode = mode;
    h->nrep = 3 + pick(&h->r, 3);
    for (uint32_t i = 0; i < h->nrep; i++) {
        crdt_row_init(&h->rep[i].row);
        h->rep[i].node = (uint16_t)(1 + i * 7 + pick(&h->r, 7)); /* sparse, ordered node ids */
    }
    uint32_t steps = 20 + pick(&h->r, 40);
    for (uint32_t s = 0; s < steps; s++) {
        uint32_t ri = pick(&h->r, h->nrep);
        uint32_t what = pick(&h->r, 10);
        if (what < 4 && h->nd < MAX_DELTAS) {
            commit(h, ri);
        } else if (what < 9 && h->rep[ri].ninbox) {
            deliver(h, ri, pick(&h->r, h->rep[ri].ninbox));
        } else if (what == 9) {
            if (!h->gc_done && pick(&h->r, 2)) check_delta_vs_state(h, ri, pick(&h->r, h->nrep));
            else check_gc(h, ri);
        }
        if (h->nsnap < MAX_SNAPS && pick(&h->r, 3) == 0) h->snap[h->nsnap++] = encode(h, &h->rep[ri].row);
    }
    /* flush: deliver everything left, in random order, duplicates included */
    for (uint32_t ri = 0; ri < h->nrep; ri++)
        while (h->rep[ri].ninbox) deliver(h, ri, pick(&h->r, h->rep[ri].ninbox));
    check_laws(h);

    blob first = encode(h, &h->rep[0].row);
    if (!h->gc_done) {
        for (uint32_t ri = 1; ri < h->nrep; ri++) {
            blob e = encode(h, &h->rep[ri].row);
            expect_same(h, first, e, "converged replicas");
            free(e.p);
        }
    }
    /* gc every replica with the final (stable) floor: values unchanged, still identical */
    causal_vv f;
    causal_vv_init(&f);
    stable_floor(h, &f);
    blob vis = visible(&h->rep[0].row), gc_first = {NULL, 0};
    for (uint32_t ri = 0; ri < h->nrep; ri++) {
        crdt_row_gc(&h->rep[ri].row, &f);
        blob v = visible(&h->rep[ri].row), e = encode(h, &h->rep[ri].row);
        if (!blob_eq(v, vis)) {
            codec_buf j;
            codec_buf_init(&j);
            crdt_row_describe(&j, &h->rep[ri].row);
            print_error("after gc (replica %u): %.*s\n", ri, (int)j.len, (char *)j.data);
            for (size_t q = 0; q < vis.n; q++) print_error("%02x", vis.p[q]);
            print_error("\n");
            for (size_t q = 0; q < v.n; q++) print_error("%02x", v.p[q]);
            print_error("\n");
            codec_buf_free(&j);
            fail_msg("seed %llu: gc changed the value", (unsigned long long)seed);
        }
        if (ri == 0) gc_first = e;
        else {
            expect_same(h, gc_first, e, "gc'd replicas");
            free(e.p);
        }
        free(v.p);
    }
    free(gc_first.p);
    free(vis.p);
    free(first.p);
    causal_vv_free(&f);
    for (uint32_t i = 0; i < h->nrep; i++) crdt_row_free(&h->rep[i].row);
    for (uint32_t i = 0; i < h->nd; i++) free(h->d[i].enc.p);
    for (uint32_t i = 0; i < h->nsnap; i++) free(h->snap[i].p);
    free(h);
}

static uint64_t histories(uint64_t dflt)
{
    const char *s = getenv("CRDT_PROP_HISTORIES");
    return s ? strtoull(s, NULL, 10) : dflt;
}

static void run_mode(int mode, uint64_t n)
{
    const char *one = getenv("CRDT_PROP_SEED");
    if (one) {
        run_history(strtoull(one, NULL, 10), mode);
        return;
    }
    for (uint64_t i = 0; i < n; i++) run_history((uint64_t)mode * 1000003u + i, mode);
}

#define MODE_TEST(name, mode, n)      \
    static void name(void **state)    \
    {                                 \
        (void)state;                  \
        run_mode(mode, histories(n)); \
    }
MODE_TEST(test_gcounter_laws, CRDT_KIND_GCOUNTER, 300)
MODE_TEST(test_pncounter_laws, CRDT_KIND_PNCOUNTER, 300)
MODE_TEST(test_lww_laws, CRDT_KIND_LWW, 300)
MODE_TEST(test_mvreg_laws, CRDT_KIND_MVREG, 300)
MODE_TEST(test_orset_laws, CRDT_KIND_ORSET, 400)
MODE_TEST(test_awset_laws, CRDT_KIND_AWSET, 400)
MODE_TEST(test_lwwmap_laws, CRDT_KIND_LWWMAP, 400)
MODE_TEST(test_row_laws, 0, 1000)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcounter_laws), cmocka_unit_test(test_pncounter_laws),
        cmocka_unit_test(test_lww_laws),      cmocka_unit_test(test_mvreg_laws),
        cmocka_unit_test(test_orset_laws),    cmocka_unit_test(test_awset_laws),
        cmocka_unit_test(test_lwwmap_laws),   cmocka_unit_test(test_row_laws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
