/* server/sql/sqlast.c — see sqlast.h. */
#include "server/sql/sqlast.h"

#include <stdlib.h>
#include <string.h>

sqlast_expr *sqlast_expr_new(sqlast_kind kind, int location)
{
    sqlast_expr *e = calloc(1, sizeof(*e));
    if (!e) return NULL;
    e->kind = kind;
    e->location = location;
    e->colidx = -1;
    e->aggno = -1;
    sqlval_init_null(&e->value, SQLVAL_UNKNOWN);
    return e;
}

void sqlast_expr_free(sqlast_expr *e)
{
    if (!e) return;
    for (int i = 0; i < e->nargs; i++) sqlast_expr_free(e->args[i]);
    free(e->args);
    free(e->name);
    free(e->qualifier);
    sqlval_free(&e->value);
    free(e);
}

int sqlast_expr_add_arg(sqlast_expr *e, sqlast_expr *child)
{
    sqlast_expr **grown = realloc(e->args, (size_t)(e->nargs + 1) * sizeof(*grown));
    if (!grown) return -1;
    e->args = grown;
    e->args[e->nargs++] = child;
    return 0;
}

static void free_names(char **names, int n)
{
    if (!names) return; /* a partial sqlast_stmt_dup */
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

static void free_targets(sqlast_target *t, int n)
{
    if (!t) return;
    for (int i = 0; i < n; i++) {
        free(t[i].name);
        sqlast_expr_free(t[i].expr);
    }
    free(t);
}

void sqlast_stmt_free(sqlast_stmt *s)
{
    if (!s) return;
    free(s->schema);
    free(s->table);
    free(s->alias);
    for (int i = 0; i < s->ncols; i++) {
        free(s->cols[i].name);
        free(s->cols[i].type_name);
        sqlast_expr_free(s->cols[i].def);
    }
    free(s->cols);
    free_names(s->pk, s->npk);
    free_names(s->names, s->nnames);
    free(s->column);
    free_names(s->insert_cols, s->ninsert_cols);
    for (int r = 0; r < s->nrows; r++) {
        if (!s->rows[r]) continue;
        for (int c = 0; c < s->nvalues; c++) sqlast_expr_free(s->rows[r][c]);
        free(s->rows[r]);
    }
    free(s->rows);
    free_names(s->conflict_cols, s->nconflict_cols);
    free_targets(s->conflict_set, s->nconflict_set);
    sqlast_expr_free(s->conflict_where);
    free_targets(s->set, s->nset);
    sqlast_expr_free(s->where);
    free_targets(s->targets, s->ntargets);
    for (int i = 0; i < s->ngroup; i++) sqlast_expr_free(s->group[i]);
    free(s->group);
    sqlast_expr_free(s->having);
    for (int i = 0; i < s->norder; i++) sqlast_expr_free(s->order[i].expr);
    free(s->order);
    sqlast_expr_free(s->limit);
    sqlast_expr_free(s->offset);
    free(s->name);
    free(s->value);
    free(s->null_str);
    free_names(s->copy_cols, s->ncopy_cols);
    free(s->param_types);
    free(s->aggs);
    free(s);
}

const char *sqlast_stmt_tag(const sqlast_stmt *s)
{
    switch (s->kind) {
    case SQLAST_CREATE_TABLE: return "CREATE TABLE";
    case SQLAST_DROP_TABLE: return "DROP TABLE";
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_DROP_COLUMN: return "ALTER TABLE";
    case SQLAST_INSERT: return "INSERT";
    case SQLAST_UPDATE: return "UPDATE";
    case SQLAST_DELETE: return "DELETE";
    case SQLAST_SELECT: return "SELECT";
    case SQLAST_BEGIN: return "BEGIN";
    case SQLAST_COMMIT: return "COMMIT";
    case SQLAST_ROLLBACK: return "ROLLBACK";
    case SQLAST_SET: return "SET";
    case SQLAST_SHOW: return "SHOW";
    case SQLAST_RESET: return "RESET";
    case SQLAST_COPY: return "COPY";
    case SQLAST_SAVEPOINT: return "SAVEPOINT";
    case SQLAST_RELEASE: return "RELEASE";
    case SQLAST_ROLLBACK_TO: return "ROLLBACK";
    case SQLAST_DEALLOCATE: return "DEALLOCATE";
    case SQLAST_DISCARD: return "DISCARD";
    }
    return "";
}

/* ---- deep copy (the statement cache hands each run a private tree) ----------------------- */

static bool dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src) return true;
    *dst = strdup(src);
    return *dst != NULL;
}

