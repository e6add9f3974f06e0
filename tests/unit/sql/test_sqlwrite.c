/* tests/unit/sql/test_sqlwrite.c — SET forms per CRDT column kind, and their refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "server/sql/sqlparse.h"
#include "server/sql/sqlwrite.h"

static sqlschema_table *table;

static int setup(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query("CREATE TABLE t (id bigint PRIMARY KEY, name text, n int, "
                                    "views g_counter, score pn_counter, tags or_set, members aw_set, "
                                    "attrs lww_map, status mv_register)", &r, &err), SQL_OK);
    assert_int_equal(sqlschema_from_create(r.stmts[0], 1, &table, &err), SQL_OK);
    sqlparse_result_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlschema_free(table);
    return 0;
}

/* Classifies the first SET of `sql`; returns SQL_OK/ERR with op and err filled. */
static int classify(const char *sql, sqlparse_result *r, sqlwrite_op *op, sqlerr *err)
{
    if (sqlparse_query(sql, r, err)) fail_msg("parse [%s]: %s", sql, err->message);
    sqlast_stmt *s = r->stmts[0];
    sqlexpr_scope sc = {.table = table, .stmt = s, .clause = "UPDATE"};
    int ci = sqlschema_find_column(table, s->set[0].name);
    assert_true(ci >= 0);
    return sqlwrite_classify(table, ci, s->set[0].expr, &sc, op, err);
}

static void expect_kind(const char *sql, sqlwrite_kind kind, int sign)
{
    sqlparse_result r;
    sqlwrite_op op;
    sqlerr err;
    if (classify(sql, &r, &op, &err)) fail_msg("[%s] refused: %s %s", sql, err.code, err.message);
    if (op.kind != kind) fail_msg("[%s]: kind %d, want %d", sql, op.kind, kind);
    assert_int_equal(op.sign, sign);
    assert_non_null(op.arg);
    sqlparse_result_free(&r);
}

static void expect_refused(const char *sql, const char *code, const char *hint_part)
{
    sqlparse_result r;
    sqlwrite_op op;
    sqlerr err;
    if (classify(sql, &r, &op, &err) == SQL_OK) fail_msg("[%s] accepted as %d", sql, op.kind);
    if (strcmp(err.code, code)) fail_msg("[%s]: %s %s, want %s", sql, err.code, err.message, code);
    if (hint_part && !strstr(err.hint, hint_part)) fail_msg("[%s]: hint [%s] lacks [%s]", sql, err.hint, hint_part);
    sqlparse_result_free(&r);
}

static void test_registers(void **state)
{
    (void)state;
    expect_kind("UPDATE t SET name = 'x'", SQLWRITE_ASSIGN, 1);
    expect_kind("UPDATE t SET name = name || '!'", SQLWRITE_ASSIGN, 1);
    expect_kind("UPDATE t SET n = n * 2", SQLWRITE_ASSIGN, 1); /* LWW: read-modify-write is fine */
    expect_kind("UPDATE t SET status = 'shipped'", SQLWRITE_ASSIGN, 1);
    expect_refused("UPDATE t SET n = ARRAY['a']", "42804", NULL);
    expect_refused("UPDATE t SET id = 5", "0A000", "DELETE and INSERT");
}

static void test_counters(void **state)
{
    (void)state;
    expect_kind("UPDATE t SET views = views + 1", SQLWRITE_INC, 1);
    expect_kind("UPDATE t SET views = 5 + views", SQLWRITE_INC, 1);
    expect_kind("UPDATE t SET views = t.views + $1", SQLWRITE_INC, 1);
    expect_kind("UPDATE t SET score = score - 3", SQLWRITE_INC, -1);
    expect_kind("UPDATE t SET score = score + -3", SQLWRITE_INC, 1);
    expect_refused("UPDATE t SET views = views * 2", "0A000", "SET c = c + n");
    expect_refused("UPDATE t SET views = 5", "0A000", "g_counter");
    expect_refused("UPDATE t SET views = views + views", "0A000", NULL);
    expect_refused("UPDATE t SET score = 3 - score", "0A000", "pn_counter");
    expect_refused("UPDATE t SET views = views - 1", "22023", "pn_counter");
    expect_refused("UPDATE t SET views = views + 1.5", "42804", NULL);
}

