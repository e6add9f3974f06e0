/*
 * server/sql/sqlguc.c — session settings. See sqlguc.h.
 *
 * Index:
 *   table      the settings: PostgreSQL's names, types, ranges, descriptions
 *   values     parsing and canonical text (booleans, integers with units, enums, specials)
 *   session    values per session, transaction blocks, startup options
 */
#include "server/sql/sqlguc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sqlstate.h"
#include "server/sql/sqltz.h"

#ifndef HELIOS_VERSION
#define HELIOS_VERSION "dev"
#endif

const char *sqlguc_server_version(void)
{
    return "15.0 (HeliosDB " HELIOS_VERSION ")";
}

/* ---- table -------------------------------------------------------------------------------- */

typedef enum { V_BOOL, V_INT, V_MS, V_KB, V_ENUM, V_STRING } vtype;

typedef struct def {
    const char *name; /* PostgreSQL's spelling: SHOW's column name, ParameterStatus */
    vtype type;
    const char *context; /* pg_settings.context; "internal" cannot be changed */
    bool reported;       /* sent as ParameterStatus */
    char list;           /* 'l' a list; 'q' a list of identifiers (quoted by SET) */
    const char *boot;    /* NULL: set at session start (server_version, statement_timeout ...) */
    long long min, max;
    const char *enums; /* "a, b, c" as the hint lists them */
    const char *category, *desc;
} def;

#define CL "Client Connection Defaults / Statement Behavior"
#define LOC "Client Connection Defaults / Locale and Formatting"
#define PRE "Preset Options"
#define COMPAT "Version and Platform Compatibility / Previous PostgreSQL Versions"

