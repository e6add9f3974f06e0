/*
 * storage/storage_snap.c — whole-state export and import: snapshot transfer, region join and
 * anti-entropy repair (see storage.h, "state transfer").
 *
 * Entry points: storage_export_new, storage_export_vv, storage_export_next,
 * storage_export_del, storage_import_async, storage_import, storage_import_ex_async,
 * storage_import_ex, storage_canonical (+ storage_fence_get/put for the readers,
 * storage_import_recover at open).
 *
 * Staging (STORAGE_IMPORT_STAGE): items are parked in the meta column family under the
 * "snapstage" prefix instead of merged (on disk: a snapshot of any size is staged with the
 * memory of one chunk). The final import (with final_vv) makes the snapshot visible at once,
 * in bounded memory, in three steps on the writer thread:
 *   1. its own items go to the stage too, with the apply mark "snapapply" = final_vv, in one
 *      synced WriteBatch: from here on the apply is bound to finish (after a crash,
 *      storage_import_recover finishes it at the next open, before any reader);
 *   2. the READ FENCE goes up: a RocksDB snapshot taken now, at which every read that names
 *      no snapshot (storage_get, iterators, storage_snapshot_new, exports) reads until the
 *      end; then the stage is merged in WriteBatches of at most import_batch_bytes, each
 *      also deleting the stage keys it merged (so a crash leaves exactly the unmerged rest);
 *   3. the last WriteBatch raises the vv and deletes the mark (synced); the in-memory vv and
 *      the fence change together under mu: readers see the old state, then the whole
 *      snapshot, never part of it. Local commits wait meanwhile (the writer is busy), so no
 *      reader misses its own write behind the fence.
 *
 * Export pins a RocksDB snapshot and reads the applied vv stored in the meta column family
 * AT that snapshot: the commit path writes rows, log entry and vv in one WriteBatch, so the
 * pair (rows, vv) of one snapshot is always consistent.
 *
 * Import must not race with the writer's read-merge-write of the same row, and it changes
 * the in-memory vv that only the writer thread may write. It therefore runs ON the writer
 * thread: it queues a barrier request through the remote-commit path (an entry that cannot
 * decode, so the writer only completes it, with STORAGE_EBADENTRY) and does its work in that
 * request's completion callback, which the writer runs between two groups. (A dedicated
 * request kind in storage_commit.c would be cleaner; until then the barrier is this file's
 * private business.) An import without final_vv is one synced WriteBatch. With final_vv the
 * rows and the raised vv become durable together in the sense above: a crash before step 1
 * leaves the vv where it was (the transfer restarts, anything merged merges again to the
 * same state); a crash after it is finished by the next open. If the apply itself fails
 * (a merge callback refuses a staged state, an I/O error), the mark and the stage are
 * dropped and the error returned: what was merged before the failure stays (valid CRDT
 * states, possibly part of a transaction), the vv is not raised and the transfer restarts.
 * Log entries of a raised origin at or below the new vv are deleted (the log must never have
 * a gap: a peer reading it would wait forever for the missing seqs), so a peer that needs
 * them gets STORAGE_ETRUNCATED and, in turn, a snapshot.
 */
#include "storage/storage_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct storage_export {
    storage *s;
    const rocksdb_snapshot_t *snap;
    rocksdb_readoptions_t *ro;
    rocksdb_iterator_t *it;
    int phase; /* 0: catalog, 1: rows, 2: done */
    bool started;
    causal_vv vv;
    storage_fence *fence; /* snap is the read fence's (a reference) */
};

