/*
 * replication/repl.c — outbox, inbox, causal delivery and relay (design in repl.h).
 *
 *   repl_new, repl_del                      lifetime (deferred free once idle)
 *   repl_kick, flush_all, flush_peer        outbox: batching, window, retransmission
 *   post_done                               outbox: the ack (peer's vv) or a failure
 *   repl_on_deltas, on_commit, on_async     inbox: decode, apply, causal buffer, respond
 *   repl_on_peer_state                      reset cursors on (re)connect
 *   repl_peer_stats_get, repl_get_stats     observability
 */
#include "replication/repl.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replication/replbatch.h"
#include "replication/replbuf.h"
#include "replication/replsnap.h"

#include <time.h>

#define TICK_MS 100
#define SNAP_RETRY_MS 1000
#define SNAP_BUSY_RETRY_MS 2000
#define SNAP_IN_IDLE_MS 30000   /* a receiver forgets a silent sender's transfer after this */
/* A sender's log pin for a peer it sent a snapshot (see snap_pin) goes after this long
 * without progress: the peer went away or stopped catching up. */
#define SNAP_PIN_IDLE_MS 60000
#define AE_MAX_ITEMS_PER_ROUND 20000
/* Relay suppression (see fill_batch): origins tracked per peer; beyond this, relay always. */
#define RELAY_MAX_ORIGINS 32
/* Once relaying an origin to a peer, keep at it at least this long before trusting the
 * origin's own link again (the cost of re-deciding is one grace period of delay). */
#define RELAY_HOLD_MS 10000

/* Per (peer, origin) relay decision. `seq`/`since_ms`: the highest entry of the origin this
 * node held when it noticed the peer lacked it, and when; the peer's ack passing `seq` clears
 * it. Still behind one grace period later, in an ack received after that, means the origin
 * cannot reach the peer: relay. */
typedef struct relay_mark {
    uint16_t origin;
    bool relaying;
    uint64_t seq, since_ms, relay_since_ms;
} relay_mark;

typedef struct rpeer {
    repl *r;
    uint16_t id;
    causal_vv acked; /* the peer's applied vv, as of its last answer */
    causal_vv sent;  /* per origin, the highest seq put in flight */
    uint32_t inflight;
    bool up, probe;
    uint64_t retry_at_ms;
    uint64_t unacked_since_ms; /* 0: nothing unacknowledged */
    uint64_t acked_at_ms;      /* when the last ack arrived */
    bool refresh;              /* send a batch (even empty) for a fresh ack */
    relay_mark marks[RELAY_MAX_ORIGINS];
    int nmarks;
    uint64_t relayed_entries;  /* entries of third origins sent to this peer */
    int last_err;              /* to log a failure once, not per retry */
    uint64_t bytes_out, bytes_in, batches_out, batches_in, entries_out, entries_in;
    uint64_t echo_own_upto; /* restored peer: send its own entries back up to this seq */
    /* snapshot transfer to this peer */
    bool need_snapshot, snap_inflight;
    storage_export *snap;
    uint64_t snap_session;
    uint32_t snap_index;
    uint64_t snap_items;
    uint8_t *snap_pend; /* the item that did not fit the previous chunk (kind, key, val) */
    storage_item snap_pend_item;
    bool snap_have_pend, snap_at_end;
    /* what the log must keep for this peer: from the export's vv during a transfer, then
     * from its ack until it has caught up (snap_pin) */
    storage_log_pin *pin;
    uint64_t pin_ms; /* last progress: pinned, a chunk or an ack that moved it */
    /* anti-entropy with this peer (we initiate) */
    bool ae_busy, ae_wanted;
    causal_vv ae_floor;
    uint8_t *ae_diff; /* REPLSNAP_BUCKETS flags: leaves still to repair */
    replsnap_leaf *ae_theirs;
    uint64_t ae_rows_round;
    uint64_t snapshots_sent, snapshots_received, snapshot_items_sent, snapshot_items_received;
    uint64_t ae_runs, ae_rows_repaired, ae_last_unix_ms;
} rpeer;

/* One incoming POST /v1/deltas being applied. */
typedef struct inbatch {
    repl *r;
    transport_req *req;
    uint8_t *body; /* owned copy: the items point into it */
    replbatch b;
    size_t pending; /* commits not yet settled */
} inbatch;

/* One storage_commit_remote_async in flight. */
typedef struct rcommit {
    storage_commit_req req;
    repl *r;
    inbatch *ib;       /* the batch it came in, or NULL for a causal-buffer retry */
    replbuf_entry own; /* causal-buffer retry: owns bytes and deps */
    uint16_t origin;
    uint64_t seq;
    causal_hlc hlc;
    bool has_catalog;
    const causal_vv *deps;
    uint32_t part, nparts; /* a transaction's part (logentry.h), applied with the others */
    struct rcommit *next;
} rcommit;

/* The parts of one remote transaction being collected (logentry.h "Parts"): they go to
 * storage together, once all are here and the first one's dependencies are applied. */
typedef struct rstage {
    uint16_t origin;
    uint64_t seq0;
    uint32_t nparts, have;
    uint64_t bytes;
    replbuf_entry *parts; /* nparts slots, bytes NULL while missing */
    struct rstage *next;
} rstage;

/* Memory the stages may hold: two transactions of the largest size. A part past it is
 * dropped (its sender sends it again). */
#define STAGE_MAX_BYTES (2 * LOGENTRY_MAX_TXN)

/* One POST /v1/deltas in flight. Answers can arrive in another order than they were
 * produced (two QUIC connections per pair, loss, jitter), so a loss of state at the peer is
 * judged against what was true when this request left: the peer's answer is produced after
 * that, and a peer that lost nothing then holds at least as much. */
typedef struct postctx {
    repl *r;
    rpeer *p;
    uint64_t nentries;
    bool probe;
    uint64_t own_at_send; /* entries of the peer's own origin this node held */
    causal_vv acked_at_send; /* probe only: the peer's acked vv */
} postctx;

static void postctx_free(postctx *pc)
{
    if (!pc) return;
    causal_vv_free(&pc->acked_at_send);
    free(pc);
}

/* A storage_import in flight: a snapshot chunk or anti-entropy rows. */
enum { JOB_SNAP = 1, JOB_AE_SERVE, JOB_AE_REPAIR };
typedef struct rjob {
    repl *r;
    int kind;
    uint16_t peer;
    transport_req *req; /* JOB_SNAP, JOB_AE_SERVE: to answer */
    uint8_t *body;      /* owned copy: the items point into it */
    replsnap_msg m;
    int status;
    char errmsg[200];
    bool has_catalog;
    struct rjob *next;
} rjob;

/* The receiving side of a snapshot transfer (one at a time). */
typedef struct snap_in {
    uint16_t peer; /* 0: none */
    uint64_t session;
    uint32_t next_index;
    uint64_t last_ms;
    uint64_t items;
    bool busy; /* a chunk's import is in flight */
} snap_in;

struct repl {
    uv_loop_t *loop;
    storage *st;
    transport *t;
    repl_config cfg;
    rpeer *peers;
    int npeers;
    uv_timer_t flush_timer, tick;
    uv_async_t async;
    bool flush_armed;
    pthread_mutex_t mu;
    rcommit *done_head, *done_tail; /* guarded by mu: completions from the writer thread */
    rjob *jobs_head, *jobs_tail;    /* guarded by mu: import completions */
    snap_in sin;
    uv_timer_t ae_timer;
    replbuf buf;
    rstage *stages;
    uint64_t stage_bytes;
    size_t outstanding; /* posts, commits and batches not yet settled */
    bool closing;
    int handles_open;
    repl_stats stats;
};

static void rlog(repl *r, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rlog(repl *r, int level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (r->cfg.on_log)
        r->cfg.on_log(r->cfg.arg, level, line);
    else if (level >= TRANSPORT_LOG_WARN)
        fprintf(stderr, "replication: %s\n", line);
}

static rpeer *find_peer(repl *r, uint16_t id)
{
    for (int i = 0; i < r->npeers; i++)
        if (r->peers[i].id == id) return &r->peers[i];
    return NULL;
}

static uint64_t u64max(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* ---------------------------------------------------------------- lifetime */

static void snap_out_reset(rpeer *p)
{
    storage_export_del(p->snap);
    p->snap = NULL;
    free(p->snap_pend);
    p->snap_pend = NULL;
    p->snap_have_pend = p->snap_at_end = false;
    p->snap_index = 0;
    p->snap_items = 0;
}

static void snap_unpin(rpeer *p)
{
    storage_log_pin_del(p->r->st, p->pin);
    p->pin = NULL;
}

static void peer_free(rpeer *p)
{
    snap_unpin(p);
    causal_vv_free(&p->acked);
    causal_vv_free(&p->sent);
    causal_vv_free(&p->ae_floor);
    snap_out_reset(p);
    free(p->ae_diff);
    p->ae_diff = NULL;
    free(p->ae_theirs);
    p->ae_theirs = NULL;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void stage_free(rstage *st)
{
    for (uint32_t i = 0; i < st->nparts; i++) replbuf_entry_free(&st->parts[i]);
    free(st->parts);
    free(st);
}

static void stages_free(repl *r)
{
    while (r->stages) {
        rstage *st = r->stages;
        r->stages = st->next;
        stage_free(st);
    }
    r->stage_bytes = 0;
}

/* Adds part `part` of `nparts` of origin's transaction at seq (a copy of the bytes unless
 * `own` hands them over, then *own is emptied). Returns true when the part was new. */
static bool stage_add(repl *r, uint16_t origin, uint64_t seq, uint32_t part, uint32_t nparts,
                      causal_hlc hlc, bool has_catalog, const causal_vv *deps,
                      const uint8_t *bytes, size_t len, replbuf_entry *own)
{
    uint64_t seq0 = seq - part;
    rstage **pp = &r->stages, *st = NULL;
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->origin != origin || (*pp)->seq0 != seq0) continue;
        st = *pp;
        if (st->nparts != nparts) { /* cannot be: a seq has one entry */
            *pp = st->next;
            r->stage_bytes -= st->bytes;
            stage_free(st);
            st = NULL;
        }
        break;
    }
    if (st && st->parts[part].bytes) return false;
    if (r->stage_bytes + len > STAGE_MAX_BYTES) {
        r->stats.buffer_refused++;
        return false;
    }
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st || !(st->parts = calloc(nparts, sizeof *st->parts))) {
            free(st);
            return false;
        }
        st->origin = origin;
        st->seq0 = seq0;
        st->nparts = nparts;
        st->next = r->stages;
        r->stages = st;
    }
    replbuf_entry *e = &st->parts[part];
    if (own) {
        *e = *own;
        memset(own, 0, sizeof *own);
        causal_vv_init(&own->deps);
    } else {
        memset(e, 0, sizeof *e);
        causal_vv_init(&e->deps);
        if (!(e->bytes = malloc(len ? len : 1)) || causal_vv_copy(&e->deps, deps) < 0) {
            replbuf_entry_free(e);
            return false;
        }
        memcpy(e->bytes, bytes, len);
        e->len = len;
        e->origin = origin;
        e->seq = seq;
        e->hlc = hlc;
        e->has_catalog = has_catalog;
    }
    st->have++;
    st->bytes += e->len;
    r->stage_bytes += e->len;
    return true;
}

