/* Codec robustness for CRDT encodings: every truncation of a valid encoding is refused, every
 * single-bit flip is either refused or decodes to a state whose encoding is exactly the
 * flipped input (decoders accept canonical encodings only). Meant to run under ASan/UBSan too.
 * With CRDT_WRITE_CORPUS=<dir>, also writes the sample encodings there (the fuzz seed corpus). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crdt/row.h"

typedef struct sample {
    uint8_t *p;
    size_t n;
} sample;

static sample samples[16];
static size_t nsamples;

static causal_dot dot(uint16_t n, uint64_t c)
{
    causal_dot d = {n, c};
    return d;
}

static void add_obj(const crdt_obj *o)
{
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(crdt_obj_encode(&b, o), 0);
    samples[nsamples].p = codec_buf_take(&b, &samples[nsamples].n);
    nsamples++;
}

static void add_row(const crdt_row *r)
{
    codec_buf b;
    codec_buf_init(&b);
    assert_int_equal(crdt_row_encode(&b, r), 0);
    samples[nsamples].p = codec_buf_take(&b, &samples[nsamples].n);
    nsamples++;
}

/* One sample of every kind, each with some concurrency so every field is populated. */
static void build_samples(void)
{
    crdt_obj o;
    crdt_value v;
    crdt_value_init(&v);

    crdt_obj_init(&o, CRDT_KIND_GCOUNTER);
    gcounter_inc(&o.u.g, 1, 5, NULL);
    gcounter_inc(&o.u.g, 300, 200, NULL);
    crdt_obj_reset(&o, NULL);
    gcounter_inc(&o.u.g, 2, 1, NULL);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_obj_init(&o, CRDT_KIND_PNCOUNTER);
    pncounter_add(&o.u.pn, 1, 7, NULL);
    pncounter_sub(&o.u.pn, 2, 9, NULL);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_obj_init(&o, CRDT_KIND_LWW);
    crdt_value_set_bytes(&v, CRDT_V_TEXT, "hello", 5);
    lwwreg_assign(&o.u.k, &v, 1000, dot(1, 1), NULL);
    crdt_obj other;
    crdt_obj_init(&other, CRDT_KIND_LWW);
    crdt_value_free(&v);
    v.type = CRDT_V_FLOAT8;
    v.u.f = 2.5;
    lwwreg_assign(&other.u.k, &v, 1000, dot(2, 9), NULL);
    crdt_obj_merge(&o, &other, NULL);
    add_obj(&o);
    crdt_obj_free(&o);
    crdt_obj_free(&other);

    crdt_obj_init(&o, CRDT_KIND_MVREG);
    mvreg_assign(&o.u.k, "a", 1, dot(1, 1), NULL);
    mvreg_assign(&o.u.k, "b", 1, dot(1, 3), NULL);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_obj_init(&o, CRDT_KIND_ORSET);
    orset_add(&o.u.os, "x", 1, dot(1, 1), NULL);
    orset_add(&o.u.os, "y", 1, dot(1, 2), NULL);
    orset_add(&o.u.os, "z", 1, dot(2, 5), NULL);
    orset_remove(&o.u.os, "y", 1, NULL);
    causal_vv f;
    causal_vv_init(&f);
    causal_vv_set(&f, 1, 1);
    orset_gc(&o.u.os, &f);
    causal_vv_free(&f);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_obj_init(&o, CRDT_KIND_AWSET);
    awset_add(&o.u.k, "x", 1, dot(1, 1), NULL);
    awset_add(&o.u.k, "y", 1, dot(1, 4), NULL);
    awset_remove(&o.u.k, "x", 1, NULL);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_obj_init(&o, CRDT_KIND_LWWMAP);
    lwwmap_put(&o.u.k, "a", 1, "1", 1, 5, dot(1, 1), NULL);
    lwwmap_put(&o.u.k, "bb", 2, "[true]", 6, 6, dot(1, 2), NULL);
    lwwmap_remove(&o.u.k, "a", 1, 7, dot(3, 1), NULL);
    add_obj(&o);
    crdt_obj_free(&o);

    crdt_row r;
    crdt_row_init(&r);
    crdt_row_touch(&r, dot(1, 1), NULL);
    crdt_row_counter_add(&r, NULL, 1, CRDT_KIND_GCOUNTER, 1, 3);
    crdt_row_set_add(&r, NULL, 2, CRDT_KIND_ORSET, "t", 1, dot(1, 2));
    v.type = CRDT_V_TIMESTAMPTZ;
    v.u.i = 848829600123000;
    crdt_row_lww_assign(&r, NULL, 3, &v, 77, dot(1, 3));
    crdt_row_map_put(&r, NULL, 4, "k", 1, "\"v\"", 3, 8, dot(1, 4));
    crdt_row_delete(&r, NULL);
    crdt_row_touch(&r, dot(2, 1), NULL);
    crdt_row_counter_add(&r, NULL, 1, CRDT_KIND_GCOUNTER, 2, 1);
    add_row(&r);
    crdt_row_free(&r);
    crdt_value_free(&v);
}

