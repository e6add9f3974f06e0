/*
 * server/metrics.c — process counters and the /metrics HTTP endpoint. See metrics.h.
 *
 *   metrics_connection_opened, metrics_statement_tag, metrics_error,
 *   metrics_commit_observe, metrics_conflicts_add     counters (any thread)
 *   metrics_render                                    the exposition text
 *   metrics_server_new / _port / _close               the HTTP server (loop thread)
 */
#include "server/metrics.h"

#include <http_parser.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/log.h"

/* ---- counters ---- */

enum { K_SELECT, K_INSERT, K_UPDATE, K_DELETE, K_DDL, K_OTHER, K_N };
static const char *const kind_names[K_N] = {"select", "insert", "update", "delete", "ddl", "other"};

/* Commit latency buckets (seconds): group commit with sync=always sits in the 1-10 ms range. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,   5,     10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

static atomic_uint_fast64_t g_conns_total;
static atomic_uint_fast64_t g_statements[K_N];
static atomic_uint_fast64_t g_commit_buckets[NBUCKETS]; /* non-cumulative; summed at render */
static atomic_uint_fast64_t g_commit_count;
static atomic_uint_fast64_t g_commit_sum_ns;
static atomic_uint_fast64_t g_conflicts;
/* SQLSTATE slots: the 5 code bytes packed into the key (0 = free), claimed by CAS. */
static atomic_uint_fast64_t g_err_code[METRICS_MAX_SQLSTATES];
static atomic_uint_fast64_t g_err_count[METRICS_MAX_SQLSTATES];
static atomic_uint_fast64_t g_err_other;

void metrics_connection_opened(void)
{
    atomic_fetch_add_explicit(&g_conns_total, 1, memory_order_relaxed);
}

static bool word_is(const char *tag, const char *w)
{
    size_t n = strlen(w);
    return strncmp(tag, w, n) == 0 && (tag[n] == ' ' || tag[n] == '\0');
}

void metrics_statement_tag(const char *tag)
{
    int k = K_OTHER;
    if (!tag) tag = "";
    if (word_is(tag, "SELECT")) k = K_SELECT;
    else if (word_is(tag, "INSERT")) k = K_INSERT;
    else if (word_is(tag, "UPDATE")) k = K_UPDATE;
    else if (word_is(tag, "DELETE")) k = K_DELETE;
    else if (word_is(tag, "CREATE") || word_is(tag, "DROP") || word_is(tag, "ALTER") ||
             word_is(tag, "TRUNCATE"))
        k = K_DDL;
    atomic_fetch_add_explicit(&g_statements[k], 1, memory_order_relaxed);
}

static bool sqlstate_ok(const char *code)
{
    for (int i = 0; i < 5; i++)
        if (!((code[i] >= '0' && code[i] <= '9') || (code[i] >= 'A' && code[i] <= 'Z'))) return false;
    return code[5] == '\0';
}

void metrics_error(const char *code)
{
    if (!code || strnlen(code, 6) != 5 || !sqlstate_ok(code)) {
        atomic_fetch_add_explicit(&g_err_other, 1, memory_order_relaxed);
        return;
    }
    uint64_t key = 0;
    for (int i = 0; i < 5; i++) key = key << 8 | (uint8_t)code[i];
    for (int i = 0; i < METRICS_MAX_SQLSTATES; i++) {
        uint_fast64_t cur = atomic_load_explicit(&g_err_code[i], memory_order_acquire);
        if (cur == 0) {
            uint_fast64_t expect = 0;
            if (atomic_compare_exchange_strong(&g_err_code[i], &expect, key)) cur = key;
            else cur = expect; /* another thread claimed the slot: maybe with our code */
        }
        if (cur == key) {
            atomic_fetch_add_explicit(&g_err_count[i], 1, memory_order_relaxed);
            return;
        }
    }
    atomic_fetch_add_explicit(&g_err_other, 1, memory_order_relaxed);
}

