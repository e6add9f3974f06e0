/* crdt/lwwreg.c — last-writer-wins register over a dot kernel (see crdt.h).
 *
 * Concurrent writes stay as entries until a later write observes them; the read picks the
 * greatest (hlc, node, counter). Keeping the losers is what lets a row DELETE remove exactly the
 * writes it saw, and lets merges count conflicts. */
#include "crdt/crdt.h"

#include <stdlib.h>

int lwwreg_assign(kernel *k, const crdt_value *v, causal_hlc ts, causal_dot dot, kernel *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    codec_buf b;
    codec_buf_init(&b);
    codec_put_u64(&b, ts);
    int rc = crdt_value_encode(&b, v);
    if (!rc) rc = kernel_apply(k, kernel_all, NULL, dot, b.data, b.len, delta);
    codec_buf_free(&b);
    return rc;
}

static causal_hlc entry_ts(const kernel_entry *e)
{
    causal_hlc ts = 0;
    for (int i = 0; i < 8; i++) ts = ts << 8 | e->p[i];
    return ts;
}

int lwwreg_read(const kernel *k, crdt_value *out, causal_hlc *ts)
{
    const kernel_entry *best = NULL;
    causal_hlc best_ts = 0;
    for (uint32_t i = 0; i < k->len; i++) {
        causal_hlc t = entry_ts(&k->e[i]);
        /* entries are sorted by dot, so ">= " on (ts, node) prefers the higher counter */
        if (!best || causal_lww_cmp(t, k->e[i].dot.node, best_ts, best->dot.node) >= 0) {
            best = &k->e[i];
            best_ts = t;
        }
    }
    crdt_value_free(out);
    if (ts) *ts = best_ts;
    if (!best) return 1;
    codec_rd r;
    codec_rd_init(&r, best->p + 8, best->n - 8);
    return crdt_value_decode(&r, out);
}

int lwwreg_check(const uint8_t *p, size_t n)
{
    codec_rd r;
    uint64_t ts;
    crdt_value v;
    crdt_value_init(&v);
    codec_rd_init(&r, p, n);
    codec_get_u64(&r, &ts);
    int rc = crdt_value_decode(&r, &v);
    crdt_value_free(&v);
    if (rc == CRDT_ENOMEM) return rc;
    return rc || codec_rd_left(&r) ? CRDT_EBADENC : 0;
}