sqlast_expr *sqlast_expr_dup(const sqlast_expr *e)
{
    if (!e) return NULL;
    sqlast_expr *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *e;
    d->args = NULL;
    d->nargs = 0;
    d->name = d->qualifier = NULL;
    sqlval_init_null(&d->value, e->value.type);
    sqlerr err;
    if (!dup_str(&d->name, e->name) || !dup_str(&d->qualifier, e->qualifier) ||
        sqlval_copy(&d->value, &e->value, &err))
        goto fail;
    if (e->nargs) {
        d->args = calloc((size_t)e->nargs, sizeof *d->args);
        if (!d->args) goto fail;
        for (; d->nargs < e->nargs; d->nargs++)
            if (e->args[d->nargs] && !(d->args[d->nargs] = sqlast_expr_dup(e->args[d->nargs])))
                goto fail;
    }
    return d;
fail:
    sqlast_expr_free(d);
    return NULL;
}

/* e NULL copies to NULL; otherwise a failed copy is an error. */
static bool dup_expr(sqlast_expr **dst, const sqlast_expr *e)
{
    *dst = sqlast_expr_dup(e);
    return !e || *dst;
}

static bool dup_names(char ***dst, char *const *src, int n)
{
    *dst = NULL;
    if (!src) return true;
    if (!(*dst = calloc((size_t)n + 1, sizeof **dst))) return false;
    for (int i = 0; i < n; i++)
        if (!dup_str(&(*dst)[i], src[i])) return false;
    return true;
}

static bool dup_targets(sqlast_target **dst, const sqlast_target *src, int n)
{
    *dst = NULL;
    if (!src) return true;
    if (!(*dst = calloc((size_t)n + 1, sizeof **dst))) return false;
    for (int i = 0; i < n; i++) {
        (*dst)[i].location = src[i].location;
        if (!dup_str(&(*dst)[i].name, src[i].name) || !dup_expr(&(*dst)[i].expr, src[i].expr))
            return false;
    }
    return true;
}

