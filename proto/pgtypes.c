/*
 * proto/pgtypes.c — PostgreSQL type table and text <-> binary wire conversions (see pgtypes.h).
 *
 * Entry points:
 *   pgtypes_buf_*                                   output buffer
 *   pgtypes_text_to_binary, pgtypes_binary_to_text  the two conversions (dispatch on type kind)
 *   pgtypes_has_binary, pgtypes_name, pgtypes_sql_name, pgtypes_typlen, pgtypes_array_elem,
 *   pgtypes_array_of                                 type table lookups
 *   pgtypes_sqlstate, pgtypes_errmsg                 error reporting
 *
 * Each type has a text parser ("*_in": text -> value) and a text printer ("*_out": value -> text)
 * modelled on PostgreSQL's own input/output functions (int4in, float8out, numeric_in, array_in,
 * date_in ...), so that binary -> text -> binary is the identity on every valid binary value and
 * the text printed is byte-for-byte what PostgreSQL 15 prints (session TimeZone UTC,
 * DateStyle ISO, bytea_output hex, extra_float_digits >= 1).
 */
#include "proto/pgtypes.h"
#include "proto/pginet.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- type table ---- */

enum kind {
    K_NONE, /* known type, no binary conversion here */
    K_BOOL,
    K_INT2,
    K_INT4,
    K_INT8,
    K_OID,
    K_FLOAT4,
    K_FLOAT8,
    K_TEXT, /* raw UTF-8 both ways */
    K_CHAR,
    K_BYTEA,
    K_JSONB,
    K_DATE,
    K_INTERVAL,
    K_TIME,
    K_TIMESTAMP,
    K_TIMESTAMPTZ,
    K_NUMERIC,
    K_UUID,
    K_INET,
    K_CIDR,
    K_ARRAY,
    K_VOID, /* no bytes (void_send); its text is empty */
};

typedef struct typeinfo {
    uint32_t oid;
    const char *name;     /* pg_type.typname */
    const char *sql_name; /* format_type() */
    int typlen;
    enum kind kind;
    uint32_t elem_or_array; /* array: its element; scalar: its array type (0 if none) */
} typeinfo;

static const typeinfo types[] = {
    {PGTYPE_BOOL, "bool", "boolean", 1, K_BOOL, PGTYPE_BOOLARRAY},
    {PGTYPE_BYTEA, "bytea", "bytea", -1, K_BYTEA, PGTYPE_BYTEAARRAY},
    {PGTYPE_CHAR, "char", "\"char\"", 1, K_CHAR, PGTYPE_CHARARRAY},
    {PGTYPE_NAME, "name", "name", 64, K_TEXT, PGTYPE_NAMEARRAY},
    {PGTYPE_INT8, "int8", "bigint", 8, K_INT8, PGTYPE_INT8ARRAY},
    {PGTYPE_INT2, "int2", "smallint", 2, K_INT2, PGTYPE_INT2ARRAY},
    {PGTYPE_INT4, "int4", "integer", 4, K_INT4, PGTYPE_INT4ARRAY},
    {PGTYPE_REGPROC, "regproc", "regproc", 4, K_NONE, 0},
    {PGTYPE_TEXT, "text", "text", -1, K_TEXT, PGTYPE_TEXTARRAY},
    {PGTYPE_OID, "oid", "oid", 4, K_OID, PGTYPE_OIDARRAY},
    {PGTYPE_JSON, "json", "json", -1, K_TEXT, PGTYPE_JSONARRAY},
    {PGTYPE_JSONARRAY, "_json", "json[]", -1, K_ARRAY, PGTYPE_JSON},
    {PGTYPE_FLOAT4, "float4", "real", 4, K_FLOAT4, PGTYPE_FLOAT4ARRAY},
    {PGTYPE_FLOAT8, "float8", "double precision", 8, K_FLOAT8, PGTYPE_FLOAT8ARRAY},
    {PGTYPE_UNKNOWN, "unknown", "unknown", -2, K_TEXT, 0},
    {PGTYPE_BOOLARRAY, "_bool", "boolean[]", -1, K_ARRAY, PGTYPE_BOOL},
    {PGTYPE_BYTEAARRAY, "_bytea", "bytea[]", -1, K_ARRAY, PGTYPE_BYTEA},
    {PGTYPE_CHARARRAY, "_char", "\"char\"[]", -1, K_ARRAY, PGTYPE_CHAR},
    {PGTYPE_NAMEARRAY, "_name", "name[]", -1, K_ARRAY, PGTYPE_NAME},
    {PGTYPE_INT2ARRAY, "_int2", "smallint[]", -1, K_ARRAY, PGTYPE_INT2},
    {PGTYPE_INT4ARRAY, "_int4", "integer[]", -1, K_ARRAY, PGTYPE_INT4},
    {PGTYPE_TEXTARRAY, "_text", "text[]", -1, K_ARRAY, PGTYPE_TEXT},
    {PGTYPE_BPCHARARRAY, "_bpchar", "character[]", -1, K_ARRAY, PGTYPE_BPCHAR},
    {PGTYPE_VARCHARARRAY, "_varchar", "character varying[]", -1, K_ARRAY, PGTYPE_VARCHAR},
    {PGTYPE_INT8ARRAY, "_int8", "bigint[]", -1, K_ARRAY, PGTYPE_INT8},
    {PGTYPE_FLOAT4ARRAY, "_float4", "real[]", -1, K_ARRAY, PGTYPE_FLOAT4},
    {PGTYPE_FLOAT8ARRAY, "_float8", "double precision[]", -1, K_ARRAY, PGTYPE_FLOAT8},
    {PGTYPE_OIDARRAY, "_oid", "oid[]", -1, K_ARRAY, PGTYPE_OID},
    {PGTYPE_BPCHAR, "bpchar", "character", -1, K_TEXT, PGTYPE_BPCHARARRAY},
    {PGTYPE_VARCHAR, "varchar", "character varying", -1, K_TEXT, PGTYPE_VARCHARARRAY},
    {PGTYPE_DATE, "date", "date", 4, K_DATE, PGTYPE_DATEARRAY},
    {PGTYPE_TIME, "time", "time without time zone", 8, K_TIME, PGTYPE_TIMEARRAY},
    {PGTYPE_TIMESTAMP, "timestamp", "timestamp without time zone", 8, K_TIMESTAMP,
     PGTYPE_TIMESTAMPARRAY},
    {PGTYPE_TIMESTAMPARRAY, "_timestamp", "timestamp without time zone[]", -1, K_ARRAY,
     PGTYPE_TIMESTAMP},
    {PGTYPE_DATEARRAY, "_date", "date[]", -1, K_ARRAY, PGTYPE_DATE},
    {PGTYPE_TIMEARRAY, "_time", "time without time zone[]", -1, K_ARRAY, PGTYPE_TIME},
    {PGTYPE_TIMESTAMPTZ, "timestamptz", "timestamp with time zone", 8, K_TIMESTAMPTZ,
     PGTYPE_TIMESTAMPTZARRAY},
    {PGTYPE_TIMESTAMPTZARRAY, "_timestamptz", "timestamp with time zone[]", -1, K_ARRAY,
     PGTYPE_TIMESTAMPTZ},
    {PGTYPE_INTERVAL, "interval", "interval", 16, K_INTERVAL, PGTYPE_INTERVALARRAY},
    {PGTYPE_INTERVALARRAY, "_interval", "interval[]", -1, K_ARRAY, PGTYPE_INTERVAL},
    {PGTYPE_NUMERICARRAY, "_numeric", "numeric[]", -1, K_ARRAY, PGTYPE_NUMERIC},
    {PGTYPE_NUMERIC, "numeric", "numeric", -1, K_NUMERIC, PGTYPE_NUMERICARRAY},
    {PGTYPE_REGCLASS, "regclass", "regclass", 4, K_NONE, 0},
    {PGTYPE_UUID, "uuid", "uuid", 16, K_UUID, PGTYPE_UUIDARRAY},
    {PGTYPE_INET, "inet", "inet", -1, K_INET, PGTYPE_INETARRAY},
    {PGTYPE_CIDR, "cidr", "cidr", -1, K_CIDR, PGTYPE_CIDRARRAY},
    {PGTYPE_INETARRAY, "_inet", "inet[]", -1, K_ARRAY, PGTYPE_INET},
    {PGTYPE_CIDRARRAY, "_cidr", "cidr[]", -1, K_ARRAY, PGTYPE_CIDR},
    {PGTYPE_UUIDARRAY, "_uuid", "uuid[]", -1, K_ARRAY, PGTYPE_UUID},
    {PGTYPE_JSONB, "jsonb", "jsonb", -1, K_JSONB, PGTYPE_JSONBARRAY},
    {PGTYPE_JSONBARRAY, "_jsonb", "jsonb[]", -1, K_ARRAY, PGTYPE_JSONB},
    {PGTYPE_JSONPATH, "jsonpath", "jsonpath", -1, K_JSONB, PGTYPE_JSONPATHARRAY}, /* version 1, text */
    {PGTYPE_JSONPATHARRAY, "_jsonpath", "jsonpath[]", -1, K_ARRAY, PGTYPE_JSONPATH},
    {PGTYPE_VOID, "void", "void", 4, K_VOID, 0},
};

static const typeinfo *lookup(uint32_t oid)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].oid == oid) return &types[i];
    return NULL;
}

int pgtypes_has_binary(uint32_t oid)
{
    const typeinfo *t = lookup(oid);
    return t && t->kind != K_NONE;
}

const char *pgtypes_name(uint32_t oid)
{
    const typeinfo *t = lookup(oid);
    return t ? t->name : NULL;
}

const char *pgtypes_sql_name(uint32_t oid)
{
    const typeinfo *t = lookup(oid);
    return t ? t->sql_name : NULL;
}

