/* tests/unit/sql/test_catalog_merge.c — the replicated catalog: concurrent writes of one
 * catalog key merge to the same value in any order (commutative, associative, idempotent),
 * a drop beats a concurrent ALTER, and concurrent CREATE TABLE of one name resolves to the
 * same winner everywhere with the loser still reachable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlexec_int.h"
#include "server/sql/sqlparse.h"
#include "server/sql/sqlrole.h"

typedef struct blob {
    uint8_t *p;
    size_t n;
} blob;

static sqlschema_table *table(const char *create, uint32_t id)
{
    sqlparse_result r;
    sqlerr err;
    sqlschema_table *t;
    assert_int_equal(sqlparse_query(create, &r, &err), SQL_OK);
    assert_int_equal(sqlschema_from_create(r.stmts[0], id, &t, &err), SQL_OK);
    sqlparse_result_free(&r);
    return t;
}

static blob enc(const sqlschema_table *t)
{
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(sqlschema_encode(t, &b), 0);
    blob out = {malloc(b.len), b.len};
    memcpy(out.p, b.data, b.len);
    codec_buf_free(&b);
    return out;
}

static blob merge(blob a, blob b)
{
    blob out;
    assert_int_equal(sx_catalog_merge(NULL, a.p, a.n, b.p, b.n, &out.p, &out.n), 0);
    return out;
}

static bool same(blob a, blob b)
{
    return a.n == b.n && !memcmp(a.p, b.p, a.n);
}

/* The three versions of one table a replica can see: the original, an ADD COLUMN made in one
 * region, a DROP COLUMN made concurrently in another. */
static void versions(blob v[3])
{
    sqlschema_table *t = table("CREATE TABLE t (id int PRIMARY KEY, a text, b g_counter)", 65537);
    v[0] = enc(t);
    sqlparse_result r;
    sqlerr err;
    assert_int_equal(sqlparse_query("ALTER TABLE t ADD COLUMN c or_set", &r, &err), SQL_OK);
    sqlschema_table *added;
    assert_int_equal(sqlschema_copy(t, &added, &err), SQL_OK);
    assert_int_equal(sqlschema_add_column(added, &r.stmts[0]->cols[0], &err), SQL_OK);
    sqlparse_result_free(&r);
    v[1] = enc(added);
    assert_int_equal(sqlschema_drop_column(t, "a", &err), SQL_OK);
    v[2] = enc(t);
    sqlschema_free(t);
    sqlschema_free(added);
}

static void test_commutative_associative_idempotent(void **state)
{
    (void)state;
    blob v[3];
    versions(v);
    for (int i = 0; i < 3; i++) {
        blob self = merge(v[i], v[i]);
        assert_true(same(self, v[i]));
        free(self.p);
        for (int j = 0; j < 3; j++) {
            blob ab = merge(v[i], v[j]), ba = merge(v[j], v[i]);
            assert_true(same(ab, ba));
            for (int k = 0; k < 3; k++) {
                blob ab_c = merge(ab, v[k]), bc = merge(v[j], v[k]), a_bc = merge(v[i], bc);
                assert_true(same(ab_c, a_bc));
                free(ab_c.p);
                free(bc.p);
                free(a_bc.p);
            }
            free(ab.p);
            free(ba.p);
        }
    }
    /* a later ALTER beats the version it was made from, in either order */
    blob m = merge(v[0], v[1]);
    assert_true(same(m, v[1]));
    free(m.p);
    m = merge(v[2], v[0]);
    assert_true(same(m, v[2]));
    free(m.p);
    for (int i = 0; i < 3; i++) free(v[i].p);
}

static void test_drop_wins(void **state)
{
    (void)state;
    blob v[3];
    versions(v);
    uint8_t t = 0;
    blob tomb = {&t, 1};
    for (int i = 0; i < 3; i++) {
        blob a = merge(v[i], tomb), b = merge(tomb, v[i]);
        assert_true(same(a, tomb));
        assert_true(same(b, tomb));
        free(a.p);
        free(b.p);
        free(v[i].p);
    }
}

static void test_counter_max(void **state)
{
    (void)state;
    uint8_t lo[4] = {0, 1, 0, 3}, hi[4] = {0, 1, 0, 9};
    blob a = {lo, 4}, b = {hi, 4};
    blob m1 = merge(a, b), m2 = merge(b, a);
    assert_true(same(m1, b));
    assert_true(same(m2, b));
    free(m1.p);
    free(m2.p);
    blob first;
    assert_int_equal(sx_catalog_merge(NULL, NULL, 0, lo, 4, &first.p, &first.n), 0);
    assert_true(same(first, a));
    free(first.p);
}