static void on_commit(storage_commit_req *req);

/* Submits every complete transaction whose first part the applied vv now allows; drops those
 * it already covers. With ib (the batch that brought parts), the batch is answered once they
 * are applied, so its ack covers them (else the sender would send them all again). */
static void stages_submit(repl *r, inbatch *ib)
{
    if (!r->stages || r->closing) return;
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(r->st, &vv) < 0) return;
    for (rstage **pp = &r->stages; *pp;) {
        rstage *st = *pp;
        uint64_t have = causal_vv_get(&vv, st->origin);
        if (st->seq0 <= have) { /* applied (another path brought it) */
            *pp = st->next;
            r->stage_bytes -= st->bytes;
            stage_free(st);
            continue;
        }
        bool ready = st->have == st->nparts && st->seq0 == have + 1;
        const causal_vv *deps = &st->parts[0].deps;
        for (uint32_t i = 0; ready && i < deps->len; i++)
            if (deps->v[i].node != st->origin &&
                causal_vv_get(&vv, deps->v[i].node) < deps->v[i].counter)
                ready = false;
        if (!ready) {
            pp = &st->next;
            continue;
        }
        rcommit **cs = calloc(st->nparts, sizeof *cs);
        storage_commit_req **reqs = calloc(st->nparts, sizeof *reqs);
        uint32_t k = 0;
        for (; cs && reqs && k < st->nparts; k++) {
            if (!(cs[k] = calloc(1, sizeof **cs))) break;
            rcommit *c = cs[k];
            c->r = r;
            c->own = st->parts[k];
            c->origin = c->own.origin;
            c->seq = c->own.seq;
            c->hlc = c->own.hlc;
            c->has_catalog = c->own.has_catalog;
            c->deps = &c->own.deps;
            c->part = k;
            c->nparts = st->nparts;
            c->req.entry = c->own.bytes;
            c->req.entry_len = c->own.len;
            c->req.cb = on_commit;
            c->req.user = c;
            reqs[k] = &c->req;
        }
        int rc = k == st->nparts ? storage_commit_remote_chain_async(r->st, reqs, k) : -1;
        if (rc == 0) {
            if (ib) {
                for (uint32_t i = 0; i < k; i++) cs[i]->ib = ib;
                ib->pending += k;
            }
            /* the parts' bytes now belong to their commits */
            for (uint32_t i = 0; i < k; i++) {
                memset(&st->parts[i], 0, sizeof st->parts[i]);
                causal_vv_init(&st->parts[i].deps);
            }
            r->outstanding += k;
            causal_vv_set(&vv, st->origin, st->seq0 + st->nparts - 1);
            *pp = st->next;
            r->stage_bytes -= st->bytes;
            stage_free(st);
        } else {
            for (uint32_t i = 0; i < k; i++) free(cs[i]); /* the stage keeps the bytes */
            pp = &st->next;
        }
        free(cs);
        free(reqs);
    }
    causal_vv_free(&vv);
}

