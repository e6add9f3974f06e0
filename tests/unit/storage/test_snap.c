/* Unit tests for storage/storage_snap: export of a consistent snapshot (catalog, rows and the
 * vv at that snapshot, later commits invisible), import through the merge callbacks
 * (idempotent, merges with what is there), the vv raised only with final_vv and atomically
 * with the items, the log of a raised origin dropped (a reader gets STORAGE_ETRUNCATED, the
 * next entry applies and the log continues without a gap), malformed row keys refused with
 * nothing written, and the canonical form through the gc callback.
 *
 * Toy CRDT as in test_store.c: a u64 state, merge = max; gc rewrites 2 into 3. */
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

static int toy_gc(void *ctx, const causal_vv *stable, const uint8_t *state, size_t len,
                  uint8_t **out, size_t *outlen, bool *drop)
{
    (void)ctx;
    (void)stable;
    *out = NULL;
    *drop = false;
    if (len == 8 && get_u64(state) == 2) {
        *out = malloc(8);
        if (!*out) return -1;
        put_u64(*out, 3);
        *outlen = 8;
    }
    return 0;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

typedef struct fixture {
    char root[64];
    char dir[2][128];
    storage *s[2];
} fixture;

static storage *open_store(const char *dir, uint16_t id)
{
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = dir;
    o.node_id = id;
    o.node_name = id == 1 ? "n1" : "n2";
    o.merge = max_merge;
    o.gc = toy_gc;
    o.sync = STORAGE_SYNC_OFF;
    storage *s = NULL;
    assert_int_equal(storage_open(&o, &s), 0);
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/helios-snap-XXXXXX");
    if (!mkdtemp(f->root)) return -1;
    for (int i = 0; i < 2; i++) {
        snprintf(f->dir[i], sizeof f->dir[i], "%s/n%d", f->root, i + 1);
        f->s[i] = open_store(f->dir[i], (uint16_t)(i + 1));
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 2; i++) storage_close(f->s[i]);
    nftw(f->root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* A local commit on s of row (table 5, pk "k<i>") = v, with an optional catalog put. */
static void commit_row(storage *s, int i, uint64_t v, bool catalog)
{
    uint8_t pk[8], val[8];
    int n = snprintf((char *)pk, sizeof pk, "k%d", i);
    put_u64(val, v);
    logentry_delta d = {.table_id = 5, .pk = pk, .pklen = (size_t)n, .delta = val, .dlen = 8};
    static const uint8_t ck[] = "table.t", cv[] = "schema-v1";
    logentry_catalog c = {.op = LOGENTRY_CATALOG_PUT, .key = ck, .klen = sizeof ck - 1,
                          .value = cv, .vlen = sizeof cv - 1};
    storage_commit_req req;
    memset(&req, 0, sizeof req);
    req.deltas = &d;
    req.ndeltas = 1;
    req.catalog = catalog ? &c : NULL;
    req.ncatalog = catalog ? 1 : 0;
    req.hlc = CAUSAL_HLC_MAKE(1700000000000ull, 0);
    assert_int_equal(storage_commit(s, &req), 0);
}

static uint64_t row_value(storage *s, int i)
{
    uint8_t pk[8];
    int n = snprintf((char *)pk, sizeof pk, "k%d", i);
    uint8_t *v = NULL;
    size_t vlen = 0;
    int rc = storage_get(s, NULL, 5, pk, (size_t)n, &v, &vlen);
    if (rc == STORAGE_ENOTFOUND) return 0;
    assert_int_equal(rc, 0);
    assert_int_equal(vlen, 8);
    uint64_t x = get_u64(v);
    free(v);
    return x;
}

/* Every item of a fresh export of s, copied (the export's pointers are transient). */
typedef struct items {
    storage_item *v;
    size_t n;
    causal_vv vv;
} items;

static void export_all(storage *s, items *out)
{
    storage_export *x;
    assert_int_equal(storage_export_new(s, &x), 0);
    causal_vv_init(&out->vv);
    assert_int_equal(causal_vv_copy(&out->vv, storage_export_vv(x)), 0);
    out->v = NULL;
    out->n = 0;
    storage_item it;
    int rc;
    while ((rc = storage_export_next(x, &it)) == 1) {
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        assert_non_null(out->v);
        uint8_t *k = malloc(it.klen), *v = malloc(it.vlen ? it.vlen : 1);
        memcpy(k, it.key, it.klen);
        memcpy(v, it.val, it.vlen);
        out->v[out->n++] = (storage_item){.kind = it.kind, .key = k, .klen = it.klen,
                                          .val = v, .vlen = it.vlen};
    }
    assert_int_equal(rc, 0);
    storage_export_del(x);
}

static void items_free(items *it)
{
    for (size_t i = 0; i < it->n; i++) {
        free((void *)it->v[i].key);
        free((void *)it->v[i].val);
    }
    free(it->v);
    causal_vv_free(&it->vv);
}

static void test_export_is_a_consistent_snapshot(void **state)
{
    fixture *f = *state;
    commit_row(f->s[0], 1, 10, true);
    commit_row(f->s[0], 2, 20, false);
    storage_export *x;
    assert_int_equal(storage_export_new(f->s[0], &x), 0);
    /* a commit after the snapshot is neither in its items nor in its vv */
    commit_row(f->s[0], 3, 30, false);
    assert_int_equal(causal_vv_get(storage_export_vv(x), 1), 2);
    storage_item it;
    int ncat = 0, nrow = 0, rc;
    while ((rc = storage_export_next(x, &it)) == 1) {
        if (it.kind == STORAGE_ITEM_CATALOG) {
            assert_int_equal(nrow, 0); /* catalog first */
            ncat++;
        } else {
            assert_int_equal(it.kind, STORAGE_ITEM_ROW);
            assert_int_equal(it.vlen, 8);
            nrow++;
        }
    }
    assert_int_equal(rc, 0);
    assert_int_equal(ncat, 1);
    assert_int_equal(nrow, 2);
    assert_int_equal(storage_export_next(x, &it), 0); /* stays at the end */
    storage_export_del(x);
}

static void test_import_merges_and_raises_vv_only_when_final(void **state)
{
    fixture *f = *state;
    commit_row(f->s[0], 1, 10, true);
    commit_row(f->s[0], 2, 20, false);
    commit_row(f->s[1], 2, 25, false); /* n2 has a larger value for k2 already */
    items a;
    export_all(f->s[0], &a);
    causal_vv vv;
    causal_vv_init(&vv);

    /* not final: rows merged, vv untouched */
    assert_int_equal(storage_import(f->s[1], a.v, a.n, NULL), 0);
    assert_int_equal(row_value(f->s[1], 1), 10);
    assert_int_equal(row_value(f->s[1], 2), 25); /* max, not overwritten */
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 0);
    assert_int_equal(causal_vv_get(&vv, 2), 1);
    uint8_t *cv = NULL;
    size_t cvlen = 0;
    assert_int_equal(storage_catalog_get(f->s[1], (const uint8_t *)"table.t", 7, &cv, &cvlen), 0);
    assert_memory_equal(cv, "schema-v1", 9);
    free(cv);

    /* again, final: idempotent rows, vv = max(own, snapshot) */
    assert_int_equal(storage_import(f->s[1], a.v, a.n, &a.vv), 0);
    assert_int_equal(row_value(f->s[1], 1), 10);
    assert_int_equal(row_value(f->s[1], 2), 25);
    causal_vv_free(&vv);
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 2);
    assert_int_equal(causal_vv_get(&vv, 2), 1);
    causal_vv_free(&vv);
    items_free(&a);

    /* the vv survives a reopen (it was written with the items) */
    storage_close(f->s[1]);
    f->s[1] = open_store(f->dir[1], 2);
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 2);
    causal_vv_free(&vv);
    assert_int_equal(row_value(f->s[1], 1), 10);
}

