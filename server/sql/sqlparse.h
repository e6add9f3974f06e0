/*
 * server/sql/sqlparse.h — SQL text -> sqlast statements, through libpg_query.
 *
 * libpg_query gives PostgreSQL 15's own grammar as a JSON tree; this module walks it with
 * jansson (no jansson type leaves sqlparse.c) and keeps only what HeliosDB executes (DESIGN
 * §3). The rule is "refuse, never guess": any construct we do not execute (joins,
 * subqueries, CTEs, window functions, set operations, SAVEPOINT, DISTINCT, ...) is refused
 * here with 0A000 "feature not supported: <construct>" and the construct's position, so no
 * statement can silently run with part of its meaning dropped.
 *
 * Syntax errors are 42601 with PostgreSQL's message and 1-based cursor position.
 * Known libpg_query 15-4.0.0 quirk handled here: its JSON output drops integer constants
 * <= 0 ("ival": {}), so such constants are re-read from the query text at their location.
 */
#ifndef HELIOS_SERVER_SQL_SQLPARSE_H
#define HELIOS_SERVER_SQL_SQLPARSE_H

#include "server/sql/sqlast.h"
#include "server/sql/sqlerr.h"

typedef struct sqlparse_result {
    sqlast_stmt **stmts; /* owned; an empty query yields nstmts == 0 */
    int nstmts;
} sqlparse_result;

/* Parses every statement of `sql` (NUL-terminated). On SQL_ERR *out is empty and err is set
 * (42601 syntax, 0A000 unsupported, 42704 unknown type in a cast, 53200). */
int sqlparse_query(const char *sql, sqlparse_result *out, sqlerr *err);
void sqlparse_result_free(sqlparse_result *r);

/* libpg_query's fingerprint of a statement (constants ignored), for recognising fixed client
 * catalog queries. Returns 0 and the 64-bit value, or SQL_ERR (42601). */
int sqlparse_fingerprint(const char *sql, unsigned long long *out, sqlerr *err);

#endif
