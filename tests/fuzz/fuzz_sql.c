/*
 * fuzz_sql — the SQL entry point: random text through the real executor (server/sql/sqlexec.c
 * over RocksDB storage), exactly as a simple-query message would reach it.
 *
 * Input: SQL text, optionally followed by a NUL byte and the payload of a COPY FROM STDIN
 * (sent as CopyData lines if the SQL starts a COPY). Each input runs in a fresh session of
 * one executor created at first use over a temporary data directory (storage.sync off: speed,
 * durability is not under test). Commits complete on the storage thread; the harness runs the
 * loop until the executor wakes the session, then resumes, as server/conn.c does.
 *
 * Invariants beyond "no crash, no leak, no sanitizer report":
 *  - every call returns one of the documented codes; EXEC_ERROR carries a 5-character
 *    SQLSTATE of [0-9A-Z] and a non-empty, NUL-terminated message;
 *  - DataRow widths equal the preceding RowDescription's column count;
 *  - after the query the session is idle or in a transaction block ('I', 'T' or 'E').
 *
 * Bounded state: after each input the session is rolled back and closed and every user view,
 * table and sequence is dropped; every RECREATE_EVERY inputs (and whenever the catalog did not empty) the
 * executor and its data directory are thrown away and created again, so table ids (65535 per
 * node) and dropped tables' rows cannot pile up over a long run. A statement that would run
 * forever is bounded: rows past MAX_ROWS make the sink fail (the executor must stop), and a
 * PENDING operation (pg_sleep, a commit) is cancelled after PENDING_CANCEL_MS.
 *
 * Grown statements (issue 21): an input whose first byte is 0x01 is not SQL but a program for
 * a generator that builds one statement toward the limits, not from random bytes: each
 * following pair of bytes picks a construct (operator chains, nested parentheses, CASE and
 * scalar subqueries, IN lists, VALUES, ARRAY[...] and array literals, nested jsonb, jsonb
 * objects of many keys, aw_set and lww_map values of many elements in a table, string_agg
 * over generate_series) and a size (2^k), the constructs nested inside one another. It runs
 * with statement_timeout = GROW_TIMEOUT_MS and must end in a result or a clean error within
 * GROW_DEADLINE_MS (the timeout, plus room for a sanitizer build): a statement that outlives
 * its timeout is a finding (abort). FUZZ_SQL_VERBOSE=1 prints each grown statement and how it
 * ended.
 *
 * Leaks: libFuzzer's per-input leak check stops the world (RocksDB's threads included) after
 * every input whose mallocs and frees differ, which a cache-filling executor always does:
 * ~10 inputs/s instead of ~150. So -detect_leaks=0 is added unless the command line sets it
 * (or FUZZ_SQL_LEAKS=1); LeakSanitizer still checks at exit, after the harness has destroyed
 * the executor, so anything an input leaked is reported at the end of the run.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "config/config.h"
#include "server/executor.h"
#include "server/log.h"
#include "server/sql/sqlexec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_SQL 8192
#define MAX_ROWS 2000
#define PENDING_CANCEL_MS 200
#define RECREATE_EVERY 2000
#define GROW_TIMEOUT_MS 300
#define GROW_DEADLINE_MS 15000
#define GROW_MAX_SQL (4u << 20)

typedef struct harness {
    uv_loop_t loop;
    bool loop_init;
    config cfg;
    bool cfg_init;
    executor *ex;
    char dir[64];
    unsigned long inputs;
} harness;

static harness H;

typedef struct outcome {
    int ncols; /* -1: no RowDescription yet */
    long rows;
    bool woken;
    bool collect; /* remember the first column of each row (table listing) */
    char **names;
    int nnames, cap;
} outcome;

/* ---- the sink ---- */

static int s_rowdesc(executor_sink *s, const executor_column *cols, int n)
{
    outcome *o = s->ctx;
    if (n < 0 || (n > 0 && !cols)) abort();
    for (int i = 0; i < n; i++)
        if (memchr(cols[i].name, 0, sizeof cols[i].name) == NULL) abort();
    o->ncols = n;
    return 0;
}

