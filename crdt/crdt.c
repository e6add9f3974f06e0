/* crdt/crdt.c — values, element listing, and the generic object: dispatch of merge, reset,
 * gc, codec and describe over the kinds (see crdt.h). */
#include "crdt/crdt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/render.h"

const char *crdt_kind_name(int kind)
{
    switch (kind) {
    case CRDT_KIND_GCOUNTER: return "g_counter";
    case CRDT_KIND_PNCOUNTER: return "pn_counter";
    case CRDT_KIND_LWW: return "lww_register";
    case CRDT_KIND_MVREG: return "mv_register";
    case CRDT_KIND_ORSET: return "or_set";
    case CRDT_KIND_AWSET: return "aw_set";
    case CRDT_KIND_LWWMAP: return "lww_map";
    case CRDT_KIND_ROW: return "row";
    default: return "?";
    }
}

/* ------------------------------------------------------------------ values */

static bool is_string_type(uint8_t t)
{
    return t == CRDT_V_TEXT || t == CRDT_V_BYTEA || t == CRDT_V_JSONB || t == CRDT_V_NUMERIC;
}

void crdt_value_init(crdt_value *v)
{
    memset(v, 0, sizeof(*v));
    v->type = CRDT_V_NULL;
}

void crdt_value_free(crdt_value *v)
{
    if (is_string_type(v->type)) free(v->u.s.p);
    crdt_value_init(v);
}