void metrics_commit_observe(double seconds)
{
    if (!(seconds >= 0)) seconds = 0; /* NaN or a clock step */
    size_t i = 0;
    while (i < NBUCKETS && seconds > buckets[i]) i++;
    if (i < NBUCKETS) atomic_fetch_add_explicit(&g_commit_buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_commit_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_commit_sum_ns, (uint_fast64_t)(seconds * 1e9),
                              memory_order_relaxed);
}

void metrics_conflicts_add(uint64_t n)
{
    if (n) atomic_fetch_add_explicit(&g_conflicts, n, memory_order_relaxed);
}

/* ---- rendering ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap * 2 + (size_t)n + 1;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

static void head(sbuf *b, const char *name, const char *type, const char *help)
{
    sb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped (format 0.0.4). */
static void label_value(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s && n + 3 < cap; s++) {
        if (*s == '\\' || *s == '"') {
            out[n++] = '\\';
            out[n++] = *s;
        } else if (*s == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else {
            out[n++] = *s;
        }
    }
    out[n] = '\0';
}

static uint64_t ld(atomic_uint_fast64_t *a)
{
    return (uint64_t)atomic_load_explicit(a, memory_order_relaxed);
}

int metrics_render(const metrics_state *st, char **out, size_t *len)
{
    sbuf b = {.cap = 8192};
    b.p = malloc(b.cap);
    if (!b.p) return UV_ENOMEM;
    b.p[0] = '\0';

    head(&b, "heliosdb_connections", "gauge", "SQL connections open now.");
    sb_printf(&b, "heliosdb_connections %d\n", st->connections);
    head(&b, "heliosdb_connections_total", "counter", "SQL connections accepted.");
    sb_printf(&b, "heliosdb_connections_total %llu\n", (unsigned long long)ld(&g_conns_total));

    head(&b, "heliosdb_statements_total", "counter",
         "Statements completed, by kind (from the command tag).");
    for (int k = 0; k < K_N; k++)
        sb_printf(&b, "heliosdb_statements_total{kind=\"%s\"} %llu\n", kind_names[k],
                  (unsigned long long)ld(&g_statements[k]));

    head(&b, "heliosdb_errors_total", "counter", "Errors sent to SQL clients, by SQLSTATE.");
    for (int i = 0; i < METRICS_MAX_SQLSTATES; i++) {
        uint64_t key = ld(&g_err_code[i]);
        if (!key) break;
        char code[6];
        for (int j = 0; j < 5; j++) code[j] = (char)(key >> (8 * (4 - j)));
        code[5] = '\0';
        sb_printf(&b, "heliosdb_errors_total{sqlstate=\"%s\"} %llu\n", code,
                  (unsigned long long)ld(&g_err_count[i]));
    }
    if (ld(&g_err_other))
        sb_printf(&b, "heliosdb_errors_total{sqlstate=\"other\"} %llu\n",
                  (unsigned long long)ld(&g_err_other));

    head(&b, "heliosdb_commit_duration_seconds", "histogram",
         "Time SQL statements waited for their commit to become durable.");
    /* Read count first: concurrent observations can only make the buckets larger, and +Inf
       must not be below the last bucket. */
    uint64_t cum = 0;
    uint64_t counts[NBUCKETS];
    for (size_t i = 0; i < NBUCKETS; i++) counts[i] = ld(&g_commit_buckets[i]);
    uint64_t total = ld(&g_commit_count);
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += counts[i];
        sb_printf(&b, "heliosdb_commit_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
                  (unsigned long long)cum);
    }
    if (total < cum) total = cum;
    sb_printf(&b, "heliosdb_commit_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
              (unsigned long long)total);
    sb_printf(&b, "heliosdb_commit_duration_seconds_sum %.9f\n",
              (double)ld(&g_commit_sum_ns) / 1e9);
    sb_printf(&b, "heliosdb_commit_duration_seconds_count %llu\n", (unsigned long long)total);

    head(&b, "heliosdb_conflicts_total", "counter",
         "Registers or map keys that a merge left holding concurrent writes.");
    sb_printf(&b, "heliosdb_conflicts_total %llu\n", (unsigned long long)ld(&g_conflicts));

    if (st->have_skew) {
        head(&b, "heliosdb_clock_skew_events_total", "counter",
             "Remote timestamps seen further ahead than clock.max_skew_ms.");
        sb_printf(&b, "heliosdb_clock_skew_events_total %llu\n",
                  (unsigned long long)st->skew_events);
    }
    if (st->have_storage) {
        head(&b, "heliosdb_storage_commits_total", "counter",
             "Local and remote commits completed by storage.");
        sb_printf(&b, "heliosdb_storage_commits_total %llu\n",
                  (unsigned long long)st->storage_commits);
        head(&b, "heliosdb_storage_syncs_total", "counter", "WAL syncs done for group commit.");
        sb_printf(&b, "heliosdb_storage_syncs_total %llu\n",
                  (unsigned long long)st->storage_syncs);
        head(&b, "heliosdb_storage_synced_commits_total", "counter",
             "Commits completed by those WAL syncs.");
        sb_printf(&b, "heliosdb_storage_synced_commits_total %llu\n",
                  (unsigned long long)st->storage_synced_commits);
        head(&b, "heliosdb_storage_commit_groups_total", "counter", "Group-commit groups written.");
        sb_printf(&b, "heliosdb_storage_commit_groups_total %llu\n",
                  (unsigned long long)st->storage_groups);
        head(&b, "heliosdb_storage_row_cache_hits_total", "counter",
             "Point reads of a row answered by the row cache (storage.row_cache_mb).");
        sb_printf(&b, "heliosdb_storage_row_cache_hits_total %llu\n",
                  (unsigned long long)st->row_cache_hits);
        head(&b, "heliosdb_storage_row_cache_misses_total", "counter",
             "Point reads of a row the row cache could not answer (read from RocksDB).");
        sb_printf(&b, "heliosdb_storage_row_cache_misses_total %llu\n",
                  (unsigned long long)st->row_cache_misses);
        head(&b, "heliosdb_storage_row_cache_bytes", "gauge", "Memory the row cache holds.");
        sb_printf(&b, "heliosdb_storage_row_cache_bytes %llu\n",
                  (unsigned long long)st->row_cache_bytes);
    }

    int np = st->npeers < METRICS_MAX_PEERS ? st->npeers : METRICS_MAX_PEERS;
    head(&b, "heliosdb_replication_peer_up", "gauge", "1 when the QUIC link to the peer is up.");
    for (int i = 0; i < np; i++) {
        char lv[sizeof st->peers[0].name * 2 + 1];
        label_value(lv, sizeof lv, st->peers[i].name);
        sb_printf(&b, "heliosdb_replication_peer_up{peer=\"%s\"} %d\n", lv, st->peers[i].up ? 1 : 0);
    }
    /* One line per peer and direction for each per-peer series of metrics_peer. */
    static const struct {
        const char *name, *type, *help, *direction;
        size_t off;
        bool seconds; /* a double, else a uint64_t */
    } series[] = {
        {"heliosdb_replication_lag_entries", "gauge",
         "Local log entries the peer has not acknowledged.", NULL,
         offsetof(metrics_peer, lag_entries), false},
        {"heliosdb_replication_lag_seconds", "gauge",
         "Age of the oldest unacknowledged send to the peer (0 when caught up).", NULL,
         offsetof(metrics_peer, lag_seconds), true},
        {"heliosdb_replication_bytes_total", "counter",
         "Replication batch bytes exchanged with the peer.", "in",
         offsetof(metrics_peer, bytes_in), false},
        {"heliosdb_replication_bytes_total", NULL, NULL, "out", offsetof(metrics_peer, bytes_out),
         false},
        {"heliosdb_replication_snapshots_total", "counter",
         "Completed snapshot transfers (catch-up past log retention, region join).", "in",
         offsetof(metrics_peer, snapshots_received), false},
        {"heliosdb_replication_snapshots_total", NULL, NULL, "out",
         offsetof(metrics_peer, snapshots_sent), false},
        {"heliosdb_replication_anti_entropy_runs_total", "counter",
         "Completed anti-entropy comparisons with the peer.", NULL,
         offsetof(metrics_peer, ae_runs), false},
        {"heliosdb_replication_rows_repaired_total", "counter",
         "Row and catalog states exchanged by anti-entropy for differing key ranges.", NULL,
         offsetof(metrics_peer, ae_rows_repaired), false},
        {"heliosdb_replication_anti_entropy_last_timestamp_seconds", "gauge",
         "Unix time the last anti-entropy comparison with the peer ended (0: never).", NULL,
         offsetof(metrics_peer, ae_last_unix_s), true},
    };
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
        if (series[k].type) head(&b, series[k].name, series[k].type, series[k].help);
        for (int i = 0; i < np; i++) {
            char lv[sizeof st->peers[0].name * 2 + 1], dir[32] = "";
            label_value(lv, sizeof lv, st->peers[i].name);
            if (series[k].direction)
                snprintf(dir, sizeof dir, ",direction=\"%s\"", series[k].direction);
            const char *field = (const char *)&st->peers[i] + series[k].off;
            if (series[k].seconds) {
                double v;
                memcpy(&v, field, sizeof v);
                sb_printf(&b, "%s{peer=\"%s\"%s} %.6f\n", series[k].name, lv, dir, v);
            } else {
                uint64_t v;
                memcpy(&v, field, sizeof v);
                sb_printf(&b, "%s{peer=\"%s\"%s} %llu\n", series[k].name, lv, dir,
                          (unsigned long long)v);
            }
        }
    }

    if (b.oom) {
        free(b.p);
        return UV_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

/* ---- HTTP server ---- */

struct metrics_server {
    uv_loop_t *loop;
    uv_tcp_t tcp;
    metrics_collect_fn fn;
    void *arg;
    struct mconn *conns;
    int nconns;
    int handles; /* the listener + every connection not yet freed */
    bool closing;
};

typedef struct mconn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    int handles;
    metrics_server *srv;
    struct mconn *prev, *next;
    http_parser parser;
    size_t total; /* request bytes received */
    char url[256];
    size_t urllen;
    bool url_long;
    bool responded;
    char rbuf[2048];
    uv_write_t wr;
    uv_shutdown_t sd;
    char *resp;
} mconn;

