/*
 * storage/storage_rowcache.c — the row cache: the latest state of recently written rows, so a
 * point read skips RocksDB (a memtable look-up walks a skip list of every version of every row
 * written since the last flush: a counter increment read its row five or six times, and those
 * look-ups were a sixth of its CPU).
 *
 * Entry points (storage_int.h): rowcache_init, rowcache_free, rowcache_get, rowcache_mark,
 * rowcache_put, rowcache_erase, rowcache_clear.
 *
 * Write-through only: the writer thread, the only writer of the rows column family outside a
 * snapshot apply, puts the merged state of each row it wrote, with a sequence number at or
 * above the write's (RocksDB's latest, read after the write): once per row per batch, its
 * last state (grp_rows_put; putting each state of a row the batch wrote several times in turn
 * let a reader see an older state of it than the batch's other rows, a transaction half
 * applied: the nemesis caught it, seed 62359). Readers never fill it (a value read at a
 * snapshot may not be the latest). Before a batch is written its rows are marked
 * (RC_WRITING): from then until the new state is put, readers go to RocksDB. A reader at a
 * snapshot uses an entry only if the entry's seq is at or below the snapshot's, so the state
 * cached is the one that snapshot sees (it is the row's newest, and it is no newer than the
 * snapshot). Whatever else changes rows drops entries: the GC compaction filter (the keys it
 * rewrites), an import (its rows), a snapshot apply (everything).
 *
 * Sharded by key hash, each shard a chained hash table with an LRU list, bounded by bytes.
 */
#include "storage/storage_int.h"

#include <stdlib.h>
#include <string.h>

#define RC_WRITING UINT64_MAX
/* Entries larger than this are not kept (a big set's state would evict many small rows). */
#define RC_MAX_VALUE (64u << 10)

struct rc_entry {
    rc_entry *hnext;        /* hash chain */
    rc_entry *lprev, *lnext; /* LRU: head = most recent */
    uint64_t hash, seq;
    uint8_t *val;
    size_t klen, vlen;
    uint8_t key[];
};

