/* tests/unit/sql/test_sqlregex.c — PostgreSQL's regular expressions on PCRE2
 * (server/sql/sqlregex.h): the flags string and its errors, ARE's escapes rewritten (\m \M \y
 * \Y \Z, [[:<:]] [[:>:]]), ARE's defaults (. matches a newline, $ only at the end; 'n' makes
 * both newline-sensitive), capture offsets in bytes with unset groups, UTF-8 classes, the
 * per-thread cache, the backtracking limit (54000) and the matcher that needs none, and
 * SIMILAR TO's translation with PostgreSQL's errors. The SQL functions built on it are compared
 * with PostgreSQL 15 by tests/diff/regex.sql. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/sql/sqlregex.h"

static int match(const char *pat, unsigned flags, const char *s, size_t *so, size_t *eo)
{
    sqlerr err;
    const sqlregex *re = sqlregex_get(pat, strlen(pat), flags, &err);
    if (!re) fail_msg("%s: %s", pat, err.message);
    size_t a[4], b[4];
    int r = sqlregex_exec(re, s, strlen(s), 0, so ? so : a, eo ? eo : b, 4, &err);
    assert_true(r >= 0);
    return r;
}

static void test_flags(void **state)
{
    (void)state;
    unsigned f;
    sqlerr err;
    assert_int_equal(sqlregex_flags("gi", 2, NULL, &f, &err), SQL_OK);
    assert_int_equal(f, SQLREGEX_GLOBAL | SQLREGEX_ICASE);
    assert_int_equal(sqlregex_flags("ic", 2, NULL, &f, &err), SQL_OK); /* later wins */
    assert_int_equal(f, 0u);
    assert_int_equal(sqlregex_flags("g", 1, "regexp_match", &f, &err), SQL_ERR);
    assert_string_equal(err.code, "22023");
    assert_string_equal(err.message, "regexp_match() does not support the \"global\" option");
    assert_int_equal(sqlregex_flags("iz", 2, NULL, &f, &err), SQL_ERR);
    assert_string_equal(err.message, "invalid regular expression option: \"z\"");
    assert_int_equal(sqlregex_flags("n", 1, NULL, &f, &err), SQL_OK);
    assert_int_equal(f, SQLREGEX_NEWLINE);
}

static void test_are(void **state)
{
    (void)state;
    size_t so[4], eo[4];
    assert_int_equal(match("\\mbar\\M", 0, "foo bar baz", so, eo), 1);
    assert_int_equal(so[0], 4);
    assert_int_equal(eo[0], 7);
    assert_int_equal(match("\\mar", 0, "foo bar", NULL, NULL), 0); /* not at a word start */
    assert_int_equal(match("[[:<:]]ba[[:>:]]", 0, "a ba b", NULL, NULL), 1);
    assert_int_equal(match("o\\y", 0, "foo bar", NULL, NULL), 1);
    assert_int_equal(match("a\\Z", 0, "a\n", NULL, NULL), 0); /* \Z: the very end */
    assert_int_equal(match("^\\d{4}$", 0, "2024", NULL, NULL), 1);
    assert_int_equal(match("a.b", 0, "a\nb", NULL, NULL), 1);    /* . takes a newline */
    assert_int_equal(match("a$", 0, "a\n", NULL, NULL), 0);      /* $ only at the end */
    assert_int_equal(match("a.b", SQLREGEX_NEWLINE, "a\nb", NULL, NULL), 0);
    assert_int_equal(match("^b", SQLREGEX_NEWLINE, "a\nb", NULL, NULL), 1);
    assert_int_equal(match("ABC", SQLREGEX_ICASE, "xabcx", NULL, NULL), 1);
    assert_int_equal(match("a+b", SQLREGEX_LITERAL, "xa+bx", NULL, NULL), 1);
    assert_int_equal(match("[]a]", 0, "]", NULL, NULL), 1);      /* ] first is literal */
    assert_int_equal(match("[[:digit:]]x", 0, "5x", NULL, NULL), 1);
}

