/*
 * server/sql/sqlfunc.c — see sqlfunc.h.
 *
 * Index: the type model resolution needs (categories, preferred types, implicit casts), the
 * catalog (fn_defs: one row per pg_proc entry of a supported name), resolution (PostgreSQL's
 * func_get_detail / func_select_candidate), evaluation (arguments coerced to the declared
 * types, strictness), then the functions: helpers, strings, bytea, float8 and integer math,
 * numeric (exact text through sqlnum.h, PostgreSQL's result scales, the transcendental
 * functions computed with guard digits and rounded once), jsonb, misc.
 *
 * Catalog rows for types HeliosDB lacks (bit, character, macaddr) take part in resolution only,
 * so that an unknown literal resolves, or is ambiguous, exactly as in PostgreSQL (trunc('1') is
 * "not unique" because of trunc(macaddr)).
 */
#include "server/sql/sqlfunc.h"
#include "proto/pgtypes.h"
#include "server/sql/sqlregex.h"
#include "proto/pginet.h"
#include "server/sql/sqljson.h"
#include "server/sql/sqldate.h"

#include "proto/sqlstate.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqljsonpath.h"
#include "server/sql/sqlnum.h"
#include "server/sql/sqlnumfmt.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <wctype.h>

/* SQLSTATEs proto/sqlstate.h does not name yet */
#define SQLSTATE_SUBSTRING_ERROR "22011"
#define SQLSTATE_INVALID_ARGUMENT_FOR_LOG "2201E"
#define SQLSTATE_INVALID_ARGUMENT_FOR_POWER "2201F"
#define SQLSTATE_INVALID_REGULAR_EXPRESSION "2201B"

/* PostgreSQL's MaxAllocSize - VARHDRSZ: the largest text or bytea value. */
#define MAX_VARLENA ((size_t)0x3fffffff - 4)

/* ------------------------------------------------------------------ type model */

/* Parameter types beyond sqlval_type, as pg_proc declares them. */
enum {
    T_ANY = SQLVAL_NTYPES + 1, /* "any": VARIADIC "any" takes every type, unknown stays text */
    T_ANYELEMENT,
    T_ANYARRAY,
    T_BIT, /* types HeliosDB lacks: resolution only */
    T_BPCHAR,
    T_MACADDR,
    T_MACADDR8,
};

/* pg_type.typcategory and typispreferred. */
static char type_category(int t, bool *preferred)
{
    *preferred = false;
    switch (t) {
    case SQLVAL_BOOL: *preferred = true; return 'B';
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_FLOAT4:
    case SQLVAL_NUMERIC: return 'N';
    case SQLVAL_FLOAT8:
    case SQLVAL_OID: *preferred = true; return 'N';
    case SQLVAL_TEXT: *preferred = true; return 'S';
    case SQLVAL_VARCHAR:
    case SQLVAL_NAME:
    case SQLVAL_BPCHAR:
    case T_BPCHAR: return 'S';
    case SQLVAL_TIMESTAMPTZ: *preferred = true; return 'D';
    case SQLVAL_DATE:
    case SQLVAL_TIME:
    case SQLVAL_TIMESTAMP: return 'D';
    case SQLVAL_INTERVAL: *preferred = true; return 'T';
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
    case SQLVAL_OIDVECTOR: return 'A';
    case T_BIT: return 'V';
    case T_ANY:
    case T_ANYELEMENT:
    case T_ANYARRAY: return 'P';
    case SQLVAL_UNKNOWN: return 'X';
    default: return 'U'; /* bytea, jsonb, macaddr */
    }
}

/* pg_cast entries with castcontext 'i' between the types above (can_coerce_type). */
static bool coercible(int from, int to)
{
    if (from == to || from == SQLVAL_UNKNOWN || to == T_ANY || to == T_ANYELEMENT) return true;
    if (to == T_ANYARRAY) return from < SQLVAL_NTYPES && sqlval_type_is_array((sqlval_type)from);
    if (from < SQLVAL_NTYPES && to < SQLVAL_NTYPES && sqldate_coercible((sqlval_type)from, (sqlval_type)to))
        return true;
    switch (from) {
    case SQLVAL_INT2:
        return to == SQLVAL_INT4 || to == SQLVAL_INT8 || to == SQLVAL_FLOAT4 ||
               to == SQLVAL_FLOAT8 || to == SQLVAL_NUMERIC || to == SQLVAL_OID;
    case SQLVAL_INT4:
        return to == SQLVAL_INT8 || to == SQLVAL_FLOAT4 || to == SQLVAL_FLOAT8 ||
               to == SQLVAL_NUMERIC || to == SQLVAL_OID;
    case SQLVAL_INT8:
        return to == SQLVAL_FLOAT4 || to == SQLVAL_FLOAT8 || to == SQLVAL_NUMERIC ||
               to == SQLVAL_OID;
    case SQLVAL_FLOAT4: return to == SQLVAL_FLOAT8;
    case SQLVAL_NUMERIC: return to == SQLVAL_FLOAT4 || to == SQLVAL_FLOAT8;
    case SQLVAL_TEXT: return to == SQLVAL_NAME || to == SQLVAL_VARCHAR || to == T_BPCHAR;
    case SQLVAL_VARCHAR: return to == SQLVAL_TEXT || to == SQLVAL_NAME || to == T_BPCHAR;
    case SQLVAL_NAME: return to == SQLVAL_TEXT;
    case SQLVAL_BPCHAR: return to == SQLVAL_TEXT || to == SQLVAL_VARCHAR || to == SQLVAL_NAME;
    case SQLVAL_CIDR: return to == SQLVAL_INET;
    default: return false;
    }
}

static const char *arg_type_name(int t)
{
    switch (t) {
    case SQLVAL_UNKNOWN: return "unknown";
    case T_ANY: return "\"any\"";
    case T_ANYELEMENT: return "anyelement";
    case T_ANYARRAY: return "anyarray";
    case T_BIT: return "bit";
    case T_BPCHAR: return "character";
    case T_MACADDR: return "macaddr";
    case T_MACADDR8: return "macaddr8";
    default: return sqlval_type_name((sqlval_type)t);
    }
}

/* ------------------------------------------------------------------ the catalog */

typedef int (*fn_impl)(const sqlval *a, int n, sqlval *out, sqlerr *err);

typedef struct fn_def {
    const char *name;
    fn_impl impl;  /* NULL: PostgreSQL has it, HeliosDB only resolves it */
    int ret;
    bool strict;   /* any NULL argument makes the result NULL */
    int nargs;     /* fixed parameters */
    int args[8];
    int variadic;  /* element type of a VARIADIC tail of at least one argument; 0: none */
} fn_def;

#define STRICT true
#define LAX false
#define TEXT SQLVAL_TEXT
#define INT4 SQLVAL_INT4
#define INT8 SQLVAL_INT8
#define INT2 SQLVAL_INT2
#define F8 SQLVAL_FLOAT8
#define NUM SQLVAL_NUMERIC
#define BYTEA SQLVAL_BYTEA
#define JSONB SQLVAL_JSONB
#define TARR SQLVAL_TEXTARRAY
#define TS SQLVAL_TIMESTAMP
#define TZ SQLVAL_TIMESTAMPTZ
#define DT SQLVAL_DATE
#define TM SQLVAL_TIME
#define IV SQLVAL_INTERVAL

#define IMPL(f) static int f(const sqlval *a, int n, sqlval *out, sqlerr *err)
IMPL(f_substr);
IMPL(f_substr_bytea);
IMPL(f_substring_regex);
IMPL(f_strpos);
IMPL(f_position_bytea);
IMPL(f_replace);
IMPL(f_lpad);
IMPL(f_rpad);
IMPL(f_repeat);
IMPL(f_chr);
IMPL(f_ascii);
IMPL(f_concat);
IMPL(f_concat_ws);
IMPL(f_left);
IMPL(f_right);
IMPL(f_reverse);
IMPL(f_btrim);
IMPL(f_ltrim);
IMPL(f_rtrim);
IMPL(f_btrim_bytea);
IMPL(f_ltrim_bytea);
IMPL(f_rtrim_bytea);
IMPL(f_split_part);
IMPL(f_initcap);
IMPL(f_md5);
IMPL(f_uuid_nil);
IMPL(f_parse_ident);
IMPL(f_uuid_ns_dns);
IMPL(f_uuid_ns_url);
IMPL(f_uuid_ns_oid);
IMPL(f_uuid_ns_x500);
IMPL(f_uuid_v1);
IMPL(f_uuid_v3);
IMPL(f_uuid_v5);
IMPL(f_to_hex);
IMPL(f_starts_with);
IMPL(f_string_to_array);
IMPL(f_array_to_string);
IMPL(f_quote_ident);
IMPL(f_to_char_num);
IMPL(f_to_number);
IMPL(f_array_upper);
IMPL(f_array_lower);
IMPL(f_pg_encoding_to_char);
IMPL(f_pg_size_pretty);
IMPL(f_pg_size_pretty_num);
IMPL(f_pg_is_in_recovery);
IMPL(f_quote_literal);
static const sqlregex *re_of(const sqlval *pat, const sqlval *fl, const char *fname, unsigned *flags,
                             sqlerr *err);
IMPL(f_regexp_replace);
IMPL(f_encode);
IMPL(f_regexp_instr);
IMPL(f_regexp_substr);
IMPL(f_array_to_json);
IMPL(f_convert_to);
IMPL(f_convert_from);
IMPL(f_decode);
IMPL(f_substring_similar);
IMPL(f_regexp_replace_pos);
IMPL(f_regexp_match);
IMPL(f_regexp_like);
IMPL(f_regexp_count);
IMPL(f_regexp_split_to_array);
IMPL(f_similar_to_escape);
IMPL(f_format);
IMPL(f_sha224);
IMPL(f_sha256);
IMPL(f_sha384);
IMPL(f_sha512);
IMPL(f_quote_nullable);
IMPL(f_octet_length);
IMPL(f_inet_host);
IMPL(f_inet_masklen);
IMPL(f_inet_family);
IMPL(f_inet_network);
IMPL(f_inet_broadcast);
IMPL(f_inet_netmask);
IMPL(f_inet_hostmask);
IMPL(f_inet_text);
IMPL(f_inet_abbrev);
IMPL(f_inet_set_masklen);
IMPL(f_inet_inet_same_family);
IMPL(f_bit_length);
IMPL(f_translate);
IMPL(f_overlay);
IMPL(f_round_f8);
IMPL(f_trunc_f8);
IMPL(f_ceil_f8);
IMPL(f_floor_f8);
IMPL(f_sign_f8);
IMPL(f_sqrt_f8);
IMPL(f_exp_f8);
IMPL(f_ln_f8);
IMPL(f_log10_f8);
IMPL(f_power_f8);
IMPL(f_pi);
IMPL(f_jsonb_path_exists);
IMPL(f_jsonb_insert);
IMPL(f_jsonb_path_exists_op);
IMPL(f_jsonb_path_match_op);
IMPL(f_jsonb_path_match);
IMPL(f_jsonb_path_query_array);
IMPL(f_jsonb_path_query_first);
IMPL(f_cbrt);
IMPL(f_degrees);
IMPL(f_radians);
IMPL(f_sin);
IMPL(f_cos);
IMPL(f_tan);
IMPL(f_cot);
IMPL(f_asin);
IMPL(f_acos);
IMPL(f_atan);
IMPL(f_atan2);
IMPL(f_sinh);
IMPL(f_cosh);
IMPL(f_tanh);
IMPL(f_asinh);
IMPL(f_acosh);
IMPL(f_atanh);
IMPL(f_sind);
IMPL(f_cosd);
IMPL(f_tand);
IMPL(f_cotd);
IMPL(f_asind);
IMPL(f_acosd);
IMPL(f_atand);
IMPL(f_atan2d);
IMPL(f_random);
IMPL(f_setseed);
IMPL(f_factorial);
IMPL(f_scale);
IMPL(f_min_scale);
IMPL(f_trim_scale);
IMPL(f_get_byte);
IMPL(f_mod_int);
IMPL(f_gcd_int);
IMPL(f_lcm_int);
IMPL(f_round_num);
IMPL(f_trunc_num);
IMPL(f_ceil_num);
IMPL(f_floor_num);
IMPL(f_sign_num);
IMPL(f_mod_num);
IMPL(f_div_num);
IMPL(f_gcd_num);
IMPL(f_lcm_num);
IMPL(f_sqrt_num);
IMPL(f_width_bucket_f8);
IMPL(f_width_bucket_num);
IMPL(f_exp_num);
IMPL(f_ln_num);
IMPL(f_log_num);
IMPL(f_log10_num);
IMPL(f_power_num);
IMPL(f_jsonb_typeof);
IMPL(f_jsonb_array_length);
IMPL(f_jsonb_build_object);
IMPL(f_json_build_object);
IMPL(f_row);
IMPL(f_row_json);
IMPL(f_row_json_pretty);
IMPL(f_json_build_array);
IMPL(f_json_typeof);
IMPL(f_json_array_length);
IMPL(f_json_extract_path);
IMPL(f_json_extract_path_text);
IMPL(f_to_json);
IMPL(f_jsonb_build_array);
IMPL(f_to_jsonb);
IMPL(f_jsonb_strip_nulls);
IMPL(f_jsonb_extract_path);
IMPL(f_jsonb_extract_path_text);
IMPL(f_jsonb_pretty);
IMPL(f_num_nulls);
IMPL(f_num_nonnulls);