int pgtypes_typlen(uint32_t oid)
{
    const typeinfo *t = lookup(oid);
    return t ? t->typlen : -1;
}

uint32_t pgtypes_array_elem(uint32_t oid)
{
    const typeinfo *t = lookup(oid);
    return t && t->kind == K_ARRAY ? t->elem_or_array : 0;
}

uint32_t pgtypes_array_of(uint32_t elem)
{
    const typeinfo *t = lookup(elem);
    return t && t->kind != K_ARRAY ? t->elem_or_array : 0;
}

const char *pgtypes_sqlstate(int err)
{
    switch (err) {
    case PGTYPES_ENOMEM:
        return "53200";
    case PGTYPES_ESYNTAX:
        return "22P02";
    case PGTYPES_ERANGE:
        return "22003";
    case PGTYPES_EBINARY:
        return "22P03";
    case PGTYPES_ETRUNCATED:
        return "08P01";
    case PGTYPES_EENCODING:
        return "22021";
    case PGTYPES_EDATETIME:
        return "22008";
    case PGTYPES_EUNSUPPORTED:
        return "42883";
    case PGTYPES_EPARAM:
        return "22023";
    case PGTYPES_EDATESYNTAX:
        return "22007";
    case PGTYPES_ETIMEZONE:
        return "22009";
    default:
        return "XX000";
    }
}

const char *pgtypes_errmsg(int err)
{
    switch (err) {
    case PGTYPES_ENOMEM:
        return "out of memory converting a value of type";
    case PGTYPES_ESYNTAX:
        return "invalid input syntax for type";
    case PGTYPES_ERANGE:
        return "value out of range for type";
    case PGTYPES_EBINARY:
        return "incorrect binary data format for type";
    case PGTYPES_ETRUNCATED:
        return "insufficient data left in message for type";
    case PGTYPES_EENCODING:
        return "invalid byte sequence for encoding \"UTF8\" in a value of type";
    case PGTYPES_EDATETIME:
        return "date/time field value out of range for type";
    case PGTYPES_EUNSUPPORTED:
        return "no binary input/output function available for type";
    case PGTYPES_EPARAM:
        return "invalid parameter value for type";
    case PGTYPES_EDATESYNTAX:
        return "invalid input syntax for type";
    case PGTYPES_ETIMEZONE:
        return "time zone displacement out of range for type";
    default:
        return "internal error converting a value of type";
    }
}

/* ---- buffer ---- */

void pgtypes_buf_init(pgtypes_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void pgtypes_buf_free(pgtypes_buf *b)
{
    free(b->data);
    pgtypes_buf_init(b);
}

void pgtypes_buf_reset(pgtypes_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

/* Ensures room for n more bytes plus the trailing NUL. */
static int buf_reserve(pgtypes_buf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len) return PGTYPES_ENOMEM;
    size_t need = b->len + n + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) return PGTYPES_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int pgtypes_buf_put(pgtypes_buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) != 0) return PGTYPES_ENOMEM;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int put_str(pgtypes_buf *b, const char *s)
{
    return pgtypes_buf_put(b, s, strlen(s));
}

static int put_ch(pgtypes_buf *b, char c)
{
    return pgtypes_buf_put(b, &c, 1);
}

static int put_be(pgtypes_buf *b, uint64_t v, int bytes)
{
    uint8_t tmp[8];
    for (int i = 0; i < bytes; i++)
        tmp[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return pgtypes_buf_put(b, tmp, (size_t)bytes);
}

static void buf_truncate(pgtypes_buf *b, size_t len)
{
    b->len = len;
    if (b->data) b->data[len] = '\0';
}

/* ---- bounded binary reader ---- */

typedef struct rd {
    const uint8_t *p;
    size_t left;
} rd;

static int get_be(rd *r, int bytes, uint64_t *v)
{
    if (r->left < (size_t)bytes) return PGTYPES_ETRUNCATED;
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++)
        x = x << 8 | r->p[i];
    r->p += bytes;
    r->left -= (size_t)bytes;
    *v = x;
    return 0;
}

/* Reads exactly `bytes` as the whole value: shorter is truncated, longer has trailing garbage. */
static int whole_be(const uint8_t *p, size_t len, int bytes, uint64_t *v)
{
    if (len < (size_t)bytes) return PGTYPES_ETRUNCATED;
    if (len > (size_t)bytes) return PGTYPES_EBINARY;
    rd r = {p, len};
    return get_be(&r, bytes, v);
}

/* ---- text helpers ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_space(**s))
        (*s)++, (*len)--;
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

static bool ieq(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* PostgreSQL's pg_utf_mblen: the length a lead byte announces (1 for a byte that leads nothing). */
static size_t utf8_mblen(uint8_t c)
{
    return (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

size_t pgtypes_utf8_valid_len(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c == 0) return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_mblen(c);
        uint32_t cp, min;
        if (len == 2)
            cp = c & 0x1F, min = 0x80;
        else if (len == 3)
            cp = c & 0x0F, min = 0x800;
        else if (len == 4)
            cp = c & 0x07, min = 0x10000;
        else
            return i;
        if (n - i < len) return i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return n;
}

void pgtypes_utf8_invalid_message(const uint8_t *s, size_t n, char *buf, size_t cap)
{
    /* PostgreSQL's report_invalid_encoding: the bytes the lead byte announces, at most 8. */
    size_t show = n ? utf8_mblen(s[0]) : 0;
    if (show > n) show = n;
    int o = snprintf(buf, cap, "invalid byte sequence for encoding \"UTF8\":");
    for (size_t i = 0; i < show && o > 0 && (size_t)o < cap; i++)
        o += snprintf(buf + o, cap - (size_t)o, " 0x%02x", s[i]);
}

/* Valid UTF-8 without NUL (PostgreSQL text can hold neither invalid sequences nor NUL). */
static bool utf8_valid(const uint8_t *s, size_t n)
{
    return pgtypes_utf8_valid_len(s, n) == n;
}

/* ---- integers ---- */

static int int_in(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    trim(&s, &len);
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == len) return PGTYPES_ESYNTAX;
    /* Accumulate negatively so INT64_MIN parses without overflow. */
    int64_t v = 0;
    bool range = false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return PGTYPES_ESYNTAX;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            range = true;
        else
            v = v * 10 - d;
    }
    if (range) return PGTYPES_ERANGE;
    if (!neg) {
        if (v == INT64_MIN) return PGTYPES_ERANGE;
        v = -v;
    }
    if (v < min || v > max) return PGTYPES_ERANGE;
    *out = v;
    return 0;
}

static int put_i64_text(pgtypes_buf *out, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    return pgtypes_buf_put(out, tmp, (size_t)n);
}

/* ---- floats ---- */

/* strtod wants a NUL-terminated string: copy into a stack buffer (or the heap for long input). */
static int float_in(const char *s, size_t len, bool single, double *out)
{
    trim(&s, &len);
    if (len == 0) return PGTYPES_ESYNTAX;
    char stack[128], *z = stack;
    if (len >= sizeof stack) {
        z = malloc(len + 1);
        if (!z) return PGTYPES_ENOMEM;
    }
    memcpy(z, s, len);
    z[len] = '\0';
    int rc = 0;
    char *end;
    errno = 0;
    double v;
    if (single) {
        float f = strtof(z, &end);
        v = f;
    } else {
        v = strtod(z, &end);
    }
    if (end == z || *end != '\0' || memchr(z, '\0', len)) {
        rc = PGTYPES_ESYNTAX;
    } else if (errno == ERANGE && (v == 0.0 || isinf(v))) {
        /* PostgreSQL refuses overflow and underflow to zero, not denormals. */
        rc = PGTYPES_ERANGE;
    } else {
        /* one NaN: "-nan" would otherwise keep its sign bit, which prints as plain "NaN" */
        *out = isnan(v) ? NAN : v;
    }
    if (z != stack) free(z);
    return rc;
}

/* float8out / float4out. The one place a float becomes text (STYLE.md "one formatter per
   type"): the SQL layer's results and casts (server/sql/sqlval.c), binary parameters turned into
   text here, and anything else that shows a float to a client all come through these two.
   Why here: proto/ owns PostgreSQL's type text I/O (numeric_out, date_out ... live in this file
   too) and is a pure leaf the SQL layer may use; crdt/ (the other leaf) may not include proto/,
   so it does not print floats for clients at all (see crdt/render.h).

   With extra_float_digits > 0 (PostgreSQL's default is 1) the digits are what PostgreSQL's Ryu
   code (src/common/d2s.c, f2s.c) produces: the shortest decimal lying strictly inside the
   value's rounding interval (PostgreSQL builds Ryu without STRICTLY_SHORTEST, so a decimal
   exactly halfway to a neighbour does not count even when strtod's ties-to-even would read it
   back: 127138304::float4 is 1.27138304e+08, not 1.271383e+08), the nearest one to the exact
   value when there is a choice. Ryu itself is not copied: for p = 1, 2, ... the correctly
   rounded p-digit decimal from printf("%.*e") — the nearest one — is tested, and the first that
   is inside wins. When the nearest lies below the value, the next p-digit decimal above is
   tested too: at an exact power of two the interval reaches twice as far above as below, so
   that one can be inside while the nearest is not. */
typedef struct float_ival {
    double v;       /* > 0, finite */
    bool single;    /* float4: reads back through strtof */
    uint64_t lo_n, hi_n; /* the interval's ends: lo_n * 2^lo_j and hi_n * 2^hi_j, n odd */
    int lo_j, hi_j;
} float_ival;

/* The point halfway from x (> 0, finite) to its neighbour above (up) or below, dist away (a
   power of two), as n * 2^j with n odd. */