static int s_datarow(executor_sink *s, int n, const char *const *values, const size_t *lens)
{
    outcome *o = s->ctx;
    if (o->ncols >= 0 && n != o->ncols) abort();
    for (int i = 0; i < n; i++)
        if (values[i] && lens[i] > (1u << 30)) abort();
    if (o->collect && n >= 1 && values[0] && o->nnames < 256) {
        if (o->nnames == o->cap) {
            int cap = o->cap ? o->cap * 2 : 16;
            char **nn = realloc(o->names, (size_t)cap * sizeof *nn);
            if (!nn) return -1;
            o->names = nn;
            o->cap = cap;
        }
        char *v = strndup(values[0], lens[0]);
        if (!v) return -1;
        o->names[o->nnames++] = v;
    }
    return ++o->rows > MAX_ROWS ? -1 : 0;
}

static int s_complete(executor_sink *s, const char *tag)
{
    outcome *o = s->ctx;
    if (!tag) abort();
    o->ncols = -1;
    return 0;
}

static int s_empty(executor_sink *s)
{
    (void)s;
    return 0;
}

static int s_notice(executor_sink *s, const executor_error *e)
{
    (void)s;
    if (!memchr(e->message, 0, sizeof e->message)) abort();
    return 0;
}

static int s_param(executor_sink *s, const char *name, const char *value)
{
    (void)s;
    if (!name || !value) abort();
    return 0;
}

static int s_copy_begin(executor_sink *s, bool in, int ncols, bool binary)
{
    (void)s;
    (void)in;
    (void)binary;
    if (ncols < 0) abort();
    return 0;
}

static int s_copy_data(executor_sink *s, const void *d, size_t len)
{
    (void)d;
    (void)len;
    outcome *o = s->ctx;
    return ++o->rows > MAX_ROWS ? -1 : 0;
}

static int s_copy_done(executor_sink *s)
{
    (void)s;
    return 0;
}

static void on_wake(void *arg)
{
    ((outcome *)arg)->woken = true;
}

static void sink_init(executor_sink *k, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->ncols = -1;
    *k = (executor_sink){.row_description = s_rowdesc, .data_row = s_datarow,
                         .command_complete = s_complete, .empty_query = s_empty,
                         .notice = s_notice, .parameter_status = s_param,
                         .copy_begin = s_copy_begin, .copy_data = s_copy_data,
                         .copy_done = s_copy_done, .ctx = o};
}

static void outcome_free(outcome *o)
{
    for (int i = 0; i < o->nnames; i++) free(o->names[i]);
    free(o->names);
    o->names = NULL;
    o->nnames = o->cap = 0;
}

/* ---- driving one operation to its end ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void check_error(int rc, const executor_error *e)
{
    if (rc != EXEC_ERROR) return;
    if (strlen(e->code) != 5) abort();
    for (int i = 0; i < 5; i++)
        if (!((e->code[i] >= '0' && e->code[i] <= '9') || (e->code[i] >= 'A' && e->code[i] <= 'Z')))
            abort();
    if (!memchr(e->message, 0, sizeof e->message) || !e->message[0]) abort();
}

/* Waits out EXEC_PENDING (running the loop until wake, cancelling a long one) and resumes. */
static int settle(executor_session *s, int rc, executor_sink *k, outcome *o, executor_error *err)
{
    const executor_ops *ops = H.ex->ops;
    while (rc == EXEC_PENDING) {
        uint64_t t0 = now_ms();
        bool cancelled = false;
        while (!o->woken) {
            uv_run(&H.loop, UV_RUN_NOWAIT);
            if (o->woken) break;
            if (!cancelled && now_ms() - t0 > PENDING_CANCEL_MS) {
                ops->cancel(s);
                cancelled = true;
            }
            if (now_ms() - t0 > 30000) abort(); /* a PENDING that never wakes: a hang */
            uv_run(&H.loop, UV_RUN_ONCE);
        }
        o->woken = false;
        memset(err, 0, sizeof *err);
        rc = ops->resume(s, k, err);
    }
    if (rc != EXEC_DONE && rc != EXEC_ERROR && rc != EXEC_COPY_IN) abort();
    check_error(rc, err);
    return rc;
}