/* pg_proc of PostgreSQL 15 for these names (same argument types, result types, strictness). */
static const fn_def fn_defs[] = {
    /* inet and cidr (network.c): one implementation dispatching on the name */
    {"host", f_inet_host, TEXT, STRICT, 1, {SQLVAL_INET}, 0},
    {"masklen", f_inet_masklen, INT4, STRICT, 1, {SQLVAL_INET}, 0},
    {"family", f_inet_family, INT4, STRICT, 1, {SQLVAL_INET}, 0},
    {"network", f_inet_network, SQLVAL_CIDR, STRICT, 1, {SQLVAL_INET}, 0},
    {"broadcast", f_inet_broadcast, SQLVAL_INET, STRICT, 1, {SQLVAL_INET}, 0},
    {"netmask", f_inet_netmask, SQLVAL_INET, STRICT, 1, {SQLVAL_INET}, 0},
    {"hostmask", f_inet_hostmask, SQLVAL_INET, STRICT, 1, {SQLVAL_INET}, 0},
    {"text", f_inet_text, TEXT, STRICT, 1, {SQLVAL_INET}, 0},
    {"abbrev", f_inet_abbrev, TEXT, STRICT, 1, {SQLVAL_INET}, 0},
    {"abbrev", f_inet_abbrev, TEXT, STRICT, 1, {SQLVAL_CIDR}, 0},
    {"set_masklen", f_inet_set_masklen, SQLVAL_INET, STRICT, 2, {SQLVAL_INET, INT4}, 0},
    {"set_masklen", f_inet_set_masklen, SQLVAL_CIDR, STRICT, 2, {SQLVAL_CIDR, INT4}, 0},
    {"inet_same_family", f_inet_inet_same_family, SQLVAL_BOOL, STRICT, 2, {SQLVAL_INET, SQLVAL_INET}, 0},
    /* strings */
    {"substr", f_substr, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"substr", f_substr, TEXT, STRICT, 3, {TEXT, INT4, INT4}, 0},
    {"substr", f_substr_bytea, BYTEA, STRICT, 2, {BYTEA, INT4}, 0},
    {"substr", f_substr_bytea, BYTEA, STRICT, 3, {BYTEA, INT4, INT4}, 0},
    {"substring", f_substr, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"substring", f_substr, TEXT, STRICT, 3, {TEXT, INT4, INT4}, 0},
    {"substring", f_substr_bytea, BYTEA, STRICT, 2, {BYTEA, INT4}, 0},
    {"substring", f_substr_bytea, BYTEA, STRICT, 3, {BYTEA, INT4, INT4}, 0},
    {"substring", NULL, T_BIT, STRICT, 2, {T_BIT, INT4}, 0},
    {"substring", NULL, T_BIT, STRICT, 3, {T_BIT, INT4, INT4}, 0},
    {"substring", f_substring_regex, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"substring", f_substring_similar, TEXT, STRICT, 3, {TEXT, TEXT, TEXT}, 0}, /* SIMILAR ... ESCAPE */
    {"strpos", f_strpos, INT4, STRICT, 2, {TEXT, TEXT}, 0},
    {"position", f_strpos, INT4, STRICT, 2, {TEXT, TEXT}, 0}, /* POSITION(a IN b) */
    {"position", f_position_bytea, INT4, STRICT, 2, {BYTEA, BYTEA}, 0},
    {"position", NULL, INT4, STRICT, 2, {T_BIT, T_BIT}, 0},
    {"replace", f_replace, TEXT, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"lpad", f_lpad, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"lpad", f_lpad, TEXT, STRICT, 3, {TEXT, INT4, TEXT}, 0},
    {"rpad", f_rpad, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"rpad", f_rpad, TEXT, STRICT, 3, {TEXT, INT4, TEXT}, 0},
    {"repeat", f_repeat, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"chr", f_chr, TEXT, STRICT, 1, {INT4}, 0},
    {"ascii", f_ascii, INT4, STRICT, 1, {TEXT}, 0},
    {"concat", f_concat, TEXT, LAX, 0, {0}, T_ANY},
    /* whole-row values (sqlexpr.c "rows"): _row(name1, v1, ...) is the record's text,
       _row_json its json object (row_to_json), _row_jsonb its jsonb one (to_jsonb) */
    {"_row", f_row, TEXT, LAX, 0, {0}, T_ANY},
    {"_row_json", f_row_json, SQLVAL_JSON, LAX, 0, {0}, T_ANY},
    {"_row_json_pretty", f_row_json_pretty, SQLVAL_JSON, LAX, 0, {0}, T_ANY},
    {"_row_jsonb", f_jsonb_build_object, SQLVAL_JSONB, LAX, 0, {0}, T_ANY},
    {"concat_ws", f_concat_ws, TEXT, LAX, 1, {TEXT}, T_ANY},
    {"left", f_left, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"right", f_right, TEXT, STRICT, 2, {TEXT, INT4}, 0},
    {"reverse", f_reverse, TEXT, STRICT, 1, {TEXT}, 0},
    {"btrim", f_btrim, TEXT, STRICT, 1, {TEXT}, 0}, /* TRIM([BOTH] [x] FROM y) */
    {"btrim", f_btrim, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"btrim", f_btrim_bytea, BYTEA, STRICT, 2, {BYTEA, BYTEA}, 0},
    {"ltrim", f_ltrim, TEXT, STRICT, 1, {TEXT}, 0}, /* TRIM(LEADING ...) */
    {"ltrim", f_ltrim, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"ltrim", f_ltrim_bytea, BYTEA, STRICT, 2, {BYTEA, BYTEA}, 0},
    {"rtrim", f_rtrim, TEXT, STRICT, 1, {TEXT}, 0}, /* TRIM(TRAILING ...) */
    {"rtrim", f_rtrim, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"rtrim", f_rtrim_bytea, BYTEA, STRICT, 2, {BYTEA, BYTEA}, 0},
    {"split_part", f_split_part, TEXT, STRICT, 3, {TEXT, TEXT, INT4}, 0},
    {"initcap", f_initcap, TEXT, STRICT, 1, {TEXT}, 0},
    {"md5", f_md5, TEXT, STRICT, 1, {TEXT}, 0},
    {"md5", f_md5, TEXT, STRICT, 1, {BYTEA}, 0},
    {"to_hex", f_to_hex, TEXT, STRICT, 1, {INT4}, 0},
    {"to_hex", f_to_hex, TEXT, STRICT, 1, {INT8}, 0},
    {"starts_with", f_starts_with, SQLVAL_BOOL, STRICT, 2, {TEXT, TEXT}, 0},
    {"string_to_array", f_string_to_array, TARR, LAX, 2, {TEXT, TEXT}, 0},
    {"string_to_array", f_string_to_array, TARR, LAX, 3, {TEXT, TEXT, TEXT}, 0},
    {"array_to_string", f_array_to_string, TEXT, STRICT, 2, {T_ANYARRAY, TEXT}, 0},
    {"array_to_string", f_array_to_string, TEXT, LAX, 3, {T_ANYARRAY, TEXT, TEXT}, 0},
    {"quote_ident", f_quote_ident, TEXT, STRICT, 1, {TEXT}, 0},
    {"array_upper", f_array_upper, INT4, STRICT, 2, {T_ANYARRAY, INT4}, 0},
    {"array_lower", f_array_lower, INT4, STRICT, 2, {T_ANYARRAY, INT4}, 0},
    /* catalog helpers that need no catalog */
    {"pg_encoding_to_char", f_pg_encoding_to_char, SQLVAL_NAME, STRICT, 1, {INT4}, 0},
    {"pg_size_pretty", f_pg_size_pretty, TEXT, STRICT, 1, {INT8}, 0},
    {"pg_size_pretty", f_pg_size_pretty_num, TEXT, STRICT, 1, {NUM}, 0},
    {"pg_is_in_recovery", f_pg_is_in_recovery, SQLVAL_BOOL, STRICT, 0, {0}, 0},
    {"regexp_replace", f_regexp_replace, TEXT, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"regexp_replace", f_regexp_replace, TEXT, STRICT, 4, {TEXT, TEXT, TEXT, TEXT}, 0},
    {"regexp_replace", f_regexp_replace_pos, TEXT, STRICT, 4, {TEXT, TEXT, TEXT, INT4}, 0},
    {"regexp_replace", f_regexp_replace_pos, TEXT, STRICT, 5, {TEXT, TEXT, TEXT, INT4, INT4}, 0},
    {"regexp_replace", f_regexp_replace_pos, TEXT, STRICT, 6, {TEXT, TEXT, TEXT, INT4, INT4, TEXT}, 0},
    {"regexp_match", f_regexp_match, TARR, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_match", f_regexp_match, TARR, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"regexp_like", f_regexp_like, SQLVAL_BOOL, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_like", f_regexp_like, SQLVAL_BOOL, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"regexp_count", f_regexp_count, INT4, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_count", f_regexp_count, INT4, STRICT, 3, {TEXT, TEXT, INT4}, 0},
    {"regexp_count", f_regexp_count, INT4, STRICT, 4, {TEXT, TEXT, INT4, TEXT}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 3, {TEXT, TEXT, INT4}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 4, {TEXT, TEXT, INT4, INT4}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 5, {TEXT, TEXT, INT4, INT4, INT4}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 6, {TEXT, TEXT, INT4, INT4, INT4, TEXT}, 0},
    {"regexp_instr", f_regexp_instr, INT4, STRICT, 7, {TEXT, TEXT, INT4, INT4, INT4, TEXT, INT4}, 0},
    {"regexp_substr", f_regexp_substr, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_substr", f_regexp_substr, TEXT, STRICT, 3, {TEXT, TEXT, INT4}, 0},
    {"regexp_substr", f_regexp_substr, TEXT, STRICT, 4, {TEXT, TEXT, INT4, INT4}, 0},
    {"regexp_substr", f_regexp_substr, TEXT, STRICT, 5, {TEXT, TEXT, INT4, INT4, TEXT}, 0},
    {"regexp_substr", f_regexp_substr, TEXT, STRICT, 6, {TEXT, TEXT, INT4, INT4, TEXT, INT4}, 0},
    {"regexp_split_to_array", f_regexp_split_to_array, TARR, STRICT, 2, {TEXT, TEXT}, 0},
    {"regexp_split_to_array", f_regexp_split_to_array, TARR, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"similar_to_escape", f_similar_to_escape, TEXT, STRICT, 1, {TEXT}, 0},
    {"similar_to_escape", f_similar_to_escape, TEXT, STRICT, 2, {TEXT, TEXT}, 0},
    {"format", f_format, TEXT, LAX, 1, {TEXT}, 0},
    {"format", f_format, TEXT, LAX, 1, {TEXT}, T_ANY},
    {"encode", f_encode, TEXT, STRICT, 2, {BYTEA, TEXT}, 0},
    {"array_to_json", f_array_to_json, SQLVAL_JSON, STRICT, 1, {T_ANYARRAY}, 0},
    {"array_to_json", f_array_to_json, SQLVAL_JSON, STRICT, 2, {T_ANYARRAY, SQLVAL_BOOL}, 0},
    {"convert_to", f_convert_to, BYTEA, STRICT, 2, {TEXT, SQLVAL_NAME}, 0},
    {"convert_from", f_convert_from, TEXT, STRICT, 2, {BYTEA, SQLVAL_NAME}, 0},
    {"decode", f_decode, BYTEA, STRICT, 2, {TEXT, TEXT}, 0},
    {"sha224", f_sha224, BYTEA, STRICT, 1, {BYTEA}, 0},
    {"sha256", f_sha256, BYTEA, STRICT, 1, {BYTEA}, 0},
    {"sha384", f_sha384, BYTEA, STRICT, 1, {BYTEA}, 0},
    {"sha512", f_sha512, BYTEA, STRICT, 1, {BYTEA}, 0},
    {"quote_literal", f_quote_literal, TEXT, STRICT, 1, {TEXT}, 0},
    {"quote_literal", f_quote_literal, TEXT, STRICT, 1, {T_ANYELEMENT}, 0},
    {"quote_nullable", f_quote_nullable, TEXT, LAX, 1, {TEXT}, 0},
    {"quote_nullable", f_quote_nullable, TEXT, LAX, 1, {T_ANYELEMENT}, 0},
    {"octet_length", f_octet_length, INT4, STRICT, 1, {TEXT}, 0},
    {"octet_length", f_octet_length, INT4, STRICT, 1, {BYTEA}, 0},
    {"octet_length", NULL, INT4, STRICT, 1, {T_BIT}, 0},
    {"octet_length", f_octet_length, INT4, STRICT, 1, {SQLVAL_BPCHAR}, 0},
    {"bit_length", f_bit_length, INT4, STRICT, 1, {TEXT}, 0},
    {"bit_length", f_bit_length, INT4, STRICT, 1, {BYTEA}, 0},
    {"bit_length", NULL, INT4, STRICT, 1, {T_BIT}, 0},
    {"length", f_octet_length, INT4, STRICT, 1, {BYTEA}, 0}, /* sqlexpr.c has length(text) */
    {"translate", f_translate, TEXT, STRICT, 3, {TEXT, TEXT, TEXT}, 0},
    {"overlay", f_overlay, TEXT, STRICT, 3, {TEXT, TEXT, INT4}, 0},
    {"overlay", f_overlay, TEXT, STRICT, 4, {TEXT, TEXT, INT4, INT4}, 0},
    {"overlay", NULL, BYTEA, STRICT, 3, {BYTEA, BYTEA, INT4}, 0},
    {"overlay", NULL, BYTEA, STRICT, 4, {BYTEA, BYTEA, INT4, INT4}, 0},
    {"overlay", NULL, T_BIT, STRICT, 3, {T_BIT, T_BIT, INT4}, 0},
    {"overlay", NULL, T_BIT, STRICT, 4, {T_BIT, T_BIT, INT4, INT4}, 0},
    /* math */
    {"round", f_round_f8, F8, STRICT, 1, {F8}, 0},
    {"round", f_round_num, NUM, STRICT, 1, {NUM}, 0},
    {"round", f_round_num, NUM, STRICT, 2, {NUM, INT4}, 0},
    {"trunc", f_trunc_f8, F8, STRICT, 1, {F8}, 0},
    {"trunc", f_trunc_num, NUM, STRICT, 1, {NUM}, 0},
    {"trunc", f_trunc_num, NUM, STRICT, 2, {NUM, INT4}, 0},
    {"trunc", NULL, T_MACADDR, STRICT, 1, {T_MACADDR}, 0},
    {"trunc", NULL, T_MACADDR8, STRICT, 1, {T_MACADDR8}, 0},
    {"ceil", f_ceil_f8, F8, STRICT, 1, {F8}, 0},
    {"ceil", f_ceil_num, NUM, STRICT, 1, {NUM}, 0},
    {"ceiling", f_ceil_f8, F8, STRICT, 1, {F8}, 0},
    {"ceiling", f_ceil_num, NUM, STRICT, 1, {NUM}, 0},
    {"floor", f_floor_f8, F8, STRICT, 1, {F8}, 0},
    {"floor", f_floor_num, NUM, STRICT, 1, {NUM}, 0},
    {"sign", f_sign_f8, F8, STRICT, 1, {F8}, 0},
    {"sign", f_sign_num, NUM, STRICT, 1, {NUM}, 0},
    {"mod", f_mod_int, INT2, STRICT, 2, {INT2, INT2}, 0},
    {"mod", f_mod_int, INT4, STRICT, 2, {INT4, INT4}, 0},
    {"mod", f_mod_int, INT8, STRICT, 2, {INT8, INT8}, 0},
    {"mod", f_mod_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"power", f_power_f8, F8, STRICT, 2, {F8, F8}, 0},
    {"power", f_power_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"pow", f_power_f8, F8, STRICT, 2, {F8, F8}, 0},
    {"pow", f_power_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"sqrt", f_sqrt_f8, F8, STRICT, 1, {F8}, 0},
    {"sqrt", f_sqrt_num, NUM, STRICT, 1, {NUM}, 0},
    {"width_bucket", f_width_bucket_f8, INT4, STRICT, 4, {F8, F8, F8, INT4}, 0},
    {"width_bucket", f_width_bucket_num, INT4, STRICT, 4, {NUM, NUM, NUM, INT4}, 0},
    {"exp", f_exp_f8, F8, STRICT, 1, {F8}, 0},
    {"exp", f_exp_num, NUM, STRICT, 1, {NUM}, 0},
    {"ln", f_ln_f8, F8, STRICT, 1, {F8}, 0},
    {"ln", f_ln_num, NUM, STRICT, 1, {NUM}, 0},
    {"log", f_log10_f8, F8, STRICT, 1, {F8}, 0},
    {"log", f_log10_num, NUM, STRICT, 1, {NUM}, 0},
    {"log", f_log_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"log10", f_log10_f8, F8, STRICT, 1, {F8}, 0},
    {"log10", f_log10_num, NUM, STRICT, 1, {NUM}, 0},
    {"div", f_div_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"gcd", f_gcd_int, INT4, STRICT, 2, {INT4, INT4}, 0},
    {"gcd", f_gcd_int, INT8, STRICT, 2, {INT8, INT8}, 0},
    {"gcd", f_gcd_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"lcm", f_lcm_int, INT4, STRICT, 2, {INT4, INT4}, 0},
    {"lcm", f_lcm_int, INT8, STRICT, 2, {INT8, INT8}, 0},
    {"lcm", f_lcm_num, NUM, STRICT, 2, {NUM, NUM}, 0},
    {"pi", f_pi, F8, STRICT, 0, {0}, 0},
    {"cbrt", f_cbrt, F8, STRICT, 1, {F8}, 0},
    {"degrees", f_degrees, F8, STRICT, 1, {F8}, 0},
    {"radians", f_radians, F8, STRICT, 1, {F8}, 0},
    {"sin", f_sin, F8, STRICT, 1, {F8}, 0},
    {"cos", f_cos, F8, STRICT, 1, {F8}, 0},
    {"tan", f_tan, F8, STRICT, 1, {F8}, 0},
    {"cot", f_cot, F8, STRICT, 1, {F8}, 0},
    {"asin", f_asin, F8, STRICT, 1, {F8}, 0},
    {"acos", f_acos, F8, STRICT, 1, {F8}, 0},
    {"atan", f_atan, F8, STRICT, 1, {F8}, 0},
    {"atan2", f_atan2, F8, STRICT, 2, {F8, F8}, 0},
    {"sinh", f_sinh, F8, STRICT, 1, {F8}, 0},
    {"cosh", f_cosh, F8, STRICT, 1, {F8}, 0},
    {"tanh", f_tanh, F8, STRICT, 1, {F8}, 0},
    {"asinh", f_asinh, F8, STRICT, 1, {F8}, 0},
    {"acosh", f_acosh, F8, STRICT, 1, {F8}, 0},
    {"atanh", f_atanh, F8, STRICT, 1, {F8}, 0},
    {"sind", f_sind, F8, STRICT, 1, {F8}, 0},
    {"cosd", f_cosd, F8, STRICT, 1, {F8}, 0},
    {"tand", f_tand, F8, STRICT, 1, {F8}, 0},
    {"cotd", f_cotd, F8, STRICT, 1, {F8}, 0},
    {"asind", f_asind, F8, STRICT, 1, {F8}, 0},
    {"acosd", f_acosd, F8, STRICT, 1, {F8}, 0},
    {"atand", f_atand, F8, STRICT, 1, {F8}, 0},
    {"atan2d", f_atan2d, F8, STRICT, 2, {F8, F8}, 0},
    {"random", f_random, F8, STRICT, 0, {0}, 0},
    {"setseed", f_setseed, SQLVAL_VOID, STRICT, 1, {F8}, 0},
    {"factorial", f_factorial, NUM, STRICT, 1, {INT8}, 0},
    {"scale", f_scale, INT4, STRICT, 1, {NUM}, 0},
    {"min_scale", f_min_scale, INT4, STRICT, 1, {NUM}, 0},
    {"trim_scale", f_trim_scale, NUM, STRICT, 1, {NUM}, 0},
    {"get_byte", f_get_byte, INT4, STRICT, 2, {BYTEA, INT4}, 0},
    /* jsonb */
    {"jsonb_insert", f_jsonb_insert, JSONB, STRICT, 3, {JSONB, SQLVAL_TEXTARRAY, JSONB}, 0},
    {"jsonb_insert", f_jsonb_insert, JSONB, STRICT, 4, {JSONB, SQLVAL_TEXTARRAY, JSONB, SQLVAL_BOOL}, 0},
    /* SQL/JSON path (sqljsonpath.h): (target, path [, vars [, silent]]); jsonb @? / @@ path */
    {"op@?", f_jsonb_path_exists_op, SQLVAL_BOOL, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"op@@", f_jsonb_path_match_op, SQLVAL_BOOL, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"jsonb_path_exists", f_jsonb_path_exists, SQLVAL_BOOL, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"jsonb_path_exists", f_jsonb_path_exists, SQLVAL_BOOL, STRICT, 3, {JSONB, SQLVAL_JSONPATH, JSONB}, 0},
    {"jsonb_path_exists", f_jsonb_path_exists, SQLVAL_BOOL, STRICT, 4, {JSONB, SQLVAL_JSONPATH, JSONB, SQLVAL_BOOL}, 0},
    {"jsonb_path_match", f_jsonb_path_match, SQLVAL_BOOL, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"jsonb_path_match", f_jsonb_path_match, SQLVAL_BOOL, STRICT, 3, {JSONB, SQLVAL_JSONPATH, JSONB}, 0},
    {"jsonb_path_match", f_jsonb_path_match, SQLVAL_BOOL, STRICT, 4, {JSONB, SQLVAL_JSONPATH, JSONB, SQLVAL_BOOL}, 0},
    {"jsonb_path_query_array", f_jsonb_path_query_array, JSONB, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"jsonb_path_query_array", f_jsonb_path_query_array, JSONB, STRICT, 3, {JSONB, SQLVAL_JSONPATH, JSONB}, 0},
    {"jsonb_path_query_array", f_jsonb_path_query_array, JSONB, STRICT, 4, {JSONB, SQLVAL_JSONPATH, JSONB, SQLVAL_BOOL}, 0},
    {"jsonb_path_query_first", f_jsonb_path_query_first, JSONB, STRICT, 2, {JSONB, SQLVAL_JSONPATH}, 0},
    {"jsonb_path_query_first", f_jsonb_path_query_first, JSONB, STRICT, 3, {JSONB, SQLVAL_JSONPATH, JSONB}, 0},
    {"jsonb_path_query_first", f_jsonb_path_query_first, JSONB, STRICT, 4, {JSONB, SQLVAL_JSONPATH, JSONB, SQLVAL_BOOL}, 0},
    {"jsonb_typeof", f_jsonb_typeof, TEXT, STRICT, 1, {JSONB}, 0},
    {"jsonb_array_length", f_jsonb_array_length, INT4, STRICT, 1, {JSONB}, 0},
    /* json_build_*: json's text as PostgreSQL prints it (keys kept in order, "k" : v) */
    {"json_build_object", f_json_build_object, SQLVAL_JSON, LAX, 0, {0}, 0},
    {"json_build_object", f_json_build_object, SQLVAL_JSON, LAX, 0, {0}, T_ANY},
    {"json_build_array", f_json_build_array, SQLVAL_JSON, LAX, 0, {0}, 0},
    {"json_build_array", f_json_build_array, SQLVAL_JSON, LAX, 0, {0}, T_ANY},
    /* json (sqljson.h): on the text as written */
    {"json_typeof", f_json_typeof, TEXT, STRICT, 1, {SQLVAL_JSON}, 0},
    {"json_array_length", f_json_array_length, INT4, STRICT, 1, {SQLVAL_JSON}, 0},
    {"json_extract_path", f_json_extract_path, SQLVAL_JSON, STRICT, 1, {SQLVAL_JSON}, TEXT},
    {"json_extract_path_text", f_json_extract_path_text, TEXT, STRICT, 1, {SQLVAL_JSON}, TEXT},
    {"to_json", f_to_json, SQLVAL_JSON, STRICT, 1, {T_ANYELEMENT}, 0},
    {"jsonb_build_object", f_jsonb_build_object, JSONB, LAX, 0, {0}, 0},
    {"jsonb_build_object", f_jsonb_build_object, JSONB, LAX, 0, {0}, T_ANY},
    {"jsonb_build_array", f_jsonb_build_array, JSONB, LAX, 0, {0}, 0},
    {"jsonb_build_array", f_jsonb_build_array, JSONB, LAX, 0, {0}, T_ANY},
    {"to_jsonb", f_to_jsonb, JSONB, STRICT, 1, {T_ANYELEMENT}, 0},
    {"jsonb_strip_nulls", f_jsonb_strip_nulls, JSONB, STRICT, 1, {JSONB}, 0},
    {"jsonb_extract_path", f_jsonb_extract_path, JSONB, STRICT, 1, {JSONB}, TEXT},
    {"jsonb_extract_path_text", f_jsonb_extract_path_text, TEXT, STRICT, 1, {JSONB}, TEXT},
    {"jsonb_pretty", f_jsonb_pretty, TEXT, STRICT, 1, {JSONB}, 0},
    /* misc */
    {"num_nulls", f_num_nulls, INT4, LAX, 0, {0}, T_ANY},
    {"num_nonnulls", f_num_nonnulls, INT4, LAX, 0, {0}, T_ANY},
    /* date/time (sqldate.c) */
    {"date_trunc", sqldate_fn_date_trunc, TS, STRICT, 2, {TEXT, TS}, 0},
    {"date_trunc", sqldate_fn_date_trunc, TZ, STRICT, 2, {TEXT, TZ}, 0},
    {"date_trunc", sqldate_fn_date_trunc, IV, STRICT, 2, {TEXT, IV}, 0},
    {"date_part", sqldate_fn_date_part, F8, STRICT, 2, {TEXT, TS}, 0},
    {"date_part", sqldate_fn_date_part, F8, STRICT, 2, {TEXT, TZ}, 0},
    {"date_part", sqldate_fn_date_part, F8, STRICT, 2, {TEXT, DT}, 0},
    {"date_part", sqldate_fn_date_part, F8, STRICT, 2, {TEXT, TM}, 0},
    {"date_part", sqldate_fn_date_part, F8, STRICT, 2, {TEXT, IV}, 0},
    {"extract", sqldate_fn_extract, NUM, STRICT, 2, {TEXT, TS}, 0},
    {"extract", sqldate_fn_extract, NUM, STRICT, 2, {TEXT, TZ}, 0},
    {"extract", sqldate_fn_extract, NUM, STRICT, 2, {TEXT, DT}, 0},
    {"extract", sqldate_fn_extract, NUM, STRICT, 2, {TEXT, TM}, 0},
    {"extract", sqldate_fn_extract, NUM, STRICT, 2, {TEXT, IV}, 0},
    {"age", sqldate_fn_age, IV, STRICT, 2, {TS, TS}, 0},
    {"age", sqldate_fn_age, IV, STRICT, 2, {TZ, TZ}, 0},
    {"age", sqldate_fn_age, IV, STRICT, 1, {TS}, 0},
    {"age", sqldate_fn_age, IV, STRICT, 1, {TZ}, 0},
    {"make_date", sqldate_fn_make_date, DT, STRICT, 3, {INT4, INT4, INT4}, 0},
    {"make_time", sqldate_fn_make_time, TM, STRICT, 3, {INT4, INT4, F8}, 0},
    {"make_timestamp", sqldate_fn_make_timestamp, TS, STRICT, 6, {INT4, INT4, INT4, INT4, INT4, F8}, 0},
    {"make_timestamptz", sqldate_fn_make_timestamptz, TZ, STRICT, 6, {INT4, INT4, INT4, INT4, INT4, F8}, 0},
    {"make_timestamptz", sqldate_fn_make_timestamptz, TZ, STRICT, 7, {INT4, INT4, INT4, INT4, INT4, F8, TEXT}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 0, {0}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 1, {INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 2, {INT4, INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 3, {INT4, INT4, INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 4, {INT4, INT4, INT4, INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 5, {INT4, INT4, INT4, INT4, INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 6, {INT4, INT4, INT4, INT4, INT4, INT4}, 0},
    {"make_interval", sqldate_fn_make_interval, IV, STRICT, 7, {INT4, INT4, INT4, INT4, INT4, INT4, F8}, 0},
    {"justify_days", sqldate_fn_justify_days, IV, STRICT, 1, {IV}, 0},
    {"justify_hours", sqldate_fn_justify_hours, IV, STRICT, 1, {IV}, 0},
    {"justify_interval", sqldate_fn_justify_interval, IV, STRICT, 1, {IV}, 0},
    {"isfinite", sqldate_fn_isfinite, SQLVAL_BOOL, STRICT, 1, {DT}, 0},
    {"isfinite", sqldate_fn_isfinite, SQLVAL_BOOL, STRICT, 1, {TS}, 0},
    {"isfinite", sqldate_fn_isfinite, SQLVAL_BOOL, STRICT, 1, {TZ}, 0},
    {"isfinite", sqldate_fn_isfinite, SQLVAL_BOOL, STRICT, 1, {IV}, 0},
    {"to_timestamp", sqldate_fn_to_timestamp, TZ, STRICT, 1, {F8}, 0},
    {"to_timestamp", sqldate_fn_to_timestamp_text, TZ, STRICT, 2, {TEXT, TEXT}, 0},
    {"to_date", sqldate_fn_to_date, DT, STRICT, 2, {TEXT, TEXT}, 0},
    {"timezone", sqldate_fn_timezone, TS, STRICT, 2, {TEXT, TZ}, 0},
    {"timezone", sqldate_fn_timezone, TZ, STRICT, 2, {TEXT, TS}, 0},
    {"to_char", sqldate_fn_to_char, TEXT, STRICT, 2, {TS, TEXT}, 0},
    {"to_char", sqldate_fn_to_char, TEXT, STRICT, 2, {TZ, TEXT}, 0},
    {"to_char", sqldate_fn_to_char, TEXT, STRICT, 2, {IV, TEXT}, 0},
    {"to_char", f_to_char_num, TEXT, STRICT, 2, {NUM, TEXT}, 0},
    {"to_char", f_to_char_num, TEXT, STRICT, 2, {F8, TEXT}, 0},
    {"to_char", f_to_char_num, TEXT, STRICT, 2, {SQLVAL_FLOAT4, TEXT}, 0},
    {"to_char", f_to_char_num, TEXT, STRICT, 2, {INT8, TEXT}, 0},
    {"to_char", f_to_char_num, TEXT, STRICT, 2, {INT4, TEXT}, 0},
    {"to_number", f_to_number, NUM, STRICT, 2, {TEXT, TEXT}, 0},
    {"date_bin", sqldate_fn_date_bin, TS, STRICT, 3, {IV, TS, TS}, 0},
    {"date_bin", sqldate_fn_date_bin, TZ, STRICT, 3, {IV, TZ, TZ}, 0},
    {"gen_random_uuid", sqldate_fn_gen_random_uuid, SQLVAL_UUID, STRICT, 0, {0}, 0},
    /* uuid-ossp's (CREATE EXTENSION "uuid-ossp" records it; they exist either way) */
    {"uuid_generate_v4", sqldate_fn_gen_random_uuid, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_generate_v1", f_uuid_v1, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_generate_v1mc", f_uuid_v1, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_generate_v3", f_uuid_v3, SQLVAL_UUID, STRICT, 2, {SQLVAL_UUID, TEXT}, 0},
    {"uuid_generate_v5", f_uuid_v5, SQLVAL_UUID, STRICT, 2, {SQLVAL_UUID, TEXT}, 0},
    {"uuid_nil", f_uuid_nil, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"parse_ident", f_parse_ident, SQLVAL_TEXTARRAY, STRICT, 1, {TEXT}, 0},
    {"parse_ident", f_parse_ident, SQLVAL_TEXTARRAY, STRICT, 2, {TEXT, SQLVAL_BOOL}, 0},
    {"uuid_ns_dns", f_uuid_ns_dns, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_ns_url", f_uuid_ns_url, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_ns_oid", f_uuid_ns_oid, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"uuid_ns_x500", f_uuid_ns_x500, SQLVAL_UUID, STRICT, 0, {0}, 0},
    {"clock_timestamp", sqldate_fn_clock_timestamp, TZ, STRICT, 0, {0}, 0},
};

#define NDEFS ((int)(sizeof(fn_defs) / sizeof(fn_defs[0])))
#define MAX_CANDIDATES 16

static bool arity_ok(const fn_def *d, int nargs)
{
    return d->variadic ? nargs > d->nargs : nargs == d->nargs;
}

static int param_type(const fn_def *d, int i)
{
    return i < d->nargs ? d->args[i] : d->variadic;
}

/* ------------------------------------------------------------------ resolution */

static bool is_polymorphic(int t)
{
    return t == T_ANYELEMENT || t == T_ANYARRAY;
}

/* Keeps the candidates with the most arguments of the input's own type (pass 0) or of the
 * input's own type or its category's preferred type (pass 1); unknown inputs do not count. */
static int keep_best_matches(int *cand, int nc, const sqlval_type *args, int nargs, int pass)
{
    int best = -1, kept = 0;
    int keep[MAX_CANDIDATES];
    for (int c = 0; c < nc; c++) {
        int m = 0;
        for (int i = 0; i < nargs; i++) {
            if (args[i] == SQLVAL_UNKNOWN) continue;
            int pt = param_type(&fn_defs[cand[c]], i);
            bool in_pref, pt_pref;
            char cat = type_category(args[i], &in_pref);
            bool preferred = type_category(pt, &pt_pref) == cat && pt_pref;
            if (pt == (int)args[i] || (pass == 1 && preferred)) m++;
        }
        if (m > best) {
            best = m;
            kept = 0;
        }
        if (m == best) keep[kept++] = cand[c];
    }
    memcpy(cand, keep, (size_t)kept * sizeof(int));
    return kept;
}

/* func_select_candidate: PostgreSQL's heuristics to pick one of several candidates every
 * argument can be coerced to; -1 when they cannot decide (the call is ambiguous). */
static int select_candidate(int *cand, int nc, const sqlval_type *args, int nargs)
{
    int nunknown = 0;
    for (int i = 0; i < nargs; i++) nunknown += args[i] == SQLVAL_UNKNOWN;
    for (int pass = 0; pass < 2; pass++)
        if ((nc = keep_best_matches(cand, nc, args, nargs, pass)) == 1) return cand[0];
    if (nunknown == 0) return -1;

    /* an unknown argument takes the category the candidates agree on (string wins a
     * conflict), and the preferred type of that category if some candidate has it there */
    char slot_cat[SQLFUNC_MAX_ARGS];
    bool slot_pref[SQLFUNC_MAX_ARGS];
    bool resolved = true;
    for (int i = 0; i < nargs && resolved; i++) {
        if (args[i] != SQLVAL_UNKNOWN) continue;
        slot_cat[i] = 0;
        slot_pref[i] = false;
        bool conflict = false;
        for (int c = 0; c < nc; c++) {
            bool pref;
            char cat = type_category(param_type(&fn_defs[cand[c]], i), &pref);
            if (!slot_cat[i]) {
                slot_cat[i] = cat;
                slot_pref[i] = pref;
            } else if (cat == slot_cat[i]) {
                slot_pref[i] |= pref;
            } else if (cat == 'S') {
                slot_cat[i] = cat;
                slot_pref[i] = pref;
            } else {
                conflict = true;
            }
        }
        if (conflict && slot_cat[i] != 'S') resolved = false;
    }
    if (resolved) {
        int keep[MAX_CANDIDATES], kept = 0;
        for (int c = 0; c < nc; c++) {
            bool ok = true;
            for (int i = 0; i < nargs && ok; i++) {
                if (args[i] != SQLVAL_UNKNOWN) continue;
                bool pref;
                char cat = type_category(param_type(&fn_defs[cand[c]], i), &pref);
                ok = cat == slot_cat[i] && (!slot_pref[i] || pref);
            }
            if (ok) keep[kept++] = cand[c];
        }
        if (kept) {
            memcpy(cand, keep, (size_t)kept * sizeof(int));
            nc = kept;
        }
        if (nc == 1) return cand[0];
    }

    /* last: when every known argument has the same type, try the unknowns as that type */
    if (nunknown < nargs) {
        int known = -1;
        for (int i = 0; i < nargs; i++) {
            if (args[i] == SQLVAL_UNKNOWN) continue;
            if (known < 0) {
                known = args[i];
            } else if (known != (int)args[i]) {
                known = -1;
                break;
            }
        }
        if (known >= 0) {
            int found = -1, count = 0;
            for (int c = 0; c < nc; c++) {
                bool ok = true;
                for (int i = 0; i < nargs && ok; i++)
                    ok = coercible(known, param_type(&fn_defs[cand[c]], i));
                if (ok) {
                    found = cand[c];
                    count++;
                }
            }
            if (count == 1) return found;
        }
    }
    return -1;
}

static void signature(char *buf, size_t bufsz, const char *name, const int *types, int n)
{
    size_t o = (size_t)snprintf(buf, bufsz, "%s(", name);
    for (int i = 0; i < n && o < bufsz; i++)
        o += (size_t)snprintf(buf + o, bufsz - o, "%s%s", i ? ", " : "", arg_type_name(types[i]));
    if (o < bufsz) snprintf(buf + o, bufsz - o, ")");
}

int sqlfunc_resolve(const char *name, const sqlval_type *args, int nargs, sqlval_type *ret,
                    int *id, sqlerr *err)
{
    if (nargs < 0 || nargs > SQLFUNC_MAX_ARGS) return 0;
    int cand[MAX_CANDIDATES], nc = 0, best = -1;
    /* an exact match wins outright; otherwise every candidate each argument coerces to */
    for (int d = 0; d < NDEFS && best < 0; d++) {
        if (strcmp(fn_defs[d].name, name) != 0 || !arity_ok(&fn_defs[d], nargs)) continue;
        bool exact = true, ok = true;
        for (int i = 0; i < nargs; i++) {
            int pt = param_type(&fn_defs[d], i);
            exact &= pt == (int)args[i];
            ok &= coercible(args[i], pt);
        }
        if (exact) best = d;
        else if (ok && nc < MAX_CANDIDATES) cand[nc++] = d;
    }
    if (best < 0 && nc == 0) return 0;
    if (best < 0) best = nc == 1 ? cand[0] : select_candidate(cand, nc, args, nargs);
    int types[SQLFUNC_MAX_ARGS];
    char sig[320];
    if (best < 0) {
        for (int i = 0; i < nargs; i++) types[i] = args[i];
        signature(sig, sizeof(sig), name, types, nargs);
        sqlerr_set(err, SQLSTATE_AMBIGUOUS_FUNCTION, -1, "function %s is not unique", sig);
        sqlerr_hint(err, "Could not choose a best candidate function. You might need to add "
                         "explicit type casts.");
        return SQL_ERR;
    }
    const fn_def *d = &fn_defs[best];
    for (int i = 0; i < nargs; i++)
        if (is_polymorphic(param_type(d, i)) && args[i] == SQLVAL_UNKNOWN)
            return sqlerr_set(err, SQLSTATE_DATATYPE_MISMATCH, -1,
                              "could not determine polymorphic type because input has type "
                              "unknown");
    if (!d->impl) {
        for (int i = 0; i < nargs; i++) types[i] = param_type(d, i);
        signature(sig, sizeof(sig), name, types, nargs);
        return sqlerr_unsupported(err, -1, sig);
    }
    *ret = (sqlval_type)d->ret;
    *id = best;
    return 1;
}

/* ------------------------------------------------------------------ evaluation */

int sqlfunc_eval(int id, const sqlval *args, int nargs, sqlval_type ret, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, ret);
    if (id < 0 || id >= NDEFS || nargs < 0 || nargs > SQLFUNC_MAX_ARGS ||
        !arity_ok(&fn_defs[id], nargs) || !fn_defs[id].impl)
        return sqlerr_set(err, SQLSTATE_INTERNAL_ERROR, -1, "unknown built-in function");
    const fn_def *d = &fn_defs[id];
    sqlval a[SQLFUNC_MAX_ARGS];
    bool owned[SQLFUNC_MAX_ARGS] = {false};
    int rc = SQL_OK;
    /* coerce first: PostgreSQL converts an unknown literal while parsing, so a bad one fails
     * even when another argument is NULL */
    for (int i = 0; i < nargs; i++) {
        int pt = param_type(d, i);
        if (pt >= SQLVAL_NTYPES || pt == (int)args[i].type) {
            a[i] = args[i]; /* a view, not freed here */
            continue;
        }
        if ((rc = sqlval_cast(&args[i], (sqlval_type)pt, &a[i], err))) {
            for (int k = 0; k < i; k++)
                if (owned[k]) sqlval_free(&a[k]);
            return rc;
        }
        owned[i] = true;
    }
    /* the transcendental numeric functions run in time that grows fast with the digits and
     * cannot be interrupted midway: past 1,000 digits they would stall the region */
    if (d->impl == f_sqrt_num || d->impl == f_exp_num || d->impl == f_ln_num ||
        d->impl == f_log_num || d->impl == f_log10_num || d->impl == f_power_num)
        for (int i = 0; i < nargs; i++)
            if (a[i].type == SQLVAL_NUMERIC && !a[i].isnull && a[i].s && strlen(a[i].s) > 1000) {
                for (int k = 0; k < nargs; k++)
                    if (owned[k]) sqlval_free(&a[k]);
                char what[96];
                snprintf(what, sizeof what, "%s of a numeric of more than 1000 digits", d->name);
                return sqlerr_unsupported(err, -1, what);
            }
    if (d->impl == f_power_num && nargs == 2 && !a[0].isnull && !a[1].isnull && a[0].s && a[1].s) {
        double base = fabs(strtod(a[0].s, NULL)), ex = fabs(strtod(a[1].s, NULL));
        if (base > 1 && ex * log10(base) > 5000) {
            for (int k = 0; k < nargs; k++)
                if (owned[k]) sqlval_free(&a[k]);
            return sqlerr_unsupported(err, -1, "power with a numeric result of more than 5000 digits");
        }
    }
    bool null = false;
    for (int i = 0; i < nargs && d->strict; i++) null |= a[i].isnull;
    if (!null) rc = d->impl(a, nargs, out, err);
    for (int i = 0; i < nargs; i++)
        if (owned[i]) sqlval_free(&a[i]);
    if (rc) {
        sqlval_free(out);
        sqlval_init_null(out, ret);
    }
    return rc;
}

/* ------------------------------------------------------------------ helpers */

/* A growing output buffer capped at MAX_VARLENA; errors are reported once, at the end. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom, toolong;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom || b->toolong) return;
    if (n > MAX_VARLENA - b->n) {
        b->toolong = true;
        return;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_free(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* Hands the buffer to *out as a value of type t, or reports what went wrong (PostgreSQL's
 * StringInfo refuses to grow past 1 GB with 54000). */
static int sb_finish(sbuf *b, sqlval_type t, sqlval *out, sqlerr *err)
{
    if (b->oom || b->toolong) {
        size_t had = b->n;
        bool oom = b->oom;
        sb_free(b);
        if (oom) return sqlerr_oom(err);
        sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1, "out of memory");
        sqlerr_detail(err, "Cannot enlarge string buffer containing %zu bytes by more bytes.", had);
        return SQL_ERR;
    }
    if (!b->p) return sqlval_set_str(out, t, "", 0, err);
    sqlval_take_str(out, t, b->p, b->n);
    memset(b, 0, sizeof(*b));
    return SQL_OK;
}

static int too_large(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1, "requested length too large");
}

/* Bytes of the UTF-8 character starting at s, n > 0 bytes left (pg_utf_mblen: the lead byte
 * decides; text is valid UTF-8, the clamp keeps a damaged value in bounds). */
static size_t u8len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)*s;
    size_t l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
    return l > n ? n : l;
}

static size_t u8count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i += u8len(s + i, n - i)) c++;
    return c;
}

/* Byte offset of character k (0-based) of s, n when s has fewer characters. */
static size_t u8offset(const char *s, size_t n, int64_t k)
{
    size_t i = 0;
    for (; i < n && k > 0; k--) i += u8len(s + i, n - i);
    return i;
}

static uint32_t u8decode(const char *s, size_t l)
{
    const unsigned char *p = (const unsigned char *)s;
    if (l == 1) return p[0];
    uint32_t c = p[0] & (l == 2 ? 0x1f : l == 3 ? 0x0f : 0x07);
    for (size_t i = 1; i < l; i++) c = (c << 6) | (p[i] & 0x3f);
    return c;
}

static size_t u8encode(uint32_t c, char *o)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xc0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xe0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        o[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* The bytes of a text or bytea argument. */
static const char *str(const sqlval *v, size_t *len)
{
    *len = v->s ? v->len : 0;
    return v->s ? v->s : "";
}

static int set_text(sqlval *out, const char *s, size_t n, sqlerr *err)
{
    return sqlval_set_str(out, SQLVAL_TEXT, s, n, err);
}

/* First occurrence of needle (m > 0 bytes) in hay[from, n), or n. */
static size_t find(const char *hay, size_t n, size_t from, const char *needle, size_t m)
{
    if (m > n) return n;
    for (size_t i = from; i + m <= n; i++)
        if (hay[i] == needle[0] && !memcmp(hay + i, needle, m)) return i;
    return n;
}

/* ------------------------------------------------------------------ strings */

/* text_substring / bytea_substring: characters (bytes) [start, start + count) clipped to
 * [1, length]; without a count, to the end. */
static int substring_range(const sqlval *a, int n, bool bytes, size_t *from, size_t *to,
                           sqlerr *err)
{
    size_t len;
    const char *s = str(&a[0], &len);
    int64_t start = a[1].u.i;
    int64_t s1 = start < 1 ? 1 : start;
    int64_t end = INT64_MAX; /* exclusive, in characters */
    if (n == 3) {
        if (a[2].u.i < 0)
            return sqlerr_set(err, SQLSTATE_SUBSTRING_ERROR, -1,
                              "negative substring length not allowed");
        end = start + a[2].u.i;
        if (end > INT32_MAX) end = INT64_MAX; /* start + count overflows int4: to the end */
    }
    if (end <= s1) {
        *from = *to = 0;
        return SQL_OK;
    }
    if (bytes) {
        *from = (uint64_t)(s1 - 1) < len ? (size_t)(s1 - 1) : len;
        *to = end == INT64_MAX || (uint64_t)(end - 1) >= len ? len : (size_t)(end - 1);
    } else {
        *from = u8offset(s, len, s1 - 1);
        *to = end == INT64_MAX ? len : *from + u8offset(s + *from, len - *from, end - s1);
    }
    return SQL_OK;
}

IMPL(f_substr)
{
    size_t from, to, len;
    const char *s = str(&a[0], &len);
    if (substring_range(a, n, false, &from, &to, err)) return SQL_ERR;
    return set_text(out, s + from, to - from, err);
}

IMPL(f_substr_bytea)
{
    size_t from, to, len;
    const char *s = str(&a[0], &len);
    if (substring_range(a, n, true, &from, &to, err)) return SQL_ERR;
    return sqlval_set_str(out, SQLVAL_BYTEA, s + from, to - from, err);
}

/* substring(text FROM pattern): the first parenthesized subexpression's match, else the
 * whole match; NULL without a match (sqlregex.h). */
IMPL(f_substring_regex)
{
    (void)n;
    unsigned f;
    const sqlregex *re = re_of(&a[1], NULL, NULL, &f, err);
    if (!re) return SQL_ERR;
    size_t sl, so[2], eo[2];
    const char *s = str(&a[0], &sl);
    int r = sqlregex_exec(re, s, sl, 0, so, eo, 2, err);
    if (r <= 0) return r;
    int k = sqlregex_groups(re) > 0 ? 1 : 0;
    if (so[k] == SIZE_MAX) return SQL_OK; /* the group took no part: NULL */
    return set_text(out, s + so[k], eo[k] - so[k], err);
}

IMPL(f_strpos)
{
    (void)n;
    (void)err;
    size_t hl, nl;
    const char *h = str(&a[0], &hl), *nd = str(&a[1], &nl);
    int64_t pos = 1;
    if (nl) {
        size_t at = find(h, hl, 0, nd, nl);
        pos = at == hl ? 0 : (int64_t)u8count(h, at) + 1;
    }
    sqlval_set_int(out, SQLVAL_INT4, pos);
    return SQL_OK;
}

IMPL(f_position_bytea)
{
    (void)n;
    (void)err;
    size_t hl, nl;
    const char *h = str(&a[0], &hl), *nd = str(&a[1], &nl);
    size_t at = nl ? find(h, hl, 0, nd, nl) : 0;
    sqlval_set_int(out, SQLVAL_INT4, nl == 0 ? 1 : at == hl ? 0 : (int64_t)at + 1);
    return SQL_OK;
}

IMPL(f_replace)
{
    (void)n;
    size_t sl, fl, tl;
    const char *s = str(&a[0], &sl), *f = str(&a[1], &fl), *t = str(&a[2], &tl);
    if (!sl || !fl) return set_text(out, s, sl, err);
    sbuf b = {0};
    for (size_t i = 0;;) {
        size_t at = find(s, sl, i, f, fl);
        sb_put(&b, s + i, at - i);
        if (at == sl) break;
        sb_put(&b, t, tl);
        i = at + fl;
    }
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* lpad / rpad: the string cut to len characters, padded with fill (default a space). */
static int pad(const sqlval *a, int n, bool left, sqlval *out, sqlerr *err)
{
    size_t sl, fl = 1;
    const char *s = str(&a[0], &sl), *fill = " ";
    if (n == 3) fill = str(&a[2], &fl);
    int64_t len = a[1].u.i < 0 ? 0 : a[1].u.i;
    int64_t schars = (int64_t)u8count(s, sl);
    if (schars > len) schars = len;
    if (fl == 0) len = schars;
    /* PostgreSQL sizes the result for the encoding's widest character (4 bytes in UTF-8) */
    if (len * 4 + 4 > 0x3fffffff) return too_large(err);
    size_t keep = u8offset(s, sl, schars);
    sbuf b = {0};
    if (!left) sb_put(&b, s, keep);
    size_t fi = 0;
    for (int64_t k = schars; k < len; k++) {
        size_t l = u8len(fill + fi, fl - fi);
        sb_put(&b, fill + fi, l);
        fi += l;
        if (fi >= fl) fi = 0;
    }
    if (left) sb_put(&b, s, keep);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

IMPL(f_lpad)
{
    return pad(a, n, true, out, err);
}

IMPL(f_rpad)
{
    return pad(a, n, false, out, err);
}

IMPL(f_repeat)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    int64_t count = a[1].u.i < 0 ? 0 : a[1].u.i;
    if ((uint64_t)count * sl + 4 > 0x3fffffff) return too_large(err);
    size_t total = (size_t)count * sl;
    char *r = malloc(total + 1);
    if (!r) return sqlerr_oom(err);
    for (int64_t i = 0; i < count; i++) memcpy(r + (size_t)i * sl, s, sl);
    r[total] = 0;
    sqlval_take_str(out, SQLVAL_TEXT, r, total);
    return SQL_OK;
}

IMPL(f_chr)
{
    (void)n;
    int64_t c = a[0].u.i;
    if (c < 0)
        return sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1, "character number must be positive");
    if (c == 0)
        return sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1, "null character not permitted");
    if (c > 0x10ffff)
        return sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1,
                          "requested character too large for encoding: %lld", (long long)c);
    if (c >= 0xd800 && c <= 0xdfff)
        return sqlerr_set(err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1,
                          "requested character not valid for encoding: %lld", (long long)c);
    char buf[4];
    return set_text(out, buf, u8encode((uint32_t)c, buf), err);
}

