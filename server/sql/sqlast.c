/* server/sql/sqlast.c — see sqlast.h. */
#include "server/sql/sqlast.h"

#include <stdlib.h>

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
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

static void free_targets(sqlast_target *t, int n)
{
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
    }
    return "";
}