static void float_midpoint(double x, double dist, bool up, uint64_t *n, int *j)
{
    int ex, dx;
    double f = frexp(x, &ex);
    uint64_t m = (uint64_t)ldexp(f, 53); /* x = m * 2^e exactly */
    int e = ex - 53;
    frexp(dist, &dx); /* dist = 2^(dx - 1) */
    int t = dx - 2;   /* half of it */
    assert(t >= e ? t - e <= 51 : e - t <= 2); /* m has 53 bits, dist is one unit or a half */
    uint64_t r;
    int rj;
    if (t >= e) { /* subnormals, float4 values */
        uint64_t h = UINT64_C(1) << (t - e);
        r = up ? m + h : m - h;
        rj = e;
    } else { /* e - t <= 2 */
        r = up ? (m << (e - t)) + 1 : (m << (e - t)) - 1;
        rj = t;
    }
    while (r % 2 == 0) {
        r /= 2;
        rj++;
    }
    *n = r;
    *j = rj;
}

/* Exactly M * 10^k == n * 2^j (M > 0, n odd)? */
static bool decimal_is_dyadic(uint64_t M, int k, uint64_t n, int j)
{
    int a = 0;
    while (M % 2 == 0) {
        M /= 2;
        a++;
    }
    uint64_t p;
    if (k >= 0) { /* odd parts M * 5^k == n, powers of two a + k == j */
        if (a + k != j) return false;
        for (p = M; k > 0; k--) {
            if (p > n / 5) return false;
            p *= 5;
        }
        return p == n;
    }
    /* M * 2^a == n * 5^-k * 2^(j - k) */
    if (a != j - k) return false;
    for (p = n; k < 0; k++) {
        if (p > M / 5) return false;
        p *= 5;
    }
    return p == M;
}

static void float_ival_init(float_ival *iv, double v, bool single)
{
    iv->v = v;
    iv->single = single;
    double up = single ? (double)nextafterf((float)v, INFINITY) : nextafter(v, INFINITY);
    double down = single ? (double)nextafterf((float)v, 0.0f) : nextafter(v, 0.0);
    /* neighbours of a float differ by a power of two, exactly representable; above the largest
       finite value the interval ends where rounding overflows, half a step up */
    double dist_down = v - down, dist_up = isinf(up) ? dist_down : up - v;
    float_midpoint(v, dist_up, true, &iv->hi_n, &iv->hi_j);
    float_midpoint(v, dist_down, false, &iv->lo_n, &iv->lo_j);
}

/* Where M * 10^k lies: -1 below the interval (or on its lower end), 0 strictly inside, 1 above
   (or on its upper end). */
static int float_ival_where(const float_ival *iv, uint64_t M, int k)
{
    char dec[48];
    snprintf(dec, sizeof dec, "%llue%d", (unsigned long long)M, k);
    double r = iv->single ? (double)strtof(dec, NULL) : strtod(dec, NULL);
    if (r != iv->v) return r < iv->v ? -1 : 1;
    if (decimal_is_dyadic(M, k, iv->lo_n, iv->lo_j)) return -1;
    if (decimal_is_dyadic(M, k, iv->hi_n, iv->hi_j)) return 1;
    return 0;
}

/* v finite and > 0. Fills digits (no trailing zeros, NUL-terminated) and the decimal exponent
   of the first digit; returns the number of digits. */
static size_t shortest_digits(double v, bool single, char digits[24], int *exp10)
{
    float_ival iv;
    float_ival_init(&iv, v, single);
    int maxp = single ? 9 : 17;
    uint64_t M = 0;
    int k = 0;
    for (int p = 1; p <= maxp; p++) {
        char e[48];
        snprintf(e, sizeof e, "%.*e", p - 1, v); /* "d[.ddd]e±XX" */
        const char *x = strchr(e, 'e');
        M = 0;
        for (const char *q = e; q < x; q++)
            if (*q != '.') M = M * 10 + (uint64_t)(*q - '0');
        k = atoi(x + 1) - (p - 1);
        int where = float_ival_where(&iv, M, k);
        if (where == 0) break;
        if (where < 0 && float_ival_where(&iv, M + 1, k) == 0) {
            M++;
            break;
        }
        /* maxp digits always land inside; if not, M is the nearest maxp-digit decimal */
    }
    int nd = snprintf(digits, 24, "%llu", (unsigned long long)M);
    *exp10 = k + nd - 1;
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
    return (size_t)nd;
}

static size_t float_out_buf(double v, bool single, int extra_float_digits,
                            char buf[PGTYPES_FLOAT_OUT_LEN])
{
    if (isnan(v)) return (size_t)snprintf(buf, PGTYPES_FLOAT_OUT_LEN, "NaN");
    if (isinf(v)) return (size_t)snprintf(buf, PGTYPES_FLOAT_OUT_LEN, v < 0 ? "-Infinity" : "Infinity");
    if (extra_float_digits <= 0) {
        /* PostgreSQL's pre-12 style, still used when a client asks for fewer digits */
        int ndig = (single ? 6 : 15) + extra_float_digits; /* FLT_DIG / DBL_DIG */
        return (size_t)snprintf(buf, PGTYPES_FLOAT_OUT_LEN, "%.*g", ndig < 1 ? 1 : ndig, v);
    }
    size_t o = 0;
    if (signbit(v)) buf[o++] = '-';
    if (v == 0) {
        buf[o++] = '0';
        buf[o] = '\0';
        return o;
    }
    char digits[24];
    int exp10;
    size_t nd = shortest_digits(fabs(v), single, digits, &exp10);
    if (exp10 >= -4 && exp10 < (single ? 6 : 15)) {
        if (exp10 < 0) {
            buf[o++] = '0';
            buf[o++] = '.';
            for (int i = -1; i > exp10; i--)
                buf[o++] = '0';
            memcpy(buf + o, digits, nd);
            o += nd;
        } else {
            for (int i = 0; i <= exp10; i++)
                buf[o++] = (size_t)i < nd ? digits[i] : '0';
            if (nd > (size_t)exp10 + 1) {
                buf[o++] = '.';
                memcpy(buf + o, digits + exp10 + 1, nd - (size_t)exp10 - 1);
                o += nd - (size_t)exp10 - 1;
            }
        }
        buf[o] = '\0';
        return o;
    }
    buf[o++] = digits[0];
    if (nd > 1) {
        buf[o++] = '.';
        memcpy(buf + o, digits + 1, nd - 1);
        o += nd - 1;
    }
    o += (size_t)snprintf(buf + o, PGTYPES_FLOAT_OUT_LEN - o, "e%c%02d", exp10 < 0 ? '-' : '+',
                          abs(exp10));
    return o;
}

size_t pgtypes_float8_out(double v, int extra_float_digits, char buf[PGTYPES_FLOAT_OUT_LEN])
{
    return float_out_buf(v, false, extra_float_digits, buf);
}

size_t pgtypes_float4_out(float v, int extra_float_digits, char buf[PGTYPES_FLOAT_OUT_LEN])
{
    return float_out_buf(v, true, extra_float_digits, buf);
}

static int float_out(pgtypes_buf *out, double v, bool single)
{
    char buf[PGTYPES_FLOAT_OUT_LEN];
    size_t n = float_out_buf(v, single, 1, buf);
    return pgtypes_buf_put(out, buf, n);
}

/* ---- bool ---- */

static int bool_in(const char *s, size_t len, bool *out)
{
    trim(&s, &len);
    if (len == 0) return PGTYPES_ESYNTAX;
    /* Unique prefixes, as PostgreSQL's parse_bool: "t", "tr", "ye", "of" (not "o") ... */
    static const struct {
        const char *word;
        size_t minlen;
        bool val;
    } words[] = {{"true", 1, true}, {"false", 1, false}, {"yes", 1, true}, {"no", 1, false},
                 {"on", 2, true},   {"off", 2, false},   {"1", 1, true},   {"0", 1, false}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (len >= words[i].minlen && len <= strlen(words[i].word) &&
            strncasecmp(s, words[i].word, len) == 0) {
            *out = words[i].val;
            return 0;
        }
    }
    return PGTYPES_ESYNTAX;
}

/* ---- bytea ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int bytea_in(const char *s, size_t len, pgtypes_buf *out)
{
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
        for (size_t i = 2; i < len;) {
            if (is_space(s[i])) {
                i++;
                continue;
            }
            int hi = hexval(s[i]);
            if (hi < 0 || i + 1 >= len) return PGTYPES_EPARAM;
            int lo = hexval(s[i + 1]);
            if (lo < 0) return PGTYPES_EPARAM;
            uint8_t b = (uint8_t)(hi << 4 | lo);
            if (pgtypes_buf_put(out, &b, 1) != 0) return PGTYPES_ENOMEM;
            i += 2;
        }
        return 0;
    }
    /* escape format: \\ is a backslash, \ooo an octal byte, anything else literal */
    for (size_t i = 0; i < len;) {
        uint8_t b;
        if (s[i] != '\\') {
            b = (uint8_t)s[i++];
        } else if (i + 1 < len && s[i + 1] == '\\') {
            b = '\\';
            i += 2;
        } else if (i + 3 < len + 0 && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                   s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            b = (uint8_t)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
            i += 4;
        } else {
            return PGTYPES_ESYNTAX;
        }
        if (pgtypes_buf_put(out, &b, 1) != 0) return PGTYPES_ENOMEM;
    }
    return 0;
}

