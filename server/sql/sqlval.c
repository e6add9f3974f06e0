/*
 * server/sql/sqlval.c — see sqlval.h.
 *
 * Index: type table (sqlval_type_*), construction, numbers (parse), timestamptz, bytea, text[]
 * literals, text I/O, casts, comparison. Floats are printed by proto/pgtypes.c
 * (pgtypes_float8_out / pgtypes_float4_out, PostgreSQL's float8out / float4out), jsonb text by
 * sqljsonb.c: one formatter per type for every path.
 */
#include "server/sql/sqlval.h"
#include "proto/pginet.h"
#include "server/sql/sqlenum.h"
#include "server/sql/sqldate.h"
#include "server/sql/sqltz.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/pgtypes.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqljsonpath.h"

/* ------------------------------------------------------------------ types */

static const struct {
    uint32_t oid;
    const char *name;
} type_table[SQLVAL_NTYPES] = {
    [SQLVAL_UNKNOWN] = {25, "text"}, /* an untyped literal reads as text, as in PostgreSQL */
    [SQLVAL_BOOL] = {16, "boolean"},
    [SQLVAL_INT2] = {21, "smallint"},
    [SQLVAL_INT4] = {23, "integer"},
    [SQLVAL_INT8] = {20, "bigint"},
    [SQLVAL_FLOAT4] = {700, "real"},
    [SQLVAL_FLOAT8] = {701, "double precision"},
    [SQLVAL_NUMERIC] = {1700, "numeric"},
    [SQLVAL_TEXT] = {25, "text"},
    [SQLVAL_VARCHAR] = {1043, "character varying"},
    [SQLVAL_NAME] = {19, "name"},
    [SQLVAL_BYTEA] = {17, "bytea"},
    [SQLVAL_JSONB] = {3802, "jsonb"},
    [SQLVAL_TIMESTAMPTZ] = {1184, "timestamp with time zone"},
    [SQLVAL_TEXTARRAY] = {1009, "text[]"},
    [SQLVAL_OID] = {26, "oid"},
    [SQLVAL_VOID] = {2278, "void"},
    [SQLVAL_CHAR] = {18, "\"char\""},
    [SQLVAL_REGCLASS] = {2205, "regclass"},
    [SQLVAL_REGTYPE] = {2206, "regtype"},
    [SQLVAL_REGNAMESPACE] = {4089, "regnamespace"},
    [SQLVAL_REGROLE] = {4096, "regrole"},
    [SQLVAL_BPCHAR] = {1042, "character"},
    [SQLVAL_INET] = {869, "inet"},
    [SQLVAL_CIDR] = {650, "cidr"},
    [SQLVAL_JSON] = {114, "json"},
    [SQLVAL_JSONPATH] = {4072, "jsonpath"},
    [SQLVAL_REGPROC] = {24, "regproc"},
    [SQLVAL_DATE] = {1082, "date"},
    [SQLVAL_TIME] = {1083, "time without time zone"},
    [SQLVAL_TIMESTAMP] = {1114, "timestamp without time zone"},
    [SQLVAL_INTERVAL] = {1186, "interval"},
    [SQLVAL_UUID] = {2950, "uuid"},
    [SQLVAL_BOOLARRAY] = {1000, "boolean[]"},
    [SQLVAL_INT2ARRAY] = {1005, "smallint[]"},
    [SQLVAL_INT4ARRAY] = {1007, "integer[]"},
    [SQLVAL_INT8ARRAY] = {1016, "bigint[]"},
    [SQLVAL_FLOAT4ARRAY] = {1021, "real[]"},
    [SQLVAL_FLOAT8ARRAY] = {1022, "double precision[]"},
    [SQLVAL_NUMERICARRAY] = {1231, "numeric[]"},
    [SQLVAL_DATEARRAY] = {1182, "date[]"},
    [SQLVAL_TIMEARRAY] = {1183, "time without time zone[]"},
    [SQLVAL_TIMESTAMPARRAY] = {1115, "timestamp without time zone[]"},
    [SQLVAL_TIMESTAMPTZARRAY] = {1185, "timestamp with time zone[]"},
    [SQLVAL_INTERVALARRAY] = {1187, "interval[]"},
    [SQLVAL_UUIDARRAY] = {2951, "uuid[]"},
    [SQLVAL_JSONBARRAY] = {3807, "jsonb[]"},
    [SQLVAL_OIDARRAY] = {1028, "oid[]"},
    [SQLVAL_NAMEARRAY] = {1003, "name[]"},
    [SQLVAL_INT2VECTOR] = {22, "int2vector"},
    [SQLVAL_OIDVECTOR] = {30, "oidvector"},
    [SQLVAL_ENUM] = {3500, "anyenum"}, /* a column's own type oid is its typmod */
};

static const struct {
    sqlval_type arr, elem;
} array_types[] = {
    {SQLVAL_BOOLARRAY, SQLVAL_BOOL},         {SQLVAL_INT2ARRAY, SQLVAL_INT2},
    {SQLVAL_INT4ARRAY, SQLVAL_INT4},         {SQLVAL_INT8ARRAY, SQLVAL_INT8},
    {SQLVAL_FLOAT4ARRAY, SQLVAL_FLOAT4},     {SQLVAL_FLOAT8ARRAY, SQLVAL_FLOAT8},
    {SQLVAL_NUMERICARRAY, SQLVAL_NUMERIC},   {SQLVAL_DATEARRAY, SQLVAL_DATE},
    {SQLVAL_TIMEARRAY, SQLVAL_TIME},         {SQLVAL_TIMESTAMPARRAY, SQLVAL_TIMESTAMP},
    {SQLVAL_TIMESTAMPTZARRAY, SQLVAL_TIMESTAMPTZ}, {SQLVAL_INTERVALARRAY, SQLVAL_INTERVAL},
    {SQLVAL_UUIDARRAY, SQLVAL_UUID},         {SQLVAL_JSONBARRAY, SQLVAL_JSONB},
    {SQLVAL_OIDARRAY, SQLVAL_OID},           {SQLVAL_NAMEARRAY, SQLVAL_NAME},
    /* after the arrays of their element types: sqlval_array_of never picks them */
    {SQLVAL_INT2VECTOR, SQLVAL_INT2},        {SQLVAL_OIDVECTOR, SQLVAL_OID},
};

bool sqlval_type_is_array(sqlval_type t)
{
    return t == SQLVAL_TEXTARRAY || (t >= SQLVAL_BOOLARRAY && t <= SQLVAL_OIDVECTOR);
}

sqlval_type sqlval_array_elem(sqlval_type t)
{
    if (t == SQLVAL_TEXTARRAY) return SQLVAL_TEXT;
    for (size_t i = 0; i < sizeof array_types / sizeof array_types[0]; i++)
        if (array_types[i].arr == t) return array_types[i].elem;
    return SQLVAL_UNKNOWN;
}

sqlval_type sqlval_array_of(sqlval_type elem)
{
    if (elem == SQLVAL_NAME) return SQLVAL_NAMEARRAY;
    if (sqlval_type_is_text(elem)) return SQLVAL_TEXTARRAY;
    for (size_t i = 0; i < sizeof array_types / sizeof array_types[0]; i++)
        if (array_types[i].elem == elem) return array_types[i].arr;
    return SQLVAL_NTYPES;
}

int sqlval_array_lbound(sqlval_type t)
{
    return t == SQLVAL_INT2VECTOR || t == SQLVAL_OIDVECTOR ? 0 : 1;
}

int sqlval_array_elem_get(const sqlval *arr, size_t i, sqlval *out, sqlerr *err)
{
    sqlval_type et = sqlval_array_elem(arr->type);
    if (arr->isnull || i >= arr->narr || !arr->arr[i]) {
        sqlval_init_null(out, et);
        return SQL_OK;
    }
    return sqlval_from_text(et, arr->arr[i], strlen(arr->arr[i]), out, err);
}

uint32_t sqlval_type_oid(sqlval_type t)
{
    return (unsigned)t < SQLVAL_NTYPES ? type_table[t].oid : 25;
}

sqlval_type sqlval_type_from_oid(uint32_t oid)
{
    for (int t = 1; t < SQLVAL_NTYPES; t++)
        if (type_table[t].oid == oid) return (sqlval_type)t;
    return SQLVAL_UNKNOWN;
}

const char *sqlval_type_name(sqlval_type t)
{
    return (unsigned)t < SQLVAL_NTYPES ? type_table[t].name : "unknown";
}

