/* Unit tests for storage/storage_index.c: index entries follow the rows on every write path
 * (local commit, remote entry, import), a new index is built over existing rows in chunks
 * (and finishes after a restart), a unique index refuses a local duplicate and keeps a
 * remote one, a dropped index loses its entries.
 *
 * Rows use a toy CRDT: state and delta are a u64 (big-endian), merge is max. The toy
 * catalog defines index oid N on table 1 with key "ix" + u32 oid, value "u" (unique), "n"
 * (not unique) or "-" (dropped); a row's entry is oid + (state / 10) + pk, so rows whose
 * values share a decade collide in a unique index. */
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
    (void)ctx;
    if (dlen != 8 || (old && oldlen != 8)) return -1;
    uint64_t v = get_u64(delta);
    if (old && get_u64(old) > v) v = get_u64(old);
    *out = malloc(8);
    if (!*out) return -1;
    put_u64(*out, v);
    *outlen = 8;
    return 0;
}

/* ---- the toy index registry ---- */
typedef struct toy_ix {
    uint32_t oid;
    bool unique, live;
} toy_ix;

typedef struct toy {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    toy_ix ix[8];
    int nix;
    uint32_t ready[16];
    int nready;
} toy;

static toy T;

static int hook_catalog(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val,
                        size_t vlen, uint32_t *oid, uint32_t *table_id, bool *live)
{
    (void)ctx;
    *oid = 0;
    if (klen != 6 || memcmp(key, "ix", 2)) return 0;
    *oid = (uint32_t)key[2] << 24 | (uint32_t)key[3] << 16 | (uint32_t)key[4] << 8 | key[5];
    *table_id = 1;
    *live = val && vlen == 1 && val[0] != '-';
    pthread_mutex_lock(&T.mu);
    toy_ix *x = NULL;
    for (int i = 0; i < T.nix; i++)
        if (T.ix[i].oid == *oid) x = &T.ix[i];
    if (!x && T.nix < 8) x = &T.ix[T.nix++];
    if (x) *x = (toy_ix){*oid, *live && val[0] == 'u', *live};
    pthread_mutex_unlock(&T.mu);
    return 0;
}

static int hook_keys(void *ctx, uint32_t table_id, const uint8_t *pk, size_t pklen,
                     const uint8_t *state, size_t len, uint32_t only, storage_index_keys *out)
{
    (void)ctx;
    if (table_id != 1 || !state || len != 8) return 0;
    uint64_t decade = get_u64(state) / 10;
    pthread_mutex_lock(&T.mu);
    for (int i = 0; i < T.nix; i++) {
        if (!T.ix[i].live || (only && T.ix[i].oid != only)) continue;
        uint8_t k[64];
        uint32_t o = T.ix[i].oid;
        k[0] = (uint8_t)(o >> 24), k[1] = (uint8_t)(o >> 16), k[2] = (uint8_t)(o >> 8), k[3] = (uint8_t)o;
        put_u64(k + 4, decade);
        memcpy(k + 12, pk, pklen);
        storage_index_keys_add(out, k, 12 + pklen, T.ix[i].unique ? 12 : 0);
    }
    pthread_mutex_unlock(&T.mu);
    return 0;
}

static void hook_ready(void *ctx, uint32_t oid, uint64_t rows)
{
    (void)ctx;
    (void)rows;
    pthread_mutex_lock(&T.mu);
    if (T.nready < 16) T.ready[T.nready++] = oid;
    pthread_cond_broadcast(&T.cv);
    pthread_mutex_unlock(&T.mu);
}

static void hook_conflict(void *ctx, const uint8_t *key, size_t klen, char *msg, size_t cap)
{
    (void)ctx;
    snprintf(msg, cap, "toy index %u", klen >= 4 ? (unsigned)key[3] : 0u);
}

static bool is_ready(uint32_t oid)
{
    for (int i = 0; i < T.nready; i++)
        if (T.ready[i] == oid) return true;
    return false;
}

/* Waits (on the hook's condition, bounded) until index oid reports ready. */
static bool wait_ready(uint32_t oid)
{
    pthread_mutex_lock(&T.mu);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 60;
    while (!is_ready(oid))
        if (pthread_cond_timedwait(&T.cv, &T.mu, &ts) != 0) break;
    bool ok = is_ready(oid);
    pthread_mutex_unlock(&T.mu);
    return ok;
}

