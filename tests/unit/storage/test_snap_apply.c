/* Unit tests for the apply of a staged snapshot (storage/storage_snap.c, storage_import_ex):
 *
 * - applied in many WriteBatches (import_batch_bytes tiny), it is still invisible until it
 *   is whole: probed from inside the apply (the merge callback runs on the writer thread
 *   between batches), storage_get, row iterators, a new storage_snapshot, a new export and
 *   storage_vv all show the state before it; afterwards all of it and the raised vv;
 * - a crash in the middle of the apply (a child process _exits from the merge callback after
 *   several batches were written) is finished by the next open: every staged row visible,
 *   the vv raised, and a later snapshot applies normally.
 *
 * Toy CRDT as in test_snap.c: a u64 state, merge = max. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/storage.h"

#define NROWS 400
#define PROBE_AT 300 /* merge number at which the probe (or the crash) happens */

typedef struct probe {
    storage *s;
    int merges;
    bool crash; /* _exit at PROBE_AT instead of probing */
    bool probed;
    int get_rc;          /* storage_get of row 0 (merged several batches ago) */
    int snap_get_rc;     /* the same through a storage_snapshot taken now */
    int iter_rows;       /* rows of table 5 a new iterator sees */
    uint64_t export_vv1; /* a new export's vv[1] */
    int export_rows;
    uint64_t vv1; /* storage_vv()[1] */
} probe;

static probe P;

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

static void pk_of(int i, uint8_t *pk, size_t *n)
{
    *n = (size_t)snprintf((char *)pk, 16, "k%04d", i);
}

/* Runs on the writer thread: no cmocka asserts here, only records. */
static void run_probe(void)
{
    storage *s = P.s;
    uint8_t pk[16];
    size_t n;
    pk_of(0, pk, &n);
    uint8_t *v = NULL;
    size_t vlen = 0;
    P.get_rc = storage_get(s, NULL, 5, pk, n, &v, &vlen);
    free(v);
    v = NULL;
    storage_snapshot *sn = storage_snapshot_new(s);
    P.snap_get_rc = sn ? storage_get(s, sn, 5, pk, n, &v, &vlen) : -1;
    free(v);
    storage_snapshot_del(s, sn);
    storage_iter *it = NULL;
    P.iter_rows = -1;
    if (storage_iter_new(s, NULL, 5, NULL, 0, NULL, 0, &it) == 0) {
        P.iter_rows = 0;
        while (storage_iter_next(it) == 1) P.iter_rows++;
        storage_iter_del(it);
    }
    storage_export *x = NULL;
    P.export_rows = -1;
    if (storage_export_new(s, &x) == 0) {
        P.export_vv1 = causal_vv_get(storage_export_vv(x), 1);
        storage_item item;
        P.export_rows = 0;
        while (storage_export_next(x, &item) == 1)
            if (item.kind == STORAGE_ITEM_ROW) P.export_rows++;
        storage_export_del(x);
    }
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(s, &vv) == 0) P.vv1 = causal_vv_get(&vv, 1);
    causal_vv_free(&vv);
    P.probed = true;
}

static int max_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    (void)ctx;
    if (dlen != 8 || (old && oldlen != 8)) return -1;
    if (++P.merges == PROBE_AT) {
        if (P.crash) _exit(0); /* what was written stays in the WAL, as after kill -9 */
        if (P.s) run_probe();
    }
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

static storage *open_store(const char *dir)
{
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = dir;
    o.node_id = 2;
    o.node_name = "n2";
    o.merge = max_merge;
    o.sync = STORAGE_SYNC_OFF;
    o.import_batch_bytes = 512; /* a dozen rows per WriteBatch */
    storage *s = NULL;
    if (storage_open(&o, &s) < 0) return NULL;
    return s;
}

/* Stages NROWS rows (value i + 1) in chunks of 50, then imports the last chunk with
 * final vv {1: 77}. Returns the final import's result. */
