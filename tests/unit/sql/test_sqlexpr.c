/* tests/unit/sql/test_sqlexpr.c — values, casts, expression evaluation and aggregates, through
 * the real parser: each case is a SELECT whose first target is evaluated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlexpr.h"
#include "server/sql/sqlparse.h"

/* A table t(id bigint pk, n int, f double precision, s text, tags or_set, j jsonb, x numeric)
 * with one row, to evaluate column references against. */
static sqlschema_table *test_table(void)
{
    sqlparse_result r;
    sqlerr err;
    sqlschema_table *t;
    assert_int_equal(sqlparse_query("CREATE TABLE t (id bigint PRIMARY KEY, n int, f double precision, "
                                    "s text, tags or_set, j jsonb, x numeric)", &r, &err), SQL_OK);
    assert_int_equal(sqlschema_from_create(r.stmts[0], 1, &t, &err), SQL_OK);
    sqlparse_result_free(&r);
    return t;
}

static sqlval row[7];

static void fill_row(void)
{
    sqlerr err;
    const char *tags[] = {"a", "b c"};
    sqlval_set_int(&row[0], SQLVAL_INT8, 7);
    sqlval_init_null(&row[1], SQLVAL_INT4); /* n is NULL */
    sqlval_set_float(&row[2], SQLVAL_FLOAT8, 1.5);
    sqlval_set_str(&row[3], SQLVAL_TEXT, "Hello", 5, &err);
    sqlval_set_array(&row[4], tags, 2, &err);
    sqlval_from_text(SQLVAL_JSONB, "{\"k\": \"v\", \"n\": 2, \"a\": [1, 2]}", 31, &row[5], &err);
    sqlval_from_text(SQLVAL_NUMERIC, "2.50", 4, &row[6], &err);
}

/* Evaluates the first select target of `sql` with params; returns SQL_OK/ERR, text in *out. */
static int eval_text(const char *sql, const char *const *params, int nparams, char **out, sqlerr *err)
{
    sqlparse_result r;
    sqlschema_table *t = test_table();
    fill_row();
    *out = NULL;
    int rc = sqlparse_query(sql, &r, err);
    if (rc) goto done_t;
    sqlast_stmt *s = r.stmts[0];
    sqlexpr_scope sc = {.table = s->table ? t : NULL, .stmt = s, .allow_aggs = true, .clause = "WHERE"};
    sqlval pv[4];
    for (int i = 0; i < nparams; i++) {
        sqlval_init_null(&pv[i], SQLVAL_UNKNOWN);
        if (params[i]) sqlval_set_str(&pv[i], SQLVAL_UNKNOWN, params[i], strlen(params[i]), NULL);
    }
    sqlexpr_env env = {.user = "alice", .database = "db", .schema = "public", .version = "PostgreSQL 15.0 (HeliosDB 0.1.0)", .now_us = 0};
    sqlexpr_ctx ctx = {.row = row, .nrow = 7, .params = pv, .nparams = nparams, .env = &env};
    rc = sqlexpr_bind(s->targets[0].expr, &sc, SQLVAL_UNKNOWN, err);
    sqlval v;
    if (!rc && s->where) rc = sqlexpr_bind(s->where, &(sqlexpr_scope){.table = t, .stmt = s, .clause = "WHERE"}, SQLVAL_BOOL, err);
    if (!rc) rc = sqlexpr_eval(s->targets[0].expr, &ctx, &v, err);
    if (!rc) {
        size_t n;
        if (v.isnull) *out = strdup("NULL");
        else rc = sqlval_to_text(&v, out, &n, err);
        sqlval_free(&v);
    }
    for (int i = 0; i < nparams; i++) sqlval_free(&pv[i]);
    sqlparse_result_free(&r);
done_t:
    for (int i = 0; i < 7; i++) sqlval_free(&row[i]);
    sqlschema_free(t);
    return rc;
}

static void expect(const char *sql, const char *want)
{
    char *got;
    sqlerr err;
    if (eval_text(sql, NULL, 0, &got, &err)) fail_msg("[%s] failed: %s %s", sql, err.code, err.message);
    if (strcmp(got, want) != 0) fail_msg("[%s] = [%s], want [%s]", sql, got, want);
    free(got);
}

