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

/* Built by the first reader after a catalog change (auth_gen moves only under the exclusive
 * engine lock, so no reader of the old one is left); authmu guards the building and the memo
 * (readers under the shared lock run concurrently). */
static struct sx_authcache *cache_build(sx_session *s);

static struct sx_authcache *cache(sx_session *s)
{
    sx_exec *x = s->x;
    if (s->txn.nauth) return NULL;
    pthread_mutex_lock(&x->authmu);
    struct sx_authcache *c = cache_build(s);
    pthread_mutex_unlock(&x->authmu);
    return c;
}

static struct sx_authcache *cache_build(sx_session *s)
{
    sx_exec *x = s->x;
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
    if (c) {
        pthread_mutex_lock(&s->x->authmu);
        for (int i = 0; i < c->nmemo; i++)
            if (c->memo[i].role == role && c->memo[i].all == all) {
                *out = c->memo[i].v;
                *n = c->memo[i].n;
                pthread_mutex_unlock(&s->x->authmu);
                return 0;
            }
        pthread_mutex_unlock(&s->x->authmu);
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
    pthread_mutex_lock(&s->x->authmu);
    if (c && (c->nmemo < c->capmemo || c->capmemo < 4096)) {
        if (c->nmemo == c->capmemo) {
            int nc = c->capmemo ? c->capmemo * 2 : 16;
            closure *nmv = realloc(c->memo, (size_t)nc * sizeof *nmv);
            if (!nmv) {
                pthread_mutex_unlock(&s->x->authmu);
                *out = v, *n = k, *owned = true;
                return 0;
            }
            c->memo = nmv;
            c->capmemo = nc;
        }
        c->memo[c->nmemo++] = (closure){role, all, v, k};
        pthread_mutex_unlock(&s->x->authmu);
        *out = v, *n = k;
        return 0;
    }
    pthread_mutex_unlock(&s->x->authmu);
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

bool sx_member_of(sx_session *s, uint32_t member, uint32_t role)
{
    return role_in(s, member, role, true);
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

/* ---- acl items ----------------------------------------------------------------------------
 * PostgreSQL keeps an object's grants as aclitems (grantee, grantor, privileges, grant
 * options); here each (object or column, grantee, privilege, grantor) is one catalog entry
 * (sqlrole.h) whose level is 0 (revoked), 1 (granted) or 2 (granted with grant option). */

/* Every acl item of obj (its columns' too), the transaction's own writes included. */
static int acl_items(sx_session *s, uint32_t obj, sx_aclitem **out, int *n)
{
    *out = NULL;
    *n = 0;
    sx_aclitem *v = NULL;
    int nv = 0;
    static const int fam[] = {'A', 'G', 'C'};
    for (int f = 0; f < 3; f++) {
        uint8_t p[16];
        size_t pl = sqlrole_aclitem_prefix(p, fam[f], obj);
        sx_authkv *kv;
        int nk;
        if (sx_auth_list_bin(s, p, pl, &kv, &nk)) {
            free(v);
            return -1;
        }
        if (nk) {
            sx_aclitem *g = realloc(v, (size_t)(nv + nk) * sizeof *g);
            if (!g) {
                free(kv);
                free(v);
                return -1;
            }
            v = g;
        }
        for (int i = 0; i < nk; i++) {
            sx_aclitem it;
            uint32_t o;
            if (sqlrole_aclitem_parse(kv[i].k, kv[i].kl, &o, &it.col, &it.grantee, &it.bit, &it.grantor) ||
                o != obj || sqlrole_flag_level(kv[i].v, kv[i].vl, 'A', &it.gen, &it.level, NULL))
                continue;
            v[nv++] = it;
        }
        free(kv);
    }
    *out = v;
    *n = nv;
    return 0;
}

int sx_acl_items(sx_session *s, uint32_t obj, sx_aclitem **out, int *n)
{
    return acl_items(s, obj, out, n);
}

/* The level grantee holds on (col, bit) directly, from any grantor. Schema public's USAGE for
 * PUBLIC is PostgreSQL 15's default until an entry says otherwise. */
static int item_level(const sx_aclitem *v, int n, uint32_t obj, int col, uint32_t grantee, int bit)
{
    int best = 0;
    bool owner_entry = false;
    for (int i = 0; i < n; i++) {
        if (v[i].col != col || v[i].grantee != grantee || v[i].bit != bit) continue;
        if (!v[i].grantor) owner_entry = true;
        if (v[i].level > best) best = v[i].level;
    }
    if (!owner_entry && obj == SQLROLE_NSP_PUBLIC && grantee == SQLROLE_PUBLIC && bit == 7 && col < 0 && !best)
        best = 1;
    return best;
}

/* What grantee holds directly on obj's privilege bit: 1 granted, 0 not. */
static bool acl_granted(sx_session *s, uint32_t obj, uint32_t grantee, int bit)
{
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return false;
    bool g = item_level(v, n, obj, -1, grantee, bit) > 0;
    free(v);
    return g;
}

bool sx_acl_granted(sx_session *s, uint32_t obj, uint32_t grantee, int bit)
{
    return acl_granted(s, obj, grantee, bit);
}

/* The privilege bits (level >= want) role holds on obj or, col >= 0, on that column (a table
 * privilege counts for every column), itself, through PUBLIC (want 1) and the roles whose
 * privileges it has. Owners and superusers: everything. */
static unsigned held_mask(sx_session *s, uint32_t role, uint32_t obj, int col, int want,
                          const sx_aclitem *v, int n)
{
    if (role_is_super(s, role) || sx_has_privs_of(s, role, sx_owner_of(s, obj))) return ~0u;
    const uint32_t *rv;
    int nr;
    bool owned;
    if (role_closure(s, role, false, &rv, &nr, &owned)) return 0;
    unsigned m = 0;
    for (int bit = 0; bit < SQLPRIV_NBITS; bit++) {
        bool any = want == 1 && (item_level(v, n, obj, -1, SQLROLE_PUBLIC, bit) >= 1 ||
                                 (col >= 0 && item_level(v, n, obj, col, SQLROLE_PUBLIC, bit) >= 1));
        for (int i = 0; i < nr && !any; i++)
            any = item_level(v, n, obj, -1, rv[i], bit) >= want ||
                  (col >= 0 && item_level(v, n, obj, col, rv[i], bit) >= want);
        if (any) m |= 1u << bit;
    }
    if (owned) free((void *)rv);
    return m;
}

/* Whether role has every privilege of mask on obj. */
bool sx_priv_has(sx_session *s, uint32_t role, uint32_t obj, unsigned mask)
{
    if (role_is_super(s, role) || sx_has_privs_of(s, role, sx_owner_of(s, obj))) return true;
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return false;
    bool ok = (held_mask(s, role, obj, -1, 1, v, n) & mask) == mask;
    free(v);
    return ok;
}

/* The same for a column (its own grants or the table's). */
bool sx_col_priv_has(sx_session *s, uint32_t role, uint32_t obj, int col, unsigned mask)
{
    if (role_is_super(s, role) || sx_has_privs_of(s, role, sx_owner_of(s, obj))) return true;
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return false;
    bool ok = (held_mask(s, role, obj, col, 1, v, n) & mask) == mask;
    free(v);
    return ok;
}

/* Whether role holds bit on some column of obj (column grants only). */
bool sx_any_col_priv(sx_session *s, uint32_t role, uint32_t obj, int bit)
{
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return false;
    const uint32_t *rv;
    int nr;
    bool owned, any = false;
    if (role_closure(s, role, false, &rv, &nr, &owned)) {
        free(v);
        return false;
    }
    for (int i = 0; i < n && !any; i++) {
        if (v[i].col < 0 || v[i].bit != bit || v[i].level < 1) continue;
        any = v[i].grantee == SQLROLE_PUBLIC;
        for (int k = 0; k < nr && !any; k++) any = v[i].grantee == rv[k];
    }
    if (owned) free((void *)rv);
    free(v);
    return any;
}

/* Whether role may pass every privilege of mask on: it holds them with grant option (owners
 * and superusers always do). */
bool sx_priv_grantable(sx_session *s, uint32_t role, uint32_t obj, int col, unsigned mask)
{
    if (role_is_super(s, role) || sx_has_privs_of(s, role, sx_owner_of(s, obj))) return true;
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return false;
    bool ok = (held_mask(s, role, obj, col, 2, v, n) & mask) == mask;
    free(v);
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

static int put_flag(sx_session *s, char kind, const uint8_t *k, size_t kl, int level,
                    uint32_t grantor, sqlerr *err);
static int item_put(sx_session *s, uint32_t obj, int col, uint32_t grantee, int bit, uint32_t grantor,
                    int level, uint32_t owner, sqlerr *err);

int sx_owner_put(sx_session *s, uint32_t obj, uint32_t owner, sqlerr *err)
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
    const char *comment; /* its control file's, which CREATE EXTENSION sets */
} known_ext[] = {
    {"plpgsql", "1.0", 13559, 11, false, "PL/pgSQL procedural language"},
    {"heliosdb", HELIOS_VERSION, 9898, 9900, false, "HeliosDB admin views and functions"}, /* sqlcatalog.c OID_HELIOS_EXT */
    {"uuid-ossp", "1.1", 0, SQLROLE_NSP_PUBLIC, true, "generate universally unique identifiers (UUIDs)"},
};

static int ext_find(const char *name)
{
    for (size_t i = 0; i < sizeof known_ext / sizeof known_ext[0]; i++)
        if (!strcmp(known_ext[i].name, name)) return (int)i;
    return -1;
}

/* The installed entry of an installable extension: 1 (oid, owner and, if asked for, the
 * comment set: borrowed, cl bytes), 0 not installed */
static int ext_entry_c(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner,
                       const uint8_t **comment, size_t *cl)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_ext_key(k, name);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    bool on = false;
    if (!sx_auth_get(s, k, kl, &v, &vl) || sqlrole_ext_decode(v, vl, &gen, &on, oid, owner, comment, cl))
        return 0;
    return on;
}

static int ext_entry(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner)
{
    return ext_entry_c(s, name, oid, owner, NULL, NULL);
}

int sx_extension_comment(sx_session *s, const char *name, char **out)
{
    uint32_t oid, owner;
    const uint8_t *c = NULL;
    size_t cl = 0;
    *out = NULL;
    int i = ext_find(name);
    if (i >= 0 && known_ext[i].oid) return (*out = strdup(known_ext[i].comment)) ? 0 : -1;
    if (!ext_entry_c(s, name, &oid, &owner, &c, &cl) || !cl) return 0;
    return (*out = strndup((const char *)c, cl)) ? 0 : -1;
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

static int ext_put(sx_session *s, const char *name, bool on, uint32_t oid, uint32_t owner,
                   const char *comment, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_ext_key(k, name);
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_ext_encode(&b, sx_hlc_now(s), on, oid, owner, comment);
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
        return ext_put(s, st->name, true, oid, sx_current_role(s), known_ext[i].comment, err);
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
        if (ext_put(s, st->names[n], false, oid, owner, NULL, err)) return SQL_ERR;
    }
    return SQL_OK;
}

int sqlrun_extension_comment(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err)
{
    snprintf(res->tag, sizeof res->tag, "COMMENT");
    int i = ext_find(st->name);
    uint32_t oid = 0, owner = 0;
    if (i >= 0 && known_ext[i].oid) return sqlerr_unsupported(err, -1, "COMMENT ON a built-in extension (plpgsql, heliosdb)");
    if (i < 0 || !ext_entry(s, st->name, &oid, &owner))
        return sqlerr_set(err, "42704", -1, "extension \"%s\" does not exist", st->name);
    if (!sx_has_privs_of(s, sx_current_role(s), owner))
        return sqlerr_set(err, "42501", -1, "must be owner of extension %s", st->name);
    return ext_put(s, st->name, true, oid, owner, st->comment && *st->comment ? st->comment : NULL, err);
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
    if (sx_owner_of(s, t->id) != nr.oid && sx_owner_put(s, t->id, nr.oid, err)) return SQL_ERR;
    if (t->seq || t->view_sql) return SQL_OK;
    /* as PostgreSQL: the sequences of its serial and identity columns follow the table */
    const sqlschema_table **tabs;
    int n;
    if (sx_catalog_view(s, &tabs, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++)
        if (tabs[i]->seq && tabs[i]->seq->owner_table == t->id && sx_owner_of(s, tabs[i]->id) != nr.oid)
            rc = sx_owner_put(s, tabs[i]->id, nr.oid, err);
    free(tabs);
    return rc;
}

int sx_auth_move(sx_session *s, uint32_t old_id, uint32_t new_id, sqlerr *err)
{
    if (old_id == new_id) return SQL_OK;
    uint32_t owner = sx_owner_of(s, old_id);
    if (owner != SQLROLE_BOOTSTRAP && sx_owner_put(s, new_id, owner, err)) return SQL_ERR;
    sx_aclitem *v;
    int n;
    if (acl_items(s, old_id, &v, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++)
        if (v[i].level > 0)
            rc = item_put(s, new_id, v[i].col, v[i].grantee, v[i].bit, v[i].grantor, v[i].level, owner, err);
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
        uint32_t nsp;
        return sx_creation_nsp(s, st->table, &nsp, err);
    }
    case SQLAST_CREATE_TABLE:
    case SQLAST_CREATE_SEQUENCE: {
        uint32_t nsp;
        if (sx_creation_nsp(s, st->table, &nsp, err)) {
            if (st->table_loc) err->position = st->table_loc;
            return SQL_ERR;
        }
        return SQL_OK;
    }
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
            const char *name = sqlast_relname(st->kind == SQLAST_DROP_INDEX ? st->names[k] : st->table);
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
        if (owner != SQLROLE_BOOTSTRAP && sx_owner_put(s, t->id, owner, err)) return SQL_ERR;
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
            rc = sx_owner_put(s, tabs[i]->id, owner, err);
    }
    /* a new table's own sequences get the owner's sequence defaults */
    for (int i = 0; i < n && rc == SQL_OK && !column_stmt; i++)
        if (tabs[i]->seq && tabs[i]->seq->owner_table == t->id)
            rc = apply_defaults(s, tabs[i]->id, owner, 'S', err);
    free(tabs);
    return rc;
}

/* DML: the privileges a write needs on its target, PostgreSQL's: INSERT on the table or on each
 * column given a value, UPDATE on the table or on each column SET (ON CONFLICT DO UPDATE's
 * too), DELETE on the table, and SELECT on the table or on each column an expression reads
 * (WHERE, SET, RETURNING). */
static int col_check(sx_session *s, uint32_t me, const sqlschema_table *t, int ci, unsigned priv, sqlerr *err)
{
    if (ci < 0 || ci >= t->ncols || sx_col_priv_has(s, me, t->id, t->cols[ci].id, priv)) return SQL_OK;
    return sqlerr_set(err, "42501", -1, "permission denied for %s %s", rel_kind_word(t), t->name);
}

int sx_dml_check(sx_session *s, const sx_plan *p, const sqlschema_table *t, sqlerr *err)
{
    const sqlast_stmt *st = p->st;
    uint32_t me = sx_current_role(s);
    if (sx_priv_has(s, me, t->id, SQLPRIV_TABLE_ALL)) return SQL_OK; /* owners, superusers */
    switch (st->kind) {
    case SQLAST_INSERT:
        if (!sx_priv_has(s, me, t->id, SQLPRIV_INSERT))
            for (int i = 0; i < p->ninsert; i++)
                if (col_check(s, me, t, p->insert_map[i], SQLPRIV_INSERT, err)) return SQL_ERR;
        if (st->nconflict_set && !sx_priv_has(s, me, t->id, SQLPRIV_UPDATE))
            for (int i = 0; i < st->nconflict_set; i++)
                if (col_check(s, me, t, sqlschema_find_column(t, st->conflict_set[i].name), SQLPRIV_UPDATE, err))
                    return SQL_ERR;
        break;
    case SQLAST_UPDATE:
        if (!sx_priv_has(s, me, t->id, SQLPRIV_UPDATE))
            for (int i = 0; i < st->nset; i++)
                if (col_check(s, me, t, sqlschema_find_column(t, st->set[i].name), SQLPRIV_UPDATE, err))
                    return SQL_ERR;
        break;
    case SQLAST_DELETE:
        if (sx_priv_check(s, t, SQLPRIV_DELETE, err)) return SQL_ERR;
        break;
    default: return SQL_OK;
    }
    if (p->reads && !sx_priv_has(s, me, t->id, SQLPRIV_SELECT))
        for (int i = 0; i < t->ncols; i++)
            if (p->reads[i] && col_check(s, me, t, i, SQLPRIV_SELECT, err)) return SQL_ERR;
    return SQL_OK;
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

static int put_flag(sx_session *s, char kind, const uint8_t *k, size_t kl, int level,
                    uint32_t grantor, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_flag_encode(&b, kind, sx_hlc_now(s), level, grantor);
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
    /* the catalog view is in id order, which is creation order within a region; the schemas
     * (their oids from the same allocator) in their places */
    sx_schema *nsps = NULL;
    int nn = 0, ni = 0;
    if (sx_schemas(s, &nsps, &nn)) {
        free(tabs);
        return sqlerr_oom(err);
    }
    for (int i = 0; i <= nt; i++) {
        for (; ni < nn && (i == nt || nsps[ni].oid < tabs[i]->id); ni++) {
            if (sx_nsp_builtin(nsps[ni].oid)) continue;
            bool own = nsps[ni].owner == r->oid, priv = false;
            sx_aclitem *v = NULL;
            int n = 0;
            if (acl_items(s, nsps[ni].oid, &v, &n)) {
                free(nsps);
                free(tabs);
                return sqlerr_oom(err);
            }
            for (int k = 0; k < n && !priv; k++)
                priv = v[k].level > 0 && (v[k].grantee == r->oid || v[k].grantor == r->oid);
            free(v);
            if ((own || priv) && o < sizeof detail)
                o += (size_t)snprintf(detail + o, sizeof detail - o, "%s%s schema %s", count ? "\n" : "",
                                      own ? "owner of" : "privileges for", nsps[ni].name);
            count += own || priv;
        }
        if (i == nt) break;
        bool own = sx_owner_of(s, tabs[i]->id) == r->oid, priv = false;
        sx_aclitem *v = NULL;
        int n = 0;
        if (acl_items(s, tabs[i]->id, &v, &n)) {
            free(tabs);
            return sqlerr_oom(err);
        }
        /* a grant it holds, or one it made */
        for (int k = 0; k < n && !priv; k++)
            priv = v[k].col < 0 && v[k].level > 0 && (v[k].grantee == r->oid || v[k].grantor == r->oid);
        if ((own || priv) && o < sizeof detail)
            o += (size_t)snprintf(detail + o, sizeof detail - o, "%s%s %s %s", count ? "\n" : "",
                                  own ? "owner of" : "privileges for", rel_kind_word(tabs[i]), tabs[i]->name);
        count += own || priv;
        for (int c = 0; c < tabs[i]->ncols && !own; c++) {
            bool cp = false;
            for (int k = 0; k < n && !cp; k++)
                cp = v[k].col == tabs[i]->cols[c].id && v[k].level > 0 &&
                     (v[k].grantee == r->oid || v[k].grantor == r->oid);
            if (!cp) continue;
            if (o < sizeof detail)
                o += (size_t)snprintf(detail + o, sizeof detail - o, "%sprivileges for column %s of %s %s",
                                      count ? "\n" : "", tabs[i]->cols[c].name, rel_kind_word(tabs[i]),
                                      tabs[i]->name);
            count++;
        }
        free(v);
    }
    free(nsps);
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

static int item_put(sx_session *s, uint32_t obj, int col, uint32_t grantee, int bit, uint32_t grantor,
                    int level, uint32_t owner, sqlerr *err)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_aclitem_key(k, obj, col, grantee, bit, grantor);
    return put_flag(s, 'A', k, kl, level, grantor ? grantor : owner, err);
}

/* The level of one item (0: none). */
static int item_get(sx_session *s, uint32_t obj, int col, uint32_t grantee, int bit, uint32_t grantor,
                    bool *exists)
{
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_aclitem_key(k, obj, col, grantee, bit, grantor);
    const uint8_t *v;
    size_t vl;
    uint64_t gen;
    int level = 0;
    *exists = sx_auth_get(s, k, kl, &v, &vl) && !sqlrole_flag_level(v, vl, 'A', &gen, &level, NULL);
    return *exists ? level : 0;
}

/* PostgreSQL's recursive_revoke: g lost the grant option of bit on (obj, col); what it passed on
 * with it goes too (CASCADE) or the statement fails (RESTRICT) unless g still holds the option
 * another way. */
static int revoke_dependents(sx_session *s, uint32_t obj, int col, uint32_t g, int bit, bool cascade,
                             uint32_t owner, int depth, sqlerr *err)
{
    if (g == owner || g == SQLROLE_PUBLIC) return SQL_OK;
    if (depth > 64) return sqlerr_set(err, "54001", -1, "grant chain too deep");
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return sqlerr_oom(err);
    const uint32_t *rv;
    int nr;
    bool owned, still = false;
    if (role_closure(s, g, false, &rv, &nr, &owned)) {
        free(v);
        return sqlerr_oom(err);
    }
    for (int i = 0; i < nr && !still; i++)
        still = item_level(v, n, obj, -1, rv[i], bit) >= 2 || (col >= 0 && item_level(v, n, obj, col, rv[i], bit) >= 2);
    if (owned) free((void *)rv);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK && !still; i++) {
        /* a table-level loss also takes the column grants made with it */
        if (v[i].grantor != g || v[i].bit != bit || v[i].level < 1 || (col >= 0 && v[i].col != col)) continue;
        if (!cascade) {
            rc = sqlerr_set(err, "2BP01", -1, "dependent privileges exist");
            sqlerr_hint(err, "Use CASCADE to revoke them too.");
            break;
        }
        rc = item_put(s, obj, v[i].col, v[i].grantee, bit, g, 0, owner, err);
        if (rc == SQL_OK && v[i].level >= 2)
            rc = revoke_dependents(s, obj, v[i].col, v[i].grantee, bit, cascade, owner, depth + 1, err);
    }
    free(v);
    return rc;
}

/* One item's GRANT (level 1, or 2 WITH GRANT OPTION; never lowering what is held) or REVOKE
 * (all of it, or only its grant option). */
static int item_change(sx_session *s, const sqlast_role *a, uint32_t obj, int col, uint32_t to, int bit,
                       uint32_t grantor, uint32_t owner, sqlerr *err)
{
    bool grant = a->action == SQLAST_ROLE_GRANT, exists;
    int cur = item_get(s, obj, col, to, bit, grantor, &exists);
    if (grant) {
        int want = a->grant_option ? 2 : 1;
        /* nothing to write for PUBLIC's default USAGE on schema public; an existing entry is
         * rewritten (a re-grant is a later write) */
        if (!exists && col < 0 && !grantor && acl_granted(s, obj, to, bit) && want == 1) return SQL_OK;
        return item_put(s, obj, col, to, bit, grantor, cur > want ? cur : want, owner, err);
    }
    if (!cur) {
        /* the default PUBLIC USAGE on schema public is revoked by writing its entry */
        if (!exists && obj == SQLROLE_NSP_PUBLIC && col < 0 && !grantor && acl_granted(s, obj, to, bit) &&
            !a->grant_option)
            return item_put(s, obj, col, to, bit, grantor, 0, owner, err);
        return SQL_OK;
    }
    int nl = a->grant_option ? (cur > 1 ? 1 : cur) : 0;
    if (nl == cur) return SQL_OK;
    if (item_put(s, obj, col, to, bit, grantor, nl, owner, err)) return SQL_ERR;
    return cur >= 2 ? revoke_dependents(s, obj, col, to, bit, a->cascade, owner, 0, err) : SQL_OK;
}

static int popcount(unsigned m)
{
    return __builtin_popcount(m);
}

/* GRANT / REVOKE on one object, and on its columns (cols / colids / colprivs, PostgreSQL's
 * ExecGrant_Relation): the owner (and superusers) grant as the owner; anyone else as the role
 * among its own whose grant options cover the most of what is asked (select_best_grantor),
 * only what that role may pass on, with PostgreSQL's warnings. */
static int grant_on(sx_session *s, const sqlast_role *a, uint32_t obj, const sqlschema_table *t,
                    const char *kind, const char *name, unsigned privs, const int *colids, sx_result *res,
                    sqlerr *err)
{
    bool grant = a->action == SQLAST_ROLE_GRANT;
    uint32_t me = sx_current_role(s), owner = sx_owner_of(s, obj), grantor = 0;
    unsigned avail = ~0u;
    unsigned colneed = 0;
    for (int c = 0; c < a->ncols; c++) colneed |= a->colprivs[c];
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return sqlerr_oom(err);
    if (!(role_is_super(s, me) || sx_has_privs_of(s, me, owner))) {
        const uint32_t *rv;
        int nr;
        bool owned;
        if (role_closure(s, me, false, &rv, &nr, &owned)) {
            free(v);
            return sqlerr_oom(err);
        }
        unsigned need = privs | colneed, best = 0;
        int bi = 0;
        for (int i = 0; i < nr; i++) {
            unsigned m = 0;
            for (int bit = 0; bit < SQLPRIV_NBITS; bit++)
                if (item_level(v, n, obj, -1, rv[i], bit) >= 2) m |= 1u << bit;
            if (i == 0 || popcount(m & need) > popcount(best & need)) best = m, bi = i;
            if ((m & need) == need) break;
        }
        grantor = rv[bi];
        if (owned) free((void *)rv);
        avail = best;
        bool any_go = (avail & need) != 0;
        for (int i = 0; i < n && !any_go; i++)
            any_go = v[i].col >= 0 && v[i].grantee == grantor && v[i].level >= 2 && (colneed & (1u << v[i].bit));
        if (!any_go && !held_mask(s, me, obj, -1, 1, v, n)) {
            bool anycol = false;
            for (int bit = 0; bit < SQLPRIV_NBITS && !anycol; bit++) anycol = sx_any_col_priv(s, me, obj, bit);
            if (!anycol) {
                free(v);
                return sqlerr_set(err, "42501", -1, "permission denied for %s %s", kind, name);
            }
        }
    }
    int rc = SQL_OK;
    if (a->table_privs && grantor) {
        unsigned this = privs & avail;
        const char *what = grant ? "were granted" : "could be revoked";
        if (!this)
            rc = sqlrun_notice(res, grant ? "!01007" : "!01006", err, "no privileges %s for \"%s\"", what, name);
        else if (!a->all_privs && this != privs)
            rc = sqlrun_notice(res, grant ? "!01007" : "!01006", err, "not all privileges %s for \"%s\"", what, name);
    }
    /* a REVOKE on a table revokes on its columns too: PostgreSQL warns for each column
     * (its system columns first) where the revoker may not */
    const unsigned colbits = SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES;
    if (!grant && a->table_privs && grantor && t && !t->seq && (privs & colbits)) {
        static const char *const sys[] = {"tableoid", "cmax", "xmax", "cmin", "xmin", "ctid"};
        int nsys = t->view_sql ? 0 : 6;
        for (int c = 0; c < nsys + t->ncols && rc == SQL_OK; c++) {
            if (c >= nsys && t->cols[c - nsys].hidden) continue;
            unsigned ca = avail;
            if (c >= nsys)
                for (int bit = 0; bit < SQLPRIV_NBITS; bit++)
                    if (item_level(v, n, obj, t->cols[c - nsys].id, grantor, bit) >= 2) ca |= 1u << bit;
            unsigned want = privs & colbits, got = want & ca;
            const char *cn = c < nsys ? sys[c] : t->cols[c - nsys].name;
            if (!got)
                rc = sqlrun_notice(res, "!01006", err, "no privileges could be revoked for column \"%s\" of relation \"%s\"",
                                   cn, name);
            else if (!a->all_privs && got != want)
                rc = sqlrun_notice(res, "!01006", err,
                                   "not all privileges could be revoked for column \"%s\" of relation \"%s\"", cn, name);
        }
    }
    unsigned tprivs = a->table_privs ? privs & avail : 0;
    /* the columns: what the grantor may pass on for each */
    unsigned *cmask = a->ncols ? calloc((size_t)a->ncols, sizeof *cmask) : NULL;
    if (a->ncols && !cmask) rc = sqlerr_oom(err);
    for (int c = 0; c < a->ncols && rc == SQL_OK; c++) {
        unsigned ca = avail;
        if (grantor)
            for (int bit = 0; bit < SQLPRIV_NBITS; bit++)
                if (item_level(v, n, obj, colids[c], grantor, bit) >= 2) ca |= 1u << bit;
        cmask[c] = a->colprivs[c] & ca;
        if (grantor && !cmask[c] && !(held_mask(s, me, obj, colids[c], 1, v, n) & SQLPRIV_TABLE_ALL))
            rc = sqlerr_set(err, "42501", -1, "permission denied for column \"%s\" of relation \"%s\"",
                            a->cols[c], name);
        else if (grantor && !cmask[c])
            rc = sqlrun_notice(res, grant ? "!01007" : "!01006", err,
                               "no privileges %s for column \"%s\" of relation \"%s\"",
                               grant ? "were granted" : "could be revoked", a->cols[c], name);
        else if (grantor && !a->all_privs && cmask[c] != a->colprivs[c])
            rc = sqlrun_notice(res, grant ? "!01007" : "!01006", err,
                               "not all privileges %s for column \"%s\" of relation \"%s\"",
                               grant ? "were granted" : "could be revoked", a->cols[c], name);
    }
    for (int g = 0; g < a->nroles && rc == SQL_OK; g++) {
        uint32_t to = SQLROLE_PUBLIC;
        if (*a->roles[g]) {
            sqlrole r;
            if (spec_role(s, a->roles[g], &r, err)) {
                rc = SQL_ERR;
                break;
            }
            to = r.oid;
        }
        for (int bit = 0; bit < SQLPRIV_NBITS && rc == SQL_OK; bit++) {
            if (!(tprivs & (1u << bit))) continue;
            rc = item_change(s, a, obj, -1, to, bit, grantor, owner, err);
            /* a REVOKE on the table also revokes the same privileges on its columns */
            for (int i = 0; i < n && rc == SQL_OK && !grant; i++)
                if (v[i].col >= 0 && v[i].grantee == to && v[i].grantor == grantor && v[i].bit == bit &&
                    v[i].level > 0)
                    rc = item_change(s, a, obj, v[i].col, to, bit, grantor, owner, err);
        }
        for (int c = 0; c < a->ncols && rc == SQL_OK; c++)
            for (int bit = 0; bit < SQLPRIV_NBITS && rc == SQL_OK; bit++)
                if (cmask[c] & (1u << bit)) rc = item_change(s, a, obj, colids[c], to, bit, grantor, owner, err);
    }
    free(cmask);
    free(v);
    return rc;
}

/* Revokes every privilege role holds on obj from any grantor, with what it passed on
 * (DROP OWNED BY). */
static int revoke_all_of(sx_session *s, uint32_t obj, uint32_t role, sqlerr *err)
{
    sx_aclitem *v;
    int n;
    if (acl_items(s, obj, &v, &n)) return sqlerr_oom(err);
    uint32_t owner = sx_owner_of(s, obj);
    int rc = SQL_OK;
    for (int i = 0; i < n && rc == SQL_OK; i++) {
        if (v[i].grantee != role || v[i].level < 1) continue;
        rc = item_put(s, obj, v[i].col, role, v[i].bit, v[i].grantor, 0, owner, err);
        if (rc == SQL_OK && v[i].level >= 2)
            rc = revoke_dependents(s, obj, v[i].col, role, v[i].bit, true, owner, 0, err);
    }
    free(v);
    return rc;
}

/* ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA public] GRANT|REVOKE ... ON TABLES|SEQUENCES */
static int default_privs(sx_session *s, const sqlast_role *a, sqlerr *err)
{
    uint32_t me = sx_current_role(s);
    bool grant = a->action == SQLAST_ROLE_GRANT;
    if (a->grant_option) return sqlerr_unsupported(err, -1, "GRANT OPTION in default privileges");
    if (a->ncols) return sqlerr_unsupported(err, -1, "column privileges in default privileges");
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
    if (a->objkind == 'D') return default_privs(s, a, err);
    if (a->action == SQLAST_ROLE_GRANT && a->grant_option)
        for (int g = 0; g < a->nroles; g++)
            if (!*a->roles[g]) return sqlerr_set(err, "0LP01", -1, "grant options can only be granted to roles");
    const unsigned colall = SQLPRIV_SELECT | SQLPRIV_INSERT | SQLPRIV_UPDATE | SQLPRIV_REFERENCES;
    for (int c = 0; c < a->ncols; c++)
        if (a->colprivs[c] & ~colall)
            return sqlerr_set(err, "0LP01", -1, "invalid privilege type %s for column",
                              sqlpriv_name(__builtin_ctz(a->colprivs[c] & ~colall)));
    if (a->objkind == 'n') {
        for (int i = 0; i < a->nobjects; i++) {
            sx_schema e;
            if (!sx_schema_by_name(s, a->objects[i], &e))
                return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", a->objects[i]);
            if (e.oid != SQLROLE_NSP_PUBLIC && sx_nsp_builtin(e.oid))
                return sqlerr_unsupported(err, -1, "GRANT or REVOKE on a built-in schema other than public");
            unsigned privs = a->privs ? a->privs : SQLPRIV_SCHEMA_ALL;
            if (privs & ~SQLPRIV_SCHEMA_ALL)
                return sqlerr_set(err, "0LP01", -1, "invalid privilege type %s for schema",
                                  sqlpriv_name(__builtin_ctz(privs & ~SQLPRIV_SCHEMA_ALL)));
            if (grant_on(s, a, e.oid, NULL, "schema", e.name, privs, NULL, res, err)) return SQL_ERR;
        }
        return SQL_OK;
    }
    const sqlschema_table **tabs = NULL;
    int nt = 0;
    uint32_t in_nsps[16];
    int nin = 0;
    if (a->objkind == 'A') { /* ALL TABLES IN SCHEMA s, ...: the tables and views of those */
        for (int i = 0; i < a->nobjects; i++) {
            sx_schema e;
            if (!sx_schema_by_name(s, a->objects[i], &e))
                return sqlerr_set(err, "3F000", -1, "schema \"%s\" does not exist", a->objects[i]);
            if (nin < 16) in_nsps[nin++] = e.oid;
        }
        if (sx_catalog_view(s, &tabs, &nt)) return sqlerr_oom(err);
        int k = 0;
        for (int i = 0; i < nt; i++) {
            bool in = false;
            for (int j = 0; j < nin; j++) in |= sx_table_nsp(s, tabs[i]) == in_nsps[j];
            if (in) tabs[k++] = tabs[i];
        }
        nt = k;
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
        unsigned privs = a->privs ? a->privs : a->table_privs ? all : 0;
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
        int *colids = a->ncols ? calloc((size_t)a->ncols, sizeof *colids) : NULL;
        if (a->ncols && !colids) {
            rc = sqlerr_oom(err);
            break;
        }
        if (a->ncols && t->seq)
            rc = sqlerr_unsupported(err, -1, "column privileges on a sequence");
        for (int c = 0; c < a->ncols && rc == SQL_OK; c++) {
            int ci = sqlschema_find_column(t, a->cols[c]);
            if (ci < 0 || t->cols[ci].hidden)
                rc = sqlerr_set(err, "42703", -1, "column \"%s\" of relation \"%s\" does not exist", a->cols[c],
                                t->name);
            else
                colids[c] = t->cols[ci].id;
        }
        if (rc == SQL_OK) rc = grant_on(s, a, t->id, t, rel_kind_word(t), t->name, privs, colids, res, err);
        free(colids);
    }
    free(tabs);
    return rc;
}

/* Whether role holds `role` WITH ADMIN OPTION, directly or through a role it belongs to
 * (PostgreSQL 15's is_admin_of_role). */
static bool admin_of(sx_session *s, uint32_t member, uint32_t role)
{
    const uint32_t *rv;
    int nr;
    bool owned, adm = false;
    if (role_closure(s, member, true, &rv, &nr, &owned)) return false;
    for (int i = 0; i < nr && !adm; i++) {
        uint8_t k[SQLROLE_KEY_MAX];
        size_t kl = sqlrole_member_key(k, role, rv[i]);
        const uint8_t *v;
        size_t vl;
        uint64_t gen;
        int level = 0;
        adm = sx_auth_get(s, k, kl, &v, &vl) && !sqlrole_flag_level(v, vl, 'M', &gen, &level, NULL) && level >= 2;
    }
    if (owned) free((void *)rv);
    return adm;
}

bool sx_admin_of(sx_session *s, uint32_t member, uint32_t role)
{
    return role_is_super(s, member) || admin_of(s, member, role);
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
            if (!(me.flags & SQLROLE_CREATEROLE) && !admin_of(s, me.oid, granted.oid))
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
            int was = 0;
            if (sx_auth_get(s, k, kl, &v, &vl)) sqlrole_flag_level(v, vl, 'M', &gen, &was, NULL);
            int level;
            if (grant) {
                level = a->grant_option ? 2 : 1;
                if (was > level) level = was; /* a plain GRANT keeps the admin option */
            } else {
                if (!was) continue; /* PostgreSQL: a WARNING; nothing to change */
                level = a->grant_option ? 1 : 0; /* REVOKE ADMIN OPTION FOR: stays a member */
                if (level == was) continue;
            }
            if (put_flag(s, 'M', k, kl, level, me.oid, err)) return SQL_ERR;
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
        sx_schema *nsps;
        int nn;
        if (sx_schemas(s, &nsps, &nn)) return sqlerr_oom(err);
        for (int j = 0; j < nn; j++) { /* its schemas: given to the new owner, or refused */
            if (sx_nsp_builtin(nsps[j].oid)) continue;
            int rc = SQL_OK;
            if (nsps[j].owner == r.oid) {
                if (a->action == SQLAST_ROLE_REASSIGN) rc = sx_owner_put(s, nsps[j].oid, to.oid, err);
                else rc = sqlerr_unsupported(err, -1, "DROP OWNED of a role that owns schemas (drop them, or REASSIGN OWNED)");
            } else if (a->action == SQLAST_ROLE_DROP_OWNED) {
                rc = revoke_all_of(s, nsps[j].oid, r.oid, err);
            }
            if (rc) {
                free(nsps);
                return SQL_ERR;
            }
        }
        free(nsps);
        if (sx_catalog_view(s, &tabs, &nt)) return sqlerr_oom(err);
        for (int j = 0; j < nt; j++) {
            const sqlschema_table *t = tabs[j];
            if (a->action == SQLAST_ROLE_REASSIGN) {
                if (sx_owner_of(s, t->id) == r.oid && sx_owner_put(s, t->id, to.oid, err)) goto fail;
                continue;
            }
            if (sx_owner_of(s, t->id) == r.oid) {
                free(tabs);
                return sqlerr_unsupported(err, -1, "DROP OWNED of a role that owns tables (drop them, or REASSIGN OWNED)");
            }
            if (revoke_all_of(s, t->id, r.oid, err)) goto fail;
        }
        free(tabs);
        if (a->action == SQLAST_ROLE_DROP_OWNED) {
            if (revoke_all_of(s, SQLROLE_NSP_PUBLIC, r.oid, err)) return SQL_ERR;
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
