/*
 * server/sql/sqldate.c — see sqldate.h.
 *
 * Index: calendar helpers, values, the datetime parser (tokens -> fields), interval input,
 * output, casts, comparison, operators, functions (extract, date_trunc, age, make_*,
 * justify_*, to_char, AT TIME ZONE, date_bin), generate_series steps, uuid.
 * The calendar is proleptic Gregorian with PostgreSQL's ranges: dates from 4714-11-24 BC to
 * 5874897 AD, timestamps to 294276 AD. Year 0 does not exist: 1 BC is year 0 internally.
 */
#include "server/sql/sqldate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "server/sql/sqlast.h"
#include "server/sql/sqltz.h"

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_DAY INT64_C(86400000000)
#define SECS_PER_DAY 86400
#define DAYS_PER_MONTH 30
#define MONTHS_PER_YEAR 12
#define EPOCH_DAYS_1970 10957 /* 2000-01-01 - 1970-01-01 */
#define POSTGRES_EPOCH_JDATE 2451545
/* Julian day 0 is 4714-11-24 BC; dates end before Julian day 2147483494 (5874898-01-01),
 * timestamps before 294277-01-01 (Julian 109203528) */
#define DATE_END_JULIAN 2147483494
#define TIMESTAMP_END_JULIAN 109203528
#define MIN_TIMESTAMP INT64_C(-211813488000000000)
#define END_TIMESTAMP INT64_C(9223371331200000000)
#define DT_NOBEGIN INT64_MIN
#define DT_NOEND INT64_MAX
#define DATE_NOBEGIN INT32_MIN
#define DATE_NOEND INT32_MAX

static _Thread_local int64_t now_us;
static _Thread_local bool now_set;

/* ------------------------------------------------------------------ calendar */

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* Days since 2000-01-01 of a proleptic Gregorian date (year 0 = 1 BC). */
static int64_t days_of(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 - EPOCH_DAYS_1970;
}

static void civil_of(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + EPOCH_DAYS_1970 + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Broken-down wall clock time. */
typedef struct tmx {
    int64_t y; /* astronomical: 0 is 1 BC */
    int m, d, hh, mi, ss;
    int64_t us; /* fraction of the second */
} tmx;

static void tmx_of(int64_t t, tmx *o)
{
    int64_t days = floordiv(t, USECS_PER_DAY), tod = t - days * USECS_PER_DAY;
    civil_of(days, &o->y, &o->m, &o->d);
    o->hh = (int)(tod / USECS_PER_HOUR);
    o->mi = (int)(tod / USECS_PER_MINUTE % 60);
    o->ss = (int)(tod / USECS_PER_SEC % 60);
    o->us = tod % USECS_PER_SEC;
}

/* tmx -> µs; false when outside timestamp's range. */
static bool tmx_to(const tmx *t, int64_t *out)
{
    int64_t jd = days_of(t->y, t->m, t->d) + POSTGRES_EPOCH_JDATE;
    if (jd < 0 || jd >= TIMESTAMP_END_JULIAN) return false;
    int64_t r = (jd - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY +
                ((int64_t)t->hh * 3600 + t->mi * 60 + t->ss) * USECS_PER_SEC + t->us;
    if (r < MIN_TIMESTAMP || r >= END_TIMESTAMP) return false;
    *out = r;
    return true;
}

static bool ts_finite(int64_t t)
{
    return t != DT_NOBEGIN && t != DT_NOEND;
}

static bool ts_in_range(int64_t t)
{
    return !ts_finite(t) || (t >= MIN_TIMESTAMP && t < END_TIMESTAMP);
}

static int ts_range_err(sqlerr *err)
{
    return sqlerr_set(err, "22008", -1, "timestamp out of range");
}

static int date_range_err(sqlerr *err)
{
    return sqlerr_set(err, "22008", -1, "date out of range");
}

static int interval_range_err(sqlerr *err)
{
    return sqlerr_set(err, "22008", -1, "interval out of range");
}

/* session-zone conversions of timestamptz */
static int64_t utc_to_local(int64_t us)
{
    if (!ts_finite(us)) return us;
    const pgtz *z = sqltz_zone(sqlval_session_tz());
    int64_t sec = floordiv(us, USECS_PER_SEC);
    return us + (int64_t)pgtz_offset_at(z, sec + (int64_t)EPOCH_DAYS_1970 * SECS_PER_DAY) * USECS_PER_SEC;
}

static int32_t utc_offset_at(const sqltz *tz, int64_t us)
{
    int64_t sec = floordiv(us, USECS_PER_SEC);
    return pgtz_offset_at(sqltz_zone(tz), sec + (int64_t)EPOCH_DAYS_1970 * SECS_PER_DAY);
}

static int local_to_utc(int64_t local, const sqltz *tz, int64_t *out, sqlerr *err)
{
    if (sqltz_local_to_utc(local, tz, out)) return ts_range_err(err);
    return SQL_OK;
}

static int64_t clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec - (int64_t)EPOCH_DAYS_1970 * SECS_PER_DAY) * USECS_PER_SEC +
           ts.tv_nsec / 1000;
}

static int64_t txn_now(void)
{
    return now_set ? now_us : clock_now();
}

/* ------------------------------------------------------------------ values */

bool sqldate_is_type(sqlval_type t)
{
    return t == SQLVAL_DATE || t == SQLVAL_TIME || t == SQLVAL_TIMESTAMP ||
           t == SQLVAL_TIMESTAMPTZ || t == SQLVAL_INTERVAL || t == SQLVAL_UUID;
}

bool sqldate_is_datetime(sqlval_type t)
{
    return t == SQLVAL_DATE || t == SQLVAL_TIMESTAMP || t == SQLVAL_TIMESTAMPTZ;
}

int sqldate_set_interval(sqlval *v, const sqldate_interval *iv, sqlerr *err)
{
    uint8_t b[16];
    memcpy(b, &iv->us, 8);
    memcpy(b + 8, &iv->days, 4);
    memcpy(b + 12, &iv->months, 4);
    return sqlval_set_str(v, SQLVAL_INTERVAL, (const char *)b, 16, err);
}

void sqldate_get_interval(const sqlval *v, sqldate_interval *iv)
{
    memset(iv, 0, sizeof *iv);
    if (v->isnull || !v->s || v->len != 16) return;
    memcpy(&iv->us, v->s, 8);
    memcpy(&iv->days, v->s + 8, 4);
    memcpy(&iv->months, v->s + 12, 4);
}

void sqldate_set_now(int64_t us)
{
    now_us = us;
    now_set = true;
}

static int set_date(sqlval *out, int64_t days, sqlerr *err)
{
    if (days != DATE_NOBEGIN && days != DATE_NOEND &&
        (days + POSTGRES_EPOCH_JDATE < 0 || days + POSTGRES_EPOCH_JDATE >= DATE_END_JULIAN))
        return date_range_err(err);
    sqlval_set_int(out, SQLVAL_DATE, days);
    return SQL_OK;
}

static int set_ts(sqlval *out, sqlval_type t, int64_t us, sqlerr *err)
{
    if (!ts_in_range(us)) return ts_range_err(err);
    sqlval_set_int(out, t, us);
    return SQL_OK;
}

/* date -> timestamp (local midnight) */
static int date_to_ts(int64_t d, int64_t *out, sqlerr *err)
{
    if (d == DATE_NOBEGIN) *out = DT_NOBEGIN;
    else if (d == DATE_NOEND) *out = DT_NOEND;
    else {
        if (d + POSTGRES_EPOCH_JDATE >= TIMESTAMP_END_JULIAN)
            return sqlerr_set(err, "22008", -1, "date out of range for timestamp");
        *out = d * USECS_PER_DAY;
    }
    return SQL_OK;
}

static int date_to_tstz(int64_t d, int64_t *out, sqlerr *err)
{
    int64_t local = 0;
    if (date_to_ts(d, &local, err)) return SQL_ERR;
    if (!ts_finite(local)) {
        *out = local;
        return SQL_OK;
    }
    if (sqltz_local_to_utc(local, sqlval_session_tz(), out))
        return sqlerr_set(err, "22008", -1, "date out of range for timestamp");
    return SQL_OK;
}

static int64_t ts_to_date(int64_t t)
{
    if (t == DT_NOBEGIN) return DATE_NOBEGIN;
    if (t == DT_NOEND) return DATE_NOEND;
    return floordiv(t, USECS_PER_DAY);
}

/* ------------------------------------------------------------------ datetime input */

typedef struct dtparse {
    bool has_date, has_time, has_tz, bc, pm, am;
    int64_t y;
    int m, d, hh, mi, ss;
    int64_t us;
    int ydigits;
    int32_t tz_east; /* seconds */
    const sqltz *zone; /* a named zone (has_tz) */
    int special;       /* 0, or one of the SP_* below */
    int day_shift;     /* today 0, tomorrow 1, yesterday -1 */
} dtparse;

enum { SP_NONE, SP_EPOCH, SP_INF, SP_NINF, SP_NOW, SP_TODAY, SP_ALLBALLS };

static const char *const month_names[] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
static const char *const day_names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};

static int month_of(const char *w)
{
    size_t n = strlen(w);
    if (n < 3) return 0;
    for (int i = 0; i < 12; i++) {
        if (!strcmp(w, month_names[i])) return i + 1;
        if (n == 3 && !strncmp(w, month_names[i], 3)) return i + 1;
    }
    if (!strcmp(w, "sept")) return 9;
    return 0;
}

static bool day_name(const char *w)
{
    size_t n = strlen(w);
    for (int i = 0; i < 7; i++)
        if (!strcmp(w, day_names[i]) || (n == 3 && !strncmp(w, day_names[i], 3))) return true;
    return !strcmp(w, "tues") || !strcmp(w, "wednes") || !strcmp(w, "thur") || !strcmp(w, "thurs");
}

/* Reads "[.digits]" into µs rounded as PostgreSQL rounds (rint of the double). */
static bool read_frac(const char **p, int64_t *us)
{
    *us = 0;
    if (**p != '.') return true;
    const char *s = *p;
    char buf[40];
    size_t n = 0;
    buf[n++] = '0';
    buf[n++] = '.';
    s++;
    while (isdigit((unsigned char)*s)) {
        if (n < sizeof buf - 1) buf[n++] = *s;
        s++;
    }
    buf[n] = 0;
    *us = (int64_t)rint(strtod(buf, NULL) * 1e6);
    *p = s;
    return true;
}

static int read_num(const char **p, int maxd, int64_t *out)
{
    int n = 0;
    int64_t v = 0;
    while (isdigit((unsigned char)**p)) {
        if (n < 18) v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return maxd && n > maxd ? -1 : n;
}

/* "+HH", "+HH:MM", "+HHMM", "+HH:MM:SS" (sign included); false when not a zone offset. */
static bool parse_offset(const char *s, int32_t *east)
{
    int sign = *s == '-' ? -1 : 1;
    if (*s != '+' && *s != '-') return false;
    s++;
    int64_t h = 0, m = 0, sec = 0;
    int n = read_num(&s, 0, &h);
    if (n < 1) return false;
    if (n == 4 && !*s) {
        m = h % 100;
        h /= 100;
    } else if (*s == ':') {
        s++;
        if (read_num(&s, 2, &m) < 1) return false;
        if (*s == ':') {
            s++;
            if (read_num(&s, 2, &sec) < 1) return false;
        }
    } else if (n > 2) {
        return false;
    }
    if (*s || h > 15 * 24 || m > 59 || sec > 59) return false;
    *east = (int32_t)(sign * (h * 3600 + m * 60 + sec));
    return true;
}

/* "HH:MM[:SS[.f]]" possibly followed by a zone ("Z", "+05", "-05:30"). */
static bool parse_time_tok(const char *s, dtparse *f)
{
    int64_t h, m, sec = 0, us = 0;
    if (read_num(&s, 2, &h) < 1 || *s++ != ':' || read_num(&s, 2, &m) != 2) return false;
    if (*s == ':') {
        s++;
        if (read_num(&s, 2, &sec) != 2) return false;
        read_frac(&s, &us);
    } else if (*s == '.') {
        read_frac(&s, &us); /* "12:30.5": minutes:seconds is not read like this; PostgreSQL
                             * reads MM:SS.f, handled below */
        sec = m;
        m = h;
        h = 0;
    }
    if (*s == 'z' || *s == 'Z') {
        if (s[1]) return false;
        f->has_tz = true;
        f->tz_east = 0;
    } else if (*s) {
        if (!parse_offset(s, &f->tz_east)) return false;
        f->has_tz = true;
    }
    f->has_time = true;
    f->hh = (int)h;
    f->mi = (int)m;
    f->ss = (int)sec;
    f->us = us;
    return true;
}

/* A date token with separators: Y-M-D when the first field has more than two digits,
 * otherwise M/D/Y (DateStyle MDY). */
static bool parse_date_tok(const char *s, dtparse *f)
{
    int64_t a, b, c;
    const char *p = s;
    int na = read_num(&p, 0, &a);
    if (na < 1) return false;
    char sep = *p;
    if (sep != '-' && sep != '/' && sep != '.') return false;
    p++;
    int nb;
    int mon_by_name = 0;
    if (isalpha((unsigned char)*p)) {
        char w[16];
        size_t k = 0;
        while (isalpha((unsigned char)*p) && k < sizeof w - 1) w[k++] = (char)tolower((unsigned char)*p++);
        w[k] = 0;
        mon_by_name = month_of(w);
        if (!mon_by_name) return false;
        nb = 2;
        b = mon_by_name;
    } else {
        nb = read_num(&p, 0, &b);
        if (nb < 1) return false;
    }
    if (*p != sep) return false;
    p++;
    int nc = read_num(&p, 0, &c);
    if (nc < 1 || *p) return false;
    f->has_date = true;
    if (mon_by_name) { /* 8-Jan-1999 or 1999-Jan-08 */
        if (na > 2) f->y = a, f->ydigits = na, f->m = (int)b, f->d = (int)c;
        else f->d = (int)a, f->m = (int)b, f->y = c, f->ydigits = nc;
    } else if (na > 2) {
        f->y = a, f->ydigits = na, f->m = (int)b, f->d = (int)c;
    } else {
        f->m = (int)a, f->d = (int)b, f->y = c, f->ydigits = nc;
    }
    (void)nb;
    return true;
}

static int dt_bad(sqlerr *err, const char *tname, const char *s, size_t len)
{
    int n = len > 200 ? 200 : (int)len;
    return sqlerr_set(err, "22007", -1, "invalid input syntax for type %s: \"%.*s\"", tname, n, s);
}

static int dt_range(sqlerr *err, const char *s, size_t len)
{
    int n = len > 200 ? 200 : (int)len;
    return sqlerr_set(err, "22008", -1, "date/time field value out of range: \"%.*s\"", n, s);
}

/* Splits and classifies the input. Returns 0, 1 bad syntax, 2 field out of range. */
static int dt_parse(const char *in, dtparse *f)
{
    memset(f, 0, sizeof *f);
    char buf[256];
    size_t n = strlen(in);
    if (n >= sizeof buf) return 1;
    memcpy(buf, in, n + 1);
    int64_t loose[3];
    int nloose = 0, loose_digits[3] = {0};
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t\n\r,", &save); tok; tok = strtok_r(NULL, " \t\n\r,", &save)) {
        /* ISO 8601 "2024-01-02T03:04:05": split at the T */
        char *t = NULL;
        if (isdigit((unsigned char)tok[0]) && (t = strpbrk(tok, "Tt")) && t > tok && isdigit((unsigned char)t[-1])) {
            *t = 0;
            if (!parse_date_tok(tok, f)) {
                /* "20240102T030405" */
                int64_t v;
                const char *p = tok;
                if (read_num(&p, 0, &v) != 8 || *p) return 1;
                f->has_date = true;
                f->y = v / 10000, f->m = (int)(v / 100 % 100), f->d = (int)(v % 100), f->ydigits = 4;
            }
            if (!t[1]) continue;
            if (!parse_time_tok(t + 1, f)) return 1;
            continue;
        }
        if (isdigit((unsigned char)tok[0])) {
            if (strchr(tok, ':')) {
                if (f->has_time || !parse_time_tok(tok, f)) return 1;
            } else if (strpbrk(tok, "-/") || (strchr(tok, '.') && strchr(strchr(tok, '.') + 1, '.'))) {
                if (f->has_date || !parse_date_tok(tok, f)) return 1;
            } else {
                int64_t v;
                const char *p = tok;
                int nd = read_num(&p, 0, &v);
                if (*p) return 1;
                if (nd == 8 && !f->has_date && nloose == 0) {
                    f->has_date = true;
                    f->y = v / 10000, f->m = (int)(v / 100 % 100), f->d = (int)(v % 100), f->ydigits = 4;
                } else if (nd == 6 && f->has_date && !f->has_time) { /* HHMMSS */
                    f->has_time = true;
                    f->hh = (int)(v / 10000), f->mi = (int)(v / 100 % 100), f->ss = (int)(v % 100);
                } else {
                    if (nloose == 3) return 1;
                    loose_digits[nloose] = nd;
                    loose[nloose++] = v;
                }
            }
            continue;
        }
        if ((tok[0] == '+' || tok[0] == '-') && (f->has_date || f->has_time)) {
            if (f->has_tz || !parse_offset(tok, &f->tz_east)) return 1;
            f->has_tz = true;
            continue;
        }
        if (!isalpha((unsigned char)tok[0])) return 1;
        char w[64];
        size_t k;
        for (k = 0; tok[k] && k < sizeof w - 1; k++) w[k] = (char)tolower((unsigned char)tok[k]);
        w[k] = 0;
        if (tok[k]) return 1;
        int mo;
        if (!strcmp(w, "epoch")) f->special = SP_EPOCH;
        else if (!strcmp(w, "infinity")) f->special = SP_INF;
        else if (!strcmp(w, "now")) f->special = SP_NOW;
        else if (!strcmp(w, "today")) f->special = SP_TODAY;
        else if (!strcmp(w, "tomorrow")) f->special = SP_TODAY, f->day_shift = 1;
        else if (!strcmp(w, "yesterday")) f->special = SP_TODAY, f->day_shift = -1;
        else if (!strcmp(w, "allballs")) f->special = SP_ALLBALLS;
        else if (!strcmp(w, "bc")) f->bc = true;
        else if (!strcmp(w, "ad")) f->bc = false;
        else if (!strcmp(w, "am")) f->am = true;
        else if (!strcmp(w, "pm")) f->pm = true;
        else if (!strcmp(w, "t")) continue;
        else if (!strcmp(w, "z") || !strcmp(w, "utc") || !strcmp(w, "gmt") || !strcmp(w, "zulu") ||
                 !strcmp(w, "ut")) {
            if (f->has_tz) return 1;
            f->has_tz = true;
            f->tz_east = 0;
        } else if ((mo = month_of(w))) {
            if (f->m && !f->has_date) return 1;
            f->m = mo;
        } else if (day_name(w)) {
            continue;
        } else {
            const sqltz *z = strlen(tok) < 64 ? sqltz_lookup(tok) : NULL;
            if (!z || f->has_tz) return 1;
            f->has_tz = true;
            f->zone = z;
        }
    }
    if (f->special == SP_INF && buf[0] == '-') f->special = SP_NINF;
    if (nloose) {
        /* month by name with loose day and year: "Jan 8 1999", "8 Jan 1999", "January 8, 99" */
        if (f->has_date || !f->m || nloose != 2) return 1;
        int yi = loose_digits[0] > 2 || loose[0] > 31 ? 0 : 1;
        f->y = loose[yi];
        f->ydigits = loose_digits[yi];
        f->d = (int)loose[1 - yi];
        f->has_date = true;
    } else if (f->m && !f->has_date) {
        return 1;
    }
    if (f->has_date) {
        if (f->ydigits <= 2 && !f->bc) f->y += f->y < 70 ? 2000 : 1900;
        if (f->bc) {
            if (f->y == 0) return 2;
            f->y = 1 - f->y;
        } else if (f->y == 0) {
            return 2;
        }
        if (f->m > 12) return 3; /* DTERR_MD_FIELD_OVERFLOW */
        if (f->m < 1 || f->d < 1 || f->d > month_days(f->y, f->m)) return 2;
    }
    if (f->has_time) {
        if (f->pm || f->am) {
            if (f->hh < 1 || f->hh > 12) return 2;
            if (f->pm && f->hh != 12) f->hh += 12;
            if (f->am && f->hh == 12) f->hh = 0;
        }
        if (f->hh > 24 || f->mi > 59 || f->ss > 60 ||
            (f->hh == 24 && (f->mi || f->ss || f->us)))
            return 2;
    } else if (f->am || f->pm) {
        return 1;
    }
    return 0;
}

