/*
 * server/sql/sqlrun_lock.c — the table locks a statement takes before it runs.
 *
 * PostgreSQL locks every relation a statement uses while it parses and rewrites it, in the
 * mode the use needs (its documentation's "Table-Level Locks"), and keeps the locks until the
 * transaction ends. HeliosDB does the same from the parse tree, before the statement runs, so
 * a wait never interrupts a statement that has started to answer:
 *
 *   ACCESS SHARE            every table a query reads (FROM, joins, subqueries, CTEs, views'
 *                           definitions, COPY ... TO, EXPLAIN)
 *   ROW SHARE               the tables of a SELECT ... FOR UPDATE / FOR SHARE; the tables a
 *                           written row's foreign keys reference; a DELETE's referencing tables
 *                           (ROW EXCLUSIVE when the key cascades)
 *   ROW EXCLUSIVE           the target of INSERT, UPDATE, DELETE, COPY ... FROM
 *   SHARE UPDATE EXCLUSIVE  VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY, COMMENT ON, ALTER INDEX
 *                           RENAME
 *   SHARE                   CREATE INDEX, REINDEX
 *   SHARE ROW EXCLUSIVE     the tables on both ends of a new foreign key
 *   ACCESS EXCLUSIVE        DROP, TRUNCATE, ALTER TABLE, DROP INDEX (its table)
 *
 * LOCK TABLE takes its own (sqlexec.c run_lock). Names that resolve to no table of this
 * database (a CTE, a catalog relation, a sequence, a misspelling) are left alone: the
 * statement itself reports what is wrong with them. Sessions wait, detect deadlocks and time
 * out as sx_lock_table says (sqlexec.c "table locks").
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlindex.h"
#include "server/sql/sqllock.h"
#include "server/sql/sqlparse.h"

#define LK_MAX_DEPTH 200  /* deeper trees are refused by the planner; no deep recursion here */
#define LK_MAX_VIEWS 32   /* views inside views (the planner's own limit) */
#define LK_MAX_CTES 256   /* CTE names in scope */

typedef struct lk {
    sx_session *s;
    sqlerr *err;
    int read_mode;   /* what a table read takes: ACCESS SHARE, ROW SHARE under FOR UPDATE */
    bool nowait;     /* LOCK ... NOWAIT of a view: its relations too */
    int views;       /* views being expanded */
    const char *ctes[LK_MAX_CTES];
    int nctes;
} lk;

static int walk_stmt(lk *k, const sqlast_stmt *st, int depth);

static bool cte_named(const lk *k, const char *name)
{
    for (int i = k->nctes - 1; i >= 0; i--)
        if (!strcmp(k->ctes[i], name)) return true;
    return false;
}

static int lock_view_body(lk *k, const sqlschema_table *v, int mode);

/* Table t in mode. A view read by a query (expand): its definition's relations too, in the
 * same mode, as PostgreSQL's rewriter locks them; DDL on a view locks the view alone. */
static int lock_table(lk *k, const sqlschema_table *t, int mode, bool expand)
{
    if (!t || t->seq) return SQL_OK;
    if (sx_lock_table(k->s, t->id, t->name, mode, k->nowait, k->err)) return SQL_ERR;
    return t->view_sql && expand ? lock_view_body(k, t, mode) : SQL_OK;
}

static int lock_name(lk *k, const char *schema, const char *name, int mode, bool expand)
{
    if (!name) return SQL_OK;
    if (!schema && cte_named(k, name)) return SQL_OK;
    return lock_table(k, sx_table_find_q(k->s, schema, name), mode, expand);
}

static int lock_id(lk *k, uint32_t id, int mode)
{
    return lock_table(k, sx_table_by_id(k->s, id), mode, false);
}

static int lock_view_body(lk *k, const sqlschema_table *v, int mode)
{
    if (k->views >= LK_MAX_VIEWS) return SQL_OK; /* the planner reports the recursion */
    sqlparse_result pr;
    memset(&pr, 0, sizeof pr);
    sqlerr perr;
    if (sqlparse_query(v->view_sql, &pr, &perr)) return SQL_OK; /* the planner reports it */
    int rc = SQL_OK;
    if (pr.nstmts == 1 && pr.stmts[0]->kind == SQLAST_CREATE_VIEW && pr.stmts[0]->select) {
        int saved_mode = k->read_mode, saved_ctes = k->nctes;
        k->read_mode = mode;
        k->nctes = 0; /* the view sees none of the query's CTEs */
        k->views++;
        sx_vpath_saved sv;
        sx_vpath_enter(k->s, v, &sv);
        rc = walk_stmt(k, pr.stmts[0]->select, 0);
        sx_vpath_leave(k->s, &sv);
        k->views--;
        k->read_mode = saved_mode;
        k->nctes = saved_ctes;
    }
    sqlparse_result_free(&pr);
    return rc;
}

