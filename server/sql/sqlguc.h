/*
 * server/sql/sqlguc.h — a session's settings (PostgreSQL's GUCs): SET, SHOW, RESET, SET LOCAL,
 * set_config(), current_setting(), SHOW ALL, and the ParameterStatus messages of the ones
 * PostgreSQL 15 reports.
 *
 * Each setting has PostgreSQL's name, type and checks: booleans take on/off/true/false/yes/no/
 * 1/0 and their unambiguous prefixes and show as on/off; integers are range-checked, and time
 * and memory settings take units (statement_timeout = '1.5s') and show in the largest unit that
 * divides the value (1500ms, 5s, 2min; 64MB); enums take their values in any case; internal
 * settings (server_version, lc_collate ...) refuse a change with 55P02; client_encoding,
 * TimeZone, DateStyle and default_tablespace check their values as sqlguc.c explains. Names
 * with a dot ("myapp.tenant") are placeholder settings, as PostgreSQL's: any string, created
 * by their first SET, unknown (42704) before. Names are case-insensitive.
 *
 * Scopes: startup (the StartupMessage's parameters and its "options" -c items: they become
 * what RESET restores), session, and local. Inside a transaction block (sqlguc_txn_begin ..
 * sqlguc_txn_end) a setting's value before the block is kept: COMMIT keeps the block's plain
 * SETs and undoes its SET LOCALs; ROLLBACK undoes both (savepoints do not unwind settings:
 * ROLLBACK TO keeps them, a known difference from PostgreSQL).
 *
 * What HeliosDB honours: statement_timeout (scans, joins and pg_sleep check it), TimeZone
 * (timestamptz text), client_encoding (UTF8 only: SQL_ASCII is accepted as "no conversion"),
 * extra_float_digits is shown but float text is always the shortest exact form (as with the
 * default 1). The others are accepted and shown for the clients and dumps that set them.
 *
 * One sqlguc per session, used by the session's thread only. Errors: SQL_ERR with an sqlerr
 * (22023 bad value, 42704 unknown setting, 55P02 cannot be changed, 42601 list given to a
 * one-value setting, 53200 out of memory).
 */
#ifndef HELIOS_SERVER_SQL_SQLGUC_H
#define HELIOS_SERVER_SQL_SQLGUC_H

#include <stdbool.h>

#include "server/executor.h"
#include "server/sql/sqlerr.h"

typedef struct sqlguc sqlguc;
struct sqltz;

enum { SQLGUC_STARTUP, SQLGUC_SESSION, SQLGUC_LOCAL };

/* The server_version reported, e.g. "15.0 (HeliosDB 0.1.0)". */
const char *sqlguc_server_version(void);

/* A session's settings at their defaults, then the startup parameters applied (user, database
 * and replication skipped; "options" parsed as PostgreSQL does). statement_timeout_ms is the
 * configured default. Returns SQL_OK or SQL_ERR (a bad startup value: the session is refused). */
int sqlguc_new(const executor_startup *st, int statement_timeout_ms, sqlguc **out, sqlerr *err);
void sqlguc_free(sqlguc *g);

/* Sends every reported setting as ParameterStatus (after the session is created). */
int sqlguc_report_all(sqlguc *g, executor_sink *sink);

/* The current value as SHOW prints it, or NULL for an unknown name. *canon (may be NULL) gets
 * PostgreSQL's spelling of the name (SHOW's column: "TimeZone" for timezone). */
const char *sqlguc_get(const sqlguc *g, const char *name, const char **canon);

/* SET name = value (value NULL: RESET / SET ... TO DEFAULT). nvalues > 1: a list (value is the
 * items joined with ", "), refused (42601) for a one-value setting. scope SQLGUC_LOCAL outside
 * a block: the caller warns and does not call this. A reported setting that changes is sent
 * through sink (may be NULL). */
int sqlguc_set(sqlguc *g, const char *name, const char *value, int nvalues, int scope,
               executor_sink *sink, sqlerr *err);
/* Sets a setting sessions cannot SET themselves (is_superuser, session_authorization) to value
 * (canonical already), transactionally like SET; reported settings go through sink. */
int sqlguc_set_internal(sqlguc *g, const char *name, const char *value, executor_sink *sink,
                        sqlerr *err);
/* Sends ParameterStatus for reported settings changed without a sink (set_config() inside a
 * query, a block ended without one) since the last call. */
int sqlguc_flush(sqlguc *g, executor_sink *sink);
/* RESET ALL. */
int sqlguc_reset_all(sqlguc *g, executor_sink *sink, sqlerr *err);

/* Whether name is a list setting whose items are identifiers (search_path): SET quotes them
 * as quote_ident does. */
bool sqlguc_list_quotes(const char *name);

void sqlguc_txn_begin(sqlguc *g);
bool sqlguc_in_block(const sqlguc *g);
/* The end of a block: commit false for ROLLBACK or a failed block. Returns SQL_OK, or SQL_ERR
 * when the sink failed (err cleared: the wire layer holds the error). */
int sqlguc_txn_end(sqlguc *g, bool commit, executor_sink *sink);

/* statement_timeout in ms (0: none). */
int sqlguc_statement_timeout_ms(const sqlguc *g);
/* lock_timeout in milliseconds, 0 when off: the longest one wait for a lock may last. */
int sqlguc_lock_timeout_ms(const sqlguc *g);
/* The session's TimeZone, resolved (never NULL). */
const struct sqltz *sqlguc_timezone(sqlguc *g);

/* SHOW ALL / pg_settings: the i-th setting in name order (i from 0 while it returns true). */
typedef struct sqlguc_info {
    const char *name, *setting, *unit, *category, *short_desc, *context, *vartype, *source,
        *min_val, *max_val, *enumvals, *boot_val, *reset_val;
    char buf[5][24]; /* storage for the numbers above (setting, min, max, boot, reset) */
} sqlguc_info;
bool sqlguc_nth(const sqlguc *g, int i, sqlguc_info *out);

#endif