/* The local date/time a special word stands for (timestamp without zone). */
static int64_t special_local(const dtparse *f)
{
    int64_t local_now = utc_to_local(txn_now());
    if (f->special == SP_NOW) return local_now;
    int64_t day = floordiv(local_now, USECS_PER_DAY) + f->day_shift;
    return day * USECS_PER_DAY;
}

static int parse_datetime(sqlval_type t, const char *s, size_t len, sqlval *out, sqlerr *err)
{
    /* the names PostgreSQL's datetime input errors use */
    const char *tname = t == SQLVAL_TIMESTAMPTZ ? "timestamp with time zone"
                        : t == SQLVAL_TIMESTAMP ? "timestamp"
                        : t == SQLVAL_TIME      ? "time"
                                                : "date";
    char buf[256];
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (!len || len >= sizeof buf || memchr(s, 0, len)) return dt_bad(err, tname, s, len);
    memcpy(buf, s, len);
    buf[len] = 0;
    dtparse f;
    int rc = dt_parse(buf[0] == '-' && !strcasecmp(buf, "-infinity") ? "infinity" : buf, &f);
    if (!rc && !strcasecmp(buf, "-infinity")) f.special = SP_NINF;
    if (rc == 1) return dt_bad(err, tname, s, len);
    if (rc == 2) return dt_range(err, s, len);
    if (rc == 3) {
        dt_range(err, s, len);
        sqlerr_hint(err, "Perhaps you need a different \"datestyle\" setting.");
        return SQL_ERR;
    }
    if (f.special && (f.has_date || (f.has_time && f.special != SP_TODAY))) return dt_bad(err, tname, s, len);
    if (t == SQLVAL_TIME) {
        if (f.special == SP_ALLBALLS) {
            sqlval_set_int(out, t, 0);
            return SQL_OK;
        }
        if (f.special == SP_NOW) {
            int64_t l = utc_to_local(txn_now());
            sqlval_set_int(out, t, l - floordiv(l, USECS_PER_DAY) * USECS_PER_DAY);
            return SQL_OK;
        }
        if (f.special || !f.has_time) return dt_bad(err, tname, s, len);
        sqlval_set_int(out, t, ((int64_t)f.hh * 3600 + f.mi * 60 + f.ss) * USECS_PER_SEC + f.us);
        if (out->u.i > USECS_PER_DAY) return dt_range(err, s, len);
        return SQL_OK;
    }
    if (f.special == SP_ALLBALLS) return dt_bad(err, tname, s, len);
    int64_t local = 0;
    bool have_local = false;
    switch (f.special) {
    case SP_INF:
        if (t == SQLVAL_DATE) sqlval_set_int(out, t, DATE_NOEND);
        else sqlval_set_int(out, t, DT_NOEND);
        return SQL_OK;
    case SP_NINF:
        if (t == SQLVAL_DATE) sqlval_set_int(out, t, DATE_NOBEGIN);
        else sqlval_set_int(out, t, DT_NOBEGIN);
        return SQL_OK;
    case SP_EPOCH:
        if (t == SQLVAL_DATE) sqlval_set_int(out, t, -EPOCH_DAYS_1970);
        else sqlval_set_int(out, t, -(int64_t)EPOCH_DAYS_1970 * USECS_PER_DAY);
        return SQL_OK;
    case SP_NOW:
        if (t == SQLVAL_TIMESTAMPTZ) {
            sqlval_set_int(out, t, txn_now());
            return SQL_OK;
        }
        local = special_local(&f);
        have_local = true;
        break;
    case SP_TODAY:
        local = special_local(&f);
        if (f.has_time)
            local += ((int64_t)f.hh * 3600 + f.mi * 60 + f.ss) * USECS_PER_SEC + f.us;
        have_local = true;
        break;
    default: break;
    }
    if (!have_local) {
        if (!f.has_date) return dt_bad(err, tname, s, len);
        int64_t jd = days_of(f.y, f.m, f.d) + POSTGRES_EPOCH_JDATE;
        if (t == SQLVAL_DATE) {
            if (jd < 0 || jd >= DATE_END_JULIAN) {
                int n = len > 200 ? 200 : (int)len;
                return sqlerr_set(err, "22008", -1, "date out of range: \"%.*s\"", n, s);
            }
            sqlval_set_int(out, t, jd - POSTGRES_EPOCH_JDATE);
            return SQL_OK;
        }
        tmx x = {f.y, f.m, f.d, f.hh, f.mi, f.ss, f.us};
        if (!tmx_to(&x, &local)) {
            /* 24:00:00 and leap seconds roll over; beyond that the timestamp is out of range */
            int n = len > 200 ? 200 : (int)len;
            return sqlerr_set(err, "22008", -1, "timestamp out of range: \"%.*s\"", n, s);
        }
    }
    if (t == SQLVAL_DATE) {
        sqlval_set_int(out, t, floordiv(local, USECS_PER_DAY));
        return SQL_OK;
    }
    if (t == SQLVAL_TIMESTAMP) {
        if (!ts_in_range(local)) {
            int n = len > 200 ? 200 : (int)len;
            return sqlerr_set(err, "22008", -1, "timestamp out of range: \"%.*s\"", n, s);
        }
        sqlval_set_int(out, t, local);
        return SQL_OK;
    }
    int64_t utc;
    if (f.has_tz && !f.zone) {
        utc = local - (int64_t)f.tz_east * USECS_PER_SEC;
    } else {
        int rc2 = sqltz_local_to_utc(local, f.zone ? f.zone : sqlval_session_tz(), &utc);
        if (rc2) return sqltz_error(rc2, buf, err);
    }
    if (!ts_in_range(utc)) {
        int n = len > 200 ? 200 : (int)len;
        return sqlerr_set(err, "22008", -1, "timestamp out of range: \"%.*s\"", n, s);
    }
    sqlval_set_int(out, t, utc);
    return SQL_OK;
}

/* ------------------------------------------------------------------ interval input */

typedef struct ivacc {
    int64_t months, days, us;
} ivacc;

static bool iv_fract_secs(ivacc *a, double frac, double scale)
{
    double us = frac * scale * 1e6;
    if (!isfinite(us) || fabs(us) > 9.2e18) return false;
    a->us += (int64_t)rint(us);
    return true;
}

static bool iv_fract_days(ivacc *a, double frac, double scale)
{
    double d = frac * scale;
    a->days += (int64_t)d;
    return iv_fract_secs(a, d - (double)(int64_t)d, SECS_PER_DAY);
}

/* Adds value (with its fraction) of a unit. false: unknown unit or overflow. */
static bool iv_add_unit(ivacc *a, double v, const char *unit)
{
    double ip = trunc(v), fr = v - ip;
    if (fabs(ip) > 4e18) return false;
    int64_t iv = (int64_t)ip;
    static const struct {
        const char *n;
        int k;
    } units[] = {
        {"microsecond", 1}, {"microseconds", 1}, {"microsecon", 1}, {"us", 1}, {"usec", 1}, {"usecs", 1},
        {"useconds", 1}, {"millisecond", 2}, {"milliseconds", 2}, {"millisecon", 2}, {"ms", 2},
        {"msec", 2}, {"msecs", 2}, {"mseconds", 2}, {"second", 3}, {"seconds", 3}, {"s", 3},
        {"sec", 3}, {"secs", 3}, {"minute", 4}, {"minutes", 4}, {"m", 4}, {"min", 4}, {"mins", 4},
        {"hour", 5}, {"hours", 5}, {"h", 5}, {"hr", 5}, {"hrs", 5}, {"day", 6}, {"days", 6},
        {"d", 6}, {"week", 7}, {"weeks", 7}, {"w", 7}, {"month", 8}, {"months", 8}, {"mon", 8},
        {"mons", 8}, {"year", 9}, {"years", 9}, {"y", 9}, {"yr", 9}, {"yrs", 9}, {"decade", 10},
        {"decades", 10}, {"dec", 10}, {"decs", 10}, {"century", 11}, {"centuries", 11}, {"c", 11},
        {"cent", 11}, {"millennium", 12}, {"millennia", 12}, {"mil", 12}, {"mils", 12},
    };
    int k = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcmp(unit, units[i].n)) {
            k = units[i].k;
            break;
        }
    switch (k) {
    case 1: a->us += (int64_t)rint(v); return true;
    case 2: a->us += (int64_t)rint(v * 1000); return true;
    case 3: a->us += iv * USECS_PER_SEC; return iv_fract_secs(a, fr, 1);
    case 4: a->us += iv * USECS_PER_MINUTE; return iv_fract_secs(a, fr, 60);
    case 5: a->us += iv * USECS_PER_HOUR; return iv_fract_secs(a, fr, 3600);
    case 6: a->days += iv; return iv_fract_secs(a, fr, SECS_PER_DAY);
    case 7: a->days += iv * 7; return iv_fract_days(a, fr, 7);
    case 8: a->months += iv; return iv_fract_days(a, fr, DAYS_PER_MONTH);
    case 9: a->months += iv * 12 + (int64_t)rint(fr * 12); return true;
    case 10: a->months += iv * 120 + (int64_t)rint(fr * 120); return true;
    case 11: a->months += iv * 1200 + (int64_t)rint(fr * 1200); return true;
    case 12: a->months += iv * 12000 + (int64_t)rint(fr * 12000); return true;
    default: return false;
    }
}

/* "[-]H:M[:S[.f]]" or "[-]M:S.f"; false when not one */
static bool iv_time(const char *s, int64_t *us)
{
    int sign = 1;
    if (*s == '-' || *s == '+') sign = *s++ == '-' ? -1 : 1;
    int64_t h, m, sec = 0, f = 0;
    if (read_num(&s, 0, &h) < 1 || *s++ != ':' || read_num(&s, 0, &m) < 1) return false;
    if (*s == ':') {
        s++;
        if (read_num(&s, 0, &sec) < 1) return false;
        read_frac(&s, &f);
    } else if (*s == '.') {
        read_frac(&s, &f); /* MM:SS.f */
        sec = m;
        m = h;
        h = 0;
    }
    if (*s || m > 59 || sec > 59 || h > 2562047788LL) return false;
    *us = sign * ((h * 3600 + m * 60 + sec) * USECS_PER_SEC + f);
    return true;
}

static bool iv_iso(const char *s, ivacc *a)
{
    bool in_time = false;
    s++; /* P */
    if (!*s) return false;
    while (*s) {
        if (*s == 'T' || *s == 't') {
            if (in_time) return false;
            in_time = true;
            s++;
            if (!*s) return false;
            continue;
        }
        char *end;
        double v = strtod(s, &end);
        if (end == s) return false;
        char u = (char)toupper((unsigned char)*end);
        s = end + 1;
        const char *unit;
        if (!in_time) {
            unit = u == 'Y' ? "year" : u == 'M' ? "month" : u == 'W' ? "week" : u == 'D' ? "day" : NULL;
        } else {
            unit = u == 'H' ? "hour" : u == 'M' ? "minute" : u == 'S' ? "second" : NULL;
        }
        if (!unit || !iv_add_unit(a, v, unit)) return false;
    }
    return true;
}

/* PostgreSQL's interval range bits (datetime.h) */
#define IM(b) (1 << (b))
#define R_MONTH IM(1)
#define R_YEAR IM(2)
#define R_DAY IM(3)
#define R_HOUR IM(10)
#define R_MINUTE IM(11)
#define R_SECOND IM(12)
#define R_FULL 0x7FFF

/* The unit of a number written without one, as the range's rightmost field decides. */
static const char *bare_unit(int range)
{
    switch (range) {
    case R_YEAR: return "year";
    case R_MONTH:
    case R_YEAR | R_MONTH: return "month";
    case R_DAY: return "day";
    case R_HOUR:
    case R_DAY | R_HOUR: return "hour";
    case R_MINUTE:
    case R_HOUR | R_MINUTE:
    case R_DAY | R_HOUR | R_MINUTE: return "minute";
    default: return "second";
    }
}

static int parse_interval_range(const char *s, size_t len, int range, sqlval *out, sqlerr *err);

static int parse_interval(const char *s, size_t len, sqlval *out, sqlerr *err)
{
    return parse_interval_range(s, len, R_FULL, out, err);
}

