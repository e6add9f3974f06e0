/*
 * server/sql/sqlschema.h — table definitions: SQL types -> CRDT kinds, and the catalog codec.
 *
 * A table has a primary key (one or several scalar columns, always NOT NULL) and columns; every
 * non-key column is a CRDT (DESIGN §3): scalar types are LWW registers of that type, the CRDT
 * type names pick the other kinds. Each column has a small id that is never reused, so a CRDT
 * row keyed by column id stays meaningful across ADD/DROP COLUMN on every replica.
 *
 * Catalog encoding (stored in storage's catalog column family and replicated like any other
 * commit). Canonical and versioned; the decoder is bounded and strict:
 *
 *   size     meaning
 *   1        format version (SQLSCHEMA_FORMAT = 1)
 *   4        table id (u32 big-endian, >= 1)
 *   var      table name (uvarint length <= 63, bytes)
 *   2        next column id (u16)
 *   var      column count (uvarint, 1..1600)
 *   per column, in table order:
 *     2      column id (u16, < next column id, unique)
 *     var    name (uvarint length <= 63, bytes; unique in the table)
 *     var    declared type name (uvarint length <= 63, e.g. "bigint", "g_counter")
 *     1      flags: bit0 NOT NULL, bit1 has DEFAULT, bit2 DEFAULT now(), bit3 hidden (row id),
 *            bit4 DEFAULT nextval(sequence), bit5 identity ALWAYS, bit6 identity BY DEFAULT
 *     1      primary-key position + 1 (0 = not in the key); positions 0..npk-1 each once
 *     var    DEFAULT value in text form (uvarint length <= 65536), only when bit1 is set
 *     4      the sequence's id (u32), only when bit4 is set
 *
 * A view (format 2) has no key and ends with its CREATE VIEW text (uvarint length, bytes). A
 * sequence (format 3) has PostgreSQL's sequence columns (last_value, log_cnt, is_called; no
 * key) and ends with its parameters: type (u8: 2, 4 or 8 bytes), start, increment, minvalue,
 * maxvalue, cache (svarints), cycle (u8), stride (u16), owner table id (u32, 0 none) and
 * column id (u16), then the restart: generation (u64, the HLC of the setval / ALTER ...
 * RESTART that made it; 0 none), value (svarint), is_called (u8). A table with foreign keys
 * (format 4) ends with their count (uvarint, 1..32) and each: name (uvarint length <= 63),
 * oid (u32, from the table id allocator), column count n (u8, 1..32), n column ids (u16), the referenced table id (u32), n referenced
 * column ids (u16), ON DELETE and ON UPDATE actions (u8, PostgreSQL's letters) and flags (u8:
 * bit0 DEFERRABLE, bit1 INITIALLY DEFERRED). A table with CHECK constraints or comments (format
 * 5) is format 4 with a key count that may be 0, then the table's comment (uvarint length,
 * 0: none), the column comments (uvarint count; each column id u16, text uvarint length >= 1)
 * the checks (uvarint count <= 64; each name, oid u32, expression text), and the DEFAULTs
 * written other than now() (uvarint count; each column id u16, SQLSCHEMA_NOW_* u8 >= 1).
 *
 * Any format may carry the generation of the definition (the HLC of the statement that wrote
 * it): the version byte then has SQLSCHEMA_FORMAT_GEN (0x80) set and a u64 (non-zero) ends
 * the entry. The catalog merge orders two versions of one table by it once neither adds nor
 * drops columns over the other, so the later ALTER (a type, a NOT NULL, a default, a CHECK)
 * wins on every region and after every restart; before, the larger bytes did, and an ALTER
 * could come back undone when the catalog was read again.
 *
 * A table, view or sequence in another schema than public carries it: the version byte has
 * SQLSCHEMA_FORMAT_NSP (0x40) set and, after the generation (if any), the schema's oid (u32,
 * not 2200); a view then also records the schemas its names were resolved in when it was
 * created (its search path: uvarint count <= 16, then u32 oids), as PostgreSQL binds a view's
 * names once. A view in public whose search path was not just public carries the flag too.
 * Without the flag: schema public, and a view's path is public alone.
 *
 * The CRDT kind and value type are derived from the type name on decode (one source of truth).
 * Errors: SQL_ERR with 42P16 (invalid table definition), 42701 (duplicate column), 42703
 * (unknown key column), 42704 (unknown type), 0A000 (unsupported: CRDT column in the key,
 * DEFAULT on a CRDT column), XX001 (corrupt catalog entry), 53200.
 */