sqlval_type sqlval_type_lookup(const char *name, bool array)
{
    static const struct {
        const char *n;
        sqlval_type t;
    } names[] = {
        {"int8", SQLVAL_INT8}, {"bigint", SQLVAL_INT8}, {"int", SQLVAL_INT4},
        {"integer", SQLVAL_INT4}, {"int4", SQLVAL_INT4}, {"smallint", SQLVAL_INT2},
        {"int2", SQLVAL_INT2}, {"text", SQLVAL_TEXT}, {"varchar", SQLVAL_VARCHAR},
        {"character varying", SQLVAL_VARCHAR}, {"double precision", SQLVAL_FLOAT8},
        {"float8", SQLVAL_FLOAT8}, {"float", SQLVAL_FLOAT8}, {"real", SQLVAL_FLOAT4},
        {"float4", SQLVAL_FLOAT4}, {"boolean", SQLVAL_BOOL}, {"bool", SQLVAL_BOOL},
        {"bytea", SQLVAL_BYTEA}, {"jsonb", SQLVAL_JSONB}, {"json", SQLVAL_JSON}, {"jsonpath", SQLVAL_JSONPATH},
        {"timestamptz", SQLVAL_TIMESTAMPTZ}, {"timestamp with time zone", SQLVAL_TIMESTAMPTZ},
        {"numeric", SQLVAL_NUMERIC}, {"decimal", SQLVAL_NUMERIC}, {"name", SQLVAL_NAME},
        {"oid", SQLVAL_OID}, {"_text", SQLVAL_TEXTARRAY}, {"char", SQLVAL_CHAR},
        {"regclass", SQLVAL_REGCLASS}, {"regtype", SQLVAL_REGTYPE},
        {"regnamespace", SQLVAL_REGNAMESPACE}, {"regproc", SQLVAL_REGPROC}, {"regrole", SQLVAL_REGROLE},
        {"bpchar", SQLVAL_BPCHAR}, {"character", SQLVAL_BPCHAR}, {"inet", SQLVAL_INET},
        {"cidr", SQLVAL_CIDR},
        {"date", SQLVAL_DATE}, {"time", SQLVAL_TIME}, {"time without time zone", SQLVAL_TIME},
        {"timestamp", SQLVAL_TIMESTAMP}, {"timestamp without time zone", SQLVAL_TIMESTAMP},
        {"interval", SQLVAL_INTERVAL}, {"uuid", SQLVAL_UUID},
    };
    /* the catalogs' vector and array columns (int2vector, oidvector, oid[], "char"[] ...)
     * are held as text arrays whose elements adapt like untyped literals (sqlcatalog.h) */
    if (!strcasecmp(name, "int2vector") && !array) return SQLVAL_INT2VECTOR;
    if (!strcasecmp(name, "oidvector") && !array) return SQLVAL_OIDVECTOR;
    static const char *const catalog_arrays[] = {"_oid", "_int2", "_char", "_aclitem", "_regtype"};
    for (size_t i = 0; i < sizeof(catalog_arrays) / sizeof(catalog_arrays[0]); i++)
        if (!strcasecmp(name, catalog_arrays[i])) return SQLVAL_TEXTARRAY;
    if (array && !strcasecmp(name, "oid")) return SQLVAL_OIDARRAY;
    if (array && (!strcasecmp(name, "char") ||
                  !strcasecmp(name, "aclitem") || !strcasecmp(name, "regtype")))
        return SQLVAL_TEXTARRAY;
    /* _int4 & co.: the array types by their pg_type name */
    if (name[0] == '_' && !array) {
        sqlval_type et = sqlval_type_lookup(name + 1, false);
        if (et != SQLVAL_UNKNOWN && !sqlval_type_is_array(et)) {
            sqlval_type at = sqlval_array_of(et);
            if (at != SQLVAL_NTYPES) return at;
        }
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcasecmp(name, names[i].n) != 0) continue;
        if (!array) return names[i].t;
        if (sqlval_type_is_text(names[i].t) && names[i].t != SQLVAL_NAME) return SQLVAL_TEXTARRAY;
        sqlval_type at = sqlval_array_of(names[i].t);
        return at == SQLVAL_NTYPES ? SQLVAL_UNKNOWN : at;
    }
    return SQLVAL_UNKNOWN;
}

bool sqlval_type_is_integer(sqlval_type t)
{
    return t == SQLVAL_INT2 || t == SQLVAL_INT4 || t == SQLVAL_INT8 || t == SQLVAL_OID;
}

bool sqlval_type_is_numeric(sqlval_type t)
{
    return sqlval_type_is_integer(t) || t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8 ||
           t == SQLVAL_NUMERIC;
}

int16_t sqlval_type_len(sqlval_type t)
{
    switch (t) {
    case SQLVAL_BOOL: return 1;
    case SQLVAL_INT2: return 2;
    case SQLVAL_INT4:
    case SQLVAL_FLOAT4:
    case SQLVAL_OID:
    case SQLVAL_VOID:
    case SQLVAL_REGCLASS:
    case SQLVAL_REGTYPE:
    case SQLVAL_REGNAMESPACE:
    case SQLVAL_REGROLE:
    case SQLVAL_REGPROC: return 4;
    case SQLVAL_CHAR: return 1;
    case SQLVAL_DATE: return 4;
    case SQLVAL_INT8:
    case SQLVAL_FLOAT8:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_TIMESTAMPTZ: return 8;
    case SQLVAL_INTERVAL:
    case SQLVAL_UUID: return 16;
    case SQLVAL_NAME: return 64;
    default: return -1;
    }
}

bool sqlval_type_is_text(sqlval_type t)
{
    return t == SQLVAL_UNKNOWN || t == SQLVAL_TEXT || t == SQLVAL_VARCHAR || t == SQLVAL_NAME ||
           t == SQLVAL_CHAR || t == SQLVAL_BPCHAR;
}

bool sqlval_type_is_reg(sqlval_type t)
{
    return t == SQLVAL_REGCLASS || t == SQLVAL_REGTYPE || t == SQLVAL_REGNAMESPACE ||
           t == SQLVAL_REGPROC || t == SQLVAL_REGROLE;
}

bool sqlval_type_is_oidlike(sqlval_type t)
{
    return t == SQLVAL_OID || sqlval_type_is_reg(t);
}

int sqlval_set_reg(sqlval *v, sqlval_type t, uint32_t oid, const char *name, sqlerr *err)
{
    sqlval_init_null(v, t);
    if (name && sqlval_set_str(v, t, name, strlen(name), err)) return SQL_ERR;
    v->type = t;
    v->isnull = false;
    v->u.i = oid;
    return SQL_OK;
}

static bool type_has_str(sqlval_type t)
{
    return sqlval_type_is_text(t) || t == SQLVAL_NUMERIC || t == SQLVAL_JSONB ||
           t == SQLVAL_BYTEA || t == SQLVAL_INTERVAL || t == SQLVAL_UUID || t == SQLVAL_ENUM ||
           t == SQLVAL_INET || t == SQLVAL_CIDR || t == SQLVAL_JSON || t == SQLVAL_JSONPATH;
}

/* ------------------------------------------------------------------ construction */

void sqlval_init_null(sqlval *v, sqlval_type t)
{
    memset(v, 0, sizeof(*v));
    v->type = t;
    v->isnull = true;
}

void sqlval_free(sqlval *v)
{
    if (!v) return;
    free(v->s);
    for (size_t i = 0; i < v->narr; i++) free(v->arr[i]);
    free(v->arr);
    sqlval_type t = v->type;
    sqlval_init_null(v, t);
}

void sqlval_set_bool(sqlval *v, bool b)
{
    sqlval_init_null(v, SQLVAL_BOOL);
    v->isnull = false;
    v->u.b = b;
}

void sqlval_set_int(sqlval *v, sqlval_type t, int64_t i)
{
    sqlval_init_null(v, t);
    v->isnull = false;
    v->u.i = i;
}

void sqlval_set_float(sqlval *v, sqlval_type t, double f)
{
    sqlval_init_null(v, t);
    v->isnull = false;
    v->u.f = t == SQLVAL_FLOAT4 ? (double)(float)f : f;
}

int sqlval_set_str(sqlval *v, sqlval_type t, const char *s, size_t len, sqlerr *err)
{
    sqlval_init_null(v, t);
    char *copy = malloc(len + 1);
    if (!copy) return sqlerr_oom(err);
    if (len) memcpy(copy, s, len);
    copy[len] = 0;
    v->s = copy;
    v->len = len;
    v->isnull = false;
    return SQL_OK;
}

void sqlval_take_str(sqlval *v, sqlval_type t, char *s, size_t len)
{
    sqlval_init_null(v, t);
    v->s = s;
    v->len = len;
    v->isnull = false;
}