static int parse_interval_range(const char *s, size_t len, int range, sqlval *out, sqlerr *err)
{
    char buf[256];
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    int n = len > 200 ? 200 : (int)len;
    if (!len || len >= sizeof buf || memchr(s, 0, len))
        return sqlerr_set(err, "22007", -1, "invalid input syntax for type interval: \"%.*s\"", n, s);
    memcpy(buf, s, len);
    buf[len] = 0;
    ivacc a = {0, 0, 0};
    bool ok = true, ago = false, any = false;
    if (buf[0] == 'P' || buf[0] == 'p') {
        ok = iv_iso(buf, &a);
        any = ok;
    } else {
        /* split "1day" / "-3h" into number and unit tokens */
        char toks[64][64];
        int nt = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, " \t\n\r", &save); t && ok; t = strtok_r(NULL, " \t\n\r", &save)) {
            char *p = t;
            if ((*p == '+' || *p == '-' || *p == '.' || isdigit((unsigned char)*p)) && !strchr(t, ':')) {
                char *q = p + 1;
                while (isdigit((unsigned char)*q) || *q == '.' || (*q == '-' && isdigit((unsigned char)q[1]) && q > p))
                    q++;
                if (*q && isalpha((unsigned char)*q)) {
                    if (nt + 2 > 64 || q - p >= 64 || strlen(q) >= 64) ok = false;
                    else {
                        memcpy(toks[nt], p, (size_t)(q - p));
                        toks[nt++][q - p] = 0;
                        snprintf(toks[nt++], 64, "%s", q);
                    }
                    continue;
                }
            }
            if (nt + 1 > 64 || strlen(t) >= 64) ok = false;
            else snprintf(toks[nt++], 64, "%s", t);
        }
        for (int i = 0; i < nt && ok; i++) {
            char *t = toks[i];
            if (!strcmp(t, "@") && i == 0) continue;
            for (char *c = t; *c; c++) *c = (char)tolower((unsigned char)*c);
            if (!strcmp(t, "ago")) {
                if (i != nt - 1 || ago) ok = false;
                ago = true;
                continue;
            }
            int64_t us;
            if (strchr(t, ':')) {
                if (range == (R_MINUTE | R_SECOND) && !strchr(strchr(t, ':') + 1, ':') && !strchr(t, '.')) {
                    char mm[80]; /* MINUTE TO SECOND reads "1:30" as 1 minute 30 seconds */
                    snprintf(mm, sizeof mm, "0:%s", t);
                    if (!iv_time(mm, &us)) ok = false;
                    else a.us += us, any = true;
                    continue;
                }
                if (!iv_time(t, &us)) ok = false;
                else a.us += us, any = true;
                continue;
            }
            if (isalpha((unsigned char)t[0])) {
                ok = false;
                break;
            }
            /* year-month "1-2" */
            const char *dash = strchr(t + 1, '-');
            if (dash && isdigit((unsigned char)t[t[0] == '-' || t[0] == '+'])) {
                char *e1, *e2;
                long y = strtol(t, &e1, 10), mo = strtol(dash + 1, &e2, 10);
                if (e1 != dash || *e2 || mo > 11) ok = false;
                else a.months += (int64_t)(y < 0 || t[0] == '-' ? y * 12 - mo : y * 12 + mo), any = true;
                continue;
            }
            char *end;
            double v = strtod(t, &end);
            if (end == t || *end) {
                ok = false;
                break;
            }
            any = true;
            if (i + 1 < nt && isalpha((unsigned char)toks[i + 1][0]) && strcasecmp(toks[i + 1], "ago")) {
                char u[64];
                size_t k;
                for (k = 0; toks[i + 1][k]; k++) u[k] = (char)tolower((unsigned char)toks[i + 1][k]);
                u[k] = 0;
                if (!iv_add_unit(&a, v, u)) ok = false;
                i++;
            } else if (i + 1 < nt && strchr(toks[i + 1], ':')) {
                ok = iv_add_unit(&a, v, "day"); /* "3 04:05:06": days then time */
            } else {
                ok = iv_add_unit(&a, v, bare_unit(range));
            }
        }
    }
    if (!ok || !any)
        return sqlerr_set(err, "22007", -1, "invalid input syntax for type interval: \"%.*s\"", n, s);
    if (ago) a.months = -a.months, a.days = -a.days, a.us = -a.us;
    if (a.months > INT32_MAX || a.months < INT32_MIN || a.days > INT32_MAX || a.days < INT32_MIN)
        return sqlerr_set(err, "22015", -1, "interval field value out of range: \"%.*s\"", n, s);
    sqldate_interval iv = {a.us, (int32_t)a.days, (int32_t)a.months};
    return sqldate_set_interval(out, &iv, err);
}

/* ------------------------------------------------------------------ uuid */

static int parse_uuid(const char *s, size_t len, sqlval *out, sqlerr *err)
{
    uint8_t b[16];
    size_t i = 0, k = 0;
    bool braces = len && s[0] == '{';
    if (braces) i++;
    for (; k < 16; k++) {
        if (i + 1 >= len + 0 || !isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
            goto bad;
        char h[3] = {s[i], s[i + 1], 0};
        b[k] = (uint8_t)strtol(h, NULL, 16);
        i += 2;
        if (i < len && s[i] == '-' && k % 2 == 1 && k < 15) i++;
    }
    if (braces) {
        if (i >= len || s[i] != '}') goto bad;
        i++;
    }
    if (i != len) goto bad;
    return sqlval_set_str(out, SQLVAL_UUID, (const char *)b, 16, err);
bad:;
    int n = len > 200 ? 200 : (int)len;
    return sqlerr_set(err, "22P02", -1, "invalid input syntax for type uuid: \"%.*s\"", n, s);
}

int sqldate_in(sqlval_type t, const char *s, size_t len, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, t);
    switch (t) {
    case SQLVAL_INTERVAL: return parse_interval(s, len, out, err);
    case SQLVAL_UUID: return parse_uuid(s, len, out, err);
    default: {
        int rc = parse_datetime(t, s, len, out, err);
        if (rc) sqlval_init_null(out, t);
        return rc;
    }
    }
}

/* ------------------------------------------------------------------ output */

static size_t put_frac(char *buf, size_t n, size_t at, int64_t us)
{
    if (!us) return at;
    char f[8];
    snprintf(f, sizeof f, "%06lld", (long long)us);
    for (int i = 5; i > 0 && f[i] == '0'; i--) f[i] = 0;
    return at + (size_t)snprintf(buf + at, n - at, ".%s", f);
}

static size_t out_date(int64_t d, char *buf, size_t n)
{
    if (d == DATE_NOBEGIN) return (size_t)snprintf(buf, n, "-infinity");
    if (d == DATE_NOEND) return (size_t)snprintf(buf, n, "infinity");
    int64_t y;
    int m, dd;
    civil_of(d, &y, &m, &dd);
    bool bc = y <= 0;
    return (size_t)snprintf(buf, n, "%04lld-%02d-%02d%s", (long long)(bc ? 1 - y : y), m, dd,
                            bc ? " BC" : "");
}

static size_t out_timestamp(int64_t t, char *buf, size_t n)
{
    if (t == DT_NOBEGIN) return (size_t)snprintf(buf, n, "-infinity");
    if (t == DT_NOEND) return (size_t)snprintf(buf, n, "infinity");
    tmx x;
    tmx_of(t, &x);
    bool bc = x.y <= 0;
    size_t at = (size_t)snprintf(buf, n, "%04lld-%02d-%02d %02d:%02d:%02d",
                                 (long long)(bc ? 1 - x.y : x.y), x.m, x.d, x.hh, x.mi, x.ss);
    at = put_frac(buf, n, at, x.us);
    if (bc) at += (size_t)snprintf(buf + at, n - at, " BC");
    return at;
}

static size_t out_time(int64_t t, char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%02d:%02d:%02d", (int)(t / USECS_PER_HOUR),
                                 (int)(t / USECS_PER_MINUTE % 60), (int)(t / USECS_PER_SEC % 60));
    return put_frac(buf, n, at, t % USECS_PER_SEC);
}

static size_t iv_part(char *buf, size_t n, size_t at, int64_t v, const char *unit, bool *zero,
                      bool *before)
{
    if (!v) return at;
    at += (size_t)snprintf(buf + at, n - at, "%s%s%lld %s%s", *zero ? "" : " ",
                           *before && v > 0 ? "+" : "", (long long)v, unit, v != 1 ? "s" : "");
    *before = v < 0;
    *zero = false;
    return at;
}

static size_t out_interval(const sqldate_interval *iv, char *buf, size_t n)
{
    bool zero = true, before = false;
    size_t at = 0;
    buf[0] = 0;
    at = iv_part(buf, n, at, iv->months / 12, "year", &zero, &before);
    at = iv_part(buf, n, at, iv->months % 12, "mon", &zero, &before);
    at = iv_part(buf, n, at, iv->days, "day", &zero, &before);
    int64_t t = iv->us;
    int64_t h = t / USECS_PER_HOUR;
    t -= h * USECS_PER_HOUR;
    int64_t mi = t / USECS_PER_MINUTE;
    t -= mi * USECS_PER_MINUTE;
    int64_t sec = t / USECS_PER_SEC, fs = t % USECS_PER_SEC;
    if (zero || h || mi || sec || fs) {
        bool minus = h < 0 || mi < 0 || sec < 0 || fs < 0;
        at += (size_t)snprintf(buf + at, n - at, "%s%s%02lld:%02lld:%02lld", zero ? "" : " ",
                               minus ? "-" : before ? "+" : "", (long long)llabs(h),
                               (long long)llabs(mi), (long long)llabs(sec));
        at = put_frac(buf, n, at, llabs(fs));
    }
    return at;
}

size_t sqldate_out(const sqlval *v, char *buf, size_t n)
{
    switch (v->type) {
    case SQLVAL_DATE: return out_date(v->u.i, buf, n);
    case SQLVAL_TIME: return out_time(v->u.i, buf, n);
    case SQLVAL_TIMESTAMP: return out_timestamp(v->u.i, buf, n);
    case SQLVAL_TIMESTAMPTZ: {
        size_t k = sqltz_format(v->u.i, sqlval_session_tz(), buf, n);
        return k ? k : out_timestamp(v->u.i, buf, n);
    }
    case SQLVAL_INTERVAL: {
        sqldate_interval iv;
        sqldate_get_interval(v, &iv);
        return out_interval(&iv, buf, n);
    }
    case SQLVAL_UUID: {
        const uint8_t *b = (const uint8_t *)v->s;
        if (!b || v->len != 16) return (size_t)snprintf(buf, n, "%s", "");
        size_t at = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) buf[at++] = '-';
            at += (size_t)snprintf(buf + at, n - at, "%02x", b[i]);
        }
        return at;
    }
    default: buf[0] = 0; return 0;
    }
}

/* ------------------------------------------------------------------ casts */

bool sqldate_castable(sqlval_type from, sqlval_type to)
{
    if (from == to) return true;
    switch (from) {
    case SQLVAL_DATE: return to == SQLVAL_TIMESTAMP || to == SQLVAL_TIMESTAMPTZ;
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ:
        return to == SQLVAL_DATE || to == SQLVAL_TIME || to == SQLVAL_TIMESTAMP ||
               to == SQLVAL_TIMESTAMPTZ;
    case SQLVAL_TIME: return to == SQLVAL_INTERVAL;
    case SQLVAL_INTERVAL: return to == SQLVAL_TIME;
    default: return false;
    }
}

bool sqldate_coercible(sqlval_type from, sqlval_type to)
{
    return (from == SQLVAL_DATE && (to == SQLVAL_TIMESTAMP || to == SQLVAL_TIMESTAMPTZ)) ||
           (from == SQLVAL_TIMESTAMP && to == SQLVAL_TIMESTAMPTZ) ||
           (from == SQLVAL_TIME && to == SQLVAL_INTERVAL);
}

/* timestamp(tz) -> its local (wall clock) µs */
static int64_t local_of(const sqlval *v)
{
    return v->type == SQLVAL_TIMESTAMPTZ ? utc_to_local(v->u.i) : v->u.i;
}

int sqldate_cast(const sqlval *src, sqlval_type to, sqlval *out, sqlerr *err)
{
    sqlval_type from = src->type;
    if (!sqldate_castable(from, to) || from == to) return 1;
    int64_t r;
    switch (from) {
    case SQLVAL_DATE:
        if (to == SQLVAL_TIMESTAMP) {
            if (date_to_ts(src->u.i, &r, err)) return SQL_ERR;
        } else if (date_to_tstz(src->u.i, &r, err)) {
            return SQL_ERR;
        }
        sqlval_set_int(out, to, r);
        return SQL_OK;
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ:
        if (to == SQLVAL_DATE) return set_date(out, ts_to_date(local_of(src)), err);
        if (to == SQLVAL_TIME) {
            if (!ts_finite(src->u.i)) {
                sqlval_init_null(out, to);
                return SQL_OK; /* PostgreSQL returns NULL for infinite input */
            }
            int64_t l = local_of(src);
            sqlval_set_int(out, to, l - floordiv(l, USECS_PER_DAY) * USECS_PER_DAY);
            return SQL_OK;
        }
        if (to == SQLVAL_TIMESTAMP) {
            r = utc_to_local(src->u.i);
            return set_ts(out, to, r, err);
        }
        if (local_to_utc(src->u.i, sqlval_session_tz(), &r, err)) return SQL_ERR;
        return set_ts(out, to, r, err);
    case SQLVAL_TIME: {
        sqldate_interval iv = {src->u.i, 0, 0};
        return sqldate_set_interval(out, &iv, err);
    }
    case SQLVAL_INTERVAL: {
        sqldate_interval iv;
        sqldate_get_interval(src, &iv);
        int64_t t = iv.us % USECS_PER_DAY;
        if (t < 0) t += USECS_PER_DAY;
        sqlval_set_int(out, to, t);
        return SQL_OK;
    }
    default: return 1;
    }
}

/* ------------------------------------------------------------------ comparison */

bool sqldate_comparable(sqlval_type a, sqlval_type b)
{
    if (sqldate_is_datetime(a) && sqldate_is_datetime(b)) return true;
    return a == b && sqldate_is_type(a);
}

__extension__ typedef __int128 i128;

static i128 iv_span(const sqldate_interval *iv)
{
    return (i128)iv->us + (i128)iv->days * USECS_PER_DAY +
           (i128)iv->months * DAYS_PER_MONTH * USECS_PER_DAY;
}

/* A date, timestamp or timestamptz as a value of type `as` (TIMESTAMP or TIMESTAMPTZ). A
 * conversion out of range saturates (PostgreSQL compares such values as infinities). */
static int64_t as_ts(const sqlval *v, sqlval_type as)
{
    int64_t r;
    sqlerr e;
    switch (v->type) {
    case SQLVAL_DATE:
        if (as == SQLVAL_TIMESTAMP ? date_to_ts(v->u.i, &r, &e) : date_to_tstz(v->u.i, &r, &e))
            return v->u.i < 0 ? DT_NOBEGIN : DT_NOEND;
        return r;
    case SQLVAL_TIMESTAMP:
        if (as == SQLVAL_TIMESTAMP) return v->u.i;
        if (sqltz_local_to_utc(v->u.i, sqlval_session_tz(), &r)) return v->u.i < 0 ? DT_NOBEGIN : DT_NOEND;
        return r;
    default: return v->u.i;
    }
}

int sqldate_compare(const sqlval *a, const sqlval *b, int *cmp, sqlerr *err)
{
    (void)err;
    sqlval_type ta = a->type, tb = b->type;
    if (sqldate_is_datetime(ta) && sqldate_is_datetime(tb)) {
        int64_t x, y;
        if (ta == SQLVAL_DATE && tb == SQLVAL_DATE) {
            x = a->u.i, y = b->u.i;
        } else {
            sqlval_type as = ta == SQLVAL_TIMESTAMPTZ || tb == SQLVAL_TIMESTAMPTZ ? SQLVAL_TIMESTAMPTZ
                                                                                  : SQLVAL_TIMESTAMP;
            x = as_ts(a, as), y = as_ts(b, as);
        }
        *cmp = x < y ? -1 : x > y;
        return SQL_OK;
    }
    if (ta != tb || !sqldate_is_type(ta)) return 1;
    switch (ta) {
    case SQLVAL_TIME: *cmp = a->u.i < b->u.i ? -1 : a->u.i > b->u.i; return SQL_OK;
    case SQLVAL_INTERVAL: {
        sqldate_interval x, y;
        sqldate_get_interval(a, &x);
        sqldate_get_interval(b, &y);
        i128 p = iv_span(&x), q = iv_span(&y);
        *cmp = p < q ? -1 : p > q;
        return SQL_OK;
    }
    case SQLVAL_UUID: {
        int c = memcmp(a->s, b->s, 16);
        *cmp = c < 0 ? -1 : c > 0;
        return SQL_OK;
    }
    default: return 1;
    }
}

uint64_t sqldate_hash(const sqlval *v)
{
    switch (v->type) {
    case SQLVAL_INTERVAL: {
        sqldate_interval iv;
        sqldate_get_interval(v, &iv);
        i128 s = iv_span(&iv);
        return (uint64_t)s ^ (uint64_t)(s >> 64) * 0x9E3779B97F4A7C15ULL;
    }
    case SQLVAL_UUID: {
        uint64_t x, y;
        memcpy(&x, v->s, 8);
        memcpy(&y, v->s + 8, 8);
        return x ^ (y * 0x9E3779B97F4A7C15ULL);
    }
    default: return (uint64_t)v->u.i;
    }
}

/* ------------------------------------------------------------------ arithmetic */

static bool is_i(sqlval_type t)
{
    return t == SQLVAL_INT2 || t == SQLVAL_INT4;
}

static bool is_num(sqlval_type t)
{
    return sqlval_type_is_numeric(t) && t != SQLVAL_OID;
}