/* In name order, case-insensitively, as SHOW ALL lists them. */
static const def defs[] = {
    {"application_name", V_STRING, "user", true, 0, "", 0, 0, NULL, "Reporting and Logging / What to Log",
     "Sets the application name to be reported in statistics and logs."},
    {"array_nulls", V_BOOL, "user", false, 0, "on", 0, 0, NULL, COMPAT,
     "Enable input of NULL elements in arrays."},
    {"block_size", V_INT, "internal", false, 0, "8192", 8192, 8192, NULL, PRE,
     "Shows the size of a disk block."},
    {"bytea_output", V_ENUM, "user", false, 0, "hex", 0, 0, "escape, hex", CL,
     "Sets the output format for bytea."},
    {"check_function_bodies", V_BOOL, "user", false, 0, "on", 0, 0, NULL, CL,
     "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."},
    {"client_encoding", V_STRING, "user", true, 0, "UTF8", 0, 0, NULL, LOC,
     "Sets the client's character set encoding."},
    {"client_min_messages", V_ENUM, "user", false, 0, "notice", 0, 0,
     "debug5, debug4, debug3, debug2, debug1, log, notice, warning, error", CL,
     "Sets the message levels that are sent to the client."},
    {"DateStyle", V_STRING, "user", true, 'l', "ISO, MDY", 0, 0, NULL, LOC,
     "Sets the display format for date and time values."},
    {"default_table_access_method", V_STRING, "user", false, 0, "heap", 0, 0, NULL, CL,
     "Sets the default table access method for new tables."},
    {"default_tablespace", V_STRING, "user", false, 0, "", 0, 0, NULL, CL,
     "Sets the default tablespace to create tables and indexes in."},
    {"default_transaction_deferrable", V_BOOL, "user", false, 0, "off", 0, 0, NULL, CL,
     "Sets the default deferrable status of new transactions."},
    {"default_transaction_isolation", V_ENUM, "user", false, 0, "read committed", 0, 0,
     "serializable, repeatable read, read committed, read uncommitted", CL,
     "Sets the transaction isolation level of each new transaction."},
    {"default_transaction_read_only", V_BOOL, "user", true, 0, "off", 0, 0, NULL, CL,
     "Sets the default read-only status of new transactions."},
    {"escape_string_warning", V_BOOL, "user", false, 0, "on", 0, 0, NULL, COMPAT,
     "Warn about backslash escapes in ordinary string literals."},
    {"extra_float_digits", V_INT, "user", false, 0, "1", -15, 3, NULL, LOC,
     "Sets the number of digits displayed for floating-point values."},
    {"idle_in_transaction_session_timeout", V_MS, "user", false, 0, "0", 0, INT_MAX, NULL, CL,
     "Sets the maximum allowed idle time between queries, when in a transaction."},
    {"idle_session_timeout", V_MS, "user", false, 0, "0", 0, INT_MAX, NULL, CL,
     "Sets the maximum allowed idle time between queries, when not in a transaction."},
    {"in_hot_standby", V_BOOL, "internal", true, 0, "off", 0, 0, NULL, PRE,
     "Shows whether hot standby is currently active."},
    {"integer_datetimes", V_BOOL, "internal", true, 0, "on", 0, 0, NULL, PRE,
     "Shows whether datetimes are integer based."},
    {"IntervalStyle", V_ENUM, "user", true, 0, "postgres", 0, 0,
     "postgres, postgres_verbose, sql_standard, iso_8601", LOC,
     "Sets the display format for interval values."},
    {"is_superuser", V_BOOL, "internal", true, 0, "on", 0, 0, NULL, PRE,
     "Shows whether the current user is a superuser."},
    {"jit", V_BOOL, "user", false, 0, "on", 0, 0, NULL, "Query Tuning / Other Planner Options",
     "Allow JIT compilation."},
    {"lc_collate", V_STRING, "internal", false, 0, "C", 0, 0, NULL, PRE,
     "Shows the collation order locale."},
    {"lc_ctype", V_STRING, "internal", false, 0, "C", 0, 0, NULL, PRE,
     "Shows the character classification and case conversion locale."},
    {"lc_messages", V_STRING, "superuser", false, 0, "C", 0, 0, NULL, LOC,
     "Sets the language in which messages are displayed."},
    {"lc_monetary", V_STRING, "user", false, 0, "C", 0, 0, NULL, LOC,
     "Sets the locale for formatting monetary amounts."},
    {"lc_numeric", V_STRING, "user", false, 0, "C", 0, 0, NULL, LOC,
     "Sets the locale for formatting numbers."},
    {"lc_time", V_STRING, "user", false, 0, "C", 0, 0, NULL, LOC,
     "Sets the locale for formatting date and time values."},
    {"lock_timeout", V_MS, "user", false, 0, "0", 0, INT_MAX, NULL, CL,
     "Sets the maximum allowed duration of any wait for a lock."},
    {"max_identifier_length", V_INT, "internal", false, 0, "63", 63, 63, NULL, PRE,
     "Shows the maximum identifier length."},
    {"max_index_keys", V_INT, "internal", false, 0, "32", 32, 32, NULL, PRE,
     "Shows the maximum number of index keys."},
    {"role", V_STRING, "user", false, 0, "none", 0, 0, NULL, "Developer Options",
     "Sets the current role."},
    {"row_security", V_BOOL, "user", false, 0, "on", 0, 0, NULL, CL, "Enable row security."},
    {"search_path", V_STRING, "user", false, 'q', "\"$user\", public", 0, 0, NULL, CL,
     "Sets the schema search order for names that are not schema-qualified."},
    {"server_encoding", V_STRING, "internal", true, 0, "UTF8", 0, 0, NULL, PRE,
     "Shows the server (database) character set encoding."},
    {"server_version", V_STRING, "internal", true, 0, NULL, 0, 0, NULL, PRE,
     "Shows the server version."},
    {"server_version_num", V_INT, "internal", false, 0, "150000", 150000, 150000, NULL, PRE,
     "Shows the server version as an integer."},
    {"session_authorization", V_STRING, "internal", true, 0, NULL, 0, 0, NULL, "Developer Options",
     "Sets the session user name."},
    {"standard_conforming_strings", V_BOOL, "user", true, 0, "on", 0, 0, NULL, COMPAT,
     "Causes '...' strings to treat backslashes literally."},
    {"statement_timeout", V_MS, "user", false, 0, NULL, 0, INT_MAX, NULL, CL,
     "Sets the maximum allowed duration of any statement."},
    {"synchronize_seqscans", V_BOOL, "user", false, 0, "on", 0, 0, NULL, COMPAT,
     "Enable synchronized sequential scans."},
    {"TimeZone", V_STRING, "user", true, 0, "Etc/UTC", 0, 0, NULL, LOC,
     "Sets the time zone for displaying and interpreting time stamps."},
    {"timezone_abbreviations", V_STRING, "user", false, 0, "Default", 0, 0, NULL, LOC,
     "Selects a file of time zone abbreviations."},
    {"transaction_deferrable", V_BOOL, "user", false, 0, "off", 0, 0, NULL, CL,
     "Whether to defer a read-only serializable transaction until it can be executed with no "
     "possible serialization failures."},
    {"transaction_isolation", V_ENUM, "user", false, 0, "read committed", 0, 0,
     "serializable, repeatable read, read committed, read uncommitted", CL,
     "Sets the current transaction's isolation level."},
    {"transaction_read_only", V_BOOL, "user", false, 0, "off", 0, 0, NULL, CL,
     "Sets the current transaction's read-only status."},
    {"work_mem", V_KB, "user", false, 0, "4096", 64, INT_MAX, NULL, "Resource Usage / Memory",
     "Sets the maximum memory to be used for query workspaces."},
    {"xmloption", V_ENUM, "user", false, 0, "content", 0, 0, "content, document", CL,
     "Sets whether XML data in implicit parsing and serialization operations is to be "
     "considered as documents or content fragments."},
};
#define NDEFS ((int)(sizeof defs / sizeof defs[0]))

