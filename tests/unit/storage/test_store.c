/* Unit tests for storage/storage: node identity, locked directory, atomic commit, seq
 * reservations, idempotent remote apply and causal refusal, group commit and the durable
 * watermark, snapshot isolation, overlay reads, log retention, GC, backup and restore.
 *
 * Rows use a toy CRDT: the state and every delta are a u64 (big-endian) and merge is max.
 * GC treats state 1 as a tombstone (dropped once a stable vv is set) and rewrites state 2
 * into 3, so its effect is observable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/storage.h"

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static int max_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    if (dlen != 8 || (old && oldlen != 8)) return -1;
    uint64_t v = get_u64(delta);
    if (old && get_u64(old) > v) v = get_u64(old);
    *out = malloc(8);
    if (!*out) return -1;
    put_u64(*out, v);
    *outlen = 8;
    return 0;
}

static int toy_gc(void *ctx, const causal_vv *stable, const uint8_t *state, size_t len,
                  uint8_t **out, size_t *outlen, bool *drop)
{
    *out = NULL;
    *drop = false;
    if (len != 8) return 0;
    uint64_t v = get_u64(state);
    if (v == 1) *drop = true;
    if (v == 2) {
        *out = malloc(8);
        if (!*out) return -1;
        put_u64(*out, 3);
        *outlen = 8;
    }
    return 0;
}

typedef struct fixture {
    char dir[256];
    storage *s;
    storage_opts o;
} fixture;

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static void rm_rf(const char *p)
{
    nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/helios-store-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    strcat(f->dir, "/data");
    storage_opts_init(&f->o);
    f->o.data_dir = f->dir;
    f->o.node_id = 1;
    f->o.node_name = "n1";
    f->o.merge = max_merge;
    f->o.gc = toy_gc;
    f->o.block_cache_bytes = 4u << 20;
    if (storage_open(&f->o, &f->s) != 0) {
        fprintf(stderr, "open: %s\n", storage_errmsg());
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    char *slash = strrchr(f->dir, '/');
    *slash = 0;
    rm_rf(f->dir);
    free(f);
    return 0;
}

static void pk_int(uint8_t out[9], int64_t k)
{
    keycodec_value v = {.type = KEYCODEC_INT, .u.i = k};
    codec_buf b;
    codec_buf_init(&b);
    keycodec_encode_value(&b, &v);
    memcpy(out, b.data, 9);
    codec_buf_free(&b);
}

/* Commits value v to row k of table t (blocking); returns the status. */
static int commit1(storage *s, uint32_t t, int64_t k, uint64_t v, uint64_t *seq)
{
    uint8_t pk[9], d[8];
    pk_int(pk, k);
    put_u64(d, v);
    logentry_delta del = {t, pk, 9, d, 8};
    storage_commit_req req = {0};
    req.deltas = &del;
    req.ndeltas = 1;
    req.hlc = 1000;
    int rc = storage_commit(s, &req);
    if (seq) *seq = req.out_seq;
    return rc;
}

static int64_t read_row(storage *s, const storage_snapshot *snap, uint32_t t, int64_t k)
{
    uint8_t pk[9];
    pk_int(pk, k);
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = storage_get(s, snap, t, pk, 9, &v, &n);
    if (rc == STORAGE_ENOTFOUND) return -1;
    assert_int_equal(rc, 0);
    assert_int_equal(n, 8);
    int64_t r = (int64_t)get_u64(v);
    free(v);
    return r;
}

static void test_identity(void **state)
{
    fixture *f = *state;
    assert_int_equal(storage_node_id(f->s), 1);
    storage_close(f->s);
    f->s = NULL;
    storage_opts o = f->o;
    o.node_name = "other";
    storage *s2 = NULL;
    assert_int_equal(storage_open(&o, &s2), STORAGE_EIDENTITY);
    assert_non_null(strstr(storage_errmsg(), "belongs to node 'n1' (id 1)"));
    o.node_name = "n1";
    o.node_id = 2;
    assert_int_equal(storage_open(&o, &s2), STORAGE_EIDENTITY);
    assert_int_equal(storage_open(&f->o, &f->s), 0);
}

static void test_locked(void **state)
{
    fixture *f = *state;
    storage *s2 = NULL;
    assert_int_equal(storage_open(&f->o, &s2), STORAGE_ELOCKED);
    assert_null(s2);
    char want[64];
    snprintf(want, sizeof(want), "(pid %ld)", (long)getpid());
    assert_non_null(strstr(storage_errmsg(), "is locked by another heliosdb process"));
    assert_non_null(strstr(storage_errmsg(), want));
}

