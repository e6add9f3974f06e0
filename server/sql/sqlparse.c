/*
 * server/sql/sqlparse.c — see sqlparse.h.
 *
 * Index: tree access helpers (node/field/str), expressions (conv_expr and its per-node
 * helpers), statements (conv_select, conv_insert, conv_update, conv_delete, conv_create,
 * conv_drop, conv_alter, conv_transaction, conv_set, conv_copy), entry points.
 */
#include "server/sql/sqlparse.h"
#include "server/sql/sqljload.h"
#include "server/sql/sqldo.h"
#include "server/sql/sqlindex.h"
#include "server/sql/sqlguc.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqlrole.h"
#include "proto/sqlstate.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pctx {
    const char *sql;
    size_t sqllen;
    sqlerr *err;
    sqlast_stmt *stmt; /* statement being built (for parameter numbering) */
    /* the statement uses a relational construct (join, subquery, set operation, WITH...) */
    bool relational;
    /* the WINDOW clause of the SELECT being converted (names OVER w refers to) */
    json_t *windows;
} pctx;

static int conv_role(pctx *c, const char *t, json_t *b, sqlast_stmt *s);
static int conv_prepare(pctx *c, json_t *b, sqlast_stmt *s);
static int conv_targets_of(pctx *c, json_t *list, sqlast_stmt *sel);
static int conv_default_privs(pctx *c, json_t *b, sqlast_stmt *s);

static int conv_select(pctx *c, json_t *b, sqlast_stmt *s);
static int conv_sort(pctx *c, json_t *sort, sqlast_order **out, int *n);
static int conv_values_lists(pctx *c, json_t *vl, sqlast_stmt *s, bool allow_default);
static int conv_expr_list(pctx *c, json_t *list, sqlast_expr ***out, int *n);

/* ------------------------------------------------------------------ tree access */

/* A parse-tree node is {"TypeName": {...}}; returns the type name and its body. */
static const char *node(json_t *n, json_t **body)
{
    *body = NULL;
    if (!json_is_object(n) || json_object_size(n) != 1) return "";
    const char *key;
    json_t *val;
    json_object_foreach(n, key, val)
    {
        *body = val;
        return key;
    }
    return "";
}

static json_t *field(json_t *body, const char *name)
{
    return json_is_object(body) ? json_object_get(body, name) : NULL;
}

static const char *fstr(json_t *body, const char *name)
{
    json_t *v = field(body, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool fbool(json_t *body, const char *name)
{
    return json_is_true(field(body, name));
}

/* A statement's DropBehavior: CASCADE (DROP, REVOKE, TRUNCATE ...). */
static bool drop_cascade(json_t *b)
{
    const char *beh = fstr(b, "behavior");
    return beh && !strcmp(beh, "DROP_CASCADE");
}

static int floc(json_t *body)
{
    json_t *v = field(body, "location");
    return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

/* {"String": {"sval": "x"}} -> "x" */
static const char *string_node(json_t *n)
{
    json_t *body;
    if (strcmp(node(n, &body), "String") != 0) return NULL;
    const char *s = fstr(body, "sval");
    return s ? s : "";
}

static char *dup_or_oom(pctx *c, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) sqlerr_oom(c->err);
    return d;
}

/* Copies a list of String nodes into *out. */
static int string_list(pctx *c, json_t *list, char ***out, int *n)
{
    size_t len = json_array_size(list);
    *out = NULL;
    *n = 0;
    if (!len) return SQL_OK;
    char **v = calloc(len, sizeof(char *));
    if (!v) return sqlerr_oom(c->err);
    for (size_t i = 0; i < len; i++) {
        json_t *item = json_array_get(list, i), *body;
        const char *s = string_node(item);
        if (!s && !strcmp(node(item, &body), "IndexElem")) s = fstr(body, "name");
        if (!s) {
            for (size_t k = 0; k < i; k++) free(v[k]);
            free(v);
            return sqlerr_unsupported(c->err, -1, "expressions in a column list");
        }
        v[i] = strdup(s);
        if (!v[i]) {
            for (size_t k = 0; k < i; k++) free(v[k]);
            free(v);
            return sqlerr_oom(c->err);
        }
    }
    *out = v;
    *n = (int)len;
    return SQL_OK;
}

/* ------------------------------------------------------------------ types */

static int qual_name(pctx *c, const char *schema, const char *rel, char **out);

/* TypeName -> HeliosDB spelling: pg_catalog prefix dropped, internal names mapped back to
 * SQL ones, "[]" appended for arrays. *out is malloc'd. */
static int type_name(pctx *c, json_t *tn, char **out, bool *array)
{
    json_t *names = field(tn, "names");
    size_t n = json_array_size(names);
    const char *last = n ? string_node(json_array_get(names, n - 1)) : NULL;
    if (!last) return sqlerr_set(c->err, "42601", floc(tn), "syntax error in type name");
    /* pg_catalog.int4; s.mood (an enum type of schema s: found when the statement runs, with
     * its schema as sqlast.h carries relation names) */
    if (n > 2) return sqlerr_set(c->err, "42704", floc(tn), "type \"%s\" does not exist", last);
    const char *sch = n == 2 ? string_node(json_array_get(names, 0)) : NULL;
    if (sch && strcmp(sch, "pg_catalog")) {
        char *q = NULL;
        if (qual_name(c, sch, last, &q)) return SQL_ERR;
        if (fbool(tn, "setof") || field(tn, "pct_type")) {
            free(q);
            return sqlerr_unsupported(c->err, floc(tn), "%TYPE and SETOF");
        }
        *array = json_array_size(field(tn, "arrayBounds")) > 0;
        if (*array) {
            char *qa = NULL;
            if (asprintf(&qa, "%s[]", q) < 0) qa = NULL;
            free(q);
            q = qa;
        }
        if (!q) return sqlerr_oom(c->err);
        *out = q;
        return SQL_OK;
    }
    if (fbool(tn, "setof") || field(tn, "pct_type"))
        return sqlerr_unsupported(c->err, floc(tn), "%TYPE and SETOF");
    *array = json_array_size(field(tn, "arrayBounds")) > 0;
    if (json_array_size(field(tn, "arrayBounds")) > 1)
        return sqlerr_unsupported(c->err, floc(tn), "multidimensional arrays");
    char buf[128];
    snprintf(buf, sizeof(buf), "%s%s", last, *array ? "[]" : "");
    *out = dup_or_oom(c, buf);
    return *out ? SQL_OK : SQL_ERR;
}

/* ------------------------------------------------------------------ expressions */

static int conv_expr(pctx *c, json_t *n, sqlast_expr **out);

static sqlast_expr *new_expr(pctx *c, sqlast_kind kind, int location)
{
    sqlast_expr *e = sqlast_expr_new(kind, location);
    if (!e) sqlerr_oom(c->err);
    return e;
}

/* Converts n and appends it to e's arguments. */
static int add_arg(pctx *c, sqlast_expr *e, json_t *n)
{
    sqlast_expr *a;
    if (conv_expr(c, n, &a)) return SQL_ERR;
    if (sqlast_expr_add_arg(e, a)) {
        sqlast_expr_free(a);
        return sqlerr_oom(c->err);
    }
    return SQL_OK;
}

static int add_args(pctx *c, sqlast_expr *e, json_t *list)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (add_arg(c, e, json_array_get(list, i))) return SQL_ERR;
    return SQL_OK;
}

/* Reads an integer constant from the query text (see the quirk in sqlparse.h). The grammar
 * folds a unary minus into the constant it negates (doNegate) and gives the result the minus
 * sign's location, so the text there may be "-(2)", "- ( 2 )", "-/ *c* /2" or "-(-(-3))": skip
 * signs, parentheses, white space and comments, and let the parity of the minus signs decide. */
static long long int_from_text(pctx *c, int loc)
{
    if (loc < 0 || (size_t)loc >= c->sqllen) return 0;
    const char *p = c->sql + loc, *end = c->sql + c->sqllen;
    bool neg = false;
    while (p < end) {
        if (*p == '-' && p + 1 < end && p[1] == '-') {
            while (p < end && *p != '\n') p++;
        } else if (*p == '/' && p + 1 < end && p[1] == '*') {
            const char *q = strstr(p + 2, "*/");
            p = q ? q + 2 : end;
        } else if (*p == '-') {
            neg = !neg;
            p++;
        } else if (*p == '(' || *p == '+' || isspace((unsigned char)*p)) {
            p++;
        } else {
            break;
        }
    }
    long long v = p < end ? strtoll(p, NULL, 10) : 0;
    return neg ? -v : v;
}

static int conv_const(pctx *c, json_t *b, sqlast_expr *e)
{
    json_t *v;
    if (fbool(b, "isnull")) {
        sqlval_init_null(&e->value, SQLVAL_UNKNOWN);
    } else if ((v = field(b, "ival"))) {
        json_t *iv = field(v, "ival");
        long long i = json_is_integer(iv) ? json_integer_value(iv) : int_from_text(c, e->location);
        sqlval_set_int(&e->value, SQLVAL_INT4, i);
    } else if ((v = field(b, "fval"))) {
        const char *f = fstr(v, "fval");
        int64_t i;
        if (!f) f = "0";
        /* integers too large for int4 arrive as fval: as PostgreSQL's make_const, int4 if it
         * fits after all (-2147483648: the grammar folded the minus in), int8 if that fits,
         * else numeric */
        if (strspn(f + (*f == '-'), "0123456789") == strlen(f + (*f == '-')) &&
            sqlval_parse_int(f, strlen(f), SQLVAL_INT8, &i, NULL) == SQL_OK) {
            sqlval_set_int(&e->value, i >= INT32_MIN && i <= INT32_MAX ? SQLVAL_INT4 : SQLVAL_INT8, i);
        } else {
            char *num;
            if (sqlval_parse_numeric(f, strlen(f), &num, c->err)) return SQL_ERR;
            sqlval_take_str(&e->value, SQLVAL_NUMERIC, num, strlen(num));
        }
    } else if ((v = field(b, "sval"))) {
        const char *s = fstr(v, "sval");
        if (!s) s = "";
        if (sqlval_set_str(&e->value, SQLVAL_UNKNOWN, s, strlen(s), c->err)) return SQL_ERR;
    } else if ((v = field(b, "boolval"))) {
        sqlval_set_bool(&e->value, fbool(v, "boolval"));
    } else {
        return sqlerr_unsupported(c->err, e->location, "bit string constants");
    }
    e->type = e->value.type;
    return SQL_OK;
}

static int op_from_name(const char *name)
{
    static const struct {
        const char *s;
        int op;
    } ops[] = {
        {"+", SQLAST_OP_ADD}, {"-", SQLAST_OP_SUB}, {"*", SQLAST_OP_MUL}, {"/", SQLAST_OP_DIV},
        {"%", SQLAST_OP_MOD}, {"=", SQLAST_OP_EQ}, {"<>", SQLAST_OP_NE}, {"!=", SQLAST_OP_NE},
        {"<", SQLAST_OP_LT}, {"<=", SQLAST_OP_LE}, {">", SQLAST_OP_GT}, {">=", SQLAST_OP_GE},
        {"||", SQLAST_OP_CONCAT}, {"->", SQLAST_OP_JSON_GET}, {"->>", SQLAST_OP_JSON_GET_TEXT},
        {"~", SQLAST_OP_REGEX}, {"!~", SQLAST_OP_REGEX}, {"~*", SQLAST_OP_REGEX},
        {"!~*", SQLAST_OP_REGEX},
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strcmp(name, ops[i].s)) return ops[i].op;
    return -1;
}

/* Operator name of an A_Expr: last element of the (possibly OPERATOR(schema.op)) name. */
static const char *aexpr_opname(json_t *b)
{
    json_t *names = field(b, "name");
    size_t n = json_array_size(names);
    const char *s = n ? string_node(json_array_get(names, n - 1)) : NULL;
    return s ? s : "";
}

/* (a, b) op (c, d): = is the AND of the pairs, <> their OR, an ordering compares the first
 * pair that differs: a < c OR (a = c AND b < d) ... */
static int conv_row_compare(pctx *c, int op, const char *opname, json_t *la, json_t *ra, int loc,
                            sqlast_expr **out)
{
    size_t n = json_array_size(la);
    *out = NULL;
    if (op < SQLAST_OP_EQ || op > SQLAST_OP_GE) {
        char what[64];
        snprintf(what, sizeof what, "operator %s on row constructors", opname);
        return sqlerr_unsupported(c->err, loc, what);
    }
    if (n != json_array_size(ra))
        return sqlerr_set(c->err, "42601", loc, "unequal number of entries in row expressions");
    if (n == 0) return sqlerr_unsupported(c->err, loc, "comparison of empty rows");
    bool ordering = op != SQLAST_OP_EQ && op != SQLAST_OP_NE;
    sqlast_expr *top = new_expr(c, op == SQLAST_OP_EQ ? SQLAST_AND : SQLAST_OR, loc);
    if (!top) return SQL_ERR;
    for (size_t i = 0; i < n; i++) {
        sqlast_expr *term = NULL;
        if (!ordering) {
            if (!(term = new_expr(c, SQLAST_OP, loc))) goto fail;
            term->op = op;
            if (add_arg(c, term, json_array_get(la, i)) || add_arg(c, term, json_array_get(ra, i))) {
                sqlast_expr_free(term);
                goto fail;
            }
        } else {
            /* a_0 = b_0 AND ... AND a_{i-1} = b_{i-1} AND a_i op' b_i */
            if (!(term = new_expr(c, SQLAST_AND, loc))) goto fail;
            for (size_t k = 0; k <= i; k++) {
                sqlast_expr *cmp = new_expr(c, SQLAST_OP, loc);
                if (!cmp) {
                    sqlast_expr_free(term);
                    goto fail;
                }
                int strict = op == SQLAST_OP_LE ? SQLAST_OP_LT : op == SQLAST_OP_GE ? SQLAST_OP_GT : op;
                cmp->op = k < i ? SQLAST_OP_EQ : i + 1 == n ? op : strict;
                if (add_arg(c, cmp, json_array_get(la, k)) || add_arg(c, cmp, json_array_get(ra, k)) ||
                    sqlast_expr_add_arg(term, cmp)) {
                    sqlast_expr_free(cmp);
                    sqlast_expr_free(term);
                    goto fail;
                }
            }
        }
        if (sqlast_expr_add_arg(top, term)) {
            sqlast_expr_free(term);
            sqlerr_oom(c->err);
            goto fail;
        }
    }
    *out = top;
    return SQL_OK;
fail:
    sqlast_expr_free(top);
    return SQL_ERR;
}

/* (a, b) [NOT] IN ((1, 2), (3, 4)): the OR of row equalities (NOT: the AND of <>). */
static int conv_row_in(pctx *c, json_t *b, sqlast_expr **out)
{
    json_t *lb, *rb;
    node(field(b, "lexpr"), &lb);
    node(field(b, "rexpr"), &rb);
    bool neg = !strcmp(aexpr_opname(b), "<>");
    int loc = floc(b);
    json_t *items = field(rb, "items");
    sqlast_expr *top = new_expr(c, neg ? SQLAST_AND : SQLAST_OR, loc);
    if (!top) return SQL_ERR;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *ib;
        if (strcmp(node(json_array_get(items, i), &ib), "RowExpr") != 0) {
            sqlast_expr_free(top);
            return sqlerr_set(c->err, "42601", loc, "unequal number of entries in row expressions");
        }
        sqlast_expr *term = NULL;
        if (conv_row_compare(c, neg ? SQLAST_OP_NE : SQLAST_OP_EQ, neg ? "<>" : "=", field(lb, "args"),
                             field(ib, "args"), loc, &term) ||
            sqlast_expr_add_arg(top, term)) {
            if (term) sqlast_expr_free(term);
            sqlast_expr_free(top);
            return SQL_ERR;
        }
    }
    *out = top;
    return SQL_OK;
}

static int conv_aexpr(pctx *c, json_t *b, sqlast_expr **out)
{
    const char *kind = fstr(b, "kind");
    const char *opname = aexpr_opname(b);
    int loc = floc(b);
    json_t *l = field(b, "lexpr"), *r = field(b, "rexpr");
    sqlast_expr *e = NULL;
    if (!kind) kind = "";
    json_t *lrb, *rrb;
    if (!strcmp(kind, "AEXPR_OP") && l && r && !strcmp(node(l, &lrb), "RowExpr") &&
        !strcmp(node(r, &rrb), "RowExpr"))
        return conv_row_compare(c, op_from_name(opname), opname, field(lrb, "args"),
                                field(rrb, "args"), loc, out);
    if (!strcmp(kind, "AEXPR_OP") && l && r &&
        (!strcmp(opname, "@>") || !strcmp(opname, "<@") || !strcmp(opname, "&&") ||
         !strcmp(opname, "?") || !strcmp(opname, "?|") || !strcmp(opname, "?&") ||
         !strcmp(opname, "#>") || !strcmp(opname, "#>>") || !strcmp(opname, "#-"))) {
        /* containment, overlap, jsonb key existence and paths: the function named by the
         * operator (sqlexpr.c binds it for arrays and jsonb) */
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, opname)) || add_arg(c, e, l) || add_arg(c, e, r)) goto fail;
        *out = e;
        return SQL_OK;
    }
    if (!strcmp(kind, "AEXPR_OP") && r &&
        ((l && (!strcmp(opname, "&") || !strcmp(opname, "|") || !strcmp(opname, "#") ||
                !strcmp(opname, "<<") || !strcmp(opname, ">>") || !strcmp(opname, "<<=") ||
                !strcmp(opname, ">>=") || !strcmp(opname, "@?") || !strcmp(opname, "@@"))) ||
         (!l && !strcmp(opname, "~")))) {
        /* the integer bitwise operators: functions "op&" ... (sqlexpr.c); on inet, << <<= >>
         * >>= are containment; jsonb @? and @@ jsonpath (sqlfunc.c) */
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        char fname[8];
        snprintf(fname, sizeof fname, "op%s", opname);
        if (!(e->name = dup_or_oom(c, fname)) || (l && add_arg(c, e, l)) || add_arg(c, e, r))
            goto fail;
        *out = e;
        return SQL_OK;
    }
    if (!strcmp(kind, "AEXPR_OP")) {
        int op = op_from_name(opname);
        if (op < 0) {
            char what[64];
            snprintf(what, sizeof(what), "operator %s", opname);
            return sqlerr_unsupported(c->err, loc, what);
        }
        if (!l) {
            if (op == SQLAST_OP_ADD) return conv_expr(c, r, out); /* unary plus */
            if (op != SQLAST_OP_SUB) return sqlerr_unsupported(c->err, loc, "prefix operators");
            op = SQLAST_OP_NEG;
        }
        if (!(e = new_expr(c, SQLAST_OP, loc))) return SQL_ERR;
        e->op = op;
        if (op == SQLAST_OP_REGEX) { /* ~ !~ ~* !~* */
            e->negate = opname[0] == '!';
            e->icase = opname[strlen(opname) - 1] == '*';
        }
        if ((l && add_arg(c, e, l)) || add_arg(c, e, r)) goto fail;
    } else if (!strcmp(kind, "AEXPR_OP_ANY") || !strcmp(kind, "AEXPR_OP_ALL")) {
        int op = op_from_name(opname);
        if (op < SQLAST_OP_EQ || op > SQLAST_OP_GE)
            return sqlerr_unsupported(c->err, loc, "this operator with ANY/ALL");
        json_t *rb;
        if (!strcmp(node(r, &rb), "SubLink"))
            return sqlerr_unsupported(c->err, loc, "subqueries");
        if (!(e = new_expr(c, SQLAST_ANY, loc))) return SQL_ERR;
        e->op = op;
        e->all = !strcmp(kind, "AEXPR_OP_ALL");
        if (add_arg(c, e, l) || add_arg(c, e, r)) goto fail;
    } else if (!strcmp(kind, "AEXPR_DISTINCT") || !strcmp(kind, "AEXPR_NOT_DISTINCT")) {
        json_t *lb, *rb;
        if (!strcmp(node(l, &lb), "RowExpr") || !strcmp(node(r, &rb), "RowExpr"))
            return sqlerr_unsupported(c->err, loc, "IS DISTINCT FROM over row constructors");
        if (!(e = new_expr(c, SQLAST_OP, loc))) return SQL_ERR;
        e->op = SQLAST_OP_DISTINCT;
        e->negate = !strcmp(kind, "AEXPR_NOT_DISTINCT");
        if (add_arg(c, e, l) || add_arg(c, e, r)) goto fail;
    } else if (!strcmp(kind, "AEXPR_IN")) {
        json_t *rb, *lb;
        if (strcmp(node(r, &rb), "List") != 0) return sqlerr_unsupported(c->err, loc, "subqueries");
        if (!strcmp(node(l, &lb), "RowExpr")) return conv_row_in(c, b, out);
        if (!(e = new_expr(c, SQLAST_IN, loc))) return SQL_ERR;
        e->negate = !strcmp(opname, "<>");
        if (add_arg(c, e, l) || add_args(c, e, field(rb, "items"))) goto fail;
    } else if (!strcmp(kind, "AEXPR_LIKE") || !strcmp(kind, "AEXPR_ILIKE")) {
        if (!(e = new_expr(c, SQLAST_LIKE, loc))) return SQL_ERR;
        e->icase = !strcmp(kind, "AEXPR_ILIKE");
        e->negate = opname[0] == '!';
        json_t *rb;
        /* LIKE p ESCAPE x reaches us as like_escape(p, x); any other call is the pattern */
        json_t *fn = !strcmp(node(r, &rb), "FuncCall") ? field(rb, "funcname") : NULL;
        const char *fname = fn ? string_node(json_array_get(fn, json_array_size(fn) - 1)) : NULL;
        if (fname && !strcmp(fname, "like_escape") && json_array_size(field(rb, "args")) == 2) {
            if (add_arg(c, e, l) || add_args(c, e, field(rb, "args"))) goto fail;
        } else if (add_arg(c, e, l) || add_arg(c, e, r)) {
            goto fail;
        }
    } else if (!strcmp(kind, "AEXPR_SIMILAR")) {
        /* x [NOT] SIMILAR TO p [ESCAPE e]: x ~ similar_to_escape(p [, e]) (!~ for NOT), as
         * PostgreSQL's grammar builds it */
        if (!(e = new_expr(c, SQLAST_OP, loc))) return SQL_ERR;
        e->op = SQLAST_OP_REGEX;
        e->negate = opname[0] == '!';
        if (add_arg(c, e, l) || add_arg(c, e, r)) goto fail;
    } else if (!strcmp(kind, "AEXPR_BETWEEN") || !strcmp(kind, "AEXPR_NOT_BETWEEN")) {
        json_t *rb;
        node(r, &rb);
        if (!(e = new_expr(c, SQLAST_BETWEEN, loc))) return SQL_ERR;
        e->negate = !strcmp(kind, "AEXPR_NOT_BETWEEN");
        if (add_arg(c, e, l) || add_args(c, e, field(rb, "items"))) goto fail;
    } else if (!strcmp(kind, "AEXPR_NULLIF")) {
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, "nullif"))) goto fail;
        if (add_arg(c, e, l) || add_arg(c, e, r)) goto fail;
    } else {
        static const struct {
            const char *k, *what;
        } names[] = {{"AEXPR_BETWEEN_SYM", "BETWEEN SYMMETRIC"},
                     {"AEXPR_NOT_BETWEEN_SYM", "NOT BETWEEN SYMMETRIC"}};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (!strcmp(kind, names[i].k)) return sqlerr_unsupported(c->err, loc, names[i].what);
        return sqlerr_unsupported(c->err, loc, kind);
    }
    *out = e;
    return SQL_OK;
fail:
    sqlast_expr_free(e);
    return SQL_ERR;
}

static bool is_aggregate(const char *name)
{
    return !strcmp(name, "count") || !strcmp(name, "sum") || !strcmp(name, "min") ||
           !strcmp(name, "max") || !strcmp(name, "avg") || !strcmp(name, "string_agg") ||
           !strcmp(name, "array_agg") || !strcmp(name, "bool_and") || !strcmp(name, "bool_or") ||
           !strcmp(name, "every") || !strcmp(name, "json_agg") || !strcmp(name, "jsonb_agg") ||
           !strcmp(name, "json_object_agg") || !strcmp(name, "jsonb_object_agg") ||
           !strcmp(name, "variance") || !strcmp(name, "var_samp") || !strcmp(name, "var_pop") ||
           !strcmp(name, "stddev") || !strcmp(name, "stddev_samp") || !strcmp(name, "stddev_pop") ||
           !strcmp(name, "bit_and") || !strcmp(name, "bit_or") || !strcmp(name, "bit_xor") ||
           !strcmp(name, "corr") || !strcmp(name, "covar_pop") || !strcmp(name, "covar_samp") ||
           !strncmp(name, "regr_", 5);
}

