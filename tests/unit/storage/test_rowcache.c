/* Unit tests for the row cache (storage/storage_rowcache.c) through the store's API: point
 * reads (storage_get, storage_multi_get) at the latest state and at snapshots give what a
 * store without the cache gives, through eviction, GC rewrites and drops, imports, and while
 * other threads commit.
 *
 * Rows use the toy CRDT of test_store.c: state and delta are a u64 (big-endian), merge is
 * max; GC drops state 1 and rewrites 2 into 3 once a stable vv is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
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
} fixture;

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static storage *open_store(fixture *f, size_t row_cache_bytes)
{
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = f->dir;
    o.node_id = 1;
    o.node_name = "n1";
    o.merge = max_merge;
    o.gc = toy_gc;
    o.block_cache_bytes = 4u << 20;
    o.row_cache_bytes = row_cache_bytes;
    storage *s = NULL;
    if (storage_open(&o, &s) != 0) fprintf(stderr, "open: %s\n", storage_errmsg());
    return s;
}

static int setup_cap(void **state, size_t cap)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/helios-rowcache-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    strcat(f->dir, "/data");
    if (!(f->s = open_store(f, cap))) return -1;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_cap(state, 64u << 20);
}

/* A cache a few dozen rows big: most puts evict. */
static int setup_tiny(void **state)
{
    return setup_cap(state, 16 * 160);
}

