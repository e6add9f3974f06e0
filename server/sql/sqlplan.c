/*
 * server/sql/sqlplan.c — see sqlplan.h.
 *
 * Index: plan objects (free), the level being planned (namespace items, slots), FROM items
 * (tables, WITH references, subqueries, functions, joins), conjuncts (split, relations,
 * placement, keys), join methods, the query level (targets, grouping, ORDER BY, DISTINCT,
 * LIMIT, FOR UPDATE), set operations and VALUES, WITH, subqueries as expressions, entry.
 */
#include "server/sql/sqldate.h"
#include "server/sql/sqlplan.h"
#include "server/sql/sqlindex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pgtypes.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlparse.h"
#include "server/sql/sqlrole.h"
#include "server/sql/sqlvirt.h"

#define MAX_RELS 64

/* ------------------------------------------------------------------ plan objects */

static void node_free(sqlplan_node *n);
static void query_free(sqlplan_query *q);

static void node_free(sqlplan_node *n)
{
    if (!n) return;
    node_free(n->left);
    node_free(n->right);
    sqlschema_free(n->table);
    sqlindex_free(n->ix);
    free(n->ixor_side);
    if (n->qual && n->nquals > 1) { /* our AND node: borrowed operands */
        free(n->qual->args);
        n->qual->args = NULL;
        n->qual->nargs = 0;
        sqlast_expr_free(n->qual);
    }
    free(n->quals);
    for (int i = 0; i < n->nowned; i++) sqlast_expr_free(n->owned[i]);
    free(n->owned);
    free(n->types);
    query_free(n->sub);
    free(n->lkeys);
    free(n->rkeys);
    free(n->mslot);
    free(n->mleft);
    free(n->mright);
    free(n->mtype);
    free(n->exprs);
    free(n->slot);
    for (int i = 0; i < n->nsrfs; i++) node_free(n->srfs[i]);
    free(n->srfs);
    free(n->label);
    free(n->need);
    free(n->scol);
    free(n->tiecol);
    free(n->sdesc);
    free(n->snullsfirst);
    free(n);
}

static void query_free(sqlplan_query *q)
{
    if (!q) return;
    node_free(q->root);
    free(q->cols);
    free(q->types);
    free(q->utypes);
    sqlops_query_free_cache(q);
    for (size_t i = 0; i < q->nrows; i++) sqlplan_row_free(q->rows[i], q->cwidth);
    free(q->rows);
    free(q);
}

static void binder_free(void *b);

void sqlplan_free(sqlplan *p)
{
    if (!p) return;
    sqlops_ctes_close(p);
    binder_free(p->binder);
    for (int i = 0; i < p->nviews; i++) sqlparse_result_free(&p->views[i]);
    free(p->views);
    for (int i = 0; i < p->nprivs; i++) free(p->privs[i].cols);
    free(p->privs);
    /* subqueries of expressions are listed in `all`; FROM subqueries are owned by their node */
    query_free(p->q);
    sqlplan_query *q = p->all;
    while (q) {
        sqlplan_query *nx = q->next_all;
        query_free(q);
        q = nx;
    }
    for (int i = 0; i < p->nctes; i++) {
        sqlplan_cte *c = p->ctes[i];
        free(c->name);
        for (size_t k = 0; k < c->nrows; k++) sqlplan_row_free(c->rows[k], c->rwidth);
        free(c->rows);
        free(c->work);
        query_free(c->q);
        free(c);
    }
    free(p->ctes);
    free(p);
}

void sqlplan_row_free(sqlval *row, int n)
{
    if (!row) return;
    for (int i = 0; i < n; i++) sqlval_free(&row[i]);
    free(row);
}

/* ------------------------------------------------------------------ the level being planned */

typedef struct cte_ref {
    const char *name;
    sqlplan_cte *cte;
    char **colnames; /* the query's column names (or the WITH column list) */
    int ncols;
    bool self; /* the recursive term's own name: a worktable */
    struct cte_ref *next;
} cte_ref;

typedef struct planner {
    sx_session *s;
    sqlplan *plan;
    sqlast_stmt *top;
    sqlerr *err;
    int depth;
    cte_ref *cur_ctes; /* the WITH names the level being bound sees (for its subqueries) */
    bool prune;        /* scans decode only the columns the statement names (SELECT) */
    uint32_t as_role;  /* whose privileges tables are read with: 0 the current role; inside a
                        * view, the view's owner (as PostgreSQL checks them) */
} planner;

typedef struct rel {
    sqlplan_node *node; /* the leaf */
    int offset, ncols;
} rel;

typedef struct level {
    planner *pl;
    sqlast_stmt *st;
    const sqlexpr_scope *parent;
    cte_ref *ctes;
    sqlexpr_nsitem *ns;
    int nns, nscap;
    /* arrays the namespace items point into (freed with the level) */
    void **owned;
    int nowned, ownedcap;
    rel rels[MAX_RELS];
    int nrels;
    int *slot_rel; /* slot -> rel bit index, or -1 (merged slot: see slot_rels) */
    uint64_t *slot_rels;
    int width, slotcap;
    bool correlated;
    bool too_many; /* more than MAX_RELS items: no push-down */
    uint8_t *used; /* per slot: read by the query (column privileges) */
    /* the privilege entries (sqlplan.privs) of tables and views of this level: the columns
     * each reads are recorded when the level is done */
    struct colpriv {
        int rel, entry;
        const sqlschema_table *t;
    } *cp;
    int ncp;
} level;

static void *own(level *lv, void *p)
{
    if (!p) return NULL;
    if (lv->nowned == lv->ownedcap) {
        int nc = lv->ownedcap ? lv->ownedcap * 2 : 16;
        void **g = realloc(lv->owned, (size_t)nc * sizeof *g);
        if (!g) {
            free(p);
            return NULL;
        }
        lv->owned = g;
        lv->ownedcap = nc;
    }
    lv->owned[lv->nowned++] = p;
    return p;
}

static void level_free(level *lv)
{
    for (int i = 0; i < lv->nowned; i++) free(lv->owned[i]);
    free(lv->owned);
    free(lv->ns);
    free(lv->slot_rel);
    free(lv->slot_rels);
    free(lv->used);
    free(lv->cp);
    while (lv->ctes) {
        cte_ref *c = lv->ctes;
        lv->ctes = c->next;
        free(c);
    }
}

/* Reserves n slots; returns the first or -1 (out of memory). rels: what they depend on. */
static int new_slots(level *lv, int n, int relbit, uint64_t rels)
{
    if (lv->width + n > lv->slotcap) {
        int nc = lv->slotcap ? lv->slotcap : 16;
        while (nc < lv->width + n) nc *= 2;
        int *a = realloc(lv->slot_rel, (size_t)nc * sizeof *a);
        if (a) lv->slot_rel = a;
        uint64_t *b = realloc(lv->slot_rels, (size_t)nc * sizeof *b);
        if (b) lv->slot_rels = b;
        uint8_t *u = realloc(lv->used, (size_t)nc);
        if (u) lv->used = u;
        if (!a || !b || !u) return -1;
        lv->slotcap = nc;
    }
    int first = lv->width;
    for (int i = 0; i < n; i++) {
        lv->slot_rel[first + i] = relbit;
        lv->slot_rels[first + i] = rels;
        lv->used[first + i] = 0;
    }
    lv->width += n;
    return first;
}

static sqlexpr_nsitem *add_ns(level *lv, const char *name, int ncols)
{
    if (lv->nns == lv->nscap) {
        int nc = lv->nscap ? lv->nscap * 2 : 8;
        sqlexpr_nsitem *g = realloc(lv->ns, (size_t)nc * sizeof *g);
        if (!g) return NULL;
        lv->ns = g;
        lv->nscap = nc;
    }
    sqlexpr_nsitem *it = &lv->ns[lv->nns];
    memset(it, 0, sizeof *it);
    it->name = name;
    it->rel_visible = it->cols_visible = true;
    it->ncols = ncols;
    it->colnames = own(lv, calloc((size_t)ncols + 1, sizeof(char *)));
    it->coltypes = own(lv, calloc((size_t)ncols + 1, sizeof(sqlval_type)));
    it->slots = own(lv, calloc((size_t)ncols + 1, sizeof(int)));
    if (!it->colnames || !it->coltypes || !it->slots) return NULL;
    lv->nns++;
    return it;
}

static sqlplan_node *new_node(planner *pl, sqlplan_kind k)
{
    sqlplan_node *n = calloc(1, sizeof *n);
    if (!n) {
        sqlerr_oom(pl->err);
        return NULL;
    }
    n->kind = k;
    n->pk_slot = -1;
    return n;
}

/* The scope names of this level see (items so far). */
static void level_scope(level *lv, sqlexpr_scope *sc, const char *clause)
{
    memset(sc, 0, sizeof *sc);
    sc->stmt = lv->st;
    sc->top = lv->pl->top;
    sc->planner = lv->pl;
    sc->ns = lv->ns;
    sc->nns = lv->nns;
    sc->parent = lv->parent;
    sc->clause = clause;
    sc->outer_ref = &lv->correlated;
    sc->used = &lv->used;
}

typedef struct conj {
    const sqlast_expr *e;
    uint64_t rels;
    bool sublink; /* contains a subquery: placed above every join */
    bool placed;
} conj;

typedef struct conjs {
    conj *v;
    int n, cap;
} conjs;

static int conj_add(conjs *c, const sqlast_expr *e, sqlerr *err)
{
    if (e->kind == SQLAST_AND) {
        for (int i = 0; i < e->nargs; i++)
            if (conj_add(c, e->args[i], err)) return SQL_ERR;
        return SQL_OK;
    }
    if (c->n == c->cap) {
        int nc = c->cap ? c->cap * 2 : 8;
        conj *g = realloc(c->v, (size_t)nc * sizeof *g);
        if (!g) return sqlerr_oom(err);
        c->v = g;
        c->cap = nc;
    }
    c->v[c->n++] = (conj){.e = e};
    return SQL_OK;
}

/* Appends e to a node's conjunct list. */
static int node_add_qual(sqlplan_node *n, const sqlast_expr *e, sqlerr *err)
{
    const sqlast_expr **g = realloc(n->quals, (size_t)(n->nquals + 1) * sizeof *g);
    if (!g) return sqlerr_oom(err);
    n->quals = g;
    n->quals[n->nquals++] = e;
    return SQL_OK;
}

/* ------------------------------------------------------------------ FROM items */

static int plan_query(planner *pl, sqlast_stmt *st, const sqlexpr_scope *parent, cte_ref *ctes,
                      bool *correlated, sqlplan_query **out);

/* Registers a leaf FROM item of ncols columns: a rel bit, its slots and namespace item. */
static int add_rel(level *lv, sqlplan_node *n, const char *name, int ncols, char **names,
                   const sqlval_type *types, const sqlast_from *f, sqlerr *err)
{
    int bit = lv->nrels;
    if (bit >= MAX_RELS) {
        lv->too_many = true;
        bit = MAX_RELS - 1;
    } else {
        lv->nrels++;
    }
    int off = new_slots(lv, ncols, bit, (uint64_t)1 << bit);
    if (off < 0) return sqlerr_oom(err);
    lv->rels[bit].node = n;
    lv->rels[bit].offset = off;
    lv->rels[bit].ncols = ncols;
    n->offset = off;
    n->ncols = ncols;
    n->rels = (uint64_t)1 << bit;
    if (f && f->ncolnames > ncols)
        return sqlerr_set(err, "42P10", f->location,
                          "table \"%s\" has %d columns available but %d columns specified",
                          name, ncols, f->ncolnames);
    sqlexpr_nsitem *it = add_ns(lv, name, ncols);
    if (!it) return sqlerr_oom(err);
    for (int i = 0; i < ncols; i++) {
        it->colnames[i] = f && i < f->ncolnames ? f->colnames[i] : names[i];
        it->coltypes[i] = types[i];
        it->slots[i] = off + i;
    }
    return SQL_OK;
}

static char *make_label(const char *schema, const char *name, const char *alias)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s%s%s%s", schema ? schema : "", schema ? "." : "", name ? name : "",
             alias && name && strcmp(alias, name) ? " " : "", alias && name && strcmp(alias, name) ? alias : "");
    return strdup(buf);
}

/* The row id columns of the namespace item just added for table t: left out of *. */
static int mark_hidden(level *lv, const sqlschema_table *t, sqlerr *err)
{
    if (!sqlschema_has_rowid(t)) return SQL_OK;
    sqlexpr_nsitem *it = &lv->ns[lv->nns - 1];
    if (!(it->hidden = own(lv, calloc((size_t)t->ncols + 1, sizeof(bool))))) return sqlerr_oom(err);
    for (int i = 0; i < t->ncols; i++) it->hidden[i] = t->cols[i].hidden;
    return SQL_OK;
}

