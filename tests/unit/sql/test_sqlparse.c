/* tests/unit/sql/test_sqlparse.c — SQL text -> sqlast: every supported form, every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlparse.h"
#include "server/sql/sqldo.h"

static sqlast_stmt *parse_one(const char *sql, sqlparse_result *r)
{
    sqlerr err;
    int rc = sqlparse_query(sql, r, &err);
    if (rc) fail_msg("parse of [%s] failed: %s %s", sql, err.code, err.message);
    assert_int_equal(r->nstmts, 1);
    return r->stmts[0];
}

static void expect_error(const char *sql, const char *code, const char *msg_part)
{
    sqlparse_result r;
    sqlerr err;
    int rc = sqlparse_query(sql, &r, &err);
    if (rc == SQL_OK) fail_msg("[%s] parsed but should fail with %s", sql, code);
    assert_int_equal(r.nstmts, 0);
    if (strcmp(err.code, code) != 0) fail_msg("[%s]: got %s %s, want %s", sql, err.code, err.message, code);
    if (msg_part && !strstr(err.message, msg_part))
        fail_msg("[%s]: message [%s] lacks [%s]", sql, err.message, msg_part);
}

static void test_syntax_error_position(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query("SELECT 1 FROM WHERE", &r, &err), SQL_ERR);
    assert_string_equal(err.code, "42601");
    assert_string_equal(err.message, "syntax error at or near \"WHERE\"");
    assert_int_equal(err.position, 15); /* 1-based, as PostgreSQL reports it */
    expect_error("SELEC 1", "42601", "SELEC");
    expect_error("SELECT 'unterminated", "42601", "unterminated");
}

static void test_multi_and_empty(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    const char *sql = "BEGIN; SELECT 1; COMMIT";
    assert_int_equal(sqlparse_query(sql, &r, &err), SQL_OK);
    assert_int_equal(r.nstmts, 3);
    assert_int_equal(r.stmts[0]->kind, SQLAST_BEGIN);
    assert_int_equal(r.stmts[1]->kind, SQLAST_SELECT);
    assert_int_equal(r.stmts[2]->kind, SQLAST_COMMIT);
    assert_memory_equal(sql + r.stmts[1]->location, " SELECT 1", 9);
    assert_int_equal(r.stmts[2]->location + r.stmts[2]->length, (int)strlen(sql));
    sqlparse_result_free(&r);
    assert_int_equal(sqlparse_query("  ;  ", &r, &err), SQL_OK);
    assert_int_equal(r.nstmts, 0);
    sqlparse_result_free(&r);
}

static void test_create_table(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY, n text NOT NULL "
                               "DEFAULT 'x', views g_counter, tags or_set, d double precision, "
                               "v varchar(10), ts timestamp with time zone)", &r);
    assert_int_equal(s->kind, SQLAST_CREATE_TABLE);
    assert_true(s->missing_ok);
    assert_string_equal(s->table, "t");
    assert_int_equal(s->ncols, 7);
    assert_string_equal(s->cols[0].type_name, "int8");
    assert_true(s->cols[0].primary_key);
    assert_true(s->cols[1].not_null);
    assert_non_null(s->cols[1].def);
    assert_string_equal(s->cols[2].type_name, "g_counter");
    assert_string_equal(s->cols[4].type_name, "float8");
    assert_string_equal(s->cols[5].type_name, "character varying(10)"); /* the modifier kept */
    assert_string_equal(s->cols[6].type_name, "timestamptz");
    sqlparse_result_free(&r);

    s = parse_one("CREATE TABLE c (a text, b int, PRIMARY KEY (a, b))", &r);
    assert_int_equal(s->npk, 2);
    assert_string_equal(s->pk[0], "a");
    assert_string_equal(s->pk[1], "b");
    sqlparse_result_free(&r);

    /* UNIQUE: a column's and the table's become the statement's unique indexes */
    s = parse_one("CREATE TABLE t (a int UNIQUE, b int, CONSTRAINT ab UNIQUE (a, b))", &r);
    assert_int_equal(s->nindexes, 2);
    assert_true(s->indexes[0].unique && s->indexes[0].constraint);
    assert_null(s->indexes[0].name);
    assert_int_equal(s->indexes[0].ncols, 1);
    assert_string_equal(s->indexes[0].cols[0], "a");
    assert_string_equal(s->indexes[1].name, "ab");
    assert_int_equal(s->indexes[1].ncols, 2);
    assert_string_equal(s->indexes[1].cols[1], "b");
    sqlparse_result_free(&r);
    expect_error("CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT)", "0A000", "NULLS NOT DISTINCT");
    expect_error("CREATE TABLE t (a int UNIQUE DEFERRABLE)", "0A000", "DEFERRABLE");
    /* CHECK: the expression's text between the parentheses, quotes and comments skipped */
    s = parse_one("CREATE TABLE t (a int CHECK /* ( */ (a > 0 AND ')' <> 'x('), b int, "
                  "CONSTRAINT bc CHECK (b > a))", &r);
    assert_int_equal(s->nchecks, 2);
    assert_string_equal(s->checks[0].text, "a > 0 AND ')' <> 'x('");
    assert_string_equal(s->checks[0].column, "a");
    assert_null(s->checks[0].name);
    assert_string_equal(s->checks[1].text, "b > a");
    assert_string_equal(s->checks[1].name, "bc");
    assert_null(s->checks[1].column);
    sqlparse_result_free(&r);
    expect_error("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID", "0A000", "NOT VALID");
    expect_error("ALTER TABLE t ADD COLUMN c int CHECK (c > 0)", "0A000", "CHECK");
    s = parse_one("COMMENT ON COLUMN public.t.a IS 'x'", &r);
    assert_int_equal(s->kind, SQLAST_COMMENT);
    assert_string_equal(s->table, "public\x1et"); /* with its schema (sqlast.h) */
    assert_string_equal(sqlast_relname(s->table), "t");
    assert_string_equal(s->column, "a");
    assert_string_equal(s->comment, "x");
    sqlparse_result_free(&r);
    expect_error("COMMENT ON FUNCTION f() IS 'x'", "0A000", "COMMENT ON FUNCTION");
    expect_error("CREATE TABLE t (a int, b int, FOREIGN KEY (a, b) REFERENCES u ON DELETE SET NULL (a))", "0A000",
                 "ON DELETE SET NULL / SET DEFAULT with a column list");
    expect_error("CREATE TEMP TABLE t (a int PRIMARY KEY)", "0A000", "temporary");
    expect_error("CREATE TABLE t (a int, b int, PRIMARY KEY (a), PRIMARY KEY (b))", "42P16", NULL);
    expect_error("CREATE TABLE t AS SELECT 1", "0A000", "CREATE TABLE AS");
}

