/*
 * server/sql/sqlrun_index.c — the statements of secondary indexes (CREATE [UNIQUE] INDEX,
 * UNIQUE constraints, DROP INDEX, ALTER INDEX RENAME, ALTER TABLE DROP CONSTRAINT) and the
 * unique checks of writes.
 *
 * UNIQUE across regions. A unique index is enforced in the region that writes, against
 * everything that region holds: at the end of each statement (as PostgreSQL, 23505 with the
 * key) and again on the storage writer thread when the commit is applied, against every
 * commit applied before it (so two sessions of one region racing on one key: the second
 * commit fails with 23505). Regions do not coordinate: two regions inserting one key
 * concurrently both succeed, and once their changes cross, both rows exist with the same key
 * (the index holds both entries; helios.unique_violations lists them). docs/sql-reference.md
 * says so; nothing claims a global guarantee.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlindex.h"
#include "server/log.h"

/* An index named name in schema nsp (its table's) */
static const sqlindex_def *index_find_in(sx_session *s, uint32_t nsp, const char *name)
{
    const sqlindex_def **v;
    int n;
    if (sx_index_view(s, &v, &n)) return NULL;
    const sqlindex_def *hit = NULL;
    for (int i = 0; i < n && !hit; i++) {
        if (strcmp(v[i]->name, name)) continue;
        const sqlschema_table *t = sx_table_by_id(s, v[i]->table_id);
        if (t && sx_table_nsp(s, t) == nsp) hit = v[i];
    }
    free(v);
    return hit;
}

/* An index by name as a statement names it: in its schema, or through search_path */
static const sqlindex_def *index_find(sx_session *s, const char *name)
{
    uint32_t path[SQLSCHEMA_PATH_MAX];
    const char *rel;
    int n = sx_name_path(s, name, &rel, path);
    for (int i = 0; i < n; i++) {
        if (sx_table_find_in(s, path[i], rel)) return NULL; /* a table of that name comes first */
        const sqlindex_def *d = index_find_in(s, path[i], rel);
        if (d) return d;
    }
    return NULL;
}

/* Whether name is taken by a relation (table, view, sequence, index) of schema nsp. */
static bool relation_exists(sx_session *s, uint32_t nsp, const char *name)
{
    return sx_table_find_in(s, nsp, name) || index_find_in(s, nsp, name);
}

/* PostgreSQL's makeObjectName: name1_name2_label cut to 63 bytes, the longer part first. */
static void object_name(const char *n1, const char *n2, const char *label, char *out, size_t cap)
{
    size_t l1 = strlen(n1), l2 = n2 ? strlen(n2) : 0;
    size_t over = strlen(label) + 1 + (n2 ? 1 : 0);
    size_t avail = SQLSCHEMA_NAME_MAX - over;
    while (l1 + l2 > avail) {
        if (l1 > l2) l1--;
        else l2--;
    }
    /* never cut a UTF-8 character in two */
    while (l1 > 0 && ((unsigned char)n1[l1] & 0xC0) == 0x80) l1--;
    while (n2 && l2 > 0 && ((unsigned char)n2[l2] & 0xC0) == 0x80) l2--;
    if (n2)
        snprintf(out, cap, "%.*s_%.*s_%s", (int)l1, n1, (int)l2, n2, label);
    else
        snprintf(out, cap, "%.*s_%s", (int)l1, n1, label);
}

/* PostgreSQL's ChooseRelationName over the columns' names (ChooseIndexNameAddition). */
static void choose_name(sx_session *s, uint32_t nsp, const char *table, const sqlast_index *ix,
                        const char *label, char *out, size_t cap)
{
    char cols[SQLSCHEMA_NAME_MAX + 1] = "";
    size_t cl = 0;
    /* INCLUDE columns too, and a repeated name numbered (a, a1), as PostgreSQL's
     * ChooseIndexColumnNames */
    for (int i = 0; i < ix->ncols + ix->ninclude; i++) {
        const char *nm = i < ix->ncols ? ix->cols[i] : ix->include[i - ix->ncols];
        char fn[SQLSCHEMA_NAME_MAX + 1];
        if (i < ix->ncols && ix->exprs && i < ix->nexprs && ix->exprs[i]) {
            /* an expression: its function's name (lower(email): "lower"), else "expr" */
            const char *x = ix->exprs[i];
            size_t l = 0;
            while (x[l] && (isalnum((unsigned char)x[l]) || x[l] == '_') && l < SQLSCHEMA_NAME_MAX) l++;
            const char *p = x + l;
            while (*p == ' ') p++;
            if (l && *p == '(' && !isdigit((unsigned char)x[0])) {
                for (size_t j = 0; j < l; j++) fn[j] = (char)tolower((unsigned char)x[j]);
                fn[l] = 0;
                nm = fn;
            } else {
                nm = "expr";
            }
        }
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen += !strcmp(nm, j < ix->ncols ? ix->cols[j] : ix->include[j - ix->ncols]);
        /* (two expression keys are not told apart from each other here: rare) */
        char num[16] = "";
        if (seen) snprintf(num, sizeof num, "%d", seen);
        int w = snprintf(cols + cl, sizeof cols - cl, "%s%s%s", i ? "_" : "", nm, num);
        if (w < 0 || cl + (size_t)w >= sizeof cols - 1) {
            cl = sizeof cols - 1;
            break;
        }
        cl += (size_t)w;
    }
    char lab[32];
    snprintf(lab, sizeof lab, "%s", label);
    for (int pass = 0;; pass++) {
        object_name(table, cols, lab, out, cap);
        if (!relation_exists(s, nsp, out) || pass > 10000) return;
        snprintf(lab, sizeof lab, "%s%d", label, pass + 1);
    }
}

