/* crdt/render.c — PostgreSQL text output of CRDT values (see render.h). */
#include "crdt/render.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t render_double(double v, char buf[RENDER_DOUBLE_LEN])
{
    if (isnan(v)) return (size_t)snprintf(buf, RENDER_DOUBLE_LEN, "NaN");
    if (isinf(v)) return (size_t)snprintf(buf, RENDER_DOUBLE_LEN, v < 0 ? "-Infinity" : "Infinity");
    /* 17 significant digits always read back to the same double; %g drops trailing zeros */
    return (size_t)snprintf(buf, RENDER_DOUBLE_LEN, "%.17g", v);
}

/* Days since 1970-01-01 -> proleptic Gregorian date (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

size_t render_timestamptz(int64_t us, char buf[RENDER_TIMESTAMPTZ_LEN])
{
    if (us == INT64_MAX) return (size_t)snprintf(buf, RENDER_TIMESTAMPTZ_LEN, "infinity");
    if (us == INT64_MIN) return (size_t)snprintf(buf, RENDER_TIMESTAMPTZ_LEN, "-infinity");
    const int64_t day_us = INT64_C(86400000000);
    int64_t days = us / day_us, rem = us % day_us;
    if (rem < 0) {
        rem += day_us;
        days--;
    }
    int64_t y;
    unsigned mo, d;
    civil_from_days(days + 10957, &y, &mo, &d); /* 2000-01-01 is day 10957 of the Unix epoch */
    int64_t secs = rem / 1000000, frac = rem % 1000000;
    bool bc = y <= 0;
    int n = snprintf(buf, RENDER_TIMESTAMPTZ_LEN, "%04" PRId64 "-%02u-%02u %02d:%02d:%02d",
                     bc ? 1 - y : y, mo, d, (int)(secs / 3600), (int)(secs / 60 % 60),
                     (int)(secs % 60));
    if (frac) {
        char f[8];
        snprintf(f, sizeof(f), "%06d", (int)frac);
        int fl = 6;
        while (f[fl - 1] == '0') fl--;
        n += snprintf(buf + n, (size_t)(RENDER_TIMESTAMPTZ_LEN - n), ".%.*s", fl, f);
    }
    n += snprintf(buf + n, (size_t)(RENDER_TIMESTAMPTZ_LEN - n), "+00%s", bc ? " BC" : "");
    return (size_t)n;
}

int render_int8(codec_buf *b, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    return codec_put_raw(b, tmp, (size_t)n);
}

int render_bytea(codec_buf *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    codec_put_raw(b, "\\x", 2);
    for (size_t i = 0; i < n; i++) {
        char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        codec_put_raw(b, h, 2);
    }
    return b->err;
}

static bool array_needs_quotes(const uint8_t *p, size_t n)
{
    if (n == 0) return true;
    if (n == 4 && strncasecmp((const char *)p, "null", 4) == 0) return true;
    for (size_t i = 0; i < n; i++) {
        switch (p[i]) {
        case '"': case '\\': case '{': case '}': case ',':
        case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
            return true;
        default: break;
        }
    }
    return false;
}

int render_text_array(codec_buf *b, const crdt_bytes *elems, size_t n)
{
    codec_put_u8(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) codec_put_u8(b, ',');
        if (!array_needs_quotes(elems[i].p, elems[i].n)) {
            codec_put_raw(b, elems[i].p, elems[i].n);
            continue;
        }
        codec_put_u8(b, '"');
        for (size_t k = 0; k < elems[i].n; k++) {
            uint8_t c = elems[i].p[k];
            if (c == '"' || c == '\\') codec_put_u8(b, '\\');
            codec_put_u8(b, c);
        }
        codec_put_u8(b, '"');
    }
    return codec_put_u8(b, '}');
}

int render_json_string(codec_buf *b, const uint8_t *p, size_t n)
{
    codec_put_u8(b, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default: break;
        }
        if (esc) {
            codec_put_raw(b, esc, strlen(esc));
        } else if (c < 0x20) {
            char u[8];
            snprintf(u, sizeof(u), "\\u%04x", c);
            codec_put_raw(b, u, 6);
        } else {
            codec_put_u8(b, c);
        }
    }
    return codec_put_u8(b, '"');
}

int render_value(codec_buf *b, const crdt_value *v, bool *is_null)
{
    char tmp[RENDER_TIMESTAMPTZ_LEN > RENDER_DOUBLE_LEN ? RENDER_TIMESTAMPTZ_LEN : RENDER_DOUBLE_LEN];
    *is_null = false;
    switch (v->type) {
    case CRDT_V_NULL: *is_null = true; return 0;
    case CRDT_V_INT8: return render_int8(b, v->u.i);
    case CRDT_V_FLOAT8: return codec_put_raw(b, tmp, render_double(v->u.f, tmp));
    case CRDT_V_BOOL: return codec_put_u8(b, v->u.b ? 't' : 'f');
    case CRDT_V_BYTEA: return render_bytea(b, v->u.s.p, v->u.s.n);
    case CRDT_V_TIMESTAMPTZ: return codec_put_raw(b, tmp, render_timestamptz(v->u.i, tmp));
    case CRDT_V_TEXT:
    case CRDT_V_JSONB:
    case CRDT_V_NUMERIC: return codec_put_raw(b, v->u.s.p, v->u.s.n);
    default: return CRDT_EINVAL;
    }
}

static int render_elements(codec_buf *b, const kernel *k)
{
    crdt_bytes *el;
    size_t n;
    int rc = crdt_elements(k, &el, &n);
    if (!rc) rc = render_text_array(b, el, n);
    free(el);
    return rc;
}

static int render_map(codec_buf *b, const kernel *k)
{
    crdt_bytes *kv;
    size_t n;
    int rc = lwwmap_items(k, &kv, &n);
    if (rc) return rc;
    codec_put_u8(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) codec_put_raw(b, ", ", 2);
        render_json_string(b, kv[2 * i].p, kv[2 * i].n);
        codec_put_raw(b, ": ", 2);
        codec_put_raw(b, kv[2 * i + 1].p, kv[2 * i + 1].n);
    }
    free(kv);
    return codec_put_u8(b, '}');
}

int render_obj(codec_buf *b, const crdt_obj *o, bool *is_null)
{
    int64_t v;
    *is_null = false;
    switch (o->kind) {
    case CRDT_KIND_GCOUNTER: gcounter_value(&o->u.g, &v); return render_int8(b, v);
    case CRDT_KIND_PNCOUNTER: pncounter_value(&o->u.pn, &v); return render_int8(b, v);
    case CRDT_KIND_LWW: {
        crdt_value val;
        crdt_value_init(&val);
        int rc = lwwreg_read(&o->u.k, &val, NULL);
        if (rc == 1) {
            *is_null = true;
            return 0;
        }
        if (!rc) rc = render_value(b, &val, is_null);
        crdt_value_free(&val);
        return rc;
    }
    case CRDT_KIND_MVREG:
    case CRDT_KIND_AWSET: return render_elements(b, &o->u.k);
    case CRDT_KIND_ORSET: return render_elements(b, &o->u.os.live);
    case CRDT_KIND_LWWMAP: return render_map(b, &o->u.k);
    default: return CRDT_EINVAL;
    }
}