static void test_same_name_resolution(void **state)
{
    (void)state;
    /* region 2 (ids 2<<16|n) and region 1 (1<<16|n) both created "t"; every replica loads the
     * entries in some order and must end with the same names */
    for (int order = 0; order < 2; order++) {
        sqlschema_table *v[3];
        v[order] = table("CREATE TABLE t (id int PRIMARY KEY, a text)", (2u << 16) | 1);
        v[1 - order] = table("CREATE TABLE t (k text PRIMARY KEY)", (1u << 16) | 4);
        v[2] = table("CREATE TABLE other (id int PRIMARY KEY)", (3u << 16) | 1);
        assert_int_equal(sx_catalog_resolve_names(v, 3), 0);
        assert_int_equal(v[0]->id, (1u << 16) | 4);
        assert_string_equal(v[0]->name, "t");
        assert_string_equal(v[0]->cols[0].name, "k"); /* region 1's definition holds the name */
        assert_string_equal(v[1]->name, "t_conflict_131073");
        assert_string_equal(v[2]->name, "other");
        for (int i = 0; i < 3; i++) sqlschema_free(v[i]);
    }
}

/* Tables of one name in two schemas keep their names; in one schema the later id yields. */
static void test_same_name_other_schema(void **state)
{
    (void)state;
    sqlschema_table *v[3];
    v[0] = table("CREATE TABLE t (id int PRIMARY KEY)", (1u << 16) | 1);
    v[1] = table("CREATE TABLE t (id int PRIMARY KEY)", (1u << 16) | 2);
    v[2] = table("CREATE TABLE t (id int PRIMARY KEY)", (2u << 16) | 1);
    v[1]->nsp = (1u << 16) | 9;
    assert_int_equal(sx_catalog_resolve_names(v, 3), 0);
    assert_string_equal(v[0]->name, "t");
    assert_string_equal(v[1]->name, "t"); /* another schema's */
    assert_string_equal(v[2]->name, "t_conflict_131073");
    for (int i = 0; i < 3; i++) sqlschema_free(v[i]);
}

/* A schema's entry: the later generation wins; at equal generations DROP SCHEMA does. */
static void test_schema_entries(void **state)
{
    (void)state;
    codec_buf x, y, z;
    codec_buf_init(&x);
    codec_buf_init(&y);
    codec_buf_init(&z);
    assert_int_equal(sqlrole_nsp_encode(&x, 10, true, "app"), 0);
    assert_int_equal(sqlrole_nsp_encode(&y, 11, true, "renamed"), 0);
    assert_int_equal(sqlrole_nsp_encode(&z, 10, false, "app"), 0);
    assert_true(sqlrole_order(x.data, x.len, y.data, y.len) < 0);
    assert_true(sqlrole_order(y.data, y.len, x.data, x.len) > 0);
    assert_true(sqlrole_order(z.data, z.len, x.data, x.len) > 0); /* the drop */
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_nsp_key(k, 0x10005);
    assert_int_equal(sqlrole_key_kind(k, kl), 'N');
    uint32_t oid = 0;
    assert_int_equal(sqlrole_nsp_key_parse(k, kl, &oid), 0);
    assert_int_equal(oid, 0x10005);
    uint64_t gen;
    bool live;
    char name[64];
    assert_int_equal(sqlrole_nsp_decode(y.data, y.len, &gen, &live, name), 0);
    assert_true(live && gen == 11 && !strcmp(name, "renamed"));
    y.data[9] = 2; /* neither live nor dropped */
    assert_int_equal(sqlrole_nsp_decode(y.data, y.len, &gen, &live, name), -1);
    assert_int_equal(sqlrole_nsp_decode(x.data, 10, &gen, &live, name), -1); /* no name */
    codec_buf_free(&x);
    codec_buf_free(&y);
    codec_buf_free(&z);
}

/* setval / ALTER SEQUENCE ... RESTART in two regions: the later restart wins in any order,
 * even when its value is lower (bytes order would keep the other). */