static int teardown(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    char *slash = strrchr(f->dir, '/');
    *slash = 0;
    nftw(f->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
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

/* Commits the values vals[i] to rows keys[i] of table t in one commit (blocking). */
static int commit_n(storage *s, uint32_t t, const int64_t *keys, const uint64_t *vals, size_t n)
{
    uint8_t pk[16][9], d[16][8];
    logentry_delta del[16];
    for (size_t i = 0; i < n; i++) {
        pk_int(pk[i], keys[i]);
        put_u64(d[i], vals[i]);
        del[i] = (logentry_delta){t, pk[i], 9, d[i], 8};
    }
    storage_commit_req req = {0};
    req.deltas = del;
    req.ndeltas = n;
    req.hlc = 1000;
    return storage_commit(s, &req);
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

/* Rows 0..n-1 of table t by one storage_multi_get: out[k] = value or -1. */
static void read_many(storage *s, const storage_snapshot *snap, uint32_t t, int n, int64_t *out)
{
    uint8_t pk[64][9];
    const uint8_t *pp[64];
    size_t pl[64], vl[64];
    uint8_t *vals[64];
    for (int k = 0; k < n; k++) {
        pk_int(pk[k], k);
        pp[k] = pk[k];
        pl[k] = 9;
    }
    assert_int_equal(storage_multi_get(s, snap, t, pp, pl, (size_t)n, vals, vl), 0);
    for (int k = 0; k < n; k++) {
        if (!vals[k]) {
            out[k] = -1;
            continue;
        }
        assert_int_equal(vl[k], 8);
        out[k] = (int64_t)get_u64(vals[k]);
        free(vals[k]);
    }
}

#define NKEYS 40
#define NSNAPS 12

/* Random commits over NKEYS rows with snapshots taken among them: every snapshot and the
 * latest state read back as the model says, by storage_get and storage_multi_get, with a
 * cache that holds them all and with one that keeps evicting. */
static void random_history(fixture *f, unsigned seed)
{
    int64_t model[NKEYS], at[NSNAPS][NKEYS], got[NKEYS];
    storage_snapshot *snaps[NSNAPS];
    int nsnap = 0;
    for (int k = 0; k < NKEYS; k++) model[k] = -1;
    srand(seed);
    for (int step = 0; step < 400; step++) {
        int64_t keys[4];
        uint64_t vals[4];
        size_t n = 1 + (size_t)(rand() % 4);
        for (size_t i = 0; i < n; i++) {
            keys[i] = rand() % NKEYS;
            vals[i] = 10 + (uint64_t)(rand() % 1000);
        }
        assert_int_equal(commit_n(f->s, 7, keys, vals, n), 0);
        for (size_t i = 0; i < n; i++)
            if ((int64_t)vals[i] > model[keys[i]]) model[keys[i]] = (int64_t)vals[i];
        if (step % 33 == 5 && nsnap < NSNAPS) {
            snaps[nsnap] = storage_snapshot_new(f->s);
            assert_non_null(snaps[nsnap]);
            memcpy(at[nsnap], model, sizeof model);
            nsnap++;
        }
        if (step % 50 == 0) { /* reads in between: the cache is used while it changes */
            int k = rand() % NKEYS;
            assert_int_equal(read_row(f->s, NULL, 7, k), model[k]);
        }
    }
    for (int i = 0; i < nsnap; i++) {
        for (int k = 0; k < NKEYS; k++) assert_int_equal(read_row(f->s, snaps[i], 7, k), at[i][k]);
        read_many(f->s, snaps[i], 7, NKEYS, got);
        for (int k = 0; k < NKEYS; k++) assert_int_equal(got[k], at[i][k]);
        storage_snapshot_del(f->s, snaps[i]);
    }
    for (int k = 0; k < NKEYS; k++) assert_int_equal(read_row(f->s, NULL, 7, k), model[k]);
    read_many(f->s, NULL, 7, NKEYS, got);
    for (int k = 0; k < NKEYS; k++) assert_int_equal(got[k], model[k]);
}

static void test_random_history(void **state)
{
    random_history(*state, 4242);
}

/* A snapshot taken before a commit never sees the commit's cached state, a snapshot taken
 * after it does; the state survives a reopen (the cache starts empty). */
static void test_snapshot_before_after(void **state)
{
    fixture *f = *state;
    int64_t k = 3;
    uint64_t v = 50;
    assert_int_equal(commit_n(f->s, 1, &k, &v, 1), 0);
    storage_snapshot *before = storage_snapshot_new(f->s);
    v = 80;
    assert_int_equal(commit_n(f->s, 1, &k, &v, 1), 0);
    storage_snapshot *after = storage_snapshot_new(f->s);
    assert_int_equal(read_row(f->s, before, 1, 3), 50);
    assert_int_equal(read_row(f->s, after, 1, 3), 80);
    assert_int_equal(read_row(f->s, NULL, 1, 3), 80);
    storage_snapshot_del(f->s, before);
    storage_snapshot_del(f->s, after);
    storage_close(f->s);
    assert_non_null(f->s = open_store(f, 64u << 20));
    assert_int_equal(read_row(f->s, NULL, 1, 3), 80);
}

/* GC's compaction filter drops and rewrites rows the cache holds: reads follow the store. */
static void test_gc_drops_cached(void **state)
{
    fixture *f = *state;
    int64_t keys[3] = {1, 2, 3};
    uint64_t vals[3] = {1, 2, 7};
    assert_int_equal(commit_n(f->s, 1, keys, vals, 3), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 1), 1); /* cached */
    uint16_t peers[1] = {2};
    causal_vv acked, stable;
    causal_vv_init(&acked);
    causal_vv_init(&stable);
    causal_vv_set(&acked, 1, 1);
    assert_int_equal(storage_peer_put_acked(f->s, 2, &acked), 0);
    assert_int_equal(storage_stable_vv(f->s, peers, 1, &stable), 0);
    assert_int_equal(storage_set_stable_vv(f->s, &stable), 0);
    assert_int_equal(storage_gc_now(f->s), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 1), -1);
    assert_int_equal(read_row(f->s, NULL, 1, 2), 3);
    assert_int_equal(read_row(f->s, NULL, 1, 3), 7);
    /* the next commit merges into the collected state, not into a cached one */
    int64_t k = 2;
    uint64_t v = 2;
    assert_int_equal(commit_n(f->s, 1, &k, &v, 1), 0);
    assert_int_equal(read_row(f->s, NULL, 1, 2), 3);
    causal_vv_free(&acked);
    causal_vv_free(&stable);
}

/* An import (anti-entropy repair, snapshot) merges rows outside the writer's groups: a cached
 * row must not hide what it brought, from readers or from the next commit's merge (both with
 * the direct path and with a staged import behind the read fence). */
static void test_import_over_cached(void **state)
{
    fixture *f = *state;
    int64_t keys[2] = {1, 2};
    uint64_t vals[2] = {10, 10};
    assert_int_equal(commit_n(f->s, 4, keys, vals, 2), 0);
    assert_int_equal(read_row(f->s, NULL, 4, 1), 10); /* cached */
    for (int staged = 0; staged < 2; staged++) {
        uint8_t pk[9], v[8];
        pk_int(pk, staged ? 2 : 1);
        codec_buf key;
        codec_buf_init(&key);
        assert_int_equal(keycodec_row_key(&key, 4, pk, 9), 0);
        put_u64(v, 500);
        storage_item it = {STORAGE_ITEM_ROW, key.data, key.len, v, 8};
        causal_vv fin;
        causal_vv_init(&fin);
        assert_int_equal(storage_vv(f->s, &fin), 0);
        assert_int_equal(storage_import(f->s, &it, 1, staged ? &fin : NULL), 0);
        int64_t k = staged ? 2 : 1;
        assert_int_equal(read_row(f->s, NULL, 4, k), 500);
        uint64_t small = 20; /* max(500, 20): the merge starts from the imported state */
        assert_int_equal(commit_n(f->s, 4, &k, &small, 1), 0);
        assert_int_equal(read_row(f->s, NULL, 4, k), 500);
        causal_vv_free(&fin);
        codec_buf_free(&key);
    }
}

/* Readers at the latest state and at snapshots while a thread commits increasing values to a
 * few rows: the latest never goes back, a snapshot reads the same value every time. */
typedef struct race {
    storage *s;
    atomic_bool stop;
    atomic_int bad;
} race;

/* read_row without cmocka's asserts (not for other threads): -2 on any failure. */
static int64_t read_row_mt(storage *s, const storage_snapshot *snap, uint32_t t, int64_t k)
{
    uint8_t pk[9];
    pk_int(pk, k);
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = storage_get(s, snap, t, pk, 9, &v, &n);
    if (rc == STORAGE_ENOTFOUND) return -1;
    int64_t r = rc == 0 && n == 8 ? (int64_t)get_u64(v) : -2;
    free(v);
    return r;
}

static void *race_reader(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        int64_t last[4] = {-1, -1, -1, -1};
        storage_snapshot *snap = storage_snapshot_new(r->s);
        int64_t first[4];
        for (int k = 0; k < 4; k++) first[k] = read_row_mt(r->s, snap, 9, k);
        for (int round = 0; round < 20; round++) {
            for (int k = 0; k < 4; k++) {
                int64_t v = read_row_mt(r->s, NULL, 9, k);
                if (v < last[k] || v == -2) atomic_fetch_add(&r->bad, 1);
                last[k] = v;
                if (read_row_mt(r->s, snap, 9, k) != first[k]) atomic_fetch_add(&r->bad, 1);
            }
        }
        storage_snapshot_del(r->s, snap);
    }
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    fixture *f = *state;
    race r = {.s = f->s};
    atomic_init(&r.stop, false);
    atomic_init(&r.bad, 0);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, race_reader, &r), 0);
    for (uint64_t v = 1; v <= 2000; v++) {
        int64_t keys[2] = {(int64_t)(v % 4), (int64_t)((v + 1) % 4)};
        uint64_t vals[2] = {v + 10, v + 10};
        assert_int_equal(commit_n(f->s, 9, keys, vals, 2), 0);
    }
    atomic_store(&r.stop, true);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&r.bad), 0);
    for (int k = 0; k < 4; k++) assert_true(read_row(f->s, NULL, 9, k) >= 2000);
}