/* Names are looked up on every statement (statement_timeout, TimeZone, role): a hash of the
 * lower-cased name into defs (open addressing, index + 1), built once. */
#define DEF_HASH 1024
static short def_hash[DEF_HASH];
_Static_assert(sizeof defs / sizeof defs[0] < DEF_HASH / 2, "grow DEF_HASH");
static pthread_once_t def_hash_once = PTHREAD_ONCE_INIT;

static unsigned name_hash(const char *n)
{
    unsigned h = 2166136261u;
    for (; *n; n++) h = (h ^ (unsigned char)tolower((unsigned char)*n)) * 16777619u;
    return h & (DEF_HASH - 1);
}

static void def_hash_build(void)
{
    for (int i = 0; i < NDEFS; i++) {
        unsigned h = name_hash(defs[i].name);
        while (def_hash[h]) h = (h + 1) & (DEF_HASH - 1);
        def_hash[h] = (short)(i + 1);
    }
}

static int def_find(const char *name)
{
    pthread_once(&def_hash_once, def_hash_build);
    for (unsigned h = name_hash(name);; h = (h + 1) & (DEF_HASH - 1)) {
        int v = def_hash[h];
        if (!v) return -1;
        if (!strcasecmp(defs[v - 1].name, name)) return v - 1;
    }
}

bool sqlguc_list_quotes(const char *name)
{
    int i = def_find(name);
    return i >= 0 && defs[i].list == 'q';
}

/* ---- values ------------------------------------------------------------------------------- */

/* PostgreSQL's encoding names and aliases as clean_encoding_name leaves a name (letters and
 * digits only, lower case: 'utf-8', UTF_8 and Utf8 are all "utf8"), with the canonical name
 * SHOW client_encoding reports. */
static const struct {
    const char *alias, *name;
} encodings[] = {
    {"utf8", "UTF8"},           {"unicode", "UTF8"},        {"sqlascii", "SQL_ASCII"},
    {"abc", "WIN1258"},         {"alt", "WIN866"},          {"big5", "BIG5"},
    {"euccn", "EUC_CN"},        {"eucjis2004", "EUC_JIS_2004"}, {"eucjp", "EUC_JP"},
    {"euckr", "EUC_KR"},        {"euctw", "EUC_TW"},        {"gb18030", "GB18030"},
    {"gbk", "GBK"},             {"iso88591", "LATIN1"},     {"iso885910", "LATIN6"},
    {"iso885913", "LATIN7"},    {"iso885914", "LATIN8"},    {"iso885915", "LATIN9"},
    {"iso885916", "LATIN10"},   {"iso88592", "LATIN2"},     {"iso88593", "LATIN3"},
    {"iso88594", "LATIN4"},     {"iso88595", "ISO_8859_5"}, {"iso88596", "ISO_8859_6"},
    {"iso88597", "ISO_8859_7"}, {"iso88598", "ISO_8859_8"}, {"iso88599", "LATIN5"},
    {"johab", "JOHAB"},         {"koi8", "KOI8R"},          {"koi8r", "KOI8R"},
    {"koi8u", "KOI8U"},         {"latin1", "LATIN1"},       {"latin2", "LATIN2"},
    {"latin3", "LATIN3"},       {"latin4", "LATIN4"},       {"latin5", "LATIN5"},
    {"latin6", "LATIN6"},       {"latin7", "LATIN7"},       {"latin8", "LATIN8"},
    {"latin9", "LATIN9"},       {"latin10", "LATIN10"},     {"mskanji", "SJIS"},
    {"muleinternal", "MULE_INTERNAL"}, {"shiftjis", "SJIS"}, {"shiftjis2004", "SHIFT_JIS_2004"},
    {"sjis", "SJIS"},           {"tcvn", "WIN1258"},        {"tcvn5712", "WIN1258"},
    {"uhc", "UHC"},             {"vscii", "WIN1258"},       {"win", "WIN1251"},
    {"win1250", "WIN1250"},     {"win1251", "WIN1251"},     {"win1252", "WIN1252"},
    {"win1253", "WIN1253"},     {"win1254", "WIN1254"},     {"win1255", "WIN1255"},
    {"win1256", "WIN1256"},     {"win1257", "WIN1257"},     {"win1258", "WIN1258"},
    {"win866", "WIN866"},       {"win874", "WIN874"},       {"win932", "SJIS"},
    {"win936", "GBK"},          {"win949", "UHC"},          {"win950", "BIG5"},
    {"windows1250", "WIN1250"}, {"windows1251", "WIN1251"}, {"windows1252", "WIN1252"},
    {"windows1253", "WIN1253"}, {"windows1254", "WIN1254"}, {"windows1255", "WIN1255"},
    {"windows1256", "WIN1256"}, {"windows1257", "WIN1257"}, {"windows1258", "WIN1258"},
    {"windows866", "WIN866"},   {"windows874", "WIN874"},   {"windows932", "SJIS"},
    {"windows936", "GBK"},      {"windows949", "UHC"},      {"windows950", "BIG5"},
};

