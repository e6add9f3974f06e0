/* crdt/codec.c — see codec.h. */
#include "crdt/codec.h"

#include <stdlib.h>
#include <string.h>

const char *codec_strerror(int err)
{
    switch (err) {
    case CRDT_OK: return "ok";
    case CRDT_ENOMEM: return "out of memory";
    case CRDT_EBADENC: return "malformed encoding";
    case CRDT_EOVERFLOW: return "integer out of range";
    case CRDT_EINVAL: return "invalid operation";
    case CRDT_ELIMIT: return "size limit exceeded";
    default: return "unknown error";
    }
}

void codec_buf_init(codec_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void codec_buf_free(codec_buf *b)
{
    free(b->data);
    codec_buf_init(b);
}

void codec_buf_reset(codec_buf *b)
{
    b->len = 0;
    b->err = 0;
}

uint8_t *codec_buf_take(codec_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    *len = b->len;
    codec_buf_init(b);
    return p;
}

static int reserve(codec_buf *b, size_t n)
{
    if (b->err) return b->err;
    if (n > SIZE_MAX / 2 - b->len) return b->err = CRDT_ENOMEM;
    if (b->len + n <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return b->err = CRDT_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int codec_put_raw(codec_buf *b, const void *p, size_t n)
{
    if (reserve(b, n)) return b->err;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int codec_put_u8(codec_buf *b, uint8_t v)
{
    return codec_put_raw(b, &v, 1);
}

int codec_put_u16(codec_buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return codec_put_raw(b, x, 2);
}

int codec_put_u32(codec_buf *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++) x[i] = (uint8_t)(v >> (24 - 8 * i));
    return codec_put_raw(b, x, 4);
}

int codec_put_u64(codec_buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (56 - 8 * i));
    return codec_put_raw(b, x, 8);
}

int codec_put_uvarint(codec_buf *b, uint64_t v)
{
    uint8_t x[10];
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        x[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    return codec_put_raw(b, x, n);
}

int codec_put_svarint(codec_buf *b, int64_t v)
{
    uint64_t zz = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    return codec_put_uvarint(b, zz);
}

int codec_put_bytes(codec_buf *b, const void *p, size_t n)
{
    if (codec_put_uvarint(b, n)) return b->err;
    return codec_put_raw(b, p, n);
}

void codec_rd_init(codec_rd *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->pos = 0;
    r->err = 0;
}

static int fail(codec_rd *r)
{
    r->err = CRDT_EBADENC;
    return CRDT_EBADENC;
}

int codec_get_fail_(codec_rd *r)
{
    return fail(r);
}

int codec_get_raw(codec_rd *r, const uint8_t **p, size_t n)
{
    *p = NULL;
    if (r->err) return r->err;
    if (n > r->len - r->pos) return fail(r);
    *p = r->p + r->pos;
    r->pos += n;
    return 0;
}

int codec_get_u32(codec_rd *r, uint32_t *v)
{
    const uint8_t *p;
    *v = 0;
    if (codec_get_raw(r, &p, 4)) return r->err;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return 0;
}

int codec_get_u64(codec_rd *r, uint64_t *v)
{
    const uint8_t *p;
    *v = 0;
    if (codec_get_raw(r, &p, 8)) return r->err;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = x << 8 | p[i];
    *v = x;
    return 0;
}

int codec_get_uvarint_slow_(codec_rd *r, uint64_t *v)
{
    *v = 0;
    if (r->err) return r->err;
    const uint8_t *p = r->p + r->pos;
    size_t left = r->len - r->pos, n = left < 10 ? left : 10;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) { /* locals: no store of pos per byte */
        uint8_t byte = p[i];
        if (i == 9 && byte > 1) return fail(r); /* > 64 bits */
        x |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            if (i > 0 && byte == 0) return fail(r); /* non-minimal: trailing zero group */
            r->pos += i + 1;
            *v = x;
            return 0;
        }
    }
    return fail(r);
}

int codec_get_svarint(codec_rd *r, int64_t *v)
{
    uint64_t zz;
    *v = 0;
    if (codec_get_uvarint(r, &zz)) return r->err;
    *v = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
    return 0;
}

int codec_get_bytes(codec_rd *r, const uint8_t **p, size_t *n, size_t max)
{
    uint64_t len;
    *p = NULL;
    *n = 0;
    if (codec_get_uvarint(r, &len)) return r->err;
    if (len > max || len > r->len - r->pos) return fail(r);
    *n = (size_t)len;
    return codec_get_raw(r, p, (size_t)len);
}

