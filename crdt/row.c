/* crdt/row.c — the row container (see row.h).
 *
 * Index: init/free/copy, column lookup, mutators (touch, delete, per-kind column ops), merge,
 * gc, codec, describe/render, and the *_bytes entry points used by storage and replication.
 *
 * Every column mutator goes through with_column(): it finds or creates the column in the state
 * and in the delta, runs the type's mutator, and removes a column it created if the mutator
 * failed, so a refused operation leaves no trace (a stray empty column would not change the
 * encoding, but keeping states exact makes failures easy to reason about). */
#include "crdt/row.h"

#include <stdlib.h>
#include <string.h>

#include "crdt/render.h"

void crdt_row_init(crdt_row *r)
{
    kernel_init(&r->presence);
    r->cols = NULL;
    r->ncols = r->cap = 0;
}

void crdt_row_free(crdt_row *r)
{
    kernel_free(&r->presence);
    for (uint32_t i = 0; i < r->ncols; i++) crdt_obj_free(&r->cols[i].obj);
    free(r->cols);
    crdt_row_init(r);
}

int crdt_row_copy(crdt_row *dst, const crdt_row *src)
{
    if (dst == src) return 0;
    crdt_row tmp;
    crdt_row_init(&tmp);
    if (kernel_copy(&tmp.presence, &src->presence)) goto nomem;
    if (src->ncols) {
        tmp.cols = malloc((size_t)src->ncols * sizeof(*tmp.cols));
        if (!tmp.cols) goto nomem;
        tmp.cap = src->ncols;
    }
    for (uint32_t i = 0; i < src->ncols; i++) {
        tmp.cols[i].id = src->cols[i].id;
        if (crdt_obj_copy(&tmp.cols[i].obj, &src->cols[i].obj)) goto nomem;
        tmp.ncols++;
    }
    crdt_row_free(dst);
    *dst = tmp;
    return 0;
nomem:
    crdt_row_free(&tmp);
    return CRDT_ENOMEM;
}

bool crdt_row_visible(const crdt_row *r)
{
    return r->presence.len > 0;
}

static uint32_t col_search(const crdt_row *r, uint16_t col, bool *found)
{
    uint32_t lo = 0, hi = r->ncols;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->cols[mid].id < col) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < r->ncols && r->cols[lo].id == col;
    return lo;
}

const crdt_obj *crdt_row_get(const crdt_row *r, uint16_t col)
{
    bool found;
    uint32_t i = col_search(r, col, &found);
    return found ? &r->cols[i].obj : NULL;
}

/* Finds or creates column col of the given kind; *created tells which. */
static int col_get(crdt_row *r, uint16_t col, int kind, crdt_obj **out, bool *created)
{
    bool found;
    uint32_t i = col_search(r, col, &found);
    *created = false;
    if (found) {
        if (r->cols[i].obj.kind != kind) return CRDT_EINVAL;
        *out = &r->cols[i].obj;
        return 0;
    }
    if (r->ncols >= CRDT_ROW_MAX_COLUMNS) return CRDT_ELIMIT;
    if (r->ncols == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 4;
        crdt_row_col *c = realloc(r->cols, (size_t)cap * sizeof(*c));
        if (!c) return CRDT_ENOMEM;
        r->cols = c;
        r->cap = cap;
    }
    crdt_obj o;
    int rc = crdt_obj_init(&o, kind);
    if (rc) return rc;
    memmove(r->cols + i + 1, r->cols + i, (size_t)(r->ncols - i) * sizeof(*r->cols));
    r->cols[i].id = col;
    r->cols[i].obj = o;
    r->ncols++;
    *out = &r->cols[i].obj;
    *created = true;
    return 0;
}

int crdt_row_drop_column(crdt_row *r, uint16_t col)
{
    bool found;
    uint32_t i = col_search(r, col, &found);
    if (!found) return 0;
    crdt_obj_free(&r->cols[i].obj);
    memmove(r->cols + i, r->cols + i + 1, (size_t)(r->ncols - i - 1) * sizeof(*r->cols));
    r->ncols--;
    return 0;
}

typedef struct col_op {
    int (*fn)(const struct col_op *op, crdt_obj *s, crdt_obj *d);
    const void *x; /* element, value text, key */
    size_t n;
    const void *y; /* json */
    size_t yn;
    const crdt_value *v;
    int64_t amount;
    uint16_t node;
    causal_hlc ts;
    causal_dot dot; /* the op's dot; a batch's first dot */
    const void *const *xs; /* a batch: elements or keys */
    const size_t *xns;
    const void *const *ys; /* a batch: json texts */
    const size_t *yns;
    const uint8_t *live; /* a map batch: 0 = remove the key (NULL: all puts) */
    size_t count;
} col_op;