static void on_handle_closed(uv_handle_t *h)
{
    repl *r = h->data;
    if (--r->handles_open > 0) return;
    for (int i = 0; i < r->npeers; i++) peer_free(&r->peers[i]);
    free(r->peers);
    replbuf_free(&r->buf);
    stages_free(r);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static void maybe_free(repl *r)
{
    if (!r->closing || r->outstanding > 0 || r->handles_open != 4) return;
    uv_close((uv_handle_t *)&r->ae_timer, on_handle_closed);
    uv_close((uv_handle_t *)&r->flush_timer, on_handle_closed);
    uv_close((uv_handle_t *)&r->tick, on_handle_closed);
    uv_close((uv_handle_t *)&r->async, on_handle_closed);
}

static void on_async(uv_async_t *h);
static void on_flush_timer(uv_timer_t *h);
static void on_tick(uv_timer_t *h);
static void on_ae_timer(uv_timer_t *h);

int repl_new(uv_loop_t *loop, const repl_config *cfg, storage *st, transport *t, repl **out)
{
    if (!loop || !cfg || !st || !out || cfg->self_id == 0 || cfg->npeers < 0 ||
        cfg->npeers > TRANSPORT_MAX_PEERS || (cfg->npeers > 0 && !cfg->peer_ids))
        return REPL_EINVAL;
    repl *r = calloc(1, sizeof *r);
    if (!r) return REPL_ENOMEM;
    r->loop = loop;
    r->st = st;
    r->t = t;
    r->cfg = *cfg;
    r->cfg.peer_ids = NULL;
    if (r->cfg.batch_max_delay_ms < 0) r->cfg.batch_max_delay_ms = 0;
    if (!r->cfg.batch_max_bytes) r->cfg.batch_max_bytes = 1u << 20;
    if (r->cfg.window <= 0) r->cfg.window = 32;
    if (r->cfg.relay_grace_ms == 0) r->cfg.relay_grace_ms = 1000;
    if (!r->cfg.buffer_max_entries) r->cfg.buffer_max_entries = 65536;
    if (!r->cfg.buffer_max_bytes) r->cfg.buffer_max_bytes = 64u << 20;
    if (r->cfg.retry_ms <= 0) r->cfg.retry_ms = 200;
    if (!r->cfg.snapshot_chunk_bytes) r->cfg.snapshot_chunk_bytes = 1u << 20;
    if (r->cfg.anti_entropy_interval_s < 0) r->cfg.anti_entropy_interval_s = 0;
    replbuf_init(&r->buf, r->cfg.buffer_max_entries, r->cfg.buffer_max_bytes);
    pthread_mutex_init(&r->mu, NULL);
    r->npeers = cfg->npeers;
    r->peers = calloc(cfg->npeers ? (size_t)cfg->npeers : 1, sizeof *r->peers);
    if (!r->peers) goto err;
    for (int i = 0; i < cfg->npeers; i++) {
        rpeer *p = &r->peers[i];
        p->r = r;
        p->id = cfg->peer_ids[i];
        causal_vv_init(&p->acked);
        causal_vv_init(&p->sent);
        causal_vv_init(&p->ae_floor);
        if (p->id == 0 || p->id == cfg->self_id) goto err;
        int rc = storage_peer_get_acked(st, p->id, &p->acked);
        if (rc < 0 && rc != STORAGE_ENOTFOUND) goto err;
        if (rc < 0) causal_vv_init(&p->acked);
        if (causal_vv_copy(&p->sent, &p->acked) < 0) goto err;
    }
    if (uv_async_init(loop, &r->async, on_async) < 0) goto err;
    r->async.data = r;
    uv_timer_init(loop, &r->flush_timer);
    r->flush_timer.data = r;
    uv_timer_init(loop, &r->tick);
    r->tick.data = r;
    uv_timer_init(loop, &r->ae_timer);
    r->ae_timer.data = r;
    r->handles_open = 4;
    uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
    if (r->cfg.anti_entropy_interval_s > 0) {
        uint64_t ms = (uint64_t)r->cfg.anti_entropy_interval_s * 1000u;
        uv_timer_start(&r->ae_timer, on_ae_timer, ms, ms);
    }
    *out = r;
    return 0;
err:
    for (int i = 0; r->peers && i < cfg->npeers; i++) peer_free(&r->peers[i]);
    free(r->peers);
    replbuf_free(&r->buf);
    stages_free(r);
    pthread_mutex_destroy(&r->mu);
    free(r);
    return REPL_EINVAL;
}

void repl_del(repl *r)
{
    if (!r || r->closing) return;
    r->closing = true;
    uv_timer_stop(&r->flush_timer);
    uv_timer_stop(&r->tick);
    uv_timer_stop(&r->ae_timer);
    maybe_free(r);
}

/* ---------------------------------------------------------------- outbox */

static void post_done(void *arg, int err, int status, const uint8_t *body, size_t len);

static void peer_reset_cursor(rpeer *p)
{
    causal_vv tmp;
    causal_vv_init(&tmp);
    if (causal_vv_copy(&tmp, &p->acked) == 0) {
        causal_vv_free(&p->sent);
        p->sent = tmp;
    }
}

static relay_mark *relay_mark_get(rpeer *p, uint16_t o)
{
    for (int i = 0; i < p->nmarks; i++)
        if (p->marks[i].origin == o) return &p->marks[i];
    if (p->nmarks == RELAY_MAX_ORIGINS) return NULL;
    relay_mark *m = &p->marks[p->nmarks++];
    *m = (relay_mark){.origin = o};
    return m;
}

/* May entries of third origin o (this node holds up to `top`) go to p now? Only when o
 * itself has not brought them there within the grace period: in a healthy mesh every origin
 * reaches every peer directly and relaying would only send duplicates. */
static bool relay_allowed(repl *r, rpeer *p, uint16_t o, uint64_t top, uint64_t now)
{
    if (r->cfg.relay_grace_ms < 0) return true; /* suppression off */
    relay_mark *m = relay_mark_get(p, o);
    if (!m) return true;
    uint64_t acked = causal_vv_get(&p->acked, o);
    if (m->relaying) {
        if (acked < top || now - m->relay_since_ms < RELAY_HOLD_MS) return true;
        m->relaying = false; /* caught up: give the origin's own link another chance */
        m->seq = 0;
    }
    if (acked >= top) {
        m->seq = 0;
        return false;
    }
    if (m->seq == 0 || acked >= m->seq) {
        m->seq = top;
        m->since_ms = now;
    }
    uint64_t due = m->since_ms + (uint64_t)r->cfg.relay_grace_ms;
    if (now < due) return false;
    if (p->acked_at_ms >= due) {
        m->relaying = true;
        m->relay_since_ms = now;
        rlog(r, TRANSPORT_LOG_INFO,
             "peer %u still lacks entries of origin %u after %d ms: relaying them", p->id, o,
             r->cfg.relay_grace_ms);
        return true;
    }
    p->refresh = true; /* the ack may be stale: ask before relaying */
    return false;
}

/* Fills one batch for p; returns the number of entries added, or <0. */
static long fill_batch(repl *r, rpeer *p, const causal_vv *local, uint64_t durable,
                       replbatch_writer *w)
{
    long added = 0;
    for (uint32_t i = 0; i < local->len; i++) {
        uint16_t o = local->v[i].node;
        uint64_t top = local->v[i].counter;
        if (o == p->id) {
            /* the peer wrote them, unless it lost them (restored from an older backup) */
            if (p->echo_own_upto == 0) continue;
            if (top > p->echo_own_upto) top = p->echo_own_upto;
        }
        if (o == r->cfg.self_id && durable < top) top = durable;
        uint64_t have = u64max(causal_vv_get(&p->acked, o), causal_vv_get(&p->sent, o));
        bool relay = o != r->cfg.self_id && o != p->id;
        if (relay && !relay_allowed(r, p, o, top, uv_now(r->loop))) continue;
        if (have >= top) continue;
        storage_log_iter *it;
        int rc = storage_log_iter_new(r->st, o, have + 1, &it);
        if (rc == STORAGE_ETRUNCATED) {
            if (p->probe) continue; /* learn what the peer has first */
            rlog(r, TRANSPORT_LOG_INFO,
                 "peer %u needs entries of origin %u from seq %llu, no longer in the log: "
                 "sending it a snapshot",
                 p->id, o, (unsigned long long)(have + 1));
            p->need_snapshot = true;
            return added;
        }
        if (rc < 0) return rc;
        uint64_t seq;
        const uint8_t *e;
        size_t elen;
        while (replbatch_writer_size(w) < r->cfg.batch_max_bytes &&
               (rc = storage_log_iter_next(it, &seq, &e, &elen)) == 1) {
            if (seq > top) break;
            /* a single entry larger than the limit still goes, alone */
            if (w->n > 0 && replbatch_writer_size(w) + elen + 10 > r->cfg.batch_max_bytes) break;
            if ((rc = replbatch_writer_add(w, e, elen)) < 0) break;
            if ((rc = causal_vv_set(&p->sent, o, seq)) < 0) break;
            added++;
            if (relay) p->relayed_entries++;
        }
        storage_log_iter_del(it);
        if (rc < 0) return rc;
        if (replbatch_writer_size(w) >= r->cfg.batch_max_bytes) break;
    }
    return added;
}

static void snap_step(repl *r, rpeer *p);

static void flush_peer(repl *r, rpeer *p, const causal_vv *local, uint64_t durable)
{
    uint64_t now = uv_now(r->loop);
    if (p->need_snapshot) {
        /* batches already in flight settle first: their acks shape what the peer lacks */
        if (p->up && p->inflight == 0) snap_step(r, p);
        return;
    }
    while (p->up && p->inflight < (uint32_t)r->cfg.window && now >= p->retry_at_ms) {
        replbatch_writer w;
        replbatch_writer_init(&w, r->cfg.self_id);
        causal_vv before;
        causal_vv_init(&before);
        if (causal_vv_copy(&before, &p->sent) < 0) {
            replbatch_writer_free(&w);
            return;
        }
        long n = fill_batch(r, p, local, durable, &w);
        uint8_t *body = NULL;
        size_t blen = 0;
        postctx *pc = NULL;
        int rc = n < 0 ? (int)n : 0;
        bool refresh = p->refresh && p->inflight == 0;
        if (rc == 0 && n == 0 && !p->probe && !refresh) goto done; /* nothing to send */
        if (rc == 0 && n == 0 && p->need_snapshot) goto done; /* the snapshot replaces it */
        if (rc == 0) rc = replbatch_writer_finish(&w, &body, &blen);
        if (rc == 0 && !(pc = malloc(sizeof *pc))) rc = REPL_ENOMEM;
        if (rc == 0) {
            *pc = (postctx){.r = r, .p = p, .nentries = (uint64_t)n, .probe = p->probe,
                            .own_at_send = causal_vv_get(local, p->id)};
            causal_vv_init(&pc->acked_at_send);
            if (pc->probe && causal_vv_copy(&pc->acked_at_send, &p->acked) < 0) rc = REPL_ENOMEM;
        }
        if (rc == 0) {
            rc = transport_post_deltas(r->t, p->id, body, blen, post_done, pc);
        }
        if (rc < 0) {
            /* not sent: roll the cursor back */
            causal_vv_free(&p->sent);
            p->sent = before;
            causal_vv_init(&before);
            if (rc != TRANSPORT_EAGAIN && rc != TRANSPORT_ENOTCONN && p->last_err != rc)
                rlog(r, TRANSPORT_LOG_WARN, "batch to peer %u not sent: error %d", p->id, rc);
            p->last_err = rc;
            p->retry_at_ms = now + (uint64_t)r->cfg.retry_ms;
            postctx_free(pc);
            free(body);
            goto done;
        }
        free(body);
        r->outstanding++;
        p->inflight++;
        p->probe = false;
        p->refresh = false;
        p->batches_out++;
        p->bytes_out += blen;
        p->entries_out += (uint64_t)n;
        if (n > 0 && !p->unacked_since_ms) p->unacked_since_ms = now;
        causal_vv_free(&before);
        replbatch_writer_free(&w);
        if (p->need_snapshot) return;
        continue;
    done:
        causal_vv_free(&before);
        replbatch_writer_free(&w);
        return;
    }
}

static void flush_all(repl *r)
{
    if (r->closing) return;
    causal_vv local;
    causal_vv_init(&local);
    if (storage_vv(r->st, &local) < 0) return;
    uint64_t durable = storage_durable_seq(r->st);
    for (int i = 0; i < r->npeers; i++) flush_peer(r, &r->peers[i], &local, durable);
    causal_vv_free(&local);
}

static void on_flush_timer(uv_timer_t *h)
{
    repl *r = h->data;
    r->flush_armed = false;
    flush_all(r);
}

static void on_tick(uv_timer_t *h)
{
    repl *r = h->data;
    uint64_t now = uv_now(r->loop);
    for (int i = 0; i < r->npeers; i++) {
        rpeer *p = &r->peers[i];
        if (p->pin && now - p->pin_ms > SNAP_PIN_IDLE_MS) {
            rlog(r, TRANSPORT_LOG_INFO, "peer %u made no progress for %d s since its snapshot: "
                 "the log no longer waits for it", p->id, SNAP_PIN_IDLE_MS / 1000);
            snap_unpin(p);
        }
    }
    flush_all(r);
}

void repl_kick(repl *r)
{
    if (!r || r->closing || r->flush_armed) return;
    r->flush_armed = true;
    uv_timer_start(&r->flush_timer, on_flush_timer, (uint64_t)r->cfg.batch_max_delay_ms, 0);
}

static void post_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    postctx *pc = arg;
    repl *r = pc->r;
    rpeer *p = pc->p;
    bool probe = pc->probe;
    uint64_t own_at_send = pc->own_at_send;
    causal_vv acked_at_send = pc->acked_at_send; /* moved: freed below */
    causal_vv_init(&pc->acked_at_send);
    postctx_free(pc);
    r->outstanding--;
    p->inflight--;
    if (r->closing) {
        causal_vv_free(&acked_at_send);
        maybe_free(r);
        return;
    }
    uint64_t now = uv_now(r->loop);
    causal_vv ack;
    causal_vv_init(&ack);
    int rc = err;
    if (rc == 0 && status != 200) rc = -1000 - status;
    if (rc == 0) {
        codec_rd rd;
        codec_rd_init(&rd, body, len);
        if (causal_vv_decode(&rd, &ack) < 0 || codec_rd_left(&rd) != 0) rc = REPL_EINVAL;
    }
    if (rc < 0) {
        if (p->last_err != rc && err != TRANSPORT_ESHUTDOWN)
            rlog(r, TRANSPORT_LOG_WARN, "batch to peer %u failed (%s, HTTP %d): retransmitting",
                 p->id, err ? transport_strerror(err) : "bad answer", status);
        p->last_err = rc;
        peer_reset_cursor(p);
        p->retry_at_ms = now + (uint64_t)r->cfg.retry_ms;
        causal_vv_free(&ack);
        causal_vv_free(&acked_at_send);
        return;
    }
    p->last_err = 0;
    p->acked_at_ms = now;
    p->refresh = false;
    uint64_t peer_own = causal_vv_get(&ack, p->id); /* before the branch below moves ack */
    /* Against what it had acknowledged when the probe left, not since: a later request's
     * answer may have overtaken this one. */
    bool lost = probe && !causal_vv_leq(&acked_at_send, &ack);
    causal_vv_free(&acked_at_send);
    if (lost) {
        /* The peer has less than it once acknowledged: restored from an older backup (or
         * its data directory was replaced). Start again from what it has now. */
        causal_vv local;
        causal_vv_init(&local);
        uint64_t own = 0;
        if (storage_vv(r->st, &local) == 0) own = causal_vv_get(&local, p->id);
        causal_vv_free(&local);
        rlog(r, TRANSPORT_LOG_WARN, "peer %u reports less than it acknowledged before "
             "(restored?): resending from its current version vector", p->id);
        if (causal_vv_get(&ack, p->id) < own) p->echo_own_upto = own;
        causal_vv_free(&p->acked);
        p->acked = ack; /* moved: the join below then adds nothing */
        causal_vv_init(&ack);
        causal_vv_free(&p->sent);
        causal_vv_init(&p->sent);
        causal_vv_copy(&p->sent, &p->acked);
    }
    if (causal_vv_join(&p->acked, &ack) == 0) {
        int prc = storage_peer_put_acked(r->st, p->id, &p->acked);
        if (prc < 0)
            rlog(r, TRANSPORT_LOG_WARN, "peer %u ack not persisted: %s", p->id,
                 storage_strerror(prc));
    }
    causal_vv_free(&ack);
    if (!p->echo_own_upto) {
        /* A peer always holds every entry of its own origin that we hold, unless it lost
         * them (restored in place from an older backup) — caught here even when our stored
         * ack of it is older still. Send them back: its write guard waits for them
         * (storage.h, "Write guards"). Judged by what we held when the request left: the
         * peer answered after that, but entries it wrote after answering may have reached us
         * before this answer did. */
        uint64_t own = own_at_send;
        if (peer_own < own) {
            rlog(r, TRANSPORT_LOG_WARN, "peer %u lacks entries %llu..%llu of its own origin "
                 "(restored?): sending them back", p->id, (unsigned long long)peer_own + 1,
                 (unsigned long long)own);
            p->echo_own_upto = own;
            /* resend from what it has, not from a stale higher ack */
            if (causal_vv_get(&p->acked, p->id) > peer_own)
                causal_vv_set(&p->acked, p->id, peer_own);
            if (causal_vv_get(&p->sent, p->id) > peer_own)
                causal_vv_set(&p->sent, p->id, peer_own);
        }
    }
    if (p->echo_own_upto && causal_vv_get(&p->acked, p->id) >= p->echo_own_upto)
        p->echo_own_upto = 0;
    if (p->pin && !p->snap) {
        /* after a snapshot: keep what the peer still lacks until it has caught up */
        causal_vv local;
        causal_vv_init(&local);
        if (storage_vv(r->st, &local) == 0 && causal_vv_leq(&local, &p->acked))
            snap_unpin(p);
        else if (storage_log_pin_move(r->st, p->pin, &p->acked) == 0)
            p->pin_ms = now;
        causal_vv_free(&local);
    }
    if (causal_vv_leq(&p->sent, &p->acked)) {
        p->unacked_since_ms = 0;
    } else if (p->inflight == 0) {
        /* everything answered, yet not all applied (parked or refused there): resend later */
        peer_reset_cursor(p);
        p->retry_at_ms = now + (uint64_t)r->cfg.retry_ms;
        return;
    }
    repl_kick(r);
}

