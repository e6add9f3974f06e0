/*
 * storage/storage.c — opening and closing the store, node identity, error translation,
 * metadata (vv, peers), snapshots and point reads, backup and restore.
 *
 * Entry points: storage_open, storage_close, storage_strerror, storage_errmsg,
 * storage_vv, storage_durable_seq, storage_peer_put_acked, storage_peer_get_acked,
 * storage_stable_vv, storage_snapshot_new/del, storage_get, storage_catalog_get,
 * storage_backup, storage_restore.
 */
#include "storage/storage_int.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *const cf_names[CF_COUNT] = {"default", "rows", "log", "catalog", "meta", "index"};
static const char META_NODE_ID[] = "node.id";
static const char META_NODE_NAME[] = "node.name";
static const char META_VV[] = "vv";

static _Thread_local char errmsg_buf[512];

const char *storage_errmsg(void)
{
    return errmsg_buf;
}

const char *storage_strerror(int err)
{
    switch (err) {
    case STORAGE_OK: return "ok";
    case STORAGE_ENOMEM: return "out of memory";
    case STORAGE_EINVAL: return "invalid argument";
    case STORAGE_EIO: return "I/O error";
    case STORAGE_ENOSPC: return "disk full or write refused";
    case STORAGE_EREADONLY:
        return "read-only: restored in place from a backup, waiting for the peers to return "
               "this region's own entries";
    case STORAGE_ECORRUPT: return "data corrupt";
    case STORAGE_EUNIQUE: return "duplicate key in a unique index";
    case STORAGE_ETOOBIG: return "transaction too large to replicate";
    case STORAGE_ELOCKED: return "data directory locked";
    case STORAGE_EIDENTITY: return "node identity mismatch";
    case STORAGE_ENOTFOUND: return "not found";
    case STORAGE_EDEPS: return "dependencies not applied yet";
    case STORAGE_ETRUNCATED: return "log truncated";
    case STORAGE_EMERGE: return "merge failed";
    case STORAGE_ECLOSED: return "store closed or failed";
    case STORAGE_EBADENTRY: return "malformed log entry";
    case STORAGE_EEXIST: return "target exists";
    default: return "unknown storage error";
    }
}

int storage_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg_buf, sizeof(errmsg_buf), fmt, ap);
    va_end(ap);
    return code;
}

int storage_crdt_error(int crdt_rc)
{
    switch (crdt_rc) {
    case CRDT_ENOMEM: return storage_fail(STORAGE_ENOMEM, "out of memory");
    case CRDT_EBADENC: return storage_fail(STORAGE_ECORRUPT, "malformed stored encoding");
    default: return storage_fail(STORAGE_EINVAL, "%s", codec_strerror(crdt_rc));
    }
}

/* RocksDB reports errors as Status::ToString() text; the prefix names the status code
 * and the errno text survives inside IOError messages. */
int storage_rocks_error(char *err, const char *what)
{
    int code = STORAGE_EIO;
    const char *e = err ? err : "unknown RocksDB error";
    if (strstr(e, "No space left") || strstr(e, "Disk quota") || strstr(e, "NoSpace")) {
        code = STORAGE_ENOSPC;
    } else if (strstr(e, "lock file") || strstr(e, "lock hold by current process") ||
               strstr(e, "LOCK: Resource temporarily unavailable")) {
        code = STORAGE_ELOCKED;
    } else if (strncmp(e, "Corruption", 10) == 0 || strstr(e, "orrupt")) {
        code = STORAGE_ECORRUPT;
    } else if (strncmp(e, "Invalid argument", 16) == 0) {
        code = STORAGE_EINVAL;
    } else if (strncmp(e, "Operation aborted", 17) == 0 || strstr(e, "read only")) {
        code = STORAGE_ENOSPC; /* the DB stopped writes after a background error */
    }
    storage_fail(code, "%s: %s", what, e);
    rocksdb_free(err);
    return code;
}

void storage_opts_init(storage_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->sync = STORAGE_SYNC_ALWAYS;
    o->sync_interval_ms = 10;
    o->block_cache_bytes = 128u << 20;
    o->row_cache_bytes = 64u << 20;
}

uint16_t storage_node_id(const storage *s)
{
    return s->opts.node_id;
}

const char *storage_node_name(const storage *s)
{
    return s->node_name;
}

static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(tmp)) return -1;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
    return 0;
}

/* RocksDB holds an fcntl write lock on <dir>/LOCK; F_GETLK names the holder. */
static long lock_holder_pid(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/LOCK", dir);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    long pid = 0;
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) pid = fl.l_pid;
    close(fd);
    return pid;
}