static void test_atomic_commit(void **state)
{
    fixture *f = *state;
    uint8_t pk1[9], pk2[9], d1[8], d2[8];
    pk_int(pk1, 10);
    pk_int(pk2, 11);
    put_u64(d1, 5);
    put_u64(d2, 9);
    /* two deltas on one row in the same commit: the second merge sees the first */
    logentry_delta del[3] = {{1, pk1, 9, d1, 8}, {1, pk2, 9, d1, 8}, {1, pk1, 9, d2, 8}};
    static const uint8_t ck[] = "table/1", cv[] = "def";
    logentry_catalog cat = {LOGENTRY_CATALOG_PUT, ck, 7, cv, 3};
    storage_commit_req req = {0};
    req.deltas = del;
    req.ndeltas = 3;
    req.catalog = &cat;
    req.ncatalog = 1;
    req.hlc = 77;
    assert_int_equal(storage_commit(f->s, &req), 0);
    assert_int_equal(req.out_seq, 1);
    assert_int_equal(read_row(f->s, NULL, 1, 10), 9);
    assert_int_equal(read_row(f->s, NULL, 1, 11), 5);
    uint8_t *v;
    size_t n;
    assert_int_equal(storage_catalog_get(f->s, ck, 7, &v, &n), 0);
    assert_memory_equal(v, "def", 3);
    free(v);

    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s, &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 1);
    causal_vv_free(&vv);
    assert_int_equal(storage_durable_seq(f->s), 1);

    /* the log entry holds exactly what was committed */
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, 1, &li), 0);
    uint64_t seq;
    const uint8_t *e;
    size_t elen;
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 1);
    logentry le;
    assert_int_equal(logentry_decode(e, elen, &le), 0);
    assert_int_equal(le.origin, 1);
    assert_int_equal(le.seq, 1);
    assert_int_equal(le.hlc, 77);
    assert_int_equal(le.ndeltas, 3);
    assert_int_equal(le.ncatalog, 1);
    logentry_free(&le);
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 0);
    storage_log_iter_del(li);

    /* survives a reopen */
    storage_close(f->s);
    assert_int_equal(storage_open(&f->o, &f->s), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 10), 9);
    uint64_t next;
    assert_int_equal(storage_next_seq(f->s, &next), 0);
    assert_int_equal(next, 2);
    assert_int_equal(storage_abandon_seq(f->s, next), 0);
}

static void test_merge_failure_consumes_seq(void **state)
{
    fixture *f = *state;
    uint8_t pk[9], bad[3] = {1, 2, 3};
    pk_int(pk, 1);
    logentry_delta del = {1, pk, 9, bad, 3};
    storage_commit_req req = {0};
    req.deltas = &del;
    req.ndeltas = 1;
    assert_int_equal(storage_commit(f->s, &req), STORAGE_EMERGE);
    assert_int_equal(read_row(f->s, NULL, 1, 1), -1);
    uint64_t seq;
    assert_int_equal(commit1(f->s, 1, 1, 4, &seq), 0);
    assert_int_equal(seq, 2); /* seq 1 was filled by an empty entry */
}

typedef struct order_rec {
    pthread_mutex_t mu;
    uint64_t order[8];
    int n;
} order_rec;

static void on_ordered(storage_commit_req *req)
{
    order_rec *r = req->user;
    pthread_mutex_lock(&r->mu);
    r->order[r->n++] = req->status == 0 ? req->out_seq : 0;
    pthread_mutex_unlock(&r->mu);
}

static void test_reservations_in_order(void **state)
{
    fixture *f = *state;
    uint64_t a, b, c;
    assert_int_equal(storage_next_seq(f->s, &a), 0);
    assert_int_equal(storage_next_seq(f->s, &b), 0);
    assert_int_equal(storage_next_seq(f->s, &c), 0);
    assert_int_equal(b, a + 1);
    order_rec rec = {.mu = PTHREAD_MUTEX_INITIALIZER};
    uint8_t pk[9], d[8];
    pk_int(pk, 3);
    put_u64(d, 30);
    logentry_delta del = {1, pk, 9, d, 8};
    storage_commit_req rc_req = {.seq = c, .deltas = &del, .ndeltas = 1, .cb = on_ordered,
                                 .user = &rec};
    assert_int_equal(storage_commit_async(f->s, &rc_req), 0);
    /* c must wait for a and b; abandon a, then commit b blocking */
    assert_int_equal(storage_abandon_seq(f->s, a), 0);
    storage_commit_req rb = {.seq = b, .deltas = &del, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &rb), 0);
    /* c completes in the same or a later group: wait for it through the vv */
    for (;;) {
        pthread_mutex_lock(&rec.mu);
        int n = rec.n;
        pthread_mutex_unlock(&rec.mu);
        if (n == 1) break;
        usleep(1000);
    }
    assert_int_equal(rec.order[0], c);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, 1, &li), 0);
    uint64_t seq, expect = 1;
    const uint8_t *e;
    size_t n;
    while (storage_log_iter_next(li, &seq, &e, &n) == 1) assert_int_equal(seq, expect++);
    assert_int_equal(expect, c + 1); /* no hole */
    storage_log_iter_del(li);
    /* a reservation already used is refused */
    storage_commit_req again = {.seq = b, .deltas = &del, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &again), STORAGE_EINVAL);
}

/* Expects the origin-1 log from seq `from` to hold `n` entries, consecutive, with the given
 * numbers of deltas. */
static void expect_log(storage *s, uint64_t from, const size_t *ndeltas, int n)
{
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(s, 1, from, &li), 0);
    uint64_t seq;
    const uint8_t *e;
    size_t elen;
    for (int i = 0; i < n; i++) {
        assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 1);
        assert_int_equal(seq, from + (uint64_t)i);
        logentry le;
        assert_int_equal(logentry_decode(e, elen, &le), 0);
        assert_int_equal(le.ndeltas, ndeltas[i]);
        logentry_free(&le);
    }
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 0);
    storage_log_iter_del(li);
}

/* A commit spanning several seqs (storage_next_seqs): its entry at the first, empty entries
 * at the rest, the vv past them all; a span given back is filled; an entry larger than
 * LOGENTRY_MAX_ENTRY is refused with its whole span filled, and commits go on. */
