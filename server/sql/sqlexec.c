/*
 * server/sql/sqlexec.c — the SQL executor: executor ops, sessions, transactions and commits.
 * Statement execution (reads and writes of rows) lives in sqlrun.c. See sqlexec.h.
 *
 * Index:
 *   catalog        load at start, lookup through a transaction's pending changes
 *   commit         reserve seq, replay ops, submit, complete on the loop (on_async)
 *   simple query   statement loop with implicit transactions, resumable after PENDING
 *   extended       prepare / bind / execute / sync, delegating non-table statements
 *   ops            the executor_ops table, sqlexec_new
 */
#include "server/log.h"
#include "server/metrics.h"
#include "server/sql/sqlexec.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqlfunc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <time.h>

#include "proto/pgtypes.h"
#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlguc.h"
#include "server/sql/sqlrole.h"
#include "server/sql/sqlenum.h"
#include "server/sql/sqlcatalog.h"
#include "storage/logentry.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static int to_exec_err(executor_error *e, const sqlerr *se)
{
    memset(e, 0, sizeof *e);
    snprintf(e->code, sizeof e->code, "%s", se->code[0] ? se->code : "XX000");
    snprintf(e->message, sizeof e->message, "%s", se->message);
    snprintf(e->detail, sizeof e->detail, "%s", se->detail);
    snprintf(e->hint, sizeof e->hint, "%s", se->hint);
    e->position = se->position;
    snprintf(e->schema, sizeof e->schema, "%s", se->schema);
    snprintf(e->table, sizeof e->table, "%s", se->table);
    snprintf(e->column, sizeof e->column, "%s", se->column);
    snprintf(e->constraint, sizeof e->constraint, "%s", se->constraint);
    snprintf(e->context, sizeof e->context, "%s", se->context);
    return EXEC_ERROR;
}

/* Test-only knob: HELIOS_TEST_CLOCK_OFFSET_MS (signed) shifts this node's wall clock, read
 * once at first use, so fault tests can give one region a skewed clock. */
static int64_t clock_offset;
static pthread_once_t clock_offset_once = PTHREAD_ONCE_INIT;

static void clock_offset_read(void)
{
    const char *v = getenv("HELIOS_TEST_CLOCK_OFFSET_MS");
    clock_offset = v ? strtoll(v, NULL, 10) : 0;
}

static int64_t clock_offset_ms(void)
{
    pthread_once(&clock_offset_once, clock_offset_read);
    return clock_offset;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset_ms());
}

static int64_t now_us_2000(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec - 946684800) * 1000000 + ts.tv_nsec / 1000;
}

/* ---- threads ------------------------------------------------------------------------------
 *
 * Sessions live on several loops (one per SQL worker thread, sqlexec_thread_attach, plus the
 * loop given to sqlexec_new). Everything an operation or an executor callback touches that is
 * shared between sessions (the catalog, the sessions list, row locks, sequences, the commit
 * path, the in-flight rows, the parse cache) is guarded by the engine lock, which every entry
 * point takes (re-entrant per thread: a wake inside an operation may run another). The HLC has
 * a lock of its own, so replication never waits for a statement; cancel requests only set the
 * session's atomics and signal its loop. */

static void lcs_kick(sx_exec *x, bool work);
static _Thread_local int engine_depth;
static _Thread_local bool engine_shared; /* how this thread holds it (engine_depth > 0) */
static _Thread_local sx_loopctx *thread_lc; /* the loop this thread serves sessions on */
static _Thread_local bool sql_thread;       /* runs statements (its merges are previews) */

void sx_engine_enter(sx_exec *x)
{
    if (engine_depth++ == 0) {
        pthread_rwlock_wrlock(&x->engine);
        engine_shared = false;
    } else if (engine_shared) {
        /* a wake runs operations only from the executor's callbacks, which hold it exclusive */
        log_error("sql", "internal error: exclusive engine lock asked while holding it shared");
    }
}

void sx_engine_enter_shared(sx_exec *x)
{
    if (engine_depth++ == 0) {
        pthread_rwlock_rdlock(&x->engine);
        engine_shared = true;
    }
}

void sx_engine_leave(sx_exec *x)
{
    if (--engine_depth == 0) {
        pthread_rwlock_unlock(&x->engine);
        if (atomic_load(&x->engine_waiters) > 0) lcs_kick(x, false); /* they try again */
    }
}

/* The exclusive lock if it is free now (true), without blocking the thread: a loop thread
 * waiting for a long read to end could serve none of its other connections. */
static bool engine_try_exclusive(sx_exec *x)
{
    if (engine_depth > 0) {
        if (engine_shared) return false;
        engine_depth++;
        return true;
    }
    if (pthread_rwlock_trywrlock(&x->engine) != 0) return false;
    engine_depth = 1;
    engine_shared = false;
    return true;
}

/* As engine_try_exclusive, waiting up to ENGINE_WAIT_MS for it: a write holds it a fraction of a
 * millisecond, and going PENDING costs a round trip through the loop; a long read does not
 * hold the thread longer than that. */
#define ENGINE_WAIT_MS 2

static bool engine_try_exclusive_wait(sx_exec *x)
{
    if (engine_try_exclusive(x)) return true;
    if (engine_depth > 0) return false;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ENGINE_WAIT_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    if (pthread_rwlock_timedwrlock(&x->engine, &ts) != 0) return false;
    engine_depth = 1;
    engine_shared = false;
    return true;
}

/* The exclusive lock for the session if it is free now (true); else the session waits for
 * it (false: the caller returns EXEC_PENDING): its loop wakes it when a holder leaves
 * (on_async) and the operation tries again (l_resume). The wait is counted before the try,
 * so a holder leaving between the two still signals. */
static bool engine_take_or_wait(sx_session *s)
{
    if (!s->engine_wait) atomic_fetch_add(&s->x->engine_waiters, 1);
    if (engine_try_exclusive_wait(s->x)) {
        if (!s->engine_wait) atomic_fetch_sub(&s->x->engine_waiters, 1);
        return true;
    }
    if (!s->engine_wait) {
        s->engine_wait = true;
        s->ewait_next = s->lc->ewait;
        s->lc->ewait = s;
    }
    return false;
}

static bool ewait_unlink(sx_session **head, sx_session *s)
{
    for (sx_session **pp = head; *pp; pp = &(*pp)->ewait_next)
        if (*pp == s) {
            *pp = s->ewait_next;
            return true;
        }
    return false;
}

static void engine_wait_drop(sx_session *s)
{
    if (!s->engine_wait) return;
    if (!ewait_unlink(&s->lc->ewait, s)) ewait_unlink(&s->lc->ewaking, s);
    s->engine_wait = false;
    s->ewait_next = NULL;
    atomic_fetch_sub(&s->x->engine_waiters, 1);
}

/* On the loop, holding no engine lock: each waiting session tries again. The list is moved
 * aside first (one that waits again joins the new list); a wake may run an operation that
 * closes other connections of the loop, whose sessions then leave the list aside. */
static void engine_wake_waiters(sx_loopctx *lc)
{
    lc->ewaking = lc->ewait;
    lc->ewait = NULL;
    while (lc->ewaking) {
        sx_session *w = lc->ewaking;
        engine_wait_drop(w);
        w->wake(w->wake_arg);
    }
}

causal_hlc sx_clock_now(sx_exec *x)
{
    pthread_mutex_lock(&x->clock_mu);
    causal_hlc t = causal_clock_now(&x->clock, wall_ms());
    pthread_mutex_unlock(&x->clock_mu);
    return t;
}

causal_hlc sx_clock_last(sx_exec *x)
{
    pthread_mutex_lock(&x->clock_mu);
    causal_hlc t = x->clock.last;
    pthread_mutex_unlock(&x->clock_mu);
    return t;
}

/* Signals every loop: each answers what is its own. work: each has something to do under the
 * engine lock (an index built); else only the sessions and callbacks waiting for the lock
 * try again, and a loop with `work` set by someone else. Any thread. */
static void lcs_kick(sx_exec *x, bool work)
{
    pthread_mutex_lock(&x->mu);
    for (sx_loopctx *lc = x->lcs; lc; lc = lc->next) {
        if (work) atomic_store(&lc->work, true);
        uv_async_send(&lc->async);
    }
    pthread_mutex_unlock(&x->mu);
}

/* Signals one loop that its on_async has work (a commit answered, a cancel, a terminate, a
 * lock released for one of its sessions). Any thread. */
static void lc_kick(sx_loopctx *lc)
{
    atomic_store(&lc->work, true);
    uv_async_send(&lc->async);
}

/* A transaction's start: what now() and 'now'::timestamp read until it ends. */
static int64_t txn_clock(void)
{
    int64_t t = now_us_2000();
    sqldate_set_now(t);
    return t;
}

/* ---- catalog ------------------------------------------------------------------------------
 *
 * Replication-ready catalog (see sqlexec.h "Catalog"). Keys and values:
 *   "table." + u32 BE id          sqlschema encoding (first byte SQLSCHEMA_FORMAT), or the
 *                                 tombstone {0x00} once dropped: a drop is a put, so it
 *                                 merges like any other catalog write (a delete would not
 *                                 commute with a concurrent ALTER's put)
 *   "next_table_id." + u16 BE node   u32 BE: the next id this node hands out
 *   "next_table_id"               legacy (phase 2, single node): ids below 65536
 * Table ids are (node id << 16) | local counter: unique across regions without coordination
 * and never reused. catalog_merge joins concurrent writes of one key deterministically.
 */

#define SX_NODE_ID_KEY "next_table_id."

static bool cat_is_tombstone(const uint8_t *v, size_t n)
{
    return n == 1 && v[0] == 0;
}

static uint32_t be32(const uint8_t *v)
{
    return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

/* Total order on two live definitions of one table id (concurrent ALTERs): the one that
 * allocated more column ids wins (an ADD COLUMN beats what it did not see), then the one
 * with fewer columns (of a sequence: the later restart first) (a DROP COLUMN beats the version it was made from), then the bytes. */
static int schema_order(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    sqlschema_table *ta = NULL, *tb = NULL;
    sqlerr e;
    int c = 0;
    if (sqlschema_decode(a, al, &ta, &e) == SQL_OK && sqlschema_decode(b, bl, &tb, &e) == SQL_OK) {
        /* a sequence: the later restart (setval, ALTER SEQUENCE) wins */
        if (ta->seq && tb->seq && ta->seq->restart_gen != tb->seq->restart_gen)
            c = ta->seq->restart_gen < tb->seq->restart_gen ? -1 : 1;
        else if (ta->next_col_id != tb->next_col_id) c = ta->next_col_id < tb->next_col_id ? -1 : 1;
        else if (ta->ncols != tb->ncols) c = ta->ncols > tb->ncols ? -1 : 1;
        else if (ta->gen != tb->gen) c = ta->gen < tb->gen ? -1 : 1; /* the later ALTER */
    }
    sqlschema_free(ta);
    sqlschema_free(tb);
    if (c) return c;
    size_t n = al < bl ? al : bl;
    c = memcmp(a, b, n);
    if (c) return c;
    return al < bl ? -1 : al > bl;
}

/* storage catalog_merge: commutative, associative, idempotent (a max under a total order).
 * tombstone > any definition; counters: max; definitions: schema_order. Pure. */
int sx_catalog_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                      size_t dlen, uint8_t **out, size_t *outlen)
{
    (void)ctx;
    const uint8_t *win = delta;
    size_t wl = dlen;
    if (old) {
        if (cat_is_tombstone(old, oldlen) || cat_is_tombstone(delta, dlen)) {
            static const uint8_t tomb[1] = {0};
            win = tomb;
            wl = 1;
        } else if (oldlen == 4 && dlen == 4) {
            if (be32(old) > be32(delta)) win = old;
        } else if (sqlrole_order(old, oldlen, delta, dlen) != 2) { /* roles, grants, owners */
            if (sqlrole_order(old, oldlen, delta, dlen) > 0) win = old, wl = oldlen;
        } else if (oldlen > 4 && dlen > 4) {
            int io = sqlindex_order(old, oldlen, delta, dlen); /* an index: the later version */
            if (io != 2 ? io > 0 : schema_order(old, oldlen, delta, dlen) > 0) win = old, wl = oldlen;
        }
    }
    *out = malloc(wl ? wl : 1);
    if (!*out) return -1;
    memcpy(*out, win, wl);
    *outlen = wl;
    return 0;
}

static int cmp_table_id(const void *a, const void *b)
{
    const sqlschema_table *x = *(sqlschema_table *const *)a, *y = *(sqlschema_table *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Concurrent CREATE TABLE of one name (in one schema) in two regions leaves two live
 * definitions (two ids).
 * Every region resolves it the same way: the lowest table id keeps the name; the others stay
 * reachable, with their rows, as "<name>_conflict_<id>" (a cache-only name: renaming it for
 * good is an ALTER away; dropping it is DROP TABLE "<name>_conflict_<id>"). */
int sx_catalog_resolve_names(sqlschema_table **v, int n)
{
    if (n > 1) qsort(v, (size_t)n, sizeof *v, cmp_table_id);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(v[i]->name, v[j]->name) && sqlschema_nsp(v[i]) == sqlschema_nsp(v[j])) {
                char buf[SQLSCHEMA_NAME_MAX + 1];
                char suffix[24];
                snprintf(suffix, sizeof suffix, "_conflict_%u", v[i]->id);
                int keep = SQLSCHEMA_NAME_MAX - (int)strlen(suffix);
                snprintf(buf, sizeof buf, "%.*s%s", keep, v[i]->name, suffix);
                char *nn = strdup(buf);
                if (!nn) return -1;
                free(v[i]->name);
                v[i]->name = nn;
                break;
            }
    return 0;
}

/* ---- roles and privileges: the catalog entries (sqlrole.h) --------------------------------- */

/* The enum types and labels of entries v (sorted by key) into the registry (sqlenum.h): the
 * live types' names, and every present label of a type that has one. */
void sx_enum_register_all(const sx_authkv *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (sqlenum_key_kind(v[i].k, v[i].kl) != 'E') continue;
        uint64_t gen;
        bool live;
        uint32_t oid, owner;
        if (sqlenum_type_decode(v[i].v, v[i].vl, &gen, &live, &oid, &owner) || !live) continue;
        char name[SQLENUM_LABEL_MAX + 1];
        uint32_t nsp;
        if (sqlenum_type_key_parse(v[i].k, v[i].kl, &nsp, name)) continue;
        (void)sqlenum_register(oid, name, NULL, 0);
    }
    for (int i = 0; i < n; i++) {
        uint32_t oid;
        char label[SQLENUM_LABEL_MAX + 1];
        uint64_t gen;
        bool present;
        double sort;
        if (sqlenum_label_key_parse(v[i].k, v[i].kl, &oid, label) ||
            sqlenum_label_decode(v[i].v, v[i].vl, &gen, &present, &sort) || !present)
            continue;
        (void)sqlenum_register(oid, NULL, label, sort);
    }
}

static void authkv_free(sx_authkv *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].k);
        free(v[i].v);
    }
    free(v);
}

static int authkv_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : al < bl ? -1 : al > bl;
}

static int authkv_add(sx_authkv **v, int *n, const uint8_t *k, size_t kl, const uint8_t *val, size_t vl)
{
    sx_authkv *nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv);
    if (!nv) return -1;
    *v = nv;
    sx_authkv *e = &nv[*n];
    e->k = malloc(kl);
    e->v = malloc(vl ? vl : 1);
    if (!e->k || !e->v) {
        free(e->k);
        free(e->v);
        return -1;
    }
    memcpy(e->k, k, kl);
    if (vl) memcpy(e->v, val, vl);
    e->kl = kl;
    e->vl = vl;
    (*n)++;
    return 0;
}

int sx_auth_get(sx_session *s, const uint8_t *k, size_t kl, const uint8_t **v, size_t *vl)
{
    for (int i = s->txn.nauth - 1; i >= 0; i--)
        if (!authkv_cmp(s->txn.auth[i].k, s->txn.auth[i].kl, k, kl)) {
            *v = s->txn.auth[i].v;
            *vl = s->txn.auth[i].vl;
            return 1;
        }
    int lo = 0, hi = s->x->nauth;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const sx_authkv *e = &s->x->auth[mid];
        int c = authkv_cmp(e->k, e->kl, k, kl);
        if (!c) {
            *v = e->v;
            *vl = e->vl;
            return 1;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

int sx_auth_put(sx_session *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
    return authkv_add(&s->txn.auth, &s->txn.nauth, k, kl, v, vl);
}

static int authref_cmp(const void *a, const void *b)
{
    const sx_authkv *x = a, *y = b;
    return authkv_cmp(x->k, x->kl, y->k, y->kl);
}

int sx_auth_list(sx_session *s, const char *prefix, sx_authkv **out, int *n)
{
    return sx_auth_list_bin(s, (const uint8_t *)prefix, strlen(prefix), out, n);
}

int sx_auth_list_bin(sx_session *s, const uint8_t *prefix, size_t pl, sx_authkv **out, int *n)
{
    /* the cache is sorted: start at the first key not below the prefix */
    int lo = 0, hi = s->x->nauth;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        const sx_authkv *e = &s->x->auth[mid];
        if (authkv_cmp(e->k, e->kl, prefix, pl) < 0) lo = mid + 1;
        else hi = mid;
    }
    int end = lo;
    while (end < s->x->nauth && s->x->auth[end].kl >= pl && !memcmp(s->x->auth[end].k, prefix, pl)) end++;
    int cap = (end - lo) + s->txn.nauth + 1, k = 0;
    sx_authkv *v = malloc((size_t)cap * sizeof *v);
    if (!v) return -1;
    for (int i = lo; i < end; i++) {
        const sx_authkv *e = &s->x->auth[i];
        bool mine = false;
        for (int j = 0; j < s->txn.nauth && !mine; j++)
            mine = !authkv_cmp(s->txn.auth[j].k, s->txn.auth[j].kl, e->k, e->kl);
        if (!mine) v[k++] = *e;
    }
    for (int j = 0; j < s->txn.nauth; j++) { /* the transaction's latest write of each key */
        const sx_authkv *e = &s->txn.auth[j];
        if (e->kl < pl || memcmp(e->k, prefix, pl)) continue;
        bool later = false;
        for (int l = j + 1; l < s->txn.nauth && !later; l++)
            later = !authkv_cmp(s->txn.auth[l].k, s->txn.auth[l].kl, e->k, e->kl);
        if (!later) v[k++] = *e;
    }
    qsort(v, (size_t)k, sizeof *v, authref_cmp);
    *out = v;
    *n = k;
    return 0;
}

/* (Re)loads the catalog cache. On failure the previous cache is kept. */
static int catalog_load(sx_exec *x, char *err, size_t errsz)
{
    sqlcache_clear(x->cache);
    storage_iter *it = NULL;
    sqlschema_table **v = NULL;
    int n = 0;
    sqlindex_def **ix = NULL;
    int nix = 0;
    sx_authkv *auth = NULL;
    int nauth = 0;
    uint32_t mine = (uint32_t)x->node << 16, next = mine | 1;
    int rc = storage_iter_new_catalog(x->st, NULL, (const uint8_t *)"", 0, &it);
    if (rc) {
        snprintf(err, errsz, "catalog: %s", storage_strerror(rc));
        return -1;
    }
    while ((rc = storage_iter_next(it)) == 1) {
        const uint8_t *k, *val;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &val, &vl);
        size_t nl = strlen(SX_NODE_ID_KEY);
        if (kl == nl + 2 && !memcmp(k, SX_NODE_ID_KEY, nl) && vl == 4) {
            if ((((uint32_t)k[nl] << 8) | k[nl + 1]) == x->node && be32(val) > next)
                next = be32(val);
            continue;
        }
        if (sqlrole_key_kind(k, kl)) {
            if (authkv_add(&auth, &nauth, k, kl, val, vl)) {
                snprintf(err, errsz, "out of memory");
                goto fail;
            }
            /* a role's, an extension's, an enum type's and a schema's oid come from the id
             * allocator */
            uint32_t oid = k[0] == 'r' && vl >= 13                  ? be32(val + 9)
                           : k[0] == 'e' && k[1] != 'l' && vl >= 14 ? be32(val + 10)
                           : k[0] == 'n' && kl == 8                 ? be32(k + 4)
                                                                    : 0;
            if (oid && (oid >> 16) == x->node && oid >= next) next = oid + 1;
            continue;
        }
        if (sqlindex_key_oid(k, kl)) {
            if (cat_is_tombstone(val, vl)) continue;
            sqlindex_def *d;
            sqlerr se;
            if (sqlindex_decode(val, vl, &d, &se)) {
                snprintf(err, errsz, "catalog: %s", se.message);
                goto fail;
            }
            sqlindex_def **ni = realloc(ix, (size_t)(nix + 1) * sizeof *ni);
            if (!ni) {
                sqlindex_free(d);
                snprintf(err, errsz, "out of memory");
                goto fail;
            }
            ix = ni;
            ix[nix++] = d;
            if ((d->oid >> 16) == x->node && d->oid >= next) next = d->oid + 1;
            continue;
        }
        if (kl != 10 || memcmp(k, "table.", 6) || cat_is_tombstone(val, vl)) continue;
        sqlschema_table *t;
        sqlerr se;
        if (sqlschema_decode(val, vl, &t, &se)) {
            snprintf(err, errsz, "catalog: %s", se.message);
            goto fail;
        }
        sqlschema_table **nv = realloc(v, (size_t)(n + 1) * sizeof *nv);
        if (!nv) {
            sqlschema_free(t);
            snprintf(err, errsz, "out of memory");
            goto fail;
        }
        v = nv;
        v[n++] = t;
        uint32_t top = sqlschema_max_id(t, x->node);
        if (top && top >= next) next = top + 1;
    }
    if (rc < 0) {
        snprintf(err, errsz, "catalog: %s", storage_strerror(rc));
        goto fail;
    }
    storage_iter_del(it);
    it = NULL;
    if (sx_catalog_resolve_names(v, n)) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    for (int i = 0; i < x->ntables; i++) sqlschema_free(x->tables[i]);
    free(x->tables);
    x->tables = v;
    x->ntables = n;
    for (int i = 0; i < x->nindexes; i++) sqlindex_free(x->indexes[i]);
    free(x->indexes);
    x->indexes = ix;
    x->nindexes = nix;
    authkv_free(x->auth, x->nauth);
    x->auth = auth;
    x->nauth = nauth;
    x->auth_gen++;
    sx_enum_register_all(x->auth, x->nauth);
    /* never back: ids handed out to transactions not yet committed are not in the store */
    if (next > x->next_table_id) x->next_table_id = next;
    return 0;
fail:
    storage_iter_del(it);
    for (int i = 0; i < n; i++) sqlschema_free(v[i]);
    free(v);
    for (int i = 0; i < nix; i++) sqlindex_free(ix[i]);
    free(ix);
    authkv_free(auth, nauth);
    return -1;
}

int sx_catalog_put(sx_exec *x, sqlschema_table *t)
{
    sqlcache_clear(x->cache);
    for (int i = 0; i < x->ntables; i++)
        if (x->tables[i]->id == t->id) {
            sqlschema_free(x->tables[i]);
            x->tables[i] = t;
            return 0;
        }
    sqlschema_table **n = realloc(x->tables, (size_t)(x->ntables + 1) * sizeof *n);
    if (!n) return -1;
    x->tables = n;
    x->tables[x->ntables++] = t;
    return 0;
}

static void catalog_drop(sx_exec *x, uint32_t id)
{
    for (int i = 0; i < x->ntables; i++)
        if (x->tables[i]->id == id) {
            sqlschema_free(x->tables[i]);
            x->tables[i] = x->tables[--x->ntables];
            return;
        }
}

void sx_fill_rowid(sx_session *s, const sqlschema_table *t, sqlval *vals, bool *given)
{
    for (int i = 0; i < t->ncols; i++) {
        if (!t->cols[i].hidden) continue;
        sqlval_free(&vals[i]);
        if (!strcmp(t->cols[i].name, SQLSCHEMA_ROWID))
            sqlval_set_int(&vals[i], SQLVAL_INT8, (int64_t)sx_clock_now(s->x));
        else
            sqlval_set_int(&vals[i], SQLVAL_INT4, s->x->node);
        if (given) given[i] = true;
    }
}

/* Whether the transaction changed (or dropped) catalog entry id after its change `from`. */
static bool txn_changes_id(const sx_session *s, int from, uint32_t id)
{
    for (int l = from; l < s->txn.ncat; l++)
        if ((s->txn.cat[l].drop ? s->txn.cat[l].id : s->txn.cat[l].table->id) == id) return true;
    return false;
}

const sqlschema_table *sx_table_find_in(sx_session *s, uint32_t nsp, const char *name)
{
    /* the transaction's latest version of each entry it changed (a RENAME leaves the old name
     * to no one), then the committed entries it did not change */
    for (int i = s->txn.ncat - 1; i >= 0; i--) {
        sx_catchange *c = &s->txn.cat[i];
        if (c->nsp != nsp || strcmp(c->name, name) != 0) continue;
        if (txn_changes_id(s, i + 1, c->drop ? c->id : c->table->id)) continue;
        return c->drop ? NULL : c->table;
    }
    for (int i = 0; i < s->x->ntables; i++) {
        const sqlschema_table *t = s->x->tables[i];
        if (!strcmp(t->name, name) && sx_table_nsp(s, t) == nsp && !txn_changes_id(s, 0, t->id))
            return t;
    }
    return NULL;
}

const sqlschema_table *sx_table_find(sx_session *s, const char *name)
{
    uint32_t path[SQLSCHEMA_PATH_MAX];
    const char *rel;
    int n = sx_name_path(s, name, &rel, path);
    for (int i = 0; i < n; i++) {
        const sqlschema_table *t = sx_table_find_in(s, path[i], rel);
        if (t) return t;
    }
    return NULL;
}

const sqlschema_table *sx_table_by_id(sx_session *s, uint32_t id)
{
    for (int i = s->txn.ncat - 1; i >= 0; i--) {
        sx_catchange *c = &s->txn.cat[i];
        if (c->id == id || (!c->drop && c->table && c->table->id == id)) return c->drop ? NULL : c->table;
    }
    for (int i = 0; i < s->x->ntables; i++)
        if (s->x->tables[i]->id == id) return s->x->tables[i];
    return NULL;
}

int sx_catalog_view(sx_session *s, const sqlschema_table ***out, int *n)
{
    int cap = s->x->ntables + s->txn.ncat + 1, k = 0;
    const sqlschema_table **v = malloc((size_t)cap * sizeof *v);
    if (!v) return -1;
    for (int i = 0; i < s->x->ntables; i++) {
        const sqlschema_table *t = s->x->tables[i];
        bool changed = false;
        for (int j = 0; j < s->txn.ncat && !changed; j++) {
            const sx_catchange *c = &s->txn.cat[j];
            changed = c->drop ? c->id == t->id : c->table && c->table->id == t->id;
        }
        if (!changed) v[k++] = t;
    }
    for (int j = 0; j < s->txn.ncat; j++) { /* the latest version of each changed entry */
        const sx_catchange *c = &s->txn.cat[j];
        uint32_t id = c->drop ? c->id : c->table->id;
        bool later = false;
        for (int l = j + 1; l < s->txn.ncat && !later; l++)
            later = (s->txn.cat[l].drop ? s->txn.cat[l].id : s->txn.cat[l].table->id) == id;
        if (!later && !c->drop) v[k++] = c->table;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- sequences ---------------------------------------------------------------------------
 *
 * Values unique across regions without coordination: the values of a sequence interleave
 * over its stride (the number of region slots it was created with, sx_exec.seq_stride: 1
 * without replication, so a single node numbers 1, 2, 3 as PostgreSQL; 16 with it). Region
 * with node id n takes slot n - 1 and gives base + increment * (k * stride + slot) for k = 0,
 * 1, 2 ...: monotonic in the region, never equal to another region's. base is the start, or
 * the point of the last setval / ALTER SEQUENCE ... RESTART (replicated in the catalog entry
 * with its generation, the HLC of the change): every region restarts its k there.
 *
 * Nothing is lost or reissued on a crash: the region's position (generation, base and the
 * first k not yet reserved) is stored locally (storage_local_put, synced) before values are
 * handed out, a block of max(32, CACHE) at a time; after a restart the region goes on after
 * the block, as PostgreSQL goes on after its 32 logged values. Like PostgreSQL's, nextval
 * does not roll back. A region whose node id exceeds a sequence's stride cannot give its
 * values (0A000). */

typedef struct sx_seqstate {
    uint32_t id;
    uint64_t gen;
    int64_t base;
    int64_t next_k, reserved_k;
} sx_seqstate;

static int seq_value(const sqlschema_seq *q, int64_t base, int64_t k, uint16_t slot, int64_t *v)
{
    int64_t idx, step;
    if (__builtin_mul_overflow(k, (int64_t)q->stride, &idx) ||
        __builtin_add_overflow(idx, (int64_t)slot, &idx) ||
        __builtin_mul_overflow(idx, q->increment, &step) || __builtin_add_overflow(base, step, v))
        return -1;
    return (q->increment > 0 && *v > q->max) || (q->increment < 0 && *v < q->min) ? -1 : 0;
}

static int seq_store(sx_exec *x, const sx_seqstate *st, sqlerr *err)
{
    char key[32];
    snprintf(key, sizeof key, "seq.%u", st->id);
    uint8_t b[24];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(st->gen >> (56 - 8 * i));
        b[8 + i] = (uint8_t)((uint64_t)st->base >> (56 - 8 * i));
        b[16 + i] = (uint8_t)((uint64_t)st->reserved_k >> (56 - 8 * i));
    }
    int rc = storage_local_put(x->st, key, b, sizeof b, true);
    if (rc == STORAGE_ENOSPC) return sqlerr_set(err, "53100", -1, "could not extend the sequence: disk full");
    if (rc) return sqlerr_set(err, "58030", -1, "could not store the sequence position: %s", storage_errmsg());
    return SQL_OK;
}

