/*
 * replication/transport.c — QUIC (ngtcp2 0.12 + GnuTLS) and HTTP/3 (nghttp3 0.8) on libuv.
 * See transport.h for the contract and /work/shared/quic/NOTES.md for the pitfalls this file
 * works around (numbers in comments refer to that list).
 *
 * Entry points, in the order a datagram travels:
 *   on_udp_recv -> endpoint_on_datagram -> (conn_new_server) -> conn_read -> ngtcp2 callbacks
 *     -> nghttp3 callbacks -> req_dispatch (server) / call_finish (client)
 *   conn_schedule -> on_conn_timer -> conn_write -> send_packet
 *   peer_dial / peer_conn_gone / on_backoff: supervision of the outgoing connections
 *   transport_del -> on_shutdown -> close callbacks -> transport_free_if_done
 *
 * Lifetime rule (12): ngtcp2_conn/nghttp3_conn/gnutls sessions are freed only in the close
 * callback of the connection's timer; work requested from inside a library callback (new
 * request, response, shutdown) is queued and done from a timer callback.
 */
#include "replication/transport.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nghttp3/nghttp3.h>
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCID_LEN 18 /* fixed so short-header packets can be routed (11) */
#define RESET_SECRET_LEN 32
#define MAX_PKT 1500
#define UDP_RXBUF (64 * 1024)
#define SEND_QUEUE_CAP 4096 /* datagrams queued in libuv on EAGAIN before we drop (8) */
#define MAX_BURST 64

static const char TLS_PRIORITY[] =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:"
    "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:%DISABLE_TLS13_COMPAT_MODE";

typedef enum { CONN_HANDSHAKE = 0, CONN_OPEN, CONN_CLOSING, CONN_DRAINING, CONN_DEAD } conn_state;

typedef struct tconn tconn;
typedef struct tcall tcall;

typedef struct tpeer {
    transport *t;
    char name[TRANSPORT_NAME_MAX];
    uint16_t id;
    struct sockaddr_storage addr;
    transport_peer_state state;
    char last_reason[TRANSPORT_REASON_MAX];
    tconn *out; /* the outgoing connection, or NULL */
    uv_timer_t backoff_timer;
    uint32_t failures; /* consecutive, for the backoff exponent */
    transport_peer_stats st;
} tpeer;

/* A request we sent (client side). Lives on c->queued until a stream is opened, then c->calls. */
struct tcall {
    tcall *prev, *next;
    tconn *c;
    tpeer *peer;
    int64_t sid;
    char method[8];
    char path[64];
    uint8_t *body;
    size_t len;
    bool body_sent;
    int status;
    uint8_t *resp;
    size_t resp_len, resp_cap;
    bool too_big, got_end;
    transport_done_cb cb; /* NULL once answered early (timeout) */
    void *arg;
    uint64_t deadline_ms; /* uv_now() based */
};

/* A request we received (server side). See transport_respond for who frees it. */
struct transport_req {
    transport_req *prev, *next;
    tconn *c; /* NULL once the connection is gone */
    int64_t sid;
    char method[8];
    char path[64];
    bool bad_header;
    uint8_t *body;
    size_t len, cap;
    uint32_t max_body;
    bool too_big, in_handler, handed_out, responded, stream_closed;
    uint8_t *resp;
    size_t resp_len;
    bool resp_sent;
};

struct tconn {
    tconn *next_conn;
    transport *t;
    tpeer *peer; /* client: the dialled peer; server: set once the certificate is verified */
    bool is_client;
    conn_state state;
    ngtcp2_conn *qc;
    gnutls_session_t tls;
    ngtcp2_crypto_conn_ref ref;
    nghttp3_conn *h3;
    int h3err; /* nghttp3 error that failed a callback, for the CONNECTION_CLOSE code */
    uv_timer_t timer;
    struct sockaddr_storage remote;
    bool refused; /* our certificate check refused the peer (already counted) */
    bool superseded; /* incoming: the same peer has dialled again; close this one */
    bool got_packet;
    char reason[TRANSPORT_REASON_MAX];
    uint8_t close_pkt[MAX_PKT];
    size_t close_len;
    tcall queued, calls;     /* sentinels of doubly linked lists */
    transport_req reqs;      /* sentinel */
    uint64_t last_cr_ts;
};

typedef struct cid_entry {
    ngtcp2_cid cid;
    tconn *c;
} cid_entry;

struct transport {
    uv_loop_t *loop;
    transport_config cfg; /* strings below are our copies */
    char self_name[TRANSPORT_NAME_MAX];
    uv_udp_t udp;
    struct sockaddr_storage local;
    uv_timer_t shutdown_timer;
    uv_timer_t sweep_timer; /* request timeouts */
    gnutls_certificate_credentials_t cred;
    uint8_t reset_secret[RESET_SECRET_LEN];
    tpeer *peers;
    int npeers;
    tconn *conns;
    uint32_t nconns, max_conns;
    cid_entry *cids;
    size_t ncids, cap_cids;
    bool closing;
    int pending_close;
    uint64_t reset_window_ms;
    uint32_t resets_in_window;
    transport_stats st;
    uint8_t rxbuf[UDP_RXBUF];
    uint8_t txbuf[MAX_PKT];
};

/* ---------------------------------------------------------------- small helpers */

static void tlog(transport *t, transport_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tlog(transport *t, transport_log_level lvl, const char *fmt, ...)
{
    char line[384];
    int n = snprintf(line, sizeof(line), "replication[%s]: ", t->self_name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (t->cfg.cb.on_log)
        t->cfg.cb.on_log(t->cfg.user_data, lvl, line);
    else if (lvl >= TRANSPORT_LOG_WARN)
        fprintf(stderr, "%s\n", line);
}

static uint64_t now_ns(void) { return uv_hrtime(); }

static void addr_str(const struct sockaddr *sa, char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        uv_ip4_name(s4, host, sizeof(host));
        port = ntohs(s4->sin_port);
        snprintf(out, n, "%s:%d", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        uv_ip6_name(s6, host, sizeof(host));
        port = ntohs(s6->sin6_port);
        snprintf(out, n, "[%s]:%d", host, port);
    } else {
        snprintf(out, n, "?");
    }
}

static socklen_t addr_len(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static int parse_addr(const char *host, uint16_t port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (!host) return TRANSPORT_EINVAL;
    if (strchr(host, ':')) return uv_ip6_addr(host, port, (struct sockaddr_in6 *)out) ? TRANSPORT_EINVAL : 0;
    return uv_ip4_addr(host, port, (struct sockaddr_in *)out) ? TRANSPORT_EINVAL : 0;
}

/* A peer's host: a literal, or a name resolved now (blocking, once, at transport_new) in the
 * family of our socket, since one UDP socket can only reach its own family. */
static int resolve_peer(const char *host, uint16_t port, int family, struct sockaddr_storage *out)
{
    if (parse_addr(host, port, out) == 0) return out->ss_family == family ? 0 : TRANSPORT_EINVAL;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    if (!host || getaddrinfo(host, NULL, &hints, &res) != 0 || !res) return TRANSPORT_EINVAL;
    memset(out, 0, sizeof(*out));
    memcpy(out, res->ai_addr, res->ai_addrlen);
    if (family == AF_INET6)
        ((struct sockaddr_in6 *)out)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)out)->sin_port = htons(port);
    freeaddrinfo(res);
    return 0;
}

static void random_bytes(void *p, size_t n)
{
    if (gnutls_rnd(GNUTLS_RND_NONCE, p, n) != 0) {
        /* gnutls_rnd does not fail once the library is initialised; keep going regardless. */
        uint8_t *b = p;
        for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rand();
    }
}

const char *transport_state_name(transport_peer_state s)
{
    switch (s) {
    case TRANSPORT_PEER_IDLE: return "idle";
    case TRANSPORT_PEER_CONNECTING: return "connecting";
    case TRANSPORT_PEER_HANDSHAKING: return "handshaking";
    case TRANSPORT_PEER_UP: return "up";
    case TRANSPORT_PEER_BACKOFF: return "backoff";
    }
    return "?";
}

const char *transport_strerror(int err)
{
    switch (err) {
    case 0: return "ok";
    case TRANSPORT_EINVAL: return "invalid argument";
    case TRANSPORT_ENOMEM: return "out of memory";
    case TRANSPORT_ENOTCONN: return "peer not connected";
    case TRANSPORT_EAGAIN: return "request window full";
    case TRANSPORT_ETOOBIG: return "body too large";
    case TRANSPORT_ECONNLOST: return "connection lost";
    case TRANSPORT_ETLS: return "TLS setup failed";
    case TRANSPORT_EIO: return "socket error";
    case TRANSPORT_ESHUTDOWN: return "transport shut down";
    case TRANSPORT_ENOPEER: return "no such peer";
    case TRANSPORT_EPROTO: return "protocol error";
    case TRANSPORT_ETIMEDOUT: return "request timed out";
    }
    return "unknown error";
}

/* ---------------------------------------------------------------- lists */

static void list_init_call(tcall *s) { s->prev = s->next = s; }
static void list_push_call(tcall *s, tcall *x)
{
    x->prev = s->prev;
    x->next = s;
    s->prev->next = x;
    s->prev = x;
}
static void list_del_call(tcall *x)
{
    x->prev->next = x->next;
    x->next->prev = x->prev;
    x->prev = x->next = x;
}
static void list_init_req(transport_req *s) { s->prev = s->next = s; }
static void list_push_req(transport_req *s, transport_req *x)
{
    x->prev = s->prev;
    x->next = s;
    s->prev->next = x;
    s->prev = x;
}
static void list_del_req(transport_req *x)
{
    x->prev->next = x->next;
    x->next->prev = x->prev;
    x->prev = x->next = x;
}

/* ---------------------------------------------------------------- connection-id table */

static int cid_add(transport *t, const ngtcp2_cid *cid, tconn *c)
{
    if (t->ncids == t->cap_cids) {
        size_t ncap = t->cap_cids ? t->cap_cids * 2 : 16;
        cid_entry *n = realloc(t->cids, ncap * sizeof(*n));
        if (!n) return TRANSPORT_ENOMEM;
        t->cids = n;
        t->cap_cids = ncap;
    }
    t->cids[t->ncids].cid = *cid;
    t->cids[t->ncids].c = c;
    t->ncids++;
    return 0;
}

static tconn *cid_find(transport *t, const uint8_t *id, size_t len)
{
    for (size_t i = 0; i < t->ncids; i++)
        if (t->cids[i].cid.datalen == len && memcmp(t->cids[i].cid.data, id, len) == 0)
            return t->cids[i].c;
    return NULL;
}

static void cid_remove(transport *t, const ngtcp2_cid *cid)
{
    for (size_t i = 0; i < t->ncids; i++)
        if (ngtcp2_cid_eq(&t->cids[i].cid, cid)) {
            t->cids[i] = t->cids[--t->ncids];
            return;
        }
}

static void cid_remove_conn(transport *t, tconn *c)
{
    for (size_t i = 0; i < t->ncids;)
        if (t->cids[i].c == c)
            t->cids[i] = t->cids[--t->ncids];
        else
            i++;
}

/* ---------------------------------------------------------------- sending */

typedef struct queued_send {
    uv_udp_send_t req;
    size_t len;
    uint8_t data[];
} queued_send;

static void on_queued_sent(uv_udp_send_t *req, int status)
{
    (void)status;
    free(req);
}

static void send_packet(transport *t, tconn *c, const struct sockaddr *to, const uint8_t *data,
                        size_t len)
{
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int rv = uv_udp_try_send(&t->udp, &b, 1, to);
    if (rv == UV_EAGAIN && uv_udp_get_send_queue_count(&t->udp) < SEND_QUEUE_CAP) {
        queued_send *q = malloc(sizeof(*q) + len);
        if (q) {
            memcpy(q->data, data, len);
            q->len = len;
            b = uv_buf_init((char *)q->data, (unsigned)len);
            if (uv_udp_send(&q->req, &t->udp, &b, 1, to, on_queued_sent) == 0)
                rv = (int)len;
            else
                free(q);
        }
    }
    if (rv < 0) return; /* dropped: QUIC loss recovery resends */
    if (c && c->peer) {
        c->peer->st.bytes_out += len;
        c->peer->st.packets_out++;
    }
}

/* ---------------------------------------------------------------- forward declarations */

static void conn_schedule(tconn *c);
static void conn_write(tconn *c);
static void conn_fail(tconn *c, const ngtcp2_connection_close_error *ccerr, const char *reason);
static void conn_close_handle(tconn *c);
static void peer_set_state(tpeer *p, transport_peer_state s, const char *reason);
static int setup_h3(tconn *c);

/* The outgoing connection is ending: stop offering it to callers now, not after the closing
 * period; the redial is scheduled when the connection is freed (peer_conn_gone). */
static void conn_note_end(tconn *c)
{
    if (c->is_client && c->peer && c->peer->out == c && !c->t->closing)
        peer_set_state(c->peer, TRANSPORT_PEER_BACKOFF, c->reason[0] ? c->reason : "connection closing");
}

/* ---------------------------------------------------------------- peer identity (mTLS) */

/* Reads CN, DNS SANs and the helios://node/<id> URI from the peer's leaf certificate. */
typedef struct cert_identity {
    char cn[TRANSPORT_NAME_MAX];
    char dns[4][TRANSPORT_NAME_MAX];
    int ndns;
    long id; /* -1 when no helios URI */
} cert_identity;

static int cert_read_identity(const gnutls_datum_t *der, cert_identity *out)
{
    gnutls_x509_crt_t crt;
    memset(out, 0, sizeof(*out));
    out->id = -1;
    if (gnutls_x509_crt_init(&crt) < 0) return -1;
    if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
        gnutls_x509_crt_deinit(crt);
        return -1;
    }
    size_t sz = sizeof(out->cn) - 1;
    if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out->cn, &sz) < 0)
        out->cn[0] = 0;
    else
        out->cn[sz < sizeof(out->cn) ? sz : sizeof(out->cn) - 1] = 0;
    for (unsigned seq = 0; seq < 32; seq++) {
        char buf[256];
        sz = sizeof(buf) - 1;
        int type = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf, &sz, NULL);
        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) break;
        if (type < 0) continue;
        buf[sz < sizeof(buf) ? sz : sizeof(buf) - 1] = 0;
        if (type == GNUTLS_SAN_DNSNAME && out->ndns < 4 && strlen(buf) < TRANSPORT_NAME_MAX) {
            strcpy(out->dns[out->ndns++], buf);
        } else if (type == GNUTLS_SAN_URI && strncmp(buf, "helios://node/", 14) == 0) {
            char *end;
            long v = strtol(buf + 14, &end, 10);
            if (*end == 0 && end != buf + 14 && v >= 1 && v <= 65535) out->id = v;
        }
    }
    gnutls_x509_crt_deinit(crt);
    return 0;
}