static int open_error(storage *s, char *err)
{
    int code = storage_rocks_error(err, "open");
    char detail[sizeof(errmsg_buf)];
    snprintf(detail, sizeof(detail), "%s", errmsg_buf);
    switch (code) {
    case STORAGE_ELOCKED: {
        long pid = lock_holder_pid(s->data_dir);
        if (strstr(detail, "current process")) pid = (long)getpid();
        if (pid > 0) {
            return storage_fail(code, "data directory %s is locked by another heliosdb process "
                                      "(pid %ld)", s->data_dir, pid);
        }
        return storage_fail(code, "data directory %s is locked by another heliosdb process "
                                  "(%s)", s->data_dir, detail);
    }
    case STORAGE_ECORRUPT:
        return storage_fail(code, "data directory %s is corrupt (%s); restore it from a backup "
                                  "or a peer snapshot", s->data_dir, detail);
    case STORAGE_ENOSPC:
        return storage_fail(code, "data directory %s: disk full (%s)", s->data_dir, detail);
    default:
        return storage_fail(code, "cannot open data directory %s (%s)", s->data_dir, detail);
    }
}

static void build_options(storage *s, int compression, int bottom_compression)
{
    rocksdb_options_t *o = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(o, 1);
    rocksdb_options_set_create_missing_column_families(o, 1);
    rocksdb_options_set_info_log_level(o, 2); /* warn */
    rocksdb_options_set_keep_log_file_num(o, 4);
    rocksdb_options_set_max_total_wal_size(o, 256u << 20);
    rocksdb_options_increase_parallelism(o, 2);
    rocksdb_options_set_compression(o, compression);
    rocksdb_options_set_bottommost_compression(o, bottom_compression);
    s->dbopts = o;

    s->cache = rocksdb_cache_create_lru(s->opts.block_cache_bytes);
    s->bbto = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_block_cache(s->bbto, s->cache);
    /* Row keys are read by point lookups (merge reads the old state): a bloom filter
     * saves the disk read for new rows. */
    rocksdb_block_based_options_set_filter_policy(s->bbto,
                                                  rocksdb_filterpolicy_create_bloom_full(10));
    rocksdb_block_based_options_set_cache_index_and_filter_blocks(s->bbto, 1);

    for (int i = 0; i < CF_COUNT; i++) {
        rocksdb_options_t *c = rocksdb_options_create_copy(o);
        if (i == CF_ROWS) {
            /* Every commit reads each row it merges, mostly still in the memtable: a
             * whole-key bloom (10% of the write buffer) answers absent keys without the
             * skiplist walk. Memory only; measured in bench/storage (report of issue #10). */
            rocksdb_options_set_memtable_whole_key_filtering(c, 1);
            rocksdb_options_set_memtable_prefix_bloom_size_ratio(c, 0.1);
            rocksdb_options_set_block_based_table_factory(c, s->bbto);
            if (s->opts.gc) {
                s->gc_factory = storage_gc_factory(s);
                rocksdb_options_set_compaction_filter_factory(c, s->gc_factory);
            }
        }
        s->cfopts[i] = c;
    }
}

static void free_options(storage *s)
{
    for (int i = 0; i < CF_COUNT; i++) {
        if (s->cfopts[i]) rocksdb_options_destroy(s->cfopts[i]);
        s->cfopts[i] = NULL;
    }
    /* The factory is owned by the options that hold it (destroyed with them). */
    s->gc_factory = NULL;
    if (s->bbto) rocksdb_block_based_options_destroy(s->bbto);
    if (s->cache) rocksdb_cache_destroy(s->cache);
    if (s->dbopts) rocksdb_options_destroy(s->dbopts);
    s->bbto = NULL;
    s->cache = NULL;
    s->dbopts = NULL;
}

/* Opens with the preferred compressions, falling back when this RocksDB build lacks one
 * (Debian's is built with snappy, lz4, zstd, zlib, bz2; other builds may not be). */
static int open_db(storage *s)
{
    static const int choices[][2] = {
        {rocksdb_lz4_compression, rocksdb_zstd_compression},
        {rocksdb_snappy_compression, rocksdb_snappy_compression},
        {rocksdb_no_compression, rocksdb_no_compression},
    };
    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        build_options(s, choices[i][0], choices[i][1]);
        char *err = NULL;
        s->db = rocksdb_open_column_families(s->dbopts, s->data_dir, CF_COUNT, cf_names,
                                             (const rocksdb_options_t *const *)s->cfopts,
                                             s->cf, &err);
        if (!err) return 0;
        bool compression_missing = strstr(err, "ompression") != NULL &&
                                   strncmp(err, "Invalid argument", 16) == 0;
        free_options(s);
        if (!compression_missing) return open_error(s, err);
        rocksdb_free(err);
    }
    return storage_fail(STORAGE_EIO, "no usable compression in this RocksDB build");
}

