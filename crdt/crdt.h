/*
 * crdt/crdt.h — HeliosDB's CRDT types: values, the dot kernel, counters, registers, sets, map,
 * and the generic object that the row container (row.h) and the codec dispatch on.
 *
 * The model. Every multi-writer type is a *dot kernel*: a set of entries (dot, payload) plus a
 * causal context cc (causal.h) that always contains the dots of the entries. A local operation
 * takes a fresh dot from the caller. Join of kernels A and B:
 *     entries = (A ∩ B) ∪ {e ∈ A : e.dot ∉ B.cc} ∪ {e ∈ B : e.dot ∉ A.cc};   cc = A.cc ∪ B.cc
 * Removing an entry drops it while its dot stays in cc, so an entry a replica has observed and
 * removed can never come back, and an entry it has not observed always survives (add wins,
 * update wins over a concurrent delete). LWW-Register, MV-Register, Add-Wins Set, LWW-Map and
 * the row presence flag are kernels that differ only in their payload and how they read.
 * Counters are per-node vectors (pointwise max); the OR-Set keeps explicit tombstones and a
 * gc floor instead of a causal context (both are inspectable with crdt_obj_describe).
 *
 * Deltas are states. Every mutator takes an optional `delta` of the same type and joins the
 * operation's delta into it, so one accumulator collects all the operations of a statement or
 * transaction; merging that delta into any replica that has the state's causal past has the
 * same effect as the operations. Merge is commutative, associative and idempotent, and equal
 * states have byte-identical canonical encodings (tests/unit/crdt/test_properties.c).
 *
 * Counters: per-node increments are uint64 and a node's P never exceeds INT64_MAX for a
 * G-Counter (UINT64_MAX for each PN half). Operations that would take the *local* read value
 * out of int64 are refused at the origin with CRDT_EOVERFLOW; merges take maxima and never
 * wrap. When concurrent increments from several nodes push the merged sum beyond int64, the
 * value functions saturate and return CRDT_EOVERFLOW with the saturated value in *out.
 *
 * Ownership: every struct here is embedded by the caller: *_init before use, *_free after (free
 * is idempotent). Functions copy the bytes they are given; nothing keeps a caller's pointer.
 * Errors: 0 or a negative CRDT_E* code (codec.h). On CRDT_ENOMEM a mutator may have applied the
 * operation to the state but not to the delta; callers treat ENOMEM as fatal for the statement.
 *
 * Binary layout (canonical; crdt_obj_encode / crdt_row_encode; decoders reject anything else,
 * including trailing bytes). uv = LEB128 uvarint, sv = zig-zag varint, u16/u64 big-endian,
 * bytes = uv length + data.
 *
 *   offset size  meaning
 *   0      1     format version, CRDT_FORMAT_VERSION (1)
 *   1      1     kind, CRDT_KIND_* (a row is CRDT_KIND_ROW, see row.h)
 *   2      ...   body of that kind
 *
 *   body      layout                                                  canonical rule
 *   vv        uv n, n x (u16 node, uv counter)                        nodes ascending, >= 1
 *   cc        vv base, uv m, m x (u16 node, uv counter)               causal.h
 *   kernel    cc, uv n, n x (u16 node, uv counter, bytes payload)     dots ascending, in cc
 *   GCOUNTER  uv n, n x (u16 node, uv p, uv f)                        nodes asc., 1<=p, f<=p
 *   PNCOUNTER GCOUNTER body of increments, GCOUNTER body of decrements
 *   LWW       kernel, payload = u64 hlc, value
 *   MVREG     kernel, payload = the text
 *   AWSET     kernel, payload = the element
 *   LWWMAP    kernel, payload = bytes key, u64 hlc, u8 live (0|1), json (rest; only if live)
 *   ORSET     vv floor, uv t, t x (u16 node, uv counter) tombstones,  tags ascending; no
 *             uv n, n x (u16 node, uv counter, bytes element) live    tombstone <= floor or live
 *   value     u8 CRDT_V_*, then NULL: -; TEXT BYTEA JSONB NUMERIC: bytes; INT8 TIMESTAMPTZ: sv;
 *             FLOAT8: u64 IEEE-754 bits; BOOL: u8 0|1
 */
