/*
 * tests/tools/wanem.c — WAN emulator for multi-region tests: a UDP relay per directed link.
 *
 * This machine's kernel has no netem, so the emulator sits between the nodes in user space.
 * For every directed pair (A, B) it listens on one UDP port L(A,B); node A's config gives
 * L(A,B) as B's address. A datagram arriving on L(A,B) from anyone but B travels A->B: it is
 * delayed, maybe dropped, duplicated or reordered per the A->B parameters, then sent to B's real
 * address *from L(A,B)*, so B's answers come back to L(A,B) and travel B->A (B->A parameters)
 * to the last address A used. Each QUIC connection therefore crosses exactly one relay port in
 * both directions, and the parameters of a direction apply to every datagram going that way.
 *
 * Per direction: delay_ms (one-way), jitter_ms (uniform +-), loss, dup, reorder (probabilities
 * in 0..1; a reordered datagram is held reorder_ms longer), and cut (drop everything).
 *
 * Config (JSON):
 *   {"rtt_file": "rtt_ms.json",                    optional: default delay = typical RTT / 2
 *                                                  (relative to the config's folder; a copy of
 *                                                  ../shared/wan/rtt_ms.json sits next to this file)
 *    "rtt_scale": 1.0, "seed": 42,
 *    "control": "127.0.0.1:7999",                  UDP control socket (below)
 *    "defaults": {"delay_ms": 0, "jitter_ms": 1, "loss": 0, "dup": 0, "reorder": 0, "reorder_ms": 5},
 *    "nodes": [{"name": "us-east-1", "address": "127.0.0.1:7101"}, ...],
 *    "listen_base": "127.0.0.1:17000",             every directed pair i->j listens on
 *                                                  base + i*N + j (N = number of nodes), or:
 *    "links": [{"from": "us-east-1", "to": "eu-west-1", "listen": "127.0.0.1:17001",
 *               "delay_ms": 35, "jitter_ms": 1, "loss": 0.01, ...}]}
 * tests/tools/wanem.example.json is the five-region setup (nodes on 127.0.0.1:7101..7105,
 * links on 17100 + i*5 + j, control on 17099). On start it prints one line per link ("link A B listen HOST:PORT -> HOST:PORT delay D") and
 * "ready", so a harness can wait for it.
 *
 * Control protocol: one text command per UDP datagram to the control address; the answer comes
 * back in one datagram ("ok", "error: ...", or the requested listing):
 *   cut A B [oneway]     drop everything between A and B (both directions unless oneway)
 *   heal A B [oneway]    undo cut
 *   set A B k=v ...      parameters of direction A->B (delay_ms jitter_ms loss dup reorder reorder_ms)
 *   setall k=v ...       the same for every direction
 *   stats                one line per direction: counters and parameters
 *   links                one line per link
 *   ping                 "pong"
 *   quit                 stop the emulator
 * e.g. `echo 'cut us-east-1 eu-west-1' | nc -u -w1 127.0.0.1 7999`.
 *
 * Build (the Makefile does not know tests/tools/ yet):
 *   cc -O2 -I. tests/tools/wanem.c -luv -ljansson -o build/default/tools/wanem
 * The unit tests embed the relay instead (#define WANEM_EMBED, then #include this file) so they
 * run it on their own loop; every function is static for that reason.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define WANEM_MAX_NODES 16
#define WANEM_MAX_LINKS (WANEM_MAX_NODES * WANEM_MAX_NODES)
#define WANEM_MAX_QUEUED (64u * 1024 * 1024) /* bytes held in flight before tail drop */
#define WANEM_UNUSED __attribute__((unused))

typedef struct wanem wanem;

typedef struct wanem_dir {
    double delay_ms, jitter_ms, loss, dup, reorder, reorder_ms;
    bool cut;
    uint64_t pkts, bytes, lost, cut_drops, duplicated, reordered, overflow;
} wanem_dir;

typedef struct wanem_link {
    wanem *w;
    int src, dst;
    uv_udp_t sock;
    struct sockaddr_storage listen;
    struct sockaddr_storage last_src; /* where src's datagrams came from (replies go there) */
    bool have_src;
} wanem_link;

typedef struct wanem_pkt {
    uint64_t due_us, seq;
    wanem_link *link;
    struct sockaddr_storage to;
    size_t len;
    uint8_t data[];
} wanem_pkt;

