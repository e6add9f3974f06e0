/*
 * storage/storage.h — the HeliosDB store: RocksDB with atomic CRDT commits, an origin log,
 * group commit and a durable watermark.
 *
 * Column families:
 *   rows     key: table id + primary key (storage/keycodec.h)  value: the row's CRDT state
 *   log      key: origin + seq (keycodec_log_key)               value: a log entry (logentry.h)
 *   catalog  key/value: opaque to storage (the SQL layer's catalog)
 *   index    secondary index entries (storage_index.c, below): key index oid (u32 BE) + the
 *            caller's encoding of the indexed values + the row's pk, value the row's pk
 *   meta     node identity ("node.id" u16 BE, "node.name"), the applied version vector
 *            ("vv", causal_vv_encode) and per-peer acked vvs ("peer." + u16 BE)
 *
 * Storage never interprets a row state: the caller opens the store with a merge callback
 * (old state + delta -> new state; the same function joins two deltas in a transaction's
 * overlay) and a GC callback (drop causally stable tombstones). Both run on storage
 * threads and must be pure functions of their arguments (thread-safe).
 *
 * Commits. One RocksDB WriteBatch per commit holds the merged row states, the log entry
 * (origin, seq, deps = the applied vv at commit, hlc, deltas, catalog changes) and the new
 * applied vv, so after any crash the rows, the log and the vv agree. All commits, local and
 * remote, go through one writer thread in submission order, so a row's read-merge-write never
 * races with another commit's. A commit is visible to readers as soon as its batch is
 * written; its completion callback runs only when it is as durable as storage.sync demands:
 *   always  the writer writes every queued commit, then syncs the WAL once for the whole group
 *           (group commit), then completes them; the event loop never waits on a sync.
 *   batch   completes after the write; a sync every sync_interval_ms.
 *   off     completes after the write; never syncs (tests, benchmarks).
 * Row cache (storage_rowcache.c, opts.row_cache_bytes): the writer puts the state of every row
 * it wrote, once its batch is written; point reads (storage_get, storage_multi_get) and the
 * writer's own read-merge-write take a row from there when the entry is no newer than their
 * snapshot, else from RocksDB. Readers never fill it.
 * The durable watermark (storage_durable_seq) is the highest local seq whose WAL is synced:
 * the replication outbox ships no local entry above it, so a crash can never reuse a sequence
 * number a peer has seen. (With sync=off it follows the written seq: no such guarantee.)
 *
 * Sequence numbers. The SQL layer needs a commit's seq before it builds the deltas (dots
 * derive from it). storage_next_seq() reserves the next seq; the writer writes local commits
 * strictly in seq order, holding a commit until every smaller reserved seq has been committed
 * or abandoned (storage_abandon_seq writes an empty entry in its place, so the log never has
 * a hole). A reservation therefore stalls later local commits: take it at COMMIT time, build
 * the deltas, submit, all in one event-loop callback. A commit submitted with seq 0 gets the
 * next seq at submission. If a commit's merge fails, its seq is consumed by an empty entry.
 * A commit with more dots than one seq has op slots, or more changes than one entry should
 * carry (LOGENTRY_PART_BYTES), reserves a span (storage_next_seqs, req nseqs): it is written
 * as parts (logentry.h), one per seq, empty parts to the end of the span, all in one batch.
 * A commit larger than LOGENTRY_MAX_TXN, one that needs more parts than its span, or one whose
 * single row's change exceeds LOGENTRY_MAX_ENTRY is refused (STORAGE_ETOOBIG, its span filled
 * with empty entries).
 *
 * Remote entries (storage_commit_remote) go through the same path: an entry whose seq is
 * already covered by the vv is skipped (req->skipped, status 0: applying twice changes
 * nothing); one whose dependencies are not all applied is refused with STORAGE_EDEPS so the
 * inbox can buffer it; otherwise it is merged, recorded in the log unchanged (for relay) and
 * the vv advances.
 *
 * Threads: storage_* functions may be called from any thread unless noted. Completion
 * callbacks run on the writer thread; after each group the optional wakeup hook runs (the
 * server wires it to uv_async_send and drains its own completion queue on the loop).
 *
 * Write guards (storage_guard.c). Free space: while the data directory's filesystem has less
 * than min_free_bytes available (statvfs f_bavail, refreshed at most every 10 ms by a new
 * commit, once per writer group, and every second while refusing), new local commits
 * (storage_next_seq, a seq-0 submit), remote entries and imports fail with STORAGE_ENOSPC
 * and write nothing, so RocksDB itself never meets ENOSPC (Debian's 7.8 asserts after one).
 * A remote entry refused so is not applied and not acknowledged: the sender retransmits it.
 * A seq reserved before the guard tripped is filled with an empty entry (a few bytes). Writes
 * resume by themselves once space returns. The bound: everything written between two
 * checks must fit in the reserve — one group (at most 256 entries, each a statement's write
 * set bounded by sql.max_message_bytes), plus RocksDB's own memtable flushes and compactions
 * (size min_free to cover a flush of the write buffers).
 * Restored in place: storage_restore without reassign marks the store ("restored", meta);
 * while marked, new local commits fail with STORAGE_EREADONLY (reads, remote entries and
 * imports go on), because the peers may hold entries of this node's own origin that the
 * backup lacks, and a local commit would reuse their sequence numbers (the peers would skip
 * it as a duplicate). storage_restored_check clears the mark once every peer has answered
 * since the store was opened with an applied vv whose own-origin entry is not above ours.
 *
 * Errors: 0 or a negative STORAGE_E* code. RocksDB errors are translated at the boundary;
 * the detailed message ("data directory /x is locked by another heliosdb process (pid 42)",
 * RocksDB's own text...) is kept per thread and returned by storage_errmsg(); an async
 * request carries its own copy in req->errmsg.
 */
