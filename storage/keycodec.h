/*
 * storage/keycodec.h — order-preserving encoding of primary keys, row keys and log keys.
 *
 * RocksDB compares keys with memcmp, so every key HeliosDB stores is encoded such that the
 * byte order of two encodings equals the logical order of the values they encode. A range
 * scan over the rows column family therefore returns one table's rows in primary-key order,
 * and a scan over the log column family returns one origin's entries in sequence order.
 *
 * This module is pure (no RocksDB, no allocation except in keycodec_decode_pk's output):
 * the SQL layer uses it to build keys for point reads and scan bounds and to turn stored
 * keys back into column values.
 *
 * Row key (rows column family):
 *
 *   | offset | size | meaning                                            |
 *   |--------|------|----------------------------------------------------|
 *   | 0      | 4    | table id, u32 big-endian                           |
 *   | 4      | n    | primary key: the key columns' encodings, in order  |
 *
 * Each key column is a type tag byte followed by the value. The tag makes a key
 * self-describing for keycodec_decode_pk; within one table every key has the same tag
 * sequence, so tags never decide an order between rows of one table.
 *
 *   | tag  | type    | value bytes                                                        |
 *   |------|---------|--------------------------------------------------------------------|
 *   | 0x10 | bool    | 1 byte: 0x00 false, 0x01 true                                      |
 *   | 0x20 | int64   | 8 bytes big-endian of (uint64)v ^ 0x8000000000000000 (sign flip)   |
 *   | 0x30 | float64 | 8 bytes big-endian: IEEE bits, sign bit set if v >= 0 else all bits |
 *   |      |         | inverted; -0.0 is stored as +0.0, every NaN as one NaN above +inf  |
 *   | 0x40 | text    | the bytes, each 0x00 written as 0x00 0xFF, then 0x00 0x01          |
 *   | 0x50 | bytea   | same escaping as text                                              |
 *
 * The text terminator 0x00 0x01 sorts below both an escaped zero (0x00 0xFF) and any
 * non-zero byte, so a string sorts before every longer string it prefixes, and the next
 * column only breaks ties between equal strings: composite keys sort lexicographically by
 * column. NULL cannot be encoded: primary-key columns are NOT NULL.
 *
 * Log key (log column family):
 *
 *   | offset | size | meaning                   |
 *   |--------|------|---------------------------|
 *   | 0      | 2    | origin node id, u16 BE    |
 *   | 2      | 8    | sequence number, u64 BE   |
 *
 * Errors: functions return 0 or a negative CRDT_E* code from crdt/codec.h:
 * CRDT_ENOMEM (allocation), CRDT_EBADENC (malformed key), CRDT_EINVAL (bad argument,
 * e.g. an unknown type), CRDT_ELIMIT (more than KEYCODEC_MAX_COLUMNS columns).
 */
#ifndef HELIOS_STORAGE_KEYCODEC_H
#define HELIOS_STORAGE_KEYCODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"

#define KEYCODEC_MAX_COLUMNS 32
#define KEYCODEC_TABLE_BYTES 4
#define KEYCODEC_LOG_KEY_BYTES 10

typedef enum keycodec_type {
    KEYCODEC_BOOL = 0x10,
    KEYCODEC_INT = 0x20,   /* bigint, int, smallint: all as int64 */
    KEYCODEC_FLOAT = 0x30, /* double precision, real */
    KEYCODEC_TEXT = 0x40,
    KEYCODEC_BYTES = 0x50,
} keycodec_type;

typedef struct keycodec_value {
    keycodec_type type;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const uint8_t *p; /* text/bytea; NUL bytes allowed; not owned */
            size_t len;
        } s;
    } u;
} keycodec_value;

/* A decoded primary key. Text/bytea values point into `arena`, owned by this struct. */
typedef struct keycodec_key {
    keycodec_value col[KEYCODEC_MAX_COLUMNS]; /* read-only */
    size_t ncol;                              /* read-only */
    uint8_t *arena;                           /* private */
} keycodec_key;

/* Appends one column's encoding (tag + value) to b. */
int keycodec_encode_value(codec_buf *b, const keycodec_value *v);
/* Appends the encoding of n key columns: a whole primary key, or (n smaller than the key's
 * column count) a prefix usable as a scan bound. */
int keycodec_encode_pk(codec_buf *b, const keycodec_value *cols, size_t n);
/* Decodes a whole primary key (no table id). On success the caller frees with
 * keycodec_key_free; on error *out is left freed. */
int keycodec_decode_pk(const uint8_t *pk, size_t len, keycodec_key *out);
void keycodec_key_free(keycodec_key *k);
/* Logical comparison of two values of the same type, as the encoding orders them
 * (-1, 0, 1). Used by tests and by code that must agree with the stored order. */
int keycodec_value_cmp(const keycodec_value *a, const keycodec_value *b);

/* Row key = table id + pk bytes (the output of keycodec_encode_pk). */
int keycodec_row_key(codec_buf *b, uint32_t table_id, const uint8_t *pk, size_t pklen);
/* Splits a row key; *pk points into key. */
int keycodec_row_split(const uint8_t *key, size_t len, uint32_t *table_id, const uint8_t **pk,
                       size_t *pklen);

/* Log keys are fixed-size: out must hold KEYCODEC_LOG_KEY_BYTES. */
void keycodec_log_key(uint8_t out[KEYCODEC_LOG_KEY_BYTES], uint16_t origin, uint64_t seq);
int keycodec_log_split(const uint8_t *key, size_t len, uint16_t *origin, uint64_t *seq);

#endif
