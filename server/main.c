/*
 * server/main.c — the heliosdb daemon: command line, config, logging, the libuv loop, signals.
 *
 *   heliosdb --config FILE [--force-writable]
 *   heliosdb --dev [--data DIR] [--port N]
 *   heliosdb --check-config FILE      prints "ok" or every problem (exit 1)
 *   heliosdb --version | --help
 *
 * SIGTERM/SIGINT: stop accepting, let in-flight queries finish, close, exit 0; a second
 * signal closes everything at once; later ones are ignored (our own handler, installed for the
 * process's life: stop_signal_raw). SIGHUP re-reads the config file (with --config) and applies
 * what can change live: log.level and log.format, the SQL TLS certificate and key (for new
 * connections; open ones keep theirs), and the users file. A config that no longer loads, or
 * a certificate that does not, is logged and the old setting kept; nothing is disconnected.
 * Other keys need a restart — replication.peers included: a single region gains a second
 * one by adding the peer to its config and restarting it; the new node (empty data dir,
 * config listing the cluster) then bootstraps by snapshot (replication/repl.h).
 *
 * SIGUSR1 (on demand): anti-entropy with every UP peer now, a tombstone-GC floor step and a
 * GC compaction of the rows (in the thread pool). Logged at info.
 *
 * Metrics: Prometheus text on GET /metrics at metrics.listen (server/metrics.h); --dev serves
 * it too (--metrics-port N overrides the port, 0 = any free one). A port that cannot be bound
 * is logged and the daemon runs without the endpoint.
 *
 * Replication (cfg->replication.enabled): the transport (replication/transport.h) and the
 * engine (replication/repl.h) run on the same loop as the SQL listener, over the store the
 * SQL executor opened. The executor's commit hook kicks the outbox; applied remote entries
 * with catalog changes reload the executor's catalog; helios.peers rows come from the
 * transport and engine stats; GET /v1/status answers name, id, vv, hlc and uptime. Shutdown
 * order: engine, transport, listener (loop runs dry), then the executor closes the store.
 *
 * Files: umask 077 from the start (the systemd unit sets UMask=0077; a manual run may not),
 * and outside --dev a data directory others can access (o+rwx, or g+w) is refused; group
 * read (0750, as the unit's StateDirectoryMode) only warns.
 *
 * Write guards (storage.h): storage.min_free_mb is handed to the store, whose notify hook
 * logs entering (warn) and leaving (info) the disk-full state. A store restored in place
 * (`heliosctl restore` without --reassign) refuses local writes until, for every configured
 * peer, an answer since this start shows the peer holds no entry of our own origin that we
 * lack; a timer checks every RESTORE_CHECK_MS and logs when the node becomes writable.
 * --force-writable drops that wait at start (operator override for peers that are gone:
 * writes the peers hold and this node lacks may then be shadowed; --reassign is the safe
 * alternative).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "config/config.h"
#include "replication/repl.h"
#include "replication/replbatch.h"
#include "replication/transport.h"
#include "server/listener.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/sdnotify.h"
#include "server/workers.h"
#include "proto/scram.h"
#include "server/sql/sqlexec.h"
#include "server/sql/sqlvirt_repl.h"
#include "storage/storage.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/rand.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: heliosdb --config FILE [--force-writable]\n"
            "       heliosdb --dev [--data DIR] [--port N] [--metrics-port N]\n"
            "       heliosdb --check-config FILE\n"
            "       heliosdb --version | --help\n"
            "\n"
            "  --config FILE        run with this JSON config (see docs)\n"
            "  --dev                single node, embedded defaults, trust auth on 127.0.0.1/::1\n"
            "  --data DIR           data directory for --dev (default ./helios-data)\n"
            "  --port N             SQL port for --dev (default 5432)\n"
            "  --metrics-port N     metrics port for --dev (default 9187, 0 = any free port)\n"
            "  --check-config FILE  validate FILE: prints ok, or every problem and exits 1\n"
            "  --force-writable     a store restored in place takes writes at once, without\n"
            "                       waiting for its peers to return its own entries (unsafe)\n");
}

/* A function to run on the main loop for another thread (main_call, main_post). */
typedef struct mcall {
    void (*fn)(void *arg);
    void *arg;
    bool wait;    /* the caller waits (main_call): it owns the struct */
    bool done;
    struct mcall *next;
} mcall;

typedef struct app {
    uv_loop_t *loop;
    workers *ws;
    listener *lsn;
    executor *ex;
    const config *cfg;
    transport *t;
    repl *r;
    metrics_server *metrics;
    uint64_t start_ms;
    uv_signal_t sighup, sigusr1;
    uv_async_t stopsig; /* SIGTERM/SIGINT (stop_signal_raw) */
    uv_timer_t retention;
    uv_timer_t restore_check; /* while restored in place: see the header comment */
    bool restore_check_on;
    uv_timer_t log_flood; /* writes the summaries of flood-limited log lines (log.h) */
    bool log_flood_on;
    /* Tombstone GC floor, two-phase (see on_retention): candidate and its witness. */
    causal_vv gc_candidate, gc_witness;
    bool gc_have_candidate;
    uv_work_t gc_work;
    bool gc_running;
    bool retention_running; /* a retention_job is queued or running */
    bool sqlexec; /* the executor is sqlexec (not HELIOS_EXECUTOR=minimal) */
    bool retention_on;
    bool signals_on;
    int signals;
    unsigned ticks; /* on_log_flood's */
    /* calls from the SQL worker threads into replication, which lives on the main loop */
    pthread_t main_thread;
    pthread_mutex_t mc_mu;
    pthread_cond_t mc_cv;
    mcall *mc_head, *mc_tail;
    uv_async_t mc_async;
    bool mc_open; /* under mc_mu: false once the main loop no longer runs them */
} app;

/* ---- calls from the worker threads ----
 *
 * Replication (repl, transport) is the main loop's alone. SQL sessions run on the worker
 * threads (server/workers.h), so what a statement needs from replication (helios.peers rows,
 * helios_anti_entropy(), the commit kick) runs on the main loop: main_call waits for the
 * answer, main_post does not. The main loop never waits for a worker, so a worker waiting
 * here (holding the executor's engine lock) cannot deadlock. Once the main loop has stopped,
 * calls fail (-1) and posts are dropped. */