static void expect_err(const char *sql, const char *code, const char *msg)
{
    char *got = NULL;
    sqlerr err;
    if (eval_text(sql, NULL, 0, &got, &err) == SQL_OK) fail_msg("[%s] = [%s], want error %s", sql, got, code);
    if (strcmp(err.code, code)) fail_msg("[%s]: %s %s, want %s", sql, err.code, err.message, code);
    if (msg && strcmp(err.message, msg)) fail_msg("[%s]: message [%s], want [%s]", sql, err.message, msg);
}

static void test_literals_and_output(void **state)
{
    (void)state;
    expect("SELECT 1", "1");
    expect("SELECT -1", "-1");
    expect("SELECT 9000000000", "9000000000");
    expect("SELECT 1.50", "1.50");
    expect("SELECT 1e3", "1000");
    expect("SELECT 2.5::float8", "2.5");
    expect("SELECT 0.1::float8 + 0.2::float8", "0.30000000000000004");
    expect("SELECT 1e100::float8", "1e+100");
    expect("SELECT 'Infinity'::float8", "Infinity");
    expect("SELECT 'nan'::float8", "NaN");
    expect("SELECT 1.5::real", "1.5");
    expect("SELECT true", "t");
    expect("SELECT 'yes'::boolean", "t");
    expect("SELECT '\\x0a1B'::bytea", "\\x0a1b");
    expect("SELECT 'abc'::bytea", "\\x616263");
    expect("SELECT '2026-11-24 10:00:00.123+00'::timestamptz", "2026-11-24 10:00:00.123+00");
    expect("SELECT '2024-02-29T13:14:15.5+02:00'::timestamptz", "2024-02-29 11:14:15.5+00");
    expect("SELECT '2000-01-01'::timestamptz", "2000-01-01 00:00:00+00");
    expect("SELECT '{a,\"b c\",NULL,\"\",\"x\\\"y\"}'::text[]", "{a,\"b c\",NULL,\"\",\"x\\\"y\"}");
    expect("SELECT ARRAY['a', 'null', ' ']", "{a,\"null\",\" \"}");
    expect("SELECT '{\"b\":1,\"aa\":2,\"a\":[1,{\"z\":null}]}'::jsonb",
           "{\"a\": [1, {\"z\": null}], \"b\": 1, \"aa\": 2}");
    expect("SELECT '007'::int", "7");
    expect("SELECT ' -12 '::bigint", "-12");
    expect("SELECT '0.10'::numeric", "0.10");
    expect("SELECT '-0'::numeric", "0");
    expect("SELECT 1.5e2::numeric", "150");
}

static void test_input_errors(void **state)
{
    (void)state;
    expect_err("SELECT 'abc'::bigint", "22P02", "invalid input syntax for type bigint: \"abc\"");
    expect_err("SELECT 'abc'::int", "22P02", "invalid input syntax for type integer: \"abc\"");
    expect_err("SELECT '99999999999'::int", "22003", "value \"99999999999\" is out of range for type integer");
    expect_err("SELECT '1e400'::float8", "22003", NULL);
    expect_err("SELECT 'maybe'::boolean", "22P02", "invalid input syntax for type boolean: \"maybe\"");
    expect_err("SELECT 'x'::numeric", "22P02", "invalid input syntax for type numeric: \"x\"");
    expect_err("SELECT '{x'::text[]", "22P02", "malformed array literal: \"{x\"");
    expect_err("SELECT '{bad'::jsonb", "22P02", "invalid input syntax for type json");
    expect_err("SELECT 'yesterday noon'::timestamptz", "22007", NULL);
    expect_err("SELECT '2023-02-29'::timestamptz", "22008", NULL);
    expect_err("SELECT '\\xzz'::bytea", "22P02", NULL);
    expect_err("SELECT 70000::smallint", "22003", "smallint out of range");
    expect_err("SELECT true::bigint", "42846", "cannot cast type boolean to bigint");
}

