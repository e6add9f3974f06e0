/*
 * server/sql/sqlpsql.h — psql 15's backslash-command catalog queries (\dt, \d, \d NAME, \l)
 * answered from the HeliosDB catalog, so psql shows tables, columns with their CRDT type
 * names (g_counter, or_set ...), defaults, NOT NULL and the primary key.
 *
 * HeliosDB has no pg_catalog: the statements psql sends are recognised by their
 * pg_query_fingerprint (constants ignored) and answered with synthesized rows in the shapes
 * psql reads. Other psql versions send other text, which falls through to the normal path
 * (an error). pgjdbc 42.5's DatabaseMetaData.getTables/getColumns (name patterns) are answered
 * the same way. Not for use outside server/sql/.
 */
#ifndef HELIOS_SERVER_SQL_SQLPSQL_H
#define HELIOS_SERVER_SQL_SQLPSQL_H

#include "server/sql/sqlexec_int.h"

#define SQLPSQL_NOT_MINE 100 /* distinct from every EXEC_* code */

/* sql: one NUL-terminated simple query. Returns SQLPSQL_NOT_MINE, EXEC_DONE (result sent to
 * sink) or EXEC_ERROR (err set, or the sink failed). */
int sqlpsql_try(sx_session *s, const char *sql, executor_sink *sink, executor_error *err);

/* The extended protocol (pgjdbc sends its DatabaseMetaData queries with Parse/Bind/Execute):
 * answers sql at once into *cols and *ncols (cols owned, free()) and res (rows and tag, free with
 * sqlrun_result_free), which the prepared statement replays on Describe and Execute. The
 * catalog is read at Parse time. Same returns as sqlpsql_try. */
int sqlpsql_capture(sx_session *s, const char *sql, executor_column **cols, int *ncols,
                    sx_result *res, executor_error *err);

#endif
