/*
 * server/sql/sqlrun_enum.c — enum types in the engine: CREATE TYPE ... AS ENUM, ALTER TYPE
 * ... ADD VALUE, DROP TYPE, the types and labels a session sees, and columns of enum types.
 *
 * The entries are sqlenum.h's (catalog entries of the role store, replicated like DDL). A
 * session sees the committed ones with its transaction's over them (sx_auth_list). Every type
 * and label the session creates is also put in the process registry at once (sqlenum.h), so
 * the values of a type created in an open transaction already compare and check.
 *
 * A column of an enum type is an LWW register of the label's text; its canonical type name is
 * "enum:<oid>:<name>" (sqlschema.h), so the stored definition needs no lookup to decode, and
 * its typmod is the type's oid. Not supported (0A000): enum columns in a primary key or an
 * index (their keys would sort by text, not by the labels' order), arrays of enums, RENAME
 * VALUE and RENAME TO (rows store the label's text), and DROP TYPE ... CASCADE of a type that
 * columns use.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlenum.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlrole.h"

/* Type rel in schema nsp: 1 live (oid, owner set), 0 not. */
static int enum_in(sx_session *s, uint32_t nsp, const char *rel, uint32_t *oid, uint32_t *owner)
{
    if (strlen(rel) > SQLENUM_LABEL_MAX) return 0;
    uint8_t k[SQLENUM_KEY_MAX];
    size_t kl = sqlenum_type_key_nsp(k, nsp, rel);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    bool live = false;
    uint32_t o = 0, w = 0;
    if (!sx_auth_get(s, k, kl, &v, &vl) || sqlenum_type_decode(v, vl, &gen, &live, &o, &w) || !live)
        return 0;
    if (oid) *oid = o;
    if (owner) *owner = w;
    return 1;
}

/* A type by name as a statement names it (with its schema, or through search_path): 1 (its
 * oid, owner, schema and name part set), 0 none. */
static int enum_lookup(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner, uint32_t *nsp,
                       const char **rel)
{
    uint32_t path[SQLSCHEMA_PATH_MAX];
    const char *r;
    int n = sx_name_path(s, name, &r, path);
    if (rel) *rel = r;
    for (int i = 0; i < n; i++)
        if (enum_in(s, path[i], r, oid, owner)) {
            if (nsp) *nsp = path[i];
            return 1;
        }
    return 0;
}

int sx_enum_find(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner)
{
    return enum_lookup(s, name, oid, owner, NULL, NULL);
}

int sx_enum_types(sx_session *s, sx_enumtype **out, int *n)
{
    *out = NULL;
    *n = 0;
    sx_authkv *v;
    int nv;
    if (sx_auth_list(s, "etype.", &v, &nv)) return -1;
    sx_enumtype *r = calloc((size_t)nv + 1, sizeof *r);
    if (!r) {
        free(v);
        return -1;
    }
    int k = 0;
    for (int i = 0; i < nv; i++) {
        uint64_t gen;
        bool live;
        uint32_t oid, owner, nsp;
        if (sqlenum_key_kind(v[i].k, v[i].kl) != 'E' ||
            sqlenum_type_decode(v[i].v, v[i].vl, &gen, &live, &oid, &owner) || !live ||
            sqlenum_type_key_parse(v[i].k, v[i].kl, &nsp, r[k].name))
            continue;
        /* a type whose schema was dropped in another region meanwhile: public's */
        r[k].nsp = nsp == SX_NSP_PUBLIC || sx_schema_by_oid(s, nsp, NULL) ? nsp : SX_NSP_PUBLIC;
        r[k].oid = oid;
        r[k].owner = owner;
        k++;
    }
    free(v);
    *out = r;
    *n = k;
    return 0;
}

int sx_enum_by_oid(sx_session *s, uint32_t oid, sx_enumtype *out)
{
    sx_enumtype *v;
    int n;
    if (sx_enum_types(s, &v, &n)) return 0;
    int found = 0;
    for (int i = 0; i < n && !found; i++)
        if (v[i].oid == oid) {
            *out = v[i];
            found = 1;
        }
    free(v);
    return found;
}

static int cmp_label(const void *a, const void *b)
{
    const sx_enumlabel *x = a, *y = b;
    if (x->sort != y->sort) return x->sort < y->sort ? -1 : 1;
    return strcmp(x->label, y->label);
}