IMPL(f_ascii)
{
    (void)n;
    (void)err;
    size_t sl;
    const char *s = str(&a[0], &sl);
    sqlval_set_int(out, SQLVAL_INT4, sl ? (int64_t)u8decode(s, u8len(s, sl)) : 0);
    return SQL_OK;
}

/* The output text of any value, as concat() prints it. */
static int put_value(sbuf *b, const sqlval *v, sqlerr *err)
{
    if (v->type == SQLVAL_UNKNOWN || sqlval_type_is_text(v->type)) {
        sb_put(b, v->s ? v->s : "", v->s ? v->len : 0);
        return SQL_OK;
    }
    char *t;
    size_t tl;
    if (sqlval_to_text(v, &t, &tl, err)) return SQL_ERR;
    sb_put(b, t, tl);
    free(t);
    return SQL_OK;
}

static int concat_from(const sqlval *a, int n, int first, const sqlval *sep, sqlval *out,
                       sqlerr *err)
{
    sbuf b = {0};
    bool any = false;
    for (int i = first; i < n; i++) {
        if (a[i].isnull) continue;
        if (any && sep) sb_put(&b, sep->s, sep->len);
        any = true;
        if (put_value(&b, &a[i], err)) {
            sb_free(&b);
            return SQL_ERR;
        }
    }
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

IMPL(f_concat)
{
    return concat_from(a, n, 0, NULL, out, err);
}

IMPL(f_concat_ws)
{
    if (a[0].isnull) return SQL_OK;
    return concat_from(a, n, 1, &a[0], out, err);
}

IMPL(f_left)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    int64_t k = a[1].u.i;
    if (k < 0) k += (int64_t)u8count(s, sl);
    return set_text(out, s, k > 0 ? u8offset(s, sl, k) : 0, err);
}

IMPL(f_right)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    int64_t k = a[1].u.i;
    /* text_right negates in int4: right(s, INT_MIN) keeps INT_MIN and so the whole string */
    int64_t skip = k < 0 ? (k == INT32_MIN ? INT32_MIN : -k) : (int64_t)u8count(s, sl) - k;
    size_t off = skip > 0 ? u8offset(s, sl, skip) : 0;
    return set_text(out, s + off, sl - off, err);
}

IMPL(f_reverse)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    char *r = malloc(sl + 1);
    if (!r) return sqlerr_oom(err);
    for (size_t i = 0; i < sl;) {
        size_t l = u8len(s + i, sl - i);
        memcpy(r + sl - i - l, s + i, l);
        i += l;
    }
    r[sl] = 0;
    sqlval_take_str(out, SQLVAL_TEXT, r, sl);
    return SQL_OK;
}

/* Whether the character c (l bytes) is one of set's characters (bytes for bytea). */
static bool in_set(const char *c, size_t l, const char *set, size_t sl, bool bytes)
{
    for (size_t i = 0; i < sl;) {
        size_t k = bytes ? 1 : u8len(set + i, sl - i);
        if (k == l && !memcmp(set + i, c, l)) return true;
        i += k;
    }
    return false;
}

/* dotrim: the span of s left after removing characters of set from the chosen ends. */
static void trim_range(const char *s, size_t sl, const char *set, size_t setl, bool bytes,
                       bool lead, bool trail, size_t *from, size_t *to)
{
    size_t b = 0, e = sl;
    while (lead && b < e) {
        size_t l = bytes ? 1 : u8len(s + b, e - b);
        if (!in_set(s + b, l, set, setl, bytes)) break;
        b += l;
    }
    while (trail && e > b) {
        size_t st = e - 1;
        while (!bytes && st > b && ((unsigned char)s[st] & 0xc0) == 0x80) st--;
        if (!in_set(s + st, e - st, set, setl, bytes)) break;
        e = st;
    }
    *from = b;
    *to = e;
}

static int trim_text(const sqlval *a, int n, bool lead, bool trail, sqlval *out, sqlerr *err)
{
    size_t sl, setl = 1, from, to;
    const char *s = str(&a[0], &sl), *set = " ";
    if (n == 2) set = str(&a[1], &setl);
    trim_range(s, sl, set, setl, false, lead, trail, &from, &to);
    return set_text(out, s + from, to - from, err);
}

static int trim_bytea(const sqlval *a, bool lead, bool trail, sqlval *out, sqlerr *err)
{
    size_t sl, setl, from, to;
    const char *s = str(&a[0], &sl), *set = str(&a[1], &setl);
    trim_range(s, sl, set, setl, true, lead, trail, &from, &to);
    return sqlval_set_str(out, SQLVAL_BYTEA, s + from, to - from, err);
}

IMPL(f_btrim)
{
    return trim_text(a, n, true, true, out, err);
}

IMPL(f_ltrim)
{
    return trim_text(a, n, true, false, out, err);
}

IMPL(f_rtrim)
{
    return trim_text(a, n, false, true, out, err);
}

IMPL(f_btrim_bytea)
{
    (void)n;
    return trim_bytea(a, true, true, out, err);
}

IMPL(f_ltrim_bytea)
{
    (void)n;
    return trim_bytea(a, true, false, out, err);
}

IMPL(f_rtrim_bytea)
{
    (void)n;
    return trim_bytea(a, false, true, out, err);
}

IMPL(f_split_part)
{
    (void)n;
    size_t sl, dl;
    const char *s = str(&a[0], &sl), *d = str(&a[1], &dl);
    int64_t field = a[2].u.i;
    if (field == 0)
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "field position must not be zero");
    if (!sl) return set_text(out, "", 0, err);
    if (!dl || find(s, sl, 0, d, dl) == sl) /* one field */
        return set_text(out, s, field == 1 || field == -1 ? sl : 0, err);
    if (field < 0) { /* from the right: count the fields first */
        int64_t nfields = 1;
        for (size_t i = find(s, sl, 0, d, dl); i < sl; i = find(s, sl, i + dl, d, dl)) nfields++;
        field += nfields + 1;
        if (field <= 0) return set_text(out, "", 0, err);
    }
    size_t start = 0;
    for (int64_t k = 1; k < field; k++) {
        size_t at = find(s, sl, start, d, dl);
        if (at == sl) return set_text(out, "", 0, err);
        start = at + dl;
    }
    size_t end = find(s, sl, start, d, dl);
    return set_text(out, s + start, end - start, err);
}

/* initcap with the C.UTF-8 LC_CTYPE, as lower() and upper() map characters (sqlexpr.c): a
 * character after an alphanumeric one is lowered, any other raised. */
IMPL(f_initcap)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    if (sl > MAX_VARLENA / 4) return too_large(err);
    char *r = malloc(sl * 4 + 1);
    if (!r) return sqlerr_oom(err);
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    size_t o = 0;
    bool alnum = false;
    for (size_t i = 0; i < sl;) {
        size_t l = u8len(s + i, sl - i);
        wint_t c = (wint_t)u8decode(s + i, l);
        if (loc) {
            c = alnum ? towlower_l(c, loc) : towupper_l(c, loc);
            alnum = iswalnum_l(c, loc) != 0;
        } else { /* ASCII only */
            if (alnum && c >= 'A' && c <= 'Z') c += 32;
            else if (!alnum && c >= 'a' && c <= 'z') c -= 32;
            alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        o += u8encode((uint32_t)c, r + o);
        i += l;
    }
    r[o] = 0;
    if (loc) freelocale(loc);
    sqlval_take_str(out, SQLVAL_TEXT, r, o);
    return SQL_OK;
}

IMPL(f_md5)
{
    (void)n;
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    size_t sl;
    const char *s = str(&a[0], &sl);
    if (EVP_Digest(s, sl, h, &hl, EVP_md5(), NULL) != 1 || hl != 16)
        return sqlerr_set(err, SQLSTATE_INTERNAL_ERROR, -1, "could not compute MD5 hash");
    char hex[33];
    for (unsigned i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return set_text(out, hex, 32, err);
}

/* ---- uuid-ossp ---- */

/* parse_ident(str [, strict]): the parts of a qualified identifier, as PostgreSQL splits it:
 * "quoted" parts as written ("" is a quote), others lower-cased; strict: nothing may follow */
IMPL(f_parse_ident)
{
    size_t len;
    const char *s = str(&a[0], &len), *p = s, *end = s + len;
    bool strict = n < 2 || a[1].u.b;
    char *parts[64];
    size_t np = 0;
    int rc = SQL_OK;
    bool bad = false;
    const char *detail = NULL;
    for (;;) {
        while (p < end && isspace((unsigned char)*p)) p++;
        char *buf = malloc((size_t)(end - p) + 1);
        if (!buf) {
            rc = sqlerr_oom(err);
            break;
        }
        size_t o = 0;
        if (p < end && *p == '"') {
            p++;
            bool closed = false;
            while (p < end) {
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        buf[o++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    closed = true;
                    break;
                }
                buf[o++] = *p++;
            }
            if (!closed) bad = true, detail = "String has unclosed double quotes.";
            else if (o == 0) bad = true, detail = "Quoted identifier must not be empty.";
        } else {
            while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80))
                buf[o++] = (char)tolower((unsigned char)*p++);
            if (o == 0) {
                bad = true;
                detail = p < end && *p == '.' ? "No valid identifier before \".\"."
                         : np ? "No valid identifier after \".\"." : NULL;
            }
        }
        buf[o] = 0;
        if (bad || np == 64) {
            free(buf);
            bad = true;
            break;
        }
        parts[np++] = buf;
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p < end && *p == '.') {
            p++;
            continue;
        }
        if (p < end && strict) bad = true;
        break;
    }
    if (!rc && bad) {
        rc = sqlerr_set(err, "22023", -1, "string is not a valid identifier: \"%.*s\"", (int)len, s);
        if (detail) sqlerr_detail(err, "%s", detail);
    }
    if (!rc) rc = sqlval_set_array(out, (const char *const *)parts, np, err);
    for (size_t i = 0; i < np; i++) free(parts[i]);
    return rc;
}

IMPL(f_uuid_nil)
{
    (void)a, (void)n;
    static const char zero[16];
    return sqlval_set_str(out, SQLVAL_UUID, zero, 16, err);
}

/* uuid_ns_dns() & co.: RFC 4122's name spaces, 6ba7b81X-9dad-11d1-80b4-00c04fd430c8 */
static int uuid_ns(int which, sqlval *out, sqlerr *err)
{
    uint8_t b[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                     0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    b[3] = (uint8_t)(0x10 + which);
    return sqlval_set_str(out, SQLVAL_UUID, (const char *)b, 16, err);
}

IMPL(f_uuid_ns_dns) { (void)a, (void)n; return uuid_ns(0, out, err); }
IMPL(f_uuid_ns_url) { (void)a, (void)n; return uuid_ns(1, out, err); }
IMPL(f_uuid_ns_oid) { (void)a, (void)n; return uuid_ns(2, out, err); }
IMPL(f_uuid_ns_x500) { (void)a, (void)n; return uuid_ns(4, out, err); }

/* uuid_generate_v1 / v1mc: the time since 1582-10-15 in 100 ns units, a random clock
 * sequence, and a random node with the multicast bit set (v1mc's choice for both: HeliosDB
 * does not read MAC addresses) */
IMPL(f_uuid_v1)
{
    (void)a, (void)n;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u + 0x01B21DD213814000ull;
    uint8_t r[8];
    size_t got = 0;
    while (got < sizeof r) {
        ssize_t k = getrandom(r + got, sizeof r - got, 0);
        if (k < 0) return sqlerr_set(err, "58000", -1, "could not generate random values");
        got += (size_t)k;
    }
    uint8_t b[16];
    uint32_t lo = (uint32_t)t;
    uint16_t mid = (uint16_t)(t >> 32), hi = (uint16_t)((t >> 48) & 0x0fff) | 0x1000;
    b[0] = (uint8_t)(lo >> 24), b[1] = (uint8_t)(lo >> 16), b[2] = (uint8_t)(lo >> 8), b[3] = (uint8_t)lo;
    b[4] = (uint8_t)(mid >> 8), b[5] = (uint8_t)mid, b[6] = (uint8_t)(hi >> 8), b[7] = (uint8_t)hi;
    b[8] = (uint8_t)((r[0] & 0x3f) | 0x80), b[9] = r[1];
    memcpy(b + 10, r + 2, 6);
    b[10] |= 0x01; /* multicast: not a real MAC */
    return sqlval_set_str(out, SQLVAL_UUID, (const char *)b, 16, err);
}

/* uuid_generate_v3 (MD5) / v5 (SHA-1) of a name in a name space (RFC 4122 4.3) */
static int uuid_v35(const sqlval *a, bool sha1, sqlval *out, sqlerr *err)
{
    size_t nl;
    const char *name = str(&a[1], &nl);
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, sha1 ? EVP_sha1() : EVP_md5(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, a[0].s, 16) == 1 && EVP_DigestUpdate(ctx, name, nl) == 1 &&
             EVP_DigestFinal_ex(ctx, h, &hl) == 1 && hl >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok) return sqlerr_set(err, SQLSTATE_INTERNAL_ERROR, -1, "could not compute the uuid's hash");
    h[6] = (uint8_t)((h[6] & 0x0f) | (sha1 ? 0x50 : 0x30));
    h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
    return sqlval_set_str(out, SQLVAL_UUID, (const char *)h, 16, err);
}

IMPL(f_uuid_v3) { (void)n; return uuid_v35(a, false, out, err); }
IMPL(f_uuid_v5) { (void)n; return uuid_v35(a, true, out, err); }

IMPL(f_to_hex)
{
    (void)n;
    char buf[24];
    uint64_t v = a[0].type == SQLVAL_INT4 ? (uint64_t)(uint32_t)a[0].u.i : (uint64_t)a[0].u.i;
    int l = snprintf(buf, sizeof(buf), "%llx", (unsigned long long)v);
    return set_text(out, buf, (size_t)l, err);
}

IMPL(f_starts_with)
{
    (void)n;
    (void)err;
    size_t sl, pl;
    const char *s = str(&a[0], &sl), *p = str(&a[1], &pl);
    sqlval_set_bool(out, pl <= sl && !memcmp(s, p, pl));
    return SQL_OK;
}

/* One field of string_to_array: NULL when it equals the null string. */
static int add_field(char **items, size_t *k, const char *f, size_t fl, const char *nulls,
                     size_t nl)
{
    size_t at = (*k)++;
    if (nulls && fl == nl && !memcmp(f, nulls, nl)) return 0;
    return (items[at] = strndup(f, fl)) ? 0 : -1;
}

/* split_text: no elements for '', the whole string for an empty separator, one element per
 * character for a NULL separator, else the fields between separators (the last one too). */