int sqlval_set_array(sqlval *v, const char *const *items, size_t n, sqlerr *err)
{
    sqlval_init_null(v, SQLVAL_TEXTARRAY);
    v->isnull = false;
    if (n == 0) return SQL_OK;
    v->arr = calloc(n, sizeof(char *));
    if (!v->arr) return sqlerr_oom(err);
    v->narr = n;
    for (size_t i = 0; i < n; i++) {
        if (!items[i]) continue;
        v->arr[i] = strdup(items[i]);
        if (!v->arr[i]) {
            sqlval_free(v);
            return sqlerr_oom(err);
        }
    }
    return SQL_OK;
}

int sqlval_copy(sqlval *dst, const sqlval *src, sqlerr *err)
{
    if (src->isnull) {
        sqlval_init_null(dst, src->type);
        return SQL_OK;
    }
    if (sqlval_type_is_array(src->type)) {
        if (sqlval_set_array(dst, (const char *const *)src->arr, src->narr, err)) return SQL_ERR;
        dst->type = src->type;
        return SQL_OK;
    }
    if (src->type == SQLVAL_ENUM || src->type == SQLVAL_BPCHAR) { /* label and type; text and length */
        if (sqlval_set_str(dst, src->type, src->s, src->len, err)) return SQL_ERR;
        dst->u.i = src->u.i;
        return SQL_OK;
    }
    if (type_has_str(src->type)) return sqlval_set_str(dst, src->type, src->s, src->len, err);
    if (sqlval_type_is_reg(src->type))
        return sqlval_set_reg(dst, src->type, (uint32_t)src->u.i, src->s, err);
    *dst = *src;
    dst->s = NULL;
    dst->arr = NULL;
    return SQL_OK;
}

void sqlval_move(sqlval *dst, sqlval *src)
{
    if (dst == src) return;
    sqlval_free(dst);
    *dst = *src;
    sqlval_init_null(src, SQLVAL_UNKNOWN);
}

/* ------------------------------------------------------------------ numbers */

/* Copies s[0..len) without surrounding whitespace into buf; false when it does not fit. */
static bool trimmed(const char *s, size_t len, char *buf, size_t bufsz)
{
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= bufsz) return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    return true;
}

/* Quotes the offending input as PostgreSQL does, cut to fit the message. */
static int bad_input(sqlerr *err, const char *code, const char *tname, const char *s, size_t len)
{
    int n = len > 200 ? 200 : (int)len;
    return sqlerr_set(err, code, -1, "invalid input syntax for type %s: \"%.*s\"", tname, n, s);
}

int sqlval_parse_int(const char *s, size_t len, sqlval_type t, int64_t *out, sqlerr *err)
{
    char buf[64];
    const char *tname = sqlval_type_name(t);
    if (!trimmed(s, len, buf, sizeof(buf)) || !buf[0]) return bad_input(err, "22P02", tname, s, len);
    const char *p = buf;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!isdigit((unsigned char)*p)) return bad_input(err, "22P02", tname, s, len);
    uint64_t acc = 0;
    bool over = false;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (acc > (UINT64_MAX - d) / 10) over = true;
        else acc = acc * 10 + d;
    }
    if (*p) return bad_input(err, "22P02", tname, s, len);
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (t == SQLVAL_INT4) lo = INT32_MIN, hi = INT32_MAX;
    if (t == SQLVAL_INT2) lo = INT16_MIN, hi = INT16_MAX;
    if (t == SQLVAL_OID) lo = INT32_MIN, hi = UINT32_MAX; /* PostgreSQL accepts -1 as oid */
    int64_t v = 0;
    if (!over) {
        if (neg) {
            if (acc > (uint64_t)INT64_MAX + 1) over = true;
            else v = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
        } else if (acc > (uint64_t)INT64_MAX) {
            over = true;
        } else {
            v = (int64_t)acc;
        }
    }
    if (over || v < lo || v > hi) {
        int n = len > 200 ? 200 : (int)len;
        return sqlerr_set(err, "22003", -1, "value \"%.*s\" is out of range for type %s", n, s,
                          tname);
    }
    if (t == SQLVAL_OID && v < 0) v = (int64_t)(uint32_t)v;
    *out = v;
    return SQL_OK;
}

/* float8in / float4in: strtod or strtof over the text without surrounding whitespace (so hex
 * floats and "nan", "inf", "infinity" in any case are accepted, as PostgreSQL accepts them);
 * overflow and underflow to zero are 22003, denormals are fine. */
int sqlval_parse_float(const char *s, size_t len, sqlval_type t, double *out, sqlerr *err)
{
    const char *tname = sqlval_type_name(t);
    bool single = t == SQLVAL_FLOAT4;
    size_t lead = 0, tl = len;
    while (lead < len && isspace((unsigned char)s[lead])) lead++;
    while (tl > lead && isspace((unsigned char)s[tl - 1])) tl--;
    if (tl == lead || memchr(s, 0, len)) return bad_input(err, "22P02", tname, s, len);
    char stack[128], *z = tl - lead < sizeof(stack) ? stack : malloc(tl - lead + 1);
    if (!z) return sqlerr_oom(err);
    memcpy(z, s + lead, tl - lead);
    z[tl - lead] = 0;
    char *end;
    errno = 0;
    double d = single ? (double)strtof(z, &end) : strtod(z, &end);
    int rc = SQL_OK;
    if (end == z || *end) {
        rc = bad_input(err, "22P02", tname, s, len);
    } else if (errno == ERANGE && (d == 0.0 || isinf(d))) {
        /* PostgreSQL quotes the trimmed text for double precision, the whole input for real */
        const char *q = single ? s : z;
        size_t ql = single ? len : tl - lead;
        rc = sqlerr_set(err, "22003", -1, "\"%.*s\" is out of range for type %s",
                        (int)(ql > 200 ? 200 : ql), q, tname);
    } else {
        *out = isnan(d) ? NAN : d; /* one NaN: "-nan" prints as NaN, as in PostgreSQL */
    }
    if (z != stack) free(z);
    return rc;
}

/* numeric's storage limits (PostgreSQL's NUMERIC_WEIGHT_MAX and NUMERIC_DSCALE_MAX in decimal
 * digits): beyond them numeric_in says "value overflows numeric format". */
#define NUMERIC_MAX_INT_DIGITS 131072
#define NUMERIC_MAX_SCALE 16383
#define NUMERIC_EXP_LIMIT 1000000000L /* far beyond any representable value */

/* numeric_out(numeric_in(s)): the digits of the input with the scale it implies (digits after
 * the point minus the exponent, at least 0), leading zeros dropped, no sign on zero. */
int sqlval_parse_numeric(const char *s, size_t len, char **out, sqlerr *err)
{
    size_t i = 0, e = len;
    while (i < len && isspace((unsigned char)s[i])) i++;
    while (e > i && isspace((unsigned char)s[e - 1])) e--;
    if (e - i == 3 && !strncasecmp(s + i, "nan", 3)) {
        *out = strdup("NaN");
        return *out ? SQL_OK : sqlerr_oom(err);
    }
    bool neg = false;
    if (i < e && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t dstart = i, nd = 0, nint = 0;
    bool seen_dot = false;
    for (; i < e && (isdigit((unsigned char)s[i]) || s[i] == '.'); i++) {
        if (s[i] == '.') {
            if (seen_dot) return bad_input(err, "22P02", "numeric", s, len);
            seen_dot = true;
            continue;
        }
        nd++;
        if (!seen_dot) nint++;
    }
    if (!nd) return bad_input(err, "22P02", "numeric", s, len);
    size_t dend = i;
    long exp = 0;
    if (i < e && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < e && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i == e || !isdigit((unsigned char)s[i])) return bad_input(err, "22P02", "numeric", s, len);
        for (; i < e && isdigit((unsigned char)s[i]); i++)
            if (exp <= NUMERIC_EXP_LIMIT) exp = exp * 10 + (s[i] - '0');
        if (eneg) exp = -exp;
    }
    if (i != e) return bad_input(err, "22P02", "numeric", s, len);
    if (exp > NUMERIC_EXP_LIMIT || exp < -NUMERIC_EXP_LIMIT)
        return sqlerr_set(err, "22003", -1, "value overflows numeric format");
    char *digits = malloc(nd);
    if (!digits) return sqlerr_oom(err);
    size_t k = 0;
    for (size_t j = dstart; j < dend; j++)
        if (s[j] != '.') digits[k++] = s[j];
    long scale = (long)(nd - nint) - exp;
    if (scale < 0) scale = 0;
    long point = (long)nint + exp; /* digits before the decimal point, may be <= 0 or > nd */
    long first = 0;                /* the first significant digit */
    while (first < (long)nd && digits[first] == '0') first++;
    long intdigits = first < (long)nd && point > first ? point - first : 0;
    if (intdigits > NUMERIC_MAX_INT_DIGITS || scale > NUMERIC_MAX_SCALE) {
        free(digits);
        return sqlerr_set(err, "22003", -1, "value overflows numeric format");
    }
    char *res = malloc((size_t)(intdigits + scale + 4));
    if (!res) {
        free(digits);
        return sqlerr_oom(err);
    }
    size_t o = 0;
    if (neg && first < (long)nd) res[o++] = '-'; /* zero has no sign */
    if (!intdigits) res[o++] = '0';
    for (long p = point - intdigits; p < point; p++) res[o++] = p < (long)nd ? digits[p] : '0';
    if (scale > 0) {
        res[o++] = '.';
        for (long j = 0; j < scale; j++) {
            long idx = point + j;
            res[o++] = idx >= 0 && idx < (long)nd ? digits[idx] : '0';
        }
    }
    res[o] = 0;
    free(digits);
    *out = res;
    return SQL_OK;
}

