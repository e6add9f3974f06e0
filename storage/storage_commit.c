/*
 * storage/storage_commit.c — the writer thread: ordered commits, group commit, the durable
 * watermark, sequence reservations and remote apply.
 *
 * Entry points: storage_next_seq, storage_abandon_seq, storage_commit_async,
 * storage_commit_remote_async, storage_commit, storage_commit_remote (+ start/stop for
 * storage.c).
 *
 * One loop: take everything queued (a group), add each commit to one indexed WriteBatch in
 * order (local commits in seq order: one whose predecessor is still reserved waits in
 * `held`), write that batch once (no sync), then — sync=always — one WAL sync for the group,
 * then the callbacks. One write per group instead of one per commit: RocksDB's write path
 * (write-thread handshake, WAL append syscall, memtable insert setup) is paid once for the
 * group. The batch is indexed, so a commit reads rows as the group's earlier commits left
 * them (and its own first write of a row touched twice); a commit that fails is rolled back
 * to its save point, leaving the others. The group's entries become visible to readers
 * together when the batch is written; the callback (the ack) still waits for the sync.
 *
 * While a group is being built, its running vv and last local seq live in `grp` (writer
 * thread only) and are published to the store (s->vv, written_seq, log bookkeeping, under
 * mu) once its batch is written, so other threads never see a vv ahead of the data.
 */
#include "storage/storage_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The group being built (writer thread only). */
typedef struct grp {
    rocksdb_writebatch_wi_t *wb; /* NULL: nothing added yet */
    size_t n;                    /* entries in wb */
    causal_vv vv;                /* s->vv with this group's entries applied */
    causal_vv first;             /* per origin, the group's first seq (log_oldest) */
    causal_vv stable;            /* s->stable at the group's start (merge_state's floor) */
    uint64_t written_seq;        /* s->written_seq with this group's local entries */
    uint64_t log_bytes;          /* log bytes added by this group */
    /* The rows the batch writes, in order, for the row cache (put once the batch is written;
     * an entry rolled back to its save point drops its own). */
    struct grp_row {
        uint8_t *key, *val;
        size_t klen, vlen;
    } *rows;
    size_t nrows, caprows;
    bool rows_lost; /* out of memory recording one: the batch's rows leave the cache */
} grp;

/* A batch this large is written before the group goes on (catch-up floods of remote
 * entries), bounding the batch's memory. */
#define GRP_MAX_ENTRIES 256

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_req_error(storage_commit_req *req, int code)
{
    req->status = code;
    snprintf(req->errmsg, sizeof(req->errmsg), "%s", storage_errmsg());
}

/* Reads the current value of key in cf, seeing this batch's own earlier writes; a row the
 * batch has not written may be in the row cache (the writer keeps it current). *val is freed
 * with free() (rocksdb_free is free). */
static int read_current(storage *s, rocksdb_writebatch_wi_t *wb, int cf, const char *key,
                        size_t klen, char **val, size_t *vlen)
{
    char *err = NULL;
    if (cf == CF_ROWS && s->rowcache.enabled) {
        *val = rocksdb_writebatch_wi_get_from_batch_cf(wb, s->dbopts, s->cf[cf], key, klen, vlen,
                                                       &err);
        if (err) return storage_rocks_error(err, "read row for merge");
        if (*val) return 0;
        uint8_t *cached = NULL;
        if (rowcache_get(&s->rowcache, (const uint8_t *)key, klen, ROWCACHE_LATEST, &cached,
                         vlen)) {
            *val = (char *)cached;
            return 0;
        }
        *val = rocksdb_get_cf(s->db, s->ro, s->cf[cf], key, klen, vlen, &err);
        if (err) return storage_rocks_error(err, "read row for merge");
        return 0;
    }
    *val = rocksdb_writebatch_wi_get_from_batch_and_db_cf(wb, s->db, s->ro, s->cf[cf], key, klen,
                                                          vlen, &err);
    if (err) return storage_rocks_error(err, "read row for merge");
    return 0;
}

/* Records a row the batch writes (takes val). */
static void grp_row_add(storage *s, grp *g, const char *key, size_t klen, uint8_t *val,
                        size_t vlen)
{
    if (!s->rowcache.enabled) {
        free(val);
        return;
    }
    uint8_t *k = malloc(klen ? klen : 1);
    if (g->nrows == g->caprows) {
        size_t nc = g->caprows ? g->caprows * 2 : 16;
        struct grp_row *nr = realloc(g->rows, nc * sizeof *nr);
        if (nr) {
            g->rows = nr;
            g->caprows = nc;
        }
    }
    if (!k || g->nrows == g->caprows) {
        free(k);
        free(val);
        g->rows_lost = true;
        return;
    }
    memcpy(k, key, klen);
    g->rows[g->nrows++] = (struct grp_row){k, val, klen, vlen};
}

static void grp_rows_drop(grp *g, size_t from)
{
    for (size_t i = from; i < g->nrows; i++) {
        free(g->rows[i].key);
        free(g->rows[i].val);
    }
    g->nrows = from;
}

/* Merges delta into key's current value and keeps the indexes in step (rows: the entries'
 * difference; catalog: indexes defined or dropped). local: a unique index refuses a
 * duplicate (STORAGE_EUNIQUE). */