IMPL(f_string_to_array)
{
    if (a[0].isnull) return SQL_OK;
    size_t sl, dl = 0, nl = 0, k = 0;
    const char *s = str(&a[0], &sl), *d = a[1].isnull ? NULL : str(&a[1], &dl);
    const char *nulls = n == 3 && !a[2].isnull ? str(&a[2], &nl) : NULL;
    char **items = calloc(sl + 1, sizeof(char *));
    if (!items) return sqlerr_oom(err);
    int bad = 0;
    if (sl && !d) {
        for (size_t i = 0; i < sl && !bad; i += u8len(s + i, sl - i))
            bad = add_field(items, &k, s + i, u8len(s + i, sl - i), nulls, nl);
    } else if (sl && !dl) {
        bad = add_field(items, &k, s, sl, nulls, nl);
    } else if (sl) {
        for (size_t i = 0; !bad;) {
            size_t end = find(s, sl, i, d, dl);
            bad = add_field(items, &k, s + i, end - i, nulls, nl);
            if (end == sl) break;
            i = end + dl;
        }
    }
    int rc = bad ? sqlerr_oom(err) : sqlval_set_array(out, (const char *const *)items, k, err);
    for (size_t i = 0; i < k; i++) free(items[i]);
    free(items);
    return rc;
}

IMPL(f_array_to_string)
{
    if (a[0].isnull || a[1].isnull) return SQL_OK;
    const char *nulls = n == 3 && !a[2].isnull ? a[2].s : NULL;
    size_t sepl;
    const char *sep = str(&a[1], &sepl);
    sbuf b = {0};
    bool any = false;
    for (size_t i = 0; i < a[0].narr; i++) {
        const char *e = a[0].arr[i] ? a[0].arr[i] : nulls;
        if (!e) continue;
        if (any) sb_put(&b, sep, sepl);
        any = true;
        sb_puts(&b, e);
    }
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* array_upper / array_lower: arrays here have one dimension, from 1; none for an empty one */
IMPL(f_array_upper)
{
    (void)n;
    (void)err;
    if (a[1].u.i == 1 && a[0].narr > 0)
        sqlval_set_int(out, SQLVAL_INT4, (int64_t)a[0].narr - 1 + sqlval_array_lbound(a[0].type));
    return SQL_OK;
}

IMPL(f_array_lower)
{
    (void)n;
    (void)err;
    if (a[1].u.i == 1 && a[0].narr > 0) sqlval_set_int(out, SQLVAL_INT4, sqlval_array_lbound(a[0].type));
    return SQL_OK;
}

/* The encodings a HeliosDB database can report (it stores UTF-8); others print "" as
 * PostgreSQL prints an invalid encoding number. */
IMPL(f_pg_encoding_to_char)
{
    (void)n;
    const char *name = a[0].u.i == 6 ? "UTF8" : a[0].u.i == 0 ? "SQL_ASCII" : "";
    return sqlval_set_str(out, SQLVAL_NAME, name, strlen(name), err);
}

/* pg_size_pretty (PostgreSQL 15's dbsize.c): bytes below 10 kB, then kB .. PB below 20 units
 * each, halves rounded away from zero. */
static int size_pretty(long double size, sqlval *out, sqlerr *err)
{
    static const struct {
        const char *name;
        long double limit;
        bool round;
        int bits;
    } units[] = {{"bytes", 10 * 1024, false, 0}, {"kB", 20 * 1024 - 1, true, 10},
                 {"MB", 20 * 1024 - 1, true, 20}, {"GB", 20 * 1024 - 1, true, 30},
                 {"TB", 20 * 1024 - 1, true, 40}, {"PB", 20 * 1024 - 1, true, 50}};
    char buf[96];
    size_t nu = sizeof units / sizeof units[0];
    for (size_t u = 0; u < nu; u++) {
        if (u + 1 == nu || fabsl(size) < units[u].limit) {
            if (units[u].round) size = truncl((size + (size < 0 ? -1 : 1)) / 2);
            snprintf(buf, sizeof buf, "%.0Lf %s", size, units[u].name);
            break;
        }
        int bits = units[u + 1].bits - units[u].bits - units[u + 1].round + units[u].round;
        size = truncl(size / ldexpl(1, bits));
    }
    return set_text(out, buf, strlen(buf), err);
}

IMPL(f_pg_size_pretty)
{
    (void)n;
    return size_pretty((long double)a[0].u.i, out, err);
}

IMPL(f_pg_size_pretty_num)
{
    (void)n;
    if (!strcmp(a[0].s, "NaN")) return set_text(out, "NaN bytes", 9, err);
    return size_pretty(truncl(strtold(a[0].s, NULL)), out, err);
}

/* HeliosDB nodes all accept writes. */
IMPL(f_pg_is_in_recovery)
{
    (void)a;
    (void)n;
    (void)err;
    sqlval_set_bool(out, false);
    return SQL_OK;
}

/* PostgreSQL 15's keywords that are not unreserved (pg_get_keywords() catcode <> 'U'), sorted:
 * quote_ident quotes them. */
static const char *const reserved_words[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
    "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
    "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
    "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
    "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
    "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
    "position", "precision", "primary", "real", "references", "returning", "right", "row",
    "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
    "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
    "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
};

static int cmp_word(const void *k, const void *e)
{
    return strcmp((const char *)k, *(const char *const *)e);
}

/* quote_identifier: quoted unless all [a-z0-9_] (not starting with a digit) and no keyword
 * that needs quoting. */
IMPL(f_quote_ident)
{
    (void)n;
    size_t sl;
    const char *s = str(&a[0], &sl);
    bool safe = sl && ((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_');
    for (size_t i = 0; i < sl && safe; i++)
        safe = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
    if (safe && bsearch(s, reserved_words, sizeof(reserved_words) / sizeof(reserved_words[0]),
                        sizeof(reserved_words[0]), cmp_word))
        safe = false;
    if (safe) return set_text(out, s, sl, err);
    sbuf b = {0};
    sb_put(&b, "\"", 1);
    for (size_t i = 0; i < sl; i++) {
        if (s[i] == '"') sb_put(&b, "\"", 1);
        sb_put(&b, s + i, 1);
    }
    sb_put(&b, "\"", 1);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* quote_literal_internal: quotes and backslashes doubled, E'' when there is a backslash; a
 * non-text value is cast to text first (quote_literal(anyelement) is quote_literal($1::text)). */
static int quote_literal_of(const sqlval *v, sqlval *out, sqlerr *err)
{
    sqlval t;
    const sqlval *tv = v;
    if (!(v->type == SQLVAL_UNKNOWN || sqlval_type_is_text(v->type))) {
        if (sqlval_cast(v, SQLVAL_TEXT, &t, err)) return SQL_ERR;
        tv = &t;
    }
    size_t sl;
    const char *s = str(tv, &sl);
    sbuf b = {0};
    if (memchr(s, '\\', sl)) sb_put(&b, "E", 1);
    sb_put(&b, "'", 1);
    for (size_t i = 0; i < sl; i++) {
        if (s[i] == '\'' || s[i] == '\\') sb_put(&b, s + i, 1);
        sb_put(&b, s + i, 1);
    }
    sb_put(&b, "'", 1);
    if (tv != v) sqlval_free(&t);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

IMPL(f_quote_literal)
{
    (void)n;
    return quote_literal_of(&a[0], out, err);
}

IMPL(f_quote_nullable)
{
    (void)n;
    if (a[0].isnull) return set_text(out, "NULL", 4, err);
    return quote_literal_of(&a[0], out, err);
}

/* The network functions: a value's pginet (inet's canonical text is always readable). */
static int inet_arg(const sqlval *v, pginet *out, sqlerr *err)
{
    if (pginet_parse(v->s ? v->s : "", v->len, false, out))
        return sqlerr_set(err, "22P02", -1, "invalid input syntax for type inet: \"%s\"", v->s ? v->s : "");
    return SQL_OK;
}

static int inet_result(sqlval *out, sqlval_type t, const pginet *v, sqlerr *err)
{
    char buf[PGINET_TEXT_MAX];
    size_t n = pginet_format(v, t == SQLVAL_CIDR, buf);
    return sqlval_set_str(out, t, buf, n, err);
}

static int inet_fn(const char *fn, const sqlval *a, sqlval *out, sqlerr *err)
{
    pginet v, w;
    if (inet_arg(&a[0], &v, err)) return SQL_ERR;
    char buf[PGINET_TEXT_MAX];
    int maxb = v.family == 4 ? 32 : 128;
    if (!strcmp(fn, "host")) return sqlval_set_str(out, SQLVAL_TEXT, buf, pginet_host(&v, buf), err);
    if (!strcmp(fn, "text")) return sqlval_set_str(out, SQLVAL_TEXT, buf, pginet_format(&v, true, buf), err);
    if (!strcmp(fn, "abbrev")) /* inet: its output; cidr: PostgreSQL shortens it, kept whole here */
        return sqlval_set_str(out, SQLVAL_TEXT, buf, pginet_format(&v, a[0].type == SQLVAL_CIDR, buf), err);
    if (!strcmp(fn, "masklen") || !strcmp(fn, "family")) {
        sqlval_set_int(out, SQLVAL_INT4, fn[0] == 'm' ? v.bits : v.family);
        return SQL_OK;
    }
    if (!strcmp(fn, "network")) {
        pginet_mask(&v, false);
        return inet_result(out, SQLVAL_CIDR, &v, err);
    }
    if (!strcmp(fn, "broadcast")) {
        pginet_mask(&v, true);
        return inet_result(out, SQLVAL_INET, &v, err);
    }
    if (!strcmp(fn, "netmask") || !strcmp(fn, "hostmask")) {
        bool net = fn[0] == 'n';
        w = v;
        memset(w.addr, 0, sizeof w.addr);
        for (int i = 0; i < maxb; i++)
            if ((i < v.bits) == net) w.addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        w.bits = (uint8_t)maxb;
        return inet_result(out, SQLVAL_INET, &w, err);
    }
    if (!strcmp(fn, "set_masklen")) {
        int64_t b = a[1].u.i;
        if (b == -1) b = maxb;
        if (b < 0 || b > maxb)
            return sqlerr_set(err, "22023", -1, "invalid mask length: %lld", (long long)b);
        v.bits = (uint8_t)b;
        if (a[0].type == SQLVAL_CIDR) pginet_mask(&v, false);
        return inet_result(out, a[0].type == SQLVAL_CIDR ? SQLVAL_CIDR : SQLVAL_INET, &v, err);
    }
    if (!strcmp(fn, "inet_same_family")) {
        if (inet_arg(&a[1], &w, err)) return SQL_ERR;
        sqlval_set_bool(out, v.family == w.family);
        return SQL_OK;
    }
    return sqlerr_set(err, "XX000", -1, "no network function %s", fn);
}

IMPL(f_inet_host)
{
    (void)n;
    return inet_fn("host", a, out, err);
}

IMPL(f_inet_masklen)
{
    (void)n;
    return inet_fn("masklen", a, out, err);
}

IMPL(f_inet_family)
{
    (void)n;
    return inet_fn("family", a, out, err);
}

IMPL(f_inet_network)
{
    (void)n;
    return inet_fn("network", a, out, err);
}

IMPL(f_inet_broadcast)
{
    (void)n;
    return inet_fn("broadcast", a, out, err);
}

IMPL(f_inet_netmask)
{
    (void)n;
    return inet_fn("netmask", a, out, err);
}

IMPL(f_inet_hostmask)
{
    (void)n;
    return inet_fn("hostmask", a, out, err);
}

IMPL(f_inet_text)
{
    (void)n;
    return inet_fn("text", a, out, err);
}

IMPL(f_inet_abbrev)
{
    (void)n;
    return inet_fn("abbrev", a, out, err);
}

IMPL(f_inet_set_masklen)
{
    (void)n;
    return inet_fn("set_masklen", a, out, err);
}

IMPL(f_inet_inet_same_family)
{
    (void)n;
    return inet_fn("inet_same_family", a, out, err);
}

IMPL(f_octet_length)
{
    if (a[0].type == SQLVAL_BPCHAR) { /* bpcharoctetlen: the padded text */
        size_t chars = 0;
        for (size_t i = 0; i < a[0].len; i++) chars += ((unsigned char)a[0].s[i] & 0xc0) != 0x80;
        sqlval_set_int(out, SQLVAL_INT4, (int64_t)(a[0].len + ((int64_t)chars < a[0].u.i ? (size_t)(a[0].u.i - (int64_t)chars) : 0)));
        return SQL_OK;
    }
    (void)n;
    (void)err;
    sqlval_set_int(out, SQLVAL_INT4, (int64_t)(a[0].s ? a[0].len : 0));
    return SQL_OK;
}

IMPL(f_bit_length)
{
    (void)n;
    (void)err;
    sqlval_set_int(out, SQLVAL_INT4, (int64_t)(a[0].s ? a[0].len : 0) * 8);
    return SQL_OK;
}

IMPL(f_translate)
{
    (void)n;
    size_t sl, fl, tl;
    const char *s = str(&a[0], &sl), *f = str(&a[1], &fl), *t = str(&a[2], &tl);
    if (!sl) return set_text(out, s, sl, err);
    if (sl > MAX_VARLENA / 4) return too_large(err);
    sbuf b = {0};
    for (size_t i = 0; i < sl;) {
        size_t l = u8len(s + i, sl - i);
        /* the character's first position in `from`; the character there in `to`, if any */
        size_t fi = 0, ti = 0;
        bool found = false, past_to = false;
        while (fi < fl) {
            size_t k = u8len(f + fi, fl - fi);
            if (k == l && !memcmp(f + fi, s + i, l)) {
                found = true;
                break;
            }
            fi += k;
            if (ti < tl) ti += u8len(t + ti, tl - ti);
            else past_to = true;
        }
        if (!found) sb_put(&b, s + i, l);
        else if (!past_to && ti < tl) sb_put(&b, t + ti, u8len(t + ti, tl - ti));
        i += l;
    }
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* overlay(s PLACING r FROM start [FOR count]) = substr(s, 1, start - 1) || r ||
 * substr(s, start + count); count defaults to r's length. */
IMPL(f_overlay)
{
    size_t sl, rl;
    const char *s = str(&a[0], &sl), *r = str(&a[1], &rl);
    int64_t start = a[2].u.i;
    int64_t count = n == 4 ? a[3].u.i : (int64_t)u8count(r, rl);
    if (start <= 0)
        return sqlerr_set(err, SQLSTATE_SUBSTRING_ERROR, -1, "negative substring length not allowed");
    if (start + count > INT32_MAX || start + count < INT32_MIN)
        return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "integer out of range");
    size_t head = u8offset(s, sl, start - 1);
    int64_t tail_from = start + count < 1 ? 1 : start + count;
    size_t tail = u8offset(s, sl, tail_from - 1);
    sbuf b = {0};
    sb_put(&b, s, head);
    sb_put(&b, r, rl);
    sb_put(&b, s + tail, sl - tail);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* ------------------------------------------------------------------ float8 and integers */

static int float_overflow(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "value out of range: overflow");
}

static int float_underflow(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "value out of range: underflow");
}

static int set_f8(sqlval *out, double d)
{
    sqlval_set_float(out, SQLVAL_FLOAT8, d);
    return SQL_OK;
}

IMPL(f_round_f8)
{
    (void)n;
    (void)err;
    return set_f8(out, rint(a[0].u.f)); /* dround: ties to even */
}

IMPL(f_trunc_f8)
{
    (void)n;
    (void)err;
    double d = a[0].u.f;
    return set_f8(out, d >= 0 ? floor(d) : -floor(-d));
}

IMPL(f_ceil_f8)
{
    (void)n;
    (void)err;
    return set_f8(out, ceil(a[0].u.f));
}

IMPL(f_floor_f8)
{
    (void)n;
    (void)err;
    return set_f8(out, floor(a[0].u.f));
}

IMPL(f_sign_f8)
{
    (void)n;
    (void)err;
    double d = a[0].u.f;
    return set_f8(out, d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0);
}

IMPL(f_sqrt_f8)
{
    (void)n;
    double d = a[0].u.f;
    if (d < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "cannot take square root of a negative number");
    return set_f8(out, sqrt(d));
}

IMPL(f_exp_f8)
{
    (void)n;
    double d = a[0].u.f, r;
    if (isnan(d)) {
        r = d;
    } else if (isinf(d)) {
        r = d > 0 ? d : 0;
    } else {
        errno = 0;
        r = exp(d);
        if (errno == ERANGE) return r != 0 ? float_overflow(err) : float_underflow(err);
        if (isinf(r)) return float_overflow(err);
        if (r == 0) return float_underflow(err);
    }
    return set_f8(out, r);
}

static int log_f8(double d, bool ten, sqlval *out, sqlerr *err)
{
    if (d == 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_LOG, -1, "cannot take logarithm of zero");
    if (d < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_LOG, -1,
                          "cannot take logarithm of a negative number");
    return set_f8(out, ten ? log10(d) : log(d));
}

IMPL(f_ln_f8)
{
    (void)n;
    return log_f8(a[0].u.f, false, out, err);
}

IMPL(f_log10_f8)
{
    (void)n;
    return log_f8(a[0].u.f, true, out, err);
}

/* dpow: POSIX's answers for NaN and the infinities spelled out, PostgreSQL's errors. */
IMPL(f_power_f8)
{
    (void)n;
    double x = a[0].u.f, y = a[1].u.f, r;
    if (isnan(x)) return set_f8(out, isnan(y) || y != 0 ? NAN : 1.0);
    if (isnan(y)) return set_f8(out, x != 1 ? NAN : 1.0);
    if (x == 0 && y < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "zero raised to a negative power is undefined");
    if (x < 0 && floor(y) != y)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "a negative number raised to a non-integer power yields a complex result");
    if (isinf(y)) {
        double ax = fabs(x);
        r = ax == 1 ? 1.0 : y > 0 ? (ax > 1 ? y : 0.0) : (ax > 1 ? 0.0 : -y);
    } else if (isinf(x)) {
        if (y == 0) {
            r = 1.0;
        } else if (x > 0) {
            r = y > 0 ? x : 0.0;
        } else {
            double half = y / 2;
            bool odd = floor(half) != half;
            r = y > 0 ? (odd ? x : -x) : (odd ? -0.0 : 0.0);
        }
    } else {
        errno = 0;
        r = pow(x, y);
        if (errno == EDOM || isnan(r)) {
            double ax = fabs(x);
            if (x == 0) r = 0.0;
            else if (ax == 1) r = 1.0;
            else if (y >= 0 ? ax > 1 : ax < 1) return float_overflow(err);
            else return float_underflow(err);
        } else if (errno == ERANGE) {
            return r != 0 ? float_overflow(err) : float_underflow(err);
        } else if (isinf(r)) {
            return float_overflow(err);
        } else if (r == 0 && x != 0) {
            return float_underflow(err);
        }
    }
    return set_f8(out, r);
}

IMPL(f_pi)
{
    (void)a;
    (void)n;
    (void)err;
    return set_f8(out, M_PI);
}

static int int_out_of_range(sqlval_type t, sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "%s out of range",
                      t == SQLVAL_INT2 ? "smallint" : t == SQLVAL_INT4 ? "integer" : "bigint");
}

static uint64_t int_max(sqlval_type t)
{
    return t == SQLVAL_INT2 ? INT16_MAX : t == SQLVAL_INT4 ? INT32_MAX : INT64_MAX;
}

IMPL(f_mod_int)
{
    (void)n;
    int64_t x = a[0].u.i, y = a[1].u.i;
    if (y == 0) return sqlerr_set(err, SQLSTATE_DIVISION_BY_ZERO, -1, "division by zero");
    sqlval_set_int(out, a[0].type, y == -1 ? 0 : x % y);
    return SQL_OK;
}

static uint64_t gcd_u64(uint64_t x, uint64_t y)
{
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

static uint64_t abs_u64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* int4gcd / int8gcd: only gcd(MIN, 0) and gcd(MIN, MIN) do not fit. */
IMPL(f_gcd_int)
{
    (void)n;
    uint64_t g = gcd_u64(abs_u64(a[0].u.i), abs_u64(a[1].u.i));
    if (g > int_max(a[0].type)) return int_out_of_range(a[0].type, err);
    sqlval_set_int(out, a[0].type, (int64_t)g);
    return SQL_OK;
}

IMPL(f_lcm_int)
{
    (void)n;
    sqlval_type t = a[0].type;
    if (a[0].u.i == 0 || a[1].u.i == 0) {
        sqlval_set_int(out, t, 0);
        return SQL_OK;
    }
    uint64_t x = abs_u64(a[0].u.i), y = abs_u64(a[1].u.i), g = gcd_u64(x, y), l;
    if (g > int_max(t) || __builtin_mul_overflow(x / g, y, &l) || l > int_max(t))
        return int_out_of_range(t, err);
    sqlval_set_int(out, t, (int64_t)l);
    return SQL_OK;
}

/* ------------------------------------------------------------------ numeric text */

/* A numeric text value as sqlval holds it ("-12.3400": no exponent, one leading zero at most). */
typedef struct numtxt {
    bool neg, zero;
    const char *ip; /* integer digits without leading zeros ("" for 0.x) */
    size_t il;
    const char *fp; /* fraction digits, as many as the display scale */
    size_t fl;
} numtxt;

static void num_split(const char *s, numtxt *x)
{
    x->neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    while (*s == '0') s++;
    x->ip = s;
    while (*s >= '0' && *s <= '9') s++;
    x->il = (size_t)(s - x->ip);
    x->fp = *s == '.' ? s + 1 : s;
    x->fl = strlen(x->fp);
    x->zero = x->il == 0 && strspn(x->fp, "0") == x->fl;
    if (x->zero) x->neg = false;
}

static bool num_is_nan(const char *s)
{
    return s && !strcmp(s, "NaN");
}

static int num_scale(const char *s)
{
    numtxt x;
    num_split(s, &x);
    return (int)x.fl;
}

static int num_sign(const char *s)
{
    numtxt x;
    num_split(s, &x);
    return x.zero ? 0 : x.neg ? -1 : 1;
}

static int num_cmp(const char *a, const char *b)
{
    numtxt x, y;
    num_split(a, &x);
    num_split(b, &y);
    int sx = x.zero ? 0 : x.neg ? -1 : 1, sy = y.zero ? 0 : y.neg ? -1 : 1;
    if (sx != sy) return sx < sy ? -1 : 1;
    int mag = 0;
    if (x.il != y.il) {
        mag = x.il < y.il ? -1 : 1;
    } else {
        int c = memcmp(x.ip, y.ip, x.il);
        mag = c < 0 ? -1 : c > 0;
        for (size_t i = 0; !mag && (i < x.fl || i < y.fl); i++) {
            char dx = i < x.fl ? x.fp[i] : '0', dy = i < y.fl ? y.fp[i] : '0';
            mag = dx < dy ? -1 : dx > dy;
        }
    }
    return sx < 0 ? -mag : mag;
}

/* round_var / trunc_var: half away from zero (or toward zero) at `scale` decimals; a negative
 * scale rounds to tens, hundreds...; the result shows max(scale, 0) decimals. */
static int num_round(const char *s, int scale, bool round, char **out)
{
    if (num_is_nan(s)) return (*out = strdup("NaN")) ? 0 : SQLNUM_ENOMEM;
    numtxt x;
    num_split(s, &x);
    long keep = (long)x.il + scale; /* digits kept, counted from the first integer digit */
    size_t nd = x.il + x.fl;
    size_t k = keep > 0 ? (size_t)keep : 0;
    int next = round && keep >= 0 && (size_t)keep < nd
                   ? ((size_t)keep < x.il ? x.ip[keep] : x.fp[(size_t)keep - x.il]) - '0'
                   : 0;
    size_t zeros = scale < 0 ? (size_t)-scale : 0;
    size_t total = 1 + k + zeros; /* a carry digit, the kept digits, zeros for a negative scale */
    char *d = malloc(total + 1);
    if (!d) return SQLNUM_ENOMEM;
    d[0] = '0';
    for (size_t i = 0; i < k; i++) d[1 + i] = i < x.il ? x.ip[i] : i < nd ? x.fp[i - x.il] : '0';
    for (size_t i = k + 1; next >= 5 && i-- > 0;) {
        if (d[i] != '9') {
            d[i]++;
            break;
        }
        d[i] = '0';
    }
    memset(d + 1 + k, '0', zeros);
    d[total] = 0;
    size_t fd = scale > 0 ? (size_t)scale : 0, idig = total - fd, lead = 0;
    while (lead + 1 < idig && d[lead] == '0') lead++;
    bool zero = strspn(d, "0") == total;
    char *r = malloc(total + 3);
    if (!r) {
        free(d);
        return SQLNUM_ENOMEM;
    }
    size_t o = 0;
    if (x.neg && !zero) r[o++] = '-';
    memcpy(r + o, d + lead, idig - lead);
    o += idig - lead;
    if (fd) {
        r[o++] = '.';
        memcpy(r + o, d + idig, fd);
        o += fd;
    }
    r[o] = 0;
    free(d);
    *out = r;
    return 0;
}

/* Decimal exponent of the leading digit (x = d.ddd * 10^e); 0 for zero. */
static int num_exp10(const char *s)
{
    numtxt x;
    num_split(s, &x);
    if (x.zero) return 0;
    if (x.il) return (int)x.il - 1;
    return -(int)strspn(x.fp, "0") - 1;
}

/* The NumericVar view PostgreSQL's scale estimates read: the base-10000 weight of |x|, its
 * leading base-10000 digits (up to 4) and how many there are (trailing zero groups
 * stripped). Zero has weight 0 and no digits. */
static void num_nbase(const char *s, int *weight, int d[4], int *ndigits)
{
    numtxt x;
    num_split(s, &x);
    memset(d, 0, 4 * sizeof(int));
    *weight = 0;
    *ndigits = 0;
    if (x.zero) return;
    size_t ipad = (4 - x.il % 4) % 4, fpad = (4 - x.fl % 4) % 4;
    size_t ng = (ipad + x.il + x.fl + fpad) / 4, igroups = (ipad + x.il) / 4;
    int first = -1, last = -1;
    for (size_t g = 0; g < ng; g++) {
        int v = 0;
        for (size_t k = 0; k < 4; k++) {
            size_t pos = g * 4 + k; /* in the zero-padded digit string */
            char c = pos < ipad ? '0' : pos < ipad + x.il ? x.ip[pos - ipad]
                     : pos < ipad + x.il + x.fl ? x.fp[pos - ipad - x.il] : '0';
            v = v * 10 + (c - '0');
        }
        if (v) {
            if (first < 0) first = (int)g;
            last = (int)g;
        }
        if (first >= 0 && (int)g - first < 4) d[(int)g - first] = v;
    }
    *weight = (int)igroups - 1 - first;
    *ndigits = last - first + 1;
}

static double num_to_double(const char *s)
{
    return strtod(s, NULL); /* ±HUGE_VAL beyond double's range, as PostgreSQL's estimates */
}

static int num_error(int rc, sqlerr *err)
{
    if (rc == SQLNUM_EDIVZERO) return sqlerr_set(err, SQLSTATE_DIVISION_BY_ZERO, -1, "division by zero");
    return sqlerr_oom(err);
}

static int num_overflow(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "value overflows numeric format");
}

/* Takes s (NULL: out of memory) as the numeric result. */
static int set_num(sqlval *out, char *s, sqlerr *err)
{
    if (!s) return sqlerr_oom(err);
    sqlval_take_str(out, SQLVAL_NUMERIC, s, strlen(s));
    return SQL_OK;
}

static int nan_result(sqlval *out, sqlerr *err)
{
    return set_num(out, strdup("NaN"), err);
}

/* Arithmetic into *x (freed after; the operands may be *x itself); the _r forms round the
 * exact result to `scale` decimals. They return sqlnum.h codes. */
static int n_set(char **x, int rc, char *v)
{
    if (rc) return rc;
    free(*x);
    *x = v;
    return 0;
}

static int n_add(char **x, const char *a, const char *b)
{
    char *v = NULL;
    int rc = sqlnum_add(a, b, &v);
    return n_set(x, rc, v);
}

static int n_sub(char **x, const char *a, const char *b)
{
    char *v = NULL;
    int rc = sqlnum_sub(a, b, &v);
    return n_set(x, rc, v);
}

static int n_mul_r(char **x, const char *a, const char *b, int scale)
{
    char *v = NULL, *r = NULL;
    int rc = sqlnum_mul(a, b, &v);
    if (!rc) rc = num_round(v, scale, true, &r);
    free(v);
    return n_set(x, rc, r);
}

static int n_div_r(char **x, const char *a, const char *b, int scale)
{
    char *v = NULL;
    int rc = sqlnum_div(a, b, scale < 0 ? 0 : scale, &v);
    return n_set(x, rc, v);
}

static int n_round(char **x, const char *a, int scale)
{
    char *v = NULL;
    int rc = num_round(a, scale, true, &v);
    return n_set(x, rc, v);
}

static int n_copy(char **x, const char *a)
{
    char *v = a ? strdup(a) : NULL;
    return n_set(x, v ? 0 : SQLNUM_ENOMEM, v);
}

static bool n_is_zero(const char *s)
{
    return num_sign(s) == 0;
}

static const char *n_abs(const char *s)
{
    return *s == '-' ? s + 1 : s;
}

/* PostgreSQL's scale limits (numeric.c). */
#define NUMERIC_MIN_SIG_DIGITS 16
#define NUMERIC_MAX_DISPLAY_SCALE 1000
#define NUMERIC_MAX_RESULT_SCALE 2000

static int clamp_rscale(int rscale)
{
    return rscale < 0 ? 0 : rscale > NUMERIC_MAX_DISPLAY_SCALE ? NUMERIC_MAX_DISPLAY_SCALE : rscale;
}

static int max_int(int x, int y)
{
    return x > y ? x : y;
}

/* |x| / 10^e, x's decimal exponent, with at most `sig` significant digits (truncated): the
 * mantissa d.ddd of a nonzero x, or NULL (out of memory). */
static char *num_lead(const char *x, int sig)
{
    numtxt v;
    num_split(x, &v);
    const char *digits = v.il ? v.ip : v.fp + strspn(v.fp, "0");
    size_t avail = v.il ? v.il + v.fl : strlen(digits);
    size_t k = avail < (size_t)sig ? avail : (size_t)sig;
    char *m = malloc(k + 3);
    if (!m) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == 1) m[o++] = '.';
        m[o++] = v.il && i >= v.il ? v.fp[i - v.il] : digits[i];
    }
    m[o] = 0;
    return m;
}

