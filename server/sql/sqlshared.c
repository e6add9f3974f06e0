/*
 * server/sql/sqlshared.c — which statements may run under the shared engine lock.
 *
 * Sessions on several executor threads share the catalog, the row locks, the sequences, the
 * commit path and the list of sessions (sqlexec.c "threads"). An operation that only reads the
 * catalog and the rows (through the storage snapshot, which any thread may read) needs nothing
 * else that another session writes, so such operations run together under the shared engine
 * lock: a long report does not hold back point reads on the other threads. Everything else
 * takes the lock exclusive, as before.
 *
 * The test is on the parse tree, before planning, and errs on the side of exclusive. Shared:
 *  - SELECT / VALUES / TABLE (set operations, subqueries, CTEs, joins, function scans) without
 *    FOR UPDATE / FOR SHARE, whose every CTE is such a query, that names no view or sequence
 *    (a view's body is not seen here), no relation of the schema `helios` and no statistics
 *    view of other sessions (pg_stat_*, pg_locks, pg_prepared_statements, pg_cursors), and
 *    calls no function that changes or reads what other sessions own (sequences, signals,
 *    advisory locks, NOTIFY, helios_* administration, set_config, transaction ids), and reads
 *    no table another transaction holds ACCESS EXCLUSIVE on (it waits for that lock);
 *  - SHOW, SET, RESET, DEALLOCATE (the session's own settings and statements; a time zone
 *    name goes through the zone registry's lock, SET ROLE through the decoded roles');
 *  - BEGIN / START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK TO while the
 *    transaction holds no recorded change, row lock or table lock but ACCESS SHARE ones taken
 *    under the shared lock (ending it touches nothing shared).
 * What the shared statements still touch that sessions share has locks of its own: the
 * statement cache (sqlcache.h), the decoded roles (sx_exec.authmu), the HLC (clock_mu), the
 * enum and time zone registries, the metrics (atomics).
 */
#include <stdbool.h>
#include <string.h>

#include "server/sql/sqlexec_int.h"

static bool stmt_ok(const sx_session *s, const sqlast_stmt *st, int depth);

/* Functions a shared statement may not call: by exact name, then by prefix. */
static bool func_denied(const char *name)
{
    static const char *const exact[] = {
        "nextval", "setval", "currval", "lastval", "pg_cancel_backend", "pg_terminate_backend",
        "pg_notify", "txid_current", "txid_current_if_assigned", "pg_current_xact_id",
        "pg_current_xact_id_if_assigned", "set_config", "pg_blocking_pids",
        "pg_safe_snapshot_blocking_pids", "pg_reload_conf", "pg_rotate_logfile",
        "pg_sequence_last_value", "txid_current_snapshot", "pg_current_snapshot",
    };
    static const char *const prefix[] = {"helios_", "pg_advisory", "pg_try_advisory", "pg_stat_",
                                         "lo_", "pg_backup", "pg_create", "pg_drop",
                                         "pg_replication", "pg_logical"};
    if (!name) return true;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (!strcmp(name, exact[i])) return true;
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (!strncmp(name, prefix[i], strlen(prefix[i]))) return true;
    return false;
}

static bool expr_ok(const sx_session *s, const sqlast_expr *e, int depth)
{
    if (!e) return true;
    if (depth > 200) return false; /* deep trees: exclusive, and no deep recursion here */
    if (e->kind == SQLAST_FUNC && func_denied(e->name)) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!expr_ok(s, e->args[i], depth + 1)) return false;
    if (!expr_ok(s, e->filter, depth + 1)) return false;
    for (int i = 0; e->aorder && i < e->naorder; i++)
        if (!expr_ok(s, e->aorder[i].expr, depth + 1)) return false;
    if (e->win) {
        for (int i = 0; i < e->win->npartition; i++)
            if (!expr_ok(s, e->win->partition[i], depth + 1)) return false;
        for (int i = 0; i < e->win->norder; i++)
            if (!expr_ok(s, e->win->order[i].expr, depth + 1)) return false;
        if (!expr_ok(s, e->win->start, depth + 1) || !expr_ok(s, e->win->end, depth + 1))
            return false;
    }
    return !e->sub || stmt_ok(s, e->sub, depth + 1);
}

