/* server/sql/sqljson.c — see sqljson.h. */
#include "server/sql/sqljson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqljsonb.h"

static size_t ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

/* The end of the string starting at s[i] (its quote), or n. */
static size_t str_end(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return n;
}

/* The end of the value starting at s[i] (after blanks), or n when malformed. */
static size_t value_end(const char *s, size_t i, size_t n)
{
    if (i >= n) return n;
    if (s[i] == '"') return str_end(s, i, n);
    if (s[i] == '{' || s[i] == '[') {
        size_t depth = 0;
        for (; i < n; i++) {
            char c = s[i];
            if (c == '"') {
                i = str_end(s, i, n) - 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
        return n;
    }
    while (i < n && !strchr(",}] \t\n\r", s[i])) i++; /* a number, true, false, null */
    return i;
}

/* Whether the JSON string s[a, b) (quotes included) decodes to key[0, kl). */
static bool key_equals(const char *s, size_t a, size_t b, const char *key, size_t kl)
{
    size_t k = 0;
    for (size_t i = a + 1; i + 1 < b; i++) {
        unsigned char c = (unsigned char)s[i];
        char buf[4];
        size_t bl = 1;
        if (c != '\\') {
            buf[0] = (char)c;
        } else {
            i++;
            char e = s[i];
            if (e == 'u') {
                if (i + 4 >= b) return false;
                unsigned cp = 0;
                for (int d = 1; d <= 4; d++) {
                    char h = s[i + d];
                    cp = cp * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                }
                i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 7 < b && s[i + 1] == '\\' && s[i + 2] == 'u') {
                    unsigned lo = 0;
                    for (int d = 3; d <= 6; d++) {
                        char h = s[i + d];
                        lo = lo * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
                if (cp < 0x80) buf[0] = (char)cp;
                else if (cp < 0x800) buf[0] = (char)(0xC0 | cp >> 6), buf[1] = (char)(0x80 | (cp & 0x3F)), bl = 2;
                else if (cp < 0x10000)
                    buf[0] = (char)(0xE0 | cp >> 12), buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
                    buf[2] = (char)(0x80 | (cp & 0x3F)), bl = 3;
                else
                    buf[0] = (char)(0xF0 | cp >> 18), buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
                    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), buf[3] = (char)(0x80 | (cp & 0x3F)), bl = 4;
            } else {
                buf[0] = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
            }
        }
        if (k + bl > kl || memcmp(key + k, buf, bl)) return false;
        k += bl;
    }
    return k == kl;
}

/* One step: the extent [*a, *b) of member key (or element idx, when key is NULL) of the value
 * at [*a, *b); false when there is none. */
static bool step(const char *s, size_t *a, size_t *b, const char *key, size_t kl, long idx)
{
    size_t i = ws(s, *a, *b), n = *b;
    if (i >= n) return false;
    bool found = false;
    size_t fa = 0, fb = 0;
    if (key && s[i] == '{') {
        i = ws(s, i + 1, n);
        while (i < n && s[i] != '}') {
            size_t ke = str_end(s, i, n);
            bool match = key_equals(s, i, ke, key, kl);
            i = ws(s, ke, n);
            if (i >= n || s[i] != ':') return false;
            i = ws(s, i + 1, n);
            size_t ve = value_end(s, i, n);
            if (match) found = true, fa = i, fb = ve; /* the last of duplicate keys counts */
            i = ws(s, ve, n);
            if (i < n && s[i] == ',') i = ws(s, i + 1, n);
        }
    } else if (!key && s[i] == '[') {
        long count = 0;
        size_t starts[2];
        /* a negative index counts from the end: count first */
        if (idx < 0) {
            size_t j = ws(s, i + 1, n);
            while (j < n && s[j] != ']') {
                count++;
                j = ws(s, value_end(s, j, n), n);
                if (j < n && s[j] == ',') j = ws(s, j + 1, n);
            }
            idx += count;
            if (idx < 0) return false;
        }
        (void)starts;
        long k = 0;
        i = ws(s, i + 1, n);
        while (i < n && s[i] != ']') {
            size_t ve = value_end(s, i, n);
            if (k++ == idx) {
                found = true, fa = i, fb = ve;
                break;
            }
            i = ws(s, ve, n);
            if (i < n && s[i] == ',') i = ws(s, i + 1, n);
        }
    }
    if (!found) return false;
    *a = fa;
    *b = fb;
    return true;
}

/* The value at [a, b) as json, or as text for ->> (a string's text, null's NULL). */
static int result(const char *s, size_t a, size_t b, bool as_text, sqlval *out, sqlerr *err)
{
    if (!as_text) return sqlval_set_str(out, SQLVAL_JSON, s + a, b - a, err);
    if (s[a] == '"' || (b - a == 4 && !memcmp(s + a, "null", 4))) {
        char *canon;
        if (sqljsonb_normalize(s + a, b - a, &canon, NULL, err)) return SQL_ERR;
        int rc = sqljsonb_scalar_text(canon, out, err);
        free(canon);
        return rc;
    }
    return sqlval_set_str(out, SQLVAL_TEXT, s + a, b - a, err);
}

/* An integer key (an index), or false. */
static bool index_of(const char *k, size_t kl, long *out)
{
    if (!kl || kl > 18) return false;
    size_t i = k[0] == '-';
    if (i == kl) return false;
    long v = 0;
    for (; i < kl; i++) {
        if (k[i] < '0' || k[i] > '9') return false;
        v = v * 10 + (k[i] - '0');
    }
    *out = k[0] == '-' ? -v : v;
    return true;
}

int sqljson_get(const char *doc, size_t len, const sqlval *key, bool as_text, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, as_text ? SQLVAL_TEXT : SQLVAL_JSON);
    size_t a = ws(doc, 0, len), b = len;
    while (b > a && strchr(" \t\n\r", doc[b - 1])) b--;
    bool ok = sqlval_type_is_integer(key->type)
                  ? step(doc, &a, &b, NULL, 0, (long)key->u.i)
                  : step(doc, &a, &b, key->s ? key->s : "", key->s ? key->len : 0, 0);
    return ok ? result(doc, a, b, as_text, out, err) : SQL_OK;
}

int sqljson_path(const char *doc, size_t len, const sqlval *path, bool as_text, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, as_text ? SQLVAL_TEXT : SQLVAL_JSON);
    size_t a = ws(doc, 0, len), b = len;
    while (b > a && strchr(" \t\n\r", doc[b - 1])) b--;
    for (size_t i = 0; i < path->narr; i++) {
        const char *k = path->arr[i];
        if (!k) return SQL_OK;
        size_t kl = strlen(k);
        size_t x = ws(doc, a, b);
        long idx;
        bool ok;
        if (x < b && doc[x] == '[') ok = index_of(k, kl, &idx) && step(doc, &a, &b, NULL, 0, idx);
        else ok = step(doc, &a, &b, k, kl, 0);
        if (!ok) return SQL_OK;
    }
    return result(doc, a, b, as_text, out, err);
}