struct wanem {
    uv_loop_t *loop;
    int nnodes;
    char names[WANEM_MAX_NODES][64];
    struct sockaddr_storage addr[WANEM_MAX_NODES];
    wanem_dir dir[WANEM_MAX_NODES][WANEM_MAX_NODES];
    wanem_link *links[WANEM_MAX_LINKS];
    int nlinks;
    wanem_pkt **heap;
    size_t nheap, capheap, queued_bytes;
    uint64_t seq, rng;
    uv_timer_t timer;
    uv_udp_t ctl;
    bool has_ctl, closing;
    int open_handles;
    uint8_t rxbuf[65536];
};

/* ------------------------------------------------------------------ small helpers */

static double wanem_rand01(wanem *w)
{
    /* xorshift64*: reproducible from the seed, good enough for coin flips. */
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return (double)((w->rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int wanem_parse_addr(const char *s, struct sockaddr_storage *out)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof(host)) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) return -1;
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = 0;
    }
    memset(out, 0, sizeof(*out));
    if (strchr(h, ':')) return uv_ip6_addr(h, (int)port, (struct sockaddr_in6 *)out) ? -1 : 0;
    return uv_ip4_addr(h, (int)port, (struct sockaddr_in *)out) ? -1 : 0;
}

static void wanem_addr_str(const struct sockaddr_storage *ss, char *out, size_t n)
{
    char host[64] = "?";
    if (ss->ss_family == AF_INET6) {
        uv_ip6_name((const struct sockaddr_in6 *)ss, host, sizeof(host));
        snprintf(out, n, "[%s]:%d", host, ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
    } else {
        uv_ip4_name((const struct sockaddr_in *)ss, host, sizeof(host));
        snprintf(out, n, "%s:%d", host, ntohs(((const struct sockaddr_in *)ss)->sin_port));
    }
}

static bool wanem_addr_eq(const struct sockaddr *a, const struct sockaddr_storage *b)
{
    if (a->sa_family != b->ss_family) return false;
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a, *y = (const struct sockaddr_in *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
    return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

static size_t wanem_addr_len(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static int wanem_node_index(const wanem *w, const char *name)
{
    for (int i = 0; i < w->nnodes; i++)
        if (strcmp(w->names[i], name) == 0) return i;
    return -1;
}

/* ------------------------------------------------------------------ delay queue (min-heap) */

static bool wanem_pkt_before(const wanem_pkt *a, const wanem_pkt *b)
{
    return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

static int wanem_heap_push(wanem *w, wanem_pkt *p)
{
    if (w->nheap == w->capheap) {
        size_t ncap = w->capheap ? w->capheap * 2 : 256;
        wanem_pkt **n = realloc(w->heap, ncap * sizeof(*n));
        if (!n) return -1;
        w->heap = n;
        w->capheap = ncap;
    }
    size_t i = w->nheap++;
    while (i > 0 && wanem_pkt_before(p, w->heap[(i - 1) / 2])) {
        w->heap[i] = w->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    w->heap[i] = p;
    return 0;
}

static wanem_pkt *wanem_heap_pop(wanem *w)
{
    wanem_pkt *top = w->heap[0], *last = w->heap[--w->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= w->nheap) break;
        if (c + 1 < w->nheap && wanem_pkt_before(w->heap[c + 1], w->heap[c])) c++;
        if (!wanem_pkt_before(w->heap[c], last)) break;
        w->heap[i] = w->heap[c];
        i = c;
    }
    if (w->nheap) w->heap[i] = last;
    return top;
}

static void wanem_on_timer(uv_timer_t *h);

static void wanem_arm(wanem *w)
{
    if (w->closing || w->nheap == 0) return;
    uint64_t now = uv_hrtime() / 1000;
    uint64_t due = w->heap[0]->due_us;
    uint64_t ms = due <= now ? 0 : (due - now + 999) / 1000;
    uv_update_time(w->loop);
    uv_timer_start(&w->timer, wanem_on_timer, ms, 0);
}

static void wanem_on_timer(uv_timer_t *h)
{
    wanem *w = h->data;
    uint64_t now = uv_hrtime() / 1000;
    while (w->nheap && w->heap[0]->due_us <= now + 200) {
        wanem_pkt *p = wanem_heap_pop(w);
        uv_buf_t b = uv_buf_init((char *)p->data, (unsigned)p->len);
        (void)uv_udp_try_send(&p->link->sock, &b, 1, (const struct sockaddr *)&p->to); /* loss is loss */
        w->queued_bytes -= p->len;
        free(p);
    }
    wanem_arm(w);
}

/* One datagram entering direction src->dst, to be sent from link `l` to `to`. */
static void wanem_enqueue(wanem *w, wanem_link *l, int src, int dst, const struct sockaddr *to,
                          const uint8_t *data, size_t len)
{
    wanem_dir *d = &w->dir[src][dst];
    d->pkts++;
    d->bytes += len;
    if (d->cut) {
        d->cut_drops++;
        return;
    }
    if (d->loss > 0 && wanem_rand01(w) < d->loss) {
        d->lost++;
        return;
    }
    int copies = 1;
    if (d->dup > 0 && wanem_rand01(w) < d->dup) {
        copies = 2;
        d->duplicated++;
    }
    uint64_t now = uv_hrtime() / 1000;
    for (int k = 0; k < copies; k++) {
        if (w->queued_bytes + len > WANEM_MAX_QUEUED) {
            d->overflow++;
            return;
        }
        double delay = d->delay_ms + (d->jitter_ms > 0 ? (wanem_rand01(w) * 2 - 1) * d->jitter_ms : 0);
        if (d->reorder > 0 && wanem_rand01(w) < d->reorder) {
            delay += d->reorder_ms;
            d->reordered++;
        }
        if (delay < 0) delay = 0;
        wanem_pkt *p = malloc(sizeof(*p) + len);
        if (!p) return;
        p->due_us = now + (uint64_t)(delay * 1000.0);
        p->seq = w->seq++;
        p->link = l;
        memcpy(&p->to, to, wanem_addr_len(to));
        p->len = len;
        memcpy(p->data, data, len);
        if (wanem_heap_push(w, p) != 0) {
            free(p);
            return;
        }
        w->queued_bytes += len;
    }
    wanem_arm(w);
}

static void wanem_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    wanem *w = ((wanem_link *)h->data)->w;
    *buf = uv_buf_init((char *)w->rxbuf, sizeof(w->rxbuf));
}

static void wanem_on_link_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                               unsigned flags)
{
    (void)flags;
    wanem_link *l = h->data;
    wanem *w = l->w;
    if (nread <= 0 || !from || w->closing) return;
    if (wanem_addr_eq(from, &w->addr[l->dst])) {
        /* An answer from dst: back to whoever spoke for src. */
        const struct sockaddr *to =
            l->have_src ? (const struct sockaddr *)&l->last_src : (const struct sockaddr *)&w->addr[l->src];
        wanem_enqueue(w, l, l->dst, l->src, to, (const uint8_t *)buf->base, (size_t)nread);
        return;
    }
    memcpy(&l->last_src, from, wanem_addr_len(from));
    l->have_src = true;
    wanem_enqueue(w, l, l->src, l->dst, (const struct sockaddr *)&w->addr[l->dst], (const uint8_t *)buf->base,
                  (size_t)nread);
}

/* ------------------------------------------------------------------ setup */

static WANEM_UNUSED wanem *wanem_new(uv_loop_t *loop, uint64_t seed)
{
    wanem *w = calloc(1, sizeof(*w));
    if (!w) return NULL;
    w->loop = loop;
    w->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    w->open_handles = 1;
    return w;
}

static WANEM_UNUSED int wanem_add_node(wanem *w, const char *name, const char *address)
{
    if (w->nnodes == WANEM_MAX_NODES || strlen(name) >= sizeof(w->names[0]) || wanem_node_index(w, name) >= 0)
        return -1;
    if (wanem_parse_addr(address, &w->addr[w->nnodes]) != 0) return -1;
    snprintf(w->names[w->nnodes], sizeof(w->names[0]), "%s", name);
    for (int j = 0; j < WANEM_MAX_NODES; j++) {
        w->dir[w->nnodes][j].reorder_ms = 5;
        w->dir[j][w->nnodes].reorder_ms = 5;
    }
    return w->nnodes++;
}

/* Opens the relay port for src->dst at `listen` ("host:port", port 0 = any); returns the port. */
static WANEM_UNUSED int wanem_add_link(wanem *w, int src, int dst, const char *listen)
{
    if (src < 0 || dst < 0 || src >= w->nnodes || dst >= w->nnodes || src == dst || w->nlinks == WANEM_MAX_LINKS)
        return -1;
    wanem_link *l = calloc(1, sizeof(*l));
    if (!l) return -1;
    l->w = w;
    l->src = src;
    l->dst = dst;
    if (wanem_parse_addr(listen, &l->listen) != 0) {
        free(l);
        return -1;
    }
    uv_udp_init(w->loop, &l->sock);
    l->sock.data = l;
    w->links[w->nlinks++] = l; /* from here on freed by wanem_close */
    w->open_handles++;
    int len = sizeof(l->listen);
    if (uv_udp_bind(&l->sock, (const struct sockaddr *)&l->listen, 0) != 0 ||
        uv_udp_getsockname(&l->sock, (struct sockaddr *)&l->listen, &len) != 0 ||
        uv_udp_recv_start(&l->sock, wanem_on_alloc, wanem_on_link_recv) != 0)
        return -1;
    int sz = 4 * 1024 * 1024;
    uv_recv_buffer_size((uv_handle_t *)&l->sock, &sz);
    sz = 4 * 1024 * 1024;
    uv_send_buffer_size((uv_handle_t *)&l->sock, &sz);
    return l->listen.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&l->listen)->sin6_port)
                                           : ntohs(((struct sockaddr_in *)&l->listen)->sin_port);
}

/* ------------------------------------------------------------------ commands */

static int wanem_set_param(wanem_dir *d, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq) return -1;
    char *end;
    double v = strtod(eq + 1, &end);
    if (*end || eq[1] == 0 || v < 0 || !isfinite(v)) return -1;
    size_t k = (size_t)(eq - kv);
#define KEY(s) (k == strlen(s) && strncmp(kv, s, k) == 0)
    if (KEY("delay_ms") || KEY("delay")) d->delay_ms = v;
    else if (KEY("jitter_ms") || KEY("jitter")) d->jitter_ms = v;
    else if (KEY("reorder_ms")) d->reorder_ms = v;
    else if ((KEY("loss") || KEY("dup") || KEY("reorder")) && v > 1) return -1;
    else if (KEY("loss")) d->loss = v;
    else if (KEY("dup")) d->dup = v;
    else if (KEY("reorder")) d->reorder = v;
    else return -1;
#undef KEY
    return 0;
}