int crdt_value_set_bytes(crdt_value *v, uint8_t type, const void *p, size_t n)
{
    if (!is_string_type(type)) return CRDT_EINVAL;
    if (n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    uint8_t *copy = malloc(n + 1);
    if (!copy) return CRDT_ENOMEM;
    if (n) memcpy(copy, p, n);
    copy[n] = 0;
    crdt_value_free(v);
    v->type = type;
    v->u.s.p = copy;
    v->u.s.n = n;
    return 0;
}

int crdt_value_copy(crdt_value *dst, const crdt_value *src)
{
    if (dst == src) return 0;
    if (is_string_type(src->type)) return crdt_value_set_bytes(dst, src->type, src->u.s.p, src->u.s.n);
    crdt_value_free(dst);
    *dst = *src;
    return 0;
}

bool crdt_value_equal(const crdt_value *a, const crdt_value *b)
{
    if (a->type != b->type) return false;
    switch (a->type) {
    case CRDT_V_NULL: return true;
    case CRDT_V_INT8:
    case CRDT_V_TIMESTAMPTZ: return a->u.i == b->u.i;
    case CRDT_V_FLOAT8: return memcmp(&a->u.f, &b->u.f, sizeof(double)) == 0;
    case CRDT_V_BOOL: return a->u.b == b->u.b;
    default:
        return a->u.s.n == b->u.s.n && (a->u.s.n == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0);
    }
}

int crdt_value_encode(codec_buf *b, const crdt_value *v)
{
    uint64_t bits;
    codec_put_u8(b, v->type);
    switch (v->type) {
    case CRDT_V_NULL: break;
    case CRDT_V_INT8:
    case CRDT_V_TIMESTAMPTZ: codec_put_svarint(b, v->u.i); break;
    case CRDT_V_FLOAT8:
        memcpy(&bits, &v->u.f, sizeof(bits));
        codec_put_u64(b, bits);
        break;
    case CRDT_V_BOOL: codec_put_u8(b, v->u.b ? 1 : 0); break;
    case CRDT_V_TEXT:
    case CRDT_V_BYTEA:
    case CRDT_V_JSONB:
    case CRDT_V_NUMERIC:
        if (v->u.s.n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
        codec_put_bytes(b, v->u.s.p, v->u.s.n);
        break;
    default: return CRDT_EINVAL;
    }
    return b->err;
}

int crdt_value_decode(codec_rd *r, crdt_value *v)
{
    uint8_t type, u8;
    uint64_t bits;
    const uint8_t *p;
    size_t n;
    crdt_value_free(v);
    if (codec_get_u8(r, &type)) return CRDT_EBADENC;
    switch (type) {
    case CRDT_V_NULL: return 0;
    case CRDT_V_INT8:
    case CRDT_V_TIMESTAMPTZ:
        if (codec_get_svarint(r, &v->u.i)) return CRDT_EBADENC;
        break;
    case CRDT_V_FLOAT8:
        if (codec_get_u64(r, &bits)) return CRDT_EBADENC;
        memcpy(&v->u.f, &bits, sizeof(bits));
        break;
    case CRDT_V_BOOL:
        if (codec_get_u8(r, &u8) || u8 > 1) return CRDT_EBADENC;
        v->u.b = u8;
        break;
    case CRDT_V_TEXT:
    case CRDT_V_BYTEA:
    case CRDT_V_JSONB:
    case CRDT_V_NUMERIC:
        if (codec_get_bytes(r, &p, &n, CRDT_MAX_VALUE)) return CRDT_EBADENC;
        return crdt_value_set_bytes(v, type, p, n);
    default: return CRDT_EBADENC;
    }
    v->type = type;
    return 0;
}

/* ------------------------------------------------------------------ elements */

static int bytes_cmp(const void *pa, const void *pb)
{
    const crdt_bytes *a = pa, *b = pb;
    size_t n = a->n < b->n ? a->n : b->n;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    if (c) return c;
    return a->n < b->n ? -1 : a->n > b->n;
}

int crdt_elements(const kernel *k, crdt_bytes **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!k->len) return 0;
    crdt_bytes *el = malloc((size_t)k->len * sizeof(*el));
    if (!el) return CRDT_ENOMEM;
    for (uint32_t i = 0; i < k->len; i++) {
        el[i].p = k->e[i].p;
        el[i].n = k->e[i].n;
    }
    if (k->len > 1) qsort(el, k->len, sizeof(*el), bytes_cmp);
    size_t m = 0;
    for (uint32_t i = 0; i < k->len; i++)
        if (m == 0 || bytes_cmp(&el[m - 1], &el[i])) el[m++] = el[i];
    *out = el;
    *n = m;
    return 0;
}

/* ------------------------------------------------------------------ generic object */

static bool is_kernel_kind(int kind)
{
    return kind == CRDT_KIND_LWW || kind == CRDT_KIND_MVREG || kind == CRDT_KIND_AWSET ||
           kind == CRDT_KIND_LWWMAP;
}

static kernel_check check_of(int kind)
{
    switch (kind) {
    case CRDT_KIND_LWW: return lwwreg_check;
    case CRDT_KIND_MVREG: return mvreg_check;
    case CRDT_KIND_AWSET: return awset_check;
    default: return lwwmap_check;
    }
}

int crdt_obj_init(crdt_obj *o, int kind)
{
    memset(o, 0, sizeof(*o));
    o->kind = (uint8_t)kind;
    switch (kind) {
    case CRDT_KIND_GCOUNTER: gcounter_init(&o->u.g); return 0;
    case CRDT_KIND_PNCOUNTER: pncounter_init(&o->u.pn); return 0;
    case CRDT_KIND_ORSET: orset_init(&o->u.os); return 0;
    default:
        if (is_kernel_kind(kind)) {
            kernel_init(&o->u.k);
            return 0;
        }
        o->kind = CRDT_KIND_GCOUNTER;
        gcounter_init(&o->u.g);
        return CRDT_EINVAL;
    }
}

void crdt_obj_free(crdt_obj *o)
{
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER: gcounter_free(&o->u.g); break;
    case CRDT_KIND_PNCOUNTER: pncounter_free(&o->u.pn); break;
    case CRDT_KIND_ORSET: orset_free(&o->u.os); break;
    default: kernel_free(&o->u.k); break;
    }
}