const char *sqljson_typeof(const char *doc, size_t len)
{
    size_t i = ws(doc, 0, len);
    if (i >= len) return "null";
    switch (doc[i]) {
    case '{': return "object";
    case '[': return "array";
    case '"': return "string";
    case 't':
    case 'f': return "boolean";
    case 'n': return "null";
    default: return "number";
    }
}

long sqljson_array_length(const char *doc, size_t len)
{
    size_t i = ws(doc, 0, len);
    if (i >= len || doc[i] != '[') return -1;
    long count = 0;
    i = ws(doc, i + 1, len);
    while (i < len && doc[i] != ']') {
        count++;
        i = ws(doc, value_end(doc, i, len), len);
        if (i < len && doc[i] == ',') i = ws(doc, i + 1, len);
    }
    return count;
}

int sqljson_value_text(const char *v, size_t len, sqlval *out, sqlerr *err)
{
    return result(v, 0, len, true, out, err);
}

int sqljson_items(const char *doc, size_t len, bool array, sqljsonb_member **out, size_t *n,
                  sqlerr *err)
{
    *out = NULL;
    *n = 0;
    size_t i = ws(doc, 0, len), cap = 0;
    if (i >= len || doc[i] != (array ? '[' : '{')) return 1;
    char close = array ? ']' : '}';
    sqljsonb_member *v = NULL;
    size_t nv = 0;
    i = ws(doc, i + 1, len);
    while (i < len && doc[i] != close) {
        sqljsonb_member m = {0};
        if (!array) {
            size_t ke = str_end(doc, i, len);
            char *canon = NULL;
            sqlval k;
            sqlval_init_null(&k, SQLVAL_TEXT);
            if (doc[i] != '"' || sqljsonb_normalize(doc + i, ke - i, &canon, NULL, err) ||
                sqljsonb_scalar_text(canon, &k, err)) {
                free(canon);
                sqlval_free(&k);
                goto bad;
            }
            free(canon);
            m.keylen = k.s ? k.len : 0;
            m.key = malloc(m.keylen + 1);
            if (m.key) {
                if (m.keylen) memcpy(m.key, k.s, m.keylen);
                m.key[m.keylen] = 0;
            }
            sqlval_free(&k);
            if (!m.key) goto oom;
            i = ws(doc, ke, len);
            if (i >= len || doc[i] != ':') {
                free(m.key);
                goto bad;
            }
            i = ws(doc, i + 1, len);
        }
        size_t ve = value_end(doc, i, len);
        if (ve <= i || ve > len) { /* malformed: the type checks its input, but stay bounded */
            free(m.key);
            goto bad;
        }
        m.valuelen = ve - i;
        if (!(m.value = malloc(m.valuelen + 1))) {
            free(m.key);
            goto oom;
        }
        memcpy(m.value, doc + i, m.valuelen);
        m.value[m.valuelen] = 0;
        if (nv == cap) {
            size_t nc = cap ? cap * 2 : 8;
            sqljsonb_member *nm = realloc(v, nc * sizeof *nm);
            if (!nm) {
                free(m.key);
                free(m.value);
                goto oom;
            }
            v = nm;
            cap = nc;
        }
        v[nv++] = m;
        i = ws(doc, ve, len);
        if (i < len && doc[i] == ',') i = ws(doc, i + 1, len);
    }
    *out = v;
    *n = nv;
    return 0;
oom:
    sqljsonb_members_free(v, nv);
    return sqlerr_oom(err);
bad:
    sqljsonb_members_free(v, nv);
    if (err->code[0]) return SQL_ERR;
    return sqlerr_set(err, "22P02", -1, "invalid input syntax for type json");
}
