/*
 * server/sql/sqlregex.h — PostgreSQL's regular expressions (its "advanced" flavour, ARE) on
 * PCRE2: the ~ operators, substring(... FROM pattern), SIMILAR TO and the regexp_* functions.
 *
 * Why PCRE2 rather than POSIX regcomp: ARE has \d \s \w, non-greedy quantifiers, lookahead and
 * lookbehind, back-references and embedded options, which POSIX extended syntax lacks; and a
 * backtracking engine needs a bound: PCRE2's match limit ends a runaway match with an error
 * (54000) instead of occupying an executor thread. ARE's own escapes are rewritten into PCRE2's
 * (\m \M \y \Y \Z, [[:<:]] [[:>:]]) and its defaults kept: `.` and negated brackets match a
 * newline, `^`/`$` anchor at the ends of the string only (flag 'n' makes them newline-sensitive),
 * case-sensitive unless 'i', UTF-8 with Unicode classes. Known difference: ARE prefers the
 * longest match where its first quantified part is greedy (POSIX rules); PCRE2 takes the first
 * alternative that matches (`a|ab` on "abc" matches "a" here, "ab" in PostgreSQL).
 *
 * Compiled patterns are cached per thread (a query evaluates the same pattern on every row);
 * a handle stays valid until the next sqlregex_get on the same thread.
 */
#ifndef HELIOS_SERVER_SQL_SQLREGEX_H
#define HELIOS_SERVER_SQL_SQLREGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "server/sql/sqlerr.h"

enum {
    SQLREGEX_ICASE = 1,     /* i */
    SQLREGEX_NEWLINE = 2,   /* n (m): . and [^...] stop at newlines, ^ $ match at them */
    SQLREGEX_PARTIAL = 4,   /* p: the first half of n */
    SQLREGEX_WEIRD = 8,     /* w: the second half of n */
    SQLREGEX_EXPANDED = 16, /* x: white space and # comments ignored */
    SQLREGEX_LITERAL = 32,  /* q: the pattern is a literal string */
    SQLREGEX_GLOBAL = 64,   /* g: every match (regexp_replace, regexp_matches) */
};

typedef struct sqlregex sqlregex;

/* PostgreSQL's flags string (regexp_replace(..., 'gi')): *out SQLREGEX_* bits. An unknown
 * letter is 22023 "invalid regular expression option: "z""; 'g' where fname does not take it
 * (fname NULL: it does) is 22023 "<fname>() does not support the "global" option". */
int sqlregex_flags(const char *flags, size_t len, const char *fname, unsigned *out, sqlerr *err);

/* The compiled pattern (cached): NULL with 2201B "invalid regular expression: ..." */
const sqlregex *sqlregex_get(const char *pat, size_t len, unsigned flags, sqlerr *err);

/* Capture groups of the pattern (not counting the whole match). */
int sqlregex_groups(const sqlregex *re);

/* The first match in s[0, len) at or after byte start: 1 with so[i], eo[i] for i = 0 (the whole
 * match) .. groups (SIZE_MAX for a group that took no part; at most cap entries set), 0 no
 * match, SQL_ERR (54000 when the match needs more than the backtracking limit). */
int sqlregex_exec(const sqlregex *re, const char *s, size_t len, size_t start, size_t *so,
                  size_t *eo, int cap, sqlerr *err);

/* Whether re matches somewhere in s[0, len): 1, 0, SQL_ERR as sqlregex_exec. Without the
 * backtracking of sqlregex_exec where the pattern allows (the ~ operators, regexp_like), so a
 * pattern like ^(a+)+$ answers at once instead of reaching the backtracking limit. */
int sqlregex_test(const sqlregex *re, const char *s, size_t len, sqlerr *err);

/* SIMILAR TO's pattern as a regular expression (PostgreSQL's similar_to_escape): esc the
 * escape character ("\\" by default, NULL or "" none); *out malloc'd, NUL-terminated. 22025
 * for an escape of more than one character, 2201B for more than two escape-double-quotes. */
int sqlregex_similar(const char *pat, size_t len, const char *esc, size_t esclen, char **out,
                     size_t *outlen, sqlerr *err);

#endif
