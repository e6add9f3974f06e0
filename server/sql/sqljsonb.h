/*
 * server/sql/sqljsonb.h — jsonb values as text: PostgreSQL's JSON grammar in, jsonb's canonical
 * text out, and the jsonb operators over that text.
 *
 * A jsonb sqlval holds canonical text (sqlval.h); this module is the one place that text is
 * produced. Canonical means what PostgreSQL 15's jsonb_out prints:
 *   - numbers are numeric: the text is numeric_out(numeric_in(token)) — '2.50' stays 2.50,
 *     '1e2' is 100, '1.50e1' is 15.0, '-0' is 0, integers of any size are exact;
 *   - object keys sorted as jsonb sorts them (shorter first, then bytewise), duplicate keys: the
 *     last one wins;
 *   - ", " between items, ": " after keys, strings escaped as escape_json does (\" \\ \b \f \n
 *     \r \t, other control characters \u00XX, everything else as UTF-8, "\u00e9" input decoded).
 * Input follows PostgreSQL's JSON lexer: no leading zeros, no '+', no bare '.5' or '1.', only
 * lower-case true/false/null, control characters must be escaped, \u0000 is refused (22P05:
 * jsonb cannot hold it), surrogate pairs are combined and lone surrogates refused.
 *
 * Errors: 22P02 "invalid input syntax for type json" with PostgreSQL's DETAIL ("Token "01" is
 * invalid.", "The input string ended unexpectedly." ...; PostgreSQL's CONTEXT line is not
 * reproduced), 22P05, 22003 "value overflows numeric format" (numbers beyond numeric's range),
 * 54001 when nesting is deeper than SQLJSONB_MAX_DEPTH, 53200 out of memory.
 *
 * Why not jansson: it turns every number into a double or an int64, which loses 2.50's text and
 * refuses 12345678901234567890123. Callers pass and receive canonical text; the one exception is
 * a read-only view of a parsed document (sqljsonb_node, below) for the jsonpath engine, which
 * walks a document many times per path and must not re-parse text at every step.
 */
#ifndef HELIOS_SERVER_SQL_SQLJSONB_H
#define HELIOS_SERVER_SQL_SQLJSONB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

#define SQLJSONB_MAX_DEPTH 9000 /* PostgreSQL 15 reads 8,192 levels and refuses 16,384 */

/* Canonical jsonb text of a JSON document (len bytes, need not be NUL-terminated); *out is
 * malloc'd and NUL-terminated, *outlen (may be NULL) excludes the NUL. */
int sqljsonb_normalize(const char *s, size_t len, char **out, size_t *outlen, sqlerr *err);

/* doc -> key and doc ->> key. key is an integer type (array index, negative counts from the end)
 * or text (object key); a key that does not apply gives SQL NULL. ->> gives text: a string's
 * value, SQL NULL for JSON null, canonical text for anything else; -> gives jsonb. */
int sqljsonb_get(const char *doc, const sqlval *key, bool as_text, sqlval *out, sqlerr *err);
/* a || b: two objects merge (b's keys win); otherwise the array concatenation, a non-array
 * operand counting as a one-element array. */
int sqljsonb_concat(const char *a, const char *b, char **out, sqlerr *err);
/* a - key: removes the key from an object, or every string element equal to key from an array;
 * 22023 "cannot delete from scalar". */
int sqljsonb_delete_key(const char *a, const char *key, char **out, sqlerr *err);
/* jsonb_set(a, path, value) with create_missing true: path is a text[] sqlval; a path through a
 * missing key or a scalar leaves a unchanged; on an array the last step replaces, appends
 * (index past the end) or prepends (index before the start). */
int sqljsonb_set(const char *a, const sqlval *path, const char *value, char **out, sqlerr *err);
/* a #- path: the key or element at the end of path removed (22023 "cannot delete path in
 * scalar"); jsonb_insert(a, path, value, after): value inserted before (after) the element
 * path names, or under a key the object lacks (22023 "cannot replace existing key"); a path
 * through something missing leaves a unchanged; 22P02 / 22004 for a bad path element. */
int sqljsonb_delete_path(const char *a, const sqlval *path, char **out, sqlerr *err);
int sqljsonb_insert(const char *a, const sqlval *path, const char *value, bool after, char **out,
                    sqlerr *err);