static cte_ref *find_cte(cte_ref *c, const char *name)
{
    for (; c; c = c->next)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

/* A view named in FROM: its stored definition parsed and planned as a subquery (a level of
 * its own, seeing nothing of the query that names it). */
static int plan_view(level *lv, sqlast_from *f, const sqlschema_table *v, sqlplan_node **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlplan *p = pl->plan;
    sqlparse_result *g = realloc(p->views, (size_t)(p->nviews + 1) * sizeof *g);
    if (!g) return sqlerr_oom(err);
    p->views = g;
    sqlparse_result *pr = &p->views[p->nviews];
    sqlerr perr;
    int prc = sqlparse_query(v->view_sql, pr, &perr);
    if (prc || pr->nstmts != 1 || pr->stmts[0]->kind != SQLAST_CREATE_VIEW) {
        if (!prc) sqlparse_result_free(pr);
        return sqlerr_set(err, "XX000", f->location, "the definition of view \"%s\" does not parse",
                          v->name);
    }
    p->nviews++;
    sqlplan_node *n = new_node(pl, PN_SUBQUERY);
    if (!n) return SQL_ERR;
    *out = n;
    n->what = "Subquery Scan";
    n->label = make_label(NULL, v->name, f->alias);
    bool corr = false;
    if (++pl->depth > 32) {
        pl->depth--;
        return sqlerr_set(err, "42P17", f->location, "infinite recursion detected in rules for relation \"%s\"",
                          v->name);
    }
    sqlast_stmt *vst = pr->stmts[0];
    sqlast_stmt *saved_top = pl->top;
    uint32_t saved_role = pl->as_role;
    pl->top = vst; /* a view has no parameters of its own */
    pl->as_role = sx_owner_of(pl->s, v->id); /* its tables are read with its owner's rights */
    sx_vpath_saved sv;
    sx_vpath_enter(pl->s, v, &sv);
    int rc = plan_query(pl, vst->select, NULL, NULL, &corr, &n->sub);
    sx_vpath_leave(pl->s, &sv);
    pl->top = saved_top;
    pl->as_role = saved_role;
    pl->depth--;
    if (rc) return SQL_ERR;
    sqlplan_query *q = n->sub;
    if (q->ncols < v->ncols)
        return sqlerr_set(err, "XX000", f->location, "view \"%s\" has changed shape", v->name);
    char **names = own(lv, calloc((size_t)q->ncols + 1, sizeof(char *)));
    if (!names) return sqlerr_oom(err);
    for (int i = 0; i < q->ncols; i++) names[i] = i < v->ncols ? v->cols[i].name : q->cols[i].name;
    /* the names outlive the plan's levels: v is the catalog's copy, alive for the statement */
    return add_rel(lv, n, f->alias ? f->alias : f->name, q->ncols, names, q->types, f, err);
}

/* Records a privilege planning checked, for sqlplan_recheck; *entry: its index. */
static int plan_priv_at(planner *pl, uint32_t id, int *entry)
{
    sqlplan *p = pl->plan;
    for (int i = 0; i < p->nprivs; i++)
        if (p->privs[i].id == id && p->privs[i].role == pl->as_role) {
            if (entry) *entry = i;
            return SQL_OK;
        }
    struct sqlplan_priv *n = realloc(p->privs, (size_t)(p->nprivs + 1) * sizeof *n);
    if (!n) return sqlerr_oom(pl->err);
    p->privs = n;
    p->privs[p->nprivs] = (struct sqlplan_priv){id, pl->as_role, NULL, 0};
    if (entry) *entry = p->nprivs;
    p->nprivs++;
    return SQL_OK;
}

static int plan_priv(planner *pl, uint32_t id)
{
    return plan_priv_at(pl, id, NULL);
}

/* A table or view of level lv (rel index rel) whose columns' reads are recorded in privilege
 * entry `entry` when the level is done. */
static int colpriv_add(level *lv, int relidx, int entry, const sqlschema_table *t)
{
    struct colpriv *g = realloc(lv->cp, (size_t)(lv->ncp + 1) * sizeof *g);
    if (!g) return sqlerr_oom(lv->pl->err);
    lv->cp = g;
    lv->cp[lv->ncp++] = (struct colpriv){relidx, entry, t};
    return SQL_OK;
}

/* The level is bound: each table's privilege entry learns the columns read. */
static int level_cols(level *lv, int from)
{
    sqlplan *p = lv->pl->plan;
    for (int i = from; i < lv->ncp; i++) {
        const struct colpriv *c = &lv->cp[i];
        const rel *r = &lv->rels[c->rel];
        struct sqlplan_priv *e = &p->privs[c->entry];
        for (int k = 0; k < r->ncols && k < c->t->ncols; k++) {
            if (!lv->used[r->offset + k] || c->t->cols[k].hidden) continue;
            uint16_t id = c->t->cols[k].id;
            bool seen = false;
            for (int j = 0; j < e->ncols && !seen; j++) seen = e->cols[j] == id;
            if (seen) continue;
            uint16_t *g = realloc(e->cols, (size_t)(e->ncols + 1) * sizeof *g);
            if (!g) return sqlerr_oom(lv->pl->err);
            e->cols = g;
            e->cols[e->ncols++] = id;
        }
    }
    return SQL_OK;
}

/* SELECT on table t as role, or on every column it reads (on some column when none). */
static int select_check(sx_session *s, uint32_t role, const sqlschema_table *t, const uint16_t *cols,
                        int ncols, sqlerr *err)
{
    if (sx_priv_has(s, role, t->id, SQLPRIV_SELECT)) return SQL_OK;
    bool ok = ncols ? true : sx_any_col_priv(s, role, t->id, 1);
    for (int i = 0; i < ncols && ok; i++) ok = sx_col_priv_has(s, role, t->id, cols[i], SQLPRIV_SELECT);
    if (ok) return SQL_OK;
    return sx_priv_check_as(s, role, t, SQLPRIV_SELECT, err);
}

int sqlplan_recheck(sx_session *s, const sqlplan *p, sqlerr *err)
{
    for (int i = 0; i < p->nprivs; i++) {
        if (!p->privs[i].id) {
            if (sx_super_check(s, "helios admin views", err)) return SQL_ERR;
            continue;
        }
        const sqlschema_table *t = sx_table_by_id(s, p->privs[i].id);
        if (t && select_check(s, p->privs[i].role ? p->privs[i].role : sx_current_role(s), t,
                              p->privs[i].cols, p->privs[i].ncols, err))
            return SQL_ERR;
    }
    return SQL_OK;
}



static int plan_rel(level *lv, sqlast_from *f, sqlplan_node **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    int entry = -1; /* a user table's privilege entry */
    const char *alias = f->alias ? f->alias : f->name;
    cte_ref *cr = f->schema ? NULL : find_cte(lv->ctes, f->name);
    if (cr) {
        sqlplan_node *n = new_node(pl, cr->self ? PN_WORKTABLE : PN_CTE);
        if (!n) return SQL_ERR;
        *out = n;
        n->cte = cr->cte;
        n->what = cr->self ? "WorkTable Scan" : "CTE Scan";
        n->label = make_label(NULL, f->name, f->alias);
        return add_rel(lv, n, alias, cr->ncols, cr->colnames, cr->cte->q->types, f, err);
    }
    sqlschema_table *t = NULL;
    if (f->schema && sx_nsp_virtual_name(f->schema)) {
        int vr = sqlvirt_lookup(f->schema, f->name, &t, err);
        if (vr < 0) return SQL_ERR;
        if (vr == 1 && !strcmp(f->schema, "helios") &&
            (sx_super_check(pl->s, "helios admin views", err) || plan_priv(pl, 0)))
            return SQL_ERR;
        if (vr == 0)
            return sqlerr_set(err, "42P01", f->location, "relation \"%s.%s\" does not exist",
                              f->schema, f->name);
    } else if (!f->schema && sqlvirt_lookup("pg_catalog", f->name, &t, err)) {
        /* the search path: pg_catalog implicitly first, then search_path's schemas */
        if (!t) return SQL_ERR;
    } else {
        const sqlschema_table *ct = sx_table_find_q(pl->s, f->schema, f->name);
        if (!ct && f->schema) {
            if (!sx_is_super(pl->s)) {
                sx_schema e;
                if (sx_schema_by_name(pl->s, f->schema, &e) && !sx_nsp_builtin(e.oid) &&
                    !sx_priv_has(pl->s, sx_current_role(pl->s), e.oid, SQLPRIV_USAGE)) {
                    sqlerr_set(err, "42501", f->location, "permission denied for schema %s", f->schema);
                    return SQL_ERR;
                }
            }
            return sqlerr_set(err, "42P01", f->location, "relation \"%s.%s\" does not exist",
                              f->schema, f->name);
        }
        if (!ct) return sqlerr_set(err, "42P01", f->location, "relation \"%s\" does not exist", f->name);
        uint32_t role = pl->as_role ? pl->as_role : sx_current_role(pl->s);
        /* without SELECT on the table, SELECT on some of its columns may do: the columns the
         * query reads are checked once the level is bound (sqlplan_recheck) */
        if (!sx_priv_has(pl->s, role, ct->id, SQLPRIV_SELECT) && !sx_any_col_priv(pl->s, role, ct->id, 1) &&
            sx_priv_check_as(pl->s, role, ct, SQLPRIV_SELECT, err))
            return SQL_ERR;
        if (plan_priv_at(pl, ct->id, &entry)) return SQL_ERR;
        if (ct->view_sql) {
            if (plan_view(lv, f, ct, out)) return SQL_ERR;
            return colpriv_add(lv, lv->nrels - 1, entry, ct);
        }
        if (sqlschema_copy(ct, &t, err)) return SQL_ERR;
    }
    sqlplan_node *n = new_node(pl, PN_SCAN);
    if (!n) {
        sqlschema_free(t);
        return SQL_ERR;
    }
    *out = n;
    n->table = t;
    n->what = sqlvirt_is(t) ? "Function Scan" : "Seq Scan";
    n->label = make_label(f->schema, f->name, f->alias);
    n->qual_alias = alias;
    n->qual_table = f->name;
    char **names = own(lv, calloc((size_t)t->ncols + 1, sizeof(char *)));
    sqlval_type *types = own(lv, calloc((size_t)t->ncols + 1, sizeof(sqlval_type)));
    if (!names || !types) return sqlerr_oom(err);
    for (int i = 0; i < t->ncols; i++) {
        names[i] = t->cols[i].name;
        types[i] = t->cols[i].type;
    }
    if (add_rel(lv, n, alias, t->ncols, names, types, f, err)) return SQL_ERR;
    if (entry >= 0 && colpriv_add(lv, lv->nrels - 1, entry, t)) return SQL_ERR;
    return mark_hidden(lv, t, err);
}

/* Function in FROM: which one and its columns. */
typedef struct fn_shape {
    const char *name;
    int ncols;
    const char *cols[3];
    sqlval_type types[3];
} fn_shape;

/* The element type of a catalog relation's vector column at slot of level lv (the catalogs
 * hold int2vector, oidvector, int2[] and oid[] columns as text arrays: sqlcatalog.h), or
 * SQLVAL_UNKNOWN when slot is no such column. */
static sqlval_type catalog_vector(const level *lv, int slot)
{
    static const char *const int2s[] = {"indkey", "indoption", "stxkeys", "partattrs", "conkey",
                                        "confkey", NULL};
    static const char *const oids[] = {"indclass", "indcollation", "proargtypes", "proallargtypes",
                                       "partclass", "partcollation", "conpfeqop", "conppeqop",
                                       "conffeqop", "conexclop", "polroles", NULL};
    for (int r = 0; lv && r < lv->nrels; r++) {
        const rel *rl = &lv->rels[r];
        const sqlschema_table *t = rl->node ? rl->node->table : NULL;
        if (!t || rl->node->kind != PN_SCAN || !sqlvirt_is(t) || t->seq || slot < rl->offset ||
            slot >= rl->offset + rl->ncols || slot - rl->offset >= t->ncols)
            continue;
        const char *name = t->cols[slot - rl->offset].name;
        for (int k = 0; int2s[k]; k++)
            if (!strcmp(name, int2s[k])) return SQLVAL_INT2;
        for (int k = 0; oids[k]; k++)
            if (!strcmp(name, oids[k])) return SQLVAL_OID;
        return SQLVAL_UNKNOWN;
    }
    return SQLVAL_UNKNOWN;
}

/* jsonb_path_query(target jsonb, path jsonpath [, vars jsonb [, silent boolean]]) */
static sqlval_type path_arg_type(int i)
{
    return i == 1 ? SQLVAL_JSONPATH : i == 3 ? SQLVAL_BOOL : SQLVAL_JSONB;
}

static int func_shape(const level *lv, const sqlast_expr *fe, fn_shape *sh, sqlerr *err)
{
    const char *n = fe->name;
    memset(sh, 0, sizeof *sh);
    sh->name = n;
    sh->ncols = 1;
    sh->cols[0] = n;
    if (!strcmp(n, "generate_series") && fe->nargs == 3 &&
        (sqldate_is_datetime(fe->args[0]->type) || sqldate_is_datetime(fe->args[1]->type))) {
        /* generate_series(timestamp[tz], timestamp[tz], interval): a date resolves to the
         * timestamptz form, as PostgreSQL's preferred type */
        sqlval_type a = fe->args[0]->type, b = fe->args[1]->type, c = fe->args[2]->type;
        bool ok = (c == SQLVAL_INTERVAL || c == SQLVAL_UNKNOWN) &&
                  (sqldate_is_datetime(a) || a == SQLVAL_UNKNOWN) &&
                  (sqldate_is_datetime(b) || b == SQLVAL_UNKNOWN);
        if (!ok)
            return sqlerr_set(err, "42883", fe->location,
                              "function generate_series(%s, %s, %s) does not exist",
                              sqlval_type_name(a), sqlval_type_name(b), sqlval_type_name(c));
        sh->types[0] = a == SQLVAL_TIMESTAMP && (b == SQLVAL_TIMESTAMP || b == SQLVAL_UNKNOWN)
                           ? SQLVAL_TIMESTAMP
                       : b == SQLVAL_TIMESTAMP && a == SQLVAL_UNKNOWN ? SQLVAL_TIMESTAMP
                                                                      : SQLVAL_TIMESTAMPTZ;
    } else if (!strcmp(n, "generate_series")) {
        sqlval_type t = SQLVAL_INT4;
        for (int i = 0; i < fe->nargs; i++) {
            sqlval_type a = fe->args[i]->type;
            if (a == SQLVAL_INT8) t = t == SQLVAL_NUMERIC ? t : SQLVAL_INT8;
            else if (a == SQLVAL_NUMERIC) t = SQLVAL_NUMERIC;
            else if (a == SQLVAL_FLOAT4 || a == SQLVAL_FLOAT8) t = SQLVAL_NUMERIC;
            else if (a != SQLVAL_INT4 && a != SQLVAL_INT2 && a != SQLVAL_UNKNOWN)
                return sqlerr_set(err, "42883", fe->location,
                                  "function generate_series(%s) does not exist",
                                  sqlval_type_name(a));
        }
        if (fe->nargs < 2 || fe->nargs > 3)
            return sqlerr_set(err, "42883", fe->location, "function generate_series does not exist");
        sh->types[0] = t;
    } else if (!strcmp(n, "unnest")) {
        /* unnest(a [, b [, c]]): several arrays side by side (FROM only; PostgreSQL takes any
         * number, HeliosDB three) */
        if (fe->nargs < 1 || fe->nargs > 3)
            return fe->nargs > 3 ? sqlerr_unsupported(err, fe->location, "unnest of more than three arrays")
                                 : sqlerr_set(err, "42883", fe->location, "function unnest does not exist");
        sh->ncols = fe->nargs;
        for (int i = 0; i < fe->nargs; i++) {
            const sqlast_expr *a = fe->args[i];
            if (!sqlval_type_is_array(a->type) && a->type != SQLVAL_UNKNOWN)
                return sqlerr_set(err, "42883", fe->location, "function unnest does not exist");
            sh->cols[i] = n;
            sh->types[i] = SQLVAL_TEXT;
            if (sqlval_type_is_array(a->type) && a->type != SQLVAL_TEXTARRAY)
                sh->types[i] = sqlval_array_elem(a->type); /* unnest(int[]): ints */
            if (a->kind == SQLAST_CAST && a->cast_elem)
                sh->types[i] = a->cast_elem; /* unnest('{..}'::oid[]): oids */
            /* a catalog vector (indkey int2vector, indclass oidvector ...): its element type */
            if (a->kind == SQLAST_COLUMN && !a->levelsup) {
                sqlval_type et = catalog_vector(lv, a->colidx);
                if (et != SQLVAL_UNKNOWN) sh->types[i] = et;
            }
        }
    } else if (!strncmp(n, "_pg_expandarray", 15)) {
        /* information_schema._pg_expandarray(a): a record (x, n) per element, x the element and
         * n its position from 1; .x and .n are the field selections of it (sqlparse.c) */
        if (fe->nargs != 1 || (!sqlval_type_is_array(fe->args[0]->type) && fe->args[0]->type != SQLVAL_UNKNOWN))
            return sqlerr_set(err, "42883", fe->location, "function information_schema._pg_expandarray does not exist");
        const sqlast_expr *a = fe->args[0];
        sqlval_type et = sqlval_type_is_array(a->type) && a->type != SQLVAL_TEXTARRAY ? sqlval_array_elem(a->type)
                                                                                      : SQLVAL_TEXT;
        if (a->kind == SQLAST_COLUMN && !a->levelsup) {
            sqlval_type vt = catalog_vector(lv, a->colidx);
            if (vt != SQLVAL_UNKNOWN) et = vt;
        }
        sh->types[0] = !strcmp(n, "_pg_expandarray_n") ? SQLVAL_INT4
                       : !strcmp(n, "_pg_expandarray_x") ? et
                                                          : SQLVAL_TEXT; /* the record's text, (x,n) */
        sh->cols[0] = !strcmp(n, "_pg_expandarray_n") ? "n" : !strcmp(n, "_pg_expandarray_x") ? "x" : "_pg_expandarray";
    } else if (!strcmp(n, "regexp_matches") || !strcmp(n, "regexp_split_to_table") ||
               !strcmp(n, "string_to_table")) {
        if (fe->nargs != 2 && fe->nargs != 3)
            return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        for (int i = 0; i < fe->nargs; i++)
            if (!sqlval_type_is_text(fe->args[i]->type) && fe->args[i]->type != SQLVAL_UNKNOWN)
                return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        sh->types[0] = n[7] == 'm' ? SQLVAL_TEXTARRAY : SQLVAL_TEXT;
    } else if (!strcmp(n, "pg_listening_channels")) {
        if (fe->nargs != 0)
            return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        sh->types[0] = SQLVAL_TEXT;
    } else if (!strcmp(n, "generate_subscripts")) {
        if ((fe->nargs != 2 && fe->nargs != 3) ||
            (!sqlval_type_is_array(fe->args[0]->type) && fe->args[0]->type != SQLVAL_UNKNOWN))
            return sqlerr_set(err, "42883", fe->location, "function generate_subscripts does not exist");
        sh->types[0] = SQLVAL_INT4;
    } else if (!strcmp(n, "jsonb_array_elements") || !strcmp(n, "jsonb_array_elements_text") ||
               !strcmp(n, "jsonb_object_keys") || !strcmp(n, "json_array_elements") ||
               !strcmp(n, "json_array_elements_text") || !strcmp(n, "json_object_keys")) {
        if (fe->nargs != 1)
            return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        sh->types[0] = !strcmp(n, "jsonb_array_elements") ? SQLVAL_JSONB
                       : !strcmp(n, "json_array_elements") ? SQLVAL_JSON
                                                             : SQLVAL_TEXT;
        sh->cols[0] = !strcmp(n, "jsonb_object_keys") || !strcmp(n, "json_object_keys") ? n : "value";
    } else if (!strcmp(n, "jsonb_path_query")) {
        if (fe->nargs < 2 || fe->nargs > 4)
            return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        for (int i = 0; i < fe->nargs; i++) {
            sqlval_type t = fe->args[i]->type;
            if (t != path_arg_type(i) && t != SQLVAL_UNKNOWN)
                return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        }
        sh->types[0] = SQLVAL_JSONB;
    } else if (!strcmp(n, "pg_options_to_table")) {
        if (fe->nargs != 1 || (fe->args[0]->type != SQLVAL_TEXTARRAY && fe->args[0]->type != SQLVAL_UNKNOWN))
            return sqlerr_set(err, "42883", fe->location, "function pg_options_to_table does not exist");
        sh->ncols = 2;
        sh->cols[0] = "option_name";
        sh->cols[1] = "option_value";
        sh->types[0] = sh->types[1] = SQLVAL_TEXT;
    } else if (!strcmp(n, "jsonb_each") || !strcmp(n, "jsonb_each_text") || !strcmp(n, "json_each") ||
               !strcmp(n, "json_each_text")) {
        if (fe->nargs != 1)
            return sqlerr_set(err, "42883", fe->location, "function %s does not exist", n);
        sh->ncols = 2;
        sh->cols[0] = "key";
        sh->cols[1] = "value";
        sh->types[0] = SQLVAL_TEXT;
        sh->types[1] = !strcmp(n, "jsonb_each") ? SQLVAL_JSONB
                       : !strcmp(n, "json_each") ? SQLVAL_JSON
                                                 : SQLVAL_TEXT;
    } else {
        sh->name = NULL; /* a scalar function: one row */
        sh->types[0] = fe->type == SQLVAL_UNKNOWN ? SQLVAL_TEXT : fe->type;
    }
    return SQL_OK;
}

static void expr_rels(const level *lv, const sqlast_expr *e, uint64_t *rels, bool *sub);

static bool refs_level0(const sqlast_expr *e)
{
    if (!e) return false;
    if (e->kind == SQLAST_COLUMN && e->levelsup == 0) return true;
    for (int i = 0; i < e->nargs; i++)
        if (refs_level0(e->args[i])) return true;
    return false;
}

static bool is_srf(const char *name)
{
    static const char *const srfs[] = {"generate_series", "unnest", "jsonb_array_elements",
                                       "jsonb_array_elements_text", "jsonb_object_keys",
                                       "generate_subscripts", "_pg_expandarray",
                                       "_pg_expandarray_x", "_pg_expandarray_n",
                                       "json_array_elements", "json_array_elements_text",
                                       "json_object_keys", "pg_listening_channels",
                                       "regexp_matches", "regexp_split_to_table",
                                       "string_to_table", "jsonb_path_query"};
    for (size_t i = 0; i < sizeof srfs / sizeof srfs[0]; i++)
        if (!strcmp(name, srfs[i])) return true;
    return false;
}

static int select_srf(level *lv, sqlast_expr *fe, const sqlexpr_scope *sc, sqlplan_node **out);

static bool has_srf(const sqlast_expr *e)
{
    if (!e || e->kind == SQLAST_SUBLINK) return false;
    if (e->kind == SQLAST_FUNC && e->name && is_srf(e->name)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_srf(e->args[i])) return true;
    return false;
}

/* The set-returning functions inside a select-list expression (unnest(a) + 1): each gets a
 * PN_FUNC of the ProjectSet (appended to *srfs) and reads as that function's column
 * (sqlast_expr.srfslot; the column index is set once the ProjectSet is placed: *nested).
 * PostgreSQL refuses them inside CASE, COALESCE and aggregates. */
static int nested_srfs(level *lv, sqlast_expr *e, const sqlexpr_scope *sc, sqlplan_node ***srfs,
                       int **srf_out, int *nsrfs, sqlast_expr ***nested, int *nnested)
{
    sqlerr *err = lv->pl->err;
    if (!e || e->kind == SQLAST_SUBLINK) return SQL_OK;
    if (e->kind == SQLAST_FUNC && is_srf(e->name)) {
        sqlplan_node *fn = NULL;
        if (select_srf(lv, e, sc, &fn)) return SQL_ERR;
        sqlplan_node **g = realloc(*srfs, (size_t)(*nsrfs + 1) * sizeof *g);
        int *gi = realloc(*srf_out, (size_t)(*nsrfs + 1) * sizeof *gi);
        sqlast_expr **ge = realloc(*nested, (size_t)(*nnested + 1) * sizeof *ge);
        if (g) *srfs = g;
        if (gi) *srf_out = gi;
        if (ge) *nested = ge;
        if (!g || !gi || !ge) {
            node_free(fn);
            return sqlerr_oom(err);
        }
        (*srfs)[*nsrfs] = fn;
        (*srf_out)[*nsrfs] = -1; /* no output column of its own */
        e->srfslot = ++*nsrfs;
        (*nested)[(*nnested)++] = e;
        return SQL_OK;
    }
    const char *inside = e->kind == SQLAST_CASE ? "CASE"
                         : e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "coalesce") ? "COALESCE"
                         : e->kind == SQLAST_AGG ? "aggregate" : NULL;
    for (int i = 0; i < e->nargs; i++) {
        sqlast_expr *a = e->args[i];
        if (inside && has_srf(a)) {
            const sqlast_expr *f = a;
            while (!(f->kind == SQLAST_FUNC && f->name && is_srf(f->name)))
                for (int k = 0; k < f->nargs; k++)
                    if (has_srf(f->args[k])) {
                        f = f->args[k];
                        break;
                    }
            if (e->kind == SQLAST_AGG) {
                sqlerr_set(err, "0A000", f->location,
                           "aggregate function calls cannot contain set-returning function calls");
                sqlerr_hint(err, "You might be able to move the set-returning function into a LATERAL FROM item.");
                return SQL_ERR;
            }
            sqlerr_set(err, "0A000", f->location, "set-returning functions are not allowed in %s", inside);
            sqlerr_hint(err, "You might be able to move the set-returning function into a LATERAL FROM item.");
            return SQL_ERR;
        }
        if (nested_srfs(lv, a, sc, srfs, srf_out, nsrfs, nested, nnested)) return SQL_ERR;
    }
    return SQL_OK;
}

/* A set-returning function of the select list: its arguments bound in sc, a PN_FUNC
 * descriptor the PROJECTSET operator evaluates per input row. */
static int select_srf(level *lv, sqlast_expr *fe, const sqlexpr_scope *sc, sqlplan_node **out)
{
    sqlerr *err = lv->pl->err;
    sqlexpr_scope as = *sc;
    as.allow_windows = false;
    for (int i = 0; i < fe->nargs; i++) {
        sqlval_type want = !strcmp(fe->name, "unnest") || !strncmp(fe->name, "_pg_expandarray", 15)
                               ? SQLVAL_TEXTARRAY
                           : !strcmp(fe->name, "generate_subscripts") && i == 0 ? SQLVAL_TEXTARRAY
                           : !strcmp(fe->name, "jsonb_path_query") ? path_arg_type(i)
                           : !strncmp(fe->name, "jsonb_", 6) ? SQLVAL_JSONB
                                                              : SQLVAL_UNKNOWN;
        if (sqlexpr_bind(fe->args[i], &as, want, err)) return SQL_ERR;
    }
    fe->type = SQLVAL_UNKNOWN;
    fn_shape sh;
    if (func_shape(lv, fe, &sh, err)) return SQL_ERR;
    if (sh.ncols > 1 && !strcmp(fe->name, "unnest")) { /* several arrays: FROM only */
        sqlerr_set(err, "42883", fe->location, "function unnest(%s, %s) does not exist",
                   sqlval_type_name(fe->args[0]->type), sqlval_type_name(fe->args[1]->type));
        sqlerr_hint(err, "No function matches the given name and argument types. You might need "
                         "to add explicit type casts.");
        return SQL_ERR;
    }
    sqlplan_node *n = new_node(lv->pl, PN_FUNC);
    if (!n) return SQL_ERR;
    n->func = fe;
    n->what = "Function Scan";
    n->ncols = 1;
    n->types = calloc(2, sizeof(sqlval_type));
    if (!n->types) {
        node_free(n);
        return sqlerr_oom(err);
    }
    n->types[0] = sh.types[0];
    fe->type = sh.types[0];
    *out = n;
    return SQL_OK;
}

/* The FUNC node of FROM item f over call fe with columns cols/ctypes[0..ncols) (and
 * ordinality after them), added to the level; a one-column function's column takes the
 * alias's name (PostgreSQL). recnames: a definition list's names (jsonb_to_record ...). */
static int func_node(level *lv, sqlast_from *f, sqlast_expr *fe, int ncols, const char *const *cols,
                     const sqlval_type *ctypes, const char *what, char **recnames, sqlplan_node **out,
                     bool *lateral)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlplan_node *n = new_node(pl, PN_FUNC);
    if (!n) return SQL_ERR;
    *out = n;
    n->func = fe;
    n->ordinality = f->ordinality;
    n->what = what;
    n->label = make_label(NULL, fe->name, f->alias);
    n->recnames = recnames;
    n->rescan = refs_level0(fe);
    if (n->rescan) {
        bool sub = false;
        expr_rels(lv, fe, &n->lrels, &sub);
    }
    *lateral = n->rescan;
    int nc = ncols + (f->ordinality ? 1 : 0);
    char **names = own(lv, calloc((size_t)nc + 1, sizeof(char *)));
    sqlval_type *types = own(lv, calloc((size_t)nc + 1, sizeof(sqlval_type)));
    n->types = calloc((size_t)nc + 1, sizeof(sqlval_type));
    if (!names || !types || !n->types) return sqlerr_oom(err);
    for (int i = 0; i < ncols; i++) {
        names[i] = (char *)(ncols == 1 && f->alias && !recnames ? f->alias : cols[i]);
        types[i] = n->types[i] = ctypes[i];
    }
    if (f->ordinality) {
        names[ncols] = "ordinality";
        types[ncols] = n->types[ncols] = SQLVAL_INT8;
    }
    return add_rel(lv, n, f->alias ? f->alias : fe->name, nc, names, types, f, err);
}

/* jsonb_to_record[set] / json_to_record[set](doc) AS x(name type, ...): a row per object, its
 * columns the definition list's (the objects' members by name, sqlops.c jrec_next). */
