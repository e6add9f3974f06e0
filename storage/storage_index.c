/*
 * storage/storage_index.c — secondary index entries kept in step with the rows (storage.h,
 * "secondary indexes"): the per-row difference written in the row's own batch, unique
 * checks for local commits, the chunked online build and the deletion of dropped indexes.
 *
 * Meta keys (never replicated, never exported: every region builds its own entries):
 *   "ixpos." + u32 BE oid    u64 BE rows done, then the row key the build reached
 *   "ixbuilt." + u32 BE oid  u64 BE rows the build indexed (present: the index is complete)
 *
 * State: s->ix lists the indexes the catalog defines; only the writer thread (and the
 * opening thread, before the writer starts) touches it.
 */
#include "storage/storage_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct storage_ix {
    uint32_t oid, table_id;
    bool built;
    bool broken;  /* the build failed: not retried until the next open */
    bool dropped; /* entries to delete after the current batch is written */
    uint64_t rows;
    int64_t entries; /* about how many entries it holds (a planner's estimate; atomic) */
    uint8_t *pos; /* row key the build reached (NULL: from the start) */
    size_t poslen;
} storage_ix;

#define IX_CHUNK_ROWS 512
#define IX_CHUNK_BYTES ((size_t)1 << 20)

int storage_index_keys_add(storage_index_keys *k, const uint8_t *key, size_t len,
                           size_t unique_prefix)
{
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 8;
        storage_index_key *nv = realloc(k->v, nc * sizeof *nv);
        if (!nv) return STORAGE_ENOMEM;
        k->v = nv;
        k->cap = nc;
    }
    uint8_t *c = malloc(len ? len : 1);
    if (!c) return STORAGE_ENOMEM;
    if (len) memcpy(c, key, len);
    k->v[k->n++] = (storage_index_key){.key = c, .len = len, .unique_prefix = unique_prefix};
    return 0;
}

void storage_index_keys_clear(storage_index_keys *k)
{
    for (size_t i = 0; i < k->n; i++) free(k->v[i].key);
    free(k->v);
    k->v = NULL;
    k->n = k->cap = 0;
}

static void be32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint64_t be64_get(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static void be64_put(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* "ixpos." / "ixbuilt." + oid */
static size_t meta_key(char *out, const char *what, uint32_t oid)
{
    size_t n = strlen(what);
    memcpy(out, what, n);
    be32_put((uint8_t *)out + n, oid);
    return n + 4;
}

static storage_ix *ix_find(storage *s, uint32_t oid)
{
    for (size_t i = 0; i < s->nix; i++)
        if (s->ix[i].oid == oid) return &s->ix[i];
    return NULL;
}

static storage_ix *ix_add(storage *s, uint32_t oid, uint32_t table_id)
{
    pthread_mutex_lock(&s->ix_mu);
    storage_ix *x = NULL;
    if (s->nix == s->capix) {
        size_t nc = s->capix ? s->capix * 2 : 8;
        storage_ix *nv = realloc(s->ix, nc * sizeof *nv);
        if (nv) {
            s->ix = nv;
            s->capix = nc;
        }
    }
    if (s->nix < s->capix) {
        x = &s->ix[s->nix++];
        memset(x, 0, sizeof *x);
        x->oid = oid;
        x->table_id = table_id;
    }
    pthread_mutex_unlock(&s->ix_mu);
    return x;
}

static void ix_remove(storage *s, storage_ix *x)
{
    pthread_mutex_lock(&s->ix_mu);
    free(x->pos);
    size_t i = (size_t)(x - s->ix);
    s->ix[i] = s->ix[--s->nix];
    pthread_mutex_unlock(&s->ix_mu);
}

static char *meta_read(storage *s, const char *key, size_t klen, size_t *vlen, int *rc)
{
    char *err = NULL;
    char *v = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], key, klen, vlen, &err);
    *rc = err ? storage_rocks_error(err, "read index state") : 0;
    return v;
}

