/*
 * crdt/row.h — one table row as a CRDT: a presence flag plus a map column id -> column CRDT.
 *
 * Presence is a dot kernel with empty payloads. INSERT and UPDATE add a presence dot (observing
 * the older ones); DELETE removes the presence dots it observed and performs an *observed
 * reset* on every column: kernels drop every entry they hold (the dots stay in their cc),
 * counters raise their floors to what they hold (f := p), the OR-Set tombstones every live tag.
 * The row is visible iff presence holds an entry. Consequences (DESIGN §3):
 *   - an UPDATE concurrent with a DELETE survives: its presence dot was not observed;
 *   - a surviving counter shows only the increments the DELETE did not observe;
 *   - a surviving set shows only the elements added concurrently with the DELETE.
 *
 * Deltas are rows. Every mutator takes the state and an optional delta row; it changes the state
 * and joins the operation's delta into the delta row, so all the statements of a transaction
 * collect into one commit delta. crdt_row_merge joins presence and each column (a column absent
 * on one side merges as empty). Merge is commutative, associative, idempotent; converged rows
 * encode to identical bytes (a column in its initial, empty state is never encoded).
 *
 * Schema: the SQL layer owns column ids and kinds; the row stores the kind next to each column
 * so an encoding is self-describing. Column ids must never be reused with another kind: a merge
 * that finds one id with two kinds fails with CRDT_EINVAL. crdt_row_drop_column removes a column
 * from one replica's row (a local schema operation, not replicated as a delta: a late delta can
 * bring the column back, which readers ignore because it is not in the schema).
 *
 * GC: crdt_row_gc discards metadata covered by a dot floor (crdt_obj_gc for each column, cc
 * compaction for presence) and never changes what a reader sees *provided the floor is causally
 * stable in the strong sense*: every replica has applied every operation it covers, and every
 * operation not yet applied here is causally after all of them. (A floor that is merely "applied
 * everywhere" suffices for everything except LWW-Map tombstones, whose removal could otherwise
 * let an older concurrent put reappear.) Compute it e.g. as the pointwise minimum of the
 * applied-version vectors that all replicas reported after each had itself observed the
 * previous such minimum; convert with causal_vv_to_dot_floor.
 *
 * Layout (kind CRDT_KIND_ROW; see crdt.h for the common header and bodies):
 *   offset size  meaning
 *   0      1     CRDT_FORMAT_VERSION
 *   1      1     CRDT_KIND_ROW (16)
 *   2      ...   presence kernel (payloads empty)
 *   ...    uv    c: number of columns
 *   ...          c x (u16 column id, strictly ascending; u8 kind; body of that kind, not empty)
 *
 * Ownership: crdt_row is embedded by the caller (init/free). *_bytes functions return a malloc'ed
 * buffer the caller frees with free(). Errors: 0 or CRDT_E* (codec.h): CRDT_EINVAL for a column
 * used with a kind other than its own or a bad argument, CRDT_EOVERFLOW for a refused counter
 * step, CRDT_ELIMIT for an oversized value, CRDT_EBADENC for a bad encoding, CRDT_ENOMEM.
 * A failed mutator leaves the state and the delta as they were, except after CRDT_ENOMEM.
 */
#ifndef HELIOS_CRDT_ROW_H
#define HELIOS_CRDT_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"
#include "crdt/codec.h"
#include "crdt/crdt.h"

#define CRDT_ROW_MAX_COLUMNS 1600 /* PostgreSQL's limit */

typedef struct crdt_row_col {
    uint16_t id;
    crdt_obj obj;
} crdt_row_col;

typedef struct crdt_row {
    kernel presence;    /* read-only */
    crdt_row_col *cols; /* read-only: ascending id */
    uint32_t ncols;     /* read-only */
    uint32_t cap;       /* private */
} crdt_row;

void crdt_row_init(crdt_row *r);
void crdt_row_free(crdt_row *r);
int crdt_row_copy(crdt_row *dst, const crdt_row *src); /* dst initialised; replaced */
bool crdt_row_visible(const crdt_row *r);
const crdt_obj *crdt_row_get(const crdt_row *r, uint16_t col); /* NULL if absent */

