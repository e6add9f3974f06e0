/*
 * replication/repl.h — the replication engine: one outbox per peer, the inbox with causal
 * delivery, relay. Runs on the loop thread over a transport (transport.h) and a store
 * (storage/storage.h).
 *
 * Outbox. Each peer has a cursor per origin over the log of EVERY origin the local store
 * holds: `acked` (the peer's applied vv, from its last response; persisted with
 * storage_peer_put_acked so a restart resumes where the peer was) and `sent` (what is in
 * flight). A batch holds, per origin except the peer's own, the entries after max(acked, sent)
 * — so a node relays to a peer whatever the peer lacks, whoever wrote it, and a region cut off
 * from one peer still converges through another. Relay is held back while the origin can
 * deliver itself (in a healthy mesh it would only send duplicates): entries of a third origin
 * O go to peer P only once P's ack still lacks what this node held of O relay_grace_ms earlier,
 * in an ack received after that (when this node's view of P is older, an empty batch asks P
 * first). Relaying O to P then continues until P has caught up and at least 10 s have passed.
 * Local entries leave only once durable
 * (storage's log iterator stops at the durable watermark). repl_kick() (wired to the SQL
 * layer's commit hook and run after every remote apply) arms a flush at most
 * batch_max_delay_ms later; commits arriving meanwhile share the batch, up to
 * batch_max_bytes. At most `window` batches are in flight per peer. A failed call, a non-200
 * answer or a connection leaving UP resets `sent` to `acked`: everything unacknowledged is
 * retransmitted (applying twice is a no-op at the receiver). When a peer comes UP it is first
 * sent an empty batch (a probe) so its ack tells what it already has.
 *
 * Inbox. repl_on_deltas() decodes a batch (replbatch.h); a malformed one is answered 400 and
 * logged, and nothing of it is applied. Entries go to storage_commit_remote_async in order;
 * one refused with STORAGE_EDEPS (it arrived before its dependencies) is parked in the causal
 * buffer (replbuf.h, bounded) and submitted again once its dependencies are applied. Commit
 * completions run on the storage writer thread: they are queued and a uv_async_t brings them
 * back to the loop. When every entry of a batch is settled the request is answered 200 with
 * the applied vv (the ack). Each applied (not skipped) entry is reported through
 * repl_config.on_applied on the loop thread (catalog reload, HLC observation).
 *
 * Lifetime. repl_del() stops the outbox and frees the engine once no call and no commit is
 * outstanding (run the loop until it returns). Delete it BEFORE the transport (its calls then
 * complete with TRANSPORT_ESHUTDOWN) and close the store only after the loop has returned.
 *
 * Snapshot transfer (catch-up past log retention, region join). When the log can no longer
 * serve a peer (STORAGE_ETRUNCATED: it is new, or was down past replication.log_retention_mb),
 * the outbox stops sending it batches and PUSHES a snapshot instead: a storage export (every
 * catalog entry and row state at one RocksDB snapshot, plus the vv at that snapshot) in
 * chunks of about snapshot_chunk_bytes, `POST /v1/snapshot` (replsnap.h), one at a time. The
 * receiver merges the chunks through storage_import (idempotent row/catalog merge) and, with
 * the last chunk and atomically with it, raises its vv to max(own, snapshot vv); its answer
 * (its vv) is the ack, and the outbox follows the log from there. A receiver accepts one
 * transfer at a time (another sender gets 409 and retries later, by when the log usually
 * suffices), but an offer from a markedly nearer peer, or any offer once the running sender
 * is down or stalled, replaces the running transfer (replsnap_choose_sender): a fresh node
 * bootstraps from the nearest peer that reaches it, not from the first. Any
 * failure (connection lost, either side restarted, kill -9 mid-transfer) abandons the
 * transfer; the sender starts a new one, and rows merged by the broken one merge again
 * harmlessly. A snapshot whose vv covers local entries not yet durable is retaken later.
 * The sender pins the log above the snapshot's vv (storage_log_pin_new) while the transfer
 * runs, then moves the pin with the peer's acks until it has caught up (released on a
 * failed transfer, or after SNAP_PIN_IDLE_MS without progress): truncation by
 * log_retention_mb during a long transfer would otherwise force the next snapshot.
 * The receiver stages the chunks on disk (storage_import_ex_async with STORAGE_IMPORT_STAGE:
 * stored, not visible) and the last chunk makes the whole snapshot visible at once, whatever
 * its size and in bounded memory (storage.h, storage_import_ex), so readers never see a
 * transaction half-applied by a transfer.
 *
 * Anti-entropy (every anti_entropy_interval_s, and repl_anti_entropy_now()). With each UP
 * peer in turn: `POST /v1/ae/digest` sends this node's stable vv; the peer answers the floor
 * F = max(both stable vvs) and its digest tree (replsnap.h: 4096 leaves over every catalog
 * entry and row state, each state canonicalised by the GC callback under F so that GC'd and
 * not-yet-GC'd copies of one state hash alike). The differing leaves' items go both ways in
 * `POST /v1/ae/rows` (ours in the request, the peer's — after merging ours — in the answer),
 * a bounded number of leaves per round, until none differ. Each side merges the other's
 * items only if they were read at a snapshot whose vv it has already applied (sender vv <=
 * own vv): anti-entropy thus only restores what a replica should hold but lost (a damaged
 * range, a restore), and never shows part of a transaction whose log entry is still in
 * flight (the log brings it atomically, in causal order); a round meeting newer items ends
 * and the next round retries. Merges are idempotent and a row state carries its causal
 * context, so a repair never resurrects a delete: a damaged replica converges with no
 * operator action. Digest trees and the items of leaves
 * are full scans of the store, run in libuv's thread pool (storage exports are thread-safe);
 * a snapshot chunk or a set of repaired rows is merged on storage's writer thread
 * (storage_import_async), so local commits wait for it (one chunk, ~snapshot_chunk_bytes).
 *
 * Restored peers. The first answer after a peer comes UP (the probe) REPLACES its acked vv
 * rather than joining it, so a peer restored from an older backup is sent again what it lost
 * (including, once, its own entries), or a snapshot if they were truncated.
 *
 * Errors: 0 or a negative REPL_E* code.
 */
