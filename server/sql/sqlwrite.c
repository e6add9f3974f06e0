/* server/sql/sqlwrite.c — see sqlwrite.h. */
#include "server/sql/sqlwrite.h"
#include "server/sql/sqldate.h"

#include <stdlib.h>
#include <string.h>


const char *sqlwrite_allowed_forms(sqlschema_kind kind)
{
    switch (kind) {
    case SQLSCHEMA_G_COUNTER: return "Allowed for g_counter: SET c = c + n with n >= 0.";
    case SQLSCHEMA_PN_COUNTER: return "Allowed for pn_counter: SET c = c + n, SET c = c - n.";
    case SQLSCHEMA_OR_SET:
    case SQLSCHEMA_AW_SET:
        return "Allowed for sets: array_append(c, 'x'), c || ARRAY['x','y'], "
               "array_remove(c, 'x'), SET c = ARRAY[...].";
    case SQLSCHEMA_LWW_MAP:
        return "Allowed for lww_map: c || '{\"k\": \"v\"}'::jsonb, c - 'k', "
               "jsonb_set(c, '{k}', '\"v\"'), SET c = '{...}'::jsonb.";
    case SQLSCHEMA_MV_REGISTER: return "Allowed for mv_register: SET c = 'value'.";
    case SQLSCHEMA_LWW: return "Any expression of the column's type.";
    }
    return "";
}

/* Is e a reference to the column being assigned? */
static bool is_self(const sqlast_expr *e, const sqlschema_column *c, const sqlexpr_scope *sc)
{
    if (!e || e->kind != SQLAST_COLUMN || strcmp(e->name, c->name) != 0) return false;
    if (!e->qualifier) return true;
    return sc->alias ? !strcmp(e->qualifier, sc->alias) : !strcmp(e->qualifier, sc->table->name);
}

