/*
 * storage/storage_read.c — range iteration over rows and the catalog, and the transaction
 * overlay (a write set of pending deltas that reads see through).
 *
 * Entry points: storage_iter_new, storage_iter_new_prefix, storage_iter_new_catalog,
 * storage_iter_next, storage_iter_item, storage_iter_del; storage_overlay_new, _del, _add,
 * _count, _get, _iter_new, _fill_req.
 *
 * An iterator owns copies of its bounds (RocksDB keeps pointers to them). With an overlay,
 * the iterator walks the stored rows and the overlay's sorted entries side by side, and
 * yields merge(stored, pending) for rows present in both.
 */
#include "storage/storage_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct overlay_entry {
    uint8_t *key; /* full row key: table id + pk */
    size_t klen;
    uint8_t *delta;
    size_t dlen;
} overlay_entry;

struct storage_overlay {
    storage *s;
    overlay_entry *e; /* sorted by key */
    size_t n, cap;
    logentry_delta *req_deltas; /* built by storage_overlay_fill_req */
};

struct storage_iter {
    storage *s;
    rocksdb_iterator_t *it;
    rocksdb_readoptions_t *ro;
    codec_buf lo, hi; /* full keys; hi empty = unbounded */
    size_t strip;     /* prefix bytes not shown to the caller (the table id) */
    bool started;
    bool reverse;     /* index iterators: last key first */
    storage_overlay *ov;
    size_t ovpos, ovend;
    const uint8_t *key, *val;
    size_t klen, vlen;
    uint8_t *merged;
    storage_fence *fence; /* the read fence it reads at (a reference), or NULL */
};

static int keycmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Smallest key greater than every key with this prefix; false if there is none. */
static bool prefix_successor(codec_buf *out, const uint8_t *p, size_t n)
{
    while (n > 0 && p[n - 1] == 0xff) n--;
    if (n == 0) return false;
    codec_put_raw(out, p, n - 1);
    codec_put_u8(out, (uint8_t)(p[n - 1] + 1));
    return true;
}

static int row_bounds(storage_iter *it, uint32_t table_id, const uint8_t *lo, size_t lolen,
                      const uint8_t *hi, size_t hilen)
{
    keycodec_row_key(&it->lo, table_id, lo, lo ? lolen : 0);
    if (hi) {
        keycodec_row_key(&it->hi, table_id, hi, hilen);
    } else if (table_id != UINT32_MAX) {
        codec_put_u32(&it->hi, table_id + 1);
    }
    return it->lo.err || it->hi.err ? storage_fail(STORAGE_ENOMEM, "out of memory") : 0;
}

static int iter_open(storage *s, const storage_snapshot *snap, int cf, storage_iter *it)
{
    it->s = s;
    it->ro = rocksdb_readoptions_create();
    if (!it->ro) return storage_fail(STORAGE_ENOMEM, "out of memory");
    if (!snap) it->fence = storage_fence_get(s);
    if (snap || it->fence)
        rocksdb_readoptions_set_snapshot(it->ro, snap ? snap->snap : it->fence->snap);
    if (it->hi.len) {
        rocksdb_readoptions_set_iterate_upper_bound(it->ro, (const char *)it->hi.data, it->hi.len);
    }
    if (it->reverse && it->lo.len)
        rocksdb_readoptions_set_iterate_lower_bound(it->ro, (const char *)it->lo.data, it->lo.len);
    it->it = rocksdb_create_iterator_cf(s->db, it->ro, s->cf[cf]);
    if (!it->it) return storage_fail(STORAGE_ENOMEM, "out of memory");
    return 0;
}

static storage_iter *iter_alloc(void)
{
    storage_iter *it = calloc(1, sizeof(*it));
    if (!it) return NULL;
    codec_buf_init(&it->lo);
    codec_buf_init(&it->hi);
    return it;
}

void storage_iter_del(storage_iter *it)
{
    if (!it) return;
    if (it->it) rocksdb_iter_destroy(it->it);
    if (it->ro) rocksdb_readoptions_destroy(it->ro);
    if (it->fence) storage_fence_put(it->s, it->fence);
    codec_buf_free(&it->lo);
    codec_buf_free(&it->hi);
    free(it->merged);
    free(it);
}