static int seq_state(sx_session *s, const sqlschema_table *t, sx_seqstate **out, sqlerr *err)
{
    sx_exec *x = s->x;
    const sqlschema_seq *q = t->seq;
    sx_seqstate *st = NULL;
    for (int i = 0; i < x->nseqs; i++)
        if (x->seqs[i].id == t->id) st = &x->seqs[i];
    if (!st) {
        sx_seqstate *n = realloc(x->seqs, (size_t)(x->nseqs + 1) * sizeof *n);
        if (!n) return sqlerr_oom(err);
        x->seqs = n;
        st = &x->seqs[x->nseqs++];
        memset(st, 0, sizeof *st);
        st->id = t->id;
        st->gen = UINT64_MAX; /* not loaded */
        char key[32];
        snprintf(key, sizeof key, "seq.%u", t->id);
        uint8_t *b = NULL;
        size_t len = 0;
        if (storage_local_get(x->st, key, &b, &len) == 0 && len == 24) {
            uint64_t g = 0, ba = 0, r = 0;
            for (int i = 0; i < 8; i++) {
                g = g << 8 | b[i];
                ba = ba << 8 | b[8 + i];
                r = r << 8 | b[16 + i];
            }
            st->gen = g;
            st->base = (int64_t)ba;
            st->next_k = st->reserved_k = (int64_t)r; /* what was reserved may have been given */
        }
        free(b);
    }
    if (st->gen != q->restart_gen) { /* first use, or restarted since */
        st->gen = q->restart_gen;
        st->base = !q->restart_gen ? q->start
                   : q->restart_called ? q->restart_value + q->increment : q->restart_value;
        st->next_k = st->reserved_k = 0;
    }
    *out = st;
    return SQL_OK;
}

int sx_seq_next(sx_session *s, const sqlschema_table *t, int64_t *out, sqlerr *err)
{
    const sqlschema_seq *q = t->seq;
    if (s->x->node < 1 || s->x->node > q->stride) {
        sqlerr_set(err, "0A000", -1,
                   "sequence \"%s\" cannot give values in this region (node id %u): it "
                   "interleaves over %u region%s",
                   t->name, s->x->node, q->stride, q->stride == 1 ? "" : "s");
        sqlerr_hint(err, "Sequences created on a node without replication have one slot; create "
                         "them after enabling replication (16 slots).");
        return SQL_ERR;
    }
    uint16_t slot = (uint16_t)(s->x->node - 1);
    sx_seqstate *st = NULL;
    if (seq_state(s, t, &st, err)) return SQL_ERR;
    int64_t v;
    if (seq_value(q, st->base, st->next_k, slot, &v)) {
        if (!q->cycle)
            return sqlerr_set(err, "2200H", -1, "nextval: reached %s value of sequence \"%s\" (%lld)",
                              q->increment > 0 ? "maximum" : "minimum", t->name,
                              (long long)(q->increment > 0 ? q->max : q->min));
        st->base = q->increment > 0 ? q->min : q->max; /* CYCLE: around again, in this region */
        st->next_k = 0;
        st->reserved_k = 0;
        if (seq_value(q, st->base, 0, slot, &v))
            return sqlerr_set(err, "2200H", -1, "nextval: reached %s value of sequence \"%s\" (%lld)",
                              q->increment > 0 ? "maximum" : "minimum", t->name,
                              (long long)(q->increment > 0 ? q->max : q->min));
    }
    if (st->next_k >= st->reserved_k) {
        int64_t block = q->cache > 32 ? q->cache : 32;
        sx_seqstate nst = *st;
        nst.reserved_k = st->next_k + block;
        if (seq_store(s->x, &nst, err)) return SQL_ERR;
        st->reserved_k = nst.reserved_k;
    }
    st->next_k++;
    *out = v;
    /* currval / lastval */
    int i = 0;
    while (i < s->nseqvals && s->seqvals[i].id != t->id) i++;
    if (i == s->nseqvals) {
        struct sx_seqval *n = realloc(s->seqvals, (size_t)(s->nseqvals + 1) * sizeof *n);
        if (!n) return sqlerr_oom(err);
        s->seqvals = n;
        s->nseqvals++;
        s->seqvals[i].id = t->id;
    }
    s->seqvals[i].v = v;
    s->last_seq = i;
    return SQL_OK;
}

int sx_seq_peek(sx_session *s, const sqlschema_table *t, int64_t *last, bool *called, sqlerr *err)
{
    const sqlschema_seq *q = t->seq;
    sx_seqstate *st = NULL;
    if (seq_state(s, t, &st, err)) return SQL_ERR;
    uint16_t slot = s->x->node >= 1 && s->x->node <= q->stride ? (uint16_t)(s->x->node - 1) : 0;
    if (st->next_k == 0 || seq_value(q, st->base, st->next_k - 1, slot, last)) {
        /* nothing given since the start or the last restart */
        *last = !q->restart_gen ? q->start : q->restart_value;
        *called = q->restart_gen && q->restart_called;
        return SQL_OK;
    }
    *called = true;
    return SQL_OK;
}

/* regclass text of a sequence argument ('s', 'public.s', '"S"'), as a name. */
static int seq_lookup(sx_session *s, const char *arg, const sqlschema_table **out, sqlerr *err)
{
    char name[SQLSCHEMA_NAME_MAX * 4 + 4];
    if (sx_regclass_key(arg, name, sizeof name)) return sqlerr_set(err, "42602", -1, "invalid name syntax");
    const sqlschema_table *t = sx_table_find(s, name);
    if (!t) return sqlerr_set(err, "42P01", -1, "relation \"%s\" does not exist", arg);
    if (!t->seq) return sqlerr_set(err, "42809", -1, "\"%s\" is not a sequence", t->name);
    *out = t;
    return SQL_OK;
}

/* setval / ALTER SEQUENCE ... RESTART: a new catalog version with a new generation. */
int sx_seq_restart(sx_session *s, const sqlschema_table *t, int64_t v, bool called, sqlerr *err)
{
    sqlschema_table *c;
    if (sqlschema_copy(t, &c, err)) return SQL_ERR;
    c->seq->restart_gen = sx_clock_now(s->x);
    c->seq->restart_value = v;
    c->seq->restart_called = called;
    if (sx_catalog_change(s, false, c, c->id, c->name)) {
        sqlschema_free(c);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

static int sess_seq(void *arg, int op, const char *name, int64_t v, bool called, sqlval *out,
                    sqlerr *err)
{
    sx_session *s = arg;
    if (op == 'l') {
        if (s->last_seq < 0 || s->last_seq >= s->nseqvals)
            return sqlerr_set(err, "55000", -1, "lastval is not yet defined in this session");
        const sqlschema_table *t = sx_table_by_id(s, s->seqvals[s->last_seq].id);
        if (!t || !t->seq)
            return sqlerr_set(err, "55000", -1, "lastval is not yet defined in this session");
        if (sx_seq_priv_check(s, t, SQLPRIV_SELECT | SQLPRIV_USAGE, err)) return SQL_ERR;
        sqlval_set_int(out, SQLVAL_INT8, s->seqvals[s->last_seq].v);
        return SQL_OK;
    }
    const sqlschema_table *t = NULL;
    if (seq_lookup(s, name, &t, err)) return SQL_ERR;
    if (sx_seq_priv_check(s, t, op == 'n' ? SQLPRIV_USAGE | SQLPRIV_UPDATE
                                : op == 'c' ? SQLPRIV_SELECT | SQLPRIV_USAGE
                                            : SQLPRIV_UPDATE, err))
        return SQL_ERR;
    if (s->ro && (op == 'n' || op == 's'))
        return sqlerr_set(err, "25006", -1, "cannot execute %s() in a read-only transaction",
                          op == 'n' ? "nextval" : "setval");
    if (op == 'n') {
        int64_t x;
        if (sx_seq_next(s, t, &x, err)) return SQL_ERR;
        sqlval_set_int(out, SQLVAL_INT8, x);
        return SQL_OK;
    }
    if (op == 'c') {
        for (int i = 0; i < s->nseqvals; i++)
            if (s->seqvals[i].id == t->id) {
                sqlval_set_int(out, SQLVAL_INT8, s->seqvals[i].v);
                return SQL_OK;
            }
        return sqlerr_set(err, "55000", -1, "currval of sequence \"%s\" is not yet defined in this session",
                          t->name);
    }
    /* setval */
    if (v < t->seq->min || v > t->seq->max)
        return sqlerr_set(err, "22003", -1, "setval: value %lld is out of bounds for sequence \"%s\" (%lld..%lld)",
                          (long long)v, t->name, (long long)t->seq->min, (long long)t->seq->max);
    if (sx_seq_restart(s, t, v, called, err)) return SQL_ERR;
    if (called) {
        int i = 0;
        while (i < s->nseqvals && s->seqvals[i].id != t->id) i++;
        if (i == s->nseqvals) {
            struct sx_seqval *n = realloc(s->seqvals, (size_t)(s->nseqvals + 1) * sizeof *n);
            if (!n) return sqlerr_oom(err);
            s->seqvals = n;
            s->nseqvals++;
            s->seqvals[i].id = t->id;
        }
        s->seqvals[i].v = v;
    }
    sqlval_set_int(out, SQLVAL_INT8, v);
    return SQL_OK;
}

uint32_t sx_table_new_id(sx_session *s)
{
    uint32_t id = s->x->next_table_id;
    for (int i = 0; i < s->txn.ncat; i++)
        if (!s->txn.cat[i].drop && sqlschema_max_id(s->txn.cat[i].table, s->x->node) >= id)
            id = sqlschema_max_id(s->txn.cat[i].table, s->x->node) + 1;
    for (int i = 0; i < s->txn.nix; i++)
        if (!s->txn.ix[i].drop && s->txn.ix[i].def->oid >= id &&
            (s->txn.ix[i].def->oid >> 16) == s->x->node)
            id = s->txn.ix[i].def->oid + 1;
    for (int i = 0; i < s->txn.nauth; i++) { /* roles, extensions and enum types created by the transaction ("elabel." has no oid) */
        uint32_t oid = s->txn.auth[i].k[0] == 'r' && s->txn.auth[i].vl >= 13 ? be32(s->txn.auth[i].v + 9)
                       : s->txn.auth[i].k[0] == 'e' && s->txn.auth[i].k[1] != 'l' && s->txn.auth[i].vl >= 14 ? be32(s->txn.auth[i].v + 10)
                                                                               : 0;
        if (oid && (oid >> 16) == s->x->node && oid >= id) id = oid + 1;
    }
    /* the local counter is 16 bits: 65535 CREATE TABLEs per node, ever */
    if ((id >> 16) != s->x->node || (id & 0xffff) == 0) return 0;
    /* Taken now, as PostgreSQL takes an OID: another session's transaction creating objects
     * meanwhile (on another thread, or before this one commits) gets the next ones. A rolled
     * back transaction leaves a gap. */
    s->x->next_table_id = id + 1;
    return id;
}

int sx_catalog_change(sx_session *s, bool drop, sqlschema_table *t, uint32_t id, const char *name)
{
    if (t) t->gen = sx_clock_now(s->x); /* the later version wins */
    sx_catchange *n = realloc(s->txn.cat, (size_t)(s->txn.ncat + 1) * sizeof *n);
    if (!n) return -1;
    s->txn.cat = n;
    sx_catchange *c = &s->txn.cat[s->txn.ncat];
    memset(c, 0, sizeof *c);
    /* the entry's schema: the new version's, or the dropped one's */
    const sqlschema_table *was = t ? t : sx_table_by_id(s, id);
    c->nsp = was ? sqlschema_nsp(was) : SQLSCHEMA_NSP_PUBLIC;
    c->name = strdup(sqlast_relname(name));
    if (!c->name) return -1;
    c->drop = drop;
    c->table = t;
    c->id = id;
    s->txn.ncat++;
    return 0;
}

uint64_t sx_hlc_now(sx_session *s)
{
    return sx_clock_now(s->x);
}

int sx_index_change(sx_session *s, bool drop, sqlindex_def *def, uint32_t oid)
{
    sx_ixchange *n = realloc(s->txn.ix, (size_t)(s->txn.nix + 1) * sizeof *n);
    if (!n) return -1;
    s->txn.ix = n;
    s->txn.ix[s->txn.nix++] = (sx_ixchange){.drop = drop, .def = def, .oid = drop ? oid : def->oid};
    return 0;
}

int sx_index_view(sx_session *s, const sqlindex_def ***out, int *n)
{
    int cap = s->x->nindexes + s->txn.nix + 1, k = 0;
    const sqlindex_def **v = malloc((size_t)cap * sizeof *v);
    if (!v) return -1;
    for (int i = 0; i < s->x->nindexes; i++) {
        const sqlindex_def *d = s->x->indexes[i];
        bool changed = false;
        for (int j = 0; j < s->txn.nix && !changed; j++) changed = s->txn.ix[j].oid == d->oid;
        if (!changed && sx_table_by_id(s, d->table_id)) v[k++] = d;
    }
    for (int j = 0; j < s->txn.nix; j++) { /* the latest change of each index */
        const sx_ixchange *c = &s->txn.ix[j];
        bool later = false;
        for (int l = j + 1; l < s->txn.nix && !later; l++) later = s->txn.ix[l].oid == c->oid;
        if (!later && !c->drop && sx_table_by_id(s, c->def->table_id)) v[k++] = c->def;
    }
    *out = v;
    *n = k;
    return 0;
}

bool sx_index_ready(sx_session *s, uint32_t oid, uint64_t *rows)
{
    return sqlindex_reg_ready(s->x->ixreg, oid, rows);
}

static void ixchanges_free(sx_ixchange *v, int n)
{
    for (int i = 0; i < n; i++) sqlindex_free(v[i].def);
    free(v);
}

/* ---- transactions ------------------------------------------------------------------------- */

void sx_op_free(sx_op *op)
{
    free(op->pk);
    crdt_value_free(&op->v);
    free(op->s);
    free(op->j);
    for (size_t i = 0; i < op->nelems; i++) {
        if (op->elems) free(op->elems[i]);
        if (op->vals) free(op->vals[i]);
    }
    free(op->elems);
    free(op->vals);
    free(op->elens);
    free(op->vlens);
    free(op->live);
}

/* Dots an operation takes: one per element for *_MANY, else one. */
static uint32_t op_ndots(const sx_op *op)
{
    return op->kind == SX_OP_SET_ADD_MANY || op->kind == SX_OP_MAP_PUT_MANY ? (uint32_t)op->nelems
                                                                            : 1;
}

static void locks_release(sx_exec *x, sqllock_owner *o);

static void cursors_end(sx_session *s, bool commit, bool all);

static int run_end(storage_overlay *ov, sx_rowrun *run, bool discard);

static void ser_clear(sx_session *s);

static void txn_clear(sx_session *s)
{
    cursors_end(s, false, false); /* their streams read the overlay below (COMMIT ended
                                     * them already, keeping the held ones) */
    if (s->snap) storage_snapshot_del(s->x->st, s->snap);
    s->snap = NULL;
    s->ro = s->want_snap = false;
    s->block_stmts = s->block_txnsets = 0;
    s->ntlw = 0;
    s->xid = 0;
    locks_release(s->x, s->locks);
    s->locks = NULL;
    for (size_t i = 0; i < s->txn.nops; i++) sx_op_free(&s->txn.ops[i]);
    free(s->txn.ops);
    for (int i = 0; i < s->txn.ncat; i++) {
        free(s->txn.cat[i].name);
        sqlschema_free(s->txn.cat[i].table);
    }
    free(s->txn.cat);
    ixchanges_free(s->txn.ix, s->txn.nix);
    authkv_free(s->txn.auth, s->txn.nauth);
    run_end(NULL, &s->txn.run, true);
    storage_overlay_del(s->txn.preview);
    for (int i = 0; i < s->txn.nsps; i++) free(s->txn.sps[i].name);
    free(s->txn.sps);
    sqlnotify_txn_clear(&s->txn.nt);
    memset(&s->txn, 0, sizeof s->txn);
    ser_clear(s);
}

/* Applies one recorded operation to overlay ov with dot `dot` (the preview or the commit's). */
/* ---- in-flight rows ------------------------------------------------------------------------
 *
 * A commit's deltas are built from the row as the loop reads it (ov_apply), but a commit
 * submitted earlier may not be written yet: the writer thread takes it a moment later. A
 * counter delta raises this node's entry to (read value + n), so building on a row that
 * misses an earlier in-flight increment would lose that increment (16 clients incrementing
 * one row lost most of their increments). The loop therefore keeps, per row, the join of the
 * deltas of every commit submitted and not yet completed, and ov_apply reads the stored row
 * joined with it. Joining a delta that meanwhile reached storage changes nothing (merges are
 * idempotent), so the entry may stay until its last commit completes. */

struct sx_inflight_row {
    sx_inflight_row *next;
    uint64_t hash;
    uint32_t table_id;
    uint8_t *pk, *delta;
    size_t pklen, dlen;
    int refs;
};

static uint64_t ifl_hash(uint32_t table_id, const uint8_t *pk, size_t pklen)
{
    uint64_t h = 1469598103934665603ull ^ table_id;
    h *= 1099511628211ull;
    for (size_t i = 0; i < pklen; i++) h = (h ^ pk[i]) * 1099511628211ull;
    return h;
}

static sx_inflight_row **ifl_slot(sx_exec *x, uint32_t table_id, const uint8_t *pk, size_t pklen,
                                  uint64_t h)
{
    sx_inflight_row **pp = &x->ifl[h & (x->ifl_cap - 1)];
    for (; *pp; pp = &(*pp)->next) {
        const sx_inflight_row *r = *pp;
        if (r->hash == h && r->table_id == table_id && r->pklen == pklen &&
            !memcmp(r->pk, pk, pklen))
            break;
    }
    return pp;
}

static int ifl_grow(sx_exec *x)
{
    size_t cap = x->ifl_cap ? x->ifl_cap * 2 : 64;
    sx_inflight_row **t = calloc(cap, sizeof *t);
    if (!t) return CRDT_ENOMEM;
    for (size_t i = 0; i < x->ifl_cap; i++) {
        for (sx_inflight_row *r = x->ifl[i], *next; r; r = next) {
            next = r->next;
            r->next = t[r->hash & (cap - 1)];
            t[r->hash & (cap - 1)] = r;
        }
    }
    free(x->ifl);
    x->ifl = t;
    x->ifl_cap = cap;
    return 0;
}

/* *cur (malloc'd or NULL) joined with the in-flight deltas of the row, if any. */
static int ifl_join(sx_exec *x, uint32_t table_id, const uint8_t *pk, size_t pklen,
                    uint8_t **cur, size_t *curlen)
{
    if (!x->ifl_n) return 0;
    sx_inflight_row *r = *ifl_slot(x, table_id, pk, pklen, ifl_hash(table_id, pk, pklen));
    if (!r) return 0;
    uint8_t *out = NULL;
    size_t outlen = 0;
    int rc = crdt_row_merge_bytes(*cur, *cur ? *curlen : 0, r->delta, r->dlen, &out, &outlen,
                                  NULL);
    if (rc) {
        free(out);
        return rc;
    }
    free(*cur);
    *cur = out;
    *curlen = outlen;
    return 0;
}

/* Drops one reference from each of the commit's rows (the first n of its deltas). */
static void ifl_release(sx_exec *x, const logentry_delta *d, size_t n)
{
    for (size_t i = 0; i < n && x->ifl_n; i++) {
        sx_inflight_row **pp = ifl_slot(x, d[i].table_id, d[i].pk, d[i].pklen,
                                        ifl_hash(d[i].table_id, d[i].pk, d[i].pklen));
        sx_inflight_row *r = *pp;
        if (!r || --r->refs > 0) continue;
        *pp = r->next;
        free(r->pk);
        free(r->delta);
        free(r);
        x->ifl_n--;
    }
}

/* Records a commit's deltas as in flight. On failure nothing stays recorded. */
static int ifl_add(sx_exec *x, const logentry_delta *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = 0;
        if (x->ifl_n >= x->ifl_cap) rc = ifl_grow(x);
        uint64_t h = ifl_hash(d[i].table_id, d[i].pk, d[i].pklen);
        sx_inflight_row **pp = rc ? NULL : ifl_slot(x, d[i].table_id, d[i].pk, d[i].pklen, h);
        if (pp && *pp) {
            uint8_t *out = NULL;
            size_t outlen = 0;
            rc = crdt_row_merge_bytes((*pp)->delta, (*pp)->dlen, d[i].delta, d[i].dlen, &out,
                                      &outlen, NULL);
            if (rc == 0) {
                free((*pp)->delta);
                (*pp)->delta = out;
                (*pp)->dlen = outlen;
                (*pp)->refs++;
            } else {
                free(out);
            }
        } else if (pp) {
            sx_inflight_row *r = calloc(1, sizeof *r);
            if (r && (r->pk = malloc(d[i].pklen + 1)) && (r->delta = malloc(d[i].dlen + 1))) {
                memcpy(r->pk, d[i].pk, d[i].pklen);
                memcpy(r->delta, d[i].delta, d[i].dlen);
                r->pklen = d[i].pklen;
                r->dlen = d[i].dlen;
                r->table_id = d[i].table_id;
                r->hash = h;
                r->refs = 1;
                *pp = r;
                x->ifl_n++;
            } else {
                if (r) free(r->pk);
                free(r);
                rc = CRDT_ENOMEM;
            }
        }
        if (rc) {
            ifl_release(x, d, i);
            return rc;
        }
    }
    return 0;
}

static void ifl_free(sx_exec *x)
{
    for (size_t i = 0; i < x->ifl_cap; i++) {
        for (sx_inflight_row *r = x->ifl[i], *next; r; r = next) {
            next = r->next;
            free(r->pk);
            free(r->delta);
            free(r);
        }
    }
    free(x->ifl);
    x->ifl = NULL;
    x->ifl_cap = x->ifl_n = 0;
}

/* Ends a run: its delta joins the overlay (discard: dropped, after a failure that leaves the
 * transaction to be rebuilt). */
static int run_end(storage_overlay *ov, sx_rowrun *run, bool discard)
{
    if (!run->active) return 0;
    int rc = 0;
    if (!discard) {
        codec_buf b;
        codec_buf_init(&b);
        rc = crdt_row_encode(&b, &run->delta);
        if (!rc) rc = b.err;
        if (!rc) rc = storage_overlay_add(ov, run->table_id, run->pk, run->pklen, b.data, b.len);
        codec_buf_free(&b);
    }
    crdt_row_free(&run->state);
    crdt_row_free(&run->delta);
    free(run->pk);
    memset(run, 0, sizeof *run);
    return rc;
}

/* Starts a run on op's row: its state is the stored row joined with what the overlay holds
 * for it and with the deltas of this loop's commits in flight. */
static int run_begin(sx_exec *x, storage_overlay *ov, sx_rowrun *run, const sx_op *op)
{
    uint8_t *cur = NULL;
    size_t curlen = 0;
    crdt_row_init(&run->state);
    crdt_row_init(&run->delta);
    int rc = storage_overlay_get(ov, NULL, op->table_id, op->pk, op->pklen, &cur, &curlen);
    if (rc == STORAGE_ENOTFOUND) rc = 0;
    if (rc == 0) rc = ifl_join(x, op->table_id, op->pk, op->pklen, &cur, &curlen);
    if (rc == 0 && cur) rc = crdt_row_decode(cur, curlen, &run->state);
    if (rc == 0 && !(run->pk = malloc(op->pklen ? op->pklen : 1))) rc = CRDT_ENOMEM;
    free(cur);
    if (rc) {
        crdt_row_free(&run->state);
        return rc;
    }
    memcpy(run->pk, op->pk, op->pklen);
    run->pklen = op->pklen;
    run->table_id = op->table_id;
    run->active = true;
    return 0;
}

/* Applies one recorded operation to overlay ov with dot `dot` (the preview or the commit's),
 * through the run: consecutive operations on one row (an UPDATE's columns, a row's touch and
 * its values) read it once. */
static int ov_apply(sx_exec *x, storage_overlay *ov, sx_rowrun *run, const sx_op *op,
                    causal_dot dot, causal_hlc ts)
{
    int rc = 0;
    if (run->active && (run->table_id != op->table_id || run->pklen != op->pklen ||
                        memcmp(run->pk, op->pk, op->pklen) != 0))
        rc = run_end(ov, run, false);
    if (rc == 0 && !run->active) rc = run_begin(x, ov, run, op);
    if (rc) return rc;
    crdt_row *state = &run->state, *delta = &run->delta;
    switch (op->kind) {
    case SX_OP_TOUCH: rc = crdt_row_touch(state, dot, delta); break;
    case SX_OP_DELETE: rc = crdt_row_delete(state, delta); break;
    case SX_OP_LWW: rc = crdt_row_lww_assign(state, delta, op->col, &op->v, ts, dot); break;
    case SX_OP_MV: rc = crdt_row_mv_assign(state, delta, op->col, op->s, op->slen, dot); break;
    case SX_OP_MV_ADD: rc = crdt_row_mv_add(state, delta, op->col, op->s, op->slen, dot); break;
    case SX_OP_SET_ADD_MANY:
        rc = crdt_row_set_add_many(state, delta, op->col, op->ckind,
                                   (const void *const *)op->elems, op->elens, op->nelems, dot);
        break;
    case SX_OP_MAP_PUT_MANY:
        rc = crdt_row_map_write_many(state, delta, op->col, (const void *const *)op->elems,
                                     op->elens, (const void *const *)op->vals, op->vlens,
                                     op->live, op->nelems, ts, dot);
        break;
    case SX_OP_COUNTER:
        rc = crdt_row_counter_add(state, delta, op->col, op->ckind, x->node, op->n);
        break;
    case SX_OP_SET_ADD:
        rc = crdt_row_set_add(state, delta, op->col, op->ckind, op->s, op->slen, dot);
        break;
    case SX_OP_SET_REMOVE:
        rc = crdt_row_set_remove(state, delta, op->col, op->ckind, op->s, op->slen);
        break;
    case SX_OP_SET_CLEAR: rc = crdt_row_set_clear(state, delta, op->col, op->ckind); break;
    case SX_OP_MAP_PUT:
        rc = crdt_row_map_put(state, delta, op->col, op->s, op->slen, op->j, op->jlen, ts, dot);
        break;
    case SX_OP_MAP_REMOVE:
        rc = crdt_row_map_remove(state, delta, op->col, op->s, op->slen, ts, dot);
        break;
    default: rc = CRDT_EINVAL;
    }
    if (rc) {
        /* A failed mutator left state and delta as they were (but after CRDT_ENOMEM): the
         * run's earlier operations keep their effect, as when each went in on its own. */
        run_end(ov, run, rc == CRDT_ENOMEM);
    }
    return rc;
}

/* Placeholder dots of the preview: a seq far above any real one, so they are fresh in every
 * stored context; they never leave the preview overlay. Dot index k of the transaction (and
 * the k + i of a *_MANY op's elements) is counter (SX_PREVIEW_SEQ << CAUSAL_OP_BITS) + k. */
#define SX_PREVIEW_SEQ (1ull << 42)

static causal_dot preview_dot(const sx_exec *x, uint32_t k)
{
    return causal_commit_dot(x->node, SX_PREVIEW_SEQ, k);
}

int sx_record(sx_session *s, sx_op *op, sqlerr *err)
{
    if (!s->txn.preview && !(s->txn.preview = storage_overlay_new(s->x->st))) {
        sx_op_free(op);
        return sqlerr_oom(err);
    }
    if (s->txn.nops == s->txn.cap) {
        size_t nc = s->txn.cap ? s->txn.cap * 2 : 16;
        sx_op *n = realloc(s->txn.ops, nc * sizeof *n);
        if (!n) {
            sx_op_free(op);
            return sqlerr_oom(err);
        }
        s->txn.ops = n;
        s->txn.cap = nc;
    }
    uint32_t nd = op_ndots(op);
    if (nd > SX_TXN_DOTS_MAX - s->txn.ndots) {
        sx_op_free(op);
        return sqlerr_set(err, "54000", -1,
                          "transaction writes too many values (limit %u per transaction)",
                          SX_TXN_DOTS_MAX);
    }
    op->dot0 = s->txn.ndots;
    int rc = ov_apply(s->x, s->txn.preview, &s->txn.run, op, preview_dot(s->x, op->dot0),
                      sx_clock_now(s->x));
    if (rc) {
        sx_op_free(op);
        if (rc == CRDT_EOVERFLOW) return sqlerr_set(err, "22003", -1, "bigint out of range");
        if (rc == CRDT_ELIMIT) return sqlerr_set(err, "54000", -1, "value too large");
        if (rc == CRDT_ENOMEM || rc == STORAGE_ENOMEM) return sqlerr_oom(err);
        return sqlerr_set(err, "XX000", -1, "could not apply write: %s",
                          rc <= -100 ? storage_strerror(rc) : codec_strerror(rc));
    }
    s->txn.ops[s->txn.nops++] = *op;
    s->txn.ndots += nd;
    memset(op, 0, sizeof *op);
    return SQL_OK;
}

static int txn_rebuild_preview(sx_session *s);

storage_overlay *sx_preview(sx_session *s)
{
    if (!s->txn.preview) s->txn.preview = storage_overlay_new(s->x->st);
    if (s->txn.preview && s->txn.run.active && run_end(s->txn.preview, &s->txn.run, false)) {
        /* out of memory joining the run: the preview is rebuilt from the operations */
        storage_overlay_del(s->txn.preview);
        s->txn.preview = NULL;
        if (txn_rebuild_preview(s) != 0) return NULL;
    }
    return s->txn.preview;
}

/* Undoes the operations a statement recorded from op `mark` on: they are dropped and the
 * preview is rebuilt from the ones before (same placeholder dots as sx_record). */
static int txn_truncate(sx_session *s, size_t mark)
{
    if (mark >= s->txn.nops) return 0;
    s->txn.ndots = s->txn.ops[mark].dot0;
    for (size_t k = mark; k < s->txn.nops; k++) sx_op_free(&s->txn.ops[k]);
    s->txn.nops = mark;
    run_end(NULL, &s->txn.run, true);
    storage_overlay_del(s->txn.preview);
    s->txn.preview = NULL;
    if (mark == 0) return 0;
    return txn_rebuild_preview(s);
}

/* The preview made anew from the recorded operations (no preview, no run before). */
static int txn_rebuild_preview(sx_session *s)
{
    if (!(s->txn.preview = storage_overlay_new(s->x->st))) return STORAGE_ENOMEM;
    causal_hlc ts = sx_clock_now(s->x);
    int rc = 0;
    for (size_t k = 0; k < s->txn.nops && rc == 0; k++)
        rc = ov_apply(s->x, s->txn.preview, &s->txn.run, &s->txn.ops[k],
                      preview_dot(s->x, s->txn.ops[k].dot0), ts);
    if (rc == 0) rc = run_end(s->txn.preview, &s->txn.run, false);
    run_end(NULL, &s->txn.run, true);
    return rc;
}

/* ---- DEALLOCATE, DISCARD --------------------------------------------------------------------
 *
 * Connection poolers reset a session with DISCARD ALL (pgbouncer's server_reset_query) and
 * psycopg 3 evicts its prepared statements with DEALLOCATE name: the statements live in the
 * wire layer (sink->statements_drop). DISCARD ALL also rolls settings back to their defaults
 * (RESET ALL) and UNLISTEN *; HeliosDB has no temporary tables,
 * cached plans or advisory locks to drop. */

/* SQL-level prepared statements (PREPARE / EXECUTE / DEALLOCATE): prepared as the extended
 * protocol's Parse prepares (parsed and planned at PREPARE) and kept with the protocol's named
 * statements by the wire layer (sink->statement_add): one namespace, as in PostgreSQL, so an
 * EXECUTE runs a statement a Parse made and a Bind binds one PREPARE made. */
#define SX_MAX_CURSORS 10000

static void stmt_free_(sx_stmt *p);

static sx_stmt *sqlprep_find(sx_session *s, const char *name)
{
    executor_sink *k = s->wire_sink;
    return k && k->statement_find ? (sx_stmt *)k->statement_find(k, name) : NULL;
}

/* in_block: a transaction block, or an implicit one of several statements (PostgreSQL's
 * PreventInTransactionBlock) */
static int run_discard(sx_session *s, const sqlast_stmt *st, bool in_block, executor_sink *sink,
                       executor_error *err)
{
    if (st->kind == SQLAST_DEALLOCATE) {
        int r = sink->statements_drop ? sink->statements_drop(sink, st->name, false) : 0;
        if (r == 1)
            return executor_error_set(err, "26000", "prepared statement \"%s\" does not exist",
                                      st->name);
        return sink->command_complete(sink, st->name ? "DEALLOCATE" : "DEALLOCATE ALL")
                   ? EXEC_ERROR
                   : EXEC_DONE;
    }
    char tag[32];
    snprintf(tag, sizeof tag, "DISCARD %s", st->name);
    if (!strcmp(st->name, "SEQUENCES") || (!strcmp(st->name, "ALL") && !in_block)) {
        free(s->seqvals); /* currval / lastval forget what this session got */
        s->seqvals = NULL;
        s->nseqvals = 0;
        s->last_seq = -1;
    }
    if (strcmp(st->name, "ALL") != 0) /* PLANS, SEQUENCES, TEMP: nothing of the kind is kept */
        return sink->command_complete(sink, tag) ? EXEC_ERROR : EXEC_DONE;
    if (in_block)
        return executor_error_set(err, "25001", "DISCARD ALL cannot run inside a transaction block");
    if (sink->statements_drop) sink->statements_drop(sink, NULL, true);
    if (s->nsess) sqlnotify_sess_unlisten_all(s->nsess); /* UNLISTEN * */
    /* RESET ALL: ParameterStatus for the reported settings it changes goes to the client */
    sqlerr se;
    if (sqlguc_reset_all(s->guc, sink, &se) || sx_role_refresh(s, sink, &se))
        return se.code[0] ? to_exec_err(err, &se) : EXEC_ERROR;
    return sink->command_complete(sink, tag) ? EXEC_ERROR : EXEC_DONE;
}

/* LISTEN / UNLISTEN / NOTIFY: recorded in the transaction, in effect at its commit
 * (sqlnotify.h). */
static int run_listen(sx_session *s, const sqlast_stmt *st, executor_sink *sink,
                      executor_error *err)
{
    const char *tag;
    if (st->kind == SQLAST_NOTIFY) {
        sqlerr se;
        if (sqlnotify_txn_notify(&s->txn.nt, st->name, st->value, &se)) return to_exec_err(err, &se);
        tag = "NOTIFY";
    } else {
        int op = st->kind == SQLAST_LISTEN ? SQLNOTIFY_LISTEN
                 : st->name                ? SQLNOTIFY_UNLISTEN
                                           : SQLNOTIFY_UNLISTEN_ALL;
        if (sqlnotify_txn_action(&s->txn.nt, op, st->name))
            return executor_error_set(err, "53200", "out of memory");
        tag = st->kind == SQLAST_LISTEN ? "LISTEN" : "UNLISTEN";
    }
    return sink->command_complete(sink, tag) ? EXEC_ERROR : EXEC_DONE;
}

/* ---- savepoints ------------------------------------------------------------------------------
 *
 * A savepoint is a mark in the transaction's recorded operations and catalog changes;
 * ROLLBACK TO drops what came after it (txn_truncate rebuilds the preview) and leaves a failed
 * block usable again, as in PostgreSQL. Row locks taken after the savepoint stay held until
 * the transaction ends (PostgreSQL releases a subtransaction's locks at ROLLBACK TO: keeping
 * them only makes another writer wait longer, it never lets an update be lost). */

static int savepoint_find(const sx_session *s, const char *name)
{
    for (int i = s->txn.nsps - 1; i >= 0; i--)
        if (!strcmp(s->txn.sps[i].name, name)) return i;
    return -1;
}

static void savepoints_pop(sx_session *s, int keep)
{
    while (s->txn.nsps > keep) free(s->txn.sps[--s->txn.nsps].name);
}

/* SAVEPOINT / RELEASE / ROLLBACK TO: EXEC_DONE (tag sent) or EXEC_ERROR. */
static int run_savepoint(sx_session *s, const sqlast_stmt *st, executor_sink *sink,
                         executor_error *err)
{
    const char *what = st->kind == SQLAST_SAVEPOINT ? "SAVEPOINT"
                       : st->kind == SQLAST_RELEASE ? "RELEASE SAVEPOINT"
                                                    : "ROLLBACK TO SAVEPOINT";
    if (s->state == SX_IDLE)
        return executor_error_set(err, "25P01", "%s can only be used in transaction blocks", what);
    if (st->kind == SQLAST_SAVEPOINT) {
        if (s->txn.nsps == s->txn.spcap) {
            int nc = s->txn.spcap ? s->txn.spcap * 2 : 8;
            sx_savepoint *n = realloc(s->txn.sps, (size_t)nc * sizeof *n);
            if (!n) return executor_error_set(err, "53200", "out of memory");
            s->txn.sps = n;
            s->txn.spcap = nc;
        }
        sx_savepoint *sp = &s->txn.sps[s->txn.nsps];
        if (!(sp->name = strdup(st->name))) return executor_error_set(err, "53200", "out of memory");
        char *name = sp->name;
        sx_txn_mark(s, sp);
        sp->name = name;
        s->txn.nsps++;
        return sink->command_complete(sink, "SAVEPOINT") ? EXEC_ERROR : EXEC_DONE;
    }
    int i = savepoint_find(s, st->name);
    if (i < 0) return executor_error_set(err, "3B001", "savepoint \"%s\" does not exist", st->name);
    if (st->kind == SQLAST_RELEASE) {
        savepoints_pop(s, i);
        return sink->command_complete(sink, "RELEASE") ? EXEC_ERROR : EXEC_DONE;
    }
    sx_savepoint sp = s->txn.sps[i];
    savepoints_pop(s, i + 1);
    if (sx_txn_rollback_to(s, &sp)) {
        s->state = SX_FAILED;
        return executor_error_set(err, "53200", "out of memory");
    }
    s->state = SX_BLOCK;
    return sink->command_complete(sink, "ROLLBACK") ? EXEC_ERROR : EXEC_DONE;
}

void sx_txn_mark(const sx_session *s, sx_savepoint *out)
{
    memset(out, 0, sizeof *out);
    out->nops = s->txn.nops;
    out->ncat = s->txn.ncat;
    out->nix = s->txn.nix;
    out->nauth = s->txn.nauth;
    out->nnotify_acts = s->txn.nt.nacts;
    out->nnotify_notes = s->txn.nt.nnotes;
}

int sx_txn_rollback_to(sx_session *s, const sx_savepoint *spp)
{
    sx_savepoint sp = *spp;
    sqlnotify_txn_truncate(&s->txn.nt, sp.nnotify_acts, sp.nnotify_notes);
    while (s->txn.ncat > sp.ncat) {
        sx_catchange *ch = &s->txn.cat[--s->txn.ncat];
        free(ch->name);
        sqlschema_free(ch->table);
    }
    while (s->txn.nix > sp.nix) sqlindex_free(s->txn.ix[--s->txn.nix].def);
    while (s->txn.nauth > sp.nauth) {
        s->txn.nauth--;
        free(s->txn.auth[s->txn.nauth].k);
        free(s->txn.auth[s->txn.nauth].v);
    }
    return txn_truncate(s, sp.nops) ? -1 : 0;
}

/* ---- row locks -----------------------------------------------------------------------------
 *
 * READ COMMITTED without lost updates (sqllock.h): a statement locks each row before it writes
 * it, unless every operation it makes on the row commutes (counter increments, set adds and
 * removes, map key puts and removes: their result does not depend on what the statement read).
 * A transaction keeps its locks until its commit is durable (the commit owns them, even if the
 * session goes away) or it rolls back. A statement that finds a row locked is undone
 * (txn_truncate to the mark sx_stmt_begin took), the session joins x->waiters and returns
 * EXEC_PENDING; when the holder releases, on_async wakes it and the statement runs again from
 * the start, reading the rows the holder committed. Waiting for a lock held, through a chain
 * of waits, by the waiting transaction itself is a deadlock: 40P01 at once. Cancel requests and
 * statement_timeout end a wait with 57014. */

static void wait_unlink(sx_session *s)
{
    sx_exec *x = s->x;
    if (s->wait_prev) s->wait_prev->wait_next = s->wait_next;
    else if (x->waiters == s) x->waiters = s->wait_next;
    else return; /* not waiting */
    if (s->wait_next) s->wait_next->wait_prev = s->wait_prev;
    s->wait_next = s->wait_prev = NULL;
}

static void locks_release(sx_exec *x, sqllock_owner *o)
{
    if (!o) return;
    bool woke = false;
    for (sx_session *w = x->waiters; w; w = w->wait_next)
        if (w->waiting_for == o) {
            w->waiting_for = NULL;
            w->lock_ready = true;
            woke = true;
            atomic_store(&w->lc->work, true);
        }
    sqllock_release(x->locks, o);
    if (woke) lcs_kick(x, false);
}

/* Wakes lc's waiters whose wait is over (on lc's loop, outside any session's call). */
static void locks_wake_ready(sx_loopctx *lc)
{
    sx_exec *x = lc->x;
    sx_session *ready = NULL;
    for (sx_session *w = x->waiters, *nx; w; w = nx) {
        nx = w->wait_next;
        if (!w->lock_ready || w->lc != lc) continue;
        wait_unlink(w);
        w->waiting_for = NULL;
        w->wait_next = ready;
        ready = w;
    }
    while (ready) {
        sx_session *w = ready;
        ready = w->wait_next;
        w->wait_next = NULL;
        w->wake(w->wake_arg);
    }
}

static void on_lock_timer(uv_timer_t *t)
{
    sx_loopctx *lc = t->data;
    sx_exec *x = lc->x;
    if (!engine_try_exclusive(x)) return; /* busy: the next tick */
    uint64_t now = uv_hrtime();
    bool timed = false;
    for (sx_session *w = x->waiters; w; w = w->wait_next) {
        if ((!w->deadline_ns && !w->lock_deadline_ns) || w->lc != lc) continue;
        if ((w->deadline_ns && now >= w->deadline_ns) ||
            (w->lock_deadline_ns && now >= w->lock_deadline_ns))
            w->lock_ready = true;
        else timed = true;
    }
    locks_wake_ready(lc);
    if (!timed) uv_timer_stop(t);
    sx_engine_leave(x);
}

static const char *lock_holder_user(const sqllock_owner *o)
{
    const sx_session *h = sqllock_owner_tag(o);
    return h ? h->user : "(committing)";
}

/* 0 held, 1 another transaction holds it (*holder), SQL_ERR on out of memory. */
static int lock_try(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen,
                    sqllock_owner **holder, sqlerr *err)
{
    if (!s->locks && !(s->locks = sqllock_owner_new(s))) return sqlerr_oom(err);
    int rc = sqllock_acquire(s->x->locks, s->locks, table_id, pk, pklen, holder);
    return rc < 0 ? sqlerr_oom(err) : rc;
}

int sx_rr_changed(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err)
{
    if (!s->snap || s->ro) return 0;
    uint8_t *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    int ra = storage_get(s->x->st, s->snap, table_id, pk, pklen, &a, &al);
    int rb = storage_get(s->x->st, NULL, table_id, pk, pklen, &b, &bl);
    int rc;
    if ((ra && ra != STORAGE_ENOTFOUND) || (rb && rb != STORAGE_ENOTFOUND))
        rc = sqlerr_set(err, "58030", -1, "could not read row: %s", storage_strerror(ra ? ra : rb));
    else if (ra == STORAGE_ENOTFOUND && rb == STORAGE_ENOTFOUND) rc = 0;
    else if (rb == STORAGE_ENOTFOUND) rc = 2;
    else if (ra == STORAGE_ENOTFOUND) rc = 1;
    else rc = al != bl || memcmp(a, b, al) ? 1 : 0;
    free(a);
    free(b);
    return rc;
}

/* REPEATABLE READ (PostgreSQL's first-updater-wins): a row this transaction locks to write
 * must be as its snapshot saw it, else 40001. Checked once the lock is held, when every
 * earlier writer's commit is durable and none can follow before this transaction ends (a
 * remote change still can: the regions merge it). A plain INSERT checks for itself
 * (rr_insert: a row that appeared since is 23505, as in PostgreSQL). */
static int rr_check(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err)
{
    if (!s->snap || s->ro || s->rr_insert) return SQL_OK;
    int ch = sx_rr_changed(s, table_id, pk, pklen, err);
    if (ch <= 0) return ch;
    return sqlerr_set(err, "40001", -1, "could not serialize access due to concurrent %s",
                      ch == 2 ? "delete" : "update");
}

static bool deadlock_or_wait(sx_session *s, sqllock_owner *holder, const char *what, sqlerr *err);

int sx_lock_row(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err)
{
    sqllock_owner *holder = NULL;
    int rc = lock_try(s, table_id, pk, pklen, &holder, err);
    if (rc == 0) return rr_check(s, table_id, pk, pklen, err);
    if (rc < 0) return rc;
    /* the chain of waits from the holder: reaching this session again is a deadlock */
    if (deadlock_or_wait(s, holder, "row lock", err)) return SQL_ERR;
    s->wait_table = 0;
    /* what a caller that cannot wait reports (every statement path of sqlexec.c waits) */
    return sqlerr_set(err, "55P03", -1, "could not obtain lock on row in relation");
}

int sx_lock_row_try(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen,
                    sqlerr *err)
{
    sqllock_owner *holder;
    int rc = lock_try(s, table_id, pk, pklen, &holder, err);
    return rc == 0 ? rr_check(s, table_id, pk, pklen, err) : rc;
}

/* ---- table locks ---------------------------------------------------------------------------
 *
 * PostgreSQL's eight table lock modes (sqllock.h), taken by every statement on the tables it
 * uses before it runs (sx_stmt_lock_tables, sqlrun_lock.c) and by LOCK TABLE, held until the
 * transaction ends (with its row locks: a commit keeps them until it is durable). A conflict
 * waits as a row lock does (the statement is undone and runs again once the holder is gone),
 * with the same deadlock check, cancel and statement_timeout.
 *
 * Plain SELECTs run under the shared engine lock on several threads at once, where the lock
 * table cannot change: they note their ACCESS SHARE locks in the session (s->tlw). ACCESS SHARE
 * conflicts with ACCESS EXCLUSIVE alone, and ACCESS EXCLUSIVE is only granted under the
 * exclusive engine lock: a statement asking for it first moves every other session's noted
 * locks on the table into the lock table (tlw_promote), where it can wait for them. A shared
 * statement that meets a table another transaction holds ACCESS EXCLUSIVE on is sent back to
 * run under the exclusive lock (sqlshared.c sees it first; a pause of a streaming statement
 * can still let one in, lock_wait_or_upgrade). Waiting requests are not queued: a request
 * waits only for the locks held, so a long line of readers can keep an ACCESS EXCLUSIVE
 * request waiting (PostgreSQL makes later readers queue behind it). */

/* Appends id to a growing array: 0, or -1 out of memory (nothing changed). */
static int ids_add(uint32_t **v, int *n, int *cap, uint32_t id)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 8;
        uint32_t *g = realloc(*v, (size_t)c * sizeof *g);
        if (!g) return -1;
        *v = g;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return 0;
}