static bool is_window_function(const char *name)
{
    static const char *const names[] = {"row_number", "rank", "dense_rank", "percent_rank",
                                        "cume_dist", "ntile", "lag", "lead", "first_value",
                                        "last_value", "nth_value"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return true;
    return false;
}


/* A WindowDef: OVER name, OVER (name ...) or OVER (...), with the named window's parts copied
 * in as PostgreSQL's transformWindowDefinitions does. */
static int conv_window(pctx *c, json_t *wd, sqlast_window **out)
{
    sqlast_window *w = calloc(1, sizeof *w);
    if (!w) return sqlerr_oom(c->err);
    *out = w;
    w->location = floc(wd);
    const char *name = fstr(wd, "name"), *ref = fstr(wd, "refname");
    const char *base = ref ? ref : (name && !field(wd, "partitionClause") && !field(wd, "orderClause")) ? name : NULL;
    json_t *named = NULL;
    if (base) {
        for (size_t i = 0; i < json_array_size(c->windows); i++) {
            json_t *nb;
            node(json_array_get(c->windows, i), &nb);
            const char *nm = fstr(nb, "name");
            if (nm && !strcmp(nm, base)) named = nb;
        }
        if (!named) return sqlerr_set(c->err, "42704", w->location, "window \"%s\" does not exist", base);
    }
    json_t *part = field(wd, "partitionClause"), *ord = field(wd, "orderClause");
    int frame = (int)json_integer_value(field(wd, "frameOptions"));
    if (named) {
        json_t *npart = field(named, "partitionClause"), *nord = field(named, "orderClause");
        int nframe = (int)json_integer_value(field(named, "frameOptions"));
        if (ref && part)
            return sqlerr_set(c->err, "42P20", floc(wd), "cannot override PARTITION BY clause of window \"%s\"", ref);
        if (ref && ord && nord)
            return sqlerr_set(c->err, "42P20", floc(wd), "cannot override ORDER BY clause of window \"%s\"", ref);
        if (ref && (nframe & SQLAST_FRAME_NONDEFAULT))
            return sqlerr_set(c->err, "42P20", floc(wd), "cannot copy window \"%s\" because it has a frame clause", ref);
        part = npart;
        if (!ord) ord = nord;
        if (!ref) { /* OVER w: the whole definition */
            frame = nframe;
            wd = named;
        }
    }
    w->frame = frame;
    if (conv_expr_list(c, part, &w->partition, &w->npartition) ||
        conv_sort(c, ord, &w->order, &w->norder))
        return SQL_ERR;
    json_t *so = field(wd, "startOffset"), *eo = field(wd, "endOffset");
    if ((so && conv_expr(c, so, &w->start)) || (eo && conv_expr(c, eo, &w->end))) return SQL_ERR;
    return SQL_OK;
}

/* x COLLATE name: HeliosDB compares text bytewise, which is the "C" collation and what the
 * default collation of its databases is (datcollate C), so the known names keep the
 * expression as it is; any other name does not exist. */
static int conv_collate(pctx *c, json_t *b, sqlast_expr **out)
{
    json_t *names = field(b, "collname");
    size_t n = json_array_size(names);
    const char *name = n ? string_node(json_array_get(names, n - 1)) : NULL;
    const char *schema = n == 2 ? string_node(json_array_get(names, 0)) : NULL;
    if (!name || n > 2 || (schema && strcmp(schema, "pg_catalog")) ||
        (strcmp(name, "default") && strcmp(name, "C") && strcmp(name, "POSIX") &&
         strcmp(name, "ucs_basic")))
        return sqlerr_set(c->err, "42704", floc(b),
                          "collation \"%s\" for encoding \"UTF8\" does not exist",
                          name ? name : "");
    return conv_expr(c, field(b, "arg"), out);
}

/* arr[i]: one subscript of an array, as the function "[]" (sqlcatalog.h); slices are not
 * supported. */
static int conv_subscript(pctx *c, json_t *b, sqlast_expr **out)
{
    json_t *ind = field(b, "indirection");
    int loc = floc(b);
    if (json_array_size(ind) != 1)
        return sqlerr_unsupported(c->err, loc, "multidimensional array subscripts");
    json_t *ib;
    const char *k = node(json_array_get(ind, 0), &ib);
    if (!strcmp(k, "String")) {
        /* (information_schema._pg_expandarray(a)).x / .n (pgjdbc's metadata queries), or .x /
         * .n of the record it returns: the one composite HeliosDB has */
        const char *fld = string_node(json_array_get(ind, 0));
        if (!fld) return sqlerr_unsupported(c->err, loc, "field selection");
        json_t *ab;
        const char *at = node(field(b, "arg"), &ab);
        sqlast_expr *e = NULL;
        bool xn = !strcmp(fld, "x") || !strcmp(fld, "n");
        if (!strcmp(at, "FuncCall") && xn) {
            if (conv_expr(c, field(b, "arg"), &e)) return SQL_ERR;
            if (e->kind != SQLAST_FUNC || strcmp(e->name, "_pg_expandarray")) {
                sqlast_expr_free(e);
                return sqlerr_unsupported(c->err, loc, "field selection (other than of a whole row, a ROW() or _pg_expandarray)");
            }
            free(e->name);
            if (!(e->name = dup_or_oom(c, !strcmp(fld, "x") ? "_pg_expandarray_x" : "_pg_expandarray_n"))) {
                sqlast_expr_free(e);
                return SQL_ERR;
            }
            *out = e;
            return SQL_OK;
        }
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        sqlast_expr *f = new_expr(c, SQLAST_CONST, loc);
        if (!f || !(e->name = dup_or_oom(c, "_record_field")) || add_arg(c, e, field(b, "arg")) ||
            sqlval_set_str(&f->value, SQLVAL_TEXT, fld, strlen(fld), c->err) || sqlast_expr_add_arg(e, f)) {
            sqlast_expr_free(f);
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        f->type = SQLVAL_TEXT;
        *out = e;
        return SQL_OK;
    }
    if (!strcmp(k, "A_Indices") && fbool(ib, "is_slice")) {
        /* arr[lo:hi], arr[lo:], arr[:hi], arr[:]: "[:]" and which bounds are given */
        json_t *lo = field(ib, "lidx"), *hi = field(ib, "uidx");
        sqlast_expr *e = new_expr(c, SQLAST_FUNC, loc);
        if (!e) return SQL_ERR;
        const char *name = lo && hi ? "[:]" : lo ? "[:]l" : hi ? "[:]h" : "[:]0";
        if (!(e->name = dup_or_oom(c, name)) || add_arg(c, e, field(b, "arg")) ||
            (lo && add_arg(c, e, lo)) || (hi && add_arg(c, e, hi))) {
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        *out = e;
        return SQL_OK;
    }
    if (strcmp(k, "A_Indices") || !field(ib, "uidx"))
        return sqlerr_unsupported(c->err, loc, "this subscript");
    sqlast_expr *e = new_expr(c, SQLAST_FUNC, loc);
    if (!e) return SQL_ERR;
    if (!(e->name = dup_or_oom(c, "[]")) || add_arg(c, e, field(b, "arg")) ||
        add_arg(c, e, field(ib, "uidx"))) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    *out = e;
    return SQL_OK;
}

/* f(name => value, ...): the functions with named parameters applications call that way, their
 * parameters in order and, for those that have one, the default an omitted one takes */
static const struct {
    const char *fn;
    const char *params[7];
    const char *defaults[7]; /* NULL: required */
} named_params[] = {
    {"make_interval", {"years", "months", "weeks", "days", "hours", "mins", "secs"},
     {"0", "0", "0", "0", "0", "0", "0.0"}},
    {"make_timestamp", {"year", "month", "mday", "hour", "min", "sec"}, {0}},
    {"make_timestamptz", {"year", "month", "mday", "hour", "min", "sec", "timezone"}, {0}},
    {"make_date", {"year", "month", "day"}, {0}},
    {"make_time", {"hour", "min", "sec"}, {0}},
};

/* PostgreSQL's 42883 for a call with named arguments no function takes: the call's
 * signature, "make_interval(nope => integer)" (a constant's type; "unknown" else) */
static int no_named_function(pctx *c, const char *name, json_t *args, int loc)
{
    char sig[256];
    size_t o = (size_t)snprintf(sig, sizeof sig, "%s(", name);
    for (size_t i = 0; i < json_array_size(args) && o < sizeof sig; i++) {
        json_t *a = json_array_get(args, i), *nb = NULL, *cb;
        const char *pn = NULL;
        if (field(a, "NamedArgExpr")) {
            node(a, &nb);
            pn = fstr(nb, "name");
            a = field(nb, "arg");
        }
        const char *t = "unknown";
        if (a && !strcmp(node(a, &cb), "A_Const"))
            t = field(cb, "ival") ? "integer" : field(cb, "fval") ? "numeric" : field(cb, "boolval") ? "boolean" : "unknown";
        o += (size_t)snprintf(sig + o, sizeof sig - o, "%s%s%s%s", i ? ", " : "", pn ? pn : "", pn ? " => " : "", t);
    }
    if (o < sizeof sig) snprintf(sig + o, sizeof sig - o, ")");
    sqlerr_set(c->err, "42883", loc, "function %s does not exist", sig);
    sqlerr_hint(c->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
    return SQL_ERR;
}

/* Arguments given by name (NamedArgExpr) put in their positions; positional ones first, as
 * PostgreSQL requires. 42883 as PostgreSQL for an unknown name or a missing required one. */
static int named_args(pctx *c, const char *name, json_t *args, int loc, sqlast_expr *e)
{
    size_t n = json_array_size(args), k = 0;
    while (k < n && !field(json_array_get(args, k), "NamedArgExpr")) k++;
    size_t fi = 0, nf = sizeof named_params / sizeof named_params[0];
    while (fi < nf && strcmp(named_params[fi].fn, name)) fi++;
    if (fi == nf) {
        char what[96];
        snprintf(what, sizeof what, "named arguments for function %s", name);
        return sqlerr_unsupported(c->err, loc, what);
    }
    int np = 0;
    while (np < 7 && named_params[fi].params[np]) np++;
    json_t *slot[7] = {0};
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(args, i), *nb;
        if (i < k) {
            if ((int)i >= np) return no_named_function(c, name, args, loc);
            slot[i] = a;
            continue;
        }
        if (!field(a, "NamedArgExpr")) {
            json_t *pb;
            node(a, &pb);
            return sqlerr_set(c->err, "42601", floc(pb), "positional argument cannot follow named argument");
        }
        node(a, &nb);
        const char *pn = fstr(nb, "name");
        for (size_t j = k; j < i; j++) { /* a name given twice */
            json_t *ob;
            node(json_array_get(args, j), &ob);
            if (pn && fstr(ob, "name") && !strcmp(fstr(ob, "name"), pn))
                return sqlerr_set(c->err, "42601", floc(nb), "argument name \"%s\" used more than once", pn);
        }
        int p = 0;
        while (p < np && (!pn || strcmp(named_params[fi].params[p], pn))) p++;
        if (p == np || slot[p]) return no_named_function(c, name, args, loc);
        slot[p] = field(nb, "arg");
    }
    int last = np - 1;
    if (!strcmp(name, "make_timestamptz") && !slot[6]) last = 5; /* the zone is optional */
    for (int p = 0; p <= last; p++) {
        if (slot[p]) {
            if (add_arg(c, e, slot[p])) return SQL_ERR;
            continue;
        }
        const char *d = named_params[fi].defaults[p];
        if (!d) return no_named_function(c, name, args, loc);
        sqlast_expr *k2 = new_expr(c, SQLAST_CONST, loc);
        if (!k2) return SQL_ERR;
        if (sqlval_set_str(&k2->value, SQLVAL_UNKNOWN, d, strlen(d), c->err) || sqlast_expr_add_arg(e, k2)) {
            sqlast_expr_free(k2);
            return sqlerr_oom(c->err);
        }
    }
    return SQL_OK;
}

static int conv_funccall(pctx *c, json_t *b, sqlast_expr **out)
{
    int loc = floc(b);
    json_t *names = field(b, "funcname");
    size_t n = json_array_size(names);
    const char *name = n ? string_node(json_array_get(names, n - 1)) : NULL;
    if (!name) return sqlerr_set(c->err, "42601", loc, "syntax error at function name");
    /* uuid-ossp's functions live in schema public, where its extension goes (pg_dump writes
     * public.uuid_generate_v4()) */
    bool ossp = !strncmp(name, "uuid_generate_", 14) || !strcmp(name, "uuid_nil") || !strncmp(name, "uuid_ns_", 8);
    if (n == 2 && strcmp(string_node(json_array_get(names, 0)), "pg_catalog") != 0 &&
        strcmp(string_node(json_array_get(names, 0)), "helios") != 0 &&
        !(!strcmp(string_node(json_array_get(names, 0)), "public") && ossp) &&
        !(!strcmp(string_node(json_array_get(names, 0)), "information_schema") &&
          !strcmp(name, "_pg_expandarray"))) {
        /* no function lives there: "schema.name" resolves to none, and the binder's 42883
         * names the arguments' types, as PostgreSQL's */
        char *q = NULL;
        if (asprintf(&q, "%s.%s", string_node(json_array_get(names, 0)), name) < 0) return sqlerr_oom(c->err);
        sqlast_expr *e = new_expr(c, SQLAST_FUNC, loc);
        if (!e) {
            free(q);
            return SQL_ERR;
        }
        e->name = q;
        if (add_args(c, e, field(b, "args"))) {
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        *out = e;
        return SQL_OK;
    }
    if (fbool(b, "func_variadic")) return sqlerr_unsupported(c->err, loc, "VARIADIC");
    bool within = fbool(b, "agg_within_group"); /* percentile_cont & co. (sqlexpr.c binds them) */
    bool agg = is_aggregate(name) || within;
    json_t *over = field(b, "over");
    if (within && over)
        return sqlerr_set(c->err, "0A000", loc, "OVER is not supported for ordered-set aggregate %s", name);
    if (over && !agg && !is_window_function(name))
        return sqlerr_set(c->err, "42809", loc, "OVER specified, but %s is not a window function nor an aggregate function", name);
    if (!agg && (fbool(b, "agg_star") || fbool(b, "agg_distinct")))
        return sqlerr_set(c->err, "42809", loc, "%s is not an aggregate function", name);
    if (over && fbool(b, "agg_distinct"))
        return sqlerr_unsupported(c->err, loc, "DISTINCT is not implemented for window functions");
    sqlast_expr *e = new_expr(c, over ? SQLAST_WINFUNC : agg ? SQLAST_AGG : SQLAST_FUNC, loc);
    if (!e) return SQL_ERR;
    e->star = fbool(b, "agg_star");
    e->distinct = fbool(b, "agg_distinct");
    e->within_group = within;
    bool has_named = false;
    for (size_t i = 0; i < json_array_size(field(b, "args")); i++)
        has_named |= field(json_array_get(field(b, "args"), i), "NamedArgExpr") != NULL;
    if (!(e->name = dup_or_oom(c, name)) ||
        (has_named ? named_args(c, name, field(b, "args"), loc, e) : add_args(c, e, field(b, "args")))) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    if (over && conv_window(c, over, &e->win)) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    json_t *flt = field(b, "agg_filter");
    if (flt && !agg) {
        sqlast_expr_free(e);
        return sqlerr_set(c->err, "42809", loc,
                          "FILTER specified, but %s is not an aggregate function", name);
    }
    if (flt && conv_expr(c, flt, &e->filter)) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    if (field(b, "agg_order") && (!agg || conv_sort(c, field(b, "agg_order"), &e->aorder, &e->naorder))) {
        int rc = agg ? SQL_ERR
                     : sqlerr_set(c->err, "42809", loc, "ORDER BY specified, but %s is not an aggregate function", name);
        sqlast_expr_free(e);
        return rc;
    }
    /* a wrong number of arguments is the binder's 42883, which names their types */
    if (agg && !within && e->star && (e->nargs != 0 || strcmp(name, "count"))) {
        sqlast_expr_free(e);
        sqlerr_set(c->err, "42883", loc, "function %s() does not exist", name); /* f(*) is f() */
        sqlerr_hint(c->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
        return SQL_ERR;
    }
    *out = e;
    return SQL_OK;
}

static int conv_svf(pctx *c, json_t *b, sqlast_expr **out)
{
    /* fn: the function that computes it; col: its column name where that differs
     * (FigureColname names the keyword: SELECT CURRENT_ROLE is column current_role) */
    static const struct {
        const char *op, *fn, *col;
    } map[] = {{"SVFOP_CURRENT_USER", "current_user", NULL}, {"SVFOP_USER", "current_user", "user"},
               {"SVFOP_SESSION_USER", "session_user", NULL},
               {"SVFOP_CURRENT_ROLE", "current_user", "current_role"},
               {"SVFOP_CURRENT_SCHEMA", "current_schema", NULL},
               {"SVFOP_CURRENT_CATALOG", "current_database", "current_catalog"},
               {"SVFOP_CURRENT_TIMESTAMP", "now", "current_timestamp"},
               {"SVFOP_CURRENT_TIMESTAMP_N", "now", "current_timestamp"},
               {"SVFOP_LOCALTIMESTAMP", "localtimestamp", NULL}, {"SVFOP_LOCALTIMESTAMP_N", "localtimestamp", NULL},
               {"SVFOP_CURRENT_DATE", "current_date", NULL}, {"SVFOP_LOCALTIME", "localtime", NULL},
               {"SVFOP_LOCALTIME_N", "localtime", NULL}};
    const char *op = fstr(b, "op");
    for (size_t i = 0; op && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(op, map[i].op) != 0) continue;
        sqlast_expr *e = new_expr(c, SQLAST_FUNC, floc(b));
        if (!e) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, map[i].fn)) ||
            (map[i].col && !(e->qualifier = dup_or_oom(c, map[i].col)))) {
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        *out = e;
        return SQL_OK;
    }
    return sqlerr_unsupported(c->err, floc(b), op ? op + 6 : "SQL value function");
}

static int conv_case(pctx *c, json_t *b, sqlast_expr **out)
{
    sqlast_expr *e = new_expr(c, SQLAST_CASE, floc(b));
    if (!e) return SQL_ERR;
    json_t *arg = field(b, "arg"), *def = field(b, "defresult"), *whens = field(b, "args");
    if (arg ? add_arg(c, e, arg) : sqlast_expr_add_arg(e, NULL) ? sqlerr_oom(c->err) : 0) goto fail;
    for (size_t i = 0; i < json_array_size(whens); i++) {
        json_t *wb;
        node(json_array_get(whens, i), &wb);
        if (add_arg(c, e, field(wb, "expr")) || add_arg(c, e, field(wb, "result"))) goto fail;
    }
    if (def ? add_arg(c, e, def) : sqlast_expr_add_arg(e, NULL) ? sqlerr_oom(c->err) : 0) goto fail;
    *out = e;
    return SQL_OK;
fail:
    sqlast_expr_free(e);
    return SQL_ERR;
}

/* A type's modifiers (varchar(n), numeric(p[,s]), timestamptz(p)): *typmod is PostgreSQL's
 * typmod + 1 (0 without modifiers), checked as PostgreSQL's typmodin functions check them.
 * base is the type name type_name() gave. */
static int type_mods(pctx *c, json_t *tn, const char *base, int *typmod)
{
    *typmod = 0;
    json_t *mods = field(tn, "typmods");
    size_t n = json_array_size(mods);
    if (!n) return SQL_OK;
    long long v[2] = {0, 0};
    for (size_t i = 0; i < n && i < 2; i++) {
        json_t *mb, *ib;
        if (strcmp(node(json_array_get(mods, i), &mb), "A_Const") || !(ib = field(mb, "ival")))
            return sqlerr_set(c->err, "42601", floc(tn), "type modifiers must be simple constants or identifiers");
        json_t *iv = field(ib, "ival");
        v[i] = json_is_integer(iv) ? json_integer_value(iv) : int_from_text(c, floc(mb));
    }
    const char *b = base;
    if (!strcmp(b, "bpchar") || !strcmp(b, "character")) {
        if (n != 1) return sqlerr_set(c->err, "42601", floc(tn), "invalid type modifier");
        if (v[0] < 1) return sqlerr_set(c->err, "22023", floc(tn), "length for type char must be at least 1");
        if (v[0] > 10485760)
            return sqlerr_set(c->err, "22023", floc(tn), "length for type char cannot exceed 10485760");
        *typmod = (int)v[0] + 4 + 1;
        return SQL_OK;
    }
    if (!strcmp(b, "varchar") || !strcmp(b, "character varying")) {
        if (n != 1) return sqlerr_set(c->err, "42601", floc(tn), "invalid type modifier");
        if (v[0] < 1) return sqlerr_set(c->err, "22023", floc(tn), "length for type varchar must be at least 1");
        if (v[0] > 10485760)
            return sqlerr_set(c->err, "22023", floc(tn), "length for type varchar cannot exceed 10485760");
        *typmod = (int)v[0] + 4 + 1;
        return SQL_OK;
    }
    if (!strcmp(b, "numeric") || !strcmp(b, "decimal")) {
        if (n > 2) return sqlerr_set(c->err, "22023", floc(tn), "invalid NUMERIC type modifier");
        if (v[0] < 1 || v[0] > 1000)
            return sqlerr_set(c->err, "22023", floc(tn), "NUMERIC precision %lld must be between 1 and 1000", v[0]);
        if (n == 2 && (v[1] < -1000 || v[1] > 1000))
            return sqlerr_set(c->err, "22023", floc(tn), "NUMERIC scale %lld must be between -1000 and 1000", v[1]);
        *typmod = (int)(((v[0] << 16) | (v[1] & 0x7ff)) + 4) + 1;
        return SQL_OK;
    }
    if (!strcmp(b, "timestamptz") || !strcmp(b, "timestamp with time zone") ||
        !strcmp(b, "timestamp") || !strcmp(b, "time")) {
        bool tz = !strcmp(b, "timestamptz") || !strcmp(b, "timestamp with time zone");
        const char *what = tz ? "TIMESTAMP" : !strcmp(b, "time") ? "TIME" : "TIMESTAMP";
        if (n != 1) return sqlerr_set(c->err, "42601", floc(tn), "invalid type modifier");
        if (v[0] < 0)
            return sqlerr_set(c->err, "22023", floc(tn), "%s(%lld)%s precision must not be negative",
                              what, v[0], tz ? " WITH TIME ZONE" : "");
        *typmod = (int)(v[0] > 6 ? 6 : v[0]) + 1;
        return SQL_OK;
    }
    if (!strcmp(b, "interval")) {
        /* INTERVAL [fields] [(p)]: PostgreSQL's typmod, range mask << 16 | precision */
        long long range = v[0], prec = n > 1 ? v[1] : 0xFFFF;
        if (n > 2 || range <= 0 || range > 0x7FFF || prec < 0 || (prec > 6 && prec != 0xFFFF))
            return sqlerr_set(c->err, "42601", floc(tn), "invalid INTERVAL type modifier");
        *typmod = (int)((range << 16) | prec) + 1;
        return SQL_OK;
    }
    return sqlerr_set(c->err, "42601", floc(tn), "type modifier is not allowed for type \"%s\"", base);
}

static int conv_cast(pctx *c, json_t *b, sqlast_expr **out)
{
    json_t *tn = field(b, "typeName");
    char *tname;
    bool array;
    if (type_name(c, tn, &tname, &array)) return SQL_ERR;
    sqlval_type t = sqlval_type_lookup(array ? "text" : tname, array);
    if (array) {
        char base[128];
        snprintf(base, sizeof(base), "%s", tname);
        base[strlen(base) - 2] = 0;
        t = sqlval_type_lookup(base, true);
    }
    if (t == SQLVAL_UNKNOWN && !array && strncmp(tname, "reg", 3) && strcmp(tname, "timetz") &&
        !json_array_size(field(tn, "typmods"))) {
        /* maybe an enum type: the name is looked up when the cast runs (42704 then) */
        sqlast_expr *e = new_expr(c, SQLAST_CAST, floc(b));
        if (!e) {
            free(tname);
            return SQL_ERR;
        }
        e->cast_type = SQLVAL_ENUM;
        e->cast_typmod = floc(tn) >= 0 ? floc(tn) + 1 : 0; /* where the name is, for 42704 */
        e->name = tname;
        if (add_arg(c, e, field(b, "arg"))) {
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        *out = e;
        return SQL_OK;
    }
    if (t == SQLVAL_UNKNOWN) {
        int rc = sqlerr_set(c->err, "42704", floc(tn), "type \"%s\" does not exist", tname);
        /* regclass & co. exist in PostgreSQL: say so instead of "does not exist" */
        if (!strncmp(tname, "reg", 3) || !strcmp(tname, "timetz"))
            rc = sqlerr_unsupported(c->err, floc(tn), !strcmp(tname, "timetz") ? "time with time zone" : tname);
        free(tname);
        return rc;
    }
    int typmod = 0;
    if (!array && type_mods(c, tn, tname, &typmod)) {
        free(tname);
        return SQL_ERR;
    }
    free(tname);
    sqlast_expr *e = new_expr(c, SQLAST_CAST, floc(b));
    if (!e) return SQL_ERR;
    e->cast_type = t;
    e->cast_typmod = typmod;
    if (array) { /* '{1,2}'::oid[]: its elements are oids */
        json_t *names = field(tn, "names");
        const char *last = json_array_size(names) ? string_node(json_array_get(names, json_array_size(names) - 1)) : NULL;
        sqlval_type et = last ? sqlval_type_lookup(last, false) : SQLVAL_UNKNOWN;
        if (et != SQLVAL_TEXT && et != SQLVAL_VARCHAR && et != SQLVAL_NAME && et != SQLVAL_TEXTARRAY)
            e->cast_elem = et;
    }
    if (add_arg(c, e, field(b, "arg"))) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    *out = e;
    return SQL_OK;
}

static int conv_columnref(pctx *c, json_t *b, sqlast_expr **out)
{
    json_t *fields = field(b, "fields");
    size_t n = json_array_size(fields);
    int loc = floc(b);
    json_t *last = json_array_get(fields, n - 1), *lb;
    if (n == 0) return sqlerr_set(c->err, "42601", loc, "syntax error");
    /* schema.table.column: the FROM item's name qualifies it (its schema is not checked
     * against the item's: a FROM list names one relation of a name) */
    if (!strcmp(node(last, &lb), "A_Star")) {
        if (n > 3) return sqlerr_unsupported(c->err, loc, "qualified *");
        sqlast_expr *e = new_expr(c, SQLAST_STAR, loc);
        if (!e) return SQL_ERR;
        if (n >= 2 && !(e->qualifier = dup_or_oom(c, string_node(json_array_get(fields, n - 2))))) {
            sqlast_expr_free(e);
            return SQL_ERR;
        }
        *out = e;
        return SQL_OK;
    }
    if (n > 3) return sqlerr_unsupported(c->err, loc, "cross-database references");
    const char *col = string_node(last);
    const char *qual = n >= 2 ? string_node(json_array_get(fields, n - 2)) : NULL;
    if (!col) return sqlerr_set(c->err, "42601", loc, "syntax error in column reference");
    bool excluded = qual && !strcmp(qual, "excluded");
    sqlast_expr *e = new_expr(c, excluded ? SQLAST_EXCLUDED : SQLAST_COLUMN, loc);
    if (!e) return SQL_ERR;
    if (!(e->name = dup_or_oom(c, col)) ||
        (qual && !excluded && !(e->qualifier = dup_or_oom(c, qual)))) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    *out = e;
    return SQL_OK;
}

/* A nested SELECT (its own statement: parameters still count on the outermost one). */
static int conv_subselect(pctx *c, json_t *n, sqlast_stmt **out)
{
    json_t *b;
    *out = NULL;
    if (strcmp(node(n, &b), "SelectStmt") != 0)
        return sqlerr_unsupported(c->err, -1, "this kind of subquery");
    sqlast_stmt *s = calloc(1, sizeof *s);
    if (!s) return sqlerr_oom(c->err);
    *out = s;
    s->location = -1;
    c->relational = true;
    return conv_select(c, b, s);
}

static int conv_sublink(pctx *c, json_t *b, sqlast_expr **out)
{
    const char *type = fstr(b, "subLinkType");
    int loc = floc(b);
    int kind = !type ? -1
               : !strcmp(type, "EXISTS_SUBLINK") ? SQLAST_SUB_EXISTS
               : !strcmp(type, "ANY_SUBLINK")    ? SQLAST_SUB_ANY
               : !strcmp(type, "ALL_SUBLINK")    ? SQLAST_SUB_ALL
               : !strcmp(type, "EXPR_SUBLINK")   ? SQLAST_SUB_EXPR
               : !strcmp(type, "ARRAY_SUBLINK")  ? SQLAST_SUB_ARRAY
                                                 : -1;
    if (kind < 0) return sqlerr_unsupported(c->err, loc, type ? type : "subquery");
    int op = SQLAST_OP_EQ;
    json_t *names = field(b, "operName");
    if (json_array_size(names)) {
        const char *on = string_node(json_array_get(names, json_array_size(names) - 1));
        op = on ? op_from_name(on) : -1;
        if (op < SQLAST_OP_EQ || op > SQLAST_OP_GE) {
            char what[64];
            snprintf(what, sizeof what, "operator %s with a subquery", on ? on : "?");
            return sqlerr_unsupported(c->err, loc, what);
        }
    }
    json_t *test = field(b, "testexpr"), *tb;
    bool row = test && !strcmp(node(test, &tb), "RowExpr");
    if (row && op != SQLAST_OP_EQ && op != SQLAST_OP_NE)
        return sqlerr_unsupported(c->err, loc, "ordering comparisons of rows with subqueries");
    sqlast_expr *e = new_expr(c, SQLAST_SUBLINK, loc);
    if (!e) return SQL_ERR;
    e->sublink = kind;
    e->op = op;
    /* (a, b) IN (SELECT x, y ...): one operand per column */
    if ((row ? add_args(c, e, field(tb, "args")) : test && add_arg(c, e, test)) ||
        conv_subselect(c, field(b, "subselect"), &e->sub)) {
        sqlast_expr_free(e);
        return SQL_ERR;
    }
    *out = e;
    return SQL_OK;
}

static int conv_expr(pctx *c, json_t *n, sqlast_expr **out)
{
    if (sqlerr_stack_check(c->err)) return SQL_ERR;
    json_t *b;
    const char *t = node(n, &b);
    int loc = floc(b);
    sqlast_expr *e = NULL;
    *out = NULL;
    if (!strcmp(t, "A_Const")) {
        if (!(e = new_expr(c, SQLAST_CONST, loc))) return SQL_ERR;
        if (conv_const(c, b, e)) goto fail;
    } else if (!strcmp(t, "ParamRef")) {
        json_t *num = field(b, "number");
        int p = json_is_integer(num) ? (int)json_integer_value(num) : 0;
        if (p < 1 || p > 65535)
            return sqlerr_set(c->err, "42P02", loc, "there is no parameter $%d", p);
        if (!(e = new_expr(c, SQLAST_PARAM, loc))) return SQL_ERR;
        e->param = p;
        if (c->stmt && p > c->stmt->nparams) c->stmt->nparams = p;
    } else if (!strcmp(t, "ColumnRef")) {
        return conv_columnref(c, b, out);
    } else if (!strcmp(t, "A_Expr")) {
        return conv_aexpr(c, b, out);
    } else if (!strcmp(t, "BoolExpr")) {
        const char *op = fstr(b, "boolop");
        sqlast_kind k = !op ? SQLAST_AND : !strcmp(op, "OR_EXPR") ? SQLAST_OR
                                         : !strcmp(op, "NOT_EXPR") ? SQLAST_NOT : SQLAST_AND;
        if (!(e = new_expr(c, k, loc))) return SQL_ERR;
        if (add_args(c, e, field(b, "args"))) goto fail;
    } else if (!strcmp(t, "NullTest")) {
        if (!(e = new_expr(c, SQLAST_NULLTEST, loc))) return SQL_ERR;
        const char *nt = fstr(b, "nulltesttype");
        e->negate = nt && !strcmp(nt, "IS_NOT_NULL");
        if (add_arg(c, e, field(b, "arg"))) goto fail;
    } else if (!strcmp(t, "BooleanTest")) {
        const char *bt = fstr(b, "booltesttype");
        if (!bt || strstr(bt, "UNKNOWN")) return sqlerr_unsupported(c->err, loc, "IS UNKNOWN");
        if (!(e = new_expr(c, SQLAST_BOOLTEST, loc))) return SQL_ERR;
        e->negate = strstr(bt, "_NOT_") != NULL;
        e->op = strstr(bt, "TRUE") != NULL;
        if (add_arg(c, e, field(b, "arg"))) goto fail;
    } else if (!strcmp(t, "FuncCall")) {
        return conv_funccall(c, b, out);
    } else if (!strcmp(t, "SQLValueFunction")) {
        return conv_svf(c, b, out);
    } else if (!strcmp(t, "TypeCast")) {
        return conv_cast(c, b, out);
    } else if (!strcmp(t, "A_ArrayExpr")) {
        if (!(e = new_expr(c, SQLAST_ARRAY, loc))) return SQL_ERR;
        if (add_args(c, e, field(b, "elements"))) goto fail;
    } else if (!strcmp(t, "CaseExpr")) {
        return conv_case(c, b, out);
    } else if (!strcmp(t, "CoalesceExpr")) {
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, "coalesce")) || add_args(c, e, field(b, "args"))) goto fail;
    } else if (!strcmp(t, "SubLink")) {
        return conv_sublink(c, b, out);
    } else if (!strcmp(t, "A_Indirection")) {
        return conv_subscript(c, b, out);
    } else if (!strcmp(t, "CollateClause")) {
        return conv_collate(c, b, out);
    } else if (!strcmp(t, "RowExpr")) {
        /* ROW(a, b): the record _row('f1', a, 'f2', b) (sqlexpr.c "whole rows") */
        json_t *items = field(b, "args");
        sqlast_expr *row = new_expr(c, SQLAST_FUNC, loc);
        if (!row || !(row->name = dup_or_oom(c, "_row")) || !(row->qualifier = dup_or_oom(c, "row"))) {
            sqlast_expr_free(row);
            return SQL_ERR;
        }
        for (size_t i = 0; i < json_array_size(items); i++) {
            char fname[24];
            snprintf(fname, sizeof fname, "f%zu", i + 1);
            sqlast_expr *k = new_expr(c, SQLAST_CONST, loc);
            if (!k || sqlval_set_str(&k->value, SQLVAL_TEXT, fname, strlen(fname), c->err) ||
                sqlast_expr_add_arg(row, k) || add_arg(c, row, json_array_get(items, i))) {
                if (k && (row->nargs == 0 || row->args[row->nargs - 1] != k)) sqlast_expr_free(k);
                sqlast_expr_free(row);
                return c->err->code[0] ? SQL_ERR : sqlerr_oom(c->err);
            }
            k->type = SQLVAL_TEXT;
        }
        *out = row;
        return SQL_OK;
    } else if (!strcmp(t, "SetToDefault")) {
        /* a marker the SET of UPDATE / ON CONFLICT DO UPDATE replaces by the column's default
         * (sqlwrite.c); anywhere else binding refuses it, as PostgreSQL does */
        if (!(*out = sqlast_expr_new(SQLAST_CONST, loc))) return sqlerr_oom(c->err);
        sqlval_init_null(&(*out)->value, SQLVAL_UNKNOWN);
        (*out)->is_default = true;
        return SQL_OK;
    } else if (!strcmp(t, "GroupingFunc")) {
        /* GROUPING(a, ...): an aggregate of the grouping set a group row comes from */
        if (!(e = new_expr(c, SQLAST_AGG, loc))) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, "grouping")) || add_args(c, e, field(b, "args"))) goto fail;
        *out = e;
        return SQL_OK;
    } else if (!strcmp(t, "MinMaxExpr")) {
        const char *mm = fstr(b, "op");
        if (!(e = new_expr(c, SQLAST_FUNC, loc))) return SQL_ERR;
        if (!(e->name = dup_or_oom(c, mm && !strcmp(mm, "IS_LEAST") ? "least" : "greatest")) ||
            add_args(c, e, field(b, "args")))
            goto fail;
    } else {
        return sqlerr_unsupported(c->err, loc, *t ? t : "expression");
    }
    *out = e;
    return SQL_OK;
