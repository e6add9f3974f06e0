/*
 * server/nametab.h — a name -> entry index (chained hash table, intrusive entries), for a
 * connection's prepared statements and portals.
 *
 * A client can create any number of named statements; looking them up in a list made each
 * Parse O(n) and 100,000 statements took minutes. Entries embed nametab_entry as their first
 * member and own their name; the table owns nothing but its bucket array. Lookups, inserts and
 * removals are O(1) on average; the table doubles as it fills. Not thread-safe (one loop).
 */
#ifndef HELIOS_SERVER_NAMETAB_H
#define HELIOS_SERVER_NAMETAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct nametab_entry {
    char *name;                  /* public: set by the caller before nametab_add */
    uint64_t hash;               /* private */
    struct nametab_entry *hnext; /* private */
} nametab_entry;

typedef struct nametab {
    nametab_entry **buckets; /* private */
    size_t cap;              /* private */
    size_t n;                /* read-only: entries held */
} nametab;

/* An empty table is all zeros (no allocation until the first add). */
nametab_entry *nametab_find(const nametab *t, const char *name);
/* Adds e (its name must not be in t). 0, or -1 when the buckets cannot grow (t unchanged). */
int nametab_add(nametab *t, nametab_entry *e);
/* Removes e, which must be in t. */
void nametab_remove(nametab *t, nametab_entry *e);
/* Some entry of t, or NULL when empty (to drain a table). */
nametab_entry *nametab_first(const nametab *t);
/* Calls fn on every entry; fn may remove that entry (not others). */
void nametab_each(nametab *t, void (*fn)(nametab_entry *e, void *arg), void *arg);
/* Frees the buckets (the entries are the caller's: drain first). */
void nametab_free(nametab *t);

#endif