#ifndef HELIOS_SERVER_SQL_SQLSCHEMA_H
#define HELIOS_SERVER_SQL_SQLSCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "server/sql/sqlast.h"
#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

#define SQLSCHEMA_FORMAT 1
#define SQLSCHEMA_FORMAT_VIEW 2 /* a view: the table encoding without key, then the view's SQL */
#define SQLSCHEMA_FORMAT_SEQ 3  /* a sequence: its columns without key, then its parameters */
#define SQLSCHEMA_FORMAT_FK 4   /* a table with foreign keys: format 1, then the keys */
#define SQLSCHEMA_FORMAT_EXT 5  /* a table with CHECKs or comments: format 4 (0 keys allowed),
                                 * then the comments and the checks */
#define SQLSCHEMA_FORMAT_GEN 0x80 /* or'ed into any format: a u64 generation ends the entry */
#define SQLSCHEMA_FORMAT_NSP 0x40 /* or'ed into any format: the schema (and a view's path) */
#define SQLSCHEMA_NSP_PUBLIC 2200u
#define SQLSCHEMA_PATH_MAX 16
#define SQLSCHEMA_MAX_CHECKS 64
#define SQLSCHEMA_MAX_FKS 32
#define SQLSCHEMA_NAME_MAX 63
#define SQLSCHEMA_MAX_COLUMNS 1600

typedef enum sqlschema_kind {
    SQLSCHEMA_LWW = 1,     /* LWW-Register of the declared scalar type (lww_register: text) */
    SQLSCHEMA_G_COUNTER,   /* reads as bigint */
    SQLSCHEMA_PN_COUNTER,  /* reads as bigint */
    SQLSCHEMA_MV_REGISTER, /* reads as text[] */
    SQLSCHEMA_OR_SET,      /* reads as text[] */
    SQLSCHEMA_AW_SET,      /* reads as text[] */
    SQLSCHEMA_LWW_MAP,     /* reads as jsonb */
} sqlschema_kind;

typedef struct sqlschema_column {
    uint16_t id;
    char *name;
    char *type_name; /* canonical declared name: "bigint", "text", "g_counter", ... */
    sqlschema_kind kind;
    sqlval_type type; /* what the column reads as */
    bool not_null;
    int pk_pos;       /* position in the primary key, -1 when not a key column */
    bool has_default;
    bool default_now; /* DEFAULT now() / CURRENT_TIMESTAMP / CURRENT_DATE ...: the
                       * transaction's start, as the column's type, per row */
    bool default_uuid; /* DEFAULT gen_random_uuid(): a new version 4 uuid per row */
    bool hidden;      /* the row id of a table created without a primary key (below) */
    int32_t typmod;       /* varchar(n), numeric(p,s), timestamptz(p): PostgreSQL's typmod,
                           * -1 without; the modifier is part of type_name */
    uint32_t default_seq; /* DEFAULT nextval(sequence id): serial, identity (0: none) */
    char identity;        /* 'a' GENERATED ALWAYS, 'd' BY DEFAULT AS IDENTITY, 0 */
    sqlval default_value;
    char *comment; /* COMMENT ON COLUMN, NULL: none */
    /* default_now: how it was written, as pg_get_expr gives it back (SQLSCHEMA_NOW_*);
     * default_uuid: gen_random_uuid() or uuid_generate_v4() (SQLSCHEMA_UUID_*) */
    uint8_t now_fn;
} sqlschema_column;

enum { /* sqlschema_column.now_fn */
    SQLSCHEMA_NOW_NOW, /* now() */
    SQLSCHEMA_NOW_CURRENT_TIMESTAMP,
    SQLSCHEMA_NOW_CURRENT_DATE,
    SQLSCHEMA_NOW_LOCALTIMESTAMP,
    SQLSCHEMA_NOW_LOCALTIME,
    SQLSCHEMA_NOW_TRANSACTION_TIMESTAMP,
    SQLSCHEMA_NOW_STATEMENT_TIMESTAMP,
    SQLSCHEMA_NOW_MAX = SQLSCHEMA_NOW_STATEMENT_TIMESTAMP
};
/* A default_uuid column's now_fn: how its DEFAULT was written */
enum { SQLSCHEMA_UUID_GEN_RANDOM = 0, SQLSCHEMA_UUID_V4 = 1 /* uuid_generate_v4() */ };
/* A column type's name as users see it: an enum column's canonical "enum:<oid>:<name>" is
 * <name>; others are themselves. */
