/* tests/unit/sql/test_sqlschema.c — CREATE validation, type mapping, ALTER, catalog codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlparse.h"
#include "server/sql/sqlschema.h"

static int create(const char *sql, sqlschema_table **t, sqlerr *err)
{
    sqlparse_result r;
    if (sqlparse_query(sql, &r, err)) return SQL_ERR;
    int rc = sqlschema_from_create(r.stmts[0], 42, t, err);
    sqlparse_result_free(&r);
    return rc;
}

static void expect_create_error(const char *sql, const char *code)
{
    sqlschema_table *t = NULL;
    sqlerr err;
    if (create(sql, &t, &err) == SQL_OK) fail_msg("[%s] accepted", sql);
    if (strcmp(err.code, code)) fail_msg("[%s]: %s %s, want %s", sql, err.code, err.message, code);
    assert_null(t);
}

static void test_types_and_oids(void **state)
{
    (void)state;
    sqlschema_table *t;
    sqlerr err;
    assert_int_equal(create("CREATE TABLE t (id bigint PRIMARY KEY, a int, b smallint, c text, d varchar(5), "
                            "e double precision, f real, g boolean, h bytea, i jsonb, j timestamptz, "
                            "k numeric, l lww_register, m g_counter, n pn_counter, o mv_register, "
                            "p or_set, q aw_set, r lww_map)", &t, &err), SQL_OK);
    static const struct {
        sqlschema_kind kind;
        uint32_t oid;
        const char *name;
    } want[] = {
        {SQLSCHEMA_LWW, 20, "bigint"}, {SQLSCHEMA_LWW, 23, "integer"}, {SQLSCHEMA_LWW, 21, "smallint"},
        {SQLSCHEMA_LWW, 25, "text"}, {SQLSCHEMA_LWW, 1043, "character varying(5)"},
        {SQLSCHEMA_LWW, 701, "double precision"}, {SQLSCHEMA_LWW, 700, "real"},
        {SQLSCHEMA_LWW, 16, "boolean"}, {SQLSCHEMA_LWW, 17, "bytea"}, {SQLSCHEMA_LWW, 3802, "jsonb"},
        {SQLSCHEMA_LWW, 1184, "timestamp with time zone"}, {SQLSCHEMA_LWW, 1700, "numeric"},
        {SQLSCHEMA_LWW, 25, "lww_register"}, {SQLSCHEMA_G_COUNTER, 20, "g_counter"},
        {SQLSCHEMA_PN_COUNTER, 20, "pn_counter"}, {SQLSCHEMA_MV_REGISTER, 1009, "mv_register"},
        {SQLSCHEMA_OR_SET, 1009, "or_set"}, {SQLSCHEMA_AW_SET, 1009, "aw_set"},
        {SQLSCHEMA_LWW_MAP, 3802, "lww_map"},
    };
    assert_int_equal(t->ncols, 19);
    for (int i = 0; i < 19; i++) {
        assert_int_equal(t->cols[i].kind, want[i].kind);
        assert_int_equal(sqlval_type_oid(t->cols[i].type), want[i].oid);
        assert_string_equal(t->cols[i].type_name, want[i].name);
        assert_int_equal(t->cols[i].id, i + 1);
    }
    assert_int_equal(t->npk, 1);
    assert_int_equal(t->pk[0], 0);
    assert_true(t->cols[0].not_null);
    sqlschema_free(t);
}

static void test_create_rules(void **state)
{
    (void)state;
    sqlschema_table *t;
    sqlerr err;
    assert_int_equal(create("CREATE TABLE c (b int, a text, v g_counter, PRIMARY KEY (a, b))", &t, &err), SQL_OK);
    assert_int_equal(t->npk, 2);
    assert_int_equal(t->pk[0], 1);
    assert_int_equal(t->pk[1], 0);
    assert_int_equal(t->cols[1].pk_pos, 0);
    assert_true(t->cols[0].not_null);
    sqlschema_free(t);
    /* no primary key: the hidden row id is the key (helios_rowid, helios_rowid_node) */
    assert_int_equal(create("CREATE TABLE t (a int, b text)", &t, &err), SQL_OK);
    assert_int_equal(t->ncols, 4);
    assert_int_equal(t->npk, 2);
    assert_true(t->cols[t->pk[0]].hidden);
    assert_string_equal(t->cols[t->pk[0]].name, SQLSCHEMA_ROWID);
    assert_string_equal(t->cols[t->pk[1]].name, SQLSCHEMA_ROWID_NODE);
    assert_int_equal(sqlschema_visible_columns(t), 2);
    {
        /* the row id survives the catalog codec; ADD PRIMARY KEY replaces it */
        sqlschema_table *c = NULL;
        assert_int_equal(sqlschema_copy(t, &c, &err), SQL_OK);
        assert_true(sqlschema_has_rowid(c));
        char *keys[] = {"a"};
        assert_int_equal(sqlschema_set_primary_key(c, keys, 1, -1, &err), SQL_OK);
        assert_false(sqlschema_has_rowid(c));
        assert_int_equal(c->ncols, 2);
        assert_int_equal(c->npk, 1);
        assert_true(c->cols[0].not_null);
        assert_int_equal(sqlschema_set_primary_key(c, keys, 1, -1, &err), SQL_ERR);
        assert_string_equal(err.code, "42P16");
        sqlschema_free(c);
    }
    sqlschema_free(t);
    expect_create_error("CREATE TABLE t (helios_rowid int)", "42701");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, a text)", "42701");
    expect_create_error("CREATE TABLE t (a int, PRIMARY KEY (b))", "42703");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)", "42P16");
    expect_create_error("CREATE TABLE t (a g_counter PRIMARY KEY)", "0A000");
    expect_create_error("CREATE TABLE t (a double precision PRIMARY KEY)", "0A000");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b nosuchtype)", "42704");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b timetz)", "0A000");
    expect_create_error("CREATE TABLE t (a interval PRIMARY KEY)", "0A000");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b g_counter DEFAULT 1)", "0A000");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b int DEFAULT 'x')", "22P02");
    expect_create_error("CREATE TABLE t (a int PRIMARY KEY, b int DEFAULT a)", "0A000");
}