static void server_unref(metrics_server *m)
{
    if (--m->handles == 0) free(m);
}

static void on_mconn_closed(uv_handle_t *h)
{
    mconn *c = h->data;
    if (--c->handles > 0) return;
    metrics_server *m = c->srv;
    if (c->prev) c->prev->next = c->next;
    else if (m->conns == c) m->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    m->nconns--;
    free(c->resp);
    free(c);
    server_unref(m);
}

static void mconn_close(mconn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_mconn_closed);
    if (!uv_is_closing((uv_handle_t *)&c->timer))
        uv_close((uv_handle_t *)&c->timer, on_mconn_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    if (status < 0) mconn_close(req->data);
}

/* Half-close, then read (and drop) until the client closes: closing with unread input would
   reset the connection and could destroy the response before the client read it. */
static void on_written(uv_write_t *w, int status)
{
    mconn *c = w->data;
    if (status < 0 || uv_is_closing((uv_handle_t *)&c->tcp)) {
        mconn_close(c);
        return;
    }
    c->sd.data = c;
    if (uv_shutdown(&c->sd, (uv_stream_t *)&c->tcp, on_shutdown) < 0) mconn_close(c);
}

/* One response, then close: a scraper opens a connection per scrape anyway. */
static void on_timeout(uv_timer_t *t);
static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void respond(mconn *c, int code, const char *reason, const char *ctype, const char *extra,
                    const char *body, size_t blen, bool head_only)
{
    if (c->responded) return;
    c->responded = true;
    uv_timer_start(&c->timer, on_timeout, METRICS_LINGER_MS, 0);
    char hdr[512];
    int hn = snprintf(hdr, sizeof hdr,
                      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                      "Connection: close\r\n\r\n",
                      code, reason, ctype, blen, extra ? extra : "");
    size_t send_body = head_only ? 0 : blen;
    c->resp = malloc((size_t)hn + send_body);
    if (!c->resp) {
        mconn_close(c);
        return;
    }
    memcpy(c->resp, hdr, (size_t)hn);
    if (send_body) memcpy(c->resp + hn, body, send_body);
    uv_buf_t buf = uv_buf_init(c->resp, (unsigned)((size_t)hn + send_body));
    c->wr.data = c;
    if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &buf, 1, on_written) < 0) mconn_close(c);
}

