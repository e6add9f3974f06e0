/*
 * server/listener.c — TCP listeners, the connection registry, cancel routing and shutdown.
 * See listener.h.
 */
#include "server/listener.h"

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "proto/sqlstate.h"
#include "server/conn.h"
#include "server/hba.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/workers.h"

#define MAX_SOCKETS (CONFIG_MAX_LISTEN * 4)
#define LISTENER_PREAUTH_PER_ADDR 64 /* connections authenticating from one address */

/* A TLS context or users database replaced by SIGHUP: connections that started with it may
 * still use it (a handshake, a SCRAM exchange), so it is kept until listener_del. */
typedef struct retired {
    wiretls *tls;
    users_db *users;
    struct retired *next;
} retired;

/* Threads: the listening sockets, `drained` and shutdown's start live on the main loop; each
 * connection lives on the worker loop it was handed to (server/workers.h). What several
 * threads touch is guarded by mu (the registry: conns, the counts, pids, conn.cancel_sess) or
 * atomic (the TLS context and users database in use, shutting_down). */
typedef struct preconn preconn;

/* A connection whose first packet is being read on the main loop (see "the first packet"). */
struct preconn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    struct listener *l;
    struct sockaddr_storage peer;
    uint8_t buf[16];
    size_t n, want;
    int handles;
    bool linked;
    preconn *prev, *next; /* l->pre */
};

struct listener {
    uv_loop_t *loop;
    const config *cfg;
    executor *ex;
    workers *ws;
    _Atomic(wiretls *) tls; /* NULL: TLS off */
    _Atomic(users_db *) users;
    retired *retired; /* main thread */
    uv_tcp_t socks[MAX_SOCKETS];
    int nsocks;
    uv_async_t drained; /* main loop: the last connection is gone after shutdown */
    int npreread;       /* main loop: connections whose first packet is being read */
    preconn *pre;       /* them (mu: count_preauth counts them) */
    bool drained_open;
    pthread_mutex_t mu;
    conn *conns; /* every accepted, not yet closed connection */
    int nconns;
    int nsessions; /* of them, authenticated (max_connections counts these) */
    uint32_t next_pid;
    atomic_bool shutting_down;
};

const config *listener_config(const listener *l)
{
    return l->cfg;
}

const wiretls *listener_tls(const listener *l)
{
    return atomic_load(&((listener *)l)->tls);
}

const users_db *listener_users(const listener *l)
{
    return atomic_load(&((listener *)l)->users);
}

bool listener_shutting_down(const listener *l)
{
    return atomic_load(&((listener *)l)->shutting_down);
}

int listener_count(const listener *l)
{
    listener *m = (listener *)l;
    pthread_mutex_lock(&m->mu);
    int n = m->nconns;
    pthread_mutex_unlock(&m->mu);
    return n;
}

/* mu held */
static void link_conn(listener *l, conn *c)
{
    c->prev = NULL;
    c->next = l->conns;
    if (l->conns) l->conns->prev = c;
    l->conns = c;
    l->nconns++;
}

void listener_register(listener *l, conn *c)
{
    pthread_mutex_lock(&l->mu);
    c->pid = l->next_pid++;
    pthread_mutex_unlock(&l->mu);
    if (RAND_bytes((unsigned char *)&c->key, sizeof c->key) != 1) c->key = (uint32_t)rand();
}

void listener_session_ready(listener *l, conn *c)
{
    pthread_mutex_lock(&l->mu);
    c->cancel_sess = c->sess;
    pthread_mutex_unlock(&l->mu);
}

void listener_unregister(listener *l, conn *c)
{
    pthread_mutex_lock(&l->mu);
    c->cancel_sess = NULL;
    if (!c->prev && l->conns != c) { /* not linked */
        pthread_mutex_unlock(&l->mu);
        return;
    }
    if (c->prev) c->prev->next = c->next;
    else l->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    l->nconns--;
    if (c->in_session_count) l->nsessions--;
    c->in_session_count = false;
    bool last = l->nconns == 0 && atomic_load(&l->shutting_down);
    pthread_mutex_unlock(&l->mu);
    if (last) uv_async_send(&l->drained); /* open until the main loop closes it */
}

