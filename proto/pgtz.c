/*
 * proto/pgtz.c — TZif decoding, POSIX TZ strings and offset lookups (see pgtz.h).
 *
 * Entry points: pgtz_from_tzif, pgtz_from_posix, pgtz_fixed, pgtz_free, pgtz_offset_at,
 * pgtz_info_at, pgtz_offset_for_local, pgtz_leap_correction.
 *
 * TZif layout (RFC 8536 §3; all integers big-endian, signed unless noted):
 *
 *   header, 44 bytes        offset size  meaning
 *                            0      4    "TZif"
 *                            4      1    version: 0, '2', '3', '4'
 *                            5     15    unused
 *                           20      4    isutcnt   (u32, 0 or typecnt)
 *                           24      4    isstdcnt  (u32, 0 or typecnt)
 *                           28      4    leapcnt   (u32)
 *                           32      4    timecnt   (u32)
 *                           36      4    typecnt   (u32)
 *                           40      4    charcnt   (u32)
 *   data block, T = 4 in the v1 block, 8 in the v2+ block:
 *     timecnt x T            transition instants, non-decreasing
 *     timecnt x 1            type index of each transition (u8, < typecnt)
 *     typecnt x 6            utoff (i32), isdst (u8, 0/1), desigidx (u8, < charcnt)
 *     charcnt                NUL-terminated abbreviations
 *     leapcnt x (T + 4)      leap-second instant, correction (i32)
 *     isstdcnt x 1, isutcnt x 1    indicators (0/1; unused by PostgreSQL)
 *   v2+: a second header and a data block with T = 8, then the footer "\n<TZ string>\n".
 *
 * Every count is checked against PostgreSQL's limits and against the bytes present before
 * anything is read, so a block is at most ~21 KB and no size computation can overflow.
 *
 * The yearly rule (a POSIX string's, or a footer's) is evaluated per year rather than expanded
 * into a table: an instant is first moved by whole 400-year cycles (146097 days, a whole
 * number of weeks, so the calendar repeats exactly) into 1970..2370, where the arithmetic
 * cannot overflow. PostgreSQL expands the rule into ~1000 years of transitions and wraps
 * beyond them by the same cycle, so the answers are the same.
 */
#include "proto/pgtz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX_TIMES 2000 /* PostgreSQL's limits (src/timezone/tzfile.h): counts must be below */
#define TZ_MAX_TYPES 256
#define TZ_MAX_CHARS 50
#define TZ_MAX_LEAPS 50
#define TZ_CHARS_MAX 512 /* PostgreSQL's state.chars: the abbreviations of a TZ string */
#define TZIF_HEADER 44

#define SECS_PER_HOUR 3600
#define SECS_PER_DAY 86400
#define SECS_PER_CYCLE INT64_C(12622780800) /* 400 Gregorian years */
#define DEFAULT_RULE ",M3.2.0,M11.1.0"      /* PostgreSQL's TZDEFRULESTRING */
#define LOCAL_LIMIT (INT64_C(1) << 62)

enum { RULE_JULIAN, RULE_DAY_OF_YEAR, RULE_MONTH_WEEK_DAY };

typedef struct tzrule {
    uint8_t kind;
    uint8_t mon;  /* 1..12 (M) */
    uint8_t week; /* 1..5 (M) */
    int16_t day;  /* J: 1..365; n: 0..365; M: weekday 0..6 */
    int32_t time; /* seconds after local midnight, -167h..+167h */
} tzrule;

typedef struct tztype {
    int32_t utoff; /* east of UTC */
    uint8_t isdst;
    uint16_t abbr; /* index into chars */
} tztype;

struct pgtz {
    uint32_t timecnt, typecnt, leapcnt, charcnt;
    int64_t *ats;   /* strictly increasing */
    uint8_t *types; /* per transition, < typecnt */
    tztype *ttis;
    int64_t *leap_at;
    int32_t *leap_corr;
    char *chars;         /* charcnt bytes and a NUL */
    uint8_t defaulttype; /* before the first transition */
    uint8_t loweststd;   /* PostgreSQL's "before" for pg_next_dst_boundary */
    /* The yearly rule: in effect from rule_from (a rule transition) on, or at every instant. */
    bool has_rule, rule_always;
    int64_t rule_from;
    uint8_t rule_from_type;
    int32_t std_w, dst_w; /* POSIX offsets: seconds WEST of UTC */
    uint8_t std_type, dst_type;
    tzrule start, end;
};

