/* Unit tests for the CRDT types of crdt/crdt.h: the tricky cases of each (add-wins, re-add,
 * concurrent assigns, LWW ties, counter overflow refusal), deltas, conflicts, codec rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/crdt.h"
#include "crdt/render.h"

static causal_dot dot(uint16_t n, uint64_t c)
{
    causal_dot d = {n, c};
    return d;
}

/* Renders o into a static buffer (NUL-terminated) for readable assertions. */
static const char *show(const crdt_obj *o)
{
    static char out[1024];
    codec_buf b;
    bool is_null;
    codec_buf_init(&b);
    assert_int_equal(render_obj(&b, o, &is_null), 0);
    if (is_null) snprintf(out, sizeof(out), "NULL");
    else snprintf(out, sizeof(out), "%.*s", (int)b.len, b.len ? (const char *)b.data : "");
    codec_buf_free(&b);
    return out;
}

static void roundtrip(const crdt_obj *o)
{
    codec_buf a, b;
    codec_buf_init(&a);
    codec_buf_init(&b);
    assert_int_equal(crdt_obj_encode(&a, o), 0);
    crdt_obj d;
    assert_int_equal(crdt_obj_decode(a.data, a.len, &d), 0);
    assert_int_equal(crdt_obj_encode(&b, &d), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    crdt_obj_free(&d);
    codec_buf_free(&a);
    codec_buf_free(&b);
}

static void test_gcounter(void **state)
{
    (void)state;
    crdt_obj a, b, d;
    crdt_obj_init(&a, CRDT_KIND_GCOUNTER);
    crdt_obj_init(&b, CRDT_KIND_GCOUNTER);
    crdt_obj_init(&d, CRDT_KIND_GCOUNTER);
    assert_int_equal(gcounter_inc(&a.u.g, 1, 5, &d.u.g), 0);
    assert_int_equal(gcounter_inc(&b.u.g, 2, 7, NULL), 0);
    assert_int_equal(gcounter_inc(&a.u.g, 1, -1, NULL), CRDT_EINVAL);
    assert_int_equal(d.u.g.len, 1); /* the delta is just node 1's entry */
    crdt_obj_merge(&b, &d, NULL);
    crdt_obj_merge(&b, &d, NULL); /* idempotent */
    assert_string_equal(show(&b), "12");
    roundtrip(&b);

    /* overflow refused at the origin, nothing changes */
    assert_int_equal(gcounter_inc(&a.u.g, 1, INT64_MAX - 5, NULL), 0);
    assert_int_equal(gcounter_inc(&a.u.g, 1, 1, NULL), CRDT_EOVERFLOW);
    assert_int_equal(gcounter_inc(&a.u.g, 3, 1, NULL), CRDT_EOVERFLOW); /* value would overflow */
    int64_t v;
    assert_int_equal(gcounter_value(&a.u.g, &v), 0);
    assert_true(v == INT64_MAX);
    /* concurrent increments that together exceed int64: merge does not wrap, read saturates */
    crdt_obj_merge(&a, &b, NULL);
    assert_int_equal(gcounter_value(&a.u.g, &v), CRDT_EOVERFLOW);
    assert_true(v == INT64_MAX);

    /* observed reset: later increments count, observed ones do not */
    crdt_obj r;
    crdt_obj_init(&r, CRDT_KIND_GCOUNTER);
    assert_int_equal(crdt_obj_reset(&b, &r), 0);
    assert_string_equal(show(&b), "0");
    gcounter_inc(&b.u.g, 2, 3, NULL);
    assert_string_equal(show(&b), "3");
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&d);
    crdt_obj_free(&r);
}

static void test_pncounter(void **state)
{
    (void)state;
    crdt_obj c;
    crdt_obj_init(&c, CRDT_KIND_PNCOUNTER);
    assert_int_equal(pncounter_add(&c.u.pn, 1, 10, NULL), 0);
    assert_int_equal(pncounter_sub(&c.u.pn, 2, 15, NULL), 0);
    assert_string_equal(show(&c), "-5");
    assert_int_equal(pncounter_add(&c.u.pn, 1, -3, NULL), 0);
    assert_string_equal(show(&c), "-8");
    /* sub(INT64_MIN) from -8 gives INT64_MAX - 7: allowed, a 2^63 step */
    assert_int_equal(pncounter_sub(&c.u.pn, 1, INT64_MIN, NULL), 0);
    int64_t v;
    assert_int_equal(pncounter_value(&c.u.pn, &v), 0);
    assert_true(v == INT64_MAX - 7);
    assert_int_equal(pncounter_add(&c.u.pn, 1, 8, NULL), CRDT_EOVERFLOW);
    assert_int_equal(pncounter_add(&c.u.pn, 1, 7, NULL), 0);
    assert_int_equal(pncounter_sub(&c.u.pn, 3, INT64_MIN, NULL), CRDT_EOVERFLOW);
    assert_int_equal(pncounter_add(&c.u.pn, 3, INT64_MIN, NULL), 0);
    assert_string_equal(show(&c), "-1");
    roundtrip(&c);
    crdt_obj_free(&c);
}