static int merge_into(storage *s, grp *g, rocksdb_writebatch_wi_t *wb, int cf,
                      storage_merge_fn fn, void *ctx, const char *key, size_t klen,
                      const uint8_t *delta, size_t dlen, const char *what, bool local)
{
    char *old = NULL;
    size_t oldlen = 0;
    int rc = read_current(s, wb, cf, key, klen, &old, &oldlen);
    if (rc < 0) return rc;
    uint8_t *out = NULL;
    size_t outlen = 0;
    int mrc;
    if (cf == CF_ROWS && g && s->opts.merge_state) /* g->vv: what the batch already holds */
        mrc = s->opts.merge_state(ctx, s->opts.fill_applied ? &g->vv : &g->stable,
                                  (const uint8_t *)old, old ? oldlen : 0, delta, dlen, &out,
                                  &outlen);
    else
        mrc = fn(ctx, (const uint8_t *)old, old ? oldlen : 0, delta, dlen, &out, &outlen);
    if (mrc < 0) {
        rocksdb_free(old);
        free(out);
        return storage_fail(STORAGE_EMERGE, "%s merge callback failed (%d)", what, mrc);
    }
    if (cf == CF_ROWS)
        rc = storage_index_row(s, wb, (const uint8_t *)key, klen, (const uint8_t *)old, oldlen,
                               out, outlen, local);
    else if (cf == CF_CATALOG)
        rc = storage_index_catalog(s, wb, (const uint8_t *)key, klen, out, outlen);
    rocksdb_free(old);
    if (rc == 0) rocksdb_writebatch_wi_put_cf(wb, s->cf[cf], key, klen, (const char *)out, outlen);
    if (rc == 0 && cf == CF_ROWS && g) grp_row_add(s, g, key, klen, out, outlen);
    else free(out);
    return rc;
}

/* Starts a group from the store's published state. Returns 0 or STORAGE_ENOMEM. */
static int grp_begin(storage *s, grp *g)
{
    g->wb = NULL;
    g->n = 0;
    g->log_bytes = 0;
    g->rows = NULL;
    g->nrows = g->caprows = 0;
    g->rows_lost = false;
    causal_vv_init(&g->vv);
    causal_vv_init(&g->first);
    causal_vv_init(&g->stable);
    pthread_mutex_lock(&s->mu);
    g->written_seq = s->written_seq;
    int crc = causal_vv_copy(&g->vv, &s->vv);
    if (crc == 0 && s->opts.merge_state && !s->opts.fill_applied)
        crc = causal_vv_copy(&g->stable, &s->stable);
    pthread_mutex_unlock(&s->mu);
    return crc < 0 ? storage_crdt_error(crc) : 0;
}

static void grp_end(grp *g)
{
    if (g->wb) rocksdb_writebatch_wi_destroy(g->wb);
    g->wb = NULL;
    grp_rows_drop(g, 0);
    free(g->rows);
    g->rows = NULL;
    g->caprows = 0;
    causal_vv_free(&g->vv);
    causal_vv_free(&g->first);
    causal_vv_free(&g->stable);
}

typedef struct row_ref {
    const uint8_t *key;
    size_t klen, i;
} row_ref;

/* By key, then the latest write first. */
static int row_ref_cmp(const void *a, const void *b)
{
    const row_ref *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    if (c) return c;
    if (x->klen != y->klen) return x->klen < y->klen ? -1 : 1;
    return x->i > y->i ? -1 : x->i < y->i;
}

/* Puts the batch's rows into the row cache once it is written: a row the batch wrote several
 * times, only with its last state. (Putting every state in turn let a reader find, for a
 * moment, an older state of the row than the batch had written, while it saw the batch's
 * other rows: a transaction seen half-applied, caught by the nemesis, seed 62359.) */
static void grp_rows_put(storage *s, grp *g, uint64_t seq)
{
    row_ref *refs = g->nrows > 1 ? malloc(g->nrows * sizeof *refs) : NULL;
    if (g->nrows > 1 && !refs) { /* out of memory: the batch's rows leave the cache */
        for (size_t i = 0; i < g->nrows; i++)
            rowcache_erase(&s->rowcache, g->rows[i].key, g->rows[i].klen);
        return;
    }
    if (!refs) {
        rowcache_put(&s->rowcache, g->rows[0].key, g->rows[0].klen, g->rows[0].val,
                     g->rows[0].vlen, seq);
        return;
    }
    for (size_t i = 0; i < g->nrows; i++) refs[i] = (row_ref){g->rows[i].key, g->rows[i].klen, i};
    qsort(refs, g->nrows, sizeof *refs, row_ref_cmp);
    for (size_t k = 0; k < g->nrows; k++) {
        if (k && refs[k].klen == refs[k - 1].klen &&
            memcmp(refs[k].key, refs[k - 1].key, refs[k].klen) == 0)
            continue; /* an earlier state of the row just put */
        const struct grp_row *r = &g->rows[refs[k].i];
        rowcache_put(&s->rowcache, r->key, r->klen, r->val, r->vlen, seq);
    }
    free(refs);
}

/* Writes the group's batch (with the advanced vv) and publishes what it applied. On error
 * nothing of the batch is applied; the caller fails the group's commits. */