fail:
    sqlast_expr_free(e);
    return SQL_ERR;
}

/* ------------------------------------------------------------------ statements */

static char *rolespec(pctx *c, json_t *n);

/* A relation's name as sqlast.h carries it: "schema" SQLAST_QUAL "name", or the bare name. */
static int qual_name(pctx *c, const char *schema, const char *rel, char **out)
{
    if (!rel) return sqlerr_set(c->err, "42601", -1, "syntax error: missing name");
    if (strchr(rel, SQLAST_QUAL) || (schema && strchr(schema, SQLAST_QUAL)))
        return sqlerr_set(c->err, "42602", -1, "invalid name syntax");
    if (!schema) return (*out = dup_or_oom(c, rel)) ? SQL_OK : SQL_ERR;
    size_t a = strlen(schema), b = strlen(rel);
    if (!(*out = malloc(a + b + 2))) return sqlerr_oom(c->err);
    memcpy(*out, schema, a);
    (*out)[a] = SQLAST_QUAL;
    memcpy(*out + a + 1, rel, b + 1);
    return SQL_OK;
}

/* The same from a list of String nodes ([schema.]name; want: how many trailing names follow
 * the relation, e.g. a column) */
static int qual_items(pctx *c, json_t *items, size_t want, char **out)
{
    size_t k = json_array_size(items);
    if (k < want + 1 || k > want + 2) {
        if (k > want + 2) return sqlerr_unsupported(c->err, -1, "cross-database references");
        return sqlerr_set(c->err, "42601", -1, "improper relation name (too many dotted names)");
    }
    const char *sch = k == want + 2 ? string_node(json_array_get(items, 0)) : NULL;
    return qual_name(c, sch, string_node(json_array_get(items, k - want - 1)), out);
}

static int conv_relation(pctx *c, json_t *rv, sqlast_stmt *s)
{
    if (!rv) return sqlerr_set(c->err, "42601", -1, "syntax error: missing table name");
    const char *rel = fstr(rv, "relname"), *schema = fstr(rv, "schemaname");
    if (fstr(rv, "catalogname"))
        return sqlerr_unsupported(c->err, floc(rv), "cross-database references");
    const char *persist = fstr(rv, "relpersistence");
    if (persist && !strcmp(persist, "t"))
        return sqlerr_unsupported(c->err, floc(rv), "temporary tables");
    /* the catalog schemas' relations are virtual (sqlvirt.h): schema kept apart */
    bool virt = schema && (!strcmp(schema, "pg_catalog") || !strcmp(schema, "information_schema") ||
                           !strcmp(schema, "helios"));
    if (qual_name(c, virt ? NULL : schema, rel, &s->table)) return SQL_ERR;
    s->table_loc = floc(rv) >= 0 ? floc(rv) + 1 : 0;
    if (virt && !(s->schema = dup_or_oom(c, schema))) return SQL_ERR;
    json_t *alias = field(rv, "alias");
    if (alias) {
        if (field(alias, "colnames")) return sqlerr_unsupported(c->err, floc(rv), "column aliases");
        if (!(s->alias = dup_or_oom(c, fstr(alias, "aliasname")))) return SQL_ERR;
    }
    return SQL_OK;
}

static int conv_targets(pctx *c, json_t *list, sqlast_target **out, int *n)
{
    size_t len = json_array_size(list);
    *out = NULL;
    *n = 0;
    if (!len) return SQL_OK;
    sqlast_target *t = calloc(len, sizeof(*t));
    if (!t) return sqlerr_oom(c->err);
    *out = t;
    for (size_t i = 0; i < len; i++) {
        json_t *b;
        *n = (int)i + 1; /* entries are zeroed: the caller's free is safe at any point */
        node(json_array_get(list, i), &b);
        if (json_array_size(field(b, "indirection")))
            return sqlerr_unsupported(c->err, floc(b), "assignment to array elements or fields");
        t[i].location = floc(b);
        const char *name = fstr(b, "name");
        if (name && !(t[i].name = dup_or_oom(c, name))) return SQL_ERR;
        json_t *val = field(b, "val"), *vb;
        if (val && !strcmp(node(val, &vb), "MultiAssignRef")) {
            /* SET (a, b) = (x, y): each column its element of the row */
            json_t *src = field(vb, "source"), *sb;
            if (strcmp(node(src, &sb), "RowExpr") != 0)
                return sqlerr_unsupported(c->err, floc(b), "multiple-column assignment from a subquery");
            json_t *items = field(sb, "args");
            json_t *colno = field(vb, "colno"), *ncol = field(vb, "ncolumns");
            int k = json_is_integer(colno) ? (int)json_integer_value(colno) : 0;
            int nc = json_is_integer(ncol) ? (int)json_integer_value(ncol) : 0;
            if (nc != (int)json_array_size(items))
                return sqlerr_set(c->err, "42601", floc(b),
                                  "number of columns does not match number of values");
            if (k < 1 || k > nc) return sqlerr_set(c->err, "42601", floc(b), "syntax error");
            if (conv_expr(c, json_array_get(items, (size_t)k - 1), &t[i].expr)) return SQL_ERR;
            *n = (int)i + 1;
            continue;
        }
        if (val && conv_expr(c, val, &t[i].expr)) return SQL_ERR;
        *n = (int)i + 1;
    }
    return SQL_OK;
}

