/* Unit tests for crdt/row: delete vs concurrent update (all three rules of DESIGN §3), commit
 * deltas accumulating several statements, drop column, kind clashes, the *_bytes entry points,
 * the writer's compaction of contexts (crdt_row_merge_fill_bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/row.h"

enum { C_VIEWS = 1, C_TAGS = 2, C_NAME = 3, C_OTAGS = 4, C_MAP = 5, C_MV = 6 };

static causal_dot dot(uint16_t n, uint64_t c)
{
    causal_dot d = {n, c};
    return d;
}

static const char *col(const crdt_row *r, uint16_t id, int kind)
{
    static char out[512];
    codec_buf b;
    bool is_null;
    codec_buf_init(&b);
    assert_int_equal(crdt_row_render(&b, r, id, kind, &is_null), 0);
    if (is_null) snprintf(out, sizeof(out), "NULL");
    else snprintf(out, sizeof(out), "%.*s", (int)b.len, b.len ? (const char *)b.data : "");
    codec_buf_free(&b);
    return out;
}

static void encode(const crdt_row *r, codec_buf *b)
{
    codec_buf_reset(b);
    assert_int_equal(crdt_row_encode(b, r), 0);
}

/* The scans' reader (crdt_row_view) on a row with every kind, concurrent LWW writes from two
 * replicas (the later timestamp wins, a tie goes to the higher node) and a deleted row. */
static void test_view(void **state)
{
    (void)state;
    crdt_row a, b, da, db;
    crdt_row_init(&a);
    crdt_row_init(&b);
    crdt_row_init(&da);
    crdt_row_init(&db);
    crdt_value x, y, got;
    crdt_value_init(&x);
    crdt_value_init(&y);
    crdt_value_init(&got);
    crdt_value_set_bytes(&x, CRDT_V_TEXT, "from-1", 6);
    crdt_value_set_bytes(&y, CRDT_V_TEXT, "from-2", 6);
    assert_int_equal(crdt_row_touch(&a, dot(1, 1), &da), 0);
    assert_int_equal(crdt_row_counter_add(&a, &da, C_VIEWS, CRDT_KIND_GCOUNTER, 1, 3), 0);
    assert_int_equal(crdt_row_set_add(&a, &da, C_OTAGS, CRDT_KIND_ORSET, "t", 1, dot(1, 2)), 0);
    assert_int_equal(crdt_row_lww_assign(&a, &da, C_NAME, &x, 200, dot(1, 3)), 0);
    assert_int_equal(crdt_row_touch(&b, dot(2, 1), &db), 0);
    assert_int_equal(crdt_row_lww_assign(&b, &db, C_NAME, &y, 200, dot(2, 2)), 0); /* a tie */
    assert_int_equal(crdt_row_merge(&a, &db, NULL), 0);
    codec_buf buf;
    codec_buf_init(&buf);
    encode(&a, &buf);
    crdt_row_view v;
    assert_int_equal(crdt_row_view_open(&v, buf.data, buf.len), 0);
    assert_true(v.visible);
    uint16_t id, seen[8];
    uint8_t kind;
    const uint8_t *body;
    size_t blen;
    int n = 0, k;
    while ((k = crdt_row_view_next(&v, &id, &kind, &body, &blen)) == 1) {
        seen[n++] = id;
        if (id != C_NAME) continue;
        assert_int_equal(kind, CRDT_KIND_LWW);
        assert_int_equal(crdt_lww_body_read(body, blen, &got), 0);
        assert_int_equal(got.type, CRDT_V_TEXT);
        assert_memory_equal(got.u.s.p, "from-2", 6); /* equal stamps: node 2 wins */
    }
    assert_int_equal(k, 0);
    assert_int_equal(n, 3);
    assert_int_equal(seen[0], C_VIEWS);
    assert_int_equal(seen[1], C_NAME);
    assert_int_equal(seen[2], C_OTAGS);
    /* deleted: not visible; truncated: refused */
    crdt_row del;
    crdt_row_init(&del);
    assert_int_equal(crdt_row_delete(&a, &del), 0);
    encode(&a, &buf);
    assert_int_equal(crdt_row_view_open(&v, buf.data, buf.len), 0);
    assert_false(v.visible);
    assert_int_not_equal(crdt_row_view_open(&v, buf.data, 3), 0);
    codec_buf_free(&buf);
    crdt_value_free(&x);
    crdt_value_free(&y);
    crdt_value_free(&got);
    crdt_row_free(&del);
    crdt_row_free(&a);
    crdt_row_free(&b);
    crdt_row_free(&da);
    crdt_row_free(&db);
}