static void test_drop_alter(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("DROP TABLE IF EXISTS a, public.b", &r);
    assert_int_equal(s->kind, SQLAST_DROP_TABLE);
    assert_true(s->missing_ok);
    assert_int_equal(s->nnames, 2);
    assert_string_equal(s->names[0], "a");
    assert_string_equal(s->names[1], "public\x1e" "b");
    sqlparse_result_free(&r);
    s = parse_one("CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION alice", &r);
    assert_int_equal(s->kind, SQLAST_CREATE_SCHEMA);
    assert_true(s->missing_ok);
    assert_string_equal(s->name, "app");
    assert_string_equal(s->value, "alice");
    sqlparse_result_free(&r);
    s = parse_one("DROP SCHEMA IF EXISTS a, b CASCADE", &r);
    assert_int_equal(s->kind, SQLAST_DROP_SCHEMA);
    assert_int_equal(s->nnames, 2);
    assert_true(s->cascade);
    sqlparse_result_free(&r);
    s = parse_one("ALTER SCHEMA a RENAME TO b", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_SCHEMA);
    assert_string_equal(s->newname, "b");
    sqlparse_result_free(&r);
    expect_error("CREATE SCHEMA s CREATE TABLE t (a int)", "0A000", "schema elements");
    expect_error("SELECT * FROM \"a\x1e" "b\"", "42602", NULL);
    s = parse_one("ALTER TABLE t ADD COLUMN x int NOT NULL DEFAULT 3", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_ADD_COLUMN);
    assert_string_equal(s->cols[0].name, "x");
    assert_true(s->cols[0].not_null);
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE t DROP COLUMN IF EXISTS x", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_DROP_COLUMN);
    assert_string_equal(s->column, "x");
    assert_true(s->missing_ok);
    sqlparse_result_free(&r);
    s = parse_one("DROP INDEX IF EXISTS i, j", &r);
    assert_int_equal(s->kind, SQLAST_DROP_INDEX);
    assert_int_equal(s->nnames, 2);
    assert_string_equal(s->names[1], "j");
    assert_true(s->missing_ok);
    sqlparse_result_free(&r);
    s = parse_one("ALTER INDEX i RENAME TO k", &r);
    assert_int_equal(s->kind, SQLAST_RENAME_INDEX);
    assert_string_equal(s->table, "i");
    assert_string_equal(s->newname, "k");
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_ADD_UNIQUE);
    assert_string_equal(s->indexes[0].name, "u");
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE t DROP CONSTRAINT IF EXISTS u", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_DROP_CONSTRAINT);
    assert_string_equal(s->name, "u");
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE t RENAME COLUMN a TO b", &r);
    assert_int_equal(s->kind, SQLAST_RENAME);
    assert_string_equal(s->column, "a");
    assert_string_equal(s->newname, "b");
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE IF EXISTS t RENAME TO u", &r);
    assert_int_equal(s->kind, SQLAST_RENAME);
    assert_null(s->column);
    assert_true(s->missing_ok);
    sqlparse_result_free(&r);
    expect_error("ALTER INDEX i SET TABLESPACE x", "0A000", "ALTER of this object");
    s = parse_one("ALTER TABLE t ALTER COLUMN a DROP NOT NULL", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_NOT_NULL);
    assert_false(s->set_not_null);
    sqlparse_result_free(&r);
    s = parse_one("ALTER TABLE t ALTER COLUMN a TYPE varchar(20) USING a::varchar(20)", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_COLUMN_TYPE);
    assert_string_equal(s->cols[0].name, "a");
    assert_string_equal(s->cols[0].type_name, "character varying(20)");
    sqlparse_result_free(&r);
    expect_error("ALTER TABLE t ALTER COLUMN a TYPE text USING lower(a)", "0A000", "USING");
    /* LIKE ... ESCAPE: the escape is the third operand; a call as the pattern is a pattern */
    s = parse_one("SELECT 1 FROM t WHERE a LIKE 'x!%' ESCAPE '!' AND b LIKE upper('q%')", &r);
    assert_int_equal(s->where->args[0]->kind, SQLAST_LIKE);
    assert_int_equal(s->where->args[0]->nargs, 3);
    assert_int_equal(s->where->args[1]->nargs, 2);
    sqlparse_result_free(&r);
}