static int fill_def(const sqlschema_table *t, const sqlast_index *ix, sqlindex_def *d, sqlerr *err)
{
    if (ix->ncols > SQLINDEX_MAX_COLUMNS)
        return sqlerr_set(err, "54011", -1, "cannot use more than %d columns in an index",
                          SQLINDEX_MAX_COLUMNS);
    if (ix->ncols + ix->ninclude > SQLINDEX_MAX_COLUMNS)
        return sqlerr_set(err, "54011", -1, "cannot use more than %d columns in an index",
                          SQLINDEX_MAX_COLUMNS);
    for (int k = 0; k < ix->ncols + ix->ninclude; k++) {
        if (k < ix->ncols && ix->exprs && k < ix->nexprs && ix->exprs[k]) {
            /* an expression key: checked when bound below */
            if (ix->gin) return sqlerr_unsupported(err, -1, "gin indexes on expressions");
            if (!(d->expr[k] = strdup(ix->exprs[k]))) return sqlerr_oom(err);
            d->col[k] = 0;
            d->opt[k] = ix->opt ? ix->opt[k] : 0;
            continue;
        }
        const char *cn = k < ix->ncols ? ix->cols[k] : ix->include[k - ix->ncols];
        int ci = sqlschema_find_column(t, cn);
        if (ci < 0 || t->cols[ci].hidden)
            return sqlerr_set(err, "42703", ix->constraint ? ix->location : -1, ix->constraint && k < ix->ncols
                                  ? "column \"%s\" named in key does not exist"
                                  : "column \"%s\" does not exist", cn);
        const sqlschema_column *c = &t->cols[ci];
        if (k < ix->ncols && ix->gin) {
            /* an element index: a set CRDT or a text[] register */
            bool set = c->kind == SQLSCHEMA_AW_SET || c->kind == SQLSCHEMA_OR_SET ||
                       c->kind == SQLSCHEMA_MV_REGISTER;
            if (!set && !sqlval_type_is_array(c->type)) {
                sqlerr_set(err, "42704", -1, "data type %s has no default operator class for "
                           "access method \"gin\"", c->type_name);
                sqlerr_hint(err, "You must specify an operator class for the index or define a "
                                 "default operator class for the data type.");
                return SQL_ERR;
            }
            if (!set && c->type != SQLVAL_TEXTARRAY)
                return sqlerr_set(err, "0A000", -1, "feature not supported: gin indexes on %s "
                                  "columns (text[], aw_set, or_set and mv_register have them)",
                                  c->type_name);
            if (k > 0 || ix->ninclude)
                return sqlerr_unsupported(err, -1, "gin indexes of more than one column");
            d->col[0] = c->id;
            d->opt[0] = 0;
            d->gin = true;
            continue;
        }
        if (k < ix->ncols) {
            if (c->kind != SQLSCHEMA_LWW && (c->kind == SQLSCHEMA_AW_SET || c->kind == SQLSCHEMA_OR_SET ||
                                             c->kind == SQLSCHEMA_MV_REGISTER))
                return sqlerr_set(err, "0A000", ix->constraint ? ix->location : -1,
                                  "a btree index cannot hold column \"%s\" of type %s: index its "
                                  "elements with USING gin", cn, c->type_name);
            if (c->kind != SQLSCHEMA_LWW)
                return sqlerr_set(err, "0A000", ix->constraint ? ix->location : -1,
                                  "indexes on CRDT columns are not supported: column \"%s\" is "
                                  "%s", cn, c->type_name);
            if (c->type == SQLVAL_ENUM)
                return sqlerr_set(err, "0A000", ix->constraint ? ix->location : -1,
                                  "indexes on enum columns are not supported: column \"%s\" is %s "
                                  "(its keys would not sort in the labels' order)",
                                  cn, sqlschema_type_display(c->type_name));
            if (!sqlindex_type_ok(c->type))
                return sqlerr_set(err, "0A000", ix->constraint ? ix->location : -1,
                                  "indexes on columns of type %s are not supported", c->type_name);
            /* PostgreSQL allows (a, a) in an index, not in a constraint */
            for (int j = 0; j < k && ix->constraint; j++)
                if (d->col[j] == c->id)
                    return sqlerr_set(err, "42701", ix->location,
                                      "column \"%s\" appears twice in unique constraint", cn);
            d->col[k] = c->id;
            d->opt[k] = ix->opt ? ix->opt[k] : 0;
        } else {
            d->include[k - ix->ncols] = c->id;
        }
    }
    d->ncols = ix->ncols;
    d->ninclude = ix->ninclude;
    /* expression keys: parse, bind over t, immutable only, of an indexable type */
    sqlindex_exprs *bx = NULL;
    if (sqlindex_exprs_bind(d, t, &bx, err)) return SQL_ERR;
    for (int k = 0; bx && k < d->ncols; k++) {
        if (!d->expr[k]) continue;
        sqlval_type ty = sqlindex_key_type(d, bx, t, k);
        if (!sqlindex_type_ok(ty)) {
            sqlindex_exprs_free(bx);
            return sqlerr_set(err, "0A000", -1, "indexes on expressions of type %s are not supported",
                              sqlval_type_name(ty));
        }
    }
    sqlindex_exprs_free(bx);
    return SQL_OK;
}