/* Replica A inserts a row; B receives it; then A deletes while B concurrently updates. */
static void test_delete_vs_concurrent_update(void **state)
{
    (void)state;
    crdt_row a, b, ins, del, upd;
    crdt_row_init(&a);
    crdt_row_init(&b);
    crdt_row_init(&ins);
    crdt_row_init(&del);
    crdt_row_init(&upd);
    crdt_value name;
    crdt_value_init(&name);
    crdt_value_set_bytes(&name, CRDT_V_TEXT, "first", 5);

    /* one INSERT = one commit delta accumulated from several operations */
    assert_int_equal(crdt_row_touch(&a, dot(1, 1), &ins), 0);
    assert_int_equal(crdt_row_counter_add(&a, &ins, C_VIEWS, CRDT_KIND_GCOUNTER, 1, 10), 0);
    assert_int_equal(crdt_row_set_add(&a, &ins, C_TAGS, CRDT_KIND_AWSET, "old", 3, dot(1, 2)), 0);
    assert_int_equal(crdt_row_set_add(&a, &ins, C_OTAGS, CRDT_KIND_ORSET, "old", 3, dot(1, 3)), 0);
    assert_int_equal(crdt_row_lww_assign(&a, &ins, C_NAME, &name, 100, dot(1, 4)), 0);
    assert_int_equal(crdt_row_map_put(&a, &ins, C_MAP, "k", 1, "1", 1, 100, dot(1, 5)), 0);
    assert_int_equal(crdt_row_merge(&b, &ins, NULL), 0);
    assert_true(crdt_row_visible(&b));
    assert_string_equal(col(&b, C_VIEWS, CRDT_KIND_GCOUNTER), "10");

    /* A: DELETE.  B, concurrently: UPDATE views += 5, add tag "new", touch. */
    assert_int_equal(crdt_row_delete(&a, &del), 0);
    assert_false(crdt_row_visible(&a));
    assert_string_equal(col(&a, C_VIEWS, CRDT_KIND_GCOUNTER), "0");
    assert_int_equal(crdt_row_touch(&b, dot(2, 1), &upd), 0);
    assert_int_equal(crdt_row_counter_add(&b, &upd, C_VIEWS, CRDT_KIND_GCOUNTER, 2, 5), 0);
    assert_int_equal(crdt_row_set_add(&b, &upd, C_TAGS, CRDT_KIND_AWSET, "new", 3, dot(2, 2)), 0);
    assert_int_equal(crdt_row_set_add(&b, &upd, C_OTAGS, CRDT_KIND_ORSET, "new", 3, dot(2, 3)), 0);

    crdt_merge_stats st = {0};
    assert_int_equal(crdt_row_merge(&a, &upd, &st), 0);
    assert_int_equal(crdt_row_merge(&b, &del, &st), 0);
    /* rule 1: the update survives the delete */
    assert_true(crdt_row_visible(&a));
    assert_true(crdt_row_visible(&b));
    /* rule 2: the counter shows only what the delete did not observe */
    assert_string_equal(col(&a, C_VIEWS, CRDT_KIND_GCOUNTER), "5");
    /* rule 3: sets show only the concurrent additions */
    assert_string_equal(col(&a, C_TAGS, CRDT_KIND_AWSET), "{new}");
    assert_string_equal(col(&a, C_OTAGS, CRDT_KIND_ORSET), "{new}");
    /* registers written before the delete are gone */
    assert_string_equal(col(&a, C_NAME, CRDT_KIND_LWW), "NULL");
    assert_string_equal(col(&a, C_MAP, CRDT_KIND_LWWMAP), "{}");
    assert_int_equal(st.conflicts, 0);

    codec_buf ea, eb;
    codec_buf_init(&ea);
    codec_buf_init(&eb);
    encode(&a, &ea);
    encode(&b, &eb);
    assert_int_equal(ea.len, eb.len);
    assert_memory_equal(ea.data, eb.data, ea.len);

    /* a delete that observed the update wins */
    assert_int_equal(crdt_row_delete(&a, NULL), 0);
    assert_false(crdt_row_visible(&a));
    assert_string_equal(col(&a, C_TAGS, CRDT_KIND_AWSET), "{}");

    codec_buf_free(&ea);
    codec_buf_free(&eb);
    crdt_value_free(&name);
    crdt_row_free(&a);
    crdt_row_free(&b);
    crdt_row_free(&ins);
    crdt_row_free(&del);
    crdt_row_free(&upd);
}

