/*
 * server/sql/sqlast.h — HeliosDB's own statement and expression trees.
 *
 * sqlparse.c builds these from libpg_query's PostgreSQL 15 parse tree, keeping only what
 * HeliosDB executes; everything else was already refused there with 0A000, so code working
 * on a sqlast never meets an unsupported construct. Names are lower-cased by the grammar
 * (quoted identifiers keep their case). Every node owns its children and strings;
 * sqlast_stmt_free / sqlast_expr_free release a whole tree. `location` fields are 0-based
 * byte offsets into the query text (-1 when unknown), the unit sqlerr_set takes.
 *
 * Relation names: a name written with its schema (s.t, s not one of the catalog schemas
 * pg_catalog, information_schema, helios) is one string, "s" SQLAST_QUAL "t" (sqlerr.h), in
 * every field that names a table, view, sequence or index; the engine resolves it in that
 * schema, and a bare name through search_path (sqlrun_schema.c). sqlast_relname gives the
 * name part. FROM items keep the schema in their own field (sqlast_from.schema).
 *
 * Binding (sqlexpr_bind) fills the fields marked "bound": column indexes against a table
 * schema, result types, aggregate numbers and parameter types.
 */
#ifndef HELIOS_SERVER_SQL_SQLAST_H
#define HELIOS_SERVER_SQL_SQLAST_H

#include <stdbool.h>

#include <string.h>

#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

/* The arguments an aggregate takes: string_agg, json[b]_object_agg and the two-variable
 * statistics (corr, covar_*, regr_*) two, the others one. */
static inline int sqlast_aggregate_nargs(const char *name)
{
    return !strcmp(name, "string_agg") || strstr(name, "object_agg") || !strcmp(name, "corr") ||
                   !strncmp(name, "covar_", 6) || !strncmp(name, "regr_", 5)
               ? 2
               : 1;
}

/* The name part of a relation name that may carry its schema (see above). */
static inline const char *sqlast_relname(const char *q)
{
    const char *p = q ? strrchr(q, SQLAST_QUAL) : NULL;
    return p ? p + 1 : q;
}

typedef enum sqlast_kind {
    SQLAST_CONST,    /* value */
    SQLAST_PARAM,    /* $param */
    SQLAST_COLUMN,   /* name [qualifier] -> colidx (bound) */
    SQLAST_EXCLUDED, /* EXCLUDED.name in ON CONFLICT DO UPDATE -> colidx (bound) */
    SQLAST_OP,       /* op, args[0] (and args[1] unless unary) */
    SQLAST_AND,      /* args[0..n) */
    SQLAST_OR,
    SQLAST_NOT,       /* args[0] */
    SQLAST_NULLTEST,  /* args[0] IS [NOT] NULL (negate) */
    SQLAST_BOOLTEST,  /* args[0] IS [NOT] TRUE/FALSE: op = 1 true, 0 false */
    SQLAST_IN,        /* args[0] [NOT] IN (args[1..n)) */
    SQLAST_BETWEEN,   /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    SQLAST_LIKE,      /* args[0] [NOT] [I]LIKE args[1] (icase) */
    SQLAST_ANY,       /* args[0] op ANY(args[1]) (op is a comparison) */
    SQLAST_FUNC,      /* name(args) */
    SQLAST_AGG,       /* name(args | *) -> aggno (bound) */
    SQLAST_CAST,      /* args[0]::cast_type */
    SQLAST_ARRAY,     /* ARRAY[args] */
    SQLAST_STAR,      /* * in a select list / RETURNING */
    SQLAST_CASE,      /* CASE [args[0]=arg or NULL] WHEN a THEN b ... [ELSE e]: args laid out as
                       * arg, w1, t1, w2, t2, ..., else (NULL slots allowed) */
    SQLAST_SUBLINK,   /* a subquery `sub` used as an expression (sublink says how); for ANY/ALL
                       * args[0] is the left operand and op the comparison */
    SQLAST_WINFUNC,   /* name(args) OVER win -> winno (bound) */
} sqlast_kind;

/* How a subquery is used as an expression (PostgreSQL's SubLinkType). */
typedef enum sqlast_sublink {
    SQLAST_SUB_EXISTS, /* EXISTS (sub) */
    SQLAST_SUB_ANY,    /* x op ANY (sub), x IN (sub) */
    SQLAST_SUB_ALL,    /* x op ALL (sub) */
    SQLAST_SUB_EXPR,   /* (sub): its one column of its one row, NULL without rows */
    SQLAST_SUB_ARRAY,  /* ARRAY(sub) */
} sqlast_sublink;

