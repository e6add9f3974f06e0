/*
 * replication/transport.h — the replication transport: QUIC + HTTP/3 between nodes, mutual TLS.
 *
 * A transport moves opaque byte batches between the nodes of a cluster. It owns one UDP socket
 * (bound to the configured address, IPv4 or IPv6) that both accepts and dials; QUIC
 * connections (ngtcp2 0.12 + its GnuTLS helper, TLS 1.3, ALPN "h3") are routed by connection
 * id, and HTTP/3 (nghttp3) frames the RPCs:
 *
 *   POST /v1/deltas   body: a binary batch (opaque here)  -> 200 + body from the deltas handler
 *   GET  /v1/status                                       -> 200 + JSON from the status handler
 *   POST /v1/<other>  body: opaque                        -> the generic request handler
 *
 * Topology. In HTTP/3 only the client sends requests, so every node dials every configured
 * peer (its *outgoing* connection carries the requests it makes) and accepts the peers' own
 * dials (*incoming* connections carry requests made to it). A pair of nodes therefore holds two
 * connections. The per-peer state reported here is the state of the outgoing connection.
 *
 * Identity (mutual TLS). Every node certificate is signed by the cluster CA, usable for both
 * TLS server and client auth (EKU serverAuth+clientAuth), and names its node twice:
 *   - subject CN = node name, and/or a SAN DNS name = node name;
 *   - a SAN URI "helios://node/<id>" with the decimal node id (1..65535).
 * A connection is accepted only when the chain verifies against the configured CA, the name
 * (CN or any DNS SAN) is a configured peer's name and the URI SAN's id equals that peer's id;
 * on an outgoing connection the name must moreover be the peer dialled. Anything else is
 * refused during the TLS handshake (the peer receives a TLS alert), counted in
 * transport_stats.refused and logged with the reason. `heliosctl init-cluster` creates such
 * certificates with OpenSSL as tests/unit/replication/harness.h (harness_make_cert) does;
 * replication/README.md has the recipe:
 *   subject "/CN=<name>", subjectAltName "DNS:<name>,URI:helios://node/<id>[,IP:<ip>]",
 *   basicConstraints CA:FALSE, keyUsage digitalSignature, extendedKeyUsage serverAuth,clientAuth.
 * A request is served only on a connection whose peer identity was verified.
 *
 * Supervision. Each peer's outgoing connection goes IDLE -> CONNECTING (Initial sent) ->
 * HANDSHAKING (first answer received) -> UP (handshake confirmed: the peer has accepted our
 * certificate). Any failure (handshake refused or timed out, idle timeout, peer closed, stateless
 * reset) moves it to BACKOFF with the reason; it is dialled again after an exponential delay
 * (backoff_min_ms doubling up to backoff_max_ms) with jitter (a uniform draw from [d/2, d]).
 * Keep-alive PINGs (keepalive_ms) keep an idle connection open; idle_timeout_ms closes a dead one.
 * When a peer dials again, its older incoming connection is closed (it is stale: a node keeps
 * one outgoing connection per peer).
 *
 * Threading and lifetime. Everything runs on the loop thread given to transport_new(); no
 * function here is thread-safe. Callbacks are never made from inside transport_* calls, only
 * from the loop, so a callback may call any transport_* function (including transport_del).
 * transport_del() closes every connection (CONNECTION_CLOSE, H3_NO_ERROR) and every handle;
 * memory is released in the close callbacks, so run the loop until it returns afterwards.
 *
 * Limits. Request and response bodies are capped (max_body, default 16 MiB): a larger request
 * body is answered 413, a larger response fails the call with TRANSPORT_ETOOBIG. At most
 * max_inflight requests per peer are outstanding (default 64); more fail with TRANSPORT_EAGAIN.
 * A malformed request (no :method/:path, unknown path, wrong method) is answered 4xx.
 *
 * Restarts. A short-header packet for an unknown connection is answered with a stateless reset
 * whose token secret is derived from the node's private key, so after a restart (even kill -9)
 * the peers' old connections end at once rather than after their idle timeout.
 *
 * Caveats (uv_udp_t): no IP_PKTINFO, so bind a concrete address rather than 0.0.0.0 on a
 * multi-homed host; no GSO/GRO; no ECN. No 0-RTT, no Retry/address validation. Lost-packet
 * counts are not exposed by ngtcp2 0.12: stats report loss-detection timer expirations and
 * congestion events instead.
 *
 * Debugging: HELIOS_QUIC_TRACE=<node name> in the environment prints ngtcp2's packet log of
 * that node's connections on stderr.
 *
 * Errors: functions return 0 or one of the negative TRANSPORT_E* codes below.
 */