int listener_session_begin(listener *l, conn *c)
{
    pthread_mutex_lock(&l->mu);
    int rc = -1;
    if (l->nsessions < l->cfg->sql.max_connections) {
        l->nsessions++;
        c->in_session_count = true;
        rc = 0;
    }
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) return false;
    return a->ss_family == AF_INET6
               ? !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                         &((const struct sockaddr_in6 *)b)->sin6_addr, 16)
               : ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
                     ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

/* Connections not yet authenticated (those still sending their first packet included): all
 * of them, and those from c's address. mu held. */
static void count_preauth(const listener *l, const conn *c, int *all, int *same)
{
    *all = *same = 0;
    for (const conn *o = l->conns; o; o = o->next) {
        if (o->in_session_count) continue;
        (*all)++;
        if (same_host(&o->peer, &c->peer)) (*same)++;
    }
    for (const preconn *p = l->pre; p; p = p->next) {
        (*all)++;
        if (same_host(&p->peer, &c->peer)) (*same)++;
    }
}

/* The target may live on another worker and be running a statement: the executor's cancel
 * never blocks (it signals the session's loop), and mu keeps the session from being freed
 * meanwhile (conn_close unregisters before it frees the session). */
void listener_cancel(listener *l, uint32_t pid, uint32_t key)
{
    pthread_mutex_lock(&l->mu);
    for (conn *c = l->conns; c; c = c->next) {
        if (c->pid != pid || !c->cancel_sess) continue;
        /* Constant-time so the key cannot be guessed byte by byte from timing. */
        if (CRYPTO_memcmp(&c->key, &key, sizeof key) != 0) break;
        char addr[sizeof c->addr];
        memcpy(addr, c->addr, sizeof addr);
        l->ex->ops->cancel(c->cancel_sess);
        pthread_mutex_unlock(&l->mu);
        log_flood(LOG_FLOOD_CANCEL, CONFIG_LOG_INFO, "wire", "cancel request for backend %u (%s)",
                  pid, addr);
        return;
    }
    pthread_mutex_unlock(&l->mu);
    log_flood(LOG_FLOOD_CANCEL, CONFIG_LOG_INFO, "wire",
              "cancel request for unknown backend %u ignored", pid);
}

static void on_reject_close(uv_handle_t *h)
{
    conn *c = h->data;
    pgtypes_buf_free(&c->scratch);
    if (c->worker) worker_conn_delta(c->worker, -1);
    free(c);
}

/* A connection accepted on the main loop, on its way to a worker, with the bytes read. */
typedef struct handoff {
    listener *l;
    worker *w;
    uv_os_sock_t fd;
    uint8_t first[16];
    size_t nfirst;
} handoff;

static void pre_close(preconn *p);

/* On the worker's loop: the connection's life starts here. */
static void start_on_worker(void *arg)
{
    handoff *h = arg;
    listener *l = h->l;
    worker *w = h->w;
    uv_os_sock_t fd = h->fd;
    uint8_t first[sizeof h->first];
    size_t nfirst = h->nfirst;
    if (nfirst) memcpy(first, h->first, nfirst);
    free(h);
    conn *c = atomic_load(&l->shutting_down) ? NULL : conn_new(l, l->ex);
    if (!c) {
        if (!atomic_load(&l->shutting_down)) log_error("wire", "out of memory accepting a connection");
        close(fd);
        worker_conn_delta(w, -1);
        return;
    }
    c->worker = w;
    uv_tcp_init(worker_loop(w), &c->tcp);
    if (uv_tcp_open(&c->tcp, fd) < 0) {
        close(fd);
        uv_close((uv_handle_t *)&c->tcp, on_reject_close);
        return;
    }
    metrics_connection_opened();
    pthread_mutex_lock(&l->mu);
    link_conn(l, c);
    /* Connections that have not logged in have a pool of their own (max_connections of them,
       at least 4 x LISTENER_PREAUTH_PER_ADDR; at most LISTENER_PREAUTH_PER_ADDR from one
       address; each for auth_timeout_s), so
       clients that never log in cannot keep anyone else from logging in: max_connections
       counts authenticated sessions (listener_session_begin). Refused only after the
       startup packet, so the client gets a readable 53300 (and a CancelRequest on a new
       connection still works at the limit). */
    pthread_mutex_unlock(&l->mu);
    int len = sizeof c->peer; /* count_preauth compares addresses: known before linking */
    (void)uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &len);
    pthread_mutex_lock(&l->mu);
    int all, same;
    count_preauth(l, c, &all, &same);
    pthread_mutex_unlock(&l->mu);
    int pool = l->cfg->sql.max_connections > 4 * LISTENER_PREAUTH_PER_ADDR
                   ? l->cfg->sql.max_connections
                   : 4 * LISTENER_PREAUTH_PER_ADDR;
    c->over_limit = all > pool ? 1 : same > LISTENER_PREAUTH_PER_ADDR ? 2 : 0;
    conn_start_with(c, first, nfirst);
}