static void on_mcall(uv_async_t *h)
{
    app *a = h->data;
    pthread_mutex_lock(&a->mc_mu);
    mcall *list = a->mc_head;
    a->mc_head = a->mc_tail = NULL;
    pthread_mutex_unlock(&a->mc_mu);
    while (list) {
        mcall *m = list;
        list = m->next;
        m->fn(m->arg);
        if (!m->wait) {
            free(m);
            continue;
        }
        pthread_mutex_lock(&a->mc_mu);
        m->done = true;
        pthread_cond_broadcast(&a->mc_cv);
        pthread_mutex_unlock(&a->mc_mu);
    }
}

static int mcall_queue(app *a, mcall *m)
{
    pthread_mutex_lock(&a->mc_mu);
    if (!a->mc_open) {
        pthread_mutex_unlock(&a->mc_mu);
        return -1;
    }
    m->next = NULL;
    if (a->mc_tail) a->mc_tail->next = m;
    else a->mc_head = m;
    a->mc_tail = m;
    uv_async_send(&a->mc_async);
    if (m->wait)
        while (!m->done && a->mc_open) pthread_cond_wait(&a->mc_cv, &a->mc_mu);
    int rc = m->wait && !m->done ? -1 : 0;
    pthread_mutex_unlock(&a->mc_mu);
    return rc;
}

static int main_call(app *a, void (*fn)(void *arg), void *arg)
{
    if (pthread_equal(pthread_self(), a->main_thread)) {
        fn(arg);
        return 0;
    }
    mcall m = {.fn = fn, .arg = arg, .wait = true};
    return mcall_queue(a, &m);
}

static void main_post(app *a, void (*fn)(void *arg), void *arg)
{
    mcall *m = calloc(1, sizeof *m);
    if (!m) return;
    m->fn = fn;
    m->arg = arg;
    if (mcall_queue(a, m) < 0) free(m);
}

/* The main loop stops running calls: queued ones are dropped, waiting callers get -1. */
static void mcall_close(app *a)
{
    pthread_mutex_lock(&a->mc_mu);
    a->mc_open = false;
    for (mcall *m = a->mc_head, *next; m; m = next) {
        next = m->next;
        if (!m->wait) free(m);
    }
    a->mc_head = a->mc_tail = NULL;
    pthread_cond_broadcast(&a->mc_cv);
    pthread_mutex_unlock(&a->mc_mu);
    if (!uv_is_closing((uv_handle_t *)&a->mc_async)) uv_close((uv_handle_t *)&a->mc_async, NULL);
}

/* ---- start-up secrets ---- */

/* The mock SCRAM salt of unknown users derives from a secret kept in the data directory, so a
   user name's mock salt is the same across restarts and cannot reveal which users exist. */