typedef struct dupent {
    uint8_t *key; /* prefix, then the pk */
    size_t plen, len;
} dupent;

static int dup_cmp(const void *a, const void *b)
{
    const dupent *x = a, *y = b;
    size_t n = x->plen < y->plen ? x->plen : y->plen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->plen > y->plen) - (x->plen < y->plen);
}

/* 23505 when two rows of t share d's key (CREATE UNIQUE INDEX on a populated table). */
static int unique_build_check(sx_session *s, const sqlschema_table *t, const sqlindex_def *d,
                              sqlerr *err)
{
    storage_overlay *ov = sx_preview(s);
    if (!ov) return sqlerr_oom(err);
    storage_iter *it = NULL;
    int rc = storage_overlay_iter_new(ov, sx_snapshot(s), t->id, NULL, 0, NULL, 0, &it);
    if (rc) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    bool *need = calloc((size_t)t->ncols + 1, sizeof *need);
    dupent *v = NULL;
    size_t n = 0, cap = 0;
    codec_buf b;
    codec_buf_init(&b);
    int out = need ? SQL_OK : sqlerr_oom(err);
    sqlindex_exprs *bx = NULL;
    if (out == SQL_OK && sqlindex_exprs_bind(d, t, &bx, err)) out = SQL_ERR;
    if (need && out == SQL_OK) sqlindex_need(d, bx, t, need);
    while (out == SQL_OK && (rc = storage_iter_next(it)) == 1) {
        if (sx_interrupted(s, err)) {
            out = SQL_ERR;
            break;
        }
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(it, &pk, &pklen, &val, &vlen);
        sqlval *vals = NULL;
        int vr = sqlrun_row_values_some(t, need, pk, pklen, val, vlen, &vals, err);
        if (vr == 1) continue;
        if (vr) {
            out = SQL_ERR;
            break;
        }
        bool has_null;
        codec_buf_reset(&b);
        int pr = sqlindex_put_prefix(&b, d, t, bx, vals, &has_null, err);
        for (int i = 0; i < t->ncols; i++) sqlval_free(&vals[i]);
        free(vals);
        if (pr) {
            out = SQL_ERR;
            break;
        }
        if (has_null) continue;
        size_t plen = b.len;
        codec_put_raw(&b, pk, pklen);
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            dupent *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                out = sqlerr_oom(err);
                break;
            }
            v = nv;
            cap = nc;
        }
        if (b.err || !(v[n].key = malloc(b.len))) {
            out = sqlerr_oom(err);
            break;
        }
        memcpy(v[n].key, b.data, b.len);
        v[n].plen = plen;
        v[n].len = b.len;
        n++;
    }
    if (out == SQL_OK && rc < 0) out = sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    if (out == SQL_OK && n > 1) {
        qsort(v, n, sizeof *v, dup_cmp);
        for (size_t i = 1; i < n; i++) {
            if (dup_cmp(&v[i - 1], &v[i])) continue;
            sqlval *row = NULL;
            char key[SQLERR_AUX_MAX - 32] = "";
            if (sqlrun_row_get(s, t, v[i].key + v[i].plen, v[i].len - v[i].plen, &row, err) == SQL_OK && row) {
                sqlindex_keytext(d, t, bx, row, key, sizeof key);
                for (int c = 0; c < t->ncols; c++) sqlval_free(&row[c]);
                free(row);
            }
            sqlerr_set(err, "23505", -1, "could not create unique index \"%s\"", d->name);
            sqlerr_object(err, t->name, NULL, d->name);
            sqlerr_detail(err, "Key %s is duplicated.", key);
            out = SQL_ERR;
            break;
        }
    }
    for (size_t i = 0; i < n; i++) free(v[i].key);
    free(v);
    free(need);
    codec_buf_free(&b);
    storage_iter_del(it);
    sqlindex_exprs_free(bx);
    return out;
}

