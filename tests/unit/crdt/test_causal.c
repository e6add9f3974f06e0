/* Unit tests for crdt/causal: version vectors, causal contexts (canonical form, fill,
 * codec), the hybrid logical clock (monotonicity, logical overflow, skew). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/causal.h"

static causal_dot dot(uint16_t n, uint64_t c)
{
    causal_dot d = {n, c};
    return d;
}

static void test_vv_basic(void **state)
{
    (void)state;
    causal_vv a, b;
    causal_vv_init(&a);
    causal_vv_init(&b);
    assert_int_equal(causal_vv_set(&a, 3, 5), 0);
    assert_int_equal(causal_vv_set(&a, 1, 2), 0);
    assert_int_equal(a.len, 2);
    assert_int_equal(a.v[0].node, 1); /* sorted */
    assert_int_equal(causal_vv_get(&a, 3), 5);
    assert_int_equal(causal_vv_get(&a, 2), 0);
    assert_int_equal(causal_vv_set(&a, 0, 1), CRDT_EINVAL);

    causal_vv_set(&b, 3, 7);
    causal_vv_set(&b, 2, 1);
    assert_int_equal(causal_vv_compare(&a, &b), CAUSAL_CONCURRENT);
    causal_vv c;
    causal_vv_init(&c);
    causal_vv_copy(&c, &a);
    assert_int_equal(causal_vv_join(&c, &b), 0);
    assert_int_equal(c.len, 3);
    assert_int_equal(causal_vv_get(&c, 3), 7);
    assert_int_equal(causal_vv_compare(&a, &c), CAUSAL_BEFORE);
    assert_int_equal(causal_vv_compare(&c, &b), CAUSAL_AFTER);
    assert_int_equal(causal_vv_compare(&c, &c), CAUSAL_EQUAL);
    assert_true(causal_vv_covers(&c, dot(2, 1)));
    assert_false(causal_vv_covers(&c, dot(2, 2)));

    assert_int_equal(causal_vv_meet(&c, &b), 0); /* node 1 absent in b -> dropped */
    assert_int_equal(c.len, 2);
    assert_int_equal(causal_vv_get(&c, 1), 0);
    assert_int_equal(causal_vv_get(&c, 3), 7);

    causal_vv_set(&a, 3, 0); /* removes */
    assert_int_equal(a.len, 1);
    causal_vv_free(&a);
    causal_vv_free(&b);
    causal_vv_free(&c);
}

static void test_vv_dot_floor_and_codec(void **state)
{
    (void)state;
    causal_vv s, f, d;
    causal_vv_init(&s);
    causal_vv_init(&f);
    causal_vv_init(&d);
    causal_vv_set(&s, 4, 3);
    causal_vv_set(&s, 9, UINT64_MAX);
    assert_int_equal(causal_vv_to_dot_floor(&f, &s), 0);
    assert_true(causal_vv_covers(&f, causal_commit_dot(4, 3, (1u << CAUSAL_OP_BITS) - 1)));
    assert_false(causal_vv_covers(&f, causal_commit_dot(4, 4, 0)));
    /* a commit spanning several seqs: its dots run on into the next seq's counters */
    assert_true(causal_commit_dot(4, 3, 1u << CAUSAL_OP_BITS).counter ==
                causal_commit_dot(4, 4, 0).counter);
    assert_false(causal_vv_covers(&f, causal_commit_dot(4, 3, (1u << CAUSAL_OP_BITS) + 5)));
    assert_true(causal_vv_get(&f, 9) == UINT64_MAX);

    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(causal_vv_encode(&b, &f), 0);
    codec_rd r;
    codec_rd_init(&r, b.data, b.len);
    assert_int_equal(causal_vv_decode(&r, &d), 0);
    assert_int_equal(codec_rd_left(&r), 0);
    assert_int_equal(causal_vv_compare(&d, &f), CAUSAL_EQUAL);

    /* unsorted nodes and zero counters are not canonical */
    const uint8_t unsorted[] = {2, 0, 5, 1, 0, 4, 1};
    codec_rd_init(&r, unsorted, sizeof(unsorted));
    assert_int_equal(causal_vv_decode(&r, &d), CRDT_EBADENC);
    const uint8_t zero[] = {1, 0, 5, 0};
    codec_rd_init(&r, zero, sizeof(zero));
    assert_int_equal(causal_vv_decode(&r, &d), CRDT_EBADENC);
    const uint8_t huge_count[] = {0xff, 0x7f};
    codec_rd_init(&r, huge_count, sizeof(huge_count));
    assert_int_equal(causal_vv_decode(&r, &d), CRDT_EBADENC);
    codec_buf_free(&b);
    causal_vv_free(&s);
    causal_vv_free(&f);
    causal_vv_free(&d);
}