typedef enum sqlast_op {
    SQLAST_OP_ADD, SQLAST_OP_SUB, SQLAST_OP_MUL, SQLAST_OP_DIV, SQLAST_OP_MOD, SQLAST_OP_NEG,
    SQLAST_OP_EQ, SQLAST_OP_NE, SQLAST_OP_LT, SQLAST_OP_LE, SQLAST_OP_GT, SQLAST_OP_GE,
    SQLAST_OP_CONCAT,        /* || */
    SQLAST_OP_JSON_GET,      /* -> */
    SQLAST_OP_JSON_GET_TEXT, /* ->> */
    SQLAST_OP_REGEX,         /* ~ (only for catalog queries; evaluated as a regex match) */
    SQLAST_OP_DISTINCT,      /* IS DISTINCT FROM (negate: IS NOT DISTINCT FROM), never NULL */
} sqlast_op;

typedef struct sqlast_expr sqlast_expr;
typedef struct sqlast_stmt sqlast_stmt;
typedef struct sqlast_window sqlast_window;
typedef struct sqlast_order sqlast_order;
struct sqlast_expr {
    sqlast_kind kind;
    int location;
    int op;          /* sqlast_op for OP/ANY; BOOLTEST truth value */
    bool negate;     /* NOT IN / NOT BETWEEN / NOT LIKE / IS NOT NULL / IS NOT TRUE */
    bool icase;      /* ILIKE */
    bool star;       /* count(*) */
    bool distinct;   /* count(DISTINCT x) */
    /* AGG: an ordered-set aggregate, f(direct args) WITHIN GROUP (ORDER BY x): args are the
     * direct arguments, aorder[0] the aggregated value */
    bool within_group;
    bool all;        /* ANY: op ALL (array) */
    sqlval value;    /* CONST */
    int param;       /* PARAM, 1-based */
    char *name;      /* COLUMN/EXCLUDED column, FUNC/AGG function (lower case, no schema) */
    char *qualifier; /* COLUMN: table name or alias it was qualified with, or NULL; FUNC of
                      * a SQL keyword (CURRENT_ROLE ...): the column name it gives */
    sqlval_type cast_type; /* CAST target */
    sqlval_type cast_elem; /* CAST to an array of another element type than text (oid[],
                            * int2[] ...: held as text[]): that type, for unnest's rows */
    int cast_typmod;       /* its type modifier, PostgreSQL's typmod + 1 (0: none):
                            * ::varchar(3), ::numeric(5,2), ::timestamptz(0) */
    sqlast_expr **args;
    int nargs;
    /* bound */
    int colidx;       /* COLUMN/EXCLUDED: index in the table's column list */
    int aggno;        /* AGG: index in the statement's aggregate list */
    sqlval_type type; /* result type */
    /* NULL whatever the row: a strict operator, cast or function over a NULL constant, which
     * PostgreSQL's constant folding replaces by NULL before anything runs (its other operands
     * are then never evaluated, nor their errors raised) */
    bool const_null;
    bool const_tree; /* bound: no column, parameter or aggregate below (PostgreSQL folds it) */
    bool is_default; /* CONST standing for DEFAULT (UPDATE ... SET c = DEFAULT) */
    int cost;        /* bound: PostgreSQL's qual cost of the node and its operands (sqlexpr.c) */
    /* SUBLINK */
    sqlast_expr *filter; /* AGG: FILTER (WHERE ...), owned */
    int funcid;          /* bound: FUNC of the sqlfunc.h library, + 1 (0: not one) */
    sqlast_window *win;  /* WINFUNC: its window, complete (a named window's parts copied in) */
    sqlast_order *aorder; /* AGG / WINFUNC: agg(x ORDER BY ...) */
    int naorder;
    int winno;           /* WINFUNC (bound): index in the statement's window function list */
    int sublink;      /* sqlast_sublink */
    sqlast_stmt *sub; /* owned */
    /* bound: COLUMN of an enclosing query level (1: the query around this one); the
     * planner's subplan of a SUBLINK (not owned: freed with the plan) */
    int levelsup;
    void *subplan;
    /* FUNC: a set-returning function inside a select-list expression (unnest(a) + 1): 1 + its
     * index among the ProjectSet's functions; it then reads as column colidx (sqlplan.c) */
    int srfslot;
};

