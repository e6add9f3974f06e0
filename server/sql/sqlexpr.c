/*
 * server/sql/sqlexpr.c — see sqlexpr.h.
 *
 * Index: small helpers, binding (bind_rec and per-kind helpers), arithmetic, jsonb helpers
 * (jansson stays inside this file), LIKE, functions, evaluation (eval), aggregates.
 */
#include "server/sql/sqlexpr.h"
#include "server/sql/sqlregex.h"
#include "server/sql/sqljson.h"
#include "proto/pginet.h"
#include "server/sql/sqlenum.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqlcatalog.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqlnum.h"

#include "crdt/row.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* ------------------------------------------------------------------ helpers */

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static bool is_int(sqlval_type t)
{
    return sqlval_type_is_integer(t);
}

static bool is_float(sqlval_type t)
{
    return t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8;
}

static bool is_textish(sqlval_type t)
{
    return sqlval_type_is_text(t);
}

static const char *tname(sqlval_type t)
{
    return t == SQLVAL_UNKNOWN ? "unknown" : sqlval_type_name(t);
}

static const char *op_symbol(int op)
{
    static const char *s[] = {"+", "-", "*", "/", "%", "-", "=", "<>", "<", "<=", ">", ">=",
                              "||", "->", "->>", "~", "="};
    return op >= 0 && op < (int)(sizeof(s) / sizeof(s[0])) ? s[op] : "?";
}

static bool is_comparison(int op)
{
    return op >= SQLAST_OP_EQ && op <= SQLAST_OP_GE;
}

static int int_width_rank(sqlval_type t)
{
    return t == SQLVAL_INT2 ? 1 : t == SQLVAL_INT4 ? 2 : 3;
}

/* Result type of an arithmetic operator, SQLVAL_NTYPES when there is none. */
static sqlval_type arith_type(sqlval_type l, sqlval_type r)
{
    if (l == SQLVAL_UNKNOWN) l = r;
    if (r == SQLVAL_UNKNOWN) r = l;
    if (l == SQLVAL_UNKNOWN) return SQLVAL_NUMERIC; /* '1' + '2': PostgreSQL refuses; we compute */
    if (!sqlval_type_is_numeric(l) || !sqlval_type_is_numeric(r)) return SQLVAL_NTYPES;
    if (l == SQLVAL_OID) l = SQLVAL_INT8;
    if (r == SQLVAL_OID) r = SQLVAL_INT8;
    /* PostgreSQL: real op real is real; real with anything else resolves to the float48 /
     * float84 operators (float8 is the category's preferred type), so double precision */
    if (is_float(l) || is_float(r))
        return l == SQLVAL_FLOAT4 && r == SQLVAL_FLOAT4 ? SQLVAL_FLOAT4 : SQLVAL_FLOAT8;
    if (l == SQLVAL_NUMERIC || r == SQLVAL_NUMERIC) return SQLVAL_NUMERIC;
    return int_width_rank(l) >= int_width_rank(r) ? l : r;
}

/* The casts sqlval_cast performs, so a cast it would refuse is refused while binding, as
 * PostgreSQL does (NULL::int::jsonb is 42846 too, though the NULL never reaches a cast). */
static bool castable(sqlval_type from, sqlval_type to)
{
    if (from == to || from == SQLVAL_UNKNOWN || sqlval_type_is_text(from) || sqlval_type_is_text(to))
        return true;
    if (sqlval_type_is_array(from) && sqlval_type_is_array(to)) /* element by element */
        return castable(sqlval_array_elem(from), sqlval_array_elem(to));
    if (sqldate_is_type(from) || sqldate_is_type(to)) return sqldate_castable(from, to);
    bool fnum = sqlval_type_is_integer(from) || from == SQLVAL_FLOAT4 || from == SQLVAL_FLOAT8 ||
                from == SQLVAL_NUMERIC;
    bool tnum = sqlval_type_is_integer(to) || to == SQLVAL_FLOAT4 || to == SQLVAL_FLOAT8 ||
                to == SQLVAL_NUMERIC;
    if (fnum && tnum) return true;
    /* oid <-> reg* and integers -> reg* (binary coercible in PostgreSQL) */
    if (sqlval_type_is_reg(to) && (sqlval_type_is_integer(from) || sqlval_type_is_reg(from)))
        return true;
    if (sqlval_type_is_reg(from) && (sqlval_type_is_integer(to) || sqlval_type_is_reg(to)))
        return true;
    if (from == SQLVAL_JSONB && (tnum || to == SQLVAL_BOOL)) return true; /* a jsonb scalar */
    if ((from == SQLVAL_INET || from == SQLVAL_CIDR) && (to == SQLVAL_INET || to == SQLVAL_CIDR)) return true;
    if ((from == SQLVAL_JSON && to == SQLVAL_JSONB) || (from == SQLVAL_JSONB && to == SQLVAL_JSON)) return true;
    return (from == SQLVAL_INT4 && to == SQLVAL_BOOL) || (from == SQLVAL_BOOL && to == SQLVAL_INT4);
}

/* PostgreSQL's select_common_type for COALESCE, NULLIF and CASE results: an unknown literal
 * yields; within the numeric category the type the other converts to implicitly wins (int2 <
 * int4 < int8 < numeric < real < double precision); otherwise the first known type. */
static int numeric_rank(sqlval_type t)
{
    switch (t) {
    case SQLVAL_INT2: return 1;
    case SQLVAL_INT4: return 2;
    case SQLVAL_INT8:
    case SQLVAL_OID: return 3;
    case SQLVAL_NUMERIC: return 4;
    case SQLVAL_FLOAT4: return 5;
    case SQLVAL_FLOAT8: return 6;
    default: return 0;
    }
}

static sqlval_type common_type(sqlval_type cur, sqlval_type next)
{
    if (cur == SQLVAL_UNKNOWN) return next;
    if (next == SQLVAL_UNKNOWN) return cur;
    if (sqldate_coercible(cur, next)) return next; /* date < timestamp < timestamptz */
    int a = numeric_rank(cur), b = numeric_rank(next);
    if (a && b) return b > a ? next : cur;
    return cur;
}

/* NULLIF(a, b) is typed by the "=" operator PostgreSQL resolves: its left input's type.
 * Integers compare across widths and reals with doubles (int48eq, float48eq: a keeps its type);
 * otherwise the operand is coerced, to numeric for integers and numeric, to double precision
 * when a float meets an integer or numeric on its right (float84eq wins on the preferred
 * type), while a real on the left stays real (float48eq). */
static sqlval_type nullif_type(sqlval_type a, sqlval_type b)
{
    if (a == SQLVAL_UNKNOWN) return b;
    if (b == SQLVAL_UNKNOWN || !numeric_rank(a) || !numeric_rank(b)) return a;
    bool ai = numeric_rank(a) <= 3, bi = numeric_rank(b) <= 3;
    if (a == SQLVAL_FLOAT4 || a == SQLVAL_FLOAT8) return a;
    if (ai && bi) return a;
    if (b == SQLVAL_FLOAT4 || b == SQLVAL_FLOAT8) return SQLVAL_FLOAT8;
    return SQLVAL_NUMERIC; /* integer or numeric with numeric */
}

static bool comparable(sqlval_type l, sqlval_type r)
{
    if (l == SQLVAL_JSON || r == SQLVAL_JSON) return false; /* json has no equality operator */
    if (l == SQLVAL_UNKNOWN || r == SQLVAL_UNKNOWN) return true;
    if (sqlval_type_is_numeric(l) && sqlval_type_is_numeric(r)) return true;
    if (is_textish(l) && is_textish(r)) return true;
    if (sqldate_comparable(l, r)) return true;
    if ((l == SQLVAL_INET || l == SQLVAL_CIDR) && (r == SQLVAL_INET || r == SQLVAL_CIDR)) return true;
    if (sqlval_type_is_array(l) && sqlval_type_is_array(r)) /* a text[]'s elements adapt */
        return l == SQLVAL_TEXTARRAY || r == SQLVAL_TEXTARRAY ||
               comparable(sqlval_array_elem(l), sqlval_array_elem(r));
    if ((sqlval_type_is_reg(l) && (sqlval_type_is_oidlike(r) || is_int(r))) ||
        (sqlval_type_is_reg(r) && (sqlval_type_is_oidlike(l) || is_int(l))))
        return true;
    return l == r;
}

/* ------------------------------------------------------------------ binding */

sqlval_type sqlexpr_common_type(sqlval_type a, sqlval_type b)
{
    return common_type(a, b);
}

bool sqlexpr_comparable(sqlval_type l, sqlval_type r)
{
    return comparable(l, r);
}

static int bind_rec(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type expected, bool in_agg,
                    sqlerr *err);

/* The statement parameters are numbered on (the outermost one). */
static sqlast_stmt *param_stmt(const sqlexpr_scope *sc)
{
    return sc->top ? sc->top : sc->stmt;
}

static void infer_param(sqlast_expr *e, sqlval_type t, const sqlexpr_scope *sc)
{
    sqlast_stmt *ps = param_stmt(sc);
    if (!e || e->kind != SQLAST_PARAM || t == SQLVAL_UNKNOWN || !ps) return;
    if (e->param > ps->nparams || !ps->param_types) return;
    sqlval_type *pt = &ps->param_types[e->param - 1];
    if (*pt == SQLVAL_UNKNOWN) *pt = t;
    e->type = *pt;
}

/* Binds two operands so that an untyped side ($n or 'literal') takes the other's type. */
static int bind_pair(sqlast_expr *l, sqlast_expr *r, const sqlexpr_scope *sc, bool in_agg,
                     sqlerr *err)
{
    if (bind_rec(l, sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
    if (bind_rec(r, sc, l->type, in_agg, err)) return SQL_ERR;
    if (l->kind == SQLAST_PARAM && l->type == SQLVAL_UNKNOWN) infer_param(l, r->type, sc);
    return SQL_OK;
}

static int bind_args(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type expected, bool in_agg,
                     sqlerr *err)
{
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && bind_rec(e->args[i], sc, expected, in_agg, err)) return SQL_ERR;
    return SQL_OK;
}

static int no_function(sqlerr *err, const sqlast_expr *e)
{
    if (e->name && !strncmp(e->name, "op@", 3) && e->nargs == 2) { /* jsonb @? / @@ jsonpath */
        sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                   tname(e->args[0]->type), e->name + 2, tname(e->args[1]->type));
        sqlerr_hint(err, "No operator matches the given name and argument types. You might need to "
                         "add explicit type casts.");
        return SQL_ERR;
    }
    char sig[256];
    size_t o = 0;
    sig[0] = 0;
    for (int i = 0; i < e->nargs && o < sizeof(sig); i++)
        o += (size_t)snprintf(sig + o, sizeof(sig) - o, "%s%s", i ? ", " : "",
                              e->args[i] ? tname(e->args[i]->type) : "unknown");
    sqlerr_set(err, "42883", e->location, "function %s(%s) does not exist", e->name, sig);
    sqlerr_hint(err, "No function matches the given name and argument types. You might need to "
                     "add explicit type casts.");
    return SQL_ERR;
}

/* The array functions over PostgreSQL's anycompatiblearray / anycompatible (array_append,
 * array_position ...) and anyarray (array_ndims, array_dims): sig holds an argument's kind,
 * 'A' an array, 'E' an element, 'I' an integer, 'a' any array; res the result, 'A' the
 * resolved array type, 'I' integer, 'P' integer[], 'T' text. */
static const struct array_fn {
    const char *name, *sig;
    char res;
    bool strict;
} array_fns[] = {
    {"array_append", "AE", 'A', false},   {"array_prepend", "EA", 'A', false},
    {"array_cat", "AA", 'A', false},      {"array_remove", "AE", 'A', false},
    {"array_replace", "AEE", 'A', false}, {"array_position", "AE", 'I', false},
    {"array_position", "AEI", 'I', false}, {"array_positions", "AE", 'P', false},
    {"array_ndims", "a", 'I', true},      {"array_dims", "a", 'T', true},
    {"trim_array", "AI", 'A', true},
};

static const struct array_fn *array_fn_find(const char *name, int nargs)
{
    for (size_t i = 0; i < sizeof array_fns / sizeof array_fns[0]; i++)
        if (!strcmp(array_fns[i].name, name) && (int)strlen(array_fns[i].sig) == nargs)
            return &array_fns[i];
    return NULL;
}

/* The common element type of anycompatible arguments (ts[i] of kind sig[i]: 'A' an array,
 * 'E' an element; others and untyped ones do not take part), as select_common_type; text
 * when none is typed. *ok false when an 'A' is no array or two elements have no common
 * type. */
static sqlval_type anycompat_elem(const sqlval_type *ts, const char *sig, int n, bool *ok)
{
    sqlval_type el = SQLVAL_UNKNOWN;
    for (int i = 0; i < n && *ok; i++) {
        sqlval_type t = ts[i];
        if ((sig[i] != 'A' && sig[i] != 'E') || t == SQLVAL_UNKNOWN) continue;
        if (sig[i] == 'A' && !sqlval_type_is_array(t)) *ok = false;
        else if (sig[i] == 'E' && sqlval_type_is_array(t)) *ok = false; /* nested arrays */
        if (!*ok) break;
        sqlval_type x = sig[i] == 'A' ? sqlval_array_elem(t) : t;
        if (el != SQLVAL_UNKNOWN && !comparable(el, x)) *ok = false;
        el = common_type(el, x);
    }
    return el == SQLVAL_UNKNOWN ? SQLVAL_TEXT : el;
}

static int bind_array_func(sqlast_expr *e, const struct array_fn *f, const sqlexpr_scope *sc,
                           bool in_agg, sqlerr *err)
{
    sqlval_type ts[SQLFUNC_MAX_ARGS];
    if (bind_args(e, sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
    for (int i = 0; i < e->nargs; i++) ts[i] = e->args[i]->type;
    bool ok = true;
    sqlval_type el = anycompat_elem(ts, f->sig, e->nargs, &ok);
    sqlval_type arrt = sqlval_array_of(el);
    for (int i = 0; i < e->nargs && ok; i++) {
        sqlval_type t = ts[i];
        if (f->sig[i] == 'a') ok = t == SQLVAL_UNKNOWN || sqlval_type_is_array(t);
        if (f->sig[i] == 'I') ok = t == SQLVAL_UNKNOWN || is_int(t);
    }
    if (!ok || arrt == SQLVAL_NTYPES) return no_function(err, e);
    for (int i = 0; i < e->nargs; i++)
        infer_param(e->args[i], f->sig[i] == 'A' || f->sig[i] == 'a' ? arrt : f->sig[i] == 'E' ? el : SQLVAL_INT4, sc);
    e->cast_type = arrt;
    e->type = f->res == 'A' ? arrt : f->res == 'I' ? SQLVAL_INT4 : f->res == 'P' ? SQLVAL_INT4ARRAY : SQLVAL_TEXT;
    return SQL_OK;
}

/* ---- whole rows -------------------------------------------------------------------------
 *
 * A FROM item's name where a value is expected (row_to_json(t), json_agg(t), SELECT t FROM t)
 * and ROW(a, b) are the function _row(name1, v1, name2, v2, ...) over the item's columns
 * (ROW's: f1, f2, ...). Its value is the record's text, (1,"a b"); the json functions take it
 * as an object of its columns instead: row_to_json(t) and to_json(t) become _row_json(...),
 * to_jsonb(t) _row_jsonb(...), json_agg(t) / jsonb_agg(t) aggregate those, and (t).col is the
 * column. HeliosDB has no composite types otherwise: a record's type is text. */

static bool is_row(const sqlast_expr *e)
{
    return e && e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "_row");
}

static bool is_row_json(const sqlast_expr *e)
{
    return e && e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "_row_json");
}

static int bind_func(sqlast_expr *e, const sqlexpr_scope *sc, bool in_agg, sqlerr *err);

/* e (an unqualified name no column has) names a FROM item visible here: e becomes that item's
 * whole row, bound. 1 done, 0 no such item, SQL_ERR. */
static int bind_whole_row(sqlast_expr *e, const sqlexpr_scope *sc, sqlerr *err)
{
    const sqlexpr_nsitem *it = NULL;
    for (const sqlexpr_scope *l = sc; l && !it; l = l->parent)
        for (int i = 0; i < l->nns && !it; i++)
            if (l->ns[i].rel_visible && l->ns[i].name && !strcmp(l->ns[i].name, e->name))
                it = &l->ns[i];
    if (!it) return 0;
    char *rel = e->name;
    if (!(e->name = strdup("_row"))) {
        e->name = rel;
        return sqlerr_oom(err);
    }
    e->kind = SQLAST_FUNC;
    int rc = SQL_OK;
    for (int c = 0; c < it->ncols && !rc; c++) {
        if (!it->colnames[c] || (it->hidden && it->hidden[c])) continue;
        sqlast_expr *k = sqlast_expr_new(SQLAST_CONST, e->location);
        sqlast_expr *v = sqlast_expr_new(SQLAST_COLUMN, e->location);
        if (!k || !v || sqlval_set_str(&k->value, SQLVAL_TEXT, it->colnames[c], strlen(it->colnames[c]), err) ||
            !(v->name = strdup(it->colnames[c])) || !(v->qualifier = strdup(rel)) ||
            sqlast_expr_add_arg(e, k)) {
            sqlast_expr_free(k);
            sqlast_expr_free(v);
            rc = err->code[0] ? SQL_ERR : sqlerr_oom(err);
            break;
        }
        k->type = SQLVAL_TEXT;
        if (sqlast_expr_add_arg(e, v)) {
            sqlast_expr_free(v);
            rc = sqlerr_oom(err);
        }
    }
    if (rc) {
        free(rel);
        return SQL_ERR;
    }
    e->qualifier = rel; /* a FUNC's qualifier is its column name (figure_colname): t */
    return bind_func(e, sc, false, err) ? SQL_ERR : 1;
}

/* f(row, ...) once its arguments are bound: the json functions take the row as an object of
 * its columns, (row).col is the column. 1 done (e rewritten and bound), 0 not such a use,
 * SQL_ERR. */
static int bind_row_use(sqlast_expr *e, const sqlexpr_scope *sc, bool in_agg, sqlerr *err)
{
    const char *n = e->name;
    sqlast_expr *r = e->args[0];
    if (!strcmp(n, "_record_field") && e->nargs == 2 && e->args[1]->kind == SQLAST_CONST &&
        e->args[1]->value.s) {
        const char *fld = e->args[1]->value.s;
        for (int i = 0; i + 1 < r->nargs; i += 2) {
            const sqlval *k = &r->args[i]->value;
            if (!k->s || strcmp(k->s, fld)) continue;
            sqlast_expr *v = r->args[i + 1];
            r->args[i + 1] = NULL;
            if (v->kind != SQLAST_COLUMN) {
                /* named after the field, as PostgreSQL names (ROW(1, 2)).f2: coalesce(v) with
                   the field as its column name (figure_colname) */
                sqlast_expr *w = sqlast_expr_new(SQLAST_FUNC, v->location);
                if (!w || !(w->name = strdup("coalesce")) || !(w->qualifier = strdup(fld)) ||
                    sqlast_expr_add_arg(w, v)) {
                    r->args[i + 1] = v;
                    sqlast_expr_free(w);
                    return sqlerr_oom(err);
                }
                w->type = v->type;
                v = w;
            }
            /* e takes v's place: e's own parts go, v's node moves in */
            sqlast_expr tmp = *e;
            *e = *v;
            free(v);
            tmp.args[0] = r;
            for (int a = 0; a < tmp.nargs; a++) sqlast_expr_free(tmp.args[a]);
            free(tmp.args);
            free(tmp.name);
            free(tmp.qualifier);
            sqlval_free(&tmp.value);
            return 1;
        }
        if (r->qualifier && strcmp(r->qualifier, "row"))
            return sqlerr_set(err, "42703", r->location, "column %s.%s does not exist", r->qualifier, fld);
        return sqlerr_set(err, "42703", r->location, "could not identify column \"%s\" in record data type", fld);
    }
    const char *to = NULL;
    if (!strcmp(n, "row_to_json") && e->nargs == 2) { /* pretty: a constant */
        const sqlast_expr *p = e->args[1];
        if (p->kind != SQLAST_CONST || p->value.type != SQLVAL_BOOL)
            return sqlerr_unsupported(err, p->location, "row_to_json's pretty_bool other than a constant");
        to = !p->value.isnull && p->value.u.b ? "_row_json_pretty" : "_row_json";
    } else if ((!strcmp(n, "row_to_json") && e->nargs == 1) || (!strcmp(n, "to_json") && e->nargs == 1))
        to = "_row_json";
    else if (!strcmp(n, "to_jsonb") && e->nargs == 1)
        to = "_row_jsonb";
    if (!to) return 0;
    char *nn = strdup(to);
    if (!nn) return sqlerr_oom(err);
    for (int a = 1; a < e->nargs; a++) sqlast_expr_free(e->args[a]); /* row_to_json's pretty */
    free(e->args);
    free(e->qualifier);
    e->qualifier = e->name; /* still named row_to_json / to_json / to_jsonb (figure_colname) */
    e->name = nn;
    e->args = r->args;
    e->nargs = r->nargs;
    r->args = NULL;
    r->nargs = 0;
    sqlast_expr_free(r);
    e->funcid = 0;
    (void)in_agg;
    /* the arguments are bound: only the function is resolved */
    sqlval_type at[2] = {SQLVAL_TEXT, e->nargs > 1 ? e->args[1]->type : SQLVAL_TEXT};
    int ok = sqlfunc_resolve(e->name, at, e->nargs ? 2 : 0, &e->type, &e->funcid, err);
    if (ok <= 0) return ok < 0 ? SQL_ERR : no_function(err, e);
    e->funcid++;
    (void)sc;
    return 1;
}