bool sx_table_lock_conflicts(const sx_session *s, uint32_t id, int mode)
{
    return (sqllock_table_modes(s->x->locks, id, s->locks) & sqllock_conflicts(mode)) != 0;
}

static bool tlw_has(const sx_session *s, uint32_t id)
{
    for (int i = 0; i < s->ntlw; i++)
        if (s->tlw[i] == id) return true;
    return false;
}

/* Every other session's noted ACCESS SHARE lock on table id goes into the lock table (under
 * the exclusive engine lock: no session runs). */
static int tlw_promote(sx_session *s, uint32_t id, sqlerr *err)
{
    for (sx_session *o = s->x->sessions; o; o = o->all_next) {
        if (o == s || !tlw_has(o, id)) continue;
        if (!o->locks && !(o->locks = sqllock_owner_new(o))) return sqlerr_oom(err);
        sqllock_owner *h = NULL;
        int rc = sqllock_table_acquire(s->x->locks, o->locks, id, SQLLOCK_ACCESS_SHARE, &h);
        if (rc < 0) return sqlerr_oom(err);
        if (rc > 0) /* cannot be: ACCESS EXCLUSIVE is granted only after this move */
            log_error("sql", "internal error: a session's ACCESS SHARE lock on relation %u meets "
                             "an ACCESS EXCLUSIVE one", id);
        for (int i = 0; i < o->ntlw; i++)
            if (o->tlw[i] == id) o->tlw[i--] = o->tlw[--o->ntlw];
    }
    return SQL_OK;
}

/* Another transaction (holder) holds what s asks for: true with 40P01 set when the chain of
 * waits from the holder comes back to s, else false with s waiting for it (s->lock_wait). */
static bool deadlock_or_wait(sx_session *s, sqllock_owner *holder, const char *what, sqlerr *err)
{
    sqllock_owner *o = holder;
    for (int hops = 0; o && hops < 1000000; hops++) {
        sx_session *h = sqllock_owner_tag(o);
        if (!h) break; /* a commit in flight: it never waits */
        if (h == s) {
            sqlerr_set(err, "40P01", -1, "deadlock detected");
            sqlerr_detail(err, "The transaction waited for a %s held by a transaction that "
                               "waits for one of its own.", what);
            log_info("sql", "deadlock detected: user \"%s\" would wait for a %s held by "
                            "user \"%s\"; its statement fails with 40P01", s->user, what,
                     lock_holder_user(holder));
            return true;
        }
        o = h->waiting_for;
    }
    s->waiting_for = holder;
    s->lock_wait = true;
    return false;
}

int sx_lock_table(sx_session *s, uint32_t id, const char *name, int mode, bool nowait, sqlerr *err)
{
    sx_exec *x = s->x;
    if (mode == SQLLOCK_ACCESS_SHARE && tlw_has(s, id)) return SQL_OK;
    if (sqllock_owner_table_modes(s->locks, id) & (1u << mode)) return SQL_OK;
    if (s->op_shared) {
        if (mode == SQLLOCK_ACCESS_SHARE && !sx_table_lock_conflicts(s, id, mode))
            return ids_add(&s->tlw, &s->ntlw, &s->tlw_cap, id) ? sqlerr_oom(err) : SQL_OK;
        if (nowait)
            return sqlerr_set(err, "55P03", -1, "could not obtain lock on relation \"%s\"", name);
        /* run again under the exclusive engine lock, where it can wait */
        s->waiting_for = NULL;
        s->lock_wait = true;
        return sqlerr_set(err, "55P03", -1, "could not obtain lock on relation \"%s\"", name);
    }
    if ((sqllock_conflicts(mode) & (1u << SQLLOCK_ACCESS_SHARE)) && tlw_promote(s, id, err))
        return SQL_ERR;
    if (!s->locks && !(s->locks = sqllock_owner_new(s))) return sqlerr_oom(err);
    sqllock_owner *holder = NULL;
    int rc = sqllock_table_acquire(x->locks, s->locks, id, mode, &holder);
    if (rc < 0) return sqlerr_oom(err);
    if (rc == 0) return SQL_OK;
    if (nowait)
        return sqlerr_set(err, "55P03", -1, "could not obtain lock on relation \"%s\"", name);
    if (deadlock_or_wait(s, holder, "lock on a relation", err)) return SQL_ERR;
    s->wait_table = id;
    s->wait_mode = mode;
    return sqlerr_set(err, "55P03", -1, "could not obtain lock on relation \"%s\"", name);
}

/* The statement stopped at a locked row: undo it and wait (returns EXEC_PENDING with
 * resume_kind set), or EXEC_ERROR when the undo failed. */
static int lock_wait_start(sx_session *s, int kind, executor_error *err)
{
    sx_exec *x = s->x;
    s->lock_wait = false;
    if (sx_txn_rollback_to(s, &s->stmt_sp)) {
        s->waiting_for = NULL;
        return executor_error_set(err, "53200", "out of memory");
    }
    memset(err, 0, sizeof *err);
    s->lock_ready = false;
    s->wait_prev = NULL;
    s->wait_next = x->waiters;
    if (x->waiters) x->waiters->wait_prev = s;
    x->waiters = s;
    s->resume_kind = kind;
    s->wait_start_us = now_us_2000();
    int lt = sqlguc_lock_timeout_ms(s->guc);
    s->lock_deadline_ns = lt > 0 ? uv_hrtime() + (uint64_t)lt * 1000000u : 0;
    if ((s->deadline_ns || s->lock_deadline_ns) && !uv_is_active((uv_handle_t *)&s->lc->lock_timer))
        uv_timer_start(&s->lc->lock_timer, on_lock_timer, 20, 20);
    return EXEC_PENDING;
}

/* A wait ended: 57014 when by cancel or statement_timeout, 55P03 by lock_timeout, else 0 (run
 * the statement again). */
static int lock_wait_over(sx_session *s, executor_error *err)
{
    uint64_t lock_deadline = s->lock_deadline_ns;
    s->lock_deadline_ns = 0;
    if (s->cancel) {
        s->cancel = false;
        return executor_error_set(err, "57014", "canceling statement due to user request");
    }
    if (s->deadline_ns && uv_hrtime() >= s->deadline_ns) {
        s->deadline_ns = 0;
        return executor_error_set(err, "57014", "canceling statement due to statement timeout");
    }
    if (lock_deadline && uv_hrtime() >= lock_deadline)
        return executor_error_set(err, "55P03", "canceling statement due to lock timeout");
    s->lock_retry = true;
    return 0;
}

/* ---- commit ------------------------------------------------------------------------------- */

typedef struct sx_commit sx_commit;
struct sx_commit {
    storage_commit_req req;
    storage_overlay *ov;
    logentry_catalog *cat;
    uint8_t **catbufs;
    size_t ncat;
    sx_catchange *changes; /* taken from the txn, installed on success */
    int nchanges;
    bool ixchanged; /* indexes created or dropped, or roles / privileges changed: reload the
                     * catalog on success */
    uint32_t *newix; /* the indexes it created: the session waits for their builds */
    int nnewix;
    sx_exec *x;
    sx_loopctx *lc;   /* where it is answered */
    sx_session *sess; /* NULL once the session is gone */
    sqllock_owner *locks; /* the transaction's row locks, released once durable */
    sx_commit *next;
};

static void commit_free(sx_commit *c)
{
    if (c->locks) locks_release(c->x, c->locks);
    storage_overlay_del(c->ov);
    for (size_t i = 0; i < c->ncat; i++) free(c->catbufs[i]);
    free(c->catbufs);
    free(c->cat);
    for (int i = 0; i < c->nchanges; i++) {
        free(c->changes[i].name);
        sqlschema_free(c->changes[i].table);
    }
    free(c->changes);
    free(c->newix);
    free(c);
}

static void on_req_done(storage_commit_req *req);

static int cat_add(sx_commit *c, uint8_t op, const char *key, size_t klen, uint8_t *val,
                   size_t vlen)
{
    logentry_catalog *n = realloc(c->cat, (c->ncat + 1) * sizeof *n);
    if (!n) return -1;
    c->cat = n;
    uint8_t **nb = realloc(c->catbufs, (c->ncat + 1) * sizeof *nb);
    if (!nb) return -1;
    c->catbufs = nb;
    uint8_t *kb = malloc(klen + vlen + 1);
    if (!kb) return -1;
    memcpy(kb, key, klen);
    if (vlen) memcpy(kb + klen, val, vlen);
    c->catbufs[c->ncat] = kb;
    c->cat[c->ncat] = (logentry_catalog){op, kb, klen, vlen ? kb + klen : NULL, vlen};
    c->ncat++;
    return 0;
}

static int build_catalog(sx_session *s, sx_commit *c)
{
    uint32_t next = 0; /* past the ids the transaction created */
    for (int i = 0; i < s->txn.ncat; i++) {
        sx_catchange *ch = &s->txn.cat[i];
        char key[16] = "table.";
        uint32_t id = ch->drop ? ch->id : ch->table->id;
        key[6] = (char)(id >> 24), key[7] = (char)(id >> 16), key[8] = (char)(id >> 8);
        key[9] = (char)id;
        if (ch->drop) {
            uint8_t tomb[1] = {0};
            if (cat_add(c, LOGENTRY_CATALOG_PUT, key, 10, tomb, 1)) return -1;
            continue;
        }
        codec_buf b;
        codec_buf_init(&b);
        sqlschema_encode(ch->table, &b);
        int rc = b.err ? -1 : cat_add(c, LOGENTRY_CATALOG_PUT, key, 10, b.data, b.len);
        codec_buf_free(&b);
        if (rc) return -1;
        uint32_t top = sqlschema_max_id(ch->table, s->x->node); /* its foreign keys' oids too */
        if (top && top + 1 > next) next = top + 1;
    }
    for (int i = 0; i < s->txn.nix; i++) {
        const sx_ixchange *ch = &s->txn.ix[i];
        uint8_t key[SQLINDEX_KEY_LEN];
        sqlindex_catalog_key(key, ch->oid);
        if (ch->drop) {
            uint8_t tomb[1] = {0};
            if (cat_add(c, LOGENTRY_CATALOG_PUT, (const char *)key, sizeof key, tomb, 1)) return -1;
            continue;
        }
        codec_buf b;
        codec_buf_init(&b);
        sqlindex_encode(ch->def, &b);
        int rc = b.err ? -1 : cat_add(c, LOGENTRY_CATALOG_PUT, (const char *)key, sizeof key, b.data, b.len);
        codec_buf_free(&b);
        if (rc) return -1;
        if ((ch->oid >> 16) == s->x->node && ch->oid + 1 > next) next = ch->oid + 1;
    }
    for (int i = 0; i < s->txn.nauth; i++) {
        const sx_authkv *e = &s->txn.auth[i];
        if (cat_add(c, LOGENTRY_CATALOG_PUT, (const char *)e->k, e->kl, e->v, e->vl)) return -1;
        if (e->k[0] == 'r' && e->vl >= 13) {
            uint32_t oid = be32(e->v + 9);
            if ((oid >> 16) == s->x->node && oid + 1 > next) next = oid + 1;
        }
    }
    if (next) { /* the counter as stored: past every id handed out so far */
        if (s->x->next_table_id > next) next = s->x->next_table_id;
        uint8_t v[4] = {(uint8_t)(next >> 24), (uint8_t)(next >> 16), (uint8_t)(next >> 8),
                        (uint8_t)next};
        char key[32];
        size_t nl = strlen(SX_NODE_ID_KEY);
        memcpy(key, SX_NODE_ID_KEY, nl);
        key[nl] = (char)(s->x->node >> 8);
        key[nl + 1] = (char)s->x->node;
        if (cat_add(c, LOGENTRY_CATALOG_PUT, key, nl + 2, v, 4)) return -1;
    }
    return 0;
}