#ifndef HELIOS_CRDT_CRDT_H
#define HELIOS_CRDT_CRDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "crdt/codec.h"

#define CRDT_FORMAT_VERSION 1
#define CRDT_MAX_VALUE (16u << 20)  /* bytes in one value, element, key or JSON text */
#define CRDT_MAX_ENTRIES 10000000u  /* decoder bound on entries of one object */

enum crdt_kind {
    CRDT_KIND_GCOUNTER = 1,
    CRDT_KIND_PNCOUNTER = 2,
    CRDT_KIND_LWW = 3,
    CRDT_KIND_MVREG = 4,
    CRDT_KIND_ORSET = 5,
    CRDT_KIND_AWSET = 6,
    CRDT_KIND_LWWMAP = 7,
    CRDT_KIND_ROW = 16,
};

/* Static lower-case name of a kind ("g_counter", "lww_register", ...), "?" if unknown. */
const char *crdt_kind_name(int kind);

typedef struct crdt_merge_stats {
    uint64_t conflicts; /* registers (or map keys) that a merge left holding >1 concurrent
                         * write, at least one of them new to the destination */
} crdt_merge_stats;

/* ------------------------------------------------------------------ values */

/* Scalar value types of an LWW register. TIMESTAMPTZ is microseconds since 2000-01-01 00:00 UTC
 * (PostgreSQL's internal epoch, so binary-format values pass through unchanged); INT64_MAX and
 * INT64_MIN are 'infinity' and '-infinity'. NUMERIC and JSONB hold their canonical text. */
enum crdt_vtype {
    CRDT_V_NULL = 0,
    CRDT_V_TEXT = 1,
    CRDT_V_INT8 = 2,
    CRDT_V_FLOAT8 = 3,
    CRDT_V_BOOL = 4,
    CRDT_V_BYTEA = 5,
    CRDT_V_JSONB = 6,
    CRDT_V_TIMESTAMPTZ = 7,
    CRDT_V_NUMERIC = 8,
};

typedef struct crdt_value {
    uint8_t type; /* CRDT_V_* */
    union {
        int64_t i;  /* INT8, TIMESTAMPTZ */
        double f;   /* FLOAT8 */
        bool b;     /* BOOL */
        struct {
            uint8_t *p; /* owned; NUL-terminated for convenience (not counted in n) */
            size_t n;
        } s; /* TEXT, BYTEA, JSONB, NUMERIC */
    } u;
} crdt_value;

void crdt_value_init(crdt_value *v); /* NULL value */
void crdt_value_free(crdt_value *v);
/* Sets a byte-string value (copies p). CRDT_EINVAL if type is not a string type,
 * CRDT_ELIMIT if n > CRDT_MAX_VALUE. */
int crdt_value_set_bytes(crdt_value *v, uint8_t type, const void *p, size_t n);
int crdt_value_copy(crdt_value *dst, const crdt_value *src); /* dst initialised */
bool crdt_value_equal(const crdt_value *a, const crdt_value *b);
int crdt_value_encode(codec_buf *b, const crdt_value *v);
int crdt_value_decode(codec_rd *r, crdt_value *v); /* v initialised; replaced */

/* A borrowed byte string (an element, a key, a JSON text). */
typedef struct crdt_bytes {
    const uint8_t *p;
    size_t n;
} crdt_bytes;

/* ------------------------------------------------------------------ dot kernel */

typedef struct kernel_entry {
    causal_dot dot;
    uint8_t *p;       /* owned payload (may be NULL when n == 0) */
    uint32_t n;
    uint8_t onesided; /* private: set by kernel_join on entries that came from src only */
} kernel_entry;

typedef struct kernel {
    kernel_entry *e; /* read-only: sorted by dot */
    uint32_t len;    /* read-only */
    uint32_t cap;    /* private */
    causal_cc cc;    /* read-only */
} kernel;

typedef bool (*kernel_pred)(const kernel_entry *e, const void *ctx);
/* Validates a payload while decoding: 0 or CRDT_EBADENC. */
typedef int (*kernel_check)(const uint8_t *p, size_t n);

