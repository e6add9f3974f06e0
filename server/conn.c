/*
 * server/conn.c — connection lifecycle, socket and TLS I/O, the input loop, startup and
 * authentication. After authentication, messages go to session.c. See conn.h.
 *
 * Entry points:
 *   conn_new / conn_start       after accept (listener.c)
 *   on_read -> conn_process      the resumable decode loop
 *   conn_flush / on_write        output queueing, backpressure
 *   conn_close -> on_close       deferred free
 *   startup_packet, auth_*       first packet, SSL/GSSENC/Cancel requests, auth methods
 */
#include "server/conn.h"
#include "server/workers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "proto/md5auth.h"
#include "proto/sqlstate.h"
#include "server/metrics.h"
#include "server/hba.h"
#include "server/log.h"

#define READ_CHUNK 65536
#define AUTH_FAIL_DELAY_MS 1000
/* After a protocol error the client may still be sending (the rest of an oversized message).
   Closing with unread input makes the kernel send RST, which can destroy the ErrorResponse
   before the client reads it; so the connection half-closes (FIN) and discards input until
   the client closes, LINGER_MAX_BYTES arrived or LINGER_MS passed (nginx's lingering_close).
   The connection's slot is already free meanwhile. */
#define LINGER_MS 1000
#define LINGER_MAX_BYTES (4u << 20)

typedef struct write_req {
    uv_write_t req;
    conn *c;
    size_t len;
    uint8_t data[];
} write_req;

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static int flush_tls(conn *c);

static void on_close(uv_handle_t *h)
{
    conn *c = h->data;
    if (--c->handles > 0) return;
    pgwire_buf_free(&c->in);
    pgwire_buf_free(&c->out);
    pgtypes_buf_free(&c->scratch);
    if (c->ssl) SSL_free(c->ssl);
    if (c->worker) worker_conn_delta(c->worker, -1);
    free(c);
}

conn *conn_new(listener *l, executor *ex)
{
    conn *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->lsn = l;
    c->ex = ex;
    c->state = CONN_STARTUP;
    pgwire_buf_init(&c->in);
    pgwire_buf_init(&c->out);
    pgtypes_buf_init(&c->scratch);
    c->tcp.data = c;
    c->timer.data = c;
    session_init_sink(c);
    return c;
}

static void on_timer(uv_timer_t *t);

static void free_startup(conn *c)
{
    for (int i = 0; i < c->nparams; i++) {
        free(c->pnames[i]);
        free(c->pvalues[i]);
    }
    free(c->pnames);
    free(c->pvalues);
    c->pnames = c->pvalues = NULL;
    c->nparams = 0;
    free(c->user);
    free(c->database);
    c->user = c->database = NULL;
}

/* ---- lingering close ---- */

static void linger_end(conn *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->timer)) {
        uv_timer_stop(&c->timer);
        uv_close((uv_handle_t *)&c->timer, on_close);
    }
    if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_close);
}

static void on_linger_timer(uv_timer_t *t)
{
    linger_end(t->data);
}

static void on_linger_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    static char sink[65536]; /* discarded bytes: one buffer for every connection (one thread) */
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(sink, sizeof sink);
}

static void on_linger_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn *c = s->data;
    (void)buf;
    if (nread < 0) {
        linger_end(c);
        return;
    }
    c->lingered += (size_t)nread;
    if (c->lingered > LINGER_MAX_BYTES) linger_end(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn *c = req->data;
    if (status < 0 || uv_is_closing((uv_handle_t *)&c->tcp) ||
        uv_read_start((uv_stream_t *)&c->tcp, on_linger_alloc, on_linger_read) != 0)
        linger_end(c);
}

/* Flushes what is queued, then half-closes; 0, or -1 when a plain close must be done. */
static int linger_start(conn *c)
{
    if (c->ssl && c->tls_up) {
        conn_flush(c);
        if (!uv_is_closing((uv_handle_t *)&c->tcp)) {
            SSL_shutdown(c->ssl);
            flush_tls(c);
        }
    } else {
        conn_flush(c);
    }
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return -1;
    c->shut.data = c;
    /* libuv runs on_shutdown once every queued write completed. */
    if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) return -1;
    uv_timer_start(&c->timer, on_linger_timer, LINGER_MS, 0);
    return 0;
}