static void test_arithmetic(void **state)
{
    (void)state;
    expect("SELECT 1 + 2 * 3", "7");
    expect("SELECT 7 / 2", "3");
    expect("SELECT -7 % 3", "-1");
    expect("SELECT 7 / 2.0", "3.5000000000000000");
    expect("SELECT 1 / 3.0", "0.33333333333333333333");
    expect("SELECT 1.10 + 2.205", "3.305");
    expect("SELECT 1.5 * 1.5", "2.25");
    expect("SELECT 2 * 1.5::float8", "3");
    expect("SELECT '5' + 1", "6");
    expect("SELECT n + 1 FROM t", "NULL");
    expect("SELECT id * 2 FROM t", "14");
    expect("SELECT x * 2 FROM t", "5.00");
    expect("SELECT -f FROM t", "-1.5");
    expect("SELECT abs(-5)", "5");
    expect_err("SELECT 9223372036854775807 + 1", "22003", "bigint out of range");
    expect_err("SELECT 2147483647 + 1", "22003", "integer out of range");
    expect_err("SELECT -(-9223372036854775807 - 1)", "22003", "bigint out of range");
    expect_err("SELECT 1 / 0", "22012", "division by zero");
    expect_err("SELECT 1 % 0", "22012", "division by zero");
    expect_err("SELECT 1.0 / 0", "22012", "division by zero");
    expect_err("SELECT 1::float8 / 0", "22012", "division by zero");
    expect_err("SELECT s + 1 FROM t", "42883", "operator does not exist: text + integer");
    expect_err("SELECT nosuch FROM t", "42703", "column \"nosuch\" does not exist");
    expect_err("SELECT u.id FROM t", "42P01", "missing FROM-clause entry for table \"u\"");
    expect_err("SELECT nosuchfn(1)", "42883", "function nosuchfn(integer) does not exist");
}

static void test_logic_and_predicates(void **state)
{
    (void)state;
    expect("SELECT NULL AND false", "f");
    expect("SELECT NULL AND true", "NULL");
    expect("SELECT NULL OR true", "t");
    expect("SELECT NOT (n > 1) FROM t", "NULL");
    expect("SELECT n IS NULL FROM t", "t");
    expect("SELECT id IS NOT NULL FROM t", "t");
    expect("SELECT (n > 1) IS NOT TRUE FROM t", "t");
    expect("SELECT id IN (1, 7) FROM t", "t");
    expect("SELECT id IN (1, NULL) FROM t", "NULL");
    expect("SELECT id NOT IN (1, 2) FROM t", "t");
    expect("SELECT id BETWEEN 5 AND 10 FROM t", "t");
    expect("SELECT id NOT BETWEEN 5 AND 10 FROM t", "f");
    expect("SELECT s LIKE 'He%' FROM t", "t");
    expect("SELECT s LIKE 'h%' FROM t", "f");
    expect("SELECT s ILIKE 'h_llo' FROM t", "t");
    expect("SELECT 'a%b' LIKE 'a\\%b'", "t");
    expect("SELECT 'axb' LIKE 'a\\%b'", "f");
    expect("SELECT 'b c' = ANY(tags) FROM t", "t");
    expect("SELECT 'z' = ANY(tags) FROM t", "f");
    expect("SELECT id = '7' FROM t", "t");
    expect("SELECT f > 1 FROM t", "t");
    expect("SELECT x = 2.5 FROM t", "t");
    expect("SELECT 'b' > 'a'", "t");
    expect("SELECT CASE WHEN id > 5 THEN 'big' ELSE 'small' END FROM t", "big");
    expect("SELECT CASE id WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END FROM t", "seven");
    expect("SELECT coalesce(n, 42) FROM t", "42");
    expect("SELECT nullif(1, 1)", "NULL");
    expect_err("SELECT 1 AND true", "42804", NULL);
    expect_err("SELECT s = 1 FROM t", "42883", NULL);
}

