/*
 * server/sql/sqlexec.h — the SQL executor: PostgreSQL wire statements -> CRDT rows in storage.
 *
 * Implements server/executor.h over storage/storage.h with the phase-1 SQL modules (sqlparse,
 * sqlexpr, sqlschema, sqlwrite). Session settings, SET/SHOW/RESET, SELECT without FROM and the
 * connect-time catalog statements of drivers are delegated to an embedded minimal executor
 * (server/minexec.h) so their behaviour stays byte-identical; everything touching a table runs
 * here.
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
 * Catalog: one catalog key per table ("table." + u32 BE id -> sqlschema encoding) and
 * "next_table_id" (u32 BE), so dropped table ids are never reused (their rows stay in the
 * rows column family and must never reappear). DDL goes through the same commit path.
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
#include "server/executor.h"

/* Opens the store at cfg->node.data_dir with the node identity, sync mode and block cache of
 * cfg and loads the catalog. The executor owns the store; destroy() closes it. */
executor *sqlexec_new(uv_loop_t *loop, const config *cfg, char *err, size_t errsz);

#endif
