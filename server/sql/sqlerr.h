/*
 * server/sql/sqlerr.h — the error every SQL-layer function reports.
 *
 * A client error is data, not a crash: every function of server/sql/ that can fail for a
 * reason the client should see fills one sqlerr (SQLSTATE, message, optional detail and hint,
 * and the 1-based character position PostgreSQL reports for syntax errors) and returns
 * SQL_ERR. The buffers are fixed-size so that reporting an out-of-memory condition never
 * needs memory. Messages follow PostgreSQL's wording where PostgreSQL has the same error,
 * because drivers and people grep for it.
 */
#ifndef HELIOS_SERVER_SQL_SQLERR_H
#define HELIOS_SERVER_SQL_SQLERR_H

enum { SQL_OK = 0, SQL_ERR = -1 };

#define SQLERR_MSG_MAX 512
#define SQLERR_AUX_MAX 256
#define SQLERR_DETAIL_MAX 1024 /* a DROP ... CASCADE lists up to ~20 objects, as PostgreSQL */

typedef struct sqlerr {
    char code[6];                  /* SQLSTATE, NUL-terminated; "" when no error */
    char message[SQLERR_MSG_MAX];
    char detail[SQLERR_DETAIL_MAX]; /* "" when absent */
    char hint[SQLERR_AUX_MAX];     /* "" when absent */
    int position;                  /* 1-based character position in the query, 0 when none */
    /* the object an integrity error is about (ErrorResponse s, t, c, n; "" when absent) */
    char schema[64], table[64], column[64], constraint[64];
    /* where it happened (ErrorResponse W, psql's CONTEXT: line): "" when absent */
    char context[SQLERR_AUX_MAX];
    /* refused on purpose (an isolation level, a lock) rather than not implemented yet */
    int final;
} sqlerr;

void sqlerr_clear(sqlerr *e);
/* Names the object of an error (schema public): table, and column or constraint (NULL:
 * none), as PostgreSQL's errtable / errtablecol / errtableconstraint do. */
void sqlerr_object(sqlerr *e, const char *table, const char *column, const char *constraint);
/* Fills code, message and position (a 0-based byte offset, or -1 for "none"; stored
 * 1-based as PostgreSQL reports it). Clears detail and hint. Always returns SQL_ERR so that
 * callers can write `return sqlerr_set(...)`. e may be NULL (the error is then dropped). */
int sqlerr_set(sqlerr *e, const char *code, int offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sqlerr_hint(sqlerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sqlerr_detail(sqlerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sqlerr_context(sqlerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 53200 out of memory. Returns SQL_ERR. */
int sqlerr_oom(sqlerr *e);
/* A relation named with its schema (s.t) travels through the engine as one string, the schema
 * and the name joined by SQLAST_QUAL (sqlast.h); messages show it as "s.t": sqlerr_set and
 * its siblings turn the separator into a dot (sqlerr_dots does it to any text). */
#define SQLAST_QUAL '\x1e'
void sqlerr_dots(char *m);
/* 0A000 "feature not supported: <what>". Returns SQL_ERR. */
int sqlerr_unsupported(sqlerr *e, int offset, const char *what);

/* The stack guard, PostgreSQL's check_stack_depth: every recursive walk of a statement (the
 * parse tree's conversion, binding, evaluation, planning) calls sqlerr_stack_check, which
 * fails with 54001 "stack depth limit exceeded" once the thread has used more than its budget
 * below the mark the executor's entry point set (sqlerr_stack_mark). The budget is three
 * quarters of the stack size limit (getrlimit, at most 64 MiB), so statements PostgreSQL
 * accepts pass and deeper ones end in a clean error, never a crash. Thread-local. */
void sqlerr_stack_mark(void);
int sqlerr_stack_check(sqlerr *e); /* SQL_OK, or SQL_ERR with 54001 */
int sqlerr_stack_low(void);        /* 1 when over the budget (for walks without a sqlerr) */

#endif
