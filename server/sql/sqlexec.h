/*
 * server/sql/sqlexec.h — the SQL executor: PostgreSQL wire statements -> CRDT rows in storage.
 *
 * Implements server/executor.h over storage/storage.h with the SQL modules of server/sql/
 * (parse, plan, operators, catalog relations, settings in sqlguc.c): every statement runs
 * here; there is no fall-back executor.
 *
 * Transactions. A write statement does not build its final CRDT deltas: an operation's dot
 * derives from the commit seq, which is reserved only at COMMIT (storage.h). Each write is
 * therefore recorded as a semantic operation (touch, assign, counter add, set add...) and
 * applied at once, with a private placeholder dot, to the transaction's preview overlay so
 * that later statements of the transaction read their own writes. At COMMIT the seq is
 * reserved and the recorded operations are replayed, in order, against the latest stored
 * rows with dots causal_commit_dot(node, seq, k); the result is ONE log entry (rows + catalog
 * changes). The session returns EXEC_PENDING until storage reports the commit durable; the
 * completion runs on the storage writer thread, is queued, and a uv_async drains the queue on
 * the loop thread and wakes the session.
 *
 * Catalog (replicated: catalog changes ride in the commit's log entry like row deltas):
 *   "table." + u32 BE id -> sqlschema encoding, or the tombstone {0x00} once dropped (a drop
 *   is a put, so it merges with a concurrent ALTER instead of racing it); per node
 *   "next_table_id." + u16 BE node -> u32 BE. Table ids are (node id << 16) | a per-node
 *   counter: unique across regions without coordination and never reused (a dropped table's
 *   rows stay in the rows column family and must never reappear); 65535 CREATE TABLEs per
 *   node. storage's catalog_merge makes concurrent writes of one key converge (a max under a
 *   total order: tombstone > definitions ordered by next column id, then fewer columns, then
 *   bytes; counters by value), so a concurrent ADD COLUMN wins over the version it did not
 *   see and a DROP TABLE wins over a concurrent ALTER. Concurrent CREATE TABLE of one name in
 *   two regions yields two ids: every region gives the name to the lowest id and shows the
 *   other as "<name>_conflict_<id>" with its rows (rename or drop it at leisure).
 *   sqlexec_catalog_changed() reloads the cache after a remote entry changed the catalog.
 *
 * Reads: WHERE terms `keycol = constant/parameter` fixing the leading key columns turn a scan
 * into a point read (whole key) or a key-prefix range scan. COPY FROM STDIN buffers the data
 * (up to 256 MiB) and applies it at CopyDone as one statement of the transaction.
 *
 * Errors: sqlexec_new returns NULL with a message in err (storage open failures: locked data
 * directory, identity mismatch, corruption). SQL errors reach clients with PostgreSQL's
 * SQLSTATEs (42P01, 42703, 42P07, 23502, 25P02, 53100 on a full disk, 0A000 ...).
 */
#ifndef HELIOS_SERVER_SQL_SQLEXEC_H
#define HELIOS_SERVER_SQL_SQLEXEC_H

#include <stddef.h>
#include <uv.h>

#include "config/config.h"
#include "crdt/causal.h"
#include "server/executor.h"

/* Opens the store at cfg->node.data_dir with the node identity, sync mode and block cache of
 * cfg and loads the catalog. The executor owns the store; destroy() closes it. */
executor *sqlexec_new(uv_loop_t *loop, const config *cfg, char *err, size_t errsz);

/* Threads: sessions live on the loop given to sqlexec_new (the "home" loop) unless created on
 * a thread that called sqlexec_thread_attach with a loop of its own (the SQL worker threads,
 * server/workers.h): then their commits are answered, their waits timed and their wake
 * functions called on that loop. Every executor operation takes the engine lock (one
 * statement runs at a time; see "threads" in sqlexec.c); executor_ops.cancel never blocks.
 * Call attach on the thread, before its loop runs; detach on it after its loop has no session
 * and no commit left (its loop then runs once more to close the executor's handles). */
void sqlexec_thread_attach(executor *ex, uv_loop_t *loop);
void sqlexec_thread_detach(executor *ex);

/* ---- for the replication layer (on the main loop's thread; any thread where noted) --------- */