static void ae_start(repl *r, rpeer *p);

void repl_on_peer_state(repl *r, uint16_t peer_id, transport_peer_state state)
{
    rpeer *p = r ? find_peer(r, peer_id) : NULL;
    if (!p) return;
    bool up = state == TRANSPORT_PEER_UP;
    if (up == p->up) return;
    p->up = up;
    peer_reset_cursor(p); /* retransmit from the last ack */
    p->retry_at_ms = 0;
    p->last_err = 0;
    if (up) {
        p->probe = true;
        repl_kick(r);
        if (p->ae_wanted) ae_start(r, p);
    }
}

/* ---------------------------------------------------------------- inbox */

static void on_commit(storage_commit_req *req)
{
    rcommit *c = req->user;
    repl *r = c->r;
    pthread_mutex_lock(&r->mu);
    c->next = NULL;
    if (r->done_tail)
        r->done_tail->next = c;
    else
        r->done_head = c;
    r->done_tail = c;
    pthread_mutex_unlock(&r->mu);
    uv_async_send(&r->async);
}

static int submit(repl *r, rcommit *c, const uint8_t *entry, size_t len)
{
    c->r = r;
    c->req.entry = entry;
    c->req.entry_len = len;
    c->req.cb = on_commit;
    c->req.user = c;
    int rc = storage_commit_remote_async(r->st, &c->req);
    if (rc == 0) r->outstanding++;
    return rc;
}

static void batch_finish(repl *r, inbatch *ib)
{
    causal_vv vv;
    causal_vv_init(&vv);
    codec_buf b;
    codec_buf_init(&b);
    int rc = storage_vv(r->st, &vv);
    if (rc == 0) rc = causal_vv_encode(&b, &vv);
    if (rc == 0)
        transport_respond(ib->req, 200, b.data, b.len);
    else
        transport_respond(ib->req, 500, (const uint8_t *)"vv unavailable", 14);
    codec_buf_free(&b);
    causal_vv_free(&vv);
    replbatch_free(&ib->b);
    free(ib->body);
    free(ib);
    r->outstanding--;
}

/* Submits every buffered entry that the applied vv now allows, chaining through the ones
 * submitted (storage applies them in submission order). */
static void submit_ready(repl *r)
{
    if (r->buf.n == 0) return;
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(r->st, &vv) < 0) return;
    replbuf_prune(&r->buf, &vv);
    long i;
    while ((i = replbuf_next_ready(&r->buf, &vv)) >= 0) {
        rcommit *c = calloc(1, sizeof *c);
        if (!c) break;
        replbuf_take(&r->buf, (size_t)i, &c->own);
        c->origin = c->own.origin;
        c->seq = c->own.seq;
        c->hlc = c->own.hlc;
        c->has_catalog = c->own.has_catalog;
        c->deps = &c->own.deps;
        if (submit(r, c, c->own.bytes, c->own.len) < 0) {
            replbuf_entry_free(&c->own);
            free(c);
            break;
        }
        if (causal_vv_set(&vv, c->origin, c->seq) < 0) break;
    }
    causal_vv_free(&vv);
}

static void finish_jobs(repl *r, rjob *j);

static void on_async(uv_async_t *h)
{
    repl *r = h->data;
    pthread_mutex_lock(&r->mu);
    rcommit *c = r->done_head;
    r->done_head = r->done_tail = NULL;
    rjob *jobs = r->jobs_head;
    r->jobs_head = r->jobs_tail = NULL;
    pthread_mutex_unlock(&r->mu);
    finish_jobs(r, jobs);
    bool applied = false;
    while (c) {
        rcommit *next = c->next;
        int st = c->req.status;
        if (st == 0 && c->req.skipped) {
            r->stats.skipped++;
        } else if (st == 0) {
            r->stats.applied++;
            applied = true;
            if (c->hlc > r->stats.max_remote_hlc) r->stats.max_remote_hlc = c->hlc;
            if (r->cfg.on_applied)
                r->cfg.on_applied(r->cfg.arg, c->origin, c->seq, c->hlc, c->has_catalog);
        } else if (c->nparts > 1) {
            /* a transaction's part, refused with the others: collected again, resubmitted
               together once its dependencies are applied (or sent again) */
            stage_add(r, c->origin, c->seq, c->part, c->nparts, c->hlc, c->has_catalog,
                      c->deps, NULL, 0, &c->own);
            if (st != STORAGE_EDEPS)
                rlog(r, TRANSPORT_LOG_WARN, "remote entry (%u, %llu), part %u of %u, not "
                     "applied: %s: %s", c->origin, (unsigned long long)c->seq, c->part + 1,
                     c->nparts, storage_strerror(st), c->req.errmsg);
        } else if (st == STORAGE_EDEPS) {
            const uint8_t *bytes = c->ib ? c->req.entry : c->own.bytes;
            size_t len = c->ib ? c->req.entry_len : c->own.len;
            int rc = replbuf_add(&r->buf, c->origin, c->seq, c->hlc, c->has_catalog, c->deps,
                                 bytes, len);
            if (rc == 0) r->stats.buffered++;
        } else {
            rlog(r, TRANSPORT_LOG_WARN, "remote entry (%u, %llu) not applied: %s: %s", c->origin,
                 (unsigned long long)c->seq, storage_strerror(st), c->req.errmsg);
        }
        if (c->ib && --c->ib->pending == 0) batch_finish(r, c->ib);
        replbuf_entry_free(&c->own);
        free(c);
        r->outstanding--;
        c = next;
    }
    if (applied && !r->closing) {
        submit_ready(r);
        stages_submit(r, NULL);
        repl_kick(r); /* relay what just arrived */
    }
    r->stats.buffer_now = r->buf.n;
    r->stats.buffer_refused = r->buf.refused;
    maybe_free(r);
}