#ifndef HELIOS_STORAGE_H
#define HELIOS_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "storage/keycodec.h"
#include "storage/logentry.h"

enum {
    STORAGE_OK = 0,
    STORAGE_ENOMEM = -101,
    STORAGE_EINVAL = -102,     /* bad argument or option */
    STORAGE_EIO = -103,        /* I/O error (RocksDB IOError other than disk full) */
    STORAGE_ENOSPC = -104,     /* disk full / write refused: SQLSTATE 53100 upstream */
    STORAGE_ECORRUPT = -105,   /* corrupt data directory or stored value */
    STORAGE_ELOCKED = -106,    /* data directory in use by another process / handle */
    STORAGE_EIDENTITY = -107,  /* node id/name differ from the data directory's */
    STORAGE_ENOTFOUND = -108,  /* no such row / key / peer */
    STORAGE_EDEPS = -109,      /* remote entry's dependencies not yet applied: buffer it */
    STORAGE_ETRUNCATED = -110, /* log range already truncated: peer needs a snapshot */
    STORAGE_EMERGE = -111,     /* the merge callback failed */
    STORAGE_ECLOSED = -112,    /* store is closing or failed after a write error */
    STORAGE_EBADENTRY = -113,  /* malformed log entry */
    STORAGE_EEXIST = -114,     /* backup target exists / restore target not empty */
    STORAGE_EREADONLY = -115,  /* restored in place: local commits wait for the peers */
    STORAGE_EUNIQUE = -116,    /* a local commit would duplicate a unique index entry */
    STORAGE_ETOOBIG = -117,    /* a local commit's log entry exceeds LOGENTRY_MAX_ENTRY */
};

const char *storage_strerror(int err);
/* The calling thread's message for the last error a storage_* call returned. */
const char *storage_errmsg(void);

/* Returns 0 or a negative error of the callback's own; *out is malloc'd (caller of the
 * callback frees). old is NULL when the row does not exist yet. Must be pure. */
typedef int (*storage_merge_fn)(void *ctx, const uint8_t *old, size_t oldlen,
                                const uint8_t *delta, size_t dlen, uint8_t **out,
                                size_t *outlen);
/* Given the cluster-wide causally stable vv (commit-seq units), either leave the state
 * unchanged (*out = NULL, *drop_row = false), replace it (*out malloc'd) or drop the row.
 * Returns 0 or a negative error (the row is then kept unchanged). Must be pure. */
typedef int (*storage_gc_fn)(void *ctx, const causal_vv *stable_seq_vv, const uint8_t *state,
                             size_t len, uint8_t **out, size_t *outlen, bool *drop_row);

