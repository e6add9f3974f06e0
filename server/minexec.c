/*
 * server/minexec.c — the minimal executor. See minexec.h for what it understands.
 *
 * A statement is tokenised and classified once (mx_stmt); SELECT items are a primary (literal,
 * $n, function) followed by casts and an optional IS [NOT] NULL. Values are computed as text at
 * bind time; a portal then produces rows (one, or one per generate_series value).
 * A simple query is parsed into a list of statements and run by run_simple(), which can stop
 * at a pg_sleep (EXEC_PENDING) and continue from resume().
 */
#include "server/minexec.h"

#include "server/sql/sqltz.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/pgtypes.h"
#include "proto/sqlstate.h"

#define MX_MAX_ITEMS 64
#define MX_MAX_PARAMS 64
#define MX_MAX_STMTS 64
#define PGTYPE_VOID 2278u

const char *minexec_server_version(void)
{
    return "15.0 (HeliosDB " HELIOS_VERSION ")";
}

/* ---- session settings -------------------------------------------------------------------- */

typedef struct guc_def {
    const char *name; /* PostgreSQL's spelling: SHOW's column name, ParameterStatus */
    bool reported;
    char list; /* 0: one value; 'l': a list (SET x = a, b); 'q': a list of identifiers, each
                  printed as quote_identifier does (search_path: '' is "") */
} guc_def;

/* The 13 settings PostgreSQL 15 reports, then the ones clients SET or SHOW (pg_dump's
   preamble sets check_function_bodies, xmloption, row_security, default_tablespace and
   default_table_access_method; they are kept and shown, nothing else reads them). */
static const guc_def gucs[] = {
    {"application_name", true, 0},
    {"client_encoding", true, 0},
    {"DateStyle", true, 'l'},
    {"default_transaction_read_only", true, 0},
    {"in_hot_standby", true, 0},
    {"integer_datetimes", true, 0},
    {"IntervalStyle", true, 0},
    {"is_superuser", true, 0},
    {"server_encoding", true, 0},
    {"server_version", true, 0},
    {"session_authorization", true, 0},
    {"standard_conforming_strings", true, 0},
    {"TimeZone", true, 0},
    {"extra_float_digits", false, 0},
    {"search_path", false, 'q'},
    {"statement_timeout", false, 0},
    {"transaction_isolation", false, 0},
    {"default_transaction_isolation", false, 0},
    {"lock_timeout", false, 0},
    {"idle_in_transaction_session_timeout", false, 0},
    {"bytea_output", false, 0},
    {"client_min_messages", false, 0},
    {"default_tablespace", false, 0},
    {"default_table_access_method", false, 0},
    {"check_function_bodies", false, 0},
    {"xmloption", false, 0},
    {"row_security", false, 0},
};
#define NGUCS (sizeof gucs / sizeof gucs[0])

typedef struct mx_exec mx_exec;

typedef struct mx_session {
    mx_exec *ex;
    char *values[NGUCS];
    char *defaults[NGUCS]; /* values after startup: what RESET restores */
    /* A transaction block's changes, undone when it ends (PostgreSQL's GUC stack, flattened):
       the value before the block first changed a setting (ROLLBACK restores it), and the value
       a plain SET or RESET gave inside the block (COMMIT keeps it; NULL: only SET LOCAL, which
       COMMIT undoes too). */
    char *txn_saved[NGUCS];
    char *txn_kept[NGUCS];
    char txn;       /* 'I', 'T', 'E' */
    bool implicit;  /* an implicit (extended protocol) transaction is open */
    /* minexec_timezone's last answer, for the TimeZone value string it was resolved from (a
       SET stores a new string, so a pointer compare tells when to resolve again) */
    const char *tz_value;
    const sqltz *tz;
    bool txn_known; /* block boundaries reach us: our own BEGIN/COMMIT, or minexec_txn_* */
    uint32_t pid;
    char user[64];
    char database[64];
    void (*wake)(void *);
    void *wake_arg;
    /* asynchronous pg_sleep */
    uv_timer_t *timer; /* allocated so session_del can close it without waiting */
    bool sleeping, cancel_requested, timed_out;
    /* a simple query in progress */
    struct mx_stmt *stmts[MX_MAX_STMTS];
    int nstmts, next;
    struct mx_portal *cur_portal; /* the portal a PENDING operation is executing */
    uint32_t cur_max_rows;
    bool cur_simple;
} mx_session;

struct mx_exec {
    executor base;
    uv_loop_t *loop;
    int statement_timeout_ms;
};

static int guc_find(const char *name)
{
    for (size_t i = 0; i < NGUCS; i++)
        if (strcasecmp(gucs[i].name, name) == 0) return (int)i;
    return -1;
}

/* PostgreSQL's encoding names and aliases as clean_encoding_name leaves a name (letters and
   digits only, lower case: 'utf-8', UTF_8 and Utf8 are all "utf8"), with the canonical name
   SHOW client_encoding reports. */
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

/* The canonical name of an encoding name or alias, NULL when PostgreSQL knows no such name. */
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
        if (strcmp(encodings[i].alias, clean) == 0) return encodings[i].name;
    return NULL;
}

/* quote_identifier, for search_path's elements: quoted unless lower-case letters, digits and
   '_' only, not starting with a digit. (PostgreSQL also quotes keywords such as "user"; we do
   not know them here.) */