/* ---- serializable ---------------------------------------------------------------------------
 *
 * SERIALIZABLE for transactions that write, by validation at commit (optimistic concurrency
 * control). A SERIALIZABLE block reads one snapshot, as REPEATABLE READ, and records what it
 * reads: the tables it scans (a key range, an index or the whole table: the predicate is not
 * kept) and the rows it reads by their whole key, found or not. Its COMMIT fails with 40001 if
 * a local commit submitted after the snapshot wrote one of those tables, or if one of those
 * rows differs from the snapshot's or is in a commit still in flight. Validation and the
 * submission of the commit run under the exclusive engine lock, and every local commit records
 * its seq per table written (tmods) at submission, so a region's writing transactions are
 * serializable in the order they commit: each behaves as if it ran whole at its commit point
 * (readers of one snapshot are serialized at that snapshot). Writes are also checked as
 * REPEATABLE READ's (first updater wins: sx_lock_row). Tables are coarse: two SERIALIZABLE
 * transactions that scan and write one table make one of them fail even if the rows they
 * touch are disjoint, where PostgreSQL's predicate locks are finer; reads by whole key
 * (`WHERE id = $1`) are tracked per row. A change that came from another region counts only
 * through the row check: across regions HeliosDB gives causal consistency with CRDT merges. */

#define SX_SER_MAX_ROWS 100000 /* rows recorded per transaction; past it their tables count */

static uint64_t tmod_get(const sx_exec *x, uint32_t id)
{
    if (!x->tmod_cap) return 0;
    for (size_t i = (id * 2654435761u) & (x->tmod_cap - 1);; i = (i + 1) & (x->tmod_cap - 1)) {
        if (x->tmods[i].table_id == id) return x->tmods[i].seq;
        if (!x->tmods[i].table_id) return 0;
    }
}

/* 0, or -1 out of memory (the caller then fails the commit: a missed entry would let a
 * conflict pass) */
static int tmod_set(sx_exec *x, uint32_t id, uint64_t seq)
{
    if (2 * (x->tmod_n + 1) > x->tmod_cap) {
        size_t cap = x->tmod_cap ? 2 * x->tmod_cap : 64;
        struct sx_tmod *t = calloc(cap, sizeof *t);
        if (!t) return -1;
        for (size_t i = 0; i < x->tmod_cap; i++) {
            if (!x->tmods[i].table_id) continue;
            size_t k = (x->tmods[i].table_id * 2654435761u) & (cap - 1);
            while (t[k].table_id) k = (k + 1) & (cap - 1);
            t[k] = x->tmods[i];
        }
        free(x->tmods);
        x->tmods = t;
        x->tmod_cap = cap;
    }
    size_t i = (id * 2654435761u) & (x->tmod_cap - 1);
    while (x->tmods[i].table_id && x->tmods[i].table_id != id) i = (i + 1) & (x->tmod_cap - 1);
    if (!x->tmods[i].table_id) x->tmod_n++;
    x->tmods[i].table_id = id;
    if (seq > x->tmods[i].seq) x->tmods[i].seq = seq;
    return 0;
}

int sx_ser_read_table(sx_session *s, uint32_t table_id, sqlerr *err)
{
    if (!s->ser) return SQL_OK;
    for (int i = 0; i < s->ser_ntables; i++)
        if (s->ser_tables[i] == table_id) return SQL_OK;
    return ids_add(&s->ser_tables, &s->ser_ntables, &s->ser_tcap, table_id) ? sqlerr_oom(err) : SQL_OK;
}

int sx_ser_read_row(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err)
{
    if (!s->ser) return SQL_OK;
    if (s->ser_overflow || s->ser_nrows >= SX_SER_MAX_ROWS) {
        s->ser_overflow = true;
        return sx_ser_read_table(s, table_id, err);
    }
    if (s->ser_nrows == s->ser_rcap) {
        size_t cap = s->ser_rcap ? 2 * s->ser_rcap : 16;
        struct sx_ser_row *v = realloc(s->ser_rows, cap * sizeof *v);
        if (!v) return sqlerr_oom(err);
        s->ser_rows = v;
        s->ser_rcap = cap;
    }
    uint8_t *k = malloc(pklen ? pklen : 1);
    if (!k) return sqlerr_oom(err);
    memcpy(k, pk, pklen);
    s->ser_rows[s->ser_nrows++] = (struct sx_ser_row){table_id, k, pklen};
    return SQL_OK;
}

static void ser_clear(sx_session *s)
{
    for (size_t i = 0; i < s->ser_nrows; i++) free(s->ser_rows[i].pk);
    free(s->ser_rows);
    free(s->ser_tables);
    s->ser_rows = NULL;
    s->ser_tables = NULL;
    s->ser_nrows = s->ser_rcap = 0;
    s->ser_ntables = s->ser_tcap = 0;
    s->ser_overflow = false;
    s->ser = false;
}

/* At COMMIT of a SERIALIZABLE block that wrote (the exclusive engine lock held): EXEC_DONE, or
 * EXEC_ERROR with 40001 when something it read changed after its snapshot. */
static int ser_validate(sx_session *s, executor_error *err)
{
    sx_exec *x = s->x;
    const char *why = NULL;
    for (int i = 0; i < s->ser_ntables && !why; i++)
        if (tmod_get(x, s->ser_tables[i]) > s->ser_seq) why = "a table it read";
    for (size_t i = 0; i < s->ser_nrows && !why; i++) {
        const struct sx_ser_row *r = &s->ser_rows[i];
        if (s->ser_overflow) {
            if (tmod_get(x, r->table_id) > s->ser_seq) why = "a table it read";
            continue;
        }
        if (x->ifl_n && *ifl_slot(x, r->table_id, r->pk, r->pklen,
                                  ifl_hash(r->table_id, r->pk, r->pklen))) {
            why = "a row it read";
            break;
        }
        sqlerr se;
        int ch = sx_rr_changed(s, r->table_id, r->pk, r->pklen, &se);
        if (ch < 0) return to_exec_err(err, &se);
        if (ch) why = "a row it read";
    }
    if (!why) return EXEC_DONE;
    executor_error_set(err, "40001",
                       "could not serialize access due to read/write dependencies among transactions");
    snprintf(err->detail, sizeof err->detail, "Reason code: Canceled on commit attempt: %s "
             "was written by a transaction that committed after this one's snapshot.", why);
    snprintf(err->hint, sizeof err->hint, "The transaction might succeed if retried.");
    return EXEC_ERROR;
}

/* ---- LISTEN / NOTIFY (sqlnotify.h) ---------------------------------------------------------
 *
 * A transaction's actions and notifications are recorded in s->txn.nt. Its commit applies the
 * actions to the session and writes the notifications into its log entry; storage's writer
 * hands every applied entry's notifications, local and remote, to the hub in commit order
 * once durable (storage_notify). A session's hub state is created at its first LISTEN. When
 * its queue becomes non-empty the hub kicks its loop, whose on_async tells the wire layer
 * (sink->notify_ready); the wire layer takes them through ops->notifications when the
 * session is idle outside a transaction. */

/* storage's notify hook (the writer thread): to the listeners of this region. */
static void storage_notify(void *ctx, uint32_t pid, const logentry_catalog *items, size_t n)
{
    sx_exec *x = ctx;
    sqlnotify_dispatch(x->nhub, pid, items, n);
}

/* The hub's kick (any thread, the hub's mutex held): signal only. */
static void notify_kick(void *arg)
{
    sx_session *s = arg;
    atomic_store(&s->notify_kick, true);
    atomic_store(&s->lc->notify, true);
    uv_async_send(&s->lc->async);
}

/* Applies committed LISTEN / UNLISTEN actions to the session. 0, or -1 out of memory. */
static int notify_commit(sx_session *s, const sqlnotify_txn *t)
{
    if (!s->nsess) {
        bool listens = false;
        for (int i = 0; i < t->nacts; i++)
            if (t->acts[i].op == SQLNOTIFY_LISTEN) listens = true;
        if (!listens) return 0; /* UNLISTEN of a session that never listened */
        if (!(s->nsess = sqlnotify_sess_new(s->x->nhub, notify_kick, s))) return -1;
    }
    return sqlnotify_sess_commit(s->nsess, t);
}

/* on_async: the sessions of lc whose queues the hub kicked learn it (their wire layer takes
 * the notifications when idle). Sessions of lc end only on this thread, so the ones collected
 * under sessmu are still there when told. */
static void notify_ready_all(sx_loopctx *lc)
{
    sx_exec *x = lc->x;
    executor_sink *ready[64];
    for (bool more = true; more;) {
        int n = 0;
        more = false;
        pthread_mutex_lock(&x->sessmu);
        for (sx_session *o = x->sessions; o; o = o->all_next) {
            if (o->lc != lc || !atomic_load(&o->notify_kick)) continue;
            if (n == (int)(sizeof ready / sizeof ready[0])) {
                more = true;
                break;
            }
            atomic_store(&o->notify_kick, false);
            if (o->wire_sink && o->wire_sink->notify_ready) ready[n++] = o->wire_sink;
        }
        pthread_mutex_unlock(&x->sessmu);
        for (int i = 0; i < n; i++) ready[i]->notify_ready(ready[i]);
    }
}

/* Starts the commit of the session's transaction. Returns EXEC_DONE (nothing to commit),
 * EXEC_PENDING (completion wakes the session) or EXEC_ERROR. The transaction is cleared. */
int sx_commit_start(sx_session *s, executor_error *err)
{
    sx_exec *x = s->x;
    if (s->txn.nops == 0 && s->txn.ncat == 0 && s->txn.nix == 0 && s->txn.nauth == 0 &&
        s->txn.nt.nnotes == 0) {
        /* nothing to write: LISTEN / UNLISTEN take effect now */
        int nrc = s->txn.nt.nacts ? notify_commit(s, &s->txn.nt) : 0;
        txn_clear(s);
        return nrc ? executor_error_set(err, "53200", "out of memory") : EXEC_DONE;
    }
    if (s->ser && ser_validate(s, err) == EXEC_ERROR) { /* SERIALIZABLE: what it read */
        txn_clear(s);
        return EXEC_ERROR;
    }
    sx_commit *c = calloc(1, sizeof *c);
    if (!c || !(c->ov = storage_overlay_new(x->st)) || build_catalog(s, c)) goto oom;
    /* NOTIFYs travel in the entry (logentry.h "Notifications"), after the catalog changes */
    for (size_t i = 0; i < s->txn.nt.nnotes; i++) {
        const sqlnotify_note *n = &s->txn.nt.notes[i];
        if (cat_add(c, LOGENTRY_NOTIFY, n->channel, n->clen, (uint8_t *)n->payload, n->plen))
            goto oom;
    }
    uint64_t seq;
    /* A commit takes one seq per 2^CAUSAL_OP_BITS dots (its dots run on into the next seqs)
       and, when its changes exceed LOGENTRY_PART_BYTES, enough seqs for its parts
       (logentry.h): estimated from the preview, whose dots encode no shorter than the
       commit's; greedy cutting needs at most 2 parts per LOGENTRY_PART_BYTES, +1. Seqs past
       the parts get empty entries. */
    uint64_t est = 0;
    if (s->txn.nops) {
        storage_overlay *pv = sx_preview(s);
        if (!pv) goto oom;
        est = storage_overlay_bytes(pv);
    }
    if (est > LOGENTRY_MAX_TXN) {
        commit_free(c);
        txn_clear(s);
        executor_error_set(err, "54000", "transaction too large to replicate: its changes take "
                           "about %llu MiB, the limit is %llu MiB per transaction",
                           (unsigned long long)(est >> 20),
                           (unsigned long long)(LOGENTRY_MAX_TXN >> 20));
        snprintf(err->hint, sizeof err->hint, "Split the load into several transactions (for "
                 "COPY, several COPY commands of fewer rows each).");
        return EXEC_ERROR;
    }
    uint64_t nseqs64 = ((uint64_t)s->txn.ndots + (1u << CAUSAL_OP_BITS) - 1) >> CAUSAL_OP_BITS;
    if (est > LOGENTRY_PART_BYTES) {
        uint64_t parts = 2 * ((est + LOGENTRY_PART_BYTES - 1) / LOGENTRY_PART_BYTES) + 1;
        if (parts > nseqs64) nseqs64 = parts;
    }
    if (nseqs64 > LOGENTRY_MAX_PARTS) nseqs64 = LOGENTRY_MAX_PARTS;
    uint32_t nseqs = nseqs64 ? (uint32_t)nseqs64 : 1;
    int rc = storage_next_seqs(x->st, nseqs, &seq);
    if (rc) {
        commit_free(c);
        txn_clear(s);
        return executor_error_set(err, rc == STORAGE_ENOSPC ? "53100" : rc == STORAGE_EREADONLY ? "25006" : "58030",
                                  "could not commit: %s", storage_strerror(rc));
    }
    causal_hlc ts = sx_clock_now(x);
    sx_rowrun run = {0};
    for (size_t k = 0; k <= s->txn.nops; k++) {
        rc = k < s->txn.nops ? ov_apply(x, c->ov, &run, &s->txn.ops[k],
                                        causal_commit_dot(x->node, seq, s->txn.ops[k].dot0), ts)
                             : run_end(c->ov, &run, false);
        if (rc) {
            run_end(NULL, &run, true);
            storage_abandon_seqs(x->st, seq, nseqs);
            commit_free(c);
            txn_clear(s);
            return executor_error_set(err, "XX000", "could not build commit: %s",
                                      rc <= -100 ? storage_strerror(rc) : codec_strerror(rc));
        }
    }
    /* SERIALIZABLE's validation of later commits (ser_validate): the tables this one writes */
    for (size_t k = 0, last = (size_t)-1; k < s->txn.nops; k++) {
        if (last != (size_t)-1 && s->txn.ops[k].table_id == s->txn.ops[last].table_id) continue;
        last = k;
        if (tmod_set(x, s->txn.ops[k].table_id, seq)) {
            storage_abandon_seqs(x->st, seq, nseqs);
            commit_free(c);
            txn_clear(s);
            return executor_error_set(err, "53200", "out of memory");
        }
    }
    c->req.seq = seq;
    c->req.nseqs = nseqs;
    c->req.hlc = ts;
    if (storage_overlay_fill_req(c->ov, &c->req) || ifl_add(x, c->req.deltas, c->req.ndeltas)) {
        storage_abandon_seqs(x->st, seq, nseqs);
        c->req.ndeltas = 0; /* nothing recorded in flight */
        commit_free(c);
        txn_clear(s);
        return executor_error_set(err, "53200", "out of memory");
    }
    c->req.catalog = c->cat;
    c->req.ncatalog = c->ncat;
    c->req.cb = on_req_done;
    c->req.user = c;
    c->sess = s;
    c->x = x;
    c->lc = s->lc;
    c->req.notify_pid = s->pid;
    /* LISTEN / UNLISTEN take effect as the commit goes to storage, so a LISTEN hears the
       transaction's own NOTIFY (handed over by storage's writer once the commit is durable,
       storage_notify) as in PostgreSQL. A commit that then fails keeps them (rare: a disk
       error; PostgreSQL cannot fail there at all). */
    if (s->txn.nt.nacts && notify_commit(s, &s->txn.nt))
        log_warn("sql", "LISTEN of session %u not applied: out of memory", s->pid);
    c->changes = s->txn.cat;
    c->nchanges = s->txn.ncat;
    c->ixchanged = s->txn.nix > 0 || s->txn.nauth > 0;
    if (s->txn.nix > 0 && (c->newix = calloc((size_t)s->txn.nix, sizeof *c->newix)))
        for (int i = 0; i < s->txn.nix; i++)
            if (!s->txn.ix[i].drop) c->newix[c->nnewix++] = s->txn.ix[i].oid;
    s->txn.cat = NULL;
    s->txn.ncat = 0;
    c->locks = s->locks; /* held until the commit is durable: a waiter then reads it */
    s->locks = NULL;
    if (c->locks) sqllock_owner_set_tag(c->locks, NULL);
    txn_clear(s);
    rc = storage_commit_async(x->st, &c->req);
    if (rc) {
        storage_abandon_seqs(x->st, seq, nseqs);
        ifl_release(x, c->req.deltas, c->req.ndeltas);
        commit_free(c);
        return executor_error_set(err, "58030", "could not commit: %s", storage_strerror(rc));
    }
    if (c->lc->inflight++ == 0) uv_ref((uv_handle_t *)&c->lc->async);
    s->commit = c;
    s->commit_status = 1;
    return EXEC_PENDING;
oom:
    if (c) commit_free(c);
    txn_clear(s);
    return executor_error_set(err, "53200", "out of memory");
}

/* ---- conflicts ------------------------------------------------------------------------------
 *
 * helios.conflicts counts, per table, the commit-time merges that found concurrent writes. The
 * merge callback does not learn which row it merges (storage passes state and delta only), so
 * a merge with conflicts is parked with a copy of its delta bytes, and the wakeup hook, which
 * runs on the writer thread after each group of applied entries, reads the entries applied since
 * the last pass from the origin logs and attributes each parked delta to the table of the log
 * entry delta with the same bytes (a delta carries its commit's dots, so bytes are unique). Only
 * merges on the writer thread count: the loop thread's merges are transaction previews
 * (storage_overlay reads), not commits. Parked deltas are bounded; an overflow drops the oldest
 * (undercounting, never misattributing). */

#define SX_CONFLICT_PENDING_MAX 4096

struct sx_conflict_pending {
    uint8_t *delta;
    size_t dlen;
    uint64_t conflicts;
    int64_t at_us;
    sx_conflict_pending *next;
};

static void conflict_add(sx_exec *x, uint32_t table_id, uint64_t n, int64_t at_us)
{
    for (int i = 0; i < x->ncstats; i++)
        if (x->cstats[i].table_id == table_id) {
            x->cstats[i].conflicts += n;
            if (at_us > x->cstats[i].last_us) x->cstats[i].last_us = at_us;
            return;
        }
    if (x->ncstats == x->cstats_cap) {
        int cap = x->cstats_cap ? 2 * x->cstats_cap : 16;
        sx_conflict_stat *v = realloc(x->cstats, (size_t)cap * sizeof *v);
        if (!v) return; /* the count is lost, the server goes on */
        x->cstats = v;
        x->cstats_cap = cap;
    }
    x->cstats[x->ncstats++] = (sx_conflict_stat){table_id, n, at_us};
}

/* Writer thread (merge callback): park a conflicting delta for conflicts_resolve. */
static void conflict_park(sx_exec *x, const uint8_t *delta, size_t dlen, uint64_t n)
{
    sx_conflict_pending *p = malloc(sizeof *p);
    uint8_t *copy = malloc(dlen ? dlen : 1);
    if (!p || !copy) {
        free(p);
        free(copy);
        return;
    }
    memcpy(copy, delta, dlen);
    *p = (sx_conflict_pending){copy, dlen, n, now_us_2000(), NULL};
    pthread_mutex_lock(&x->cmu);
    sx_conflict_pending **tail = &x->cpending;
    while (*tail) tail = &(*tail)->next;
    *tail = p;
    if (++x->npending > SX_CONFLICT_PENDING_MAX) {
        sx_conflict_pending *old = x->cpending;
        x->cpending = old->next;
        x->npending--;
        free(old->delta);
        free(old);
    }
    pthread_mutex_unlock(&x->cmu);
}

/* Caller holds cmu. */
static void conflict_match(sx_exec *x, const logentry_delta *d)
{
    for (sx_conflict_pending **pp = &x->cpending; *pp; pp = &(*pp)->next) {
        sx_conflict_pending *p = *pp;
        if (p->dlen == d->dlen && !memcmp(p->delta, d->delta, d->dlen)) {
            conflict_add(x, d->table_id, p->conflicts, p->at_us);
            *pp = p->next;
            x->npending--;
            free(p->delta);
            free(p);
            return;
        }
    }
}

/* Writer thread (wakeup hook), so no entry is applied while it reads the logs. */
static void conflicts_resolve(sx_exec *x)
{
    pthread_mutex_lock(&x->cmu);
    bool any = x->cpending != NULL;
    pthread_mutex_unlock(&x->cmu);
    causal_vv now;
    causal_vv_init(&now);
    if (storage_vv(x->st, &now)) goto out;
    if (!any) {
        /* nothing parked: every entry applied so far is accounted for */
        causal_vv_copy(&x->cseen, &now);
        goto out;
    }
    for (uint32_t i = 0; i < now.len; i++) {
        uint16_t origin = now.v[i].node;
        uint64_t from = causal_vv_get(&x->cseen, origin) + 1, seq, last = from - 1;
        if (now.v[i].counter < from) continue;
        storage_log_iter *it;
        int rc = storage_log_iter_new(x->st, origin, from, &it);
        if (rc == STORAGE_ETRUNCATED) {
            causal_vv_set(&x->cseen, origin, now.v[i].counter); /* gone: cannot attribute */
            continue;
        }
        if (rc) continue;
        const uint8_t *bytes;
        size_t len;
        while (storage_log_iter_next(it, &seq, &bytes, &len) == 1 && seq <= now.v[i].counter) {
            logentry e;
            logentry_init(&e);
            if (logentry_decode(bytes, len, &e) == 0) {
                pthread_mutex_lock(&x->cmu);
                for (size_t k = 0; k < e.ndeltas && x->cpending; k++)
                    conflict_match(x, &e.deltas[k]);
                pthread_mutex_unlock(&x->cmu);
            }
            logentry_free(&e);
            last = seq;
        }
        storage_log_iter_del(it);
        /* the local log stops at the durable watermark: later entries on the next pass */
        if (last >= from) causal_vv_set(&x->cseen, origin, last);
    }
out:
    causal_vv_free(&now);
}

int sx_conflicts_copy(sx_exec *x, sx_conflict_stat **out, int *n)
{
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&x->cmu);
    int rc = 0;
    if (x->ncstats) {
        *out = malloc((size_t)x->ncstats * sizeof **out);
        if (*out) {
            memcpy(*out, x->cstats, (size_t)x->ncstats * sizeof **out);
            *n = x->ncstats;
        } else {
            rc = -1;
        }
    }
    pthread_mutex_unlock(&x->cmu);
    return rc;
}

static void conflicts_free(sx_exec *x)
{
    while (x->cpending) {
        sx_conflict_pending *p = x->cpending;
        x->cpending = p->next;
        free(p->delta);
        free(p);
    }
    free(x->cstats);
    causal_vv_free(&x->cseen);
    if (x->cmu_init) pthread_mutex_destroy(&x->cmu);
}

/* Writer thread: queue the completion for its loop (on_async, signalled by on_wakeup). */
static void on_req_done(storage_commit_req *req)
{
    sx_commit *c = req->user;
    sx_exec *x = c->x;
    pthread_mutex_lock(&x->mu);
    c->next = c->lc->done;
    c->lc->done = c;
    atomic_store(&c->lc->work, true);
    pthread_mutex_unlock(&x->mu);
}

/* Whether every index commit c created is built (or failed, or was dropped since). */
static bool ixbuilds_done(sx_exec *x, const sx_commit *c)
{
    for (int i = 0; i < c->nnewix; i++)
        if (sqlindex_reg_state(x->ixreg, c->newix[i]) == 0) return false;
    return true;
}

/* Wakes the committing session (if still there) with the outcome, and frees c. */
static void commit_answer(sx_commit *c)
{
    sx_session *s = c->sess;
    if (s) {
        s->commit = NULL;
        s->commit_status = c->req.status == 0 ? 0 : c->req.status;
        snprintf(s->commit_msg, sizeof s->commit_msg, "%s", c->req.errmsg);
        s->wake(s->wake_arg);
    }
    commit_free(c);
}

int sx_index_builder_pid(sx_exec *x, uint32_t oid)
{
    for (sx_commit *c = x->ixwait; c; c = c->next)
        for (int i = 0; i < c->nnewix; i++)
            if (c->newix[i] == oid && c->sess) return (int)c->sess->pid;
    return 0;
}

static void on_ix_ready(void *ctx, uint32_t oid)
{
    (void)oid;
    lcs_kick(ctx, true); /* on_async answers the commits waiting for it */
}

static void on_wakeup(void *ctx)
{
    sx_exec *x = ctx;
    conflicts_resolve(x);
    /* the loops with completed commits (on_req_done set their work) */
    pthread_mutex_lock(&x->mu);
    for (sx_loopctx *lc = x->lcs; lc; lc = lc->next)
        if (lc->done) uv_async_send(&lc->async);
    pthread_mutex_unlock(&x->mu);
}

static void on_sleep_timer(uv_timer_t *t);

/* A cancel request ends the session's wait for a row lock or a pg_sleep (sx_cancel, from any
 * thread, left that to the session's loop). */
static void cancel_waits(sx_loopctx *lc)
{
    for (sx_session *o = lc->x->sessions; o; o = o->all_next) {
        if (o->lc != lc || !atomic_exchange(&o->cancel_wake, false)) continue;
        if (o->waiting_for || o->wait_prev || lc->x->waiters == o) o->lock_ready = true;
        if (o->sleeping) uv_timer_start(o->sleep_timer, on_sleep_timer, 0, 0);
    }
}

static void on_async(uv_async_t *h)
{
    sx_loopctx *lc = h->data;
    sx_exec *x = lc->x;
    if (atomic_exchange(&lc->notify, false)) notify_ready_all(lc); /* needs no engine lock */
    if (engine_depth == 0) engine_wake_waiters(lc);
    if (!lc->deferred && !atomic_exchange(&lc->work, false)) return; /* nothing for this loop */
    /* counted before the try (a holder leaving meanwhile still signals) */
    if (!lc->deferred) {
        lc->deferred = true;
        atomic_fetch_add(&x->engine_waiters, 1);
    }
    if (!engine_try_exclusive_wait(x)) return; /* a long read holds it: again when it leaves */
    lc->deferred = false;
    atomic_fetch_sub(&x->engine_waiters, 1);
    if (atomic_exchange(&x->catalog_dirty, false)) {
        char lerr[200];
        /* On failure the old cache stays: the next change (or a restart) retries. */
        (void)catalog_load(x, lerr, sizeof lerr);
    }
    cancel_waits(lc);
    /* pg_terminate_backend: tell each session's wire layer, once (it ends the connection when
     * it is idle); a wake may close a connection and its session, so restart the walk after one */
    for (bool again = true; again;) {
        again = false;
        for (sx_session *o = x->sessions; o; o = o->all_next)
            if (o->lc == lc && o->terminate && !o->terminate_woken) {
                o->terminate_woken = true;
                if (o->wake) o->wake(o->wake_arg);
                again = true;
                break;
            }
    }
    pthread_mutex_lock(&x->mu);
    sx_commit *list = lc->done;
    lc->done = NULL;
    pthread_mutex_unlock(&x->mu);
    bool committed = false;
    while (list) {
        sx_commit *c = list;
        list = c->next;
        lc->inflight--;
        ifl_release(x, c->req.deltas, c->req.ndeltas);
        if (c->req.status == 0) {
            for (int i = 0; i < c->nchanges; i++) {
                sx_catchange *ch = &c->changes[i];
                if (ch->drop) {
                    catalog_drop(x, ch->id);
                } else if (sx_catalog_put(x, ch->table) == 0) {
                    uint32_t top = sqlschema_max_id(ch->table, x->node);
                    if (top && top >= x->next_table_id) x->next_table_id = top + 1;
                    ch->table = NULL;
                }
            }
        }
        if (c->req.status == 0 && c->ixchanged) {
            char lerr[200];
            (void)catalog_load(x, lerr, sizeof lerr); /* the committed indexes, as stored */
        }
        if (c->req.status == 0) committed = true;
        if (c->req.status == 0 && !ixbuilds_done(x, c)) {
            c->next = x->ixwait; /* answered once its indexes are built */
            x->ixwait = c;
            lc->nixwait++;
            continue;
        }
        commit_answer(c);
    }
    for (sx_commit **pp = &x->ixwait; *pp;) {
        sx_commit *c = *pp;
        if (c->lc != lc || !ixbuilds_done(x, c)) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        lc->nixwait--;
        commit_answer(c);
    }
    /* The loop stays alive while a commit is in flight or waits for its index builds (whose
     * end is announced through this handle): unreferenced, a loop with nothing else to do
     * would stop polling and never answer them. */
    if (lc->inflight == 0 && lc->nixwait == 0) uv_unref((uv_handle_t *)&lc->async);
    else uv_ref((uv_handle_t *)&lc->async);
    if (committed && x->commit_fn) x->commit_fn(x->commit_arg);
    locks_wake_ready(lc);
    sx_engine_leave(x);
}

/* ---- replication hooks -------------------------------------------------------------------- */

struct storage *sqlexec_storage(executor *ex)
{
    return ((sx_exec *)ex)->st;
}

void sqlexec_catalog_changed(executor *ex)
{
    sx_exec *x = (sx_exec *)ex;
    pthread_mutex_lock(&x->mu);
    bool workers = x->nlcs > 1;
    pthread_mutex_unlock(&x->mu);
    if (!workers) { /* every session is on the caller's loop: load it now */
        sx_engine_enter(x);
        char err[200];
        /* On failure the old cache stays: the next change (or a restart) retries. */
        (void)catalog_load(x, err, sizeof err);
        sx_engine_leave(x);
        return;
    }
    /* Another thread (replication's, while SQL runs on worker threads): a worker's loop loads
     * it, so the caller never waits for a running statement. */
    atomic_store(&x->catalog_dirty, true);
    pthread_mutex_lock(&x->mu);
    sx_loopctx *lc = x->lcs;
    while (lc && lc == x->home && lc->next) lc = lc->next;
    if (lc) lc_kick(lc);
    pthread_mutex_unlock(&x->mu);
}

void sqlexec_observe_hlc(executor *ex, causal_hlc remote)
{
    sx_exec *x = (sx_exec *)ex;
    pthread_mutex_lock(&x->clock_mu);
    int rc = causal_clock_observe(&x->clock, remote, wall_ms());
    unsigned long long max_skew = x->clock.max_skew_ms, events = x->clock.skew_events;
    pthread_mutex_unlock(&x->clock_mu);
    if (rc == 1)
        log_warn("clock", "remote timestamp %llu ms is ahead of the local clock by more than "
                          "clock.max_skew_ms=%llu (accepted; %llu skew event(s) so far)",
                 (unsigned long long)CAUSAL_HLC_MS(remote), max_skew, events);
}

causal_hlc sqlexec_hlc(executor *ex)
{
    return sx_clock_last((sx_exec *)ex);
}