int crdt_obj_copy(crdt_obj *dst, const crdt_obj *src)
{
    int rc = crdt_obj_init(dst, src->kind);
    if (rc) return rc;
    switch (src->kind) {
    case CRDT_KIND_GCOUNTER: rc = gcounter_copy(&dst->u.g, &src->u.g); break;
    case CRDT_KIND_PNCOUNTER: rc = pncounter_copy(&dst->u.pn, &src->u.pn); break;
    case CRDT_KIND_ORSET: rc = orset_copy(&dst->u.os, &src->u.os); break;
    default: rc = kernel_copy(&dst->u.k, &src->u.k); break;
    }
    if (rc) crdt_obj_free(dst);
    return rc;
}

int crdt_obj_merge(crdt_obj *dst, const crdt_obj *src, crdt_merge_stats *stats)
{
    if (dst->kind != src->kind) return CRDT_EINVAL;
    int rc;
    switch (dst->kind) {
    case CRDT_KIND_GCOUNTER: return gcounter_merge(&dst->u.g, &src->u.g);
    case CRDT_KIND_PNCOUNTER: return pncounter_merge(&dst->u.pn, &src->u.pn);
    case CRDT_KIND_ORSET: return orset_merge(&dst->u.os, &src->u.os);
    case CRDT_KIND_AWSET: return kernel_join(&dst->u.k, &src->u.k);
    default: break;
    }
    if ((rc = kernel_join(&dst->u.k, &src->u.k)) || !stats) return rc;
    if (dst->kind == CRDT_KIND_LWWMAP) {
        stats->conflicts += lwwmap_conflicts(&dst->u.k);
    } else if (dst->u.k.len > 1) {
        /* a register holding several writes, at least one of them new to one side */
        for (uint32_t i = 0; i < dst->u.k.len; i++) {
            if (dst->u.k.e[i].onesided) {
                stats->conflicts++;
                break;
            }
        }
    }
    return 0;
}

int crdt_obj_reset(crdt_obj *o, crdt_obj *delta)
{
    if (delta && delta->kind != o->kind) return CRDT_EINVAL;
    causal_dot none = {0, 0};
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER: return gcounter_reset(&o->u.g, delta ? &delta->u.g : NULL);
    case CRDT_KIND_PNCOUNTER: return pncounter_reset(&o->u.pn, delta ? &delta->u.pn : NULL);
    case CRDT_KIND_ORSET: return orset_clear(&o->u.os, delta ? &delta->u.os : NULL);
    default: return kernel_apply(&o->u.k, kernel_all, NULL, none, NULL, 0, delta ? &delta->u.k : NULL);
    }
}

int crdt_obj_gc(crdt_obj *o, const causal_vv *dot_floor)
{
    /* An object in its initial state stays there: rows do not encode such columns, and one
     * replica may hold it in memory where another has no column at all. */
    if (crdt_obj_is_empty(o)) return 0;
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER:
    case CRDT_KIND_PNCOUNTER: return 0; /* no removable metadata: floors are the value */
    case CRDT_KIND_ORSET: return orset_gc(&o->u.os, dot_floor);
    case CRDT_KIND_LWWMAP: return lwwmap_gc(&o->u.k, dot_floor);
    default: return kernel_fill(&o->u.k, dot_floor);
    }
}

bool crdt_obj_is_empty(const crdt_obj *o)
{
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER: return o->u.g.len == 0;
    case CRDT_KIND_PNCOUNTER: return o->u.pn.inc.len == 0 && o->u.pn.dec.len == 0;
    case CRDT_KIND_ORSET:
        return o->u.os.live.len == 0 && o->u.os.ntomb == 0 && o->u.os.floor.len == 0;
    default: return o->u.k.len == 0 && o->u.k.cc.base.len == 0 && o->u.k.cc.ncloud == 0;
    }
}

int crdt_obj_encode_body(codec_buf *b, const crdt_obj *o)
{
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER: return gcounter_encode(b, &o->u.g);
    case CRDT_KIND_PNCOUNTER: return pncounter_encode(b, &o->u.pn);
    case CRDT_KIND_ORSET: return orset_encode(b, &o->u.os);
    default: return kernel_encode(b, &o->u.k);
    }
}