static char *quote_ident(const char *v)
{
    bool safe = (*v >= 'a' && *v <= 'z') || *v == '_';
    for (const char *p = v; safe && *p; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (safe) return strdup(v);
    size_t n = 2;
    for (const char *p = v; *p; p++) n += *p == '"' ? 2 : 1;
    char *q = malloc(n + 1), *o = q;
    if (!q) return NULL;
    *o++ = '"';
    for (const char *p = v; *p; p++) {
        if (*p == '"') *o++ = '"';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return q;
}

/* Validates and normalises a value for setting i. Returns a malloc'd value, or NULL with *err. */
static char *guc_normalise(int i, const char *v, executor_error *err)
{
    const char *name = gucs[i].name;
    if (strcmp(name, "client_encoding") == 0) {
        /* As PostgreSQL: any spelling of a known name (asyncpg sends 'utf-8', quotes included).
           SQL_ASCII means "no conversion", which is what we do. Other encodings would need a
           conversion we do not have: refused as PostgreSQL refuses one it cannot convert. */
        const char *enc = encoding_canonical(v);
        if (!enc) {
            executor_error_set(err, SQLSTATE_INVALID_PARAMETER_VALUE,
                               "invalid value for parameter \"client_encoding\": \"%s\"", v);
            return NULL;
        }
        if (strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0) {
            executor_error_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED,
                               "invalid value for parameter \"client_encoding\": \"%s\"", v);
            snprintf(err->detail, sizeof err->detail,
                     "Conversion between %s and UTF8 is not supported.", enc);
            snprintf(err->hint, sizeof err->hint,
                     "HeliosDB does not convert between encodings: use UTF8.");
            return NULL;
        }
        return strdup(enc);
    }
    if (strcmp(name, "TimeZone") == 0) {
        /* resolved as PostgreSQL's check_timezone (sqltz.h); SHOW prints the zone's name */
        const sqltz *z;
        int rc = sqltz_resolve(v, &z);
        if (rc) {
            sqlerr se;
            sqltz_error(rc, v, &se);
            executor_error_set(err, se.code, "%s", se.message);
            snprintf(err->detail, sizeof err->detail, "%s", se.detail);
            snprintf(err->hint, sizeof err->hint, "%s", se.hint);
            return NULL;
        }
        return strdup(sqltz_name(z));
    }
    if (strcmp(name, "default_tablespace") == 0) {
        /* there are no tablespaces; PostgreSQL's two built-in ones exist everywhere */
        if (*v && strcmp(v, "pg_default") != 0 && strcmp(v, "pg_global") != 0) {
            executor_error_set(err, SQLSTATE_INVALID_PARAMETER_VALUE,
                               "invalid value for parameter \"default_tablespace\": \"%s\"", v);
            snprintf(err->detail, sizeof err->detail, "Tablespace \"%s\" does not exist.", v);
            return NULL;
        }
        return strdup(v);
    }
    if (strcmp(name, "DateStyle") == 0) {
        /* Output is always ISO; accept what clients send ("ISO", "ISO, MDY"). */
        if (strncasecmp(v, "ISO", 3) != 0) {
            executor_error_set(err, SQLSTATE_INVALID_PARAMETER_VALUE,
                               "invalid value for parameter \"DateStyle\": \"%s\"", v);
            snprintf(err->hint, sizeof err->hint, "HeliosDB supports only the ISO date style.");
            return NULL;
        }
        /* canonical as PostgreSQL shows it: "ISO, MDY" whatever the case and spacing */
        const char *order = "MDY";
        if (strcasestr(v, "DMY") || strcasestr(v, "EURO")) order = "DMY";
        else if (strcasestr(v, "YMD")) order = "YMD";
        char buf[16];
        snprintf(buf, sizeof buf, "ISO, %s", order);
        return strdup(buf);
    }
    if (strcmp(name, "server_version") == 0 || strcmp(name, "server_encoding") == 0 ||
        strcmp(name, "integer_datetimes") == 0 || strcmp(name, "is_superuser") == 0 ||
        strcmp(name, "in_hot_standby") == 0 || strcmp(name, "session_authorization") == 0) {
        executor_error_set(err, SQLSTATE_CANT_CHANGE_RUNTIME_PARAM,
                           "parameter \"%s\" cannot be changed", name);
        return NULL;
    }
    if (strcmp(name, "statement_timeout") == 0) {
        char *end;
        errno = 0;
        long ms = strtol(v, &end, 10);
        if (errno || end == v || ms < 0 || ms > INT32_MAX ||
            (*end && strcmp(end, "ms") && strcmp(end, "s"))) {
            executor_error_set(err, SQLSTATE_INVALID_PARAMETER_VALUE,
                               "invalid value for parameter \"statement_timeout\": \"%s\"", v);
            return NULL;
        }
        if (strcmp(end, "s") == 0) ms *= 1000;
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", ms);
        return strdup(buf);
    }
    return strdup(v);
}

static const char *guc_get(const mx_session *s, const char *name)
{
    int i = guc_find(name);
    return i < 0 ? NULL : s->values[i];
}

enum { SCOPE_STARTUP, SCOPE_SESSION, SCOPE_LOCAL };

static bool in_block(const mx_session *s)
{
    return (s->txn == 'T' || s->txn == 'E') && !s->implicit;
}

static int report(mx_session *s, int i, executor_sink *sink)
{
    if (!gucs[i].reported || !sink || !sink->parameter_status) return EXEC_DONE;
    return sink->parameter_status(sink, gucs[i].name, s->values[i]) < 0 ? EXEC_ERROR : EXEC_DONE;
}

/* Sets setting i to v, or back to its default when v is NULL (RESET, SET ... TO DEFAULT).
   SCOPE_STARTUP also makes it the default; in a transaction block the old value is kept for
   guc_txn_end. A changed reported setting is sent as ParameterStatus (not at startup: the
   wire layer sends them all after session_new). */
static int guc_assign(mx_session *s, int i, const char *v, int scope, executor_sink *sink,
                      executor_error *err)
{
    if (!v && !s->defaults[i]) return EXEC_DONE;
    err->code[0] = '\0';
    char *nv = v ? guc_normalise(i, v, err) : strdup(s->defaults[i]);
    if (!nv) return v && err->code[0] ? EXEC_ERROR
                                      : executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    if (scope == SCOPE_STARTUP) {
        char *d = strdup(nv);
        if (!d) {
            free(nv);
            return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
        }
        free(s->defaults[i]);
        s->defaults[i] = d;
    } else if (in_block(s)) {
        char *saved = s->txn_saved[i] ? NULL : strdup(s->values[i] ? s->values[i] : "");
        char *kept = scope == SCOPE_SESSION ? strdup(nv) : NULL;
        if ((!s->txn_saved[i] && !saved) || (scope == SCOPE_SESSION && !kept)) {
            free(saved);
            free(kept);
            free(nv);
            return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
        }
        if (saved) s->txn_saved[i] = saved;
        if (kept) {
            free(s->txn_kept[i]);
            s->txn_kept[i] = kept;
        }
    }
    bool changed = !s->values[i] || strcmp(s->values[i], nv) != 0;
    free(s->values[i]);
    s->values[i] = nv;
    return scope == SCOPE_STARTUP || !changed ? EXEC_DONE : report(s, i, sink);
}

/* The end of a transaction block: COMMIT keeps its plain SETs and undoes its SET LOCALs,
   ROLLBACK undoes both. */
static int guc_txn_end(mx_session *s, bool commit, executor_sink *sink)
{
    int rc = EXEC_DONE;
    for (size_t i = 0; i < NGUCS; i++) {
        if (!s->txn_saved[i]) continue;
        bool keep_set = commit && s->txn_kept[i];
        char *v = keep_set ? s->txn_kept[i] : s->txn_saved[i];
        free(keep_set ? s->txn_saved[i] : s->txn_kept[i]);
        s->txn_saved[i] = s->txn_kept[i] = NULL;
        bool changed = !s->values[i] || strcmp(v, s->values[i]) != 0;
        free(s->values[i]);
        s->values[i] = v;
        if (changed && rc == EXEC_DONE) rc = report(s, (int)i, sink);
    }
    return rc;
}

/* ---- tokenizer ---------------------------------------------------------------------------- */

typedef enum { T_END, T_IDENT, T_QIDENT, T_STRING, T_NUMBER, T_PARAM, T_PUNCT } tok_kind;

typedef struct tok {
    tok_kind kind;
    const char *p; /* start in the statement text */
    size_t len;
    size_t off; /* offset for error positions */
} tok;

typedef struct lexer {
    const char *s;
    size_t len, pos;
} lexer;

static void skip_space(lexer *lx)
{
    for (;;) {
        while (lx->pos < lx->len && isspace((unsigned char)lx->s[lx->pos])) lx->pos++;
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '-' && lx->s[lx->pos + 1] == '-') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n') lx->pos++;
            continue;
        }
        if (lx->pos + 1 < lx->len && lx->s[lx->pos] == '/' && lx->s[lx->pos + 1] == '*') {
            size_t e = lx->pos + 2;
            while (e + 1 < lx->len && !(lx->s[e] == '*' && lx->s[e + 1] == '/')) e++;
            lx->pos = e + 1 < lx->len ? e + 2 : lx->len;
            continue;
        }
        return;
    }
}

