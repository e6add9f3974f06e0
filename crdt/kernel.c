/* crdt/kernel.c — the dot kernel (see crdt.h): join, the single mutator, batches of keyed
 * operations, codec.
 *
 * Entries are kept sorted by dot so a join is one merge walk and a lookup a binary search.
 * Every mutation is expressed as a small delta kernel joined into the state (and into the
 * caller's delta accumulator): one code path, so "delta merge == local op" holds by
 * construction. A batch (kernel_apply_many) is the same: it builds the join of the n deltas
 * the single ops would have built, directly, and joins that once. */
#include "crdt/crdt.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Payloads are composite (an LWW-Map entry holds a key and a JSON text, each up to
 * CRDT_MAX_VALUE), hence the factor 2. */
#define KERNEL_MAX_PAYLOAD (2u * CRDT_MAX_VALUE + 64u)

void kernel_init(kernel *k)
{
    k->e = NULL;
    k->len = 0;
    k->cap = 0;
    causal_cc_init(&k->cc);
}

void kernel_free(kernel *k)
{
    for (uint32_t i = 0; i < k->len; i++) free(k->e[i].p);
    free(k->e);
    causal_cc_free(&k->cc);
    kernel_init(k);
}

static int entry_dup(kernel_entry *dst, causal_dot dot, const void *p, size_t n)
{
    dst->dot = dot;
    dst->n = (uint32_t)n;
    dst->onesided = 0;
    dst->p = NULL;
    if (!n) return 0;
    dst->p = malloc(n);
    if (!dst->p) return CRDT_ENOMEM;
    memcpy(dst->p, p, n);
    return 0;
}

int kernel_copy(kernel *dst, const kernel *src)
{
    if (dst == src) return 0;
    kernel tmp;
    kernel_init(&tmp);
    if (src->len) {
        tmp.e = malloc((size_t)src->len * sizeof(*tmp.e));
        if (!tmp.e) goto nomem;
        tmp.cap = src->len;
    }
    for (uint32_t i = 0; i < src->len; i++) {
        if (entry_dup(&tmp.e[i], src->e[i].dot, src->e[i].p, src->e[i].n)) goto nomem;
        tmp.len++;
    }
    if (causal_cc_copy(&tmp.cc, &src->cc)) goto nomem;
    kernel_free(dst);
    *dst = tmp;
    return 0;
nomem:
    kernel_free(&tmp);
    return CRDT_ENOMEM;
}

