/*
 * server/minexec.h — the minimal executor: enough SQL for the wire layer's tests and for every
 * client's connect-time statements (CLIENTS.md §6), behind server/executor.h, until the SQL
 * layer (server/sql/) replaces it.
 *
 * Understands: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT (transaction state only:
 * there is no storage), SET/RESET/SHOW of session settings (reported ones send ParameterStatus),
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

/* The server_version this server reports, e.g. "15.0 (HeliosDB 0.1.0)". */
const char *minexec_server_version(void);

#endif
