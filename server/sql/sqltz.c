/*
 * server/sql/sqltz.c — see sqltz.h.
 *
 * Entry points: sqltz_resolve (and sqltz_lookup, sqltz_error), sqltz_utc, sqltz_name,
 * sqltz_zone, sqltz_format, sqltz_local_to_utc.
 * PostgreSQL counterparts: check_timezone (commands/variable.c), pg_tzset, pg_tzset_offset and
 * pg_open_tzfile (timezone/pgtz.c), pg_tz_acceptable, timestamptz_out/EncodeDateTime and
 * DetermineTimeZoneOffset (utils/adt/datetime.c).
 */
#include "server/sql/sqltz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/sqlstate.h"

#define NAME_MAX_LEN PGTZ_POSIX_MAX /* PostgreSQL's TZ_STRLEN_MAX */
#define DEFAULT_TZDIR "/usr/share/zoneinfo"
#define CACHE_BUCKETS 256
#define USECS_PER_SEC INT64_C(1000000)
#define SECS_PER_DAY 86400
#define EPOCH_2000 INT64_C(946684800)              /* 2000-01-01 in seconds since 1970 */
#define MIN_TIMESTAMP INT64_C(-211813488000000000) /* 4714-11-24 00:00 BC, PostgreSQL's */
#define END_TIMESTAMP INT64_C(9223371331200000000) /* 294277-01-01 00:00, exclusive */

struct sqltz {
    const char *name; /* SHOW TimeZone */
    pgtz *zone;       /* NULL: UTC */
};

typedef struct tz_entry {
    struct tz_entry *next;
    sqltz tz;
    char *key; /* the upper-cased value or generated name */
} tz_entry;

static const sqltz utc_zone = {"Etc/UTC", NULL};

/* The process-wide cache (sqltz.h explains why it exists). */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static tz_entry *cache[CACHE_BUCKETS];
static size_t cache_count;

static uint32_t key_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % CACHE_BUCKETS;
}

