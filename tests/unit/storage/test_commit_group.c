/* tests/unit/storage/test_commit_group.c — the writer adds a whole group of commits to one
 * batch: a commit must read a row as the group's earlier commits left it, a failed merge in
 * the middle of a group is rolled back alone (its seq still filled), and the applied vv,
 * the rows and the durable watermark agree once every commit is acknowledged, also after a
 * reopen. Rows use a sum CRDT (state and delta a u64, merge adds), so a commit that read a
 * stale row would lose an addition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <pthread.h>
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

static int sum_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    (void)ctx;
    if (dlen != 8 || (old && oldlen != 8)) return -1;
    uint64_t v = get_u64(delta) + (old ? get_u64(old) : 0);
    if (!(*out = malloc(8))) return -1;
    put_u64(*out, v);
    *outlen = 8;
    return 0;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    storage *s;
    int done, ok, merge_failed, not_durable;
    uint64_t max_seq;
} waiter;

static void on_done(storage_commit_req *req)
{
    waiter *w = req->user;
    bool durable = storage_durable_seq(w->s) >= req->out_seq;
    pthread_mutex_lock(&w->mu);
    if (req->status == 0) w->ok++;
    if (req->status == STORAGE_EMERGE) w->merge_failed++;
    if (req->status == 0 && !durable) w->not_durable++;
    if (req->out_seq > w->max_seq) w->max_seq = req->out_seq;
    w->done++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
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

static int64_t read_row(storage *s, int64_t k)
{
    uint8_t pk[9];
    pk_int(pk, k);
    uint8_t *v = NULL;
    size_t n = 0;
    int rc = storage_get(s, NULL, 1, pk, 9, &v, &n);
    if (rc == STORAGE_ENOTFOUND) return -1;
    assert_int_equal(rc, 0);
    assert_int_equal(n, 8);
    int64_t r = (int64_t)get_u64(v);
    free(v);
    return r;
}

enum { N = 600, ROWS = 7, BAD_EVERY = 50 };

static void check_rows(storage *s)
{
    for (int k = 0; k < ROWS; k++) {
        int64_t want = 0;
        for (int i = 0; i < N; i++)
            if (i % ROWS == k && i % BAD_EVERY != 25) want += i + 1;
        assert_int_equal(read_row(s, k), want);
    }
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(s, &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), N);
    causal_vv_free(&vv);
}

static void test_group_reads_its_own_writes(void **state)
{
    (void)state;
    char dir[256] = "/tmp/helios-group-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char data[300];
    snprintf(data, sizeof data, "%s/data", dir);
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = data;
    o.node_id = 1;
    o.node_name = "n1";
    o.merge = sum_merge;
    o.block_cache_bytes = 4u << 20;
    storage *s;
    assert_int_equal(storage_open(&o, &s), 0);
    waiter w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .s = s};
    static storage_commit_req reqs[N];
    static uint8_t pks[N][9], ds[N][8];
    static logentry_delta dels[N];
    /* Queued faster than one sync: the writer takes them in groups (more than one batch's
     * worth), several commits per row in each. Every 50th carries a delta the merge refuses. */
    for (int i = 0; i < N; i++) {
        pk_int(pks[i], i % ROWS);
        put_u64(ds[i], (uint64_t)i + 1);
        dels[i] = (logentry_delta){1, pks[i], 9, ds[i], i % BAD_EVERY == 25 ? 3 : 8};
        memset(&reqs[i], 0, sizeof reqs[i]);
        reqs[i].deltas = &dels[i];
        reqs[i].ndeltas = 1;
        reqs[i].cb = on_done;
        reqs[i].user = &w;
        assert_int_equal(storage_commit_async(s, &reqs[i]), 0);
    }
    pthread_mutex_lock(&w.mu);
    while (w.done < N) pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    assert_int_equal(w.merge_failed, N / BAD_EVERY);
    assert_int_equal(w.ok, N - N / BAD_EVERY);
    assert_int_equal(w.not_durable, 0);
    assert_int_equal(w.max_seq, N); /* failed commits' seqs were filled, none reused */
    storage_stats st;
    storage_get_stats(s, &st);
    assert_true(st.groups < (uint64_t)N); /* the test did exercise groups */
    check_rows(s);
    storage_close(s);
    /* what was acknowledged is what a reopened store has */
    assert_int_equal(storage_open(&o, &s), 0);
    check_rows(s);
    storage_close(s);
    nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_reads_its_own_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