int crdt_obj_decode_body(codec_rd *r, crdt_obj *o, int kind)
{
    if (crdt_obj_init(o, kind)) return CRDT_EBADENC;
    int rc;
    switch (kind) {
    case CRDT_KIND_GCOUNTER: rc = gcounter_decode(r, &o->u.g, INT64_MAX); break;
    case CRDT_KIND_PNCOUNTER: rc = pncounter_decode(r, &o->u.pn); break;
    case CRDT_KIND_ORSET: rc = orset_decode(r, &o->u.os); break;
    default: rc = kernel_decode(r, &o->u.k, check_of(kind)); break;
    }
    if (rc) crdt_obj_free(o);
    return rc;
}

int crdt_obj_encode(codec_buf *b, const crdt_obj *o)
{
    codec_put_u8(b, CRDT_FORMAT_VERSION);
    codec_put_u8(b, o->kind);
    return crdt_obj_encode_body(b, o);
}

int crdt_obj_decode(const uint8_t *p, size_t n, crdt_obj *o)
{
    codec_rd r;
    uint8_t version, kind;
    codec_rd_init(&r, p, n);
    codec_get_u8(&r, &version);
    crdt_obj_init(o, CRDT_KIND_GCOUNTER);
    if (codec_get_u8(&r, &kind) || version != CRDT_FORMAT_VERSION) return CRDT_EBADENC;
    int rc = crdt_obj_decode_body(&r, o, kind);
    if (rc) {
        crdt_obj_init(o, CRDT_KIND_GCOUNTER);
        return rc;
    }
    if (codec_rd_left(&r)) {
        crdt_obj_free(o);
        return CRDT_EBADENC;
    }
    return 0;
}

/* ------------------------------------------------------------------ describe (JSON) */

static void put_str(codec_buf *b, const char *s)
{
    codec_put_raw(b, s, strlen(s));
}

static void put_fmt_u64(codec_buf *b, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
    codec_put_raw(b, tmp, (size_t)n);
}

static void put_dot(codec_buf *b, causal_dot d)
{
    codec_put_u8(b, '[');
    put_fmt_u64(b, d.node);
    codec_put_u8(b, ',');
    put_fmt_u64(b, d.counter);
    codec_put_u8(b, ']');
}

static void put_vv(codec_buf *b, const causal_vv *vv)
{
    codec_put_u8(b, '{');
    for (uint32_t i = 0; i < vv->len; i++) {
        if (i) codec_put_u8(b, ',');
        codec_put_u8(b, '"');
        put_fmt_u64(b, vv->v[i].node);
        put_str(b, "\":");
        put_fmt_u64(b, vv->v[i].counter);
    }
    codec_put_u8(b, '}');
}

int crdt_cc_describe(codec_buf *b, const causal_cc *cc)
{
    put_str(b, "{\"base\":");
    put_vv(b, &cc->base);
    put_str(b, ",\"cloud\":[");
    for (uint32_t i = 0; i < cc->ncloud; i++) {
        if (i) codec_put_u8(b, ',');
        put_dot(b, cc->cloud[i]);
    }
    put_str(b, "]}");
    return b->err;
}

static void put_gcounter(codec_buf *b, const gcounter *g)
{
    codec_put_u8(b, '[');
    for (uint32_t i = 0; i < g->len; i++) {
        if (i) codec_put_u8(b, ',');
        put_str(b, "{\"node\":");
        put_fmt_u64(b, g->e[i].node);
        put_str(b, ",\"inc\":");
        put_fmt_u64(b, g->e[i].p);
        put_str(b, ",\"floor\":");
        put_fmt_u64(b, g->e[i].f);
        codec_put_u8(b, '}');
    }
    codec_put_u8(b, ']');
}