#ifndef HELIOS_REPLICATION_TRANSPORT_H
#define HELIOS_REPLICATION_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define TRANSPORT_EINVAL -1     /* bad argument or configuration */
#define TRANSPORT_ENOMEM -2     /* allocation failed */
#define TRANSPORT_ENOTCONN -3   /* the peer's outgoing connection is not UP */
#define TRANSPORT_EAGAIN -4     /* the peer's request window (max_inflight) is full */
#define TRANSPORT_ETOOBIG -5    /* a body exceeds max_body */
#define TRANSPORT_ECONNLOST -6  /* the connection closed before the response arrived */
#define TRANSPORT_ETLS -7       /* credentials could not be loaded / TLS setup failed */
#define TRANSPORT_EIO -8        /* socket error (bind, send) */
#define TRANSPORT_ESHUTDOWN -9  /* transport_del() was called */
#define TRANSPORT_ENOPEER -10   /* no configured peer with that id */
#define TRANSPORT_EPROTO -11    /* QUIC/HTTP3 protocol error, or a request was reset */
#define TRANSPORT_ETIMEDOUT -12 /* no response within request_timeout_ms (request cancelled) */

#define TRANSPORT_NAME_MAX 64   /* node names are 1..63 bytes */
#define TRANSPORT_REASON_MAX 160

typedef struct transport transport;
typedef struct transport_req transport_req; /* an incoming request awaiting its response */

typedef enum {
    TRANSPORT_PEER_IDLE = 0,
    TRANSPORT_PEER_CONNECTING,
    TRANSPORT_PEER_HANDSHAKING,
    TRANSPORT_PEER_UP,
    TRANSPORT_PEER_BACKOFF,
} transport_peer_state;

typedef enum {
    TRANSPORT_LOG_DEBUG = 0,
    TRANSPORT_LOG_INFO,
    TRANSPORT_LOG_WARN,
    TRANSPORT_LOG_ERROR,
} transport_log_level;

typedef struct transport_peer_config {
    const char *name; /* copied */
    uint16_t id;
    const char *host; /* IPv4/IPv6 literal (no brackets) or a name, resolved once by
                         transport_new (blocking) in the listen address's family */
    uint16_t port;
} transport_peer_config;

/*
 * Handlers, all optional; `user_data` is transport_config.user_data.
 * - on_deltas: a verified peer POSTed /v1/deltas. `body` is valid only during the call. The
 *   handler must eventually call transport_respond(req, ...) exactly once, now or later (even
 *   after the connection or the transport is gone: the call then only frees `req`). Without a
 *   handler the request is answered 503.
 * - on_status: a verified peer asked GET /v1/status. Return 0 and a malloc'd JSON document in
 *   json and len (the transport frees the document), or a negative code for a 500.
 * - on_request: a verified peer POSTed another /v1/ path (state transfer, anti-entropy:
 *   replication/repl.h). Same contract as on_deltas (respond exactly once; 404 for a path the
 *   handler does not know). Without it such paths are answered 404.
 * - on_peer_state: the outgoing connection to `peer_id` changed state; `reason` says why it left
 *   UP or why the last attempt failed ("" otherwise).
 * - on_log: one line per notable event (refused handshakes with their reason, state changes).
 *   Without it, WARN and ERROR lines go to stderr.
 */
typedef struct transport_callbacks {
    void (*on_deltas)(void *user_data, transport_req *req, uint16_t peer_id, const uint8_t *body,
                      size_t len);
    int (*on_status)(void *user_data, uint16_t peer_id, char **json, size_t *len);
    void (*on_request)(void *user_data, transport_req *req, uint16_t peer_id, const char *path,
                       const uint8_t *body, size_t len);
    void (*on_peer_state)(void *user_data, uint16_t peer_id, transport_peer_state state,
                          const char *reason);
    void (*on_log)(void *user_data, transport_log_level level, const char *line);
} transport_callbacks;

typedef struct transport_config {
    const char *listen_host; /* IPv4/IPv6 literal to bind, e.g. "127.0.0.1" or "::1" */
    uint16_t listen_port;    /* 0 = any free port (see transport_port) */
    const char *self_name;
    uint16_t self_id;
    const char *ca_file, *cert_file, *key_file; /* PEM; the key may be PKCS#8 */
    const transport_peer_config *peers;
    int npeers; /* 0..TRANSPORT_MAX_PEERS */
    transport_callbacks cb;
    void *user_data;

    /* Tuning; 0 selects the default shown. */
    uint32_t max_body;          /* 16 MiB: cap on request and response bodies */
    uint32_t max_inflight;      /* 64: outstanding requests per peer */
    uint32_t initial_rtt_ms;    /* 10: see NOTES pitfall 1 (pacing stall on ngtcp2 0.12) */
    uint32_t max_ack_delay_ms;  /* 5 */
    uint32_t idle_timeout_ms;   /* 6000: a cut link shows down after this (or 3 PTOs) */
    uint32_t keepalive_ms;      /* 1000 */
    uint32_t handshake_timeout_ms; /* 3000 */
    uint32_t backoff_min_ms;    /* 100 */
    uint32_t backoff_max_ms;    /* 2000: bounds the wait for a redial after a heal */
    uint32_t request_timeout_ms; /* 30000: a call without a response by then fails, and its
                                    stream is cancelled (H3_REQUEST_CANCELLED) */
} transport_config;

