/* Unit tests for proto/md5auth (stored form and salted answer) and proto/sqlstate (table sanity).
 * Vectors: the md5 exchange captured against PostgreSQL 15 in CLIENTS.md §4 (user u_md5, password
 * "pw", salt 33eb8eea) and pg_authid.rolpassword of a role u4 created with password 'pw' under
 * password_encryption=md5 in a throwaway PostgreSQL 15 cluster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "proto/md5auth.h"
#include "proto/sqlstate.h"

static void test_stored_matches_postgres(void **state)
{
    (void)state;
    char out[36];
    md5auth_stored("u4", "pw", out);
    assert_string_equal(out, "md5195a24b9cabc611704e10a2a49b4ad57");
    assert_int_equal(md5auth_valid(out), 1);
}

static void test_captured_exchange(void **state)
{
    (void)state;
    const uint8_t salt[4] = {0x33, 0xeb, 0x8e, 0xea};
    char stored[36], answer[36];
    md5auth_stored("u_md5", "pw", stored);
    md5auth_salted_hash(stored, salt, answer);
    assert_string_equal(answer, "md5d34c42de64a254ab37cb06c670db31ee");
    assert_int_equal(md5auth_check(stored, salt, "md5d34c42de64a254ab37cb06c670db31ee"), 1);
    /* another salt, another answer: a replayed answer fails */
    const uint8_t salt2[4] = {0x33, 0xeb, 0x8e, 0xeb};
    assert_int_equal(md5auth_check(stored, salt2, "md5d34c42de64a254ab37cb06c670db31ee"), 0);
    assert_int_equal(md5auth_check(stored, salt, "md5d34c42de64a254ab37cb06c670db31e"), 0);
    assert_int_equal(md5auth_check(stored, salt, ""), 0);
    assert_int_equal(md5auth_check(stored, salt, NULL), 0);
    /* the user name salts the stored form */
    char other[36];
    md5auth_stored("u_md6", "pw", other);
    assert_string_not_equal(other, stored);
}

static void test_invalid_stored(void **state)
{
    (void)state;
    const uint8_t salt[4] = {0};
    char out[36];
    const char *bad[] = {"",
                         "md5",
                         "md5195a24b9cabc611704e10a2a49b4ad5",
                         "md5195a24b9cabc611704e10a2a49b4ad577",
                         "md5195A24B9CABC611704E10A2A49B4AD57",
                         "sha195a24b9cabc611704e10a2a49b4ad57",
                         "md5195a24b9cabc611704e10a2a49b4adzz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(md5auth_valid(bad[i]), 0);
        md5auth_salted_hash(bad[i], salt, out);
        assert_string_equal(out, "");
        assert_int_equal(md5auth_check(bad[i], salt, "md5d34c42de64a254ab37cb06c670db31ee"), -1);
    }
    assert_int_equal(md5auth_valid(NULL), 0);
}

static void test_sqlstate_table(void **state)
{
    (void)state;
    assert_string_equal(sqlstate_name(SQLSTATE_SYNTAX_ERROR), "syntax_error");
    assert_string_equal(sqlstate_name("42P01"), "undefined_table");
    assert_string_equal(sqlstate_name("00000"), "successful_completion");
    assert_string_equal(sqlstate_name("0LP01"), "invalid_grant_operation");
    assert_string_equal(sqlstate_name("28P01"), "invalid_password");
    assert_string_equal(sqlstate_name(SQLSTATE_CANT_CHANGE_RUNTIME_PARAM), "cant_change_runtime_param");
    assert_string_equal(sqlstate_name("22009"), "invalid_time_zone_displacement_value");
    assert_null(sqlstate_name("99999"));
    assert_null(sqlstate_name("4260"));
    assert_null(sqlstate_name(NULL));
    assert_true(sqlstate_count() > 80);
    for (unsigned i = 0; i < sqlstate_count(); i++) {
        const char *c = sqlstate_code_at(i);
        assert_int_equal(sqlstate_valid(c), 1);
        assert_non_null(sqlstate_name(c)); /* the binary search finds every row: sorted, unique */
        if (i > 0) assert_true(strcmp(sqlstate_code_at(i - 1), c) < 0);
    }
    assert_null(sqlstate_code_at(sqlstate_count()));
    assert_int_equal(sqlstate_valid("42p01"), 0);
    assert_int_equal(sqlstate_valid("426011"), 0);
    /* every code the brief lists is present */
    const char *required[] = {
        "00000", "0A000", "22003", "22023", "22P02", "25P02", "28000", "28P01", "3D000", "42601",
        "42703", "42704", "42P01", "42P07", "42710", "53100", "53300", "54000", "57014", "57P01",
        "08P01", "08006", "XX000", "42883", "22012", "23502", "23505", "25001", "25P01", "55000",
        "0LP01", "42P02", "40001", "22007", "22008", "2201X", "22001", "42804", "42846", "42P18"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        assert_non_null(sqlstate_name(required[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_matches_postgres),
        cmocka_unit_test(test_captured_exchange),
        cmocka_unit_test(test_invalid_stored),
        cmocka_unit_test(test_sqlstate_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
