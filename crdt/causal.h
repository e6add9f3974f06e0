/*
 * crdt/causal.h — dots, version vectors, causal contexts and hybrid logical clocks.
 *
 * Dots. A dot (node, counter) names one operation. Counters from one node increase along
 * that node's causal history. HeliosDB derives them from the origin log: the k-th dotted
 * operation of commit s at node N gets counter (s << CAUSAL_OP_BITS) + k, so every operation
 * of every commit has a unique dot and a node's dots increase with its commit sequence.
 * A commit with more than 2^CAUSAL_OP_BITS operations reserves several consecutive seqs
 * (storage_next_seqs): its entry is at the first, empty entries fill the others, and its
 * counters run on across them (k up to n * 2^CAUSAL_OP_BITS - 1 for n seqs). A vv floor
 * covering one of those later seqs is sound: the entry holding their dots precedes it.
 * (The CRDT library itself only needs uniqueness and per-node monotonicity.)
 *
 * Version vectors (vv) map node -> counter. Storage and replication use them in commit-seq
 * units (the highest contiguous seq applied per origin); CRDT contexts use dot-counter units.
 * causal_vv_to_dot_floor() converts the former into the latter.
 *
 * Causal context (cc): the set of dots an object has observed, kept as a per-node contiguous
 * base (all counters 1..base seen) plus a sorted "cloud" of further dots. The representation
 * is canonical (base is raised over contiguous cloud dots, the cloud holds no dot <= base), so
 * equal sets encode to equal bytes. causal_cc_fill() raises bases from a version vector that
 * the caller knows is fully observed (its own applied vv, or a causally stable vv); that is
 * always sound because a dot the replica has applied either touched the object (and is then
 * already in the context) or never will.
 *
 * HLC: 48-bit milliseconds << 16 | 16-bit logical. Ties between equal timestamps are broken
 * by node id (higher wins). Time is always an argument: nothing here reads a clock.
 *
 * All functions returning int return 0 or a negative CRDT_E* code (codec.h).
 */
#ifndef HELIOS_CRDT_CAUSAL_H
#define HELIOS_CRDT_CAUSAL_H

#include <stdbool.h>
#include <stdint.h>

#include "crdt/codec.h"

#define CAUSAL_OP_BITS 20 /* 2^20 dotted operations per commit seq */
#define CAUSAL_MAX_NODES 65535
#define CAUSAL_MAX_CLOUD 10000000 /* decoder bound on cloud size (= CRDT_MAX_ENTRIES: a row
                                   * holding two 1e6-element set writes before GC must decode) */

typedef struct causal_dot {
    uint16_t node;    /* 1..65535; 0 means "no dot" */
    uint64_t counter; /* >= 1 */
} causal_dot;

static inline int causal_dot_cmp(causal_dot a, causal_dot b)
{
    if (a.node != b.node) return a.node < b.node ? -1 : 1;
    if (a.counter != b.counter) return a.counter < b.counter ? -1 : 1;
    return 0;
}

static inline causal_dot causal_commit_dot(uint16_t node, uint64_t seq, uint32_t op)
{
    causal_dot d = {node, (seq << CAUSAL_OP_BITS) + op}; /* op may run past one seq's slots */
    return d;
}

/* ---- version vectors: sorted by node, no zero entries (canonical) ---- */
typedef struct causal_vv_entry {
    uint16_t node;
    uint64_t counter;
} causal_vv_entry;

typedef struct causal_vv {
    causal_vv_entry *v; /* read-only */
    uint32_t len;       /* read-only */
    uint32_t cap;       /* private */
} causal_vv;

enum { CAUSAL_EQUAL = 0, CAUSAL_BEFORE = 1, CAUSAL_AFTER = 2, CAUSAL_CONCURRENT = 3 };