static void test_seq_spans(void **state)
{
    fixture *f = *state;
    uint64_t a, b, c;
    assert_int_equal(storage_next_seqs(f->s, 3, &a), 0);
    assert_int_equal(storage_next_seq(f->s, &b), 0);
    assert_int_equal(b, a + 3);
    assert_int_equal(storage_next_seqs(f->s, 0, &c), STORAGE_EINVAL);
    uint8_t pk[9], d[8];
    pk_int(pk, 5);
    put_u64(d, 50);
    logentry_delta del = {1, pk, 9, d, 8};
    /* a span reaching past what was reserved is refused */
    storage_commit_req past = {.seq = b, .nseqs = 2, .deltas = &del, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &past), STORAGE_EINVAL);
    storage_commit_req req = {.seq = a, .nseqs = 3, .deltas = &del, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &req), 0);
    assert_int_equal(req.out_seq, a);
    assert_int_equal(read_row(f->s, NULL, 1, 5), 50);
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s, &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), a + 2);
    causal_vv_free(&vv);
    put_u64(d, 60); /* the toy merge keeps the maximum */
    storage_commit_req rb = {.seq = b, .deltas = &del, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &rb), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 5), 60);
    const size_t first[] = {1, 0, 0, 1};
    expect_log(f->s, a, first, 4);

    /* given back: two empty entries */
    assert_int_equal(storage_next_seqs(f->s, 2, &c), 0);
    assert_int_equal(storage_abandon_seqs(f->s, c, 2), 0);
    /* too large to ship: refused, its span filled, nothing of it applied */
    size_t big = LOGENTRY_MAX_ENTRY + 16;
    uint8_t *huge = calloc(1, big);
    assert_non_null(huge);
    uint8_t pk2[9];
    pk_int(pk2, 6);
    logentry_delta hd = {1, pk2, 9, huge, big};
    uint64_t h;
    assert_int_equal(storage_next_seqs(f->s, 2, &h), 0);
    assert_int_equal(h, c + 2);
    storage_commit_req hr = {.seq = h, .nseqs = 2, .deltas = &hd, .ndeltas = 1};
    assert_int_equal(storage_commit(f->s, &hr), STORAGE_ETOOBIG);
    assert_non_null(strstr(hr.errmsg, "the limit is 64 MiB"));
    free(huge);
    assert_int_equal(read_row(f->s, NULL, 1, 6), -1);
    uint64_t seq;
    assert_int_equal(commit1(f->s, 1, 5, 70, &seq), 0);
    assert_int_equal(seq, h + 2);
    assert_int_equal(read_row(f->s, NULL, 1, 5), 70);
    const size_t rest[] = {0, 0, 0, 0, 1};
    expect_log(f->s, c, rest, 5);
}

/* Builds the bytes of a remote entry from origin o, seq s with deps, one delta. */
static void remote_entry(codec_buf *b, uint16_t o, uint64_t s, const causal_vv *deps,
                         int64_t k, uint64_t v)
{
    static uint8_t pk[9], d[8];
    pk_int(pk, k);
    put_u64(d, v);
    logentry_delta del = {1, pk, 9, d, 8};
    logentry e;
    logentry_init(&e);
    e.origin = o;
    e.seq = s;
    e.hlc = 5;
    causal_vv_copy(&e.deps, deps);
    e.deltas = &del;
    e.ndeltas = 1;
    codec_buf_reset(b);
    assert_int_equal(logentry_encode(b, &e), 0);
    causal_vv_free(&e.deps);
}

static int apply_remote(storage *s, const codec_buf *b, bool *skipped)
{
    storage_commit_req req = {.entry = b->data, .entry_len = b->len};
    int rc = storage_commit_remote(s, &req);
    if (skipped) *skipped = req.skipped;
    return rc;
}

/* Part `part` of `nparts` of origin 2's transaction at seq, one delta of `dlen` bytes (8:
 * value v for row k; 0: no delta; other: a delta the merge refuses). */
static void part_entry(codec_buf *b, uint64_t seq, uint32_t part, uint32_t nparts,
                       const causal_vv *deps, int64_t k, uint64_t v, size_t dlen)
{
    static uint8_t pk[9], d[8];
    pk_int(pk, k);
    put_u64(d, v);
    logentry_delta del = {1, pk, 9, d, dlen};
    logentry e;
    logentry_init(&e);
    e.origin = 2;
    e.seq = seq;
    e.hlc = 5;
    e.part = part;
    e.nparts = nparts;
    causal_vv_copy(&e.deps, deps);
    e.deltas = dlen ? &del : NULL;
    e.ndeltas = dlen ? 1 : 0;
    codec_buf_reset(b);
    assert_int_equal(logentry_encode(b, &e), 0);
    causal_vv_free(&e.deps);
}

typedef struct chain_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int left;
} chain_wait;

static void on_chain_part(storage_commit_req *req)
{
    chain_wait *w = req->user;
    pthread_mutex_lock(&w->mu);
    if (--w->left == 0) pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Applies the n entries as one transaction's parts; fills status[] and skipped[]. */
static void apply_chain(storage *s, codec_buf *bs, int n, int *status, bool *skipped)
{
    chain_wait w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, n};
    storage_commit_req reqs[4];
    storage_commit_req *rp[4];
    memset(reqs, 0, sizeof reqs);
    for (int i = 0; i < n; i++) {
        reqs[i].entry = bs[i].data;
        reqs[i].entry_len = bs[i].len;
        reqs[i].cb = on_chain_part;
        reqs[i].user = &w;
        rp[i] = &reqs[i];
    }
    assert_int_equal(storage_commit_remote_chain_async(s, rp, (uint32_t)n), 0);
    pthread_mutex_lock(&w.mu);
    while (w.left > 0) pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    for (int i = 0; i < n; i++) {
        status[i] = reqs[i].status;
        skipped[i] = reqs[i].skipped;
    }
}

/* A remote transaction in parts (logentry.h): applied together or not at all; a part alone is
 * refused. */
