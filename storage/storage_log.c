/*
 * storage/storage_log.c — reading and truncating the origin log.
 *
 * Entry points: storage_log_iter_new, storage_log_iter_next, storage_log_iter_del,
 * storage_log_oldest, storage_log_bytes, storage_log_truncate, storage_log_pin_new/move/del
 * (+ storage_log_load at open,
 * storage_log_drop_upto for storage_snap.c).
 *
 * Bookkeeping kept in memory (rebuilt by one scan of the log at open): per origin the
 * smallest seq the log can still serve, and the log's total size in bytes. Truncation runs
 * on the caller's thread, concurrently with the writer: it only deletes keys at or below
 * seqs the writer has already passed, so the two never touch the same key.
 */
#include "storage/storage_int.h"

#include <stdlib.h>
#include <string.h>

struct storage_log_iter {
    rocksdb_iterator_t *it;
    rocksdb_readoptions_t *ro;
    uint8_t lo[KEYCODEC_LOG_KEY_BYTES], hi[KEYCODEC_LOG_KEY_BYTES];
    bool started;
};

int storage_log_load(storage *s)
{
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, s->ro, s->cf[CF_LOG]);
    if (!it) return storage_fail(STORAGE_ENOMEM, "out of memory");
    uint64_t bytes = 0;
    int rc = 0;
    for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
        size_t klen, vlen;
        const char *k = rocksdb_iter_key(it, &klen);
        rocksdb_iter_value(it, &vlen);
        uint16_t origin;
        uint64_t seq;
        if (keycodec_log_split((const uint8_t *)k, klen, &origin, &seq) < 0) {
            rc = storage_fail(STORAGE_ECORRUPT, "data directory %s: malformed log key",
                              s->data_dir);
            break;
        }
        if (causal_vv_get(&s->log_oldest, origin) == 0) {
            if (causal_vv_set(&s->log_oldest, origin, seq) < 0) {
                rc = storage_fail(STORAGE_ENOMEM, "out of memory");
                break;
            }
        }
        bytes += klen + vlen;
    }
    if (rc == 0) {
        char *err = NULL;
        rocksdb_iter_get_error(it, &err);
        if (err) rc = storage_rocks_error(err, "scan log");
    }
    rocksdb_iter_destroy(it);
    /* Origins applied but with no entry left: everything up to vv was truncated. */
    for (uint32_t i = 0; rc == 0 && i < s->vv.len; i++) {
        if (causal_vv_get(&s->log_oldest, s->vv.v[i].node) == 0) {
            if (causal_vv_set(&s->log_oldest, s->vv.v[i].node, s->vv.v[i].counter + 1) < 0) {
                rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            }
        }
    }
    s->log_bytes = bytes;
    return rc;
}

uint64_t storage_log_oldest(storage *s, uint16_t origin)
{
    pthread_mutex_lock(&s->mu);
    uint64_t v = causal_vv_get(&s->log_oldest, origin);
    pthread_mutex_unlock(&s->mu);
    return v;
}

uint64_t storage_log_bytes(storage *s)
{
    pthread_mutex_lock(&s->mu);
    uint64_t v = s->log_bytes;
    pthread_mutex_unlock(&s->mu);
    return v;
}

int storage_log_iter_new(storage *s, uint16_t origin, uint64_t from_seq, storage_log_iter **out)
{
    *out = NULL;
    if (origin == 0) return storage_fail(STORAGE_EINVAL, "origin 0");
    if (from_seq == 0) from_seq = 1;
    pthread_mutex_lock(&s->mu);
    uint64_t oldest = causal_vv_get(&s->log_oldest, origin);
    uint64_t limit = origin == s->opts.node_id ? s->durable_seq : UINT64_MAX;
    pthread_mutex_unlock(&s->mu);
    if (oldest && from_seq < oldest) {
        return storage_fail(STORAGE_ETRUNCATED, "log of origin %u starts at seq %llu, %llu "
                                                "requested", origin, (unsigned long long)oldest,
                            (unsigned long long)from_seq);
    }
    storage_log_iter *li = calloc(1, sizeof(*li));
    if (!li) return storage_fail(STORAGE_ENOMEM, "out of memory");
    li->ro = rocksdb_readoptions_create();
    keycodec_log_key(li->lo, origin, from_seq);
    if (limit == UINT64_MAX) {
        /* origin 65535: the key after all its entries is (65535, max) itself, never used */
        keycodec_log_key(li->hi, origin == UINT16_MAX ? origin : (uint16_t)(origin + 1),
                         origin == UINT16_MAX ? UINT64_MAX : 0);
    } else {
        keycodec_log_key(li->hi, origin, limit + 1);
    }
    rocksdb_readoptions_set_iterate_upper_bound(li->ro, (const char *)li->hi, sizeof(li->hi));
    li->it = rocksdb_create_iterator_cf(s->db, li->ro, s->cf[CF_LOG]);
    *out = li;
    return 0;
}

