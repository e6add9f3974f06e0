/*
 * storage/storage_gc.c — tombstone GC through a RocksDB compaction filter on the rows
 * column family.
 *
 * Entry points: storage_gc_now (+ storage_gc_factory for storage_open).
 *
 * The factory makes one filter per compaction, carrying a copy of the stable vv taken when
 * the compaction starts, so a compaction sees one consistent vv and the filter needs no
 * lock. RocksDB's C wrapper copies a changed value but never frees it, so the filter keeps
 * the last buffer it returned and frees it on the next call or when destroyed (a filter is
 * used by one compaction thread at a time).
 */
#include "storage/storage_int.h"

#include <stdlib.h>

typedef struct gc_filter {
    storage *s;
    causal_vv stable;
    uint8_t *last_out;
} gc_filter;

static void gc_filter_destroy(void *state)
{
    gc_filter *f = state;
    causal_vv_free(&f->stable);
    free(f->last_out);
    free(f);
}

static const char *gc_filter_name(void *state)
{
    return "helios.gc";
}

static unsigned char gc_filter_run(void *state, int level, const char *key, size_t klen,
                                   const char *value, size_t vlen, char **new_value,
                                   size_t *new_len, unsigned char *changed)
{
    gc_filter *f = state;
    free(f->last_out);
    f->last_out = NULL;
    *changed = 0;
    if (f->stable.len == 0) return 0;
    uint8_t *out = NULL;
    size_t outlen = 0;
    bool drop = false;
    int rc = f->s->opts.gc(f->s->opts.gc_ctx, &f->stable, (const uint8_t *)value, vlen, &out,
                           &outlen, &drop);
    if (rc < 0) {
        free(out); /* keep the row unchanged: GC is an optimisation, never a loss */
        return 0;
    }
    if (drop || out) /* the row cache must not keep the state this rewrites */
        rowcache_erase(&f->s->rowcache, (const uint8_t *)key, klen);
    if (drop) {
        free(out);
        return 1;
    }
    if (out) {
        f->last_out = out;
        *new_value = (char *)out;
        *new_len = outlen;
        *changed = 1;
    }
    return 0;
}

static rocksdb_compactionfilter_t *gc_factory_create(void *state,
                                                     rocksdb_compactionfiltercontext_t *ctx)
{
    storage *s = state;
    gc_filter *f = calloc(1, sizeof(*f));
    if (!f) return NULL;
    f->s = s;
    causal_vv_init(&f->stable);
    pthread_mutex_lock(&s->mu);
    int rc = causal_vv_copy(&f->stable, &s->stable);
    pthread_mutex_unlock(&s->mu);
    if (rc < 0) causal_vv_free(&f->stable); /* empty vv: this compaction skips GC */
    return rocksdb_compactionfilter_create(f, gc_filter_destroy, gc_filter_run, gc_filter_name);
}

static void gc_factory_destroy(void *state)
{
}

static const char *gc_factory_name(void *state)
{
    return "helios.gc.factory";
}

rocksdb_compactionfilterfactory_t *storage_gc_factory(storage *s)
{
    return rocksdb_compactionfilterfactory_create(s, gc_factory_destroy, gc_factory_create,
                                                  gc_factory_name);
}

int storage_gc_now(storage *s)
{
    if (!s->opts.gc) return storage_fail(STORAGE_EINVAL, "store opened without a gc callback");
    rocksdb_compact_range_cf(s->db, s->cf[CF_ROWS], NULL, 0, NULL, 0);
    return 0;
}
