/*
 * server/sql/sqltz.h — the TimeZone setting: resolving a value as PostgreSQL 15 does, a
 * process-wide cache of zones, and the two conversions timestamptz needs.
 *
 * A value resolves the way PostgreSQL's check_timezone does, in this order:
 *   1. "INTERVAL '...'" (what SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE becomes): a
 *      fixed offset, SQL sign (east-positive); months or days are refused;
 *   2. a number of hours, possibly fractional, as strtod reads it ("-8", "5.5", " 5", "1e1"):
 *      a fixed offset, SQL sign: SET TIME ZONE -8 is 8 hours WEST;
 *   3. a tz database name, matched case-insensitively component by component under
 *      $TZDIR (default /usr/share/zoneinfo), a leading ':' ignored;
 *   4. a POSIX TZ string, upper-cased first ("EST5EDT,M3.2.0,M11.1.0", "UTC+3" which is
 *      3 hours WEST, "<+0530>-5:30", "+05:30" which is 5:30 WEST).
 * A name must be at most 255 bytes; names of files are further restricted before anything is
 * opened: components of [A-Za-z0-9_+-] separated by single '/', no leading '/', so no '.'
 * or '..' can ever reach the file system; only regular files of at most 1 MiB are read.
 * Named zones (3, 4) with leap seconds ("right/UTC") or whose offset on 2000-01-01 has
 * seconds ("<LMT>-0:19:32") are refused, as PostgreSQL's pg_tz_acceptable refuses them;
 * numbers and intervals are not checked (SET TIME ZONE 0.01 is +00:00:36 on PostgreSQL too).
 *
 * What SHOW TimeZone prints (sqltz_name), as PostgreSQL 15 does:
 *   tz database names      the file's own spelling: 'america/new_york' -> America/New_York,
 *                          'utc' -> UTC, 'etc/utc' -> Etc/UTC, 'zulu' -> Zulu
 *   GMT                    GMT (built in, never read from disk)
 *   POSIX strings          upper-cased: 'foo5' -> FOO5, 'est5edt,m3.2.0,m11.1.0' -> EST5EDT,...
 *   numbers, intervals     PostgreSQL's POSIX spelling: -8 -> <-08>+08, 5.5 -> <+05:30>-05:30,
 *                          0.01 -> <+00:00:36>-00:00:36, INTERVAL '-05:30' -> <-05:30>+05:30
 *
 * Cache: every zone resolved is kept for the life of the process (PostgreSQL keeps them for the
 * life of a backend), keyed by the upper-cased value (numbers and intervals: by the name they
 * generate, so -8 and INTERVAL '-08:00' share one), so a second lookup of a name never
 * touches the disk and returned pointers stay valid forever. It is the one piece of shared
 * mutable state here, guarded by a mutex (files are read outside it). It holds at most
 * SQLTZ_CACHE_MAX zones: past that a new value fails with SQLTZ_ETOOMANY, so clients cannot
 * grow memory without bound by inventing POSIX strings.
 *
 * Assumes the C locale for LC_NUMERIC (HeliosDB never calls setlocale), as strtod is used for
 * the numeric form exactly as PostgreSQL uses it.
 * Not reproduced: ISO 8601 intervals ("INTERVAL 'PT5H'") and the rarer interval_in spellings
 * are refused as syntax errors; an interval too large for interval_in (PostgreSQL: 22015) is
 * reported as an out-of-range offset.
 *
 * A NULL const sqltz * is accepted everywhere and means sqltz_utc().
 */
#ifndef HELIOS_SERVER_SQL_SQLTZ_H
#define HELIOS_SERVER_SQL_SQLTZ_H

#include <stddef.h>
#include <stdint.h>

#include "proto/pgtz.h"
#include "server/sql/sqlerr.h"

#define SQLTZ_CACHE_MAX 4096
#define SQLTZ_FILE_MAX (1u << 20)
#define SQLTZ_FORMAT_MAX 48 /* longest sqltz_format text, NUL included */

/* Errors of sqltz_resolve / sqltz_local_to_utc; sqltz_error turns them into PostgreSQL's. */
enum {
    SQLTZ_EINVALID = -1,  /* 22023 invalid value for parameter "TimeZone": "<value>" */
    SQLTZ_ERANGE = -2,    /*       ... DETAIL UTC timezone offset is out of range. */
    SQLTZ_EMONTHS = -3,   /*       ... DETAIL Cannot specify months in time zone interval. */
    SQLTZ_EDAYS = -4,     /*       ... DETAIL Cannot specify days in time zone interval. */
    SQLTZ_ELEAP = -5,     /* 22023 time zone "<value>" appears to use leap seconds */
    SQLTZ_EINTERVAL = -6, /* 22007 invalid input syntax for type interval: "<inner text>" */
    SQLTZ_ETOOMANY = -7,  /* 54000 the cache is full */
    SQLTZ_ENOMEM = -8,    /* 53200 */
    SQLTZ_ETIMESTAMP = -9 /* 22008 timestamp out of range (sqltz_local_to_utc) */
};

typedef struct sqltz sqltz;

/* Resolves a TimeZone value (NUL-terminated, as the client spelled it). On success *out is a
   zone that lives forever; on error *out is NULL and the code says which PostgreSQL error. */
int sqltz_resolve(const char *value, const sqltz **out);
/* sqltz_resolve without the reason: NULL when PostgreSQL would refuse the value. */
const sqltz *sqltz_lookup(const char *value);
/* Fills e with PostgreSQL's error for err (from sqltz_resolve(value) or sqltz_local_to_utc)
   and returns SQL_ERR. */
int sqltz_error(int err, const char *value, sqlerr *e);

/* UTC, named "Etc/UTC" (HeliosDB's default TimeZone); built in, never fails. */
const sqltz *sqltz_utc(void);
/* What SHOW TimeZone prints (see the table above). */
const char *sqltz_name(const sqltz *z);
/* The zone itself (NULL for sqltz_utc(), which pgtz reads as UTC). */
const pgtz *sqltz_zone(const sqltz *z);

/* timestamptz output, DateStyle ISO: "2020-01-01 00:00:00-05", "...00.12+05:30",
   "1883-11-18 07:03:58-04:56:02", "0002-12-31 19:03:58-04:56:02 BC", "infinity" (INT64_MAX),
   "-infinity" (INT64_MIN). us: microseconds since 2000-01-01 00:00 UTC. Writes a NUL-terminated
   text and returns its length; 0 when n < SQLTZ_FORMAT_MAX or us is outside timestamptz's
   range (PostgreSQL: 22008 timestamp out of range). */
size_t sqltz_format(int64_t us, const sqltz *z, char *buf, size_t n);
/* A local wall-clock time (microseconds since 2000-01-01 00:00 as if UTC) to the UTC instant
   PostgreSQL gives it when no zone is written ('2018-03-11 02:30'::timestamptz): the offset is
   pgtz_offset_for_local's. The infinities map to themselves. Returns 0, or SQLTZ_ETIMESTAMP
   when the result is outside timestamptz's range. */
int sqltz_local_to_utc(int64_t local_us, const sqltz *z, int64_t *out_us);

#endif
