/*
 * server/sql/sqlrun_role.c — roles and privileges in the engine: who the session is, what a
 * role may do, and the statements that change it (CREATE/ALTER/DROP ROLE, GRANT/REVOKE,
 * REASSIGN/DROP OWNED, SET ROLE, SET SESSION AUTHORIZATION).
 *
 * The model is PostgreSQL's, on the catalog entries of sqlrole.h:
 *  - a superuser may do anything; the owner of an object (or a member of the owning role that
 *    inherits its privileges) has every privilege on it and alone may ALTER, DROP, GRANT on
 *    it; others have what was granted to them, to a role they inherit from, or to PUBLIC;
 *  - schema public: USAGE for PUBLIC, CREATE only by grant (PostgreSQL 15's default);
 *  - the current role is SET ROLE's, else the session authorization; is_superuser follows it.
 * The login of a users-file user (and, under a trust rule, of a name that is no role) is the
 * bootstrap superuser, oid 10: existing clusters keep working unchanged.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "proto/scram.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlguc.h"
#include "server/sql/sqlrole.h"

#ifndef HELIOS_VERSION
#define HELIOS_VERSION "dev"
#endif

/* ---- who -------------------------------------------------------------------------------- */

static void boot_role(const sx_session *s, const char *name, sqlrole *r)
{
    memset(r, 0, sizeof *r);
    r->oid = SQLROLE_BOOTSTRAP;
    r->flags = SQLROLE_SUPER | SQLROLE_LOGIN | SQLROLE_CREATEROLE | SQLROLE_INHERIT |
               SQLROLE_CREATEDB | SQLROLE_REPLICATION;
    r->connlimit = -1;
    snprintf(r->name, sizeof r->name, "%s", name ? name : s->user[0] ? s->user : "heliosdb");
}

/* ---- the decoded roles, memberships and their closures, shared by every session ------------
 *
 * Privilege checks run on every statement, so the roles and memberships of the committed
 * catalog are decoded once per catalog change (x->auth_gen) and kept sorted, with each role's
 * closure memoised. A transaction that itself changed roles or grants reads through to the
 * entries instead (cache() returns NULL), seeing its own changes. Loop thread only. */

typedef struct closure {
    uint32_t role;
    bool all;
    uint32_t *v;
    int n;
} closure;

struct sx_authcache {
    uint64_t gen;
    sqlrole *roles; /* live roles, by oid */
    int nroles;
    int *by_name; /* indexes into roles, by name */
    uint32_t *mrole, *mmember; /* granted memberships */
    int nmem;
    closure *memo;
    int nmemo, capmemo;
};

void sx_authcache_free(struct sx_authcache *c)
{
    if (!c) return;
    for (int i = 0; i < c->nmemo; i++) free(c->memo[i].v);
    free(c->memo);
    free(c->roles);
    free(c->by_name);
    free(c->mrole);
    free(c->mmember);
    free(c);
}

static int cmp_role_oid(const void *a, const void *b)
{
    const sqlrole *x = a, *y = b;
    return x->oid < y->oid ? -1 : x->oid > y->oid;
}

static int cmp_name_idx(const void *a, const void *b, void *arg)
{
    const sqlrole *r = arg;
    return strcmp(r[*(const int *)a].name, r[*(const int *)b].name);
}

static struct sx_authcache *cache(sx_session *s)
{
    sx_exec *x = s->x;
    if (s->txn.nauth) return NULL;
    if (x->authcache && x->authcache->gen == x->auth_gen) return x->authcache;
    sx_authcache_free(x->authcache);
    x->authcache = NULL;
    struct sx_authcache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->gen = x->auth_gen;
    c->roles = malloc((size_t)(x->nauth + 1) * sizeof *c->roles);
    c->mrole = malloc((size_t)(x->nauth + 1) * sizeof *c->mrole);
    c->mmember = malloc((size_t)(x->nauth + 1) * sizeof *c->mmember);
    if (!c->roles || !c->mrole || !c->mmember) goto fail;
    for (int i = 0; i < x->nauth; i++) {
        const sx_authkv *e = &x->auth[i];
        uint32_t ro, me;
        uint64_t gen;
        bool g;
        if (!sqlrole_decode(e->v, e->vl, e->k, e->kl, &c->roles[c->nroles])) {
            if (!(c->roles[c->nroles].flags & SQLROLE_DROPPED)) c->nroles++;
        } else if (!sqlrole_member_key_parse(e->k, e->kl, &ro, &me) &&
                   !sqlrole_flag_decode(e->v, e->vl, 'M', &gen, &g, NULL) && g) {
            c->mrole[c->nmem] = ro;
            c->mmember[c->nmem++] = me;
        }
    }
    qsort(c->roles, (size_t)c->nroles, sizeof *c->roles, cmp_role_oid);
    if (!(c->by_name = malloc((size_t)(c->nroles + 1) * sizeof *c->by_name))) goto fail;
    for (int i = 0; i < c->nroles; i++) c->by_name[i] = i;
    qsort_r(c->by_name, (size_t)c->nroles, sizeof *c->by_name, cmp_name_idx, c->roles);
    x->authcache = c;
    return c;
fail:
    sx_authcache_free(c);
    return NULL;
}