typedef enum { STORAGE_SYNC_ALWAYS = 0, STORAGE_SYNC_BATCH, STORAGE_SYNC_OFF } storage_sync_mode;

/* ---- secondary indexes (storage_index.c) ----
 * An index entry is a pure function of one row's stored (merged) state: storage asks the
 * caller for the entries of the old and the new state of every row it writes — local and
 * remote commits, snapshot and anti-entropy imports — and writes the difference in the same
 * WriteBatch as the row, so an index never disagrees with its table, after any crash, on any
 * path. GC never changes what a row shows, so it never changes its entries (a row GC drops
 * is invisible and has none). Two converged replicas therefore hold identical indexes.
 *
 * Storage learns which indexes exist from the catalog: every catalog entry it writes (and, at
 * open, every entry stored) goes through hooks.catalog, which tells it whether the entry
 * defines an index. An index that appears on a populated table is built by the writer thread
 * in chunks between commit groups (writes go on meanwhile: a row written during the build is
 * maintained like any other, and the build reads each row as the latest commit left it);
 * its progress is kept in the meta column family in the chunk's own batch, so a build
 * survives kill -9 and resumes. hooks.ready reports a finished build (and, at open, each
 * index found built). A dropped index's entries are deleted with one range deletion.
 *
 * Unique indexes: hooks.keys marks an entry unique by giving the length of its prefix that
 * must not repeat (index oid + values, without the pk). A local commit that would add an
 * entry whose prefix another row already holds fails with STORAGE_EUNIQUE (message from
 * hooks.conflict); remote entries and imports are never refused — a cross-region duplicate is
 * kept (two entries), for the caller to report. */
typedef struct storage_index_key {
    uint8_t *key; /* malloc'd: u32 BE index oid + values + pk */
    size_t len;
    size_t unique_prefix; /* 0: not unique */
} storage_index_key;
typedef struct storage_index_keys {
    storage_index_key *v;
    size_t n, cap;
} storage_index_keys;
/* Appends a copy of key (0 or STORAGE_ENOMEM). */
int storage_index_keys_add(storage_index_keys *k, const uint8_t *key, size_t len,
                           size_t unique_prefix);
void storage_index_keys_clear(storage_index_keys *k);
typedef struct storage_index_hooks {
    /* A catalog entry was written (val: the stored value). *oid: the index it defines (0:
     * none), with *table_id and *live (false: the entry drops it). Writer thread, or the
     * opening thread before the writer starts. */
    int (*catalog)(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen,
                   uint32_t *oid, uint32_t *table_id, bool *live);
    /* Appends the index entries of row (table_id, pk) in state (NULL: no row), of every index
     * of the table, or only of index `only` when nonzero. Must be pure (any thread). */
    int (*keys)(void *ctx, uint32_t table_id, const uint8_t *pk, size_t pklen,
                const uint8_t *state, size_t len, uint32_t only, storage_index_keys *out);
    /* Index oid is complete (built, or found built at open), or its build failed (rows
     * UINT64_MAX: a row could not be read; retried at the next open). Any thread. */
    void (*ready)(void *ctx, uint32_t oid, uint64_t rows);
    /* Build progress: rows done so far (a log line, a progress view). */
    void (*progress)(void *ctx, uint32_t oid, uint64_t rows_done);
    /* The message of a unique violation on entry key (held by another row). */
    void (*conflict)(void *ctx, const uint8_t *key, size_t klen, char *msg, size_t cap);
    void *ctx;
} storage_index_hooks;