static bool identity_names(const cert_identity *id, const char *name)
{
    if (strcmp(id->cn, name) == 0) return true;
    for (int i = 0; i < id->ndns; i++)
        if (strcmp(id->dns[i], name) == 0) return true;
    return false;
}

static void refuse(tconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(tconn *c, const char *fmt, ...)
{
    transport *t = c->t;
    char from[80];
    addr_str((const struct sockaddr *)&c->remote, from, sizeof(from));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
    va_end(ap);
    c->refused = true;
    t->st.refused++;
    snprintf(t->st.last_refusal, sizeof(t->st.last_refusal), "%s", c->reason);
    tlog(t, TRANSPORT_LOG_WARN, "refused %s connection %s %s: %s",
         c->is_client ? "outgoing" : "incoming", c->is_client ? "to" : "from", from, c->reason);
}

/* GnuTLS certificate verification hook: chain + identity, for both roles. Non-zero aborts the
 * handshake with a TLS alert to the peer. */
static int verify_peer(gnutls_session_t s)
{
    ngtcp2_crypto_conn_ref *ref = gnutls_session_get_ptr(s);
    tconn *c = ref->user_data;
    transport *t = c->t;
    unsigned status = 0;
    int rv = gnutls_certificate_verify_peers2(s, &status);
    if (rv < 0) {
        refuse(c, "certificate verification failed: %s", gnutls_strerror(rv));
        return -1;
    }
    unsigned n = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(s, &n);
    if (!chain || n == 0) {
        refuse(c, "no certificate presented");
        return -1;
    }
    if (status != 0) {
        gnutls_datum_t msg = {NULL, 0};
        if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &msg, 0) == 0) {
            refuse(c, "certificate not trusted by the cluster CA: %s", (char *)msg.data);
            gnutls_free(msg.data);
        } else {
            refuse(c, "certificate not trusted by the cluster CA (status 0x%x)", status);
        }
        return -1;
    }
    cert_identity id;
    if (cert_read_identity(&chain[0], &id) != 0) {
        refuse(c, "certificate cannot be parsed");
        return -1;
    }
    const char *shown = id.cn[0] ? id.cn : (id.ndns ? id.dns[0] : "(no name)");
    if (c->is_client) {
        tpeer *p = c->peer;
        if (!identity_names(&id, p->name) || id.id != p->id) {
            char idtxt[24] = "no id";
            if (id.id >= 0) snprintf(idtxt, sizeof(idtxt), "id %ld", id.id);
            refuse(c, "server presented '%s' (%s), expected '%s' (id %u)", shown, idtxt, p->name, p->id);
            return -1;
        }
        return 0;
    }
    for (int i = 0; i < t->npeers; i++) {
        tpeer *p = &t->peers[i];
        if (!identity_names(&id, p->name)) continue;
        if (id.id < 0) {
            refuse(c, "certificate for '%s' carries no helios://node/<id> URI", p->name);
            return -1;
        }
        if (id.id != p->id) {
            refuse(c, "certificate for '%s' says id %ld, configured id is %u", p->name, id.id, p->id);
            return -1;
        }
        c->peer = p;
        return 0;
    }
    refuse(c, "certificate name '%s' is not a configured peer", shown);
    return -1;
}

/* ---------------------------------------------------------------- ngtcp2 callbacks */

static ngtcp2_conn *get_conn(ngtcp2_crypto_conn_ref *ref) { return ((tconn *)ref->user_data)->qc; }

static void cb_rand(uint8_t *dest, size_t len, const ngtcp2_rand_ctx *ctx)
{
    (void)ctx;
    random_bytes(dest, len);
}

