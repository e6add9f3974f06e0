/*
 * server/listener.c — TCP listeners, the connection registry, cancel routing and shutdown.
 * See listener.h.
 */
#include "server/listener.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "proto/sqlstate.h"
#include "server/conn.h"
#include "server/hba.h"
#include "server/log.h"
#include "server/metrics.h"

#define MAX_SOCKETS (CONFIG_MAX_LISTEN * 4)
#define LISTENER_PREAUTH_PER_ADDR 64 /* connections authenticating from one address */

struct listener {
    uv_loop_t *loop;
    const config *cfg;
    executor *ex;
    wiretls tls;
    bool tls_on;
    users_db *users;
    uv_tcp_t socks[MAX_SOCKETS];
    int nsocks;
    int closing_socks;
    conn *conns; /* every accepted, not yet closed connection */
    int nconns;
    int nsessions; /* of them, authenticated (max_connections counts these) */
    uint32_t next_pid;
    bool shutting_down;
};

const config *listener_config(const listener *l)
{
    return l->cfg;
}

const wiretls *listener_tls(const listener *l)
{
    return l->tls_on ? &l->tls : NULL;
}

const users_db *listener_users(const listener *l)
{
    return l->users;
}

bool listener_shutting_down(const listener *l)
{
    return l->shutting_down;
}

int listener_count(const listener *l)
{
    return l->nconns;
}

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
    c->pid = l->next_pid++;
    if (RAND_bytes((unsigned char *)&c->key, sizeof c->key) != 1) c->key = (uint32_t)rand();
}

void listener_unregister(listener *l, conn *c)
{
    if (!c->prev && l->conns != c) return; /* not linked */
    if (c->prev) c->prev->next = c->next;
    else l->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    l->nconns--;
    if (c->in_session_count) l->nsessions--;
    c->in_session_count = false;
}

int listener_session_begin(listener *l, conn *c)
{
    if (l->nsessions >= l->cfg->sql.max_connections) return -1;
    l->nsessions++;
    c->in_session_count = true;
    return 0;
}

/* Connections not yet authenticated: all of them, and those from c's address. */
static void count_preauth(const listener *l, const conn *c, int *all, int *same)
{
    *all = *same = 0;
    for (const conn *o = l->conns; o; o = o->next) {
        if (o->in_session_count) continue;
        (*all)++;
        if (o->peer.ss_family != c->peer.ss_family) continue;
        if (c->peer.ss_family == AF_INET6
                ? !memcmp(&((const struct sockaddr_in6 *)&o->peer)->sin6_addr,
                          &((const struct sockaddr_in6 *)&c->peer)->sin6_addr, 16)
                : ((const struct sockaddr_in *)&o->peer)->sin_addr.s_addr ==
                      ((const struct sockaddr_in *)&c->peer)->sin_addr.s_addr)
            (*same)++;
    }
}

void listener_cancel(listener *l, uint32_t pid, uint32_t key)
{
    for (conn *c = l->conns; c; c = c->next) {
        if (c->pid != pid || !c->sess) continue;
        /* Constant-time so the key cannot be guessed byte by byte from timing. */
        if (CRYPTO_memcmp(&c->key, &key, sizeof key) != 0) break;
        log_flood(LOG_FLOOD_CANCEL, CONFIG_LOG_INFO, "wire", "cancel request for backend %u (%s)",
                  pid, c->addr);
        l->ex->ops->cancel(c->sess);
        return;
    }
    log_flood(LOG_FLOOD_CANCEL, CONFIG_LOG_INFO, "wire",
              "cancel request for unknown backend %u ignored", pid);
}

static void on_reject_close(uv_handle_t *h)
{
    conn *c = h->data;
    pgtypes_buf_free(&c->scratch);
    free(c);
}