int storage_export_new(storage *s, storage_export **out)
{
    *out = NULL;
    storage_export *x = calloc(1, sizeof *x);
    if (!x) return storage_fail(STORAGE_ENOMEM, "out of memory");
    x->s = s;
    causal_vv_init(&x->vv);
    x->fence = storage_fence_get(s);
    x->snap = x->fence ? x->fence->snap : rocksdb_create_snapshot(s->db);
    x->ro = rocksdb_readoptions_create();
    int rc = 0;
    if (!x->snap || !x->ro) {
        rc = storage_fail(STORAGE_ENOMEM, "out of memory");
        goto fail;
    }
    rocksdb_readoptions_set_snapshot(x->ro, x->snap);
    rocksdb_readoptions_set_fill_cache(x->ro, 0);
    char *err = NULL;
    size_t len = 0;
    char *val = rocksdb_get_cf(s->db, x->ro, s->cf[CF_META], "vv", 2, &len, &err);
    if (err) {
        rc = storage_rocks_error(err, "read vv at snapshot");
        goto fail;
    }
    if (val) {
        codec_rd r;
        codec_rd_init(&r, val, len);
        int crc = causal_vv_decode(&r, &x->vv);
        if (crc == 0 && codec_rd_left(&r) != 0) crc = CRDT_EBADENC;
        rocksdb_free(val);
        if (crc < 0) {
            rc = storage_fail(STORAGE_ECORRUPT, "version vector unreadable at snapshot");
            goto fail;
        }
    }
    x->it = rocksdb_create_iterator_cf(s->db, x->ro, s->cf[CF_CATALOG]);
    if (!x->it) {
        rc = storage_fail(STORAGE_ENOMEM, "out of memory");
        goto fail;
    }
    *out = x;
    return 0;
fail:
    storage_export_del(x);
    return rc;
}

const causal_vv *storage_export_vv(const storage_export *x)
{
    return &x->vv;
}

int storage_export_next(storage_export *x, storage_item *item)
{
    while (x->phase < 2) {
        if (!x->started) {
            rocksdb_iter_seek_to_first(x->it);
            x->started = true;
        } else {
            rocksdb_iter_next(x->it);
        }
        if (rocksdb_iter_valid(x->it)) {
            size_t klen, vlen;
            const char *k = rocksdb_iter_key(x->it, &klen);
            const char *v = rocksdb_iter_value(x->it, &vlen);
            item->kind = x->phase == 0 ? STORAGE_ITEM_CATALOG : STORAGE_ITEM_ROW;
            item->key = (const uint8_t *)k;
            item->klen = klen;
            item->val = (const uint8_t *)v;
            item->vlen = vlen;
            return 1;
        }
        char *err = NULL;
        rocksdb_iter_get_error(x->it, &err);
        if (err) return storage_rocks_error(err, "export iteration");
        rocksdb_iter_destroy(x->it);
        x->it = NULL;
        x->phase++;
        x->started = false;
        if (x->phase == 1) {
            x->it = rocksdb_create_iterator_cf(x->s->db, x->ro, x->s->cf[CF_ROWS]);
            if (!x->it) return storage_fail(STORAGE_ENOMEM, "out of memory");
        }
    }
    return 0;
}

void storage_export_del(storage_export *x)
{
    if (!x) return;
    if (x->it) rocksdb_iter_destroy(x->it);
    if (x->ro) rocksdb_readoptions_destroy(x->ro);
    if (x->fence)
        storage_fence_put(x->s, x->fence);
    else if (x->snap)
        rocksdb_release_snapshot(x->s->db, x->snap);
    causal_vv_free(&x->vv);
    free(x);
}

int storage_canonical(storage *s, const causal_vv *stable_seq_vv, const storage_item *item,
                      uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (item->kind != STORAGE_ITEM_ROW || !s->opts.gc || !stable_seq_vv ||
        stable_seq_vv->len == 0)
        return 0;
    bool drop = false;
    int rc = s->opts.gc(s->opts.gc_ctx, stable_seq_vv, item->val, item->vlen, out, outlen,
                        &drop);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        return storage_fail(STORAGE_EMERGE, "gc callback failed (%d)", rc);
    }
    return 0;
}

/* ---------------------------------------------------------------- import */

static const char STAGE_PREFIX[] = "snapstage";
#define STAGE_PREFIX_LEN (sizeof STAGE_PREFIX - 1)
static const char APPLY_MARK[] = "snapapply"; /* meta key: final vv of an unfinished apply */

typedef struct import_job {
    storage_commit_req req; /* the barrier */
    unsigned flags;         /* STORAGE_IMPORT_* */
    storage *s;
    const storage_item *items;
    size_t n;
    causal_vv final;
    bool has_final;
    storage_import_cb cb;
    void *arg;
} import_job;

/* Cannot decode (no format version 0xff): the writer completes it without writing. */
static const uint8_t barrier_entry[1] = {0xff};

/* ---------------------------------------------------------------- read fence */

storage_fence *storage_fence_get(storage *s)
{
    pthread_mutex_lock(&s->mu);
    storage_fence *f = s->fence;
    if (f) f->refs++;
    pthread_mutex_unlock(&s->mu);
    return f;
}