static int with_column(crdt_row *r, crdt_row *delta, uint16_t col, int kind, const col_op *op)
{
    crdt_obj *s, *d = NULL;
    bool s_new, d_new = false;
    int rc = col_get(r, col, kind, &s, &s_new);
    if (rc) return rc;
    if (delta && (rc = col_get(delta, col, kind, &d, &d_new))) goto undo;
    if (!(rc = op->fn(op, s, d))) return 0;
    if (d_new) crdt_row_drop_column(delta, col);
undo:
    if (s_new) crdt_row_drop_column(r, col);
    return rc;
}

int crdt_row_touch(crdt_row *r, causal_dot dot, crdt_row *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    return kernel_apply(&r->presence, kernel_all, NULL, dot, NULL, 0,
                        delta ? &delta->presence : NULL);
}

int crdt_row_delete(crdt_row *r, crdt_row *delta)
{
    causal_dot none = {0, 0};
    int rc = kernel_apply(&r->presence, kernel_all, NULL, none, NULL, 0,
                          delta ? &delta->presence : NULL);
    for (uint32_t i = 0; !rc && i < r->ncols; i++) {
        crdt_obj *d = NULL;
        bool created;
        if (delta && (rc = col_get(delta, r->cols[i].id, r->cols[i].obj.kind, &d, &created)))
            break;
        rc = crdt_obj_reset(&r->cols[i].obj, d);
    }
    return rc;
}

static int op_counter(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    if (s->kind == CRDT_KIND_GCOUNTER) return gcounter_inc(&s->u.g, op->node, op->amount, d ? &d->u.g : NULL);
    return pncounter_add(&s->u.pn, op->node, op->amount, d ? &d->u.pn : NULL);
}

static int op_counter_sub(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return pncounter_sub(&s->u.pn, op->node, op->amount, d ? &d->u.pn : NULL);
}

int crdt_row_counter_add(crdt_row *r, crdt_row *delta, uint16_t col, int kind, uint16_t node,
                         int64_t n)
{
    if (kind != CRDT_KIND_GCOUNTER && kind != CRDT_KIND_PNCOUNTER) return CRDT_EINVAL;
    col_op op = {.fn = op_counter, .node = node, .amount = n};
    return with_column(r, delta, col, kind, &op);
}

int crdt_row_counter_sub(crdt_row *r, crdt_row *delta, uint16_t col, uint16_t node, int64_t n)
{
    col_op op = {.fn = op_counter_sub, .node = node, .amount = n};
    return with_column(r, delta, col, CRDT_KIND_PNCOUNTER, &op);
}

static int op_lww(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return lwwreg_assign(&s->u.k, op->v, op->ts, op->dot, d ? &d->u.k : NULL);
}

int crdt_row_lww_assign(crdt_row *r, crdt_row *delta, uint16_t col, const crdt_value *v,
                        causal_hlc ts, causal_dot dot)
{
    col_op op = {.fn = op_lww, .v = v, .ts = ts, .dot = dot};
    return with_column(r, delta, col, CRDT_KIND_LWW, &op);
}

static int op_mv(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return mvreg_assign(&s->u.k, op->x, op->n, op->dot, d ? &d->u.k : NULL);
}

int crdt_row_mv_assign(crdt_row *r, crdt_row *delta, uint16_t col, const void *v, size_t n,
                       causal_dot dot)
{
    col_op op = {.fn = op_mv, .x = v, .n = n, .dot = dot};
    return with_column(r, delta, col, CRDT_KIND_MVREG, &op);
}

static int op_mv_add(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return mvreg_add(&s->u.k, op->x, op->n, op->dot, d ? &d->u.k : NULL);
}

int crdt_row_mv_add(crdt_row *r, crdt_row *delta, uint16_t col, const void *v, size_t n,
                    causal_dot dot)
{
    col_op op = {.fn = op_mv_add, .x = v, .n = n, .dot = dot};
    return with_column(r, delta, col, CRDT_KIND_MVREG, &op);
}

static int op_set_add(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    if (s->kind == CRDT_KIND_ORSET) return orset_add(&s->u.os, op->x, op->n, op->dot, d ? &d->u.os : NULL);
    return awset_add(&s->u.k, op->x, op->n, op->dot, d ? &d->u.k : NULL);
}