static void test_awset_add_wins(void **state)
{
    (void)state;
    crdt_obj a, b, da, db;
    crdt_obj_init(&a, CRDT_KIND_AWSET);
    crdt_obj_init(&b, CRDT_KIND_AWSET);
    crdt_obj_init(&da, CRDT_KIND_AWSET);
    crdt_obj_init(&db, CRDT_KIND_AWSET);
    awset_add(&a.u.k, "x", 1, dot(1, 1), &da.u.k);
    crdt_obj_merge(&b, &da, NULL); /* b sees x */
    /* concurrently: a re-adds x, b removes x */
    crdt_obj_free(&da);
    crdt_obj_init(&da, CRDT_KIND_AWSET);
    assert_int_equal(awset_add(&a.u.k, "x", 1, dot(1, 2), &da.u.k), 0);
    assert_int_equal(awset_remove(&b.u.k, "x", 1, &db.u.k), 0);
    assert_string_equal(show(&b), "{}");
    crdt_obj_merge(&a, &db, NULL);
    crdt_obj_merge(&b, &da, NULL);
    assert_string_equal(show(&a), "{x}");
    assert_string_equal(show(&b), "{x}");
    /* a remove that observed everything removes; a re-add after it brings x back */
    awset_remove(&a.u.k, "x", 1, NULL);
    assert_string_equal(show(&a), "{}");
    awset_add(&a.u.k, "x", 1, dot(1, 3), NULL);
    awset_add(&a.u.k, "b c", 3, dot(1, 4), NULL);
    assert_string_equal(show(&a), "{\"b c\",x}");
    assert_int_equal(awset_add(&a.u.k, "y", 1, dot(1, 4), NULL), CRDT_EINVAL); /* used dot */
    roundtrip(&a);

    /* gc: compacts the cc without changing the value */
    causal_vv f;
    causal_vv_init(&f);
    causal_vv_set(&f, 1, 4);
    crdt_obj_gc(&a, &f);
    assert_int_equal(a.u.k.cc.ncloud, 0);
    assert_string_equal(show(&a), "{\"b c\",x}");
    causal_vv_free(&f);
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&da);
    crdt_obj_free(&db);
}

static void test_orset(void **state)
{
    (void)state;
    crdt_obj a, b, da, db;
    crdt_obj_init(&a, CRDT_KIND_ORSET);
    crdt_obj_init(&b, CRDT_KIND_ORSET);
    crdt_obj_init(&da, CRDT_KIND_ORSET);
    crdt_obj_init(&db, CRDT_KIND_ORSET);
    orset_add(&a.u.os, "x", 1, dot(1, 1), &da.u.os);
    crdt_obj_merge(&b, &da, NULL);
    crdt_obj_free(&da);
    crdt_obj_init(&da, CRDT_KIND_ORSET);
    /* concurrent re-add (new tag) and remove (tombstones the tag it saw): add wins */
    orset_add(&a.u.os, "x", 1, dot(1, 2), &da.u.os);
    orset_remove(&b.u.os, "x", 1, &db.u.os);
    assert_int_equal(b.u.os.ntomb, 1);
    crdt_obj_merge(&a, &db, NULL);
    crdt_obj_merge(&b, &da, NULL);
    assert_string_equal(show(&a), "{x}");
    assert_string_equal(show(&b), "{x}");
    assert_int_equal(a.u.os.live.len, 1); /* the re-add retired tag (1,1) */
    assert_int_equal(a.u.os.ntomb, 1);
    /* re-adding a removed element works */
    orset_remove(&a.u.os, "x", 1, NULL);
    assert_string_equal(show(&a), "{}");
    assert_int_equal(a.u.os.ntomb, 2);
    orset_add(&a.u.os, "x", 1, dot(2, 1), NULL);
    assert_string_equal(show(&a), "{x}");
    assert_int_equal(orset_add(&a.u.os, "z", 1, dot(1, 1), NULL), CRDT_EINVAL); /* tombstoned */
    roundtrip(&a);
    /* gc drops tombstones covered by the floor; a late duplicate of the removed add stays dead */
    causal_vv f;
    causal_vv_init(&f);
    causal_vv_set(&f, 1, 2);
    crdt_obj_gc(&a, &f);
    assert_int_equal(a.u.os.ntomb, 0);
    crdt_obj_merge(&a, &da, NULL);
    assert_string_equal(show(&a), "{x}");
    assert_int_equal(a.u.os.live.len, 1);
    roundtrip(&a);
    causal_vv_free(&f);
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&da);
    crdt_obj_free(&db);
}

