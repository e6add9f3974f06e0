/* bench/crdt/bench_crdt.c — throughput of CRDT operations and merges, and delta vs full-state
 * encoded sizes. Not a test: prints a Markdown table of figures.
 *
 * ops/s: a local operation producing its delta (the SQL layer's path), on a state of the size
 * shown. merges/s: merging one operation's delta into a replica of that size (the replication
 * inbox's path). Sizes: canonical encodings (crdt_obj_encode). Every 1,000 operations both
 * states are gc'd with a floor 100 commits behind, as storage's compaction does; without it a
 * kernel's causal context keeps one cloud dot per overwritten write. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crdt/crdt.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t enc_size(const crdt_obj *o)
{
    codec_buf b;
    codec_buf_init(&b);
    crdt_obj_encode(&b, o);
    size_t n = b.len;
    codec_buf_free(&b);
    return n;
}

typedef struct result {
    const char *type;
    const char *shape;
    double ops, merges;
    size_t full, delta;
} result;

#define N_REGIONS 5
#define SET_SIZE 1000
#define MAP_KEYS 100

/* Applies op #i to o, the op's delta into d (d is reset by the caller). */
static void do_op(int kind, crdt_obj *o, crdt_obj *d, uint64_t i)
{
    char el[32];
    uint16_t node = (uint16_t)(1 + i % N_REGIONS);
    causal_dot dot = causal_commit_dot(node, 1 + i, 0);
    int len;
    switch (kind) {
    case CRDT_KIND_GCOUNTER: gcounter_inc(&o->u.g, node, 1, &d->u.g); break;
    case CRDT_KIND_PNCOUNTER: pncounter_add(&o->u.pn, node, (i & 1) ? 1 : -1, &d->u.pn); break;
    case CRDT_KIND_LWW: {
        crdt_value v;
        v.type = CRDT_V_INT8;
        v.u.i = (int64_t)i;
        lwwreg_assign(&o->u.k, &v, i, dot, &d->u.k);
        break;
    }
    case CRDT_KIND_MVREG:
        len = snprintf(el, sizeof(el), "value-%llu", (unsigned long long)(i % 7));
        mvreg_assign(&o->u.k, el, (size_t)len, dot, &d->u.k);
        break;
    case CRDT_KIND_ORSET:
        len = snprintf(el, sizeof(el), "element-%llu", (unsigned long long)(i % SET_SIZE));
        if ((i / SET_SIZE) & 1) orset_remove(&o->u.os, el, (size_t)len, &d->u.os);
        else orset_add(&o->u.os, el, (size_t)len, dot, &d->u.os);
        break;
    case CRDT_KIND_AWSET:
        len = snprintf(el, sizeof(el), "element-%llu", (unsigned long long)(i % SET_SIZE));
        awset_add(&o->u.k, el, (size_t)len, dot, &d->u.k);
        break;
    case CRDT_KIND_LWWMAP:
        len = snprintf(el, sizeof(el), "key-%llu", (unsigned long long)(i % MAP_KEYS));
        lwwmap_put(&o->u.k, el, (size_t)len, "{\"n\": 1}", 8, i, dot, &d->u.k);
        break;
    default: break;
    }
}

/* gc with a stable floor 100 commits behind op i (commit seq of op j is j + 1). */
static void gc_behind(crdt_obj *o, uint64_t i)
{
    causal_vv seqs, floor;
    causal_vv_init(&seqs);
    causal_vv_init(&floor);
    for (uint16_t n = 1; n <= N_REGIONS; n++) causal_vv_set(&seqs, n, i > 100 ? i - 100 : 0);
    causal_vv_to_dot_floor(&floor, &seqs);
    crdt_obj_gc(o, &floor);
    causal_vv_free(&seqs);
    causal_vv_free(&floor);
}

static result bench(int kind, const char *shape, uint64_t prefill, uint64_t nops)
{
    result r = {crdt_kind_name(kind), shape, 0, 0, 0, 0};
    crdt_obj o, d, replica;
    crdt_obj_init(&o, kind);
    crdt_obj_init(&d, kind);
    for (uint64_t i = 0; i < prefill; i++) do_op(kind, &o, &d, i);
    crdt_obj_copy(&replica, &o);

    /* ops: each op produces a fresh delta, as one statement would */
    crdt_obj *deltas = malloc(nops * sizeof(*deltas));
    double t0 = now_s();
    for (uint64_t i = 0; i < nops; i++) {
        crdt_obj_init(&deltas[i], kind);
        do_op(kind, &o, &deltas[i], prefill + i);
        if (i % 1000 == 999) gc_behind(&o, prefill + i);
    }
    double t1 = now_s();
    r.ops = nops / (t1 - t0);
    r.full = enc_size(&o);
    r.delta = enc_size(&deltas[nops - 1]);

    /* merges: the same deltas into a replica that had the prefill */
    t0 = now_s();
    for (uint64_t i = 0; i < nops; i++) {
        crdt_obj_merge(&replica, &deltas[i], NULL);
        if (i % 1000 == 999) gc_behind(&replica, prefill + i);
    }
    t1 = now_s();
    r.merges = nops / (t1 - t0);

    for (uint64_t i = 0; i < nops; i++) crdt_obj_free(&deltas[i]);
    free(deltas);
    crdt_obj_free(&o);
    crdt_obj_free(&d);
    crdt_obj_free(&replica);
    return r;
}

int main(void)
{
    result rs[] = {
        bench(CRDT_KIND_GCOUNTER, "5-region counter", 1000, 200000),
        bench(CRDT_KIND_PNCOUNTER, "5-region counter", 1000, 200000),
        bench(CRDT_KIND_LWW, "int8 register", 100, 200000),
        bench(CRDT_KIND_MVREG, "text register", 100, 200000),
        bench(CRDT_KIND_ORSET, "1,000-element set", SET_SIZE, 20000),
        bench(CRDT_KIND_AWSET, "1,000-element set", SET_SIZE, 20000),
        bench(CRDT_KIND_LWWMAP, "100-key map", MAP_KEYS, 50000),
    };
    printf("| type | state | ops/s | merges/s | full state (bytes) | one-op delta (bytes) |\n");
    printf("|---|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
        printf("| %s | %s | %.0f | %.0f | %zu | %zu |\n", rs[i].type, rs[i].shape, rs[i].ops,
               rs[i].merges, rs[i].full, rs[i].delta);
    return 0;
}
