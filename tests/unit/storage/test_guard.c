/* Unit tests for storage/storage_guard.c: the free-space reserve (commits, remote entries and
 * imports refused with STORAGE_ENOSPC, nothing written, a reserved seq filled, recovery
 * without reopening, notifications once per transition) and the restored-in-place mark
 * (local commits refused with STORAGE_EREADONLY until fresh peer acks show our own origin
 * back; remote entries, our own included, still apply; the clear is durable; --reassign
 * restores are not marked).
 *
 * The reserve is exercised by setting it above the filesystem's free space (a real full disk
 * is tests/integration/test_diskfull.py). Rows use a toy CRDT: a u64 state, merge = max. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
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

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void rm_rf(const char *p)
{
    nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct fixture {
    char root[256], dir[300];
    storage *s;
    storage_opts o;
    int events[8];
    int nevents;
} fixture;

static void on_notify(void *ctx, int event, uint64_t free_bytes, uint64_t min_free)
{
    (void)free_bytes;
    (void)min_free;
    fixture *f = ctx;
    if (f->nevents < 8) f->events[f->nevents] = event;
    f->nevents++;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->root, sizeof(f->root), "/tmp/helios-guard-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    snprintf(f->dir, sizeof(f->dir), "%s/data", f->root);
    storage_opts_init(&f->o);
    f->o.data_dir = f->dir;
    f->o.node_id = 1;
    f->o.node_name = "n1";
    f->o.merge = max_merge;
    f->o.block_cache_bytes = 4u << 20;
    if (storage_open(&f->o, &f->s) != 0) return -1;
    storage_set_notify(f->s, on_notify, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    rm_rf(f->root);
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

static int commit_seq(storage *s, uint64_t seq, int64_t k, uint64_t v)
{
    uint8_t pk[9], d[8];
    pk_int(pk, k);
    put_u64(d, v);
    logentry_delta del = {1, pk, 9, d, 8};
    storage_commit_req req = {0};
    req.seq = seq;
    req.deltas = &del;
    req.ndeltas = 1;
    req.hlc = 1000;
    return storage_commit(s, &req);
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
    int64_t r = (int64_t)get_u64(v);
    free(v);
    return r;
}

static uint64_t own_seq(storage *s, uint16_t origin)
{
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(s, &vv), 0);
    uint64_t r = causal_vv_get(&vv, origin);
    causal_vv_free(&vv);
    return r;
}

static void remote_entry(codec_buf *b, uint16_t o, uint64_t s, int64_t k, uint64_t v)
{
    uint8_t pk[9], d[8];
    pk_int(pk, k);
    put_u64(d, v);
    logentry_delta del = {1, pk, 9, d, 8};
    logentry e;
    logentry_init(&e);
    e.origin = o;
    e.seq = s;
    e.hlc = 5;
    e.deltas = &del;
    e.ndeltas = 1;
    codec_buf_reset(b);
    assert_int_equal(logentry_encode(b, &e), 0);
    causal_vv_free(&e.deps);
}

static int apply_remote(storage *s, const uint8_t *bytes, size_t len)
{
    storage_commit_req req = {.entry = bytes, .entry_len = len};
    return storage_commit_remote(s, &req);
}

static void test_space_guard(void **state)
{
    fixture *f = *state;
    assert_int_equal(commit_seq(f->s, 0, 1, 10), 0);
    assert_false(storage_space_low(f->s, NULL));

    /* A seq reserved before the disk fills is consumed by a filler, not left as a hole. */
    uint64_t reserved;
    assert_int_equal(storage_next_seq(f->s, &reserved), 0);
    storage_set_min_free(f->s, UINT64_MAX / 2); /* more than any disk has free */
    uint64_t free_now = 0;
    assert_true(storage_space_low(f->s, &free_now));
    assert_true(free_now > 0);
    assert_int_equal(f->nevents, 1);
    assert_int_equal(f->events[0], STORAGE_NOTIFY_SPACE_LOW);

    assert_int_equal(commit_seq(f->s, reserved, 2, 20), STORAGE_ENOSPC);
    assert_non_null(strstr(storage_errmsg(), "disk full"));
    assert_int_equal(read_row(f->s, 2), -1);
    assert_int_equal(own_seq(f->s, 1), reserved); /* filled */

    uint64_t seq;
    assert_int_equal(storage_next_seq(f->s, &seq), STORAGE_ENOSPC);
    assert_int_equal(commit_seq(f->s, 0, 3, 30), STORAGE_ENOSPC);

    /* A remote entry is neither applied nor skipped: the vv does not move. */
    codec_buf b;
    codec_buf_init(&b);
    remote_entry(&b, 2, 1, 4, 40);
    assert_int_equal(apply_remote(f->s, b.data, b.len), STORAGE_ENOSPC);
    assert_int_equal(own_seq(f->s, 2), 0);
    assert_int_equal(read_row(f->s, 4), -1);

    uint8_t key[9], val[8];
    pk_int(key, 5);
    put_u64(val, 50);
    codec_buf rk;
    codec_buf_init(&rk);
    assert_int_equal(keycodec_row_key(&rk, 1, key, 9), 0);
    storage_item it = {.kind = STORAGE_ITEM_ROW, .key = rk.data, .klen = rk.len, .val = val,
                       .vlen = 8};
    assert_int_equal(storage_import(f->s, &it, 1, NULL), STORAGE_ENOSPC);
    assert_int_equal(read_row(f->s, 5), -1);
    assert_int_equal(read_row(f->s, 1), 10); /* reads keep working */
    assert_int_equal(f->nevents, 1);         /* logged once */

    /* Space back: the same store takes writes again, nothing skipped. */
    storage_set_min_free(f->s, 1);
    assert_false(storage_space_low(f->s, NULL));
    assert_int_equal(f->nevents, 2);
    assert_int_equal(f->events[1], STORAGE_NOTIFY_SPACE_OK);
    assert_int_equal(apply_remote(f->s, b.data, b.len), 0);
    assert_int_equal(read_row(f->s, 4), 40);
    assert_int_equal(storage_import(f->s, &it, 1, NULL), 0);
    assert_int_equal(read_row(f->s, 5), 50);
    assert_int_equal(commit_seq(f->s, 0, 3, 30), 0);
    assert_int_equal(own_seq(f->s, 1), reserved + 1);
    codec_buf_free(&b);
    codec_buf_free(&rk);
}