void conn_close(conn *c, bool graceful)
{
    if (c->state == CONN_CLOSING) return;
    c->state = CONN_CLOSING;
    listener_unregister(c->lsn, c);
    session_free(c);
    scram_del(c->scram);
    c->scram = NULL;
    free_startup(c);
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
    uv_timer_stop(&c->timer);
    if (graceful && c->linger && linger_start(c) == 0) return;
    c->linger = false;
    uv_close((uv_handle_t *)&c->timer, on_close);
    if (graceful) {
        /* The last messages (a FATAL ErrorResponse) go out first: after SSL_shutdown,
           SSL_write refuses them and the client would only see the connection drop. */
        conn_flush(c);
        if (c->ssl && c->tls_up && !uv_is_closing((uv_handle_t *)&c->tcp)) {
            SSL_shutdown(c->ssl); /* close_notify, best effort */
            flush_tls(c);
        }
    }
    /* uv_close would cancel queued writes, so a graceful close waits for them (on_write). */
    if (!graceful || c->inflight == 0) uv_close((uv_handle_t *)&c->tcp, on_close);
}

static void on_write(uv_write_t *req, int status)
{
    write_req *w = (write_req *)req;
    conn *c = w->c;
    c->inflight -= w->len;
    free(w);
    if (c->state == CONN_CLOSING) {
        if (c->inflight == 0 && !c->linger && !uv_is_closing((uv_handle_t *)&c->tcp))
            uv_close((uv_handle_t *)&c->tcp, on_close);
        return;
    }
    if (status < 0) {
        log_debug("wire", "write to %s failed: %s", c->addr, uv_strerror(status));
        conn_close(c, false);
        return;
    }
    if (c->inflight + c->out.len < CONN_OUT_LOW) {
        if (c->wait_output) { /* a statement paused on this backlog (EXEC_PENDING_OUTPUT) */
            c->wait_output = false;
            session_wake(c); /* resumes it, then processes input, flushes, reads */
            return;
        }
        conn_process(c); /* it may have stopped for backpressure */
        if (conn_eof_done(c)) return;
        conn_update_reading(c);
        if (c->notify_more && c->state == CONN_READY) session_notify_pump(c);
    }
}

static int queue_write(conn *c, const uint8_t *data, size_t len)
{
    /* Nothing queued: write now. A write that completes leaves no request behind and no
       watcher change (uv_write costs an epoll_ctl per answer even when it completes at once).
       A statement paused on its output backlog resumes from on_write: it always queues. */
    if (c->inflight == 0 && !c->wait_output && len) {
        uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
        int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
        if (n == (int)len) return 0;
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        } else if (n != UV_EAGAIN) {
            log_debug("wire", "write to %s failed: %s", c->addr, uv_strerror(n));
            return -1;
        }
    }
    write_req *w = malloc(sizeof(*w) + len);
    if (!w) return -1;
    w->c = c;
    w->len = len;
    memcpy(w->data, data, len);
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)len);
    int r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write);
    if (r < 0) {
        free(w);
        return -1;
    }
    c->inflight += len;
    return 0;
}

/* Moves ciphertext the SSL produced (handshake records or encrypted data) to the socket. */
static int flush_tls(conn *c)
{
    uint8_t buf[16384];
    int n;
    while ((n = BIO_read(c->wbio, buf, sizeof buf)) > 0)
        if (queue_write(c, buf, (size_t)n) < 0) return -1;
    return 0;
}

static void conn_flush_(conn *c);

void conn_flush(conn *c)
{
    conn_flush_(c);
    /* notifications that waited for the output: the socket took everything at once (no
       on_write will come), so the next share goes now */
    if (c->notify_more && !c->notifying && c->inflight == 0 && c->state == CONN_READY &&
        !uv_is_closing((uv_handle_t *)&c->tcp))
        session_notify_pump(c);
}