const char *sqlschema_type_display(const char *type_name);
/* The SQL text of a default_now column's DEFAULT (now(), CURRENT_DATE ...). */
const char *sqlschema_now_text(const sqlschema_column *c);

/* A CHECK constraint: its boolean expression over the table's plain (LWW) columns, kept as
 * the SQL text written between CHECK's parentheses and bound again where rows are written
 * (sqlrun.c "check constraints"). Checked in the region that writes the row, like a foreign
 * key. */
typedef struct sqlschema_check {
    char *name;
    uint32_t oid;   /* from the table id allocator: pg_constraint's oid */
    char *expr;
} sqlschema_check;

/* A sequence's parameters (PostgreSQL's pg_sequence) and what HeliosDB adds: stride, the
 * number of regions its values interleave over (values unique across regions without
 * coordination: sqlexec.c "sequences"), and its restart point (setval, ALTER ... RESTART). */
typedef struct sqlschema_seq {
    int type_len; /* 2, 4, 8: smallint, integer, bigint */
    int64_t start, increment, min, max, cache;
    bool cycle;
    uint16_t stride;
    uint32_t owner_table; /* OWNED BY table.column (serial, identity): dropped with it */
    uint16_t owner_col;
    uint64_t restart_gen; /* 0: never restarted */
    int64_t restart_value;
    bool restart_called;
} sqlschema_seq;

typedef struct sqlschema_table {
    uint32_t id;
    uint64_t gen; /* HLC of the statement that wrote this version (0: none recorded) */
    char *name;
    uint16_t next_col_id;
    sqlschema_column *cols;
    int ncols;
    int pk[32]; /* column indexes in key order */
    int npk;
    /* a view (npk 0): its CREATE VIEW statement, planned as a subquery where the view is named;
     * its columns are the query's output columns at creation */
    char *view_sql;
    sqlschema_seq *seq; /* a sequence (npk 0), NULL otherwise */
    struct sqlschema_fk *fks; /* FOREIGN KEYs of this table (it references others) */
    int nfks;
    sqlschema_check *checks;
    int nchecks;
    char *comment; /* COMMENT ON TABLE, NULL: none */
    uint32_t nsp;  /* the schema's oid (0 is public: sqlschema_nsp) */
    /* a view: the schemas its names resolve in (the search path it was created under; NULL:
     * public alone) */
    uint32_t *view_path;
    int nview_path;
} sqlschema_table;

static inline uint32_t sqlschema_nsp(const sqlschema_table *t)
{
    return t->nsp ? t->nsp : SQLSCHEMA_NSP_PUBLIC;
}

/* A foreign key: cols of this table reference the primary key of ref_table (ref_cols, its
 * key columns in the order the constraint pairs them). Checked in the region that writes
 * (sqlrun.c "foreign keys"). */
typedef struct sqlschema_fk {
    char *name;
    uint32_t oid;          /* from the table id allocator: pg_constraint's oid */
    int ncols;
    uint16_t cols[32];     /* column ids of this table */
    uint32_t ref_table;
    uint16_t ref_cols[32]; /* column ids of ref_table */
    char on_delete, on_update;
    bool deferrable, deferred;
} sqlschema_fk;

/* A sequence named name from CREATE SEQUENCE options (or a serial / identity column's, with
 * type_len from the column), validated as PostgreSQL does (22023 for contradictory bounds). */
int sqlschema_seq_new(const char *name, uint32_t id, const sqlast_stmt *create, int type_len,
                      uint16_t stride, sqlschema_table **out, sqlerr *err);
/* The sequence name of DEFAULT nextval('name') / nextval('name'::regclass), else NULL. */
const char *sqlschema_nextval_arg(const sqlast_expr *e);
/* column_from_def's mark on a serial, identity or nextval column: the caller resolves it */
#define SQLSCHEMA_SEQ_PENDING UINT32_MAX
/* ALTER SEQUENCE options applied to seq (same checks); restart_gen is the caller's. */
int sqlschema_seq_alter(sqlschema_table *t, const sqlast_stmt *alter, sqlerr *err);