static int plan_record_func(level *lv, sqlast_from *f, sqlexpr_scope *sc, sqlplan_node **out,
                            bool *lateral)
{
    sqlerr *err = lv->pl->err;
    sqlast_expr *fe = f->func;
    if (fe->nargs != 1)
        return sqlerr_set(err, "42883", fe->location, "function %s does not exist", fe->name);
    if (sqlexpr_bind(fe->args[0], sc, fe->name[4] == 'b' ? SQLVAL_JSONB : SQLVAL_JSON, err)) return SQL_ERR;
    sqlval_type at = fe->args[0]->type;
    if (at != SQLVAL_JSONB && at != SQLVAL_JSON && at != SQLVAL_UNKNOWN && !sqlval_type_is_text(at))
        return sqlerr_set(err, "42883", fe->location, "function %s(%s) does not exist", fe->name,
                          sqlval_type_name(at));
    fe->type = SQLVAL_UNKNOWN;
    return func_node(lv, f, fe, f->ndef, (const char *const *)f->defnames, f->deftypes, "Function Scan",
                     f->defnames, out, lateral);
}

static int plan_func(level *lv, sqlast_from *f, sqlplan_node **out, bool *lateral)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlexpr_scope sc;
    level_scope(lv, &sc, "FROM");
    /* a SRF's arguments are typed like any function's; generate_series/unnest/jsonb_* are
     * known here, any other function is a one-row scalar */
    sqlast_expr *fe = f->func;
    static const char *const srfs[] = {"generate_series", "unnest", "jsonb_array_elements",
                                       "jsonb_array_elements_text", "jsonb_object_keys",
                                       "jsonb_each", "jsonb_each_text", "pg_options_to_table",
                                       "generate_subscripts", "_pg_expandarray",
                                       "_pg_expandarray_x", "_pg_expandarray_n",
                                       "json_array_elements", "json_array_elements_text",
                                       "json_object_keys", "json_each", "json_each_text",
                                       "pg_listening_channels", "regexp_matches",
                                       "regexp_split_to_table", "string_to_table",
                                       "jsonb_path_query"};
    bool srf = false;
    for (size_t i = 0; i < sizeof srfs / sizeof srfs[0]; i++) srf |= !strcmp(fe->name, srfs[i]);
    bool rec = !strcmp(fe->name, "jsonb_to_record") || !strcmp(fe->name, "jsonb_to_recordset") ||
               !strcmp(fe->name, "json_to_record") || !strcmp(fe->name, "json_to_recordset");
    if (rec != (f->ndef > 0))
        return sqlerr_set(err, "42601", rec ? fe->location : f->defloc,
                          rec ? "a column definition list is required for functions returning \"record\""
                              : "a column definition list is only allowed for functions returning \"record\"");
    if (rec && f->ordinality) {
        sqlerr_set(err, "42601", f->defloc, "WITH ORDINALITY cannot be used with a column definition list");
        sqlerr_hint(err, "Put the column definition list inside ROWS FROM().");
        return SQL_ERR;
    }
    if (rec) return plan_record_func(lv, f, &sc, out, lateral);
    if (srf) {
        for (int i = 0; i < fe->nargs; i++) {
            sqlval_type want = !strcmp(fe->name, "unnest") || !strcmp(fe->name, "pg_options_to_table") ||
                                       !strncmp(fe->name, "_pg_expandarray", 15) ||
                                       (!strcmp(fe->name, "generate_subscripts") && i == 0)
                                   ? SQLVAL_TEXTARRAY
                               : !strcmp(fe->name, "jsonb_path_query") ? path_arg_type(i)
                               : !strncmp(fe->name, "jsonb_", 6) ? SQLVAL_JSONB
                               : !strncmp(fe->name, "json_", 5)  ? SQLVAL_JSON
                                                                  : SQLVAL_UNKNOWN;
            if (sqlexpr_bind(fe->args[i], &sc, want, err)) return SQL_ERR;
        }
        fe->type = SQLVAL_UNKNOWN;
    } else if (sqlexpr_bind(fe, &sc, SQLVAL_UNKNOWN, err)) {
        return SQL_ERR;
    }
    fn_shape sh;
    if (func_shape(lv, fe, &sh, err)) return SQL_ERR;
    return func_node(lv, f, fe, sh.ncols, sh.cols, sh.types, sh.name ? "Function Scan" : "Result", NULL,
                     out, lateral);
}

static void outer_cols_stmt(const level *lv, const sqlast_stmt *st, int depth, uint64_t *mask, bool *any);

/* The items of this level a subquery's expressions read: a column levelsup depth + 1 from a
 * query depth levels inside it. */
static void outer_cols_expr(const level *lv, const sqlast_expr *e, int depth, uint64_t *mask, bool *any)
{
    if (!e) return;
    if (e->kind == SQLAST_COLUMN && e->levelsup == depth + 1) {
        *any = true;
        if (e->colidx >= 0 && e->colidx < lv->width) {
            int b = lv->slot_rel[e->colidx];
            *mask |= b >= 0 ? (uint64_t)1 << b : lv->slot_rels[e->colidx];
        }
    }
    for (int i = 0; i < e->nargs; i++) outer_cols_expr(lv, e->args[i], depth, mask, any);
    outer_cols_expr(lv, e->filter, depth, mask, any);
    if (e->sub) outer_cols_stmt(lv, e->sub, depth + 1, mask, any);
}

static void outer_cols_from(const level *lv, const sqlast_from *f, int depth, uint64_t *mask, bool *any)
{
    if (!f) return;
    outer_cols_expr(lv, f->func, depth, mask, any);
    outer_cols_expr(lv, f->quals, depth, mask, any);
    if (f->sub) outer_cols_stmt(lv, f->sub, depth + 1, mask, any);
    outer_cols_from(lv, f->larg, depth, mask, any);
    outer_cols_from(lv, f->rarg, depth, mask, any);
}

static void outer_cols_stmt(const level *lv, const sqlast_stmt *st, int depth, uint64_t *mask, bool *any)
{
    if (!st) return;
    for (int i = 0; i < st->ntargets; i++) outer_cols_expr(lv, st->targets[i].expr, depth, mask, any);
    outer_cols_expr(lv, st->where, depth, mask, any);
    for (int i = 0; i < st->ngroup; i++) outer_cols_expr(lv, st->group[i], depth, mask, any);
    outer_cols_expr(lv, st->having, depth, mask, any);
    for (int i = 0; i < st->norder; i++) outer_cols_expr(lv, st->order[i].expr, depth, mask, any);
    outer_cols_expr(lv, st->limit, depth, mask, any);
    outer_cols_expr(lv, st->offset, depth, mask, any);
    for (int i = 0; i < st->nfrom; i++) outer_cols_from(lv, st->from[i], depth, mask, any);
    /* WITH queries and set operation branches see what their statement sees */
    for (int i = 0; i < st->nctes; i++) outer_cols_stmt(lv, st->ctes[i].query, depth, mask, any);
    outer_cols_stmt(lv, st->larg, depth, mask, any);
    outer_cols_stmt(lv, st->rarg, depth, mask, any);
    for (int r = 0; r < st->nrows; r++)
        for (int c = 0; c < st->nvalues; c++) outer_cols_expr(lv, st->rows[r][c], depth, mask, any);
}

static int plan_subquery(level *lv, sqlast_from *f, sqlplan_node **out, bool *lateral)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    /* the subquery's enclosing scope: the items to its left when LATERAL (none otherwise),
     * then this level's enclosing scope */
    sqlexpr_scope sib;
    level_scope(lv, &sib, "FROM");
    bool used = false;
    sib.outer_ref = &used;
    if (!f->lateral) sib.invisible = true; /* named only for PostgreSQL's error */
    sqlplan_node *n = new_node(pl, PN_SUBQUERY);
    if (!n) return SQL_ERR;
    *out = n;
    n->what = "Subquery Scan";
    n->label = make_label(NULL, f->alias, NULL);
    bool corr = false;
    /* levelsup 1 is the sibling scope, 2 this level's enclosing one */
    sib.stmt = lv->st;
    sqlexpr_scope *sibp = &sib;
    if (plan_query(pl, f->sub, sibp, lv->ctes, &corr, &n->sub)) return SQL_ERR;
    /* corr: the subquery reads the items to its left or beyond, so it runs again per left
     * row; used: it reads beyond (this level's enclosing one), so this level is correlated */
    n->rescan = corr;
    if (used) lv->correlated = true;
    if (corr && f->lateral) {
        bool any = false;
        outer_cols_stmt(lv, f->sub, 0, &n->lrels, &any);
        if (any && !n->lrels) n->lrels = ~(uint64_t)0; /* read something to its left: all */
    }
    *lateral = n->rescan;
    sqlplan_query *q = n->sub;
    char **names = own(lv, calloc((size_t)q->ncols + 1, sizeof(char *)));
    if (!names) return sqlerr_oom(err);
    for (int i = 0; i < q->ncols; i++) names[i] = q->cols[i].name;
    return add_rel(lv, n, f->alias, q->ncols, names, q->types, f, err);
}

static int plan_from(level *lv, sqlast_from *f, sqlplan_node **out);

/* Column list of a namespace item that stands for a subtree (join items: all their columns). */
static int plan_join(level *lv, sqlast_from *f, sqlplan_node **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    int ns0 = lv->nns;
    sqlplan_node *n = new_node(pl, PN_JOIN);
    if (!n) return SQL_ERR;
    *out = n;
    n->jointype = (int)f->jointype;
    n->what = "Nested Loop";
    if (plan_from(lv, f->larg, &n->left)) return SQL_ERR;
    int nsl = lv->nns; /* items of the left side: [ns0, nsl) */
    if (plan_from(lv, f->rarg, &n->right)) return SQL_ERR;
    int nsr = lv->nns;
    n->rels = n->left->rels | n->right->rels;
    n->rrels = n->right->rels;
    /* the visible columns of each side: the last item of a side that is a join, else its items */
    const sqlexpr_nsitem *L = &lv->ns[nsl - 1], *R = &lv->ns[nsr - 1];
    /* USING / NATURAL */
    char **using_cols = f->using_cols;
    int nusing = f->nusing;
    char *nat[256];
    if (f->natural) {
        nusing = 0;
        for (int i = 0; i < L->ncols && nusing < 256; i++)
            for (int k = 0; k < R->ncols; k++)
                if (L->colnames[i] && R->colnames[k] && !(L->hidden && L->hidden[i]) &&
                    !(R->hidden && R->hidden[k]) && !strcmp(L->colnames[i], R->colnames[k])) {
                    nat[nusing++] = L->colnames[i];
                    break;
                }
        using_cols = nat;
    }
    int lcol[256], rcol[256];
    if (nusing > 256) return sqlerr_unsupported(err, f->location, "more than 256 USING columns");
    for (int u = 0; u < nusing; u++) {
        lcol[u] = rcol[u] = -1;
        for (int i = 0; i < L->ncols; i++)
            if (L->colnames[i] && !strcmp(L->colnames[i], using_cols[u])) {
                if (lcol[u] >= 0)
                    return sqlerr_set(err, "42702", f->location,
                                      "common column name \"%s\" appears more than once in left table",
                                      using_cols[u]);
                lcol[u] = i;
            }
        for (int i = 0; i < R->ncols; i++)
            if (R->colnames[i] && !strcmp(R->colnames[i], using_cols[u])) {
                if (rcol[u] >= 0)
                    return sqlerr_set(err, "42702", f->location,
                                      "common column name \"%s\" appears more than once in right table",
                                      using_cols[u]);
                rcol[u] = i;
            }
        if (lcol[u] < 0)
            return sqlerr_set(err, "42703", f->location,
                              "column \"%s\" specified in USING clause does not exist in left table",
                              using_cols[u]);
        if (rcol[u] < 0)
            return sqlerr_set(err, "42703", f->location,
                              "column \"%s\" specified in USING clause does not exist in right table",
                              using_cols[u]);
        if (!sqlexpr_comparable(L->coltypes[lcol[u]], R->coltypes[rcol[u]]))
            return sqlerr_set(err, "42883", f->location, "operator does not exist: %s = %s",
                              sqlval_type_name(L->coltypes[lcol[u]]),
                              sqlval_type_name(R->coltypes[rcol[u]]));
    }
    /* the join condition, bound before the join's own item exists (PostgreSQL: ON sees the
     * joined items, not the join) */
    if (f->quals) {
        sqlexpr_scope sc;
        level_scope(lv, &sc, "JOIN/ON");
        if (sqlexpr_bind(f->quals, &sc, SQLVAL_BOOL, err)) return SQL_ERR;
        if (f->quals->type != SQLVAL_BOOL && f->quals->type != SQLVAL_UNKNOWN)
            return sqlerr_set(err, "42804", f->quals->location,
                              "argument of JOIN/ON must be type boolean, not type %s",
                              sqlval_type_name(f->quals->type));
    }
    /* the join's own item: merged columns, then the rest of the left, then of the right */
    int nc = L->ncols + R->ncols - nusing;
    sqlexpr_nsitem tmp = *L, tmpr = *R; /* add_ns may move the array */
    int first = nusing ? new_slots(lv, nusing, -1, n->rels) : lv->width;
    if (first < 0) return sqlerr_oom(err);
    sqlexpr_nsitem *J = add_ns(lv, f->alias, nc);
    if (!J) return sqlerr_oom(err);
    n->nmerge = nusing;
    if (nusing) {
        n->mslot = calloc((size_t)nusing, sizeof(int));
        n->mleft = calloc((size_t)nusing, sizeof(int));
        n->mright = calloc((size_t)nusing, sizeof(int));
        n->mtype = calloc((size_t)nusing, sizeof(sqlval_type));
        if (!n->mslot || !n->mleft || !n->mright || !n->mtype) return sqlerr_oom(err);
    }
    if ((tmp.hidden || tmpr.hidden) && !(J->hidden = own(lv, calloc((size_t)nc + 1, sizeof(bool)))))
        return sqlerr_oom(err);
    int k = 0;
    for (int u = 0; u < nusing; u++, k++) {
        sqlval_type lt = tmp.coltypes[lcol[u]], rt = tmpr.coltypes[rcol[u]];
        sqlval_type t = f->jointype == SQLAST_JOIN_INNER || f->jointype == SQLAST_JOIN_LEFT ? lt
                        : f->jointype == SQLAST_JOIN_RIGHT                                 ? rt
                                                                  : sqlexpr_common_type(lt, rt);
        if (t == SQLVAL_UNKNOWN) t = SQLVAL_TEXT;
        n->mslot[u] = first + u;
        n->mleft[u] = tmp.slots[lcol[u]];
        n->mright[u] = tmpr.slots[rcol[u]];
        lv->used[n->mleft[u]] = lv->used[n->mright[u]] = 1; /* USING reads both */
        n->mtype[u] = t;
        J->colnames[k] = tmp.colnames[lcol[u]];
        J->coltypes[k] = t;
        J->slots[k] = first + u;
    }
    for (int i = 0; i < tmp.ncols; i++) {
        bool merged = false;
        for (int u = 0; u < nusing; u++) merged |= lcol[u] == i;
        if (merged) continue;
        if (J->hidden) J->hidden[k] = tmp.hidden && tmp.hidden[i];
        J->colnames[k] = tmp.colnames[i];
        J->coltypes[k] = tmp.coltypes[i];
        J->slots[k++] = tmp.slots[i];
    }
    for (int i = 0; i < tmpr.ncols; i++) {
        bool merged = false;
        for (int u = 0; u < nusing; u++) merged |= rcol[u] == i;
        if (merged) continue;
        if (J->hidden) J->hidden[k] = tmpr.hidden && tmpr.hidden[i];
        J->colnames[k] = tmpr.colnames[i];
        J->coltypes[k] = tmpr.coltypes[i];
        J->slots[k++] = tmpr.slots[i];
    }
    if (f->quals) {
        conjs cj = {0};
        if (conj_add(&cj, f->quals, err)) return SQL_ERR;
        for (int i = 0; i < cj.n; i++)
            if (node_add_qual(n, cj.v[i].e, err)) {
                free(cj.v);
                return SQL_ERR;
            }
        free(cj.v);
    }
    for (int u = 0; u < nusing; u++) { /* USING (c): left.c = right.c */
        sqlast_expr *eq = sqlast_expr_new(SQLAST_OP, f->location);
        sqlast_expr *a = sqlast_expr_new(SQLAST_COLUMN, f->location);
        sqlast_expr *b = sqlast_expr_new(SQLAST_COLUMN, f->location);
        if (!eq || !a || !b || !(a->name = strdup(using_cols[u])) || !(b->name = strdup(using_cols[u])) ||
            sqlast_expr_add_arg(eq, a)) {
            sqlast_expr_free(eq);
            sqlast_expr_free(a);
            sqlast_expr_free(b);
            return sqlerr_oom(err);
        }
        if (sqlast_expr_add_arg(eq, b)) {
            sqlast_expr_free(eq);
            sqlast_expr_free(b);
            return sqlerr_oom(err);
        }
        eq->op = SQLAST_OP_EQ;
        eq->type = SQLVAL_BOOL;
        eq->cost = 1;
        a->colidx = n->mleft[u];
        a->type = tmp.coltypes[lcol[u]];
        b->colidx = n->mright[u];
        b->type = tmpr.coltypes[rcol[u]];
        sqlast_expr **g = realloc(n->owned, (size_t)(n->nowned + 1) * sizeof *g);
        if (!g) {
            sqlast_expr_free(eq);
            return sqlerr_oom(err);
        }
        n->owned = g;
        n->owned[n->nowned++] = eq;
        if (node_add_qual(n, eq, err)) return SQL_ERR;
    }
    /* children's items: hidden behind an alias, else names only */
    for (int i = ns0; i < nsr; i++) {
        lv->ns[i].cols_visible = false;
        if (f->alias) lv->ns[i].rel_visible = false;
    }
    J->rel_visible = f->alias != NULL;
    J->cols_visible = true;
    if (f->ncolnames > nc)
        return sqlerr_set(err, "42P10", f->location,
                          "table \"%s\" has %d columns available but %d columns specified",
                          f->alias ? f->alias : "unnamed_join", nc, f->ncolnames);
    for (int i = 0; i < f->ncolnames; i++) J->colnames[i] = f->colnames[i];
    return SQL_OK;
}

static int plan_from(level *lv, sqlast_from *f, sqlplan_node **out)
{
    bool lateral = false;
    switch (f->kind) {
    case SQLAST_FROM_REL: return plan_rel(lv, f, out);
    case SQLAST_FROM_FUNC: return plan_func(lv, f, out, &lateral);
    case SQLAST_FROM_SUBQUERY: return plan_subquery(lv, f, out, &lateral);
    case SQLAST_FROM_JOIN: return plan_join(lv, f, out);
    }
    return sqlerr_set(lv->pl->err, "XX000", -1, "unexpected FROM item");
}

/* ------------------------------------------------------------------ conjuncts */

static void expr_rels(const level *lv, const sqlast_expr *e, uint64_t *rels, bool *sub)
{
    if (!e) return;
    if (e->kind == SQLAST_SUBLINK) *sub = true;
    if (e->kind == SQLAST_COLUMN && e->levelsup == 0 && e->colidx >= 0 && e->colidx < lv->width) {
        int b = lv->slot_rel[e->colidx];
        *rels |= b >= 0 ? (uint64_t)1 << b : lv->slot_rels[e->colidx];
    }
    for (int i = 0; i < e->nargs; i++) expr_rels(lv, e->args[i], rels, sub);
}

#define PLACE_ABOVE 2 /* place(): the conjunct stays above every join (a top filter) */

/* Puts a WHERE conjunct at the lowest node covering its relations that no outer join above
 * would null them under. */
static int place(sqlplan_node *n, const conj *c, sqlerr *err)
{
    if (n->kind == PN_JOIN && !c->sublink) {
        int jt = n->jointype;
        if ((c->rels & ~n->left->rels) == 0 && (jt == SQLAST_JOIN_INNER || jt == SQLAST_JOIN_LEFT))
            return place(n->left, c, err);
        if ((c->rels & ~n->right->rels) == 0 && !(n->right->ext & n->left->rels) &&
            (jt == SQLAST_JOIN_INNER || jt == SQLAST_JOIN_RIGHT))
            return place(n->right, c, err);
        if (jt == SQLAST_JOIN_INNER) return node_add_qual(n, c->e, err); /* = join condition */
    }
    if (n->kind == PN_JOIN) return PLACE_ABOVE; /* above an outer join: a top filter */
    return node_add_qual(n, c->e, err);
}

/* ------------------------------------------------------------------ keys and join methods */

/* `slot = value` where value does not read this level's rels other than `allowed`. */
static bool key_pair(const level *lv, const sqlast_expr *e, int slot_lo, int slot_hi,
                     uint64_t allowed, int *slot, const sqlast_expr **val)
{
    if (e->kind != SQLAST_OP || e->op != SQLAST_OP_EQ || e->nargs != 2) return false;
    for (int side = 0; side < 2; side++) {
        const sqlast_expr *col = e->args[side], *v = e->args[1 - side];
        if (col->kind != SQLAST_COLUMN || col->levelsup || col->colidx < slot_lo ||
            col->colidx >= slot_hi)
            continue;
        uint64_t r = 0;
        bool sub = false;
        expr_rels(lv, v, &r, &sub);
        if (sub || (r & ~allowed)) continue;
        if (v->kind == SQLAST_SUBLINK) continue;
        *slot = col->colidx;
        *val = v;
        return true;
    }
    return false;
}

