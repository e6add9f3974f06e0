/*
 * server/sql/sqlcatalog.h — pg_catalog and the information_schema views ORMs read, as
 * relations computed from HeliosDB's catalog; the catalog functions (format_type,
 * pg_get_indexdef, pg_table_is_visible ...) and the reg* casts.
 *
 * The relations are virtual tables (sqlvirt.h: id 0, rows produced per scan) with
 * PostgreSQL 15's column names and types, so psql's and drivers' catalog queries run through
 * the general planner like any query. They are computed from the session's view of the
 * catalog at each scan: user tables and views live in schema public; the catalog relations in
 * pg_catalog / information_schema; helios.* in helios. Unqualified names resolve through the
 * search path with pg_catalog implicitly first (sqlplan.c), as in PostgreSQL.
 *
 * Oids are stable: a user table's or view's oid is its table id (node << 16 | counter); its
 * primary key index is the table id with bit 15 set and the key's constraint the table id
 * with bits 14 and 15 set; a secondary index's oid is its own (the same allocator, sqlindex.h)
 * and a UNIQUE constraint's the oid of its index with bit 14 set (all distinct from every
 * table id while a node has created fewer than 16384 relations); built-in types, functions,
 * catalog relations and schemas have PostgreSQL 15's oids (pg_catalog 11, public 2200,
 * information_schema 13207); the role you are connected as is oid 10 and owns everything
 * (HeliosDB has no object ownership); the database is oid 5.
 * HeliosDB's own oids are below PostgreSQL's first user oid (16384): schema helios 9900, its
 * views 9901.., and the CRDT column types 9950.. (g_counter, pn_counter, mv_register, or_set,
 * aw_set, lww_map, lww_register), which appear in pg_type with the I/O of the type they read
 * as, so format_type shows a column's declared type.
 *
 * The vectors (pg_index.indkey int2vector, pg_proc.proargtypes oidvector ...) are typed and
 * print as PostgreSQL's ("1 2", subscripts from 0).
 *
 * Indexes (sqlindex.h) are relations of kind 'i' in schema public, with pg_index rows (and a
 * pg_constraint row of type 'u' for a UNIQUE constraint's). An index another session or
 * region committed whose build is still running is not valid (indisvalid false, indisready true:
 * its entries are kept on every write), as PostgreSQL shows an index CREATE INDEX CONCURRENTLY
 * is building, so pg_dump leaves it out until it is built; the transaction that creates one
 * sees it valid. pg_index.indclass holds zeros (no operator classes).
 *
 * Schema helios and its views belong to the built-in extension "heliosdb" (pg_extension oid
 * 9898, pg_depend deptype 'e'), so pg_dump leaves them out as it leaves out plpgsql.
 *
 * Caveats: arrays of other element types in the catalogs (conkey, oid[], "char"[], aclitem[])
 * are held as text[] (their RowDescription says text[]), and arr[i] on them is an untyped
 * value that adapts to what it meets; pg_attrdef.adbin holds the
 * default's SQL text, which pg_get_expr returns as is, and pg_attrdef.oid numbers the
 * defaults in catalog order (stable while the catalog does not change);
 * pg_get_viewdef returns the view's query as written; reg* values have no binary output.
 * pg_description holds the schemas' comments and COMMENT ON TABLE / COLUMN. Empty relations: pg_shdescription, pg_inherits, pg_policy,
 * pg_publication*, pg_enum, pg_range, pg_statistic_ext,
 * pg_trigger, pg_rewrite, pg_operator, pg_foreign_table, pg_auth_members,
 * pg_matviews, pg_sequences, pg_foreign_server, pg_foreign_data_wrapper, pg_event_trigger,
 * pg_default_acl, pg_seclabels, pg_db_role_setting, pg_opclass (pg_init_privs holds the built-in schemas). pg_settings lists the session's settings (sqlguc.h). Statistics and sizes are zero. Every scan and every catalog
 * function call computes what it reads from the session's catalog cache (no state is kept
 * between calls: sessions run on several threads). Not for use outside server/sql/.
 */
#ifndef HELIOS_SERVER_SQL_SQLCATALOG_H
#define HELIOS_SERVER_SQL_SQLCATALOG_H

#include <stdbool.h>

#include "server/sql/sqlerr.h"
#include "server/sql/sqlschema.h"
#include "server/sql/sqlval.h"

struct sx_session;

#define SQLCATALOG_NOT_MINE 1 /* sqlcatalog_rows: t is not a catalog relation */

/* The catalog relation schema.name (schema "pg_catalog" or "information_schema"). Returns 1
 * with *out (owned by the caller), 0 when there is none, SQL_ERR (53200). */
int sqlcatalog_lookup(const char *schema, const char *name, sqlschema_table **out, sqlerr *err);

/* Calls fn (which takes the row) for every row of catalog relation t, computed from session
 * s; SQLCATALOG_NOT_MINE when t is not one. */
int sqlcatalog_rows(struct sx_session *s, const sqlschema_table *t,
                    int (*fn)(void *ctx, sqlval *row, sqlerr *err), void *ctx, sqlerr *err);

/* Binding: 1 when name(args) is a catalog function (*ret set), else 0. Pure. */
int sqlcatalog_func_resolve(const char *name, const sqlval_type *args, int nargs,
                            sqlval_type *ret);

/* True when fn's untyped literal arguments are converted while parsing (to oid, regclass ...),
 * so PostgreSQL's error about one points at it; false for text parameters (has_*_privilege,
 * pg_get_viewdef(text)). */
bool sqlcatalog_converts_literals(const char *fn);

/* The sqlexpr_env catalog hook: arg is the sx_session. fn is a function sqlcatalog_func_resolve
 * accepted, or "::" to cast args[0] (not NULL) to reg* type ret. Errors as PostgreSQL's:
 * 42P01 / 42704 / 3F000 / 42883 unknown names, 22023 bad privilege names, 53200. */
int sqlcatalog_call(void *arg, const char *fn, const sqlval *args, int nargs, sqlval_type ret,
                    sqlval *out, sqlerr *err);

#endif
