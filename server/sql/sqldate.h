/*
 * server/sql/sqldate.h — the date/time family and uuid: date, time, timestamp (without time
 * zone), timestamptz, interval and uuid values, their text forms, casts, comparisons,
 * arithmetic and functions, as PostgreSQL 15 defines them.
 *
 * Representation in a sqlval (sqlval.h), PostgreSQL's own so binary wire I/O is a copy:
 *   date         u.i   days since 2000-01-01; INT32_MIN / INT32_MAX are -infinity / infinity
 *   time         u.i   microseconds since midnight, 0 .. 24:00:00 inclusive
 *   timestamp    u.i   microseconds since 2000-01-01 00:00 of the wall clock (no zone);
 *                      INT64_MIN / INT64_MAX are -infinity / infinity
 *   timestamptz  u.i   microseconds since 2000-01-01 00:00 UTC (same infinities)
 *   interval     s     16 bytes, a sqldate_interval (months, days and microseconds kept
 *                      apart: '1 mon' is not '30 days' until compared)
 *   uuid         s     16 bytes, network order
 *
 * Text input follows PostgreSQL's datetime parser for what applications and drivers send:
 * ISO 8601 dates and times with ' ' or 'T', fractions (rounded to the microsecond), zones
 * (Z, UTC, GMT, +HH, +HH:MM, +HHMM, a tz database name such as Europe/Paris), AD/BC, month
 * names ('Jan 8 1999', '8 January 1999'), MDY slashes ('1/8/1999', DateStyle's default), and
 * the special words epoch, infinity, -infinity, now, today, tomorrow, yesterday, allballs.
 * Intervals: PostgreSQL's verbose form ('1 year 2 mons -3 days 04:05:06.5', '@ 1 day ago',
 * '1.5 hours', '10' seconds) and ISO 8601 ('P1Y2M3DT4H5M6S', 'PT0.5S').
 * Output is DateStyle ISO, IntervalStyle postgres. Not reproduced: other DateStyles and
 * IntervalStyles, time zone abbreviations (EST, CEST) in input, time with time zone.
 *
 * The session's TimeZone (sqlval_set_timezone) decides timestamptz <-> local conversions and
 * the calendar arithmetic of timestamptz (adding '1 day' across a DST change keeps the wall
 * clock time, as in PostgreSQL). 'now' and friends read the transaction start set with
 * sqldate_set_now (the clock when none is set).
 *
 * Errors are PostgreSQL's: 22007 invalid input syntax for type date, 22008 date/time field
 * value out of range / timestamp out of range / date out of range, 22015 interval out of range,
 * 22023 unit not recognized / not supported, 22012 division by zero.
 */
#ifndef HELIOS_SERVER_SQL_SQLDATE_H
#define HELIOS_SERVER_SQL_SQLDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

#define SQLDATE_OUT_MAX 96 /* longest text sqldate_out writes, NUL included */

typedef struct sqldate_interval {
    int64_t us;     /* time part */
    int32_t days;
    int32_t months;
} sqldate_interval;

/* The family: DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL and UUID. */
bool sqldate_is_type(sqlval_type t);
/* DATE, TIMESTAMP, TIMESTAMPTZ: points in time, comparable with each other. */
bool sqldate_is_datetime(sqlval_type t);

/* ---- values ---- */
int sqldate_set_interval(sqlval *v, const sqldate_interval *iv, sqlerr *err);
void sqldate_get_interval(const sqlval *v, sqldate_interval *iv);
/* The transaction start (µs since 2000-01-01 UTC) 'now', 'today' ... read on this thread. */
void sqldate_set_now(int64_t us);

/* ---- text I/O ---- */
/* Parses text of type t (one of the family). On error *out is a NULL of type t. */
int sqldate_in(sqlval_type t, const char *s, size_t len, sqlval *out, sqlerr *err);
/* Text form of a non-NULL value of the family into buf (>= SQLDATE_OUT_MAX); its length. */
size_t sqldate_out(const sqlval *v, char *buf, size_t n);

/* ---- casts ---- */
/* A cast PostgreSQL has between two types of which at least one is of the family (text
 * casts excluded: those go through sqldate_in / sqldate_out). */
bool sqldate_castable(sqlval_type from, sqlval_type to);
/* Performs it: SQL_OK / SQL_ERR, or 1 when from -> to is not such a cast. */
int sqldate_cast(const sqlval *src, sqlval_type to, sqlval *out, sqlerr *err);
/* The implicit casts (pg_cast context 'i'): date -> timestamp(tz), timestamp -> timestamptz,
 * time -> interval. */
bool sqldate_coercible(sqlval_type from, sqlval_type to);

/* ---- comparison ---- */
bool sqldate_comparable(sqlval_type a, sqlval_type b);
/* Compares two non-NULL values of comparable types; 1 when not a family comparison. */
int sqldate_compare(const sqlval *a, const sqlval *b, int *cmp, sqlerr *err);
/* A 64-bit key equal for equal values (interval: '1 day' = '24 hours'), for hashing. */
uint64_t sqldate_hash(const sqlval *v);

/* ---- operators (op is an SQLAST_OP_* of sqlast.h) ---- */
/* Result type of l op r, SQLVAL_NTYPES when PostgreSQL has no such operator; for the unary
 * minus pass r = SQLVAL_NTYPES. */
sqlval_type sqldate_op_type(int op, sqlval_type l, sqlval_type r);
int sqldate_op(int op, const sqlval *a, const sqlval *b, sqlval_type rt, sqlval *out,
               sqlerr *err);

/* ---- functions (the sqlfunc.c table calls these) ---- */
typedef int (*sqldate_fn)(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_date_trunc(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_date_part(const sqlval *a, int n, sqlval *out, sqlerr *err); /* float8 */
int sqldate_fn_extract(const sqlval *a, int n, sqlval *out, sqlerr *err);   /* numeric */
int sqldate_fn_age(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_make_date(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_make_time(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_make_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_make_timestamptz(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_make_interval(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_justify_days(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_justify_hours(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_justify_interval(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_isfinite(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_to_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err); /* float8 */
int sqldate_fn_timezone(const sqlval *a, int n, sqlval *out, sqlerr *err); /* AT TIME ZONE */
int sqldate_fn_to_char(const sqlval *a, int n, sqlval *out, sqlerr *err);
/* to_timestamp(text, template) and to_date(text, template): PostgreSQL's template fields read
 * back (YYYY ... Y, Y,YYY, MM, DD, DDD, HH24, HH12, MI, SS, SSSS, MS, US, FF1-FF6, AM/PM, AD/BC,
 * month and day names, J, CC, TZH:TZM, FM, quoted text, separators); ISO week fields, TZ and OF
 * are refused (0A000). */
int sqldate_fn_to_timestamp_text(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_to_date(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_date_bin(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_gen_random_uuid(const sqlval *a, int n, sqlval *out, sqlerr *err);
int sqldate_fn_clock_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err);

/* ::interval YEAR TO MONTH, ::interval(3) ...: typmod as PostgreSQL's (range << 16 | precision) */
int sqldate_interval_typmod(sqlval *v, int32_t typmod, sqlerr *err);
/* interval text read under such a typmod ('1'::interval day is one day) */
int sqldate_interval_in_typmod(const char *s, size_t len, int32_t typmod, sqlval *out, sqlerr *err);

/* generate_series(start, stop, step interval) over timestamps: the value after cur (same type
 * as cur), or 1 when the series is past stop. */
int sqldate_series_next(const sqlval *cur, const sqlval *stop, const sqlval *step, bool first,
                        sqlval *out, sqlerr *err);

#endif
