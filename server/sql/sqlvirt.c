/*
 * server/sql/sqlvirt.c — the helios.* virtual tables and helios_digest(). See sqlvirt.h.
 *
 * Index:
 *   schemas    column lists of the views, built into sqlschema_table (id 0)
 *   rows       one producer per view (helios.conflicts: counts kept by sqlexec.c)
 *   digest     SHA-256 over the committed user rows
 */
#include "server/sql/sqlvirt.h"
#include "server/sql/sqlvirt_repl.h"
#include "server/sql/sqlcatalog.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/pgtypes.h"

#ifndef HELIOS_VERSION
#define HELIOS_VERSION "dev"
#endif

/* ---- schemas ------------------------------------------------------------------------------ */

typedef struct vcol {
    const char *name, *type;
} vcol;

static const vcol node_cols[] = {{"name", "text"},         {"id", "int"},
                                 {"version", "text"},      {"uptime_s", "bigint"},
                                 {"vv", "jsonb"},          {"hlc", "text"},
                                 {"peers", "int"},         {"peers_up", "int"},
                                 {"max_lag_entries", "bigint"}, {"max_lag_ms", "double precision"},
                                 {NULL, NULL}};
static const vcol tables_cols[] = {{"name", "text"},   {"table_id", "bigint"}, {"columns", "int"},
                                   {"rows", "bigint"}, {NULL, NULL}};
static const vcol peers_cols[] = {
    {"name", "text"},         {"id", "int"},          {"state", "text"},
    {"reason", "text"},       {"rtt_ms", "double precision"},
    {"acked_vv", "jsonb"},    {"lag_entries", "bigint"}, {"lag_ms", "double precision"},
    {"bytes_in", "bigint"},   {"bytes_out", "bigint"}, {"batches_in", "bigint"},
    {"batches_out", "bigint"}, {"snapshots_sent", "bigint"}, {"snapshots_received", "bigint"},
    {"snapshot_active", "boolean"}, {"anti_entropy_runs", "bigint"},
    {"rows_repaired", "bigint"}, {"last_anti_entropy", "timestamptz"},
    {"relayed_entries", "bigint"}, {NULL, NULL}};

/* sqlvirt_repl.h: set once by main on the loop thread, read by queries on it. */
static sqlvirt_peer_extra_fn peer_extra_fn;
static void *peer_extra_arg;

void sqlvirt_set_peer_extra(sqlvirt_peer_extra_fn fn, void *arg)
{
    peer_extra_fn = fn;
    peer_extra_arg = arg;
}

static const vcol conflicts_cols[] = {{"table_name", "text"}, {"conflicts", "bigint"},
                                      {"last_conflict_at", "timestamptz"}, {NULL, NULL}};

/* Sessions whose statement waits for a row lock (sqlexec.c "row locks"); holder_is_commit:
 * the holder's commit is on its way to disk (else the holder's transaction is open). */
static const vcol lock_waits_cols[] = {{"user_name", "text"}, {"holder_is_commit", "boolean"},
                                       {"holder_user", "text"}, {NULL, NULL}};

/* Keys a unique index holds for several rows: cross-region duplicates (sqlrun_index.c). */
static const vcol unique_cols[] = {{"index_name", "text"}, {"table_name", "text"},
                                   {"key", "text"}, {"rows", "bigint"}, {NULL, NULL}};

static const vcol cache_cols[] = {{"entries", "int"}, {"hits", "bigint"}, {"misses", "bigint"},
                                  {"invalidations", "bigint"}, {NULL, NULL}};

static const struct {
    const char *schema, *name;
    const vcol *cols;
} views[] = {
    {"helios", "node", node_cols},
    {"helios", "tables", tables_cols},
    {"helios", "peers", peers_cols},
    {"helios", "stmt_cache", cache_cols},
    {"helios", "conflicts", conflicts_cols},
    {"helios", "lock_waits", lock_waits_cols},
    {"helios", "unique_violations", unique_cols},
};