typedef enum sqlast_stmt_kind {
    SQLAST_CREATE_TABLE,
    SQLAST_DROP_TABLE,
    SQLAST_ALTER_ADD_COLUMN,
    SQLAST_ALTER_DROP_COLUMN,
    SQLAST_ALTER_ADD_PK, /* ALTER TABLE t ADD [CONSTRAINT c] PRIMARY KEY (pk) */
    SQLAST_INSERT,
    SQLAST_UPDATE,
    SQLAST_DELETE,
    SQLAST_SELECT,
    SQLAST_BEGIN,
    SQLAST_COMMIT,
    SQLAST_ROLLBACK,
    SQLAST_SET,   /* name = value (value NULL for SET ... TO DEFAULT) */
    SQLAST_SHOW,  /* name ("all" for SHOW ALL) */
    SQLAST_RESET, /* name, or NULL for RESET ALL */
    SQLAST_COPY,
    SQLAST_SAVEPOINT,   /* name */
    SQLAST_RELEASE,     /* RELEASE [SAVEPOINT] name */
    SQLAST_ROLLBACK_TO, /* ROLLBACK TO [SAVEPOINT] name */
    SQLAST_DEALLOCATE,  /* name, or NULL for ALL */
    SQLAST_DISCARD,     /* name: "ALL", "PLANS", "SEQUENCES" or "TEMP" */
    SQLAST_PREPARE,     /* PREPARE name [(types)] AS query: name, value (the query's text),
                         * prep_types (type names) */
    SQLAST_EXECUTE,     /* EXECUTE name [(args)]: name, select (SELECT args, or NULL) */
    SQLAST_EXPLAIN,     /* select: the query; analyze: EXPLAIN ANALYZE */
    SQLAST_TRUNCATE,    /* names (nnames) */
    SQLAST_CREATE_VIEW, /* table, select (the query), insert_cols (column names), value (the
                         * statement's text), missing_ok: OR REPLACE */
    SQLAST_CREATE_SEQUENCE, /* table: the name, seqopts, missing_ok: IF NOT EXISTS */
    SQLAST_ALTER_SEQUENCE,  /* table, seqopts, missing_ok: IF EXISTS */
    SQLAST_DECLARE_CURSOR,  /* name, select (the query), cursor_hold: WITH HOLD */
    SQLAST_FETCH,           /* name, fetch_count (INT64_MAX: ALL), fetch_move: MOVE */
    SQLAST_CLOSE_CURSOR,    /* name, NULL for CLOSE ALL */
    SQLAST_ALTER_ADD_FK,    /* ALTER TABLE t ADD [CONSTRAINT c] FOREIGN KEY ...: fks[0] */
    SQLAST_LOCK_TABLE,      /* LOCK [TABLE] names [IN lock_mode MODE] [NOWAIT (lock_nowait)] */
    SQLAST_VACUUM,          /* VACUUM / ANALYZE [names]: is_view set for VACUUM */
    SQLAST_ALTER_DEFAULT,   /* ALTER TABLE table ALTER COLUMN cols[0].name SET DEFAULT
                             * cols[0].def | DROP DEFAULT (def NULL) */
    SQLAST_ALTER_ADD_IDENTITY, /* ... ALTER COLUMN cols[0].name ADD GENERATED cols[0].identity
                                * AS IDENTITY (cols[0].seqopts) */
    SQLAST_ALTER_ADD_CHECK, /* ALTER TABLE table ADD [CONSTRAINT name] CHECK (...): checks[0] */
    SQLAST_COMMENT,         /* COMMENT ON TABLE table / COLUMN table.column IS comment (NULL:
                             * removed) */
    SQLAST_RENAME,          /* ALTER TABLE table RENAME [COLUMN column] TO newname, or (set_schema)
                             * SET SCHEMA name */
    SQLAST_ALTER_NOT_NULL,  /* ALTER TABLE table ALTER COLUMN column SET (not_null) / DROP
                             * NOT NULL */
    SQLAST_ALTER_OWNER,     /* ALTER TABLE/SEQUENCE/VIEW table OWNER TO column (a role name;
                             * NULL: CURRENT_USER / SESSION_USER / CURRENT_ROLE) */
    SQLAST_CREATE_INDEX,    /* CREATE [UNIQUE] INDEX indexes[0] ON table; missing_ok: IF NOT
                             * EXISTS */
    SQLAST_DROP_INDEX,      /* DROP INDEX names; missing_ok: IF EXISTS */
    SQLAST_ALTER_ADD_UNIQUE, /* ALTER TABLE table ADD [CONSTRAINT name] UNIQUE (...): indexes[0] */
    SQLAST_ALTER_DROP_CONSTRAINT, /* ALTER TABLE table DROP CONSTRAINT [IF EXISTS] name */
    SQLAST_RENAME_INDEX,    /* ALTER INDEX table RENAME TO newname (table: the index) */
    SQLAST_REINDEX,         /* REINDEX INDEX | TABLE table (is_view: TABLE) */
    SQLAST_ALTER_COLUMN_TYPE, /* ALTER TABLE table ALTER COLUMN cols[0].name TYPE
                               * cols[0].type_name (the values' storage unchanged) */
    SQLAST_ROLE,            /* CREATE/ALTER/DROP ROLE, GRANT/REVOKE: role (sqlast_role) */
    SQLAST_CREATE_EXTENSION, /* CREATE EXTENSION [IF NOT EXISTS (missing_ok)] name */
    SQLAST_DROP_EXTENSION,  /* DROP EXTENSION [IF EXISTS] names [CASCADE] */
    SQLAST_CREATE_SCHEMA,   /* CREATE SCHEMA [IF NOT EXISTS (missing_ok)] [name]
                             * [AUTHORIZATION value] */
    SQLAST_DROP_SCHEMA,     /* DROP SCHEMA [IF EXISTS] names [CASCADE] */
    SQLAST_ALTER_SCHEMA,    /* ALTER SCHEMA name RENAME TO newname | OWNER TO value */
    SQLAST_CREATE_TYPE,     /* CREATE TYPE name AS ENUM (names: the labels) */
    SQLAST_ALTER_TYPE,      /* ALTER TYPE name ADD VALUE [IF NOT EXISTS (missing_ok)] value
                             * [BEFORE | AFTER (set_not_null) column] */
    SQLAST_DROP_TYPE,       /* DROP TYPE [IF EXISTS] names [CASCADE] */
    SQLAST_DO,              /* DO 'body' (value; sqldo.h's subset) */
    SQLAST_LISTEN,          /* LISTEN name */
    SQLAST_UNLISTEN,        /* UNLISTEN name, or NULL for UNLISTEN * */
    SQLAST_NOTIFY,          /* NOTIFY name [, value (the payload; NULL: none)] */
} sqlast_stmt_kind;