static void test_cc_canonical(void **state)
{
    (void)state;
    causal_cc cc;
    causal_cc_init(&cc);
    assert_int_equal(causal_cc_add(&cc, dot(1, 3)), 0);
    assert_int_equal(causal_cc_add(&cc, dot(1, 5)), 0);
    assert_int_equal(cc.base.len, 0);
    assert_int_equal(cc.ncloud, 2);
    assert_true(causal_cc_contains(&cc, dot(1, 3)));
    assert_false(causal_cc_contains(&cc, dot(1, 4)));
    assert_int_equal(causal_cc_max(&cc, 1), 5);
    assert_int_equal(causal_cc_max(&cc, 2), 0);
    /* 1 and 2 make 1..3 contiguous: base rises to 3, cloud keeps only 5 */
    causal_cc_add(&cc, dot(1, 1));
    assert_int_equal(causal_vv_get(&cc.base, 1), 1);
    causal_cc_add(&cc, dot(1, 2));
    assert_int_equal(causal_vv_get(&cc.base, 1), 3);
    assert_int_equal(cc.ncloud, 1);
    assert_int_equal(cc.cloud[0].counter, 5);
    causal_cc_add(&cc, dot(1, 4));
    assert_int_equal(causal_vv_get(&cc.base, 1), 5);
    assert_int_equal(cc.ncloud, 0);
    assert_int_equal(causal_cc_add(&cc, dot(0, 1)), CRDT_EINVAL);

    /* The same set built in another order has the same representation. */
    causal_cc other;
    causal_cc_init(&other);
    for (uint64_t c = 5; c >= 1; c--) causal_cc_add(&other, dot(1, c));
    assert_true(causal_cc_equal(&cc, &other));
    causal_cc_free(&cc);
    causal_cc_free(&other);
}

