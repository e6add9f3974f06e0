/* tests/unit/sql/test_sqllock.c — the lock table (server/sql/sqllock.h): table locks grant and
 * refuse by PostgreSQL 15's conflict table (its documentation's "Conflicting Lock Modes", copied
 * below as a grid), an owner never conflicts with itself, locks are per table, a release frees
 * every lock of its owner and grants what it blocked; row locks and table locks live side by
 * side. The executor's part (waits, deadlocks, the statements' modes) is
 * tests/integration/test_sql_table_locks.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/sql/sqllock.h"

/* PostgreSQL 15 docs, Table 13.2: row = requested mode, column = held mode, 'X' = conflict.
 * Order: ACCESS SHARE, ROW SHARE, ROW EXCL., SHARE UPDATE EXCL., SHARE, SHARE ROW EXCL.,
 * EXCL., ACCESS EXCL. */
static const char *const grid[8] = {
    ".......X",
    "......XX",
    "....XXXX",
    "...XXXXX",
    "..XX.XXX",
    "..XXXXXX",
    ".XXXXXXX",
    "XXXXXXXX",
};

static void test_conflict_table(void **state)
{
    (void)state;
    for (int want = 1; want <= 8; want++)
        for (int held = 1; held <= 8; held++) {
            sqllock *l = sqllock_new();
            sqllock_owner *a = sqllock_owner_new(NULL), *b = sqllock_owner_new(NULL);
            sqllock_owner *h = NULL;
            assert_int_equal(sqllock_table_acquire(l, a, 7, held, &h), 0);
            int rc = sqllock_table_acquire(l, b, 7, want, &h);
            bool conflict = grid[want - 1][held - 1] == 'X';
            assert_int_equal(rc, conflict ? 1 : 0);
            if (conflict) assert_ptr_equal(h, a);
            assert_int_equal((sqllock_conflicts(want) >> held) & 1, conflict);
            /* a different table never conflicts */
            assert_int_equal(sqllock_table_acquire(l, b, 8, want, &h), 0);
            sqllock_release(l, a);
            sqllock_release(l, b);
            sqllock_del(l);
        }
}

static void test_own_modes(void **state)
{
    (void)state;
    sqllock *l = sqllock_new();
    sqllock_owner *a = sqllock_owner_new(NULL), *b = sqllock_owner_new(NULL);
    sqllock_owner *h = NULL;
    /* one owner takes every mode of a table: none conflicts with its own */
    for (int m = 1; m <= 8; m++) assert_int_equal(sqllock_table_acquire(l, a, 3, m, &h), 0);
    assert_int_equal(sqllock_owner_table_modes(a, 3), 0x1feu);
    assert_int_equal(sqllock_table_modes(l, 3, NULL), 0x1feu);
    assert_int_equal(sqllock_table_modes(l, 3, a), 0u);
    assert_int_equal(sqllock_table_acquire(l, b, 3, SQLLOCK_ACCESS_SHARE, &h), 1);
    /* a second acquire of a held mode changes nothing */
    assert_int_equal(sqllock_table_acquire(l, a, 3, SQLLOCK_SHARE, &h), 0);
    assert_int_equal(sqllock_owner_table_modes(a, 3), 0x1feu);
    assert_int_equal(sqllock_table_acquire(l, a, 3, 0, &h), -1); /* no mode 0 or 9 */
    assert_int_equal(sqllock_table_acquire(l, a, 3, 9, &h), -1);
    sqllock_release(l, a);
    /* the release granted what it blocked */
    assert_int_equal(sqllock_table_acquire(l, b, 3, SQLLOCK_ACCESS_EXCLUSIVE, &h), 0);
    assert_int_equal(sqllock_table_modes(l, 3, NULL), 1u << SQLLOCK_ACCESS_EXCLUSIVE);
    sqllock_release(l, b);
    assert_int_equal(sqllock_table_modes(l, 3, NULL), 0u);
    sqllock_del(l);
}

typedef struct seen {
    int n;
    unsigned modes;
} seen;

static void count(void *ctx, const sqllock_owner *o, uint32_t table, unsigned modes)
{
    (void)o;
    seen *s = ctx;
    s->n++;
    if (table == 100) s->modes |= modes;
}

static void test_many_and_rows(void **state)
{
    (void)state;
    sqllock *l = sqllock_new();
    sqllock_owner *o[20];
    sqllock_owner *h = NULL;
    /* 20 owners share ROW EXCLUSIVE on 100 tables (chains of one bucket included) */
    for (int i = 0; i < 20; i++) {
        o[i] = sqllock_owner_new(NULL);
        for (uint32_t t = 1; t <= 100; t++)
            assert_int_equal(sqllock_table_acquire(l, o[i], t, SQLLOCK_ROW_EXCLUSIVE, &h), 0);
        uint8_t pk[2] = {(uint8_t)i, 1};
        assert_int_equal(sqllock_acquire(l, o[i], 100, pk, sizeof pk, &h), 0);
    }
    seen s = {0, 0};
    sqllock_tables_each(l, count, &s);
    assert_int_equal(s.n, 20 * 100);
    assert_int_equal(s.modes, 1u << SQLLOCK_ROW_EXCLUSIVE);
    /* the row locks are theirs alone, beside the table locks */
    assert_int_equal(sqllock_owner_count(o[3]), 1);
    sqllock_owner *x = sqllock_owner_new(NULL);
    uint8_t pk[2] = {3, 1};
    assert_int_equal(sqllock_acquire(l, x, 100, pk, sizeof pk, &h), 1);
    assert_ptr_equal(h, o[3]);
    assert_int_equal(sqllock_table_acquire(l, x, 50, SQLLOCK_SHARE, &h), 1);
    for (int i = 0; i < 20; i++) sqllock_release(l, o[i]);
    assert_int_equal(sqllock_table_acquire(l, x, 50, SQLLOCK_SHARE, &h), 0);
    assert_int_equal(sqllock_acquire(l, x, 100, pk, sizeof pk, &h), 0);
    s = (seen){0, 0};
    sqllock_tables_each(l, count, &s);
    assert_int_equal(s.n, 1);
    sqllock_release(l, x);
    sqllock_del(l);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(sqllock_mode_name(SQLLOCK_ACCESS_SHARE), "AccessShareLock");
    assert_string_equal(sqllock_mode_name(SQLLOCK_SHARE_UPDATE_EXCLUSIVE), "ShareUpdateExclusiveLock");
    assert_string_equal(sqllock_mode_name(SQLLOCK_ACCESS_EXCLUSIVE), "AccessExclusiveLock");
    assert_null(sqllock_mode_name(0));
    assert_null(sqllock_mode_name(9));
    assert_int_equal(sqllock_conflicts(0), 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conflict_table),
        cmocka_unit_test(test_own_modes),
        cmocka_unit_test(test_many_and_rows),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