/* Exact comparison of two canonical decimal strings (no exponent, optional '-'). */
static int numeric_text_cmp(const char *a, const char *b)
{
    bool nana = !strcmp(a, "NaN"), nanb = !strcmp(b, "NaN");
    if (nana || nanb) return nana == nanb ? 0 : nana ? 1 : -1; /* NaN sorts last */
    bool nega = *a == '-', negb = *b == '-';
    if (nega) a++;
    if (negb) b++;
    while (*a == '0' && a[1] && a[1] != '.') a++;
    while (*b == '0' && b[1] && b[1] != '.') b++;
    size_t ia = strcspn(a, "."), ib = strcspn(b, ".");
    bool zeroa = strspn(a, "0.") == strlen(a), zerob = strspn(b, "0.") == strlen(b);
    if (zeroa) nega = false;
    if (zerob) negb = false;
    if (nega != negb) return nega ? -1 : 1;
    int mag;
    if (ia != ib) {
        mag = ia < ib ? -1 : 1;
    } else {
        int c = memcmp(a, b, ia);
        mag = c;
        if (!c) {
            const char *fa = a[ia] ? a + ia + 1 : "", *fb = b[ib] ? b + ib + 1 : "";
            while (*fa || *fb) {
                char ca = *fa ? *fa++ : '0', cb = *fb ? *fb++ : '0';
                if (ca != cb) {
                    mag = ca < cb ? -1 : 1;
                    break;
                }
            }
        }
    }
    if (mag) mag = mag < 0 ? -1 : 1;
    return nega ? -mag : mag;
}

/* the running session's TimeZone (sqlval_set_timezone) */
static _Thread_local const sqltz *session_tz;

/* ------------------------------------------------------------------ timestamptz */

int sqlval_parse_timestamptz(const char *s, size_t len, int64_t *out, sqlerr *err)
{
    sqlval v;
    if (sqldate_in(SQLVAL_TIMESTAMPTZ, s, len, &v, err)) return SQL_ERR;
    *out = v.u.i;
    return SQL_OK;
}

void sqlval_set_timezone(const sqltz *z)
{
    session_tz = z;
}

const sqltz *sqlval_session_tz(void)
{
    return session_tz;
}

void sqlval_format_timestamptz(int64_t us, char *buf, size_t bufsz)
{
    if (bufsz >= SQLTZ_FORMAT_MAX && sqltz_format(us, session_tz, buf, bufsz)) return;
    /* outside timestamptz's range (cannot be stored): UTC digits */
    char tmp[SQLDATE_OUT_MAX];
    sqlval v;
    sqlval_set_int(&v, SQLVAL_TIMESTAMP, us);
    sqldate_out(&v, tmp, sizeof tmp);
    snprintf(buf, bufsz, "%s+00", tmp);
}

/* ------------------------------------------------------------------ bytea */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_bytea(const char *s, size_t len, sqlval *out, sqlerr *err)
{
    char *buf = malloc(len + 1);
    if (!buf) return sqlerr_oom(err);
    size_t o = 0;
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
        for (size_t i = 2; i < len;) {
            if (isspace((unsigned char)s[i])) {
                i++;
                continue;
            }
            int hi = hexval((unsigned char)s[i]);
            if (hi < 0) {
                free(buf);
                return sqlerr_set(err, "22P02", -1, "invalid hexadecimal digit: \"%c\"", s[i]);
            }
            if (i + 1 >= len) {
                free(buf);
                return sqlerr_set(err, "22P02", -1,
                                  "invalid hexadecimal data: odd number of digits");
            }
            int lo = hexval((unsigned char)s[i + 1]);
            if (lo < 0) {
                free(buf);
                return sqlerr_set(err, "22P02", -1, "invalid hexadecimal digit: \"%c\"",
                                  s[i + 1]);
            }
            buf[o++] = (char)(hi << 4 | lo);
            i += 2;
        }
    } else {
        for (size_t i = 0; i < len;) {
            if (s[i] != '\\') {
                buf[o++] = s[i++];
            } else if (i + 1 < len && s[i + 1] == '\\') {
                buf[o++] = '\\';
                i += 2;
            } else if (i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                       s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                buf[o++] = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
                i += 4;
            } else {
                free(buf);
                return sqlerr_set(err, "22P02", -1, "invalid input syntax for type bytea");
            }
        }
    }
    buf[o] = 0;
    sqlval_take_str(out, SQLVAL_BYTEA, buf, o);
    return SQL_OK;
}

/* ------------------------------------------------------------------ text[] */

static int malformed_array(sqlerr *err, const char *s, size_t len)
{
    int n = len > 200 ? 200 : (int)len;
    return sqlerr_set(err, "22P02", -1, "malformed array literal: \"%.*s\"", n, s);
}

int sqlval_parse_array(const char *s, size_t len, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, SQLVAL_TEXTARRAY);
    size_t i = 0;
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (i >= len || s[i] != '{') {
        malformed_array(err, s, len);
        sqlerr_detail(err, "Array value must start with \"{\" or dimension information.");
        return SQL_ERR;
    }
    i++;
    char *elem = malloc(len + 1);
    if (!elem) return sqlerr_oom(err);
    char **items = NULL;
    size_t n = 0, cap = 0;
    bool closed = false;
    while (i < len) {
        while (i < len && isspace((unsigned char)s[i])) i++;
        if (i < len && s[i] == '}' && n == 0) {
            i++;
            closed = true;
            break;
        }
        size_t o = 0;
        bool quoted = false, isnull = false;
        if (i < len && s[i] == '"') {
            quoted = true;
            i++;
            while (i < len && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < len) i++;
                elem[o++] = s[i++];
            }
            if (i >= len) goto malformed;
            i++;
        } else {
            while (i < len && s[i] != ',' && s[i] != '}') {
                if (s[i] == '{' || s[i] == '"') goto malformed;
                if (s[i] == '\\' && i + 1 < len) i++;
                elem[o++] = s[i++];
            }
            while (o && isspace((unsigned char)elem[o - 1])) o--;
            if (o == 0) goto malformed;
        }
        elem[o] = 0;
        if (!quoted && !strcasecmp(elem, "NULL")) isnull = true;
        while (i < len && isspace((unsigned char)s[i])) i++;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **grown = realloc(items, ncap * sizeof(char *));
            if (!grown) goto oom;
            items = grown;
            cap = ncap;
        }
        items[n] = isnull ? NULL : strdup(elem);
        if (!isnull && !items[n]) goto oom;
        n++;
        if (i < len && s[i] == ',') {
            i++;
            continue;
        }
        if (i < len && s[i] == '}') {
            i++;
            closed = true;
            break;
        }
        goto malformed;
    }
    while (i < len && isspace((unsigned char)s[i])) i++;
    if (!closed || i != len) goto malformed;
    free(elem);
    out->isnull = false;
    out->arr = items;
    out->narr = n;
    return SQL_OK;
malformed:
    for (size_t k = 0; k < n; k++) free(items[k]);
    free(items);
    free(elem);
    return malformed_array(err, s, len);
oom:
    for (size_t k = 0; k < n; k++) free(items[k]);
    free(items);
    free(elem);
    return sqlerr_oom(err);
}

/* ------------------------------------------------------------------ growable string */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 64;
        while (ncap < b->len + n + 1) ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static int sb_finish(sbuf *b, char **out, size_t *outlen, sqlerr *err)
{
    if (!b->oom && !b->p) sb_put(b, "", 0);
    if (b->oom) {
        free(b->p);
        return sqlerr_oom(err);
    }
    *out = b->p;
    if (outlen) *outlen = b->len;
    return SQL_OK;
}

static bool array_elem_needs_quotes(const char *e)
{
    if (!*e || !strcasecmp(e, "NULL")) return true;
    for (const char *p = e; *p; p++)
        if (strchr("{},\"\\", *p) || isspace((unsigned char)*p)) return true;
    return false;
}