int storage_index_load(storage *s)
{
    if (!s->opts.index.catalog) return 0;
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, s->ro, s->cf[CF_CATALOG]);
    if (!it) return storage_fail(STORAGE_ENOMEM, "out of memory");
    int rc = 0;
    for (rocksdb_iter_seek_to_first(it); rc == 0 && rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(it, &kl);
        const char *v = rocksdb_iter_value(it, &vl);
        uint32_t oid = 0, tid = 0;
        bool live = false;
        if (s->opts.index.catalog(s->opts.index.ctx, (const uint8_t *)k, kl, (const uint8_t *)v,
                                  vl, &oid, &tid, &live) < 0) {
            rc = storage_fail(STORAGE_ECORRUPT, "catalog entry unreadable by the index hook");
            break;
        }
        if (!oid || !live || ix_find(s, oid)) continue;
        storage_ix *x = ix_add(s, oid, tid);
        if (!x) {
            rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            break;
        }
        char mk[16];
        size_t vlen = 0;
        char *mv = meta_read(s, mk, meta_key(mk, "ixbuilt.", oid), &vlen, &rc);
        if (mv) {
            x->built = true;
            x->rows = vlen >= 8 ? be64_get((const uint8_t *)mv) : 0;
            x->entries = (int64_t)x->rows; /* as built; writes since move it (next start) */
            rocksdb_free(mv);
            continue;
        }
        if (rc < 0) break;
        mv = meta_read(s, mk, meta_key(mk, "ixpos.", oid), &vlen, &rc);
        if (mv && vlen >= 8) {
            x->rows = be64_get((const uint8_t *)mv);
            x->poslen = vlen - 8;
            x->pos = malloc(x->poslen ? x->poslen : 1);
            if (!x->pos) rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            else memcpy(x->pos, mv + 8, x->poslen);
        }
        rocksdb_free(mv);
        s->ix_building++;
    }
    if (rc == 0) {
        char *err = NULL;
        rocksdb_iter_get_error(it, &err);
        if (err) rc = storage_rocks_error(err, "read catalog");
    }
    rocksdb_iter_destroy(it);
    if (rc == 0 && s->opts.index.ready)
        for (size_t i = 0; i < s->nix; i++)
            if (s->ix[i].built) s->opts.index.ready(s->opts.index.ctx, s->ix[i].oid, s->ix[i].rows);
    return rc;
}

void storage_index_free(storage *s)
{
    for (size_t i = 0; i < s->nix; i++) free(s->ix[i].pos);
    free(s->ix);
    s->ix = NULL;
    s->nix = s->capix = 0;
}

static bool table_indexed(storage *s, uint32_t table_id)
{
    for (size_t i = 0; i < s->nix; i++)
        if (s->ix[i].table_id == table_id && !s->ix[i].dropped) return true;
    return false;
}

static bool has_key(const storage_index_keys *k, const storage_index_key *x)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].len == x->len && !memcmp(k->v[i].key, x->key, x->len)) return true;
    return false;
}

