/*
 * server/sql/sqlplan.h — the relational query engine: analysis, planning and the operator tree.
 *
 * A SELECT (with joins, subqueries, WITH, set operations, VALUES, DISTINCT, functions in
 * FROM) goes parse (sqlparse.c) -> analyse/bind (sqlplan.c: names against the FROM items of
 * each query level, types through sqlexpr_bind) -> plan (sqlplan.c: WHERE conjuncts pushed to
 * the lowest scan or join that covers their relations, primary-key point and prefix-range
 * scans from `key = value` conjuncts, a join method per join) -> execute (sqlops.c: pull-based
 * operators, each next() producing one row).
 *
 * Rows. Every operator below a query level's projection produces rows of the level's full
 * width: each FROM item owns a range of slots (a table its columns, plus one slot with the
 * row's key bytes when FOR UPDATE locks it), and a join with USING/NATURAL owns one slot per
 * merged column. Scans fill their slots and leave the others NULL, joins fill both sides, so
 * every expression of the level is bound once to slot numbers and evaluated on any row of the
 * level whatever the join order. Above the FROM part: aggregation appends the aggregate values
 * to its group's first row; the projection produces the output columns followed by junk
 * columns (ORDER BY keys not in the output, the locked row's key); sort, distinct, limit and
 * row locking work on those; the caller sends the first ncols.
 *
 * Levels. A subquery is a level of its own (sqlplan_query); a name it does not have resolves
 * to an enclosing level (sqlast_expr.levelsup), read at run time through sqlexpr_ctx.outer. A
 * subquery that reads no enclosing level runs once per execution and keeps its rows; one that
 * does (correlated, or LATERAL in FROM) runs again for each outer row. A primary-key lookup
 * whose key comes from the outer row (`WHERE o.id = t.x` in a correlated subquery, or a join
 * on the inner table's key) is a point read per row.
 *
 * Join methods: a nested loop whose inner side is a key lookup when the join condition fixes
 * the inner table's whole primary key from the outer row; a hash join on the equality
 * conjuncts of the condition otherwise (inner side hashed; LEFT/RIGHT/FULL track matched
 * rows); a nested loop over the materialised inner side when there is no equality. Inner joins
 * run in the order written (no reordering yet).
 *
 * Memory: hash tables, sorts and materialised sides count their bytes against the session's
 * work_mem budget (SQLPLAN_WORK_MEM); past it the query fails with 53200 and says which
 * operator, never the process.
 *
 * Threads: a plan and its run state belong to one session; nothing here is file-scope mutable.
 * Not for use outside server/sql/.
 */
#ifndef HELIOS_SERVER_SQL_SQLPLAN_H
#define HELIOS_SERVER_SQL_SQLPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "server/executor.h"
#include "server/sql/sqlast.h"
#include "server/sql/sqlexpr.h"
#include "server/sql/sqlschema.h"

#define SQLPLAN_WORK_MEM ((size_t)1 << 30) /* bytes a query's operators may hold at once */
/* query levels one statement may nest (subqueries, set operation branches: a UNION of 4,000
 * SELECTs is 4,000 levels); deeper is 54001, and so is any depth the stack guard
 * (sqlerr_stack_check) finds too deep first */
#define SQLPLAN_MAX_DEPTH 4000

struct sx_session;

typedef enum sqlplan_kind {
    PN_SCAN,     /* a table (storage or virtual): key point/range read, filter */
    PN_VALUES,   /* VALUES rows */
    PN_FUNC,     /* a function in FROM (set-returning or not) */
    PN_SUBQUERY, /* a subquery in FROM: its output into the item's slots */
    PN_CTE,      /* a WITH query, materialised once per execution */
    PN_RESULT,   /* one empty row (no FROM) */
    PN_FILTER,   /* quals */
    PN_JOIN,     /* left JOIN right */
    PN_AGG,      /* GROUP BY / aggregates */
    PN_PROJECT,  /* output and junk columns */
    PN_SORT,
    PN_UNIQUE,   /* DISTINCT / DISTINCT ON */
    PN_LIMIT,
    PN_LOCK,     /* FOR UPDATE / FOR SHARE */
    PN_SETOP,    /* UNION / INTERSECT / EXCEPT [ALL] */
    PN_RECURSE,  /* WITH RECURSIVE: non-recursive term, then the recursive one to a fixpoint */
    PN_WORKTABLE, /* the recursive term's reference to its own CTE */
    PN_WINDOW,    /* window functions: one value per function appended to each row */
    PN_PROJECTSET /* set-returning functions of the select list: rows in lockstep */
} sqlplan_kind;