/* ------------------------------------------------------------------ jsonb */


/* ------------------------------------------------------------------ typed arrays */

/* Rewrites the elements of v (type set to the target array type; elements read as values of
 * type `from`'s element, text for text[]) as the target element type's canonical text: each is
 * read (from text or cast) and printed again, so errors are the element type's own. */
static int array_canonical(sqlval *v, sqlval_type from_elem, sqlerr *err)
{
    sqlval_type et = sqlval_array_elem(v->type);
    for (size_t i = 0; i < v->narr; i++) {
        if (!v->arr[i]) continue;
        sqlval x, y;
        sqlval_init_null(&y, et);
        int rc = sqlval_from_text(from_elem, v->arr[i], strlen(v->arr[i]), &x, err);
        if (!rc) {
            rc = from_elem == et ? (sqlval_move(&y, &x), SQL_OK) : sqlval_cast(&x, et, &y, err);
            sqlval_free(&x);
        }
        char *txt = NULL;
        size_t n;
        if (!rc) {
            rc = sqlval_to_text(&y, &txt, &n, err);
            sqlval_free(&y);
        }
        if (rc) {
            sqlval_free(v);
            return SQL_ERR;
        }
        free(v->arr[i]);
        v->arr[i] = txt;
    }
    return SQL_OK;
}

/* ------------------------------------------------------------------ text I/O */

/* Floats print as with PostgreSQL's default extra_float_digits = 1 (shortest exact text), which
 * is also what the 2 or 3 most drivers and pg_dump set gives. A session's
 * extra_float_digits <= 0 (PostgreSQL's %.15g style) does not reach this function. */
#define SQLVAL_EXTRA_FLOAT_DIGITS 1

int sqlval_to_text(const sqlval *v, char **out, size_t *outlen, sqlerr *err)
{
    char buf[128];
    sbuf b = {0};
    if (v->isnull) return sb_finish(&b, out, outlen, err);
    switch (v->type) {
    case SQLVAL_BOOL: sb_puts(&b, v->u.b ? "t" : "f"); break;
    case SQLVAL_ENUM: sb_put(&b, v->s, v->len); break; /* enum_out: the label */
    case SQLVAL_BPCHAR: { /* bpcharout: blank-padded to the declared length */
        sb_put(&b, v->s ? v->s : "", v->s ? v->len : 0);
        size_t chars = 0;
        for (size_t i = 0; v->s && i < v->len; i++) chars += ((unsigned char)v->s[i] & 0xc0) != 0x80;
        for (; (int64_t)chars < v->u.i; chars++) sb_put(&b, " ", 1);
        break;
    }
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_OID:
        snprintf(buf, sizeof(buf), "%lld", (long long)v->u.i);
        sb_puts(&b, buf);
        break;
    case SQLVAL_REGCLASS:
    case SQLVAL_REGTYPE:
    case SQLVAL_REGNAMESPACE:
    case SQLVAL_REGROLE:
    case SQLVAL_REGPROC:
        /* regclassout & co: the name; an oid the catalog does not know prints as a number,
         * InvalidOid as "-" */
        if (v->s) sb_put(&b, v->s, v->len);
        else if (v->u.i == 0) sb_puts(&b, "-");
        else {
            snprintf(buf, sizeof(buf), "%lld", (long long)v->u.i);
            sb_puts(&b, buf);
        }
        break;
    case SQLVAL_FLOAT4:
        sb_put(&b, buf, pgtypes_float4_out((float)v->u.f, SQLVAL_EXTRA_FLOAT_DIGITS, buf));
        break;
    case SQLVAL_FLOAT8:
        sb_put(&b, buf, pgtypes_float8_out(v->u.f, SQLVAL_EXTRA_FLOAT_DIGITS, buf));
        break;
    case SQLVAL_TIMESTAMPTZ:
        sqlval_format_timestamptz(v->u.i, buf, sizeof(buf));
        sb_puts(&b, buf);
        break;
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_INTERVAL:
    case SQLVAL_UUID: sb_put(&b, buf, sqldate_out(v, buf, sizeof(buf))); break;
    case SQLVAL_BYTEA:
        sb_puts(&b, "\\x");
        for (size_t i = 0; i < v->len; i++) {
            snprintf(buf, sizeof(buf), "%02x", (unsigned char)v->s[i]);
            sb_put(&b, buf, 2);
        }
        break;
    case SQLVAL_TEXTARRAY:
    case SQLVAL_BOOLARRAY:
    case SQLVAL_INT2ARRAY:
    case SQLVAL_INT4ARRAY:
    case SQLVAL_INT8ARRAY:
    case SQLVAL_FLOAT4ARRAY:
    case SQLVAL_FLOAT8ARRAY:
    case SQLVAL_NUMERICARRAY:
    case SQLVAL_DATEARRAY:
    case SQLVAL_TIMEARRAY:
    case SQLVAL_TIMESTAMPARRAY:
    case SQLVAL_TIMESTAMPTZARRAY:
    case SQLVAL_INTERVALARRAY:
    case SQLVAL_UUIDARRAY:
    case SQLVAL_JSONBARRAY:
    case SQLVAL_OIDARRAY:
    case SQLVAL_NAMEARRAY:
    case SQLVAL_INT2VECTOR:
    case SQLVAL_OIDVECTOR:
        if (v->type == SQLVAL_INT2VECTOR || v->type == SQLVAL_OIDVECTOR) {
            /* int2vectorout / oidvectorout: "1 2" */
            for (size_t i = 0; i < v->narr; i++) {
                if (i) sb_put(&b, " ", 1);
                sb_puts(&b, v->arr[i] ? v->arr[i] : "0");
            }
            break;
        }
        sb_put(&b, "{", 1);
        for (size_t i = 0; i < v->narr; i++) {
            if (i) sb_put(&b, ",", 1);
            const char *e = v->arr[i];
            if (!e) {
                sb_puts(&b, "NULL");
            } else if (!array_elem_needs_quotes(e)) {
                sb_puts(&b, e);
            } else {
                sb_put(&b, "\"", 1);
                for (const char *p = e; *p; p++) {
                    if (*p == '"' || *p == '\\') sb_put(&b, "\\", 1);
                    sb_put(&b, p, 1);
                }
                sb_put(&b, "\"", 1);
            }
        }
        sb_put(&b, "}", 1);
        break;
    default: sb_put(&b, v->s ? v->s : "", v->s ? v->len : 0); break;
    }
    return sb_finish(&b, out, outlen, err);
}

