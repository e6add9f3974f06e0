/*
 * proto/pgtypes.h — PostgreSQL type OIDs and text <-> binary conversion of wire values.
 *
 * The executor speaks PostgreSQL's text forms only. This module lets the wire layer accept
 * binary Bind parameters (binary -> text, then the executor parses text as usual) and send
 * binary results when a client asks for them (text -> binary), which pgjdbc does for every
 * prepared statement after its 5th execution (CLIENTS.md §8, §9.4). Both directions are
 * byte-for-byte PostgreSQL 15 compatible for the supported types:
 *
 *   type               binary form (big-endian)
 *   bool               1 byte 0/1                          text t / f
 *   int2/int4/int8     2/4/8-byte two's complement         decimal
 *   oid                4-byte unsigned                     decimal
 *   float4/float8      IEEE 754                            shortest round-trip, Infinity, NaN
 *   text, varchar, name, bpchar, unknown, json, "char"     raw UTF-8 bytes (validated)
 *   bytea              raw bytes                           \x hex (input also escape format)
 *   jsonb              version byte 1 + JSON text          JSON text
 *   date               int32 days since 2000-01-01         YYYY-MM-DD [BC], infinity
 *   time               int64 µs since midnight             HH:MM:SS[.ffffff]
 *   timestamp(tz)      int64 µs since 2000-01-01 (UTC)     YYYY-MM-DD HH:MM:SS[.ffffff][+00] [BC]
 *   numeric            int16 ndigits, int16 weight, uint16 sign (0 +, 0x4000 -, 0xC000 NaN,
 *                      0xD000 +Inf, 0xF000 -Inf), uint16 dscale, ndigits x int16 base-10000
 *   uuid               16 bytes                            8-4-4-4-12 lowercase hex
 *   interval           int64 µs, int32 days, int32 months  1 year 2 mons -3 days +04:05:06.789
 *                      (text -> binary reads the server's own IntervalStyle postgres output)
 *   arrays of the above (1000 bool[], 1005 int2[], 1007 int4[], 1009 text[], 1015 varchar[],
 *   1016 int8[], 1021/1022 float[], 1231 numeric[], 3807 jsonb[] ...):
 *                      int32 ndim, int32 hasnull flag, uint32 elem oid, ndim x (int32 dim,
 *                      int32 lbound), then per element int32 len (-1 = NULL) + bytes.
 *                      Text: {a,"x y",NULL,"q\"uote"}, {{1,2},{3,4}}, [0:1]={...} when lbound≠1
 *
 * Timestamps are rendered in UTC (the session TimeZone is Etc/UTC) with a "+00" suffix; text input
 * accepts ISO 8601 forms with 'T' or ' ', an optional fraction (rounded to µs half-even, as
 * PostgreSQL does) and a numeric zone (Z, UTC, ±HH, ±HH:MM, ±HHMM, ±HH:MM:SS), plus infinity,
 * -infinity, epoch and a trailing BC. Not accepted (PostgreSQL does accept them): named zones
 * ("Europe/Paris", "EST"), month names, non-ISO DateStyles, "now"/"today" (need a clock: the
 * executor resolves those). Such input fails with PGTYPES_EDATESYNTAX (22007).
 * jsonb/json text is checked for UTF-8 only and passed through: binary jsonb -> text is NOT
 * normalised the way PostgreSQL's jsonb_recv would ('{"a":1}' stays as is); the executor parses
 * and validates JSON. text -> binary jsonb matches PostgreSQL when the text is jsonb's own output.
 * Floats: any NaN becomes the one canonical NaN ("-NaN" input included).
 * Limits: arrays up to 6 dimensions (PostgreSQL's MAXDIM) and PGTYPES_ARRAY_MAX_ELEMS elements;
 * numeric up to PostgreSQL's limits (131072 digits before the point, 16383 after).
 *
 * Conversions append to a caller-owned pgtypes_buf; on error the buffer is rolled back to its
 * previous length, so the caller can append a whole message incrementally. Decoders are bounded:
 * they never read past len and never allocate from an unchecked length field.
 * Pure: libc only (no locale: '.' is always the decimal point), no I/O.
 */
#ifndef HELIOS_PROTO_PGTYPES_H
#define HELIOS_PROTO_PGTYPES_H

#include <stddef.h>
#include <stdint.h>