static const char *encoding_canonical(const char *v)
{
    char clean[32];
    size_t n = 0;
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char)*p)) continue;
        if (n + 1 >= sizeof clean) return NULL;
        clean[n++] = (char)tolower((unsigned char)*p);
    }
    clean[n] = '\0';
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (!strcmp(encodings[i].alias, clean)) return encodings[i].name;
    return NULL;
}

static int bad_value(sqlerr *err, const char *name, const char *v)
{
    return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                      "invalid value for parameter \"%s\": \"%s\"", name, v);
}

/* PostgreSQL's parse_bool: a whole word or an unambiguous prefix, any case. */
static int parse_bool(const char *v, bool *out)
{
    size_t n = strlen(v);
    static const struct {
        const char *w;
        size_t min;
        bool val;
    } words[] = {{"true", 1, true}, {"false", 1, false}, {"yes", 1, true}, {"no", 1, false},
                 {"on", 2, true},   {"off", 2, false},  {"1", 1, true},   {"0", 1, false}};
    if (n == 0) return -1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (n >= words[i].min && n <= strlen(words[i].w) && !strncasecmp(v, words[i].w, n)) {
            *out = words[i].val;
            return 0;
        }
    return -1;
}

typedef struct unit {
    const char *name;
    double mult; /* in the base unit */
} unit;
static const unit ms_units[] = {{"d", 86400000.0}, {"h", 3600000.0}, {"min", 60000.0},
                                {"s", 1000.0},     {"ms", 1.0},      {"us", 0.001}};
static const unit kb_units[] = {{"TB", 1073741824.0}, {"GB", 1048576.0}, {"MB", 1024.0},
                                {"kB", 1.0},          {"B", 1.0 / 1024}};

/* An integer setting's text (with an optional unit for time and memory ones) in its base
 * unit, rounded as PostgreSQL's parse_int does. */
static int parse_int_value(const def *d, const char *v, long long *out, sqlerr *err)
{
    const unit *units = d->type == V_MS ? ms_units : d->type == V_KB ? kb_units : NULL;
    size_t nunits = d->type == V_MS ? sizeof ms_units / sizeof ms_units[0]
                    : d->type == V_KB ? sizeof kb_units / sizeof kb_units[0] : 0;
    while (isspace((unsigned char)*v)) v++;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || errno == ERANGE || !isfinite(x) || !strncasecmp(v, "nan", 3) ||
        !strncasecmp(v, "inf", 3) || !strncasecmp(v + (*v == '-' || *v == '+'), "inf", 3))
        return bad_value(err, d->name, v);
    while (isspace((unsigned char)*end)) end++;
    if (*end) {
        const unit *u = NULL;
        char word[8];
        size_t n = 0;
        while (end[n] && !isspace((unsigned char)end[n]) && n + 1 < sizeof word) {
            word[n] = end[n];
            n++;
        }
        word[n] = 0;
        const char *rest = end + n;
        while (isspace((unsigned char)*rest)) rest++;
        for (size_t i = 0; i < nunits && !*rest && end[n] == 0; i++)
            if (!strcmp(units[i].name, word)) u = &units[i];
        if (!u) {
            bad_value(err, d->name, v);
            if (d->type == V_MS)
                sqlerr_hint(err, "Valid units for this parameter are \"us\", \"ms\", \"s\", "
                                 "\"min\", \"h\", and \"d\".");
            else if (d->type == V_KB)
                sqlerr_hint(err, "Valid units for this parameter are \"B\", \"kB\", \"MB\", "
                                 "\"GB\", and \"TB\".");
            return SQL_ERR;
        }
        x *= u->mult;
    }
    x = rint(x);
    if (x > (double)INT_MAX || x < (double)INT_MIN) {
        bad_value(err, d->name, v);
        sqlerr_hint(err, "Value exceeds integer range.");
        return SQL_ERR;
    }
    long long n = (long long)x;
    if (n < d->min || n > d->max)
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                          "%lld%s is outside the valid range for parameter \"%s\" (%lld .. %lld)",
                          n, d->type == V_MS ? " ms" : d->type == V_KB ? " kB" : "", d->name,
                          d->min, d->max);
    *out = n;
    return SQL_OK;
}