static int op_set_remove(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    if (s->kind == CRDT_KIND_ORSET) return orset_remove(&s->u.os, op->x, op->n, d ? &d->u.os : NULL);
    return awset_remove(&s->u.k, op->x, op->n, d ? &d->u.k : NULL);
}

static int op_set_clear(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    (void)op;
    return crdt_obj_reset(s, d);
}

static int op_set_add_many(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    if (s->kind == CRDT_KIND_ORSET)
        return orset_add_many(&s->u.os, op->xs, op->xns, op->count, op->dot, d ? &d->u.os : NULL);
    return awset_add_many(&s->u.k, op->xs, op->xns, op->count, op->dot, d ? &d->u.k : NULL);
}

static bool is_set(int kind)
{
    return kind == CRDT_KIND_ORSET || kind == CRDT_KIND_AWSET;
}

int crdt_row_set_add(crdt_row *r, crdt_row *delta, uint16_t col, int kind, const void *x,
                     size_t n, causal_dot dot)
{
    if (!is_set(kind)) return CRDT_EINVAL;
    col_op op = {.fn = op_set_add, .x = x, .n = n, .dot = dot};
    return with_column(r, delta, col, kind, &op);
}

int crdt_row_set_add_many(crdt_row *r, crdt_row *delta, uint16_t col, int kind,
                          const void *const *xs, const size_t *ns, size_t count,
                          causal_dot first)
{
    if (!is_set(kind)) return CRDT_EINVAL;
    if (!count) return 0; /* as no call at all: no column is created */
    col_op op = {.fn = op_set_add_many, .xs = xs, .xns = ns, .count = count, .dot = first};
    return with_column(r, delta, col, kind, &op);
}

int crdt_row_set_remove(crdt_row *r, crdt_row *delta, uint16_t col, int kind, const void *x,
                        size_t n)
{
    if (!is_set(kind)) return CRDT_EINVAL;
    col_op op = {.fn = op_set_remove, .x = x, .n = n};
    return with_column(r, delta, col, kind, &op);
}

int crdt_row_set_clear(crdt_row *r, crdt_row *delta, uint16_t col, int kind)
{
    if (!is_set(kind)) return CRDT_EINVAL;
    col_op op = {.fn = op_set_clear};
    return with_column(r, delta, col, kind, &op);
}

static int op_map_put(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return lwwmap_put(&s->u.k, op->x, op->n, op->y, op->yn, op->ts, op->dot, d ? &d->u.k : NULL);
}

static int op_map_put_many(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return lwwmap_write_many(&s->u.k, op->xs, op->xns, op->ys, op->yns, op->live, op->count,
                             op->ts, op->dot, d ? &d->u.k : NULL);
}

static int op_map_remove(const col_op *op, crdt_obj *s, crdt_obj *d)
{
    return lwwmap_remove(&s->u.k, op->x, op->n, op->ts, op->dot, d ? &d->u.k : NULL);
}

int crdt_row_map_put(crdt_row *r, crdt_row *delta, uint16_t col, const void *key, size_t klen,
                     const void *json, size_t jlen, causal_hlc ts, causal_dot dot)
{
    col_op op = {.fn = op_map_put, .x = key, .n = klen, .y = json, .yn = jlen, .ts = ts, .dot = dot};
    return with_column(r, delta, col, CRDT_KIND_LWWMAP, &op);
}

int crdt_row_map_put_many(crdt_row *r, crdt_row *delta, uint16_t col, const void *const *keys,
                          const size_t *klens, const void *const *jsons, const size_t *jlens,
                          size_t count, causal_hlc ts, causal_dot first)
{
    return crdt_row_map_write_many(r, delta, col, keys, klens, jsons, jlens, NULL, count, ts,
                                   first);
}

int crdt_row_map_write_many(crdt_row *r, crdt_row *delta, uint16_t col, const void *const *keys,
                            const size_t *klens, const void *const *jsons, const size_t *jlens,
                            const uint8_t *live, size_t count, causal_hlc ts, causal_dot first)
{
    if (!count) return 0;
    col_op op = {.fn = op_map_put_many, .xs = keys, .xns = klens, .ys = jsons, .yns = jlens,
                 .live = live, .count = count, .ts = ts, .dot = first};
    return with_column(r, delta, col, CRDT_KIND_LWWMAP, &op);
}