static void wanem_out(char *out, size_t n, size_t *pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void wanem_out(char *out, size_t n, size_t *pos, const char *fmt, ...)
{
    if (*pos >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(out + *pos, n - *pos, fmt, ap);
    va_end(ap);
    if (k > 0) *pos = *pos + (size_t)k < n ? *pos + (size_t)k : n;
}

static void wanem_close(wanem *w);

/* Executes one control command; writes the answer into out. Returns 0, or -1 on error. */
static WANEM_UNUSED int wanem_command(wanem *w, const char *line, char *out, size_t outlen)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", line);
    char *tok[16];
    int n = 0;
    for (char *save, *s = strtok_r(buf, " \t\r\n", &save); s && n < 16; s = strtok_r(NULL, " \t\r\n", &save))
        tok[n++] = s;
    size_t pos = 0;
    out[0] = 0;
    if (n == 0) goto bad;
    if (strcmp(tok[0], "ping") == 0) {
        wanem_out(out, outlen, &pos, "pong\n");
        return 0;
    }
    if (strcmp(tok[0], "quit") == 0) {
        wanem_out(out, outlen, &pos, "ok\n");
        wanem_close(w);
        return 0;
    }
    if (strcmp(tok[0], "cut") == 0 || strcmp(tok[0], "heal") == 0) {
        if (n < 3) goto bad;
        int a = wanem_node_index(w, tok[1]), b = wanem_node_index(w, tok[2]);
        if (a < 0 || b < 0 || a == b) goto bad;
        bool cut = tok[0][0] == 'c', oneway = n > 3 && strcmp(tok[3], "oneway") == 0;
        w->dir[a][b].cut = cut;
        if (!oneway) w->dir[b][a].cut = cut;
        wanem_out(out, outlen, &pos, "ok\n");
        return 0;
    }
    if (strcmp(tok[0], "set") == 0 || strcmp(tok[0], "setall") == 0) {
        bool all = tok[0][3] == 'a';
        int first = all ? 1 : 3;
        if (n <= first) goto bad;
        int a = -1, b = -1;
        if (!all) {
            a = wanem_node_index(w, tok[1]);
            b = wanem_node_index(w, tok[2]);
            if (a < 0 || b < 0 || a == b) goto bad;
        }
        /* Validate everything before changing anything. */
        wanem_dir probe = {0};
        for (int i = first; i < n; i++)
            if (wanem_set_param(&probe, tok[i]) != 0) goto bad;
        for (int i = 0; i < w->nnodes; i++)
            for (int j = 0; j < w->nnodes; j++)
                if (all ? i != j : (i == a && j == b))
                    for (int k = first; k < n; k++) wanem_set_param(&w->dir[i][j], tok[k]);
        wanem_out(out, outlen, &pos, "ok\n");
        return 0;
    }
    if (strcmp(tok[0], "stats") == 0) {
        for (int i = 0; i < w->nnodes; i++)
            for (int j = 0; j < w->nnodes; j++) {
                if (i == j) continue;
                wanem_dir *d = &w->dir[i][j];
                wanem_out(out, outlen, &pos,
                          "%s %s pkts=%llu bytes=%llu lost=%llu dup=%llu reordered=%llu cut_drops=%llu "
                          "overflow=%llu delay_ms=%g jitter_ms=%g p_loss=%g p_dup=%g p_reorder=%g cut=%d\n",
                          w->names[i], w->names[j], (unsigned long long)d->pkts, (unsigned long long)d->bytes,
                          (unsigned long long)d->lost, (unsigned long long)d->duplicated,
                          (unsigned long long)d->reordered, (unsigned long long)d->cut_drops,
                          (unsigned long long)d->overflow, d->delay_ms, d->jitter_ms, d->loss, d->dup, d->reorder,
                          d->cut);
            }
        return 0;
    }
    if (strcmp(tok[0], "links") == 0) {
        for (int i = 0; i < w->nlinks; i++) {
            char la[80], ta[80];
            wanem_addr_str(&w->links[i]->listen, la, sizeof(la));
            wanem_addr_str(&w->addr[w->links[i]->dst], ta, sizeof(ta));
            wanem_out(out, outlen, &pos, "link %s %s listen %s -> %s delay %g\n", w->names[w->links[i]->src],
                      w->names[w->links[i]->dst], la, ta, w->dir[w->links[i]->src][w->links[i]->dst].delay_ms);
        }
        return 0;
    }
bad:
    snprintf(out, outlen, "error: bad command (cut|heal A B [oneway], set A B k=v.., setall k=v.., stats, links, "
                          "ping, quit)\n");
    return -1;
}

/* ------------------------------------------------------------------ control socket */

static void wanem_on_ctl_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    wanem *w = h->data;
    *buf = uv_buf_init((char *)w->rxbuf, sizeof(w->rxbuf) - 1);
}