static int load_mock_secret(const char *data_dir)
{
    char path[4096];
    uint8_t secret[32];
    snprintf(path, sizeof path, "%s/scram_mock_secret", data_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, secret, sizeof secret);
        close(fd);
        if (n == (ssize_t)sizeof secret) return scram_set_mock_secret(secret, sizeof secret);
        log_warn("main", "%s is short (%zd bytes): writing a new one", path, n);
    }
    if (RAND_bytes(secret, sizeof secret) != 1) return -1;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("main", "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    ssize_t n = write(fd, secret, sizeof secret);
    int ok = n == (ssize_t)sizeof secret && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        log_error("main", "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return scram_set_mock_secret(secret, sizeof secret);
}

/* ---- log retention ---- */

/* Every few seconds: drop log entries every peer has acknowledged (they are applied everywhere,
   so nobody can need them again, relays included), then the oldest ones while the log is over
   replication.log_retention_mb; a peer that later needs a dropped entry gets a snapshot
   (replication/repl.h).

   The same tick advances the tombstone-GC floor (storage_set_stable_vv), in two phases so the
   floor is causally stable in the strong sense crdt/row.h asks for (every operation not yet
   applied here is causally after all of it, which LWW-Map tombstones need):
     1. candidate C = min(own vv, every configured peer's acked vv); witness W[n] = peer n's
        own component of its ack (W[self] = our own seq). Each peer had applied C when it sent
        that ack, so any operation of n above W[n] is causally after C;
     2. once a later minimum M covers W (M[n] >= W[n] for all n: every operation of n up to
        W[n] is applied everywhere), C becomes the GC floor and M the next candidate.
   A peer never heard from has an empty ack, so nothing is GC'd until every configured peer
   has answered; a partitioned peer freezes the floor. */
#define RETENTION_INTERVAL_MS 5000

static void gc_floor_step(app *a, storage *st, const uint16_t *ids, int n, const causal_vv *min)
{
    if (a->gc_have_candidate && causal_vv_leq(&a->gc_witness, min)) {
        if (a->gc_candidate.len > 0 && storage_set_stable_vv(st, &a->gc_candidate) < 0)
            log_warn("storage", "tombstone GC floor not set: %s", storage_errmsg());
        a->gc_have_candidate = false;
    }
    if (a->gc_have_candidate) return;
    causal_vv w;
    causal_vv_init(&w);
    causal_vv_set(&w, a->cfg->node.id, causal_vv_get(min, a->cfg->node.id));
    causal_vv own;
    causal_vv_init(&own);
    if (storage_vv(st, &own) == 0) causal_vv_set(&w, a->cfg->node.id,
                                                  causal_vv_get(&own, a->cfg->node.id));
    causal_vv_free(&own);
    for (int i = 0; i < n; i++) {
        causal_vv acked;
        causal_vv_init(&acked);
        if (storage_peer_get_acked(st, ids[i], &acked) == 0)
            causal_vv_set(&w, ids[i], causal_vv_get(&acked, ids[i]));
        causal_vv_free(&acked);
    }
    causal_vv_free(&a->gc_candidate);
    causal_vv_init(&a->gc_candidate);
    causal_vv_free(&a->gc_witness);
    a->gc_witness = w;
    if (causal_vv_copy(&a->gc_candidate, min) == 0) a->gc_have_candidate = true;
}

/* The truncation itself runs off the loop thread: it walks and range-deletes log entries
 * (storage_log_truncate, serialised by storage's own locks), which can take seconds on a big
 * or interleaved log, and on the loop it held every SQL client and peer of the region still.
 * The GC floor step after it runs back on the loop. One job at a time. */
typedef struct retention_job {
    uv_work_t w;
    app *a;
    uint16_t ids[CONFIG_MAX_PEERS];
    int n;
    causal_vv acked;
    uint64_t max_bytes, before, after;
    int rc;
    char err[256];
} retention_job;

static void retention_work(uv_work_t *w)
{
    retention_job *j = w->data;
    storage *st = sqlexec_storage(j->a->ex);
    j->before = storage_log_bytes(st);
    j->rc = storage_log_truncate(st, &j->acked, j->max_bytes);
    if (j->rc < 0) snprintf(j->err, sizeof j->err, "%s", storage_errmsg()); /* this thread's */
    j->after = storage_log_bytes(st);
}

static void retention_done(uv_work_t *w, int status)
{
    retention_job *j = w->data;
    app *a = j->a;
    a->retention_running = false;
    if (status == 0) {
        if (j->rc < 0) log_warn("storage", "log truncation failed: %s", j->err);
        if (j->rc == 0 && j->before > j->after && j->before - j->after >= 64u * 1024)
            log_info("storage", "replication log truncated from %llu to %llu bytes",
                     (unsigned long long)j->before, (unsigned long long)j->after);
        gc_floor_step(a, sqlexec_storage(a->ex), j->ids, j->n, &j->acked);
    }
    causal_vv_free(&j->acked);
    free(j);
}

static void on_retention(uv_timer_t *t)
{
    app *a = t->data;
    if (a->retention_running) return; /* the last one is still at it */
    storage *st = sqlexec_storage(a->ex);
    const config *cfg = a->cfg;
    retention_job *j = calloc(1, sizeof *j);
    if (!j) return;
    j->a = a;
    j->n = cfg->replication.npeers;
    for (int i = 0; i < j->n; i++) j->ids[i] = cfg->replication.peers[i].id;
    causal_vv_init(&j->acked);
    j->max_bytes = (uint64_t)cfg->replication.log_retention_mb << 20;
    j->w.data = j;
    if (storage_stable_vv(st, j->ids, (size_t)j->n, &j->acked) != 0 ||
        uv_queue_work(a->loop, &j->w, retention_work, retention_done) != 0) {
        causal_vv_free(&j->acked);
        free(j);
        return;
    }
    a->retention_running = true;
}

/* SIGUSR1: anti-entropy with every peer now, and a GC compaction (off the loop thread). */
static void gc_work(uv_work_t *w)
{
    app *a = w->data;
    storage_gc_now(sqlexec_storage(a->ex));
}

static void gc_work_done(uv_work_t *w, int status)
{
    app *a = w->data;
    (void)status;
    a->gc_running = false;
    log_info("storage", "tombstone GC compaction finished");
}

/* SELECT helios_anti_entropy(): the same comparison as SIGUSR1, without the GC step. */
static void anti_entropy_main(void *arg)
{
    app *a = arg;
    if (a->r) repl_anti_entropy_now(a->r);
}

/* helios_anti_entropy(), on a worker: the round starts on the main loop. */
static void sql_anti_entropy(void *arg)
{
    main_post(arg, anti_entropy_main, arg);
}

static void on_demand(app *a)
{
    if (a->r) {
        log_info("replication", "SIGUSR1: anti-entropy with every peer now");
        repl_anti_entropy_now(a->r);
    }
    if (a->sqlexec && a->retention_on) on_retention(&a->retention);
    if (a->sqlexec && !a->gc_running) {
        a->gc_work.data = a;
        if (uv_queue_work(a->loop, &a->gc_work, gc_work, gc_work_done) == 0) a->gc_running = true;
    }
}

/* ---- replication wiring ---- */

static void repl_log(void *arg, int level, const char *line)
{
    (void)arg;
    config_log_level l = level >= TRANSPORT_LOG_ERROR ? CONFIG_LOG_ERROR
                         : level == TRANSPORT_LOG_WARN ? CONFIG_LOG_WARN
                         : level == TRANSPORT_LOG_INFO ? CONFIG_LOG_INFO
                                                       : CONFIG_LOG_DEBUG;
    log_msg(l, "replication", "%s", line);
}

static void tr_log(void *arg, transport_log_level level, const char *line)
{
    repl_log(arg, (int)level, line);
}

static void tr_on_deltas(void *arg, transport_req *req, uint16_t peer_id, const uint8_t *body,
                         size_t len)
{
    app *a = arg;
    if (!a->r) {
        transport_respond(req, 503, (const uint8_t *)"not ready", 9);
        return;
    }
    repl_on_deltas(a->r, req, peer_id, body, len);
}

static void tr_on_request(void *arg, transport_req *req, uint16_t peer_id, const char *path,
                          const uint8_t *body, size_t len)
{
    app *a = arg;
    if (!a->r) {
        transport_respond(req, 503, (const uint8_t *)"not ready", 9);
        return;
    }
    repl_on_request(a->r, req, peer_id, path, body, len);
}

static void tr_on_peer_state(void *arg, uint16_t peer_id, transport_peer_state state,
                             const char *reason)
{
    app *a = arg;
    log_info("replication", "peer %u: %s%s%s", peer_id, transport_state_name(state),
             reason && *reason ? ": " : "", reason ? reason : "");
    if (a->r) repl_on_peer_state(a->r, peer_id, state);
}

/* {"1":5,"2":7} */
static void vv_json(const causal_vv *vv, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "{");
    for (uint32_t i = 0; i < vv->len && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s\"%u\":%llu", i ? "," : "", vv->v[i].node,
                              (unsigned long long)vv->v[i].counter);
    if (n < cap) snprintf(out + n, cap - n, "}");
}