static void test_remote_parts(void **state)
{
    fixture *f = *state;
    codec_buf bs[3];
    causal_vv deps;
    causal_vv_init(&deps);
    for (int i = 0; i < 3; i++) codec_buf_init(&bs[i]);
    part_entry(&bs[0], 1, 0, 3, &deps, 60, 1, 8);
    causal_vv_set(&deps, 2, 1);
    part_entry(&bs[1], 2, 1, 3, &deps, 61, 2, 3); /* its merge fails */
    causal_vv_set(&deps, 2, 2);
    part_entry(&bs[2], 3, 2, 3, &deps, 0, 0, 0);
    int st[3];
    bool sk[3];

    /* a part on its own */
    assert_int_equal(apply_remote(f->s, &bs[0], NULL), STORAGE_EBADENTRY);
    assert_int_equal(read_row(f->s, NULL, 1, 60), -1);
    /* the second part fails: the first is taken back, every part reports the failure */
    apply_chain(f->s, bs, 3, st, sk);
    for (int i = 0; i < 3; i++) assert_int_equal(st[i], STORAGE_EMERGE);
    assert_int_equal(read_row(f->s, NULL, 1, 60), -1);
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s, &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 2), 0);
    /* parts out of their transaction's order are refused */
    causal_vv_free(&deps);
    causal_vv_set(&deps, 2, 1);
    part_entry(&bs[1], 2, 1, 3, &deps, 61, 2, 8);
    codec_buf swapped[3] = {bs[1], bs[0], bs[2]};
    apply_chain(f->s, swapped, 3, st, sk);
    assert_int_not_equal(st[0], 0);
    assert_int_equal(read_row(f->s, NULL, 1, 60), -1);
    /* whole: applied together */
    apply_chain(f->s, bs, 3, st, sk);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(st[i], 0);
        assert_false(sk[i]);
    }
    assert_int_equal(read_row(f->s, NULL, 1, 60), 1);
    assert_int_equal(read_row(f->s, NULL, 1, 61), 2);
    assert_int_equal(storage_vv(f->s, &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 2), 3);
    /* again: skipped */
    apply_chain(f->s, bs, 3, st, sk);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(st[i], 0);
        assert_true(sk[i]);
    }
    causal_vv_free(&vv);
    causal_vv_free(&deps);
    for (int i = 0; i < 3; i++) codec_buf_free(&bs[i]);
}

/* A local commit too large for one entry is written as parts of at most LOGENTRY_PART_BYTES,
 * the rest of its span empty parts. */
static void test_local_parts(void **state)
{
    fixture *f = *state;
    enum { N = 400000 }; /* 23 bytes each: two parts */
    uint8_t(*pks)[9] = malloc(sizeof *pks * N);
    uint8_t(*ds)[8] = malloc(sizeof *ds * N);
    logentry_delta *dl = malloc(sizeof *dl * N);
    assert_non_null(pks);
    assert_non_null(ds);
    assert_non_null(dl);
    for (int i = 0; i < N; i++) {
        pk_int(pks[i], 1000 + i);
        put_u64(ds[i], (uint64_t)i + 1);
        dl[i] = (logentry_delta){1, pks[i], 9, ds[i], 8};
    }
    uint64_t seq;
    assert_int_equal(storage_next_seqs(f->s, 3, &seq), 0);
    storage_commit_req req = {.seq = seq, .nseqs = 3, .deltas = dl, .ndeltas = N};
    assert_int_equal(storage_commit(f->s, &req), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 1000 + N - 1), N);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, seq, &li), 0);
    uint64_t q;
    const uint8_t *e;
    size_t elen, total = 0;
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(storage_log_iter_next(li, &q, &e, &elen), 1);
        assert_int_equal(q, seq + i);
        logentry le;
        assert_int_equal(logentry_decode(e, elen, &le), 0);
        assert_int_equal(le.part, i);
        assert_int_equal(le.nparts, 3);
        assert_true(elen <= LOGENTRY_PART_BYTES + 64);
        assert_true(i < 2 ? le.ndeltas > 0 : le.ndeltas == 0);
        total += le.ndeltas;
        logentry_free(&le);
    }
    assert_int_equal(total, N);
    assert_int_equal(storage_log_iter_next(li, &q, &e, &elen), 0);
    storage_log_iter_del(li);
    /* more parts than the span reserved (three needed, two reserved): refused, its span
       filled, nothing applied */
    for (int i = 0; i < N; i++) pk_int(pks[i], 5000000 + i);
    logentry_delta *twice = malloc(sizeof *twice * 2 * N);
    assert_non_null(twice);
    memcpy(twice, dl, sizeof *dl * N);
    memcpy(twice + N, dl, sizeof *dl * N); /* the same rows twice: 18 MiB of deltas */
    assert_int_equal(storage_next_seqs(f->s, 2, &seq), 0);
    storage_commit_req tight = {.seq = seq, .nseqs = 2, .deltas = twice, .ndeltas = 2 * N};
    assert_int_equal(storage_commit(f->s, &tight), STORAGE_ETOOBIG);
    free(twice);
    assert_int_equal(read_row(f->s, NULL, 1, 5000000), -1);
    uint64_t next;
    assert_int_equal(commit1(f->s, 1, 7, 7, &next), 0);
    assert_int_equal(next, seq + 2);
    free(pks);
    free(ds);
    free(dl);
}