static int bind_func(sqlast_expr *e, const sqlexpr_scope *sc, bool in_agg, sqlerr *err)
{
    const char *n = e->name;
    int na = e->nargs;
    if (na > SQLFUNC_MAX_ARGS && strcmp(n, "coalesce") && strcmp(n, "greatest") && strcmp(n, "least") &&
        strncmp(n, "_row", 4)) /* a whole row: two arguments per column */
        /* FUNC_MAX_ARGS, as ParseFuncOrColumn checks it (COALESCE, GREATEST, LEAST are no
         * functions there) */
        return sqlerr_set(err, "54023", e->location,
                          "cannot pass more than %d arguments to a function", SQLFUNC_MAX_ARGS);
    if (e->srfslot > 0) return SQL_OK; /* bound by the planner as a ProjectSet function */
    const struct array_fn *af = array_fn_find(n, na);
    if (af) return bind_array_func(e, af, sc, in_agg, err);
    if (na == 2 && (!strcmp(n, "op<<") || !strcmp(n, "op>>") || !strcmp(n, "op<<=") || !strcmp(n, "op>>=") ||
                    !strcmp(n, "&&"))) {
        /* inet << inet (is contained by), <<= (or equals), >> >>= (contains), && (overlaps) */
        sqlexpr_scope ts = *sc;
        bool net = false;
        sqlval_type t[2];
        for (int i = 0; i < 2; i++) {
            if (bind_rec(e->args[i], &ts, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
            t[i] = e->args[i]->type;
            net = net || t[i] == SQLVAL_INET || t[i] == SQLVAL_CIDR;
        }
        if (net || n[strlen(n) - 1] == '=') {
            for (int i = 0; i < 2; i++) {
                if (t[i] == SQLVAL_UNKNOWN) infer_param(e->args[i], SQLVAL_INET, sc);
                if (t[i] != SQLVAL_INET && t[i] != SQLVAL_CIDR && t[i] != SQLVAL_UNKNOWN) {
                    sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s", tname(t[0]),
                               n[0] == 'o' ? n + 2 : n, tname(t[1]));
                    sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                                     "need to add explicit type casts.");
                    return SQL_ERR;
                }
            }
            e->cast_type = SQLVAL_INET;
            e->type = SQLVAL_BOOL;
            return SQL_OK;
        }
    }
    if ((!strcmp(n, "@>") || !strcmp(n, "<@") || !strcmp(n, "&&")) && na == 2) {
        /* anyarray @> anyarray (arraycontains), <@ (arraycontained), && (arrayoverlap) */
        if (bind_pair(e->args[0], e->args[1], sc, in_agg, err)) return SQL_ERR;
        sqlval_type ts[2] = {e->args[0]->type, e->args[1]->type};
        if (n[0] != '&' && (ts[0] == SQLVAL_JSONB || ts[1] == SQLVAL_JSONB) &&
            (ts[0] == SQLVAL_JSONB || ts[0] == SQLVAL_UNKNOWN) &&
            (ts[1] == SQLVAL_JSONB || ts[1] == SQLVAL_UNKNOWN)) {
            /* jsonb @> jsonb, jsonb <@ jsonb */
            for (int i = 0; i < 2; i++) infer_param(e->args[i], SQLVAL_JSONB, sc);
            e->cast_type = SQLVAL_JSONB;
            e->type = SQLVAL_BOOL;
            return SQL_OK;
        }
        bool ok = true; /* anyarray: both of one type (an untyped side takes the other's) */
        sqlval_type el = anycompat_elem(ts, "AA", 2, &ok);
        if (ts[0] != SQLVAL_UNKNOWN && ts[1] != SQLVAL_UNKNOWN && ts[0] != ts[1]) ok = false;
        if (!ok || sqlval_array_of(el) == SQLVAL_NTYPES ||
            (ts[0] == SQLVAL_UNKNOWN && ts[1] == SQLVAL_UNKNOWN)) {
            sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                       tname(ts[0]), n, tname(ts[1]));
            sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                             "need to add explicit type casts.");
            return SQL_ERR;
        }
        for (int i = 0; i < 2; i++) infer_param(e->args[i], sqlval_array_of(el), sc);
        e->cast_type = sqlval_array_of(el);
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    }
    if ((!strcmp(n, "?") || !strcmp(n, "?|") || !strcmp(n, "?&") || !strcmp(n, "#>") ||
         !strcmp(n, "#>>") || !strcmp(n, "#-")) && na == 2) {
        /* jsonb ? text, jsonb ?| / ?& text[], jsonb #> / #>> text[] */
        bool one = !strcmp(n, "?");
        if (bind_rec(e->args[0], sc, SQLVAL_JSONB, in_agg, err) ||
            bind_rec(e->args[1], sc, one ? SQLVAL_TEXT : SQLVAL_TEXTARRAY, in_agg, err))
            return SQL_ERR;
        infer_param(e->args[0], SQLVAL_JSONB, sc);
        infer_param(e->args[1], one ? SQLVAL_TEXT : SQLVAL_TEXTARRAY, sc);
        sqlval_type l = e->args[0]->type, r = e->args[1]->type;
        bool json = l == SQLVAL_JSON && n[0] == '#' && n[1] == '>'; /* json #> / #>> (no ?, no #-) */
        bool ok = (l == SQLVAL_JSONB || l == SQLVAL_UNKNOWN || json) &&
                  (one ? is_textish(r) : (r == SQLVAL_TEXTARRAY || r == SQLVAL_UNKNOWN));
        if (!ok) {
            sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s", tname(l), n,
                       tname(r));
            sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                             "need to add explicit type casts.");
            return SQL_ERR;
        }
        e->type = n[0] == '?' ? SQLVAL_BOOL
                  : !strcmp(n, "#>") ? (json ? SQLVAL_JSON : SQLVAL_JSONB)
                  : !strcmp(n, "#-") ? SQLVAL_JSONB : SQLVAL_TEXT;
        return SQL_OK;
    }
    if (!strncmp(n, "op", 2) && strchr("&|#<>~", n[2]) && na == (n[2] == '~' ? 1 : 2)) {
        /* integer bitwise operators: & | # ~ and the shifts (result: the left operand's
         * type; & | # of two integer types: the wider) */
        for (int i = 0; i < na; i++) {
            if (bind_rec(e->args[i], sc, SQLVAL_INT4, in_agg, err)) return SQL_ERR;
            infer_param(e->args[i], SQLVAL_INT4, sc);
        }
        sqlval_type l = e->args[0]->type, r = na == 2 ? e->args[1]->type : SQLVAL_INT4;
        if (l == SQLVAL_UNKNOWN) l = SQLVAL_INT4;
        if (r == SQLVAL_UNKNOWN) r = SQLVAL_INT4;
        bool shift = n[2] == '<' || n[2] == '>';
        if (!sqlval_type_is_integer(l) || !sqlval_type_is_integer(r) || l == SQLVAL_OID ||
            r == SQLVAL_OID || (shift && r == SQLVAL_INT8)) {
            if (na == 1)
                sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s", n + 2, tname(l));
            else
                sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s", tname(l), n + 2,
                           tname(r));
            sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                             "need to add explicit type casts.");
            return SQL_ERR;
        }
        e->type = shift || na == 1 ? l
                  : l == SQLVAL_INT8 || r == SQLVAL_INT8 ? SQLVAL_INT8
                  : l == SQLVAL_INT4 || r == SQLVAL_INT4 ? SQLVAL_INT4
                                                         : SQLVAL_INT2;
        return SQL_OK;
    }
    static const char *const srfs[] = {"generate_series", "unnest", "generate_subscripts",
                                       "jsonb_array_elements", "jsonb_array_elements_text",
                                       "jsonb_object_keys", "jsonb_each", "jsonb_each_text",
                                       "json_array_elements", "json_array_elements_text",
                                       "json_object_keys", "json_each", "json_each_text",
                                       "_pg_expandarray", "_pg_expandarray_x", "_pg_expandarray_n",
                                       "pg_listening_channels", "regexp_matches",
                                       "regexp_split_to_table", "string_to_table",
                                       "jsonb_path_query"};
    for (size_t i = 0; i < sizeof srfs / sizeof srfs[0]; i++)
        if (!strcmp(n, srfs[i])) {
            /* the planner takes one in FROM or in a select-list expression (sqlplan.c) */
            if (sc->clause && (!strcmp(sc->clause, "WHERE") || !strcmp(sc->clause, "HAVING") ||
                               !strcmp(sc->clause, "JOIN/ON") || !strcmp(sc->clause, "check constraints") ||
                               !strcmp(sc->clause, "DEFAULT"))) {
                sqlerr_set(err, "0A000", e->location, "set-returning functions are not allowed in %s",
                           !strcmp(sc->clause, "JOIN/ON") ? "JOIN conditions" : sc->clause);
                return SQL_ERR;
            }
            char what[96];
            snprintf(what, sizeof what, "set-returning function %s() inside an expression", n);
            return sqlerr_unsupported(err, e->location, what);
        }
    if (bind_args(e, sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
    if (na >= 1 && is_row(e->args[0])) {
        int r = bind_row_use(e, sc, in_agg, err);
        if (r) return r < 0 ? SQL_ERR : SQL_OK;
        n = e->name;
        na = e->nargs;
    }
    sqlval_type a0 = na > 0 && e->args[0] ? e->args[0]->type : SQLVAL_UNKNOWN;
    if (!strcmp(n, "version") && na == 0) e->type = SQLVAL_TEXT;
    else if (!strcmp(n, "pg_typeof") && na == 1) e->type = SQLVAL_REGTYPE;
    else if ((!strcmp(n, "current_schema") || !strcmp(n, "current_database") ||
              !strcmp(n, "current_user") || !strcmp(n, "session_user")) && na == 0)
        e->type = SQLVAL_NAME;
    else if ((!strcmp(n, "now") || !strcmp(n, "transaction_timestamp") ||
              !strcmp(n, "statement_timestamp")) && na == 0)
        e->type = SQLVAL_TIMESTAMPTZ;
    else if (!strcmp(n, "current_date") && na == 0)
        e->type = SQLVAL_DATE;
    else if (!strcmp(n, "localtimestamp") && na == 0)
        e->type = SQLVAL_TIMESTAMP;
    else if (!strcmp(n, "localtime") && na == 0)
        e->type = SQLVAL_TIME;
    else if (!strcmp(n, "cardinality") && na == 1 && (sqlval_type_is_array(a0) || a0 == SQLVAL_UNKNOWN))
        e->type = SQLVAL_INT4;
    else if ((!strcmp(n, "[]") || !strncmp(n, "[:]", 3)) && na >= 1 && !sqlval_type_is_array(a0) &&
             a0 != SQLVAL_UNKNOWN && a0 != SQLVAL_JSONB && a0 != SQLVAL_JSON && a0 != SQLVAL_NAME) {
        /* (name subscripts to its "char"s: pg_dump reads typname[0]) */
        sqlerr_set(err, "42804", e->args[0]->location, "cannot subscript type %s because it does not support subscripting",
                   sqlval_type_name(a0));
        return SQL_ERR;
    }
    else if (!strncmp(n, "[:]", 3) && (sqlval_type_is_array(a0) || a0 == SQLVAL_UNKNOWN)) {
        for (int i = 1; i < na; i++) {
            if (!is_int(e->args[i]->type) && e->args[i]->type != SQLVAL_UNKNOWN) {
                sqlerr_set(err, "42804", e->args[i]->location, "array subscript must have type integer");
                return SQL_ERR;
            }
            infer_param(e->args[i], SQLVAL_INT4, sc);
        }
        /* a slice of an array is an array of its type (a catalog vector's: oid[] / int2[]) */
        e->type = a0 == SQLVAL_OIDVECTOR ? SQLVAL_OIDARRAY : a0 == SQLVAL_INT2VECTOR ? SQLVAL_INT2ARRAY
                  : a0 == SQLVAL_UNKNOWN ? SQLVAL_TEXTARRAY : a0;
    }
    else if (!strcmp(n, "[]") && na == 2 && sqlval_type_is_array(a0) && a0 != SQLVAL_TEXTARRAY &&
             (is_int(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN))
        e->type = sqlval_array_elem(a0); /* int[] subscript: an int */
    else if (!strcmp(n, "array_length") && na == 2 && (sqlval_type_is_array(a0) || a0 == SQLVAL_UNKNOWN) &&
             (is_int(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN))
        e->type = SQLVAL_INT4;
    else if ((!strcmp(n, "lower") || !strcmp(n, "upper")) && na == 1 && is_textish(a0))
        e->type = SQLVAL_TEXT;
    else if ((!strcmp(n, "length") || !strcmp(n, "char_length")) && na == 1 && is_textish(a0))
        e->type = SQLVAL_INT4;
    else if (!strcmp(n, "abs") && na == 1 && sqlval_type_is_numeric(a0))
        e->type = a0;
    else if (!strcmp(n, "jsonb_set") && (na == 3 || na == 4) &&
             (a0 == SQLVAL_JSONB || a0 == SQLVAL_UNKNOWN))
        e->type = SQLVAL_JSONB;
    else if (!strcmp(n, "helios_crdt_state") && na == 1 && e->args[0]->kind == SQLAST_COLUMN)
        e->type = SQLVAL_JSONB;
    else if (!strcmp(n, "helios_digest") && na == 0)
        e->type = SQLVAL_TEXT;
    else if (!strcmp(n, "pg_backend_pid") && na == 0)
        e->type = SQLVAL_INT4;
    else if (!strcmp(n, "inet_client_addr") && na == 0)
        e->type = SQLVAL_INET;
    else if (!strcmp(n, "inet_client_port") && na == 0)
        e->type = SQLVAL_INT4;
    else if (!strcmp(n, "_record_field") && na == 2 && e->args[1]->value.s &&
             strcmp(e->args[1]->value.s, "x") && strcmp(e->args[1]->value.s, "n"))
        return sqlerr_unsupported(err, e->location, "field selection (other than of a whole row, a ROW() or _pg_expandarray)");
    else if (!strcmp(n, "_record_field") && na == 2) /* (rec).x: untyped, (rec).n: int */
        e->type = e->args[1]->kind == SQLAST_CONST && e->args[1]->value.s && !strcmp(e->args[1]->value.s, "n")
                      ? SQLVAL_INT4 : SQLVAL_UNKNOWN;
    else if ((!strcmp(n, "pg_cancel_backend") && na == 1) ||
             (!strcmp(n, "pg_terminate_backend") && (na == 1 || na == 2))) {
        if (!sqlval_type_is_integer(a0) && a0 != SQLVAL_UNKNOWN) return no_function(err, e);
        infer_param(e->args[0], SQLVAL_INT4, sc);
        if (na == 2) infer_param(e->args[1], SQLVAL_INT8, sc);
        e->type = SQLVAL_BOOL;
    }
    else if (!strcmp(n, "pg_blocking_pids") && na == 1) {
        if (!sqlval_type_is_integer(a0) && a0 != SQLVAL_UNKNOWN) return no_function(err, e);
        infer_param(e->args[0], SQLVAL_INT4, sc);
        e->type = SQLVAL_INT4ARRAY;
    }
    else if (!strcmp(n, "pg_notify") && na == 2) {
        if ((!is_textish(a0) && a0 != SQLVAL_UNKNOWN) ||
            (!is_textish(e->args[1]->type) && e->args[1]->type != SQLVAL_UNKNOWN))
            return no_function(err, e);
        infer_param(e->args[0], SQLVAL_TEXT, sc);
        infer_param(e->args[1], SQLVAL_TEXT, sc);
        e->type = SQLVAL_VOID;
    } else if ((!strcmp(n, "txid_current") || !strcmp(n, "txid_current_if_assigned")) && na == 0) {
        e->type = SQLVAL_INT8;
    } else if (!strcmp(n, "pg_notification_queue_usage") && na == 0) {
        e->type = SQLVAL_FLOAT8;
    }
    else if (!strcmp(n, "pg_sleep") && na == 1 &&
             (sqlval_type_is_numeric(a0) || a0 == SQLVAL_UNKNOWN)) {
        infer_param(e->args[0], SQLVAL_FLOAT8, sc);
        e->type = SQLVAL_VOID;
    } else if (!strcmp(n, "current_setting") && (na == 1 || na == 2) && is_textish(a0) &&
               (na == 1 || e->args[1]->type == SQLVAL_BOOL || e->args[1]->type == SQLVAL_UNKNOWN)) {
        infer_param(e->args[0], SQLVAL_TEXT, sc);
        if (na == 2) infer_param(e->args[1], SQLVAL_BOOL, sc);
        e->type = SQLVAL_TEXT;
    } else if ((!strcmp(n, "nextval") || !strcmp(n, "currval")) && na == 1 && is_textish(a0)) {
        infer_param(e->args[0], SQLVAL_TEXT, sc);
        e->type = SQLVAL_INT8;
    } else if (!strcmp(n, "lastval") && na == 0) {
        e->type = SQLVAL_INT8;
    } else if (!strcmp(n, "setval") && (na == 2 || na == 3) && is_textish(a0) &&
               (sqlval_type_is_integer(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN) &&
               (na == 2 || e->args[2]->type == SQLVAL_BOOL || e->args[2]->type == SQLVAL_UNKNOWN)) {
        infer_param(e->args[0], SQLVAL_TEXT, sc);
        infer_param(e->args[1], SQLVAL_INT8, sc);
        if (na == 3) infer_param(e->args[2], SQLVAL_BOOL, sc);
        e->type = SQLVAL_INT8;
    } else if (!strcmp(n, "set_config") && na == 3 && is_textish(a0) &&
               is_textish(e->args[1]->type) &&
               (e->args[2]->type == SQLVAL_BOOL || e->args[2]->type == SQLVAL_UNKNOWN)) {
        infer_param(e->args[0], SQLVAL_TEXT, sc);
        infer_param(e->args[1], SQLVAL_TEXT, sc);
        infer_param(e->args[2], SQLVAL_BOOL, sc);
        e->type = SQLVAL_TEXT;
    }
    else if ((!strcmp(n, "greatest") || !strcmp(n, "least")) && na >= 1) {
        e->type = SQLVAL_UNKNOWN;
        for (int i = 0; i < na; i++) e->type = common_type(e->type, e->args[i]->type);
        for (int i = 0; i < na; i++) {
            infer_param(e->args[i], e->type, sc);
            if (!comparable(e->type, e->args[i]->type)) {
                sqlerr_set(err, "42804", e->args[i]->location, "%s types %s and %s cannot be matched",
                           n[0] == 'g' ? "GREATEST" : "LEAST", tname(e->type), tname(e->args[i]->type));
                return SQL_ERR;
            }
        }
        if (e->type == SQLVAL_UNKNOWN) e->type = SQLVAL_TEXT;
    } else if ((!strcmp(n, "coalesce") && na >= 1) || (!strcmp(n, "nullif") && na == 2)) {
        e->type = SQLVAL_UNKNOWN;
        if (!strcmp(n, "nullif"))
            e->type = nullif_type(e->args[0]->type, e->args[1]->type);
        else
            for (int i = 0; i < na; i++) e->type = common_type(e->type, e->args[i]->type);
        for (int i = 0; i < na; i++) {
            infer_param(e->args[i], e->type, sc);
            if (!comparable(e->type, e->args[i]->type)) {
                sqlerr_set(err, "42804", e->args[i]->location, "%s types %s and %s cannot be matched",
                           !strcmp(n, "coalesce") ? "COALESCE" : "NULLIF", tname(e->type),
                           tname(e->args[i]->type));
                return SQL_ERR;
            }
        }
        if (e->type == SQLVAL_UNKNOWN) e->type = SQLVAL_TEXT;
    } else {
        /* the rest of the library (sqlfunc.h) */
        sqlval_type at[SQLFUNC_MAX_ARGS];
        bool row = !strncmp(n, "_row", 4); /* variadic "any": resolved by its first pair */
        if (row && na > 2) na = 2;
        if (na > SQLFUNC_MAX_ARGS) return no_function(err, e);
        for (int i = 0; i < na; i++) at[i] = e->args[i] ? e->args[i]->type : SQLVAL_UNKNOWN;
        if (sqlcatalog_func_resolve(n, at, na, &e->type)) {
            e->funcid = -1; /* evaluated by env->catalog */
            return SQL_OK;
        }
        int r = sqlfunc_resolve(n, at, na, &e->type, &e->funcid, err);
        if (r < 0) {
            /* PostgreSQL points at the call for an ambiguous one (parser_errposition) */
            if (!strcmp(err->code, "42725") && !err->position) err->position = e->location + 1;
            return SQL_ERR;
        }
        if (r == 0) return no_function(err, e);
        e->funcid++; /* 0: not a library function */
    }
    return SQL_OK;
}

static void mark_const_null(sqlast_expr *e);

/* An aggregate's result type from its argument's (count, sum, avg, min, max). */
/* corr, covar_pop, covar_samp, regr_*: (y, x) pairs of double precision */
static bool agg_regr(const char *n)
{
    return !strcmp(n, "corr") || !strncmp(n, "covar_", 6) || !strncmp(n, "regr_", 5);
}

/* variance, var_samp, var_pop, stddev, stddev_samp, stddev_pop */
static bool agg_var(const char *n)
{
    return !strcmp(n, "variance") || !strcmp(n, "var_samp") || !strcmp(n, "var_pop") ||
           !strcmp(n, "stddev") || !strcmp(n, "stddev_samp") || !strcmp(n, "stddev_pop");
}

/* 42883 for an ordered-set aggregate call: its direct arguments' and ORDER BY's types */
static int os_no_function(sqlerr *err, const sqlast_expr *e)
{
    char sig[256];
    size_t o = 0;
    sig[0] = 0;
    for (int i = 0; i < e->nargs + e->naorder && o < sizeof sig; i++) {
        const sqlast_expr *x = i < e->nargs ? e->args[i] : e->aorder[i - e->nargs].expr;
        o += (size_t)snprintf(sig + o, sizeof sig - o, "%s%s", i ? ", " : "", x ? tname(x->type) : "unknown");
    }
    sqlerr_set(err, "42883", e->location, "function %s(%s) does not exist", e->name, sig);
    sqlerr_hint(err, "No function matches the given name and argument types. You might need to "
                     "add explicit type casts.");
    return SQL_ERR;
}

/* percentile_cont / percentile_disc (fraction, or an array of fractions) and mode() WITHIN
 * GROUP (ORDER BY x): their result types, PostgreSQL's 42883 for anything else */
static int os_agg_type(sqlast_expr *e, sqlerr *err)
{
    const char *n = e->name;
    bool mode = !strcmp(n, "mode"), cont = !strcmp(n, "percentile_cont"), disc = !strcmp(n, "percentile_disc");
    if ((!mode && !cont && !disc) || e->naorder != 1 || e->nargs != (mode ? 0 : 1) || e->distinct)
        return os_no_function(err, e);
    sqlval_type k = e->aorder[0].expr->type;
    if (k == SQLVAL_UNKNOWN) k = SQLVAL_TEXT;
    if (mode) {
        e->type = k;
        return SQL_OK;
    }
    sqlval_type f = e->args[0]->type;
    bool arr = sqlval_type_is_array(f);
    if (arr ? f != SQLVAL_FLOAT8ARRAY && f != SQLVAL_NUMERICARRAY && f != SQLVAL_INT4ARRAY
            : !(sqlval_type_is_numeric(f) || f == SQLVAL_UNKNOWN))
        return os_no_function(err, e);
    if (cont) {
        if (!(sqlval_type_is_numeric(k) || k == SQLVAL_INTERVAL)) return os_no_function(err, e);
        k = k == SQLVAL_INTERVAL ? SQLVAL_INTERVAL : SQLVAL_FLOAT8;
    }
    e->type = arr ? sqlval_array_of(k) : k;
    if (e->type == SQLVAL_NTYPES) return os_no_function(err, e);
    return SQL_OK;
}

static int agg_type(sqlast_expr *e, sqlerr *err)
{
    if (!strcmp(e->name, "grouping")) { /* GROUPING(a, ...): the sets' bits (sqlplan checks a) */
        if (e->nargs >= 32)
            return sqlerr_set(err, "54011", e->location, "GROUPING must have fewer than 32 arguments");
        e->type = SQLVAL_INT4;
        return SQL_OK;
    }
    if (!strcmp(e->name, "_groupkey") && e->nargs == 1) { /* a grouping expression (sqlplan) */
        e->type = e->args[0]->type;
        return SQL_OK;
    }
    if (e->within_group) return os_agg_type(e, err);
    if (!e->star && e->nargs != sqlast_aggregate_nargs(e->name)) return no_function(err, e);
    sqlval_type a = e->nargs ? e->args[0]->type : SQLVAL_UNKNOWN;
    const char *n = e->name;
    /* json_agg(t) / jsonb_agg(t) of a whole row: of its objects ("rows" above) */
    if ((!strcmp(n, "json_agg") || !strcmp(n, "jsonb_agg")) && e->nargs == 1 && is_row(e->args[0])) {
        char *nn = strdup(n[4] == 'b' ? "_row_jsonb" : "_row_json");
        if (!nn) return sqlerr_oom(err);
        free(e->args[0]->name);
        e->args[0]->name = nn;
        sqlval_type at[2] = {SQLVAL_TEXT, SQLVAL_TEXT};
        int ok = sqlfunc_resolve(nn, at, 2, &e->args[0]->type, &e->args[0]->funcid, err);
        if (ok <= 0) return ok < 0 ? SQL_ERR : no_function(err, e);
        e->args[0]->funcid++;
    }
    if (!strcmp(n, "count")) e->type = SQLVAL_INT8;
    else if (!strcmp(n, "string_agg") && is_textish(a) && e->nargs == 2 && is_textish(e->args[1]->type))
        e->type = SQLVAL_TEXT;
    else if (!strcmp(n, "json_agg") || !strcmp(n, "json_object_agg"))
        e->type = SQLVAL_JSON;
    else if (!strcmp(n, "jsonb_agg") || !strcmp(n, "jsonb_object_agg"))
        e->type = SQLVAL_JSONB;
    else if (!strcmp(n, "array_agg") && (is_textish(a) || sqlval_type_is_array(a))) {
        if (sqlval_type_is_array(a)) return sqlerr_unsupported(err, e->location, "array_agg of arrays");
        e->type = a == SQLVAL_NAME ? SQLVAL_NAMEARRAY : SQLVAL_TEXTARRAY;
    } else if (!strcmp(n, "array_agg") && sqlval_array_of(a) != SQLVAL_NTYPES) {
        e->type = sqlval_array_of(a);
    } else if (!strcmp(n, "array_agg") && (sqlval_type_is_oidlike(a) || a == SQLVAL_CHAR)) {
        e->type = SQLVAL_TEXTARRAY; /* oid[], regtype[], "char"[]: held as text[] (sqlval.h) */
    } else if (!strcmp(n, "array_agg")) {
        char what[96];
        snprintf(what, sizeof what, "arrays of %s (only text arrays)", tname(a));
        return sqlerr_unsupported(err, e->location, what);
    } else if ((!strcmp(n, "bool_and") || !strcmp(n, "bool_or") || !strcmp(n, "every")) &&
               (a == SQLVAL_BOOL || a == SQLVAL_UNKNOWN))
        e->type = SQLVAL_BOOL;
    else if (!strcmp(n, "sum") && sqlval_type_is_numeric(a))
        e->type = a == SQLVAL_INT2 || a == SQLVAL_INT4 ? SQLVAL_INT8
                  : is_int(a)                          ? SQLVAL_NUMERIC
                                                       : a;
    else if (!strcmp(n, "avg") && sqlval_type_is_numeric(a))
        e->type = is_float(a) ? SQLVAL_FLOAT8 : SQLVAL_NUMERIC;
    else if (agg_var(n) && sqlval_type_is_numeric(a))
        e->type = is_float(a) ? SQLVAL_FLOAT8 : SQLVAL_NUMERIC;
    else if (!strncmp(n, "bit_", 4) && is_int(a))
        e->type = a;
    else if (agg_regr(n) && (sqlval_type_is_numeric(a) || a == SQLVAL_UNKNOWN) && e->nargs == 2 &&
             (sqlval_type_is_numeric(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN)) {
        if (e->distinct) return sqlerr_unsupported(err, e->location, "DISTINCT in a two-argument aggregate");
        e->type = !strcmp(n, "regr_count") ? SQLVAL_INT8 : SQLVAL_FLOAT8;
    }
    else if ((!strcmp(n, "sum") || !strcmp(n, "avg")) && a == SQLVAL_INTERVAL)
        e->type = SQLVAL_INTERVAL;
    else if ((!strcmp(n, "min") || !strcmp(n, "max")) && a != SQLVAL_BYTEA && a != SQLVAL_JSONB)
        e->type = a == SQLVAL_UNKNOWN ? SQLVAL_TEXT : a;
    else
        return no_function(err, e);
    return SQL_OK;
}

/* name(args) OVER (...): PostgreSQL's window functions and the aggregates. */
static int bind_winfunc(sqlast_expr *e, const sqlexpr_scope *sc, bool in_agg, sqlerr *err)
{
    if (in_agg)
        return sqlerr_set(err, "42803", e->location,
                          "aggregate function calls cannot contain window function calls");
    if (sc->in_window)
        return sqlerr_set(err, "42P20", e->location, "window function calls cannot be nested");
    if (!sc->allow_windows || !sc->stmt)
        return sqlerr_set(err, "42P20", e->location, "window functions are not allowed in %s",
                          sc->clause ? sc->clause : "this context");
    if (e->naorder)
        return sqlerr_set(err, "0A000", e->location, "aggregate ORDER BY is not implemented for window functions");
    if (e->distinct)
        return sqlerr_set(err, "0A000", e->location, "DISTINCT is not implemented for window functions");
    sqlexpr_scope ws = *sc;
    ws.allow_windows = false;
    ws.in_window = true;
    if (bind_args(e, &ws, SQLVAL_UNKNOWN, false, err)) return SQL_ERR;
    for (int i = 0; i < e->naorder; i++)
        if (bind_rec(e->aorder[i].expr, &ws, SQLVAL_UNKNOWN, false, err)) return SQL_ERR;
    sqlast_window *w = e->win;
    for (int i = 0; i < w->npartition; i++)
        if (bind_rec(w->partition[i], &ws, SQLVAL_UNKNOWN, false, err)) return SQL_ERR;
    for (int i = 0; i < w->norder; i++)
        if (bind_rec(w->order[i].expr, &ws, SQLVAL_UNKNOWN, false, err)) return SQL_ERR;
    sqlexpr_scope os = ws;
    os.clause = (w->frame & SQLAST_FRAME_ROWS) ? "ROWS" : (w->frame & SQLAST_FRAME_GROUPS) ? "GROUPS" : "RANGE";
    if ((w->frame & SQLAST_FRAME_GROUPS) && !w->norder)
        return sqlerr_set(err, "42P20", w->location, "GROUPS mode requires an ORDER BY clause");
    bool range_off = (w->frame & SQLAST_FRAME_RANGE) &&
                     (w->frame & (SQLAST_FRAME_START_OFFSET_PRECEDING | SQLAST_FRAME_START_OFFSET_FOLLOWING |
                                  SQLAST_FRAME_END_OFFSET_PRECEDING | SQLAST_FRAME_END_OFFSET_FOLLOWING));
    /* RANGE offsets: of the ORDER BY column's type (an interval for dates and times) */
    sqlval_type kt = w->norder ? w->order[0].expr->type : SQLVAL_UNKNOWN, want = SQLVAL_INT8;
    if (range_off) {
        if (w->norder != 1)
            return sqlerr_set(err, "42P20", w->location,
                              "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
        want = is_int(kt) ? SQLVAL_INT8
               : kt == SQLVAL_NUMERIC ? SQLVAL_NUMERIC
               : is_float(kt) ? SQLVAL_FLOAT8
               : sqldate_is_datetime(kt) || kt == SQLVAL_TIME || kt == SQLVAL_INTERVAL ? SQLVAL_INTERVAL
                                                                                       : SQLVAL_UNKNOWN;
        if (want == SQLVAL_UNKNOWN) {
            const sqlast_expr *o = w->start ? w->start : w->end;
            return sqlerr_set(err, "0A000", o ? o->location : w->location,
                              "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", tname(kt));
        }
    }
    for (int k = 0; k < 2; k++) {
        sqlast_expr *o = k ? w->end : w->start;
        if (!o) continue;
        bool untyped = o->kind == SQLAST_CONST && o->value.type == SQLVAL_UNKNOWN;
        if (bind_rec(o, &os, range_off && !untyped ? SQLVAL_UNKNOWN : want, false, err)) return SQL_ERR;
        if (range_off && !untyped) { /* a typed offset must suit the column (PostgreSQL's in_range) */
            sqlval_type ot = o->type;
            bool ok = is_int(kt) ? is_int(ot)
                      : kt == SQLVAL_NUMERIC ? (is_int(ot) || ot == SQLVAL_NUMERIC)
                      : is_float(kt) ? (is_int(ot) || is_float(ot) || ot == SQLVAL_NUMERIC)
                                      : ot == SQLVAL_INTERVAL;
            if (!ok) {
                sqlerr_set(err, "0A000", o->location,
                           "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s",
                           tname(kt), tname(ot));
                sqlerr_hint(err, "Cast the offset value to an appropriate type.");
                return SQL_ERR;
            }
        }
        if (!sqlexpr_is_constant(o) && o->kind != SQLAST_PARAM)
            return sqlerr_set(err, "42P10", o->location, "argument of %s must not contain variables",
                              os.clause);
    }
    if (e->filter) {
        sqlexpr_scope fs = ws;
        fs.clause = "FILTER";
        if (bind_rec(e->filter, &fs, SQLVAL_BOOL, false, err)) return SQL_ERR;
        mark_const_null(e->filter);
    }
    const char *n = e->name;
    int na = e->nargs;
    sqlval_type a0 = na ? e->args[0]->type : SQLVAL_UNKNOWN;
    if (!strcmp(n, "row_number") || !strcmp(n, "rank") || !strcmp(n, "dense_rank")) {
        if (na) return no_function(err, e);
        e->type = SQLVAL_INT8;
    } else if (!strcmp(n, "percent_rank") || !strcmp(n, "cume_dist")) {
        if (na) return no_function(err, e);
        e->type = SQLVAL_FLOAT8;
    } else if (!strcmp(n, "ntile")) {
        if (na != 1 || !(is_int(a0) || a0 == SQLVAL_UNKNOWN)) return no_function(err, e);
        e->type = SQLVAL_INT4;
    } else if (!strcmp(n, "lag") || !strcmp(n, "lead")) {
        if (na < 1 || na > 3 || (na >= 2 && !(is_int(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN)))
            return no_function(err, e);
        e->type = a0 == SQLVAL_UNKNOWN ? SQLVAL_TEXT : a0;
        if (na == 3) {
            e->type = common_type(a0, e->args[2]->type);
            if (e->type == SQLVAL_UNKNOWN) e->type = SQLVAL_TEXT;
            if (!comparable(e->type, e->args[2]->type)) return no_function(err, e);
        }
    } else if (!strcmp(n, "first_value") || !strcmp(n, "last_value")) {
        if (na != 1) return no_function(err, e);
        e->type = a0 == SQLVAL_UNKNOWN ? SQLVAL_TEXT : a0;
    } else if (!strcmp(n, "nth_value")) {
        if (na != 2 || !(is_int(e->args[1]->type) || e->args[1]->type == SQLVAL_UNKNOWN))
            return no_function(err, e);
        e->type = a0 == SQLVAL_UNKNOWN ? SQLVAL_TEXT : a0;
    } else if (agg_type(e, err)) {
        return SQL_ERR;
    }
    sqlast_stmt *st = sc->stmt;
    sqlast_expr **grown = realloc(st->wins, (size_t)(st->nwins + 1) * sizeof(*grown));
    if (!grown) return sqlerr_oom(err);
    st->wins = grown;
    e->winno = st->nwins;
    st->wins[st->nwins++] = e;
    return SQL_OK;
}

static int bind_agg(sqlast_expr *e, const sqlexpr_scope *sc, bool in_agg, sqlerr *err)
{
    if (in_agg)
        return sqlerr_set(err, "42803", e->location, "aggregate function calls cannot be nested");
    if (!sc->allow_aggs || !sc->stmt)
        return sqlerr_set(err, "42803", e->location, "aggregate functions are not allowed in %s",
                          sc->clause ? sc->clause : "this context");
    if (bind_args(e, sc, SQLVAL_UNKNOWN, true, err)) return SQL_ERR;
    for (int i = 0; i < e->naorder; i++)
        if (bind_rec(e->aorder[i].expr, sc, SQLVAL_UNKNOWN, true, err)) return SQL_ERR;
    if (e->filter) {
        sqlexpr_scope fs = *sc;
        fs.clause = "FILTER";
        if (bind_rec(e->filter, &fs, SQLVAL_BOOL, true, err)) return SQL_ERR;
        mark_const_null(e->filter);
        if (e->filter->type != SQLVAL_BOOL && e->filter->type != SQLVAL_UNKNOWN)
            return sqlerr_set(err, "42804", e->filter->location,
                              "argument of FILTER must be type boolean, not type %s",
                              tname(e->filter->type));
    }
    if (agg_type(e, err)) return SQL_ERR;
    sqlast_stmt *st = sc->stmt;
    sqlast_expr **grown = realloc(st->aggs, (size_t)(st->naggs + 1) * sizeof(*grown));
    if (!grown) return sqlerr_oom(err);
    st->aggs = grown;
    e->aggno = st->naggs;
    st->aggs[st->naggs++] = e;
    return SQL_OK;
}

/* A name against the FROM items of a query level: 1 found (e bound), 0 not there, SQL_ERR
 * (ambiguous). */
static int bind_ns(sqlast_expr *e, const sqlexpr_scope *sc, sqlerr *err)
{
    int found = 0;
    bool rel_seen = false;
    for (int i = 0; i < sc->nns; i++) {
        const sqlexpr_nsitem *it = &sc->ns[i];
        if (e->qualifier) {
            if (!it->rel_visible || !it->name || strcmp(it->name, e->qualifier)) continue;
            rel_seen = true;
        } else if (!it->cols_visible) {
            continue;
        }
        for (int c = 0; c < it->ncols; c++) {
            if (!it->colnames[c] || strcmp(it->colnames[c], e->name)) continue;
            if (found++)
                return sqlerr_set(err, "42702", e->location, "column reference \"%s\" is ambiguous",
                                  e->name);
            e->colidx = it->slots[c];
            e->type = it->coltypes[c];
        }
        if (e->qualifier && rel_seen) break;
    }
    if (!found && e->qualifier && rel_seen)
        return sqlerr_set(err, "42703", e->location, "column %s.%s does not exist", e->qualifier,
                          e->name);
    if (found && sc->used && *sc->used) (*sc->used)[e->colidx] = 1;
    return found ? 1 : 0;
}

static int bind_column(sqlast_expr *e, const sqlexpr_scope *sc, sqlerr *err)
{
    if (e->kind == SQLAST_COLUMN && (sc->ns || sc->parent)) {
        int up = 0;
        const char *invisible_in = NULL; /* a sibling has it, but may not be seen */
        for (const sqlexpr_scope *l = sc; l; l = l->parent, up++) {
            int r = bind_ns(e, l, err);
            if (r < 0) return SQL_ERR;
            if (r == 1 && l->invisible) {
                for (int i = 0; i < l->nns && !invisible_in; i++)
                    for (int k = 0; k < l->ns[i].ncols; k++)
                        if (l->ns[i].slots[k] == e->colidx && l->ns[i].name) {
                            invisible_in = l->ns[i].name;
                            break;
                        }
                if (!invisible_in) invisible_in = "?";
                continue;
            }
            if (r == 0) continue;
            e->levelsup = up;
            /* every level between here and the one that has the name is correlated */
            const sqlexpr_scope *m = sc;
            for (int k = 0; k < up && m; k++, m = m->parent)
                if (m->outer_ref) *m->outer_ref = true;
            return SQL_OK;
        }
        if (e->qualifier && invisible_in) {
            sqlerr_set(err, "42P01", e->location,
                       "invalid reference to FROM-clause entry for table \"%s\"", e->qualifier);
            sqlerr_hint(err, "There is an entry for table \"%s\", but it cannot be referenced from "
                             "this part of the query.", e->qualifier);
            return SQL_ERR;
        }
        if (e->qualifier) {
            /* PostgreSQL names a table the query has under another name in its hint */
            return sqlerr_set(err, "42P01", e->location,
                              "missing FROM-clause entry for table \"%s\"", e->qualifier);
        }
        if (!invisible_in) { /* a FROM item's name: its whole row */
            int wr = bind_whole_row(e, sc, err);
            if (wr) return wr < 0 ? SQL_ERR : SQL_OK;
        }
        sqlerr_set(err, "42703", e->location, "column \"%s\" does not exist", e->name);
        if (invisible_in)
            sqlerr_hint(err, "There is a column named \"%s\" in table \"%s\", but it cannot be "
                             "referenced from this part of the query.", e->name, invisible_in);
        return SQL_ERR;
    }
    if (e->kind == SQLAST_EXCLUDED && !sc->allow_excluded)
        return sqlerr_set(err, "42P01", e->location,
                          "missing FROM-clause entry for table \"excluded\"");
    if (e->qualifier) {
        bool ok = sc->table && (sc->alias ? !strcmp(e->qualifier, sc->alias)
                                          : !strcmp(e->qualifier, sc->table->name));
        if (!ok)
            return sqlerr_set(err, "42P01", e->location, "missing FROM-clause entry for table \"%s\"",
                              e->qualifier);
    }
    int ci = sc->table ? sqlschema_find_column(sc->table, e->name) : -1;
    if (ci < 0) {
        if (e->qualifier)
            return sqlerr_set(err, "42703", e->location, "column %s.%s does not exist", e->qualifier,
                              e->name);
        return sqlerr_set(err, "42703", e->location, "column \"%s\" does not exist", e->name);
    }
    e->colidx = ci;
    e->type = sc->table->cols[ci].type;
    return SQL_OK;
}

static int bind_rec(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type expected, bool in_agg,
                    sqlerr *err)
{
    if (sqlerr_stack_check(err)) return SQL_ERR;
    if (e->kind == SQLAST_CONST && e->is_default)
        return sqlerr_set(err, "42601", e->location, "DEFAULT is not allowed in this context");
    switch (e->kind) {
    case SQLAST_CONST: e->type = e->value.type; return SQL_OK;
    case SQLAST_PARAM:
        if (!param_stmt(sc) || e->param > param_stmt(sc)->nparams || !param_stmt(sc)->param_types)
            return sqlerr_set(err, "42P02", e->location, "there is no parameter $%d", e->param);
        e->type = param_stmt(sc)->param_types[e->param - 1];
        infer_param(e, expected, sc);
        return SQL_OK;
    case SQLAST_COLUMN:
    case SQLAST_EXCLUDED: return bind_column(e, sc, err);
    case SQLAST_STAR:
        return sqlerr_set(err, "42601", e->location, "\"*\" is only allowed in a select list");
    case SQLAST_OP: {
        if (e->op == SQLAST_OP_NEG) {
            if (bind_rec(e->args[0], sc, expected, in_agg, err)) return SQL_ERR;
            sqlval_type t = e->args[0]->type;
            if (t == SQLVAL_UNKNOWN) t = SQLVAL_NUMERIC;
            if (t == SQLVAL_INTERVAL) {
                e->type = t;
                return SQL_OK;
            }
            if (!sqlval_type_is_numeric(t))
                return sqlerr_set(err, "42883", e->location, "operator does not exist: - %s", tname(t));
            e->type = t;
            return SQL_OK;
        }
        sqlast_expr *l = e->args[0], *r = e->args[1];
        if (e->op == SQLAST_OP_JSON_GET || e->op == SQLAST_OP_JSON_GET_TEXT) {
            if (bind_rec(l, sc, SQLVAL_JSONB, in_agg, err) || bind_rec(r, sc, SQLVAL_TEXT, in_agg, err))
                return SQL_ERR;
            if (l->type == SQLVAL_JSON && (is_textish(r->type) || is_int(r->type))) { /* json -> json */
                e->type = e->op == SQLAST_OP_JSON_GET ? SQLVAL_JSON : SQLVAL_TEXT;
                return SQL_OK;
            }
            if ((l->type != SQLVAL_JSONB && l->type != SQLVAL_UNKNOWN) ||
                !(is_textish(r->type) || is_int(r->type)))
                return sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                                  tname(l->type), op_symbol(e->op), tname(r->type));
            e->type = e->op == SQLAST_OP_JSON_GET ? SQLVAL_JSONB : SQLVAL_TEXT;
            return SQL_OK;
        }
        if (bind_pair(l, r, sc, in_agg, err)) return SQL_ERR;
        sqlval_type lt = l->type, rt = r->type;
        if (is_comparison(e->op) || e->op == SQLAST_OP_DISTINCT) {
            if (!comparable(lt, rt)) {
                sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s", tname(lt),
                           op_symbol(e->op), tname(rt));
                sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                                 "need to add explicit type casts.");
                return SQL_ERR;
            }
            e->type = SQLVAL_BOOL;
            return SQL_OK;
        }
        if (e->op == SQLAST_OP_REGEX) {
            e->type = SQLVAL_BOOL;
            return SQL_OK;
        }
        if (e->op == SQLAST_OP_CONCAT) {
            bool la = sqlval_type_is_array(lt), ra = sqlval_type_is_array(rt);
            bool ok = true;
            if (la || ra) {
                /* anycompatiblearray || anycompatible(array): the elements' common type; an
                 * untyped side is read as an array */
                sqlval_type ts[2] = {lt, rt};
                char sig[3] = {!la && lt != SQLVAL_UNKNOWN ? 'E' : 'A',
                               !ra && rt != SQLVAL_UNKNOWN ? 'E' : 'A', 0};
                sqlval_type el = anycompat_elem(ts, sig, 2, &ok);
                e->type = ok ? sqlval_array_of(el) : SQLVAL_NTYPES;
                ok = ok && e->type != SQLVAL_NTYPES;
            } else if (lt == SQLVAL_JSONB || rt == SQLVAL_JSONB) {
                e->type = SQLVAL_JSONB;
                ok = (lt == e->type || lt == SQLVAL_UNKNOWN) && (rt == e->type || rt == SQLVAL_UNKNOWN);
            } else if ((lt == SQLVAL_BYTEA || rt == SQLVAL_BYTEA) &&
                       (lt == SQLVAL_BYTEA || lt == SQLVAL_UNKNOWN) && (rt == SQLVAL_BYTEA || rt == SQLVAL_UNKNOWN)) {
                e->type = SQLVAL_BYTEA; /* byteacat */
            } else if (is_textish(lt) || is_textish(rt)) {
                e->type = SQLVAL_TEXT;
            } else {
                ok = false;
            }
            if (!ok)
                return sqlerr_set(err, "42883", e->location, "operator does not exist: %s || %s",
                                  tname(lt), tname(rt));
            return SQL_OK;
        }
        if (e->op == SQLAST_OP_SUB && lt == SQLVAL_JSONB && (is_textish(rt) || is_int(rt))) {
            e->type = SQLVAL_JSONB;
            return SQL_OK;
        }
        if (sqldate_is_type(lt) || sqldate_is_type(rt)) {
            sqlval_type t = sqldate_op_type(e->op, lt, rt);
            if (t == SQLVAL_NTYPES) {
                sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                           tname(lt), op_symbol(e->op), tname(rt));
                sqlerr_hint(err, "No operator matches the given name and argument types. You "
                                 "might need to add explicit type casts.");
                return SQL_ERR;
            }
            e->type = t;
            return SQL_OK;
        }
        if (lt == SQLVAL_UNKNOWN && rt == SQLVAL_UNKNOWN) {
            /* PostgreSQL finds an operator for every numeric category and cannot choose */
            sqlerr_set(err, "42725", e->location, "operator is not unique: unknown %s unknown",
                       op_symbol(e->op));
            sqlerr_hint(err, "Could not choose a best candidate operator. You might need to add "
                             "explicit type casts.");
            return SQL_ERR;
        }
        sqlval_type t = arith_type(lt, rt);
        if (e->op == SQLAST_OP_MOD && (t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8)) {
            /* PostgreSQL has no % for real or double precision */
            sqlerr_set(err, "42883", e->location, "operator does not exist: %s %% %s",
                       tname(lt == SQLVAL_UNKNOWN ? rt : lt), tname(rt == SQLVAL_UNKNOWN ? lt : rt));
            sqlerr_hint(err, "No operator matches the given name and argument types. You might "
                             "need to add explicit type casts.");
            return SQL_ERR;
        }
        if (t == SQLVAL_NTYPES)
            return sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                              tname(lt), op_symbol(e->op), tname(rt));
        e->type = t;
        return SQL_OK;
    }
    case SQLAST_AND:
    case SQLAST_OR:
    case SQLAST_NOT:
        if (bind_args(e, sc, SQLVAL_BOOL, in_agg, err)) return SQL_ERR;
        for (int i = 0; i < e->nargs; i++) {
            sqlval_type t = e->args[i]->type;
            if (t != SQLVAL_BOOL && t != SQLVAL_UNKNOWN)
                return sqlerr_set(err, "42804", e->args[i]->location,
                                  "argument of %s must be type boolean, not type %s",
                                  e->kind == SQLAST_AND ? "AND" : e->kind == SQLAST_OR ? "OR" : "NOT",
                                  tname(t));
        }
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    case SQLAST_NULLTEST:
    case SQLAST_BOOLTEST:
        if (bind_args(e, sc, e->kind == SQLAST_BOOLTEST ? SQLVAL_BOOL : SQLVAL_UNKNOWN, in_agg, err))
            return SQL_ERR;
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    case SQLAST_IN:
    case SQLAST_BETWEEN:
        if (bind_rec(e->args[0], sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
        for (int i = 1; i < e->nargs; i++) {
            if (bind_rec(e->args[i], sc, e->args[0]->type, in_agg, err)) return SQL_ERR;
            if (!comparable(e->args[0]->type, e->args[i]->type))
                return sqlerr_set(err, "42883", e->args[i]->location,
                                  "operator does not exist: %s = %s", tname(e->args[0]->type),
                                  tname(e->args[i]->type));
        }
        if (e->args[0]->kind == SQLAST_PARAM)
            for (int i = 1; i < e->nargs; i++) infer_param(e->args[0], e->args[i]->type, sc);
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    case SQLAST_LIKE:
        if (bind_args(e, sc, SQLVAL_TEXT, in_agg, err)) return SQL_ERR;
        if (e->nargs == 3 && !is_textish(e->args[2]->type))
            return sqlerr_set(err, "42883", e->location, "function like_escape(%s, %s) does not exist",
                              tname(e->args[1]->type), tname(e->args[2]->type));
        if (!is_textish(e->args[0]->type) || !is_textish(e->args[1]->type))
            return sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                              tname(e->args[0]->type), e->icase ? "~~*" : "~~",
                              tname(e->args[1]->type));
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    case SQLAST_ANY: {
        if (bind_rec(e->args[0], sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
        sqlval_type lt = e->args[0]->type;
        sqlval_type want = lt == SQLVAL_UNKNOWN || sqlval_array_of(lt) == SQLVAL_NTYPES
                               ? SQLVAL_TEXTARRAY : sqlval_array_of(lt);
        if (bind_rec(e->args[1], sc, want, in_agg, err)) return SQL_ERR;
        infer_param(e->args[1], want, sc); /* x = ANY($1): $1 is an array of x's type */
        sqlval_type at = e->args[1]->type;
        if (!sqlval_type_is_array(at) && at != SQLVAL_UNKNOWN)
            return sqlerr_set(err, "42809", e->args[1]->location,
                              "op ANY/ALL (array) requires array on right side");
        if (lt == SQLVAL_UNKNOWN && sqlval_type_is_array(at)) {
            infer_param(e->args[0], sqlval_array_elem(at), sc);
            lt = e->args[0]->type;
        }
        if (at == SQLVAL_TEXTARRAY || at == SQLVAL_UNKNOWN) {
            /* the catalogs' oid[] and "char"[] columns are text arrays whose elements adapt
             * (sqlcatalog.h) */
            if (!is_textish(lt) && !sqlval_type_is_oidlike(lt) && !is_int(lt))
                return sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s text",
                                  tname(lt), op_symbol(e->op));
        } else if (!comparable(lt, sqlval_array_elem(at))) {
            return sqlerr_set(err, "42883", e->location, "operator does not exist: %s %s %s",
                              tname(lt), op_symbol(e->op), tname(sqlval_array_elem(at)));
        }
        e->type = SQLVAL_BOOL;
        return SQL_OK;
    }
    case SQLAST_FUNC: return bind_func(e, sc, in_agg, err);
    case SQLAST_AGG: return bind_agg(e, sc, in_agg, err);
    case SQLAST_WINFUNC: return bind_winfunc(e, sc, in_agg, err);
    case SQLAST_SUBLINK:
        for (int i = 0; i < e->nargs; i++)
            if (bind_rec(e->args[i], sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
        return sqlplan_bind_sublink(e, sc, err);
    case SQLAST_CAST:
        /* ARRAY[...]::int[]: the elements are coerced to the cast's element type directly
         * (transformArrayExpr with a target type) */
        if (e->args[0]->kind == SQLAST_ARRAY) e->args[0]->cast_type = e->cast_type;
        if (bind_rec(e->args[0], sc, e->cast_type, in_agg, err)) return SQL_ERR;
        if (!castable(e->args[0]->type, e->cast_type))
            return sqlerr_set(err, "42846", e->location, "cannot cast type %s to %s",
                              sqlval_type_name(e->args[0]->type),
                              e->cast_type == SQLVAL_ENUM && e->name ? e->name : sqlval_type_name(e->cast_type));
        e->type = e->cast_type;
        return SQL_OK;
    case SQLAST_ARRAY: {
        /* ARRAY[...]: the elements' common type (an untyped literal yields), as PostgreSQL's
         * select_common_type; text when all are untyped; under a cast (cast_type set by it)
         * the cast's element type */
        sqlval_type want = sqlval_type_is_array(e->cast_type) ? sqlval_array_elem(e->cast_type) : SQLVAL_UNKNOWN;
        if (e->nargs == 0 && want == SQLVAL_UNKNOWN) {
            sqlerr_set(err, "42P18", e->location, "cannot determine type of empty array");
            sqlerr_hint(err, "Explicitly cast to the desired type, for example ARRAY[]::integer[].");
            return SQL_ERR;
        }
        if (bind_args(e, sc, want, in_agg, err)) return SQL_ERR;
        sqlval_type t = SQLVAL_UNKNOWN;
        for (int i = 0; i < e->nargs; i++) {
            sqlval_type at = e->args[i]->type;
            if (sqlval_type_is_array(at))
                return sqlerr_unsupported(err, e->args[i]->location, "multidimensional arrays");
            if (t != SQLVAL_UNKNOWN && at != SQLVAL_UNKNOWN && !comparable(t, at) &&
                !(is_textish(t) && is_textish(at)))
                return sqlerr_set(err, "42804", e->args[i]->location,
                                  "ARRAY types %s and %s cannot be matched", tname(t), tname(at));
            t = common_type(t, at);
        }
        if (t == SQLVAL_UNKNOWN) t = want == SQLVAL_UNKNOWN ? SQLVAL_TEXT : want;
        sqlval_type arr = sqlval_array_of(t);
        if (arr == SQLVAL_NTYPES && (sqlval_type_is_oidlike(t) || t == SQLVAL_CHAR))
            arr = SQLVAL_TEXTARRAY; /* oid[], regtype[] ...: held as text[] (sqlval.h) */
        if (arr == SQLVAL_NTYPES) {
            char what[96];
            snprintf(what, sizeof(what), "arrays of %s", tname(t));
            return sqlerr_unsupported(err, e->location, what);
        }
        for (int i = 0; i < e->nargs; i++) infer_param(e->args[i], t, sc);
        e->type = arr;
        return SQL_OK;
    }
    case SQLAST_CASE: {
        sqlast_expr *arg = e->args[0];
        if (arg && bind_rec(arg, sc, SQLVAL_UNKNOWN, in_agg, err)) return SQL_ERR;
        e->type = SQLVAL_UNKNOWN;
        for (int i = 1; i + 1 < e->nargs; i += 2) {
            if (bind_rec(e->args[i], sc, arg ? arg->type : SQLVAL_BOOL, in_agg, err) ||
                bind_rec(e->args[i + 1], sc, e->type, in_agg, err))
                return SQL_ERR;
            e->type = common_type(e->type, e->args[i + 1]->type);
        }
        sqlast_expr *def = e->args[e->nargs - 1];
        if (def && bind_rec(def, sc, e->type, in_agg, err)) return SQL_ERR;
        if (def) e->type = common_type(e->type, def->type);
        for (int i = 2; i < e->nargs; i += 2)
            if (e->args[i] && !comparable(e->type, e->args[i]->type))
                return sqlerr_set(err, "42804", e->args[i]->location,
                                  "CASE types %s and %s cannot be matched", tname(e->type),
                                  tname(e->args[i]->type));
        if (e->type == SQLVAL_UNKNOWN) e->type = SQLVAL_TEXT;
        return SQL_OK;
    }
    }
    return sqlerr_set(err, "XX000", e->location, "unexpected expression node");
}

/* Strict nodes: NULL in, NULL out (eval_const_expressions folds them over a NULL constant). */
static bool strict_node(const sqlast_expr *e)
{
    switch (e->kind) {
    case SQLAST_OP: /* array || element / array is not strict (array_append, array_cat), nor
                     * IS DISTINCT FROM */
        return !(e->op == SQLAST_OP_CONCAT && sqlval_type_is_array(e->type)) &&
               e->op != SQLAST_OP_DISTINCT;
    case SQLAST_CAST:
    case SQLAST_LIKE:
    case SQLAST_NOT: return true;
    case SQLAST_FUNC:
        return e->name && (!strcmp(e->name, "upper") || !strcmp(e->name, "lower") ||
                           !strcmp(e->name, "abs") || !strcmp(e->name, "length") ||
                           !strcmp(e->name, "char_length"));
    default: return false;
    }
}

/* An operand PostgreSQL coerces before the operator (an integer or a numeric meeting another
 * numeric category: no cross-type operator exists) costs one function call more. */
static int coercions(const sqlast_expr *e)
{
    if (e->kind != SQLAST_OP || e->nargs != 2 || !e->args[0] || !e->args[1]) return 0;
    sqlval_type l = e->args[0]->type, r = e->args[1]->type;
    if (l == r || l == SQLVAL_UNKNOWN || r == SQLVAL_UNKNOWN) return 0;
    bool li = is_int(l), ri = is_int(r), lf = is_float(l), rf = is_float(r);
    bool ln = l == SQLVAL_NUMERIC, rn = r == SQLVAL_NUMERIC;
    if ((li && ri) || (lf && rf)) return 0; /* int48, float48 operators */
    return (li || lf || ln) && (ri || rf || rn) ? 1 : 0;
}

/* A node's share of cost_qual_eval, its operands' included (see "quals" below). */
static int node_cost(const sqlast_expr *e)
{
    if (!e || e->const_tree || e->const_null) return 0; /* folded before execution */
    int c = coercions(e);
    if (e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "coalesce"))
        for (int i = 0; i < e->nargs; i++) /* an argument of another type is cast */
            c += e->args[i] && e->args[i]->type != e->type && e->args[i]->type != SQLVAL_UNKNOWN;
    switch (e->kind) {
    case SQLAST_OP:
    case SQLAST_CAST:
    case SQLAST_LIKE:
    case SQLAST_IN:
    case SQLAST_ANY: c += 1; break;
    case SQLAST_FUNC: c += e->name && !strcmp(e->name, "coalesce") ? 0 : 1; break; /* CoalesceExpr */
    case SQLAST_SUBLINK: c += 1000; break; /* a SubPlan: run after every cheaper qual */
    default: break;
    }
    for (int i = 0; i < e->nargs; i++) c += e->args[i] ? e->args[i]->cost : 0;
    return c;
}

static void mark_const_null(sqlast_expr *e)
{
    if (!e) return;
    for (int i = 0; i < e->nargs; i++) mark_const_null(e->args[i]);
    e->const_tree = e->kind != SQLAST_COLUMN && e->kind != SQLAST_EXCLUDED &&
                    e->kind != SQLAST_PARAM && e->kind != SQLAST_AGG && e->kind != SQLAST_STAR &&
                    e->kind != SQLAST_SUBLINK && e->kind != SQLAST_WINFUNC &&
                    (e->kind != SQLAST_FUNC || strict_node(e) ||
                     (e->name && (!strcmp(e->name, "coalesce") || !strcmp(e->name, "nullif"))));
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && !e->args[i]->const_tree) e->const_tree = false;
    e->const_null = false;
    if (e->kind == SQLAST_CONST) {
        e->const_null = e->value.isnull;
    } else if (e->kind == SQLAST_CASE && !e->args[0]) {
        /* WHEN false / WHEN NULL arms are dropped, WHEN true ends the search (PostgreSQL's
         * folding of a searched CASE); the CASE is NULL when what remains is */
        int i = 1;
        for (; i + 1 < e->nargs; i += 2) {
            const sqlast_expr *w = e->args[i];
            if (w->kind != SQLAST_CONST) break;
            if (!w->value.isnull && w->value.type == SQLVAL_BOOL && w->value.u.b) break;
        }
        const sqlast_expr *res = i + 1 < e->nargs
                                     ? (e->args[i]->kind == SQLAST_CONST ? e->args[i + 1] : NULL)
                                     : e->args[e->nargs - 1];
        e->const_null = i + 1 < e->nargs ? res && res->const_null : !res || res->const_null;
    } else if (e->kind == SQLAST_BETWEEN) { /* a >= lo AND a <= hi: both fold with a NULL a */
        e->const_null = e->nargs && e->args[0] && e->args[0]->const_null;
    } else if (strict_node(e)) {
        for (int i = 0; i < e->nargs; i++)
            if (e->args[i] && e->args[i]->const_null) e->const_null = true;
    }
    e->cost = node_cost(e);
}

/* A whole row left where its value would be compared, tested or computed with: its value is
 * the record's text, which would give other answers than PostgreSQL's record semantics. */
static const sqlast_expr *row_misplaced(const sqlast_expr *e, bool root_ok)
{
    if (!e) return NULL;
    if (is_row(e) && !root_ok) return e;
    for (int i = 0; i < e->nargs; i++) {
        const sqlast_expr *m = row_misplaced(e->args[i], false);
        if (m) return m;
    }
    if (e->filter) return row_misplaced(e->filter, false);
    return NULL;
}

int sqlexpr_bind(sqlast_expr *e, const sqlexpr_scope *sc, sqlval_type expected, sqlerr *err)
{
    if (bind_rec(e, sc, expected, false, err)) return SQL_ERR;
    mark_const_null(e);
    const sqlast_expr *m = row_misplaced(e, sc->allow_rows);
    if (m)
        return sqlerr_unsupported(err, m->location, "a whole-row value or ROW() here (it may be selected, "
                                  "or given to row_to_json, to_json, to_jsonb, json_agg or jsonb_agg)");
    return SQL_OK;
}

/* PostgreSQL's FigureColname: a name and its strength (2 column or function, 1 type name,
 * "case", "array"; 0 ?column?). A cast takes its operand's name when that is strong, and the
 * outermost cast's type name otherwise; CASE takes its ELSE result's strong name. */
static const char *figure_colname(const sqlast_expr *e, int *strength)
{
    *strength = 2;
    switch (e->kind) {
    case SQLAST_FUNC:
        if (!strcmp(e->name, "[]") || !strncmp(e->name, "[:]", 3)) /* a[i], a[lo:hi] */
            return figure_colname(e->args[0], strength);
        /* a field selection is named after the field */
        if (!strcmp(e->name, "_pg_expandarray_x")) return "x";
        if (!strcmp(e->name, "_pg_expandarray_n")) return "n";
        if (!strcmp(e->name, "_record_field") && e->nargs == 2 && e->args[1]->value.s) return e->args[1]->value.s;
        if (!strcmp(e->name, "@>") || !strcmp(e->name, "<@") || !strcmp(e->name, "&&") ||
            e->name[0] == '?' || e->name[0] == '#' ||
            (!strncmp(e->name, "op", 2) && e->name[2] && strchr("&|#<>~@", e->name[2]))) {
            *strength = 0; /* an operator */
            return "?column?";
        }
        if (e->qualifier) return e->qualifier; /* CURRENT_ROLE: current_role */
        /* fall through */
    case SQLAST_COLUMN:
    case SQLAST_EXCLUDED:
    case SQLAST_AGG:
    case SQLAST_WINFUNC: return e->name;
    case SQLAST_CAST: {
        const char *inner = figure_colname(e->args[0], strength);
        if (*strength > 1) return inner;
        static const char *names[SQLVAL_NTYPES] = {
            [SQLVAL_UNKNOWN] = "text", [SQLVAL_BOOL] = "bool", [SQLVAL_INT2] = "int2",
            [SQLVAL_INT4] = "int4", [SQLVAL_INT8] = "int8", [SQLVAL_FLOAT4] = "float4",
            [SQLVAL_FLOAT8] = "float8", [SQLVAL_NUMERIC] = "numeric", [SQLVAL_TEXT] = "text",
            [SQLVAL_VARCHAR] = "varchar", [SQLVAL_NAME] = "name", [SQLVAL_BYTEA] = "bytea",
            [SQLVAL_JSONB] = "jsonb", [SQLVAL_TIMESTAMPTZ] = "timestamptz",
            [SQLVAL_DATE] = "date", [SQLVAL_TIME] = "time", [SQLVAL_TIMESTAMP] = "timestamp",
            [SQLVAL_INTERVAL] = "interval", [SQLVAL_UUID] = "uuid",
            [SQLVAL_TEXTARRAY] = "text", [SQLVAL_OID] = "oid", [SQLVAL_CHAR] = "char",
            [SQLVAL_REGCLASS] = "regclass", [SQLVAL_REGTYPE] = "regtype",
            [SQLVAL_REGNAMESPACE] = "regnamespace", [SQLVAL_REGPROC] = "regproc",
            [SQLVAL_REGROLE] = "regrole", [SQLVAL_BPCHAR] = "bpchar",
            [SQLVAL_INET] = "inet", [SQLVAL_CIDR] = "cidr", [SQLVAL_JSON] = "json",
            [SQLVAL_JSONPATH] = "jsonpath"};
        *strength = 1;
        sqlval_type t = e->cast_type;
        if (t == SQLVAL_ENUM && e->name) return sqlast_relname(e->name); /* 'x'::s.mood: mood */
        if (sqlval_type_is_array(t)) /* ::int[]: the element type's name */
            t = t == SQLVAL_TEXTARRAY && e->cast_elem ? e->cast_elem : sqlval_array_elem(t);
        return t < SQLVAL_NTYPES && names[t] ? names[t] : "?column?";
    }
    case SQLAST_CASE: {
        const sqlast_expr *def = e->nargs ? e->args[e->nargs - 1] : NULL;
        if (def) {
            const char *n = figure_colname(def, strength);
            if (*strength > 1) return n;
        }
        *strength = 1;
        return "case";
    }
    case SQLAST_ARRAY: return "array"; /* strength 2: ARRAY[] acts like a function */
    case SQLAST_SUBLINK: /* the planner names an expression subquery after its column */
        if (e->sublink == SQLAST_SUB_EXISTS) return "exists";
        if (e->sublink == SQLAST_SUB_ARRAY) return "array";
        if (e->sublink == SQLAST_SUB_EXPR && e->name) return e->name;
        *strength = 0;
        return "?column?";
    default: *strength = 0; return "?column?";
    }
}

const char *sqlexpr_column_name(const sqlast_expr *e)
{
    int strength;
    return figure_colname(e, &strength);
}

bool sqlexpr_is_constant(const sqlast_expr *e)
{
    if (!e) return true;
    if (e->kind == SQLAST_FUNC && e->name &&
        (!strcmp(e->name, "gen_random_uuid") || !strcmp(e->name, "clock_timestamp") ||
         !strcmp(e->name, "random") || !strcmp(e->name, "setseed") ||
         !strncmp(e->name, "uuid_generate_v1", 16) || !strcmp(e->name, "uuid_generate_v4")))
        return false; /* volatile: a value per call */
    if (e->kind == SQLAST_COLUMN || e->kind == SQLAST_EXCLUDED || e->kind == SQLAST_PARAM ||
        e->kind == SQLAST_AGG || e->kind == SQLAST_STAR || e->kind == SQLAST_SUBLINK ||
        e->kind == SQLAST_WINFUNC)
        return false;
    for (int i = 0; i < e->nargs; i++)
        if (!sqlexpr_is_constant(e->args[i])) return false;
    return true;
}

bool sqlexpr_calls(const sqlast_expr *e, const char *fn)
{
    if (!e) return false;
    if (e->kind == SQLAST_FUNC && !strcmp(e->name, fn)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (sqlexpr_calls(e->args[i], fn)) return true;
    return false;
}

const sqlast_expr *sqlexpr_find_sub(const sqlast_expr *e)
{
    if (!e) return NULL;
    if (e->sub) return e;
    for (int i = 0; i < e->nargs; i++) {
        const sqlast_expr *f = sqlexpr_find_sub(e->args[i]);
        if (f) return f;
    }
    return NULL;
}

/* ------------------------------------------------------------------ arithmetic */

static int numeric_scale(const sqlval *v)
{
    if (v->type != SQLVAL_NUMERIC || !v->s) return 0;
    const char *dot = strchr(v->s, '.');
    return dot ? (int)strlen(dot + 1) : 0;
}

/* Exact decimal: value = m / 10^scale. False when the number does not fit 38 digits. */
static bool to_exact(const sqlval *v, i128 *m, int *scale)
{
    char buf[64];
    const char *s;
    if (is_int(v->type)) {
        *m = v->u.i;
        *scale = 0;
        return true;
    }
    if (v->type != SQLVAL_NUMERIC || !v->s || !strcmp(v->s, "NaN")) return false;
    s = v->s;
    bool neg = *s == '-';
    if (neg) s++;
    size_t n = 0;
    int sc = 0;
    bool frac = false;
    for (; *s; s++) {
        if (*s == '.') {
            frac = true;
            continue;
        }
        if (n >= 38 || n + 1 >= sizeof(buf)) return false;
        buf[n++] = *s;
        sc += frac;
    }
    i128 acc = 0;
    for (size_t i = 0; i < n; i++) acc = acc * 10 + (buf[i] - '0');
    *m = neg ? -acc : acc;
    *scale = sc;
    return true;
}

static bool pow10_mul(i128 *m, int k)
{
    while (k-- > 0)
        if (__builtin_mul_overflow(*m, (i128)10, m)) return false;
    return true;
}

static int set_numeric_exact(sqlval *out, i128 m, int scale, sqlerr *err)
{
    char digits[64], *p = digits + sizeof(digits) - 1;
    *p = 0;
    bool neg = m < 0;
    u128 u = neg ? -(u128)m : (u128)m;
    int nd = 0;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
        nd++;
    } while (u);
    char res[80];
    size_t o = 0;
    if (neg) res[o++] = '-';
    if (nd <= scale) {
        res[o++] = '0';
        res[o++] = '.';
        for (int i = nd; i < scale; i++) res[o++] = '0';
        memcpy(res + o, p, (size_t)nd);
        o += (size_t)nd;
    } else {
        memcpy(res + o, p, (size_t)(nd - scale));
        o += (size_t)(nd - scale);
        if (scale) {
            res[o++] = '.';
            memcpy(res + o, p + nd - scale, (size_t)scale);
            o += (size_t)scale;
        }
    }
    res[o] = 0;
    return sqlval_set_str(out, SQLVAL_NUMERIC, res, o, err);
}

/* Exact numeric arithmetic when everything fits 38 digits; 1 = not attempted. */
static int numeric_exact(int op, const sqlval *a, const sqlval *b, int div_scale, sqlval *out,
                         sqlerr *err)
{
    i128 x, y, r;
    int sa, sb;
    if (!to_exact(a, &x, &sa) || !to_exact(b, &y, &sb)) return 1;
    int scale = sa > sb ? sa : sb;
    switch (op) {
    case SQLAST_OP_ADD:
    case SQLAST_OP_SUB:
    case SQLAST_OP_MOD:
        if (!pow10_mul(&x, scale - sa) || !pow10_mul(&y, scale - sb)) return 1;
        if (op == SQLAST_OP_MOD) r = x % y;
        else if (op == SQLAST_OP_ADD ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r))
            return 1;
        return set_numeric_exact(out, r, scale, err);
    case SQLAST_OP_MUL:
        if (__builtin_mul_overflow(x, y, &r)) return 1;
        return set_numeric_exact(out, r, sa + sb, err);
    case SQLAST_OP_DIV: {
        /* q = x * 10^(rscale + sb - sa) / y, rounded half away from zero */
        if (!pow10_mul(&x, div_scale + sb - sa + 1)) return 1;
        i128 q = x / y;
        q = q < 0 ? (q - 5) / 10 : (q + 5) / 10;
        return set_numeric_exact(out, q, div_scale, err);
    }
    }
    return 1;
}

static long double to_ld(const sqlval *v)
{
    if (is_int(v->type)) return (long double)v->u.i;
    if (is_float(v->type)) return (long double)v->u.f;
    if (v->s) return strtold(v->s, NULL);
    return 0;
}

/* Numeric arithmetic past the 128-bit fast path: exact, through sqlnum (long double printed
 * wrong digits there). div_scale is the quotient's scale (select_div_scale). */
static int numeric_big(int op, const sqlval *a, const sqlval *b, int div_scale, sqlval *out,
                       sqlerr *err)
{
    char ab[32], bb[32];
    const char *x = a->s, *y = b->s;
    if (is_int(a->type)) snprintf(ab, sizeof ab, "%lld", (long long)a->u.i), x = ab;
    if (is_int(b->type)) snprintf(bb, sizeof bb, "%lld", (long long)b->u.i), y = bb;
    if (!x || !y) return sqlerr_set(err, "XX000", -1, "numeric operand without text");
    if (!strcmp(x, "NaN") || !strcmp(y, "NaN")) return sqlval_set_str(out, SQLVAL_NUMERIC, "NaN", 3, err);
    char *r = NULL;
    int rc;
    switch (op) {
    case SQLAST_OP_ADD: rc = sqlnum_add(x, y, &r); break;
    case SQLAST_OP_SUB: rc = sqlnum_sub(x, y, &r); break;
    case SQLAST_OP_MUL: rc = sqlnum_mul(x, y, &r); break;
    case SQLAST_OP_DIV: rc = sqlnum_div(x, y, div_scale, &r); break;
    default: rc = sqlnum_mod(x, y, &r); break;
    }
    if (rc == SQLNUM_EDIVZERO) return sqlerr_set(err, "22012", -1, "division by zero");
    if (rc) return sqlerr_oom(err);
    sqlval_take_str(out, SQLVAL_NUMERIC, r, strlen(r));
    return SQL_OK;
}

static int int_overflow(sqlval_type t, sqlerr *err)
{
    return sqlerr_set(err, "22003", -1, "%s out of range",
                      t == SQLVAL_INT2 ? "smallint" : t == SQLVAL_INT4 ? "integer" : "bigint");
}

static int arith(int op, const sqlval *a0, const sqlval *b0, sqlval_type rt, sqlval *out, sqlerr *err)
{
    sqlval a, b;
    sqlval_init_null(&a, SQLVAL_UNKNOWN);
    sqlval_init_null(&b, SQLVAL_UNKNOWN);
    int rc = SQL_ERR;
    /* bring both sides to the result type's family (literals adapt; ints widen) */
    sqlval_type ct = rt;
    if (sqlval_cast(a0, a0->type == SQLVAL_UNKNOWN || is_int(rt) || is_float(rt) ? ct : a0->type, &a, err) ||
        sqlval_cast(b0, b0->type == SQLVAL_UNKNOWN || is_int(rt) || is_float(rt) ? ct : b0->type, &b, err))
        goto done;
    if (is_int(rt)) {
        int64_t x = a.u.i, y = b.u.i, r = 0;
        bool ovf = false;
        switch (op) {
        case SQLAST_OP_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
        case SQLAST_OP_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
        case SQLAST_OP_MUL: ovf = __builtin_mul_overflow(x, y, &r); break;
        case SQLAST_OP_DIV:
        case SQLAST_OP_MOD:
            if (y == 0) {
                sqlerr_set(err, "22012", -1, "division by zero");
                goto done;
            }
            if (y == -1) {
                if (op == SQLAST_OP_MOD) r = 0;
                else ovf = __builtin_sub_overflow((int64_t)0, x, &r);
            } else {
                r = op == SQLAST_OP_DIV ? x / y : x % y;
            }
            break;
        }
        if (ovf || (rt == SQLVAL_INT4 && (r < INT32_MIN || r > INT32_MAX)) ||
            (rt == SQLVAL_INT2 && (r < INT16_MIN || r > INT16_MAX))) {
            int_overflow(rt, err);
            goto done;
        }
        sqlval_set_int(out, rt, r);
        rc = SQL_OK;
    } else if (is_float(rt)) {
        double x = a.u.f, y = b.u.f, r = 0;
        switch (op) {
        case SQLAST_OP_ADD: r = x + y; break;
        case SQLAST_OP_SUB: r = x - y; break;
        case SQLAST_OP_MUL: r = x * y; break;
        case SQLAST_OP_DIV:
            if (y == 0) {
                sqlerr_set(err, "22012", -1, "division by zero");
                goto done;
            }
            r = x / y;
            break;
        case SQLAST_OP_MOD:
            sqlerr_set(err, "42883", -1, "operator does not exist: %s %% %s", tname(rt), tname(rt));
            goto done;
        }
        if (isinf(r) && isfinite(x) && isfinite(y)) {
            sqlerr_set(err, "22003", -1, "value out of range: overflow");
            goto done;
        }
        sqlval_set_float(out, rt, r);
        rc = SQL_OK;
    } else {
        /* the result's scale as PostgreSQL's; the value itself is computed exactly */
        long double x = to_ld(&a), y = to_ld(&b);
        int sa = numeric_scale(&a), sb = numeric_scale(&b), scale = sa > sb ? sa : sb;
        switch (op) {
        case SQLAST_OP_ADD:
        case SQLAST_OP_SUB: break;
        case SQLAST_OP_MUL: scale = sa + sb; break;
        case SQLAST_OP_DIV:
        case SQLAST_OP_MOD:
            if (y == 0) {
                sqlerr_set(err, "22012", -1, "division by zero");
                goto done;
            }
            if (op == SQLAST_OP_DIV) {
                /* PostgreSQL's select_div_scale: at least 16 significant digits */
                int wx = x != 0 ? (int)floorl(log10l(fabsl(x)) / 4) : 0;
                int wy = (int)floorl(log10l(fabsl(y)) / 4);
                int qw = wx - wy;
                long double fx = x != 0 ? fabsl(x) / powl(10000, wx) : 0, fy = fabsl(y) / powl(10000, wy);
                if (floorl(fx) <= floorl(fy)) qw--; /* first NBASE digits equal: assume x < y */
                int rs = 16 - qw * 4;
                if (rs < scale) rs = scale;
                if (rs < 0) rs = 0;
                scale = rs;
            }
            break;
        }
        rc = numeric_exact(op, &a, &b, scale, out, err);
        if (rc == 1) rc = numeric_big(op, &a, &b, scale, out, err);
    }
done:
    sqlval_free(&a);
    sqlval_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ case mapping */

/* lower()/upper()/ILIKE map every character, not only ASCII: PostgreSQL does it with the
 * database's LC_CTYPE (towlower/towupper for UTF-8); HeliosDB's is C.UTF-8, whose tables
 * glibc provides. The locale object is created once and only read after. */
static locale_t ctype_locale;
static pthread_once_t ctype_once = PTHREAD_ONCE_INIT;

static void ctype_init(void)
{
    ctype_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Decodes one UTF-8 character at s (n bytes left): its code point and length; an invalid byte
 * stands for itself (length 1, code point -1). */
static int32_t utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!l || l > n) {
        *len = 1;
        return -1;
    }
    int32_t cp = l == 1 ? (int32_t)c : (int32_t)(c & (0x7f >> l));
    for (size_t i = 1; i < l; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return -1;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *len = l;
    return cp;
}

static size_t utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x80) return (size_t)(o[0] = (char)cp, 1);
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* s (n bytes) with every character lowered (or uppered): malloc'd, *outlen bytes. */
static int text_case(const char *s, size_t n, bool upper, char **out, size_t *outlen, sqlerr *err)
{
    pthread_once(&ctype_once, ctype_init);
    char *r = malloc(n * 2 + 1); /* a mapped character is at most one byte longer (ASCII <-> 2) */
    if (!r) return sqlerr_oom(err);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t l;
        int32_t cp = utf8_decode((const unsigned char *)s + i, n - i, &l);
        if (cp < 0 || !ctype_locale) {
            for (size_t k = 0; k < l; k++)
                r[o++] = (char)(upper ? toupper((unsigned char)s[i + k]) : tolower((unsigned char)s[i + k]));
        } else {
            wint_t m = upper ? towupper_l((wint_t)cp, ctype_locale) : towlower_l((wint_t)cp, ctype_locale);
            size_t ml = utf8_encode((uint32_t)m, r + o);
            if (ml > l + 1) ml = utf8_encode((uint32_t)cp, r + o); /* never grow past the bound */
            o += ml;
        }
        i += l;
    }
    r[o] = 0;
    *out = r;
    *outlen = o;
    return SQL_OK;
}

/* ------------------------------------------------------------------ LIKE */

static size_t utf8_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)*s;
    size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    return l > n ? n : l;
}