static void test_insert(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("INSERT INTO t (a, b) VALUES (1, $1), (-2, DEFAULT) ON CONFLICT (a) "
                               "DO UPDATE SET b = EXCLUDED.b RETURNING *, a", &r);
    assert_int_equal(s->kind, SQLAST_INSERT);
    assert_int_equal(s->ninsert_cols, 2);
    assert_int_equal(s->nrows, 2);
    assert_int_equal(s->nvalues, 2);
    assert_int_equal(s->rows[0][1]->kind, SQLAST_PARAM);
    assert_int_equal(s->nparams, 1);
    /* libpg_query drops non-positive integer constants from its JSON: re-read from the text */
    assert_int_equal(s->rows[1][0]->kind, SQLAST_CONST);
    assert_int_equal(s->rows[1][0]->value.u.i, -2);
    assert_null(s->rows[1][1]); /* DEFAULT */
    assert_int_equal(s->on_conflict, SQLAST_CONFLICT_UPDATE);
    assert_string_equal(s->conflict_cols[0], "a");
    assert_int_equal(s->conflict_set[0].expr->kind, SQLAST_EXCLUDED);
    assert_int_equal(s->ntargets, 2);
    assert_int_equal(s->targets[0].expr->kind, SQLAST_STAR);
    sqlparse_result_free(&r);
    s = parse_one("INSERT INTO t VALUES (0) ON CONFLICT DO NOTHING", &r);
    assert_int_equal(s->on_conflict, SQLAST_CONFLICT_NOTHING);
    assert_int_equal(s->rows[0][0]->value.u.i, 0);
    sqlparse_result_free(&r);
    {
        sqlparse_result r2;
        sqlast_stmt *s2 = parse_one("INSERT INTO t (a, b) SELECT x, y FROM u WHERE x > $1", &r2);
        assert_non_null(s2->select);
        assert_int_equal(s2->select->kind, SQLAST_SELECT);
        assert_int_equal(s2->nrows, 0);
        assert_int_equal(s2->nparams, 1); /* counted on the INSERT */
        sqlparse_result_free(&r2);
    }
    expect_error("INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT c DO NOTHING", "0A000", NULL);
    expect_error("WITH x AS (SELECT 1) INSERT INTO t VALUES (1)", "0A000", "WITH");
}

static void test_update_delete(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("UPDATE t SET c = c + 1, s = array_append(s, 'x'), "
                               "m = m || '{\"a\":1}'::jsonb WHERE id = $1 RETURNING id", &r);
    assert_int_equal(s->kind, SQLAST_UPDATE);
    assert_int_equal(s->nset, 3);
    assert_string_equal(s->set[1].name, "s");
    assert_int_equal(s->set[1].expr->kind, SQLAST_FUNC);
    assert_int_equal(s->set[2].expr->args[1]->kind, SQLAST_CAST);
    assert_int_equal(s->set[2].expr->args[1]->cast_type, SQLVAL_JSONB);
    assert_non_null(s->where);
    sqlparse_result_free(&r);
    s = parse_one("DELETE FROM t WHERE a = 1 RETURNING *", &r);
    assert_int_equal(s->kind, SQLAST_DELETE);
    sqlparse_result_free(&r);
    {
        sqlparse_result r3;
        sqlast_stmt *s3 = parse_one("UPDATE t SET a = u.b FROM u WHERE u.id = t.id", &r3);
        assert_int_equal(s3->nfrom, 1); /* UPDATE ... FROM: the items besides the target */
        assert_string_equal(s3->table, "t");
        sqlparse_result_free(&r3);
        s3 = parse_one("DELETE FROM t USING u, v WHERE u.id = t.id", &r3);
        assert_int_equal(s3->nfrom, 2);
        sqlparse_result_free(&r3);
    }
    expect_error("UPDATE t SET (a, b) = (SELECT 1, 2)", "0A000", "multiple-column assignment from a subquery");
}