/* Role statements (SQLAST_ROLE). Role names as written; "" is PUBLIC, "\x01" CURRENT_USER /
 * CURRENT_ROLE, "\x02" SESSION_USER. */
enum {
    SQLAST_ROLE_CREATE = 1, /* roles[0] */
    SQLAST_ROLE_ALTER,      /* roles[0] */
    SQLAST_ROLE_RENAME,     /* roles[0] -> newname */
    SQLAST_ROLE_DROP,       /* roles; missing_ok */
    SQLAST_ROLE_GRANT,      /* privs ON objects TO roles */
    SQLAST_ROLE_REVOKE,     /* privs ON objects FROM roles */
    SQLAST_ROLE_GRANT_ROLE, /* objects (roles) TO roles */
    SQLAST_ROLE_REVOKE_ROLE,
    SQLAST_ROLE_REASSIGN,   /* REASSIGN OWNED BY roles TO newname */
    SQLAST_ROLE_DROP_OWNED, /* DROP OWNED BY roles */
};
/* which options a CREATE/ALTER ROLE gave (set) */
enum {
    SQLAST_ROPT_FLAGS = 1,      /* flag_mask bits of flags */
    SQLAST_ROPT_CONNLIMIT = 2,
    SQLAST_ROPT_PASSWORD = 4,   /* password (NULL: PASSWORD NULL) */
    SQLAST_ROPT_VALID = 8,      /* valid_until text */
};
typedef struct sqlast_role {
    int action;
    char **roles;
    int nroles;
    char **objects; /* tables / views / sequences, schemas (objkind 'n', 'A'), or granted roles */
    int nobjects;
    int objkind;    /* 't' TABLE (or none), 's' SEQUENCE, 'n' SCHEMA, 'A' ALL TABLES IN SCHEMA,
                     * 'D' ALTER DEFAULT PRIVILEGES: objects are the FOR ROLE names (none: the
                     * current role), defobj 'r' TABLES / 'S' SEQUENCES, in_schema IN SCHEMA
                     * public */
    int defobj;
    bool in_schema;
    unsigned privs; /* sqlrole.h SQLPRIV_* bits; 0: ALL [PRIVILEGES] (with no column list) */
    bool all_privs;    /* ALL [PRIVILEGES] was written */
    bool grant_option; /* WITH GRANT / ADMIN OPTION; on REVOKE: GRANT / ADMIN OPTION FOR */
    bool cascade;      /* REVOKE ... CASCADE */
    bool table_privs;  /* privileges on the object itself were named (else only columns) */
    char **cols;       /* column privileges: SELECT (a, b) ... one entry per column named */
    unsigned *colprivs;
    int ncols;
    bool missing_ok;
    bool is_user; /* CREATE USER: LOGIN unless said otherwise */
    unsigned set;
    unsigned flag_mask, flags; /* SQLROLE_* */
    int64_t connlimit;
    char *password;
    char *valid_until;
    char *newname;
} sqlast_role;