typedef struct storage_opts {
    const char *data_dir;  /* required; created if missing */
    uint16_t node_id;      /* required, 1..65535 */
    const char *node_name; /* required */
    storage_sync_mode sync;
    int sync_interval_ms;       /* batch mode, default 10 */
    size_t block_cache_bytes;   /* default 128 MiB */
    size_t row_cache_bytes;     /* storage_rowcache.c; default 64 MiB, 0 = no row cache */
    storage_merge_fn merge;     /* required */
    /* Optional: a delta merged into a row's stored state (old NULL: none), like merge, the
     * result's causal metadata compacted up to floor_seq_vv (commit-seq units: every
     * operation of those commits is applied here and reflected in old). The writer uses it
     * for the rows of local and remote commits; deltas are still joined with merge. The
     * floor is the causally stable vv (storage_set_stable_vv, so every replica's canonical
     * form is unchanged), or the applied vv with fill_applied (a store with no peers). */
    int (*merge_state)(void *ctx, const causal_vv *floor_seq_vv, const uint8_t *old,
                       size_t oldlen, const uint8_t *delta, size_t dlen, uint8_t **out,
                       size_t *outlen);
    bool fill_applied;
    void *merge_ctx;
    storage_merge_fn catalog_merge; /* NULL: a catalog put overwrites */
    void *catalog_merge_ctx;
    storage_gc_fn gc; /* NULL: no tombstone GC */
    void *gc_ctx;
    void (*wakeup)(void *ctx); /* optional: after each group of completions */
    void *wakeup_ctx;
    /* Optional, writer thread: the notifications (logentry.h "Notifications", items with op
     * LOGENTRY_NOTIFY among items[0..n)) of every entry applied, local or remote, in the order
     * the entries were applied, once their group is written (and synced with sync=always),
     * before the commits' callbacks: so they are handed over in commit order, and before any
     * transaction that saw one of these entries can be acknowledged. pid: a local commit's
     * req.notify_pid, 0 for a remote entry. Must not block. */
    void (*notify)(void *ctx, uint32_t pid, const logentry_catalog *items, size_t n);
    void *notify_ctx;
    /* Bound of one WriteBatch when a staged snapshot is applied (memory used by the apply);
     * 0: $HELIOS_TEST_IMPORT_BATCH_BYTES if set (a test knob), else 4 MiB. */
    size_t import_batch_bytes;
    storage_index_hooks index; /* all NULL: no secondary indexes */
} storage_opts;

typedef struct storage storage;

void storage_opts_init(storage_opts *o);
/* Opens (creating if needed) the data directory and starts the writer thread. First open
 * records node id and name; a later open with different ones fails with STORAGE_EIDENTITY.
 * Other errors: STORAGE_ELOCKED, STORAGE_ECORRUPT, STORAGE_EIO, STORAGE_ENOSPC,
 * STORAGE_EINVAL, STORAGE_ENOMEM. */
int storage_open(const storage_opts *o, storage **out);
/* Completes every queued commit, stops the writer, syncs and closes. NULL is a no-op. */
void storage_close(storage *s);

uint16_t storage_node_id(const storage *s);
const char *storage_node_name(const storage *s);
/* A copy of the applied version vector (commit-seq units). */
int storage_vv(storage *s, causal_vv *out);
/* Highest local seq whose commit is durable (see above). */
uint64_t storage_durable_seq(storage *s);

/* ---- commits ---- */
typedef struct storage_commit_req storage_commit_req;
typedef void (*storage_commit_cb)(storage_commit_req *req);

struct storage_commit_req {
    /* public, in: local commits */
    uint64_t seq;  /* 0: assign at submission; else a storage_next_seq reservation */
    uint32_t nseqs; /* seqs the reservation spans (storage_next_seqs); 0 means 1 */
    uint32_t notify_pid; /* reported with the commit's notifications (opts.notify) */
    causal_hlc hlc;
    const logentry_delta *deltas; /* borrowed until completion */
    size_t ndeltas;
    const logentry_catalog *catalog; /* borrowed until completion */
    size_t ncatalog;
    /* public, in: remote entries (storage_commit_remote*) */
    const uint8_t *entry; /* the log entry bytes, borrowed until completion */
    size_t entry_len;
    uint32_t chain; /* set by storage_commit_remote_chain_async on the first of a chain */
    /* public, in */
    storage_commit_cb cb; /* async: called once, on the writer thread */
    void *user;
    /* read-only, out (valid in the callback) */
    int status;        /* 0 or STORAGE_E* */
    uint64_t out_seq;  /* seq of the entry (local: assigned) */
    uint16_t out_origin;
    bool skipped;      /* remote entry already applied */
    bool has_notify;   /* remote entry applied now, with notifications (opts.notify) */
    char errmsg[200];
    /* private */
    storage_commit_req *next;
    bool remote;
    int done;
};

