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
 * from one peer still converges through another. Local entries leave only once durable
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
 * Not done yet (DESIGN §6): anti-entropy digests and snapshot transfer; a peer that needs
 * truncated entries (STORAGE_ETRUNCATED) is logged and skipped for that origin.
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
    int window;               /* batches in flight per peer; 0: 4 */
    size_t buffer_max_entries; /* causal buffer bound; 0: 65536 */
    size_t buffer_max_bytes;   /* 0: 64 MiB */
    int retry_ms;              /* pause after a failed call; 0: 200 */
    /* Optional, loop thread: a remote entry was applied (not skipped). */
    void (*on_applied)(void *arg, uint16_t origin, uint64_t seq, causal_hlc hlc,
                       bool has_catalog);
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
    uint32_t inflight;
} repl_peer_stats;

typedef struct repl_stats {
    uint64_t applied;      /* remote entries applied */
    uint64_t skipped;      /* remote entries already present */
    uint64_t buffered;     /* entries parked in the causal buffer (cumulative) */
    uint64_t buffer_now;   /* entries parked now */
    uint64_t buffer_refused;
    uint64_t bad_batches;  /* answered 400 */
    causal_hlc max_remote_hlc;
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

int repl_peer_stats_get(repl *r, uint16_t peer_id, repl_peer_stats *out);
void repl_get_stats(repl *r, repl_stats *out);

#endif