static int tr_on_status(void *arg, uint16_t peer_id, char **json, size_t *len)
{
    app *a = arg;
    (void)peer_id;
    storage *st = sqlexec_storage(a->ex);
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(st, &vv) < 0) return -1;
    char vvs[4096];
    vv_json(&vv, vvs, sizeof vvs);
    causal_vv_free(&vv);
    /* The HLC this node would at least stamp now: its clock, or the wall clock if ahead. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    causal_hlc hlc = CAUSAL_HLC_MAKE((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000, 0);
    if (sqlexec_hlc(a->ex) > hlc) hlc = sqlexec_hlc(a->ex);
    repl_stats rs = {0};
    if (a->r) repl_get_stats(a->r, &rs);
    size_t cap = strlen(vvs) + 512;
    char *doc = malloc(cap);
    if (!doc) return -1;
    int n = snprintf(doc, cap,
                     "{\"name\":\"%s\",\"id\":%u,\"vv\":%s,\"hlc\":\"%llu.%u\","
                     "\"uptime_s\":%llu,\"applied\":%llu,\"buffered_now\":%llu}",
                     a->cfg->node.name, a->cfg->node.id, vvs,
                     (unsigned long long)CAUSAL_HLC_MS(hlc), (unsigned)(hlc & 0xffff),
                     (unsigned long long)((uv_now(a->loop) - a->start_ms) / 1000),
                     (unsigned long long)rs.applied, (unsigned long long)rs.buffer_now);
    *json = doc;
    *len = (size_t)n;
    return 0;
}

static void kick_main(void *arg)
{
    app *a = arg;
    if (a->r) repl_kick(a->r);
}

/* Commits became durable (on the loop of the session that made them). */
static void on_commit_hook(void *arg)
{
    main_post(arg, kick_main, arg);
}

static void on_remote_applied(void *arg, uint16_t origin, uint64_t seq, causal_hlc hlc,
                              bool has_catalog)
{
    app *a = arg;
    (void)origin;
    (void)seq;
    sqlexec_observe_hlc(a->ex, hlc);
    if (has_catalog) sqlexec_catalog_changed(a->ex);
}

static void on_state_imported(void *arg, bool has_catalog)
{
    app *a = arg;
    if (has_catalog) sqlexec_catalog_changed(a->ex);
}

static int peer_extra_main(app *a, int peer_id, sqlvirt_peer_extra *out)
{
    if (!a->r || peer_id <= 0 || peer_id > 65535) return -1;
    repl_peer_stats ps;
    if (repl_peer_stats_get(a->r, (uint16_t)peer_id, &ps) < 0) {
        causal_vv_free(&ps.acked);
        return -1;
    }
    out->snapshots_sent = (long long)ps.snapshots_sent;
    out->snapshots_received = (long long)ps.snapshots_received;
    out->snapshot_active = ps.snapshot_active;
    out->anti_entropy_runs = (long long)ps.ae_runs;
    out->rows_repaired = (long long)ps.ae_rows_repaired;
    out->relayed_entries = (long long)ps.relayed_entries;
    out->last_anti_entropy_unix_ms = ps.ae_last_unix_ms;
    causal_vv_free(&ps.acked);
    return 0;
}

static int peer_rows_main(app *a, sqlexec_peer_row *rows, int max)
{
    int n = 0;
    if (!a->t || !a->r) return 0;
    for (int i = 0; i < a->cfg->replication.npeers && n < max; i++) {
        const config_peer *cp = &a->cfg->replication.peers[i];
        sqlexec_peer_row *row = &rows[n];
        memset(row, 0, sizeof *row);
        snprintf(row->name, sizeof row->name, "%s", cp->name);
        row->id = cp->id;
        transport_peer_stats ts;
        if (transport_peer_info(a->t, cp->id, &ts) == 0) {
            snprintf(row->state, sizeof row->state, "%s", transport_state_name(ts.state));
            snprintf(row->reason, sizeof row->reason, "%.127s", ts.last_reason);
            row->rtt_ms = (double)ts.rtt_smoothed_us / 1000.0;
        }
        repl_peer_stats ps;
        if (repl_peer_stats_get(a->r, cp->id, &ps) == 0) {
            vv_json(&ps.acked, row->acked_vv, sizeof row->acked_vv);
            row->lag_entries = (long long)ps.lag_entries;
            row->lag_ms = ps.lag_ms;
            row->bytes_in = (long long)ps.bytes_in;
            row->bytes_out = (long long)ps.bytes_out;
            row->batches_in = (long long)ps.batches_in;
            row->batches_out = (long long)ps.batches_out;
        }
        causal_vv_free(&ps.acked);
        n++;
    }
    return n;
}

typedef struct peer_call {
    app *a;
    int peer_id, max, rc;
    sqlvirt_peer_extra *extra;
    sqlexec_peer_row *rows;
} peer_call;

static void peer_call_main(void *arg)
{
    peer_call *p = arg;
    p->rc = p->rows ? peer_rows_main(p->a, p->rows, p->max) : peer_extra_main(p->a, p->peer_id, p->extra);
}

/* helios.peers, read by a statement on a worker: the rows come from the main loop. */
static int peer_rows(void *arg, sqlexec_peer_row *rows, int max)
{
    peer_call p = {.a = arg, .rows = rows, .max = max};
    return main_call(arg, peer_call_main, &p) < 0 ? -1 : p.rc;
}

static int peer_extra(void *arg, int peer_id, sqlvirt_peer_extra *out)
{
    peer_call p = {.a = arg, .peer_id = peer_id, .extra = out};
    return main_call(arg, peer_call_main, &p) < 0 ? -1 : p.rc;
}

/* A literal to bind for the replication listen host: "*" becomes the local address the
 * kernel would use towards the first peer (uv_udp has no IP_PKTINFO, so a wildcard bind on
 * a multi-homed host could answer from the wrong address); a name is resolved. */
