/*
 * replication/replbatch.h — the wire format of POST /v1/deltas: a versioned list of log entries.
 *
 * A batch carries origin-log entries of ANY origin (a node relays what a peer lacks), each one
 * the exact bytes storage wrote in its log (storage/logentry.h): nothing is re-encoded on the
 * way, so a relayed entry is byte-identical at every hop. Entries of one origin appear in
 * ascending seq order; the receiver still never trusts that (causal delivery re-checks).
 *
 *   | offset | size    | meaning                                                          |
 *   |--------|---------|------------------------------------------------------------------|
 *   | 0      | 1       | format version, REPLBATCH_VERSION (1)                            |
 *   | 1      | 2       | sender node id, u16 BE (1..65535)                                |
 *   | 3      | uvarint | n entries (0..REPLBATCH_MAX_ENTRIES; 0 = a probe for the ack)    |
 *   |        |         | then n x:                                                        |
 *   |        | uvarint |   entry length L (LOGENTRY_HEADER_BYTES..REPLBATCH_MAX_ENTRY)    |
 *   |        | L       |   one log entry (logentry.h layout)                              |
 *
 * Trailing bytes after the last entry are refused. The response to a batch (HTTP 200) is the
 * receiver's applied version vector (causal_vv_encode): the ack.
 *
 * The decoder is bounded: the count is checked against the remaining input before the item
 * array is allocated, each length against what is left, and every entry is fully decoded
 * (logentry_decode) so a batch is either entirely well-formed or refused as a whole: a
 * receiver never half-applies a malformed batch. Decoded items borrow the input bytes.
 *
 * Errors: 0 or a negative CRDT_E* code (crdt/codec.h): CRDT_EBADENC (malformed, unknown
 * version, trailing bytes, bad entry), CRDT_ELIMIT (too many entries), CRDT_ENOMEM.
 */
#ifndef HELIOS_REPLICATION_REPLBATCH_H
#define HELIOS_REPLICATION_REPLBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "crdt/codec.h"
#include "storage/logentry.h"

#define REPLBATCH_VERSION 1
#define REPLBATCH_HEADER_BYTES 3
#define REPLBATCH_MAX_ENTRIES 100000
#define REPLBATCH_MAX_ENTRY LOGENTRY_MAX_ENTRY

typedef struct replbatch_item {
    const uint8_t *entry; /* borrowed from the decoded input */
    size_t len;
    uint16_t origin;
    uint64_t seq;
    causal_hlc hlc;
    causal_vv deps;   /* owned (freed by replbatch_free) */
    bool has_catalog; /* the entry changes the catalog */
    uint32_t part, nparts; /* (0, 1), or part of a transaction applied together (logentry.h) */
} replbatch_item;

typedef struct replbatch {
    uint16_t sender;
    replbatch_item *items; /* owned array */
    size_t n;
} replbatch;

/* Builder: entries are copied into an internal buffer. */
typedef struct replbatch_writer {
    uint16_t sender;
    size_t n;
    codec_buf body; /* private: the entries so far */
} replbatch_writer;

void replbatch_writer_init(replbatch_writer *w, uint16_t sender);
void replbatch_writer_free(replbatch_writer *w);
/* Appends one log entry's bytes (not checked here). 0 or CRDT_ENOMEM / CRDT_ELIMIT. */
int replbatch_writer_add(replbatch_writer *w, const uint8_t *entry, size_t len);
/* Bytes the batch would take now. */
size_t replbatch_writer_size(const replbatch_writer *w);
/* The finished batch, malloc'd (caller frees); the writer is left empty and reusable. */
int replbatch_writer_finish(replbatch_writer *w, uint8_t **out, size_t *outlen);

/* Decodes exactly len bytes. On error *b is left empty (nothing to free). */
int replbatch_decode(const uint8_t *p, size_t len, replbatch *b);
void replbatch_free(replbatch *b);

#endif