const kernel_entry *kernel_find(const kernel *k, causal_dot d)
{
    uint32_t lo = 0, hi = k->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = causal_dot_cmp(k->e[mid].dot, d);
        if (c == 0) return &k->e[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Frees the payloads of `out` entries that did not come from `from` (copies made during a
 * failed join) or, with `invert`, of `from` entries that did not make it into `out`. Both
 * arrays are sorted and a dot identifies an entry, so one parallel walk decides. */
static void free_unshared(kernel_entry *out, uint32_t nout, kernel_entry *from, uint32_t nfrom,
                          bool invert)
{
    kernel_entry *walk = invert ? from : out, *other = invert ? out : from;
    uint32_t nwalk = invert ? nfrom : nout, nother = invert ? nout : nfrom, k = 0;
    for (uint32_t i = 0; i < nwalk; i++) {
        while (k < nother && causal_dot_cmp(other[k].dot, walk[i].dot) < 0) k++;
        if (k < nother && causal_dot_cmp(other[k].dot, walk[i].dot) == 0) continue;
        free(walk[i].p);
    }
}

int kernel_join_entries(kernel *dst, const kernel *src, kernel_in_ctx in_dst, const void *dctx,
                        kernel_in_ctx in_src, const void *sctx)
{
    if (dst == src) {
        for (uint32_t i = 0; i < dst->len; i++) dst->e[i].onesided = 0;
        return 0;
    }
    size_t total = (size_t)dst->len + src->len;
    kernel_entry *out = NULL;
    if (total) {
        out = malloc(total * sizeof(*out));
        if (!out) return CRDT_ENOMEM;
    }
    uint32_t i = 0, j = 0, n = 0;
    while (i < dst->len || j < src->len) {
        int c;
        if (i >= dst->len) c = 1;
        else if (j >= src->len) c = -1;
        else c = causal_dot_cmp(dst->e[i].dot, src->e[j].dot);
        if (c == 0) {
            out[n] = dst->e[i++];
            out[n++].onesided = 0;
            j++;
        } else if (c < 0) {
            if (!in_src(sctx, dst->e[i].dot)) {
                out[n] = dst->e[i];
                out[n++].onesided = 0;
            }
            i++;
        } else {
            const kernel_entry *e = &src->e[j++];
            if (in_dst(dctx, e->dot)) continue;
            if (entry_dup(&out[n], e->dot, e->p, e->n)) {
                free_unshared(out, n, dst->e, dst->len, false);
                free(out);
                return CRDT_ENOMEM;
            }
            out[n++].onesided = 1;
        }
    }
    free_unshared(out, n, dst->e, dst->len, true);
    free(dst->e);
    dst->e = out;
    dst->len = n;
    dst->cap = (uint32_t)total;
    return 0;
}

static bool in_cc(const void *ctx, causal_dot d)
{
    return causal_cc_contains(ctx, d);
}

int kernel_join(kernel *dst, const kernel *src)
{
    if (dst == src) return kernel_join_entries(dst, src, in_cc, NULL, in_cc, NULL);
    int rc = kernel_join_entries(dst, src, in_cc, &dst->cc, in_cc, &src->cc);
    if (rc) return rc;
    return causal_cc_join(&dst->cc, &src->cc);
}

bool kernel_all(const kernel_entry *e, const void *ctx)
{
    (void)e;
    (void)ctx;
    return true;
}

int kernel_apply(kernel *k, kernel_pred pred, const void *ctx, causal_dot dot, const void *p,
                 size_t n, kernel *delta)
{
    if (n > KERNEL_MAX_PAYLOAD) return CRDT_ELIMIT;
    if (dot.node && (dot.counter == 0 || causal_cc_contains(&k->cc, dot))) return CRDT_EINVAL;
    kernel d;
    kernel_init(&d);
    int rc = 0;
    for (uint32_t i = 0; pred && i < k->len; i++)
        if (pred(&k->e[i], ctx) && (rc = causal_cc_add(&d.cc, k->e[i].dot))) goto out;
    if (dot.node) {
        d.e = malloc(sizeof(*d.e));
        if (!d.e) {
            rc = CRDT_ENOMEM;
            goto out;
        }
        d.cap = 1;
        if ((rc = entry_dup(&d.e[0], dot, p, n))) goto out;
        d.len = 1;
        if ((rc = causal_cc_add(&d.cc, dot))) goto out;
    }
    if ((rc = kernel_join(k, &d))) goto out;
    if (delta) rc = kernel_join(delta, &d);
out:
    kernel_free(&d);
    return rc;
}

/* ------------------------------------------------------------------ batches */

crdt_bytes kernel_payload(const kernel_entry *e)
{
    crdt_bytes b = {e->p, e->n};
    return b;
}

int kernel_check_many(causal_dot first, size_t n)
{
    if (!n) return 0;
    if (n > CRDT_MAX_ENTRIES) return CRDT_ELIMIT;
    if (first.node == 0 || first.counter == 0 || first.counter > UINT64_MAX - (n - 1))
        return CRDT_EINVAL;
    return 0;
}

static causal_dot nth_dot(causal_dot first, size_t i)
{
    causal_dot d = {first.node, first.counter + i};
    return d;
}

/* A batch key and the op it came from; sorted by (key, op) so the copies of one key sit
 * together in batch order and the last of them is the last of its run. */
typedef struct batch_key {
    const uint8_t *p;
    size_t n;
    size_t op;
} batch_key;

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    if (an != bn) return an < bn ? -1 : 1;
    return an ? memcmp(a, b, an) : 0;
}

static int batch_key_cmp(const void *pa, const void *pb)
{
    const batch_key *a = pa, *b = pb;
    int c = bytes_cmp(a->p, a->n, b->p, b->n);
    if (c) return c;
    return a->op < b->op ? -1 : a->op > b->op;
}

static int batch_key_find(const void *key, const void *elem)
{
    const crdt_bytes *k = key;
    const batch_key *b = elem;
    return bytes_cmp(k->p, k->n, b->p, b->n);
}

int kernel_observe_many(const kernel *k, kernel_key key_of, const void *const *keys,
                        const size_t *klens, size_t n, bool *last, causal_dot **observed,
                        size_t *nobserved)
{
    *observed = NULL;
    *nobserved = 0;
    if (!n) return 0;
    batch_key *sorted = malloc(n * sizeof(*sorted));
    causal_dot *obs = k->len ? malloc((size_t)k->len * sizeof(*obs)) : NULL;
    if (!sorted || (k->len && !obs)) {
        free(sorted);
        free(obs);
        return CRDT_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        sorted[i].p = keys[i];
        sorted[i].n = klens[i];
        sorted[i].op = i;
    }
    /* a sort, not a hash table: qsort (glibc's merge sort, musl's smoothsort) is O(n log n)
     * comparisons on any input, where crafted elements could drive a fixed hash quadratic */
    if (n > 1) qsort(sorted, n, sizeof(*sorted), batch_key_cmp);
    for (size_t j = 0; j < n; j++)
        last[sorted[j].op] = j + 1 == n || bytes_cmp(sorted[j].p, sorted[j].n, sorted[j + 1].p,
                                                     sorted[j + 1].n) != 0;
    size_t nobs = 0;
    for (uint32_t i = 0; i < k->len; i++) {
        crdt_bytes key = key_of(&k->e[i]);
        if (bsearch(&key, sorted, n, sizeof(*sorted), batch_key_find)) obs[nobs++] = k->e[i].dot;
    }
    free(sorted);
    if (!nobs) {
        free(obs);
        obs = NULL;
    }
    *observed = obs; /* k is sorted by dot, so obs is too */
    *nobserved = nobs;
    return 0;
}

int kernel_entries_many(kernel *out, const void *const *ps, const size_t *ns, size_t n,
                        const bool *keep, causal_dot first)
{
    assert(out->len == 0);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) kept += keep[i];
    if (!kept) return 0;
    kernel_entry *e = realloc(out->e, kept * sizeof(*e));
    if (!e) return CRDT_ENOMEM;
    out->e = e;
    out->cap = (uint32_t)kept;
    /* the dots ascend with i, so the entries come out sorted */
    for (size_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        if (entry_dup(&out->e[out->len], nth_dot(first, i), ps[i], ns[i])) return CRDT_ENOMEM;
        out->len++;
    }
    return 0;
}

