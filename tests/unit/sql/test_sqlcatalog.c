/* tests/unit/sql/test_sqlcatalog.c — the catalog's pure parts: the catalog relations'
 * shapes (sqlcatalog_lookup), catalog function resolution (PostgreSQL 15's parameter types),
 * and the catalog value types of sqlval.h ("char", reg*: text forms, casts, comparisons). The
 * relations' rows and the functions' values are compared with PostgreSQL 15 by
 * tests/diff/catalog.sql and tests/integration/test_psql_meta.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlcatalog.h"
#include "server/sql/sqlfunc.h"

static char *text_of(const sqlval *v)
{
    char *s;
    size_t n;
    sqlerr err;
    assert_int_equal(sqlval_to_text(v, &s, &n, &err), SQL_OK);
    return s;
}

static void test_relations(void **state)
{
    (void)state;
    sqlschema_table *t;
    sqlerr err;
    assert_int_equal(sqlcatalog_lookup("pg_catalog", "pg_class", &t, &err), 1);
    assert_int_equal(t->id, 0); /* a virtual table (sqlvirt.h) */
    assert_int_equal(t->ncols, 34); /* 33 and the hidden system column tableoid */
    assert_true(t->cols[33].hidden);
    assert_string_equal(t->cols[33].name, "tableoid");
    assert_string_equal(t->cols[0].name, "oid");
    assert_int_equal(t->cols[0].type, SQLVAL_OID);
    int k = sqlschema_find_column(t, "relkind");
    assert_true(k > 0);
    assert_int_equal(t->cols[k].type, SQLVAL_CHAR);
    assert_int_equal(t->cols[sqlschema_find_column(t, "reltuples")].type, SQLVAL_FLOAT4);
    sqlschema_free(t);
    assert_int_equal(sqlcatalog_lookup("information_schema", "key_column_usage", &t, &err), 1);
    assert_string_equal(t->cols[t->ncols - 2].name, "position_in_unique_constraint");
    sqlschema_free(t);
    assert_int_equal(sqlcatalog_lookup("pg_catalog", "pg_nope", &t, &err), 0);
    assert_null(t);
    assert_int_equal(sqlcatalog_lookup("public", "pg_class", &t, &err), 0);
}

static void test_function_resolution(void **state)
{
    (void)state;
    sqlval_type ret;
    const sqlval_type oid_int[] = {SQLVAL_OID, SQLVAL_INT4};
    const sqlval_type text_int[] = {SQLVAL_TEXT, SQLVAL_INT4};
    const sqlval_type unk2[] = {SQLVAL_UNKNOWN, SQLVAL_UNKNOWN};
    const sqlval_type unk3[] = {SQLVAL_UNKNOWN, SQLVAL_UNKNOWN, SQLVAL_UNKNOWN};
    const sqlval_type reg_bool[] = {SQLVAL_REGCLASS, SQLVAL_BOOL};
    const sqlval_type arr_int[] = {SQLVAL_TEXTARRAY, SQLVAL_INT8};
    assert_int_equal(sqlcatalog_func_resolve("format_type", oid_int, 2, &ret), 1);
    assert_int_equal(ret, SQLVAL_TEXT);
    /* format_type(text, integer) does not exist in PostgreSQL either */
    assert_int_equal(sqlcatalog_func_resolve("format_type", text_int, 2, &ret), 0);
    assert_int_equal(sqlcatalog_func_resolve("format_type", oid_int, 1, &ret), 0);
    assert_int_equal(sqlcatalog_func_resolve("pg_get_userbyid", unk2, 1, &ret), 1);
    assert_int_equal(ret, SQLVAL_NAME);
    assert_int_equal(sqlcatalog_func_resolve("pg_get_indexdef", unk3, 3, &ret), 1);
    assert_int_equal(sqlcatalog_func_resolve("pg_get_indexdef", unk3, 2, &ret), 1);
    assert_int_equal(sqlcatalog_func_resolve("pg_get_constraintdef", reg_bool, 2, &ret), 1);
    assert_int_equal(sqlcatalog_func_resolve("has_table_privilege", unk3, 3, &ret), 1);
    assert_int_equal(sqlcatalog_func_resolve("has_table_privilege", unk2, 1, &ret), 0);
    assert_int_equal(sqlcatalog_func_resolve("[]", arr_int, 2, &ret), 1);
    assert_int_equal(ret, SQLVAL_UNKNOWN); /* adapts to an int2 or an oid it meets */
    assert_int_equal(sqlcatalog_func_resolve("[]", text_int, 2, &ret), 0);
    assert_int_equal(sqlcatalog_func_resolve("lower", unk2, 1, &ret), 0); /* sqlfunc's */
    assert_false(sqlcatalog_converts_literals("has_schema_privilege"));
    assert_true(sqlcatalog_converts_literals("pg_relation_size"));
}