static void test_delete_without_concurrency(void **state)
{
    (void)state;
    crdt_row a, b, d;
    crdt_row_init(&a);
    crdt_row_init(&b);
    crdt_row_init(&d);
    crdt_row_touch(&a, dot(1, 1), &d);
    crdt_row_counter_add(&a, &d, C_VIEWS, CRDT_KIND_PNCOUNTER, 1, -3);
    crdt_row_mv_assign(&a, &d, C_MV, "v", 1, dot(1, 2));
    crdt_row_delete(&a, &d); /* same transaction: insert then delete */
    assert_false(crdt_row_visible(&a));
    crdt_row_merge(&b, &d, NULL);
    assert_false(crdt_row_visible(&b));
    assert_string_equal(col(&b, C_VIEWS, CRDT_KIND_PNCOUNTER), "0");
    assert_string_equal(col(&b, C_MV, CRDT_KIND_MVREG), "{}");
    /* re-insert after delete */
    crdt_row_touch(&b, dot(2, 1), NULL);
    crdt_row_counter_add(&b, NULL, C_VIEWS, CRDT_KIND_PNCOUNTER, 2, 4);
    assert_true(crdt_row_visible(&b));
    assert_string_equal(col(&b, C_VIEWS, CRDT_KIND_PNCOUNTER), "4");
    crdt_row_free(&a);
    crdt_row_free(&b);
    crdt_row_free(&d);
}

static void test_drop_column_and_kinds(void **state)
{
    (void)state;
    crdt_row r, d;
    crdt_row_init(&r);
    crdt_row_init(&d);
    crdt_row_touch(&r, dot(1, 1), &d);
    crdt_row_counter_add(&r, &d, C_VIEWS, CRDT_KIND_GCOUNTER, 1, 2);
    crdt_row_set_add(&r, &d, C_TAGS, CRDT_KIND_AWSET, "x", 1, dot(1, 2));
    /* a column used with another kind is refused, and leaves no trace */
    assert_int_equal(crdt_row_set_add(&r, &d, C_VIEWS, CRDT_KIND_AWSET, "x", 1, dot(1, 3)),
                     CRDT_EINVAL);
    assert_int_equal(crdt_row_counter_add(&r, &d, 9, CRDT_KIND_GCOUNTER, 1, -1), CRDT_EINVAL);
    assert_null(crdt_row_get(&r, 9));
    assert_null(crdt_row_get(&d, 9));
    assert_int_equal(crdt_row_counter_add(&r, &d, C_VIEWS, CRDT_KIND_GCOUNTER, 1, INT64_MAX),
                     CRDT_EOVERFLOW);
    assert_string_equal(col(&r, C_VIEWS, CRDT_KIND_GCOUNTER), "2");
    assert_int_equal(crdt_row_render(NULL, &r, C_VIEWS, CRDT_KIND_AWSET, NULL), CRDT_EINVAL);

    assert_int_equal(r.ncols, 2);
    assert_int_equal(crdt_row_drop_column(&r, C_TAGS), 0);
    assert_int_equal(r.ncols, 1);
    assert_null(crdt_row_get(&r, C_TAGS));
    assert_string_equal(col(&r, C_TAGS, CRDT_KIND_AWSET), "{}");
    assert_int_equal(crdt_row_drop_column(&r, 77), 0);

    crdt_row clash;
    crdt_row_init(&clash);
    crdt_row_set_add(&clash, NULL, C_VIEWS, CRDT_KIND_AWSET, "y", 1, dot(3, 1));
    assert_int_equal(crdt_row_merge(&r, &clash, NULL), CRDT_EINVAL);
    crdt_row_free(&clash);
    crdt_row_free(&r);
    crdt_row_free(&d);
}

