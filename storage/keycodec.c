/* storage/keycodec.c — see keycodec.h for the byte layouts. */
#include "storage/keycodec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIGN_BIT 0x8000000000000000ull

static uint64_t float_to_ordered(double f)
{
    if (f == 0.0) f = 0.0; /* -0.0 and +0.0 are one key */
    uint64_t bits;
    if (isnan(f)) {
        bits = 0x7ff8000000000000ull; /* canonical quiet NaN: above +inf after the flip */
    } else {
        memcpy(&bits, &f, sizeof(bits));
    }
    return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

static double float_from_ordered(uint64_t u)
{
    uint64_t bits = (u & SIGN_BIT) ? u & ~SIGN_BIT : ~u;
    double f;
    memcpy(&f, &bits, sizeof(f));
    return f;
}

static int put_escaped(codec_buf *b, const uint8_t *p, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0) continue;
        codec_put_raw(b, p + start, i - start);
        codec_put_u8(b, 0x00);
        codec_put_u8(b, 0xff);
        start = i + 1;
    }
    codec_put_raw(b, p + start, len - start);
    codec_put_u8(b, 0x00);
    return codec_put_u8(b, 0x01);
}

int keycodec_encode_value(codec_buf *b, const keycodec_value *v)
{
    switch (v->type) {
    case KEYCODEC_BOOL:
        codec_put_u8(b, KEYCODEC_BOOL);
        return codec_put_u8(b, v->u.b ? 1 : 0);
    case KEYCODEC_INT:
        codec_put_u8(b, KEYCODEC_INT);
        return codec_put_u64(b, (uint64_t)v->u.i ^ SIGN_BIT);
    case KEYCODEC_FLOAT:
        codec_put_u8(b, KEYCODEC_FLOAT);
        return codec_put_u64(b, float_to_ordered(v->u.f));
    case KEYCODEC_TEXT:
    case KEYCODEC_BYTES:
        if (v->u.s.len > 0 && !v->u.s.p) return CRDT_EINVAL;
        codec_put_u8(b, (uint8_t)v->type);
        return put_escaped(b, v->u.s.p, v->u.s.len);
    }
    return CRDT_EINVAL;
}

int keycodec_encode_pk(codec_buf *b, const keycodec_value *cols, size_t n)
{
    if (n > KEYCODEC_MAX_COLUMNS) return CRDT_ELIMIT;
    for (size_t i = 0; i < n; i++) {
        int rc = keycodec_encode_value(b, &cols[i]);
        if (rc < 0) return rc;
    }
    return b->err;
}

void keycodec_key_free(keycodec_key *k)
{
    free(k->arena);
    memset(k, 0, sizeof(*k));
}

/* Unescapes a text value starting at pk[*pos] into arena + *apos; advances both. */
static int get_escaped(const uint8_t *pk, size_t len, size_t *pos, uint8_t *arena, size_t *apos)
{
    size_t i = *pos;
    for (;;) {
        if (i >= len) return CRDT_EBADENC;
        uint8_t c = pk[i++];
        if (c != 0) {
            arena[(*apos)++] = c;
            continue;
        }
        if (i >= len) return CRDT_EBADENC;
        uint8_t e = pk[i++];
        if (e == 0x01) break;
        if (e != 0xff) return CRDT_EBADENC;
        arena[(*apos)++] = 0;
    }
    *pos = i;
    return 0;
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

int keycodec_decode_pk(const uint8_t *pk, size_t len, keycodec_key *out)
{
    memset(out, 0, sizeof(*out));
    /* Unescaped text is never longer than its encoding, so one arena of len bytes holds
     * every text value of the key. */
    out->arena = malloc(len ? len : 1);
    if (!out->arena) return CRDT_ENOMEM;
    size_t pos = 0, apos = 0;
    int rc = CRDT_EBADENC;
    while (pos < len) {
        if (out->ncol == KEYCODEC_MAX_COLUMNS) {
            rc = CRDT_ELIMIT;
            goto err_free;
        }
        keycodec_value *v = &out->col[out->ncol];
        uint8_t tag = pk[pos++];
        switch (tag) {
        case KEYCODEC_BOOL:
            if (pos >= len || pk[pos] > 1) goto err_free;
            v->type = KEYCODEC_BOOL;
            v->u.b = pk[pos++] == 1;
            break;
        case KEYCODEC_INT:
        case KEYCODEC_FLOAT: {
            if (len - pos < 8) goto err_free;
            uint64_t u = load_be64(pk + pos);
            pos += 8;
            v->type = (keycodec_type)tag;
            if (tag == KEYCODEC_INT) {
                v->u.i = (int64_t)(u ^ SIGN_BIT);
            } else {
                v->u.f = float_from_ordered(u);
                if (float_to_ordered(v->u.f) != u) goto err_free; /* non-canonical */
            }
            break;
        }
        case KEYCODEC_TEXT:
        case KEYCODEC_BYTES: {
            size_t start = apos;
            rc = get_escaped(pk, len, &pos, out->arena, &apos);
            if (rc < 0) goto err_free;
            v->type = (keycodec_type)tag;
            v->u.s.p = out->arena + start;
            v->u.s.len = apos - start;
            break;
        }
        default: rc = CRDT_EBADENC; goto err_free;
        }
        out->ncol++;
    }
    return 0;

err_free:
    keycodec_key_free(out);
    return rc < 0 ? rc : CRDT_EBADENC;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

int keycodec_value_cmp(const keycodec_value *a, const keycodec_value *b)
{
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    switch (a->type) {
    case KEYCODEC_BOOL: return (int)a->u.b - (int)b->u.b;
    case KEYCODEC_INT: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    case KEYCODEC_FLOAT: return cmp_u64(float_to_ordered(a->u.f), float_to_ordered(b->u.f));
    case KEYCODEC_TEXT:
    case KEYCODEC_BYTES: {
        size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
        int c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return cmp_u64(a->u.s.len, b->u.s.len);
    }
    }
    return 0;
}

int keycodec_row_key(codec_buf *b, uint32_t table_id, const uint8_t *pk, size_t pklen)
{
    codec_put_u32(b, table_id);
    return codec_put_raw(b, pk, pklen);
}

int keycodec_row_split(const uint8_t *key, size_t len, uint32_t *table_id, const uint8_t **pk,
                       size_t *pklen)
{
    if (len < KEYCODEC_TABLE_BYTES) return CRDT_EBADENC;
    *table_id = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
    *pk = key + KEYCODEC_TABLE_BYTES;
    *pklen = len - KEYCODEC_TABLE_BYTES;
    return 0;
}

void keycodec_log_key(uint8_t out[KEYCODEC_LOG_KEY_BYTES], uint16_t origin, uint64_t seq)
{
    out[0] = (uint8_t)(origin >> 8);
    out[1] = (uint8_t)origin;
    for (int i = 0; i < 8; i++) out[2 + i] = (uint8_t)(seq >> (56 - 8 * i));
}

int keycodec_log_split(const uint8_t *key, size_t len, uint16_t *origin, uint64_t *seq)
{
    if (len != KEYCODEC_LOG_KEY_BYTES) return CRDT_EBADENC;
    *origin = (uint16_t)(key[0] << 8 | key[1]);
    *seq = load_be64(key + 2);
    return 0;
}