static void respond_text(mconn *c, int code, const char *reason, const char *extra,
                         const char *msg)
{
    respond(c, code, reason, "text/plain; charset=utf-8", extra, msg, strlen(msg), false);
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    mconn *c = p->data;
    if (c->urllen + len >= sizeof c->url) {
        c->url_long = true;
        return 0;
    }
    memcpy(c->url + c->urllen, at, len);
    c->urllen += len;
    c->url[c->urllen] = '\0';
    return 0;
}

static void serve(mconn *c)
{
    metrics_server *m = c->srv;
    int method = c->parser.method;
    if (method != HTTP_GET && method != HTTP_HEAD) {
        respond_text(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n",
                     "method not allowed\n");
        return;
    }
    if (c->url_long) {
        respond_text(c, 414, "URI Too Long", NULL, "uri too long\n");
        return;
    }
    size_t plen = strcspn(c->url, "?#");
    if (plen != 8 || memcmp(c->url, "/metrics", 8) != 0) {
        respond_text(c, 404, "Not Found", NULL, "not found: try /metrics\n");
        return;
    }
    metrics_state *st = calloc(1, sizeof *st);
    char *body = NULL;
    size_t blen = 0;
    if (!st) {
        respond_text(c, 500, "Internal Server Error", NULL, "out of memory\n");
        return;
    }
    if (m->fn) m->fn(m->arg, st);
    if (metrics_render(st, &body, &blen) < 0) {
        free(st);
        respond_text(c, 500, "Internal Server Error", NULL, "out of memory\n");
        return;
    }
    free(st);
    respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", NULL, body, blen,
            method == HTTP_HEAD);
    free(body);
}