/* 1 if p decodes (as an object or a row, by its kind byte), else 0. A decoded input must
 * re-encode to exactly itself. */
static int decodes(const uint8_t *p, size_t n)
{
    codec_buf b;
    codec_buf_init(&b);
    int ok = 0;
    if (n >= 2 && p[1] == CRDT_KIND_ROW) {
        crdt_row r;
        crdt_row_init(&r);
        if (crdt_row_decode(p, n, &r) == 0) {
            ok = 1;
            crdt_row_encode(&b, &r);
        }
        crdt_row_free(&r);
    } else {
        crdt_obj o;
        if (crdt_obj_decode(p, n, &o) == 0) {
            ok = 1;
            crdt_obj_encode(&b, &o);
            crdt_obj_free(&o);
        }
    }
    if (ok) {
        assert_int_equal(b.len, n);
        assert_memory_equal(b.data, p, n);
    }
    codec_buf_free(&b);
    return ok;
}

static int setup(void **state)
{
    (void)state;
    build_samples();
    const char *dir = getenv("CRDT_WRITE_CORPUS");
    for (size_t i = 0; dir && i < nsamples; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, "sample");
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "_%02zu", i);
        FILE *f = fopen(path, "wb");
        if (!f) return -1;
        fwrite(samples[i].p, 1, samples[i].n, f);
        fclose(f);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nsamples; i++) free(samples[i].p);
    return 0;
}

static void test_samples_decode(void **state)
{
    (void)state;
    assert_int_equal(nsamples, 8);
    for (size_t i = 0; i < nsamples; i++) assert_int_equal(decodes(samples[i].p, samples[i].n), 1);
}

static void test_truncations_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < nsamples; i++) {
        for (size_t n = 0; n < samples[i].n; n++) {
            /* a heap copy of exactly n bytes, so ASan catches any read past the end */
            uint8_t *p = malloc(n ? n : 1);
            memcpy(p, samples[i].p, n);
            assert_int_equal(decodes(p, n), 0);
            free(p);
        }
    }
}

static void test_bit_flips(void **state)
{
    (void)state;
    size_t refused = 0, total = 0;
    for (size_t i = 0; i < nsamples; i++) {
        uint8_t *p = malloc(samples[i].n);
        for (size_t bit = 0; bit < samples[i].n * 8; bit++) {
            memcpy(p, samples[i].p, samples[i].n);
            p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            refused += !decodes(p, samples[i].n);
            total++;
        }
        free(p);
    }
    /* most flips break an invariant; the rest decode canonically (checked in decodes) */
    assert_true(refused > total / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_decode),
        cmocka_unit_test(test_truncations_refused),
        cmocka_unit_test(test_bit_flips),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