/* cc := {observed} ∪ {first .. first + n - 1}; both ascending and disjoint. The canonical form
 * (causal.h: per node a base 1..b, then a sorted cloud of dots > b + 1) is built here in one
 * pass; n causal_cc_add calls would each be allowed to rescan the cloud. cc is empty. */
static int cc_of_batch(causal_cc *cc, const causal_dot *observed, size_t nobs, causal_dot first,
                       size_t n)
{
    size_t total = nobs + n, i = 0, j = 0, out = 0;
    causal_dot *all = malloc(total * sizeof(*all));
    if (!all) return CRDT_ENOMEM;
    while (i < nobs || j < n) {
        if (j < n && (i >= nobs || causal_dot_cmp(nth_dot(first, j), observed[i]) < 0))
            all[out++] = nth_dot(first, j++);
        else all[out++] = observed[i++];
    }
    assert(out == total);
    out = 0;
    for (size_t k = 0; k < total;) {
        uint16_t node = all[k].node;
        uint64_t base = 0;
        for (; k < total && all[k].node == node && all[k].counter == base + 1; k++) base++;
        if (base && causal_vv_set(&cc->base, node, base)) {
            free(all);
            return CRDT_ENOMEM;
        }
        for (; k < total && all[k].node == node; k++) all[out++] = all[k];
    }
    assert(cc->ncloud == 0 && cc->cloud == NULL);
    if (!out) {
        free(all);
        return 0;
    }
    cc->cloud = all;
    cc->ncloud = (uint32_t)out;
    cc->cap = (uint32_t)total;
    return 0;
}