/* An index: CREATE INDEX, or a UNIQUE constraint (CREATE TABLE's, a column's, ALTER TABLE
 * ADD). */
typedef struct sqlast_index {
    char *name; /* NULL: chosen as PostgreSQL does (<table>_<cols>_key / _idx) */
    bool unique, constraint, concurrent;
    bool gin;     /* USING gin */
    char **cols;  /* key columns ("" for an expression) */
    char **exprs; /* per key column: an expression's text as written, else NULL (nexprs) */
    int nexprs;
    uint8_t *opt; /* per key column: 1 DESC, 2 NULLS FIRST (sqlindex.h) */
    int ncols;
    char **include;
    int ninclude;
    int location;
} sqlast_index;

/* CREATE / ALTER SEQUENCE options, and an identity column's (sequence options in parentheses). */
typedef struct sqlast_seqopts {
    int type_len; /* AS smallint / integer / bigint: 2, 4, 8; 0 not given */
    bool has_start, has_inc, has_min, has_max, has_cache, has_cycle, no_min, no_max;
    int64_t start, inc, min, max, cache;
    bool cycle;
    bool has_restart, restart_default; /* RESTART [WITH n]: without n, the start value */
    int64_t restart;
    bool has_owned, owned_none; /* OWNED BY table.column | NONE */
    char *owned_table, *owned_col;
    char *seq_name; /* an identity's SEQUENCE NAME (schema public dropped), NULL: chosen */
} sqlast_seqopts;

/* FOREIGN KEY (cols) REFERENCES ref_table [(ref_cols)] (a column's REFERENCES: its name). */
typedef struct sqlast_fk {
    char *name; /* CONSTRAINT name, NULL: chosen */
    char **cols;
    int ncols;
    char *ref_table;
    char **ref_cols; /* NULL: the referenced table's primary key */
    int nref;
    char on_delete, on_update; /* PostgreSQL's letters: a no action, r restrict, c cascade, n set
                                * null, d set default */
    bool deferrable, deferred;
    int location;
} sqlast_fk;

typedef struct sqlast_coldef {
    char *name;
    char *type_name; /* as written, lower case, e.g. "bigint", "g_counter", "text[]" */
    bool not_null;
    bool primary_key; /* column-level PRIMARY KEY */
    sqlast_expr *def; /* DEFAULT expression or NULL */
    int location;
    int typmod;             /* PostgreSQL's typmod + 1 of varchar(n), numeric(p,s),
                             * timestamptz(p) (0: none); type_name then carries it too */
    int serial;             /* serial / bigserial / smallserial: 4, 8, 2 (type_name is then
                             * integer, bigint, smallint); 0 otherwise */
    char identity;          /* GENERATED 'a' ALWAYS / 'd' BY DEFAULT AS IDENTITY, 0 */
    sqlast_seqopts *seqopts; /* the identity's sequence options, NULL */
} sqlast_coldef;

void sqlast_fk_clear(sqlast_fk *fk);

/* A CHECK constraint of CREATE TABLE (a column's too) or ALTER TABLE ADD CONSTRAINT. */
typedef struct sqlast_check {
    char *name;       /* CONSTRAINT name, NULL: chosen */
    char *text;       /* the expression as written, between CHECK's parentheses */
    sqlast_expr *expr;
    char *column;     /* the column a column constraint was written on, NULL */
    int location;
} sqlast_check;