#define PGTYPE_BOOL 16u
#define PGTYPE_BYTEA 17u
#define PGTYPE_CHAR 18u /* "char": one byte */
#define PGTYPE_NAME 19u
#define PGTYPE_INT8 20u
#define PGTYPE_INT2 21u
#define PGTYPE_INT4 23u
#define PGTYPE_REGPROC 24u
#define PGTYPE_TEXT 25u
#define PGTYPE_OID 26u
#define PGTYPE_JSON 114u
#define PGTYPE_FLOAT4 700u
#define PGTYPE_FLOAT8 701u
#define PGTYPE_UNKNOWN 705u
#define PGTYPE_BOOLARRAY 1000u
#define PGTYPE_BYTEAARRAY 1001u
#define PGTYPE_CHARARRAY 1002u
#define PGTYPE_NAMEARRAY 1003u
#define PGTYPE_INT2ARRAY 1005u
#define PGTYPE_INT4ARRAY 1007u
#define PGTYPE_TEXTARRAY 1009u
#define PGTYPE_BPCHARARRAY 1014u
#define PGTYPE_VARCHARARRAY 1015u
#define PGTYPE_INT8ARRAY 1016u
#define PGTYPE_FLOAT4ARRAY 1021u
#define PGTYPE_FLOAT8ARRAY 1022u
#define PGTYPE_OIDARRAY 1028u
#define PGTYPE_BPCHAR 1042u
#define PGTYPE_VARCHAR 1043u
#define PGTYPE_DATE 1082u
#define PGTYPE_TIME 1083u
#define PGTYPE_TIMESTAMP 1114u
#define PGTYPE_TIMESTAMPARRAY 1115u
#define PGTYPE_DATEARRAY 1182u
#define PGTYPE_TIMEARRAY 1183u
#define PGTYPE_TIMESTAMPTZ 1184u
#define PGTYPE_TIMESTAMPTZARRAY 1185u
#define PGTYPE_INTERVAL 1186u
#define PGTYPE_INTERVALARRAY 1187u
#define PGTYPE_NUMERICARRAY 1231u
#define PGTYPE_NUMERIC 1700u
#define PGTYPE_REGCLASS 2205u
#define PGTYPE_INET 869u
#define PGTYPE_CIDR 650u
#define PGTYPE_INETARRAY 1041u
#define PGTYPE_CIDRARRAY 651u
#define PGTYPE_UUID 2950u
#define PGTYPE_UUIDARRAY 2951u
#define PGTYPE_JSONARRAY 199u
#define PGTYPE_JSONB 3802u
#define PGTYPE_JSONBARRAY 3807u
#define PGTYPE_JSONPATH 4072u
#define PGTYPE_JSONPATHARRAY 4073u
#define PGTYPE_VOID 2278u /* what pg_notify, pg_sleep ... return: binary form empty */

#define PGTYPES_ARRAY_MAX_DIMS 6
#define PGTYPES_ARRAY_MAX_ELEMS (1u << 24)

/* Error codes. pgtypes_sqlstate maps each to the SQLSTATE PostgreSQL reports for it. */
enum {
    PGTYPES_ENOMEM = -1,       /* 53200 out of memory */
    PGTYPES_ESYNTAX = -2,      /* 22P02 invalid input syntax for type ... */
    PGTYPES_ERANGE = -3,       /* 22003 value out of range for type ... */
    PGTYPES_EBINARY = -4,      /* 22P03 incorrect binary data format (bad content/trailing bytes) */
    PGTYPES_ETRUNCATED = -5,   /* 08P01 insufficient data left in message */
    PGTYPES_EENCODING = -6,    /* 22021 invalid byte sequence for encoding "UTF8" (or a NUL) */
    PGTYPES_EDATETIME = -7,    /* 22008 date/time field value out of range */
    PGTYPES_EUNSUPPORTED = -8, /* 42883 no binary I/O for this type */
    PGTYPES_EPARAM = -9,       /* 22023 invalid parameter value (bad bytea hex digit ...) */
    PGTYPES_EDATESYNTAX = -10, /* 22007 invalid input syntax for a date/time type */
    PGTYPES_ETIMEZONE = -11    /* 22009 time zone displacement out of range */
};

/* Growable output buffer. Fields are read-only for callers. Whenever data is non-NULL it is
   followed by a NUL byte at data[len], so text output can be used as a C string; after a
   successful conversion data is never NULL, even for an empty value. */