static void test_functions_json_arrays(void **state)
{
    (void)state;
    expect("SELECT version()", "PostgreSQL 15.0 (HeliosDB 0.1.0)");
    expect("SELECT pg_catalog.version()", "PostgreSQL 15.0 (HeliosDB 0.1.0)");
    expect("SELECT current_schema()", "public");
    expect("SELECT current_database()", "db");
    expect("SELECT current_user", "alice");
    expect("SELECT now()", "2000-01-01 00:00:00+00");
    expect("SELECT cardinality(tags) FROM t", "2");
    expect("SELECT array_length(tags, 1) FROM t", "2");
    expect("SELECT array_length('{}'::text[], 1)", "NULL");
    expect("SELECT array_append(tags, 'z') FROM t", "{a,\"b c\",z}");
    expect("SELECT array_remove(tags, 'a') FROM t", "{\"b c\"}");
    expect("SELECT tags || ARRAY['q'] FROM t", "{a,\"b c\",q}");
    expect("SELECT j->'k' FROM t", "\"v\"");
    expect("SELECT j->>'k' FROM t", "v");
    expect("SELECT j->'a' FROM t", "[1, 2]");
    expect("SELECT j->'a'->1 FROM t", "2");
    expect("SELECT j->>'missing' FROM t", "NULL");
    expect("SELECT j || '{\"k\": 1}'::jsonb FROM t", "{\"a\": [1, 2], \"k\": 1, \"n\": 2}");
    expect("SELECT j - 'a' FROM t", "{\"k\": \"v\", \"n\": 2}");
    expect("SELECT jsonb_set(j, '{k}', '\"w\"') FROM t", "{\"a\": [1, 2], \"k\": \"w\", \"n\": 2}");
    expect("SELECT lower(s) || upper('x') FROM t", "helloX");
    expect("SELECT length('héllo')", "5");
    expect("SELECT id::text || s FROM t", "7Hello");
    expect("SELECT ARRAY[1, 2]", "{1,2}"); /* integer[] */
    expect("SELECT (ARRAY[1, 2] || 3)[3] + 1", "4");
    expect("SELECT array_position(ARRAY[1.0, 2], 2)", "2");
    expect_err("SELECT ARRAY[ARRAY[1]]", "0A000", NULL); /* multidimensional */
    expect_err("SELECT ARRAY[1, true]", "42804", NULL);
    expect_err("SELECT ARRAY[1] @> ARRAY[1.5]", "42883", NULL);
}

static void test_params(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    sqlschema_table *t = test_table();
    assert_int_equal(sqlparse_query("SELECT $3 FROM t WHERE id = $1 AND s LIKE $2 AND f > $4 "
                                    "AND $5 = ANY(tags) AND n IN ($6, 1)", &r, &err), SQL_OK);
    sqlast_stmt *s = r.stmts[0];
    assert_int_equal(s->nparams, 6);
    sqlexpr_scope sc = {.table = t, .stmt = s, .clause = "WHERE"};
    assert_int_equal(sqlexpr_bind(s->where, &sc, SQLVAL_BOOL, &err), SQL_OK);
    assert_int_equal(sqlexpr_bind(s->targets[0].expr, &sc, SQLVAL_UNKNOWN, &err), SQL_OK);
    assert_int_equal(s->param_types[0], SQLVAL_INT8);
    assert_int_equal(s->param_types[1], SQLVAL_TEXT);
    assert_int_equal(s->param_types[2], SQLVAL_UNKNOWN); /* reported as text */
    assert_int_equal(s->param_types[3], SQLVAL_FLOAT8);
    assert_int_equal(s->param_types[4], SQLVAL_TEXT);
    assert_int_equal(s->param_types[5], SQLVAL_INT4);
    sqlparse_result_free(&r);
    sqlschema_free(t);

    char *got;
    const char *p[] = {"41"};
    assert_int_equal(eval_text("SELECT $1::int + 1", p, 1, &got, &err), SQL_OK);
    assert_string_equal(got, "42");
    free(got);
    assert_int_equal(eval_text("SELECT id = $1 FROM t", (const char *[]){"7"}, 1, &got, &err), SQL_OK);
    assert_string_equal(got, "t");
    free(got);
    assert_int_equal(eval_text("SELECT $2", p, 1, &got, &err), SQL_ERR);
    assert_string_equal(err.code, "42P02");
}

