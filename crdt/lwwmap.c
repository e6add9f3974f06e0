/* crdt/lwwmap.c — LWW-Map over one dot kernel (see crdt.h).
 *
 * Each entry is one write to one key: (key, hlc, live, json). A put or a remove observes and
 * replaces every entry of its key, so a key normally holds one entry; concurrent writes leave
 * several, and the read picks the greatest (hlc, node, counter). A remove is a timestamped
 * tombstone entry, so an older concurrent put cannot resurrect the key.
 *
 * GC caveat: dropping a key's tombstones is safe only when no write concurrent with them can
 * still arrive, i.e. the floor must be causally stable in the strong sense (every replica has
 * applied every operation it covers *and* every operation not yet delivered here is causally
 * after them). See row.h. */
#include "crdt/crdt.h"

#include <stdlib.h>
#include <string.h>

typedef struct item {
    const kernel_entry *e;
    crdt_bytes key;
    causal_hlc ts;
    bool live;
    crdt_bytes json;
} item;

/* Entries are validated when decoded or written, so parsing cannot fail here. */
static item parse(const kernel_entry *e)
{
    item it;
    codec_rd r;
    uint8_t live;
    codec_rd_init(&r, e->p, e->n);
    it.e = e;
    codec_get_bytes(&r, &it.key.p, &it.key.n, CRDT_MAX_VALUE);
    codec_get_u64(&r, &it.ts);
    codec_get_u8(&r, &live);
    it.live = live;
    it.json.n = codec_rd_left(&r);
    codec_get_raw(&r, &it.json.p, it.json.n);
    return it;
}

static int keycmp(crdt_bytes a, crdt_bytes b)
{
    /* jsonb's order: shorter keys first, then bytewise */
    if (a.n != b.n) return a.n < b.n ? -1 : 1;
    return a.n ? memcmp(a.p, b.p, a.n) : 0;
}

/* key ascending, then the winning write first */
static int itemcmp(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = keycmp(a->key, b->key);
    if (c) return c;
    c = causal_lww_cmp(a->ts, a->e->dot.node, b->ts, b->e->dot.node);
    if (c) return -c;
    return -causal_dot_cmp(a->e->dot, b->e->dot);
}

static int sorted_items(const kernel *k, item **out)
{
    *out = NULL;
    if (!k->len) return 0;
    item *it = malloc((size_t)k->len * sizeof(*it));
    if (!it) return CRDT_ENOMEM;
    for (uint32_t i = 0; i < k->len; i++) it[i] = parse(&k->e[i]);
    if (k->len > 1) qsort(it, k->len, sizeof(*it), itemcmp);
    *out = it;
    return 0;
}

static bool same_key(const kernel_entry *e, const void *ctx)
{
    const crdt_bytes *key = ctx;
    item it = parse(e);
    return keycmp(it.key, *key) == 0;
}

static crdt_bytes map_key(const kernel_entry *e)
{
    return parse(e).key;
}

/* Appends one entry's payload (the layout in crdt.h). */
static void put_payload(codec_buf *b, const void *key, size_t klen, const void *json, size_t jlen,
                        bool live, causal_hlc ts)
{
    codec_put_bytes(b, key, klen);
    codec_put_u64(b, ts);
    codec_put_u8(b, live);
    codec_put_raw(b, json, jlen);
}