/* LIKE p ESCAPE x: p rewritten with backslash as its escape (what sqlexpr_like reads), as
 * PostgreSQL's like_escape: x empty takes escaping away, more than one character is 22019. */
static int like_escape(sqlval *pat, const sqlval *esc, sqlerr *err)
{
    const char *x = esc->s ? esc->s : "";
    size_t xl = esc->s ? esc->len : 0;
    if (xl && utf8_len(x, xl) != xl) {
        sqlerr_set(err, "22019", -1, "invalid escape string");
        sqlerr_hint(err, "Escape string must be empty or one character.");
        return SQL_ERR;
    }
    if (xl == 1 && x[0] == '\\') return SQL_OK;
    const char *p = pat->s ? pat->s : "";
    size_t pn = pat->s ? pat->len : 0;
    char *o = malloc(2 * pn + 4);
    if (!o) return sqlerr_oom(err);
    size_t k = 0;
    for (size_t i = 0; i < pn;) {
        if (xl && i + xl <= pn && !memcmp(p + i, x, xl)) {
            i += xl;
            if (i >= pn) { /* a dangling escape: matches nothing, as PostgreSQL's matcher */
                o[k++] = '\\';
                o[k++] = '\\';
                o[k++] = '\x01';
                break;
            }
            size_t cl = utf8_len(p + i, pn - i);
            o[k++] = '\\';
            memcpy(o + k, p + i, cl);
            k += cl;
            i += cl;
        } else if (p[i] == '\\') {
            o[k++] = '\\';
            o[k++] = '\\';
            i++;
        } else {
            o[k++] = p[i++];
        }
    }
    o[k] = 0;
    free(pat->s);
    pat->s = o;
    pat->len = k;
    return SQL_OK;
}