sqlval_type sqldate_op_type(int op, sqlval_type l, sqlval_type r)
{
    const sqlval_type D = SQLVAL_DATE, T = SQLVAL_TIME, TS = SQLVAL_TIMESTAMP,
                      TZ = SQLVAL_TIMESTAMPTZ, I = SQLVAL_INTERVAL, U = SQLVAL_UNKNOWN;
    if (op == SQLAST_OP_NEG) return l == I ? I : SQLVAL_NTYPES;
    /* an untyped literal next to a timestamp or interval is an interval where that is the
     * only candidate PostgreSQL finds */
    if (op == SQLAST_OP_ADD) {
        if (l == U && (r == TS || r == TZ)) l = I;
        if (r == U && (l == TS || l == TZ)) r = I;
        if (l == D && is_i(r)) return D;
        if (is_i(l) && r == D) return D;
        if ((l == D && r == I) || (l == I && r == D)) return TS;
        if ((l == D && r == T) || (l == T && r == D)) return TS;
        if ((l == TS && r == I) || (l == I && r == TS)) return TS;
        if ((l == TZ && r == I) || (l == I && r == TZ)) return TZ;
        if ((l == T && r == I) || (l == I && r == T)) return T;
        if (l == I && r == I) return I;
        return SQLVAL_NTYPES;
    }
    if (op == SQLAST_OP_SUB) {
        if (l == D && r == D) return SQLVAL_INT4;
        if (l == D && is_i(r)) return D;
        if (l == D && (r == I || r == T)) return TS;
        if (sqldate_is_datetime(l) && sqldate_is_datetime(r) && (l != D || r != D))
            return l == TZ || r == TZ ? I : I;
        if (l == TS && r == I) return TS;
        if (l == TZ && r == I) return TZ;
        if (l == T && r == T) return I;
        if (l == T && r == I) return T;
        if (l == I && r == I) return I;
        return SQLVAL_NTYPES;
    }
    if (op == SQLAST_OP_MUL) {
        if ((l == I && (is_num(r) || r == U)) || ((is_num(l) || l == U) && r == I)) return I;
        return SQLVAL_NTYPES;
    }
    if (op == SQLAST_OP_DIV) return l == I && (is_num(r) || r == U) ? I : SQLVAL_NTYPES;
    return SQLVAL_NTYPES;
}

static bool add_ov(int64_t a, int64_t b, int64_t *r)
{
    return __builtin_add_overflow(a, b, r);
}

/* timestamp (tz: timestamptz) + interval, PostgreSQL's timestamp_pl_interval */
static int ts_plus(int64_t t, const sqldate_interval *iv, bool tz, int64_t *out, sqlerr *err)
{
    if (!ts_finite(t)) {
        *out = t;
        return SQL_OK;
    }
    const sqltz *z = sqlval_session_tz();
    if (iv->months) {
        int64_t l = tz ? utc_to_local(t) : t;
        tmx x;
        tmx_of(l, &x);
        int64_t m = x.y * 12 + (x.m - 1) + iv->months;
        x.y = floordiv(m, 12);
        x.m = (int)(m - x.y * 12) + 1;
        if (x.d > month_days(x.y, x.m)) x.d = month_days(x.y, x.m);
        if (!tmx_to(&x, &l)) return ts_range_err(err);
        if (tz) {
            if (local_to_utc(l, z, &t, err)) return SQL_ERR;
        } else {
            t = l;
        }
    }
    if (iv->days) {
        int64_t l = tz ? utc_to_local(t) : t, r;
        if (add_ov(l, (int64_t)iv->days * USECS_PER_DAY, &r) || !ts_in_range(r) || !ts_finite(r))
            return ts_range_err(err);
        if (tz) {
            if (local_to_utc(r, z, &t, err)) return SQL_ERR;
        } else {
            t = r;
        }
    }
    if (add_ov(t, iv->us, &t) || !ts_finite(t) || !ts_in_range(t)) return ts_range_err(err);
    *out = t;
    return SQL_OK;
}

static void iv_neg(sqldate_interval *iv)
{
    iv->us = -iv->us;
    iv->days = -iv->days;
    iv->months = -iv->months;
}

static void justify_hours(sqldate_interval *r)
{
    int64_t wd = r->us / USECS_PER_DAY;
    r->us -= wd * USECS_PER_DAY;
    r->days += (int32_t)wd;
    if (r->days > 0 && r->us < 0) {
        r->us += USECS_PER_DAY;
        r->days--;
    } else if (r->days < 0 && r->us > 0) {
        r->us -= USECS_PER_DAY;
        r->days++;
    }
}

static double num_to_double(const sqlval *v)
{
    if (v->type == SQLVAL_FLOAT4 || v->type == SQLVAL_FLOAT8) return v->u.f;
    if (sqlval_type_is_integer(v->type)) return (double)v->u.i;
    return v->s ? strtod(v->s, NULL) : 0;
}

#define TSROUND(j) (rint(((double)(j)) * 1000000.0) / 1000000.0)

static bool fits_i32(double d)
{
    return d >= -2147483648.0 && d < 2147483648.0;
}

static int iv_mul(const sqldate_interval *s, double f, bool div, sqldate_interval *r, sqlerr *err)
{
    if (div && f == 0.0) return sqlerr_set(err, "22012", -1, "division by zero");
    double rm = div ? s->months / f : s->months * f;
    double rd = div ? s->days / f : s->days * f;
    if (isnan(rm) || !fits_i32(rm) || isnan(rd) || !fits_i32(rd)) return interval_range_err(err);
    r->months = (int32_t)rm;
    r->days = (int32_t)rd;
    double mrd = ((div ? s->months / f : s->months * f) - r->months) * DAYS_PER_MONTH;
    mrd = TSROUND(mrd);
    double sr = ((div ? s->days / f : s->days * f) - r->days + mrd - (int)mrd) * SECS_PER_DAY;
    sr = TSROUND(sr);
    if (fabs(sr) >= SECS_PER_DAY) {
        r->days += (int)(sr / SECS_PER_DAY);
        sr -= (int)(sr / SECS_PER_DAY) * SECS_PER_DAY;
    }
    r->days += (int32_t)mrd;
    double t = rint((div ? s->us / f : s->us * f) + sr * USECS_PER_SEC);
    if (isnan(t) || t < -9223372036854775808.0 || t >= 9223372036854775808.0) return interval_range_err(err);
    r->us = (int64_t)t;
    return SQL_OK;
}

int sqldate_op(int op, const sqlval *a0, const sqlval *b0, sqlval_type rt, sqlval *out, sqlerr *err)
{
    sqlval ca, cb;
    sqlval_init_null(&ca, SQLVAL_UNKNOWN);
    sqlval_init_null(&cb, SQLVAL_UNKNOWN);
    const sqlval *a = a0, *b = b0;
    int rc = SQL_ERR;
    /* untyped literals take the type the operator found for them */
    if (op != SQLAST_OP_NEG && a->type == SQLVAL_UNKNOWN) {
        sqlval_type want = op == SQLAST_OP_MUL ? SQLVAL_FLOAT8 : SQLVAL_INTERVAL;
        if (sqlval_from_text(want, a->s, a->len, &ca, err)) goto out;
        a = &ca;
    }
    if (op != SQLAST_OP_NEG && b->type == SQLVAL_UNKNOWN) {
        sqlval_type want = op == SQLAST_OP_MUL || op == SQLAST_OP_DIV ? SQLVAL_FLOAT8 : SQLVAL_INTERVAL;
        if (sqlval_from_text(want, b->s, b->len, &cb, err)) goto out;
        b = &cb;
    }
    sqlval_type l = a->type, r = op == SQLAST_OP_NEG ? SQLVAL_NTYPES : b->type;
    sqldate_interval x, y, res = {0, 0, 0};
    int64_t t;
    if (op == SQLAST_OP_NEG) {
        sqldate_get_interval(a, &x);
        if (x.us == INT64_MIN || x.days == INT32_MIN || x.months == INT32_MIN) {
            rc = interval_range_err(err);
            goto out;
        }
        iv_neg(&x);
        rc = sqldate_set_interval(out, &x, err);
        goto out;
    }
    if (op == SQLAST_OP_MUL || op == SQLAST_OP_DIV) {
        const sqlval *iv = l == SQLVAL_INTERVAL ? a : b, *f = l == SQLVAL_INTERVAL ? b : a;
        sqldate_get_interval(iv, &x);
        if (iv_mul(&x, num_to_double(f), op == SQLAST_OP_DIV, &res, err)) goto out;
        rc = sqldate_set_interval(out, &res, err);
        goto out;
    }
    if (op == SQLAST_OP_ADD && (r == SQLVAL_DATE || (l == SQLVAL_INTERVAL && r != SQLVAL_INTERVAL) ||
                                (l == SQLVAL_TIME && r == SQLVAL_DATE))) {
        const sqlval *tmp = a; /* commute so the point in time is on the left */
        a = b;
        b = tmp;
        l = a->type;
        r = b->type;
    }
    if (l == SQLVAL_DATE && (is_i(r))) {
        if (a->u.i == DATE_NOBEGIN || a->u.i == DATE_NOEND) {
            sqlval_set_int(out, SQLVAL_DATE, a->u.i);
            rc = SQL_OK;
            goto out;
        }
        int64_t d = op == SQLAST_OP_ADD ? a->u.i + b->u.i : a->u.i - b->u.i;
        rc = set_date(out, d, err);
        goto out;
    }
    if (l == SQLVAL_DATE && r == SQLVAL_DATE && op == SQLAST_OP_SUB) {
        if (a->u.i == DATE_NOBEGIN || a->u.i == DATE_NOEND || b->u.i == DATE_NOBEGIN || b->u.i == DATE_NOEND) {
            rc = sqlerr_set(err, "22008", -1, "cannot subtract infinite dates");
            goto out;
        }
        sqlval_set_int(out, SQLVAL_INT4, a->u.i - b->u.i);
        rc = SQL_OK;
        goto out;
    }
    if (l == SQLVAL_DATE && r == SQLVAL_TIME) {
        int64_t ts = 0;
        if (date_to_ts(a->u.i, &ts, err)) goto out;
        if (ts_finite(ts)) ts = op == SQLAST_OP_ADD ? ts + b->u.i : ts - b->u.i;
        rc = set_ts(out, SQLVAL_TIMESTAMP, ts, err);
        goto out;
    }
    if (sqldate_is_datetime(l) && sqldate_is_datetime(r) && op == SQLAST_OP_SUB) {
        sqlval_type as = l == SQLVAL_TIMESTAMPTZ || r == SQLVAL_TIMESTAMPTZ ? SQLVAL_TIMESTAMPTZ : SQLVAL_TIMESTAMP;
        int64_t p = as_ts(a, as), q = as_ts(b, as);
        if (!ts_finite(p) || !ts_finite(q)) {
            rc = sqlerr_set(err, "22008", -1, "cannot subtract infinite timestamps");
            goto out;
        }
        if (__builtin_sub_overflow(p, q, &res.us)) {
            rc = interval_range_err(err);
            goto out;
        }
        res.days = 0;
        res.months = 0;
        justify_hours(&res);
        rc = sqldate_set_interval(out, &res, err);
        goto out;
    }
    if (r == SQLVAL_INTERVAL && (l == SQLVAL_DATE || l == SQLVAL_TIMESTAMP || l == SQLVAL_TIMESTAMPTZ)) {
        sqldate_get_interval(b, &y);
        if (op == SQLAST_OP_SUB) {
            if (y.us == INT64_MIN || y.days == INT32_MIN || y.months == INT32_MIN) {
                rc = interval_range_err(err);
                goto out;
            }
            iv_neg(&y);
        }
        int64_t base = a->u.i;
        if (l == SQLVAL_DATE && date_to_ts(a->u.i, &base, err)) goto out;
        if (ts_plus(base, &y, l == SQLVAL_TIMESTAMPTZ, &t, err)) goto out;
        rc = set_ts(out, rt, t, err);
        goto out;
    }
    if (l == SQLVAL_TIME && r == SQLVAL_TIME) {
        res.us = a->u.i - b->u.i;
        res.days = 0;
        res.months = 0;
        rc = sqldate_set_interval(out, &res, err);
        goto out;
    }
    if (l == SQLVAL_TIME && r == SQLVAL_INTERVAL) {
        sqldate_get_interval(b, &y);
        int64_t v = y.us % USECS_PER_DAY;
        t = op == SQLAST_OP_ADD ? a->u.i + v : a->u.i - v;
        t -= t / USECS_PER_DAY * USECS_PER_DAY;
        if (t < 0) t += USECS_PER_DAY;
        sqlval_set_int(out, SQLVAL_TIME, t);
        rc = SQL_OK;
        goto out;
    }
    if (l == SQLVAL_INTERVAL && r == SQLVAL_INTERVAL) {
        sqldate_get_interval(a, &x);
        sqldate_get_interval(b, &y);
        bool ov;
        int32_t d, m;
        if (op == SQLAST_OP_ADD)
            ov = __builtin_add_overflow(x.us, y.us, &res.us) | __builtin_add_overflow(x.days, y.days, &d) |
                 __builtin_add_overflow(x.months, y.months, &m);
        else
            ov = __builtin_sub_overflow(x.us, y.us, &res.us) | __builtin_sub_overflow(x.days, y.days, &d) |
                 __builtin_sub_overflow(x.months, y.months, &m);
        if (ov) {
            rc = interval_range_err(err);
            goto out;
        }
        res.days = d;
        res.months = m;
        rc = sqldate_set_interval(out, &res, err);
        goto out;
    }
    rc = sqlerr_set(err, "42883", -1, "operator does not exist: %s %s %s", sqlval_type_name(l),
                    op == SQLAST_OP_ADD ? "+" : "-", sqlval_type_name(r));
out:
    sqlval_free(&ca);
    sqlval_free(&cb);
    return rc;
}

/* ------------------------------------------------------------------ units */

enum {
    U_NONE, U_US, U_MS, U_SEC, U_MIN, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR,
    U_DECADE, U_CENTURY, U_MILLENNIUM, U_DOW, U_ISODOW, U_DOY, U_EPOCH, U_JULIAN, U_ISOYEAR,
    U_TZ, U_TZ_H, U_TZ_M
};

/* PostgreSQL's DecodeUnits / DecodeSpecial: lower-cased, cut to 10 characters. */
static int unit_of(const sqlval *v, char *name, size_t nn)
{
    size_t n = v->len < nn - 1 ? v->len : nn - 1;
    for (size_t i = 0; i < n; i++) name[i] = (char)tolower((unsigned char)v->s[i]);
    name[n] = 0;
    char key[11];
    snprintf(key, sizeof key, "%s", name);
    static const struct {
        const char *n;
        int u;
    } t[] = {
        {"microsecon", U_US}, {"us", U_US}, {"usec", U_US}, {"usecs", U_US}, {"useconds", U_US},
        {"millisecon", U_MS}, {"ms", U_MS}, {"msec", U_MS}, {"msecs", U_MS}, {"mseconds", U_MS},
        {"second", U_SEC}, {"seconds", U_SEC}, {"s", U_SEC}, {"sec", U_SEC}, {"secs", U_SEC},
        {"minute", U_MIN}, {"minutes", U_MIN}, {"m", U_MIN}, {"min", U_MIN}, {"mins", U_MIN},
        {"hour", U_HOUR}, {"hours", U_HOUR}, {"h", U_HOUR}, {"hr", U_HOUR}, {"hrs", U_HOUR},
        {"day", U_DAY}, {"days", U_DAY}, {"d", U_DAY}, {"week", U_WEEK}, {"weeks", U_WEEK},
        {"w", U_WEEK}, {"month", U_MONTH}, {"months", U_MONTH}, {"mon", U_MONTH},
        {"mons", U_MONTH}, {"quarter", U_QUARTER}, {"qtr", U_QUARTER}, {"year", U_YEAR},
        {"years", U_YEAR}, {"y", U_YEAR}, {"yr", U_YEAR}, {"yrs", U_YEAR}, {"decade", U_DECADE},
        {"decades", U_DECADE}, {"dec", U_DECADE}, {"decs", U_DECADE}, {"century", U_CENTURY},
        {"centuries", U_CENTURY}, {"c", U_CENTURY}, {"cent", U_CENTURY},
        {"millennium", U_MILLENNIUM}, {"millennia", U_MILLENNIUM}, {"mil", U_MILLENNIUM},
        {"mils", U_MILLENNIUM}, {"dow", U_DOW}, {"isodow", U_ISODOW}, {"doy", U_DOY},
        {"epoch", U_EPOCH}, {"julian", U_JULIAN}, {"j", U_JULIAN}, {"isoyear", U_ISOYEAR},
        {"timezone", U_TZ}, {"timezone_h", U_TZ_H}, {"timezone_m", U_TZ_M},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(key, t[i].n)) return t[i].u;
    return U_NONE;
}

