/*
 * server/sql/sqljload.c — an iterative JSON reader building jansson values (sqljload.h).
 */
#include "server/sql/sqljload.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct frame {
    json_t *c;  /* an object or array being filled */
    char *key;  /* an object's member waiting for its value (owned) */
} frame;

typedef struct reader {
    const char *p, *end;
    frame *st;
    size_t n, cap;
    int oom;
} reader;

static void skip_ws(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at r->p (its opening quote): malloc'd, NUL-terminated, *len its bytes. */
static char *read_string(reader *r, size_t *len)
{
    const char *p = r->p + 1;
    const char *q = p;
    while (q < r->end && *q != '"') q += *q == '\\' && q + 1 < r->end ? 2 : 1;
    if (q >= r->end) return NULL;
    /* escapes only shrink: \uXXXX (6 bytes) gives at most 3, a pair (12) at most 4 */
    char *out = malloc((size_t)(q - p) + 1);
    if (!out) {
        r->oom = 1;
        return NULL;
    }
    size_t o = 0;
    while (p < q) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) goto bad;
        if (c != '\\') {
            out[o++] = (char)c;
            p++;
            continue;
        }
        p++;
        char e = *p++;
        switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(p, q, &cp)) goto bad;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
                if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, q, &lo) || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    goto bad;
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad;
            }
            if (cp == 0) goto bad; /* jansson's strings hold no NUL either */
            o += put_utf8(out + o, cp);
            break;
        }
        default: goto bad;
        }
    }
    out[o] = 0;
    *len = o;
    r->p = q + 1;
    return out;
bad:
    free(out);
    return NULL;
}

static json_t *read_number(reader *r)
{
    const char *s = r->p;
    const char *p = s;
    if (p < r->end && *p == '-') p++;
    if (p >= r->end || *p < '0' || *p > '9') return NULL;
    bool real = false;
    while (p < r->end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
                          *p == '+' || *p == '-')) {
        if (*p == '.' || *p == 'e' || *p == 'E') real = true;
        p++;
    }
    char small[64], *buf = small;
    size_t n = (size_t)(p - s);
    if (n >= sizeof small && !(buf = malloc(n + 1))) {
        r->oom = 1;
        return NULL;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    char *e;
    json_t *v = NULL;
    errno = 0;
    if (!real) {
        long long ll = strtoll(buf, &e, 10);
        if (*e) goto out;
        if (errno != ERANGE) {
            if (!(v = json_integer((json_int_t)ll))) r->oom = 1;
            goto out;
        }
    }
    errno = 0;
    double d = strtod(buf, &e);
    if (*e || !isfinite(d)) goto out; /* jansson holds finite reals only */
    if (!(v = json_real(d))) r->oom = 1;
out:
    if (buf != small) free(buf);
    if (v) r->p = p;
    return v;
}

static bool word(reader *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n)) return false;
    r->p += n;
    return true;
}

/* Puts v into the container on top (or makes it the root); a new container is pushed. */
static int place(reader *r, json_t **root, json_t *v)
{
    if (r->n) {
        frame *f = &r->st[r->n - 1];
        int rc = json_is_object(f->c) ? json_object_set_new(f->c, f->key, v) : json_array_append_new(f->c, v);
        free(f->key);
        f->key = NULL;
        if (rc) {
            r->oom = 1;
            return -1;
        }
    } else {
        *root = v;
    }
    if (json_is_object(v) || json_is_array(v)) {
        if (r->n == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 64;
            frame *g = realloc(r->st, nc * sizeof *g);
            if (!g) {
                r->oom = 1;
                return -1;
            }
            r->st = g;
            r->cap = nc;
        }
        r->st[r->n++] = (frame){v, NULL};
    }
    return 0;
}

json_t *sqljload(const char *text, size_t len, int *oom)
{
    reader r = {.p = text, .end = text + len};
    json_t *root = NULL;
    bool ok = false;
    /* expect: a value (after '[', ',' in an array, ':' in an object, or at the start), a key
     * (after '{' or ',' in an object), or what follows a value (',', a closing bracket) */
    enum { VALUE, KEY, AFTER } want = VALUE;
    bool first = true; /* right after an opening bracket: it may close at once */
    for (;;) {
        skip_ws(&r);
        if (r.p >= r.end) {
            ok = want == AFTER && r.n == 0 && root;
            break;
        }
        char c = *r.p;
        if (want == AFTER || (first && (c == '}' || c == ']'))) {
            if (!r.n) break; /* trailing bytes after the root */
            frame *f = &r.st[r.n - 1];
            bool obj = json_is_object(f->c);
            if (c == ',' && !first) {
                r.p++;
                want = obj ? KEY : VALUE;
                first = false;
                continue;
            }
            if (c == (obj ? '}' : ']')) {
                r.p++;
                r.n--;
                want = AFTER;
                first = false;
                continue;
            }
            break;
        }
        first = false;
        if (want == KEY) {
            if (c != '"') break;
            size_t kl;
            char *k = read_string(&r, &kl);
            if (!k) break;
            if (strlen(k) != kl) { /* a NUL in a key: not jansson's */
                free(k);
                break;
            }
            r.st[r.n - 1].key = k;
            skip_ws(&r);
            if (r.p >= r.end || *r.p != ':') break;
            r.p++;
            want = VALUE;
            continue;
        }
        json_t *v = NULL;
        if (c == '{' || c == '[') {
            r.p++;
            v = c == '{' ? json_object() : json_array();
            if (!v) {
                r.oom = 1;
                break;
            }
            if (place(&r, &root, v)) break; /* v is its parent's, the root, or freed */
            want = c == '{' ? KEY : VALUE;
            first = true;
            continue;
        }
        if (c == '"') {
            size_t sl;
            char *s = read_string(&r, &sl);
            if (!s) break;
            v = json_stringn(s, sl); /* NULL: not UTF-8 (or out of memory): refused */
            free(s);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v = read_number(&r);
        } else if (word(&r, "true")) {
            v = json_true();
        } else if (word(&r, "false")) {
            v = json_false();
        } else if (word(&r, "null")) {
            v = json_null();
        }
        if (!v) break;
        if (place(&r, &root, v)) break;
        want = AFTER;
    }
    for (size_t i = 0; i < r.n; i++) free(r.st[i].key);
    free(r.st);
    if (!ok) {
        json_decref(root);
        root = NULL;
    }
    if (oom) *oom = r.oom;
    return root;
}