static void test_select_forms(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one(
        "SELECT a, b + 1 AS x, count(*), c::text, 'x' = ANY(s), j->'k', j->>'k', -a FROM public.t "
        "WHERE a IN (1, 2) AND b BETWEEN 1 AND 3 OR NOT c IS NULL AND d LIKE 'x%' AND e ILIKE 'y' "
        "GROUP BY a HAVING count(*) > 1 ORDER BY a DESC, 2 LIMIT 10 OFFSET 2", &r);
    assert_int_equal(s->kind, SQLAST_SELECT);
    assert_string_equal(s->schema, "public");
    assert_int_equal(s->ntargets, 8);
    assert_string_equal(s->targets[1].name, "x");
    assert_int_equal(s->targets[2].expr->kind, SQLAST_AGG);
    assert_true(s->targets[2].expr->star);
    assert_int_equal(s->targets[4].expr->kind, SQLAST_ANY);
    assert_int_equal(s->targets[5].expr->op, SQLAST_OP_JSON_GET);
    assert_int_equal(s->targets[6].expr->op, SQLAST_OP_JSON_GET_TEXT);
    assert_int_equal(s->targets[7].expr->op, SQLAST_OP_NEG);
    assert_int_equal(s->where->kind, SQLAST_OR);
    assert_int_equal(s->ngroup, 1);
    assert_non_null(s->having);
    assert_int_equal(s->norder, 2);
    assert_true(s->order[0].desc);
    assert_non_null(s->limit);
    assert_non_null(s->offset);
    sqlparse_result_free(&r);

    s = parse_one("SELECT version(), pg_catalog.version(), current_schema(), current_user, now(), "
                  "CURRENT_TIMESTAMP, current_database(), 9999999999, 1.50, TRUE, NULL", &r);
    assert_null(s->table);
    assert_string_equal(s->targets[1].expr->name, "version");
    assert_string_equal(s->targets[3].expr->name, "current_user");
    assert_string_equal(s->targets[5].expr->name, "now");
    assert_int_equal(s->targets[7].expr->value.type, SQLVAL_INT8);
    assert_int_equal(s->targets[8].expr->value.type, SQLVAL_NUMERIC);
    assert_string_equal(s->targets[8].expr->value.s, "1.50");
    assert_int_equal(s->targets[9].expr->value.type, SQLVAL_BOOL);
    assert_true(s->targets[10].expr->value.isnull);
    sqlparse_result_free(&r);
}