/* Whether another entry than key holds key's unique prefix, in the batch or the store. */
static int unique_taken(storage *s, rocksdb_writebatch_wi_t *wb, const storage_index_key *k)
{
    rocksdb_iterator_t *base = rocksdb_create_iterator_cf(s->db, s->ro, s->cf[CF_INDEX]);
    if (!base) return storage_fail(STORAGE_ENOMEM, "out of memory");
    rocksdb_iterator_t *it = rocksdb_writebatch_wi_create_iterator_with_base_cf(wb, base,
                                                                              s->cf[CF_INDEX]);
    if (!it) {
        rocksdb_iter_destroy(base);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    int taken = 0;
    for (rocksdb_iter_seek(it, (const char *)k->key, k->unique_prefix); rocksdb_iter_valid(it);
         rocksdb_iter_next(it)) {
        size_t kl;
        const char *ek = rocksdb_iter_key(it, &kl);
        if (kl < k->unique_prefix || memcmp(ek, k->key, k->unique_prefix) != 0) break;
        if (kl == k->len && !memcmp(ek, k->key, kl)) continue;
        taken = 1;
        break;
    }
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    rocksdb_iter_destroy(it);
    if (err) return storage_rocks_error(err, "read index");
    return taken;
}

/* The estimate of how many entries an index holds (the batch may still be rolled back or fail
 * to write: an estimate is all the planner needs). */
static void count_entry(storage *s, const uint8_t *key, size_t len, int d)
{
    if (len < 4) return;
    uint32_t oid = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
    storage_ix *x = ix_find(s, oid);
    if (x) __atomic_add_fetch(&x->entries, d, __ATOMIC_RELAXED);
}

int64_t storage_index_entries(storage *s, uint32_t oid)
{
    /* s->ix changes on the writer thread under ix_mu; the count itself is atomic */
    pthread_mutex_lock(&s->ix_mu);
    int64_t n = -1;
    for (size_t i = 0; i < s->nix; i++)
        if (s->ix[i].oid == oid) n = __atomic_load_n(&s->ix[i].entries, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&s->ix_mu);
    return n;
}

int storage_index_row(storage *s, rocksdb_writebatch_wi_t *wb, const uint8_t *rowkey,
                      size_t rklen, const uint8_t *old, size_t oldlen, const uint8_t *new_state,
                      size_t newlen, bool local)
{
    if (!s->opts.index.keys || !s->nix) return 0;
    uint32_t tid;
    const uint8_t *pk;
    size_t pklen;
    if (keycodec_row_split(rowkey, rklen, &tid, &pk, &pklen) < 0) return 0;
    if (!table_indexed(s, tid)) return 0;
    storage_index_keys ko = {0}, kn = {0};
    void *ctx = s->opts.index.ctx;
    int rc = 0;
    if ((old && s->opts.index.keys(ctx, tid, pk, pklen, old, oldlen, 0, &ko) < 0) ||
        (new_state && s->opts.index.keys(ctx, tid, pk, pklen, new_state, newlen, 0, &kn) < 0)) {
        rc = storage_fail(STORAGE_EMERGE, "index entries of a row in table %u unreadable", tid);
        goto out;
    }
    for (size_t i = 0; i < ko.n; i++)
        if (!has_key(&kn, &ko.v[i])) {
            rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_INDEX], (const char *)ko.v[i].key,
                                            ko.v[i].len);
            count_entry(s, ko.v[i].key, ko.v[i].len, -1);
        }
    for (size_t i = 0; i < kn.n; i++) {
        if (has_key(&ko, &kn.v[i])) continue;
        if (local && kn.v[i].unique_prefix) {
            int t = unique_taken(s, wb, &kn.v[i]);
            if (t < 0) {
                rc = t;
                goto out;
            }
            if (t) {
                char msg[400] = "duplicate key value violates a unique index";
                if (s->opts.index.conflict)
                    s->opts.index.conflict(ctx, kn.v[i].key, kn.v[i].len, msg, sizeof msg);
                rc = storage_fail(STORAGE_EUNIQUE, "%s", msg);
                goto out;
            }
        }
        rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_INDEX], (const char *)kn.v[i].key, kn.v[i].len,
                                     (const char *)pk, pklen);
        count_entry(s, kn.v[i].key, kn.v[i].len, 1);
    }
out:
    storage_index_keys_clear(&ko);
    storage_index_keys_clear(&kn);
    return rc;
}

int storage_index_catalog(storage *s, rocksdb_writebatch_wi_t *wb, const uint8_t *key,
                          size_t klen, const uint8_t *val, size_t vlen)
{
    if (!s->opts.index.catalog) return 0;
    uint32_t oid = 0, tid = 0;
    bool live = false;
    if (s->opts.index.catalog(s->opts.index.ctx, key, klen, val, val ? vlen : 0, &oid, &tid,
                              &live) < 0)
        return storage_fail(STORAGE_EMERGE, "catalog entry unreadable by the index hook");
    if (!oid) return 0;
    storage_ix *x = ix_find(s, oid);
    char mk[16];
    if (live && !x) {
        if (!ix_add(s, oid, tid)) return storage_fail(STORAGE_ENOMEM, "out of memory");
        s->ix_building++;
    } else if (!live && x && !x->dropped) {
        if (!x->built && !x->broken) s->ix_building--;
        x->dropped = true;
        rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_META], mk, meta_key(mk, "ixpos.", oid));
        rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_META], mk, meta_key(mk, "ixbuilt.", oid));
    }
    return 0;
}