void sqlexec_skew_stats(executor *ex, uint64_t *events, uint64_t *max_ms)
{
    sx_exec *x = (sx_exec *)ex;
    pthread_mutex_lock(&x->clock_mu);
    *events = x->clock.skew_events;
    *max_ms = x->clock.max_seen_skew_ms;
    pthread_mutex_unlock(&x->clock_mu);
}

void sqlexec_set_commit_hook(executor *ex, void (*fn)(void *arg), void *arg)
{
    sx_exec *x = (sx_exec *)ex;
    sx_engine_enter(x);
    x->commit_fn = fn;
    x->commit_arg = fn ? arg : NULL;
    sx_engine_leave(x);
}

void sqlexec_set_repl_hooks(executor *ex, void (*anti_entropy)(void *arg), void *arg)
{
    sx_exec *x = (sx_exec *)ex;
    sx_engine_enter(x);
    x->ae_fn = anti_entropy;
    x->ae_arg = anti_entropy ? arg : NULL;
    sx_engine_leave(x);
}

void sqlexec_set_peer_provider(executor *ex, int (*fn)(void *arg, sqlexec_peer_row *rows, int max),
                               void *arg)
{
    sx_exec *x = (sx_exec *)ex;
    sx_engine_enter(x);
    x->peer_fn = fn;
    x->peer_arg = fn ? arg : NULL;
    sx_engine_leave(x);
}

/* ---- sessions ----------------------------------------------------------------------------- */

enum {
    RK_NONE = 0,
    RK_COMMIT_TAG,
    RK_FINAL,
    RK_EXEC_COMMIT,
    RK_SYNC,
    RK_SLEEP_STREAM,      /* a simple query's streaming SELECT waits out a pg_sleep */
    RK_SLEEP_STREAM_EXEC, /* an Execute's */
    RK_SLEEP_AFTER,       /* a simple query's statement ended; its pg_sleep time is due */
    RK_SLEEP_EXEC,        /* an Execute's statement ran; its result waits for its pg_sleep */
    RK_STREAM,      /* a simple query's streaming SELECT paused on output */
    RK_STREAM_EXEC, /* an Execute's */
    RK_LOCK,        /* a simple query's statement waits for a row lock */
    RK_LOCK_EXEC,   /* an Execute's (resume_portal, resume_max) */
    RK_LOCK_COPY,   /* COPY FROM's apply at CopyDone */
    RK_ENGINE_SIMPLE, /* a simple query's statements wait for the exclusive engine lock */
    RK_ENGINE_EXEC,   /* an Execute's (resume_portal, resume_max) */
    RK_ENGINE_SYNC,   /* a Sync's commit */
};

/* As lock_wait_start, for a statement that may have run under the shared engine lock: there it
 * met a table lock it cannot wait for (sx_lock_table), and runs again under the exclusive
 * lock, which it now waits for (RK_ENGINE_SIMPLE / RK_ENGINE_EXEC; it read nothing it keeps).
 * kind: RK_LOCK or RK_LOCK_EXEC. */
static int lock_wait_or_upgrade(sx_session *s, int kind, executor_error *err)
{
    if (!s->op_shared) return lock_wait_start(s, kind, err);
    s->lock_wait = false;
    s->waiting_for = NULL;
    memset(err, 0, sizeof *err);
    s->lock_retry = true; /* its deadline stays */
    s->op_shared = false;
    s->resume_kind = kind == RK_LOCK ? RK_ENGINE_SIMPLE : RK_ENGINE_EXEC;
    /* false, as this thread holds the lock shared: it notes the wait (woken when it is free) */
    (void)engine_take_or_wait(s);
    return EXEC_PENDING;
}

struct sx_stmt {
    sx_exec *x;
    sqlparse_result q;
    char *text; /* the statement as prepared (pg_stat_activity) */
    sx_plan plan;
    bool planned;
    uint32_t *param_oids;
    int nparams;
};

struct sx_portal {
    sx_stmt *stmt;
    sqlval *params;
    int nparams;
    bool ran;
    bool streamed; /* ran as a stream (sqlrun_cursor): res is empty */
    sx_result res;
    size_t next;
};

static int commit_outcome(sx_session *s, executor_error *err)
{
    int st = s->commit_status;
    s->commit_status = 0;
    if (st >= 0) return EXEC_DONE;
    if (st == STORAGE_EUNIQUE) {
        /* a concurrent local transaction committed the same key first (sqlindex.h) */
        executor_error_set(err, "23505", "duplicate key value violates unique constraint \"%s\"",
                           s->commit_msg);
        snprintf(err->schema, sizeof err->schema, "public");
        snprintf(err->constraint, sizeof err->constraint, "%.63s", s->commit_msg);
        return EXEC_ERROR;
    }
    if (st == STORAGE_ETOOBIG) {
        /* refused before anything was written: a larger entry could never replicate */
        executor_error_set(err, "54000", "transaction too large to replicate: %s", s->commit_msg);
        snprintf(err->hint, sizeof err->hint,
                 "Split the load into several transactions (for COPY, several COPY commands "
                 "of fewer rows each).");
        return EXEC_ERROR;
    }
    return executor_error_set(err, st == STORAGE_ENOSPC ? "53100" : "58030",
                              "could not commit transaction: %s%s%s", storage_strerror(st),
                              s->commit_msg[0] ? ": " : "", s->commit_msg);
}

static int warn(executor_sink *sink, const char *code, const char *msg)
{
    executor_error n = {0};
    snprintf(n.severity, sizeof n.severity, "WARNING");
    snprintf(n.code, sizeof n.code, "%s", code);
    snprintf(n.message, sizeof n.message, "%s", msg);
    return sink->notice(sink, &n);
}

/* The statement's NOTICEs (sx_result.notices), once. */
static int emit_notices(sx_result *r, executor_sink *sink)
{
    for (int i = 0; i < r->nnotices; i++) {
        executor_error n = {0};
        bool warning = r->notices[i][0] == '!'; /* sqlrun_notice's "!CODE": a WARNING */
        const char *text = r->notices[i] + (warning ? 1 : 0);
        const char *tab = strchr(text, '\t');
        snprintf(n.severity, sizeof n.severity, "%s", warning ? "WARNING" : "NOTICE");
        snprintf(n.code, sizeof n.code, "%.*s", tab ? (int)(tab - text) : 5, text);
        snprintf(n.message, sizeof n.message, "%s", tab ? tab + 1 : r->notices[i]);
        char *us = strchr(n.message, '\x1f'); /* sqlrun_notice_detail's separator */
        if (us) {
            *us = 0;
            snprintf(n.detail, sizeof n.detail, "%s", us + 1);
        }
        if (sink->notice(sink, &n)) return -1;
        free(r->notices[i]);
    }
    free(r->notices);
    r->notices = NULL;
    r->nnotices = 0;
    return 0;
}

static int emit_result(const sx_plan *p, sx_result *r, size_t from, size_t max, size_t *next,
                       executor_sink *sink)
{
    size_t end = r->nrows;
    if (max && from + max < end) end = from + max;
    for (size_t i = from; i < end; i++) {
        if (sink->data_row(sink, p->ncols, (const char *const *)&r->vals[i * (size_t)p->ncols],
                           &r->lens[i * (size_t)p->ncols]))
            return -1;
    }
    *next = end;
    return 0;
}

static void q_clear(sx_session *s)
{
    if (s->q_active) sqlparse_result_free(&s->q);
    s->q_active = false;
    free(s->qcopy);
    s->qcopy = NULL;
    s->qi = 0;
    s->query_start_ns = 0;
}

/* The error path of a statement: a block becomes failed, an implicit transaction is dropped. */
static void fail_txn(sx_session *s)
{
    if (s->state == SX_BLOCK || s->state == SX_FAILED) {
        s->state = SX_FAILED;
        /* Nothing of it can commit any more (only ROLLBACK or ROLLBACK TO ends the state):
         * its row locks go now, as PostgreSQL releases an aborted transaction's locks at the
         * error, so the other side of a deadlock proceeds at once. With a savepoint, ROLLBACK
         * TO resumes the transaction and its earlier writes still need their locks. */
        if (s->txn.nsps == 0) {
            locks_release(s->x, s->locks);
            s->locks = NULL;
        }
    } else {
        txn_clear(s);
    }
    s->implicit = false;
}

/* The session's TimeZone for timestamptz text (sqlval_set_timezone): set whenever this
 * session's code runs on the thread, since other sessions' statements run in between. */
static void sx_enter(sx_session *s)
{
    sqlerr_stack_mark(); /* the stack guard's budget counts from here */
    sqlval_set_timezone(sqlguc_timezone(s->guc));
    sqlfunc_use_rng(s->rng);
    if (s->txn_start_us) sqldate_set_now(s->txn_start_us);
}

void sx_note_query(sx_session *s, const char *text, size_t len)
{
    while (len && (*text == ' ' || *text == '\n' || *text == '\t' || *text == '\r')) text++, len--;
    if (len >= sizeof s->query) len = sizeof s->query - 1;
    memcpy(s->query, text, len);
    s->query[len] = 0;
    s->query_start_us = now_us_2000();
}

const char *sx_session_state(const sx_session *s, const sx_session *running)
{
    if (s == running || s->commit || s->stream || s->lock_wait || s->sleeping || s->q_active)
        return "active";
    if (s->state == SX_FAILED) return "idle in transaction (aborted)";
    if (s->state == SX_BLOCK) return "idle in transaction";
    return "idle";
}

void sx_stmt_begin(sx_session *s)
{
    sx_enter(s); /* a SET TimeZone earlier in the same Query applies from here on */
    if (s->state == SX_BLOCK) {
        s->block_stmts++;
        if (s->want_snap && !s->snap) {
            if (s->ser) { /* what this node had applied of its own, read before the snapshot */
                causal_vv vv;
                causal_vv_init(&vv);
                s->ser_seq = storage_vv(s->x->st, &vv) == 0 ? causal_vv_get(&vv, s->x->node) : 0;
                causal_vv_free(&vv);
            }
            s->snap = storage_snapshot_new(s->x->st);
        }
    }
    if (s->lock_retry) { /* the same statement again after a lock wait: same deadline */
        s->lock_retry = false;
        return;
    }
    sx_txn_mark(s, &s->stmt_sp);
    int ms = sqlguc_statement_timeout_ms(s->guc);
    uint64_t start = s->query_start_ns ? s->query_start_ns : uv_hrtime();
    s->query_start_ns = 0;
    s->deadline_ns = ms > 0 ? start + (uint64_t)ms * 1000000u : 0;
    s->tick = 0;
}

/* statement_timeout over work that cannot be interrupted (parsing, binding): measured when it
 * is done, from start; 57014 when the statement has already used its time. */
static int timed_out_since(sx_session *s, uint64_t start, executor_error *err)
{
    int ms = sqlguc_statement_timeout_ms(s->guc);
    if (ms <= 0 || uv_hrtime() - start < (uint64_t)ms * 1000000u) return EXEC_DONE;
    return executor_error_set(err, "57014", "canceling statement due to statement timeout");
}

int sx_interrupted(sx_session *s, sqlerr *err)
{
    if (s->cancel) {
        s->cancel = false;
        return sqlerr_set(err, "57014", -1, "canceling statement due to user request");
    }
    if (!s->deadline_ns || ++s->tick % SX_TICK_ROWS) return SQL_OK;
    if (uv_hrtime() < s->deadline_ns) return SQL_OK;
    s->deadline_ns = 0;
    return sqlerr_set(err, "57014", -1, "canceling statement due to statement timeout");
}

static int aborted_err(executor_error *err)
{
    return executor_error_set(err, "25P02",
                              "current transaction is aborted, commands ignored until end of "
                              "transaction block");
}

static void stream_end(sx_session *s)
{
    sqlrun_cursor_free(s->stream);
    s->stream = NULL;
    if (s->stream_plan) {
        sqlrun_plan_free(s->stream_plan);
        free(s->stream_plan);
        s->stream_plan = NULL;
    }
}

static int sleep_start(sx_session *s);

/* Sends more of the streaming SELECT (max rows, 0 = all): EXEC_DONE after its CommandComplete,
 * EXEC_SUSPENDED (max reached), EXEC_PENDING_OUTPUT (the sink is full: call again on resume)
 * or EXEC_ERROR; the cursor is gone after DONE and ERROR. */
static int stream_run(sx_session *s, executor_sink *sink, size_t max, executor_error *err)
{
    sqlerr se;
    int r = sqlrun_cursor_next(s->stream, sink, max, &se);
    if (r == SQLRUN_FULL) return EXEC_PENDING_OUTPUT;
    if (r == SQLRUN_SLEEP) return sleep_start(s); /* EXEC_PENDING: the caller sets the kind */
    if (r == SQLRUN_MORE) return EXEC_SUSPENDED;
    if (r == SQL_ERR) {
        if (se.code[0]) to_exec_err(err, &se);
        else memset(err, 0, sizeof *err); /* the sink failed and holds the error */
        stream_end(s);
        return EXEC_ERROR;
    }
    char tag[64];
    sqlrun_cursor_tag(s->stream, tag, sizeof tag);
    stream_end(s);
    return sink->command_complete(sink, tag) ? EXEC_ERROR : EXEC_DONE;
}

static int run_table_stmt(sx_session *s, sqlast_stmt *st, executor_sink *sink,
                          executor_error *err)
{
    sx_plan p;
    sx_result r;
    sqlerr se;
    memset(&r, 0, sizeof r);
    if (sqlrun_plan(s, st, &p, &se)) return to_exec_err(err, &se);
    /* A plain SELECT streams: rows go out as the scan finds them, pausing on backpressure. */
    s->stream_plan = malloc(sizeof *s->stream_plan);
    if (!s->stream_plan) {
        sqlrun_plan_free(&p);
        return executor_error_set(err, "53200", "out of memory");
    }
    *s->stream_plan = p; /* moved: p is not freed below unless moved back */
    int sr = sqlrun_cursor_open(s, s->stream_plan, NULL, 0, &s->stream, &se);
    if (sr < 0) {
        stream_end(s);
        return to_exec_err(err, &se);
    }
    if (sr > 0) {
        if (sink->row_description(sink, s->stream_plan->cols, s->stream_plan->ncols)) {
            stream_end(s);
            return EXEC_ERROR;
        }
        return stream_run(s, sink, 0, err);
    }
    p = *s->stream_plan; /* not streamable: the materialising path below */
    free(s->stream_plan);
    s->stream_plan = NULL;
    int rc = sqlrun_exec(s, &p, NULL, 0, &r, &se);
    if (rc) {
        to_exec_err(err, &se);
        goto out;
    }
    rc = EXEC_ERROR;
    if (p.ncols >= 0 && sink->row_description(sink, p.cols, p.ncols)) goto out;
    size_t next;
    if (p.ncols >= 0 && emit_result(&p, &r, 0, 0, &next, sink)) goto out;
    if (emit_notices(&r, sink) || sink->command_complete(sink, r.tag)) goto out;
    rc = EXEC_DONE;
out:
    sqlrun_result_free(&r);
    sqlrun_plan_free(&p);
    return rc;
}

/* SELECT helios_backup('/abs/dir'): an online RocksDB checkpoint of the live store (see
 * storage_backup). Recognised here, as a whole statement, rather than in sqlexpr: it needs the
 * store and has a side effect, so it is not a value to compute inside a larger query. Returns
 * the directory literal, or NULL when st is anything else. */
static const char *backup_target(const sqlast_stmt *st)
{
    if (st->kind != SQLAST_SELECT || st->table || st->ntargets != 1 || st->where ||
        st->ngroup || st->norder || st->limit || st->offset)
        return NULL;
    const sqlast_expr *e = st->targets[0].expr;
    if (!e || e->kind != SQLAST_FUNC || !e->name || strcmp(e->name, "helios_backup") ||
        e->nargs != 1)
        return NULL;
    const sqlast_expr *a = e->args[0];
    if (a->kind != SQLAST_CONST || a->value.isnull || !a->value.s) return NULL;
    return a->value.s;
}

static int run_backup(sx_session *s, const char *dir, executor_sink *sink, executor_error *err)
{
    if (!sx_is_super(s))
        return executor_error_set(err, "42501", "permission denied for %s", "function helios_backup");
    if (dir[0] != '/')
        return executor_error_set(err, "22023", "helios_backup: \"%s\" is not an absolute path",
                                  dir);
    /* Only under storage.backup_dir: a superuser's SQL never makes the daemon write anywhere
     * else (its own data directory included). The path is normalised first ("..") and the
     * folder must not exist yet, so a link planted inside cannot redirect it either. */
    char nd[4096];
    if (!s->x->backup_dir) {
        executor_error_set(err, "55000", "helios_backup is disabled: storage.backup_dir is not set");
        snprintf(err->hint, sizeof err->hint,
                 "Set storage.backup_dir in the config to the folder backups may be written into.");
        return EXEC_ERROR;
    }
    size_t bl = strlen(s->x->backup_dir);
    if (config_path_normalize(dir, nd, sizeof nd) || strncmp(nd, s->x->backup_dir, bl) ||
        nd[bl] != '/' || !nd[bl + 1] || strchr(nd + bl + 1, '/'))
        return executor_error_set(err, "42501",
                                  "helios_backup: \"%s\" is not a folder directly inside storage.backup_dir (\"%s\")",
                                  dir, s->x->backup_dir);
    dir = nd;
    /* Blocks this loop for the checkpoint: hard links plus a memtable flush, not a copy. */
    int rc = storage_backup(s->x->st, dir);
    if (rc == STORAGE_EEXIST)
        return executor_error_set(err, "58P02", "helios_backup: \"%s\" already exists", dir);
    if (rc == STORAGE_ENOSPC) /* the free-space reserve (storage_backup) */
        return executor_error_set(err, "53100", "helios_backup into \"%s\": %s", dir, storage_errmsg());
    if (rc)
        return executor_error_set(err, "58030", "helios_backup into \"%s\" failed: %s: %s", dir,
                                  storage_strerror(rc), storage_errmsg());
    log_info("sql", "online backup written to %s", dir);
    executor_column col = {.type_oid = PGTYPE_TEXT, .typlen = -1, .typmod = -1};
    snprintf(col.name, sizeof col.name, "helios_backup");
    const char *vals[1] = {dir};
    size_t lens[1] = {strlen(dir)};
    if (sink->row_description(sink, &col, 1) || sink->data_row(sink, 1, vals, lens) ||
        sink->command_complete(sink, "SELECT 1"))
        return EXEC_ERROR;
    return EXEC_DONE;
}

/* Whether a BEGIN starts a snapshot transaction: its own ISOLATION LEVEL, else the session's
 * default_transaction_isolation (SET SESSION CHARACTERISTICS); the parser refused the levels
 * HeliosDB does not give. */
static bool txn_begin_level(sx_session *s, const sqlast_stmt *st)
{
    if (st->txn_iso_given) {
        s->iso = st->txn_serializable ? 2 : st->txn_snapshot ? 1 : 0;
    } else {
        const char *d = sqlguc_get(s->guc, "default_transaction_isolation", NULL);
        s->iso = !d                                  ? 0
                 : !strcasecmp(d, "serializable")    ? 2
                 : !strcasecmp(d, "repeatable read") ? 1
                                                     : 0;
    }
    s->ser = s->iso == 2 && !s->ro;
    return s->iso > 0;
}

/* transaction_isolation as PostgreSQL shows it: the block's level, else the default's. */
static const char *txn_level_shown(sx_session *s)
{
    static const char *const names[] = {"read committed", "repeatable read", "serializable"};
    if (s->state != SX_IDLE) return names[s->iso >= 0 && s->iso <= 2 ? s->iso : 0];
    const char *d = sqlguc_get(s->guc, "default_transaction_isolation", NULL);
    return d ? d : names[0];
}

/* SET TRANSACTION ..., SET transaction_*: the parser refused every characteristic HeliosDB
 * does not give (sqlparse.c check_txn_characteristic): what is left is READ COMMITTED
 * read-write (a no-op), REPEATABLE READ, or READ ONLY [with REPEATABLE READ / SERIALIZABLE],
 * applied by txn_set. (SET SESSION CHARACTERISTICS sets default_transaction_*, which BEGIN
 * reads: txn_begin_level.) */
static int txn_set(sx_session *s, const sqlast_stmt *st, executor_sink *sink, executor_error *err)
{
    /* the level asked for: 0 READ COMMITTED (or UNCOMMITTED), 1 REPEATABLE READ, 2
       SERIALIZABLE, -1 none */
    int level = -1;
    if (st->txn_iso_given)
        level = st->txn_serializable ? 2 : st->txn_snapshot ? 1 : 0;
    else if (st->name && !strcasecmp(st->name, "transaction_isolation") && st->value)
        level = !strcasecmp(st->value, "serializable")      ? 2
                : !strcasecmp(st->value, "repeatable read") ? 1
                                                            : 0;
    if (st->txn_read_only || level > 0 || st->txn_iso_given) {
        if (s->state != SX_BLOCK)
            return warn(sink, "25P01", "SET TRANSACTION can only be used in transaction blocks")
                       ? EXEC_ERROR
                       : sink->command_complete(sink, "SET") ? EXEC_ERROR : EXEC_DONE;
    }
    if (s->state == SX_BLOCK && (st->txn_read_only || level >= 0)) {
        int cur = s->ser ? 2 : s->want_snap ? 1 : 0;
        /* before any query: the statements so far are this one and other SET TRANSACTIONs */
        if (level >= 0 && level != cur && s->block_stmts - 1 - s->block_txnsets > 0)
            return executor_error_set(err, "25001",
                                      "SET TRANSACTION ISOLATION LEVEL must be called before any query");
        s->block_txnsets++;
        s->ro = s->ro || st->txn_read_only;
        if (level >= 0) {
            s->want_snap = level > 0;
            s->ser = level == 2;
            s->iso = level;
        }
        if (s->ro) s->ser = false; /* one snapshot is serializable for a reader */
    }
    return sink->command_complete(sink, "SET") ? EXEC_ERROR : EXEC_DONE;
}

/* 25006 for a statement that writes, in a READ ONLY transaction (PostgreSQL's wording). */
static int ro_check(const sx_session *s, const sqlast_stmt *st, executor_error *err)
{
    if (!s->ro) return EXEC_DONE;
    const char *what = NULL;
    switch (st->kind) {
    case SQLAST_INSERT:
    case SQLAST_UPDATE:
    case SQLAST_DELETE:
    case SQLAST_TRUNCATE:
    case SQLAST_CREATE_TABLE:
    case SQLAST_DROP_TABLE:
    case SQLAST_ALTER_ADD_COLUMN:
    case SQLAST_ALTER_DROP_COLUMN:
    case SQLAST_ALTER_ADD_PK:
    case SQLAST_ALTER_ADD_FK:
    case SQLAST_ALTER_DEFAULT:
    case SQLAST_ALTER_ADD_IDENTITY:
    case SQLAST_ALTER_ADD_CHECK:
    case SQLAST_COMMENT:
    case SQLAST_RENAME:
    case SQLAST_ALTER_NOT_NULL:
    case SQLAST_CREATE_VIEW:
    case SQLAST_CREATE_SEQUENCE:
    case SQLAST_ALTER_SEQUENCE:
    case SQLAST_CREATE_INDEX:
    case SQLAST_DROP_INDEX:
    case SQLAST_ALTER_ADD_UNIQUE:
    case SQLAST_ALTER_DROP_CONSTRAINT:
    case SQLAST_RENAME_INDEX:
    case SQLAST_REINDEX:
    case SQLAST_ALTER_OWNER:
    case SQLAST_ROLE:
    case SQLAST_CREATE_EXTENSION:
    case SQLAST_DROP_EXTENSION:
    case SQLAST_CREATE_SCHEMA:
    case SQLAST_DROP_SCHEMA:
    case SQLAST_ALTER_SCHEMA:
    case SQLAST_CREATE_TYPE:
    case SQLAST_ALTER_TYPE:
    case SQLAST_DROP_TYPE:
    case SQLAST_DO:
    case SQLAST_ALTER_COLUMN_TYPE: what = sqlast_stmt_tag(st); break;
    case SQLAST_COPY: what = st->copy_from ? "COPY FROM" : NULL; break;
    case SQLAST_SELECT: what = st->row_lock ? "SELECT FOR UPDATE" : NULL; break;
    default: break;
    }
    if (!what) return EXEC_DONE;
    return executor_error_set(err, "25006", "cannot execute %s in a read-only transaction", what);
}

/* VACUUM and ANALYZE: storage reclaims space by itself (RocksDB compaction, the CRDT GC) and
 * the planner keeps no statistics, so both only check their tables, as PostgreSQL does, and
 * complete (pgbench runs them after loading); VACUUM refuses a transaction block (25001). */
static int run_vacuum(sx_session *s, const sqlast_stmt *st, bool in_block, executor_sink *sink,
                      executor_error *err)
{
    if (st->is_view && in_block)
        return executor_error_set(err, "25001", "VACUUM cannot run inside a transaction block");
    for (int i = 0; i < st->nnames; i++)
        if (!sx_table_find(s, st->names[i]))
            return executor_error_set(err, "42P01", "relation \"%s\" does not exist", st->names[i]);
    return sink->command_complete(sink, st->is_view ? "VACUUM" : "ANALYZE") ? EXEC_ERROR : EXEC_DONE;
}

/* LOCK [TABLE] [ONLY] name [, ...] [IN mode MODE] [NOWAIT]: each table in turn, as PostgreSQL
 * (a wait for the second keeps the first). */
static int run_lock(sx_session *s, const sqlast_stmt *st, executor_sink *sink, executor_error *err)
{
    if (s->state != SX_BLOCK)
        return executor_error_set(err, "25P01", "LOCK TABLE can only be used in transaction blocks");
    sqlerr se;
    for (int i = 0; i < st->nnames; i++) {
        const sqlschema_table *t = sx_table_find(s, st->names[i]);
        if (!t) return executor_error_set(err, "42P01", "relation \"%s\" does not exist", st->names[i]);
        if (t->seq)
            return executor_error_set(err, "42809", "cannot lock relation \"%s\"", st->names[i]);
        /* as PostgreSQL (LockTableAclCheck): ACCESS SHARE needs SELECT, ROW EXCLUSIVE INSERT,
         * and every mode one of UPDATE, DELETE, TRUNCATE */
        uint32_t me = sx_current_role(s);
        bool ok = sx_priv_has(s, me, t->id, SQLPRIV_UPDATE) || sx_priv_has(s, me, t->id, SQLPRIV_DELETE) ||
                  sx_priv_has(s, me, t->id, SQLPRIV_TRUNCATE) ||
                  (st->lock_mode == SQLLOCK_ACCESS_SHARE && sx_priv_has(s, me, t->id, SQLPRIV_SELECT)) ||
                  (st->lock_mode == SQLLOCK_ROW_EXCLUSIVE && sx_priv_has(s, me, t->id, SQLPRIV_INSERT));
        if (!ok)
            return executor_error_set(err, "42501", "permission denied for %s %s",
                                      t->view_sql ? "view" : "table", t->name);
        if (sx_lock_table(s, t->id, t->name, st->lock_mode, st->lock_nowait, &se)) return to_exec_err(err, &se);
        /* a view: the relations of its definition too, in the same mode (recursively) */
        if (t->view_sql && sx_lock_view(s, t, st->lock_mode, st->lock_nowait, &se))
            return to_exec_err(err, &se);
    }
    return sink->command_complete(sink, "LOCK TABLE") ? EXEC_ERROR : EXEC_DONE;
}

const struct storage_snapshot *sx_snapshot(const sx_session *s)
{
    return s->snap;
}

static bool is_txn_characteristic_set(const sqlast_stmt *st)
{
    return st->kind == SQLAST_SET && st->name &&
           (!strcasecmp(st->name, "transaction_isolation") ||
            !strcasecmp(st->name, "transaction_read_only") ||
            !strcasecmp(st->name, "transaction_deferrable"));
}

/* SELECT <name>(): a whole-statement admin function, as helios_backup. */
static bool is_admin_call(const sqlast_stmt *st, const char *name)
{
    if (st->kind != SQLAST_SELECT || st->table || st->ntargets != 1 || st->where ||
        st->ngroup || st->norder || st->limit || st->offset)
        return false;
    const sqlast_expr *e = st->targets[0].expr;
    return e && e->kind == SQLAST_FUNC && e->name && !strcmp(e->name, name) && e->nargs == 0;
}

static bool is_anti_entropy(const sqlast_stmt *st)
{
    return is_admin_call(st, "helios_anti_entropy");
}

/* SELECT helios_index_check(): every built index compared with its table (sqlrun_index.c);
 * the number of entries that differ, 0 when all agree. */
static int run_index_check(sx_session *s, executor_sink *sink, executor_error *err)
{
    if (!sx_is_super(s))
        return executor_error_set(err, "42501", "permission denied for %s", "function helios_index_check");
    int64_t diff = 0;
    sqlerr se;
    if (sqlrun_index_check(s, &diff, &se)) return to_exec_err(err, &se);
    executor_column col = {.type_oid = PGTYPE_INT8, .typlen = 8, .typmod = -1};
    snprintf(col.name, sizeof col.name, "helios_index_check");
    char num[24];
    int len = snprintf(num, sizeof num, "%lld", (long long)diff);
    const char *vals[1] = {num};
    size_t lens[1] = {(size_t)len};
    if (sink->row_description(sink, &col, 1) || sink->data_row(sink, 1, vals, lens) ||
        sink->command_complete(sink, "SELECT 1"))
        return EXEC_ERROR;
    return EXEC_DONE;
}