sqlast_stmt *sqlast_stmt_dup(const sqlast_stmt *s)
{
    sqlast_stmt *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *s;
    /* Everything owned is re-pointed below; clear it first so a failure frees only copies. */
    d->schema = d->table = d->alias = d->column = d->name = d->value = d->null_str = NULL;
    d->cols = NULL;
    d->ncols = 0;
    d->pk = d->names = d->insert_cols = d->conflict_cols = d->copy_cols = NULL;
    d->rows = NULL;
    d->nrows = 0;
    d->conflict_set = d->set = d->targets = NULL;
    d->conflict_where = d->where = d->having = d->limit = d->offset = NULL;
    d->group = NULL;
    d->ngroup = 0;
    d->order = NULL;
    d->norder = 0;
    d->param_types = NULL;
    d->aggs = NULL; /* bound later, per plan */
    d->naggs = 0;
    if (!dup_str(&d->schema, s->schema) || !dup_str(&d->table, s->table) ||
        !dup_str(&d->alias, s->alias) || !dup_str(&d->column, s->column) ||
        !dup_str(&d->name, s->name) || !dup_str(&d->value, s->value) ||
        !dup_str(&d->null_str, s->null_str))
        goto fail;
    if (s->ncols) {
        if (!(d->cols = calloc((size_t)s->ncols, sizeof *d->cols))) goto fail;
        for (; d->ncols < s->ncols; d->ncols++) {
            const sqlast_coldef *c = &s->cols[d->ncols];
            sqlast_coldef *o = &d->cols[d->ncols];
            *o = *c;
            o->name = o->type_name = NULL;
            o->def = NULL;
            if (!dup_str(&o->name, c->name) || !dup_str(&o->type_name, c->type_name) ||
                !dup_expr(&o->def, c->def)) {
                d->ncols++;
                goto fail;
            }
        }
    }
    if (!dup_names(&d->pk, s->pk, s->npk) || !dup_names(&d->names, s->names, s->nnames) ||
        !dup_names(&d->insert_cols, s->insert_cols, s->ninsert_cols) ||
        !dup_names(&d->conflict_cols, s->conflict_cols, s->nconflict_cols) ||
        !dup_names(&d->copy_cols, s->copy_cols, s->ncopy_cols))
        goto fail;
    if (s->rows) {
        if (!(d->rows = calloc((size_t)s->nrows + 1, sizeof *d->rows))) goto fail;
        for (; d->nrows < s->nrows; d->nrows++) {
            if (!(d->rows[d->nrows] = calloc((size_t)s->nvalues + 1, sizeof **d->rows))) goto fail;
            for (int c = 0; c < s->nvalues; c++)
                if (!dup_expr(&d->rows[d->nrows][c], s->rows[d->nrows][c])) {
                    d->nrows++;
                    goto fail;
                }
        }
    }
    if (!dup_targets(&d->conflict_set, s->conflict_set, s->nconflict_set) ||
        !dup_targets(&d->set, s->set, s->nset) ||
        !dup_targets(&d->targets, s->targets, s->ntargets) ||
        !dup_expr(&d->conflict_where, s->conflict_where) || !dup_expr(&d->where, s->where) ||
        !dup_expr(&d->having, s->having) || !dup_expr(&d->limit, s->limit) ||
        !dup_expr(&d->offset, s->offset))
        goto fail;
    if (s->group) {
        if (!(d->group = calloc((size_t)s->ngroup + 1, sizeof *d->group))) goto fail;
        for (; d->ngroup < s->ngroup; d->ngroup++)
            if (!dup_expr(&d->group[d->ngroup], s->group[d->ngroup])) {
                d->ngroup++;
                goto fail;
            }
    }
    if (s->order) {
        if (!(d->order = calloc((size_t)s->norder + 1, sizeof *d->order))) goto fail;
        for (; d->norder < s->norder; d->norder++) {
            d->order[d->norder] = s->order[d->norder];
            if (!dup_expr(&d->order[d->norder].expr, s->order[d->norder].expr)) {
                d->norder++;
                goto fail;
            }
        }
    }
    if (s->param_types) {
        if (!(d->param_types = calloc((size_t)s->nparams + 1, sizeof *d->param_types))) goto fail;
        for (int i = 0; i < s->nparams; i++) d->param_types[i] = s->param_types[i];
    }
    return d;
fail:
    sqlast_stmt_free(d);
    return NULL;
}

static void walk_expr(sqlast_expr *e, sqlast_walk_fn fn, void *ctx)
{
    if (!e) return;
    fn(ctx, e, &e->location);
    for (int i = 0; i < e->nargs; i++) walk_expr(e->args[i], fn, ctx);
}

static void walk_targets(sqlast_target *t, int n, sqlast_walk_fn fn, void *ctx)
{
    for (int i = 0; t && i < n; i++) {
        fn(ctx, NULL, &t[i].location);
        walk_expr(t[i].expr, fn, ctx);
    }
}

void sqlast_stmt_walk(sqlast_stmt *s, sqlast_walk_fn fn, void *ctx)
{
    fn(ctx, NULL, &s->location);
    fn(ctx, NULL, &s->pk_location);
    for (int i = 0; s->cols && i < s->ncols; i++) {
        fn(ctx, NULL, &s->cols[i].location);
        walk_expr(s->cols[i].def, fn, ctx);
    }
    for (int r = 0; s->rows && r < s->nrows; r++)
        for (int c = 0; s->rows[r] && c < s->nvalues; c++) walk_expr(s->rows[r][c], fn, ctx);
    walk_targets(s->conflict_set, s->nconflict_set, fn, ctx);
    walk_targets(s->set, s->nset, fn, ctx);
    walk_targets(s->targets, s->ntargets, fn, ctx);
    walk_expr(s->conflict_where, fn, ctx);
    walk_expr(s->where, fn, ctx);
    walk_expr(s->having, fn, ctx);
    walk_expr(s->limit, fn, ctx);
    walk_expr(s->offset, fn, ctx);
    for (int i = 0; s->group && i < s->ngroup; i++) walk_expr(s->group[i], fn, ctx);
    for (int i = 0; s->order && i < s->norder; i++) walk_expr(s->order[i].expr, fn, ctx);
}