static int bytea_out(pgtypes_buf *out, const uint8_t *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (len > (SIZE_MAX - 3) / 2 || buf_reserve(out, 2 + 2 * len) != 0) return PGTYPES_ENOMEM;
    put_str(out, "\\x");
    for (size_t i = 0; i < len; i++) {
        char two[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        pgtypes_buf_put(out, two, 2);
    }
    return 0;
}

/* ---- "char" ---- */

static int char_in(const char *s, size_t len, uint8_t *out)
{
    /* charin: "\ooo" is an octal byte, otherwise the first byte ("" gives 0). */
    if (len == 4 && s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
        s[3] >= '0' && s[3] <= '7') {
        *out = (uint8_t)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
        return 0;
    }
    *out = len ? (uint8_t)s[0] : 0;
    return 0;
}

static int char_out(pgtypes_buf *out, uint8_t c)
{
    if (c == 0) return 0;
    if (c & 0x80) {
        char tmp[5];
        snprintf(tmp, sizeof tmp, "\\%03o", c);
        return put_str(out, tmp);
    }
    return put_ch(out, (char)c);
}

/* ---- dates and times ---- */

#define POSTGRES_EPOCH_JDATE 2451545
#define USECS_PER_DAY INT64_C(86400000000)
#define USECS_PER_SEC INT64_C(1000000)
#define MIN_DATE (0 - POSTGRES_EPOCH_JDATE)
#define END_DATE (2147483494 - POSTGRES_EPOCH_JDATE)
#define MIN_TIMESTAMP INT64_C(-211813488000000000)
#define END_TIMESTAMP INT64_C(9223371331200000000)
#define DT_NOBEGIN INT64_MIN
#define DT_NOEND INT64_MAX
#define DATE_NOBEGIN INT32_MIN
#define DATE_NOEND INT32_MAX
#define MAXDATELEN 128 /* PostgreSQL refuses longer date/time input */

/* PostgreSQL's date2j / j2date (proleptic Gregorian, astronomical years: 1 BC is year 0). */
static int64_t date2j(int64_t y, int m, int d)
{
    if (m > 2) {
        m += 1;
        y += 4800;
    } else {
        m += 13;
        y += 4799;
    }
    int64_t century = y / 100;
    int64_t julian = y * 365 - 32167;
    julian += y / 4 - century + century / 4;
    julian += 7834 * m / 256 + d;
    return julian;
}

static void j2date(int64_t jd, int *year, int *month, int *day)
{
    unsigned int julian = (unsigned int)(jd + 32044);
    unsigned int quad = julian / 146097;
    unsigned int extra = (julian - quad * 146097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146097;
    quad = julian / 1461;
    julian -= quad * 1461;
    int y = (int)(julian * 4 / 1461);
    julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
    y += (int)quad * 4;
    *year = y - 4800;
    quad = julian * 2141 / 65536;
    *day = (int)(julian - 7834 * quad / 256);
    *month = (int)((quad + 10) % 12 + 1);
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Reads 1..maxd digits. Returns the count read (0 = none). */
static int read_num(const char *s, size_t len, size_t *i, int maxd, int64_t *v)
{
    int n = 0;
    *v = 0;
    while (*i < len && n < maxd && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n;
}

static bool skip_bc(const char *s, size_t len, size_t *i)
{
    size_t j = *i;
    while (j < len && s[j] == ' ')
        j++;
    if (len - j >= 2 && strncasecmp(s + j, "BC", 2) == 0) {
        *i = j + 2;
        return true;
    }
    if (len - j >= 2 && strncasecmp(s + j, "AD", 2) == 0) *i = j + 2;
    return false;
}

/* "YYYY-MM-DD" -> astronomical year, month, day (BC handled by the caller). */
static int ymd_in(const char *s, size_t len, size_t *i, int64_t *y, int *m, int *d)
{
    int64_t v;
    if (read_num(s, len, i, 9, y) < 1) return PGTYPES_EDATESYNTAX;
    if (*i >= len || s[(*i)++] != '-') return PGTYPES_EDATESYNTAX;
    if (read_num(s, len, i, 2, &v) < 1) return PGTYPES_EDATESYNTAX;
    *m = (int)v;
    if (*i >= len || s[(*i)++] != '-') return PGTYPES_EDATESYNTAX;
    if (read_num(s, len, i, 2, &v) < 1) return PGTYPES_EDATESYNTAX;
    *d = (int)v;
    return 0;
}

static int ymd_check(int64_t *y, int m, int d, bool bc)
{
    if (*y == 0) return PGTYPES_EDATETIME; /* there is no year 0 */
    if (bc) *y = 1 - *y;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(*y, m)) return PGTYPES_EDATETIME;
    return 0;
}

/* "HH:MM[:SS[.ffffff...]]" -> µs since midnight (24:00:00 allowed, as PostgreSQL does). */
static int hms_in(const char *s, size_t len, size_t *i, int64_t *usec)
{
    int64_t h, mi, sec = 0, frac = 0;
    if (read_num(s, len, i, 2, &h) < 1) return PGTYPES_EDATESYNTAX;
    if (*i >= len || s[(*i)++] != ':') return PGTYPES_EDATESYNTAX;
    if (read_num(s, len, i, 2, &mi) < 1) return PGTYPES_EDATESYNTAX;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if (read_num(s, len, i, 2, &sec) < 1) return PGTYPES_EDATESYNTAX;
        if (*i < len && s[*i] == '.') {
            /* PostgreSQL reads the fraction as a double and rounds with rint (half to even) */
            char f[MAXDATELEN + 3] = "0.";
            size_t n = 2;
            (*i)++;
            while (*i < len && s[*i] >= '0' && s[*i] <= '9')
                f[n++] = s[(*i)++];
            f[n] = '\0';
            frac = (int64_t)rint(strtod(f, NULL) * 1000000.0);
        }
    }
    if (h > 24 || mi > 59 || sec > 60) return PGTYPES_EDATETIME;
    int64_t t = ((h * 60 + mi) * 60 + sec) * USECS_PER_SEC + frac;
    if (t > USECS_PER_DAY) return PGTYPES_EDATETIME;
    *usec = t;
    return 0;
}

/* Zone: Z | UTC | ±HH | ±HH:MM | ±HHMM | ±HH:MM:SS -> seconds east of UTC. */
static int zone_in(const char *s, size_t len, size_t *i, int64_t *east, bool *present)
{
    size_t j = *i;
    while (j < len && s[j] == ' ')
        j++;
    *present = false;
    *east = 0;
    if (j < len && (s[j] == 'Z' || s[j] == 'z') && (j + 1 == len || s[j + 1] == ' ')) {
        *i = j + 1;
        *present = true;
        return 0;
    }
    if (len - j >= 3 && strncasecmp(s + j, "UTC", 3) == 0) {
        *i = j + 3;
        *present = true;
        return 0;
    }
    if (j >= len || (s[j] != '+' && s[j] != '-')) return 0;
    int sign = s[j] == '-' ? -1 : 1;
    j++;
    int64_t h, m = 0, sec = 0;
    int nd = read_num(s, len, &j, 4, &h);
    if (nd == 4) {
        m = h % 100;
        h /= 100;
    } else if (nd < 1 || nd > 2) {
        return PGTYPES_EDATESYNTAX;
    } else if (j < len && s[j] == ':') {
        j++;
        if (read_num(s, len, &j, 2, &m) != 2) return PGTYPES_EDATESYNTAX;
        if (j < len && s[j] == ':') {
            j++;
            if (read_num(s, len, &j, 2, &sec) != 2) return PGTYPES_EDATESYNTAX;
        }
    }
    if (h > 15 || m > 59 || sec > 59) return PGTYPES_ETIMEZONE;
    *east = sign * ((h * 60 + m) * 60 + sec);
    *i = j;
    *present = true;
    return 0;
}

static int date_in(const char *s, size_t len, int32_t *out)
{
    trim(&s, &len);
    if (len > MAXDATELEN) return PGTYPES_EDATESYNTAX;
    if (ieq(s, len, "infinity") || ieq(s, len, "+infinity")) {
        *out = DATE_NOEND;
        return 0;
    }
    if (ieq(s, len, "-infinity")) {
        *out = DATE_NOBEGIN;
        return 0;
    }
    if (ieq(s, len, "epoch")) {
        *out = 2440588 - POSTGRES_EPOCH_JDATE;
        return 0;
    }
    size_t i = 0;
    int64_t y;
    int m, d;
    int rc = ymd_in(s, len, &i, &y, &m, &d);
    if (rc) return rc;
    bool bc = skip_bc(s, len, &i);
    if (i != len) return PGTYPES_EDATESYNTAX;
    if ((rc = ymd_check(&y, m, d, bc))) return rc;
    if (y < -4713 || y > 5874897) return PGTYPES_EDATETIME;
    int64_t date = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
    if (date < MIN_DATE || date >= END_DATE) return PGTYPES_EDATETIME;
    *out = (int32_t)date;
    return 0;
}

static int put_ymd(pgtypes_buf *out, int64_t jd, bool *bc)
{
    int y, m, d;
    j2date(jd, &y, &m, &d);
    *bc = y <= 0;
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", *bc ? 1 - y : y, m, d);
    return pgtypes_buf_put(out, tmp, (size_t)n);
}

static int date_out(pgtypes_buf *out, int32_t date)
{
    if (date == DATE_NOBEGIN) return put_str(out, "-infinity");
    if (date == DATE_NOEND) return put_str(out, "infinity");
    if (date < MIN_DATE || date >= END_DATE) return PGTYPES_EDATETIME;
    bool bc;
    int rc = put_ymd(out, (int64_t)date + POSTGRES_EPOCH_JDATE, &bc);
    if (!rc && bc) rc = put_str(out, " BC");
    return rc;
}

static int put_hms(pgtypes_buf *out, int64_t t)
{
    char tmp[32];
    int64_t sec = t / USECS_PER_SEC, frac = t % USECS_PER_SEC;
    int n = snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60),
                     (int)(sec % 60));
    if (frac) {
        n += snprintf(tmp + n, sizeof tmp - (size_t)n, ".%06d", (int)frac);
        while (tmp[n - 1] == '0')
            n--;
    }
    return pgtypes_buf_put(out, tmp, (size_t)n);
}