static int grp_write(storage *s, grp *g)
{
    if (!g->n) return 0;
    int rc = storage_put_vv(g->wb, s, &g->vv);
    if (rc < 0) return rc;
    /* The row cache: readers leave the batch's rows to RocksDB until their new states are in
       (a reader at a snapshot taken after the write must not find the old state). */
    for (size_t i = 0; i < g->nrows; i++)
        rowcache_mark(&s->rowcache, g->rows[i].key, g->rows[i].klen);
    if (g->rows_lost) rowcache_clear(&s->rowcache);
    char *err = NULL;
    rocksdb_write_writebatch_wi(s->db, s->wo, g->wb, &err);
    if (err) {
        for (size_t i = 0; i < g->nrows; i++)
            rowcache_erase(&s->rowcache, g->rows[i].key, g->rows[i].klen);
        grp_rows_drop(g, 0);
        return storage_rocks_error(err, "write commit");
    }
    if (g->nrows) {
        uint64_t seq = rocksdb_get_latest_sequence_number(s->db); /* at or above the batch's */
        grp_rows_put(s, g, seq);
        grp_rows_drop(g, 0);
    }
    g->rows_lost = false;
    storage_index_after_write(s);
    causal_vv pub;
    causal_vv_init(&pub);
    int crc = causal_vv_copy(&pub, &g->vv);
    if (crc < 0) {
        causal_vv_free(&pub);
        return storage_crdt_error(crc);
    }
    pthread_mutex_lock(&s->mu);
    causal_vv tmp = s->vv;
    s->vv = pub;
    pub = tmp;
    for (uint32_t i = 0; i < g->first.len; i++)
        if (causal_vv_get(&s->log_oldest, g->first.v[i].node) == 0)
            causal_vv_set(&s->log_oldest, g->first.v[i].node, g->first.v[i].counter);
    s->log_bytes += g->log_bytes;
    s->written_seq = g->written_seq;
    if (s->reserved_next <= g->written_seq) s->reserved_next = g->written_seq + 1;
    pthread_mutex_unlock(&s->mu);
    causal_vv_free(&pub);
    rocksdb_writebatch_wi_clear(g->wb);
    g->n = 0;
    g->log_bytes = 0;
    causal_vv_free(&g->first);
    causal_vv_init(&g->first);
    return 0;
}

/* Adds one entry to the group: merged rows, catalog changes, the log record; advances the
 * group's vv. On error the batch is as before the entry. */
static int apply_entry(storage *s, grp *g, const logentry *e, const uint8_t *bytes, size_t len)
{
    int rc = 0;
    codec_buf key;
    codec_buf_init(&key);
    if (!g->wb && !(g->wb = rocksdb_writebatch_wi_create(0, 1)))
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    rocksdb_writebatch_wi_t *wb = g->wb;
    rocksdb_writebatch_wi_set_save_point(wb);
    size_t rows_mark = g->nrows;

    for (size_t i = 0; i < e->ndeltas && rc == 0; i++) {
        const logentry_delta *d = &e->deltas[i];
        codec_buf_reset(&key);
        int crc = keycodec_row_key(&key, d->table_id, d->pk, d->pklen);
        if (crc < 0) {
            rc = storage_crdt_error(crc);
            break;
        }
        rc = merge_into(s, g, wb, CF_ROWS, s->opts.merge, s->opts.merge_ctx, (const char *)key.data,
                        key.len, d->delta, d->dlen, "row", e->origin == s->opts.node_id);
    }
    for (size_t i = 0; i < e->ncatalog && rc == 0; i++) {
        const logentry_catalog *c = &e->catalog[i];
        if (!logentry_is_catalog(c)) continue; /* a notification: for the listeners only */
        if (c->op == LOGENTRY_CATALOG_DELETE) {
            rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_CATALOG], (const char *)c->key, c->klen);
            rc = storage_index_catalog(s, wb, c->key, c->klen, NULL, 0);
        } else if (s->opts.catalog_merge) {
            rc = merge_into(s, g, wb, CF_CATALOG, s->opts.catalog_merge, s->opts.catalog_merge_ctx,
                            (const char *)c->key, c->klen, c->value, c->vlen, "catalog", false);
        } else {
            rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_CATALOG], (const char *)c->key, c->klen,
                                         (const char *)c->value, c->vlen);
            rc = storage_index_catalog(s, wb, c->key, c->klen, c->value, c->vlen);
        }
    }
    if (rc == 0) {
        int crc = 0;
        if (causal_vv_get(&g->first, e->origin) == 0)
            crc = causal_vv_set(&g->first, e->origin, e->seq);
        if (crc == 0) crc = causal_vv_set(&g->vv, e->origin, e->seq); /* last: nothing to undo */
        if (crc < 0) rc = storage_crdt_error(crc);
    }
    if (rc < 0) {
        char *err = NULL;
        rocksdb_writebatch_wi_rollback_to_save_point(wb, &err);
        grp_rows_drop(g, rows_mark);
        if (err) {
            /* cannot happen (a save point was just set); never write a half entry */
            rocksdb_free(err);
            rc = storage_fail(STORAGE_EIO, "cannot roll back a failed commit in its batch");
        }
        goto out;
    }
    uint8_t lk[KEYCODEC_LOG_KEY_BYTES];
    keycodec_log_key(lk, e->origin, e->seq);
    rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_LOG], (const char *)lk, sizeof(lk),
                                 (const char *)bytes, len);
    g->n++;
    g->log_bytes += len + sizeof(lk);
    if (e->origin == s->opts.node_id) g->written_seq = e->seq;
out:
    codec_buf_free(&key);
    return rc;
}

/* A local commit (or, with no deltas, the filler of an abandoned or failed seq), or part
 * `part` of `nparts` of one (nparts > 1, logentry.h). */
