/* crdt/causal.c — see causal.h.
 *
 * Entry points: causal_vv_* (version vectors), causal_cc_* (causal contexts),
 * causal_clock_* (hybrid logical clock).
 *
 * Version vectors and clouds are small sorted arrays: lookups are binary searches and joins
 * are merge walks, so every operation is O(n log n) at worst and allocation-light.
 */
#include "crdt/causal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ version vectors */

void causal_vv_init(causal_vv *vv)
{
    memset(vv, 0, sizeof(*vv));
}

void causal_vv_free(causal_vv *vv)
{
    free(vv->v);
    causal_vv_init(vv);
}

static int vv_reserve(causal_vv *vv, uint32_t n)
{
    if (n <= vv->cap) return 0;
    uint32_t cap = vv->cap ? vv->cap : 4;
    while (cap < n) {
        if (cap > UINT32_MAX / 2) return CRDT_ENOMEM;
        cap *= 2;
    }
    causal_vv_entry *p = realloc(vv->v, (size_t)cap * sizeof(*p));
    if (!p) return CRDT_ENOMEM;
    vv->v = p;
    vv->cap = cap;
    return 0;
}

int causal_vv_copy(causal_vv *dst, const causal_vv *src)
{
    if (dst == src) return 0;
    if (vv_reserve(dst, src->len)) return CRDT_ENOMEM;
    if (src->len) memcpy(dst->v, src->v, (size_t)src->len * sizeof(*src->v));
    dst->len = src->len;
    return 0;
}

/* Index of node, or of the first entry above it (insertion point). */
static uint32_t vv_search(const causal_vv *vv, uint16_t node, bool *found)
{
    uint32_t lo = 0, hi = vv->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (vv->v[mid].node < node) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < vv->len && vv->v[lo].node == node;
    return lo;
}

uint64_t causal_vv_get(const causal_vv *vv, uint16_t node)
{
    bool found;
    uint32_t i = vv_search(vv, node, &found);
    return found ? vv->v[i].counter : 0;
}

int causal_vv_set(causal_vv *vv, uint16_t node, uint64_t counter)
{
    bool found;
    uint32_t i = vv_search(vv, node, &found);
    if (found) {
        if (counter) {
            vv->v[i].counter = counter;
        } else {
            memmove(vv->v + i, vv->v + i + 1, (size_t)(vv->len - i - 1) * sizeof(*vv->v));
            vv->len--;
        }
        return 0;
    }
    if (!counter) return 0;
    if (node == 0) return CRDT_EINVAL;
    if (vv_reserve(vv, vv->len + 1)) return CRDT_ENOMEM;
    memmove(vv->v + i + 1, vv->v + i, (size_t)(vv->len - i) * sizeof(*vv->v));
    vv->v[i].node = node;
    vv->v[i].counter = counter;
    vv->len++;
    return 0;
}

/* Merge walk shared by join (max) and meet (min). A meet keeps only nodes present on both
 * sides, because an absent node reads as 0. */
static int vv_combine(causal_vv *dst, const causal_vv *src, bool take_max)
{
    causal_vv out;
    causal_vv_init(&out);
    if (vv_reserve(&out, dst->len + src->len)) return CRDT_ENOMEM;
    uint32_t i = 0, j = 0;
    while (i < dst->len || j < src->len) {
        causal_vv_entry e;
        if (j >= src->len || (i < dst->len && dst->v[i].node < src->v[j].node)) {
            e = dst->v[i++];
            if (!take_max) continue;
        } else if (i >= dst->len || src->v[j].node < dst->v[i].node) {
            e = src->v[j++];
            if (!take_max) continue;
        } else {
            e = dst->v[i];
            uint64_t a = dst->v[i++].counter, b = src->v[j++].counter;
            e.counter = take_max ? (a > b ? a : b) : (a < b ? a : b);
        }
        out.v[out.len++] = e;
    }
    free(dst->v);
    *dst = out;
    return 0;
}

int causal_vv_join(causal_vv *dst, const causal_vv *src)
{
    return vv_combine(dst, src, true);
}

int causal_vv_meet(causal_vv *dst, const causal_vv *src)
{
    return vv_combine(dst, src, false);
}