/* ---- the first packet, on the main loop ----------------------------------------------------
 *
 * A connection's first bytes are read on the main loop: the length of its first packet, and
 * the whole packet when that length is a CancelRequest's (16). A CancelRequest is served right
 * there: the session to cancel may be running
 * a long statement on its worker, and a worker busy with a statement (or waiting for the
 * executor's lock behind one) could not read the request until that statement ended. Anything
 * else (SSLRequest, GSSENCRequest, a StartupMessage) goes with the bytes read to the worker with
 * the fewest connections, which does the rest. A client that sends nothing within
 * auth_timeout_s is closed. */

#define PREREAD_MAX 4096 /* connections in this phase; past it they are handed off at once */


static void on_pre_close(uv_handle_t *h)
{
    preconn *p = h->data;
    if (--p->handles == 0) {
        p->l->npreread--;
        free(p);
    }
}

static void pre_close(preconn *p)
{
    if (uv_is_closing((uv_handle_t *)&p->tcp)) return;
    if (p->linked) {
        listener *l = p->l;
        pthread_mutex_lock(&l->mu);
        if (p->prev) p->prev->next = p->next;
        else l->pre = p->next;
        if (p->next) p->next->prev = p->prev;
        p->linked = false;
        pthread_mutex_unlock(&l->mu);
    }
    uv_read_stop((uv_stream_t *)&p->tcp);
    uv_timer_stop(&p->timer);
    uv_close((uv_handle_t *)&p->tcp, on_pre_close);
    uv_close((uv_handle_t *)&p->timer, on_pre_close);
}

/* Hands the socket (a duplicate of the descriptor: the handle on this loop is closed) and the
 * bytes read to a worker. */
static void hand_off(listener *l, uv_tcp_t *t, const uint8_t *first, size_t n)
{
    uv_os_fd_t ofd;
    handoff *h = malloc(sizeof *h);
    int fd = uv_fileno((uv_handle_t *)t, &ofd) == 0 ? dup(ofd) : -1;
    if (!h || fd < 0) {
        if (fd >= 0) close(fd);
        free(h);
        log_error("wire", "cannot hand a connection to an executor thread (out of memory or "
                          "descriptors)");
        return;
    }
    h->l = l;
    h->w = workers_pick(l->ws);
    h->fd = fd;
    h->nfirst = n;
    if (n) memcpy(h->first, first, n);
    worker_conn_delta(h->w, 1);
    if (worker_post(h->w, start_on_worker, h) < 0) {
        worker_conn_delta(h->w, -1);
        close(fd);
        free(h);
    }
}

static void on_pre_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    preconn *p = h->data;
    /* exactly what the packet still needs: nothing of the next one is read here */
    *buf = uv_buf_init((char *)p->buf + p->n, (unsigned)(p->want - p->n));
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void on_pre_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    preconn *p = s->data;
    if (nread < 0) {
        pre_close(p);
        return;
    }
    p->n += (size_t)nread;
    if (p->n < p->want) return;
    if (p->want == 4 && be32(p->buf) == 16) {
        p->want = 16; /* perhaps a CancelRequest: the whole packet */
        return;
    }
    if (p->want == 16 && be32(p->buf + 4) == 80877102) {
        listener_cancel(p->l, be32(p->buf + 8), be32(p->buf + 12));
        pre_close(p);
        return;
    }
    hand_off(p->l, &p->tcp, p->buf, p->n);
    pre_close(p);
}