static int write_local_part(storage *s, grp *g, uint64_t seq, causal_hlc hlc,
                            const logentry_delta *deltas, size_t ndeltas,
                            const logentry_catalog *catalog, size_t ncatalog, uint32_t part,
                            uint32_t nparts)
{
    logentry e;
    logentry_init(&e);
    e.origin = s->opts.node_id;
    e.seq = seq;
    e.hlc = hlc;
    e.part = part;
    e.nparts = nparts;
    e.deltas = (logentry_delta *)deltas;
    e.ndeltas = ndeltas;
    e.catalog = (logentry_catalog *)catalog;
    e.ncatalog = ncatalog;
    codec_buf b;
    codec_buf_init(&b);
    int rc = causal_vv_copy(&e.deps, &g->vv);
    if (rc == 0) rc = logentry_encode(&b, &e);
    if (rc < 0) {
        rc = rc == CRDT_ENOMEM ? storage_crdt_error(rc)
             : rc == CRDT_ELIMIT
                 ? storage_fail(STORAGE_ETOOBIG, "it changes %zu rows, the limit is %u per "
                                "transaction", ndeltas, (unsigned)LOGENTRY_MAX_ITEMS)
                 : storage_fail(STORAGE_EINVAL, "cannot encode commit: %s", codec_strerror(rc));
    } else if (b.len > LOGENTRY_MAX_ENTRY) {
        rc = storage_fail(STORAGE_ETOOBIG, nparts > 1 ? "one row's change takes %zu MiB, the limit "
                          "is %u MiB" : "its changes take %zu MiB, the limit is %u MiB per "
                          "transaction", (b.len + (1u << 20) - 1) >> 20, LOGENTRY_MAX_ENTRY >> 20);
    } else {
        rc = apply_entry(s, g, &e, b.data, b.len);
    }
    codec_buf_free(&b);
    causal_vv_free(&e.deps);
    return rc;
}

static int write_local(storage *s, grp *g, uint64_t seq, causal_hlc hlc, const logentry_delta *deltas,
                       size_t ndeltas, const logentry_catalog *catalog, size_t ncatalog)
{
    return write_local_part(s, g, seq, hlc, deltas, ndeltas, catalog, ncatalog, 0, 1);
}

/* The group's state before a multi-part transaction, to take all of it back if a part fails
 * (each applied part left its save point in the batch). */
typedef struct span_mark {
    causal_vv vv, first;
    uint64_t written_seq, log_bytes;
    size_t n, nrows;
} span_mark;

static int span_mark_take(const grp *g, span_mark *m)
{
    causal_vv_init(&m->vv);
    causal_vv_init(&m->first);
    m->written_seq = g->written_seq;
    m->log_bytes = g->log_bytes;
    m->n = g->n;
    m->nrows = g->nrows;
    int crc = causal_vv_copy(&m->vv, &g->vv);
    if (crc == 0) crc = causal_vv_copy(&m->first, &g->first);
    if (crc < 0) {
        causal_vv_free(&m->vv);
        causal_vv_free(&m->first);
        return storage_crdt_error(crc);
    }
    return 0;
}

/* Takes back the `applied` parts written since the mark (undo) or keeps them; frees the mark. */
static int span_mark_end(storage *s, grp *g, span_mark *m, uint32_t applied, bool undo)
{
    int rc = 0;
    if (undo) {
        for (uint32_t i = 0; i < applied; i++) {
            char *err = NULL;
            rocksdb_writebatch_wi_rollback_to_save_point(g->wb, &err);
            if (err) {
                rocksdb_free(err);
                rc = storage_fail(STORAGE_EIO, "cannot roll back a failed transaction's parts");
            }
        }
        grp_rows_drop(g, m->nrows);
        causal_vv_free(&g->vv);
        causal_vv_free(&g->first);
        g->vv = m->vv;
        g->first = m->first;
        g->written_seq = m->written_seq;
        g->log_bytes = m->log_bytes;
        g->n = m->n;
    } else {
        causal_vv_free(&m->vv);
        causal_vv_free(&m->first);
    }
    return rc;
}

/* A local commit over a span of nseqs > 1 seqs: its deltas in parts of at most
 * LOGENTRY_PART_BYTES (a larger delta alone), the catalog changes in part 0, empty parts to
 * the end of the span; all or nothing. */
static int write_local_span(storage *s, grp *g, const storage_commit_req *req)
{
    uint32_t n = req->nseqs;
    size_t *cut = malloc(((size_t)n + 1) * sizeof *cut); /* part i: deltas cut[i] .. cut[i+1] */
    if (!cut) return storage_fail(STORAGE_ENOMEM, "out of memory");
    uint32_t part = 0;
    uint64_t acc = 0, total = 0;
    cut[0] = 0;
    int rc = 0;
    for (size_t i = 0; i < req->ndeltas; i++) {
        size_t sz = logentry_delta_size(&req->deltas[i]);
        total += sz;
        if (acc > 0 && acc + sz > LOGENTRY_PART_BYTES) {
            if (++part >= n) break;
            cut[part] = i;
            acc = 0;
        }
        acc += sz;
    }
    if (total > LOGENTRY_MAX_TXN) {
        rc = storage_fail(STORAGE_ETOOBIG, "its changes take %llu MiB, the limit is %llu MiB per "
                          "transaction", (unsigned long long)((total + (1u << 20) - 1) >> 20),
                          (unsigned long long)(LOGENTRY_MAX_TXN >> 20));
    } else if (part >= n) {
        rc = storage_fail(STORAGE_ETOOBIG, "its changes need more than the %u parts reserved", n);
    }
    if (rc) {
        free(cut);
        return rc;
    }
    for (uint32_t p = part + 1; p <= n; p++) cut[p] = req->ndeltas;
    span_mark m;
    if ((rc = span_mark_take(g, &m)) < 0) {
        free(cut);
        return rc;
    }
    uint32_t done = 0;
    for (; done < n && rc == 0; done++) {
        rc = write_local_part(s, g, req->seq + done, req->hlc, req->deltas + cut[done],
                              cut[done + 1] - cut[done], done ? NULL : req->catalog,
                              done ? 0 : req->ncatalog, done, n);
        if (rc) break;
    }
    int urc = span_mark_end(s, g, &m, done, rc != 0);
    free(cut);
    return rc ? rc : urc;
}

/* Empty entries for the request's seqs from `from` to the end of its span
 * (storage_next_seqs). */
static int write_fillers(storage *s, grp *g, const storage_commit_req *req, uint64_t from)
{
    int rc = 0;
    for (uint64_t q = from; rc == 0 && q < req->seq + req->nseqs; q++)
        rc = write_local(s, g, q, req->hlc, NULL, 0, NULL, 0);
    return rc;
}

