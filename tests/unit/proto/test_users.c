/* Unit tests for proto/users: parsing the users file (comments, CRLF, optional md5 field, errors
 * with line numbers, duplicates) and formatting lines that parse back to the same entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto/md5auth.h"
#include "proto/scram.h"
#include "proto/users.h"

/* PostgreSQL 15's verifier for password "pencil" (see test_scram.c). */
#define V1                                                                                         \
    "SCRAM-SHA-256$4096:VExAOZTcMw0eXG4hnHWJOQ==$VPCgxaJ//T64bo+yVYBtRN6RPFtib9ZBExB/"             \
    "EkNyLTI=:JKgWlDUMx9LvTRqNr1srYH4cf/L1uUm/5s51V5UrmJ8="
#define M1 "md5195a24b9cabc611704e10a2a49b4ad57"

static int parse(const char *text, users_db **db, char *err, size_t errsz)
{
    return users_parse(text, strlen(text), db, err, errsz);
}

static void test_parse_good_file(void **state)
{
    (void)state;
    const char *text = "# HeliosDB users\n"
                       "\n"
                       "alice:" V1 "\n"
                       "   # indented comment\n"
                       "bob:" V1 ":" M1 "\r\n"
                       "carol:" M1 "\n"
                       "dave smith:" V1; /* no final newline, a space inside the name */
    users_db *db = NULL;
    char err[128];
    assert_int_equal(parse(text, &db, err, sizeof err), 0);
    assert_int_equal(users_count(db), 4);
    const users_entry *a = users_find(db, "alice"), *b = users_find(db, "bob"),
                      *c = users_find(db, "carol"), *d = users_find(db, "dave smith");
    assert_non_null(a);
    assert_string_equal(a->scram, V1);
    assert_null(a->md5);
    assert_string_equal(b->scram, V1);
    assert_string_equal(b->md5, M1);
    assert_null(c->scram);
    assert_string_equal(c->md5, M1);
    assert_string_equal(d->scram, V1);
    assert_null(users_find(db, "Alice")); /* case-sensitive like PostgreSQL roles */
    assert_null(users_find(db, "eve"));
    assert_ptr_equal(users_at(db, 0), a);
    assert_ptr_equal(users_at(db, 3), d);
    assert_null(users_at(db, 4));
    /* the verifier from the file works for authentication */
    assert_int_equal(scram_verify_plain(a->scram, "pencil"), 1);
    users_del_db(db);
}

static void test_empty_and_comment_only(void **state)
{
    (void)state;
    users_db *db = NULL;
    assert_int_equal(users_parse("", 0, &db, NULL, 0), 0);
    assert_int_equal(users_count(db), 0);
    assert_null(users_find(db, "x"));
    users_del_db(db);
    assert_int_equal(parse("# nobody\n\n\r\n", &db, NULL, 0), 0);
    assert_int_equal(users_count(db), 0);
    users_del_db(db);
    users_del_db(NULL);
    assert_null(users_find(NULL, "x"));
}

static void expect_error(const char *text, const char *want)
{
    users_db *db = (users_db *)1;
    char err[160];
    assert_int_equal(parse(text, &db, err, sizeof err), USERS_EPARSE);
    assert_null(db);
    if (!strstr(err, want)) fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    expect_error("alice:" V1 "\nbob\n", "line 2: expected name:verifier");
    expect_error("# c\n\nalice:" V1 "\nalice:" M1 "\n", "line 4: duplicate user \"alice\"");
    expect_error(":" V1 "\n", "line 1: invalid user name");
    expect_error("alice:SCRAM-SHA-256$4096:xx\n", "line 1: malformed SCRAM");
    expect_error("alice:" V1 ":md5zz\n", "line 1: expected md5");
    expect_error("alice:" V1 ":" M1 ":extra\n", "line 1: expected md5");
    expect_error("alice:plaintext\n", "line 1: expected a SCRAM-SHA-256 verifier or an md5 hash");
    expect_error("alice:\n", "line 1:");
    expect_error("a\x01"
                 "b:" M1 "\n",
                 "line 1: invalid user name");
    char longname[128];
    memset(longname, 'n', 64);
    snprintf(longname + 64, sizeof longname - 64, ":%s", M1);
    expect_error(longname, "line 1: invalid user name");
    /* an embedded NUL */
    users_db *db;
    char err[64];
    const char nul[] = "alice:" M1 "\nb\0b:" M1 "\n";
    assert_int_equal(users_parse(nul, sizeof nul - 1, &db, err, sizeof err), USERS_EPARSE);
    assert_string_equal(err, "line 2: NUL byte");
    /* a tiny error buffer is truncated, never overrun */
    char tiny[6];
    assert_int_equal(parse("bad\n", &db, tiny, sizeof tiny), USERS_EPARSE);
    assert_int_equal(strlen(tiny), 5);
}

static void test_format_line_roundtrip(void **state)
{
    (void)state;
    char v[SCRAM_VERIFIER_MAX], m[36], file[2048], line[512];
    assert_int_equal(scram_make_verifier("s3cret", NULL, 0, 4096, v, sizeof v), 0);
    md5auth_stored("mallory", "s3cret", m);
    size_t off = 0;
    int n = users_format_line("alice", v, NULL, line, sizeof line);
    assert_int_equal(n, (int)strlen(line));
    assert_int_equal(line[n - 1], '\n');
    off += (size_t)snprintf(file + off, sizeof file - off, "%s", line);
    n = users_format_line("mallory", v, m, line, sizeof line);
    assert_true(n > 0);
    off += (size_t)snprintf(file + off, sizeof file - off, "%s", line);
    n = users_format_line("md5only", NULL, m, line, sizeof line);
    assert_int_equal(n, 8 + 35 + 1);
    assert_memory_equal(line, "md5only:md5", 11);
    off += (size_t)snprintf(file + off, sizeof file - off, "%s", line);

    users_db *db;
    assert_int_equal(users_parse(file, off, &db, NULL, 0), 0);
    assert_int_equal(users_count(db), 3);
    assert_string_equal(users_find(db, "alice")->scram, v);
    assert_null(users_find(db, "alice")->md5);
    assert_string_equal(users_find(db, "mallory")->scram, v);
    assert_string_equal(users_find(db, "mallory")->md5, m);
    assert_null(users_find(db, "md5only")->scram);
    assert_string_equal(users_find(db, "md5only")->md5, m);
    users_del_db(db);

    /* refusals */
    assert_int_equal(users_format_line("a:b", v, NULL, line, sizeof line), -1);
    assert_int_equal(users_format_line("", v, NULL, line, sizeof line), -1);
    assert_int_equal(users_format_line("#x", v, NULL, line, sizeof line), -1);
    assert_int_equal(users_format_line("a", NULL, NULL, line, sizeof line), -1);
    assert_int_equal(users_format_line("a", "SCRAM-SHA-256$1:x", NULL, line, sizeof line), -1);
    assert_int_equal(users_format_line("a", NULL, "md5x", line, sizeof line), -1);
    assert_int_equal(users_format_line("alice", v, NULL, line, 20), -3);
    assert_int_equal(users_name_valid("bob"), 1);
    assert_int_equal(users_name_valid(" bob"), 0);
    assert_int_equal(users_name_valid(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good_file),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_format_line_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