/* Returns 0, or -1 for an unterminated quote. */
static int next_tok(lexer *lx, tok *t)
{
    skip_space(lx);
    t->off = lx->pos;
    t->p = lx->s + lx->pos;
    if (lx->pos >= lx->len) {
        t->kind = T_END;
        t->len = 0;
        return 0;
    }
    char c = lx->s[lx->pos];
    size_t st = lx->pos;
    if (c == '\'' || c == '"') {
        t->kind = c == '\'' ? T_STRING : T_QIDENT;
        size_t i = st + 1;
        for (;;) {
            if (i >= lx->len) return -1;
            if (lx->s[i] == c) {
                if (i + 1 < lx->len && lx->s[i + 1] == c) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        lx->pos = i + 1;
        t->p = lx->s + st + 1;
        t->len = i - st - 1;
        return 0;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        size_t i = st;
        while (i < lx->len && (isalnum((unsigned char)lx->s[i]) || lx->s[i] == '_' ||
                               lx->s[i] == '.' || lx->s[i] == '$'))
            i++;
        t->kind = T_IDENT;
        t->len = i - st;
        lx->pos = i;
        return 0;
    }
    if (isdigit((unsigned char)c) || (c == '.' && lx->pos + 1 < lx->len &&
                                      isdigit((unsigned char)lx->s[lx->pos + 1]))) {
        size_t i = st;
        while (i < lx->len && (isdigit((unsigned char)lx->s[i]) || lx->s[i] == '.')) i++;
        if (i < lx->len && (lx->s[i] == 'e' || lx->s[i] == 'E')) {
            i++;
            if (i < lx->len && (lx->s[i] == '+' || lx->s[i] == '-')) i++;
            while (i < lx->len && isdigit((unsigned char)lx->s[i])) i++;
        }
        t->kind = T_NUMBER;
        t->len = i - st;
        lx->pos = i;
        return 0;
    }
    if (c == '$' && lx->pos + 1 < lx->len && isdigit((unsigned char)lx->s[lx->pos + 1])) {
        size_t i = st + 1;
        while (i < lx->len && isdigit((unsigned char)lx->s[i])) i++;
        t->kind = T_PARAM;
        t->p = lx->s + st + 1;
        t->len = i - st - 1;
        lx->pos = i;
        return 0;
    }
    t->kind = T_PUNCT;
    t->len = (c == ':' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == ':') ? 2 : 1;
    lx->pos += t->len;
    return 0;
}

static bool tok_is(const tok *t, const char *word)
{
    return (t->kind == T_IDENT || t->kind == T_PUNCT) && strlen(word) == t->len &&
           strncasecmp(t->p, word, t->len) == 0;
}

/* A token's text as a C string (quotes undoubled). */
static void tok_text(const tok *t, char *out, size_t outsz)
{
    size_t n = 0;
    for (size_t i = 0; i < t->len && n + 1 < outsz; i++) {
        out[n++] = t->p[i];
        if ((t->kind == T_STRING || t->kind == T_QIDENT) && i + 1 < t->len && t->p[i] == t->p[i + 1] &&
            (t->p[i] == '\'' || t->p[i] == '"'))
            i++;
    }
    out[n] = 0;
}

/* ---- statements ----------------------------------------------------------------------------- */

typedef enum {
    MX_EMPTY,
    MX_BEGIN,
    MX_COMMIT,
    MX_ROLLBACK,
    MX_SET,
    MX_RESET,
    MX_SHOW,
    MX_SELECT,
} mx_kind;

typedef enum { E_LIT, E_NULL, E_PARAM, E_FUNC } expr_kind;
typedef enum {
    F_VERSION,
    F_CURRENT_SCHEMA,
    F_CURRENT_USER,
    F_CURRENT_DATABASE,
    F_BACKEND_PID,
    F_GENERATE_SERIES,
    F_SLEEP,
} func_kind;

typedef struct mx_item {
    expr_kind kind;
    char *lit;      /* E_LIT text form; E_FUNC: first argument (literal) if any */
    uint32_t oid;   /* resulting type */
    int param;      /* E_PARAM / function argument parameter: 1-based, 0 = none */
    func_kind func;
    char *arg2;     /* generate_series upper bound (literal) */
    int param2;
    int isnull;     /* 0 none, 1 IS NULL, 2 IS NOT NULL */
    char name[EXECUTOR_NAME_MAX];
} mx_item;

typedef struct mx_stmt {
    mx_kind kind;
    char tag[32];
    int nitems;
    mx_item items[MX_MAX_ITEMS];
    int hstore; /* SQLAlchemy's hstore lookup: two oid columns, no rows */
    char setname[64];
    char *setvalue; /* NULL for RESET ALL / SET ... TO DEFAULT */
    bool local;     /* SET LOCAL */
    bool all;
    int nparams;
    uint32_t param_oids[MX_MAX_PARAMS];
    int ncols;
    executor_column cols[MX_MAX_ITEMS];
} mx_stmt;

static void stmt_free_(mx_stmt *st)
{
    if (!st) return;
    for (int i = 0; i < st->nitems; i++) {
        free(st->items[i].lit);
        free(st->items[i].arg2);
    }
    free(st->setvalue);
    free(st);
}

static int type_by_name(const char *n, uint32_t *oid)
{
    static const struct {
        const char *name;
        uint32_t oid;
    } map[] = {
        {"int", PGTYPE_INT4},       {"int4", PGTYPE_INT4},        {"integer", PGTYPE_INT4},
        {"int2", PGTYPE_INT2},      {"smallint", PGTYPE_INT2},    {"int8", PGTYPE_INT8},
        {"bigint", PGTYPE_INT8},    {"text", PGTYPE_TEXT},        {"varchar", PGTYPE_VARCHAR},
        {"bool", PGTYPE_BOOL},      {"boolean", PGTYPE_BOOL},     {"float4", PGTYPE_FLOAT4},
        {"real", PGTYPE_FLOAT4},    {"float8", PGTYPE_FLOAT8},    {"float", PGTYPE_FLOAT8},
        {"numeric", PGTYPE_NUMERIC}, {"decimal", PGTYPE_NUMERIC}, {"bytea", PGTYPE_BYTEA},
        {"jsonb", PGTYPE_JSONB},    {"json", PGTYPE_JSON},        {"timestamptz", PGTYPE_TIMESTAMPTZ},
        {"date", PGTYPE_DATE},      {"oid", PGTYPE_OID},          {"name", PGTYPE_NAME},
        {"text[]", PGTYPE_TEXTARRAY}, {"int8[]", PGTYPE_INT8ARRAY}, {"bigint[]", PGTYPE_INT8ARRAY},
        {"int4[]", PGTYPE_INT4ARRAY}, {"integer[]", PGTYPE_INT4ARRAY}, {"int[]", PGTYPE_INT4ARRAY},
        {"double precision", PGTYPE_FLOAT8}, {"character varying", PGTYPE_VARCHAR},
        {"timestamp with time zone", PGTYPE_TIMESTAMPTZ},
    };
    const char *p = n;
    if (strncasecmp(p, "pg_catalog.", 11) == 0) p += 11;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(map[i].name, p) == 0) {
            *oid = map[i].oid;
            return 0;
        }
    return -1;
}

static const char *type_label(uint32_t oid)
{
    const char *n = pgtypes_name(oid);
    return n ? n : "?column?";
}

/* Parses "name [name...] [ '[' ']' ]" after '::'. */
static int parse_type(lexer *lx, tok *t, uint32_t *oid, executor_error *err)
{
    char name[96] = "";
    if (next_tok(lx, t) < 0 || (t->kind != T_IDENT && t->kind != T_QIDENT))
        return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in type name");
    tok_text(t, name, sizeof name);
    /* multi-word type names */
    for (;;) {
        lexer save = *lx;
        tok nt;
        if (next_tok(lx, &nt) < 0) break;
        if (nt.kind == T_IDENT && (tok_is(&nt, "precision") || tok_is(&nt, "varying") ||
                                   tok_is(&nt, "with") || tok_is(&nt, "time") ||
                                   tok_is(&nt, "zone"))) {
            size_t l = strlen(name);
            snprintf(name + l, sizeof name - l, " %.*s", (int)nt.len, nt.p);
            continue;
        }
        if (tok_is(&nt, "[")) {
            tok cl;
            if (next_tok(lx, &cl) < 0 || !tok_is(&cl, "]"))
                return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in type name");
            size_t l = strlen(name);
            snprintf(name + l, sizeof name - l, "[]");
            continue;
        }
        *lx = save;
        break;
    }
    if (type_by_name(name, oid) < 0)
        return executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT, "type \"%s\" does not exist", name);
    return EXEC_DONE;
}

/* A function argument: literal number/string or $n. */
static int parse_arg(lexer *lx, char **lit, int *param, executor_error *err)
{
    tok t;
    bool neg = false;
    if (next_tok(lx, &t) < 0) goto bad;
    if (tok_is(&t, "-")) {
        neg = true;
        if (next_tok(lx, &t) < 0) goto bad;
    }
    if (t.kind == T_PARAM) {
        *param = atoi(t.p);
        return EXEC_DONE;
    }
    if (t.kind != T_NUMBER && t.kind != T_STRING) goto bad;
    char buf[128];
    buf[0] = '-';
    tok_text(&t, buf + (neg ? 1 : 0), sizeof buf - 1);
    *lit = strdup(buf);
    if (!*lit) return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    return EXEC_DONE;
bad:
    return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in function arguments");
}

static int expect(lexer *lx, const char *p, executor_error *err)
{
    tok t;
    if (next_tok(lx, &t) < 0 || !tok_is(&t, p))
        return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error: expected \"%s\"", p);
    return EXEC_DONE;
}

static void note_param(mx_stmt *st, int n, uint32_t oid)
{
    if (n < 1 || n > MX_MAX_PARAMS) return;
    if (n > st->nparams) st->nparams = n;
    if (oid && st->param_oids[n - 1] == 0) st->param_oids[n - 1] = oid;
}

static int parse_item(lexer *lx, tok *t, mx_stmt *st, mx_item *it, executor_error *err)
{
    bool neg = false;
    if (tok_is(t, "-")) {
        neg = true;
        if (next_tok(lx, t) < 0) goto syntax;
    }
    snprintf(it->name, sizeof it->name, "?column?");
    if (t->kind == T_NUMBER) {
        char buf[128];
        buf[0] = '-';
        tok_text(t, buf + (neg ? 1 : 0), sizeof buf - 1);
        it->kind = E_LIT;
        it->lit = strdup(buf);
        if (!it->lit) goto oom;
        bool integral = !memchr(t->p, '.', t->len) && !memchr(t->p, 'e', t->len) &&
                        !memchr(t->p, 'E', t->len);
        if (integral) {
            errno = 0;
            long long v = strtoll(buf, NULL, 10);
            it->oid = errno ? PGTYPE_NUMERIC : (v >= INT32_MIN && v <= INT32_MAX) ? PGTYPE_INT4
                                                                                   : PGTYPE_INT8;
        } else {
            it->oid = PGTYPE_NUMERIC;
        }
    } else if (neg) {
        goto syntax;
    } else if (t->kind == T_STRING) {
        char buf[4096];
        tok_text(t, buf, sizeof buf);
        it->kind = E_LIT;
        it->lit = strdup(buf);
        if (!it->lit) goto oom;
        it->oid = PGTYPE_TEXT;
    } else if (t->kind == T_PARAM) {
        it->kind = E_PARAM;
        it->param = atoi(t->p);
        if (it->param < 1 || it->param > MX_MAX_PARAMS)
            return executor_error_set(err, SQLSTATE_UNDEFINED_PARAMETER,
                                      "there is no parameter $%d", it->param);
        it->oid = 0;
        note_param(st, it->param, 0);
    } else if (tok_is(t, "null")) {
        it->kind = E_NULL;
        it->oid = PGTYPE_TEXT;
    } else if (tok_is(t, "true") || tok_is(t, "false")) {
        it->kind = E_LIT;
        it->lit = strdup(tok_is(t, "true") ? "t" : "f");
        if (!it->lit) goto oom;
        it->oid = PGTYPE_BOOL;
        snprintf(it->name, sizeof it->name, "bool");
    } else if (t->kind == T_IDENT) {
        char fn[96];
        tok_text(t, fn, sizeof fn);
        const char *f = strncasecmp(fn, "pg_catalog.", 11) == 0 ? fn + 11 : fn;
        it->kind = E_FUNC;
        bool parens = true;
        if (strcasecmp(f, "version") == 0) {
            it->func = F_VERSION, it->oid = PGTYPE_TEXT;
        } else if (strcasecmp(f, "current_schema") == 0) {
            it->func = F_CURRENT_SCHEMA, it->oid = PGTYPE_NAME;
        } else if (strcasecmp(f, "current_database") == 0) {
            it->func = F_CURRENT_DATABASE, it->oid = PGTYPE_NAME;
        } else if (strcasecmp(f, "pg_backend_pid") == 0) {
            it->func = F_BACKEND_PID, it->oid = PGTYPE_INT4;
        } else if (strcasecmp(f, "current_user") == 0 || strcasecmp(f, "session_user") == 0) {
            it->func = F_CURRENT_USER, it->oid = PGTYPE_NAME, parens = false;
        } else if (strcasecmp(f, "generate_series") == 0) {
            it->func = F_GENERATE_SERIES, it->oid = PGTYPE_INT4;
        } else if (strcasecmp(f, "pg_sleep") == 0) {
            it->func = F_SLEEP, it->oid = PGTYPE_VOID;
        } else {
            return executor_error_set(err, SQLSTATE_UNDEFINED_FUNCTION,
                                      "function %s does not exist", fn);
        }
        snprintf(it->name, sizeof it->name, "%.63s", f);
        for (char *c = it->name; *c; c++) *c = (char)tolower((unsigned char)*c);
        if (parens) {
            if (expect(lx, "(", err) < 0) return EXEC_ERROR;
            if (it->func == F_GENERATE_SERIES || it->func == F_SLEEP) {
                if (parse_arg(lx, &it->lit, &it->param, err) < 0) return EXEC_ERROR;
                note_param(st, it->param, it->func == F_SLEEP ? PGTYPE_FLOAT8 : PGTYPE_INT4);
                if (it->func == F_GENERATE_SERIES) {
                    if (expect(lx, ",", err) < 0) return EXEC_ERROR;
                    if (parse_arg(lx, &it->arg2, &it->param2, err) < 0) return EXEC_ERROR;
                    note_param(st, it->param2, PGTYPE_INT4);
                }
            }
            if (expect(lx, ")", err) < 0) return EXEC_ERROR;
        }
    } else {
        goto syntax;
    }
    /* postfix: ::type, IS [NOT] NULL, AS alias / alias */
    for (;;) {
        lexer save = *lx;
        if (next_tok(lx, t) < 0) goto syntax;
        if (tok_is(t, "::")) {
            uint32_t oid = 0;
            if (parse_type(lx, t, &oid, err) < 0) return EXEC_ERROR;
            if (it->kind == E_PARAM) note_param(st, it->param, oid);
            if (it->kind == E_NULL || it->kind == E_LIT || it->kind == E_PARAM)
                snprintf(it->name, sizeof it->name, "%s", type_label(oid));
            it->oid = oid;
            continue;
        }
        if (tok_is(t, "is")) {
            if (next_tok(lx, t) < 0) goto syntax;
            it->isnull = 1;
            if (tok_is(t, "not")) {
                it->isnull = 2;
                if (next_tok(lx, t) < 0) goto syntax;
            }
            if (!tok_is(t, "null")) goto syntax;
            if (it->kind == E_PARAM) note_param(st, it->param, PGTYPE_TEXT);
            snprintf(it->name, sizeof it->name, "?column?");
            continue;
        }
        if (tok_is(t, "as")) {
            if (next_tok(lx, t) < 0 || (t->kind != T_IDENT && t->kind != T_QIDENT)) goto syntax;
            tok_text(t, it->name, sizeof it->name);
            continue;
        }
        if ((t->kind == T_IDENT && !tok_is(t, "from")) || t->kind == T_QIDENT) {
            tok_text(t, it->name, sizeof it->name);
            if (t->kind == T_IDENT)
                for (char *c = it->name; *c; c++) *c = (char)tolower((unsigned char)*c);
            continue;
        }
        *lx = save;
        break;
    }
    if (it->isnull) it->oid = PGTYPE_BOOL;
    return EXEC_DONE;
syntax:
    executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error at or near \"%.*s\"",
                       (int)(t->len > 40 ? 40 : t->len), t->p);
    err->position = (int)t->off + 1;
    return EXEC_ERROR;
