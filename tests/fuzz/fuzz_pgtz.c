/* Fuzz target for proto/pgtz. An input starting with "TZif" is decoded as a TZif image,
 * anything else is a POSIX TZ string. Beyond "no crash, no UB":
 *   - every query of an accepted zone answers within ±PGTZ_OFFSET_MAX, pgtz_info_at agrees
 *     with pgtz_offset_at, abbreviations are terminated strings, answers are deterministic;
 *   - two routes, one answer: a POSIX string that parses also loads as the footer of a TZif
 *     image with no transitions, and both zones give the same offsets at every probed instant
 *     (PostgreSQL applies such a footer's rule at every instant). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pgtz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_zone(const pgtz *z, const uint8_t *data, size_t size)
{
    int64_t probes[16] = {INT64_MIN,
                          INT64_MAX,
                          0,
                          -1,
                          INT64_C(1) << 62,
                          -(INT64_C(1) << 62),
                          INT64_C(-212760172800) /* 4714 BC */,
                          INT64_C(9222424646400) /* 294276 AD */,
                          INT64_C(1520749800) /* 2018-03-11 06:30 */,
                          INT64_C(2147483647),
                          INT64_C(-2147483648)};
    size_t n = 11;
    for (size_t i = 0; i + 8 <= size && n < 16; i += 8) { /* instants taken from the input */
        uint64_t v;
        memcpy(&v, data + i, 8);
        probes[n++] = (int64_t)(v >> 20) - (INT64_C(1) << 43); /* around ±278,000 years */
    }
    for (size_t i = 0; i < n; i++) {
        int64_t t = probes[i];
        int32_t off = pgtz_offset_at(z, t);
        if (off < -PGTZ_OFFSET_MAX || off > PGTZ_OFFSET_MAX) abort();
        if (pgtz_offset_at(z, t) != off) abort();
        pgtz_info info;
        pgtz_info_at(z, t, &info);
        if (info.utoff != off || !info.abbrev || strlen(info.abbrev) > 512) abort();
        int32_t loc = pgtz_offset_for_local(z, t);
        if (loc < -PGTZ_OFFSET_MAX || loc > PGTZ_OFFSET_MAX) abort();
        (void)pgtz_leap_correction(z, t);
    }
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A v2 TZif image: no transitions, one type (std offset east, abbreviation "X"), footer. */
static uint8_t *tzif_with_footer(const char *spec, int32_t std_east, size_t *len)
{
    enum { HEADER = 44, BLOCK = HEADER + 6 + 2 };
    size_t slen = strlen(spec);
    *len = 2 * BLOCK + slen + 2;
    uint8_t *b = calloc(1, *len);
    if (!b) abort();
    for (int k = 0; k < 2; k++) {
        uint8_t *p = b + k * BLOCK;
        memcpy(p, "TZif2", 5);
        put32(p + 36, 1); /* typecnt */
        put32(p + 40, 2); /* charcnt */
        put32(p + HEADER, (uint32_t)std_east);
        p[HEADER + 6] = 'X';
    }
    b[2 * BLOCK] = '\n';
    memcpy(b + 2 * BLOCK + 1, spec, slen);
    b[*len - 1] = '\n';
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pgtz *z = NULL;
    if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
        int rc = pgtz_from_tzif(data, size, &z);
        if (rc != 0) {
            if (z || (rc != PGTZ_EINVAL && rc != PGTZ_ENOMEM)) abort();
            return 0;
        }
        check_zone(z, data, size);
        pgtz_free(z);
        return 0;
    }

    char spec[PGTZ_POSIX_MAX + 2];
    size_t n = size < sizeof spec - 1 ? size : sizeof spec - 1;
    memcpy(spec, data, n);
    spec[n] = '\0';
    int rc = pgtz_from_posix(spec, &z);
    if (rc != 0) {
        if (z || (rc != PGTZ_EINVAL && rc != PGTZ_ENOMEM)) abort();
        return 0;
    }
    check_zone(z, data, size);

    /* the same rule as a footer; short strings only, so its abbreviations fit PostgreSQL's
       50-byte table (a footer that does not fit is ignored, by design) */
    if (strlen(spec) <= 40) {
        size_t len;
        uint8_t *img = tzif_with_footer(spec, pgtz_offset_at(z, 0), &len);
        pgtz *f = NULL;
        if (pgtz_from_tzif(img, len, &f) != 0) abort();
        int64_t probes[] = {INT64_MIN,
                            -(INT64_C(1) << 40),
                            INT64_C(-6000000000),
                            -1,
                            0,
                            INT64_C(1520749800),
                            INT64_C(1541313000),
                            INT64_C(4102444800),
                            INT64_C(1) << 40,
                            INT64_MAX};
        for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
            int64_t t = probes[i];
            if (pgtz_offset_at(z, t) != pgtz_offset_at(f, t)) abort();
            for (int64_t d = -7200; d <= 7200; d += 1800)
                if (t > INT64_MIN + 7200 && t < INT64_MAX - 7200 &&
                    pgtz_offset_for_local(z, t + d) != pgtz_offset_for_local(f, t + d))
                    abort();
        }
        pgtz_free(f);
        free(img);
    }
    pgtz_free(z);
    return 0;
}