static void conn_flush_(conn *c)
{
    if (uv_is_closing((uv_handle_t *)&c->tcp)) return;
    if (c->out.err) {
        c->out.err = 0;
        pgwire_buf_reset(&c->out);
        conn_close(c, false);
        return;
    }
    /* A pending statement answers soon: its output goes out with the rest (one write). */
    if (c->pending != PEND_NONE && c->state != CONN_CLOSING && !c->wait_output &&
        !c->out_urgent && c->out.len < CONN_OUT_LOW)
        return;
    c->out_urgent = false;
    if (c->ssl) {
        if (c->tls_up && c->out.len) {
            int n = SSL_write(c->ssl, c->out.data, (int)c->out.len);
            if (n <= 0) {
                conn_close(c, false);
                return;
            }
            pgwire_buf_consume(&c->out, (size_t)n);
        }
        if (flush_tls(c) < 0) conn_close(c, false);
        return;
    }
    if (c->out.len) {
        if (queue_write(c, c->out.data, c->out.len) < 0) {
            conn_close(c, false);
            return;
        }
        pgwire_buf_reset(&c->out);
    }
}

void conn_send_error(conn *c, const executor_error *e, const char *default_severity)
{
    metrics_error(e->code[0] ? e->code : SQLSTATE_INTERNAL_ERROR);
    pgwire_error pe = {
        .severity = e->severity[0] ? e->severity : default_severity,
        .code = e->code[0] ? e->code : SQLSTATE_INTERNAL_ERROR,
        .message = e->message,
        .detail = e->detail,
        .hint = e->hint,
        .position = e->position,
        .schema = e->schema,
        .table = e->table,
        .column = e->column,
        .constraint = e->constraint,
        .context = e->context,
    };
    pgwire_put_error(&c->out, false, &pe);
}

static void vfatal(conn *c, const char *code, const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vfatal(conn *c, const char *code, const char *hint, const char *fmt, va_list ap)
{
    executor_error e;
    memset(&e, 0, sizeof e);
    snprintf(e.severity, sizeof e.severity, "FATAL");
    snprintf(e.code, sizeof e.code, "%s", code);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    if (hint) snprintf(e.hint, sizeof e.hint, "%s", hint);
    conn_send_error(c, &e, "FATAL");
    conn_close(c, true);
}

void conn_fatal(conn *c, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfatal(c, code, NULL, fmt, ap);
    va_end(ap);
}

void conn_fatal_hint(conn *c, const char *code, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfatal(c, code, hint, fmt, ap);
    va_end(ap);
}

bool conn_eof_done(conn *c)
{
    if (!c->peer_eof || c->state == CONN_CLOSING || c->pending != PEND_NONE ||
        c->inflight + c->out.len >= CONN_OUT_HIGH) /* input may remain: on_write goes on */
        return false;
    conn_close(c, true); /* the client had ended its input; what it sent before ran */
    return true;
}

void conn_update_reading(conn *c)
{
    bool want = c->state != CONN_CLOSING && !c->auth_failed && !c->peer_eof &&
                (c->pending == PEND_NONE || c->in.len < CONN_IN_PENDING_MAX) &&
                c->inflight + c->out.len < CONN_OUT_HIGH;
    if (want == c->reading) return;
    if (want) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
            c->reading = true;
    } else {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

/* ---- timers ---------------------------------------------------------------------------- */

static void on_timer(uv_timer_t *t)
{
    conn *c = t->data;
    if (c->state == CONN_CLOSING) return;
    if (c->auth_failed) {
        log_warn("auth", "password authentication failed for user \"%s\" from %s",
                 c->user ? c->user : "", c->addr);
        conn_fatal(c, SQLSTATE_INVALID_PASSWORD, "password authentication failed for user \"%s\"",
                   c->user ? c->user : "");
    } else if (c->state != CONN_READY) {
        log_info("wire", "authentication timeout for %s", c->addr);
        conn_close(c, false);
    } else {
        log_info("wire", "idle-session timeout for %s", c->addr);
        conn_fatal(c, "57P05", "terminating connection due to idle-session timeout");
    }
}

void conn_start_idle_timer(conn *c)
{
    const config *cfg = listener_config(c->lsn);
    if (cfg->sql.idle_timeout_s > 0 && c->state == CONN_READY)
        uv_timer_start(&c->timer, on_timer, (uint64_t)cfg->sql.idle_timeout_s * 1000, 0);
}

void conn_start(conn *c)
{
    const config *cfg = listener_config(c->lsn);
    uv_timer_init(c->tcp.loop, &c->timer);
    c->handles = 2;
    int len = sizeof c->peer;
    char host[64] = "?";
    /* the listener may have read it already (other threads compare it: not written again) */
    if (c->peer.ss_family != 0 ||
        uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &len) == 0) {
        int port = 0;
        if (c->peer.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&c->peer, host, sizeof host);
            port = ntohs(((struct sockaddr_in6 *)&c->peer)->sin6_port);
            snprintf(c->addr, sizeof c->addr, "[%s]:%d", host, port);
        } else {
            uv_ip4_name((struct sockaddr_in *)&c->peer, host, sizeof host);
            port = ntohs(((struct sockaddr_in *)&c->peer)->sin_port);
            snprintf(c->addr, sizeof c->addr, "%s:%d", host, port);
        }
    }
    uv_tcp_nodelay(&c->tcp, 1);
    if (cfg->sql.auth_timeout_s > 0)
        uv_timer_start(&c->timer, on_timer, (uint64_t)cfg->sql.auth_timeout_s * 1000, 0);
    log_debug("wire", "connection from %s", c->addr);
    conn_update_reading(c);
}