static void test_sequence_restart_wins(void **state)
{
    (void)state;
    sqlschema_table *q;
    sqlerr err;
    assert_int_equal(sqlschema_seq_new("s", 65540, NULL, 8, 16, &q, &err), SQL_OK);
    q->seq->restart_gen = 1000;
    q->seq->restart_value = 900;
    blob early = enc(q);
    q->seq->restart_gen = 2000;
    q->seq->restart_value = 5;
    blob late = enc(q);
    blob m1 = merge(early, late), m2 = merge(late, early), m3 = merge(m1, early);
    assert_true(same(m1, late));
    assert_true(same(m2, late));
    assert_true(same(m3, late));
    free(m1.p);
    free(m2.p);
    free(m3.p);
    free(early.p);
    free(late.p);
    sqlschema_free(q);
}

/* An ALTER that neither adds nor drops a column (DROP NOT NULL, a longer varchar) beats the
 * version it was made from by its generation, in either order and whatever the bytes say:
 * before generations, "character varying(30)" outranked "(150)" and NOT NULL outranked its
 * drop, so such ALTERs came back undone when the catalog was read again. */
static void test_later_alter_wins(void **state)
{
    (void)state;
    sqlschema_table *t = table("CREATE TABLE u (id int PRIMARY KEY, name varchar(30) NOT NULL)", 65540);
    t->gen = 100;
    blob old = enc(t);
    sqlschema_table *n;
    sqlerr err;
    assert_int_equal(sqlschema_copy(t, &n, &err), SQL_OK);
    assert_int_equal(n->gen, 100); /* a copy keeps it */
    free(n->cols[1].type_name);
    n->cols[1].type_name = strdup("character varying(150)");
    n->cols[1].typmod = 154;
    n->cols[1].not_null = false;
    n->gen = 200;
    blob later = enc(n);
    blob a = merge(old, later), b = merge(later, old);
    assert_true(same(a, later));
    assert_true(same(b, later));
    /* the generation round-trips; a version without one (older binaries) loses to one with */
    sqlschema_table *back;
    assert_int_equal(sqlschema_decode(later.p, later.n, &back, &err), SQL_OK);
    assert_int_equal(back->gen, 200);
    assert_false(back->cols[1].not_null);
    sqlschema_free(back);
    t->gen = 0;
    blob none = enc(t);
    blob c = merge(none, later);
    assert_true(same(c, later));
    /* a generation of 0 written out explicitly is not canonical: refused */
    uint8_t *z = malloc(none.n + 8);
    memcpy(z, none.p, none.n);
    z[0] |= SQLSCHEMA_FORMAT_GEN;
    memset(z + none.n, 0, 8);
    assert_int_equal(sqlschema_decode(z, none.n + 8, &back, &err), SQL_ERR);
    free(z);
    sqlschema_free(t);
    sqlschema_free(n);
    free(old.p);
    free(later.p);
    free(none.p);
    free(a.p);
    free(b.p);
    free(c.p);
}

static blob flag(char kind, uint64_t gen, int granted)
{
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(sqlrole_flag_encode(&b, kind, gen, granted, 10), 0);
    blob out = {malloc(b.len), b.len};
    memcpy(out.p, b.data, b.len);
    codec_buf_free(&b);
    return out;
}

static blob role(uint64_t gen, uint8_t flags, const char *password)
{
    sqlrole r = {.gen = gen, .oid = 65537, .flags = flags, .connlimit = -1};
    snprintf(r.name, sizeof r.name, "app");
    snprintf(r.verifier, sizeof r.verifier, "%s", password);
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(sqlrole_encode(&r, &b), 0);
    blob out = {malloc(b.len), b.len};
    memcpy(out.p, b.data, b.len);
    codec_buf_free(&b);
    return out;
}

/* Roles and grants (sqlrole.h): a last-writer-wins register per key by generation; at equal
 * generations the revocation and the drop win; merging is order-free. */