int sqlval_from_text(sqlval_type t, const char *s, size_t len, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, t);
    int64_t i;
    double f;
    char tmp[16];
    switch (t) {
    case SQLVAL_JSONPATH: { /* jsonpath_in: parsed, kept as jsonpath_out prints it */
        sqljsonpath *p;
        if (sqljsonpath_parse(s, len, &p, err)) return SQL_ERR;
        char *txt;
        size_t tl;
        int rc = sqljsonpath_text(p, &txt, &tl, err);
        sqljsonpath_free(p);
        if (rc) return SQL_ERR;
        sqlval_take_str(out, t, txt, tl);
        return SQL_OK;
    }
    case SQLVAL_JSON: { /* json_in: checked, kept as written */
        char *canon;
        if (sqljsonb_normalize(s, len, &canon, NULL, err)) return SQL_ERR;
        free(canon);
        return sqlval_set_str(out, t, s, len, err);
    }
    case SQLVAL_INET:
    case SQLVAL_CIDR: { /* inet_in / cidr_in: kept as the canonical text */
        pginet nv;
        int r = pginet_parse(s, len, t == SQLVAL_CIDR, &nv);
        int shown = (int)(len > 200 ? 200 : len);
        if (r == PGINET_EHOSTBITS) {
            sqlerr_set(err, "22P02", -1, "invalid cidr value: \"%.*s\"", shown, s);
            sqlerr_detail(err, "Value has bits set to right of mask.");
            return SQL_ERR;
        }
        if (r)
            return sqlerr_set(err, "22P02", -1, "invalid input syntax for type %s: \"%.*s\"",
                              t == SQLVAL_CIDR ? "cidr" : "inet", shown, s);
        char buf[PGINET_TEXT_MAX];
        size_t n = pginet_format(&nv, t == SQLVAL_CIDR, buf);
        return sqlval_set_str(out, t, buf, n, err);
    }
    case SQLVAL_BPCHAR: /* bpcharin: trailing blanks do not count (sqlval.h) */
        while (len && s[len - 1] == ' ') len--;
        return sqlval_set_str(out, t, s, len, err);
    case SQLVAL_ENUM: /* a label, checked when it meets its type (sqlschema_typmod_apply, a
                       * comparison, a cast naming the type) */
        if (len > SQLENUM_LABEL_MAX)
            return sqlerr_set(err, "22P02", -1, "invalid input value for enum: \"%.*s\"", (int)(len > 100 ? 100 : len), s);
        return sqlval_set_str(out, t, s, len, err);
    case SQLVAL_BOOL: {
        static const char *yes[] = {"t", "true", "yes", "y", "on", "1"};
        static const char *no[] = {"f", "false", "no", "n", "off", "0"};
        if (trimmed(s, len, tmp, sizeof(tmp))) {
            for (size_t k = 0; k < 6; k++) {
                if (!strcasecmp(tmp, yes[k])) {
                    sqlval_set_bool(out, true);
                    return SQL_OK;
                }
                if (!strcasecmp(tmp, no[k])) {
                    sqlval_set_bool(out, false);
                    return SQL_OK;
                }
            }
        }
        return bad_input(err, "22P02", "boolean", s, len);
    }
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_OID:
        if (sqlval_parse_int(s, len, t, &i, err)) return SQL_ERR;
        sqlval_set_int(out, t, i);
        return SQL_OK;
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8:
        if (sqlval_parse_float(s, len, t, &f, err)) return SQL_ERR;
        sqlval_set_float(out, t, f);
        return SQL_OK;
    case SQLVAL_NUMERIC: {
        char *n;
        if (sqlval_parse_numeric(s, len, &n, err)) return SQL_ERR;
        sqlval_take_str(out, SQLVAL_NUMERIC, n, strlen(n));
        return SQL_OK;
    }
    case SQLVAL_TIMESTAMPTZ:
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP:
    case SQLVAL_INTERVAL:
    case SQLVAL_UUID: return sqldate_in(t, s, len, out, err);
    case SQLVAL_BYTEA: return parse_bytea(s, len, out, err);
    case SQLVAL_TEXTARRAY: return sqlval_parse_array(s, len, out, err);
    case SQLVAL_BOOLARRAY:
    case SQLVAL_INT2ARRAY:
    case SQLVAL_INT4ARRAY:
    case SQLVAL_INT8ARRAY:
    case SQLVAL_FLOAT4ARRAY:
    case SQLVAL_FLOAT8ARRAY:
    case SQLVAL_NUMERICARRAY:
    case SQLVAL_DATEARRAY:
    case SQLVAL_TIMEARRAY:
    case SQLVAL_TIMESTAMPARRAY:
    case SQLVAL_TIMESTAMPTZARRAY:
    case SQLVAL_INTERVALARRAY:
    case SQLVAL_UUIDARRAY:
    case SQLVAL_JSONBARRAY:
    case SQLVAL_OIDARRAY:
    case SQLVAL_NAMEARRAY:
    case SQLVAL_INT2VECTOR:
    case SQLVAL_OIDVECTOR:
        if (t == SQLVAL_INT2VECTOR || t == SQLVAL_OIDVECTOR) {
            /* int2vectorin / oidvectorin: numbers separated by spaces */
            char *copy = strndup(s, len);
            const char **items = calloc(len / 2 + 2, sizeof(char *));
            size_t n = 0;
            int rc = copy && items ? SQL_OK : sqlerr_oom(err);
            for (char *save = NULL, *tok = rc ? NULL : strtok_r(copy, " \t\n", &save); tok;
                 tok = strtok_r(NULL, " \t\n", &save))
                items[n++] = tok;
            if (!rc) rc = sqlval_set_array(out, items, n, err);
            free(copy);
            free(items);
            if (rc) return SQL_ERR;
            out->type = t;
            return array_canonical(out, SQLVAL_TEXT, err);
        }
        if (sqlval_parse_array(s, len, out, err)) return SQL_ERR;
        out->type = t;
        return array_canonical(out, SQLVAL_TEXT, err);
    case SQLVAL_REGCLASS:
    case SQLVAL_REGTYPE:
    case SQLVAL_REGNAMESPACE:
    case SQLVAL_REGROLE:
    case SQLVAL_REGPROC:
        /* a number is an oid as is; names need the catalog (sqlcatalog_reg_cast), which the
         * expression evaluator consults before coming here */
        if (len && len < 12 && strspn(s, "0123456789") == len) {
            if (sqlval_parse_int(s, len, SQLVAL_OID, &i, err)) return SQL_ERR;
            return sqlval_set_reg(out, t, (uint32_t)i, NULL, err);
        }
        return sqlerr_set(err, "42704", -1, "%s \"%.*s\" does not exist",
                          t == SQLVAL_REGCLASS ? "relation" : t == SQLVAL_REGTYPE ? "type"
                          : t == SQLVAL_REGNAMESPACE ? "schema" : t == SQLVAL_REGROLE ? "role" : "function",
                          (int)(len > 200 ? 200 : len), s);
    case SQLVAL_CHAR:
        /* charin: the first byte (an empty string is the zero byte, printed as "") */
        return sqlval_set_str(out, t, s, len ? 1 : 0, err);
    case SQLVAL_JSONB: {
        char *j;
        size_t jl;
        if (sqljsonb_normalize(s, len, &j, &jl, err)) return SQL_ERR;
        sqlval_take_str(out, SQLVAL_JSONB, j, jl);
        return SQL_OK;
    }
    default:
        if (memchr(s, 0, len))
            return sqlerr_set(err, "22021", -1, "invalid byte sequence for encoding \"UTF8\": 0x00");
        return sqlval_set_str(out, t, s, len, err);
    }
}

/* ------------------------------------------------------------------ casts */

static int int_range(int64_t v, sqlval_type t, sqlerr *err)
{
    if (t == SQLVAL_INT2 && (v < INT16_MIN || v > INT16_MAX))
        return sqlerr_set(err, "22003", -1, "smallint out of range");
    if (t == SQLVAL_INT4 && (v < INT32_MIN || v > INT32_MAX))
        return sqlerr_set(err, "22003", -1, "integer out of range");
    if (t == SQLVAL_OID && (v < 0 || v > UINT32_MAX))
        return sqlerr_set(err, "22003", -1, "OID out of range");
    return SQL_OK;
}

static int float_to_int(double f, sqlval_type t, int64_t *out, sqlerr *err)
{
    double r = rint(f);
    if (isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0)
        return sqlerr_set(err, "22003", -1, "%s out of range",
                          t == SQLVAL_INT8 ? "bigint" : t == SQLVAL_INT2 ? "smallint" : "integer");
    *out = (int64_t)r;
    return int_range(*out, t, err);
}

