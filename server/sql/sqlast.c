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
    sqlast_stmt_free(e->sub);
    sqlast_expr_free(e->filter);
    sqlast_window_free(e->win);
    for (int i = 0; e->aorder && i < e->naorder; i++) sqlast_expr_free(e->aorder[i].expr);
    free(e->aorder);
    free(e);
}

void sqlast_window_free(sqlast_window *w)
{
    if (!w) return;
    for (int i = 0; w->partition && i < w->npartition; i++) sqlast_expr_free(w->partition[i]);
    free(w->partition);
    for (int i = 0; w->order && i < w->norder; i++) sqlast_expr_free(w->order[i].expr);
    free(w->order);
    sqlast_expr_free(w->start);
    sqlast_expr_free(w->end);
    free(w);
}

sqlast_window *sqlast_window_dup(const sqlast_window *w)
{
    if (!w) return NULL;
    sqlast_window *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->frame = w->frame;
    d->location = w->location;
    if ((w->npartition && !(d->partition = calloc((size_t)w->npartition, sizeof *d->partition))) ||
        (w->norder && !(d->order = calloc((size_t)w->norder, sizeof *d->order))))
        goto fail;
    for (; d->npartition < w->npartition; d->npartition++)
        if (!(d->partition[d->npartition] = sqlast_expr_dup(w->partition[d->npartition]))) goto fail;
    for (; d->norder < w->norder; d->norder++) {
        d->order[d->norder] = w->order[d->norder];
        if (!(d->order[d->norder].expr = sqlast_expr_dup(w->order[d->norder].expr))) goto fail;
    }
    if ((w->start && !(d->start = sqlast_expr_dup(w->start))) ||
        (w->end && !(d->end = sqlast_expr_dup(w->end))))
        goto fail;
    return d;
fail:
    sqlast_window_free(d);
    return NULL;
}

