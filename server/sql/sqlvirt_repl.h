/*
 * server/sql/sqlvirt_repl.h — the replication engine's state-transfer counters for
 * helios.peers (snapshot transfer, anti-entropy), registered by server/main.c.
 *
 * helios.peers gains, per peer: snapshots_sent, snapshots_received (completed transfers),
 * snapshot_active (a transfer to that peer is running), anti_entropy_runs, rows_repaired
 * (row/catalog states exchanged for differing digest leaves, both directions) and
 * last_anti_entropy (timestamptz; NULL before the first comparison) and relayed_entries (entries
 * of third origins this node forwarded to the peer). Without a provider the
 * columns are 0/false/NULL.
 *
 * The provider is called on the thread of the session reading helios.peers (main runs it on
 * the main loop: server/main.c main_call); set it once at start-up, before the executor
 * threads start, and leave it set. Errors: the provider returns 0 or <0
 * (the row then shows the defaults).
 */
#ifndef HELIOS_SERVER_SQL_SQLVIRT_REPL_H
#define HELIOS_SERVER_SQL_SQLVIRT_REPL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sqlvirt_peer_extra {
    long long snapshots_sent, snapshots_received;
    bool snapshot_active;
    long long anti_entropy_runs, rows_repaired;
    uint64_t last_anti_entropy_unix_ms; /* 0: never */
    long long relayed_entries; /* entries of third origins sent to the peer (relay) */
} sqlvirt_peer_extra;

typedef int (*sqlvirt_peer_extra_fn)(void *arg, int peer_id, sqlvirt_peer_extra *out);
void sqlvirt_set_peer_extra(sqlvirt_peer_extra_fn fn, void *arg);

#endif