static int unit_err(bool known, const char *name, sqlval_type t, sqlerr *err)
{
    if (known)
        return sqlerr_set(err, "0A000", -1, "unit \"%s\" not supported for type %s", name,
                          sqlval_type_name(t));
    return sqlerr_set(err, "22023", -1, "unit \"%s\" not recognized for type %s", name,
                      sqlval_type_name(t));
}

/* ISO 8601 week number and week-numbering year of a date. */
static int64_t dow_of(int64_t days) /* 0 = Sunday */
{
    int64_t w = (days + 6) % 7; /* 2000-01-01 was a Saturday */
    return w < 0 ? w + 7 : w;
}

static void iso_week(int64_t days, int64_t *isoyear, int *week)
{
    int64_t y;
    int m, d;
    civil_of(days, &y, &m, &d);
    int64_t isodow = dow_of(days);
    if (isodow == 0) isodow = 7;
    int64_t thursday = days + 4 - isodow; /* the week's Thursday decides its year */
    int64_t ty;
    int tm, td;
    civil_of(thursday, &ty, &tm, &td);
    *isoyear = ty;
    *week = (int)((thursday - days_of(ty, 1, 1)) / 7 + 1);
}

/* ------------------------------------------------------------------ extract / date_part */

/* numeric text of v / 10^scale with exactly scale decimals */
static int set_scaled(sqlval *out, int64_t v, int scale, sqlerr *err)
{
    char buf[48];
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t p = 1;
    for (int i = 0; i < scale; i++) p *= 10;
    if (scale)
        snprintf(buf, sizeof buf, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / p), scale,
                 (unsigned long long)(a % p));
    else
        snprintf(buf, sizeof buf, "%s%llu", v < 0 ? "-" : "", (unsigned long long)a);
    return sqlval_set_str(out, SQLVAL_NUMERIC, buf, strlen(buf), err);
}

typedef struct partval {
    int64_t v; /* value scaled by 10^scale */
    int scale;
    int inf; /* -1 / +1: +-Infinity; 2: NULL */
} partval;

static int year_part(int u, int64_t y, int64_t *o)
{
    switch (u) {
    case U_YEAR: *o = y > 0 ? y : y - 1; return 1;
    case U_DECADE: *o = y >= 0 ? y / 10 : -((8 - (y - 1)) / 10); return 1;
    case U_CENTURY: *o = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100); return 1;
    case U_MILLENNIUM: *o = y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000); return 1;
    default: return 0;
    }
}

/* The field u of a timestamp (tz: a timestamptz) or a date (is_date). 0 ok, 1 not supported. */
static int ts_part(int u, const sqlval *v, partval *pv)
{
    bool is_date = v->type == SQLVAL_DATE, tz = v->type == SQLVAL_TIMESTAMPTZ;
    pv->scale = 0;
    pv->inf = 0;
    int64_t t = v->u.i;
    bool finite = is_date ? (t != DATE_NOBEGIN && t != DATE_NOEND) : ts_finite(t);
    if (is_date && (u == U_US || u == U_MS || u == U_SEC || u == U_MIN || u == U_HOUR || u == U_TZ ||
                    u == U_TZ_H || u == U_TZ_M))
        return 1;
    if (!tz && (u == U_TZ || u == U_TZ_H || u == U_TZ_M)) return 1;
    if (!finite) {
        bool pos = is_date ? t == DATE_NOEND : t == DT_NOEND;
        if (u == U_YEAR || u == U_DECADE || u == U_CENTURY || u == U_MILLENNIUM || u == U_JULIAN ||
            u == U_ISOYEAR || u == U_EPOCH)
            pv->inf = pos ? 1 : -1;
        else
            pv->inf = 2;
        return 0;
    }
    int64_t l = is_date ? t * USECS_PER_DAY : tz ? utc_to_local(t) : t;
    tmx x;
    tmx_of(l, &x);
    int64_t days = floordiv(l, USECS_PER_DAY);
    int64_t o;
    switch (u) {
    case U_US: pv->v = x.ss * USECS_PER_SEC + x.us; return 0;
    case U_MS: pv->v = x.ss * USECS_PER_SEC + x.us; pv->scale = 3; return 0;
    case U_SEC: pv->v = x.ss * USECS_PER_SEC + x.us; pv->scale = 6; return 0;
    case U_MIN: pv->v = x.mi; return 0;
    case U_HOUR: pv->v = x.hh; return 0;
    case U_DAY: pv->v = x.d; return 0;
    case U_MONTH: pv->v = x.m; return 0;
    case U_QUARTER: pv->v = (x.m - 1) / 3 + 1; return 0;
    case U_WEEK: {
        int64_t iy;
        int w;
        iso_week(days, &iy, &w);
        pv->v = w;
        return 0;
    }
    case U_ISOYEAR: {
        int64_t iy;
        int w;
        iso_week(days, &iy, &w);
        pv->v = iy <= 0 ? iy - 1 : iy;
        return 0;
    }
    case U_DOW: pv->v = dow_of(days); return 0;
    case U_ISODOW: pv->v = dow_of(days) == 0 ? 7 : dow_of(days); return 0;
    case U_DOY: pv->v = days - days_of(x.y, 1, 1) + 1; return 0;
    case U_JULIAN:
        if (!is_date && l - days * USECS_PER_DAY) return 1;
        pv->v = days + POSTGRES_EPOCH_JDATE;
        return 0;
    case U_EPOCH:
        if (is_date) {
            pv->v = (days + EPOCH_DAYS_1970) * SECS_PER_DAY;
        } else {
            pv->v = t + (int64_t)EPOCH_DAYS_1970 * USECS_PER_DAY;
            pv->scale = 6;
        }
        return 0;
    case U_TZ: pv->v = utc_offset_at(sqlval_session_tz(), t); return 0;
    case U_TZ_H: pv->v = utc_offset_at(sqlval_session_tz(), t) / 3600; return 0;
    case U_TZ_M: pv->v = utc_offset_at(sqlval_session_tz(), t) / 60 % 60; return 0;
    default:
        if (year_part(u, x.y, &o)) {
            pv->v = o;
            return 0;
        }
        return 1;
    }
}

static int time_part(int u, int64_t t, partval *pv)
{
    pv->scale = 0;
    pv->inf = 0;
    int64_t sec_us = t % USECS_PER_MINUTE;
    switch (u) {
    case U_US: pv->v = sec_us; return 0;
    case U_MS: pv->v = sec_us; pv->scale = 3; return 0;
    case U_SEC: pv->v = sec_us; pv->scale = 6; return 0;
    case U_MIN: pv->v = t / USECS_PER_MINUTE % 60; return 0;
    case U_HOUR: pv->v = t / USECS_PER_HOUR; return 0;
    case U_EPOCH: pv->v = t; pv->scale = 6; return 0;
    default: return 1;
    }
}

static int interval_part(int u, const sqldate_interval *iv, partval *pv)
{
    pv->scale = 0;
    pv->inf = 0;
    int64_t year = iv->months / 12, mon = iv->months % 12;
    int64_t h = iv->us / USECS_PER_HOUR, rest = iv->us - h * USECS_PER_HOUR;
    int64_t mi = rest / USECS_PER_MINUTE, sec_us = rest - mi * USECS_PER_MINUTE;
    switch (u) {
    case U_US: pv->v = sec_us; return 0;
    case U_MS: pv->v = sec_us; pv->scale = 3; return 0;
    case U_SEC: pv->v = sec_us; pv->scale = 6; return 0;
    case U_MIN: pv->v = mi; return 0;
    case U_HOUR: pv->v = h; return 0;
    case U_DAY: pv->v = iv->days; return 0;
    case U_MONTH: pv->v = mon; return 0;
    case U_QUARTER: pv->v = mon / 3 + 1; return 0;
    case U_YEAR: pv->v = year; return 0;
    case U_DECADE: pv->v = year / 10; return 0;
    case U_CENTURY: pv->v = year / 100; return 0;
    case U_MILLENNIUM: pv->v = year / 1000; return 0;
    case U_EPOCH: {
        int64_t secs = (int64_t)(365.25 * SECS_PER_DAY) * (iv->months / 12) +
                       (int64_t)DAYS_PER_MONTH * SECS_PER_DAY * (iv->months % 12) +
                       (int64_t)SECS_PER_DAY * iv->days;
        pv->v = secs * USECS_PER_SEC + iv->us;
        pv->scale = 6;
        return 0;
    }
    default: return 1;
    }
}

static int part_common(const sqlval *a, partval *pv, char *name, size_t nn, sqlerr *err)
{
    int u = unit_of(&a[0], name, nn);
    const sqlval *v = &a[1];
    int rc;
    if (u == U_NONE) return unit_err(false, name, v->type, err);
    switch (v->type) {
    case SQLVAL_TIME: rc = time_part(u, v->u.i, pv); break;
    case SQLVAL_INTERVAL: {
        sqldate_interval iv;
        sqldate_get_interval(v, &iv);
        rc = interval_part(u, &iv, pv);
        break;
    }
    default: rc = ts_part(u, v, pv); break;
    }
    if (rc) return unit_err(true, name, v->type, err);
    return SQL_OK;
}

int sqldate_fn_extract(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    partval pv;
    char name[64];
    if (part_common(a, &pv, name, sizeof name, err)) return SQL_ERR;
    if (pv.inf == 2) {
        sqlval_init_null(out, SQLVAL_NUMERIC);
        return SQL_OK;
    }
    if (pv.inf) {
        const char *s = pv.inf > 0 ? "Infinity" : "-Infinity";
        return sqlval_set_str(out, SQLVAL_NUMERIC, s, strlen(s), err);
    }
    return set_scaled(out, pv.v, pv.scale, err);
}

int sqldate_fn_date_part(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    partval pv;
    char name[64];
    sqlval tmp;
    sqlval_init_null(&tmp, SQLVAL_UNKNOWN);
    sqlval args[2] = {a[0], a[1]};
    if (a[1].type == SQLVAL_DATE) { /* date_part(text, date) is date_part(text, $2::timestamp) */
        if (sqldate_cast(&a[1], SQLVAL_TIMESTAMP, &tmp, err)) return SQL_ERR;
        args[1] = tmp;
    }
    int rc = part_common(args, &pv, name, sizeof name, err);
    sqlval_free(&tmp);
    if (rc) return SQL_ERR;
    if (pv.inf == 2) {
        sqlval_init_null(out, SQLVAL_FLOAT8);
        return SQL_OK;
    }
    double d = pv.inf ? (pv.inf > 0 ? INFINITY : -INFINITY) : (double)pv.v;
    for (int i = 0; i < pv.scale; i++) d /= 10;
    sqlval_set_float(out, SQLVAL_FLOAT8, d);
    return SQL_OK;
}

/* ------------------------------------------------------------------ date_trunc */

static int trunc_tmx(int u, tmx *x)
{
    switch (u) {
    case U_MILLENNIUM:
        x->y = x->y > 0 ? ((x->y + 999) / 1000) * 1000 - 999 : -((999 - (x->y - 1)) / 1000) * 1000 + 1;
        /* fall through */
    case U_CENTURY:
        if (u == U_CENTURY)
            x->y = x->y > 0 ? ((x->y + 99) / 100) * 100 - 99 : -((99 - (x->y - 1)) / 100) * 100 + 1;
        /* fall through */
    case U_DECADE:
        if (u == U_DECADE) x->y = x->y > 0 ? (x->y / 10) * 10 : -((8 - (x->y - 1)) / 10) * 10;
        /* fall through */
    case U_YEAR: x->m = 1; /* fall through */
    case U_QUARTER: x->m = 3 * ((x->m - 1) / 3) + 1; /* fall through */
    case U_MONTH: x->d = 1; /* fall through */
    case U_DAY: x->hh = 0; /* fall through */
    case U_HOUR: x->mi = 0; /* fall through */
    case U_MIN: x->ss = 0; /* fall through */
    case U_SEC: x->us = 0; return 0;
    case U_MS: x->us = x->us / 1000 * 1000; return 0;
    case U_US: return 0;
    default: return 1;
    }
}

int sqldate_fn_date_trunc(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    char name[64];
    int u = unit_of(&a[0], name, sizeof name);
    const sqlval *v = &a[1];
    sqlval_type t = v->type;
    if (t == SQLVAL_INTERVAL) {
        sqldate_interval iv;
        sqldate_get_interval(v, &iv);
        if (u == U_NONE) return unit_err(false, name, t, err);
        int64_t y = iv.months / 12, mo = iv.months % 12, d = iv.days;
        int64_t h = iv.us / USECS_PER_HOUR, rest = iv.us - h * USECS_PER_HOUR;
        int64_t mi = rest / USECS_PER_MINUTE, s = rest / USECS_PER_SEC % 60, fs = rest % USECS_PER_SEC;
        switch (u) {
        case U_MILLENNIUM: y = y / 1000 * 1000; /* fall through */
        case U_CENTURY: y = y / 100 * 100; /* fall through */
        case U_DECADE: y = y / 10 * 10; /* fall through */
        case U_YEAR: mo = 0; /* fall through */
        case U_QUARTER: mo = 3 * (mo / 3); /* fall through */
        case U_MONTH: d = 0; /* fall through */
        case U_DAY: h = 0; /* fall through */
        case U_HOUR: mi = 0; /* fall through */
        case U_MIN: s = 0; /* fall through */
        case U_SEC: fs = 0; break;
        case U_MS: fs = fs / 1000 * 1000; break;
        case U_US: break;
        default:
            if (u == U_WEEK) {
                sqlerr_set(err, "0A000", -1, "unit \"%s\" not supported for type interval", name);
                sqlerr_hint(err, "Months usually have fractional weeks.");
                return SQL_ERR;
            }
            return unit_err(true, name, t, err);
        }
        sqldate_interval r = {((h * 60 + mi) * 60 + s) * USECS_PER_SEC + fs, (int32_t)d,
                              (int32_t)(y * 12 + mo)};
        return sqldate_set_interval(out, &r, err);
    }
    if (u == U_NONE) return unit_err(false, name, t, err);
    if (!ts_finite(v->u.i)) {
        sqlval_set_int(out, t, v->u.i);
        return SQL_OK;
    }
    bool tz = t == SQLVAL_TIMESTAMPTZ;
    int64_t l = tz ? utc_to_local(v->u.i) : v->u.i;
    tmx x;
    tmx_of(l, &x);
    bool redotz = false;
    if (u == U_WEEK) {
        int64_t days = floordiv(l, USECS_PER_DAY);
        int64_t dw = dow_of(days);
        int64_t monday = days - (dw == 0 ? 6 : dw - 1);
        int64_t y;
        civil_of(monday, &y, &x.m, &x.d);
        x.y = y;
        x.hh = x.mi = x.ss = 0;
        x.us = 0;
        redotz = true;
    } else {
        if (trunc_tmx(u, &x)) return unit_err(true, name, t, err);
        redotz = u != U_HOUR && u != U_MIN && u != U_SEC && u != U_MS && u != U_US;
    }
    int64_t r;
    if (!tmx_to(&x, &r)) return ts_range_err(err);
    if (tz) {
        if (redotz) {
            if (local_to_utc(r, sqlval_session_tz(), &r, err)) return SQL_ERR;
        } else {
            r -= l - v->u.i; /* keep the offset of the original instant */
        }
    }
    return set_ts(out, t, r, err);
}

/* ------------------------------------------------------------------ age */

int sqldate_fn_age(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    int64_t t1, t2;
    bool tz = a[0].type == SQLVAL_TIMESTAMPTZ;
    if (n == 1) { /* age(x) = age(current_date, x) at midnight */
        int64_t today = floordiv(utc_to_local(txn_now()), USECS_PER_DAY) * USECS_PER_DAY;
        if (tz) {
            if (local_to_utc(today, sqlval_session_tz(), &t1, err)) return SQL_ERR;
        } else {
            t1 = today;
        }
        t2 = a[0].u.i;
    } else {
        t1 = a[0].u.i;
        t2 = a[1].u.i;
    }
    if (!ts_finite(t1) || !ts_finite(t2))
        return sqlerr_set(err, "22008", -1, "cannot subtract infinite timestamps");
    tmx x1, x2;
    tmx_of(tz ? utc_to_local(t1) : t1, &x1);
    tmx_of(tz ? utc_to_local(t2) : t2, &x2);
    int64_t fs = x1.us - x2.us, sec = x1.ss - x2.ss, mi = x1.mi - x2.mi, h = x1.hh - x2.hh,
            d = x1.d - x2.d, m = x1.m - x2.m, y = x1.y - x2.y;
    bool neg = t1 < t2;
    if (neg) fs = -fs, sec = -sec, mi = -mi, h = -h, d = -d, m = -m, y = -y;
    while (fs < 0) fs += USECS_PER_SEC, sec--;
    while (sec < 0) sec += 60, mi--;
    while (mi < 0) mi += 60, h--;
    while (h < 0) h += 24, d--;
    while (d < 0) {
        if (neg) d += month_days(x1.y, x1.m);
        else d += month_days(x2.y, x2.m);
        m--;
    }
    while (m < 0) m += 12, y--;
    if (neg) fs = -fs, sec = -sec, mi = -mi, h = -h, d = -d, m = -m, y = -y;
    int64_t months = y * 12 + m;
    if (months > INT32_MAX || months < INT32_MIN) return interval_range_err(err);
    sqldate_interval r = {((h * 60 + mi) * 60 + sec) * USECS_PER_SEC + fs, (int32_t)d, (int32_t)months};
    return sqldate_set_interval(out, &r, err);
}