/* DO blocks: the subset sqldo.h reads, and what it refuses */
static void test_do_blocks(void **state)
{
    (void)state;
    sqldo_block b;
    sqlerr err;
    const char *body = "BEGIN CREATE TYPE e AS ENUM ('a;b'); NULL; -- END\n"
                       "CREATE TABLE t (a int DEFAULT CASE WHEN true THEN 1 END); "
                       "EXCEPTION WHEN duplicate_object OR SQLSTATE '42P07' THEN NULL; "
                       "WHEN others THEN null; END;";
    assert_int_equal(sqldo_parse(body, strlen(body), &b, &err), SQL_OK);
    assert_int_equal(b.nstmts, 2); /* NULL; is no statement */
    assert_true(!strncmp(body + b.at[0], "CREATE TYPE e AS ENUM ('a;b')", b.len[0]));
    assert_true(!strncmp(body + b.at[1], "-- END", 6)); /* the comment is the statement's */
    assert_true(b.handlers && b.others);
    assert_int_equal(b.ncodes, 2);
    assert_true(sqldo_catches(&b, "42710") && sqldo_catches(&b, "42P07") && sqldo_catches(&b, "22012"));
    assert_false(sqldo_catches(&b, "57014")); /* OTHERS never catches a cancel */
    body = "BEGIN ALTER TABLE t ADD COLUMN c int END";
    assert_int_equal(sqldo_parse(body, strlen(body), &b, &err), SQL_OK);
    assert_false(b.handlers);
    assert_false(sqldo_catches(&b, "42710"));
    assert_int_equal(b.nstmts, 1);
    static const struct {
        const char *body, *code, *part;
    } bad[] = {
        {"BEGIN IF true THEN NULL; END IF; END", "0A000", "IF"},
        {"BEGIN PERFORM 1; END", "0A000", "PERFORM"},
        {"DECLARE x int; BEGIN NULL; END", "0A000", "DECLARE"},
        {"BEGIN NULL; EXCEPTION WHEN duplicate_object THEN RAISE NOTICE 'x'; END", "0A000", "handler"},
        {"BEGIN NULL; EXCEPTION WHEN no_such_condition THEN NULL; END", "0A000", "no_such_condition"},
        {"BEGIN NULL; END; SELECT 1", "42601", NULL},
        {"BEGIN CREATE TABLE t (a text DEFAULT 'x); END", "42601", NULL},
        {"BEGIN NULL;", "42601", NULL},
        {"NULL;", "42601", NULL},
        {"BEGIN NULL; EXCEPTION WHEN SQLSTATE 'x' THEN NULL; END", "42601", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (sqldo_parse(bad[i].body, strlen(bad[i].body), &b, &err) == SQL_OK)
            fail_msg("[%s] accepted", bad[i].body);
        if (strcmp(err.code, bad[i].code)) fail_msg("[%s]: %s %s, want %s", bad[i].body, err.code, err.message, bad[i].code);
        if (bad[i].part && !strstr(err.message, bad[i].part))
            fail_msg("[%s]: message [%s] lacks [%s]", bad[i].body, err.message, bad[i].part);
    }
    expect_error("DO LANGUAGE sql 'SELECT 1'", "0A000", "language sql");
    expect_error("DO $$BEGIN LOOP END LOOP; END$$", "0A000", "LOOP");
    sqlparse_result r;
    sqlast_stmt *s = parse_one("DO $$BEGIN CREATE TYPE e AS ENUM ('a'); END$$", &r);
    assert_int_equal(s->kind, SQLAST_DO);
    assert_string_equal(s->value, "BEGIN CREATE TYPE e AS ENUM ('a'); END");
    sqlparse_result_free(&r);
}

/* CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE, DROP TYPE */
static void test_enum_ddl(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("CREATE TYPE public.mood AS ENUM ('sad', '', 'ok')", &r);
    assert_int_equal(s->kind, SQLAST_CREATE_TYPE);
    assert_string_equal(s->name, "public\x1emood"); /* with its schema (sqlast.h) */
    assert_int_equal(s->nnames, 3);
    assert_string_equal(s->names[1], "");
    sqlparse_result_free(&r);
    s = parse_one("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'sad'", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_TYPE);
    assert_string_equal(s->value, "meh");
    assert_string_equal(s->column, "sad");
    assert_true(s->missing_ok && s->set_not_null);
    sqlparse_result_free(&r);
    s = parse_one("DROP TYPE IF EXISTS mood, public.e2 CASCADE", &r);
    assert_int_equal(s->kind, SQLAST_DROP_TYPE);
    assert_int_equal(s->nnames, 2);
    assert_string_equal(s->names[1], "public\x1e" "e2");
    assert_true(s->missing_ok && s->cascade);
    sqlparse_result_free(&r);
    s = parse_one("ALTER TYPE other.mood OWNER TO alice", &r);
    assert_int_equal(s->kind, SQLAST_ALTER_TYPE);
    assert_true(s->owner_to);
    assert_string_equal(s->name, "other\x1emood");
    assert_string_equal(s->value, "alice");
    sqlparse_result_free(&r);
    expect_error("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", "0A000", "RENAME VALUE");
    expect_error("CREATE TYPE mood AS ENUM ('0123456789012345678901234567890123456789012345678901234567890123')",
                 "22P05", "invalid enum label");
}

static void test_select_refusals(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s;
    expect_error("SELECT 'a' COLLATE \"de_DE\"", "42704", "collation \"de_DE\"");
    expect_error("SELECT * FROM ROWS FROM (f(1), g(2)) AS x", "0A000", "ROWS FROM");
    expect_error("SELECT rank() OVER w FROM t", "42704", "window \"w\" does not exist");
    expect_error("SELECT lower(a) OVER () FROM t", "42809", "not a window function");
    expect_error("SELECT * FROM t FOR UPDATE OF u", "42P01", "not found in FROM clause");
    expect_error("SELECT (a, b) IS DISTINCT FROM (c, d) FROM t", "0A000", "DISTINCT FROM");
    expect_error("PREPARE TRANSACTION 'x'", "0A000", "two-phase commit");
    expect_error("SET default_transaction_read_only = on", "0A000", "read-only");
    expect_error("EXPLAIN (FORMAT JSON) SELECT 1", "0A000", "EXPLAIN formats");
    expect_error("EXPLAIN DELETE FROM t", "0A000", "EXPLAIN of");
    s = parse_one("CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING btree (a DESC, b text_pattern_ops "
                  "NULLS FIRST) INCLUDE (c)", &r);
    assert_int_equal(s->kind, SQLAST_CREATE_INDEX);
    assert_true(s->missing_ok);
    assert_true(s->indexes[0].unique && !s->indexes[0].constraint);
    assert_int_equal(s->indexes[0].ncols, 2);
    assert_int_equal(s->indexes[0].opt[0], 3); /* DESC: NULLS FIRST by default */
    assert_int_equal(s->indexes[0].opt[1], 2);
    assert_int_equal(s->indexes[0].ninclude, 1);
    sqlparse_result_free(&r);
    expect_error("CREATE INDEX i ON t USING hash (a)", "0A000", "hash");
    expect_error("CREATE UNIQUE INDEX i ON t USING gin (a)", "0A000", "does not support unique");
    expect_error("CREATE INDEX i ON t USING gin (a DESC)", "0A000", "ASC/DESC");
    expect_error("CREATE INDEX i ON t (a) WHERE a > 0", "0A000", "partial indexes");
    /* expression elements: their text as written, options and one pair of parentheses off */
    s = parse_one("CREATE INDEX i ON t (lower(a) DESC, b, ((c ->> 'k, )')) text_pattern_ops NULLS FIRST, "
                  "/* (, */ (d + 1))", &r);
    assert_int_equal(s->indexes[0].ncols, 4);
    assert_string_equal(s->indexes[0].exprs[0], "lower(a)");
    assert_null(s->indexes[0].exprs[1]);
    assert_string_equal(s->indexes[0].cols[1], "b");
    assert_string_equal(s->indexes[0].exprs[2], "(c ->> 'k, )')");
    assert_string_equal(s->indexes[0].exprs[3], "d + 1");
    assert_int_equal(s->indexes[0].opt[0], 3);
    assert_int_equal(s->indexes[0].opt[2], 2);
    sqlparse_result_free(&r);
    expect_error("CREATE INDEX i ON t (a jsonb_path_ops)", "0A000", "jsonb_path_ops");
    expect_error("SELECT 'x'::timetz", "0A000", "time with time zone");
    /* a type name the parser does not know may be an enum type: looked up when it runs */
    s = parse_one("SELECT 'x'::nosuchtype", &r);
    assert_int_equal(s->targets[0].expr->kind, SQLAST_CAST);
    assert_int_equal(s->targets[0].expr->cast_type, SQLVAL_ENUM);
    assert_string_equal(s->targets[0].expr->name, "nosuchtype");
    sqlparse_result_free(&r);
    expect_error("SELECT 'x'::nosuchtype[]", "42704", "nosuchtype");
    expect_error("SELECT lower(a) FILTER (WHERE a > 1) FROM t", "42809", "not an aggregate");
}

/* Joins, subqueries, WITH, set operations, DISTINCT, VALUES and functions in FROM parse into
 * the relational parts of a SELECT (sqlplan.c plans them). */
static void test_select_relational(void **state)
{
    (void)state;
    sqlparse_result r;
    /* catalog queries are relational queries like any other (psql's \d) */
    sqlast_stmt *c = parse_one("SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_namespace n "
                               "ON n.oid = c.relnamespace WHERE c.relname "
                               "OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default "
                               "AND n.nspname !~ '^pg_' AND c.relacl[1] IS NULL", &r);
    assert_int_equal(c->from[0]->kind, SQLAST_FROM_JOIN);
    sqlast_expr *w = c->where;
    assert_int_equal(w->kind, SQLAST_AND);
    assert_int_equal(w->args[0]->kind, SQLAST_OP); /* COLLATE default: the comparison as is */
    assert_int_equal(w->args[0]->op, SQLAST_OP_REGEX);
    assert_false(w->args[0]->negate);
    assert_int_equal(w->args[1]->op, SQLAST_OP_REGEX);
    assert_true(w->args[1]->negate);
    assert_int_equal(w->args[2]->args[0]->kind, SQLAST_FUNC);
    assert_string_equal(w->args[2]->args[0]->name, "[]");
    sqlparse_result_free(&r);
    sqlast_stmt *s = parse_one("SELECT * FROM a LEFT JOIN b USING (x) NATURAL FULL JOIN c, d AS e(p, q)", &r);
    assert_int_equal(s->nfrom, 2);
    sqlast_from *j = s->from[0];
    assert_int_equal(j->kind, SQLAST_FROM_JOIN);
    assert_int_equal(j->jointype, SQLAST_JOIN_FULL);
    assert_true(j->natural);
    assert_int_equal(j->larg->kind, SQLAST_FROM_JOIN);
    assert_int_equal(j->larg->jointype, SQLAST_JOIN_LEFT);
    assert_int_equal(j->larg->nusing, 1);
    assert_string_equal(j->larg->using_cols[0], "x");
    assert_int_equal(s->from[1]->ncolnames, 2);
    assert_string_equal(s->from[1]->alias, "e");
    assert_null(s->table); /* not a single-table statement */
    sqlparse_result_free(&r);

    s = parse_one("SELECT (SELECT 1), x IN (SELECT y FROM u), EXISTS (SELECT 1), x < ALL (SELECT 2) FROM t", &r);
    assert_string_equal(s->table, "t");
    assert_int_equal(s->targets[0].expr->kind, SQLAST_SUBLINK);
    assert_int_equal(s->targets[0].expr->sublink, SQLAST_SUB_EXPR);
    assert_int_equal(s->targets[1].expr->sublink, SQLAST_SUB_ANY);
    assert_int_equal(s->targets[1].expr->op, SQLAST_OP_EQ);
    assert_int_equal(s->targets[2].expr->sublink, SQLAST_SUB_EXISTS);
    assert_int_equal(s->targets[3].expr->sublink, SQLAST_SUB_ALL);
    assert_int_equal(s->targets[3].expr->op, SQLAST_OP_LT);
    sqlparse_result_free(&r);

    s = parse_one("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                  "SELECT n FROM r INTERSECT SELECT 2 ORDER BY 1 LIMIT 1", &r);
    assert_true(s->recursive);
    assert_int_equal(s->nctes, 1);
    assert_string_equal(s->ctes[0].name, "r");
    assert_int_equal(s->ctes[0].query->setop, SQLAST_SETOP_UNION);
    assert_true(s->ctes[0].query->setop_all);
    assert_int_equal(s->setop, SQLAST_SETOP_INTERSECT);
    assert_int_equal(s->norder, 1);
    assert_non_null(s->limit);
    sqlparse_result_free(&r);

    s = parse_one("SELECT DISTINCT ON (a) a, b FROM t ORDER BY a", &r);
    assert_true(s->distinct);
    assert_int_equal(s->ndistinct_on, 1);
    sqlparse_result_free(&r);
    s = parse_one("VALUES (1, 'a'), (2, 'b')", &r);
    assert_true(s->is_values);
    assert_int_equal(s->nrows, 2);
    assert_int_equal(s->nvalues, 2);
    sqlparse_result_free(&r);
    s = parse_one("SELECT * FROM generate_series(1, 3) WITH ORDINALITY AS g(v, n), LATERAL (SELECT v) s", &r);
    assert_int_equal(s->from[0]->kind, SQLAST_FROM_FUNC);
    assert_true(s->from[0]->ordinality);
    assert_int_equal(s->from[1]->kind, SQLAST_FROM_SUBQUERY);
    assert_true(s->from[1]->lateral);
    sqlparse_result_free(&r);
    /* a deep copy (the statement cache) keeps every relational part */
    s = parse_one("WITH w AS (SELECT 1) SELECT * FROM w JOIN (SELECT 2) s ON true WHERE EXISTS (SELECT 3)", &r);
    sqlast_stmt *d = sqlast_stmt_dup(s);
    assert_non_null(d);
    assert_int_equal(d->nctes, 1);
    assert_int_equal(d->from[0]->kind, SQLAST_FROM_JOIN);
    assert_non_null(d->from[0]->rarg->sub);
    assert_non_null(d->where->sub);
    sqlast_stmt_free(d);
    sqlparse_result_free(&r);
    expect_error("SELECT * FROM (SELECT 1)", "42601", "must have an alias");
    expect_error("SELECT 1 FOR UPDATE UNION SELECT 2", "42601", NULL);
}

static void test_transactions_and_settings(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query("START TRANSACTION ISOLATION LEVEL READ COMMITTED; END; ABORT; "
                                    "SET search_path TO public, x; SET LOCAL a = 1; SET TIME ZONE 'UTC'; "
                                    "RESET ALL; RESET x; SHOW x; SET x TO DEFAULT; "
                                    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED; "
                                    "SAVEPOINT sp1; RELEASE SAVEPOINT sp1; ROLLBACK TO \"Sp2\"",
                                    &r, &err),
                     SQL_OK);
    assert_int_equal(r.nstmts, 14);
    assert_int_equal(r.stmts[11]->kind, SQLAST_SAVEPOINT);
    assert_string_equal(r.stmts[11]->name, "sp1");
    assert_int_equal(r.stmts[12]->kind, SQLAST_RELEASE);
    assert_int_equal(r.stmts[13]->kind, SQLAST_ROLLBACK_TO);
    assert_string_equal(r.stmts[13]->name, "Sp2");
    assert_int_equal(r.stmts[0]->kind, SQLAST_BEGIN);
    assert_int_equal(r.stmts[1]->kind, SQLAST_COMMIT);
    assert_int_equal(r.stmts[2]->kind, SQLAST_ROLLBACK);
    assert_int_equal(r.stmts[3]->kind, SQLAST_SET);
    assert_string_equal(r.stmts[3]->value, "public, x");
    assert_true(r.stmts[4]->set_local);
    assert_string_equal(r.stmts[4]->value, "1");
    assert_string_equal(r.stmts[5]->name, "timezone");
    assert_string_equal(r.stmts[5]->value, "UTC");
    assert_int_equal(r.stmts[6]->kind, SQLAST_RESET);
    assert_null(r.stmts[6]->name);
    assert_string_equal(r.stmts[7]->name, "x");
    assert_int_equal(r.stmts[8]->kind, SQLAST_SHOW);
    assert_null(r.stmts[9]->value);
    /* SESSION CHARACTERISTICS set the session's default, as PostgreSQL */
    assert_string_equal(r.stmts[10]->name, "default_transaction_isolation");
    assert_string_equal(r.stmts[10]->value, "read committed");
    sqlparse_result_free(&r);
}

/* Text of n copies of `item` joined by `sep`, between prefix and suffix (caller frees). */
static char *repeat(const char *prefix, const char *item, const char *sep, int n, const char *suffix)
{
    size_t len = strlen(prefix) + strlen(suffix) + (size_t)n * (strlen(item) + strlen(sep)) + 1;
    char *s = malloc(len), *p = s;
    assert_non_null(s);
    p += sprintf(p, "%s", prefix);
    for (int i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? sep : "", item);
    sprintf(p, "%s", suffix);
    return s;
}

/* Issue #21: a 70,000-term chain crashed the daemon inside libpg_query; any depth must end in
 * a clean 54001 (PostgreSQL's "stack depth limit exceeded"), while long flat lists parse. */
static void test_nesting_bound(void **state)
{
    (void)state;
    struct {
        const char *prefix, *item, *sep, *suffix;
        int n;
    } deep[] = {
        {"SELECT ", "1", "+", "", 70000},      {"SELECT ", "'a'", "||", "", 200000},
        {"SELECT ", "NOT", " ", " true", 70000},
        {"SELECT 1", "::int", "", "", 70000},  {"SELECT ", "-", " ", " 1", 70000},
    };
    for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++) {
        char *sql = repeat(deep[i].prefix, deep[i].item, deep[i].sep, deep[i].n, deep[i].suffix);
        sqlparse_result r;
        sqlerr err;
        if (sqlparse_query(sql, &r, &err) != SQL_ERR) fail_msg("case %zu parsed", i);
        assert_string_equal(err.code, "54001");
        assert_int_equal(r.nstmts, 0);
        unsigned long long fp;
        if (deep[i].n >= 60000) {
            assert_int_equal(sqlparse_fingerprint(sql, &fp, &err), SQL_ERR);
            assert_string_equal(err.code, "54001");
        }
        free(sql);
    }
    /* what PostgreSQL 15 parses parses: a 3,000-term chain (jansson's JSON depth limit stopped
     * it near 1,000 before the parse tree was read without it), 4,000 nested parentheses (they
     * only group), and 60,000 ANDs (one flat list) */
    struct {
        const char *prefix, *item, *sep, *suffix;
        int n;
    } fine[] = {
        {"SELECT ", "1", "+", "", 3000},
        {"SELECT 1 WHERE ", "1 = 1", " AND ", "", 60000},
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        char *sql = repeat(fine[i].prefix, fine[i].item, fine[i].sep, fine[i].n, fine[i].suffix);
        sqlparse_result r;
        sqlerr err;
        if (sqlparse_query(sql, &r, &err) != SQL_OK) fail_msg("case %zu: %s %s", i, err.code, err.message);
        assert_int_equal(r.nstmts, 1);
        sqlparse_result_free(&r);
        free(sql);
    }
    {
        char *sql = malloc(4000 * 2 + 16);
        assert_non_null(sql);
        char *p = sql + sprintf(sql, "SELECT ");
        for (int i = 0; i < 4000; i++) *p++ = '(';
        *p++ = '1';
        for (int i = 0; i < 4000; i++) *p++ = ')';
        *p = 0;
        sqlparse_result r;
        sqlerr err;
        if (sqlparse_query(sql, &r, &err) != SQL_OK) fail_msg("parentheses: %s %s", err.code, err.message);
        sqlparse_result_free(&r);
        free(sql);
    }
    /* flat lists of any length, and operators inside strings, comments and dollar quotes */
    const char *flat[][4] = {
        {"INSERT INTO t VALUES ", "(1, -2, 'x+y', $$a+b$$, -3 /* + - */)", ", ", ""},
        {"SELECT 1 WHERE a IN (", "-1", ", ", ")"},
        {"SELECT ", "'+-*/' || -- ++++\n 'x'", ", ", ""},
    };
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        char *sql = repeat(flat[i][0], flat[i][1], flat[i][2], 20000, flat[i][3]);
        sqlparse_result r;
        sqlerr err;
        int rc = sqlparse_query(sql, &r, &err);
        if (rc) fail_msg("%.60s...: %s %s", sql, err.code, err.message);
        sqlparse_result_free(&r);
        free(sql);
    }
    char *ok = repeat("SELECT ", "1", "+", 900, "");
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query(ok, &r, &err), SQL_OK);
    sqlparse_result_free(&r);
    free(ok);
}

