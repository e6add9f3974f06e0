/*
 * replication/replbuf.c — the causal buffer (see replbuf.h).
 *
 *   replbuf_init, replbuf_free, replbuf_entry_free
 *   replbuf_add, replbuf_prune, replbuf_next_ready, replbuf_take
 */
#include "replication/replbuf.h"

#include <stdlib.h>
#include <string.h>

void replbuf_init(replbuf *b, size_t max_entries, size_t max_bytes)
{
    memset(b, 0, sizeof *b);
    b->max_entries = max_entries;
    b->max_bytes = max_bytes;
}

void replbuf_entry_free(replbuf_entry *e)
{
    causal_vv_free(&e->deps);
    free(e->bytes);
    e->bytes = NULL;
    e->len = 0;
}

void replbuf_free(replbuf *b)
{
    for (size_t i = 0; i < b->n; i++) replbuf_entry_free(&b->v[i]);
    free(b->v);
    b->v = NULL;
    b->n = b->cap = b->bytes = 0;
}

int replbuf_add(replbuf *b, uint16_t origin, uint64_t seq, causal_hlc hlc, bool has_catalog,
                const causal_vv *deps, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].origin == origin && b->v[i].seq == seq) return 1;
    if (b->n >= b->max_entries || len > b->max_bytes || b->bytes > b->max_bytes - len) {
        b->refused++;
        return REPLBUF_EFULL;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        replbuf_entry *v = realloc(b->v, cap * sizeof *v);
        if (!v) return REPLBUF_ENOMEM;
        b->v = v;
        b->cap = cap;
    }
    replbuf_entry e = {.origin = origin, .seq = seq, .hlc = hlc, .has_catalog = has_catalog,
                       .len = len};
    causal_vv_init(&e.deps);
    e.bytes = malloc(len ? len : 1);
    if (!e.bytes || causal_vv_copy(&e.deps, deps) < 0) {
        replbuf_entry_free(&e);
        return REPLBUF_ENOMEM;
    }
    memcpy(e.bytes, bytes, len);
    b->v[b->n++] = e;
    b->bytes += len;
    return 0;
}

void replbuf_take(replbuf *b, size_t i, replbuf_entry *out)
{
    *out = b->v[i];
    b->bytes -= out->len;
    b->v[i] = b->v[--b->n];
}

void replbuf_prune(replbuf *b, const causal_vv *applied)
{
    for (size_t i = 0; i < b->n;) {
        if (b->v[i].seq <= causal_vv_get(applied, b->v[i].origin)) {
            replbuf_entry e;
            replbuf_take(b, i, &e);
            replbuf_entry_free(&e);
        } else {
            i++;
        }
    }
}

static bool ready(const replbuf_entry *e, const causal_vv *applied)
{
    if (e->seq != causal_vv_get(applied, e->origin) + 1) return false;
    for (uint32_t k = 0; k < e->deps.len; k++) {
        const causal_vv_entry *d = &e->deps.v[k];
        if (d->node != e->origin && causal_vv_get(applied, d->node) < d->counter) return false;
    }
    return true;
}

long replbuf_next_ready(const replbuf *b, const causal_vv *applied)
{
    for (size_t i = 0; i < b->n; i++)
        if (ready(&b->v[i], applied)) return (long)i;
    return -1;
}