static int cb_get_new_cid(ngtcp2_conn *qc, ngtcp2_cid *cid, uint8_t *token, size_t cidlen, void *ud)
{
    tconn *c = ud;
    (void)qc;
    uint8_t b[NGTCP2_MAX_CIDLEN];
    random_bytes(b, cidlen);
    ngtcp2_cid_init(cid, b, cidlen);
    if (ngtcp2_crypto_generate_stateless_reset_token(token, c->t->reset_secret, RESET_SECRET_LEN, cid) != 0)
        return NGTCP2_ERR_CALLBACK_FAILURE;
    return cid_add(c->t, cid, c) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

static int cb_remove_cid(ngtcp2_conn *qc, const ngtcp2_cid *cid, void *ud)
{
    (void)qc;
    cid_remove(((tconn *)ud)->t, cid);
    return 0;
}

static int cb_handshake_completed(ngtcp2_conn *qc, void *ud)
{
    tconn *c = ud;
    (void)qc;
    if (!c->is_client) {
        /* The certificate was checked by verify_peer during the handshake (9). */
        if (!c->peer) return NGTCP2_ERR_CALLBACK_FAILURE;
        c->state = CONN_OPEN;
        tlog(c->t, TRANSPORT_LOG_INFO, "accepted connection from %s (id %u)", c->peer->name, c->peer->id);
        /* A peer keeps one outgoing connection, so an older incoming one from it is stale (the
         * peer restarted or gave up on it): close it now instead of at its idle timeout. */
        for (tconn *o = c->t->conns; o; o = o->next_conn)
            if (o != c && !o->is_client && o->peer == c->peer && o->state == CONN_OPEN) {
                o->superseded = true;
                conn_schedule(o);
            }
    }
    return 0;
}

static int cb_handshake_confirmed(ngtcp2_conn *qc, void *ud)
{
    tconn *c = ud;
    (void)qc;
    if (c->is_client && c->peer && c->peer->out == c) {
        c->state = CONN_OPEN;
        c->peer->failures = 0;
        c->peer->st.connects++;
        peer_set_state(c->peer, TRANSPORT_PEER_UP, "");
        conn_schedule(c); /* queued calls may start now */
    }
    return 0;
}

static int cb_recv_key(ngtcp2_conn *qc, ngtcp2_crypto_level level, void *ud)
{
    (void)qc;
    if (level != NGTCP2_CRYPTO_LEVEL_APPLICATION) return 0;
    return setup_h3(ud) == 0 ? 0 : NGTCP2_ERR_CALLBACK_FAILURE;
}

static int cb_recv_stream_data(ngtcp2_conn *qc, uint32_t flags, int64_t sid, uint64_t offset,
                               const uint8_t *data, size_t len, void *ud, void *sud)
{
    tconn *c = ud;
    (void)offset;
    (void)sud;
    if (!c->h3) return 0;
    nghttp3_ssize n = nghttp3_conn_read_stream(c->h3, sid, data, len, flags & NGTCP2_STREAM_DATA_FLAG_FIN);
    if (n < 0) {
        c->h3err = (int)n;
        return NGTCP2_ERR_CALLBACK_FAILURE;
    }
    /* Framing bytes are credited here, payload bytes in recv_data/deferred_consume (4). */
    ngtcp2_conn_extend_max_stream_offset(qc, sid, (uint64_t)n);
    ngtcp2_conn_extend_max_offset(qc, (uint64_t)n);
    return 0;
}

static int cb_acked_stream_data_offset(ngtcp2_conn *qc, int64_t sid, uint64_t offset, uint64_t len,
                                       void *ud, void *sud)
{
    tconn *c = ud;
    (void)qc;
    (void)offset;
    (void)sud;
    if (!c->h3) return 0;
    int rv = nghttp3_conn_add_ack_offset(c->h3, sid, len);
    if (rv != 0) {
        c->h3err = rv;
        return NGTCP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
}

static int cb_stream_close(ngtcp2_conn *qc, uint32_t flags, int64_t sid, uint64_t app_error_code,
                           void *ud, void *sud)
{
    tconn *c = ud;
    (void)sud;
    if (!(flags & NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET)) app_error_code = NGHTTP3_H3_NO_ERROR;
    if (c->h3) {
        int rv = nghttp3_conn_close_stream(c->h3, sid, app_error_code);
        if (rv != 0 && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) {
            c->h3err = rv;
            return NGTCP2_ERR_CALLBACK_FAILURE;
        }
    }
    /* Give the client back the stream credit (4). */
    if (!c->is_client && ngtcp2_is_bidi_stream(sid) && !ngtcp2_conn_is_local_stream(qc, sid))
        ngtcp2_conn_extend_max_streams_bidi(qc, 1);
    return 0;
}

static int cb_stream_reset(ngtcp2_conn *qc, int64_t sid, uint64_t final_size, uint64_t app_error_code,
                           void *ud, void *sud)
{
    tconn *c = ud;
    (void)qc;
    (void)final_size;
    (void)app_error_code;
    (void)sud;
    if (c->h3 && nghttp3_conn_shutdown_stream_read(c->h3, sid) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

static int cb_stream_stop_sending(ngtcp2_conn *qc, int64_t sid, uint64_t app_error_code, void *ud,
                                  void *sud)
{
    return cb_stream_reset(qc, sid, 0, app_error_code, ud, sud);
}

static int cb_extend_max_stream_data(ngtcp2_conn *qc, int64_t sid, uint64_t max_data, void *ud,
                                     void *sud)
{
    tconn *c = ud;
    (void)qc;
    (void)max_data;
    (void)sud;
    if (c->h3 && nghttp3_conn_unblock_stream(c->h3, sid) != 0) return NGTCP2_ERR_CALLBACK_FAILURE;
    return 0;
}

static int cb_extend_max_remote_streams_bidi(ngtcp2_conn *qc, uint64_t max_streams, void *ud)
{
    tconn *c = ud;
    (void)qc;
    if (c->h3) nghttp3_conn_set_max_client_streams_bidi(c->h3, max_streams);
    return 0;
}

static int cb_extend_max_local_streams_bidi(ngtcp2_conn *qc, uint64_t max_streams, void *ud)
{
    (void)qc;
    (void)max_streams;
    conn_schedule(ud); /* queued calls waiting for a stream id may go */
    return 0;
}

static void fill_callbacks(ngtcp2_callbacks *cb, bool client)
{
    memset(cb, 0, sizeof(*cb));
    if (client) {
        cb->client_initial = ngtcp2_crypto_client_initial_cb;
        cb->recv_retry = ngtcp2_crypto_recv_retry_cb;
        cb->handshake_confirmed = cb_handshake_confirmed;
        cb->extend_max_local_streams_bidi = cb_extend_max_local_streams_bidi;
        cb->recv_rx_key = cb_recv_key;
    } else {
        cb->recv_client_initial = ngtcp2_crypto_recv_client_initial_cb;
        cb->extend_max_remote_streams_bidi = cb_extend_max_remote_streams_bidi;
        cb->recv_tx_key = cb_recv_key;
    }
    cb->recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb;
    cb->encrypt = ngtcp2_crypto_encrypt_cb;
    cb->decrypt = ngtcp2_crypto_decrypt_cb;
    cb->hp_mask = ngtcp2_crypto_hp_mask_cb;
    cb->update_key = ngtcp2_crypto_update_key_cb;
    cb->delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb;
    cb->delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb;
    cb->get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb;
    cb->version_negotiation = ngtcp2_crypto_version_negotiation_cb;
    cb->handshake_completed = cb_handshake_completed;
    cb->recv_stream_data = cb_recv_stream_data;
    cb->acked_stream_data_offset = cb_acked_stream_data_offset;
    cb->stream_close = cb_stream_close;
    cb->stream_reset = cb_stream_reset;
    cb->stream_stop_sending = cb_stream_stop_sending;
    cb->extend_max_stream_data = cb_extend_max_stream_data;
    cb->rand = cb_rand;
    cb->get_new_connection_id = cb_get_new_cid;
    cb->remove_connection_id = cb_remove_cid;
}

/* ---------------------------------------------------------------- HTTP/3: client side */

static void call_complete(tcall *k, int err)
{
    tpeer *p = k->peer;
    if (p->st.inflight) p->st.inflight--;
    if (k->cb) {
        if (err == 0)
            k->cb(k->arg, 0, k->status, k->resp ? k->resp : (const uint8_t *)"", k->resp_len);
        else
            k->cb(k->arg, err, 0, NULL, 0);
    }
    free(k->body);
    free(k->resp);
    free(k);
}

static nghttp3_ssize h3_read_request_body(nghttp3_conn *h3, int64_t sid, nghttp3_vec *vec, size_t veccnt,
                                          uint32_t *pflags, void *cud, void *sud)
{
    tcall *k = sud;
    (void)h3;
    (void)sid;
    (void)cud;
    if (veccnt == 0) return 0;
    *pflags |= NGHTTP3_DATA_FLAG_EOF;
    if (k->body_sent || k->len == 0) return 0;
    k->body_sent = true;
    vec[0].base = k->body; /* stays valid until the stream closes, i.e. after the ACK (3) */
    vec[0].len = k->len;
    return 1;
}

static void make_nv(nghttp3_nv *nv, const char *name, const char *value)
{
    nv->name = (uint8_t *)name;
    nv->namelen = strlen(name);
    nv->value = (uint8_t *)value;
    nv->valuelen = strlen(value);
    nv->flags = NGHTTP3_NV_FLAG_NONE;
}

/* Opens streams for queued calls; stops at the peer's stream limit. Runs from conn_write. */
static int conn_start_calls(tconn *c)
{
    while (c->h3 && c->state == CONN_OPEN && c->queued.next != &c->queued) {
        tcall *k = c->queued.next;
        int64_t sid;
        int rv = ngtcp2_conn_open_bidi_stream(c->qc, &sid, NULL);
        if (rv == NGTCP2_ERR_STREAM_ID_BLOCKED) return 0;
        if (rv != 0) return TRANSPORT_EPROTO;
        k->sid = sid;
        char clen[24];
        snprintf(clen, sizeof(clen), "%zu", k->len);
        nghttp3_nv nv[6];
        size_t nnv = 0;
        make_nv(&nv[nnv++], ":method", k->method);
        make_nv(&nv[nnv++], ":scheme", "https");
        make_nv(&nv[nnv++], ":authority", k->peer->name);
        make_nv(&nv[nnv++], ":path", k->path);
        if (k->len) {
            make_nv(&nv[nnv++], "content-type", "application/octet-stream");
            make_nv(&nv[nnv++], "content-length", clen);
        }
        nghttp3_data_reader dr = {h3_read_request_body};
        rv = nghttp3_conn_submit_request(c->h3, sid, nv, nnv, k->len ? &dr : NULL, k);
        if (rv != 0) return TRANSPORT_EPROTO;
        list_del_call(k);
        list_push_call(&c->calls, k);
        k->peer->st.requests_sent++;
    }
    return 0;
}

/* Fails calls past their deadline. An opened one is cancelled on the wire and stays on the list
 * (holding its window slot) until its stream closes. */
static void on_sweep(uv_timer_t *h)
{
    transport *t = h->data;
    uint64_t now = uv_now(t->loop);
    for (tconn *c = t->conns; c; c = c->next_conn) {
        tcall *lists[2] = {&c->queued, &c->calls};
        for (int i = 0; i < 2; i++)
            for (tcall *k = lists[i]->next, *next; k != lists[i]; k = next) {
                next = k->next;
                if (!k->cb || now < k->deadline_ms) continue;
                if (k->sid < 0) {
                    list_del_call(k);
                    call_complete(k, TRANSPORT_ETIMEDOUT);
                    continue;
                }
                k->cb(k->arg, TRANSPORT_ETIMEDOUT, 0, NULL, 0);
                k->cb = NULL;
                if (c->state == CONN_OPEN) {
                    ngtcp2_conn_shutdown_stream(c->qc, k->sid, NGHTTP3_H3_REQUEST_CANCELLED);
                    conn_schedule(c);
                }
            }
    }
}

/* ---------------------------------------------------------------- HTTP/3: server side */

static void req_free(transport_req *r)
{
    free(r->body);
    free(r->resp);
    free(r);
}

static nghttp3_ssize h3_read_response_body(nghttp3_conn *h3, int64_t sid, nghttp3_vec *vec, size_t veccnt,
                                           uint32_t *pflags, void *cud, void *sud)
{
    transport_req *r = sud;
    (void)h3;
    (void)sid;
    (void)cud;
    if (veccnt == 0) return 0;
    *pflags |= NGHTTP3_DATA_FLAG_EOF;
    if (r->resp_sent || r->resp_len == 0) return 0;
    r->resp_sent = true;
    vec[0].base = r->resp;
    vec[0].len = r->resp_len;
    return 1;
}

/* Submits the response; takes ownership of `body`. */
static int req_submit(transport_req *r, int status, uint8_t *body, size_t len, const char *ctype)
{
    tconn *c = r->c;
    char st[8], clen[24];
    snprintf(st, sizeof(st), "%d", status);
    snprintf(clen, sizeof(clen), "%zu", len);
    nghttp3_nv nv[3];
    make_nv(&nv[0], ":status", st);
    make_nv(&nv[1], "content-type", ctype);
    make_nv(&nv[2], "content-length", clen);
    r->resp = body;
    r->resp_len = len;
    r->responded = true;
    nghttp3_data_reader dr = {h3_read_response_body};
    int rv = nghttp3_conn_submit_response(c->h3, r->sid, nv, 3, &dr);
    if (rv != 0) {
        ngtcp2_conn_shutdown_stream(c->qc, r->sid, NGHTTP3_H3_INTERNAL_ERROR);
        return TRANSPORT_EPROTO;
    }
    conn_schedule(c);
    return 0;
}

static void req_reply_text(transport_req *r, int status, const char *text)
{
    size_t n = strlen(text);
    uint8_t *b = malloc(n + 1);
    if (b) memcpy(b, text, n + 1);
    req_submit(r, status, b, b ? n : 0, "text/plain");
}

/* The request is complete: route it. Called from nghttp3's end_stream callback. */
static void req_dispatch(transport_req *r)
{
    tconn *c = r->c;
    transport *t = c->t;
    if (!c->peer) {
        req_reply_text(r, 403, "peer not verified\n");
        return;
    }
    if (r->bad_header || !r->method[0] || !r->path[0]) {
        req_reply_text(r, 400, "malformed request\n");
        return;
    }
    if (strcmp(r->path, "/v1/deltas") == 0) {
        if (strcmp(r->method, "POST") != 0) {
            req_reply_text(r, 405, "use POST\n");
        } else if (r->too_big) {
            req_reply_text(r, 413, "body too large\n");
        } else if (!t->cfg.cb.on_deltas) {
            req_reply_text(r, 503, "no deltas handler\n");
        } else {
            c->peer->st.requests_served++;
            r->in_handler = true;
            r->handed_out = true;
            t->cfg.cb.on_deltas(t->cfg.user_data, r, c->peer->id, r->body ? r->body : (const uint8_t *)"",
                                r->len);
            r->in_handler = false;
            free(r->body);
            r->body = NULL;
        }
    } else if (strcmp(r->path, "/v1/status") == 0) {
        if (strcmp(r->method, "GET") != 0) {
            req_reply_text(r, 405, "use GET\n");
            return;
        }
        char *json = NULL;
        size_t len = 0;
        if (!t->cfg.cb.on_status || t->cfg.cb.on_status(t->cfg.user_data, c->peer->id, &json, &len) != 0 ||
            !json) {
            free(json);
            req_reply_text(r, 500, "status unavailable\n");
            return;
        }
        c->peer->st.requests_served++;
        req_submit(r, 200, (uint8_t *)json, len, "application/json");
    } else if (strncmp(r->path, "/v1/", 4) == 0 && t->cfg.cb.on_request) {
        if (strcmp(r->method, "POST") != 0) {
            req_reply_text(r, 405, "use POST\n");
        } else if (r->too_big) {
            req_reply_text(r, 413, "body too large\n");
        } else {
            c->peer->st.requests_served++;
            r->in_handler = true;
            r->handed_out = true;
            t->cfg.cb.on_request(t->cfg.user_data, r, c->peer->id, r->path,
                                 r->body ? r->body : (const uint8_t *)"", r->len);
            r->in_handler = false;
            free(r->body);
            r->body = NULL;
        }
    } else {
        req_reply_text(r, 404, "no such path\n");
    }
}

int transport_respond(transport_req *r, int status, const uint8_t *body, size_t len)
{
    if (!r) return TRANSPORT_EINVAL;
    if (r->responded) return TRANSPORT_EINVAL;
    if (!r->c || r->stream_closed) {
        req_free(r); /* orphaned: the stream closed while the handler held it */
        return TRANSPORT_ECONNLOST;
    }
    int rc = 0;
    if (len > r->max_body) {
        req_reply_text(r, 500, "response too large\n");
        rc = TRANSPORT_ETOOBIG;
    } else {
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) {
            r->responded = true;
            ngtcp2_conn_shutdown_stream(r->c->qc, r->sid, NGHTTP3_H3_INTERNAL_ERROR);
            conn_schedule(r->c);
            return TRANSPORT_ENOMEM;
        }
        if (len) memcpy(copy, body, len);
        if (status < 200 || status > 599) status = 500;
        rc = req_submit(r, status, copy, len, "application/octet-stream");
    }
    return rc;
}

/* ---------------------------------------------------------------- nghttp3 callbacks */

static int body_append(uint8_t **buf, size_t *len, size_t *cap, size_t max, bool *too_big,
                       const uint8_t *data, size_t n)
{
    if (*too_big) return 0;
    if (n > max - *len) {
        *too_big = true; /* keep reading (and crediting) but store nothing more */
        free(*buf);
        *buf = NULL;
        *len = *cap = 0;
        return 0;
    }
    if (*len + n > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        while (ncap < *len + n) ncap *= 2;
        if (ncap > max) ncap = max;
        uint8_t *nb = realloc(*buf, ncap);
        if (!nb) return -1;
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return 0;
}

static int h3_recv_data(nghttp3_conn *h3, int64_t sid, const uint8_t *data, size_t n, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    ngtcp2_conn_extend_max_stream_offset(c->qc, sid, n);
    ngtcp2_conn_extend_max_offset(c->qc, n);
    if (!sud) return 0;
    int rv;
    if (c->is_client) {
        tcall *k = sud;
        rv = body_append(&k->resp, &k->resp_len, &k->resp_cap, c->t->cfg.max_body, &k->too_big, data, n);
    } else {
        transport_req *r = sud;
        rv = body_append(&r->body, &r->len, &r->cap, r->max_body, &r->too_big, data, n);
    }
    return rv == 0 ? 0 : NGHTTP3_ERR_CALLBACK_FAILURE;
}

static int h3_deferred_consume(nghttp3_conn *h3, int64_t sid, size_t n, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sud;
    ngtcp2_conn_extend_max_stream_offset(c->qc, sid, n);
    ngtcp2_conn_extend_max_offset(c->qc, n);
    return 0;
}

static int h3_begin_headers(nghttp3_conn *h3, int64_t sid, void *cud, void *sud)
{
    tconn *c = cud;
    if (c->is_client || sud) return 0;
    transport_req *r = calloc(1, sizeof(*r));
    if (!r) return NGHTTP3_ERR_CALLBACK_FAILURE;
    r->c = c;
    r->sid = sid;
    r->max_body = c->t->cfg.max_body;
    list_push_req(&c->reqs, r);
    nghttp3_conn_set_stream_user_data(h3, sid, r);
    return 0;
}

static int h3_recv_header(nghttp3_conn *h3, int64_t sid, int32_t token, nghttp3_rcbuf *name,
                          nghttp3_rcbuf *value, uint8_t flags, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sid;
    (void)name;
    (void)flags;
    if (!sud) return 0;
    nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
    if (c->is_client) {
        tcall *k = sud;
        if (token == NGHTTP3_QPACK_TOKEN__STATUS && v.len == 3) {
            k->status = (v.base[0] - '0') * 100 + (v.base[1] - '0') * 10 + (v.base[2] - '0');
        }
        return 0;
    }
    transport_req *r = sud;
    if (token == NGHTTP3_QPACK_TOKEN__METHOD) {
        if (v.len >= sizeof(r->method)) r->bad_header = true;
        else {
            memcpy(r->method, v.base, v.len);
            r->method[v.len] = 0;
        }
    } else if (token == NGHTTP3_QPACK_TOKEN__PATH) {
        if (v.len >= sizeof(r->path)) r->bad_header = true;
        else {
            memcpy(r->path, v.base, v.len);
            r->path[v.len] = 0;
        }
    }
    return 0;
}

static int h3_end_stream(nghttp3_conn *h3, int64_t sid, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sid;
    if (!sud) return 0;
    if (c->is_client) {
        ((tcall *)sud)->got_end = true;
        return 0;
    }
    req_dispatch(sud);
    return 0;
}

static int h3_stream_close(nghttp3_conn *h3, int64_t sid, uint64_t app_error_code, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sid;
    if (!sud) return 0;
    if (c->is_client) {
        tcall *k = sud;
        list_del_call(k);
        int err = 0;
        if (k->too_big) err = TRANSPORT_ETOOBIG;
        else if (!k->got_end || k->status == 0 || app_error_code != NGHTTP3_H3_NO_ERROR) err = TRANSPORT_EPROTO;
        call_complete(k, err);
        return 0;
    }
    transport_req *r = sud;
    r->stream_closed = true;
    list_del_req(r);
    r->c = NULL;
    /* One held by the deltas handler is freed by its transport_respond. */
    if (!r->handed_out || r->responded) req_free(r);
    return 0;
}

static int h3_stop_sending(nghttp3_conn *h3, int64_t sid, uint64_t app_error_code, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sud;
    return ngtcp2_conn_shutdown_stream_read(c->qc, sid, app_error_code) == 0 ? 0 : NGHTTP3_ERR_CALLBACK_FAILURE;
}

static int h3_reset_stream(nghttp3_conn *h3, int64_t sid, uint64_t app_error_code, void *cud, void *sud)
{
    tconn *c = cud;
    (void)h3;
    (void)sud;
    return ngtcp2_conn_shutdown_stream_write(c->qc, sid, app_error_code) == 0 ? 0 : NGHTTP3_ERR_CALLBACK_FAILURE;
}

/* Creates the nghttp3 session and its three unidirectional streams (10). */
static int setup_h3(tconn *c)
{
    if (c->h3) return 0;
    nghttp3_callbacks cb;
    memset(&cb, 0, sizeof(cb));
    cb.stream_close = h3_stream_close;
    cb.recv_data = h3_recv_data;
    cb.deferred_consume = h3_deferred_consume;
    cb.begin_headers = h3_begin_headers;
    cb.recv_header = h3_recv_header;
    cb.end_stream = h3_end_stream;
    cb.stop_sending = h3_stop_sending;
    cb.reset_stream = h3_reset_stream;
    nghttp3_settings s;
    nghttp3_settings_default(&s);
    s.qpack_max_dtable_capacity = 4096;
    s.qpack_blocked_streams = 100;
    s.max_field_section_size = 16 * 1024; /* headers are tiny here; cap what a peer may send */
    int rv = c->is_client ? nghttp3_conn_client_new(&c->h3, &cb, &s, NULL, c)
                          : nghttp3_conn_server_new(&c->h3, &cb, &s, NULL, c);
    if (rv != 0) return -1;
    if (!c->is_client) {
        const ngtcp2_transport_params *p = ngtcp2_conn_get_local_transport_params(c->qc);
        nghttp3_conn_set_max_client_streams_bidi(c->h3, p->initial_max_streams_bidi);
    }
    int64_t ctrl, qenc, qdec;
    if (ngtcp2_conn_open_uni_stream(c->qc, &ctrl, NULL) != 0 ||
        nghttp3_conn_bind_control_stream(c->h3, ctrl) != 0 ||
        ngtcp2_conn_open_uni_stream(c->qc, &qenc, NULL) != 0 ||
        ngtcp2_conn_open_uni_stream(c->qc, &qdec, NULL) != 0 ||
        nghttp3_conn_bind_qpack_streams(c->h3, qenc, qdec) != 0)
        return -1;
    return 0;
}

/* ---------------------------------------------------------------- connection life cycle */

static void on_conn_timer(uv_timer_t *h);

static void conn_arm(tconn *c, uint64_t ms)
{
    uv_update_time(c->t->loop);
    uv_timer_start(&c->timer, on_conn_timer, ms, 0);
}

static void conn_arm_expiry(tconn *c)
{
    ngtcp2_tstamp exp = ngtcp2_conn_get_expiry(c->qc);
    if (exp == UINT64_MAX) {
        uv_timer_stop(&c->timer);
        return;
    }
    uint64_t now = now_ns();
    conn_arm(c, exp <= now ? 0 : (exp - now + 999999) / 1000000);
}

static void conn_schedule(tconn *c)
{
    if (c->state == CONN_HANDSHAKE || c->state == CONN_OPEN) conn_arm(c, 0);
}

static void on_conn_closed(uv_handle_t *h);

/* Starts the end: the handle close callback frees everything (12). */
static void conn_close_handle(tconn *c)
{
    if (c->state == CONN_DEAD) return;
    conn_note_end(c);
    c->state = CONN_DEAD;
    uv_timer_stop(&c->timer);
    c->t->pending_close++;
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

/* Closing/draining period of 3 PTO before the CIDs are forgotten. */
static void conn_enter_period(tconn *c, conn_state s)
{
    c->state = s;
    uint64_t pto = ngtcp2_conn_get_pto(c->qc);
    conn_arm(c, (3 * pto + 999999) / 1000000);
}

static void conn_fail(tconn *c, const ngtcp2_connection_close_error *ccerr, const char *reason)
{
    if (c->state >= CONN_CLOSING) return;
    if (!c->reason[0] && reason) snprintf(c->reason, sizeof(c->reason), "%s", reason);
    conn_note_end(c);
    ngtcp2_path_storage ps;
    ngtcp2_path_storage_zero(&ps);
    ngtcp2_pkt_info pi;
    ngtcp2_ssize n = ngtcp2_conn_write_connection_close(c->qc, &ps.path, &pi, c->close_pkt, sizeof(c->close_pkt),
                                                        ccerr, now_ns());
    if (n <= 0) {
        conn_close_handle(c);
        return;
    }
    c->close_len = (size_t)n;
    send_packet(c->t, c, (const struct sockaddr *)&c->remote, c->close_pkt, c->close_len);
    conn_enter_period(c, CONN_CLOSING);
}

static void conn_fail_liberr(tconn *c, int liberr, const char *what)
{
    ngtcp2_connection_close_error ccerr;
    char why[TRANSPORT_REASON_MAX];
    if (c->h3err) {
        ngtcp2_connection_close_error_set_application_error(
            &ccerr, nghttp3_err_infer_quic_app_error_code(c->h3err), NULL, 0);
        snprintf(why, sizeof(why), "%s: HTTP/3 error: %s", what, nghttp3_strerror(c->h3err));
    } else if (liberr == NGTCP2_ERR_CRYPTO) {
        uint8_t alert = ngtcp2_conn_get_tls_alert(c->qc);
        ngtcp2_connection_close_error_set_transport_error_tls_alert(&ccerr, alert, NULL, 0);
        const char *an = gnutls_alert_get_strname((gnutls_alert_description_t)alert);
        snprintf(why, sizeof(why), "%s: TLS handshake failed (alert %s)", what, an ? an : "?");
        if (!c->is_client && !c->refused && !c->peer) {
            /* The client sent no acceptable certificate (GnuTLS withholds one from another CA),
             * so verify_peer never ran: still a refusal. */
            refuse(c, "TLS handshake failed (alert %s): no certificate from the cluster CA", an ? an : "?");
        }
    } else {
        ngtcp2_connection_close_error_set_transport_error_liberr(&ccerr, liberr, NULL, 0);
        snprintf(why, sizeof(why), "%s: %s", what, ngtcp2_strerror(liberr));
    }
    conn_fail(c, &ccerr, why);
}

/* Reason text for a CONNECTION_CLOSE received from the peer. */
static void conn_remote_reason(tconn *c)
{
    if (c->reason[0]) return;
    ngtcp2_connection_close_error ccerr;
    ngtcp2_conn_get_connection_close_error(c->qc, &ccerr);
    if (ccerr.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_TRANSPORT &&
        (ccerr.error_code & ~0xffull) == NGTCP2_CRYPTO_ERROR) {
        const char *an = gnutls_alert_get_strname((gnutls_alert_description_t)(ccerr.error_code & 0xff));
        snprintf(c->reason, sizeof(c->reason), "refused by peer (TLS alert %s)", an ? an : "?");
    } else if (ccerr.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION &&
               ccerr.error_code == NGHTTP3_H3_NO_ERROR) {
        snprintf(c->reason, sizeof(c->reason), "closed by peer");
    } else {
        snprintf(c->reason, sizeof(c->reason), "closed by peer (%s error 0x%llx %.*s)",
                 ccerr.type == NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION ? "application" : "transport",
                 (unsigned long long)ccerr.error_code, (int)(ccerr.reasonlen > 60 ? 60 : ccerr.reasonlen),
                 ccerr.reason ? (const char *)ccerr.reason : "");
    }
}

static void conn_sample_stats(tconn *c)
{
    if (!c->peer) return;
    ngtcp2_conn_stat cs;
    ngtcp2_conn_get_conn_stat(c->qc, &cs);
    if (cs.congestion_recovery_start_ts != UINT64_MAX && cs.congestion_recovery_start_ts != c->last_cr_ts) {
        if (c->last_cr_ts != 0 || cs.congestion_recovery_start_ts != 0) c->peer->st.congestion_events++;
        c->last_cr_ts = cs.congestion_recovery_start_ts;
    }
    if (c->is_client && cs.first_rtt_sample_ts != UINT64_MAX) {
        c->peer->st.rtt_smoothed_us = cs.smoothed_rtt / 1000;
        c->peer->st.rtt_min_us = cs.min_rtt / 1000;
        c->peer->st.rtt_latest_us = cs.latest_rtt / 1000;
        c->peer->st.rtt_var_us = cs.rttvar / 1000;
        c->peer->st.cwnd = cs.cwnd;
    }
}

static void conn_read(tconn *c, const struct sockaddr *from, const uint8_t *data, size_t len)
{
    transport *t = c->t;
    if (c->state == CONN_CLOSING) {
        /* Repeat our CONNECTION_CLOSE for a peer that missed it. */
        if (c->close_len) send_packet(t, c, from, c->close_pkt, c->close_len);
        return;
    }
    if (c->state == CONN_DRAINING || c->state == CONN_DEAD) return;
    if (c->peer) {
        c->peer->st.bytes_in += len;
        c->peer->st.packets_in++;
    }
    ngtcp2_path path = {
        .local = {(ngtcp2_sockaddr *)&t->local, addr_len((const struct sockaddr *)&t->local)},
        .remote = {(ngtcp2_sockaddr *)from, addr_len(from)},
        .user_data = NULL,
    };
    ngtcp2_pkt_info pi = {0};
    int rv = ngtcp2_conn_read_pkt(c->qc, &path, &pi, data, len, now_ns());
    if (rv == 0) {
        memcpy(&c->remote, from, addr_len(from));
        if (c->is_client && !c->got_packet && c->peer && c->peer->out == c &&
            c->peer->state == TRANSPORT_PEER_CONNECTING)
            peer_set_state(c->peer, TRANSPORT_PEER_HANDSHAKING, "");
        c->got_packet = true;
        conn_sample_stats(c);
        conn_schedule(c);
        return;
    }
    switch (rv) {
    case NGTCP2_ERR_DRAINING:
        conn_remote_reason(c);
        conn_note_end(c);
        conn_enter_period(c, CONN_DRAINING);
        return;
    case NGTCP2_ERR_DROP_CONN:
        if (!c->reason[0]) snprintf(c->reason, sizeof(c->reason), "connection dropped");
        conn_close_handle(c);
        return;
    case NGTCP2_ERR_RETRY: /* we never send Retry: nothing sensible to do */
        conn_close_handle(c);
        return;
    default:
        conn_fail_liberr(c, rv, "read");
    }
}

static void conn_write(tconn *c)
{
    transport *t = c->t;
    if (c->state != CONN_HANDSHAKE && c->state != CONN_OPEN) return;
    if (conn_start_calls(c) != 0) {
        conn_fail_liberr(c, NGTCP2_ERR_INTERNAL, "open stream");
        return;
    }
    ngtcp2_path_storage ps;
    ngtcp2_path_storage_zero(&ps);
    ngtcp2_pkt_info pi;
    uint64_t ts = now_ns();
    size_t maxlen = ngtcp2_conn_get_max_tx_udp_payload_size(c->qc);
    if (maxlen > sizeof(t->txbuf)) maxlen = sizeof(t->txbuf);
    size_t maxpkts = ngtcp2_conn_get_send_quantum(c->qc) / maxlen;
    if (maxpkts == 0) maxpkts = 1;
    if (maxpkts > MAX_BURST) maxpkts = MAX_BURST;
    for (size_t npkts = 0;;) {
        int64_t sid = -1;
        int fin = 0;
        nghttp3_vec vec[16];
        nghttp3_ssize nvec = 0;
        if (c->h3 && ngtcp2_conn_get_max_data_left(c->qc) > 0) {
            nvec = nghttp3_conn_writev_stream(c->h3, &sid, &fin, vec, 16);
            if (nvec < 0) {
                c->h3err = (int)nvec;
                conn_fail_liberr(c, NGTCP2_ERR_INTERNAL, "write");
                return;
            }
        }
        ngtcp2_ssize ndatalen = -1;
        uint32_t flags = NGTCP2_WRITE_STREAM_FLAG_MORE | (fin ? NGTCP2_WRITE_STREAM_FLAG_FIN : 0);
        ngtcp2_ssize n = ngtcp2_conn_writev_stream(c->qc, &ps.path, &pi, t->txbuf, maxlen, &ndatalen, flags, sid,
                                                   (const ngtcp2_vec *)vec, (size_t)nvec, ts);
        if (n < 0) {
            switch (n) {
            case NGTCP2_ERR_STREAM_DATA_BLOCKED:
                nghttp3_conn_block_stream(c->h3, sid);
                continue;
            case NGTCP2_ERR_STREAM_SHUT_WR:
            case NGTCP2_ERR_STREAM_NOT_FOUND:
                nghttp3_conn_shutdown_stream_write(c->h3, sid);
                continue;
            case NGTCP2_ERR_WRITE_MORE: {
                int rv = nghttp3_conn_add_write_offset(c->h3, sid, (size_t)ndatalen);
                if (rv != 0) {
                    c->h3err = rv;
                    conn_fail_liberr(c, NGTCP2_ERR_INTERNAL, "write");
                    return;
                }
                continue;
            }
            default:
                conn_fail_liberr(c, (int)n, "write");
                return;
            }
        }
        if (ndatalen >= 0 && sid >= 0) {
            int rv = nghttp3_conn_add_write_offset(c->h3, sid, (size_t)ndatalen);
            if (rv != 0) {
                c->h3err = rv;
                conn_fail_liberr(c, NGTCP2_ERR_INTERNAL, "write");
                return;
            }
        }
        if (n == 0) break;
        send_packet(t, c, (const struct sockaddr *)&c->remote, t->txbuf, (size_t)n);
        if (++npkts >= maxpkts) {
            /* Yield to the loop and continue next iteration (5). */
            ngtcp2_conn_update_pkt_tx_time(c->qc, ts);
            conn_arm(c, 0);
            return;
        }
    }
    ngtcp2_conn_update_pkt_tx_time(c->qc, ts);
    conn_arm_expiry(c);
}

static void on_conn_timer(uv_timer_t *h)
{
    tconn *c = h->data;
    if (c->state == CONN_CLOSING || c->state == CONN_DRAINING) {
        conn_close_handle(c);
        return;
    }
    if (c->state == CONN_DEAD) return;
    if (c->superseded) {
        ngtcp2_connection_close_error ccerr;
        ngtcp2_connection_close_error_set_application_error(&ccerr, NGHTTP3_H3_NO_ERROR, NULL, 0);
        conn_fail(c, &ccerr, "superseded by a newer connection from the same peer");
        return;
    }
    uint64_t now = now_ns();
    if (now >= ngtcp2_conn_get_expiry(c->qc)) {
        ngtcp2_conn_stat cs;
        ngtcp2_conn_get_conn_stat(c->qc, &cs);
        if (c->peer && cs.loss_detection_timer != UINT64_MAX && cs.loss_detection_timer <= now)
            c->peer->st.pto_count++;
        int rv = ngtcp2_conn_handle_expiry(c->qc, now);
        if (rv == NGTCP2_ERR_IDLE_CLOSE || rv == NGTCP2_ERR_HANDSHAKE_TIMEOUT) {
            /* Dropped silently, as the protocol requires. */
            if (!c->reason[0])
                snprintf(c->reason, sizeof(c->reason), "%s",
                         rv == NGTCP2_ERR_IDLE_CLOSE ? "idle timeout" : "handshake timeout");
            conn_close_handle(c);
            return;
        }
        if (rv != 0) {
            conn_fail_liberr(c, rv, "timer");
            return;
        }
        conn_sample_stats(c);
    }
    conn_write(c);
}

/* HELIOS_QUIC_TRACE=<node name>: ngtcp2's packet/frame log for that node's connections on
 * stderr (a debugging aid; very verbose). */
static void trace_printf(void *ud, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace_printf(void *ud, const char *fmt, ...)
{
    (void)ud;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
static void conn_settings(transport *t, ngtcp2_settings *s, ngtcp2_transport_params *p)
{
    ngtcp2_settings_default(s);
    const char *trace = getenv("HELIOS_QUIC_TRACE");
    if (trace && strcmp(trace, t->self_name) == 0) s->log_printf = trace_printf;
    s->initial_ts = now_ns();
    s->initial_rtt = (uint64_t)t->cfg.initial_rtt_ms * NGTCP2_MILLISECONDS; /* pitfall 1 */
    s->cc_algo = NGTCP2_CC_ALGO_CUBIC;
    s->max_window = 24 * 1024 * 1024;
    s->max_stream_window = 16 * 1024 * 1024;
    s->handshake_timeout = (uint64_t)t->cfg.handshake_timeout_ms * NGTCP2_MILLISECONDS;
    ngtcp2_transport_params_default(p);
    p->initial_max_stream_data_bidi_local = 1024 * 1024;
    p->initial_max_stream_data_bidi_remote = 1024 * 1024;
    p->initial_max_stream_data_uni = 1024 * 1024;
    p->initial_max_data = 4 * 1024 * 1024;
    p->initial_max_streams_bidi = 100;
    p->initial_max_streams_uni = 3;
    p->max_idle_timeout = (uint64_t)t->cfg.idle_timeout_ms * NGTCP2_MILLISECONDS;
    p->max_ack_delay = (uint64_t)t->cfg.max_ack_delay_ms * NGTCP2_MILLISECONDS; /* pitfall 2 */
    p->active_connection_id_limit = 4;
}

static int conn_tls_init(tconn *c, const char *sni)
{
    transport *t = c->t;
    if (gnutls_init(&c->tls, c->is_client ? GNUTLS_CLIENT : GNUTLS_SERVER) != 0) return -1;
    if (gnutls_priority_set_direct(c->tls, TLS_PRIORITY, NULL) != 0) return -1;
    if ((c->is_client ? ngtcp2_crypto_gnutls_configure_client_session(c->tls)
                      : ngtcp2_crypto_gnutls_configure_server_session(c->tls)) != 0)
        return -1;
    if (gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, t->cred) != 0) return -1;
    gnutls_datum_t alpn = {(unsigned char *)"h3", 2};
    unsigned aflags = GNUTLS_ALPN_MANDATORY | (c->is_client ? 0 : GNUTLS_ALPN_SERVER_PRECEDENCE);
    if (gnutls_alpn_set_protocols(c->tls, &alpn, 1, aflags) != 0) return -1;
    if (c->is_client) {
        if (gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, sni, strlen(sni)) != 0) return -1;
    } else {
        gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUIRE);
    }
    c->ref.get_conn = get_conn;
    c->ref.user_data = c;
    gnutls_session_set_ptr(c->tls, &c->ref);
    ngtcp2_conn_set_tls_native_handle(c->qc, c->tls);
    return 0;
}

static tconn *conn_alloc(transport *t, bool client, const struct sockaddr *remote)
{
    tconn *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->t = t;
    c->is_client = client;
    memcpy(&c->remote, remote, addr_len(remote));
    list_init_call(&c->queued);
    list_init_call(&c->calls);
    list_init_req(&c->reqs);
    uv_timer_init(t->loop, &c->timer);
    c->timer.data = c;
    c->next_conn = t->conns;
    t->conns = c;
    t->nconns++;
    return c;
}

static tconn *conn_new_client(tpeer *p)
{
    transport *t = p->t;
    tconn *c = conn_alloc(t, true, (const struct sockaddr *)&p->addr);
    if (!c) return NULL;
    c->peer = p;
    uint8_t b[SCID_LEN];
    ngtcp2_cid dcid, scid;
    random_bytes(b, sizeof(b));
    ngtcp2_cid_init(&dcid, b, sizeof(b));
    random_bytes(b, sizeof(b));
    ngtcp2_cid_init(&scid, b, sizeof(b));
    ngtcp2_path path = {
        .local = {(ngtcp2_sockaddr *)&t->local, addr_len((const struct sockaddr *)&t->local)},
        .remote = {(ngtcp2_sockaddr *)&c->remote, addr_len((const struct sockaddr *)&c->remote)},
        .user_data = NULL,
    };
    ngtcp2_callbacks cb;
    ngtcp2_settings s;
    ngtcp2_transport_params prm;
    fill_callbacks(&cb, true);
    conn_settings(t, &s, &prm);
    if (ngtcp2_conn_client_new(&c->qc, &dcid, &scid, &path, NGTCP2_PROTO_VER_V1, &cb, &s, &prm, NULL, c) != 0 ||
        conn_tls_init(c, p->name) != 0 || cid_add(t, &scid, c) != 0) {
        snprintf(c->reason, sizeof(c->reason), "cannot create connection");
        conn_close_handle(c);
        return NULL;
    }
    ngtcp2_conn_set_keep_alive_timeout(c->qc, (uint64_t)t->cfg.keepalive_ms * NGTCP2_MILLISECONDS);
    conn_schedule(c);
    return c;
}

static tconn *conn_new_server(transport *t, const struct sockaddr *from, const ngtcp2_pkt_hd *hd)
{
    tconn *c = conn_alloc(t, false, from);
    if (!c) return NULL;
    uint8_t b[SCID_LEN];
    ngtcp2_cid scid;
    random_bytes(b, sizeof(b));
    ngtcp2_cid_init(&scid, b, sizeof(b));
    ngtcp2_path path = {
        .local = {(ngtcp2_sockaddr *)&t->local, addr_len((const struct sockaddr *)&t->local)},
        .remote = {(ngtcp2_sockaddr *)&c->remote, addr_len(from)},
        .user_data = NULL,
    };
    ngtcp2_callbacks cb;
    ngtcp2_settings s;
    ngtcp2_transport_params prm;
    fill_callbacks(&cb, false);
    conn_settings(t, &s, &prm);
    prm.original_dcid = hd->dcid;
    prm.stateless_reset_token_present = 1;
    if (ngtcp2_crypto_generate_stateless_reset_token(prm.stateless_reset_token, t->reset_secret,
                                                     RESET_SECRET_LEN, &scid) != 0 ||
        ngtcp2_conn_server_new(&c->qc, &hd->scid, &scid, &path, hd->version, &cb, &s, &prm, NULL, c) != 0 ||
        conn_tls_init(c, NULL) != 0 || cid_add(t, &scid, c) != 0 || cid_add(t, &hd->dcid, c) != 0) {
        conn_close_handle(c);
        return NULL;
    }
    ngtcp2_conn_set_keep_alive_timeout(c->qc, (uint64_t)t->cfg.keepalive_ms * NGTCP2_MILLISECONDS);
    return c;
}

static void peer_conn_gone(tpeer *p, const char *reason);

static void transport_free_if_done(transport *t);

static void on_conn_closed(uv_handle_t *h)
{
    tconn *c = h->data;
    transport *t = c->t;
    t->pending_close--;
    for (tconn **pp = &t->conns; *pp; pp = &(*pp)->next_conn)
        if (*pp == c) {
            *pp = c->next_conn;
            break;
        }
    t->nconns--;
    cid_remove_conn(t, c);
    if (c->h3) nghttp3_conn_del(c->h3);
    if (c->qc) ngtcp2_conn_del(c->qc);
    if (c->tls) gnutls_deinit(c->tls);
    /* Requests handed to the deltas handler stay alive until it answers. */
    while (c->reqs.next != &c->reqs) {
        transport_req *r = c->reqs.next;
        list_del_req(r);
        r->c = NULL;
        if (!r->handed_out || r->responded) req_free(r);
    }
    int err = t->closing ? TRANSPORT_ESHUTDOWN : TRANSPORT_ECONNLOST;
    tcall *lists[2] = {&c->calls, &c->queued};
    for (int i = 0; i < 2; i++)
        while (lists[i]->next != lists[i]) {
            tcall *k = lists[i]->next;
            list_del_call(k);
            call_complete(k, err);
        }
    if (c->is_client && c->peer && c->peer->out == c) {
        c->peer->out = NULL;
        peer_conn_gone(c->peer, c->reason[0] ? c->reason : "connection closed");
    }
    free(c);
    transport_free_if_done(t);
}

/* ---------------------------------------------------------------- endpoint */

/*
 * A short-header packet for a connection we do not know: most likely a peer still talking to
 * our previous incarnation (restart, kill -9). Answer with a stateless reset so it gives up now
 * instead of after its idle timeout. The token secret is derived from our private key, so it
 * is the same across restarts. Resets are smaller than the packet that caused them (no reset
 * loops) and rate-limited.
 */
static void endpoint_send_reset(transport *t, const struct sockaddr *from, const ngtcp2_version_cid *vc,
                                size_t len)
{
    if (vc->dcidlen != SCID_LEN || len < 22) return;
    uint64_t now = uv_now(t->loop);
    if (now - t->reset_window_ms >= 1000) {
        t->reset_window_ms = now;
        t->resets_in_window = 0;
    }
    if (t->resets_in_window >= 100) return;
    ngtcp2_cid cid;
    ngtcp2_cid_init(&cid, vc->dcid, vc->dcidlen);
    uint8_t token[NGTCP2_STATELESS_RESET_TOKENLEN], rnd[64], pkt[64];
    if (ngtcp2_crypto_generate_stateless_reset_token(token, t->reset_secret, RESET_SECRET_LEN, &cid) != 0) return;
    size_t total = len - 1 < 43 ? len - 1 : 43;
    size_t randlen = total - NGTCP2_STATELESS_RESET_TOKENLEN;
    random_bytes(rnd, randlen);
    ngtcp2_ssize n = ngtcp2_pkt_write_stateless_reset(pkt, sizeof(pkt), token, rnd, randlen);
    if (n <= 0) return;
    t->resets_in_window++;
    t->st.resets_sent++;
    send_packet(t, NULL, from, pkt, (size_t)n);
}

/*
 * A stateless reset carries a random DCID, so it cannot be routed by CID: offer it to the
 * connections talking to that address; ngtcp2 recognises the token and enters draining.
 * Returns true when one of them took it as a reset.
 */
static bool endpoint_try_reset(transport *t, const struct sockaddr *from, const uint8_t *data, size_t len)
{
    if (len < 21) return false;
    for (tconn *c = t->conns; c; c = c->next_conn) {
        if ((c->state != CONN_HANDSHAKE && c->state != CONN_OPEN) ||
            memcmp(&c->remote, from, addr_len(from)) != 0)
            continue;
        ngtcp2_path path = {
            .local = {(ngtcp2_sockaddr *)&t->local, addr_len((const struct sockaddr *)&t->local)},
            .remote = {(ngtcp2_sockaddr *)from, addr_len(from)},
            .user_data = NULL,
        };
        ngtcp2_pkt_info pi = {0};
        if (ngtcp2_conn_read_pkt(c->qc, &path, &pi, data, len, now_ns()) == NGTCP2_ERR_DRAINING) {
            snprintf(c->reason, sizeof(c->reason), "peer restarted (stateless reset)");
            conn_note_end(c);
            conn_enter_period(c, CONN_DRAINING);
            return true;
        }
    }
    return false;
}

static void endpoint_on_datagram(transport *t, const struct sockaddr *from, const uint8_t *data, size_t len)
{
    t->st.datagrams_in++;
    ngtcp2_version_cid vc;
    /* ngtcp2 asserts on an empty datagram (found by fuzz_repl_datagram). */
    int rv = len ? ngtcp2_pkt_decode_version_cid(&vc, data, len, SCID_LEN) : -1;
    if (rv != 0) {
        t->st.datagrams_dropped++; /* includes version negotiation: we speak v1 only */
        return;
    }
    tconn *c = cid_find(t, vc.dcid, vc.dcidlen);
    if (!c) {
        ngtcp2_pkt_hd hd;
        if (t->closing || t->nconns >= t->max_conns || ngtcp2_accept(&hd, data, len) != 0) {
            t->st.datagrams_dropped++;
            if (!t->closing && !(data[0] & 0x80) && !endpoint_try_reset(t, from, data, len))
                endpoint_send_reset(t, from, &vc, len);
            return;
        }
        c = conn_new_server(t, from, &hd);
        if (!c) {
            t->st.datagrams_dropped++;
            return;
        }
    }
    conn_read(c, from, data, len);
}

void transport_inject_datagram(transport *t, const struct sockaddr *from, const uint8_t *data, size_t len)
{
    endpoint_on_datagram(t, from, data, len);
}

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    transport *t = h->data;
    (void)suggested;
    *buf = uv_buf_init((char *)t->rxbuf, sizeof(t->rxbuf));
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr,
                        unsigned flags)
{
    transport *t = h->data;
    (void)buf;
    (void)flags;
    if (nread <= 0 || !addr || t->closing) return;
    endpoint_on_datagram(t, addr, (const uint8_t *)buf->base, (size_t)nread);
}

/* ---------------------------------------------------------------- supervision */

static void peer_set_state(tpeer *p, transport_peer_state s, const char *reason)
{
    transport *t = p->t;
    if (reason && reason[0]) snprintf(p->last_reason, sizeof(p->last_reason), "%s", reason);
    if (p->state == s) return;
    p->state = s;
    tlog(t, s == TRANSPORT_PEER_UP || s == TRANSPORT_PEER_BACKOFF ? TRANSPORT_LOG_INFO : TRANSPORT_LOG_DEBUG,
         "peer %s (id %u): %s%s%s", p->name, p->id, transport_state_name(s), reason && reason[0] ? ": " : "",
         reason ? reason : "");
    if (t->cfg.cb.on_peer_state) t->cfg.cb.on_peer_state(t->cfg.user_data, p->id, s, reason ? reason : "");
}

static void peer_dial(tpeer *p)
{
    transport *t = p->t;
    if (t->closing) return;
    p->st.attempts++;
    p->out = conn_new_client(p);
    if (!p->out) {
        peer_conn_gone(p, "cannot create connection");
        return;
    }
    peer_set_state(p, TRANSPORT_PEER_CONNECTING, "");
}

static void on_backoff(uv_timer_t *h) { peer_dial(h->data); }

static void peer_conn_gone(tpeer *p, const char *reason)
{
    transport *t = p->t;
    if (t->closing) {
        peer_set_state(p, TRANSPORT_PEER_IDLE, reason);
        return;
    }
    uint32_t exp = p->failures < 16 ? p->failures : 16;
    uint64_t d = (uint64_t)t->cfg.backoff_min_ms << exp;
    if (d > t->cfg.backoff_max_ms) d = t->cfg.backoff_max_ms;
    uint32_t r;
    random_bytes(&r, sizeof(r));
    uint64_t delay = d / 2 + (d / 2 ? r % (d / 2 + 1) : 0); /* uniform in [d/2, d] */
    p->failures++;
    peer_set_state(p, TRANSPORT_PEER_BACKOFF, reason);
    uv_timer_start(&p->backoff_timer, on_backoff, delay, 0);
}

/* ---------------------------------------------------------------- public API */

static void on_handle_closed(uv_handle_t *h)
{
    transport *t = h->data;
    t->pending_close--;
    transport_free_if_done(t);
}

static void on_peer_timer_closed(uv_handle_t *h)
{
    transport *t = ((tpeer *)h->data)->t;
    t->pending_close--;
    transport_free_if_done(t);
}

static void transport_free_if_done(transport *t)
{
    if (!t->closing || t->pending_close > 0 || t->conns) return;
    if (t->cred) gnutls_certificate_free_credentials(t->cred);
    free(t->peers);
    free(t->cids);
    free(t);
}

static void on_shutdown(uv_timer_t *h)
{
    transport *t = h->data;
    ngtcp2_connection_close_error ccerr;
    ngtcp2_connection_close_error_set_application_error(&ccerr, NGHTTP3_H3_NO_ERROR, NULL, 0);
    /* Close callbacks run in a later loop phase, so none can free the transport half-way. */
    for (tconn *c = t->conns; c; c = c->next_conn) {
        if (c->state == CONN_HANDSHAKE || c->state == CONN_OPEN) {
            snprintf(c->reason, sizeof(c->reason), "shutting down");
            conn_fail(c, &ccerr, "shutting down");
        }
        conn_close_handle(c);
    }
    for (int i = 0; i < t->npeers; i++) {
        t->pending_close++;
        uv_close((uv_handle_t *)&t->peers[i].backoff_timer, on_peer_timer_closed);
    }
    t->pending_close += 3;
    uv_close((uv_handle_t *)&t->sweep_timer, on_handle_closed);
    uv_close((uv_handle_t *)&t->udp, on_handle_closed);
    uv_close((uv_handle_t *)&t->shutdown_timer, on_handle_closed);
}

void transport_del(transport *t)
{
    if (!t || t->closing) return;
    t->closing = true;
    /* Deferred so transport_del is safe inside any callback, even one ngtcp2 is running. */
    uv_timer_start(&t->shutdown_timer, on_shutdown, 0, 0);
}

/* SHA-256 over a label and the private key file: secret, and stable across restarts, so a
 * restarted node can reset connections of its previous incarnation. */
static void derive_reset_secret(const char *key_file, uint8_t out[RESET_SECRET_LEN])
{
    static const char label[] = "helios stateless reset v1";
    uint8_t buf[16384];
    size_t n = sizeof(label);
    memcpy(buf, label, sizeof(label));
    FILE *f = fopen(key_file, "rb");
    if (f) {
        n += fread(buf + n, 1, sizeof(buf) - n, f);
        fclose(f);
    }
    if (!f || gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, n, out) != 0) random_bytes(out, RESET_SECRET_LEN);
    gnutls_memset(buf, 0, sizeof(buf));
}

int transport_new(uv_loop_t *loop, const transport_config *cfg, transport **out)
{
    *out = NULL;
    if (!loop || !cfg || !cfg->self_name || strlen(cfg->self_name) == 0 ||
        strlen(cfg->self_name) >= TRANSPORT_NAME_MAX || cfg->self_id == 0 || cfg->npeers < 0 ||
        cfg->npeers > TRANSPORT_MAX_PEERS || (cfg->npeers && !cfg->peers) || !cfg->ca_file || !cfg->cert_file ||
        !cfg->key_file)
        return TRANSPORT_EINVAL;
    transport *t = calloc(1, sizeof(*t));
    if (!t) return TRANSPORT_ENOMEM;
    int rc = TRANSPORT_EINVAL;
    t->loop = loop;
    t->cfg = *cfg;
    snprintf(t->self_name, sizeof(t->self_name), "%s", cfg->self_name);
    t->cfg.self_name = t->self_name;
    t->cfg.peers = NULL;
#define DEFAULT(f, v) \
    if (!t->cfg.f) t->cfg.f = (v)
    DEFAULT(max_body, 16u * 1024 * 1024);
    DEFAULT(max_inflight, 64);
    DEFAULT(initial_rtt_ms, 10);
    DEFAULT(max_ack_delay_ms, 5);
    /* A cut link must show down within seconds and come back within about two seconds of
     * the heal: a PING every second keeps a healthy connection busy, 6 s of silence ends a
     * dead one (rather than QUIC retransmitting into it with ever longer PTOs), and redials
     * back off to at most 2 s, each attempt giving up after 3 s. */
    DEFAULT(idle_timeout_ms, 6000);
    DEFAULT(keepalive_ms, 1000);
    DEFAULT(handshake_timeout_ms, 3000);
    DEFAULT(backoff_min_ms, 100);
    DEFAULT(backoff_max_ms, 2000);
    DEFAULT(request_timeout_ms, 30000);
#undef DEFAULT
    t->max_conns = 4 * (uint32_t)cfg->npeers + 16;
    struct sockaddr_storage bind_addr;
    if (parse_addr(cfg->listen_host, cfg->listen_port, &bind_addr) != 0) {
        tlog(t, TRANSPORT_LOG_ERROR, "bad listen address '%s'", cfg->listen_host ? cfg->listen_host : "");
        goto err_free;
    }
    t->npeers = cfg->npeers;
    t->peers = calloc(cfg->npeers ? (size_t)cfg->npeers : 1, sizeof(tpeer));
    if (!t->peers) {
        rc = TRANSPORT_ENOMEM;
        goto err_free;
    }
    for (int i = 0; i < cfg->npeers; i++) {
        const transport_peer_config *pc = &cfg->peers[i];
        tpeer *p = &t->peers[i];
        if (!pc->name || !pc->name[0] || strlen(pc->name) >= TRANSPORT_NAME_MAX || pc->id == 0 ||
            pc->id == cfg->self_id || pc->port == 0 ||
            resolve_peer(pc->host, pc->port, bind_addr.ss_family, &p->addr) != 0) {
            tlog(t, TRANSPORT_LOG_ERROR, "peers[%d]: bad name, id or address (or not %s)", i,
                 bind_addr.ss_family == AF_INET6 ? "IPv6 like the listen address" : "IPv4 like the listen address");
            goto err_free;
        }
        for (int j = 0; j < i; j++)
            if (cfg->peers[j].id == pc->id || strcmp(cfg->peers[j].name, pc->name) == 0) {
                tlog(t, TRANSPORT_LOG_ERROR, "peers[%d]: duplicate name or id", i);
                goto err_free;
            }
        p->t = t;
        p->id = pc->id;
        snprintf(p->name, sizeof(p->name), "%s", pc->name);
        p->st.id = p->id;
        snprintf(p->st.name, sizeof(p->st.name), "%s", p->name);
    }

    rc = TRANSPORT_ETLS;
    if (gnutls_certificate_allocate_credentials(&t->cred) != 0) goto err_free;
    int n = gnutls_certificate_set_x509_trust_file(t->cred, cfg->ca_file, GNUTLS_X509_FMT_PEM);
    if (n <= 0) {
        tlog(t, TRANSPORT_LOG_ERROR, "cannot load CA file %s: %s", cfg->ca_file,
             n < 0 ? gnutls_strerror(n) : "no certificate");
        goto err_cred;
    }
    n = gnutls_certificate_set_x509_key_file(t->cred, cfg->cert_file, cfg->key_file, GNUTLS_X509_FMT_PEM);
    if (n < 0) {
        tlog(t, TRANSPORT_LOG_ERROR, "cannot load certificate %s / key %s: %s", cfg->cert_file, cfg->key_file,
             gnutls_strerror(n));
        goto err_cred;
    }
    gnutls_certificate_set_verify_function(t->cred, verify_peer);
    derive_reset_secret(cfg->key_file, t->reset_secret);

    rc = TRANSPORT_EIO;
    if (uv_udp_init_ex(loop, &t->udp, bind_addr.ss_family) != 0) goto err_cred;
    t->udp.data = t;
    int uvrc = uv_udp_bind(&t->udp, (const struct sockaddr *)&bind_addr, 0);
    int len = sizeof(t->local);
    if (uvrc == 0) uvrc = uv_udp_getsockname(&t->udp, (struct sockaddr *)&t->local, &len);
    if (uvrc == 0) uvrc = uv_udp_recv_start(&t->udp, on_udp_alloc, on_udp_recv);
    if (uvrc != 0) {
        tlog(t, TRANSPORT_LOG_ERROR, "cannot bind %s:%u: %s", cfg->listen_host, cfg->listen_port,
             uv_strerror(uvrc));
        goto err_udp;
    }
    int bufsz = 4 * 1024 * 1024;
    uv_recv_buffer_size((uv_handle_t *)&t->udp, &bufsz);
    bufsz = 4 * 1024 * 1024;
    uv_send_buffer_size((uv_handle_t *)&t->udp, &bufsz);
    uv_timer_init(loop, &t->shutdown_timer);
    t->shutdown_timer.data = t;
    uv_timer_init(loop, &t->sweep_timer);
    t->sweep_timer.data = t;
    uint64_t sweep = t->cfg.request_timeout_ms / 4 < 250 ? t->cfg.request_timeout_ms / 4 + 1 : 250;
    uv_timer_start(&t->sweep_timer, on_sweep, sweep, sweep);
    for (int i = 0; i < t->npeers; i++) {
        uv_timer_init(loop, &t->peers[i].backoff_timer);
        t->peers[i].backoff_timer.data = &t->peers[i];
    }
    /* The caller's strings are not ours to keep. */
    t->cfg.listen_host = t->cfg.ca_file = t->cfg.cert_file = t->cfg.key_file = NULL;
    /* Dial from the loop, so no callback runs inside transport_new. */
    for (int i = 0; i < t->npeers; i++) uv_timer_start(&t->peers[i].backoff_timer, on_backoff, 0, 0);
    *out = t;
    return 0;

err_udp:
    /* The handle is registered with the loop: free the transport from its close callback. */
    t->closing = true;
    t->pending_close++;
    uv_close((uv_handle_t *)&t->udp, on_handle_closed);
    return rc;
err_cred:
    gnutls_certificate_free_credentials(t->cred);
err_free:
    free(t->peers);
    free(t);
    return rc;
}

uint16_t transport_port(const transport *t)
{
    const struct sockaddr *sa = (const struct sockaddr *)&t->local;
    if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static tpeer *peer_find(const transport *t, uint16_t id)
{
    for (int i = 0; i < t->npeers; i++)
        if (t->peers[i].id == id) return &t->peers[i];
    return NULL;
}

int transport_request(transport *t, uint16_t peer_id, const char *method, const char *path,
                      const uint8_t *body, size_t len, transport_done_cb cb, void *arg)
{
    if (!t || !cb || !method || !path || (len && !body) || strlen(method) >= sizeof(((tcall *)0)->method) ||
        strlen(path) >= sizeof(((tcall *)0)->path))
        return TRANSPORT_EINVAL;
    if (t->closing) return TRANSPORT_ESHUTDOWN;
    tpeer *p = peer_find(t, peer_id);
    if (!p) return TRANSPORT_ENOPEER;
    if (len > t->cfg.max_body) return TRANSPORT_ETOOBIG;
    if (p->state != TRANSPORT_PEER_UP || !p->out) return TRANSPORT_ENOTCONN;
    if (p->st.inflight >= t->cfg.max_inflight) return TRANSPORT_EAGAIN;
    tcall *k = calloc(1, sizeof(*k));
    if (!k) return TRANSPORT_ENOMEM;
    if (len) {
        k->body = malloc(len);
        if (!k->body) {
            free(k);
            return TRANSPORT_ENOMEM;
        }
        memcpy(k->body, body, len);
    }
    k->len = len;
    k->sid = -1;
    k->c = p->out;
    k->peer = p;
    k->cb = cb;
    k->arg = arg;
    k->deadline_ms = uv_now(t->loop) + t->cfg.request_timeout_ms;
    snprintf(k->method, sizeof(k->method), "%s", method);
    snprintf(k->path, sizeof(k->path), "%s", path);
    list_init_call(k);
    list_push_call(&p->out->queued, k);
    p->st.inflight++;
    conn_schedule(p->out);
    return 0;
}

int transport_post_deltas(transport *t, uint16_t peer_id, const uint8_t *body, size_t len,
                          transport_done_cb done_cb, void *arg)
{
    if (len && !body) return TRANSPORT_EINVAL;
    return transport_request(t, peer_id, "POST", "/v1/deltas", body, len, done_cb, arg);
}

int transport_get_status(transport *t, uint16_t peer_id, transport_done_cb done_cb, void *arg)
{
    return transport_request(t, peer_id, "GET", "/v1/status", NULL, 0, done_cb, arg);
}

int transport_peer_info(transport *t, uint16_t peer_id, transport_peer_stats *out)
{
    tpeer *p = peer_find(t, peer_id);
    if (!p) return TRANSPORT_ENOPEER;
    if (p->out && p->state == TRANSPORT_PEER_UP) conn_sample_stats(p->out);
    *out = p->st;
    out->state = p->state;
    snprintf(out->last_reason, sizeof(out->last_reason), "%s", p->last_reason);
    return 0;
}

transport_peer_state transport_peer_get_state(const transport *t, uint16_t peer_id)
{
    tpeer *p = peer_find(t, peer_id);
    return p ? p->state : TRANSPORT_PEER_IDLE;
}

void transport_get_stats(const transport *t, transport_stats *out)
{
    *out = t->st;
    out->connections = t->nconns;
}