void kernel_init(kernel *k);
void kernel_free(kernel *k);
int kernel_copy(kernel *dst, const kernel *src); /* dst initialised; replaced */
/* The dot-kernel join (see above). Marks (onesided) the entries dst did not have before, which
 * is what conflict counting looks at: a merge that brings a new concurrent write. */
int kernel_join(kernel *dst, const kernel *src);
/* The entry half of a join with caller-defined contexts (the OR-Set's context is not a cc):
 * keeps common entries, dst-only entries not in src's context, src-only entries not in dst's
 * context. Does not touch dst->cc. */
typedef bool (*kernel_in_ctx)(const void *ctx, causal_dot d);
int kernel_join_entries(kernel *dst, const kernel *src, kernel_in_ctx in_dst, const void *dctx,
                        kernel_in_ctx in_src, const void *sctx);
/* The one mutator: removes (observes) the entries matching pred (NULL pred: none; use
 * kernel_all for every entry), then, if dot.node != 0, adds (dot, p[0..n)). The operation's delta
 * is joined into *delta when delta != NULL. CRDT_EINVAL if dot is already in k->cc (dots
 * must be fresh), CRDT_ELIMIT if n > CRDT_MAX_VALUE + 64. */
int kernel_apply(kernel *k, kernel_pred pred, const void *ctx, causal_dot dot, const void *p,
                 size_t n, kernel *delta);
bool kernel_all(const kernel_entry *e, const void *ctx);

/* Batches of keyed operations: the bulk path of a large set or map write (one INSERT of a
 * 1,000,000-element set). A keyed operation adds one entry and observes every entry with the
 * same key (an Add-Wins Set element, an LWW-Map key). A batch of n of them, op i with the dot
 * (first.node, first.counter + i) and key keys[i][0..klens[i]), has exactly the effect of n
 * kernel_apply calls in order, each observing the entries of its key (those of the state and
 * those of the earlier ops of the batch), on the state and on the delta: byte-identical
 * encodings. The cost is O((n + m) log(n + m)) for a kernel of m entries (plus the bytes of
 * the keys compared while sorting), where n calls cost O(n * m): one sort of the batch by key,
 * one pass over the state, one delta kernel joined into the state and into the delta.
 *
 * Dots: the caller guarantees the n consecutive dots are its own fresh ones; with HeliosDB's
 * commit dots (causal.h) that means n unused op slots in the commit (k + n <= the slots of
 * the seqs it reserved, 2^CAUSAL_OP_BITS each, for a first dot with op k). Keys are compared as bytes; key_of must return for an existing
 * entry the key a new op would use for it. Every pointer is borrowed for the call. */
typedef crdt_bytes (*kernel_key)(const kernel_entry *e);
/* key_of for kernels whose payload is the key (the Add-Wins Set, the OR-Set's live entries). */
crdt_bytes kernel_payload(const kernel_entry *e);
/* Checks a batch's dot range: 0; CRDT_EINVAL if n > 0 and first.node or first.counter is 0 or
 * first.counter + n - 1 overflows; CRDT_ELIMIT if n > CRDT_MAX_ENTRIES. */
int kernel_check_many(causal_dot first, size_t n);
/* The batch, applied to k and joined into *delta (delta may be NULL). ps[i][0..ns[i]) is op
 * i's payload. All or nothing: CRDT_EINVAL (kernel_check_many, or a dot already in k->cc),
 * CRDT_ELIMIT (kernel_check_many, or a payload over the kernel's limit) change nothing;
 * CRDT_ENOMEM may leave the delta behind the state (as kernel_apply). n == 0 is a no-op. */
int kernel_apply_many(kernel *k, kernel_key key_of, const void *const *keys,
                      const size_t *klens, const void *const *ps, const size_t *ns, size_t n,
                      causal_dot first, kernel *delta);
/* The two halves of kernel_apply_many, for the OR-Set, whose context is not a cc.
 * kernel_observe_many: last[i] (n bools, caller's) is set to whether op i is the last of its
 * key in the batch (its entry survives the batch); *observed to the dots of k's entries whose
 * key some op has, ascending: malloc'ed, NULL when *nobserved == 0. 0 or CRDT_ENOMEM.
 * kernel_entries_many: fills out (initialised, no entries) with the entries (first + i, ps[i])
 * of the ops with keep[i], ascending; out->cc is not touched. 0 or CRDT_ENOMEM (out then holds
 * some of them: free it). */