static int run_anti_entropy(sx_session *s, executor_sink *sink, executor_error *err)
{
    if (!sx_is_super(s))
        return executor_error_set(err, "42501", "permission denied for %s", "function helios_anti_entropy");
    sx_exec *x = s->x;
    if (!x->ae_fn) return executor_error_set(err, "55000", "replication is not configured");
    int up = 0;
    if (x->peer_fn) {
        sqlexec_peer_row *rows = calloc(256, sizeof *rows);
        if (!rows) return executor_error_set(err, "53200", "out of memory");
        int n = x->peer_fn(x->peer_arg, rows, 256);
        for (int i = 0; i < n; i++) up += !strcasecmp(rows[i].state, "up");
        free(rows);
    }
    x->ae_fn(x->ae_arg);
    log_info("sql", "helios_anti_entropy(): anti-entropy started with %d peer(s)", up);
    executor_column col = {.type_oid = PGTYPE_INT4, .typlen = 4, .typmod = -1};
    snprintf(col.name, sizeof col.name, "helios_anti_entropy");
    char num[16];
    int len = snprintf(num, sizeof num, "%d", up);
    const char *vals[1] = {num};
    size_t lens[1] = {(size_t)len};
    if (sink->row_description(sink, &col, 1) || sink->data_row(sink, 1, vals, lens) ||
        sink->command_complete(sink, "SELECT 1"))
        return EXEC_ERROR;
    return EXEC_DONE;
}

/* ---- settings and pg_sleep -------------------------------------------------------------- */

static int sess_get(void *arg, const char *name, bool missing_ok, sqlval *out, sqlerr *err)
{
    sx_session *s = arg;
    const char *v = sqlguc_get(s->guc, name, NULL);
    if (v && !strcasecmp(name, "transaction_isolation")) v = txn_level_shown(s);
    if (!v) {
        if (missing_ok) {
            sqlval_init_null(out, SQLVAL_TEXT);
            return SQL_OK;
        }
        return sqlerr_set(err, "42704", -1, "unrecognized configuration parameter \"%s\"", name);
    }
    return sqlval_set_str(out, SQLVAL_TEXT, v, strlen(v), err);
}

/* set_config: ParameterStatus of a reported setting it changes goes out with the next
 * statement's completion (sqlguc keeps it pending without a sink). is_local outside a block
 * lasts until the end of the statement's transaction: checked and returned, not kept. */
static int sess_set(void *arg, const char *name, const char *value, bool local, sqlval *out,
                    sqlerr *err)
{
    sx_session *s = arg;
    bool temp = local && !sqlguc_in_block(s->guc);
    if (temp) sqlguc_txn_begin(s->guc);
    int rc;
    if (!strcasecmp(name, "role") || !strcasecmp(name, "session_authorization")) {
        /* checked as SET ROLE / SET SESSION AUTHORIZATION are: no way around membership */
        sqlast_stmt st = {.kind = value ? SQLAST_SET : SQLAST_RESET, .name = (char *)name,
                          .value = (char *)value, .set_local = local};
        rc = sx_set_role(s, &st, NULL, err);
    } else {
        rc = sqlguc_set(s->guc, name, value, 1, local ? SQLGUC_LOCAL : SQLGUC_SESSION, NULL, err);
    }
    const char *v = rc ? NULL : sqlguc_get(s->guc, name, NULL);
    if (!rc) rc = sqlval_set_str(out, SQLVAL_TEXT, v ? v : "", v ? strlen(v) : 0, err);
    if (temp) sqlguc_txn_end(s->guc, true, NULL);
    return rc;
}

static int sess_sleep(void *arg, double secs, sqlerr *err)
{
    sx_session *s = arg;
    (void)err;
    if (!(secs > 0)) return SQL_OK; /* negative, zero and NaN: no wait, as PostgreSQL */
    double ns = secs * 1e9;
    if (ns > 1e18) ns = 1e18;
    s->sleep_ns += (uint64_t)ns;
    return SQL_OK;
}

static void sx_cancel(executor_session *es);

/* pg_cancel_backend / pg_terminate_backend, with PostgreSQL's permission rules: superusers
 * may signal anyone, other roles only sessions whose current role they have the privileges
 * of, never a superuser's. A cancel ends the target's running statement (57014); an idle
 * session has nothing to cancel. A terminate ends its connection (FATAL 57P01) once no
 * statement of it is running, from the loop (on_async), never inside this call. An unknown
 * pid gives false (PostgreSQL adds a WARNING). */
static int sess_signal(void *arg, int64_t pid, bool terminate, sqlval *out, sqlerr *err)
{
    sx_session *s = arg, *t = NULL;
    for (sx_session *o = s->x->sessions; o && !t; o = o->all_next)
        if ((int64_t)o->pid == pid) t = o;
    if (!t) {
        sqlval_set_bool(out, false);
        return SQL_OK;
    }
    uint32_t trole = sx_current_role(t);
    sqlrole tr;
    bool tsuper = sx_role_by_oid(t, trole, &tr) && (tr.flags & SQLROLE_SUPER);
    if (!sx_is_super(s) && (tsuper || !sx_has_privs_of(s, sx_current_role(s), trole))) {
        sqlerr_set(err, "42501", -1, "permission denied to %s", terminate ? "terminate process" : "cancel query");
        if (tsuper)
            sqlerr_detail(err, "Only roles with the SUPERUSER attribute may %s of roles with the SUPERUSER attribute.",
                          terminate ? "terminate processes" : "cancel queries");
        else
            sqlerr_detail(err, "Only roles with privileges of the role whose %s is being %s or with privileges "
                               "of the \"pg_signal_backend\" role may %s.",
                          terminate ? "process" : "query", terminate ? "terminated" : "canceled",
                          terminate ? "terminate this process" : "cancel this query");
        return SQL_ERR;
    }
    bool active = t != s && (t->stream || t->lock_wait || t->sleeping || t->waiting_for);
    if (active) sx_cancel((executor_session *)t);
    if (terminate) {
        t->terminate = true;
        lc_kick(t->lc);
    }
    sqlval_set_bool(out, true);
    return SQL_OK;
}

/* pg_notify: as NOTIFY */
static int sess_notify(void *arg, const char *channel, const char *payload, sqlerr *err)
{
    sx_session *s = arg;
    return sqlnotify_txn_notify(&s->txn.nt, channel, payload, err);
}

/* pg_listening_channels: the channels committed LISTENs gave the session */
static int sess_listening(void *arg, sqlval *out, sqlerr *err)
{
    sx_session *s = arg;
    char **v = NULL;
    int n = 0;
    if (s->nsess && sqlnotify_sess_channels(s->nsess, &v, &n)) return sqlerr_oom(err);
    int rc = sqlval_set_array(out, (const char *const *)v, (size_t)n, err);
    free(v);
    return rc;
}

static double sess_queue_usage(void *arg)
{
    sx_session *s = arg;
    return sqlnotify_hub_usage(s->x->nhub);
}

/* pg_blocking_pids(pid): the session holding what pid waits for (one: a lock wait waits for
 * one holder at a time, sqllock.h), none when it waits for nothing or for a commit on its way
 * to disk. */
static int sess_blocking(void *arg, int64_t pid, sqlval *out, sqlerr *err)
{
    sx_session *s = arg;
    char buf[32] = "{}";
    for (const sx_session *o = s->x->sessions; o; o = o->all_next) {
        if (o->pid != pid || !o->waiting_for || o->lock_ready) continue;
        const sx_session *h = sqllock_owner_tag(o->waiting_for);
        if (h) snprintf(buf, sizeof buf, "{%u}", h->pid);
        break;
    }
    return sqlval_from_text(SQLVAL_INT4ARRAY, buf, strlen(buf), out, err);
}

/* txid_current(): the transaction's id, assigned at the first call (assign false:
 * txid_current_if_assigned, 0 when none yet). Unique in the region; ids of later transactions
 * are larger. */
static int64_t sess_xid(void *arg, bool assign)
{
    sx_session *s = arg;
    if (!s->xid && assign) s->xid = atomic_fetch_add(&s->x->next_xid, 1);
    return (int64_t)s->xid;
}

const sqlexpr_session_ops sx_session_ops = {sess_get,    sess_set,       sess_sleep,
                                            sess_seq,    sess_signal,    sess_notify,
                                            sess_listening, sess_queue_usage, sess_blocking,
                                            sess_xid};

static void on_sleep_timer(uv_timer_t *t)
{
    sx_session *s = t->data;
    sx_exec *x = s->x;
    sx_engine_enter_shared(x); /* pg_stat_activity reads `sleeping` under the exclusive lock */
    s->sleeping = false;
    s->wake(s->wake_arg);
    sx_engine_leave(x);
}

static void on_sleep_timer_close(uv_handle_t *h)
{
    free(h);
}

/* Waits out the statement's pg_sleep time (cut at its statement_timeout deadline); the session
 * resumes (kind) when the timer fires or on cancel. Returns EXEC_PENDING. */
static int sleep_start(sx_session *s)
{
    uint64_t ns = s->sleep_ns;
    s->sleep_ns = 0;
    s->sleep_cut = false;
    if (s->deadline_ns) {
        uint64_t now = uv_hrtime(), left = s->deadline_ns > now ? s->deadline_ns - now : 0;
        if (ns >= left) {
            ns = left;
            s->sleep_cut = true;
        }
    }
    s->sleeping = true;
    uv_timer_start(s->sleep_timer, on_sleep_timer, (ns + 999999) / 1000000, 0);
    return EXEC_PENDING;
}

/* After the wait: 57014 when it was cancelled or cut by statement_timeout. */
static int sleep_over(sx_session *s, executor_error *err)
{
    s->sleeping = false;
    uv_timer_stop(s->sleep_timer);
    if (s->cancel) {
        s->cancel = false;
        s->sleep_cut = false;
        return executor_error_set(err, "57014", "canceling statement due to user request");
    }
    if (s->sleep_cut) {
        s->sleep_cut = false;
        s->deadline_ns = 0;
        return executor_error_set(err, "57014", "canceling statement due to statement timeout");
    }
    return 0;
}

/* SET / RESET / SHOW. */
static int run_setting(sx_session *s, const sqlast_stmt *st, bool describe, executor_sink *sink,
                       executor_error *err)
{
    sqlerr se;
    if (st->kind == SQLAST_SHOW) {
        bool all = !strcasecmp(st->name, "all");
        executor_column cols[3];
        memset(cols, 0, sizeof cols);
        const char *canon = st->name;
        const char *v = all ? NULL : sqlguc_get(s->guc, st->name, &canon);
        if (v && !strcasecmp(st->name, "transaction_isolation")) v = txn_level_shown(s);
        if (!all && !v)
            return executor_error_set(err, "42704", "unrecognized configuration parameter \"%s\"",
                                      st->name);
        const char *names[3] = {all ? "name" : canon, "setting", "description"};
        int nc = all ? 3 : 1;
        for (int i = 0; i < nc; i++) {
            snprintf(cols[i].name, sizeof cols[i].name, "%s", names[i]);
            cols[i].type_oid = PGTYPE_TEXT;
            cols[i].typlen = -1;
            cols[i].typmod = -1;
        }
        if (describe && sink->row_description(sink, cols, nc)) return EXEC_ERROR;
        if (!all) {
            size_t l = strlen(v);
            if (sink->data_row(sink, 1, &v, &l)) return EXEC_ERROR;
        } else {
            sqlguc_info gi;
            for (int i = 0; sqlguc_nth(s->guc, i, &gi); i++) {
                const char *vals[3] = {gi.name, sqlguc_get(s->guc, gi.name, NULL), gi.short_desc};
                size_t lens[3] = {strlen(vals[0]), strlen(vals[1]), strlen(vals[2])};
                if (sink->data_row(sink, 3, vals, lens)) return EXEC_ERROR;
            }
        }
        return sink->command_complete(sink, "SHOW") ? EXEC_ERROR : EXEC_DONE;
    }
    int rc;
    if (st->name && (!strcasecmp(st->name, "role") || !strcasecmp(st->name, "session_authorization")) &&
        !(st->kind == SQLAST_SET && st->set_local && !sqlguc_in_block(s->guc))) {
        rc = sx_set_role(s, st, sink, &se);
    } else if (st->kind == SQLAST_RESET && !st->name) {
        rc = sqlguc_reset_all(s->guc, sink, &se);
        if (!rc) rc = sx_role_refresh(s, sink, &se);
    } else if (st->kind == SQLAST_SET && st->set_local && !sqlguc_in_block(s->guc)) {
        /* outside a block it would last until the end of the statement */
        if (warn(sink, "25P01", "SET LOCAL can only be used in transaction blocks")) return EXEC_ERROR;
        rc = SQL_OK;
    } else {
        rc = sqlguc_set(s->guc, st->name, st->kind == SQLAST_SET ? st->value : NULL,
                        st->nset_values, st->set_local ? SQLGUC_LOCAL : SQLGUC_SESSION, sink, &se);
    }
    if (rc) return se.code[0] ? to_exec_err(err, &se) : EXEC_ERROR;
    return sink->command_complete(sink, st->kind == SQLAST_SET ? "SET" : "RESET") ? EXEC_ERROR
                                                                                  : EXEC_DONE;
}

/* ---- cursors -------------------------------------------------------------------------------
 *
 * DECLARE c CURSOR FOR query plans the query and opens it as a stream over the transaction's
 * view (rows are read as FETCH asks for them); WITH HOLD, or a query that cannot stream (FOR
 * UPDATE), runs it to the end at DECLARE and keeps the rows, which then outlive the block as
 * PostgreSQL's held cursors do. A cursor without HOLD exists only inside a transaction block
 * and closes when it ends; a held one declared in a block that rolls back goes too. Forward
 * only: FETCH [FORWARD] n | NEXT | ALL, MOVE likewise, CLOSE c | ALL. */

typedef struct sx_cursor {
    char *name;
    sqlast_stmt *st; /* owned: the query */
    sx_plan plan;
    sqlrun_cursor *cur; /* streaming, or NULL: res holds every row */
    sx_result res;
    size_t next;
    bool hold, in_txn; /* in_txn: declared in the running block */
    struct sx_cursor *nx;
} sx_cursor;

static void cursor_free(sx_cursor *c)
{
    sqlrun_cursor_free(c->cur);
    sqlrun_result_free(&c->res);
    sqlrun_plan_free(&c->plan);
    sqlast_stmt_free(c->st);
    free(c->name);
    free(c);
}

static sx_cursor **cursor_find(sx_session *s, const char *name)
{
    sx_cursor **pp = &s->cursors;
    while (*pp && strcmp((*pp)->name, name)) pp = &(*pp)->nx;
    return pp;
}

/* The end of a transaction (or of the session: all): cursors without HOLD close; held ones
 * declared in it stay when it commits, go when it rolls back. */
static void cursors_end(sx_session *s, bool commit, bool all)
{
    sx_cursor **pp = &s->cursors;
    while (*pp) {
        sx_cursor *c = *pp;
        if (all || !c->hold || (c->in_txn && !commit)) {
            *pp = c->nx;
            cursor_free(c);
            continue;
        }
        c->in_txn = false;
        pp = &c->nx;
    }
}

static int run_declare(sx_session *s, const sqlast_stmt *st, executor_sink *sink,
                       executor_error *err)
{
    sqlerr se;
    if (!st->cursor_hold && s->state != SX_BLOCK)
        return executor_error_set(err, "25P01", "DECLARE CURSOR can only be used in transaction blocks");
    if (*cursor_find(s, st->name))
        return executor_error_set(err, "42P03", "cursor \"%s\" already exists", st->name);
    int open = 0;
    for (const sx_cursor *o = s->cursors; o; o = o->nx) open++;
    if (open >= SX_MAX_CURSORS) /* as prepared statements and portals (server/conn.h) */
        return executor_error_set(err, "54000", "too many open cursors on this connection (%d); CLOSE unused ones",
                                  SX_MAX_CURSORS);
    sx_cursor *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(st->name)) || !(c->st = sqlast_stmt_dup(st->select))) {
        if (c) cursor_free(c);
        return executor_error_set(err, "53200", "out of memory");
    }
    c->plan.ncols = -1;
    c->hold = st->cursor_hold;
    c->in_txn = s->state == SX_BLOCK;
    int rc = sqlrun_plan(s, c->st, &c->plan, &se);
    if (!rc && !c->hold) rc = sqlrun_cursor_open(s, &c->plan, NULL, 0, &c->cur, &se) < 0;
    if (!rc && !c->cur) rc = sqlrun_exec(s, &c->plan, NULL, 0, &c->res, &se);
    if (rc) {
        cursor_free(c);
        return to_exec_err(err, &se);
    }
    c->nx = s->cursors;
    s->cursors = c;
    return sink->command_complete(sink, "DECLARE CURSOR") ? EXEC_ERROR : EXEC_DONE;
}

static int drop_row(executor_sink *k, int n, const char *const *v, const size_t *l)
{
    (void)k, (void)n, (void)v, (void)l;
    return 0;
}

static bool never_full(executor_sink *k)
{
    (void)k;
    return false;
}

/* FETCH / MOVE: describe (FETCH) is the caller's when describe is false (extended protocol). */
static int run_fetch(sx_session *s, const sqlast_stmt *st, bool describe, executor_sink *sink,
                     executor_error *err)
{
    sx_cursor *c = *cursor_find(s, st->name);
    if (!c) return executor_error_set(err, "34000", "cursor \"%s\" does not exist", st->name);
    if (!st->fetch_move && describe && sink->row_description(sink, c->plan.cols, c->plan.ncols))
        return EXEC_ERROR;
    /* the rows go out in one piece (FETCH n is the client's own batch) */
    executor_sink k = *sink;
    k.output_full = never_full;
    if (st->fetch_move) k.data_row = drop_row;
    size_t n = st->fetch_count < 0 || (uint64_t)st->fetch_count > SIZE_MAX / 2 ? SIZE_MAX / 2
                                                                               : (size_t)st->fetch_count;
    size_t got;
    if (c->cur) {
        size_t before = sqlrun_cursor_count(c->cur);
        sqlerr se;
        int r = sqlrun_cursor_next(c->cur, &k, n, &se);
        if (r == SQL_ERR) {
            if (se.code[0]) return to_exec_err(err, &se);
            memset(err, 0, sizeof *err);
            return EXEC_ERROR;
        }
        got = sqlrun_cursor_count(c->cur) - before;
    } else {
        size_t next;
        if (emit_result(&c->plan, &c->res, c->next, n, &next, &k)) return EXEC_ERROR;
        got = next - c->next;
        c->next = next;
    }
    char tag[48];
    snprintf(tag, sizeof tag, "%s %zu", st->fetch_move ? "MOVE" : "FETCH", got);
    return sink->command_complete(sink, tag) ? EXEC_ERROR : EXEC_DONE;
}

static int run_close(sx_session *s, const sqlast_stmt *st, executor_sink *sink,
                     executor_error *err)
{
    if (!st->name) {
        cursors_end(s, false, true);
        return sink->command_complete(sink, "CLOSE CURSOR ALL") ? EXEC_ERROR : EXEC_DONE;
    }
    sx_cursor **pp = cursor_find(s, st->name);
    if (!*pp) return executor_error_set(err, "34000", "cursor \"%s\" does not exist", st->name);
    sx_cursor *c = *pp;
    *pp = c->nx;
    cursor_free(c);
    return sink->command_complete(sink, "CLOSE CURSOR") ? EXEC_ERROR : EXEC_DONE;
}

static bool is_cursor_stmt(const sqlast_stmt *st)
{
    return st->kind == SQLAST_DECLARE_CURSOR || st->kind == SQLAST_FETCH ||
           st->kind == SQLAST_CLOSE_CURSOR;
}

static bool is_setting_stmt(const sqlast_stmt *st)
{
    return st->kind == SQLAST_SET || st->kind == SQLAST_RESET || st->kind == SQLAST_SHOW;
}

#define SX_COPY_MAX (256u << 20) /* bytes of one COPY FROM STDIN, buffered until CopyDone */

static void copy_clear(sx_session *s)
{
    sqlschema_free(s->copy_table);
    free(s->copy_cols);
    free(s->copy_buf);
    s->copy_table = NULL;
    s->copy_cols = NULL;
    s->copy_buf = NULL;
    s->copy_st = NULL;
    s->copy_len = s->copy_cap = 0;
    s->copy_ncols = 0;
}

/* COPY TO STDOUT runs at once; COPY FROM STDIN returns EXEC_COPY_IN and continues in
 * sx_copy_in. */
static int start_copy(sx_session *s, const sqlast_stmt *st, executor_sink *sink,
                      executor_error *err)
{
    sqlerr se;
    if (!sink->copy_begin)
        return executor_error_set(err, "0A000", "COPY is not supported on this connection");
    if (st->select) { /* COPY (query) TO STDOUT */
        sx_plan p;
        memset(&p, 0, sizeof p);
        if (sqlrun_plan(s, st->select, &p, &se)) {
            sqlrun_plan_free(&p);
            return to_exec_err(err, &se);
        }
        uint64_t n = 0;
        int rc = EXEC_ERROR;
        if (!sink->copy_begin(sink, false, p.ncols < 0 ? 0 : p.ncols, st->binary)) {
            if (sqlrun_copy_query(s, st, &p, sink, &n, &se)) {
                to_exec_err(err, &se);
            } else {
                char tag[40];
                snprintf(tag, sizeof tag, "COPY %llu", (unsigned long long)n);
                if (!sink->copy_done(sink) && !sink->command_complete(sink, tag)) rc = EXEC_DONE;
            }
        }
        sqlrun_plan_free(&p);
        return rc;
    }
    if (sqlrun_copy_plan(s, st, &s->copy_table, &s->copy_cols, &s->copy_ncols, &se))
        return to_exec_err(err, &se);
    if (st->copy_from) {
        s->copy_st = st;
        if (sink->copy_begin(sink, true, s->copy_ncols, st->binary)) {
            copy_clear(s);
            return EXEC_ERROR;
        }
        return EXEC_COPY_IN;
    }
    uint64_t n = 0;
    int rc = EXEC_ERROR;
    if (sink->copy_begin(sink, false, s->copy_ncols, st->binary)) goto out;
    if (sqlrun_copy_out(s, st, s->copy_table, s->copy_cols, s->copy_ncols, sink, &n, &se)) {
        to_exec_err(err, &se);
        goto out;
    }
    char tag[40];
    snprintf(tag, sizeof tag, "COPY %llu", (unsigned long long)n);
    if (sink->copy_done(sink) || sink->command_complete(sink, tag)) goto out;
    rc = EXEC_DONE;
out:
    copy_clear(s);
    return rc;
}

static int run_simple(sx_session *s, executor_sink *sink, executor_error *err);
static int run_prepare(sx_session *s, const sqlast_stmt *st, const char *text, executor_sink *sink,
                       executor_error *err);
static int run_execute(sx_session *s, sqlast_stmt *st, bool describe, executor_sink *sink,
                       executor_error *err);

static int sx_copy_in(executor_session *es, int what, const void *data, size_t len,
                      executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_enter(s);
    if (!s->copy_st) return executor_error_set(err, "08P01", "no COPY in progress");
    if (what == EXEC_COPY_DATA) {
        if (len > SX_COPY_MAX - s->copy_len) {
            executor_error_set(err, "54000", "COPY data larger than %u MiB", SX_COPY_MAX >> 20);
            goto fail;
        }
        if (s->copy_len + len > s->copy_cap) {
            size_t nc = s->copy_cap ? s->copy_cap : 65536;
            while (nc < s->copy_len + len) nc *= 2;
            char *nb = realloc(s->copy_buf, nc);
            if (!nb) {
                executor_error_set(err, "53200", "out of memory");
                goto fail;
            }
            s->copy_buf = nb;
            s->copy_cap = nc;
        }
        if (len) memcpy(s->copy_buf + s->copy_len, data, len);
        s->copy_len += len;
        return EXEC_COPY_IN;
    }
    if (what == EXEC_COPY_FAIL) {
        executor_error_set(err, "57014", "COPY from stdin failed: %.*s", (int)(len > 300 ? 300 : len),
                           (const char *)data);
        goto fail;
    }
    uint64_t n = 0;
    sqlerr se;
    if (sqlrun_copy_in(s, s->copy_st, s->copy_table, s->copy_cols, s->copy_ncols, s->copy_buf,
                       s->copy_len, &n, &se)) {
        to_exec_err(err, &se);
        if (s->lock_wait) {
            int rc = lock_wait_start(s, RK_LOCK_COPY, err); /* applies the data again */
            if (rc == EXEC_PENDING) return rc;
        }
        goto fail;
    }
    copy_clear(s);
    char tag[40];
    snprintf(tag, sizeof tag, "COPY %llu", (unsigned long long)n);
    if (sink->command_complete(sink, tag)) {
        fail_txn(s);
        q_clear(s);
        return EXEC_ERROR;
    }
    return run_simple(s, sink, err);
fail:
    copy_clear(s);
    fail_txn(s);
    q_clear(s);
    return EXEC_ERROR;
}

static int run_simple(sx_session *s, executor_sink *sink, executor_error *err)
{
    for (; s->qi < s->q.nstmts; s->qi++) {
        sqlast_stmt *st = s->q.stmts[s->qi];
        if (s->cancel) {
            s->cancel = false;
            executor_error_set(err, "57014", "canceling statement due to user request");
            goto fail;
        }
        if (s->state == SX_FAILED && st->kind != SQLAST_COMMIT && st->kind != SQLAST_ROLLBACK &&
            st->kind != SQLAST_ROLLBACK_TO) {
            aborted_err(err);
            goto fail_keep;
        }
        sx_stmt_begin(s); /* PostgreSQL >= 13: each statement of a Query has its own timeout */
        if (s->deadline_ns && uv_hrtime() >= s->deadline_ns) { /* the parse took it all */
            s->deadline_ns = 0;
            executor_error_set(err, "57014", "canceling statement due to statement timeout");
            goto fail;
        }
        if (s->qsql)
            sx_note_query(s, s->qsql + st->location,
                          st->length ? (size_t)st->length : strlen(s->qsql + st->location));
        int rc;
        sqlerr lse;
        if (sx_stmt_lock_tables(s, st, &lse)) { /* the tables' locks, before it runs */
            to_exec_err(err, &lse);
            if (s->lock_wait) {
                rc = lock_wait_or_upgrade(s, RK_LOCK, err); /* runs statement qi again */
                if (rc == EXEC_PENDING) return rc;
            }
            goto fail;
        }
        switch (st->kind) {
        case SQLAST_BEGIN:
            if (s->state == SX_BLOCK) {
                if (warn(sink, "25001", "there is already a transaction in progress")) goto out;
            } else {
                s->state = SX_BLOCK;
                s->txn_start_us = txn_clock();
                sqlguc_txn_begin(s->guc); /* SET LOCAL lasts until the block ends */
                s->ro = st->txn_read_only;
                s->want_snap = txn_begin_level(s, st);
                s->block_stmts = s->block_txnsets = 0;
            }
            if (sink->command_complete(sink, "BEGIN")) goto out;
            break;
        case SQLAST_COMMIT:
            if (s->state == SX_FAILED) {
                txn_clear(s);
                s->state = SX_IDLE;
                if (sqlguc_txn_end(s->guc, false, sink)) goto out;
                if (sink->command_complete(sink, "ROLLBACK")) goto out;
                break;
            }
            if (s->state == SX_IDLE &&
                warn(sink, "25P01", "there is no transaction in progress"))
                goto out;
            s->state = SX_IDLE;
            cursors_end(s, true, false);
            if (sqlguc_txn_end(s->guc, true, sink)) goto out;
            rc = sx_commit_start(s, err);
            if (rc == EXEC_ERROR) goto fail;
            if (rc == EXEC_PENDING) {
                s->qi++;
                s->resume_kind = RK_COMMIT_TAG;
                return EXEC_PENDING;
            }
            if (sink->command_complete(sink, "COMMIT")) goto out;
            break;
        case SQLAST_ROLLBACK:
            if (s->state == SX_IDLE &&
                warn(sink, "25P01", "there is no transaction in progress"))
                goto out;
            txn_clear(s);
            s->state = SX_IDLE;
            if (sqlguc_txn_end(s->guc, false, sink)) goto out;
            if (sink->command_complete(sink, "ROLLBACK")) goto out;
            break;
        case SQLAST_DEALLOCATE:
        case SQLAST_DISCARD:
            if (run_discard(s, st, s->state != SX_IDLE || s->q.nstmts > 1, sink, err) ==
                EXEC_ERROR)
                goto fail;
            break;
        case SQLAST_PREPARE:
            if (run_prepare(s, st, s->qsql, sink, err) == EXEC_ERROR) goto fail;
            break;
        case SQLAST_LISTEN:
        case SQLAST_UNLISTEN:
        case SQLAST_NOTIFY:
            if (run_listen(s, st, sink, err) == EXEC_ERROR) goto fail;
            break;
        case SQLAST_EXECUTE:
            if (s->state == SX_IDLE && s->txn.nops == 0 && s->txn.ncat == 0)
                s->txn_start_us = txn_clock();
            rc = run_execute(s, st, true, sink, err);
            if (rc == EXEC_ERROR && s->lock_wait) {
                rc = lock_wait_or_upgrade(s, RK_LOCK, err); /* runs statement qi again */
                if (rc == EXEC_PENDING) return rc;
            }
            if (rc == EXEC_ERROR) goto fail;
            break;
        case SQLAST_SAVEPOINT:
        case SQLAST_RELEASE:
        case SQLAST_ROLLBACK_TO:
            if (run_savepoint(s, st, sink, err) == EXEC_ERROR) {
                if (s->state == SX_FAILED) goto fail_keep; /* stays failed */
                goto fail;
            }
            break;
        case SQLAST_COPY:
            if (ro_check(s, st, err) == EXEC_ERROR) goto fail;
            if (s->state == SX_IDLE && s->txn.nops == 0 && s->txn.ncat == 0)
                s->txn_start_us = txn_clock();
            rc = start_copy(s, st, sink, err);
            if (rc == EXEC_ERROR) goto fail;
            if (rc == EXEC_COPY_IN) {
                s->qi++;
                return rc;
            }
            break;
        case SQLAST_SET:
        case SQLAST_RESET:
        case SQLAST_SHOW:
            if (is_txn_characteristic_set(st)) {
                if (txn_set(s, st, sink, err) == EXEC_ERROR) goto fail;
                break;
            }
            if (run_setting(s, st, true, sink, err) == EXEC_ERROR) goto fail;
            break;
        case SQLAST_LOCK_TABLE:
            if (run_lock(s, st, sink, err) == EXEC_ERROR) goto fail;
            break;
        case SQLAST_VACUUM:
            if (run_vacuum(s, st, s->state != SX_IDLE || s->q.nstmts > 1, sink, err) == EXEC_ERROR) goto fail;
            break;
        case SQLAST_DECLARE_CURSOR:
        case SQLAST_FETCH:
        case SQLAST_CLOSE_CURSOR:
            if (s->state == SX_IDLE && s->txn.nops == 0 && s->txn.ncat == 0)
                s->txn_start_us = txn_clock();
            rc = st->kind == SQLAST_DECLARE_CURSOR ? run_declare(s, st, sink, err)
                 : st->kind == SQLAST_FETCH        ? run_fetch(s, st, true, sink, err)
                                                   : run_close(s, st, sink, err);
            if (rc == EXEC_ERROR) goto fail;
            break;
        default:
            if (s->state == SX_IDLE && s->txn.nops == 0 && s->txn.ncat == 0)
                s->txn_start_us = txn_clock();
            if (ro_check(s, st, err) == EXEC_ERROR) goto fail;
            rc = EXEC_ERROR;
            const char *bdir = backup_target(st);
            bool ae = !bdir && is_anti_entropy(st);
            if (bdir) {
                rc = run_backup(s, bdir, sink, err);
            } else if (ae) {
                rc = run_anti_entropy(s, sink, err);
            } else if (is_admin_call(st, "helios_index_check")) {
                rc = run_index_check(s, sink, err);
            } else if (sqlrun_handles(st) || st->kind == SQLAST_SELECT) {
                rc = run_table_stmt(s, st, sink, err);
            } else {
                sqlerr se;
                sqlerr_unsupported(&se, -1, sqlast_stmt_tag(st));
                rc = to_exec_err(err, &se);
            }
            if (rc == EXEC_PENDING_OUTPUT) {
                s->qi++;
                s->resume_kind = RK_STREAM;
                return rc;
            }
            if (rc == EXEC_PENDING) { /* a pg_sleep inside a streaming SELECT */
                s->qi++;
                s->resume_kind = RK_SLEEP_STREAM;
                return rc;
            }
            if (rc == EXEC_ERROR && s->lock_wait) {
                rc = lock_wait_or_upgrade(s, RK_LOCK, err); /* runs statement qi again */
                if (rc == EXEC_PENDING) return rc;
            }
            if (rc == EXEC_ERROR) goto fail;
            break;
        }
        sqlguc_flush(s->guc, sink);
        if (s->sleep_ns) { /* a pg_sleep in a statement that does not stream: wait after it */
            s->qi++;
            s->resume_kind = RK_SLEEP_AFTER;
            return sleep_start(s);
        }
    }
    if (s->state == SX_IDLE) {
        int rc = sx_commit_start(s, err);
        if (rc == EXEC_ERROR) goto fail;
        if (rc == EXEC_PENDING) {
            s->resume_kind = RK_FINAL;
            return EXEC_PENDING;
        }
    }
    q_clear(s);
    return EXEC_DONE;
out:
    q_clear(s);
    fail_txn(s);
    return EXEC_ERROR;
fail:
    fail_txn(s);
fail_keep:
    q_clear(s);
    return EXEC_ERROR;
}