static bool rel_ok(const sx_session *s, const char *schema, const char *name)
{
    static const char *const denied[] = {"pg_stat_", "pg_statio_", "pg_locks",
                                         "pg_prepared_statements", "pg_cursors",
                                         "pg_prepared_xacts"};
    if (!name) return false;
    if (schema && !strcmp(schema, "helios")) return false;
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        if (!strncmp(name, denied[i], strlen(denied[i]))) return false;
    /* A view's body or a sequence's state: exclusive; so is a table another transaction holds
     * ACCESS EXCLUSIVE on (the statement waits for it). A name not found is a CTE, a catalog
     * relation or an error the planner reports. */
    const sqlschema_table *t = sx_table_find_q((sx_session *)s, schema, name);
    return !t || (!t->view_sql && !t->seq && !sx_table_lock_conflicts(s, t->id, SQLLOCK_ACCESS_SHARE));
}

static bool from_ok(const sx_session *s, const sqlast_from *f, int depth)
{
    if (!f) return true;
    if (depth > 200) return false;
    if (f->kind == SQLAST_FROM_REL && !rel_ok(s, f->schema, f->name)) return false;
    if (f->sub && !stmt_ok(s, f->sub, depth + 1)) return false;
    if (!expr_ok(s, f->func, depth + 1) || !expr_ok(s, f->quals, depth + 1)) return false;
    return from_ok(s, f->larg, depth + 1) && from_ok(s, f->rarg, depth + 1);
}

static bool targets_ok(const sx_session *s, const sqlast_target *t, int n, int depth)
{
    for (int i = 0; t && i < n; i++)
        if (!expr_ok(s, t[i].expr, depth)) return false;
    return true;
}

static bool stmt_ok(const sx_session *s, const sqlast_stmt *st, int depth)
{
    if (!st || depth > 200) return false;
    if (st->kind != SQLAST_SELECT || st->row_lock || st->select) return false;
    if (st->table && !st->nfrom && !rel_ok(s, st->schema, st->table)) return false;
    if (!targets_ok(s, st->targets, st->ntargets, depth + 1)) return false;
    if (!expr_ok(s, st->where, depth + 1) || !expr_ok(s, st->having, depth + 1) ||
        !expr_ok(s, st->limit, depth + 1) || !expr_ok(s, st->offset, depth + 1))
        return false;
    for (int i = 0; st->group && i < st->ngroup; i++)
        if (!expr_ok(s, st->group[i], depth + 1)) return false;
    for (int i = 0; st->order && i < st->norder; i++)
        if (!expr_ok(s, st->order[i].expr, depth + 1)) return false;
    for (int i = 0; st->distinct_on && i < st->ndistinct_on; i++)
        if (!expr_ok(s, st->distinct_on[i], depth + 1)) return false;
    for (int r = 0; st->rows && r < st->nrows; r++)
        for (int c = 0; st->rows[r] && c < st->nvalues; c++)
            if (!expr_ok(s, st->rows[r][c], depth + 1)) return false;
    for (int i = 0; st->from && i < st->nfrom; i++)
        if (!from_ok(s, st->from[i], depth + 1)) return false;
    for (int i = 0; st->ctes && i < st->nctes; i++)
        if (!stmt_ok(s, st->ctes[i].query, depth + 1)) return false;
    if (st->larg && !stmt_ok(s, st->larg, depth + 1)) return false;
    return !st->rarg || stmt_ok(s, st->rarg, depth + 1);
}

bool sx_txn_light(const sx_session *s)
{
    return s->txn.nops == 0 && s->txn.ncat == 0 && s->txn.nix == 0 && s->txn.nauth == 0 &&
           s->txn.nt.nacts == 0 && s->txn.nt.nnotes == 0 && !s->locks && !s->commit;
}

bool sx_stmts_shared(const sx_session *s, const sqlparse_result *q)
{
    if (q->nstmts == 0) return true;
    for (int i = 0; i < q->nstmts; i++) {
        const sqlast_stmt *st = q->stmts[i];
        switch (st->kind) {
        case SQLAST_SELECT:
            if (!stmt_ok(s, st, 0)) return false;
            break;
        case SQLAST_SHOW:
        case SQLAST_SET:
        case SQLAST_RESET:
        case SQLAST_DEALLOCATE: break;
        case SQLAST_BEGIN:
        case SQLAST_COMMIT:
        case SQLAST_ROLLBACK:
        case SQLAST_SAVEPOINT:
        case SQLAST_RELEASE:
        case SQLAST_ROLLBACK_TO:
            if (!sx_txn_light(s)) return false;
            break;
        default: return false;
        }
    }
    return true;
}