enum { SQLPLAN_NL = 0, SQLPLAN_HASH, SQLPLAN_LOOKUP };

typedef struct sqlplan_query sqlplan_query;
typedef struct sqlplan_node sqlplan_node;
typedef struct sqlplan_cte sqlplan_cte;
typedef struct sqlplan_run sqlplan_run;

struct sqlplan_node {
    sqlplan_kind kind;
    sqlplan_node *left, *right; /* children (owned) */
    int width;                  /* values per produced row */
    uint64_t rels;              /* FROM items below (bit per item), for planning */
    /* SCAN */
    sqlschema_table *table; /* owned copy */
    int offset;             /* slot of the item's first column (SCAN, VALUES, FUNC, SUBQUERY, CTE) */
    int pk_slot;            /* slot receiving the row's key bytes (FOR UPDATE), or -1 */
    const sqlast_expr *keyexpr[32]; /* value of each leading key column (borrowed) */
    int nkeys;
    bool want_raw;          /* helios_crdt_state: keep the decoded CRDT row at hand */
    /* SCAN through a secondary index (sqlindex.h; chosen when the key fixes less than the
     * whole primary key): values of its leading key columns (ixeq; ixin: the last of them is
     * a list, IN (...) or = ANY(array)), then a range on the next one (ixlo / ixhi, NULL:
     * unbounded). The rows found are read by primary key and every conjunct is checked again
     * on them, so the index only narrows what is read. */
    struct sqlindex_def *ix; /* owned copy, NULL: no index */
    const sqlast_expr *ixeq[32];
    int nixeq;
    const sqlast_expr *ixin; /* SQLAST_IN (args[1..]), SQLAST_ANY (args[1] an array), or an
                              * OR of equalities: ixor_side[i] is the value's side of arm i */
    uint8_t *ixor_side; /* owned */
    const sqlast_expr *ixlo, *ixhi;
    bool ixlo_incl, ixhi_incl;
    const sqlast_expr *ixlike; /* col LIKE pattern: the range of its fixed prefix */
    const sqlast_expr *ixgin;  /* a gin index: v = ANY(col), or col @> array (its first
                                * element's rows, the rest checked on them) */
    sqlval_type ixtype[32]; /* the type of each key's values (a column's, an expression's) */
    int ixorder; /* ORDER BY served by index ix: 1 in its order, -1 backwards, 0 no (the rows
                  * then come in index order, not primary-key order, and no sort runs) */
    bool *need;             /* columns the query may read (owned; NULL: all) */
    /* SCAN, FILTER, JOIN: conjuncts (borrowed), evaluated as one WHERE */
    const sqlast_expr **quals;
    int nquals;
    sqlast_expr *qual; /* an AND over quals (owned node, borrowed operands), or quals[0] */
    /* VALUES */
    sqlast_expr ***rows; /* borrowed */
    int nrows;
    sqlval_type *types; /* VALUES / SETOP / CTE: per output column (owned) */
    int ncols;          /* VALUES / FUNC / SUBQUERY / CTE / SETOP columns */
    /* FUNC */
    const sqlast_expr *func;
    bool ordinality;
    /* SUBQUERY */
    sqlplan_query *sub; /* owned */
    /* CTE, WORKTABLE */
    sqlplan_cte *cte; /* borrowed from the plan */
    /* JOIN */
    int jointype; /* sqlast_join_type */
    int method;   /* SQLPLAN_NL / HASH / LOOKUP */
    bool rescan;  /* the inner side reads the outer row (LATERAL, key lookup): reopened per row */
    uint64_t lrels; /* FUNC, SUBQUERY: the items to its left it reads (LATERAL) */
    uint64_t ext;   /* such reads of the subtree's leaves that the subtree does not satisfy */
    const sqlast_expr **lkeys, **rkeys; /* hash join: equal pairs (outer side, inner side) */
    int nhkeys;
    int nmerge; /* USING / NATURAL merged columns: slot <- left slot / right slot */
    int *mslot, *mleft, *mright;
    sqlval_type *mtype;
    uint64_t rrels; /* the inner side's items */
    sqlast_expr **owned; /* expressions the planner made (USING equalities) */
    int nowned;
    /* AGG (st: groups and aggregates of the level); WINDOW, PROJECT, FILTER (HAVING): st set
     * when the rows carry aggregates after the level's ingroup columns */
    sqlast_stmt *st;
    int ingroup; /* width of the rows grouped (the level's FROM width) */
    sqlast_stmt *wst; /* WINDOW: the statement whose window functions (wins) it computes;
                       * PROJECT: set when the rows carry their values at wins_at */
    int wins_at;
    /* PROJECTSET: the functions (PN_FUNC descriptors, owned), evaluated on each input row */
    sqlplan_node **srfs;
    int nsrfs;
    /* PROJECT */
    const sqlast_expr **exprs; /* per produced column; NULL: copy slot[i] */
    int *slot;
    int nexprs;
    /* SORT: column, direction, NULLs first; UNIQUE: columns compared */
    int nsort;
    int *scol;
    bool *sdesc, *snullsfirst;
    /* LIMIT */
    const sqlast_expr *limit_e, *offset_e;
    int *tiecol, ntie; /* LIMIT ... WITH TIES: the ORDER BY columns of its rows (owned) */
    char **recnames; /* FUNC jsonb_to_record[set] ...: the definition list's names (borrowed) */
    /* LOCK: policy 0 wait, 1 NOWAIT, 2 SKIP LOCKED */
    int lock_policy, lock_mode;
    /* SETOP */
    int setop;
    bool all;
    /* run state (sqlops.c), NULL when not open; rows produced and opens (EXPLAIN ANALYZE) */
    void *state;
    uint64_t nrows_out, nloops;
    char *label; /* EXPLAIN: "t", "t a", the function's name (owned) */
    /* SCAN, while planning only (borrowed from the statement): the names a column reference
     * may qualify this table's columns with (its alias, its name); NULL: any qualifier */
    const char *qual_alias, *qual_table;
    const char *what; /* operator name for EXPLAIN and work_mem messages */
};