static void test_grants_and_roles(void **state)
{
    (void)state;
    blob grant = flag('A', 100, true), revoke = flag('A', 100, false), later = flag('A', 101, true);
    blob m1 = merge(grant, revoke), m2 = merge(revoke, grant);
    assert_true(same(m1, revoke));
    assert_true(same(m2, revoke));
    blob m3 = merge(revoke, later), m4 = merge(later, m1);
    assert_true(same(m3, later));
    assert_true(same(m4, later));
    blob m5 = merge(later, later);
    assert_true(same(m5, later));
    uint64_t gen;
    bool g;
    uint32_t grantor;
    assert_int_equal(sqlrole_flag_decode(later.p, later.n, 'A', &gen, &g, &grantor), 0);
    assert_true(g);
    assert_int_equal(gen, 101);
    assert_int_equal(grantor, 10);
    /* a value of another kind or with trailing bytes is refused */
    assert_int_equal(sqlrole_flag_decode(later.p, later.n, 'M', &gen, &g, NULL), -1);
    assert_int_equal(sqlrole_flag_decode(later.p, later.n - 1, 'A', &gen, &g, NULL), -1);
    /* WITH GRANT OPTION is level 2: at equal generations a plain grant (1) beats it and a
     * revocation (0) beats both, so concurrent REVOKE GRANT OPTION FOR and GRANT ... WITH GRANT
     * OPTION converge to the narrower one */
    codec_buf gb;
    codec_buf_init(&gb);
    assert_int_equal(sqlrole_flag_encode(&gb, 'A', 100, 2, 10), 0);
    blob go = {malloc(gb.len), gb.len};
    memcpy(go.p, gb.data, gb.len);
    codec_buf_free(&gb);
    int level = -1;
    assert_int_equal(sqlrole_flag_level(go.p, go.n, 'A', &gen, &level, &grantor), 0);
    assert_int_equal(level, 2);
    assert_int_equal(sqlrole_flag_decode(go.p, go.n, 'A', &gen, &g, NULL), 0);
    assert_true(g);
    blob mg1 = merge(go, grant), mg2 = merge(grant, go), mg3 = merge(go, revoke);
    assert_true(same(mg1, grant));
    assert_true(same(mg2, grant));
    assert_true(same(mg3, revoke));
    go.p[9] = 3; /* no level 3 */
    assert_int_equal(sqlrole_flag_level(go.p, go.n, 'A', &gen, &level, NULL), -1);
    free(go.p);
    free(mg1.p);
    free(mg2.p);
    free(mg3.p);
    /* the keys of the three acl families */
    uint8_t k[SQLROLE_KEY_MAX];
    uint32_t obj, grantee, gr;
    int col, bit;
    size_t kl = sqlrole_aclitem_key(k, 65537, -1, 65538, 1, 0);
    assert_int_equal(kl, 13);
    assert_int_equal(sqlrole_key_kind(k, kl), 'A');
    kl = sqlrole_aclitem_key(k, 65537, -1, 65538, 1, 65539);
    assert_int_equal(sqlrole_key_kind(k, kl), 'G');
    assert_int_equal(sqlrole_aclitem_parse(k, kl, &obj, &col, &grantee, &bit, &gr), 0);
    assert_true(obj == 65537 && col == -1 && grantee == 65538 && bit == 1 && gr == 65539);
    kl = sqlrole_aclitem_key(k, 65537, 3, 0, 2, 0);
    assert_int_equal(sqlrole_key_kind(k, kl), 'C');
    assert_int_equal(sqlrole_aclitem_parse(k, kl, &obj, &col, &grantee, &bit, &gr), 0);
    assert_true(obj == 65537 && col == 3 && grantee == 0 && bit == 2 && gr == 0);
    k[kl - 5] = SQLPRIV_NBITS; /* an unknown privilege bit: no key of ours */
    assert_int_equal(sqlrole_key_kind(k, kl), 0);

    blob alive = role(200, SQLROLE_LOGIN | SQLROLE_INHERIT, "x"), dropped = role(200, SQLROLE_DROPPED, "");
    blob recreated = role(300, SQLROLE_LOGIN, "");
    blob r1 = merge(alive, dropped), r2 = merge(dropped, alive), r3 = merge(r1, recreated);
    assert_true(same(r1, dropped));
    assert_true(same(r2, dropped));
    assert_true(same(r3, recreated)); /* CREATE ROLE after DROP ROLE: the name lives again */
    static const uint8_t key[] = "role.app";
    sqlrole back;
    assert_int_equal(sqlrole_decode(alive.p, alive.n, key, sizeof key - 1, &back), 0);
    assert_string_equal(back.name, "app");
    assert_string_equal(back.verifier, "x");
    assert_int_equal(back.connlimit, -1);
    blob *all[] = {&grant, &revoke, &later, &m1, &m2, &m3, &m4, &m5, &alive, &dropped, &recreated, &r1, &r2, &r3};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commutative_associative_idempotent),
        cmocka_unit_test(test_drop_wins),
        cmocka_unit_test(test_counter_max),
        cmocka_unit_test(test_same_name_resolution),
        cmocka_unit_test(test_same_name_other_schema),
        cmocka_unit_test(test_schema_entries),
        cmocka_unit_test(test_sequence_restart_wins),
        cmocka_unit_test(test_later_alter_wins),
        cmocka_unit_test(test_grants_and_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
