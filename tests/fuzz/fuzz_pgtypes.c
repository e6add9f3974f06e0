/* Fuzz target for pgtypes conversions. The first byte picks a type; the second picks the
 * direction; the rest is the value. Beyond "no crash", two routes must agree:
 *  - binary B -> text T must parse back (T -> B2), and B2 -> text must give T again (B may be
 *    non-canonical, e.g. a numeric with a leading zero digit, so B2 == B is not required);
 *  - text X -> binary B must print (B -> T) and T must parse to exactly B (text output is
 *    canonical and loses nothing). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pgtypes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t oids[] = {
    PGTYPE_BOOL,
    PGTYPE_BYTEA,
    PGTYPE_CHAR,
    PGTYPE_NAME,
    PGTYPE_INT8,
    PGTYPE_INT2,
    PGTYPE_INT4,
    PGTYPE_TEXT,
    PGTYPE_OID,
    PGTYPE_JSON,
    PGTYPE_FLOAT4,
    PGTYPE_FLOAT8,
    PGTYPE_VARCHAR,
    PGTYPE_DATE,
    PGTYPE_TIME,
    PGTYPE_TIMESTAMP,
    PGTYPE_TIMESTAMPTZ,
    PGTYPE_NUMERIC,
    PGTYPE_UUID,
    PGTYPE_JSONB,
    PGTYPE_TEXTARRAY,
    PGTYPE_INT8ARRAY,
    PGTYPE_INT4ARRAY,
    PGTYPE_BOOLARRAY,
    PGTYPE_FLOAT8ARRAY,
    PGTYPE_NUMERICARRAY,
    PGTYPE_JSONBARRAY,
    PGTYPE_BYTEAARRAY,
    PGTYPE_TIMESTAMPTZARRAY,
    PGTYPE_UUIDARRAY,
    PGTYPE_CHARARRAY,
    PGTYPE_FLOAT4ARRAY,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint32_t oid = oids[data[0] % (sizeof oids / sizeof oids[0])];
    bool from_text = data[1] & 1;
    const uint8_t *v = data + 2;
    size_t n = size - 2;
    pgtypes_buf a, b, c;
    pgtypes_buf_init(&a);
    pgtypes_buf_init(&b);
    pgtypes_buf_init(&c);
    if (!from_text) {
        if (pgtypes_binary_to_text(oid, v, n, &a) == 0) {
            if (pgtypes_text_to_binary(oid, (const char *)a.data, a.len, &b) != 0) abort();
            if (pgtypes_binary_to_text(oid, b.data, b.len, &c) != 0) abort();
            if (a.len != c.len || (a.len && memcmp(a.data, c.data, a.len) != 0)) abort();
        } else if (a.len != 0) {
            abort(); /* an error must leave the buffer as it was */
        }
    } else {
        if (pgtypes_text_to_binary(oid, (const char *)v, n, &a) == 0) {
            if (pgtypes_binary_to_text(oid, a.data, a.len, &b) != 0) abort();
            if (pgtypes_text_to_binary(oid, (const char *)b.data, b.len, &c) != 0) abort();
            if (a.len != c.len || (a.len && memcmp(a.data, c.data, a.len) != 0)) abort();
        } else if (a.len != 0) {
            abort();
        }
    }
    pgtypes_buf_free(&a);
    pgtypes_buf_free(&b);
    pgtypes_buf_free(&c);
    return 0;
}
