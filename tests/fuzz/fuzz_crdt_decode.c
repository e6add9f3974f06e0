/* Fuzz target: CRDT decoders (every kind, and rows).
 *
 * Invariants checked, not just "no crash": an input that decodes re-encodes to exactly itself
 * (canonical), merging a state with itself changes nothing (idempotence), merging with a copy
 * gives the same bytes, gc with an empty floor keeps the rendering, and rendering/describing
 * never fails on a decodable state. Seed corpus: tests/fuzz/corpus/fuzz_crdt_decode/ (written
 * by tests/unit/crdt/test_codec_robust with CRDT_WRITE_CORPUS=<dir>). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/render.h"
#include "crdt/row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_bytes(const codec_buf *b, const uint8_t *data, size_t size)
{
    if (b->len != size || memcmp(b->data, data, size)) abort();
}

/* A view (the scans' reader) agrees with the full decoder on a row it accepts: visibility,
 * the columns' ids and kinds in order, every LWW register's value, and where the row ends. */
static void view_agrees(const crdt_row *r, const uint8_t *data, size_t size)
{
    crdt_row_view v;
    if (crdt_row_view_open(&v, data, size)) abort();
    if (v.visible != crdt_row_visible(r)) abort();
    for (uint32_t i = 0;; i++) {
        uint16_t id;
        uint8_t kind;
        const uint8_t *body;
        size_t blen;
        int k = crdt_row_view_next(&v, &id, &kind, &body, &blen);
        if (k < 0) abort();
        if (k == 0) {
            if (i != r->ncols || codec_rd_left(&v.rd)) abort();
            break;
        }
        if (i >= r->ncols || id != r->cols[i].id || kind != r->cols[i].obj.kind) abort();
        if (kind != CRDT_KIND_LWW) continue;
        crdt_value a, b;
        crdt_value_init(&a);
        crdt_value_init(&b);
        int ra = crdt_lww_body_read(body, blen, &a), rb = lwwreg_read(&r->cols[i].obj.u.k, &b, NULL);
        if (ra != rb || (ra == 0 && !crdt_value_equal(&a, &b))) abort();
        crdt_value_free(&a);
        crdt_value_free(&b);
    }
}

static void fuzz_row(const uint8_t *data, size_t size)
{
    crdt_row r, copy;
    crdt_row_init(&r);
    crdt_row_init(&copy);
    codec_buf b;
    codec_buf_init(&b);
    if (crdt_row_decode(data, size, &r)) {
        crdt_row_view v; /* bounded on anything: it must not crash either */
        if (crdt_row_view_open(&v, data, size) == 0) {
            uint16_t id;
            uint8_t kind;
            const uint8_t *body;
            size_t blen;
            crdt_value x;
            crdt_value_init(&x);
            while (crdt_row_view_next(&v, &id, &kind, &body, &blen) == 1)
                if (kind == CRDT_KIND_LWW) crdt_lww_body_read(body, blen, &x);
            crdt_value_free(&x);
        }
        goto out;
    }
    view_agrees(&r, data, size);
    crdt_row_encode(&b, &r);
    same_bytes(&b, data, size);
    if (crdt_row_copy(&copy, &r) || crdt_row_merge(&r, &copy, NULL)) abort();
    codec_buf_reset(&b);
    crdt_row_encode(&b, &r);
    same_bytes(&b, data, size);
    codec_buf_reset(&b);
    if (crdt_row_describe(&b, &r)) abort();
    for (uint32_t i = 0; i < r.ncols; i++) {
        bool is_null;
        codec_buf_reset(&b);
        if (crdt_row_render(&b, &r, r.cols[i].id, r.cols[i].obj.kind, &is_null)) abort();
    }
out:
    codec_buf_free(&b);
    crdt_row_free(&copy);
    crdt_row_free(&r);
}

static void fuzz_obj(const uint8_t *data, size_t size)
{
    crdt_obj o, copy;
    codec_buf b, before, after;
    bool is_null;
    if (crdt_obj_decode(data, size, &o)) return;
    codec_buf_init(&b);
    codec_buf_init(&before);
    codec_buf_init(&after);
    crdt_obj_encode(&b, &o);
    same_bytes(&b, data, size);
    if (crdt_obj_copy(&copy, &o) || crdt_obj_merge(&o, &copy, NULL)) abort();
    codec_buf_reset(&b);
    crdt_obj_encode(&b, &o);
    same_bytes(&b, data, size);
    if (render_obj(&before, &o, &is_null)) abort();
    causal_vv empty;
    causal_vv_init(&empty);
    crdt_obj_gc(&o, &empty);
    render_obj(&after, &o, &is_null);
    if (before.len != after.len || (before.len && memcmp(before.data, after.data, before.len)))
        abort();
    codec_buf_reset(&b);
    if (crdt_obj_describe(&b, &o)) abort();
    crdt_obj_free(&copy);
    crdt_obj_free(&o);
    codec_buf_free(&b);
    codec_buf_free(&before);
    codec_buf_free(&after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[1] == CRDT_KIND_ROW) fuzz_row(data, size);
    else fuzz_obj(data, size);
    return 0;
}
