/*
 * storage/storage_guard.c — write guards: the free-space reserve and the restored-in-place
 * mark (see "Write guards" in storage.h).
 *
 * Entry points: storage_set_notify, storage_set_min_free, storage_space_low,
 * storage_restored, storage_restored_check, storage_restored_clear (+ the storage_guard_*
 * helpers of storage_int.h).
 *
 * The free-space reading is a statvfs of the data directory, cached for SPACE_CHECK_MS: a
 * statvfs costs about a microsecond, a WAL sync a millisecond, so checking once per writer
 * group is noise, while a stale reading can only let one interval's writes through. Leaving
 * the low state needs an eighth of the reserve more than entering it, so a disk hovering at
 * the threshold does not flap (and log) on every commit.
 */
#include "storage/storage_int.h"

#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

static const char META_RESTORED[] = "restored";

enum { SPACE_CHECK_MS = 10 };

static uint64_t guard_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int storage_guard_load(storage *s)
{
    char *err = NULL;
    size_t len = 0;
    char *v = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], META_RESTORED, strlen(META_RESTORED),
                             &len, &err);
    if (err) return storage_rocks_error(err, "read metadata");
    s->restored = v != NULL;
    rocksdb_free(v);
    return 0;
}

bool storage_guard_space(storage *s, bool force)
{
    uint64_t now = guard_now_ms();
    pthread_mutex_lock(&s->mu);
    uint64_t min = s->min_free_bytes;
    bool low = s->space_low;
    bool stale = force || s->space_checked_ms == 0 || now - s->space_checked_ms >= SPACE_CHECK_MS;
    pthread_mutex_unlock(&s->mu);
    if (!min && !low) return false;
    if (!stale) return low;

    struct statvfs sv;
    uint64_t avail = UINT64_MAX;
    /* A failing statvfs (cannot happen on an open store) leaves writes to RocksDB. */
    if (statvfs(s->data_dir, &sv) == 0) avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;

    int event = 0;
    pthread_mutex_lock(&s->mu);
    min = s->min_free_bytes;
    s->free_bytes = avail;
    s->space_checked_ms = now;
    if (!s->space_low && min && avail < min) {
        s->space_low = true;
        event = STORAGE_NOTIFY_SPACE_LOW;
    } else if (s->space_low && (!min || avail >= min + min / 8)) {
        s->space_low = false;
        event = STORAGE_NOTIFY_SPACE_OK;
    }
    low = s->space_low;
    storage_notify_fn fn = s->notify;
    void *ctx = s->notify_ctx;
    if (event == STORAGE_NOTIFY_SPACE_OK) pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (event && fn) fn(ctx, event, avail, min);
    return low;
}

int storage_guard_enospc(storage *s)
{
    pthread_mutex_lock(&s->mu);
    uint64_t avail = s->free_bytes, min = s->min_free_bytes;
    pthread_mutex_unlock(&s->mu);
    return storage_fail(STORAGE_ENOSPC, "disk full: %llu MiB free on the filesystem of %s, "
                        "below the reserve storage.min_free_mb = %llu",
                        (unsigned long long)(avail >> 20), s->data_dir,
                        (unsigned long long)(min >> 20));
}

int storage_guard_local(storage *s)
{
    pthread_mutex_lock(&s->mu);
    bool restored = s->restored;
    pthread_mutex_unlock(&s->mu);
    if (restored)
        return storage_fail(STORAGE_EREADONLY, "this region was restored in place from a "
                            "backup and is read-only until every peer has returned its own "
                            "entries (see heliosctl restore)");
    if (storage_guard_space(s, false)) return storage_guard_enospc(s);
    return 0;
}

void storage_guard_fresh_ack(storage *s, uint16_t peer, const causal_vv *acked)
{
    uint64_t own = causal_vv_get(acked, s->opts.node_id);
    pthread_mutex_lock(&s->mu);
    /* on ENOMEM the peer just stays "not heard from": the mark is kept, never dropped */
    (void)causal_vv_set(&s->fresh_self, peer, own + 1);
    pthread_mutex_unlock(&s->mu);
}

void storage_set_notify(storage *s, storage_notify_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->mu);
    s->notify = fn;
    s->notify_ctx = ctx;
    pthread_mutex_unlock(&s->mu);
}

void storage_set_min_free(storage *s, uint64_t bytes)
{
    pthread_mutex_lock(&s->mu);
    s->min_free_bytes = bytes;
    pthread_mutex_unlock(&s->mu);
    storage_guard_space(s, true);
}

bool storage_space_low(storage *s, uint64_t *free_bytes)
{
    bool low = storage_guard_space(s, false);
    if (free_bytes) {
        pthread_mutex_lock(&s->mu);
        *free_bytes = s->free_bytes;
        pthread_mutex_unlock(&s->mu);
    }
    return low;
}

bool storage_restored(storage *s)
{
    pthread_mutex_lock(&s->mu);
    bool r = s->restored;
    pthread_mutex_unlock(&s->mu);
    return r;
}

int storage_restored_clear(storage *s)
{
    pthread_mutex_lock(&s->mu);
    bool was = s->restored;
    pthread_mutex_unlock(&s->mu);
    if (!was) return 0;
    char *err = NULL;
    rocksdb_delete_cf(s->db, s->wo_sync, s->cf[CF_META], META_RESTORED, strlen(META_RESTORED),
                      &err);
    if (err) return storage_rocks_error(err, "clear the restored mark");
    pthread_mutex_lock(&s->mu);
    s->restored = false;
    storage_notify_fn fn = s->notify;
    void *ctx = s->notify_ctx;
    pthread_mutex_unlock(&s->mu);
    if (fn) fn(ctx, STORAGE_NOTIFY_RESTORED_CLEARED, 0, 0);
    return 0;
}

int storage_restored_check(storage *s, const uint16_t *peers, size_t npeers)
{
    pthread_mutex_lock(&s->mu);
    bool ready = s->restored;
    uint64_t self = causal_vv_get(&s->vv, s->opts.node_id);
    for (size_t i = 0; i < npeers && ready; i++) {
        if (peers[i] == s->opts.node_id) continue;
        uint64_t f = causal_vv_get(&s->fresh_self, peers[i]);
        if (f == 0 || f - 1 > self) ready = false;
    }
    bool restored = s->restored;
    pthread_mutex_unlock(&s->mu);
    if (!restored) return 1;
    if (!ready) return 0;
    int rc = storage_restored_clear(s);
    return rc < 0 ? rc : 1;
}

int storage_guard_mark_restored(storage *s)
{
    char *err = NULL;
    rocksdb_put_cf(s->db, s->wo_sync, s->cf[CF_META], META_RESTORED, strlen(META_RESTORED), "1",
                   1, &err);
    if (err) return storage_rocks_error(err, "write the restored mark");
    pthread_mutex_lock(&s->mu);
    s->restored = true;
    pthread_mutex_unlock(&s->mu);
    return 0;
}