static int time_in(const char *s, size_t len, int64_t *out)
{
    trim(&s, &len);
    if (len > MAXDATELEN) return PGTYPES_EDATESYNTAX;
    size_t i = 0;
    int rc = hms_in(s, len, &i, out);
    if (rc) return rc;
    return i == len ? 0 : PGTYPES_EDATESYNTAX;
}

static int timestamp_in(const char *s, size_t len, bool tz, int64_t *out)
{
    trim(&s, &len);
    if (len > MAXDATELEN) return PGTYPES_EDATESYNTAX;
    if (ieq(s, len, "infinity") || ieq(s, len, "+infinity")) {
        *out = DT_NOEND;
        return 0;
    }
    if (ieq(s, len, "-infinity")) {
        *out = DT_NOBEGIN;
        return 0;
    }
    if (ieq(s, len, "epoch")) {
        *out = -INT64_C(946684800) * USECS_PER_SEC;
        return 0;
    }
    size_t i = 0;
    int64_t y, tod = 0, east = 0;
    int m, d;
    int rc = ymd_in(s, len, &i, &y, &m, &d);
    if (rc) return rc;
    if (i < len && (s[i] == ' ' || s[i] == 'T' || s[i] == 't')) {
        size_t j = i + 1;
        while (s[i] == ' ' && j < len && s[j] == ' ')
            j++;
        if (j < len && s[j] >= '0' && s[j] <= '9') {
            i = j;
            if ((rc = hms_in(s, len, &i, &tod))) return rc;
        }
    }
    bool present;
    if ((rc = zone_in(s, len, &i, &east, &present))) return rc;
    bool bc = skip_bc(s, len, &i);
    if (i != len) return PGTYPES_EDATESYNTAX;
    if ((rc = ymd_check(&y, m, d, bc))) return rc;
    if (y < -4713 || y > 294276) return PGTYPES_EDATETIME;
    int64_t days = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
    int64_t t = days * USECS_PER_DAY + tod;
    if (tz) t -= east * USECS_PER_SEC; /* timestamp without time zone ignores a zone */
    if (t < MIN_TIMESTAMP || t >= END_TIMESTAMP) return PGTYPES_EDATETIME;
    *out = t;
    return 0;
}

static int timestamp_out(pgtypes_buf *out, int64_t t, bool tz)
{
    if (t == DT_NOBEGIN) return put_str(out, "-infinity");
    if (t == DT_NOEND) return put_str(out, "infinity");
    if (t < MIN_TIMESTAMP || t >= END_TIMESTAMP) return PGTYPES_EDATETIME;
    int64_t days = t / USECS_PER_DAY, tod = t % USECS_PER_DAY;
    if (tod < 0) {
        tod += USECS_PER_DAY;
        days--;
    }
    bool bc;
    int rc = put_ymd(out, days + POSTGRES_EPOCH_JDATE, &bc);
    if (!rc) rc = put_ch(out, ' ');
    if (!rc) rc = put_hms(out, tod);
    if (!rc && tz) rc = put_str(out, "+00");
    if (!rc && bc) rc = put_str(out, " BC");
    return rc;
}

/* ---- numeric ---- */

#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000
#define NUMERIC_DSCALE_MAX 0x3FFF
#define NUMERIC_WEIGHT_MAX 32767
#define NUMERIC_WEIGHT_MIN (-32767)
#define NUMERIC_MAX_EXP 1000000 /* refuse absurd exponents before doing arithmetic on them */

static int put_numeric_special(pgtypes_buf *out, uint16_t sign)
{
    int rc = put_be(out, 0, 2);
    if (!rc) rc = put_be(out, 0, 2);
    if (!rc) rc = put_be(out, sign, 2);
    /* numeric_send reports the dscale bits of PostgreSQL's short header, which for the infinities
       are 0x20; clients ignore it, but byte-for-byte equality is the contract */
    if (!rc) rc = put_be(out, sign == NUMERIC_NAN ? 0 : 0x20, 2);
    return rc;
}

static int numeric_in(const char *s, size_t len, pgtypes_buf *out)
{
    trim(&s, &len);
    if (ieq(s, len, "NaN")) return put_numeric_special(out, NUMERIC_NAN);
    if (ieq(s, len, "Infinity") || ieq(s, len, "+Infinity") || ieq(s, len, "inf") ||
        ieq(s, len, "+inf"))
        return put_numeric_special(out, NUMERIC_PINF);
    if (ieq(s, len, "-Infinity") || ieq(s, len, "-inf"))
        return put_numeric_special(out, NUMERIC_NINF);

    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    /* Significant decimal digits (leading zeros dropped) and the power of ten of the first. */
    size_t start = i, nint = 0, nfrac = 0;
    bool seen_point = false, any = false;
    for (; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            any = true;
            if (seen_point)
                nfrac++;
            else
                nint++;
        } else if (s[i] == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any) return PGTYPES_ESYNTAX;
    size_t digits_end = i;
    int64_t exp10 = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i == len) return PGTYPES_ESYNTAX;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            exp10 = exp10 * 10 + (s[i] - '0');
            if (exp10 > NUMERIC_MAX_EXP) return PGTYPES_ERANGE;
        }
        if (eneg) exp10 = -exp10;
    }
    if (i != len) return PGTYPES_ESYNTAX;

    int64_t dscale = (int64_t)nfrac - exp10;
    if (dscale < 0) dscale = 0;
    if (dscale > NUMERIC_DSCALE_MAX) return PGTYPES_ERANGE;

    /* Gather all digits; the decimal position of digit k is (nint - 1 - k) + exp10. */
    size_t ndig = nint + nfrac;
    char *dig = malloc(ndig + 8);
    if (!dig) return PGTYPES_ENOMEM;
    size_t k = 0;
    for (size_t j = start; j < digits_end; j++)
        if (s[j] != '.') dig[k++] = s[j];
    size_t first = 0;
    while (first < ndig && dig[first] == '0')
        first++;
    size_t last = ndig;
    while (last > first && dig[last - 1] == '0')
        last--;

    int rc;
    if (first == last) { /* zero: no digits, weight 0, positive */
        rc = put_be(out, 0, 2);
        if (!rc) rc = put_be(out, 0, 2);
        if (!rc) rc = put_be(out, NUMERIC_POS, 2);
        if (!rc) rc = put_be(out, (uint64_t)dscale, 2);
        free(dig);
        return rc;
    }
    int64_t dweight = (int64_t)nint - 1 - (int64_t)first + exp10; /* power of ten of dig[first] */
    int64_t w = dweight >= 0 ? dweight / 4 : -((-dweight + 3) / 4);
    if (w > NUMERIC_WEIGHT_MAX) {
        free(dig);
        return PGTYPES_ERANGE;
    }
    if (w < NUMERIC_WEIGHT_MIN) { /* underflows to zero: PostgreSQL rounds it away */
        free(dig);
        rc = put_be(out, 0, 2);
        if (!rc) rc = put_be(out, 0, 2);
        if (!rc) rc = put_be(out, NUMERIC_POS, 2);
        if (!rc) rc = put_be(out, (uint64_t)dscale, 2);
        return rc;
    }
    size_t pad = (size_t)(3 - (dweight - 4 * w)); /* zeros before dig[first] in its group */
    size_t nsig = last - first;
    size_t ngroups = (pad + nsig + 3) / 4;
    if (ngroups > 0x7FFF) {
        free(dig);
        return PGTYPES_ERANGE;
    }
    rc = put_be(out, ngroups, 2);
    if (!rc) rc = put_be(out, (uint64_t)(uint16_t)(int16_t)w, 2);
    if (!rc) rc = put_be(out, neg ? NUMERIC_NEG : NUMERIC_POS, 2);
    if (!rc) rc = put_be(out, (uint64_t)dscale, 2);
    for (size_t g = 0; g < ngroups && !rc; g++) {
        int v = 0;
        for (size_t c = 0; c < 4; c++) {
            size_t pos = g * 4 + c; /* position in the padded digit string */
            int dv = 0;
            if (pos >= pad && pos - pad < nsig) dv = dig[first + pos - pad] - '0';
            v = v * 10 + dv;
        }
        rc = put_be(out, (uint64_t)v, 2);
    }
    free(dig);
    return rc;
}

static int numeric_out(pgtypes_buf *out, const uint8_t *p, size_t len)
{
    rd r = {p, len};
    uint64_t ndigits, weight_u, sign, dscale;
    int rc;
    if ((rc = get_be(&r, 2, &ndigits)) || (rc = get_be(&r, 2, &weight_u)) ||
        (rc = get_be(&r, 2, &sign)) || (rc = get_be(&r, 2, &dscale)))
        return rc;
    if (r.left < ndigits * 2) return PGTYPES_ETRUNCATED;
    if (r.left > ndigits * 2) return PGTYPES_EBINARY;
    if (sign != NUMERIC_POS && sign != NUMERIC_NEG && sign != NUMERIC_NAN && sign != NUMERIC_PINF &&
        sign != NUMERIC_NINF)
        return PGTYPES_EBINARY;
    if ((dscale & NUMERIC_DSCALE_MAX) != dscale) return PGTYPES_EBINARY;
    int weight = (int16_t)(uint16_t)weight_u;
    for (size_t i = 0; i < ndigits; i++)
        if (((unsigned)r.p[2 * i] << 8 | r.p[2 * i + 1]) > 9999) return PGTYPES_EBINARY;
    if (sign == NUMERIC_NAN) return put_str(out, "NaN");
    if (sign == NUMERIC_PINF) return put_str(out, "Infinity");
    if (sign == NUMERIC_NINF) return put_str(out, "-Infinity");

    /* numeric_recv truncates digits hidden by dscale; numeric_out prints the integer part without
       leading zeros (at least "0") and exactly dscale fractional digits. */
    int64_t top = (int64_t)weight * 4 + 3; /* highest decimal power present */
    int64_t lo = -(int64_t)dscale;
    size_t save = out->len;
    bool nonzero = false;
    if (top < 0) top = 0;
    size_t need = (size_t)(top + 1) + (size_t)dscale + 3;
    if (buf_reserve(out, need) != 0) return PGTYPES_ENOMEM;
    put_ch(out, '-'); /* removed below if the value turns out to be zero */
    bool leading = true;
    for (int64_t e = top; e >= lo; e--) {
        int64_t g = e >= 0 ? e / 4 : -((-e + 3) / 4);
        int64_t idx = weight - g;
        int dv = 0;
        if (idx >= 0 && (uint64_t)idx < ndigits) {
            int v = r.p[2 * idx] << 8 | r.p[2 * idx + 1];
            for (int64_t k = e - 4 * g; k > 0; k--)
                v /= 10;
            dv = v % 10;
        }
        if (dv) nonzero = true;
        if (e == -1) put_ch(out, '.');
        if (leading && dv == 0 && e > 0) continue;
        leading = false;
        put_ch(out, (char)('0' + dv));
    }
    if (sign != NUMERIC_NEG || !nonzero) {
        memmove(out->data + save, out->data + save + 1, out->len - save - 1);
        buf_truncate(out, out->len - 1);
    }
    return 0;
}