static size_t overlay_lower_bound(const storage_overlay *o, const uint8_t *k, size_t klen)
{
    size_t lo = 0, hi = o->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keycmp(o->e[mid].key, o->e[mid].klen, k, klen) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int new_row_iter(storage *s, const storage_snapshot *snap, storage_overlay *ov, int cf,
                        uint32_t table_id, const uint8_t *lo, size_t lolen, const uint8_t *hi,
                        size_t hilen, bool reverse, storage_iter **out)
{
    *out = NULL;
    storage_iter *it = iter_alloc();
    if (!it) return storage_fail(STORAGE_ENOMEM, "out of memory");
    it->strip = KEYCODEC_TABLE_BYTES;
    it->reverse = reverse;
    int rc = row_bounds(it, table_id, lo, lolen, hi, hilen);
    if (rc == 0) rc = iter_open(s, snap, cf, it);
    if (rc < 0) {
        storage_iter_del(it);
        return rc;
    }
    if (ov) {
        it->ov = ov;
        it->ovpos = overlay_lower_bound(ov, it->lo.data, it->lo.len);
        it->ovend = it->hi.len ? overlay_lower_bound(ov, it->hi.data, it->hi.len) : ov->n;
        if (it->ovend < it->ovpos) it->ovend = it->ovpos;
    }
    *out = it;
    return 0;
}

int storage_iter_new(storage *s, const storage_snapshot *snap, uint32_t table_id,
                     const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                     storage_iter **out)
{
    return new_row_iter(s, snap, NULL, CF_ROWS, table_id, lo, lolen, hi, hilen, false, out);
}

int storage_iter_new_index(storage *s, const storage_snapshot *snap, uint32_t oid,
                           const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                           storage_iter **out)
{
    return new_row_iter(s, snap, NULL, CF_INDEX, oid, lo, lolen, hi, hilen, false, out);
}

int storage_iter_new_index_ex(storage *s, const storage_snapshot *snap, uint32_t oid,
                              const uint8_t *lo, size_t lolen, const uint8_t *hi, size_t hilen,
                              bool reverse, storage_iter **out)
{
    return new_row_iter(s, snap, NULL, CF_INDEX, oid, lo, lolen, hi, hilen, reverse, out);
}

int storage_iter_new_prefix(storage *s, const storage_snapshot *snap, uint32_t table_id,
                            const uint8_t *prefix, size_t plen, storage_iter **out)
{
    codec_buf succ;
    codec_buf_init(&succ);
    bool bounded = plen > 0 && prefix_successor(&succ, prefix, plen);
    if (succ.err) {
        codec_buf_free(&succ);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    int rc = new_row_iter(s, snap, NULL, CF_ROWS, table_id, plen ? prefix : NULL, plen,
                          bounded ? succ.data : NULL, succ.len, false, out);
    codec_buf_free(&succ);
    return rc;
}

int storage_iter_new_catalog(storage *s, const storage_snapshot *snap, const uint8_t *prefix,
                             size_t plen, storage_iter **out)
{
    *out = NULL;
    storage_iter *it = iter_alloc();
    if (!it) return storage_fail(STORAGE_ENOMEM, "out of memory");
    codec_put_raw(&it->lo, prefix, plen);
    if (plen) prefix_successor(&it->hi, prefix, plen);
    int rc = it->lo.err || it->hi.err ? storage_fail(STORAGE_ENOMEM, "out of memory") : 0;
    if (rc == 0) rc = iter_open(s, snap, CF_CATALOG, it);
    if (rc < 0) {
        storage_iter_del(it);
        return rc;
    }
    *out = it;
    return 0;
}

static int iter_error(storage_iter *it)
{
    char *err = NULL;
    rocksdb_iter_get_error(it->it, &err);
    return err ? storage_rocks_error(err, "iterate") : 0;
}

static int overlay_merge(storage_overlay *o, const uint8_t *stored, size_t slen,
                         const overlay_entry *e, uint8_t **out, size_t *outlen)
{
    int mrc = o->s->opts.merge(o->s->opts.merge_ctx, stored, slen, e->delta, e->dlen, out,
                               outlen);
    if (mrc < 0) {
        free(*out);
        *out = NULL;
        return storage_fail(STORAGE_EMERGE, "row merge callback failed (%d)", mrc);
    }
    return 0;
}

int storage_iter_next(storage_iter *it)
{
    free(it->merged);
    it->merged = NULL;
    if (!it->started) {
        it->started = true;
        if (it->reverse) rocksdb_iter_seek_to_last(it->it); /* within the bounds */
        else rocksdb_iter_seek(it->it, (const char *)it->lo.data, it->lo.len);
    }
    for (;;) {
        bool dbv = rocksdb_iter_valid(it->it);
        if (!dbv) {
            int rc = iter_error(it);
            if (rc < 0) return rc;
        }
        size_t dklen = 0, dvlen = 0;
        const uint8_t *dk = dbv ? (const uint8_t *)rocksdb_iter_key(it->it, &dklen) : NULL;
        bool ovv = it->ov && it->ovpos < it->ovend;
        if (!dbv && !ovv) {
            it->key = it->val = NULL;
            return 0;
        }
        int c = !dbv ? 1 : !ovv ? -1 : keycmp(dk, dklen, it->ov->e[it->ovpos].key,
                                               it->ov->e[it->ovpos].klen);
        if (c < 0) {
            const uint8_t *dv = (const uint8_t *)rocksdb_iter_value(it->it, &dvlen);
            it->key = dk + it->strip;
            it->klen = dklen - it->strip;
            it->val = dv;
            it->vlen = dvlen;
            goto db_item;
        }
        const overlay_entry *e = &it->ov->e[it->ovpos++];
        const uint8_t *dv = c == 0 ? (const uint8_t *)rocksdb_iter_value(it->it, &dvlen) : NULL;
        size_t outlen = 0;
        int rc = overlay_merge(it->ov, dv, dvlen, e, &it->merged, &outlen);
        if (c == 0) rocksdb_iter_next(it->it);
        if (rc < 0) return rc;
        it->key = e->key + it->strip;
        it->klen = e->klen - it->strip;
        it->val = it->merged;
        it->vlen = outlen;
        return 1;
    }
db_item:
    /* The item stays readable: copy it out of RocksDB before advancing. */
    {
        uint8_t *copy = malloc(it->klen + it->vlen + 1);
        if (!copy) return storage_fail(STORAGE_ENOMEM, "out of memory");
        memcpy(copy, it->key, it->klen);
        if (it->vlen) memcpy(copy + it->klen, it->val, it->vlen);
        it->merged = copy;
        it->key = copy;
        it->val = copy + it->klen;
        if (it->reverse) rocksdb_iter_prev(it->it);
        else rocksdb_iter_next(it->it);
    }
    return 1;
}

void storage_iter_item(const storage_iter *it, const uint8_t **key, size_t *klen,
                       const uint8_t **val, size_t *vlen)
{
    *key = it->key;
    *klen = it->klen;
    *val = it->val;
    *vlen = it->vlen;
}

/* ---- overlay ---- */

storage_overlay *storage_overlay_new(storage *s)
{
    storage_overlay *o = calloc(1, sizeof(*o));
    if (o) o->s = s;
    return o;
}

void storage_overlay_del(storage_overlay *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->e[i].key);
        free(o->e[i].delta);
    }
    free(o->e);
    free(o->req_deltas);
    free(o);
}