bool sqlexpr_like(const char *s, size_t sn, const char *p, size_t pn)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pn && p[pi] == '_') {
            si += utf8_len(s + si, sn - si);
            pi++;
            continue;
        }
        if (pi < pn) {
            size_t pc = pi;
            if (p[pc] == '\\' && pc + 1 < pn) pc++;
            if (s[si] == p[pc]) {
                si++;
                pi = pc + 1;
                continue;
            }
        }
        if (star_p == (size_t)-1) return false;
        pi = star_p;
        star_s += utf8_len(s + star_s, sn - star_s);
        si = star_s;
    }
    while (pi < pn && p[pi] == '%') pi++;
    return pi == pn;
}

/* ------------------------------------------------------------------ evaluation */

static int eval_func(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err);
static int enum_cast(const sqlast_expr *e, const sqlexpr_ctx *ctx, const sqlval *v, sqlval *out,
                     sqlerr *err);
static int catalog_call(const sqlast_expr *e, const sqlexpr_ctx *ctx, const char *fn,
                        const sqlval *args, int nargs, sqlval *out, sqlerr *err);

/* Evaluates all arguments into vals (caller frees). */
static int eval_args(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *vals, sqlerr *err)
{
    for (int i = 0; i < e->nargs; i++) sqlval_init_null(&vals[i], SQLVAL_UNKNOWN);
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && sqlexpr_eval(e->args[i], ctx, &vals[i], err)) return SQL_ERR;
    return SQL_OK;
}

static void free_vals(sqlval *vals, int n)
{
    for (int i = 0; i < n; i++) sqlval_free(&vals[i]);
}

static int compare_op(int op, const sqlval *a, const sqlval *b, sqlval *out, sqlerr *err)
{
    if (a->isnull || b->isnull) {
        sqlval_init_null(out, SQLVAL_BOOL);
        return SQL_OK;
    }
    int c;
    if (sqlval_compare(a, b, &c, err)) return SQL_ERR;
    bool r = op == SQLAST_OP_EQ ? c == 0 : op == SQLAST_OP_NE ? c != 0 : op == SQLAST_OP_LT ? c < 0
             : op == SQLAST_OP_LE ? c <= 0 : op == SQLAST_OP_GT ? c > 0 : c >= 0;
    sqlval_set_bool(out, r);
    return SQL_OK;
}

/* An operand of text || anynonarray: PostgreSQL's textanycat casts it to text (so a boolean
 * reads "true", not its output form "t"). */
static int text_of(const sqlval *v, char **s, size_t *n, sqlerr *err)
{
    /* bool || text spells true; bpchar || text drops the padding (both cast to text first) */
    if ((v->type != SQLVAL_BOOL && v->type != SQLVAL_BPCHAR) || v->isnull) return sqlval_to_text(v, s, n, err);
    sqlval t;
    if (sqlval_cast(v, SQLVAL_TEXT, &t, err)) return SQL_ERR;
    int rc = sqlval_to_text(&t, s, n, err);
    sqlval_free(&t);
    return rc;
}

static int concat_arrays(const sqlval *a, const sqlval *b, sqlval *out, sqlerr *err)
{
    size_t n = a->narr + b->narr;
    const char **items = n ? malloc(n * sizeof(char *)) : NULL;
    if (n && !items) return sqlerr_oom(err);
    for (size_t i = 0; i < a->narr; i++) items[i] = a->arr[i];
    for (size_t i = 0; i < b->narr; i++) items[a->narr + i] = b->arr[i];
    int rc = sqlval_set_array(out, items, n, err);
    free(items);
    return rc;
}

/* One operand of array ||: an element (is_elem) becomes a one-element array of type arrt (a
 * NULL element a NULL entry), a NULL array an empty one, anything else is cast to arrt. */
static int as_array(const sqlval *v, sqlval_type arrt, bool is_elem, sqlval *out, sqlerr *err)
{
    const char *one[1] = {NULL};
    if (v->isnull) {
        if (sqlval_set_array(out, one, is_elem ? 1 : 0, err)) return SQL_ERR;
    } else if (is_elem) {
        sqlval c;
        char *txt;
        size_t tl;
        if (sqlval_cast(v, sqlval_array_elem(arrt), &c, err)) return SQL_ERR;
        int rc = sqlval_to_text(&c, &txt, &tl, err);
        sqlval_free(&c);
        if (rc) return SQL_ERR;
        one[0] = txt;
        rc = sqlval_set_array(out, one, 1, err);
        free(txt);
        if (rc) return SQL_ERR;
    } else {
        return sqlval_cast(v, arrt, out, err);
    }
    out->type = arrt;
    return SQL_OK;
}