void repl_on_deltas(repl *r, transport_req *req, uint16_t peer_id, const uint8_t *body,
                    size_t len)
{
    if (r->closing) {
        transport_respond(req, 503, (const uint8_t *)"shutting down", 13);
        return;
    }
    rpeer *p = find_peer(r, peer_id);
    inbatch *ib = calloc(1, sizeof *ib);
    uint8_t *copy = malloc(len ? len : 1);
    if (!ib || !copy) {
        free(ib);
        free(copy);
        transport_respond(req, 503, (const uint8_t *)"out of memory", 13);
        return;
    }
    memcpy(copy, body, len);
    int rc = replbatch_decode(copy, len, &ib->b);
    if (rc < 0 || ib->b.sender != peer_id) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, "malformed batch: %s",
                         rc < 0 ? codec_strerror(rc) : "sender is not the authenticated peer");
        rlog(r, TRANSPORT_LOG_WARN, "peer %u: %s (%zu bytes), refused", peer_id, msg, len);
        r->stats.bad_batches++;
        transport_respond(req, 400, (const uint8_t *)msg, (size_t)n);
        replbatch_free(&ib->b);
        free(copy);
        free(ib);
        return;
    }
    ib->r = r;
    ib->req = req;
    ib->body = copy;
    r->outstanding++;
    if (p) {
        p->bytes_in += len;
        p->batches_in++;
        p->entries_in += ib->b.n;
    }
    causal_vv vv;
    causal_vv_init(&vv);
    if (storage_vv(r->st, &vv) < 0) causal_vv_init(&vv);
    bool staged = false;
    for (size_t i = 0; i < ib->b.n; i++) {
        const replbatch_item *it = &ib->b.items[i];
        if (it->seq <= causal_vv_get(&vv, it->origin)) {
            r->stats.skipped++; /* a relayed duplicate: spare the writer */
            continue;
        }
        if (it->nparts > 1) {
            /* a part of a transaction: collected until all are here (acknowledged once
               applied with the others; the sender sends again what the ack lacks) */
            stage_add(r, it->origin, it->seq, it->part, it->nparts, it->hlc, it->has_catalog,
                      &it->deps, it->entry, it->len, NULL);
            staged = true;
            continue;
        }
        rcommit *c = calloc(1, sizeof *c);
        if (!c) break;
        c->ib = ib;
        c->origin = it->origin;
        c->seq = it->seq;
        c->hlc = it->hlc;
        c->has_catalog = it->has_catalog;
        c->deps = &it->deps;
        if (submit(r, c, it->entry, it->len) < 0) {
            free(c);
            break; /* store closing: the ack will show what was applied */
        }
        ib->pending++;
    }
    causal_vv_free(&vv);
    if (staged) stages_submit(r, ib);
    if (ib->pending == 0) batch_finish(r, ib);
}

/* ---------------------------------------------------------------- state transfer helpers */

static uint64_t random64(void)
{
    uint64_t v = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&v, sizeof v, 1, f) != 1) v = 0;
        fclose(f);
    }
    if (!v) v = wall_ms() ^ ((uint64_t)clock() << 32) ^ 0x9e3779b97f4a7c15ull;
    return v;
}

/* Answers req with status and this node's applied vv as the body. */
static void respond_vv(repl *r, transport_req *req, int status)
{
    causal_vv vv;
    causal_vv_init(&vv);
    codec_buf b;
    codec_buf_init(&b);
    int rc = storage_vv(r->st, &vv);
    if (rc == 0) rc = causal_vv_encode(&b, &vv);
    if (rc == 0)
        transport_respond(req, status, b.data, b.len);
    else
        transport_respond(req, 500, (const uint8_t *)"vv unavailable", 14);
    codec_buf_free(&b);
    causal_vv_free(&vv);
}

static void respond_text(transport_req *req, int status, const char *text)
{
    transport_respond(req, status, (const uint8_t *)text, strlen(text));
}

/* The cluster's stable vv as this node knows it: min over itself and every peer's ack. */
static int stable_vv(repl *r, causal_vv *out)
{
    uint16_t ids[TRANSPORT_MAX_PEERS];
    for (int i = 0; i < r->npeers; i++) ids[i] = r->peers[i].id;
    return storage_stable_vv(r->st, ids, (size_t)r->npeers, out);
}

/* Whether the log can no longer serve p from its acked vv. */
static bool peer_needs_snapshot(repl *r, rpeer *p)
{
    causal_vv local;
    causal_vv_init(&local);
    if (storage_vv(r->st, &local) < 0) return false;
    bool need = false;
    for (uint32_t i = 0; i < local.len && !need; i++) {
        uint16_t o = local.v[i].node;
        if (o == p->id && !p->echo_own_upto) continue;
        uint64_t have = causal_vv_get(&p->acked, o);
        if (have >= local.v[i].counter) continue;
        uint64_t oldest = storage_log_oldest(r->st, o);
        if (oldest && have + 1 < oldest) need = true;
    }
    causal_vv_free(&local);
    return need;
}

static void on_job_done(void *arg, int status, const char *errmsg)
{
    rjob *j = arg;
    repl *r = j->r;
    j->status = status;
    snprintf(j->errmsg, sizeof j->errmsg, "%s", errmsg ? errmsg : "");
    pthread_mutex_lock(&r->mu);
    j->next = NULL;
    if (r->jobs_tail)
        r->jobs_tail->next = j;
    else
        r->jobs_head = j;
    r->jobs_tail = j;
    pthread_mutex_unlock(&r->mu);
    uv_async_send(&r->async);
}

static void job_free(rjob *j)
{
    replsnap_msg_free(&j->m);
    free(j->body);
    free(j);
}

/* Copies and decodes body into a new job; NULL (and *why) when malformed or out of memory. */
static rjob *job_new(repl *r, int kind, uint16_t peer, const uint8_t *body, size_t len,
                     const char **why)
{
    rjob *j = calloc(1, sizeof *j);
    uint8_t *copy = malloc(len ? len : 1);
    if (!j || !copy) {
        free(j);
        free(copy);
        *why = "out of memory";
        return NULL;
    }
    memcpy(copy, body, len);
    j->r = r;
    j->kind = kind;
    j->peer = peer;
    j->body = copy;
    int rc = replsnap_decode(copy, len, &j->m);
    if (rc < 0) {
        *why = codec_strerror(rc);
        job_free(j);
        return NULL;
    }
    for (size_t i = 0; i < j->m.nitems; i++)
        if (j->m.items[i].kind == STORAGE_ITEM_CATALOG) j->has_catalog = true;
    return j;
}

static int job_submit(repl *r, rjob *j, const causal_vv *final_vv, unsigned flags)
{
    int rc = storage_import_ex_async(r->st, j->m.items, j->m.nitems, final_vv, flags,
                                     on_job_done, j);
    if (rc == 0) r->outstanding++;
    return rc;
}

/* A ROWS body: floor, the vv of the snapshot the items are read from, the buckets, and the
 * items of those leaves (want: REPLSNAP_BUCKETS flags). Any thread. */
static int collect_items(repl *r, const causal_vv *floor, const uint16_t *buckets, size_t nb,
                         const uint8_t *want, codec_buf *b, size_t *n)
{
    storage_export *x;
    int rc = storage_export_new(r->st, &x);
    if (rc < 0) return rc;
    size_t count_at = 0;
    rc = replsnap_rows_begin(b, floor, storage_export_vv(x), buckets, nb, &count_at);
    storage_item it;
    while (rc == 0 && (rc = storage_export_next(x, &it)) == 1) {
        rc = 0;
        if (!want[replsnap_bucket_of(&it)]) continue;
        if ((rc = replsnap_put_item(b, &it)) < 0) break;
        (*n)++;
    }
    storage_export_del(x);
    if (rc == 0) rc = replsnap_finish(b, count_at, *n);
    return rc < 0 ? rc : 0;
}

/* Whether items read at a peer's snapshot with vv sender_vv may be merged here: only when
 * every entry that produced them is already applied here (sender_vv <= our vv). Merging
 * anything newer would show parts of transactions whose log entries are still in flight
 * (their other rows may sit in leaves not exchanged), and could break causal order; the log
 * brings those atomically. So anti-entropy only restores what this replica should already
 * hold: damage, a lost range, a restore. */
static bool may_merge(repl *r, const causal_vv *sender_vv)
{
    causal_vv own;
    causal_vv_init(&own);
    bool ok = storage_vv(r->st, &own) == 0 && causal_vv_leq(sender_vv, &own);
    causal_vv_free(&own);
    return ok;
}

/* ---------------------------------------------------------------- snapshot: sender */

static void snap_done(void *arg, int err, int status, const uint8_t *body, size_t len);

/* Keeps, from now until the peer has caught up (post_done) or stopped progressing
 * (SNAP_PIN_IDLE_MS, on_tick), the log entries it will need after this snapshot: those above
 * the snapshot's vv. Without it, retention truncating the log while a long transfer runs
 * makes the finished snapshot useless, and the next one meets the same fate. */
static void snap_pin(repl *r, rpeer *p, const causal_vv *from)
{
    p->pin_ms = uv_now(r->loop);
    if (p->pin) {
        if (storage_log_pin_move(r->st, p->pin, from) == 0) return;
        snap_unpin(p);
    }
    p->pin = storage_log_pin_new(r->st, from);
    if (!p->pin)
        rlog(r, TRANSPORT_LOG_WARN, "snapshot for peer %u: log not pinned (out of memory): "
             "retention may truncate what it needs", p->id);
}

static void snap_abandon(repl *r, rpeer *p, uint64_t retry_ms)
{
    snap_out_reset(p);
    snap_unpin(p); /* the next attempt pins its own export */
    p->retry_at_ms = uv_now(r->loop) + retry_ms;
}