static int run_query(executor_session *s, const char *sql, executor_sink *k, outcome *o,
                     const uint8_t *copy, size_t copylen)
{
    const executor_ops *ops = H.ex->ops;
    executor_error err;
    memset(&err, 0, sizeof err);
    int rc = settle(s, ops->simple_query(s, sql, strlen(sql), k, &err), k, o, &err);
    while (rc == EXEC_COPY_IN) {
        if (!ops->copy_in) abort();
        /* The payload goes line by line (as psql sends it), then CopyDone. */
        while (copylen && rc == EXEC_COPY_IN) {
            const uint8_t *nl = memchr(copy, '\n', copylen);
            size_t n = nl ? (size_t)(nl - copy) + 1 : copylen;
            memset(&err, 0, sizeof err);
            rc = ops->copy_in(s, EXEC_COPY_DATA, copy, n, k, &err);
            if (rc != EXEC_COPY_IN && rc != EXEC_ERROR) abort();
            check_error(rc, &err);
            copy += n;
            copylen -= n;
        }
        if (rc != EXEC_COPY_IN) break;
        memset(&err, 0, sizeof err);
        rc = settle(s, ops->copy_in(s, EXEC_COPY_DONE, NULL, 0, k, &err), k, o, &err);
    }
    char st = ops->txn_status(s);
    if (st != 'I' && st != 'T' && st != 'E') abort();
    return rc;
}

/* ---- executor lifetime ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void harness_down(void)
{
    if (H.ex) {
        H.ex->ops->destroy(H.ex);
        H.ex = NULL;
        while (uv_run(&H.loop, UV_RUN_NOWAIT)) {
        }
    }
    if (H.cfg_init) {
        config_free(&H.cfg);
        H.cfg_init = false;
    }
    if (H.dir[0]) {
        nftw(H.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        H.dir[0] = 0;
    }
}

static void harness_up(void)
{
    if (!H.loop_init) {
        if (uv_loop_init(&H.loop)) abort();
        H.loop_init = true;
        log_init(CONFIG_LOG_TEXT, CONFIG_LOG_ERROR);
    }
    snprintf(H.dir, sizeof H.dir, "/tmp/helios-fuzz-sql-XXXXXX");
    if (!mkdtemp(H.dir)) abort();
    if (config_dev(&H.cfg, H.dir, 0) < 0) abort();
    H.cfg_init = true;
    H.cfg.storage.sync = CONFIG_SYNC_OFF;
    H.cfg.storage.block_cache_mb = 8;
    char err[512];
    H.ex = sqlexec_new(&H.loop, &H.cfg, err, sizeof err);
    if (!H.ex) {
        fprintf(stderr, "fuzz_sql: sqlexec_new: %s\n", err);
        abort();
    }
    /* Registered after RocksDB's first open, so it runs before RocksDB's own static
       destructors (which a later close would otherwise trip over). */
    static bool registered;
    if (!registered) {
        atexit(harness_down);
        registered = true;
    }
}

static executor_session *session_open(executor_sink *k, outcome *o)
{
    const char *names[] = {"user", "database", "application_name"};
    const char *values[] = {"fuzz", "postgres", "fuzz_sql"};
    executor_startup st = {.user = "fuzz", .database = "postgres", .nparams = 3,
                           .names = names, .values = values, .client_addr = "127.0.0.1:1",
                           .backend_pid = 4242};
    executor_session *s = NULL;
    executor_error err;
    memset(&err, 0, sizeof err);
    if (H.ex->ops->session_new(H.ex, &st, k, on_wake, o, &s, &err) != EXEC_DONE || !s) abort();
    return s;
}

