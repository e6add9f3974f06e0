/*
 * server/sql/sqldo.h — DO blocks: the PL/pgSQL subset migrations use, read without a PL/pgSQL
 * interpreter.
 *
 * ORMs and migration tools wrap DDL that may already exist in an anonymous block whose handler
 * swallows the error, e.g. Sequelize's
 *     DO 'BEGIN CREATE TYPE "enum_x" AS ENUM(''a''); EXCEPTION WHEN duplicate_object THEN null; END';
 * That is the form taken here:
 *     [DECLARE] BEGIN statement; ... [EXCEPTION WHEN condition [OR condition ...] THEN NULL; ...] END [;]
 * where each statement is plain SQL (or NULL;) and every handler does nothing. The statements
 * run in order in the caller's transaction; when one fails with an error a handler names, what
 * the block did is undone and the DO succeeds (PL/pgSQL's subtransaction); any other error
 * ends it. Everything else PL/pgSQL has (variables, IF, loops, PERFORM, RAISE, nested blocks,
 * handlers that do something) is refused with 0A000 naming the construct.
 *
 * Conditions: PostgreSQL's condition names for the errors DDL raises (duplicate_object,
 * duplicate_table, undefined_object, ...), SQLSTATE 'xxxxx', and OTHERS (everything but
 * query_canceled). The body is bounded (SQLDO_BODY_MAX) and read once, left to right, with
 * quotes, dollar quotes and comments skipped; it is fuzzed (tests/fuzz/fuzz_sql.c).
 */
#ifndef HELIOS_SERVER_SQL_SQLDO_H
#define HELIOS_SERVER_SQL_SQLDO_H

#include <stdbool.h>
#include <stddef.h>

#include "server/sql/sqlerr.h"

#define SQLDO_BODY_MAX (1u << 20)
#define SQLDO_MAX_CODES 32
#define SQLDO_MAX_STMTS 256

typedef struct sqldo_block {
    size_t stmts_at, stmts_len; /* the statements' text: body[stmts_at, stmts_at + stmts_len) */
    /* each statement (without its ';'; NULL; left out): body[at[i], at[i] + len[i]) */
    size_t at[SQLDO_MAX_STMTS], len[SQLDO_MAX_STMTS];
    int nstmts;
    char codes[SQLDO_MAX_CODES][6]; /* SQLSTATEs the handlers name */
    int ncodes;
    bool others;   /* WHEN OTHERS */
    bool handlers; /* an EXCEPTION section */
} sqldo_block;

/* Reads body (len bytes). SQL_OK, or SQL_ERR with 0A000 (not this subset) or 42601. */
int sqldo_parse(const char *body, size_t len, sqldo_block *out, sqlerr *err);
/* Whether the block's handlers catch SQLSTATE code */
bool sqldo_catches(const sqldo_block *b, const char *code);

#endif
