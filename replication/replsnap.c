/*
 * replication/replsnap.c — state-transfer and anti-entropy message codec, digest tree
 * (format in replsnap.h).
 *
 * Entry points: replsnap_msg_init/free, replsnap_decode, replsnap_chunk_begin,
 * replsnap_rows_begin, replsnap_put_item, replsnap_item_size, replsnap_finish,
 * replsnap_digest_req_encode, replsnap_digest_encode, replsnap_bucket_of, replsnap_leaf_add,
 * replsnap_tree_build, replsnap_choose_sender.
 */
#include "replication/replsnap.h"

#include <stdlib.h>
#include <string.h>

void replsnap_msg_init(replsnap_msg *m)
{
    memset(m, 0, sizeof *m);
    causal_vv_init(&m->vv);
    causal_vv_init(&m->sender_vv);
}

void replsnap_msg_free(replsnap_msg *m)
{
    causal_vv_free(&m->vv);
    causal_vv_free(&m->sender_vv);
    free(m->items);
    free(m->buckets);
    free(m->leaves);
    replsnap_msg_init(m);
}

static int get_items(codec_rd *r, replsnap_msg *m)
{
    uint32_t n;
    int rc = codec_get_u32(r, &n);
    if (rc < 0) return rc;
    if (n > REPLSNAP_MAX_ITEMS) return CRDT_ELIMIT;
    /* an item is at least 3 bytes (kind, klen >= 1 with 1 key byte... ) */
    if ((uint64_t)n * 3 > codec_rd_left(r)) return CRDT_EBADENC;
    if (n == 0) return 0;
    m->items = calloc(n, sizeof *m->items);
    if (!m->items) return CRDT_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        storage_item *it = &m->items[i];
        uint8_t kind;
        if ((rc = codec_get_u8(r, &kind)) < 0) return rc;
        if (kind != STORAGE_ITEM_CATALOG && kind != STORAGE_ITEM_ROW) return CRDT_EBADENC;
        it->kind = kind;
        if ((rc = codec_get_bytes(r, &it->key, &it->klen, REPLSNAP_MAX_KEY)) < 0) return rc;
        if (it->klen == 0) return CRDT_EBADENC;
        if ((rc = codec_get_bytes(r, &it->val, &it->vlen, codec_rd_left(r))) < 0) return rc;
        m->nitems++;
    }
    return 0;
}

