/*
 * tests/unit/replication/harness.h — shared helpers for the transport tests (header-only, so
 * that tests/support/, which is linked into every unit test, needs no replication symbols).
 *
 * - harness_certs_*: a temp dir with a cluster CA, node certificates (the identity format of
 *   replication/transport.h) and a second, foreign CA — made with the openssl CLI.
 * - node_*: one transport endpoint with recording callbacks (echo handler, optional holding of
 *   requests so the test answers them later, asynchronously).
 * - run_until: runs the loop until a condition holds or a deadline passes (no fixed sleeps).
 * - loop_finish: runs the loop dry and checks it closes cleanly (a leaked handle fails).
 */
#ifndef HELIOS_TESTS_REPL_HARNESS_H
#define HELIOS_TESTS_REPL_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "replication/transport.h"

#define H_UNUSED __attribute__((unused))

static char harness_dir[256];

/* Runs a shell command; returns its exit status. */
static H_UNUSED int harness_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static H_UNUSED int harness_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* A CA called `ca` (files <dir>/<ca>.pem, .key). */
static H_UNUSED int harness_make_ca(const char *ca)
{
    return harness_sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                      "-days 30 -keyout %s.key -out %s.pem -subj '/CN=%s' "
                      "-addext 'basicConstraints=critical,CA:TRUE' "
                      "-addext 'keyUsage=critical,keyCertSign,cRLSign' >/dev/null 2>&1",
                      harness_dir, ca, ca, ca);
}

/* A node certificate <dir>/<file>.pem/.key signed by `ca`, naming `name` with id `id` (id 0:
 * no helios URI). This is the recipe heliosctl init-cluster should follow. */
static H_UNUSED int harness_make_cert(const char *ca, const char *file, const char *name, int id)
{
    char uri[64] = "";
    if (id > 0) snprintf(uri, sizeof(uri), ",URI:helios://node/%d", id);
    return harness_sh(
        "cd %s && printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\n"
        "extendedKeyUsage=serverAuth,clientAuth\\nsubjectAltName=DNS:%s%s,IP:127.0.0.1\\n' > %s.ext && "
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout %s.key "
        "-out %s.csr -subj '/CN=%s' >/dev/null 2>&1 && "
        "openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key -CAcreateserial -days 30 -sha256 "
        "-extfile %s.ext -out %s.pem >/dev/null 2>&1",
        harness_dir, name, uri, file, file, file, name, file, ca, ca, file, file);
}

static H_UNUSED int harness_certs_setup(void)
{
    snprintf(harness_dir, sizeof(harness_dir), "/tmp/helios-transport-XXXXXX");
    if (!mkdtemp(harness_dir)) return -1;
    if (harness_make_ca("ca") || harness_make_ca("otherca")) return -1;
    if (harness_make_cert("ca", "a", "a", 1) || harness_make_cert("ca", "b", "b", 2) ||
        harness_make_cert("ca", "c", "c", 3))
        return -1;
    return 0;
}

static H_UNUSED void harness_certs_teardown(void)
{
    if (harness_dir[0]) harness_sh("rm -rf %s", harness_dir);
}

/* A UDP port that was free a moment ago (bound then released). */
/* A UDP port on 127.0.0.1 free now, chosen below the kernel's ephemeral range: a port the
 * kernel hands out for "port 0" (the WAN emulator's links, other sockets of the test) could
 * otherwise be one picked here before the node that is to listen on it starts (seen as a bind
 * failure in test_five_regions_rtt_matrix). Falls back to a kernel-chosen port. */
static H_UNUSED uint16_t harness_free_port(void)
{
    unsigned lo = 32768;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        unsigned a, b;
        if (fscanf(f, "%u %u", &a, &b) == 2 && a > 12000) lo = a;
        fclose(f);
    }
    static unsigned seed;
    if (!seed) seed = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
    for (int attempt = 0; attempt < 200; attempt++) {
        seed = seed * 1103515245u + 12345u;
        uint16_t port = (uint16_t)(10000 + (seed >> 8) % (lo - 10000));
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) break;
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                 .sin_port = htons(port)};
        int ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        close(fd);
        if (ok) return port;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    uint16_t port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* ------------------------------------------------------------------ nodes */

