/*
 * crdt/render.h — CRDT values to PostgreSQL text output format.
 *
 * The SQL layer reads a row's columns through this text (sqlrun parses it back with the column's
 * type) and helios_crdt_state shows it; it is what PostgreSQL 15 prints for the declared type
 * (DESIGN §3: bigint for counters, text[] for MV-Registers and sets, jsonb for the map), except
 * for floats. Formats:
 *   int8          decimal
 *   float         NOT PostgreSQL's float8out/float4out: the exact stored double, 17 significant
 *                 digits as %g prints them ("1.5", "1000000", "0.10000000000000001", "1e+100"),
 *                 "NaN", "Infinity", "-Infinity", "-0". A register does not know whether its
 *                 column is real or double precision, and crdt/ may not use proto/ (DESIGN §2),
 *                 where the one float formatter lives (pgtypes_float8_out / pgtypes_float4_out);
 *                 clients see floats only as the SQL layer prints them with it. This text only
 *                 has to read back to the same double, which 17 digits guarantee.
 *   bool          t / f
 *   bytea         \x followed by lower-case hex
 *   timestamptz   "2026-11-24 10:00:00.123+00" (UTC session time zone; fraction trimmed);
 *                 "infinity" / "-infinity"; years before 1 AD end in " BC"
 *   text[]        {a,"b c","x\"y",""} — an element is quoted when empty, when it contains
 *                 space/comma/braces/quote/backslash (or other array-syntax whitespace), or
 *                 equals NULL case-insensitively; inside quotes " and \ are backslash-escaped
 *   jsonb (map)   {"a": 1, "bb": "x"}: keys in jsonb order (shorter first, then bytewise), each
 *                 value printed as stored (the SQL layer stores jsonb's canonical text)
 *
 * All functions append to a codec_buf and return 0 or CRDT_ENOMEM (latched in the buffer).
 */
#ifndef HELIOS_CRDT_RENDER_H
#define HELIOS_CRDT_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "crdt/crdt.h"

#define RENDER_DOUBLE_LEN 32
#define RENDER_TIMESTAMPTZ_LEN 48

/* buf receives a NUL-terminated string; returns its length. */
size_t render_double(double v, char buf[RENDER_DOUBLE_LEN]);
size_t render_timestamptz(int64_t us_since_2000, char buf[RENDER_TIMESTAMPTZ_LEN]);
int render_int8(codec_buf *b, int64_t v);
int render_bytea(codec_buf *b, const uint8_t *p, size_t n);
/* A text[] literal of n elements (already sorted/deduplicated by the caller). */
int render_text_array(codec_buf *b, const crdt_bytes *elems, size_t n);
/* A JSON string literal with quotes; bytes >= 0x80 pass through (assumed UTF-8). */
int render_json_string(codec_buf *b, const uint8_t *p, size_t n);
/* *is_null is set for CRDT_V_NULL (nothing is appended then). */
int render_value(codec_buf *b, const crdt_value *v, bool *is_null);
/* The visible value of any object, as the column's SQL type prints. A counter whose merged sum
 * left int64 prints saturated. An empty LWW register reads as NULL (*is_null). */
int render_obj(codec_buf *b, const crdt_obj *o, bool *is_null);

#endif