/* ---- calendar (proleptic Gregorian, days since 1970-01-01) ---- */

static const int mon_lengths[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                       {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The year of a day number; only called with days of 1970..2370. */
static int64_t year_of_day(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

/* t = k * SECS_PER_CYCLE + r with 0 <= r < SECS_PER_CYCLE, for every int64 t. */
static int64_t cycle_reduce(int64_t t, int64_t *k)
{
    int64_t q = t / SECS_PER_CYCLE, r = t % SECS_PER_CYCLE;
    if (r < 0) {
        r += SECS_PER_CYCLE;
        q--;
    }
    *k = q;
    return r;
}

/* ---- the yearly rule ---- */

/* Seconds after 00:00 UTC on 1 January of year y at which the rule fires; offset_w is the
   POSIX (west-positive) offset in effect before it. PostgreSQL's transtime. */
static int64_t rule_time_in_year(int64_t y, const tzrule *r, int32_t offset_w)
{
    int leap = is_leap(y);
    int64_t value;
    if (r->kind == RULE_JULIAN) {
        value = (int64_t)(r->day - 1) * SECS_PER_DAY;
        if (leap && r->day >= 60) value += SECS_PER_DAY;
    } else if (r->kind == RULE_DAY_OF_YEAR) {
        value = (int64_t)r->day * SECS_PER_DAY;
    } else {
        int64_t first = days_from_civil(y, r->mon, 1);
        int dow = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; Sunday = 0 */
        int d = r->day - dow;
        if (d < 0) d += 7;
        for (int i = 1; i < r->week; i++) {
            if (d + 7 >= mon_lengths[leap][r->mon - 1]) break;
            d += 7;
        }
        value = (first - days_from_civil(y, 1, 1) + d) * SECS_PER_DAY;
    }
    return value + r->time + offset_w;
}

/* The rule's transitions in year y, in order: 0 (no change that year) or 2. The conditions
   are PostgreSQL's tzparse: a DST period that covers the whole year is no transition. */
static int rule_year(const pgtz *z, int64_t y, int64_t at[2], uint8_t ty[2])
{
    int64_t jan1 = days_from_civil(y, 1, 1) * SECS_PER_DAY;
    int64_t yearsecs = (is_leap(y) ? 366 : 365) * (int64_t)SECS_PER_DAY;
    int64_t st = rule_time_in_year(y, &z->start, z->std_w);
    int64_t et = rule_time_in_year(y, &z->end, z->dst_w);
    bool reversed = et < st; /* southern hemisphere: DST ends before it starts */
    if (reversed) {
        int64_t swap = st;
        st = et;
        et = swap;
    }
    if (!reversed && !(st < et && et - st < yearsecs + (z->std_w - z->dst_w))) return 0;
    at[0] = jan1 + st;
    ty[0] = reversed ? z->std_type : z->dst_type;
    at[1] = jan1 + et;
    ty[1] = reversed ? z->dst_type : z->std_type;
    return 2;
}

static bool rule_has_transitions(const pgtz *z)
{
    int64_t at[2];
    uint8_t ty[2];
    for (int64_t y = 2000; y < 2400; y++)
        if (rule_year(z, y, at, ty)) return true;
    return false;
}

/* Type of the last rule transition at or before t. */
static unsigned rule_type_at(const pgtz *z, int64_t t)
{
    int64_t k, r = cycle_reduce(t, &k);
    int64_t y = year_of_day(r / SECS_PER_DAY);
    for (int64_t yy = y + 1; yy >= y - 401; yy--) {
        int64_t at[2];
        uint8_t ty[2];
        for (int i = rule_year(z, yy, at, ty) - 1; i >= 0; i--)
            if (at[i] <= r) return ty[i];
    }
    return z->std_type; /* not reached: a rule with transitions has some in every 400 years */
}

/* First rule transition strictly after t (saturating at INT64_MAX); false if none. */
static bool rule_next_after(const pgtz *z, int64_t t, int64_t *when, unsigned *type)
{
    int64_t k, r = cycle_reduce(t, &k);
    int64_t y = year_of_day(r / SECS_PER_DAY);
    for (int64_t yy = y - 1; yy <= y + 402; yy++) {
        int64_t at[2];
        uint8_t ty[2];
        int n = rule_year(z, yy, at, ty);
        for (int i = 0; i < n; i++) {
            if (at[i] > r) {
                int64_t d = at[i] - r;
                *when = t > INT64_MAX - d ? INT64_MAX : t + d;
                *type = ty[i];
                return true;
            }
        }
    }
    return false;
}

/* ---- POSIX TZ strings (PostgreSQL's tzparse, non-"lastditch") ---- */

typedef struct posix_spec {
    const char *stdname, *dstname;
    size_t stdlen, dstlen;
    bool has_dst;
    int32_t std_w, dst_w;
    tzrule start, end;
} posix_spec;

/* The string ends at `end` or at a NUL, whichever comes first. */
static int peek(const char *s, const char *end)
{
    return s < end ? (unsigned char)*s : 0;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static const char *get_zname(const char *s, const char *end)
{
    int c;
    while ((c = peek(s, end)) != 0 && !is_digit(c) && c != ',' && c != '-' && c != '+')
        s++;
    return s;
}

static const char *get_qzname(const char *s, const char *end)
{
    int c;
    while ((c = peek(s, end)) != 0 && c != '>')
        s++;
    return s;
}

static const char *get_num(const char *s, const char *end, int *num, int min, int max)
{
    if (!s || !is_digit(peek(s, end))) return NULL;
    int n = 0;
    do {
        n = n * 10 + (peek(s, end) - '0');
        if (n > max) return NULL;
        s++;
    } while (is_digit(peek(s, end)));
    if (n < min) return NULL;
    *num = n;
    return s;
}

/* hh[:mm[:ss]] with hh up to 167 ("M10.4.6/26" style rules) and ss up to 60. */
static const char *get_secs(const char *s, const char *end, int32_t *secs)
{
    int n;
    if (!(s = get_num(s, end, &n, 0, 24 * 7 - 1))) return NULL;
    int32_t v = n * SECS_PER_HOUR;
    if (peek(s, end) == ':') {
        if (!(s = get_num(s + 1, end, &n, 0, 59))) return NULL;
        v += n * 60;
        if (peek(s, end) == ':') {
            if (!(s = get_num(s + 1, end, &n, 0, 60))) return NULL;
            v += n;
        }
    }
    *secs = v;
    return s;
}

static const char *get_offset(const char *s, const char *end, int32_t *off)
{
    bool neg = false;
    if (peek(s, end) == '-') {
        neg = true;
        s++;
    } else if (peek(s, end) == '+') {
        s++;
    }
    if (!(s = get_secs(s, end, off))) return NULL;
    if (neg) *off = -*off;
    return s;
}

static const char *get_rule(const char *s, const char *end, tzrule *r)
{
    int n, c = peek(s, end);
    if (c == 'J') {
        r->kind = RULE_JULIAN;
        if (!(s = get_num(s + 1, end, &n, 1, 365))) return NULL;
        r->day = (int16_t)n;
    } else if (c == 'M') {
        r->kind = RULE_MONTH_WEEK_DAY;
        if (!(s = get_num(s + 1, end, &n, 1, 12))) return NULL;
        r->mon = (uint8_t)n;
        if (peek(s, end) != '.') return NULL;
        if (!(s = get_num(s + 1, end, &n, 1, 5))) return NULL;
        r->week = (uint8_t)n;
        if (peek(s, end) != '.') return NULL;
        if (!(s = get_num(s + 1, end, &n, 0, 6))) return NULL;
        r->day = (int16_t)n;
    } else if (is_digit(c)) {
        r->kind = RULE_DAY_OF_YEAR;
        if (!(s = get_num(s, end, &n, 0, 365))) return NULL;
        r->day = (int16_t)n;
    } else {
        return NULL;
    }
    if (peek(s, end) == '/') return get_offset(s + 1, end, &r->time);
    r->time = 2 * SECS_PER_HOUR;
    return s;
}

static const char *get_rules(const char *s, const char *end, posix_spec *p)
{
    if (!(s = get_rule(s + 1, end, &p->start))) return NULL; /* s[0] is ',' or ';' */
    if (peek(s, end) != ',') return NULL;
    if (!(s = get_rule(s + 1, end, &p->end))) return NULL;
    return peek(s, end) == 0 ? s : NULL;
}

static bool posix_parse(const char *s, const char *end, posix_spec *p)
{
    memset(p, 0, sizeof *p);
    p->stdname = s;
    if (peek(s, end) == '<') {
        p->stdname = ++s;
        s = get_qzname(s, end);
        if (peek(s, end) != '>') return false;
        p->stdlen = (size_t)(s - p->stdname);
        s++;
    } else {
        s = get_zname(s, end);
        p->stdlen = (size_t)(s - p->stdname);
    }
    if (peek(s, end) == 0) return false; /* an offset is required; the name may be empty */
    if (!(s = get_offset(s, end, &p->std_w))) return false;
    if (p->stdlen + 1 > TZ_CHARS_MAX) return false;
    if (peek(s, end) == 0) return true;

    p->has_dst = true;
    if (peek(s, end) == '<') {
        p->dstname = ++s;
        s = get_qzname(s, end);
        if (peek(s, end) != '>') return false;
        p->dstlen = (size_t)(s - p->dstname);
        s++;
    } else {
        p->dstname = s;
        s = get_zname(s, end);
        p->dstlen = (size_t)(s - p->dstname);
    }
    if (p->dstlen == 0 || p->stdlen + p->dstlen + 2 > TZ_CHARS_MAX) return false;
    int c = peek(s, end);
    if (c != 0 && c != ',' && c != ';') {
        if (!(s = get_offset(s, end, &p->dst_w))) return false;
    } else {
        p->dst_w = p->std_w - SECS_PER_HOUR;
    }
    c = peek(s, end);
    if (c == 0) {
        const char *def = DEFAULT_RULE;
        return get_rules(def, def + strlen(def), p) != NULL;
    }
    if (c != ',' && c != ';') return false;
    return get_rules(s, end, p) != NULL;
}

/* ---- building zones ---- */

static void zone_clear(pgtz *z)
{
    free(z->ats);
    free(z->types);
    free(z->ttis);
    free(z->leap_at);
    free(z->leap_corr);
    free(z->chars);
    memset(z, 0, sizeof *z);
}

void pgtz_free(pgtz *z)
{
    if (!z) return;
    zone_clear(z);
    free(z);
}

/* PostgreSQL's choices of a type where no transition says which (localtime.c, tzloadbody and
   pg_next_dst_boundary): the first standard-time type, else type 0 ... */
static void zone_finish(pgtz *z)
{
    unsigned std = 0;
    while (std < z->typecnt && z->ttis[std].isdst)
        std++;
    z->loweststd = (uint8_t)(std < z->typecnt ? std : 0);
    /* ... and for instants before the first transition: type 0 unless transitions use it. */
    bool zero_used = z->has_rule && (z->std_type == 0 || z->dst_type == 0);
    for (uint32_t i = 0; i < z->timecnt && !zero_used; i++)
        zero_used = z->types[i] == 0;
    int d = zero_used ? -1 : 0;
    if (d < 0 && z->timecnt > 0 && z->ttis[z->types[0]].isdst) {
        d = z->types[0];
        while (--d >= 0)
            if (!z->ttis[d].isdst) break;
    }
    if (d < 0) d = z->loweststd;
    z->defaulttype = (uint8_t)d;
}

static int zone_alloc(pgtz **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : PGTZ_ENOMEM;
}

int pgtz_from_posix(const char *spec, pgtz **out)
{
    *out = NULL;
    if (!spec) return PGTZ_EINVAL;
    size_t len = 0;
    while (len <= PGTZ_POSIX_MAX && spec[len])
        len++;
    posix_spec p;
    if (len > PGTZ_POSIX_MAX || !posix_parse(spec, spec + len, &p)) return PGTZ_EINVAL;
    pgtz *z;
    if (zone_alloc(&z)) return PGTZ_ENOMEM;
    z->chars = malloc(p.stdlen + p.dstlen + 2);
    z->ttis = calloc(2, sizeof *z->ttis);
    if (!z->chars || !z->ttis) goto err_zone;
    memcpy(z->chars, p.stdname, p.stdlen);
    z->chars[p.stdlen] = '\0';
    z->charcnt = (uint32_t)p.stdlen + 1;
    z->ttis[0] = (tztype){.utoff = -p.std_w, .isdst = 0, .abbr = 0};
    z->typecnt = 1;
    if (p.has_dst) {
        memcpy(z->chars + z->charcnt, p.dstname, p.dstlen);
        z->chars[z->charcnt + p.dstlen] = '\0';
        z->ttis[1] = (tztype){.utoff = -p.dst_w, .isdst = 1, .abbr = (uint16_t)z->charcnt};
        z->charcnt += (uint32_t)p.dstlen + 1;
        z->std_w = p.std_w;
        z->dst_w = p.dst_w;
        z->std_type = 0;
        z->dst_type = 1;
        z->start = p.start;
        z->end = p.end;
        if (rule_has_transitions(z)) {
            z->typecnt = 2;
            z->has_rule = z->rule_always = true;
        } else {
            z->ttis[0] = z->ttis[1]; /* DST all year: PostgreSQL keeps only the DST type */
        }
    }
    zone_finish(z);
    *out = z;
    return 0;
err_zone:
    pgtz_free(z);
    return PGTZ_ENOMEM;
}

int pgtz_fixed(int32_t utc_offset_s, pgtz **out)
{
    *out = NULL;
    if (utc_offset_s < -PGTZ_OFFSET_MAX || utc_offset_s > PGTZ_OFFSET_MAX) return PGTZ_ERANGE;
    pgtz *z;
    if (zone_alloc(&z)) return PGTZ_ENOMEM;
    z->chars = malloc(16);
    z->ttis = calloc(1, sizeof *z->ttis);
    if (!z->chars || !z->ttis) {
        pgtz_free(z);
        return PGTZ_ENOMEM;
    }
    /* PostgreSQL's pg_tzset_offset spelling: +HH, +HH:MM, +HH:MM:SS */
    int32_t a = utc_offset_s < 0 ? -utc_offset_s : utc_offset_s;
    int h = (int)(a / 3600), m = (int)(a / 60 % 60), s = (int)(a % 60);
    char sign = utc_offset_s < 0 ? '-' : '+';
    int len;
    if (s)
        len = snprintf(z->chars, 16, "%c%02d:%02d:%02d", sign, h, m, s);
    else if (m)
        len = snprintf(z->chars, 16, "%c%02d:%02d", sign, h, m);
    else
        len = snprintf(z->chars, 16, "%c%02d", sign, h);
    z->charcnt = (uint32_t)len + 1;
    z->ttis[0] = (tztype){.utoff = utc_offset_s, .isdst = 0, .abbr = 0};
    z->typecnt = 1;
    zone_finish(z);
    *out = z;
    return 0;
}

/* ---- TZif ---- */

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chr;
} tzif_counts;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be_signed(const uint8_t *p, size_t size)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++)
        v = v << 8 | p[i];
    if (size == 4) return (int32_t)(uint32_t)v;
    return (int64_t)v; /* two's complement: implementation-defined in C11, exact on our targets */
}

/* Reads a header at p (avail bytes from p) and checks that its data block (of *block_len bytes)
   follows in full. */
static int tzif_header(const uint8_t *p, size_t avail, size_t tsize, tzif_counts *c,
                       size_t *block_len)
{
    if (avail < TZIF_HEADER || memcmp(p, "TZif", 4) != 0) return PGTZ_EINVAL;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chr = be32(p + 40);
    if (c->leap >= TZ_MAX_LEAPS || c->type >= TZ_MAX_TYPES || c->time >= TZ_MAX_TIMES ||
        c->chr >= TZ_MAX_CHARS || (c->isstd != c->type && c->isstd != 0) ||
        (c->isut != c->type && c->isut != 0))
        return PGTZ_EINVAL;
    /* all counts are now small: no overflow below */
    size_t need = (size_t)c->time * (tsize + 1) + (size_t)c->type * 6 + c->chr +
                  (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
    if (avail - TZIF_HEADER < need) return PGTZ_EINVAL;
    *block_len = TZIF_HEADER + need;
    return 0;
}

/* Decodes one data block (after its header) into z, which must be empty. */
static int tzif_block(const uint8_t *p, const tzif_counts *c, size_t tsize, pgtz *z)
{
    z->ats = malloc(((size_t)c->time + 1) * sizeof *z->ats);
    z->types = malloc((size_t)c->time + 1);
    z->ttis = calloc((size_t)c->type + 2, sizeof *z->ttis); /* + 2: a footer's types */
    z->chars = calloc(TZ_MAX_CHARS + 1, 1);
    z->leap_at = malloc(((size_t)c->leap + 1) * sizeof *z->leap_at);
    z->leap_corr = malloc(((size_t)c->leap + 1) * sizeof *z->leap_corr);
    if (!z->ats || !z->types || !z->ttis || !z->chars || !z->leap_at || !z->leap_corr)
        return PGTZ_ENOMEM;

    /* Transitions: of two equal instants the later wins, a decrease is an error (PostgreSQL). */
    const uint8_t *tp = p + (size_t)c->time * tsize;
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->time; i++) {
        int64_t at = be_signed(p + (size_t)i * tsize, tsize);
        uint8_t type = tp[i];
        if (type >= c->type) return PGTZ_EINVAL;
        if (n > 0 && at <= z->ats[n - 1]) {
            if (at < z->ats[n - 1]) return PGTZ_EINVAL;
            n--;
        }
        z->ats[n] = at;
        z->types[n++] = type;
    }
    z->timecnt = n;
    p = tp + c->time;

    for (uint32_t i = 0; i < c->type; i++, p += 6) {
        int64_t utoff = be_signed(p, 4);
        if (utoff < -PGTZ_OFFSET_MAX || utoff > PGTZ_OFFSET_MAX || p[4] > 1 || p[5] >= c->chr)
            return PGTZ_EINVAL;
        z->ttis[i] = (tztype){.utoff = (int32_t)utoff, .isdst = p[4], .abbr = p[5]};
    }
    z->typecnt = c->type;
    memcpy(z->chars, p, c->chr); /* chars[chr..] stay NUL: every abbreviation is terminated */
    z->charcnt = c->chr;
    p += c->chr;

    int64_t prev_at = 0;
    int32_t prev_corr = 0;
    for (uint32_t i = 0; i < c->leap; i++, p += tsize + 4) {
        int64_t at = be_signed(p, tsize);
        int32_t corr = (int32_t)be_signed(p + tsize, 4);
        /* PostgreSQL: not before 1970, at most one per 28-day month, corrections step by 1 */
        if (at < 0 || at - prev_at < 28 * SECS_PER_DAY - 1 ||
            (corr != prev_corr - 1 && corr != prev_corr + 1))
            return PGTZ_EINVAL;
        z->leap_at[i] = prev_at = at;
        z->leap_corr[i] = prev_corr = corr;
    }
    z->leapcnt = c->leap;
    for (uint32_t i = 0; i < c->isstd + c->isut; i++)
        if (p[i] > 1) return PGTZ_EINVAL;
    return 0;
}

typedef struct footer_type {
    const char *name;
    size_t len;
    int32_t w;
    uint8_t isdst;
} footer_type;

/* Appends the footer's types and rule as PostgreSQL's tzloadbody does; a footer it would
   ignore (unparsable, or abbreviations that do not fit in TZ_MAX_CHARS) is ignored. */
static void tzif_footer(const uint8_t *f, size_t len, pgtz *z)
{
    if (len <= 2 || f[0] != '\n' || f[len - 1] != '\n' || z->typecnt + 2 > TZ_MAX_TYPES) return;
    posix_spec p;
    const char *s = (const char *)f + 1, *end = (const char *)f + len - 1;
    if (!posix_parse(s, end, &p)) return;

    pgtz rule = {0}; /* the footer's rule alone, to see whether it has transitions */
    rule.std_w = p.std_w;
    rule.dst_w = p.dst_w;
    rule.std_type = 0;
    rule.dst_type = 1;
    rule.start = p.start;
    rule.end = p.end;
    bool two = p.has_dst && rule_has_transitions(&rule);

    /* the footer's types in PostgreSQL's order: std then dst, or the one that applies */
    footer_type nt[2];
    int ntypes = 0;
    if (!p.has_dst || two) nt[ntypes++] = (footer_type){p.stdname, p.stdlen, p.std_w, 0};
    if (p.has_dst) nt[ntypes++] = (footer_type){p.dstname, p.dstlen, p.dst_w, 1};

    /* abbreviations: reuse a matching suffix of the table, else append within TZ_MAX_CHARS */
    char chars[TZ_MAX_CHARS + 1];
    memcpy(chars, z->chars, TZ_MAX_CHARS + 1);
    uint32_t charcnt = z->charcnt;
    uint16_t abbr[2];
    for (int i = 0; i < ntypes; i++) {
        uint32_t j;
        for (j = 0; j < charcnt; j++)
            if (strlen(chars + j) == nt[i].len && memcmp(chars + j, nt[i].name, nt[i].len) == 0)
                break;
        if (j == charcnt) {
            if (j + nt[i].len >= TZ_MAX_CHARS) return;
            memcpy(chars + j, nt[i].name, nt[i].len);
            chars[j + nt[i].len] = '\0';
            charcnt = j + (uint32_t)nt[i].len + 1;
        }
        abbr[i] = (uint16_t)j;
    }
    memcpy(z->chars, chars, TZ_MAX_CHARS + 1);
    z->charcnt = charcnt;

    /* zic may end a table with no-op transitions; PostgreSQL drops them before extending */
    while (z->timecnt > 1 && z->types[z->timecnt - 1] == z->types[z->timecnt - 2])
        z->timecnt--;

    uint32_t base = z->typecnt;
    for (int i = 0; i < ntypes; i++)
        z->ttis[z->typecnt++] = (tztype){.utoff = -nt[i].w, .isdst = nt[i].isdst, .abbr = abbr[i]};
    if (!two) return; /* one type, no transitions: the last stored type stays in effect */

    z->std_w = p.std_w;
    z->dst_w = p.dst_w;
    z->std_type = (uint8_t)base;
    z->dst_type = (uint8_t)(base + 1);
    z->start = p.start;
    z->end = p.end;
    z->has_rule = true;
    if (z->timecnt == 0) {
        z->rule_always = true;
        return;
    }
    /* PostgreSQL expands the rule from 1770 on and appends what follows the last transition */
    int64_t at[2], first = INT64_MIN;
    uint8_t ty[2];
    for (int64_t y = 1770; y <= 1770 + 401 && first == INT64_MIN; y++)
        if (rule_year(z, y, at, ty)) first = at[0];
    int64_t from = z->ats[z->timecnt - 1];
    if (first != INT64_MIN && first - 1 > from) from = first - 1;
    unsigned type;
    if (!rule_next_after(z, from, &z->rule_from, &type)) { /* not reached: two is true */
        z->has_rule = false;
        return;
    }
    z->rule_from_type = (uint8_t)type;
}

int pgtz_from_tzif(const uint8_t *buf, size_t len, pgtz **out)
{
    *out = NULL;
    if (!buf) return PGTZ_EINVAL;
    tzif_counts c;
    size_t block;
    int rc = tzif_header(buf, len, 4, &c, &block);
    if (rc) return rc;
    pgtz *z;
    if (zone_alloc(&z)) return PGTZ_ENOMEM;
    /* The v1 block is validated even when a v2 block follows, as PostgreSQL does. */
    if ((rc = tzif_block(buf + TZIF_HEADER, &c, 4, z))) goto err_zone;
    if (buf[4] != 0) {
        const uint8_t *v2 = buf + block;
        size_t avail = len - block, block2;
        zone_clear(z);
        if ((rc = tzif_header(v2, avail, 8, &c, &block2))) goto err_zone;
        if ((rc = tzif_block(v2 + TZIF_HEADER, &c, 8, z))) goto err_zone;
        tzif_footer(v2 + block2, avail - block2, z);
    }
    if (z->typecnt == 0) {
        rc = PGTZ_EINVAL;
        goto err_zone;
    }
    zone_finish(z);
    *out = z;
    return 0;
err_zone:
    pgtz_free(z);
    return rc;
}

/* ---- queries ---- */

static unsigned type_at(const pgtz *z, int64_t t)
{
    if (z->rule_always) return rule_type_at(z, t);
    uint32_t n = z->timecnt;
    if (n == 0 || t < z->ats[0]) return z->defaulttype;
    if (t >= z->ats[n - 1])
        return z->has_rule && t >= z->rule_from ? rule_type_at(z, t) : z->types[n - 1];
    uint32_t lo = 0, hi = n - 1; /* ats[lo] <= t < ats[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t < z->ats[mid])
            hi = mid;
        else
            lo = mid;
    }
    return z->types[lo];
}

int32_t pgtz_offset_at(const pgtz *z, int64_t t)
{
    return z ? z->ttis[type_at(z, t)].utoff : 0;
}

void pgtz_info_at(const pgtz *z, int64_t t, pgtz_info *out)
{
    if (!z) {
        *out = (pgtz_info){.utoff = 0, .isdst = false, .abbrev = "UTC"};
        return;
    }
    const tztype *tt = &z->ttis[type_at(z, t)];
    *out = (pgtz_info){.utoff = tt->utoff, .isdst = tt->isdst, .abbrev = z->chars + tt->abbr};
}

/* PostgreSQL's pg_next_dst_boundary: the offset in effect at t and, when there is one, the
   first transition after t and the offset it brings. Returns 0 (no transition) or 1. */
static int next_boundary(const pgtz *z, int64_t t, int32_t *before, int64_t *boundary,
                         int32_t *after)
{
    uint32_t n = z->timecnt;
    unsigned type;
    if (z->rule_always || (z->has_rule && t >= z->rule_from)) {
        *before = z->ttis[rule_type_at(z, t)].utoff;
        if (!rule_next_after(z, t, boundary, &type)) return 0;
        *after = z->ttis[type].utoff;
        return 1;
    }
    if (n == 0) {
        *before = z->ttis[z->loweststd].utoff;
        return 0;
    }
    if (t >= z->ats[n - 1]) {
        *before = z->ttis[z->types[n - 1]].utoff;
        if (!z->has_rule) return 0;
        *boundary = z->rule_from;
        *after = z->ttis[z->rule_from_type].utoff;
        return 1;
    }
    if (t < z->ats[0]) {
        *before = z->ttis[z->loweststd].utoff;
        *boundary = z->ats[0];
        *after = z->ttis[z->types[0]].utoff;
        return 1;
    }
    uint32_t lo = 0, hi = n - 1; /* ats[lo] <= t < ats[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t < z->ats[mid])
            hi = mid;
        else
            lo = mid;
    }
    *before = z->ttis[z->types[lo]].utoff;
    *boundary = z->ats[hi];
    *after = z->ttis[z->types[hi]].utoff;
    return 1;
}

/* PostgreSQL's DetermineTimeZoneOffsetInternal. */
int32_t pgtz_offset_for_local(const pgtz *z, int64_t local)
{
    if (!z || local > LOCAL_LIMIT || local < -LOCAL_LIMIT) return 0;
    int32_t before, after;
    int64_t boundary;
    /* offsets are under 24 h and transitions over 48 h apart, so the first transition after
       local - 24 h is the only one that can matter */
    if (!next_boundary(z, local - SECS_PER_DAY, &before, &boundary, &after)) return before;
    int64_t beforetime = local - before, aftertime = local - after;
    if (beforetime < boundary && aftertime < boundary) return before;
    if (beforetime > boundary && aftertime >= boundary) return after;
    /* a gap (spring forward): the earlier offset; an overlap (fall back): the later one */
    return beforetime > aftertime ? before : after;
}

int32_t pgtz_leap_correction(const pgtz *z, int64_t t)
{
    if (!z) return 0;
    for (uint32_t i = z->leapcnt; i-- > 0;)
        if (t >= z->leap_at[i]) return z->leap_corr[i];
    return 0;
}