/* The first bytes of the connection, read on the main loop before the hand-off (listener.c):
 * they are the start of its input. */
void conn_start_with(conn *c, const uint8_t *first, size_t n)
{
    conn_start(c);
    if (c->state == CONN_CLOSING || n == 0) return;
    if (pgwire_buf_put(&c->in, first, n) < 0) {
        conn_close(c, false);
        return;
    }
    conn_process(c);
    conn_flush(c);
    conn_update_reading(c);
}

/* ---- reading --------------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    conn *c = h->data;
    /* Read straight into the input buffer when there is no TLS layer in between. */
    if (!c->ssl && !c->in.err && c->in.cap - c->in.len < READ_CHUNK) {
        size_t want = c->in.len + READ_CHUNK;
        uint8_t *p = realloc(c->in.data, want);
        if (p) {
            c->in.data = p;
            c->in.cap = want;
        }
    }
    if (!c->ssl && c->in.cap - c->in.len >= READ_CHUNK) {
        *buf = uv_buf_init((char *)c->in.data + c->in.len, READ_CHUNK);
        return;
    }
    char *p = malloc(READ_CHUNK);
    *buf = uv_buf_init(p, p ? READ_CHUNK : 0);
}

static bool buf_is_inline(const conn *c, const uv_buf_t *buf)
{
    return c->in.data && (uint8_t *)buf->base == c->in.data + c->in.len;
}

/* Runs the TLS handshake / decrypts what the read BIO holds into `in`. 0 or -1 (closed). */
static int tls_pump(conn *c)
{
    if (!c->tls_up) {
        int r = SSL_do_handshake(c->ssl);
        if (r == 1) {
            c->tls_up = true;
            log_debug("wire", "TLS %s with %s", SSL_get_version(c->ssl), c->addr);
        } else {
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                char why[160] = "";
                ERR_error_string_n(ERR_get_error(), why, sizeof why);
                log_flood(LOG_FLOOD_TLS, CONFIG_LOG_INFO, "wire", "TLS handshake with %s failed: %s",
                          c->addr, why);
                ERR_clear_error();
                flush_tls(c); /* the alert */
                conn_close(c, true);
                return -1;
            }
        }
        if (flush_tls(c) < 0) return -1;
        if (!c->tls_up) return 0;
    }
    uint8_t buf[16384];
    for (;;) {
        int n = SSL_read(c->ssl, buf, sizeof buf);
        if (n > 0) {
            if (pgwire_buf_put(&c->in, buf, (size_t)n) < 0) {
                conn_close(c, false);
                return -1;
            }
            continue;
        }
        int e = SSL_get_error(c->ssl, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
        if (e == SSL_ERROR_ZERO_RETURN) { /* close_notify */
            conn_close(c, false);
            return -1;
        }
        ERR_clear_error();
        log_info("wire", "TLS error from %s", c->addr);
        conn_close(c, false);
        return -1;
    }
    return flush_tls(c);
}

static void on_read_(conn *c, ssize_t nread, const uv_buf_t *buf);

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn *c = s->data;
    worker *w = c->worker;
    worker_work_begin(w); /* a statement may run long: the listener then avoids this thread */
    on_read_(c, nread, buf);
    worker_work_end(w);
}