/* One query level (a SELECT, VALUES or set operation). */
struct sqlplan_query {
    sqlast_stmt *st; /* borrowed */
    sqlplan_node *root;
    int ncols;               /* output columns (the root's rows may carry junk after them) */
    executor_column *cols;   /* owned */
    sqlval_type *types;      /* owned */
    sqlval_type *utypes;     /* owned: the same, an untyped literal column still UNKNOWN */
    int width;               /* slots of the level's FROM rows */
    bool correlated;         /* reads an enclosing level: rerun per outer row */
    /* uncorrelated subquery results, kept for the execution */
    bool cached;
    sqlval **rows;
    size_t nrows;
    int cwidth;
    uint64_t gen; /* the execution the cache belongs to */
    void *hset;   /* x IN (uncorrelated subquery): its rows hashed (sqlops.c), for gen */
    sqlplan_query *next_all; /* every query of the plan (the plan frees them) */
};

/* Frees what sqlops keeps on a query (the hashed IN set). */
void sqlops_query_free_cache(sqlplan_query *q);

struct sqlplan_cte {
    char *name;
    sqlplan_query *q; /* owned */
    bool recursive;
    bool correlated; /* reads an enclosing level: computed again at each scan's open */
    /* per execution: the rows produced so far (computed as scans ask for them, so a LIMIT
     * over an endless WITH RECURSIVE stops), the producer (q->root) while open */
    sqlval **rows; /* rwidth values each */
    int rwidth;
    size_t nrows, cap;
    bool done, open;
    uint64_t gen;
    /* WITH RECURSIVE: the rows of the last iteration (the worktable) */
    sqlval **work;
    size_t nwork;
};

/* A planned SELECT. */
typedef struct sqlplan {
    sqlplan_query *q;        /* the top level */
    sqlplan_query *all;      /* every level, for freeing and cache resets */
    sqlplan_cte **ctes;      /* every WITH query of every level (owned) */
    int nctes;
    uint64_t gen;            /* executions started */
    bool want_raw;
    const sqlschema_table *lock_table; /* FOR UPDATE: the locked table */
    void *binder; /* INSERT/UPDATE/DELETE (sqlplan_dml): the names their expressions bind to */
    struct sqlparse_result *views; /* the parsed definitions of the views the query names */
    int nviews;
    /* the SELECT privileges planning checked, checked again by every execution (a prepared
     * statement sees a later REVOKE): table id (0: the helios admin views, superusers only)
     * and the role (0: the current role at execution; a view's tables: its owner) */
    struct sqlplan_priv {
        uint32_t id, role;
        /* the columns the query reads (ids): without SELECT on the table, SELECT on each of
         * them (on some column when it reads none) will do, as in PostgreSQL */
        uint16_t *cols;
        int ncols;
    } *privs;
    int nprivs;
} sqlplan;