void storage_fence_put(storage *s, storage_fence *f)
{
    pthread_mutex_lock(&s->mu);
    assert(f->refs > 0);
    bool last = --f->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (!last) return;
    rocksdb_release_snapshot(s->db, f->snap);
    free(f);
}

/* Raises the fence (the apply holds one reference). */
static int fence_up(storage *s)
{
    storage_fence *f = calloc(1, sizeof *f);
    if (!f) return storage_fail(STORAGE_ENOMEM, "out of memory");
    f->snap = rocksdb_create_snapshot(s->db);
    f->refs = 1;
    pthread_mutex_lock(&s->mu);
    assert(!s->fence); /* one apply at a time: the writer thread runs them */
    s->fence = f;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

/* ---------------------------------------------------------------- merge and stage */

static int merge_item(storage *s, rocksdb_writebatch_wi_t *wb, const storage_item *it)
{
    int cf = it->kind == STORAGE_ITEM_ROW ? CF_ROWS : CF_CATALOG;
    storage_merge_fn fn = cf == CF_ROWS ? s->opts.merge : s->opts.catalog_merge;
    void *ctx = cf == CF_ROWS ? s->opts.merge_ctx : s->opts.catalog_merge_ctx;
    if (!fn) {
        rocksdb_writebatch_wi_put_cf(wb, s->cf[cf], (const char *)it->key, it->klen,
                                     (const char *)it->val, it->vlen);
        return cf == CF_CATALOG ? storage_index_catalog(s, wb, it->key, it->klen, it->val, it->vlen)
                                : 0;
    }
    char *err = NULL;
    size_t oldlen = 0;
    /* s->ro: the latest state, never the fence */
    char *old = rocksdb_writebatch_wi_get_from_batch_and_db_cf(
        wb, s->db, s->ro, s->cf[cf], (const char *)it->key, it->klen, &oldlen, &err);
    if (err) return storage_rocks_error(err, "read for import");
    uint8_t *out = NULL;
    size_t outlen = 0;
    int mrc = fn(ctx, (const uint8_t *)old, old ? oldlen : 0, it->val, it->vlen, &out, &outlen);
    if (mrc < 0) {
        rocksdb_free(old);
        free(out);
        return storage_fail(STORAGE_EMERGE, "%s merge callback failed on import (%d)",
                            cf == CF_ROWS ? "row" : "catalog", mrc);
    }
    /* the indexes follow (storage_index.c); an import never refuses a duplicate */
    int rc = cf == CF_ROWS ? storage_index_row(s, wb, it->key, it->klen, (const uint8_t *)old,
                                               oldlen, out, outlen, false)
                           : storage_index_catalog(s, wb, it->key, it->klen, out, outlen);
    rocksdb_free(old);
    if (rc == 0)
        rocksdb_writebatch_wi_put_cf(wb, s->cf[cf], (const char *)it->key, it->klen,
                                     (const char *)out, outlen);
    /* Written outside the writer's groups: the row cache must not keep the old state (readers
       and the next commit's merge would not see what the import brought). The writer thread
       runs imports, so nothing puts it back before the batch is written. */
    if (rc == 0 && cf == CF_ROWS) rowcache_erase(&s->rowcache, it->key, it->klen);
    free(out);
    return rc;
}

static int write_batch(storage *s, rocksdb_writebatch_wi_t *wb, bool sync, const char *what)
{
    char *err = NULL;
    rocksdb_write_writebatch_wi(s->db, sync ? s->wo_sync : s->wo, wb, &err);
    if (err) return storage_rocks_error(err, what);
    storage_index_after_write(s);
    return 0;
}

/* Drops everything staged (one range deletion: the stage may be large). */
static int stage_reset(storage *s)
{
    char hi[STAGE_PREFIX_LEN + 1];
    memcpy(hi, STAGE_PREFIX, STAGE_PREFIX_LEN);
    hi[STAGE_PREFIX_LEN] = (char)0xff; /* kinds are 1 and 2 */
    char *err = NULL;
    rocksdb_delete_range_cf(s->db, s->wo, s->cf[CF_META], STAGE_PREFIX, STAGE_PREFIX_LEN, hi,
                            sizeof hi, &err);
    return err ? storage_rocks_error(err, "reset snapshot stage") : 0;
}

/* Merges every staged item and deletes its stage key, in WriteBatches of at most
 * import_batch_bytes written as they fill (not synced: the caller's last batch syncs);
 * the tail stays in wb for the caller's last batch. */
static int stage_apply(storage *s, rocksdb_writebatch_wi_t *wb)
{
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    if (!ro) return storage_fail(STORAGE_ENOMEM, "out of memory");
    char hi[STAGE_PREFIX_LEN + 1];
    memcpy(hi, STAGE_PREFIX, STAGE_PREFIX_LEN);
    hi[STAGE_PREFIX_LEN] = (char)0xff;
    rocksdb_readoptions_set_iterate_upper_bound(ro, hi, sizeof hi);
    rocksdb_readoptions_set_fill_cache(ro, 0);
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf[CF_META]);
    int rc = 0;
    size_t pending = 0; /* bytes put in wb since it was last written */
    for (rocksdb_iter_seek(it, STAGE_PREFIX, STAGE_PREFIX_LEN); rc == 0 && rocksdb_iter_valid(it);
         rocksdb_iter_next(it)) {
        size_t klen, vlen;
        const char *k = rocksdb_iter_key(it, &klen);
        const char *v = rocksdb_iter_value(it, &vlen);
        if (klen < STAGE_PREFIX_LEN + 2 || memcmp(k, STAGE_PREFIX, STAGE_PREFIX_LEN) != 0) continue;
        storage_item item = {.kind = (uint8_t)k[STAGE_PREFIX_LEN],
                             .key = (const uint8_t *)k + STAGE_PREFIX_LEN + 1,
                             .klen = klen - STAGE_PREFIX_LEN - 1,
                             .val = (const uint8_t *)v,
                             .vlen = vlen};
        rc = merge_item(s, wb, &item);
        rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_META], k, klen);
        pending += 2 * klen + vlen;
        if (rc == 0 && pending >= s->import_batch_bytes) {
            rc = write_batch(s, wb, false, "write snapshot apply batch");
            rocksdb_writebatch_wi_clear(wb);
            pending = 0;
        }
    }
    if (rc == 0) {
        char *err = NULL;
        rocksdb_iter_get_error(it, &err);
        if (err) rc = storage_rocks_error(err, "read snapshot stage");
    }
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    return rc;
}