static void on_read_(conn *c, ssize_t nread, const uv_buf_t *buf)
{
    bool inline_buf = buf_is_inline(c, buf);
    if (nread < 0) {
        if (!inline_buf) free(buf->base);
        if (nread != UV_EOF) log_debug("wire", "read from %s: %s", c->addr, uv_strerror((int)nread));
        if (c->pending != PEND_NONE) {
            /* Read ahead during a statement: it finishes and the input before the end runs
               first (a client may send a statement and close at once), then the close. */
            c->peer_eof = true;
            conn_update_reading(c);
            return;
        }
        /* A client vanishing mid-message simply leaves; the session and its portals go. */
        conn_close(c, false);
        return;
    }
    if (c->state == CONN_READY) uv_timer_stop(&c->timer); /* idle timer */
    if (inline_buf) {
        c->in.len += (size_t)nread;
    } else if (c->ssl) {
        if (nread > 0) BIO_write(c->rbio, buf->base, (int)nread);
        free(buf->base);
        if (tls_pump(c) < 0) return;
    } else {
        int r = pgwire_buf_put(&c->in, buf->base, (size_t)nread);
        free(buf->base);
        if (r < 0) {
            conn_close(c, false);
            return;
        }
    }
    conn_process(c);
    conn_flush(c);
    conn_update_reading(c);
}

/* ---- startup --------------------------------------------------------------------------- */

static char *dupn(const char *s)
{
    return strdup(s ? s : "");
}

static void auth_begin(conn *c);

/* replication=: PostgreSQL's parse_bool, or "database" (a logical walsender). 1 = a replication
 * connection is asked for, 0 = a normal session, -1 = not a value PostgreSQL accepts. */
static int replication_wanted(const char *v)
{
    if (!strcmp(v, "database")) return 1;
    pgtypes_buf b;
    pgtypes_buf_init(&b);
    int r = pgtypes_text_to_binary(PGTYPE_BOOL, v, strlen(v), &b); /* boolin: parse_bool */
    int want = r < 0 ? -1 : b.data[0] != 0;
    pgtypes_buf_free(&b);
    return want;
}

/* NegotiateProtocolVersion ('v'): the newest version served (3.0) and the _pq_ options ignored,
 * as PostgreSQL sends it for a minor version above 0 or an unknown _pq_ option. */
static void put_negotiate_protocol(conn *c, const pgwire_startup *st)
{
    size_t at = pgwire_msg_begin(&c->out, 'v');
    int n = 0;
    for (int i = 0; i < st->nparams; i++) n += !strncmp(st->names[i], "_pq_.", 5);
    pgwire_buf_put_u32(&c->out, PGWIRE_PROTOCOL_3_0);
    pgwire_buf_put_u32(&c->out, (uint32_t)n);
    for (int i = 0; i < st->nparams; i++)
        if (!strncmp(st->names[i], "_pq_.", 5)) pgwire_buf_put_str(&c->out, st->names[i]);
    pgwire_msg_end(&c->out, at);
}

/* PostgreSQL 15's pg_clean_ascii, applied to application_name: anything but printable ASCII
 * becomes '?' (it reaches logs and other sessions' pg_stat_activity). */
static void clean_ascii(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s > 126) *s = '?';
}