uint64_t storage_overlay_bytes(const storage_overlay *o)
{
    uint64_t n = 0;
    for (size_t i = 0; i < o->n; i++) {
        logentry_delta d = {0};
        keycodec_row_split(o->e[i].key, o->e[i].klen, &d.table_id, &d.pk, &d.pklen);
        d.dlen = o->e[i].dlen;
        n += logentry_delta_size(&d);
    }
    return n;
}

size_t storage_overlay_count(const storage_overlay *o)
{
    return o->n;
}

bool storage_overlay_has_table(const storage_overlay *o, uint32_t table_id)
{
    uint8_t k[KEYCODEC_TABLE_BYTES] = {(uint8_t)(table_id >> 24), (uint8_t)(table_id >> 16),
                                       (uint8_t)(table_id >> 8), (uint8_t)table_id};
    size_t i = overlay_lower_bound(o, k, sizeof k);
    return i < o->n && o->e[i].klen >= sizeof k && !memcmp(o->e[i].key, k, sizeof k);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

int storage_overlay_add(storage_overlay *o, uint32_t table_id, const uint8_t *pk, size_t pklen,
                        const uint8_t *delta, size_t dlen)
{
    codec_buf k;
    codec_buf_init(&k);
    if (keycodec_row_key(&k, table_id, pk, pklen) < 0) {
        codec_buf_free(&k);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    size_t pos = overlay_lower_bound(o, k.data, k.len);
    if (pos < o->n && keycmp(o->e[pos].key, o->e[pos].klen, k.data, k.len) == 0) {
        codec_buf_free(&k);
        /* Delta-state CRDTs: joining two deltas gives the delta of both. */
        uint8_t *joined = NULL;
        size_t jlen = 0;
        int mrc = o->s->opts.merge(o->s->opts.merge_ctx, o->e[pos].delta, o->e[pos].dlen, delta,
                                   dlen, &joined, &jlen);
        if (mrc < 0) {
            free(joined);
            return storage_fail(STORAGE_EMERGE, "row merge callback failed (%d)", mrc);
        }
        free(o->e[pos].delta);
        o->e[pos].delta = joined;
        o->e[pos].dlen = jlen;
        return 0;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        overlay_entry *ne = realloc(o->e, cap * sizeof(*ne));
        if (!ne) {
            codec_buf_free(&k);
            return storage_fail(STORAGE_ENOMEM, "out of memory");
        }
        o->e = ne;
        o->cap = cap;
    }
    uint8_t *d = dup_bytes(delta, dlen);
    if (!d) {
        codec_buf_free(&k);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    memmove(&o->e[pos + 1], &o->e[pos], (o->n - pos) * sizeof(*o->e));
    o->e[pos].key = codec_buf_take(&k, &o->e[pos].klen);
    o->e[pos].delta = d;
    o->e[pos].dlen = dlen;
    o->n++;
    return 0;
}

int storage_overlay_get(storage_overlay *o, const storage_snapshot *snap, uint32_t table_id,
                        const uint8_t *pk, size_t pklen, uint8_t **val, size_t *vlen)
{
    uint8_t *stored = NULL;
    size_t slen = 0;
    int rc = storage_get(o->s, snap, table_id, pk, pklen, &stored, &slen);
    if (rc < 0 && rc != STORAGE_ENOTFOUND) return rc;
    codec_buf k;
    codec_buf_init(&k);
    keycodec_row_key(&k, table_id, pk, pklen);
    size_t pos = overlay_lower_bound(o, k.data, k.len);
    bool pending = pos < o->n && keycmp(o->e[pos].key, o->e[pos].klen, k.data, k.len) == 0;
    codec_buf_free(&k);
    if (!pending) {
        if (rc == 0) {
            *val = stored;
            *vlen = slen;
        }
        return rc;
    }
    rc = overlay_merge(o, stored, slen, &o->e[pos], val, vlen);
    free(stored);
    return rc;
}

int storage_overlay_iter_new(storage_overlay *o, const storage_snapshot *snap,
                             uint32_t table_id, const uint8_t *lo, size_t lolen,
                             const uint8_t *hi, size_t hilen, storage_iter **out)
{
    return new_row_iter(o->s, snap, o, CF_ROWS, table_id, lo, lolen, hi, hilen, false, out);
}

int storage_overlay_fill_req(storage_overlay *o, storage_commit_req *req)
{
    free(o->req_deltas);
    o->req_deltas = NULL;
    if (o->n) {
        o->req_deltas = calloc(o->n, sizeof(*o->req_deltas));
        if (!o->req_deltas) return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < o->n; i++) {
        logentry_delta *d = &o->req_deltas[i];
        keycodec_row_split(o->e[i].key, o->e[i].klen, &d->table_id, &d->pk, &d->pklen);
        d->delta = o->e[i].delta;
        d->dlen = o->e[i].dlen;
    }
    req->deltas = o->req_deltas;
    req->ndeltas = o->n;
    return 0;
}