static int concrete_host(const config *cfg, char *out, size_t cap)
{
    const char *h = cfg->replication.listen.host;
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *ai = NULL;
    if (h && strcmp(h, "*") != 0) {
        if (getaddrinfo(h, NULL, &hints, &ai) != 0 || !ai) return -1;
    } else {
        if (cfg->replication.npeers == 0) {
            snprintf(out, cap, "0.0.0.0");
            return 0;
        }
        char port[8];
        snprintf(port, sizeof port, "%u", cfg->replication.peers[0].address.port);
        if (getaddrinfo(cfg->replication.peers[0].address.host, port, &hints, &ai) != 0 || !ai)
            return -1;
        int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        bool ok = fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                  getsockname(fd, (struct sockaddr *)&ss, &sl) == 0;
        if (fd >= 0) close(fd);
        freeaddrinfo(ai);
        if (!ok) return -1;
        const void *src = ss.ss_family == AF_INET6
                              ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr
                              : (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
        return inet_ntop(ss.ss_family, src, out, (socklen_t)cap) ? 0 : -1;
    }
    const void *src = ai->ai_family == AF_INET6
                          ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                          : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
    int rc = inet_ntop(ai->ai_family, src, out, (socklen_t)cap) ? 0 : -1;
    freeaddrinfo(ai);
    return rc;
}

static int start_replication(app *a)
{
    const config *cfg = a->cfg;
    char host[INET6_ADDRSTRLEN];
    if (concrete_host(cfg, host, sizeof host) < 0) {
        log_error("replication", "replication.listen: cannot resolve a local address for \"%s\"",
                  cfg->replication.listen.host);
        return -1;
    }
    transport_peer_config peers[TRANSPORT_MAX_PEERS];
    uint16_t ids[TRANSPORT_MAX_PEERS];
    int np = cfg->replication.npeers < TRANSPORT_MAX_PEERS ? cfg->replication.npeers
                                                           : TRANSPORT_MAX_PEERS;
    for (int i = 0; i < np; i++) {
        const config_peer *cp = &cfg->replication.peers[i];
        peers[i] = (transport_peer_config){.name = cp->name, .id = cp->id,
                                           .host = cp->address.host, .port = cp->address.port};
        ids[i] = cp->id;
    }
    transport_config tc = {
        .listen_host = host,
        .listen_port = cfg->replication.listen.port,
        .self_name = cfg->node.name,
        .self_id = cfg->node.id,
        .ca_file = cfg->replication.tls.ca,
        .cert_file = cfg->replication.tls.cert,
        .key_file = cfg->replication.tls.key,
        .peers = peers,
        .npeers = np,
        /* a batch carries at least one whole entry, up to LOGENTRY_MAX_ENTRY (the batch
           header and the entry's length prefix fit in the extra MiB) */
        .max_body = REPLBATCH_MAX_ENTRY + (1u << 20),
        .cb = {.on_deltas = tr_on_deltas, .on_status = tr_on_status,
               .on_request = tr_on_request, .on_peer_state = tr_on_peer_state,
               .on_log = tr_log},
        .user_data = a,
    };
    int rc = transport_new(a->loop, &tc, &a->t);
    if (rc < 0) {
        log_error("replication", "cannot start the transport on %s:%u: %s", host,
                  cfg->replication.listen.port, transport_strerror(rc));
        return -1;
    }
    repl_config rc_ = {
        .self_id = cfg->node.id,
        .peer_ids = ids,
        .npeers = np,
        .batch_max_delay_ms = cfg->replication.batch_max_delay_ms,
        .batch_max_bytes = cfg->replication.batch_max_bytes,
        .anti_entropy_interval_s = cfg->replication.anti_entropy_interval_s,
        .window = cfg->replication.max_inflight_batches,
        .relay_grace_ms = cfg->replication.relay_grace_ms > 0 ? cfg->replication.relay_grace_ms
                                                              : -1,
        .snapshot_chunk_bytes = cfg->replication.batch_max_bytes,
        .on_imported = on_state_imported,
        .on_applied = on_remote_applied,
        .on_log = repl_log,
        .arg = a,
    };
    rc = repl_new(a->loop, &rc_, sqlexec_storage(a->ex), a->t, &a->r);
    if (rc < 0) {
        log_error("replication", "cannot start the replication engine (error %d)", rc);
        transport_del(a->t);
        a->t = NULL;
        return -1;
    }
    uv_timer_init(a->loop, &a->retention);
    a->retention.data = a;
    uv_timer_start(&a->retention, on_retention, RETENTION_INTERVAL_MS, RETENTION_INTERVAL_MS);
    a->retention_on = true;
    log_info("replication", "listening on %s:%u (udp), %d peer(s)", host,
             transport_port(a->t), np);
    return 0;
}

static void stop_replication(app *a)
{
    if (a->retention_on) {
        uv_timer_stop(&a->retention);
        uv_close((uv_handle_t *)&a->retention, NULL);
        a->retention_on = false;
    }
    if (!a->t) return;
    /* The executor's hooks stay set (workers may run them until they stop): they find a->r
     * NULL from now on. */
    repl_del(a->r); /* frees itself once its calls have completed */
    a->r = NULL;
    transport_del(a->t);
    a->t = NULL;
}

/* ---- write guards ---- */

enum { RESTORE_CHECK_MS = 500 };

static void on_storage_notify(void *ctx, int event, uint64_t free_bytes, uint64_t min_free)
{
    (void)ctx;
    if (event == STORAGE_NOTIFY_SPACE_LOW)
        log_warn("storage", "disk full: %llu MiB free, below storage.min_free_mb = %llu: "
                 "refusing writes (SQLSTATE 53100) and holding replicated entries until "
                 "space is freed", (unsigned long long)(free_bytes >> 20),
                 (unsigned long long)(min_free >> 20));
    else if (event == STORAGE_NOTIFY_SPACE_OK)
        log_info("storage", "disk space back (%llu MiB free): accepting writes again",
                 (unsigned long long)(free_bytes >> 20));
    else if (event == STORAGE_NOTIFY_RESTORED_CLEARED)
        log_info("storage", "restored store caught up with its own entries: local writes "
                 "accepted");
}

static void stop_restore_check(app *a)
{
    if (!a->restore_check_on) return;
    uv_timer_stop(&a->restore_check);
    uv_close((uv_handle_t *)&a->restore_check, NULL);
    a->restore_check_on = false;
}

static void on_restore_check(uv_timer_t *t)
{
    app *a = t->data;
    const config *cfg = a->cfg;
    uint16_t ids[TRANSPORT_MAX_PEERS];
    size_t n = 0;
    for (int i = 0; i < cfg->replication.npeers && n < TRANSPORT_MAX_PEERS; i++)
        ids[n++] = cfg->replication.peers[i].id;
    int rc = storage_restored_check(sqlexec_storage(a->ex), ids, cfg->replication.enabled ? n : 0);
    if (rc < 0) log_warn("storage", "restored mark not cleared: %s", storage_errmsg());
    if (rc == 1) stop_restore_check(a);
}

/* After the executor opened the store. Returns 0 or -1 (logged). */
static int start_guards(app *a, bool force_writable)
{
    storage *st = sqlexec_storage(a->ex);
    storage_set_notify(st, on_storage_notify, a);
    storage_set_min_free(st, (uint64_t)a->cfg->storage.min_free_mb << 20);
    if (!storage_restored(st)) return 0;
    if (force_writable) {
        if (storage_restored_clear(st) < 0) {
            log_error("storage", "cannot clear the restored mark: %s", storage_errmsg());
            return -1;
        }
        log_warn("storage", "--force-writable: restored store takes local writes without "
                 "waiting for its peers; writes of its own origin that only the peers hold may "
                 "be shadowed");
        return 0;
    }
    if (!a->cfg->replication.enabled || a->cfg->replication.npeers == 0) {
        /* No peer can hold entries of our origin that the backup lacks. */
        if (storage_restored_check(st, NULL, 0) < 0) {
            log_error("storage", "cannot clear the restored mark: %s", storage_errmsg());
            return -1;
        }
        return 0;
    }
    log_warn("storage", "this region was restored in place from a backup: local writes are "
             "refused (SQLSTATE 25006) until every peer has returned its own entries; a "
             "peer that never answers keeps it read-only (override: --force-writable, or "
             "restore with --reassign)");
    uv_timer_init(a->loop, &a->restore_check);
    a->restore_check.data = a;
    a->restore_check_on = true;
    uv_timer_start(&a->restore_check, on_restore_check, 0, RESTORE_CHECK_MS);
    return 0;
}

/* The data directory holds every row: nobody else may read it (PostgreSQL allows 0750 too). */
static int check_data_dir_mode(const char *dir, bool dev)
{
    struct stat sb;
    if (stat(dir, &sb) != 0) return 0; /* created 0700 by the store */
    mode_t bad = sb.st_mode & (S_IRWXO | S_IWGRP);
    if (bad && !dev) {
        log_error("main", "data directory %s is accessible to others (mode %04o): run "
                  "chmod 0700 %s", dir, (unsigned)(sb.st_mode & 07777), dir);
        return -1;
    }
    if (sb.st_mode & (S_IRWXO | S_IRWXG))
        log_warn("main", "data directory %s is accessible to its group or others (mode %04o); "
                 "chmod 0700 recommended", dir, (unsigned)(sb.st_mode & 07777));
    return 0;
}

/* ---- metrics ---- */

static void metrics_collect(void *arg, metrics_state *st)
{
    app *a = arg;
    st->connections = listener_count(a->lsn);
    if (a->sqlexec) {
        st->have_skew = true;
        uint64_t max_ms;
        sqlexec_skew_stats(a->ex, &st->skew_events, &max_ms);
        storage_stats ss = {0};
        storage_get_stats(sqlexec_storage(a->ex), &ss);
        st->have_storage = true;
        st->storage_commits = ss.commits;
        st->storage_syncs = ss.syncs;
        st->storage_synced_commits = ss.synced_commits;
        st->storage_groups = ss.groups;
        st->row_cache_hits = ss.row_cache_hits;
        st->row_cache_misses = ss.row_cache_misses;
        st->row_cache_bytes = ss.row_cache_bytes;
    }
    if (!a->t) return;
    for (int i = 0; i < a->cfg->replication.npeers && st->npeers < METRICS_MAX_PEERS; i++) {
        const config_peer *cp = &a->cfg->replication.peers[i];
        metrics_peer *mp = &st->peers[st->npeers++];
        snprintf(mp->name, sizeof mp->name, "%s", cp->name);
        transport_peer_stats ts;
        if (transport_peer_info(a->t, cp->id, &ts) == 0) mp->up = ts.state == TRANSPORT_PEER_UP;
        repl_peer_stats ps;
        memset(&ps, 0, sizeof ps);
        if (a->r && repl_peer_stats_get(a->r, cp->id, &ps) == 0) {
            mp->lag_entries = ps.lag_entries;
            mp->lag_seconds = ps.lag_ms / 1000.0;
            mp->bytes_in = ps.bytes_in;
            mp->bytes_out = ps.bytes_out;
            mp->snapshots_sent = ps.snapshots_sent;
            mp->snapshots_received = ps.snapshots_received;
            mp->ae_runs = ps.ae_runs;
            mp->ae_rows_repaired = ps.ae_rows_repaired;
            mp->ae_last_unix_s = ps.ae_last_unix_ms / 1000.0;
            causal_vv_free(&ps.acked);
        }
    }
}

static void start_metrics(app *a)
{
    const config *cfg = a->cfg;
    if (!cfg->metrics.enabled || !cfg->metrics.listen.host) return;
    const char *host = cfg->metrics.listen.host;
    if (!strcmp(host, "*")) host = "0.0.0.0";
    int rc = metrics_server_new(a->loop, host, cfg->metrics.listen.port, metrics_collect, a,
                                &a->metrics);
    if (rc < 0) {
        log_warn("metrics", "cannot serve metrics on %s:%u: %s (running without them)", host,
                 cfg->metrics.listen.port, uv_strerror(rc));
        a->metrics = NULL;
        return;
    }
    log_info("metrics", "serving GET /metrics on %s:%u", host, metrics_server_port(a->metrics));
}

/* ---- SIGHUP ---- */

static void reload(app *a)
{
    char err[512];
    const char *cert = a->cfg->sql.tls.cert, *key = a->cfg->sql.tls.key;
    config fresh;
    bool have_fresh = false;
    if (a->cfg->path) {
        config_errors errs = {0};
        if (config_load(a->cfg->path, &fresh, &errs) < 0) {
            log_error("main", "SIGHUP: %s does not load; keeping the running configuration",
                      a->cfg->path);
            for (int i = 0; i < errs.n; i++) log_error("main", "SIGHUP: %s", errs.msg[i]);
            config_errors_free(&errs);
            return;
        }
        have_fresh = true;
        log_init(fresh.log.format, fresh.log.level);
        log_info("main", "SIGHUP: log level %s, format %s", config_log_level_name(fresh.log.level),
                 config_log_format_name(fresh.log.format));
        cert = fresh.sql.tls.mode == CONFIG_TLS_OFF ? NULL : fresh.sql.tls.cert;
        key = fresh.sql.tls.mode == CONFIG_TLS_OFF ? NULL : fresh.sql.tls.key;
    }
    if (listener_reload_tls(a->lsn, cert, key, err, sizeof err) < 0)
        log_error("main", "SIGHUP: TLS certificate not reloaded (old one kept): %s", err);
    else if (cert)
        log_info("main", "SIGHUP: TLS certificate reloaded from %s", cert);
    if (listener_reload_users(a->lsn, err, sizeof err) < 0)
        log_error("main", "SIGHUP: users file not reloaded: %s", err);
    else
        log_info("main", "SIGHUP: users file reloaded");
    if (have_fresh) config_free(&fresh);
}

/* SIGTERM and SIGINT have a handler of our own, installed for the rest of the process's
 * life: a libuv signal handle restores the default action when it is closed, and a signal
 * landing after that (a harness or an operator stopping the node twice) ended the process,
 * mid-close, with a signal status. The handler counts the signal and wakes the main loop
 * through the stopsig async handle while that is open; once it is closed, signals are counted
 * and nothing more. */
static atomic_int stopsig_pending;
static atomic_int stopsig_last;
static atomic_int stopsig_busy; /* handlers between loading stopsig_async and using it */
static _Atomic(uv_async_t *) stopsig_async;

static void stop_signal_raw(int signum)
{
    int saved = errno;
    atomic_store(&stopsig_last, signum);
    atomic_fetch_add(&stopsig_pending, 1);
    atomic_fetch_add(&stopsig_busy, 1);
    uv_async_t *as = atomic_load(&stopsig_async);
    if (as) uv_async_send(as); /* async-signal-safe */
    atomic_fetch_sub(&stopsig_busy, 1);
    errno = saved;
}

static void close_signals(app *a)
{
    if (!a->signals_on) return;
    a->signals_on = false;
    uv_handle_t *hs[] = {(uv_handle_t *)&a->sighup, (uv_handle_t *)&a->sigusr1};
    for (int i = 0; i < 2; i++)
        if (!uv_is_closing(hs[i])) uv_close(hs[i], NULL);
    /* No handler may be inside uv_async_send when the handle closes. */
    atomic_store(&stopsig_async, NULL);
    while (atomic_load(&stopsig_busy) > 0) sched_yield();
    if (!uv_is_closing((uv_handle_t *)&a->stopsig)) uv_close((uv_handle_t *)&a->stopsig, NULL);
}

static void on_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        log_info("main", "still open at shutdown: %s handle", uv_handle_type_name(h->type));
}