static int build(const char *name, const vcol *cols, sqlschema_table **out, sqlerr *err)
{
    int n = 0;
    while (cols[n].name) n++;
    sqlschema_table *t = calloc(1, sizeof *t);
    if (!t) return sqlerr_oom(err);
    t->cols = calloc((size_t)n + 1, sizeof *t->cols);
    t->name = strdup(name);
    if (!t->cols || !t->name) goto oom;
    for (int i = 0; i < n; i++) {
        sqlschema_column *c = &t->cols[i];
        const char *canon;
        if (sqlschema_type_resolve(cols[i].type, &c->kind, &c->type, &canon, err)) goto fail;
        c->id = (uint16_t)(i + 1);
        c->pk_pos = -1;
        sqlval_init_null(&c->default_value, c->type);
        t->ncols = i + 1;
        if (!(c->name = strdup(cols[i].name)) || !(c->type_name = strdup(canon))) goto oom;
    }
    t->next_col_id = (uint16_t)(n + 1);
    *out = t;
    return SQL_OK;
oom:
    sqlerr_oom(err);
fail:
    sqlschema_free(t);
    return SQL_ERR;
}

int sqlvirt_lookup(const char *schema, const char *name, sqlschema_table **out, sqlerr *err)
{
    *out = NULL;
    if (!schema) return 0;
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        if (!strcmp(views[i].schema, schema) && !strcmp(views[i].name, name))
            return build(name, views[i].cols, out, err) ? SQL_ERR : 1;
    return sqlcatalog_lookup(schema, name, out, err);
}

int sqlvirt_view(int i, const char **schema, const char **name)
{
    if (i < 0 || (size_t)i >= sizeof views / sizeof views[0]) return 0;
    *schema = views[i].schema;
    *name = views[i].name;
    return 1;
}

int sqlvirt_dual(sqlschema_table **out, sqlerr *err)
{
    static const vcol none[] = {{NULL, NULL}};
    return build("", none, out, err);
}

bool sqlvirt_is(const sqlschema_table *t)
{
    return t && (t->id == 0 || t->seq); /* a sequence reads as its one row */
}

/* ---- rows --------------------------------------------------------------------------------- */

#define SX_MAX_PEERS 256 /* rows asked of the peer provider */

typedef struct rowb {
    sqlval *v;
    int n, i;
    sqlerr *err;
    int rc;
} rowb;

static int rb_start(rowb *b, const sqlschema_table *t, sqlerr *err)
{
    b->v = calloc((size_t)t->ncols + 1, sizeof *b->v);
    b->n = t->ncols;
    b->i = 0;
    b->err = err;
    b->rc = SQL_OK;
    if (!b->v) return sqlerr_oom(err);
    for (int i = 0; i < t->ncols; i++) sqlval_init_null(&b->v[i], t->cols[i].type);
    return SQL_OK;
}

static void rb_str(rowb *b, const char *s)
{
    if (b->rc == SQL_OK && b->i < b->n)
        b->rc = sqlval_set_str(&b->v[b->i], b->v[b->i].type, s, strlen(s), b->err);
    b->i++;
}

static void rb_json(rowb *b, const char *s)
{
    if (b->rc == SQL_OK && b->i < b->n)
        b->rc = sqlval_from_text(SQLVAL_JSONB, s, strlen(s), &b->v[b->i], b->err);
    b->i++;
}

static void rb_int(rowb *b, long long n)
{
    if (b->i < b->n) sqlval_set_int(&b->v[b->i], b->v[b->i].type, n);
    b->i++;
}

static void rb_bool(rowb *b, bool v)
{
    if (b->i < b->n) sqlval_set_bool(&b->v[b->i], v);
    b->i++;
}

static void rb_null(rowb *b)
{
    b->i++; /* rb_start made every value NULL */
}

static void rb_float(rowb *b, double f)
{
    if (b->i < b->n) sqlval_set_float(&b->v[b->i], b->v[b->i].type, f);
    b->i++;
}

static int rb_emit(rowb *b, sqlvirt_row_fn fn, void *ctx)
{
    if (b->rc) {
        for (int i = 0; i < b->n; i++) sqlval_free(&b->v[i]);
        free(b->v);
        return SQL_ERR;
    }
    return fn(ctx, b->v, b->err);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* {"1":12,"2":7}: node ids as keys, like acked_vv from the replication layer. */
static int vv_json(storage *st, char **out, sqlerr *err)
{
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(st, &vv)) {
        causal_vv_free(&vv);
        return sqlerr_set(err, "58030", -1, "could not read the version vector");
    }
    size_t cap = 3 + (size_t)vv.len * 32;
    char *s = malloc(cap);
    if (!s) {
        causal_vv_free(&vv);
        return sqlerr_oom(err);
    }
    size_t o = 0;
    s[o++] = '{';
    for (uint32_t i = 0; i < vv.len; i++)
        o += (size_t)snprintf(s + o, cap - o, "%s\"%u\": %llu", i ? ", " : "", vv.v[i].node,
                              (unsigned long long)vv.v[i].counter);
    s[o++] = '}';
    s[o] = 0;
    causal_vv_free(&vv);
    *out = s;
    return SQL_OK;
}

