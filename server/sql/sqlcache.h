/*
 * server/sql/sqlcache.h — the statement cache: statement text -> parsed statements.
 *
 * Drivers send the same texts over and over (ORMs, prepared statements re-sent per
 * connection, pgbench-style loops), and parsing (libpg_query to JSON, then the JSON walk) is
 * the largest fixed cost of a short statement. The cache keeps the parse of up to `cap`
 * texts, least recently used evicted; a hit hands back a deep copy (sqlast_stmt_dup), since
 * planning binds into the tree. Only successful parses are cached (errors are re-parsed so
 * their message and position stay exact), and only texts up to SQLCACHE_MAX_TEXT bytes.
 *
 * A parse does not depend on the catalog today, but the cache is still cleared on every
 * catalog change (sqlcache_clear) so that a future catalog-dependent parse step (a type
 * resolved at parse time) can never serve a stale tree.
 *
 * Simple-protocol texts that differ only in literals (`WHERE id = 42`, `WHERE id = 43`) share
 * one entry keyed by their shape: the cached tree gets the new literals and locations, as if
 * the text had been parsed (the rules and the check that makes this exact: sqlcache.c).
 *
 * Thread-safe (a mutex, not held while a miss is parsed). Not for use outside server/sql/.
 * Errors: as sqlparse_query (53200 when a copy cannot be allocated).
 */
#ifndef HELIOS_SERVER_SQL_SQLCACHE_H
#define HELIOS_SERVER_SQL_SQLCACHE_H

#include <stdint.h>

#include "server/sql/sqlparse.h"

#define SQLCACHE_MAX_TEXT 16384

typedef struct sqlcache sqlcache;

typedef struct sqlcache_stats {
    int entries;
    uint64_t hits, misses, invalidations;
    uint64_t literal_hits; /* hits served from a literal shape (included in hits) */
} sqlcache_stats;

/* NULL when out of memory. */
sqlcache *sqlcache_new(int cap);
void sqlcache_free(sqlcache *c);
/* sqlparse_query through the cache: *out is the caller's (free with sqlparse_result_free). */
int sqlcache_parse(sqlcache *c, const char *sql, sqlparse_result *out, sqlerr *err);
/* Drops every entry (catalog change). */
void sqlcache_clear(sqlcache *c);
void sqlcache_get_stats(const sqlcache *c, sqlcache_stats *st);

#endif