static int eval_op(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    sqlval v[2];
    int rc = SQL_ERR;
    if (eval_args(e, ctx, v, err)) goto done;
    const sqlval *a = &v[0], *b = e->nargs > 1 ? &v[1] : NULL;
    if (e->op == SQLAST_OP_NEG) {
        if (a->isnull) {
            sqlval_init_null(out, e->type);
        } else if (e->type == SQLVAL_INTERVAL) {
            rc = sqldate_op(SQLAST_OP_NEG, a, NULL, e->type, out, err);
            goto done;
        } else if (is_int(e->type)) {
            sqlval tmp;
            sqlval_set_int(&tmp, e->type, 0);
            rc = arith(SQLAST_OP_SUB, &tmp, a, e->type, out, err);
            goto done;
        } else if (is_float(e->type)) {
            sqlval_set_float(out, e->type, -a->u.f);
        } else {
            sqlval zero;
            sqlval_set_int(&zero, SQLVAL_INT4, 0);
            rc = arith(SQLAST_OP_SUB, &zero, a, SQLVAL_NUMERIC, out, err);
            goto done;
        }
        rc = SQL_OK;
        goto done;
    }
    if (is_comparison(e->op)) {
        rc = compare_op(e->op, a, b, out, err);
        goto done;
    }
    if (e->op == SQLAST_OP_DISTINCT) { /* NULL-safe: never NULL */
        bool distinct;
        if (a->isnull || b->isnull) {
            distinct = a->isnull != b->isnull;
        } else {
            int c;
            if (sqlval_compare(a, b, &c, err)) goto done;
            distinct = c != 0;
        }
        sqlval_set_bool(out, e->negate ? !distinct : distinct);
        rc = SQL_OK;
        goto done;
    }
    if (e->op == SQLAST_OP_CONCAT && sqlval_type_is_array(e->type)) {
        /* array || array (array_cat), array || element (array_append), element || array
         * (array_prepend): not strict; a NULL element is added as NULL, a NULL array adds
         * nothing, NULL || NULL arrays is NULL */
        bool a_elem = !sqlval_type_is_array(a->type) && a->type != SQLVAL_UNKNOWN;
        bool b_elem = !sqlval_type_is_array(b->type) && b->type != SQLVAL_UNKNOWN;
        if (a->isnull && b->isnull && !a_elem && !b_elem) {
            sqlval_init_null(out, e->type);
            rc = SQL_OK;
            goto done;
        }
        sqlval x, y;
        sqlval_init_null(&x, e->type);
        sqlval_init_null(&y, e->type);
        int r1 = as_array(a, e->type, a_elem, &x, err);
        int r2 = r1 ? SQL_ERR : as_array(b, e->type, b_elem, &y, err);
        /* an untyped literal read as an array: PostgreSQL points at the literal */
        const sqlast_expr *bad = r1 ? e->args[0] : r2 ? e->args[1] : NULL;
        if (bad && err && !err->position && bad->kind == SQLAST_CONST &&
            bad->type == SQLVAL_UNKNOWN)
            err->position = bad->location + 1;
        if (!r1 && !r2) {
            rc = concat_arrays(&x, &y, out, err);
            if (!rc) out->type = e->type;
        }
        sqlval_free(&x);
        sqlval_free(&y);
        goto done;
    }
    if (a->isnull || b->isnull) {
        sqlval_init_null(out, e->type);
        rc = SQL_OK;
        goto done;
    }
    if ((sqldate_is_type(e->args[0]->type) || sqldate_is_type(e->args[1]->type)) &&
        e->op != SQLAST_OP_CONCAT && e->op != SQLAST_OP_REGEX) {
        rc = sqldate_op(e->op, a, b, e->type, out, err);
        goto done;
    }
    switch (e->op) {
    case SQLAST_OP_REGEX: {
        char *s = NULL, *pat = NULL;
        size_t sl, pl;
        if (text_of(a, &s, &sl, err) || text_of(b, &pat, &pl, err)) {
            free(s);
            goto done;
        }
        const sqlregex *re = sqlregex_get(pat, pl, e->icase ? SQLREGEX_ICASE : 0, err);
        int m = re ? sqlregex_test(re, s, sl, err) : SQL_ERR;
        if (m >= 0) {
            sqlval_set_bool(out, (m == 1) != e->negate);
            rc = SQL_OK;
        }
        free(s);
        free(pat);
        goto done;
    }
    case SQLAST_OP_JSON_GET:
    case SQLAST_OP_JSON_GET_TEXT: {
        sqlval key;
        if (a->type == SQLVAL_JSON) { /* the original text of the part reached */
            rc = sqljson_get(a->s ? a->s : "", a->len, b, e->op == SQLAST_OP_JSON_GET_TEXT, out, err);
            goto done;
        }
        if (a->type != SQLVAL_JSONB) {
            sqlval j;
            if (sqlval_cast(a, SQLVAL_JSONB, &j, err)) goto done;
            sqlval_move(&v[0], &j);
        }
        if (b->type == SQLVAL_UNKNOWN || is_textish(b->type)) key = *b;
        else key = *b;
        rc = sqljsonb_get(v[0].s, &key, e->op == SQLAST_OP_JSON_GET_TEXT, out, err);
        goto done;
    }
    case SQLAST_OP_CONCAT:
        if (e->type == SQLVAL_BYTEA) {
            sqlval x, y;
            if (sqlval_cast(a, SQLVAL_BYTEA, &x, err)) goto done;
            if (sqlval_cast(b, SQLVAL_BYTEA, &y, err)) {
                sqlval_free(&x);
                goto done;
            }
            char *r = malloc(x.len + y.len + 1);
            if (!r) {
                rc = sqlerr_oom(err);
            } else {
                if (x.len) memcpy(r, x.s, x.len);
                if (y.len) memcpy(r + x.len, y.s, y.len);
                r[x.len + y.len] = 0;
                sqlval_take_str(out, SQLVAL_BYTEA, r, x.len + y.len);
                rc = SQL_OK;
            }
            sqlval_free(&x);
            sqlval_free(&y);
            goto done;
        }
        if (e->type == SQLVAL_JSONB) {
            sqlval x, y;
            if (sqlval_cast(a, SQLVAL_JSONB, &x, err)) goto done;
            if (sqlval_cast(b, SQLVAL_JSONB, &y, err)) {
                sqlval_free(&x);
                goto done;
            }
            char *res;
            rc = sqljsonb_concat(x.s, y.s, &res, err);
            if (!rc) sqlval_take_str(out, SQLVAL_JSONB, res, strlen(res));
            sqlval_free(&x);
            sqlval_free(&y);
            goto done;
        } else {
            char *x = NULL, *y = NULL;
            size_t xl, yl;
            if (text_of(a, &x, &xl, err) || text_of(b, &y, &yl, err)) {
                free(x);
                goto done;
            }
            char *r = malloc(xl + yl + 1);
            if (!r) {
                free(x);
                free(y);
                rc = sqlerr_oom(err);
                goto done;
            }
            memcpy(r, x, xl);
            memcpy(r + xl, y, yl);
            r[xl + yl] = 0;
            free(x);
            free(y);
            sqlval_take_str(out, SQLVAL_TEXT, r, xl + yl);
            rc = SQL_OK;
            goto done;
        }
    case SQLAST_OP_SUB:
        if (e->type == SQLVAL_JSONB) {
            char *res, *k = NULL;
            size_t kl;
            if (text_of(b, &k, &kl, err)) goto done;
            rc = sqljsonb_delete_key(a->s, k, &res, err);
            free(k);
            if (!rc) sqlval_take_str(out, SQLVAL_JSONB, res, strlen(res));
            goto done;
        }
        /* fall through */
    default: rc = arith(e->op, a, b, e->type, out, err); goto done;
    }
done:
    free_vals(v, e->nargs);
    return rc;
}

/* x = ANY(arr), x IN (list), with SQL's NULL rules. */
static int eval_any(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    sqlval x, arr, el;
    sqlval_init_null(&arr, SQLVAL_UNKNOWN);
    if (sqlexpr_eval(e->args[0], ctx, &x, err)) return SQL_ERR;
    int rc = SQL_ERR;
    bool saw_null = x.isnull, found = false;
    if (e->kind == SQLAST_ANY) {
        sqlval a;
        if (sqlexpr_eval(e->args[1], ctx, &a, err)) goto done;
        if (a.isnull) {
            sqlval_free(&a);
            sqlval_init_null(out, SQLVAL_BOOL);
            rc = SQL_OK;
            goto done;
        }
        bool typed = sqlval_type_is_array(a.type) && a.type != SQLVAL_TEXTARRAY;
        if (typed) sqlval_move(&arr, &a);
        else if (sqlval_cast(&a, SQLVAL_TEXTARRAY, &arr, err)) {
            sqlval_free(&a);
            goto done;
        }
        sqlval_free(&a);
        if (typed && x.type == SQLVAL_UNKNOWN && !x.isnull) { /* 'a' = ANY(int[]): an int */
            sqlval c;
            if (sqlval_cast(&x, sqlval_array_elem(arr.type), &c, err)) {
                if (err && !err->position) err->position = e->args[0]->location + 1;
                goto done;
            }
            sqlval_move(&x, &c);
        }
        for (size_t i = 0; i < arr.narr && !found && !x.isnull; i++) {
            if (!arr.arr[i]) {
                saw_null = true;
                continue;
            }
            sqlval r;
            if (typed) { /* int[], numeric[] ...: the elements are of their type */
                sqlval t;
                if (sqlval_array_elem_get(&arr, i, &t, err)) goto done;
                int crc = compare_op(e->op, &x, &t, &r, err);
                sqlval_free(&t);
                if (crc) goto done;
                found = e->all ? !r.u.b : r.u.b;
                continue;
            }
            /* an element read as an untyped literal adapts to a non-text x (oid = ANY) */
            sqlval_init_null(&el, is_textish(x.type) ? SQLVAL_TEXT : SQLVAL_UNKNOWN);
            el.isnull = false;
            el.s = arr.arr[i];
            el.len = strlen(arr.arr[i]);
            if (compare_op(e->op, &x, &el, &r, err)) goto done;
            /* ANY: a true comparison decides; ALL: a false one (found means "decided") */
            found = e->all ? !r.u.b : r.u.b;
        }
        if (arr.narr == 0) saw_null = false; /* x = ANY(empty): false, even for a NULL x */
        if (e->all) {
            /* ALL: false when one comparison is false, NULL when one is NULL, else true */
            if (found) sqlval_set_bool(out, false);
            else if (saw_null) sqlval_init_null(out, SQLVAL_BOOL);
            else sqlval_set_bool(out, true);
            rc = SQL_OK;
            goto done;
        }
    } else {
        /* PostgreSQL (transformAExprIn): the items without columns become one array
         * (x = ANY (ARRAY[...])), every one of them evaluated; the items with columns become
         * x = item ORed after it, in order, stopping at a match, and folded away when x is a
         * NULL constant */
        for (int pass = 0; pass < 2; pass++)
        for (int i = 1; i < e->nargs; i++) {
            bool konst = e->args[i]->const_tree || e->args[i]->const_null;
            if (konst != (pass == 0)) continue;
            if (pass == 1 && (found || e->args[0]->const_null)) {
                if (!found) saw_null = true;
                continue;
            }
            if (sqlexpr_eval(e->args[i], ctx, &el, err)) goto done;
            if (found || x.isnull) {
                sqlval_free(&el);
                continue;
            }
            sqlval r;
            int c = compare_op(SQLAST_OP_EQ, &x, &el, &r, err);
            sqlval_free(&el);
            if (c) goto done;
            if (r.isnull) saw_null = true;
            else found = r.u.b;
        }
    }
    if (found) sqlval_set_bool(out, !e->negate);
    else if (saw_null) sqlval_init_null(out, SQLVAL_BOOL);
    else sqlval_set_bool(out, e->negate);
    rc = SQL_OK;
done:
    sqlval_free(&x);
    sqlval_free(&arr);
    return rc;
}

int sqlexpr_eval(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, e->type);
    if (sqlerr_stack_check(err)) return SQL_ERR;
    if (e->const_null) {
        /* folded to NULL (sqlast_expr.const_null); PostgreSQL still computed the constant
         * parts of its operands while folding, so their errors (2147483647 + 1) are raised */
        if (e->kind == SQLAST_CASE) { /* its kept arms; a WHEN false arm is never folded */
            if (e->args[0] && sqlexpr_fold_check(e->args[0], ctx, err)) return SQL_ERR;
            for (int i = 1; i + 1 < e->nargs; i += 2) {
                const sqlast_expr *w = e->args[i];
                if (sqlexpr_fold_check(w, ctx, err)) return SQL_ERR;
                if (w->kind == SQLAST_CONST &&
                    (w->value.isnull || (w->value.type == SQLVAL_BOOL && !w->value.u.b)))
                    continue;
                if (sqlexpr_fold_check(e->args[i + 1], ctx, err)) return SQL_ERR;
                if (w->kind == SQLAST_CONST && w->value.type == SQLVAL_BOOL && w->value.u.b)
                    return SQL_OK; /* WHEN true: the arms after it are dropped */
            }
            return e->nargs > 1 ? sqlexpr_fold_check(e->args[e->nargs - 1], ctx, err) : SQL_OK;
        }
        for (int i = 0; i < e->nargs; i++)
            if (sqlexpr_fold_check(e->args[i], ctx, err)) return SQL_ERR;
        return SQL_OK;
    }
    switch (e->kind) {
    case SQLAST_CONST: return sqlval_copy(out, &e->value, err);
    case SQLAST_PARAM:
        if (!ctx->params || e->param > ctx->nparams)
            return sqlerr_set(err, "42P02", e->location, "there is no parameter $%d", e->param);
        return sqlval_copy(out, &ctx->params[e->param - 1], err);
    case SQLAST_COLUMN: {
        const sqlexpr_ctx *c = ctx;
        for (int k = 0; k < e->levelsup && c; k++) c = c->outer;
        if (!c || !c->row || e->colidx < 0 || e->colidx >= c->nrow)
            return sqlerr_set(err, "42703", e->location, "column \"%s\" does not exist", e->name);
        return sqlval_copy(out, &c->row[e->colidx], err);
    }
    case SQLAST_SUBLINK: return sqlplan_eval_sublink(e, ctx, out, err);
    case SQLAST_WINFUNC:
        if (!ctx->wins || e->winno < 0)
            return sqlerr_set(err, "42P20", e->location, "window functions are not allowed here");
        return sqlval_copy(out, &ctx->wins[e->winno], err);
    case SQLAST_EXCLUDED:
        if (!ctx->excluded || e->colidx < 0)
            return sqlerr_set(err, "42P01", e->location,
                              "missing FROM-clause entry for table \"excluded\"");
        return sqlval_copy(out, &ctx->excluded[e->colidx], err);
    case SQLAST_AGG:
        if (!ctx->aggs || e->aggno < 0)
            return sqlerr_set(err, "42803", e->location, "aggregate functions are not allowed here");
        return sqlval_copy(out, &ctx->aggs[e->aggno], err);
    case SQLAST_OP: {
        int rc = eval_op(e, ctx, out, err);
        /* an untyped literal compared with an enum is read as one of its labels: PostgreSQL
         * reads it while parsing, and its 22P02 points at the literal */
        for (int i = 0; rc && err && !err->position && !strcmp(err->code, "22P02") && e->nargs == 2 && i < 2; i++)
            if (e->args[i] && e->args[i]->kind == SQLAST_CONST && e->args[i]->type == SQLVAL_UNKNOWN &&
                e->args[1 - i] && e->args[1 - i]->type == SQLVAL_ENUM)
                err->position = e->args[i]->location + 1;
        return rc;
    }
    case SQLAST_AND:
    case SQLAST_OR: {
        bool is_and = e->kind == SQLAST_AND, saw_null = false;
        for (int i = 0; i < e->nargs; i++) {
            sqlval v;
            if (sqlexpr_eval(e->args[i], ctx, &v, err)) return SQL_ERR;
            if (v.isnull) {
                saw_null = true;
            } else {
                bool b;
                if (v.type == SQLVAL_BOOL) {
                    b = v.u.b;
                } else {
                    sqlval c;
                    int rc = sqlval_cast(&v, SQLVAL_BOOL, &c, err);
                    sqlval_free(&v);
                    if (rc) return SQL_ERR;
                    b = c.u.b;
                }
                sqlval_free(&v);
                if (b != is_and) {
                    sqlval_set_bool(out, b); /* false decides AND, true decides OR */
                    return SQL_OK;
                }
            }
        }
        if (saw_null) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, is_and);
        return SQL_OK;
    }
    case SQLAST_NOT: {
        sqlval v, c;
        if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
        int rc = sqlval_cast(&v, SQLVAL_BOOL, &c, err);
        sqlval_free(&v);
        if (rc) return SQL_ERR;
        if (c.isnull) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, !c.u.b);
        return SQL_OK;
    }
    case SQLAST_NULLTEST: {
        sqlval v;
        if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
        sqlval_set_bool(out, v.isnull != e->negate);
        sqlval_free(&v);
        return SQL_OK;
    }
    case SQLAST_BOOLTEST: {
        sqlval v, c;
        if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
        int rc = sqlval_cast(&v, SQLVAL_BOOL, &c, err);
        sqlval_free(&v);
        if (rc) return SQL_ERR;
        bool is = !c.isnull && c.u.b == (e->op != 0);
        sqlval_set_bool(out, is != e->negate);
        return SQL_OK;
    }
    case SQLAST_IN:
    case SQLAST_ANY: return eval_any(e, ctx, out, err);
    case SQLAST_BETWEEN: {
        /* PostgreSQL rewrites it to a >= lo AND a <= hi (NOT: a < lo OR a > hi) and stops at
         * the first comparison that decides: hi is not evaluated then (its errors neither) */
        sqlval v[3], lo, hi;
        int rc = SQL_ERR;
        memset(v, 0, sizeof v);
        int nv = 0;
        for (; nv < 2; nv++)
            if (sqlexpr_eval(e->args[nv], ctx, &v[nv], err)) goto between_done;
        if (compare_op(SQLAST_OP_GE, &v[0], &v[1], &lo, err)) goto between_done;
        if (!lo.isnull && !lo.u.b) {
            sqlval_set_bool(out, e->negate);
            rc = SQL_OK;
            goto between_done;
        }
        if (sqlexpr_eval(e->args[2], ctx, &v[2], err)) goto between_done;
        nv = 3;
        if (compare_op(SQLAST_OP_LE, &v[0], &v[2], &hi, err)) goto between_done;
        if (!hi.isnull && !hi.u.b) sqlval_set_bool(out, e->negate);
        else if (lo.isnull || hi.isnull) sqlval_init_null(out, SQLVAL_BOOL);
        else sqlval_set_bool(out, !e->negate);
        rc = SQL_OK;
    between_done:
        free_vals(v, nv);
        return rc;
    }
    case SQLAST_LIKE: {
        sqlval v[3];
        int rc = SQL_ERR;
        if (eval_args(e, ctx, v, err)) goto like_done;
        if (v[0].isnull || v[1].isnull || (e->nargs == 3 && v[2].isnull)) {
            sqlval_init_null(out, SQLVAL_BOOL);
            rc = SQL_OK;
            goto like_done;
        }
        if (e->nargs == 3 && like_escape(&v[1], &v[2], err)) goto like_done;
        if (e->icase) { /* ILIKE: as PostgreSQL for UTF-8, LIKE over lower() of both */
            char *ls = NULL, *lp = NULL;
            size_t lsn, lpn;
            if (text_case(v[0].s, v[0].len, false, &ls, &lsn, err) ||
                text_case(v[1].s, v[1].len, false, &lp, &lpn, err)) {
                free(ls);
                goto like_done;
            }
            bool m = sqlexpr_like(ls, lsn, lp, lpn);
            free(ls);
            free(lp);
            sqlval_set_bool(out, m != e->negate);
        } else {
            bool m = sqlexpr_like(v[0].s, v[0].len, v[1].s, v[1].len);
            sqlval_set_bool(out, m != e->negate);
        }
        rc = SQL_OK;
    like_done:
        free_vals(v, e->nargs);
        return rc;
    }
    case SQLAST_FUNC: return eval_func(e, ctx, out, err);
    case SQLAST_CAST: {
        sqlval v;
        if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
        /* to a reg* type: the name is looked up (or the oid named) in the catalog */
        int rc = sqlval_type_is_reg(e->cast_type) && !v.isnull
                     ? catalog_call(e, ctx, "::", &v, 1, out, err)
                 /* to an enum type: the catalog finds the type by name and checks the label */
                 : e->cast_type == SQLVAL_ENUM && e->name ? enum_cast(e, ctx, &v, out, err)
                 : e->cast_type == SQLVAL_INTERVAL && e->cast_typmod && !v.isnull &&
                         sqlval_type_is_text(v.type)
                     ? sqldate_interval_in_typmod(v.s, v.len, e->cast_typmod - 1, out, err)
                     : sqlval_cast(&v, e->cast_type, out, err);
        sqlval_free(&v);
        /* an enum type's name not found: PostgreSQL points at the name (cast_typmod keeps its
         * position for these casts) */
        if (rc && e->cast_type == SQLVAL_ENUM && err && !strcmp(err->code, "42704") && e->cast_typmod)
            err->position = e->cast_typmod;
        if (!rc && e->cast_typmod && e->cast_type != SQLVAL_ENUM) /* ::varchar(3), ::numeric(5,2): an explicit length cast */
            rc = sqlschema_typmod_apply(out, e->cast_typmod - 1, true, err);
        /* PostgreSQL coerces an untyped literal while parsing, so its input error points at
         * the literal; any other cast fails at run time, without a position */
        if (rc && err && !err->position && e->args[0]->kind == SQLAST_CONST &&
            e->args[0]->type == SQLVAL_UNKNOWN)
            err->position = e->args[0]->location + 1;
        return rc;
    }
    case SQLAST_ARRAY: {
        sqlval *v = calloc((size_t)(e->nargs ? e->nargs : 1), sizeof(sqlval));
        const char **items = calloc((size_t)(e->nargs ? e->nargs : 1), sizeof(char *));
        int rc = SQL_ERR;
        if (!v || !items) {
            free(v);
            free(items);
            return sqlerr_oom(err);
        }
        if (!eval_args(e, ctx, v, err)) {
            rc = SQL_OK;
            sqlval_type et = sqlval_array_elem(e->type);
            for (int i = 0; i < e->nargs && !rc; i++) {
                if (v[i].isnull || e->type == SQLVAL_TEXTARRAY) continue;
                /* each element as the array's element type, kept as its text */
                sqlval c;
                char *txt;
                size_t tl;
                if ((rc = sqlval_cast(&v[i], et, &c, err))) {
                    if (err && !err->position && e->args[i]->kind == SQLAST_CONST)
                        err->position = e->args[i]->location + 1; /* ARRAY[1, 'a'] */
                    break;
                }
                rc = sqlval_to_text(&c, &txt, &tl, err);
                sqlval_free(&c);
                if (rc) break;
                sqlval_free(&v[i]);
                sqlval_take_str(&v[i], SQLVAL_TEXT, txt, tl);
            }
            for (int i = 0; i < e->nargs && !rc; i++) items[i] = v[i].isnull ? NULL : v[i].s;
            if (!rc) rc = sqlval_set_array(out, items, (size_t)e->nargs, err);
            if (!rc) out->type = e->type;
        }
        free_vals(v, e->nargs);
        free(v);
        free(items);
        return rc;
    }
    case SQLAST_CASE: {
        sqlval arg;
        sqlval_init_null(&arg, SQLVAL_UNKNOWN);
        if (e->args[0] && sqlexpr_eval(e->args[0], ctx, &arg, err)) return SQL_ERR;
        const sqlast_expr *pick = e->args[e->nargs - 1];
        for (int i = 1; i + 1 < e->nargs; i += 2) {
            sqlval w, r;
            if (sqlexpr_eval(e->args[i], ctx, &w, err)) {
                sqlval_free(&arg);
                return SQL_ERR;
            }
            int rc = e->args[0] ? compare_op(SQLAST_OP_EQ, &arg, &w, &r, err) : sqlval_cast(&w, SQLVAL_BOOL, &r, err);
            sqlval_free(&w);
            if (rc) {
                sqlval_free(&arg);
                return SQL_ERR;
            }
            if (!r.isnull && r.u.b) {
                pick = e->args[i + 1];
                break;
            }
        }
        sqlval_free(&arg);
        if (!pick) {
            sqlval_init_null(out, e->type);
            return SQL_OK;
        }
        sqlval v;
        if (sqlexpr_eval(pick, ctx, &v, err)) return SQL_ERR;
        int rc = v.type == e->type ? (sqlval_move(out, &v), SQL_OK) : sqlval_cast(&v, e->type, out, err);
        sqlval_free(&v);
        return rc;
    }
    case SQLAST_STAR: break;
    }
    return sqlerr_set(err, "XX000", e->location, "cannot evaluate this expression");
}

/* ---- quals: WHERE / HAVING as PostgreSQL runs them ------------------------------------------
 *
 * The planner splits a condition's top-level AND into separate quals (a BETWEEN into its two
 * comparisons), orders them by estimated cost (cost_qual_eval: one unit per operator or
 * function call not folded into a constant; stable), and ExecQual stops at the first qual
 * that is not true. So `WHERE total / qty > 5 AND qty > 0` never divides by a zero qty: the
 * cheaper test runs first and decides. */

#define QUALS_MAX 32

typedef struct qual {
    const sqlast_expr *e;
    int part; /* -1 the whole e; 0/1: the >= lo / <= hi half of a BETWEEN e */
    int cost;
} qual;


static int expr_cost(const sqlast_expr *e)
{
    return e ? e->cost : 0; /* computed while binding (mark_const_null) */
}

static bool quals_collect(const sqlast_expr *e, qual *q, int *n)
{
    if (e->kind == SQLAST_AND && !e->const_null) {
        for (int i = 0; i < e->nargs; i++)
            if (!quals_collect(e->args[i], q, n)) return false;
        return true;
    }
    int parts = e->kind == SQLAST_BETWEEN && !e->negate && !e->const_null ? 2 : 1;
    if (*n + parts > QUALS_MAX) return false;
    for (int p = 0; p < parts; p++) {
        q[*n].e = e;
        q[*n].part = parts == 2 ? p : -1;
        if (parts == 2) { /* a >= lo, a <= hi: the comparison and its coercion */
            sqlast_expr cmp = {.kind = SQLAST_OP, .nargs = 2,
                               .args = (sqlast_expr *[]){e->args[0], e->args[1 + p]}};
            q[*n].cost = expr_cost(e->args[0]) + expr_cost(e->args[1 + p]) + 1 + coercions(&cmp);
        } else {
            q[*n].cost = expr_cost(e);
        }
        (*n)++;
    }
    return true;
}

/* PostgreSQL's planner folds every constant subexpression before the first row is read, so
 * an error in one (2147483647 + 1, 1/0) is raised even when no row would reach it; only the
 * arms of a CASE whose WHEN folds to false are dropped unevaluated. */