/* A quoted identifier of name (every '"' doubled), malloc'd. */
static char *quote_id(const char *name)
{
    size_t n = strlen(name), j = 0;
    char *id = malloc(2 * n + 3);
    if (!id) abort();
    id[j++] = '"';
    for (size_t c = 0; c < n; c++) {
        if (name[c] == '"') id[j++] = '"';
        id[j++] = name[c];
    }
    id[j++] = '"';
    id[j] = 0;
    return id;
}

/* Drops every user view, table (in one statement: foreign keys between them) and sequence;
 * returns how many relations were left (0 = clean). */
static int reset_tables(void)
{
    executor_sink k;
    outcome o;
    sink_init(&k, &o);
    executor_session *s = session_open(&k, &o);
    static const struct {
        char kind;
        const char *drop;
    } kinds[] = {{'v', "DROP VIEW IF EXISTS "}, {'r', "DROP TABLE IF EXISTS "}, {'S', "DROP SEQUENCE IF EXISTS "}};
    for (size_t t = 0; t < sizeof kinds / sizeof kinds[0]; t++) {
        char *list = NULL;
        if (asprintf(&list, "SELECT relname FROM pg_class WHERE relnamespace = 2200 AND relkind = '%c'",
                     kinds[t].kind) < 0)
            abort();
        o.collect = true;
        run_query(s, list, &k, &o, NULL, 0);
        o.collect = false;
        free(list);
        if (o.nnames) {
            size_t len = strlen(kinds[t].drop);
            char *q = malloc(len + 1);
            if (!q) abort();
            memcpy(q, kinds[t].drop, len + 1);
            for (int i = 0; i < o.nnames; i++) {
                char *id = quote_id(o.names[i]);
                char *nq = realloc(q, len + strlen(id) + 3);
                if (!nq) abort();
                q = nq;
                len += (size_t)sprintf(q + len, "%s%s", i ? ", " : "", id);
                free(id);
            }
            run_query(s, q, &k, &o, NULL, 0);
            free(q);
        }
        outcome_free(&o);
    }
    /* schemas an input made, with what is in them */
    o.collect = true;
    run_query(s, "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_toast', 'pg_catalog', "
                 "'public', 'information_schema', 'helios')", &k, &o, NULL, 0);
    o.collect = false;
    for (int i = 0; i < o.nnames; i++) {
        char *id = quote_id(o.names[i]), *q = NULL;
        if (asprintf(&q, "DROP SCHEMA IF EXISTS %s CASCADE", id) < 0) abort();
        run_query(s, q, &k, &o, NULL, 0);
        free(q);
        free(id);
    }
    outcome_free(&o);
    o.collect = true;
    run_query(s, "SELECT relname FROM pg_class WHERE relnamespace NOT IN (11, 99, 13207, 9900) AND "
                 "relkind IN ('r', 'v', 'S')", &k, &o, NULL, 0);
    o.collect = false;
    int left = o.nnames;
    outcome_free(&o);
    H.ex->ops->session_del(s);
    return left;
}

/* ---- grown statements ---- */

typedef struct grow {
    char *buf;
    size_t len, cap;
    char *pre; /* a write into table g the expression reads back (CRDT values), or NULL */
    const uint8_t *p, *end;
    int depth;
} grow;

static void g_put(grow *g, const char *s)
{
    size_t n = strlen(s);
    if (g->len + n + 1 > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        while (cap < g->len + n + 1) cap *= 2;
        char *nb = realloc(g->buf, cap);
        if (!nb) abort();
        g->buf = nb;
        g->cap = cap;
    }
    memcpy(g->buf + g->len, s, n + 1);
    g->len += n;
}

static void g_putf(grow *g, const char *fmt, long v)
{
    char t[64];
    snprintf(t, sizeof t, fmt, v);
    g_put(g, t);
}

