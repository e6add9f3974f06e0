/* Crash test for storage durability (sync=always, group commit).
 *
 * The binary has two modes. As a test (no environment), it runs STORAGE_CRASH_CYCLES
 * (default 20) cycles: re-exec itself as a child (env STORAGE_CRASH_CHILD=<data dir>) that
 * runs several committer threads, each reserving a seq, committing row <seq> = seq, and
 * writing the seq to a pipe once the commit is acknowledged. The parent waits for a random
 * number of acknowledgements, kills the child with SIGKILL, drains the pipe, reopens the
 * store and checks: every acknowledged seq has its row and its log entry, the log of the
 * local origin is exactly 1..vv[self] with no hole and nothing beyond, and every row's log
 * entry exists (rows and log were written atomically).
 * It prints "# crash: cycles=N acked_checked=M lost=L" and fails if L > 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "storage/storage.h"

#define CHILD_THREADS 6
#define ACK_FD 3

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static int max_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    if (dlen != 8) return -1;
    uint64_t v = get_u64(delta);
    if (old && oldlen == 8 && get_u64(old) > v) v = get_u64(old);
    *out = malloc(8);
    if (!*out) return -1;
    put_u64(*out, v);
    *outlen = 8;
    return 0;
}

static void opts_for(storage_opts *o, const char *dir)
{
    storage_opts_init(o);
    o->data_dir = dir;
    o->node_id = 1;
    o->node_name = "crash";
    o->merge = max_merge;
    o->block_cache_bytes = 4u << 20;
}

static void pk_of(uint8_t pk[9], uint64_t seq)
{
    keycodec_value v = {.type = KEYCODEC_INT, .u.i = (int64_t)seq};
    codec_buf b;
    codec_buf_init(&b);
    keycodec_encode_value(&b, &v);
    memcpy(pk, b.data, 9);
    codec_buf_free(&b);
}

/* ---- child ---- */

static void *committer(void *arg)
{
    storage *s = arg;
    for (;;) {
        uint64_t seq;
        if (storage_next_seq(s, &seq) != 0) _exit(3);
        uint8_t pk[9], d[8];
        pk_of(pk, seq);
        put_u64(d, seq);
        logentry_delta del = {1, pk, 9, d, 8};
        storage_commit_req req = {.seq = seq, .deltas = &del, .ndeltas = 1, .hlc = seq};
        if (storage_commit(s, &req) != 0) _exit(4);
        uint8_t rec[8];
        put_u64(rec, seq);
        if (write(ACK_FD, rec, 8) != 8) _exit(5); /* atomic: 8 <= PIPE_BUF */
    }
    return NULL;
}

static int child_main(const char *dir)
{
    storage_opts o;
    opts_for(&o, dir);
    storage *s;
    if (storage_open(&o, &s) != 0) {
        fprintf(stderr, "child open: %s\n", storage_errmsg());
        return 2;
    }
    pthread_t t[CHILD_THREADS];
    for (int i = 0; i < CHILD_THREADS; i++) pthread_create(&t[i], NULL, committer, s);
    for (int i = 0; i < CHILD_THREADS; i++) pthread_join(t[i], NULL); /* until SIGKILL */
    return 0;
}

/* ---- parent ---- */

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct acks {
    uint64_t *seq;
    size_t n, cap;
} acks;

static void acks_add(acks *a, uint64_t s)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->seq = realloc(a->seq, a->cap * sizeof(*a->seq));
        assert_non_null(a->seq);
    }
    a->seq[a->n++] = s;
}

/* Reads acks until `want` new ones arrived (or the child died); returns how many. */
static size_t read_acks(int fd, acks *a, size_t want, uint8_t *partial, size_t *plen,
                        int timeout_ms)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r <= 0) break;
        uint8_t buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) {
            partial[(*plen)++] = buf[i];
            if (*plen == 8) {
                acks_add(a, get_u64(partial));
                *plen = 0;
                got++;
            }
        }
    }
    return got;
}

static void test_crash_cycles(void **state)
{
    (void)state;
    const char *env = getenv("STORAGE_CRASH_CYCLES");
    int cycles = env ? atoi(env) : 20;
    char base[] = "/tmp/helios-crash-XXXXXX";
    assert_non_null(mkdtemp(base));
    char dir[64];
    snprintf(dir, sizeof(dir), "%s/data", base);
    rng_state = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
    if (rng_state == 0) rng_state = 1;

    acks all = {0};
    uint64_t checked = 0, lost = 0, inconsistent = 0;
    for (int c = 0; c < cycles; c++) {
        int fds[2];
        assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            dup2(fds[1], ACK_FD); /* dup2 clears O_CLOEXEC on the copy */
            setenv("STORAGE_CRASH_CHILD", dir, 1);
            execl("/proc/self/exe", "test_crash", (char *)NULL);
            _exit(127);
        }
        close(fds[1]);
        uint8_t partial[8];
        size_t plen = 0;
        size_t before = all.n;
        /* kill after a random number of acks (1..300): a random moment within the
         * commit stream, reached by waiting on a condition rather than a clock */
        size_t want = 1 + rnd() % 300;
        read_acks(fds[0], &all, want, partial, &plen, 10000);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        read_acks(fds[0], &all, SIZE_MAX, partial, &plen, 0); /* acks written before death */
        close(fds[0]);
        assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        assert_true(all.n > before);

        storage_opts o;
        opts_for(&o, dir);
        storage *s;
        int rc = storage_open(&o, &s);
        if (rc != 0) fprintf(stderr, "reopen: %s\n", storage_errmsg());
        assert_int_equal(rc, 0);
        causal_vv vv;
        causal_vv_init(&vv);
        storage_vv(s, &vv);
        uint64_t top = causal_vv_get(&vv, 1);
        for (size_t i = 0; i < all.n; i++) {
            uint64_t seq = all.seq[i];
            checked++;
            uint8_t pk[9];
            pk_of(pk, seq);
            uint8_t *v = NULL;
            size_t n = 0;
            if (seq > top || storage_get(s, NULL, 1, pk, 9, &v, &n) != 0 || n != 8 ||
                get_u64(v) != seq) {
                lost++;
            }
            free(v);
        }
        /* log of origin 1 is exactly 1..top; each entry's row exists */
        storage_log_iter *li;
        assert_int_equal(storage_log_iter_new(s, 1, 1, &li), 0);
        uint64_t seq, expect = 1;
        const uint8_t *e;
        size_t elen;
        while (storage_log_iter_next(li, &seq, &e, &elen) == 1) {
            if (seq != expect) inconsistent++;
            expect = seq + 1;
        }
        storage_log_iter_del(li);
        if (expect != top + 1) inconsistent++;
        storage_iter *it;
        assert_int_equal(storage_iter_new(s, NULL, 1, NULL, 0, NULL, 0, &it), 0);
        uint64_t rows = 0;
        while (storage_iter_next(it) == 1) rows++;
        storage_iter_del(it);
        if (rows != top) inconsistent++; /* every committed seq wrote exactly one new row */
        causal_vv_free(&vv);
        storage_close(s);
    }
    printf("# crash: cycles=%d acked_checked=%llu distinct_acked=%zu lost=%llu "
           "inconsistent=%llu\n", cycles, (unsigned long long)checked, all.n,
           (unsigned long long)lost, (unsigned long long)inconsistent);
    free(all.seq);
    nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    assert_int_equal(lost, 0);
    assert_int_equal(inconsistent, 0);
}

int main(void)
{
    const char *child = getenv("STORAGE_CRASH_CHILD");
    if (child) return child_main(child);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