static int meta_get(storage *s, const char *key, char **val, size_t *len)
{
    char *err = NULL;
    *val = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], key, strlen(key), len, &err);
    if (err) return storage_rocks_error(err, "read metadata");
    return *val ? 0 : STORAGE_ENOTFOUND;
}

static int check_identity(storage *s)
{
    char *id = NULL, *name = NULL;
    size_t idlen = 0, namelen = 0;
    int rc = meta_get(s, META_NODE_ID, &id, &idlen);
    if (rc < 0 && rc != STORAGE_ENOTFOUND) return rc;
    if (rc == STORAGE_ENOTFOUND) {
        uint8_t idb[2] = {(uint8_t)(s->opts.node_id >> 8), (uint8_t)s->opts.node_id};
        rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
        rocksdb_writebatch_put_cf(wb, s->cf[CF_META], META_NODE_ID, strlen(META_NODE_ID),
                                  (const char *)idb, 2);
        rocksdb_writebatch_put_cf(wb, s->cf[CF_META], META_NODE_NAME, strlen(META_NODE_NAME),
                                  s->node_name, strlen(s->node_name));
        char *err = NULL;
        rocksdb_write(s->db, s->wo_sync, wb, &err);
        rocksdb_writebatch_destroy(wb);
        return err ? storage_rocks_error(err, "write node identity") : 0;
    }
    rc = meta_get(s, META_NODE_NAME, &name, &namelen);
    if (rc < 0 || idlen != 2) {
        rocksdb_free(id);
        rocksdb_free(name);
        return storage_fail(STORAGE_ECORRUPT, "data directory %s: node identity unreadable",
                            s->data_dir);
    }
    uint16_t stored_id = (uint16_t)((uint8_t)id[0] << 8 | (uint8_t)id[1]);
    bool same = stored_id == s->opts.node_id && namelen == strlen(s->node_name) &&
                memcmp(name, s->node_name, namelen) == 0;
    if (!same) {
        storage_fail(STORAGE_EIDENTITY,
                     "data directory %s belongs to node '%.*s' (id %u), not to node '%s' "
                     "(id %u): check node.id/node.name or data_dir in the config",
                     s->data_dir, (int)(namelen > 100 ? 100 : namelen), name, stored_id,
                     s->node_name, s->opts.node_id);
    }
    rocksdb_free(id);
    rocksdb_free(name);
    return same ? 0 : STORAGE_EIDENTITY;
}

static int load_vv(storage *s)
{
    char *val = NULL;
    size_t len = 0;
    int rc = meta_get(s, META_VV, &val, &len);
    if (rc == STORAGE_ENOTFOUND) return 0;
    if (rc < 0) return rc;
    codec_rd r;
    codec_rd_init(&r, val, len);
    rc = causal_vv_decode(&r, &s->vv);
    if (rc == 0 && codec_rd_left(&r) != 0) rc = CRDT_EBADENC;
    rocksdb_free(val);
    if (rc < 0) {
        return storage_fail(STORAGE_ECORRUPT, "data directory %s: version vector unreadable",
                            s->data_dir);
    }
    return 0;
}

int storage_put_vv(rocksdb_writebatch_wi_t *wb, storage *s, const causal_vv *vv)
{
    codec_buf b;
    codec_buf_init(&b);
    int rc = causal_vv_encode(&b, vv);
    if (rc == 0) {
        rocksdb_writebatch_wi_put_cf(wb, s->cf[CF_META], META_VV, strlen(META_VV),
                                     (const char *)b.data, b.len);
    }
    codec_buf_free(&b);
    return rc < 0 ? storage_crdt_error(rc) : 0;
}

