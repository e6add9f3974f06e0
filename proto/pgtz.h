/*
 * proto/pgtz.h — time zones as PostgreSQL 15 computes them: TZif images, POSIX TZ strings,
 * fixed offsets.
 *
 * A pgtz answers two questions: which UTC offset is in effect at a UTC instant
 * (pgtz_offset_at, PostgreSQL's pg_localtime), and which offset PostgreSQL applies to a local
 * wall-clock time that names no zone (pgtz_offset_for_local, PostgreSQL's
 * DetermineTimeZoneOffset: in a spring-forward gap the offset in effect before the transition,
 * in a fall-back overlap the offset after it). Instants are int64 seconds since 1970-01-01 UTC;
 * every int64 is accepted (PostgreSQL's timestamptz range, 4714 BC .. 294276 AD, is far inside).
 *
 * TZif (RFC 8536, versions 1 to 4): v1 files use their 32-bit block; v2+ files use the 64-bit
 * block and the POSIX TZ footer. The rules PostgreSQL 15 applies, reproduced here:
 *   - before the first transition: the "default" type (type 0 in any file written by zic since
 *     2018f; PostgreSQL's heuristic for older data);
 *   - after the last transition: the footer rule, repeating every year (the Gregorian calendar
 *     repeats every 400 years, so any year is computed exactly); a file without a usable footer
 *     keeps its last type forever. PostgreSQL ignores an unparsable footer rather than refusing
 *     the file, and so does this decoder;
 *   - a file without transitions whose footer has DST rules follows the rule at every instant;
 *   - PostgreSQL's limits: fewer than 2000 transitions, 256 types, 50 abbreviation bytes,
 *     50 leap-second records; transitions non-decreasing (of two equal ones the later wins).
 * One limit of our own: a UTC offset beyond ±PGTZ_OFFSET_MAX is refused (no real zone is
 * within a factor of ten of it).
 *
 * POSIX TZ strings are parsed as PostgreSQL's tzparse does, including its liberties: an empty
 * or short standard name ("<>5", "A5"), quoted names ("<+0530>-5:30"), hours up to 167 in
 * offsets and rule times, signed rule times ("M3.5.0/-1", RFC 8536 §3.3.1), Jn and n rule
 * forms, ';' before the first rule, and a DST name without rules meaning ",M3.2.0,M11.1.0".
 * A string describes the zone at every instant (past years follow the same rule).
 * The letters 'J' and 'M' are upper case: PostgreSQL upper-cases a TimeZone value before
 * parsing it (server/sql/sqltz.c does the same).
 *
 * Pure: no file I/O, no clock, no global state; a pgtz is immutable after creation, so any
 * number of threads may query one. NULL is accepted by every query and means UTC.
 * Errors: 0 or a negative PGTZ_E*; on error *out is NULL.
 */
#ifndef HELIOS_PROTO_PGTZ_H
#define HELIOS_PROTO_PGTZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    PGTZ_EINVAL = -1, /* not a TZif image / not a TZ string PostgreSQL accepts */
    PGTZ_ERANGE = -2, /* pgtz_fixed: offset beyond ±PGTZ_OFFSET_MAX */
    PGTZ_ENOMEM = -3
};

#define PGTZ_OFFSET_MAX 604800 /* 167:59:60, the largest offset a POSIX TZ string can spell */
#define PGTZ_POSIX_MAX 255     /* PostgreSQL's TZ_STRLEN_MAX */

typedef struct pgtz pgtz;

typedef struct pgtz_info {
    int32_t utoff; /* seconds east of UTC */
    bool isdst;
    const char *abbrev; /* "EST", "+0530", "LMT"; owned by the zone ("UTC" for NULL) */
} pgtz_info;

/* Decodes a TZif image (buf is only read during the call). */
int pgtz_from_tzif(const uint8_t *buf, size_t len, pgtz **out);
/* Parses a NUL-terminated POSIX TZ string of at most PGTZ_POSIX_MAX bytes. */
int pgtz_from_posix(const char *spec, pgtz **out);
/* A zone always utc_offset_s seconds EAST of UTC, abbreviated as PostgreSQL names such zones
   ("+05", "-08", "+05:30", "+00:00:36"). PGTZ_ERANGE beyond ±PGTZ_OFFSET_MAX. */
int pgtz_fixed(int32_t utc_offset_s, pgtz **out);
void pgtz_free(pgtz *z); /* NULL is fine */

/* Offset (seconds east of UTC) in effect at UTC instant t (seconds since 1970-01-01). */
int32_t pgtz_offset_at(const pgtz *z, int64_t t);
/* The same with the DST flag and abbreviation. */
void pgtz_info_at(const pgtz *z, int64_t t, pgtz_info *out);
/* The offset PostgreSQL uses for the wall-clock time `local` (seconds since 1970 as if it were
   UTC): local - offset is the UTC instant. In a gap, the offset in effect before the
   transition; in an overlap, the one after it. Exactly PostgreSQL's algorithm, which looks for
   the first transition after local - 24 h (so of two transitions less than 48 h apart it sees
   only the first). For |local| > 2^62 (no timestamp) it answers 0, as PostgreSQL does on
   overflow. */
int32_t pgtz_offset_for_local(const pgtz *z, int64_t local);
/* Leap-second correction (seconds) in effect at t: nonzero only for "right/" zones, which
   PostgreSQL refuses. */
int32_t pgtz_leap_correction(const pgtz *z, int64_t t);

#endif