static int on_message_complete(http_parser *p)
{
    mconn *c = p->data;
    serve(c);
    http_parser_pause(p, 1); /* ignore anything pipelined after it */
    return 0;
}

static const http_parser_settings parser_settings = {
    .on_url = on_url,
    .on_message_complete = on_message_complete,
};

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    (void)hint;
    mconn *c = h->data;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    mconn *c = s->data;
    if (n == 0) return;
    if (n < 0) {
        mconn_close(c); /* EOF before a whole request, or a reset */
        return;
    }
    if (c->responded) return; /* draining until the client closes */
    c->total += (size_t)n;
    if (c->total > METRICS_MAX_REQUEST) {
        respond_text(c, 431, "Request Header Fields Too Large", NULL, "request too large\n");
        return;
    }
    size_t used = http_parser_execute(&c->parser, &parser_settings, buf->base, (size_t)n);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (c->responded) return;
    if (e != HPE_OK || used != (size_t)n) {
        log_debug("metrics", "bad request: %s", http_errno_name(e));
        respond_text(c, 400, "Bad Request", NULL, "bad request\n");
    }
}

static void on_timeout(uv_timer_t *t)
{
    mconn_close(t->data);
}

/* Over METRICS_MAX_CONNS the newcomer is served and a connection that holds its slot the
 * longest without need gives it up: first one that has its response (lingering for the client's
 * close), else the oldest still sending its request. A scraper sends its request as soon as it
 * connects, so clients that stall or trickle cannot starve it (32 of them used to hold every slot
 * for METRICS_IDLE_MS, reconnect, and have real scrapes answered 503). NULL: nothing to take. */