int storage_open(const storage_opts *o, storage **out)
{
    *out = NULL;
    if (!o->data_dir || !*o->data_dir || o->node_id == 0 || !o->node_name || !*o->node_name ||
        !o->merge || o->sync_interval_ms < 0) {
        return storage_fail(STORAGE_EINVAL, "storage_open: data_dir, node id/name and merge "
                                            "callback are required");
    }
    storage *s = calloc(1, sizeof(*s));
    if (!s) return storage_fail(STORAGE_ENOMEM, "out of memory");
    s->opts = *o;
    if (s->opts.sync_interval_ms == 0) s->opts.sync_interval_ms = 10;
    if (s->opts.block_cache_bytes == 0) s->opts.block_cache_bytes = 128u << 20;
    s->import_batch_bytes = s->opts.import_batch_bytes;
    if (s->import_batch_bytes == 0) {
        /* test knob: small batches make a multi-batch apply of a small snapshot */
        const char *knob = getenv("HELIOS_TEST_IMPORT_BATCH_BYTES");
        long long v = knob ? atoll(knob) : 0;
        s->import_batch_bytes = v > 0 ? (size_t)v : (size_t)4 << 20;
    }
    /* test knob: slow index builds down so a test can kill the process in the middle of one */
    const char *ixd = getenv("HELIOS_TEST_INDEX_BUILD_DELAY_MS");
    s->ix_delay_ms = ixd ? atoi(ixd) : 0;
    causal_vv_init(&s->vv);
    causal_vv_init(&s->log_oldest);
    causal_vv_init(&s->stable);
    causal_vv_init(&s->fresh_self);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->trunc_mu, NULL);
    pthread_mutex_init(&s->ix_mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    rowcache_init(&s->rowcache, s->opts.row_cache_bytes);
    int rc = STORAGE_ENOMEM;
    s->data_dir = strdup(o->data_dir);
    s->node_name = strdup(o->node_name);
    s->wo = rocksdb_writeoptions_create();
    s->wo_sync = rocksdb_writeoptions_create();
    s->ro = rocksdb_readoptions_create();
    if (!s->data_dir || !s->node_name || !s->wo || !s->wo_sync || !s->ro) {
        storage_fail(rc, "out of memory");
        goto err_close;
    }
    rocksdb_writeoptions_set_sync(s->wo_sync, 1);
    s->opts.data_dir = s->data_dir;
    s->opts.node_name = s->node_name;
    if (mkdir_p(s->data_dir) != 0) {
        rc = storage_fail(errno == ENOSPC ? STORAGE_ENOSPC : STORAGE_EIO,
                          "cannot create data directory %s: %s", s->data_dir, strerror(errno));
        goto err_close;
    }
    rc = open_db(s);
    if (rc < 0) goto err_close;
    rc = check_identity(s);
    if (rc < 0) goto err_close;
    rc = load_vv(s);
    if (rc < 0) goto err_close;
    rc = storage_guard_load(s);
    if (rc < 0) goto err_close;
    /* Whatever survived the last crash is in the WAL, maybe only in the page cache: sync it
     * before it counts as durable. */
    char *err = NULL;
    rocksdb_flush_wal(s->db, 1, &err);
    if (err) {
        rc = storage_rocks_error(err, "sync WAL");
        goto err_close;
    }
    uint64_t self = causal_vv_get(&s->vv, o->node_id);
    s->written_seq = s->durable_seq = self;
    s->reserved_next = self + 1;
    rc = storage_log_load(s);
    if (rc < 0) goto err_close;
    rc = storage_index_load(s);
    if (rc < 0) goto err_close;
    rc = storage_import_recover(s);
    if (rc < 0) goto err_close;
    rc = storage_commit_start(s);
    if (rc < 0) goto err_close;
    *out = s;
    return 0;

err_close:
    storage_close(s);
    return rc;
}

void storage_close(storage *s)
{
    if (!s) return;
    if (s->writer_started) storage_commit_stop(s);
    while (s->pins) storage_log_pin_del(s, s->pins); /* a caller's leak, not the log's */
    if (s->db) {
        /* After a failed write RocksDB asserts on a WAL sync (Debian builds keep asserts). */
        if (!s->failed) {
            char *err = NULL;
            rocksdb_flush_wal(s->db, 1, &err);
            rocksdb_free(err);
        }
        for (int i = 0; i < CF_COUNT; i++) {
            if (s->cf[i]) rocksdb_column_family_handle_destroy(s->cf[i]);
        }
        rocksdb_close(s->db);
    }
    free_options(s);
    if (s->wo) rocksdb_writeoptions_destroy(s->wo);
    if (s->wo_sync) rocksdb_writeoptions_destroy(s->wo_sync);
    if (s->ro) rocksdb_readoptions_destroy(s->ro);
    causal_vv_free(&s->vv);
    causal_vv_free(&s->log_oldest);
    causal_vv_free(&s->stable);
    causal_vv_free(&s->fresh_self);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->trunc_mu);
    pthread_mutex_destroy(&s->ix_mu);
    pthread_cond_destroy(&s->cv);
    storage_index_free(s);
    rowcache_free(&s->rowcache);
    free(s->data_dir);
    free(s->node_name);
    free(s);
}

int storage_vv(storage *s, causal_vv *out)
{
    pthread_mutex_lock(&s->mu);
    int rc = causal_vv_copy(out, &s->vv);
    pthread_mutex_unlock(&s->mu);
    return rc < 0 ? storage_crdt_error(rc) : 0;
}

uint64_t storage_durable_seq(storage *s)
{
    pthread_mutex_lock(&s->mu);
    uint64_t d = s->durable_seq;
    pthread_mutex_unlock(&s->mu);
    return d;
}

void storage_get_stats(storage *s, storage_stats *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
    rowcache_stats(&s->rowcache, &out->row_cache_hits, &out->row_cache_misses,
                   &out->row_cache_bytes);
}