/* The members of a jsonb object, in jsonb key order, each value as canonical text (an LWW-Map
 * column stores one register per member). *out is NULL and *n 0 for an empty object. Returns 1
 * (nothing allocated) when doc is valid JSON but not an object. */
typedef struct sqljsonb_member {
    char *key;   /* owned, NUL-terminated */
    size_t keylen;
    char *value; /* owned canonical jsonb text */
    size_t valuelen;
} sqljsonb_member;
int sqljsonb_members(const char *doc, size_t len, sqljsonb_member **out, size_t *n, sqlerr *err);

/* a @> b, PostgreSQL's JsonbDeepContains: an object contains an object whose every member it
 * has with a contained value; an array contains an array whose every element is equal to (a
 * scalar) or contained in (a container) one of its elements, and, at the top, a scalar it holds
 * as an element; scalars contain equal scalars (numbers by value: 1.0 contains 1). */
int sqljsonb_contains(const char *a, const char *b, bool *out, sqlerr *err);
/* doc ? key: key is a top-level key of an object, a string element of an array, or the string
 * a scalar is. */
int sqljsonb_exists(const char *doc, const char *key, size_t keylen, bool *out, sqlerr *err);
void sqljsonb_members_free(sqljsonb_member *m, size_t n);
/* Appends code point cp (at most U+10FFFF, no surrogate) as UTF-8. */
struct codec_buf;
void sqljsonb_put_utf8(struct codec_buf *b, uint32_t cp);
/* The elements of a jsonb array (key NULL, value canonical text), the document parsed once
 * (jsonb_array_elements); 1 when doc is not an array. */
int sqljsonb_elements(const char *doc, size_t len, sqljsonb_member **out, size_t *n, sqlerr *err);
/* ->> of a canonical jsonb value on its own: a string's text, NULL for null, else the text. */
int sqljsonb_scalar_text(const char *value, sqlval *out, sqlerr *err);

/* ---- read-only document trees (sqljsonpath.c walks them) ----
 * A parsed document: arrays keep their element order, objects their members in jsonb key order
 * (shorter keys first, then bytewise; duplicates resolved), numbers their canonical numeric
 * text, strings their decoded UTF-8 bytes. Nodes are owned by the tree and live until
 * sqljsonb_tree_free of its root; nothing here modifies a tree. */
typedef struct sqljsonb_node sqljsonb_node;
enum {
    SQLJSONB_NULL,
    SQLJSONB_TRUE,
    SQLJSONB_FALSE,
    SQLJSONB_NUMBER,
    SQLJSONB_STRING,
    SQLJSONB_ARRAY,
    SQLJSONB_OBJECT,
};
/* Parses a JSON document (as sqljsonb_normalize, same errors) into *out (free with
 * sqljsonb_tree_free; *out is NULL on error). */
int sqljsonb_tree_parse(const char *s, size_t len, sqljsonb_node **out, sqlerr *err);
void sqljsonb_tree_free(sqljsonb_node *root); /* root from sqljsonb_tree_parse, or NULL */
int sqljsonb_node_kind(const sqljsonb_node *n); /* SQLJSONB_* */
/* Elements of an array, members of an object (0 for scalars); child i (NULL past the end) is
 * the element, or the member's value, whose key sqljsonb_node_key gives. */
size_t sqljsonb_node_count(const sqljsonb_node *n);
const sqljsonb_node *sqljsonb_node_child(const sqljsonb_node *n, size_t i);
const char *sqljsonb_node_key(const sqljsonb_node *member, size_t *len); /* "" if none */
/* A string's bytes (not NUL-terminated in general) or a number's canonical text; NULL for
 * other kinds. */
const char *sqljsonb_node_scalar(const sqljsonb_node *n, size_t *len);
/* The value of obj's member named key (binary search), or NULL (also when obj is no object). */
const sqljsonb_node *sqljsonb_node_find(const sqljsonb_node *obj, const char *key, size_t len);
/* Canonical jsonb text of the subtree n: *out malloc'd, NUL-terminated. */
int sqljsonb_node_text(const sqljsonb_node *n, char **out, size_t *outlen, sqlerr *err);
/* s[0, n) as a JSON string literal the way jsonb_out escapes it (quotes included). */
int sqljsonb_quote(const char *s, size_t n, char **out, size_t *outlen, sqlerr *err);

#endif
