/*
 * server/sql/sqlval.h — typed SQL values: PostgreSQL text I/O, casts and comparison.
 *
 * A sqlval is what the expression evaluator computes with and what the executor renders as a
 * DataRow field. Values own their bytes (s / arr); sqlval_free releases them and leaves a
 * NULL of the same type. Integers of every width are held in `i` (range-checked against the
 * declared width), float4/float8 in `f`, numeric as its canonical decimal text in `s` (exact
 * storage and output; arithmetic goes through long double — see sqlexpr.c), timestamptz as
 * microseconds since 2000-01-01 00:00:00 UTC in `i` (PostgreSQL's epoch, so binary wire
 * output is a plain copy). SQLVAL_UNKNOWN is an untyped string literal ('abc'): it takes the
 * type of whatever it meets, as in PostgreSQL, and reads as text.
 *
 * Text forms are PostgreSQL 15's byte for byte for the common cases (drivers parse them):
 * bool t/f, float4/float8 as float4out/float8out print them (pgtypes_float4_out /
 * pgtypes_float8_out: `1000000`, `1e+15`, `1e+06`::real, `Infinity`, `NaN`, `-0`), bytea
 * `\x0a1b`, timestamptz `2026-11-24 10:00:00.123+00` (always UTC), text[] `{a,"b c",NULL}`, jsonb
 * as jsonb_out prints it (sqljsonb.h: numbers keep their numeric text, `2.50`; keys ordered as
 * jsonb orders them; `": "`/`", "` spacing). numeric text is numeric_out(numeric_in(s)).
 *
 * Errors: functions taking a sqlerr return SQL_OK or SQL_ERR with the SQLSTATE PostgreSQL
 * uses: 22P02 invalid input syntax (`invalid input syntax for type bigint: "abc"`), 22003 out
 * of range, 22007 bad datetime, 42846 impossible cast, 53200 out of memory.
 */
#ifndef HELIOS_SERVER_SQL_SQLVAL_H
#define HELIOS_SERVER_SQL_SQLVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/sql/sqlerr.h"

typedef enum sqlval_type {
    SQLVAL_UNKNOWN = 0, /* untyped literal (or NULL without a type) */
    SQLVAL_BOOL,
    SQLVAL_INT2,
    SQLVAL_INT4,
    SQLVAL_INT8,
    SQLVAL_FLOAT4,
    SQLVAL_FLOAT8,
    SQLVAL_NUMERIC,
    SQLVAL_TEXT,
    SQLVAL_VARCHAR,
    SQLVAL_NAME,
    SQLVAL_BYTEA,
    SQLVAL_JSONB,
    SQLVAL_TIMESTAMPTZ,
    SQLVAL_TEXTARRAY,
    SQLVAL_OID,
    SQLVAL_VOID, /* pg_sleep()'s result: text "", never stored or compared */
    /* catalog types (sqlcatalog.h): "char" is text of at most one byte; a reg* value is an
     * oid in `i` and, when the catalog knew it, the object's name in `s` (its text form) */
    SQLVAL_CHAR,
    SQLVAL_REGCLASS,
    SQLVAL_REGTYPE,
    SQLVAL_REGNAMESPACE,
    SQLVAL_REGPROC,
    /* the date/time family and uuid (sqldate.h): DATE, TIME and TIMESTAMP in `i` (days,
     * µs since midnight, µs since 2000-01-01 of the wall clock); INTERVAL and UUID as 16
     * bytes in `s` */
    SQLVAL_DATE,
    SQLVAL_TIME,
    SQLVAL_TIMESTAMP,
    SQLVAL_INTERVAL,
    SQLVAL_UUID,
    /* arrays of a scalar type: elements held like text[]'s, as their element type's canonical
     * text (NULL pointer: SQL NULL), so output, storage and binary I/O are text[]'s; element
     * reads parse them back (sqlval_array_elem_get). text[] itself is SQLVAL_TEXTARRAY. */
    SQLVAL_BOOLARRAY,
    SQLVAL_INT2ARRAY,
    SQLVAL_INT4ARRAY,
    SQLVAL_INT8ARRAY,
    SQLVAL_FLOAT4ARRAY,
    SQLVAL_FLOAT8ARRAY,
    SQLVAL_NUMERICARRAY,
    SQLVAL_DATEARRAY,
    SQLVAL_TIMEARRAY,
    SQLVAL_TIMESTAMPARRAY,
    SQLVAL_TIMESTAMPTZARRAY,
    SQLVAL_INTERVALARRAY,
    SQLVAL_UUIDARRAY,
    SQLVAL_JSONBARRAY,
    SQLVAL_OIDARRAY, /* oid[] of a cast, ARRAY[] or array_agg; the catalogs' oid[] columns are text[] */
    SQLVAL_NAMEARRAY, /* name[]: array_agg(attname) (drivers parse text[] but not name[]) */
    /* the catalogs' vectors (pg_index.indkey, pg_proc.proargtypes): arrays of int2 / oid
     * subscripted from 0, whose text is the elements separated by spaces ("1 2") */
    SQLVAL_INT2VECTOR,
    SQLVAL_OIDVECTOR,
    /* a value of an enum type (sqlenum.h): the label in s, the type's oid in u.i (0: not yet
     * tied to a type); ordered by the labels' sort orders */
    SQLVAL_ENUM,
    SQLVAL_REGROLE, /* a role: a reg* value (above) */
    /* character(n) (bpchar): text held without its trailing blanks (so comparing, hashing,
     * keys and functions see PostgreSQL's bpchar semantics: trailing blanks do not count),
     * u.i the declared length n (0: none), to which the text output pads with blanks */
    SQLVAL_BPCHAR,
    /* inet and cidr (proto/pginet.h): their canonical text in s */
    SQLVAL_INET,
    SQLVAL_CIDR,
    /* json (sqljson.h): its text exactly as written, checked on input */
    SQLVAL_JSON,
    /* jsonpath (sqljsonpath.h): its canonical text (jsonpath_out) in s */
    SQLVAL_JSONPATH,
    SQLVAL_NTYPES
} sqlval_type;