/* ---- peers ---- */

static void peer_key(char out[7], uint16_t peer)
{
    memcpy(out, "peer.", 5);
    out[5] = (char)(peer >> 8);
    out[6] = (char)(peer & 0xff);
}

static int local_key(char *out, size_t cap, const char *key)
{
    int n = snprintf(out, cap, "local.%s", key);
    return n > 0 && (size_t)n < cap ? n : -1;
}

int storage_local_put(storage *s, const char *key, const uint8_t *val, size_t len, bool sync)
{
    char k[128];
    int kl = local_key(k, sizeof k, key);
    if (kl < 0) return storage_fail(STORAGE_EINVAL, "local key too long");
    if (storage_guard_space(s, false)) return storage_fail(STORAGE_ENOSPC, "disk full");
    char *err = NULL;
    rocksdb_put_cf(s->db, sync ? s->wo_sync : s->wo, s->cf[CF_META], k, (size_t)kl,
                   (const char *)val, len, &err);
    return err ? storage_rocks_error(err, "store local state") : 0;
}

int storage_local_get(storage *s, const char *key, uint8_t **val, size_t *len)
{
    char k[128];
    int kl = local_key(k, sizeof k, key);
    if (kl < 0) return storage_fail(STORAGE_EINVAL, "local key too long");
    char *err = NULL;
    char *v = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], k, (size_t)kl, len, &err);
    if (err) return storage_rocks_error(err, "read local state");
    if (!v) return storage_fail(STORAGE_ENOTFOUND, "no local state %s", key);
    *val = malloc(*len ? *len : 1);
    if (!*val) {
        rocksdb_free(v);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    memcpy(*val, v, *len);
    rocksdb_free(v);
    return 0;
}

int storage_peer_put_acked(storage *s, uint16_t peer, const causal_vv *acked)
{
    storage_guard_fresh_ack(s, peer, acked);
    /* Soft state (below): not worth eating into the free-space reserve. */
    if (storage_guard_space(s, false)) return 0;
    char key[7];
    peer_key(key, peer);
    codec_buf b;
    codec_buf_init(&b);
    int rc = causal_vv_encode(&b, acked);
    if (rc < 0) {
        codec_buf_free(&b);
        return storage_crdt_error(rc);
    }
    char *err = NULL;
    /* Soft state: a lost ack only means re-sending entries the peer already has. */
    rocksdb_put_cf(s->db, s->wo, s->cf[CF_META], key, sizeof(key), (const char *)b.data, b.len,
                   &err);
    codec_buf_free(&b);
    return err ? storage_rocks_error(err, "store peer ack") : 0;
}

int storage_peer_get_acked(storage *s, uint16_t peer, causal_vv *out)
{
    char key[7];
    peer_key(key, peer);
    char *err = NULL;
    size_t len = 0;
    char *val = rocksdb_get_cf(s->db, s->ro, s->cf[CF_META], key, sizeof(key), &len, &err);
    if (err) return storage_rocks_error(err, "read peer ack");
    if (!val) return storage_fail(STORAGE_ENOTFOUND, "no ack stored for peer %u", peer);
    codec_rd r;
    codec_rd_init(&r, val, len);
    causal_vv_free(out);
    int rc = causal_vv_decode(&r, out);
    rocksdb_free(val);
    return rc < 0 ? storage_crdt_error(rc) : 0;
}

int storage_stable_vv(storage *s, const uint16_t *peers, size_t npeers, causal_vv *out)
{
    int rc = storage_vv(s, out);
    if (rc < 0) return rc;
    causal_vv acked;
    causal_vv_init(&acked);
    for (size_t i = 0; i < npeers && rc == 0; i++) {
        rc = storage_peer_get_acked(s, peers[i], &acked);
        if (rc == STORAGE_ENOTFOUND) {
            causal_vv_free(&acked); /* missing = nothing acked: meet with empty */
            rc = 0;
        }
        if (rc == 0) {
            int crc = causal_vv_meet(out, &acked);
            if (crc < 0) rc = storage_crdt_error(crc);
        }
    }
    causal_vv_free(&acked);
    return rc;
}

int storage_set_stable_vv(storage *s, const causal_vv *stable)
{
    pthread_mutex_lock(&s->mu);
    int rc = causal_vv_copy(&s->stable, stable);
    pthread_mutex_unlock(&s->mu);
    return rc < 0 ? storage_crdt_error(rc) : 0;
}

/* ---- snapshots and point reads ---- */