static void test_mvreg(void **state)
{
    (void)state;
    crdt_obj a, b, da, db;
    crdt_merge_stats st = {0};
    crdt_obj_init(&a, CRDT_KIND_MVREG);
    crdt_obj_init(&b, CRDT_KIND_MVREG);
    crdt_obj_init(&da, CRDT_KIND_MVREG);
    crdt_obj_init(&db, CRDT_KIND_MVREG);
    mvreg_assign(&a.u.k, "red", 3, dot(1, 1), &da.u.k);
    mvreg_assign(&b.u.k, "blue", 4, dot(2, 1), &db.u.k);
    crdt_obj_merge(&a, &db, &st);
    assert_int_equal(st.conflicts, 1);
    crdt_obj_merge(&b, &da, NULL);
    assert_string_equal(show(&a), "{blue,red}");
    assert_string_equal(show(&b), "{blue,red}");
    crdt_obj_merge(&a, &db, &st); /* a duplicate is not a new conflict */
    assert_int_equal(st.conflicts, 1);
    /* an assign that observed both replaces both */
    crdt_obj_free(&da);
    crdt_obj_init(&da, CRDT_KIND_MVREG);
    mvreg_assign(&a.u.k, "green", 5, dot(1, 2), &da.u.k);
    crdt_obj_merge(&b, &da, &st);
    assert_int_equal(st.conflicts, 1);
    assert_string_equal(show(&b), "{green}");
    roundtrip(&b);
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&da);
    crdt_obj_free(&db);
}

static void test_lwwreg(void **state)
{
    (void)state;
    crdt_obj a, b, da, db;
    crdt_merge_stats st = {0};
    crdt_obj_init(&a, CRDT_KIND_LWW);
    crdt_obj_init(&b, CRDT_KIND_LWW);
    crdt_obj_init(&da, CRDT_KIND_LWW);
    crdt_obj_init(&db, CRDT_KIND_LWW);
    assert_string_equal(show(&a), "NULL");
    crdt_value v;
    crdt_value_init(&v);
    crdt_value_set_bytes(&v, CRDT_V_TEXT, "from-a", 6);
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(100, 0), dot(1, 1), &da.u.k);
    crdt_value_set_bytes(&v, CRDT_V_TEXT, "from-b", 6);
    lwwreg_assign(&b.u.k, &v, CAUSAL_HLC_MAKE(100, 0), dot(2, 1), &db.u.k); /* same ts */
    crdt_obj_merge(&a, &db, &st);
    crdt_obj_merge(&b, &da, NULL);
    assert_int_equal(st.conflicts, 1);
    assert_string_equal(show(&a), "from-b"); /* tie: higher node wins */
    assert_string_equal(show(&b), "from-b");
    assert_int_equal(a.u.k.len, 2);          /* both writes kept until observed */
    roundtrip(&a);
    /* a later write observes both */
    crdt_value_free(&v);
    v.type = CRDT_V_INT8;
    v.u.i = -42;
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(99, 0), dot(1, 2), NULL);
    assert_int_equal(a.u.k.len, 1);
    assert_string_equal(show(&a), "-42");
    v.type = CRDT_V_FLOAT8;
    v.u.f = 1.5;
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(101, 0), dot(1, 3), NULL);
    assert_string_equal(show(&a), "1.5");
    v.type = CRDT_V_BOOL;
    v.u.b = true;
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(102, 0), dot(1, 4), NULL);
    assert_string_equal(show(&a), "t");
    crdt_value_set_bytes(&v, CRDT_V_BYTEA, "\x0a\x1b", 2);
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(103, 0), dot(1, 5), NULL);
    assert_string_equal(show(&a), "\\x0a1b");
    crdt_value_free(&v);
    lwwreg_assign(&a.u.k, &v, CAUSAL_HLC_MAKE(104, 0), dot(1, 6), NULL); /* SQL NULL */
    assert_string_equal(show(&a), "NULL");
    roundtrip(&a);
    assert_int_equal(crdt_value_set_bytes(&v, CRDT_V_TEXT, "x", CRDT_MAX_VALUE + 1), CRDT_ELIMIT);
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&da);
    crdt_obj_free(&db);
}