static void process_local(storage *s, grp *g, storage_commit_req *req)
{
    req->out_origin = s->opts.node_id;
    req->out_seq = req->seq;
    int rc;
    if ((req->ndeltas || req->ncatalog) && storage_guard_space(s, false)) {
        /* The seq was reserved before the disk filled: a few bytes of filler instead. */
        rc = storage_guard_enospc(s);
    } else if (req->ndeltas == 0 && req->ncatalog == 0) {
        rc = write_fillers(s, g, req, req->seq); /* an abandoned reservation */
    } else if (req->nseqs > 1) {
        rc = write_local_span(s, g, req);
    } else {
        rc = write_local(s, g, req->seq, req->hlc, req->deltas, req->ndeltas, req->catalog,
                         req->ncatalog);
    }
    if (rc == 0) return;
    set_req_error(req, rc);
    if (rc == STORAGE_EMERGE || rc == STORAGE_EINVAL || rc == STORAGE_ECORRUPT ||
        rc == STORAGE_ENOSPC || rc == STORAGE_EUNIQUE || rc == STORAGE_ETOOBIG) {
        /* The seqs may already be known to the SQL layer (dots): consume them with empty
         * entries so the log has no hole. (A failed entry or span left the batch as it was.) */
        rc = write_fillers(s, g, req, req->seq);
    }
    if (rc < 0 && rc != STORAGE_EMERGE) {
        /* Could not write at all (disk full, I/O): later local seqs can never be written in
         * order, so stop accepting commits. */
        pthread_mutex_lock(&s->mu);
        if (!s->failed) s->failed = rc;
        pthread_mutex_unlock(&s->mu);
    }
}

/* A remote entry, expected to be part `part` of `nparts` of its transaction (0 of 1: whole). */
static void process_remote(storage *s, grp *g, storage_commit_req *req, uint32_t part,
                           uint32_t nparts)
{
    logentry e;
    int rc = logentry_decode(req->entry, req->entry_len, &e);
    if (rc < 0) {
        storage_fail(rc == CRDT_ENOMEM ? STORAGE_ENOMEM : STORAGE_EBADENTRY,
                     "remote log entry: %s", codec_strerror(rc));
        set_req_error(req, rc == CRDT_ENOMEM ? STORAGE_ENOMEM : STORAGE_EBADENTRY);
        return;
    }
    req->out_origin = e.origin;
    req->out_seq = e.seq;
    if (e.part != part || e.nparts != nparts) {
        /* a transaction's parts are applied together (storage_commit_remote_chain_async) */
        storage_fail(STORAGE_EBADENTRY, "entry (%u, %llu) is part %u of %u, submitted as part "
                     "%u of %u", e.origin, (unsigned long long)e.seq, e.part + 1, e.nparts,
                     part + 1, nparts);
        set_req_error(req, STORAGE_EBADENTRY);
        goto out;
    }
    if (storage_guard_space(s, false)) {
        /* Not applied, not acknowledged: the sender retransmits once space is back. */
        set_req_error(req, storage_guard_enospc(s));
        goto out;
    }
    uint64_t have = causal_vv_get(&g->vv, e.origin);
    if (e.seq <= have) {
        req->skipped = true;
        goto out;
    }
    if (e.seq != have + 1 || causal_vv_get(&e.deps, e.origin) >= e.seq) {
        storage_fail(STORAGE_EDEPS, "entry (%u, %llu) arrived before (%u, %llu)", e.origin,
                     (unsigned long long)e.seq, e.origin, (unsigned long long)(have + 1));
        set_req_error(req, STORAGE_EDEPS);
        goto out;
    }
    for (uint32_t i = 0; i < e.deps.len; i++) {
        const causal_vv_entry *d = &e.deps.v[i];
        if (d->node != e.origin && causal_vv_get(&g->vv, d->node) < d->counter) {
            storage_fail(STORAGE_EDEPS, "entry (%u, %llu) depends on (%u, %llu), not applied",
                         e.origin, (unsigned long long)e.seq, d->node,
                         (unsigned long long)d->counter);
            set_req_error(req, STORAGE_EDEPS);
            goto out;
        }
    }
    if (e.origin == s->opts.node_id) {
        /* Our own entry coming back (after a restore from an older backup): only safe when
         * no local seq is reserved or in flight. */
        pthread_mutex_lock(&s->mu);
        bool busy = s->reserved_next != g->written_seq + 1;
        pthread_mutex_unlock(&s->mu);
        if (busy) {
            storage_fail(STORAGE_EDEPS, "own entry %llu while local commits are in flight",
                         (unsigned long long)e.seq);
            set_req_error(req, STORAGE_EDEPS);
            goto out;
        }
    }
    rc = apply_entry(s, g, &e, req->entry, req->entry_len);
    if (rc == 0)
        for (size_t i = 0; i < e.ncatalog && !req->has_notify; i++)
            req->has_notify = !logentry_is_catalog(&e.catalog[i]);
    if (rc < 0) {
        set_req_error(req, rc);
        if (rc != STORAGE_EMERGE && rc != STORAGE_ECORRUPT) {
            pthread_mutex_lock(&s->mu);
            if (!s->failed) s->failed = rc;
            pthread_mutex_unlock(&s->mu);
        }
    }
out:
    logentry_free(&e);
}