static void test_bytes_api(void **state)
{
    (void)state;
    crdt_row r, d1, d2;
    crdt_row_init(&r);
    crdt_row_init(&d1);
    crdt_row_init(&d2);
    crdt_row_touch(&r, dot(1, 1), &d1);
    crdt_row_set_add(&r, &d1, C_OTAGS, CRDT_KIND_ORSET, "a", 1, dot(1, 2));
    crdt_row_set_remove(&r, &d2, C_OTAGS, CRDT_KIND_ORSET, "a", 1);
    codec_buf b1, b2;
    codec_buf_init(&b1);
    codec_buf_init(&b2);
    encode(&d1, &b1);
    encode(&d2, &b2);
    uint8_t *s1, *s2;
    size_t n1, n2;
    assert_int_equal(crdt_row_merge_bytes(NULL, 0, b1.data, b1.len, &s1, &n1, NULL), 0);
    assert_int_equal(crdt_row_visible_bytes(s1, n1), 1);
    assert_int_equal(crdt_row_merge_bytes(s1, n1, b2.data, b2.len, &s2, &n2, NULL), 0);
    codec_buf full;
    codec_buf_init(&full);
    encode(&r, &full);
    assert_int_equal(n2, full.len);
    assert_memory_equal(s2, full.data, n2);

    /* gc with a stable floor drops the OR-Set tombstone, value unchanged */
    causal_vv f;
    causal_vv_init(&f);
    causal_vv_set(&f, 1, 2);
    uint8_t *g;
    size_t gn;
    assert_int_equal(crdt_row_gc_bytes(s2, n2, &f, &g, &gn), 0);
    crdt_row back;
    crdt_row_init(&back);
    assert_int_equal(crdt_row_decode(g, gn, &back), 0);
    assert_string_equal(col(&back, C_OTAGS, CRDT_KIND_ORSET), "{}");
    assert_int_equal(back.cols[0].obj.u.os.ntomb, 0);

    codec_buf desc;
    codec_buf_init(&desc);
    assert_int_equal(crdt_row_describe(&desc, &r), 0);
    codec_put_u8(&desc, 0);
    assert_non_null(strstr((char *)desc.data, "\"tombstones\":[[1,2]]"));
    assert_non_null(strstr((char *)desc.data, "\"visible\":true"));

    free(s1);
    assert_int_equal(crdt_row_merge_bytes(NULL, 0, b1.data, b1.len - 1, &s1, &n1, NULL),
                     CRDT_EBADENC);
    assert_null(s1);
    free(s2);
    free(g);
    crdt_row_free(&back);
    causal_vv_free(&f);
    codec_buf_free(&desc);
    codec_buf_free(&full);
    codec_buf_free(&b1);
    codec_buf_free(&b2);
    crdt_row_free(&r);
    crdt_row_free(&d1);
    crdt_row_free(&d2);
}

/* One commit of the writer's loop: a delta made on the decoded state (touch, LWW, MV, set,
 * map: every kind with a causal context) with commit seq `seq`'s dots, merged into the stored
 * bytes; with a floor (commit seqs below `seq` all applied) the result is compacted. */