/* One index on t: named, checked, recorded in the transaction. */
static int add_index(sx_session *s, const sqlschema_table *t, const sqlast_index *ix,
                     bool if_not_exists, sx_result *res, sqlerr *err)
{
    char name[SQLSCHEMA_NAME_MAX + 1];
    if (ix->name) {
        snprintf(name, sizeof name, "%s", ix->name);
        if (relation_exists(s, sqlschema_nsp(t), name)) {
            if (if_not_exists)
                return sqlrun_notice(res, "42P07", err, "relation \"%s\" already exists, skipping", name);
            return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", name);
        }
    } else {
        choose_name(s, sqlschema_nsp(t), t->name, ix, ix->constraint ? "key" : "idx", name, sizeof name);
    }
    sqlindex_def *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strdup(name))) {
        free(d);
        return sqlerr_oom(err);
    }
    d->table_id = t->id;
    d->gen = sx_hlc_now(s);
    d->unique = ix->unique;
    d->constraint = ix->constraint;
    if (fill_def(t, ix, d, err) || (d->unique && unique_build_check(s, t, d, err))) {
        sqlindex_free(d);
        return SQL_ERR;
    }
    if (!(d->oid = sx_table_new_id(s))) {
        sqlindex_free(d);
        return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    }
    if (sx_index_change(s, false, d, 0)) {
        sqlindex_free(d);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

static const sqlschema_table *index_table(sx_session *s, const sqlast_stmt *st, sqlerr *err)
{
    const sqlschema_table *t = sx_table_find(s, st->table);
    if (!t) {
        sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
        return NULL;
    }
    if (t->view_sql || t->seq) {
        sqlerr_set(err, "42809", -1, st->kind == SQLAST_CREATE_INDEX
                                         ? "cannot create index on relation \"%s\""
                                         : "ALTER action ADD CONSTRAINT cannot be performed on relation \"%s\"",
                   t->name);
        sqlerr_detail(err, "This operation is not supported for %s.", t->view_sql ? "views" : "sequences");
        return NULL;
    }
    return t;
}

int sqlrun_create_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    bool create = st->kind == SQLAST_CREATE_INDEX;
    snprintf(res->tag, sizeof res->tag, create ? "CREATE INDEX" : "ALTER TABLE");
    if (!create && st->missing_ok && !sx_table_find(s, st->table))
        return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping", st->table);
    const sqlschema_table *t = index_table(s, st, err);
    if (!t) return SQL_ERR;
    if (create && st->indexes[0].concurrent && s->state == SX_BLOCK)
        return sqlerr_set(err, "25001", -1,
                          "CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
    return add_index(s, t, &st->indexes[0], create && st->missing_ok, res, err);
}

int sqlrun_add_indexes(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                       sx_result *res, sqlerr *err)
{
    for (int i = 0; i < st->nindexes; i++)
        if (add_index(s, t, &st->indexes[i], false, res, err)) return SQL_ERR;
    return SQL_OK;
}

int sqlrun_drop_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "DROP INDEX");
    for (int i = 0; i < st->nnames; i++) {
        const sqlindex_def *d = index_find(s, st->names[i]);
        if (!d) {
            const sqlschema_table *t = sx_table_find(s, st->names[i]);
            if (t) {
                sqlerr_set(err, "42809", -1, "\"%s\" is not an index", st->names[i]);
                sqlerr_hint(err, "Use DROP %s to remove a %s.",
                            t->view_sql ? "VIEW" : t->seq ? "SEQUENCE" : "TABLE",
                            t->view_sql ? "view" : t->seq ? "sequence" : "table");
                return SQL_ERR;
            }
            if (st->missing_ok) {
                if (sqlrun_notice(res, "00000", err, "index \"%s\" does not exist, skipping", st->names[i]))
                    return SQL_ERR;
                continue;
            }
            return sqlerr_set(err, "42704", -1, "index \"%s\" does not exist", st->names[i]);
        }
        if (d->constraint) {
            const sqlschema_table *t = sx_table_by_id(s, d->table_id);
            sqlerr_set(err, "2BP01", -1,
                       "cannot drop index %s because constraint %s on table %s requires it",
                       d->name, d->name, t ? t->name : "?");
            sqlerr_hint(err, "You can drop constraint %s on table %s instead.", d->name,
                        t ? t->name : "?");
            return SQL_ERR;
        }
        if (sx_index_change(s, true, NULL, d->oid)) return sqlerr_oom(err);
    }
    return SQL_OK;
}