static const sqltz *cache_find_locked(const char *key)
{
    for (tz_entry *e = cache[key_hash(key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return &e->tz;
    return NULL;
}

static const sqltz *cache_find(const char *key)
{
    pthread_mutex_lock(&cache_mu);
    const sqltz *z = cache_find_locked(key);
    pthread_mutex_unlock(&cache_mu);
    return z;
}

/* Inserts a zone built outside the lock; takes ownership of zone. If another thread inserted
   the same key meanwhile, its entry wins and zone is freed. */
static int cache_insert(const char *key, const char *name, pgtz *zone, const sqltz **out)
{
    int rc = 0;
    pthread_mutex_lock(&cache_mu);
    const sqltz *hit = cache_find_locked(key);
    if (hit) {
        *out = hit;
        goto out_unlock;
    }
    if (cache_count >= SQLTZ_CACHE_MAX) {
        rc = SQLTZ_ETOOMANY;
        goto out_unlock;
    }
    size_t klen = strlen(key) + 1, nlen = strlen(name) + 1;
    tz_entry *e = malloc(sizeof *e + klen + nlen);
    if (!e) {
        rc = SQLTZ_ENOMEM;
        goto out_unlock;
    }
    e->key = (char *)(e + 1);
    memcpy(e->key, key, klen);
    memcpy(e->key + klen, name, nlen);
    e->tz.name = e->key + klen;
    e->tz.zone = zone;
    zone = NULL;
    uint32_t b = key_hash(key);
    e->next = cache[b];
    cache[b] = e;
    cache_count++;
    *out = &e->tz;
out_unlock:
    pthread_mutex_unlock(&cache_mu);
    pgtz_free(zone);
    return rc;
}

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
    return true;
}

/* ---- fixed offsets (numbers and intervals) ---- */

/* PostgreSQL's pg_tzset_offset: a POSIX name for an offset WEST of UTC. */
static void offset_name(int64_t west, char *buf, size_t n)
{
    int64_t a = west < 0 ? -west : west;
    char off[64];
    int len = snprintf(off, sizeof off, "%02lld", (long long)(a / 3600));
    a %= 3600;
    if (a != 0) {
        len += snprintf(off + len, sizeof off - (size_t)len, ":%02lld", (long long)(a / 60));
        if (a % 60 != 0)
            snprintf(off + len, sizeof off - (size_t)len, ":%02lld", (long long)(a % 60));
    }
    snprintf(buf, n, west > 0 ? "<-%s>+%s" : "<+%s>-%s", off, off);
}

static int resolve_offset(int64_t west, const sqltz **out)
{
    char name[160];
    offset_name(west, name, sizeof name);
    if ((*out = cache_find(name))) return 0;
    pgtz *zone;
    int rc = pgtz_from_posix(name, &zone);
    if (rc == PGTZ_ENOMEM) return SQLTZ_ENOMEM;
    if (rc) return SQLTZ_ERANGE; /* hours beyond 167 */
    return cache_insert(name, name, zone, out);
}

/* ---- INTERVAL '...' (the subset of interval_in that interval_out and people write) ---- */

typedef struct interval_acc {
    int64_t months, days;
    double time_us;
} interval_acc;

/* A fraction of a day becomes time, as PostgreSQL's AdjustFractDays does. */
static void add_days(interval_acc *a, double days)
{
    double whole = trunc(days);
    a->days += (int64_t)whole;
    a->time_us += (days - whole) * 86400.0 * 1e6;
}

static void add_months(interval_acc *a, double months)
{
    double whole = trunc(months);
    a->months += (int64_t)whole;
    add_days(a, (months - whole) * 30.0);
}

/* unit name -> what one of it is; NULL-terminated table */
static const struct {
    const char *name;
    char kind; /* 'u' microseconds, 'd' days, 'm' months */
    double scale;
} interval_units[] = {
    {"microseconds", 'u', 1},
    {"microsecond", 'u', 1},
    {"usecs", 'u', 1},
    {"usec", 'u', 1},
    {"us", 'u', 1},
    {"milliseconds", 'u', 1e3},
    {"millisecond", 'u', 1e3},
    {"msecs", 'u', 1e3},
    {"msec", 'u', 1e3},
    {"ms", 'u', 1e3},
    {"seconds", 'u', 1e6},
    {"second", 'u', 1e6},
    {"secs", 'u', 1e6},
    {"sec", 'u', 1e6},
    {"s", 'u', 1e6},
    {"minutes", 'u', 60e6},
    {"minute", 'u', 60e6},
    {"mins", 'u', 60e6},
    {"min", 'u', 60e6},
    {"m", 'u', 60e6},
    {"hours", 'u', 3600e6},
    {"hour", 'u', 3600e6},
    {"hrs", 'u', 3600e6},
    {"hr", 'u', 3600e6},
    {"h", 'u', 3600e6},
    {"days", 'd', 1},
    {"day", 'd', 1},
    {"d", 'd', 1},
    {"weeks", 'd', 7},
    {"week", 'd', 7},
    {"w", 'd', 7},
    {"months", 'm', 1},
    {"month", 'm', 1},
    {"mons", 'm', 1},
    {"mon", 'm', 1},
    {"years", 'm', 12},
    {"year", 'm', 12},
    {"yrs", 'm', 12},
    {"yr", 'm', 12},
    {"y", 'm', 12},
    {"decades", 'm', 120},
    {"decade", 'm', 120},
    {"centuries", 'm', 1200},
    {"century", 'm', 1200},
    {"millennia", 'm', 12000},
    {"millennium", 'm', 12000},
    {NULL, 0, 0},
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* [+-]H:MM[:SS[.frac]] at s; returns the end or NULL. */
static const char *interval_time(const char *s, interval_acc *a)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    double v[3] = {0, 0, 0};
    int n = 0;
    while (n < 3) {
        if (!is_digit(*s)) return NULL;
        char *e;
        errno = 0;
        v[n++] = strtod(s, &e); /* digits and, for seconds only, a fraction */
        if (errno || (n < 3 && memchr(s, '.', (size_t)(e - s)))) return NULL;
        if (memchr(s, 'e', (size_t)(e - s)) || memchr(s, 'E', (size_t)(e - s))) return NULL;
        s = e;
        if (*s != ':') break;
        s++;
    }
    if (n < 2 || v[1] >= 60 || v[2] >= 60) return NULL;
    double us = (v[0] * 3600 + v[1] * 60 + v[2]) * 1e6;
    a->time_us += neg ? -us : us;
    return s;
}

static int parse_interval(const char *s, int64_t *time_us)
{
    interval_acc a = {0, 0, 0};
    bool any = false, ago = false;
    while (is_space(*s))
        s++;
    if (*s == '@') s++;
    for (;;) {
        while (is_space(*s))
            s++;
        if (!*s) break;
        if (ago) return SQLTZ_EINTERVAL; /* "ago" ends the value */
        const char *colon = s;
        if (*colon == '+' || *colon == '-') colon++;
        while (is_digit(*colon))
            colon++;
        if (*colon == ':' && colon > s && is_digit(colon[-1])) {
            if (!(s = interval_time(s, &a))) return SQLTZ_EINTERVAL;
            any = true;
            continue;
        }
        if (is_alpha(*s)) {
            size_t n = 0;
            while (is_alpha(s[n]))
                n++;
            if (n == 3 && ascii_ieq(s, "ago", 3) && any) {
                ago = true;
                s += n;
                continue;
            }
            return SQLTZ_EINTERVAL;
        }
        /* number [unit] */
        const char *num = s;
        if (*s == '+' || *s == '-') s++;
        if (!is_digit(*s) && !(*s == '.' && is_digit(s[1]))) return SQLTZ_EINTERVAL;
        while (is_digit(*s))
            s++;
        if (*s == '.') {
            s++;
            while (is_digit(*s))
                s++;
        }
        char *e;
        double v = strtod(num, &e);
        if (e != s) return SQLTZ_EINTERVAL;
        while (is_space(*s))
            s++;
        size_t n = 0;
        while (is_alpha(s[n]))
            n++;
        if (n == 0) { /* a bare number is seconds */
            a.time_us += v * 1e6;
        } else {
            int i = 0;
            while (interval_units[i].name && !(strlen(interval_units[i].name) == n &&
                                               ascii_ieq(s, interval_units[i].name, n)))
                i++;
            if (!interval_units[i].name) return SQLTZ_EINTERVAL;
            double x = v * interval_units[i].scale;
            if (interval_units[i].kind == 'u')
                a.time_us += x;
            else if (interval_units[i].kind == 'd')
                add_days(&a, x);
            else
                add_months(&a, x);
            s += n;
        }
        any = true;
    }
    if (!any) return SQLTZ_EINTERVAL;
    if (!(fabs(a.time_us) < 9e18)) return SQLTZ_ERANGE;
    if (a.months) return SQLTZ_EMONTHS;
    if (a.days) return SQLTZ_EDAYS;
    int64_t t = (int64_t)llround(a.time_us);
    *time_us = ago ? -t : t;
    return 0;
}

/* value starts with "interval" (any case): INTERVAL 'text' with nothing after the quote. */
static int resolve_interval(const char *value, const sqltz **out)
{
    const char *s = value + 8;
    while (is_space(*s))
        s++;
    if (*s != '\'') return SQLTZ_EINVALID;
    s++;
    const char *q = strchr(s, '\'');
    if (!q || q[1] != '\0') return SQLTZ_EINVALID;
    char text[NAME_MAX_LEN + 1];
    size_t n = (size_t)(q - s);
    if (n > NAME_MAX_LEN) return SQLTZ_EINTERVAL;
    memcpy(text, s, n);
    text[n] = '\0';
    int64_t time_us;
    int rc = parse_interval(text, &time_us);
    if (rc) return rc;
    return resolve_offset(-(time_us / USECS_PER_SEC), out); /* SQL sign to POSIX sign */
}

/* ---- tz database files ---- */

/* Components of [A-Za-z0-9_+-] separated by single '/': nothing else is ever opened. */
static bool file_name_ok(const char *name)
{
    if (!*name || *name == '/') return false;
    size_t comp = 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (comp == 0) return false;
            comp = 0;
        } else if (is_alpha(c) || is_digit(c) || c == '_' || c == '+' || c == '-') {
            comp++;
        } else {
            return false;
        }
    }
    return comp > 0;
}