/* Reserves the next local seq (see the header comment). STORAGE_ENOSPC / STORAGE_EREADONLY
 * from the write guards, STORAGE_ECLOSED. */
int storage_next_seq(storage *s, uint64_t *seq);
/* Reserves n >= 1 consecutive seqs *seq .. *seq + n - 1 for one commit whose dots need more
 * than one seq's 2^CAUSAL_OP_BITS op slots (dot counters run on from (seq << CAUSAL_OP_BITS)
 * across the span). The commit (req.nseqs = n) writes its entry at the first seq and an
 * empty entry at each of the others, in the same batch. */
int storage_next_seqs(storage *s, uint32_t n, uint64_t *seq);
/* Gives a reserved seq back: an empty entry fills it. */
int storage_abandon_seq(storage *s, uint64_t seq);
/* Gives a reserved span back: empty entries fill it. */
int storage_abandon_seqs(storage *s, uint64_t seq, uint32_t n);
/* Queues a local commit. Returns 0 (req->cb will be called exactly once) or an error
 * (STORAGE_ECLOSED, STORAGE_EINVAL, and for seq 0 the guards' STORAGE_ENOSPC /
 * STORAGE_EREADONLY; the callback is then not called). The callback may see STORAGE_ENOSPC:
 * the reserved seq was then filled with an empty entry. */
int storage_commit_async(storage *s, storage_commit_req *req);
/* Queues a remote entry (req->entry). Same contract as storage_commit_async; the callback
 * sees status STORAGE_EDEPS, STORAGE_EBADENTRY, STORAGE_ENOSPC (not applied: retry later),
 * or 0 (req->skipped if already applied). */
int storage_commit_remote_async(storage *s, storage_commit_req *req);
/* Queues the n parts of one remote transaction (logentry.h "Parts"), in order, to be applied
 * together in one batch: all of them, or none (each request then completes with the error of
 * the part that failed, e.g. STORAGE_EDEPS). A part queued alone (storage_commit_remote_async)
 * is refused with STORAGE_EBADENTRY. Same contract as storage_commit_remote_async otherwise;
 * every request's callback is called. */
int storage_commit_remote_chain_async(storage *s, storage_commit_req *const *reqs, uint32_t n);
/* Blocking forms (tests, tools, never the event loop): return req->status. */
int storage_commit(storage *s, storage_commit_req *req);
int storage_commit_remote(storage *s, storage_commit_req *req);

typedef struct storage_stats {
    uint64_t commits;     /* completed local + remote commits */
    uint64_t syncs;       /* WAL syncs performed for group commit */
    uint64_t synced_commits; /* commits completed by those syncs */
    uint64_t groups;
    uint64_t row_cache_hits, row_cache_misses, row_cache_bytes; /* storage_rowcache.c */
} storage_stats;
void storage_get_stats(storage *s, storage_stats *out);

/* ---- reads ---- */
typedef struct storage_snapshot storage_snapshot;
storage_snapshot *storage_snapshot_new(storage *s); /* NULL on ENOMEM */
void storage_snapshot_del(storage *s, storage_snapshot *snap);

/* Row state at snap (NULL: latest). *val malloc'd. STORAGE_ENOTFOUND if absent. */
int storage_get(storage *s, const storage_snapshot *snap, uint32_t table_id, const uint8_t *pk,
                size_t pklen, uint8_t **val, size_t *vlen);
int storage_catalog_get(storage *s, const uint8_t *key, size_t klen, uint8_t **val,
                        size_t *vlen);
/* Rows (table_id, pks[i]) at snap in one batch (RocksDB MultiGet): vals[i] malloc'd, NULL when
 * absent. 0 or an error (then every vals[i] is NULL). */
int storage_multi_get(storage *s, const storage_snapshot *snap, uint32_t table_id,
                      const uint8_t *const *pks, const size_t *pklens, size_t n, uint8_t **vals,
                      size_t *vlens);

/* Iterators return rows in key order. Bounds are primary-key bytes: [lo, hi); NULL lo =
 * table start, NULL hi = table end. storage_iter_new_prefix: every pk starting with prefix. */
typedef struct storage_iter storage_iter;
typedef struct storage_overlay storage_overlay;
int storage_iter_new(storage *s, const storage_snapshot *snap, uint32_t table_id,
                     const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                     storage_iter **out);