/* ---- uuid ---- */

static int uuid_in(const char *s, size_t len, uint8_t u[16])
{
    size_t i = 0;
    bool brace = len > 0 && s[0] == '{';
    if (brace) i++;
    for (int b = 0; b < 16; b++) {
        if (i + 2 > len) return PGTYPES_ESYNTAX;
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) return PGTYPES_ESYNTAX;
        u[b] = (uint8_t)(hi << 4 | lo);
        i += 2;
        /* PostgreSQL allows a hyphen after any group of four hex digits */
        if (b % 2 == 1 && b < 15 && i < len && s[i] == '-') i++;
    }
    if (brace) {
        if (i >= len || s[i] != '}') return PGTYPES_ESYNTAX;
        i++;
    }
    return i == len ? 0 : PGTYPES_ESYNTAX;
}

static int uuid_out(pgtypes_buf *out, const uint8_t u[16])
{
    char tmp[40];
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int b = 0; b < 16; b++) {
        if (b == 4 || b == 6 || b == 8 || b == 10) tmp[o++] = '-';
        tmp[o++] = hex[u[b] >> 4];
        tmp[o++] = hex[u[b] & 15];
    }
    return pgtypes_buf_put(out, tmp, o);
}

/* ---- arrays ---- */

/* ---- interval: IntervalStyle postgres text <-> int64 µs, int32 days, int32 months ---- */

/* Reads HeliosDB's own interval output ("1 year 2 mons -3 days +04:05:06.5", "00:00:00"). */
static int interval_in(const char *s, size_t len, int64_t *us, int32_t *days, int32_t *months)
{
    char buf[128];
    trim(&s, &len);
    if (len == 0 || len >= sizeof buf) return PGTYPES_EDATESYNTAX;
    memcpy(buf, s, len);
    buf[len] = 0;
    int64_t mon = 0, day = 0, t = 0;
    char *p = buf;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno) return PGTYPES_EDATESYNTAX;
        if (*end == ':') { /* [+-]HH:MM:SS[.f] */
            bool neg = *p == '-';
            long long h = v < 0 ? -v : v, m, sec;
            char *q = end + 1;
            m = strtoll(q, &end, 10);
            if (end == q || *end != ':') return PGTYPES_EDATESYNTAX;
            q = end + 1;
            sec = strtoll(q, &end, 10);
            if (end == q) return PGTYPES_EDATESYNTAX;
            int64_t frac = 0;
            if (*end == '.') {
                int64_t scale = 100000;
                for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10) frac += (*end - '0') * scale;
            }
            int64_t x = ((h * 60 + m) * 60 + sec) * INT64_C(1000000) + frac;
            t += neg ? -x : x;
            p = end;
            continue;
        }
        while (*end == ' ') end++;
        if (!strncmp(end, "year", 4)) mon += v * 12;
        else if (!strncmp(end, "mon", 3)) mon += v;
        else if (!strncmp(end, "day", 3)) day += v;
        else return PGTYPES_EDATESYNTAX;
        while (*end && *end != ' ') end++;
        p = end;
    }
    if (mon < INT32_MIN || mon > INT32_MAX || day < INT32_MIN || day > INT32_MAX) return PGTYPES_ERANGE;
    *us = t;
    *days = (int32_t)day;
    *months = (int32_t)mon;
    return 0;
}

static int iv_part_out(pgtypes_buf *out, long long v, const char *unit, bool *zero, bool *before)
{
    if (!v) return 0;
    char b[64];
    int n = snprintf(b, sizeof b, "%s%s%lld %s%s", *zero ? "" : " ", *before && v > 0 ? "+" : "", v,
                     unit, v != 1 ? "s" : "");
    *before = v < 0;
    *zero = false;
    return pgtypes_buf_put(out, b, (size_t)n);
}

/* PostgreSQL's EncodeInterval, IntervalStyle postgres. */
static int interval_out(pgtypes_buf *out, const uint8_t *p)
{
    uint64_t a = 0, d = 0, m = 0;
    whole_be(p, 8, 8, &a);
    whole_be(p + 8, 4, 4, &d);
    whole_be(p + 12, 4, 4, &m);
    int64_t t = (int64_t)a;
    int32_t days = (int32_t)(uint32_t)d, months = (int32_t)(uint32_t)m;
    bool zero = true, before = false;
    int rc;
    if ((rc = iv_part_out(out, months / 12, "year", &zero, &before)) ||
        (rc = iv_part_out(out, months % 12, "mon", &zero, &before)) ||
        (rc = iv_part_out(out, days, "day", &zero, &before)))
        return rc;
    int64_t h = t / INT64_C(3600000000);
    t -= h * INT64_C(3600000000);
    int64_t mi = t / 60000000;
    t -= mi * 60000000;
    int64_t sec = t / 1000000, fs = t % 1000000;
    if (!zero && !h && !mi && !sec && !fs) return 0;
    bool minus = h < 0 || mi < 0 || sec < 0 || fs < 0;
    char b[96];
    int n = snprintf(b, sizeof b, "%s%s%02lld:%02lld:%02lld", zero ? "" : " ",
                     minus ? "-" : before ? "+" : "", (long long)llabs(h), (long long)llabs(mi),
                     (long long)llabs(sec));
    if (fs) {
        char f[8];
        snprintf(f, sizeof f, "%06lld", (long long)llabs(fs));
        for (int i = 5; i > 0 && f[i] == '0'; i--) f[i] = 0;
        n += snprintf(b + n, sizeof b - (size_t)n, ".%s", f);
    }
    return pgtypes_buf_put(out, b, (size_t)n);
}

static int scalar_text_to_binary(const typeinfo *t, const char *s, size_t len, pgtypes_buf *out);
static int scalar_binary_to_text(const typeinfo *t, const uint8_t *p, size_t len, pgtypes_buf *out);

static bool needs_quotes(const uint8_t *s, size_t len)
{
    if (len == 0 || ieq((const char *)s, len, "NULL")) return true;
    for (size_t i = 0; i < len; i++) {
        char c = (char)s[i];
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || is_space(c)) return true;
    }
    return false;
}

static int array_binary_to_text(const typeinfo *t, const uint8_t *p, size_t len, pgtypes_buf *out)
{
    const typeinfo *et = lookup(t->elem_or_array);
    rd r = {p, len};
    uint64_t ndim, flags, elem;
    int rc;
    if ((rc = get_be(&r, 4, &ndim)) || (rc = get_be(&r, 4, &flags)) || (rc = get_be(&r, 4, &elem)))
        return rc;
    if (ndim > PGTYPES_ARRAY_MAX_DIMS || flags > 1 || elem != et->oid) return PGTYPES_EBINARY;
    int64_t dims[PGTYPES_ARRAY_MAX_DIMS], lbs[PGTYPES_ARRAY_MAX_DIMS];
    uint64_t nitems = ndim ? 1 : 0;
    bool decorate = false;
    for (uint64_t d = 0; d < ndim; d++) {
        uint64_t dim, lb;
        if ((rc = get_be(&r, 4, &dim)) || (rc = get_be(&r, 4, &lb))) return rc;
        dims[d] = (int32_t)(uint32_t)dim;
        lbs[d] = (int32_t)(uint32_t)lb;
        if (dims[d] < 0) return PGTYPES_EBINARY;
        if (lbs[d] + dims[d] - 1 > INT32_MAX) return PGTYPES_ERANGE;
        nitems *= (uint64_t)dims[d];
        if (nitems > PGTYPES_ARRAY_MAX_ELEMS) return PGTYPES_ERANGE;
        if (lbs[d] != 1) decorate = true;
    }
    /* every element takes at least its 4-byte length: refuse counts the input cannot hold */
    if (nitems * 4 > r.left) return PGTYPES_ETRUNCATED;
    if (nitems == 0) {
        if (r.left) return PGTYPES_EBINARY;
        return put_str(out, "{}");
    }
    if (decorate) {
        for (uint64_t d = 0; d < ndim; d++) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "[%lld:%lld]", (long long)lbs[d],
                     (long long)(lbs[d] + dims[d] - 1));
            if ((rc = put_str(out, tmp))) return rc;
        }
        if ((rc = put_ch(out, '='))) return rc;
    }
    pgtypes_buf el;
    pgtypes_buf_init(&el);
    int64_t idx[PGTYPES_ARRAY_MAX_DIMS] = {0};
    for (uint64_t d = 0; d < ndim; d++)
        if ((rc = put_ch(out, '{'))) goto free_el;
    for (uint64_t n = 0; n < nitems; n++) {
        uint64_t l;
        if ((rc = get_be(&r, 4, &l))) goto free_el;
        int32_t sl = (int32_t)(uint32_t)l;
        if (sl == -1) {
            /* NULL whatever the has-nulls flag says: array_recv ignores it too (asyncpg
             * sends 0 with NULL elements) */
            if ((rc = put_str(out, "NULL"))) goto free_el;
        } else {
            if (sl < -1) {
                rc = PGTYPES_EBINARY;
                goto free_el;
            }
            if ((size_t)sl > r.left) {
                rc = PGTYPES_ETRUNCATED;
                goto free_el;
            }
            pgtypes_buf_reset(&el);
            if ((rc = scalar_binary_to_text(et, r.p, (size_t)sl, &el))) goto free_el;
            r.p += sl;
            r.left -= (size_t)sl;
            if (needs_quotes(el.data, el.len)) {
                if ((rc = put_ch(out, '"'))) goto free_el;
                for (size_t i = 0; i < el.len; i++) {
                    if ((el.data[i] == '"' || el.data[i] == '\\') && (rc = put_ch(out, '\\')))
                        goto free_el;
                    if ((rc = put_ch(out, (char)el.data[i]))) goto free_el;
                }
                if ((rc = put_ch(out, '"'))) goto free_el;
            } else if ((rc = pgtypes_buf_put(out, el.data ? el.data : (const uint8_t *)"",
                                             el.len))) {
                goto free_el;
            }
        }
        /* close the dimensions this element completes, then open the next ones */
        int64_t d = (int64_t)ndim - 1;
        while (d >= 0 && ++idx[d] == dims[d]) {
            idx[d] = 0;
            if ((rc = put_ch(out, '}'))) goto free_el;
            d--;
        }
        if (d >= 0) {
            if ((rc = put_ch(out, ','))) goto free_el;
            for (int64_t k = d + 1; k < (int64_t)ndim; k++)
                if ((rc = put_ch(out, '{'))) goto free_el;
        }
    }
    rc = r.left ? PGTYPES_EBINARY : 0;