static void wanem_on_ctl_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                              unsigned flags)
{
    (void)flags;
    wanem *w = h->data;
    if (nread <= 0 || !from || w->closing) return;
    buf->base[nread] = 0;
    static char out[60000];
    /* Reply before a quit closes the socket. */
    struct sockaddr_storage peer;
    memcpy(&peer, from, wanem_addr_len(from));
    bool quit = strncmp(buf->base, "quit", 4) == 0;
    if (quit) {
        uv_buf_t b = uv_buf_init((char *)"ok\n", 3);
        uv_udp_try_send(h, &b, 1, (const struct sockaddr *)&peer);
    }
    wanem_command(w, buf->base, out, sizeof(out));
    if (!quit) {
        uv_buf_t b = uv_buf_init(out, (unsigned)strlen(out));
        uv_udp_try_send(h, &b, 1, (const struct sockaddr *)&peer);
    }
}

static WANEM_UNUSED int wanem_listen_control(wanem *w, const char *address)
{
    struct sockaddr_storage sa;
    if (wanem_parse_addr(address, &sa) != 0) return -1;
    uv_udp_init(w->loop, &w->ctl);
    w->ctl.data = w;
    w->has_ctl = true;
    w->open_handles++;
    if (uv_udp_bind(&w->ctl, (const struct sockaddr *)&sa, 0) != 0) return -1;
    return uv_udp_recv_start(&w->ctl, wanem_on_ctl_alloc, wanem_on_ctl_recv) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ teardown */

static void wanem_handle_done(wanem *w)
{
    if (--w->open_handles > 0) return;
    while (w->nheap) free(wanem_heap_pop(w));
    free(w->heap);
    for (int i = 0; i < w->nlinks; i++) free(w->links[i]);
    free(w);
}

static void wanem_on_own_handle_closed(uv_handle_t *h) { wanem_handle_done(h->data); }
static void wanem_on_link_closed(uv_handle_t *h) { wanem_handle_done(((wanem_link *)h->data)->w); }

/* Closes every handle; memory goes in the close callbacks. Safe to call twice. */
static void wanem_close(wanem *w)
{
    if (!w || w->closing) return;
    w->closing = true;
    for (int i = 0; i < w->nlinks; i++) uv_close((uv_handle_t *)&w->links[i]->sock, wanem_on_link_closed);
    if (w->has_ctl) uv_close((uv_handle_t *)&w->ctl, wanem_on_own_handle_closed);
    uv_close((uv_handle_t *)&w->timer, wanem_on_own_handle_closed);
}

/* ------------------------------------------------------------------ JSON config */

static double wanem_num(json_t *o, const char *key, double dflt)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* Typical RTT between two regions from the rtt file, or -1. */
static double wanem_rtt_lookup(json_t *rtt, const char *a, const char *b)
{
    json_t *pairs = rtt ? json_object_get(rtt, "pairs") : NULL;
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p)
    {
        const char *x = json_string_value(json_object_get(p, "a")), *y = json_string_value(json_object_get(p, "b"));
        if (!x || !y) continue;
        if ((strcmp(x, a) == 0 && strcmp(y, b) == 0) || (strcmp(x, b) == 0 && strcmp(y, a) == 0))
            return wanem_num(p, "typical", -1);
    }
    return -1;
}