static mconn *slot_victim(metrics_server *m, const mconn *keep)
{
    mconn *lingering = NULL, *pending = NULL;
    int live = 0;
    for (mconn *c = m->conns; c; c = c->next) { /* newest first: the last match is the oldest */
        if (uv_is_closing((uv_handle_t *)&c->tcp)) continue;
        live++;
        if (c == keep) continue;
        if (c->responded)
            lingering = c;
        else
            pending = c;
    }
    if (live <= METRICS_MAX_CONNS) return NULL;
    return lingering ? lingering : pending;
}

static void on_connection(uv_stream_t *server, int status)
{
    metrics_server *m = server->data;
    if (status < 0 || m->closing) return;
    mconn *c = calloc(1, sizeof *c);
    if (!c) {
        log_warn("metrics", "out of memory accepting a connection");
        return;
    }
    c->srv = m;
    uv_tcp_init(m->loop, &c->tcp);
    uv_timer_init(m->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    m->handles++;
    m->nconns++;
    c->next = m->conns;
    if (m->conns) m->conns->prev = c;
    m->conns = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
        mconn_close(c);
        return;
    }
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    uv_timer_start(&c->timer, on_timeout, METRICS_IDLE_MS, 0);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
        mconn_close(c);
        return;
    }
    if (m->nconns <= METRICS_MAX_CONNS) return;
    mconn *victim = slot_victim(m, c);
    if (victim) {
        log_debug("metrics", "connection limit (%d): closing a %s connection for a new one",
                  METRICS_MAX_CONNS, victim->responded ? "lingering" : "stalled");
        mconn_close(victim);
    } else if (m->nconns > 2 * METRICS_MAX_CONNS) {
        /* only connections being closed hold the extra sockets: accepted to be answered 503,
           so the backlog does not fill up */
        respond_text(c, 503, "Service Unavailable", NULL, "too many connections\n");
    }
}

static void on_listener_closed(uv_handle_t *h)
{
    server_unref(h->data);
}

int metrics_server_new(uv_loop_t *loop, const char *host, uint16_t port, metrics_collect_fn fn,
                       void *arg, metrics_server **out)
{
    struct sockaddr_storage ss;
    int r = uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
    if (r < 0) r = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss);
    if (r < 0) return r;
    metrics_server *m = calloc(1, sizeof *m);
    if (!m) return UV_ENOMEM;
    m->loop = loop;
    m->fn = fn;
    m->arg = arg;
    m->handles = 1;
    uv_tcp_init(loop, &m->tcp);
    m->tcp.data = m;
    r = uv_tcp_bind(&m->tcp, (const struct sockaddr *)&ss, 0);
    if (r == 0) r = uv_listen((uv_stream_t *)&m->tcp, 64, on_connection);
    if (r < 0) {
        m->closing = true;
        uv_close((uv_handle_t *)&m->tcp, on_listener_closed);
        return r;
    }
    *out = m;
    return 0;
}

uint16_t metrics_server_port(const metrics_server *m)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (uv_tcp_getsockname(&m->tcp, (struct sockaddr *)&ss, &len) < 0) return 0;
    return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

void metrics_server_close(metrics_server *m)
{
    if (!m || m->closing) return;
    m->closing = true;
    for (mconn *c = m->conns; c; c = c->next) mconn_close(c);
    uv_close((uv_handle_t *)&m->tcp, on_listener_closed);
}
