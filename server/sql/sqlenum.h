/*
 * server/sql/sqlenum.h — enum types (CREATE TYPE ... AS ENUM): their catalog entries and the
 * process-wide registry that orders their values.
 *
 * An enum type and each of its labels are catalog entries of the role / privilege store
 * (sqlrole.h's key-value entries, replicated like DDL), one key per fact so that two regions
 * adding labels to one type at once both keep theirs:
 *
 *   "etype." + name             'E', u64 generation, u8 live (0: dropped), u32 oid, u32 owner
 *   "etype." + 0x1e + u32 nsp + name   the same for a type in another schema than public (its
 *                               oid, so ALTER SCHEMA ... RENAME leaves the key as it is)
 *   "elabel." + u32 oid + label 'L', u64 generation, u8 present, u64 sort order (an IEEE
 *                               double's bits, big-endian)
 *
 * Merge: each key is a last-writer-wins register ordered by generation; at equal generations
 * a drop beats a create (sqlrole_order). Labels are only ever added: ADD VALUE gives a new
 * label the midpoint of its neighbours' sort orders (or one past the last), so a label's
 * position never changes once given, and two regions that add labels to one gap concurrently
 * both keep theirs, ordered by sort order then label.
 *
 * Values: a column of an enum type is an LWW register holding the label's text; an enum value
 * in the engine is a SQLVAL_ENUM sqlval (sqlval.h): the label in s, the type's oid in u.i (0:
 * a label not yet tied to a type, as a literal compared with an enum column). Values compare
 * by their labels' sort orders, which the registry below holds for every type the process has
 * seen (committed ones, loaded with the catalog, and ones a transaction created or extended,
 * registered as it does so). The registry only grows (labels are never removed from a type),
 * so a value's order never changes under a running statement. It is guarded by a mutex.
 *
 * Decoders are strict and bounded (fuzzed by tests/fuzz/fuzz_catalog.c).
 */
#ifndef HELIOS_SERVER_SQL_SQLENUM_H
#define HELIOS_SERVER_SQL_SQLENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "server/sql/sqlerr.h"

#define SQLENUM_LABEL_MAX 63   /* NAMEDATALEN - 1, as PostgreSQL */
#define SQLENUM_MAX_LABELS 4096 /* per type */
#define SQLENUM_MAX_TYPES 4096  /* in the registry */
#define SQLENUM_KEY_MAX 80

/* ---- catalog entries ---- */
size_t sqlenum_type_key(uint8_t *out, const char *name);
/* The key of type name in schema nsp (public: sqlenum_type_key's) */
size_t sqlenum_type_key_nsp(uint8_t *out, uint32_t nsp, const char *name);
/* The schema and name of an "etype." key (name: SQLENUM_LABEL_MAX + 1 bytes); 0 or -1 */
int sqlenum_type_key_parse(const uint8_t *k, size_t kl, uint32_t *nsp, char *name);
size_t sqlenum_label_key(uint8_t *out, uint32_t type_oid, const char *label);
/* 'E' / 'L' for a key of these kinds, 0 otherwise */
int sqlenum_key_kind(const uint8_t *k, size_t kl);
/* The type oid and label of an "elabel." key (label: SQLENUM_LABEL_MAX + 1 bytes) */
int sqlenum_label_key_parse(const uint8_t *k, size_t kl, uint32_t *type_oid, char *label);
int sqlenum_type_encode(codec_buf *b, uint64_t gen, bool live, uint32_t oid, uint32_t owner);
int sqlenum_type_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *live, uint32_t *oid,
                        uint32_t *owner);
int sqlenum_label_encode(codec_buf *b, uint64_t gen, bool present, double sort);
int sqlenum_label_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *present, double *sort);

/* ---- the registry ---- */
/* Records (or confirms) label of type oid at sort order sort; the type's name for messages.
 * Returns 0, -1 when the registry is full or out of memory. */
int sqlenum_register(uint32_t oid, const char *type_name, const char *label, double sort);
/* The sort order of label in type oid: 1 found, 0 not a label of it (or an unknown type). */
int sqlenum_sort(uint32_t oid, const char *label, double *sort);
/* The type's name as last registered ("" when unknown); buf of 64 bytes. */
const char *sqlenum_type_name(uint32_t oid, char *buf);
/* The type's name, valid for the life of the process (a type's name never changes), or
 * NULL when the registry does not know the oid. */
const char *sqlenum_name_of(uint32_t oid);
/* 22P02 invalid input value for enum <type>: "<label>" unless label is one of type oid's */
int sqlenum_check(uint32_t oid, const char *label, sqlerr *err);
/* Orders two labels of one type (oid): by sort order, then by label; *cmp -1/0/1. An unknown
 * label gives 22P02 as sqlenum_check. */
int sqlenum_compare(uint32_t oid, const char *a, const char *b, int *cmp, sqlerr *err);

#endif