oom:
    return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
}

static int parse_select(lexer *lx, mx_stmt *st, executor_error *err)
{
    tok t;
    st->kind = MX_SELECT;
    for (;;) {
        if (next_tok(lx, &t) < 0) goto unterminated;
        if (st->nitems == MX_MAX_ITEMS)
            return executor_error_set(err, SQLSTATE_TOO_MANY_COLUMNS, "too many columns");
        if (parse_item(lx, &t, st, &st->items[st->nitems++], err) < 0) return EXEC_ERROR;
        if (next_tok(lx, &t) < 0) goto unterminated;
        if (tok_is(&t, ",")) continue;
        break;
    }
    if (tok_is(&t, "from"))
        return executor_error_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED,
                                  "FROM is not supported by the minimal executor");
    if (t.kind != T_END) {
        executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error at or near \"%.*s\"",
                           (int)(t.len > 40 ? 40 : t.len), t.p);
        err->position = (int)t.off + 1;
        return EXEC_ERROR;
    }
    return EXEC_DONE;
unterminated:
    return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "unterminated quoted string");
}

/* A malloc'd copy of a token's text: quotes undoubled, an unquoted identifier in lower case
   (PostgreSQL folds them). */
static char *tok_dup(const tok *t)
{
    char *v = malloc(t->len + 1);
    if (!v) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = t->p[i];
        if ((t->kind == T_STRING || t->kind == T_QIDENT) && i + 1 < t->len && c == t->p[i + 1] &&
            (c == '\'' || c == '"'))
            i++;
        v[n++] = t->kind == T_IDENT ? (char)tolower((unsigned char)c) : c;
    }
    v[n] = '\0';
    return v;
}

static int syntax_error_at(const tok *t, executor_error *err)
{
    if (t->kind == T_END) return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error at end of input");
    executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error at or near \"%.*s\"",
                       (int)(t->len > 40 ? 40 : t->len), t->p);
    err->position = (int)t->off + 1;
    return EXEC_ERROR;
}

/* The value of SET name TO / = ..., as PostgreSQL's flatten_set_variable_args makes it: each
   item a string ('' is an empty one), an identifier (folded to lower case) or a number; a
   list setting joins them with ", " (search_path quotes each as an identifier), any other
   refuses more than one. *out NULL: DEFAULT (also LOCAL after SET TIME ZONE, and nothing at all
   after SET NAMES). */
static int parse_set_value(lexer *lx, const char *name, bool direct, char **out,
                           executor_error *err)
{
    int g = guc_find(name);
    char list = g >= 0 ? gucs[g].list : 0;
    char *buf = NULL;
    size_t len = 0, n = 0;
    bool reset = false;
    tok t;
    *out = NULL;
    for (;;) {
        if (next_tok(lx, &t) < 0) {
            free(buf);
            return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "unterminated quoted string");
        }
        if (t.kind == T_END) break;
        if (n > 0) { /* after an item: a comma, then the next item */
            if (!tok_is(&t, ",") || next_tok(lx, &t) < 0 || t.kind == T_END || reset) goto syntax;
        }
        char sign = 0;
        if (tok_is(&t, "-") || tok_is(&t, "+")) {
            sign = *t.p;
            if (next_tok(lx, &t) < 0 || t.kind != T_NUMBER) goto syntax;
        }
        if (t.kind != T_STRING && t.kind != T_QIDENT && t.kind != T_IDENT && t.kind != T_NUMBER)
            goto syntax;
        if (t.kind == T_IDENT && n == 0 &&
            (tok_is(&t, "default") || (direct && !strcmp(name, "TimeZone") && tok_is(&t, "local"))))
            reset = true;
        char *item = tok_dup(&t);
        if (item && list == 'q' && t.kind != T_NUMBER) {
            char *q = quote_ident(item);
            free(item);
            item = q;
        }
        size_t il = item ? strlen(item) : 0;
        char *nb = item ? realloc(buf, len + il + 4) : NULL;
        if (!nb) {
            free(item);
            free(buf);
            return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
        }
        buf = nb;
        if (n > 0) {
            memcpy(buf + len, ", ", 2);
            len += 2;
        }
        if (sign && sign == '-') buf[len++] = '-';
        memcpy(buf + len, item, il);
        len += il;
        buf[len] = '\0';
        free(item);
        n++;
    }
    if (n == 0) {
        free(buf);
        if (direct && !strcmp(name, "client_encoding")) return EXEC_DONE; /* SET NAMES */
        return syntax_error_at(&t, err);
    }
    if (reset) {
        free(buf);
        return EXEC_DONE;
    }
    if (n > 1 && !list) {
        free(buf);
        return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "SET %s takes only one argument", name);
    }
    *out = buf;
    return EXEC_DONE;
syntax:
    free(buf);
    return syntax_error_at(&t, err);
}