free_el:
    pgtypes_buf_free(&el);
    return rc;
}

/* Text array parser state. Elements are unescaped into `scratch`; each is (offset, length) or
   NULL. */
typedef struct arr_parse {
    const char *s;
    size_t len, i;
    int ndim;
    int64_t dims[PGTYPES_ARRAY_MAX_DIMS];
    bool dims_known[PGTYPES_ARRAY_MAX_DIMS];
    pgtypes_buf scratch;
    pgtypes_buf items; /* array of struct item */
    size_t nitems;
    bool hasnull;
} arr_parse;

typedef struct item {
    size_t off, len;
    bool null;
} item;

static void ap_skip_space(arr_parse *a)
{
    while (a->i < a->len && is_space(a->s[a->i]))
        a->i++;
}

static int ap_element(arr_parse *a)
{
    item it = {a->scratch.len, 0, false};
    bool quoted = false, any_quote = false;
    size_t last_nonspace = a->scratch.len; /* unquoted trailing blanks are dropped */
    if (a->nitems >= PGTYPES_ARRAY_MAX_ELEMS) return PGTYPES_ERANGE;
    while (a->i < a->len) {
        char c = a->s[a->i];
        if (!quoted && (c == ',' || c == '}')) break;
        if (!quoted && c == '{') return PGTYPES_ESYNTAX;
        a->i++;
        if (c == '"') {
            quoted = !quoted;
            any_quote = true;
            last_nonspace = SIZE_MAX;
            continue;
        }
        if (c == '\\') {
            if (a->i >= a->len) return PGTYPES_ESYNTAX;
            c = a->s[a->i++];
            if (pgtypes_buf_put(&a->scratch, &c, 1)) return PGTYPES_ENOMEM;
            last_nonspace = SIZE_MAX;
            continue;
        }
        if (!quoted && is_space(c)) {
            if (a->scratch.len == it.off) continue; /* leading blanks */
            if (last_nonspace == SIZE_MAX) last_nonspace = a->scratch.len;
            if (pgtypes_buf_put(&a->scratch, &c, 1)) return PGTYPES_ENOMEM;
            continue;
        }
        if (pgtypes_buf_put(&a->scratch, &c, 1)) return PGTYPES_ENOMEM;
        last_nonspace = SIZE_MAX;
    }
    if (quoted) return PGTYPES_ESYNTAX;
    if (last_nonspace != SIZE_MAX) buf_truncate(&a->scratch, last_nonspace);
    it.len = a->scratch.len - it.off;
    if (!any_quote && it.len == 0) return PGTYPES_ESYNTAX; /* "{a,,b}" */
    if (!any_quote && ieq((const char *)a->scratch.data + it.off, it.len, "NULL")) {
        it.null = true;
        a->hasnull = true;
    }
    if (pgtypes_buf_put(&a->items, &it, sizeof it)) return PGTYPES_ENOMEM;
    a->nitems++;
    return 0;
}

/* Parses one "{...}" at nesting level `depth`. */
static int ap_level(arr_parse *a, int depth)
{
    if (depth >= PGTYPES_ARRAY_MAX_DIMS) return PGTYPES_ERANGE;
    ap_skip_space(a);
    if (a->i >= a->len || a->s[a->i] != '{') return PGTYPES_ESYNTAX;
    a->i++;
    ap_skip_space(a);
    int64_t count = 0;
    int rc;
    if (a->i < a->len && a->s[a->i] == '}') {
        a->i++;
        /* "{}" is only valid as the whole (empty) array */
        return depth == 0 ? 1 : PGTYPES_ESYNTAX;
    }
    for (;;) {
        ap_skip_space(a);
        bool sub = a->i < a->len && a->s[a->i] == '{';
        /* all elements at one level are sub-arrays, or none is */
        if (a->ndim == 0) a->ndim = sub ? 0 : depth + 1;
        if (sub) {
            if (a->ndim && a->ndim <= depth + 1) return PGTYPES_ESYNTAX;
            if ((rc = ap_level(a, depth + 1)) != 0) return rc > 0 ? PGTYPES_ESYNTAX : rc;
        } else {
            if (a->ndim != depth + 1) return PGTYPES_ESYNTAX;
            if ((rc = ap_element(a))) return rc;
        }
        count++;
        ap_skip_space(a);
        if (a->i >= a->len) return PGTYPES_ESYNTAX;
        char c = a->s[a->i++];
        if (c == '}') break;
        if (c != ',') return PGTYPES_ESYNTAX;
    }
    if (a->dims_known[depth] && a->dims[depth] != count) return PGTYPES_ESYNTAX; /* ragged */
    a->dims[depth] = count;
    a->dims_known[depth] = true;
    return 0;
}

static int array_text_to_binary(const typeinfo *t, const char *s, size_t len, pgtypes_buf *out)
{
    const typeinfo *et = lookup(t->elem_or_array);
    arr_parse a = {.s = s, .len = len};
    pgtypes_buf_init(&a.scratch);
    pgtypes_buf_init(&a.items);
    int64_t lbs[PGTYPES_ARRAY_MAX_DIMS], ubs[PGTYPES_ARRAY_MAX_DIMS];
    int ndecor = 0, rc;
    ap_skip_space(&a);
    /* optional "[lb:ub][lb:ub]=" decoration */
    while (a.i < len && s[a.i] == '[') {
        if (ndecor >= PGTYPES_ARRAY_MAX_DIMS) {
            rc = PGTYPES_ERANGE;
            goto free_parse;
        }
        a.i++;
        int64_t v[2];
        for (int k = 0; k < 2; k++) {
            bool neg = a.i < len && s[a.i] == '-';
            if (neg) a.i++;
            if (read_num(s, len, &a.i, 10, &v[k]) < 1 || v[k] > INT32_MAX + (int64_t)neg) {
                rc = PGTYPES_ESYNTAX;
                goto free_parse;
            }
            if (neg) v[k] = -v[k];
            if (k == 0 && (a.i >= len || s[a.i++] != ':')) {
                rc = PGTYPES_ESYNTAX;
                goto free_parse;
            }
        }
        if (a.i >= len || s[a.i++] != ']' || v[1] < v[0] - 1) {
            rc = PGTYPES_ESYNTAX;
            goto free_parse;
        }
        lbs[ndecor] = v[0];
        ubs[ndecor] = v[1];
        ndecor++;
    }
    if (ndecor) {
        ap_skip_space(&a);
        if (a.i >= len || s[a.i++] != '=') {
            rc = PGTYPES_ESYNTAX;
            goto free_parse;
        }
    }
    rc = ap_level(&a, 0);
    bool empty = rc == 1;
    if (rc < 0) goto free_parse;
    ap_skip_space(&a);
    if (a.i != len) {
        rc = PGTYPES_ESYNTAX;
        goto free_parse;
    }
    if (empty) a.ndim = 0;
    if (ndecor && (ndecor != a.ndim)) {
        rc = PGTYPES_ESYNTAX;
        goto free_parse;
    }
    for (int d = 0; d < ndecor; d++) {
        if (ubs[d] - lbs[d] + 1 != a.dims[d]) {
            rc = PGTYPES_ESYNTAX;
            goto free_parse;
        }
    }
    if ((rc = put_be(out, (uint64_t)a.ndim, 4)) || (rc = put_be(out, a.hasnull ? 1 : 0, 4)) ||
        (rc = put_be(out, et->oid, 4)))
        goto free_parse;
    for (int d = 0; d < a.ndim; d++) {
        if ((rc = put_be(out, (uint64_t)(uint32_t)a.dims[d], 4)) ||
            (rc = put_be(out, (uint64_t)(uint32_t)(int32_t)(ndecor ? lbs[d] : 1), 4)))
            goto free_parse;
    }
    for (size_t n = 0; n < a.nitems; n++) {
        item it;
        memcpy(&it, a.items.data + n * sizeof it, sizeof it);
        if (it.null) {
            if ((rc = put_be(out, UINT32_MAX, 4))) goto free_parse;
            continue;
        }
        size_t at = out->len;
        if ((rc = put_be(out, 0, 4))) goto free_parse;
        if ((rc = scalar_text_to_binary(
                 et, a.scratch.data ? (const char *)a.scratch.data + it.off : "", it.len, out)))
            goto free_parse;
        size_t el = out->len - at - 4;
        if (el > INT32_MAX) {
            rc = PGTYPES_ERANGE;
            goto free_parse;
        }
        for (int k = 0; k < 4; k++)
            out->data[at + (size_t)k] = (uint8_t)(el >> (8 * (3 - k)));
    }
    rc = 0;
free_parse:
    pgtypes_buf_free(&a.scratch);
    pgtypes_buf_free(&a.items);
    return rc;
}