#ifndef HELIOS_REPLICATION_REPL_H
#define HELIOS_REPLICATION_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "crdt/causal.h"
#include "replication/transport.h"
#include "storage/storage.h"

#define REPL_EINVAL -1
#define REPL_ENOMEM -2
#define REPL_ENOPEER -3

typedef struct repl repl;

typedef struct repl_config {
    uint16_t self_id;
    const uint16_t *peer_ids; /* copied */
    int npeers;               /* 0..TRANSPORT_MAX_PEERS */
    int batch_max_delay_ms;   /* 0: flush at the next loop iteration */
    uint32_t batch_max_bytes; /* 0: 1 MiB */
    int window;               /* batches in flight per peer; 0: 32 */
    int relay_grace_ms;       /* relay a third origin's entries only after this; 0: 1000,
                               * <0: relay at once (no suppression) */
    size_t buffer_max_entries; /* causal buffer bound; 0: 65536 */
    size_t buffer_max_bytes;   /* 0: 64 MiB */
    int retry_ms;              /* pause after a failed call; 0: 200 */
    /* Optional, loop thread: a remote entry was applied (not skipped). */
    void (*on_applied)(void *arg, uint16_t origin, uint64_t seq, causal_hlc hlc,
                       bool has_catalog);
    int anti_entropy_interval_s;   /* 0: only on demand */
    uint32_t snapshot_chunk_bytes; /* 0: 1 MiB */
    /* Optional, loop thread: state was merged in by a snapshot or anti-entropy (reload the
     * catalog if has_catalog). */
    void (*on_imported)(void *arg, bool has_catalog);
    /* Optional, loop thread: one line per notable event (level as transport_log_level). */
    void (*on_log)(void *arg, int level, const char *line);
    void *arg;
} repl_config;

typedef struct repl_peer_stats {
    uint16_t id;
    causal_vv acked;          /* owned by the caller after repl_peer_stats_get: free it */
    uint64_t lag_entries;     /* entries this node has that the peer has not acked */
    double lag_ms;            /* age of the oldest unacknowledged send; 0 when caught up */
    uint64_t bytes_out, bytes_in;     /* batch bodies (acks excluded) */
    uint64_t batches_out, batches_in; /* including empty probes */
    uint64_t entries_out, entries_in;
    uint64_t relayed_entries; /* of entries_out, those of third origins (relay) */
    uint32_t inflight;
    uint64_t snapshots_sent, snapshots_received; /* completed transfers */
    uint64_t snapshot_items_sent, snapshot_items_received;
    uint64_t ae_runs;          /* completed anti-entropy comparisons with this peer */
    uint64_t ae_rows_repaired; /* row/catalog states exchanged for differing leaves */
    uint64_t ae_last_unix_ms;  /* wall-clock end of the last comparison (0: never) */
    bool snapshot_active;      /* a transfer to this peer is in progress */
} repl_peer_stats;

typedef struct repl_stats {
    uint64_t applied;      /* remote entries applied */
    uint64_t skipped;      /* remote entries already present */
    uint64_t buffered;     /* entries parked in the causal buffer (cumulative) */
    uint64_t buffer_now;   /* entries parked now */
    uint64_t buffer_refused;
    uint64_t bad_batches;  /* answered 400 */
    causal_hlc max_remote_hlc;
    uint64_t snapshots_sent, snapshots_received;
    uint64_t ae_runs, ae_rows_repaired, ae_last_unix_ms;
} repl_stats;

/* Loads each peer's acked vv from the store and starts the outbox. The store and transport
 * are borrowed and must outlive the engine. Returns 0 and *out, REPL_EINVAL or REPL_ENOMEM. */
int repl_new(uv_loop_t *loop, const repl_config *cfg, storage *st, transport *t, repl **out);
/* See "Lifetime". NULL is accepted. */
void repl_del(repl *r);

/* New local or remote entries may be shippable: flush within batch_max_delay_ms. */
void repl_kick(repl *r);

/* The transport handlers, to be called from transport_callbacks (user_data -> repl). */
void repl_on_deltas(repl *r, transport_req *req, uint16_t peer_id, const uint8_t *body,
                    size_t len);
void repl_on_peer_state(repl *r, uint16_t peer_id, transport_peer_state state);
/* transport_callbacks.on_request: /v1/snapshot, /v1/ae/digest, /v1/ae/rows (else 404). */
void repl_on_request(repl *r, transport_req *req, uint16_t peer_id, const char *path,
                     const uint8_t *body, size_t len);

/* Starts an anti-entropy round with every UP peer now (one already running continues). */
void repl_anti_entropy_now(repl *r);

int repl_peer_stats_get(repl *r, uint16_t peer_id, repl_peer_stats *out);
void repl_get_stats(repl *r, repl_stats *out);

#endif