storage_snapshot *storage_snapshot_new(storage *s)
{
    storage_snapshot *sn = malloc(sizeof(*sn));
    if (!sn) return NULL;
    /* during a snapshot apply, "now" is the fence: the apply is not visible yet */
    sn->fence = storage_fence_get(s);
    /* read before the snapshot is taken: at or below its sequence number */
    sn->seq = sn->fence ? 0 : rocksdb_get_latest_sequence_number(s->db);
    sn->snap = sn->fence ? sn->fence->snap : rocksdb_create_snapshot(s->db);
    return sn;
}

void storage_snapshot_del(storage *s, storage_snapshot *snap)
{
    if (!snap) return;
    if (snap->fence)
        storage_fence_put(s, snap->fence);
    else
        rocksdb_release_snapshot(s->db, snap->snap);
    free(snap);
}

static int get_cf(storage *s, const storage_snapshot *snap, int cf, const char *key,
                  size_t klen, uint8_t **val, size_t *vlen)
{
    rocksdb_readoptions_t *ro = s->ro;
    rocksdb_readoptions_t *own = NULL;
    storage_fence *fence = snap ? NULL : storage_fence_get(s);
    if (snap || fence) {
        own = rocksdb_readoptions_create();
        rocksdb_readoptions_set_snapshot(own, snap ? snap->snap : fence->snap);
        ro = own;
    }
    char *err = NULL;
    size_t len = 0;
    char *v = rocksdb_get_cf(s->db, ro, s->cf[cf], key, klen, &len, &err);
    if (own) rocksdb_readoptions_destroy(own);
    if (fence) storage_fence_put(s, fence);
    if (err) return storage_rocks_error(err, "read");
    if (!v) return STORAGE_ENOTFOUND;
    /* Callers free with free(): copy out of RocksDB's allocation. */
    *val = malloc(len ? len : 1);
    if (!*val) {
        rocksdb_free(v);
        return storage_fail(STORAGE_ENOMEM, "out of memory");
    }
    memcpy(*val, v, len);
    *vlen = len;
    rocksdb_free(v);
    return 0;
}

int storage_get(storage *s, const storage_snapshot *snap, uint32_t table_id, const uint8_t *pk,
                size_t pklen, uint8_t **val, size_t *vlen)
{
    codec_buf k;
    codec_buf_init(&k);
    int rc = keycodec_row_key(&k, table_id, pk, pklen);
    if (rc < 0) {
        codec_buf_free(&k);
        return storage_crdt_error(rc);
    }
    if (rowcache_get(&s->rowcache, k.data, k.len, snap ? snap->seq : ROWCACHE_LATEST, val, vlen)) {
        codec_buf_free(&k);
        return 0;
    }
    rc = get_cf(s, snap, CF_ROWS, (const char *)k.data, k.len, val, vlen);
    codec_buf_free(&k);
    return rc;
}

int storage_multi_get(storage *s, const storage_snapshot *snap, uint32_t table_id,
                      const uint8_t *const *pks, const size_t *pklens, size_t n, uint8_t **vals,
                      size_t *vlens)
{
    for (size_t i = 0; i < n; i++) vals[i] = NULL;
    if (!n) return 0;
    char **keys = calloc(n, sizeof *keys), **v = calloc(n, sizeof *v), **errs = calloc(n, sizeof *errs);
    size_t *klens = calloc(n, sizeof *klens);
    const rocksdb_column_family_handle_t **cfs = calloc(n, sizeof *cfs);
    int rc = keys && v && errs && klens && cfs ? 0 : storage_fail(STORAGE_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!(keys[i] = malloc(KEYCODEC_TABLE_BYTES + pklens[i]))) {
            rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            break;
        }
        keys[i][0] = (char)(table_id >> 24), keys[i][1] = (char)(table_id >> 16);
        keys[i][2] = (char)(table_id >> 8), keys[i][3] = (char)table_id;
        memcpy(keys[i] + KEYCODEC_TABLE_BYTES, pks[i], pklens[i]);
        klens[i] = KEYCODEC_TABLE_BYTES + pklens[i];
        cfs[i] = s->cf[CF_ROWS];
    }
    /* Rows the row cache holds are not asked of RocksDB: the others move to the front
     * (miss[j] = i: their places). */
    size_t *miss = rc == 0 ? calloc(n, sizeof *miss) : NULL;
    size_t nmiss = 0;
    if (rc == 0 && !miss) rc = storage_fail(STORAGE_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (rowcache_get(&s->rowcache, (const uint8_t *)keys[i], klens[i],
                         snap ? snap->seq : ROWCACHE_LATEST, &vals[i], &vlens[i]))
            continue;
        if (nmiss != i) {
            char *kt = keys[nmiss];
            keys[nmiss] = keys[i];
            keys[i] = kt;
            size_t lt = klens[nmiss];
            klens[nmiss] = klens[i];
            klens[i] = lt;
        }
        miss[nmiss++] = i;
    }
    if (rc == 0 && nmiss) {
        rocksdb_readoptions_t *ro = s->ro, *own = NULL;
        storage_fence *fence = snap ? NULL : storage_fence_get(s);
        if (snap || fence) {
            own = rocksdb_readoptions_create();
            rocksdb_readoptions_set_snapshot(own, snap ? snap->snap : fence->snap);
            ro = own;
        }
        size_t *mlens = calloc(nmiss, sizeof *mlens);
        if (!mlens) rc = storage_fail(STORAGE_ENOMEM, "out of memory");
        else
            rocksdb_multi_get_cf(s->db, ro, cfs, nmiss, (const char *const *)keys, klens, v, mlens,
                                 errs);
        if (own) rocksdb_readoptions_destroy(own);
        if (fence) storage_fence_put(s, fence);
        for (size_t j = 0; mlens && j < nmiss; j++) {
            if (errs[j] && rc == 0) rc = storage_rocks_error(errs[j], "read");
            else if (errs[j]) rocksdb_free(errs[j]);
            if (!v[j] || rc) continue;
            /* callers free with free(): copy out of RocksDB's allocation */
            size_t i = miss[j];
            vlens[i] = mlens[j];
            if (!(vals[i] = malloc(mlens[j] ? mlens[j] : 1))) rc = storage_fail(STORAGE_ENOMEM, "out of memory");
            else memcpy(vals[i], v[j], mlens[j]);
        }
        for (size_t j = 0; j < nmiss; j++) rocksdb_free(v[j]);
        free(mlens);
    }
    free(miss);
    if (rc)
        for (size_t i = 0; i < n; i++) {
            free(vals[i]);
            vals[i] = NULL;
        }
    for (size_t i = 0; keys && i < n; i++) free(keys[i]);
    free(keys);
    free(v);
    free(errs);
    free(klens);
    free(cfs);
    return rc;
}