/* ---- mutators: r is the state, delta (may be NULL) the accumulator ---- */
/* INSERT / UPDATE: adds a presence dot (fresh, else CRDT_EINVAL). */
int crdt_row_touch(crdt_row *r, causal_dot dot, crdt_row *delta);
/* DELETE: observed reset of presence and of every column. */
int crdt_row_delete(crdt_row *r, crdt_row *delta);
/* kind = CRDT_KIND_GCOUNTER (n >= 0) or CRDT_KIND_PNCOUNTER (any n; INT64_MIN allowed). */
int crdt_row_counter_add(crdt_row *r, crdt_row *delta, uint16_t col, int kind, uint16_t node,
                         int64_t n);
/* PN-Counter only: value -= n. */
int crdt_row_counter_sub(crdt_row *r, crdt_row *delta, uint16_t col, uint16_t node, int64_t n);
int crdt_row_lww_assign(crdt_row *r, crdt_row *delta, uint16_t col, const crdt_value *v,
                        causal_hlc ts, causal_dot dot);
int crdt_row_mv_assign(crdt_row *r, crdt_row *delta, uint16_t col, const void *v, size_t n,
                       causal_dot dot);
/* MV-Register: adds a value concurrent with those held (mvreg_add). */
int crdt_row_mv_add(crdt_row *r, crdt_row *delta, uint16_t col, const void *v, size_t n,
                    causal_dot dot);
/* kind = CRDT_KIND_ORSET or CRDT_KIND_AWSET. */
int crdt_row_set_add(crdt_row *r, crdt_row *delta, uint16_t col, int kind, const void *x,
                     size_t n, causal_dot dot);
/* Bulk add (one INSERT or UPDATE of a large set): exactly crdt_row_set_add of xs[i][0..ns[i])
 * with dot (first.node, first.counter + i), for i = 0..count-1 in order — same state, same
 * delta, byte for byte, duplicates included (a later copy observes the earlier one) — in
 * O((count + m) log(count + m)) for a column of m entries, where count calls cost
 * O(count * m). Dots: the caller owns the count consecutive dots, all fresh: with commit dots
 * (causal.h) the first is causal_commit_dot(node, seq, k) and the commit must have count op
 * slots left (k + count <= 2^CAUSAL_OP_BITS per seq the commit reserved). xs, ns and the elements are borrowed for the
 * call (an element may be NULL when its length is 0). Errors: CRDT_EINVAL for a kind that is
 * not a set, a column of another kind, first.node or first.counter 0, a counter range that
 * wraps, or a dot the column has already seen; CRDT_ELIMIT for an element over
 * CRDT_MAX_VALUE or count over CRDT_MAX_ENTRIES; CRDT_ENOMEM. Unlike count separate calls,
 * a refused batch changes nothing (except after CRDT_ENOMEM). count == 0 does nothing.
 * Caveat for the Add-Wins Set (as for count single calls; the OR-Set keeps no cc): the dots
 * stay in the column's cc cloud until gc folds them into its base, and causal_cc_decode refuses
 * a cloud over CAUSAL_MAX_CLOUD dots, so a column holding more un-gc'd dots than that encodes
 * to bytes that do not decode. */
int crdt_row_set_add_many(crdt_row *r, crdt_row *delta, uint16_t col, int kind,
                          const void *const *xs, const size_t *ns, size_t count,
                          causal_dot first);
int crdt_row_set_remove(crdt_row *r, crdt_row *delta, uint16_t col, int kind, const void *x,
                        size_t n);
/* Observed remove of every element (SET c = ARRAY[...] is clear, then adds). */
int crdt_row_set_clear(crdt_row *r, crdt_row *delta, uint16_t col, int kind);
int crdt_row_map_put(crdt_row *r, crdt_row *delta, uint16_t col, const void *key, size_t klen,
                     const void *json, size_t jlen, causal_hlc ts, causal_dot dot);
/* Bulk put (one INSERT of a large map): exactly crdt_row_map_put of (keys[i], jsons[i]), all
 * with timestamp ts, with dot (first.node, first.counter + i), for i = 0..count-1 in order (a
 * key given twice: the later value wins and the earlier put leaves only its dot in the cc),
 * in O((count + m) log(count + m)). Dots, ownership and errors as crdt_row_set_add_many
 * (CRDT_ELIMIT also for a key or JSON text over CRDT_MAX_VALUE, and the same caveat); a key or
 * JSON text may be NULL when its length is 0. count == 0 does nothing. */
int crdt_row_map_put_many(crdt_row *r, crdt_row *delta, uint16_t col, const void *const *keys,
                          const size_t *klens, const void *const *jsons, const size_t *jlens,
                          size_t count, causal_hlc ts, causal_dot first);