bool causal_vv_leq(const causal_vv *a, const causal_vv *b)
{
    for (uint32_t i = 0; i < a->len; i++)
        if (a->v[i].counter > causal_vv_get(b, a->v[i].node)) return false;
    return true;
}

int causal_vv_compare(const causal_vv *a, const causal_vv *b)
{
    bool le = causal_vv_leq(a, b), ge = causal_vv_leq(b, a);
    if (le && ge) return CAUSAL_EQUAL;
    if (le) return CAUSAL_BEFORE;
    if (ge) return CAUSAL_AFTER;
    return CAUSAL_CONCURRENT;
}

bool causal_vv_covers(const causal_vv *vv, causal_dot d)
{
    return d.counter <= causal_vv_get(vv, d.node);
}

int causal_vv_to_dot_floor(causal_vv *dst, const causal_vv *seq_vv)
{
    causal_vv out;
    causal_vv_init(&out);
    if (vv_reserve(&out, seq_vv->len)) return CRDT_ENOMEM;
    const uint64_t ops = (1u << CAUSAL_OP_BITS) - 1;
    for (uint32_t i = 0; i < seq_vv->len; i++) {
        uint64_t s = seq_vv->v[i].counter;
        /* A sequence too large to shift saturates: every dot of that node is then covered,
         * which is what "all of that origin's commits" means. */
        uint64_t f = s > (UINT64_MAX >> CAUSAL_OP_BITS) ? UINT64_MAX : (s << CAUSAL_OP_BITS) | ops;
        out.v[out.len].node = seq_vv->v[i].node;
        out.v[out.len++].counter = f;
    }
    free(dst->v);
    *dst = out;
    return 0;
}

int causal_vv_encode(codec_buf *b, const causal_vv *vv)
{
    codec_put_uvarint(b, vv->len);
    for (uint32_t i = 0; i < vv->len; i++) {
        codec_put_u16(b, vv->v[i].node);
        codec_put_uvarint(b, vv->v[i].counter);
    }
    return b->err;
}

int causal_vv_decode(codec_rd *r, causal_vv *vv)
{
    uint64_t n;
    vv->len = 0;
    if (codec_get_count(r, &n, 3, CAUSAL_MAX_NODES)) return CRDT_EBADENC;
    if (vv_reserve(vv, (uint32_t)n)) return CRDT_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        uint16_t node;
        uint64_t c;
        codec_get_u16(r, &node);
        if (codec_get_uvarint(r, &c)) return CRDT_EBADENC;
        if (node == 0 || c == 0 || (i > 0 && node <= vv->v[i - 1].node)) {
            vv->len = 0;
            return CRDT_EBADENC;
        }
        vv->v[vv->len].node = node;
        vv->v[vv->len++].counter = c;
    }
    return 0;
}

/* ------------------------------------------------------------------ causal contexts */

void causal_cc_init(causal_cc *cc)
{
    memset(cc, 0, sizeof(*cc));
    causal_vv_init(&cc->base);
}

void causal_cc_free(causal_cc *cc)
{
    causal_vv_free(&cc->base);
    free(cc->cloud);
    causal_cc_init(cc);
}

static int cloud_reserve(causal_cc *cc, uint32_t n)
{
    if (n <= cc->cap) return 0;
    uint32_t cap = cc->cap ? cc->cap : 4;
    while (cap < n) {
        if (cap > UINT32_MAX / 2) return CRDT_ENOMEM;
        cap *= 2;
    }
    causal_dot *p = realloc(cc->cloud, (size_t)cap * sizeof(*p));
    if (!p) return CRDT_ENOMEM;
    cc->cloud = p;
    cc->cap = cap;
    return 0;
}

int causal_cc_copy(causal_cc *dst, const causal_cc *src)
{
    if (dst == src) return 0;
    if (causal_vv_copy(&dst->base, &src->base)) return CRDT_ENOMEM;
    if (cloud_reserve(dst, src->ncloud)) return CRDT_ENOMEM;
    if (src->ncloud) memcpy(dst->cloud, src->cloud, (size_t)src->ncloud * sizeof(*src->cloud));
    dst->ncloud = src->ncloud;
    return 0;
}