/* SHOW's text of an integer in its base unit: the largest unit that divides it. */
static void show_int(const def *d, long long n, char *out, size_t outsz)
{
    const unit *units = d->type == V_MS ? ms_units : d->type == V_KB ? kb_units : NULL;
    size_t nunits = d->type == V_MS ? 5 : d->type == V_KB ? 4 : 0; /* not us / B */
    if (units && n != 0)
        for (size_t i = 0; i < nunits; i++) {
            long long m = (long long)units[i].mult;
            if (n % m == 0) {
                snprintf(out, outsz, "%lld%s", n / m, units[i].name);
                return;
            }
        }
    snprintf(out, outsz, "%lld", n);
}

/* A malloc'd canonical value of setting d for text v, or NULL with err set. */
static char *normalise(const def *d, const char *v, sqlerr *err)
{
    const char *name = d->name;
    char buf[64];
    if (!strcmp(d->context, "internal")) {
        sqlerr_set(err, SQLSTATE_CANT_CHANGE_RUNTIME_PARAM, -1, "parameter \"%s\" cannot be changed",
                   name);
        return NULL;
    }
    switch (d->type) {
    case V_BOOL: {
        bool b;
        if (parse_bool(v, &b)) {
            sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                       "parameter \"%s\" requires a Boolean value", name);
            return NULL;
        }
        return strdup(b ? "on" : "off");
    }
    case V_INT:
    case V_MS:
    case V_KB: {
        long long n;
        if (parse_int_value(d, v, &n, err)) return NULL;
        show_int(d, n, buf, sizeof buf);
        return strdup(buf);
    }
    case V_ENUM: {
        const char *p = d->enums;
        while (p && *p) {
            const char *e = strstr(p, ", ");
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (strlen(v) == n && !strncasecmp(p, v, n)) return strndup(p, n);
            p = e ? e + 2 : NULL;
        }
        bad_value(err, name, v);
        sqlerr_hint(err, "Available values: %s.", d->enums);
        return NULL;
    }
    case V_STRING: break;
    }
    if (!strcmp(name, "client_encoding")) {
        /* Any spelling of a known name (asyncpg sends 'utf-8'). SQL_ASCII means "no
         * conversion", which is what we do; others would need a conversion we do not have. */
        const char *enc = encoding_canonical(v);
        if (!enc) {
            bad_value(err, name, v);
            return NULL;
        }
        if (strcmp(enc, "UTF8") && strcmp(enc, "SQL_ASCII")) {
            sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1,
                       "invalid value for parameter \"client_encoding\": \"%s\"", v);
            sqlerr_detail(err, "Conversion between %s and UTF8 is not supported.", enc);
            sqlerr_hint(err, "HeliosDB does not convert between encodings: use UTF8.");
            return NULL;
        }
        return strdup(enc);
    }
    if (!strcmp(name, "TimeZone")) {
        const sqltz *z;
        int rc = sqltz_resolve(v, &z);
        if (rc) {
            sqltz_error(rc, v, err);
            return NULL;
        }
        return strdup(sqltz_name(z));
    }
    if (!strcmp(name, "default_tablespace")) {
        /* there are no tablespaces; PostgreSQL's two built-in ones exist everywhere */
        if (*v && strcmp(v, "pg_default") && strcmp(v, "pg_global")) {
            bad_value(err, name, v);
            sqlerr_detail(err, "Tablespace \"%s\" does not exist.", v);
            return NULL;
        }
        return strdup(v);
    }
    if (!strcmp(name, "DateStyle")) {
        /* Output is always ISO; accept what clients send ("ISO", "ISO, MDY"). */
        if (strncasecmp(v, "ISO", 3)) {
            bad_value(err, name, v);
            sqlerr_hint(err, "HeliosDB supports only the ISO date style.");
            return NULL;
        }
        const char *order = "MDY";
        if (strcasestr(v, "DMY") || strcasestr(v, "EURO")) order = "DMY";
        else if (strcasestr(v, "YMD")) order = "YMD";
        snprintf(buf, sizeof buf, "ISO, %s", order);
        return strdup(buf);
    }
    return strdup(v);
}

/* ---- session ------------------------------------------------------------------------------ */

typedef struct ent {
    const def *d; /* NULL: a placeholder ("myapp.x") */
    char *name;   /* placeholders' name as first set */
    char *value, *reset;
    /* A transaction block's changes, undone when it ends (PostgreSQL's GUC stack, flattened):
     * the value before the block first changed it (ROLLBACK restores it), and the value a plain
     * SET or RESET gave inside the block (COMMIT keeps it; NULL: only SET LOCAL). */
    char *saved, *kept;
    const char *source; /* pg_settings.source: "default", "client", "session" */
    bool pending;       /* changed without a sink: ParameterStatus due (sqlguc_flush) */
} ent;