typedef struct sqlast_target {
    char *name;        /* alias (select list / RETURNING) or the assigned column (SET) */
    sqlast_expr *expr; /* NULL for an INSERT column list entry */
    int location;
} sqlast_target;

struct sqlast_order {
    sqlast_expr *expr;
    bool desc;
    int nulls; /* 0 default (NULLS LAST for ASC, FIRST for DESC), 1 first, 2 last */
};

/* OVER (PARTITION BY ... ORDER BY ... frame). frame holds PostgreSQL's FRAMEOPTION_* bits. */
enum {
    SQLAST_FRAME_NONDEFAULT = 0x1, SQLAST_FRAME_RANGE = 0x2, SQLAST_FRAME_ROWS = 0x4,
    SQLAST_FRAME_GROUPS = 0x8, SQLAST_FRAME_BETWEEN = 0x10,
    SQLAST_FRAME_START_UNBOUNDED_PRECEDING = 0x20, SQLAST_FRAME_END_UNBOUNDED_PRECEDING = 0x40,
    SQLAST_FRAME_START_UNBOUNDED_FOLLOWING = 0x80, SQLAST_FRAME_END_UNBOUNDED_FOLLOWING = 0x100,
    SQLAST_FRAME_START_CURRENT_ROW = 0x200, SQLAST_FRAME_END_CURRENT_ROW = 0x400,
    SQLAST_FRAME_START_OFFSET_PRECEDING = 0x800, SQLAST_FRAME_END_OFFSET_PRECEDING = 0x1000,
    SQLAST_FRAME_START_OFFSET_FOLLOWING = 0x2000, SQLAST_FRAME_END_OFFSET_FOLLOWING = 0x4000,
    SQLAST_FRAME_EXCLUDE_CURRENT_ROW = 0x8000, SQLAST_FRAME_EXCLUDE_GROUP = 0x10000,
    SQLAST_FRAME_EXCLUDE_TIES = 0x20000, SQLAST_FRAME_EXCLUDE = 0x38000,
};

struct sqlast_window {
    sqlast_expr **partition;
    int npartition;
    sqlast_order *order;
    int norder;
    int frame;
    sqlast_expr *start, *end; /* frame offsets */
    int location;
};

enum { SQLAST_CONFLICT_NONE = 0, SQLAST_CONFLICT_NOTHING = 1, SQLAST_CONFLICT_UPDATE = 2 };

/* A FROM item. */
typedef enum sqlast_from_kind {
    SQLAST_FROM_REL,      /* [schema.]name */
    SQLAST_FROM_SUBQUERY, /* (sub) AS alias */
    SQLAST_FROM_FUNC,     /* func(args) [WITH ORDINALITY] AS alias */
    SQLAST_FROM_JOIN,     /* larg JOIN rarg ON quals | USING (...) | NATURAL */
} sqlast_from_kind;

typedef enum sqlast_join_type {
    SQLAST_JOIN_INNER, /* also CROSS JOIN and comma (no quals) */
    SQLAST_JOIN_LEFT,
    SQLAST_JOIN_RIGHT,
    SQLAST_JOIN_FULL,
} sqlast_join_type;

typedef struct sqlast_from sqlast_from;
struct sqlast_from {
    sqlast_from_kind kind;
    int location;
    char *schema, *name; /* REL */
    char *alias;         /* AS alias (JOIN: a join alias) */
    char **colnames;     /* AS alias (c1, c2, ...) */
    int ncolnames;
    bool lateral;
    bool ordinality;   /* FUNC WITH ORDINALITY */
    sqlast_stmt *sub;  /* SUBQUERY, owned */
    sqlast_expr *func; /* FUNC: the call (a SQLAST_FUNC node), owned */
    sqlast_join_type jointype;
    sqlast_from *larg, *rarg; /* JOIN, owned */
    sqlast_expr *quals;       /* JOIN ... ON */
    char **using_cols;        /* JOIN ... USING (...) */
    int nusing;
    bool natural;
    /* FUNC AS alias(name type, ...): a column definition list (jsonb_to_record ...) */
    char **defnames;
    sqlval_type *deftypes;
    int ndef, defloc; /* defloc: where the list starts (error cursors) */
};

typedef enum sqlast_setop {
    SQLAST_SETOP_NONE = 0,
    SQLAST_SETOP_UNION,
    SQLAST_SETOP_INTERSECT,
    SQLAST_SETOP_EXCEPT,
} sqlast_setop;