static void test_raised_origin_log_has_no_gap(void **state)
{
    fixture *f = *state;
    /* n2 holds origin 1's entry 1 in its log; a snapshot then raises origin 1 to 3 */
    commit_row(f->s[0], 1, 10, false);
    storage_log_iter *li;
    assert_int_equal(storage_log_iter_new(f->s[0], 1, 1, &li), 0);
    uint64_t seq;
    const uint8_t *e;
    size_t elen;
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 1);
    storage_commit_req req;
    memset(&req, 0, sizeof req);
    req.entry = e;
    req.entry_len = elen;
    assert_int_equal(storage_commit_remote(f->s[1], &req), 0);
    storage_log_iter_del(li);
    commit_row(f->s[0], 2, 20, false);
    commit_row(f->s[0], 3, 30, false);
    items a;
    export_all(f->s[0], &a);
    assert_int_equal(storage_import(f->s[1], a.v, a.n, &a.vv), 0);
    items_free(&a);
    /* n2's log of origin 1 can no longer serve 1..3: a reader needs a snapshot */
    assert_int_equal(storage_log_iter_new(f->s[1], 1, 1, &li), STORAGE_ETRUNCATED);
    assert_int_equal(storage_log_oldest(f->s[1], 1), 4);
    /* origin 1's entry 4 applies on top and the log continues from it */
    commit_row(f->s[0], 4, 40, false);
    assert_int_equal(storage_log_iter_new(f->s[0], 1, 4, &li), 0);
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 1);
    assert_int_equal(seq, 4);
    memset(&req, 0, sizeof req);
    req.entry = e;
    req.entry_len = elen;
    assert_int_equal(storage_commit_remote(f->s[1], &req), 0);
    assert_false(req.skipped);
    storage_log_iter_del(li);
    assert_int_equal(row_value(f->s[1], 4), 40);
    assert_int_equal(storage_log_iter_new(f->s[1], 1, 4, &li), 0);
    assert_int_equal(storage_log_iter_next(li, &seq, &e, &elen), 1);
    assert_int_equal(seq, 4);
    storage_log_iter_del(li);
}