static int count_rows(storage *st, uint32_t id, long long *n, sqlerr *err)
{
    storage_iter *it;
    *n = 0;
    int rc = storage_iter_new(st, NULL, id, NULL, 0, NULL, 0, &it);
    if (rc) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    while ((rc = storage_iter_next(it)) == 1) {
        const uint8_t *k, *v;
        size_t kl, vl;
        storage_iter_item(it, &k, &kl, &v, &vl);
        if (crdt_row_visible_bytes(v, vl) == 1) (*n)++;
    }
    storage_iter_del(it);
    if (rc < 0) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    return SQL_OK;
}

static int node_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                     sqlerr *err)
{
    sx_exec *x = s->x;
    char *vv = NULL;
    if (vv_json(x->st, &vv, err)) return SQL_ERR;
    rowb b;
    if (rb_start(&b, t, err)) {
        free(vv);
        return SQL_ERR;
    }
    char hlc[48];
    causal_hlc h = sx_clock_last(x);
    snprintf(hlc, sizeof hlc, "%llu.%u", (unsigned long long)(h >> 16), (unsigned)(h & 0xffff));
    rb_str(&b, x->node_name);
    rb_int(&b, x->node);
    rb_str(&b, HELIOS_VERSION);
    rb_int(&b, (long long)((now_ms() - x->start_ms) / 1000));
    rb_json(&b, vv);
    rb_str(&b, hlc);
    free(vv);
    /* A one-line health summary of the mesh, so `heliosctl status` shows it per node. */
    int npeers = 0, up = 0;
    long long max_entries = 0;
    double max_ms = 0;
    if (x->peer_fn) {
        sqlexec_peer_row *rows = calloc(SX_MAX_PEERS, sizeof *rows);
        if (!rows) {
            b.rc = sqlerr_oom(err);
            return rb_emit(&b, fn, ctx); /* frees the row */
        }
        npeers = x->peer_fn(x->peer_arg, rows, SX_MAX_PEERS);
        if (npeers > SX_MAX_PEERS) npeers = SX_MAX_PEERS;
        if (npeers < 0) npeers = 0;
        for (int i = 0; i < npeers; i++) {
            rows[i].state[sizeof rows[i].state - 1] = 0;
            if (!strcmp(rows[i].state, "up")) up++;
            if (rows[i].lag_entries > max_entries) max_entries = rows[i].lag_entries;
            if (rows[i].lag_ms > max_ms) max_ms = rows[i].lag_ms;
        }
        free(rows);
    }
    rb_int(&b, npeers);
    rb_int(&b, up);
    rb_int(&b, max_entries);
    rb_float(&b, max_ms);
    return rb_emit(&b, fn, ctx);
}

static int tables_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                       sqlerr *err)
{
    sx_exec *x = s->x;
    for (int i = 0; i < x->ntables; i++) {
        const sqlschema_table *u = x->tables[i];
        long long n;
        if (u->seq) continue; /* sequences are not tables */
        if (count_rows(x->st, u->id, &n, err)) return SQL_ERR;
        rowb b;
        if (rb_start(&b, t, err)) return SQL_ERR;
        rb_str(&b, u->name);
        rb_int(&b, u->id);
        rb_int(&b, sqlschema_visible_columns(u));
        rb_int(&b, n);
        if (rb_emit(&b, fn, ctx)) return SQL_ERR;
    }
    return SQL_OK;
}