static void test_remote_apply(void **state)
{
    fixture *f = *state;
    codec_buf b;
    codec_buf_init(&b);
    causal_vv deps;
    causal_vv_init(&deps);
    bool skipped;

    /* (2,1) depends on nothing */
    remote_entry(&b, 2, 1, &deps, 50, 7);
    assert_int_equal(apply_remote(f->s, &b, &skipped), 0);
    assert_false(skipped);
    assert_int_equal(read_row(f->s, NULL, 1, 50), 7);

    /* applying it again changes nothing */
    assert_int_equal(apply_remote(f->s, &b, &skipped), 0);
    assert_true(skipped);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 2, 1, &li), 0);
    uint64_t seq;
    const uint8_t *e;
    size_t n;
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &n), 1);
    assert_int_equal(n, b.len);
    assert_memory_equal(e, b.data, n); /* recorded unchanged, for relay */
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &n), 0);
    storage_log_iter_del(li);

    /* (3,1) depends on (2,2), which is missing: refused, nothing changes */
    causal_vv_set(&deps, 2, 2);
    remote_entry(&b, 3, 1, &deps, 51, 9);
    assert_int_equal(apply_remote(f->s, &b, NULL), STORAGE_EDEPS);
    assert_int_equal(read_row(f->s, NULL, 1, 51), -1);
    /* a gap in the origin's own sequence is refused too */
    causal_vv_free(&deps);
    causal_vv_set(&deps, 2, 2);
    codec_buf gap;
    codec_buf_init(&gap);
    remote_entry(&gap, 2, 3, &deps, 52, 1);
    assert_int_equal(apply_remote(f->s, &gap, NULL), STORAGE_EDEPS);

    /* deliver (2,2), then (3,1) applies */
    causal_vv_free(&deps);
    causal_vv_set(&deps, 2, 1);
    codec_buf b22;
    codec_buf_init(&b22);
    remote_entry(&b22, 2, 2, &deps, 50, 8);
    assert_int_equal(apply_remote(f->s, &b22, NULL), 0);
    assert_int_equal(apply_remote(f->s, &b, NULL), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 51), 9);
    causal_vv vv;
    causal_vv_init(&vv);
    storage_vv(f->s, &vv);
    assert_int_equal(causal_vv_get(&vv, 2), 2);
    assert_int_equal(causal_vv_get(&vv, 3), 1);

    /* a local commit depends on everything applied */
    uint64_t s1;
    assert_int_equal(commit1(f->s, 1, 1, 1, &s1), 0);
    assert_int_equal(storage_log_iter_new(f->s, 1, s1, &li), 0);
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &n), 1);
    logentry le;
    assert_int_equal(logentry_decode(e, n, &le), 0);
    assert_int_equal(causal_vv_compare(&le.deps, &vv), CAUSAL_EQUAL);
    logentry_free(&le);
    storage_log_iter_del(li);

    /* garbage is refused with its own code */
    static const uint8_t junk[] = {9, 9, 9};
    storage_commit_req req = {.entry = junk, .entry_len = 3};
    assert_int_equal(storage_commit_remote(f->s, &req), STORAGE_EBADENTRY);

    causal_vv_free(&vv);
    causal_vv_free(&deps);
    codec_buf_free(&b);
    codec_buf_free(&b22);
    codec_buf_free(&gap);
}

/* opts.notify: the notifications of each applied entry, local and remote, in apply order,
 * with the local commit's pid or 0; not for a duplicate, nor for an entry without any; the
 * entry's row is already readable when they are handed over. */
typedef struct notify_rec {
    storage *s;
    int calls;
    uint32_t pid[8];
    char what[8][16];
    bool row_visible[8];
} notify_rec;

static notify_rec nrec;

static void notify_hook(void *ctx, uint32_t pid, const logentry_catalog *items, size_t n)
{
    notify_rec *r = ctx;
    int i = r->calls++;
    if (i >= 8) return;
    r->pid[i] = pid;
    for (size_t k = 0; k < n; k++)
        if (items[k].op == LOGENTRY_NOTIFY)
            snprintf(r->what[i], sizeof r->what[i], "%.*s:%.*s", (int)items[k].klen,
                     (const char *)items[k].key, (int)items[k].vlen, (const char *)items[k].value);
    /* the row each entry wrote: key 70 + i */
    uint8_t pk[9], *v = NULL;
    size_t vn;
    pk_int(pk, 70 + i);
    r->row_visible[i] = storage_get(r->s, NULL, 1, pk, 9, &v, &vn) == 0;
    free(v);
}

static void test_notify_hook(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    memset(&nrec, 0, sizeof nrec);
    f->o.notify = notify_hook;
    f->o.notify_ctx = &nrec;
    assert_int_equal(storage_open(&f->o, &f->s), 0);
    nrec.s = f->s;
    /* a local commit with a notification, then one without */
    uint8_t pk[9], d[8];
    pk_int(pk, 70);
    put_u64(d, 1);
    logentry_delta del = {1, pk, 9, d, 8};
    logentry_catalog cat[2] = {{LOGENTRY_CATALOG_PUT, (const uint8_t *)"k", 1, (const uint8_t *)"v", 1},
                               {LOGENTRY_NOTIFY, (const uint8_t *)"ch", 2, (const uint8_t *)"one", 3}};
    storage_commit_req req = {0};
    req.deltas = &del;
    req.ndeltas = 1;
    req.catalog = cat;
    req.ncatalog = 2;
    req.hlc = 1000;
    req.notify_pid = 4242;
    assert_int_equal(storage_commit(f->s, &req), 0);
    assert_int_equal(commit1(f->s, 1, 5, 1, NULL), 0);
    assert_int_equal(nrec.calls, 1);
    /* a remote entry with one (row 71), applied twice: handed over once */
    causal_vv deps;
    causal_vv_init(&deps);
    pk_int(pk, 71);
    logentry e;
    logentry_init(&e);
    e.origin = 2;
    e.seq = 1;
    e.hlc = 5;
    e.deltas = &del;
    e.ndeltas = 1;
    cat[1].value = (const uint8_t *)"two";
    e.catalog = &cat[1];
    e.ncatalog = 1;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    bool skipped;
    assert_int_equal(apply_remote(f->s, &b, &skipped), 0);
    assert_false(skipped);
    assert_int_equal(apply_remote(f->s, &b, &skipped), 0);
    assert_true(skipped);
    assert_int_equal(nrec.calls, 2);
    assert_int_equal(nrec.pid[0], 4242);
    assert_string_equal(nrec.what[0], "ch:one");
    assert_int_equal(nrec.pid[1], 0);
    assert_string_equal(nrec.what[1], "ch:two");
    assert_true(nrec.row_visible[0]);
    assert_true(nrec.row_visible[1]);
    /* the catalog change was stored, the notification was not */
    uint8_t *v = NULL;
    size_t vn = 0;
    assert_int_equal(storage_catalog_get(f->s, (const uint8_t *)"k", 1, &v, &vn), 0);
    free(v);
    assert_int_equal(storage_catalog_get(f->s, (const uint8_t *)"ch", 2, &v, &vn), STORAGE_ENOTFOUND);
    codec_buf_free(&b);
    causal_vv_free(&deps);
}