static void on_pre_timer(uv_timer_t *t)
{
    pre_close(t->data);
}

/* Main loop: accept, then read the first packet's header (above). */
static void on_connection(uv_stream_t *server, int status)
{
    listener *l = server->data;
    if (status < 0) {
        log_warn("wire", "accept failed: %s", uv_strerror(status));
        return;
    }
    preconn *p = calloc(1, sizeof *p);
    if (!p) {
        log_error("wire", "out of memory accepting a connection");
        return;
    }
    p->l = l;
    p->want = 4;
    p->tcp.data = p->timer.data = p;
    uv_tcp_init(l->loop, &p->tcp);
    uv_timer_init(l->loop, &p->timer);
    p->handles = 2;
    l->npreread++;
    if (uv_accept(server, (uv_stream_t *)&p->tcp) < 0) {
        pre_close(p);
        return;
    }
    if (l->npreread > PREREAD_MAX || atomic_load(&l->shutting_down)) {
        if (!atomic_load(&l->shutting_down)) hand_off(l, &p->tcp, NULL, 0);
        pre_close(p);
        return;
    }
    int len = sizeof p->peer;
    (void)uv_tcp_getpeername(&p->tcp, (struct sockaddr *)&p->peer, &len);
    pthread_mutex_lock(&l->mu);
    p->next = l->pre;
    if (l->pre) l->pre->prev = p;
    l->pre = p;
    p->linked = true;
    pthread_mutex_unlock(&l->mu);
    uv_timer_start(&p->timer, on_pre_timer, (uint64_t)l->cfg->sql.auth_timeout_s * 1000, 0);
    if (uv_read_start((uv_stream_t *)&p->tcp, on_pre_alloc, on_pre_read) < 0) pre_close(p);
}

static int bind_one(listener *l, const struct sockaddr *sa, char *err, size_t errsz)
{
    if (l->nsocks == MAX_SOCKETS) {
        snprintf(err, errsz, "too many listen addresses");
        return -1;
    }
    uv_tcp_t *t = &l->socks[l->nsocks];
    uv_tcp_init(l->loop, t);
    t->data = l;
    unsigned flags = sa->sa_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0;
    char name[80] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET6) {
        uv_ip6_name((const struct sockaddr_in6 *)sa, name, sizeof name);
        port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    } else {
        uv_ip4_name((const struct sockaddr_in *)sa, name, sizeof name);
        port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
    }
    int r = uv_tcp_bind(t, sa, flags);
    if (r == 0) r = uv_listen((uv_stream_t *)t, 511, on_connection);
    if (r < 0) {
        snprintf(err, errsz, "cannot listen on %s%s%s:%d: %s", sa->sa_family == AF_INET6 ? "[" : "",
                 name, sa->sa_family == AF_INET6 ? "]" : "", port, uv_strerror(r));
        uv_close((uv_handle_t *)t, NULL);
        return -1;
    }
    struct sockaddr_storage bound;
    int blen = sizeof bound;
    if (uv_tcp_getsockname(t, (struct sockaddr *)&bound, &blen) == 0)
        port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                           : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    log_info("wire", "listening for SQL on %s%s%s:%d", sa->sa_family == AF_INET6 ? "[" : "", name,
             sa->sa_family == AF_INET6 ? "]" : "", port);
    l->nsocks++;
    return 0;
}

