/*
 * server/sql/sqlwrite.h — what an assignment means for a CRDT column.
 *
 * `SET c = <expr>` is not a plain overwrite in HeliosDB: each column kind accepts the forms
 * its CRDT can merge (DESIGN §3), and each form maps to one CRDT operation:
 *
 *   column kind              accepted expression                 operation
 *   scalar / lww_register    any expression of a castable type   ASSIGN
 *   mv_register              any text expression                 ASSIGN (replaces observed values)
 *   g_counter                c + n  (n >= 0 at run time, 22023)  INC
 *   pn_counter               c + n, c - n                        INC (sign -1 for c - n)
 *   or_set / aw_set          array_append(c, x)                  SET_ADD (one element)
 *                            c || ARRAY[...] / c || $1           SET_ADD (array)
 *                            array_remove(c, x)                  SET_REMOVE
 *                            ARRAY[...], '{...}', $1 (no c)      SET_REPLACE
 *   lww_map                  c || '{"k": v}'::jsonb              MAP_PUT
 *                            c - 'k'                             MAP_REMOVE
 *                            jsonb_set(c, '{k}', v)              MAP_SET (one-element path)
 *                            '{...}'::jsonb, $1 (no c)           MAP_REPLACE
 *
 * Anything else on a CRDT column (`views * 2`, `c = 5` on a counter, `c - n` on a g_counter)
 * is refused with 0A000 and a hint naming the allowed forms: a CRDT that cannot express an
 * update must not silently turn it into a last-writer-wins overwrite.
 *
 * Classification binds the operand expressions (so parameters get their types: the counter
 * amount is bigint, set elements text, map values jsonb).
 */
#ifndef HELIOS_SERVER_SQL_SQLWRITE_H
#define HELIOS_SERVER_SQL_SQLWRITE_H

#include "server/sql/sqlast.h"
#include "server/sql/sqlerr.h"
#include "server/sql/sqlexpr.h"
#include "server/sql/sqlschema.h"

typedef enum sqlwrite_kind {
    SQLWRITE_ASSIGN = 1,
    SQLWRITE_INC,
    SQLWRITE_SET_ADD,
    SQLWRITE_SET_REMOVE,
    SQLWRITE_SET_REPLACE,
    SQLWRITE_MAP_PUT,
    SQLWRITE_MAP_REMOVE,
    SQLWRITE_MAP_SET,
    SQLWRITE_MAP_REPLACE,
} sqlwrite_kind;

typedef struct sqlwrite_op {
    sqlwrite_kind kind;
    int colidx;
    const sqlast_expr *arg;  /* borrowed from the statement tree: the value / amount /
                              * element(s) / key / path */
    const sqlast_expr *arg2; /* MAP_SET: the new value */
    int sign;                /* INC: +1 or -1 */
} sqlwrite_op;

/* Classifies `SET t.cols[colidx] = value`. sc is the statement's binding scope. */
/* Whether a bound value of e's type can be stored in column c (read as type t) by an
 * assignment cast, as INSERT and UPDATE coerce (text from anything, numbers among each other,
 * timestamp from timestamptz ...); else 42804 naming the column. */
int sqlwrite_assign_check(const sqlast_expr *e, sqlval_type t, const sqlschema_column *c,
                          sqlerr *err);
int sqlwrite_classify(const sqlschema_table *t, int colidx, sqlast_expr *value,
                      const sqlexpr_scope *sc, sqlwrite_op *out, sqlerr *err);

/* Evaluates an INC amount: int64, sign applied; 22023 for a g_counter decrement, 22003 on
 * overflow of the negation. */
int sqlwrite_amount(const sqlschema_table *t, const sqlwrite_op *op, const sqlexpr_ctx *ctx,
                    int64_t *out, sqlerr *err);

/* Hint text listing the allowed write forms of a column kind (static string). */
const char *sqlwrite_allowed_forms(sqlschema_kind kind);

#endif