int sqlval_cast(const sqlval *src, sqlval_type t, sqlval *out, sqlerr *err)
{
    sqlval_type from = src->type;
    if (src->isnull) {
        sqlval_init_null(out, t);
        return SQL_OK;
    }
    if (from == t) return sqlval_copy(out, src, err);
    if (from == SQLVAL_JSON && t == SQLVAL_JSONB) return sqlval_from_text(t, src->s ? src->s : "", src->len, out, err);
    if (from == SQLVAL_JSONB && t == SQLVAL_JSON) return sqlval_set_str(out, t, src->s ? src->s : "", src->len, err);
    if ((from == SQLVAL_INET || from == SQLVAL_CIDR) && (t == SQLVAL_INET || t == SQLVAL_CIDR || sqlval_type_is_text(t))) {
        pginet nv;
        if (pginet_parse(src->s ? src->s : "", src->len, false, &nv))
            return sqlerr_set(err, "22P02", -1, "invalid input syntax for type inet: \"%s\"", src->s ? src->s : "");
        char buf[PGINET_TEXT_MAX];
        if (t == SQLVAL_CIDR) pginet_mask(&nv, false); /* cidr(inet): the network */
        /* inet -> text is text(inet): the mask always shown */
        size_t n = pginet_format(&nv, t != SQLVAL_INET, buf);
        return sqlval_set_str(out, t, buf, n, err);
    }
    if (from == SQLVAL_BPCHAR && sqlval_type_is_text(t)) /* rtrim: bpchar's text is unpadded */
        return t == SQLVAL_CHAR ? sqlval_set_str(out, t, src->s, src->len ? 1 : 0, err)
                                : sqlval_set_str(out, t, src->s ? src->s : "", src->len, err);
    if (t == SQLVAL_BPCHAR) {
        char *txt;
        size_t n;
        if (from == SQLVAL_BOOL) return sqlval_set_str(out, t, src->u.b ? "true" : "false", src->u.b ? 4 : 5, err);
        if (sqlval_type_is_text(from)) return sqlval_from_text(t, src->s ? src->s : "", src->len, out, err);
        if (sqlval_to_text(src, &txt, &n, err)) return SQL_ERR;
        int rc = sqlval_from_text(t, txt, n, out, err);
        free(txt);
        return rc;
    }
    if (sqlval_type_is_text(t)) {
        /* booltext: the cast to text and varchar spells the value out (true::text is 'true');
         * the output function, and so every other route to text, prints t / f */
        if (from == SQLVAL_BOOL && (t == SQLVAL_TEXT || t == SQLVAL_VARCHAR)) {
            const char *b = src->u.b ? "true" : "false";
            return sqlval_set_str(out, t, b, strlen(b), err);
        }
        char *txt;
        size_t n;
        if (sqlval_to_text(src, &txt, &n, err)) return SQL_ERR;
        sqlval_take_str(out, t, txt, n);
        return SQL_OK;
    }
    if (sqlval_type_is_text(from)) return sqlval_from_text(t, src->s, src->len, out, err);
    if (sqlval_type_is_array(from) && sqlval_type_is_array(t)) {
        /* element by element: int[]::bigint[], text[]::int[], numeric[]::int[] ... */
        if (sqlval_copy(out, src, err)) return SQL_ERR;
        out->type = t;
        if (t == SQLVAL_TEXTARRAY) return SQL_OK; /* the elements are their text already */
        return array_canonical(out, sqlval_array_elem(from), err);
    }
    if (sqldate_is_type(from) || sqldate_is_type(t)) {
        int rc = sqldate_cast(src, t, out, err);
        if (rc != 1) return rc;
        return sqlerr_set(err, "42846", -1, "cannot cast type %s to %s", sqlval_type_name(from),
                          sqlval_type_name(t));
    }
    if (sqlval_type_is_reg(t) && (sqlval_type_is_oidlike(from) || sqlval_type_is_integer(from))) {
        if (int_range(src->u.i, SQLVAL_OID, err)) return SQL_ERR;
        return sqlval_set_reg(out, t, (uint32_t)src->u.i, NULL, err);
    }
    if (sqlval_type_is_reg(from) && (sqlval_type_is_integer(t) || sqlval_type_is_reg(t))) {
        if (sqlval_type_is_reg(t)) return sqlval_set_reg(out, t, (uint32_t)src->u.i, NULL, err);
        if (int_range(src->u.i, t, err)) return SQL_ERR;
        sqlval_set_int(out, t, src->u.i);
        return SQL_OK;
    }
    if (from == SQLVAL_JSONB && (sqlval_type_is_numeric(t) || t == SQLVAL_BOOL)) {
        /* jsonb::numeric / ::int / ::float8 / ::bool (PostgreSQL 11+): a scalar of that kind */
        const char *d = src->s ? src->s : "";
        char k = d[0];
        const char *kind = k == '"' ? "string" : k == '{' ? "object" : k == '[' ? "array"
                           : k == 'n' ? "null" : k == 't' || k == 'f' ? "boolean" : "number";
        bool ok = t == SQLVAL_BOOL ? !strcmp(kind, "boolean") : !strcmp(kind, "number");
        if (!ok)
            return sqlerr_set(err, "22023", -1, "cannot cast jsonb %s to type %s", kind,
                              sqlval_type_name(t));
        if (t == SQLVAL_BOOL) {
            sqlval_set_bool(out, k == 't');
            return SQL_OK;
        }
        sqlval n;
        if (sqlval_from_text(SQLVAL_NUMERIC, d, strlen(d), &n, err)) return SQL_ERR;
        int rc = t == SQLVAL_NUMERIC ? (sqlval_move(out, &n), SQL_OK) : sqlval_cast(&n, t, out, err);
        sqlval_free(&n);
        return rc;
    }
    if (sqlval_type_is_integer(from)) {
        if (sqlval_type_is_integer(t)) {
            if (int_range(src->u.i, t, err)) return SQL_ERR;
            sqlval_set_int(out, t, src->u.i);
            return SQL_OK;
        }
        if (t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8) {
            sqlval_set_float(out, t, (double)src->u.i);
            return SQL_OK;
        }
        if (t == SQLVAL_NUMERIC) {
            char buf[32];
            snprintf(buf, sizeof(buf), "%lld", (long long)src->u.i);
            return sqlval_set_str(out, t, buf, strlen(buf), err);
        }
        if (t == SQLVAL_BOOL && from == SQLVAL_INT4) {
            sqlval_set_bool(out, src->u.i != 0);
            return SQL_OK;
        }
    }
    if (from == SQLVAL_FLOAT4 || from == SQLVAL_FLOAT8) {
        int64_t i = 0;
        if (sqlval_type_is_integer(t)) {
            if (float_to_int(src->u.f, t, &i, err)) return SQL_ERR;
            sqlval_set_int(out, t, i);
            return SQL_OK;
        }
        if (t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8) {
            if (t == SQLVAL_FLOAT4 && isfinite(src->u.f) && fabs(src->u.f) > FLT_MAX)
                return sqlerr_set(err, "22003", -1, "value out of range: overflow");
            sqlval_set_float(out, t, src->u.f);
            return SQL_OK;
        }
        if (t == SQLVAL_NUMERIC) {
            if (isinf(src->u.f))
                return sqlerr_set(err, "0A000", -1,
                                  "feature not supported: infinite numeric values");
            /* float8_numeric / float4_numeric: DBL_DIG / FLT_DIG significant digits, not the
             * shortest text (0.30000000000000004::float8::numeric is 0.3) */
            char buf[64], *n;
            if (isnan(src->u.f)) snprintf(buf, sizeof(buf), "NaN");
            else snprintf(buf, sizeof(buf), "%.*g", from == SQLVAL_FLOAT4 ? FLT_DIG : DBL_DIG, src->u.f);
            if (sqlval_parse_numeric(buf, strlen(buf), &n, err)) return SQL_ERR;
            sqlval_take_str(out, t, n, strlen(n));
            return SQL_OK;
        }
    }
    if (from == SQLVAL_NUMERIC) {
        if (t == SQLVAL_FLOAT4 || t == SQLVAL_FLOAT8) return sqlval_from_text(t, src->s, src->len, out, err);
        if (sqlval_type_is_integer(t)) {
            if (!strcmp(src->s, "NaN"))
                return sqlerr_set(err, "0A000", -1, "cannot convert NaN to %s", sqlval_type_name(t));
            /* round half away from zero, as numeric rounding does */
            long double d = strtold(src->s, NULL);
            long double r = d < 0 ? -floorl(-d + 0.5L) : floorl(d + 0.5L);
            if (r < -9223372036854775808.0L || r >= 9223372036854775808.0L)
                return sqlerr_set(err, "22003", -1, "%s out of range", sqlval_type_name(t));
            if (int_range((int64_t)r, t, err)) return SQL_ERR;
            sqlval_set_int(out, t, (int64_t)r);
            return SQL_OK;
        }
    }
    if (from == SQLVAL_BOOL && t == SQLVAL_INT4) {
        sqlval_set_int(out, t, src->u.b ? 1 : 0);
        return SQL_OK;
    }
    return sqlerr_set(err, "42846", -1, "cannot cast type %s to %s", sqlval_type_name(from),
                      sqlval_type_name(t));
}

/* ------------------------------------------------------------------ comparison */

static int cmp_bytes(const char *a, size_t la, const char *b, size_t lb)
{
    int c = memcmp(a, b, la < lb ? la : lb);
    if (c) return c < 0 ? -1 : 1;
    return la == lb ? 0 : la < lb ? -1 : 1;
}

static int cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) == isnan(b) ? 0 : isnan(a) ? 1 : -1;
    return a < b ? -1 : a > b;
}