int sqlexpr_fold_check(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlerr *err)
{
    if (!e) return SQL_OK;
    if (sqlerr_stack_check(err)) return SQL_ERR;
    if (e->const_tree || e->const_null) {
        if (e->kind == SQLAST_CONST) return SQL_OK;
        sqlval t;
        if (sqlexpr_eval(e, ctx, &t, err)) return SQL_ERR;
        sqlval_free(&t);
        return SQL_OK;
    }
    if (e->kind == SQLAST_CASE) {
        if (e->args[0] && sqlexpr_fold_check(e->args[0], ctx, err)) return SQL_ERR;
        for (int i = 1; i + 1 < e->nargs; i += 2) {
            const sqlast_expr *w = e->args[i];
            if (sqlexpr_fold_check(w, ctx, err)) return SQL_ERR;
            if (w->kind == SQLAST_CONST && (w->value.isnull || (w->value.type == SQLVAL_BOOL &&
                                                                !w->value.u.b)))
                continue; /* dropped arm */
            if (sqlexpr_fold_check(e->args[i + 1], ctx, err)) return SQL_ERR;
            if (w->kind == SQLAST_CONST && w->value.type == SQLVAL_BOOL && w->value.u.b)
                return SQL_OK; /* WHEN true: the arms after it are dropped */
        }
        return sqlexpr_fold_check(e->args[e->nargs - 1], ctx, err);
    }
    for (int i = 0; i < e->nargs; i++)
        if (sqlexpr_fold_check(e->args[i], ctx, err)) return SQL_ERR;
    return SQL_OK;
}

/* One qual's truth: *yes false for false and NULL alike (a WHERE keeps only true rows). */
static int qual_eval(const qual *q, const sqlexpr_ctx *ctx, bool *yes, sqlerr *err);

int sqlexpr_eval_bool(const sqlast_expr *e, const sqlexpr_ctx *ctx, bool *yes, sqlerr *err)
{
    qual q[QUALS_MAX];
    int n = 0;
    *yes = false;
    if (!quals_collect(e, q, &n)) return qual_eval(&(qual){e, -1, 0}, ctx, yes, err);
    for (int i = 0; i < n; i++) { /* a qual folded to NULL makes the condition constant false */
        const sqlast_expr *qe = q[i].e;
        bool folded_null = q[i].part < 0 ? qe->const_null
                                         : qe->args[0]->const_null || qe->args[1 + q[i].part]->const_null;
        bool literal_false = qe->kind == SQLAST_CONST && !qe->value.isnull &&
                             qe->value.type == SQLVAL_BOOL && !qe->value.u.b;
        if (folded_null || literal_false) return SQL_OK;
    }
    for (int i = 1; i < n; i++) { /* stable insertion sort by cost */
        qual t = q[i];
        int j = i - 1;
        for (; j >= 0 && q[j].cost > t.cost; j--) q[j + 1] = q[j];
        q[j + 1] = t;
    }
    for (int i = 0; i < n; i++) {
        if (qual_eval(&q[i], ctx, yes, err)) return SQL_ERR;
        if (!*yes) return SQL_OK;
    }
    return SQL_OK;
}

static int qual_eval(const qual *q, const sqlexpr_ctx *ctx, bool *yes, sqlerr *err)
{
    const sqlast_expr *e = q->e;
    *yes = false;
    if (q->part >= 0) {
        sqlval a, b, r;
        if (sqlexpr_eval(e->args[0], ctx, &a, err)) return SQL_ERR;
        if (sqlexpr_eval(e->args[1 + q->part], ctx, &b, err)) {
            sqlval_free(&a);
            return SQL_ERR;
        }
        int rc = compare_op(q->part ? SQLAST_OP_LE : SQLAST_OP_GE, &a, &b, &r, err);
        sqlval_free(&a);
        sqlval_free(&b);
        if (rc) return SQL_ERR;
        *yes = !r.isnull && r.u.b;
        return SQL_OK;
    }
    sqlval v, c;
    if (sqlexpr_eval(e, ctx, &v, err)) return SQL_ERR;
    if (v.type != SQLVAL_BOOL && v.type != SQLVAL_UNKNOWN && !v.isnull) {
        sqlval_free(&v);
        return sqlerr_set(err, "42804", e->location, "argument of WHERE must be type boolean, not type %s",
                          tname(v.type));
    }
    int rc = sqlval_cast(&v, SQLVAL_BOOL, &c, err);
    sqlval_free(&v);
    if (rc) return SQL_ERR;
    *yes = !c.isnull && c.u.b;
    return SQL_OK;
}

/* ------------------------------------------------------------------ functions */

static int array_arg(const sqlval *v, sqlval *out, sqlerr *err)
{
    return sqlval_cast(v, SQLVAL_TEXTARRAY, out, err);
}

/* Whether element i of a is x, NULL matching NULL (IS NOT DISTINCT FROM, as array_remove,
 * array_replace and array_position compare): 1 yes, 0 no, SQL_ERR. */
static int array_elem_is(const sqlval *a, size_t i, const sqlval *x, sqlerr *err)
{
    if (!a->arr[i] || x->isnull) return !a->arr[i] && x->isnull;
    sqlval y;
    if (sqlval_array_elem_get(a, i, &y, err)) return SQL_ERR;
    int c = 0, rc = sqlval_compare(&y, x, &c, err);
    sqlval_free(&y);
    return rc ? SQL_ERR : c == 0;
}

/* The element x as an array holds it: its canonical text (NULL: NULL), malloc'd. */
static int array_elem_text(const sqlval *x, char **out, sqlerr *err)
{
    *out = NULL;
    if (x->isnull) return SQL_OK;
    size_t n;
    return sqlval_to_text(x, out, &n, err);
}

/* jsonb @> jsonb, jsonb <@ jsonb (sqljsonb_contains); strict. */
static int jsonb_contains(const sqlast_expr *e, sqlval *v, sqlval *out, sqlerr *err)
{
    if (v[0].isnull || v[1].isnull) {
        sqlval_init_null(out, SQLVAL_BOOL);
        return SQL_OK;
    }
    for (int i = 0; i < 2; i++)
        if (v[i].type != SQLVAL_JSONB) {
            sqlval c;
            if (sqlval_cast(&v[i], SQLVAL_JSONB, &c, err)) return SQL_ERR;
            sqlval_move(&v[i], &c);
        }
    bool r;
    bool left = e->name[0] == '@';
    if (sqljsonb_contains(left ? v[0].s : v[1].s, left ? v[1].s : v[0].s, &r, err)) return SQL_ERR;
    sqlval_set_bool(out, r);
    return SQL_OK;
}

/* jsonb ? key, ?| keys, ?& keys (NULL keys are skipped), #> path, #>> path (jsonb
 * extract_path[_text]: a path element on an array is an index, one that is no integer or NULL
 * gives NULL); strict. */
static int jsonb_key_path(const sqlast_expr *e, sqlval *v, sqlval *out, sqlerr *err)
{
    const char *n = e->name;
    sqlval_type rt = e->type;
    if (v[0].isnull || v[1].isnull) {
        sqlval_init_null(out, rt);
        return SQL_OK;
    }
    sqlval doc, arg;
    sqlval_init_null(&arg, SQLVAL_UNKNOWN);
    if (v[0].type == SQLVAL_JSON && n[0] == '#') { /* the original text of the part reached */
        if (sqlval_cast(&v[1], SQLVAL_TEXTARRAY, &arg, err)) return SQL_ERR;
        int rc = sqljson_path(v[0].s ? v[0].s : "", v[0].len, &arg, !strcmp(n, "#>>"), out, err);
        sqlval_free(&arg);
        return rc;
    }
    if (sqlval_cast(&v[0], SQLVAL_JSONB, &doc, err)) return SQL_ERR;
    if (sqlval_cast(&v[1], n[1] ? SQLVAL_TEXTARRAY : SQLVAL_TEXT, &arg, err)) {
        sqlval_free(&doc);
        return SQL_ERR;
    }
    int rc = SQL_OK;
    if (!strcmp(n, "#-")) { /* jsonb #- path: the key or element removed */
        char *res;
        rc = sqljsonb_delete_path(doc.s, &arg, &res, err);
        if (!rc) sqlval_take_str(out, SQLVAL_JSONB, res, strlen(res));
        sqlval_free(&doc);
        sqlval_free(&arg);
        return rc;
    }
    if (n[0] == '?') {
        bool any = false, all = true, one;
        if (!n[1]) {
            rc = sqljsonb_exists(doc.s, arg.s, arg.len, &any, err);
            all = any;
        }
        for (size_t i = 0; n[1] && i < arg.narr && !rc; i++) {
            if (!arg.arr[i]) continue;
            rc = sqljsonb_exists(doc.s, arg.arr[i], strlen(arg.arr[i]), &one, err);
            any |= one;
            all &= one;
        }
        if (!rc) sqlval_set_bool(out, n[1] == '&' ? all : any);
    } else {
        bool text = !strcmp(n, "#>>");
        sqlval cur;
        sqlval_init_null(&cur, SQLVAL_JSONB);
        sqlval_move(&cur, &doc);
        sqlval_init_null(out, rt);
        if (arg.narr == 0) { /* the whole document */
            sqlval zero;
            sqlval_set_int(&zero, SQLVAL_INT4, 0);
            if (!text) sqlval_move(out, &cur);
            else if (cur.s[0] == '"') rc = sqljsonb_get(cur.s, &zero, true, out, err);
            else rc = sqlval_set_str(out, SQLVAL_TEXT, cur.s, cur.len, err);
        }
        for (size_t i = 0; i < arg.narr && !rc && !cur.isnull; i++) {
            const char *el = arg.arr[i];
            bool last = i + 1 == arg.narr;
            sqlval key, next;
            sqlval_init_null(&next, SQLVAL_JSONB);
            if (!el) {
                sqlval_free(&cur);
                break;
            }
            if (cur.s[0] == '[') {
                char *endp;
                errno = 0;
                long long k = strtoll(el, &endp, 10);
                if (!*el || *endp || errno) {
                    sqlval_free(&cur);
                    break;
                }
                sqlval_set_int(&key, SQLVAL_INT8, k);
            } else if (cur.s[0] == '{') {
                rc = sqlval_set_str(&key, SQLVAL_TEXT, el, strlen(el), err);
            } else {
                sqlval_free(&cur);
                break;
            }
            if (!rc) rc = sqljsonb_get(cur.s, &key, last && text, &next, err);
            sqlval_free(&key);
            sqlval_free(&cur);
            sqlval_move(&cur, &next);
            if (last && !rc) sqlval_move(out, &cur);
        }
        sqlval_free(&cur);
        if (!rc && out->isnull) sqlval_init_null(out, rt);
    }
    sqlval_free(&doc);
    sqlval_free(&arg);
    return rc;
}

/* a @> b, a <@ b, a && b over arrays (cast to e->cast_type first): containment compares
 * the non-NULL elements, a NULL element is never equal; strict. */
static int array_contains(const sqlast_expr *e, sqlval *v, sqlval *out, sqlerr *err)
{
    if (v[0].isnull || v[1].isnull) {
        sqlval_init_null(out, SQLVAL_BOOL);
        return SQL_OK;
    }
    for (int i = 0; i < 2; i++)
        if (v[i].type != e->cast_type) {
            sqlval c;
            if (sqlval_cast(&v[i], e->cast_type, &c, err)) return SQL_ERR;
            sqlval_move(&v[i], &c);
        }
    bool overlap = e->name[0] == '&';
    const sqlval *big = e->name[0] == '<' ? &v[1] : &v[0], *small = big == &v[0] ? &v[1] : &v[0];
    bool all = true, any = false;
    for (size_t i = 0; i < small->narr && (overlap ? !any : all); i++) {
        bool found = false;
        if (small->arr[i]) {
            sqlval x;
            if (sqlval_array_elem_get(small, i, &x, err)) return SQL_ERR;
            for (size_t j = 0; j < big->narr && !found; j++) {
                if (!big->arr[j]) continue;
                int m = array_elem_is(big, j, &x, err);
                if (m < 0) {
                    sqlval_free(&x);
                    return SQL_ERR;
                }
                found = m;
            }
            sqlval_free(&x);
        }
        all &= found;
        any |= found;
    }
    sqlval_set_bool(out, overlap ? any : all);
    return SQL_OK;
}

/* array_append, array_position ... (array_fns): the arguments are cast to the resolved array
 * type (e->cast_type) and its element type first; not strict, NULL arrays and elements are
 * each function's own business, as in PostgreSQL. */