static bool cloud_find(const causal_cc *cc, causal_dot d, uint32_t *pos)
{
    uint32_t lo = 0, hi = cc->ncloud;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (causal_dot_cmp(cc->cloud[mid], d) < 0) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return lo < cc->ncloud && causal_dot_cmp(cc->cloud[lo], d) == 0;
}

bool causal_cc_contains(const causal_cc *cc, causal_dot d)
{
    uint32_t pos;
    if (d.node == 0 || d.counter == 0) return false;
    if (d.counter <= causal_vv_get(&cc->base, d.node)) return true;
    return cloud_find(cc, d, &pos);
}

/* Restores the canonical form: drops cloud dots covered by their base and raises each base
 * over the cloud dots contiguous with it. The cloud is sorted by (node, counter), so one pass
 * that tracks the current node's base does both. */
static int cc_normalise(causal_cc *cc)
{
    uint32_t out = 0;
    uint32_t i = 0;
    while (i < cc->ncloud) {
        uint16_t node = cc->cloud[i].node;
        uint64_t base = causal_vv_get(&cc->base, node);
        uint64_t start = base;
        for (; i < cc->ncloud && cc->cloud[i].node == node; i++) {
            uint64_t c = cc->cloud[i].counter;
            /* sorted, so once a gap is kept every later dot of the node stays too */
            if (c <= base) continue;
            if (c == base + 1) base = c;
            else cc->cloud[out++] = cc->cloud[i];
        }
        if (base != start && causal_vv_set(&cc->base, node, base)) return CRDT_ENOMEM;
    }
    cc->ncloud = out;
    return 0;
}

int causal_cc_add(causal_cc *cc, causal_dot d)
{
    uint32_t pos;
    if (d.node == 0 || d.counter == 0) return CRDT_EINVAL;
    if (causal_cc_contains(cc, d)) return 0;
    uint64_t base = causal_vv_get(&cc->base, d.node);
    if (d.counter == base + 1) {
        if (causal_vv_set(&cc->base, d.node, d.counter)) return CRDT_ENOMEM;
        return cc_normalise(cc);
    }
    cloud_find(cc, d, &pos);
    if (cloud_reserve(cc, cc->ncloud + 1)) return CRDT_ENOMEM;
    memmove(cc->cloud + pos + 1, cc->cloud + pos, (size_t)(cc->ncloud - pos) * sizeof(*cc->cloud));
    cc->cloud[pos] = d;
    cc->ncloud++;
    return 0;
}

int causal_cc_join(causal_cc *dst, const causal_cc *src)
{
    if (dst == src) return 0;
    /* Deltas carry a handful of dots: inserting them one by one avoids rebuilding a large
     * cloud for every merge. */
    if (src->ncloud <= 8 && src->ncloud < dst->ncloud) {
        for (uint32_t i = 0; i < src->base.len; i++) {
            causal_vv_entry e = src->base.v[i];
            if (e.counter > causal_vv_get(&dst->base, e.node) &&
                causal_vv_set(&dst->base, e.node, e.counter))
                return CRDT_ENOMEM;
        }
        for (uint32_t i = 0; i < src->ncloud; i++) {
            int rc = causal_cc_add(dst, src->cloud[i]);
            if (rc) return rc;
        }
        return cc_normalise(dst);
    }
    if (causal_vv_join(&dst->base, &src->base)) return CRDT_ENOMEM;
    causal_dot *merged = NULL;
    size_t total = (size_t)dst->ncloud + src->ncloud;
    if (total) {
        merged = malloc(total * sizeof(*merged));
        if (!merged) return CRDT_ENOMEM;
    }
    uint32_t i = 0, j = 0, n = 0;
    while (i < dst->ncloud || j < src->ncloud) {
        int c;
        if (i >= dst->ncloud) c = 1;
        else if (j >= src->ncloud) c = -1;
        else c = causal_dot_cmp(dst->cloud[i], src->cloud[j]);
        if (c < 0) merged[n++] = dst->cloud[i++];
        else if (c > 0) merged[n++] = src->cloud[j++];
        else {
            merged[n++] = dst->cloud[i++];
            j++;
        }
    }
    free(dst->cloud);
    dst->cloud = merged;
    dst->ncloud = n;
    dst->cap = (uint32_t)total;
    return cc_normalise(dst);
}

