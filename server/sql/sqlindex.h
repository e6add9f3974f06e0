/*
 * server/sql/sqlindex.h — secondary indexes: definitions, their catalog codec, the
 * order-preserving entry encoding, and the registry that gives storage each row's entries.
 *
 * An index is a catalog entry of its own ("index." + u32 BE oid), not part of its table's
 * definition, so CREATE INDEX in one region and ALTER TABLE in another never overwrite each
 * other (catalog_merge keeps both keys). DROP INDEX writes the tombstone {0x00}, like DROP
 * TABLE. Storage keeps the entries (storage.h, "secondary indexes"): it asks the registry
 * for the entries of every row state it writes, on every path (local and remote commits,
 * snapshot and anti-entropy imports), so an index is a pure function of the merged rows and
 * converged regions hold identical indexes. The registry mirrors the catalog as storage
 * writes it (hooks.catalog runs on the writer thread, before later commits), so a row written
 * after an index's catalog entry is always maintained; rows before it are covered by the
 * online build.
 *
 * Entry key (after the u32 BE index oid), per key column in index order:
 *   1 byte   NULL marker: 0x01 value; NULL sorts as 0x02 (NULLS LAST) or 0x00 (NULLS FIRST)
 *   n bytes  the value's order-preserving encoding (absent for NULL), every byte inverted
 *            for a DESC column: bool/integers/oid/date/time/timestamp[tz] as keycodec int or
 *            bool, real/double as keycodec float (NaN above every number, -0 = 0), text,
 *            varchar, name and "char" as keycodec text (bytewise order: the C collation
 *            HeliosDB sorts text by), bytea and uuid as keycodec bytes, numeric as a class
 *            byte (-Inf, negative, zero, positive, +Inf, NaN), then for non-zero finite
 *            values the decimal exponent (i32 sign-flipped BE, complemented when negative)
 *            and the significant digits 1..10 (complemented when negative) ended by 0x00
 *            (0xFF when negative): equal numerics (1.0, 1.00) encode equally
 * then the row's primary key bytes (entries of equal values stay distinct, in pk order). A gin
 * index (USING gin on an aw_set, or_set, mv_register or text[] column) has one entry per element
 * of the row's visible value instead, the element as text (NULL elements have none), so
 * `'x' = ANY(col)` and `col @> ARRAY['x', ...]` find the rows holding 'x'. The
 * value of an entry is the pk. Each column's encoding is prefix-free, so composite entries
 * sort column by column and "the entries for these leading values" is a key prefix.
 *
 * Catalog value (strict, bounded decoder):
 *   1 version (SQLINDEX_FORMAT, 0x49: never a table definition's), u64 generation (the HLC
 *   of the statement that wrote it: of two versions of one index, the later CREATE or RENAME
 *   wins the catalog merge), u32 oid, u32 table id, name (uvarint length <= 63, bytes),
 *   1 flags (bit0 UNIQUE, bit1 made by a UNIQUE constraint, bit2 gin, bit3 expression keys),
 *   1 key column count n (1..32), n x (u16 column id, u8 options: bit0 DESC, bit1 NULLS
 *   FIRST, then with bit3 for a column id 0: the expression's text, uvarint length 1..4096),
 *   1 INCLUDE count m (0..32), m x u16 id.
 *
 * Expression keys (`(lower(email))`, `((meta->>'lang'))`): the text is parsed and bound over
 * the table wherever entries are computed (sqlindex_exprs) and evaluated on each row; only
 * immutable constructs are accepted (sqlindex_expr_check), so an entry stays a pure function of
 * the row.
 */
#ifndef HELIOS_SERVER_SQL_SQLINDEX_H
#define HELIOS_SERVER_SQL_SQLINDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "server/sql/sqlerr.h"
#include "server/sql/sqlschema.h"
#include "server/sql/sqlval.h"
#include "storage/storage.h"

#define SQLINDEX_FORMAT 0x49 /* 'I': never a table format (1..5) */
#define SQLINDEX_MAX_COLUMNS 32
#define SQLINDEX_KEY_PREFIX "index."
#define SQLINDEX_KEY_LEN 10 /* "index." + u32 BE oid */

enum { SQLINDEX_DESC = 1, SQLINDEX_NULLS_FIRST = 2 };

typedef struct sqlindex_def {
    uint64_t gen; /* HLC of the CREATE / RENAME that wrote this version */
    uint32_t oid, table_id;
    char *name;
    bool unique;
    bool constraint; /* made by a UNIQUE constraint: pg_constraint lists it */
    bool gin;        /* USING gin on one set or text[] column: an entry per element */
    int ncols;
    uint16_t col[SQLINDEX_MAX_COLUMNS]; /* key column ids (0: an expression, expr[k]) */
    char *expr[SQLINDEX_MAX_COLUMNS];   /* expression keys' text as written, else NULL */
    uint8_t opt[SQLINDEX_MAX_COLUMNS];  /* SQLINDEX_DESC | SQLINDEX_NULLS_FIRST */
    int ninclude;
    uint16_t include[SQLINDEX_MAX_COLUMNS];
} sqlindex_def;