static void test_aggregates(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    sqlschema_table *t = test_table();
    assert_int_equal(sqlparse_query("SELECT count(*), count(n), sum(id), sum(n), avg(id), min(s), "
                                    "max(f), count(DISTINCT s), sum(x) FROM t", &r, &err), SQL_OK);
    sqlast_stmt *s = r.stmts[0];
    sqlexpr_scope sc = {.table = t, .stmt = s, .allow_aggs = true};
    for (int i = 0; i < s->ntargets; i++)
        assert_int_equal(sqlexpr_bind(s->targets[i].expr, &sc, SQLVAL_UNKNOWN, &err), SQL_OK);
    assert_int_equal(s->naggs, 9);
    sqlexpr_agg aggs[9];
    for (int i = 0; i < 9; i++) sqlexpr_agg_init(&aggs[i], s->aggs[i]);
    /* three rows: (1,'b',NULL n,0.5,1.25) (2,'a',n=5,2.5,1) (3,'b',n=-1,NULL,NULL) */
    static const char *texts[] = {"b", "a", "b"};
    for (int k = 0; k < 3; k++) {
        sqlval rr[7];
        for (int c = 0; c < 7; c++) sqlval_init_null(&rr[c], t->cols[c].type);
        sqlval_set_int(&rr[0], SQLVAL_INT8, k + 1);
        if (k) sqlval_set_int(&rr[1], SQLVAL_INT4, k == 1 ? 5 : -1);
        if (k < 2) sqlval_set_float(&rr[2], SQLVAL_FLOAT8, k ? 2.5 : 0.5);
        sqlval_set_str(&rr[3], SQLVAL_TEXT, texts[k], 1, &err);
        if (k < 2) sqlval_from_text(SQLVAL_NUMERIC, k ? "1" : "1.25", k ? 1 : 4, &rr[6], &err);
        sqlexpr_ctx ctx = {.row = rr, .nrow = 7};
        for (int i = 0; i < 9; i++) assert_int_equal(sqlexpr_agg_step(&aggs[i], &ctx, &err), SQL_OK);
        for (int c = 0; c < 7; c++) sqlval_free(&rr[c]);
    }
    static const char *want[] = {"3", "2", "6", "4", "2.0000000000000000", "a", "2.5", "2", "2.25"};
    for (int i = 0; i < 9; i++) {
        sqlval v;
        char *txt;
        size_t n;
        assert_int_equal(sqlexpr_agg_final(&aggs[i], &v, &err), SQL_OK);
        assert_int_equal(sqlval_to_text(&v, &txt, &n, &err), SQL_OK);
        if (strcmp(txt, want[i])) fail_msg("aggregate %d = %s, want %s", i, txt, want[i]);
        assert_int_equal(v.type, s->aggs[i]->type);
        free(txt);
        sqlval_free(&v);
        sqlexpr_agg_free(&aggs[i]);
    }
    assert_int_equal(s->aggs[2]->type, SQLVAL_NUMERIC); /* sum(bigint) is numeric, as in PostgreSQL */
    assert_int_equal(s->aggs[3]->type, SQLVAL_INT8);
    sqlparse_result_free(&r);

    /* misplaced aggregates */
    assert_int_equal(sqlparse_query("SELECT 1 FROM t WHERE count(*) > 1", &r, &err), SQL_OK);
    sqlexpr_scope w = {.table = t, .stmt = r.stmts[0], .clause = "WHERE"};
    assert_int_equal(sqlexpr_bind(r.stmts[0]->where, &w, SQLVAL_BOOL, &err), SQL_ERR);
    assert_string_equal(err.code, "42803");
    assert_string_equal(err.message, "aggregate functions are not allowed in WHERE");
    sqlparse_result_free(&r);
    assert_int_equal(sqlparse_query("SELECT sum(count(*)) FROM t", &r, &err), SQL_OK);
    sqlexpr_scope sel = {.table = t, .stmt = r.stmts[0], .allow_aggs = true};
    assert_int_equal(sqlexpr_bind(r.stmts[0]->targets[0].expr, &sel, SQLVAL_UNKNOWN, &err), SQL_ERR);
    assert_string_equal(err.code, "42803");
    sqlparse_result_free(&r);
    sqlschema_free(t);
}

static void test_column_names(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query("SELECT id, count(*), 1, '1'::int, id::text, now(), CASE WHEN true THEN 1 END FROM t",
                                    &r, &err), SQL_OK);
    static const char *want[] = {"id", "count", "?column?", "int4", "id", "now", "case"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(sqlexpr_column_name(r.stmts[0]->targets[i].expr), want[i]);
    sqlparse_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_and_output), cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_arithmetic), cmocka_unit_test(test_logic_and_predicates),
        cmocka_unit_test(test_functions_json_arrays), cmocka_unit_test(test_params),
        cmocka_unit_test(test_aggregates), cmocka_unit_test(test_column_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