int sqlval_compare(const sqlval *a, const sqlval *b, int *cmp, sqlerr *err)
{
    sqlval_type ta = a->type, tb = b->type;
    if (ta == SQLVAL_ENUM || tb == SQLVAL_ENUM) {
        /* by the labels' order in the type; a label without a type (a literal) is read as one
         * of the other side's type */
        const sqlval *e = ta == SQLVAL_ENUM && a->u.i ? a : b;
        const sqlval *o = e == a ? b : a;
        if (e->type != SQLVAL_ENUM || (o->type != SQLVAL_ENUM && !sqlval_type_is_text(o->type)) ||
            (o->type == SQLVAL_ENUM && o->u.i && o->u.i != e->u.i))
            return sqlerr_set(err, "42883", -1, "operator does not exist: %s = %s",
                              sqlval_type_name(ta), sqlval_type_name(tb));
        if (!e->u.i) { /* two untyped labels */
            *cmp = cmp_bytes(a->s, a->len, b->s, b->len);
            return SQL_OK;
        }
        return sqlenum_compare((uint32_t)e->u.i, a->s ? a->s : "", b->s ? b->s : "", cmp, err);
    }
    if (ta == SQLVAL_UNKNOWN && tb != SQLVAL_UNKNOWN && !sqlval_type_is_text(tb)) {
        sqlval tmp;
        if (sqlval_cast(a, tb, &tmp, err)) return SQL_ERR;
        int rc = sqlval_compare(&tmp, b, cmp, err);
        sqlval_free(&tmp);
        return rc;
    }
    if (tb == SQLVAL_UNKNOWN && ta != SQLVAL_UNKNOWN && !sqlval_type_is_text(ta)) {
        sqlval tmp;
        if (sqlval_cast(b, ta, &tmp, err)) return SQL_ERR;
        int rc = sqlval_compare(a, &tmp, cmp, err);
        sqlval_free(&tmp);
        return rc;
    }
    if ((ta == SQLVAL_INET || ta == SQLVAL_CIDR) && (tb == SQLVAL_INET || tb == SQLVAL_CIDR)) {
        pginet x, y; /* network_cmp */
        if (pginet_parse(a->s ? a->s : "", a->len, false, &x) || pginet_parse(b->s ? b->s : "", b->len, false, &y))
            return sqlerr_set(err, "XX000", -1, "corrupt inet value");
        *cmp = pginet_cmp(&x, &y);
        return SQL_OK;
    }
    if (sqlval_type_is_text(ta) && sqlval_type_is_text(tb)) {
        size_t al = a->len, bl = b->len;
        /* bpchar: trailing blanks do not count; an untyped literal meeting one is read as one */
        if (ta == SQLVAL_BPCHAR || tb == SQLVAL_BPCHAR) {
            if (ta == SQLVAL_UNKNOWN || ta == SQLVAL_BPCHAR)
                while (al && a->s[al - 1] == ' ') al--;
            if (tb == SQLVAL_UNKNOWN || tb == SQLVAL_BPCHAR)
                while (bl && b->s[bl - 1] == ' ') bl--;
        }
        *cmp = cmp_bytes(a->s, al, b->s, bl);
        return SQL_OK;
    }
    if (ta != tb && sqlval_type_is_array(ta) && sqlval_type_is_array(tb)) {
        /* a text[] (the catalogs' oid[] ...) read as the typed side; two typed arrays as the
         * one whose element the other's converts to (int[] vs bigint[]: bigint[]) */
        bool to_b = ta == SQLVAL_TEXTARRAY ||
                    (tb != SQLVAL_TEXTARRAY && sqlval_type_is_integer(sqlval_array_elem(ta)) &&
                     !sqlval_type_is_integer(sqlval_array_elem(tb)));
        if (tb != SQLVAL_TEXTARRAY && ta != SQLVAL_TEXTARRAY && !to_b &&
            sqlval_type_is_integer(sqlval_array_elem(ta)) && sqlval_type_is_integer(sqlval_array_elem(tb)))
            to_b = sqlval_array_elem(tb) == SQLVAL_INT8 || (sqlval_array_elem(tb) == SQLVAL_INT4 &&
                                                            sqlval_array_elem(ta) == SQLVAL_INT2);
        sqlval tmp;
        if (sqlval_cast(to_b ? a : b, to_b ? tb : ta, &tmp, err)) return SQL_ERR;
        int rc = to_b ? sqlval_compare(&tmp, b, cmp, err) : sqlval_compare(a, &tmp, cmp, err);
        sqlval_free(&tmp);
        return rc;
    }
    if ((sqlval_type_is_reg(ta) && (sqlval_type_is_oidlike(tb) || sqlval_type_is_integer(tb))) ||
        (sqlval_type_is_reg(tb) && (sqlval_type_is_oidlike(ta) || sqlval_type_is_integer(ta)))) {
        /* reg* compare as the oid they are (regclass = oid resolves to oideq) */
        uint32_t x = (uint32_t)a->u.i, y = (uint32_t)b->u.i;
        *cmp = x < y ? -1 : x > y;
        return SQL_OK;
    }
    if (sqlval_type_is_numeric(ta) && sqlval_type_is_numeric(tb)) {
        if (sqlval_type_is_integer(ta) && sqlval_type_is_integer(tb)) {
            *cmp = a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
            return SQL_OK;
        }
        if (ta == SQLVAL_FLOAT4 || ta == SQLVAL_FLOAT8 || tb == SQLVAL_FLOAT4 || tb == SQLVAL_FLOAT8) {
            sqlval fa, fb;
            if (sqlval_cast(a, SQLVAL_FLOAT8, &fa, err)) return SQL_ERR;
            if (sqlval_cast(b, SQLVAL_FLOAT8, &fb, err)) {
                sqlval_free(&fa);
                return SQL_ERR;
            }
            *cmp = cmp_double(fa.u.f, fb.u.f);
            return SQL_OK;
        }
        sqlval na, nb;
        if (sqlval_cast(a, SQLVAL_NUMERIC, &na, err)) return SQL_ERR;
        if (sqlval_cast(b, SQLVAL_NUMERIC, &nb, err)) {
            sqlval_free(&na);
            return SQL_ERR;
        }
        *cmp = numeric_text_cmp(na.s, nb.s);
        sqlval_free(&na);
        sqlval_free(&nb);
        return SQL_OK;
    }
    if (sqldate_is_type(ta) && sqldate_is_type(tb)) {
        int rc = sqldate_compare(a, b, cmp, err);
        if (rc != 1) return rc;
    }
    if (ta != tb)
        return sqlerr_set(err, "42883", -1, "operator does not exist: %s = %s",
                          sqlval_type_name(ta), sqlval_type_name(tb));
    switch (ta) {
    case SQLVAL_BOOL: *cmp = a->u.b == b->u.b ? 0 : a->u.b ? 1 : -1; return SQL_OK;
    case SQLVAL_TIMESTAMPTZ: *cmp = a->u.i < b->u.i ? -1 : a->u.i > b->u.i; return SQL_OK;
    case SQLVAL_BYTEA:
    case SQLVAL_JSONB: *cmp = cmp_bytes(a->s, a->len, b->s, b->len); return SQL_OK;
    case SQLVAL_BOOLARRAY:
    case SQLVAL_INT2ARRAY:
    case SQLVAL_INT4ARRAY:
    case SQLVAL_INT8ARRAY:
    case SQLVAL_FLOAT4ARRAY:
    case SQLVAL_FLOAT8ARRAY:
    case SQLVAL_NUMERICARRAY:
    case SQLVAL_DATEARRAY:
    case SQLVAL_TIMEARRAY:
    case SQLVAL_TIMESTAMPARRAY:
    case SQLVAL_TIMESTAMPTZARRAY:
    case SQLVAL_INTERVALARRAY:
    case SQLVAL_UUIDARRAY:
    case SQLVAL_JSONBARRAY:
    case SQLVAL_OIDARRAY:
    case SQLVAL_NAMEARRAY:
    case SQLVAL_INT2VECTOR:
    case SQLVAL_OIDVECTOR:
        for (size_t i = 0; i < a->narr && i < b->narr; i++) {
            if (!a->arr[i] || !b->arr[i]) {
                if (a->arr[i] != b->arr[i]) {
                    *cmp = a->arr[i] ? -1 : 1; /* NULL elements sort last */
                    return SQL_OK;
                }
                continue;
            }
            sqlval x, y;
            if (sqlval_array_elem_get(a, i, &x, err)) return SQL_ERR;
            if (sqlval_array_elem_get(b, i, &y, err)) {
                sqlval_free(&x);
                return SQL_ERR;
            }
            int c = 0;
            int rc = sqlval_compare(&x, &y, &c, err);
            sqlval_free(&x);
            sqlval_free(&y);
            if (rc) return SQL_ERR;
            if (c) {
                *cmp = c;
                return SQL_OK;
            }
        }
        *cmp = a->narr == b->narr ? 0 : a->narr < b->narr ? -1 : 1;
        return SQL_OK;
    case SQLVAL_TEXTARRAY:
        for (size_t i = 0; i < a->narr && i < b->narr; i++) {
            const char *x = a->arr[i], *y = b->arr[i];
            if (!x || !y) {
                if (x != y) {
                    *cmp = x ? -1 : 1; /* NULL elements sort last */
                    return SQL_OK;
                }
                continue;
            }
            int c = strcmp(x, y);
            if (c) {
                *cmp = c < 0 ? -1 : 1;
                return SQL_OK;
            }
        }
        *cmp = a->narr == b->narr ? 0 : a->narr < b->narr ? -1 : 1;
        return SQL_OK;
    default: break;
    }
    return sqlerr_set(err, "42883", -1, "operator does not exist: %s = %s", sqlval_type_name(ta),
                      sqlval_type_name(tb));
}