int kernel_observe_many(const kernel *k, kernel_key key_of, const void *const *keys,
                        const size_t *klens, size_t n, bool *last, causal_dot **observed,
                        size_t *nobserved);
int kernel_entries_many(kernel *out, const void *const *ps, const size_t *ns, size_t n,
                        const bool *keep, causal_dot first);
int kernel_fill(kernel *k, const causal_vv *dot_floor); /* gc: compacts cc */
const kernel_entry *kernel_find(const kernel *k, causal_dot d);
int kernel_encode(codec_buf *b, const kernel *k);
int kernel_decode(codec_rd *r, kernel *k, kernel_check check); /* k initialised; replaced */

/* ------------------------------------------------------------------ counters */

typedef struct gcounter_entry {
    uint16_t node;
    uint64_t p; /* increments made by node */
    uint64_t f; /* floor: increments of node observed by deletes (f <= p) */
} gcounter_entry;

typedef struct gcounter {
    gcounter_entry *e; /* read-only: sorted by node, p >= 1 */
    uint32_t len;      /* read-only */
    uint32_t cap;      /* private */
} gcounter;

void gcounter_init(gcounter *g);
void gcounter_free(gcounter *g);
int gcounter_copy(gcounter *dst, const gcounter *src);
/* n >= 0 (else CRDT_EINVAL); node >= 1. CRDT_EOVERFLOW if P[node] or the value would exceed
 * INT64_MAX; nothing changes then. Delta: that node's new entry. */
int gcounter_inc(gcounter *g, uint16_t node, int64_t n, gcounter *delta);
/* Σ(p - f). 0, or CRDT_EOVERFLOW with *out = INT64_MAX when the merged sum exceeds int64. */
int gcounter_value(const gcounter *g, int64_t *out);
int gcounter_merge(gcounter *dst, const gcounter *src); /* pointwise max of p and of f */
/* Entry of node, or NULL. */
const gcounter_entry *gcounter_get(const gcounter *g, uint16_t node);
/* Raises node's entry to (max p, max f): the merge of one entry. Refuses f > p (CRDT_EINVAL). */
int gcounter_raise(gcounter *g, uint16_t node, uint64_t p, uint64_t f);
/* Observed reset (row DELETE): f := p for every node; the delta carries every entry. */
int gcounter_reset(gcounter *g, gcounter *delta);
int gcounter_encode(codec_buf *b, const gcounter *g);
/* max_p: largest p accepted (INT64_MAX for a G-Counter). */
int gcounter_decode(codec_rd *r, gcounter *g, uint64_t max_p);

typedef struct pncounter {
    gcounter inc; /* read-only: per-node increments (each up to UINT64_MAX) */
    gcounter dec; /* read-only: per-node decrements */
} pncounter;

void pncounter_init(pncounter *c);
void pncounter_free(pncounter *c);
int pncounter_copy(pncounter *dst, const pncounter *src);
/* value += n (add) or value -= n (sub, INT64_MIN allowed). CRDT_EOVERFLOW if the local value
 * would leave int64 or a node's half would exceed UINT64_MAX; nothing changes then. */
int pncounter_add(pncounter *c, uint16_t node, int64_t n, pncounter *delta);
int pncounter_sub(pncounter *c, uint16_t node, int64_t n, pncounter *delta);
/* 0, or CRDT_EOVERFLOW with *out saturated to INT64_MIN/INT64_MAX. */
int pncounter_value(const pncounter *c, int64_t *out);
int pncounter_merge(pncounter *dst, const pncounter *src);
int pncounter_reset(pncounter *c, pncounter *delta);
int pncounter_encode(codec_buf *b, const pncounter *c);
int pncounter_decode(codec_rd *r, pncounter *c);

/* ------------------------------------------------------------------ registers */

/* LWW-Register: kernel, payload (hlc, value). Read = greatest (ts, dot.node, dot.counter). */
int lwwreg_assign(kernel *k, const crdt_value *v, causal_hlc ts, causal_dot dot, kernel *delta);
/* Copies the winning value into *out (initialised). Returns 1 when the register is empty
 * (never written, or deleted: *out is NULL), 0 when a value was read. */
