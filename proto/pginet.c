/* proto/pginet.c — see pginet.h. */
#include "proto/pginet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static int maxbits(const pginet *v)
{
    return v->family == 4 ? 32 : 128;
}

static int nbytes(const pginet *v)
{
    return v->family == 4 ? 4 : 16;
}

/* Whether any bit from `bits` on is set. */
static bool host_bits_set(const pginet *v)
{
    for (int i = v->bits; i < maxbits(v); i++)
        if (v->addr[i / 8] & (0x80 >> (i % 8))) return true;
    return false;
}

/* Digits of a decimal number in [0, max] (no sign, at most 3 digits for max <= 255). */
static int read_num(const char **p, const char *end, int max, int *out)
{
    const char *s = *p;
    long v = 0;
    int n = 0;
    while (s < end && *s >= '0' && *s <= '9' && n < 4) v = v * 10 + (*s++ - '0'), n++;
    if (!n || v > max || (s < end && *s >= '0' && *s <= '9')) return -1;
    *p = s;
    *out = (int)v;
    return 0;
}

static int parse_v4(const char *s, size_t len, bool cidr, pginet *out)
{
    const char *p = s, *end = s + len;
    int octets = 0, v;
    memset(out, 0, sizeof *out);
    out->family = 4;
    while (p < end && *p != '/') {
        if (octets == 4 || read_num(&p, end, 255, &v)) return PGINET_ESYNTAX;
        out->addr[octets++] = (uint8_t)v;
        if (p < end && *p == '.') {
            p++;
            if (p == end || *p == '/' || *p == '.') return PGINET_ESYNTAX;
        } else if (p < end && *p != '/') {
            return PGINET_ESYNTAX;
        }
    }
    if (!octets) return PGINET_ESYNTAX;
    int bits = -1;
    if (p < end) { /* '/' */
        p++;
        if (read_num(&p, end, 32, &bits) || p != end) return PGINET_ESYNTAX;
    }
    if (bits < 0) {
        if (octets == 4) {
            bits = 32;
        } else if (!cidr) {
            return PGINET_ESYNTAX; /* inet takes an abbreviation only with a mask */
        } else { /* classful, as inet_net_pton_ipv4 */
            uint8_t a = out->addr[0];
            bits = a >= 240 ? 32 : a >= 224 ? 8 : a >= 192 ? 24 : a >= 128 ? 16 : 8;
            if (bits < octets * 8) bits = octets * 8;
            if (bits == 8 && a == 224) bits = 4;
        }
    }
    out->bits = (uint8_t)bits;
    return PGINET_OK;
}

int pginet_parse(const char *s, size_t len, bool cidr, pginet *out)
{
    if (!len || len >= 64) return PGINET_ESYNTAX;
    char buf[64];
    memcpy(buf, s, len);
    buf[len] = 0;
    if (strlen(buf) != len) return PGINET_ESYNTAX;
    int rc;
    if (!strchr(buf, ':')) {
        rc = parse_v4(buf, len, cidr, out);
    } else {
        memset(out, 0, sizeof *out);
        out->family = 6;
        char *slash = strchr(buf, '/');
        int bits = 128;
        if (slash) {
            const char *p = slash + 1, *end = buf + len;
            if (read_num(&p, end, 128, &bits) || p != end) return PGINET_ESYNTAX;
            *slash = 0;
        }
        if (inet_pton(AF_INET6, buf, out->addr) != 1) return PGINET_ESYNTAX;
        out->bits = (uint8_t)bits;
        rc = PGINET_OK;
    }
    if (rc) return rc;
    if (cidr && host_bits_set(out)) return PGINET_EHOSTBITS;
    return PGINET_OK;
}

size_t pginet_host(const pginet *v, char *buf)
{
    if (v->family == 4)
        return (size_t)snprintf(buf, PGINET_TEXT_MAX, "%u.%u.%u.%u", v->addr[0], v->addr[1], v->addr[2],
                                v->addr[3]);
    if (!inet_ntop(AF_INET6, v->addr, buf, PGINET_TEXT_MAX)) buf[0] = 0;
    return strlen(buf);
}

size_t pginet_format(const pginet *v, bool cidr, char *buf)
{
    size_t n = pginet_host(v, buf);
    if (cidr || v->bits != maxbits(v)) n += (size_t)snprintf(buf + n, PGINET_TEXT_MAX - n, "/%u", v->bits);
    return n;
}

/* Compares the first n bits of two addresses. */
static int bitncmp(const uint8_t *a, const uint8_t *b, int n)
{
    int bytes = n / 8;
    int c = memcmp(a, b, (size_t)bytes);
    if (c || n % 8 == 0) return c;
    uint8_t m = (uint8_t)(0xff << (8 - n % 8));
    int x = a[bytes] & m, y = b[bytes] & m;
    return x < y ? -1 : x > y;
}

int pginet_cmp(const pginet *a, const pginet *b)
{
    if (a->family != b->family) return a->family < b->family ? -1 : 1;
    int c = bitncmp(a->addr, b->addr, a->bits < b->bits ? a->bits : b->bits);
    if (c) return c < 0 ? -1 : 1;
    if (a->bits != b->bits) return a->bits < b->bits ? -1 : 1;
    c = bitncmp(a->addr, b->addr, maxbits(a));
    return c < 0 ? -1 : c > 0;
}

bool pginet_contains(const pginet *a, const pginet *b, bool strict)
{
    if (a->family != b->family) return false;
    if (strict ? a->bits >= b->bits : a->bits > b->bits) return false;
    return bitncmp(a->addr, b->addr, a->bits) == 0;
}

void pginet_mask(pginet *v, bool set)
{
    for (int i = v->bits; i < maxbits(v); i++) {
        uint8_t m = (uint8_t)(0x80 >> (i % 8));
        if (set) v->addr[i / 8] |= m;
        else v->addr[i / 8] &= (uint8_t)~m;
    }
}

size_t pginet_to_binary(const pginet *v, bool cidr, uint8_t *out)
{
    out[0] = v->family == 4 ? 2 : 3; /* PGSQL_AF_INET, PGSQL_AF_INET6 */
    out[1] = v->bits;
    out[2] = cidr ? 1 : 0;
    out[3] = (uint8_t)nbytes(v);
    memcpy(out + 4, v->addr, (size_t)nbytes(v));
    return 4 + (size_t)nbytes(v);
}

int pginet_from_binary(const uint8_t *p, size_t len, bool cidr, pginet *out)
{
    if (len < 4) return PGINET_ESYNTAX;
    memset(out, 0, sizeof *out);
    if (p[0] != 2 && p[0] != 3) return PGINET_ESYNTAX;
    out->family = p[0] == 2 ? 4 : 6;
    out->bits = p[1];
    if (out->bits > maxbits(out) || p[3] != nbytes(out) || len != 4 + (size_t)nbytes(out)) return PGINET_ESYNTAX;
    memcpy(out->addr, p + 4, (size_t)nbytes(out));
    if (cidr && host_bits_set(out)) return PGINET_EHOSTBITS;
    return PGINET_OK;
}
