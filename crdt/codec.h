/*
 * crdt/codec.h — bounded byte writer and reader shared by every HeliosDB binary format.
 *
 * Every on-disk and on-wire encoding (CRDT states and deltas, log entries, replication
 * batches) is built with codec_buf and parsed with codec_rd. The reader never reads past its
 * input: each accessor checks the remaining length first and, on failure, latches `err` so a
 * decoder can run a whole sequence of reads and check once at the end. Lengths read from
 * input are checked against what remains *before* anything is allocated, so a hostile length
 * field can never cause an unbounded allocation.
 *
 * Integers: fixed-width ones are big-endian (so they sort bytewise); varints are LEB128
 * (unsigned) and zig-zag LEB128 (signed), at most 10 bytes, and a non-minimal or overlong
 * varint is rejected so every value has exactly one encoding (canonical encodings are
 * compared byte for byte by the convergence tests).
 *
 * Error codes shared by the crdt/ folder are defined here (crdt is a leaf: no other header).
 */
#ifndef HELIOS_CRDT_CODEC_H
#define HELIOS_CRDT_CODEC_H

#include <stddef.h>
#include <stdint.h>

enum {
    CRDT_OK = 0,
    CRDT_ENOMEM = -1,    /* allocation failed */
    CRDT_EBADENC = -2,   /* malformed, truncated or non-canonical encoding */
    CRDT_EOVERFLOW = -3, /* counter would overflow int64 (SQLSTATE 22003 upstream) */
    CRDT_EINVAL = -4,    /* operation not allowed for this type / bad argument */
    CRDT_ELIMIT = -5,    /* a size limit was exceeded (too many elements, value too long) */
};

/* Returns a static, human-readable name for a CRDT_E* code. */
const char *codec_strerror(int err);

/* Growable output buffer. Public fields are read-only for callers. */
typedef struct codec_buf {
    uint8_t *data; /* read-only: the bytes written so far (NULL when empty) */
    size_t len;    /* read-only */
    size_t cap;    /* private */
    int err;       /* read-only: first error (CRDT_ENOMEM), sticky; 0 when fine */
} codec_buf;

void codec_buf_init(codec_buf *b);
void codec_buf_free(codec_buf *b);
void codec_buf_reset(codec_buf *b); /* len = 0, keeps the allocation, clears err */
/* Hands the bytes to the caller (who frees them with free()) and re-initialises b. */
uint8_t *codec_buf_take(codec_buf *b, size_t *len);

/* Each put returns 0 or CRDT_ENOMEM (also latched in b->err). */
int codec_put_u8(codec_buf *b, uint8_t v);
int codec_put_u16(codec_buf *b, uint16_t v); /* big-endian */
int codec_put_u32(codec_buf *b, uint32_t v); /* big-endian */
int codec_put_u64(codec_buf *b, uint64_t v); /* big-endian */
int codec_put_uvarint(codec_buf *b, uint64_t v);
int codec_put_svarint(codec_buf *b, int64_t v);
int codec_put_raw(codec_buf *b, const void *p, size_t n);
int codec_put_bytes(codec_buf *b, const void *p, size_t n); /* uvarint length + bytes */

/* Bounded reader over caller-owned bytes. */
typedef struct codec_rd {
    const uint8_t *p; /* private */
    size_t len;       /* private */
    size_t pos;       /* read-only: bytes consumed */
    int err;          /* read-only: first error (CRDT_EBADENC), sticky */
} codec_rd;

void codec_rd_init(codec_rd *r, const void *p, size_t len);
static inline size_t codec_rd_left(const codec_rd *r)
{
    return r->err ? 0 : r->len - r->pos;
}

/* Each get returns 0 or CRDT_EBADENC; on error the output is set to 0 / NULL. */
int codec_get_u32(codec_rd *r, uint32_t *v);
int codec_get_u64(codec_rd *r, uint64_t *v);
int codec_get_svarint(codec_rd *r, int64_t *v);
int codec_get_raw(codec_rd *r, const uint8_t **p, size_t n); /* points into the input */
/* uvarint length then bytes; *p points into the input; fails if length > max or > left. */
int codec_get_bytes(codec_rd *r, const uint8_t **p, size_t *n, size_t max);

/* The hot readers inline (every row a scan reads walks dozens of them); the slow paths
 * (errors, multi-byte varints) stay out of line. */
int codec_get_fail_(codec_rd *r);
int codec_get_uvarint_slow_(codec_rd *r, uint64_t *v);

static inline int codec_get_u8(codec_rd *r, uint8_t *v)
{
    if (!r->err && r->pos < r->len) {
        *v = r->p[r->pos++];
        return 0;
    }
    *v = 0;
    return r->err ? r->err : codec_get_fail_(r);
}

static inline int codec_get_u16(codec_rd *r, uint16_t *v) /* big-endian */
{
    if (!r->err && r->len - r->pos >= 2) {
        *v = (uint16_t)(r->p[r->pos] << 8 | r->p[r->pos + 1]);
        r->pos += 2;
        return 0;
    }
    *v = 0;
    return r->err ? r->err : codec_get_fail_(r);
}

static inline int codec_get_uvarint(codec_rd *r, uint64_t *v)
{
    if (!r->err && r->pos < r->len && r->p[r->pos] < 0x80) { /* one byte: always minimal */
        *v = r->p[r->pos++];
        return 0;
    }
    return codec_get_uvarint_slow_(r, v);
}

/* A count of items each at least min_item_bytes long: rejects counts the input cannot hold,
 * so callers may allocate count items safely. */
static inline int codec_get_count(codec_rd *r, uint64_t *count, size_t min_item_bytes,
                                  uint64_t max)
{
    if (codec_get_uvarint(r, count)) return r->err;
    if (*count > max || (min_item_bytes && *count > (r->len - r->pos) / min_item_bytes)) {
        *count = 0;
        return codec_get_fail_(r);
    }
    return 0;
}

#endif