static void commit_on(uint8_t **state, size_t *len, uint64_t seq, bool fill)
{
    crdt_row r, d;
    crdt_row_init(&r);
    crdt_row_init(&d);
    if (*state) assert_int_equal(crdt_row_decode(*state, *len, &r), 0);
    char v[32];
    int n = snprintf(v, sizeof v, "v%llu", (unsigned long long)seq);
    crdt_value x;
    crdt_value_init(&x);
    crdt_value_set_bytes(&x, CRDT_V_TEXT, v, (size_t)n);
    assert_int_equal(crdt_row_touch(&r, causal_commit_dot(1, seq, 0), &d), 0);
    assert_int_equal(crdt_row_lww_assign(&r, &d, C_NAME, &x, 1000 + seq, causal_commit_dot(1, seq, 1)), 0);
    assert_int_equal(crdt_row_mv_assign(&r, &d, C_MV, v, (size_t)n, causal_commit_dot(1, seq, 2)), 0);
    assert_int_equal(crdt_row_set_add(&r, &d, C_TAGS, CRDT_KIND_AWSET, v, (size_t)n % 2 ? 1 : 2,
                                      causal_commit_dot(1, seq, 3)), 0);
    assert_int_equal(crdt_row_map_put(&r, &d, C_MAP, "k", 1, "1", 1, 1000 + seq,
                                      causal_commit_dot(1, seq, 4)), 0);
    codec_buf b;
    codec_buf_init(&b);
    encode(&d, &b);
    causal_vv seqs, floor;
    causal_vv_init(&seqs);
    causal_vv_init(&floor);
    causal_vv_set(&seqs, 1, seq - 1);
    assert_int_equal(causal_vv_to_dot_floor(&floor, &seqs), 0);
    uint8_t *out;
    size_t outlen;
    if (fill)
        assert_int_equal(crdt_row_merge_fill_bytes(*state, *len, b.data, b.len,
                                                   seq > 1 ? &floor : NULL, &out, &outlen, NULL), 0);
    else
        assert_int_equal(crdt_row_merge_bytes(*state, *len, b.data, b.len, &out, &outlen, NULL), 0);
    free(*state);
    *state = out;
    *len = outlen;
    causal_vv_free(&seqs);
    causal_vv_free(&floor);
    codec_buf_free(&b);
    crdt_value_free(&x);
    crdt_row_free(&d);
    crdt_row_free(&r);
}

/* A row updated by 2,000 commits: compacted with the applied floor at each merge it stays the
 * size of one update and reads the same as the uncompacted one, which keeps a dot per commit
 * in every context (the growth that made hot rows slower with every update). */
static void test_fill_bounded(void **state)
{
    (void)state;
    uint8_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, first = 0;
    for (uint64_t seq = 1; seq <= 2000; seq++) {
        commit_on(&a, &na, seq, true);
        commit_on(&b, &nb, seq, false);
        if (seq == 10) first = na;
    }
    /* a few bytes more (longer values, longer varints: 228 -> 255), not a dot per commit */
    assert_true(na <= first + 64);
    assert_true(nb > 100 * na); /* 68,917 bytes: five contexts of 2,000 dots each */
    crdt_row ra, rb;
    crdt_row_init(&ra);
    crdt_row_init(&rb);
    assert_int_equal(crdt_row_decode(a, na, &ra), 0);
    assert_int_equal(crdt_row_decode(b, nb, &rb), 0);
    const int cols[][2] = {{C_NAME, CRDT_KIND_LWW}, {C_MV, CRDT_KIND_MVREG}, {C_TAGS, CRDT_KIND_AWSET},
                           {C_MAP, CRDT_KIND_LWWMAP}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, "%s", col(&rb, (uint16_t)cols[i][0], cols[i][1]));
        assert_string_equal(col(&ra, (uint16_t)cols[i][0], cols[i][1]), want);
    }
    assert_string_equal(col(&ra, C_NAME, CRDT_KIND_LWW), "v2000");
    crdt_row_free(&ra);
    crdt_row_free(&rb);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_vs_concurrent_update),
        cmocka_unit_test(test_delete_without_concurrency),
        cmocka_unit_test(test_drop_column_and_kinds),
        cmocka_unit_test(test_bytes_api),
        cmocka_unit_test(test_view),
        cmocka_unit_test(test_fill_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