static void test_defaults_and_alter(void **state)
{
    (void)state;
    sqlschema_table *t;
    sqlerr err;
    assert_int_equal(create("CREATE TABLE t (id text PRIMARY KEY, n int DEFAULT 2 + 3, s text DEFAULT 'x', "
                            "ts timestamptz DEFAULT now(), z int DEFAULT NULL)", &t, &err), SQL_OK);
    assert_true(t->cols[1].has_default);
    assert_int_equal(t->cols[1].default_value.u.i, 5);
    assert_int_equal(t->cols[1].default_value.type, SQLVAL_INT4);
    assert_string_equal(t->cols[2].default_value.s, "x");
    assert_true(t->cols[3].default_now);
    assert_false(t->cols[4].has_default);

    sqlparse_result r;
    assert_int_equal(sqlparse_query("ALTER TABLE t ADD COLUMN tags or_set", &r, &err), SQL_OK);
    assert_int_equal(sqlschema_add_column(t, &r.stmts[0]->cols[0], &err), SQL_OK);
    assert_int_equal(sqlschema_add_column(t, &r.stmts[0]->cols[0], &err), SQL_ERR);
    assert_string_equal(err.code, "42701");
    sqlparse_result_free(&r);
    assert_int_equal(t->cols[5].id, 6);
    assert_int_equal(sqlschema_drop_column(t, "n", &err), SQL_OK);
    assert_int_equal(sqlschema_drop_column(t, "n", &err), SQL_ERR);
    assert_string_equal(err.code, "42703");
    assert_int_equal(sqlschema_drop_column(t, "id", &err), SQL_ERR);
    assert_string_equal(err.code, "0A000");
    /* ids are never reused: a re-added column gets a fresh one */
    assert_int_equal(sqlparse_query("ALTER TABLE t ADD COLUMN n pn_counter", &r, &err), SQL_OK);
    assert_int_equal(sqlschema_add_column(t, &r.stmts[0]->cols[0], &err), SQL_OK);
    sqlparse_result_free(&r);
    assert_int_equal(t->cols[sqlschema_find_column(t, "n")].id, 7);
    assert_int_equal(t->pk[0], 0);
    sqlschema_free(t);
}