static int walk_expr(lk *k, const sqlast_expr *e, int depth)
{
    if (!e || depth > LK_MAX_DEPTH) return SQL_OK;
    for (int i = 0; i < e->nargs; i++)
        if (walk_expr(k, e->args[i], depth + 1)) return SQL_ERR;
    if (walk_expr(k, e->filter, depth + 1)) return SQL_ERR;
    for (int i = 0; e->aorder && i < e->naorder; i++)
        if (walk_expr(k, e->aorder[i].expr, depth + 1)) return SQL_ERR;
    if (e->win) {
        for (int i = 0; i < e->win->npartition; i++)
            if (walk_expr(k, e->win->partition[i], depth + 1)) return SQL_ERR;
        for (int i = 0; i < e->win->norder; i++)
            if (walk_expr(k, e->win->order[i].expr, depth + 1)) return SQL_ERR;
    }
    return e->sub ? walk_stmt(k, e->sub, depth + 1) : SQL_OK;
}

static int walk_from(lk *k, const sqlast_from *f, int depth)
{
    if (!f || depth > LK_MAX_DEPTH) return SQL_OK;
    if (f->kind == SQLAST_FROM_REL && lock_name(k, f->schema, f->name, k->read_mode, true)) return SQL_ERR;
    if (f->sub && walk_stmt(k, f->sub, depth + 1)) return SQL_ERR;
    if (walk_expr(k, f->func, depth + 1) || walk_expr(k, f->quals, depth + 1)) return SQL_ERR;
    if (walk_from(k, f->larg, depth + 1)) return SQL_ERR;
    return walk_from(k, f->rarg, depth + 1);
}

static int walk_targets(lk *k, const sqlast_target *t, int n, int depth)
{
    for (int i = 0; t && i < n; i++)
        if (walk_expr(k, t[i].expr, depth)) return SQL_ERR;
    return SQL_OK;
}

/* The expressions and sources of a query or of a write's other parts. */
static int walk_parts(lk *k, const sqlast_stmt *st, int depth)
{
    for (int i = 0; st->from && i < st->nfrom; i++)
        if (walk_from(k, st->from[i], depth + 1)) return SQL_ERR;
    if (walk_targets(k, st->targets, st->ntargets, depth + 1) ||
        walk_targets(k, st->set, st->nset, depth + 1) ||
        walk_targets(k, st->conflict_set, st->nconflict_set, depth + 1))
        return SQL_ERR;
    const sqlast_expr *exprs[] = {st->where, st->having, st->limit, st->offset, st->conflict_where};
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++)
        if (walk_expr(k, exprs[i], depth + 1)) return SQL_ERR;
    for (int i = 0; st->group && i < st->ngroup; i++)
        if (walk_expr(k, st->group[i], depth + 1)) return SQL_ERR;
    for (int i = 0; st->order && i < st->norder; i++)
        if (walk_expr(k, st->order[i].expr, depth + 1)) return SQL_ERR;
    for (int i = 0; st->distinct_on && i < st->ndistinct_on; i++)
        if (walk_expr(k, st->distinct_on[i], depth + 1)) return SQL_ERR;
    for (int r = 0; st->rows && r < st->nrows; r++)
        for (int c = 0; st->rows[r] && c < st->nvalues; c++)
            if (walk_expr(k, st->rows[r][c], depth + 1)) return SQL_ERR;
    if (st->larg && walk_stmt(k, st->larg, depth + 1)) return SQL_ERR;
    if (st->rarg && walk_stmt(k, st->rarg, depth + 1)) return SQL_ERR;
    return st->select ? walk_stmt(k, st->select, depth + 1) : SQL_OK;
}

/* The target of INSERT / UPDATE / DELETE / COPY FROM, and ROW SHARE on the tables its foreign
 * keys reference (PostgreSQL's checks read them FOR KEY SHARE). */