static void test_groups_utf8(void **state)
{
    (void)state;
    size_t so[4], eo[4];
    assert_int_equal(match("(x)?(é+)", 0, "caféé!", so, eo), 1);
    assert_int_equal(so[1], SIZE_MAX); /* (x)? took no part */
    assert_int_equal(so[2], 3);        /* bytes: "caf" */
    assert_int_equal(eo[2], 7);        /* two 2-byte é */
    assert_int_equal(match("^\\w+$", 0, "héllo", NULL, NULL), 1); /* Unicode word characters */
    sqlerr err;
    const sqlregex *re = sqlregex_get("(a)(b)(c)", 9, 0, &err);
    assert_non_null(re);
    assert_int_equal(sqlregex_groups(re), 3);
    assert_ptr_equal(sqlregex_get("(a)(b)(c)", 9, 0, &err), re); /* cached */
    assert_ptr_not_equal(sqlregex_get("(a)(b)(c)", 9, SQLREGEX_ICASE, &err), re);
    /* a search from an offset */
    re = sqlregex_get("b", 1, 0, &err);
    assert_int_equal(sqlregex_exec(re, "abab", 4, 2, so, eo, 1, &err), 1);
    assert_int_equal(so[0], 3);
}

static void test_errors_and_limits(void **state)
{
    (void)state;
    sqlerr err;
    assert_null(sqlregex_get("(a", 2, 0, &err));
    assert_string_equal(err.code, "2201B");
    assert_string_equal(err.message, "invalid regular expression: parentheses () not balanced");
    assert_null(sqlregex_get("[a-", 3, 0, &err));
    assert_string_equal(err.message, "invalid regular expression: brackets [] not balanced");
    /* exponential backtracking: the backtracking matcher stops at its limit, the test needs none */
    char s[64];
    memset(s, 'a', 40);
    s[40] = 'b';
    s[41] = 0;
    const sqlregex *re = sqlregex_get("^(a+)+$", 7, 0, &err);
    assert_non_null(re);
    size_t so[2], eo[2];
    assert_int_equal(sqlregex_exec(re, s, 41, 0, so, eo, 2, &err), SQL_ERR);
    assert_string_equal(err.code, "54000");
    assert_int_equal(sqlregex_test(re, s, 41, &err), 0);
    assert_int_equal(sqlregex_test(re, s, 40, &err), 1);
    /* back-references: the test falls back to the backtracking matcher */
    re = sqlregex_get("(ab)\\1", 6, 0, &err);
    assert_int_equal(sqlregex_test(re, "xabab", 5, &err), 1);
    assert_int_equal(sqlregex_test(re, "xabac", 5, &err), 0);
}

static void test_similar(void **state)
{
    (void)state;
    char *out;
    size_t n;
    sqlerr err;
    assert_int_equal(sqlregex_similar("a%b_c.(x|y)", 11, NULL, 0, &out, &n, &err), SQL_OK);
    assert_string_equal(out, "^(?:a.*b.c\\.(?:x|y))$");
    free(out);
    assert_int_equal(sqlregex_similar("a#%b", 4, "#", 1, &out, &n, &err), SQL_OK);
    assert_string_equal(out, "^(?:a\\%b)$");
    free(out);
    assert_int_equal(sqlregex_similar("%#\"o_b#\"%", 9, "#", 1, &out, &n, &err), SQL_OK);
    assert_string_equal(out, "^(?:.*){1,1}?(o.b){1,1}(?:.*)$");
    free(out);
    assert_int_equal(sqlregex_similar("[]%]", 4, NULL, 0, &out, &n, &err), SQL_OK);
    assert_string_equal(out, "^(?:[]%])$"); /* inside brackets % stays */
    free(out);
    assert_int_equal(sqlregex_similar("a\\b", 3, "", 0, &out, &n, &err), SQL_OK);
    assert_string_equal(out, "^(?:a\\\\b)$"); /* no escape: a backslash is literal */
    free(out);
    assert_int_equal(sqlregex_similar("x", 1, "ab", 2, &out, &n, &err), SQL_ERR);
    assert_string_equal(err.code, "22025");
    assert_int_equal(sqlregex_similar("#\"a#\"b#\"c", 10, "#", 1, &out, &n, &err), SQL_ERR);
    assert_string_equal(err.code, "2201B");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_are),
        cmocka_unit_test(test_groups_utf8),
        cmocka_unit_test(test_errors_and_limits),
        cmocka_unit_test(test_similar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