static int transfer(storage *s)
{
    static uint8_t keys[NROWS][20], vals[NROWS][8];
    storage_item items[NROWS];
    for (int i = 0; i < NROWS; i++) {
        uint8_t pk[16];
        size_t n;
        pk_of(i, pk, &n);
        keys[i][0] = keys[i][1] = keys[i][2] = 0;
        keys[i][3] = 5;
        memcpy(keys[i] + 4, pk, n);
        put_u64(vals[i], (uint64_t)i + 1);
        items[i] = (storage_item){.kind = STORAGE_ITEM_ROW, .key = keys[i], .klen = 4 + n,
                                  .val = vals[i], .vlen = 8};
    }
    for (int c = 0; c < NROWS / 50 - 1; c++) {
        unsigned flags = STORAGE_IMPORT_STAGE | (c == 0 ? STORAGE_IMPORT_RESET : 0);
        if (storage_import_ex(s, items + c * 50, 50, NULL, flags) < 0) return -1;
    }
    causal_vv fin;
    causal_vv_init(&fin);
    causal_vv_set(&fin, 1, 77);
    int rc = storage_import_ex(s, items + NROWS - 50, 50, &fin, 0);
    causal_vv_free(&fin);
    return rc;
}

static int count_rows(storage *s)
{
    storage_iter *it = NULL;
    assert_int_equal(storage_iter_new(s, NULL, 5, NULL, 0, NULL, 0, &it), 0);
    int n = 0;
    while (storage_iter_next(it) == 1) {
        const uint8_t *k, *v;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &v, &vl);
        assert_int_equal(vl, 8);
        n++;
    }
    storage_iter_del(it);
    return n;
}

static uint64_t vv_of(storage *s, uint16_t o)
{
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(s, &vv), 0);
    uint64_t x = causal_vv_get(&vv, o);
    causal_vv_free(&vv);
    return x;
}

static void test_multi_batch_apply_is_invisible_until_whole(void **state)
{
    (void)state;
    char root[] = "/tmp/helios-apply-XXXXXX";
    assert_non_null(mkdtemp(root));
    memset(&P, 0, sizeof P);
    storage *s = open_store(root);
    assert_non_null(s);
    P.s = s;
    assert_int_equal(transfer(s), 0);
    assert_true(P.probed);
    /* row 0 was merged and written ~24 batches before the probe, yet nobody sees it */
    assert_int_equal(P.get_rc, STORAGE_ENOTFOUND);
    assert_int_equal(P.snap_get_rc, STORAGE_ENOTFOUND);
    assert_int_equal(P.iter_rows, 0);
    assert_int_equal(P.export_rows, 0);
    assert_int_equal(P.export_vv1, 0);
    assert_int_equal(P.vv1, 0);
    /* then all of it at once */
    assert_int_equal(count_rows(s), NROWS);
    assert_int_equal(vv_of(s, 1), 77);
    P.s = NULL;
    storage_close(s);
    nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_crash_mid_apply_is_finished_at_open(void **state)
{
    (void)state;
    char root[] = "/tmp/helios-apply-XXXXXX";
    assert_non_null(mkdtemp(root));
    memset(&P, 0, sizeof P);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        P.crash = true;
        storage *s = open_store(root);
        if (!s) _exit(3);
        transfer(s);
        _exit(4); /* the crash did not happen */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* it crashed in the middle of the apply */
    P.merges = 0;
    storage *s = open_store(root);
    assert_non_null(s);
    assert_int_equal(count_rows(s), NROWS);
    assert_int_equal(vv_of(s, 1), 77);
    uint8_t pk[16];
    size_t n;
    pk_of(NROWS - 1, pk, &n);
    uint8_t *v = NULL;
    size_t vlen = 0;
    assert_int_equal(storage_get(s, NULL, 5, pk, n, &v, &vlen), 0);
    assert_int_equal(get_u64(v), NROWS);
    free(v);
    storage_close(s);
    /* nothing left half-done: opening again changes nothing */
    s = open_store(root);
    assert_non_null(s);
    assert_int_equal(count_rows(s), NROWS);
    assert_int_equal(vv_of(s, 1), 77);
    storage_close(s);
    nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_batch_apply_is_invisible_until_whole),
        cmocka_unit_test(test_crash_mid_apply_is_finished_at_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