/* After binding a write's expressions (sqlplan_dml's scope): the columns of its target they
 * read (used[i] for the target's column index i, n = the target's column count; malloc'd, NULL
 * on failure), and the columns its FROM / USING items read recorded for their checks. */
uint8_t *sqlplan_dml_reads(sqlplan *p, int n);

/* Plans st (a SELECT) for session s: *out owned by the caller. Errors as PostgreSQL's analysis
 * raises them (42P01, 42703, 42702, 42803, 42601, 42804, 0A000 ...). */
int sqlplan_build(struct sx_session *s, sqlast_stmt *st, sqlast_stmt *top, sqlplan **out,
                  sqlerr *err); /* top: the statement numbering parameters (NULL: st) */
void sqlplan_free(sqlplan *p);
/* The SELECT privileges the plan needs, checked again for session s (42501). */
int sqlplan_recheck(struct sx_session *s, const sqlplan *p, sqlerr *err);
/* INSERT / UPDATE / DELETE on table t: *sc is the scope their expressions bind in (the target
 * as a FROM item, subqueries planned into *out), valid as long as *out. UPDATE ... FROM and
 * DELETE ... USING (st->from) also get (*out)->q: the join of the target with those items
 * filtered by WHERE, whose rows (q->ncols = full width) carry the target's columns first, at
 * the table's column indexes. */
int sqlplan_dml(struct sx_session *s, sqlast_stmt *st, const sqlschema_table *t, sqlplan **out,
                sqlexpr_scope *sc, sqlerr *err);

/* One execution. */
struct sqlplan_run {
    struct sx_session *s;
    sqlplan *plan;
    sqlexpr_ctx base; /* params and env */
    size_t mem;       /* bytes held by operators (work_mem) */
    /* helios_crdt_state: the CRDT row the single table scan read last */
    const struct crdt_row *raw;
    const sqlschema_table *raw_table;
};

/* Starts an execution of p (constant folding checks included): rows come from
 * sqlplan_next until it returns 0. Rows have p->q->ncols values first (owned by the caller:
 * sqlplan_row_free). */
int sqlplan_start(sqlplan_run *r, struct sx_session *s, sqlplan *p, const sqlexpr_ctx *base,
                  sqlerr *err);
int sqlplan_next(sqlplan_run *r, sqlval **row, sqlerr *err); /* 1 row, 0 end, SQL_ERR */
void sqlplan_end(sqlplan_run *r);
void sqlplan_row_free(sqlval *row, int n);
/* Closes the WITH producers still open (sqlplan_end does). */
void sqlops_ctes_close(sqlplan *p);

/* EXPLAIN: the plan as text lines (*lines owned: free each and the array); with analyze, the
 * rows each operator produced in the execution that ran last. */
int sqlplan_explain(const sqlplan *p, bool analyze, char ***lines, int *n, sqlerr *err);

/* operators (sqlops.c) */
int sqlops_open(sqlplan_node *n, sqlplan_run *r, const sqlexpr_ctx *ctx, sqlerr *err);
int sqlops_next(sqlplan_node *n, sqlval **row, sqlerr *err);
void sqlops_close(sqlplan_node *n);
/* Runs query q to the end with the enclosing context outer (NULL at the top): *rows owned by
 * the caller (each q->root->width wide). */
int sqlops_collect(sqlplan_query *q, sqlplan_run *r, const sqlexpr_ctx *outer, sqlval ***rows,
                   size_t *n, sqlerr *err);
/* Hash and equality of values for grouping, DISTINCT, set operations and hash joins (NULLs
 * equal each other, numbers compare by value across types). */
/* Structural equality of two bound expressions (GROUP BY matching). */
bool sqlplan_expr_equal(const sqlast_expr *a, const sqlast_expr *b);
uint64_t sqlops_hash(const sqlval *v, int n);
bool sqlops_equal(const sqlval *a, const sqlval *b, int n);

#endif