/* ------------------------------------------------------------------ make_* */

static int make_date_days(int64_t y, int64_t m, int64_t d, int64_t *days, sqlerr *err)
{
    int64_t ay = y < 0 ? y + 1 : y;
    if (y == 0 || m < 1 || m > 12 || d < 1 || d > month_days(ay, (int)m) || y > 5874897 || y < -4714)
        return sqlerr_set(err, "22008", -1, "date field value out of range: %lld-%02lld-%02lld",
                          (long long)y, (long long)m, (long long)d);
    *days = days_of(ay, (int)m, (int)d);
    if (*days + POSTGRES_EPOCH_JDATE < 0 || *days + POSTGRES_EPOCH_JDATE >= DATE_END_JULIAN)
        return sqlerr_set(err, "22008", -1, "date out of range: %lld-%02lld-%02lld", (long long)y,
                          (long long)m, (long long)d);
    return SQL_OK;
}

int sqldate_fn_make_date(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    int64_t days;
    if (make_date_days(a[0].u.i, a[1].u.i, a[2].u.i, &days, err)) return SQL_ERR;
    sqlval_set_int(out, SQLVAL_DATE, days);
    return SQL_OK;
}

static int make_tod(int64_t h, int64_t m, double s, int64_t *us, sqlerr *err)
{
    if (h < 0 || h > 24 || m < 0 || m > 59 || !(s >= 0) || s > 60 ||
        (h == 24 && (m > 0 || s > 0)))
        return sqlerr_set(err, "22008", -1, "time field value out of range: %lld:%02lld:%02g",
                          (long long)h, (long long)m, s);
    *us = (h * 3600 + m * 60) * USECS_PER_SEC + (int64_t)rint(s * 1e6);
    return SQL_OK;
}

int sqldate_fn_make_time(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    int64_t us;
    if (make_tod(a[0].u.i, a[1].u.i, a[2].u.f, &us, err)) return SQL_ERR;
    sqlval_set_int(out, SQLVAL_TIME, us);
    return SQL_OK;
}

static int make_local(const sqlval *a, int64_t *local, sqlerr *err)
{
    int64_t days, us;
    if (make_date_days(a[0].u.i, a[1].u.i, a[2].u.i, &days, err)) return SQL_ERR;
    if (make_tod(a[3].u.i, a[4].u.i, a[5].u.f, &us, err)) return SQL_ERR;
    int64_t r;
    if (__builtin_mul_overflow(days, USECS_PER_DAY, &r) || add_ov(r, us, &r) || !ts_in_range(r) ||
        !ts_finite(r))
        return sqlerr_set(err, "22008", -1, "timestamp out of range: %lld-%02lld-%02lld %lld:%02lld:%02g",
                          (long long)a[0].u.i, (long long)a[1].u.i, (long long)a[2].u.i,
                          (long long)a[3].u.i, (long long)a[4].u.i, a[5].u.f);
    *local = r;
    return SQL_OK;
}

int sqldate_fn_make_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    int64_t l;
    if (make_local(a, &l, err)) return SQL_ERR;
    sqlval_set_int(out, SQLVAL_TIMESTAMP, l);
    return SQL_OK;
}

static const sqltz *zone_arg(const sqlval *z, sqlerr *err)
{
    char name[256];
    size_t k = z->len < sizeof name - 1 ? z->len : sizeof name - 1;
    memcpy(name, z->s, k);
    name[k] = 0;
    const sqltz *tz = strlen(name) == z->len ? sqltz_lookup(name) : NULL;
    if (!tz) sqlerr_set(err, "22023", -1, "time zone \"%s\" not recognized", name);
    return tz;
}

int sqldate_fn_make_timestamptz(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    int64_t l, r;
    if (make_local(a, &l, err)) return SQL_ERR;
    const sqltz *tz = sqlval_session_tz();
    if (n == 7 && !(tz = zone_arg(&a[6], err))) return SQL_ERR;
    if (local_to_utc(l, tz, &r, err)) return SQL_ERR;
    return set_ts(out, SQLVAL_TIMESTAMPTZ, r, err);
}

int sqldate_fn_make_interval(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    int64_t v[6] = {0};
    double secs = 0;
    for (int i = 0; i < n && i < 6; i++) v[i] = a[i].u.i;
    if (n == 7) secs = a[6].u.f;
    int64_t months = v[0] * 12 + v[1], days = v[2] * 7 + v[3];
    double us = (double)(v[4] * 3600 + v[5] * 60) * 1e6 + secs * 1e6;
    if (isnan(secs) || isinf(secs) || months > INT32_MAX || months < INT32_MIN || days > INT32_MAX ||
        days < INT32_MIN || fabs(us) >= 9.2e18)
        return interval_range_err(err);
    sqldate_interval r = {(int64_t)rint(us), (int32_t)days, (int32_t)months};
    return sqldate_set_interval(out, &r, err);
}

/* ------------------------------------------------------------------ justify_*, isfinite */

int sqldate_fn_justify_hours(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    sqldate_interval r;
    sqldate_get_interval(&a[0], &r);
    justify_hours(&r);
    return sqldate_set_interval(out, &r, err);
}

int sqldate_fn_justify_days(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    sqldate_interval r;
    sqldate_get_interval(&a[0], &r);
    int32_t wm = r.days / DAYS_PER_MONTH;
    r.days -= wm * DAYS_PER_MONTH;
    r.months += wm;
    if (r.months > 0 && r.days < 0) {
        r.days += DAYS_PER_MONTH;
        r.months--;
    } else if (r.months < 0 && r.days > 0) {
        r.days -= DAYS_PER_MONTH;
        r.months++;
    }
    return sqldate_set_interval(out, &r, err);
}

int sqldate_fn_justify_interval(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    sqldate_interval r;
    sqldate_get_interval(&a[0], &r);
    if ((r.days > 0 && r.us > 0) || (r.days < 0 && r.us < 0)) {
        int32_t wm = r.days / DAYS_PER_MONTH;
        r.days -= wm * DAYS_PER_MONTH;
        r.months += wm;
    }
    int64_t wd = r.us / USECS_PER_DAY;
    r.us -= wd * USECS_PER_DAY;
    r.days += (int32_t)wd;
    int32_t wm = r.days / DAYS_PER_MONTH;
    r.days -= wm * DAYS_PER_MONTH;
    r.months += wm;
    if (r.months > 0 && (r.days < 0 || (r.days == 0 && r.us < 0))) {
        r.days += DAYS_PER_MONTH;
        r.months--;
    } else if (r.months < 0 && (r.days > 0 || (r.days == 0 && r.us > 0))) {
        r.days -= DAYS_PER_MONTH;
        r.months++;
    }
    if (r.days > 0 && r.us < 0) {
        r.us += USECS_PER_DAY;
        r.days--;
    } else if (r.days < 0 && r.us > 0) {
        r.us -= USECS_PER_DAY;
        r.days++;
    }
    return sqldate_set_interval(out, &r, err);
}

int sqldate_fn_isfinite(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    (void)err;
    bool f = true;
    if (a[0].type == SQLVAL_DATE) f = a[0].u.i != DATE_NOBEGIN && a[0].u.i != DATE_NOEND;
    else if (a[0].type == SQLVAL_TIMESTAMP || a[0].type == SQLVAL_TIMESTAMPTZ) f = ts_finite(a[0].u.i);
    sqlval_set_bool(out, f);
    return SQL_OK;
}

/* ------------------------------------------------------------------ conversions */

int sqldate_fn_to_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    double s = a[0].u.f;
    if (isnan(s)) return sqlerr_set(err, "22008", -1, "timestamp cannot be NaN");
    if (isinf(s)) {
        sqlval_set_int(out, SQLVAL_TIMESTAMPTZ, s > 0 ? DT_NOEND : DT_NOBEGIN);
        return SQL_OK;
    }
    double us = rint(s * 1e6) - (double)EPOCH_DAYS_1970 * USECS_PER_DAY;
    if (!(us >= (double)MIN_TIMESTAMP && us < (double)END_TIMESTAMP)) {
        char b[64];
        snprintf(b, sizeof b, "%g", s);
        return sqlerr_set(err, "22008", -1, "timestamp out of range: \"%s\"", b);
    }
    sqlval_set_int(out, SQLVAL_TIMESTAMPTZ, (int64_t)us);
    return SQL_OK;
}

/* timezone(zone, timestamptz) -> the wall clock time there; timezone(zone, timestamp) -> the
 * instant that wall clock time is there. */
int sqldate_fn_timezone(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    const sqltz *tz = zone_arg(&a[0], err);
    if (!tz) return SQL_ERR;
    int64_t t = a[1].u.i, r;
    if (!ts_finite(t)) {
        sqlval_set_int(out, a[1].type == SQLVAL_TIMESTAMPTZ ? SQLVAL_TIMESTAMP : SQLVAL_TIMESTAMPTZ, t);
        return SQL_OK;
    }
    if (a[1].type == SQLVAL_TIMESTAMPTZ) {
        r = t + (int64_t)utc_offset_at(tz, t) * USECS_PER_SEC;
        return set_ts(out, SQLVAL_TIMESTAMP, r, err);
    }
    if (local_to_utc(t, tz, &r, err)) return SQL_ERR;
    return set_ts(out, SQLVAL_TIMESTAMPTZ, r, err);
}

int sqldate_fn_date_bin(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    sqldate_interval st;
    sqldate_get_interval(&a[0], &st);
    int64_t src = a[1].u.i, origin = a[2].u.i;
    sqlval_type t = a[1].type;
    if (!ts_finite(src)) {
        sqlval_set_int(out, t, src);
        return SQL_OK;
    }
    if (!ts_finite(origin)) return sqlerr_set(err, "22008", -1, "origin out of range");
    if (st.months)
        return sqlerr_set(err, "0A000", -1,
                          "timestamps cannot be binned into intervals containing months or years");
    int64_t stride, diff;
    if (__builtin_mul_overflow((int64_t)st.days, USECS_PER_DAY, &stride) || add_ov(stride, st.us, &stride))
        return interval_range_err(err);
    if (stride <= 0) return sqlerr_set(err, "22008", -1, "stride must be greater than zero");
    if (__builtin_sub_overflow(src, origin, &diff)) return interval_range_err(err);
    int64_t mod = diff % stride;
    int64_t r = origin + (diff - mod);
    if (mod < 0) r -= stride;
    return set_ts(out, t, r, err);
}

int sqldate_fn_gen_random_uuid(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)a;
    (void)n;
    uint8_t b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t k = getrandom(b + got, sizeof b - got, 0);
        if (k < 0) return sqlerr_set(err, "58000", -1, "could not generate random values");
        got += (size_t)k;
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    return sqlval_set_str(out, SQLVAL_UUID, (const char *)b, 16, err);
}

int sqldate_fn_clock_timestamp(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)a;
    (void)n;
    (void)err;
    sqlval_set_int(out, SQLVAL_TIMESTAMPTZ, clock_now());
    return SQL_OK;
}

int sqldate_series_next(const sqlval *cur, const sqlval *stop, const sqlval *step, bool first,
                        sqlval *out, sqlerr *err)
{
    sqldate_interval st;
    sqldate_get_interval(step, &st);
    i128 span = iv_span(&st);
    if (span == 0) return sqlerr_set(err, "22023", -1, "step size cannot equal zero");
    int64_t t = cur->u.i;
    if (!first && ts_plus(t, &st, cur->type == SQLVAL_TIMESTAMPTZ, &t, err)) {
        /* past the range: the series ends */
        return 1;
    }
    if ((span > 0 && t > stop->u.i) || (span < 0 && t < stop->u.i)) return 1;
    sqlval_set_int(out, cur->type, t);
    return SQL_OK;
}

/* ------------------------------------------------------------------ to_char */

typedef struct sbuf_ {
    char *p;
    size_t n, cap;
    bool oom;
} sb_;