/* atanh(1/q) = sum 1/((2n+1) q^(2n+1)) at `scale` decimals (guard digits are the caller's). */
static int atanh_inv(int q, int scale, char **out)
{
    char qs[16], q2s[24], ks[24];
    snprintf(qs, sizeof(qs), "%d", q);
    snprintf(q2s, sizeof(q2s), "%lld", (long long)q * q);
    char *pow = NULL, *sum = NULL, *term = NULL;
    int rc = n_div_r(&pow, "1", qs, scale);
    if (!rc) rc = n_copy(&sum, pow);
    for (int k = 3; !rc; k += 2) {
        snprintf(ks, sizeof(ks), "%d", k);
        if ((rc = n_div_r(&pow, pow, q2s, scale)) || (rc = n_div_r(&term, pow, ks, scale))) break;
        if (n_is_zero(term)) break;
        rc = n_add(&sum, sum, term);
    }
    free(pow);
    free(term);
    if (rc) free(sum);
    else *out = sum;
    return rc;
}

/* atanh(z) = sum z^(2n+1)/(2n+1) for a small |z|, at `scale` decimals. */
static int atanh_series(const char *z, int scale, char **out)
{
    char ks[24];
    char *z2 = NULL, *pow = NULL, *sum = NULL, *term = NULL;
    int rc = n_mul_r(&z2, z, z, scale);
    if (!rc) rc = n_copy(&pow, z);
    if (!rc) rc = n_copy(&sum, z);
    for (int k = 3; !rc; k += 2) {
        snprintf(ks, sizeof(ks), "%d", k);
        if ((rc = n_mul_r(&pow, pow, z2, scale)) || (rc = n_div_r(&term, pow, ks, scale))) break;
        if (n_is_zero(term)) break;
        rc = n_add(&sum, sum, term);
    }
    free(z2);
    free(pow);
    free(term);
    if (rc) free(sum);
    else *out = sum;
    return rc;
}

/* ln(x), x > 0, within a few units of 10^-S: x = m * 2^j * 10^e with m near 1,
 * ln m = 2 atanh((m - 1) / (m + 1)), ln 2 = 2 atanh(1/3), ln 10 = 3 ln 2 + 2 atanh(1/9). */
static int n_ln(const char *x, int S, char **out)
{
    int e = num_exp10(x);
    int W = S + 12 + (int)log10(fabs((double)e) + 1);
    char *m = num_lead(x, W + 4), *z = NULL, *den = NULL, *sum = NULL;
    char *t = NULL, *ln2 = NULL, *ln10 = NULL, ks[16];
    if (!m) return SQLNUM_ENOMEM;
    int rc = 0;
    int j = (int)lround(log2(num_to_double(m))); /* m in [1, 10): j in 0..3 */
    if (!rc && j) {
        snprintf(ks, sizeof(ks), "%d", 1 << j);
        rc = n_div_r(&m, m, ks, num_scale(m) + j); /* exact: 2^j divides 10^j */
    }
    if (!rc) rc = n_sub(&z, m, "1");
    if (!rc) rc = n_add(&den, m, "1");
    if (!rc) rc = n_div_r(&z, z, den, W + 2);
    if (!rc) rc = atanh_series(z, W + 2, &sum);
    if (!rc) rc = n_add(&sum, sum, sum);
    if (!rc && (j || e)) {
        rc = atanh_inv(3, W + 2, &ln2);
        if (!rc) rc = n_add(&ln2, ln2, ln2);
    }
    if (!rc && j) {
        snprintf(ks, sizeof(ks), "%d", j);
        if (!(rc = n_mul_r(&t, ln2, ks, W + 2))) rc = n_add(&sum, sum, t);
    }
    if (!rc && e) {
        rc = atanh_inv(9, W + 2, &ln10);
        if (!rc) rc = n_add(&ln10, ln10, ln10);
        if (!rc) rc = n_mul_r(&t, ln2, "3", W + 2);
        if (!rc) rc = n_add(&ln10, ln10, t);
        snprintf(ks, sizeof(ks), "%d", e);
        if (!rc) rc = n_mul_r(&t, ln10, ks, W + 2);
        if (!rc) rc = n_add(&sum, sum, t);
    }
    free(m);
    free(z);
    free(den);
    free(t);
    free(ln2);
    free(ln10);
    if (rc) free(sum);
    else *out = sum;
    return rc;
}

/* e^x within a few units of 10^-S: e^(|x| / 2^k) by its Taylor series, squared k times (the
 * digits that costs, and the result's integer digits, are added to the working scale);
 * e^-|x| = 1 / e^|x|. */
static int n_exp(const char *x, int S, char **out)
{
    double xd = num_to_double(x), ax = fabs(xd);
    bool neg = xd < 0;
    int m = 2 + (int)sqrt((double)S) / 2; /* the reduced argument is below 10^-m */
    int k = ax > 0 ? (int)ceil(log2(ax) + m * 3.3219280948873623) : 0;
    if (k < 0) k = 0;
    int digits = neg ? 0 : (int)(ax * 0.4342944819032518) + 1;
    int W = S + digits + (k * 3) / 10 + 12;
    char *p2 = NULL, *r = NULL, *sum = NULL, *term = NULL, ks[24];
    int rc = n_copy(&p2, "1");
    for (int i = 0; i < k && !rc; i++) rc = n_add(&p2, p2, p2);
    if (!rc) rc = n_div_r(&r, n_abs(x), p2, W + 2);
    if (!rc) rc = n_copy(&sum, "1");
    if (!rc) rc = n_copy(&term, "1");
    for (int i = 1; !rc; i++) {
        snprintf(ks, sizeof(ks), "%d", i);
        if ((rc = n_mul_r(&term, term, r, W + 2)) || (rc = n_div_r(&term, term, ks, W + 2))) break;
        if (n_is_zero(term)) break;
        rc = n_add(&sum, sum, term);
    }
    for (int i = 0; i < k && !rc; i++) rc = n_mul_r(&sum, sum, sum, W + 2);
    if (!rc && neg) rc = n_div_r(&sum, "1", sum, S + 2);
    free(p2);
    free(r);
    free(term);
    if (rc) free(sum);
    else *out = sum;
    return rc;
}

/* floor(sqrt(N)) for a non-negative integer text N: Newton from a double's estimate, then
 * corrected with exact squares. */
static int n_isqrt(const char *N, char **out)
{
    numtxt x;
    num_split(N, &x);
    if (x.zero) return (*out = strdup("0")) ? 0 : SQLNUM_ENOMEM;
    size_t len = x.il < 16 ? x.il : 16;
    if ((x.il - len) % 2) len--;
    char lead[20], guess[48];
    memcpy(lead, x.ip, len);
    lead[len] = 0;
    snprintf(guess, sizeof(guess), "%.0f", floor(sqrt(strtod(lead, NULL))) + 1);
    size_t half = (x.il - len) / 2, gl = strlen(guess);
    char *y = malloc(gl + half + 1), *q = NULL, *t = NULL, *sq = NULL;
    if (!y) return SQLNUM_ENOMEM;
    memcpy(y, guess, gl);
    memset(y + gl, '0', half);
    y[gl + half] = 0;
    int rc = 0;
    for (int it = 0; it < 200 && !rc; it++) {
        if ((rc = n_div_r(&q, N, y, 0)) || (rc = n_add(&q, q, y)) || (rc = n_div_r(&q, q, "2", 1)) ||
            (rc = num_round(q, 0, false, &t)) || (rc = n_sub(&sq, t, y)))
            break;
        bool close = num_cmp(n_abs(sq), "1") <= 0;
        free(y);
        y = t;
        t = NULL;
        if (close) break;
    }
    while (!rc) { /* y * y <= N < (y + 1) * (y + 1) */
        if ((rc = n_mul_r(&sq, y, y, 0)) || num_cmp(sq, N) <= 0) break;
        rc = n_sub(&y, y, "1");
    }
    while (!rc) {
        if ((rc = n_add(&t, y, "1")) || (rc = n_mul_r(&sq, t, t, 0)) || num_cmp(sq, N) > 0) break;
        rc = n_copy(&y, t);
    }
    free(q);
    free(t);
    free(sq);
    if (rc) free(y);
    else *out = y;
    return rc;
}

/* sqrt(x) at rscale, half away from zero: floor(sqrt(x * 10^(2R))) with R = rscale + 1 is
 * sqrt(x) truncated to one decimal more, and rounding that is exact. */
static int n_sqrt(const char *x, int rscale, char **out)
{
    numtxt v;
    num_split(x, &v);
    size_t R = (size_t)rscale + 1, fd = 2 * R;
    char *N = malloc(v.il + fd + 2), *y = NULL;
    if (!N) return SQLNUM_ENOMEM;
    memcpy(N, v.ip, v.il);
    size_t o = v.il;
    for (size_t i = 0; i < fd; i++) N[o++] = i < v.fl ? v.fp[i] : '0';
    N[o] = 0;
    int rc = n_isqrt(N, &y);
    free(N);
    if (rc) return rc;
    size_t yl = strlen(y), il = yl > R ? yl - R : 0; /* y / 10^R */
    char *r = malloc(yl + R + 3);
    if (!r) {
        free(y);
        return SQLNUM_ENOMEM;
    }
    o = 0;
    if (il) memcpy(r, y, il);
    else r[0] = '0';
    o = il ? il : 1;
    r[o++] = '.';
    for (size_t i = yl; i < R; i++) r[o++] = '0';
    memcpy(r + o, y + il, yl - il);
    o += yl - il;
    r[o] = 0;
    free(y);
    rc = num_round(r, rscale, true, out);
    free(r);
    return rc;
}

int sqlfunc_num_sqrt(const char *x, int rscale, char **out)
{
    return n_sqrt(x, rscale, out);
}

int sqlfunc_num_div_scale(const char *x, const char *y)
{
    int w1, w2, d1[4], d2[4], n1, n2;
    num_nbase(x, &w1, d1, &n1);
    num_nbase(y, &w2, d2, &n2);
    int qweight = w1 - w2;
    if (d1[0] <= d2[0]) qweight--; /* first digits equal: assume x < y */
    int rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
    rscale = max_int(rscale, num_scale(x));
    rscale = max_int(rscale, num_scale(y));
    return clamp_rscale(max_int(rscale, 0));
}

/* estimate_ln_dweight: the decimal weight PostgreSQL expects ln(x) to have. */
static int est_ln_dweight(const char *x)
{
    if (num_sign(x) <= 0) return 0;
    int w, d[4], nd;
    if (num_cmp(x, "0.9") >= 0 && num_cmp(x, "1.1") <= 0) {
        char *t = NULL;
        if (sqlnum_sub(x, "1", &t)) return 0;
        num_nbase(t, &w, d, &nd);
        free(t);
        return nd > 0 ? w * 4 + (int)log10((double)d[0]) : 0;
    }
    num_nbase(x, &w, d, &nd);
    if (nd == 0) return 0;
    int digits = d[0], dweight = w * 4;
    if (nd > 1) {
        digits = digits * 10000 + d[1];
        dweight -= 4;
    }
    double ln = log((double)digits) + dweight * 2.302585092994046;
    return (int)log10(fabs(ln));
}

static int ln_domain(const char *x, sqlerr *err)
{
    int s = num_sign(x);
    if (s == 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_LOG, -1, "cannot take logarithm of zero");
    if (s < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_LOG, -1,
                          "cannot take logarithm of a negative number");
    return SQL_OK;
}

/* log_var: the logarithm of x to base b, at PostgreSQL's scale. */
static int num_log(const char *b, const char *x, sqlval *out, sqlerr *err)
{
    if (num_is_nan(b) || num_is_nan(x)) return nan_result(out, err);
    if (ln_domain(b, err) || ln_domain(x, err)) return SQL_ERR;
    int bdw = est_ln_dweight(b), xdw = est_ln_dweight(x), rdw = xdw - bdw;
    int rscale = clamp_rscale(max_int(max_int(NUMERIC_MIN_SIG_DIGITS - rdw, num_scale(b)), num_scale(x)));
    char *lb = NULL, *lx = NULL, *q = NULL, *r = NULL;
    int rc = n_ln(b, max_int(rscale + rdw - bdw + 12, 0), &lb);
    if (!rc) rc = n_ln(x, max_int(rscale + rdw - xdw + 12, 0), &lx);
    if (!rc) rc = n_div_r(&q, lx, lb, rscale + 10);
    if (!rc) rc = num_round(q, rscale, true, &r);
    free(lb);
    free(lx);
    free(q);
    if (rc) return num_error(rc, err);
    return set_num(out, r, err);
}

/* power_var_int, step by step: PostgreSQL rounds each product to the digits the result
 * needs, so a large exponent stays cheap and the last digit is PostgreSQL's. */
static int power_int(const char *base, long e, int rscale, char **out, sqlerr *err)
{
    int rc = 0;
    char *res = NULL, *prod = NULL;
    if (e == 0) return num_round("1", rscale, true, out) ? sqlerr_oom(err) : SQL_OK;
    if (e == 1) rc = n_round(&res, base, rscale);
    else if (e == -1) rc = n_div_r(&res, "1", base, rscale);
    else if (e == 2) rc = n_mul_r(&res, base, base, rscale);
    if (e >= -1 && e <= 2) goto done;
    if (n_is_zero(base)) {
        if (e < 0) return num_error(SQLNUM_EDIVZERO, err);
        rc = num_round("0", rscale, true, &res);
        goto done;
    }
    int w, d[4], nd;
    num_nbase(base, &w, d, &nd);
    double f = d[0];
    int p = w * 4;
    for (int i = 1; i < nd && i * 4 < 16; i++) {
        f = f * 10000 + d[i];
        p -= 4;
    }
    f = (double)e * (log10(f) + p);
    if (f > 3 * 32767 * 4) return num_overflow(err);
    if (f + 1 < -rscale || f + 1 < -NUMERIC_MAX_DISPLAY_SCALE) {
        rc = num_round("0", rscale, true, &res);
        goto done;
    }
    int sig = 1 + rscale + (int)f;
    sig += (int)log(fabs((double)e)) + 8;
    bool neg = e < 0;
    unsigned long mask = neg ? (unsigned long)-e : (unsigned long)e;
    if ((rc = n_copy(&prod, base)) || (rc = n_copy(&res, mask & 1 ? base : "1"))) goto done;
    while ((mask >>= 1) > 0) {
        int pw, rw, dd[4], ndd;
        num_nbase(prod, &pw, dd, &ndd);
        int local = sig - 2 * pw * 4;
        if (local > 2 * num_scale(prod)) local = 2 * num_scale(prod);
        if ((rc = n_mul_r(&prod, prod, prod, max_int(local, 0)))) goto done;
        num_nbase(prod, &pw, dd, &ndd);
        if (mask & 1) {
            num_nbase(res, &rw, dd, &ndd);
            local = sig - (pw + rw) * 4;
            if (local > num_scale(prod) + num_scale(res)) local = num_scale(prod) + num_scale(res);
            if ((rc = n_mul_r(&res, prod, res, max_int(local, 0)))) goto done;
        }
        num_nbase(res, &rw, dd, &ndd);
        if (pw > 32767 || rw > 32767) { /* certain to overflow (underflow for a negative e) */
            if (!neg) {
                free(prod);
                free(res);
                return num_overflow(err);
            }
            rc = n_copy(&res, "0");
            neg = false;
            break;
        }
    }
    if (!rc) rc = neg ? n_div_r(&res, "1", res, rscale) : n_round(&res, res, rscale);
done:
    free(prod);
    if (rc) {
        free(res);
        return num_error(rc, err);
    }
    *out = res;
    return SQL_OK;
}

/* Whether a numeric text has only zeros after the point; *v its value when it fits int4. */
static bool num_integral(const char *s, long *v, bool *fits)
{
    numtxt x;
    num_split(s, &x);
    if (strspn(x.fp, "0") != x.fl) return false;
    *fits = x.il <= 10;
    *v = *fits ? strtol(s, NULL, 10) : 0;
    if (*fits && (*v > INT32_MAX || *v < INT32_MIN)) *fits = false;
    return true;
}

static int zero_at(int scale, sqlval *out, sqlerr *err)
{
    char *r = NULL;
    if (num_round("0", scale, false, &r)) return sqlerr_oom(err);
    return set_num(out, r, err);
}

IMPL(f_power_num)
{
    (void)n;
    const char *b = a[0].s, *x = a[1].s;
    if (num_is_nan(b) || num_is_nan(x)) {
        bool one = num_is_nan(b) ? !num_is_nan(x) && num_sign(x) == 0 : num_cmp(b, "1") == 0;
        return set_num(out, strdup(one ? "1" : "NaN"), err);
    }
    long e = 0;
    bool fits = false, integral = num_integral(x, &e, &fits);
    if (num_sign(b) == 0 && num_sign(x) < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "zero raised to a negative power is undefined");
    if (num_sign(b) < 0 && !integral)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "a negative number raised to a non-integer power yields a complex result");
    char *r = NULL;
    if (integral && fits) {
        int rscale = clamp_rscale(max_int(NUMERIC_MIN_SIG_DIGITS, num_scale(b)));
        if (power_int(b, e, rscale, &r, err)) return SQL_ERR;
        return set_num(out, r, err);
    }
    if (num_sign(b) == 0) return zero_at(NUMERIC_MIN_SIG_DIGITS, out, err); /* 0 ^ positive */
    /* an integer exponent beyond int4 on a negative base: the sign is the exponent's parity */
    bool negres = false;
    if (num_sign(b) < 0) {
        numtxt xt;
        num_split(x, &xt);
        negres = xt.il && (xt.ip[xt.il - 1] - '0') % 2 == 1;
        b = n_abs(b);
    }
    /* PostgreSQL's scale: from exp * ln(base) estimated with about 8 significant digits */
    int local = max_int(8 - est_ln_dweight(b), 0);
    char *lb = NULL, *est = NULL, *y = NULL, *res = NULL;
    int rc = n_ln(b, local + 4, &lb);
    if (!rc) rc = n_round(&lb, lb, local);
    if (!rc) rc = n_mul_r(&est, lb, x, local);
    double val = rc ? 0 : num_to_double(est);
    free(est);
    if (!rc && fabs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
        free(lb);
        return val > 0 ? num_overflow(err) : zero_at(NUMERIC_MAX_DISPLAY_SCALE, out, err);
    }
    val *= 0.434294481903252;
    int rscale = NUMERIC_MIN_SIG_DIGITS - (int)val;
    rscale = clamp_rscale(max_int(max_int(rscale, num_scale(b)), num_scale(x)));
    int sig = max_int(rscale + (int)val, 0);
    int S = sig + 12 + max_int(num_exp10(x), 0) + 1;
    free(lb);
    lb = NULL;
    if (!rc) rc = n_ln(b, S, &lb);
    if (!rc) rc = n_mul_r(&y, lb, x, S);
    free(lb);
    if (!rc && fabs(num_to_double(y)) >= NUMERIC_MAX_RESULT_SCALE * 3) {
        bool over = num_sign(y) > 0;
        free(y);
        return over ? num_overflow(err) : zero_at(rscale, out, err);
    }
    if (!rc) rc = n_exp(y, rscale + 8, &res);
    if (!rc) rc = num_round(res, rscale, true, &r);
    free(y);
    free(res);
    if (rc) return num_error(rc, err);
    if (negres && num_sign(r) != 0) {
        char *neg = malloc(strlen(r) + 2);
        if (neg) {
            neg[0] = '-';
            strcpy(neg + 1, r);
        }
        free(r);
        r = neg;
    }
    return set_num(out, r, err);
}

static int round_trunc(const sqlval *a, int n, bool round, sqlval *out, sqlerr *err)
{
    int64_t scale = n == 2 ? a[1].u.i : 0;
    if (scale < -NUMERIC_MAX_RESULT_SCALE) scale = -NUMERIC_MAX_RESULT_SCALE;
    if (scale > NUMERIC_MAX_RESULT_SCALE) scale = NUMERIC_MAX_RESULT_SCALE;
    char *r = NULL;
    if (num_round(a[0].s, (int)scale, round, &r)) return sqlerr_oom(err);
    return set_num(out, r, err);
}

IMPL(f_round_num)
{
    return round_trunc(a, n, true, out, err);
}

IMPL(f_trunc_num)
{
    return round_trunc(a, n, false, out, err);
}

static int ceil_floor(const char *x, bool up, sqlval *out, sqlerr *err)
{
    if (num_is_nan(x)) return nan_result(out, err);
    char *t = NULL;
    int rc = num_round(x, 0, false, &t);
    int c = rc ? 0 : num_cmp(x, t);
    if (!rc && up && c > 0) rc = n_add(&t, t, "1");
    if (!rc && !up && c < 0) rc = n_sub(&t, t, "1");
    if (rc) {
        free(t);
        return num_error(rc, err);
    }
    return set_num(out, t, err);
}

IMPL(f_ceil_num)
{
    (void)n;
    return ceil_floor(a[0].s, true, out, err);
}

IMPL(f_floor_num)
{
    (void)n;
    return ceil_floor(a[0].s, false, out, err);
}

IMPL(f_sign_num)
{
    (void)n;
    if (num_is_nan(a[0].s)) return nan_result(out, err);
    int s = num_sign(a[0].s);
    return set_num(out, strdup(s < 0 ? "-1" : s > 0 ? "1" : "0"), err);
}

IMPL(f_mod_num)
{
    (void)n;
    if (num_is_nan(a[0].s) || num_is_nan(a[1].s)) return nan_result(out, err);
    char *r = NULL;
    int rc = sqlnum_mod(a[0].s, a[1].s, &r);
    if (rc) return num_error(rc, err);
    return set_num(out, r, err);
}

/* div: the quotient truncated to an integer, (x - x mod y) / y exactly. */
IMPL(f_div_num)
{
    (void)n;
    if (num_is_nan(a[0].s) || num_is_nan(a[1].s)) return nan_result(out, err);
    char *rem = NULL, *q = NULL;
    int rc = sqlnum_mod(a[0].s, a[1].s, &rem);
    if (!rc) rc = n_sub(&rem, a[0].s, rem);
    if (!rc) rc = n_div_r(&q, rem, a[1].s, 0);
    free(rem);
    if (rc) {
        free(q);
        return num_error(rc, err);
    }
    return set_num(out, q, err);
}

/* gcd_var: Euclid on |x| and |y|; the result shows the larger input scale. */
static int num_gcd(const char *x, const char *y, char **out)
{
    char *p = NULL, *q = NULL;
    int rc = n_copy(&p, n_abs(x));
    if (!rc) rc = n_copy(&q, n_abs(y));
    while (!rc && !n_is_zero(q)) {
        char *m = NULL;
        if ((rc = sqlnum_mod(p, q, &m))) break;
        free(p);
        p = q;
        q = m;
    }
    free(q);
    if (!rc) rc = n_round(&p, p, max_int(num_scale(x), num_scale(y)));
    if (rc) free(p);
    else *out = p;
    return rc;
}

IMPL(f_gcd_num)
{
    (void)n;
    if (num_is_nan(a[0].s) || num_is_nan(a[1].s)) return nan_result(out, err);
    char *g = NULL;
    int rc = num_gcd(a[0].s, a[1].s, &g);
    if (rc) return num_error(rc, err);
    return set_num(out, g, err);
}