/* oids: the client's parameter types (0 = infer), preset so they win over inferred ones. */
static int parse_stmt(const char *sql, size_t len, const uint32_t *oids, int noids, mx_stmt **out,
                      executor_error *err)
{
    mx_stmt *st = calloc(1, sizeof(*st));
    if (!st) return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    for (int i = 0; i < noids && i < MX_MAX_PARAMS; i++) st->param_oids[i] = oids[i];
    lexer lx = {sql, len, 0};
    tok t;
    if (next_tok(&lx, &t) < 0) {
        executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "unterminated quoted string");
        goto fail;
    }
    st->ncols = -1;
    if (t.kind == T_END) {
        st->kind = MX_EMPTY;
    } else if (tok_is(&t, "begin") || tok_is(&t, "start")) {
        st->kind = MX_BEGIN;
        snprintf(st->tag, sizeof st->tag, "BEGIN");
    } else if (tok_is(&t, "commit") || tok_is(&t, "end")) {
        st->kind = MX_COMMIT;
        snprintf(st->tag, sizeof st->tag, "COMMIT");
    } else if (tok_is(&t, "rollback") || tok_is(&t, "abort")) {
        st->kind = MX_ROLLBACK;
        snprintf(st->tag, sizeof st->tag, "ROLLBACK");
    } else if (tok_is(&t, "set") || tok_is(&t, "reset") || tok_is(&t, "show")) {
        st->kind = tok_is(&t, "set") ? MX_SET : tok_is(&t, "reset") ? MX_RESET : MX_SHOW;
        snprintf(st->tag, sizeof st->tag, "%s", st->kind == MX_SET ? "SET" : st->kind == MX_RESET ? "RESET" : "SHOW");
        if (next_tok(&lx, &t) < 0 || (t.kind != T_IDENT && t.kind != T_QIDENT)) {
            executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in %s", st->tag);
            goto fail;
        }
        if (st->kind == MX_SET && t.kind == T_IDENT && (tok_is(&t, "session") || tok_is(&t, "local"))) {
            st->local = tok_is(&t, "local");
            if (next_tok(&lx, &t) < 0 || (t.kind != T_IDENT && t.kind != T_QIDENT)) {
                executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in SET");
                goto fail;
            }
        }
        bool direct = false; /* the value follows without = or TO */
        if (tok_is(&t, "all") && st->kind != MX_SET) {
            st->all = true;
        } else if (t.kind == T_IDENT && tok_is(&t, "time")) { /* SET TIME ZONE x / SHOW TIME ZONE */
            tok z;
            if (next_tok(&lx, &z) < 0 || !tok_is(&z, "zone")) {
                executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "syntax error in %s", st->tag);
                goto fail;
            }
            snprintf(st->setname, sizeof st->setname, "TimeZone");
            direct = true;
        } else if (st->kind == MX_SET && t.kind == T_IDENT && tok_is(&t, "names")) {
            snprintf(st->setname, sizeof st->setname, "client_encoding"); /* SET NAMES 'x' */
            direct = true;
        } else if (t.kind == T_IDENT && tok_is(&t, "transaction")) { /* SHOW transaction isolation level */
            snprintf(st->setname, sizeof st->setname, "transaction_isolation");
            if (st->kind == MX_SET) {
                st->setvalue = NULL;
                st->all = true; /* SET TRANSACTION ...: accepted, nothing to change */
                goto done;
            }
            while (next_tok(&lx, &t) == 0 && t.kind != T_END) {}
        } else {
            tok_text(&t, st->setname, sizeof st->setname);
        }
        if (st->kind == MX_SET && !st->all) {
            if (!direct && (next_tok(&lx, &t) < 0 || !(tok_is(&t, "=") || tok_is(&t, "to")))) {
                syntax_error_at(&t, err);
                goto fail;
            }
            if (parse_set_value(&lx, st->setname, direct, &st->setvalue, err) < 0) goto fail;
        } else if (st->kind == MX_SHOW) {
            st->ncols = 1;
        }
    } else if (tok_is(&t, "select")) {
        /* SQLAlchemy (psycopg2's HstoreAdapter) looks up the hstore type: no such type here. */
        if (memmem(sql, len, "typname = 'hstore'", 18)) {
            st->kind = MX_SELECT;
            st->hstore = 1;
        } else if (parse_select(&lx, st, err) < 0) {
            goto fail;
        }
        snprintf(st->tag, sizeof st->tag, "SELECT");
    } else {
        executor_error_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED,
                           "statement \"%.*s\" is not supported by the minimal executor",
                           (int)(t.len > 40 ? 40 : t.len), t.p);
        goto fail;
    }
done:
    /* Result columns. */
    if (st->kind == MX_SELECT) {
        if (st->hstore) {
            st->ncols = 2;
            snprintf(st->cols[0].name, EXECUTOR_NAME_MAX, "oid");
            snprintf(st->cols[1].name, EXECUTOR_NAME_MAX, "typarray");
            st->cols[0].type_oid = st->cols[1].type_oid = PGTYPE_OID;
        } else {
            st->ncols = st->nitems;
            for (int i = 0; i < st->nitems; i++) {
                mx_item *it = &st->items[i];
                if (it->kind == E_PARAM && !it->isnull) {
                    /* an uncast parameter takes the client's type, else text */
                    if (!it->oid) it->oid = st->param_oids[it->param - 1];
                    if (!it->oid) it->oid = PGTYPE_TEXT;
                }
                memcpy(st->cols[i].name, it->name, EXECUTOR_NAME_MAX);
                st->cols[i].type_oid = it->oid;
            }
        }
    } else if (st->kind == MX_SHOW) {
        /* PostgreSQL names the column after the setting as it spells it (SHOW timezone ->
           "TimeZone"); an unknown name fails at execution */
        int g = guc_find(st->setname);
        snprintf(st->cols[0].name, EXECUTOR_NAME_MAX, "%s", g >= 0 ? gucs[g].name : st->setname);
        st->cols[0].type_oid = PGTYPE_TEXT;
    }
    for (int i = 0; i < (st->ncols > 0 ? st->ncols : 0); i++) {
        int tl = pgtypes_typlen(st->cols[i].type_oid);
        st->cols[i].typlen = (int16_t)(st->cols[i].type_oid == PGTYPE_VOID ? 4 : tl);
        st->cols[i].typmod = -1;
    }
    *out = st;
    return EXEC_DONE;
fail:
    stmt_free_(st);
    return EXEC_ERROR;
}