int storage_log_iter_next(storage_log_iter *li, uint64_t *seq, const uint8_t **entry,
                          size_t *len)
{
    if (!li->started) {
        li->started = true;
        rocksdb_iter_seek(li->it, (const char *)li->lo, sizeof(li->lo));
    } else {
        rocksdb_iter_next(li->it);
    }
    if (!rocksdb_iter_valid(li->it)) {
        char *err = NULL;
        rocksdb_iter_get_error(li->it, &err);
        return err ? storage_rocks_error(err, "read log") : 0;
    }
    size_t klen;
    const char *k = rocksdb_iter_key(li->it, &klen);
    uint16_t origin;
    if (keycodec_log_split((const uint8_t *)k, klen, &origin, seq) < 0) {
        return storage_fail(STORAGE_ECORRUPT, "malformed log key");
    }
    *entry = (const uint8_t *)rocksdb_iter_value(li->it, len);
    return 1;
}

void storage_log_iter_del(storage_log_iter *li)
{
    if (!li) return;
    if (li->it) rocksdb_iter_destroy(li->it);
    if (li->ro) rocksdb_readoptions_destroy(li->ro);
    free(li);
}

/* Deletes origin's entries [from, to] (to inclusive) and accounts their size. */
static int delete_range(storage *s, uint16_t origin, uint64_t from, uint64_t to)
{
    uint8_t lo[KEYCODEC_LOG_KEY_BYTES], hi[KEYCODEC_LOG_KEY_BYTES];
    keycodec_log_key(lo, origin, from);
    keycodec_log_key(hi, origin, to + 1);
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)hi, sizeof(hi));
    rocksdb_iterator_t *it = rocksdb_create_iterator_cf(s->db, ro, s->cf[CF_LOG]);
    uint64_t bytes = 0;
    for (rocksdb_iter_seek(it, (const char *)lo, sizeof(lo)); rocksdb_iter_valid(it);
         rocksdb_iter_next(it)) {
        size_t klen, vlen;
        rocksdb_iter_key(it, &klen);
        rocksdb_iter_value(it, &vlen);
        bytes += klen + vlen;
    }
    rocksdb_iter_destroy(it);
    rocksdb_readoptions_destroy(ro);
    char *err = NULL;
    rocksdb_delete_range_cf(s->db, s->wo, s->cf[CF_LOG], (const char *)lo, sizeof(lo),
                            (const char *)hi, sizeof(hi), &err);
    if (err) return storage_rocks_error(err, "truncate log");
    pthread_mutex_lock(&s->mu);
    s->log_bytes = s->log_bytes > bytes ? s->log_bytes - bytes : 0;
    if (causal_vv_get(&s->log_oldest, origin) <= to) causal_vv_set(&s->log_oldest, origin, to + 1);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

int storage_log_drop_upto(storage *s, uint16_t origin, uint64_t upto)
{
    if (upto == 0) return 0;
    pthread_mutex_lock(&s->trunc_mu);
    int rc = delete_range(s, origin, 1, upto);
    pthread_mutex_unlock(&s->trunc_mu);
    return rc;
}

struct storage_log_pin {
    causal_vv from; /* under storage.mu */
    struct storage_log_pin *next;
};