static void startup_message(conn *c, const pgwire_startup *st)
{
    const config *cfg = listener_config(c->lsn);
    const char *user = pgwire_startup_get(st, "user");
    const char *db = pgwire_startup_get(st, "database");
    const char *repl = pgwire_startup_get(st, "replication");
    c->user = dupn(user);
    c->database = dupn(db && *db ? db : user);
    c->pnames = calloc((size_t)st->nparams + 1, sizeof(char *));
    c->pvalues = calloc((size_t)st->nparams + 1, sizeof(char *));
    if (!c->user || !c->database || !c->pnames || !c->pvalues) {
        conn_close(c, false);
        return;
    }
    bool negotiate = (st->code & 0xffff) != 0;
    for (int i = 0; i < st->nparams; i++) {
        /* Protocol options (_pq_.name) are not settings: none is known, so all are ignored
           and named in NegotiateProtocolVersion, as PostgreSQL does. */
        if (!strncmp(st->names[i], "_pq_.", 5)) {
            negotiate = true;
            continue;
        }
        int k = c->nparams;
        c->pnames[k] = dupn(st->names[i]);
        c->pvalues[k] = dupn(st->values[i]);
        c->nparams++;
        if (!c->pnames[k] || !c->pvalues[k]) {
            conn_close(c, false);
            return;
        }
        if (!strcmp(c->pnames[k], "application_name")) clean_ascii(c->pvalues[k]);
    }
    int want_repl = repl ? replication_wanted(repl) : 0;
    if (want_repl < 0) {
        conn_fatal_hint(c, SQLSTATE_INVALID_PARAMETER_VALUE,
                        "Valid values are: \"false\", 0, \"true\", 1, \"database\".",
                        "invalid value for parameter \"replication\": \"%s\"", repl);
        return;
    }
    if (want_repl) {
        /* 0A000 rather than 08P01: the request is well-formed, the feature is absent. */
        log_info("wire", "refusing %s user \"%s\": replication connection requested", c->addr,
                 c->user);
        conn_fatal_hint(c, SQLSTATE_FEATURE_NOT_SUPPORTED,
                        "HeliosDB replicates between regions itself; connect without the "
                        "replication parameter for a normal session (heliosctl backup copies a "
                        "node's data).",
                        "replication connections (replication=%s) are not supported", repl);
        return;
    }
    if (negotiate) put_negotiate_protocol(c, st);
    if (listener_shutting_down(c->lsn)) {
        conn_fatal(c, SQLSTATE_CANNOT_CONNECT_NOW, "the database system is shutting down");
        return;
    }
    if (c->over_limit) {
        log_warn("wire", "refusing %s: %s", c->addr,
                 c->over_limit == 2 ? "too many connections from this address waiting to "
                                      "authenticate"
                                    : "too many connections waiting to authenticate");
        conn_fatal(c, SQLSTATE_TOO_MANY_CONNECTIONS, "sorry, too many clients already");
        return;
    }
    if (cfg->sql.tls.mode == CONFIG_TLS_REQUIRE && !c->tls_up) {
        log_info("auth", "refusing %s user \"%s\": TLS required", c->addr, c->user);
        conn_fatal(c, SQLSTATE_INVALID_AUTHORIZATION_SPECIFICATION,
                   "TLS is required: connect with sslmode=require (no encryption offered by "
                   "host \"%s\", user \"%s\")",
                   c->addr, c->user);
        return;
    }
    c->state = CONN_AUTH;
    auth_begin(c);
}

/* Handles the untyped first packet. Returns bytes consumed, 0 need more, -1 closed. */
static int startup_packet(conn *c)
{
    pgwire_startup st;
    int r = pgwire_decode_startup(c->in.data, c->in.len, &st);
    if (r == 0) return 0;
    if (r < 0) {
        log_flood(LOG_FLOOD_STARTUP, CONFIG_LOG_INFO, "wire", "invalid startup packet from %s: %s",
                  c->addr, pgwire_strerror(r));
        conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid startup packet: %s", pgwire_strerror(r));
        return -1;
    }
    const wiretls *tls = listener_tls(c->lsn);
    switch (st.kind) {
    case PGWIRE_SSLREQ:
        if (c->ssl || c->ssl_tried) {
            conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "unexpected SSLRequest");
            return -1;
        }
        c->ssl_tried = true;
        pgwire_buf_put_u8(&c->out, tls ? 'S' : 'N');
        conn_flush(c);
        if (tls) {
            /* Bytes after SSLRequest were sent before the client saw 'S': they would bypass
               TLS (CVE-2021-23214), so refuse them. */
            if (c->in.len != (size_t)r) {
                log_warn("wire", "%s sent data after SSLRequest before the handshake", c->addr);
                conn_close(c, false);
                return -1;
            }
            c->ssl = wiretls_new_conn(tls, &c->rbio, &c->wbio);
            if (!c->ssl) {
                conn_close(c, false);
                return -1;
            }
            /* SIGHUP may swap the listener's context mid-handshake: SCRAM-PLUS must bind to
               the certificate this connection was served. */
            memcpy(c->cbind, tls->cbind, tls->cbindlen);
            c->cbindlen = tls->cbindlen;
        }
        return r;
    case PGWIRE_GSSENCREQ:
        pgwire_buf_put_u8(&c->out, 'N');
        return r;
    case PGWIRE_CANCEL:
        listener_cancel(c->lsn, st.cancel_pid, st.cancel_key);
        conn_close(c, false);
        return -1;
    case PGWIRE_STARTUP:
        startup_message(c, &st);
        return c->state == CONN_CLOSING ? -1 : r;
    }
    return -1;
}