static int lock_referencing(lk *k, const sqlschema_table *t);

static int lock_target(lk *k, const sqlast_stmt *st, bool fks)
{
    if (st->schema && strcmp(st->schema, "public")) return SQL_OK;
    const sqlschema_table *t = st->table ? sx_table_find(k->s, st->table) : NULL;
    if (!t) return SQL_OK;
    if (lock_table(k, t, SQLLOCK_ROW_EXCLUSIVE, false)) return SQL_ERR;
    if (st->kind == SQLAST_DELETE && !t->view_sql && lock_referencing(k, t)) return SQL_ERR;
    for (int i = 0; fks && i < t->nfks; i++)
        if (t->fks[i].ref_table != t->id && lock_id(k, t->fks[i].ref_table, SQLLOCK_ROW_SHARE))
            return SQL_ERR;
    return SQL_OK;
}

/* A DELETE from a table other tables' foreign keys reference: PostgreSQL's checks lock each
 * referencing table (ROW EXCLUSIVE when the key cascades or sets, else ROW SHARE: they read it
 * FOR KEY SHARE) and, for a NO ACTION key, the table itself in ROW SHARE (they read its row
 * again). Committed tables only: one created in this transaction is this session's alone. */
static int lock_referencing(lk *k, const sqlschema_table *t)
{
    sx_exec *x = k->s->x;
    bool no_action = false;
    for (int i = 0; i < x->ntables; i++) {
        const sqlschema_table *c = x->tables[i];
        if (c->id == t->id) continue;
        for (int f = 0; f < c->nfks; f++) {
            if (c->fks[f].ref_table != t->id) continue;
            char a = c->fks[f].on_delete;
            no_action |= a == 'a';
            if (lock_id(k, c->id, a == 'c' || a == 'n' || a == 'd' ? SQLLOCK_ROW_EXCLUSIVE
                                                                   : SQLLOCK_ROW_SHARE))
                return SQL_ERR;
        }
    }
    return no_action ? lock_table(k, t, SQLLOCK_ROW_SHARE, false) : SQL_OK;
}

/* The table of index `name` (DROP INDEX, REINDEX INDEX, ALTER INDEX). */
static int lock_index_table(lk *k, const char *name, int mode)
{
    const sqlindex_def **v = NULL;
    int n = 0;
    if (!name || sx_index_view(k->s, &v, &n)) return SQL_OK;
    uint32_t table = 0;
    for (int i = 0; i < n && !table; i++)
        if (!strcmp(v[i]->name, name)) table = v[i]->table_id;
    free(v);
    return table ? lock_id(k, table, mode) : SQL_OK;
}

static int lock_names(lk *k, const sqlast_stmt *st, int mode)
{
    for (int i = 0; i < st->nnames; i++)
        if (lock_name(k, NULL, st->names[i], mode, false)) return SQL_ERR;
    return SQL_OK;
}

