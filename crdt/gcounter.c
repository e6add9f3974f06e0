/* crdt/gcounter.c — grow-only counter with per-node delete floors (see crdt.h).
 *
 * value = Σ(p - f). A row DELETE observes the counter by raising f to p, so increments it had
 * not seen (a higher p arriving later) still count, and nothing it had seen does. Sums are
 * taken in 128 bits: at most 65535 nodes of < 2^64 each cannot overflow them. */
#include "crdt/crdt.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 gcounter_i128;

void gcounter_init(gcounter *g)
{
    memset(g, 0, sizeof(*g));
}

void gcounter_free(gcounter *g)
{
    free(g->e);
    gcounter_init(g);
}

int gcounter_copy(gcounter *dst, const gcounter *src)
{
    if (dst == src) return 0;
    gcounter_entry *e = NULL;
    if (src->len) {
        e = malloc((size_t)src->len * sizeof(*e));
        if (!e) return CRDT_ENOMEM;
        memcpy(e, src->e, (size_t)src->len * sizeof(*e));
    }
    free(dst->e);
    dst->e = e;
    dst->len = dst->cap = src->len;
    return 0;
}

static uint32_t search(const gcounter *g, uint16_t node, bool *found)
{
    uint32_t lo = 0, hi = g->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->e[mid].node < node) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < g->len && g->e[lo].node == node;
    return lo;
}

const gcounter_entry *gcounter_get(const gcounter *g, uint16_t node)
{
    bool found;
    uint32_t i = search(g, node, &found);
    return found ? &g->e[i] : NULL;
}

int gcounter_raise(gcounter *g, uint16_t node, uint64_t p, uint64_t f)
{
    if (f > p || node == 0) return CRDT_EINVAL;
    if (p == 0) return 0; /* the bottom entry is never stored */
    bool found;
    uint32_t i = search(g, node, &found);
    if (found) {
        if (p > g->e[i].p) g->e[i].p = p;
        if (f > g->e[i].f) g->e[i].f = f;
        return 0;
    }
    if (g->len == g->cap) {
        uint32_t cap = g->cap ? g->cap * 2 : 4;
        gcounter_entry *e = realloc(g->e, (size_t)cap * sizeof(*e));
        if (!e) return CRDT_ENOMEM;
        g->e = e;
        g->cap = cap;
    }
    memmove(g->e + i + 1, g->e + i, (size_t)(g->len - i) * sizeof(*g->e));
    g->e[i].node = node;
    g->e[i].p = p;
    g->e[i].f = f;
    g->len++;
    return 0;
}

static gcounter_i128 sum(const gcounter *g)
{
    gcounter_i128 s = 0;
    for (uint32_t i = 0; i < g->len; i++) s += g->e[i].p - g->e[i].f;
    return s;
}

int gcounter_inc(gcounter *g, uint16_t node, int64_t n, gcounter *delta)
{
    if (n < 0 || node == 0) return CRDT_EINVAL;
    if (n == 0) return 0;
    const gcounter_entry *cur = gcounter_get(g, node);
    uint64_t p = cur ? cur->p : 0, f = cur ? cur->f : 0;
    if ((uint64_t)n > (uint64_t)INT64_MAX - p) return CRDT_EOVERFLOW;
    if (sum(g) + n > INT64_MAX) return CRDT_EOVERFLOW;
    int rc = gcounter_raise(g, node, p + (uint64_t)n, f);
    if (!rc && delta) rc = gcounter_raise(delta, node, p + (uint64_t)n, f);
    return rc;
}

int gcounter_value(const gcounter *g, int64_t *out)
{
    gcounter_i128 s = sum(g);
    if (s > INT64_MAX) {
        *out = INT64_MAX;
        return CRDT_EOVERFLOW;
    }
    *out = (int64_t)s;
    return 0;
}

int gcounter_merge(gcounter *dst, const gcounter *src)
{
    if (dst == src) return 0;
    for (uint32_t i = 0; i < src->len; i++) {
        int rc = gcounter_raise(dst, src->e[i].node, src->e[i].p, src->e[i].f);
        if (rc) return rc;
    }
    return 0;
}

int gcounter_reset(gcounter *g, gcounter *delta)
{
    for (uint32_t i = 0; i < g->len; i++) g->e[i].f = g->e[i].p;
    return delta ? gcounter_merge(delta, g) : 0;
}

int gcounter_encode(codec_buf *b, const gcounter *g)
{
    codec_put_uvarint(b, g->len);
    for (uint32_t i = 0; i < g->len; i++) {
        codec_put_u16(b, g->e[i].node);
        codec_put_uvarint(b, g->e[i].p);
        codec_put_uvarint(b, g->e[i].f);
    }
    return b->err;
}

int gcounter_decode(codec_rd *r, gcounter *g, uint64_t max_p)
{
    uint64_t n;
    gcounter tmp;
    gcounter_init(&tmp);
    if (codec_get_count(r, &n, 4, CAUSAL_MAX_NODES)) return CRDT_EBADENC;
    if (n) {
        tmp.e = malloc((size_t)n * sizeof(*tmp.e));
        if (!tmp.e) return CRDT_ENOMEM;
        tmp.cap = (uint32_t)n;
    }
    for (uint64_t i = 0; i < n; i++) {
        gcounter_entry e;
        codec_get_u16(r, &e.node);
        codec_get_uvarint(r, &e.p);
        if (codec_get_uvarint(r, &e.f)) goto bad;
        if (e.node == 0 || e.p == 0 || e.p > max_p || e.f > e.p) goto bad;
        if (i > 0 && e.node <= tmp.e[i - 1].node) goto bad;
        tmp.e[tmp.len++] = e;
    }
    gcounter_free(g);
    *g = tmp;
    return 0;
bad:
    gcounter_free(&tmp);
    return CRDT_EBADENC;
}