IMPL(f_lcm_num)
{
    (void)n;
    const char *x = a[0].s, *y = a[1].s;
    if (num_is_nan(x) || num_is_nan(y)) return nan_result(out, err);
    int scale = max_int(num_scale(x), num_scale(y));
    if (n_is_zero(x) || n_is_zero(y)) return zero_at(scale, out, err);
    char *g = NULL, *r = NULL;
    int rc = num_gcd(x, y, &g);
    if (!rc) rc = n_div_r(&r, n_abs(x), g, 0); /* exact: g divides x */
    if (!rc) rc = n_mul_r(&r, r, n_abs(y), scale);
    free(g);
    if (rc) {
        free(r);
        return num_error(rc, err);
    }
    return set_num(out, r, err);
}

/* width_bucket(operand, b1, b2, count): the bucket of an equiwidth histogram of count buckets
 * over [b1, b2) (b1 > b2: reversed), 0 below it, count + 1 above, as PostgreSQL's */
static int wb_error(sqlerr *err, const char *msg)
{
    return sqlerr_set(err, "2201G", -1, "%s", msg);
}

IMPL(f_width_bucket_f8)
{
    (void)n;
    double op = a[0].u.f, b1 = a[1].u.f, b2 = a[2].u.f;
    int64_t count = a[3].u.i, r;
    if (count <= 0) return wb_error(err, "count must be greater than zero");
    if (isnan(op) || isnan(b1) || isnan(b2)) return wb_error(err, "operand, lower bound, and upper bound cannot be NaN");
    if (isinf(b1) || isinf(b2)) return wb_error(err, "lower and upper bounds must be finite");
    if (b1 == b2) return wb_error(err, "lower bound cannot equal upper bound");
    bool up = b1 < b2;
    if (up ? op < b1 : op > b1) r = 0;
    else if (up ? op >= b2 : op <= b2) r = count + 1;
    else r = (int64_t)((up ? (double)count * (op - b1) / (b2 - b1) : (double)count * (b1 - op) / (b1 - b2)) + 1);
    if (r > INT32_MAX) return sqlerr_set(err, "22003", -1, "integer out of range");
    sqlval_set_int(out, SQLVAL_INT4, r);
    return SQL_OK;
}

IMPL(f_width_bucket_num)
{
    (void)n;
    const char *op = a[0].s, *b1 = a[1].s, *b2 = a[2].s;
    int64_t count = a[3].u.i;
    if (count <= 0) return wb_error(err, "count must be greater than zero");
    if (num_is_nan(op) || num_is_nan(b1) || num_is_nan(b2))
        return wb_error(err, "operand, lower bound, and upper bound cannot be NaN");
    if (strstr(b1, "Infinity") || strstr(b2, "Infinity")) return wb_error(err, "lower and upper bounds must be finite");
    int c = num_cmp(b1, b2);
    if (!c) return wb_error(err, "lower bound cannot equal upper bound");
    int64_t r;
    if (c < 0 ? num_cmp(op, b1) < 0 : num_cmp(op, b1) > 0) {
        r = 0;
    } else if (c < 0 ? num_cmp(op, b2) >= 0 : num_cmp(op, b2) <= 0) {
        r = count + 1;
    } else { /* compute_bucket: trunc(count * (op - b1) / (b2 - b1)) + 1, exactly */
        char cnt[24], *num = NULL, *den = NULL, *rem = NULL, *q = NULL;
        snprintf(cnt, sizeof cnt, "%lld", (long long)count);
        int rc = c < 0 ? n_sub(&num, op, b1) : n_sub(&num, b1, op);
        if (!rc) rc = c < 0 ? n_sub(&den, b2, b1) : n_sub(&den, b1, b2);
        if (!rc) rc = n_mul_r(&num, num, cnt, num_scale(num));
        if (!rc) rc = sqlnum_mod(num, den, &rem);
        if (!rc) rc = n_sub(&num, num, rem);
        if (!rc) rc = n_div_r(&q, num, den, 0);
        r = !rc ? strtoll(q, NULL, 10) + 1 : 0;
        free(num);
        free(den);
        free(rem);
        free(q);
        if (rc) return num_error(rc, err);
    }
    if (r > INT32_MAX) return sqlerr_set(err, "22003", -1, "integer out of range");
    sqlval_set_int(out, SQLVAL_INT4, r);
    return SQL_OK;
}

IMPL(f_sqrt_num)
{
    (void)n;
    const char *x = a[0].s;
    if (num_is_nan(x)) return nan_result(out, err);
    if (num_sign(x) < 0)
        return sqlerr_set(err, SQLSTATE_INVALID_ARGUMENT_FOR_POWER, -1,
                          "cannot take square root of a negative number");
    int w, d[4], nd;
    num_nbase(x, &w, d, &nd);
    int sweight = (w + 1) * 4 / 2 - 1;
    int rscale = clamp_rscale(max_int(NUMERIC_MIN_SIG_DIGITS - sweight, num_scale(x)));
    char *r = NULL;
    int rc = n_sqrt(x, rscale, &r);
    if (rc) return num_error(rc, err);
    return set_num(out, r, err);
}

IMPL(f_exp_num)
{
    (void)n;
    const char *x = a[0].s;
    if (num_is_nan(x)) return nan_result(out, err);
    double val = num_to_double(x) * 0.434294481903252;
    if (val < -NUMERIC_MAX_RESULT_SCALE) val = -NUMERIC_MAX_RESULT_SCALE;
    if (val > NUMERIC_MAX_RESULT_SCALE) val = NUMERIC_MAX_RESULT_SCALE;
    int rscale = clamp_rscale(max_int(NUMERIC_MIN_SIG_DIGITS - (int)val, num_scale(x)));
    if (fabs(num_to_double(x)) >= NUMERIC_MAX_RESULT_SCALE * 3)
        return num_sign(x) > 0 ? num_overflow(err) : zero_at(rscale, out, err);
    char *r = NULL, *e = NULL;
    int rc = n_exp(x, rscale + 8, &e);
    if (!rc) rc = num_round(e, rscale, true, &r);
    free(e);
    if (rc) return num_error(rc, err);
    return set_num(out, r, err);
}

IMPL(f_ln_num)
{
    (void)n;
    const char *x = a[0].s;
    if (num_is_nan(x)) return nan_result(out, err);
    if (ln_domain(x, err)) return SQL_ERR;
    int rscale = clamp_rscale(max_int(NUMERIC_MIN_SIG_DIGITS - est_ln_dweight(x), num_scale(x)));
    char *l = NULL, *r = NULL;
    int rc = n_ln(x, rscale + 8, &l);
    if (!rc) rc = num_round(l, rscale, true, &r);
    free(l);
    if (rc) return num_error(rc, err);
    return set_num(out, r, err);
}

IMPL(f_log_num)
{
    (void)n;
    return num_log(a[0].s, a[1].s, out, err);
}

IMPL(f_log10_num)
{
    (void)n;
    return num_log("10", a[0].s, out, err);
}

/* ------------------------------------------------------------------ jsonb */

/* Canonical jsonb text (sqljsonb.h) is walked in place: ", " between items, ": " after keys, no
 * other whitespace. js_end is the index just past the value starting at s[i]. */
static size_t js_end(const char *s, size_t i)
{
    if (s[i] == '"') {
        for (i++; s[i] && s[i] != '"'; i++)
            if (s[i] == '\\' && s[i + 1]) i++;
        return s[i] ? i + 1 : i;
    }
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (s[i]) {
            if (s[i] == '"') {
                i = js_end(s, i);
                continue;
            }
            if (s[i] == '{' || s[i] == '[') depth++;
            else if (s[i] == '}' || s[i] == ']') depth--;
            i++;
            if (depth == 0) break;
        }
        return i;
    }
    while (s[i] && s[i] != ',' && s[i] != '}' && s[i] != ']') i++;
    return i;
}

/* The next item of the container opening at s[start]: *i is start before the first call
 * (first true), then where the previous item ended; obj: items are key ": " value. */
typedef struct js_item {
    size_t kb, ke, vb, ve; /* key and value spans (an array item has an empty key) */
} js_item;

static bool js_member(const char *s, size_t *i, bool first, bool obj, js_item *it)
{
    size_t p = *i + 1; /* past '{' or '[' */
    if (!first) {
        if (s[*i] != ',') return false;
        p = *i + 2; /* ", " */
    }
    if (!s[p] || s[p] == '}' || s[p] == ']') return false;
    it->kb = it->ke = p;
    if (obj) {
        it->ke = js_end(s, p);
        p = it->ke + 2; /* ": " */
    }
    it->vb = p;
    it->ve = js_end(s, p);
    *i = it->ve;
    return true;
}

/* The canonical text of a jsonb argument. */
static const char *jtext(const sqlval *v)
{
    return v->s ? v->s : "null";
}

IMPL(f_jsonb_typeof)
{
    (void)n;
    const char *j = jtext(&a[0]);
    const char *t = j[0] == '{' ? "object" : j[0] == '[' ? "array" : j[0] == '"' ? "string"
                    : j[0] == 't' || j[0] == 'f' ? "boolean" : j[0] == 'n' ? "null" : "number";
    return set_text(out, t, strlen(t), err);
}

IMPL(f_jsonb_array_length)
{
    (void)n;
    const char *j = jtext(&a[0]);
    if (j[0] != '[')
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "cannot get array length of %s",
                          j[0] == '{' ? "a non-array" : "a scalar");
    size_t i = 0;
    int64_t count = 0;
    js_item it;
    for (bool first = true; js_member(j, &i, first, false, &it); first = false) count++;
    sqlval_set_int(out, SQLVAL_INT4, count);
    return SQL_OK;
}

/* escape_json: s as a JSON string literal. */
static void put_json_string(sbuf *b, const char *s, size_t n)
{
    sb_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t" : NULL;
        if (esc) {
            sb_puts(b, esc);
        } else if (c < 0x20) {
            char u[8];
            snprintf(u, sizeof(u), "\\u%04x", c);
            sb_puts(b, u);
        } else {
            sb_put(b, s + i, 1);
        }
    }
    sb_put(b, "\"", 1);
}

/* A timestamptz as JSON has it (JsonEncodeDateTime, XSD style): 2020-01-01T04:30:00.5+00:00. */
static void put_json_timestamptz(sbuf *b, int64_t us)
{
    char buf[64];
    sqlval_format_timestamptz(us, buf, sizeof(buf));
    char *sp = strchr(buf, ' ');
    if (sp && buf[0] >= '0' && buf[0] <= '9') {
        *sp = 'T';
        char *off = strrchr(sp, '+');
        if (!off) off = strrchr(sp, '-');
        if (off && strlen(off) == 3) strcat(buf, ":00"); /* "+05:30" stays */
    }
    put_json_string(b, buf, strlen(buf));
}

/* datum_to_jsonb: v as a JSON value (as a key: the string it becomes). */
static int put_jsonb_value(sbuf *b, const sqlval *v, bool key, sqlerr *err)
{
    if (v->isnull) {
        sb_puts(b, "null");
        return SQL_OK;
    }
    if (key && (v->type == SQLVAL_TEXTARRAY || v->type == SQLVAL_JSONB || v->type == SQLVAL_JSON))
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                          "key value must be scalar, not array, composite, or json");
    char *t = NULL;
    size_t tl;
    switch (v->type) {
    case SQLVAL_BOOL:
        sb_puts(b, key ? (v->u.b ? "\"true\"" : "\"false\"") : v->u.b ? "true" : "false");
        return SQL_OK;
    case SQLVAL_INT2:
    case SQLVAL_INT4:
    case SQLVAL_INT8:
    case SQLVAL_FLOAT4:
    case SQLVAL_FLOAT8:
    case SQLVAL_NUMERIC: {
        if (sqlval_to_text(v, &t, &tl, err)) return SQL_ERR;
        /* a number, unless its text is not one (NaN, Infinity) */
        if (!key && strcmp(t, "NaN") != 0 && !strstr(t, "Infinity")) sb_put(b, t, tl);
        else put_json_string(b, t, tl);
        free(t);
        return SQL_OK;
    }
    case SQLVAL_TIMESTAMPTZ: put_json_timestamptz(b, v->u.i); return SQL_OK;
    case SQLVAL_JSONB: sb_puts(b, jtext(v)); return SQL_OK;
    case SQLVAL_JSON: sb_put(b, v->s ? v->s : "null", v->s ? v->len : 4); return SQL_OK;
    case SQLVAL_TEXTARRAY:
        sb_put(b, "[", 1);
        for (size_t i = 0; i < v->narr; i++) {
            if (i) sb_put(b, ", ", 2);
            if (v->arr[i]) put_json_string(b, v->arr[i], strlen(v->arr[i]));
            else sb_puts(b, "null");
        }
        sb_put(b, "]", 1);
        return SQL_OK;
    case SQLVAL_UNKNOWN:
    case SQLVAL_TEXT:
    case SQLVAL_VARCHAR:
    case SQLVAL_NAME: put_json_string(b, v->s ? v->s : "", v->s ? v->len : 0); return SQL_OK;
    default: /* bytea, oid: their output text as a string */
        if (sqlval_to_text(v, &t, &tl, err)) return SQL_ERR;
        put_json_string(b, t, tl);
        free(t);
        return SQL_OK;
    }
}

/* {key sep value, ...} of the pairs a[0..n) (n even), the keys as object keys: the json
 * objects json_build_object, jsonb_build_object and row_to_json print, differing only in
 * their separators. A NULL key fails with json_build_object's message, or jsonb's. On error
 * *b is freed. */
static int put_object(sbuf *b, const sqlval *a, int n, const char *sep, const char *colon,
                      bool jsonb, sqlerr *err)
{
    sb_put(b, "{", 1);
    for (int i = 0; i + 1 < n; i += 2) {
        if (a[i].isnull) {
            sb_free(b);
            return jsonb ? sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                                      "argument %d: key must not be null", i + 1)
                         : sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                                      "argument %d cannot be null", i + 1);
        }
        if (i) sb_puts(b, sep);
        int rc = put_jsonb_value(b, &a[i], true, err);
        sb_puts(b, colon);
        if (rc || put_jsonb_value(b, &a[i + 1], false, err)) {
            sb_free(b);
            return SQL_ERR;
        }
    }
    sb_put(b, "}", 1);
    return SQL_OK;
}

/* The built JSON text as a jsonb result (object keys sorted, a repeated key: the last wins). */
static int finish_jsonb(sbuf *b, sqlval *out, sqlerr *err)
{
    sqlval raw;
    if (sb_finish(b, SQLVAL_TEXT, &raw, err)) return SQL_ERR;
    char *j;
    size_t jl;
    int rc = sqljsonb_normalize(raw.s, raw.len, &j, &jl, err);
    sqlval_free(&raw);
    if (rc) return SQL_ERR;
    sqlval_take_str(out, SQLVAL_JSONB, j, jl);
    return SQL_OK;
}

IMPL(f_jsonb_build_object)
{
    if (n % 2) {
        sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                   "argument list must have even number of elements");
        sqlerr_hint(err, "The arguments of jsonb_build_object() must consist of alternating keys "
                         "and values.");
        return SQL_ERR;
    }
    sbuf b = {0};
    if (put_object(&b, a, n, ", ", ": ", true, err)) return SQL_ERR;
    return finish_jsonb(&b, out, err);
}

IMPL(f_json_build_object)
{
    if (n % 2) {
        sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1,
                   "argument list must have even number of elements");
        sqlerr_hint(err, "The arguments of json_build_object() must consist of alternating keys "
                         "and values.");
        return SQL_ERR;
    }
    sbuf b = {0};
    if (put_object(&b, a, n, ", ", " : ", false, err)) return SQL_ERR;
    return sb_finish(&b, SQLVAL_JSON, out, err);
}

/* record_out: (v1,v2,...), a NULL empty, a value quoted when it is empty or holds a quote,
 * backslash, parenthesis, comma or white space (quotes and backslashes doubled inside) */
IMPL(f_row)
{
    sbuf b = {0};
    sb_put(&b, "(", 1);
    for (int i = 1; i < n; i += 2) {
        if (i > 1) sb_put(&b, ",", 1);
        if (a[i].isnull) continue;
        char *t;
        size_t tl;
        if (sqlval_to_text(&a[i], &t, &tl, err)) {
            sb_free(&b);
            return SQL_ERR;
        }
        bool quote = tl == 0;
        for (size_t k = 0; k < tl && !quote; k++)
            quote = strchr("\"\\(),", t[k]) != NULL || isspace((unsigned char)t[k]);
        if (quote) sb_put(&b, "\"", 1);
        for (size_t k = 0; k < tl; k++) {
            if (t[k] == '"' || t[k] == '\\') sb_put(&b, &t[k], 1);
            sb_put(&b, &t[k], 1);
        }
        if (quote) sb_put(&b, "\"", 1);
        free(t);
    }
    sb_put(&b, ")", 1);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* composite_to_json: {"name":value,...}, no blanks (pretty: a line per member after the
 * first, as row_to_json(r, true)) */
static int row_json(const sqlval *a, int n, bool pretty, sqlval *out, sqlerr *err)
{
    sbuf b = {0};
    /* the keys are column names, never NULL */
    if (put_object(&b, a, n, pretty ? ",\n " : ",", ":", false, err))
        return SQL_ERR;
    return sb_finish(&b, SQLVAL_JSON, out, err);
}

IMPL(f_row_json)
{
    return row_json(a, n, false, out, err);
}

IMPL(f_row_json_pretty)
{
    return row_json(a, n, true, out, err);
}

IMPL(f_json_typeof)
{
    (void)n;
    const char *t = sqljson_typeof(a[0].s ? a[0].s : "", a[0].len);
    return sqlval_set_str(out, SQLVAL_TEXT, t, strlen(t), err);
}

IMPL(f_json_array_length)
{
    (void)n;
    long l = sqljson_array_length(a[0].s ? a[0].s : "", a[0].len);
    if (l < 0) {
        const char *t = sqljson_typeof(a[0].s ? a[0].s : "", a[0].len);
        return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "cannot get array length of a %s",
                          !strcmp(t, "object") ? "non-array" : "scalar");
    }
    sqlval_set_int(out, SQLVAL_INT4, l);
    return SQL_OK;
}

/* json_extract_path[_text](json, VARIADIC text[]): the path's elements as a text[] */
static int json_path_fn(const sqlval *a, int n, bool text, sqlval *out, sqlerr *err)
{
    const char *p[n > 1 ? n - 1 : 1];
    for (int i = 1; i < n; i++) {
        if (a[i].isnull) { /* a NULL path element: NULL */
            sqlval_init_null(out, text ? SQLVAL_TEXT : SQLVAL_JSON);
            return SQL_OK;
        }
        p[i - 1] = a[i].s ? a[i].s : "";
    }
    sqlval path;
    if (sqlval_set_array(&path, p, (size_t)(n - 1), err)) return SQL_ERR;
    int rc = sqljson_path(a[0].s ? a[0].s : "", a[0].len, &path, text, out, err);
    sqlval_free(&path);
    return rc;
}

IMPL(f_json_extract_path)
{
    return json_path_fn(a, n, false, out, err);
}

IMPL(f_json_extract_path_text)
{
    return json_path_fn(a, n, true, out, err);
}

/* to_json(anyelement): as to_jsonb, printed as json prints it (no space after a colon in
 * nested records is HeliosDB's jsonb spelling; scalars and arrays are alike) */
IMPL(f_to_json)
{
    (void)n;
    sbuf b = {0};
    if (put_jsonb_value(&b, &a[0], false, err)) {
        sb_free(&b);
        return SQL_ERR;
    }
    return sb_finish(&b, SQLVAL_JSON, out, err);
}

IMPL(f_json_build_array)
{
    sbuf b = {0};
    sb_put(&b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i) sb_put(&b, ", ", 2);
        if (put_jsonb_value(&b, &a[i], false, err)) {
            sb_free(&b);
            return SQL_ERR;
        }
    }
    sb_put(&b, "]", 1);
    return sb_finish(&b, SQLVAL_JSON, out, err);
}

IMPL(f_jsonb_build_array)
{
    sbuf b = {0};
    sb_put(&b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i) sb_put(&b, ", ", 2);
        if (put_jsonb_value(&b, &a[i], false, err)) {
            sb_free(&b);
            return SQL_ERR;
        }
    }
    sb_put(&b, "]", 1);
    return finish_jsonb(&b, out, err);
}

IMPL(f_to_jsonb)
{
    (void)n;
    sbuf b = {0};
    if (put_jsonb_value(&b, &a[0], false, err)) {
        sb_free(&b);
        return SQL_ERR;
    }
    return finish_jsonb(&b, out, err);
}

/* Copies the value at s[*i] without the object members whose value is null. */
static void strip_nulls(const char *s, size_t *i, sbuf *b)
{
    char open = s[*i];
    if (open != '{' && open != '[') {
        size_t e = js_end(s, *i);
        sb_put(b, s + *i, e - *i);
        *i = e;
        return;
    }
    bool obj = open == '{';
    sb_put(b, &open, 1);
    size_t p = *i;
    js_item it;
    bool any = false;
    for (bool first = true; js_member(s, &p, first, obj, &it); first = false) {
        if (obj && it.ve - it.vb == 4 && !memcmp(s + it.vb, "null", 4)) continue;
        if (any) sb_put(b, ", ", 2);
        any = true;
        if (obj) {
            sb_put(b, s + it.kb, it.ke - it.kb);
            sb_put(b, ": ", 2);
        }
        size_t v = it.vb;
        strip_nulls(s, &v, b);
    }
    sb_put(b, obj ? "}" : "]", 1);
    *i = js_end(s, *i);
}

IMPL(f_jsonb_strip_nulls)
{
    (void)n;
    sbuf b = {0};
    size_t i = 0;
    strip_nulls(jtext(&a[0]), &i, &b);
    return sb_finish(&b, SQLVAL_JSONB, out, err);
}

/* jsonb_pretty (JsonbToCStringIndent): one item a line, four spaces a level, an empty
 * container still split over two lines. */
static void indent(sbuf *b, int level)
{
    sb_put(b, "\n", 1);
    for (int k = 0; k < level; k++) sb_put(b, "    ", 4);
}

static void pretty(const char *s, size_t vb, int level, sbuf *b)
{
    char open = s[vb];
    if (open != '{' && open != '[') {
        sb_put(b, s + vb, js_end(s, vb) - vb);
        return;
    }
    bool obj = open == '{';
    sb_put(b, &open, 1);
    size_t p = vb;
    js_item it;
    for (bool first = true; js_member(s, &p, first, obj, &it); first = false) {
        if (!first) sb_put(b, ",", 1);
        indent(b, level + 1);
        if (obj) {
            sb_put(b, s + it.kb, it.ke - it.kb);
            sb_put(b, ": ", 2);
        }
        pretty(s, it.vb, level + 1, b);
    }
    indent(b, level);
    sb_put(b, obj ? "}" : "]", 1);
}

IMPL(f_jsonb_pretty)
{
    (void)n;
    sbuf b = {0};
    pretty(jtext(&a[0]), 0, 0, &b);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

/* get_jsonb_path_all: object steps by key, array steps by an integer (negative counts from
 * the end), anything else (a scalar, a bad index, a NULL step) gives NULL. */
static int extract_path(const sqlval *a, int n, bool as_text, sqlval *out, sqlerr *err)
{
    sqlval cur;
    if (sqlval_copy(&cur, &a[0], err)) return SQL_ERR;
    int rc = SQL_OK;
    for (int i = 1; i < n && !cur.isnull; i++) {
        const char *doc = jtext(&cur);
        sqlval key, next;
        bool last = i == n - 1;
        if (a[i].isnull || (doc[0] != '{' && doc[0] != '[')) {
            sqlval_free(&cur);
            break;
        }
        if (doc[0] == '{') {
            key = a[i];
        } else {
            char *end;
            errno = 0;
            long idx = strtol(a[i].s, &end, 10);
            if (end == a[i].s || *end || errno || idx > INT32_MAX || idx <= INT32_MIN) {
                sqlval_free(&cur);
                break;
            }
            sqlval_set_int(&key, SQLVAL_INT4, idx);
        }
        rc = sqljsonb_get(doc, &key, last && as_text, &next, err);
        sqlval_free(&cur);
        if (rc) return SQL_ERR;
        cur = next;
    }
    if (cur.isnull) return SQL_OK;
    cur.type = as_text ? SQLVAL_TEXT : SQLVAL_JSONB;
    sqlval_move(out, &cur);
    return rc;
}

IMPL(f_jsonb_extract_path)
{
    return extract_path(a, n, false, out, err);
}

IMPL(f_jsonb_extract_path_text)
{
    return extract_path(a, n, true, out, err);
}

/* ------------------------------------------------------------------ misc */

static int count_nulls(const sqlval *a, int n, bool nulls, sqlval *out)
{
    int64_t c = 0;
    for (int i = 0; i < n; i++) c += a[i].isnull == nulls;
    sqlval_set_int(out, SQLVAL_INT4, c);
    return SQL_OK;
}

IMPL(f_num_nulls)
{
    (void)err;
    return count_nulls(a, n, true, out);
}

IMPL(f_num_nonnulls)
{
    (void)err;
    return count_nulls(a, n, false, out);
}

int sqlfunc_json_agg(const sqlval *keys, const sqlval *vals, size_t n, bool jsonb, bool structured,
                     sqlval *out, sqlerr *err)
{
    sbuf b = {0};
    sb_puts(&b, keys ? (jsonb ? "{" : "{ ") : "[");
    for (size_t i = 0; i < n; i++) {
        if (i) sb_put(&b, ", ", 2);
        if (i && structured && !jsonb && !vals[i].isnull) sb_put(&b, "\n ", 2);
        if (keys) {
            if (keys[i].isnull) {
                sb_free(&b);
                return sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "field name must not be null");
            }
            if (put_jsonb_value(&b, &keys[i], true, err)) {
                sb_free(&b);
                return SQL_ERR;
            }
            sb_puts(&b, jsonb ? ": " : " : ");
        }
        if (put_jsonb_value(&b, &vals[i], false, err)) {
            sb_free(&b);
            return SQL_ERR;
        }
    }
    sb_puts(&b, keys ? (jsonb ? "}" : " }") : "]");
    if (!jsonb) return sb_finish(&b, SQLVAL_JSON, out, err);
    sqlval raw;
    if (sb_finish(&b, SQLVAL_TEXT, &raw, err)) return SQL_ERR;
    int rc = sqlval_from_text(SQLVAL_JSONB, raw.s, raw.len, out, err); /* canonical */
    sqlval_free(&raw);
    return rc;
}

int sqlfunc_numeric_round(const char *s, int scale, char **out)
{
    return num_round(s, scale, true, out) ? -1 : 0;
}

int sqlfunc_quote_ident(const sqlval *in, sqlval *out, sqlerr *err)
{
    return f_quote_ident(in, 1, out, err);
}

/* ------------------------------------------------------------------ trigonometry and more */

/* PostgreSQL's CHECKFLOATVAL: an infinite result from finite inputs overflows, a zero from
 * non-zero ones underflows. */