int lwwreg_read(const kernel *k, crdt_value *out, causal_hlc *ts);
int lwwreg_check(const uint8_t *p, size_t n);

/* MV-Register: kernel, payload = text. assign replaces every value it observed. */
int mvreg_assign(kernel *k, const void *v, size_t n, causal_dot dot, kernel *delta);
/* Adds a value concurrent with the ones k holds (observes none): how a multi-value state is
 * restored (COPY FROM of COPY TO's {a,b}), each value with its own fresh dot. */
int mvreg_add(kernel *k, const void *v, size_t n, causal_dot dot, kernel *delta);
int mvreg_check(const uint8_t *p, size_t n);

/* ------------------------------------------------------------------ sets */

/* Add-Wins Set: kernel, payload = element. add also observes x's older dots. */
int awset_add(kernel *k, const void *x, size_t n, causal_dot dot, kernel *delta);
int awset_remove(kernel *k, const void *x, size_t n, kernel *delta);
bool awset_contains(const kernel *k, const void *x, size_t n);
int awset_check(const uint8_t *p, size_t n);
/* awset_add of xs[i][0..ns[i]) with dot (first.node, first.counter + i) for i = 0..count-1, in
 * order (a later duplicate observes the earlier one), in O((count + m) log(count + m)); see
 * kernel_apply_many for the dots, the equivalence and the errors. Also CRDT_ELIMIT if an
 * element exceeds CRDT_MAX_VALUE. All or nothing except on CRDT_ENOMEM. */
int awset_add_many(kernel *k, const void *const *xs, const size_t *ns, size_t count,
                   causal_dot first, kernel *delta);

/* OR-Set (tags and tombstones). Context C = tags(live) ∪ tombstones ∪ down(floor). */
typedef struct orset {
    kernel live;      /* read-only: entries (tag, element); live.cc is unused (empty) */
    causal_dot *tomb; /* read-only: removed tags, ascending, none <= floor, none live */
    uint32_t ntomb;   /* read-only */
    uint32_t tcap;    /* private */
    causal_vv floor;  /* read-only: gc floor */
} orset;

void orset_init(orset *s);
void orset_free(orset *s);
int orset_copy(orset *dst, const orset *src);
/* Adds x with tag dot. A re-add of a present element gets the new tag and tombstones the old
 * tags it observed. CRDT_EINVAL if dot is already in C. */
int orset_add(orset *s, const void *x, size_t n, causal_dot dot, orset *delta);
/* orset_add of xs[i][0..ns[i]) with tag (first.node, first.counter + i) for i = 0..count-1, in
 * order, with the same final state and delta (a duplicate in the batch tombstones the tag of
 * its earlier copy), in O((count + m + t) log(count + m + t)) for m live entries and t
 * tombstones. CRDT_EINVAL (kernel_check_many, or a tag already in C), CRDT_ELIMIT (an element
 * over CRDT_MAX_VALUE, count over CRDT_MAX_ENTRIES) change nothing; after CRDT_ENOMEM the
 * delta may lag the state. count == 0 is a no-op. */
int orset_add_many(orset *s, const void *const *xs, const size_t *ns, size_t count,
                   causal_dot first, orset *delta);
int orset_remove(orset *s, const void *x, size_t n, orset *delta); /* tombstones x's tags */
int orset_clear(orset *s, orset *delta);                          /* tombstones every tag */
bool orset_contains(const orset *s, const void *x, size_t n);
int orset_merge(orset *dst, const orset *src);
int orset_gc(orset *s, const causal_vv *dot_floor);
int orset_encode(codec_buf *b, const orset *s);
int orset_decode(codec_rd *r, orset *s);

/* Distinct elements of a set/MV kernel, sorted bytewise: pointers into the kernel's entries,
 * valid until it changes. *out is malloc'ed (free() it; NULL when *n == 0). */
int crdt_elements(const kernel *k, crdt_bytes **out, size_t *n);

/* ------------------------------------------------------------------ map */

/* LWW-Map: kernel, payload (key, hlc, live, json). put/remove observe-and-replace every entry
 * of the key; remove writes a timestamped tombstone. */
int lwwmap_put(kernel *k, const void *key, size_t klen, const void *json, size_t jlen,
               causal_hlc ts, causal_dot dot, kernel *delta);