int causal_cc_fill(causal_cc *cc, const causal_vv *dot_floor)
{
    if (causal_vv_join(&cc->base, dot_floor)) return CRDT_ENOMEM;
    return cc_normalise(cc);
}

uint64_t causal_cc_max(const causal_cc *cc, uint16_t node)
{
    uint64_t m = causal_vv_get(&cc->base, node);
    causal_dot probe = {node, UINT64_MAX};
    uint32_t pos;
    if (cloud_find(cc, probe, &pos)) return UINT64_MAX;
    if (pos > 0 && cc->cloud[pos - 1].node == node && cc->cloud[pos - 1].counter > m)
        m = cc->cloud[pos - 1].counter;
    return m;
}

bool causal_cc_equal(const causal_cc *a, const causal_cc *b)
{
    if (a->base.len != b->base.len || a->ncloud != b->ncloud) return false;
    for (uint32_t i = 0; i < a->base.len; i++)
        if (a->base.v[i].node != b->base.v[i].node || a->base.v[i].counter != b->base.v[i].counter)
            return false;
    for (uint32_t i = 0; i < a->ncloud; i++)
        if (causal_dot_cmp(a->cloud[i], b->cloud[i])) return false;
    return true;
}

int causal_cc_encode(codec_buf *b, const causal_cc *cc)
{
    causal_vv_encode(b, &cc->base);
    codec_put_uvarint(b, cc->ncloud);
    for (uint32_t i = 0; i < cc->ncloud; i++) {
        codec_put_u16(b, cc->cloud[i].node);
        codec_put_uvarint(b, cc->cloud[i].counter);
    }
    return b->err;
}

int causal_cc_decode(codec_rd *r, causal_cc *cc)
{
    int rc = causal_vv_decode(r, &cc->base);
    cc->ncloud = 0;
    if (rc) return rc;
    uint64_t n;
    if (codec_get_count(r, &n, 3, CAUSAL_MAX_CLOUD)) return CRDT_EBADENC;
    if (cloud_reserve(cc, (uint32_t)n)) return CRDT_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        causal_dot d;
        codec_get_u16(r, &d.node);
        if (codec_get_uvarint(r, &d.counter)) goto bad;
        if (d.node == 0) goto bad;
        if (i > 0 && causal_dot_cmp(cc->cloud[i - 1], d) >= 0) goto bad;
        /* canonical: a cloud dot is neither covered by nor contiguous with its base */
        uint64_t base = causal_vv_get(&cc->base, d.node);
        if (base == UINT64_MAX || d.counter <= base + 1) goto bad; /* no wrap at the top */
        cc->cloud[cc->ncloud++] = d;
    }
    return 0;
bad:
    cc->ncloud = 0;
    causal_vv_free(&cc->base);
    return CRDT_EBADENC;
}

/* ------------------------------------------------------------------ hybrid logical clock */

void causal_clock_init(causal_clock *c, uint64_t max_skew_ms)
{
    memset(c, 0, sizeof(*c));
    c->max_skew_ms = max_skew_ms;
}

causal_hlc causal_clock_now(causal_clock *c, uint64_t wall_ms)
{
    causal_hlc wall = CAUSAL_HLC_MAKE(wall_ms, 0);
    /* Behind (or equal to) the last stamp: advance the logical part; its overflow carries
     * into the millisecond field, i.e. the clock runs ahead by at most a millisecond. */
    c->last = wall > c->last ? wall : c->last + 1;
    return c->last;
}

int causal_clock_observe(causal_clock *c, causal_hlc remote, uint64_t wall_ms)
{
    int skewed = 0;
    uint64_t rms = CAUSAL_HLC_MS(remote);
    if (rms > wall_ms && rms - wall_ms > c->max_skew_ms) {
        c->skew_events++;
        if (rms - wall_ms > c->max_seen_skew_ms) c->max_seen_skew_ms = rms - wall_ms;
        skewed = 1;
    }
    if (remote > c->last) c->last = remote;
    return skewed;
}
