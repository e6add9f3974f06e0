/* storage/logentry.c — see logentry.h for the byte layout. */
#include "storage/logentry.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void logentry_init(logentry *e)
{
    memset(e, 0, sizeof(*e));
    causal_vv_init(&e->deps);
}

void logentry_free(logentry *e)
{
    causal_vv_free(&e->deps);
    free(e->deltas);
    free(e->catalog);
    logentry_init(e);
}

static size_t uvarint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t logentry_delta_size(const logentry_delta *d)
{
    return 4 + uvarint_len(d->pklen) + d->pklen + uvarint_len(d->dlen) + d->dlen;
}

int logentry_encode(codec_buf *b, const logentry *e)
{
    if (e->origin == 0 || e->seq == 0) return CRDT_EINVAL;
    bool parts = e->nparts > 1;
    if (parts && (e->part >= e->nparts || e->nparts > LOGENTRY_MAX_PARTS || e->seq <= e->part))
        return CRDT_EINVAL;
    if (e->ndeltas > LOGENTRY_MAX_ITEMS || e->ncatalog > LOGENTRY_MAX_ITEMS) return CRDT_ELIMIT;
    codec_put_u8(b, parts ? LOGENTRY_VERSION_PARTS : LOGENTRY_VERSION);
    codec_put_u16(b, e->origin);
    codec_put_u64(b, e->seq);
    codec_put_u64(b, e->hlc);
    if (parts) {
        codec_put_uvarint(b, e->part);
        codec_put_uvarint(b, e->nparts);
    }
    int rc = causal_vv_encode(b, &e->deps);
    if (rc < 0) return rc;
    codec_put_uvarint(b, e->ndeltas);
    for (size_t i = 0; i < e->ndeltas; i++) {
        const logentry_delta *d = &e->deltas[i];
        if (d->pklen > LOGENTRY_MAX_BYTES || d->dlen > LOGENTRY_MAX_BYTES) return CRDT_ELIMIT;
        codec_put_u32(b, d->table_id);
        codec_put_bytes(b, d->pk, d->pklen);
        codec_put_bytes(b, d->delta, d->dlen);
    }
    codec_put_uvarint(b, e->ncatalog);
    for (size_t i = 0; i < e->ncatalog; i++) {
        const logentry_catalog *c = &e->catalog[i];
        if (c->op != LOGENTRY_CATALOG_PUT && c->op != LOGENTRY_CATALOG_DELETE &&
            c->op != LOGENTRY_NOTIFY)
            return CRDT_EINVAL;
        if (c->op == LOGENTRY_NOTIFY &&
            (c->klen == 0 || c->klen > LOGENTRY_NOTIFY_CHANNEL_MAX || c->vlen > LOGENTRY_NOTIFY_PAYLOAD_MAX))
            return CRDT_EINVAL;
        if (c->klen > LOGENTRY_MAX_BYTES || c->vlen > LOGENTRY_MAX_BYTES) return CRDT_ELIMIT;
        codec_put_u8(b, c->op);
        codec_put_bytes(b, c->key, c->klen);
        codec_put_bytes(b, c->value, c->op != LOGENTRY_CATALOG_DELETE ? c->vlen : 0);
    }
    return b->err;
}

int logentry_peek(const uint8_t *p, size_t len, uint16_t *origin, uint64_t *seq, causal_hlc *hlc)
{
    codec_rd r;
    uint8_t version;
    codec_rd_init(&r, p, len);
    codec_get_u8(&r, &version);
    codec_get_u16(&r, origin);
    codec_get_u64(&r, seq);
    codec_get_u64(&r, hlc);
    if (r.err || (version != LOGENTRY_VERSION && version != LOGENTRY_VERSION_PARTS) ||
        *origin == 0 || *seq == 0)
        return CRDT_EBADENC;
    return 0;
}

int logentry_decode(const uint8_t *p, size_t len, logentry *e)
{
    logentry_init(e);
    int rc = logentry_peek(p, len, &e->origin, &e->seq, &e->hlc);
    if (rc < 0) return rc;
    codec_rd r;
    codec_rd_init(&r, p + LOGENTRY_HEADER_BYTES, len - LOGENTRY_HEADER_BYTES);
    e->nparts = 1;
    if (p[0] == LOGENTRY_VERSION_PARTS) {
        uint64_t part, nparts;
        codec_get_uvarint(&r, &part);
        codec_get_uvarint(&r, &nparts);
        if (r.err || nparts < 2 || nparts > LOGENTRY_MAX_PARTS || part >= nparts ||
            e->seq <= part) {
            rc = CRDT_EBADENC;
            goto err;
        }
        e->part = (uint32_t)part;
        e->nparts = (uint32_t)nparts;
    }
    rc = causal_vv_decode(&r, &e->deps);
    if (rc < 0) goto err;

    uint64_t n;
    /* smallest delta: table id (4) + two empty byte strings (1 + 1) */
    rc = codec_get_count(&r, &n, 6, LOGENTRY_MAX_ITEMS);
    if (rc < 0) goto err;
    if (n) {
        e->deltas = calloc(n, sizeof(*e->deltas));
        if (!e->deltas) {
            rc = CRDT_ENOMEM;
            goto err;
        }
    }
    e->ndeltas = n;
    for (size_t i = 0; i < n; i++) {
        logentry_delta *d = &e->deltas[i];
        codec_get_u32(&r, &d->table_id);
        codec_get_bytes(&r, &d->pk, &d->pklen, LOGENTRY_MAX_BYTES);
        codec_get_bytes(&r, &d->delta, &d->dlen, LOGENTRY_MAX_BYTES);
    }
    if (r.err) {
        rc = r.err;
        goto err;
    }

    rc = codec_get_count(&r, &n, 3, LOGENTRY_MAX_ITEMS);
    if (rc < 0) goto err;
    if (n) {
        e->catalog = calloc(n, sizeof(*e->catalog));
        if (!e->catalog) {
            rc = CRDT_ENOMEM;
            goto err;
        }
    }
    e->ncatalog = n;
    for (size_t i = 0; i < n; i++) {
        logentry_catalog *c = &e->catalog[i];
        codec_get_u8(&r, &c->op);
        codec_get_bytes(&r, &c->key, &c->klen, LOGENTRY_MAX_BYTES);
        codec_get_bytes(&r, &c->value, &c->vlen, LOGENTRY_MAX_BYTES);
        if (r.err) break;
        if (c->op != LOGENTRY_CATALOG_PUT && c->op != LOGENTRY_CATALOG_DELETE &&
            c->op != LOGENTRY_NOTIFY) {
            rc = CRDT_EBADENC;
            goto err;
        }
        if (c->op == LOGENTRY_NOTIFY && (c->klen == 0 || c->klen > LOGENTRY_NOTIFY_CHANNEL_MAX ||
                                         c->vlen > LOGENTRY_NOTIFY_PAYLOAD_MAX)) {
            rc = CRDT_EBADENC;
            goto err;
        }
        if (c->op == LOGENTRY_CATALOG_DELETE && c->vlen != 0) {
            rc = CRDT_EBADENC; /* one encoding per entry */
            goto err;
        }
    }
    if (r.err) {
        rc = r.err;
        goto err;
    }
    if (codec_rd_left(&r) != 0) {
        rc = CRDT_EBADENC;
        goto err;
    }
    return 0;

err:
    logentry_free(e);
    return rc;
}
