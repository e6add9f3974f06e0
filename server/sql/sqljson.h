/*
 * server/sql/sqljson.h — the json type (as opposed to jsonb): its text kept exactly as written
 * (whitespace, key order, duplicate keys), validated on input by the jsonb parser.
 *
 * PostgreSQL's json operators and functions return the original text of the part they reach:
 * '{"a": [1,  2]}'::json -> 'a' is [1,  2], and among duplicate keys the last one counts. This
 * file walks the text without building a tree: a value's extent is found by scanning it
 * (strings with their escapes, nested brackets), which is linear in the text and iterative
 * (no recursion, whatever the depth). Input is always valid JSON (the type checks it), but the
 * walk is bounded anyway and reports malformed text as 22P02.
 */
#ifndef HELIOS_SERVER_SQL_SQLJSON_H
#define HELIOS_SERVER_SQL_SQLJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "server/sql/sqlerr.h"
#include "server/sql/sqlval.h"

/* json -> key / index (key text or integer), json ->> (as_text): *out json (or text), SQL NULL
 * when the key, the index or the kind of container does not match. */
int sqljson_get(const char *doc, size_t len, const sqlval *key, bool as_text, sqlval *out, sqlerr *err);
/* json #> path / #>> path (path a text[]), json_extract_path[_text]. */
int sqljson_path(const char *doc, size_t len, const sqlval *path, bool as_text, sqlval *out, sqlerr *err);
/* json_typeof: "object", "array", "string", "number", "boolean", "null". */
const char *sqljson_typeof(const char *doc, size_t len);
/* json_array_length: the count, or -1 when doc is not an array. */
long sqljson_array_length(const char *doc, size_t len);

struct sqljsonb_member;
/* The members of an object (keys decoded, values as written) or, with `array`, the elements of
 * an array (keys NULL), in order and with duplicate keys kept, as json_each, json_object_keys
 * and json_array_elements give them. 0, 1 when doc is not an object (an array) and nothing was
 * allocated, or SQL_ERR. Free with sqljsonb_members_free. */
int sqljson_items(const char *doc, size_t len, bool array, struct sqljsonb_member **out,
                  size_t *n, sqlerr *err);
/* A value as ->> gives it: a string's text, null as SQL NULL, anything else as written. */
int sqljson_value_text(const char *v, size_t len, sqlval *out, sqlerr *err);

#endif