void storage_index_after_write(storage *s)
{
    for (size_t i = 0; i < s->nix;) {
        storage_ix *x = &s->ix[i];
        if (!x->dropped) {
            i++;
            continue;
        }
        uint8_t lo[4], hi[4];
        be32_put(lo, x->oid);
        be32_put(hi, x->oid + 1);
        char *err = NULL;
        if (x->oid != UINT32_MAX)
            rocksdb_delete_range_cf(s->db, s->wo, s->cf[CF_INDEX], (const char *)lo, 4,
                                    (const char *)hi, 4, &err);
        rocksdb_free(err); /* entries of a dropped index are never read: a leftover is inert */
        ix_remove(s, x);
    }
}

int storage_index_build_step(storage *s)
{
    storage_ix *x = NULL;
    for (size_t i = 0; i < s->nix && !x; i++)
        if (!s->ix[i].built && !s->ix[i].broken && !s->ix[i].dropped) x = &s->ix[i];
    if (!x) {
        s->ix_building = 0;
        return 0;
    }
    uint8_t lo[4], hi[4];
    be32_put(lo, x->table_id);
    be32_put(hi, x->table_id + 1);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    if (!ro) return storage_fail(STORAGE_ENOMEM, "out of memory");
    if (x->table_id != UINT32_MAX) rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, 4);
    rocksdb_readoptions_set_fill_cache(ro, 0);
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf[CF_ROWS]);
    rocksdb_writebatch_wi_t *wb = rocksdb_writebatch_wi_create(0, 0);
    storage_index_keys k = {0};
    int rc = 0;
    uint64_t n = 0;
    size_t bytes = 0;
    bool end = false;
    uint8_t *last = NULL;
    size_t lastlen = 0;
    if (!it || !wb) {
        rc = storage_fail(STORAGE_ENOMEM, "out of memory");
        goto out;
    }
    if (x->pos) {
        rocksdb_iter_seek(it, (const char *)x->pos, x->poslen);
        size_t kl;
        if (rocksdb_iter_valid(it)) {
            const char *kk = rocksdb_iter_key(it, &kl);
            if (kl == x->poslen && !memcmp(kk, x->pos, kl)) rocksdb_iter_next(it);
        }
    } else {
        rocksdb_iter_seek(it, (const char *)lo, 4);
    }
    for (; rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        if (n >= IX_CHUNK_ROWS || bytes >= IX_CHUNK_BYTES) break;
        size_t kl, vl;
        const char *rk = rocksdb_iter_key(it, &kl);
        const char *rv = rocksdb_iter_value(it, &vl);
        if (kl < KEYCODEC_TABLE_BYTES) continue;
        storage_index_keys_clear(&k);
        if (s->opts.index.keys(s->opts.index.ctx, x->table_id, (const uint8_t *)rk + 4, kl - 4,
                               (const uint8_t *)rv, vl, x->oid, &k) < 0) {
            rc = storage_fail(STORAGE_EMERGE, "index %u: a row of table %u is unreadable",
                              x->oid, x->table_id);
            goto out;
        }
        for (size_t i = 0; i < k.n; i++) {
            rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_INDEX], (const char *)k.v[i].key,
                                         k.v[i].len, rk + 4, kl - 4);
            bytes += k.v[i].len + kl;
        }
        __atomic_add_fetch(&x->entries, (int64_t)k.n, __ATOMIC_RELAXED); /* about: a row
                                                                           * written meanwhile
                                                                           * may count twice */
        n++;
        bytes += 16;
        uint8_t *nl = realloc(last, kl);
        if (!nl) {
            rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            goto out;
        }
        last = nl;
        memcpy(last, rk, kl);
        lastlen = kl;
    }
    if (!rocksdb_iter_valid(it)) {
        char *err = NULL;
        rocksdb_iter_get_error(it, &err);
        if (err) {
            rc = storage_rocks_error(err, "index build: read rows");
            goto out;
        }
        end = true;
    }
    char mk[16];
    uint64_t rows = x->rows + n;
    if (end) {
        uint8_t v[8];
        be64_put(v, rows);
        rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_META], mk, meta_key(mk, "ixbuilt.", x->oid),
                                     (const char *)v, 8);
        rocksdb_writebatch_wi_delete_cf(wb, s->cf[CF_META], mk, meta_key(mk, "ixpos.", x->oid));
    } else {
        uint8_t *v = malloc(8 + lastlen);
        if (!v) {
            rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            goto out;
        }
        be64_put(v, rows);
        memcpy(v + 8, last, lastlen);
        rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_META], mk, meta_key(mk, "ixpos.", x->oid),
                                     (const char *)v, 8 + lastlen);
        free(v);
    }
    char *err = NULL;
    rocksdb_write_writebatch_wi(s->db, s->wo, wb, &err);
    if (err) {
        rc = storage_rocks_error(err, "index build: write");
        goto out;
    }
    x->rows = rows;
    if (end) {
        x->built = true;
        s->ix_building--;
        free(x->pos);
        x->pos = NULL;
        if (s->opts.index.ready) s->opts.index.ready(s->opts.index.ctx, x->oid, rows);
    } else {
        free(x->pos);
        x->pos = last;
        x->poslen = lastlen;
        last = NULL;
        if (s->opts.index.progress) s->opts.index.progress(s->opts.index.ctx, x->oid, rows);
    }