static void wanem_apply_params(wanem_dir *d, json_t *o)
{
    d->delay_ms = wanem_num(o, "delay_ms", d->delay_ms);
    d->jitter_ms = wanem_num(o, "jitter_ms", d->jitter_ms);
    d->loss = wanem_num(o, "loss", d->loss);
    d->dup = wanem_num(o, "dup", d->dup);
    d->reorder = wanem_num(o, "reorder", d->reorder);
    d->reorder_ms = wanem_num(o, "reorder_ms", d->reorder_ms);
}

static WANEM_UNUSED int wanem_load(wanem *w, json_t *root, const char *base_dir, char *err, size_t errlen)
{
    json_t *rtt = NULL;
    const char *rtt_file = json_string_value(json_object_get(root, "rtt_file"));
    if (rtt_file) {
        json_error_t je;
        char path[2048];
        /* A relative path is relative to the config file's folder (as in the daemon's config). */
        int k = rtt_file[0] != '/' && base_dir && base_dir[0]
                    ? snprintf(path, sizeof(path), "%s/%s", base_dir, rtt_file)
                    : snprintf(path, sizeof(path), "%s", rtt_file);
        if (k < 0 || (size_t)k >= sizeof(path)) {
            snprintf(err, errlen, "rtt_file: path too long");
            return -1;
        }
        rtt_file = path;
        rtt = json_load_file(rtt_file, 0, &je);
        if (!rtt) {
            snprintf(err, errlen, "rtt_file %.150s: %.80s", rtt_file, je.text);
            return -1;
        }
    }
    double scale = wanem_num(root, "rtt_scale", 1.0);
    json_t *defaults = json_object_get(root, "defaults");
    json_t *nodes = json_object_get(root, "nodes");
    size_t i;
    json_t *v;
    int rc = -1;
    if (!json_is_array(nodes) || json_array_size(nodes) < 2) {
        snprintf(err, errlen, "nodes: need an array of at least 2 {name, address}");
        goto out;
    }
    json_array_foreach(nodes, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *addr = json_string_value(json_object_get(v, "address"));
        if (!name || !addr || wanem_add_node(w, name, addr) < 0) {
            snprintf(err, errlen, "nodes[%zu]: bad or duplicate name/address", i);
            goto out;
        }
    }
    for (int a = 0; a < w->nnodes; a++)
        for (int b = 0; b < w->nnodes; b++) {
            if (a == b) continue;
            wanem_apply_params(&w->dir[a][b], defaults);
            double r = wanem_rtt_lookup(rtt, w->names[a], w->names[b]);
            if (r >= 0) w->dir[a][b].delay_ms = r / 2 * scale;
        }
    json_t *links = json_object_get(root, "links");
    const char *base = json_string_value(json_object_get(root, "listen_base"));
    if (json_is_array(links)) {
        json_array_foreach(links, i, v)
        {
            const char *from = json_string_value(json_object_get(v, "from"));
            const char *to = json_string_value(json_object_get(v, "to"));
            int a = from ? wanem_node_index(w, from) : -1, b = to ? wanem_node_index(w, to) : -1;
            const char *listen = json_string_value(json_object_get(v, "listen"));
            if (a < 0 || b < 0 || !listen || wanem_add_link(w, a, b, listen) < 0) {
                snprintf(err, errlen, "links[%zu]: bad from/to/listen, or cannot bind", i);
                goto out;
            }
            wanem_apply_params(&w->dir[a][b], v);
        }
    } else if (base) {
        struct sockaddr_storage ss;
        if (wanem_parse_addr(base, &ss) != 0) {
            snprintf(err, errlen, "listen_base: bad address");
            goto out;
        }
        char host[80];
        snprintf(host, sizeof(host), "%.*s", (int)(strrchr(base, ':') - base), base);
        int port0 = atoi(strrchr(base, ':') + 1);
        for (int a = 0; a < w->nnodes; a++)
            for (int b = 0; b < w->nnodes; b++) {
                if (a == b) continue;
                char listen[120];
                snprintf(listen, sizeof(listen), "%s:%d", host, port0 + a * w->nnodes + b);
                if (wanem_add_link(w, a, b, listen) < 0) {
                    snprintf(err, errlen, "cannot bind %s", listen);
                    goto out;
                }
            }
    } else {
        snprintf(err, errlen, "need links or listen_base");
        goto out;
    }
    const char *ctl = json_string_value(json_object_get(root, "control"));
    if (ctl && wanem_listen_control(w, ctl) != 0) {
        snprintf(err, errlen, "control: cannot bind %s", ctl);
        goto out;
    }
    json_t *seed = json_object_get(root, "seed");
    if (json_is_integer(seed) && json_integer_value(seed) != 0) w->rng = (uint64_t)json_integer_value(seed);
    rc = 0;
out:
    json_decref(rtt);
    return rc;
}