static int eval_array_func(const sqlast_expr *e, const struct array_fn *f, sqlval *v, sqlval *out,
                           sqlerr *err)
{
    sqlval_type arrt = e->cast_type, el = sqlval_array_elem(arrt);
    int na = e->nargs;
    for (int i = 0; i < na; i++) {
        char k = f->sig[i];
        sqlval_type want = k == 'A' ? arrt : k == 'E' ? el : k == 'I' ? SQLVAL_INT4 : SQLVAL_UNKNOWN;
        if (want == SQLVAL_UNKNOWN || v[i].type == want) continue;
        if (k == 'A' && sqlval_array_lbound(v[i].type) == 0 && sqlval_array_elem(v[i].type) == el)
            continue; /* a vector is its element type's array, subscripted from 0 */
        sqlval c;
        if (v[i].isnull) sqlval_init_null(&c, want);
        else if (sqlval_cast(&v[i], want, &c, err)) return SQL_ERR;
        sqlval_free(&v[i]);
        sqlval_move(&v[i], &c);
    }
    const char *n = f->name;
    if (f->strict)
        for (int i = 0; i < na; i++)
            if (v[i].isnull) {
                sqlval_init_null(out, e->type);
                return SQL_OK;
            }
    if (!strcmp(n, "array_ndims") || !strcmp(n, "array_dims")) {
        if (!v[0].narr) {
            sqlval_init_null(out, e->type);
            return SQL_OK;
        }
        if (n[6] == 'n') {
            sqlval_set_int(out, SQLVAL_INT4, 1);
            return SQL_OK;
        }
        char d[48];
        int lb = sqlval_array_lbound(v[0].type);
        int dl = snprintf(d, sizeof d, "[%d:%zu]", lb, v[0].narr - 1 + (size_t)lb);
        return sqlval_set_str(out, SQLVAL_TEXT, d, (size_t)dl, err);
    }
    if (!strcmp(n, "trim_array")) {
        size_t len = v[0].narr;
        if (v[1].u.i < 0 || (uint64_t)v[1].u.i > len)
            return sqlerr_set(err, "2202E", -1, "number of elements to trim must be between 0 and %zu", len);
        int rc = sqlval_set_array(out, (const char *const *)v[0].arr, len - (size_t)v[1].u.i, err);
        if (!rc) out->type = arrt;
        return rc;
    }
    if (!strcmp(n, "array_append") || !strcmp(n, "array_prepend") || !strcmp(n, "array_cat")) {
        bool cat = n[6] == 'c';
        if (cat && v[0].isnull && v[1].isnull) {
            sqlval_init_null(out, arrt);
            return SQL_OK;
        }
        sqlval parts[2];
        int rc = SQL_OK;
        for (int i = 0; i < 2; i++) {
            bool elem = f->sig[i] == 'E';
            int r = rc ? rc : as_array(&v[i], arrt, elem, &parts[i], err);
            if (r) sqlval_init_null(&parts[i], arrt);
            rc = rc ? rc : r;
        }
        if (!rc) rc = concat_arrays(&parts[0], &parts[1], out, err);
        if (!rc) out->type = arrt;
        sqlval_free(&parts[0]);
        sqlval_free(&parts[1]);
        return rc;
    }
    /* array_remove, array_replace, array_position(s): a NULL array gives NULL */
    const sqlval *a = &v[0];
    if (a->isnull) {
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    if (!strcmp(n, "array_position")) {
        size_t from = 0;
        if (na == 3) {
            if (v[2].isnull)
                return sqlerr_set(err, "22004", -1, "initial position must not be null");
            int64_t lb = sqlval_array_lbound(a->type);
            from = v[2].u.i > lb ? (size_t)(v[2].u.i - lb) : 0;
        }
        for (size_t i = from; i < a->narr; i++) {
            int m = array_elem_is(a, i, &v[1], err);
            if (m < 0) return SQL_ERR;
            if (m) {
                sqlval_set_int(out, SQLVAL_INT4, (int64_t)i + sqlval_array_lbound(a->type));
                return SQL_OK;
            }
        }
        sqlval_init_null(out, SQLVAL_INT4);
        return SQL_OK;
    }
    char **items = calloc(a->narr ? a->narr : 1, sizeof(char *));
    char *with = NULL;
    size_t k = 0;
    int rc = items ? SQL_OK : sqlerr_oom(err);
    bool positions = !strcmp(n, "array_positions"), replace = !strcmp(n, "array_replace");
    if (!rc && replace) rc = array_elem_text(&v[2], &with, err);
    for (size_t i = 0; i < a->narr && !rc; i++) {
        int m = array_elem_is(a, i, &v[1], err);
        if (m < 0) {
            rc = SQL_ERR;
        } else if (positions) {
            if (m && !(items[k++] = malloc(24))) rc = sqlerr_oom(err);
            else if (m) snprintf(items[k - 1], 24, "%zu", i + (size_t)sqlval_array_lbound(a->type));
        } else if (!m) {
            items[k++] = a->arr[i];
        } else if (replace) {
            items[k++] = with;
        }
    }
    if (!rc) rc = sqlval_set_array(out, (const char *const *)items, k, err);
    if (!rc) out->type = positions ? SQLVAL_INT4ARRAY : arrt;
    if (positions)
        for (size_t i = 0; i < k; i++) free(items[i]);
    free(items);
    free(with);
    return rc;
}

/* helios_crdt_state(col): the column's CRDT metadata as jsonb (crdt_obj_describe); a key
 * column has no CRDT state (NULL), a column the row never wrote is {}. */
static int crdt_state(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    const sqlast_expr *a = e->args[0];
    if (!ctx->raw || !ctx->table || a->kind != SQLAST_COLUMN || a->colidx < 0 ||
        a->colidx >= ctx->table->ncols)
        return sqlerr_unsupported(err, e->location,
                                  "helios_crdt_state() outside a plain SELECT from a table");
    const sqlschema_column *c = &ctx->table->cols[a->colidx];
    if (c->pk_pos >= 0) {
        sqlval_init_null(out, SQLVAL_JSONB);
        return SQL_OK;
    }
    const crdt_obj *o = crdt_row_get(ctx->raw, c->id);
    if (!o) return sqlval_from_text(SQLVAL_JSONB, "{}", 2, out, err);
    codec_buf b;
    codec_buf_init(&b);
    int rc = crdt_obj_describe(&b, o);
    if (rc || b.err) {
        codec_buf_free(&b);
        return sqlerr_set(err, "XX000", e->location, "could not describe the column state");
    }
    rc = sqlval_from_text(SQLVAL_JSONB, (const char *)b.data, b.len, out, err);
    codec_buf_free(&b);
    return rc;
}

/* pg_sleep, current_setting, set_config: through the session (sqlexpr_session_ops). Strict:
 * a NULL argument gives NULL without acting (set_config's value NULL resets instead). */
static int session_func(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    const sqlexpr_env *env = ctx->env;
    const char *n = e->name;
    if (!env || !env->sess)
        return sqlerr_unsupported(err, e->location, "this function in this context");
    sqlval a[3];
    memset(a, 0, sizeof a);
    int na = e->nargs > 3 ? 3 : e->nargs, rc = SQL_ERR;
    for (int i = 0; i < na; i++) sqlval_init_null(&a[i], SQLVAL_TEXT);
    for (int i = 0; i < na; i++)
        if (sqlexpr_eval(e->args[i], ctx, &a[i], err)) goto out;
    bool anynull = false;
    if (n[0] == 's' && a[0].isnull) { /* set_config is not strict */
        rc = sqlerr_set(err, "22004", -1, "SET requires parameter name");
        goto out;
    }
    for (int i = 0; i < na; i++)
        if (a[i].isnull && n[0] != 's') anynull = true;
    if (anynull) {
        sqlval_init_null(out, e->type);
        rc = SQL_OK;
        goto out;
    }
    if (!strcmp(n, "pg_sleep")) {
        sqlval d;
        if (sqlval_cast(&a[0], SQLVAL_FLOAT8, &d, err)) goto out;
        if (env->sess->sleep(env->sess_arg, d.u.f, err)) goto out;
        rc = sqlval_set_str(out, SQLVAL_VOID, "", 0, err);
        goto out;
    }
    char *name = strndup(a[0].s ? a[0].s : "", a[0].len);
    char *val = NULL;
    if (name && n[0] == 's' && !a[1].isnull) val = strndup(a[1].s ? a[1].s : "", a[1].len);
    if (!name || (n[0] == 's' && !a[1].isnull && !val)) {
        free(name);
        rc = sqlerr_oom(err);
        goto out;
    }
    sqlval flag;
    sqlval_init_null(&flag, SQLVAL_BOOL);
    int bi = n[0] == 'c' ? 1 : 2;
    if (bi < na && !a[bi].isnull && sqlval_cast(&a[bi], SQLVAL_BOOL, &flag, err)) rc = SQL_ERR;
    else if (n[0] == 'c')
        rc = env->sess->get(env->sess_arg, name, bi < na && !flag.isnull && flag.u.b, out, err);
    else rc = env->sess->set(env->sess_arg, name, val, !flag.isnull && flag.u.b, out, err);
    sqlval_free(&flag);
    free(name);
    free(val);
out:
    for (int i = 0; i < na; i++) sqlval_free(&a[i]);
    return rc;
}

/* nextval, currval, setval, lastval: strict (a NULL argument gives NULL). */
static int seq_func(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    const sqlexpr_env *env = ctx->env;
    if (!env || !env->sess || !env->sess->seq)
        return sqlerr_unsupported(err, e->location, "sequence functions in this context");
    sqlval a[3];
    memset(a, 0, sizeof a);
    int na = e->nargs > 3 ? 3 : e->nargs, rc = SQL_ERR;
    for (int i = 0; i < na; i++) sqlval_init_null(&a[i], SQLVAL_TEXT);
    for (int i = 0; i < na; i++)
        if (sqlexpr_eval(e->args[i], ctx, &a[i], err)) goto out;
    for (int i = 0; i < na; i++)
        if (a[i].isnull) {
            sqlval_init_null(out, SQLVAL_INT8);
            rc = SQL_OK;
            goto out;
        }
    int64_t v = 0;
    bool called = true;
    if (na >= 2) {
        sqlval iv, bv;
        if (sqlval_cast(&a[1], SQLVAL_INT8, &iv, err)) goto out;
        v = iv.u.i;
        if (na == 3) {
            if (sqlval_cast(&a[2], SQLVAL_BOOL, &bv, err)) goto out;
            called = bv.u.b;
        }
    }
    char *name = na ? strndup(a[0].s ? a[0].s : "", a[0].len) : NULL;
    if (na && !name) {
        rc = sqlerr_oom(err);
        goto out;
    }
    rc = env->sess->seq(env->sess_arg, e->name[0] == 'l' ? 'l' : e->name[0] == 'n' ? 'n' : e->name[0] == 'c' ? 'c' : 's',
                        name, v, called, out, err);
    /* the name is read as a regclass literal: PostgreSQL points at it */
    if (rc && !strcmp(err->code, "42P01") && !err->position && na && e->args[0]->kind == SQLAST_CONST)
        err->position = e->args[0]->location + 1;
    free(name);
out:
    for (int i = 0; i < na; i++) sqlval_free(&a[i]);
    return rc;
}

/* A catalog function or reg* cast (sqlcatalog.h), through the session's catalog hook. */
static int catalog_call(const sqlast_expr *e, const sqlexpr_ctx *ctx, const char *fn,
                        const sqlval *args, int nargs, sqlval *out, sqlerr *err)
{
    const sqlexpr_env *env = ctx->env;
    sqlval_type t = e->kind == SQLAST_CAST ? e->cast_type : e->type;
    if (!env || !env->catalog) {
        if (e->kind == SQLAST_CAST) return sqlval_cast(&args[0], t, out, err);
        return sqlerr_unsupported(err, e->location, "this function in this context");
    }
    int rc = env->catalog(env->catalog_arg, fn, args, nargs, t, out, err);
    /* PostgreSQL converts an untyped literal argument while parsing: its error points there */
    for (int i = 0; rc && err && !err->position && sqlcatalog_converts_literals(fn) && i < e->nargs; i++)
        if (e->args[i]->kind == SQLAST_CONST && e->args[i]->type == SQLVAL_UNKNOWN)
            err->position = e->args[i]->location + 1;
    return rc;
}

/* v::name for an enum type name (or 42704): the catalog's "::enum" with the value and the
 * type's name */
static int enum_cast(const sqlast_expr *e, const sqlexpr_ctx *ctx, const sqlval *v, sqlval *out,
                     sqlerr *err)
{
    const sqlexpr_env *env = ctx->env;
    if (!env || !env->catalog)
        return sqlerr_set(err, "42704", e->location, "type \"%s\" does not exist", e->name);
    sqlval a[2];
    a[0] = *v;
    sqlval_init_null(&a[1], SQLVAL_TEXT);
    a[1].isnull = false;
    a[1].s = e->name;
    a[1].len = strlen(e->name);
    return env->catalog(env->catalog_arg, "::enum", a, 2, SQLVAL_ENUM, out, err);
}

/* A backend pid argument as int4: 1 with *p4 set, 0 NULL, SQL_ERR. */
static int eval_pid(const sqlast_expr *a, const sqlexpr_ctx *ctx, sqlval *p4, sqlerr *err)
{
    sqlval pid;
    if (sqlexpr_eval(a, ctx, &pid, err)) return SQL_ERR;
    if (pid.isnull) return 0;
    int rc = sqlval_cast(&pid, SQLVAL_INT4, p4, err);
    sqlval_free(&pid);
    return rc ? SQL_ERR : 1;
}

static int eval_func(const sqlast_expr *e, const sqlexpr_ctx *ctx, sqlval *out, sqlerr *err)
{
    if (e->srfslot > 0) { /* the ProjectSet's current value of this set-returning function */
        /* the ProjectSet's row is wider than the level's (nrow): its functions come last */
        if (!ctx->row || e->colidx < 0)
            return sqlerr_set(err, "XX000", e->location, "set-returning function without its row");
        return sqlval_copy(out, &ctx->row[e->colidx], err);
    }
    const sqlexpr_env *env = ctx->env;
    const char *n = e->name;
    if (!strcmp(n, "version")) {
        const char *v = env && env->version
                            ? env->version
                            : "PostgreSQL 15.0 (HeliosDB " HELIOS_VERSION
                              ") on x86_64-pc-linux-gnu, compiled by gcc, 64-bit";
        return sqlval_set_str(out, SQLVAL_TEXT, v, strlen(v), err);
    }
    if (!strcmp(n, "current_schema")) {
        /* the first schema of search_path that exists; NULL when none does */
        const char *v = !env ? "public" : env->schema;
        if (!v) {
            sqlval_init_null(out, SQLVAL_NAME);
            return SQL_OK;
        }
        return sqlval_set_str(out, SQLVAL_NAME, v, strlen(v), err);
    }
    if (!strcmp(n, "current_database") || !strcmp(n, "current_user") || !strcmp(n, "session_user")) {
        const char *v = !env                              ? "heliosdb"
                        : n[8] == 'd'                     ? env->database
                        : n[0] == 's' && env->session_user ? env->session_user
                                                          : env->user;
        if (!v) v = "heliosdb";
        return sqlval_set_str(out, SQLVAL_NAME, v, strlen(v), err);
    }
    if (!strncmp(n, "[:]", 3)) { /* arr[lo:hi]: the elements from lo to hi, renumbered from 1 */
        sqlval v[3];
        if (eval_args(e, ctx, v, err)) return SQL_ERR;
        bool has_lo = n[3] == 0 || n[3] == 'l', has_hi = n[3] == 0 || n[3] == 'h';
        int rc = SQL_OK;
        bool null = v[0].isnull;
        int64_t b[2] = {0, 0};
        for (int i = 1; i < e->nargs && !null && rc == SQL_OK; i++) {
            sqlval x;
            if (v[i].isnull) null = true;
            else if (!(rc = sqlval_cast(&v[i], SQLVAL_INT4, &x, err))) b[i - 1] = x.u.i;
            else if (!err->position) err->position = e->args[i]->location + 1;
        }
        if (rc == SQL_OK && null) sqlval_init_null(out, e->type);
        else if (rc == SQL_OK) {
            int64_t lb = sqlval_array_lbound(v[0].type), ub = lb + (int64_t)v[0].narr - 1;
            int64_t lo = has_lo ? b[0] : lb, hi = has_hi ? b[e->nargs - 2] : ub;
            if (lo < lb) lo = lb;
            if (hi > ub) hi = ub;
            size_t n_out = hi >= lo ? (size_t)(hi - lo + 1) : 0;
            rc = sqlval_set_array(out, n_out ? (const char *const *)v[0].arr + (lo - lb) : NULL, n_out, err);
            if (rc == SQL_OK) out->type = e->type;
        }
        free_vals(v, e->nargs);
        return rc;
    }
    if (!strcmp(n, "[]") && e->nargs == 2 && e->funcid == 0 && sqlval_type_is_array(e->args[0]->type) &&
        e->args[0]->type != SQLVAL_TEXTARRAY) {
        sqlval v[2];
        if (eval_args(e, ctx, v, err)) return SQL_ERR;
        int rc = SQL_OK;
        sqlval ix;
        sqlval_init_null(&ix, SQLVAL_INT8);
        if (v[0].isnull || v[1].isnull) sqlval_init_null(out, e->type);
        else if (!(rc = sqlval_cast(&v[1], SQLVAL_INT8, &ix, err))) {
            int64_t lb = sqlval_array_lbound(v[0].type); /* indkey[0]: a vector's first */
            if (ix.u.i < lb || (uint64_t)(ix.u.i - lb) >= v[0].narr) sqlval_init_null(out, e->type);
            else rc = sqlval_array_elem_get(&v[0], (size_t)(ix.u.i - lb), out, err);
        }
        free_vals(v, 2);
        return rc;
    }
    if (!strcmp(n, "pg_typeof") && e->nargs == 1) {
        sqlval_type t = e->args[0]->type;
        if (t == SQLVAL_ENUM) { /* the value's own enum type */
            sqlval v;
            if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
            uint32_t oid = (uint32_t)v.u.i;
            sqlval_free(&v);
            const char *name = oid ? sqlenum_name_of(oid) : NULL;
            if (name) return sqlval_set_reg(out, SQLVAL_REGTYPE, oid, name, err);
        }
        return t == SQLVAL_UNKNOWN ? sqlval_set_reg(out, SQLVAL_REGTYPE, 705, "unknown", err)
                                   : sqlval_set_reg(out, SQLVAL_REGTYPE, sqlval_type_oid(t),
                                                    sqlval_type_name(t), err);
    }
    if (!strcmp(n, "now") || !strcmp(n, "transaction_timestamp") || !strcmp(n, "statement_timestamp")) {
        sqlval_set_int(out, SQLVAL_TIMESTAMPTZ, env ? env->now_us : 0);
        return SQL_OK;
    }
    if ((!strcmp(n, "current_date") || !strcmp(n, "localtimestamp") ||
                             !strcmp(n, "localtime"))) {
        sqlval now;
        sqlval_set_int(&now, SQLVAL_TIMESTAMPTZ, env ? env->now_us : 0);
        return sqlval_cast(&now, e->type, out, err);
    }
    if (!strcmp(n, "helios_digest")) {
        if (!env || !env->digest)
            return sqlerr_unsupported(err, e->location, "helios_digest() in this context");
        return env->digest(env->digest_arg, out, err);
    }
    if (!strcmp(n, "helios_crdt_state")) return crdt_state(e, ctx, out, err);
    if (!strcmp(n, "inet_client_addr") || !strcmp(n, "inet_client_port")) {
        bool port = n[12] == 'p';
        sqlval_init_null(out, port ? SQLVAL_INT4 : SQLVAL_INET);
        if (!env || !env->client_addr || !env->client_addr[0]) return SQL_OK; /* a Unix socket */
        if (port) {
            sqlval_set_int(out, SQLVAL_INT4, env->client_port);
            return SQL_OK;
        }
        return sqlval_from_text(SQLVAL_INET, env->client_addr, strlen(env->client_addr), out, err);
    }
    if (!strcmp(n, "pg_backend_pid")) {
        if (!env || !env->backend_pid)
            return sqlerr_unsupported(err, e->location, "pg_backend_pid() in this context");
        sqlval_set_int(out, SQLVAL_INT4, env->backend_pid);
        return SQL_OK;
    }
    if (!strcmp(n, "pg_sleep") || !strcmp(n, "current_setting") || !strcmp(n, "set_config"))
        return session_func(e, ctx, out, err);
    if (!strcmp(n, "_record_field") && e->nargs == 2) {
        /* a field of _pg_expandarray's record text "(x,n)" (record_in's quoting) */
        sqlval r;
        if (sqlexpr_eval(e->args[0], ctx, &r, err)) return SQL_ERR;
        if (r.isnull || !r.s) {
            sqlval_free(&r);
            sqlval_init_null(out, e->type);
            return SQL_OK;
        }
        const char *p = r.s, *end = r.s + r.len;
        char *fields[2] = {NULL, NULL};
        int nf = 0, rc = SQL_OK;
        if (p < end && *p == '(') p++;
        while (nf < 2 && p < end && rc == SQL_OK) {
            size_t cap = (size_t)(end - p) + 1, o = 0;
            char *f = malloc(cap);
            if (!f) {
                rc = sqlerr_oom(err);
                break;
            }
            bool q = false;
            while (p < end && (q || (*p != ',' && *p != ')'))) {
                if (*p == '"') {
                    if (q && p + 1 < end && p[1] == '"') f[o++] = *p, p += 2;
                    else q = !q, p++;
                } else if (*p == '\\' && p + 1 < end) {
                    f[o++] = p[1];
                    p += 2;
                } else {
                    f[o++] = *p++;
                }
            }
            f[o] = 0;
            fields[nf++] = f;
            if (p < end) p++; /* , or ) */
        }
        bool want_n = e->type == SQLVAL_INT4;
        const char *v = nf == 2 ? fields[want_n ? 1 : 0] : NULL;
        if (!rc && !v) rc = sqlerr_set(err, "22P02", -1, "malformed record literal: \"%s\"", r.s);
        if (!rc) rc = want_n ? sqlval_from_text(SQLVAL_INT4, v, strlen(v), out, err)
                             : sqlval_set_str(out, SQLVAL_UNKNOWN, v, strlen(v), err);
        free(fields[0]);
        free(fields[1]);
        sqlval_free(&r);
        return rc;
    }
    if (!strcmp(n, "pg_notify")) { /* not strict: a NULL channel is an empty one */
        if (!env || !env->sess || !env->sess->notify)
            return sqlerr_unsupported(err, e->location, "pg_notify() in this context");
        sqlval a[2];
        char *s[2] = {NULL, NULL};
        int rc = SQL_OK;
        for (int i = 0; i < 2; i++) sqlval_init_null(&a[i], SQLVAL_TEXT);
        for (int i = 0; i < 2 && rc == SQL_OK; i++) {
            rc = sqlexpr_eval(e->args[i], ctx, &a[i], err);
            if (rc == SQL_OK && !a[i].isnull && !(s[i] = strndup(a[i].s ? a[i].s : "", a[i].len)))
                rc = sqlerr_oom(err);
        }
        if (rc == SQL_OK) rc = env->sess->notify(env->sess_arg, s[0] ? s[0] : "", s[1], err);
        if (rc == SQL_OK) rc = sqlval_set_str(out, SQLVAL_VOID, "", 0, err);
        for (int i = 0; i < 2; i++) {
            sqlval_free(&a[i]);
            free(s[i]);
        }
        return rc;
    }
    if (!strcmp(n, "txid_current") || !strcmp(n, "txid_current_if_assigned")) {
        if (!env || !env->sess || !env->sess->xid)
            return sqlerr_unsupported(err, e->location, "txid_current() in this context");
        int64_t id = env->sess->xid(env->sess_arg, n[12] == 0);
        if (id) sqlval_set_int(out, SQLVAL_INT8, id);
        else sqlval_init_null(out, SQLVAL_INT8);
        return SQL_OK;
    }
    if (!strcmp(n, "pg_notification_queue_usage")) {
        if (!env || !env->sess || !env->sess->queue_usage)
            return sqlerr_unsupported(err, e->location, "pg_notification_queue_usage() in this context");
        sqlval_set_float(out, SQLVAL_FLOAT8, env->sess->queue_usage(env->sess_arg));
        return SQL_OK;
    }
    if (!strcmp(n, "pg_blocking_pids")) {
        if (!env || !env->sess || !env->sess->blocking)
            return sqlerr_unsupported(err, e->location, "pg_blocking_pids() in this context");
        sqlval p4;
        int r = eval_pid(e->args[0], ctx, &p4, err);
        if (r <= 0) {
            if (r == 0) sqlval_init_null(out, SQLVAL_INT4ARRAY);
            return r < 0 ? SQL_ERR : SQL_OK;
        }
        return env->sess->blocking(env->sess_arg, p4.u.i, out, err);
    }
    if (!strcmp(n, "pg_cancel_backend") || !strcmp(n, "pg_terminate_backend")) {
        if (!env || !env->sess || !env->sess->signal)
            return sqlerr_unsupported(err, e->location, "this function in this context");
        sqlval p4;
        int rc = eval_pid(e->args[0], ctx, &p4, err);
        if (rc <= 0) {
            if (rc == 0) sqlval_init_null(out, SQLVAL_BOOL);
            return rc < 0 ? SQL_ERR : SQL_OK;
        }
        rc = SQL_OK;
        if (e->nargs == 2) { /* timeout: how long to wait for the backend to end (ms, >= 0) */
            sqlval to;
            if (sqlexpr_eval(e->args[1], ctx, &to, err)) return SQL_ERR;
            sqlval t8;
            bool tnull = to.isnull;
            rc = tnull ? SQL_OK : sqlval_cast(&to, SQLVAL_INT8, &t8, err);
            sqlval_free(&to);
            if (rc) return SQL_ERR;
            if (!tnull && t8.u.i < 0)
                return sqlerr_set(err, "22023", -1, "\"timeout\" must not be negative");
        }
        return env->sess->signal(env->sess_arg, p4.u.i, n[3] == 't', out, err);
    }
    if (!strcmp(n, "nextval") || !strcmp(n, "currval") || !strcmp(n, "setval") ||
        !strcmp(n, "lastval"))
        return seq_func(e, ctx, out, err);
    if (!strcmp(n, "coalesce")) {
        for (int i = 0; i < e->nargs; i++) {
            sqlval v;
            if (sqlexpr_eval(e->args[i], ctx, &v, err)) return SQL_ERR;
            if (!v.isnull) {
                int rc = sqlval_cast(&v, e->type, out, err);
                sqlval_free(&v);
                return rc;
            }
        }
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    /* eval_args fills e->nargs of them: on the stack for the usual few (eval recurses) */
    sqlval vsmall[8], *v = vsmall;
    int na = e->nargs, rc = SQL_ERR;
    if (na > SQLFUNC_MAX_ARGS && strcmp(n, "greatest") && strcmp(n, "least")) return no_function(err, e);
    if (na > 8 && !(v = malloc((size_t)na * sizeof *v))) return sqlerr_oom(err);
    if (eval_args(e, ctx, v, err)) goto done;
    if (!strcmp(n, "nullif")) {
        sqlval r;
        if (compare_op(SQLAST_OP_EQ, &v[0], &v[1], &r, err)) goto done;
        if (!r.isnull && r.u.b) sqlval_init_null(out, e->type);
        else if (sqlval_cast(&v[0], e->type, out, err)) goto done;
        rc = SQL_OK;
        goto done;
    }
    /* strict functions: NULL in, NULL out (the library (sqlfunc.h) and GREATEST/LEAST decide
     * for themselves) */
    bool nonstrict = e->funcid != 0 || !strcmp(n, "greatest") || !strcmp(n, "least");
    const struct array_fn *af = array_fn_find(n, na);
    if (af) {
        rc = eval_array_func(e, af, v, out, err);
        goto done;
    }
    if ((!strcmp(n, "@>") || !strcmp(n, "<@")) && e->cast_type == SQLVAL_JSONB) {
        rc = jsonb_contains(e, v, out, err);
        goto done;
    }
    if (e->cast_type == SQLVAL_INET && na == 2) { /* inet << <<= >> >>= && */
        if (v[0].isnull || v[1].isnull) {
            sqlval_init_null(out, SQLVAL_BOOL);
            rc = SQL_OK;
            goto done;
        }
        pginet x, y;
        sqlval c[2];
        for (int i = 0; i < 2; i++) sqlval_init_null(&c[i], SQLVAL_INET);
        rc = SQL_ERR;
        for (int i = 0; i < 2; i++) /* an untyped literal reads as inet */
            if (sqlval_cast(&v[i], v[i].type == SQLVAL_CIDR ? SQLVAL_CIDR : SQLVAL_INET, &c[i], err)) goto inet_out;
        if (pginet_parse(c[0].s, c[0].len, false, &x) || pginet_parse(c[1].s, c[1].len, false, &y)) {
            sqlerr_set(err, "XX000", -1, "corrupt inet value");
            goto inet_out;
        }
        bool r;
        if (!strcmp(n, "&&")) r = pginet_contains(&x, &y, false) || pginet_contains(&y, &x, false);
        else if (n[2] == '<') r = pginet_contains(&y, &x, n[4] != '=');
        else r = pginet_contains(&x, &y, n[4] != '=');
        sqlval_set_bool(out, r);
        rc = SQL_OK;
    inet_out:
        sqlval_free(&c[0]);
        sqlval_free(&c[1]);
        goto done;
    }
    if (!strcmp(n, "@>") || !strcmp(n, "<@") || !strcmp(n, "&&")) {
        rc = array_contains(e, v, out, err);
        goto done;
    }
    if (n[0] == '?' || n[0] == '#') {
        rc = jsonb_key_path(e, v, out, err);
        goto done;
    }
    for (int i = 0; i < na && !nonstrict; i++)
        if (v[i].isnull) {
            sqlval_init_null(out, e->type);
            rc = SQL_OK;
            goto done;
        }
    if (!strncmp(n, "op", 2) && strchr("&|#<>~", n[2])) {
        for (int i = 0; i < na; i++) {
            if (sqlval_type_is_integer(v[i].type)) continue;
            /* an untyped literal: integer input, its error pointing at it as PostgreSQL's */
            sqlval cv;
            if (sqlval_cast(&v[i], SQLVAL_INT4, &cv, err)) {
                if (err && !err->position && e->args[i]->kind == SQLAST_CONST)
                    err->position = e->args[i]->location + 1;
                goto done;
            }
            sqlval_free(&v[i]);
            v[i] = cv;
        }
        int64_t a = v[0].u.i, b = na == 2 ? v[1].u.i : 0, x;
        switch (n[2]) {
        case '&': x = a & b; break;
        case '|': x = a | b; break;
        case '#': x = a ^ b; break;
        case '~': x = ~a; break;
        default: {
            /* C's shift on the operand's width, the count taken modulo it as the hardware
             * PostgreSQL runs on does */
            bool left = n[2] == '<';
            if (e->type == SQLVAL_INT8) {
                uint64_t ua = (uint64_t)a;
                x = left ? (int64_t)(ua << (b & 63)) : a >> (b & 63);
            } else {
                int32_t a32 = (int32_t)a;
                x = left ? (int32_t)((uint32_t)a32 << (b & 31)) : a32 >> (b & 31);
                if (e->type == SQLVAL_INT2) x = (int16_t)x;
            }
        }
        }
        sqlval_set_int(out, e->type, x);
        rc = SQL_OK;
    } else if (!strcmp(n, "cardinality") || !strcmp(n, "array_length")) {
        sqlval a;
        if (array_arg(&v[0], &a, err)) goto done;
        bool dim_ok = strcmp(n, "array_length") != 0 || (v[1].type != SQLVAL_UNKNOWN ? v[1].u.i == 1 : !strcmp(v[1].s, "1"));
        if (!strcmp(n, "array_length") && (a.narr == 0 || !dim_ok)) sqlval_init_null(out, SQLVAL_INT4);
        else sqlval_set_int(out, SQLVAL_INT4, (int64_t)a.narr);
        sqlval_free(&a);
        rc = SQL_OK;
    } else if (!strcmp(n, "lower") || !strcmp(n, "upper")) {
        char *r;
        size_t rl;
        if (text_case(v[0].s, v[0].len, n[0] == 'u', &r, &rl, err)) goto done;
        sqlval_take_str(out, SQLVAL_TEXT, r, rl);
        rc = SQL_OK;
    } else if (!strcmp(n, "length") || !strcmp(n, "char_length")) {
        int64_t chars = 0;
        for (size_t i = 0; i < v[0].len; i++) chars += ((unsigned char)v[0].s[i] & 0xC0) != 0x80;
        sqlval_set_int(out, SQLVAL_INT4, chars);
        rc = SQL_OK;
    } else if (!strcmp(n, "abs")) {
        if (is_int(v[0].type)) {
            if (v[0].u.i == INT64_MIN || (v[0].type == SQLVAL_INT4 && v[0].u.i == INT32_MIN) ||
                (v[0].type == SQLVAL_INT2 && v[0].u.i == INT16_MIN)) {
                int_overflow(v[0].type, err);
                goto done;
            }
            sqlval_set_int(out, v[0].type, v[0].u.i < 0 ? -v[0].u.i : v[0].u.i);
        } else if (is_float(v[0].type)) {
            sqlval_set_float(out, v[0].type, fabs(v[0].u.f));
        } else {
            if (sqlval_copy(out, &v[0], err)) goto done;
            if (out->s && out->s[0] == '-') memmove(out->s, out->s + 1, out->len--);
        }
        rc = SQL_OK;
    } else if (!strcmp(n, "jsonb_set")) {
        sqlval target, path, val;
        sqlval_init_null(&path, SQLVAL_UNKNOWN);
        sqlval_init_null(&val, SQLVAL_UNKNOWN);
        if (sqlval_cast(&v[0], SQLVAL_JSONB, &target, err)) goto done;
        if (sqlval_cast(&v[1], SQLVAL_TEXTARRAY, &path, err) || sqlval_cast(&v[2], SQLVAL_JSONB, &val, err)) {
            sqlval_free(&target);
            sqlval_free(&path);
            goto done;
        }
        char *res;
        rc = sqljsonb_set(target.s, &path, val.s, &res, err);
        if (!rc) sqlval_take_str(out, SQLVAL_JSONB, res, strlen(res));
        sqlval_free(&target);
        sqlval_free(&path);
        sqlval_free(&val);
    } else if (!strcmp(n, "greatest") || !strcmp(n, "least")) {
        /* NULLs are ignored; NULL only when every argument is */
        int best = -1;
        rc = SQL_OK;
        for (int i = 0; i < na && !rc; i++) {
            if (v[i].isnull) continue;
            if (best < 0) {
                best = i;
                continue;
            }
            int c;
            rc = sqlval_compare(&v[i], &v[best], &c, err);
            if (!rc && (n[0] == 'g' ? c > 0 : c < 0)) best = i;
        }
        if (!rc) {
            if (best < 0) sqlval_init_null(out, e->type);
            else rc = v[best].type == e->type ? sqlval_copy(out, &v[best], err)
                                              : sqlval_cast(&v[best], e->type, out, err);
        }
    } else if (e->funcid > 0) {
        rc = sqlfunc_eval(e->funcid - 1, v, na, e->type, out, err);
    } else if (e->funcid < 0) {
        rc = catalog_call(e, ctx, n, v, na, out, err);
    } else {
        no_function(err, e);
    }
done:
    free_vals(v, na);
    if (v != vsmall) free(v);
    return rc;
}

/* ------------------------------------------------------------------ aggregates */

/* What sqlexpr_agg_step does with a row, classified once per aggregate (not by name per row). */
enum {
    AGG_OTHER, AGG_JSON, AGG_REGR, AGG_ARRAY, AGG_STRING, AGG_BOOL_AND, AGG_BOOL_OR, AGG_VAR,
    AGG_BIT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_GROUPING /* grouping(), _groupkey: sqlops */
};

static bool agg_json(const char *n);

static int agg_classify(const char *n)
{
    if (!strcmp(n, "grouping") || !strcmp(n, "_groupkey")) return AGG_GROUPING;
    if (agg_json(n)) return AGG_JSON;
    if (agg_regr(n)) return AGG_REGR;
    if (!strcmp(n, "array_agg")) return AGG_ARRAY;
    if (!strcmp(n, "string_agg")) return AGG_STRING;
    if (!strcmp(n, "bool_and") || !strcmp(n, "every")) return AGG_BOOL_AND;
    if (!strcmp(n, "bool_or")) return AGG_BOOL_OR;
    if (agg_var(n)) return AGG_VAR;
    if (!strncmp(n, "bit_", 4)) return AGG_BIT;
    if (!strcmp(n, "sum")) return AGG_SUM;
    if (!strcmp(n, "avg")) return AGG_AVG;
    if (!strcmp(n, "min")) return AGG_MIN;
    if (!strcmp(n, "max")) return AGG_MAX;
    return AGG_OTHER;
}

void sqlexpr_agg_init(sqlexpr_agg *a, const sqlast_expr *agg)
{
    memset(a, 0, sizeof(*a));
    a->expr = agg;
    a->bool_state = -1;
    a->op = agg_classify(agg->name);
    sqlval_init_null(&a->best, agg->type);
}

/* The aggregates that keep every row's value: string_agg, array_agg, json[b]_agg and
 * json[b]_object_agg (two values a row: the delimiter, or the object's value). */
static bool agg_json(const char *n)
{
    return !strcmp(n, "json_agg") || !strcmp(n, "jsonb_agg") || !strcmp(n, "json_object_agg") ||
           !strcmp(n, "jsonb_object_agg");
}

static int agg_per(const char *n)
{
    return !strcmp(n, "string_agg") || strstr(n, "object_agg") ? 2 : 1;
}

/* string_agg / array_agg / json aggregates: keeps the row's value (and delimiter or object
 * value) and ORDER BY keys. */
static int agg_collect(sqlexpr_agg *a, const sqlexpr_ctx *ctx, sqlval *v, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    int per = agg_per(e->name);
    if (a->nitems == a->capitems) {
        size_t nc = a->capitems ? a->capitems * 2 : 16;
        sqlval *g = realloc(a->items, nc * (size_t)per * sizeof *g);
        if (g) a->items = g;
        sqlval **k = realloc(a->okeys, nc * sizeof *k);
        if (k) a->okeys = k;
        if (!g || !k) {
            sqlval_free(v);
            return sqlerr_oom(err);
        }
        a->capitems = nc;
    }
    size_t i = a->nitems;
    sqlval_init_null(&a->items[i * (size_t)per], SQLVAL_TEXT);
    sqlval_move(&a->items[i * (size_t)per], v);
    if (per == 2) {
        sqlval_init_null(&a->items[i * 2 + 1], SQLVAL_TEXT);
        if (sqlexpr_eval(e->args[1], ctx, &a->items[i * 2 + 1], err)) {
            sqlval_free(&a->items[i * 2]);
            return SQL_ERR;
        }
    }
    a->okeys[i] = NULL;
    if (e->naorder) {
        sqlval *k = calloc((size_t)e->naorder, sizeof *k);
        if (!k) {
            for (int j = 0; j < per; j++) sqlval_free(&a->items[i * (size_t)per + (size_t)j]);
            return sqlerr_oom(err);
        }
        for (int j = 0; j < e->naorder; j++) sqlval_init_null(&k[j], SQLVAL_UNKNOWN);
        for (int j = 0; j < e->naorder; j++)
            if (sqlexpr_eval(e->aorder[j].expr, ctx, &k[j], err)) {
                for (int m = 0; m < e->naorder; m++) sqlval_free(&k[m]);
                free(k);
                for (int m = 0; m < per; m++) sqlval_free(&a->items[i * (size_t)per + (size_t)m]);
                return SQL_ERR;
            }
        a->okeys[i] = k;
    }
    a->nitems++;
    a->has = true;
    return SQL_OK;
}

typedef struct agg_sort {
    const sqlexpr_agg *a;
    bool failed;
} agg_sort;

static int agg_order_cmp(const void *pa, const void *pb, void *arg)
{
    agg_sort *as = arg;
    const sqlast_expr *e = as->a->expr;
    size_t x = *(const size_t *)pa, y = *(const size_t *)pb;
    for (int i = 0; i < e->naorder; i++) {
        const sqlval *u = &as->a->okeys[x][i], *v = &as->a->okeys[y][i];
        bool desc = e->aorder[i].desc;
        bool nf = e->aorder[i].nulls == 1 || (e->aorder[i].nulls == 0 && desc);
        if (u->isnull || v->isnull) {
            if (u->isnull && v->isnull) continue;
            return (u->isnull ? -1 : 1) * (nf ? 1 : -1);
        }
        int c;
        sqlerr ignore;
        if (sqlval_compare(u, v, &c, &ignore)) {
            as->failed = true;
            return 0;
        }
        if (c) return desc ? -c : c;
    }
    return x < y ? -1 : x > y;
}

/* The kept items' indexes in their ORDER BY order (malloc'd; NULL: out of memory); *failed:
 * two keys could not be compared. */
static size_t *agg_sorted(const sqlexpr_agg *a, bool *failed)
{
    size_t *idx = malloc((a->nitems ? a->nitems : 1) * sizeof *idx);
    if (!idx) return NULL;
    for (size_t i = 0; i < a->nitems; i++) idx[i] = i;
    agg_sort as = {a, false};
    if (a->expr->naorder && a->nitems > 1) qsort_r(idx, a->nitems, sizeof *idx, agg_order_cmp, &as);
    if (failed) *failed = as.failed;
    return idx;
}

static int agg_collected_final(sqlexpr_agg *a, sqlval *out, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    bool str = !strcmp(e->name, "string_agg");
    int per = str ? 2 : 1;
    if (!a->nitems) {
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    size_t *idx = agg_sorted(a, NULL);
    if (!idx) return sqlerr_oom(err);
    int rc = SQL_OK;
    if (str) {
        size_t len = 0;
        for (size_t i = 0; i < a->nitems; i++) {
            const sqlval *v = &a->items[idx[i] * 2], *d = &a->items[idx[i] * 2 + 1];
            len += strlen(v->s ? v->s : "") + (i && !d->isnull && d->s ? strlen(d->s) : 0);
        }
        char *buf = malloc(len + 1);
        if (!buf) {
            free(idx);
            return sqlerr_oom(err);
        }
        size_t o = 0;
        for (size_t i = 0; i < a->nitems; i++) {
            const sqlval *v = &a->items[idx[i] * 2], *d = &a->items[idx[i] * 2 + 1];
            if (i && !d->isnull && d->s) {
                size_t dl = strlen(d->s);
                memcpy(buf + o, d->s, dl);
                o += dl;
            }
            size_t vl = strlen(v->s ? v->s : "");
            memcpy(buf + o, v->s ? v->s : "", vl);
            o += vl;
        }
        buf[o] = 0;
        sqlval_take_str(out, SQLVAL_TEXT, buf, o);
    } else {
        const char **items = calloc(a->nitems + 1, sizeof *items);
        if (!items) {
            free(idx);
            return sqlerr_oom(err);
        }
        for (size_t i = 0; i < a->nitems; i++) {
            const sqlval *v = &a->items[idx[i] * (size_t)per];
            items[i] = v->isnull ? NULL : v->s;
        }
        rc = sqlval_set_array(out, items, a->nitems, err);
        if (!rc) out->type = e->type; /* int[] ... */
        free(items);
    }
    free(idx);
    return rc;
}

/* json_agg & co: the kept values in their ORDER BY order, built as PostgreSQL prints them */
static int agg_json_final(sqlexpr_agg *a, sqlval *out, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    int per = agg_per(e->name);
    if (!a->nitems) {
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    size_t *idx = malloc(a->nitems * sizeof *idx);
    sqlval *keys = per == 2 ? calloc(a->nitems, sizeof *keys) : NULL;
    sqlval *vals = calloc(a->nitems, sizeof *vals);
    if (!idx || !vals || (per == 2 && !keys)) {
        free(idx);
        free(keys);
        free(vals);
        return sqlerr_oom(err);
    }
    for (size_t i = 0; i < a->nitems; i++) idx[i] = i;
    agg_sort as = {a, false};
    if (e->naorder && a->nitems > 1) qsort_r(idx, a->nitems, sizeof *idx, agg_order_cmp, &as);
    for (size_t i = 0; i < a->nitems; i++) { /* borrowed: shallow copies */
        if (per == 2) {
            keys[i] = a->items[idx[i] * 2];
            vals[i] = a->items[idx[i] * 2 + 1];
        } else {
            vals[i] = a->items[idx[i]];
        }
    }
    bool structured = per == 1 && e->nargs == 1 && is_row_json(e->args[0]);
    int rc = sqlfunc_json_agg(keys, vals, a->nitems, e->type == SQLVAL_JSONB, structured, out, err);
    free(idx);
    free(keys);
    free(vals);
    return rc;
}

void sqlexpr_agg_free(sqlexpr_agg *a)
{
    if (a->expr) {
        int per = agg_per(a->expr->name);
        for (size_t i = 0; i < a->nitems; i++) {
            for (int j = 0; j < per; j++) sqlval_free(&a->items[i * (size_t)per + (size_t)j]);
            if (a->okeys[i]) {
                for (int j = 0; j < a->expr->naorder; j++) sqlval_free(&a->okeys[i][j]);
                free(a->okeys[i]);
            }
        }
    }
    free(a->items);
    free(a->okeys);
    a->items = NULL;
    a->okeys = NULL;
    a->nitems = a->capitems = 0;
    free(a->nsum);
    a->nsum = NULL;
    free(a->nsum2);
    a->nsum2 = NULL;
    sqlval_free(&a->best);
    for (size_t i = 0; i < a->nseen; i++) sqlval_free(&a->seen[i]);
    free(a->seen);
    a->seen = NULL;
    a->nseen = a->capseen = 0;
}

/* ---- variance and standard deviation, as PostgreSQL computes them ----
 * Numeric and integer inputs: the exact sums of x and x^2, then numeric_stddev_internal's
 * steps (the numerator N * sum(x^2) - sum(x)^2 exactly, divided at select_div_scale's scale,
 * the square root rounded at that scale). Float inputs: float8_accum's Youngs-Cramer sums in
 * double, divided (and rooted) in double, so the results match to the last bit. */

static int var_step(sqlexpr_agg *a, const sqlval *v, sqlerr *err)
{
    if (is_float(v->type)) {
        double x = v->u.f, n0 = (double)(a->count - 1), n = (double)a->count;
        double sx = a->yc_sx + x, sxx = a->yc_sxx;
        if (n0 > 0.0) {
            double tmp = x * n - sx;
            sxx += tmp * tmp / (n * n0);
            if (isinf(sx) || isinf(sxx)) {
                if (!isinf(a->yc_sx) && !isinf(x)) return sqlerr_set(err, "22003", -1, "value out of range: overflow");
                sxx = NAN;
            }
        } else if (isnan(x) || isinf(x)) {
            sxx = NAN;
        }
        a->yc_sx = sx;
        a->yc_sxx = sxx;
        return SQL_OK;
    }
    char buf[48];
    const char *t = v->s;
    if (is_int(v->type)) {
        snprintf(buf, sizeof buf, "%lld", (long long)v->u.i);
        t = buf;
    }
    if (!t || !strcmp(t, "NaN") || strstr(t, "Infinity")) {
        a->bad = true;
        return SQL_OK;
    }
    char *sq = NULL, *s1 = NULL, *s2 = NULL;
    if (sqlnum_mul(t, t, &sq) || (a->nsum ? sqlnum_add(a->nsum, t, &s1) : !(s1 = strdup(t))) ||
        (a->nsum2 ? sqlnum_add(a->nsum2, sq, &s2) : !(s2 = strdup(sq)))) {
        free(sq);
        free(s1);
        return sqlerr_oom(err);
    }
    free(sq);
    free(a->nsum);
    free(a->nsum2);
    a->nsum = s1;
    a->nsum2 = s2;
    return SQL_OK;
}

static int var_final(sqlexpr_agg *a, sqlval *out, sqlerr *err)
{
    const char *n = a->expr->name;
    bool sample = !strstr(n, "_pop"), root = !strncmp(n, "stddev", 6);
    if (sample && a->count <= 1) {
        sqlval_init_null(out, a->expr->type);
        return SQL_OK;
    }
    if (a->expr->type == SQLVAL_FLOAT8) {
        double d = a->yc_sxx / (sample ? (double)a->count - 1.0 : (double)a->count);
        sqlval_set_float(out, SQLVAL_FLOAT8, root ? sqrt(d) : d);
        return SQL_OK;
    }
    if (a->bad) return sqlval_set_str(out, SQLVAL_NUMERIC, "NaN", 3, err);
    char cnt[32], den[64];
    snprintf(cnt, sizeof cnt, "%lld", (long long)a->count);
    snprintf(den, sizeof den, "%lld", (long long)(sample ? a->count - 1 : a->count));
    char *sx2 = NULL, *nsx2 = NULL, *num = NULL, *dd = NULL, *q = NULL, *r = NULL;
    int rc = SQL_OK;
    /* N * sum(x^2) - sum(x)^2, exactly */
    if (sqlnum_mul(a->nsum, a->nsum, &sx2) || sqlnum_mul(cnt, a->nsum2, &nsx2) ||
        sqlnum_sub(nsx2, sx2, &num) || sqlnum_mul(cnt, den, &dd)) {
        rc = sqlerr_oom(err);
        goto done;
    }
    bool positive = num[0] != '-' && strspn(num, "0.") != strlen(num);
    if (!positive) { /* roundoff cannot happen in exact sums: zero spread */
        rc = sqlval_set_str(out, SQLVAL_NUMERIC, "0", 1, err);
        goto done;
    }
    int rs = sqlfunc_num_div_scale(num, dd);
    if (sqlnum_div(num, dd, rs, &q) || (root && sqlfunc_num_sqrt(q, rs, &r))) {
        rc = sqlerr_oom(err);
        goto done;
    }
    rc = sqlval_set_str(out, SQLVAL_NUMERIC, root ? r : q, strlen(root ? r : q), err);
done:
    free(sx2);
    free(nsx2);
    free(num);
    free(dd);
    free(q);
    free(r);
    return rc;
}

/* ---- corr, covar_pop / covar_samp, regr_*: float8_regr_accum's Youngs-Cramer sums over the
 * rows where neither value is NULL, and its final functions, in double as PostgreSQL ---- */

static int regr_step(sqlexpr_agg *a, const sqlexpr_ctx *ctx, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    sqlval v[2], f[2];
    int got = 0;
    for (; got < 2; got++)
        if (sqlexpr_eval(e->args[got], ctx, &v[got], err)) break;
    bool skip = got < 2 || v[0].isnull || v[1].isnull;
    int rc = got < 2 ? SQL_ERR : SQL_OK, cast = 0;
    for (; !skip && !rc && cast < 2; cast++) rc = sqlval_cast(&v[cast], SQLVAL_FLOAT8, &f[cast], err);
    for (int i = 0; i < got; i++) sqlval_free(&v[i]);
    if (rc || skip) return rc;
    double y = f[0].u.f, x = f[1].u.f, n0 = (double)a->count, n = n0 + 1.0;
    a->count++;
    a->has = true;
    double sx = a->yc_sx + x, sy = a->yc_sy + y, sxx = a->yc_sxx, syy = a->yc_syy, sxy = a->yc_sxy;
    if (n0 > 0.0) {
        double tx = x * n - sx, ty = y * n - sy, scale = 1.0 / (n * n0);
        sxx += tx * tx * scale;
        syy += ty * ty * scale;
        sxy += tx * ty * scale;
        if (isinf(sx) || isinf(sxx) || isinf(sy) || isinf(syy) || isinf(sxy)) {
            if (((isinf(sx) || isinf(sxx)) && !isinf(a->yc_sx) && !isinf(x)) ||
                ((isinf(sy) || isinf(syy)) && !isinf(a->yc_sy) && !isinf(y)) ||
                (isinf(sxy) && !isinf(a->yc_sx) && !isinf(x) && !isinf(a->yc_sy) && !isinf(y)))
                return sqlerr_set(err, "22003", -1, "value out of range: overflow");
            if (isinf(sxx)) sxx = NAN;
            if (isinf(syy)) syy = NAN;
            if (isinf(sxy)) sxy = NAN;
        }
    } else {
        if (isnan(x) || isinf(x)) sxx = sxy = NAN;
        if (isnan(y) || isinf(y)) syy = sxy = NAN;
    }
    a->yc_sx = sx;
    a->yc_sy = sy;
    a->yc_sxx = sxx;
    a->yc_syy = syy;
    a->yc_sxy = sxy;
    return SQL_OK;
}

static int regr_final(sqlexpr_agg *a, sqlval *out)
{
    const char *n = a->expr->name;
    double N = (double)a->count, sx = a->yc_sx, sy = a->yc_sy, sxx = a->yc_sxx, syy = a->yc_syy,
           sxy = a->yc_sxy, r;
    if (!strcmp(n, "regr_count")) {
        sqlval_set_int(out, SQLVAL_INT8, a->count);
        return SQL_OK;
    }
    bool null = N < 1.0;
    if (!strcmp(n, "regr_sxx")) r = sxx;
    else if (!strcmp(n, "regr_syy")) r = syy;
    else if (!strcmp(n, "regr_sxy")) r = sxy;
    else if (!strcmp(n, "regr_avgx")) r = sx / N;
    else if (!strcmp(n, "regr_avgy")) r = sy / N;
    else if (!strcmp(n, "covar_pop")) r = sxy / N;
    else if (!strcmp(n, "covar_samp")) null = N < 2.0, r = sxy / (N - 1.0);
    else if (!strcmp(n, "corr")) null = null || sxx == 0 || syy == 0, r = sxy / sqrt(sxx * syy);
    else if (!strcmp(n, "regr_r2")) null = null || sxx == 0, r = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
    else if (!strcmp(n, "regr_slope")) null = null || sxx == 0, r = sxy / sxx;
    else null = null || sxx == 0, r = (sy - sx * sxy / sxx) / N; /* regr_intercept */
    if (null) sqlval_init_null(out, SQLVAL_FLOAT8);
    else sqlval_set_float(out, SQLVAL_FLOAT8, r);
    return SQL_OK;
}

/* ---- ordered-set aggregates: the ORDER BY values collected (NULLs skipped), sorted at the
 * end; the direct argument taken from the first row (PostgreSQL requires it to be the same
 * for every row of a group) ---- */

static int os_step(sqlexpr_agg *a, const sqlexpr_ctx *ctx, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    sqlval k;
    if (sqlexpr_eval(e->aorder[0].expr, ctx, &k, err)) return SQL_ERR;
    if (k.isnull) {
        sqlval_free(&k);
        return SQL_OK;
    }
    if (e->nargs && a->bool_state < 0) {
        sqlval_free(&a->best);
        if (sqlexpr_eval(e->args[0], ctx, &a->best, err)) {
            sqlval_free(&k);
            return SQL_ERR;
        }
        a->bool_state = 1;
    }
    a->count++;
    return agg_collect(a, ctx, &k, err);
}

/* One percentile of the n sorted values (items in idx order) into out. */
static int os_percentile(const sqlexpr_agg *a, const size_t *idx, double f, bool cont,
                         sqlval_type t, sqlval *out, sqlerr *err)
{
    if (isnan(f) || f < 0 || f > 1) {
        char g[32];
        snprintf(g, sizeof g, "%.15g", f);
        return sqlerr_set(err, "22003", -1, "percentile value %s is not between 0 and 1", g);
    }
    int64_t n = (int64_t)a->nitems;
    if (!cont) {
        int64_t row = (int64_t)ceil(f * (double)n);
        if (row < 1) row = 1;
        return sqlval_cast(&a->items[idx[row - 1]], t, out, err);
    }
    double pos = f * (double)(n - 1);
    int64_t lo = (int64_t)floor(pos), hi = (int64_t)ceil(pos);
    sqlval x, y;
    if (sqlval_cast(&a->items[idx[lo]], t, &x, err)) return SQL_ERR;
    if (lo == hi) {
        sqlval_move(out, &x);
        return SQL_OK;
    }
    if (sqlval_cast(&a->items[idx[hi]], t, &y, err)) {
        sqlval_free(&x);
        return SQL_ERR;
    }
    double p = pos - (double)lo;
    int rc = SQL_OK;
    if (t == SQLVAL_FLOAT8) { /* float8_lerp */
        sqlval_set_float(out, SQLVAL_FLOAT8, x.u.f + (y.u.f - x.u.f) * p);
    } else { /* interval_lerp: lo + (hi - lo) * p */
        sqlval d, m, pv;
        sqlval_set_float(&pv, SQLVAL_FLOAT8, p);
        rc = sqldate_op(SQLAST_OP_SUB, &y, &x, SQLVAL_INTERVAL, &d, err);
        if (!rc) {
            rc = sqldate_op(SQLAST_OP_MUL, &d, &pv, SQLVAL_INTERVAL, &m, err);
            sqlval_free(&d);
            if (!rc) {
                rc = sqldate_op(SQLAST_OP_ADD, &x, &m, SQLVAL_INTERVAL, out, err);
                sqlval_free(&m);
            }
        }
    }
    sqlval_free(&x);
    sqlval_free(&y);
    return rc;
}

static int os_final(sqlexpr_agg *a, sqlval *out, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    bool mode = !strcmp(e->name, "mode"), cont = !strcmp(e->name, "percentile_cont");
    if (!a->nitems || (!mode && a->best.isnull)) {
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    bool failed = false;
    size_t *idx = agg_sorted(a, &failed);
    if (!idx) return sqlerr_oom(err);
    int rc = SQL_OK;
    if (failed) {
        rc = sqlerr_set(err, "42883", -1, "could not identify an ordering operator for the aggregated value");
    } else if (mode) { /* the most frequent value; of equally frequent ones the first in order */
        size_t best = 0, bestn = 0;
        for (size_t i = 0; i < a->nitems && !rc;) {
            size_t j = i + 1;
            for (; j < a->nitems; j++) {
                int c;
                if ((rc = sqlval_compare(&a->items[idx[i]], &a->items[idx[j]], &c, err)) || c) break;
            }
            if (j - i > bestn) best = i, bestn = j - i;
            i = j;
        }
        if (!rc) rc = sqlval_cast(&a->items[idx[best]], e->type, out, err);
    } else if (!sqlval_type_is_array(e->type)) {
        sqlval f;
        rc = sqlval_cast(&a->best, SQLVAL_FLOAT8, &f, err);
        if (!rc) rc = os_percentile(a, idx, f.u.f, cont, e->type, out, err);
    } else { /* an array of fractions: an array of percentiles (NULL for a NULL fraction) */
        sqlval fa;
        rc = sqlval_cast(&a->best, SQLVAL_FLOAT8ARRAY, &fa, err);
        bool have = !rc;
        char **txt = !rc ? fa.arr : NULL;
        size_t nf = !rc ? fa.narr : 0;
        sqlval_type et = sqlval_array_elem(e->type);
        const char **items = !rc ? calloc(nf + 1, sizeof *items) : NULL;
        sqlval *vals = !rc ? calloc(nf + 1, sizeof *vals) : NULL;
        if (!rc && (!items || !vals)) rc = sqlerr_oom(err);
        for (size_t i = 0; !rc && i < nf; i++) {
            sqlval_init_null(&vals[i], et);
            if (!txt[i]) continue;
            char *end;
            double fv = strtod(txt[i], &end);
            if ((rc = os_percentile(a, idx, fv, cont, et, &vals[i], err))) break;
            char *t;
            size_t tl;
            if ((rc = sqlval_to_text(&vals[i], &t, &tl, err))) break;
            sqlval_free(&vals[i]);
            sqlval_take_str(&vals[i], SQLVAL_TEXT, t, tl);
            items[i] = vals[i].s;
        }
        if (!rc) {
            rc = sqlval_set_array(out, items, nf, err);
            if (!rc) out->type = e->type;
        }
        for (size_t i = 0; vals && i < nf; i++) sqlval_free(&vals[i]);
        free(vals);
        free(items);
        if (have) sqlval_free(&fa);
    }
    free(idx);
    return rc;
}

int sqlexpr_agg_step(sqlexpr_agg *a, const sqlexpr_ctx *ctx, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    if (a->op == AGG_GROUPING) return SQL_OK; /* a property of the group, not of its rows */
    if (e->filter) {
        bool yes;
        if (sqlexpr_eval_bool(e->filter, ctx, &yes, err)) return SQL_ERR;
        if (!yes) return SQL_OK;
    }
    if (e->star) {
        a->count++;
        return SQL_OK;
    }
    if (e->within_group) return os_step(a, ctx, err);
    if (a->op == AGG_REGR) return regr_step(a, ctx, err);
    sqlval v;
    if (sqlexpr_eval(e->args[0], ctx, &v, err)) return SQL_ERR;
    if (a->op == AGG_JSON && !e->distinct) { /* json aggregates keep NULLs (as null) */
        a->count++;
        a->has = true;
        return agg_collect(a, ctx, &v, err);
    }
    if (v.isnull && a->op == AGG_ARRAY && (!e->distinct || !a->null_seen)) {
        a->null_seen = true;
        v.type = SQLVAL_TEXT; /* array_agg keeps NULLs (DISTINCT: one) */
        return agg_collect(a, ctx, &v, err);
    }
    if (v.isnull) return SQL_OK;
    if (e->distinct) {
        for (size_t i = 0; i < a->nseen; i++) {
            int c;
            if (sqlval_compare(&a->seen[i], &v, &c, err)) {
                sqlval_free(&v);
                return SQL_ERR;
            }
            if (c == 0) {
                sqlval_free(&v);
                return SQL_OK;
            }
        }
        if (a->nseen == a->capseen) {
            size_t ncap = a->capseen ? a->capseen * 2 : 16;
            sqlval *grown = realloc(a->seen, ncap * sizeof(*grown));
            if (!grown) {
                sqlval_free(&v);
                return sqlerr_oom(err);
            }
            a->seen = grown;
            a->capseen = ncap;
        }
        sqlval copy;
        if (sqlval_copy(&copy, &v, err)) {
            sqlval_free(&v);
            return SQL_ERR;
        }
        a->seen[a->nseen++] = copy;
    }
    a->count++;
    a->has = true;
    int rc = SQL_OK;
    if (a->op == AGG_JSON) return agg_collect(a, ctx, &v, err); /* DISTINCT */
    if (a->op == AGG_STRING || a->op == AGG_ARRAY) {
        if (e->type != SQLVAL_TEXTARRAY && e->type != SQLVAL_TEXT) {
            /* a typed array keeps its elements as their output text (true is t) */
            char *txt;
            size_t tl;
            if (sqlval_to_text(&v, &txt, &tl, err)) {
                sqlval_free(&v);
                return SQL_ERR;
            }
            sqlval_free(&v);
            sqlval_take_str(&v, SQLVAL_TEXT, txt, tl);
        } else if (v.type != SQLVAL_TEXT && v.type != SQLVAL_VARCHAR && v.type != SQLVAL_NAME &&
            v.type != SQLVAL_UNKNOWN) {
            sqlval t;
            if (sqlval_cast(&v, SQLVAL_TEXT, &t, err)) {
                sqlval_free(&v);
                return SQL_ERR;
            }
            sqlval_move(&v, &t);
        }
        return agg_collect(a, ctx, &v, err);
    }
    if (a->op == AGG_BOOL_AND || a->op == AGG_BOOL_OR) {
        bool b = v.type == SQLVAL_BOOL ? v.u.b : false;
        if (v.type != SQLVAL_BOOL) {
            sqlval t;
            if (sqlval_cast(&v, SQLVAL_BOOL, &t, err)) {
                sqlval_free(&v);
                return SQL_ERR;
            }
            b = t.u.b;
        }
        bool is_or = a->op == AGG_BOOL_OR;
        a->bool_state = a->bool_state < 0 ? b : is_or ? (a->bool_state || b) : (a->bool_state && b);
        sqlval_free(&v);
        return SQL_OK;
    }
    if (a->op == AGG_VAR) {
        rc = var_step(a, &v, err);
        sqlval_free(&v);
        return rc;
    }
    if (a->op == AGG_BIT) { /* bit_and / bit_or / bit_xor of integers */
        int64_t x = v.u.i;
        if (a->count == 1) a->isum = x;
        else if (e->name[4] == 'a') a->isum = (int64_t)a->isum & x;
        else if (e->name[4] == 'o') a->isum = (int64_t)a->isum | x;
        else a->isum = (int64_t)a->isum ^ x;
        sqlval_free(&v);
        return SQL_OK;
    }
    if ((a->op == AGG_SUM || a->op == AGG_AVG) && v.type == SQLVAL_INTERVAL) {
        /* interval_pl: the running sum is kept in best */
        if (a->best.isnull) {
            sqlval_move(&a->best, &v);
            return SQL_OK;
        }
        sqlval s;
        rc = sqldate_op(SQLAST_OP_ADD, &a->best, &v, SQLVAL_INTERVAL, &s, err);
        if (!rc) sqlval_move(&a->best, &s);
    } else if (a->op == AGG_SUM || a->op == AGG_AVG) {
        if (is_int(v.type)) {
            a->isum += v.u.i;
        } else if (is_float(v.type)) {
            /* as PostgreSQL: sum(real) adds in real (float4pl), sum and avg of double
             * precision and avg(real) add in double (float8pl, float8_accum) */
            if (v.type == SQLVAL_FLOAT4 && a->op == AGG_SUM)
                a->fsum = (float)((float)a->fsum + (float)v.u.f);
            else
                a->fsum = (double)a->fsum + v.u.f;
        } else if (v.type == SQLVAL_NUMERIC && !strcmp(v.s, "NaN")) {
            a->fsum = NAN;
        } else if (v.s) {
            int s = numeric_scale(&v);
            if (s > a->scale) a->scale = s;
            char *t = NULL;
            if (!a->nsum) t = strdup(v.s);
            else if (sqlnum_add(a->nsum, v.s, &t)) t = NULL;
            if (!t) rc = sqlerr_oom(err);
            else {
                free(a->nsum);
                a->nsum = t;
            }
        }
    } else if (a->op == AGG_MIN || a->op == AGG_MAX) {
        int c = 0;
        if (!a->best.isnull && sqlval_compare(&v, &a->best, &c, err)) {
            sqlval_free(&v);
            return SQL_ERR;
        }
        if (a->best.isnull || (a->op == AGG_MIN ? c < 0 : c > 0)) {
            sqlval_free(&a->best);
            rc = sqlval_cast(&v, e->type, &a->best, err);
        }
    }
    sqlval_free(&v);
    return rc;
}

static int int128_numeric(i128 v, sqlval *out, sqlerr *err)
{
    char buf[48], *p = buf + sizeof(buf) - 1;
    *p = 0;
    bool neg = v < 0;
    u128 u = neg ? -(u128)v : (u128)v;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg) *--p = '-';
    return sqlval_set_str(out, SQLVAL_NUMERIC, p, strlen(p), err);
}

int sqlexpr_agg_final(sqlexpr_agg *a, sqlval *out, sqlerr *err)
{
    const sqlast_expr *e = a->expr;
    const char *n = e->name;
    sqlval_type argt = e->nargs ? e->args[0]->type : SQLVAL_UNKNOWN;
    if (!strcmp(n, "count")) {
        sqlval_set_int(out, SQLVAL_INT8, a->count);
        return SQL_OK;
    }
    if (e->within_group) return os_final(a, out, err);
    if (agg_regr(n)) return regr_final(a, out);
    if (!strcmp(n, "string_agg") || !strcmp(n, "array_agg")) return agg_collected_final(a, out, err);
    if (agg_json(n)) return agg_json_final(a, out, err);
    if (!a->has) {
        sqlval_init_null(out, e->type);
        return SQL_OK;
    }
    if (!strcmp(n, "bool_and") || !strcmp(n, "every") || !strcmp(n, "bool_or")) {
        sqlval_set_bool(out, a->bool_state > 0);
        return SQL_OK;
    }
    if (!strcmp(n, "min") || !strcmp(n, "max")) return sqlval_copy(out, &a->best, err);
    if (agg_var(n)) return var_final(a, out, err);
    if (!strncmp(n, "bit_", 4)) {
        sqlval_set_int(out, e->type, (int64_t)a->isum);
        return SQL_OK;
    }
    if (e->type == SQLVAL_INTERVAL && (!strcmp(n, "sum") || !strcmp(n, "avg"))) {
        if (!strcmp(n, "sum")) return sqlval_copy(out, &a->best, err);
        sqlval cnt;
        sqlval_set_float(&cnt, SQLVAL_FLOAT8, (double)a->count);
        return sqldate_op(SQLAST_OP_DIV, &a->best, &cnt, SQLVAL_INTERVAL, out, err);
    }
    if (!strcmp(n, "sum")) {
        if (e->type == SQLVAL_INT8) {
            if (a->isum > INT64_MAX || a->isum < INT64_MIN) return int_overflow(SQLVAL_INT8, err);
            sqlval_set_int(out, SQLVAL_INT8, (int64_t)a->isum);
            return SQL_OK;
        }
        if (is_int(argt)) return int128_numeric(a->isum, out, err);
        if (is_float(e->type)) {
            sqlval_set_float(out, e->type, (double)a->fsum);
            return SQL_OK;
        }
        if (isnan(a->fsum)) return sqlval_set_str(out, SQLVAL_NUMERIC, "NaN", 3, err);
        return sqlval_set_str(out, SQLVAL_NUMERIC, a->nsum ? a->nsum : "0",
                              strlen(a->nsum ? a->nsum : "0"), err);
    }
    /* avg */
    if (is_float(e->type)) {
        sqlval_set_float(out, SQLVAL_FLOAT8, (double)a->fsum / (double)a->count);
        return SQL_OK;
    }
    if (isnan(a->fsum)) return sqlval_set_str(out, SQLVAL_NUMERIC, "NaN", 3, err);
    /* sum / count, exactly, at the scale numeric division gives */
    sqlval total, cnt;
    if (is_int(argt) ? int128_numeric(a->isum, &total, err)
                     : sqlval_set_str(&total, SQLVAL_NUMERIC, a->nsum ? a->nsum : "0",
                                      strlen(a->nsum ? a->nsum : "0"), err))
        return SQL_ERR;
    sqlval_set_int(&cnt, SQLVAL_INT8, a->count);
    int rc = arith(SQLAST_OP_DIV, &total, &cnt, SQLVAL_NUMERIC, out, err);
    sqlval_free(&total);
    return rc;
}