int crdt_row_map_remove(crdt_row *r, crdt_row *delta, uint16_t col, const void *key,
                        size_t klen, causal_hlc ts, causal_dot dot)
{
    col_op op = {.fn = op_map_remove, .x = key, .n = klen, .ts = ts, .dot = dot};
    return with_column(r, delta, col, CRDT_KIND_LWWMAP, &op);
}

int crdt_row_merge(crdt_row *dst, const crdt_row *src, crdt_merge_stats *stats)
{
    if (dst == src) return 0;
    /* check kinds first so a schema clash changes nothing */
    for (uint32_t i = 0; i < src->ncols; i++) {
        const crdt_obj *o = crdt_row_get(dst, src->cols[i].id);
        if (o && o->kind != src->cols[i].obj.kind) return CRDT_EINVAL;
    }
    int rc = kernel_join(&dst->presence, &src->presence);
    for (uint32_t i = 0; !rc && i < src->ncols; i++) {
        crdt_obj *o;
        bool created;
        rc = col_get(dst, src->cols[i].id, src->cols[i].obj.kind, &o, &created);
        if (!rc) rc = crdt_obj_merge(o, &src->cols[i].obj, stats);
    }
    return rc;
}

int crdt_row_gc(crdt_row *r, const causal_vv *dot_floor)
{
    int rc = kernel_fill(&r->presence, dot_floor);
    for (uint32_t i = 0; !rc && i < r->ncols; i++) rc = crdt_obj_gc(&r->cols[i].obj, dot_floor);
    return rc;
}

static int presence_check(const uint8_t *p, size_t n)
{
    (void)p;
    return n ? CRDT_EBADENC : 0;
}

int crdt_row_encode(codec_buf *b, const crdt_row *r)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->ncols; i++) n += !crdt_obj_is_empty(&r->cols[i].obj);
    codec_put_u8(b, CRDT_FORMAT_VERSION);
    codec_put_u8(b, CRDT_KIND_ROW);
    kernel_encode(b, &r->presence);
    codec_put_uvarint(b, n);
    for (uint32_t i = 0; i < r->ncols; i++) {
        if (crdt_obj_is_empty(&r->cols[i].obj)) continue;
        codec_put_u16(b, r->cols[i].id);
        codec_put_u8(b, r->cols[i].obj.kind);
        crdt_obj_encode_body(b, &r->cols[i].obj);
    }
    return b->err;
}

int crdt_row_decode(const uint8_t *p, size_t n, crdt_row *r)
{
    codec_rd rd;
    uint8_t version, kind;
    uint64_t ncols;
    crdt_row tmp;
    crdt_row_init(&tmp);
    codec_rd_init(&rd, p, n);
    codec_get_u8(&rd, &version);
    int rc = CRDT_EBADENC;
    if (codec_get_u8(&rd, &kind) || version != CRDT_FORMAT_VERSION || kind != CRDT_KIND_ROW)
        goto fail;
    if ((rc = kernel_decode(&rd, &tmp.presence, presence_check))) goto fail;
    rc = CRDT_EBADENC;
    /* a column is at least u16 id + u8 kind + a 1-byte body */
    if (codec_get_count(&rd, &ncols, 4, CRDT_ROW_MAX_COLUMNS)) goto fail;
    if (ncols) {
        tmp.cols = malloc((size_t)ncols * sizeof(*tmp.cols));
        if (!tmp.cols) {
            rc = CRDT_ENOMEM;
            goto fail;
        }
        tmp.cap = (uint32_t)ncols;
    }
    for (uint64_t i = 0; i < ncols; i++) {
        crdt_row_col *c = &tmp.cols[i];
        codec_get_u16(&rd, &c->id);
        if (codec_get_u8(&rd, &kind)) goto fail;
        if (i > 0 && c->id <= tmp.cols[i - 1].id) goto fail;
        if ((rc = crdt_obj_decode_body(&rd, &c->obj, kind))) goto fail;
        tmp.ncols++;
        rc = CRDT_EBADENC;
        if (crdt_obj_is_empty(&c->obj)) goto fail; /* never encoded: not canonical */
    }
    if (codec_rd_left(&rd)) goto fail;
    crdt_row_free(r);
    *r = tmp;
    return 0;
fail:
    crdt_row_free(&tmp);
    return rc;
}