static void test_counter_amounts(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlwrite_op op;
    sqlerr err;
    int64_t amount;
    sqlexpr_ctx ctx = {0};
    assert_int_equal(classify("UPDATE t SET views = views + $1", &r, &op, &err), SQL_OK);
    assert_int_equal(r.stmts[0]->param_types[0], SQLVAL_INT8); /* inferred for Describe */
    sqlval p;
    sqlval_set_int(&p, SQLVAL_INT8, -4);
    ctx.params = &p;
    ctx.nparams = 1;
    assert_int_equal(sqlwrite_amount(table, &op, &ctx, &amount, &err), SQL_ERR);
    assert_string_equal(err.code, "22023");
    sqlval_set_int(&p, SQLVAL_INT8, 4);
    assert_int_equal(sqlwrite_amount(table, &op, &ctx, &amount, &err), SQL_OK);
    assert_int_equal(amount, 4);
    sqlparse_result_free(&r);
    assert_int_equal(classify("UPDATE t SET score = score - $1", &r, &op, &err), SQL_OK);
    sqlval_set_int(&p, SQLVAL_INT8, INT64_MIN);
    assert_int_equal(sqlwrite_amount(table, &op, &ctx, &amount, &err), SQL_ERR);
    assert_string_equal(err.code, "22003");
    sqlval_set_int(&p, SQLVAL_INT8, 9);
    assert_int_equal(sqlwrite_amount(table, &op, &ctx, &amount, &err), SQL_OK);
    assert_int_equal(amount, -9);
    sqlparse_result_free(&r);
}

static void test_sets(void **state)
{
    (void)state;
    expect_kind("UPDATE t SET tags = array_append(tags, 'x')", SQLWRITE_SET_ADD, 1);
    expect_kind("UPDATE t SET tags = tags || ARRAY['x', 'y']", SQLWRITE_SET_ADD, 1);
    expect_kind("UPDATE t SET members = members || $1", SQLWRITE_SET_ADD, 1);
    expect_kind("UPDATE t SET tags = array_remove(tags, 'x')", SQLWRITE_SET_REMOVE, 1);
    expect_kind("UPDATE t SET members = ARRAY['a']", SQLWRITE_SET_REPLACE, 1);
    expect_kind("UPDATE t SET tags = '{a,b}'", SQLWRITE_SET_REPLACE, 1);
    expect_refused("UPDATE t SET tags = array_remove(array_append(tags, 'a'), 'b')", "0A000", "array_append");
    expect_refused("UPDATE t SET tags = ARRAY['a'] || tags", "0A000", NULL);
    expect_refused("UPDATE t SET tags = array_append(tags, 1)", "42804", NULL);
}

static void test_maps(void **state)
{
    (void)state;
    expect_kind("UPDATE t SET attrs = attrs || '{\"k\": \"v\"}'::jsonb", SQLWRITE_MAP_PUT, 1);
    expect_kind("UPDATE t SET attrs = attrs || $1", SQLWRITE_MAP_PUT, 1);
    expect_kind("UPDATE t SET attrs = attrs - 'k'", SQLWRITE_MAP_REMOVE, 1);
    expect_kind("UPDATE t SET attrs = jsonb_set(attrs, '{k}', '\"v\"')", SQLWRITE_MAP_SET, 1);
    expect_kind("UPDATE t SET attrs = '{\"a\": 1}'", SQLWRITE_MAP_REPLACE, 1);
    expect_refused("UPDATE t SET attrs = attrs || attrs", "0A000", "lww_map");
    expect_refused("UPDATE t SET attrs = '{}'::jsonb || attrs", "0A000", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registers), cmocka_unit_test(test_counters),
        cmocka_unit_test(test_counter_amounts), cmocka_unit_test(test_sets),
        cmocka_unit_test(test_maps),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