struct sqlguc {
    ent *e; /* NDEFS built-ins, then placeholders */
    int n, cap;
    bool block;
    /* sqlguc_timezone's last answer, for the value string it was resolved from */
    const char *tz_value;
    const sqltz *tz;
};

static ent *find(const sqlguc *g, const char *name)
{
    int d = def_find(name); /* the built-ins come first, in defs' order */
    if (d >= 0) return d < g->n ? &g->e[d] : NULL;
    for (int i = NDEFS; i < g->n; i++) {
        const char *n = g->e[i].d ? g->e[i].d->name : g->e[i].name;
        if (!strcasecmp(n, name)) return &g->e[i];
    }
    return NULL;
}

static const char *ent_name(const ent *e)
{
    return e->d ? e->d->name : e->name;
}

static int unknown(sqlerr *err, const char *name)
{
    return sqlerr_set(err, SQLSTATE_UNDEFINED_OBJECT, -1,
                      "unrecognized configuration parameter \"%s\"", name);
}

/* A placeholder name: "a.b", each part non-empty (PostgreSQL's valid_custom_variable_name). */
static bool custom_name(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot && dot != name && dot[1] && name[strlen(name) - 1] != '.';
}

static ent *add_placeholder(sqlguc *g, const char *name, sqlerr *err)
{
    if (g->n == g->cap) {
        int cap = g->cap * 2;
        ent *ne = realloc(g->e, (size_t)cap * sizeof *ne);
        if (!ne) {
            sqlerr_oom(err);
            return NULL;
        }
        g->e = ne;
        g->cap = cap;
    }
    ent *e = &g->e[g->n];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    e->value = strdup("");
    e->reset = strdup("");
    e->source = "session";
    if (!e->name || !e->value || !e->reset) {
        free(e->name);
        free(e->value);
        free(e->reset);
        sqlerr_oom(err);
        return NULL;
    }
    g->n++;
    return e;
}

static int report(ent *e, executor_sink *sink)
{
    if (!e->d || !e->d->reported) return SQL_OK;
    if (!sink || !sink->parameter_status) {
        e->pending = true;
        return SQL_OK;
    }
    e->pending = false;
    return sink->parameter_status(sink, e->d->name, e->value) < 0 ? SQL_ERR : SQL_OK;
}

int sqlguc_flush(sqlguc *g, executor_sink *sink)
{
    for (int i = 0; i < g->n; i++)
        if (g->e[i].pending && report(&g->e[i], sink)) return SQL_ERR;
    return SQL_OK;
}

static int assign_raw(sqlguc *g, ent *e, const char *v, bool raw, int scope, executor_sink *sink,
                      sqlerr *err);

static int assign(sqlguc *g, ent *e, const char *v, int scope, executor_sink *sink, sqlerr *err)
{
    return assign_raw(g, e, v, false, scope, sink, err);
}

int sqlguc_set_internal(sqlguc *g, const char *name, const char *value, executor_sink *sink,
                        sqlerr *err)
{
    sqlerr_clear(err);
    ent *e = find(g, name);
    if (!e) return unknown(err, name);
    return assign_raw(g, e, value, true, SQLGUC_SESSION, sink, err);
}

static int assign_raw(sqlguc *g, ent *e, const char *v, bool raw, int scope, executor_sink *sink,
                      sqlerr *err)
{
    char *nv = !v  ? strdup(e->reset ? e->reset : "")
               : raw || !e->d ? strdup(v)
                              : normalise(e->d, v, err);
    if (!nv) return v && err->code[0] ? SQL_ERR : sqlerr_oom(err);
    if (scope == SQLGUC_STARTUP) {
        char *d = strdup(nv);
        if (!d) {
            free(nv);
            return sqlerr_oom(err);
        }
        free(e->reset);
        e->reset = d;
        e->source = "client";
    } else if (g->block) {
        char *saved = e->saved ? NULL : strdup(e->value ? e->value : "");
        char *kept = scope == SQLGUC_SESSION ? strdup(nv) : NULL;
        if ((!e->saved && !saved) || (scope == SQLGUC_SESSION && !kept)) {
            free(saved);
            free(kept);
            free(nv);
            return sqlerr_oom(err);
        }
        if (saved) e->saved = saved;
        if (kept) {
            free(e->kept);
            e->kept = kept;
        }
    }
    if (scope != SQLGUC_STARTUP) e->source = v ? "session" : e->source;
    bool changed = !e->value || strcmp(e->value, nv);
    free(e->value);
    e->value = nv;
    if (scope == SQLGUC_STARTUP || !changed) return SQL_OK;
    if (report(e, sink)) {
        sqlerr_clear(err);
        return SQL_ERR;
    }
    return SQL_OK;
}

