/* Bulk writes at scale: 200,000 elements or keys in one call, twice (the second batch re-adds
 * half of the first), on a column that already holds entries from another node. The per-element
 * route is quadratic here (about 4e10 entry visits); the batch is O(n log n), so this test
 * finishing at all is the regression check. Only results are asserted (sizes, lookups, a
 * canonical encoding), never times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/row.h"

#define N 200000u
#define COL 3
#define ELEM_LEN 8 /* "e0123456" */

/* Elements e<first>..e<first + n - 1>, fixed width so they sort by number. */
typedef struct batch {
    char *text;
    const void **xs;
    size_t *ns;
} batch;

static void batch_make(batch *b, char prefix, uint32_t first, uint32_t n)
{
    b->text = malloc((size_t)n * (ELEM_LEN + 1));
    b->xs = malloc(n * sizeof(*b->xs));
    b->ns = malloc(n * sizeof(*b->ns));
    assert_true(b->text && b->xs && b->ns);
    for (uint32_t i = 0; i < n; i++) {
        char *p = b->text + (size_t)i * (ELEM_LEN + 1);
        snprintf(p, ELEM_LEN + 1, "%c%07u", prefix, first + i);
        b->xs[i] = p;
        b->ns[i] = ELEM_LEN;
    }
}

static void batch_free(batch *b)
{
    free(b->text);
    free(b->xs);
    free(b->ns);
}

static bool has(const crdt_obj *o, const char *x)
{
    if (o->kind == CRDT_KIND_ORSET) return orset_contains(&o->u.os, x, strlen(x));
    return awset_contains(&o->u.k, x, strlen(x));
}

/* encode -> decode -> encode reproduces the bytes */
static void assert_canonical(const crdt_row *r)
{
    codec_buf a, b;
    crdt_row back;
    codec_buf_init(&a);
    codec_buf_init(&b);
    crdt_row_init(&back);
    assert_int_equal(crdt_row_encode(&a, r), 0);
    assert_int_equal(crdt_row_decode(a.data, a.len, &back), 0);
    assert_int_equal(crdt_row_encode(&b, &back), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    codec_buf_free(&a);
    codec_buf_free(&b);
    crdt_row_free(&back);
}

static void run_set(int kind)
{
    crdt_row r, d;
    crdt_row_init(&r);
    crdt_row_init(&d);
    /* held before: node 2's "e0000007" (re-added by the batch) and "x-old"; "x-gone" removed */
    assert_int_equal(
        crdt_row_set_add(&r, NULL, COL, kind, "e0000007", 8, causal_commit_dot(2, 1, 0)), 0);
    assert_int_equal(crdt_row_set_add(&r, NULL, COL, kind, "x-old", 5, causal_commit_dot(2, 1, 1)),
                     0);
    assert_int_equal(crdt_row_set_add(&r, NULL, COL, kind, "x-gone", 6, causal_commit_dot(2, 1, 2)),
                     0);
    assert_int_equal(crdt_row_set_remove(&r, NULL, COL, kind, "x-gone", 6), 0);

    batch b1, b2;
    batch_make(&b1, 'e', 0, N);
    batch_make(&b2, 'e', N / 2, N); /* half re-adds, half new */
    assert_int_equal(
        crdt_row_set_add_many(&r, &d, COL, kind, b1.xs, b1.ns, N, causal_commit_dot(1, 1, 0)), 0);
    const crdt_obj *o = crdt_row_get(&r, COL);
    assert_non_null(o);
    uint32_t len = kind == CRDT_KIND_ORSET ? o->u.os.live.len : o->u.k.len;
    assert_int_equal(len, N + 1);
    assert_true(has(o, "e0000000") && has(o, "e0000007") && has(o, "e0199999") && has(o, "x-old"));
    assert_false(has(o, "e0200000") || has(o, "x-gone"));

    crdt_row_free(&d);
    assert_int_equal(
        crdt_row_set_add_many(&r, &d, COL, kind, b2.xs, b2.ns, N, causal_commit_dot(1, 2, 0)), 0);
    o = crdt_row_get(&r, COL);
    len = kind == CRDT_KIND_ORSET ? o->u.os.live.len : o->u.k.len;
    assert_int_equal(len, N + N / 2 + 1);
    assert_true(has(o, "e0000000") && has(o, "e0100000") && has(o, "e0299999"));
    assert_false(has(o, "e0300000"));
    if (kind == CRDT_KIND_ORSET) {
        /* "x-gone", node 2's "e0000007", and the first batch's tags of the re-added half */
        assert_int_equal(o->u.os.ntomb, 2 + N / 2);
    } else {
        /* the re-added half took new dots: the old ones are only in the cc now */
        assert_true(causal_cc_contains(&o->u.k.cc, causal_commit_dot(1, 1, N / 2)));
        assert_null(kernel_find(&o->u.k, causal_commit_dot(1, 1, N / 2)));
        assert_non_null(kernel_find(&o->u.k, causal_commit_dot(1, 2, 0)));
    }
    /* the second delta carries the batch's entries: N for the set kinds */
    const crdt_obj *od = crdt_row_get(&d, COL);
    assert_int_equal(kind == CRDT_KIND_ORSET ? od->u.os.live.len : od->u.k.len, N);
    assert_canonical(&r);
    assert_canonical(&d);
    batch_free(&b1);
    batch_free(&b2);
    crdt_row_free(&r);
    crdt_row_free(&d);
}

static void test_awset_200k(void **state)
{
    (void)state;
    run_set(CRDT_KIND_AWSET);
}

static void test_orset_200k(void **state)
{
    (void)state;
    run_set(CRDT_KIND_ORSET);
}

static void test_lwwmap_200k(void **state)
{
    (void)state;
    crdt_row r;
    crdt_row_init(&r);
    assert_int_equal(crdt_row_map_put(&r, NULL, COL, "k0000009", 8, "\"old\"", 5, 100,
                                      causal_commit_dot(2, 1, 0)),
                     0);
    batch keys, vals;
    batch_make(&keys, 'k', 0, N);
    batch_make(&vals, 'v', 0, N);
    /* the values as JSON numbers: the digits of v<i> */
    for (uint32_t i = 0; i < N; i++) {
        vals.xs[i] = (const char *)vals.xs[i] + 1;
        vals.ns[i] = ELEM_LEN - 1;
    }
    /* the batch's timestamp is later than the held write, so "k0000009" takes the new value */
    assert_int_equal(crdt_row_map_put_many(&r, NULL, COL, keys.xs, keys.ns, vals.xs, vals.ns, N,
                                           200, causal_commit_dot(1, 1, 0)),
                     0);
    const crdt_obj *o = crdt_row_get(&r, COL);
    assert_non_null(o);
    assert_int_equal(o->u.k.len, N);
    crdt_bytes *items;
    size_t n;
    assert_int_equal(lwwmap_items(&o->u.k, &items, &n), 0);
    assert_int_equal(n, N);
    /* same-length keys: jsonb order is numeric order here */
    assert_int_equal(items[2 * 9].n, 8);
    assert_memory_equal(items[2 * 9].p, "k0000009", 8);
    assert_memory_equal(items[2 * 9 + 1].p, "0000009", 7);
    assert_memory_equal(items[2 * (N - 1)].p, "k0199999", 8);
    assert_memory_equal(items[2 * (N - 1) + 1].p, "0199999", 7);
    free(items);
    assert_canonical(&r);
    batch_free(&keys);
    batch_free(&vals);
    crdt_row_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awset_200k),
        cmocka_unit_test(test_orset_200k),
        cmocka_unit_test(test_lwwmap_200k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