out:
    if (rc < 0) {
        x->broken = true;
        s->ix_building--;
        if (s->opts.index.ready) s->opts.index.ready(s->opts.index.ctx, x->oid, UINT64_MAX);
    }
    free(last);
    storage_index_keys_clear(&k);
    if (wb) rocksdb_writebatch_wi_destroy(wb);
    if (it) rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    if (s->ix_delay_ms > 0 && rc == 0 && !end) {
        struct timespec ts = {s->ix_delay_ms / 1000, (long)(s->ix_delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return rc < 0 ? rc : s->ix_building > 0;
}

int storage_index_find(storage *s, uint32_t oid, const uint8_t *prefix, size_t plen,
                       const uint8_t *except, size_t exlen, uint8_t **pk_out, size_t *pklen)
{
    uint8_t *k = malloc(plen + 4);
    if (!k) return storage_fail(STORAGE_ENOMEM, "out of memory");
    be32_put(k, oid);
    if (plen) memcpy(k + 4, prefix, plen);
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, s->ro, s->cf[CF_INDEX]);
    if (!it) {
        free(k);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    int found = 0;
    for (rocksdb_iter_seek(it, (const char *)k, plen + 4); rocksdb_iter_valid(it);
         rocksdb_iter_next(it)) {
        size_t kl, vl;
        const char *ek = rocksdb_iter_key(it, &kl);
        if (kl < plen + 4 || memcmp(ek, k, plen + 4) != 0) break;
        const char *v = rocksdb_iter_value(it, &vl);
        if (except && vl == exlen && !memcmp(v, except, vl)) continue;
        found = 1;
        if (pk_out) {
            *pk_out = malloc(vl ? vl : 1);
            if (!*pk_out) {
                found = storage_fail(STORAGE_ENOMEM, "out of memory");
                break;
            }
            if (vl) memcpy(*pk_out, v, vl);
            *pklen = vl;
        }
        break;
    }
    char *err = NULL;
    rocksdb_iter_get_error(it, &err);
    rocksdb_iter_destroy(it);
    free(k);
    if (err) return storage_rocks_error(err, "read index");
    return found;
}