int sqlguc_set(sqlguc *g, const char *name, const char *value, int nvalues, int scope,
               executor_sink *sink, sqlerr *err)
{
    sqlerr_clear(err);
    ent *e = find(g, name);
    if (!e) {
        if (!custom_name(name)) return unknown(err, name);
        if (!(e = add_placeholder(g, name, err))) return SQL_ERR;
    }
    if (value && nvalues > 1 && (!e->d || !e->d->list))
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "SET %s takes only one argument",
                          ent_name(e));
    if (!value && e->d && !strcmp(e->d->context, "internal") && scope != SQLGUC_STARTUP)
        return sqlerr_set(err, SQLSTATE_CANT_CHANGE_RUNTIME_PARAM, -1,
                          "parameter \"%s\" cannot be changed", e->d->name);
    return assign(g, e, value, scope, sink, err);
}

int sqlguc_reset_all(sqlguc *g, executor_sink *sink, sqlerr *err)
{
    sqlerr_clear(err);
    for (int i = 0; i < g->n; i++) {
        ent *e = &g->e[i];
        if (e->d && (!strcmp(e->d->context, "internal") || !strcmp(e->d->name, "transaction_isolation") ||
                     !strcmp(e->d->name, "transaction_read_only") ||
                     !strcmp(e->d->name, "transaction_deferrable")))
            continue;
        if (assign(g, e, NULL, SQLGUC_SESSION, sink, err)) return SQL_ERR;
    }
    return SQL_OK;
}

const char *sqlguc_get(const sqlguc *g, const char *name, const char **canon)
{
    const ent *e = find(g, name);
    if (!e) return NULL;
    if (canon) *canon = ent_name(e);
    return e->value ? e->value : "";
}

void sqlguc_txn_begin(sqlguc *g)
{
    g->block = true;
}

bool sqlguc_in_block(const sqlguc *g)
{
    return g->block;
}

int sqlguc_txn_end(sqlguc *g, bool commit, executor_sink *sink)
{
    int rc = SQL_OK;
    g->block = false;
    for (int i = 0; i < g->n; i++) {
        ent *e = &g->e[i];
        if (!e->saved) continue;
        bool keep_set = commit && e->kept;
        char *v = keep_set ? e->kept : e->saved;
        free(keep_set ? e->saved : e->kept);
        e->saved = e->kept = NULL;
        bool changed = !e->value || strcmp(v, e->value);
        free(e->value);
        e->value = v;
        if (changed && rc == SQL_OK) rc = report(e, sink);
    }
    return rc;
}

static int ms_setting(const sqlguc *g, const char *name)
{
    const ent *e = &g->e[def_find(name)];
    long long n = 0;
    sqlerr err;
    if (!e->value || parse_int_value(e->d, e->value, &n, &err)) return 0;
    return (int)n;
}

int sqlguc_statement_timeout_ms(const sqlguc *g)
{
    return ms_setting(g, "statement_timeout");
}

int sqlguc_lock_timeout_ms(const sqlguc *g)
{
    return ms_setting(g, "lock_timeout");
}

const sqltz *sqlguc_timezone(sqlguc *g)
{
    const ent *e = &g->e[def_find("TimeZone")];
    if (e->value != g->tz_value || !g->tz) {
        const sqltz *z = e->value ? sqltz_lookup(e->value) : NULL;
        g->tz = z ? z : sqltz_utc();
        g->tz_value = e->value;
    }
    return g->tz;
}

int sqlguc_report_all(sqlguc *g, executor_sink *sink)
{
    for (int i = 0; i < NDEFS; i++)
        if (report(&g->e[i], sink)) return SQL_ERR;
    return SQL_OK;
}

/* "-c name=value" and "--name=value" items of the startup "options" parameter. */
static int apply_options(sqlguc *g, const char *opts, sqlerr *err)
{
    char buf[1024];
    const char *p = opts;
    for (;;) {
        while (*p == ' ') p++;
        if (!*p) return SQL_OK;
        size_t n = 0;
        while (*p && *p != ' ' && n + 1 < sizeof buf) {
            if (*p == '\\' && p[1]) p++;
            buf[n++] = *p++;
        }
        buf[n] = 0;
        char *item = buf;
        if (!strcmp(item, "-c")) continue; /* the value comes as the next word */
        if (!strncmp(item, "--", 2)) item += 2;
        else if (!strncmp(item, "-c", 2)) item += 2;
        char *eq = strchr(item, '=');
        if (!eq)
            return sqlerr_set(err, SQLSTATE_SYNTAX_ERROR, -1,
                              "invalid command-line argument for server process: %s", item);
        *eq = 0;
        for (char *c = item; *c; c++)
            if (*c == '-') *c = '_';
        if (sqlguc_set(g, item, eq + 1, 1, SQLGUC_STARTUP, NULL, err)) return SQL_ERR;
    }
}