/* crdt_row_map_put_many where live[i] == 0 removes keys[i] instead (lwwmap_write_many): a
 * whole-map replacement in one batch. */
int crdt_row_map_write_many(crdt_row *r, crdt_row *delta, uint16_t col, const void *const *keys,
                            const size_t *klens, const void *const *jsons, const size_t *jlens,
                            const uint8_t *live, size_t count, causal_hlc ts, causal_dot first);
int crdt_row_map_remove(crdt_row *r, crdt_row *delta, uint16_t col, const void *key,
                        size_t klen, causal_hlc ts, causal_dot dot);
int crdt_row_drop_column(crdt_row *r, uint16_t col);

/* ---- reading an encoded row without decoding it whole (scans) ----
 * A view walks the encoding in place: no allocation, bounded reads. It trusts the encoding's
 * canonical form less than crdt_row_decode checks it (it does not verify dot order or that
 * dots are covered), so it is for reading rows this node stored, never for input from a peer.
 * fuzz_crdt_decode checks that on every row crdt_row_decode accepts, a view agrees with it. */
typedef struct crdt_row_view {
    codec_rd rd;     /* at the next column */
    uint64_t left;   /* columns not read yet */
    bool visible;    /* the presence kernel holds an entry (crdt_row_visible) */
} crdt_row_view;
/* 0, or CRDT_EBADENC. */
int crdt_row_view_open(crdt_row_view *v, const uint8_t *p, size_t n);
/* The next column: 1 with its id, kind and body bytes (as crdt_obj_decode_body reads them),
 * 0 after the last, CRDT_EBADENC / CRDT_ENOMEM (a non-kernel body is skipped by decoding it). */
int crdt_row_view_next(crdt_row_view *v, uint16_t *id, uint8_t *kind, const uint8_t **body,
                       size_t *blen);
/* The value of an LWW register body (lwwreg_read's winner): 0 with *out set, 1 when it holds
 * no entry (NULL), CRDT_EBADENC / CRDT_ENOMEM. */
int crdt_lww_body_read(const uint8_t *body, size_t blen, crdt_value *out);

/* ---- merge, gc, codec ---- */
int crdt_row_merge(crdt_row *dst, const crdt_row *src, crdt_merge_stats *stats);
int crdt_row_gc(crdt_row *r, const causal_vv *dot_floor);
/* The causal-context part of GC only: every context (the row's presence, each column's) is
 * raised over dot_floor, nothing is dropped. Sound for a replica's stored state with a floor
 * all of whose operations it has applied (causal_cc_fill); without it, a row updated n times
 * keeps n dots in its context (one per commit: commit dots are not contiguous). */
int crdt_row_fill(crdt_row *r, const causal_vv *dot_floor);
int crdt_row_encode(codec_buf *b, const crdt_row *r);
int crdt_row_decode(const uint8_t *p, size_t n, crdt_row *r); /* r initialised; replaced */
/* JSON: {"visible":..,"presence":{entries,cc},"columns":[{"id":..,"state":{...}}]} */
int crdt_row_describe(codec_buf *json, const crdt_row *r);
/* Visible value of column col as its SQL type prints (render.h). A column the row does not
 * hold renders as an empty object of `kind` (0 for counters, {} for sets, NULL for LWW).
 * CRDT_EINVAL if the row holds the column with another kind. */
int crdt_row_render(codec_buf *b, const crdt_row *r, uint16_t col, int kind, bool *is_null);

/* Storage/replication entry points over encodings. old may be NULL (no row yet). *out is
 * malloc'ed; stats may be NULL. */
int crdt_row_merge_bytes(const uint8_t *old, size_t oldlen, const uint8_t *delta, size_t dlen,
                         uint8_t **out, size_t *outlen, crdt_merge_stats *stats);
/* crdt_row_merge_bytes, then crdt_row_fill(dot_floor) on the result before it is encoded. */
int crdt_row_merge_fill_bytes(const uint8_t *old, size_t oldlen, const uint8_t *delta,
                              size_t dlen, const causal_vv *dot_floor, uint8_t **out,
                              size_t *outlen, crdt_merge_stats *stats);
int crdt_row_gc_bytes(const uint8_t *in, size_t inlen, const causal_vv *dot_floor, uint8_t **out,
                      size_t *outlen);
/* Whether an encoded row is visible (0/1), or a negative CRDT_E* code. */
int crdt_row_visible_bytes(const uint8_t *p, size_t n);

#endif