static const sqlrole *cached_by_name(const struct sx_authcache *c, const char *name)
{
    int lo = 0, hi = c->nroles;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int k = strcmp(c->roles[c->by_name[mid]].name, name);
        if (!k) return &c->roles[c->by_name[mid]];
        if (k < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static const sqlrole *cached_by_oid(const struct sx_authcache *c, uint32_t oid)
{
    int lo = 0, hi = c->nroles;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->roles[mid].oid == oid) return &c->roles[mid];
        if (c->roles[mid].oid < oid) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* A live role by name (1), or 0. The bootstrap login's own name is the bootstrap role. */
int sx_role_lookup(sx_session *s, const char *name, sqlrole *out)
{
    if (s->boot && !strcmp(name, s->user)) {
        boot_role(s, name, out);
        return 1;
    }
    if (strlen(name) > 63) return 0;
    const struct sx_authcache *c = cache(s);
    if (c) {
        const sqlrole *r = cached_by_name(c, name);
        if (r) *out = *r;
        return r != NULL;
    }
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_key(k, name);
    const uint8_t *v;
    size_t vl;
    if (!sx_auth_get(s, k, kl, &v, &vl)) return 0;
    if (sqlrole_decode(v, vl, k, kl, out) || (out->flags & SQLROLE_DROPPED)) return 0;
    return 1;
}

int sx_role_by_oid(sx_session *s, uint32_t oid, sqlrole *out)
{
    if (oid == SQLROLE_BOOTSTRAP) {
        boot_role(s, s->boot ? s->user : "heliosdb", out);
        return 1;
    }
    const struct sx_authcache *c = cache(s);
    if (c) {
        const sqlrole *r = cached_by_oid(c, oid);
        if (r) *out = *r;
        return r != NULL;
    }
    sx_authkv *v;
    int n;
    if (sx_auth_list(s, "role.", &v, &n)) return 0;
    int found = 0;
    for (int i = 0; i < n && !found; i++) {
        sqlrole r;
        if (!sqlrole_decode(v[i].v, v[i].vl, v[i].k, v[i].kl, &r) && r.oid == oid &&
            !(r.flags & SQLROLE_DROPPED)) {
            *out = r;
            found = 1;
        }
    }
    free(v);
    return found;
}

const char *sx_session_user(sx_session *s)
{
    const char *a = s->guc ? sqlguc_get(s->guc, "session_authorization", NULL) : NULL;
    snprintf(s->sessbuf, sizeof s->sessbuf, "%s", a && *a ? a : s->user);
    return s->sessbuf;
}

const char *sx_role_name(sx_session *s)
{
    const char *r = s->guc ? sqlguc_get(s->guc, "role", NULL) : NULL;
    if (!(r && *r && strcmp(r, "none"))) r = sx_session_user(s);
    snprintf(s->rolebuf, sizeof s->rolebuf, "%s", r);
    return s->rolebuf;
}

/* The current role: oid and flags (a role dropped under the session has no privileges). */
static uint32_t current(sx_session *s, sqlrole *r)
{
    if (!sx_role_lookup(s, sx_role_name(s), r)) {
        memset(r, 0, sizeof *r);
        r->oid = 0xffffffffu;
        snprintf(r->name, sizeof r->name, "%s", sx_role_name(s));
    }
    return r->oid;
}

uint32_t sx_current_role(sx_session *s)
{
    sqlrole r;
    return current(s, &r);
}

static bool role_is_super(sx_session *s, uint32_t oid)
{
    if (oid == SQLROLE_BOOTSTRAP) return true;
    sqlrole r;
    return sx_role_by_oid(s, oid, &r) && (r.flags & SQLROLE_SUPER);
}

bool sx_is_super(sx_session *s)
{
    sqlrole r;
    current(s, &r);
    return (r.flags & SQLROLE_SUPER) != 0;
}

/* The roles whose privileges `role` has: itself and, through granted memberships, the roles
 * it belongs to (following only members that inherit, unless `all`). *out is malloc'd when
 * *owned, else borrowed from the cache (valid until the next catalog change). */
static int role_closure(sx_session *s, uint32_t role, bool all, const uint32_t **out, int *n,
                        bool *owned)
{
    struct sx_authcache *c = cache(s);
    *out = NULL;
    *n = 0;
    *owned = false;
    if (c)
        for (int i = 0; i < c->nmemo; i++)
            if (c->memo[i].role == role && c->memo[i].all == all) {
                *out = c->memo[i].v;
                *n = c->memo[i].n;
                return 0;
            }
    /* the memberships: the cache's, or the entries the transaction sees */
    uint32_t *mr = c ? c->mrole : NULL, *mm = c ? c->mmember : NULL;
    int nm = c ? c->nmem : 0;
    if (!c) {
        sx_authkv *m;
        int k;
        if (sx_auth_list(s, "member.", &m, &k)) return -1;
        mr = malloc((size_t)(k + 1) * sizeof *mr);
        mm = malloc((size_t)(k + 1) * sizeof *mm);
        if (!mr || !mm) {
            free(m);
            free(mr);
            free(mm);
            return -1;
        }
        for (int j = 0; j < k; j++) {
            uint32_t ro, me;
            uint64_t gen;
            bool granted;
            if (sqlrole_member_key_parse(m[j].k, m[j].kl, &ro, &me) ||
                sqlrole_flag_decode(m[j].v, m[j].vl, 'M', &gen, &granted, NULL) || !granted)
                continue;
            mr[nm] = ro;
            mm[nm++] = me;
        }
        free(m);
    }
    uint32_t *v = malloc((size_t)(nm + 1) * sizeof *v);
    int k = 0;
    if (v) {
        v[k++] = role;
        for (int i = 0; i < k; i++) {
            if (!all && v[i] != SQLROLE_BOOTSTRAP) {
                sqlrole r;
                if (!sx_role_by_oid(s, v[i], &r) || !(r.flags & SQLROLE_INHERIT)) continue;
            }
            for (int j = 0; j < nm; j++) {
                if (mm[j] != v[i]) continue;
                bool seen = false;
                for (int l = 0; l < k && !seen; l++) seen = v[l] == mr[j];
                if (!seen && k <= nm) v[k++] = mr[j];
            }
        }
    }
    if (!c) {
        free(mr);
        free(mm);
    }
    if (!v) return -1;
    if (c && (c->nmemo < c->capmemo || c->capmemo < 4096)) {
        if (c->nmemo == c->capmemo) {
            int nc = c->capmemo ? c->capmemo * 2 : 16;
            closure *nmv = realloc(c->memo, (size_t)nc * sizeof *nmv);
            if (!nmv) {
                *out = v, *n = k, *owned = true;
                return 0;
            }
            c->memo = nmv;
            c->capmemo = nc;
        }
        c->memo[c->nmemo++] = (closure){role, all, v, k};
        *out = v, *n = k;
        return 0;
    }
    *out = v, *n = k, *owned = true;
    return 0;
}

/* PostgreSQL's has_privs_of_role (inheriting) and is_member_of_role (all = true). */
static bool role_in_nosuper(sx_session *s, uint32_t member, uint32_t role, bool all);
static bool role_in(sx_session *s, uint32_t member, uint32_t role, bool all)
{
    if (member == role || role_is_super(s, member)) return true;
    return role_in_nosuper(s, member, role, all);
}

static bool role_in_nosuper(sx_session *s, uint32_t member, uint32_t role, bool all)
{
    if (member == role) return true;
    const uint32_t *v;
    int n;
    bool owned;
    if (role_closure(s, member, all, &v, &n, &owned)) return false;
    bool in = false;
    for (int i = 0; i < n && !in; i++) in = v[i] == role;
    if (owned) free((void *)v);
    return in;
}

bool sx_has_privs_of(sx_session *s, uint32_t member, uint32_t role)
{
    return role_in(s, member, role, false);
}

uint32_t sx_owner_of(sx_session *s, uint32_t obj)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_owner_key(k, obj);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    uint32_t owner;
    if (sx_auth_get(s, k, kl, &v, &vl) && !sqlrole_owner_decode(v, vl, &gen, &owner)) return owner;
    return SQLROLE_BOOTSTRAP;
}

/* What the acl entry (obj, grantee, bit) says: 1 granted, 0 revoked or never granted. */
static bool acl_granted(sx_session *s, uint32_t obj, uint32_t grantee, int bit)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_acl_key(k, obj, grantee, bit);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    bool g;
    if (sx_auth_get(s, k, kl, &v, &vl) && !sqlrole_flag_decode(v, vl, 'A', &gen, &g, NULL)) return g;
    /* PostgreSQL 15's defaults: USAGE on schema public for PUBLIC */
    return obj == SQLROLE_NSP_PUBLIC && grantee == SQLROLE_PUBLIC && bit == 7;
}

bool sx_acl_granted(sx_session *s, uint32_t obj, uint32_t grantee, int bit)
{
    return acl_granted(s, obj, grantee, bit);
}

/* Whether role has every privilege of mask on obj. */
bool sx_priv_has(sx_session *s, uint32_t role, uint32_t obj, unsigned mask)
{
    if (role_is_super(s, role) || sx_has_privs_of(s, role, sx_owner_of(s, obj))) return true;
    const uint32_t *v;
    int n;
    bool owned;
    if (role_closure(s, role, false, &v, &n, &owned)) return false;
    bool ok = true;
    for (int bit = 0; bit < SQLPRIV_NBITS && ok; bit++) {
        if (!(mask & (1u << bit))) continue;
        bool any = acl_granted(s, obj, SQLROLE_PUBLIC, bit);
        for (int i = 0; i < n && !any; i++) any = acl_granted(s, obj, v[i], bit);
        ok = any;
    }
    if (owned) free((void *)v);
    return ok;
}

static const char *rel_kind_word(const sqlschema_table *t)
{
    return t->view_sql ? "view" : t->seq ? "sequence" : "table";
}