int sqlguc_new(const executor_startup *st, int statement_timeout_ms, sqlguc **out, sqlerr *err)
{
    sqlguc *g = calloc(1, sizeof *g);
    if (!g || !(g->e = calloc((size_t)NDEFS + 8, sizeof *g->e))) {
        free(g);
        return sqlerr_oom(err);
    }
    g->cap = NDEFS + 8;
    g->n = NDEFS;
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%d", statement_timeout_ms > 0 ? statement_timeout_ms : 0);
    for (int i = 0; i < NDEFS; i++) {
        ent *e = &g->e[i];
        const def *d = &defs[i];
        e->d = d;
        e->source = "default";
        const char *v = d->boot;
        char shown[64];
        if (!strcmp(d->name, "server_version")) v = sqlguc_server_version();
        else if (!strcmp(d->name, "session_authorization")) v = st && st->user ? st->user : "";
        else if (!strcmp(d->name, "statement_timeout")) {
            long long n = 0;
            if (parse_int_value(d, timeout, &n, err)) goto fail;
            show_int(d, n, shown, sizeof shown);
            v = shown;
        } else if (d->type == V_MS || d->type == V_KB) {
            show_int(d, strtoll(v, NULL, 10), shown, sizeof shown);
            v = shown;
        }
        e->value = strdup(v);
        e->reset = strdup(v);
        if (!e->value || !e->reset) {
            sqlerr_oom(err);
            goto fail;
        }
    }
    for (int i = 0; st && i < st->nparams; i++) {
        const char *n = st->names[i], *v = st->values[i];
        if (!strcmp(n, "user") || !strcmp(n, "database") || !strcmp(n, "replication")) continue;
        if (!strcmp(n, "options")) {
            if (apply_options(g, v, err)) goto fail;
            continue;
        }
        if (sqlguc_set(g, n, v, 1, SQLGUC_STARTUP, NULL, err)) goto fail;
    }
    *out = g;
    return SQL_OK;
fail:
    sqlguc_free(g);
    return SQL_ERR;
}

void sqlguc_free(sqlguc *g)
{
    if (!g) return;
    for (int i = 0; i < g->n; i++) {
        free(g->e[i].name);
        free(g->e[i].value);
        free(g->e[i].reset);
        free(g->e[i].saved);
        free(g->e[i].kept);
    }
    free(g->e);
    free(g);
}

bool sqlguc_nth(const sqlguc *g, int i, sqlguc_info *out)
{
    if (i < 0 || i >= NDEFS) return false; /* placeholders are not listed, as in PostgreSQL */
    const ent *e = &g->e[i];
    const def *d = e->d;
    static const char *const vt[] = {[V_BOOL] = "bool",    [V_INT] = "integer", [V_MS] = "integer",
                                     [V_KB] = "integer",   [V_ENUM] = "enum",   [V_STRING] = "string"};
    memset(out, 0, sizeof *out);
    out->name = d->name;
    out->setting = e->value ? e->value : "";
    out->unit = d->type == V_MS ? "ms" : d->type == V_KB ? "kB" : NULL;
    out->category = d->category;
    out->short_desc = d->desc;
    out->context = d->context;
    out->vartype = vt[d->type];
    out->source = !strcmp(d->context, "internal") ? "default" : e->source;
    out->enumvals = d->enums;
    out->boot_val = !strcmp(d->name, "statement_timeout") ? "0" : d->boot ? d->boot : e->reset;
    out->reset_val = e->reset;
    if (d->type == V_INT || d->type == V_MS || d->type == V_KB) {
        /* pg_settings shows numbers in the base unit: "5000" where SHOW says "5s" */
        const char *src[3] = {out->setting, out->boot_val, out->reset_val};
        const char **dst[3] = {&out->setting, &out->boot_val, &out->reset_val};
        for (int k = 0; k < 3; k++) {
            long long n = 0;
            sqlerr err;
            if (src[k] && !parse_int_value(d, src[k], &n, &err)) {
                snprintf(out->buf[k], sizeof out->buf[k], "%lld", n);
                *dst[k] = out->buf[k];
            }
        }
        snprintf(out->buf[3], sizeof out->buf[3], "%lld", d->min);
        snprintf(out->buf[4], sizeof out->buf[4], "%lld", d->max);
        out->min_val = out->buf[3];
        out->max_val = out->buf[4];
    }
    return true;
}
