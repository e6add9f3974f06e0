/* crdt/orset.c — observed-remove set with tags and tombstones (see crdt.h).
 *
 * Context C = tags(live) ∪ tombstones ∪ down(floor). Join is the dot-kernel join of the live
 * entries over those contexts; afterwards the tombstone set is renormalised (a tombstone
 * covered by the joined floor is implied by the floor and dropped). Unlike the add-wins set,
 * the removed tags stay explicit until gc raises the floor over them, so the history of an
 * element is inspectable (helios_crdt_state). */
#include "crdt/crdt.h"

#include <stdlib.h>
#include <string.h>

void orset_init(orset *s)
{
    kernel_init(&s->live);
    s->tomb = NULL;
    s->ntomb = s->tcap = 0;
    causal_vv_init(&s->floor);
}

void orset_free(orset *s)
{
    kernel_free(&s->live);
    free(s->tomb);
    causal_vv_free(&s->floor);
    orset_init(s);
}

static int tomb_reserve(orset *s, uint32_t n)
{
    if (n <= s->tcap) return 0;
    uint32_t cap = s->tcap ? s->tcap : 4;
    while (cap < n) cap *= 2;
    causal_dot *t = realloc(s->tomb, (size_t)cap * sizeof(*t));
    if (!t) return CRDT_ENOMEM;
    s->tomb = t;
    s->tcap = cap;
    return 0;
}

int orset_copy(orset *dst, const orset *src)
{
    if (dst == src) return 0;
    if (kernel_copy(&dst->live, &src->live) || causal_vv_copy(&dst->floor, &src->floor) ||
        tomb_reserve(dst, src->ntomb))
        return CRDT_ENOMEM;
    if (src->ntomb) memcpy(dst->tomb, src->tomb, (size_t)src->ntomb * sizeof(*src->tomb));
    dst->ntomb = src->ntomb;
    return 0;
}