void sqlindex_free(sqlindex_def *d);
int sqlindex_copy(const sqlindex_def *d, sqlindex_def **out, sqlerr *err);
int sqlindex_encode(const sqlindex_def *d, codec_buf *b);
/* SQL_ERR XX001 on anything but a canonical encoding. */
int sqlindex_decode(const uint8_t *p, size_t n, sqlindex_def **out, sqlerr *err);
/* For the catalog merge: -1/0/1 ordering two encodings that both decode as index versions by
 * generation (then bytes); 2 when either is not an index definition. */
int sqlindex_order(const uint8_t *a, size_t al, const uint8_t *b, size_t bl);
void sqlindex_catalog_key(uint8_t out[SQLINDEX_KEY_LEN], uint32_t oid);
/* The oid of an "index." catalog key, 0 when key is not one. */
uint32_t sqlindex_key_oid(const uint8_t *key, size_t klen);

/* Whether values of type t have an entry encoding (scalar types other than interval and
 * jsonb). */
bool sqlindex_type_ok(sqlval_type t);
/* Appends one key column (NULL marker, then the value's encoding, inverted for DESC). */
int sqlindex_put_value(codec_buf *b, const sqlval *v, uint8_t opt, sqlerr *err);
/* The expression keys of index d parsed and bound over table t (NULL when d has none). */
typedef struct sqlindex_exprs sqlindex_exprs;
int sqlindex_exprs_bind(const sqlindex_def *d, const sqlschema_table *t, sqlindex_exprs **out,
                        sqlerr *err);
void sqlindex_exprs_free(sqlindex_exprs *x);
/* Key k's bound expression (NULL: a plain column) and the type of its values. */
const sqlast_expr *sqlindex_exprs_get(const sqlindex_exprs *x, int k);
sqlval_type sqlindex_key_type(const sqlindex_def *d, const sqlindex_exprs *x,
                              const sqlschema_table *t, int k);
/* Marks in need[] the table columns d's keys read. */
void sqlindex_need(const sqlindex_def *d, const sqlindex_exprs *x, const sqlschema_table *t,
                   bool *need);
/* 42P17 / 0A000 / 42803 unless bound expression e is immutable and indexable (operators,
 * casts that do not read the time zone or DateStyle, CASE, COALESCE and a list of immutable
 * functions; no subqueries, aggregates, window functions, parameters). */
int sqlindex_expr_check(const sqlast_expr *e, sqlerr *err);
/* Appends the oid and the key values of row vals (t's column order; x: d's bound expressions,
 * NULL when it has none): the unique prefix. *has_null: a key is NULL (a unique index never
 * conflicts on it). */
int sqlindex_put_prefix(codec_buf *b, const sqlindex_def *d, const sqlschema_table *t,
                        const sqlindex_exprs *x, const sqlval *vals, bool *has_null,
                        sqlerr *err);
/* The table column index of column id, -1 when the table has none. */
int sqlindex_col_index(const sqlschema_table *t, uint16_t id);
/* "(a, b)=(1, x)": the key columns of d in row vals, for 23505's detail. */
void sqlindex_keytext(const sqlindex_def *d, const sqlschema_table *t, const sqlindex_exprs *x,
                      const sqlval *vals, char *out, size_t cap);

/* ---- the registry (storage's hooks) ---- */
typedef struct sqlindex_reg sqlindex_reg;
sqlindex_reg *sqlindex_reg_new(void);
void sqlindex_reg_free(sqlindex_reg *r);
/* Fills storage_opts.index with the registry's hooks. */
void sqlindex_reg_hooks(sqlindex_reg *r, storage_index_hooks *h);
/* The entries of one row, as storage's hook computes them (helios_index_check). */
int sqlindex_reg_keys(sqlindex_reg *r, uint32_t table_id, const uint8_t *pk, size_t pklen,
                      const uint8_t *state, size_t len, uint32_t only, storage_index_keys *out);
/* Whether index oid is built (usable by the planner); rows it indexed (built) or the build
 * reached so far. Any thread. */
bool sqlindex_reg_ready(sqlindex_reg *r, uint32_t oid, uint64_t *rows);
/* An index's build state: -1 unknown (dropped, or not in the catalog), 0 building, 1 ready,
 * 2 failed. Any thread. */
int sqlindex_reg_state(sqlindex_reg *r, uint32_t oid);
/* Called when an index becomes ready or fails (the executor wakes statements waiting on a
 * build). Runs on the writer thread. Set once storage is open: from then on the registry logs
 * the builds of new indexes ("build in progress, N rows indexed" every second, "built: N
 * rows"); a build resumed at open logs its progress too. */
void sqlindex_reg_on_ready(sqlindex_reg *r, void (*fn)(void *ctx, uint32_t oid), void *ctx);

#endif