/* The n requests of one remote transaction's parts, in order: all applied, or none. */
static void process_remote_chain(storage *s, grp *g, storage_commit_req **reqs, uint32_t n)
{
    span_mark m;
    int rc = span_mark_take(g, &m);
    if (rc < 0) {
        for (uint32_t i = 0; i < n; i++) set_req_error(reqs[i], rc);
        return;
    }
    uint32_t applied = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        process_remote(s, g, reqs[i], i, n);
        rc = reqs[i]->status;
        if (rc == 0 && !reqs[i]->skipped) applied++;
    }
    if (rc == 0) {
        span_mark_end(s, g, &m, applied, false);
        return;
    }
    char msg[sizeof reqs[0]->errmsg];
    snprintf(msg, sizeof msg, "%s", storage_errmsg());
    if (applied && span_mark_end(s, g, &m, applied, true) < 0) {
        pthread_mutex_lock(&s->mu); /* never write a half transaction */
        if (!s->failed) s->failed = STORAGE_EIO;
        pthread_mutex_unlock(&s->mu);
    } else if (!applied) {
        causal_vv_free(&m.vv);
        causal_vv_free(&m.first);
    }
    for (uint32_t i = 0; i < n; i++) {
        /* every part is refused as the failing one was: none was applied */
        reqs[i]->status = rc;
        reqs[i]->skipped = false;
        reqs[i]->has_notify = false;
        snprintf(reqs[i]->errmsg, sizeof reqs[i]->errmsg, "%s", msg);
    }
}

/* Inserts into the seq-sorted held list. */
static void hold(storage_commit_req **held, storage_commit_req *req)
{
    storage_commit_req **pp = held;
    while (*pp && (*pp)->seq < req->seq) pp = &(*pp)->next;
    req->next = *pp;
    *pp = req;
}

/* opts.notify for each applied entry of the list that carries notifications, in order. */
static void hand_notifications(storage *s, storage_commit_req *list)
{
    for (storage_commit_req *r = list; r; r = r->next) {
        if (r->status != 0 || r->skipped) continue;
        if (!r->remote) {
            for (size_t i = 0; i < r->ncatalog; i++)
                if (!logentry_is_catalog(&r->catalog[i])) {
                    s->opts.notify(s->opts.notify_ctx, r->notify_pid, r->catalog, r->ncatalog);
                    break;
                }
            continue;
        }
        if (!r->has_notify) continue;
        logentry e;
        if (logentry_decode(r->entry, r->entry_len, &e) < 0) continue; /* applied: decodes */
        s->opts.notify(s->opts.notify_ctx, 0, e.catalog, e.ncatalog);
        logentry_free(&e);
    }
}

static void complete(storage *s, storage_commit_req *list)
{
    if (s->opts.notify) hand_notifications(s, list);
    while (list) {
        storage_commit_req *next = list->next; /* the callback may free the request */
        list->next = NULL;
        list->cb(list);
        list = next;
    }
    if (s->opts.wakeup) s->opts.wakeup(s->opts.wakeup_ctx);
}

static int sync_wal(storage *s)
{
    char *err = NULL;
    rocksdb_flush_wal(s->db, 1, &err);
    return err ? storage_rocks_error(err, "sync WAL") : 0;
}

/* Writes what the group added (it is consistent even when a later commit failed: failed
 * commits were rolled back); on a write error fails the requests from `first` on that it
 * carried and stops the store. */
static void flush_group(storage *s, grp *g, storage_commit_req *first, int *failed)
{
    int wrc = grp_write(s, g);
    if (wrc == 0) return;
    for (storage_commit_req *r = first; r; r = r->next)
        if (r->status == 0 && !r->skipped) set_req_error(r, wrc);
    pthread_mutex_lock(&s->mu);
    if (!s->failed) s->failed = wrc;
    *failed = s->failed;
    pthread_mutex_unlock(&s->mu);
}

