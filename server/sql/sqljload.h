/*
 * server/sql/sqljload.h — libpg_query's JSON parse trees read into jansson values without a
 * nesting limit of their own.
 *
 * jansson's json_loads refuses documents nested deeper than JSON_PARSER_MAX_DEPTH (2048 in
 * Debian's build), and each operator of a chain (1 + 1 + ... or 'a' || 'a' || ...) nests the
 * tree two levels: a statement PostgreSQL parses (some 4,000 terms) failed here at about
 * 1,000. This reader is iterative (an explicit stack on the heap), so it accepts any depth; the
 * statement's depth is bounded before parsing (sqlparse.c check_depth), which keeps the
 * recursive walks that follow (the conversion, json_decref) within the stack.
 *
 * The input is trusted to be JSON (libpg_query writes it), but the reader is strict and
 * bounded anyway (fuzzed by tests/fuzz/fuzz_sql.c through the parser): strings with every JSON
 * escape (\uXXXX surrogate pairs to UTF-8), integers (json_integer, or json_real when they do
 * not fit), reals, true, false, null; objects keep the last of duplicate keys.
 */
#ifndef HELIOS_SERVER_SQL_SQLJLOAD_H
#define HELIOS_SERVER_SQL_SQLJLOAD_H

#include <jansson.h>
#include <stddef.h>

/* The value of text[0..len), or NULL: *oom set when memory ran out, else malformed. */
json_t *sqljload(const char *text, size_t len, int *oom);

#endif