/* head, then n items (item: a format of one %ld, given 0 .. n-1) joined by sep, then tail */
static void g_list(grow *g, const char *head, const char *sep, const char *item, long n, const char *tail)
{
    g_put(g, head);
    for (long i = 0; i < n; i++) {
        if (i) g_put(g, sep);
        g_putf(g, item, i);
    }
    g_put(g, tail);
}

static unsigned g_byte(grow *g)
{
    return g->p < g->end ? *g->p++ : 0;
}

/* One expression: a construct of size 2^k (k from the input, at most 13) around smaller ones. */
static void g_expr(grow *g)
{
    unsigned c = g_byte(g), k = g_byte(g) % 14;
    long n = 1L << k;
    if (g->depth > 4 || g->len > GROW_MAX_SQL / 2) c = 0; /* enough: a leaf */
    g->depth++;
    switch (c % 14) {
    case 0: g_putf(g, "%ld", (long)(c % 97)); break;
    case 1: /* an operator chain */
        g_put(g, "(");
        for (long i = 0; i < n && g->len < GROW_MAX_SQL / 2; i++) {
            if (i) g_put(g, c & 16 ? " || " : " + ");
            if (i == n / 2) g_expr(g);
            else g_put(g, c & 16 ? "'a'" : "1");
        }
        g_put(g, ")");
        break;
    case 2: /* parentheses */
        for (long i = 0; i < n; i++) g_put(g, "(");
        g_expr(g);
        for (long i = 0; i < n; i++) g_put(g, ")");
        break;
    case 3: /* CASE */
        for (long i = 0; i < n; i++) g_put(g, "CASE WHEN true THEN ");
        g_expr(g);
        for (long i = 0; i < n; i++) g_put(g, " END");
        break;
    case 4: /* scalar subqueries */
        for (long i = 0; i < n; i++) g_put(g, "(SELECT ");
        g_expr(g);
        for (long i = 0; i < n; i++) g_put(g, ")");
        break;
    case 5: /* IN list */
        g_put(g, "(");
        g_expr(g);
        g_list(g, " IN (", ", ", "%ld", n, "))");
        break;
    case 6: /* ARRAY[...] */
        g_list(g, "cardinality(ARRAY[", ", ", "%ld", n, "])");
        break;
    case 7: /* an array literal */
        g_list(g, "array_length('{", ",", "%ld", n, "}'::int[], 1)");
        break;
    case 8: /* nested jsonb */
        g_put(g, "jsonb_typeof('");
        for (long i = 0; i < n; i++) g_put(g, "[");
        for (long i = 0; i < n; i++) g_put(g, "]");
        g_put(g, "'::jsonb)");
        break;
    case 9: /* a jsonb object of many keys */
        g_list(g, "(SELECT count(*) FROM jsonb_each_text('{", ", ", "\"k%ld\": 1", n, "}'))");
        break;
    case 10: /* string_agg over generate_series */
        g_put(g, "length((SELECT string_agg(x::text, ',') FROM generate_series(1, ");
        g_putf(g, "%ld) x))", n * 8);
        break;
    case 11: /* VALUES */
        g_list(g, "(SELECT count(*) FROM (VALUES ", ", ", "(%ld)", n, ") v(x))");
        break;
    case 12:   /* an aw_set of n elements, written first, read back here */
    default: { /* an lww_map of n keys */
        if (g->pre) { /* one write a statement */
            g_put(g, "0");
            break;
        }
        bool set = c % 14 == 12;
        grow w = {0};
        if (set)
            g_list(&w, "INSERT INTO g (id, s) VALUES (1, ARRAY[", ", ", "'e%ld'", n,
                   "]) ON CONFLICT (id) DO UPDATE SET s = g.s || EXCLUDED.s");
        else
            g_list(&w, "INSERT INTO g (id, m) VALUES (1, '{", ", ", "\"k%ld\": 1", n,
                   "}') ON CONFLICT (id) DO UPDATE SET m = EXCLUDED.m");
        g->pre = w.buf;
        g_put(g, set ? "(SELECT cardinality(s) FROM g WHERE id = 1)" : "(SELECT count(*) FROM g, jsonb_object_keys(g.m::jsonb) WHERE id = 1)");
        break;
    }
    }
    g->depth--;
}