/* Rows A and B written together, several times in one batch (commits queued in bursts, as
 * a catch-up applies many entries at once): a reader reading A, then B, must find B at least
 * as new as A. (The writer once put each state of a row in turn after the batch was written:
 * for a moment a reader found A's last state and B's older one, a transaction half applied.) */
typedef struct pair_race {
    storage *s;
    atomic_bool stop;
    atomic_int bad;
    atomic_long reads;
} pair_race;

static void *pair_reader(void *arg)
{
    pair_race *r = arg;
    while (!atomic_load(&r->stop)) {
        int64_t a = read_row_mt(r->s, NULL, 9, 0);
        int64_t b = read_row_mt(r->s, NULL, 9, 1);
        if (a == -2 || b == -2 || b < a) atomic_fetch_add(&r->bad, 1);
        atomic_fetch_add(&r->reads, 1);
    }
    return NULL;
}

typedef struct burst_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int left, failed;
} burst_wait;

static void on_burst_commit(storage_commit_req *req)
{
    burst_wait *w = req->user;
    pthread_mutex_lock(&w->mu);
    if (req->status) w->failed++;
    if (--w->left == 0) pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static void test_repeated_rows_in_one_batch(void **state)
{
    fixture *f = *state;
    pair_race r = {.s = f->s};
    atomic_init(&r.stop, false);
    atomic_init(&r.bad, 0);
    atomic_init(&r.reads, 0);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, pair_reader, &r), 0);
    enum { BURST = 24, BURSTS = 400 };
    static uint8_t pk[BURST][2][9], d[BURST][2][8];
    static logentry_delta del[BURST][2];
    static storage_commit_req req[BURST];
    uint64_t v = 0;
    for (int b = 0; b < BURSTS; b++) {
        burst_wait w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, BURST, 0};
        for (int i = 0; i < BURST; i++) {
            v++;
            for (int k = 0; k < 2; k++) {
                pk_int(pk[i][k], k);
                put_u64(d[i][k], v);
                del[i][k] = (logentry_delta){9, pk[i][k], 9, d[i][k], 8};
            }
            memset(&req[i], 0, sizeof req[i]);
            req[i].deltas = del[i];
            req[i].ndeltas = 2;
            req[i].hlc = 1000;
            req[i].cb = on_burst_commit;
            req[i].user = &w;
            assert_int_equal(storage_commit_async(f->s, &req[i]), 0);
        }
        pthread_mutex_lock(&w.mu);
        while (w.left > 0) pthread_cond_wait(&w.cv, &w.mu);
        pthread_mutex_unlock(&w.mu);
        assert_int_equal(w.failed, 0);
    }
    atomic_store(&r.stop, true);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    assert_true(atomic_load(&r.reads) > 0);
    assert_int_equal(atomic_load(&r.bad), 0);
    assert_int_equal(read_row(f->s, NULL, 9, 0), (int64_t)v);
    assert_int_equal(read_row(f->s, NULL, 9, 1), (int64_t)v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_history, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_before_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gc_drops_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_over_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_readers, setup_tiny, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_rows_in_one_batch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