/* ---- authentication --------------------------------------------------------------------- */

/* The users file first (its users are the bootstrap superusers), then the roles of the catalog
 * (CREATE ROLE ... LOGIN PASSWORD, replicated from any region). */
static const users_entry *find_user(conn *c)
{
    const users_entry *u = users_find(listener_users(c->lsn), c->user);
    if (u || !c->ex->ops->role_secret) return u;
    if (!c->ex->ops->role_secret(c->ex, c->user, c->role_secret, sizeof c->role_secret)) return NULL;
    c->role_user = (users_entry){.name = c->user, .scram = c->role_secret, .md5 = NULL};
    return &c->role_user;
}

static void auth_ok(conn *c)
{
    if (listener_session_begin(c->lsn, c)) {
        log_warn("wire", "refusing %s user \"%s\": max_connections (%d) reached", c->addr,
                 c->user, listener_config(c->lsn)->sql.max_connections);
        conn_fatal(c, SQLSTATE_TOO_MANY_CONNECTIONS, "sorry, too many clients already");
        return;
    }
    log_info("auth", "user \"%s\" connected from %s (%s%s)", c->user, c->addr,
             config_auth_method_name(c->method), c->tls_up ? ", TLS" : "");
    scram_del(c->scram);
    c->scram = NULL;
    uv_timer_stop(&c->timer);
    pgwire_put_auth(&c->out, PGWIRE_AUTH_OK, NULL, 0);
    if (session_start(c) < 0) return;
    c->state = CONN_READY;
    conn_start_idle_timer(c);
}

/* Never says why: unknown user and wrong password look the same, and come after a delay. */
static void auth_fail(conn *c)
{
    c->auth_failed = true;
    conn_update_reading(c);
    uv_timer_start(&c->timer, on_timer, AUTH_FAIL_DELAY_MS, 0);
}

static void auth_begin(conn *c)
{
    c->method = hba_method(listener_config(c->lsn), &c->peer, c->user);
    switch (c->method) {
    case CONFIG_AUTH_TRUST: auth_ok(c); return;
    case CONFIG_AUTH_REJECT:
        log_info("auth", "rejected %s user \"%s\" by rule", c->addr, c->user);
        conn_fatal(c, SQLSTATE_INVALID_AUTHORIZATION_SPECIFICATION,
                   "no authentication rule allows host \"%s\", user \"%s\"", c->addr, c->user);
        return;
    case CONFIG_AUTH_PASSWORD: pgwire_put_auth(&c->out, PGWIRE_AUTH_CLEARTEXT, NULL, 0); return;
    case CONFIG_AUTH_MD5:
        RAND_bytes(c->md5_salt, 4);
        pgwire_put_auth(&c->out, PGWIRE_AUTH_MD5, c->md5_salt, 4);
        return;
    case CONFIG_AUTH_SCRAM: {
        const char *plus[] = {SCRAM_MECHANISM_PLUS, SCRAM_MECHANISM};
        const char *plain[] = {SCRAM_MECHANISM};
        if (c->tls_up)
            pgwire_put_auth_sasl(&c->out, plus, 2);
        else
            pgwire_put_auth_sasl(&c->out, plain, 1);
        return;
    }
    }
}

