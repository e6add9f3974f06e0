/*
 * server/sql/sqljsonpath.h — PostgreSQL 15's SQL/JSON path language: the jsonpath type's input
 * and output, and the engine behind jsonb_path_query / _query_array / _query_first / _exists /
 * _match and the operators @? and @@.
 *
 * A path is parsed once (sqljsonpath_parse: jsonpath_in, with PostgreSQL's lexer and grammar
 * and its error texts) into a small tree that sqljsonpath_text prints back the way jsonpath_out
 * does ('$.a.b' prints $."a"."b", 'lax $' prints $, '$ + 1' prints ($ + 1)). Evaluation follows
 * jsonpath_exec.c step by step: lax mode unwraps arrays and ignores structural errors, strict
 * mode reports them; filters use three-valued logic (a comparison of mismatched types is
 * unknown); `silent` turns the evaluation errors PostgreSQL's RETURN_ERROR covers into "no
 * result" (items found before the error are kept, as PostgreSQL keeps them), but never syntax
 * errors, a missing variable, a non-object vars, or resource limits.
 *
 * Documents and vars are canonical jsonb text (sqljsonb.h) and results come back as canonical
 * jsonb text. Numbers are exact decimals: arithmetic is numeric's (sqlnum.h), so $.a + 1 of
 * 2.50 is 3.50 and 2.50 / 3 is 0.83333333333333333333. .keyvalue() ids are PostgreSQL's: the
 * byte offset of the object inside the jsonb binary image of its base document, plus 10^10
 * times the base's number (0 the document, 1 vars, then generated objects).
 *
 * Not supported: .datetime() evaluates to 0A000 "jsonpath item method .datetime() is not
 * supported" when applied to a string (it parses and prints); like_regex runs on sqlregex.h
 * (PCRE2), which matches PostgreSQL's ARE engine except for the differences that header lists.
 *
 * Limits: a path nests at most as deep as PostgreSQL's parser stack allows (42601 "memory
 * exhausted at or near ..."); evaluation is guarded by sqlerr_stack_check (54001); one
 * evaluation appends at most SQLJSONPATH_MAX_ITEMS values to its lists and takes at most
 * SQLJSONPATH_MAX_STEPS steps (54000), which only a path built to explode ($[0,0,0][0,0,0]...)
 * reaches.
 *
 * Errors: SQL_ERR with sqlerr filled (SQLSTATE and PostgreSQL's message); 53200 out of memory.
 * Every function is re-entrant; a parsed path is immutable and may be shared between threads.
 */
#ifndef HELIOS_SERVER_SQL_SQLJSONPATH_H
#define HELIOS_SERVER_SQL_SQLJSONPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "server/sql/sqlerr.h"

#define SQLJSONPATH_TYPE_OID 4072       /* pg_type.oid of jsonpath (array type 4073) */
#define SQLJSONPATH_MAX_ITEMS 10000000  /* values one evaluation may collect */
#define SQLJSONPATH_MAX_STEPS 100000000 /* path items one evaluation may execute */

typedef struct sqljsonpath sqljsonpath;

/* jsonpath_in: text[0, len) (need not be NUL-terminated) parsed into *out (free with
 * sqljsonpath_free; NULL on error). Errors: 42601 "syntax error at or near "x" of jsonpath
 * input" / "... at end of jsonpath input" and the lexer's messages in the same shape
 * ("trailing junk after numeric literal", "unexpected end of quoted string", ...), 42601 "@ is
 * not allowed in root expressions", "LAST is allowed only in array subscripts", an unknown
 * like_regex flag (42601 with DETAIL), 2201B an invalid regular expression, 0A000 the "x" flag,
 * 22P02 an empty path ("invalid input syntax for type jsonpath: """) or a bad \u escape, 22P05
 * \u0000, 22003 a numeric literal or .** level out of range. */
int sqljsonpath_parse(const char *text, size_t len, sqljsonpath **out, sqlerr *err);

/* jsonpath_out: the canonical text of p; *out malloc'd, NUL-terminated, *outlen (may be NULL)
 * excludes the NUL. Only 53200 can fail. */
int sqljsonpath_text(const sqljsonpath *p, char **out, size_t *outlen, sqlerr *err);

void sqljsonpath_free(sqljsonpath *p); /* NULL is a no-op */

/* Whether the path is strict (false: lax, the default). */
bool sqljsonpath_is_strict(const sqljsonpath *p);

/* Every item p yields on doc (canonical jsonb text, doclen bytes): *items is a malloc'd array of
 * *nitems malloc'd NUL-terminated canonical jsonb texts (NULL and 0 when there are none; free
 * with sqljsonpath_items_free). vars is the canonical text of the vars object (varslen bytes);
 * pass NULL for "no vars argument", which is what the operators @? and @@ do — a $variable is
 * then JSON null, as in PostgreSQL. The SQL functions always pass vars ('{}' by default), which
 * also moves the ids .keyvalue() gives generated objects (PostgreSQL numbers them from 2 then).
 * silent: evaluation errors end the evaluation quietly and the items found so far are returned
 * (jsonb_path_query's silent => true). Errors: 22023 "vars" argument is not an object (with
 * DETAIL), 42704 could not find jsonpath variable "x", the evaluation errors (2203A member not
 * found, 22039 array not found, 2203C object not found, 22033 subscript, 22036 non-numeric item,
 * 22038 singleton required, 2203B number not found, 22012 division by zero, 22003, 22031,
 * 0A000 .datetime()), 54000 / 54001 limits, and the document's own parse errors. */
int sqljsonpath_query(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                      size_t varslen, bool silent, char ***items, size_t *nitems, sqlerr *err);
void sqljsonpath_items_free(char **items, size_t nitems);

/* jsonb_path_exists (and @? with vars NULL, silent true): *result 1 when p yields at least one
 * item, 0 when none, -1 (SQL NULL) when evaluation failed and silent is set. Without silent the
 * evaluation errors are returned as SQL_ERR. Lax paths stop at the first item, so errors later
 * in the document are not seen (as PostgreSQL); strict paths are evaluated in full. */
int sqljsonpath_exists(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                       size_t varslen, bool silent, int *result, sqlerr *err);

/* jsonb_path_match (and @@ with vars NULL, silent true): the path must yield exactly one item,
 * a boolean (*result 1 or 0) or null (*result -1); anything else is 22038 "single boolean
 * result is expected", or *result -1 when silent. Evaluation errors as sqljsonpath_query. */
int sqljsonpath_match(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                      size_t varslen, bool silent, int *result, sqlerr *err);

#endif
