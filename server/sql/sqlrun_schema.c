/*
 * server/sql/sqlrun_schema.c — schemas: CREATE / DROP / ALTER SCHEMA, the schemas a session
 * sees, and how a relation's name is resolved (search_path).
 *
 * A schema is a catalog entry of the role store ("nsp." + oid, sqlrole.h), replicated like any
 * DDL; its owner is an "owner." entry and its privileges (USAGE, CREATE) "acl." entries, as
 * for tables. The built-in schemas (pg_catalog, public, information_schema, helios, pg_toast)
 * have fixed oids and no entry. Concurrent CREATE SCHEMA of one name in two regions leaves two
 * schemas: every region resolves it the same way, the lowest oid keeps the name and the other
 * reads as "<name>_conflict_<oid>" (as tables do, sx_catalog_resolve_names). A table whose
 * schema was dropped in another region while it was created there lives on in public.
 *
 * Tables, views and sequences carry their schema's oid (sqlschema_table.nsp). A name written
 * with its schema arrives as "schema" SQLAST_QUAL "name" (sqlast.h) and is looked up in that
 * schema; a bare name in the schemas of search_path that exist and that the role may use
 * (USAGE), in order, as PostgreSQL does ("$user" is the schema named like the current role,
 * if any; pg_catalog's relations are virtual and found first by the planner). A view resolves
 * the names of its definition with the path it was created under (sqlschema_table.view_path).
 * The resolution is cached per session and made again when the catalog entries, the setting
 * or the role change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlguc.h"
#include "server/sql/sqlrole.h"

static const sx_schema builtin[] = {
    {"pg_toast", 99, SQLROLE_BOOTSTRAP},
    {"pg_catalog", SX_NSP_CATALOG, SQLROLE_BOOTSTRAP},
    {"public", SX_NSP_PUBLIC, SX_ROLE_DB_OWNER},
    {"information_schema", SX_NSP_INFO, SQLROLE_BOOTSTRAP},
    {"helios", SX_NSP_HELIOS, SQLROLE_BOOTSTRAP},
};
#define NBUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

struct sx_nspcache {
    uint64_t gen;
    uint32_t role;
    char path_text[512];
    sx_schema *v; /* built-ins, then the user schemas by oid */
    int n;
    uint32_t path[SQLSCHEMA_PATH_MAX]; /* search_path's usable schemas */
    int npath;
    uint32_t create; /* the first schema of search_path that exists (0: none) */
};

void sx_nspcache_free(struct sx_nspcache *c)
{
    if (!c) return;
    free(c->v);
    free(c);
}

bool sx_nsp_builtin(uint32_t oid)
{
    for (int i = 0; i < NBUILTIN; i++)
        if (builtin[i].oid == oid) return true;
    return false;
}

bool sx_nsp_virtual_name(const char *name)
{
    return !strcmp(name, "pg_catalog") || !strcmp(name, "information_schema") ||
           !strcmp(name, "helios");
}

static int cmp_schema_oid(const void *a, const void *b)
{
    const sx_schema *x = a, *y = b;
    return x->oid < y->oid ? -1 : x->oid > y->oid;
}

/* Every schema: the built-ins and the live entries (with the conflict rule of the header). */
static int schemas_build(sx_session *s, sx_schema **out, int *n)
{
    sx_authkv *v = NULL;
    int nv = 0;
    if (sx_auth_list_bin(s, (const uint8_t *)SQLROLE_NSP_PREFIX, 4, &v, &nv)) return -1;
    sx_schema *r = malloc((size_t)(nv + NBUILTIN) * sizeof *r);
    if (!r) {
        free(v);
        return -1;
    }
    memcpy(r, builtin, sizeof builtin);
    int k = NBUILTIN;
    for (int i = 0; i < nv; i++) {
        uint32_t oid;
        uint64_t gen;
        bool live;
        if (sqlrole_nsp_key_parse(v[i].k, v[i].kl, &oid) ||
            sqlrole_nsp_decode(v[i].v, v[i].vl, &gen, &live, r[k].name) || !live)
            continue;
        r[k].oid = oid;
        r[k].owner = sx_owner_of(s, oid);
        k++;
    }
    free(v);
    qsort(r + NBUILTIN, (size_t)(k - NBUILTIN), sizeof *r, cmp_schema_oid);
    for (int i = NBUILTIN; i < k; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(r[i].name, r[j].name)) {
                char suffix[24];
                snprintf(suffix, sizeof suffix, "_conflict_%u", r[i].oid);
                size_t keep = SQLSCHEMA_NAME_MAX - strlen(suffix);
                if (strlen(r[i].name) > keep) r[i].name[keep] = 0;
                memcpy(r[i].name + strlen(r[i].name), suffix, strlen(suffix) + 1);
                break;
            }
    *out = r;
    *n = k;
    return 0;
}