/* WITH name [(cols)] AS (query) */
typedef struct sqlast_cte {
    char *name;
    char **colnames;
    int ncolnames;
    sqlast_stmt *query; /* owned */
    int location;
} sqlast_cte;

struct sqlast_stmt {
    sqlast_stmt_kind kind;
    int location; /* offset of the statement in the query string */
    int length;   /* its length in bytes (to the end when the parser reports 0) */

    char *schema;     /* table's schema as written, or NULL */
    char *table;      /* CREATE/DROP/ALTER/INSERT/UPDATE/DELETE/SELECT (NULL: no FROM)/COPY */
    int table_loc;    /* 1 + offset of the table name in the query (error cursors), 0: unknown */
    /* SELECT ... FOR UPDATE / NO KEY UPDATE (1), FOR SHARE / KEY SHARE (2), none (0); what to
     * do with a row another transaction holds: wait (0), NOWAIT (1), SKIP LOCKED (2) */
    int row_lock, row_lock_policy;
    char *alias;      /* SELECT ... FROM t AS alias, UPDATE t AS alias */
    bool missing_ok;  /* IF EXISTS / IF NOT EXISTS */
    bool cascade;     /* DROP ... CASCADE */

    /* CREATE TABLE; ALTER ADD COLUMN uses cols[0] */
    sqlast_coldef *cols;
    int ncols;
    char **pk; /* table-level PRIMARY KEY (...) column names */
    int npk;
    int pk_location;

    /* DROP TABLE / DROP VIEW (is_view): several names; table == names[0] */
    char **names;
    int nnames;
    bool is_view;
    bool is_sequence; /* DROP SEQUENCE */
    bool set_schema;  /* RENAME: ALTER TABLE | VIEW | SEQUENCE table SET SCHEMA name */
    bool owner_to;    /* ALTER_TYPE: ALTER TYPE name OWNER TO value (a role) */
    sqlast_seqopts *seqopts; /* CREATE / ALTER SEQUENCE */
    bool overriding_system; /* INSERT ... OVERRIDING SYSTEM VALUE */
    sqlast_fk *fks;         /* CREATE TABLE's FOREIGN KEYs (REFERENCES of columns included) */
    int nfks;
    bool cursor_hold;       /* DECLARE ... WITH HOLD */
    /* BEGIN / SET TRANSACTION: READ ONLY, and a snapshot for the whole block (REPEATABLE READ
     * or SERIALIZABLE, which HeliosDB gives to read-only transactions) */
    bool txn_read_only, txn_snapshot;
    bool txn_iso_given; /* BEGIN named an isolation level (else the session's default counts) */
    bool txn_serializable; /* that level is SERIALIZABLE (txn_snapshot is set too) */
    int lock_mode;          /* LOCK TABLE: sqllock.h SQLLOCK_* (PostgreSQL's mode numbers) */
    bool lock_nowait;
    int64_t fetch_count;    /* FETCH / MOVE: rows forward */
    bool fetch_move;

    /* ALTER DROP COLUMN */
    char *column;
    /* CREATE TABLE / ALTER TABLE ADD CONSTRAINT: CHECK constraints; COMMENT ON: the text */
    sqlast_check *checks;
    int nchecks;
    /* CREATE TABLE's UNIQUE constraints; CREATE INDEX and ADD UNIQUE: indexes[0] */
    sqlast_index *indexes;
    int nindexes;
    sqlast_role *role; /* SQLAST_ROLE */
    char *comment;
    char *newname;     /* RENAME */
    bool set_not_null; /* ALTER_NOT_NULL: SET (true) or DROP */

    /* INSERT: column list (NULL = all, in table order), rows of values */
    char **insert_cols;
    int ninsert_cols;
    sqlast_expr ***rows; /* rows[r][c]; a NULL entry means DEFAULT */
    int nrows;
    int nvalues; /* values per row */
    int on_conflict;
    char **conflict_cols;
    int nconflict_cols;
    sqlast_target *conflict_set;
    int nconflict_set;
    sqlast_expr *conflict_where;

    /* UPDATE */
    sqlast_target *set;
    int nset;

    /* UPDATE / DELETE / SELECT */
    sqlast_expr *where;