struct storage;
/* The store sqlexec opened (not owned: valid until destroy). */
struct storage *sqlexec_storage(executor *ex);
/* Called after a remote log entry carrying catalog changes was applied: sqlexec reloads its
 * catalog cache (tables created/dropped/altered elsewhere): at once on a thread of the
 * executor's own, else soon on a worker's loop (the caller never waits for a statement).
 * Running statements keep the plan (a private copy of the table) they were started with. */
void sqlexec_catalog_changed(executor *ex);

/* Any thread, for every remote log entry applied: merges its HLC timestamp into the
 * executor's clock, so a local LWW write made after seeing a remote one is ordered after it
 * even when the remote region's clock runs ahead (DESIGN §4). A timestamp further ahead of the
 * wall clock than clock.max_skew_ms is still accepted, and counted and logged as skew. */
void sqlexec_observe_hlc(executor *ex, causal_hlc remote);
/* The executor's current HLC (last issued or observed), for /v1/status. */
causal_hlc sqlexec_hlc(executor *ex);
/* Remote timestamps seen too far ahead, and the largest skew seen (ms). */
void sqlexec_skew_stats(executor *ex, uint64_t *events, uint64_t *max_ms);
/* Hook run after each group of local commits became durable (the replication outbox uses it to
 * ship promptly instead of polling), on the loop of the session that committed: with worker
 * threads, not the caller's thread. One hook; NULL clears it. */
void sqlexec_set_commit_hook(executor *ex, void (*fn)(void *arg), void *arg);

/* On-demand anti-entropy from SQL: `SELECT helios_anti_entropy()` calls anti_entropy(arg) on
 * the session's thread (main registers one that runs repl_anti_entropy_now) and returns, as an int
 * column helios_anti_entropy, the number of peers the peer provider reports "up" (the round
 * starts with each of them; one already running continues). Without a hook (replication off):
 * 55000 "replication is not configured". Like helios_backup() it is not restricted to a role
 * (HeliosDB has no superuser notion yet: access is the pg_hba-style auth rules). NULL clears. */
void sqlexec_set_repl_hooks(executor *ex, void (*anti_entropy)(void *arg), void *arg);

/* Admin views, served as virtual tables (SELECT ... FROM helios.x, WHERE/ORDER BY/aggregates
 * work as on any table; writes are refused with 42809):
 *   helios.node(name text, id int, version text, uptime_s bigint, vv jsonb, hlc text)
 *   helios.tables(name text, table_id bigint, columns int, rows bigint)
 *   helios.peers(name text, id int, state text, reason text, rtt_ms double precision,
 *                acked_vv jsonb, lag_entries bigint, lag_ms double precision,
 *                bytes_in bigint, bytes_out bigint, batches_in bigint, batches_out bigint)
 * helios.peers rows come from the provider REPL registers (no provider: no rows). vv and
 * acked_vv are JSON objects {"<node id>": seq, ...}; hlc is "<ms>.<logical>".
 *   helios.stmt_cache(entries int, hits bigint, misses bigint, invalidations bigint): the
 *   statement cache (sqlcache.h): hits = statements that skipped parsing.
 * information_schema.tables(table_catalog, table_schema, table_name, table_type,
 *   is_insertable_into) and information_schema.columns(table_catalog, table_schema, table_name,
 *   column_name, ordinal_position, column_default, is_nullable, data_type, udt_name): all text
 *   but ordinal_position int (sqlvirt.h).
 * SELECT helios_digest() -> text: hex SHA-256 over every user-visible row of every user table
 * (tables by name, rows by primary key, values rendered as text): equal digests = converged. */
typedef struct sqlexec_peer_row {
    char name[64];
    int id;
    char state[16];
    char reason[128];
    double rtt_ms;
    char acked_vv[512]; /* JSON text */
    long long lag_entries;
    double lag_ms;
    long long bytes_in, bytes_out, batches_in, batches_out;
} sqlexec_peer_row;
/* fn fills at most max rows and returns how many (or a negative value: no rows). It is
 * called on the thread of the session reading helios.peers, holding the engine lock. */
void sqlexec_set_peer_provider(executor *ex,
                               int (*fn)(void *arg, sqlexec_peer_row *rows, int max), void *arg);

#endif
