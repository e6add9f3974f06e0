/* crdt/pncounter.c — increment/decrement counter: two G-Counter halves (see crdt.h).
 *
 * Each half allows a node up to UINT64_MAX so that a single decrement by INT64_MIN (a step of
 * 2^63) is representable; the int64 range is enforced on the *value*, at the origin. */
#include "crdt/crdt.h"

__extension__ typedef __int128 pncounter_i128;

void pncounter_init(pncounter *c)
{
    gcounter_init(&c->inc);
    gcounter_init(&c->dec);
}

void pncounter_free(pncounter *c)
{
    gcounter_free(&c->inc);
    gcounter_free(&c->dec);
}

int pncounter_copy(pncounter *dst, const pncounter *src)
{
    int rc = gcounter_copy(&dst->inc, &src->inc);
    return rc ? rc : gcounter_copy(&dst->dec, &src->dec);
}

static pncounter_i128 half(const gcounter *g)
{
    pncounter_i128 s = 0;
    for (uint32_t i = 0; i < g->len; i++) s += g->e[i].p - g->e[i].f;
    return s;
}

/* amount is in [-2^63, 2^63]: a sub of INT64_MIN adds 2^63. */
static int apply(pncounter *c, uint16_t node, pncounter_i128 amount, pncounter *delta)
{
    if (node == 0) return CRDT_EINVAL;
    if (amount == 0) return 0;
    pncounter_i128 v = half(&c->inc) - half(&c->dec) + amount;
    if (v > INT64_MAX || v < INT64_MIN) return CRDT_EOVERFLOW;
    gcounter *h = amount > 0 ? &c->inc : &c->dec;
    uint64_t mag = (uint64_t)(amount > 0 ? amount : -amount);
    const gcounter_entry *cur = gcounter_get(h, node);
    uint64_t p = cur ? cur->p : 0, f = cur ? cur->f : 0;
    if (mag > UINT64_MAX - p) return CRDT_EOVERFLOW;
    int rc = gcounter_raise(h, node, p + mag, f);
    if (!rc && delta) rc = gcounter_raise(amount > 0 ? &delta->inc : &delta->dec, node, p + mag, f);
    return rc;
}

int pncounter_add(pncounter *c, uint16_t node, int64_t n, pncounter *delta)
{
    return apply(c, node, n, delta);
}

int pncounter_sub(pncounter *c, uint16_t node, int64_t n, pncounter *delta)
{
    return apply(c, node, -(pncounter_i128)n, delta);
}

int pncounter_value(const pncounter *c, int64_t *out)
{
    pncounter_i128 v = half(&c->inc) - half(&c->dec);
    if (v > INT64_MAX) {
        *out = INT64_MAX;
        return CRDT_EOVERFLOW;
    }
    if (v < INT64_MIN) {
        *out = INT64_MIN;
        return CRDT_EOVERFLOW;
    }
    *out = (int64_t)v;
    return 0;
}

int pncounter_merge(pncounter *dst, const pncounter *src)
{
    int rc = gcounter_merge(&dst->inc, &src->inc);
    return rc ? rc : gcounter_merge(&dst->dec, &src->dec);
}

int pncounter_reset(pncounter *c, pncounter *delta)
{
    int rc = gcounter_reset(&c->inc, delta ? &delta->inc : NULL);
    return rc ? rc : gcounter_reset(&c->dec, delta ? &delta->dec : NULL);
}

int pncounter_encode(codec_buf *b, const pncounter *c)
{
    gcounter_encode(b, &c->inc);
    return gcounter_encode(b, &c->dec);
}

int pncounter_decode(codec_rd *r, pncounter *c)
{
    int rc = gcounter_decode(r, &c->inc, UINT64_MAX);
    return rc ? rc : gcounter_decode(r, &c->dec, UINT64_MAX);
}