/* PostgreSQL's pg_open_tzfile: each component matched case-insensitively (hidden entries
   skipped) so that canon gets the file's own spelling. Returns an fd or -1. */
static int open_zone_file(const char *name, char *canon, size_t canon_n)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = DEFAULT_TZDIR;
    char path[4096];
    size_t plen = strlen(dir);
    if (plen + 1 + strlen(name) >= sizeof path || strlen(name) >= canon_n) return -1;
    memcpy(path, dir, plen + 1);
    size_t clen = 0;
    canon[0] = '\0';
    for (const char *comp = name; *comp;) {
        const char *slash = strchr(comp, '/');
        size_t n = slash ? (size_t)(slash - comp) : strlen(comp);
        DIR *d = opendir(path);
        if (!d) return -1;
        struct dirent *de;
        bool found = false;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || strlen(de->d_name) != n) continue;
            if (ascii_ieq(de->d_name, comp, n)) {
                found = true;
                break;
            }
        }
        if (found) {
            path[plen++] = '/';
            memcpy(path + plen, de->d_name, n);
            plen += n;
            path[plen] = '\0';
            if (clen) canon[clen++] = '/';
            memcpy(canon + clen, de->d_name, n);
            clen += n;
            canon[clen] = '\0';
        }
        closedir(d);
        if (!found) return -1;
        comp += n;
        if (*comp == '/') comp++;
    }
    return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