int storage_iter_new_prefix(storage *s, const storage_snapshot *snap, uint32_t table_id,
                            const uint8_t *prefix, size_t plen, storage_iter **out);
/* Entries of index oid in [lo, hi) (bytes after the oid; NULL: unbounded), in key order: the
 * item's key is the entry without the oid, its value the row's pk. */
int storage_iter_new_index(storage *s, const storage_snapshot *snap, uint32_t oid,
                           const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                           storage_iter **out);
/* The same, last entry first when reverse. */
int storage_iter_new_index_ex(storage *s, const storage_snapshot *snap, uint32_t oid,
                              const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                              bool reverse, storage_iter **out);
/* About how many entries index oid holds (counted as they are written; -1: no such index). An
 * estimate for the planner. Any thread. */
int64_t storage_index_entries(storage *s, uint32_t oid);
/* Whether index oid holds an entry starting with prefix (bytes after the oid) for a pk other
 * than except (NULL: any): 1 yes (*pk_out malloc'd when pk_out), 0 no, <0 error. Latest
 * state. */
int storage_index_find(storage *s, uint32_t oid, const uint8_t *prefix, size_t plen,
                       const uint8_t *except, size_t exlen, uint8_t **pk_out, size_t *pklen);
/* Catalog keys starting with prefix (plen 0: all). */
int storage_iter_new_catalog(storage *s, const storage_snapshot *snap, const uint8_t *prefix,
                             size_t plen, storage_iter **out);
/* 1: positioned on an item, 0: end, <0: error. Call first to reach the first item. */
int storage_iter_next(storage_iter *it);
/* Current item; pointers valid until the next storage_iter_next/del. Row iterators give the
 * pk without table id; catalog iterators the whole key. */
void storage_iter_item(const storage_iter *it, const uint8_t **key, size_t *klen,
                       const uint8_t **val, size_t *vlen);
void storage_iter_del(storage_iter *it);

/* ---- transaction overlay: a write set of pending deltas, read through ---- */
storage_overlay *storage_overlay_new(storage *s);
void storage_overlay_del(storage_overlay *o);
/* Records a delta for a row; a second delta for the same row is joined into the first with
 * the merge callback. Bytes are copied. */
int storage_overlay_add(storage_overlay *o, uint32_t table_id, const uint8_t *pk, size_t pklen,
                        const uint8_t *delta, size_t dlen);
size_t storage_overlay_count(const storage_overlay *o);
/* The bytes its deltas take in a log entry (logentry_delta_size summed). */
uint64_t storage_overlay_bytes(const storage_overlay *o);
/* Whether the overlay holds a pending delta for a row of table_id. */
bool storage_overlay_has_table(const storage_overlay *o, uint32_t table_id);
/* merge(stored at snap, pending); ENOTFOUND only if neither exists. */
int storage_overlay_get(storage_overlay *o, const storage_snapshot *snap, uint32_t table_id,
                        const uint8_t *pk, size_t pklen, uint8_t **val, size_t *vlen);
/* Like storage_iter_new, with the overlay's rows merged in (new rows included). */
int storage_overlay_iter_new(storage_overlay *o, const storage_snapshot *snap,
                             uint32_t table_id, const uint8_t *lo, size_t lolen,
                             const uint8_t *hi, size_t hilen, storage_iter **out);
/* Points req->deltas at the overlay's deltas (the overlay must outlive the commit). */
int storage_overlay_fill_req(storage_overlay *o, storage_commit_req *req);

/* ---- origin log ---- */
typedef struct storage_log_iter storage_log_iter;
/* Entries of origin with seq >= from_seq, in order. For the local origin, iteration stops
 * at the durable watermark. STORAGE_ETRUNCATED if from_seq is below the oldest retained
 * entry of an origin whose log was truncated. */
int storage_log_iter_new(storage *s, uint16_t origin, uint64_t from_seq, storage_log_iter **out);
/* 1 with the entry (valid until the next call), 0 at the end, <0 on error. */
int storage_log_iter_next(storage_log_iter *it, uint64_t *seq, const uint8_t **entry,
                          size_t *len);
