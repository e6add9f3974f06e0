/*
 * replication/replsnap.h — the wire format of state transfer (snapshot catch-up, region join)
 * and anti-entropy, and the anti-entropy digest tree.
 *
 * Every body starts with the format version and a message type:
 *
 *   | size    | meaning                                                                |
 *   |---------|------------------------------------------------------------------------|
 *   | 1       | REPLSNAP_VERSION (1)                                                   |
 *   | 1       | type: 1 CHUNK, 2 DIGEST_REQ, 3 DIGEST, 4 ROWS                          |
 *   |         | CHUNK (POST /v1/snapshot, sender -> receiver):                         |
 *   | 8       |   session id, u64 BE (random per transfer; a new id restarts it)       |
 *   | 4       |   chunk index, u32 BE (0, 1, 2 ... in order)                           |
 *   | 1       |   flags: bit 0 = last chunk (others must be 0)                         |
 *   | vv      |   the sender's applied vv at its snapshot (causal_vv_encode)           |
 *   | items   |   see below                                                            |
 *   |         | DIGEST_REQ (POST /v1/ae/digest, initiator -> responder):               |
 *   | vv      |   the initiator's stable vv (seq units)                                |
 *   |         | DIGEST (the answer):                                                   |
 *   | vv      |   the floor F both sides canonicalise with (max of both stable vvs)    |
 *   | 2       |   n buckets, u16 BE, must be REPLSNAP_BUCKETS                          |
 *   | 20 x n  |   per bucket: count u32 BE, h1 u64 BE, h2 u64 BE                       |
 *   |         | ROWS (POST /v1/ae/rows and its answer):                                |
 *   | vv      |   the floor F                                                          |
 *   | vv      |   the sender's applied vv at the snapshot its items were read from     |
 *   | uvarint |   m buckets (1..REPLSNAP_BUCKETS), then m x u16 BE, strictly ascending |
 *   | items   |   the sender's items of those buckets                                  |
 *
 *   items:  u32 BE n (0..REPLSNAP_MAX_ITEMS), then n x:
 *           u8 kind (1 catalog, 2 row), uvarint klen (1..REPLSNAP_MAX_KEY) + key,
 *           uvarint vlen (0..remaining) + value
 *
 * A CHUNK is answered 200 with the receiver's applied vv (causal_vv_encode); 409 when the
 * receiver is busy with another sender's transfer or the index is not the expected one (the
 * sender starts again later with a new session). Trailing bytes are refused.
 *
 * The digest tree is flat: REPLSNAP_BUCKETS leaves, an item in leaf hash(kind, key) mod
 * REPLSNAP_BUCKETS; a leaf holds the item count and two sums of 64-bit hashes of (kind, key,
 * canonical value) with different seeds. Sums make a leaf independent of the order its items
 * are added in. Two replicas compare leaves and exchange the items of the differing ones.
 *
 * The decoder is bounded (counts checked against the remaining input before allocating) and
 * all-or-nothing; decoded items and buckets borrow nothing but the input (items point into
 * it). Errors: 0 or CRDT_EBADENC, CRDT_ELIMIT, CRDT_ENOMEM (crdt/codec.h).
 */
#ifndef HELIOS_REPLICATION_REPLSNAP_H
#define HELIOS_REPLICATION_REPLSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "crdt/codec.h"
#include "storage/storage.h"

#define REPLSNAP_VERSION 1
#define REPLSNAP_BUCKETS 4096
#define REPLSNAP_MAX_ITEMS 1000000
#define REPLSNAP_MAX_KEY 65536

enum {
    REPLSNAP_CHUNK = 1,
    REPLSNAP_DIGEST_REQ = 2,
    REPLSNAP_DIGEST = 3,
    REPLSNAP_ROWS = 4,
};

typedef struct replsnap_leaf {
    uint32_t count;
    uint64_t h1, h2;
} replsnap_leaf;

typedef struct replsnap_msg {
    uint8_t type;
    uint64_t session; /* CHUNK */
    uint32_t index;   /* CHUNK */
    bool last;        /* CHUNK */
    causal_vv vv;     /* CHUNK: snapshot vv; others: the floor */
    causal_vv sender_vv; /* ROWS: the sender's applied vv at its items' snapshot */
    storage_item *items; /* CHUNK, ROWS: owned array, pointing into the input */
    size_t nitems;
    uint16_t *buckets; /* ROWS: owned */
    size_t nbuckets;
    replsnap_leaf *leaves; /* DIGEST: owned, REPLSNAP_BUCKETS of them */
} replsnap_msg;

void replsnap_msg_init(replsnap_msg *m);
void replsnap_msg_free(replsnap_msg *m);
/* Decodes body into m (initialised by this call; free with replsnap_msg_free even on error). */
int replsnap_decode(const uint8_t *body, size_t len, replsnap_msg *m);

/* Encoders write into b (a codec_buf, initialised). A message with items is built by the
 * *_begin call (which ends with a u32 count placeholder), then replsnap_put_item per item,
 * then replsnap_finish, which patches the count. */
int replsnap_chunk_begin(codec_buf *b, uint64_t session, uint32_t index, bool last,
                         const causal_vv *vv, size_t *count_at);
int replsnap_rows_begin(codec_buf *b, const causal_vv *floor, const causal_vv *sender_vv,
                        const uint16_t *buckets, size_t nbuckets, size_t *count_at);
int replsnap_put_item(codec_buf *b, const storage_item *it);
/* Bytes replsnap_put_item adds for it. */
size_t replsnap_item_size(const storage_item *it);
/* Patches the count placeholder at count_at (from *_begin). */
int replsnap_finish(codec_buf *b, size_t count_at, size_t nitems);
int replsnap_digest_req_encode(codec_buf *b, const causal_vv *stable);
int replsnap_digest_encode(codec_buf *b, const causal_vv *floor, const replsnap_leaf *leaves);

/* The digest tree. */
uint32_t replsnap_bucket_of(const storage_item *it);
void replsnap_leaf_add(replsnap_leaf *leaves, const storage_item *it, const uint8_t *canon,
                       size_t canonlen);
/* Builds all leaves from a fresh export of st, values canonicalised under floor (seq units).
 * leaves: REPLSNAP_BUCKETS entries, zeroed by the call. Returns 0 or a STORAGE_E* code. */
int replsnap_tree_build(storage *st, const causal_vv *floor, replsnap_leaf *leaves);

/* The receiver's choice between senders (one transfer at a time). A transfer from `cur` is
 * running and `cand` offers one (chunk 0): switch to cand (starting over) when cur is gone
 * (!cur_up), has stalled (no chunk for REPLSNAP_STALL_MS plus 4 of its RTTs), or when cand
 * is markedly nearer (its RTT less than half of cur's: the whole transfer from cand is then
 * expected to end sooner than the rest of cur's, unless cur is nearly done). RTTs in us, 0:
 * no sample yet (never switch on an unknown RTT). */
#define REPLSNAP_STALL_MS 5000
typedef struct replsnap_sender {
    bool up;
    uint64_t rtt_us;
    uint64_t idle_ms; /* since its last chunk arrived or was answered */
} replsnap_sender;
enum { REPLSNAP_KEEP = 0, REPLSNAP_SWITCH_GONE, REPLSNAP_SWITCH_STALLED, REPLSNAP_SWITCH_NEARER };
int replsnap_choose_sender(const replsnap_sender *cur, const replsnap_sender *cand);

#endif