/* A key value's type can pick the key bytes exactly: the column's own type, an integer for an
 * integer key, text for text, an untyped literal or parameter for any. */
static bool key_type_ok(sqlval_type col, sqlval_type v)
{
    return v == col || v == SQLVAL_UNKNOWN ||
           (sqlval_type_is_integer(v) && sqlval_type_is_integer(col)) ||
           (sqlval_type_is_text(v) && sqlval_type_is_text(col));
}

/* Fills a scan's leading key values from its conjuncts (values reading `allowed` rels only).
 * Returns how many leading key columns are fixed. */
static int scan_keys(const level *lv, sqlplan_node *scan, const sqlast_expr *const *qs, int nq,
                     uint64_t allowed, const sqlast_expr **keyexpr)
{
    const sqlschema_table *t = scan->table;
    if (!t || sqlvirt_is(t) || t->npk == 0) return 0;
    const sqlast_expr *have[32] = {0};
    for (int i = 0; i < nq; i++) {
        int slot;
        const sqlast_expr *v;
        if (!key_pair(lv, qs[i], scan->offset, scan->offset + t->ncols, allowed, &slot, &v))
            continue;
        int ci = slot - scan->offset;
        int pos = t->cols[ci].pk_pos;
        if (pos < 0 || pos >= 32 || have[pos]) continue;
        if (!key_type_ok(t->cols[ci].type, v->type)) continue;
        have[pos] = v;
    }
    int n = 0;
    while (n < t->npk && n < 32 && have[n]) {
        keyexpr[n] = have[n];
        n++;
    }
    return n;
}

static sqlast_expr *and_of(const sqlast_expr **qs, int n, sqlerr *err)
{
    if (n == 0) return NULL;
    if (n == 1) return (sqlast_expr *)qs[0];
    sqlast_expr *a = sqlast_expr_new(SQLAST_AND, -1);
    if (!a) {
        sqlerr_oom(err);
        return NULL;
    }
    a->args = malloc((size_t)n * sizeof *a->args);
    if (!a->args) {
        free(a);
        sqlerr_oom(err);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        a->args[i] = (sqlast_expr *)qs[i];
        a->cost += qs[i]->cost;
    }
    a->nargs = n;
    a->type = SQLVAL_BOOL;
    return a;
}

/* Whether a side is expected to produce few rows (no statistics yet: key reads, functions,
 * VALUES, and key-lookup joins over such a side). A join reads the inner table's row by key
 * per outer row only then; over a large outer side one pass building a hash of the inner side
 * is cheaper (a point read costs about what a scanned row does). */
static bool few_rows(const sqlplan_node *n)
{
    switch (n->kind) {
    case PN_SCAN: return n->nkeys > 0 || n->ix;
    case PN_FUNC:
    case PN_VALUES:
    case PN_RESULT: return true;
    case PN_FILTER: return few_rows(n->left);
    case PN_JOIN: return n->method == SQLPLAN_LOOKUP && few_rows(n->left);
    default: return false;
    }
}

static bool unfiltered_scan(const sqlplan_node *n)
{
    return n->kind == PN_SCAN && !n->nkeys && !n->nquals;
}

/* ---- the columns a statement names (scans decode only those) ---- */

typedef struct nameset {
    const char **v, **q; /* column names, and the qualifier each was written with (or NULL) */
    int n, cap;
    bool all;    /* a *, NATURAL join or anything that reads every column */
    bool anyqual; /* a join alias qualifies the columns of the tables under it: qualifiers
                   * tell nothing, names alone decide */
} nameset;

static bool same_qual(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void names_add(nameset *s, const char *nm, const char *qual)
{
    if (s->all || !nm) return;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], nm) && same_qual(s->q[i], qual)) return;
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 32;
        const char **g = realloc(s->v, (size_t)nc * sizeof *g);
        if (g) s->v = g;
        const char **gq = g ? realloc(s->q, (size_t)nc * sizeof *gq) : NULL;
        if (!gq) {
            s->all = true;
            return;
        }
        s->q = gq;
        s->cap = nc;
    }
    s->q[s->n] = qual;
    s->v[s->n++] = nm;
}

static void names_stmt(nameset *s, const sqlast_stmt *st);

static void names_expr(nameset *s, const sqlast_expr *e)
{
    if (!e || s->all) return;
    if (e->kind == SQLAST_COLUMN) names_add(s, e->name, e->qualifier);
    if (e->kind == SQLAST_EXCLUDED) names_add(s, e->name, NULL);
    if (e->kind == SQLAST_STAR || (e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "helios_digest")))
        s->all = true;
    for (int i = 0; i < e->nargs; i++) names_expr(s, e->args[i]);
    names_expr(s, e->filter);
    for (int i = 0; i < e->naorder; i++) names_expr(s, e->aorder[i].expr);
    if (e->win) {
        for (int i = 0; i < e->win->npartition; i++) names_expr(s, e->win->partition[i]);
        for (int i = 0; i < e->win->norder; i++) names_expr(s, e->win->order[i].expr);
    }
    if (e->sub) names_stmt(s, e->sub);
}

static void names_from(nameset *s, const sqlast_from *f)
{
    if (!f || s->all) return;
    /* NATURAL joins read columns unnamed; aliases rename a table's columns */
    if (f->natural || (f->ncolnames && (f->kind == SQLAST_FROM_REL || f->kind == SQLAST_FROM_JOIN)))
        s->all = true;
    if (f->kind == SQLAST_FROM_JOIN && f->alias) s->anyqual = true;
    for (int i = 0; i < f->nusing; i++) names_add(s, f->using_cols[i], NULL);
    names_expr(s, f->func);
    names_expr(s, f->quals);
    if (f->sub) names_stmt(s, f->sub);
    names_from(s, f->larg);
    names_from(s, f->rarg);
}

static void names_stmt(nameset *s, const sqlast_stmt *st)
{
    if (!st || s->all) return;
    for (int i = 0; i < st->ntargets; i++) names_expr(s, st->targets[i].expr);
    names_expr(s, st->where);
    for (int i = 0; i < st->ngroup; i++) names_expr(s, st->group[i]);
    names_expr(s, st->having);
    for (int i = 0; i < st->norder; i++) names_expr(s, st->order[i].expr);
    for (int i = 0; i < st->ndistinct_on; i++) names_expr(s, st->distinct_on[i]);
    names_expr(s, st->limit);
    names_expr(s, st->offset);
    for (int i = 0; i < st->nfrom; i++) names_from(s, st->from[i]);
    for (int i = 0; i < st->nctes; i++) names_stmt(s, st->ctes[i].query);
    names_stmt(s, st->larg);
    names_stmt(s, st->rarg);
    for (int r = 0; r < st->nrows; r++)
        for (int c = 0; c < st->nvalues; c++) names_expr(s, st->rows[r][c]);
    names_stmt(s, st->select); /* INSERT ... SELECT, EXPLAIN, CREATE VIEW */
    for (int i = 0; i < st->nset; i++) names_expr(s, st->set[i].expr);
}

/* Marks the columns of a scan the planner's statement names (by name, at any level: a name
 * another item or level also has costs only a decode). */
static int scan_need(planner *pl, sqlplan_node *n, sqlerr *err)
{
    if (!pl->prune || !n->table || sqlvirt_is(n->table) || pl->plan->want_raw) return SQL_OK;
    nameset s = {0};
    names_stmt(&s, pl->top);
    if (s.all) {
        free(s.v);
        free(s.q);
        return SQL_OK;
    }
    if (!(n->need = calloc((size_t)n->table->ncols + 1, sizeof(bool)))) {
        free(s.v);
        free(s.q);
        return sqlerr_oom(err);
    }
    for (int i = 0; i < n->table->ncols; i++)
        for (int k = 0; k < s.n && !n->need[i]; k++)
            if (!strcmp(s.v[k], n->table->cols[i].name) &&
                (s.anyqual || !s.q[k] || !n->qual_alias || !strcmp(s.q[k], n->qual_alias) ||
                 (n->qual_table && !strcmp(s.q[k], n->qual_table)) || strpbrk(s.q[k], ".\x1e")))
                n->need[i] = true;
    free(s.v);
    free(s.q);
    return SQL_OK;
}

/* ------------------------------------------------------------------ secondary indexes */

/* The column slot of `e` when it is a plain column of this scan, else -1. */
static int scan_col(const sqlplan_node *scan, const sqlast_expr *e)
{
    if (e->kind != SQLAST_COLUMN || e->levelsup || e->colidx < scan->offset ||
        e->colidx >= scan->offset + scan->table->ncols)
        return -1;
    return e->colidx - scan->offset;
}

/* A value reading no relation of this level but `allowed` (constants, parameters, outer
 * columns; the outer side of a join for an index lookup per outer row). */
static bool outside_value_of(const level *lv, const sqlast_expr *v, uint64_t allowed)
{
    uint64_t r = 0;
    bool sub = false;
    expr_rels(lv, v, &r, &sub);
    return !sub && !(r & ~allowed) && v->kind != SQLAST_SUBLINK;
}

typedef struct ixcand {
    const sqlast_expr *eq, *in, *lo, *hi, *like;
    bool lo_incl, hi_incl;
} ixcand;

/* An index key: a column of the scan (ci), or an expression bound over the table (x). */
typedef struct ixkey {
    int ci;
    const sqlast_expr *x;
    sqlval_type type;
} ixkey;

/* Whether query expression q (bound in the level, the table's columns at offset) is index
 * expression ix (bound over the table alone). */
static bool expr_same(const sqlast_expr *q, const sqlast_expr *ix, int offset)
{
    if (!q || !ix) return q == ix;
    if (q->kind != ix->kind || q->nargs != ix->nargs || q->type != ix->type) return false;
    switch (q->kind) {
    case SQLAST_COLUMN:
        return !q->levelsup && !ix->levelsup && q->colidx == ix->colidx + offset;
    case SQLAST_CONST: {
        if (q->value.isnull != ix->value.isnull) return false;
        if (q->value.isnull) return true;
        char *a = NULL, *b = NULL;
        size_t al = 0, bl = 0;
        bool same = !sqlval_to_text(&q->value, &a, &al, NULL) &&
                    !sqlval_to_text(&ix->value, &b, &bl, NULL) && al == bl && !memcmp(a, b, al);
        free(a);
        free(b);
        return same;
    }
    case SQLAST_FUNC:
        if (!q->name || !ix->name || strcmp(q->name, ix->name)) return false;
        break;
    case SQLAST_CAST:
        if (q->cast_type != ix->cast_type || q->cast_typmod != ix->cast_typmod) return false;
        break;
    case SQLAST_OP:
    case SQLAST_ANY:
    case SQLAST_LIKE:
    case SQLAST_NULLTEST:
    case SQLAST_BOOLTEST:
    case SQLAST_IN:
    case SQLAST_BETWEEN:
    case SQLAST_NOT:
    case SQLAST_AND:
    case SQLAST_OR:
    case SQLAST_CASE:
    case SQLAST_ARRAY:
        if (q->op != ix->op || q->negate != ix->negate || q->icase != ix->icase || q->all != ix->all)
            return false;
        break;
    default: return false;
    }
    for (int i = 0; i < q->nargs; i++)
        if (!expr_same(q->args[i], ix->args[i], offset)) return false;
    return true;
}

static bool key_is(const sqlplan_node *scan, const sqlast_expr *e, const ixkey *k)
{
    if (k->x) return expr_same(e, k->x, scan->offset);
    return scan_col(scan, e) == k->ci;
}

/* What the conjuncts say about column ci of the scan (values reading only `allowed`). */
static void col_conds(const level *lv, const sqlplan_node *scan, const sqlast_expr *const *qs,
                      int nq, const ixkey *key, uint64_t allowed, ixcand *c)
{
#define outside_value(lv, v) outside_value_of(lv, v, allowed)
#define scan_col(scan, e) (key_is(scan, e, key) ? 0 : -1)
    const int ci = 0; /* what scan_col gives for the key */
    memset(c, 0, sizeof *c);
    sqlval_type ct = key->type;
    for (int i = 0; i < nq; i++) {
        const sqlast_expr *e = qs[i];
        if (e->kind == SQLAST_OP && e->nargs == 2 && e->op >= SQLAST_OP_EQ && e->op <= SQLAST_OP_GE &&
            e->op != SQLAST_OP_NE) {
            for (int side = 0; side < 2; side++) {
                const sqlast_expr *col = e->args[side], *v = e->args[1 - side];
                if (scan_col(scan, col) != ci || !outside_value(lv, v) || !key_type_ok(ct, v->type))
                    continue;
                int op = e->op;
                if (side == 1) /* v op col: flip */
                    op = op == SQLAST_OP_LT ? SQLAST_OP_GT : op == SQLAST_OP_GT ? SQLAST_OP_LT
                         : op == SQLAST_OP_LE ? SQLAST_OP_GE : op == SQLAST_OP_GE ? SQLAST_OP_LE : op;
                if (op == SQLAST_OP_EQ && !c->eq) c->eq = v;
                else if ((op == SQLAST_OP_GT || op == SQLAST_OP_GE) && !c->lo) c->lo = v, c->lo_incl = op == SQLAST_OP_GE;
                else if ((op == SQLAST_OP_LT || op == SQLAST_OP_LE) && !c->hi) c->hi = v, c->hi_incl = op == SQLAST_OP_LE;
                break;
            }
        } else if (e->kind == SQLAST_BETWEEN && !e->negate && e->nargs == 3 &&
                   scan_col(scan, e->args[0]) == ci && !c->lo && !c->hi &&
                   outside_value(lv, e->args[1]) && outside_value(lv, e->args[2]) &&
                   key_type_ok(ct, e->args[1]->type) && key_type_ok(ct, e->args[2]->type)) {
            c->lo = e->args[1];
            c->hi = e->args[2];
            c->lo_incl = c->hi_incl = true;
        } else if (e->kind == SQLAST_IN && !e->negate && e->nargs >= 2 &&
                   scan_col(scan, e->args[0]) == ci && !c->in) {
            bool ok = true;
            for (int k = 1; k < e->nargs && ok; k++)
                ok = outside_value(lv, e->args[k]) && key_type_ok(ct, e->args[k]->type);
            if (ok) c->in = e;
        } else if (e->kind == SQLAST_ANY && !e->all && e->op == SQLAST_OP_EQ && e->nargs == 2 &&
                   scan_col(scan, e->args[0]) == ci && !c->in && outside_value(lv, e->args[1]) &&
                   (e->args[1]->type == SQLVAL_UNKNOWN || sqlval_array_elem(e->args[1]->type) == ct ||
                    (sqlval_type_is_integer(ct) && sqlval_type_is_integer(sqlval_array_elem(e->args[1]->type))) ||
                    (sqlval_type_is_text(ct) && sqlval_type_is_text(sqlval_array_elem(e->args[1]->type))))) {
            c->in = e;
        } else if (e->kind == SQLAST_OR && e->nargs >= 2 && !c->in) {
            /* col = a OR col = b ...: a list (each value read from the index, as a bitmap OR) */
            bool ok = true;
            for (int k = 0; k < e->nargs && ok; k++) {
                const sqlast_expr *a = e->args[k];
                ok = a->kind == SQLAST_OP && a->op == SQLAST_OP_EQ && a->nargs == 2;
                int side = ok && scan_col(scan, a->args[0]) == ci ? 0
                           : ok && scan_col(scan, a->args[1]) == ci ? 1 : -1;
                ok = ok && side >= 0 && outside_value(lv, a->args[1 - side]) &&
                     key_type_ok(ct, a->args[1 - side]->type);
            }
            if (ok) c->in = e;
        } else if (e->kind == SQLAST_LIKE && !e->negate && !e->icase && e->nargs == 2 &&
                   scan_col(scan, e->args[0]) == ci && sqlval_type_is_text(ct) && !c->like &&
                   outside_value(lv, e->args[1])) {
            c->like = e; /* LIKE 'abc%': the range of the pattern's fixed prefix */
        }
    }
#undef outside_value
#undef scan_col
}

/* The keys of index d over table t: columns, or expressions bound over t (*bx keeps them;
 * the caller frees it). -1 when they cannot be had (a column gone, an expression that no
 * longer binds). */
static int index_keys(const sqlindex_def *d, const sqlschema_table *t, ixkey *keys,
                      sqlindex_exprs **bx)
{
    sqlerr ignore;
    if (sqlindex_exprs_bind(d, t, bx, &ignore)) return -1;
    for (int k = 0; k < d->ncols; k++) {
        keys[k].x = d->expr[k] ? sqlindex_exprs_get(*bx, k) : NULL;
        keys[k].ci = d->expr[k] ? -1 : sqlindex_col_index(t, d->col[k]);
        keys[k].type = sqlindex_key_type(d, *bx, t, k);
        if (keys[k].ci < 0 && !keys[k].x) {
            sqlindex_exprs_free(*bx);
            *bx = NULL;
            return -1;
        }
    }
    return 0;
}

/* A conjunct a gin index on column ci serves: v = ANY(col) or col @> array, v and the array
 * reading nothing of this level but `allowed`. */
static const sqlast_expr *gin_cond(const level *lv, const sqlplan_node *scan,
                                   const sqlast_expr *const *qs, int nq, int ci, uint64_t allowed)
{
    for (int i = 0; i < nq; i++) {
        const sqlast_expr *e = qs[i];
        if (e->kind == SQLAST_ANY && !e->all && !e->negate && e->op == SQLAST_OP_EQ &&
            e->nargs == 2 && scan_col(scan, e->args[1]) == ci &&
            outside_value_of(lv, e->args[0], allowed))
            return e;
        if (e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, "@>") && e->nargs == 2 &&
            scan_col(scan, e->args[0]) == ci && outside_value_of(lv, e->args[1], allowed))
            return e;
    }
    return NULL;
}

/* Picks the ready index that fixes the most leading columns (equalities, then one list, range
 * or LIKE prefix), if any fixes at least its first, from conjuncts qs whose values read no
 * relation but `allowed`. 1 chosen, 0 none, SQL_ERR. */
static int choose_index(level *lv, sqlplan_node *n, const sqlast_expr *const *qs, int nq,
                        uint64_t allowed, sqlerr *err)
{
    const sqlschema_table *t = n->table;
    if (!t || sqlvirt_is(t) || !nq) return 0;
    const sqlindex_def **v;
    int nv;
    if (sx_index_view(lv->pl->s, &v, &nv)) return sqlerr_oom(err);
    int best = -1, best_score = 0;
    for (int x = 0; x < nv; x++) {
        const sqlindex_def *d = v[x];
        if (d->table_id != t->id || !sx_index_ready(lv->pl->s, d->oid, NULL)) continue;
        int score = 0;
        if (d->gin) {
            int ci = sqlindex_col_index(t, d->col[0]);
            if (ci >= 0 && gin_cond(lv, n, qs, nq, ci, allowed)) score = 4;
            if (score > best_score) best_score = score, best = x;
            continue;
        }
        ixkey keys[SQLINDEX_MAX_COLUMNS];
        sqlindex_exprs *bx = NULL;
        if (index_keys(d, t, keys, &bx)) continue;
        for (int k = 0; k < d->ncols; k++) {
            if (keys[k].ci < 0 && !keys[k].x) break;
            ixcand c;
            col_conds(lv, n, qs, nq, &keys[k], allowed, &c);
            if (c.eq) {
                score += 4;
                continue;
            }
            if (c.in) score += 3;
            else if (c.lo || c.hi) score += c.lo && c.hi ? 2 : 1;
            else if (c.like && !(d->opt[k] & SQLINDEX_DESC)) score += 1;
            break;
        }
        sqlindex_exprs_free(bx);
        if (d->unique && score == 4 * d->ncols) score += 2; /* one row at most */
        if (score > best_score) best_score = score, best = x;
    }
    if (best < 0) {
        free(v);
        return 0;
    }
    const sqlindex_def *d = v[best];
    free(v);
    sqlindex_free(n->ix);
    n->ix = NULL;
    n->ixin = n->ixlo = n->ixhi = n->ixlike = n->ixgin = NULL;
    if (sqlindex_copy(d, &n->ix, err)) return SQL_ERR;
    n->nixeq = 0;
    if (d->gin) {
        n->ixgin = gin_cond(lv, n, qs, nq, sqlindex_col_index(t, d->col[0]), allowed);
        n->what = "Index Scan";
        return 1;
    }
    ixkey keys[SQLINDEX_MAX_COLUMNS];
    sqlindex_exprs *bx = NULL;
    if (index_keys(d, t, keys, &bx)) return 0;
    for (int k = 0; k < d->ncols; k++) n->ixtype[k] = keys[k].type;
    for (int k = 0; k < d->ncols; k++) {
        ixcand c;
        col_conds(lv, n, qs, nq, &keys[k], allowed, &c);
        if (c.eq) {
            n->ixeq[n->nixeq++] = c.eq;
            continue;
        }
        if (c.in) {
            n->ixin = c.in;
            if (c.in->kind == SQLAST_OR) { /* which side of each arm is the value */
                free(n->ixor_side);
                if (!(n->ixor_side = calloc((size_t)c.in->nargs + 1, 1))) {
                    sqlindex_exprs_free(bx);
                    return sqlerr_oom(err);
                }
                for (int a = 0; a < c.in->nargs; a++)
                    n->ixor_side[a] = key_is(n, c.in->args[a]->args[0], &keys[k]) ? 1 : 0;
            }
        } else if (c.lo || c.hi) {
            n->ixlo = c.lo;
            n->ixhi = c.hi;
            n->ixlo_incl = c.lo_incl;
            n->ixhi_incl = c.hi_incl;
        } else if (c.like && !(d->opt[k] & SQLINDEX_DESC)) {
            n->ixlike = c.like;
        }
        break;
    }
    sqlindex_exprs_free(bx);
    n->what = "Index Scan";
    return 1;
}

