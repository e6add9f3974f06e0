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

/* PostgreSQL's scanner cuts identifiers to 63 bytes (NAMEDATALEN - 1, never inside a UTF-8
 * character) and says so in a NOTICE (42622 'identifier "..." will be truncated to "..."');
 * libpg_query cuts them silently. This finds them in sql[0..len) (skipping comments, strings
 * and dollar quotes): fn gets each, in text order, as PostgreSQL names it in the NOTICE
 * (unquoted ones downcased, quoted ones with "" undoubled), its length n and the length `cut`
 * it is truncated to. Returns how many were found. */
int sqlparse_long_identifiers(const char *sql, size_t len,
                              void (*fn)(void *arg, const char *ident, size_t n, size_t cut),
                              void *arg);

/* libpg_query's fingerprint of a statement (constants ignored), for recognising fixed client
 * catalog queries. Returns 0 and the 64-bit value, or SQL_ERR (42601). */
int sqlparse_fingerprint(const char *sql, unsigned long long *out, sqlerr *err);

#endif