static void stage_put(storage *s, rocksdb_writebatch_wi_t *wb, const storage_item *it,
                      codec_buf *key)
{
    codec_buf_reset(key);
    codec_put_raw(key, STAGE_PREFIX, STAGE_PREFIX_LEN);
    codec_put_u8(key, it->kind);
    codec_put_raw(key, it->key, it->klen);
    rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_META], (const char *)key->data, key->len,
                                 (const char *)it->val, it->vlen);
}

static int check_items(const storage_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const storage_item *it = &items[i];
        if (it->kind == STORAGE_ITEM_ROW) {
            uint32_t tid;
            const uint8_t *pk;
            size_t pklen;
            if (keycodec_row_split(it->key, it->klen, &tid, &pk, &pklen) < 0)
                return storage_fail(STORAGE_EINVAL, "import: malformed row key");
        } else if (it->kind != STORAGE_ITEM_CATALOG || it->klen == 0) {
            return storage_fail(STORAGE_EINVAL, "import: bad item kind %u", it->kind);
        }
    }
    return 0;
}

/* Whether raising the vv to include final would raise the local origin while local seqs are
 * reserved (a reservation would then reuse a seq): STORAGE_EDEPS. Writer thread or open. */
static int check_self_raise(storage *s, const causal_vv *final)
{
    uint16_t self = s->opts.node_id;
    if (causal_vv_get(final, self) <= causal_vv_get(&s->vv, self)) return 0;
    pthread_mutex_lock(&s->mu);
    bool busy = s->reserved_next != s->written_seq + 1;
    pthread_mutex_unlock(&s->mu);
    return busy ? storage_fail(STORAGE_EDEPS, "import raises the local origin while local "
                                              "commits are in flight")
                : 0;
}

/* Steps 2 and 3 of a final import (header): the stage, with the mark already written, is
 * merged behind the read fence; the vv is raised to include final. Writer thread or open. */