int storage_catalog_get(storage *s, const uint8_t *key, size_t klen, uint8_t **val,
                        size_t *vlen)
{
    return get_cf(s, NULL, CF_CATALOG, (const char *)key, klen, val, vlen);
}

/* ---- backup and restore ---- */

/* The bytes of the regular files under path (a few levels deep). */
static uint64_t tree_bytes(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    uint64_t sum = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char p[4096];
        if (snprintf(p, sizeof p, "%s/%s", path, de->d_name) >= (int)sizeof p) continue;
        struct stat st;
        if (lstat(p, &st)) continue;
        if (S_ISREG(st.st_mode)) sum += (uint64_t)st.st_size;
        else if (S_ISDIR(st.st_mode) && depth > 0) sum += tree_bytes(p, depth - 1);
    }
    closedir(d);
    return sum;
}

/* The free-space reserve holds for backups too: the checkpoint's memtable flush writes into
 * the data directory, so it is refused while the data directory is below the reserve; into
 * another filesystem RocksDB copies every live file (on the same one it only hard-links
 * them), so that filesystem must hold about the data directory's size and keep the reserve. */
static int backup_space_check(storage *s, const char *dir)
{
    if (storage_guard_space(s, true)) {
        storage_guard_enospc(s);
        char why[512];
        snprintf(why, sizeof why, "%s", storage_errmsg());
        return storage_fail(STORAGE_ENOSPC, "backup refused: %s", why);
    }
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (!slash) return 0;
    if (slash == parent) slash[1] = 0;
    else *slash = 0;
    struct stat pst, dst;
    struct statvfs sv;
    if (stat(parent, &pst) || stat(s->data_dir, &dst) || statvfs(parent, &sv)) return 0; /* RocksDB reports it */
    if (pst.st_dev == dst.st_dev) return 0;
    pthread_mutex_lock(&s->mu);
    uint64_t min = s->min_free_bytes;
    pthread_mutex_unlock(&s->mu);
    uint64_t need = tree_bytes(s->data_dir, 3), avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
    if (avail >= need + min) return 0;
    return storage_fail(STORAGE_ENOSPC,
                        "backup refused: it needs about %llu MiB on the filesystem of %s, which has "
                        "%llu MiB free (keeping the reserve storage.min_free_mb = %llu)",
                        (unsigned long long)((need + (1 << 20) - 1) >> 20), parent,
                        (unsigned long long)(avail >> 20), (unsigned long long)(min >> 20));
}