static int map_write(kernel *k, const void *key, size_t klen, const void *json, size_t jlen,
                 bool live, causal_hlc ts, causal_dot dot, kernel *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    if (klen > CRDT_MAX_VALUE || jlen > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    codec_buf b;
    codec_buf_init(&b);
    put_payload(&b, key, klen, json, jlen, live, ts);
    int rc = b.err;
    crdt_bytes kb = {key, klen};
    if (!rc) rc = kernel_apply(k, same_key, &kb, dot, b.data, b.len, delta);
    codec_buf_free(&b);
    return rc;
}

int lwwmap_put(kernel *k, const void *key, size_t klen, const void *json, size_t jlen,
               causal_hlc ts, causal_dot dot, kernel *delta)
{
    return map_write(k, key, klen, json, jlen, true, ts, dot, delta);
}

int lwwmap_remove(kernel *k, const void *key, size_t klen, causal_hlc ts, causal_dot dot,
                  kernel *delta)
{
    return map_write(k, key, klen, NULL, 0, false, ts, dot, delta);
}

int lwwmap_put_many(kernel *k, const void *const *keys, const size_t *klens,
                    const void *const *jsons, const size_t *jlens, size_t count, causal_hlc ts,
                    causal_dot first, kernel *delta)
{
    return lwwmap_write_many(k, keys, klens, jsons, jlens, NULL, count, ts, first, delta);
}

int lwwmap_write_many(kernel *k, const void *const *keys, const size_t *klens,
                      const void *const *jsons, const size_t *jlens, const uint8_t *live,
                      size_t count, causal_hlc ts, causal_dot first, kernel *delta)
{
    int rc = kernel_check_many(first, count);
    if (rc || !count) return rc;
    for (size_t i = 0; i < count; i++)
        if (klens[i] > CRDT_MAX_VALUE || jlens[i] > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    /* every payload in one buffer; the pointers are taken once it has stopped growing */
    codec_buf b;
    size_t *end = malloc(count * sizeof(*end)), *ns = malloc(count * sizeof(*ns));
    const void **ps = malloc(count * sizeof(*ps));
    codec_buf_init(&b);
    if (!end || !ns || !ps) {
        rc = CRDT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        bool on = !live || live[i];
        put_payload(&b, keys[i], klens[i], on ? jsons[i] : NULL, on ? jlens[i] : 0, on, ts);
        end[i] = b.len;
    }
    if ((rc = b.err)) goto out;
    for (size_t i = 0; i < count; i++) {
        size_t start = i ? end[i - 1] : 0;
        ps[i] = b.data + start;
        ns[i] = end[i] - start;
    }
    rc = kernel_apply_many(k, map_key, keys, klens, ps, ns, count, first, delta);
out:
    codec_buf_free(&b);
    free(ps);
    free(ns);
    free(end);
    return rc;
}

int lwwmap_items(const kernel *k, crdt_bytes **out, size_t *n)
{
    item *it;
    *out = NULL;
    *n = 0;
    int rc = sorted_items(k, &it);
    if (rc || !it) return rc;
    crdt_bytes *pairs = malloc((size_t)k->len * 2 * sizeof(*pairs));
    if (!pairs) {
        free(it);
        return CRDT_ENOMEM;
    }
    size_t np = 0;
    for (uint32_t i = 0; i < k->len; i++) {
        if (i > 0 && keycmp(it[i].key, it[i - 1].key) == 0) continue; /* not the winner */
        if (!it[i].live) continue;
        pairs[2 * np] = it[i].key;
        pairs[2 * np + 1] = it[i].json;
        np++;
    }
    free(it);
    if (!np) {
        free(pairs);
        pairs = NULL;
    }
    *out = pairs;
    *n = np;
    return 0;
}

uint64_t lwwmap_conflicts(const kernel *k)
{
    item *it;
    uint64_t conflicts = 0;
    if (sorted_items(k, &it) || !it) return 0;
    for (uint32_t i = 0; i < k->len;) {
        uint32_t j = i;
        bool fresh = false;
        for (; j < k->len && keycmp(it[j].key, it[i].key) == 0; j++) fresh |= it[j].e->onesided;
        if (j - i > 1 && fresh) conflicts++;
        i = j;
    }
    free(it);
    return conflicts;
}

typedef struct dotset {
    causal_dot *d;
    size_t n;
} dotset;

static int dotcmp(const void *a, const void *b)
{
    return causal_dot_cmp(*(const causal_dot *)a, *(const causal_dot *)b);
}

static bool in_dotset(const kernel_entry *e, const void *ctx)
{
    const dotset *s = ctx;
    return s->n && bsearch(&e->dot, s->d, s->n, sizeof(*s->d), dotcmp) != NULL;
}

int lwwmap_gc(kernel *k, const causal_vv *dot_floor)
{
    item *it = NULL;
    dotset drop = {NULL, 0};
    int rc = kernel_fill(k, dot_floor);
    if (rc) return rc;
    if ((rc = sorted_items(k, &it)) || !it) return rc;
    drop.d = malloc((size_t)k->len * sizeof(*drop.d));
    if (!drop.d) {
        rc = CRDT_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < k->len;) {
        uint32_t j = i;
        bool removable = true;
        for (; j < k->len && keycmp(it[j].key, it[i].key) == 0; j++)
            removable &= !it[j].live && causal_vv_covers(dot_floor, it[j].e->dot);
        for (uint32_t m = i; removable && m < j; m++) drop.d[drop.n++] = it[m].e->dot;
        i = j;
    }
    if (drop.n) {
        if (drop.n > 1) qsort(drop.d, drop.n, sizeof(*drop.d), dotcmp);
        causal_dot none = {0, 0};
        rc = kernel_apply(k, in_dotset, &drop, none, NULL, 0, NULL);
    }
out:
    free(drop.d);
    free(it);
    return rc;
}

int lwwmap_check(const uint8_t *p, size_t n)
{
    codec_rd r;
    const uint8_t *key;
    size_t klen;
    uint64_t ts;
    uint8_t live;
    codec_rd_init(&r, p, n);
    codec_get_bytes(&r, &key, &klen, CRDT_MAX_VALUE);
    codec_get_u64(&r, &ts);
    if (codec_get_u8(&r, &live) || live > 1) return CRDT_EBADENC;
    size_t rest = codec_rd_left(&r);
    if (live ? rest > CRDT_MAX_VALUE : rest != 0) return CRDT_EBADENC;
    return 0;
}