int replsnap_decode(const uint8_t *body, size_t len, replsnap_msg *m)
{
    replsnap_msg_init(m);
    codec_rd r;
    codec_rd_init(&r, body, len);
    uint8_t ver, type;
    int rc = codec_get_u8(&r, &ver);
    if (rc == 0) rc = codec_get_u8(&r, &type);
    if (rc < 0) return rc;
    if (ver != REPLSNAP_VERSION) return CRDT_EBADENC;
    m->type = type;
    switch (type) {
    case REPLSNAP_CHUNK: {
        uint8_t flags;
        if ((rc = codec_get_u64(&r, &m->session)) < 0) return rc;
        if ((rc = codec_get_u32(&r, &m->index)) < 0) return rc;
        if ((rc = codec_get_u8(&r, &flags)) < 0) return rc;
        if (flags & ~1u) return CRDT_EBADENC;
        m->last = flags & 1u;
        if ((rc = causal_vv_decode(&r, &m->vv)) < 0) return rc;
        if ((rc = get_items(&r, m)) < 0) return rc;
        break;
    }
    case REPLSNAP_DIGEST_REQ:
        if ((rc = causal_vv_decode(&r, &m->vv)) < 0) return rc;
        break;
    case REPLSNAP_DIGEST: {
        uint16_t nb;
        if ((rc = causal_vv_decode(&r, &m->vv)) < 0) return rc;
        if ((rc = codec_get_u16(&r, &nb)) < 0) return rc;
        if (nb != REPLSNAP_BUCKETS) return CRDT_EBADENC;
        if (codec_rd_left(&r) < (size_t)nb * 20) return CRDT_EBADENC;
        m->leaves = calloc(nb, sizeof *m->leaves);
        if (!m->leaves) return CRDT_ENOMEM;
        for (uint32_t i = 0; i < nb; i++) {
            if ((rc = codec_get_u32(&r, &m->leaves[i].count)) < 0) return rc;
            if ((rc = codec_get_u64(&r, &m->leaves[i].h1)) < 0) return rc;
            if ((rc = codec_get_u64(&r, &m->leaves[i].h2)) < 0) return rc;
        }
        break;
    }
    case REPLSNAP_ROWS: {
        uint64_t nb;
        if ((rc = causal_vv_decode(&r, &m->vv)) < 0) return rc;
        if ((rc = causal_vv_decode(&r, &m->sender_vv)) < 0) return rc;
        if ((rc = codec_get_count(&r, &nb, 2, REPLSNAP_BUCKETS)) < 0) return rc;
        if (nb == 0) return CRDT_EBADENC;
        m->buckets = malloc((size_t)nb * sizeof *m->buckets);
        if (!m->buckets) return CRDT_ENOMEM;
        for (uint64_t i = 0; i < nb; i++) {
            uint16_t b;
            if ((rc = codec_get_u16(&r, &b)) < 0) return rc;
            if (b >= REPLSNAP_BUCKETS || (i > 0 && b <= m->buckets[i - 1])) return CRDT_EBADENC;
            m->buckets[i] = b;
            m->nbuckets++;
        }
        if ((rc = get_items(&r, m)) < 0) return rc;
        break;
    }
    default:
        return CRDT_EBADENC;
    }
    if (codec_rd_left(&r) != 0) return CRDT_EBADENC;
    return 0;
}

static int head(codec_buf *b, uint8_t type)
{
    codec_put_u8(b, REPLSNAP_VERSION);
    return codec_put_u8(b, type);
}

int replsnap_chunk_begin(codec_buf *b, uint64_t session, uint32_t index, bool last,
                         const causal_vv *vv, size_t *count_at)
{
    head(b, REPLSNAP_CHUNK);
    codec_put_u64(b, session);
    codec_put_u32(b, index);
    codec_put_u8(b, last ? 1 : 0);
    causal_vv_encode(b, vv);
    *count_at = b->len;
    codec_put_u32(b, 0);
    return b->err;
}

int replsnap_rows_begin(codec_buf *b, const causal_vv *floor, const causal_vv *sender_vv,
                        const uint16_t *buckets, size_t nbuckets, size_t *count_at)
{
    if (nbuckets == 0 || nbuckets > REPLSNAP_BUCKETS) return CRDT_EINVAL;
    head(b, REPLSNAP_ROWS);
    causal_vv_encode(b, floor);
    causal_vv_encode(b, sender_vv);
    codec_put_uvarint(b, nbuckets);
    for (size_t i = 0; i < nbuckets; i++) codec_put_u16(b, buckets[i]);
    *count_at = b->len;
    codec_put_u32(b, 0);
    return b->err;
}

static size_t uvarint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t replsnap_item_size(const storage_item *it)
{
    return 1 + uvarint_size(it->klen) + it->klen + uvarint_size(it->vlen) + it->vlen;
}

int replsnap_put_item(codec_buf *b, const storage_item *it)
{
    if (it->klen == 0 || it->klen > REPLSNAP_MAX_KEY ||
        (it->kind != STORAGE_ITEM_CATALOG && it->kind != STORAGE_ITEM_ROW))
        return CRDT_EINVAL;
    codec_put_u8(b, it->kind);
    codec_put_bytes(b, it->key, it->klen);
    return codec_put_bytes(b, it->val, it->vlen);
}