static bool nsp_usable(sx_session *s, const sx_schema *e)
{
    if (sx_nsp_builtin(e->oid)) return true;
    return sx_priv_has(s, sx_current_role(s), e->oid, SQLPRIV_USAGE);
}

/* The session's cache, made again when stale; NULL on out of memory. */
static struct sx_nspcache *cache(sx_session *s)
{
    const char *sp = s->guc ? sqlguc_get(s->guc, "search_path", NULL) : NULL;
    if (!sp) sp = "\"$user\", public";
    uint32_t role = sx_current_role(s);
    struct sx_nspcache *c = s->nspc;
    if (c && !s->txn.nauth && c->gen == s->x->auth_gen && c->role == role &&
        !strcmp(c->path_text, sp))
        return c;
    if (!c && !(c = s->nspc = calloc(1, sizeof *c))) return NULL;
    free(c->v);
    c->v = NULL;
    c->n = 0;
    c->gen = 0;
    if (schemas_build(s, &c->v, &c->n)) return NULL;
    c->gen = s->txn.nauth ? 0 : s->x->auth_gen; /* the transaction's own entries: never kept */
    c->role = role;
    snprintf(c->path_text, sizeof c->path_text, "%s", sp);
    c->npath = 0;
    c->create = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", sp);
    const char *me = sx_role_name(s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t') tok++;
        size_t n = strlen(tok);
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t')) tok[--n] = 0;
        bool quoted = n >= 2 && tok[0] == '"' && tok[n - 1] == '"';
        if (quoted) { /* "a""b" is a"b */
            tok[n - 1] = 0;
            tok++;
            char *w = tok;
            for (char *r = tok; *r; r++) {
                if (r[0] == '"' && r[1] == '"') r++;
                *w++ = *r;
            }
            *w = 0;
        } else {
            for (char *p = tok; *p; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        }
        const char *want = !strcmp(tok, "$user") ? me : tok;
        for (int i = 0; i < c->n; i++) {
            if (strcmp(c->v[i].name, want)) continue;
            if (!c->create && c->v[i].oid != SX_NSP_CATALOG) c->create = c->v[i].oid;
            bool dup = false;
            for (int k = 0; k < c->npath; k++) dup |= c->path[k] == c->v[i].oid;
            if (!dup && c->npath < SQLSCHEMA_PATH_MAX && nsp_usable(s, &c->v[i]))
                c->path[c->npath++] = c->v[i].oid;
        }
    }
    return c;
}

int sx_schemas(sx_session *s, sx_schema **out, int *n)
{
    struct sx_nspcache *c = cache(s);
    *out = NULL;
    *n = 0;
    if (!c) return -1;
    if (!(*out = malloc((size_t)(c->n + 1) * sizeof **out))) return -1;
    memcpy(*out, c->v, (size_t)c->n * sizeof **out);
    *n = c->n;
    return 0;
}

int sx_schema_by_name(sx_session *s, const char *name, sx_schema *out)
{
    struct sx_nspcache *c = cache(s);
    for (int i = 0; c && i < c->n; i++)
        if (!strcmp(c->v[i].name, name)) {
            if (out) *out = c->v[i];
            return 1;
        }
    return 0;
}

int sx_schema_by_oid(sx_session *s, uint32_t oid, sx_schema *out)
{
    struct sx_nspcache *c = cache(s);
    for (int i = 0; c && i < c->n; i++)
        if (c->v[i].oid == oid) {
            if (out) *out = c->v[i];
            return 1;
        }
    return 0;
}

const char *sx_nsp_name(sx_session *s, uint32_t oid, char buf[64])
{
    sx_schema e;
    snprintf(buf, 64, "%s", sx_schema_by_oid(s, oid, &e) ? e.name : "public");
    return buf;
}

uint32_t sx_table_nsp(sx_session *s, const sqlschema_table *t)
{
    uint32_t nsp = sqlschema_nsp(t);
    if (nsp == SX_NSP_PUBLIC || sx_nsp_builtin(nsp)) return nsp;
    return sx_schema_by_oid(s, nsp, NULL) ? nsp : SX_NSP_PUBLIC;
}

int sx_search_path(sx_session *s, uint32_t *out, int cap)
{
    struct sx_nspcache *c = cache(s);
    int n = 0;
    for (int i = 0; c && i < c->npath && n < cap; i++) out[n++] = c->path[i];
    return n;
}

bool sx_nsp_in_path(sx_session *s, uint32_t nsp)
{
    struct sx_nspcache *c = cache(s);
    for (int i = 0; c && i < c->npath; i++)
        if (c->path[i] == nsp) return true;
    return false;
}

int sx_name_path(sx_session *s, const char *name, const char **rel, uint32_t *path)
{
    const char *q = strrchr(name, SQLAST_QUAL);
    if (q) {
        *rel = q + 1;
        char sch[SQLSCHEMA_NAME_MAX * 2 + 2];
        size_t l = (size_t)(q - name);
        if (l >= sizeof sch) return 0;
        memcpy(sch, name, l);
        sch[l] = 0;
        sx_schema e;
        if (!sx_schema_by_name(s, sch, &e)) return 0;
        /* USAGE, as PostgreSQL checks it where the name is looked up (a view's definition:
         * when the view was made) */
        if (!s->vpath && !nsp_usable(s, &e) && !sx_is_super(s)) return 0;
        path[0] = e.oid;
        return 1;
    }
    *rel = name;
    if (s->vpath) { /* a view's definition: the path it was created under */
        memcpy(path, s->vpath, (size_t)s->nvpath * sizeof *path);
        return s->nvpath;
    }
    return sx_search_path(s, path, SQLSCHEMA_PATH_MAX);
}

int sx_name_usage_check(sx_session *s, const char *name, sqlerr *err)
{
    const char *q = strrchr(name, SQLAST_QUAL);
    if (!q || sx_is_super(s)) return SQL_OK;
    char sch[SQLSCHEMA_NAME_MAX * 2 + 2];
    snprintf(sch, sizeof sch, "%.*s", (int)(q - name), name);
    sx_schema e;
    if (!sx_schema_by_name(s, sch, &e) || nsp_usable(s, &e)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for schema %s", e.name);
}

const sqlschema_table *sx_table_find_q(sx_session *s, const char *schema, const char *name)
{
    if (!schema) return sx_table_find(s, name);
    if (sx_nsp_virtual_name(schema)) return NULL;
    char q[SQLSCHEMA_NAME_MAX * 4 + 4];
    if (snprintf(q, sizeof q, "%s%c%s", schema, SQLAST_QUAL, name) >= (int)sizeof q) return NULL;
    return sx_table_find(s, q);
}

int sx_creation_nsp(sx_session *s, const char *name, uint32_t *nsp, sqlerr *err)
{
    const char *q = strrchr(name, SQLAST_QUAL);
    sx_schema e;
    if (q) {
        char sch[SQLSCHEMA_NAME_MAX * 2 + 2];
        snprintf(sch, sizeof sch, "%.*s", (int)(q - name), name);
        if (!sx_schema_by_name(s, sch, &e))
            return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", sch);
    } else {
        struct sx_nspcache *c = cache(s);
        if (!c) return sqlerr_oom(err);
        if (!c->create || !sx_schema_by_oid(s, c->create, &e))
            return sqlerr_set(err, "3F000", -1, "no schema has been selected to create in");
    }
    if (e.oid != SX_NSP_PUBLIC && sx_nsp_builtin(e.oid))
        return sqlerr_set(err, "42501", -1, "permission denied to create \"%s.%s\"", e.name,
                          sqlast_relname(name));
    if (!sx_priv_has(s, sx_current_role(s), e.oid, SQLPRIV_CREATE))
        return sqlerr_set(err, "42501", -1, "permission denied for schema %s", e.name);
    *nsp = e.oid;
    return SQL_OK;
}

int sx_qualified(sx_session *s, const sqlschema_table *t, char *buf, size_t cap)
{
    char nb[64];
    uint32_t nsp = sx_table_nsp(s, t);
    if (nsp == SX_NSP_PUBLIC) return snprintf(buf, cap, "%s", t->name);
    return snprintf(buf, cap, "%s%c%s", sx_nsp_name(s, nsp, nb), SQLAST_QUAL, t->name);
}

/* ---- DDL ------------------------------------------------------------------------------------ */

static int nsp_put(sx_session *s, uint32_t oid, bool live, const char *name, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_nsp_key(k, oid);
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_nsp_encode(&b, sx_hlc_now(s), live, name);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    return rc;
}

static int name_ok(const char *name, sqlerr *err)
{
    if (strlen(name) > SQLSCHEMA_NAME_MAX)
        return sqlerr_set(err, "42622", -1, "schema name \"%s\" is too long", name);
    if (!strncmp(name, "pg_", 3)) {
        sqlerr_set(err, "42939", -1, "unacceptable schema name \"%s\"", name);
        sqlerr_detail(err, "The prefix \"pg_\" is reserved for system schemas.");
        return SQL_ERR;
    }
    return SQL_OK;
}

static int owner_check(sx_session *s, const sx_schema *e, sqlerr *err)
{
    if (sx_has_privs_of(s, sx_current_role(s), e->owner)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "must be owner of schema %s", e->name);
}

static int cmp_table_id(const void *a, const void *b)
{
    const sqlschema_table *x = *(const sqlschema_table *const *)a, *y = *(const sqlschema_table *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The relations of schema nsp as the session sees them, in creation (id) order, less the
 * sequences a table of it owns (they go with the table); malloc'd, borrowed pointers. */
static int schema_members(sx_session *s, uint32_t nsp, const sqlschema_table ***out, int *n)
{
    const sqlschema_table **v;
    int nv;
    *out = NULL;
    *n = 0;
    if (sx_catalog_view(s, &v, &nv)) return -1;
    int k = 0;
    for (int i = 0; i < nv; i++) {
        const sqlschema_table *t = v[i];
        if (sx_table_nsp(s, t) != nsp) continue;
        if (t->seq && t->seq->owner_table) {
            const sqlschema_table *o = sx_table_by_id(s, t->seq->owner_table);
            if (o && sx_table_nsp(s, o) == nsp) continue;
        }
        v[k++] = t;
    }
    qsort(v, (size_t)k, sizeof *v, cmp_table_id);
    *out = v;
    *n = k;
    return 0;
}

/* The enum types of schema nsp, by oid (malloc'd). */
static int cmp_enum_oid(const void *a, const void *b)
{
    const sx_enumtype *x = a, *y = b;
    return (x->oid > y->oid) - (x->oid < y->oid);
}

static int schema_types(sx_session *s, uint32_t nsp, sx_enumtype **out, int *n)
{
    sx_enumtype *v;
    int nv, k = 0;
    *out = NULL;
    *n = 0;
    if (sx_enum_types(s, &v, &nv)) return -1;
    for (int i = 0; i < nv; i++)
        if (v[i].nsp == nsp) v[k++] = v[i];
    qsort(v, (size_t)k, sizeof *v, cmp_enum_oid);
    *out = v;
    *n = k;
    return 0;
}

static const char *kind_word(const sqlschema_table *t)
{
    return t->view_sql ? "view" : t->seq ? "sequence" : "table";
}

/* The "drop cascades to ..." lines of the notices a DROP raised, appended to lines, less those
 * naming one of the skip objects (the schema's own: each has its line in its place). */
static void harvest(const sx_result *tmp, char (*skip)[SQLSCHEMA_NAME_MAX * 3], int nskip, char *lines,
                    size_t cap, size_t *o, int *n)
{
    for (int i = 0; i < tmp->nnotices; i++) {
        const char *m = strchr(tmp->notices[i], '\t');
        m = m ? m + 1 : tmp->notices[i];
        const char *us = strchr(m, '\x1f'); /* "drop cascades to N other objects" + lines */
        if (us) m = us + 1;
        while (*m) {
            const char *e = strchr(m, '\n');
            size_t l = e ? (size_t)(e - m) : strlen(m);
            static const char pre[] = "drop cascades to ";
            /* a member itself, or a constraint on one (it goes with its table) */
            const char *what = m + sizeof pre - 1;
            size_t wl = l > sizeof pre - 1 ? l - (sizeof pre - 1) : 0;
            const char *on = memmem(what, wl, " on table ", 10);
            bool member = false;
            for (int k = 0; k < nskip && !member; k++) {
                size_t kl = strlen(skip[k]);
                member = (kl == wl && !strncmp(skip[k], what, wl)) ||
                         (on && kl == (size_t)(what + wl - (on + 4)) && !strncmp(skip[k], on + 4, kl));
            }
            if (l > sizeof pre - 1 && !strncmp(m, pre, sizeof pre - 1) && !member)
                sqlrun_cascade_add(lines, cap, o, n, "%.*s", (int)(l - (sizeof pre - 1)), m + sizeof pre - 1);
            m += l + (e != NULL);
        }
    }
}

static int drop_schema(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    char lines[SQLERR_DETAIL_MAX];
    size_t lo = 0;
    int nlines = 0;
    lines[0] = 0;
    sx_schema es[64];
    int ne = 0;
    for (int i = 0; i < st->nnames; i++) {
        sx_schema e;
        if (!sx_schema_by_name(s, st->names[i], &e)) {
            if (st->missing_ok) {
                if (sqlrun_notice(res, "00000", err, "schema \"%s\" does not exist, skipping", st->names[i]))
                    return SQL_ERR;
                continue;
            }
            return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", st->names[i]);
        }
        if (e.oid == SX_NSP_PUBLIC) {
            sqlerr_unsupported(err, -1, "DROP SCHEMA public");
            sqlerr_hint(err, "Drop the objects in it instead; HeliosDB keeps schema public.");
            return SQL_ERR;
        }
        if (sx_nsp_builtin(e.oid))
            return sqlerr_set(err, "2BP01", -1, "cannot drop schema %s because it is required by the database system", e.name);
        if (owner_check(s, &e, err)) return SQL_ERR;
        bool dup = false;
        for (int k = 0; k < ne; k++) dup |= es[k].oid == e.oid;
        if (!dup && ne < 64) es[ne++] = e;
    }
    if (!st->cascade) { /* RESTRICT: refused while any of them holds something */
        char detail[SQLERR_DETAIL_MAX];
        size_t dl = 0;
        int nd = 0;
        detail[0] = 0;
        for (int i = ne - 1; i >= 0; i--) { /* PostgreSQL reports the last one's first */
            const sqlschema_table **m;
            int nm, nt;
            sx_enumtype *ty;
            if (schema_members(s, es[i].oid, &m, &nm)) return sqlerr_oom(err);
            if (schema_types(s, es[i].oid, &ty, &nt)) {
                free(m);
                return sqlerr_oom(err);
            }
            for (int k = 0, j = 0; k < nm || j < nt; nd++) { /* in creation (oid) order */
                bool type = j < nt && (k >= nm || ty[j].oid < m[k]->id);
                char dn[SQLSCHEMA_NAME_MAX * 2 + 4];
                if (type) snprintf(dn, sizeof dn, "%s.%s", es[i].name, ty[j].name);
                else sx_display_name(s, m[k], dn, sizeof dn);
                if (dl < sizeof detail) {
                    int w = snprintf(detail + dl, sizeof detail - dl, "%s%s %s depends on schema %s",
                                     dl ? "\n" : "", type ? "type" : kind_word(m[k]), dn, es[i].name);
                    if (w > 0) dl += (size_t)w;
                }
                if (type) j++;
                else k++;
            }
            free(m);
            free(ty);
        }
        if (nd) {
            if (st->nnames > 1)
                sqlerr_set(err, "2BP01", -1, "cannot drop desired object(s) because other objects depend on them");
            else
                sqlerr_set(err, "2BP01", -1, "cannot drop schema %s because other objects depend on it", es[0].name);
            sqlerr_detail(err, "%s", detail);
            sqlerr_hint(err, "Use DROP ... CASCADE to drop the dependent objects too.");
            return SQL_ERR;
        }
    }
    for (int i = ne - 1; i >= 0; i--) {
        const sqlschema_table **m;
        int nm;
        if (schema_members(s, es[i].oid, &m, &nm)) return sqlerr_oom(err);
        /* each relation dropped as DROP ... CASCADE drops it: its indexes, the foreign keys and
         * views (of any schema) that use it, its sequences; each of the schema's own is listed
         * in its place (creation order), what other schemas lose after what took it */
        char (*shown)[SQLSCHEMA_NAME_MAX * 3] = calloc((size_t)nm + 1, sizeof *shown);
        if (!shown) {
            free(m);
            return sqlerr_oom(err);
        }
        for (int k = 0; k < nm; k++) {
            char dn[SQLSCHEMA_NAME_MAX * 2 + 4];
            sx_display_name(s, m[k], dn, sizeof dn);
            snprintf(shown[k], sizeof shown[k], "%s %s", kind_word(m[k]), dn);
        }
        int rc = SQL_OK, nt = 0;
        sx_enumtype *ty = NULL;
        if (schema_types(s, es[i].oid, &ty, &nt)) rc = sqlerr_oom(err);
        for (int k = 0, j = 0; k < nm && rc == SQL_OK; k++) {
            const sqlschema_table *t = m[k];
            char q[SQLSCHEMA_NAME_MAX * 2 + 2];
            snprintf(q, sizeof q, "%.63s%c%.63s", es[i].name, SQLAST_QUAL, t->name);
            /* the schema's types in their places (they go once its tables have) */
            for (; j < nt && ty[j].oid < t->id; j++)
                sqlrun_cascade_add(lines, sizeof lines, &lo, &nlines, "type %s.%s", es[i].name, ty[j].name);
            sqlrun_cascade_add(lines, sizeof lines, &lo, &nlines, "%s", shown[k]);
            const sqlschema_table *live = sx_table_find(s, q);
            if (!live || live->id != t->id) continue; /* gone with an earlier one */
            char *names[1] = {q};
            sqlast_stmt d = {.kind = SQLAST_DROP_TABLE, .names = names, .nnames = 1, .cascade = true,
                             .is_view = t->view_sql != NULL, .is_sequence = t->seq != NULL};
            sx_result tmp = {0};
            rc = sqlrun_drop_relations(s, &d, &tmp, err);
            if (!rc) harvest(&tmp, shown, nm, lines, sizeof lines, &lo, &nlines);
            sqlrun_result_free(&tmp);
        }
        for (int j = 0; rc == SQL_OK && j < nt; j++) /* the types after the last relation */
            if (!nm || ty[j].oid > m[nm - 1]->id)
                sqlrun_cascade_add(lines, sizeof lines, &lo, &nlines, "type %s.%s", es[i].name, ty[j].name);
        for (int j = 0; rc == SQL_OK && j < nt; j++) rc = sqlrun_enum_drop_in(s, &ty[j], err);
        free(ty);
        free(shown);
        free(m);
        if (rc) return SQL_ERR;
        if (nsp_put(s, es[i].oid, false, es[i].name, err)) return SQL_ERR;
    }
    snprintf(res->tag, sizeof res->tag, "DROP SCHEMA");
    return sqlrun_cascade_notice(res, lines, nlines, err);
}

/* A role specification as the parser gives it (sqlparse.c rolespec): CURRENT_USER, SESSION_USER */
static const char *spec(sx_session *s, const char *v)
{
    return v[0] == 1 ? sx_role_name(s) : v[0] == 2 ? sx_session_user(s) : v[0] ? v : "public";
}

int sqlrun_schema(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    if (st->kind == SQLAST_DROP_SCHEMA) return drop_schema(s, st, res, err);
    if (st->kind == SQLAST_CREATE_SCHEMA) {
        snprintf(res->tag, sizeof res->tag, "CREATE SCHEMA");
        sqlrole owner;
        if (st->value) { /* AUTHORIZATION role */
            if (!sx_role_lookup(s, spec(s, st->value), &owner))
                return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", spec(s, st->value));
        } else if (!sx_role_by_oid(s, sx_current_role(s), &owner)) {
            return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", sx_role_name(s));
        }
        const char *name = st->name ? st->name : owner.name;
        /* CREATE on the database, which its owner (the bootstrap superuser) has */
        if (!sx_is_super(s))
            return sqlerr_set(err, "42501", -1, "permission denied for database %s", s->database);
        if (!sx_has_privs_of(s, sx_current_role(s), owner.oid))
            return sqlerr_set(err, "42501", -1, "must be able to SET ROLE \"%s\"", owner.name);
        if (sx_schema_by_name(s, name, NULL)) {
            if (st->missing_ok)
                return sqlrun_notice(res, "42P06", err, "schema \"%s\" already exists, skipping", name);
            return sqlerr_set(err, "42P06", -1, "schema \"%s\" already exists", name);
        }
        if (name_ok(name, err)) return SQL_ERR;
        uint32_t oid = sx_table_new_id(s);
        if (!oid) return sqlerr_set(err, "54000", -1, "this node has handed out all its object ids");
        if (nsp_put(s, oid, true, name, err)) return SQL_ERR;
        return sx_owner_put(s, oid, owner.oid, err);
    }
    /* ALTER SCHEMA name RENAME TO new | OWNER TO role */
    sx_schema e;
    if (!sx_schema_by_name(s, st->name, &e))
        return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", st->name);
    snprintf(res->tag, sizeof res->tag, "ALTER SCHEMA");
    if (sx_nsp_builtin(e.oid)) {
        if (e.oid == SX_NSP_PUBLIC && st->newname == NULL) /* OWNER TO of public */
            return sqlerr_unsupported(err, -1, "ALTER SCHEMA public OWNER TO");
        return sqlerr_unsupported(err, -1, "renaming a built-in schema");
    }
    if (owner_check(s, &e, err)) return SQL_ERR;
    if (st->newname) {
        if (sx_schema_by_name(s, st->newname, NULL))
            return sqlerr_set(err, "42P06", -1, "schema \"%s\" already exists", st->newname);
        if (!sx_is_super(s))
            return sqlerr_set(err, "42501", -1, "permission denied for database %s", s->database);
        if (name_ok(st->newname, err)) return SQL_ERR;
        return nsp_put(s, e.oid, true, st->newname, err);
    }
    sqlrole to;
    if (!sx_role_lookup(s, spec(s, st->value), &to))
        return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", spec(s, st->value));
    if (!sx_has_privs_of(s, sx_current_role(s), to.oid))
        return sqlerr_set(err, "42501", -1, "must be able to SET ROLE \"%s\"", to.name);
    return e.owner == to.oid ? SQL_OK : sx_owner_put(s, e.oid, to.oid, err);
}

int sx_regclass_key(const char *text, char *out, size_t cap)
{
    char parts[2][SQLSCHEMA_NAME_MAX * 2 + 1];
    int n = 0;
    const char *p = text;
    for (;;) {
        if (n == 2) return -1;
        size_t o = 0;
        if (*p == '"') {
            for (p++;; p++) {
                if (!*p) return -1;
                if (*p == '"' && p[1] == '"') p++;
                else if (*p == '"') {
                    p++;
                    break;
                }
                if (o + 1 < sizeof parts[n]) parts[n][o++] = *p;
            }
        } else {
            for (; *p && *p != '.'; p++) {
                if (*p == '"' || *p == ' ') return -1;
                if (o + 1 < sizeof parts[n])
                    parts[n][o++] = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
            }
        }
        if (!o) return -1;
        parts[n++][o] = 0;
        if (!*p) break;
        if (*p != '.') return -1;
        p++;
    }
    int w = n == 1 ? snprintf(out, cap, "%s", parts[0])
                   : snprintf(out, cap, "%s%c%s", parts[0], SQLAST_QUAL, parts[1]);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}

void sx_vpath_enter(sx_session *s, const sqlschema_table *v, sx_vpath_saved *sv)
{
    static const uint32_t public_only[1] = {SX_NSP_PUBLIC};
    sv->p = s->vpath;
    sv->n = s->nvpath;
    s->vpath = v->view_path ? v->view_path : public_only;
    s->nvpath = v->view_path ? v->nview_path : 1;
}

void sx_vpath_leave(sx_session *s, const sx_vpath_saved *sv)
{
    s->vpath = sv->p;
    s->nvpath = sv->n;
}

const char *sx_current_schema(sx_session *s)
{
    struct sx_nspcache *c = cache(s);
    if (!c || !c->npath) return NULL;
    for (int i = 0; i < c->n; i++)
        if (c->v[i].oid == c->path[0]) {
            memcpy(s->schemabuf, c->v[i].name, sizeof s->schemabuf);
            return s->schemabuf;
        }
    return NULL;
}

int sx_display_name(sx_session *s, const sqlschema_table *t, char *buf, size_t cap)
{
    const sqlschema_table *v = sx_table_find(s, t->name);
    if (v && v->id == t->id) return snprintf(buf, cap, "%s", t->name);
    char nb[64];
    return snprintf(buf, cap, "%s.%s", sx_nsp_name(s, sx_table_nsp(s, t), nb), t->name);
}