static int apply_stage(storage *s, const causal_vv *final)
{
    int rc = check_self_raise(s, final);
    if (rc < 0) return rc;
    causal_vv newvv;
    causal_vv_init(&newvv);
    uint16_t self = s->opts.node_id;
    uint64_t self_to = causal_vv_get(final, self);
    bool self_raised = self_to > causal_vv_get(&s->vv, self);
    bool raise = false;
    rocksdb_writebatch_wi_t *wb = rocksdb_writebatch_wi_create(0, 1);
    if (!wb) return storage_fail(STORAGE_ENOMEM, "out of memory");
    rc = fence_up(s);
    if (rc < 0) goto out_wb;
    /* The apply writes rows outside the writer's groups: the row cache forgets them all
       (readers behind the fence read at it; nothing fills the cache until the apply ends). */
    rowcache_clear(&s->rowcache);
    rc = stage_apply(s, wb);
    if (rc < 0) goto out_fence;
    int crc = causal_vv_copy(&newvv, &s->vv); /* writer thread: no lock needed to read */
    if (crc == 0) crc = causal_vv_join(&newvv, final);
    if (crc < 0) {
        rc = storage_crdt_error(crc);
        goto out_fence;
    }
    raise = !causal_vv_leq(&newvv, &s->vv);
    if (raise && (rc = storage_put_vv(wb, s, &newvv)) < 0) goto out_fence;
    /* Entries at or below the new vv of a raised origin would leave a gap in the log. */
    for (uint32_t i = 0; rc == 0 && raise && i < final->len; i++) {
        uint16_t o = final->v[i].node;
        if (final->v[i].counter > causal_vv_get(&s->vv, o))
            rc = storage_log_drop_upto(s, o, final->v[i].counter);
    }
    if (rc < 0) goto out_fence;
    rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_META], APPLY_MARK, strlen(APPLY_MARK));
    rc = write_batch(s, wb, true, "write import");
out_fence:
    pthread_mutex_lock(&s->mu);
    storage_fence *f = s->fence;
    s->fence = NULL;
    if (rc == 0 && raise) {
        causal_vv tmp = s->vv;
        s->vv = newvv;
        newvv = tmp;
        if (self_raised) {
            s->written_seq = self_to;
            if (s->durable_seq < self_to) s->durable_seq = self_to;
            if (s->reserved_next <= self_to) s->reserved_next = self_to + 1;
        }
    }
    pthread_mutex_unlock(&s->mu);
    storage_fence_put(s, f);
out_wb:
    rocksdb_writebatch_wi_destroy(wb);
    causal_vv_free(&newvv);
    return rc;
}

/* After a failed apply: forget it (the sender restarts the transfer). */
static void apply_abandon(storage *s)
{
    char *err = NULL;
    rocksdb_delete_cf(s->db, s->wo_sync, s->cf[CF_META], APPLY_MARK, strlen(APPLY_MARK), &err);
    rocksdb_free(err);
    stage_reset(s);
}

/* Runs on the writer thread. */
static int do_import(import_job *j)
{
    storage *s = j->s;
    if (storage_guard_space(s, false)) return storage_guard_enospc(s);
    int rc = check_items(j->items, j->n);
    if (rc == 0 && j->has_final) rc = check_self_raise(s, &j->final);
    if (rc == 0 && (j->flags & STORAGE_IMPORT_RESET)) rc = stage_reset(s);
    if (rc < 0) return rc;
    bool stage = (j->flags & STORAGE_IMPORT_STAGE) || j->has_final;
    codec_buf skey;
    codec_buf_init(&skey);
    rocksdb_writebatch_wi_t *wb = rocksdb_writebatch_wi_create(0, 1);
    if (!wb) return storage_fail(STORAGE_ENOMEM, "out of memory");
    for (size_t i = 0; i < j->n && rc == 0; i++) {
        if (stage)
            stage_put(s, wb, &j->items[i], &skey);
        else
            rc = merge_item(s, wb, &j->items[i]);
    }
    if (rc == 0 && skey.err) rc = storage_fail(STORAGE_ENOMEM, "out of memory");
    if (rc == 0 && j->has_final) {
        /* step 1: the apply mark, with the last items staged */
        codec_buf_reset(&skey);
        int crc = causal_vv_encode(&skey, &j->final);
        if (crc < 0) rc = storage_crdt_error(crc);
        if (rc == 0)
            rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_META], APPLY_MARK, strlen(APPLY_MARK),
                                         (const char *)skey.data, skey.len);
    }
    if (rc == 0) rc = write_batch(s, wb, true, "write import");
    rocksdb_writebatch_wi_destroy(wb);
    codec_buf_free(&skey);
    if (rc == 0 && j->has_final) {
        rc = apply_stage(s, &j->final);
        if (rc < 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s", storage_errmsg());
            apply_abandon(s);
            storage_fail(rc, "%s", msg);
        }
    }
    return rc;
}