int lwwmap_remove(kernel *k, const void *key, size_t klen, causal_hlc ts, causal_dot dot,
                  kernel *delta);
/* lwwmap_put of (keys[i], jsons[i]) with timestamp ts and dot (first.node, first.counter + i)
 * for i = 0..count-1, in order (of a key given twice the later put wins and replaces the
 * earlier), in O((count + m) log(count + m)); see kernel_apply_many. Also CRDT_ELIMIT if a key
 * or JSON text exceeds CRDT_MAX_VALUE. jsons[i] may be NULL when jlens[i] == 0. */
int lwwmap_put_many(kernel *k, const void *const *keys, const size_t *klens,
                    const void *const *jsons, const size_t *jlens, size_t count, causal_hlc ts,
                    causal_dot first, kernel *delta);
/* lwwmap_put_many where live[i] == 0 makes entry i an lwwmap_remove of keys[i] (its json
 * ignored); live NULL: every entry a put. A whole-map replacement is one such batch. */
int lwwmap_write_many(kernel *k, const void *const *keys, const size_t *klens,
                      const void *const *jsons, const size_t *jlens, const uint8_t *live,
                      size_t count, causal_hlc ts, causal_dot first, kernel *delta);
/* Visible pairs, keys in jsonb order (shorter first, then bytewise). *out malloc'ed: 2*n
 * crdt_bytes (key, json) pointing into the kernel. */
int lwwmap_items(const kernel *k, crdt_bytes **out, size_t *n);
/* Keys whose latest write is a tombstone and all of whose entries are <= dot_floor are
 * dropped; then the cc is filled. */
int lwwmap_gc(kernel *k, const causal_vv *dot_floor);
/* After a kernel_join: keys holding >1 entry of which at least one is new to dst. */
uint64_t lwwmap_conflicts(const kernel *k);
int lwwmap_check(const uint8_t *p, size_t n);

/* ------------------------------------------------------------------ generic object */

typedef struct crdt_obj {
    uint8_t kind; /* read-only: CRDT_KIND_* (not ROW) */
    union {
        gcounter g;   /* GCOUNTER */
        pncounter pn; /* PNCOUNTER */
        kernel k;     /* LWW, MVREG, AWSET, LWWMAP */
        orset os;     /* ORSET */
    } u;
} crdt_obj;

/* CRDT_EINVAL for an unknown kind (obj is then left as an empty GCOUNTER so free is safe). */
int crdt_obj_init(crdt_obj *o, int kind);
void crdt_obj_free(crdt_obj *o);
int crdt_obj_copy(crdt_obj *dst, const crdt_obj *src); /* dst uninitialised or freed */
/* CRDT_EINVAL if kinds differ. stats may be NULL. */
int crdt_obj_merge(crdt_obj *dst, const crdt_obj *src, crdt_merge_stats *stats);
/* Observed reset (what a row DELETE does to a column); delta (same kind) may be NULL. */
int crdt_obj_reset(crdt_obj *o, crdt_obj *delta);
int crdt_obj_gc(crdt_obj *o, const causal_vv *dot_floor);
/* True in the initial state (nothing written, nothing observed): such an object merges as a
 * no-op, so rows do not encode it. */
bool crdt_obj_is_empty(const crdt_obj *o);
/* Body only (no version/kind byte): used by row.h. */
int crdt_obj_encode_body(codec_buf *b, const crdt_obj *o);
int crdt_obj_decode_body(codec_rd *r, crdt_obj *o, int kind); /* o uninitialised */
/* Whole object: version, kind, body. decode: o uninitialised; on error it is left freed. */
int crdt_obj_encode(codec_buf *b, const crdt_obj *o);
int crdt_obj_decode(const uint8_t *p, size_t n, crdt_obj *o);
/* Appends a JSON description of the metadata (dots, tags, tombstones, per-node counts, cc). */
int crdt_obj_describe(codec_buf *json, const crdt_obj *o);
int crdt_cc_describe(codec_buf *json, const causal_cc *cc);
/* Appends `"entries":[...],"cc":{...}` (no braces); kind 0 = entries without payload. */
int crdt_kernel_describe(codec_buf *json, const kernel *k, int kind);

#endif
