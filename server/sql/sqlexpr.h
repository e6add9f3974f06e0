/*
 * server/sql/sqlexpr.h — binding and evaluation of expressions, and aggregates.
 *
 * Binding (sqlexpr_bind) resolves column names against one table, assigns every node its
 * static result type (what RowDescription advertises), registers aggregates with the statement
 * and infers parameter types from context the way PostgreSQL does for the cases drivers use:
 * `col = $1`, `$1 = col`, `col IN ($1, $2)`, `col BETWEEN $1 AND $2`, `col + $1`, `$1::type`,
 * INSERT VALUES and SET targets (the caller passes the column type as `expected`), LIMIT/OFFSET
 * (bigint). A parameter nobody constrains is reported as text and evaluated as an untyped
 * literal, which then adapts to what it meets.
 *
 * Evaluation follows SQL's three-valued logic: NULL propagates through operators and
 * functions, AND/OR/NOT use Kleene logic, IN/ANY/BETWEEN return NULL when no element decides.
 * Errors are PostgreSQL's: 22003 `bigint out of range`, 22012 `division by zero`, 22P02 bad
 * input text, 42883 no such operator/function, 42703 unknown column, 42803 misplaced
 * aggregate, 42P02 missing parameter.
 *
 * Numeric arithmetic is done in long double and printed at PostgreSQL's result scale (max of
 * the operand scales for + and -, their sum for *, at least 16 digits for /): exact for the
 * values people type, approximate beyond ~18 significant digits.
 */
#ifndef HELIOS_SERVER_SQL_SQLEXPR_H
#define HELIOS_SERVER_SQL_SQLEXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "server/sql/sqlast.h"
#include "server/sql/sqlerr.h"
#include "server/sql/sqlschema.h"
#include "server/sql/sqlval.h"

/* What functions that act on the session call (sqlexec.c): settings and pg_sleep. */
typedef struct sqlexpr_session_ops {
    /* current_setting(name [, missing_ok]): the value as SHOW prints it (text); SQL NULL when
     * missing_ok and there is no such setting */
    int (*get)(void *arg, const char *name, bool missing_ok, sqlval *out, sqlerr *err);
    /* set_config(name, value, is_local): value NULL resets; *out the new value (text) */
    int (*set)(void *arg, const char *name, const char *value, bool local, sqlval *out,
               sqlerr *err);
    /* pg_sleep(secs): adds to the statement's wait, served before its next row is sent */
    int (*sleep)(void *arg, double secs, sqlerr *err);
    /* sequences: op 'n' nextval(name), 'c' currval(name), 's' setval(name, v, called),
     * 'l' lastval(); *out bigint */
    int (*seq)(void *arg, int op, const char *name, int64_t v, bool called, sqlval *out,
               sqlerr *err);
    /* pg_cancel_backend(pid) / pg_terminate_backend(pid): *out bool */
    int (*signal)(void *arg, int64_t pid, bool terminate, sqlval *out, sqlerr *err);
    /* pg_notify(channel, payload) (NULL payload: empty); pg_listening_channels(): *out a
     * text[]; pg_notification_queue_usage() */
    int (*notify)(void *arg, const char *channel, const char *payload, sqlerr *err);
    int (*listening)(void *arg, sqlval *out, sqlerr *err);
    double (*queue_usage)(void *arg);
    /* pg_blocking_pids(pid): *out int4[] of the sessions pid's lock wait waits for */
    int (*blocking)(void *arg, int64_t pid, sqlval *out, sqlerr *err);
    /* txid_current() (assign) / txid_current_if_assigned(): the transaction's id, 0 none */
    int64_t (*xid)(void *arg, bool assign);
} sqlexpr_session_ops;