int storage_import_recover(storage *s)
{
    char *err = NULL;
    size_t len = 0;
    char *val = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], APPLY_MARK, strlen(APPLY_MARK),
                               &len, &err);
    if (err) return storage_rocks_error(err, "read snapshot apply mark");
    if (!val) return 0;
    causal_vv final;
    causal_vv_init(&final);
    codec_rd r;
    codec_rd_init(&r, val, len);
    int crc = causal_vv_decode(&r, &final);
    if (crc == 0 && codec_rd_left(&r) != 0) crc = CRDT_EBADENC;
    rocksdb_free(val);
    int rc = crc < 0 ? STORAGE_ECORRUPT : apply_stage(s, &final);
    causal_vv_free(&final);
    if (rc == STORAGE_EIO || rc == STORAGE_ENOSPC || rc == STORAGE_ENOMEM) return rc;
    /* a state that cannot merge (or an unreadable mark) must not stop the node opening:
     * drop the apply, the transfer restarts */
    if (rc < 0) apply_abandon(s);
    return 0;
}

static void on_barrier(storage_commit_req *req)
{
    import_job *j = req->user;
    int rc;
    char msg[200];
    if (req->status != STORAGE_EBADENTRY) {
        /* the store refused the barrier: closing or failed */
        rc = req->status ? req->status : STORAGE_ECLOSED;
        snprintf(msg, sizeof msg, "%s", req->errmsg);
    } else {
        rc = do_import(j);
        snprintf(msg, sizeof msg, "%s", rc < 0 ? storage_errmsg() : "");
    }
    storage_import_cb cb = j->cb;
    void *arg = j->arg;
    causal_vv_free(&j->final);
    free(j);
    cb(arg, rc, msg);
}

int storage_import_async(storage *s, const storage_item *items, size_t n,
                         const causal_vv *final_vv, storage_import_cb cb, void *arg)
{
    return storage_import_ex_async(s, items, n, final_vv, 0, cb, arg);
}

int storage_import_ex_async(storage *s, const storage_item *items, size_t n,
                            const causal_vv *final_vv, unsigned flags, storage_import_cb cb,
                            void *arg)
{
    if (!cb || (n && !items) || (flags & ~3u) ||
        ((flags & STORAGE_IMPORT_STAGE) && final_vv))
        return storage_fail(STORAGE_EINVAL, "import: bad arguments");
    import_job *j = calloc(1, sizeof *j);
    if (!j) return storage_fail(STORAGE_ENOMEM, "out of memory");
    j->s = s;
    j->flags = flags;
    j->items = items;
    j->n = n;
    j->cb = cb;
    j->arg = arg;
    causal_vv_init(&j->final);
    if (final_vv) {
        j->has_final = true;
        if (causal_vv_copy(&j->final, final_vv) < 0) {
            free(j);
            return storage_fail(STORAGE_ENOMEM, "out of memory");
        }
    }
    j->req.entry = barrier_entry;
    j->req.entry_len = sizeof barrier_entry;
    j->req.cb = on_barrier;
    j->req.user = j;
    int rc = storage_commit_remote_async(s, &j->req);
    if (rc < 0) {
        causal_vv_free(&j->final);
        free(j);
    }
    return rc;
}

typedef struct import_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    int rc;
    char msg[200];
} import_wait;

static void on_import_done(void *arg, int status, const char *errmsg)
{
    import_wait *w = arg;
    pthread_mutex_lock(&w->mu);
    w->rc = status;
    snprintf(w->msg, sizeof w->msg, "%s", errmsg);
    w->done = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int storage_import(storage *s, const storage_item *items, size_t n, const causal_vv *final_vv)
{
    return storage_import_ex(s, items, n, final_vv, 0);
}

int storage_import_ex(storage *s, const storage_item *items, size_t n, const causal_vv *final_vv,
                      unsigned flags)
{
    import_wait w = {.done = false};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    int rc = storage_import_ex_async(s, items, n, final_vv, flags, on_import_done, &w);
    if (rc == 0) {
        pthread_mutex_lock(&w.mu);
        while (!w.done) pthread_cond_wait(&w.cv, &w.mu);
        pthread_mutex_unlock(&w.mu);
        rc = w.rc;
        if (rc < 0) storage_fail(rc, "%s", w.msg);
    }
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return rc;
}