static void test_import_refuses_malformed_row_key_whole(void **state)
{
    fixture *f = *state;
    uint8_t good_key[16], val[8];
    put_u64(val, 7);
    /* a valid rows key: table id 5 (u32 BE) + pk "z" */
    good_key[0] = 0, good_key[1] = 0, good_key[2] = 0, good_key[3] = 5, good_key[4] = 'z';
    storage_item v[2] = {
        {.kind = STORAGE_ITEM_ROW, .key = good_key, .klen = 5, .val = val, .vlen = 8},
        {.kind = STORAGE_ITEM_ROW, .key = good_key, .klen = 2, .val = val, .vlen = 8},
    };
    causal_vv fin;
    causal_vv_init(&fin);
    assert_int_equal(causal_vv_set(&fin, 1, 9), 0);
    assert_int_equal(storage_import(f->s[1], v, 2, &fin), STORAGE_EINVAL);
    uint8_t *out = NULL;
    size_t olen = 0;
    assert_int_equal(storage_get(f->s[1], NULL, 5, (const uint8_t *)"z", 1, &out, &olen),
                     STORAGE_ENOTFOUND);
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 0);
    causal_vv_free(&vv);
    /* the good item alone goes in */
    assert_int_equal(storage_import(f->s[1], v, 1, &fin), 0);
    assert_int_equal(storage_get(f->s[1], NULL, 5, (const uint8_t *)"z", 1, &out, &olen), 0);
    assert_int_equal(get_u64(out), 7);
    free(out);
    causal_vv_free(&fin);
}

static storage_item row_item(const char *pk, uint8_t *keybuf, uint8_t *val, uint64_t v)
{
    size_t n = strlen(pk);
    keybuf[0] = keybuf[1] = keybuf[2] = 0;
    keybuf[3] = 5;
    memcpy(keybuf + 4, pk, n);
    put_u64(val, v);
    return (storage_item){.kind = STORAGE_ITEM_ROW, .key = keybuf, .klen = 4 + n, .val = val,
                          .vlen = 8};
}