/* Session facts the built-in functions read. All borrowed. */
typedef struct sqlexpr_env {
    const char *user;
    const char *session_user; /* session_user (NULL: user) */
    const char *database;
    const char *schema;  /* current_schema(): search_path's first schema (NULL: none) */
    const char *version; /* version() text */
    int64_t now_us;      /* transaction start, µs since 2000-01-01 UTC */
    /* helios_digest(): fills out (text) from the executor's committed state; NULL: 0A000 */
    int (*digest)(void *arg, sqlval *out, sqlerr *err);
    void *digest_arg;
    const sqlexpr_session_ops *sess; /* NULL: those functions give 0A000 */
    void *sess_arg;
    int backend_pid; /* pg_backend_pid() */
    const char *client_addr; /* inet_client_addr() ("" or NULL: a Unix socket: NULL) */
    int client_port;         /* inet_client_port() */
    /* the catalog (sqlcatalog.h): the catalog functions (format_type, pg_get_indexdef ...,
     * bound with funcid -1) and casts to the reg* types; fn is the function's name, or
     * "::" for a cast to type ret. NULL: both raise 0A000 */
    int (*catalog)(void *arg, const char *fn, const sqlval *args, int nargs, sqlval_type ret,
                   sqlval *out, sqlerr *err);
    void *catalog_arg;
} sqlexpr_env;

/* Everything an expression can refer to at evaluation time. All borrowed. */
typedef struct sqlexpr_ctx sqlexpr_ctx;
struct sqlexpr_ctx {
    const sqlval *row; /* the current row, by column index (NULL when no table) */
    int nrow;
    const sqlval *excluded; /* ON CONFLICT: the proposed row, by column index */
    const sqlval *params;   /* $1.. as typed values (param_types applied) */
    int nparams;
    const sqlval *aggs; /* after grouping: aggregate results by aggno */
    const sqlexpr_env *env;
    /* helios_crdt_state(col): the current row's CRDT state (a crdt_row) and its table; NULL
     * where no stored row is at hand (grouped rows, RETURNING, virtual tables) */
    const struct crdt_row *raw;
    const sqlschema_table *table;
    bool want_raw; /* set by the planner when the statement calls helios_crdt_state */
    const sqlval *wins; /* after the window stage: window function results by winno */
    /* the enclosing query level's context (a COLUMN with levelsup k reads k levels up) */
    const sqlexpr_ctx *outer;
    /* the running execution (sqlplan.h), for subqueries; NULL outside one */
    void *run;
};

/* A FROM item as column names see it (the planner builds these, sqlplan.c): column i is
 * slot slots[i] of its query level's row. */
typedef struct sqlexpr_nsitem {
    const char *name;  /* alias or table name; NULL for a join without alias */
    bool rel_visible;  /* name.col finds it */
    bool cols_visible; /* a bare col finds it */
    int ncols;
    char **colnames;
    sqlval_type *coltypes;
    int *slots;
    bool *hidden; /* columns * leaves out (a table's row id); NULL: none */
} sqlexpr_nsitem;

typedef struct sqlexpr_scope sqlexpr_scope;

/* Binding scope. */
struct sqlexpr_scope {
    const sqlschema_table *table; /* NULL: no FROM */
    const char *alias;            /* the name the table may be qualified with */
    sqlast_stmt *stmt;            /* receives aggregates (and param types without `top`) */
    bool allow_excluded;          /* inside ON CONFLICT DO UPDATE */
    bool allow_aggs;              /* select list / HAVING / ORDER BY */
    bool allow_windows;           /* select list / ORDER BY of a SELECT */
    bool allow_rows;              /* the select list of the statement's top level: a whole row
                                   * may be a result (sqlexpr.c "whole rows") */
    bool in_window;               /* inside a window function's arguments or window */
    const char *clause;           /* for 42803 messages: "WHERE", "VALUES" ... */
    /* relational queries (sqlplan.c): the level's FROM items (instead of table), the
     * enclosing level's scope, the outermost statement (parameter types), the planner (binds
     * subqueries), and a flag set when a name resolves to an enclosing level */
    const sqlexpr_nsitem *ns;
    int nns;
    const sqlexpr_scope *parent;
    sqlast_stmt *top;
    void *planner;
    bool *outer_ref;
    /* the level's per-slot "read" flags (column privileges): set when a name binds to a slot */
    uint8_t *const *used;
    /* the items are only named for PostgreSQL's error: a FROM subquery without LATERAL cannot
     * see its siblings ("invalid reference to FROM-clause entry") */
    bool invisible;
};