/* ---- dispatch ---- */

static int scalar_text_to_binary(const typeinfo *t, const char *s, size_t len, pgtypes_buf *out)
{
    int64_t v;
    int rc;
    switch (t->kind) {
    case K_BOOL: {
        bool b;
        if ((rc = bool_in(s, len, &b))) return rc;
        return put_be(out, b ? 1 : 0, 1);
    }
    case K_INT2:
        if ((rc = int_in(s, len, INT16_MIN, INT16_MAX, &v))) return rc;
        return put_be(out, (uint64_t)v, 2);
    case K_INT4:
        if ((rc = int_in(s, len, INT32_MIN, INT32_MAX, &v))) return rc;
        return put_be(out, (uint64_t)v, 4);
    case K_INT8:
        if ((rc = int_in(s, len, INT64_MIN, INT64_MAX, &v))) return rc;
        return put_be(out, (uint64_t)v, 8);
    case K_OID:
        /* oidin accepts negative input down to INT32_MIN and wraps it, as strtoul does */
        if ((rc = int_in(s, len, INT32_MIN, UINT32_MAX, &v))) return rc;
        return put_be(out, (uint64_t)(uint32_t)v, 4);
    case K_FLOAT4:
    case K_FLOAT8: {
        double d;
        if ((rc = float_in(s, len, t->kind == K_FLOAT4, &d))) return rc;
        uint64_t bits;
        if (t->kind == K_FLOAT4) {
            float f = (float)d;
            uint32_t b32;
            memcpy(&b32, &f, 4);
            return put_be(out, b32, 4);
        }
        memcpy(&bits, &d, 8);
        return put_be(out, bits, 8);
    }
    case K_TEXT:
        if (!utf8_valid((const uint8_t *)s, len)) return PGTYPES_EENCODING;
        return pgtypes_buf_put(out, s, len);
    case K_VOID:
        return 0;
    case K_JSONB:
        if (!utf8_valid((const uint8_t *)s, len)) return PGTYPES_EENCODING;
        if ((rc = put_be(out, 1, 1))) return rc;
        return pgtypes_buf_put(out, s, len);
    case K_CHAR: {
        uint8_t c;
        char_in(s, len, &c);
        return pgtypes_buf_put(out, &c, 1);
    }
    case K_BYTEA:
        return bytea_in(s, len, out);
    case K_DATE: {
        int32_t d;
        if ((rc = date_in(s, len, &d))) return rc;
        return put_be(out, (uint64_t)(uint32_t)d, 4);
    }
    case K_TIME:
        if ((rc = time_in(s, len, &v))) return rc;
        return put_be(out, (uint64_t)v, 8);
    case K_TIMESTAMP:
    case K_TIMESTAMPTZ:
        if ((rc = timestamp_in(s, len, t->kind == K_TIMESTAMPTZ, &v))) return rc;
        return put_be(out, (uint64_t)v, 8);
    case K_NUMERIC:
        return numeric_in(s, len, out);
    case K_INTERVAL: {
        int64_t us;
        int32_t days, months;
        if ((rc = interval_in(s, len, &us, &days, &months))) return rc;
        if ((rc = put_be(out, (uint64_t)us, 8))) return rc;
        if ((rc = put_be(out, (uint64_t)(uint32_t)days, 4))) return rc;
        return put_be(out, (uint64_t)(uint32_t)months, 4);
    }
    case K_UUID: {
        uint8_t u[16];
        trim(&s, &len);
        if ((rc = uuid_in(s, len, u))) return rc;
        return pgtypes_buf_put(out, u, 16);
    }
    case K_INET:
    case K_CIDR: {
        pginet nv;
        uint8_t b[20];
        if (pginet_parse(s, len, t->kind == K_CIDR, &nv)) return PGTYPES_ESYNTAX;
        return pgtypes_buf_put(out, b, pginet_to_binary(&nv, t->kind == K_CIDR, b));
    }
    case K_ARRAY:
    case K_NONE:
        break;
    }
    return PGTYPES_EUNSUPPORTED;
}

static int scalar_binary_to_text(const typeinfo *t, const uint8_t *p, size_t len, pgtypes_buf *out)
{
    uint64_t v;
    int rc;
    switch (t->kind) {
    case K_BOOL:
        if ((rc = whole_be(p, len, 1, &v))) return rc;
        return put_ch(out, v ? 't' : 'f');
    case K_INT2:
        if ((rc = whole_be(p, len, 2, &v))) return rc;
        return put_i64_text(out, (int16_t)(uint16_t)v);
    case K_INT4:
        if ((rc = whole_be(p, len, 4, &v))) return rc;
        return put_i64_text(out, (int32_t)(uint32_t)v);
    case K_INT8:
        if ((rc = whole_be(p, len, 8, &v))) return rc;
        return put_i64_text(out, (int64_t)v);
    case K_OID:
        if ((rc = whole_be(p, len, 4, &v))) return rc;
        return put_i64_text(out, (int64_t)v);
    case K_FLOAT4: {
        if ((rc = whole_be(p, len, 4, &v))) return rc;
        uint32_t b32 = (uint32_t)v;
        float f;
        memcpy(&f, &b32, 4);
        return float_out(out, f, true);
    }
    case K_FLOAT8: {
        if ((rc = whole_be(p, len, 8, &v))) return rc;
        double d;
        memcpy(&d, &v, 8);
        return float_out(out, d, false);
    }
    case K_TEXT:
        if (!utf8_valid(p, len)) return PGTYPES_EENCODING;
        return pgtypes_buf_put(out, p, len);
    case K_VOID:
        return 0; /* void_recv ignores its input */
    case K_JSONB:
        if (len < 1) return PGTYPES_ETRUNCATED;
        if (p[0] != 1) return PGTYPES_EBINARY; /* unsupported jsonb version number */
        if (!utf8_valid(p + 1, len - 1)) return PGTYPES_EENCODING;
        return pgtypes_buf_put(out, p + 1, len - 1);
    case K_CHAR:
        if ((rc = whole_be(p, len, 1, &v))) return rc;
        return char_out(out, (uint8_t)v);
    case K_BYTEA:
        return bytea_out(out, p, len);
    case K_DATE:
        if ((rc = whole_be(p, len, 4, &v))) return rc;
        return date_out(out, (int32_t)(uint32_t)v);
    case K_TIME:
        if ((rc = whole_be(p, len, 8, &v))) return rc;
        if ((int64_t)v < 0 || (int64_t)v > USECS_PER_DAY) return PGTYPES_EDATETIME;
        return put_hms(out, (int64_t)v);
    case K_TIMESTAMP:
    case K_TIMESTAMPTZ:
        if ((rc = whole_be(p, len, 8, &v))) return rc;
        return timestamp_out(out, (int64_t)v, t->kind == K_TIMESTAMPTZ);
    case K_NUMERIC:
        return numeric_out(out, p, len);
    case K_INTERVAL:
        if (len < 16) return PGTYPES_ETRUNCATED;
        if (len > 16) return PGTYPES_EBINARY;
        return interval_out(out, p);
    case K_UUID:
        if (len < 16) return PGTYPES_ETRUNCATED;
        if (len > 16) return PGTYPES_EBINARY;
        return uuid_out(out, p);
    case K_INET:
    case K_CIDR: {
        pginet nv;
        char txt[PGINET_TEXT_MAX];
        if (pginet_from_binary(p, len, t->kind == K_CIDR, &nv)) return PGTYPES_EBINARY;
        return pgtypes_buf_put(out, txt, pginet_format(&nv, t->kind == K_CIDR, txt));
    }
    case K_ARRAY:
    case K_NONE:
        break;
    }
    return PGTYPES_EUNSUPPORTED;
}

int pgtypes_text_to_binary(uint32_t oid, const char *text, size_t len, pgtypes_buf *out)
{
    const typeinfo *t = lookup(oid);
    if (!t || t->kind == K_NONE) return PGTYPES_EUNSUPPORTED;
    if (!text && len) return PGTYPES_ESYNTAX;
    if (!text) text = "";
    size_t save = out->len;
    int rc = t->kind == K_ARRAY ? array_text_to_binary(t, text, len, out)
                                : scalar_text_to_binary(t, text, len, out);
    if (rc) buf_truncate(out, save);
    if (!rc && !out->data) rc = pgtypes_buf_put(out, "", 0); /* "" still gets a NUL */
    return rc;
}

int pgtypes_binary_to_text(uint32_t oid, const uint8_t *bytes, size_t len, pgtypes_buf *out)
{
    const typeinfo *t = lookup(oid);
    if (!t || t->kind == K_NONE) return PGTYPES_EUNSUPPORTED;
    if (!bytes && len) return PGTYPES_EBINARY;
    if (!bytes) bytes = (const uint8_t *)"";
    size_t save = out->len;
    int rc = t->kind == K_ARRAY ? array_binary_to_text(t, bytes, len, out)
                                : scalar_binary_to_text(t, bytes, len, out);
    if (rc) buf_truncate(out, save);
    if (!rc && !out->data) rc = pgtypes_buf_put(out, "", 0); /* "" still gets a NUL */
    return rc;
}