static void sb_add(sb_ *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap * 2 : 64;
        while (c < b->n + n + 1) c *= 2;
        char *q = realloc(b->p, c);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_str(sb_ *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static const char *ordinal(int64_t v)
{
    int64_t a = v < 0 ? -v : v;
    if (a % 100 >= 11 && a % 100 <= 13) return "th";
    switch (a % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

/* name in the case of the pattern (Month, MONTH, month), padded to 9 unless fm */
static void put_name(sb_ *b, const char *name, int style, bool fm, int width)
{
    char tmp[32];
    size_t k = 0;
    for (; name[k] && k < sizeof tmp - 1; k++) {
        char c = name[k];
        tmp[k] = style == 2 ? (char)toupper((unsigned char)c)
                 : style == 1 && k == 0 ? (char)toupper((unsigned char)c) : c;
    }
    tmp[k] = 0;
    if (width && k > (size_t)width) tmp[width] = 0, k = (size_t)width;
    sb_str(b, tmp);
    if (!fm && !width)
        for (; k < 9; k++) sb_add(b, " ", 1);
}

/* A number as to_char prints it: zero-padded to width (FM: none), then its TH / th suffix. */
static void put_num(sb_ *b, int64_t num, int width, bool fm, const char *f, size_t fl, size_t *i)
{
    char tmp[64];
    if (fm || !width) snprintf(tmp, sizeof tmp, "%lld", (long long)num);
    else snprintf(tmp, sizeof tmp, "%0*lld", width, (long long)num);
    sb_str(b, tmp);
    if (*i + 1 < fl && ((f[*i] == 'T' && f[*i + 1] == 'H') || (f[*i] == 't' && f[*i + 1] == 'h'))) {
        const char *o = ordinal(num);
        if (f[*i] == 'T') {
            char up[3] = {(char)toupper((unsigned char)o[0]), (char)toupper((unsigned char)o[1]), 0};
            sb_str(b, up);
        } else {
            sb_str(b, o);
        }
        *i += 2;
    }
}

/* PostgreSQL's date2j, on the fields of an interval as they come (they need not be a date) */
static int64_t date2j_raw(int64_t year, int64_t month, int64_t day)
{
    if (month > 2) month += 1, year += 4800;
    else month += 13, year += 4799;
    int64_t century = year / 100, julian = year * 365 - 32167;
    julian += year / 4 - century + century / 4;
    return julian + 7834 * month / 256 + day;
}

/* to_char(interval, text): PostgreSQL's interval_to_char. The fields are the interval's own
 * (years, months, days, hours past 24 included, each with the interval's sign); a field that
 * belongs to a calendar date (names of months and days, AD/BC, day of week, time zones) is
 * 22007. Widths grow by one for a negative value, as PostgreSQL's "%0*d" with (v >= 0 ? w : w+1)
 * does (DD keeps 2). ISO-week and Roman-numeral fields are 0A000 on intervals. */
static int to_char_interval(const sqlval *v, const sqlval *fmt, sqlval *out, sqlerr *err)
{
    sqldate_interval iv;
    sqldate_get_interval(v, &iv);
    int64_t year = iv.months / 12, mon = iv.months % 12, mday = iv.days;
    int64_t hour = iv.us / USECS_PER_HOUR, min = iv.us / USECS_PER_MINUTE % 60, sec = iv.us / USECS_PER_SEC % 60,
            fsec = iv.us % USECS_PER_SEC;
    int64_t yday = (year * 12 + mon) * 30 + mday;
    const char *f = fmt->s;
    size_t fl = fmt->len, i = 0;
    sb_ b = {0};
    sb_add(&b, "", 0);
    int rc = SQL_OK;
    while (i < fl && !rc) {
        bool fm = false;
        if (i + 1 < fl && (f[i] == 'F' || f[i] == 'f') && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
            fm = true;
            i += 2;
            if (i >= fl) break;
        }
        const char *p = f + i;
        size_t rem = fl - i;
#define KW(s) (rem >= sizeof(s) - 1 && !memcmp(p, s, sizeof(s) - 1) ? (i += sizeof(s) - 1, true) : false)
#define W(v, w) ((v) >= 0 ? (w) : (w) + 1)
        int64_t num = 0;
        int width = 0;
        bool isnum = true;
        char tmp[64];
        if (*p == '"') {
            i++;
            while (i < fl && f[i] != '"') {
                if (f[i] == '\\' && i + 1 < fl) i++;
                sb_add(&b, f + i, 1);
                i++;
            }
            i++;
            continue;
        }
        if (*p == '\\' && rem > 1 && p[1] == '"') { /* \" is a double quote; a backslash is
                                                     * not otherwise special outside quotes */
            sb_add(&b, p + 1, 1);
            i += 2;
            continue;
        }
        if (KW("HH24") || KW("hh24")) num = hour, width = W(hour, 2);
        else if (KW("HH12") || KW("hh12") || KW("HH") || KW("hh")) num = hour % 12 == 0 ? 12 : hour % 12, width = W(hour, 2);
        else if (KW("MI") || KW("mi")) num = min, width = W(min, 2);
        else if (KW("SSSSS") || KW("sssss") || KW("SSSS") || KW("ssss")) num = hour * 3600 + min * 60 + sec, width = 0;
        else if (KW("SS") || KW("ss")) num = sec, width = W(sec, 2);
        else if (KW("MS") || KW("ms")) num = fsec / 1000, width = W(fsec, 3);
        else if (KW("US") || KW("us")) num = fsec, width = W(fsec, 6);
        else if (KW("AM") || KW("PM")) isnum = false, sb_str(&b, hour % 24 >= 12 ? "PM" : "AM");
        else if (KW("am") || KW("pm")) isnum = false, sb_str(&b, hour % 24 >= 12 ? "pm" : "am");
        else if (KW("A.M.") || KW("P.M.")) isnum = false, sb_str(&b, hour % 24 >= 12 ? "P.M." : "A.M.");
        else if (KW("a.m.") || KW("p.m.")) isnum = false, sb_str(&b, hour % 24 >= 12 ? "p.m." : "a.m.");
        else if (KW("Y,YYY") || KW("y,yyy")) {
            isnum = false;
            snprintf(tmp, sizeof tmp, "%d,%03d", (int)(year / 1000), (int)(year % 1000));
            sb_str(&b, tmp);
        } else if (KW("IYYY") || KW("iyyy") || KW("IYY") || KW("iyy") || KW("IY") || KW("iy") || KW("IW") ||
                   KW("iw") || KW("IDDD") || KW("iddd") || KW("RM") || KW("rm")) {
            rc = sqlerr_unsupported(err, -1, "to_char of an interval with ISO week or Roman numeral fields");
            continue;
        } else if (KW("YYYY") || KW("yyyy")) num = year, width = W(year, 4);
        else if (KW("YYY") || KW("yyy")) num = year % 1000, width = W(year, 3);
        else if (KW("YY") || KW("yy")) num = year % 100, width = W(year, 2);
        else if (KW("Y") || KW("y")) num = year % 10, width = W(year, 1);
        else if (KW("AD") || KW("BC") || KW("ad") || KW("bc") || KW("A.D.") || KW("B.C.") || KW("a.d.") ||
                 KW("b.c.") || KW("MONTH") || KW("Month") || KW("month") || KW("MON") || KW("Mon") ||
                 KW("mon") || KW("DAY") || KW("Day") || KW("day") || KW("DY") || KW("Dy") || KW("dy") ||
                 KW("ID") || KW("id") || KW("TZH") || KW("TZM") || KW("TZ") || KW("tz") || KW("OF") ||
                 KW("of")) {
            sqlerr_set(err, "22007", -1, "invalid format specification for an interval value");
            sqlerr_hint(err, "Intervals are not tied to specific calendar dates.");
            rc = SQL_ERR;
            continue;
        } else if (KW("MM") || KW("mm")) num = mon, width = W(mon, 2);
        else if (KW("DDD") || KW("ddd")) num = yday, width = W(yday, 3);
        else if (KW("DD") || KW("dd")) num = mday, width = 2;
        else if (KW("D") || KW("d")) {
            sqlerr_set(err, "22007", -1, "invalid format specification for an interval value");
            sqlerr_hint(err, "Intervals are not tied to specific calendar dates.");
            rc = SQL_ERR;
            continue;
        } else if (KW("WW") || KW("ww")) num = (yday - 1) / 7 + 1, width = 2;
        else if (KW("W") || KW("w")) num = (mday - 1) / 7 + 1, width = 1;
        else if (KW("Q") || KW("q")) {
            if (!mon) continue; /* no quarter without a month */
            num = (mon - 1) / 3 + 1, width = 1;
        } else if (KW("CC") || KW("cc")) num = year / 100, width = W(year / 100, 2);
        else if (KW("J") || KW("j")) num = date2j_raw(year, mon, mday), width = 0;
        else {
            if (fm) continue; /* FM before something that is not a pattern */
            sb_add(&b, p, 1);
            i++;
            continue;
        }
#undef W
#undef KW
        if (isnum) put_num(&b, num, width, fm, f, fl, &i);
    }
    if (rc || b.oom) {
        free(b.p);
        return rc ? SQL_ERR : sqlerr_oom(err);
    }
    sqlval_take_str(out, SQLVAL_TEXT, b.p, b.n);
    return SQL_OK;
}

int sqldate_fn_to_char(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    const sqlval *v = &a[0];
    bool tz = v->type == SQLVAL_TIMESTAMPTZ;
    if (v->type == SQLVAL_INTERVAL) return to_char_interval(v, &a[1], out, err);
    if (!ts_finite(v->u.i)) {
        sqlval_init_null(out, SQLVAL_TEXT);
        return SQL_OK;
    }
    int64_t l = tz ? utc_to_local(v->u.i) : v->u.i;
    tmx x;
    tmx_of(l, &x);
    int64_t days = floordiv(l, USECS_PER_DAY);
    int32_t off = tz ? utc_offset_at(sqlval_session_tz(), v->u.i) : 0;
    int64_t year = x.y > 0 ? x.y : 1 - x.y; /* YYYY prints the year of the era */
    const char *f = a[1].s;
    size_t fl = a[1].len, i = 0;
    sb_ b = {0};
    sb_add(&b, "", 0);
    while (i < fl) {
        bool fm = false;
        if (i + 1 < fl && (f[i] == 'F' || f[i] == 'f') && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
            fm = true;
            i += 2;
            if (i >= fl) break;
        }
        const char *p = f + i;
        size_t rem = fl - i;
#define KW(s) (rem >= sizeof(s) - 1 && !memcmp(p, s, sizeof(s) - 1) ? (i += sizeof(s) - 1, true) : false)
        int64_t num = 0;
        int width = 0;
        bool isnum = true;
        char tmp[64];
        if (*p == '"') {
            i++;
            while (i < fl && f[i] != '"') {
                if (f[i] == '\\' && i + 1 < fl) i++;
                sb_add(&b, f + i, 1);
                i++;
            }
            i++;
            continue;
        }
        if (*p == '\\' && rem > 1 && p[1] == '"') { /* \" is a double quote; a backslash is
                                                     * not otherwise special outside quotes */
            sb_add(&b, p + 1, 1);
            i += 2;
            continue;
        }
        if (KW("HH24") || KW("hh24")) num = x.hh, width = 2;
        else if (KW("HH12") || KW("hh12") || KW("HH") || KW("hh")) num = x.hh % 12 == 0 ? 12 : x.hh % 12, width = 2;
        else if (KW("MI") || KW("mi")) num = x.mi, width = 2;
        else if (KW("SSSSS") || KW("sssss") || KW("SSSS") || KW("ssss")) num = x.hh * 3600 + x.mi * 60 + x.ss, width = 0;
        else if (KW("SS") || KW("ss")) num = x.ss, width = 2;
        else if (KW("MS") || KW("ms")) num = x.us / 1000, width = 3;
        else if (KW("US") || KW("us")) num = x.us, width = 6;
        else if (KW("AM") || KW("PM")) isnum = false, sb_str(&b, x.hh >= 12 ? "PM" : "AM");
        else if (KW("am") || KW("pm")) isnum = false, sb_str(&b, x.hh >= 12 ? "pm" : "am");
        else if (KW("A.M.") || KW("P.M.")) isnum = false, sb_str(&b, x.hh >= 12 ? "P.M." : "A.M.");
        else if (KW("a.m.") || KW("p.m.")) isnum = false, sb_str(&b, x.hh >= 12 ? "p.m." : "a.m.");
        else if (KW("AD") || KW("BC")) isnum = false, sb_str(&b, x.y > 0 ? "AD" : "BC");
        else if (KW("ad") || KW("bc")) isnum = false, sb_str(&b, x.y > 0 ? "ad" : "bc");
        else if (KW("A.D.") || KW("B.C.")) isnum = false, sb_str(&b, x.y > 0 ? "A.D." : "B.C.");
        else if (KW("a.d.") || KW("b.c.")) isnum = false, sb_str(&b, x.y > 0 ? "a.d." : "b.c.");
        else if (KW("Y,YYY") || KW("y,yyy")) {
            isnum = false;
            snprintf(tmp, sizeof tmp, "%lld,%03lld", (long long)(year / 1000), (long long)(year % 1000));
            sb_str(&b, tmp);
        } else if (KW("YYYY") || KW("yyyy")) num = year, width = 4;
        else if (KW("YYY") || KW("yyy")) num = year % 1000, width = 3;
        else if (KW("YY") || KW("yy")) num = year % 100, width = 2;
        else if (KW("Y") || KW("y")) num = year % 10, width = 1;
        else if (KW("IYYY") || KW("iyyy")) {
            int64_t iy;
            int w;
            iso_week(days, &iy, &w);
            num = iy, width = 4;
        } else if (KW("IW") || KW("iw")) {
            int64_t iy;
            int w;
            iso_week(days, &iy, &w);
            num = w, width = 2;
        } else if (KW("IDDD") || KW("iddd")) {
            int64_t iy;
            int w;
            iso_week(days, &iy, &w);
            num = (w - 1) * 7 + (dow_of(days) == 0 ? 7 : dow_of(days)), width = 3;
        } else if (KW("ID") || KW("id")) num = dow_of(days) == 0 ? 7 : dow_of(days), width = 1;
        else if (KW("MONTH")) isnum = false, put_name(&b, month_names[x.m - 1], 2, fm, 0);
        else if (KW("Month")) isnum = false, put_name(&b, month_names[x.m - 1], 1, fm, 0);
        else if (KW("month")) isnum = false, put_name(&b, month_names[x.m - 1], 0, fm, 0);
        else if (KW("MON")) isnum = false, put_name(&b, month_names[x.m - 1], 2, fm, 3);
        else if (KW("Mon")) isnum = false, put_name(&b, month_names[x.m - 1], 1, fm, 3);
        else if (KW("mon")) isnum = false, put_name(&b, month_names[x.m - 1], 0, fm, 3);
        else if (KW("MM") || KW("mm")) num = x.m, width = 2;
        else if (KW("DAY")) isnum = false, put_name(&b, day_names[dow_of(days)], 2, fm, 0);
        else if (KW("Day")) isnum = false, put_name(&b, day_names[dow_of(days)], 1, fm, 0);
        else if (KW("day")) isnum = false, put_name(&b, day_names[dow_of(days)], 0, fm, 0);
        else if (KW("DY")) isnum = false, put_name(&b, day_names[dow_of(days)], 2, fm, 3);
        else if (KW("Dy")) isnum = false, put_name(&b, day_names[dow_of(days)], 1, fm, 3);
        else if (KW("dy")) isnum = false, put_name(&b, day_names[dow_of(days)], 0, fm, 3);
        else if (KW("DDD") || KW("ddd")) num = days - days_of(x.y, 1, 1) + 1, width = 3;
        else if (KW("DD") || KW("dd")) num = x.d, width = 2;
        else if (KW("D") || KW("d")) num = dow_of(days) + 1, width = 1;
        else if (KW("WW") || KW("ww")) num = (days - days_of(x.y, 1, 1)) / 7 + 1, width = 2;
        else if (KW("W") || KW("w")) num = (x.d - 1) / 7 + 1, width = 1;
        else if (KW("Q") || KW("q")) num = (x.m - 1) / 3 + 1, width = 1;
        else if (KW("CC") || KW("cc")) num = x.y > 0 ? (x.y + 99) / 100 : -((99 - (x.y - 1)) / 100), width = 2;
        else if (KW("J") || KW("j")) num = days + POSTGRES_EPOCH_JDATE, width = 0;
        else if (KW("TZH")) {
            isnum = false;
            snprintf(tmp, sizeof tmp, "%c%02d", off >= 0 ? '+' : '-', abs(off) / 3600);
            sb_str(&b, tmp);
        } else if (KW("TZM")) {
            isnum = false;
            snprintf(tmp, sizeof tmp, "%02d", abs(off) / 60 % 60);
            sb_str(&b, tmp);
        } else if (KW("TZ") || KW("tz")) {
            isnum = false;
            if (tz) {
                pgtz_info info;
                int64_t sec = floordiv(v->u.i, USECS_PER_SEC) + (int64_t)EPOCH_DAYS_1970 * SECS_PER_DAY;
                pgtz_info_at(sqltz_zone(sqlval_session_tz()), sec, &info);
                const char *ab = info.abbrev ? info.abbrev : "UTC";
                for (size_t k = 0; ab[k] && k < sizeof tmp - 1; k++)
                    tmp[k] = p[0] == 't' ? (char)tolower((unsigned char)ab[k]) : ab[k], tmp[k + 1] = 0;
                sb_str(&b, ab[0] ? tmp : "");
            }
        } else if (KW("OF") || KW("of")) {
            isnum = false;
            if (off % 3600)
                snprintf(tmp, sizeof tmp, "%c%02d:%02d", off >= 0 ? '+' : '-', abs(off) / 3600, abs(off) / 60 % 60);
            else
                snprintf(tmp, sizeof tmp, "%c%02d", off >= 0 ? '+' : '-', abs(off) / 3600);
            sb_str(&b, tmp);
        } else {
            if (fm) continue; /* FM before something that is not a pattern */
            sb_add(&b, p, 1);
            i++;
            continue;
        }
#undef KW
        if (!isnum) continue;
        put_num(&b, num, width, fm, f, fl, &i);
    }
    if (b.oom) {
        free(b.p);
        return sqlerr_oom(err);
    }
    sqlval_take_str(out, SQLVAL_TEXT, b.p, b.n);
    return SQL_OK;
}

/* ------------------------------------------------------------------ interval typmods */

/* PostgreSQL's AdjustIntervalForTypmod: the fields outside the range are dropped, the
 * seconds rounded to the precision. */
int sqldate_interval_typmod(sqlval *v, int32_t typmod, sqlerr *err)
{
    if (v->isnull || v->type != SQLVAL_INTERVAL || typmod < 0) return SQL_OK;
    int range = (typmod >> 16) & 0x7FFF, prec = typmod & 0xFFFF;
    sqldate_interval iv;
    sqldate_get_interval(v, &iv);
    if (range == R_YEAR) iv.months = iv.months / 12 * 12, iv.days = 0, iv.us = 0;
    else if (range == R_MONTH || range == (R_YEAR | R_MONTH)) iv.days = 0, iv.us = 0;
    else if (range == R_DAY) iv.us = 0;
    else if (range == R_HOUR || range == (R_DAY | R_HOUR)) iv.us = iv.us / USECS_PER_HOUR * USECS_PER_HOUR;
    else if (range == R_MINUTE || range == (R_HOUR | R_MINUTE) || range == (R_DAY | R_HOUR | R_MINUTE))
        iv.us = iv.us / USECS_PER_MINUTE * USECS_PER_MINUTE;
    if (prec != 0xFFFF && prec < 6) {
        int64_t unit = 1;
        for (int i = prec; i < 6; i++) unit *= 10;
        if (iv.us >= 0) iv.us = (iv.us + unit / 2) / unit * unit;
        else iv.us = -((-iv.us + unit / 2) / unit * unit);
    }
    sqlval_free(v);
    return sqldate_set_interval(v, &iv, err);
}

int sqldate_interval_in_typmod(const char *s, size_t len, int32_t typmod, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, SQLVAL_INTERVAL);
    int range = typmod >= 0 ? (typmod >> 16) & 0x7FFF : R_FULL;
    if (parse_interval_range(s, len, range ? range : R_FULL, out, err)) return SQL_ERR;
    return sqldate_interval_typmod(out, typmod, err);
}

/* ------------------------------------------------------------------ to_timestamp / to_date */

/* What PostgreSQL's DCH_from_char gathers from the input: each field as it was read. */
typedef struct fromc {
    int64_t year;
    int year_digits; /* how many digits the year had (YY: 2) */
    bool has_year, bc;
    int64_t cc;
    int month, day, doy;
    int hh, mi, ss;
    bool clock12;
    int pm; /* -1 not given, 0 AM, 1 PM */
    int64_t us;
    int64_t julian;
    bool has_julian;
    int tzh, tzm;
    bool has_tz;
} fromc;

static int fc_bad(const char *what, const char *at, const char *end, int len, sqlerr *err)
{
    char tmp[64];
    int k = 0;
    while (at + k < end && k < (len > 0 ? len : 20) && !isspace((unsigned char)at[k])) k++;
    snprintf(tmp, sizeof tmp, "%.*s", k, at);
    sqlerr_set(err, "22007", -1, "invalid value \"%s\" for \"%s\"", tmp, what);
    if (len > 0) sqlerr_detail(err, "Value must be an integer.");
    return SQL_ERR;
}

static bool fc_sep(char c)
{
    return c && !isalnum((unsigned char)c) && !(c & 0x80);
}

/* A number of at most len digits (any number when greedy), after optional spaces and a sign
 * where allowed. */
static int fc_int(const char **sp, const char *end, int len, bool greedy, bool sign, const char *what,
                  int64_t *out, int *ndigits, sqlerr *err)
{
    const char *s = *sp;
    while (s < end && isspace((unsigned char)*s)) s++;
    bool neg = false;
    if (sign && s < end && (*s == '-' || *s == '+')) neg = *s++ == '-';
    const char *d = s;
    int64_t v = 0;
    while (s < end && isdigit((unsigned char)*s) && (greedy || s - d < len) && s - d < 18) v = v * 10 + (*s++ - '0');
    if (s == d) {
        if (d >= end) return sqlerr_set(err, "22007", -1, "source string too short for \"%s\" formatting field", what);
        return fc_bad(what, d, end, len, err);
    }
    if (!greedy && s - d < len && s < end && !fc_sep(*s) && !isspace((unsigned char)*s))
        return fc_bad(what, d, end, len, err);
    *ndigits = (int)(s - d);
    *out = neg ? -v : v;
    *sp = s;
    return SQL_OK;
}

/* Whether the pattern at f (after a field) is the end or a separator: the field then takes
 * every digit there is (PostgreSQL's is_next_separator). */
static bool fc_next_sep(const char *f, const char *fend)
{
    if (f >= fend) return true;
    if (*f == '"' || fc_sep(*f) || isspace((unsigned char)*f)) return true;
    if ((*f == 'F' || *f == 'f') && f + 1 < fend && (f[1] == 'M' || f[1] == 'm')) f += 2;
    if (f >= fend) return true;
    /* a field that reads digits follows: fixed width */
    static const char *const nums[] = {"HH", "hh", "MI", "mi", "SS", "ss", "MS", "ms", "US", "us", "YYYY", "yyyy",
                                       "YY", "yy", "Y", "y", "MM", "mm", "DD", "dd", "DDD", "ddd", "J", "j",
                                       "CC", "cc", "FF", "ff", "TZH", "TZM", "D", "d", "W", "w", "Q", "q"};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
        if ((size_t)(fend - f) >= strlen(nums[k]) && !strncmp(f, nums[k], strlen(nums[k]))) return false;
    return true;
}

static int fc_name(const char **sp, const char *end, const char *const *names, int n, int abbrev,
                   const char *what, int *out, sqlerr *err)
{
    const char *s = *sp;
    while (s < end && isspace((unsigned char)*s)) s++;
    for (int k = 0; k < n; k++) {
        size_t l = abbrev ? (size_t)abbrev : strlen(names[k]);
        if ((size_t)(end - s) >= l && !strncasecmp(s, names[k], l)) {
            *out = k;
            *sp = s + l;
            return SQL_OK;
        }
    }
    fc_bad(what, s, end, 0, err);
    sqlerr_detail(err, "The given value did not match any of the allowed values for this field.");
    return SQL_ERR;
}

/* PostgreSQL's from_char_set_int: a field given twice must agree (0 counts as unset) */
static int fc_set(int64_t *dst, int64_t v, const char *what, sqlerr *err)
{
    if (*dst != 0 && *dst != v) {
        sqlerr_set(err, "22007", -1, "conflicting values for \"%s\" field in formatting string", what);
        sqlerr_detail(err, "This value contradicts a previous setting for the same field type.");
        return SQL_ERR;
    }
    *dst = v;
    return SQL_OK;
}

static int from_char(const char *s, size_t sl, const char *f, size_t fl, fromc *r, sqlerr *err)
{
    const char *end = s + sl, *fend = f + fl;
    memset(r, 0, sizeof *r);
    r->pm = -1;
    while (f < fend && s < end) { /* fields past the end of the input stay unset */
        bool fm = false;
        if ((*f == 'F' || *f == 'f') && f + 1 < fend && (f[1] == 'M' || f[1] == 'm')) {
            fm = true;
            f += 2;
            if (f >= fend) break;
        }
        if ((*f == 'F' || *f == 'f') && f + 1 < fend && (f[1] == 'X' || f[1] == 'x')) {
            f += 2; /* FX: fixed format; HeliosDB reads as without it */
            continue;
        }
        size_t rem = (size_t)(fend - f);
        const char *kw0 = f;
        char kwt[8];
#define KWTEXT() (snprintf(kwt, sizeof kwt, "%.*s", (int)(f - kw0), kw0), kwt)
#define KW(k) (rem >= sizeof(k) - 1 && !memcmp(f, k, sizeof(k) - 1) ? (f += sizeof(k) - 1, true) : false)
        int64_t v = 0;
        int nd = 0;
        const char *what = NULL;
        int len = 0;
        int64_t *dst = NULL;
        int field = 0; /* 1 year, 2 month, 3 day, 4 hour24, 5 hour12, 6 minute, 7 second, 8 ms, 9 us,
                        * 10 doy, 11 julian, 12 cc, 13 tzh, 14 tzm, 15 ff, 16 ignored digits */
        int ff = 0;
        if (*f == '"') { /* a quoted literal: as many input characters skipped */
            f++;
            while (f < fend && *f != '"') {
                if (*f == '\\' && f + 1 < fend) f++;
                f++;
                if (s < end) s++;
            }
            if (f < fend) f++;
            continue;
        }
        if (KW("Y,YYY") || KW("y,yyy")) {
            int64_t hi, lo;
            int n1, n2;
            if (fc_int(&s, end, 9, true, false, "Y,YYY", &hi, &n1, err)) return SQL_ERR;
            if (s >= end || *s != ',') return fc_bad("Y,YYY", s, end, 0, err);
            s++;
            if (fc_int(&s, end, 3, false, false, "Y,YYY", &lo, &n2, err)) return SQL_ERR;
            if (fc_set(&r->year, hi * 1000 + lo, "Y,YYY", err)) return SQL_ERR;
            r->year_digits = 4, r->has_year = true;
            continue;
        }
        if (KW("DAY") || KW("Day") || KW("day")) {
            int k = 0;
            if (fc_name(&s, end, day_names, 7, 0, KWTEXT(), &k, err)) return SQL_ERR;
            continue;
        } else if (KW("DY") || KW("Dy") || KW("dy")) {
            int k = 0;
            if (fc_name(&s, end, day_names, 7, 3, KWTEXT(), &k, err)) return SQL_ERR;
            continue;
        }
        if (KW("YYYY") || KW("yyyy")) field = 1, len = 4, what = "YYYY";
        else if (KW("YYY") || KW("yyy")) field = 1, len = 3, what = "YYY";
        else if (KW("YY") || KW("yy")) field = 1, len = 2, what = "YY";
        else if (KW("Y") || KW("y")) field = 1, len = 1, what = "Y";
        else if (KW("HH24") || KW("hh24")) field = 4, len = 2, what = "HH24";
        else if (KW("HH12") || KW("hh12")) field = 5, len = 2, what = "HH12";
        else if (KW("HH") || KW("hh")) field = 5, len = 2, what = "HH";
        else if (KW("MI") || KW("mi")) field = 6, len = 2, what = "MI";
        else if (KW("SSSSS") || KW("sssss") || KW("SSSS") || KW("ssss")) {
            int64_t secs;
            if (fc_int(&s, end, 5, true, false, "SSSS", &secs, &nd, err)) return SQL_ERR;
            r->hh = (int)(secs / 3600), r->mi = (int)(secs / 60 % 60), r->ss = (int)(secs % 60);
            continue;
        } else if (KW("SS") || KW("ss")) field = 7, len = 2, what = "SS";
        else if (KW("MS") || KW("ms")) field = 8, len = 3, what = "MS";
        else if (KW("US") || KW("us")) field = 9, len = 6, what = "US";
        else if (rem >= 3 && (f[0] == 'F' || f[0] == 'f') && (f[1] == 'F' || f[1] == 'f') && f[2] >= '1' && f[2] <= '6') {
            ff = f[2] - '0';
            field = 15, len = ff, what = "FF";
            f += 3;
        } else if (KW("MM") || KW("mm")) field = 2, len = 2, what = "MM";
        else if (KW("DDD") || KW("ddd")) field = 10, len = 3, what = "DDD";
        else if (KW("DD") || KW("dd")) field = 3, len = 2, what = "DD";
        else if (KW("J") || KW("j")) field = 11, len = 7, what = "J";
        else if (KW("CC") || KW("cc")) field = 12, len = 2, what = "CC";
        else if (KW("TZH")) field = 13, len = 2, what = "TZH";
        else if (KW("TZM")) field = 14, len = 2, what = "TZM";
        else if (KW("IYYY") || KW("iyyy") || KW("IW") || KW("iw") || KW("IDDD") || KW("iddd") || KW("ID") || KW("id"))
            return sqlerr_unsupported(err, -1, "ISO week fields in to_timestamp / to_date");
        else if (KW("D") || KW("d") || KW("W") || KW("w") || KW("Q") || KW("q") || KW("WW") || KW("ww"))
            field = 16, len = 1, what = "D";
        else if (KW("AM") || KW("PM") || KW("am") || KW("pm") || KW("A.M.") || KW("P.M.") || KW("a.m.") || KW("p.m.")) {
            static const char *const mer[] = {"am", "pm", "a.m.", "p.m."};
            int k = 0;
            bool dots = f[-1] == '.';
            if (fc_name(&s, end, mer + (dots ? 2 : 0), 2, 0, KWTEXT(), &k, err)) return SQL_ERR;
            r->pm = k;
            continue;
        } else if (KW("AD") || KW("BC") || KW("ad") || KW("bc") || KW("A.D.") || KW("B.C.") || KW("a.d.") || KW("b.c.")) {
            static const char *const era[] = {"ad", "bc", "a.d.", "b.c."};
            int k = 0;
            bool dots = f[-1] == '.';
            if (fc_name(&s, end, era + (dots ? 2 : 0), 2, 0, KWTEXT(), &k, err)) return SQL_ERR;
            r->bc = k == 1;
            continue;
        } else if (KW("MONTH") || KW("Month") || KW("month")) {
            int k = 0;
            if (fc_name(&s, end, month_names, 12, 0, KWTEXT(), &k, err)) return SQL_ERR;
            r->month = k + 1;
            continue;
        } else if (KW("MON") || KW("Mon") || KW("mon")) {
            int k = 0;
            if (fc_name(&s, end, month_names, 12, 3, KWTEXT(), &k, err)) return SQL_ERR;
            r->month = k + 1;
            continue;
        } else if (KW("TZ") || KW("tz") || KW("OF") || KW("of")) {
            return sqlerr_unsupported(err, -1, "TZ and OF in to_timestamp (use TZH:TZM)");
        }
#undef KW
#undef KWTEXT
        if (!field) {
            /* not a field: a space skips the input's spaces, any other character one input
             * character (a separator only when the input has one there) */
            if (isspace((unsigned char)*f)) {
                while (s < end && isspace((unsigned char)*s)) s++;
            } else if (fc_sep(*f)) {
                if (s < end && (fc_sep(*s) || isspace((unsigned char)*s))) s++;
            } else if (s < end) {
                s++;
            }
            f++;
            continue;
        }
        bool greedy = fm || fc_next_sep(f, fend);
        (void)dst;
        if (fc_int(&s, end, len, greedy, field == 1 || field == 13, what, &v, &nd, err)) return SQL_ERR;
        /* TH / th after a number: its ordinal suffix in the input */
        if (f + 1 < fend && ((f[0] == 'T' && f[1] == 'H') || (f[0] == 't' && f[1] == 'h'))) {
            f += 2;
            if (s + 1 < end && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1])) s += 2;
        }
        int64_t cur;
        switch (field) {
        case 1:
            if (fc_set(&r->year, v, what, err)) return SQL_ERR;
            r->year_digits = len, r->has_year = true;
            break;
        case 2:
            cur = r->month;
            if (fc_set(&cur, v, what, err)) return SQL_ERR;
            r->month = (int)v;
            break;
        case 3:
            cur = r->day;
            if (fc_set(&cur, v, what, err)) return SQL_ERR;
            r->day = (int)v;
            break;
        case 4: r->hh = (int)v; break;
        case 5: r->hh = (int)v, r->clock12 = true; break;
        case 6: r->mi = (int)v; break;
        case 7: r->ss = (int)v; break;
        case 8: { /* the digits after the decimal point: '3' is 300 ms */
            int64_t m = v;
            for (int k = nd; k < 3; k++) m *= 10;
            r->us += m * 1000;
            break;
        }
        case 9:
        case 15: {
            int64_t u = v;
            for (int k = nd; k < 6; k++) u *= 10;
            r->us += u;
            break;
        }
        case 10: r->doy = (int)v; break;
        case 11: r->julian = v, r->has_julian = true; break;
        case 12: r->cc = v; break;
        case 13: r->tzh = (int)v, r->has_tz = true; break;
        case 14: r->tzm = (int)v, r->has_tz = true; break;
        default: break;
        }
    }
    return SQL_OK;
}

/* The wall-clock time (µs since 2000) from_char's fields give, as PostgreSQL's
 * do_to_timestamp assembles them; *days for to_date. */
static int fc_assemble(const fromc *r, const char *text, int64_t *local, sqlerr *err)
{
    int64_t y = 0; /* none given: year 0, 1 BC, as PostgreSQL */
    if (r->has_year) {
        y = r->year;
        if (r->year_digits < 4) /* YYY, YY, Y: nearest to 2020 (adjust_partial_year_to_2020) */
            y = y < 70 ? y + 2000 : y < 100 ? y + 1900 : y < 520 ? y + 2000 : y < 1000 ? y + 1000 : y;
        if (r->bc) y = -y;
        if (y < 0) y++;
    } else if (r->cc) {
        y = r->cc > 0 ? (r->cc - 1) * 100 + 1 : r->cc * 100 + 1;
        if (r->bc) y = -y + 1;
    }
    int m = r->month ? r->month : 1, d = r->day ? r->day : 1;
    int64_t days;
    if (r->has_julian) {
        days = r->julian - POSTGRES_EPOCH_JDATE;
    } else {
        if (r->doy && !r->month && !r->day) {
            if (r->doy < 1 || r->doy > (is_leap(y) ? 366 : 365))
                return sqlerr_set(err, "22008", -1, "date/time field value out of range: \"%s\"", text);
            days = days_of(y, 1, 1) + r->doy - 1;
        } else {
            if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
                return sqlerr_set(err, "22008", -1, "date/time field value out of range: \"%s\"", text);
            days = days_of(y, m, d);
        }
    }
    int hh = r->hh;
    if (r->clock12 || r->pm >= 0) {
        if (hh < 1 || hh > 12) {
            sqlerr_set(err, "22008", -1, "hour \"%d\" is invalid for the 12-hour clock", hh);
            sqlerr_hint(err, "Use the 24-hour clock, or give an hour between 1 and 12.");
            return SQL_ERR;
        }
        if (r->pm == 1 && hh < 12) hh += 12;
        else if (r->pm == 0 && hh == 12) hh = 0;
    }
    if (hh < 0 || hh > 24 || r->mi < 0 || r->mi > 59 || r->ss < 0 || r->ss > 60 ||
        (hh == 24 && (r->mi || r->ss || r->us)))
        return sqlerr_set(err, "22008", -1, "date/time field value out of range: \"%s\"", text);
    *local = days * USECS_PER_DAY + ((int64_t)hh * 3600 + r->mi * 60 + r->ss) * USECS_PER_SEC + r->us;
    return SQL_OK;
}

/* The wall-clock time the text a[0] gives through template a[1] (and its fields in *r). */
static int fc_local(const sqlval *a, fromc *r, int64_t *local, sqlerr *err)
{
    if (from_char(a[0].s ? a[0].s : "", a[0].s ? a[0].len : 0, a[1].s ? a[1].s : "", a[1].s ? a[1].len : 0, r, err))
        return SQL_ERR;
    char *text = strndup(a[0].s ? a[0].s : "", a[0].s ? a[0].len : 0);
    if (!text) return sqlerr_oom(err);
    int rc = fc_assemble(r, text, local, err);
    free(text);
    return rc;
}

int sqldate_fn_to_timestamp_text(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    fromc r;
    int64_t local, utc;
    if (fc_local(a, &r, &local, err)) return SQL_ERR;
    if (r.has_tz) {
        int sign = r.tzh < 0 ? -1 : 1;
        utc = local - (int64_t)sign * ((int64_t)(r.tzh * sign) * 3600 + r.tzm * 60) * USECS_PER_SEC;
    } else if (local_to_utc(local, sqlval_session_tz(), &utc, err)) {
        return SQL_ERR;
    }
    return set_ts(out, SQLVAL_TIMESTAMPTZ, utc, err);
}

int sqldate_fn_to_date(const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    (void)n;
    fromc r;
    int64_t local;
    if (fc_local(a, &r, &local, err)) return SQL_ERR;
    return set_date(out, floordiv(local, USECS_PER_DAY), err);
}