static void test_codec_roundtrip_and_strictness(void **state)
{
    (void)state;
    sqlschema_table *t, *u;
    sqlerr err;
    assert_int_equal(create("CREATE TABLE tbl (k2 int, k1 text, n numeric DEFAULT 1.50 NOT NULL, "
                            "ts timestamptz DEFAULT now(), m lww_map, PRIMARY KEY (k1, k2))", &t, &err), SQL_OK);
    codec_buf b, b2;
    codec_buf_init(&b);
    codec_buf_init(&b2);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_int_equal(sqlschema_encode(u, &b2), SQL_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len); /* canonical */
    assert_int_equal(u->id, 42);
    assert_string_equal(u->name, "tbl");
    assert_int_equal(u->npk, 2);
    assert_int_equal(u->pk[0], 1);
    assert_string_equal(u->cols[2].default_value.s, "1.50");
    assert_true(u->cols[2].not_null);
    assert_true(u->cols[3].default_now);
    assert_int_equal(u->cols[4].kind, SQLSCHEMA_LWW_MAP);
    sqlschema_free(u);

    /* every truncation and every single-byte corruption is either rejected or decodes to a
     * table that re-encodes to exactly the corrupted bytes (never a crash, never garbage) */
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(sqlschema_decode(b.data, n, &u, &err), SQL_ERR);
    assert_string_equal(err.code, "XX001");
    uint8_t *copy = malloc(b.len + 1);
    for (size_t i = 0; i < b.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, b.data, b.len);
            copy[i] ^= (uint8_t)(1u << bit);
            if (sqlschema_decode(copy, b.len, &u, &err) == SQL_OK) {
                codec_buf_reset(&b2);
                assert_int_equal(sqlschema_encode(u, &b2), SQL_OK);
                assert_int_equal(b2.len, b.len);
                assert_memory_equal(b2.data, copy, b.len);
                sqlschema_free(u);
            }
        }
    }
    memcpy(copy, b.data, b.len);
    copy[b.len] = 0;
    assert_int_equal(sqlschema_decode(copy, b.len + 1, &u, &err), SQL_ERR); /* trailing byte */
    free(copy);
    codec_buf_free(&b);
    codec_buf_free(&b2);
    sqlschema_free(t);
}

/* Every truncation and single-bit corruption of b is rejected or re-encodes to exactly the
 * corrupted bytes. */
static void check_strict(const codec_buf *b)
{
    sqlschema_table *u;
    sqlerr err;
    codec_buf b2;
    codec_buf_init(&b2);
    for (size_t n = 0; n < b->len; n++)
        assert_int_equal(sqlschema_decode(b->data, n, &u, &err), SQL_ERR);
    uint8_t *copy = malloc(b->len + 1);
    for (size_t i = 0; i < b->len; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(copy, b->data, b->len);
            copy[i] ^= (uint8_t)(1u << bit);
            if (sqlschema_decode(copy, b->len, &u, &err) == SQL_OK) {
                codec_buf_reset(&b2);
                assert_int_equal(sqlschema_encode(u, &b2), SQL_OK);
                assert_int_equal(b2.len, b->len);
                assert_memory_equal(b2.data, copy, b->len);
                sqlschema_free(u);
            }
        }
    free(copy);
    codec_buf_free(&b2);
}

/* Sequences (format 3) and the columns that use them: parameters as PostgreSQL sets them,
 * a strict round trip. */