/* Splits a simple query at top-level ';' (outside quotes and comments). */
static int split_statements(const char *sql, size_t len, const uint32_t *oids, int noids,
                            mx_stmt **out, int *n, executor_error *err)
{
    size_t start = 0, i = 0;
    *n = 0;
    while (i <= len) {
        bool end = i == len;
        if (!end) {
            char c = sql[i];
            if (c == '\'' || c == '"') {
                size_t j = i + 1;
                while (j < len && sql[j] != c) j++;
                i = j + 1;
                continue;
            }
            if (c == '-' && i + 1 < len && sql[i + 1] == '-') {
                while (i < len && sql[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
                size_t j = i + 2;
                while (j + 1 < len && !(sql[j] == '*' && sql[j + 1] == '/')) j++;
                i = j + 2;
                continue;
            }
        }
        if (end || sql[i] == ';') {
            size_t e = end ? len : i;
            if (e > len) e = len;
            bool blank = true;
            lexer lx = {sql + start, e - start, 0};
            skip_space(&lx);
            if (lx.pos < lx.len) blank = false;
            if (!blank) {
                if (*n == MX_MAX_STMTS)
                    return executor_error_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED,
                                              "too many statements in one query");
                if (parse_stmt(sql + start, e - start, oids, noids, &out[*n], err) < 0) {
                    if (err->position) err->position += (int)start;
                    return EXEC_ERROR;
                }
                (*n)++;
            }
            start = i + 1;
        }
        i++;
    }
    return EXEC_DONE;
}

/* ---- portals and evaluation ------------------------------------------------------------- */

typedef struct mx_portal {
    mx_stmt *st;
    char *vals[MX_MAX_ITEMS]; /* evaluated item values (NULL = SQL NULL) */
    int64_t series_next, series_end;
    int series_item; /* -1 none */
    double sleep_s;
    bool has_sleep;
    bool done;
    uint64_t rows;  /* in the current Execute */
    uint64_t total; /* over the portal's life: the SELECT n tag */
} mx_portal;

static void portal_free_(mx_portal *p)
{
    if (!p) return;
    for (int i = 0; i < MX_MAX_ITEMS; i++) free(p->vals[i]);
    free(p);
}

static int canon_int(const char *v, uint32_t oid, char *out, size_t outsz, executor_error *err)
{
    char *end;
    errno = 0;
    while (isspace((unsigned char)*v)) v++;
    long long x = strtoll(v, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    const char *tn = oid == PGTYPE_INT2 ? "smallint" : oid == PGTYPE_INT4 ? "integer" : "bigint";
    if (end == v || *end)
        return executor_error_set(err, SQLSTATE_INVALID_TEXT_REPRESENTATION,
                                  "invalid input syntax for type %s: \"%s\"", tn, v);
    if (errno || (oid == PGTYPE_INT2 && (x < INT16_MIN || x > INT16_MAX)) ||
        (oid == PGTYPE_INT4 && (x < INT32_MIN || x > INT32_MAX)))
        return executor_error_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE,
                                  "value \"%s\" is out of range for type %s", v, tn);
    snprintf(out, outsz, "%lld", x);
    return EXEC_DONE;
}

/* Converts a text value to the canonical text form of oid (malloc'd into *out). */
static int canon_value(const char *v, uint32_t oid, char **out, executor_error *err)
{
    char buf[64];
    if (oid == PGTYPE_INT2 || oid == PGTYPE_INT4 || oid == PGTYPE_INT8) {
        if (canon_int(v, oid, buf, sizeof buf, err) < 0) return EXEC_ERROR;
        *out = strdup(buf);
    } else if (oid == PGTYPE_BOOL) {
        static const char *const yes[] = {"t", "true", "yes", "on", "1", "y"};
        static const char *const no[] = {"f", "false", "no", "off", "0", "n"};
        const char *r = NULL;
        for (size_t i = 0; i < 6 && !r; i++) {
            if (strcasecmp(v, yes[i]) == 0) r = "t";
            if (strcasecmp(v, no[i]) == 0) r = "f";
        }
        if (!r)
            return executor_error_set(err, SQLSTATE_INVALID_TEXT_REPRESENTATION,
                                      "invalid input syntax for type boolean: \"%s\"", v);
        *out = strdup(r);
    } else if (oid == PGTYPE_TEXT || oid == PGTYPE_VARCHAR || oid == PGTYPE_NAME ||
               oid == PGTYPE_VOID || oid == PGTYPE_UNKNOWN) {
        *out = strdup(v);
    } else {
        /* Round trip through the binary form: validates and canonicalises
           ('1.50'::numeric stays 1.50, timestamps gain +00, jsonb is checked for UTF-8). */
        pgtypes_buf bin, txt;
        pgtypes_buf_init(&bin);
        pgtypes_buf_init(&txt);
        int r = pgtypes_text_to_binary(oid, v, strlen(v), &bin);
        if (r == 0) r = pgtypes_binary_to_text(oid, bin.data, bin.len, &txt);
        if (r < 0) {
            const char *tn = pgtypes_sql_name(oid);
            executor_error_set(err, pgtypes_sqlstate(r), "%s %s: \"%s\"", pgtypes_errmsg(r),
                               tn ? tn : "?", v);
            pgtypes_buf_free(&bin);
            pgtypes_buf_free(&txt);
            return EXEC_ERROR;
        }
        *out = strndup(txt.data ? (const char *)txt.data : "", txt.len);
        pgtypes_buf_free(&bin);
        pgtypes_buf_free(&txt);
    }
    if (!*out) return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    return EXEC_DONE;
}

static int eval_arg(const char *lit, int param, const char *const *values, int64_t *out,
                    executor_error *err)
{
    const char *v = param ? values[param - 1] : lit;
    if (!v) return executor_error_set(err, SQLSTATE_NULL_VALUE_NOT_ALLOWED, "argument is NULL");
    char buf[32];
    if (canon_int(v, PGTYPE_INT8, buf, sizeof buf, err) < 0) return EXEC_ERROR;
    *out = strtoll(buf, NULL, 10);
    return EXEC_DONE;
}

static int bind_(mx_session *s, mx_stmt *st, int nparams, const char *const *values,
                 mx_portal **out, executor_error *err)
{
    mx_portal *p = calloc(1, sizeof(*p));
    if (!p) return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    p->st = st;
    p->series_item = -1;
    if (nparams < st->nparams) {
        executor_error_set(err, SQLSTATE_PROTOCOL_VIOLATION,
                           "bind message supplies %d parameters, but prepared statement requires %d",
                           nparams, st->nparams);
        goto fail;
    }
    for (int i = 0; i < st->nitems; i++) {
        mx_item *it = &st->items[i];
        const char *v = NULL;
        char buf[512];
        switch (it->kind) {
        case E_LIT: v = it->lit; break;
        case E_NULL: v = NULL; break;
        case E_PARAM: v = values[it->param - 1]; break;
        case E_FUNC:
            switch (it->func) {
            case F_VERSION:
                snprintf(buf, sizeof buf,
                         "PostgreSQL %s on x86_64-pc-linux-gnu, compiled by gcc, 64-bit",
                         minexec_server_version());
                v = buf;
                break;
            case F_CURRENT_SCHEMA: v = "public"; break;
            case F_CURRENT_USER: v = s->user; break;
            case F_CURRENT_DATABASE: v = s->database; break;
            case F_BACKEND_PID:
                snprintf(buf, sizeof buf, "%" PRIu32, s->pid);
                v = buf;
                break;
            case F_GENERATE_SERIES:
                if (eval_arg(it->lit, it->param, values, &p->series_next, err) < 0 ||
                    eval_arg(it->arg2, it->param2, values, &p->series_end, err) < 0)
                    goto fail;
                p->series_item = i;
                v = "";
                break;
            case F_SLEEP: {
                const char *a = it->param ? values[it->param - 1] : it->lit;
                char *end;
                p->sleep_s = a ? strtod(a, &end) : 0;
                if (!a || end == a || *end || !(p->sleep_s >= 0) || p->sleep_s > 86400) {
                    executor_error_set(err, SQLSTATE_INVALID_PARAMETER_VALUE,
                                       "invalid pg_sleep argument");
                    goto fail;
                }
                p->has_sleep = true;
                v = "";
                break;
            }
            }
            break;
        }
        if (it->isnull) {
            v = ((v == NULL) == (it->isnull == 1)) ? "t" : "f";
        }
        if (v) {
            uint32_t oid = it->isnull ? PGTYPE_BOOL : it->oid;
            if (it->kind == E_FUNC && !it->isnull) oid = PGTYPE_TEXT; /* already canonical */
            if (canon_value(v, oid, &p->vals[i], err) < 0) goto fail;
        }
    }
    *out = p;
    return EXEC_DONE;
fail:
    portal_free_(p);
    return EXEC_ERROR;
}

static int emit_row(mx_portal *p, executor_sink *sink)
{
    mx_stmt *st = p->st;
    const char *vals[MX_MAX_ITEMS];
    size_t lens[MX_MAX_ITEMS];
    char sbuf[32];
    for (int i = 0; i < st->nitems; i++) {
        if (i == p->series_item) {
            snprintf(sbuf, sizeof sbuf, "%" PRId64, p->series_next);
            vals[i] = sbuf;
        } else {
            vals[i] = p->vals[i];
        }
        lens[i] = vals[i] ? strlen(vals[i]) : 0;
    }
    return sink->data_row(sink, st->nitems, vals, lens);
}

static void on_sleep_timer(uv_timer_t *t);

static int start_sleep(mx_session *s, double secs)
{
    uint64_t ms = (uint64_t)(secs * 1000.0);
    int limit = atoi(guc_get(s, "statement_timeout") ? guc_get(s, "statement_timeout") : "0");
    s->timed_out = false;
    if (limit > 0 && ms > (uint64_t)limit) {
        ms = (uint64_t)limit;
        s->timed_out = true;
    }
    s->sleeping = true;
    return uv_timer_start(s->timer, on_sleep_timer, ms, 0);
}

/* Runs a SELECT portal for up to max_rows rows. */
static int run_select(mx_session *s, mx_portal *p, uint32_t max_rows, executor_sink *sink,
                      executor_error *err)
{
    if (p->has_sleep && !p->done && !s->sleeping) {
        /* pg_sleep: go asynchronous; resume() finishes the portal. */
        if (s->cancel_requested) {
            s->cancel_requested = false;
            return executor_error_set(err, SQLSTATE_QUERY_CANCELED,
                                      "canceling statement due to user request");
        }
        s->cur_portal = p;
        s->cur_max_rows = max_rows;
        if (start_sleep(s, p->sleep_s) < 0)
            return executor_error_set(err, SQLSTATE_INTERNAL_ERROR, "cannot start timer");
        return EXEC_PENDING;
    }
    if (p->st->hstore) {
        p->done = true;
    }
    while (!p->done) {
        if (s->cancel_requested) {
            s->cancel_requested = false;
            return executor_error_set(err, SQLSTATE_QUERY_CANCELED,
                                      "canceling statement due to user request");
        }
        if (max_rows && p->rows >= max_rows) {
            p->rows = 0;
            return EXEC_SUSPENDED;
        }
        if (p->series_item >= 0 && p->series_next > p->series_end) {
            p->done = true;
            break;
        }
        if (emit_row(p, sink) < 0) return EXEC_ERROR;
        p->rows++;
        p->total++;
        if (p->series_item >= 0) {
            p->series_next++;
        } else {
            p->done = true;
        }
    }
    return EXEC_DONE;
}

/* ---- statement execution ---------------------------------------------------------------- */

static int txn_guard(mx_session *s, mx_stmt *st, executor_error *err)
{
    if (s->txn == 'E' && st->kind != MX_COMMIT && st->kind != MX_ROLLBACK)
        return executor_error_set(err, SQLSTATE_IN_FAILED_SQL_TRANSACTION,
                                  "current transaction is aborted, commands ignored until end "
                                  "of transaction block");
    return EXEC_DONE;
}

static int notice(executor_sink *sink, const char *sev, const char *code, const char *msg)
{
    executor_error n;
    executor_error_set(&n, code, "%s", msg);
    snprintf(n.severity, sizeof n.severity, "%s", sev);
    return sink->notice ? sink->notice(sink, &n) : 0;
}

/* Runs a non-SELECT statement, or a SELECT portal; emits CommandComplete when done. */
static int run_portal(mx_session *s, mx_portal *p, uint32_t max_rows, executor_sink *sink,
                      executor_error *err)
{
    mx_stmt *st = p->st;
    char tag[64];
    snprintf(tag, sizeof tag, "%s", st->tag);
    if (txn_guard(s, st, err) < 0) return EXEC_ERROR;
    switch (st->kind) {
    case MX_EMPTY: return sink->empty_query(sink) < 0 ? EXEC_ERROR : EXEC_DONE;
    case MX_BEGIN:
        if (s->txn != 'I' && !s->implicit) {
            if (notice(sink, "WARNING", SQLSTATE_ACTIVE_SQL_TRANSACTION,
                       "there is already a transaction in progress") < 0)
                return EXEC_ERROR;
        }
        s->txn = 'T';
        s->implicit = false;
        s->txn_known = true;
        break;
    case MX_COMMIT:
    case MX_ROLLBACK: {
        bool block = in_block(s);
        if (!block) {
            if (notice(sink, "WARNING", SQLSTATE_NO_ACTIVE_SQL_TRANSACTION,
                       "there is no transaction in progress") < 0)
                return EXEC_ERROR;
        }
        if (s->txn == 'E') snprintf(tag, sizeof tag, "ROLLBACK");
        bool commit = st->kind == MX_COMMIT && s->txn == 'T';
        s->txn = 'I';
        s->implicit = false;
        s->txn_known = true;
        if (block && guc_txn_end(s, commit, sink) < 0) return EXEC_ERROR;
        break;
    }
    case MX_SET: {
        if (st->all) break; /* SET TRANSACTION ...: nothing to change */
        int i = guc_find(st->setname);
        if (i < 0) {
            /* Accept unknown settings like a placeholder (extension) variable would be. */
            return executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT,
                                      "unrecognized configuration parameter \"%s\"", st->setname);
        }
        int scope = SCOPE_SESSION;
        if (st->local && in_block(s)) {
            scope = SCOPE_LOCAL;
        } else if (st->local && s->txn_known) {
            /* outside a block SET LOCAL would last until the end of the statement */
            if (notice(sink, "WARNING", SQLSTATE_NO_ACTIVE_SQL_TRANSACTION,
                       "SET LOCAL can only be used in transaction blocks") < 0)
                return EXEC_ERROR;
            break;
        }
        /* else SET LOCAL where we cannot see the blocks (an embedding executor that does not
           call minexec_txn_begin/end): kept as a plain SET rather than refused inside a block */
        if (guc_assign(s, i, st->setvalue, scope, sink, err) < 0) return EXEC_ERROR;
        break;
    }
    case MX_RESET:
        if (st->all) {
            for (size_t i = 0; i < NGUCS; i++)
                if (guc_assign(s, (int)i, NULL, SCOPE_SESSION, sink, err) < 0) return EXEC_ERROR;
        } else {
            int i = guc_find(st->setname);
            if (i < 0)
                return executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT,
                                          "unrecognized configuration parameter \"%s\"",
                                          st->setname);
            if (guc_assign(s, i, NULL, SCOPE_SESSION, sink, err) < 0) return EXEC_ERROR;
        }
        break;
    case MX_SHOW: {
        const char *v = guc_get(s, st->setname);
        if (!v)
            return executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT,
                                      "unrecognized configuration parameter \"%s\"", st->setname);
        if (p->done) break;
        size_t l = strlen(v);
        if (sink->data_row(sink, 1, &v, &l) < 0) return EXEC_ERROR;
        p->done = true;
        snprintf(tag, sizeof tag, "SHOW");
        break;
    }
    case MX_SELECT: {
        int r = run_select(s, p, max_rows, sink, err);
        if (r != EXEC_DONE) return r;
        /* PostgreSQL's tag counts the rows of the whole portal, across Executes. */
        snprintf(tag, sizeof tag, "SELECT %" PRIu64, p->total);
        break;
    }
    }
    return sink->command_complete(sink, tag) < 0 ? EXEC_ERROR : EXEC_DONE;
}