int replsnap_finish(codec_buf *b, size_t count_at, size_t nitems)
{
    if (b->err) return b->err;
    if (count_at + 4 > b->len || nitems > REPLSNAP_MAX_ITEMS) return CRDT_EINVAL;
    uint8_t *p = b->data + count_at;
    p[0] = (uint8_t)(nitems >> 24);
    p[1] = (uint8_t)(nitems >> 16);
    p[2] = (uint8_t)(nitems >> 8);
    p[3] = (uint8_t)nitems;
    return 0;
}

int replsnap_digest_req_encode(codec_buf *b, const causal_vv *stable)
{
    head(b, REPLSNAP_DIGEST_REQ);
    causal_vv_encode(b, stable);
    return b->err;
}

int replsnap_digest_encode(codec_buf *b, const causal_vv *floor, const replsnap_leaf *leaves)
{
    head(b, REPLSNAP_DIGEST);
    causal_vv_encode(b, floor);
    codec_put_u16(b, REPLSNAP_BUCKETS);
    for (uint32_t i = 0; i < REPLSNAP_BUCKETS; i++) {
        codec_put_u32(b, leaves[i].count);
        codec_put_u64(b, leaves[i].h1);
        codec_put_u64(b, leaves[i].h2);
    }
    return b->err;
}

/* ---------------------------------------------------------------- digest tree */

/* FNV-1a over the bytes, then the splitmix64 finaliser so every output bit depends on every
 * input bit (a sum of weak hashes would let two differences cancel too easily). */
static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t hash_item(uint64_t seed, const storage_item *it, const uint8_t *val, size_t vlen,
                          bool with_val)
{
    uint8_t hdr[9] = {it->kind};
    uint64_t kl = it->klen;
    for (int i = 0; i < 8; i++) hdr[1 + i] = (uint8_t)(kl >> (56 - 8 * i));
    uint64_t h = hash_bytes(seed, hdr, sizeof hdr);
    h = hash_bytes(h, it->key, it->klen);
    if (with_val) h = hash_bytes(h, val, vlen);
    return mix(h);
}

uint32_t replsnap_bucket_of(const storage_item *it)
{
    return (uint32_t)(hash_item(0xcbf29ce484222325ull, it, NULL, 0, false) % REPLSNAP_BUCKETS);
}

void replsnap_leaf_add(replsnap_leaf *leaves, const storage_item *it, const uint8_t *canon,
                       size_t canonlen)
{
    const uint8_t *v = canon ? canon : it->val;
    size_t vlen = canon ? canonlen : it->vlen;
    replsnap_leaf *l = &leaves[replsnap_bucket_of(it)];
    l->count++;
    l->h1 += hash_item(0x84222325cbf29ce4ull, it, v, vlen, true);
    l->h2 += hash_item(0x9e3779b97f4a7c15ull, it, v, vlen, true);
}

int replsnap_tree_build(storage *st, const causal_vv *floor, replsnap_leaf *leaves)
{
    memset(leaves, 0, REPLSNAP_BUCKETS * sizeof *leaves);
    storage_export *x;
    int rc = storage_export_new(st, &x);
    if (rc < 0) return rc;
    storage_item it;
    while ((rc = storage_export_next(x, &it)) == 1) {
        uint8_t *canon = NULL;
        size_t clen = 0;
        if ((rc = storage_canonical(st, floor, &it, &canon, &clen)) < 0) break;
        replsnap_leaf_add(leaves, &it, canon, clen);
        free(canon);
    }
    storage_export_del(x);
    return rc < 0 ? rc : 0;
}

int replsnap_choose_sender(const replsnap_sender *cur, const replsnap_sender *cand)
{
    if (!cur->up) return REPLSNAP_SWITCH_GONE;
    if (cur->idle_ms > REPLSNAP_STALL_MS + 4 * (cur->rtt_us / 1000)) return REPLSNAP_SWITCH_STALLED;
    if (cand->up && cand->rtt_us > 0 && cur->rtt_us > 0 && cand->rtt_us * 2 < cur->rtt_us)
        return REPLSNAP_SWITCH_NEARER;
    return REPLSNAP_KEEP;
}