/* The parse of a simple query into s->q: 1 when its statements are to run (run_simple), else
 * the operation's result. */
static int simple_parse(sx_session *s, const char *sql, size_t len, executor_sink *sink,
                        executor_error *err)
{
    sx_enter(s);
    q_clear(s);
    s->cancel = false;
    s->query_start_ns = uv_hrtime();
    s->qcopy = strndup(sql, len);
    if (!s->qcopy) return executor_error_set(err, "53200", "out of memory");
    s->qsql = s->qcopy;
    sqlerr se;
    if (sqlcache_parse(s->x->cache, s->qcopy, &s->q, &se)) {
        if (s->state == SX_FAILED) aborted_err(err);
        else to_exec_err(err, &se);
        fail_txn(s);
        q_clear(s);
        return EXEC_ERROR;
    }
    s->q_active = true;
    if (s->q.nstmts == 0) {
        q_clear(s);
        return sink->empty_query(sink) ? EXEC_ERROR : EXEC_DONE;
    }
    return 1;
}

static int sx_execute(executor_session *es, executor_portal *ep, uint32_t max_rows,
                      executor_sink *sink, executor_error *err);
static int sx_sync(executor_session *es, executor_error *err);

static int sx_resume(executor_session *es, executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_enter(s);
    int kind = s->resume_kind;
    s->resume_kind = RK_NONE;
    int rc;
    switch (kind) {
    case RK_ENGINE_SIMPLE:
        if (s->cancel) { /* cancelled while waiting for the engine */
            s->cancel = false;
            executor_error_set(err, "57014", "canceling statement due to user request");
            fail_txn(s);
            q_clear(s);
            return EXEC_ERROR;
        }
        return run_simple(s, sink, err);
    case RK_ENGINE_EXEC:
        if (s->cancel) {
            s->cancel = false;
            fail_txn(s);
            return executor_error_set(err, "57014", "canceling statement due to user request");
        }
        return sx_execute(es, (executor_portal *)s->resume_portal, s->resume_max, sink, err);
    case RK_ENGINE_SYNC: return sx_sync(es, err);
    case RK_LOCK:
    case RK_LOCK_EXEC:
    case RK_LOCK_COPY:
        if (lock_wait_over(s, err)) {
            fail_txn(s);
            if (kind == RK_LOCK_COPY) copy_clear(s);
            if (kind != RK_LOCK_EXEC) q_clear(s);
            return EXEC_ERROR;
        }
        if (kind == RK_LOCK) return run_simple(s, sink, err);
        if (kind == RK_LOCK_COPY) return sx_copy_in(es, EXEC_COPY_DONE, NULL, 0, sink, err);
        return sx_execute(es, (executor_portal *)s->resume_portal, s->resume_max, sink, err);
    case RK_SLEEP_AFTER: {
        /* the statement is complete: a cancel or timeout now has nothing left to stop */
        executor_error ignored;
        sleep_over(s, &ignored);
        return run_simple(s, sink, err);
    }
    case RK_SLEEP_EXEC:
        if (sleep_over(s, err)) {
            fail_txn(s);
            return EXEC_ERROR;
        }
        return sx_execute(es, (executor_portal *)s->resume_portal, s->resume_max, sink, err);
    case RK_SLEEP_STREAM:
    case RK_SLEEP_STREAM_EXEC:
        if (sleep_over(s, err)) {
            stream_end(s);
            fail_txn(s);
            if (kind == RK_SLEEP_STREAM) q_clear(s);
            return EXEC_ERROR;
        }
        if (kind == RK_SLEEP_STREAM) goto stream_simple; /* the stream goes on */
        goto stream_exec;
    case RK_COMMIT_TAG:
        if (commit_outcome(s, err)) {
            q_clear(s);
            return EXEC_ERROR;
        }
        if (sink->command_complete(sink, "COMMIT")) {
            q_clear(s);
            return EXEC_ERROR;
        }
        return run_simple(s, sink, err);
    case RK_FINAL:
        q_clear(s);
        return commit_outcome(s, err);
    case RK_EXEC_COMMIT:
        if (commit_outcome(s, err)) return EXEC_ERROR;
        return sink->command_complete(sink, "COMMIT") ? EXEC_ERROR : EXEC_DONE;
    case RK_SYNC: return commit_outcome(s, err);
    case RK_STREAM:
    stream_simple:
        rc = stream_run(s, sink, 0, err);
        if (rc == EXEC_PENDING_OUTPUT || rc == EXEC_PENDING) {
            s->resume_kind = rc == EXEC_PENDING ? RK_SLEEP_STREAM : RK_STREAM;
            return rc;
        }
        if (rc == EXEC_ERROR) {
            fail_txn(s);
            q_clear(s);
            return rc;
        }
        return run_simple(s, sink, err);
    case RK_STREAM_EXEC:
    stream_exec:
        rc = stream_run(s, sink, 0, err);
        if (rc == EXEC_PENDING_OUTPUT) s->resume_kind = RK_STREAM_EXEC;
        if (rc == EXEC_PENDING) s->resume_kind = RK_SLEEP_STREAM_EXEC;
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    default: return EXEC_DONE;
    }
}

/* ---- extended protocol -------------------------------------------------------------------- */

static bool is_txn_stmt(const sqlast_stmt *st)
{
    return st->kind == SQLAST_BEGIN || st->kind == SQLAST_COMMIT || st->kind == SQLAST_ROLLBACK ||
           st->kind == SQLAST_SAVEPOINT || st->kind == SQLAST_RELEASE ||
           st->kind == SQLAST_ROLLBACK_TO || st->kind == SQLAST_DEALLOCATE ||
           st->kind == SQLAST_DISCARD || st->kind == SQLAST_LOCK_TABLE || st->kind == SQLAST_VACUUM ||
           st->kind == SQLAST_LISTEN || st->kind == SQLAST_UNLISTEN || st->kind == SQLAST_NOTIFY ||
           is_txn_characteristic_set(st);
}

static void stmt_free_(sx_stmt *p)
{
    if (!p) return;
    if (p->planned) sqlrun_plan_free(&p->plan);
    sqlparse_result_free(&p->q);
    free(p->param_oids);
    free(p->text);
    free(p);
}

static int sx_prepare(executor_session *es, const char *sql, size_t len,
                      const uint32_t *param_oids, int nparams, executor_stmt **out,
                      executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_enter(s);
    uint64_t t0 = uv_hrtime(); /* statement_timeout counts the parse and the planning */
    sx_stmt *p = calloc(1, sizeof *p);
    if (!p) return executor_error_set(err, "53200", "out of memory");
    p->x = s->x;
    char *copy = strndup(sql, len);
    if (!copy) {
        free(p);
        return executor_error_set(err, "53200", "out of memory");
    }
    sqlerr se;
    int prc = sqlcache_parse(s->x->cache, copy, &p->q, &se);
    p->text = copy; /* kept for pg_stat_activity */
    if (prc != SQL_OK) {
        stmt_free_(p);
        fail_txn(s);
        return to_exec_err(err, &se);
    }
    if (p->q.nstmts > 1) {
        stmt_free_(p);
        return executor_error_set(err, "42601",
                                  "cannot insert multiple commands into a prepared statement");
    }
    if (p->q.nstmts == 0) { /* an empty query: EmptyQueryResponse at Execute */
        p->plan.ncols = -1;
        *out = (executor_stmt *)p;
        return EXEC_DONE;
    }
    sqlast_stmt *st = p->q.stmts[0];
    for (int i = 0; i < nparams && i < st->nparams; i++)
        if (param_oids[i]) st->param_types[i] = sqlval_type_from_oid(param_oids[i]);
    if (st->kind == SQLAST_SHOW) { /* its column, for Describe */
        bool all = !strcasecmp(st->name, "all");
        const char *canon = st->name;
        if (!all && !sqlguc_get(s->guc, st->name, &canon)) {
            stmt_free_(p);
            fail_txn(s);
            return executor_error_set(err, "42704", "unrecognized configuration parameter \"%s\"",
                                      st->name);
        }
        p->plan.ncols = all ? 3 : 1;
        p->plan.cols = calloc(3, sizeof *p->plan.cols);
        if (!p->plan.cols) {
            stmt_free_(p);
            return executor_error_set(err, "53200", "out of memory");
        }
        const char *names[3] = {all ? "name" : canon, "setting", "description"};
        for (int i = 0; i < p->plan.ncols; i++) {
            snprintf(p->plan.cols[i].name, sizeof p->plan.cols[i].name, "%s", names[i]);
            p->plan.cols[i].type_oid = PGTYPE_TEXT;
            p->plan.cols[i].typlen = -1;
            p->plan.cols[i].typmod = -1;
        }
        p->planned = true;
    } else if (is_setting_stmt(st) || st->kind == SQLAST_PREPARE) {
        p->plan.ncols = -1;
    } else if (st->kind == SQLAST_EXECUTE) { /* Describe gives the named statement's columns */
        sx_stmt *named = sqlprep_find(s, st->name);
        p->plan.ncols = -1;
        if (named && named->plan.ncols >= 0) {
            p->plan.cols = calloc((size_t)named->plan.ncols + 1, sizeof *p->plan.cols);
            if (!p->plan.cols) {
                stmt_free_(p);
                return executor_error_set(err, "53200", "out of memory");
            }
            memcpy(p->plan.cols, named->plan.cols, (size_t)named->plan.ncols * sizeof *p->plan.cols);
            p->plan.ncols = named->plan.ncols;
            p->planned = true;
        }
    } else if (is_cursor_stmt(st)) {
        p->plan.ncols = -1;
        sx_cursor *c = st->kind == SQLAST_FETCH && !st->fetch_move ? *cursor_find(s, st->name) : NULL;
        if (c && c->plan.ncols >= 0) { /* Describe gives the cursor's columns */
            p->plan.cols = calloc((size_t)c->plan.ncols + 1, sizeof *p->plan.cols);
            if (!p->plan.cols) {
                stmt_free_(p);
                return executor_error_set(err, "53200", "out of memory");
            }
            memcpy(p->plan.cols, c->plan.cols, (size_t)c->plan.ncols * sizeof *p->plan.cols);
            p->plan.ncols = c->plan.ncols;
            p->planned = true;
        }
    } else if (!is_txn_stmt(st)) {
        if (s->state == SX_FAILED) {
            stmt_free_(p);
            return aborted_err(err);
        }
        if (sqlrun_plan(s, st, &p->plan, &se)) {
            stmt_free_(p);
            fail_txn(s);
            return to_exec_err(err, &se);
        }
        p->planned = true;
    } else {
        p->plan.ncols = -1;
    }
    p->nparams = st->nparams > nparams ? st->nparams : nparams;
    p->param_oids = calloc((size_t)p->nparams + 1, sizeof *p->param_oids);
    if (!p->param_oids) {
        stmt_free_(p);
        return executor_error_set(err, "53200", "out of memory");
    }
    for (int i = 0; i < p->nparams; i++) {
        sqlval_type t = i < st->nparams ? st->param_types[i] : SQLVAL_UNKNOWN;
        if (t == SQLVAL_UNKNOWN) {
            t = SQLVAL_TEXT;
            if (i < st->nparams) st->param_types[i] = t;
        }
        p->param_oids[i] = i < nparams && param_oids[i] ? param_oids[i] : sqlval_type_oid(t);
    }
    if (timed_out_since(s, t0, err) == EXEC_ERROR) {
        stmt_free_(p);
        fail_txn(s);
        return EXEC_ERROR;
    }
    *out = (executor_stmt *)p;
    return EXEC_DONE;
}

static void sx_stmt_describe(const executor_stmt *est, executor_stmt_info *info)
{
    const sx_stmt *p = (const sx_stmt *)est;
    info->nparams = p->nparams;
    info->param_oids = p->param_oids;
    info->ncols = p->plan.ncols;
    info->cols = p->plan.cols;
}

static void sx_stmt_free(executor_stmt *est)
{
    sx_stmt *p = (sx_stmt *)est;
    if (!p) return;
    stmt_free_(p);
}

static void portal_free_(sx_portal *po)
{
    if (!po) return;
    for (int i = 0; i < po->nparams; i++) sqlval_free(&po->params[i]);
    free(po->params);
    sqlrun_result_free(&po->res);
    free(po);
}

static int sx_bind(executor_session *es, executor_stmt *est, int nparams,
                   const char *const *values, const size_t *lens, executor_portal **out,
                   executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_enter(s);
    uint64_t t0 = uv_hrtime(); /* statement_timeout counts the parameters' conversion */
    sx_stmt *p = (sx_stmt *)est;
    sx_portal *po = calloc(1, sizeof *po);
    if (!po) return executor_error_set(err, "53200", "out of memory");
    po->stmt = p;
    if (p->q.nstmts == 0) {
        *out = (executor_portal *)po;
        return EXEC_DONE;
    }
    po->params = calloc((size_t)nparams + 1, sizeof *po->params);
    if (!po->params) {
        free(po);
        return executor_error_set(err, "53200", "out of memory");
    }
    po->nparams = nparams;
    const sqlast_stmt *st = p->q.stmts[0];
    for (int i = 0; i < nparams; i++) {
        sqlval_type t = i < st->nparams ? st->param_types[i] : SQLVAL_TEXT;
        sqlerr se;
        if (!values[i]) {
            sqlval_init_null(&po->params[i], t);
            continue;
        }
        int rc;
        if (sqlval_type_is_reg(t)) { /* a name: looked up in the catalog, as regtypein does */
            sqlval txt;
            sqlval_init_null(&txt, SQLVAL_TEXT);
            txt.isnull = false;
            txt.s = (char *)values[i];
            txt.len = lens[i];
            char *copy = strndup(values[i], lens[i]);
            txt.s = copy;
            rc = copy ? sqlcatalog_call(s, "::", &txt, 1, t, &po->params[i], &se) : sqlerr_oom(&se);
            free(copy);
        } else {
            rc = sqlval_from_text(t, values[i], lens[i], &po->params[i], &se);
        }
        if (rc) {
            portal_free_(po);
            fail_txn(s);
            return to_exec_err(err, &se);
        }
    }
    if (timed_out_since(s, t0, err) == EXEC_ERROR) {
        portal_free_(po);
        fail_txn(s);
        return EXEC_ERROR;
    }
    *out = (executor_portal *)po;
    return EXEC_DONE;
}

typedef struct sqlprep_each_ctx {
    sx_sqlprep_fn fn;
    void *arg;
} sqlprep_each_ctx;

static int sqlprep_each_one(void *arg, const char *name, const char *text, int64_t at_us,
                            bool from_sql, executor_stmt *est)
{
    sqlprep_each_ctx *e = arg;
    const sx_stmt *p = (const sx_stmt *)est;
    return e->fn(e->arg, name, text, at_us, p->param_oids, p->nparams, from_sql) ? -1 : 0;
}

int sx_sqlprep_each(sx_session *s, sx_sqlprep_fn fn, void *arg)
{
    executor_sink *k = s->wire_sink;
    if (!k || !k->statements_each) return 0;
    sqlprep_each_ctx e = {fn, arg};
    return k->statements_each(k, sqlprep_each_one, &e) ? -1 : 0;
}

/* PREPARE name [(types)] AS query; text: the query string st comes from (NULL: unknown) */
static int run_prepare(sx_session *s, const sqlast_stmt *st, const char *text, executor_sink *sink,
                       executor_error *err)
{
    if (!sink->statement_add)
        return executor_error_set(err, "0A000", "feature not supported: PREPARE on this connection");
    if (sqlprep_find(s, st->name))
        return executor_error_set(err, "42P05", "prepared statement \"%s\" already exists", st->name);
    uint32_t oids[st->nprep_types + 1];
    for (int i = 0; i < st->nprep_types; i++) { /* the type names, as regtype reads them */
        sqlval txt, out;
        sqlval_init_null(&txt, SQLVAL_TEXT);
        txt.isnull = false;
        txt.s = st->prep_types[i];
        txt.len = strlen(st->prep_types[i]);
        sqlerr se;
        if (sqlcatalog_call(s, "::", &txt, 1, SQLVAL_REGTYPE, &out, &se)) {
            to_exec_err(err, &se);
            if (st->prep_type_locs && st->prep_type_locs[i] >= 0) err->position = st->prep_type_locs[i] + 1;
            return EXEC_ERROR;
        }
        oids[i] = (uint32_t)out.u.i;
        sqlval_free(&out);
    }
    executor_stmt *est = NULL;
    int rc = sx_prepare((executor_session *)s, st->value, strlen(st->value), oids, st->nprep_types, &est, err);
    if (rc == EXEC_ERROR) {
        if (err->position > 0) err->position += st->prep_offset;
        return rc;
    }
    /* PostgreSQL shows the whole query string the client sent */
    int ar = sink->statement_add(sink, st->name, est, text ? text : st->value);
    if (ar) {
        stmt_free_((sx_stmt *)est);
        if (ar == 1)
            return executor_error_set(err, "42P05", "prepared statement \"%s\" already exists", st->name);
        if (ar == 2)
            return executor_error_set(err, "54000", "too many prepared statements on this "
                                      "connection (%d); DEALLOCATE unused ones", EXECUTOR_MAX_STATEMENTS);
        return executor_error_set(err, "53200", "out of memory");
    }
    return sink->command_complete(sink, "PREPARE") ? EXEC_ERROR : EXEC_DONE;
}

/* EXECUTE name [(args)]: the arguments are computed as a SELECT of them, then bound as the
 * extended protocol's Bind binds text values; the statement's rows (with their description
 * when describe, as the simple protocol sends it) and its own command tag go out. */
static int run_execute(sx_session *s, sqlast_stmt *st, bool describe, executor_sink *sink,
                       executor_error *err)
{
    sx_stmt *p = sqlprep_find(s, st->name);
    if (!p) return executor_error_set(err, "26000", "prepared statement \"%s\" does not exist", st->name);
    int nargs = st->select ? st->select->ntargets : 0;
    if (nargs != p->nparams) {
        executor_error_set(err, "42601", "wrong number of parameters for prepared statement \"%s\"", st->name);
        snprintf(err->detail, sizeof err->detail, "Expected %d parameters but got %d.", p->nparams, nargs);
        return EXEC_ERROR;
    }
    if (p->q.nstmts == 0 || !p->planned)
        return executor_error_set(err, "0A000", "feature not supported: EXECUTE of this statement");
    if (ro_check(s, p->q.stmts[0], err) == EXEC_ERROR) return EXEC_ERROR;
    sqlerr se;
    if (sx_stmt_lock_tables(s, p->q.stmts[0], &se)) return to_exec_err(err, &se);
    sx_result args;
    memset(&args, 0, sizeof args);
    sx_plan ap;
    bool aplanned = false;
    if (nargs) {
        /* SELECT CAST(arg AS the parameter's type), ...: an argument converts as PostgreSQL
         * coerces it ('t'::regclass to an oid parameter gives its oid) */
        const sqlast_stmt *ist = p->q.stmts[0];
        sqlast_stmt *sel = calloc(1, sizeof *sel);
        if (!sel || !(sel->targets = calloc((size_t)nargs, sizeof *sel->targets))) {
            free(sel);
            return executor_error_set(err, "53200", "out of memory");
        }
        sel->kind = SQLAST_SELECT;
        sel->location = -1;
        int built = 0;
        for (; built < nargs; built++) {
            sqlast_expr *a = st->select->targets[built].expr;
            sqlval_type t = built < ist->nparams ? ist->param_types[built] : SQLVAL_TEXT;
            sqlast_expr *c = NULL;
            if (!sqlval_type_is_text(t) && !sqlval_type_is_array(t) && t != SQLVAL_ENUM && t != SQLVAL_UNKNOWN) {
                if (!(c = sqlast_expr_new(SQLAST_CAST, a->location)) || !(c->args = calloc(1, sizeof *c->args))) {
                    free(c);
                    break;
                }
                c->cast_type = t;
                c->args[0] = a;
                c->nargs = 1;
            }
            sel->targets[built].expr = c ? c : a;
            sel->targets[built].location = -1;
            sel->ntargets++;
        }
        int prc = built < nargs ? sqlerr_oom(&se) : sqlrun_plan(s, sel, &ap, &se);
        if (!prc) {
            aplanned = true;
            prc = sqlrun_exec(s, &ap, NULL, 0, &args, &se);
        }
        for (int i = 0; i < sel->ntargets; i++) { /* the arguments stay st's */
            sqlast_expr *c = sel->targets[i].expr;
            if (c != st->select->targets[i].expr) {
                c->args[0] = NULL;
                c->nargs = 0;
            } else {
                sel->targets[i].expr = NULL;
            }
        }
        sqlast_stmt_free(sel);
        if (prc) {
            if (aplanned) sqlrun_plan_free(&ap);
            sqlrun_result_free(&args);
            return to_exec_err(err, &se);
        }
    }
    executor_portal *ep = NULL;
    int rc = sx_bind((executor_session *)s, (executor_stmt *)p, nargs, (const char *const *)args.vals,
                     args.lens, &ep, err);
    if (aplanned) sqlrun_plan_free(&ap);
    sqlrun_result_free(&args);
    if (rc == EXEC_ERROR) return rc;
    sx_portal *po = (sx_portal *)ep;
    sx_result r;
    memset(&r, 0, sizeof r);
    rc = EXEC_ERROR;
    if (sqlrun_exec(s, &p->plan, po->params, po->nparams, &r, &se)) {
        to_exec_err(err, &se);
        goto out;
    }
    if (describe && p->plan.ncols >= 0 && sink->row_description(sink, p->plan.cols, p->plan.ncols)) goto out;
    size_t next;
    if (p->plan.ncols >= 0 && emit_result(&p->plan, &r, 0, 0, &next, sink)) goto out;
    if (emit_notices(&r, sink) || sink->command_complete(sink, r.tag)) goto out;
    rc = EXEC_DONE;
out:
    sqlrun_result_free(&r);
    portal_free_(po);
    return rc;
}

static void sx_portal_describe(const executor_portal *ep, int *ncols,
                               const executor_column **cols)
{
    const sx_portal *po = (const sx_portal *)ep;
    *ncols = po->stmt->plan.ncols;
    *cols = po->stmt->plan.cols;
}

/* An Execute's statement failed: when it stopped at a lock, it waits and executes again
 * (EXEC_PENDING), else the transaction fails (EXEC_ERROR, err kept). */
static int exec_wait_or_fail(sx_session *s, sx_portal *po, uint32_t max_rows, executor_error *err)
{
    if (s->lock_wait) {
        s->resume_portal = po;
        s->resume_max = max_rows;
        int rc = lock_wait_or_upgrade(s, RK_LOCK_EXEC, err); /* executes it again */
        if (rc == EXEC_PENDING) return rc;
    }
    fail_txn(s);
    return EXEC_ERROR;
}