static int bind_addr(listener *l, const config_addr *a, char *err, size_t errsz)
{
    const char *host = a->host;
    if (strcmp(host, "*") == 0) {
        config_addr v4 = {"0.0.0.0", a->port}, v6 = {"::", a->port};
        if (bind_addr(l, &v4, err, errsz) < 0) return -1;
        /* A host without IPv6 still serves IPv4. */
        char e6[256];
        if (bind_addr(l, &v6, e6, sizeof e6) < 0) log_warn("wire", "%s", e6);
        return 0;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char port[8];
    snprintf(port, sizeof port, "%u", a->port);
    int r = getaddrinfo(host, port, &hints, &res);
    if (r != 0) {
        snprintf(err, errsz, "sql.listen: cannot resolve %s: %s", host, gai_strerror(r));
        return -1;
    }
    int rc = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (bind_one(l, ai->ai_addr, err, errsz) < 0) {
            rc = -1;
            break;
        }
    freeaddrinfo(res);
    return rc;
}

static int retire(listener *l, wiretls *tls, users_db *users)
{
    if (!tls && !users) return 0;
    retired *r = calloc(1, sizeof *r);
    if (!r) return -1;
    r->tls = tls;
    r->users = users;
    r->next = l->retired;
    l->retired = r;
    return 0;
}

int listener_reload_users(listener *l, char *err, size_t errsz)
{
    if (!l->cfg->sql.auth.users_file) return 0;
    users_db *db;
    if (hba_load_users(l->cfg->sql.auth.users_file, &db, err, errsz) < 0) return -1;
    users_db *old = atomic_load(&l->users);
    if (retire(l, NULL, old) < 0) {
        users_del_db(db);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    atomic_store(&l->users, db);
    return 0;
}

int listener_reload_tls(listener *l, const char *cert, const char *key, char *err, size_t errsz)
{
    wiretls *cur = atomic_load(&l->tls);
    if (!cur) {
        if (cert && key)
            snprintf(err, errsz, "TLS was off at start: turning it on needs a restart");
        else
            snprintf(err, errsz, "TLS is off");
        return cert && key ? -1 : 0;
    }
    if (!cert || !key) {
        snprintf(err, errsz, "sql.tls.cert/key removed: turning TLS off needs a restart");
        return -1;
    }
    wiretls *fresh = calloc(1, sizeof *fresh);
    if (!fresh || retire(l, cur, NULL) < 0) {
        free(fresh);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    if (wiretls_init(fresh, cert, key, err, errsz) < 0) {
        l->retired->tls = NULL; /* still in use */
        free(fresh);
        return -1;
    }
    atomic_store(&l->tls, fresh);
    return 0;
}

static void free_tls(wiretls *t)
{
    if (!t) return;
    wiretls_free(t);
    free(t);
}

static void on_drained(uv_async_t *h)
{
    listener *l = h->data;
    if (listener_count(l) == 0 && !uv_is_closing((uv_handle_t *)h)) uv_close((uv_handle_t *)h, NULL);
}

int listener_new(uv_loop_t *loop, const config *cfg, executor *ex, workers *ws, listener **out,
                 char *err, size_t errsz)
{
    listener *l = calloc(1, sizeof(*l));
    if (!l) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    l->loop = loop;
    l->cfg = cfg;
    l->ex = ex;
    l->ws = ws;
    pthread_mutex_init(&l->mu, NULL);
    uint32_t seed;
    RAND_bytes((unsigned char *)&seed, sizeof seed);
    l->next_pid = 1000 + (seed % 100000);
    if (cfg->sql.tls.mode != CONFIG_TLS_OFF && cfg->sql.tls.cert && cfg->sql.tls.key) {
        wiretls *t = calloc(1, sizeof *t);
        if (!t) {
            snprintf(err, errsz, "out of memory");
            goto fail;
        }
        if (wiretls_init(t, cfg->sql.tls.cert, cfg->sql.tls.key, err, errsz) < 0) {
            free(t);
            goto fail;
        }
        atomic_store(&l->tls, t);
    } else if (cfg->sql.tls.mode == CONFIG_TLS_REQUIRE) {
        snprintf(err, errsz, "sql.tls.mode is require but no cert/key is configured");
        goto fail;
    }
    if (listener_reload_users(l, err, errsz) < 0) goto fail_tls;
    if (uv_async_init(loop, &l->drained, on_drained)) {
        snprintf(err, errsz, "uv_async_init failed");
        goto fail_users;
    }
    l->drained.data = l;
    l->drained_open = true;
    uv_unref((uv_handle_t *)&l->drained);
    for (int i = 0; i < cfg->sql.nlisten; i++)
        if (bind_addr(l, &cfg->sql.listen[i], err, errsz) < 0) goto fail_socks;
    *out = l;
    return 0;
fail_socks:
    for (int i = 0; i < l->nsocks; i++) uv_close((uv_handle_t *)&l->socks[i], NULL);
    uv_close((uv_handle_t *)&l->drained, NULL);
    /* the handles live inside l: let the loop finish closing them before freeing */
    uv_run(loop, UV_RUN_NOWAIT);
fail_users:
    users_del_db(atomic_load(&l->users));
fail_tls:
    free_tls(atomic_load(&l->tls));
fail:
    pthread_mutex_destroy(&l->mu);
    free(l);
    return -1;
}

/* On a worker's loop: its own connections (only this thread frees them, so the pointers
 * collected under mu stay valid while they are told). */
typedef struct shutdown_job {
    listener *l;
    worker *w;
    bool force;
} shutdown_job;

static void shutdown_on_worker(void *arg)
{
    shutdown_job *j = arg;
    listener *l = j->l;
    pthread_mutex_lock(&l->mu);
    int n = 0;
    for (conn *c = l->conns; c; c = c->next)
        if (c->worker == j->w) n++;
    conn **mine = n ? malloc((size_t)n * sizeof *mine) : NULL;
    int k = 0;
    if (mine)
        for (conn *c = l->conns; c; c = c->next)
            if (c->worker == j->w) mine[k++] = c;
    pthread_mutex_unlock(&l->mu);
    for (int i = 0; i < k; i++) {
        conn *c = mine[i];
        if (j->force) {
            conn_close(c, false);
        } else if (c->state == CONN_READY && c->pending == PEND_NONE) {
            conn_fatal(c, SQLSTATE_ADMIN_SHUTDOWN,
                       "terminating connection due to administrator command");
        } else if (c->state == CONN_READY) {
            c->terminate_when_idle = true; /* after its current query */
        } else {
            conn_fatal(c, SQLSTATE_CANNOT_CONNECT_NOW, "the database system is shutting down");
        }
    }
    if (n && !mine) log_error("wire", "out of memory closing connections at shutdown");
    free(mine);
    free(j);
}

void listener_shutdown(listener *l, bool force)
{
    if (!atomic_load(&l->shutting_down)) {
        atomic_store(&l->shutting_down, true);
        for (int i = 0; i < l->nsocks; i++)
            if (!uv_is_closing((uv_handle_t *)&l->socks[i]))
                uv_close((uv_handle_t *)&l->socks[i], NULL);
        log_info("wire", "shutting down: %d connection(s) open", listener_count(l));
        /* The main loop runs (a second signal can force the close) until the last connection
         * of every worker is gone. */
        uv_ref((uv_handle_t *)&l->drained);
        uv_async_send(&l->drained);
    }
    if (force) { /* a statement running (or its worker waiting behind one) stops at its next row */
        pthread_mutex_lock(&l->mu);
        for (conn *c = l->conns; c; c = c->next)
            if (c->cancel_sess) l->ex->ops->cancel(c->cancel_sess);
        pthread_mutex_unlock(&l->mu);
    }
    for (int i = 0; l->ws && i < workers_count(l->ws); i++) {
        shutdown_job *j = malloc(sizeof *j);
        if (!j) continue;
        j->l = l;
        j->w = workers_get(l->ws, i);
        j->force = force;
        if (worker_post(j->w, shutdown_on_worker, j) < 0) free(j);
    }
}

void listener_del(listener *l)
{
    if (!l) return;
    users_del_db(atomic_load(&l->users));
    free_tls(atomic_load(&l->tls));
    for (retired *r = l->retired, *next; r; r = next) {
        next = r->next;
        users_del_db(r->users);
        free_tls(r->tls);
        free(r);
    }
    pthread_mutex_destroy(&l->mu);
    free(l);
}