static int conv_expr_list(pctx *c, json_t *list, sqlast_expr ***out, int *n)
{
    size_t len = json_array_size(list);
    *out = NULL;
    *n = 0;
    if (!len) return SQL_OK;
    if (!(*out = calloc(len, sizeof(sqlast_expr *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < len; i++) {
        *n = (int)i + 1;
        if (conv_expr(c, json_array_get(list, i), &(*out)[i])) return SQL_ERR;
    }
    return SQL_OK;
}

/* ---- GROUP BY with grouping sets ----
 * Each GROUP BY item expands to a list of sets (masks over s->group, where every expression
 * an item names is appended): an expression to {itself}, ROLLUP(u1, ..., un) to {u1..un},
 * {u1..un-1}, ..., {}, CUBE to every subset of its units, GROUPING SETS to the concatenation
 * of its elements' lists, () to {}; a unit (a, b) is one element. The query's sets are the
 * cross product of its items' lists, as in PostgreSQL (at most 4096). */
#define GSETS_MAX 4096

typedef struct gslist {
    uint64_t *m;
    size_t n;
} gslist;

static int gs_push(pctx *c, gslist *l, uint64_t m)
{
    if (l->n >= GSETS_MAX)
        return sqlerr_set(c->err, "54001", -1, "too many grouping sets present (maximum 4096)");
    uint64_t *g = realloc(l->m, (l->n + 1) * sizeof *g);
    if (!g) return sqlerr_oom(c->err);
    l->m = g;
    l->m[l->n++] = m;
    return SQL_OK;
}

/* An expression of a set: appended to s->group; *bit its mask. */
static int gs_expr(pctx *c, json_t *n, sqlast_stmt *s, uint64_t *bit)
{
    if (s->ngroup >= 64) return sqlerr_unsupported(c->err, -1, "grouping sets over more than 64 expressions");
    sqlast_expr **g = realloc(s->group, (size_t)(s->ngroup + 1) * sizeof *g);
    if (!g) return sqlerr_oom(c->err);
    s->group = g;
    s->group[s->ngroup] = NULL;
    if (conv_expr(c, n, &s->group[s->ngroup])) {
        sqlast_expr_free(s->group[s->ngroup]);
        return SQL_ERR;
    }
    *bit = (uint64_t)1 << s->ngroup++;
    return SQL_OK;
}

/* A ROLLUP / CUBE element or a GROUPING SETS row: (a, b) is one unit */
static int gs_unit(pctx *c, json_t *n, sqlast_stmt *s, uint64_t *m)
{
    json_t *b;
    *m = 0;
    if (!strcmp(node(n, &b), "RowExpr")) {
        json_t *args = field(b, "args");
        for (size_t i = 0; i < json_array_size(args); i++) {
            uint64_t bit;
            if (gs_expr(c, json_array_get(args, i), s, &bit)) return SQL_ERR;
            *m |= bit;
        }
        return SQL_OK;
    }
    return gs_expr(c, n, s, m);
}

static int gs_item(pctx *c, json_t *n, sqlast_stmt *s, gslist *out, int depth)
{
    json_t *b;
    if (depth > 32) return sqlerr_set(c->err, "54001", -1, "grouping sets nested too deeply");
    if (strcmp(node(n, &b), "GroupingSet")) {
        uint64_t m;
        return gs_unit(c, n, s, &m) || gs_push(c, out, m);
    }
    const char *kind = fstr(b, "kind");
    json_t *content = field(b, "content");
    size_t k = json_array_size(content);
    if (!kind || !strcmp(kind, "GROUPING_SET_EMPTY")) return gs_push(c, out, 0);
    if (!strcmp(kind, "GROUPING_SET_SETS")) {
        for (size_t i = 0; i < k; i++)
            if (gs_item(c, json_array_get(content, i), s, out, depth + 1)) return SQL_ERR;
        return SQL_OK;
    }
    uint64_t units[64], all = 0;
    if (k > 64) return sqlerr_unsupported(c->err, -1, "grouping sets over more than 64 expressions");
    for (size_t i = 0; i < k; i++) {
        if (gs_unit(c, json_array_get(content, i), s, &units[i])) return SQL_ERR;
        all |= units[i];
    }
    if (!strcmp(kind, "GROUPING_SET_SIMPLE")) return gs_push(c, out, all);
    if (!strcmp(kind, "GROUPING_SET_ROLLUP")) {
        for (size_t n2 = k + 1; n2-- > 0;) {
            uint64_t m = 0;
            for (size_t i = 0; i < n2; i++) m |= units[i];
            if (gs_push(c, out, m)) return SQL_ERR;
        }
        return SQL_OK;
    }
    /* CUBE */
    if (k > 12) return sqlerr_set(c->err, "54001", -1, "CUBE is limited to 12 elements");
    for (uint64_t sub = (uint64_t)1 << k; sub-- > 0;) {
        uint64_t m = 0;
        for (size_t i = 0; i < k; i++)
            if (sub & ((uint64_t)1 << (k - 1 - i))) m |= units[i];
        if (gs_push(c, out, m)) return SQL_ERR;
    }
    return SQL_OK;
}

static int conv_group(pctx *c, json_t *g, sqlast_stmt *s)
{
    bool sets = false;
    for (size_t i = 0; i < json_array_size(g); i++) {
        json_t *gb;
        sets |= !strcmp(node(json_array_get(g, i), &gb), "GroupingSet");
    }
    if (!sets) return conv_expr_list(c, g, &s->group, &s->ngroup);
    gslist acc = {0};
    int rc = gs_push(c, &acc, 0);
    for (size_t i = 0; !rc && i < json_array_size(g); i++) {
        gslist item = {0}, next = {0};
        rc = gs_item(c, json_array_get(g, i), s, &item, 0);
        for (size_t a = 0; !rc && a < acc.n; a++)
            for (size_t x = 0; !rc && x < item.n; x++) rc = gs_push(c, &next, acc.m[a] | item.m[x]);
        free(item.m);
        free(acc.m);
        acc = next;
    }
    if (rc) {
        free(acc.m);
        return SQL_ERR;
    }
    s->gsets = acc.m;
    s->ngsets = (int)acc.n;
    c->relational = true;
    return SQL_OK;
}

/* FROM f(...) AS x(name type, ...): the column definition list of a function returning record. */
static int conv_coldefs(pctx *c, json_t *cdl, sqlast_from *f)
{
    size_t n = json_is_array(cdl) ? json_array_size(cdl) : 0;
    if (!n) return SQL_OK;
    if (!(f->defnames = calloc(n, sizeof *f->defnames)) || !(f->deftypes = calloc(n, sizeof *f->deftypes)))
        return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *cb;
        if (strcmp(node(json_array_get(cdl, i), &cb), "ColumnDef"))
            return sqlerr_unsupported(c->err, -1, "this column definition");
        const char *cn = fstr(cb, "colname");
        char *tname;
        bool array;
        if (!cn || type_name(c, field(cb, "typeName"), &tname, &array)) return SQL_ERR;
        sqlval_type t;
        if (array) {
            char base[128];
            snprintf(base, sizeof(base), "%s", tname);
            base[strlen(base) - 2] = 0;
            t = sqlval_type_lookup(base, true);
        } else {
            t = sqlval_type_lookup(tname, false);
        }
        if (t == SQLVAL_UNKNOWN) {
            int rc = sqlerr_unsupported(c->err, floc(field(cb, "typeName")), tname);
            free(tname);
            return rc;
        }
        free(tname);
        if (!(f->defnames[i] = dup_or_oom(c, cn))) return SQL_ERR;
        if (i == 0) f->defloc = floc(cb);
        f->deftypes[i] = t;
        f->ndef = (int)i + 1;
    }
    return SQL_OK;
}

/* Alias (and column aliases) of a FROM item. */
static int conv_alias(pctx *c, json_t *alias, sqlast_from *f)
{
    if (!alias) return SQL_OK;
    const char *name = fstr(alias, "aliasname");
    if (name && !(f->alias = dup_or_oom(c, name))) return SQL_ERR;
    return string_list(c, field(alias, "colnames"), &f->colnames, &f->ncolnames);
}

static int conv_from(pctx *c, json_t *n, sqlast_from **out)
{
    json_t *b;
    const char *t = node(n, &b);
    sqlast_from *f = calloc(1, sizeof *f);
    if (!f) return sqlerr_oom(c->err);
    *out = f;
    f->location = floc(b);
    if (!strcmp(t, "RangeVar")) {
        f->kind = SQLAST_FROM_REL;
        const char *rel = fstr(b, "relname"), *schema = fstr(b, "schemaname");
        if (fstr(b, "catalogname"))
            return sqlerr_unsupported(c->err, floc(b), "cross-database references");
        const char *persist = fstr(b, "relpersistence");
        if (persist && !strcmp(persist, "t"))
            return sqlerr_unsupported(c->err, floc(b), "temporary tables");
        if ((rel && strchr(rel, SQLAST_QUAL)) || (schema && strchr(schema, SQLAST_QUAL)))
            return sqlerr_set(c->err, "42602", floc(b), "invalid name syntax");
        if (!(f->name = dup_or_oom(c, rel))) return SQL_ERR;
        if (schema && !(f->schema = dup_or_oom(c, schema))) return SQL_ERR;
        return conv_alias(c, field(b, "alias"), f);
    }
    c->relational = true;
    if (!strcmp(t, "RangeSubselect")) {
        f->kind = SQLAST_FROM_SUBQUERY;
        f->lateral = fbool(b, "lateral");
        if (conv_subselect(c, field(b, "subquery"), &f->sub)) return SQL_ERR;
        json_t *alias = field(b, "alias");
        if (!alias)
            return sqlerr_set(c->err, "42601", -1, "subquery in FROM must have an alias");
        return conv_alias(c, alias, f);
    }
    if (!strcmp(t, "RangeFunction")) {
        f->kind = SQLAST_FROM_FUNC;
        f->lateral = fbool(b, "lateral");
        f->ordinality = fbool(b, "ordinality");
        if (fbool(b, "is_rowsfrom")) return sqlerr_unsupported(c->err, -1, "ROWS FROM");
        json_t *fns = field(b, "functions"), *lb;
        if (json_array_size(fns) != 1) return sqlerr_unsupported(c->err, -1, "ROWS FROM");
        node(json_array_get(fns, 0), &lb);
        json_t *items = field(lb, "items"), *fb;
        json_t *call = json_array_get(items, 0);
        json_t *cdl = field(b, "coldeflist");
        if (!cdl && json_array_size(items) > 1) cdl = json_array_get(items, 1);
        if (conv_coldefs(c, cdl, f)) return SQL_ERR;
        if (strcmp(node(call, &fb), "FuncCall") != 0 && strcmp(node(call, &fb), "SQLValueFunction") != 0)
            return sqlerr_unsupported(c->err, -1, "this expression in FROM");
        if (conv_expr(c, call, &f->func)) return SQL_ERR;
        if (f->func->kind != SQLAST_FUNC)
            return sqlerr_unsupported(c->err, f->func->location, "aggregates in FROM");
        return conv_alias(c, field(b, "alias"), f);
    }
    if (!strcmp(t, "JoinExpr")) {
        f->kind = SQLAST_FROM_JOIN;
        const char *jt = fstr(b, "jointype");
        f->jointype = !jt ? SQLAST_JOIN_INNER
                      : !strcmp(jt, "JOIN_LEFT")  ? SQLAST_JOIN_LEFT
                      : !strcmp(jt, "JOIN_RIGHT") ? SQLAST_JOIN_RIGHT
                      : !strcmp(jt, "JOIN_FULL")  ? SQLAST_JOIN_FULL
                                                  : SQLAST_JOIN_INNER;
        if (jt && strcmp(jt, "JOIN_INNER") && strcmp(jt, "JOIN_LEFT") && strcmp(jt, "JOIN_RIGHT") &&
            strcmp(jt, "JOIN_FULL"))
            return sqlerr_unsupported(c->err, -1, jt);
        f->natural = fbool(b, "isNatural");
        if (field(b, "join_using_alias")) return sqlerr_unsupported(c->err, -1, "USING ... AS");
        if (conv_from(c, field(b, "larg"), &f->larg) || conv_from(c, field(b, "rarg"), &f->rarg))
            return SQL_ERR;
        if (string_list(c, field(b, "usingClause"), &f->using_cols, &f->nusing)) return SQL_ERR;
        json_t *q = field(b, "quals");
        if (q && conv_expr(c, q, &f->quals)) return SQL_ERR;
        return conv_alias(c, field(b, "alias"), f);
    }
    return sqlerr_unsupported(c->err, -1, *t ? t : "FROM item");
}

/* FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [OF t] [NOWAIT | SKIP LOCKED] (after FROM). */
static int conv_locking(pctx *c, json_t *b, sqlast_stmt *s)
{
    json_t *locking = field(b, "lockingClause");
    for (size_t i = 0; i < json_array_size(locking); i++) {
        json_t *lb;
        node(json_array_get(locking, i), &lb);
        const char *strength = fstr(lb, "strength"), *policy = fstr(lb, "waitPolicy");
        int mode = strength && strstr(strength, "SHARE") ? 2 : 1;
        if (!s->row_lock || mode < s->row_lock) s->row_lock = mode; /* the strongest */
        int pol = policy && !strcmp(policy, "LockWaitSkip")    ? 2
                  : policy && !strcmp(policy, "LockWaitError") ? 1
                                                               : 0;
        if (pol > s->row_lock_policy) s->row_lock_policy = pol;
        json_t *rels = field(lb, "lockedRels");
        for (size_t k = 0; k < json_array_size(rels); k++) {
            json_t *rb;
            node(json_array_get(rels, k), &rb);
            const char *rel = fstr(rb, "relname");
            if (!rel || !s->table ||
                (strcmp(rel, s->alias ? s->alias : s->table) != 0))
                return sqlerr_set(c->err, "42P01", floc(rb),
                                  "relation \"%s\" in FOR %s clause not found in FROM clause",
                                  rel ? rel : "", mode == 2 ? "SHARE" : "UPDATE");
        }
    }
    return SQL_OK;
}

static int conv_with(pctx *c, json_t *w, sqlast_stmt *s)
{
    if (!w) return SQL_OK;
    c->relational = true;
    s->recursive = fbool(w, "recursive");
    json_t *ctes = field(w, "ctes");
    size_t n = json_array_size(ctes);
    if (!(s->ctes = calloc(n + 1, sizeof *s->ctes))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *cb;
        node(json_array_get(ctes, i), &cb);
        sqlast_cte *cte = &s->ctes[i];
        s->nctes = (int)i + 1;
        cte->location = floc(cb);
        const char *mat = fstr(cb, "ctematerialized");
        (void)mat; /* MATERIALIZED / NOT MATERIALIZED: a CTE is always materialised here */
        if (field(cb, "search_clause") || field(cb, "cycle_clause"))
            return sqlerr_unsupported(c->err, cte->location, "SEARCH / CYCLE");
        if (!(cte->name = dup_or_oom(c, fstr(cb, "ctename")))) return SQL_ERR;
        if (string_list(c, field(cb, "aliascolnames"), &cte->colnames, &cte->ncolnames))
            return SQL_ERR;
        json_t *q = field(cb, "ctequery"), *qb;
        if (strcmp(node(q, &qb), "SelectStmt") != 0)
            return sqlerr_unsupported(c->err, cte->location, "data-modifying statements in WITH");
        if (conv_subselect(c, q, &cte->query)) return SQL_ERR;
    }
    return SQL_OK;
}

/* ORDER BY items. */
static int conv_sort(pctx *c, json_t *sort, sqlast_order **out, int *n)
{
    size_t ns = json_array_size(sort);
    *out = NULL;
    *n = 0;
    if (!ns) return SQL_OK;
    if (!(*out = calloc(ns, sizeof(**out)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < ns; i++) {
        json_t *sb;
        node(json_array_get(sort, i), &sb);
        if (field(sb, "useOp")) return sqlerr_unsupported(c->err, -1, "ORDER BY ... USING");
        const char *dir = fstr(sb, "sortby_dir"), *nulls = fstr(sb, "sortby_nulls");
        (*out)[i].desc = dir && !strcmp(dir, "SORTBY_DESC");
        (*out)[i].nulls = !nulls ? 0 : !strcmp(nulls, "SORTBY_NULLS_FIRST") ? 1
                                     : !strcmp(nulls, "SORTBY_NULLS_LAST") ? 2 : 0;
        *n = (int)i + 1;
        if (conv_expr(c, field(sb, "node"), &(*out)[i].expr)) return SQL_ERR;
    }
    return SQL_OK;
}

static int conv_select_body(pctx *c, json_t *b, sqlast_stmt *s);

/* A SELECT; its WINDOW clause is what OVER names refer to while it is converted. */
static int conv_select(pctx *c, json_t *b, sqlast_stmt *s)
{
    json_t *saved = c->windows;
    c->windows = field(b, "windowClause");
    int rc = conv_select_body(c, b, s);
    c->windows = saved;
    return rc;
}

static int conv_select_body(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_SELECT;
    if (field(b, "intoClause")) return sqlerr_unsupported(c->err, -1, "SELECT INTO");
    if (fbool(b, "groupDistinct")) return sqlerr_unsupported(c->err, -1, "GROUP BY DISTINCT");
    const char *limopt = fstr(b, "limitOption");
    if (limopt && !strcmp(limopt, "LIMIT_OPTION_WITH_TIES")) {
        if (!field(b, "sortClause"))
            return sqlerr_set(c->err, "42601", -1, "WITH TIES cannot be specified without ORDER BY clause");
        s->limit_ties = true;
    }
    if (conv_with(c, field(b, "withClause"), s)) return SQL_ERR;
    const char *op = fstr(b, "op");
    if (op && strcmp(op, "SETOP_NONE") != 0) {
        c->relational = true;
        s->setop = strstr(op, "UNION") ? SQLAST_SETOP_UNION
                   : strstr(op, "INTERSECT") ? SQLAST_SETOP_INTERSECT
                                             : SQLAST_SETOP_EXCEPT;
        s->setop_all = fbool(b, "all");
        json_t *l = field(b, "larg"), *r = field(b, "rarg");
        if (!(s->larg = calloc(1, sizeof *s->larg)) || !(s->rarg = calloc(1, sizeof *s->rarg)))
            return sqlerr_oom(c->err);
        s->larg->location = s->rarg->location = -1;
        if (conv_select(c, l, s->larg) || conv_select(c, r, s->rarg)) return SQL_ERR;
    } else if (field(b, "valuesLists")) {
        c->relational = true;
        s->is_values = true;
        json_t *vl = field(b, "valuesLists");
        if (conv_values_lists(c, vl, s, false)) return SQL_ERR;
    } else {
        json_t *from = field(b, "fromClause");
        size_t nf = json_array_size(from);
        if (nf) {
            if (!(s->from = calloc(nf, sizeof *s->from))) return sqlerr_oom(c->err);
            for (size_t i = 0; i < nf; i++) {
                s->nfrom = (int)i + 1;
                if (conv_from(c, json_array_get(from, i), &s->from[i])) return SQL_ERR;
            }
            if (nf > 1) c->relational = true;
            /* one plain table: also named the way single-table statements name it */
            sqlast_from *f0 = s->from[0];
            if (nf == 1 && f0->kind == SQLAST_FROM_REL && !f0->ncolnames) {
                if (!(s->table = dup_or_oom(c, f0->name))) return SQL_ERR;
                s->table_loc = f0->location >= 0 ? f0->location + 1 : 0;
                if (f0->schema && !(s->schema = dup_or_oom(c, f0->schema))) return SQL_ERR;
                if (f0->alias && !(s->alias = dup_or_oom(c, f0->alias))) return SQL_ERR;
            }
        }
        json_t *dc = field(b, "distinctClause");
        if (dc) {
            c->relational = true;
            s->distinct = true;
            json_t *first = json_array_get(dc, 0);
            if (!(json_array_size(dc) == 1 && json_is_object(first) && json_object_size(first) == 0) &&
                conv_expr_list(c, dc, &s->distinct_on, &s->ndistinct_on))
                return SQL_ERR;
        }
        if (conv_targets(c, field(b, "targetList"), &s->targets, &s->ntargets)) return SQL_ERR;
        json_t *w = field(b, "whereClause");
        if (w && conv_expr(c, w, &s->where)) return SQL_ERR;
        if (conv_group(c, field(b, "groupClause"), s)) return SQL_ERR;
        json_t *h = field(b, "havingClause");
        if (h && conv_expr(c, h, &s->having)) return SQL_ERR;
    }
    if (conv_locking(c, b, s)) return SQL_ERR;
    if (s->row_lock && (s->setop || s->is_values || s->distinct))
        return sqlerr_set(c->err, "0A000", -1, "FOR %s is not allowed with %s",
                          s->row_lock == 2 ? "SHARE" : "UPDATE",
                          s->setop == SQLAST_SETOP_UNION       ? "UNION/INTERSECT/EXCEPT"
                          : s->setop                           ? "UNION/INTERSECT/EXCEPT"
                          : s->distinct                        ? "DISTINCT clause"
                                                               : "VALUES");
    if (conv_sort(c, field(b, "sortClause"), &s->order, &s->norder)) return SQL_ERR;
    json_t *lim = field(b, "limitCount"), *off = field(b, "limitOffset");
    if (lim && conv_expr(c, lim, &s->limit)) return SQL_ERR;
    if (off && conv_expr(c, off, &s->offset)) return SQL_ERR;
    return SQL_OK;
}

static int conv_returning(pctx *c, json_t *b, sqlast_stmt *s)
{
    return conv_targets(c, field(b, "returningList"), &s->targets, &s->ntargets);
}

static int conv_insert_tail(pctx *c, json_t *b, sqlast_stmt *s);
static int conv_with(pctx *c, json_t *w, sqlast_stmt *s);

/* VALUES (...), (...) into s->rows / nrows / nvalues; DEFAULT (INSERT only) is a NULL entry. */
static int conv_values_lists(pctx *c, json_t *vl, sqlast_stmt *s, bool allow_default)
{
    size_t nr = json_array_size(vl);
    if (!(s->rows = calloc(nr + 1, sizeof(*s->rows)))) return sqlerr_oom(c->err);
    for (size_t r = 0; r < nr; r++) {
        json_t *lb;
        node(json_array_get(vl, r), &lb);
        json_t *items = field(lb, "items");
        size_t nv = json_array_size(items);
        if (r == 0) s->nvalues = (int)nv;
        else if ((int)nv != s->nvalues) {
            json_t *ib;
            node(json_array_get(items, 0), &ib);
            return sqlerr_set(c->err, "42601", nv ? floc(ib) : -1,
                              "VALUES lists must all be the same length");
        }
        if (!(s->rows[r] = calloc(nv ? nv : 1, sizeof(sqlast_expr *)))) return sqlerr_oom(c->err);
        s->nrows = (int)r + 1;
        for (size_t v = 0; v < nv; v++) {
            json_t *item = json_array_get(items, v), *ib;
            if (!strcmp(node(item, &ib), "SetToDefault")) {
                if (allow_default) continue; /* NULL = DEFAULT */
                return sqlerr_set(c->err, "42601", floc(ib), "DEFAULT is not allowed in this context");
            }
            if (conv_expr(c, item, &s->rows[r][v])) return SQL_ERR;
        }
    }
    return SQL_OK;
}

/* UPDATE ... FROM / DELETE ... USING items. */
static int conv_from_list(pctx *c, json_t *from, sqlast_stmt *s)
{
    size_t nf = json_array_size(from);
    if (!nf) return SQL_OK;
    c->relational = true;
    if (!(s->from = calloc(nf, sizeof *s->from))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < nf; i++) {
        s->nfrom = (int)i + 1;
        if (conv_from(c, json_array_get(from, i), &s->from[i])) return SQL_ERR;
    }
    return SQL_OK;
}

static int conv_insert(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_INSERT;
    json_t *with = field(b, "withClause");
    const char *ov = fstr(b, "override");
    /* OVERRIDING USER VALUE: an identity column takes its sequence's value whatever is given */
    if (ov && !strcmp(ov, "OVERRIDING_USER_VALUE"))
        return sqlerr_unsupported(c->err, -1, "OVERRIDING USER VALUE");
    s->overriding_system = ov && !strcmp(ov, "OVERRIDING_SYSTEM_VALUE");
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    json_t *cols = field(b, "cols");
    size_t ncols = json_array_size(cols);
    if (ncols) {
        if (!(s->insert_cols = calloc(ncols, sizeof(char *)))) return sqlerr_oom(c->err);
        for (size_t i = 0; i < ncols; i++) {
            json_t *rb;
            node(json_array_get(cols, i), &rb);
            if (json_array_size(field(rb, "indirection")))
                return sqlerr_unsupported(c->err, floc(rb), "assignment to array elements or fields");
            if (!(s->insert_cols[i] = dup_or_oom(c, fstr(rb, "name")))) return SQL_ERR;
            s->ninsert_cols = (int)i + 1;
        }
    }
    json_t *sel = field(b, "selectStmt"), *sb = NULL;
    if (sel) {
        node(sel, &sb);
        json_t *vl = field(sb, "valuesLists");
        const char *sop = fstr(sb, "op");
        if (!vl || field(sb, "withClause") || field(sb, "sortClause") || field(sb, "limitCount") ||
            field(sb, "limitOffset") || (sop && strcmp(sop, "SETOP_NONE"))) {
            c->relational = true;
            if (conv_subselect(c, sel, &s->select)) return SQL_ERR;
            /* WITH ... INSERT INTO t SELECT ...: the WITH queries belong to the SELECT */
            if (with && s->select->nctes)
                return sqlerr_unsupported(c->err, -1, "WITH on both INSERT and its SELECT");
            if (with && conv_with(c, with, s->select)) return SQL_ERR;
            return conv_insert_tail(c, b, s);
        }
        if (with) return sqlerr_unsupported(c->err, -1, "WITH with INSERT ... VALUES");
        if (conv_values_lists(c, vl, s, true)) return SQL_ERR;
    } else {
        /* INSERT ... DEFAULT VALUES: one row, every column defaulted */
        if (!(s->rows = calloc(1, sizeof(*s->rows)))) return sqlerr_oom(c->err);
        if (!(s->rows[0] = calloc(1, sizeof(sqlast_expr *)))) return sqlerr_oom(c->err);
        s->nrows = 1;
    }
    return conv_insert_tail(c, b, s);
}

/* ON CONFLICT and RETURNING of an INSERT. */
static int conv_insert_tail(pctx *c, json_t *b, sqlast_stmt *s)
{
    json_t *oc = field(b, "onConflictClause");
    if (oc) {
        const char *action = fstr(oc, "action");
        s->on_conflict = action && !strcmp(action, "ONCONFLICT_UPDATE") ? SQLAST_CONFLICT_UPDATE
                                                                        : SQLAST_CONFLICT_NOTHING;
        json_t *infer = field(oc, "infer");
        if (infer && fstr(infer, "conname"))
            return sqlerr_unsupported(c->err, floc(oc), "ON CONFLICT ON CONSTRAINT");
        if (infer && field(infer, "whereClause"))
            return sqlerr_unsupported(c->err, floc(oc), "ON CONFLICT ... WHERE");
        if (infer && string_list(c, field(infer, "indexElems"), &s->conflict_cols, &s->nconflict_cols))
            return SQL_ERR;
        if (s->on_conflict == SQLAST_CONFLICT_UPDATE && !infer)
            return sqlerr_set(c->err, "42601", floc(oc),
                              "ON CONFLICT DO UPDATE requires inference specification or "
                              "constraint name");
        if (conv_targets(c, field(oc, "targetList"), &s->conflict_set, &s->nconflict_set))
            return SQL_ERR;
        json_t *w = field(oc, "whereClause");
        if (w && conv_expr(c, w, &s->conflict_where)) return SQL_ERR;
    }
    return conv_returning(c, b, s);
}

static int conv_update(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_UPDATE;
    if (field(b, "withClause")) return sqlerr_unsupported(c->err, -1, "WITH");
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    if (conv_from_list(c, field(b, "fromClause"), s)) return SQL_ERR;
    if (conv_targets(c, field(b, "targetList"), &s->set, &s->nset)) return SQL_ERR;
    json_t *w = field(b, "whereClause"), *wb;
    if (w && !strcmp(node(w, &wb), "CurrentOfExpr"))
        return sqlerr_unsupported(c->err, -1, "WHERE CURRENT OF");
    if (w && conv_expr(c, w, &s->where)) return SQL_ERR;
    return conv_returning(c, b, s);
}

static int conv_delete(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_DELETE;
    if (field(b, "withClause")) return sqlerr_unsupported(c->err, -1, "WITH");
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    if (conv_from_list(c, field(b, "usingClause"), s)) return SQL_ERR;
    json_t *w = field(b, "whereClause"), *wb;
    if (w && !strcmp(node(w, &wb), "CurrentOfExpr"))
        return sqlerr_unsupported(c->err, -1, "WHERE CURRENT OF");
    if (w && conv_expr(c, w, &s->where)) return SQL_ERR;
    return conv_returning(c, b, s);
}

static bool defelem_bool(json_t *arg);

/* A sequence option's integer: the grammar's NumericOnly (an Integer, or a Float for what does
 * not fit 32 bits); a constant <= 0 comes without its value (sqlparse.h quirk): read back from
 * the text after the option's keywords. */
static int seq_int(pctx *c, json_t *defelem, int64_t *out)
{
    json_t *arg = field(defelem, "arg"), *ab;
    const char *t = arg ? node(arg, &ab) : "";
    if (!strcmp(t, "Integer")) {
        json_t *iv = field(ab, "ival");
        if (json_is_integer(iv)) {
            *out = json_integer_value(iv);
            return SQL_OK;
        }
        int loc = floc(defelem);
        const char *p = loc >= 0 && (size_t)loc < c->sqllen ? c->sql + loc : c->sql + c->sqllen;
        const char *end = c->sql + c->sqllen;
        while (p < end && (isalpha((unsigned char)*p) || isspace((unsigned char)*p))) p++;
        *out = int_from_text(c, (int)(p - c->sql));
        return SQL_OK;
    }
    if (!strcmp(t, "Float")) {
        const char *f = fstr(ab, "fval");
        char *e;
        errno = 0;
        long long v = f ? strtoll(f, &e, 10) : 0;
        if (!f || *e || errno)
            return sqlerr_set(c->err, "22003", floc(defelem), "value \"%s\" is out of range for type bigint",
                              f ? f : "");
        *out = v;
        return SQL_OK;
    }
    return sqlerr_set(c->err, "42601", floc(defelem), "syntax error at or near \"%s\"",
                      fstr(defelem, "defname") ? fstr(defelem, "defname") : "");
}

static int conv_seqopts(pctx *c, json_t *opts, sqlast_seqopts **out)
{
    sqlast_seqopts *o = calloc(1, sizeof *o);
    if (!o) return sqlerr_oom(c->err);
    *out = o;
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        node(json_array_get(opts, i), &db);
        const char *n = fstr(db, "defname");
        if (!n) n = "";
        json_t *arg = field(db, "arg");
        bool dup = false;
        if (!strcmp(n, "as")) {
            char *tn = NULL;
            bool arr;
            json_t *tb;
            node(arg, &tb);
            if (type_name(c, tb, &tn, &arr)) return SQL_ERR;
            dup = o->type_len != 0;
            o->type_len = !strcmp(tn, "int2") || !strcmp(tn, "smallint") ? 2
                          : !strcmp(tn, "int4") || !strcmp(tn, "integer") || !strcmp(tn, "int") ? 4
                          : !strcmp(tn, "int8") || !strcmp(tn, "bigint") ? 8 : 0;
            if (!o->type_len || arr) {
                sqlerr_set(c->err, "22023", -1, "sequence type must be smallint, integer, or bigint");
                free(tn);
                return SQL_ERR;
            }
            free(tn);
        } else if (!strcmp(n, "start")) {
            dup = o->has_start;
            o->has_start = true;
            if (seq_int(c, db, &o->start)) return SQL_ERR;
        } else if (!strcmp(n, "increment")) {
            dup = o->has_inc;
            o->has_inc = true;
            if (seq_int(c, db, &o->inc)) return SQL_ERR;
        } else if (!strcmp(n, "minvalue")) {
            dup = o->has_min || o->no_min;
            if (arg) {
                o->has_min = true;
                if (seq_int(c, db, &o->min)) return SQL_ERR;
            } else {
                o->no_min = true;
            }
        } else if (!strcmp(n, "maxvalue")) {
            dup = o->has_max || o->no_max;
            if (arg) {
                o->has_max = true;
                if (seq_int(c, db, &o->max)) return SQL_ERR;
            } else {
                o->no_max = true;
            }
        } else if (!strcmp(n, "cache")) {
            dup = o->has_cache;
            o->has_cache = true;
            if (seq_int(c, db, &o->cache)) return SQL_ERR;
        } else if (!strcmp(n, "cycle")) {
            dup = o->has_cycle;
            o->has_cycle = true;
            o->cycle = defelem_bool(arg);
        } else if (!strcmp(n, "restart")) {
            dup = o->has_restart;
            o->has_restart = true;
            o->restart_default = !arg;
            if (arg && seq_int(c, db, &o->restart)) return SQL_ERR;
        } else if (!strcmp(n, "owned_by")) {
            dup = o->has_owned;
            o->has_owned = true;
            json_t *lb;
            node(arg, &lb);
            json_t *items = field(lb, "items");
            size_t k = json_array_size(items);
            if (k == 1 && !strcmp(string_node(json_array_get(items, 0)), "none")) {
                o->owned_none = true;
            } else if (k == 2 || k == 3) {
                if (qual_items(c, items, 1, &o->owned_table) ||
                    !(o->owned_col = dup_or_oom(c, string_node(json_array_get(items, k - 1)))))
                    return SQL_ERR;
            } else {
                return sqlerr_set(c->err, "42601", floc(db), "invalid relation name: %s",
                                  k ? string_node(json_array_get(items, 0)) : "");
            }
        } else if (!strcmp(n, "sequence_name")) { /* [schema.]name */
            json_t *lb, *items;
            node(field(db, "arg"), &lb);
            items = field(lb, "items");
            dup = o->seq_name != NULL;
            free(o->seq_name);
            o->seq_name = NULL;
            if (qual_items(c, items, 0, &o->seq_name)) return SQL_ERR;
        } else {
            return sqlerr_unsupported(c->err, floc(db), n);
        }
        if (dup) return sqlerr_set(c->err, "42601", floc(db), "conflicting or redundant options");
    }
    return SQL_OK;
}

static int conv_create_seq(pctx *c, json_t *b, sqlast_stmt *s, bool alter)
{
    s->kind = alter ? SQLAST_ALTER_SEQUENCE : SQLAST_CREATE_SEQUENCE;
    s->missing_ok = fbool(b, alter ? "missing_ok" : "if_not_exists");
    if (conv_relation(c, field(b, "sequence"), s)) return SQL_ERR;
    if (s->schema)
        return sqlerr_set(c->err, "42501", -1, "permission denied to create \"%s.%s\"", s->schema, s->table);
    if (strlen(sqlast_relname(s->table)) > 63)
        return sqlerr_set(c->err, "42622", -1, "sequence name \"%s\" is too long", sqlast_relname(s->table));
    if (conv_seqopts(c, field(b, "options"), &s->seqopts)) return SQL_ERR;
    if (!alter && s->seqopts->has_restart)
        return sqlerr_set(c->err, "42601", -1, "option \"restart\" not recognized");
    return SQL_OK;
}

static int conv_coldef(pctx *c, json_t *b, sqlast_coldef *d, const char *table)
{
    d->location = floc(b);
    if (!(d->name = dup_or_oom(c, fstr(b, "colname")))) return SQL_ERR;
    bool array;
    if (type_name(c, field(b, "typeName"), &d->type_name, &array)) return SQL_ERR;
    if (!array && type_mods(c, field(b, "typeName"), d->type_name, &d->typmod)) return SQL_ERR;
    if (d->typmod) { /* the catalog keeps the modifier in the type's name */
        char buf[160];
        int32_t tm = d->typmod - 1;
        if (!strcmp(d->type_name, "varchar") || !strcmp(d->type_name, "character varying"))
            snprintf(buf, sizeof buf, "character varying(%d)", tm - 4);
        else if (!strcmp(d->type_name, "bpchar") || !strcmp(d->type_name, "character"))
            snprintf(buf, sizeof buf, "character(%d)", tm - 4);
        else if (!strcmp(d->type_name, "numeric") || !strcmp(d->type_name, "decimal"))
            snprintf(buf, sizeof buf, "numeric(%d,%d)", ((tm - 4) >> 16) & 0xffff,
                     (int)(((((tm - 4) & 0x7ff) ^ 1024) - 1024)));
        else if (!strcmp(d->type_name, "timestamp"))
            snprintf(buf, sizeof buf, "timestamp(%d) without time zone", tm);
        else if (!strcmp(d->type_name, "time"))
            snprintf(buf, sizeof buf, "time(%d) without time zone", tm);
        else if (!strcmp(d->type_name, "interval"))
            return sqlerr_unsupported(c->err, d->location, "interval columns with fields or precision");
        else
            snprintf(buf, sizeof buf, "timestamp(%d) with time zone", tm);
        free(d->type_name);
        if (!(d->type_name = dup_or_oom(c, buf))) return SQL_ERR;
    }
    static const struct {
        const char *n, *t;
        int len;
    } serials[] = {{"serial", "integer", 4},      {"serial4", "integer", 4},
                   {"bigserial", "bigint", 8},    {"serial8", "bigint", 8},
                   {"smallserial", "smallint", 2}, {"serial2", "smallint", 2}};
    for (size_t k = 0; k < sizeof serials / sizeof serials[0] && !array; k++)
        if (!strcmp(d->type_name, serials[k].n)) {
            free(d->type_name);
            if (!(d->type_name = dup_or_oom(c, serials[k].t))) return SQL_ERR;
            d->serial = serials[k].len;
            d->not_null = true;
        }
    if (field(b, "collClause")) return sqlerr_unsupported(c->err, d->location, "COLLATE");
    json_t *cons = field(b, "constraints");
    for (size_t i = 0; i < json_array_size(cons); i++) {
        json_t *cb;
        node(json_array_get(cons, i), &cb);
        const char *ct = fstr(cb, "contype");
        if (!ct) ct = "";
        if (!strcmp(ct, "CONSTR_NOTNULL")) {
            d->not_null = true;
        } else if (!strcmp(ct, "CONSTR_NULL")) {
            d->not_null = false;
        } else if (!strcmp(ct, "CONSTR_PRIMARY")) {
            d->primary_key = true;
        } else if (!strcmp(ct, "CONSTR_DEFAULT")) {
            if (d->identity)
                return sqlerr_set(c->err, "42601", floc(cb),
                                  "both default and identity specified for column \"%s\" of table \"%s\"",
                                  d->name, table ? table : "");
            if (d->serial)
                return sqlerr_set(c->err, "42601", -1,
                                  "multiple default values specified for column \"%s\" of table \"%s\"",
                                  d->name, table ? table : "");
            sqlast_expr_free(d->def);
            d->def = NULL;
            if (conv_expr(c, field(cb, "raw_expr"), &d->def)) return SQL_ERR;
        } else if (!strcmp(ct, "CONSTR_FOREIGN") || !strcmp(ct, "CONSTR_CHECK") ||
                   (!strcmp(ct, "CONSTR_UNIQUE") && table)) {
            /* REFERENCES, CHECK, UNIQUE: collected as the table's (conv_create) */
        } else if (!strncmp(ct, "CONSTR_ATTR_", 12)) {
            /* [NOT] DEFERRABLE, INITIALLY DEFERRED | IMMEDIATE after REFERENCES: keys are
             * checked at the end of each statement whichever is asked (sqlrun.c) */
            json_t *pb = NULL;
            if (i > 0) node(json_array_get(cons, i - 1), &pb);
            const char *pt = pb ? fstr(pb, "contype") : NULL;
            if (pt && !strcmp(pt, "CONSTR_UNIQUE")) {
                if (!strcmp(ct, "CONSTR_ATTR_DEFERRABLE"))
                    return sqlerr_unsupported(c->err, floc(cb), "DEFERRABLE unique constraints");
                continue;
            }
            if (!pt || (strcmp(pt, "CONSTR_FOREIGN") && strncmp(pt, "CONSTR_ATTR_", 12)))
                return sqlerr_set(c->err, "42601", floc(cb), "misplaced %s clause",
                                  strstr(ct, "DEFERRABLE") ? "DEFERRABLE" : "INITIALLY");
        } else if (!strcmp(ct, "CONSTR_IDENTITY")) {
            if (d->identity)
                return sqlerr_set(c->err, "42601", floc(cb),
                                  "multiple identity specifications for column \"%s\"", d->name);
            if (d->def || d->serial)
                return sqlerr_set(c->err, "42601", floc(cb),
                                  "both default and identity specified for column \"%s\" of table \"%s\"",
                                  d->name, table ? table : "");
            const char *w = fstr(cb, "generated_when");
            d->identity = w && *w == 'a' ? 'a' : 'd';
            d->not_null = true;
            if (conv_seqopts(c, field(cb, "options"), &d->seqopts)) return SQL_ERR;
        } else {
            static const struct {
                const char *k, *what;
            } names[] = {{"CONSTR_UNIQUE", "UNIQUE constraints"}, {"CONSTR_CHECK", "CHECK constraints"},
                         {"CONSTR_FOREIGN", "foreign keys"},
                         {"CONSTR_GENERATED", "generated columns"},
                         {"CONSTR_EXCLUSION", "exclusion constraints"}};
            const char *what = ct;
            for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
                if (!strcmp(ct, names[k].k)) what = names[k].what;
            return sqlerr_unsupported(c->err, floc(cb), what);
        }
    }
    return SQL_OK;
}

/* A FOREIGN KEY constraint node into fk; col: the column of a column-level REFERENCES. */
static int conv_fk(pctx *c, json_t *cb, const char *col, sqlast_fk *fk)
{
    fk->location = floc(cb);
    const char *cn = fstr(cb, "conname");
    if (cn && !(fk->name = dup_or_oom(c, cn))) return SQL_ERR;
    json_t *rv = field(cb, "pktable");
    const char *schema = rv ? fstr(rv, "schemaname") : NULL;
    if (!rv || qual_name(c, schema, fstr(rv, "relname"), &fk->ref_table)) return SQL_ERR;
    if (col) {
        if (!(fk->cols = calloc(1, sizeof *fk->cols)) || !(fk->cols[0] = dup_or_oom(c, col)))
            return fk->cols ? SQL_ERR : sqlerr_oom(c->err);
        fk->ncols = 1;
    } else if (string_list(c, field(cb, "fk_attrs"), &fk->cols, &fk->ncols)) {
        return SQL_ERR;
    }
    if (field(cb, "pk_attrs") && string_list(c, field(cb, "pk_attrs"), &fk->ref_cols, &fk->nref))
        return SQL_ERR;
    const char *m = fstr(cb, "fk_matchtype");
    if (m && *m == 'f') return sqlerr_unsupported(c->err, fk->location, "MATCH FULL");
    const char *d = fstr(cb, "fk_del_action"), *u = fstr(cb, "fk_upd_action");
    fk->on_delete = d && *d ? *d : 'a';
    fk->on_update = u && *u ? *u : 'a';
    if (!strchr("arcnd", fk->on_delete) || !strchr("arcnd", fk->on_update))
        return sqlerr_unsupported(c->err, fk->location, "this referential action");
    if (json_array_size(field(cb, "fk_del_set_cols")))
        return sqlerr_unsupported(c->err, fk->location, "ON DELETE SET NULL / SET DEFAULT with a column list");
    /* a referenced key never changes here (primary keys are not updated), so every ON
     * UPDATE action means the same: accepted */
    fk->deferrable = fbool(cb, "deferrable");
    fk->deferred = fbool(cb, "initdeferred");
    if (fbool(cb, "skip_validation") || (field(cb, "initially_valid") && !fbool(cb, "initially_valid")))
        return sqlerr_unsupported(c->err, fk->location, "NOT VALID");
    return SQL_OK;
}

/* The text between CHECK's parentheses in the query, the constraint's node starting at or
 * before its CHECK keyword: quotes, dollar quotes and comments are skipped while looking for
 * the keyword and the matching parenthesis. */
static int check_text(pctx *c, int loc, char **out)
{
    const char *q = c->sql;
    size_t n = c->sqllen, i = loc >= 0 && (size_t)loc < n ? (size_t)loc : n;
    int depth = 0;
    size_t open = 0;
    bool found = false;
    while (i < n) {
        char ch = q[i];
        if (ch == '\'' || ch == '"') { /* '...' with '' and E'' \', "..." with "" */
            bool esc = ch == '\'' && i > 0 && (q[i - 1] == 'E' || q[i - 1] == 'e');
            for (i++; i < n; i++) {
                if (esc && q[i] == '\\') {
                    i++;
                    continue;
                }
                if (q[i] == ch) {
                    if (i + 1 < n && q[i + 1] == ch) {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            i++;
            continue;
        }
        if (ch == '-' && i + 1 < n && q[i + 1] == '-') {
            while (i < n && q[i] != '\n') i++;
            continue;
        }
        if (ch == '/' && i + 1 < n && q[i + 1] == '*') {
            int nest = 0;
            for (; i + 1 < n; i++) {
                if (q[i] == '/' && q[i + 1] == '*') nest++, i++;
                else if (q[i] == '*' && q[i + 1] == '/' && --nest == 0) break;
            }
            i += 2;
            continue;
        }
        if (ch == '$' && found) { /* $tag$ ... $tag$ */
            size_t j = i + 1;
            while (j < n && (isalnum((unsigned char)q[j]) || q[j] == '_')) j++;
            if (j < n && q[j] == '$') {
                size_t tl = j - i + 1;
                const char *end = NULL;
                for (size_t k = j + 1; k + tl <= n && !end; k++)
                    if (!memcmp(q + k, q + i, tl)) end = q + k;
                i = end ? (size_t)(end - q) + tl : n;
                continue;
            }
        }
        if (!found) {
            if ((ch == 'c' || ch == 'C') && i + 5 <= n && !strncasecmp(q + i, "check", 5) &&
                (i == 0 || !(isalnum((unsigned char)q[i - 1]) || q[i - 1] == '_')) &&
                (i + 5 == n || !(isalnum((unsigned char)q[i + 5]) || q[i + 5] == '_'))) {
                found = true;
                i += 5;
                continue;
            }
        } else if (ch == '(') {
            if (depth++ == 0) open = i + 1;
        } else if (ch == ')' && depth > 0 && --depth == 0) {
            size_t a = open, b = i;
            while (a < b && isspace((unsigned char)q[a])) a++;
            while (b > a && isspace((unsigned char)q[b - 1])) b--;
            *out = strndup(q + a, b - a);
            return *out ? SQL_OK : sqlerr_oom(c->err);
        } else if (depth == 0 && !isspace((unsigned char)ch)) {
            break; /* CHECK not followed by ( */
        }
        i++;
    }
    return sqlerr_set(c->err, "42601", loc, "could not find the CHECK expression");
}

/* A CHECK constraint (kb: its Constraint node) added to s->checks; col: the column it was
 * written on, NULL for a table constraint. */
static int add_check(pctx *c, sqlast_stmt *s, json_t *kb, const char *col)
{
    if (fbool(kb, "skip_validation"))
        return sqlerr_unsupported(c->err, floc(kb), "NOT VALID constraints");
    sqlast_check *g = realloc(s->checks, (size_t)(s->nchecks + 1) * sizeof *g);
    if (!g) return sqlerr_oom(c->err);
    s->checks = g;
    sqlast_check *k = &s->checks[s->nchecks++];
    memset(k, 0, sizeof *k);
    k->location = floc(kb);
    const char *nm = fstr(kb, "conname");
    if ((nm && !(k->name = dup_or_oom(c, nm))) || (col && !(k->column = dup_or_oom(c, col))))
        return SQL_ERR;
    if (check_text(c, k->location, &k->text)) return SQL_ERR;
    return conv_expr(c, field(kb, "raw_expr"), &k->expr);
}

static int add_fk(pctx *c, sqlast_stmt *s, json_t *cb, const char *col)
{
    sqlast_fk *n = realloc(s->fks, (size_t)(s->nfks + 1) * sizeof *n);
    if (!n) return sqlerr_oom(c->err);
    s->fks = n;
    memset(&s->fks[s->nfks], 0, sizeof *n);
    s->nfks++;
    return conv_fk(c, cb, col, &s->fks[s->nfks - 1]);
}

static sqlast_index *index_new(pctx *c, sqlast_stmt *s)
{
    sqlast_index *n = realloc(s->indexes, (size_t)(s->nindexes + 1) * sizeof *n);
    if (!n) {
        sqlerr_oom(c->err);
        return NULL;
    }
    s->indexes = n;
    sqlast_index *x = &s->indexes[s->nindexes++];
    memset(x, 0, sizeof *x);
    return x;
}

/* A UNIQUE constraint node (col: a column's UNIQUE) into a new entry of s->indexes. */
static int add_unique(pctx *c, sqlast_stmt *s, json_t *kb, const char *col)
{
    sqlast_index *x = index_new(c, s);
    if (!x) return SQL_ERR;
    x->unique = x->constraint = true;
    x->location = floc(kb);
    const char *nm = fstr(kb, "conname");
    if (nm && !(x->name = dup_or_oom(c, nm))) return SQL_ERR;
    if (fbool(kb, "nulls_not_distinct"))
        return sqlerr_unsupported(c->err, x->location, "UNIQUE NULLS NOT DISTINCT");
    if (fbool(kb, "deferrable"))
        return sqlerr_unsupported(c->err, x->location, "DEFERRABLE unique constraints");
    if (fstr(kb, "indexname")) return sqlerr_unsupported(c->err, x->location, "UNIQUE USING INDEX");
    if (field(kb, "options")) return sqlerr_unsupported(c->err, x->location, "WITH (index options)");
    if (col) {
        if (!(x->cols = calloc(1, sizeof *x->cols)) || !(x->cols[0] = dup_or_oom(c, col)))
            return x->cols ? SQL_ERR : sqlerr_oom(c->err);
        x->ncols = 1;
    } else if (string_list(c, field(kb, "keys"), &x->cols, &x->ncols)) {
        return SQL_ERR;
    }
    if (string_list(c, field(kb, "including"), &x->include, &x->ninclude)) return SQL_ERR;
    if (!(x->opt = calloc((size_t)x->ncols + 1, 1))) return sqlerr_oom(c->err);
    return SQL_OK;
}

/* The index after position i of a quoted literal, identifier or comment starting there (i
 * itself when none does). */
static size_t skip_quoted(const char *q, size_t n, size_t i)
{
    char ch = q[i];
    if (ch == '\'' || ch == '"') {
        bool esc = ch == '\'' && i > 0 && (q[i - 1] == 'E' || q[i - 1] == 'e');
        for (i++; i < n; i++) {
            if (esc && q[i] == '\\') {
                i++;
                continue;
            }
            if (q[i] == ch) {
                if (i + 1 < n && q[i + 1] == ch) {
                    i++;
                    continue;
                }
                return i + 1;
            }
        }
        return n;
    }
    if (ch == '-' && i + 1 < n && q[i + 1] == '-') {
        while (i < n && q[i] != '\n') i++;
        return i;
    }
    if (ch == '/' && i + 1 < n && q[i + 1] == '*') {
        int nest = 0;
        for (; i + 1 < n; i++) {
            if (q[i] == '/' && q[i + 1] == '*') nest++, i++;
            else if (q[i] == '*' && q[i + 1] == '/' && --nest == 0) return i + 2;
        }
        return n;
    }
    return i;
}

/* The text of each element of CREATE INDEX's column list, found from the relation's position:
 * the first top-level parenthesis after it, split at top-level commas. 0 or SQL_ERR. */
static int index_elem_texts(pctx *c, int rel_loc, char **out, int max, int *n)
{
    const char *q = c->sql;
    size_t len = c->sqllen, i = rel_loc >= 0 ? (size_t)rel_loc : len;
    *n = 0;
    while (i < len && q[i] != '(') {
        size_t j = skip_quoted(q, len, i);
        i = j > i ? j : i + 1;
    }
    if (i >= len) return sqlerr_unsupported(c->err, -1, "this index column list");
    size_t start = ++i;
    int depth = 0;
    while (i < len) {
        size_t j = skip_quoted(q, len, i);
        if (j > i) {
            i = j;
            continue;
        }
        char ch = q[i];
        if (ch == '(' || ch == '[') depth++;
        if ((ch == ')' || ch == ']') && depth > 0) {
            depth--;
            i++;
            continue;
        }
        if ((ch == ',' && depth == 0) || (ch == ')' && depth == 0)) {
            if (*n >= max) return sqlerr_unsupported(c->err, -1, "this index column list");
            /* the element's text with its comments taken out (a -- comment would swallow what
             * follows it once the text is wrapped in SELECT (...)) */
            char *t = malloc(i - start + 1);
            if (!t) return sqlerr_oom(c->err);
            size_t tl = 0;
            for (size_t k = start; k < i;) {
                bool comment = (q[k] == '-' && k + 1 < i && q[k + 1] == '-') ||
                               (q[k] == '/' && k + 1 < i && q[k + 1] == '*');
                size_t e = skip_quoted(q, i, k);
                if (comment) {
                    t[tl++] = ' ';
                    k = e;
                } else if (e > k) {
                    memcpy(t + tl, q + k, e - k);
                    tl += e - k;
                    k = e;
                } else {
                    t[tl++] = q[k++];
                }
            }
            size_t a = 0, b2 = tl;
            while (a < b2 && isspace((unsigned char)t[a])) a++;
            while (b2 > a && isspace((unsigned char)t[b2 - 1])) b2--;
            memmove(t, t + a, b2 - a);
            t[b2 - a] = 0;
            out[(*n)++] = t;
            if (ch == ')') return SQL_OK;
            start = i + 1;
        }
        i++;
    }
    return sqlerr_unsupported(c->err, -1, "this index column list");
}

/* An expression element's text without its trailing options (opclass, ASC/DESC, NULLS ...)
 * and one level of enclosing parentheses. */
static void strip_elem_options(char *t, const char *opclass)
{
    static const char *const words[] = {"nulls first", "nulls last", "asc", "desc"};
    for (bool again = true; again;) {
        again = false;
        size_t l = strlen(t);
        while (l && isspace((unsigned char)t[l - 1])) t[--l] = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t wl = strlen(words[w]);
            if (l > wl && !strcasecmp(t + l - wl, words[w]) && isspace((unsigned char)t[l - wl - 1])) {
                t[l - wl] = 0;
                again = true;
                break;
            }
        }
        if (!again && opclass) {
            size_t ol = strlen(opclass);
            if (l > ol && !strcasecmp(t + l - ol, opclass) && isspace((unsigned char)t[l - ol - 1])) {
                t[l - ol] = 0;
                again = true;
            }
        }
    }
    size_t l = strlen(t);
    if (l >= 2 && t[0] == '(' && t[l - 1] == ')') {
        /* one enclosing pair, if it encloses the whole text */
        int depth = 0;
        bool whole = true;
        for (size_t i = 0; i < l && whole; i++) {
            size_t j = skip_quoted(t, l, i);
            if (j > i) {
                i = j - 1;
                continue;
            }
            if (t[i] == '(') depth++;
            if (t[i] == ')' && --depth == 0 && i != l - 1) whole = false;
        }
        if (whole) {
            memmove(t, t + 1, l - 2);
            t[l - 2] = 0;
        }
    }
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON t [USING btree] (...) */
static int conv_index(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_CREATE_INDEX;
    s->missing_ok = fbool(b, "if_not_exists");
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    sqlast_index *x = index_new(c, s);
    if (!x) return SQL_ERR;
    x->unique = fbool(b, "unique");
    x->concurrent = fbool(b, "concurrent");
    x->location = s->table_loc ? s->table_loc - 1 : -1;
    const char *nm = fstr(b, "idxname");
    if (nm && !(x->name = dup_or_oom(c, nm))) return SQL_ERR;
    const char *am = fstr(b, "accessMethod");
    x->gin = am && !strcmp(am, "gin");
    if (x->gin && x->unique)
        return sqlerr_set(c->err, "0A000", -1, "access method \"gin\" does not support unique indexes");
    if (am && strcmp(am, "btree") != 0 && !x->gin) {
        char what[96];
        snprintf(what, sizeof what, "index access method \"%.40s\"", am);
        return sqlerr_unsupported(c->err, -1, what);
    }
    if (field(b, "whereClause")) return sqlerr_unsupported(c->err, -1, "partial indexes (WHERE)");
    if (fbool(b, "nulls_not_distinct"))
        return sqlerr_unsupported(c->err, -1, "UNIQUE NULLS NOT DISTINCT");
    if (field(b, "options")) return sqlerr_unsupported(c->err, -1, "WITH (index options)");
    if (fstr(b, "tableSpace")) return sqlerr_unsupported(c->err, -1, "TABLESPACE");
    json_t *params = field(b, "indexParams");
    size_t n = json_array_size(params);
    if (!(x->cols = calloc(n + 1, sizeof *x->cols)) || !(x->opt = calloc(n + 1, 1)) ||
        !(x->exprs = calloc(n + 1, sizeof *x->exprs)))
        return sqlerr_oom(c->err);
    x->nexprs = (int)n;
    bool any_expr = false;
    for (size_t i = 0; i < n; i++) {
        json_t *eb;
        node(json_array_get(params, i), &eb);
        any_expr |= !fstr(eb, "name");
    }
    if (any_expr) { /* expressions: the elements' texts from the statement */
        char *t[SQLINDEX_MAX_COLUMNS * 2 + 1] = {0};
        int nt = 0;
        int rc = index_elem_texts(c, s->table_loc ? s->table_loc - 1 : -1, t,
                                  SQLINDEX_MAX_COLUMNS * 2, &nt);
        if (rc == SQL_OK && (size_t)nt != n) rc = sqlerr_unsupported(c->err, -1, "this index column list");
        for (int k = 0; k < nt; k++) {
            if (rc == SQL_OK) x->exprs[k] = t[k]; /* owned by the statement from here */
            else free(t[k]);
        }
        if (rc) return SQL_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *eb;
        node(json_array_get(params, i), &eb);
        const char *col = fstr(eb, "name");
        if (!col) {
            json_t *oc = field(eb, "opclass");
            const char *ocn = json_array_size(oc) ? string_node(json_array_get(oc, json_array_size(oc) - 1)) : NULL;
            strip_elem_options(x->exprs[i], ocn);
            col = "";
        } else if (x->exprs[i]) {
            free(x->exprs[i]); /* a plain column's text: not needed */
            x->exprs[i] = NULL;
        }
        if (field(eb, "collation")) return sqlerr_unsupported(c->err, -1, "COLLATE in an index");
        json_t *oc = field(eb, "opclass");
        if (json_array_size(oc)) {
            const char *ocn = string_node(json_array_get(oc, json_array_size(oc) - 1));
            /* the pattern operator classes order bytewise: HeliosDB's text order already */
            if (x->gin && ocn && !strcmp(ocn, "array_ops")) {
                /* the default one */
            } else if (!ocn || (strcmp(ocn, "text_pattern_ops") && strcmp(ocn, "varchar_pattern_ops") &&
                         strcmp(ocn, "bpchar_pattern_ops") && strcmp(ocn, "text_ops") &&
                         strcmp(ocn, "varchar_ops") && strcmp(ocn, "int4_ops") &&
                         strcmp(ocn, "int8_ops"))) {
                char what[96];
                snprintf(what, sizeof what, "operator class \"%.40s\"", ocn ? ocn : "?");
                return sqlerr_unsupported(c->err, -1, what);
            }
        }
        const char *ord = fstr(eb, "ordering"), *nul = fstr(eb, "nulls_ordering");
        bool desc = ord && !strcmp(ord, "SORTBY_DESC");
        if (x->gin && ((ord && strcmp(ord, "SORTBY_DEFAULT")) || (nul && strcmp(nul, "SORTBY_NULLS_DEFAULT"))))
            return sqlerr_set(c->err, "0A000", -1, "access method \"gin\" does not support %s options",
                              ord && strcmp(ord, "SORTBY_DEFAULT") ? "ASC/DESC" : "NULLS FIRST/LAST");
        if (ord && !strcmp(ord, "SORTBY_USING")) return sqlerr_unsupported(c->err, -1, "ORDER BY USING in an index");
        bool nf = nul && !strcmp(nul, "SORTBY_NULLS_FIRST") ? true
                  : nul && !strcmp(nul, "SORTBY_NULLS_LAST") ? false
                                                             : desc;
        x->opt[i] = (uint8_t)((desc ? 1 : 0) | (nf ? 2 : 0));
        if (!(x->cols[i] = dup_or_oom(c, col))) return SQL_ERR;
        x->ncols = (int)i + 1;
    }
    return string_list(c, field(b, "indexIncludingParams"), &x->include, &x->ninclude);
}

/* CREATE TABLE ... WITH (storage parameters): HeliosDB has no heap pages, vacuum or TOAST, so
 * PostgreSQL's table parameters are checked as PostgreSQL checks them and have no effect
 * (pgbench creates its tables WITH (fillfactor=100)); an unknown one is 22023. */
static int check_reloptions(pctx *c, json_t *opts)
{
    static const struct {
        const char *name;
        long long lo, hi; /* integers; lo > hi: a boolean */
    } known[] = {
        {"fillfactor", 10, 100}, {"toast_tuple_target", 128, 8160}, {"parallel_workers", 0, 1024},
        {"autovacuum_enabled", 1, 0}, {"vacuum_index_cleanup", 1, 0}, {"vacuum_truncate", 1, 0},
        {"user_catalog_table", 1, 0}, {"oids", 1, 0},
    };
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        node(json_array_get(opts, i), &db);
        const char *name = fstr(db, "defname"), *ns = fstr(db, "defnamespace");
        if (!name) return sqlerr_set(c->err, "42601", -1, "syntax error in storage parameters");
        if (ns || !strncmp(name, "autovacuum_", 11) || !strncmp(name, "toast_", 6)) {
            if (ns && strcmp(ns, "toast")) return sqlerr_set(c->err, "22023", -1, "unrecognized parameter namespace \"%s\"", ns);
            continue; /* vacuum tuning: accepted, no effect */
        }
        size_t k = 0;
        while (k < sizeof known / sizeof known[0] && strcmp(known[k].name, name)) k++;
        if (k == sizeof known / sizeof known[0])
            return sqlerr_set(c->err, "22023", -1, "unrecognized parameter \"%s\"", name);
        if (!strcmp(name, "oids")) {
            json_t *ab;
            const char *at = node(field(db, "arg"), &ab);
            const char *sv = at && !strcmp(at, "String") ? fstr(ab, "sval") : NULL;
            bool on = !field(db, "arg") || (sv && (!strcasecmp(sv, "true") || !strcasecmp(sv, "on")));
            if (at && !strcmp(at, "Integer")) on = json_integer_value(field(ab, "ival")) != 0;
            if (on) return sqlerr_unsupported(c->err, -1, "tables declared WITH OIDS");
            continue;
        }
        if (known[k].lo > known[k].hi) continue; /* a boolean */
        json_t *ab;
        const char *at = node(field(db, "arg"), &ab);
        long long v = at && !strcmp(at, "Integer") ? json_integer_value(field(ab, "ival")) : known[k].lo - 1;
        if (v < known[k].lo || v > known[k].hi) {
            sqlerr_set(c->err, "22023", -1, "value %lld out of bounds for option \"%s\"", v, name);
            sqlerr_detail(c->err, "Valid values are between \"%lld\" and \"%lld\".", known[k].lo, known[k].hi);
            return SQL_ERR;
        }
    }
    return SQL_OK;
}

/* A list of relations (RangeVar nodes, or VacuumRelation nodes holding one when vacuum) into
 * s->names, each with its schema if written (sqlast.h). */
static int relation_names(pctx *c, json_t *rels, bool vacuum, sqlast_stmt *s)
{
    size_t nr = json_array_size(rels);
    if (!(s->names = calloc(nr ? nr : 1, sizeof(char *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < nr; i++) {
        json_t *rb;
        node(json_array_get(rels, i), &rb);
        if (vacuum) { /* VacuumRelation.relation: a RangeVar field, no node wrapper */
            rb = field(rb, "relation");
            if (rb && field(rb, "RangeVar")) node(rb, &rb);
        }
        if (qual_name(c, fstr(rb, "schemaname"), fstr(rb, "relname"), &s->names[i])) return SQL_ERR;
        s->nnames = (int)i + 1;
    }
    return SQL_OK;
}

static int conv_create(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_CREATE_TABLE;
    s->missing_ok = fbool(b, "if_not_exists");
    if (field(b, "inhRelations")) return sqlerr_unsupported(c->err, -1, "INHERITS");
    if (field(b, "partspec") || field(b, "partbound"))
        return sqlerr_unsupported(c->err, -1, "partitioned tables");
    if (field(b, "ofTypename")) return sqlerr_unsupported(c->err, -1, "typed tables");
    if (check_reloptions(c, field(b, "options"))) return SQL_ERR;
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    json_t *elts = field(b, "tableElts");
    size_t n = json_array_size(elts);
    if (n && !(s->cols = calloc(n, sizeof(*s->cols)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *eb;
        const char *et = node(json_array_get(elts, i), &eb);
        if (!strcmp(et, "ColumnDef")) {
            s->ncols++;
            /* a column's REFERENCES is a foreign key of the table */
            json_t *cons = field(eb, "constraints");
            for (size_t k = 0; k < json_array_size(cons); k++) {
                json_t *kb;
                node(json_array_get(cons, k), &kb);
                const char *kt = fstr(kb, "contype");
                if (kt && !strcmp(kt, "CONSTR_FOREIGN") && add_fk(c, s, kb, fstr(eb, "colname")))
                    return SQL_ERR;
                if (kt && !strcmp(kt, "CONSTR_CHECK") && add_check(c, s, kb, fstr(eb, "colname")))
                    return SQL_ERR;
                if (kt && !strcmp(kt, "CONSTR_UNIQUE") && add_unique(c, s, kb, fstr(eb, "colname")))
                    return SQL_ERR;
            }
            if (conv_coldef(c, eb, &s->cols[s->ncols - 1], s->table)) return SQL_ERR;
        } else if (!strcmp(et, "Constraint") && fstr(eb, "contype") &&
                   !strcmp(fstr(eb, "contype"), "CONSTR_FOREIGN")) {
            if (add_fk(c, s, eb, NULL)) return SQL_ERR;
        } else if (!strcmp(et, "Constraint") && fstr(eb, "contype") &&
                   !strcmp(fstr(eb, "contype"), "CONSTR_CHECK")) {
            if (add_check(c, s, eb, NULL)) return SQL_ERR;
        } else if (!strcmp(et, "Constraint") && fstr(eb, "contype") &&
                   !strcmp(fstr(eb, "contype"), "CONSTR_UNIQUE")) {
            if (add_unique(c, s, eb, NULL)) return SQL_ERR;
        } else if (!strcmp(et, "Constraint")) {
            const char *ct = fstr(eb, "contype");
            if (!ct || strcmp(ct, "CONSTR_PRIMARY") != 0)
                return sqlerr_unsupported(c->err, floc(eb), "table constraints other than PRIMARY KEY");
            if (s->pk) return sqlerr_set(c->err, "42P16", floc(eb),
                                         "multiple primary keys for table \"%s\" are not allowed",
                                         s->table);
            s->pk_location = floc(eb);
            if (string_list(c, field(eb, "keys"), &s->pk, &s->npk)) return SQL_ERR;
        } else if (!strcmp(et, "TableLikeClause")) {
            return sqlerr_unsupported(c->err, -1, "LIKE in CREATE TABLE");
        } else {
            return sqlerr_unsupported(c->err, -1, et);
        }
    }
    return SQL_OK;
}

/* A type's name from a list of String nodes: schema public or none */
static int enum_type_name(pctx *c, json_t *names, char **out)
{
    size_t n = json_array_size(names);
    const char *last = n ? string_node(json_array_get(names, n - 1)) : NULL;
    if (!last || n > 2) return sqlerr_set(c->err, "42601", -1, "improper qualified name (too many dotted names)");
    return qual_name(c, n == 2 ? string_node(json_array_get(names, 0)) : NULL, last, out);
}

/* A label of CREATE TYPE ... AS ENUM / ADD VALUE: at most 63 bytes, as PostgreSQL */
static int enum_label_ok(pctx *c, const char *l)
{
    if (strlen(l) <= 63) return SQL_OK;
    sqlerr_set(c->err, "22P05", -1, "invalid enum label \"%s\"", l);
    sqlerr_detail(c->err, "Labels must be 63 bytes or less.");
    return SQL_ERR;
}

static int conv_create_enum(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_CREATE_TYPE;
    if (enum_type_name(c, field(b, "typeName"), &s->name)) return SQL_ERR;
    json_t *vals = field(b, "vals");
    size_t n = json_array_size(vals);
    if (n > 4096) return sqlerr_unsupported(c->err, -1, "an enum type with more than 4096 labels");
    if (!(s->names = calloc(n ? n : 1, sizeof(char *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        const char *l = string_node(json_array_get(vals, i));
        if (!l) return sqlerr_set(c->err, "42601", -1, "syntax error in enum label");
        if (enum_label_ok(c, l)) return SQL_ERR;
        if (!(s->names[i] = dup_or_oom(c, l))) return SQL_ERR;
        s->nnames = (int)i + 1;
    }
    return SQL_OK;
}

static int conv_alter_enum(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_ALTER_TYPE;
    if (enum_type_name(c, field(b, "typeName"), &s->name)) return SQL_ERR;
    if (fstr(b, "oldVal")) return sqlerr_unsupported(c->err, -1, "ALTER TYPE ... RENAME VALUE");
    const char *nv = fstr(b, "newVal"), *nb = fstr(b, "newValNeighbor");
    if (!nv) return sqlerr_set(c->err, "42601", -1, "syntax error in ALTER TYPE");
    if (enum_label_ok(c, nv)) return SQL_ERR;
    s->missing_ok = fbool(b, "skipIfNewValExists");
    s->set_not_null = fbool(b, "newValIsAfter");
    if (!(s->value = dup_or_oom(c, nv))) return SQL_ERR;
    if (nb && !(s->column = dup_or_oom(c, nb))) return SQL_ERR;
    return SQL_OK;
}

/* DO [LANGUAGE plpgsql] 'body': the body is checked here (sqldo.h), run by sqlrun_do */
static int conv_do(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_DO;
    const char *body = NULL;
    json_t *args = field(b, "args");
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *ob, *ab;
        node(json_array_get(args, i), &ob);
        const char *dn = fstr(ob, "defname");
        const char *v = field(ob, "arg") && !strcmp(node(field(ob, "arg"), &ab), "String") ? fstr(ab, "sval") : NULL;
        if (dn && !strcmp(dn, "as")) body = v;
        else if (dn && !strcmp(dn, "language") && v && strcasecmp(v, "plpgsql")) {
            char what[96];
            snprintf(what, sizeof what, "DO blocks in language %.40s", v);
            return sqlerr_unsupported(c->err, -1, what);
        }
    }
    if (!body) return sqlerr_set(c->err, "42601", -1, "no inline code specified");
    sqldo_block blk;
    if (sqldo_parse(body, strlen(body), &blk, c->err)) return SQL_ERR;
    return (s->value = dup_or_oom(c, body)) ? SQL_OK : SQL_ERR;
}

/* CREATE EXTENSION name [WITH] [SCHEMA s] [VERSION v] [CASCADE]: the schema must be where
 * the extension lives (public or pg_catalog); the version is checked when it runs */
static int conv_create_extension(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_CREATE_EXTENSION;
    s->missing_ok = fbool(b, "if_not_exists");
    if (!(s->name = dup_or_oom(c, fstr(b, "extname") ? fstr(b, "extname") : ""))) return SQL_ERR;
    json_t *opts = field(b, "options");
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *ob;
        node(json_array_get(opts, i), &ob);
        const char *dn = fstr(ob, "defname");
        json_t *ab;
        const char *at = field(ob, "arg") ? node(field(ob, "arg"), &ab) : "";
        const char *v = !strcmp(at, "String") ? fstr(ab, "sval") : NULL;
        if (dn && !strcmp(dn, "schema")) {
            if (!v || (strcmp(v, "public") && strcmp(v, "pg_catalog")))
                return sqlerr_set(c->err, "3F000", -1, "schema \"%s\" does not exist", v ? v : "");
        } else if (dn && !strcmp(dn, "new_version")) {
            free(s->value);
            if (!(s->value = dup_or_oom(c, v ? v : ""))) return SQL_ERR;
        } else if (!dn || strcmp(dn, "cascade")) {
            return sqlerr_unsupported(c->err, -1, "this CREATE EXTENSION option");
        }
    }
    return SQL_OK;
}

static int conv_drop(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_DROP_TABLE;
    const char *rt = fstr(b, "removeType");
    if (rt && !strcmp(rt, "OBJECT_TYPE")) { /* names are TypeName nodes */
        s->kind = SQLAST_DROP_TYPE;
        s->missing_ok = fbool(b, "missing_ok");
        s->cascade = drop_cascade(b);
        json_t *objs = field(b, "objects");
        size_t n = json_array_size(objs);
        if (!(s->names = calloc(n ? n : 1, sizeof(char *)))) return sqlerr_oom(c->err);
        for (size_t i = 0; i < n; i++) {
            json_t *tb;
            node(json_array_get(objs, i), &tb);
            if (enum_type_name(c, field(tb, "names"), &s->names[i])) return SQL_ERR;
            s->nnames = (int)i + 1;
        }
        return SQL_OK;
    }
    if (rt && (!strcmp(rt, "OBJECT_SCHEMA") || !strcmp(rt, "OBJECT_EXTENSION"))) { /* plain strings */
        s->kind = !strcmp(rt, "OBJECT_SCHEMA") ? SQLAST_DROP_SCHEMA : SQLAST_DROP_EXTENSION;
        s->missing_ok = fbool(b, "missing_ok");
        s->cascade = drop_cascade(b);
        json_t *objs = field(b, "objects");
        size_t n = json_array_size(objs);
        if (!(s->names = calloc(n ? n : 1, sizeof(char *)))) return sqlerr_oom(c->err);
        for (size_t i = 0; i < n; i++) {
            if (!(s->names[i] = dup_or_oom(c, string_node(json_array_get(objs, i))))) return SQL_ERR;
            s->nnames = (int)i + 1;
        }
        return SQL_OK;
    }
    s->is_view = rt && !strcmp(rt, "OBJECT_VIEW");
    s->is_sequence = rt && !strcmp(rt, "OBJECT_SEQUENCE");
    if (rt && !strcmp(rt, "OBJECT_INDEX")) s->kind = SQLAST_DROP_INDEX;
    if (!rt || (strcmp(rt, "OBJECT_TABLE") != 0 && !s->is_view && !s->is_sequence &&
                s->kind != SQLAST_DROP_INDEX)) {
        char what[64];
        snprintf(what, sizeof(what), "DROP %s", rt && !strncmp(rt, "OBJECT_", 7) ? rt + 7 : "object");
        return sqlerr_unsupported(c->err, -1, what);
    }
    s->missing_ok = fbool(b, "missing_ok");
    s->cascade = drop_cascade(b);
    json_t *objs = field(b, "objects");
    size_t n = json_array_size(objs);
    if (!(s->names = calloc(n ? n : 1, sizeof(char *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *lb;
        node(json_array_get(objs, i), &lb);
        json_t *items = field(lb, "items");
        if (qual_items(c, items, 0, &s->names[i])) return SQL_ERR;
        s->nnames = (int)i + 1;
    }
    if (n && !(s->table = dup_or_oom(c, s->names[0]))) return SQL_ERR;
    return SQL_OK;
}

static int conv_alter(pctx *c, json_t *b, sqlast_stmt *s)
{
    const char *ot = fstr(b, "objtype");
    json_t *cmds = field(b, "cmds");
    json_t *cb;
    node(json_array_get(cmds, 0), &cb);
    const char *st = fstr(cb, "subtype");
    bool owner = json_array_size(cmds) == 1 && st && !strcmp(st, "AT_ChangeOwner");
    if (ot && strcmp(ot, "OBJECT_TABLE") != 0 &&
        !(owner && (!strcmp(ot, "OBJECT_SEQUENCE") || !strcmp(ot, "OBJECT_VIEW"))))
        return sqlerr_unsupported(c->err, -1, "ALTER of this object");
    s->missing_ok = fbool(b, "missing_ok");
    if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    if (json_array_size(cmds) != 1)
        return sqlerr_unsupported(c->err, -1, "several ALTER TABLE actions in one statement");
    if (st && (!strcmp(st, "AT_SetNotNull") || !strcmp(st, "AT_DropNotNull"))) {
        s->kind = SQLAST_ALTER_NOT_NULL;
        s->set_not_null = !strcmp(st, "AT_SetNotNull");
        return (s->column = dup_or_oom(c, fstr(cb, "name"))) ? SQL_OK : SQL_ERR;
    }
    if (st && (!strcmp(st, "AT_ColumnDefault") || !strcmp(st, "AT_AddIdentity"))) {
        /* ALTER COLUMN c SET DEFAULT / DROP DEFAULT / ADD GENERATED ... AS IDENTITY */
        bool ident = !strcmp(st, "AT_AddIdentity");
        s->kind = ident ? SQLAST_ALTER_ADD_IDENTITY : SQLAST_ALTER_DEFAULT;
        if (!(s->cols = calloc(1, sizeof(*s->cols)))) return sqlerr_oom(c->err);
        s->ncols = 1;
        if (!(s->cols[0].name = dup_or_oom(c, fstr(cb, "name")))) return SQL_ERR;
        json_t *db;
        const char *dt = node(field(cb, "def"), &db);
        if (!ident) return db ? conv_expr(c, field(cb, "def"), &s->cols[0].def) : SQL_OK;
        if (strcmp(dt, "Constraint") != 0) return sqlerr_unsupported(c->err, -1, "this identity");
        const char *w = fstr(db, "generated_when");
        s->cols[0].identity = w && *w == 'a' ? 'a' : 'd';
        s->cols[0].location = floc(db);
        return conv_seqopts(c, field(db, "options"), &s->cols[0].seqopts);
    }
    if (owner) { /* OWNER TO: what pg_dump writes after every CREATE */
        s->kind = SQLAST_ALTER_OWNER;
        s->is_sequence = ot && !strcmp(ot, "OBJECT_SEQUENCE");
        s->is_view = ot && !strcmp(ot, "OBJECT_VIEW");
        json_t *rb = field(cb, "newowner");
        const char *rt = fstr(rb, "roletype");
        if (rt && !strcmp(rt, "ROLESPEC_CSTRING"))
            return (s->column = dup_or_oom(c, fstr(rb, "rolename"))) ? SQL_OK : SQL_ERR;
        if (rt && !strcmp(rt, "ROLESPEC_PUBLIC"))
            return sqlerr_set(c->err, "42704", -1, "role \"public\" does not exist");
        return SQL_OK; /* CURRENT_USER, SESSION_USER, CURRENT_ROLE */
    }
    if (st && !strcmp(st, "AT_AddColumn")) {
        s->kind = SQLAST_ALTER_ADD_COLUMN;
        json_t *db;
        node(field(cb, "def"), &db);
        if (!(s->cols = calloc(1, sizeof(*s->cols)))) return sqlerr_oom(c->err);
        s->ncols = 1;
        /* for ADD COLUMN IF NOT EXISTS the flag is on the command */
        if (fbool(cb, "missing_ok")) s->missing_ok = true;
        json_t *cons = field(db, "constraints");
        for (size_t k = 0; k < json_array_size(cons); k++) {
            json_t *kb;
            node(json_array_get(cons, k), &kb);
            const char *kt = fstr(kb, "contype");
            if (kt && !strcmp(kt, "CONSTR_FOREIGN"))
                return sqlerr_unsupported(c->err, floc(kb), "REFERENCES in ALTER TABLE ADD COLUMN");
            if (kt && !strcmp(kt, "CONSTR_CHECK"))
                return sqlerr_unsupported(c->err, floc(kb), "CHECK in ALTER TABLE ADD COLUMN");
            if (kt && !strcmp(kt, "CONSTR_UNIQUE") && add_unique(c, s, kb, fstr(db, "colname")))
                return SQL_ERR;
        }
        return conv_coldef(c, db, &s->cols[0], s->table);
    }
    if (st && !strcmp(st, "AT_AddConstraint")) {
        json_t *db;
        node(field(cb, "def"), &db);
        const char *ct = fstr(db, "contype");
        if (ct && !strcmp(ct, "CONSTR_FOREIGN")) {
            s->kind = SQLAST_ALTER_ADD_FK;
            return add_fk(c, s, db, NULL);
        }
        if (ct && !strcmp(ct, "CONSTR_CHECK")) {
            s->kind = SQLAST_ALTER_ADD_CHECK;
            return add_check(c, s, db, NULL);
        }
        if (ct && !strcmp(ct, "CONSTR_UNIQUE")) {
            s->kind = SQLAST_ALTER_ADD_UNIQUE;
            return add_unique(c, s, db, NULL);
        }
        if (!ct || strcmp(ct, "CONSTR_PRIMARY") != 0) {
            const char *what = ct && !strcmp(ct, "CONSTR_UNIQUE")    ? "UNIQUE constraints"
                               : ct && !strcmp(ct, "CONSTR_FOREIGN") ? "FOREIGN KEY constraints"
                               : ct && !strcmp(ct, "CONSTR_CHECK")   ? "CHECK constraints"
                                                                     : "this constraint";
            return sqlerr_unsupported(c->err, floc(db), what);
        }
        if (fstr(db, "indexname")) return sqlerr_unsupported(c->err, floc(db), "PRIMARY KEY USING INDEX");
        s->kind = SQLAST_ALTER_ADD_PK;
        s->pk_location = floc(db);
        return string_list(c, field(db, "keys"), &s->pk, &s->npk);
    }
    if (st && !strcmp(st, "AT_AlterColumnType")) {
        s->kind = SQLAST_ALTER_COLUMN_TYPE;
        json_t *db;
        node(field(cb, "def"), &db);
        const char *col = fstr(cb, "name");
        if (!db || !col) return sqlerr_unsupported(c->err, -1, "this ALTER COLUMN TYPE");
        json_t *u = field(db, "raw_default");
        if (u) {
            /* USING col or USING col::type: the values as they are */
            json_t *ub, *ab;
            const char *ut = node(u, &ub);
            if (ut && !strcmp(ut, "TypeCast")) ut = node(field(ub, "arg"), &ab), ub = ab;
            json_t *fl = ut && !strcmp(ut, "ColumnRef") ? field(ub, "fields") : NULL;
            const char *ucol = json_array_size(fl) == 1 ? string_node(json_array_get(fl, 0)) : NULL;
            if (!ucol || strcmp(ucol, col))
                return sqlerr_unsupported(c->err, -1, "ALTER COLUMN TYPE ... USING an expression");
            json_object_del(db, "raw_default");
        }
        if (field(db, "collClause")) return sqlerr_unsupported(c->err, -1, "COLLATE");
        json_object_set_new(db, "colname", json_string(col));
        if (!(s->cols = calloc(1, sizeof(*s->cols)))) return sqlerr_oom(c->err);
        s->ncols = 1;
        return conv_coldef(c, db, &s->cols[0], s->table);
    }
    if (st && !strcmp(st, "AT_DropConstraint")) {
        s->kind = SQLAST_ALTER_DROP_CONSTRAINT;
        s->column = NULL;
        if (fbool(cb, "missing_ok")) s->set_not_null = true; /* DROP CONSTRAINT IF EXISTS */
        return (s->name = dup_or_oom(c, fstr(cb, "name"))) ? SQL_OK : SQL_ERR;
    }
    if (st && !strcmp(st, "AT_DropColumn")) {
        s->kind = SQLAST_ALTER_DROP_COLUMN;
        if (fbool(cb, "missing_ok")) s->missing_ok = true;
        return (s->column = dup_or_oom(c, fstr(cb, "name"))) ? SQL_OK : SQL_ERR;
    }
    char what[80];
    snprintf(what, sizeof(what), "ALTER TABLE %s", st && !strncmp(st, "AT_", 3) ? st + 3 : "action");
    return sqlerr_unsupported(c->err, -1, what);
}

/* Transaction characteristics HeliosDB gives: READ COMMITTED within a region (an UPDATE waits
 * for a row's earlier writer and re-reads it: no lost updates; DESIGN §3a), REPEATABLE READ
 * (one snapshot; a row changed since it is not written: 40001, sqlexec.c sx_lock_row) and
 * SERIALIZABLE (what it read is validated at commit, sqlexec.c "serializable"), read-write.
 * READ UNCOMMITTED is READ COMMITTED, as in PostgreSQL. A mode it does not give is refused,
 * never accepted and ignored. value is the SET text ("serializable", "on", ...). */
static int check_txn_characteristic(pctx *c, const char *name, const char *value)
{
    if (!name || !value) return SQL_OK;
    bool ro = !strcasecmp(name, "transaction_read_only") ||
              !strcasecmp(name, "default_transaction_read_only");
    if (ro && (!strcasecmp(value, "on") || !strcasecmp(value, "true") || !strcmp(value, "1") ||
               !strcasecmp(value, "yes"))) {
        sqlerr_unsupported(c->err, -1, "read-only transactions");
        sqlerr_hint(c->err, "HeliosDB does not enforce read-only transactions yet; open the "
                            "transaction read-write.");
        c->err->final = 1;
        return SQL_ERR;
    }
    return SQL_OK;
}

/* The DefElem list of BEGIN / START TRANSACTION / SET TRANSACTION / SET SESSION
 * CHARACTERISTICS AS TRANSACTION. A transaction (s not NULL: BEGIN, SET TRANSACTION) may be
 * REPEATABLE READ or SERIALIZABLE (one snapshot for all its statements; txn_snapshot,
 * txn_serializable), and READ ONLY. */
static int check_txn_options(pctx *c, json_t *opts, sqlast_stmt *s)
{
    bool ro = false, snap = false;
    for (size_t i = 0; s && i < json_array_size(opts); i++) {
        json_t *db, *ab = NULL, *v;
        node(json_array_get(opts, i), &db);
        const char *name = fstr(db, "defname");
        json_t *arg = field(db, "arg");
        if (!name || !arg) continue;
        node(arg, &ab);
        if (!strcmp(name, "transaction_read_only") && (v = field(ab, "ival")))
            ro = json_integer_value(field(v, "ival")) != 0;
        if (!strcmp(name, "transaction_isolation") && (v = field(ab, "sval")) && fstr(v, "sval")) {
            snap = !strcasecmp(fstr(v, "sval"), "serializable") ||
                   !strcasecmp(fstr(v, "sval"), "repeatable read");
            s->txn_serializable = !strcasecmp(fstr(v, "sval"), "serializable");
            s->txn_iso_given = true;
        }
    }
    if (s && ro) {
        s->txn_read_only = true;
        s->txn_snapshot = snap;
        return SQL_OK;
    }
    if (s) s->txn_snapshot = snap; /* REPEATABLE READ or SERIALIZABLE */
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        node(json_array_get(opts, i), &db);
        const char *name = fstr(db, "defname");
        json_t *arg = field(db, "arg"), *ab = NULL, *v;
        if (!name || !arg) continue;
        node(arg, &ab);
        char num[8];
        const char *val = NULL;
        if ((v = field(ab, "sval"))) val = fstr(v, "sval");
        else if ((v = field(ab, "ival"))) {
            snprintf(num, sizeof num, "%d", json_integer_value(field(v, "ival")) ? 1 : 0);
            val = num;
        }
        if (check_txn_characteristic(c, name, val)) return SQL_ERR;
    }
    return SQL_OK;
}

static int conv_transaction(pctx *c, json_t *b, sqlast_stmt *s)
{
    const char *k = fstr(b, "kind");
    if (!k) k = "";
    if (!strcmp(k, "TRANS_STMT_BEGIN") || !strcmp(k, "TRANS_STMT_START")) s->kind = SQLAST_BEGIN;
    else if (!strcmp(k, "TRANS_STMT_COMMIT")) s->kind = SQLAST_COMMIT;
    else if (!strcmp(k, "TRANS_STMT_ROLLBACK")) s->kind = SQLAST_ROLLBACK;
    else if (!strcmp(k, "TRANS_STMT_SAVEPOINT") || !strcmp(k, "TRANS_STMT_RELEASE") ||
             !strcmp(k, "TRANS_STMT_ROLLBACK_TO")) {
        s->kind = !strcmp(k, "TRANS_STMT_SAVEPOINT") ? SQLAST_SAVEPOINT
                  : !strcmp(k, "TRANS_STMT_RELEASE") ? SQLAST_RELEASE
                                                      : SQLAST_ROLLBACK_TO;
        const char *name = fstr(b, "savepoint_name");
        return (s->name = dup_or_oom(c, name ? name : "")) ? SQL_OK : SQL_ERR;
    } else return sqlerr_unsupported(c->err, -1, "two-phase commit");
    if (fbool(b, "chain")) return sqlerr_unsupported(c->err, -1, "AND CHAIN");
    if (s->kind == SQLAST_BEGIN) return check_txn_options(c, field(b, "options"), s);
    return SQL_OK;
}

/* SET arguments as PostgreSQL's SHOW would print them: constants joined with ", "; the items
 * of a list of identifiers (search_path) quoted as quote_ident does. */
static int set_value_text(pctx *c, json_t *args, const char *name, char **out)
{
    bool quote = name && sqlguc_list_quotes(name);
    char buf[1024];
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < json_array_size(args); i++) {
        json_t *ab, *item = json_array_get(args, i);
        const char *t = node(item, &ab);
        char piece[512];
        if (!strcmp(t, "A_Const")) {
            json_t *v;
            if ((v = field(ab, "sval"))) snprintf(piece, sizeof(piece), "%s", fstr(v, "sval") ? fstr(v, "sval") : "");
            else if ((v = field(ab, "fval"))) snprintf(piece, sizeof(piece), "%s", fstr(v, "fval") ? fstr(v, "fval") : "");
            else if ((v = field(ab, "boolval"))) snprintf(piece, sizeof(piece), "%s", fbool(v, "boolval") ? "on" : "off");
            else if ((v = field(ab, "ival"))) {
                json_t *iv = field(v, "ival");
                snprintf(piece, sizeof(piece), "%lld",
                         json_is_integer(iv) ? (long long)json_integer_value(iv) : int_from_text(c, floc(ab)));
            } else snprintf(piece, sizeof(piece), "%s", "");
        } else if (!strcmp(t, "String")) {
            snprintf(piece, sizeof(piece), "%s", string_node(item));
        } else if (!strcmp(t, "TypeCast")) {
            /* SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE (the grammar allows no other cast):
             * as PostgreSQL's flatten_set_variable_args, the interval is read under its
             * modifiers and printed back as INTERVAL '<interval_out>', which TimeZone takes. */
            json_t *tn = field(ab, "typeName"), *cb;
            char *tname;
            bool array;
            if (type_name(c, tn, &tname, &array)) return SQL_ERR;
            bool is_interval = !array && !strcmp(tname, "interval");
            int typmod = 0;
            int rc = is_interval ? type_mods(c, tn, tname, &typmod) : SQL_OK;
            free(tname);
            if (rc) return SQL_ERR;
            const char *lit = NULL;
            if (is_interval && !strcmp(node(field(ab, "arg"), &cb), "A_Const") && field(cb, "sval"))
                lit = fstr(field(cb, "sval"), "sval");
            if (!lit) return sqlerr_unsupported(c->err, floc(ab), "this SET value");
            sqlval iv;
            if (sqldate_interval_in_typmod(lit, strlen(lit), typmod ? typmod - 1 : -1, &iv, c->err))
                return SQL_ERR;
            char ibuf[256];
            sqldate_out(&iv, ibuf, sizeof ibuf);
            sqlval_free(&iv);
            snprintf(piece, sizeof(piece), "INTERVAL '%s'", ibuf);
        } else {
            return sqlerr_unsupported(c->err, floc(ab), "this SET value");
        }
        if (quote && !strcmp(t, "A_Const") && field(ab, "sval")) {
            const char *v = fstr(field(ab, "sval"), "sval");
            if (!v) v = "";
            bool safe = (*v >= 'a' && *v <= 'z') || *v == '_';
            for (const char *q = v; safe && *q; q++)
                safe = (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_';
            if (!safe) {
                size_t o2 = 0;
                piece[o2++] = '"';
                for (const char *q = v; *q && o2 + 3 < sizeof piece; q++) {
                    if (*q == '"') piece[o2++] = '"';
                    piece[o2++] = *q;
                }
                piece[o2++] = '"';
                piece[o2] = 0;
            }
        }
        int w = snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? ", " : "", piece);
        if (w < 0 || (size_t)w >= sizeof(buf) - o)
            return sqlerr_set(c->err, "22023", -1, "SET value is too long");
        o += (size_t)w;
    }
    *out = dup_or_oom(c, buf);
    return *out ? SQL_OK : SQL_ERR;
}

static int conv_set(pctx *c, json_t *b, sqlast_stmt *s)
{
    const char *k = fstr(b, "kind"), *name = fstr(b, "name");
    if (!k) k = "VAR_SET_VALUE";
    s->set_local = fbool(b, "is_local");
    if (!strcmp(k, "VAR_RESET_ALL")) {
        s->kind = SQLAST_RESET;
        return SQL_OK;
    }
    if (!strcmp(k, "VAR_RESET")) {
        s->kind = SQLAST_RESET;
        return (s->name = dup_or_oom(c, name)) ? SQL_OK : SQL_ERR;
    }
    s->kind = SQLAST_SET;
    if (!strcmp(k, "VAR_SET_DEFAULT")) return (s->name = dup_or_oom(c, name)) ? SQL_OK : SQL_ERR;
    if (!strcmp(k, "VAR_SET_MULTI")) {
        /* SET TRANSACTION / SESSION CHARACTERISTICS AS TRANSACTION: first item only matters
         * to us (isolation level; HeliosDB has one) */
        json_t *db;
        bool txn = name && !strcmp(name, "TRANSACTION"); /* not SESSION CHARACTERISTICS */
        if (check_txn_options(c, field(b, "args"), txn ? s : NULL)) return SQL_ERR;
        node(json_array_get(field(b, "args"), 0), &db);
        /* SESSION CHARACTERISTICS set the defaults of later transactions, as in PostgreSQL */
        char dn[64];
        snprintf(dn, sizeof dn, "%s%s", txn ? "" : "default_",
                 fstr(db, "defname") ? fstr(db, "defname") : "transaction_isolation");
        if (!(s->name = dup_or_oom(c, dn))) return SQL_ERR;
        json_t *one = json_array();
        if (!one) return sqlerr_oom(c->err);
        if (field(db, "arg")) json_array_append(one, field(db, "arg"));
        int rc = set_value_text(c, one, NULL, &s->value);
        json_decref(one);
        return rc;
    }
    if (strcmp(k, "VAR_SET_VALUE") != 0) return sqlerr_unsupported(c->err, -1, "SET ... FROM CURRENT");
    if (!(s->name = dup_or_oom(c, name))) return SQL_ERR;
    s->nset_values = (int)json_array_size(field(b, "args"));
    if (set_value_text(c, field(b, "args"), name, &s->value)) return SQL_ERR;
    return check_txn_characteristic(c, s->name, s->value);
}

static bool defelem_bool(json_t *arg)
{
    json_t *ab;
    const char *t = node(arg, &ab);
    if (!arg) return true; /* bare option: HEADER */
    if (!strcmp(t, "Boolean")) return fbool(ab, "boolval");
    if (!strcmp(t, "Integer")) return json_integer_value(field(ab, "ival")) != 0;
    const char *s = string_node(arg);
    return s && (!strcasecmp(s, "true") || !strcasecmp(s, "on") || !strcmp(s, "1"));
}

static int conv_copy(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_COPY;
    json_t *q = field(b, "query"), *qb;
    if (q) { /* COPY (query) TO: the query's rows (the grammar allows no FROM nor a column list) */
        if (strcmp(node(q, &qb), "SelectStmt") != 0)
            return sqlerr_unsupported(c->err, -1, "COPY (INSERT, UPDATE or DELETE ... RETURNING)");
        c->relational = true;
        if (conv_subselect(c, q, &s->select)) return SQL_ERR;
    }
    if (fstr(b, "filename") || fbool(b, "is_program"))
        return sqlerr_unsupported(c->err, -1, "COPY to or from a file or program (use STDIN/STDOUT)");
    if (field(b, "whereClause")) { /* COPY ... FROM ... WHERE: the rows it keeps */
        if (!fbool(b, "is_from")) return sqlerr_set(c->err, "42601", -1, "WHERE clause not allowed with COPY TO");
        if (conv_expr(c, field(b, "whereClause"), &s->where)) return SQL_ERR;
    }
    if (!q && conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
    s->copy_from = fbool(b, "is_from");
    if (string_list(c, field(b, "attlist"), &s->copy_cols, &s->ncopy_cols)) return SQL_ERR;
    const char *delim = NULL, *null_str = NULL, *quote = NULL;
    json_t *opts = field(b, "options");
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        node(json_array_get(opts, i), &db);
        const char *name = fstr(db, "defname");
        json_t *arg = field(db, "arg");
        const char *val = arg ? string_node(arg) : NULL;
        if (!name) continue;
        if (!strcmp(name, "format")) {
            if (val && !strcmp(val, "csv")) s->csv = true;
            else if (val && !strcmp(val, "binary")) s->binary = true;
            else if (!val || strcmp(val, "text") != 0)
                return sqlerr_set(c->err, "22023", floc(db), "COPY format \"%s\" not recognized",
                                  val ? val : "");
        } else if (!strcmp(name, "header")) {
            s->header = defelem_bool(arg);
        } else if (!strcmp(name, "delimiter")) {
            delim = val;
        } else if (!strcmp(name, "null")) {
            null_str = val;
        } else if (!strcmp(name, "quote")) {
            quote = val;
        } else if (!strcmp(name, "encoding")) {
            if (!val || (strcasecmp(val, "utf8") && strcasecmp(val, "utf-8")))
                return sqlerr_unsupported(c->err, floc(db), "COPY encodings other than UTF8");
        } else if (!strcmp(name, "freeze")) {
            /* FREEZE (pgbench -i): rows frozen at once; HeliosDB has no tuple visibility to
             * freeze, the rows are visible at commit as always (PostgreSQL 15 accepts it with
             * COPY TO too) */
        } else {
            char what[80];
            snprintf(what, sizeof(what), "COPY option \"%s\"", name);
            return sqlerr_unsupported(c->err, floc(db), what);
        }
    }
    if (delim && strlen(delim) != 1)
        return sqlerr_set(c->err, "0A000", -1, "COPY delimiter must be a single one-byte character");
    if (quote && strlen(quote) != 1)
        return sqlerr_set(c->err, "0A000", -1, "COPY quote must be a single one-byte character");
    if (s->binary && s->header) /* PostgreSQL 15's codes: 0A000 for HEADER, 42601 else */
        return sqlerr_set(c->err, "0A000", -1, "cannot specify HEADER in BINARY mode");
    if (s->binary && (delim || null_str || quote))
        return sqlerr_set(c->err, "42601", -1, "cannot specify %s in BINARY mode",
                          delim ? "DELIMITER" : null_str ? "NULL" : "QUOTE");
    if (!s->binary && s->header && !s->csv)
        return sqlerr_set(c->err, "0A000", -1, "COPY HEADER available only in CSV mode");
    s->delimiter = delim ? delim[0] : s->csv ? ',' : '\t';
    s->quote = quote ? quote[0] : '"';
    return (s->null_str = dup_or_oom(c, null_str ? null_str : s->csv ? "" : "\\N")) ? SQL_OK : SQL_ERR;
}

/* EXPLAIN [ANALYZE] [(options)] SELECT ...: the plan as text rows. */
static int conv_explain(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_EXPLAIN;
    json_t *opts = field(b, "options");
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *ob;
        node(json_array_get(opts, i), &ob);
        const char *name = fstr(ob, "defname");
        json_t *arg = field(ob, "arg"), *ab;
        const char *av = NULL;
        if (arg) {
            const char *at = node(arg, &ab);
            if (!strcmp(at, "String")) av = fstr(ab, "sval");
            else if (!strcmp(at, "Boolean")) av = fbool(ab, "boolval") ? "true" : "false";
            else if (!strcmp(at, "Integer")) av = json_integer_value(field(ab, "ival")) ? "true" : "false";
        }
        bool on = !av || !strcasecmp(av, "true") || !strcasecmp(av, "on") || !strcmp(av, "1");
        if (!name) continue;
        if (!strcmp(name, "analyze")) s->analyze = on;
        else if (!strcmp(name, "format")) {
            if (av && strcasecmp(av, "text"))
                return sqlerr_unsupported(c->err, floc(ob), "EXPLAIN formats other than TEXT");
        } else if (strcmp(name, "costs") && strcmp(name, "verbose") && strcmp(name, "timing") &&
                   strcmp(name, "summary") && strcmp(name, "buffers") && strcmp(name, "settings") &&
                   strcmp(name, "wal"))
            return sqlerr_set(c->err, "42601", floc(ob), "unrecognized EXPLAIN option \"%s\"", name);
    }
    json_t *q = field(b, "query"), *qb;
    if (strcmp(node(q, &qb), "SelectStmt") != 0)
        return sqlerr_unsupported(c->err, -1, "EXPLAIN of INSERT, UPDATE or DELETE");
    c->relational = true;
    return conv_subselect(c, q, &s->select);
}

/* DECLARE c [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query; FETCH / MOVE [FORWARD] [n | ALL |
 * NEXT] [FROM | IN] c; CLOSE c | ALL. Cursors read forward only. */
static int conv_cursor(pctx *c, json_t *b, sqlast_stmt *s, const char *t)
{
    const char *name = fstr(b, "portalname");
    if (!strcmp(t, "ClosePortalStmt")) {
        s->kind = SQLAST_CLOSE_CURSOR;
        return !name || (s->name = dup_or_oom(c, name)) ? SQL_OK : SQL_ERR;
    }
    if (!name || !*name) return sqlerr_set(c->err, "42601", -1, "syntax error: a cursor needs a name");
    if (!(s->name = dup_or_oom(c, name))) return SQL_ERR;
    if (!strcmp(t, "FetchStmt")) {
        s->kind = SQLAST_FETCH;
        s->fetch_move = fbool(b, "ismove");
        const char *dir = fstr(b, "direction");
        json_t *hm = field(b, "howMany");
        s->fetch_count = json_is_integer(hm) ? (int64_t)json_integer_value(hm) : 0;
        if ((dir && strcmp(dir, "FETCH_FORWARD")) || s->fetch_count <= 0)
            return sqlerr_unsupported(c->err, -1, "scrollable cursors (FETCH other than FORWARD n, NEXT or ALL)");
        return SQL_OK;
    }
    s->kind = SQLAST_DECLARE_CURSOR;
    json_t *ov = field(b, "options");
    int opts = json_is_integer(ov) ? (int)json_integer_value(ov) : 0;
    if (opts & 0x1) return sqlerr_unsupported(c->err, -1, "BINARY cursors");
    if (opts & 0x2) return sqlerr_unsupported(c->err, -1, "SCROLL cursors");
    s->cursor_hold = opts & 0x20;
    json_t *q = field(b, "query"), *qb;
    if (strcmp(node(q, &qb), "SelectStmt") != 0)
        return sqlerr_unsupported(c->err, -1, "cursors over INSERT, UPDATE or DELETE");
    c->relational = true;
    return conv_subselect(c, q, &s->select);
}

/* CREATE [OR REPLACE] VIEW v [(cols)] AS query: the text is kept (the catalog stores it and
 * every query naming the view plans it again). */
static int conv_view(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_CREATE_VIEW;
    json_t *rv = field(b, "view");
    const char *persist = fstr(rv, "relpersistence");
    if (persist && !strcmp(persist, "t")) return sqlerr_unsupported(c->err, floc(rv), "temporary views");
    if (field(b, "options")) return sqlerr_unsupported(c->err, -1, "view options");
    const char *wco = fstr(b, "withCheckOption");
    if (wco && strcmp(wco, "NO_CHECK_OPTION")) return sqlerr_unsupported(c->err, -1, "WITH CHECK OPTION");
    if (qual_name(c, fstr(rv, "schemaname"), fstr(rv, "relname"), &s->table)) return SQL_ERR;
    s->table_loc = floc(rv) >= 0 ? floc(rv) + 1 : 0;
    s->missing_ok = fbool(b, "replace");
    if (string_list(c, field(b, "aliases"), &s->insert_cols, &s->ninsert_cols)) return SQL_ERR;
    c->relational = true;
    if (conv_subselect(c, field(b, "query"), &s->select)) return SQL_ERR;
    /* the statement's own text: from its start to its end */
    size_t off = s->location > 0 ? (size_t)s->location : 0;
    size_t len = s->length > 0 ? (size_t)s->length : c->sqllen - off;
    if (off > c->sqllen) off = c->sqllen;
    if (off + len > c->sqllen) len = c->sqllen - off;
    if (!(s->value = strndup(c->sql + off, len))) return sqlerr_oom(c->err);
    return SQL_OK;
}

/* TRUNCATE [TABLE] t [, ...] [RESTART IDENTITY | CONTINUE IDENTITY] [RESTRICT] */
static int conv_truncate(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_TRUNCATE;
    if (fbool(b, "behavior") || (drop_cascade(b)))
        return sqlerr_unsupported(c->err, -1, "TRUNCATE ... CASCADE");
    json_t *rels = field(b, "relations");
    size_t n = json_array_size(rels);
    if (!(s->names = calloc(n + 1, sizeof *s->names))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *rb;
        node(json_array_get(rels, i), &rb);
        if (qual_name(c, fstr(rb, "schemaname"), fstr(rb, "relname"), &s->names[i])) return SQL_ERR;
        s->nnames = (int)i + 1;
    }
    if (n && !(s->table = dup_or_oom(c, s->names[0]))) return SQL_ERR;
    return SQL_OK;
}

static int conv_stmt(pctx *c, json_t *n, sqlast_stmt *s)
{
    json_t *b;
    const char *t = node(n, &b);
    if (!strcmp(t, "SelectStmt")) return conv_select(c, b, s);
    if (!strcmp(t, "InsertStmt")) return conv_insert(c, b, s);
    if (!strcmp(t, "UpdateStmt")) return conv_update(c, b, s);
    if (!strcmp(t, "DeleteStmt")) return conv_delete(c, b, s);
    if (!strcmp(t, "CreateStmt")) return conv_create(c, b, s);
    if (!strcmp(t, "DropStmt")) return conv_drop(c, b, s);
    if (!strcmp(t, "CreateExtensionStmt")) return conv_create_extension(c, b, s);
    if (!strcmp(t, "CreateEnumStmt")) return conv_create_enum(c, b, s);
    if (!strcmp(t, "DoStmt")) return conv_do(c, b, s);
    if (!strcmp(t, "AlterEnumStmt")) return conv_alter_enum(c, b, s);
    if (!strcmp(t, "RenameStmt")) { /* ALTER TABLE t RENAME [COLUMN c] TO n */
        const char *rt = fstr(b, "renameType");
        if (rt && !strcmp(rt, "OBJECT_ROLE")) {
            sqlast_role *r = calloc(1, sizeof *r);
            if (!r) return sqlerr_oom(c->err);
            s->kind = SQLAST_ROLE;
            s->role = r;
            r->action = SQLAST_ROLE_RENAME;
            if (!(r->roles = calloc(1, sizeof(char *)))) return sqlerr_oom(c->err);
            if (!(r->roles[0] = dup_or_oom(c, fstr(b, "subname")))) return SQL_ERR;
            r->nroles = 1;
            return (r->newname = dup_or_oom(c, fstr(b, "newname"))) ? SQL_OK : SQL_ERR;
        }
        if (rt && !strcmp(rt, "OBJECT_SCHEMA")) { /* ALTER SCHEMA s RENAME TO n */
            s->kind = SQLAST_ALTER_SCHEMA;
            if (!(s->name = dup_or_oom(c, fstr(b, "subname")))) return SQL_ERR;
            return (s->newname = dup_or_oom(c, fstr(b, "newname"))) ? SQL_OK : SQL_ERR;
        }
        if (rt && !strcmp(rt, "OBJECT_INDEX")) { /* ALTER INDEX i RENAME TO n */
            s->kind = SQLAST_RENAME_INDEX;
            s->missing_ok = fbool(b, "missing_ok");
            if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
            return (s->newname = dup_or_oom(c, fstr(b, "newname"))) ? SQL_OK : SQL_ERR;
        }
        bool col = rt && !strcmp(rt, "OBJECT_COLUMN");
        const char *rel = fstr(b, "relationType");
        if (!rt || (strcmp(rt, "OBJECT_TABLE") && !(col && rel && !strcmp(rel, "OBJECT_TABLE")))) {
            char what[64];
            snprintf(what, sizeof what, "RENAME of %s",
                     rt && !strncmp(rt, "OBJECT_", 7) ? rt + 7 : "this object");
            for (char *p = what + 10; *p; p++) *p = (char)tolower((unsigned char)*p);
            return sqlerr_unsupported(c->err, -1, what);
        }
        s->kind = SQLAST_RENAME;
        s->missing_ok = fbool(b, "missing_ok");
        if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
        if (col && !(s->column = dup_or_oom(c, fstr(b, "subname")))) return SQL_ERR;
        return (s->newname = dup_or_oom(c, fstr(b, "newname"))) ? SQL_OK : SQL_ERR;
    }
    if (!strcmp(t, "CreateSchemaStmt")) { /* CREATE SCHEMA [IF NOT EXISTS] [name] [AUTHORIZATION r] */
        s->kind = SQLAST_CREATE_SCHEMA;
        s->missing_ok = fbool(b, "if_not_exists");
        if (json_array_size(field(b, "schemaElts"))) {
            sqlerr_unsupported(c->err, -1, "CREATE SCHEMA with schema elements");
            sqlerr_hint(c->err, "Create the schema, then each object in it as a statement of its own.");
            return SQL_ERR;
        }
        const char *nm = fstr(b, "schemaname");
        if (nm && !(s->name = dup_or_oom(c, nm))) return SQL_ERR;
        if (field(b, "authrole") && !(s->value = rolespec(c, field(b, "authrole")))) return SQL_ERR;
        return SQL_OK;
    }
    if (!strcmp(t, "AlterObjectSchemaStmt")) { /* ALTER TABLE | VIEW | SEQUENCE x SET SCHEMA s */
        const char *ot = fstr(b, "objectType");
        if (!ot || (strcmp(ot, "OBJECT_TABLE") && strcmp(ot, "OBJECT_VIEW") && strcmp(ot, "OBJECT_SEQUENCE"))) {
            char what[64];
            snprintf(what, sizeof what, "ALTER %s SET SCHEMA",
                     ot && !strncmp(ot, "OBJECT_", 7) ? ot + 7 : "this object");
            return sqlerr_unsupported(c->err, -1, what);
        }
        s->kind = SQLAST_RENAME;
        s->set_schema = true;
        s->is_view = !strcmp(ot, "OBJECT_VIEW");
        s->is_sequence = !strcmp(ot, "OBJECT_SEQUENCE");
        s->missing_ok = fbool(b, "missing_ok");
        if (conv_relation(c, field(b, "relation"), s)) return SQL_ERR;
        return (s->name = dup_or_oom(c, fstr(b, "newschema"))) ? SQL_OK : SQL_ERR;
    }
    if (!strcmp(t, "AlterOwnerStmt")) { /* ALTER SCHEMA s | TYPE t OWNER TO r */
        const char *ot = fstr(b, "objectType");
        if (ot && !strcmp(ot, "OBJECT_TYPE")) {
            s->kind = SQLAST_ALTER_TYPE;
            s->owner_to = true;
            json_t *lb;
            node(field(b, "object"), &lb);
            if (enum_type_name(c, field(lb, "items"), &s->name) || !(s->value = rolespec(c, field(b, "newowner"))))
                return SQL_ERR;
            return SQL_OK;
        }
        if (!ot || strcmp(ot, "OBJECT_SCHEMA")) {
            char what[64];
            snprintf(what, sizeof what, "ALTER %s OWNER TO",
                     ot && !strncmp(ot, "OBJECT_", 7) ? ot + 7 : "this object");
            return sqlerr_unsupported(c->err, -1, what);
        }
        s->kind = SQLAST_ALTER_SCHEMA;
        if (!(s->name = dup_or_oom(c, string_node(field(b, "object")))) ||
            !(s->value = rolespec(c, field(b, "newowner"))))
            return SQL_ERR;
        return SQL_OK;
    }
    if (!strcmp(t, "CommentStmt")) { /* COMMENT ON TABLE t / COLUMN t.c IS '...' | NULL */
        const char *ot = fstr(b, "objtype");
        if (ot && !strcmp(ot, "OBJECT_EXTENSION")) { /* COMMENT ON EXTENSION e: name */
            s->kind = SQLAST_COMMENT;
            const char *txt = fstr(b, "comment");
            if (!(s->name = dup_or_oom(c, string_node(field(b, "object")))) ||
                (txt && *txt && !(s->comment = dup_or_oom(c, txt))))
                return SQL_ERR;
            return SQL_OK;
        }
        bool col = ot && !strcmp(ot, "OBJECT_COLUMN");
        if (!ot || (strcmp(ot, "OBJECT_TABLE") && !col)) {
            char what[64];
            snprintf(what, sizeof what, "COMMENT ON %s",
                     ot && !strncmp(ot, "OBJECT_", 7) ? ot + 7 : "this object");
            return sqlerr_unsupported(c->err, -1, what);
        }
        s->kind = SQLAST_COMMENT;
        json_t *lb;
        node(field(b, "object"), &lb);
        json_t *items = field(lb, "items");
        size_t k = json_array_size(items), want = col ? 2 : 1;
        if (k < want || k > want + 1)
            return sqlerr_set(c->err, "42601", -1, "improper %s name (too many dotted names)",
                              col ? "column" : "relation");
        const char *sch = k > want ? string_node(json_array_get(items, 0)) : NULL;
        if (qual_name(c, sch, string_node(json_array_get(items, k - want)), &s->table) ||
            (col && !(s->column = dup_or_oom(c, string_node(json_array_get(items, k - 1))))))
            return SQL_ERR;
        const char *txt = fstr(b, "comment");
        if (txt && *txt && !(s->comment = dup_or_oom(c, txt))) return SQL_ERR;
        return SQL_OK;
    }
    if (!strcmp(t, "VacuumStmt")) { /* VACUUM / ANALYZE [(options)] [table [(columns)], ...] */
        s->kind = SQLAST_VACUUM;
        s->is_view = fbool(b, "is_vacuumcmd");
        return relation_names(c, field(b, "rels"), true, s);
    }
    if (!strcmp(t, "LockStmt")) {
        json_t *mv = field(b, "mode"); /* PostgreSQL's lock mode numbers, as sqllock.h's */
        if (!json_is_integer(mv) || json_integer_value(mv) < 1 || json_integer_value(mv) > 8)
            return sqlerr_set(c->err, "42601", -1, "unrecognized lock mode");
        s->kind = SQLAST_LOCK_TABLE;
        s->lock_mode = (int)json_integer_value(mv);
        s->lock_nowait = fbool(b, "nowait");
        return relation_names(c, field(b, "relations"), false, s);
    }
    if (!strcmp(t, "CreateSeqStmt")) return conv_create_seq(c, b, s, false);
    if (!strcmp(t, "DeclareCursorStmt") || !strcmp(t, "FetchStmt") || !strcmp(t, "ClosePortalStmt"))
        return conv_cursor(c, b, s, t);
    if (!strcmp(t, "AlterSeqStmt")) return conv_create_seq(c, b, s, true);
    if (!strcmp(t, "AlterTableStmt")) return conv_alter(c, b, s);
    if (!strcmp(t, "TransactionStmt")) return conv_transaction(c, b, s);
    if (!strcmp(t, "VariableSetStmt")) return conv_set(c, b, s);
    if (!strcmp(t, "VariableShowStmt")) {
        s->kind = SQLAST_SHOW;
        return (s->name = dup_or_oom(c, fstr(b, "name"))) ? SQL_OK : SQL_ERR;
    }
    if (!strcmp(t, "CopyStmt")) return conv_copy(c, b, s);
    if (!strcmp(t, "IndexStmt")) return conv_index(c, b, s);
    if (!strcmp(t, "ReindexStmt")) { /* REINDEX [(opts)] INDEX | TABLE [CONCURRENTLY] name */
        const char *k = fstr(b, "kind");
        bool table = k && !strcmp(k, "REINDEX_OBJECT_TABLE");
        if (!k || (!table && strcmp(k, "REINDEX_OBJECT_INDEX")))
            return sqlerr_unsupported(c->err, -1, "REINDEX of a schema, database or system");
        s->kind = SQLAST_REINDEX;
        s->is_view = table;
        return conv_relation(c, field(b, "relation"), s);
    }
    if (!strcmp(t, "ExplainStmt")) return conv_explain(c, b, s);
    if (!strcmp(t, "ViewStmt")) return conv_view(c, b, s);
    if (!strcmp(t, "TruncateStmt")) return conv_truncate(c, b, s);
    if (!strcmp(t, "AlterDefaultPrivilegesStmt")) return conv_default_privs(c, b, s);
    if (!strcmp(t, "CreateRoleStmt") || !strcmp(t, "AlterRoleStmt") || !strcmp(t, "DropRoleStmt") ||
        !strcmp(t, "GrantStmt") || !strcmp(t, "GrantRoleStmt") || !strcmp(t, "ReassignOwnedStmt") ||
        !strcmp(t, "DropOwnedStmt"))
        return conv_role(c, t, b, s);
    if (!strcmp(t, "DeallocateStmt")) {
        s->kind = SQLAST_DEALLOCATE;
        const char *name = fstr(b, "name");
        return !name || (s->name = dup_or_oom(c, name)) ? SQL_OK : SQL_ERR;
    }
    if (!strcmp(t, "PrepareStmt")) return conv_prepare(c, b, s);
    if (!strcmp(t, "ExecuteStmt")) {
        s->kind = SQLAST_EXECUTE;
        if (!(s->name = dup_or_oom(c, fstr(b, "name")))) return SQL_ERR;
        json_t *params = field(b, "params");
        if (!json_array_size(params)) return SQL_OK;
        sqlast_stmt *sel = calloc(1, sizeof *sel);
        if (!sel) return sqlerr_oom(c->err);
        s->select = sel;
        sel->kind = SQLAST_SELECT;
        sel->location = -1;
        return conv_targets_of(c, params, sel);
    }
    if (!strcmp(t, "ListenStmt") || !strcmp(t, "UnlistenStmt") || !strcmp(t, "NotifyStmt")) {
        s->kind = t[0] == 'L' ? SQLAST_LISTEN : t[0] == 'U' ? SQLAST_UNLISTEN : SQLAST_NOTIFY;
        const char *ch = fstr(b, "conditionname"), *pl = fstr(b, "payload");
        if (ch && !(s->name = dup_or_oom(c, ch))) return SQL_ERR;
        if (s->kind != SQLAST_UNLISTEN && !s->name) return sqlerr_set(c->err, "42601", -1, "syntax error");
        if (s->kind == SQLAST_NOTIFY && pl && !(s->value = dup_or_oom(c, pl))) return SQL_ERR;
        return SQL_OK;
    }
    if (!strcmp(t, "DiscardStmt")) {
        s->kind = SQLAST_DISCARD;
        const char *tg = fstr(b, "target");
        const char *what = tg && !strcmp(tg, "DISCARD_PLANS")       ? "PLANS"
                           : tg && !strcmp(tg, "DISCARD_SEQUENCES") ? "SEQUENCES"
                           : tg && !strcmp(tg, "DISCARD_TEMP")      ? "TEMP"
                                                                    : "ALL";
        return (s->name = dup_or_oom(c, what)) ? SQL_OK : SQL_ERR;
    }
    static const struct {
        const char *node, *what;
    } names[] = {
        {"CreateTableAsStmt", "CREATE TABLE AS"},
        {"CreateSeqStmt", "sequences"},
        {"CreatedbStmt", "CREATE DATABASE"},

        {"CreateFunctionStmt", "CREATE FUNCTION"}, {"CreateTrigStmt", "triggers"},
        {"LockStmt", "LOCK"},
        {"DeclareCursorStmt", "cursors"},
        {"MergeStmt", "MERGE"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(t, names[i].node)) return sqlerr_unsupported(c->err, -1, names[i].what);
    return sqlerr_unsupported(c->err, -1, t);
}

/* EXECUTE's arguments: the select list of a SELECT that computes them. */
static int conv_targets_of(pctx *c, json_t *list, sqlast_stmt *sel)
{
    size_t n = json_array_size(list);
    if (!(sel->targets = calloc(n, sizeof *sel->targets))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        sqlast_target *tg = &sel->targets[sel->ntargets];
        tg->location = -1;
        if (conv_expr(c, json_array_get(list, i), &tg->expr)) return SQL_ERR;
        sel->ntargets++;
    }
    return SQL_OK;
}

/* Skips blanks and comments. */
static size_t skip_blank(const char *q, size_t i, size_t n)
{
    for (;;) {
        while (i < n && isspace((unsigned char)q[i])) i++;
        if (i + 1 < n && q[i] == '-' && q[i + 1] == '-') {
            while (i < n && q[i] != '\n') i++;
        } else if (i + 1 < n && q[i] == '/' && q[i + 1] == '*') {
            int depth = 0;
            do {
                if (i + 1 < n && q[i] == '/' && q[i + 1] == '*') depth++, i += 2;
                else if (i + 1 < n && q[i] == '*' && q[i + 1] == '/') depth--, i += 2;
                else i++;
            } while (i < n && depth > 0);
        } else {
            return i;
        }
    }
}

/* PREPARE name [(type, ...)] AS query: the query is kept as text (prepared, that is parsed
 * and planned, when the statement runs, as the extended protocol's Parse does). */
static int conv_prepare(pctx *c, json_t *b, sqlast_stmt *s)
{
    s->kind = SQLAST_PREPARE;
    if (!(s->name = dup_or_oom(c, fstr(b, "name")))) return SQL_ERR;
    json_t *types = field(b, "argtypes");
    size_t nt = json_array_size(types);
    if (nt && (!(s->prep_types = calloc(nt, sizeof(char *))) ||
               !(s->prep_type_locs = calloc(nt, sizeof(int)))))
        return sqlerr_oom(c->err);
    for (size_t i = 0; i < nt; i++) {
        json_t *tb;
        node(json_array_get(types, i), &tb);
        char *tn = NULL;
        bool array = false;
        if (type_name(c, tb, &tn, &array)) return SQL_ERR; /* an array's ends in [] */
        s->prep_type_locs[s->nprep_types] = floc(tb);
        s->prep_types[s->nprep_types++] = tn;
    }
    /* the text after AS: PREPARE, the name, the parenthesised types, AS */
    const char *q = c->sql + s->location;
    size_t n = (size_t)s->length, i = skip_blank(q, 0, n);
    if (n - i < 7 || strncasecmp(q + i, "prepare", 7)) return sqlerr_set(c->err, "42601", -1, "syntax error in PREPARE");
    i = skip_blank(q, i + 7, n);
    if (i < n && q[i] == '"') i = skip_quoted(q, n, i);
    else
        while (i < n && (isalnum((unsigned char)q[i]) || q[i] == '_' || q[i] == '$' || (unsigned char)q[i] >= 0x80)) i++;
    i = skip_blank(q, i, n);
    if (i < n && q[i] == '(') {
        int depth = 0;
        while (i < n) {
            if (q[i] == '\'' || q[i] == '"') {
                i = skip_quoted(q, n, i);
                continue;
            }
            if (q[i] == '(') depth++;
            if (q[i] == ')' && --depth == 0) {
                i++;
                break;
            }
            i++;
        }
        i = skip_blank(q, i, n);
    }
    if (n - i < 3 || strncasecmp(q + i, "as", 2) || !isspace((unsigned char)q[i + 2]))
        return sqlerr_set(c->err, "42601", -1, "syntax error in PREPARE");
    i = skip_blank(q, i + 2, n);
    s->prep_offset = s->location + (int)i; /* errors in the query point into the statement */
    s->value = strndup(q + i, n - i);
    return s->value ? SQL_OK : sqlerr_oom(c->err);
}

/* ------------------------------------------------------------------ roles and privileges */

/* A RoleSpec: the name, "" PUBLIC, "\x01" CURRENT_USER / CURRENT_ROLE, "\x02" SESSION_USER. */
static char *rolespec(pctx *c, json_t *n)
{
    json_t *b = n;
    if (json_is_object(n) && json_object_size(n) == 1 && field(n, "RoleSpec")) node(n, &b);
    const char *rt = fstr(b, "roletype");
    const char *v = !rt                                      ? ""
                    : !strcmp(rt, "ROLESPEC_CSTRING")       ? fstr(b, "rolename")
                    : !strcmp(rt, "ROLESPEC_PUBLIC")        ? ""
                    : !strcmp(rt, "ROLESPEC_SESSION_USER")  ? "\x02"
                                                            : "\x01";
    return dup_or_oom(c, v ? v : "");
}

static int rolespec_list(pctx *c, json_t *list, char ***out, int *n)
{
    size_t len = json_array_size(list);
    *out = NULL;
    *n = 0;
    if (!len) return SQL_OK;
    if (!(*out = calloc(len, sizeof(char *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < len; i++) {
        (*out)[i] = rolespec(c, json_array_get(list, i));
        if (!(*out)[i]) return SQL_ERR;
        (*n)++;
    }
    return SQL_OK;
}

static int role_options(pctx *c, json_t *opts, sqlast_role *r)
{
    static const struct {
        const char *name;
        unsigned flag;
    } flags[] = {{"superuser", 1}, {"canlogin", 2}, {"createrole", 4}, {"inherit", 8},
                 {"createdb", 32}, {"isreplication", 128}, {"bypassrls", 0}};
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        if (strcmp(node(json_array_get(opts, i), &db), "DefElem")) continue;
        const char *dn = fstr(db, "defname");
        json_t *arg = field(db, "arg"), *ab = NULL;
        const char *at = node(arg, &ab);
        if (!dn) continue;
        bool done = false;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
            if (strcmp(dn, flags[k].name)) continue;
            done = true;
            bool on = json_is_true(field(ab, "boolval"));
            if (!flags[k].flag) {
                if (on) return sqlerr_unsupported(c->err, floc(db), "BYPASSRLS (there is no row security)");
                break;
            }
            r->set |= SQLAST_ROPT_FLAGS;
            r->flag_mask |= flags[k].flag;
            if (on) r->flags |= flags[k].flag;
            else r->flags &= ~flags[k].flag;
        }
        if (done) continue;
        if (!strcmp(dn, "connectionlimit")) {
            r->set |= SQLAST_ROPT_CONNLIMIT;
            json_t *iv = field(ab, "ival");
            r->connlimit = json_is_integer(iv) ? json_integer_value(iv) : 0;
        } else if (!strcmp(dn, "password")) {
            r->set |= SQLAST_ROPT_PASSWORD;
            free(r->password);
            r->password = NULL;
            if (!strcmp(at, "String") && !(r->password = dup_or_oom(c, fstr(ab, "sval")))) return SQL_ERR;
        } else if (!strcmp(dn, "validUntil")) {
            r->set |= SQLAST_ROPT_VALID;
            free(r->valid_until);
            if (!(r->valid_until = dup_or_oom(c, fstr(ab, "sval")))) return SQL_ERR;
        } else if (!strcmp(dn, "rolemembers") || !strcmp(dn, "addroleto") || !strcmp(dn, "adminmembers")) {
            return sqlerr_unsupported(c->err, floc(db), "IN ROLE / ROLE / ADMIN in CREATE ROLE (use GRANT role TO role)");
        } else {
            return sqlerr_unsupported(c->err, floc(db), dn);
        }
    }
    return SQL_OK;
}

static int conv_role(pctx *c, const char *t, json_t *b, sqlast_stmt *s)
{
    sqlast_role *r = calloc(1, sizeof *r);
    if (!r) return sqlerr_oom(c->err);
    s->kind = SQLAST_ROLE;
    s->role = r;
    r->connlimit = -1;
    if (!strcmp(t, "CreateRoleStmt")) {
        const char *ty = fstr(b, "stmt_type");
        r->action = SQLAST_ROLE_CREATE;
        r->is_user = ty && !strcmp(ty, "ROLESTMT_USER");
        if (ty && !strcmp(ty, "ROLESTMT_GROUP")) r->is_user = false;
        if (!(r->roles = calloc(1, sizeof(char *))) || !(r->roles[0] = dup_or_oom(c, fstr(b, "role"))))
            return r->roles ? SQL_ERR : sqlerr_oom(c->err);
        r->nroles = 1;
        return role_options(c, field(b, "options"), r);
    }
    if (!strcmp(t, "AlterRoleStmt")) {
        r->action = SQLAST_ROLE_ALTER;
        json_t *rv = field(b, "action");
        if (json_is_integer(rv) && json_integer_value(rv) != 1)
            return sqlerr_unsupported(c->err, -1, "ALTER GROUP ... ADD/DROP USER (use GRANT / REVOKE)");
        if (!(r->roles = calloc(1, sizeof(char *))) || !(r->roles[0] = rolespec(c, field(b, "role"))))
            return r->roles ? SQL_ERR : sqlerr_oom(c->err);
        r->nroles = 1;
        return role_options(c, field(b, "options"), r);
    }
    if (!strcmp(t, "DropRoleStmt")) {
        r->action = SQLAST_ROLE_DROP;
        r->missing_ok = fbool(b, "missing_ok");
        return rolespec_list(c, field(b, "roles"), &r->roles, &r->nroles);
    }
    if (!strcmp(t, "ReassignOwnedStmt") || !strcmp(t, "DropOwnedStmt")) {
        r->action = t[0] == 'R' ? SQLAST_ROLE_REASSIGN : SQLAST_ROLE_DROP_OWNED;
        if (t[0] == 'R' && !(r->newname = rolespec(c, field(b, "newrole")))) return SQL_ERR;
        return rolespec_list(c, field(b, "roles"), &r->roles, &r->nroles);
    }
    if (!strcmp(t, "GrantRoleStmt")) {
        r->action = fbool(b, "is_grant") ? SQLAST_ROLE_GRANT_ROLE : SQLAST_ROLE_REVOKE_ROLE;
        r->grant_option = fbool(b, "admin_opt");
        r->cascade = drop_cascade(b);
        json_t *gr = field(b, "granted_roles");
        size_t n = json_array_size(gr);
        if (n && !(r->objects = calloc(n, sizeof(char *)))) return sqlerr_oom(c->err);
        for (size_t i = 0; i < n; i++) {
            json_t *ab;
            node(json_array_get(gr, i), &ab);
            if (!(r->objects[i] = dup_or_oom(c, fstr(ab, "priv_name")))) return SQL_ERR;
            r->nobjects++;
        }
        return rolespec_list(c, field(b, "grantee_roles"), &r->roles, &r->nroles);
    }
    /* GrantStmt */
    r->action = fbool(b, "is_grant") ? SQLAST_ROLE_GRANT : SQLAST_ROLE_REVOKE;
    r->grant_option = fbool(b, "grant_option");
    r->cascade = drop_cascade(b);
    const char *tt = fstr(b, "targtype"), *ot = fstr(b, "objtype");
    bool all_in = tt && !strcmp(tt, "ACL_TARGET_ALL_IN_SCHEMA");
    if (!ot || (strcmp(ot, "OBJECT_TABLE") && strcmp(ot, "OBJECT_SEQUENCE") && strcmp(ot, "OBJECT_SCHEMA"))) {
        char what[96];
        snprintf(what, sizeof what, "privileges on %s", ot && !strncmp(ot, "OBJECT_", 7) ? ot + 7 : "this object");
        for (char *p = what; *p; p++) *p = (char)tolower((unsigned char)*p);
        return sqlerr_unsupported(c->err, -1, what);
    }
    r->objkind = all_in ? 'A' : !strcmp(ot, "OBJECT_SCHEMA") ? 'n' : !strcmp(ot, "OBJECT_SEQUENCE") ? 's' : 't';
    if (all_in && strcmp(ot, "OBJECT_TABLE"))
        return sqlerr_unsupported(c->err, -1, "ALL SEQUENCES / FUNCTIONS IN SCHEMA");
    json_t *privs = field(b, "privileges");
    r->all_privs = !json_array_size(privs);
    r->table_privs = r->all_privs;
    for (size_t i = 0; i < json_array_size(privs); i++) {
        json_t *ab;
        node(json_array_get(privs, i), &ab);
        const char *pn = fstr(ab, "priv_name");
        /* ALL [PRIVILEGES] (cols): every column privilege */
        unsigned bit = !pn ? SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES : sqlpriv_parse(pn);
        if (!bit) return sqlerr_set(c->err, "0LP01", -1, "unrecognized privilege type \"%s\"", pn);
        json_t *cols = field(ab, "cols");
        if (!json_array_size(cols)) {
            r->privs |= bit;
            r->table_privs = true;
            continue;
        }
        if (!pn) r->all_privs = true;
        for (size_t k = 0; k < json_array_size(cols); k++) {
            const char *cn = string_node(json_array_get(cols, k));
            if (!cn) return sqlerr_set(c->err, "42601", -1, "syntax error in a column privilege");
            char **nc = realloc(r->cols, (size_t)(r->ncols + 1) * sizeof *nc);
            if (!nc) return sqlerr_oom(c->err);
            r->cols = nc;
            unsigned *np = realloc(r->colprivs, (size_t)(r->ncols + 1) * sizeof *np);
            if (!np) return sqlerr_oom(c->err);
            r->colprivs = np;
            if (!(r->cols[r->ncols] = dup_or_oom(c, cn))) return SQL_ERR;
            r->colprivs[r->ncols++] = bit;
        }
    }
    if (r->ncols && (r->objkind != 't' || all_in))
        return sqlerr_unsupported(c->err, -1, "column privileges on anything but a table");
    json_t *objs = field(b, "objects");
    size_t n = json_array_size(objs);
    if (n && !(r->objects = calloc(n, sizeof(char *)))) return sqlerr_oom(c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *ob;
        const char *k = node(json_array_get(objs, i), &ob);
        const char *name = !strcmp(k, "RangeVar") ? fstr(ob, "relname") : string_node(json_array_get(objs, i));
        const char *sch = !strcmp(k, "RangeVar") ? fstr(ob, "schemaname") : NULL;
        if (qual_name(c, sch, name, &r->objects[i])) return SQL_ERR;
        r->nobjects++;
    }
    return rolespec_list(c, field(b, "grantees"), &r->roles, &r->nroles);
}

/* ALTER DEFAULT PRIVILEGES [FOR ROLE r, ...] [IN SCHEMA public] GRANT|REVOKE privs ON TABLES |
 * SEQUENCES TO|FROM roles */
static int conv_default_privs(pctx *c, json_t *b, sqlast_stmt *s)
{
    json_t *act = field(b, "action");
    if (conv_role(c, "GrantStmt", act, s)) return SQL_ERR;
    sqlast_role *r = s->role;
    const char *ot = fstr(act, "objtype");
    if (!ot || (strcmp(ot, "OBJECT_TABLE") && strcmp(ot, "OBJECT_SEQUENCE")))
        return sqlerr_unsupported(c->err, -1, "default privileges on functions, types and schemas");
    r->defobj = !strcmp(ot, "OBJECT_TABLE") ? 'r' : 'S';
    r->objkind = 'D';
    json_t *opts = field(b, "options");
    for (size_t i = 0; i < json_array_size(opts); i++) {
        json_t *db;
        if (strcmp(node(json_array_get(opts, i), &db), "DefElem")) continue;
        const char *dn = fstr(db, "defname");
        json_t *lb;
        node(field(db, "arg"), &lb);
        json_t *items = field(lb, "items");
        if (dn && !strcmp(dn, "schemas")) {
            for (size_t k = 0; k < json_array_size(items); k++) {
                const char *sch = string_node(json_array_get(items, k));
                if (!sch || strcmp(sch, "public"))
                    return sqlerr_set(c->err, "3F000", -1, "schema \"%s\" does not exist", sch ? sch : "");
            }
            r->in_schema = true;
        } else if (dn && !strcmp(dn, "roles")) {
            if (rolespec_list(c, items, &r->objects, &r->nobjects)) return SQL_ERR;
        }
    }
    return SQL_OK;
}

/* ------------------------------------------------------------------ entry points */

void sqlparse_result_free(sqlparse_result *r)
{
    if (!r) return;
    for (int i = 0; i < r->nstmts; i++) sqlast_stmt_free(r->stmts[i]);
    free(r->stmts);
    r->stmts = NULL;
    r->nstmts = 0;
}

/* libpg_query reports a message without its SQLSTATE. Its scanner's only errors that are not
 * syntax errors check the bytes an escape produced (E'\x00', E'\xff': pg_verifymbstr), which
 * PostgreSQL reports as 22021 without a position. */
static int pg_error(sqlerr *err, PgQueryError *pe)
{
    const char *m = pe->message ? pe->message : "syntax error";
    if (!strncmp(m, "invalid byte sequence for encoding", 34))
        return sqlerr_set(err, SQLSTATE_CHARACTER_NOT_IN_REPERTOIRE, -1, "%s", m);
    size_t ml = strlen(m);
    static const char resv[] = "\" is reserved";
    if (!strncmp(m, "role name \"", 11) && ml > 11 + sizeof resv && !strcmp(m + ml - (sizeof resv - 1), resv))
        return sqlerr_set(err, "42939", pe->cursorpos > 0 ? pe->cursorpos - 1 : -1, "%s", m); /* gram.y */
    return sqlerr_set(err, "42601", pe->cursorpos > 0 ? pe->cursorpos - 1 : -1, "%s", m);
}

/* ---- nesting bound ---------------------------------------------------------------------------
 *
 * libpg_query builds and prints its tree recursively: `SELECT 1+1+...+1` with 70,000 terms (a
 * left-deep tree 70,000 levels high) overflowed the 8 MiB stack inside libpg_query and killed
 * the daemon (it copes with about 45,000). Before parsing, a scan of the text bounds the
 * tree's height from above: every open parenthesis, bracket or CASE adds up to 3 levels, every
 * operator in a chain between two commas of one parenthesis level adds 2. A statement whose
 * bound passes SQLPARSE_MAX_LEVELS is refused with PostgreSQL's 54001 before anything recursive
 * runs. Lists (VALUES rows, IN lists, arguments) do not nest, so a bulk INSERT of any length
 * passes. What passes the bound but is deeper than jansson's 2048 JSON levels (about 1,000
 * chained operators) fails the JSON decode, also as 54001; PostgreSQL's own limit (2 MB
 * max_stack_depth) lies near 9,000 terms. Bison's parser stack ends deeper parenthesis nesting
 * itself (42601 "memory exhausted"). The bound assumes the caller runs on a stack of at least
 * 2 MiB (the loop thread's is 8 MiB). */

#define SQLPARSE_MAX_LEVELS 20000
#define SQLPARSE_MAX_NEST 6000

static int too_deep(sqlerr *err)
{
    sqlerr_set(err, "54001", -1, "stack depth limit exceeded");
    sqlerr_hint(err, "The statement nests expressions, parentheses or operator chains too deeply; "
                     "split it, or use lists (IN, VALUES, ARRAY[...]) instead of long chains.");
    return SQL_ERR;
}

static bool ident_start(unsigned char ch)
{
    return ch == '_' || ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool ident_char(unsigned char ch)
{
    return ident_start(ch) || ch == '$' || (ch >= '0' && ch <= '9');
}

/* If sql[i] starts a comment, a string or quoted identifier, a dollar-quoted string or a $n
 * parameter, the index just past it; else i. The scans below see the rest as code. */
static size_t skip_lexeme(const char *sql, size_t len, size_t i)
{
    unsigned char ch = (unsigned char)sql[i];
    if (ch == '-' && i + 1 < len && sql[i + 1] == '-') {
        while (i < len && sql[i] != '\n') i++;
    } else if (ch == '/' && i + 1 < len && sql[i + 1] == '*') {
        int nest = 1;
        for (i += 2; i < len && nest; i++) {
            if (sql[i] == '/' && i + 1 < len && sql[i + 1] == '*') nest++, i++;
            else if (sql[i] == '*' && i + 1 < len && sql[i + 1] == '/') nest--, i++;
        }
    } else if (ch == '\'' || ch == '"') {
        bool esc = ch == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                   (i < 2 || !ident_char((unsigned char)sql[i - 2]));
        for (i++; i < len; i++) {
            if (esc && sql[i] == '\\') {
                i++;
            } else if (sql[i] == (char)ch) {
                if (i + 1 < len && sql[i + 1] == (char)ch) i++;
                else break;
            }
        }
        i++;
    } else if (ch == '$' && i + 1 < len && (sql[i + 1] == '$' || ident_start((unsigned char)sql[i + 1]))) {
        size_t t = i + 1;
        while (t < len && sql[t] != '$' && ident_char((unsigned char)sql[t])) t++;
        if (t < len && sql[t] == '$') { /* $tag$ ... $tag$ */
            size_t tl = t - i + 1;
            const char *end = NULL;
            for (size_t k = t + 1; k + tl <= len; k++)
                if (sql[k] == '$' && !memcmp(sql + k, sql + i, tl)) {
                    end = sql + k;
                    break;
                }
            i = end ? (size_t)(end - sql) + tl : len;
        } else {
            i = t; /* $1 */
        }
    }
    return i < len ? i : len;
}

/* SQL_OK when the statements of sql cannot nest deeper than the limits, else 54001. */
static int check_depth(const char *sql, size_t len, sqlerr *err)
{
    int ops[SQLPARSE_MAX_NEST + 1]; /* operators in the current chain, per level */
    int unc[SQLPARSE_MAX_NEST + 1]; /* grouping parentheses open inside the level */
    int depth = 0, sum = 0;         /* levels open; operators counted on the open levels */
    ops[0] = unc[0] = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)sql[i];
        unsigned char prev = 0; /* for '(': the character before it that is not blank */
        if (ch == '(') {
            size_t k = i;
            while (k > 0 && (sql[k - 1] == ' ' || sql[k - 1] == '\t' || sql[k - 1] == '\n' || sql[k - 1] == '\r')) k--;
            prev = k > 0 ? (unsigned char)sql[k - 1] : 0;
        }
        size_t next = skip_lexeme(sql, len, i);
        if (next != i) {
            i = next;
        } else if (ident_start(ch)) {
            size_t t = i;
            while (t < len && ident_char((unsigned char)sql[t])) t++;
            size_t n = t - i;
            if ((n == 4 && !strncasecmp(sql + i, "case", 4))) {
                if (depth == SQLPARSE_MAX_NEST) return too_deep(err);
                ops[++depth] = 0;
            } else if (n == 3 && !strncasecmp(sql + i, "end", 3) && depth > 0) {
                sum -= ops[depth--];
            } else if ((n == 3 && !strncasecmp(sql + i, "and", 3)) || (n == 2 && !strncasecmp(sql + i, "or", 2))) {
                /* AND / OR lists are flat (one BoolExpr of all the operands): they end the
                 * chains of the operators binding tighter, as a comma does */
                sum -= ops[depth];
                ops[depth] = 0;
            } else if ((n == 3 && !strncasecmp(sql + i, "not", 3)) ||
                       (n == 2 && (!strncasecmp(sql + i, "is", 2) || !strncasecmp(sql + i, "in", 2)))) {
                ops[depth]++, sum++;
            }
            i = t;
        } else if (ch == '(' && prev == '(') {
            /* a parenthesis right inside another only groups: no node of the tree, no level
             * (the grammar's own stack ends such runs at 10,000 with 42601) */
            unc[depth]++;
            i++;
        } else if (ch == '(' || ch == '[') {
            if (depth == SQLPARSE_MAX_NEST) return too_deep(err);
            ops[++depth] = 0;
            unc[depth] = 0;
            i++;
        } else if (ch == ')' || ch == ']') {
            if (ch == ')' && unc[depth] > 0) unc[depth]--;
            else if (depth > 0) sum -= ops[depth--];
            i++;
        } else if (ch == ',') {
            sum -= ops[depth];
            ops[depth] = 0;
            i++;
        } else if (ch == ';') {
            depth = sum = 0;
            ops[0] = unc[0] = 0;
            i++;
        } else if (strchr("+-*/<>=~!@#%^&|`?:", ch)) {
            while (i < len && strchr("+-*/<>=~!@#%^&|`?:", sql[i])) i++;
            ops[depth]++, sum++;
        } else {
            i++;
        }
        if (3 * depth + 2 * sum > SQLPARSE_MAX_LEVELS) return too_deep(err);
    }
    return SQL_OK;
}

/* PostgreSQL's truncate_identifier: at most NAMEDATALEN - 1 bytes, never inside a character. */
#define SQLPARSE_NAME_MAX 63

static size_t name_cut(const char *s, size_t n)
{
    if (n <= SQLPARSE_NAME_MAX) return n;
    n = SQLPARSE_NAME_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

int sqlparse_long_identifiers(const char *sql, size_t len,
                              void (*fn)(void *arg, const char *ident, size_t n, size_t cut),
                              void *arg)
{
    int found = 0;
    char *buf = NULL; /* the identifier as PostgreSQL names it: downcased, or unquoted */
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)sql[i];
        size_t start = i, n = 0;
        if (ch == '"' || (ident_start(ch) && !(i > 0 && ident_char((unsigned char)sql[i - 1])))) {
            bool quoted = ch == '"';
            size_t t = i + quoted;
            if (quoted) {
                for (; t < len; t++) {
                    if (sql[t] != '"') continue;
                    if (t + 1 < len && sql[t + 1] == '"') t++;
                    else break;
                }
                i = t + 1;
            } else {
                while (t < len && ident_char((unsigned char)sql[t])) t++;
                i = t;
            }
            size_t raw = (quoted ? t - start - 1 : t - start);
            if (raw > SQLPARSE_NAME_MAX) { /* a doubled quote counts once: decode to measure */
                char *b = realloc(buf, raw + 1);
                if (!b) break;
                buf = b;
                for (size_t k = start + quoted; k < t; k++) {
                    char c = sql[k];
                    if (quoted && c == '"') k++;
                    else if (!quoted && c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
                    buf[n++] = c;
                }
                buf[n] = 0;
                if (n > SQLPARSE_NAME_MAX) {
                    fn(arg, buf, n, name_cut(buf, n));
                    found++;
                }
            }
            continue; /* E'..': the next turn skips the string, knowing its prefix */
        }
        size_t next = skip_lexeme(sql, len, i);
        i = next != i ? next : i + 1;
    }
    free(buf);
    return found;
}

int sqlparse_query(const char *sql, sqlparse_result *out, sqlerr *err)
{
    out->stmts = NULL;
    out->nstmts = 0;
    if (check_depth(sql, strlen(sql), err)) return SQL_ERR;
    PgQueryParseResult pr = pg_query_parse(sql);
    if (pr.error) {
        int rc = pg_error(err, pr.error);
        pg_query_free_parse_result(pr);
        return rc;
    }
    int oom = 0;
    json_t *root = sqljload(pr.parse_tree, strlen(pr.parse_tree), &oom);
    pg_query_free_parse_result(pr);
    if (!root) /* libpg_query's JSON: out of memory, or (never seen) not readable */
        return oom ? sqlerr_oom(err) : sqlerr_set(err, "XX000", -1, "could not read the parse tree");
    pctx c = {.sql = sql, .sqllen = strlen(sql), .err = err};
    json_t *stmts = json_object_get(root, "stmts");
    size_t n = json_array_size(stmts);
    int rc = SQL_OK;
    if (n && !(out->stmts = calloc(n, sizeof(sqlast_stmt *)))) {
        rc = sqlerr_oom(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *raw = json_array_get(stmts, i);
        sqlast_stmt *s = calloc(1, sizeof(*s));
        if (!s) {
            rc = sqlerr_oom(err);
            goto done;
        }
        out->stmts[out->nstmts++] = s;
        json_t *loc = json_object_get(raw, "stmt_location"), *len = json_object_get(raw, "stmt_len");
        s->location = json_is_integer(loc) ? (int)json_integer_value(loc) : 0;
        s->length = json_is_integer(len) && json_integer_value(len) > 0
                        ? (int)json_integer_value(len)
                        : (int)c.sqllen - s->location;
        c.stmt = s;
        c.relational = false;
        if (conv_stmt(&c, json_object_get(raw, "stmt"), s)) {
            rc = SQL_ERR;
            goto done;
        }
        if (s->nparams && !(s->param_types = calloc((size_t)s->nparams, sizeof(sqlval_type)))) {
            rc = sqlerr_oom(err);
            goto done;
        }
    }
done:
    json_decref(root);
    if (rc) sqlparse_result_free(out);
    return rc;
}

int sqlparse_fingerprint(const char *sql, unsigned long long *out, sqlerr *err)
{
    if (check_depth(sql, strlen(sql), err)) return SQL_ERR; /* fingerprinting recurses too */
    PgQueryFingerprintResult fr = pg_query_fingerprint(sql);
    if (fr.error) {
        int rc = pg_error(err, fr.error);
        pg_query_free_fingerprint_result(fr);
        return rc;
    }
    *out = fr.fingerprint;
    pg_query_free_fingerprint_result(fr);
    return SQL_OK;
}