int crdt_row_describe(codec_buf *b, const crdt_row *r)
{
    codec_put_raw(b, "{\"visible\":", 11);
    if (crdt_row_visible(r)) codec_put_raw(b, "true", 4);
    else codec_put_raw(b, "false", 5);
    codec_put_raw(b, ",\"presence\":{", 13);
    crdt_kernel_describe(b, &r->presence, 0);
    codec_put_raw(b, "},\"columns\":[", 13);
    for (uint32_t i = 0; i < r->ncols; i++) {
        if (i) codec_put_u8(b, ',');
        codec_put_raw(b, "{\"id\":", 6);
        render_int8(b, r->cols[i].id);
        codec_put_raw(b, ",\"state\":", 9);
        crdt_obj_describe(b, &r->cols[i].obj);
        codec_put_u8(b, '}');
    }
    codec_put_raw(b, "]}", 2);
    return b->err;
}

int crdt_row_render(codec_buf *b, const crdt_row *r, uint16_t col, int kind, bool *is_null)
{
    const crdt_obj *o = crdt_row_get(r, col);
    if (o) return o->kind == kind ? render_obj(b, o, is_null) : CRDT_EINVAL;
    crdt_obj empty;
    int rc = crdt_obj_init(&empty, kind);
    if (!rc) rc = render_obj(b, &empty, is_null);
    crdt_obj_free(&empty);
    return rc;
}

int crdt_row_merge_bytes(const uint8_t *old, size_t oldlen, const uint8_t *delta, size_t dlen,
                         uint8_t **out, size_t *outlen, crdt_merge_stats *stats)
{
    return crdt_row_merge_fill_bytes(old, oldlen, delta, dlen, NULL, out, outlen, stats);
}

int crdt_row_fill(crdt_row *r, const causal_vv *dot_floor)
{
    if (!dot_floor || dot_floor->len == 0) return 0;
    int rc = kernel_fill(&r->presence, dot_floor);
    for (uint32_t i = 0; !rc && i < r->ncols; i++) {
        crdt_obj *o = &r->cols[i].obj;
        if (crdt_obj_is_empty(o)) continue; /* stays initial (see crdt_obj_gc) */
        switch (o->kind) {
        case CRDT_KIND_GCOUNTER:
        case CRDT_KIND_PNCOUNTER:
        case CRDT_KIND_ORSET: break; /* no causal context */
        default: rc = kernel_fill(&o->u.k, dot_floor); break;
        }
    }
    return rc;
}

int crdt_row_merge_fill_bytes(const uint8_t *old, size_t oldlen, const uint8_t *delta,
                              size_t dlen, const causal_vv *dot_floor, uint8_t **out,
                              size_t *outlen, crdt_merge_stats *stats)
{
    crdt_row a, d;
    codec_buf b;
    crdt_row_init(&a);
    crdt_row_init(&d);
    codec_buf_init(&b);
    *out = NULL;
    *outlen = 0;
    int rc = 0;
    if (old && (rc = crdt_row_decode(old, oldlen, &a))) goto done;
    if ((rc = crdt_row_decode(delta, dlen, &d))) goto done;
    if ((rc = crdt_row_merge(&a, &d, stats))) goto done;
    if ((rc = crdt_row_fill(&a, dot_floor))) goto done;
    if ((rc = crdt_row_encode(&b, &a))) goto done;
    *out = codec_buf_take(&b, outlen);
done:
    codec_buf_free(&b);
    crdt_row_free(&d);
    crdt_row_free(&a);
    return rc;
}

int crdt_row_gc_bytes(const uint8_t *in, size_t inlen, const causal_vv *dot_floor, uint8_t **out,
                      size_t *outlen)
{
    crdt_row r;
    codec_buf b;
    crdt_row_init(&r);
    codec_buf_init(&b);
    *out = NULL;
    *outlen = 0;
    int rc = crdt_row_decode(in, inlen, &r);
    if (!rc) rc = crdt_row_gc(&r, dot_floor);
    if (!rc) rc = crdt_row_encode(&b, &r);
    if (!rc) *out = codec_buf_take(&b, outlen);
    codec_buf_free(&b);
    crdt_row_free(&r);
    return rc;
}

/* ---- views ---- */

/* Skips a causal context (vv, then the cloud) without building it. */
static int cc_skip(codec_rd *r)
{
    uint64_t n, x;
    uint16_t node;
    if (codec_get_count(r, &n, 3, CAUSAL_MAX_NODES)) return CRDT_EBADENC;
    for (uint64_t i = 0; i < n; i++) {
        codec_get_u16(r, &node);
        if (codec_get_uvarint(r, &x)) return CRDT_EBADENC;
    }
    if (codec_get_count(r, &n, 3, CAUSAL_MAX_CLOUD)) return CRDT_EBADENC;
    for (uint64_t i = 0; i < n; i++) {
        codec_get_u16(r, &node);
        if (codec_get_uvarint(r, &x)) return CRDT_EBADENC;
    }
    return 0;
}

