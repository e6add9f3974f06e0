/*
 * replication/replbuf.h — the inbox's causal buffer: remote log entries that arrived before
 * their dependencies.
 *
 * Storage applies an entry (origin o, seq s) only when s == applied[o] + 1 and every other
 * origin's dependency is applied (it refuses the rest with STORAGE_EDEPS). Such an entry is
 * parked here, with a private copy of its bytes, until replbuf_next_ready() finds it
 * applicable against the caller's applied vv. The buffer is bounded (entries and bytes): when
 * full, a new entry is refused (REPLBUF_EFULL) and simply not acknowledged, so its sender
 * retransmits it later — a bound never loses data. An entry already buffered (same origin and
 * seq) is not stored twice.
 *
 * Not thread-safe (the loop thread owns it). Lookups are linear: the bound keeps them cheap.
 *
 * Errors: 0 or REPLBUF_ENOMEM / REPLBUF_EFULL.
 */
#ifndef HELIOS_REPLICATION_REPLBUF_H
#define HELIOS_REPLICATION_REPLBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/causal.h"

#define REPLBUF_ENOMEM -1
#define REPLBUF_EFULL -2

typedef struct replbuf_entry {
    uint16_t origin;
    uint64_t seq;
    causal_hlc hlc;
    bool has_catalog;
    causal_vv deps; /* owned */
    uint8_t *bytes; /* owned copy of the log entry */
    size_t len;
} replbuf_entry;

typedef struct replbuf {
    replbuf_entry *v; /* read-only */
    size_t n;         /* read-only: entries held */
    size_t cap;       /* private */
    size_t bytes;     /* read-only: sum of entry lengths held */
    size_t max_entries, max_bytes; /* public: the bounds */
    uint64_t refused; /* read-only: entries refused because the buffer was full */
} replbuf;

void replbuf_init(replbuf *b, size_t max_entries, size_t max_bytes);
void replbuf_free(replbuf *b);
void replbuf_entry_free(replbuf_entry *e);

/* Copies the entry in. Returns 1 if it was already buffered (nothing done), 0 if added,
 * REPLBUF_EFULL or REPLBUF_ENOMEM. */
int replbuf_add(replbuf *b, uint16_t origin, uint64_t seq, causal_hlc hlc, bool has_catalog,
                const causal_vv *deps, const uint8_t *bytes, size_t len);

/* Drops every entry the applied vv already covers (seq <= applied[origin]). */
void replbuf_prune(replbuf *b, const causal_vv *applied);

/* Index of an entry applicable now (seq == applied[origin] + 1 and every other origin's dep
 * covered), or -1. */
long replbuf_next_ready(const replbuf *b, const causal_vv *applied);

/* Removes entry i and moves it to *out (the caller frees it with replbuf_entry_free). */
void replbuf_take(replbuf *b, size_t i, replbuf_entry *out);

#endif