#ifndef WANEM_EMBED
static wanem *g_wanem;

static void on_signal(uv_signal_t *h, int sig)
{
    (void)sig;
    uv_close((uv_handle_t *)h, NULL);
    wanem_close(g_wanem);
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s CONFIG.json   (format and control commands: see the top of wanem.c)\n", argv[0]);
        return 2;
    }
    json_error_t je;
    json_t *root = json_load_file(argv[1], 0, &je);
    if (!root) {
        fprintf(stderr, "wanem: %s:%d: %s\n", argv[1], je.line, je.text);
        return 1;
    }
    uv_loop_t *loop = uv_default_loop();
    g_wanem = wanem_new(loop, (uint64_t)uv_hrtime());
    char err[256];
    char base_dir[1024];
    snprintf(base_dir, sizeof(base_dir), "%s", argv[1]);
    char *slash = strrchr(base_dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(base_dir, sizeof(base_dir), ".");
    if (!g_wanem || wanem_load(g_wanem, root, base_dir, err, sizeof(err)) != 0) {
        fprintf(stderr, "wanem: %s: %s\n", argv[1], g_wanem ? err : "out of memory");
        json_decref(root);
        return 1;
    }
    json_decref(root);
    static char out[60000];
    wanem_command(g_wanem, "links", out, sizeof(out));
    printf("%sready\n", out);
    fflush(stdout);
    uv_signal_t sigint, sigterm;
    uv_signal_init(loop, &sigint);
    uv_signal_init(loop, &sigterm);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    uv_unref((uv_handle_t *)&sigint);
    uv_unref((uv_handle_t *)&sigterm);
    uv_run(loop, UV_RUN_DEFAULT);
    if (!uv_is_closing((uv_handle_t *)&sigint)) uv_close((uv_handle_t *)&sigint, NULL);
    if (!uv_is_closing((uv_handle_t *)&sigterm)) uv_close((uv_handle_t *)&sigterm, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    return 0;
}
#endif