int sx_priv_check_as(sx_session *s, uint32_t role, const sqlschema_table *t, unsigned mask,
                     sqlerr *err)
{
    if (sx_priv_has(s, role, t->id, mask)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for %s %s", rel_kind_word(t), t->name);
}

int sx_priv_check(sx_session *s, const sqlschema_table *t, unsigned mask, sqlerr *err)
{
    return sx_priv_check_as(s, sx_current_role(s), t, mask, err);
}

/* Sequences: any one privilege of mask (nextval: USAGE or UPDATE; currval, lastval: SELECT or
 * USAGE; setval: UPDATE). */
int sx_seq_priv_check(sx_session *s, const sqlschema_table *t, unsigned mask, sqlerr *err)
{
    uint32_t me = sx_current_role(s);
    for (int bit = 0; bit < SQLPRIV_NBITS; bit++)
        if ((mask & (1u << bit)) && sx_priv_has(s, me, t->id, 1u << bit)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for sequence %s", t->name);
}

int sx_owner_check(sx_session *s, const sqlschema_table *t, sqlerr *err)
{
    if (sx_has_privs_of(s, sx_current_role(s), sx_owner_of(s, t->id))) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "must be owner of %s %s", rel_kind_word(t), t->name);
}

int sx_create_check(sx_session *s, sqlerr *err)
{
    if (sx_priv_has(s, sx_current_role(s), SQLROLE_NSP_PUBLIC, SQLPRIV_CREATE)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for schema public");
}

int sx_super_check(sx_session *s, const char *what, sqlerr *err)
{
    if (sx_is_super(s)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for %s", what);
}

static int put_flag(sx_session *s, char kind, const uint8_t *k, size_t kl, bool granted,
                    uint32_t grantor, sqlerr *err);

static int put_owner(sx_session *s, uint32_t obj, uint32_t owner, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_owner_key(k, obj);
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_owner_encode(&b, sx_hlc_now(s), owner);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    return rc;
}


/* ---- extensions ----------------------------------------------------------------------------
 * What CREATE EXTENSION can install: the functions are HeliosDB's own and exist whether or not
 * the extension is installed (uuid_generate_v4() & co.); the entry makes pg_extension, and so
 * the tools and migrations that look there, tell the truth, and it replicates like DDL. */

static const struct {
    const char *name, *version;
    uint32_t oid; /* built in: fixed; installable: 0 (from the id allocator) */
    uint32_t nsp;
    bool relocatable;
} known_ext[] = {
    {"plpgsql", "1.0", 13559, 11, false},
    {"heliosdb", HELIOS_VERSION, 9898, 9900, false}, /* sqlcatalog.c OID_HELIOS_EXT */
    {"uuid-ossp", "1.1", 0, SQLROLE_NSP_PUBLIC, true},
};

static int ext_find(const char *name)
{
    for (size_t i = 0; i < sizeof known_ext / sizeof known_ext[0]; i++)
        if (!strcmp(known_ext[i].name, name)) return (int)i;
    return -1;
}

/* The installed entry of an installable extension: 1 (oid, owner set), 0 not installed */
static int ext_entry(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_ext_key(k, name);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    bool on = false;
    if (!sx_auth_get(s, k, kl, &v, &vl) || sqlrole_ext_decode(v, vl, &gen, &on, oid, owner)) return 0;
    return on;
}

int sx_extensions(sx_session *s, sx_extension *out, int cap)
{
    int n = 0;
    for (size_t i = 0; i < sizeof known_ext / sizeof known_ext[0] && n < cap; i++) {
        uint32_t oid = known_ext[i].oid, owner = SQLROLE_BOOTSTRAP;
        if (!oid && !ext_entry(s, known_ext[i].name, &oid, &owner)) continue;
        out[n++] = (sx_extension){.name = known_ext[i].name, .version = known_ext[i].version,
                                  .oid = oid, .owner = owner, .nsp = known_ext[i].nsp,
                                  .relocatable = known_ext[i].relocatable};
    }
    return n;
}

static int ext_put(sx_session *s, const char *name, bool on, uint32_t oid, uint32_t owner, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_ext_key(k, name);
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_ext_encode(&b, sx_hlc_now(s), on, oid, owner);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    return rc;
}

int sqlrun_extension(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    if (st->kind == SQLAST_CREATE_EXTENSION) {
        snprintf(res->tag, sizeof res->tag, "CREATE EXTENSION");
        int i = ext_find(st->name);
        if (i < 0) {
            sqlerr_set(err, "0A000", -1, "extension \"%s\" is not available", st->name);
            sqlerr_detail(err, "HeliosDB provides the extensions plpgsql and uuid-ossp (and "
                               "gen_random_uuid() without any).");
            sqlerr_hint(err, "The extension must first be installed on the system where PostgreSQL is running.");
            return SQL_ERR;
        }
        uint32_t oid, owner;
        if (known_ext[i].oid || ext_entry(s, st->name, &oid, &owner)) {
            if (st->missing_ok)
                return sqlrun_notice(res, "42710", err, "extension \"%s\" already exists, skipping", st->name);
            return sqlerr_set(err, "42710", -1, "extension \"%s\" already exists", st->name);
        }
        if (st->value && strcmp(st->value, known_ext[i].version))
            return sqlerr_set(err, "22023", -1,
                              "extension \"%s\" has no installation script nor update path for version \"%s\"",
                              st->name, st->value);
        /* a trusted extension, as uuid-ossp is in PostgreSQL: CREATE on the database; here,
         * on schema public, where it goes */
        if (!sx_is_super(s) && sx_create_check(s, err)) {
            sqlerr_set(err, "42501", -1, "permission denied to create extension \"%s\"", st->name);
            return SQL_ERR;
        }
        oid = sx_table_new_id(s);
        if (!oid) return sqlerr_set(err, "54000", -1, "this node has handed out all its object ids");
        return ext_put(s, st->name, true, oid, sx_current_role(s), err);
    }
    snprintf(res->tag, sizeof res->tag, "DROP EXTENSION");
    for (int n = 0; n < st->nnames; n++) {
        int i = ext_find(st->names[n]);
        uint32_t oid = 0, owner = 0;
        if (i >= 0 && known_ext[i].oid)
            return sqlerr_unsupported(err, -1, "dropping a built-in extension (plpgsql, heliosdb)");
        if (i < 0 || !ext_entry(s, st->names[n], &oid, &owner)) {
            if (st->missing_ok) {
                if (sqlrun_notice(res, "00000", err, "extension \"%s\" does not exist, skipping", st->names[n]))
                    return SQL_ERR;
                continue;
            }
            return sqlerr_set(err, "42704", -1, "extension \"%s\" does not exist", st->names[n]);
        }
        if (!sx_has_privs_of(s, sx_current_role(s), owner))
            return sqlerr_set(err, "42501", -1, "must be owner of extension %s", st->names[n]);
        if (ext_put(s, st->names[n], false, oid, owner, err)) return SQL_ERR;
    }
    return SQL_OK;
}

int sx_owner_set(sx_session *s, const sqlschema_table *t, const char *to, sqlerr *err)
{
    sqlrole nr;
    if (!to) current(s, &nr);
    else if (!sx_role_lookup(s, to, &nr))
        return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", to);
    if (sx_owner_check(s, t, err)) return SQL_ERR;
    uint32_t me = sx_current_role(s);
    if (!role_in(s, me, nr.oid, true))
        return sqlerr_set(err, "42501", -1, "must be able to SET ROLE \"%s\"", nr.name);
    if (sx_owner_of(s, t->id) != nr.oid && put_owner(s, t->id, nr.oid, err)) return SQL_ERR;
    if (t->seq || t->view_sql) return SQL_OK;
    /* as PostgreSQL: the sequences of its serial and identity columns follow the table */
    const sqlschema_table **tabs;
    int n;
    if (sx_catalog_view(s, &tabs, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++)
        if (tabs[i]->seq && tabs[i]->seq->owner_table == t->id && sx_owner_of(s, tabs[i]->id) != nr.oid)
            rc = put_owner(s, tabs[i]->id, nr.oid, err);
    free(tabs);
    return rc;
}

int sx_auth_move(sx_session *s, uint32_t old_id, uint32_t new_id, sqlerr *err)
{
    if (old_id == new_id) return SQL_OK;
    uint32_t owner = sx_owner_of(s, old_id);
    if (owner != SQLROLE_BOOTSTRAP && put_owner(s, new_id, owner, err)) return SQL_ERR;
    sx_authkv *v;
    int n;
    if (sx_auth_list(s, "acl.", &v, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++) {
        uint32_t obj, grantee;
        int bit;
        uint64_t gen;
        bool g;
        uint32_t grantor;
        if (sqlrole_acl_key_parse(v[i].k, v[i].kl, &obj, &grantee, &bit) || obj != old_id ||
            sqlrole_flag_decode(v[i].v, v[i].vl, 'A', &gen, &g, &grantor) || !g)
            continue;
        uint8_t k[SQLROLE_KEY_MAX];
        size_t kl = sqlrole_acl_key(k, new_id, grantee, bit);
        rc = put_flag(s, 'A', k, kl, true, grantor, err);
    }
    free(v);
    return rc;
}

/* DDL: CREATE needs CREATE on schema public; the rest is for the object's owner. */
int sx_ddl_check(sx_session *s, const sqlast_stmt *st, sqlerr *err)
{
    switch (st->kind) {
    case SQLAST_CREATE_VIEW: {
        const sqlschema_table *t = st->missing_ok ? sx_table_find(s, st->table) : NULL;
        if (t && t->view_sql) return sx_owner_check(s, t, err);
        return sx_create_check(s, err);
    }
    case SQLAST_CREATE_TABLE:
    case SQLAST_CREATE_SEQUENCE:
        if (sx_create_check(s, err)) {
            if (st->table_loc) err->position = st->table_loc;
            return SQL_ERR;
        }
        return SQL_OK;
    case SQLAST_ALTER_OWNER: return SQL_OK; /* sx_owner_set */
    case SQLAST_DROP_TABLE:
        for (int i = 0; i < st->nnames; i++) {
            const sqlschema_table *t = sx_table_find(s, st->names[i]);
            if (!t || (bool)t->view_sql != st->is_view || (t->seq != NULL) != st->is_sequence) continue;
            if (sx_owner_check(s, t, err)) return SQL_ERR;
        }
        return SQL_OK;
    case SQLAST_DROP_INDEX:
    case SQLAST_RENAME_INDEX:
    case SQLAST_REINDEX: {
        if (st->kind == SQLAST_REINDEX && st->is_view) break; /* REINDEX TABLE */
        const sqlindex_def **ix;
        int n;
        if (sx_index_view(s, &ix, &n)) return sqlerr_oom(err);
        int rc = SQL_OK;
        int nn = st->kind == SQLAST_DROP_INDEX ? st->nnames : 1;
        for (int k = 0; k < nn && rc == SQL_OK; k++) {
            const char *name = st->kind == SQLAST_DROP_INDEX ? st->names[k] : st->table;
            for (int i = 0; i < n && rc == SQL_OK; i++) {
                if (strcmp(ix[i]->name, name)) continue;
                const sqlschema_table *t = sx_table_by_id(s, ix[i]->table_id);
                if (t && !sx_has_privs_of(s, sx_current_role(s), sx_owner_of(s, t->id)))
                    rc = sqlerr_set(err, "42501", -1, "must be owner of index %s", name);
            }
        }
        free(ix);
        return rc;
    }
    default: break;
    }
    const sqlschema_table *t = st->table ? sx_table_find(s, st->table) : NULL;
    return t ? sx_owner_check(s, t, err) : SQL_OK;
}

/* After CREATE TABLE / VIEW / SEQUENCE: the current role owns it, and the sequences its serial
 * columns made. */
/* ALTER DEFAULT PRIVILEGES: the grants owner's new object obj (of type 'r' or 'S') gets. */
static int apply_defaults(sx_session *s, uint32_t obj, uint32_t owner, char objtype, sqlerr *err)
{
    sx_authkv *v;
    int n;
    if (sx_auth_list(s, "defacl.", &v, &n)) return sqlerr_oom(err);
    struct {
        uint32_t grantee;
        int bit;
    } add[256];
    int na = 0;
    for (int i = 0; i < n && na < 256; i++) {
        uint32_t role, grantee;
        char type;
        bool in_schema, g;
        int bit;
        uint64_t gen;
        if (sqlrole_defacl_key_parse(v[i].k, v[i].kl, &role, &type, &in_schema, &grantee, &bit) ||
            role != owner || type != objtype ||
            sqlrole_flag_decode(v[i].v, v[i].vl, 'A', &gen, &g, NULL) || !g)
            continue;
        add[na].grantee = grantee;
        add[na++].bit = bit;
    }
    free(v);
    for (int i = 0; i < na; i++) {
        uint8_t k[SQLROLE_KEY_MAX];
        size_t kl = sqlrole_acl_key(k, obj, add[i].grantee, add[i].bit);
        if (put_flag(s, 'A', k, kl, true, owner, err)) return SQL_ERR;
    }
    return SQL_OK;
}

/* After CREATE TABLE / VIEW / SEQUENCE (created: it did not exist before the statement): the
 * current role owns it and the sequences its serial columns made, which get the owner's
 * default privileges; after a column statement, sequences it made belong to the table's
 * owner. */
int sx_ddl_created(sx_session *s, const sqlast_stmt *st, bool created, sqlerr *err)
{
    const sqlschema_table *t = sx_table_find(s, st->table);
    if (!t) return SQL_OK;
    bool column_stmt = st->kind == SQLAST_ALTER_ADD_IDENTITY || st->kind == SQLAST_ALTER_ADD_COLUMN ||
                       st->kind == SQLAST_ALTER_ADD_PK;
    if (!column_stmt && !created) return SQL_OK; /* IF NOT EXISTS, OR REPLACE: unchanged */
    uint32_t owner = column_stmt ? sx_owner_of(s, t->id) : sx_current_role(s);
    if (!column_stmt) {
        if (owner != SQLROLE_BOOTSTRAP && put_owner(s, t->id, owner, err)) return SQL_ERR;
        if (apply_defaults(s, t->id, owner, t->seq ? 'S' : 'r', err)) return SQL_ERR;
    }
    const sqlschema_table **tabs;
    int n;
    if (sx_catalog_view(s, &tabs, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++) {
        if (!tabs[i]->seq || tabs[i]->seq->owner_table != t->id || sx_owner_of(s, tabs[i]->id) == owner)
            continue;
        if (owner != SQLROLE_BOOTSTRAP || sx_owner_of(s, tabs[i]->id) != SQLROLE_BOOTSTRAP)
            rc = put_owner(s, tabs[i]->id, owner, err);
    }
    /* a new table's own sequences get the owner's sequence defaults */
    for (int i = 0; i < n && rc == SQL_OK && !column_stmt; i++)
        if (tabs[i]->seq && tabs[i]->seq->owner_table == t->id)
            rc = apply_defaults(s, tabs[i]->id, owner, 'S', err);
    free(tabs);
    return rc;
}

/* DML: the privileges a write needs on its target (SELECT too when it reads the rows). */
int sx_dml_check(sx_session *s, const sqlast_stmt *st, const sqlschema_table *t, sqlerr *err)
{
    unsigned need = 0;
    switch (st->kind) {
    case SQLAST_INSERT:
        need = SQLPRIV_INSERT;
        if (st->ntargets) need |= SQLPRIV_SELECT; /* RETURNING */
        if (st->nconflict_set) need |= SQLPRIV_UPDATE;
        break;
    case SQLAST_UPDATE:
        need = SQLPRIV_UPDATE;
        if (st->where || st->ntargets) need |= SQLPRIV_SELECT;
        break;
    case SQLAST_DELETE:
        need = SQLPRIV_DELETE;
        if (st->where || st->ntargets) need |= SQLPRIV_SELECT;
        break;
    default: return SQL_OK;
    }
    return sx_priv_check(s, t, need, err);
}

/* ---- statements --------------------------------------------------------------------------- */

static int put_role(sx_session *s, const sqlrole *r, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_key(k, r->name);
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_encode(r, &b);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    return rc;
}

static int put_flag(sx_session *s, char kind, const uint8_t *k, size_t kl, bool granted,
                    uint32_t grantor, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_flag_encode(&b, kind, sx_hlc_now(s), granted, grantor);
    int rc = b.err || sx_auth_put(s, k, kl, b.data, b.len) ? sqlerr_oom(err) : SQL_OK;
    codec_buf_free(&b);
    return rc;
}

static bool reserved_name(const char *n)
{
    return !strncmp(n, "pg_", 3) || !strcmp(n, "public") || !strcmp(n, "none") ||
           !strcmp(n, "current_user") || !strcmp(n, "session_user") || !strcmp(n, "current_role");
}

/* The role a RoleSpec names ("" PUBLIC, "\x01" CURRENT_USER, "\x02" SESSION_USER). */
static int spec_role(sx_session *s, const char *spec, sqlrole *out, sqlerr *err)
{
    if (!*spec) return sqlerr_set(err, "42704", -1, "role \"public\" does not exist");
    const char *name = !strcmp(spec, "\x01") ? sx_role_name(s) : !strcmp(spec, "\x02") ? sx_session_user(s) : spec;
    if (!sx_role_lookup(s, name, out)) return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", name);
    return SQL_OK;
}

static int apply_options(sx_session *s, const sqlast_role *a, sqlrole *r, sqlerr *err)
{
    if (a->set & SQLAST_ROPT_FLAGS) r->flags = (uint8_t)((r->flags & ~a->flag_mask) | (a->flags & a->flag_mask));
    if (a->set & SQLAST_ROPT_CONNLIMIT) {
        if (a->connlimit < -1 || a->connlimit > 0x7fffffff)
            return sqlerr_set(err, "22023", -1, "invalid connection limit: %lld", (long long)a->connlimit);
        r->connlimit = a->connlimit;
    }
    if (a->set & SQLAST_ROPT_PASSWORD) {
        r->verifier[0] = 0;
        if (a->password && !*a->password) {
            /* PostgreSQL: an empty password is no password, with a NOTICE we leave out */
        } else if (a->password && !strncmp(a->password, "SCRAM-SHA-256$", 14)) {
            if (scram_verifier_check(a->password) || strlen(a->password) > SQLROLE_VERIFIER_MAX)
                return sqlerr_set(err, "22023", -1, "invalid SCRAM secret");
            snprintf(r->verifier, sizeof r->verifier, "%s", a->password);
        } else if (a->password && !strncmp(a->password, "md5", 3) && strlen(a->password) == 35) {
            return sqlerr_unsupported(err, -1, "md5 password hashes (give the password or a SCRAM secret)");
        } else if (a->password) {
            if (scram_make_verifier(a->password, NULL, 0, 4096, r->verifier, sizeof r->verifier))
                return sqlerr_set(err, "XX000", -1, "could not compute the password's SCRAM secret");
        }
    }
    if (a->set & SQLAST_ROPT_VALID) {
        int64_t us;
        if (sqlval_parse_timestamptz(a->valid_until, strlen(a->valid_until), &us, err)) return SQL_ERR;
        if (us == INT64_MAX) {
            r->flags &= (uint8_t)~SQLROLE_HAS_VALID;
        } else {
            r->flags |= SQLROLE_HAS_VALID;
            r->valid_until = us + 946684800LL * 1000000; /* PostgreSQL epoch -> unix */
        }
    }
    (void)s;
    return SQL_OK;
}

static int may_admin_role(sx_session *s, const sqlrole *target, const char *verb, sqlerr *err)
{
    sqlrole me;
    current(s, &me);
    if (me.flags & SQLROLE_SUPER) return SQL_OK;
    if (target && (target->flags & SQLROLE_SUPER))
        return sqlerr_set(err, "42501", -1, "must be superuser to %s superusers", verb);
    if (me.flags & SQLROLE_CREATEROLE) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied to %s role", verb);
}

static int role_create(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    const char *name = a->roles[0];
    sqlrole me;
    current(s, &me);
    if (!(me.flags & (SQLROLE_SUPER | SQLROLE_CREATEROLE)))
        return sqlerr_set(err, "42501", -1, "permission denied to create role");
    if ((a->flags & a->flag_mask & (SQLROLE_SUPER | SQLROLE_REPLICATION)) && !(me.flags & SQLROLE_SUPER))
        return sqlerr_set(err, "42501", -1, "must be superuser to create superusers");
    if (reserved_name(name)) {
        sqlerr_set(err, "42939", -1, "role name \"%s\" is reserved", name);
        if (!strncmp(name, "pg_", 3))
            snprintf(err->detail, sizeof err->detail, "Role names starting with \"pg_\" are reserved.");
        return SQL_ERR;
    }
    sqlrole r;
    if (sx_role_lookup(s, name, &r) || (s->boot && !strcmp(name, s->user)))
        return sqlerr_set(err, "42710", -1, "role \"%s\" already exists", name);
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    r.oid = sx_table_new_id(s);
    if (!r.oid) return sqlerr_set(err, "54000", -1, "this node has handed out all its object ids");
    r.flags = SQLROLE_INHERIT | (a->is_user ? SQLROLE_LOGIN : 0);
    r.connlimit = -1;
    if (apply_options(s, a, &r, err)) return SQL_ERR;
    r.gen = sx_hlc_now(s);
    return put_role(s, &r, err);
}

static int role_alter(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    sqlrole r;
    if (spec_role(s, a->roles[0], &r, err)) return SQL_ERR;
    if (r.oid == SQLROLE_BOOTSTRAP)
        return sqlerr_unsupported(err, -1, "ALTER ROLE of a users-file user (edit the users file)");
    sqlrole me;
    current(s, &me);
    bool self_pw = me.oid == r.oid && !(a->set & ~SQLAST_ROPT_PASSWORD);
    if (!self_pw && may_admin_role(s, &r, "alter", err)) return SQL_ERR;
    if ((a->flags & a->flag_mask & (SQLROLE_SUPER | SQLROLE_REPLICATION)) && !(me.flags & SQLROLE_SUPER))
        return sqlerr_set(err, "42501", -1, "must be superuser to alter superuser roles or change superuser attribute");
    if (apply_options(s, a, &r, err)) return SQL_ERR;
    r.gen = sx_hlc_now(s);
    return put_role(s, &r, err);
}

static int role_rename(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    sqlrole r, other;
    if (!sx_role_lookup(s, a->roles[0], &r))
        return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", a->roles[0]);
    if (r.oid == SQLROLE_BOOTSTRAP) return sqlerr_unsupported(err, -1, "renaming a users-file user");
    if (!strcmp(a->roles[0], sx_session_user(s)) || !strcmp(a->roles[0], sx_role_name(s)))
        return sqlerr_set(err, "0A000", -1, "session user cannot be renamed");
    if (may_admin_role(s, &r, "rename", err)) return SQL_ERR;
    if (reserved_name(a->newname))
        return sqlerr_set(err, "42939", -1, "role name \"%s\" is reserved", a->newname);
    if (sx_role_lookup(s, a->newname, &other) || (s->boot && !strcmp(a->newname, s->user)))
        return sqlerr_set(err, "42710", -1, "role \"%s\" already exists", a->newname);
    sqlrole dead = r;
    dead.flags |= SQLROLE_DROPPED;
    dead.verifier[0] = 0;
    dead.gen = sx_hlc_now(s);
    snprintf(r.name, sizeof r.name, "%s", a->newname);
    r.gen = dead.gen; /* the same oid under the new name; a SCRAM secret stays valid */
    return put_role(s, &dead, err) || put_role(s, &r, err) ? SQL_ERR : SQL_OK;
}

/* What still refers to role oid: an object it owns, a privilege granted to it (PostgreSQL's
 * 2BP01 "role cannot be dropped because some objects depend on it"). */
static int role_dependents(sx_session *s, const sqlrole *r, sqlerr *err)
{
    const sqlschema_table **tabs;
    int nt;
    if (sx_catalog_view(s, &tabs, &nt)) return sqlerr_oom(err);
    /* PostgreSQL lists them by object oid: schema public (2200) before every table */
    char detail[sizeof err->detail] = "";
    size_t o = 0;
    int count = 0;
    bool sch = false;
    for (int b = 7; b < SQLPRIV_NBITS; b++) sch = sch || acl_granted(s, SQLROLE_NSP_PUBLIC, r->oid, b);
    if (sch) {
        o += (size_t)snprintf(detail + o, sizeof detail - o, "privileges for schema public");
        count++;
    }
    /* default privileges it owns or receives (usually set up before the tables: listed
     * first, as PostgreSQL's oid order then has them) */
    sx_authkv *dv;
    int nd;
    if (sx_auth_list(s, "defacl.", &dv, &nd)) {
        free(tabs);
        return sqlerr_oom(err);
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < nd; i++) {
            uint32_t role, grantee;
            char type;
            bool in_schema, g;
            int bit;
            uint64_t gen;
            if (sqlrole_defacl_key_parse(dv[i].k, dv[i].kl, &role, &type, &in_schema, &grantee, &bit) ||
                sqlrole_flag_decode(dv[i].v, dv[i].vl, 'A', &gen, &g, NULL) || !g ||
                (pass == 0 ? role != r->oid : grantee != r->oid))
                continue;
            sqlrole ow;
            char what[200];
            snprintf(what, sizeof what, "%s default privileges on new %s belonging to role %s%s",
                     pass == 0 ? "owner of" : "privileges for", type == 'S' ? "sequences" : "relations",
                     sx_role_by_oid(s, role, &ow) ? ow.name : "?", in_schema ? " in schema public" : "");
            if (strstr(detail, what)) continue;
            if (o < sizeof detail)
                o += (size_t)snprintf(detail + o, sizeof detail - o, "%s%s", count ? "\n" : "", what);
            count++;
        }
    free(dv);
    /* the catalog view is in id order, which is creation order within a region */
    for (int i = 0; i < nt; i++) {
        bool own = sx_owner_of(s, tabs[i]->id) == r->oid, priv = false;
        for (int b = 0; b < SQLPRIV_NBITS && !priv; b++) priv = acl_granted(s, tabs[i]->id, r->oid, b);
        if (!own && !priv) continue;
        if (o < sizeof detail)
            o += (size_t)snprintf(detail + o, sizeof detail - o, "%s%s %s %s", count ? "\n" : "",
                                  own ? "owner of" : "privileges for", rel_kind_word(tabs[i]), tabs[i]->name);
        count++;
    }
    free(tabs);
    if (!count) return SQL_OK;
    sqlerr_set(err, "2BP01", -1, "role \"%s\" cannot be dropped because some objects depend on it", r->name);
    snprintf(err->detail, sizeof err->detail, "%s", detail);
    return SQL_ERR;
}

static int role_drop(sx_session *s, const sqlast_role *a, sx_result *res, sqlerr *err)
{
    sqlrole me;
    current(s, &me);
    if (!(me.flags & (SQLROLE_SUPER | SQLROLE_CREATEROLE)))
        return sqlerr_set(err, "42501", -1, "permission denied to drop role");
    for (int i = 0; i < a->nroles; i++) {
        const char *name = a->roles[i];
        sqlrole r;
        if (!*name || (unsigned char)name[0] < 3)
            return sqlerr_set(err, "42601", -1, "cannot use special role specifier in DROP ROLE");
        if (!sx_role_lookup(s, name, &r)) {
            if (!a->missing_ok) return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", name);
            if (sqlrun_notice(res, "00000", err, "role \"%s\" does not exist, skipping", name)) return SQL_ERR;
            continue;
        }
        if (!strcmp(name, sx_role_name(s))) return sqlerr_set(err, "55006", -1, "current user cannot be dropped");
        if (!strcmp(name, sx_session_user(s))) return sqlerr_set(err, "55006", -1, "session user cannot be dropped");
        if (r.oid == SQLROLE_BOOTSTRAP) return sqlerr_unsupported(err, -1, "dropping a users-file user");
        if (may_admin_role(s, &r, "drop", err)) return SQL_ERR;
        if (role_dependents(s, &r, err)) return SQL_ERR;
        /* its memberships go with it */
        sx_authkv *m;
        int nm;
        if (sx_auth_list(s, "member.", &m, &nm)) return sqlerr_oom(err);
        for (int j = 0; j < nm; j++) {
            uint32_t ro, me2;
            uint64_t gen;
            bool g;
            if (sqlrole_member_key_parse(m[j].k, m[j].kl, &ro, &me2) || (ro != r.oid && me2 != r.oid) ||
                sqlrole_flag_decode(m[j].v, m[j].vl, 'M', &gen, &g, NULL) || !g)
                continue;
            uint8_t k[SQLROLE_KEY_MAX];
            memcpy(k, m[j].k, m[j].kl);
            if (put_flag(s, 'M', k, m[j].kl, false, 0, err)) {
                free(m);
                return SQL_ERR;
            }
        }
        free(m);
        r.flags |= SQLROLE_DROPPED;
        r.verifier[0] = 0;
        r.gen = sx_hlc_now(s);
        if (put_role(s, &r, err)) return SQL_ERR;
    }
    return SQL_OK;
}

static int grant_one(sx_session *s, uint32_t obj, const sqlast_role *a, unsigned privs, uint32_t grantor,
                     sqlerr *err)
{
    bool grant = a->action == SQLAST_ROLE_GRANT;
    for (int g = 0; g < a->nroles; g++) {
        uint32_t to = SQLROLE_PUBLIC;
        if (*a->roles[g]) {
            sqlrole r;
            if (spec_role(s, a->roles[g], &r, err)) return SQL_ERR;
            to = r.oid;
        }
        for (int bit = 0; bit < SQLPRIV_NBITS; bit++) {
            if (!(privs & (1u << bit))) continue;
            uint8_t k[SQLROLE_KEY_MAX];
            size_t kl = sqlrole_acl_key(k, obj, to, bit);
            const uint8_t *v;
            size_t vl;
            /* nothing to write without an entry when nothing changes: revoking what was never
             * granted, or granting PUBLIC schema public's USAGE (held by default); an existing
             * entry is rewritten (a re-grant is a later write) */
            if (!sx_auth_get(s, k, kl, &v, &vl) && acl_granted(s, obj, to, bit) == grant) continue;
            if (put_flag(s, 'A', k, kl, grant, grantor, err)) return SQL_ERR;
        }
    }
    return SQL_OK;
}

/* ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA public] GRANT|REVOKE ... ON TABLES|SEQUENCES */
static int default_privs(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    uint32_t me = sx_current_role(s);
    bool grant = a->action == SQLAST_ROLE_GRANT;
    unsigned all = a->defobj == 'S' ? (SQLPRIV_USAGE | SQLPRIV_SELECT | SQLPRIV_UPDATE) : SQLPRIV_TABLE_ALL;
    unsigned privs = a->privs ? a->privs : all;
    if (privs & ~all)
        return sqlerr_set(err, "0LP01", -1, "invalid privilege type %s for %s",
                          sqlpriv_name(__builtin_ctz(privs & ~all)), a->defobj == 'S' ? "sequence" : "relation");
    int nfor = a->nobjects ? a->nobjects : 1;
    for (int f = 0; f < nfor; f++) {
        sqlrole owner;
        if (a->nobjects) {
            if (spec_role(s, a->objects[f], &owner, err)) return SQL_ERR;
        } else {
            current(s, &owner);
        }
        if (!role_in(s, me, owner.oid, true))
            return sqlerr_set(err, "42501", -1, "must be member of role \"%s\"", owner.name);
        for (int g = 0; g < a->nroles; g++) {
            uint32_t to = SQLROLE_PUBLIC;
            if (*a->roles[g]) {
                sqlrole r;
                if (spec_role(s, a->roles[g], &r, err)) return SQL_ERR;
                to = r.oid;
            }
            if (to == owner.oid)
                return sqlerr_unsupported(err, -1, "default privileges of a role on its own objects");
            for (int bit = 0; bit < SQLPRIV_NBITS; bit++) {
                if (!(privs & (1u << bit))) continue;
                uint8_t k[SQLROLE_KEY_MAX];
                size_t kl = sqlrole_defacl_key(k, owner.oid, (char)a->defobj, a->in_schema, to, bit);
                const uint8_t *v;
                size_t vl;
                if (!grant && !sx_auth_get(s, k, kl, &v, &vl)) continue; /* nothing to revoke */
                if (put_flag(s, 'A', k, kl, grant, owner.oid, err)) return SQL_ERR;
            }
        }
    }
    return SQL_OK;
}

static int grant_objects(sx_session *s, const sqlast_role *a, sx_result *res, sqlerr *err)
{
    uint32_t me = sx_current_role(s);
    if (a->objkind == 'D') return default_privs(s, a, err);
    if (a->objkind == 'n') {
        for (int i = 0; i < a->nobjects; i++) {
            if (strcmp(a->objects[i], "public"))
                return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", a->objects[i]);
            unsigned privs = a->privs ? a->privs : SQLPRIV_SCHEMA_ALL;
            if (privs & ~SQLPRIV_SCHEMA_ALL)
                return sqlerr_set(err, "0LP01", -1, "invalid privilege type %s for schema",
                                  sqlpriv_name(__builtin_ctz(privs & ~SQLPRIV_SCHEMA_ALL)));
            if (!sx_has_privs_of(s, me, sx_owner_of(s, SQLROLE_NSP_PUBLIC)))
                return sqlerr_set(err, "42501", -1, "permission denied for schema public");
            if (grant_one(s, SQLROLE_NSP_PUBLIC, a, privs, SQLROLE_BOOTSTRAP, err)) return SQL_ERR;
        }
        return SQL_OK;
    }
    const sqlschema_table **tabs = NULL;
    int nt = 0;
    if (a->objkind == 'A') {
        for (int i = 0; i < a->nobjects; i++)
            if (strcmp(a->objects[i], "public"))
                return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", a->objects[i]);
        if (sx_catalog_view(s, &tabs, &nt)) return sqlerr_oom(err);
    } else {
        if (!(tabs = calloc((size_t)a->nobjects + 1, sizeof *tabs))) return sqlerr_oom(err);
        for (int i = 0; i < a->nobjects; i++) {
            const sqlschema_table *t = sx_table_find(s, a->objects[i]);
            if (!t) {
                free(tabs);
                return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", a->objects[i]);
            }
            if (a->objkind == 's' && !t->seq) {
                free(tabs);
                return sqlerr_set(err, "42809", -1, "\"%s\" is not a sequence", t->name);
            }
            tabs[nt++] = t;
        }
    }
    int rc = SQL_OK;
    for (int i = 0; i < nt && rc == SQL_OK; i++) {
        const sqlschema_table *t = tabs[i];
        if (a->objkind == 'A' && (t->seq || t->view_sql)) {
            if (t->seq) continue; /* ALL TABLES IN SCHEMA: tables and views */
        }
        unsigned all = t->seq ? (SQLPRIV_USAGE | SQLPRIV_SELECT | SQLPRIV_UPDATE) : SQLPRIV_TABLE_ALL;
        unsigned privs = a->privs ? a->privs : all;
        if ((privs & ~all) && t->seq && a->objkind == 't') {
            /* GRANT ... ON [TABLE] seq: PostgreSQL warns and keeps what applies */
            rc = sqlrun_notice(res, "!0LP01", err, "sequence \"%s\" only supports USAGE, SELECT, and UPDATE privileges",
                               t->name);
            privs &= all;
        } else if (privs & ~all) {
            rc = sqlerr_set(err, "0LP01", -1, "invalid privilege type %s for %s",
                            sqlpriv_name(__builtin_ctz(privs & ~all)), t->seq ? "sequence" : "relation");
            break;
        }
        uint32_t owner = sx_owner_of(s, t->id);
        if (!sx_has_privs_of(s, me, owner)) {
            rc = sqlerr_set(err, "42501", -1, "permission denied for %s %s", rel_kind_word(t), t->name);
            break;
        }
        rc = grant_one(s, t->id, a, privs, owner, err);
    }
    free(tabs);
    return rc;
}

static int grant_roles(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    bool grant = a->action == SQLAST_ROLE_GRANT_ROLE;
    for (int i = 0; i < a->nobjects; i++) {
        sqlrole granted;
        if (!sx_role_lookup(s, a->objects[i], &granted))
            return sqlerr_set(err, "42704", -1, "role \"%s\" does not exist", a->objects[i]);
        if (granted.oid == SQLROLE_BOOTSTRAP)
            return sqlerr_unsupported(err, -1, "membership in a users-file user");
        sqlrole me;
        current(s, &me);
        if (!(me.flags & SQLROLE_SUPER)) {
            if (granted.flags & SQLROLE_SUPER)
                return sqlerr_set(err, "42501", -1, "must be superuser to alter superusers");
            if (!(me.flags & SQLROLE_CREATEROLE))
                return sqlerr_set(err, "42501", -1, "must have admin option on role \"%s\"", granted.name);
        }
        for (int g = 0; g < a->nroles; g++) {
            sqlrole member;
            if (spec_role(s, a->roles[g], &member, err)) return SQL_ERR;
            if (grant && role_in_nosuper(s, granted.oid, member.oid, true))
                return sqlerr_set(err, "0LP01", -1, "role \"%s\" is a member of role \"%s\"", granted.name,
                                  member.name);
            uint8_t k[SQLROLE_KEY_MAX];
            size_t kl = sqlrole_member_key(k, granted.oid, member.oid);
            const uint8_t *v;
            size_t vl;
            uint64_t gen;
            bool was = false;
            if (sx_auth_get(s, k, kl, &v, &vl)) sqlrole_flag_decode(v, vl, 'M', &gen, &was, NULL);
            if (!grant && !was) continue; /* PostgreSQL: a WARNING; nothing to change */
            if (put_flag(s, 'M', k, kl, grant, 0, err)) return SQL_ERR;
        }
    }
    return SQL_OK;
}

static int owned_by(sx_session *s, const sqlast_role *a, sx_result *res, sqlerr *err)
{
    (void)res;
    sqlrole to;
    if (a->action == SQLAST_ROLE_REASSIGN && spec_role(s, a->newname, &to, err)) return SQL_ERR;
    const sqlschema_table **tabs;
    int nt;
    for (int i = 0; i < a->nroles; i++) {
        sqlrole r;
        if (spec_role(s, a->roles[i], &r, err)) return SQL_ERR;
        if (!role_in(s, sx_current_role(s), r.oid, true))
            return sqlerr_set(err, "42501", -1, "permission denied to %s objects", a->action == SQLAST_ROLE_REASSIGN ? "reassign" : "drop");
        if (sx_catalog_view(s, &tabs, &nt)) return sqlerr_oom(err);
        for (int j = 0; j < nt; j++) {
            const sqlschema_table *t = tabs[j];
            if (a->action == SQLAST_ROLE_REASSIGN) {
                if (sx_owner_of(s, t->id) == r.oid && put_owner(s, t->id, to.oid, err)) goto fail;
                continue;
            }
            if (sx_owner_of(s, t->id) == r.oid) {
                free(tabs);
                return sqlerr_unsupported(err, -1, "DROP OWNED of a role that owns tables (drop them, or REASSIGN OWNED)");
            }
            sqlast_role rv = {.action = SQLAST_ROLE_REVOKE, .roles = (char *[]){r.name}, .nroles = 1};
            for (int b = 0; b < SQLPRIV_NBITS; b++)
                if (acl_granted(s, t->id, r.oid, b) && grant_one(s, t->id, &rv, 1u << b, 0, err)) goto fail;
        }
        free(tabs);
        if (a->action == SQLAST_ROLE_DROP_OWNED) {
            sqlast_role rv = {.action = SQLAST_ROLE_REVOKE, .roles = (char *[]){r.name}, .nroles = 1};
            if (grant_one(s, SQLROLE_NSP_PUBLIC, &rv, SQLPRIV_CREATE, 0, err)) return SQL_ERR;
        }
    }
    return SQL_OK;
fail:
    free(tabs);
    return SQL_ERR;
}

int sqlrun_role(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    const sqlast_role *a = st->role;
    int rc;
    switch (a->action) {
    case SQLAST_ROLE_CREATE: rc = role_create(s, a, err); break;
    case SQLAST_ROLE_ALTER: rc = role_alter(s, a, err); break;
    case SQLAST_ROLE_RENAME: rc = role_rename(s, a, err); break;
    case SQLAST_ROLE_DROP: rc = role_drop(s, a, res, err); break;
    case SQLAST_ROLE_GRANT:
    case SQLAST_ROLE_REVOKE: rc = grant_objects(s, a, res, err); break;
    case SQLAST_ROLE_GRANT_ROLE:
    case SQLAST_ROLE_REVOKE_ROLE: rc = grant_roles(s, a, err); break;
    default: rc = owned_by(s, a, res, err); break;
    }
    if (rc) return SQL_ERR;
    snprintf(res->tag, sizeof res->tag, "%s", sqlast_stmt_tag(st));
    return SQL_OK;
}

/* ALTER TABLE / SEQUENCE / VIEW name OWNER TO role (what pg_dump writes after every CREATE) */
int sqlrun_owner(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    const sqlschema_table *t = sx_table_find(s, st->table);
    if (!t && st->missing_ok) {
        if (sqlrun_notice(res, "00000", err, "relation \"%s\" does not exist, skipping", st->table)) return SQL_ERR;
    } else if (!t) {
        return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", st->table);
    } else if ((st->is_sequence && !t->seq) || (st->is_view && !t->view_sql)) {
        return sqlerr_set(err, "42809", -1, "\"%s\" is not a %s", st->table, st->is_sequence ? "sequence" : "view");
    } else if (sx_owner_set(s, t, st->column, err)) {
        return SQL_ERR;
    }
    snprintf(res->tag, sizeof res->tag, "%s", sqlast_stmt_tag(st));
    return SQL_OK;
}

/* ---- SET ROLE / SET SESSION AUTHORIZATION ---------------------------------------------------- */

static bool login_super(sx_session *s)
{
    sqlrole r;
    return s->boot || (sx_role_lookup(s, s->user, &r) && (r.flags & SQLROLE_SUPER));
}

/* After the role changed: is_superuser follows the current role. */
int sx_role_refresh(sx_session *s, executor_sink *sink, sqlerr *err)
{
    return sqlguc_set_internal(s->guc, "is_superuser", sx_is_super(s) ? "on" : "off", sink, err);
}

int sx_set_role(sx_session *s, const sqlast_stmt *st, executor_sink *sink, sqlerr *err)
{
    bool sess = !strcasecmp(st->name, "session_authorization");
    const char *v = st->kind == SQLAST_SET ? st->value : NULL;
    int scope = st->set_local ? SQLGUC_LOCAL : SQLGUC_SESSION;
    if (sess) {
        if (!login_super(s) && v && strcmp(v, s->user))
            return sqlerr_set(err, "42501", -1, "permission denied to set session authorization");
        sqlrole r;
        if (v && !sx_role_lookup(s, v, &r)) return sqlerr_set(err, "22023", -1, "role \"%s\" does not exist", v);
        if (sqlguc_set_internal(s->guc, "session_authorization", v ? v : s->user, sink, err)) return SQL_ERR;
        if (sqlguc_set(s->guc, "role", NULL, 1, scope, sink, err)) return SQL_ERR; /* and RESET ROLE */
    } else {
        if (v && !strcasecmp(v, "none")) v = NULL;
        if (v) {
            sqlrole r, su;
            if (!sx_role_lookup(s, v, &r)) return sqlerr_set(err, "22023", -1, "role \"%s\" does not exist", v);
            uint32_t sid = sx_role_lookup(s, sx_session_user(s), &su) ? su.oid : 0xffffffffu;
            if (!role_in(s, sid, r.oid, true))
                return sqlerr_set(err, "42501", -1, "permission denied to set role \"%s\"", v);
        }
        if (sqlguc_set(s->guc, "role", v, 1, scope, sink, err)) return SQL_ERR;
    }
    return sx_role_refresh(s, sink, err);
}

/* ---- sessions ----------------------------------------------------------------------------- */

/* A role asked for at startup (options=-c role=x, PGOPTIONS): as SET ROLE checks it. */
static int startup_role(sx_session *s, sqlerr *err)
{
    const char *r = sqlguc_get(s->guc, "role", NULL);
    if (!r || !*r || !strcmp(r, "none")) return SQL_OK;
    char want[64];
    snprintf(want, sizeof want, "%s", r);
    if (sqlguc_set(s->guc, "role", NULL, 1, SQLGUC_SESSION, NULL, err)) return SQL_ERR;
    sqlast_stmt st = {.kind = SQLAST_SET, .name = "role", .value = want};
    return sx_set_role(s, &st, NULL, err);
}

int sx_role_login(sx_session *s, bool users_file, sqlerr *err)
{
    sqlrole r;
    s->boot = true; /* sx_role_lookup sees the login's own name as the bootstrap role */
    if (users_file) return startup_role(s, err);
    s->boot = false;
    if (!sx_role_lookup(s, s->user, &r)) {
        s->boot = true; /* trust (--dev): a name that is no role is the bootstrap superuser */
        return startup_role(s, err);
    }
    if (!(r.flags & SQLROLE_LOGIN))
        return sqlerr_set(err, "28000", -1, "role \"%s\" is not permitted to log in", r.name);
    if (!(r.flags & SQLROLE_SUPER) && s->x->superuser_reserved > 0) {
        /* sql.superuser_reserved_connections: the last slots of max_connections */
        int n = 0;
        for (sx_session *o = s->x->sessions; o; o = o->all_next) n++;
        if (n + 1 > s->x->max_connections - s->x->superuser_reserved)
            return sqlerr_set(err, "53300", -1,
                              "remaining connection slots are reserved for roles with the SUPERUSER attribute");
    }
    if (r.connlimit >= 0 && !(r.flags & SQLROLE_SUPER)) {
        int n = 0;
        for (sx_session *o = s->x->sessions; o; o = o->all_next)
            if (o != s && !o->boot && !strcmp(o->user, s->user)) n++;
        if (n >= r.connlimit)
            return sqlerr_set(err, "53300", -1, "too many connections for role \"%s\"", r.name);
    }
    return startup_role(s, err);
}

/* For authentication: the SCRAM secret of a role whose password has not expired (1), else 0. */
int sx_role_secret(sx_exec *x, const char *name, char *out, size_t cap)
{
    sx_session tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.x = x;
    sqlrole r;
    /* NOLOGIN is refused after authentication (28000 "not permitted to log in"), as PostgreSQL
     * does, so a wrong password never tells whether the role may log in */
    if (!sx_role_lookup(&tmp, name, &r) || !r.verifier[0]) return 0;
    if (r.flags & SQLROLE_HAS_VALID) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 >= r.valid_until) return 0;
    }
    if (strlen(r.verifier) >= cap) return 0;
    memcpy(out, r.verifier, strlen(r.verifier) + 1);
    return 1;
}