void sqlast_from_free(sqlast_from *f)
{
    if (!f) return;
    free(f->schema);
    free(f->name);
    free(f->alias);
    for (int i = 0; f->colnames && i < f->ncolnames; i++) free(f->colnames[i]);
    free(f->colnames);
    sqlast_stmt_free(f->sub);
    sqlast_expr_free(f->func);
    sqlast_from_free(f->larg);
    sqlast_from_free(f->rarg);
    sqlast_expr_free(f->quals);
    for (int i = 0; f->using_cols && i < f->nusing; i++) free(f->using_cols[i]);
    free(f->using_cols);
    for (int i = 0; f->defnames && i < f->ndef; i++) free(f->defnames[i]);
    free(f->defnames);
    free(f->deftypes);
    free(f);
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

void sqlast_fk_clear(sqlast_fk *fk)
{
    free(fk->name);
    for (int i = 0; i < fk->ncols; i++) free(fk->cols[i]);
    free(fk->cols);
    free(fk->ref_table);
    for (int i = 0; i < fk->nref; i++) free(fk->ref_cols[i]);
    free(fk->ref_cols);
    memset(fk, 0, sizeof *fk);
}

static int fk_dup(sqlast_fk *d, const sqlast_fk *s)
{
    *d = *s;
    d->name = d->ref_table = NULL;
    d->cols = d->ref_cols = NULL;
    d->ncols = d->nref = 0;
    if ((s->name && !(d->name = strdup(s->name))) ||
        (s->ref_table && !(d->ref_table = strdup(s->ref_table))))
        return -1;
    if (s->ncols && !(d->cols = calloc((size_t)s->ncols, sizeof *d->cols))) return -1;
    for (; d->ncols < s->ncols; d->ncols++)
        if (!(d->cols[d->ncols] = strdup(s->cols[d->ncols]))) return -1;
    if (s->nref && !(d->ref_cols = calloc((size_t)s->nref, sizeof *d->ref_cols))) return -1;
    for (; d->nref < s->nref; d->nref++)
        if (!(d->ref_cols[d->nref] = strdup(s->ref_cols[d->nref]))) return -1;
    return 0;
}

void sqlast_seqopts_free(sqlast_seqopts *o)
{
    if (!o) return;
    free(o->owned_table);
    free(o->owned_col);
    free(o->seq_name);
    free(o);
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
        sqlast_seqopts_free(s->cols[i].seqopts);
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
    free(s->gsets);
    sqlast_expr_free(s->having);
    for (int i = 0; i < s->norder; i++) sqlast_expr_free(s->order[i].expr);
    free(s->order);
    sqlast_expr_free(s->limit);
    sqlast_expr_free(s->offset);
    free(s->name);
    sqlast_seqopts_free(s->seqopts);
    for (int i = 0; i < s->nfks; i++) sqlast_fk_clear(&s->fks[i]);
    free(s->fks);
    for (int i = 0; i < s->nchecks; i++) {
        free(s->checks[i].name);
        free(s->checks[i].text);
        free(s->checks[i].column);
        sqlast_expr_free(s->checks[i].expr);
    }
    free(s->checks);
    for (int i = 0; i < s->nindexes; i++) {
        sqlast_index *x = &s->indexes[i];
        free(x->name);
        for (int k = 0; k < x->ncols; k++) free(x->cols[k]);
        for (int k = 0; x->exprs && k < x->nexprs; k++) free(x->exprs[k]);
        free(x->exprs);
        for (int k = 0; k < x->ninclude; k++) free(x->include[k]);
        free(x->cols);
        free(x->opt);
        free(x->include);
    }
    free(s->indexes);
    sqlast_role_free(s->role);
    free(s->comment);
    free(s->newname);
    free(s->value);
    free_names(s->prep_types, s->nprep_types);
    free(s->prep_type_locs);
    free(s->null_str);
    free_names(s->copy_cols, s->ncopy_cols);
    for (int i = 0; s->from && i < s->nfrom; i++) sqlast_from_free(s->from[i]);
    free(s->from);
    sqlast_stmt_free(s->larg);
    sqlast_stmt_free(s->rarg);
    for (int i = 0; s->ctes && i < s->nctes; i++) {
        free(s->ctes[i].name);
        free_names(s->ctes[i].colnames, s->ctes[i].ncolnames);
        sqlast_stmt_free(s->ctes[i].query);
    }
    free(s->ctes);
    for (int i = 0; s->distinct_on && i < s->ndistinct_on; i++) sqlast_expr_free(s->distinct_on[i]);
    free(s->distinct_on);
    sqlast_stmt_free(s->select);
    free(s->param_types);
    free(s->aggs);
    free(s->wins);
    free(s);
}

const char *sqlast_stmt_tag(const sqlast_stmt *s)
{
    switch (s->kind) {
    case SQLAST_CREATE_TABLE: return "CREATE TABLE";
    case SQLAST_ROLE: {
        static const char *tags[] = {"", "CREATE ROLE", "ALTER ROLE", "ALTER ROLE", "DROP ROLE", "GRANT",
                                     "REVOKE", "GRANT ROLE", "REVOKE ROLE", "REASSIGN OWNED", "DROP OWNED"};
        int a = s->role ? s->role->action : 0;
        if (s->role && s->role->objkind == 'D') return "ALTER DEFAULT PRIVILEGES";
        return a > 0 && a < (int)(sizeof tags / sizeof tags[0]) ? tags[a] : "ROLE";
    }
    case SQLAST_DROP_TABLE:
        return s->is_view ? "DROP VIEW" : s->is_sequence ? "DROP SEQUENCE" : "DROP TABLE";
    case SQLAST_CREATE_SEQUENCE: return "CREATE SEQUENCE";
    case SQLAST_DECLARE_CURSOR: return "DECLARE CURSOR";
    case SQLAST_ALTER_ADD_FK: return "ALTER TABLE";
    case SQLAST_LOCK_TABLE: return "LOCK TABLE";
    case SQLAST_ALTER_OWNER:
        return s->is_sequence ? "ALTER SEQUENCE" : s->is_view ? "ALTER VIEW" : "ALTER TABLE";
    case SQLAST_FETCH: return s->fetch_move ? "MOVE" : "FETCH";
    case SQLAST_CLOSE_CURSOR: return s->name ? "CLOSE CURSOR" : "CLOSE CURSOR ALL";
    case SQLAST_ALTER_SEQUENCE: return "ALTER SEQUENCE";
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_DROP_COLUMN:
    case SQLAST_ALTER_ADD_PK:
    case SQLAST_ALTER_DEFAULT:
    case SQLAST_ALTER_ADD_IDENTITY:
    case SQLAST_ALTER_ADD_CHECK: return "ALTER TABLE";
    case SQLAST_COMMENT: return "COMMENT";
    case SQLAST_CREATE_EXTENSION: return "CREATE EXTENSION";
    case SQLAST_CREATE_SCHEMA: return "CREATE SCHEMA";
    case SQLAST_DROP_SCHEMA: return "DROP SCHEMA";
    case SQLAST_ALTER_SCHEMA: return "ALTER SCHEMA";
    case SQLAST_CREATE_TYPE: return "CREATE TYPE";
    case SQLAST_ALTER_TYPE: return "ALTER TYPE";
    case SQLAST_DROP_TYPE: return "DROP TYPE";
    case SQLAST_DO: return "DO";
    case SQLAST_LISTEN: return "LISTEN";
    case SQLAST_UNLISTEN: return "UNLISTEN";
    case SQLAST_NOTIFY: return "NOTIFY";
    case SQLAST_DROP_EXTENSION: return "DROP EXTENSION";
    case SQLAST_RENAME:
    case SQLAST_ALTER_NOT_NULL:
    case SQLAST_ALTER_ADD_UNIQUE:
    case SQLAST_ALTER_COLUMN_TYPE:
    case SQLAST_ALTER_DROP_CONSTRAINT: return "ALTER TABLE";
    case SQLAST_CREATE_INDEX: return "CREATE INDEX";
    case SQLAST_DROP_INDEX: return "DROP INDEX";
    case SQLAST_RENAME_INDEX: return "ALTER INDEX";
    case SQLAST_REINDEX: return "REINDEX";
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
    case SQLAST_PREPARE: return "PREPARE";
    case SQLAST_VACUUM: return s->is_view ? "VACUUM" : "ANALYZE";
    case SQLAST_EXECUTE: return "EXECUTE";
    case SQLAST_EXPLAIN: return "EXPLAIN";
    case SQLAST_TRUNCATE: return "TRUNCATE TABLE";
    case SQLAST_CREATE_VIEW: return "CREATE VIEW";
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

/* Out of line: its sqlerr is large, and sqlast_expr_dup recurses as deep as the tree. */
static __attribute__((noinline)) int value_copy(sqlval *d, const sqlval *s)
{
    sqlerr err;
    return sqlval_copy(d, s, &err);
}

sqlast_expr *sqlast_expr_dup(const sqlast_expr *e)
{
    if (!e || sqlerr_stack_low()) return NULL; /* too deep: as out of memory */
    sqlast_expr *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *e;
    d->args = NULL;
    d->nargs = 0;
    d->name = d->qualifier = NULL;
    d->sub = NULL;
    d->subplan = NULL;
    d->filter = NULL;
    d->win = NULL;
    d->aorder = NULL;
    d->naorder = 0;
    sqlval_init_null(&d->value, e->value.type);
    if (!dup_str(&d->name, e->name) || !dup_str(&d->qualifier, e->qualifier) ||
        value_copy(&d->value, &e->value) || (e->sub && !(d->sub = sqlast_stmt_dup(e->sub))) ||
        (e->filter && !(d->filter = sqlast_expr_dup(e->filter))) ||
        (e->win && !(d->win = sqlast_window_dup(e->win))))
        goto fail;
    if (e->aorder) {
        if (!(d->aorder = calloc((size_t)e->naorder, sizeof *d->aorder))) goto fail;
        for (; d->naorder < e->naorder; d->naorder++) {
            d->aorder[d->naorder] = e->aorder[d->naorder];
            if (!(d->aorder[d->naorder].expr = sqlast_expr_dup(e->aorder[d->naorder].expr))) goto fail;
        }
    }
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

static sqlast_from *from_dup(const sqlast_from *f)
{
    if (!f) return NULL;
    sqlast_from *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *f;
    d->schema = d->name = d->alias = NULL;
    d->colnames = d->using_cols = d->defnames = NULL;
    d->deftypes = NULL;
    d->sub = NULL;
    d->func = d->quals = NULL;
    d->larg = d->rarg = NULL;
    if (f->ndef) {
        if (!(d->deftypes = malloc((size_t)f->ndef * sizeof *d->deftypes))) {
            sqlast_from_free(d);
            return NULL;
        }
        memcpy(d->deftypes, f->deftypes, (size_t)f->ndef * sizeof *d->deftypes);
    }
    if (!dup_names(&d->defnames, f->defnames, f->ndef) || !dup_str(&d->schema, f->schema) ||
        !dup_str(&d->name, f->name) ||
        !dup_str(&d->alias, f->alias) || !dup_names(&d->colnames, f->colnames, f->ncolnames) ||
        !dup_names(&d->using_cols, f->using_cols, f->nusing) || !dup_expr(&d->func, f->func) ||
        !dup_expr(&d->quals, f->quals) || (f->sub && !(d->sub = sqlast_stmt_dup(f->sub))) ||
        (f->larg && !(d->larg = from_dup(f->larg))) || (f->rarg && !(d->rarg = from_dup(f->rarg)))) {
        sqlast_from_free(d);
        return NULL;
    }
    return d;
}

/* The relational parts of a SELECT (FROM, set operations, WITH, DISTINCT ON, INSERT's
 * SELECT), into d whose fields were cleared. */
static bool dup_query(sqlast_stmt *d, const sqlast_stmt *s)
{
    if (s->from) {
        if (!(d->from = calloc((size_t)s->nfrom + 1, sizeof *d->from))) return false;
        for (; d->nfrom < s->nfrom; d->nfrom++)
            if (!(d->from[d->nfrom] = from_dup(s->from[d->nfrom]))) return false;
    }
    if ((s->larg && !(d->larg = sqlast_stmt_dup(s->larg))) ||
        (s->rarg && !(d->rarg = sqlast_stmt_dup(s->rarg))) ||
        (s->select && !(d->select = sqlast_stmt_dup(s->select))))
        return false;
    if (s->ctes) {
        if (!(d->ctes = calloc((size_t)s->nctes + 1, sizeof *d->ctes))) return false;
        for (; d->nctes < s->nctes; d->nctes++) {
            const sqlast_cte *c = &s->ctes[d->nctes];
            sqlast_cte *o = &d->ctes[d->nctes];
            o->location = c->location;
            o->ncolnames = c->ncolnames;
            if (!dup_str(&o->name, c->name) || !dup_names(&o->colnames, c->colnames, c->ncolnames) ||
                !(o->query = sqlast_stmt_dup(c->query))) {
                d->nctes++;
                return false;
            }
        }
    }
    if (s->distinct_on) {
        if (!(d->distinct_on = calloc((size_t)s->ndistinct_on + 1, sizeof *d->distinct_on)))
            return false;
        for (; d->ndistinct_on < s->ndistinct_on; d->ndistinct_on++)
            if (!dup_expr(&d->distinct_on[d->ndistinct_on], s->distinct_on[d->ndistinct_on])) {
                d->ndistinct_on++;
                return false;
            }
    }
    return true;
}

static sqlast_seqopts *seqopts_dup(const sqlast_seqopts *s)
{
    sqlast_seqopts *d = malloc(sizeof *d);
    if (!d) return NULL;
    *d = *s;
    d->owned_table = d->owned_col = d->seq_name = NULL;
    if ((s->seq_name && !(d->seq_name = strdup(s->seq_name))) ||
        (s->owned_table && !(d->owned_table = strdup(s->owned_table))) ||
        (s->owned_col && !(d->owned_col = strdup(s->owned_col)))) {
        sqlast_seqopts_free(d);
        return NULL;
    }
    return d;
}

void sqlast_role_free(sqlast_role *r)
{
    if (!r) return;
    free_names(r->roles, r->nroles);
    free_names(r->objects, r->nobjects);
    free_names(r->cols, r->ncols);
    free(r->colprivs);
    free(r->password);
    free(r->valid_until);
    free(r->newname);
    free(r);
}

static sqlast_role *role_dup(const sqlast_role *r)
{
    sqlast_role *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *r;
    d->roles = d->objects = d->cols = NULL;
    d->colprivs = NULL;
    d->password = d->valid_until = d->newname = NULL;
    d->nroles = d->nobjects = d->ncols = 0;
    if (r->ncols) {
        if (!dup_names(&d->cols, r->cols, r->ncols) ||
            !(d->colprivs = malloc((size_t)r->ncols * sizeof *d->colprivs))) {
            sqlast_role_free(d);
            return NULL;
        }
        d->ncols = r->ncols;
        memcpy(d->colprivs, r->colprivs, (size_t)r->ncols * sizeof *d->colprivs);
    }
    bool ok = dup_names(&d->roles, r->roles, r->nroles);
    d->nroles = d->roles ? r->nroles : 0;
    ok = ok && dup_names(&d->objects, r->objects, r->nobjects);
    d->nobjects = d->objects ? r->nobjects : 0;
    ok = ok && (!r->password || (d->password = strdup(r->password))) &&
         (!r->valid_until || (d->valid_until = strdup(r->valid_until))) &&
         (!r->newname || (d->newname = strdup(r->newname)));
    if (!ok) {
        sqlast_role_free(d);
        return NULL;
    }
    return d;
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
    d->pk = d->names = d->insert_cols = d->conflict_cols = d->copy_cols = d->prep_types = NULL;
    d->nprep_types = 0;
    d->rows = NULL;
    d->nrows = 0;
    d->conflict_set = d->set = d->targets = NULL;
    d->conflict_where = d->where = d->having = d->limit = d->offset = NULL;
    d->group = NULL;
    d->ngroup = 0;
    d->gsets = NULL;
    d->order = NULL;
    d->norder = 0;
    d->param_types = NULL;
    d->aggs = NULL; /* bound later, per plan */
    d->naggs = 0;
    d->wins = NULL;
    d->nwins = 0;
    d->from = NULL;
    d->nfrom = 0;
    d->larg = d->rarg = d->select = NULL;
    d->ctes = NULL;
    d->nctes = 0;
    d->distinct_on = NULL;
    d->ndistinct_on = 0;
    d->seqopts = NULL;
    d->fks = NULL;
    d->nfks = 0;
    d->checks = NULL;
    d->nchecks = 0;
    d->indexes = NULL;
    d->nindexes = 0;
    d->role = NULL;
    d->comment = NULL;
    d->newname = NULL;
    if (!dup_query(d, s)) goto fail;
    if (s->role && !(d->role = role_dup(s->role))) goto fail;
    if (s->nindexes) {
        if (!(d->indexes = calloc((size_t)s->nindexes, sizeof *d->indexes))) goto fail;
        for (; d->nindexes < s->nindexes; d->nindexes++) {
            const sqlast_index *k = &s->indexes[d->nindexes];
            sqlast_index *o = &d->indexes[d->nindexes];
            *o = *k;
            o->name = NULL;
            o->cols = o->include = o->exprs = NULL;
            o->opt = NULL;
            o->ncols = o->ninclude = 0;
            bool ok = dup_str(&o->name, k->name) &&
                      (o->exprs = calloc((size_t)k->nexprs + 1, sizeof *o->exprs)) &&
                      (o->cols = calloc((size_t)k->ncols + 1, sizeof *o->cols)) &&
                      (o->opt = calloc((size_t)k->ncols + 1, 1)) &&
                      (o->include = calloc((size_t)k->ninclude + 1, sizeof *o->include));
            if (ok) o->nexprs = k->nexprs;
            for (int j = 0; ok && j < k->nexprs; j++)
                if (k->exprs && !dup_str(&o->exprs[j], k->exprs[j])) ok = false;
            for (; ok && o->ncols < k->ncols; o->ncols++) {
                o->opt[o->ncols] = k->opt[o->ncols];
                if (!dup_str(&o->cols[o->ncols], k->cols[o->ncols])) ok = false;
            }
            for (; ok && o->ninclude < k->ninclude; o->ninclude++)
                if (!dup_str(&o->include[o->ninclude], k->include[o->ninclude])) ok = false;
            if (!ok) {
                d->nindexes++;
                goto fail;
            }
        }
    }
    if (!dup_str(&d->newname, s->newname)) goto fail;
    if (s->nchecks) {
        if (!(d->checks = calloc((size_t)s->nchecks, sizeof *d->checks))) goto fail;
        for (; d->nchecks < s->nchecks; d->nchecks++) {
            const sqlast_check *k = &s->checks[d->nchecks];
            sqlast_check *o = &d->checks[d->nchecks];
            o->location = k->location;
            if (!dup_str(&o->name, k->name) || !dup_str(&o->text, k->text) ||
                !dup_str(&o->column, k->column) || (k->expr && !(o->expr = sqlast_expr_dup(k->expr)))) {
                d->nchecks++;
                goto fail;
            }
        }
    }
    if (!dup_str(&d->comment, s->comment)) goto fail;
    if (s->nfks) {
        if (!(d->fks = calloc((size_t)s->nfks, sizeof *d->fks))) goto fail;
        for (; d->nfks < s->nfks; d->nfks++)
            if (fk_dup(&d->fks[d->nfks], &s->fks[d->nfks])) {
                d->nfks++;
                goto fail;
            }
    }
    if (s->seqopts && !(d->seqopts = seqopts_dup(s->seqopts))) goto fail;
    d->prep_type_locs = NULL;
    if (s->nprep_types) {
        if (!dup_names(&d->prep_types, s->prep_types, s->nprep_types)) goto fail;
        d->nprep_types = s->nprep_types;
        if (!(d->prep_type_locs = malloc((size_t)s->nprep_types * sizeof *d->prep_type_locs))) goto fail;
        memcpy(d->prep_type_locs, s->prep_type_locs, (size_t)s->nprep_types * sizeof *d->prep_type_locs);
    }
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
            o->seqopts = NULL;
            if (!dup_str(&o->name, c->name) || !dup_str(&o->type_name, c->type_name) ||
                !dup_expr(&o->def, c->def) ||
                (c->seqopts && !(o->seqopts = seqopts_dup(c->seqopts)))) {
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
    if (s->gsets) {
        if (!(d->gsets = malloc((size_t)s->ngsets * sizeof *d->gsets))) goto fail;
        memcpy(d->gsets, s->gsets, (size_t)s->ngsets * sizeof *d->gsets);
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
    walk_expr(e->filter, fn, ctx);
    for (int i = 0; e->aorder && i < e->naorder; i++) walk_expr(e->aorder[i].expr, fn, ctx);
    if (e->win) {
        for (int i = 0; i < e->win->npartition; i++) walk_expr(e->win->partition[i], fn, ctx);
        for (int i = 0; i < e->win->norder; i++) walk_expr(e->win->order[i].expr, fn, ctx);
        walk_expr(e->win->start, fn, ctx);
        walk_expr(e->win->end, fn, ctx);
    }
    if (e->sub) sqlast_stmt_walk(e->sub, fn, ctx);
}

static void walk_from(sqlast_from *f, sqlast_walk_fn fn, void *ctx)
{
    if (!f) return;
    fn(ctx, NULL, &f->location);
    if (f->sub) sqlast_stmt_walk(f->sub, fn, ctx);
    walk_expr(f->func, fn, ctx);
    walk_from(f->larg, fn, ctx);
    walk_from(f->rarg, fn, ctx);
    walk_expr(f->quals, fn, ctx);
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
    for (int i = 0; s->from && i < s->nfrom; i++) walk_from(s->from[i], fn, ctx);
    if (s->larg) sqlast_stmt_walk(s->larg, fn, ctx);
    if (s->rarg) sqlast_stmt_walk(s->rarg, fn, ctx);
    if (s->select) sqlast_stmt_walk(s->select, fn, ctx);
    for (int i = 0; s->ctes && i < s->nctes; i++) {
        fn(ctx, NULL, &s->ctes[i].location);
        sqlast_stmt_walk(s->ctes[i].query, fn, ctx);
    }
    for (int i = 0; s->distinct_on && i < s->ndistinct_on; i++) walk_expr(s->distinct_on[i], fn, ctx);
}