static void test_copy(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlast_stmt *s = parse_one("COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'x')", &r);
    assert_int_equal(s->kind, SQLAST_COPY);
    assert_true(s->copy_from);
    assert_true(s->csv);
    assert_true(s->header);
    assert_int_equal(s->delimiter, ';');
    assert_string_equal(s->null_str, "x");
    assert_int_equal(s->ncopy_cols, 2);
    sqlparse_result_free(&r);
    s = parse_one("COPY t TO STDOUT", &r);
    assert_false(s->copy_from);
    assert_false(s->csv);
    assert_int_equal(s->delimiter, '\t');
    assert_string_equal(s->null_str, "\\N");
    sqlparse_result_free(&r);
    expect_error("COPY t FROM '/etc/passwd'", "0A000", "file");
    expect_error("COPY (DELETE FROM t RETURNING a) TO STDOUT", "0A000", "RETURNING");
    expect_error("COPY t TO STDOUT WHERE a > 1", "42601", "WHERE clause not allowed with COPY TO");
    sqlparse_result rq;
    sqlast_stmt *sq = parse_one("COPY (SELECT a FROM t) TO STDOUT (FORMAT csv)", &rq);
    assert_non_null(sq->select);
    assert_null(sq->table);
    assert_true(sq->csv && !sq->copy_from);
    sqlparse_result_free(&rq);
    sq = parse_one("COPY t FROM STDIN WHERE a > 1", &rq);
    assert_non_null(sq->where);
    assert_true(sq->copy_from);
    sqlparse_result_free(&rq);
    sqlparse_result rb;
    sqlast_stmt *sb = parse_one("COPY t TO STDOUT (FORMAT binary)", &rb);
    assert_true(sb->binary && !sb->csv);
    sqlparse_result_free(&rb);
    expect_error("COPY t TO STDOUT (FORMAT binary, HEADER)", "0A000", "HEADER in BINARY mode");
    expect_error("COPY t FROM STDIN (FORMAT binary, DELIMITER ',')", "42601", "DELIMITER in BINARY mode");
}

static void test_fingerprint(void **state)
{
    (void)state;
    unsigned long long a, b, c;
    sqlerr err;
    assert_int_equal(sqlparse_fingerprint("SELECT * FROM t WHERE x = 1", &a, &err), SQL_OK);
    assert_int_equal(sqlparse_fingerprint("select * from t where x = 42", &b, &err), SQL_OK);
    assert_int_equal(sqlparse_fingerprint("SELECT * FROM u WHERE x = 1", &c, &err), SQL_OK);
    assert_true(a == b);
    assert_true(a != c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_error_position), cmocka_unit_test(test_multi_and_empty),
        cmocka_unit_test(test_create_table), cmocka_unit_test(test_drop_alter),
        cmocka_unit_test(test_insert), cmocka_unit_test(test_update_delete),
        cmocka_unit_test(test_select_forms), cmocka_unit_test(test_select_refusals),
        cmocka_unit_test(test_do_blocks), cmocka_unit_test(test_enum_ddl),
        cmocka_unit_test(test_select_relational),
        cmocka_unit_test(test_transactions_and_settings), cmocka_unit_test(test_copy),
        cmocka_unit_test(test_fingerprint),   cmocka_unit_test(test_nesting_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