int storage_backup(storage *s, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0) return storage_fail(STORAGE_EEXIST, "backup target %s exists", dir);
    int sc = backup_space_check(s, dir);
    if (sc) return sc;
    char *err = NULL;
    rocksdb_checkpoint_t *cp = rocksdb_checkpoint_object_create(s->db, &err);
    if (err) return storage_rocks_error(err, "create checkpoint");
    /* log_size_for_flush 0: flush memtables so the checkpoint needs no WAL replay. */
    rocksdb_checkpoint_create(cp, dir, 0, &err);
    rocksdb_checkpoint_object_destroy(cp);
    if (err) return storage_rocks_error(err, "create checkpoint");
    /* RocksDB creates the folder under the process umask; a backup holds every row and the
     * node's identity, so only the owner may enter it (the files are hard links to the data
     * directory's, which is 0700 too). */
    if (chmod(dir, 0700))
        return storage_fail(STORAGE_EIO, "backup %s: chmod 0700: %s", dir, strerror(errno));
    return 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int outfd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (outfd < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(outfd, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR) continue;
                rc = -1;
                break;
            }
            off += w;
        }
        if (rc < 0) break;
    }
    if (n < 0) rc = -1;
    if (rc == 0 && fsync(outfd) != 0) rc = -1;
    int saved = errno;
    close(in);
    close(outfd);
    errno = saved;
    return rc;
}

static int noop_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                      size_t dlen, uint8_t **out, size_t *outlen)
{
    return -1; /* restore only opens and checks identity: nothing is merged */
}

int storage_restore(const char *backup_dir, const char *data_dir, uint16_t node_id,
                    const char *node_name, bool reassign)
{
    if (!node_name || node_id == 0) return storage_fail(STORAGE_EINVAL, "restore: node identity required");
    DIR *d = opendir(data_dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                closedir(d);
                return storage_fail(STORAGE_EEXIST, "restore target %s is not empty", data_dir);
            }
        }
        closedir(d);
    } else if (mkdir_p(data_dir) != 0) {
        return storage_fail(STORAGE_EIO, "cannot create %s: %s", data_dir, strerror(errno));
    }
    DIR *src = opendir(backup_dir);
    if (!src) return storage_fail(STORAGE_EIO, "cannot read backup %s: %s", backup_dir, strerror(errno));
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(src))) {
        if (de->d_name[0] == '.') continue;
        char from[4096], to[4096];
        snprintf(from, sizeof(from), "%s/%s", backup_dir, de->d_name);
        snprintf(to, sizeof(to), "%s/%s", data_dir, de->d_name);
        if (copy_file(from, to) != 0) {
            rc = storage_fail(errno == ENOSPC ? STORAGE_ENOSPC : STORAGE_EIO,
                              "restore: cannot copy %s to %s: %s", from, to, strerror(errno));
            break;
        }
    }
    closedir(src);
    if (rc < 0) return rc;

    if (reassign) {
        /* Open under the checkpoint's own identity is not needed: rewrite the keys
         * directly, then the verification open below checks them. */
        rocksdb_options_t *o = rocksdb_options_create();
        rocksdb_options_set_create_missing_column_families(o, 1); /* a backup from before a CF */
        const rocksdb_options_t *co[CF_COUNT];
        rocksdb_column_family_handle_t *cf[CF_COUNT];
        for (int i = 0; i < CF_COUNT; i++) co[i] = o;
        char *err = NULL;
        rocksdb_t *db = rocksdb_open_column_families(o, data_dir, CF_COUNT, cf_names, co, cf, &err);
        if (err) {
            rocksdb_options_destroy(o);
            return storage_rocks_error(err, "restore: open checkpoint");
        }
        uint8_t idb[2] = {(uint8_t)(node_id >> 8), (uint8_t)node_id};
        rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
        rocksdb_writebatch_put_cf(wb, cf[CF_META], META_NODE_ID, strlen(META_NODE_ID),
                                  (const char *)idb, 2);
        rocksdb_writebatch_put_cf(wb, cf[CF_META], META_NODE_NAME, strlen(META_NODE_NAME),
                                  node_name, strlen(node_name));
        rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
        rocksdb_writeoptions_set_sync(wo, 1);
        rocksdb_write(db, wo, wb, &err);
        rocksdb_writeoptions_destroy(wo);
        rocksdb_writebatch_destroy(wb);
        for (int i = 0; i < CF_COUNT; i++) rocksdb_column_family_handle_destroy(cf[i]);
        rocksdb_close(db);
        rocksdb_options_destroy(o);
        if (err) return storage_rocks_error(err, "restore: write identity");
    }

    storage_opts so;
    storage_opts_init(&so);
    so.data_dir = data_dir;
    so.node_id = node_id;
    so.node_name = node_name;
    so.merge = noop_merge;
    so.block_cache_bytes = 8u << 20;
    storage *s = NULL;
    rc = storage_open(&so, &s);
    /* The peers may hold entries of our own origin newer than the backup: no local commit
     * until they are back (see "Write guards" in storage.h). */
    if (rc == 0 && !reassign) rc = storage_guard_mark_restored(s);
    storage_close(s);
    return rc;
}