static int peers_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                      sqlerr *err)
{
    sx_exec *x = s->x;
    if (!x->peer_fn) return SQL_OK;
    sqlexec_peer_row *rows = calloc(SX_MAX_PEERS, sizeof *rows);
    if (!rows) return sqlerr_oom(err);
    int n = x->peer_fn(x->peer_arg, rows, SX_MAX_PEERS);
    if (n > SX_MAX_PEERS) n = SX_MAX_PEERS;
    int rc = SQL_OK;
    for (int i = 0; i < n && !rc; i++) {
        sqlexec_peer_row *p = &rows[i];
        /* the provider's strings are fixed arrays: never trust them to be terminated */
        p->name[sizeof p->name - 1] = p->state[sizeof p->state - 1] = 0;
        p->reason[sizeof p->reason - 1] = p->acked_vv[sizeof p->acked_vv - 1] = 0;
        rowb b;
        if ((rc = rb_start(&b, t, err))) break;
        rb_str(&b, p->name);
        rb_int(&b, p->id);
        rb_str(&b, p->state);
        rb_str(&b, p->reason);
        rb_float(&b, p->rtt_ms);
        rb_json(&b, p->acked_vv[0] ? p->acked_vv : "{}");
        rb_int(&b, p->lag_entries);
        rb_float(&b, p->lag_ms);
        rb_int(&b, p->bytes_in);
        rb_int(&b, p->bytes_out);
        rb_int(&b, p->batches_in);
        rb_int(&b, p->batches_out);
        sqlvirt_peer_extra ex = {0};
        if (!peer_extra_fn || peer_extra_fn(peer_extra_arg, p->id, &ex) < 0)
            memset(&ex, 0, sizeof ex);
        rb_int(&b, ex.snapshots_sent);
        rb_int(&b, ex.snapshots_received);
        if (b.i < b.n) sqlval_set_bool(&b.v[b.i], ex.snapshot_active);
        b.i++;
        rb_int(&b, ex.anti_entropy_runs);
        rb_int(&b, ex.rows_repaired);
        if (ex.last_anti_entropy_unix_ms)
            rb_int(&b, ((long long)ex.last_anti_entropy_unix_ms - 946684800000LL) * 1000);
        else
            b.i++; /* NULL */
        rb_int(&b, ex.relayed_entries);
        rc = rb_emit(&b, fn, ctx);
    }
    free(rows);
    return rc;
}

static int cache_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                      sqlerr *err)
{
    sqlcache_stats st;
    sqlcache_get_stats(s->x->cache, &st);
    rowb b;
    if (rb_start(&b, t, err)) return SQL_ERR;
    rb_int(&b, st.entries);
    rb_int(&b, (long long)st.hits);
    rb_int(&b, (long long)st.misses);
    rb_int(&b, (long long)st.invalidations);
    return rb_emit(&b, fn, ctx);
}

/* One row per live table with at least one counted conflict (see sqlexec.c "conflicts"). */
static int conflicts_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                          sqlerr *err)
{
    sx_exec *x = s->x;
    sx_conflict_stat *v;
    int n;
    if (sx_conflicts_copy(x, &v, &n)) return sqlerr_oom(err);
    int rc = SQL_OK;
    for (int i = 0; i < n && !rc; i++) {
        const char *name = NULL;
        for (int j = 0; j < x->ntables && !name; j++)
            if (x->tables[j]->id == v[i].table_id) name = x->tables[j]->name;
        if (!name) continue; /* dropped since */
        rowb b;
        if ((rc = rb_start(&b, t, err))) break;
        rb_str(&b, name);
        rb_int(&b, (long long)v[i].conflicts);
        rb_int(&b, v[i].last_us);
        rc = rb_emit(&b, fn, ctx);
    }
    free(v);
    return rc;
}

typedef struct uvctx {
    const sqlschema_table *t;
    sqlvirt_row_fn fn;
    void *ctx;
} uvctx;

static int unique_row(void *arg, const char *index, const char *table, const char *key,
                      int64_t rows, sqlerr *err)
{
    uvctx *u = arg;
    rowb b;
    if (rb_start(&b, u->t, err)) return SQL_ERR;
    rb_str(&b, index);
    rb_str(&b, table);
    rb_str(&b, key);
    rb_int(&b, (long long)rows);
    return rb_emit(&b, u->fn, u->ctx);
}

static int lock_waits_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn,
                           void *ctx, sqlerr *err)
{
    for (sx_session *w = s->x->waiters; w; w = w->wait_next) {
        if (w->lock_ready) continue; /* about to run again */
        sx_session *h = w->waiting_for ? sqllock_owner_tag(w->waiting_for) : NULL;
        rowb b;
        if (rb_start(&b, t, err)) return SQL_ERR;
        rb_str(&b, w->user);
        rb_bool(&b, h == NULL);
        if (h) rb_str(&b, h->user);
        else rb_null(&b);
        if (rb_emit(&b, fn, ctx)) return SQL_ERR;
    }
    return SQL_OK;
}