static int f8_checked(sqlval *out, double r, bool inf_ok, bool zero_ok, sqlerr *err)
{
    if (isinf(r) && !inf_ok) return float_overflow(err);
    if (r == 0.0 && !zero_ok) return float_underflow(err);
    return set_f8(out, r);
}

static int trig_range(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "input is out of range");
}

IMPL(f_cbrt)
{
    (void)n;
    double x = a[0].u.f;
    return f8_checked(out, cbrt(x), isinf(x), x == 0, err);
}

IMPL(f_degrees)
{
    (void)n;
    double x = a[0].u.f;
    return f8_checked(out, x / (M_PI / 180.0), isinf(x), x == 0, err);
}

IMPL(f_radians)
{
    (void)n;
    double x = a[0].u.f;
    return f8_checked(out, x * (M_PI / 180.0), isinf(x), x == 0, err);
}

/* sin, cos, tan, cot of radians (which: 's', 'c', 't', 'o'): NaN in, NaN out; an infinite
 * input is out of range. */
static int trig(double x, char which, sqlval *out, sqlerr *err)
{
    if (isnan(x)) return set_f8(out, x);
    if (isinf(x)) return trig_range(err);
    errno = 0;
    double r = which == 's' ? sin(x) : which == 'c' ? cos(x) : tan(x);
    if (errno) return trig_range(err);
    if (which == 'o') return f8_checked(out, 1.0 / r, true, true, err);
    return f8_checked(out, r, which == 't', true, err);
}

IMPL(f_sin)
{
    (void)n;
    return trig(a[0].u.f, 's', out, err);
}

IMPL(f_cos)
{
    (void)n;
    return trig(a[0].u.f, 'c', out, err);
}

IMPL(f_tan)
{
    (void)n;
    return trig(a[0].u.f, 't', out, err);
}

IMPL(f_cot)
{
    (void)n;
    return trig(a[0].u.f, 'o', out, err);
}

/* asin and acos of [-1, 1] */
static int arc(double x, bool is_sin, sqlval *out, sqlerr *err)
{
    if (isnan(x)) return set_f8(out, x);
    if (x < -1.0 || x > 1.0) return trig_range(err);
    return set_f8(out, is_sin ? asin(x) : acos(x));
}

IMPL(f_asin)
{
    (void)n;
    return arc(a[0].u.f, true, out, err);
}

IMPL(f_acos)
{
    (void)n;
    return arc(a[0].u.f, false, out, err);
}

IMPL(f_atan)
{
    (void)n;
    (void)err;
    return set_f8(out, atan(a[0].u.f));
}

IMPL(f_atan2)
{
    (void)n;
    (void)err;
    double y = a[0].u.f, x = a[1].u.f;
    return set_f8(out, isnan(x) || isnan(y) ? NAN : atan2(y, x));
}

IMPL(f_sinh)
{
    (void)n;
    (void)err;
    errno = 0;
    double x = a[0].u.f, r = sinh(x);
    if (errno == ERANGE) r = x < 0 ? -INFINITY : INFINITY;
    return set_f8(out, r);
}

IMPL(f_cosh)
{
    (void)n;
    errno = 0;
    double r = cosh(a[0].u.f);
    if (errno == ERANGE) r = INFINITY;
    if (r == 0.0) return float_underflow(err);
    return set_f8(out, r);
}

IMPL(f_tanh)
{
    (void)n;
    double r = tanh(a[0].u.f);
    if (isinf(r)) return float_overflow(err);
    return set_f8(out, r);
}

IMPL(f_asinh)
{
    (void)n;
    (void)err;
    return set_f8(out, asinh(a[0].u.f));
}

IMPL(f_acosh)
{
    (void)n;
    double x = a[0].u.f;
    if (x < 1.0) return trig_range(err); /* NaN passes: acosh(NaN) is NaN */
    return set_f8(out, acosh(x));
}

IMPL(f_atanh)
{
    (void)n;
    double x = a[0].u.f;
    if (x < -1.0 || x > 1.0) return trig_range(err);
    return set_f8(out, x == -1.0 ? -INFINITY : x == 1.0 ? INFINITY : atanh(x));
}

/* The degree-based functions as PostgreSQL computes them: exact at 0, 30, 45, 60 and 90
 * degrees, the scaling constants computed at run time by the same sin/cos/asin/acos/atan
 * (volatile operands: the compiler must not fold them with another implementation). */
static struct {
    double sin_30, one_minus_cos_60, asin_0_5, acos_0_5, atan_1_0, tan_45, cot_45;
} dk;
static pthread_once_t dk_once = PTHREAD_ONCE_INIT;

static double sind_0_to_30(double x)
{
    return (sin(x * (M_PI / 180.0)) / dk.sin_30) / 2.0;
}

static double cosd_0_to_60(double x)
{
    double one_minus_cos_x = 1.0 - cos(x * (M_PI / 180.0));
    return 1.0 - (one_minus_cos_x / dk.one_minus_cos_60) / 2.0;
}

static double sind_q1(double x)
{
    return x <= 30.0 ? sind_0_to_30(x) : cosd_0_to_60(90.0 - x);
}

static double cosd_q1(double x)
{
    return x <= 60.0 ? cosd_0_to_60(x) : sind_0_to_30(90.0 - x);
}

static void dk_init(void)
{
    volatile double thirty = 30.0, forty_five = 45.0, sixty = 60.0, one_half = 0.5, one = 1.0;
    dk.sin_30 = sin(thirty * (M_PI / 180.0));
    dk.one_minus_cos_60 = 1.0 - cos(sixty * (M_PI / 180.0));
    dk.asin_0_5 = asin(one_half);
    dk.acos_0_5 = acos(one_half);
    dk.atan_1_0 = atan(one);
    dk.tan_45 = sind_q1(forty_five) / cosd_q1(forty_five);
    dk.cot_45 = cosd_q1(forty_five) / sind_q1(forty_five);
}

/* sind, cosd, tand, cotd ('s', 'c', 't', 'o'): the angle reduced to [0, 90] with its sign */
static int trigd(double x, char which, sqlval *out, sqlerr *err)
{
    if (isnan(x)) return set_f8(out, x);
    if (isinf(x)) return trig_range(err);
    pthread_once(&dk_once, dk_init);
    int sign = 1;
    x = fmod(x, 360.0);
    if (x < 0.0) {
        x = -x;
        if (which != 'c') sign = -sign; /* cosd(-x) = cosd(x), the others odd */
    }
    if (x > 180.0) {
        x = 360.0 - x;
        if (which != 'c') sign = -sign;
    }
    if (x > 90.0) {
        x = 180.0 - x;
        if (which != 's') sign = -sign; /* sind(180-x) = sind(x) */
    }
    double r;
    switch (which) {
    case 's': r = sign * sind_q1(x); break;
    case 'c': r = sign * cosd_q1(x); break;
    case 't': r = sign * ((sind_q1(x) / cosd_q1(x)) / dk.tan_45); break;
    default: r = sign * ((cosd_q1(x) / sind_q1(x)) / dk.cot_45); break;
    }
    if (r == 0.0) r = 0.0; /* no minus zero */
    return f8_checked(out, r, which == 't' || which == 'o', true, err);
}

IMPL(f_sind)
{
    (void)n;
    return trigd(a[0].u.f, 's', out, err);
}

IMPL(f_cosd)
{
    (void)n;
    return trigd(a[0].u.f, 'c', out, err);
}

IMPL(f_tand)
{
    (void)n;
    return trigd(a[0].u.f, 't', out, err);
}

IMPL(f_cotd)
{
    (void)n;
    return trigd(a[0].u.f, 'o', out, err);
}

static double asind_q1(double x)
{
    return x <= 0.5 ? (asin(x) / dk.asin_0_5) * 30.0 : 90.0 - (acos(x) / dk.acos_0_5) * 60.0;
}

static double acosd_q1(double x)
{
    return x <= 0.5 ? 90.0 - (asin(x) / dk.asin_0_5) * 30.0 : (acos(x) / dk.acos_0_5) * 60.0;
}

IMPL(f_asind)
{
    (void)n;
    double x = a[0].u.f;
    if (isnan(x)) return set_f8(out, x);
    if (x < -1.0 || x > 1.0) return trig_range(err);
    pthread_once(&dk_once, dk_init);
    return set_f8(out, x >= 0.0 ? asind_q1(x) : -asind_q1(-x));
}

IMPL(f_acosd)
{
    (void)n;
    double x = a[0].u.f;
    if (isnan(x)) return set_f8(out, x);
    if (x < -1.0 || x > 1.0) return trig_range(err);
    pthread_once(&dk_once, dk_init);
    return set_f8(out, x >= 0.0 ? acosd_q1(x) : 90.0 + asind_q1(-x));
}

IMPL(f_atand)
{
    (void)n;
    (void)err;
    double x = a[0].u.f;
    if (isnan(x)) return set_f8(out, x);
    pthread_once(&dk_once, dk_init);
    return set_f8(out, (atan(x) / dk.atan_1_0) * 45.0);
}

IMPL(f_atan2d)
{
    (void)n;
    (void)err;
    double y = a[0].u.f, x = a[1].u.f;
    if (isnan(x) || isnan(y)) return set_f8(out, NAN);
    pthread_once(&dk_once, dk_init);
    return set_f8(out, (atan2(y, x) / dk.atan_1_0) * 45.0);
}

/* random() and setseed(): xoshiro256** per session (sqlfunc_use_rng points at the running
 * session's state; a thread's own when none), seeded from getrandom until setseed seeds it
 * from its argument, so a session's sequence after setseed(x) repeats (PostgreSQL's numbers
 * themselves differ: another generator). */
static _Thread_local uint64_t *rng_state;
static _Thread_local uint64_t rng_own[4];

void sqlfunc_use_rng(uint64_t *state)
{
    rng_state = state;
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t *s, uint64_t seed)
{
    for (int i = 0; i < 4; i++) s[i] = splitmix64(&seed);
}

static uint64_t rng_next(void)
{
    uint64_t *s = rng_state ? rng_state : rng_own;
    if (!(s[0] | s[1] | s[2] | s[3])) { /* first use */
        uint64_t seed = 0;
        if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed) seed = (uint64_t)time(NULL) ^ (uintptr_t)s;
        rng_seed(s, seed);
    }
    uint64_t r = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return r;
}

IMPL(f_random)
{
    (void)a;
    (void)n;
    (void)err;
    return set_f8(out, (double)(rng_next() >> 11) * 0x1.0p-53); /* [0, 1) */
}

IMPL(f_setseed)
{
    (void)n;
    double seed = a[0].u.f;
    if (!(seed >= -1.0 && seed <= 1.0))
        return sqlerr_set(err, "22023", -1, "setseed parameter %g is out of allowed range [-1,1]", seed);
    uint64_t bits;
    memcpy(&bits, &seed, sizeof bits);
    rng_seed(rng_state ? rng_state : rng_own, bits ^ 0x5eed5eed5eed5eedull);
    return sqlval_set_str(out, SQLVAL_VOID, "", 0, err);
}

/* factorial(bigint) -> numeric */
IMPL(f_factorial)
{
    (void)n;
    int64_t v = a[0].u.i;
    if (v < 0) return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "factorial of a negative number is undefined");
    if (v > 1750) /* 1751! has more than 5,000 digits (as power's limit) */
        return sqlerr_unsupported(err, -1, "factorial with a result of more than 5000 digits");
    char *r = strdup("1");
    for (int64_t i = 2; r && i <= v; i++) {
        char k[24], *p = NULL;
        snprintf(k, sizeof k, "%lld", (long long)i);
        if (sqlnum_mul(r, k, &p)) p = NULL;
        free(r);
        r = p;
    }
    return set_num(out, r, err);
}

/* scale(numeric), min_scale(numeric): NULL for NaN; trim_scale(numeric) */
static size_t num_min_scale(const char *s)
{
    numtxt x;
    num_split(s, &x);
    size_t fl = x.fl;
    while (fl && x.fp[fl - 1] == '0') fl--;
    return fl;
}

IMPL(f_scale)
{
    (void)n;
    (void)err;
    if (num_is_nan(a[0].s)) {
        sqlval_init_null(out, SQLVAL_INT4);
        return SQL_OK;
    }
    sqlval_set_int(out, SQLVAL_INT4, num_scale(a[0].s));
    return SQL_OK;
}

IMPL(f_min_scale)
{
    (void)n;
    (void)err;
    if (num_is_nan(a[0].s)) {
        sqlval_init_null(out, SQLVAL_INT4);
        return SQL_OK;
    }
    sqlval_set_int(out, SQLVAL_INT4, (int64_t)num_min_scale(a[0].s));
    return SQL_OK;
}

IMPL(f_trim_scale)
{
    (void)n;
    if (num_is_nan(a[0].s)) return nan_result(out, err);
    char *r = NULL;
    if (sqlfunc_numeric_round(a[0].s, (int)num_min_scale(a[0].s), &r)) return sqlerr_oom(err);
    return set_num(out, r, err);
}

/* get_byte(bytea, int) */
IMPL(f_get_byte)
{
    (void)n;
    int64_t i = a[1].u.i;
    if (i < 0 || (size_t)i >= a[0].len)
        return sqlerr_set(err, "2202E", -1, "index %lld out of valid range, 0..%lld", (long long)i,
                          (long long)a[0].len - 1);
    sqlval_set_int(out, SQLVAL_INT4, (unsigned char)a[0].s[i]);
    return SQL_OK;
}

/* ------------------------------------------------------------------ SQL/JSON path */

/* jsonb_path_*(target, path [, vars [, silent]]): vars '{}' and silent false by default, as
 * PostgreSQL declares them. mode: 'e' exists, 'm' match, 'a' query_array, 'f' query_first. */
static int jsonpath_fn(const sqlval *a, int n, char mode, sqlval *out, sqlerr *err)
{
    sqljsonpath *p;
    if (sqljsonpath_parse(a[1].s ? a[1].s : "", a[1].s ? a[1].len : 0, &p, err)) return SQL_ERR;
    const char *doc = a[0].s ? a[0].s : "null", *vars = n >= 3 && a[2].s ? a[2].s : "{}";
    size_t dl = strlen(doc), vl = strlen(vars);
    bool silent = n >= 4 && a[3].u.b;
    int rc;
    if (mode == 'e' || mode == 'm') {
        int r = 0;
        rc = mode == 'e' ? sqljsonpath_exists(p, doc, dl, vars, vl, silent, &r, err)
                         : sqljsonpath_match(p, doc, dl, vars, vl, silent, &r, err);
        if (!rc) {
            if (r < 0) sqlval_init_null(out, SQLVAL_BOOL);
            else sqlval_set_bool(out, r == 1);
        }
        sqljsonpath_free(p);
        return rc;
    }
    char **items = NULL;
    size_t ni = 0;
    rc = sqljsonpath_query(p, doc, dl, vars, vl, silent, &items, &ni, err);
    sqljsonpath_free(p);
    if (rc) return SQL_ERR;
    if (mode == 'f') {
        if (!ni) sqlval_init_null(out, SQLVAL_JSONB);
        else rc = sqlval_set_str(out, SQLVAL_JSONB, items[0], strlen(items[0]), err);
    } else { /* [item, ...] in jsonb's canonical spelling */
        sbuf b = {0};
        sb_put(&b, "[", 1);
        for (size_t i = 0; i < ni; i++) {
            if (i) sb_put(&b, ", ", 2);
            sb_puts(&b, items[i]);
        }
        sb_put(&b, "]", 1);
        rc = sb_finish(&b, SQLVAL_JSONB, out, err);
    }
    sqljsonpath_items_free(items, ni);
    return rc;
}

IMPL(f_jsonb_path_exists)
{
    return jsonpath_fn(a, n, 'e', out, err);
}

/* jsonb_insert(target, path, new_value [, insert_after]) */
IMPL(f_jsonb_insert)
{
    char *res;
    if (sqljsonb_insert(a[0].s ? a[0].s : "null", &a[1], a[2].s ? a[2].s : "null", n >= 4 && a[3].u.b, &res, err))
        return SQL_ERR;
    sqlval_take_str(out, SQLVAL_JSONB, res, strlen(res));
    return SQL_OK;
}

/* jsonb @? path, jsonb @@ path: no vars (a $variable is JSON null), errors silenced */
static int jsonpath_op(const sqlval *a, bool match, sqlval *out, sqlerr *err)
{
    sqljsonpath *p;
    if (sqljsonpath_parse(a[1].s ? a[1].s : "", a[1].s ? a[1].len : 0, &p, err)) return SQL_ERR;
    const char *doc = a[0].s ? a[0].s : "null";
    int r = 0;
    int rc = match ? sqljsonpath_match(p, doc, strlen(doc), NULL, 0, true, &r, err)
                   : sqljsonpath_exists(p, doc, strlen(doc), NULL, 0, true, &r, err);
    sqljsonpath_free(p);
    if (rc) return SQL_ERR;
    if (r < 0) sqlval_init_null(out, SQLVAL_BOOL);
    else sqlval_set_bool(out, r == 1);
    return SQL_OK;
}

IMPL(f_jsonb_path_exists_op)
{
    (void)n;
    return jsonpath_op(a, false, out, err);
}

IMPL(f_jsonb_path_match_op)
{
    (void)n;
    return jsonpath_op(a, true, out, err);
}

IMPL(f_jsonb_path_match)
{
    return jsonpath_fn(a, n, 'm', out, err);
}

IMPL(f_jsonb_path_query_array)
{
    return jsonpath_fn(a, n, 'a', out, err);
}

IMPL(f_jsonb_path_query_first)
{
    return jsonpath_fn(a, n, 'f', out, err);
}

/* ------------------------------------------------------------------ number pictures */

/* to_char(numeric | float8 | float4 | int8 | int4, text): sqlnumfmt.h does the work. */
IMPL(f_to_char_num)
{
    (void)n;
    const char *fmt = a[1].s ? a[1].s : "";
    char *r = NULL;
    int rc;
    switch (a[0].type) {
    case SQLVAL_NUMERIC: rc = sqlnumfmt_numeric_to_char(a[0].s, fmt, &r, err); break;
    case SQLVAL_FLOAT8: rc = sqlnumfmt_float8_to_char(a[0].u.f, fmt, &r, err); break;
    case SQLVAL_FLOAT4: rc = sqlnumfmt_float4_to_char((float)a[0].u.f, fmt, &r, err); break;
    case SQLVAL_INT8: rc = sqlnumfmt_int8_to_char(a[0].u.i, fmt, &r, err); break;
    default: rc = sqlnumfmt_int4_to_char((int32_t)a[0].u.i, fmt, &r, err); break;
    }
    if (rc) return SQL_ERR;
    sqlval_take_str(out, SQLVAL_TEXT, r, strlen(r));
    return SQL_OK;
}

/* to_number(text, text): NULL for an empty picture, as PostgreSQL. */
IMPL(f_to_number)
{
    (void)n;
    char *r = NULL;
    if (sqlnumfmt_to_number(a[0].s ? a[0].s : "", a[1].s ? a[1].s : "", &r, err)) return SQL_ERR;
    if (!r) {
        sqlval_init_null(out, SQLVAL_NUMERIC);
        return SQL_OK;
    }
    return set_num(out, r, err);
}

/* ------------------------------------------------------------------ regular expressions */

/* The pattern a[pi] compiled with the flags string fl (NULL: none); fname: the function that
 * refuses 'g' (NULL: it takes it). */
static const sqlregex *re_of(const sqlval *pat, const sqlval *fl, const char *fname, unsigned *flags,
                             sqlerr *err)
{
    *flags = 0;
    if (fl && sqlregex_flags(fl->s ? fl->s : "", fl->s ? fl->len : 0, fname, flags, err)) return NULL;
    size_t pl;
    const char *p = str(pat, &pl);
    return sqlregex_get(p, pl, *flags, err);
}

static size_t u8next(const char *s, size_t n, size_t i)
{
    size_t k = i + 1;
    while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80) k++;
    return k;
}

/* The next search position after a match [so, eo): its end, one character further when it
 * was empty (or n + 1 past the end). */
static size_t re_advance(const char *s, size_t n, size_t so, size_t eo)
{
    if (so != eo) return eo;
    return eo >= n ? n + 1 : u8next(s, n, eo);
}

/* regexp_replace's replacement: \1 .. \9 the groups, \& the match, \\ a backslash */
static void re_substitute(sbuf *b, const char *rep, size_t rl, const char *s, const size_t *so,
                          const size_t *eo, int groups)
{
    for (size_t i = 0; i < rl; i++) {
        if (rep[i] != '\\' || i + 1 == rl) {
            sb_put(b, rep + i, 1);
            continue;
        }
        char c = rep[i + 1];
        int g = c >= '1' && c <= '9' ? c - '0' : c == '&' ? 0 : -1;
        if (g >= 0) {
            if (g <= groups && g < 10 && so[g] != SIZE_MAX) sb_put(b, s + so[g], eo[g] - so[g]);
            i++;
        } else if (c == '\\') {
            sb_put(b, "\\", 1);
            i++;
        } else {
            sb_put(b, "\\", 1);
        }
    }
}

/* regexp_replace(source, pattern, replacement [, start [, N]] [, flags]): nth 0 every match,
 * else the nth from start (a character position from 1). */
static int re_replace(const sqlval *a, int64_t start, int64_t nth, const sqlval *fl, sqlval *out,
                      sqlerr *err)
{
    unsigned f;
    const sqlregex *re = re_of(&a[1], fl, NULL, &f, err);
    if (!re) return SQL_ERR;
    if (f & SQLREGEX_GLOBAL) nth = 0;
    size_t sl, rl;
    const char *s = str(&a[0], &sl), *rep = str(&a[2], &rl);
    size_t pos = start > 1 ? u8offset(s, sl, start - 1) : 0, copied = 0, so[10], eo[10];
    int64_t count = 0;
    sbuf b = {0};
    for (size_t at = pos; at <= sl;) {
        int r = sqlregex_exec(re, s, sl, at, so, eo, 10, err);
        if (r < 0) {
            sb_free(&b);
            return SQL_ERR;
        }
        if (r == 0) break;
        if (nth == 0 || ++count == nth) {
            sb_put(&b, s + copied, so[0] - copied);
            re_substitute(&b, rep, rl, s, so, eo, sqlregex_groups(re));
            copied = eo[0];
            if (nth) break;
        }
        at = re_advance(s, sl, so[0], eo[0]);
    }
    sb_put(&b, s + copied, sl - copied);
    return sb_finish(&b, SQLVAL_TEXT, out, err);
}

IMPL(f_regexp_replace)
{
    /* (s, p, r), (s, p, r, flags) */
    return re_replace(a, 1, 1, n == 4 ? &a[3] : NULL, out, err);
}

static int start_n_check(const sqlval *a, int n, int first, int64_t *start, int64_t *nth, sqlerr *err)
{
    *start = 1;
    *nth = 1;
    if (n > first) {
        *start = a[first].u.i;
        if (*start <= 0)
            return sqlerr_set(err, "22023", -1, "invalid value for parameter \"%s\": %lld", "start",
                              (long long)*start);
    }
    if (nth && n > first + 1) {
        *nth = a[first + 1].u.i;
        if (*nth < 0)
            return sqlerr_set(err, "22023", -1, "invalid value for parameter \"%s\": %lld", "n",
                              (long long)*nth);
    }
    return SQL_OK;
}

IMPL(f_regexp_replace_pos)
{
    /* (s, p, r, start [, N [, flags]]): N 0 replaces every match */
    int64_t start, nth;
    if (start_n_check(a, n > 5 ? 5 : n, 3, &start, &nth, err)) return SQL_ERR;
    return re_replace(a, start, nth, n == 6 ? &a[5] : NULL, out, err);
}

IMPL(f_regexp_match)
{
    unsigned f;
    const sqlregex *re = re_of(&a[1], n > 2 ? &a[2] : NULL, "regexp_match", &f, err);
    if (!re) return SQL_ERR;
    size_t sl, so[SQLFUNC_MAX_ARGS], eo[SQLFUNC_MAX_ARGS];
    const char *s = str(&a[0], &sl);
    int g = sqlregex_groups(re);
    if (g >= SQLFUNC_MAX_ARGS) return sqlerr_unsupported(err, -1, "regular expressions with more than 99 groups");
    int r = sqlregex_exec(re, s, sl, 0, so, eo, SQLFUNC_MAX_ARGS, err);
    if (r <= 0) return r;
    char *items[SQLFUNC_MAX_ARGS];
    int k0 = g ? 1 : 0, nk = g ? g : 1, rc = SQL_OK;
    memset(items, 0, sizeof items);
    for (int k = 0; k < nk && rc == SQL_OK; k++)
        if (so[k0 + k] != SIZE_MAX && !(items[k] = strndup(s + so[k0 + k], eo[k0 + k] - so[k0 + k])))
            rc = sqlerr_oom(err);
    if (rc == SQL_OK) rc = sqlval_set_array(out, (const char *const *)items, (size_t)nk, err);
    for (int k = 0; k < nk; k++) free(items[k]);
    return rc;
}

IMPL(f_regexp_like)
{
    unsigned f;
    const sqlregex *re = re_of(&a[1], n > 2 ? &a[2] : NULL, "regexp_like", &f, err);
    if (!re) return SQL_ERR;
    size_t sl;
    const char *s = str(&a[0], &sl);
    int r = sqlregex_test(re, s, sl, err);
    if (r < 0) return SQL_ERR;
    sqlval_set_bool(out, r == 1);
    return SQL_OK;
}

IMPL(f_regexp_count)
{
    /* (s, p [, start [, flags]]) */
    int64_t start, nth;
    if (start_n_check(a, n > 3 ? 3 : n, 2, &start, &nth, err)) return SQL_ERR;
    unsigned f;
    const sqlregex *re = re_of(&a[1], n > 3 ? &a[3] : NULL, "regexp_count", &f, err);
    if (!re) return SQL_ERR;
    size_t sl, so[1], eo[1];
    const char *s = str(&a[0], &sl);
    int64_t count = 0;
    for (size_t at = start > 1 ? u8offset(s, sl, start - 1) : 0; at <= sl;) {
        int r = sqlregex_exec(re, s, sl, at, so, eo, 1, err);
        if (r < 0) return SQL_ERR;
        if (r == 0) break;
        count++;
        at = re_advance(s, sl, so[0], eo[0]);
    }
    sqlval_set_int(out, SQLVAL_INT4, count);
    return SQL_OK;
}