int sx_enum_labels(sx_session *s, uint32_t oid, sx_enumlabel **out, int *n)
{
    *out = NULL;
    *n = 0;
    /* the list takes a C string prefix ("elabel."): the type's labels are filtered here */
    sx_authkv *v;
    int nv;
    if (sx_auth_list(s, "elabel.", &v, &nv)) return -1;
    sx_enumlabel *r = calloc((size_t)nv + 1, sizeof *r);
    if (!r) {
        free(v);
        return -1;
    }
    int k = 0;
    for (int i = 0; i < nv; i++) {
        uint32_t t;
        char label[SQLENUM_LABEL_MAX + 1];
        uint64_t gen;
        bool present;
        double sort;
        if (sqlenum_label_key_parse(v[i].k, v[i].kl, &t, label) || t != oid ||
            sqlenum_label_decode(v[i].v, v[i].vl, &gen, &present, &sort) || !present)
            continue;
        snprintf(r[k].label, sizeof r[k].label, "%s", label);
        r[k].sort = sort;
        k++;
    }
    free(v);
    qsort(r, (size_t)k, sizeof *r, cmp_label);
    *out = r;
    *n = k;
    return 0;
}

static int put_type(sx_session *s, uint32_t nsp, const char *name, bool live, uint32_t oid, uint32_t owner,
                    sqlerr *err)
{
    uint8_t k[SQLENUM_KEY_MAX];
    size_t kl = sqlenum_type_key_nsp(k, nsp, name);
    codec_buf b;
    codec_buf_init(&b);
    sqlenum_type_encode(&b, sx_hlc_now(s), live, oid, owner);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    if (!rc && live && sqlenum_register(oid, name, NULL, 0))
        rc = sqlerr_set(err, "54000", -1, "too many enum types");
    return rc;
}

static int put_label(sx_session *s, uint32_t oid, const char *type_name, const char *label, double sort,
                     sqlerr *err)
{
    uint8_t k[SQLENUM_KEY_MAX];
    size_t kl = sqlenum_label_key(k, oid, label);
    codec_buf b;
    codec_buf_init(&b);
    sqlenum_label_encode(&b, sx_hlc_now(s), true, sort);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    if (!rc && sqlenum_register(oid, type_name, label, sort))
        rc = sqlerr_set(err, "54000", -1, "too many enum labels");
    return rc;
}

/* A name a table, view or sequence of schema nsp, or a built-in or CRDT type, already has
 * (PostgreSQL: every relation has a row type of its name) */
static bool name_taken(sx_session *s, uint32_t nsp, const char *name)
{
    sqlschema_kind kind;
    sqlval_type type;
    const char *canon;
    sqlerr e;
    if (!sqlschema_type_resolve(name, &kind, &type, &canon, &e)) return true;
    if (sqlval_type_lookup(name, false) != SQLVAL_UNKNOWN) return true;
    return sx_table_find_in(s, nsp, name) != NULL;
}

/* The columns that use type oid, as PostgreSQL's DETAIL lists them (at most buf's room) */
static int enum_users(sx_session *s, uint32_t oid, const char *tname, char *buf, size_t cap)
{
    int n = 0, total = s->x->ntables + s->txn.ncat, nseen = 0;
    size_t o = 0;
    buf[0] = 0;
    uint32_t *seen = calloc((size_t)total + 1, sizeof *seen);
    for (int k = 0; k < total; k++) {
        const sqlschema_table *q = k < s->x->ntables ? s->x->tables[k]
                                   : s->txn.cat[k - s->x->ntables].drop ? NULL
                                   : s->txn.cat[k - s->x->ntables].table;
        const sqlschema_table *u = q ? sx_table_find_in(s, sx_table_nsp(s, q), q->name) : NULL;
        if (!u || u->id != q->id) continue;
        bool dup = false;
        for (int j = 0; j < nseen && !dup; j++) dup = seen[j] == u->id;
        if (dup) continue;
        if (seen) seen[nseen++] = u->id;
        for (int c = u->ncols - 1; c >= 0; c--) /* PostgreSQL's order: the latest column first */
            if (u->cols[c].type == SQLVAL_ENUM && (uint32_t)u->cols[c].typmod == oid) {
                if (o < cap) {
                    char un[SQLSCHEMA_NAME_MAX * 2 + 4];
                    sx_display_name(s, u, un, sizeof un);
                    int w = snprintf(buf + o, cap - o, "%scolumn %s of %s %s depends on type %s", n ? "\n" : "",
                                     u->cols[c].name, u->view_sql ? "view" : "table", un, tname);
                    if (w > 0) o += (size_t)w;
                }
                n++;
            }
    }
    free(seen);
    return n;
}