static int sx_execute(executor_session *es, executor_portal *ep, uint32_t max_rows,
                      executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_enter(s);
    sx_portal *po = (sx_portal *)ep;
    sx_stmt *p = po->stmt;
    if (p->q.nstmts == 0) return sink->empty_query(sink) ? EXEC_ERROR : EXEC_DONE;
    const sqlast_stmt *st = p->q.stmts[0];
    if (p->text && !po->ran) sx_note_query(s, p->text, strlen(p->text));
    if (s->state == SX_FAILED && !(st && (st->kind == SQLAST_COMMIT || st->kind == SQLAST_ROLLBACK ||
                                          st->kind == SQLAST_ROLLBACK_TO)))
        return aborted_err(err);
    if (s->state == SX_IDLE && !s->implicit) {
        s->implicit = true;
        s->txn_start_us = txn_clock();
    }
    switch (st->kind) {
    case SQLAST_BEGIN:
        if (s->state == SX_BLOCK && warn(sink, "25001", "there is already a transaction in progress"))
            return EXEC_ERROR;
        if (s->state != SX_BLOCK) {
            sqlguc_txn_begin(s->guc);
            s->ro = st->txn_read_only;
            s->want_snap = txn_begin_level(s, st);
            s->block_stmts = s->block_txnsets = 0;
        }
        s->state = SX_BLOCK;
        s->implicit = false;
        return sink->command_complete(sink, "BEGIN") ? EXEC_ERROR : EXEC_DONE;
    case SQLAST_COMMIT: {
        if (s->state == SX_FAILED) {
            txn_clear(s);
            s->state = SX_IDLE;
            if (sqlguc_txn_end(s->guc, false, sink)) return EXEC_ERROR;
            return sink->command_complete(sink, "ROLLBACK") ? EXEC_ERROR : EXEC_DONE;
        }
        s->state = SX_IDLE;
        s->implicit = false;
        cursors_end(s, true, false);
        if (sqlguc_txn_end(s->guc, true, sink)) return EXEC_ERROR;
        int rc = sx_commit_start(s, err);
        if (rc == EXEC_PENDING) {
            s->resume_kind = RK_EXEC_COMMIT;
            return rc;
        }
        if (rc) return rc;
        return sink->command_complete(sink, "COMMIT") ? EXEC_ERROR : EXEC_DONE;
    }
    case SQLAST_ROLLBACK:
        txn_clear(s);
        s->state = SX_IDLE;
        s->implicit = false;
        if (sqlguc_txn_end(s->guc, false, sink)) return EXEC_ERROR;
        return sink->command_complete(sink, "ROLLBACK") ? EXEC_ERROR : EXEC_DONE;
    case SQLAST_SET:
    case SQLAST_RESET:
    case SQLAST_SHOW: {
        int rc = is_txn_characteristic_set(st) ? txn_set(s, st, sink, err)
                                               : run_setting(s, st, false, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_DECLARE_CURSOR:
    case SQLAST_FETCH:
    case SQLAST_CLOSE_CURSOR: {
        int rc = st->kind == SQLAST_DECLARE_CURSOR ? run_declare(s, st, sink, err)
                 : st->kind == SQLAST_FETCH        ? run_fetch(s, st, false, sink, err)
                                                   : run_close(s, st, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_LOCK_TABLE: {
        int rc = run_lock(s, st, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_VACUUM: {
        int rc = run_vacuum(s, st, s->state != SX_IDLE, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_DEALLOCATE:
    case SQLAST_DISCARD: {
        int rc = run_discard(s, st, s->state != SX_IDLE, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_LISTEN:
    case SQLAST_UNLISTEN:
    case SQLAST_NOTIFY: {
        int rc = run_listen(s, st, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_PREPARE:
    case SQLAST_EXECUTE: {
        if (po->ran) return sink->command_complete(sink, st->kind == SQLAST_PREPARE ? "PREPARE" : "SELECT 0") ? EXEC_ERROR : EXEC_DONE;
        po->ran = true;
        if (st->kind == SQLAST_EXECUTE) sx_stmt_begin(s);
        int rc = st->kind == SQLAST_PREPARE ? run_prepare(s, st, p->text, sink, err)
                                            : run_execute(s, (sqlast_stmt *)st, false, sink, err);
        if (rc == EXEC_ERROR && s->lock_wait) {
            po->ran = false;
            s->resume_portal = po;
            s->resume_max = max_rows;
            rc = lock_wait_or_upgrade(s, RK_LOCK_EXEC, err); /* executes it again */
            if (rc == EXEC_PENDING) return rc;
        }
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    case SQLAST_SAVEPOINT:
    case SQLAST_RELEASE:
    case SQLAST_ROLLBACK_TO: {
        if (s->implicit && s->state == SX_IDLE) { /* an implicit transaction is no block */
            const char *what = st->kind == SQLAST_SAVEPOINT ? "SAVEPOINT"
                               : st->kind == SQLAST_RELEASE ? "RELEASE SAVEPOINT"
                                                            : "ROLLBACK TO SAVEPOINT";
            executor_error_set(err, "25P01", "%s can only be used in transaction blocks", what);
            fail_txn(s);
            return EXEC_ERROR;
        }
        int rc = run_savepoint(s, st, sink, err);
        if (rc == EXEC_ERROR) fail_txn(s);
        return rc;
    }
    default: break;
    }
    if (ro_check(s, st, err) == EXEC_ERROR) {
        fail_txn(s);
        return EXEC_ERROR;
    }
    if (!po->ran) { /* the tables' locks, before it runs */
        sqlerr lse;
        sx_stmt_begin(s);
        if (sx_stmt_lock_tables(s, p->q.stmts[0], &lse)) {
            to_exec_err(err, &lse);
            return exec_wait_or_fail(s, po, max_rows, err);
        }
    }
    if (!po->ran && max_rows == 0) {
        /* Execute of everything streams like a simple query (a portal fetched in pieces is
         * collected: its cursor could outlive the transaction's overlay across a Sync). */
        sqlerr se;
        int sr = sqlrun_cursor_open(s, &p->plan, po->params, po->nparams, &s->stream, &se);
        if (sr < 0) {
            fail_txn(s);
            return to_exec_err(err, &se);
        }
        if (sr > 0) {
            po->ran = true;
            po->streamed = true;
            int rc = stream_run(s, sink, 0, err);
            if (rc == EXEC_PENDING_OUTPUT) s->resume_kind = RK_STREAM_EXEC;
            if (rc == EXEC_PENDING) s->resume_kind = RK_SLEEP_STREAM_EXEC;
            if (rc == EXEC_ERROR) fail_txn(s);
            return rc;
        }
    }
    if (po->streamed) /* executed again after it completed: no rows left, as PostgreSQL */
        return sink->command_complete(sink, "SELECT 0") ? EXEC_ERROR : EXEC_DONE;
    if (!po->ran) {
        sqlerr se;
        if (sqlrun_exec(s, &p->plan, po->params, po->nparams, &po->res, &se)) {
            to_exec_err(err, &se);
            sqlrun_result_free(&po->res);
            memset(&po->res, 0, sizeof po->res);
            return exec_wait_or_fail(s, po, max_rows, err);
        }
        po->ran = true;
        po->next = 0;
        if (s->sleep_ns) { /* a pg_sleep: its time passes before the result goes out */
            s->resume_portal = po;
            s->resume_max = max_rows;
            s->resume_kind = RK_SLEEP_EXEC;
            return sleep_start(s);
        }
    }
    sqlguc_flush(s->guc, sink);
    if (p->plan.ncols >= 0) {
        size_t next;
        if (emit_result(&p->plan, &po->res, po->next, max_rows, &next, sink)) return EXEC_ERROR;
        po->next = next;
        if (next < po->res.nrows) return EXEC_SUSPENDED;
    }
    if (emit_notices(&po->res, sink)) return EXEC_ERROR;
    return sink->command_complete(sink, po->res.tag) ? EXEC_ERROR : EXEC_DONE;
}

static void sx_portal_free(executor_portal *ep)
{
    portal_free_((sx_portal *)ep);
}

static int sx_sync(executor_session *es, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    if (s->state != SX_IDLE) return EXEC_DONE;
    s->implicit = false;
    int rc = sx_commit_start(s, err);
    if (rc == EXEC_PENDING) s->resume_kind = RK_SYNC;
    return rc;
}

static void sx_note_error(executor_session *es)
{
    sx_session *s = (sx_session *)es;
    fail_txn(s);
}

static char sx_txn_status(const executor_session *es)
{
    const sx_session *s = (const sx_session *)es;
    return s->state == SX_FAILED ? 'E' : s->state == SX_BLOCK ? 'T' : 'I';
}

static int sx_cursor_describe(executor_session *es, const char *name, int *ncols,
                              const executor_column **cols)
{
    sx_session *s = (sx_session *)es;
    sx_cursor *c = *cursor_find(s, name);
    if (!c) return 0;
    *ncols = c->plan.ncols;
    *cols = c->plan.cols;
    return 1;
}

static bool sx_terminated(executor_session *es)
{
    return ((sx_session *)es)->terminate;
}

/* Any thread, without the engine lock (the wire layer's CancelRequest arrives on whichever
 * loop accepted it, while the target's statement may hold the lock): the running statement
 * sees `cancel` at its next row (sx_interrupted); a wait for a row lock or a pg_sleep is ended
 * by the session's own loop (cancel_waits). */
static void sx_cancel(executor_session *es)
{
    sx_session *s = (sx_session *)es;
    atomic_store(&s->cancel, true);
    atomic_store(&s->cancel_wake, true);
    lc_kick(s->lc);
}

static int sx_notifications(executor_session *es, executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    if (!s->nsess || s->state != SX_IDLE || !sink->notification) return 0;
    if (sqlnotify_sess_overflowed(s->nsess)) {
        executor_error_set(err, "54000", "too many notifications queued for this session: "
                           "notifications were lost");
        snprintf(err->severity, sizeof err->severity, "FATAL");
        snprintf(err->hint, sizeof err->hint, "A listening session must read its notifications: "
                 "end long transactions and read the connection promptly.");
        return EXEC_ERROR;
    }
    sqlnotify_msg m;
    while (!(sink->output_full && sink->output_full(sink))) {
        if (!sqlnotify_pop(s->nsess, &m)) return 0;
        int r = sink->notification(sink, m.pid, m.channel, m.payload);
        sqlnotify_msg_free(&m);
        if (r) return EXEC_ERROR;
    }
    return 1;
}

static int sx_session_new(executor *ex, const executor_startup *st, executor_sink *sink,
                          void (*wake)(void *), void *wake_arg, executor_session **out,
                          executor_error *err)
{
    sx_exec *x = (sx_exec *)ex;
    sx_session *s = calloc(1, sizeof *s);
    if (!s) return executor_error_set(err, "53200", "out of memory");
    s->x = x;
    s->lc = thread_lc && thread_lc->x == x ? thread_lc : x->home;
    s->wake = wake;
    s->wake_arg = wake_arg;
    s->wire_sink = sink;
    snprintf(s->user, sizeof s->user, "%s", st->user ? st->user : "");
    snprintf(s->database, sizeof s->database, "%s", st->database ? st->database : "");
    s->backend_start_us = now_us_2000();
    if (st->client_addr) { /* "127.0.0.1:50412", "[::1]:50412" */
        const char *colon = strrchr(st->client_addr, ':');
        size_t n = colon ? (size_t)(colon - st->client_addr) : strlen(st->client_addr);
        const char *a = st->client_addr;
        if (n >= 2 && a[0] == '[' && a[n - 1] == ']') a++, n -= 2;
        snprintf(s->client_addr, sizeof s->client_addr, "%.*s", (int)n, a);
        s->client_port = colon ? atoi(colon + 1) : 0;
    }
    s->pid = st->backend_pid;
    s->last_seq = -1;
    sqlerr se;
    if (sqlguc_new(st, x->statement_timeout_ms, &s->guc, &se)) {
        free(s);
        return to_exec_err(err, &se);
    }
    if (!(s->sleep_timer = malloc(sizeof *s->sleep_timer))) {
        sqlguc_free(s->guc);
        free(s);
        return executor_error_set(err, "53200", "out of memory");
    }
    uv_timer_init(s->lc->loop, s->sleep_timer);
    s->sleep_timer->data = s;
    if (sqlguc_report_all(s->guc, sink)) {
        uv_close((uv_handle_t *)s->sleep_timer, on_sleep_timer_close);
        sqlguc_free(s->guc);
        free(s);
        return executor_error_set(err, "53200", "out of memory");
    }
    /* the connection limits count the sessions: the count and the insertion in one step */
    pthread_mutex_lock(&x->sessmu);
    if (sx_role_login(s, st->users_file, &se) || sx_role_refresh(s, NULL, &se)) {
        pthread_mutex_unlock(&x->sessmu);
        uv_close((uv_handle_t *)s->sleep_timer, on_sleep_timer_close);
        sqlguc_free(s->guc);
        free(s);
        return to_exec_err(err, &se);
    }
    s->all_next = x->sessions;
    if (x->sessions) x->sessions->all_prev = s;
    x->sessions = s;
    pthread_mutex_unlock(&x->sessmu);
    (void)sqlguc_flush(s->guc, sink);
    *out = (executor_session *)s;
    return EXEC_DONE;
}

static int sx_role_secret_op(executor *ex, const char *user, char *out, size_t cap)
{
    return sx_role_secret((sx_exec *)ex, user, out, cap);
}

static void sx_session_del(executor_session *es)
{
    sx_session *s = (sx_session *)es;
    if (!s) return;
    engine_wait_drop(s);
    pthread_mutex_lock(&s->x->sessmu);
    if (s->all_prev) s->all_prev->all_next = s->all_next;
    else s->x->sessions = s->all_next;
    if (s->all_next) s->all_next->all_prev = s->all_prev;
    pthread_mutex_unlock(&s->x->sessmu);
    sqlnotify_sess_free(s->nsess); /* no kick for s once it returns */
    s->nsess = NULL;
    if (s->commit) {
        pthread_mutex_lock(&s->x->mu);
        s->commit->sess = NULL;
        pthread_mutex_unlock(&s->x->mu);
    }
    wait_unlink(s);
    s->waiting_for = NULL;
    uv_close((uv_handle_t *)s->sleep_timer, on_sleep_timer_close);
    sqlguc_free(s->guc);
    sx_nspcache_free(s->nspc);
    free(s->seqvals);
    cursors_end(s, false, true);
    stream_end(s); /* its iterator reads through the transaction's overlay: first */
    copy_clear(s);
    q_clear(s);
    txn_clear(s);
    free(s->tlw);
    free(s);
}

static void on_lc_close(uv_handle_t *h)
{
    sx_loopctx *lc = h->data;
    if (--lc->closing == 0) free(lc);
}

/* The loop's context: its async (commit answers, wakes) and lock timer, both unreferenced
 * (only sessions keep a loop running), linked into x->lcs. NULL when out of memory. */
static sx_loopctx *lc_new(sx_exec *x, uv_loop_t *loop)
{
    sx_loopctx *lc = calloc(1, sizeof *lc);
    if (!lc) return NULL;
    lc->x = x;
    lc->loop = loop;
    if (uv_async_init(loop, &lc->async, on_async)) {
        free(lc);
        return NULL;
    }
    lc->async.data = lc;
    uv_unref((uv_handle_t *)&lc->async);
    uv_timer_init(loop, &lc->lock_timer);
    lc->lock_timer.data = lc;
    uv_unref((uv_handle_t *)&lc->lock_timer);
    pthread_mutex_lock(&x->mu);
    lc->next = x->lcs;
    x->lcs = lc;
    x->nlcs++;
    pthread_mutex_unlock(&x->mu);
    return lc;
}

/* Unlinks lc and closes its handles (freed by their close callbacks; the caller runs its loop
 * to finish them). Its sessions are gone and it has no commit in flight. */
static void lc_close(sx_loopctx *lc)
{
    sx_exec *x = lc->x;
    pthread_mutex_lock(&x->mu);
    for (sx_loopctx **pp = &x->lcs; *pp; pp = &(*pp)->next)
        if (*pp == lc) {
            *pp = lc->next;
            x->nlcs--;
            break;
        }
    pthread_mutex_unlock(&x->mu);
    lc->closing = 2;
    uv_close((uv_handle_t *)&lc->async, on_lc_close);
    uv_close((uv_handle_t *)&lc->lock_timer, on_lc_close);
}

void sqlexec_thread_attach(executor *ex, uv_loop_t *loop)
{
    sx_exec *x = (sx_exec *)ex;
    sqlerr_stack_mark(); /* the stack guard counts from the thread's start */
    sql_thread = true;
    sx_engine_enter(x);
    thread_lc = lc_new(x, loop); /* NULL (out of memory): its sessions use the home loop's */
    sx_engine_leave(x);
}

void sqlexec_thread_detach(executor *ex)
{
    sx_exec *x = (sx_exec *)ex;
    if (!thread_lc || thread_lc->x != x || thread_lc == x->home) return;
    sx_engine_enter(x);
    lc_close(thread_lc);
    thread_lc = NULL;
    sx_engine_leave(x);
}

static void sx_destroy(executor *ex)
{
    sx_exec *x = (sx_exec *)ex;
    if (!x) return;
    storage_close(x->st); /* completes every queued commit first */
    if (x->home) {
        sx_engine_enter(x);
        atomic_store(&x->home->work, true);
        on_async(&x->home->async);
        while (x->ixwait) { /* builds cut short by the close: they resume at the next start */
            sx_commit *c = x->ixwait;
            x->ixwait = c->next;
            commit_answer(c);
        }
        sx_engine_leave(x);
        uv_loop_t *loop = x->home->loop;
        lc_close(x->home);
        uv_run(loop, UV_RUN_NOWAIT);
        if (thread_lc == x->home) thread_lc = NULL;
        x->home = NULL;
    }
    sqllock_del(x->locks);
    sqlcache_free(x->cache);
    ifl_free(x);
    for (int i = 0; i < x->ntables; i++) sqlschema_free(x->tables[i]);
    free(x->tables);
    free(x->seqs);
    for (int i = 0; i < x->nindexes; i++) sqlindex_free(x->indexes[i]);
    free(x->indexes);
    authkv_free(x->auth, x->nauth);
    sx_authcache_free(x->authcache);
    free(x->backup_dir);
    sqlindex_reg_free(x->ixreg); /* after storage_close: the writer used it */
    sqlnotify_hub_free(x->nhub);
    free(x->tmods);
    conflicts_free(x);
    pthread_mutex_destroy(&x->mu);
    pthread_mutex_destroy(&x->clock_mu);
    pthread_rwlock_destroy(&x->engine);
    pthread_mutex_destroy(&x->authmu);
    pthread_mutex_destroy(&x->sessmu);
    free(x);
}

/* ---- the engine lock around every operation (see "threads") ------------------------------ */

#define SX_LOCKED(x, call)                                                                        \
    do {                                                                                          \
        sx_engine_enter(x);                                                                       \
        rc = call;                                                                                \
        sx_engine_leave(x);                                                                       \
    } while (0)

#define SX_SHARED(x, call)                                                                        \
    do {                                                                                          \
        sx_engine_enter_shared(x);                                                                \
        rc = call;                                                                                \
        sx_engine_leave(x);                                                                       \
    } while (0)

/* A login reads the roles and joins the sessions list (sessmu): shared, so logging in never
 * waits for a long read. */
static int l_session_new(executor *ex, const executor_startup *st, executor_sink *sink,
                         void (*wake)(void *), void *wake_arg, executor_session **out,
                         executor_error *err)
{
    int rc;
    SX_SHARED((sx_exec *)ex, sx_session_new(ex, st, sink, wake, wake_arg, out, err));
    return rc;
}

static int l_role_secret(executor *ex, const char *user, char *out, size_t cap)
{
    int rc;
    SX_SHARED((sx_exec *)ex, sx_role_secret_op(ex, user, out, cap));
    return rc;
}

/* A session that holds nothing others wait for (no transaction changes, locks, lock wait or
 * commit in flight) leaves under the shared lock. */
static void l_session_del(executor_session *es)
{
    if (!es) return;
    sx_session *s = (sx_session *)es;
    sx_exec *x = s->x;
    sx_engine_enter_shared(x);
    bool light = sx_txn_light(s) && !s->waiting_for && !s->wait_prev && x->waiters != s &&
                 !s->stream;
    if (!light) {
        sx_engine_leave(x);
        sx_engine_enter(x);
    }
    sx_session_del(es);
    sx_engine_leave(x);
}

/* Holding the lock shared: keep it so when `shared` (true), else take it exclusive instead if
 * it is free (true), else hold nothing: the session waits for it (false; the caller sets the
 * resume kind and returns EXEC_PENDING). Nothing read under the shared lock is kept: the
 * session's own state only. */
static bool engine_settle(sx_session *s, bool shared)
{
    s->op_shared = shared;
    if (shared) return true;
    sx_engine_leave(s->x);
    return engine_take_or_wait(s);
}

/* The statements are parsed under the shared lock, then run under the lock they need
 * (sqlshared.c). */
static int l_simple_query(executor_session *es, const char *sql, size_t len, executor_sink *sink,
                          executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_engine_enter_shared(s->x);
    s->op_shared = true;
    int rc = simple_parse(s, sql, len, sink, err);
    if (rc == 1) {
        if (!engine_settle(s, sx_stmts_shared(s, &s->q))) {
            s->resume_kind = RK_ENGINE_SIMPLE;
            return EXEC_PENDING;
        }
        rc = run_simple(s, sink, err);
    }
    sx_engine_leave(s->x);
    return rc;
}

/* Parsing, planning and binding read the catalog: shared. */
static int l_prepare(executor_session *es, const char *sql, size_t len, const uint32_t *param_oids,
                     int nparams, executor_stmt **out, executor_error *err)
{
    int rc;
    ((sx_session *)es)->op_shared = true;
    SX_SHARED(((sx_session *)es)->x, sx_prepare(es, sql, len, param_oids, nparams, out, err));
    return rc;
}

static void l_stmt_free(executor_stmt *est)
{
    if (!est) return;
    sx_exec *x = ((sx_stmt *)est)->x;
    sx_engine_enter_shared(x);
    sx_stmt_free(est);
    sx_engine_leave(x);
}

static int l_bind(executor_session *es, executor_stmt *est, int nparams, const char *const *values,
                  const size_t *lens, executor_portal **out, executor_error *err)
{
    int rc;
    ((sx_session *)es)->op_shared = true;
    SX_SHARED(((sx_session *)es)->x, sx_bind(es, est, nparams, values, lens, out, err));
    return rc;
}

static int l_execute(executor_session *es, executor_portal *ep, uint32_t max_rows,
                     executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_engine_enter_shared(s->x);
    if (!engine_settle(s, sx_stmts_shared(s, &((sx_portal *)ep)->stmt->q))) {
        s->resume_kind = RK_ENGINE_EXEC;
        s->resume_portal = (sx_portal *)ep;
        s->resume_max = max_rows;
        return EXEC_PENDING;
    }
    int rc = sx_execute(es, ep, max_rows, sink, err);
    sx_engine_leave(s->x);
    return rc;
}

static void l_portal_free(executor_portal *ep)
{
    if (!ep) return;
    sx_exec *x = ((sx_portal *)ep)->stmt->x;
    sx_engine_enter_shared(x);
    sx_portal_free(ep);
    sx_engine_leave(x);
}

/* Ending a transaction that recorded nothing touches nothing shared. */
static int l_sync(executor_session *es, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    sx_engine_enter_shared(s->x);
    if (!engine_settle(s, sx_txn_light(s))) {
        s->resume_kind = RK_ENGINE_SYNC;
        return EXEC_PENDING;
    }
    int rc = sx_sync(es, err);
    sx_engine_leave(s->x);
    return rc;
}

/* The same operation goes on: under the lock it started with. */
static int l_resume(executor_session *es, executor_sink *sink, executor_error *err)
{
    sx_session *s = (sx_session *)es;
    int rc;
    if (s->op_shared) {
        /* While it paused (output, pg_sleep), a statement wanting ACCESS EXCLUSIVE may have
         * moved its ACCESS SHARE locks into the lock table (tlw_promote): it then ends under
         * the exclusive lock, where releasing them is safe. */
        sx_engine_enter_shared(s->x);
        if (!s->locks) {
            rc = sx_resume(es, sink, err);
            sx_engine_leave(s->x);
            return rc;
        }
        sx_engine_leave(s->x);
        s->op_shared = false;
    }
    /* a cancel need not wait when ending the wait touches nothing shared */
    if (s->cancel && (s->resume_kind == RK_ENGINE_SIMPLE || s->resume_kind == RK_ENGINE_EXEC)) {
        sx_engine_enter_shared(s->x);
        if (sx_txn_light(s)) {
            rc = sx_resume(es, sink, err);
            sx_engine_leave(s->x);
            return rc;
        }
        sx_engine_leave(s->x);
    }
    if (!engine_take_or_wait(s)) return EXEC_PENDING;
    rc = sx_resume(es, sink, err);
    sx_engine_leave(s->x);
    return rc;
}

static void l_note_error(executor_session *es)
{
    sx_exec *x = ((sx_session *)es)->x;
    sx_engine_enter_shared(x);
    sx_note_error(es);
    sx_engine_leave(x);
}

static char l_txn_status(const executor_session *es)
{
    sx_exec *x = ((const sx_session *)es)->x;
    sx_engine_enter_shared(x);
    char c = sx_txn_status(es);
    sx_engine_leave(x);
    return c;
}

static bool l_terminated(executor_session *es)
{
    sx_exec *x = ((sx_session *)es)->x;
    sx_engine_enter_shared(x);
    bool t = sx_terminated(es);
    sx_engine_leave(x);
    return t;
}

static int l_cursor_describe(executor_session *es, const char *name, int *ncols,
                             const executor_column **cols)
{
    int rc;
    SX_SHARED(((sx_session *)es)->x, sx_cursor_describe(es, name, ncols, cols));
    return rc;
}

static int l_copy_in(executor_session *es, int what, const void *data, size_t len,
                     executor_sink *sink, executor_error *err)
{
    int rc;
    ((sx_session *)es)->op_shared = false;
    SX_LOCKED(((sx_session *)es)->x, sx_copy_in(es, what, data, len, sink, err));
    return rc;
}

/* stmt_describe and portal_describe read what belongs to the statement alone; cancel takes
 * no lock (sx_cancel); destroy runs once every other thread is gone. */
static const executor_ops sx_ops = {
    .name = "sql",
    .session_new = l_session_new,
    .role_secret = l_role_secret,
    .session_del = l_session_del,
    .simple_query = l_simple_query,
    .prepare = l_prepare,
    .stmt_describe = sx_stmt_describe,
    .stmt_free = l_stmt_free,
    .bind = l_bind,
    .portal_describe = sx_portal_describe,
    .execute = l_execute,
    .portal_free = l_portal_free,
    .sync = l_sync,
    .resume = l_resume,
    .note_error = l_note_error,
    .txn_status = l_txn_status,
    .cancel = sx_cancel,
    .terminated = l_terminated,
    .notifications = sx_notifications,
    .cursor_describe = l_cursor_describe,
    .copy_in = l_copy_in,
    .destroy = sx_destroy,
};

/* A merge, counted in the conflict metrics; the writer's (not previews) park their conflicts
 * for helios.conflicts. dot_floor: crdt_row_merge_fill_bytes's (NULL: none). */
static int merge_counted(sx_exec *x, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                         size_t dlen, const causal_vv *dot_floor, uint8_t **out, size_t *outlen)
{
    crdt_merge_stats ms = {0};
    int rc = crdt_row_merge_fill_bytes(old, oldlen, delta, dlen, dot_floor, out, outlen, &ms);
    metrics_conflicts_add(ms.conflicts); /* GET /metrics heliosdb_conflicts_total */
    if (rc == 0 && ms.conflicts && x && !sql_thread) /* the writer's merges, not previews */
        conflict_park(x, delta, dlen, ms.conflicts);
    return rc;
}

static int row_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    return merge_counted(ctx, old, oldlen, delta, dlen, NULL, out, outlen);
}

/* The writer's merge of a delta into a row's stored state, the row's contexts raised over the
 * floor (commit-seq units -> dot floor: every op of every covered commit). Without it each
 * commit that touches a row left one more dot in its contexts until tombstone GC rewrote it:
 * a row updated 7,000 times carried 137 kB, and every update read and wrote all of it. */
static int row_merge_state(void *ctx, const causal_vv *floor_seq_vv, const uint8_t *old,
                           size_t oldlen, const uint8_t *delta, size_t dlen, uint8_t **out,
                           size_t *outlen)
{
    causal_vv floor;
    causal_vv_init(&floor);
    int rc = floor_seq_vv->len ? causal_vv_to_dot_floor(&floor, floor_seq_vv) : 0;
    if (rc == 0)
        rc = merge_counted(ctx, old, oldlen, delta, dlen, floor_seq_vv->len ? &floor : NULL, out,
                           outlen);
    causal_vv_free(&floor);
    return rc;
}

/* Tombstone GC (storage's compaction filter): the stable vv arrives in commit-seq units,
 * the row's dots are (seq << 20 | op), so the floor covers every op of every stable seq.
 * A row is never dropped whole: its compacted state keeps the floor that stops an old
 * dot from coming back through a state merge (snapshot, anti-entropy). */
static int row_gc(void *ctx, const causal_vv *stable_seq_vv, const uint8_t *state, size_t len,
                  uint8_t **out, size_t *outlen, bool *drop_row)
{
    (void)ctx;
    *drop_row = false;
    causal_vv floor;
    causal_vv_init(&floor);
    int rc = causal_vv_to_dot_floor(&floor, stable_seq_vv);
    if (rc == 0) rc = crdt_row_gc_bytes(state, len, &floor, out, outlen);
    causal_vv_free(&floor);
    return rc;
}

executor *sqlexec_new(uv_loop_t *loop, const config *cfg, char *err, size_t errsz)
{
    sx_exec *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    x->base.ops = &sx_ops;
    pthread_rwlock_init(&x->engine, NULL); /* readers first: a long read never stalls reads */
    pthread_mutex_init(&x->authmu, NULL);
    pthread_mutex_init(&x->sessmu, NULL);
    pthread_mutex_init(&x->clock_mu, NULL);
    x->node = cfg->node.id;
    x->next_table_id = (uint32_t)x->node << 16 | 1;
    snprintf(x->node_name, sizeof x->node_name, "%s", cfg->node.name ? cfg->node.name : "");
    x->start_ms = wall_ms();
    atomic_init(&x->next_xid, (uint64_t)now_us_2000());
    causal_clock_init(&x->clock, cfg->max_clock_skew_ms ? cfg->max_clock_skew_ms : 500);
    pthread_mutex_init(&x->mu, NULL);
    pthread_mutex_init(&x->cmu, NULL);
    x->cmu_init = true;
    causal_vv_init(&x->cseen);
    x->statement_timeout_ms = cfg->sql.statement_timeout_ms;
    x->max_connections = cfg->sql.max_connections;
    x->superuser_reserved = cfg->sql.superuser_reserved;
    if (cfg->storage.backup_dir) {
        char nb[4096];
        if (config_path_normalize(cfg->storage.backup_dir, nb, sizeof nb) == 0)
            x->backup_dir = strdup(nb);
    }
    x->seq_stride = cfg->replication.enabled ? 16 : 1;
    if (!(x->cache = sqlcache_new(256))) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    if (!(x->home = lc_new(x, loop))) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    thread_lc = x->home;
    sql_thread = true;
    if (!(x->locks = sqllock_new())) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = cfg->node.data_dir;
    o.node_id = cfg->node.id;
    o.node_name = cfg->node.name;
    o.sync = cfg->storage.sync == CONFIG_SYNC_BATCH ? STORAGE_SYNC_BATCH
             : cfg->storage.sync == CONFIG_SYNC_OFF ? STORAGE_SYNC_OFF
                                                    : STORAGE_SYNC_ALWAYS;
    o.sync_interval_ms = cfg->storage.sync_interval_ms;
    o.block_cache_bytes = (size_t)cfg->storage.block_cache_mb << 20;
    o.row_cache_bytes = (size_t)cfg->storage.row_cache_mb << 20;
    o.merge = row_merge;
    o.merge_state = row_merge_state;
    /* no peers: every operation there will ever be is local and after what is applied, so the
       applied vv is causally stable at once (the replication tick would lag it by seconds) */
    o.fill_applied = cfg->replication.npeers == 0;
    o.merge_ctx = x;
    o.catalog_merge = sx_catalog_merge;
    o.gc = row_gc;
    o.gc_ctx = x;
    o.wakeup = on_wakeup;
    o.wakeup_ctx = x;
    o.notify = storage_notify;
    o.notify_ctx = x;
    if (!(x->ixreg = sqlindex_reg_new()) || !(x->nhub = sqlnotify_hub_new())) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    sqlindex_reg_hooks(x->ixreg, &o.index);
    int rc = storage_open(&o, &x->st);
    if (rc) {
        snprintf(err, errsz, "storage: %s: %s", storage_strerror(rc), storage_errmsg());
        goto fail;
    }
    if (storage_vv(x->st, &x->cseen)) {
        snprintf(err, errsz, "storage: cannot read the version vector");
        goto fail;
    }
    if (catalog_load(x, err, errsz)) goto fail;
    sqlindex_reg_on_ready(x->ixreg, on_ix_ready, x);
    return &x->base;
fail:
    sx_destroy(&x->base);
    return NULL;
}