void storage_log_iter_del(storage_log_iter *it);
/* Oldest retained seq of origin (0: none retained). */
uint64_t storage_log_oldest(storage *s, uint16_t origin);
uint64_t storage_log_bytes(storage *s);
/* Deletes entries every peer acknowledged (seq <= acked_by_all[origin]), then, while the
 * log exceeds max_bytes (0: no limit), the entries with the oldest hlc (never a local entry
 * above the durable watermark). */
int storage_log_truncate(storage *s, const causal_vv *acked_by_all, uint64_t max_bytes);
/* A pin keeps the log entries a peer still needs — seq > from[o] for every origin o (all of
 * an origin absent from `from`) — from storage_log_truncate (both passes: the log may then
 * exceed max_bytes), e.g. while a snapshot taken at `from` travels and until the peer has
 * followed the log past it. It does not hold back the drop of a snapshot import (the
 * entries it covers are then below the vv). NULL on ENOMEM. Any thread. */
typedef struct storage_log_pin storage_log_pin;
storage_log_pin *storage_log_pin_new(storage *s, const causal_vv *from);
/* Moves the pin to `from` (0 or STORAGE_ENOMEM, the pin unchanged). */
int storage_log_pin_move(storage *s, storage_log_pin *p, const causal_vv *from);
/* NULL is a no-op. Every pin must be deleted before storage_close. */
void storage_log_pin_del(storage *s, storage_log_pin *p);

/* ---- state transfer: snapshot catch-up, region join, anti-entropy (storage_snap.c) ----
 * An export walks a consistent RocksDB snapshot: every catalog entry, then every row state
 * (rows column family order: table id, then pk), together with the applied vv stored AT that
 * snapshot. An import merges items through the same callbacks a commit uses (rows: merge,
 * catalog: catalog_merge) — idempotent, so an item already present merges to the same state,
 * and a state never resurrects what the local row deleted (row states carry their causal
 * context; GC'd rows keep their floor). With final_vv the import also raises the applied vv
 * to max(vv, final_vv) together with its items (all or nothing for readers, and after a
 * crash: see storage_import_ex) and drops the log entries of raised origins at or below the
 * new vv (a peer needing them gets STORAGE_ETRUNCATED). */
enum { STORAGE_ITEM_CATALOG = 1, STORAGE_ITEM_ROW = 2 };
typedef struct storage_item {
    uint8_t kind;       /* STORAGE_ITEM_* */
    const uint8_t *key; /* catalog key, or the full rows key (keycodec_row_key) */
    size_t klen;
    const uint8_t *val; /* catalog value or row state */
    size_t vlen;
} storage_item;

typedef struct storage_export storage_export;
int storage_export_new(storage *s, storage_export **out);
/* The applied vv at the export's snapshot (owned by the export). */
const causal_vv *storage_export_vv(const storage_export *x);
/* 1 with the next item (pointers valid until the next call), 0 at the end, <0 on error. */
int storage_export_next(storage_export *x, storage_item *item);
void storage_export_del(storage_export *x);

/* Called once, on the writer thread, with 0 or a STORAGE_E* code and its message. */
typedef void (*storage_import_cb)(void *arg, int status, const char *errmsg);
/* Queues an import; items (and the bytes they point to) are borrowed until cb. Errors in cb:
 * STORAGE_EINVAL (malformed row key, bad kind), STORAGE_EMERGE, STORAGE_EDEPS (final_vv
 * raises the local origin while a local seq is reserved: retry), STORAGE_EIO, STORAGE_ECLOSED.
 * Returns 0 (cb will run) or an error (cb will not run). */
int storage_import_async(storage *s, const storage_item *items, size_t n,
                         const causal_vv *final_vv, storage_import_cb cb, void *arg);
/* Blocking form (tests, tools; never the event loop). */
int storage_import(storage *s, const storage_item *items, size_t n, const causal_vv *final_vv);
/* With flags: STORAGE_IMPORT_STAGE parks the items on disk (not merged, not visible;
 * final_vv must be NULL); STORAGE_IMPORT_RESET first drops everything staged before. An
 * import with final_vv (and without STAGE) merges every staged item and its own, raises the
 * vv and empties the stage: a snapshot streamed as STAGE chunks + a final one becomes
 * visible atomically to every reader (storage_snap.c: a read fence covers the apply, which
 * runs in WriteBatches of at most storage_opts.import_batch_bytes, so any size is applied in
 * bounded memory; a crash mid-apply is finished at the next open). */