/* ---- fixture ---- */
typedef struct fixture {
    char dir[256];
    storage *s;
    storage_opts o;
} fixture;

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static int open_store(fixture *f)
{
    storage_opts_init(&f->o);
    f->o.data_dir = f->dir;
    f->o.node_id = 1;
    f->o.node_name = "n1";
    f->o.merge = max_merge;
    f->o.block_cache_bytes = 4u << 20;
    f->o.index = (storage_index_hooks){.catalog = hook_catalog, .keys = hook_keys,
                                       .ready = hook_ready, .conflict = hook_conflict};
    return storage_open(&f->o, &f->s);
}

static int setup(void **state)
{
    memset(&T, 0, sizeof T);
    pthread_mutex_init(&T.mu, NULL);
    pthread_cond_init(&T.cv, NULL);
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/helios-index-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    strcat(f->dir, "/data");
    if (open_store(f) != 0) {
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
    nftw(f->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    pthread_cond_destroy(&T.cv);
    pthread_mutex_destroy(&T.mu);
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

static int commit_rows(storage *s, const int64_t *keys, const uint64_t *vals, size_t n)
{
    uint8_t pk[16][9], d[16][8];
    logentry_delta del[16];
    for (size_t i = 0; i < n; i++) {
        pk_int(pk[i], keys[i]);
        put_u64(d[i], vals[i]);
        del[i] = (logentry_delta){1, pk[i], 9, d[i], 8};
    }
    storage_commit_req req = {0};
    req.deltas = del;
    req.ndeltas = n;
    req.hlc = 1000;
    return storage_commit(s, &req);
}

static int commit1(storage *s, int64_t k, uint64_t v)
{
    return commit_rows(s, &k, &v, 1);
}

static int put_index(storage *s, uint32_t oid, char kind)
{
    uint8_t key[6] = {'i', 'x', (uint8_t)(oid >> 24), (uint8_t)(oid >> 16), (uint8_t)(oid >> 8),
                      (uint8_t)oid};
    uint8_t v[1] = {(uint8_t)kind};
    logentry_catalog c = {LOGENTRY_CATALOG_PUT, key, sizeof key, v, 1};
    storage_commit_req req = {0};
    req.catalog = &c;
    req.ncatalog = 1;
    req.hlc = 1000;
    return storage_commit(s, &req);
}

/* The (decade, pk) pairs index oid holds, in key order, into out (at most max). */
static size_t entries(storage *s, uint32_t oid, uint64_t *decades, int64_t *pks, size_t max)
{
    storage_iter *it;
    assert_int_equal(storage_iter_new_index(s, NULL, oid, NULL, 0, NULL, 0, &it), 0);
    size_t n = 0;
    int rc;
    while ((rc = storage_iter_next(it)) == 1) {
        const uint8_t *k, *v;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &v, &vl);
        assert_int_equal(kl, 8 + 9);
        assert_int_equal(vl, 9);
        assert_memory_equal(k + 8, v, 9); /* the value is the row's pk */
        keycodec_key key;
        assert_int_equal(keycodec_decode_pk(v, vl, &key), 0);
        if (n < max) {
            decades[n] = get_u64(k);
            pks[n] = key.col[0].u.i;
        }
        keycodec_key_free(&key);
        n++;
    }
    assert_int_equal(rc, 0);
    storage_iter_del(it);
    return n;
}

static void test_commit_maintains(void **state)
{
    fixture *f = *state;
    assert_int_equal(put_index(f->s, 7, 'n'), 0);
    assert_true(wait_ready(7)); /* empty table: built at once */
    int64_t k[3] = {1, 2, 3};
    uint64_t v[3] = {15, 25, 11};
    assert_int_equal(commit_rows(f->s, k, v, 3), 0);
    uint64_t d[8];
    int64_t p[8];
    assert_int_equal(entries(f->s, 7, d, p, 8), 3);
    assert_int_equal(d[0], 1);
    assert_int_equal(p[0], 1);
    assert_int_equal(d[1], 1);
    assert_int_equal(p[1], 3);
    assert_int_equal(d[2], 2);
    assert_int_equal(p[2], 2);
    /* row 1 moves to decade 4: its old entry goes, the new one comes, in the same write */
    assert_int_equal(commit1(f->s, 1, 42), 0);
    assert_int_equal(entries(f->s, 7, d, p, 8), 3);
    assert_int_equal(d[0], 1);
    assert_int_equal(p[0], 3);
    assert_int_equal(d[2], 4);
    assert_int_equal(p[2], 1);
    /* a merge that keeps the state (max) changes nothing */
    assert_int_equal(commit1(f->s, 1, 5), 0);
    assert_int_equal(entries(f->s, 7, d, p, 8), 3);
    assert_int_equal(d[2], 4);
}

static void test_remote_and_import(void **state)
{
    fixture *f = *state;
    assert_int_equal(put_index(f->s, 7, 'n'), 0);
    assert_true(wait_ready(7));
    /* a remote entry (origin 2) */
    uint8_t pk[9], dv[8];
    pk_int(pk, 50);
    put_u64(dv, 77);
    logentry_delta del = {1, pk, 9, dv, 8};
    logentry e;
    logentry_init(&e);
    e.origin = 2;
    e.seq = 1;
    e.hlc = 5;
    e.deltas = &del;
    e.ndeltas = 1;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    storage_commit_req req = {.entry = b.data, .entry_len = b.len};
    assert_int_equal(storage_commit_remote(f->s, &req), 0);
    codec_buf_free(&b);
    uint64_t d[8];
    int64_t p[8];
    assert_int_equal(entries(f->s, 7, d, p, 8), 1);
    assert_int_equal(d[0], 7);
    assert_int_equal(p[0], 50);
    /* an import (snapshot, anti-entropy) merging into the row and adding another */
    codec_buf rk1, rk2;
    codec_buf_init(&rk1);
    codec_buf_init(&rk2);
    uint8_t pk2[9], v1[8], v2[8];
    pk_int(pk2, 60);
    keycodec_row_key(&rk1, 1, pk, 9);
    keycodec_row_key(&rk2, 1, pk2, 9);
    put_u64(v1, 93);
    put_u64(v2, 33);
    storage_item items[2] = {{STORAGE_ITEM_ROW, rk1.data, rk1.len, v1, 8},
                             {STORAGE_ITEM_ROW, rk2.data, rk2.len, v2, 8}};
    assert_int_equal(storage_import(f->s, items, 2, NULL), 0);
    codec_buf_free(&rk1);
    codec_buf_free(&rk2);
    assert_int_equal(entries(f->s, 7, d, p, 8), 2);
    assert_int_equal(d[0], 3);
    assert_int_equal(p[0], 60);
    assert_int_equal(d[1], 9);
    assert_int_equal(p[1], 50);
}

static void test_build_and_restart(void **state)
{
    fixture *f = *state;
    /* more rows than one build chunk */
    for (int64_t i = 0; i < 3000; i += 10) {
        int64_t k[10];
        uint64_t v[10];
        for (int j = 0; j < 10; j++) k[j] = i + j, v[j] = (uint64_t)(i + j);
        assert_int_equal(commit_rows(f->s, k, v, 10), 0);
    }
    assert_int_equal(put_index(f->s, 9, 'n'), 0);
    /* close at once: the build is cut short wherever it is, and goes on at the next open */
    storage_close(f->s);
    f->s = NULL;
    T.nready = 0;
    assert_int_equal(open_store(f), 0);
    assert_true(wait_ready(9));
    uint64_t d[4];
    int64_t p[4];
    assert_int_equal(entries(f->s, 9, d, p, 4), 3000);
    assert_int_equal(d[0], 0);
    /* built indexes are reported at open without building again */
    storage_close(f->s);
    f->s = NULL;
    T.nready = 0;
    assert_int_equal(open_store(f), 0);
    pthread_mutex_lock(&T.mu);
    assert_true(is_ready(9));
    pthread_mutex_unlock(&T.mu);
    assert_int_equal(entries(f->s, 9, d, p, 4), 3000);
}

static void test_unique_and_drop(void **state)
{
    fixture *f = *state;
    assert_int_equal(put_index(f->s, 5, 'u'), 0);
    assert_true(wait_ready(5));
    assert_int_equal(commit1(f->s, 1, 10), 0);
    /* decade 1 again from another row: refused, nothing written */
    assert_int_equal(commit1(f->s, 2, 19), STORAGE_EUNIQUE);
    assert_non_null(strstr(storage_errmsg(), "toy index 5"));
    uint64_t d[8];
    int64_t p[8];
    assert_int_equal(entries(f->s, 5, d, p, 8), 1);
    /* two rows of one commit colliding with each other: refused too */
    int64_t k[2] = {3, 4};
    uint64_t v[2] = {30, 31};
    assert_int_equal(commit_rows(f->s, k, v, 2), STORAGE_EUNIQUE);
    /* the same row keeping its key, and another row moving away from a key, are fine */
    assert_int_equal(commit1(f->s, 1, 12), 0);
    assert_int_equal(commit1(f->s, 3, 30), 0);
    /* a remote entry is never refused: both rows keep their entries (reported upstream) */
    uint8_t pk[9], dv[8];
    pk_int(pk, 9);
    put_u64(dv, 11);
    logentry_delta del = {1, pk, 9, dv, 8};
    logentry e;
    logentry_init(&e);
    e.origin = 2;
    e.seq = 1;
    e.deltas = &del;
    e.ndeltas = 1;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(logentry_encode(&b, &e), 0);
    storage_commit_req req = {.entry = b.data, .entry_len = b.len};
    assert_int_equal(storage_commit_remote(f->s, &req), 0);
    codec_buf_free(&b);
    assert_int_equal(entries(f->s, 5, d, p, 8), 3);
    assert_int_equal(d[0], 1);
    assert_int_equal(d[1], 1);
    /* storage_index_find: decade 1 is held by a row other than 1 (row 9), by none but 3 in 3 */
    uint8_t pk1[9], pk3[9], dec1[8], dec3[8];
    pk_int(pk1, 1);
    pk_int(pk3, 3);
    put_u64(dec1, 1);
    put_u64(dec3, 3);
    uint8_t *other = NULL;
    size_t olen = 0;
    assert_int_equal(storage_index_find(f->s, 5, dec1, 8, pk1, 9, &other, &olen), 1);
    assert_int_equal(olen, 9);
    assert_memory_equal(other, pk, 9);
    free(other);
    assert_int_equal(storage_index_find(f->s, 5, dec3, 8, pk3, 9, NULL, NULL), 0);
    /* drop: the entries go */
    assert_int_equal(put_index(f->s, 5, '-'), 0);
    assert_int_equal(entries(f->s, 5, d, p, 8), 0);
    /* writes after the drop add nothing */
    assert_int_equal(commit1(f->s, 20, 200), 0);
    assert_int_equal(entries(f->s, 5, d, p, 8), 0);
}

/* storage_multi_get: present rows' states, NULL for absent ones, at a snapshot. */
static void test_multi_get(void **state)
{
    fixture *f = *state;
    int64_t k[3] = {1, 2, 3};
    uint64_t v[3] = {10, 20, 30};
    assert_int_equal(commit_rows(f->s, k, v, 3), 0);
    storage_snapshot *snap = storage_snapshot_new(f->s);
    assert_int_equal(commit1(f->s, 4, 40), 0); /* after the snapshot */
    uint8_t pks[4][9];
    const uint8_t *pp[4];
    size_t pl[4];
    int64_t want[4] = {3, 9, 1, 4};
    for (int i = 0; i < 4; i++) {
        pk_int(pks[i], want[i]);
        pp[i] = pks[i];
        pl[i] = 9;
    }
    uint8_t *vals[4];
    size_t vl[4];
    assert_int_equal(storage_multi_get(f->s, snap, 1, pp, pl, 4, vals, vl), 0);
    assert_non_null(vals[0]);
    assert_int_equal(vl[0], 8);
    assert_int_equal(get_u64(vals[0]), 30);
    assert_null(vals[1]);
    assert_int_equal(get_u64(vals[2]), 10);
    assert_null(vals[3]); /* written after the snapshot */
    for (int i = 0; i < 4; i++) free(vals[i]);
    assert_int_equal(storage_multi_get(f->s, NULL, 1, pp, pl, 4, vals, vl), 0);
    assert_int_equal(get_u64(vals[3]), 40);
    for (int i = 0; i < 4; i++) free(vals[i]);
    storage_snapshot_del(f->s, snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_maintains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_and_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_and_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_get, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