static bool tomb_has(const orset *s, causal_dot d)
{
    uint32_t lo = 0, hi = s->ntomb;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = causal_dot_cmp(s->tomb[mid], d);
        if (c == 0) return true;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

static bool in_context(const void *ctx, causal_dot d)
{
    const orset *s = ctx;
    return causal_vv_covers(&s->floor, d) || tomb_has(s, d) || kernel_find(&s->live, d);
}

int orset_merge(orset *dst, const orset *src)
{
    if (dst == src) return 0;
    /* tombstones first: the live join below needs dst's context as it was */
    causal_dot *t = NULL;
    size_t total = (size_t)dst->ntomb + src->ntomb;
    if (total && !(t = malloc(total * sizeof(*t)))) return CRDT_ENOMEM;
    uint32_t i = 0, j = 0, n = 0;
    while (i < dst->ntomb || j < src->ntomb) {
        int c;
        if (i >= dst->ntomb) c = 1;
        else if (j >= src->ntomb) c = -1;
        else c = causal_dot_cmp(dst->tomb[i], src->tomb[j]);
        if (c <= 0) t[n++] = dst->tomb[i++];
        else t[n++] = src->tomb[j++];
        if (c == 0) j++;
    }
    int rc = kernel_join_entries(&dst->live, &src->live, in_context, dst, in_context, src);
    if (!rc) rc = causal_vv_join(&dst->floor, &src->floor);
    if (rc) {
        free(t);
        return rc;
    }
    uint32_t out = 0;
    for (uint32_t k = 0; k < n; k++)
        if (!causal_vv_covers(&dst->floor, t[k]) && !kernel_find(&dst->live, t[k])) t[out++] = t[k];
    free(dst->tomb);
    dst->tomb = t;
    dst->ntomb = out;
    dst->tcap = (uint32_t)total;
    return 0;
}

/* Applies a delta built by the mutators below to s and to the accumulator. */
static int apply(orset *s, orset *d, orset *delta)
{
    int rc = orset_merge(s, d);
    if (!rc && delta) rc = orset_merge(delta, d);
    orset_free(d);
    return rc;
}

int orset_add(orset *s, const void *x, size_t n, causal_dot dot, orset *delta)
{
    if (dot.node == 0 || dot.counter == 0 || in_context(s, dot)) return CRDT_EINVAL;
    if (n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    orset d;
    orset_init(&d);
    /* kernel_apply builds the one-entry delta; the OR-Set's live kernel keeps no cc */
    int rc = kernel_apply(&d.live, NULL, NULL, dot, x, n, NULL);
    causal_cc_free(&d.live.cc);
    /* A re-add retires the tags of x it observed, so repeated adds do not pile up tags; a
     * concurrent remove still only tombstones the tags it saw, and the new tag survives it. */
    for (uint32_t i = 0; !rc && i < s->live.len; i++) {
        const kernel_entry *e = &s->live.e[i];
        if (e->n != n || (n && memcmp(e->p, x, n))) continue;
        if ((rc = tomb_reserve(&d, d.ntomb + 1))) break;
        d.tomb[d.ntomb++] = e->dot;
    }
    if (rc) {
        orset_free(&d);
        return rc;
    }
    return apply(s, &d, delta);
}

int orset_add_many(orset *s, const void *const *xs, const size_t *ns, size_t count,
                   causal_dot first, orset *delta)
{
    int rc = kernel_check_many(first, count);
    if (rc || !count) return rc;
    for (size_t i = 0; i < count; i++) {
        causal_dot tag = {first.node, first.counter + i};
        if (ns[i] > CRDT_MAX_VALUE) return CRDT_ELIMIT;
        if (in_context(s, tag)) return CRDT_EINVAL;
    }
    /* The join of the count single-add deltas (orset_add): add i's delta holds its tag and
     * tombstones the tags of x_i it observed — those in s for the first copy of x_i, the
     * previous copy's tag for a later one (whose entry that removes). So: live = the last copy
     * of each element, tombstones = s's tags of the batch's elements + the superseded tags. */
    orset d;
    causal_dot *observed = NULL;
    size_t nobs = 0;
    bool *last = malloc(count * sizeof(*last));
    orset_init(&d);
    if (!last) return CRDT_ENOMEM;
    rc = kernel_observe_many(&s->live, kernel_payload, xs, ns, count, last, &observed, &nobs);
    if (!rc) rc = kernel_entries_many(&d.live, xs, ns, count, last, first);
    /* nobs <= s->live.len and count <= CRDT_MAX_ENTRIES: the sum fits */
    if (!rc) rc = tomb_reserve(&d, (uint32_t)(nobs + (count - d.live.len)));
    if (rc) {
        orset_free(&d);
        goto out;
    }
    /* both ascending; disjoint, since s's tags are in C and the batch's are not */
    size_t i = 0, j = 0;
    for (;;) {
        while (j < count && last[j]) j++;
        if (i >= nobs && j >= count) break;
        causal_dot tag = {first.node, first.counter + j};
        if (j < count && (i >= nobs || causal_dot_cmp(tag, observed[i]) < 0)) {
            d.tomb[d.ntomb++] = tag;
            j++;
        } else {
            d.tomb[d.ntomb++] = observed[i++];
        }
    }
    rc = apply(s, &d, delta);
out:
    free(observed);
    free(last);
    return rc;
}

static int tombstone_matching(orset *s, const crdt_bytes *x, orset *delta)
{
    orset d;
    orset_init(&d);
    for (uint32_t i = 0; i < s->live.len; i++) {
        const kernel_entry *e = &s->live.e[i];
        if (x && (e->n != x->n || (x->n && memcmp(e->p, x->p, x->n)))) continue;
        if (tomb_reserve(&d, d.ntomb + 1)) {
            orset_free(&d);
            return CRDT_ENOMEM;
        }
        d.tomb[d.ntomb++] = e->dot; /* live is sorted by dot, so the tombstones are too */
    }
    return apply(s, &d, delta);
}

int orset_remove(orset *s, const void *x, size_t n, orset *delta)
{
    crdt_bytes b = {x, n};
    return tombstone_matching(s, &b, delta);
}

int orset_clear(orset *s, orset *delta)
{
    return tombstone_matching(s, NULL, delta);
}

bool orset_contains(const orset *s, const void *x, size_t n)
{
    for (uint32_t i = 0; i < s->live.len; i++)
        if (s->live.e[i].n == n && (n == 0 || memcmp(s->live.e[i].p, x, n) == 0)) return true;
    return false;
}

int orset_gc(orset *s, const causal_vv *dot_floor)
{
    if (causal_vv_join(&s->floor, dot_floor)) return CRDT_ENOMEM;
    uint32_t out = 0;
    for (uint32_t i = 0; i < s->ntomb; i++)
        if (!causal_vv_covers(&s->floor, s->tomb[i])) s->tomb[out++] = s->tomb[i];
    s->ntomb = out;
    return 0;
}

int orset_encode(codec_buf *b, const orset *s)
{
    causal_vv_encode(b, &s->floor);
    codec_put_uvarint(b, s->ntomb);
    for (uint32_t i = 0; i < s->ntomb; i++) {
        codec_put_u16(b, s->tomb[i].node);
        codec_put_uvarint(b, s->tomb[i].counter);
    }
    /* the live entries are a kernel with an empty cc: reuse its entry layout */
    codec_put_uvarint(b, s->live.len);
    for (uint32_t i = 0; i < s->live.len; i++) {
        codec_put_u16(b, s->live.e[i].dot.node);
        codec_put_uvarint(b, s->live.e[i].dot.counter);
        codec_put_bytes(b, s->live.e[i].p, s->live.e[i].n);
    }
    return b->err;
}

int orset_decode(codec_rd *r, orset *s)
{
    orset tmp;
    orset_init(&tmp);
    uint64_t n;
    int rc = causal_vv_decode(r, &tmp.floor);
    if (rc) goto fail;
    rc = CRDT_EBADENC;
    if (codec_get_count(r, &n, 3, CRDT_MAX_ENTRIES)) goto fail;
    if (tomb_reserve(&tmp, (uint32_t)n)) {
        rc = CRDT_ENOMEM;
        goto fail;
    }
    for (uint64_t i = 0; i < n; i++) {
        causal_dot d;
        codec_get_u16(r, &d.node);
        if (codec_get_uvarint(r, &d.counter)) goto fail;
        if (d.node == 0 || d.counter == 0 || causal_vv_covers(&tmp.floor, d)) goto fail;
        if (i > 0 && causal_dot_cmp(tmp.tomb[i - 1], d) >= 0) goto fail;
        tmp.tomb[tmp.ntomb++] = d;
    }
    /* live entries: the kernel entry layout, without a cc */
    if (codec_get_count(r, &n, 4, CRDT_MAX_ENTRIES)) goto fail;
    if (n) {
        tmp.live.e = malloc((size_t)n * sizeof(*tmp.live.e));
        if (!tmp.live.e) {
            rc = CRDT_ENOMEM;
            goto fail;
        }
        tmp.live.cap = (uint32_t)n;
    }
    for (uint64_t i = 0; i < n; i++) {
        kernel_entry *e = &tmp.live.e[i];
        const uint8_t *p;
        size_t len;
        codec_get_u16(r, &e->dot.node);
        codec_get_uvarint(r, &e->dot.counter);
        if (codec_get_bytes(r, &p, &len, CRDT_MAX_VALUE)) goto fail;
        if (e->dot.node == 0 || e->dot.counter == 0) goto fail;
        if (i > 0 && causal_dot_cmp(tmp.live.e[i - 1].dot, e->dot) >= 0) goto fail;
        if (tomb_has(&tmp, e->dot)) goto fail;
        e->n = (uint32_t)len;
        e->onesided = 0;
        e->p = NULL;
        if (len && !(e->p = malloc(len))) {
            rc = CRDT_ENOMEM;
            goto fail;
        }
        if (len) memcpy(e->p, p, len);
        tmp.live.len++;
    }
    orset_free(s);
    *s = tmp;
    return 0;
fail:
    orset_free(&tmp);
    return rc;
}