static bool mentions(const sqlast_expr *e, const sqlschema_column *c, const sqlexpr_scope *sc)
{
    if (!e) return false;
    if (is_self(e, c, sc)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (mentions(e->args[i], c, sc)) return true;
    return false;
}

static int bind_as_mode(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type t,
                        const sqlschema_column *c, bool strict, sqlerr *err);

static int bind_as(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type t, const sqlschema_column *c,
                   sqlerr *err)
{
    return bind_as_mode(e, sc, t, c, t == SQLVAL_TEXT && c->kind != SQLSCHEMA_LWW &&
                                         c->kind != SQLSCHEMA_MV_REGISTER, err);
}

static int refuse(const sqlschema_column *c, const sqlast_expr *e, sqlerr *err)
{
    sqlerr_set(err, "0A000", e->location,
               "feature not supported: this expression cannot update %s column \"%s\"",
               c->type_name, c->name);
    sqlerr_hint(err, "%s", sqlwrite_allowed_forms(c->kind));
    return SQL_ERR;
}

/* Binds e expecting type t. Assignments accept PostgreSQL's assignment casts (anything to
 * text, numbers between each other); set elements and map keys must already be text. */
static int assign_check(const sqlast_expr *e, sqlval_type t, const sqlschema_column *c,
                        bool strict, sqlerr *err)
{
    if (t == SQLVAL_UNKNOWN || e->type == SQLVAL_UNKNOWN || e->type == t) return SQL_OK;
    sqlval_type from = e->type, to = t;
    if (sqlval_type_is_array(t) && sqlval_type_is_array(e->type)) {
        /* int[] := numeric[], text[] := int[]: an array takes the assignment casts of its
         * elements */
        from = sqlval_array_elem(e->type);
        to = sqlval_array_elem(t);
        if (from == to) return SQL_OK;
    }
    bool ok = (sqlval_type_is_numeric(to) && sqlval_type_is_numeric(from)) ||
              (sqlval_type_is_text(to) && sqlval_type_is_text(from)) ||
              (!strict && sqlval_type_is_text(to)) ||
              /* timestamp := timestamptz, date := timestamp ... (implicit or assignment) */
              (sqldate_is_type(from) && sqldate_is_type(to) && sqldate_castable(from, to)) ||
              (sqlval_type_is_oidlike(to) && (sqlval_type_is_integer(from) || sqlval_type_is_oidlike(from))) ||
              (sqlval_type_is_integer(to) && sqlval_type_is_oidlike(from));
    if (!ok && t == SQLVAL_TEXTARRAY && sqlval_type_is_text(e->type)) ok = true;
    if (!ok && t == SQLVAL_JSONB && sqlval_type_is_text(e->type) && c->kind != SQLSCHEMA_LWW)
        ok = true; /* an lww_map's entries; a jsonb column has no cast from text */
    /* PostgreSQL's exprLocation: a cast's leftmost point ('x'::text points at 'x') */
    int loc = e->location;
    for (const sqlast_expr *a = e; a->kind == SQLAST_CAST && a->nargs && a->args[0]; a = a->args[0])
        if (a->args[0]->location >= 0 && a->args[0]->location < loc) loc = a->args[0]->location;
    if (!ok) {
        sqlerr_set(err, "42804", loc, "column \"%s\" is of type %s but expression is of type %s",
                   c->name, c->type_name, sqlval_type_name(e->type));
        sqlerr_hint(err, "You will need to rewrite or cast the expression.");
        return SQL_ERR;
    }
    return SQL_OK;
}

static int bind_as_mode(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type t,
                        const sqlschema_column *c, bool strict, sqlerr *err)
{
    if (sqlexpr_bind(e, sc, t, err)) return SQL_ERR;
    return assign_check(e, t, c, strict, err);
}

int sqlwrite_assign_check(const sqlast_expr *e, sqlval_type t, const sqlschema_column *c,
                          sqlerr *err)
{
    return assign_check(e, t, c, false, err);
}

int sqlwrite_classify(const sqlschema_table *t, int colidx, sqlast_expr *e, const sqlexpr_scope *sc,
                      sqlwrite_op *out, sqlerr *err)
{
    const sqlschema_column *c = &t->cols[colidx];
    memset(out, 0, sizeof(*out));
    out->colidx = colidx;
    out->sign = 1;
    if (c->pk_pos >= 0) {
        sqlerr_set(err, "0A000", e->location,
                   "feature not supported: updating primary key column \"%s\"", c->name);
        sqlerr_hint(err, "A row's key names it in every region: DELETE and INSERT instead.");
        return SQL_ERR;
    }
    if (e->kind == SQLAST_CONST && e->is_default) {
        if (c->kind != SQLSCHEMA_LWW && c->kind != SQLSCHEMA_MV_REGISTER) return refuse(c, e, err);
        /* SET c = DEFAULT: the column's default, NULL without one */
        e->is_default = false;
        sqlval_free(&e->value);
        if (c->has_default && c->default_now && c->type != SQLVAL_TIMESTAMPTZ) {
            /* now() as the column's type (CURRENT_DATE on a date column) */
            sqlast_expr *f = sqlast_expr_new(SQLAST_FUNC, e->location);
            if (!f || !(f->name = strdup("now"))) {
                sqlast_expr_free(f);
                return sqlerr_oom(err);
            }
            if (sqlast_expr_add_arg(e, f)) {
                sqlast_expr_free(f);
                return sqlerr_oom(err);
            }
            e->kind = SQLAST_CAST;
            e->cast_type = c->type;
            e->cast_typmod = 0;
        } else if (c->has_default && (c->default_now || c->default_uuid)) {
            e->kind = SQLAST_FUNC;
            free(e->name);
            if (!(e->name = strdup(c->default_uuid ? "gen_random_uuid" : "now"))) return sqlerr_oom(err);
        } else if (c->has_default) {
            if (sqlval_copy(&e->value, &c->default_value, err)) return SQL_ERR;
        } else {
            sqlval_init_null(&e->value, c->type);
        }
    }
    switch (c->kind) {
    case SQLSCHEMA_LWW:
    case SQLSCHEMA_MV_REGISTER:
        out->kind = SQLWRITE_ASSIGN;
        out->arg = e;
        return bind_as(e, sc, c->kind == SQLSCHEMA_LWW ? c->type : SQLVAL_TEXT, c, err);
    case SQLSCHEMA_G_COUNTER:
    case SQLSCHEMA_PN_COUNTER: {
        if (e->kind != SQLAST_OP || (e->op != SQLAST_OP_ADD && e->op != SQLAST_OP_SUB))
            return refuse(c, e, err);
        sqlast_expr *l = e->args[0], *r = e->args[1], *amount;
        if (is_self(l, c, sc)) amount = r;
        else if (e->op == SQLAST_OP_ADD && is_self(r, c, sc)) amount = l;
        else return refuse(c, e, err);
        if (mentions(amount, c, sc)) return refuse(c, e, err);
        if (e->op == SQLAST_OP_SUB && c->kind == SQLSCHEMA_G_COUNTER) {
            sqlerr_set(err, "22023", e->location, "g_counter column \"%s\" cannot be decremented",
                       c->name);
            sqlerr_hint(err, "%s Use pn_counter for a counter that goes down.",
                        sqlwrite_allowed_forms(c->kind));
            return SQL_ERR;
        }
        out->kind = SQLWRITE_INC;
        out->arg = amount;
        out->sign = e->op == SQLAST_OP_SUB ? -1 : 1;
        if (bind_as(amount, sc, SQLVAL_INT8, c, err)) return SQL_ERR;
        if (!sqlval_type_is_integer(amount->type) && amount->type != SQLVAL_UNKNOWN) {
            sqlerr_set(err, "42804", amount->location, "counter increment must be an integer, not %s",
                       sqlval_type_name(amount->type));
            return SQL_ERR;
        }
        return SQL_OK;
    }
    case SQLSCHEMA_OR_SET:
    case SQLSCHEMA_AW_SET:
        if (e->kind == SQLAST_FUNC && e->nargs == 2 && is_self(e->args[0], c, sc) &&
            (!strcmp(e->name, "array_append") || !strcmp(e->name, "array_remove"))) {
            if (mentions(e->args[1], c, sc)) return refuse(c, e, err);
            out->kind = e->name[6] == 'a' ? SQLWRITE_SET_ADD : SQLWRITE_SET_REMOVE;
            out->arg = e->args[1];
            return bind_as(e->args[1], sc, SQLVAL_TEXT, c, err);
        }
        if (e->kind == SQLAST_OP && e->op == SQLAST_OP_CONCAT && is_self(e->args[0], c, sc)) {
            if (mentions(e->args[1], c, sc)) return refuse(c, e, err);
            out->kind = SQLWRITE_SET_ADD;
            out->arg = e->args[1];
            return bind_as(e->args[1], sc, SQLVAL_TEXTARRAY, c, err);
        }
        if (mentions(e, c, sc)) return refuse(c, e, err);
        out->kind = SQLWRITE_SET_REPLACE;
        out->arg = e;
        return bind_as(e, sc, SQLVAL_TEXTARRAY, c, err);
    case SQLSCHEMA_LWW_MAP:
        if (e->kind == SQLAST_OP && e->op == SQLAST_OP_CONCAT && is_self(e->args[0], c, sc)) {
            if (mentions(e->args[1], c, sc)) return refuse(c, e, err);
            out->kind = SQLWRITE_MAP_PUT;
            out->arg = e->args[1];
            return bind_as(e->args[1], sc, SQLVAL_JSONB, c, err);
        }
        if (e->kind == SQLAST_OP && e->op == SQLAST_OP_SUB && is_self(e->args[0], c, sc)) {
            if (mentions(e->args[1], c, sc)) return refuse(c, e, err);
            out->kind = SQLWRITE_MAP_REMOVE;
            out->arg = e->args[1];
            return bind_as(e->args[1], sc, SQLVAL_TEXT, c, err);
        }
        if (e->kind == SQLAST_FUNC && !strcmp(e->name, "jsonb_set") && e->nargs == 3 &&
            is_self(e->args[0], c, sc)) {
            if (mentions(e->args[1], c, sc) || mentions(e->args[2], c, sc)) return refuse(c, e, err);
            out->kind = SQLWRITE_MAP_SET;
            out->arg = e->args[1];
            out->arg2 = e->args[2];
            if (bind_as(e->args[1], sc, SQLVAL_TEXTARRAY, c, err)) return SQL_ERR;
            return bind_as(e->args[2], sc, SQLVAL_JSONB, c, err);
        }
        if (mentions(e, c, sc)) return refuse(c, e, err);
        out->kind = SQLWRITE_MAP_REPLACE;
        out->arg = e;
        return bind_as(e, sc, SQLVAL_JSONB, c, err);
    }
    return refuse(c, e, err);
}

int sqlwrite_amount(const sqlschema_table *t, const sqlwrite_op *op, const sqlexpr_ctx *ctx,
                    int64_t *out, sqlerr *err)
{
    const sqlschema_column *c = &t->cols[op->colidx];
    sqlval v, n;
    if (sqlexpr_eval(op->arg, ctx, &v, err)) return SQL_ERR;
    int rc = sqlval_cast(&v, SQLVAL_INT8, &n, err);
    sqlval_free(&v);
    if (rc) return SQL_ERR;
    if (n.isnull)
        return sqlerr_set(err, "22004", op->arg->location,
                          "counter column \"%s\" cannot be incremented by NULL", c->name);
    int64_t amount = n.u.i;
    if (op->sign < 0) {
        if (amount == INT64_MIN) return sqlerr_set(err, "22003", op->arg->location, "bigint out of range");
        amount = -amount;
    }
    if (c->kind == SQLSCHEMA_G_COUNTER && amount < 0) {
        sqlerr_set(err, "22023", op->arg->location,
                   "g_counter column \"%s\" cannot be decremented (increment %lld)", c->name,
                   (long long)amount);
        sqlerr_hint(err, "%s", sqlwrite_allowed_forms(c->kind));
        return SQL_ERR;
    }
    *out = amount;
    return SQL_OK;
}