/* Every second: the flood-limited log summaries; every 10 s, free memory goes back to the
 * system (a statement that built a huge value on a worker thread leaves its arena's pages
 * resident otherwise: 1,000,000-element set INSERTs kept ~500 MiB). */
static void on_log_flood(uv_timer_t *t)
{
    app *a = t->data;
    log_flood_flush();
    if (++a->ticks % 10 == 0) malloc_trim(0);
}

static void stop_log_flood(app *a)
{
    if (!a->log_flood_on) return;
    uv_timer_stop(&a->log_flood);
    uv_close((uv_handle_t *)&a->log_flood, NULL);
    a->log_flood_on = false;
    log_flood_flush();
}

static void stop_signal(app *a, int signum);

static void on_signal(uv_signal_t *s, int signum)
{
    app *a = s->data;
    /* The executor's destroy drains the loop after the listener is gone: a late signal then
       has nothing left to stop. */
    if (!a->lsn || !a->ws) return;
    if (signum == SIGHUP) {
        reload(a);
        return;
    }
    if (signum == SIGUSR1) on_demand(a);
}

static void on_stop_async(uv_async_t *h)
{
    app *a = h->data;
    int n = atomic_exchange(&stopsig_pending, 0);
    int signum = atomic_load(&stopsig_last);
    for (int i = 0; i < n && a->signals < 2 && a->signals_on; i++) stop_signal(a, signum);
}