typedef struct async_ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    int bad;
    uint64_t max_seq;
    storage *s;
    int wakeups;
} async_ctx;

static void on_async(storage_commit_req *req)
{
    async_ctx *a = req->user;
    /* acked only once durable: the watermark already covers it */
    bool durable = storage_durable_seq(a->s) >= req->out_seq;
    pthread_mutex_lock(&a->mu);
    if (req->status != 0 || !durable) a->bad++;
    if (req->out_seq > a->max_seq) a->max_seq = req->out_seq;
    a->done++;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static void on_wakeup(void *ctx)
{
    async_ctx *a = ctx;
    pthread_mutex_lock(&a->mu);
    a->wakeups++;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

static void test_group_commit_async(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    async_ctx a = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    f->o.wakeup = on_wakeup;
    f->o.wakeup_ctx = &a;
    assert_int_equal(storage_open(&f->o, &f->s), 0);
    a.s = f->s;
    enum { N = 200 };
    static storage_commit_req reqs[N];
    static uint8_t pks[N][9], ds[N][8];
    static logentry_delta dels[N];
    for (int i = 0; i < N; i++) {
        pk_int(pks[i], i % 17);
        put_u64(ds[i], (uint64_t)i);
        dels[i] = (logentry_delta){4, pks[i], 9, ds[i], 8};
        memset(&reqs[i], 0, sizeof(reqs[i]));
        reqs[i].deltas = &dels[i];
        reqs[i].ndeltas = 1;
        reqs[i].cb = on_async;
        reqs[i].user = &a;
        assert_int_equal(storage_commit_async(f->s, &reqs[i]), 0);
    }
    pthread_mutex_lock(&a.mu);
    /* The wakeup hook runs after a group's completions, so wait for it as well. */
    while (a.done < N || a.wakeups < 1) pthread_cond_wait(&a.cv, &a.mu);
    pthread_mutex_unlock(&a.mu);
    assert_int_equal(a.bad, 0);
    assert_int_equal(a.max_seq, N);
    storage_stats st;
    storage_get_stats(f->s, &st);
    assert_int_equal(st.synced_commits, N);
    assert_true(st.syncs <= N);
    /* merges happened in order: row k holds the max of the values sent to it */
    for (int k = 0; k < 17; k++) {
        int64_t want = -1;
        for (int i = 0; i < N; i++) {
            if (i % 17 == k) want = i;
        }
        assert_int_equal(read_row(f->s, NULL, 4, k), want);
    }
    /* `a` lives on this stack frame and the writer may still run the wakeup hook for a later
     * group: close the store (joins the writer) before returning, and reopen it without the
     * hook for the teardown. */
    storage_close(f->s);
    f->s = NULL;
    f->o.wakeup = NULL;
    f->o.wakeup_ctx = NULL;
    assert_int_equal(storage_open(&f->o, &f->s), 0);
}

static void test_snapshot_and_scan(void **state)
{
    fixture *f = *state;
    for (int k = 0; k < 10; k++) assert_int_equal(commit1(f->s, 2, k * 2, 100 + k, NULL), 0);
    assert_int_equal(commit1(f->s, 3, 1, 1, NULL), 0); /* another table: not in the scan */
    storage_snapshot *snap = storage_snapshot_new(f->s);
    assert_non_null(snap);
    assert_int_equal(commit1(f->s, 2, 1, 555, NULL), 0);
    assert_int_equal(commit1(f->s, 2, 0, 999, NULL), 0);

    storage_iter *it;
    assert_int_equal(storage_iter_new(f->s, snap, 2, NULL, 0, NULL, 0, &it), 0);
    int count = 0;
    int64_t prev = -1;
    while (storage_iter_next(it) == 1) {
        const uint8_t *k, *v;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &v, &vl);
        keycodec_key key;
        assert_int_equal(keycodec_decode_pk(k, kl, &key), 0);
        assert_true(key.col[0].u.i > prev);
        prev = key.col[0].u.i;
        assert_int_equal(key.col[0].u.i % 2, 0); /* 1 was written after the snapshot */
        assert_int_equal(get_u64(v), 100 + (uint64_t)key.col[0].u.i / 2); /* 0 still 100 */
        keycodec_key_free(&key);
        count++;
    }
    assert_int_equal(count, 10);
    storage_iter_del(it);
    assert_int_equal(read_row(f->s, snap, 2, 0), 100);
    assert_int_equal(read_row(f->s, NULL, 2, 0), 999);

    /* [lo, hi) bounds on the latest state */
    uint8_t lo[9], hi[9];
    pk_int(lo, 1);
    pk_int(hi, 6);
    assert_int_equal(storage_iter_new(f->s, NULL, 2, lo, 9, hi, 9, &it), 0);
    count = 0;
    while (storage_iter_next(it) == 1) count++;
    assert_int_equal(count, 3); /* 1, 2, 4 */
    storage_iter_del(it);
    storage_snapshot_del(f->s, snap);
}

static void test_overlay(void **state)
{
    fixture *f = *state;
    assert_int_equal(commit1(f->s, 5, 1, 10, NULL), 0);
    assert_int_equal(commit1(f->s, 5, 3, 30, NULL), 0);
    storage_overlay *o = storage_overlay_new(f->s);
    uint8_t pk[9], d[8];
    pk_int(pk, 1);
    put_u64(d, 15);
    assert_int_equal(storage_overlay_add(o, 5, pk, 9, d, 8), 0);
    put_u64(d, 12); /* joined with the earlier pending delta: max stays 15 */
    assert_int_equal(storage_overlay_add(o, 5, pk, 9, d, 8), 0);
    pk_int(pk, 2);
    put_u64(d, 20);
    assert_int_equal(storage_overlay_add(o, 5, pk, 9, d, 8), 0);
    assert_int_equal(storage_overlay_count(o), 2);

    uint8_t *v;
    size_t n;
    pk_int(pk, 1);
    assert_int_equal(storage_overlay_get(o, NULL, 5, pk, 9, &v, &n), 0);
    assert_int_equal(get_u64(v), 15);
    free(v);
    pk_int(pk, 3);
    assert_int_equal(storage_overlay_get(o, NULL, 5, pk, 9, &v, &n), 0);
    assert_int_equal(get_u64(v), 30);
    free(v);
    pk_int(pk, 4);
    assert_int_equal(storage_overlay_get(o, NULL, 5, pk, 9, &v, &n), STORAGE_ENOTFOUND);
    assert_int_equal(read_row(f->s, NULL, 5, 1), 10); /* others do not see it */

    storage_iter *it;
    assert_int_equal(storage_overlay_iter_new(o, NULL, 5, NULL, 0, NULL, 0, &it), 0);
    const uint64_t want[3] = {15, 20, 30};
    int i = 0;
    while (storage_iter_next(it) == 1) {
        const uint8_t *k, *val;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &val, &vl);
        assert_true(i < 3);
        assert_int_equal(get_u64(val), want[i]);
        i++;
    }
    assert_int_equal(i, 3);
    storage_iter_del(it);

    storage_commit_req req = {0};
    assert_int_equal(storage_overlay_fill_req(o, &req), 0);
    assert_int_equal(storage_commit(f->s, &req), 0);
    storage_overlay_del(o);
    assert_int_equal(read_row(f->s, NULL, 5, 1), 15);
    assert_int_equal(read_row(f->s, NULL, 5, 2), 20);
}