static int enum_create(sx_session *s, const sqlast_stmt *st, sqlerr *err)
{
    uint32_t nsp;
    if (sx_creation_nsp(s, st->name, &nsp, err)) return SQL_ERR;
    const char *rel = sqlast_relname(st->name);
    if (strlen(rel) > SQLENUM_LABEL_MAX)
        return sqlerr_set(err, "42622", -1, "type name \"%s\" is too long", rel);
    if (enum_in(s, nsp, rel, NULL, NULL) || name_taken(s, nsp, rel))
        return sqlerr_set(err, "42710", -1, "type \"%s\" already exists", rel);
    uint32_t oid = sx_table_new_id(s);
    if (!oid) return sqlerr_set(err, "54000", -1, "this node has handed out all its object ids");
    for (int i = 0; i < st->nnames; i++) /* as PostgreSQL reports it: pg_enum's unique index */
        for (int k = 0; k < i; k++)
            if (!strcmp(st->names[k], st->names[i])) {
                sqlerr_set(err, "23505", -1,
                           "duplicate key value violates unique constraint \"pg_enum_typid_label_index\"");
                sqlerr_detail(err, "Key (enumtypid, enumlabel)=(%u, %s) already exists.", oid, st->names[i]);
                return SQL_ERR;
            }
    if (put_type(s, nsp, rel, true, oid, sx_current_role(s), err)) return SQL_ERR;
    for (int i = 0; i < st->nnames; i++)
        if (put_label(s, oid, rel, st->names[i], (double)(i + 1), err)) return SQL_ERR;
    return SQL_OK;
}

static int enum_add_value(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    uint32_t oid, owner, nsp;
    const char *rel;
    if (!enum_lookup(s, st->name, &oid, &owner, &nsp, &rel))
        return sqlerr_set(err, "42704", -1, "type \"%s\" does not exist", st->name);
    if (!sx_has_privs_of(s, sx_current_role(s), owner))
        return sqlerr_set(err, "42501", -1, "must be owner of type %s", st->name);
    if (st->owner_to) { /* ALTER TYPE t OWNER TO r: to a role the current one may SET ROLE to */
        const char *v = st->value;
        const char *rn = v[0] == 1 ? sx_role_name(s) : v[0] == 2 ? sx_session_user(s) : v;
        sqlrole to;
        if (!sx_role_lookup(s, rn, &to)) return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", rn);
        if (!sx_has_privs_of(s, sx_current_role(s), to.oid))
            return sqlerr_set(err, "42501", -1, "must be able to SET ROLE \"%s\"", to.name);
        return to.oid == owner ? SQL_OK : put_type(s, nsp, rel, true, oid, to.oid, err);
    }
    sx_enumlabel *v;
    int n;
    if (sx_enum_labels(s, oid, &v, &n)) return sqlerr_oom(err);
    int rc = SQL_OK, at = -1;
    for (int i = 0; i < n; i++) {
        if (!strcmp(v[i].label, st->value)) {
            rc = st->missing_ok ? sqlrun_notice(res, "42710", err, "enum label \"%s\" already exists, skipping", st->value)
                                : sqlerr_set(err, "42710", -1, "enum label \"%s\" already exists", st->value);
            free(v);
            return rc;
        }
        if (st->column && !strcmp(v[i].label, st->column)) at = i;
    }
    if (st->column && at < 0) {
        free(v);
        return sqlerr_set(err, "22023", -1, "\"%s\" is not an existing enum label", st->column);
    }
    if (n >= SQLENUM_MAX_LABELS) {
        free(v);
        return sqlerr_set(err, "54000", -1, "an enum type has at most %d labels", SQLENUM_MAX_LABELS);
    }
    /* a position between neighbours: the midpoint (never renumbered, sqlenum.h) */
    double sort;
    if (!st->column) sort = n ? floor(v[n - 1].sort) + 1 : 1;
    else if (st->set_not_null) sort = at + 1 < n ? (v[at].sort + v[at + 1].sort) / 2 : floor(v[at].sort) + 1;
    else sort = at > 0 ? (v[at - 1].sort + v[at].sort) / 2 : v[at].sort - 1;
    bool room = !st->column || (st->set_not_null ? at + 1 >= n || (sort != v[at].sort && sort != v[at + 1].sort)
                                                 : at == 0 || (sort != v[at - 1].sort && sort != v[at].sort));
    free(v);
    if (!room)
        return sqlerr_unsupported(err, -1, "ADD VALUE between two labels this close (no room left between them)");
    return put_label(s, oid, rel, st->value, sort, err);
}