static void test_staged_snapshot_appears_at_once(void **state)
{
    fixture *f = *state;
    uint8_t k[4][8], v[4][8];
    storage_item a = row_item("k1", k[0], v[0], 11), b = row_item("k2", k[1], v[1], 22);
    storage_item c = row_item("k3", k[2], v[2], 33), d = row_item("k4", k[3], v[3], 44);
    causal_vv fin;
    causal_vv_init(&fin);
    assert_int_equal(causal_vv_set(&fin, 1, 5), 0);
    /* staging with a final vv is refused */
    assert_int_equal(storage_import_ex(f->s[1], &a, 1, &fin, STORAGE_IMPORT_STAGE),
                     STORAGE_EINVAL);
    /* an abandoned transfer leaves k3 staged; a new one resets the stage */
    assert_int_equal(storage_import_ex(f->s[1], &c, 1, NULL, STORAGE_IMPORT_STAGE), 0);
    assert_int_equal(storage_import_ex(f->s[1], &a, 1, NULL,
                                       STORAGE_IMPORT_STAGE | STORAGE_IMPORT_RESET), 0);
    assert_int_equal(storage_import_ex(f->s[1], &b, 1, NULL, STORAGE_IMPORT_STAGE), 0);
    /* staged rows are invisible, the vv untouched */
    assert_int_equal(row_value(f->s[1], 1), 0);
    assert_int_equal(row_value(f->s[1], 2), 0);
    causal_vv vv;
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 0);
    /* a non-final import does not apply the stage */
    assert_int_equal(storage_import(f->s[1], &d, 1, NULL), 0);
    assert_int_equal(row_value(f->s[1], 4), 44);
    assert_int_equal(row_value(f->s[1], 1), 0);
    /* the last chunk: stage + its items + vv together; the reset one never appears */
    assert_int_equal(storage_import(f->s[1], NULL, 0, &fin), 0);
    assert_int_equal(row_value(f->s[1], 1), 11);
    assert_int_equal(row_value(f->s[1], 2), 22);
    assert_int_equal(row_value(f->s[1], 3), 0);
    causal_vv_free(&vv);
    causal_vv_init(&vv);
    assert_int_equal(storage_vv(f->s[1], &vv), 0);
    assert_int_equal(causal_vv_get(&vv, 1), 5);
    causal_vv_free(&vv);
    /* the stage is empty afterwards: staging k3 again and finishing shows only k3 */
    assert_int_equal(storage_import_ex(f->s[1], &c, 1, NULL, STORAGE_IMPORT_STAGE), 0);
    assert_int_equal(storage_import(f->s[1], NULL, 0, &fin), 0);
    assert_int_equal(row_value(f->s[1], 3), 33);
    causal_vv_free(&fin);
}

static void test_canonical_uses_gc_callback(void **state)
{
    fixture *f = *state;
    uint8_t val[8];
    put_u64(val, 2);
    storage_item it = {.kind = STORAGE_ITEM_ROW, .key = (const uint8_t *)"\0\0\0\5k", .klen = 5,
                       .val = val, .vlen = 8};
    causal_vv floor;
    causal_vv_init(&floor);
    uint8_t *out = NULL;
    size_t olen = 0;
    /* empty floor: unchanged */
    assert_int_equal(storage_canonical(f->s[0], &floor, &it, &out, &olen), 0);
    assert_null(out);
    assert_int_equal(causal_vv_set(&floor, 1, 1), 0);
    assert_int_equal(storage_canonical(f->s[0], &floor, &it, &out, &olen), 0);
    assert_non_null(out);
    assert_int_equal(get_u64(out), 3);
    free(out);
    it.kind = STORAGE_ITEM_CATALOG; /* catalog entries are canonical as they are */
    assert_int_equal(storage_canonical(f->s[0], &floor, &it, &out, &olen), 0);
    assert_null(out);
    causal_vv_free(&floor);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_is_a_consistent_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_merges_and_raises_vv_only_when_final, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_raised_origin_log_has_no_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_refuses_malformed_row_key_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_staged_snapshot_appears_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_canonical_uses_gc_callback, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
