/*
 * server/metrics.h — Prometheus text exposition (format 0.0.4) on `GET /metrics`.
 *
 * Two halves. The counters are process-wide and lock-free (C11 relaxed atomics), so any thread
 * may bump them: the wire layer counts connections, statements (by CommandComplete tag) and
 * errors (by SQLSTATE); the commit histogram is fed by the session when a statement that waited
 * for durability completes; crdt merge conflicts by the storage merge callback (writer thread).
 * The HTTP half is a tiny server on the libuv loop: requests are parsed with libhttp-parser,
 * bounded (METRICS_MAX_REQUEST bytes, METRICS_MAX_CONNS connections: past it a new connection
 * takes the slot of a lingering or stalled one, an idle timeout), answered
 * with one write and closed (Connection: close). Only GET/HEAD /metrics answers 200; another
 * path is 404, another method 405, a malformed or oversized request 400 / 431.
 * Values owned by other layers (live connections, replication peers, storage, clock skew) are
 * pulled at scrape time through the collect callback, on the loop thread.
 *
 * Ownership: metrics_server_new borrows loop and the callback's arg (both outlive the server);
 * metrics_server_close closes every handle and frees the server from the loop's close callbacks.
 * Errors: negative libuv codes (UV_E*), -ENOMEM as UV_ENOMEM.
 */
#ifndef HELIOS_SERVER_METRICS_H
#define HELIOS_SERVER_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define METRICS_MAX_REQUEST 8192
#define METRICS_MAX_CONNS 32
#define METRICS_IDLE_MS 10000  /* a whole request must arrive within this */
#define METRICS_LINGER_MS 2000 /* after the response: wait this long for the client to close */
#define METRICS_MAX_PEERS 64
#define METRICS_MAX_SQLSTATES 64 /* distinct codes tracked; the rest count as "other" */

/* ---- counters (any thread) ---- */

void metrics_connection_opened(void);
/* tag: a CommandComplete tag ("SELECT 3", "INSERT 0 1", "CREATE TABLE", ...). */
void metrics_statement_tag(const char *tag);
/* code: a 5-character SQLSTATE. */
void metrics_error(const char *code);
void metrics_commit_observe(double seconds);
void metrics_conflicts_add(uint64_t n);

/* ---- what other layers report at scrape time ---- */

typedef struct metrics_peer {
    char name[64];
    bool up;
    uint64_t lag_entries;
    double lag_seconds;
    uint64_t bytes_in, bytes_out;
    uint64_t snapshots_sent, snapshots_received; /* completed snapshot transfers */
    uint64_t ae_runs, ae_rows_repaired;          /* anti-entropy comparisons, states exchanged */
    double ae_last_unix_s;                       /* 0: never */
} metrics_peer;

typedef struct metrics_state {
    int connections;
    bool have_skew;
    uint64_t skew_events;
    bool have_storage;
    uint64_t storage_commits, storage_syncs, storage_synced_commits, storage_groups;
    uint64_t row_cache_hits, row_cache_misses, row_cache_bytes;
    int npeers;
    metrics_peer peers[METRICS_MAX_PEERS];
} metrics_state;

/* Fills *st (zeroed by the caller) on the loop thread. */
typedef void (*metrics_collect_fn)(void *arg, metrics_state *st);

/* ---- exposition ---- */

/* The whole exposition text into a malloc'd, NUL-terminated *out (caller frees). 0 or
   UV_ENOMEM. */
int metrics_render(const metrics_state *st, char **out, size_t *len);

typedef struct metrics_server metrics_server;

/* Binds host:port (port 0: any free port) and serves. 0, or a negative libuv code. */
int metrics_server_new(uv_loop_t *loop, const char *host, uint16_t port, metrics_collect_fn fn,
                       void *arg, metrics_server **out);
/* The bound port (useful after port 0). */
uint16_t metrics_server_port(const metrics_server *m);
/* Stops listening, closes every connection; the memory goes once the loop ran the closes.
   NULL is a no-op. */
void metrics_server_close(metrics_server *m);

#endif