static void test_lwwmap(void **state)
{
    (void)state;
    crdt_obj a, b, da, db;
    crdt_merge_stats st = {0};
    crdt_obj_init(&a, CRDT_KIND_LWWMAP);
    crdt_obj_init(&b, CRDT_KIND_LWWMAP);
    crdt_obj_init(&da, CRDT_KIND_LWWMAP);
    crdt_obj_init(&db, CRDT_KIND_LWWMAP);
    assert_string_equal(show(&a), "{}");
    lwwmap_put(&a.u.k, "bb", 2, "\"x\"", 3, 10, dot(1, 1), &da.u.k);
    lwwmap_put(&a.u.k, "c", 1, "1", 1, 11, dot(1, 2), &da.u.k);
    lwwmap_put(&a.u.k, "a", 1, "[1, 2]", 6, 12, dot(1, 3), &da.u.k);
    assert_string_equal(show(&a), "{\"a\": [1, 2], \"c\": 1, \"bb\": \"x\"}");
    crdt_obj_merge(&b, &da, NULL);
    /* concurrent: b removes c later (ts 20), a overwrites c earlier (ts 15): the remove wins */
    lwwmap_remove(&b.u.k, "c", 1, 20, dot(2, 1), &db.u.k);
    crdt_obj_free(&da);
    crdt_obj_init(&da, CRDT_KIND_LWWMAP);
    lwwmap_put(&a.u.k, "c", 1, "2", 1, 15, dot(1, 4), &da.u.k);
    crdt_obj_merge(&a, &db, &st);
    crdt_obj_merge(&b, &da, NULL);
    assert_int_equal(st.conflicts, 1);
    assert_string_equal(show(&a), "{\"a\": [1, 2], \"bb\": \"x\"}");
    assert_string_equal(show(&b), show(&a));
    roundtrip(&a);
    /* gc: key c holds a put and a tombstone (concurrent): not removable */
    causal_vv f;
    causal_vv_init(&f);
    causal_vv_set(&f, 1, 10);
    causal_vv_set(&f, 2, 10);
    crdt_obj_gc(&a, &f);
    assert_int_equal(a.u.k.len, 4);
    /* dots under the filled cc are no longer fresh */
    assert_int_equal(lwwmap_remove(&a.u.k, "c", 1, 30, dot(1, 5), NULL), CRDT_EINVAL);
    assert_int_equal(lwwmap_remove(&a.u.k, "c", 1, 30, dot(1, 11), NULL), 0); /* observes both */
    causal_vv_set(&f, 1, 11);
    crdt_obj_gc(&a, &f);
    assert_int_equal(a.u.k.len, 2); /* the stable tombstone-only key is gone */
    assert_string_equal(show(&a), "{\"a\": [1, 2], \"bb\": \"x\"}");
    roundtrip(&a);
    causal_vv_free(&f);
    crdt_obj_free(&a);
    crdt_obj_free(&b);
    crdt_obj_free(&da);
    crdt_obj_free(&db);
}

static void test_decode_rejects(void **state)
{
    (void)state;
    crdt_obj o;
    const uint8_t bad_version[] = {2, CRDT_KIND_GCOUNTER, 0};
    assert_int_equal(crdt_obj_decode(bad_version, sizeof(bad_version), &o), CRDT_EBADENC);
    const uint8_t bad_kind[] = {1, 99, 0};
    assert_int_equal(crdt_obj_decode(bad_kind, sizeof(bad_kind), &o), CRDT_EBADENC);
    const uint8_t trailing[] = {1, CRDT_KIND_GCOUNTER, 0, 0};
    assert_int_equal(crdt_obj_decode(trailing, sizeof(trailing), &o), CRDT_EBADENC);
    const uint8_t f_over_p[] = {1, CRDT_KIND_GCOUNTER, 1, 0, 1, 2, 3};
    assert_int_equal(crdt_obj_decode(f_over_p, sizeof(f_over_p), &o), CRDT_EBADENC);
    const uint8_t ok[] = {1, CRDT_KIND_GCOUNTER, 1, 0, 1, 3, 2};
    assert_int_equal(crdt_obj_decode(ok, sizeof(ok), &o), 0);
    crdt_obj_free(&o);
    /* an entry whose dot is not in the kernel's cc */
    const uint8_t dot_outside_cc[] = {1, CRDT_KIND_AWSET, 0, 0, 1, 0, 1, 5, 1, 'x'};
    assert_int_equal(crdt_obj_decode(dot_outside_cc, sizeof(dot_outside_cc), &o), CRDT_EBADENC);
    const uint8_t aw_ok[] = {1, CRDT_KIND_AWSET, 0, 1, 0, 1, 5, 1, 0, 1, 5, 1, 'x'};
    assert_int_equal(crdt_obj_decode(aw_ok, sizeof(aw_ok), &o), 0);
    crdt_obj_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcounter),     cmocka_unit_test(test_pncounter),
        cmocka_unit_test(test_awset_add_wins), cmocka_unit_test(test_orset),
        cmocka_unit_test(test_mvreg),        cmocka_unit_test(test_lwwreg),
        cmocka_unit_test(test_lwwmap),       cmocka_unit_test(test_decode_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