/* Whether a hash join's match on the equality e is the equality itself: both sides of one
 * type whose = is sqlval_compare's equality, the one the join's hash table matches with
 * (sqlops_equal), so the condition needs no second evaluation. */
static bool hash_decides(const sqlast_expr *e)
{
    sqlval_type t = e->args[0]->type;
    if (t != e->args[1]->type) return false;
    switch (t) {
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NUMERIC:
    case SQLVAL_UUID:
    case SQLVAL_BOOL: return true;
    default: return false;
    }
}

/* Finishes the FROM tree: scan keys, join methods, the AND nodes of the conjunct lists. */
static int finish_tree(level *lv, sqlplan_node *n, sqlerr *err)
{
    if (!n) return SQL_OK;
    if (finish_tree(lv, n->left, err) || finish_tree(lv, n->right, err)) return SQL_ERR;
    if (n->kind == PN_FUNC || n->kind == PN_SUBQUERY) n->ext = n->lrels & ~n->rels;
    else if (n->kind == PN_JOIN) n->ext = (n->left->ext | n->right->ext) & ~n->rels;
    else if (n->left) n->ext = n->left->ext;
    if (n->kind == PN_SCAN) {
        if (scan_need(lv->pl, n, err)) return SQL_ERR;
        n->nkeys = scan_keys(lv, n, n->quals, n->nquals, 0, n->keyexpr);
        if (n->nkeys) n->what = n->nkeys == n->table->npk ? "Index Scan" : "Index Range Scan";
        if (n->table && n->nkeys < n->table->npk &&
            choose_index(lv, n, n->quals, n->nquals, 0, err) < 0)
            return SQL_ERR;
    }
    if (n->kind == PN_JOIN) {
        /* the ON condition's conjuncts join the node's own (WHERE conjuncts placed here) */
        sqlplan_node *r = n->right;
        int jt = n->jointype;
        /* key lookup: the inner side is a stored table whose whole key the condition fixes
         * from the outer row */
        if (r->kind == PN_SCAN && !sqlvirt_is(r->table) && r->table->npk &&
            (jt == SQLAST_JOIN_INNER || jt == SQLAST_JOIN_LEFT) && few_rows(n->left)) {
            const sqlast_expr *ke[32];
            /* the inner scan's own conjuncts may fix key columns with constants too */
            const sqlast_expr **all = malloc((size_t)(n->nquals + r->nquals + 1) * sizeof *all);
            if (!all) return sqlerr_oom(err);
            int na = 0;
            for (int i = 0; i < n->nquals; i++) all[na++] = n->quals[i];
            for (int i = 0; i < r->nquals; i++) all[na++] = r->quals[i];
            int nk = scan_keys(lv, r, all, na, n->left->rels, ke);
            const sqlast_expr **all2 = all; /* kept for the index choice below */
            if (nk == r->table->npk) {
                memcpy(r->keyexpr, ke, sizeof ke);
                r->nkeys = nk;
                r->what = "Index Scan";
                n->method = SQLPLAN_LOOKUP;
                n->rescan = true;
                n->what = "Nested Loop";
            } else if (r->nkeys < r->table->npk) {
                /* a secondary index the condition fixes from the outer row: an index read
                 * per outer row (posts of an author, lines of an order) */
                int ci = choose_index(lv, r, all2, na, n->left->rels, err);
                if (ci < 0) {
                    free(all2);
                    return SQL_ERR;
                }
                bool from_outer = false;
                if (ci == 1 && r->ixgin) {
                    uint64_t rr = 0;
                    bool sub = false;
                    expr_rels(lv, r->ixgin, &rr, &sub);
                    from_outer = (rr & n->left->rels) != 0;
                }
                for (int k = 0; ci == 1 && k < r->nixeq; k++) {
                    uint64_t rr = 0;
                    bool sub = false;
                    expr_rels(lv, r->ixeq[k], &rr, &sub);
                    from_outer |= (rr & n->left->rels) != 0;
                }
                if (from_outer) {
                    n->method = SQLPLAN_LOOKUP;
                    n->rescan = true;
                    n->what = "Nested Loop";
                } else if (ci == 1) {
                    /* only the scan's own constants: keep what its own conjuncts chose */
                    if (choose_index(lv, r, r->quals, r->nquals, 0, err) < 0) {
                        free(all2);
                        return SQL_ERR;
                    }
                }
            }
            free(all2);
        }
        /* the inner side reads the outer side's items (LATERAL): reopened per outer row */
        if (r->ext & n->left->rels) {
            if (jt == SQLAST_JOIN_RIGHT || jt == SQLAST_JOIN_FULL)
                return sqlerr_set(err, "42601", -1,
                                  "The combining JOIN type must be INNER or LEFT for a LATERAL reference.");
        }
        if (n->method != SQLPLAN_LOOKUP && (r->ext & n->left->rels)) {
            n->rescan = true;
            n->method = SQLPLAN_NL;
        } else if (n->method != SQLPLAN_LOOKUP) {
            /* hash keys: equalities between the two sides */
            n->lkeys = calloc((size_t)n->nquals + 1, sizeof *n->lkeys);
            n->rkeys = calloc((size_t)n->nquals + 1, sizeof *n->rkeys);
            if (!n->lkeys || !n->rkeys) return sqlerr_oom(err);
            for (int i = 0; i < n->nquals; i++) {
                const sqlast_expr *e = n->quals[i];
                if (e->kind != SQLAST_OP || e->op != SQLAST_OP_EQ || e->nargs != 2) continue;
                uint64_t a = 0, b = 0;
                bool sa = false, sb = false;
                expr_rels(lv, e->args[0], &a, &sa);
                expr_rels(lv, e->args[1], &b, &sb);
                if (sa || sb || !a || !b) continue;
                if (!sqlexpr_comparable(e->args[0]->type, e->args[1]->type)) continue;
                /* date = timestamp(tz) compares converted values: no common hash */
                if (e->args[0]->type != e->args[1]->type &&
                    (sqldate_is_type(e->args[0]->type) || sqldate_is_type(e->args[1]->type)))
                    continue;
                int k0 = n->nhkeys;
                if ((a & ~n->left->rels) == 0 && (b & ~n->right->rels) == 0) {
                    n->lkeys[n->nhkeys] = e->args[0];
                    n->rkeys[n->nhkeys++] = e->args[1];
                } else if ((b & ~n->left->rels) == 0 && (a & ~n->right->rels) == 0) {
                    n->lkeys[n->nhkeys] = e->args[1];
                    n->rkeys[n->nhkeys++] = e->args[0];
                }
                if (n->nhkeys > k0 && hash_decides(e)) n->quals[i] = NULL;
            }
            /* an equality the hash decides exactly is not checked again on each match */
            int kept = 0;
            for (int i = 0; i < n->nquals; i++)
                if (n->quals[i]) n->quals[kept++] = n->quals[i];
            n->nquals = kept;
            if (n->nhkeys) {
                n->method = SQLPLAN_HASH;
                n->what = "Hash Join";
                /* hash the side more likely small (no statistics yet: a filtered or keyed
                 * scan over an unfiltered one); an inner join's sides are interchangeable */
                if (jt == SQLAST_JOIN_INNER && unfiltered_scan(n->right) && !unfiltered_scan(n->left)) {
                    sqlplan_node *t = n->left;
                    n->left = n->right;
                    n->right = t;
                    n->rrels = n->right->rels;
                    const sqlast_expr **k = n->lkeys;
                    n->lkeys = n->rkeys;
                    n->rkeys = k;
                }
            }
            if (jt == SQLAST_JOIN_FULL) {
                /* PostgreSQL runs a FULL join only as a merge or hash join: every condition
                 * must be an equality between the sides (or a constant) */
                int other = 0;
                for (int i = 0; i < n->nquals; i++) {
                    bool key = false;
                    for (int k = 0; k < n->nhkeys; k++)
                        key |= n->quals[i]->nargs == 2 && (n->quals[i]->args[0] == n->lkeys[k] ||
                                                           n->quals[i]->args[1] == n->lkeys[k]);
                    uint64_t qr = 0;
                    bool qs = false;
                    expr_rels(lv, n->quals[i], &qr, &qs);
                    /* a condition on one side only filters that side's matches */
                    other += !key && (qr & n->left->rels) && (qr & n->right->rels);
                }
                /* with one equality to hash on, the other conditions filter the matches */
                if (other && !n->nhkeys)
                    return sqlerr_set(err, "0A000", -1,
                                      "FULL JOIN is only supported with merge-joinable or "
                                      "hash-joinable join conditions");
            }
        }
    }
    if (n->nquals && !(n->qual = and_of(n->quals, n->nquals, err))) return SQL_ERR;
    return SQL_OK;
}

static void set_width(sqlplan_node *n, int w)
{
    if (!n) return;
    n->width = w;
    set_width(n->left, w);
    set_width(n->right, w);
}

/* ------------------------------------------------------------------ the query level */


typedef struct outcols {
    const sqlast_expr **exprs; /* NULL entry: slot */
    int *slot;
    char **names;
    sqlval_type *types, *utypes;
    int n, cap;
} outcols;

static int out_add(outcols *o, const sqlast_expr *e, int slot, const char *name, sqlval_type t,
                   sqlerr *err)
{
    if (o->n == o->cap) {
        int nc = o->cap ? o->cap * 2 : 16;
        const sqlast_expr **a = realloc(o->exprs, (size_t)nc * sizeof *a);
        if (a) o->exprs = a;
        int *b = realloc(o->slot, (size_t)nc * sizeof *b);
        if (b) o->slot = b;
        char **c = realloc(o->names, (size_t)nc * sizeof *c);
        if (c) o->names = c;
        sqlval_type *d = realloc(o->types, (size_t)nc * sizeof *d);
        if (d) o->types = d;
        sqlval_type *u = realloc(o->utypes, (size_t)nc * sizeof *u);
        if (u) o->utypes = u;
        if (!a || !b || !c || !d || !u) return sqlerr_oom(err);
        o->cap = nc;
    }
    o->exprs[o->n] = e;
    o->slot[o->n] = slot;
    o->names[o->n] = (char *)name;
    o->types[o->n] = t == SQLVAL_UNKNOWN ? SQLVAL_TEXT : t;
    o->utypes[o->n] = t;
    o->n++;
    return SQL_OK;
}

static void out_free(outcols *o)
{
    free(o->exprs);
    free(o->slot);
    free(o->names);
    free(o->types);
    free(o->utypes);
}

/* Structural equality of bound expressions (GROUP BY matching). */
static bool expr_equal(const sqlast_expr *a, const sqlast_expr *b);

bool sqlplan_expr_equal(const sqlast_expr *a, const sqlast_expr *b)
{
    return expr_equal(a, b);
}