/* Declared type name -> kind and read type, plus its canonical spelling (static string).
 * Returns SQL_ERR 42704 `type "x" does not exist` for unknown names. */
int sqlschema_type_resolve(const char *type_name, sqlschema_kind *kind, sqlval_type *type,
                           const char **canonical, sqlerr *err);
/* The typmod a canonical type name carries ("character varying(3)", "numeric(5,2)",
 * "timestamp(0) with time zone"), -1 for none. */
int32_t sqlschema_typmod_of(const char *type_name);
/* A value v of a column's type made to fit its modifier, as PostgreSQL's length and precision
 * coercions do: varchar(n) refuses a longer value (22001) unless only spaces are cut, or cuts
 * it on an explicit cast; numeric(p,s) rounds to s decimals, 22003 when the integer part
 * does not fit; timestamptz(p) rounds to p fractional digits. typmod -1: nothing to do. */
int sqlschema_typmod_apply(sqlval *v, int32_t typmod, bool explicit_cast, sqlerr *err);
/* Builds a table from CREATE TABLE, validating it. *out is owned by the caller. */
int sqlschema_from_create(const sqlast_stmt *create, uint32_t id, sqlschema_table **out,
                          sqlerr *err);
/* ALTER TABLE ADD COLUMN: a new non-key column with the next id (42701 if it exists). */
int sqlschema_add_column(sqlschema_table *t, const sqlast_coldef *def, sqlerr *err);
/* ALTER TABLE DROP COLUMN (42703 unknown, 0A000 key column). */
int sqlschema_drop_column(sqlschema_table *t, const char *name, sqlerr *err);
/* Adds CHECK constraint k (bound and validated here: a boolean expression over t's plain
 * columns, without subqueries, aggregates or window functions) as oid; named as PostgreSQL's
 * ChooseConstraintName does when k has no name (table_column_check). 42P07 for a name the
 * table's constraints have (worded as CREATE TABLE or ALTER TABLE words it: creating). */
int sqlschema_add_check(sqlschema_table *t, sqlast_check *k, uint32_t oid, bool creating,
                        sqlerr *err);
/* ALTER COLUMN SET DEFAULT def (NULL: DROP DEFAULT) on column ci, checked as CREATE TABLE
 * checks a DEFAULT; a nextval(...) default leaves default_seq SQLSCHEMA_SEQ_PENDING for the
 * caller to resolve. 42601 on an identity column. */
int sqlschema_set_default(sqlschema_table *t, int ci, const sqlast_expr *def, sqlerr *err);
int sqlschema_find_column(const sqlschema_table *t, const char *name); /* index or -1 */

/* A table created without a primary key gets a hidden one, the row id: (helios_rowid bigint,
 * helios_rowid_node integer), a timestamp of the inserting node's hybrid logical clock (unique
 * and increasing on that node) and the node's id, so ids are unique across regions without
 * coordination. Hidden columns are left out of SELECT *, INSERT and COPY column lists and the
 * catalogs; they can be named. ALTER TABLE ... ADD PRIMARY KEY replaces them. */
#define SQLSCHEMA_ROWID "helios_rowid"
#define SQLSCHEMA_ROWID_NODE "helios_rowid_node"
bool sqlschema_has_rowid(const sqlschema_table *t);
/* ALTER TABLE ... ADD PRIMARY KEY (cols) on a table with a row id: the row id columns removed,
 * cols made the key (NOT NULL, key types only). 42P16 when t already has a real key. */
int sqlschema_set_primary_key(sqlschema_table *t, char *const *cols, int n, int location,
                              sqlerr *err);
int sqlschema_visible_columns(const sqlschema_table *t);
/* The highest id node allocated that t holds: its own, or one of its foreign keys' oids (the
 * allocator goes on after it); 0 for none. */
uint32_t sqlschema_max_id(const sqlschema_table *t, uint16_t node);
int sqlschema_copy(const sqlschema_table *t, sqlschema_table **out, sqlerr *err);
void sqlschema_free(sqlschema_table *t);

/* Appends the encoding to b (CRDT_ENOMEM latched in b->err). */
int sqlschema_encode(const sqlschema_table *t, codec_buf *b);
/* Decodes exactly len bytes. Returns SQL_OK or SQL_ERR (XX001 corrupt, 53200). */
int sqlschema_decode(const uint8_t *p, size_t len, sqlschema_table **out, sqlerr *err);

#endif