typedef struct pgtypes_buf {
    uint8_t *data; /* read-only: NULL until something is written */
    size_t len;    /* read-only */
    size_t cap;    /* private */
} pgtypes_buf;

void pgtypes_buf_init(pgtypes_buf *b);
void pgtypes_buf_free(pgtypes_buf *b);  /* frees and re-initialises */
void pgtypes_buf_reset(pgtypes_buf *b); /* len = 0, keeps the allocation */
/* Appends n bytes. Returns 0 or PGTYPES_ENOMEM. */
int pgtypes_buf_put(pgtypes_buf *b, const void *p, size_t n);

/* Text as PostgreSQL's pg_verify_mbstr sees it: the length of the longest prefix of s[0..n)
   that is valid UTF-8 without NUL (n when all of it is). Overlong forms, surrogates and code
   points past U+10FFFF are invalid, as in PostgreSQL. */
size_t pgtypes_utf8_valid_len(const uint8_t *s, size_t n);
/* PostgreSQL's 22021 message for the invalid sequence starting at s (n bytes left), e.g.
   invalid byte sequence for encoding "UTF8": 0xe2 0x28 0xa1 — the bytes the lead byte
   announces, cut at the end of the text. */
void pgtypes_utf8_invalid_message(const uint8_t *s, size_t n, char *buf, size_t cap);

/* Text form (len bytes, need not be NUL-terminated) -> binary wire form, appended to out.
   Returns 0 or a PGTYPES_E* code (out unchanged on error). */
int pgtypes_text_to_binary(uint32_t oid, const char *text, size_t len, pgtypes_buf *out);

/* Binary wire form (exactly len bytes: trailing bytes are an error) -> PostgreSQL's canonical text
   form, appended to out (no NUL counted in len). Returns 0 or a PGTYPES_E* code. */
int pgtypes_binary_to_text(uint32_t oid, const uint8_t *bytes, size_t len, pgtypes_buf *out);

/* 1 if both conversions above support oid, else 0. */
int pgtypes_has_binary(uint32_t oid);

/* PostgreSQL 15's float8out / float4out: the text of a float, the one implementation in the tree
   (the SQL layer's results and casts use it too). extra_float_digits is the session setting:
   > 0 (PostgreSQL's default 1, and the 2 or 3 drivers set) gives the shortest decimal that
   reads back exactly, in fixed notation for decimal exponents -4 <= e < 15 (float8) or < 6
   (float4), else "1e+15", "1.5e-07", "1.7976931348623157e+308"; <= 0 gives printf's %.*g with
   15 (float8) or 6 (float4) + extra_float_digits significant digits. "NaN", "Infinity",
   "-Infinity", "-0" as PostgreSQL prints them. buf receives a NUL-terminated string; returns its
   length (< PGTYPES_FLOAT_OUT_LEN). */
#define PGTYPES_FLOAT_OUT_LEN 32
size_t pgtypes_float8_out(double v, int extra_float_digits, char buf[PGTYPES_FLOAT_OUT_LEN]);
size_t pgtypes_float4_out(float v, int extra_float_digits, char buf[PGTYPES_FLOAT_OUT_LEN]);

/* PostgreSQL's type name ("int4", "text", "_text" for text[]), or NULL for an unknown oid. */
const char *pgtypes_name(uint32_t oid);
/* The name PostgreSQL uses in error messages ("integer", "text[]"...), or NULL. */
const char *pgtypes_sql_name(uint32_t oid);

/* pg_type.typlen for RowDescription: 1, 2, 4, 8, 16, 64 (name) or -1 (varlena). -1 if unknown. */
int pgtypes_typlen(uint32_t oid);

/* Element type of an array type (PGTYPE_TEXT for PGTYPE_TEXTARRAY), 0 if oid is not an array. */
uint32_t pgtypes_array_elem(uint32_t oid);
/* Array type of an element type (PGTYPE_TEXTARRAY for PGTYPE_TEXT), 0 if none. */
uint32_t pgtypes_array_of(uint32_t elem);

/* SQLSTATE for a PGTYPES_E* code ("22P02"...), and a static message prefix without the type and
   value, e.g. "invalid input syntax for type" — the server appends ` <sql_name>: "<value>"`. */
const char *pgtypes_sqlstate(int err);
const char *pgtypes_errmsg(int err);

#endif