/* Reads a regular file of at most SQLTZ_FILE_MAX bytes; 0, -1 (not usable), SQLTZ_ENOMEM. */
static int read_zone_file(int fd, uint8_t **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)SQLTZ_FILE_MAX)
        return -1;
    uint8_t *buf = malloc(SQLTZ_FILE_MAX + 1);
    if (!buf) return SQLTZ_ENOMEM;
    size_t n = 0;
    while (n <= SQLTZ_FILE_MAX) {
        ssize_t r = read(fd, buf + n, SQLTZ_FILE_MAX + 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(buf);
            return -1;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > SQLTZ_FILE_MAX) { /* grew while we read it */
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* Loads name from the tz database. 0 with *zone set, -1 when there is no such usable file
   (the caller then tries a POSIX string, as PostgreSQL does), SQLTZ_ENOMEM. */
static int load_zone_file(const char *name, char *canon, size_t canon_n, pgtz **zone)
{
    if (*name == ':') name++;
    if (!file_name_ok(name)) return -1;
    int fd = open_zone_file(name, canon, canon_n);
    if (fd < 0) return -1;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = read_zone_file(fd, &data, &len);
    close(fd);
    if (rc) return rc;
    rc = pgtz_from_tzif(data, len, zone);
    free(data);
    if (rc == PGTZ_ENOMEM) return SQLTZ_ENOMEM;
    return rc ? -1 : 0;
}

/* ---- names ---- */

static int resolve_name(const char *value, const sqltz **out)
{
    size_t len = strlen(value);
    if (len > NAME_MAX_LEN) return SQLTZ_EINVALID;
    char upper[NAME_MAX_LEN + 1], canon[NAME_MAX_LEN + 1];
    for (size_t i = 0; i <= len; i++)
        upper[i] = ascii_upper(value[i]);
    if ((*out = cache_find(upper))) return 0;

    pgtz *zone = NULL;
    if (strcmp(upper, "GMT") == 0) { /* PostgreSQL never reads GMT from disk */
        if (pgtz_from_posix("GMT0", &zone)) return SQLTZ_ENOMEM;
        strcpy(canon, "GMT");
    } else {
        int rc = load_zone_file(upper, canon, sizeof canon, &zone);
        if (rc == SQLTZ_ENOMEM) return rc;
        if (rc) {
            if (upper[0] == ':') return SQLTZ_EINVALID;
            rc = pgtz_from_posix(upper, &zone);
            if (rc == PGTZ_ENOMEM) return SQLTZ_ENOMEM;
            if (rc) return SQLTZ_EINVALID;
            memcpy(canon, upper, len + 1);
        }
    }
    /* PostgreSQL's pg_tz_acceptable: midnight UTC on 2000-01-01 must be a whole minute in the
       zone, which catches leap-second zones (and offsets with seconds) */
    int64_t sec =
        (int64_t)pgtz_offset_at(zone, EPOCH_2000) - pgtz_leap_correction(zone, EPOCH_2000);
    if (sec % 60 != 0) {
        pgtz_free(zone);
        return SQLTZ_ELEAP;
    }
    return cache_insert(upper, canon, zone, out);
}

int sqltz_resolve(const char *value, const sqltz **out)
{
    *out = NULL;
    if (!value) return SQLTZ_EINVALID;
    if (strlen(value) >= 8 && ascii_ieq(value, "interval", 8)) return resolve_interval(value, out);
    char *end;
    double hours = strtod(value, &end);
    if (end != value && *end == '\0') {
        double west = -hours * 3600;
        if (!(fabs(west) < 1e15)) return SQLTZ_ERANGE; /* inf, nan, absurd */
        return resolve_offset((int64_t)west, out);     /* truncated, as the C cast in PostgreSQL */
    }
    return resolve_name(value, out);
}

const sqltz *sqltz_lookup(const char *value)
{
    const sqltz *z;
    return sqltz_resolve(value, &z) == 0 ? z : NULL;
}

int sqltz_error(int err, const char *value, sqlerr *e)
{
    if (!value) value = "";
    switch (err) {
    case SQLTZ_ELEAP:
        sqlerr_set(e, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                   "time zone \"%s\" appears to use leap seconds", value);
        sqlerr_detail(e, "PostgreSQL does not support leap seconds.");
        return SQL_ERR;
    case SQLTZ_EINTERVAL: {
        /* PostgreSQL quotes the text inside INTERVAL '...' */
        const char *q = strchr(value, '\'');
        const char *s = q ? q + 1 : value;
        const char *t = strrchr(s, '\'');
        int n = t ? (int)(t - s) : (int)strlen(s);
        return sqlerr_set(e, SQLSTATE_INVALID_DATETIME_FORMAT, -1,
                          "invalid input syntax for type interval: \"%.*s\"", n, s);
    }
    case SQLTZ_ETOOMANY:
        sqlerr_set(e, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1,
                   "too many distinct time zones in use (at most %d)", SQLTZ_CACHE_MAX);
        return SQL_ERR;
    case SQLTZ_ENOMEM:
        return sqlerr_oom(e);
    case SQLTZ_ETIMESTAMP:
        return sqlerr_set(e, SQLSTATE_DATETIME_FIELD_OVERFLOW, -1, "timestamp out of range");
    default:
        break;
    }
    sqlerr_set(e, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
               "invalid value for parameter \"TimeZone\": \"%s\"", value);
    if (err == SQLTZ_ERANGE) sqlerr_detail(e, "UTC timezone offset is out of range.");
    if (err == SQLTZ_EMONTHS) sqlerr_detail(e, "Cannot specify months in time zone interval.");
    if (err == SQLTZ_EDAYS) sqlerr_detail(e, "Cannot specify days in time zone interval.");
    return SQL_ERR;
}

const sqltz *sqltz_utc(void)
{
    return &utc_zone;
}

const char *sqltz_name(const sqltz *z)
{
    return (z ? z : &utc_zone)->name;
}

const pgtz *sqltz_zone(const sqltz *z)
{
    return z ? z->zone : NULL;
}

/* ---- timestamptz text ---- */

/* Proleptic Gregorian date of a day number (days since 1970-01-01), any int64 in range. */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

size_t sqltz_format(int64_t us, const sqltz *z, char *buf, size_t n)
{
    if (!buf || n < SQLTZ_FORMAT_MAX) return 0;
    if (us == INT64_MIN) return (size_t)snprintf(buf, n, "-infinity");
    if (us == INT64_MAX) return (size_t)snprintf(buf, n, "infinity");
    if (us < MIN_TIMESTAMP || us >= END_TIMESTAMP) return 0;
    int64_t sec = us / USECS_PER_SEC, frac = us % USECS_PER_SEC;
    if (frac < 0) {
        frac += USECS_PER_SEC;
        sec--;
    }
    int32_t east = pgtz_offset_at(sqltz_zone(z), sec + EPOCH_2000);
    int64_t local = sec + east + EPOCH_2000; /* seconds since 1970, local wall clock */
    int64_t days = local / SECS_PER_DAY, tod = local % SECS_PER_DAY;
    if (tod < 0) {
        tod += SECS_PER_DAY;
        days--;
    }
    int64_t y;
    int mon, mday;
    civil_from_days(days, &y, &mon, &mday);
    bool bc = y <= 0;
    int len = snprintf(buf, n, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)(bc ? 1 - y : y), mon,
                       mday, (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
    if (frac) {
        int digits = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        len += snprintf(buf + len, n - (size_t)len, ".%0*lld", digits, (long long)frac);
    }
    /* EncodeTimezone: +HH, +HH:MM, +HH:MM:SS */
    int32_t a = east < 0 ? -east : east;
    char sign = east >= 0 ? '+' : '-';
    int h = (int)(a / 3600), m = (int)(a / 60 % 60), s = (int)(a % 60);
    if (s)
        len += snprintf(buf + len, n - (size_t)len, "%c%02d:%02d:%02d", sign, h, m, s);
    else if (m)
        len += snprintf(buf + len, n - (size_t)len, "%c%02d:%02d", sign, h, m);
    else
        len += snprintf(buf + len, n - (size_t)len, "%c%02d", sign, h);
    if (bc) len += snprintf(buf + len, n - (size_t)len, " BC");
    return (size_t)len;
}

int sqltz_local_to_utc(int64_t local_us, const sqltz *z, int64_t *out_us)
{
    if (local_us == INT64_MIN || local_us == INT64_MAX) {
        *out_us = local_us;
        return 0;
    }
    int64_t sec = local_us / USECS_PER_SEC;
    if (local_us % USECS_PER_SEC < 0) sec--; /* the whole second of the wall clock */
    int64_t east = pgtz_offset_for_local(sqltz_zone(z), sec + EPOCH_2000);
    int64_t d = east * USECS_PER_SEC;
    if ((d > 0 && local_us < INT64_MIN + d) || (d < 0 && local_us > INT64_MAX + d))
        return SQLTZ_ETIMESTAMP;
    int64_t r = local_us - d;
    if (r < MIN_TIMESTAMP || r >= END_TIMESTAMP) return SQLTZ_ETIMESTAMP;
    *out_us = r;
    return 0;
}