/* SIGTERM/SIGINT on the main loop: the first stops gracefully, the second closes everything
 * at once; later ones change nothing. */
static void stop_signal(app *a, int signum)
{
    if (!a->lsn || !a->ws) return;
    a->signals++;
    log_info("main", "%s received: %s", strsignal(signum),
             a->signals == 1 ? "shutting down gracefully" : "closing all connections now");
    stop_replication(a);
    stop_restore_check(a);
    stop_log_flood(a);
    metrics_server_close(a->metrics);
    a->metrics = NULL;
    if (a->signals == 1) {
        sdnotify_stopping();
        /* SIGINT/SIGTERM stay armed so a second one can force the close. */
        uv_close((uv_handle_t *)&a->sighup, NULL);
        uv_close((uv_handle_t *)&a->sigusr1, NULL);
        uv_unref((uv_handle_t *)&a->stopsig);
    } else {
        uv_walk(a->loop, on_walk, NULL);
        close_signals(a);
    }
    listener_shutdown(a->lsn, a->signals > 1);
}

/* On each worker thread before its loop runs: its sessions live on its loop. */
static void worker_init(void *arg)
{
    app *a = arg;
    sqlexec_thread_attach(a->ex, worker_loop(worker_current()));
}

/* On each worker thread once its loop has ended (no session and no commit left). */
static void worker_fini(void *arg)
{
    app *a = arg;
    sqlexec_thread_detach(a->ex);
}