void causal_vv_init(causal_vv *vv);
void causal_vv_free(causal_vv *vv);
int causal_vv_copy(causal_vv *dst, const causal_vv *src);
uint64_t causal_vv_get(const causal_vv *vv, uint16_t node);
int causal_vv_set(causal_vv *vv, uint16_t node, uint64_t counter); /* 0 removes the entry */
int causal_vv_join(causal_vv *dst, const causal_vv *src);          /* pointwise max */
int causal_vv_meet(causal_vv *dst, const causal_vv *src);          /* pointwise min */
bool causal_vv_leq(const causal_vv *a, const causal_vv *b);
int causal_vv_compare(const causal_vv *a, const causal_vv *b); /* CAUSAL_EQUAL.. */
bool causal_vv_covers(const causal_vv *vv, causal_dot d);      /* d.counter <= vv[d.node] */
/* Commit-seq vv -> dot-counter floor: s -> (s << CAUSAL_OP_BITS) | all op bits. */
int causal_vv_to_dot_floor(causal_vv *dst, const causal_vv *seq_vv);
/* Layout: uvarint n, then n x (u16 node, uvarint counter); nodes strictly increasing,
 * counters >= 1. */
int causal_vv_encode(codec_buf *b, const causal_vv *vv);
int causal_vv_decode(codec_rd *r, causal_vv *vv);

/* ---- causal contexts ---- */
typedef struct causal_cc {
    causal_vv base;    /* read-only: per node, all counters 1..base observed */
    causal_dot *cloud; /* read-only: sorted, each counter > base[node] + 1 */
    uint32_t ncloud;   /* read-only */
    uint32_t cap;      /* private */
} causal_cc;

void causal_cc_init(causal_cc *cc);
void causal_cc_free(causal_cc *cc);
int causal_cc_copy(causal_cc *dst, const causal_cc *src);
bool causal_cc_contains(const causal_cc *cc, causal_dot d);
int causal_cc_add(causal_cc *cc, causal_dot d);
int causal_cc_join(causal_cc *dst, const causal_cc *src);
int causal_cc_fill(causal_cc *cc, const causal_vv *dot_floor);
/* Largest counter of node seen (base or cloud); the next local dot must exceed it. */
uint64_t causal_cc_max(const causal_cc *cc, uint16_t node);
bool causal_cc_equal(const causal_cc *a, const causal_cc *b);
/* Layout: vv (as above), uvarint m, m x (u16 node, uvarint counter), sorted, canonical. */
int causal_cc_encode(codec_buf *b, const causal_cc *cc);
int causal_cc_decode(codec_rd *r, causal_cc *cc);

/* ---- hybrid logical clock ---- */
typedef uint64_t causal_hlc;
#define CAUSAL_HLC_MS(t) ((t) >> 16)
#define CAUSAL_HLC_MAKE(ms, logical) (((uint64_t)(ms) << 16) | ((logical) & 0xffffu))

typedef struct causal_clock {
    causal_hlc last;       /* read-only: last timestamp issued or observed */
    uint64_t max_skew_ms;  /* public: remote ahead of wall clock by more counts as skew */
    uint64_t skew_events;  /* read-only: remote timestamps seen too far ahead */
    uint64_t max_seen_skew_ms; /* read-only */
} causal_clock;

void causal_clock_init(causal_clock *c, uint64_t max_skew_ms);
/* A new local timestamp, strictly greater than every one issued or observed before. */
causal_hlc causal_clock_now(causal_clock *c, uint64_t wall_ms);
/* Merge a remote timestamp (on receive). Never rejects: a skewed stamp is counted, and
 * returns 1 in that case, else 0. */
int causal_clock_observe(causal_clock *c, causal_hlc remote, uint64_t wall_ms);
/* Total order of LWW writes: (ts, node). Returns <0, 0, >0. */
static inline int causal_lww_cmp(causal_hlc ta, uint16_t na, causal_hlc tb, uint16_t nb)
{
    if (ta != tb) return ta < tb ? -1 : 1;
    if (na != nb) return na < nb ? -1 : 1;
    return 0;
}

#endif