int sqlvirt_rows(sx_session *s, const sqlschema_table *t, sqlvirt_row_fn fn, void *ctx,
                 sqlerr *err)
{
    if (!t->name[0]) {
        sqlval *row = calloc(1, sizeof *row);
        if (!row) return sqlerr_oom(err);
        return fn(ctx, row, err);
    }
    if (t->seq) { /* SELECT * FROM seq: last_value, log_cnt, is_called in this region */
        int64_t last;
        bool called;
        if (sx_seq_peek(s, t, &last, &called, err)) return SQL_ERR;
        rowb b;
        if (rb_start(&b, t, err)) return SQL_ERR;
        rb_int(&b, last);
        rb_int(&b, 0);
        rb_bool(&b, called);
        return rb_emit(&b, fn, ctx);
    }
    int rc = sqlcatalog_rows(s, t, fn, ctx, err);
    if (rc != SQLCATALOG_NOT_MINE) return rc;
    if (!strcmp(t->name, "node")) return node_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "tables")) return tables_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "peers")) return peers_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "stmt_cache")) return cache_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "conflicts")) return conflicts_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "lock_waits")) return lock_waits_rows(s, t, fn, ctx, err);
    if (!strcmp(t->name, "unique_violations")) {
        uvctx u = {t, fn, ctx};
        return sqlrun_unique_violations(s, unique_row, &u, err);
    }
    return sqlerr_set(err, "XX000", -1, "unknown virtual table \"%s\"", t->name);
}

/* ---- digest ------------------------------------------------------------------------------- */

static int cmp_name(const void *a, const void *b)
{
    const sqlschema_table *x = *(sqlschema_table *const *)a, *y = *(sqlschema_table *const *)b;
    return strcmp(x->name, y->name);
}

static void put_len(EVP_MD_CTX *md, uint32_t n)
{
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    EVP_DigestUpdate(md, b, 4);
}

static int digest_table(sx_exec *x, const storage_snapshot *snap, const sqlschema_table *t,
                        EVP_MD_CTX *md, sqlerr *err)
{
    EVP_DigestUpdate(md, t->name, strlen(t->name) + 1);
    storage_iter *it;
    int rc = storage_iter_new(x->st, snap, t->id, NULL, 0, NULL, 0, &it);
    if (rc) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    while ((rc = storage_iter_next(it)) == 1) {
        const uint8_t *pk, *val;
        size_t pklen, vlen;
        storage_iter_item(it, &pk, &pklen, &val, &vlen);
        sqlval *row = NULL;
        int vr = sqlrun_row_values(t, pk, pklen, val, vlen, &row, err);
        if (vr == 1) continue;
        if (vr) goto fail;
        for (int i = 0; i < t->ncols; i++) {
            char *txt;
            size_t len;
            if (row[i].isnull) {
                put_len(md, 0xffffffffu);
                continue;
            }
            if (sqlval_to_text(&row[i], &txt, &len, err)) {
                for (int j = 0; j < t->ncols; j++) sqlval_free(&row[j]);
                free(row);
                goto fail;
            }
            put_len(md, (uint32_t)len);
            EVP_DigestUpdate(md, txt, len);
            free(txt);
        }
        for (int j = 0; j < t->ncols; j++) sqlval_free(&row[j]);
        free(row);
    }
    storage_iter_del(it);
    if (rc < 0) return sqlerr_set(err, "58030", -1, "could not scan: %s", storage_strerror(rc));
    return SQL_OK;
fail:
    storage_iter_del(it);
    return SQL_ERR;
}

int sqlvirt_digest(sx_exec *x, char out[65], sqlerr *err)
{
    int rc = SQL_ERR;
    sqlschema_table **v = NULL;
    storage_snapshot *snap = NULL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        sqlerr_oom(err);
        goto out;
    }
    v = malloc(((size_t)x->ntables + 1) * sizeof *v);
    snap = storage_snapshot_new(x->st);
    if (!v || !snap) {
        sqlerr_oom(err);
        goto out;
    }
    if (x->ntables) memcpy(v, x->tables, (size_t)x->ntables * sizeof *v);
    if (x->ntables > 1) qsort(v, (size_t)x->ntables, sizeof *v, cmp_name);
    for (int i = 0; i < x->ntables; i++)
        if (!v[i]->seq && digest_table(x, snap, v[i], md, err)) goto out;
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    if (EVP_DigestFinal_ex(md, h, &hl) != 1 || hl != 32) {
        sqlerr_set(err, "XX000", -1, "digest failed");
        goto out;
    }
    for (unsigned i = 0; i < hl; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
    rc = SQL_OK;
out:
    if (snap) storage_snapshot_del(x->st, snap);
    free(v);
    EVP_MD_CTX_free(md);
    return rc;
}