static int enum_drop(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    for (int i = 0; i < st->nnames; i++) {
        uint32_t oid, owner, nsp;
        const char *rel;
        if (!enum_lookup(s, st->names[i], &oid, &owner, &nsp, &rel)) {
            if (name_taken(s, SX_NSP_PUBLIC, rel) && !sx_table_find(s, st->names[i]))
                return sqlerr_unsupported(err, -1, "dropping a built-in type");
            if (st->missing_ok) {
                if (sqlrun_notice(res, "00000", err, "type \"%s\" does not exist, skipping", st->names[i]))
                    return SQL_ERR;
                continue;
            }
            return sqlerr_set(err, "42704", -1, "type \"%s\" does not exist", st->names[i]);
        }
        if (!sx_has_privs_of(s, sx_current_role(s), owner))
            return sqlerr_set(err, "42501", -1, "must be owner of type %s", st->names[i]);
        char detail[SQLERR_DETAIL_MAX];
        if (enum_users(s, oid, st->names[i], detail, sizeof detail)) {
            if (st->cascade)
                return sqlerr_unsupported(err, -1, "DROP TYPE ... CASCADE of a type that columns use");
            sqlerr_set(err, "2BP01", -1, "cannot drop type %s because other objects depend on it", st->names[i]);
            sqlerr_detail(err, "%s", detail);
            sqlerr_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
            return SQL_ERR;
        }
        if (put_type(s, nsp, rel, false, oid, owner, err)) return SQL_ERR;
    }
    return SQL_OK;
}

int sqlrun_enum_drop_in(sx_session *s, const sx_enumtype *t, sqlerr *err)
{
    char detail[SQLERR_DETAIL_MAX];
    if (enum_users(s, t->oid, t->name, detail, sizeof detail))
        return sqlerr_unsupported(err, -1, "DROP SCHEMA ... CASCADE of an enum type that columns of other schemas use");
    return put_type(s, t->nsp, t->name, false, t->oid, t->owner, err);
}

int sqlrun_enum_ddl(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "%s", sqlast_stmt_tag(st));
    switch (st->kind) {
    case SQLAST_CREATE_TYPE: return enum_create(s, st, err);
    case SQLAST_ALTER_TYPE: return enum_add_value(s, st, res, err);
    default: return enum_drop(s, st, res, err);
    }
}

int sqlrun_enum_coldefs(sx_session *s, sqlast_coldef *cols, int ncols, sqlerr *err)
{
    for (int i = 0; i < ncols; i++) {
        sqlast_coldef *d = &cols[i];
        if (!d->type_name || !strncmp(d->type_name, "enum:", 5)) continue;
        sqlschema_kind kind;
        sqlval_type type;
        const char *canon;
        sqlerr e;
        if (!sqlschema_type_resolve(d->type_name, &kind, &type, &canon, &e)) continue; /* built in */
        size_t tl = strlen(d->type_name);
        bool array = tl > 2 && !strcmp(d->type_name + tl - 2, "[]");
        char base[SQLENUM_LABEL_MAX * 2 + 3];
        snprintf(base, sizeof base, "%.*s", (int)(array ? tl - 2 : tl), d->type_name);
        uint32_t oid;
        const char *rel;
        if (!enum_lookup(s, base, &oid, NULL, NULL, &rel)) continue; /* 42704 where it is resolved */
        if (array) return sqlerr_unsupported(err, d->location, "arrays of enum types");
        if (d->primary_key) return sqlerr_unsupported(err, d->location, "an enum column in a primary key");
        char buf[96];
        snprintf(buf, sizeof buf, "enum:%u:%s", oid, rel);
        char *nt = strdup(buf);
        if (!nt) return sqlerr_oom(err);
        free(d->type_name);
        d->type_name = nt;
    }
    return SQL_OK;
}

int sqlrun_enum_cast(sx_session *s, const sqlval *v, const char *type_name, sqlval *out, sqlerr *err)
{
    uint32_t oid;
    const char *name = !strncmp(type_name, "public.", 7) ? type_name + 7 : type_name;
    if (!sx_enum_find(s, name, &oid, NULL))
        return sqlerr_set(err, "42704", -1, "type \"%s\" does not exist", type_name);
    if (v->isnull) {
        sqlval_init_null(out, SQLVAL_ENUM);
        return SQL_OK;
    }
    if (v->type == SQLVAL_ENUM && v->u.i && (uint32_t)v->u.i != oid) {
        char a[64];
        return sqlerr_set(err, "42846", -1, "cannot cast type %s to %s", sqlenum_type_name((uint32_t)v->u.i, a), name);
    }
    if (v->type != SQLVAL_ENUM && !sqlval_type_is_text(v->type))
        return sqlerr_set(err, "42846", -1, "cannot cast type %s to %s", sqlval_type_name(v->type), name);
    if (sqlenum_check(oid, v->s ? v->s : "", err)) return SQL_ERR;
    if (sqlval_set_str(out, SQLVAL_ENUM, v->s ? v->s : "", v->len, err)) return SQL_ERR;
    out->u.i = oid;
    return SQL_OK;
}
