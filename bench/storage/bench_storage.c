/* bench/storage/bench_storage.c — commit throughput and latency of the storage engine.
 *
 * For 1, 8 and 32 concurrent committers (threads calling the blocking storage_commit, as
 * sessions would through the async API) and sync=always vs off, runs for
 * BENCH_SECONDS (default 2) each on a fresh data directory under TMPDIR (default /tmp) and
 * prints a Markdown table: commits/s, p50/p99 commit latency, and how many commits shared
 * one WAL sync on average (group commit). Each commit merges one 8-byte delta into one row
 * (a toy max-u64 CRDT) and writes its log entry and version vector. */
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/storage.h"

static int max_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    *out = malloc(dlen);
    if (!*out) return -1;
    memcpy(*out, delta, dlen);
    if (old && oldlen == dlen && memcmp(old, delta, dlen) > 0) memcpy(*out, old, dlen);
    *outlen = dlen;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct worker {
    storage *s;
    int id;
    double deadline;
    double *lat;
    size_t n, cap;
    int errors;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    uint64_t i = 0;
    while (now_s() < w->deadline) {
        keycodec_value kv = {.type = KEYCODEC_INT, .u.i = (int64_t)w->id * 100000000 + (int64_t)(i % 10000)};
        codec_buf pk;
        codec_buf_init(&pk);
        keycodec_encode_pk(&pk, &kv, 1);
        uint8_t d[8];
        for (int b = 0; b < 8; b++) d[b] = (uint8_t)(i >> (56 - 8 * b));
        logentry_delta del = {1, pk.data, pk.len, d, 8};
        storage_commit_req req = {.deltas = &del, .ndeltas = 1, .hlc = i};
        double t0 = now_s();
        if (storage_commit(w->s, &req) != 0) w->errors++;
        double dt = now_s() - t0;
        codec_buf_free(&pk);
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4096;
            double *nl = realloc(w->lat, w->cap * sizeof(double));
            if (!nl) break;
            w->lat = nl;
        }
        w->lat[w->n++] = dt;
        i++;
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int run(storage_sync_mode mode, int threads, double seconds)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char base[512], dir[600];
    snprintf(base, sizeof(base), "%s/helios-bench-XXXXXX", tmp);
    if (!mkdtemp(base)) return -1;
    snprintf(dir, sizeof(dir), "%s/data", base);
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = dir;
    o.node_id = 1;
    o.node_name = "bench";
    o.merge = max_merge;
    o.sync = mode;
    storage *s;
    if (storage_open(&o, &s) != 0) {
        fprintf(stderr, "open: %s\n", storage_errmsg());
        return -1;
    }
    worker *w = calloc((size_t)threads, sizeof(*w));
    pthread_t *t = calloc((size_t)threads, sizeof(*t));
    if (!w || !t) return -1;
    double start = now_s();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker){.s = s, .id = i, .deadline = start + seconds};
        pthread_create(&t[i], NULL, run_worker, &w[i]);
    }
    size_t total = 0;
    int errors = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        total += w[i].n;
        errors += w[i].errors;
    }
    double elapsed = now_s() - start;
    double *all = malloc((total ? total : 1) * sizeof(double));
    size_t k = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + k, w[i].lat, w[i].n * sizeof(double));
        k += w[i].n;
        free(w[i].lat);
    }
    qsort(all, total, sizeof(double), cmp_double);
    storage_stats st;
    storage_get_stats(s, &st);
    double p50 = total ? all[total / 2] * 1e3 : 0, p99 = total ? all[total * 99 / 100] * 1e3 : 0;
    char share[32] = "-";
    if (st.syncs) snprintf(share, sizeof(share), "%.1f", (double)st.synced_commits / (double)st.syncs);
    printf("| %-6s | %10d | %12.0f | %8.3f | %8.3f | %13s | %6d |\n",
           mode == STORAGE_SYNC_ALWAYS ? "always" : "off", threads, (double)total / elapsed, p50,
           p99, share, errors);
    fflush(stdout);
    free(all);
    free(w);
    free(t);
    storage_close(s);
    nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    double seconds = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 2.0;
    static const int threads[] = {1, 8, 32};
    printf("## storage commit benchmark (%.1f s per row, %ld CPUs)\n\n", seconds,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("| sync   | committers | commits/s    | p50 ms   | p99 ms   | commits/sync  | errors |\n");
    printf("|--------|------------|--------------|----------|----------|---------------|--------|\n");
    for (int m = 0; m < 2; m++) {
        for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
            if (run(m == 0 ? STORAGE_SYNC_ALWAYS : STORAGE_SYNC_OFF, threads[i], seconds) != 0) return 1;
        }
    }
    return 0;
}