#define NODE_MAX_HELD 512

typedef struct node {
    transport *t;
    char name[32];
    uint16_t id;
    uint16_t port;
    const char *host;         /* listen address, default 127.0.0.1 */
    int deltas;               /* requests seen by on_deltas */
    size_t deltas_bytes;
    bool hold;                /* keep requests for the test to answer */
    transport_req *held[NODE_MAX_HELD];
    uint16_t held_from[NODE_MAX_HELD];
    uint8_t *held_body[NODE_MAX_HELD];
    size_t held_len[NODE_MAX_HELD];
    int nheld;
    int state_changes;
    int logs;
    char last_log[400];
    bool verbose;
} node;

static void node_on_deltas(void *ud, transport_req *req, uint16_t peer_id, const uint8_t *body, size_t len)
{
    node *n = ud;
    n->deltas++;
    n->deltas_bytes += len;
    if (n->hold && n->nheld < NODE_MAX_HELD) {
        n->held[n->nheld] = req;
        n->held_from[n->nheld] = peer_id;
        n->held_body[n->nheld] = malloc(len ? len : 1);
        memcpy(n->held_body[n->nheld], body, len);
        n->held_len[n->nheld] = len;
        n->nheld++;
        return;
    }
    transport_respond(req, 200, body, len); /* echo */
}

/* Answers every held request with its own body (echo) and forgets it. */
static H_UNUSED int node_release_held(node *n)
{
    int ok = 0;
    for (int i = 0; i < n->nheld; i++) {
        if (transport_respond(n->held[i], 200, n->held_body[i], n->held_len[i]) == 0) ok++;
        free(n->held_body[i]);
    }
    n->nheld = 0;
    return ok;
}

static int node_on_status(void *ud, uint16_t peer_id, char **json, size_t *len)
{
    node *n = ud;
    char buf[128];
    int k = snprintf(buf, sizeof(buf), "{\"node\":\"%s\",\"id\":%u,\"asked_by\":%u}", n->name, n->id, peer_id);
    *json = strdup(buf);
    *len = (size_t)k;
    return *json ? 0 : -1;
}

static void node_on_peer_state(void *ud, uint16_t peer_id, transport_peer_state s, const char *reason)
{
    node *n = ud;
    n->state_changes++;
    if (n->verbose) fprintf(stderr, "# %s: peer %u -> %s %s\n", n->name, peer_id, transport_state_name(s), reason);
}

static void node_on_log(void *ud, transport_log_level lvl, const char *line)
{
    node *n = ud;
    n->logs++;
    snprintf(n->last_log, sizeof(n->last_log), "%s", line);
    if (n->verbose || getenv("HARNESS_VERBOSE")) fprintf(stderr, "# [%d] %s\n", (int)lvl, line);
}

/* Starts node `n` (name/id/port already set) with certificate files <dir>/<certfile>.pem/.key,
 * trusting <dir>/<ca>.pem, dialling the given peers (all on 127.0.0.1). */
static H_UNUSED int node_start_ex(uv_loop_t *loop, node *n, const char *ca, const char *certfile,
                                  node **peers, int npeers, const transport_config *tuning)
{
    char caf[300], cf[300], kf[300];
    snprintf(caf, sizeof(caf), "%s/%s.pem", harness_dir, ca);
    snprintf(cf, sizeof(cf), "%s/%s.pem", harness_dir, certfile);
    snprintf(kf, sizeof(kf), "%s/%s.key", harness_dir, certfile);
    transport_peer_config pc[8];
    for (int i = 0; i < npeers; i++) {
        pc[i].name = peers[i]->name;
        pc[i].id = peers[i]->id;
        pc[i].host = peers[i]->host ? peers[i]->host : "127.0.0.1";
        pc[i].port = peers[i]->port;
    }
    transport_config cfg;
    if (tuning)
        cfg = *tuning;
    else
        memset(&cfg, 0, sizeof(cfg));
    cfg.listen_host = n->host ? n->host : "127.0.0.1";
    cfg.listen_port = n->port;
    cfg.self_name = n->name;
    cfg.self_id = n->id;
    cfg.ca_file = caf;
    cfg.cert_file = cf;
    cfg.key_file = kf;
    cfg.peers = pc;
    cfg.npeers = npeers;
    cfg.cb.on_deltas = node_on_deltas;
    cfg.cb.on_status = node_on_status;
    cfg.cb.on_peer_state = node_on_peer_state;
    cfg.cb.on_log = node_on_log;
    cfg.user_data = n;
    if (!cfg.backoff_min_ms) cfg.backoff_min_ms = 20;
    if (!cfg.backoff_max_ms) cfg.backoff_max_ms = 200;
    int rc = transport_new(loop, &cfg, &n->t);
    if (rc == 0) n->port = transport_port(n->t);
    return rc;
}