enum { STORAGE_IMPORT_STAGE = 1, STORAGE_IMPORT_RESET = 2 };
int storage_import_ex_async(storage *s, const storage_item *items, size_t n,
                            const causal_vv *final_vv, unsigned flags, storage_import_cb cb,
                            void *arg);
int storage_import_ex(storage *s, const storage_item *items, size_t n, const causal_vv *final_vv,
                      unsigned flags);
/* A row state in the canonical form used for digests: the gc callback's output under
 * stable_seq_vv (*out NULL: the input is already canonical). Two replicas holding the same
 * row, each GC'd up to at most stable_seq_vv, produce equal bytes. Catalog items unchanged. */
int storage_canonical(storage *s, const causal_vv *stable_seq_vv, const storage_item *item,
                      uint8_t **out, size_t *outlen);

/* ---- peers, GC, backup ---- */
/* Local state (never replicated, not part of exports): a value under key ("local." + key in
 * the meta column family), written durably (synced WAL) when sync. Used for the sequence
 * reservations of this region (sqlexec.c). get: STORAGE_ENOTFOUND when absent; *val malloc'd. */
int storage_local_put(storage *s, const char *key, const uint8_t *val, size_t len, bool sync);
int storage_local_get(storage *s, const char *key, uint8_t **val, size_t *len);
int storage_peer_put_acked(storage *s, uint16_t peer, const causal_vv *acked);
int storage_peer_get_acked(storage *s, uint16_t peer, causal_vv *out); /* ENOTFOUND */
/* Pointwise min of the local vv and the acked vv of each listed peer (missing = empty). */
int storage_stable_vv(storage *s, const uint16_t *peers, size_t npeers, causal_vv *out);
/* The vv the compaction filter passes to the gc callback (empty: GC disabled). */
int storage_set_stable_vv(storage *s, const causal_vv *stable);
/* Compacts the rows column family now, so the GC callback sees every row. */
int storage_gc_now(storage *s);

/* ---- write guards (see the header comment) ---- */
enum {
    STORAGE_NOTIFY_SPACE_LOW = 1, /* started refusing writes: free space below the reserve */
    STORAGE_NOTIFY_SPACE_OK,      /* free space is back above the reserve */
    STORAGE_NOTIFY_RESTORED_CLEARED, /* every peer returned our own entries: writable */
};
/* Called on whichever thread noticed (keep it short, thread-safe). */
typedef void (*storage_notify_fn)(void *ctx, int event, uint64_t free_bytes,
                                  uint64_t min_free_bytes);
void storage_set_notify(storage *s, storage_notify_fn fn, void *ctx);
/* The free-space reserve (0: no guard); checks at once. */
void storage_set_min_free(storage *s, uint64_t bytes);
/* Whether commits are refused for lack of space (refreshes a stale reading). */
bool storage_space_low(storage *s, uint64_t *free_bytes);
/* Whether the store carries the restored mark (local commits refused). */
bool storage_restored(storage *s);
/* Clears the mark when, for each of peers (self ignored), an ack recorded by
 * storage_peer_put_acked since open shows peer vv[self] <= local vv[self]. Returns 1 if the
 * store is (now) unmarked, 0 while waiting, or an error (STORAGE_EIO...). npeers 0 clears. */
int storage_restored_check(storage *s, const uint16_t *peers, size_t npeers);
/* Clears the mark unconditionally (operator override: own-origin writes the peers hold and
 * this node lacks may be shadowed by new local writes). */
int storage_restored_clear(storage *s);

/* Online backup: a RocksDB checkpoint into dir (must not exist). */
int storage_backup(storage *s, const char *dir);
/* Copies a checkpoint into data_dir (must be missing or empty), then verifies it opens.
 * reassign false: the checkpoint's node identity must equal (node_id, node_name), and the
 * store is marked restored (see write guards); true: the identity is rewritten to them
 * (seeding a new region: a fresh origin, no mark). */
int storage_restore(const char *backup_dir, const char *data_dir, uint16_t node_id,
                    const char *node_name, bool reassign);

#endif
