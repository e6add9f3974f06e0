/*
 * storage/storage_int.h — private: the store's fields, shared by the storage .c files.
 *
 * Locking: `mu` guards the queue, the reservation counter, the in-memory vv, the durable
 * watermark, the log bookkeeping and the stats. The writer thread is the only writer of
 * `vv` (under mu), so it may read it without the lock.
 */
#ifndef HELIOS_STORAGE_INT_H
#define HELIOS_STORAGE_INT_H

#include <pthread.h>
#include <rocksdb/c.h>

#include "storage/storage.h"

enum { CF_DEFAULT = 0, CF_ROWS, CF_LOG, CF_CATALOG, CF_META, CF_INDEX, CF_COUNT };

/* The row cache (storage_rowcache.c): latest states of rows the writer wrote. */
#define RC_SHARDS 16
typedef struct rc_entry rc_entry;
typedef struct rc_shard {
    pthread_mutex_t mu;
    rc_entry **tab;
    size_t nb, n;       /* buckets (a power of two), entries */
    size_t bytes, cap;
    rc_entry *head, *tail; /* LRU */
    uint64_t hits, misses;
} rc_shard;
typedef struct storage_rowcache {
    bool enabled;
    rc_shard sh[RC_SHARDS];
} storage_rowcache;
int rowcache_init(storage_rowcache *rc, size_t cap_bytes);
void rowcache_free(storage_rowcache *rc);
/* A copy of key's cached state if its seq is at most max_seq (UINT64_MAX - 1: the latest).
 * *val malloc'd. */
bool rowcache_get(storage_rowcache *rc, const uint8_t *k, size_t klen, uint64_t max_seq,
                  uint8_t **val, size_t *vlen);
void rowcache_mark(storage_rowcache *rc, const uint8_t *k, size_t klen);  /* being written */
void rowcache_put(storage_rowcache *rc, const uint8_t *k, size_t klen, const uint8_t *v,
                  size_t vlen, uint64_t seq); /* written: the state and a seq at or above */
void rowcache_erase(storage_rowcache *rc, const uint8_t *k, size_t klen);
void rowcache_clear(storage_rowcache *rc);
void rowcache_stats(storage_rowcache *rc, uint64_t *hits, uint64_t *misses, uint64_t *bytes);
#define ROWCACHE_LATEST (UINT64_MAX - 1)

struct storage {
    rocksdb_t *db;
    rocksdb_options_t *dbopts;
    rocksdb_options_t *cfopts[CF_COUNT];
    rocksdb_column_family_handle_t *cf[CF_COUNT];
    rocksdb_block_based_table_options_t *bbto;
    rocksdb_cache_t *cache;
    rocksdb_compactionfilterfactory_t *gc_factory;
    rocksdb_writeoptions_t *wo;      /* no sync: the writer syncs per group */
    rocksdb_writeoptions_t *wo_sync; /* identity, metadata that must survive at once */
    rocksdb_readoptions_t *ro;

    storage_opts opts; /* strings below are private copies */
    char *data_dir;
    char *node_name;

    pthread_t writer;
    bool writer_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* writer: work queued / stopping */
    storage_commit_req *qhead, *qtail;
    bool stopping;
    int failed; /* sticky write error: every later commit fails with it */

    causal_vv vv;           /* applied, commit-seq units */
    uint64_t reserved_next; /* next local seq to hand out */
    uint64_t written_seq;   /* highest local seq written */
    uint64_t durable_seq;   /* highest local seq synced */

    /* origin -> smallest seq the log can serve (entries below were truncated or never
     * received); absent: nothing logged for that origin yet. */
    causal_vv log_oldest;
    uint64_t log_bytes;
    struct storage_log_pin *pins; /* entries they keep from truncation (storage_log.c) */
    pthread_mutex_t trunc_mu; /* one truncation at a time */

    causal_vv stable; /* for the compaction filter */
    storage_stats stats;

    /* Write guards (storage_guard.c), under mu. */
    uint64_t min_free_bytes;   /* 0: no free-space guard */
    uint64_t free_bytes;       /* at the last statvfs */
    uint64_t space_checked_ms; /* monotonic ms of the last statvfs (0: never) */
    bool space_low;            /* refusing commits: free_bytes < min_free_bytes */
    bool restored;             /* restored in place: local commits refused */
    causal_vv fresh_self;      /* peer -> 1 + its acked vv[self], acks since open only */
    storage_notify_fn notify;
    void *notify_ctx;

    /* Read fence (storage_snap.c), under mu: while a snapshot is applied in several
     * WriteBatches, every read that names no snapshot reads at this one, taken before the
     * first batch, so readers see the snapshot all at once. NULL: no apply running. */
    struct storage_fence *fence;
    size_t import_batch_bytes; /* bound of one apply WriteBatch */