static void test_retention(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 20; i++) assert_int_equal(commit1(f->s, 1, i, 5, NULL), 0);
    codec_buf b;
    codec_buf_init(&b);
    causal_vv deps;
    causal_vv_init(&deps);
    for (uint64_t s = 1; s <= 10; s++) {
        causal_vv_set(&deps, 2, s - 1);
        remote_entry(&b, 2, s, &deps, 100, s);
        assert_int_equal(apply_remote(f->s, &b, NULL), 0);
    }
    uint64_t before = storage_log_bytes(f->s);
    assert_true(before > 0);
    assert_int_equal(storage_log_oldest(f->s, 1), 1);

    causal_vv acked;
    causal_vv_init(&acked);
    causal_vv_set(&acked, 1, 5);
    causal_vv_set(&acked, 2, 3);
    assert_int_equal(storage_log_truncate(f->s, &acked, 0), 0);
    assert_int_equal(storage_log_oldest(f->s, 1), 6);
    assert_int_equal(storage_log_oldest(f->s, 2), 4);
    assert_true(storage_log_bytes(f->s) < before);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, 3, &li), STORAGE_ETRUNCATED);
    assert_int_equal(storage_log_iter_new(f->s, 1, 6, &li), 0);
    uint64_t seq;
    const uint8_t *e;
    size_t n;
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &n), 1);
    assert_int_equal(seq, 6);
    storage_log_iter_del(li);

    /* size cap: keeps at most max bytes, dropping the oldest entries first */
    uint64_t cap = storage_log_bytes(f->s) / 2;
    assert_int_equal(storage_log_truncate(f->s, NULL, cap), 0);
    assert_true(storage_log_bytes(f->s) <= cap);
    assert_true(storage_log_oldest(f->s, 1) > 6 || storage_log_oldest(f->s, 2) > 4);

    /* the bookkeeping survives a reopen */
    uint64_t o1 = storage_log_oldest(f->s, 1), o2 = storage_log_oldest(f->s, 2);
    uint64_t bytes = storage_log_bytes(f->s);
    storage_close(f->s);
    assert_int_equal(storage_open(&f->o, &f->s), 0);
    assert_int_equal(storage_log_oldest(f->s, 1), o1);
    assert_int_equal(storage_log_oldest(f->s, 2), o2);
    assert_int_equal(storage_log_bytes(f->s), bytes);
    causal_vv_free(&acked);
    causal_vv_free(&deps);
    codec_buf_free(&b);
}

/* A pin keeps what a peer needs (seq > from[o]) through both truncation passes, moves, and
 * releases it when deleted. */
