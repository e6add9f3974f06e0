/*
 * server/sql/sqlvirt.h — virtual tables (the helios.* admin views) and helios_digest().
 *
 * The pg_catalog relations and the information_schema views are sqlcatalog.h's, reached
 * through sqlvirt_lookup and sqlvirt_rows like these.
 *
 * A virtual table is a sqlschema_table with id 0 (real ids are >= 1) whose rows are produced
 * on demand from the executor's state instead of read from storage; SELECT plans them like
 * any table, so WHERE, ORDER BY, aggregates and LIMIT work unchanged. Writes to them are
 * refused (42809). The views are listed in sqlexec.h.
 *
 * helios_digest(): SHA-256 over the user tables in name order; per table the name bytes and
 * a 0 byte, then per visible row in primary-key order (storage order) every column in table
 * order as u32 BE length + text (0xffffffff for NULL). It reads committed state only (not
 * the calling transaction's pending writes), so two regions that applied the same entries
 * print the same digest.
 *
 * Not for use outside server/sql/. Errors: SQL_ERR with an sqlerr (53200, 58030, XX001).
 */
#ifndef HELIOS_SERVER_SQL_SQLVIRT_H
#define HELIOS_SERVER_SQL_SQLVIRT_H

#include <stdbool.h>

#include "server/sql/sqlexec_int.h"

/* The virtual table schema.name. Returns 1 with *out (owned by the caller), 0 when there is
 * no such virtual table (schema NULL means the search path: virtual tables need a schema). */
int sqlvirt_lookup(const char *schema, const char *name, sqlschema_table **out, sqlerr *err);
/* A zero-column table yielding one row: SELECT without FROM run by sqlrun (helios_*()). */
int sqlvirt_dual(sqlschema_table **out, sqlerr *err);
bool sqlvirt_is(const sqlschema_table *t);
/* The i-th of the helios.* views (the catalog relations of sqlcatalog.h aside): 1 with *schema and *name (static), 0 past the last. */
int sqlvirt_view(int i, const char **schema, const char **name);

typedef int (*sqlvirt_row_fn)(void *ctx, sqlval *row, sqlerr *err); /* takes row */
/* Calls fn for every row of virtual table t. */
int sqlvirt_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                 sqlerr *err);

/* Hex SHA-256 (65 bytes with the NUL) of the committed user-visible data. */
int sqlvirt_digest(sx_exec *x, char out[65], sqlerr *err);

#endif