/* ---- simple query ------------------------------------------------------------------------- */

static void simple_clear(mx_session *s)
{
    for (int i = 0; i < s->nstmts; i++) stmt_free_(s->stmts[i]);
    s->nstmts = s->next = 0;
    if (s->cur_simple) portal_free_(s->cur_portal);
    s->cur_portal = NULL;
    s->cur_simple = false;
}

static void mark_failed(mx_session *s)
{
    if (s->txn == 'T') s->txn = 'E';
}

static int run_simple(mx_session *s, executor_sink *sink, executor_error *err)
{
    while (s->next < s->nstmts) {
        mx_stmt *st = s->stmts[s->next];
        if (!s->cur_portal) {
            if (txn_guard(s, st, err) < 0) goto error;
            if (st->nparams > 0) {
                executor_error_set(err, SQLSTATE_UNDEFINED_PARAMETER, "there is no parameter $1");
                goto error;
            }
            mx_portal *p;
            if (bind_(s, st, 0, NULL, &p, err) < 0) goto error;
            s->cur_portal = p;
            s->cur_simple = true;
            if (st->ncols >= 0 && sink->row_description(sink, st->cols, st->ncols) < 0)
                goto error;
        }
        int r = run_portal(s, s->cur_portal, 0, sink, err);
        if (r == EXEC_PENDING) return EXEC_PENDING;
        portal_free_(s->cur_portal);
        s->cur_portal = NULL;
        if (r != EXEC_DONE) goto error;
        s->next++;
    }
    simple_clear(s);
    return EXEC_DONE;
error:
    simple_clear(s);
    mark_failed(s);
    return EXEC_ERROR;
}

/* ---- executor_ops -------------------------------------------------------------------------- */

static void on_timer_close(uv_handle_t *h)
{
    free(h);
}

static void on_sleep_timer(uv_timer_t *t)
{
    mx_session *s = t->data;
    s->sleeping = false;
    s->wake(s->wake_arg);
}

/* Applies "-c name=value" and "--name=value" items of the startup "options" parameter. */
static int apply_options(mx_session *s, const char *opts, executor_error *err)
{
    char buf[1024];
    const char *p = opts;
    for (;;) {
        while (*p == ' ') p++;
        if (!*p) return EXEC_DONE;
        size_t n = 0;
        while (*p && *p != ' ' && n + 1 < sizeof buf) {
            if (*p == '\\' && p[1]) p++;
            buf[n++] = *p++;
        }
        buf[n] = 0;
        char *item = buf;
        if (strcmp(item, "-c") == 0) continue; /* the value comes as the next word */
        if (strncmp(item, "--", 2) == 0) item += 2;
        else if (strncmp(item, "-c", 2) == 0) item += 2;
        char *eq = strchr(item, '=');
        if (!eq) return executor_error_set(err, SQLSTATE_SYNTAX_ERROR, "invalid command-line argument for server process: %s", item);
        *eq = 0;
        for (char *c = item; *c; c++)
            if (*c == '-') *c = '_';
        int i = guc_find(item);
        if (i < 0)
            return executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT,
                                      "unrecognized configuration parameter \"%s\"", item);
        if (guc_assign(s, i, eq + 1, SCOPE_STARTUP, NULL, err) < 0) return EXEC_ERROR;
    }
}

static int mx_session_new(executor *ex, const executor_startup *st, executor_sink *sink,
                          void (*wake)(void *), void *wake_arg, executor_session **out,
                          executor_error *err)
{
    mx_exec *mx = (mx_exec *)ex;
    mx_session *s = calloc(1, sizeof(*s));
    if (!s) return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    s->ex = mx;
    s->txn = 'I';
    s->pid = st->backend_pid;
    s->wake = wake;
    s->wake_arg = wake_arg;
    snprintf(s->user, sizeof s->user, "%s", st->user);
    snprintf(s->database, sizeof s->database, "%s", st->database ? st->database : st->user);
    s->timer = malloc(sizeof(*s->timer));
    if (!s->timer) {
        free(s);
        return executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
    }
    uv_timer_init(mx->loop, s->timer);
    s->timer->data = s;

    char timeout[32];
    snprintf(timeout, sizeof timeout, "%d", mx->statement_timeout_ms);
    const char *init[][2] = {
        {"application_name", ""},
        {"client_encoding", "UTF8"},
        {"DateStyle", "ISO, MDY"},
        {"IntervalStyle", "postgres"},
        {"TimeZone", "Etc/UTC"},
        {"extra_float_digits", "1"},
        {"search_path", "\"$user\", public"},
        {"statement_timeout", timeout},
        {"transaction_isolation", "read committed"},
        {"default_transaction_isolation", "read committed"},
        {"lock_timeout", "0"},
        {"idle_in_transaction_session_timeout", "0"},
        {"bytea_output", "hex"},
        {"client_min_messages", "notice"},
        {"standard_conforming_strings", "on"},
        {"default_transaction_read_only", "off"},
        {"default_tablespace", ""},
        {"default_table_access_method", "heap"},
        {"check_function_bodies", "on"},
        {"xmloption", "content"},
        {"row_security", "on"},
    };
    for (size_t i = 0; i < sizeof init / sizeof init[0]; i++)
        if (guc_assign(s, guc_find(init[i][0]), init[i][1], SCOPE_STARTUP, NULL, err) < 0) goto fail;
    /* Fixed settings bypass guc_normalise, which refuses to change them. */
    const char *fixed[][2] = {
        {"in_hot_standby", "off"},
        {"integer_datetimes", "on"},
        {"is_superuser", "on"},
        {"server_encoding", "UTF8"},
        {"server_version", minexec_server_version()},
        {"session_authorization", st->user},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        int g = guc_find(fixed[i][0]);
        s->values[g] = strdup(fixed[i][1]);
        s->defaults[g] = strdup(fixed[i][1]);
        if (!s->values[g] || !s->defaults[g]) {
            executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
            goto fail;
        }
    }
    for (int i = 0; i < st->nparams; i++) {
        const char *n = st->names[i], *v = st->values[i];
        if (!strcmp(n, "user") || !strcmp(n, "database") || !strcmp(n, "replication")) continue;
        if (!strcmp(n, "options")) {
            if (apply_options(s, v, err) < 0) goto fail;
            continue;
        }
        int g = guc_find(n);
        if (g < 0) {
            executor_error_set(err, SQLSTATE_UNDEFINED_OBJECT,
                               "unrecognized configuration parameter \"%s\"", n);
            goto fail;
        }
        if (guc_assign(s, g, v, SCOPE_STARTUP, NULL, err) < 0) goto fail;
    }
    for (size_t i = 0; i < NGUCS; i++)
        if (gucs[i].reported && sink->parameter_status(sink, gucs[i].name, s->values[i]) < 0) {
            executor_error_set(err, SQLSTATE_OUT_OF_MEMORY, "out of memory");
            goto fail;
        }
    *out = (executor_session *)s;
    return EXEC_DONE;
fail:
    for (size_t i = 0; i < NGUCS; i++) {
        free(s->values[i]);
        free(s->defaults[i]);
    }
    uv_close((uv_handle_t *)s->timer, on_timer_close);
    free(s);
    return EXEC_ERROR;
}

