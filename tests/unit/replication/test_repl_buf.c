/* Unit tests for replication/replbuf: the inbox's causal buffer — an entry becomes ready only
 * when it is the next seq of its origin and its other-origin dependencies are applied; chains
 * drain in causal order whatever the arrival order; duplicates are stored once; the bounds
 * refuse (never evict); prune drops what the applied vv covers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replication/replbuf.h"

/* entry (origin, seq) depending on origin's seq-1 and optionally (other, dep) */
static int add(replbuf *b, uint16_t origin, uint64_t seq, uint16_t other, uint64_t dep)
{
    causal_vv deps;
    causal_vv_init(&deps);
    assert_int_equal(causal_vv_set(&deps, origin, seq - 1), 0);
    if (other) assert_int_equal(causal_vv_set(&deps, other, dep), 0);
    uint8_t bytes[8] = {(uint8_t)origin, (uint8_t)seq};
    int rc = replbuf_add(b, origin, seq, seq, false, &deps, bytes, sizeof bytes);
    causal_vv_free(&deps);
    return rc;
}

/* Applies ready entries one at a time, appending "o:s" to order. */
static void drain(replbuf *b, causal_vv *applied, char *order, size_t cap)
{
    long i;
    while ((i = replbuf_next_ready(b, applied)) >= 0) {
        replbuf_entry e;
        replbuf_take(b, (size_t)i, &e);
        assert_int_equal(e.bytes[0], e.origin); /* the copy is the entry's */
        assert_int_equal(e.bytes[1], (uint8_t)e.seq);
        assert_int_equal(causal_vv_set(applied, e.origin, e.seq), 0);
        size_t n = strlen(order);
        snprintf(order + n, cap - n, "%u:%llu ", e.origin, (unsigned long long)e.seq);
        replbuf_entry_free(&e);
    }
}

static void test_waits_for_own_predecessor(void **state)
{
    (void)state;
    replbuf b;
    replbuf_init(&b, 100, 1 << 20);
    causal_vv applied;
    causal_vv_init(&applied);
    assert_int_equal(add(&b, 1, 3, 0, 0), 0);
    assert_int_equal(add(&b, 1, 2, 0, 0), 0);
    assert_int_equal(replbuf_next_ready(&b, &applied), -1); /* 1:1 missing */
    assert_int_equal(causal_vv_set(&applied, 1, 1), 0);
    char order[128] = "";
    drain(&b, &applied, order, sizeof order);
    assert_string_equal(order, "1:2 1:3 ");
    assert_int_equal(b.n, 0);
    assert_int_equal(b.bytes, 0);
    causal_vv_free(&applied);
    replbuf_free(&b);
}

static void test_cross_origin_dependencies(void **state)
{
    (void)state;
    replbuf b;
    replbuf_init(&b, 100, 1 << 20);
    causal_vv applied;
    causal_vv_init(&applied);
    /* 2:1 saw 1:2; 3:1 saw 2:1; they arrive in reverse order, 1:1 and 1:2 last */
    assert_int_equal(add(&b, 3, 1, 2, 1), 0);
    assert_int_equal(add(&b, 2, 1, 1, 2), 0);
    assert_int_equal(add(&b, 1, 2, 0, 0), 0);
    assert_int_equal(replbuf_next_ready(&b, &applied), -1);
    assert_int_equal(add(&b, 1, 1, 0, 0), 0);
    char order[128] = "";
    drain(&b, &applied, order, sizeof order);
    assert_string_equal(order, "1:1 1:2 2:1 3:1 ");
    causal_vv_free(&applied);
    replbuf_free(&b);
}

static void test_duplicates_and_prune(void **state)
{
    (void)state;
    replbuf b;
    replbuf_init(&b, 100, 1 << 20);
    assert_int_equal(add(&b, 4, 5, 0, 0), 0);
    assert_int_equal(add(&b, 4, 5, 0, 0), 1);
    assert_int_equal(add(&b, 4, 6, 0, 0), 0);
    assert_int_equal(add(&b, 7, 2, 0, 0), 0);
    assert_int_equal(b.n, 3);
    causal_vv applied;
    causal_vv_init(&applied);
    assert_int_equal(causal_vv_set(&applied, 4, 5), 0); /* 4:5 arrived by another path */
    replbuf_prune(&b, &applied);
    assert_int_equal(b.n, 2);
    assert_int_equal(b.bytes, 16);
    char order[128] = "";
    drain(&b, &applied, order, sizeof order);
    assert_string_equal(order, "4:6 ");
    causal_vv_free(&applied);
    replbuf_free(&b);
}

static void test_bounds_refuse(void **state)
{
    (void)state;
    replbuf b;
    replbuf_init(&b, 2, 1 << 20);
    assert_int_equal(add(&b, 1, 2, 0, 0), 0);
    assert_int_equal(add(&b, 1, 3, 0, 0), 0);
    assert_int_equal(add(&b, 1, 4, 0, 0), REPLBUF_EFULL);
    assert_int_equal(b.refused, 1);
    assert_int_equal(b.n, 2);
    replbuf_free(&b);

    replbuf_init(&b, 100, 20); /* bytes: two 8-byte entries fit, a third does not */
    assert_int_equal(add(&b, 1, 2, 0, 0), 0);
    assert_int_equal(add(&b, 1, 3, 0, 0), 0);
    assert_int_equal(add(&b, 1, 4, 0, 0), REPLBUF_EFULL);
    assert_int_equal(b.bytes, 16);
    replbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_for_own_predecessor),
        cmocka_unit_test(test_cross_origin_dependencies),
        cmocka_unit_test(test_duplicates_and_prune),
        cmocka_unit_test(test_bounds_refuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