static int check_config(const char *path)
{
    config cfg;
    config_errors errs = {0};
    if (config_load(path, &cfg, &errs) < 0) {
        for (int i = 0; i < errs.n; i++) printf("%s\n", errs.msg[i]);
        config_errors_free(&errs);
        return 1;
    }
    config_free(&cfg);
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL, *data_dir = NULL;
    bool dev = false, force_writable = false;
    int port = 5432, metrics_port = -1;
    /* Before anything creates a file: the data is nobody else's (manual runs too). */
    umask(077);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--version")) {
            printf("heliosdb %s\n", HELIOS_VERSION);
            return 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--check-config") && next) {
            return check_config(next);
        } else if (!strcmp(a, "--config") && next) {
            config_path = argv[++i];
        } else if (!strcmp(a, "--force-writable")) {
            force_writable = true;
        } else if (!strcmp(a, "--dev")) {
            dev = true;
        } else if (!strcmp(a, "--data") && next) {
            data_dir = argv[++i];
        } else if (!strcmp(a, "--port") && next) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, "heliosdb: --port: not a port number: %s\n", argv[i]);
                return 2;
            }
            port = (int)p;
        } else if (!strcmp(a, "--metrics-port") && next) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, "heliosdb: --metrics-port: not a port number: %s\n", argv[i]);
                return 2;
            }
            metrics_port = (int)p;
        } else {
            fprintf(stderr, "heliosdb: unknown or incomplete argument: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (dev == (config_path != NULL)) {
        usage(stderr);
        return 2;
    }
    if (!dev && metrics_port >= 0) {
        fprintf(stderr, "heliosdb: --metrics-port only goes with --dev (use metrics.listen)\n");
        return 2;
    }
    if (!dev && data_dir) {
        fprintf(stderr, "heliosdb: --data only goes with --dev (use node.data_dir)\n");
        return 2;
    }

    config cfg;
    if (dev) {
        if (config_dev(&cfg, data_dir, port) < 0) {
            fprintf(stderr, "heliosdb: out of memory\n");
            return 1;
        }
    } else {
        config_errors errs = {0};
        if (config_load(config_path, &cfg, &errs) < 0) {
            for (int i = 0; i < errs.n; i++) fprintf(stderr, "heliosdb: %s\n", errs.msg[i]);
            config_errors_free(&errs);
            return 1;
        }
    }
    if (metrics_port >= 0) cfg.metrics.listen.port = (uint16_t)metrics_port;
    log_init(cfg.log.format, cfg.log.level);
    signal(SIGPIPE, SIG_IGN);
    /* Until the loop's handlers are installed (after the store, the executor threads, the
     * listener and replication are up), SIGHUP and SIGUSR1 would kill the process: a reload or
     * an on-demand anti-entropy asked for during start-up is dropped instead. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);

    int rc = 1;
    app a = {0};
    if (check_data_dir_mode(cfg.node.data_dir, dev) < 0) {
        config_free(&cfg);
        return 1;
    }
    /* storage.backup_dir: made (0700) when missing, so helios_backup() has somewhere to go */
    if (cfg.storage.backup_dir && mkdir(cfg.storage.backup_dir, 0700) < 0 && errno != EEXIST)
        log_warn("main", "storage.backup_dir %s cannot be created: %s (helios_backup will fail)",
                 cfg.storage.backup_dir, strerror(errno));
    a.loop = uv_default_loop();
    char err[512];
    executor *ex = sqlexec_new(a.loop, &cfg, err, sizeof err);
    if (!ex) {
        log_error("main", "%s", err);
        goto out_cfg;
    }
    a.ex = ex;
    a.cfg = &cfg;
    if (load_mock_secret(cfg.node.data_dir) < 0)
        log_warn("main", "no persistent SCRAM mock secret: unknown users get a per-process one");
    a.start_ms = uv_now(a.loop);
    a.main_thread = pthread_self();
    pthread_mutex_init(&a.mc_mu, NULL);
    pthread_cond_init(&a.mc_cv, NULL);
    uv_async_init(a.loop, &a.mc_async, on_mcall);
    a.mc_async.data = &a;
    uv_unref((uv_handle_t *)&a.mc_async);
    a.mc_open = true;
    if (cfg.replication.enabled) { /* before the workers start: they read these */
        sqlexec_set_commit_hook(ex, on_commit_hook, &a);
        sqlexec_set_peer_provider(ex, peer_rows, &a);
        sqlexec_set_repl_hooks(ex, sql_anti_entropy, &a);
        sqlvirt_set_peer_extra(peer_extra, &a);
    }
    int nthreads = cfg.sql.threads > 0 ? cfg.sql.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads < 1) nthreads = 1;
    if (nthreads > 64) nthreads = 64;
    if (workers_start(nthreads, worker_init, worker_fini, &a, &a.ws, err, sizeof err) < 0) {
        log_error("main", "%s", err);
        mcall_close(&a);
        uv_run(a.loop, UV_RUN_NOWAIT);
        goto out_ex;
    }
    if (listener_new(a.loop, &cfg, ex, a.ws, &a.lsn, err, sizeof err) < 0) {
        log_error("main", "%s", err);
        mcall_close(&a);
        workers_stop(a.ws);
        uv_run(a.loop, UV_RUN_NOWAIT);
        goto out_ex;
    }
    a.sqlexec = true;
    if (start_guards(&a, force_writable) < 0) {
        listener_shutdown(a.lsn, true);
        uv_run(a.loop, UV_RUN_DEFAULT);
        goto out_lsn;
    }
    if (cfg.replication.enabled && start_replication(&a) < 0) {
        stop_restore_check(&a);
        listener_shutdown(a.lsn, true);
        uv_run(a.loop, UV_RUN_DEFAULT);
        goto out_lsn;
    }
    start_metrics(&a);
    uv_timer_init(a.loop, &a.log_flood);
    a.log_flood.data = &a;
    uv_timer_start(&a.log_flood, on_log_flood, 1000, 1000);
    a.log_flood_on = true;
    uv_signal_t *sigs[] = {&a.sighup, &a.sigusr1};
    int nums[] = {SIGHUP, SIGUSR1};
    for (int i = 0; i < 2; i++) {
        uv_signal_init(a.loop, sigs[i]);
        sigs[i]->data = &a;
        uv_signal_start(sigs[i], on_signal, nums[i]);
    }
    uv_async_init(a.loop, &a.stopsig, on_stop_async);
    a.stopsig.data = &a;
    atomic_store(&stopsig_async, &a.stopsig);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_signal_raw;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    a.signals_on = true;
    log_info("main", "heliosdb %s node \"%s\" (id %u) ready, executor: %s, %d SQL thread(s)",
             HELIOS_VERSION, cfg.node.name, cfg.node.id, ex->ops->name, nthreads);
    if (dev)
        fprintf(stderr,
                "\n  HeliosDB dev mode (single node, trust auth on loopback)\n"
                "  connect with:  psql -h 127.0.0.1 -p %d -U postgres\n\n",
                cfg.sql.listen[0].port);
    sdnotify_ready();
    uv_run(a.loop, UV_RUN_DEFAULT);
    log_info("main", "stopped");
    rc = 0;
out_lsn:
    /* Every connection is gone; the workers end once their commits are answered. */
    mcall_close(&a);
    workers_stop(a.ws);
    a.ws = NULL;
    close_signals(&a);
    uv_run(a.loop, UV_RUN_NOWAIT);
    listener_del(a.lsn);
    a.lsn = NULL;
out_ex:
    ex->ops->destroy(ex);
out_cfg:
    causal_vv_free(&a.gc_candidate);
    causal_vv_free(&a.gc_witness);
    config_free(&cfg);
    uv_loop_close(a.loop);
    if (a.main_thread) {
        pthread_mutex_destroy(&a.mc_mu);
        pthread_cond_destroy(&a.mc_cv);
    }
    return rc;
}