static void test_cc_join_fill(void **state)
{
    (void)state;
    causal_cc a, b;
    causal_cc_init(&a);
    causal_cc_init(&b);
    causal_cc_add(&a, dot(1, 1));
    causal_cc_add(&a, dot(1, 3));
    causal_cc_add(&a, dot(2, 7));
    causal_cc_add(&b, dot(1, 2));
    causal_cc_add(&b, dot(3, 1));
    causal_cc_add(&b, dot(2, 7));
    causal_cc_add(&b, dot(2, 9));
    assert_int_equal(causal_cc_join(&a, &b), 0);
    assert_int_equal(causal_vv_get(&a.base, 1), 3);
    assert_int_equal(causal_vv_get(&a.base, 3), 1);
    assert_int_equal(a.ncloud, 2); /* (2,7) (2,9) */
    assert_true(causal_cc_contains(&a, dot(2, 9)));
    assert_false(causal_cc_contains(&a, dot(2, 8)));

    causal_vv floor;
    causal_vv_init(&floor);
    causal_vv_set(&floor, 2, 8);
    assert_int_equal(causal_cc_fill(&a, &floor), 0);
    assert_int_equal(causal_vv_get(&a.base, 2), 9); /* 8 from floor, then 9 contiguous */
    assert_int_equal(a.ncloud, 0);

    /* join is commutative in representation */
    causal_cc x, y;
    causal_cc_init(&x);
    causal_cc_init(&y);
    causal_cc_add(&x, dot(5, 10));
    causal_cc_add(&y, dot(5, 1));
    causal_cc_add(&y, dot(5, 12));
    causal_cc xy, yx;
    causal_cc_init(&xy);
    causal_cc_init(&yx);
    causal_cc_copy(&xy, &x);
    causal_cc_join(&xy, &y);
    causal_cc_copy(&yx, &y);
    causal_cc_join(&yx, &x);
    assert_true(causal_cc_equal(&xy, &yx));

    codec_buf buf;
    codec_buf_init(&buf);
    assert_int_equal(causal_cc_encode(&buf, &xy), 0);
    causal_cc dec;
    causal_cc_init(&dec);
    codec_rd r;
    codec_rd_init(&r, buf.data, buf.len);
    assert_int_equal(causal_cc_decode(&r, &dec), 0);
    assert_int_equal(codec_rd_left(&r), 0);
    assert_true(causal_cc_equal(&dec, &xy));
    /* every truncation fails cleanly */
    for (size_t n = 0; n < buf.len; n++) {
        codec_rd_init(&r, buf.data, n);
        assert_int_not_equal(causal_cc_decode(&r, &dec), 0);
    }
    /* a cloud dot contiguous with its base is not canonical: base {1:1}, cloud {(1,2)} */
    const uint8_t bad[] = {1, 0, 1, 1, 1, 0, 1, 2};
    codec_rd_init(&r, bad, sizeof(bad));
    assert_int_equal(causal_cc_decode(&r, &dec), CRDT_EBADENC);

    codec_buf_free(&buf);
    causal_vv_free(&floor);
    causal_cc_free(&a);
    causal_cc_free(&b);
    causal_cc_free(&x);
    causal_cc_free(&y);
    causal_cc_free(&xy);
    causal_cc_free(&yx);
    causal_cc_free(&dec);
}

static void test_hlc(void **state)
{
    (void)state;
    causal_clock c;
    causal_clock_init(&c, 500);
    causal_hlc t1 = causal_clock_now(&c, 1000);
    assert_true(t1 == CAUSAL_HLC_MAKE(1000, 0));
    causal_hlc t2 = causal_clock_now(&c, 1000); /* same ms */
    assert_true(t2 > t1);
    assert_int_equal(CAUSAL_HLC_MS(t2), 1000);
    causal_hlc t3 = causal_clock_now(&c, 900); /* wall clock went backwards */
    assert_true(t3 > t2);

    /* logical overflow carries into the next millisecond */
    c.last = CAUSAL_HLC_MAKE(2000, 0xffff);
    causal_hlc t4 = causal_clock_now(&c, 2000);
    assert_true(t4 == CAUSAL_HLC_MAKE(2001, 0));

    /* a remote stamp within tolerance is not skew; one far ahead is counted, and accepted */
    assert_int_equal(causal_clock_observe(&c, CAUSAL_HLC_MAKE(2300, 4), 2000), 0);
    assert_int_equal(c.skew_events, 0);
    assert_int_equal(causal_clock_observe(&c, CAUSAL_HLC_MAKE(9000, 1), 2000), 1);
    assert_int_equal(c.skew_events, 1);
    assert_int_equal(c.max_seen_skew_ms, 7000);
    causal_hlc t5 = causal_clock_now(&c, 2001);
    assert_true(t5 > CAUSAL_HLC_MAKE(9000, 1));
    /* an old remote stamp never moves the clock back */
    causal_clock_observe(&c, CAUSAL_HLC_MAKE(5, 0), 2001);
    assert_true(causal_clock_now(&c, 2001) > t5);

    assert_true(causal_lww_cmp(5, 1, 5, 2) < 0);
    assert_true(causal_lww_cmp(6, 1, 5, 2) > 0);
    assert_int_equal(causal_lww_cmp(5, 2, 5, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vv_basic),
        cmocka_unit_test(test_vv_dot_floor_and_codec),
        cmocka_unit_test(test_cc_canonical),
        cmocka_unit_test(test_cc_join_fill),
        cmocka_unit_test(test_hlc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