static uint64_t rc_hash(const uint8_t *k, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++) {
        h ^= k[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static size_t entry_bytes(const rc_entry *e)
{
    return sizeof *e + e->klen + e->vlen + 16;
}

int rowcache_init(storage_rowcache *rc, size_t cap_bytes)
{
    memset(rc, 0, sizeof *rc);
    rc->enabled = cap_bytes > 0;
    for (int i = 0; i < RC_SHARDS; i++) {
        rc_shard *sh = &rc->sh[i];
        pthread_mutex_init(&sh->mu, NULL);
        sh->cap = cap_bytes / RC_SHARDS;
    }
    return 0;
}

static void entry_free(rc_entry *e)
{
    free(e->val);
    free(e);
}

static void shard_clear(rc_shard *sh)
{
    for (rc_entry *e = sh->head, *next; e; e = next) {
        next = e->lnext;
        entry_free(e);
    }
    free(sh->tab);
    sh->tab = NULL;
    sh->nb = sh->n = sh->bytes = 0;
    sh->head = sh->tail = NULL;
}

void rowcache_free(storage_rowcache *rc)
{
    for (int i = 0; i < RC_SHARDS; i++) {
        shard_clear(&rc->sh[i]);
        pthread_mutex_destroy(&rc->sh[i].mu);
    }
}

static rc_shard *shard_of(storage_rowcache *rc, uint64_t h)
{
    return &rc->sh[(h >> 56) % RC_SHARDS];
}

static rc_entry **find(rc_shard *sh, uint64_t h, const uint8_t *k, size_t klen)
{
    if (!sh->nb) return NULL;
    rc_entry **pp = &sh->tab[h & (sh->nb - 1)];
    for (; *pp; pp = &(*pp)->hnext)
        if ((*pp)->hash == h && (*pp)->klen == klen && memcmp((*pp)->key, k, klen) == 0) return pp;
    return pp; /* the chain's end: *pp == NULL */
}

static void lru_unlink(rc_shard *sh, rc_entry *e)
{
    if (e->lprev) e->lprev->lnext = e->lnext;
    else sh->head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev;
    else sh->tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_front(rc_shard *sh, rc_entry *e)
{
    e->lprev = NULL;
    e->lnext = sh->head;
    if (sh->head) sh->head->lprev = e;
    sh->head = e;
    if (!sh->tail) sh->tail = e;
}

/* Unlinks and frees the entry *pp points at. */
static void remove_at(rc_shard *sh, rc_entry **pp)
{
    rc_entry *e = *pp;
    *pp = e->hnext;
    lru_unlink(sh, e);
    sh->n--;
    sh->bytes -= entry_bytes(e);
    entry_free(e);
}

static void grow(rc_shard *sh)
{
    size_t nb = sh->nb ? sh->nb * 2 : 64;
    rc_entry **tab = calloc(nb, sizeof *tab);
    if (!tab) return; /* chains just get longer */
    for (size_t i = 0; i < sh->nb; i++) {
        for (rc_entry *e = sh->tab[i], *next; e; e = next) {
            next = e->hnext;
            e->hnext = tab[e->hash & (nb - 1)];
            tab[e->hash & (nb - 1)] = e;
        }
    }
    free(sh->tab);
    sh->tab = tab;
    sh->nb = nb;
}

bool rowcache_get(storage_rowcache *rc, const uint8_t *k, size_t klen, uint64_t max_seq,
                  uint8_t **val, size_t *vlen)
{
    if (!rc->enabled) return false;
    uint64_t h = rc_hash(k, klen);
    rc_shard *sh = shard_of(rc, h);
    bool hit = false;
    pthread_mutex_lock(&sh->mu);
    rc_entry **pp = find(sh, h, k, klen);
    rc_entry *e = pp ? *pp : NULL;
    if (e && e->seq != RC_WRITING && e->seq <= max_seq) {
        uint8_t *v = malloc(e->vlen ? e->vlen : 1);
        if (v) {
            memcpy(v, e->val, e->vlen);
            *val = v;
            *vlen = e->vlen;
            hit = true;
            if (sh->head != e) {
                lru_unlink(sh, e);
                lru_front(sh, e);
            }
        }
    }
    if (hit) sh->hits++;
    else sh->misses++;
    pthread_mutex_unlock(&sh->mu);
    return hit;
}

void rowcache_mark(storage_rowcache *rc, const uint8_t *k, size_t klen)
{
    if (!rc->enabled) return;
    uint64_t h = rc_hash(k, klen);
    rc_shard *sh = shard_of(rc, h);
    pthread_mutex_lock(&sh->mu);
    rc_entry **pp = find(sh, h, k, klen);
    if (pp && *pp) (*pp)->seq = RC_WRITING;
    pthread_mutex_unlock(&sh->mu);
}

void rowcache_erase(storage_rowcache *rc, const uint8_t *k, size_t klen)
{
    if (!rc->enabled) return;
    uint64_t h = rc_hash(k, klen);
    rc_shard *sh = shard_of(rc, h);
    pthread_mutex_lock(&sh->mu);
    rc_entry **pp = find(sh, h, k, klen);
    if (pp && *pp) remove_at(sh, pp);
    pthread_mutex_unlock(&sh->mu);
}

void rowcache_put(storage_rowcache *rc, const uint8_t *k, size_t klen, const uint8_t *v,
                  size_t vlen, uint64_t seq)
{
    if (!rc->enabled) return;
    uint64_t h = rc_hash(k, klen);
    rc_shard *sh = shard_of(rc, h);
    rc_entry *e = NULL;
    uint8_t *copy = NULL;
    bool keep = vlen <= RC_MAX_VALUE;
    if (keep && (!(copy = malloc(vlen ? vlen : 1)) || !(e = malloc(sizeof *e + klen)))) {
        free(copy);
        copy = NULL;
        keep = false; /* out of memory: the old entry (marked) must still go */
    }
    if (keep) {
        memcpy(copy, v, vlen);
        memcpy(e->key, k, klen);
        e->klen = klen;
        e->val = copy;
        e->vlen = vlen;
        e->hash = h;
        e->seq = seq;
        e->lprev = e->lnext = e->hnext = NULL;
    }
    pthread_mutex_lock(&sh->mu);
    rc_entry **pp = find(sh, h, k, klen);
    if (pp && *pp) remove_at(sh, pp);
    if (keep) {
        if (sh->n >= sh->nb) grow(sh);
        if (sh->nb) {
            rc_entry **slot = &sh->tab[h & (sh->nb - 1)];
            e->hnext = *slot;
            *slot = e;
            lru_front(sh, e);
            sh->n++;
            sh->bytes += entry_bytes(e);
            while (sh->bytes > sh->cap && sh->tail) {
                rc_entry *old = sh->tail;
                remove_at(sh, find(sh, old->hash, old->key, old->klen));
            }
            e = NULL;
        }
    }
    pthread_mutex_unlock(&sh->mu);
    if (e) entry_free(e); /* no table (out of memory) */
}

void rowcache_clear(storage_rowcache *rc)
{
    if (!rc->enabled) return;
    for (int i = 0; i < RC_SHARDS; i++) {
        pthread_mutex_lock(&rc->sh[i].mu);
        shard_clear(&rc->sh[i]);
        pthread_mutex_unlock(&rc->sh[i].mu);
    }
}

void rowcache_stats(storage_rowcache *rc, uint64_t *hits, uint64_t *misses, uint64_t *bytes)
{
    *hits = *misses = *bytes = 0;
    for (int i = 0; i < RC_SHARDS; i++) {
        pthread_mutex_lock(&rc->sh[i].mu);
        *hits += rc->sh[i].hits;
        *misses += rc->sh[i].misses;
        *bytes += rc->sh[i].bytes;
        pthread_mutex_unlock(&rc->sh[i].mu);
    }
}