static void *writer_main(void *arg)
{
    storage *s = arg;
    storage_commit_req *held = NULL;
    bool batch = s->opts.sync == STORAGE_SYNC_BATCH;
    uint64_t next_sync = now_ms() + (uint64_t)s->opts.sync_interval_ms;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->qhead && !s->stopping) {
            if (batch && s->written_seq > s->durable_seq) {
                uint64_t now = now_ms();
                if (now >= next_sync) break;
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                uint64_t wait = next_sync - now;
                ts.tv_sec += (time_t)(wait / 1000);
                ts.tv_nsec += (long)(wait % 1000) * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&s->cv, &s->mu, &ts);
            } else if (s->space_low) {
                /* Nobody may commit to notice that space came back: look every second. */
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_sec += 1;
                if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) != 0) {
                    pthread_mutex_unlock(&s->mu);
                    storage_guard_space(s, true);
                    pthread_mutex_lock(&s->mu);
                }
            } else if (s->ix_building) {
                /* Idle: a chunk of an index build (storage_index.c), then look again. */
                pthread_mutex_unlock(&s->mu);
                storage_index_build_step(s);
                pthread_mutex_lock(&s->mu);
            } else {
                pthread_cond_wait(&s->cv, &s->mu);
            }
        }
        storage_commit_req *group = s->qhead;
        s->qhead = s->qtail = NULL;
        bool stopping = s->stopping;
        int failed = s->failed;
        pthread_mutex_unlock(&s->mu);

        storage_commit_req *done = NULL, **done_tail = &done;
        storage_commit_req **unwritten = &done; /* first request not in a written batch */
        uint64_t ndone = 0;
        grp g;
        int grc = grp_begin(s, &g);
        if (grc < 0 && !failed) failed = grc;
        while (group || (held && held->seq == g.written_seq + 1)) {
            storage_commit_req *req;
            if (held && held->seq == g.written_seq + 1) {
                req = held;
                held = held->next;
            } else {
                req = group;
                group = group->next;
                if (req->remote && req->chain > 1) {
                    /* a transaction's parts, queued together: one unit of the group */
                    uint32_t n = req->chain;
                    storage_commit_req **parts = malloc(n * sizeof *parts);
                    parts ? (void)(parts[0] = req) : (void)0;
                    uint32_t k = 1;
                    for (; k < n && group; k++) {
                        if (parts) parts[k] = group;
                        group = group->next;
                    }
                    if (!parts || k < n) {
                        storage_fail(parts ? STORAGE_EINVAL : STORAGE_ENOMEM,
                                     parts ? "a chain of %u requests is short" : "out of memory",
                                     n);
                        int err = parts ? STORAGE_EINVAL : STORAGE_ENOMEM;
                        storage_commit_req *r = req;
                        for (uint32_t i = 0; i < k; i++) {
                            storage_commit_req *nx = r->next;
                            if (r->status == 0) set_req_error(r, err);
                            r->next = NULL;
                            *done_tail = r;
                            done_tail = &r->next;
                            ndone++;
                            r = nx;
                        }
                        free(parts);
                        continue;
                    }
                    if (failed) {
                        for (uint32_t i = 0; i < n; i++)
                            set_req_error(parts[i], storage_fail(STORAGE_ECLOSED, "store stopped "
                                          "accepting commits after a write error (%s)",
                                          storage_strerror(failed)));
                    } else {
                        process_remote_chain(s, &g, parts, n);
                        pthread_mutex_lock(&s->mu);
                        failed = s->failed;
                        pthread_mutex_unlock(&s->mu);
                    }
                    for (uint32_t i = 0; i < n; i++) {
                        parts[i]->next = NULL;
                        *done_tail = parts[i];
                        done_tail = &parts[i]->next;
                        ndone++;
                    }
                    free(parts);
                    if (g.n >= GRP_MAX_ENTRIES) {
                        flush_group(s, &g, *unwritten, &failed);
                        unwritten = done_tail;
                    }
                    continue;
                }
                if (!req->remote && !failed && req->seq != g.written_seq + 1) {
                    if (req->seq <= g.written_seq) {
                        set_req_error(req, storage_fail(STORAGE_EINVAL, "seq %llu already "
                                      "committed", (unsigned long long)req->seq));
                    } else {
                        hold(&held, req);
                        continue;
                    }
                }
            }
            req->next = NULL;
            if (req->status == 0) {
                if (failed) {
                    set_req_error(req, storage_fail(STORAGE_ECLOSED, "store stopped accepting "
                                                    "commits after a write error (%s)",
                                                    storage_strerror(failed)));
                } else if (req->remote) {
                    process_remote(s, &g, req, 0, 1);
                } else {
                    process_local(s, &g, req);
                }
                pthread_mutex_lock(&s->mu);
                failed = s->failed;
                pthread_mutex_unlock(&s->mu);
            }
            *done_tail = req;
            done_tail = &req->next;
            ndone++;
            if (g.n >= GRP_MAX_ENTRIES) {
                flush_group(s, &g, *unwritten, &failed);
                unwritten = done_tail;
            }
        }
        flush_group(s, &g, *unwritten, &failed); /* one write for the whole group */
        grp_end(&g);

        bool synced = false;
        int sync_rc = 0;
        if (ndone && s->opts.sync == STORAGE_SYNC_ALWAYS && !failed) {
            sync_rc = sync_wal(s);
            synced = true;
        } else if (batch && !failed && now_ms() >= next_sync) {
            sync_rc = sync_wal(s);
            synced = true;
            next_sync = now_ms() + (uint64_t)s->opts.sync_interval_ms;
        }
        if (sync_rc == 0 && failed && ndone && s->opts.sync == STORAGE_SYNC_ALWAYS)
            sync_rc = storage_fail(STORAGE_ECLOSED, "store stopped accepting commits after a "
                                   "write error (%s)", storage_strerror(failed));
        if (sync_rc < 0) {
            /* Written but not durable: the ack must not claim otherwise. */
            for (storage_commit_req *r = done; r; r = r->next) {
                if (r->status == 0 && !r->skipped) set_req_error(r, sync_rc);
            }
        }

        pthread_mutex_lock(&s->mu);
        if (sync_rc < 0 && !s->failed) s->failed = sync_rc;
        if ((synced && sync_rc == 0) || s->opts.sync == STORAGE_SYNC_OFF) {
            s->durable_seq = s->written_seq;
        }
        s->stats.commits += ndone;
        if (ndone) s->stats.groups++;
        if (synced && s->opts.sync == STORAGE_SYNC_ALWAYS) {
            s->stats.syncs++;
            s->stats.synced_commits += ndone;
        }
        pthread_mutex_unlock(&s->mu);

        if (done || synced) complete(s, done);

        pthread_mutex_lock(&s->mu);
        if (stopping && !s->qhead) break;
    }
    pthread_mutex_unlock(&s->mu);

    /* Reservations never filled: their commits cannot be written in order. */
    storage_commit_req *rest = held;
    for (storage_commit_req *r = rest; r; r = r->next) {
        set_req_error(r, storage_fail(STORAGE_ECLOSED, "store closed while seq %llu waited for "
                                      "an earlier reservation", (unsigned long long)r->seq));
    }
    if (rest) complete(s, rest);
    return NULL;
}

int storage_commit_start(storage *s)
{
    int err = pthread_create(&s->writer, NULL, writer_main, s);
    if (err) return storage_fail(STORAGE_ENOMEM, "cannot start writer thread: %s", strerror(err));
    s->writer_started = true;
    return 0;
}

void storage_commit_stop(storage *s)
{
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    s->writer_started = false;
}

/* Under s->mu: why the queue takes no request now (closing, or failed after a write error),
 * or 0. */