/* Walks a kernel (cc, entries): *count entries; each entry's dot node and payload to fn. */
static int kernel_walk(codec_rd *r, uint64_t *count,
                       void (*fn)(void *ctx, uint16_t node, const uint8_t *p, size_t n), void *ctx)
{
    if (cc_skip(r)) return CRDT_EBADENC;
    uint64_t n, counter;
    if (codec_get_count(r, &n, 4, CRDT_MAX_ENTRIES)) return CRDT_EBADENC;
    for (uint64_t i = 0; i < n; i++) {
        uint16_t node;
        const uint8_t *p;
        size_t len;
        codec_get_u16(r, &node);
        codec_get_uvarint(r, &counter);
        if (codec_get_bytes(r, &p, &len, 2u * CRDT_MAX_VALUE + 64u)) return CRDT_EBADENC;
        if (fn) fn(ctx, node, p, len);
    }
    if (r->err) return CRDT_EBADENC;
    if (count) *count = n;
    return 0;
}

int crdt_row_view_open(crdt_row_view *v, const uint8_t *p, size_t n)
{
    uint8_t version, kind;
    memset(v, 0, sizeof *v);
    codec_rd_init(&v->rd, p, n);
    codec_get_u8(&v->rd, &version);
    if (codec_get_u8(&v->rd, &kind) || version != CRDT_FORMAT_VERSION || kind != CRDT_KIND_ROW)
        return CRDT_EBADENC;
    uint64_t entries;
    if (kernel_walk(&v->rd, &entries, NULL, NULL)) return CRDT_EBADENC;
    v->visible = entries > 0;
    if (codec_get_count(&v->rd, &v->left, 4, CRDT_ROW_MAX_COLUMNS)) return CRDT_EBADENC;
    return 0;
}

int crdt_row_view_next(crdt_row_view *v, uint16_t *id, uint8_t *kind, const uint8_t **body,
                       size_t *blen)
{
    if (!v->left) return 0;
    codec_get_u16(&v->rd, id);
    if (codec_get_u8(&v->rd, kind)) return CRDT_EBADENC;
    size_t start = v->rd.pos;
    if (*kind == CRDT_KIND_GCOUNTER || *kind == CRDT_KIND_PNCOUNTER || *kind == CRDT_KIND_ORSET) {
        crdt_obj o; /* not a kernel: measured by decoding it */
        int rc = crdt_obj_decode_body(&v->rd, &o, *kind);
        if (rc) return rc;
        crdt_obj_free(&o);
    } else if (*kind < CRDT_KIND_GCOUNTER || *kind > CRDT_KIND_LWWMAP ||
               kernel_walk(&v->rd, NULL, NULL, NULL)) {
        return CRDT_EBADENC;
    }
    *body = v->rd.p + start;
    *blen = v->rd.pos - start;
    v->left--;
    return 1;
}

typedef struct lww_best {
    const uint8_t *p;
    size_t n;
    uint16_t node;
    causal_hlc ts;
    bool bad;
} lww_best;

static void lww_pick(void *ctx, uint16_t node, const uint8_t *p, size_t n)
{
    lww_best *b = ctx;
    if (n < 8) {
        b->bad = true;
        return;
    }
    causal_hlc t = 0;
    for (int i = 0; i < 8; i++) t = t << 8 | p[i];
    /* entries come in dot order, so ">=" prefers the later one, as lwwreg_read does */
    if (!b->p || causal_lww_cmp(t, node, b->ts, b->node) >= 0) {
        b->p = p;
        b->n = n;
        b->node = node;
        b->ts = t;
    }
}

int crdt_lww_body_read(const uint8_t *body, size_t blen, crdt_value *out)
{
    codec_rd r;
    codec_rd_init(&r, body, blen);
    lww_best b = {0};
    if (kernel_walk(&r, NULL, lww_pick, &b) || b.bad || codec_rd_left(&r)) return CRDT_EBADENC;
    crdt_value_free(out);
    if (!b.p) return 1;
    codec_rd_init(&r, b.p + 8, b.n - 8);
    return crdt_value_decode(&r, out);
}

int crdt_row_visible_bytes(const uint8_t *p, size_t n)
{
    crdt_row r;
    crdt_row_init(&r);
    int rc = crdt_row_decode(p, n, &r);
    if (!rc) rc = crdt_row_visible(&r);
    crdt_row_free(&r);
    return rc;
}