static void mx_session_del(executor_session *es)
{
    mx_session *s = (mx_session *)es;
    if (!s) return;
    simple_clear(s);
    for (size_t i = 0; i < NGUCS; i++) {
        free(s->values[i]);
        free(s->defaults[i]);
        free(s->txn_saved[i]);
        free(s->txn_kept[i]);
    }
    uv_close((uv_handle_t *)s->timer, on_timer_close);
    free(s);
}

static int mx_simple_query(executor_session *es, const char *sql, size_t len, executor_sink *sink,
                           executor_error *err)
{
    mx_session *s = (mx_session *)es;
    s->cancel_requested = false;
    simple_clear(s);
    if (split_statements(sql, len, NULL, 0, s->stmts, &s->nstmts, err) < 0) {
        simple_clear(s);
        mark_failed(s);
        return EXEC_ERROR;
    }
    if (s->nstmts == 0) return sink->empty_query(sink) < 0 ? EXEC_ERROR : EXEC_DONE;
    return run_simple(s, sink, err);
}

static int mx_prepare(executor_session *es, const char *sql, size_t len, const uint32_t *oids,
                      int nparams, executor_stmt **out, executor_error *err)
{
    (void)es;
    mx_stmt *list[MX_MAX_STMTS];
    int n = 0;
    if (nparams > MX_MAX_PARAMS)
        return executor_error_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, "too many parameters");
    if (split_statements(sql, len, oids, nparams, list, &n, err) < 0) return EXEC_ERROR;
    if (n > 1) {
        for (int i = 0; i < n; i++) stmt_free_(list[i]);
        return executor_error_set(err, SQLSTATE_SYNTAX_ERROR,
                                  "cannot insert multiple commands into a prepared statement");
    }
    mx_stmt *st = NULL;
    if (n == 0) {
        if (parse_stmt("", 0, NULL, 0, &st, err) < 0) return EXEC_ERROR;
    } else {
        st = list[0];
    }
    if (nparams > st->nparams) st->nparams = nparams;
    for (int i = 0; i < st->nparams; i++) {
        if (i < nparams && oids[i]) st->param_oids[i] = oids[i];
        if (!st->param_oids[i]) st->param_oids[i] = PGTYPE_TEXT;
    }
    *out = (executor_stmt *)st;
    return EXEC_DONE;
}

static void mx_stmt_describe(const executor_stmt *es, executor_stmt_info *info)
{
    const mx_stmt *st = (const mx_stmt *)es;
    info->nparams = st->nparams;
    info->param_oids = st->param_oids;
    info->ncols = st->ncols;
    info->cols = st->cols;
}

static void mx_stmt_free(executor_stmt *es)
{
    stmt_free_((mx_stmt *)es);
}

static int mx_bind(executor_session *es, executor_stmt *est, int nparams, const char *const *values,
                   const size_t *lens, executor_portal **out, executor_error *err)
{
    (void)lens; /* the minimal executor's values are NUL-terminated by the wire layer */
    mx_session *s = (mx_session *)es;
    mx_stmt *st = (mx_stmt *)est;
    if (txn_guard(s, st, err) < 0) return EXEC_ERROR;
    mx_portal *p;
    if (bind_(s, st, nparams, values, &p, err) < 0) {
        mark_failed(s);
        return EXEC_ERROR;
    }
    *out = (executor_portal *)p;
    return EXEC_DONE;
}

static void mx_portal_describe(const executor_portal *ep, int *ncols, const executor_column **cols)
{
    const mx_portal *p = (const mx_portal *)ep;
    *ncols = p->st->ncols;
    *cols = p->st->cols;
}

static int mx_execute(executor_session *es, executor_portal *ep, uint32_t max_rows,
                      executor_sink *sink, executor_error *err)
{
    mx_session *s = (mx_session *)es;
    mx_portal *p = (mx_portal *)ep;
    s->cancel_requested = false;
    if (s->txn == 'I') {
        s->txn = 'T';
        s->implicit = true;
    }
    s->cur_simple = false;
    int r = run_portal(s, p, max_rows, sink, err);
    if (r == EXEC_ERROR) mark_failed(s);
    if (r != EXEC_PENDING) s->cur_portal = NULL;
    return r;
}

static void mx_portal_free(executor_portal *ep)
{
    portal_free_((mx_portal *)ep);
}

static int mx_sync(executor_session *es, executor_error *err)
{
    (void)err;
    mx_session *s = (mx_session *)es;
    if (s->implicit) {
        s->txn = 'I';
        s->implicit = false;
    }
    return EXEC_DONE;
}

static int mx_resume(executor_session *es, executor_sink *sink, executor_error *err)
{
    mx_session *s = (mx_session *)es;
    mx_portal *p = s->cur_portal;
    bool simple = s->cur_simple;
    int r;
    if (s->cancel_requested || s->timed_out) {
        executor_error_set(err, SQLSTATE_QUERY_CANCELED, "canceling statement due to %s",
                           s->cancel_requested ? "user request" : "statement timeout");
        s->cancel_requested = s->timed_out = false;
        if (simple) {
            simple_clear(s);
        } else {
            s->cur_portal = NULL;
        }
        mark_failed(s);
        return EXEC_ERROR;
    }
    p->has_sleep = false; /* slept: now produce the row */
    if (simple) return run_simple(s, sink, err);
    r = run_portal(s, p, s->cur_max_rows, sink, err);
    if (r == EXEC_ERROR) mark_failed(s);
    if (r != EXEC_PENDING) s->cur_portal = NULL;
    return r;
}

static void mx_note_error(executor_session *es)
{
    mark_failed((mx_session *)es);
}

static char mx_txn_status(const executor_session *es)
{
    const mx_session *s = (const mx_session *)es;
    return s->implicit ? 'I' : s->txn;
}

static void mx_cancel(executor_session *es)
{
    mx_session *s = (mx_session *)es;
    if (!s->sleeping) return; /* nothing runs: PostgreSQL ignores a cancel of an idle session */
    s->cancel_requested = true;
    /* Finish from the loop, not from inside the canceller's callback. */
    uv_timer_start(s->timer, on_sleep_timer, 0, 0);
}

void minexec_txn_follow(executor_session *es)
{
    ((mx_session *)es)->txn_known = true;
}

void minexec_txn_begin(executor_session *es)
{
    mx_session *s = (mx_session *)es;
    s->txn = 'T';
    s->implicit = false;
    s->txn_known = true;
}

int minexec_txn_end(executor_session *es, bool commit, executor_sink *sink)
{
    mx_session *s = (mx_session *)es;
    bool block = in_block(s);
    commit = commit && s->txn == 'T';
    s->txn = 'I';
    s->implicit = false;
    s->txn_known = true;
    return block ? guc_txn_end(s, commit, sink) : EXEC_DONE;
}

int minexec_statement_timeout_ms(const executor_session *es)
{
    const char *v = guc_get((const mx_session *)es, "statement_timeout");
    return v ? atoi(v) : 0; /* normalised to whole ms when set (guc_normalise) */
}

static void mx_destroy(executor *ex)
{
    free(ex);
}

static const executor_ops mx_ops = {
    .name = "minimal",
    .session_new = mx_session_new,
    .session_del = mx_session_del,
    .simple_query = mx_simple_query,
    .prepare = mx_prepare,
    .stmt_describe = mx_stmt_describe,
    .stmt_free = mx_stmt_free,
    .bind = mx_bind,
    .portal_describe = mx_portal_describe,
    .execute = mx_execute,
    .portal_free = mx_portal_free,
    .sync = mx_sync,
    .resume = mx_resume,
    .note_error = mx_note_error,
    .txn_status = mx_txn_status,
    .cancel = mx_cancel,
    .destroy = mx_destroy,
};

executor *minexec_new(uv_loop_t *loop, int statement_timeout_ms)
{
    mx_exec *mx = calloc(1, sizeof(*mx));
    if (!mx) return NULL;
    mx->base.ops = &mx_ops;
    mx->loop = loop;
    mx->statement_timeout_ms = statement_timeout_ms;
    return &mx->base;
}

const sqltz *minexec_timezone(executor_session *es)
{
    mx_session *s = (mx_session *)es;
    const char *v = guc_get(s, "TimeZone");
    if (!v || v != s->tz_value) { /* resolved once per SET, not once per statement */
        const sqltz *z = v ? sqltz_lookup(v) : NULL;
        s->tz = z ? z : sqltz_utc();
        s->tz_value = v;
    }
    return s->tz;
}