static void snap_step(repl *r, rpeer *p)
{
    if (p->snap_inflight || r->closing) return;
    uint64_t now = uv_now(r->loop);
    if (now < p->retry_at_ms) return;
    int rc;
    if (!p->snap) {
        if (!peer_needs_snapshot(r, p)) {
            p->need_snapshot = false;
            peer_reset_cursor(p);
            repl_kick(r);
            return;
        }
        if ((rc = storage_export_new(r->st, &p->snap)) < 0) {
            rlog(r, TRANSPORT_LOG_WARN, "snapshot for peer %u: %s", p->id, storage_errmsg());
            snap_abandon(r, p, SNAP_RETRY_MS);
            return;
        }
        /* Never hand out local entries that could still vanish in a crash. */
        if (causal_vv_get(storage_export_vv(p->snap), r->cfg.self_id) >
            storage_durable_seq(r->st)) {
            snap_abandon(r, p, 20);
            return;
        }
        snap_pin(r, p, storage_export_vv(p->snap));
        p->snap_session = random64();
        p->snap_index = 0;
        p->snap_items = 0;
        rlog(r, TRANSPORT_LOG_INFO, "snapshot transfer to peer %u starting (session %016llx)",
             p->id, (unsigned long long)p->snap_session);
    }
    codec_buf items;
    codec_buf_init(&items);
    size_t n = 0;
    rc = 0;
    if (p->snap_have_pend) {
        rc = replsnap_put_item(&items, &p->snap_pend_item);
        n++;
        free(p->snap_pend);
        p->snap_pend = NULL;
        p->snap_have_pend = false;
    }
    while (rc == 0 && items.len < r->cfg.snapshot_chunk_bytes) {
        storage_item it;
        int nrc = storage_export_next(p->snap, &it);
        if (nrc < 0) {
            rc = nrc;
            break;
        }
        if (nrc == 0) {
            p->snap_at_end = true;
            break;
        }
        if (n > 0 && items.len + replsnap_item_size(&it) > r->cfg.snapshot_chunk_bytes) {
            /* keep it for the next chunk (the export's pointers die with the next call) */
            p->snap_pend = malloc(it.klen + it.vlen + 1);
            if (!p->snap_pend) {
                rc = REPL_ENOMEM;
                break;
            }
            memcpy(p->snap_pend, it.key, it.klen);
            if (it.vlen) memcpy(p->snap_pend + it.klen, it.val, it.vlen);
            p->snap_pend_item = (storage_item){.kind = it.kind, .key = p->snap_pend,
                                               .klen = it.klen, .val = p->snap_pend + it.klen,
                                               .vlen = it.vlen};
            p->snap_have_pend = true;
            break;
        }
        rc = replsnap_put_item(&items, &it);
        n++;
    }
    codec_buf b;
    codec_buf_init(&b);
    size_t count_at = 0;
    if (rc == 0)
        rc = replsnap_chunk_begin(&b, p->snap_session, p->snap_index, p->snap_at_end,
                                  storage_export_vv(p->snap), &count_at);
    if (rc == 0) rc = codec_put_raw(&b, items.data, items.len);
    if (rc == 0) rc = replsnap_finish(&b, count_at, n);
    if (rc == 0)
        rc = transport_request(r->t, p->id, "POST", "/v1/snapshot", b.data, b.len, snap_done, p);
    if (rc < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "snapshot chunk %u for peer %u not sent (error %d): "
             "starting again later", p->snap_index, p->id, rc);
        snap_abandon(r, p, SNAP_RETRY_MS);
    } else {
        p->snap_inflight = true;
        p->snap_items += n;
        p->bytes_out += b.len;
        r->outstanding++;
    }
    codec_buf_free(&b);
    codec_buf_free(&items);
}

static void snap_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    rpeer *p = arg;
    repl *r = p->r;
    r->outstanding--;
    p->snap_inflight = false;
    if (r->closing) {
        maybe_free(r);
        return;
    }
    causal_vv ack;
    causal_vv_init(&ack);
    bool have_ack = false;
    if (err == 0 && (status == 200 || status == 409)) {
        codec_rd rd;
        codec_rd_init(&rd, body, len);
        have_ack = causal_vv_decode(&rd, &ack) == 0 && codec_rd_left(&rd) == 0;
    }
    if (have_ack && causal_vv_join(&p->acked, &ack) == 0)
        storage_peer_put_acked(r->st, p->id, &p->acked);
    causal_vv_free(&ack);
    if (err || status != 200 || !have_ack) {
        if (status == 409)
            rlog(r, TRANSPORT_LOG_INFO, "snapshot transfer to peer %u declined (the peer is "
                 "busy with another transfer or already has this state): checking again later",
                 p->id);
        else
            rlog(r, TRANSPORT_LOG_WARN, "snapshot transfer to peer %u abandoned at chunk %u "
                 "(%s, HTTP %d): starting again later", p->id, p->snap_index,
                 err ? transport_strerror(err) : "bad answer", status);
        snap_abandon(r, p, status == 409 ? SNAP_BUSY_RETRY_MS : SNAP_RETRY_MS);
        return;
    }
    p->pin_ms = uv_now(r->loop);
    if (!p->snap_at_end) {
        p->snap_index++;
        snap_step(r, p);
        return;
    }
    p->snapshots_sent++;
    p->snapshot_items_sent += p->snap_items;
    r->stats.snapshots_sent++;
    rlog(r, TRANSPORT_LOG_INFO, "snapshot transfer to peer %u complete: %llu items in %u "
         "chunk(s)", p->id, (unsigned long long)p->snap_items, p->snap_index + 1);
    snap_out_reset(p);
    p->need_snapshot = false;
    p->probe = true;
    peer_reset_cursor(p);
    repl_kick(r);
}

/* ---------------------------------------------------------------- snapshot: receiver */

/* What the receiver knows of a snapshot sender: link state and RTT (transport), idleness. */
static replsnap_sender sender_info(repl *r, uint16_t peer, uint64_t idle_ms)
{
    replsnap_sender s = {.up = true, .rtt_us = 0, .idle_ms = idle_ms};
    rpeer *p = find_peer(r, peer);
    transport_peer_stats ps;
    if (p) s.up = p->up;
    if (r->t && transport_peer_info(r->t, peer, &ps) == 0) s.rtt_us = ps.rtt_smoothed_us;
    return s;
}

static void serve_snapshot(repl *r, transport_req *req, uint16_t peer, const uint8_t *body,
                           size_t len)
{
    const char *why = NULL;
    rjob *j = job_new(r, JOB_SNAP, peer, body, len, &why);
    if (!j || j->m.type != REPLSNAP_CHUNK) {
        char msg[160];
        snprintf(msg, sizeof msg, "malformed snapshot chunk: %s", j ? "not a chunk" : why);
        rlog(r, TRANSPORT_LOG_WARN, "peer %u: %s (%zu bytes), refused", peer, msg, len);
        r->stats.bad_batches++;
        respond_text(req, 400, msg);
        if (j) job_free(j);
        return;
    }
    snap_in *si = &r->sin;
    uint64_t now = uv_now(r->loop);
    bool other = si->peer && si->peer != peer && now - si->last_ms < SNAP_IN_IDLE_MS;
    int choice = REPLSNAP_KEEP;
    if (other && !si->busy && j->m.index == 0) {
        /* prefer the nearest sender, fail over from one that stalled or left */
        replsnap_sender cur = sender_info(r, si->peer, now - si->last_ms);
        replsnap_sender cand = sender_info(r, peer, 0);
        choice = replsnap_choose_sender(&cur, &cand);
        if (choice != REPLSNAP_KEEP) {
            rlog(r, TRANSPORT_LOG_INFO, "snapshot from peer %u (RTT %.1f ms) abandoned for "
                 "peer %u's offer (RTT %.1f ms): %s", si->peer, (double)cur.rtt_us / 1000.0,
                 peer, (double)cand.rtt_us / 1000.0,
                 choice == REPLSNAP_SWITCH_GONE ? "the sender is down"
                 : choice == REPLSNAP_SWITCH_STALLED ? "the sender stalled"
                                                     : "the new sender is nearer");
            other = false;
        }
    }
    if (other || si->busy) {
        respond_vv(r, req, 409);
        job_free(j);
        return;
    }
    if (j->m.index == 0) {
        causal_vv own;
        causal_vv_init(&own);
        bool have_all = storage_vv(r->st, &own) == 0 && causal_vv_leq(&j->m.vv, &own);
        causal_vv_free(&own);
        if (have_all) {
            /* Another peer's snapshot (or the log) got here first: decline, the sender
             * learns our vv from the answer and follows the log instead. */
            respond_vv(r, req, 409);
            job_free(j);
            return;
        }
        if (si->peer == peer && si->session != j->m.session && si->next_index > 0)
            rlog(r, TRANSPORT_LOG_INFO, "snapshot from peer %u restarted", peer);
        *si = (snap_in){.peer = peer, .session = j->m.session, .next_index = 0, .last_ms = now};
        rlog(r, TRANSPORT_LOG_INFO, "snapshot from peer %u starting (session %016llx)", peer,
             (unsigned long long)j->m.session);
    } else if (si->peer != peer || si->session != j->m.session || si->next_index != j->m.index) {
        respond_vv(r, req, 409); /* out of order or a forgotten session: sender restarts */
        job_free(j);
        return;
    }
    j->req = req;
    si->busy = true;
    si->last_ms = now;
    /* every chunk is staged on disk; the last one makes the whole snapshot visible at once */
    unsigned flags = j->m.index == 0 ? STORAGE_IMPORT_RESET : 0;
    if (!j->m.last) flags |= STORAGE_IMPORT_STAGE;
    if (job_submit(r, j, j->m.last ? &j->m.vv : NULL, flags) < 0) {
        si->busy = false;
        respond_text(req, 503, "store closing");
        job_free(j);
    }
}

static void finish_snap_job(repl *r, rjob *j)
{
    snap_in *si = &r->sin;
    rpeer *p = find_peer(r, j->peer);
    si->busy = false;
    if (r->closing) {
        respond_text(j->req, 503, "shutting down");
        return;
    }
    if (j->status < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "snapshot chunk %u from peer %u not merged: %s: %s",
             j->m.index, j->peer, storage_strerror(j->status), j->errmsg);
        respond_text(j->req, j->status == STORAGE_EDEPS ? 409 : 500, j->errmsg);
        si->peer = 0;
        return;
    }
    si->next_index++;
    si->items += j->m.nitems;
    si->last_ms = uv_now(r->loop);
    respond_vv(r, j->req, 200);
    if (j->m.last) {
        r->stats.snapshots_received++;
        if (p) {
            p->snapshots_received++;
            p->snapshot_items_received += si->items;
        }
        rlog(r, TRANSPORT_LOG_INFO, "snapshot from peer %u complete: %llu items in %u "
             "chunk(s); following the log from here", j->peer, (unsigned long long)si->items,
             si->next_index);
        si->peer = 0;
    }
    if ((j->has_catalog || j->m.last) && r->cfg.on_imported)
        r->cfg.on_imported(r->cfg.arg, j->has_catalog);
    if (j->m.last) {
        submit_ready(r);
        repl_kick(r);
    }
}

/* ---------------------------------------------------------------- anti-entropy */

static void ae_digest_done(void *arg, int err, int status, const uint8_t *body, size_t len);
static void ae_rows_done(void *arg, int err, int status, const uint8_t *body, size_t len);