/* One kernel entry's payload, as JSON members after "dot". */
static void put_payload(codec_buf *b, int kind, const kernel_entry *e)
{
    codec_rd r;
    codec_rd_init(&r, e->p, e->n);
    if (kind == CRDT_KIND_LWW) {
        uint64_t ts;
        bool is_null;
        crdt_value v;
        crdt_value_init(&v);
        codec_get_u64(&r, &ts);
        crdt_value_decode(&r, &v);
        put_str(b, ",\"ts\":");
        put_fmt_u64(b, ts);
        put_str(b, ",\"value\":");
        codec_buf txt;
        codec_buf_init(&txt);
        render_value(&txt, &v, &is_null);
        if (is_null) put_str(b, "null");
        else render_json_string(b, txt.data, txt.len);
        codec_buf_free(&txt);
        crdt_value_free(&v);
    } else if (kind == CRDT_KIND_LWWMAP) {
        const uint8_t *key;
        size_t klen;
        uint64_t ts;
        uint8_t live;
        codec_get_bytes(&r, &key, &klen, CRDT_MAX_VALUE);
        codec_get_u64(&r, &ts);
        codec_get_u8(&r, &live);
        put_str(b, ",\"key\":");
        render_json_string(b, key, klen);
        put_str(b, ",\"ts\":");
        put_fmt_u64(b, ts);
        if (live) {
            const uint8_t *json;
            size_t jlen = codec_rd_left(&r);
            codec_get_raw(&r, &json, jlen);
            put_str(b, ",\"value\":");
            codec_put_raw(b, json, jlen);
        } else {
            put_str(b, ",\"tombstone\":true");
        }
    } else if (kind != 0) {
        put_str(b, ",\"value\":");
        render_json_string(b, e->p, e->n);
    }
}

static void put_entries(codec_buf *b, int kind, const kernel *k, const char *dotname)
{
    codec_put_u8(b, '[');
    for (uint32_t i = 0; i < k->len; i++) {
        if (i) codec_put_u8(b, ',');
        put_str(b, "{\"");
        put_str(b, dotname);
        put_str(b, "\":");
        put_dot(b, k->e[i].dot);
        put_payload(b, kind, &k->e[i]);
        codec_put_u8(b, '}');
    }
    codec_put_u8(b, ']');
}

int crdt_kernel_describe(codec_buf *b, const kernel *k, int kind)
{
    put_str(b, "\"entries\":");
    put_entries(b, kind, k, "dot");
    put_str(b, ",\"cc\":");
    return crdt_cc_describe(b, &k->cc);
}

int crdt_obj_describe(codec_buf *b, const crdt_obj *o)
{
    int64_t v;
    put_str(b, "{\"type\":\"");
    put_str(b, crdt_kind_name(o->kind));
    codec_put_u8(b, '"');
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER:
        gcounter_value(&o->u.g, &v);
        put_str(b, ",\"value\":");
        render_int8(b, v);
        put_str(b, ",\"nodes\":");
        put_gcounter(b, &o->u.g);
        break;
    case CRDT_KIND_PNCOUNTER:
        pncounter_value(&o->u.pn, &v);
        put_str(b, ",\"value\":");
        render_int8(b, v);
        put_str(b, ",\"inc\":");
        put_gcounter(b, &o->u.pn.inc);
        put_str(b, ",\"dec\":");
        put_gcounter(b, &o->u.pn.dec);
        break;
    case CRDT_KIND_ORSET:
        put_str(b, ",\"live\":");
        put_entries(b, CRDT_KIND_ORSET, &o->u.os.live, "tag");
        put_str(b, ",\"tombstones\":[");
        for (uint32_t i = 0; i < o->u.os.ntomb; i++) {
            if (i) codec_put_u8(b, ',');
            put_dot(b, o->u.os.tomb[i]);
        }
        put_str(b, "],\"floor\":");
        put_vv(b, &o->u.os.floor);
        break;
    default:
        codec_put_u8(b, ',');
        crdt_kernel_describe(b, &o->u.k, o->kind);
        break;
    }
    codec_put_u8(b, '}');
    return b->err;
}