static bool expr_equal(const sqlast_expr *a, const sqlast_expr *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->nargs != b->nargs || a->op != b->op || a->negate != b->negate)
        return false;
    switch (a->kind) {
    case SQLAST_COLUMN: return a->colidx == b->colidx && a->levelsup == b->levelsup;
    case SQLAST_CONST: {
        if (a->value.isnull || b->value.isnull) return a->value.isnull && b->value.isnull;
        int c;
        sqlerr e;
        return a->value.type == b->value.type && !sqlval_compare(&a->value, &b->value, &c, &e) && !c;
    }
    case SQLAST_PARAM: return a->param == b->param;
    case SQLAST_FUNC:
    case SQLAST_AGG:
        if (strcmp(a->name, b->name) || a->star != b->star || a->distinct != b->distinct) return false;
        break;
    case SQLAST_CAST:
        if (a->cast_type != b->cast_type) return false;
        break;
    case SQLAST_SUBLINK: return false;
    default: break;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* 42803 for a column used outside an aggregate that GROUP BY does not determine. */
static int check_grouped(const level *lv, const sqlast_expr *e, sqlerr *err)
{
    if (!e) return SQL_OK;
    for (int i = 0; i < lv->st->ngroup; i++)
        if (expr_equal(e, lv->st->group[i])) return SQL_OK;
    if (e->kind == SQLAST_AGG) return SQL_OK;
    if (e->kind == SQLAST_WINFUNC) { /* its arguments and window are evaluated per group */
        for (int i = 0; i < e->nargs; i++)
            if (check_grouped(lv, e->args[i], err)) return SQL_ERR;
        for (int i = 0; i < e->win->npartition; i++)
            if (check_grouped(lv, e->win->partition[i], err)) return SQL_ERR;
        for (int i = 0; i < e->win->norder; i++)
            if (check_grouped(lv, e->win->order[i].expr, err)) return SQL_ERR;
        return SQL_OK;
    }
    if (e->kind == SQLAST_COLUMN && e->levelsup == 0) {
        /* a table's other columns are determined when GROUP BY has its whole primary key */
        int b = e->colidx < lv->width ? lv->slot_rel[e->colidx] : -1;
        if (b >= 0 && lv->rels[b].node->kind == PN_SCAN && lv->rels[b].node->table->npk) {
            const sqlplan_node *sn = lv->rels[b].node;
            int got = 0;
            for (int k = 0; k < sn->table->npk; k++)
                for (int g = 0; g < lv->st->ngroup; g++) {
                    const sqlast_expr *ge = lv->st->group[g];
                    if (ge->kind == SQLAST_COLUMN && !ge->levelsup &&
                        ge->colidx == sn->offset + sn->table->pk[k]) {
                        got++;
                        break;
                    }
                }
            if (got == sn->table->npk) return SQL_OK;
        }
        const char *relname = NULL;
        for (int i = 0; i < lv->nns && !relname; i++)
            for (int c = 0; c < lv->ns[i].ncols; c++)
                if (lv->ns[i].slots[c] == e->colidx && lv->ns[i].name && lv->ns[i].rel_visible) {
                    relname = lv->ns[i].name;
                    break;
                }
        if (relname)
            return sqlerr_set(err, "42803", e->location,
                              "column \"%s.%s\" must appear in the GROUP BY clause or be used in "
                              "an aggregate function",
                              relname, e->name);
        return sqlerr_set(err, "42803", e->location,
                          "column \"%s\" must appear in the GROUP BY clause or be used in an "
                          "aggregate function",
                          e->name);
    }
    for (int i = 0; i < e->nargs; i++)
        if (check_grouped(lv, e->args[i], err)) return SQL_ERR;
    return SQL_OK;
}

/* ---- grouping sets ----
 * A grouping expression that some set leaves out reads NULL in that set's rows: each
 * occurrence outside aggregates (in the select list, HAVING, ORDER BY, window clauses) becomes
 * the aggregate _groupkey(expr), which the aggregation node (sqlops.c agg_pass) gives the
 * group's value when the row's set holds the expression and NULL when it does not. The node is
 * turned into the aggregate in place, its old content moving to a new argument node, so every
 * pointer to it stays valid; an expression inside _groupkey is not visited again (planning the
 * same statement twice rewrites nothing twice). */

/* The sets holding an expression equal to e, over all sets: true when some set lacks it. */
static bool gs_partial(const sqlast_stmt *st, const sqlast_expr *e)
{
    uint64_t eq = 0;
    for (int g = 0; g < st->ngroup && g < 64; g++)
        if (expr_equal(st->group[g], e)) eq |= (uint64_t)1 << g;
    if (!eq) return false;
    for (int k = 0; k < st->ngsets; k++)
        if (!(st->gsets[k] & eq)) return true;
    return false;
}

static int gs_wrap(sqlast_stmt *st, sqlast_expr *x, sqlerr *err)
{
    sqlast_expr *inner = sqlast_expr_new(SQLAST_AGG, x->location);
    sqlast_expr **args = malloc(sizeof *args);
    char *name = strdup("_groupkey");
    sqlast_expr **aggs = realloc(st->aggs, (size_t)(st->naggs + 1) * sizeof *aggs);
    if (aggs) st->aggs = aggs;
    if (!inner || !args || !name || !aggs) {
        sqlast_expr_free(inner);
        free(args);
        free(name);
        return sqlerr_oom(err);
    }
    sqlast_expr tmp = *x; /* x becomes _groupkey(copy of x) */
    *x = *inner;
    *inner = tmp;
    free(x->name);
    x->name = name;
    x->args = args;
    x->args[0] = inner;
    x->nargs = 1;
    x->type = inner->type;
    x->aggno = st->naggs;
    st->aggs[st->naggs++] = x;
    return SQL_OK;
}

static int gs_rewrite(sqlast_stmt *st, sqlast_expr *e, sqlerr *err)
{
    if (!e || e->kind == SQLAST_AGG || e->kind == SQLAST_SUBLINK) return SQL_OK;
    if (gs_partial(st, e)) return gs_wrap(st, e, err);
    for (int i = 0; i < e->nargs; i++)
        if (gs_rewrite(st, e->args[i], err)) return SQL_ERR;
    if (e->kind == SQLAST_WINFUNC && e->win) {
        for (int i = 0; i < e->win->npartition; i++)
            if (gs_rewrite(st, e->win->partition[i], err)) return SQL_ERR;
        for (int i = 0; i < e->win->norder; i++)
            if (gs_rewrite(st, e->win->order[i].expr, err)) return SQL_ERR;
    }
    return SQL_OK;
}

/* 42803 unless every argument of every GROUPING() is a grouping expression; with grouping
 * sets, the outputs' grouping expressions rewritten (above). owned collects the expressions
 * made for slot outputs. */
static int gs_prepare(level *lv, outcols *o, sqlast_expr ***owned, int *nowned, sqlerr *err)
{
    sqlast_stmt *st = lv->st;
    for (int i = 0; i < st->naggs; i++) {
        const sqlast_expr *a = st->aggs[i];
        if (strcmp(a->name, "grouping")) continue;
        for (int k = 0; k < a->nargs; k++) {
            bool found = false;
            for (int g = 0; g < st->ngroup && !found; g++) found = expr_equal(st->group[g], a->args[k]);
            if (!found)
                return sqlerr_set(err, "42803", a->args[k]->location,
                                  "arguments to GROUPING must be grouping expressions of the "
                                  "associated query level");
        }
    }
    if (!st->ngsets) return SQL_OK;
    for (int i = 0; i < o->n; i++) {
        if (o->exprs[i]) {
            if (gs_rewrite(st, (sqlast_expr *)o->exprs[i], err)) return SQL_ERR;
            continue;
        }
        sqlast_expr col = {.kind = SQLAST_COLUMN, .colidx = o->slot[i], .location = -1};
        if (!gs_partial(st, &col)) continue;
        sqlast_expr *c = sqlast_expr_new(SQLAST_COLUMN, -1);
        sqlast_expr **g = realloc(*owned, (size_t)(*nowned + 1) * sizeof *g);
        if (g) *owned = g;
        if (!c || !g) {
            sqlast_expr_free(c);
            return sqlerr_oom(err);
        }
        c->colidx = o->slot[i];
        c->type = o->types[i];
        if (o->names[i] && !(c->name = strdup(o->names[i]))) {
            sqlast_expr_free(c);
            return sqlerr_oom(err);
        }
        (*owned)[(*nowned)++] = c;
        if (gs_wrap(st, c, err)) return SQL_ERR;
        o->exprs[i] = c;
    }
    return gs_rewrite(st, st->having, err);
}

static bool has_lockable(const level *lv)
{
    return lv->nrels == 1 && lv->rels[0].node->kind == PN_SCAN && !sqlvirt_is(lv->rels[0].node->table);
}

/* ORDER BY item i of a query whose output is o: an output column (position, or a bare name
 * naming one) or -1 (an expression, bound in sc). */
static int order_output(const sqlast_stmt *st, int i, const outcols *o, int nout, sqlerr *err)
{
    const sqlast_expr *e = st->order[i].expr;
    if (e->kind == SQLAST_CONST && sqlval_type_is_integer(e->value.type) && !e->value.isnull) {
        int64_t k = e->value.u.i;
        if (k < 1 || k > nout)
            return sqlerr_set(err, "42P10", e->location, "ORDER BY position %lld is not in select list",
                              (long long)k) - 1;
        return (int)k - 1;
    }
    if (e->kind == SQLAST_COLUMN && !e->qualifier) {
        int found = -1;
        for (int j = 0; j < nout; j++) {
            if (!o->names[j] || strcmp(o->names[j], e->name)) continue;
            if (found < 0) {
                found = j;
                continue;
            }
            /* the same column twice is not ambiguous */
            const sqlast_expr *a = o->exprs[found], *b = o->exprs[j];
            int ca = a ? (a->kind == SQLAST_COLUMN ? a->colidx : -2) : o->slot[found];
            int cb = b ? (b->kind == SQLAST_COLUMN ? b->colidx : -3) : o->slot[j];
            if (ca != cb)
                return sqlerr_set(err, "42702", e->location, "ORDER BY \"%s\" is ambiguous", e->name) - 1;
        }
        return found;
    }
    return -1;
}

static int wrap(planner *pl, sqlplan_node **root, sqlplan_kind k, const char *what)
{
    sqlplan_node *n = new_node(pl, k);
    if (!n) return SQL_ERR;
    n->left = *root;
    n->width = (*root)->width;
    n->what = what;
    *root = n;
    return SQL_OK;
}

/* Adds SORT / LIMIT above root for an output of o (set operations, VALUES: names only). */
static int sort_limit(level *lv, sqlplan_query *q, outcols *o, int nout, sqlexpr_scope *osc,
                      bool outputs_only, sqlplan_node **root)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlast_stmt *st = lv->st;
    (void)q;
    (void)osc;
    if (st->norder) {
        if (wrap(pl, root, PN_SORT, "Sort")) return SQL_ERR;
        sqlplan_node *s = *root;
        s->nsort = st->norder;
        s->scol = calloc((size_t)st->norder, sizeof(int));
        s->sdesc = calloc((size_t)st->norder, sizeof(bool));
        s->snullsfirst = calloc((size_t)st->norder, sizeof(bool));
        if (!s->scol || !s->sdesc || !s->snullsfirst) return sqlerr_oom(err);
        for (int i = 0; i < st->norder; i++) {
            int k = order_output(st, i, o, nout, err);
            if (k < -1) return SQL_ERR;
            if (k < 0 && outputs_only) {
                const sqlast_expr *e = st->order[i].expr;
                if (e->kind == SQLAST_COLUMN && e->qualifier)
                    return sqlerr_set(err, "42P01", e->location,
                                      "missing FROM-clause entry for table \"%s\"", e->qualifier);
                if (e->kind == SQLAST_COLUMN)
                    return sqlerr_set(err, "42703", e->location, "column \"%s\" does not exist",
                                      e->name);
                sqlerr_set(err, "0A000", e->location,
                           "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
                sqlerr_detail(err, "Only result column names can be used, not expressions or functions.");
                sqlerr_hint(err, "Add the expression/function to every SELECT, or move the UNION into a FROM clause.");
                return SQL_ERR;
            }
            s->scol[i] = k;
            s->sdesc[i] = st->order[i].desc;
            s->snullsfirst[i] = st->order[i].nulls == 1 || (st->order[i].nulls == 0 && st->order[i].desc);
        }
    }
    return SQL_OK;
}

/* LIMIT / OFFSET over *root; WITH TIES compares the rows' columns tie[0..ntie) (the ORDER BY's;
 * NULL: those of the sort node *root is). */
static int add_limit(level *lv, sqlplan_node **root, const int *tie, int ntie)
{
    planner *pl = lv->pl;
    sqlast_stmt *st = lv->st;
    if (!st->limit && !st->offset) return SQL_OK;
    if (st->limit_ties && !tie) {
        if ((*root)->kind != PN_SORT) return sqlerr_unsupported(pl->err, -1, "FETCH ... WITH TIES here");
        tie = (*root)->scol;
        ntie = (*root)->nsort;
    }
    sqlexpr_scope lim;
    memset(&lim, 0, sizeof lim);
    lim.stmt = st;
    lim.top = pl->top;
    lim.planner = pl;
    lim.parent = lv->parent;
    lim.clause = "LIMIT";
    lim.outer_ref = &lv->correlated;
    if (st->limit && sqlexpr_bind(st->limit, &lim, SQLVAL_INT8, pl->err)) return SQL_ERR;
    if (st->offset && sqlexpr_bind(st->offset, &lim, SQLVAL_INT8, pl->err)) return SQL_ERR;
    int *tc = NULL;
    if (st->limit_ties) {
        if (!(tc = malloc((size_t)ntie * sizeof *tc + 1))) return sqlerr_oom(pl->err);
        memcpy(tc, tie, (size_t)ntie * sizeof *tc);
    }
    if (wrap(pl, root, PN_LIMIT, "Limit")) {
        free(tc);
        return SQL_ERR;
    }
    (*root)->limit_e = st->limit;
    (*root)->offset_e = st->offset;
    (*root)->tiecol = tc;
    (*root)->ntie = st->limit_ties ? ntie : 0;
    return SQL_OK;
}

static int make_query(level *lv, outcols *o, int nout, sqlplan_node *root, sqlplan_query **out)
{
    sqlerr *err = lv->pl->err;
    sqlplan_query *q = calloc(1, sizeof *q);
    if (!q) {
        node_free(root);
        return sqlerr_oom(err);
    }
    q->st = lv->st;
    q->root = root;
    q->ncols = nout;
    q->width = lv->width;
    q->correlated = lv->correlated;
    q->cols = calloc((size_t)nout + 1, sizeof *q->cols);
    q->types = calloc((size_t)nout + 1, sizeof *q->types);
    q->utypes = calloc((size_t)nout + 1, sizeof *q->utypes);
    if (!q->cols || !q->types || !q->utypes) {
        query_free(q);
        return sqlerr_oom(err);
    }
    for (int i = 0; i < nout; i++) {
        executor_column *c = &q->cols[i];
        snprintf(c->name, sizeof c->name, "%s", o->names[i] ? o->names[i] : "?column?");
        q->types[i] = o->types[i];
        q->utypes[i] = o->utypes[i];
        c->type_oid = sqlval_type_oid(o->types[i]);
        c->typlen = sqlval_type_len(o->types[i]);
        c->typmod = -1;
        /* a plain column of a stored table: RowDescription names it (table oid, attnum) and
         * carries its modifier, as PostgreSQL's does */
        const sqlast_expr *e = o->exprs[i];
        uint32_t eoid;
        if (o->types[i] == SQLVAL_ENUM) { /* an enum: its type's oid, when it is known here */
            c->type_oid = PGTYPE_TEXT; /* elsewhere (CASE, a subquery's column): read as text */
            c->typlen = -1;
            if (e && e->kind == SQLAST_CAST && e->name &&
                sx_enum_find(lv->pl->s, e->name, &eoid, NULL))
                c->type_oid = eoid, c->typlen = 4;
        }
        int slot = e ? (e->kind == SQLAST_COLUMN && !e->levelsup ? e->colidx : -1) : o->slot[i];
        for (int r = 0; slot >= 0 && r < lv->nrels; r++) {
            const rel *rl = &lv->rels[r];
            const sqlschema_table *t = rl->node ? rl->node->table : NULL;
            if (!t || rl->node->kind != PN_SCAN || sqlvirt_is(t) || t->view_sql ||
                slot < rl->offset || slot >= rl->offset + rl->ncols || slot - rl->offset >= t->ncols)
                continue;
            const sqlschema_column *col = &t->cols[slot - rl->offset];
            if (col->type == SQLVAL_ENUM && o->types[i] == SQLVAL_ENUM && col->typmod > 0) {
                c->type_oid = (uint32_t)col->typmod; /* the column's enum type, no modifier */
                c->typlen = 4;
                int attnum = 0;
                for (int k = 0; k <= slot - rl->offset; k++) attnum += !t->cols[k].hidden;
                c->table_oid = t->id;
                c->attnum = (int16_t)attnum;
                break;
            }
            if (col->hidden || sqlval_type_oid(col->type) != c->type_oid) break;
            int attnum = 0;
            for (int k = 0; k <= slot - rl->offset; k++) attnum += !t->cols[k].hidden;
            c->table_oid = t->id;
            c->attnum = (int16_t)attnum;
            c->typmod = col->typmod;
            break;
        }
    }
    *out = q;
    return SQL_OK;
}

/* Whether ORDER BY asks for the order a lone table scan produces anyway: ascending leading
 * primary-key columns (storage keeps rows in key order, and keys are never NULL). root is the
 * projection over the scan (and its filter). */
static bool scan_ordered(const level *lv, const sqlplan_node *root, const sqlast_stmt *st,
                         const outcols *o, const int *okey)
{
    const sqlplan_node *n = root;
    if (n->kind != PN_PROJECT || st->distinct || st->nwins) return false;
    n = n->left;
    if (n->kind == PN_FILTER && !n->st) n = n->left;
    if (n->kind != PN_SCAN || !n->table || sqlvirt_is(n->table) || lv->nrels != 1) return false;
    const sqlschema_table *t = n->table;
    if (st->norder > t->npk) return false;
    for (int i = 0; i < st->norder; i++) {
        if (st->order[i].desc || st->order[i].nulls == 1) return false;
        int k = okey[i];
        const sqlast_expr *e = o->exprs[k];
        int slot = e ? (e->kind == SQLAST_COLUMN && !e->levelsup ? e->colidx : -1) : o->slot[k];
        if (slot != n->offset + t->pk[i]) return false;
    }
    return true;
}

/* ORDER BY ... LIMIT over one table, by the leading columns of a built index in its order (or
 * all backwards): the scan reads the index in that order and stops when the LIMIT has its rows,
 * instead of sorting the table. Only when the scan has no index or key prefix of its own. */
static int index_ordered(level *lv, sqlplan_node *root, const sqlast_stmt *st, const outcols *o,
                         const int *okey, sqlerr *err)
{
    sqlplan_node *n = root;
    if (!st->limit || n->kind != PN_PROJECT || st->distinct || st->nwins || st->ngroup ||
        st->naggs || st->having)
        return 0;
    n = n->left;
    if (n->kind == PN_FILTER && !n->st) n = n->left;
    if (n->kind != PN_SCAN || !n->table || sqlvirt_is(n->table) || lv->nrels != 1 || n->ix ||
        n->nkeys || n->pk_slot >= 0)
        return 0;
    const sqlschema_table *t = n->table;
    const sqlindex_def **v;
    int nv;
    if (sx_index_view(lv->pl->s, &v, &nv)) return sqlerr_oom(err);
    int found = -1, dir = 0;
    for (int x = 0; x < nv && found < 0; x++) {
        const sqlindex_def *d = v[x];
        if (d->table_id != t->id || d->ncols < st->norder || !sx_index_ready(lv->pl->s, d->oid, NULL))
            continue;
        int want = 0;
        bool ok = true;
        ixkey keys[SQLINDEX_MAX_COLUMNS];
        sqlindex_exprs *bx = NULL;
        if (d->gin || index_keys(d, t, keys, &bx)) continue;
        for (int i = 0; i < st->norder && ok; i++) {
            int k = okey[i];
            const sqlast_expr *e = o->exprs[k];
            if (keys[i].x) { /* an expression key: the ORDER BY expression must be it */
                if (!e || !expr_same(e, keys[i].x, n->offset)) {
                    ok = false;
                    break;
                }
            } else {
                int slot = e ? (e->kind == SQLAST_COLUMN && !e->levelsup ? e->colidx : -1) : o->slot[k];
                if (slot != n->offset + keys[i].ci) {
                    ok = false;
                    break;
                }
            }
            bool desc = st->order[i].desc;
            bool nf = st->order[i].nulls == 1 || (st->order[i].nulls == 0 && desc);
            bool idesc = d->opt[i] & SQLINDEX_DESC, inf = d->opt[i] & SQLINDEX_NULLS_FIRST;
            int d1 = desc == idesc && nf == inf ? 1 : desc != idesc && nf != inf ? -1 : 0;
            if (!d1 || (want && d1 != want)) ok = false;
            want = d1;
        }
        sqlindex_exprs_free(bx);
        if (ok) found = x, dir = want;
    }
    int rc = 0;
    if (found >= 0) {
        if (sqlindex_copy(v[found], &n->ix, err)) rc = SQL_ERR;
        else {
            n->ixorder = dir;
            n->what = "Index Scan";
            rc = 1;
        }
    }
    free(v);
    return rc;
}

/* WHERE's conjuncts to the lowest node covering their relations (a top filter for the rest),
 * then keys and join methods (finish_tree); *tree may gain a FILTER on top. */
static int place_where(level *lv, sqlplan_node **tree, const sqlast_expr *where, sqlerr *err)
{
    conjs cj = {0};
    int rc = SQL_ERR;
    sqlplan_node *top_filter = NULL;
    if (where && conj_add(&cj, where, err)) goto out;
    for (int i = 0; i < cj.n; i++) {
        bool sub = false;
        expr_rels(lv, cj.v[i].e, &cj.v[i].rels, &sub);
        cj.v[i].sublink = sub;
    }
    for (int i = 0; i < cj.n; i++) {
        int r = lv->too_many || cj.v[i].rels == 0 || cj.v[i].sublink ? PLACE_ABOVE
                                                                      : place(*tree, &cj.v[i], err);
        if (r == SQL_ERR) goto out;
        if (r == PLACE_ABOVE) {
            if (!top_filter && !(top_filter = new_node(lv->pl, PN_FILTER))) goto out;
            top_filter->what = "Filter";
            if (node_add_qual(top_filter, cj.v[i].e, err)) goto out;
        }
    }
    if (top_filter) {
        top_filter->left = *tree;
        top_filter->rels = (*tree)->rels;
        *tree = top_filter;
        top_filter = NULL;
    }
    rc = finish_tree(lv, *tree, err);
out:
    node_free(top_filter);
    free(cj.v);
    return rc;
}

static int plan_select(level *lv, sqlplan_query **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlast_stmt *st = lv->st;
    sqlplan_node *from = NULL, *root = NULL;
    outcols o = {0};
    int rc = SQL_ERR;
    sqlplan_node **srfs = NULL; /* select-list set-returning functions, and their columns */
    int *srf_out = NULL, nsrfs = 0;
    sqlast_expr **nested = NULL; /* ... those inside expressions (sqlast_expr.srfslot) */
    int nnested = 0;
    /* FROM: items in order, comma items as inner joins */
    for (int i = 0; i < st->nfrom; i++) {
        sqlplan_node *n = NULL;
        int r = plan_from(lv, st->from[i], &n);
        if (!from) {
            from = n;
        } else if (n) {
            sqlplan_node *j = new_node(pl, PN_JOIN);
            if (!j) {
                node_free(n);
                goto out;
            }
            j->left = from;
            j->right = n;
            j->rels = from->rels | n->rels;
            j->rrels = n->rels;
            j->jointype = SQLAST_JOIN_INNER;
            j->what = "Nested Loop";
            from = j;
        }
        if (r) goto out;
    }
    if (!from) {
        if (!(from = new_node(pl, PN_RESULT))) goto out;
        from->what = "Result";
    }
    /* the select list (PostgreSQL analyses it before WHERE) */
    sqlexpr_scope sc;
    level_scope(lv, &sc, "SELECT");
    sc.allow_aggs = true;
    sc.allow_windows = true;
    /* a whole row as a result only where it leaves the statement: its value is the record's
       text, which a derived table, a view, a set operation or an INSERT would not treat as a
       record */
    sc.allow_rows = st == lv->pl->top && !lv->parent;
    if (st->nfrom == 1 && from->kind == PN_SCAN) {
        sc.table = from->table; /* helios_crdt_state(col) */
    }
    for (int i = 0; i < st->ntargets; i++) {
        sqlast_expr *e = st->targets[i].expr;
        if (e && e->kind == SQLAST_STAR) {
            bool any = false;
            for (int k = 0; k < lv->nns; k++) {
                const sqlexpr_nsitem *it = &lv->ns[k];
                if (e->qualifier ? !(it->rel_visible && it->name && !strcmp(it->name, e->qualifier))
                                 : !it->cols_visible)
                    continue;
                any = true;
                for (int c = 0; c < it->ncols; c++) {
                    if (it->hidden && it->hidden[c]) continue;
                    if (it->slots[c] >= 0 && it->slots[c] < lv->width) lv->used[it->slots[c]] = 1;
                    if (out_add(&o, NULL, it->slots[c], it->colnames[c], it->coltypes[c], err)) goto out;
                }
                if (e->qualifier) break;
            }
            if (!any && e->qualifier) {
                sqlerr_set(err, "42P01", e->location, "missing FROM-clause entry for table \"%s\"",
                           e->qualifier);
                goto out;
            }
            if (!any && !e->qualifier && st->nfrom == 0) {
                sqlerr_set(err, "42601", e->location, "SELECT * with no tables specified is not valid");
                goto out;
            }
            continue;
        }
        if (e && e->kind == SQLAST_FUNC && is_srf(e->name)) {
            /* a set-returning function in the select list (ProjectSet) */
            sqlplan_node *fn = NULL;
            if (select_srf(lv, e, &sc, &fn)) goto out;
            sqlplan_node **g = realloc(srfs, (size_t)(nsrfs + 1) * sizeof *g);
            int *gi = realloc(srf_out, (size_t)(nsrfs + 1) * sizeof *gi);
            if (g) srfs = g;
            if (gi) srf_out = gi;
            if (!g || !gi) {
                node_free(fn);
                sqlerr_oom(err);
                goto out;
            }
            srfs[nsrfs] = fn;
            srf_out[nsrfs++] = o.n;
            if (out_add(&o, NULL, -1, st->targets[i].name ? st->targets[i].name : sqlexpr_column_name(e),
                        fn->types[0], err))
                goto out;
            continue;
        }
        if (has_srf(e) && nested_srfs(lv, e, &sc, &srfs, &srf_out, &nsrfs, &nested, &nnested))
            goto out;
        if (sqlexpr_bind(e, &sc, SQLVAL_UNKNOWN, err)) goto out;
        if (out_add(&o, e, -1, st->targets[i].name ? st->targets[i].name : sqlexpr_column_name(e),
                    e->type, err))
            goto out;
    }
    int nout = o.n;
    if (nout > 1664) { /* MaxTupleAttributeNumber: a row on the wire counts them in 16 bits */
        sqlerr_set(err, "54011", -1, "target lists can have at most %d entries", 1664);
        goto out;
    }
    sqlexpr_scope wsc;
    level_scope(lv, &wsc, "WHERE");
    wsc.table = sc.table;
    wsc.allow_windows = false;
    if (st->where) {
        if (sqlexpr_bind(st->where, &wsc, SQLVAL_BOOL, err)) goto out;
        if (st->where->type != SQLVAL_BOOL && st->where->type != SQLVAL_UNKNOWN) {
            sqlerr_set(err, "42804", st->where->location,
                       "argument of WHERE must be type boolean, not type %s",
                       sqlval_type_name(st->where->type));
            goto out;
        }
    }
    sqlexpr_scope gsc = wsc;
    gsc.clause = "GROUP BY";
    for (int i = 0; i < st->ngroup; i++) {
        sqlast_expr *g = st->group[i];
        /* GROUP BY 1 / an output name: the output column's expression */
        if (g->kind == SQLAST_CONST && sqlval_type_is_integer(g->value.type) && !g->value.isnull) {
            int64_t k = g->value.u.i;
            if (k < 1 || k > nout) {
                sqlerr_set(err, "42P10", g->location, "GROUP BY position %lld is not in select list",
                           (long long)k);
                goto out;
            }
            if (o.exprs[k - 1]) {
                /* the output column's expression, bound again as a GROUP BY item (its
                 * subqueries get plans of their own) */
                sqlast_expr *d = sqlast_expr_dup(o.exprs[k - 1]);
                if (!d) {
                    sqlerr_oom(err);
                    goto out;
                }
                sqlast_expr_free(g);
                st->group[i] = d;
                if (sqlexpr_bind(d, &gsc, SQLVAL_UNKNOWN, err)) goto out;
                continue;
            }
            sqlast_expr *c = sqlast_expr_new(SQLAST_COLUMN, g->location);
            if (!c || !(c->name = strdup(o.names[k - 1] ? o.names[k - 1] : "?"))) {
                sqlast_expr_free(c);
                sqlerr_oom(err);
                goto out;
            }
            c->colidx = o.slot[k - 1];
            c->type = o.types[k - 1];
            sqlast_expr_free(g);
            st->group[i] = c;
            continue;
        }
        if (sqlexpr_bind(g, &gsc, SQLVAL_UNKNOWN, err)) goto out;
    }
    sqlexpr_scope hsc = wsc;
    hsc.allow_aggs = true;
    hsc.clause = "HAVING";
    if (st->having && sqlexpr_bind(st->having, &hsc, SQLVAL_BOOL, err)) goto out;
    /* ORDER BY: output columns, or expressions over the FROM items (junk columns) */
    int *okey = calloc((size_t)st->norder + 1, sizeof(int));
    if (!okey) {
        sqlerr_oom(err);
        goto out;
    }
    sqlexpr_scope osc = wsc;
    osc.allow_aggs = true;
    osc.allow_windows = true;
    osc.clause = "ORDER BY";
    for (int i = 0; i < st->norder; i++) {
        int k = order_output(st, i, &o, nout, err);
        if (k < -1) {
            free(okey);
            goto out;
        }
        if (k < 0) {
            sqlast_expr *e = st->order[i].expr;
            if (sqlexpr_bind(e, &osc, SQLVAL_UNKNOWN, err)) {
                free(okey);
                goto out;
            }
            /* the same expression as an output column sorts by that column */
            for (int j = 0; j < nout && k < 0; j++)
                if (o.exprs[j] ? expr_equal(o.exprs[j], e)
                               : (e->kind == SQLAST_COLUMN && !e->levelsup && e->colidx == o.slot[j]))
                    k = j;
            if (k < 0) {
                if (st->distinct && !st->distinct_on) {
                    free(okey);
                    sqlerr_set(err, "42P10", e->location,
                               "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
                    goto out;
                }
                k = o.n;
                if (out_add(&o, e, -1, NULL, e->type, err)) {
                    free(okey);
                    goto out;
                }
            }
        }
        okey[i] = k;
    }
    /* DISTINCT ON keys */
    int *dkey = NULL;
    if (st->ndistinct_on) {
        if (!(dkey = calloc((size_t)st->ndistinct_on, sizeof(int)))) {
            free(okey);
            sqlerr_oom(err);
            goto out;
        }
        for (int i = 0; i < st->ndistinct_on; i++) {
            sqlast_expr *e = st->distinct_on[i];
            int k = -1;
            if (e->kind == SQLAST_CONST && sqlval_type_is_integer(e->value.type) && !e->value.isnull) {
                if (e->value.u.i < 1 || e->value.u.i > nout) {
                    free(okey);
                    free(dkey);
                    sqlerr_set(err, "42P10", e->location, "SELECT DISTINCT ON position %lld is not in select list",
                               (long long)e->value.u.i);
                    goto out;
                }
                k = (int)e->value.u.i - 1;
            } else {
                if (e->kind == SQLAST_COLUMN && !e->qualifier)
                    for (int j = 0; j < nout && k < 0; j++)
                        if (o.names[j] && !strcmp(o.names[j], e->name)) k = j;
                if (k < 0) {
                    if (sqlexpr_bind(e, &osc, SQLVAL_UNKNOWN, err)) {
                        free(okey);
                        free(dkey);
                        goto out;
                    }
                    for (int j = 0; j < o.n && k < 0; j++)
                        if (o.exprs[j] ? expr_equal(o.exprs[j], e)
                                       : (e->kind == SQLAST_COLUMN && !e->levelsup && e->colidx == o.slot[j]))
                            k = j;
                    if (k < 0) {
                        k = o.n;
                        if (out_add(&o, e, -1, NULL, e->type, err)) {
                            free(okey);
                            free(dkey);
                            goto out;
                        }
                    }
                }
            }
            dkey[i] = k;
        }
        /* PostgreSQL: the DISTINCT ON expressions must lead the ORDER BY */
        for (int i = 0; i < st->norder && i < st->ndistinct_on; i++) {
            bool in = false;
            for (int k = 0; k < st->ndistinct_on; k++) in |= dkey[k] == okey[i];
            if (!in) {
                int loc = st->distinct_on[0]->location;
                free(okey);
                free(dkey);
                sqlerr_set(err, "42P10", loc,
                           "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
                goto out;
            }
        }
    }
    /* FOR UPDATE / SHARE: the locked row's key travels as a junk column */
    int lockcol = -1;
    if (st->row_lock) {
        const char *what = st->row_lock == 2 ? "FOR SHARE" : "FOR UPDATE";
        int bad = st->naggs ? 1 : st->ngroup ? 2 : 0;
        if (bad) {
            free(okey);
            free(dkey);
            sqlerr_set(err, "0A000", -1, "%s is not allowed with %s", what,
                       bad == 1 ? "aggregate functions" : "GROUP BY clause");
            goto out;
        }
        if (st->nfrom && from->kind == PN_SCAN && sqlvirt_is(from->table)) {
            free(okey);
            free(dkey);
            sqlerr_unsupported(err, -1, "FOR UPDATE/SHARE on a view");
            goto out;
        }
        if (st->nfrom && !has_lockable(lv)) {
            free(okey);
            free(dkey);
            sqlerr_unsupported(err, -1, "FOR UPDATE/SHARE over several tables");
            goto out;
        }
        if (st->nfrom) {
            sqlplan_node *sn = lv->rels[0].node;
            int ps = new_slots(lv, 1, 0, 1);
            if (ps < 0) {
                free(okey);
                free(dkey);
                sqlerr_oom(err);
                goto out;
            }
            sn->pk_slot = ps;
            lockcol = o.n;
            if (out_add(&o, NULL, ps, NULL, SQLVAL_BYTEA, err)) {
                free(okey);
                free(dkey);
                goto out;
            }
            pl->plan->lock_table = sn->table;
        }
    }
    if (place_where(lv, &from, st->where, err)) {
        free(okey);
        free(dkey);
        goto out;
    }
    set_width(from, lv->width);
    root = from;
    from = NULL;
    bool grouped = st->naggs || st->ngroup || st->having;
    if (grouped) {
        for (int i = 0; i < nout; i++)
            if (o.exprs[i] ? check_grouped(lv, o.exprs[i], err)
                           : check_grouped(lv, &(sqlast_expr){.kind = SQLAST_COLUMN, .colidx = o.slot[i],
                                                              .name = o.names[i], .location = -1},
                                           err)) {
                free(okey);
                free(dkey);
                goto out;
            }
        if (st->having && check_grouped(lv, st->having, err)) {
            free(okey);
            free(dkey);
            goto out;
        }
        for (int i = nout; i < o.n; i++)
            if (o.exprs[i] && check_grouped(lv, o.exprs[i], err)) {
                free(okey);
                free(dkey);
                goto out;
            }
        sqlast_expr **gsown = NULL;
        int ngsown = 0;
        if (gs_prepare(lv, &o, &gsown, &ngsown, err) ||
            wrap(pl, &root, PN_AGG, st->ngsets ? "MixedAggregate" : st->ngroup ? "HashAggregate" : "Aggregate")) {
            for (int i = 0; i < ngsown; i++) sqlast_expr_free(gsown[i]);
            free(gsown);
            free(okey);
            free(dkey);
            goto out;
        }
        root->owned = gsown; /* the slot outputs' _groupkey expressions */
        root->nowned = ngsown;
        root->st = st;
        root->ingroup = lv->width;
        root->width = lv->width + st->naggs;
        if (st->having) {
            if (wrap(pl, &root, PN_FILTER, "Filter")) {
                free(okey);
                free(dkey);
                goto out;
            }
            root->st = st; /* evaluated with the aggregates */
            root->ingroup = lv->width;
            root->quals = malloc(sizeof *root->quals);
            if (!root->quals) {
                free(okey);
                free(dkey);
                sqlerr_oom(err);
                goto out;
            }
            root->quals[0] = st->having;
            root->nquals = 1;
            root->qual = st->having;
        }
    }
    if (st->nwins) {
        if (st->row_lock) {
            free(okey);
            free(dkey);
            sqlerr_set(err, "0A000", -1, "FOR %s is not allowed with window functions",
                       st->row_lock == 2 ? "SHARE" : "UPDATE");
            goto out;
        }
        if (wrap(pl, &root, PN_WINDOW, "WindowAgg")) {
            free(okey);
            free(dkey);
            goto out;
        }
        root->st = grouped ? st : NULL;
        root->ingroup = lv->width;
        root->wst = st;
        root->width = root->left->width + st->nwins;
    }
    int wins_at = root->width - st->nwins;
    if (nsrfs) {
        int base = root->width;
        if (wrap(pl, &root, PN_PROJECTSET, "ProjectSet")) {
            free(okey);
            free(dkey);
            goto out;
        }
        root->st = grouped ? st : NULL;
        root->ingroup = lv->width;
        root->wst = st->nwins ? st : NULL;
        root->wins_at = wins_at;
        root->srfs = srfs;
        root->nsrfs = nsrfs;
        root->width = base + nsrfs;
        srfs = NULL;
        for (int k = 0; k < root->nsrfs; k++)
            if (srf_out[k] >= 0) o.slot[srf_out[k]] = base + k;
        for (int k = 0; k < nnested; k++) nested[k]->colidx = base + nested[k]->srfslot - 1;
        nsrfs = 0;
    }
    /* the projection */
    if (wrap(pl, &root, PN_PROJECT, "Result")) {
        free(okey);
        free(dkey);
        goto out;
    }
    root->st = grouped ? st : NULL;
    root->wst = st->nwins ? st : NULL;
    root->wins_at = wins_at;
    root->ingroup = lv->width;
    root->nexprs = o.n;
    root->width = o.n;
    root->exprs = calloc((size_t)o.n + 1, sizeof *root->exprs);
    root->slot = calloc((size_t)o.n + 1, sizeof *root->slot);
    if (!root->exprs || !root->slot) {
        free(okey);
        free(dkey);
        sqlerr_oom(err);
        goto out;
    }
    for (int i = 0; i < o.n; i++) {
        root->exprs[i] = o.exprs[i];
        root->slot[i] = o.slot[i];
    }
    /* DISTINCT: hashed, first row of each kept; DISTINCT ON: after the sort */
    if (st->distinct && !st->ndistinct_on) {
        if (wrap(pl, &root, PN_UNIQUE, "HashAggregate")) {
            free(okey);
            free(dkey);
            goto out;
        }
        root->nsort = nout;
        root->scol = calloc((size_t)nout + 1, sizeof(int));
        if (!root->scol) {
            free(okey);
            free(dkey);
            sqlerr_oom(err);
            goto out;
        }
        for (int i = 0; i < nout; i++) root->scol[i] = i;
    }
    int ixo = st->norder && !scan_ordered(lv, root, st, &o, okey)
                  ? index_ordered(lv, root, st, &o, okey, err) : 1;
    if (ixo < 0) {
        free(okey);
        free(dkey);
        goto out;
    }
    if (st->norder && !ixo) {
        if (wrap(pl, &root, PN_SORT, "Sort")) {
            free(okey);
            free(dkey);
            goto out;
        }
        root->nsort = st->norder;
        root->scol = calloc((size_t)st->norder, sizeof(int));
        root->sdesc = calloc((size_t)st->norder, sizeof(bool));
        root->snullsfirst = calloc((size_t)st->norder, sizeof(bool));
        if (!root->scol || !root->sdesc || !root->snullsfirst) {
            free(okey);
            free(dkey);
            sqlerr_oom(err);
            goto out;
        }
        for (int i = 0; i < st->norder; i++) {
            root->scol[i] = okey[i];
            root->sdesc[i] = st->order[i].desc;
            root->snullsfirst[i] =
                st->order[i].nulls == 1 || (st->order[i].nulls == 0 && st->order[i].desc);
        }
    }
    if (st->ndistinct_on) {
        if (wrap(pl, &root, PN_UNIQUE, "Unique")) {
            free(okey);
            free(dkey);
            goto out;
        }
        root->nsort = st->ndistinct_on;
        root->scol = dkey;
        dkey = NULL;
    }
    free(dkey);
    if (lockcol >= 0) {
        if (wrap(pl, &root, PN_LOCK, "LockRows")) {
            free(okey);
            goto out;
        }
        root->ncols = lockcol; /* the key column */
        root->lock_mode = st->row_lock;
        root->lock_policy = st->row_lock_policy;
        root->table = NULL;
    }
    int lrc = add_limit(lv, &root, okey, st->norder); /* ties: the ORDER BY's output columns */
    free(okey);
    if (lrc) goto out;
    rc = make_query(lv, &o, nout, root, out);
    root = NULL;
out:
    if (rc) {
        node_free(from);
        node_free(root);
    }
    for (int k = 0; k < nsrfs; k++) node_free(srfs[k]);
    free(srfs);
    free(srf_out);
    free(nested);
    out_free(&o);
    return rc;
}

/* ------------------------------------------------------------------ VALUES and set operations */

/* PostgreSQL coerces an untyped literal to its column's resolved type while analysing the
 * query (VALUES, set operations): '1a' in an integer column fails there, with its position. */
static int precast_one(sqlast_expr *e, sqlval_type t, sqlerr *err)
{
    if (!e || e->kind != SQLAST_CONST || e->type != SQLVAL_UNKNOWN || e->value.isnull ||
        sqlval_type_is_text(t) || t == SQLVAL_UNKNOWN)
        return SQL_OK;
    sqlval v;
    if (sqlval_cast(&e->value, t, &v, err)) {
        err->position = e->location + 1;
        return SQL_ERR;
    }
    sqlval_free(&e->value);
    e->value = v;
    e->type = t;
    return SQL_OK;
}

static int precast_literals(sqlast_expr ***rows, int nrows, int c, sqlval_type t, sqlerr *err)
{
    for (int r = 0; r < nrows; r++)
        if (precast_one(rows[r][c], t, err)) return SQL_ERR;
    return SQL_OK;
}

/* The literal that is column c of a set operation's branch (its leftmost SELECT or VALUES). */
static int precast_branch(sqlast_stmt *b, int c, sqlval_type t, sqlerr *err)
{
    while (b->setop) b = b->larg;
    if (b->is_values) return c < b->nvalues ? precast_literals(b->rows, b->nrows, c, t, err) : SQL_OK;
    return c < b->ntargets ? precast_one(b->targets[c].expr, t, err) : SQL_OK;
}

static int plan_values(level *lv, sqlplan_query **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlast_stmt *st = lv->st;
    outcols o = {0};
    int rc = SQL_ERR;
    sqlplan_node *n = new_node(pl, PN_VALUES);
    if (!n) return SQL_ERR;
    n->rows = st->rows;
    n->nrows = st->nrows;
    n->ncols = st->nvalues;
    n->width = st->nvalues;
    n->what = "Values Scan";
    n->types = calloc((size_t)st->nvalues + 1, sizeof(sqlval_type));
    if (!n->types) {
        node_free(n);
        return sqlerr_oom(err);
    }
    sqlexpr_scope sc;
    level_scope(lv, &sc, "VALUES");
    for (int c = 0; c < st->nvalues; c++) {
        sqlval_type t = SQLVAL_UNKNOWN;
        for (int r = 0; r < st->nrows; r++) {
            sqlast_expr *e = st->rows[r][c];
            if (sqlexpr_bind(e, &sc, SQLVAL_UNKNOWN, err)) goto out;
            if (t != SQLVAL_UNKNOWN && e->type != SQLVAL_UNKNOWN && !sqlexpr_comparable(t, e->type)) {
                sqlerr_set(err, "42804", e->location, "VALUES types %s and %s cannot be matched",
                           sqlval_type_name(t), sqlval_type_name(e->type));
                goto out;
            }
            t = sqlexpr_common_type(t, e->type);
            if (sqlval_type_is_text(t) && e->type != SQLVAL_UNKNOWN && sqlval_type_is_text(e->type))
                t = t == e->type ? t : SQLVAL_TEXT;
        }
        n->types[c] = t == SQLVAL_UNKNOWN ? SQLVAL_TEXT : t;
        if (precast_literals(st->rows, st->nrows, c, n->types[c], err)) goto out;
        char name[32];
        snprintf(name, sizeof name, "column%d", c + 1);
        char *nm = own(lv, strdup(name));
        if (!nm || out_add(&o, NULL, c, nm, n->types[c], err)) {
            if (!nm) sqlerr_oom(err);
            goto out;
        }
    }
    n->ncols = st->nvalues;
    sqlplan_node *root = n;
    n = NULL;
    if (sort_limit(lv, NULL, &o, o.n, NULL, true, &root) || add_limit(lv, &root, NULL, 0)) {
        node_free(root);
        goto out;
    }
    rc = make_query(lv, &o, o.n, root, out);
out:
    node_free(n);
    out_free(&o);
    return rc;
}

static int plan_setop(level *lv, sqlplan_query **out)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlast_stmt *st = lv->st;
    sqlplan_query *l = NULL, *r = NULL;
    outcols o = {0};
    int rc = SQL_ERR;
    bool lc = false, rcorr = false;
    if (plan_query(pl, st->larg, lv->parent, lv->ctes, &lc, &l) ||
        plan_query(pl, st->rarg, lv->parent, lv->ctes, &rcorr, &r))
        goto out;
    lv->correlated = lc || rcorr;
    const char *opname = st->setop == SQLAST_SETOP_UNION       ? "UNION"
                         : st->setop == SQLAST_SETOP_INTERSECT ? "INTERSECT"
                                                               : "EXCEPT";
    if (l->ncols != r->ncols) {
        sqlast_stmt *rs = st->rarg;
        while (rs->setop) rs = rs->larg;
        sqlerr_set(err, "42601", rs->ntargets ? rs->targets[0].location : -1,
                   "each %s query must have the same number of columns", opname);
        goto out;
    }
    sqlplan_node *n = new_node(pl, PN_SETOP);
    if (!n) goto out;
    n->setop = st->setop;
    n->all = st->setop_all;
    n->what = st->setop == SQLAST_SETOP_UNION ? (st->setop_all ? "Append" : "HashAggregate")
                                              : "HashSetOp";
    n->ncols = l->ncols;
    n->width = l->ncols;
    n->types = calloc((size_t)l->ncols + 1, sizeof(sqlval_type));
    if (!n->types) {
        node_free(n);
        sqlerr_oom(err);
        goto out;
    }
    for (int i = 0; i < l->ncols; i++) {
        sqlval_type a = l->utypes[i], b = r->utypes[i];
        sqlval_type t = a == b ? a : sqlexpr_common_type(a, b);
        if (a == SQLVAL_UNKNOWN || b == SQLVAL_UNKNOWN) {
            /* an untyped literal takes the other side's type (both untyped: text) */
            if ((a == SQLVAL_UNKNOWN && precast_branch(st->larg, i, t, err)) ||
                (b == SQLVAL_UNKNOWN && precast_branch(st->rarg, i, t, err))) {
                node_free(n);
                goto out;
            }
            n->types[i] = t == SQLVAL_UNKNOWN ? SQLVAL_TEXT : t;
            if (out_add(&o, NULL, i, l->cols[i].name, t, err)) {
                node_free(n);
                goto out;
            }
            continue;
        }
        /* select_common_type: one category (oid and regclass, date and timestamp, int[] and
         * bigint[] ...) */
        if (a != b && sqlval_type_is_array(a) && sqlval_type_is_array(b) &&
            a != SQLVAL_TEXTARRAY && b != SQLVAL_TEXTARRAY) {
            sqlval_type e = sqlexpr_common_type(sqlval_array_elem(a), sqlval_array_elem(b));
            t = sqlval_array_of(e) != SQLVAL_NTYPES ? sqlval_array_of(e) : a;
        }
        if (a != b && !sqlexpr_comparable(a, b)) {
            node_free(n);
            /* PostgreSQL points at the right query's column */
            sqlast_stmt *rs = st->rarg;
            while (rs->setop) rs = rs->larg;
            int loc = i < rs->ntargets && rs->targets[i].expr ? rs->targets[i].expr->location : -1;
            sqlerr_set(err, "42804", loc, "%s types %s and %s cannot be matched", opname,
                       sqlval_type_name(a), sqlval_type_name(b));
            goto out;
        }
        if (a != b && sqlval_type_is_text(a) && sqlval_type_is_text(b)) t = SQLVAL_TEXT;
        n->types[i] = t;
        if (out_add(&o, NULL, i, l->cols[i].name, t, err)) {
            node_free(n);
            goto out;
        }
    }
    /* the children run as queries of their own (sqlops.c opens their roots) */
    n->sub = l; /* owned through the node: left query */
    l = NULL;
    sqlplan_node *rn = new_node(pl, PN_SUBQUERY);
    if (!rn) {
        node_free(n);
        goto out;
    }
    rn->sub = r;
    r = NULL;
    n->right = rn;
    sqlplan_node *root = n;
    if (sort_limit(lv, NULL, &o, o.n, NULL, true, &root) || add_limit(lv, &root, NULL, 0)) {
        node_free(root);
        goto out;
    }
    rc = make_query(lv, &o, o.n, root, out);
out:
    query_free(l);
    query_free(r);
    out_free(&o);
    return rc;
}

/* ------------------------------------------------------------------ WITH */

static bool mentions(const sqlast_stmt *st, const char *name);

static bool from_mentions(const sqlast_from *f, const char *name)
{
    if (!f) return false;
    if (f->kind == SQLAST_FROM_REL && !f->schema && !strcmp(f->name, name)) return true;
    if (f->sub && mentions(f->sub, name)) return true;
    return from_mentions(f->larg, name) || from_mentions(f->rarg, name);
}

static bool expr_mentions(const sqlast_expr *e, const char *name)
{
    if (!e) return false;
    if (e->sub && mentions(e->sub, name)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (expr_mentions(e->args[i], name)) return true;
    return false;
}

static bool mentions(const sqlast_stmt *st, const char *name)
{
    if (!st) return false;
    for (int i = 0; i < st->nfrom; i++)
        if (from_mentions(st->from[i], name)) return true;
    if (mentions(st->larg, name) || mentions(st->rarg, name)) return true;
    for (int i = 0; i < st->ntargets; i++)
        if (expr_mentions(st->targets[i].expr, name)) return true;
    return expr_mentions(st->where, name) || expr_mentions(st->having, name);
}

static int plan_ctes(level *lv)
{
    planner *pl = lv->pl;
    sqlerr *err = pl->err;
    sqlast_stmt *st = lv->st;
    for (int i = 0; i < st->nctes; i++) {
        sqlast_cte *c = &st->ctes[i];
        for (int k = 0; k < i; k++)
            if (!strcmp(st->ctes[k].name, c->name))
                return sqlerr_set(err, "42712", c->location,
                                  "WITH query name \"%s\" specified more than once", c->name);
        sqlplan_cte *pc = calloc(1, sizeof *pc);
        sqlplan_cte **g = realloc(pl->plan->ctes, (size_t)(pl->plan->nctes + 1) * sizeof *g);
        if (!pc || !g) {
            free(pc);
            if (g) pl->plan->ctes = g;
            return sqlerr_oom(err);
        }
        pl->plan->ctes = g;
        pl->plan->ctes[pl->plan->nctes++] = pc;
        if (!(pc->name = strdup(c->name))) return sqlerr_oom(err);
        cte_ref *ref = calloc(1, sizeof *ref);
        if (!ref) return sqlerr_oom(err);
        ref->name = c->name;
        ref->cte = pc;
        bool rec = st->recursive && mentions(c->query, c->name);
        bool corr = false;
        if (rec) {
            sqlast_stmt *q = c->query;
            if (q->setop != SQLAST_SETOP_UNION || mentions(q->larg, c->name)) {
                free(ref);
                sqlerr_set(err, "42P19", c->location,
                           "recursive query \"%s\" does not have the form non-recursive-term UNION [ALL] recursive-term",
                           c->name);
                return SQL_ERR;
            }
            pc->recursive = true;
            sqlplan_query *nonrec = NULL, *recq = NULL;
            if (plan_query(pl, q->larg, lv->parent, lv->ctes, &corr, &nonrec)) {
                free(ref);
                return SQL_ERR;
            }
            /* the recursive term sees the CTE as its worktable, typed by the non-recursive term */
            if (c->ncolnames && c->ncolnames != nonrec->ncols) {
                query_free(nonrec);
                free(ref);
                return sqlerr_set(err, "42P10", c->location,
                                  "WITH query \"%s\" has %d columns available but %d columns specified",
                                  c->name, nonrec->ncols, c->ncolnames);
            }
            ref->ncols = nonrec->ncols;
            ref->colnames = own(lv, calloc((size_t)nonrec->ncols + 1, sizeof(char *)));
            pc->q = nonrec; /* temporarily, for the worktable's types */
            if (!ref->colnames) {
                free(ref);
                return sqlerr_oom(err);
            }
            for (int k = 0; k < nonrec->ncols; k++)
                ref->colnames[k] = c->ncolnames ? c->colnames[k] : nonrec->cols[k].name;
            ref->self = true;
            ref->next = lv->ctes;
            cte_ref *saved = lv->ctes;
            lv->ctes = ref;
            int r = plan_query(pl, q->rarg, lv->parent, lv->ctes, &corr, &recq);
            lv->ctes = saved;
            if (r) {
                free(ref);
                return SQL_ERR;
            }
            if (q->rarg->naggs || q->rarg->norder) {
                query_free(recq);
                free(ref);
                if (q->rarg->norder)
                    return sqlerr_set(err, "0A000", q->rarg->order[0].expr->location,
                                      "ORDER BY in a recursive query is not implemented");
                return sqlerr_set(err, "42P19", q->rarg->aggs[0]->location,
                                  "aggregate functions are not allowed in a recursive query's "
                                  "recursive term");
            }
            if (recq->ncols != nonrec->ncols) {
                query_free(recq);
                free(ref);
                return sqlerr_set(err, "42601", -1, "each UNION query must have the same number of columns");
            }
            for (int k = 0; k < nonrec->ncols; k++)
                if (recq->types[k] != nonrec->types[k] &&
                    !(sqlval_type_is_text(recq->types[k]) && sqlval_type_is_text(nonrec->types[k]))) {
                    int loc = c->location;
                    char a[32], b[32];
                    snprintf(a, sizeof a, "%s", sqlval_type_name(nonrec->types[k]));
                    snprintf(b, sizeof b, "%s", sqlval_type_name(recq->types[k]));
                    query_free(recq);
                    free(ref);
                    sqlerr_set(err, "42804", loc,
                               "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall",
                               c->name, k + 1, a, b);
                    sqlerr_hint(err, "Cast the output of the non-recursive term to the correct type.");
                    return SQL_ERR;
                }
            /* the CTE's query: RECURSE over the two terms */
            sqlplan_query *whole = calloc(1, sizeof *whole);
            sqlplan_node *rn = new_node(pl, PN_RECURSE);
            if (!whole || !rn) {
                free(whole);
                free(rn);
                query_free(recq);
                free(ref);
                return sqlerr_oom(err);
            }
            rn->what = "Recursive Union";
            rn->all = q->setop_all;
            rn->cte = pc;
            rn->sub = recq;
            rn->ncols = nonrec->ncols;
            rn->width = nonrec->ncols;
            *whole = *nonrec;
            whole->root = rn;
            whole->rows = NULL;
            whole->nrows = 0;
            whole->next_all = NULL;
            /* the non-recursive term's root moves under RECURSE; its columns stay in whole */
            rn->left = nonrec->root;
            nonrec->root = NULL;
            nonrec->cols = NULL;
            nonrec->types = NULL;
            nonrec->utypes = NULL;
            query_free(nonrec);
            pc->q = whole;
            ref->self = false;
        } else {
            if (plan_query(pl, c->query, lv->parent, lv->ctes, &corr, &pc->q)) {
                free(ref);
                return SQL_ERR;
            }
            if (c->ncolnames > pc->q->ncols) {
                free(ref);
                return sqlerr_set(err, "42P10", c->location,
                                  "WITH query \"%s\" has %d columns available but %d columns specified",
                                  c->name, pc->q->ncols, c->ncolnames);
            }
            ref->ncols = pc->q->ncols;
            ref->colnames = own(lv, calloc((size_t)pc->q->ncols + 1, sizeof(char *)));
            if (!ref->colnames) {
                free(ref);
                return sqlerr_oom(err);
            }
            for (int k = 0; k < pc->q->ncols; k++)
                ref->colnames[k] = k < c->ncolnames ? c->colnames[k] : pc->q->cols[k].name;
        }
        pc->correlated = corr;
        if (corr) lv->correlated = true;
        ref->next = lv->ctes;
        lv->ctes = ref;
    }
    return SQL_OK;
}

/* ------------------------------------------------------------------ a query level */

static int plan_query(planner *pl, sqlast_stmt *st, const sqlexpr_scope *parent, cte_ref *ctes,
                      bool *correlated, sqlplan_query **out)
{
    *out = NULL;
    if (sqlerr_stack_check(pl->err)) return SQL_ERR;
    if (++pl->depth > SQLPLAN_MAX_DEPTH) {
        pl->depth--;
        sqlerr_set(pl->err, "54001", -1, "stack depth limit exceeded");
        sqlerr_hint(pl->err, "The query nests more than %d subqueries or set operation branches.",
                    SQLPLAN_MAX_DEPTH);
        return SQL_ERR;
    }
    level lv;
    memset(&lv, 0, sizeof lv);
    lv.pl = pl;
    lv.st = st;
    lv.parent = parent;
    /* the enclosing CTE list is borrowed: copy the head so our additions stay ours */
    cte_ref *base = ctes;
    lv.ctes = NULL;
    int rc = SQL_OK;
    /* CTEs of enclosing levels stay visible: chain a private copy */
    for (cte_ref *c = base; c; c = c->next) {
        cte_ref *d = malloc(sizeof *d);
        if (!d) {
            rc = sqlerr_oom(pl->err);
            break;
        }
        *d = *c;
        d->next = NULL;
        /* append to keep order */
        cte_ref **tail = &lv.ctes;
        while (*tail) tail = &(*tail)->next;
        *tail = d;
    }
    if (!rc && st->nctes) rc = plan_ctes(&lv);
    cte_ref *saved = pl->cur_ctes;
    pl->cur_ctes = lv.ctes;
    if (!rc) {
        if (st->setop) rc = plan_setop(&lv, out);
        else if (st->is_values) rc = plan_values(&lv, out);
        else rc = plan_select(&lv, out);
    }
    pl->cur_ctes = saved;
    if (!rc) rc = level_cols(&lv, 0);
    if (!rc && *out) {
        (*out)->correlated = lv.correlated;
        if (correlated) *correlated = lv.correlated;
    }
    level_free(&lv);
    pl->depth--;
    return rc;
}

/* ------------------------------------------------------------------ subqueries as expressions */

int sqlplan_bind_sublink(sqlast_expr *e, const sqlexpr_scope *sc, sqlerr *err)
{
    planner *pl = sc->planner;
    if (!pl) return sqlerr_unsupported(err, e->location, "subqueries here");
    /* the subquery's enclosing scope is sc (levelsup 1) */
    sqlexpr_scope ps = *sc;
    bool corr = false;
    sqlplan_query *q = NULL;
    if (plan_query(pl, e->sub, &ps, pl->cur_ctes, &corr, &q)) return SQL_ERR;
    q->next_all = pl->plan->all;
    pl->plan->all = q;
    e->subplan = q;
    switch (e->sublink) {
    case SQLAST_SUB_EXISTS: e->type = SQLVAL_BOOL; break;
    case SQLAST_SUB_EXPR:
    case SQLAST_SUB_ARRAY:
        if (q->ncols != 1)
            return sqlerr_set(err, "42601", e->location, q->ncols > 1 ? "subquery must return only one column"
                                                                       : "subquery must return only one column");
        if (e->sublink == SQLAST_SUB_ARRAY) {
            if (!sqlval_type_is_text(q->types[0]))
                return sqlerr_unsupported(err, e->location, "ARRAY(subquery) of non-text values");
            e->type = SQLVAL_TEXTARRAY;
        } else {
            e->type = q->types[0];
            free(e->name);
            e->name = strdup(q->cols[0].name);
            if (!e->name) return sqlerr_oom(err);
        }
        break;
    case SQLAST_SUB_ANY:
    case SQLAST_SUB_ALL:
        if (q->ncols != e->nargs)
            return sqlerr_set(err, "42601", e->location,
                              q->ncols > e->nargs ? "subquery has too many columns" : "subquery has too few columns");
        for (int i = 0; i < e->nargs; i++)
            if (!sqlexpr_comparable(e->args[i]->type, q->types[i]))
                return sqlerr_set(err, "42883", e->location, "operator does not exist: %s = %s",
                                  sqlval_type_name(e->args[i]->type), sqlval_type_name(q->types[i]));
        e->type = SQLVAL_BOOL;
        break;
    }
    return SQL_OK;
}

/* ------------------------------------------------------------------ entry */

int sqlplan_build(sx_session *s, sqlast_stmt *st, sqlast_stmt *top, sqlplan **out, sqlerr *err)
{
    *out = NULL;
    sqlplan *p = calloc(1, sizeof *p);
    if (!p) return sqlerr_oom(err);
    planner pl = {.s = s, .plan = p, .top = top ? top : st, .err = err, .prune = true};
    bool corr = false;
    if (plan_query(&pl, st, NULL, NULL, &corr, &p->q)) {
        sqlplan_free(p);
        return SQL_ERR;
    }
    p->q->next_all = NULL;
    for (int i = 0; i < st->ntargets; i++)
        if (sqlexpr_calls(st->targets[i].expr, "helios_crdt_state")) p->want_raw = true;
    if (st->where && sqlexpr_calls(st->where, "helios_crdt_state")) p->want_raw = true;
    *out = p;
    return SQL_OK;
}

/* ------------------------------------------------------------------ INSERT / UPDATE / DELETE */

typedef struct binder {
    planner pl;
    level lv;
    bool outer_dummy;
} binder;

static void binder_free(void *p)
{
    binder *b = p;
    if (!b) return;
    level_free(&b->lv);
    free(b);
}

uint8_t *sqlplan_dml_reads(sqlplan *p, int n)
{
    binder *b = p->binder;
    uint8_t *v = calloc((size_t)n + 1, 1);
    if (!v || !b) return v;
    for (int i = 0; i < n && i < b->lv.width; i++) v[i] = b->lv.used[i];
    if (level_cols(&b->lv, 0)) {
        free(v);
        return NULL;
    }
    return v;
}

int sqlplan_dml(sx_session *s, sqlast_stmt *st, const sqlschema_table *t, sqlplan **out,
                sqlexpr_scope *sc, sqlerr *err)
{
    *out = NULL;
    sqlplan *p = calloc(1, sizeof *p);
    binder *b = calloc(1, sizeof *b);
    if (!p || !b) {
        free(p);
        free(b);
        return sqlerr_oom(err);
    }
    p->binder = b;
    b->pl = (planner){.s = s, .plan = p, .top = st, .err = err};
    level *lv = &b->lv;
    lv->pl = &b->pl;
    lv->st = st;
    sqlplan_node *tree = NULL;
    /* the target, as a table scan (read only for UPDATE ... FROM / DELETE ... USING) */
    sqlplan_node *tn = new_node(&b->pl, PN_SCAN);
    if (!tn || sqlschema_copy(t, &tn->table, err)) {
        node_free(tn);
        goto fail;
    }
    tn->what = "Seq Scan";
    tree = tn;
    char **names = own(lv, calloc((size_t)t->ncols + 1, sizeof(char *)));
    sqlval_type *types = own(lv, calloc((size_t)t->ncols + 1, sizeof(sqlval_type)));
    if (!names || !types) {
        sqlerr_oom(err);
        goto fail;
    }
    for (int i = 0; i < t->ncols; i++) { /* the caller's table outlives the scope; tn may not */
        names[i] = t->cols[i].name;
        types[i] = t->cols[i].type;
    }
    if (add_rel(lv, tn, st->alias ? st->alias : t->name, t->ncols, names, types, NULL, err))
        goto fail;
    for (int i = 0; i < st->nfrom; i++) {
        sqlplan_node *n = NULL;
        int r = plan_from(lv, st->from[i], &n);
        if (n) {
            sqlplan_node *j = new_node(&b->pl, PN_JOIN);
            if (!j) {
                node_free(n);
                goto fail;
            }
            j->left = tree;
            j->right = n;
            j->rels = tree->rels | n->rels;
            j->rrels = n->rels;
            j->jointype = SQLAST_JOIN_INNER;
            j->what = "Nested Loop";
            tree = j;
        }
        if (r) goto fail;
    }
    b->pl.cur_ctes = NULL;
    level_scope(lv, sc, "WHERE");
    sc->table = t;
    sc->alias = st->alias ? st->alias : t->name;
    sc->outer_ref = &b->outer_dummy;
    if (st->nfrom) {
        /* the join's rows: WHERE is bound and placed here (the caller must not bind it again) */
        if (st->where) {
            if (sqlexpr_bind(st->where, sc, SQLVAL_BOOL, err)) goto fail;
            if (st->where->type != SQLVAL_BOOL && st->where->type != SQLVAL_UNKNOWN) {
                sqlerr_set(err, "42804", st->where->location,
                           "argument of WHERE must be type boolean, not type %s",
                           sqlval_type_name(st->where->type));
                goto fail;
            }
        }
        if (place_where(lv, &tree, st->where, err)) goto fail;
        set_width(tree, lv->width);
        sqlplan_query *q = calloc(1, sizeof *q);
        if (!q) {
            sqlerr_oom(err);
            goto fail;
        }
        q->st = st;
        q->root = tree;
        q->ncols = lv->width;
        q->width = lv->width;
        tree = NULL;
        p->q = q;
        level_scope(lv, sc, "WHERE"); /* the items list may have grown */
        sc->table = t;
        sc->alias = st->alias ? st->alias : t->name;
        sc->outer_ref = &b->outer_dummy;
    } else {
        node_free(tree);
        tree = NULL;
    }
    *out = p;
    return SQL_OK;
fail:
    node_free(tree);
    sqlplan_free(p);
    return SQL_ERR;
}

/* ------------------------------------------------------------------ EXPLAIN */

typedef struct lines {
    char **v;
    int n, cap;
    bool oom;
} lines;

static void line_add(lines *l, int indent, bool arrow, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void line_add(lines *l, int indent, bool arrow, const char *fmt, ...)
{
    if (l->oom) return;
    char body[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    char buf[700];
    snprintf(buf, sizeof buf, "%*s%s%s", indent, "", arrow ? "->  " : "", body);
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 32;
        char **g = realloc(l->v, (size_t)nc * sizeof *g);
        if (!g) {
            l->oom = true;
            return;
        }
        l->v = g;
        l->cap = nc;
    }
    if (!(l->v[l->n] = strdup(buf))) {
        l->oom = true;
        return;
    }
    l->n++;
}

static const char *join_name(const sqlplan_node *n)
{
    static const char *const hash[] = {"Hash Join", "Hash Left Join", "Hash Right Join", "Hash Full Join"};
    static const char *const nl[] = {"Nested Loop", "Nested Loop Left Join", "Nested Loop Right Join",
                                     "Nested Loop Full Join"};
    int jt = n->jointype >= 0 && n->jointype < 4 ? n->jointype : 0;
    return n->method == SQLPLAN_HASH ? hash[jt] : nl[jt];
}

static void explain_node(const sqlplan_node *n, lines *l, int indent, bool arrow, bool analyze);

static void explain_query(const sqlplan_query *q, lines *l, int indent, bool analyze)
{
    if (q && q->root) explain_node(q->root, l, indent, true, analyze);
}

static void explain_node(const sqlplan_node *n, lines *l, int indent, bool arrow, bool analyze)
{
    if (!n) return;
    if (n->kind == PN_PROJECT) { /* the select list: not an operator of its own */
        explain_node(n->left, l, indent, arrow, analyze);
        return;
    }
    char stats[96] = "";
    if (analyze) {
        if (n->nloops)
            snprintf(stats, sizeof stats, " (actual rows=%llu loops=%llu)",
                     (unsigned long long)(n->nrows_out / n->nloops), (unsigned long long)n->nloops);
        else
            snprintf(stats, sizeof stats, " (never executed)");
    }
    const char *what = n->what ? n->what : "?";
    switch (n->kind) {
    case PN_SCAN:
    case PN_FUNC:
    case PN_CTE:
    case PN_WORKTABLE:
    case PN_SUBQUERY:
        line_add(l, indent, arrow, "%s%s%s%s", what, n->label ? " on " : "", n->label ? n->label : "", stats);
        break;
    case PN_JOIN: line_add(l, indent, arrow, "%s%s", join_name(n), stats); break;
    case PN_SETOP: {
        const char *op = n->setop == SQLAST_SETOP_UNION ? (n->all ? "Append" : "HashAggregate")
                         : n->setop == SQLAST_SETOP_INTERSECT ? (n->all ? "HashSetOp Intersect All" : "HashSetOp Intersect")
                                                              : (n->all ? "HashSetOp Except All" : "HashSetOp Except");
        line_add(l, indent, arrow, "%s%s", op, stats);
        break;
    }
    default: line_add(l, indent, arrow, "%s%s", what, stats); break;
    }
    int in = indent + (arrow ? 6 : 2);
    if (n->kind == PN_SCAN && n->nkeys)
        line_add(l, in, false, "Key: %d of %d primary key column%s%s", n->nkeys, n->table->npk,
                 n->table->npk == 1 ? "" : "s", n->nkeys == n->table->npk ? " (point read)" : " (range)");
    if (n->kind == PN_SCAN && n->ix && n->ixorder)
        line_add(l, in, false, "Index: %s (in %sorder: no sort)", n->ix->name,
                 n->ixorder < 0 ? "reverse " : "");
    else if (n->kind == PN_SCAN && n->ix && n->ixgin)
        line_add(l, in, false, "Index: %s (gin: the rows holding an element)", n->ix->name);
    else if (n->kind == PN_SCAN && n->ix)
        line_add(l, in, false, "Index: %s (%d equalit%s%s%s)", n->ix->name, n->nixeq,
                 n->nixeq == 1 ? "y" : "ies", n->ixin ? ", a list" : "",
                 n->ixlo || n->ixhi ? ", a range" : n->ixlike ? ", a LIKE prefix" : "");
    if (n->kind == PN_JOIN && n->method == SQLPLAN_HASH)
        line_add(l, in, false, "Hash Cond: %d equalit%s", n->nhkeys, n->nhkeys == 1 ? "y" : "ies");
    if (n->kind == PN_JOIN && n->method == SQLPLAN_LOOKUP)
        line_add(l, in, false, "Inner side: one %s read per outer row",
                 n->right->ix && n->right->nkeys < n->right->table->npk ? "index" : "primary-key");
    if (n->nquals && n->kind != PN_FILTER)
        line_add(l, in, false, "%s: %d condition%s", n->kind == PN_JOIN ? "Join Filter" : "Filter",
                 n->nquals, n->nquals == 1 ? "" : "s");
    if (n->kind == PN_SORT || n->kind == PN_UNIQUE)
        line_add(l, in, false, "%s: %d column%s", n->kind == PN_SORT ? "Sort Key" : "Group Key",
                 n->nsort, n->nsort == 1 ? "" : "s");
    if (n->kind == PN_CTE && n->cte && n->cte->q) {
        line_add(l, in, false, "CTE %s", n->cte->name);
        explain_query(n->cte->q, l, in + 2, analyze);
    }
    if (n->kind == PN_SETOP) {
        explain_query(n->sub, l, in, analyze);
        explain_query(n->right ? n->right->sub : NULL, l, in, analyze);
        return;
    }
    if (n->kind == PN_RECURSE) {
        explain_node(n->left, l, in, true, analyze);
        explain_query(n->sub, l, in, analyze);
        return;
    }
    if (n->kind == PN_SUBQUERY) {
        explain_query(n->sub, l, in, analyze);
        return;
    }
    explain_node(n->left, l, in, true, analyze);
    explain_node(n->right, l, in, true, analyze);
}

int sqlplan_explain(const sqlplan *p, bool analyze, char ***out, int *n, sqlerr *err)
{
    lines l = {0};
    *out = NULL;
    *n = 0;
    if (p->q && p->q->root) explain_node(p->q->root, &l, 0, false, analyze);
    int k = 1;
    for (const sqlplan_query *q = p->all; q; q = q->next_all, k++) {
        line_add(&l, 2, false, "SubPlan %d%s", k, q->correlated ? "" : " (run once)");
        explain_query(q, &l, 4, analyze);
    }
    if (l.oom) {
        for (int i = 0; i < l.n; i++) free(l.v[i]);
        free(l.v);
        return sqlerr_oom(err);
    }
    *out = l.v;
    *n = l.n;
    return SQL_OK;
}