static void ae_start(repl *r, rpeer *p)
{
    if (r->closing || !p->up || p->ae_busy || p->need_snapshot || r->sin.peer == p->id) return;
    causal_vv st;
    causal_vv_init(&st);
    codec_buf b;
    codec_buf_init(&b);
    int rc = stable_vv(r, &st);
    if (rc == 0) rc = replsnap_digest_req_encode(&b, &st);
    if (rc == 0)
        rc = transport_request(r->t, p->id, "POST", "/v1/ae/digest", b.data, b.len,
                               ae_digest_done, p);
    if (rc == 0) {
        p->ae_busy = true;
        p->ae_wanted = false;
        p->ae_rows_round = 0;
        r->outstanding++;
    } else {
        rlog(r, TRANSPORT_LOG_DEBUG, "anti-entropy with peer %u not started (error %d)", p->id,
             rc);
    }
    codec_buf_free(&b);
    causal_vv_free(&st);
}

static void ae_end(repl *r, rpeer *p, bool ok)
{
    p->ae_busy = false;
    free(p->ae_diff);
    p->ae_diff = NULL;
    free(p->ae_theirs);
    p->ae_theirs = NULL;
    if (p->ae_wanted && !r->closing) ae_start(r, p); /* a request made while this one ran */
    if (!ok) return;
    p->ae_runs++;
    p->ae_last_unix_ms = wall_ms();
    r->stats.ae_runs++;
    r->stats.ae_last_unix_ms = p->ae_last_unix_ms;
    if (p->ae_rows_round)
        rlog(r, TRANSPORT_LOG_INFO, "anti-entropy with peer %u: repaired, %llu row state(s) "
             "exchanged", p->id, (unsigned long long)p->ae_rows_round);
    else
        rlog(r, TRANSPORT_LOG_DEBUG, "anti-entropy with peer %u: in sync", p->id);
}

/* Full scans of the store (digest trees, the items of some leaves) run in libuv's thread
 * pool: storage exports are safe from any thread and the GC callback is pure. */
enum { SCAN_DIGEST_SERVE = 1, SCAN_DIGEST_MINE, SCAN_ROWS_SERVE, SCAN_ROWS_SEND };
typedef struct scanjob {
    uv_work_t w;
    repl *r;
    int kind;
    rpeer *p;            /* SCAN_DIGEST_MINE, SCAN_ROWS_SEND */
    transport_req *req;  /* SCAN_DIGEST_SERVE, SCAN_ROWS_SERVE */
    uint16_t peer;
    causal_vv floor;
    replsnap_leaf *leaves; /* digest kinds: built by the work */
    replsnap_leaf *theirs; /* SCAN_DIGEST_MINE: the peer's leaves (owned) */
    uint8_t *want;         /* rows kinds: REPLSNAP_BUCKETS flags */
    uint16_t *buckets;     /* rows kinds: the flagged leaves, ascending */
    size_t nbuckets;
    codec_buf body;        /* rows kinds: the ROWS body, built by the work */
    size_t n, merged;
    int rc;
} scanjob;

static scanjob *scan_new(repl *r, int kind)
{
    scanjob *sj = calloc(1, sizeof *sj);
    if (!sj) return NULL;
    sj->r = r;
    sj->kind = kind;
    causal_vv_init(&sj->floor);
    codec_buf_init(&sj->body);
    return sj;
}

static void scan_free(scanjob *sj)
{
    causal_vv_free(&sj->floor);
    free(sj->leaves);
    free(sj->theirs);
    free(sj->want);
    free(sj->buckets);
    codec_buf_free(&sj->body);
    free(sj);
}

static void scan_work(uv_work_t *w)
{
    scanjob *sj = w->data;
    if (sj->leaves) {
        sj->rc = replsnap_tree_build(sj->r->st, &sj->floor, sj->leaves);
    } else {
        sj->rc = collect_items(sj->r, &sj->floor, sj->buckets, sj->nbuckets, sj->want,
                               &sj->body, &sj->n);
    }
}

static void scan_after(uv_work_t *w, int status);

static int scan_submit(repl *r, scanjob *sj)
{
    sj->w.data = sj;
    int rc = uv_queue_work(r->loop, &sj->w, scan_work, scan_after);
    if (rc == 0) r->outstanding++;
    return rc;
}

/* Sends our items of the next differing leaves (a bounded number per round). */
static void ae_rows_step(repl *r, rpeer *p)
{
    scanjob *sj = scan_new(r, SCAN_ROWS_SEND);
    if (!sj || !(sj->want = calloc(REPLSNAP_BUCKETS, 1)) ||
        !(sj->buckets = malloc(REPLSNAP_BUCKETS * sizeof *sj->buckets))) {
        if (sj) scan_free(sj);
        ae_end(r, p, false);
        return;
    }
    sj->p = p;
    size_t nb = 0;
    uint64_t budget = 0;
    for (uint32_t i = 0; i < REPLSNAP_BUCKETS; i++) {
        if (!p->ae_diff[i]) continue;
        uint64_t cost = (uint64_t)p->ae_theirs[i].count + p->ae_diff[i];
        if (nb > 0 && budget + cost > AE_MAX_ITEMS_PER_ROUND) break;
        budget += cost;
        p->ae_diff[i] = 0;
        sj->want[i] = 1;
        sj->buckets[nb++] = (uint16_t)i;
    }
    sj->nbuckets = nb;
    if (nb == 0) {
        scan_free(sj);
        ae_end(r, p, true);
        return;
    }
    int rc = causal_vv_copy(&sj->floor, &p->ae_floor);
    if (rc == 0) rc = scan_submit(r, sj);
    if (rc < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: rows not collected (error %d)",
             p->id, rc);
        scan_free(sj);
        ae_end(r, p, false);
    }
}

static void ae_digest_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    rpeer *p = arg;
    repl *r = p->r;
    r->outstanding--;
    if (r->closing) {
        p->ae_busy = false;
        maybe_free(r);
        return;
    }
    replsnap_msg m;
    replsnap_msg_init(&m);
    int rc = err ? err : status != 200 ? -1000 - status : replsnap_decode(body, len, &m);
    if (rc == 0 && m.type != REPLSNAP_DIGEST) rc = CRDT_EBADENC;
    scanjob *sj = NULL;
    if (rc == 0 && !(sj = scan_new(r, SCAN_DIGEST_MINE))) rc = REPL_ENOMEM;
    if (rc == 0 && !(sj->leaves = malloc(REPLSNAP_BUCKETS * sizeof *sj->leaves)))
        rc = REPL_ENOMEM;
    if (rc == 0) {
        sj->p = p;
        sj->floor = m.vv;
        causal_vv_init(&m.vv);
        sj->theirs = m.leaves;
        m.leaves = NULL;
        rc = scan_submit(r, sj);
    }
    replsnap_msg_free(&m);
    if (rc < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: digest failed (%s, HTTP %d, "
             "error %d)", p->id, err ? transport_strerror(err) : "-", status, rc);
        if (sj) scan_free(sj);
        ae_end(r, p, false);
    }
}

/* Our tree is built: compare it with the peer's. */
static void ae_compare(repl *r, scanjob *sj)
{
    rpeer *p = sj->p;
    if (sj->rc < 0 || !(p->ae_diff = calloc(REPLSNAP_BUCKETS, 1))) {
        rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: local digest failed (%d)", p->id,
             sj->rc);
        ae_end(r, p, false);
        return;
    }
    size_t ndiff = 0;
    for (uint32_t i = 0; i < REPLSNAP_BUCKETS; i++) {
        const replsnap_leaf *a = &sj->leaves[i], *b = &sj->theirs[i];
        if (a->count != b->count || a->h1 != b->h1 || a->h2 != b->h2) {
            /* flag value = our count + 1 (capped), the budget estimate */
            p->ae_diff[i] = (uint8_t)(a->count > 254 ? 255 : a->count + 1);
            ndiff++;
        }
    }
    causal_vv_free(&p->ae_floor);
    p->ae_floor = sj->floor;
    causal_vv_init(&sj->floor);
    p->ae_theirs = sj->theirs;
    sj->theirs = NULL;
    if (ndiff == 0) {
        ae_end(r, p, true);
        return;
    }
    rlog(r, TRANSPORT_LOG_INFO, "anti-entropy with peer %u: %zu of %d digest leaves differ, "
         "exchanging their row states", p->id, ndiff, REPLSNAP_BUCKETS);
    ae_rows_step(r, p);
}

static void scan_after(uv_work_t *w, int status)
{
    scanjob *sj = w->data;
    repl *r = sj->r;
    r->outstanding--;
    if (status < 0 && sj->rc == 0) sj->rc = status; /* cancelled */
    if (r->closing) {
        if (sj->req) respond_text(sj->req, 503, "shutting down");
        if (sj->p) sj->p->ae_busy = false;
        scan_free(sj);
        maybe_free(r);
        return;
    }
    switch (sj->kind) {
    case SCAN_DIGEST_SERVE: {
        codec_buf b;
        codec_buf_init(&b);
        int rc = sj->rc < 0 ? sj->rc : replsnap_digest_encode(&b, &sj->floor, sj->leaves);
        if (rc == 0)
            transport_respond(sj->req, 200, b.data, b.len);
        else
            respond_text(sj->req, 500, "digest unavailable");
        codec_buf_free(&b);
        break;
    }
    case SCAN_DIGEST_MINE:
        ae_compare(r, sj);
        break;
    case SCAN_ROWS_SERVE:
        if (sj->rc == 0)
            transport_respond(sj->req, 200, sj->body.data, sj->body.len);
        else
            respond_text(sj->req, 500, "rows unavailable");
        if (sj->merged)
            rlog(r, TRANSPORT_LOG_INFO, "anti-entropy from peer %u: merged %zu row state(s), "
                 "answered %zu", sj->peer, sj->merged, sj->n);
        break;
    case SCAN_ROWS_SEND: {
        rpeer *p = sj->p;
        int rc = sj->rc;
        if (rc == 0)
            rc = transport_request(r->t, p->id, "POST", "/v1/ae/rows", sj->body.data,
                                   sj->body.len, ae_rows_done, p);
        if (rc < 0) {
            rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: rows not sent (error %d)",
                 p->id, rc);
            ae_end(r, p, false);
        } else {
            p->ae_rows_round += sj->n;
            r->outstanding++;
        }
        break;
    }
    }
    scan_free(sj);
}