typedef struct sqlval {
    sqlval_type type;
    bool isnull;
    union {
        bool b;    /* BOOL */
        int64_t i; /* INT2/INT4/INT8/OID, TIMESTAMPTZ (µs since 2000-01-01 UTC) */
        double f;  /* FLOAT4/FLOAT8 */
    } u;
    char *s;     /* owned, NUL-terminated: UNKNOWN/TEXT/VARCHAR/NAME/NUMERIC/JSONB text,
                  * BYTEA raw bytes (len counts them) */
    size_t len;
    char **arr;  /* owned TEXTARRAY elements; an element may be NULL (SQL NULL) */
    size_t narr;
} sqlval;

/* ---- types ---- */
uint32_t sqlval_type_oid(sqlval_type t);
sqlval_type sqlval_type_from_oid(uint32_t oid); /* SQLVAL_UNKNOWN when not one of ours */
/* PostgreSQL's name of the type, as used in error messages ("bigint", "double precision"). */
const char *sqlval_type_name(sqlval_type t);
/* Type by SQL spelling, case-insensitive: int8, bigint, int, integer, int4, smallint, text,
 * varchar, character varying, double precision, float8, real, float4, boolean, bool, bytea,
 * jsonb, timestamptz, timestamp with time zone, numeric, decimal, name, oid, text[] (array
 * true). Returns SQLVAL_UNKNOWN when the name is not a scalar type we know. */
sqlval_type sqlval_type_lookup(const char *name, bool array);
bool sqlval_type_is_integer(sqlval_type t);
/* text[] or a typed array */
bool sqlval_type_is_array(sqlval_type t);
/* The element type of an array type (text for text[]), SQLVAL_UNKNOWN for a non-array. */
sqlval_type sqlval_array_elem(sqlval_type t);
/* The array type of an element type (text[] for the text types), SQLVAL_NTYPES when there is
 * none. */
sqlval_type sqlval_array_of(sqlval_type elem);
/* The first subscript of an array type: 0 for the vectors, else 1. */
int sqlval_array_lbound(sqlval_type t);
/* Element i of a non-NULL array as a value of the element type (NULL element: NULL). */
int sqlval_array_elem_get(const sqlval *arr, size_t i, sqlval *out, sqlerr *err);
bool sqlval_type_is_numeric(sqlval_type t); /* any integer, float or numeric */
bool sqlval_type_is_text(sqlval_type t);    /* UNKNOWN, TEXT, VARCHAR, NAME, CHAR */
bool sqlval_type_is_reg(sqlval_type t);     /* REGCLASS, REGTYPE, REGNAMESPACE, REGPROC, REGROLE */
/* OID or a reg* type: compared with each other and with integers by their oid. */
bool sqlval_type_is_oidlike(sqlval_type t);
/* A reg* value: oid plus the name it prints as (NULL: printed as the number, "-" for 0). */
int sqlval_set_reg(sqlval *v, sqlval_type t, uint32_t oid, const char *name, sqlerr *err);
/* pg_type.typlen of the type as RowDescription reports it (-1: variable length). */
int16_t sqlval_type_len(sqlval_type t);

