/*
 * replication/replbatch.c — batch codec (format in replbatch.h).
 *
 *   replbatch_writer_init/free/add/size/finish   building a batch
 *   replbatch_decode, replbatch_free              parsing one (bounded, all-or-nothing)
 */
#include "replication/replbatch.h"

#include <stdlib.h>
#include <string.h>

#include "storage/logentry.h"

void replbatch_writer_init(replbatch_writer *w, uint16_t sender)
{
    w->sender = sender;
    w->n = 0;
    codec_buf_init(&w->body);
}

void replbatch_writer_free(replbatch_writer *w)
{
    codec_buf_free(&w->body);
    w->n = 0;
}

int replbatch_writer_add(replbatch_writer *w, const uint8_t *entry, size_t len)
{
    if (w->n >= REPLBATCH_MAX_ENTRIES || len > REPLBATCH_MAX_ENTRY) return CRDT_ELIMIT;
    int rc = codec_put_bytes(&w->body, entry, len);
    if (rc < 0) return rc;
    w->n++;
    return 0;
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

size_t replbatch_writer_size(const replbatch_writer *w)
{
    return REPLBATCH_HEADER_BYTES + uvarint_size(w->n) + w->body.len;
}

int replbatch_writer_finish(replbatch_writer *w, uint8_t **out, size_t *outlen)
{
    codec_buf b;
    codec_buf_init(&b);
    codec_put_u8(&b, REPLBATCH_VERSION);
    codec_put_u16(&b, w->sender);
    codec_put_uvarint(&b, w->n);
    codec_put_raw(&b, w->body.data, w->body.len);
    if (b.err) {
        int rc = b.err;
        codec_buf_free(&b);
        return rc;
    }
    *out = codec_buf_take(&b, outlen);
    codec_buf_free(&b);
    codec_buf_reset(&w->body);
    w->n = 0;
    return 0;
}

void replbatch_free(replbatch *b)
{
    for (size_t i = 0; i < b->n; i++) causal_vv_free(&b->items[i].deps);
    free(b->items);
    b->items = NULL;
    b->n = 0;
}

int replbatch_decode(const uint8_t *p, size_t len, replbatch *b)
{
    memset(b, 0, sizeof *b);
    codec_rd r;
    codec_rd_init(&r, p, len);
    uint8_t version = 0;
    uint16_t sender = 0;
    uint64_t n = 0;
    codec_get_u8(&r, &version);
    codec_get_u16(&r, &sender);
    if (r.err || version != REPLBATCH_VERSION || sender == 0) return CRDT_EBADENC;
    /* each entry: at least a 1-byte length and a full logentry header */
    int rc = codec_get_count(&r, &n, 1 + LOGENTRY_HEADER_BYTES, REPLBATCH_MAX_ENTRIES);
    if (rc < 0) return rc;
    b->sender = sender;
    if (n == 0) return codec_rd_left(&r) ? CRDT_EBADENC : 0;
    b->items = calloc((size_t)n, sizeof *b->items);
    if (!b->items) return CRDT_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        replbatch_item *it = &b->items[i];
        const uint8_t *ep;
        size_t elen;
        if (codec_get_bytes(&r, &ep, &elen, REPLBATCH_MAX_ENTRY) < 0 ||
            elen < LOGENTRY_HEADER_BYTES) {
            rc = CRDT_EBADENC;
            goto err;
        }
        logentry e;
        rc = logentry_decode(ep, elen, &e);
        if (rc < 0) goto err;
        if (e.origin == 0 || e.seq == 0) {
            logentry_free(&e);
            rc = CRDT_EBADENC;
            goto err;
        }
        it->entry = ep;
        it->len = elen;
        it->origin = e.origin;
        it->seq = e.seq;
        it->hlc = e.hlc;
        it->has_catalog = false; /* notifications are not catalog changes */
        for (size_t k = 0; k < e.ncatalog && !it->has_catalog; k++)
            it->has_catalog = logentry_is_catalog(&e.catalog[k]);
        it->part = e.part;
        it->nparts = e.nparts;
        it->deps = e.deps; /* moved: the entry no longer frees it */
        causal_vv_init(&e.deps);
        logentry_free(&e);
        b->n = (size_t)i + 1;
    }
    if (codec_rd_left(&r) != 0) {
        rc = CRDT_EBADENC;
        goto err;
    }
    return 0;
err:
    replbatch_free(b);
    return rc;
}