static void on_connection(uv_stream_t *server, int status)
{
    listener *l = server->data;
    if (status < 0) {
        log_warn("wire", "accept failed: %s", uv_strerror(status));
        return;
    }
    conn *c = conn_new(l, l->ex);
    if (!c) {
        log_error("wire", "out of memory accepting a connection");
        return;
    }
    uv_tcp_init(l->loop, &c->tcp);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
        uv_close((uv_handle_t *)&c->tcp, on_reject_close);
        return;
    }
    link_conn(l, c);
    metrics_connection_opened();
    conn_start(c); /* reads the peer address */
    /* Connections that have not logged in have a pool of their own (max_connections of them,
       at least 4 x LISTENER_PREAUTH_PER_ADDR; at most LISTENER_PREAUTH_PER_ADDR from one
       address; each for auth_timeout_s), so
       clients that never log in cannot keep anyone else from logging in: max_connections
       counts authenticated sessions (listener_session_begin). Refused only after the
       startup packet, so the client gets a readable 53300 (and a CancelRequest on a new
       connection still works at the limit). */
    int all, same;
    count_preauth(l, c, &all, &same);
    int pool = l->cfg->sql.max_connections > 4 * LISTENER_PREAUTH_PER_ADDR
                   ? l->cfg->sql.max_connections
                   : 4 * LISTENER_PREAUTH_PER_ADDR;
    c->over_limit = all > pool ? 1 : same > LISTENER_PREAUTH_PER_ADDR ? 2 : 0;
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

int listener_reload_users(listener *l, char *err, size_t errsz)
{
    if (!l->cfg->sql.auth.users_file) return 0;
    users_db *db;
    if (hba_load_users(l->cfg->sql.auth.users_file, &db, err, errsz) < 0) return -1;
    users_del_db(l->users);
    l->users = db;
    return 0;
}

int listener_reload_tls(listener *l, const char *cert, const char *key, char *err, size_t errsz)
{
    if (!l->tls_on) {
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
    wiretls fresh;
    if (wiretls_init(&fresh, cert, key, err, errsz) < 0) return -1;
    /* Live connections hold their own reference to the old SSL_CTX (SSL_new takes one). */
    wiretls_free(&l->tls);
    l->tls = fresh;
    return 0;
}

int listener_new(uv_loop_t *loop, const config *cfg, executor *ex, listener **out, char *err,
                 size_t errsz)
{
    listener *l = calloc(1, sizeof(*l));
    if (!l) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    l->loop = loop;
    l->cfg = cfg;
    l->ex = ex;
    uint32_t seed;
    RAND_bytes((unsigned char *)&seed, sizeof seed);
    l->next_pid = 1000 + (seed % 100000);
    if (cfg->sql.tls.mode != CONFIG_TLS_OFF && cfg->sql.tls.cert && cfg->sql.tls.key) {
        if (wiretls_init(&l->tls, cfg->sql.tls.cert, cfg->sql.tls.key, err, errsz) < 0)
            goto fail;
        l->tls_on = true;
    } else if (cfg->sql.tls.mode == CONFIG_TLS_REQUIRE) {
        snprintf(err, errsz, "sql.tls.mode is require but no cert/key is configured");
        goto fail;
    }
    if (listener_reload_users(l, err, errsz) < 0) goto fail_tls;
    for (int i = 0; i < cfg->sql.nlisten; i++)
        if (bind_addr(l, &cfg->sql.listen[i], err, errsz) < 0) goto fail_socks;
    *out = l;
    return 0;
fail_socks:
    for (int i = 0; i < l->nsocks; i++) uv_close((uv_handle_t *)&l->socks[i], NULL);
    /* the handles live inside l: let the loop finish closing them before freeing */
    uv_run(loop, UV_RUN_NOWAIT);
    users_del_db(l->users);
fail_tls:
    if (l->tls_on) wiretls_free(&l->tls);
fail:
    free(l);
    return -1;
}

void listener_shutdown(listener *l, bool force)
{
    if (!l->shutting_down) {
        l->shutting_down = true;
        for (int i = 0; i < l->nsocks; i++)
            if (!uv_is_closing((uv_handle_t *)&l->socks[i]))
                uv_close((uv_handle_t *)&l->socks[i], NULL);
        log_info("wire", "shutting down: %d connection(s) open", l->nconns);
    }
    for (conn *c = l->conns, *next; c; c = next) {
        next = c->next;
        if (force) {
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
}

void listener_del(listener *l)
{
    if (!l) return;
    users_del_db(l->users);
    if (l->tls_on) wiretls_free(&l->tls);
    free(l);
}