static void test_restored_mark(void **state)
{
    fixture *f = *state;
    assert_int_equal(commit_seq(f->s, 0, 1, 10), 0);
    assert_false(storage_restored(f->s));
    char bdir[320], rdir[320], sdir[320];
    snprintf(bdir, sizeof bdir, "%s/backup", f->root);
    snprintf(rdir, sizeof rdir, "%s/restored", f->root);
    snprintf(sdir, sizeof sdir, "%s/seeded", f->root);
    assert_int_equal(storage_backup(f->s, bdir), 0);
    assert_int_equal(commit_seq(f->s, 0, 2, 20), 0); /* seq 2: the peers have it, the backup not */

    /* Our own seq 2 as the peers would send it back. */
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s, 1, 2, &li), 0);
    uint64_t lseq;
    const uint8_t *ebytes;
    size_t elen;
    assert_int_equal(storage_log_iter_next(li, &lseq, &ebytes, &elen), 1);
    assert_int_equal(lseq, 2);
    uint8_t *own2 = malloc(elen);
    memcpy(own2, ebytes, elen);
    storage_log_iter_del(li);

    assert_int_equal(storage_restore(bdir, rdir, 1, "n1", false), 0);
    storage_opts o = f->o;
    o.data_dir = rdir;
    storage *r = NULL;
    assert_int_equal(storage_open(&o, &r), 0);
    assert_true(storage_restored(r));
    uint64_t seq;
    assert_int_equal(storage_next_seq(r, &seq), STORAGE_EREADONLY);
    assert_non_null(strstr(storage_errmsg(), "restored"));
    assert_int_equal(commit_seq(r, 0, 3, 30), STORAGE_EREADONLY);
    assert_int_equal(read_row(r, 1), 10);

    uint16_t peers[] = {2, 3};
    assert_int_equal(storage_restored_check(r, peers, 2), 0); /* no answer yet */
    causal_vv acked;
    causal_vv_init(&acked);
    causal_vv_set(&acked, 1, 2);
    assert_int_equal(storage_peer_put_acked(r, 2, &acked), 0); /* peer 2 holds our seq 2 */
    causal_vv_set(&acked, 1, 1);
    assert_int_equal(storage_peer_put_acked(r, 3, &acked), 0);
    assert_int_equal(storage_restored_check(r, peers, 2), 0); /* we have only seq 1 */
    assert_true(storage_restored(r));

    /* Remote entries still apply, our own coming back included. */
    assert_int_equal(apply_remote(r, own2, elen), 0);
    assert_int_equal(read_row(r, 2), 20);
    assert_int_equal(own_seq(r, 1), 2);
    assert_int_equal(storage_restored_check(r, peers, 2), 1);
    assert_false(storage_restored(r));
    assert_int_equal(commit_seq(r, 0, 3, 30), 0);
    assert_int_equal(own_seq(r, 1), 3); /* after, not over, what the peers hold */
    storage_close(r);
    r = NULL;
    assert_int_equal(storage_open(&o, &r), 0);
    assert_false(storage_restored(r)); /* the clear is durable */
    storage_close(r);

    /* Stale acks (stored before the restart) do not count; the override does. */
    rm_rf(rdir);
    assert_int_equal(storage_restore(bdir, rdir, 1, "n1", false), 0);
    assert_int_equal(storage_open(&o, &r), 0);
    causal_vv_set(&acked, 1, 1);
    assert_int_equal(storage_peer_put_acked(r, 2, &acked), 0);
    storage_close(r);
    assert_int_equal(storage_open(&o, &r), 0);
    assert_true(storage_restored(r));
    uint16_t one[] = {2};
    assert_int_equal(storage_restored_check(r, one, 1), 0);
    assert_int_equal(storage_restored_check(r, NULL, 0), 1); /* no peers: nothing to wait for */
    storage_close(r);
    rm_rf(rdir);
    assert_int_equal(storage_restore(bdir, rdir, 1, "n1", false), 0);
    assert_int_equal(storage_open(&o, &r), 0);
    assert_int_equal(storage_restored_clear(r), 0);
    assert_int_equal(commit_seq(r, 0, 3, 30), 0);
    storage_close(r);

    /* --reassign: a new origin, nothing to wait for. */
    assert_int_equal(storage_restore(bdir, sdir, 9, "n9", true), 0);
    o.data_dir = sdir;
    o.node_id = 9;
    o.node_name = "n9";
    assert_int_equal(storage_open(&o, &r), 0);
    assert_false(storage_restored(r));
    assert_int_equal(commit_seq(r, 0, 3, 30), 0);
    storage_close(r);
    causal_vv_free(&acked);
    free(own2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_space_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restored_mark, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