    /* Secondary indexes (storage_index.c): the indexes the catalog defines, writer thread
     * (and open) only; ix_building counts those not built yet (read by the writer's wait). */
    struct storage_ix *ix;
    size_t nix, capix;
    pthread_mutex_t ix_mu; /* the writer changes ix under it; readers of estimates take it */
    size_t ix_building;
    int ix_delay_ms; /* test knob: a pause after each build chunk ($HELIOS_TEST_INDEX_BUILD_DELAY_MS) */

    storage_rowcache rowcache;
};

/* A refcounted RocksDB snapshot: the read fence, shared by the readers that use it. */
typedef struct storage_fence {
    const rocksdb_snapshot_t *snap;
    unsigned refs; /* under storage.mu */
} storage_fence;

struct storage_snapshot {
    const rocksdb_snapshot_t *snap;
    uint64_t seq; /* at or below snap's sequence number (the row cache compares with it) */
    storage_fence *fence; /* non-NULL: snap is the fence's, held by a reference */
};

/* Translates a RocksDB error string (and frees it): sets the thread's message to
 * "<what>: <rocksdb text>" and returns the STORAGE_E* code. */
int storage_rocks_error(char *err, const char *what);
/* Sets the thread's message (printf-style) and returns code. */
int storage_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int storage_crdt_error(int crdt_rc);

/* Encoders for meta keys and the vv value. */
int storage_put_vv(rocksdb_writebatch_wi_t *wb, storage *s, const causal_vv *vv);

/* storage_commit.c */
int storage_commit_start(storage *s);
void storage_commit_stop(storage *s);

/* storage_log.c: bookkeeping at open */
int storage_log_load(storage *s);

/* Deletes every log entry of origin with seq <= upto and moves its oldest retained seq past
 * them (state import raised the vv over them). Takes trunc_mu. */
int storage_log_drop_upto(storage *s, uint16_t origin, uint64_t upto);

/* storage_guard.c */
/* Reads the restored marker at open. */
int storage_guard_load(storage *s);
/* Refreshes the free-space state when older than the check interval (force: now) and
 * reports a change through the notify hook. Returns whether commits are refused. Takes mu:
 * call without it. */
bool storage_guard_space(storage *s, bool force);
/* 0, or STORAGE_ENOSPC / STORAGE_EREADONLY with the thread's message set: whether a new
 * local commit may start. Takes mu. */
int storage_guard_local(storage *s);
/* The ENOSPC refusal for a commit or import (message set). */
int storage_guard_enospc(storage *s);
/* Writes the restored mark (storage_restore, synced). */
int storage_guard_mark_restored(storage *s);
/* Records a fresh ack (storage_peer_put_acked). Takes mu. */
void storage_guard_fresh_ack(storage *s, uint16_t peer, const causal_vv *acked);

/* storage_snap.c: the read fence. storage_fence_get returns a new reference to the fence, or
 * NULL when none is up (read the latest state); drop it with storage_fence_put. Take mu. */
storage_fence *storage_fence_get(storage *s);
void storage_fence_put(storage *s, storage_fence *f);
/* At open, before the writer starts: finishes a snapshot apply a crash interrupted. */
int storage_import_recover(storage *s);

/* storage_index.c */
/* At open: the catalog's indexes through hooks.catalog, and which are built. */
int storage_index_load(storage *s);
void storage_index_free(storage *s);
/* A row write: the entries of old (NULL: none) and new (NULL: none) differ by what is deleted
 * and put in wb. local: refuse (STORAGE_EUNIQUE) a unique entry another row holds. */
int storage_index_row(storage *s, rocksdb_writebatch_wi_t *wb, const uint8_t *rowkey,
                      size_t rklen, const uint8_t *old, size_t oldlen, const uint8_t *new_state,
                      size_t newlen, bool local);
/* A catalog write (val: the stored value, NULL when deleted): new indexes start building,
 * dropped ones are deleted (after wb is written: storage_index_after_write). */
int storage_index_catalog(storage *s, rocksdb_writebatch_wi_t *wb, const uint8_t *key,
                          size_t klen, const uint8_t *val, size_t vlen);
/* After a batch carrying catalog writes is written: range-deletes dropped indexes' entries. */
void storage_index_after_write(storage *s);
/* Writer thread, between groups: one chunk of a pending build (writes its own batch).
 * Returns 1 when more remains, 0 when every build is done, <0 on error. */
int storage_index_build_step(storage *s);

/* storage_gc.c */
rocksdb_compactionfilterfactory_t *storage_gc_factory(storage *s);

#endif