static void auth_message(conn *c, const pgwire_msg *m)
{
    if (m->type == 'X') {
        conn_close(c, false);
        return;
    }
    const users_entry *u = find_user(c);
    if (c->method == CONFIG_AUTH_PASSWORD || c->method == CONFIG_AUTH_MD5) {
        const char *pw;
        size_t len;
        if (pgwire_parse_password(m, &pw, &len) < 0) {
            conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid password packet");
            return;
        }
        int ok = 0;
        if (c->method == CONFIG_AUTH_PASSWORD && u) {
            if (u->scram) {
                ok = scram_verify_plain(u->scram, pw) == 1;
            } else if (u->md5) {
                char stored[36];
                md5auth_stored(c->user, pw, stored);
                ok = strcmp(stored, u->md5) == 0;
            }
        } else if (c->method == CONFIG_AUTH_MD5 && u && u->md5) {
            ok = md5auth_check(u->md5, c->md5_salt, pw) == 1;
        }
        if (ok)
            auth_ok(c);
        else
            auth_fail(c);
        return;
    }
    if (c->method != CONFIG_AUTH_SCRAM) {
        conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "unexpected authentication message");
        return;
    }
    const char *errmsg = "invalid SCRAM message";
    char *out = NULL;
    size_t outlen = 0;
    int r;
    if (c->auth_step == 0) {
        const char *mech;
        const uint8_t *data;
        size_t dlen;
        if (pgwire_parse_sasl_initial(m, &mech, &data, &dlen) < 0) {
            conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid SASLInitialResponse");
            return;
        }
        c->scram = scram_new(c->user, u ? u->scram : NULL, c->tls_up ? c->cbind : NULL,
                             c->tls_up ? c->cbindlen : 0);
        if (!c->scram) {
            conn_fatal(c, SQLSTATE_OUT_OF_MEMORY, "out of memory");
            return;
        }
        r = scram_client_first(c->scram, mech, data ? data : (const uint8_t *)"", dlen, &out,
                               &outlen, &errmsg);
        if (r == 0) {
            pgwire_put_auth(&c->out, PGWIRE_AUTH_SASL_CONTINUE, out, outlen);
            c->auth_step = 1;
        }
    } else {
        r = scram_client_final(c->scram, m->body, m->len, &out, &outlen, &errmsg);
        if (r == 0) {
            pgwire_put_auth(&c->out, PGWIRE_AUTH_SASL_FINAL, out, outlen);
            c->auth_step = 2;
        }
    }
    free(out);
    if (r == SCRAM_EAUTH) {
        auth_fail(c);
    } else if (r < 0) {
        log_info("auth", "SCRAM exchange with %s failed: %s", c->addr, errmsg);
        conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "%s", errmsg);
    } else if (c->auth_step == 2) {
        auth_ok(c);
    }
}

/* ---- the input loop ------------------------------------------------------------------------ */

void conn_process(conn *c)
{
    if (c->processing) return; /* re-entered from a flush/wake: the outer loop continues */
    c->processing = true;
    const config *cfg = listener_config(c->lsn);
    size_t pos = 0;
    while (c->state != CONN_CLOSING && !c->auth_failed && c->pending == PEND_NONE &&
           c->inflight + c->out.len < CONN_OUT_HIGH && pos < c->in.len) {
        if (c->ssl && !c->tls_up) break;
        if (c->state == CONN_STARTUP) {
            if (pos) {
                pgwire_buf_consume(&c->in, pos);
                pos = 0;
            }
            int r = startup_packet(c);
            if (r <= 0) break;
            pos += (size_t)r;
            if (c->ssl) {
                pgwire_buf_consume(&c->in, pos);
                pos = 0;
                conn_flush(c); /* the 'S' goes out in plaintext before any TLS record */
                break;
            }
            continue;
        }
        pgwire_msg m;
        bool authed = c->state == CONN_READY;
        int r;
        uint8_t t0 = c->in.data[pos];
        if (authed && (c->copy_in || t0 == 'd' || t0 == 'c' || t0 == 'f'))
            r = pgwire_frame_copy(c->in.data + pos, c->in.len - pos, cfg->sql.max_message_bytes,
                                  &m);
        else
            r = pgwire_frame(c->in.data + pos, c->in.len - pos, authed,
                             cfg->sql.max_message_bytes, &m);
        if (r == 0) break;
        if (r < 0) {
            uint8_t t = c->in.data[pos];
            log_flood(LOG_FLOOD_PROTOCOL, CONFIG_LOG_INFO, "wire",
                      "protocol violation from %s: %s (type 0x%02x)", c->addr, pgwire_strerror(r),
                      t);
            c->linger = true;
            if (r == PGWIRE_ETYPE)
                conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid frontend message type %d", t);
            else
                conn_fatal(c, r == PGWIRE_ETOOBIG ? SQLSTATE_PROGRAM_LIMIT_EXCEEDED
                                                  : SQLSTATE_PROTOCOL_VIOLATION,
                           "%s for message type \"%c\"", pgwire_strerror(r),
                           (t >= 32 && t < 127) ? t : '?');
            break;
        }
        pos += (size_t)r;
        if (c->state == CONN_AUTH) {
            auth_message(c, &m);
        } else if (session_message(c, &m) < 0) {
            break;
        }
    }
    if (c->state != CONN_CLOSING && pos) pgwire_buf_consume(&c->in, pos);
    c->processing = false;
}