/* ---- construction (return SQL_OK or SQL_ERR (53200) when err given) ---- */
void sqlval_init_null(sqlval *v, sqlval_type t);
void sqlval_set_bool(sqlval *v, bool b);
void sqlval_set_int(sqlval *v, sqlval_type t, int64_t i);
void sqlval_set_float(sqlval *v, sqlval_type t, double f);
/* Copies len bytes of s. */
int sqlval_set_str(sqlval *v, sqlval_type t, const char *s, size_t len, sqlerr *err);
/* Takes ownership of a malloc'd NUL-terminated string. */
void sqlval_take_str(sqlval *v, sqlval_type t, char *s, size_t len);
/* Copies n elements (NULL entries allowed). */
int sqlval_set_array(sqlval *v, const char *const *items, size_t n, sqlerr *err);
void sqlval_free(sqlval *v);
int sqlval_copy(sqlval *dst, const sqlval *src, sqlerr *err);
/* Moves src into dst (dst freed first); src becomes an untyped NULL. */
void sqlval_move(sqlval *dst, sqlval *src);

/* ---- text I/O ---- */
/* PostgreSQL text output; *out is malloc'd (NUL-terminated, *outlen excludes the NUL).
 * NULL values are the caller's business (SQL_ERR 22004-free: returns "" for NULL). */
int sqlval_to_text(const sqlval *v, char **out, size_t *outlen, sqlerr *err);
/* Parses PostgreSQL text input of type t. On error *out is an untyped NULL. */
int sqlval_from_text(sqlval_type t, const char *s, size_t len, sqlval *out, sqlerr *err);
/* Casts (explicit cast semantics: int -> text, text -> int parses, float -> int rounds,
 * numeric/float out of range 22003). src is not modified. */
int sqlval_cast(const sqlval *src, sqlval_type t, sqlval *out, sqlerr *err);

/* ---- comparison ---- */
/* Compares two non-NULL values. Numbers compare numerically across int/float/numeric, text
 * types bytewise (C collation), UNKNOWN literals are first cast to the other side's type.
 * Returns SQL_ERR 42883 when the types cannot be compared (e.g. bool vs int). */
int sqlval_compare(const sqlval *a, const sqlval *b, int *cmp, sqlerr *err);

/* ---- helpers shared by the SQL layer ---- */
/* Parses / formats the text[] literal syntax. */
int sqlval_parse_array(const char *s, size_t len, sqlval *out, sqlerr *err);
/* Parses an integer / float, reporting PostgreSQL's messages for type t. */
int sqlval_parse_int(const char *s, size_t len, sqlval_type t, int64_t *out, sqlerr *err);
int sqlval_parse_float(const char *s, size_t len, sqlval_type t, double *out, sqlerr *err);
/* Canonical numeric text of a decimal literal (numeric_out(numeric_in(s))); 22P02 when not a
 * number, 22003 beyond numeric's range. */
int sqlval_parse_numeric(const char *s, size_t len, char **out, sqlerr *err);
/* timestamptz text <-> µs since 2000-01-01 UTC, in the running session's TimeZone: text
 * without an offset is read as its local time, output carries its offset ("-05"). */
int sqlval_parse_timestamptz(const char *s, size_t len, int64_t *out, sqlerr *err);
/* The session's TimeZone set with sqlval_set_timezone on this thread (UTC when none). */
struct sqltz;
const struct sqltz *sqlval_session_tz(void);
void sqlval_format_timestamptz(int64_t us, char *buf, size_t bufsz); /* bufsz >= 48 */
/* The TimeZone of the session whose statement runs on this thread (NULL: UTC). Set by the
 * executor whenever it runs a session's statement (as PostgreSQL's session_timezone, one per
 * backend, is per running session here: one statement at a time runs on a thread). */
struct sqltz;
void sqlval_set_timezone(const struct sqltz *z);

#endif