static int queue_refusal(storage *s)
{
    if (s->stopping) return storage_fail(STORAGE_ECLOSED, "store is closing");
    if (s->failed)
        return storage_fail(STORAGE_ECLOSED, "store stopped accepting commits after a write "
                                             "error (%s)", storage_strerror(s->failed));
    return 0;
}

static void submit_init(storage_commit_req *req, bool remote)
{
    req->remote = remote;
    req->status = 0;
    req->skipped = false;
    req->has_notify = false;
    req->done = 0;
    req->next = NULL;
    req->errmsg[0] = 0;
    req->out_seq = 0;
    req->out_origin = 0;
    if (remote) req->chain = 0;
}

static int submit(storage *s, storage_commit_req *req, bool remote)
{
    if (!req->cb) return storage_fail(STORAGE_EINVAL, "commit request without callback");
    if (remote && !req->entry) return storage_fail(STORAGE_EINVAL, "remote commit without entry");
    submit_init(req, remote);
    if (!remote && req->seq == 0) {
        int grc = storage_guard_local(s);
        if (grc < 0) return grc;
    }
    pthread_mutex_lock(&s->mu);
    int rc = queue_refusal(s);
    if (rc == 0 && !remote) {
        if (req->nseqs == 0) req->nseqs = 1;
        if (req->seq == 0) {
            req->seq = s->reserved_next;
            s->reserved_next += req->nseqs;
        } else if (req->seq + req->nseqs - 1 >= s->reserved_next ||
                   req->seq <= s->written_seq) {
            rc = storage_fail(STORAGE_EINVAL, "seq %llu is not a pending reservation",
                              (unsigned long long)req->seq);
        }
    }
    if (rc == 0) {
        if (s->qtail) {
            s->qtail->next = req;
        } else {
            s->qhead = req;
        }
        s->qtail = req;
    }
    pthread_mutex_unlock(&s->mu);
    /* After the unlock: a writer woken while the mutex is still held would only block on it
       again (two more futex calls per commit). */
    if (rc == 0) pthread_cond_signal(&s->cv);
    return rc;
}

int storage_next_seqs(storage *s, uint32_t n, uint64_t *seq)
{
    if (n == 0) return storage_fail(STORAGE_EINVAL, "a reservation of no seq");
    int rc = storage_guard_local(s);
    if (rc < 0) return rc;
    pthread_mutex_lock(&s->mu);
    if (s->stopping || s->failed) {
        rc = storage_fail(STORAGE_ECLOSED, "store is closing or failed");
    } else {
        *seq = s->reserved_next;
        s->reserved_next += n;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int storage_next_seq(storage *s, uint64_t *seq)
{
    return storage_next_seqs(s, 1, seq);
}

static void free_req(storage_commit_req *req)
{
    free(req);
}

int storage_abandon_seq(storage *s, uint64_t seq)
{
    return storage_abandon_seqs(s, seq, 1);
}

int storage_abandon_seqs(storage *s, uint64_t seq, uint32_t n)
{
    storage_commit_req *req = calloc(1, sizeof(*req));
    if (!req) return storage_fail(STORAGE_ENOMEM, "out of memory");
    req->seq = seq;
    req->nseqs = n;
    req->cb = free_req;
    int rc = submit(s, req, false);
    if (rc < 0) free(req);
    return rc;
}

int storage_commit_async(storage *s, storage_commit_req *req)
{
    return submit(s, req, false);
}

int storage_commit_remote_async(storage *s, storage_commit_req *req)
{
    return submit(s, req, true);
}

int storage_commit_remote_chain_async(storage *s, storage_commit_req *const *reqs, uint32_t n)
{
    if (n == 0 || n > LOGENTRY_MAX_PARTS)
        return storage_fail(STORAGE_EINVAL, "a chain of %u requests", n);
    for (uint32_t i = 0; i < n; i++) {
        if (!reqs[i]->cb || !reqs[i]->entry)
            return storage_fail(STORAGE_EINVAL, "remote commit without entry or callback");
        submit_init(reqs[i], true);
        if (i) reqs[i - 1]->next = reqs[i];
    }
    reqs[0]->chain = n;
    pthread_mutex_lock(&s->mu);
    int rc = queue_refusal(s);
    if (rc == 0) {
        /* queued together: the writer takes them in one group, in order */
        if (s->qtail) {
            s->qtail->next = reqs[0];
        } else {
            s->qhead = reqs[0];
        }
        s->qtail = reqs[n - 1];
    }
    pthread_mutex_unlock(&s->mu);
    if (rc == 0) pthread_cond_signal(&s->cv);
    return rc;
}

/* A blocking caller waits on its own condition variable, so a group completing wakes only
 * its own waiters (a shared one made 32 committers thrash on every completion). */
typedef struct blocking_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void *user;
} blocking_wait;

static void on_blocking_done(storage_commit_req *req)
{
    blocking_wait *w = req->user;
    pthread_mutex_lock(&w->mu);
    req->done = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static int commit_blocking(storage *s, storage_commit_req *req, bool remote)
{
    blocking_wait w = {.user = req->user};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    storage_commit_cb saved = req->cb;
    req->cb = on_blocking_done;
    req->user = &w;
    int rc = submit(s, req, remote);
    if (rc == 0) {
        pthread_mutex_lock(&w.mu);
        while (!req->done) pthread_cond_wait(&w.cv, &w.mu);
        pthread_mutex_unlock(&w.mu);
        rc = req->status;
        if (rc < 0) storage_fail(rc, "%s", req->errmsg);
    }
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    req->cb = saved;
    req->user = w.user;
    return rc;
}

int storage_commit(storage *s, storage_commit_req *req)
{
    return commit_blocking(s, req, false);
}

int storage_commit_remote(storage *s, storage_commit_req *req)
{
    return commit_blocking(s, req, true);
}