/* Implemented by the planner (sqlplan.c): binds a SUBLINK's subquery in scope sc (sets
 * e->subplan and e->type), and evaluates one. */
int sqlplan_bind_sublink(sqlast_expr *e, const sqlexpr_scope *sc, sqlerr *err);
int sqlplan_eval_sublink(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err);
/* The type both of two types are converted to (UNION, CASE, VALUES): numeric categories the
 * higher ranked, an untyped literal the other's. */
sqlval_type sqlexpr_common_type(sqlval_type a, sqlval_type b);
bool sqlexpr_comparable(sqlval_type l, sqlval_type r);

int sqlexpr_bind(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type expected, sqlerr *err);
/* Output column name PostgreSQL would give (column name, function name, or "?column?"). */
const char *sqlexpr_column_name(const sqlast_expr *e);

int sqlexpr_eval(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err);
/* WHERE semantics: *yes only when the value is a non-NULL true. */
/* Evaluates the constant subexpressions of e as PostgreSQL's planner folds them, for their
 * errors only (call once per execution, before the first row). */
int sqlexpr_fold_check(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlerr *err);
int sqlexpr_eval_bool(const sqlast_expr *e, const sqlexpr_ctx *ctx, bool *yes, sqlerr *err);
/* True when e references no column, parameter or aggregate (safe to evaluate once). */
bool sqlexpr_is_constant(const sqlast_expr *e);
/* True when e contains a call of `fn`. */
bool sqlexpr_calls(const sqlast_expr *e, const char *fn);
/* The first subquery (EXISTS, IN (SELECT ...), a scalar subquery) in e, or NULL. */
const sqlast_expr *sqlexpr_find_sub(const sqlast_expr *e);

/* LIKE matching of PostgreSQL patterns (% _ and backslash escape), case-sensitive: ILIKE
 * matches the lower() of both sides. */
bool sqlexpr_like(const char *s, size_t slen, const char *pat, size_t plen);

/* ---- aggregates ---- */
typedef struct sqlexpr_agg {
    const sqlast_expr *expr; /* the SQLAST_AGG node (borrowed) */
    int64_t count;
    bool has; /* saw a non-NULL input */
    __extension__ __int128 isum;
    long double fsum; /* float inputs; NaN once a numeric NaN was seen */
    char *nsum;       /* numeric inputs: their exact sum (sqlnum), NULL before the first */
    int scale; /* numeric: max input scale */
    sqlval best; /* min / max */
    sqlval *seen; /* count(DISTINCT): values seen */
    size_t nseen, capseen;
    /* string_agg (value, delimiter pairs) and array_agg (values), with their ORDER BY keys */
    sqlval *items;
    sqlval **okeys;
    size_t nitems, capitems;
    int bool_state; /* bool_and / bool_or: -1 nothing yet, else the result so far */
    /* variance / stddev family: of numeric (and integer) inputs the exact sum of squares
     * (nsum holds the sum), of floats PostgreSQL's Youngs-Cramer sums (float8_accum);
     * bad: a NaN or infinity seen (the result is NaN) */
    char *nsum2;
    double yc_sx, yc_sxx;
    double yc_sy, yc_syy, yc_sxy; /* corr, covar_*, regr_*: float8_regr_accum's sums */
    bool bad;
    bool null_seen; /* array_agg(DISTINCT): a NULL is kept once */
    int op;         /* the aggregate, classified once by sqlexpr_agg_init (private) */
} sqlexpr_agg;

void sqlexpr_agg_init(sqlexpr_agg *a, const sqlast_expr *agg);
int sqlexpr_agg_step(sqlexpr_agg *a, const sqlexpr_ctx *ctx, sqlerr *err);
int sqlexpr_agg_final(sqlexpr_agg *a, sqlval *out, sqlerr *err);
void sqlexpr_agg_free(sqlexpr_agg *a);

#endif