int kernel_apply_many(kernel *k, kernel_key key_of, const void *const *keys,
                      const size_t *klens, const void *const *ps, const size_t *ns, size_t n,
                      causal_dot first, kernel *delta)
{
    int rc = kernel_check_many(first, n);
    if (rc || !n) return rc;
    for (size_t i = 0; i < n; i++) {
        if (ns[i] > KERNEL_MAX_PAYLOAD) return CRDT_ELIMIT;
        if (causal_cc_contains(&k->cc, nth_dot(first, i))) return CRDT_EINVAL;
    }
    /* The join of the n single-op deltas. Op i's delta holds its entry and, in its cc, its dot
     * and the dots of the entries of its key it observed: k's for the first op of a key, else
     * the previous op's of that key, whose entry the join therefore drops. So: entries = the
     * last op of each key; cc = every op's dot + the dots of k's entries whose key the batch
     * has. */
    kernel d;
    causal_dot *observed = NULL;
    size_t nobs = 0;
    bool *last = malloc(n * sizeof(*last));
    kernel_init(&d);
    if (!last) return CRDT_ENOMEM;
    if ((rc = kernel_observe_many(k, key_of, keys, klens, n, last, &observed, &nobs))) goto out;
    if ((rc = kernel_entries_many(&d, ps, ns, n, last, first))) goto out;
    if ((rc = cc_of_batch(&d.cc, observed, nobs, first, n))) goto out;
    if ((rc = kernel_join(k, &d))) goto out;
    if (delta) rc = kernel_join(delta, &d);
out:
    kernel_free(&d);
    free(observed);
    free(last);
    return rc;
}

int kernel_fill(kernel *k, const causal_vv *dot_floor)
{
    return causal_cc_fill(&k->cc, dot_floor);
}

int kernel_encode(codec_buf *b, const kernel *k)
{
    causal_cc_encode(b, &k->cc);
    codec_put_uvarint(b, k->len);
    for (uint32_t i = 0; i < k->len; i++) {
        codec_put_u16(b, k->e[i].dot.node);
        codec_put_uvarint(b, k->e[i].dot.counter);
        codec_put_bytes(b, k->e[i].p, k->e[i].n);
    }
    return b->err;
}

int kernel_decode(codec_rd *r, kernel *k, kernel_check check)
{
    kernel tmp;
    kernel_init(&tmp);
    uint64_t n;
    int rc = causal_cc_decode(r, &tmp.cc);
    if (rc) goto fail;
    rc = CRDT_EBADENC;
    /* an entry is at least u16 node + 1-byte counter + 1-byte length */
    if (codec_get_count(r, &n, 4, CRDT_MAX_ENTRIES)) goto fail;
    if (n) {
        tmp.e = malloc((size_t)n * sizeof(*tmp.e));
        if (!tmp.e) {
            rc = CRDT_ENOMEM;
            goto fail;
        }
        tmp.cap = (uint32_t)n;
    }
    for (uint64_t i = 0; i < n; i++) {
        causal_dot d;
        const uint8_t *p;
        size_t len;
        codec_get_u16(r, &d.node);
        codec_get_uvarint(r, &d.counter);
        if (codec_get_bytes(r, &p, &len, KERNEL_MAX_PAYLOAD)) goto fail;
        if (d.node == 0 || d.counter == 0) goto fail;
        if (i > 0 && causal_dot_cmp(tmp.e[i - 1].dot, d) >= 0) goto fail;
        if (!causal_cc_contains(&tmp.cc, d)) goto fail;
        if (check && check(p, len)) goto fail;
        if (entry_dup(&tmp.e[i], d, p, len)) {
            rc = CRDT_ENOMEM;
            goto fail;
        }
        tmp.len++;
    }
    kernel_free(k);
    *k = tmp;
    return 0;
fail:
    kernel_free(&tmp);
    return rc;
}