    /* SELECT list, or RETURNING of INSERT/UPDATE/DELETE */
    sqlast_target *targets;
    int ntargets;
    sqlast_expr **group;
    int ngroup;
    /* GROUPING SETS / ROLLUP / CUBE: ngsets sets, each a mask of the group[] entries it holds
     * (0: the empty set, the grand total); ngsets 0: a plain GROUP BY of every entry */
    uint64_t *gsets;
    int ngsets;
    sqlast_expr *having;
    sqlast_order *order;
    int norder;
    sqlast_expr *limit;
    bool limit_ties; /* FETCH FIRST n ROWS WITH TIES */
    sqlast_expr *offset;

    /* SET / SHOW / RESET */
    char *name;
    char *value; /* SET: values joined with ", " as PostgreSQL shows them; PREPARE: the query */
    char **prep_types; /* PREPARE name (types): the type names as written */
    int nprep_types;
    int prep_offset; /* PREPARE: where the query starts in the text parsed (0-based) */
    int *prep_type_locs; /* ... and where each type name is (-1: unknown) */
    bool set_local;
    int nset_values; /* SET: how many comma-separated values (a list setting takes several) */

    /* COPY */
    bool copy_from; /* FROM STDIN (else TO STDOUT) */
    bool csv;
    bool binary;    /* COPY ... (FORMAT binary) */
    bool header;
    char delimiter;  /* '\t' text, ',' csv unless given */
    char *null_str;  /* "\\N" text, "" csv unless given */
    char quote;      /* csv quote, '"' */
    char **copy_cols;
    int ncopy_cols;

    /* bound */
    /* SELECT as a relational query (sqlplan.h): FROM items (a single plain table is also
     * named by `table` above, for the statements that take only one), set operations (this
     * statement is then only larg op rarg plus ORDER BY / LIMIT), VALUES lists (rows,
     * nvalues), WITH, DISTINCT [ON]. INSERT ... SELECT: `select`. */
    sqlast_from **from;
    int nfrom;
    int setop; /* sqlast_setop */
    bool setop_all;
    sqlast_stmt *larg, *rarg;
    bool is_values;
    sqlast_cte *ctes;
    int nctes;
    bool recursive;
    bool distinct; /* DISTINCT (distinct_on NULL) or DISTINCT ON (distinct_on) */
    sqlast_expr **distinct_on;
    int ndistinct_on;
    sqlast_stmt *select; /* INSERT ... SELECT, EXPLAIN's query, owned */
    bool analyze;        /* EXPLAIN ANALYZE */

    /* bound */
    int nparams;              /* highest $n seen */
    sqlval_type *param_types; /* nparams entries; SQLVAL_UNKNOWN until inferred */
    sqlast_expr **aggs;       /* aggregates of SELECT (borrowed pointers into the tree) */
    int naggs;
    sqlast_expr **wins;       /* window functions of SELECT (borrowed) */
    int nwins;
};

void sqlast_seqopts_free(sqlast_seqopts *o);
sqlast_expr *sqlast_expr_new(sqlast_kind kind, int location);
void sqlast_expr_free(sqlast_expr *e);
/* Appends a child; returns 0 or -1 on allocation failure (child not taken). */
int sqlast_expr_add_arg(sqlast_expr *e, sqlast_expr *child);
void sqlast_stmt_free(sqlast_stmt *s);
void sqlast_role_free(sqlast_role *r); /* NULL is fine */
void sqlast_from_free(sqlast_from *f);
void sqlast_window_free(sqlast_window *w);
sqlast_window *sqlast_window_dup(const sqlast_window *w);
/* Name of a statement kind for command tags and messages ("INSERT", "CREATE TABLE"). */
const char *sqlast_stmt_tag(const sqlast_stmt *s);
/* Deep copies of an unbound (freshly parsed) tree, for the statement cache: owned by the
 * caller; NULL when out of memory. The bound aggregate list is not copied (planning rebuilds
 * it). */
sqlast_expr *sqlast_expr_dup(const sqlast_expr *e);
sqlast_stmt *sqlast_stmt_dup(const sqlast_stmt *s);
/* Calls fn once for every location field of s (statement, key, column definitions, targets)
 * and every expression node, parents before children; e is NULL for a non-expression field.
 * Used by the statement cache to re-point a cached tree at a new query text. s->length is
 * not visited (it is a length, not an offset). */
typedef void (*sqlast_walk_fn)(void *ctx, sqlast_expr *e, int *location);
void sqlast_stmt_walk(sqlast_stmt *s, sqlast_walk_fn fn, void *ctx);

#endif