IMPL(f_regexp_split_to_array)
{
    unsigned f;
    const sqlregex *re = re_of(&a[1], n > 2 ? &a[2] : NULL, "regexp_split_to_array", &f, err);
    if (!re) return SQL_ERR;
    size_t sl, so[1], eo[1];
    const char *s = str(&a[0], &sl);
    char **items = NULL;
    size_t ni = 0, cap = 0, prev = 0;
    int rc = SQL_OK;
    for (size_t at = 0; at <= sl && rc == SQL_OK;) {
        int r = sqlregex_exec(re, s, sl, at, so, eo, 1, err);
        if (r < 0) rc = SQL_ERR;
        if (r <= 0) break;
        /* PostgreSQL leaves out degenerate matches: an empty one at the end or where the last
         * one ended */
        if (so[0] < sl && eo[0] > prev) {
            if (ni == cap) {
                cap = cap ? cap * 2 : 8;
                char **g = realloc(items, cap * sizeof *g);
                if (!g) {
                    rc = sqlerr_oom(err);
                    break;
                }
                items = g;
            }
            if (!(items[ni] = strndup(s + prev, so[0] - prev))) rc = sqlerr_oom(err);
            else ni++;
            prev = eo[0];
        }
        at = re_advance(s, sl, so[0], eo[0]);
    }
    if (rc == SQL_OK) {
        char **g = realloc(items, (ni + 1) * sizeof *g);
        if (!g) rc = sqlerr_oom(err);
        else if (!((items = g)[ni] = strndup(s + prev, sl - prev))) rc = sqlerr_oom(err);
        else ni++;
    }
    if (rc == SQL_OK) rc = sqlval_set_array(out, (const char *const *)items, ni, err);
    for (size_t i = 0; i < ni; i++) free(items[i]);
    free(items);
    return rc;
}

/* substring(s SIMILAR p ESCAPE e): substring(s FROM similar_to_escape(p, e)), the part between
 * the escape-double-quotes when they are there */
IMPL(f_substring_similar)
{
    (void)n;
    size_t pl, el, sl;
    const char *p = str(&a[1], &pl), *e = str(&a[2], &el), *s = str(&a[0], &sl);
    char *rx;
    size_t rl;
    if (sqlregex_similar(p, pl, e, el, &rx, &rl, err)) return SQL_ERR;
    const sqlregex *re = sqlregex_get(rx, rl, 0, err);
    free(rx);
    if (!re) return SQL_ERR;
    size_t so[2], eo[2];
    int r = sqlregex_exec(re, s, sl, 0, so, eo, 2, err);
    if (r <= 0) return r;
    int k = sqlregex_groups(re) > 0 ? 1 : 0;
    if (so[k] == SIZE_MAX) return SQL_OK;
    return set_text(out, s + so[k], eo[k] - so[k], err);
}

IMPL(f_similar_to_escape)
{
    size_t pl, el = 0;
    const char *p = str(&a[0], &pl), *e = NULL;
    if (n > 1) e = str(&a[1], &el);
    char *rx;
    size_t rl;
    if (sqlregex_similar(p, pl, n > 1 ? e : NULL, el, &rx, &rl, err)) return SQL_ERR;
    sqlval_take_str(out, SQLVAL_TEXT, rx, rl);
    return SQL_OK;
}

/* ------------------------------------------------------------------ format() */

/* PostgreSQL's text_format: %[n$][-][width]{s,I,L} and %%; a width may be * or *n$. */
IMPL(f_format)
{
    if (a[0].isnull) return SQL_OK;
    size_t fl;
    const char *f = str(&a[0], &fl);
    int next = 1; /* the next argument an unnumbered specifier takes */
    sbuf b = {0};
    for (size_t i = 0; i < fl; i++) {
        if (f[i] != '%') {
            sb_put(&b, f + i, 1);
            continue;
        }
        if (++i >= fl) goto unterminated;
        if (f[i] == '%') {
            sb_put(&b, "%", 1);
            continue;
        }
        /* [n$] */
        int argn = 0;
        size_t j = i;
        long long num = 0;
        while (j < fl && f[j] >= '0' && f[j] <= '9' && num < 1000000) num = num * 10 + (f[j++] - '0');
        if (j > i && j < fl && f[j] == '$') {
            if (num < 1) {
                sb_free(&b);
                return sqlerr_set(err, "22023", -1, "format specifies argument 0, but arguments are numbered from 1");
            }
            argn = (int)num;
            i = j + 1;
        }
        if (i >= fl) goto unterminated;
        bool left = false;
        while (i < fl && f[i] == '-') {
            left = true;
            i++;
        }
        long long width = -1;
        if (i < fl && f[i] == '*') { /* width from an argument: * or *n$ */
            i++;
            int wn = 0;
            size_t k = i;
            long long wnum = 0;
            while (k < fl && f[k] >= '0' && f[k] <= '9' && wnum < 1000000) wnum = wnum * 10 + (f[k++] - '0');
            if (k > i && k < fl && f[k] == '$') {
                wn = (int)wnum;
                i = k + 1;
            }
            int wa = wn ? wn : next;
            if (!wn) next++;
            if (wa >= n) goto too_few;
            if (!a[wa].isnull) {
                sqlval w;
                if (sqlval_cast(&a[wa], SQLVAL_INT4, &w, err)) {
                    sb_free(&b);
                    return SQL_ERR;
                }
                width = w.u.i;
                if (width < 0) {
                    left = true;
                    width = -width;
                }
            }
        } else {
            long long w = 0;
            size_t k = i;
            while (k < fl && f[k] >= '0' && f[k] <= '9' && w < 1000000) w = w * 10 + (f[k++] - '0');
            if (k > i) {
                width = w;
                i = k;
            }
        }
        if (i >= fl) goto unterminated;
        char t = f[i];
        if (t != 's' && t != 'I' && t != 'L') {
            char spec[8];
            size_t k = u8next(f, fl, i) - i;
            memcpy(spec, f + i, k);
            spec[k] = 0;
            sb_free(&b);
            sqlerr_set(err, "22023", -1, "unrecognized format() type specifier \"%s\"", spec);
            sqlerr_hint(err, "For a single \"%%\" use \"%%%%\".");
            return SQL_ERR;
        }
        int ai = argn ? argn : next;
        next = ai + 1;
        if (ai >= n) goto too_few;
        sqlval v;
        int rc = SQL_OK;
        const sqlval *arg = &a[ai];
        if (t == 'I' && arg->isnull) {
            sb_free(&b);
            return sqlerr_set(err, "22004", -1, "null values cannot be formatted as an SQL identifier");
        }
        sbuf one = {0};
        if (arg->isnull) {
            if (t == 'L') sb_puts(&one, "NULL");
        } else if (t == 's') {
            rc = put_value(&one, arg, err);
        } else {
            sqlval tv;
            rc = sqlval_type_is_text(arg->type) || arg->type == SQLVAL_UNKNOWN ? sqlval_copy(&tv, arg, err)
                                                                              : sqlval_cast(arg, SQLVAL_TEXT, &tv, err);
            if (rc == SQL_OK) {
                rc = t == 'I' ? sqlfunc_quote_ident(&tv, &v, err) : quote_literal_of(&tv, &v, err);
                sqlval_free(&tv);
                if (rc == SQL_OK) {
                    sb_put(&one, v.s ? v.s : "", v.s ? v.len : 0);
                    sqlval_free(&v);
                }
            }
        }
        if (rc || one.oom) {
            sb_free(&one);
            sb_free(&b);
            return rc ? SQL_ERR : sqlerr_oom(err);
        }
        size_t chars = u8count(one.p ? one.p : "", one.n);
        long long pad = width > (long long)chars ? width - (long long)chars : 0;
        for (long long k = 0; !left && k < pad; k++) sb_put(&b, " ", 1);
        sb_put(&b, one.p ? one.p : "", one.n);
        for (long long k = 0; left && k < pad; k++) sb_put(&b, " ", 1);
        sb_free(&one);
    }
    return sb_finish(&b, SQLVAL_TEXT, out, err);
unterminated:
    sb_free(&b);
    return sqlerr_set(err, "22023", -1, "unterminated format() type specifier");
too_few:
    sb_free(&b);
    return sqlerr_set(err, "22023", -1, "too few arguments for format()");
}

/* ------------------------------------------------------------------ sha2 */

static int sha_of(const sqlval *v, const EVP_MD *md, sqlval *out, sqlerr *err)
{
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    size_t sl;
    const char *s = str(v, &sl);
    if (EVP_Digest(s, sl, h, &hl, md, NULL) != 1) return sqlerr_set(err, "XX000", -1, "could not compute hash");
    return sqlval_set_str(out, SQLVAL_BYTEA, (const char *)h, hl, err);
}

IMPL(f_sha224)
{
    (void)n;
    return sha_of(&a[0], EVP_sha224(), out, err);
}

IMPL(f_sha256)
{
    (void)n;
    return sha_of(&a[0], EVP_sha256(), out, err);
}

IMPL(f_sha384)
{
    (void)n;
    return sha_of(&a[0], EVP_sha384(), out, err);
}

IMPL(f_sha512)
{
    (void)n;
    return sha_of(&a[0], EVP_sha512(), out, err);
}

/* ------------------------------------------------------------------ regexp set-returning functions */

int sqlfunc_regexp_rows(const char *name, const sqlval *a, int n, sqlval *out, sqlerr *err)
{
    if (!strcmp(name, "string_to_table")) return f_string_to_array(a, n, out, err);
    if (!strcmp(name, "regexp_split_to_table")) {
        unsigned f;
        if (n > 2 && sqlregex_flags(a[2].s ? a[2].s : "", a[2].s ? a[2].len : 0, "regexp_split_to_table", &f, err))
            return SQL_ERR;
        return f_regexp_split_to_array(a, n, out, err);
    }
    /* regexp_matches: one text[] per match (every match with 'g'), as their text forms */
    unsigned f;
    const sqlregex *re = re_of(&a[1], n > 2 ? &a[2] : NULL, NULL, &f, err);
    if (!re) return SQL_ERR;
    int g = sqlregex_groups(re);
    if (g >= SQLFUNC_MAX_ARGS) return sqlerr_unsupported(err, -1, "regular expressions with more than 99 groups");
    size_t sl, so[SQLFUNC_MAX_ARGS], eo[SQLFUNC_MAX_ARGS];
    const char *s = str(&a[0], &sl);
    char **rows = NULL;
    size_t nr = 0, cap = 0;
    int rc = SQL_OK;
    for (size_t at = 0; at <= sl && rc == SQL_OK;) {
        int r = sqlregex_exec(re, s, sl, at, so, eo, SQLFUNC_MAX_ARGS, err);
        if (r < 0) rc = SQL_ERR;
        if (r <= 0) break;
        char *items[SQLFUNC_MAX_ARGS];
        int k0 = g ? 1 : 0, nk = g ? g : 1;
        memset(items, 0, sizeof items);
        for (int k = 0; k < nk && rc == SQL_OK; k++)
            if (so[k0 + k] != SIZE_MAX && !(items[k] = strndup(s + so[k0 + k], eo[k0 + k] - so[k0 + k])))
                rc = sqlerr_oom(err);
        sqlval arr;
        char *txt = NULL;
        size_t tl;
        if (rc == SQL_OK && !(rc = sqlval_set_array(&arr, (const char *const *)items, (size_t)nk, err))) {
            rc = sqlval_to_text(&arr, &txt, &tl, err);
            sqlval_free(&arr);
        }
        for (int k = 0; k < nk; k++) free(items[k]);
        if (rc == SQL_OK && nr == cap) {
            cap = cap ? cap * 2 : 8;
            char **gr = realloc(rows, cap * sizeof *gr);
            if (!gr) rc = sqlerr_oom(err);
            else rows = gr;
        }
        if (rc == SQL_OK) rows[nr++] = txt;
        else free(txt);
        if (!(f & SQLREGEX_GLOBAL)) break;
        at = re_advance(s, sl, so[0], eo[0]);
    }
    if (rc == SQL_OK) rc = sqlval_set_array(out, (const char *const *)rows, nr, err);
    for (size_t i = 0; i < nr; i++) free(rows[i]);
    free(rows);
    return rc;
}

/* ------------------------------------------------------------------ encode / decode */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* encode(bytea, format): hex, base64 (a newline after every 76 characters, as PostgreSQL), escape */
IMPL(f_encode)
{
    (void)n;
    size_t bl, fl;
    const unsigned char *b = (const unsigned char *)str(&a[0], &bl);
    const char *f = str(&a[1], &fl);
    sbuf o = {0};
    if (fl == 3 && !strncasecmp(f, "hex", 3)) {
        static const char hx[] = "0123456789abcdef";
        for (size_t i = 0; i < bl; i++) {
            char t[2] = {hx[b[i] >> 4], hx[b[i] & 15]};
            sb_put(&o, t, 2);
        }
    } else if (fl == 6 && !strncasecmp(f, "base64", 6)) {
        size_t line = 0;
        for (size_t i = 0; i < bl; i += 3) {
            uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < bl ? (uint32_t)b[i + 1] << 8 : 0) | (i + 2 < bl ? b[i + 2] : 0);
            char t[4] = {b64chars[v >> 18 & 63], b64chars[v >> 12 & 63], i + 1 < bl ? b64chars[v >> 6 & 63] : '=',
                         i + 2 < bl ? b64chars[v & 63] : '='};
            if (line >= 76) {
                sb_put(&o, "\n", 1);
                line = 0;
            }
            sb_put(&o, t, 4);
            line += 4;
        }
    } else if (fl == 6 && !strncasecmp(f, "escape", 6)) {
        for (size_t i = 0; i < bl; i++) {
            if (b[i] == '\\') sb_put(&o, "\\\\", 2);
            else if (b[i] == 0 || b[i] >= 0x80) {
                char t[5];
                snprintf(t, sizeof t, "\\%03o", b[i]);
                sb_put(&o, t, 4);
            } else sb_put(&o, (const char *)b + i, 1);
        }
    } else {
        sb_free(&o);
        return sqlerr_set(err, "22023", -1, "unrecognized encoding: \"%.*s\"", (int)fl, f);
    }
    sb_put(&o, "", 0);
    return sb_finish(&o, SQLVAL_TEXT, out, err);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

IMPL(f_decode)
{
    (void)n;
    size_t sl, fl;
    const char *s = str(&a[0], &sl), *f = str(&a[1], &fl);
    sbuf o = {0};
    int rc = SQL_OK;
    if (fl == 3 && !strncasecmp(f, "hex", 3)) {
        for (size_t i = 0; i < sl && rc == SQL_OK;) {
            if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
                i++;
                continue;
            }
            int h = hexval(s[i]);
            if (h < 0) {
                rc = sqlerr_set(err, "22023", -1, "invalid hexadecimal digit: \"%.*s\"", (int)(u8next(s, sl, i) - i), s + i);
                break;
            }
            if (i + 1 >= sl) {
                rc = sqlerr_set(err, "22023", -1, "invalid hexadecimal data: odd number of digits");
                break;
            }
            int l = hexval(s[i + 1]);
            if (l < 0) {
                rc = sqlerr_set(err, "22023", -1, "invalid hexadecimal digit: \"%.*s\"", (int)(u8next(s, sl, i + 1) - i - 1), s + i + 1);
                break;
            }
            char c = (char)(h << 4 | l);
            sb_put(&o, &c, 1);
            i += 2;
        }
    } else if (fl == 6 && !strncasecmp(f, "base64", 6)) {
        /* PostgreSQL's pg_base64_decode, step by step */
        uint32_t buf = 0;
        int pos = 0, end = 0;
        for (size_t i = 0; i < sl && rc == SQL_OK; i++) {
            char c = s[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
            uint32_t bv = 0;
            if (c == '=') {
                if (!end) {
                    if (pos == 2) end = 1;
                    else if (pos == 3) end = 2;
                    else {
                        rc = sqlerr_set(err, "22023", -1, "unexpected \"=\" while decoding base64 sequence");
                        break;
                    }
                }
            } else {
                const char *p = c ? strchr(b64chars, c) : NULL;
                if (!p) {
                    rc = sqlerr_set(err, "22023", -1, "invalid symbol \"%.*s\" found while decoding base64 sequence",
                                    (int)(u8next(s, sl, i) - i), s + i);
                    break;
                }
                bv = (uint32_t)(p - b64chars);
            }
            buf = buf << 6 | bv;
            if (++pos == 4) {
                char t[3] = {(char)(buf >> 16 & 255), (char)(buf >> 8 & 255), (char)(buf & 255)};
                sb_put(&o, t, end == 0 || end > 2 ? 3 : end > 1 ? 2 : 1);
                buf = 0;
                pos = 0;
            }
        }
        if (rc == SQL_OK && pos != 0) {
            rc = sqlerr_set(err, "22023", -1, "invalid base64 end sequence");
            sqlerr_hint(err, "Input data is missing padding, is truncated, or is otherwise corrupted.");
        }
    } else if (fl == 6 && !strncasecmp(f, "escape", 6)) {
        for (size_t i = 0; i < sl && rc == SQL_OK;) {
            if (s[i] != '\\') {
                sb_put(&o, s + i, 1);
                i++;
            } else if (i + 1 < sl && s[i + 1] == '\\') {
                sb_put(&o, "\\", 1);
                i += 2;
            } else if (i + 3 < sl && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
                       s[i + 3] >= '0' && s[i + 3] <= '7') {
                char c = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
                sb_put(&o, &c, 1);
                i += 4;
            } else {
                rc = sqlerr_set(err, "22P02", -1, "invalid input syntax for type %s", "bytea");
            }
        }
    } else {
        rc = sqlerr_set(err, "22023", -1, "unrecognized encoding: \"%.*s\"", (int)fl, f);
    }
    if (rc) {
        sb_free(&o);
        return SQL_ERR;
    }
    sb_put(&o, "", 0);
    return sb_finish(&o, SQLVAL_BYTEA, out, err);
}

/* ------------------------------------------------------------------ convert_to / convert_from */

/* PostgreSQL's encoding names HeliosDB converts between (the database is UTF8): 1 UTF8,
 * 2 SQL_ASCII (bytes as they are), 3 LATIN1; 0 a name PostgreSQL knows that HeliosDB does not
 * convert; -1 no such encoding. Case and punctuation are ignored, as pg_char_to_encoding does. */
static int encoding_of(const char *s, size_t n)
{
    char k[32];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof k - 1; i++)
        if (isalnum((unsigned char)s[i])) k[o++] = (char)tolower((unsigned char)s[i]);
    k[o] = 0;
    if (!strcmp(k, "utf8") || !strcmp(k, "unicode")) return 1;
    if (!strcmp(k, "sqlascii")) return 2;
    if (!strcmp(k, "latin1") || !strcmp(k, "iso88591")) return 3;
    static const char *const known[] = {"latin2", "latin3", "latin4", "latin5", "latin6", "latin7", "latin8",
                                        "latin9", "latin10", "win1250", "win1251", "win1252", "win1253",
                                        "win1254", "win1255", "win1256", "win1257", "win1258", "win866",
                                        "win874", "koi8r", "koi8u", "eucjp", "euccn", "euckr", "euctw",
                                        "eucjis2004", "sjis", "big5", "gbk", "uhc", "gb18030", "johab",
                                        "mulecinternal", "shiftjis2004", "iso88595", "iso88596",
                                        "iso88597", "iso88598", "windows1252", "cp1252"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(k, known[i])) return 0;
    return -1;
}

static int utf8_check(const char *s, size_t n, sqlerr *err)
{
    size_t ok = pgtypes_utf8_valid_len((const uint8_t *)s, n);
    if (ok == n) return SQL_OK;
    char msg[128];
    pgtypes_utf8_invalid_message((const uint8_t *)s + ok, n - ok, msg, sizeof msg);
    return sqlerr_set(err, "22021", -1, "%s", msg);
}

IMPL(f_convert_to)
{
    (void)n;
    size_t sl, el;
    const char *s = str(&a[0], &sl), *e = str(&a[1], &el);
    int enc = encoding_of(e, el);
    if (enc < 0) return sqlerr_set(err, "22023", -1, "invalid destination encoding name \"%.*s\"", (int)el, e);
    if (enc == 0) return sqlerr_unsupported(err, -1, "conversion to encodings other than UTF8, SQL_ASCII and LATIN1");
    if (enc != 3) return sqlval_set_str(out, SQLVAL_BYTEA, s, sl, err);
    sbuf o = {0};
    for (size_t i = 0; i < sl;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = u8next(s, sl, i);
        uint32_t cp = c < 0x80 ? c : k - i == 2 ? (uint32_t)(c & 0x1f) << 6 | ((unsigned char)s[i + 1] & 0x3f) : 0x100;
        if (cp > 0xff) {
            char msg[96];
            size_t m = (size_t)snprintf(msg, sizeof msg, "character with byte sequence");
            for (size_t j = i; j < k && m < sizeof msg; j++)
                m += (size_t)snprintf(msg + m, sizeof msg - m, " 0x%02x", (unsigned char)s[j]);
            sb_free(&o);
            return sqlerr_set(err, "22P05", -1, "%s in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"", msg);
        }
        char b = (char)cp;
        sb_put(&o, &b, 1);
        i = k;
    }
    sb_put(&o, "", 0);
    return sb_finish(&o, SQLVAL_BYTEA, out, err);
}

IMPL(f_convert_from)
{
    (void)n;
    size_t sl, el;
    const char *s = str(&a[0], &sl), *e = str(&a[1], &el);
    int enc = encoding_of(e, el);
    if (enc < 0) return sqlerr_set(err, "22023", -1, "invalid source encoding name \"%.*s\"", (int)el, e);
    if (enc == 0) return sqlerr_unsupported(err, -1, "conversion from encodings other than UTF8, SQL_ASCII and LATIN1");
    if (enc != 3) {
        if (utf8_check(s, sl, err)) return SQL_ERR;
        return set_text(out, s, sl, err);
    }
    sbuf o = {0};
    for (size_t i = 0; i < sl; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!c) {
            sb_free(&o);
            return sqlerr_set(err, "22021", -1, "invalid byte sequence for encoding \"LATIN1\": 0x00");
        }
        char t[2] = {(char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f))};
        if (c < 0x80) sb_put(&o, (const char *)&c, 1);
        else sb_put(&o, t, 2);
    }
    sb_put(&o, "", 0);
    return sb_finish(&o, SQLVAL_TEXT, out, err);
}

/* array_to_json(anyarray [, pretty]): the elements as JSON values (to_json's), "[1,2]"; pretty
 * puts each after the first on a line of its own. */
IMPL(f_array_to_json)
{
    const sqlval *v = &a[0];
    bool pretty = n > 1 && !a[1].isnull && a[1].u.b;
    sqlval_type et = v->type == SQLVAL_TEXTARRAY ? SQLVAL_TEXT : sqlval_array_elem(v->type);
    sbuf b = {0};
    sb_put(&b, "[", 1);
    for (size_t i = 0; i < v->narr; i++) {
        if (i) sb_puts(&b, pretty ? ",\n " : ",");
        if (!v->arr[i]) {
            sb_puts(&b, "null");
            continue;
        }
        sqlval ev;
        if (sqlval_from_text(et, v->arr[i], strlen(v->arr[i]), &ev, err) || put_jsonb_value(&b, &ev, false, err)) {
            sb_free(&b);
            return SQL_ERR;
        }
        sqlval_free(&ev);
    }
    sb_put(&b, "]", 1);
    return sb_finish(&b, SQLVAL_JSON, out, err);
}

/* regexp_instr / regexp_substr's optional arguments (from index first): start, N, endoption
 * (instr only), flags, subexpr, with PostgreSQL 15's checks. */
typedef struct re_opts {
    int64_t start, nth, endopt, sub;
    const sqlval *flags;
} re_opts;

static int re_opts_of(const sqlval *a, int n, bool instr, const char *fname, re_opts *o, sqlerr *err)
{
    *o = (re_opts){1, 1, 0, 0, NULL};
    int k = 2;
    struct {
        int64_t *v;
        const char *name;
        int64_t min, max;
    } ints[] = {{&o->start, "start", 1, INT64_MAX}, {&o->nth, "n", 1, INT64_MAX}, {&o->endopt, "endoption", 0, 1}};
    int nints = instr ? 3 : 2;
    for (int i = 0; i < nints && k < n; i++, k++) {
        *ints[i].v = a[k].u.i;
        if (*ints[i].v < ints[i].min || *ints[i].v > ints[i].max)
            return sqlerr_set(err, "22023", -1, "invalid value for parameter \"%s\": %lld", ints[i].name,
                              (long long)*ints[i].v);
    }
    if (k < n) o->flags = &a[k++];
    if (k < n) {
        o->sub = a[k].u.i;
        if (o->sub < 0)
            return sqlerr_set(err, "22023", -1, "invalid value for parameter \"%s\": %lld", "subexpr", (long long)o->sub);
    }
    (void)fname;
    return SQL_OK;
}

/* The nth match from start: 1 with its (or its group sub's) byte range, 0 none. */
static int re_nth(const sqlval *a, const re_opts *o, const char *fname, size_t *so_out, size_t *eo_out,
                  sqlerr *err)
{
    unsigned f;
    const sqlregex *re = re_of(&a[1], o->flags, fname, &f, err);
    if (!re) return SQL_ERR;
    if (o->sub > sqlregex_groups(re)) return 0;
    size_t sl, so[SQLFUNC_MAX_ARGS], eo[SQLFUNC_MAX_ARGS];
    const char *s = str(&a[0], &sl);
    if (o->sub >= SQLFUNC_MAX_ARGS) return 0;
    int64_t count = 0;
    for (size_t at = u8offset(s, sl, o->start - 1); at <= sl;) {
        int r = sqlregex_exec(re, s, sl, at, so, eo, SQLFUNC_MAX_ARGS, err);
        if (r <= 0) return r;
        if (++count == o->nth) {
            if (so[o->sub] == SIZE_MAX) return 0;
            *so_out = so[o->sub];
            *eo_out = eo[o->sub];
            return 1;
        }
        at = re_advance(s, sl, so[0], eo[0]);
    }
    return 0;
}

IMPL(f_regexp_instr)
{
    re_opts o;
    if (re_opts_of(a, n, true, "regexp_instr", &o, err)) return SQL_ERR;
    size_t so, eo, sl;
    const char *s = str(&a[0], &sl);
    int r = re_nth(a, &o, "regexp_instr", &so, &eo, err);
    if (r < 0) return SQL_ERR;
    sqlval_set_int(out, SQLVAL_INT4, r == 0 ? 0 : (int64_t)u8count(s, o.endopt ? eo : so) + 1);
    return SQL_OK;
}

IMPL(f_regexp_substr)
{
    re_opts o;
    if (re_opts_of(a, n, false, "regexp_substr", &o, err)) return SQL_ERR;
    size_t so, eo, sl;
    const char *s = str(&a[0], &sl);
    int r = re_nth(a, &o, "regexp_substr", &so, &eo, err);
    if (r <= 0) return r;
    return set_text(out, s + so, eo - so, err);
}
