/*
 * storage/logentry.h — the binary format of one origin-log entry (one commit).
 *
 * A log entry is what a commit at node `origin` with sequence number `seq` changed: the
 * deltas it merged into rows, the catalog changes it made, the version vector it depended
 * on (the origin's applied vv at commit time) and its hybrid-logical-clock timestamp.
 * Storage writes these bytes into the log column family in the same WriteBatch as the row
 * states; replication ships the same bytes unchanged (a relay never re-encodes), and a
 * receiver applies them with storage_commit_remote().
 *
 *   | offset | size      | meaning                                                      |
 *   |--------|-----------|--------------------------------------------------------------|
 *   | 0      | 1         | format version, LOGENTRY_VERSION (1)                         |
 *   | 1      | 2         | origin node id, u16 BE (1..65535)                            |
 *   | 3      | 8         | seq, u64 BE (>= 1)                                           |
 *   | 11     | 8         | hlc timestamp, u64 BE                                        |
 *   | 19     | uvarint x2| version 2 only: part index i, parts n (2 <= n, i < n)        |
 *   |        | var       | deps: version vector (causal_vv_encode)                      |
 *   |        | uvarint   | n deltas, then n x:                                          |
 *   |        | 4         |   table id, u32 BE                                           |
 *   |        | var       |   primary key (codec bytes: uvarint length + bytes)          |
 *   |        | var       |   delta (codec bytes)                                        |
 *   |        | uvarint   | m catalog changes, then m x:                                 |
 *   |        | 1         |   op: 1 put, 2 delete, 3 notify                              |
 *   |        | var       |   key (codec bytes; notify: the channel)                     |
 *   |        | var       |   value (codec bytes; empty for delete; notify: the payload) |
 *
 * Parts. A transaction too large for one entry (LOGENTRY_PART_BYTES) is written as n entries
 * of consecutive seqs s0 .. s0 + n - 1, part i at seq s0 + i, all in one batch; each carries
 * (i, n) and its share of the deltas (the catalog changes are in part 0), and parts after the
 * last with deltas are empty. Such entries are version 2; a single-part entry is version 1,
 * byte for byte as before. A receiver applies a transaction's parts together, in one batch
 * (storage_commit_remote_chain_async): readers never see part of it.
 *
 * Notifications. A transaction's NOTIFYs (server/sql/sqlnotify.h) travel in its entry as
 * catalog items with op 3: key the channel (1 .. LOGENTRY_NOTIFY_CHANNEL_MAX bytes), value the
 * payload (at most LOGENTRY_NOTIFY_PAYLOAD_MAX bytes), in the order they were sent, in part 0.
 * Storage stores nothing for them: a receiver hands them to its listeners once the entry is
 * applied (replication's on_applied), so they arrive after the transaction's data, once.
 *
 * The fixed header (19 bytes) lets retention read origin/seq/hlc without a full decode.
 * The decoder is bounded: counts are checked against the remaining input before any array
 * is allocated, every length against what is left, and trailing bytes are refused. A
 * decoded entry *borrows* the input: key/delta/value pointers point into it, so the input
 * must outlive the entry. Only the arrays (and the deps vv) are allocated.
 *
 * Errors: 0 or a negative CRDT_E* code (crdt/codec.h): CRDT_ENOMEM, CRDT_EBADENC (bad
 * input, including an unknown version), CRDT_ELIMIT (more than LOGENTRY_MAX_ITEMS items).
 */
#ifndef HELIOS_STORAGE_LOGENTRY_H
#define HELIOS_STORAGE_LOGENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "crdt/codec.h"

#define LOGENTRY_VERSION 1       /* a whole transaction */
#define LOGENTRY_VERSION_PARTS 2 /* one part of a transaction (i, n) */
#define LOGENTRY_HEADER_BYTES 19
#define LOGENTRY_MAX_PARTS 4096
/* A transaction whose entry would exceed this is split into parts of about this size. */
#define LOGENTRY_PART_BYTES (8u << 20)
/* The most one transaction may change (its parts together): it is held in memory whole, at its
 * origin while it commits and at each receiver while its parts arrive, and the region's other
 * commits wait while the writer applies it (about 6 s for 150 MiB on the 2-core test machine),
 * which is what bounds it. */
#define LOGENTRY_MAX_TXN ((uint64_t)256 << 20)
#define LOGENTRY_MAX_ITEMS 4000000 /* rows or catalog changes; decoding allocates 40 B each */
#define LOGENTRY_MAX_BYTES (256u << 20) /* one item's key/value/delta */
/* The largest entry: what a replication batch carries (REPLBATCH_MAX_ENTRY). A larger
 * transaction is written in parts; an entry that still exceeds it (one row's change) is
 * refused (STORAGE_ETOOBIG) rather than written: it could never be shipped, and every later
 * entry of its origin would wait behind it. */
#define LOGENTRY_MAX_ENTRY (64u << 20)

enum { LOGENTRY_CATALOG_PUT = 1, LOGENTRY_CATALOG_DELETE = 2, LOGENTRY_NOTIFY = 3 };
#define LOGENTRY_NOTIFY_CHANNEL_MAX 63   /* NAMEDATALEN - 1, as PostgreSQL */
#define LOGENTRY_NOTIFY_PAYLOAD_MAX 7999 /* PostgreSQL: fewer than 8000 bytes */

typedef struct logentry_delta {
    uint32_t table_id;
    const uint8_t *pk; /* primary key encoding (keycodec_encode_pk); not owned */
    size_t pklen;
    const uint8_t *delta; /* opaque to storage; merged by the store's merge callback */
    size_t dlen;
} logentry_delta;

typedef struct logentry_catalog {
    uint8_t op; /* LOGENTRY_CATALOG_PUT / _DELETE, or LOGENTRY_NOTIFY (not a catalog change) */
    const uint8_t *key;
    size_t klen;
    const uint8_t *value; /* put: the new value (merged by the catalog merge callback, if any) */
    size_t vlen;
} logentry_catalog;

typedef struct logentry {
    uint16_t origin;
    uint64_t seq;
    causal_hlc hlc;
    uint32_t part, nparts; /* (0, 1) for a whole transaction; else part `part` of `nparts` */
    causal_vv deps; /* owned */
    logentry_delta *deltas; /* owned array, borrowed contents */
    size_t ndeltas;
    logentry_catalog *catalog; /* owned array, borrowed contents */
    size_t ncatalog;
} logentry;

void logentry_init(logentry *e);
/* Frees the arrays and deps; never the borrowed bytes. */
void logentry_free(logentry *e);
int logentry_encode(codec_buf *b, const logentry *e);
/* Decodes exactly len bytes. On error *e is left freed (and re-initialised). */
int logentry_decode(const uint8_t *p, size_t len, logentry *e);
/* The bytes a delta adds to an entry's encoding (splitting a transaction into parts). */
size_t logentry_delta_size(const logentry_delta *d);
/* Whether the item is a catalog change (not a notification). */
static inline int logentry_is_catalog(const logentry_catalog *c)
{
    return c->op != LOGENTRY_NOTIFY;
}
/* Reads only the fixed header (retention, routing); 0 or CRDT_EBADENC. */
int logentry_peek(const uint8_t *p, size_t len, uint16_t *origin, uint64_t *seq, causal_hlc *hlc);

#endif