#define TRANSPORT_MAX_PEERS 64

/* Per peer, as seen from this node. RTT is that of the outgoing connection (0 before a sample). */
typedef struct transport_peer_stats {
    uint16_t id;
    char name[TRANSPORT_NAME_MAX];
    transport_peer_state state;
    char last_reason[TRANSPORT_REASON_MAX];
    uint32_t connects;       /* outgoing connections that reached UP */
    uint32_t attempts;       /* outgoing dials started */
    uint64_t rtt_smoothed_us, rtt_min_us, rtt_latest_us, rtt_var_us;
    uint64_t cwnd;
    uint64_t bytes_out, bytes_in, packets_out, packets_in; /* both connections to this peer */
    uint64_t pto_count;          /* loss-detection timer expirations (PTO or time-threshold
                                    loss): retransmission rounds */
    uint64_t congestion_events;  /* loss-triggered congestion window reductions */
    uint32_t inflight;           /* outstanding requests we sent */
    uint64_t requests_sent, requests_served;
} transport_peer_stats;

typedef struct transport_stats {
    uint64_t refused;                        /* handshakes refused (any reason) */
    char last_refusal[TRANSPORT_REASON_MAX]; /* the reason of the latest refusal */
    uint64_t datagrams_in, datagrams_dropped;
    uint64_t resets_sent;                    /* stateless resets for unknown connections */
    uint32_t connections;                    /* live QUIC connections, both directions */
} transport_stats;

/* Called exactly once per transport_post_deltas / transport_get_status that returned 0:
 * err == 0 and an HTTP status with the response body (valid during the call), or err < 0
 * (TRANSPORT_ECONNLOST, TRANSPORT_ETOOBIG, TRANSPORT_EPROTO, TRANSPORT_ETIMEDOUT,
 * TRANSPORT_ESHUTDOWN) and no body. A timed-out call keeps its window slot until the peer
 * acknowledges the cancellation. */
typedef void (*transport_done_cb)(void *arg, int err, int status, const uint8_t *body, size_t len);

/*
 * Creates the transport, binds its socket and starts dialling every peer (from the loop). The
 * config is copied; its strings are needed only during this call. Returns 0 and *out, or TRANSPORT_EINVAL (bad config),
 * TRANSPORT_ETLS (CA/cert/key unreadable), TRANSPORT_EIO (bind failed), TRANSPORT_ENOMEM.
 */
int transport_new(uv_loop_t *loop, const transport_config *cfg, transport **out);

/* Starts an orderly shutdown (see the header comment); pending calls complete with
 * TRANSPORT_ESHUTDOWN. NULL is accepted. The transport must not be used afterwards. */
void transport_del(transport *t);

/* The bound UDP port (useful with listen_port 0). */
uint16_t transport_port(const transport *t);

/*
 * POST /v1/deltas to `peer_id`. The body is copied. Returns 0 (done_cb will be called exactly
 * once, later), TRANSPORT_ENOPEER, TRANSPORT_ENOTCONN (peer not UP), TRANSPORT_EAGAIN (window
 * full), TRANSPORT_ETOOBIG (len > max_body), TRANSPORT_ESHUTDOWN or TRANSPORT_ENOMEM.
 */
int transport_post_deltas(transport *t, uint16_t peer_id, const uint8_t *body, size_t len,
                          transport_done_cb done_cb, void *arg);

/* GET /v1/status from `peer_id`; same contract as transport_post_deltas. */
int transport_get_status(transport *t, uint16_t peer_id, transport_done_cb done_cb, void *arg);

/* The general form of the two above (method < 8 bytes, path < 64 bytes): for future RPCs and
 * for tests of the server's handling of unknown paths and methods. */
int transport_request(transport *t, uint16_t peer_id, const char *method, const char *path,
                      const uint8_t *body, size_t len, transport_done_cb done_cb, void *arg);

/*
 * Answers an incoming request handed to on_deltas; `body` is copied; frees `req`. Returns 0,
 * TRANSPORT_ECONNLOST when the request's connection is gone (req freed anyway),
 * TRANSPORT_ETOOBIG (req answered 500 instead), TRANSPORT_ENOMEM (req reset and freed).
 */
int transport_respond(transport_req *req, int status, const uint8_t *body, size_t len);

/* State of one peer; returns 0 or TRANSPORT_ENOPEER. */
int transport_peer_info(transport *t, uint16_t peer_id, transport_peer_stats *out);
transport_peer_state transport_peer_get_state(const transport *t, uint16_t peer_id);
void transport_get_stats(const transport *t, transport_stats *out);

const char *transport_state_name(transport_peer_state s);
const char *transport_strerror(int err);

/*
 * Feeds one datagram as if it had arrived from `from` (used by the fuzz target; the normal path
 * is the socket). Never fails: a datagram that cannot be routed is dropped and counted.
 */
void transport_inject_datagram(transport *t, const struct sockaddr *from, const uint8_t *data,
                               size_t len);

#endif