static H_UNUSED void node_init(node *n, const char *name, uint16_t id)
{
    memset(n, 0, sizeof(*n));
    snprintf(n->name, sizeof(n->name), "%s", name);
    n->id = id;
    n->port = harness_free_port();
}

static H_UNUSED int node_start(uv_loop_t *loop, node *n, node **peers, int npeers)
{
    return node_start_ex(loop, n, "ca", n->name, peers, npeers, NULL);
}

static H_UNUSED void node_stop(node *n)
{
    for (int i = 0; i < n->nheld; i++) {
        transport_respond(n->held[i], 500, NULL, 0);
        free(n->held_body[i]);
    }
    n->nheld = 0;
    transport_del(n->t);
    n->t = NULL;
}

/* ------------------------------------------------------------------ loop helpers */

static void harness_on_tick(uv_timer_t *h) { (void)h; }

/* Runs the loop until pred(arg) or timeout_ms; returns the final pred(arg). */
static H_UNUSED bool run_until(uv_loop_t *loop, bool (*pred)(void *), void *arg, uint64_t timeout_ms)
{
    uv_timer_t tick;
    uv_timer_init(loop, &tick);
    uv_timer_start(&tick, harness_on_tick, 5, 5); /* bounds each uv_run(ONCE) */
    uint64_t deadline = uv_hrtime() + timeout_ms * 1000000ull;
    bool ok = pred(arg);
    while (!ok && uv_hrtime() < deadline) {
        uv_run(loop, UV_RUN_ONCE);
        ok = pred(arg);
    }
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(loop, UV_RUN_NOWAIT); /* let the tick's close callback run */
    return ok;
}

typedef struct up_pair {
    node *n;
    uint16_t peer;
} up_pair;

static bool pred_up(void *arg)
{
    up_pair *p = arg;
    return p->n->t && transport_peer_get_state(p->n->t, p->peer) == TRANSPORT_PEER_UP;
}

static H_UNUSED bool wait_up(uv_loop_t *loop, node *n, uint16_t peer, uint64_t ms)
{
    up_pair p = {n, peer};
    return run_until(loop, pred_up, &p, ms);
}

static H_UNUSED bool pred_never(void *arg)
{
    (void)arg;
    return false;
}

static void harness_walk_cb(uv_handle_t *h, void *arg)
{
    (void)arg;
    fprintf(stderr, "# leaked handle type %s active %d\n", uv_handle_type_name(h->type), uv_is_active(h));
}

/* Runs the loop dry after every node was stopped; 0 when the loop closes cleanly. */
static H_UNUSED int loop_finish(uv_loop_t *loop)
{
    uint64_t deadline = uv_hrtime() + 10000000000ull;
    while (uv_run(loop, UV_RUN_NOWAIT) != 0 && uv_hrtime() < deadline) uv_run(loop, UV_RUN_ONCE);
    int rc = uv_loop_close(loop);
    if (rc != 0) uv_walk(loop, harness_walk_cb, NULL);
    return rc;
}

/* ------------------------------------------------------------------ calls */

typedef struct call_result {
    int done;
    int err;
    int status;
    uint8_t *body;
    size_t len;
} call_result;

static H_UNUSED void call_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    call_result *r = arg;
    r->done++;
    r->err = err;
    r->status = status;
    free(r->body);
    r->body = NULL;
    r->len = len;
    if (len) {
        r->body = malloc(len);
        memcpy(r->body, body, len);
    }
}

static H_UNUSED bool pred_call_done(void *arg) { return ((call_result *)arg)->done > 0; }

#endif