static void test_sequences(void **state)
{
    (void)state;
    sqlparse_result r;
    sqlerr err;
    sqlschema_table *q, *u;
    assert_int_equal(sqlparse_query("CREATE SEQUENCE s AS integer START -5 INCREMENT -2 MINVALUE -100 "
                                    "CACHE 10 CYCLE", &r, &err), SQL_OK);
    assert_int_equal(sqlschema_seq_new("s", 77, r.stmts[0], 0, 16, &q, &err), SQL_OK);
    sqlparse_result_free(&r);
    assert_int_equal(q->seq->type_len, 4);
    assert_int_equal(q->seq->increment, -2);
    assert_int_equal(q->seq->max, -1); /* descending: MAXVALUE defaults to -1 */
    assert_int_equal(q->seq->min, -100);
    assert_int_equal(q->seq->stride, 16);
    assert_true(q->seq->cycle);
    q->seq->restart_gen = 123456789;
    q->seq->restart_value = -7;
    codec_buf b, b2;
    codec_buf_init(&b);
    codec_buf_init(&b2);
    assert_int_equal(sqlschema_encode(q, &b), SQL_OK);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_non_null(u->seq);
    assert_int_equal(u->seq->restart_gen, 123456789);
    assert_int_equal(u->seq->restart_value, -7);
    assert_int_equal(u->ncols, 3);
    assert_string_equal(u->cols[0].name, "last_value");
    assert_int_equal(sqlschema_encode(u, &b2), SQL_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    sqlschema_free(u);
    check_strict(&b);
    sqlschema_free(q);
    /* the bounds PostgreSQL refuses */
    static const char *const bad[] = {"CREATE SEQUENCE x INCREMENT 0", "CREATE SEQUENCE x MINVALUE 5 MAXVALUE 5",
                                      "CREATE SEQUENCE x AS smallint MAXVALUE 40000",
                                      "CREATE SEQUENCE x START 0", "CREATE SEQUENCE x CACHE 0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sqlparse_query(bad[i], &r, &err), SQL_OK);
        assert_int_equal(sqlschema_seq_new("x", 78, r.stmts[0], 0, 1, &q, &err), SQL_ERR);
        assert_string_equal(err.code, "22023");
        assert_null(q);
        sqlparse_result_free(&r);
    }
    /* a serial / identity column carries its sequence's id */
    sqlschema_table *t;
    assert_int_equal(create("CREATE TABLE t (id bigserial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY, "
                            "v varchar(7), m numeric(6,-1), ts timestamptz(3))",
                            &t, &err), SQL_OK);
    assert_string_equal(t->cols[3].type_name, "numeric(6,-1)");
    assert_int_equal(t->cols[2].typmod, 7 + 4);
    assert_int_equal(t->cols[4].typmod, 3);
    assert_int_equal(t->cols[0].default_seq, SQLSCHEMA_SEQ_PENDING);
    assert_int_equal(t->cols[1].identity, 'a');
    t->cols[0].default_seq = 9;
    t->cols[1].default_seq = 10;
    codec_buf_reset(&b);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_int_equal(u->cols[0].default_seq, 9);
    assert_int_equal(u->cols[1].default_seq, 10);
    assert_int_equal(u->cols[1].identity, 'a');
    assert_true(u->cols[1].not_null);
    assert_string_equal(u->cols[4].type_name, "timestamp(3) with time zone");
    assert_int_equal(u->cols[3].typmod, t->cols[3].typmod);
    sqlschema_free(u);
    check_strict(&b);
    sqlschema_free(t);
    codec_buf_free(&b);
    codec_buf_free(&b2);
}

/* A relation in another schema than public carries it (flag 0x40); a view its path too; one
 * in public with the default path encodes as before (no flag). Strict either way. */
static void test_schema_codec(void **state)
{
    (void)state;
    sqlschema_table *t, *u;
    sqlerr err;
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(create("CREATE TABLE t (id int PRIMARY KEY, v text)", &t, &err), SQL_OK);
    assert_int_equal(sqlschema_nsp(t), SQLSCHEMA_NSP_PUBLIC);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(b.data[0] & SQLSCHEMA_FORMAT_NSP, 0); /* public: the old bytes */
    size_t public_len = b.len;
    t->nsp = 0x10005;
    codec_buf_reset(&b);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(b.data[0] & SQLSCHEMA_FORMAT_NSP, SQLSCHEMA_FORMAT_NSP);
    assert_int_equal(b.len, public_len + 4);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_int_equal(u->nsp, 0x10005);
    sqlschema_free(u);
    check_strict(&b);
    /* the flag with schema public is not canonical: refused */
    b.data[b.len - 4] = 0, b.data[b.len - 3] = 0, b.data[b.len - 2] = 0x08, b.data[b.len - 1] = 0x98;
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_ERR);
    assert_string_equal(err.code, "XX001");
    /* a view: its schema and the path its names resolve in */
    t->nsp = 0;
    t->view_sql = strdup("CREATE VIEW t AS SELECT 1 AS id, 'x' AS v");
    for (int i = 0; i < t->ncols; i++) t->cols[i].pk_pos = -1;
    t->npk = 0;
    t->view_path = calloc(2, sizeof *t->view_path);
    t->view_path[0] = 0x10005;
    t->view_path[1] = SQLSCHEMA_NSP_PUBLIC;
    t->nview_path = 2;
    codec_buf_reset(&b);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_int_equal(sqlschema_nsp(u), SQLSCHEMA_NSP_PUBLIC);
    assert_int_equal(u->nview_path, 2);
    assert_int_equal(u->view_path[0], 0x10005);
    assert_int_equal(u->view_path[1], SQLSCHEMA_NSP_PUBLIC);
    sqlschema_free(u);
    check_strict(&b);
    t->nview_path = 1; /* public alone: the old encoding */
    t->view_path[0] = SQLSCHEMA_NSP_PUBLIC;
    codec_buf_reset(&b);
    assert_int_equal(sqlschema_encode(t, &b), SQL_OK);
    assert_int_equal(b.data[0] & SQLSCHEMA_FORMAT_NSP, 0);
    assert_int_equal(sqlschema_decode(b.data, b.len, &u, &err), SQL_OK);
    assert_null(u->view_path);
    sqlschema_free(u);
    sqlschema_free(t);
    codec_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_codec),
        cmocka_unit_test(test_types_and_oids), cmocka_unit_test(test_create_rules),
        cmocka_unit_test(test_defaults_and_alter), cmocka_unit_test(test_codec_roundtrip_and_strictness),
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
