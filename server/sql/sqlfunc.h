/*
 * server/sql/sqlfunc.h — the library of built-in scalar functions beyond the handful sqlexpr.c
 * implements itself (string, math and jsonb functions applications use).
 *
 * sqlexpr.c calls sqlfunc_resolve while binding a function call it does not know, with the
 * argument types binding found (SQLVAL_UNKNOWN for an untyped literal or parameter, which
 * adapts as PostgreSQL's unknown does), and sqlfunc_eval for each evaluation. Resolution
 * follows PostgreSQL 15: the same accepted argument types, the same result type and, for an
 * unsupported combination, the caller's 42883 "function f(types) does not exist". Evaluation
 * takes the evaluated arguments (never NULL-filtered: a strict function returns NULL itself)
 * and produces exactly PostgreSQL's value, text form and errors (SQLSTATE and message).
 *
 * Pure functions of their arguments: no file-scope mutable state (several executor threads
 * may call them at once).
 */
#ifndef HELIOS_SERVER_SQL_SQLFUNC_H
#define HELIOS_SERVER_SQL_SQLFUNC_H

#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

#define SQLFUNC_MAX_ARGS 100 /* PostgreSQL's FUNC_MAX_ARGS */

/* 1 known (*ret set; *id is what sqlfunc_eval needs back), 0 unknown name or argument types
 * (the caller raises 42883), SQL_ERR with err set for a call PostgreSQL refuses otherwise
 * (42725 ambiguous, 42804 a polymorphic argument of type unknown, 0A000); err carries no
 * position: PostgreSQL points at the call for 42725 only, which the caller knows. */
int sqlfunc_resolve(const char *name, const sqlval_type *args, int nargs, sqlval_type *ret,
                    int *id, sqlerr *err);
/* Evaluates function id (from sqlfunc_resolve) over args (nargs values, owned by the caller)
 * into *out of type ret. SQL_OK or SQL_ERR with err set. */
int sqlfunc_eval(int id, const sqlval *args, int nargs, sqlval_type ret, sqlval *out, sqlerr *err);

/* round(numeric, scale) as PostgreSQL's round_var: *out malloc'd. 0, or -1 out of memory. */
int sqlfunc_numeric_round(const char *s, int scale, char **out);

/* json_agg / jsonb_agg (vals, n of them: keys NULL) and json_object_agg / jsonb_object_agg
 * (keys and vals): the result as PostgreSQL prints it (json: "[a, b]", "{ "k" : v, ... }";
 * jsonb: canonical). A NULL key is 22023. */
/* structured: the values are records (json_agg(t)): PostgreSQL puts each non-NULL one after
 * the first on a line of its own */
int sqlfunc_json_agg(const sqlval *keys, const sqlval *vals, size_t n, bool jsonb, bool structured,
                     sqlval *out, sqlerr *err);
/* The rows of regexp_matches (each a text[], as its text form), regexp_split_to_table or
 * string_to_table (each a text) as one text[] *out, over the SRF's evaluated arguments. */
int sqlfunc_regexp_rows(const char *name, const sqlval *a, int n, sqlval *out, sqlerr *err);
/* quote_ident(in): in (text) quoted when PostgreSQL would quote it, into *out (text). */
int sqlfunc_quote_ident(const sqlval *in, sqlval *out, sqlerr *err);
/* numeric text helpers for the aggregates (sqlexpr.c): the square root of x >= 0 rounded at
 * rscale (PostgreSQL's sqrt_var), and select_div_scale's scale for x / y. SQLNUM_* errors. */
int sqlfunc_num_sqrt(const char *x, int rscale, char **out);
int sqlfunc_num_div_scale(const char *x, const char *y);

/* random() and setseed() of the session running on this thread use state[4] (its own;
 * zero: seeded on first use); NULL: the thread's. */
void sqlfunc_use_rng(uint64_t *state);

#endif