static void ae_rows_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    rpeer *p = arg;
    repl *r = p->r;
    r->outstanding--;
    if (r->closing) {
        p->ae_busy = false;
        maybe_free(r);
        return;
    }
    const char *why = "bad answer";
    rjob *j = err || status != 200 ? NULL : job_new(r, JOB_AE_REPAIR, p->id, body, len, &why);
    if (j && j->m.type != REPLSNAP_ROWS) {
        job_free(j);
        j = NULL;
    }
    if (j && !may_merge(r, &j->m.sender_vv)) {
        rlog(r, TRANSPORT_LOG_DEBUG, "anti-entropy with peer %u: its rows are ahead of our "
             "log (entries in flight): repair left for a later round", p->id);
        job_free(j);
        ae_end(r, p, false);
        return;
    }
    if (!j || job_submit(r, j, NULL, 0) < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: rows exchange failed (%s, "
             "HTTP %d)", p->id, err ? transport_strerror(err) : why, status);
        if (j) job_free(j);
        ae_end(r, p, false);
    }
}

static void finish_ae_repair(repl *r, rjob *j)
{
    rpeer *p = find_peer(r, j->peer);
    if (!p) return;
    if (r->closing) {
        p->ae_busy = false;
        return;
    }
    if (j->status < 0) {
        rlog(r, TRANSPORT_LOG_WARN, "anti-entropy with peer %u: merge failed: %s: %s", p->id,
             storage_strerror(j->status), j->errmsg);
        ae_end(r, p, false);
        return;
    }
    p->ae_rows_round += j->m.nitems;
    p->ae_rows_repaired += j->m.nitems;
    r->stats.ae_rows_repaired += j->m.nitems;
    if (r->cfg.on_imported && j->m.nitems) r->cfg.on_imported(r->cfg.arg, j->has_catalog);
    ae_rows_step(r, p);
}

static void serve_ae_digest(repl *r, transport_req *req, uint16_t peer, const uint8_t *body,
                            size_t len)
{
    replsnap_msg m;
    int rc = replsnap_decode(body, len, &m);
    if (rc < 0 || m.type != REPLSNAP_DIGEST_REQ) {
        rlog(r, TRANSPORT_LOG_WARN, "peer %u: malformed digest request, refused", peer);
        respond_text(req, 400, "malformed digest request");
        replsnap_msg_free(&m);
        return;
    }
    scanjob *sj = scan_new(r, SCAN_DIGEST_SERVE);
    rc = sj && (sj->leaves = malloc(REPLSNAP_BUCKETS * sizeof *sj->leaves)) ? 0 : REPL_ENOMEM;
    if (rc == 0) rc = stable_vv(r, &sj->floor);
    if (rc == 0) rc = causal_vv_join(&sj->floor, &m.vv);
    if (rc == 0) {
        sj->req = req;
        sj->peer = peer;
        rc = scan_submit(r, sj);
    }
    if (rc < 0) {
        respond_text(req, 500, "digest unavailable");
        if (sj) scan_free(sj);
    }
    replsnap_msg_free(&m);
}

/* Answers a ROWS request with our items of the same leaves; merged: how many of the
 * initiator's we merged first (for the log). */
static void ae_serve_answer(repl *r, transport_req *req, uint16_t peer, const replsnap_msg *m,
                            size_t merged)
{
    scanjob *sj = scan_new(r, SCAN_ROWS_SERVE);
    int rc = sj && (sj->want = calloc(REPLSNAP_BUCKETS, 1)) &&
                     (sj->buckets = malloc(m->nbuckets * sizeof *sj->buckets))
                 ? 0
                 : REPL_ENOMEM;
    for (size_t i = 0; rc == 0 && i < m->nbuckets; i++) {
        sj->want[m->buckets[i]] = 1;
        sj->buckets[i] = m->buckets[i];
    }
    if (rc == 0) {
        sj->nbuckets = m->nbuckets;
        rc = causal_vv_copy(&sj->floor, &m->vv);
    }
    if (rc == 0) {
        sj->req = req;
        sj->peer = peer;
        sj->merged = merged;
        rc = scan_submit(r, sj);
    }
    if (rc < 0) {
        respond_text(req, 500, "rows unavailable");
        if (sj) scan_free(sj);
    }
}

static void serve_ae_rows(repl *r, transport_req *req, uint16_t peer, const uint8_t *body,
                          size_t len)
{
    const char *why = NULL;
    rjob *j = job_new(r, JOB_AE_SERVE, peer, body, len, &why);
    if (!j || j->m.type != REPLSNAP_ROWS) {
        rlog(r, TRANSPORT_LOG_WARN, "peer %u: malformed anti-entropy rows (%s), refused", peer,
             j ? "wrong type" : why);
        respond_text(req, 400, "malformed rows");
        if (j) job_free(j);
        return;
    }
    if (!may_merge(r, &j->m.sender_vv)) {
        /* the initiator is ahead of our log: answer without merging (see may_merge) */
        ae_serve_answer(r, req, peer, &j->m, 0);
        job_free(j);
        return;
    }
    j->req = req;
    if (job_submit(r, j, NULL, 0) < 0) {
        respond_text(req, 503, "store closing");
        job_free(j);
    }
}

/* After merging the initiator's items: answer with ours of the same leaves. */
static void finish_ae_serve(repl *r, rjob *j)
{
    if (r->closing) {
        respond_text(j->req, 503, "shutting down");
        return;
    }
    if (j->status < 0) {
        respond_text(j->req, 500, j->errmsg);
        return;
    }
    rpeer *p = find_peer(r, j->peer);
    if (p) p->ae_rows_repaired += j->m.nitems;
    r->stats.ae_rows_repaired += j->m.nitems;
    if (r->cfg.on_imported && j->m.nitems) r->cfg.on_imported(r->cfg.arg, j->has_catalog);
    ae_serve_answer(r, j->req, j->peer, &j->m, j->m.nitems);
}

static void finish_jobs(repl *r, rjob *j)
{
    while (j) {
        rjob *next = j->next;
        if (j->kind == JOB_SNAP)
            finish_snap_job(r, j);
        else if (j->kind == JOB_AE_SERVE)
            finish_ae_serve(r, j);
        else
            finish_ae_repair(r, j);
        job_free(j);
        r->outstanding--;
        j = next;
    }
}

void repl_on_request(repl *r, transport_req *req, uint16_t peer_id, const char *path,
                     const uint8_t *body, size_t len)
{
    if (r->closing) {
        respond_text(req, 503, "shutting down");
        return;
    }
    if (!find_peer(r, peer_id)) {
        respond_text(req, 403, "not a configured peer");
        return;
    }
    if (!strcmp(path, "/v1/snapshot"))
        serve_snapshot(r, req, peer_id, body, len);
    else if (!strcmp(path, "/v1/ae/digest"))
        serve_ae_digest(r, req, peer_id, body, len);
    else if (!strcmp(path, "/v1/ae/rows"))
        serve_ae_rows(r, req, peer_id, body, len);
    else
        respond_text(req, 404, "no such path\n");
}

/* On demand: a peer that cannot start now (down, busy, being sent a snapshot) runs as soon
 * as it can (peer up, or the running comparison ends), so a request is never dropped. */
void repl_anti_entropy_now(repl *r)
{
    if (!r || r->closing) return;
    for (int i = 0; i < r->npeers; i++) {
        rpeer *p = &r->peers[i];
        ae_start(r, p);
        if (!p->ae_busy) p->ae_wanted = true;
    }
}

static void on_ae_timer(uv_timer_t *h)
{
    repl_anti_entropy_now(h->data);
}

/* ---------------------------------------------------------------- stats */

int repl_peer_stats_get(repl *r, uint16_t peer_id, repl_peer_stats *out)
{
    rpeer *p = find_peer(r, peer_id);
    memset(out, 0, sizeof *out);
    causal_vv_init(&out->acked);
    if (!p) return REPL_ENOPEER;
    if (causal_vv_copy(&out->acked, &p->acked) < 0) return REPL_ENOMEM;
    out->id = p->id;
    causal_vv local;
    causal_vv_init(&local);
    if (storage_vv(r->st, &local) == 0) {
        uint64_t durable = storage_durable_seq(r->st);
        for (uint32_t i = 0; i < local.len; i++) {
            uint16_t o = local.v[i].node;
            if (o == p->id) continue;
            uint64_t top = local.v[i].counter;
            if (o == r->cfg.self_id && durable < top) top = durable;
            uint64_t a = causal_vv_get(&p->acked, o);
            if (top > a) out->lag_entries += top - a;
        }
    }
    causal_vv_free(&local);
    if (out->lag_entries && p->unacked_since_ms)
        out->lag_ms = (double)(uv_now(r->loop) - p->unacked_since_ms);
    out->bytes_out = p->bytes_out;
    out->bytes_in = p->bytes_in;
    out->batches_out = p->batches_out;
    out->batches_in = p->batches_in;
    out->entries_out = p->entries_out;
    out->entries_in = p->entries_in;
    out->inflight = p->inflight;
    out->relayed_entries = p->relayed_entries;
    out->snapshots_sent = p->snapshots_sent;
    out->snapshots_received = p->snapshots_received;
    out->snapshot_items_sent = p->snapshot_items_sent;
    out->snapshot_items_received = p->snapshot_items_received;
    out->ae_runs = p->ae_runs;
    out->ae_rows_repaired = p->ae_rows_repaired;
    out->ae_last_unix_ms = p->ae_last_unix_ms;
    out->snapshot_active = p->snap != NULL;
    return 0;
}

void repl_get_stats(repl *r, repl_stats *out)
{
    *out = r->stats;
    out->buffer_now = r->buf.n;
    out->buffer_refused = r->buf.refused;
}