int sqlrun_rename_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER INDEX");
    const sqlindex_def *d = index_find(s, st->table);
    if (!d) {
        if (sx_table_find(s, st->table))
            return sqlerr_set(err, "42809", -1, "\"%s\" is not an index", st->table);
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping", st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    const sqlschema_table *it = sx_table_by_id(s, d->table_id);
    if (relation_exists(s, it ? sx_table_nsp(s, it) : SX_NSP_PUBLIC, st->newname))
        return sqlerr_set(err, "42P07", -1, "relation \"%s\" already exists", st->newname);
    if (strlen(st->newname) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", -1, "name \"%s\" is too long", st->newname);
    sqlindex_def *c;
    if (sqlindex_copy(d, &c, err)) return SQL_ERR;
    free(c->name);
    c->gen = sx_hlc_now(s);
    if (!(c->name = strdup(st->newname)) || sx_index_change(s, false, c, 0)) {
        sqlindex_free(c);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

int sqlrun_reindex(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "REINDEX");
    if (st->is_view) {
        const sqlschema_table *t = sx_table_find(s, st->table);
        if (!t) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
        if (t->view_sql || t->seq)
            return sqlerr_set(err, "42809", -1, "\"%s\" is not a table or materialized view", st->table);
        /* the same definitions under new oids: the old entries go, the new ones are built */
        return sqlrun_indexes_move(s, t->id, t->id, err);
    }
    const sqlindex_def *d = index_find(s, st->table);
    if (!d) {
        if (sx_table_find(s, st->table))
            return sqlerr_set(err, "42809", -1, "\"%s\" is not an index", st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    sqlindex_def *c;
    if (sqlindex_copy(d, &c, err)) return SQL_ERR;
    c->gen = sx_hlc_now(s);
    uint32_t old = d->oid;
    if (!(c->oid = sx_table_new_id(s))) {
        sqlindex_free(c);
        return sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
    }
    if (sx_index_change(s, true, NULL, old) || sx_index_change(s, false, c, 0)) {
        sqlindex_free(c);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

int sqlrun_drop_constraint(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "ALTER TABLE");
    const sqlschema_table *t = sx_table_find(s, st->table);
    if (!t) {
        if (st->missing_ok)
            return sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping", st->table);
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    }
    const sqlindex_def *d = index_find_in(s, sx_table_nsp(s, t), st->name);
    if (d && d->constraint && d->table_id == t->id)
        return sx_index_change(s, true, NULL, d->oid) ? sqlerr_oom(err) : SQL_OK;
    int ck = -1, fk = -1;
    for (int i = 0; i < t->nchecks; i++)
        if (!strcmp(t->checks[i].name, st->name)) ck = i;
    for (int i = 0; i < t->nfks; i++)
        if (!strcmp(t->fks[i].name, st->name)) fk = i;
    if (ck < 0 && fk < 0) {
        char pkey[SQLSCHEMA_NAME_MAX + 8];
        snprintf(pkey, sizeof pkey, "%s_pkey", t->name);
        if (!strcmp(st->name, pkey))
            return sqlerr_unsupported(err, -1, "dropping a primary key (every table has one)");
        if (st->set_not_null) /* IF EXISTS */
            return sqlrun_notice(res, "00000", err,
                                 "constraint \"%s\" of relation \"%s\" does not exist, skipping",
                                 st->name, t->name);
        return sqlerr_set(err, "42704", -1, "constraint \"%s\" of relation \"%s\" does not exist",
                          st->name, t->name);
    }
    sqlschema_table *c;
    if (sqlschema_copy(t, &c, err)) return SQL_ERR;
    if (ck >= 0) {
        free(c->checks[ck].name);
        free(c->checks[ck].expr);
        memmove(&c->checks[ck], &c->checks[ck + 1], (size_t)(c->nchecks - ck - 1) * sizeof *c->checks);
        c->nchecks--;
    } else {
        free(c->fks[fk].name);
        memmove(&c->fks[fk], &c->fks[fk + 1], (size_t)(c->nfks - fk - 1) * sizeof *c->fks);
        c->nfks--;
    }
    if (sx_catalog_change(s, false, c, c->id, c->name)) {
        sqlschema_free(c);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

/* Every index in the session's view plus those of tables it no longer sees (their entries
 * still need a tombstone). */
static int for_table(sx_session *s, uint32_t table_id, uint16_t col_id, uint32_t new_id, sqlerr *err)
{
    int cap = s->x->nindexes + s->txn.nix + 1, n = 0;
    const sqlindex_def **v = malloc((size_t)cap * sizeof *v);
    if (!v) return sqlerr_oom(err);
    for (int i = 0; i < s->x->nindexes; i++) {
        bool changed = false;
        for (int j = 0; j < s->txn.nix && !changed; j++) changed = s->txn.ix[j].oid == s->x->indexes[i]->oid;
        if (!changed) v[n++] = s->x->indexes[i];
    }
    for (int j = 0; j < s->txn.nix; j++) {
        bool later = false;
        for (int l = j + 1; l < s->txn.nix && !later; l++) later = s->txn.ix[l].oid == s->txn.ix[j].oid;
        if (!later && !s->txn.ix[j].drop) v[n++] = s->txn.ix[j].def;
    }
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++) {
        const sqlindex_def *d = v[i];
        if (d->table_id != table_id) continue;
        bool uses = !col_id;
        for (int k = 0; k < d->ncols + d->ninclude && !uses; k++)
            uses = (k < d->ncols ? d->col[k] : d->include[k - d->ncols]) == col_id;
        /* an expression naming the column (as a whole word) goes with it too */
        const sqlschema_table *tt = sx_table_by_id(s, table_id);
        int cci = tt && col_id ? sqlindex_col_index(tt, col_id) : -1;
        for (int k = 0; k < d->ncols && !uses && cci >= 0; k++) {
            const char *x = d->expr[k], *w = tt->cols[cci].name;
            size_t wl = strlen(w);
            for (const char *p = x ? strstr(x, w) : NULL; p && !uses; p = strstr(p + 1, w))
                uses = (p == x || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
                       !(isalnum((unsigned char)p[wl]) || p[wl] == '_');
        }
        if (!uses) continue;
        sqlindex_def *moved = NULL;
        if (new_id && sqlindex_copy(d, &moved, err)) {
            rc = SQL_ERR;
            break;
        }
        uint32_t oid = d->oid;
        if (sx_index_change(s, true, NULL, oid)) rc = sqlerr_oom(err);
        if (moved && rc == SQL_OK) {
            moved->table_id = new_id;
            moved->gen = sx_hlc_now(s);
            if (!(moved->oid = sx_table_new_id(s)))
                rc = sqlerr_set(err, "54000", -1, "this node has created its maximum of 65535 relations");
            else if (sx_index_change(s, false, moved, 0))
                rc = sqlerr_oom(err);
            else
                moved = NULL;
        }
        sqlindex_free(moved);
    }
    free(v);
    return rc;
}

int sqlrun_indexes_drop(sx_session *s, uint32_t table_id, uint16_t col_id, sqlerr *err)
{
    return for_table(s, table_id, col_id, 0, err);
}

int sqlrun_indexes_move(sx_session *s, uint32_t old_id, uint32_t new_id, sqlerr *err)
{
    return for_table(s, old_id, 0, new_id, err);
}

bool sqlrun_has_unique(sx_session *s, const sqlschema_table *t)
{
    const sqlindex_def **v;
    int n;
    if (sx_index_view(s, &v, &n)) return true; /* out of memory: the check reports it */
    bool yes = false;
    for (int i = 0; i < n && !yes; i++) {
        bool expr = false;
        for (int k = 0; k < v[i]->ncols; k++) expr |= v[i]->expr[k] != NULL;
        /* a unique index to check, or an expression to evaluate (its errors are the write's,
         * as in PostgreSQL) */
        yes = (v[i]->unique || expr) && v[i]->table_id == t->id;
    }
    free(v);
    return yes;
}

/* The unique prefix (oid + key columns) of row pk of t in index d, as the transaction sees
 * the row: 1 with *row (caller frees) and b filled, 0 when the row is gone or its key has a
 * NULL, SQL_ERR. */
static int row_prefix(sx_session *s, const sqlschema_table *t, const sqlindex_def *d,
                      const sqlindex_exprs *bx, const uint8_t *pk, size_t pklen, codec_buf *b,
                      sqlval **row, sqlerr *err)
{
    *row = NULL;
    if (sqlrun_row_get(s, t, pk, pklen, row, err)) return SQL_ERR;
    if (!*row) return 0;
    bool has_null;
    codec_buf_reset(b);
    if (sqlindex_put_prefix(b, d, t, bx, *row, &has_null, err)) return SQL_ERR;
    return has_null ? 0 : 1;
}

static void row_free(const sqlschema_table *t, sqlval *row)
{
    if (!row) return;
    for (int i = 0; i < t->ncols; i++) sqlval_free(&row[i]);
    free(row);
}

static int violation(const sqlschema_table *t, const sqlindex_def *d, const sqlindex_exprs *bx,
                     const sqlval *row, sqlerr *err)
{
    char key[SQLERR_AUX_MAX - 32];
    sqlindex_keytext(d, t, bx, row, key, sizeof key);
    sqlerr_set(err, "23505", -1, "duplicate key value violates unique constraint \"%s\"", d->name);
    sqlerr_object(err, t->name, NULL, d->name);
    sqlerr_detail(err, "Key %s already exists.", key);
    return SQL_ERR;
}

int sqlrun_unique_check(sx_session *s, const sqlschema_table *t, uint8_t *const *pks,
                        const size_t *lens, size_t n, sqlerr *err)
{
    const sqlindex_def **v;
    int nv;
    if (sx_index_view(s, &v, &nv)) return sqlerr_oom(err);
    codec_buf b, o;
    codec_buf_init(&b);
    codec_buf_init(&o);
    dupent *seen = NULL;
    size_t ns = 0;
    int rc = SQL_OK;
    if (n && !(seen = calloc(n, sizeof *seen))) rc = sqlerr_oom(err);
    for (int x = 0; x < nv && rc == SQL_OK; x++) {
        const sqlindex_def *d = v[x];
        bool expr = false;
        for (int k = 0; k < d->ncols; k++) expr |= d->expr[k] != NULL;
        if ((!d->unique && !expr) || d->table_id != t->id) continue;
        if (!d->unique) { /* only evaluated: an expression's error is the statement's */
            sqlindex_exprs *ebx = NULL;
            if (sqlindex_exprs_bind(d, t, &ebx, err)) {
                rc = SQL_ERR;
                break;
            }
            for (size_t i = 0; i < n && rc == SQL_OK; i++) {
                if (!pks[i]) continue;
                sqlval *row = NULL;
                if (row_prefix(s, t, d, ebx, pks[i], lens[i], &b, &row, err) < 0) rc = SQL_ERR;
                row_free(t, row);
            }
            sqlindex_exprs_free(ebx);
            continue;
        }
        /* an index still building has not got every row yet: the commit's check covers
         * what it has */
        bool built = sx_index_ready(s, d->oid, NULL);
        ns = 0;
        sqlindex_exprs *bx = NULL;
        if (sqlindex_exprs_bind(d, t, &bx, err)) {
            rc = SQL_ERR;
            break;
        }
        for (size_t i = 0; i < n && rc == SQL_OK; i++) {
            if (!pks[i]) continue;
            sqlval *row = NULL;
            int k = row_prefix(s, t, d, bx, pks[i], lens[i], &b, &row, err);
            if (k <= 0) {
                row_free(t, row);
                if (k < 0) rc = SQL_ERR;
                continue;
            }
            /* twice among the statement's rows */
            for (size_t j = 0; j < ns && rc == SQL_OK; j++)
                if (seen[j].plen == b.len && !memcmp(seen[j].key, b.data, b.len))
                    rc = violation(t, d, bx, row, err);
            if (rc == SQL_OK && (seen[ns].key = malloc(b.len ? b.len : 1))) {
                memcpy(seen[ns].key, b.data, b.len);
                seen[ns++].plen = b.len;
            } else if (rc == SQL_OK) {
                rc = sqlerr_oom(err);
            }
            /* held by another committed row that the transaction has not moved off it */
            uint8_t *other = NULL;
            size_t olen = 0;
            int f = rc == SQL_OK && built
                        ? storage_index_find(s->x->st, d->oid, b.data + 4, b.len - 4, pks[i], lens[i], &other, &olen)
                        : 0;
            if (f < 0) rc = sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(f));
            if (f == 1) {
                sqlval *orow = NULL;
                int ok = row_prefix(s, t, d, bx, other, olen, &o, &orow, err);
                if (ok < 0) rc = SQL_ERR;
                else if (ok == 1 && o.len == b.len && !memcmp(o.data, b.data, b.len))
                    rc = violation(t, d, bx, row, err);
                row_free(t, orow);
            }
            free(other);
            row_free(t, row);
        }
        for (size_t j = 0; j < ns; j++) free(seen[j].key);
        sqlindex_exprs_free(bx);
    }
    free(seen);
    free(v);
    codec_buf_free(&b);
    codec_buf_free(&o);
    return rc;
}

/* ---- helios_index_check ------------------------------------------------------------------ */

static int bytes_cmp(const void *a, const void *b)
{
    const dupent *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->key, y->key, n) : 0;
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int push(dupent **v, size_t *n, size_t *cap, const uint8_t *k, size_t len)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        dupent *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    uint8_t *c = malloc(len ? len : 1);
    if (!c) return -1;
    if (len) memcpy(c, k, len);
    (*v)[(*n)++] = (dupent){.key = c, .len = len};
    return 0;
}

/* One index: the entries its table's rows give (expected) against those stored (actual),
 * both read at snap and without the oid. */
static int check_one(sx_session *s, const sqlindex_def *d, const storage_snapshot *snap,
                     int64_t *diff, sqlerr *err)
{
    storage *st = s->x->st;
    dupent *want = NULL, *have = NULL;
    size_t nw = 0, cw = 0, nh = 0, ch = 0;
    storage_index_keys k = {0};
    storage_iter *it = NULL;
    int rc = storage_iter_new(st, snap, d->table_id, NULL, 0, NULL, 0, &it);
    int out = SQL_OK;
    if (rc == 0) rc = 1;
    while (rc == 1 && (rc = storage_iter_next(it)) == 1) {
        if (sx_interrupted(s, err)) {
            out = SQL_ERR;
            break;
        }
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(it, &pk, &pklen, &val, &vlen);
        storage_index_keys_clear(&k);
        if (sqlindex_reg_keys(s->x->ixreg, d->table_id, pk, pklen, val, vlen, d->oid, &k) < 0) {
            out = sqlerr_set(err, "XX001", -1, "index \"%s\": a row is unreadable", d->name);
            break;
        }
        for (size_t i = 0; i < k.n && out == SQL_OK; i++)
            if (push(&want, &nw, &cw, k.v[i].key + 4, k.v[i].len - 4)) out = sqlerr_oom(err);
    }
    storage_iter_del(it);
    it = NULL;
    if (out == SQL_OK && rc < 0) out = sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    rc = out == SQL_OK ? storage_iter_new_index(st, snap, d->oid, NULL, 0, NULL, 0, &it) : 0;
    if (rc == 0 && it) rc = 1;
    while (out == SQL_OK && rc == 1 && (rc = storage_iter_next(it)) == 1) {
        const uint8_t *key, *val;
        size_t kl, vl;
        storage_iter_item(it, &key, &kl, &val, &vl);
        if (push(&have, &nh, &ch, key, kl)) out = sqlerr_oom(err);
    }
    storage_iter_del(it);
    if (out == SQL_OK && rc < 0) out = sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(rc));
    if (out == SQL_OK) {
        qsort(want, nw, sizeof *want, bytes_cmp);
        size_t i = 0, j = 0;
        int64_t missing = 0, extra = 0;
        while (i < nw || j < nh) {
            int c = i == nw ? 1 : j == nh ? -1 : bytes_cmp(&want[i], &have[j]);
            if (c < 0) missing++, i++;
            else if (c > 0) extra++, j++;
            else i++, j++;
        }
        if (missing || extra)
            log_warn("index", "index \"%s\": %lld entries missing, %lld entries not in its table "
                              "(%zu rows' entries, %zu stored)", d->name, (long long)missing,
                     (long long)extra, nw, nh);
        *diff += missing + extra;
    }
    for (size_t i = 0; i < nw; i++) free(want[i].key);
    for (size_t i = 0; i < nh; i++) free(have[i].key);
    free(want);
    free(have);
    storage_index_keys_clear(&k);
    return out;
}

int sqlrun_index_check(sx_session *s, int64_t *diff, sqlerr *err)
{
    *diff = 0;
    /* which indexes are built, before the snapshot: one built after it would look short */
    bool *built = calloc((size_t)s->x->nindexes + 1, sizeof *built);
    if (!built) return sqlerr_oom(err);
    for (int i = 0; i < s->x->nindexes; i++) built[i] = sx_index_ready(s, s->x->indexes[i]->oid, NULL);
    storage_snapshot *snap = storage_snapshot_new(s->x->st);
    int rc = snap ? SQL_OK : sqlerr_oom(err);
    for (int i = 0; i < s->x->nindexes && rc == SQL_OK; i++)
        if (built[i]) rc = check_one(s, s->x->indexes[i], snap, diff, err);
    if (snap) storage_snapshot_del(s->x->st, snap);
    free(built);
    return rc;
}

/* ---- helios.unique_violations -------------------------------------------------------------- */

int sqlrun_unique_violations(sx_session *s,
                             int (*fn)(void *arg, const char *index, const char *table,
                                       const char *key, int64_t rows, sqlerr *err),
                             void *arg, sqlerr *err)
{
    const sqlindex_def **v;
    int nv;
    if (sx_index_view(s, &v, &nv)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int x = 0; x < nv && rc == SQL_OK; x++) {
        const sqlindex_def *d = v[x];
        const sqlschema_table *t = sx_table_by_id(s, d->table_id);
        if (!d->unique || !t || !sx_index_ready(s, d->oid, NULL)) continue;
        sqlindex_exprs *bx = NULL;
        if (sqlindex_exprs_bind(d, t, &bx, err)) {
            rc = SQL_ERR;
            break;
        }
        storage_iter *it = NULL;
        int src = storage_iter_new_index(s->x->st, NULL, d->oid, NULL, 0, NULL, 0, &it);
        if (src) rc = sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(src));
        /* entries sort by key then pk: a duplicated key is a run of entries with one prefix
         * (the entry without its pk, whose length the value gives) */
        uint8_t *prev = NULL, *prevpk = NULL;
        size_t prevlen = 0, prevpklen = 0;
        int64_t run = 0;
        for (;;) {
            int nx = rc == SQL_OK ? storage_iter_next(it) : 0;
            const uint8_t *k = NULL, *pk = NULL;
            size_t kl = 0, pklen = 0;
            if (nx < 0) rc = sqlerr_set(err, "58030", -1, "could not read index: %s", storage_strerror(nx));
            if (nx == 1) storage_iter_item(it, &k, &kl, &pk, &pklen);
            size_t plen = nx == 1 && kl >= pklen ? kl - pklen : 0;
            bool same = nx == 1 && prev && plen == prevlen && !memcmp(k, prev, plen);
            if (same) {
                run++;
                continue;
            }
            if (run > 1 && rc == SQL_OK) { /* the run that just ended */
                sqlval *row = NULL;
                char key[SQLERR_AUX_MAX - 32] = "";
                bool has_null = false;
                if (sqlrun_row_get(s, t, prevpk, prevpklen, &row, err) == SQL_OK && row) {
                    codec_buf pb;
                    codec_buf_init(&pb);
                    sqlerr ignore;
                    (void)sqlindex_put_prefix(&pb, d, t, bx, row, &has_null, &ignore);
                    codec_buf_free(&pb);
                    sqlindex_keytext(d, t, bx, row, key, sizeof key);
                    row_free(t, row);
                }
                if (!has_null) rc = fn(arg, d->name, t->name, key, run, err); /* NULLs never clash */
            }
            if (nx != 1 || rc != SQL_OK) break;
            uint8_t *np = realloc(prev, plen ? plen : 1), *npk = np ? realloc(prevpk, pklen ? pklen : 1) : NULL;
            if (np) prev = np;
            if (npk) prevpk = npk;
            if (!np || !npk) {
                rc = sqlerr_oom(err);
                break;
            }
            memcpy(prev, k, plen);
            memcpy(prevpk, pk, pklen);
            prevlen = plen;
            prevpklen = pklen;
            run = 1;
        }
        free(prev);
        free(prevpk);
        storage_iter_del(it);
        sqlindex_exprs_free(bx);
    }
    free(v);
    return rc;
}