static int walk_stmt(lk *k, const sqlast_stmt *st, int depth)
{
    if (!st || depth > LK_MAX_DEPTH) return SQL_OK;
    int saved_ctes = k->nctes, rc = SQL_OK;
    for (int i = 0; st->ctes && i < st->nctes && k->nctes < LK_MAX_CTES; i++)
        k->ctes[k->nctes++] = st->ctes[i].name;
    for (int i = 0; st->ctes && i < st->nctes && !rc; i++) rc = walk_stmt(k, st->ctes[i].query, depth + 1);
    if (rc) goto out;
    switch (st->kind) {
    case SQLAST_SELECT: {
        int saved_mode = k->read_mode;
        if (st->row_lock) k->read_mode = SQLLOCK_ROW_SHARE;
        if (st->table && !st->nfrom) rc = lock_name(k, st->schema, st->table, k->read_mode, true);
        if (!rc) rc = walk_parts(k, st, depth);
        k->read_mode = saved_mode;
        break;
    }
    case SQLAST_INSERT:
    case SQLAST_UPDATE:
        rc = lock_target(k, st, true);
        if (!rc) rc = walk_parts(k, st, depth);
        break;
    case SQLAST_DELETE:
        rc = lock_target(k, st, false);
        if (!rc) rc = walk_parts(k, st, depth);
        break;
    case SQLAST_EXPLAIN:
    case SQLAST_DECLARE_CURSOR:
    case SQLAST_CREATE_VIEW: rc = walk_stmt(k, st->select, depth + 1); break;
    case SQLAST_COPY:
        if (st->select) rc = walk_stmt(k, st->select, depth + 1);
        else if (st->copy_from) rc = lock_target(k, st, true);
        else rc = lock_name(k, st->schema, st->table, SQLLOCK_ACCESS_SHARE, true);
        if (!rc) rc = walk_expr(k, st->where, depth + 1);
        break;
    case SQLAST_CREATE_TABLE:
        for (int i = 0; i < st->nfks && !rc; i++)
            rc = lock_name(k, NULL, st->fks[i].ref_table, SQLLOCK_SHARE_ROW_EXCLUSIVE, false);
        break;
    case SQLAST_DROP_TABLE: rc = lock_names(k, st, SQLLOCK_ACCESS_EXCLUSIVE); break;
    case SQLAST_TRUNCATE:
        /* and SHARE, which PostgreSQL's rebuild of the emptied table's indexes takes (it shows
         * in pg_locks; ACCESS EXCLUSIVE already excludes everyone else) */
        rc = lock_names(k, st, SQLLOCK_ACCESS_EXCLUSIVE);
        if (!rc) rc = lock_names(k, st, SQLLOCK_SHARE);
        break;
    case SQLAST_DROP_INDEX:
        for (int i = 0; i < st->nnames && !rc; i++)
            rc = lock_index_table(k, st->names[i], SQLLOCK_ACCESS_EXCLUSIVE);
        break;
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_DROP_COLUMN:
    case SQLAST_ALTER_ADD_PK:
    case SQLAST_ALTER_DEFAULT:
    case SQLAST_ALTER_ADD_IDENTITY:
    case SQLAST_ALTER_ADD_CHECK:
    case SQLAST_RENAME:
    case SQLAST_ALTER_NOT_NULL:
    case SQLAST_ALTER_OWNER:
    case SQLAST_ALTER_ADD_UNIQUE:
    case SQLAST_ALTER_DROP_CONSTRAINT:
    case SQLAST_ALTER_COLUMN_TYPE:
        rc = lock_name(k, st->schema, st->table, SQLLOCK_ACCESS_EXCLUSIVE, false);
        break;
    case SQLAST_ALTER_ADD_FK:
        rc = lock_name(k, st->schema, st->table, SQLLOCK_SHARE_ROW_EXCLUSIVE, false);
        if (!rc && st->nfks)
            rc = lock_name(k, NULL, st->fks[0].ref_table, SQLLOCK_SHARE_ROW_EXCLUSIVE, false);
        break;
    case SQLAST_CREATE_INDEX:
        rc = lock_name(k, st->schema, st->table,
                       st->nindexes && st->indexes[0].concurrent ? SQLLOCK_SHARE_UPDATE_EXCLUSIVE
                                                                 : SQLLOCK_SHARE,
                       false);
        break;
    case SQLAST_REINDEX:
        rc = st->is_view ? lock_name(k, st->schema, st->table, SQLLOCK_SHARE, false)
                         : lock_index_table(k, st->table, SQLLOCK_SHARE);
        break;
    case SQLAST_RENAME_INDEX:
        rc = lock_index_table(k, st->table, SQLLOCK_SHARE_UPDATE_EXCLUSIVE);
        break;
    case SQLAST_COMMENT: rc = lock_name(k, st->schema, st->table, SQLLOCK_SHARE_UPDATE_EXCLUSIVE, false); break;
    case SQLAST_VACUUM: rc = lock_names(k, st, SQLLOCK_SHARE_UPDATE_EXCLUSIVE); break;
    default: break;
    }
out:
    k->nctes = saved_ctes;
    return rc;
}

int sx_stmt_lock_tables(sx_session *s, const sqlast_stmt *st, sqlerr *err)
{
    lk k;
    memset(&k, 0, sizeof k);
    k.s = s;
    k.err = err;
    k.read_mode = SQLLOCK_ACCESS_SHARE;
    return walk_stmt(&k, st, 0);
}

int sx_lock_view(sx_session *s, const sqlschema_table *v, int mode, bool nowait, sqlerr *err)
{
    lk k;
    memset(&k, 0, sizeof k);
    k.s = s;
    k.err = err;
    k.read_mode = mode;
    k.nowait = nowait;
    return lock_view_body(&k, v, mode);
}