storage_log_pin *storage_log_pin_new(storage *s, const causal_vv *from)
{
    storage_log_pin *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    causal_vv_init(&p->from);
    if (causal_vv_copy(&p->from, from) < 0) {
        free(p);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    p->next = s->pins;
    s->pins = p;
    pthread_mutex_unlock(&s->mu);
    return p;
}

int storage_log_pin_move(storage *s, storage_log_pin *p, const causal_vv *from)
{
    causal_vv tmp;
    causal_vv_init(&tmp);
    if (causal_vv_copy(&tmp, from) < 0) return storage_fail(STORAGE_ENOMEM, "out of memory");
    pthread_mutex_lock(&s->mu);
    causal_vv old = p->from;
    p->from = tmp;
    pthread_mutex_unlock(&s->mu);
    causal_vv_free(&old);
    return 0;
}

void storage_log_pin_del(storage *s, storage_log_pin *p)
{
    if (!p) return;
    pthread_mutex_lock(&s->mu);
    for (storage_log_pin **pp = &s->pins; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    causal_vv_free(&p->from);
    free(p);
}

/* Highest seq of origin that may be deleted at all: the local origin keeps everything
 * not yet durable (the outbox has not been allowed to ship it), and no origin loses what a
 * pin keeps. */
static uint64_t deletable_upto(storage *s, uint16_t origin)
{
    pthread_mutex_lock(&s->mu);
    uint64_t v = origin == s->opts.node_id ? s->durable_seq : causal_vv_get(&s->vv, origin);
    for (const storage_log_pin *p = s->pins; p; p = p->next) {
        uint64_t keep_above = causal_vv_get(&p->from, origin);
        if (keep_above < v) v = keep_above;
    }
    pthread_mutex_unlock(&s->mu);
    return v;
}

/* One cursor per origin for the size-based pass. */
typedef struct trunc_cursor {
    uint16_t origin;
    uint64_t seq, upto;
    causal_hlc hlc;
    size_t bytes;
    bool valid;
} trunc_cursor;

static void cursor_load(storage *s, trunc_cursor *c)
{
    c->valid = false;
    if (c->seq > c->upto) return;
    uint8_t k[KEYCODEC_LOG_KEY_BYTES];
    keycodec_log_key(k, c->origin, c->seq);
    char *err = NULL;
    size_t len = 0;
    char *v = rocksdb_get_cf(s->db, s->ro, s->cf[CF_LOG], (const char *)k, sizeof(k), &len, &err);
    if (err || !v) {
        rocksdb_free(err);
        rocksdb_free(v);
        return;
    }
    uint16_t origin;
    uint64_t seq;
    if (logentry_peek((const uint8_t *)v, len, &origin, &seq, &c->hlc) == 0) {
        c->bytes = len + sizeof(k);
        c->valid = true;
    }
    rocksdb_free(v);
}

static int truncate_by_size(storage *s, uint64_t max_bytes)
{
    causal_vv oldest;
    causal_vv_init(&oldest);
    pthread_mutex_lock(&s->mu);
    int crc = causal_vv_copy(&oldest, &s->log_oldest);
    uint64_t bytes = s->log_bytes;
    pthread_mutex_unlock(&s->mu);
    if (crc < 0) return storage_crdt_error(crc);
    trunc_cursor *cur = calloc(oldest.len ? oldest.len : 1, sizeof(*cur));
    if (!cur) {
        causal_vv_free(&oldest);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < oldest.len; i++) {
        cur[i].origin = oldest.v[i].node;
        cur[i].seq = oldest.v[i].counter;
        cur[i].upto = deletable_upto(s, cur[i].origin);
        cursor_load(s, &cur[i]);
    }
    int rc = 0;
    while (bytes > max_bytes) {
        trunc_cursor *best = NULL;
        for (uint32_t i = 0; i < oldest.len; i++) {
            if (cur[i].valid && (!best || cur[i].hlc < best->hlc)) best = &cur[i];
        }
        if (!best) break; /* only undeletable entries are left */
        /* Extend over this origin's following entries that are still older than every
         * other origin's head, so one range delete removes them together. */
        uint64_t from = best->seq;
        causal_hlc next_other = UINT64_MAX;
        for (uint32_t i = 0; i < oldest.len; i++) {
            if (&cur[i] != best && cur[i].valid && cur[i].hlc < next_other) next_other = cur[i].hlc;
        }
        uint64_t freed = 0;
        do {
            freed += best->bytes;
            best->seq++;
            cursor_load(s, best);
        } while (best->valid && best->hlc <= next_other && bytes - freed > max_bytes);
        rc = delete_range(s, best->origin, from, best->seq - 1);
        if (rc < 0) break;
        bytes = bytes > freed ? bytes - freed : 0;
    }
    free(cur);
    causal_vv_free(&oldest);
    return rc;
}

int storage_log_truncate(storage *s, const causal_vv *acked_by_all, uint64_t max_bytes)
{
    pthread_mutex_lock(&s->trunc_mu);
    causal_vv oldest;
    causal_vv_init(&oldest);
    pthread_mutex_lock(&s->mu);
    int crc = causal_vv_copy(&oldest, &s->log_oldest);
    pthread_mutex_unlock(&s->mu);
    int rc = crc < 0 ? storage_crdt_error(crc) : 0;
    for (uint32_t i = 0; rc == 0 && acked_by_all && i < oldest.len; i++) {
        uint16_t origin = oldest.v[i].node;
        uint64_t from = oldest.v[i].counter;
        uint64_t upto = causal_vv_get(acked_by_all, origin);
        uint64_t limit = deletable_upto(s, origin);
        if (upto > limit) upto = limit;
        if (upto >= from) rc = delete_range(s, origin, from, upto);
    }
    causal_vv_free(&oldest);
    if (rc == 0 && max_bytes) rc = truncate_by_size(s, max_bytes);
    pthread_mutex_unlock(&s->trunc_mu);
    return rc;
}