static void test_retention_pin(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 20; i++) assert_int_equal(commit1(f->s, 1, i, 5, NULL), 0);
    codec_buf b;
    codec_buf_init(&b);
    causal_vv deps;
    causal_vv_init(&deps);
    for (uint64_t s = 1; s <= 10; s++) {
        causal_vv_set(&deps, 2, s - 1);
        remote_entry(&b, 2, s, &deps, 100, s);
        assert_int_equal(apply_remote(f->s, &b, NULL), 0);
    }
    causal_vv from;
    causal_vv_init(&from);
    causal_vv_set(&from, 1, 8); /* a snapshot at {1: 8, 2: 4} is travelling */
    causal_vv_set(&from, 2, 4);
    storage_log_pin *pin = storage_log_pin_new(f->s, &from);
    assert_non_null(pin);
    causal_vv acked;
    causal_vv_init(&acked);
    causal_vv_set(&acked, 1, 15);
    causal_vv_set(&acked, 2, 9);
    /* acknowledged by all and over any size cap: only what the pin does not keep goes */
    assert_int_equal(storage_log_truncate(f->s, &acked, 1), 0);
    assert_int_equal(storage_log_oldest(f->s, 1), 9);
    assert_int_equal(storage_log_oldest(f->s, 2), 5);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, 9, &li), 0);
    storage_log_iter_del(li);
    /* the peer follows the log: the pin moves with it */
    causal_vv_set(&from, 1, 12);
    causal_vv_set(&from, 2, 7);
    assert_int_equal(storage_log_pin_move(f->s, pin, &from), 0);
    assert_int_equal(storage_log_truncate(f->s, NULL, 1), 0);
    assert_int_equal(storage_log_oldest(f->s, 1), 13);
    assert_int_equal(storage_log_oldest(f->s, 2), 8);
    /* an origin the pin does not name is kept whole */
    causal_vv only1;
    causal_vv_init(&only1);
    causal_vv_set(&only1, 1, 12);
    assert_int_equal(storage_log_pin_move(f->s, pin, &only1), 0);
    assert_int_equal(storage_log_truncate(f->s, &acked, 1), 0);
    assert_int_equal(storage_log_oldest(f->s, 2), 8);
    /* released: the cap applies again */
    storage_log_pin_del(f->s, pin);
    assert_int_equal(storage_log_truncate(f->s, &acked, 0), 0);
    assert_int_equal(storage_log_oldest(f->s, 1), 16);
    assert_int_equal(storage_log_oldest(f->s, 2), 10);
    causal_vv_free(&only1);
    causal_vv_free(&acked);
    causal_vv_free(&from);
    causal_vv_free(&deps);
    codec_buf_free(&b);
}

static void test_gc(void **state)
{
    fixture *f = *state;
    assert_int_equal(commit1(f->s, 1, 1, 1, NULL), 0); /* tombstone */
    assert_int_equal(commit1(f->s, 1, 2, 2, NULL), 0); /* rewritten to 3 */
    assert_int_equal(commit1(f->s, 1, 3, 7, NULL), 0); /* kept */
    /* no stable vv yet: GC leaves everything */
    assert_int_equal(storage_gc_now(f->s), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 1), 1);

    uint16_t peers[1] = {2};
    causal_vv acked, stable;
    causal_vv_init(&acked);
    causal_vv_init(&stable);
    causal_vv_set(&acked, 1, 2);
    assert_int_equal(storage_peer_put_acked(f->s, 2, &acked), 0);
    assert_int_equal(storage_stable_vv(f->s, peers, 1, &stable), 0);
    assert_int_equal(causal_vv_get(&stable, 1), 2); /* min(local 3, peer 2) */
    assert_int_equal(storage_set_stable_vv(f->s, &stable), 0);
    assert_int_equal(storage_gc_now(f->s), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 1), -1);
    assert_int_equal(read_row(f->s, NULL, 1, 2), 3);
    assert_int_equal(read_row(f->s, NULL, 1, 3), 7);
    causal_vv_free(&acked);
    causal_vv_free(&stable);
}

static void test_backup_restore(void **state)
{
    fixture *f = *state;
    assert_int_equal(commit1(f->s, 1, 1, 42, NULL), 0);
    char bdir[300], rdir[300], rdir2[300];
    snprintf(bdir, sizeof(bdir), "%s-backup", f->dir);
    snprintf(rdir, sizeof(rdir), "%s-restored", f->dir);
    snprintf(rdir2, sizeof(rdir2), "%s-seeded", f->dir);
    assert_int_equal(storage_backup(f->s, bdir), 0);
    assert_int_equal(storage_backup(f->s, bdir), STORAGE_EEXIST);
    assert_int_equal(commit1(f->s, 1, 2, 43, NULL), 0); /* after the backup */

    assert_int_equal(storage_restore(bdir, rdir, 1, "wrong", false), STORAGE_EIDENTITY);
    rm_rf(rdir);
    assert_int_equal(storage_restore(bdir, rdir, 1, "n1", false), 0);
    assert_int_equal(storage_restore(bdir, rdir, 1, "n1", false), STORAGE_EEXIST);
    storage_opts o = f->o;
    o.data_dir = rdir;
    storage *r = NULL;
    assert_int_equal(storage_open(&o, &r), 0);
    assert_int_equal(read_row(r, NULL, 1, 1), 42);
    assert_int_equal(read_row(r, NULL, 1, 2), -1);
    causal_vv vv;
    causal_vv_init(&vv);
    storage_vv(r, &vv);
    assert_int_equal(causal_vv_get(&vv, 1), 1);
    storage_close(r);

    assert_int_equal(storage_restore(bdir, rdir2, 9, "n9", true), 0);
    o.data_dir = rdir2;
    o.node_id = 9;
    o.node_name = "n9";
    assert_int_equal(storage_open(&o, &r), 0);
    assert_int_equal(read_row(r, NULL, 1, 1), 42);
    storage_close(r);
    causal_vv_free(&vv);
    rm_rf(bdir);
    rm_rf(rdir);
    rm_rf(rdir2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_failure_consumes_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reservations_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seq_spans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_local_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_async, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_and_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_restore, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
