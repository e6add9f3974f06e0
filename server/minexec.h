/*
 * server/minexec.h — the minimal executor: enough SQL for the wire layer's tests and for every
 * client's connect-time statements (CLIENTS.md §6), behind server/executor.h, until the SQL
 * layer (server/sql/) replaces it.
 *
 * Understands: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT (transaction state only:
 * there is no storage), SET [SESSION | LOCAL] / RESET / SHOW of session settings, SET NAMES,
 * SET TIME ZONE (reported ones send ParameterStatus; values are flattened and checked as
 * PostgreSQL does: SET x = '' is an empty string, search_path '' shows as "", client_encoding
 * takes any spelling of an encoding name — 'utf-8', Utf_8, unicode — and refuses the ones it
 * would have to convert with 0A000),
 * and SELECT of a list of expressions without FROM: literals, $n parameters, casts (::type),
 * IS [NOT] NULL, version(), current_schema(), current_user, current_database(),
 * pg_backend_pid(), generate_series(a, b) (one set-returning item: rows for max_rows and
 * PortalSuspended tests) and pg_sleep(s) (asynchronous: returns EXEC_PENDING and resumes from a
 * libuv timer, honouring cancel() and statement_timeout). Plus SQLAlchemy's hstore OID lookup
 * (0 rows). Anything else is 0A000.
 */
#ifndef HELIOS_SERVER_MINEXEC_H
#define HELIOS_SERVER_MINEXEC_H

#include <uv.h>

#include "server/executor.h"

/* statement_timeout_ms: the default (config sql.statement_timeout_ms). NULL on OOM. */
executor *minexec_new(uv_loop_t *loop, int statement_timeout_ms);

/* The session's current statement_timeout in ms (0 = none): SET / RESET / startup options /
 * the config default, as pg_sleep applies it. For the SQL executor's scans (sqlexec.h). */
int minexec_statement_timeout_ms(const executor_session *s);

/* Transaction blocks of an executor that runs this one inside it (the SQL executor forwards
 * SET/SHOW/RESET here but runs BEGIN/COMMIT/ROLLBACK itself). With them, settings behave as in
 * PostgreSQL: SET LOCAL lasts until the block ends (outside a block: WARNING, no effect), and
 * a block that rolls back undoes its SETs. txn_follow, right after session_new, says the caller
 * will report every block; without it minexec knows only the blocks it ran itself (or was told
 * about), and treats SET LOCAL anywhere else as SET rather than refuse it inside a block it
 * cannot see. txn_end: commit false for ROLLBACK or a failed block; a reported setting that
 * changes back is sent through sink (ParameterStatus). Returns EXEC_DONE, or EXEC_ERROR when
 * the sink failed. */
void minexec_txn_follow(executor_session *s);
void minexec_txn_begin(executor_session *s);
int minexec_txn_end(executor_session *s, bool commit, executor_sink *sink);

/* The session's TimeZone (SET TimeZone, the startup packet's timezone as PGTZ sends it): the
 * zone timestamptz text is read and printed in (sqltz.h); never NULL. */
struct sqltz;
const struct sqltz *minexec_timezone(executor_session *s);

/* The server_version this server reports, e.g. "15.0 (HeliosDB 0.1.0)". */
const char *minexec_server_version(void);

#endif