static void test_reg_values(void **state)
{
    (void)state;
    sqlval v, w, c;
    sqlerr err;
    assert_int_equal(sqlval_set_reg(&v, SQLVAL_REGCLASS, 1259, "pg_class", &err), SQL_OK);
    char *s = text_of(&v);
    assert_string_equal(s, "pg_class");
    free(s);
    /* copies keep the name; casts to oid keep the number */
    assert_int_equal(sqlval_copy(&w, &v, &err), SQL_OK);
    s = text_of(&w);
    assert_string_equal(s, "pg_class");
    free(s);
    assert_int_equal(sqlval_cast(&v, SQLVAL_OID, &c, &err), SQL_OK);
    assert_int_equal(c.type, SQLVAL_OID);
    assert_int_equal(c.u.i, 1259);
    int cmp = 9;
    assert_int_equal(sqlval_compare(&v, &c, &cmp, &err), SQL_OK);
    assert_int_equal(cmp, 0);
    sqlval_free(&w);
    /* an oid nothing has prints as its number, InvalidOid as "-" */
    assert_int_equal(sqlval_cast(&c, SQLVAL_REGTYPE, &w, &err), SQL_OK);
    s = text_of(&w);
    assert_string_equal(s, "1259");
    free(s);
    sqlval_free(&w);
    assert_int_equal(sqlval_set_reg(&w, SQLVAL_REGPROC, 0, NULL, &err), SQL_OK);
    s = text_of(&w);
    assert_string_equal(s, "-");
    free(s);
    sqlval_free(&w);
    /* names need the catalog: without it, 42704 */
    assert_int_equal(sqlval_from_text(SQLVAL_REGCLASS, "pg_class", 8, &w, &err), SQL_ERR);
    assert_string_equal(err.code, "42704");
    assert_int_equal(sqlval_from_text(SQLVAL_REGCLASS, "99999999999", 11, &w, &err), SQL_ERR);
    assert_string_equal(err.code, "22003");
    sqlval_free(&v);
    assert_int_equal(sqlval_type_oid(SQLVAL_REGNAMESPACE), 4089);
    assert_int_equal(sqlval_type_len(SQLVAL_REGCLASS), 4);
}

static void test_char_and_catalog_arrays(void **state)
{
    (void)state;
    sqlval v;
    sqlerr err;
    assert_int_equal(sqlval_from_text(SQLVAL_CHAR, "relkind", 7, &v, &err), SQL_OK);
    assert_string_equal(v.s, "r"); /* charin keeps the first byte */
    sqlval_free(&v);
    assert_int_equal(sqlval_from_text(SQLVAL_CHAR, "", 0, &v, &err), SQL_OK);
    assert_string_equal(v.s, "");
    sqlval_free(&v);
    assert_int_equal(sqlval_type_oid(SQLVAL_CHAR), 18);
    assert_int_equal(sqlval_type_len(SQLVAL_CHAR), 1);
    assert_string_equal(sqlval_type_name(SQLVAL_CHAR), "\"char\"");
    assert_int_equal(sqlval_type_lookup("char", false), SQLVAL_CHAR);
    assert_int_equal(sqlval_type_lookup("int2vector", false), SQLVAL_TEXTARRAY);
    assert_int_equal(sqlval_type_lookup("_int2", false), SQLVAL_TEXTARRAY); /* pg_index.indoption */
    assert_int_equal(sqlval_type_lookup("int2", true), SQLVAL_INT2ARRAY);  /* a typed array */
    assert_int_equal(sqlval_type_lookup("int4", true), SQLVAL_INT4ARRAY);
    assert_int_equal(sqlval_type_lookup("_int4", false), SQLVAL_INT4ARRAY);
    assert_int_equal(sqlval_type_lookup("oid", true), SQLVAL_OIDARRAY);
    assert_int_equal(sqlval_type_lookup("bytea", true), SQLVAL_UNKNOWN); /* no bytea[] */
}

static void test_pure_catalog_helpers(void **state)
{
    (void)state;
    /* pg_size_pretty as PostgreSQL 15 prints it */
    static const struct {
        const char *in, *out;
    } sizes[] = {{"0", "0 bytes"}, {"10239", "10239 bytes"}, {"10240", "10 kB"},
                 {"123456789", "118 MB"}, {"-987654321012", "-920 GB"},
                 {"9223372036854775807", "8192 PB"}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        sqlval_type at[1] = {SQLVAL_INT8}, ret;
        int id = -1;
        sqlerr err;
        assert_int_equal(sqlfunc_resolve("pg_size_pretty", at, 1, &ret, &id, &err), 1);
        sqlval a, out;
        assert_int_equal(sqlval_from_text(SQLVAL_INT8, sizes[i].in, strlen(sizes[i].in), &a, &err),
                         SQL_OK);
        assert_int_equal(sqlfunc_eval(id, &a, 1, ret, &out, &err), SQL_OK);
        assert_string_equal(out.s, sizes[i].out);
        sqlval_free(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relations),
        cmocka_unit_test(test_function_resolution),
        cmocka_unit_test(test_reg_values),
        cmocka_unit_test(test_char_and_catalog_arrays),
        cmocka_unit_test(test_pure_catalog_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