/* Runs the grown statement of program p (its first byte 0x01 already read). */
static void grow_run(const uint8_t *p, size_t n)
{
    grow g = {.p = p, .end = p + n};
    g_put(&g, "SELECT ");
    g_expr(&g);
    executor_sink k;
    outcome o;
    sink_init(&k, &o);
    executor_session *s = session_open(&k, &o);
    char set[64];
    snprintf(set, sizeof set, "SET statement_timeout = %d", GROW_TIMEOUT_MS);
    run_query(s, set, &k, &o, NULL, 0);
    uint64_t t0 = now_ms();
    if (g.pre) {
        run_query(s, "CREATE TABLE g (id int PRIMARY KEY, s aw_set, m lww_map)", &k, &o, NULL, 0);
        t0 = now_ms();
        run_query(s, g.pre, &k, &o, NULL, 0);
        if (now_ms() - t0 > GROW_DEADLINE_MS) abort(); /* outlived its statement_timeout */
        t0 = now_ms();
    }
    int rc = run_query(s, g.buf, &k, &o, NULL, 0);
    if (now_ms() - t0 > GROW_DEADLINE_MS) abort();
    if (getenv("FUZZ_SQL_VERBOSE")) /* what the generator made, and how it ended */
        fprintf(stderr, "grow: %.160s%s (%zu bytes%s%s): %s, %llu ms, %ld rows\n", g.buf,
                g.len > 160 ? "..." : "", g.len, g.pre ? ", after " : "", g.pre ? "a CRDT write" : "",
                rc == EXEC_ERROR ? "error" : "done", (unsigned long long)(now_ms() - t0), o.rows);
    run_query(s, "SELECT 1", &k, &o, NULL, 0); /* the session still answers */
    if (H.ex->ops->txn_status(s) != 'I') run_query(s, "ROLLBACK", &k, &o, NULL, 0);
    H.ex->ops->session_del(s);
    outcome_free(&o);
    free(g.buf);
    free(g.pre);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (getenv("FUZZ_SQL_LEAKS")) return 0;
    for (int i = 1; i < *argc; i++)
        if (strncmp((*argv)[i], "-detect_leaks=", 14) == 0) return 0;
    static char **args;
    args = calloc((size_t)*argc + 2, sizeof *args);
    if (!args) return 0;
    memcpy(args, *argv, (size_t)*argc * sizeof *args);
    args[*argc] = "-detect_leaks=0";
    *argc += 1;
    *argv = args;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!H.ex) harness_up();
    if (size >= 1 && data[0] == 0x01) {
        grow_run(data + 1, size - 1);
        if (reset_tables() > 0 || ++H.inputs % RECREATE_EVERY == 0) {
            harness_down();
            harness_up();
        }
        return 0;
    }
    const uint8_t *nul = memchr(data, 0, size);
    size_t sqllen = nul ? (size_t)(nul - data) : size;
    if (sqllen > MAX_SQL) return 0;
    char *sql = strndup((const char *)data, sqllen);
    if (!sql) return 0;
    const uint8_t *copy = nul ? nul + 1 : NULL;
    size_t copylen = nul ? size - sqllen - 1 : 0;

    executor_sink k;
    outcome o;
    sink_init(&k, &o);
    executor_session *s = session_open(&k, &o);
    run_query(s, sql, &k, &o, copy, copylen);
    /* Leave nothing open: an aborted block, then the session itself. */
    if (H.ex->ops->txn_status(s) != 'I') run_query(s, "ROLLBACK", &k, &o, NULL, 0);
    H.ex->ops->session_del(s);
    outcome_free(&o);
    free(sql);

    int left = reset_tables();
    if (left > 0 || ++H.inputs % RECREATE_EVERY == 0) {
        harness_down();
        harness_up();
    }
    return 0;
}
