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

#define TICK_MS 100

typedef struct rpeer {
    repl *r;
    uint16_t id;
    causal_vv acked; /* the peer's applied vv, as of its last answer */
    causal_vv sent;  /* per origin, the highest seq put in flight */
    uint32_t inflight;
    bool up, probe;
    uint64_t retry_at_ms;
    uint64_t unacked_since_ms; /* 0: nothing unacknowledged */
    int last_err;              /* to log a failure once, not per retry */
    uint64_t bytes_out, bytes_in, batches_out, batches_in, entries_out, entries_in;
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
    struct rcommit *next;
} rcommit;

typedef struct postctx {
    repl *r;
    rpeer *p;
    uint64_t nentries;
} postctx;

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
    replbuf buf;
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

static void on_handle_closed(uv_handle_t *h)
{
    repl *r = h->data;
    if (--r->handles_open > 0) return;
    for (int i = 0; i < r->npeers; i++) {
        causal_vv_free(&r->peers[i].acked);
        causal_vv_free(&r->peers[i].sent);
    }
    free(r->peers);
    replbuf_free(&r->buf);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static void maybe_free(repl *r)
{
    if (!r->closing || r->outstanding > 0 || r->handles_open != 3) return;
    uv_close((uv_handle_t *)&r->flush_timer, on_handle_closed);
    uv_close((uv_handle_t *)&r->tick, on_handle_closed);
    uv_close((uv_handle_t *)&r->async, on_handle_closed);
}

static void on_async(uv_async_t *h);
static void on_flush_timer(uv_timer_t *h);
static void on_tick(uv_timer_t *h);

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
    if (r->cfg.window <= 0) r->cfg.window = 4;
    if (!r->cfg.buffer_max_entries) r->cfg.buffer_max_entries = 65536;
    if (!r->cfg.buffer_max_bytes) r->cfg.buffer_max_bytes = 64u << 20;
    if (r->cfg.retry_ms <= 0) r->cfg.retry_ms = 200;
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
    r->handles_open = 3;
    uv_timer_start(&r->tick, on_tick, TICK_MS, TICK_MS);
    *out = r;
    return 0;
err:
    for (int i = 0; r->peers && i < cfg->npeers; i++) {
        causal_vv_free(&r->peers[i].acked);
        causal_vv_free(&r->peers[i].sent);
    }
    free(r->peers);
    replbuf_free(&r->buf);
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

/* Fills one batch for p; returns the number of entries added, or <0. */
static long fill_batch(repl *r, rpeer *p, const causal_vv *local, uint64_t durable,
                       replbatch_writer *w)
{
    long added = 0;
    for (uint32_t i = 0; i < local->len; i++) {
        uint16_t o = local->v[i].node;
        if (o == p->id) continue; /* the peer wrote them */
        uint64_t top = local->v[i].counter;
        if (o == r->cfg.self_id && durable < top) top = durable;
        uint64_t have = u64max(causal_vv_get(&p->acked, o), causal_vv_get(&p->sent, o));
        if (have >= top) continue;
        storage_log_iter *it;
        int rc = storage_log_iter_new(r->st, o, have + 1, &it);
        if (rc == STORAGE_ETRUNCATED) {
            if (p->last_err != rc)
                rlog(r, TRANSPORT_LOG_WARN,
                     "peer %u needs entries of origin %u from seq %llu, already truncated "
                     "(snapshot transfer not implemented)",
                     p->id, o, (unsigned long long)(have + 1));
            p->last_err = rc;
            continue;
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
        }
        storage_log_iter_del(it);
        if (rc < 0) return rc;
        if (replbatch_writer_size(w) >= r->cfg.batch_max_bytes) break;
    }
    return added;
}

static void flush_peer(repl *r, rpeer *p, const causal_vv *local, uint64_t durable)
{
    uint64_t now = uv_now(r->loop);
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
        if (rc == 0 && n == 0 && !p->probe) goto done; /* nothing to send */
        if (rc == 0) rc = replbatch_writer_finish(&w, &body, &blen);
        if (rc == 0 && !(pc = malloc(sizeof *pc))) rc = REPL_ENOMEM;
        if (rc == 0) {
            *pc = (postctx){.r = r, .p = p, .nentries = (uint64_t)n};
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
            free(pc);
            free(body);
            goto done;
        }
        free(body);
        r->outstanding++;
        p->inflight++;
        p->probe = false;
        p->batches_out++;
        p->bytes_out += blen;
        p->entries_out += (uint64_t)n;
        if (n > 0 && !p->unacked_since_ms) p->unacked_since_ms = now;
        causal_vv_free(&before);
        replbatch_writer_free(&w);
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
    flush_all(h->data);
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
    free(pc);
    r->outstanding--;
    p->inflight--;
    if (r->closing) {
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
        return;
    }
    p->last_err = 0;
    if (causal_vv_join(&p->acked, &ack) == 0) {
        int prc = storage_peer_put_acked(r->st, p->id, &p->acked);
        if (prc < 0)
            rlog(r, TRANSPORT_LOG_WARN, "peer %u ack not persisted: %s", p->id,
                 storage_strerror(prc));
    }
    causal_vv_free(&ack);
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

static void on_async(uv_async_t *h)
{
    repl *r = h->data;
    pthread_mutex_lock(&r->mu);
    rcommit *c = r->done_head;
    r->done_head = r->done_tail = NULL;
    pthread_mutex_unlock(&r->mu);
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
    for (size_t i = 0; i < ib->b.n; i++) {
        const replbatch_item *it = &ib->b.items[i];
        if (it->seq <= causal_vv_get(&vv, it->origin)) {
            r->stats.skipped++; /* a relayed duplicate: spare the writer */
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
    if (ib->pending == 0) batch_finish(r, ib);
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
    return 0;
}

void repl_get_stats(repl *r, repl_stats *out)
{
    *out = r->stats;
    out->buffer_now = r->buf.n;
    out->buffer_refused = r->buf.refused;
}
