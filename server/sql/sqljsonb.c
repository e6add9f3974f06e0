/*
 * server/sql/sqljsonb.c — see sqljsonb.h.
 *
 * Index: tree (jnode), lexer helpers and parser (jp_*: the rules of PostgreSQL's
 * src/common/jsonapi.c), writer (jw_*: jsonb_out), entry points (normalize, get, concat,
 * delete_key, set, members), the read-only tree API (sqljsonb_tree_*, sqljsonb_node_*).
 *
 * A document is parsed into a small tree, changed there, and printed back; numbers are kept as
 * their canonical numeric text from the start (sqlval_parse_numeric is numeric_in + numeric_out),
 * so nothing is ever converted to a double.
 */
#include "server/sql/sqljsonb.h"

#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "proto/pgtypes.h"

/* ------------------------------------------------------------------ tree */

enum {
    J_NULL = SQLJSONB_NULL,
    J_TRUE = SQLJSONB_TRUE,
    J_FALSE = SQLJSONB_FALSE,
    J_NUMBER = SQLJSONB_NUMBER,
    J_STRING = SQLJSONB_STRING,
    J_ARRAY = SQLJSONB_ARRAY,
    J_OBJECT = SQLJSONB_OBJECT,
};

/* sqljsonb_node is this tree's name in the header (read-only there) */
typedef struct sqljsonb_node {
    int kind;
    char *key; /* object member: its key (owned, NUL-terminated: jsonb keys hold no NUL) */
    size_t keylen;
    size_t ord; /* object member: input position, so that the last duplicate wins */
    char *str;  /* J_NUMBER: canonical numeric text; J_STRING: the decoded UTF-8 (owned) */
    size_t len;
    struct sqljsonb_node *kids; /* J_ARRAY elements; J_OBJECT members, sorted and unique once parsed */
    size_t n, cap;
} jnode;

static void jnode_clear(jnode *j)
{
    free(j->key);
    free(j->str);
    for (size_t i = 0; i < j->n; i++)
        jnode_clear(&j->kids[i]);
    free(j->kids);
    memset(j, 0, sizeof *j);
}

/* A new zeroed child at the end; NULL on OOM. Pointers to earlier children become invalid. */
static jnode *jnode_push(jnode *parent)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        jnode *k = realloc(parent->kids, cap * sizeof *k);
        if (!k) return NULL;
        parent->kids = k;
        parent->cap = cap;
    }
    jnode *k = &parent->kids[parent->n++];
    memset(k, 0, sizeof *k);
    return k;
}

/* jsonb's key order: shorter first, then bytewise. */
static int key_cmp(const char *a, size_t la, const char *b, size_t lb)
{
    if (la != lb) return la < lb ? -1 : 1;
    return memcmp(a, b, la);
}

static int member_cmp(const void *pa, const void *pb)
{
    const jnode *a = pa, *b = pb;
    int c = key_cmp(a->key, a->keylen, b->key, b->keylen);
    if (c) return c;
    return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Sorts an object's members into jsonb order and drops all but the last of equal keys. */
static void object_finish(jnode *o)
{
    if (o->n > 1) qsort(o->kids, o->n, sizeof *o->kids, member_cmp);
    size_t w = 0;
    for (size_t r = 0; r < o->n; r++) {
        if (r + 1 < o->n && !key_cmp(o->kids[r].key, o->kids[r].keylen, o->kids[r + 1].key,
                                     o->kids[r + 1].keylen)) {
            jnode_clear(&o->kids[r]);
            continue;
        }
        if (w != r) o->kids[w] = o->kids[r];
        w++;
    }
    o->n = w;
    for (size_t i = 0; i < o->n; i++)
        o->kids[i].ord = i;
}

static jnode *object_find(const jnode *o, const char *key, size_t keylen)
{
    size_t lo = 0, hi = o->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(o->kids[mid].key, o->kids[mid].keylen, key, keylen);
        if (!c) return &o->kids[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Moves v into object o under key, replacing a member with that key; v is left empty (a key
   v carries is dropped; key may point into it). */
static int object_put(jnode *o, const char *key, size_t keylen, jnode *v, sqlerr *err)
{
    jnode *m = object_find(o, key, keylen);
    char *k = m ? m->key : malloc(keylen + 1);
    if (!k) return sqlerr_oom(err);
    if (!m) {
        memcpy(k, key, keylen);
        k[keylen] = '\0';
    }
    free(v->key);
    v->key = NULL;
    bool inserted = !m;
    size_t ord;
    if (m) {
        ord = m->ord;
        m->key = NULL;
        jnode_clear(m);
    } else {
        ord = o->n; /* after every existing member */
        if (!(m = jnode_push(o))) {
            free(k);
            return sqlerr_oom(err);
        }
    }
    *m = *v;
    m->key = k;
    m->keylen = keylen;
    m->ord = ord;
    memset(v, 0, sizeof *v);
    if (inserted) object_finish(o);
    return SQL_OK;
}

/* ------------------------------------------------------------------ parser */

typedef struct jp {
    const char *s;
    size_t len, pos;
    sqlerr *err;
} jp;

/* What the parser wanted when it met an unexpected token (PostgreSQL's JsonParseErrorType);
   the DETAIL goes on ` "<token>".`. NULL: the token itself is invalid. */
static const char *const EXPECT_VALUE = "Expected JSON value, but found";
static const char *const EXPECT_ARRAY_FIRST = "Expected array element or \"]\", but found";
static const char *const EXPECT_ARRAY_NEXT = "Expected \",\" or \"]\", but found";
static const char *const EXPECT_OBJECT_FIRST = "Expected string or \"}\", but found";
static const char *const EXPECT_OBJECT_NEXT = "Expected \",\" or \"}\", but found";
static const char *const EXPECT_STRING = "Expected string, but found";
static const char *const EXPECT_COLON = "Expected \":\", but found";
static const char *const EXPECT_END = "Expected end of input, but found";
#define TOKEN_INVALID NULL

#define TOKEN_SHOWN 100 /* longest token quoted in a DETAIL */

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* JSON_ALPHANUMERIC_CHAR: what PostgreSQL's lexer takes as part of one token */
static bool is_tokchar(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           u == '_' || u == '$' || u >= 0x80;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void jp_skip_ws(jp *p)
{
    while (p->pos < p->len && is_ws(p->s[p->pos]))
        p->pos++;
}

/* 22P02 about the token s[at..end): expected says what was wanted instead, or TOKEN_INVALID. */
static int jp_fail(jp *p, const char *expected, size_t at, size_t end)
{
    sqlerr_set(p->err, "22P02", -1, "invalid input syntax for type json");
    int n = (int)(end - at > TOKEN_SHOWN ? TOKEN_SHOWN : end - at);
    if (expected) sqlerr_detail(p->err, "%s \"%.*s\".", expected, n, p->s + at);
    else sqlerr_detail(p->err, "Token \"%.*s\" is invalid.", n, p->s + at);
    return SQL_ERR;
}

static int jp_ended(jp *p)
{
    sqlerr_set(p->err, "22P02", -1, "invalid input syntax for type json");
    sqlerr_detail(p->err, "The input string ended unexpectedly.");
    return SQL_ERR;
}

/* json_lex_number: the end of the number token starting at `at`; *ok when it is well formed
   (trailing letters or digits belong to the token and make it invalid, as "01" or "1e"). */
static size_t lex_number(const jp *p, size_t at, bool *ok)
{
    const char *s = p->s;
    size_t i = at, n = p->len;
    bool good = true;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        while (i < n && is_digit(s[i]))
            i++;
    } else {
        good = false;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i < n && is_digit(s[i])) {
            while (i < n && is_digit(s[i]))
                i++;
        } else {
            good = false;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i < n && is_digit(s[i])) {
            while (i < n && is_digit(s[i]))
                i++;
        } else {
            good = false;
        }
    }
    while (i < n && is_tokchar(s[i])) {
        i++;
        good = false;
    }
    *ok = good;
    return i;
}

/* The token at `at` as PostgreSQL's lexer delimits it; *ok when it is a valid token. */
static size_t lex_token(const jp *p, size_t at, bool *ok)
{
    char c = p->s[at];
    *ok = true;
    if (strchr("{}[],:", c)) return at + 1;
    if (c == '"') {
        size_t i = at + 1;
        while (i < p->len && p->s[i] != '"')
            i += p->s[i] == '\\' && i + 1 < p->len ? 2 : 1;
        if (i >= p->len) *ok = false;
        return i < p->len ? i + 1 : p->len;
    }
    if (c == '-' || is_digit(c)) return lex_number(p, at, ok);
    size_t i = at;
    while (i < p->len && is_tokchar(p->s[i]))
        i++;
    if (i == at) {
        *ok = false;
        return at + 1;
    }
    size_t n = i - at;
    *ok = (n == 4 && (!memcmp(p->s + at, "true", 4) || !memcmp(p->s + at, "null", 4))) ||
          (n == 5 && !memcmp(p->s + at, "false", 5));
    return i;
}

/* An unexpected token at pos: an invalid token is reported as such, a valid one with what was
   expected instead. */
static int jp_unexpected(jp *p, const char *expected)
{
    if (p->pos >= p->len) return jp_ended(p);
    bool ok;
    size_t end = lex_token(p, p->pos, &ok);
    return jp_fail(p, ok ? expected : TOKEN_INVALID, p->pos, end);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void sqljsonb_put_utf8(codec_buf *b, uint32_t cp)
{
    uint8_t u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (uint8_t)(0xC0 | cp >> 6);
        u[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | cp >> 12);
        u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | cp >> 18);
        u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    codec_put_raw(b, u, n);
}

static int string_error(jp *p, const char *detail)
{
    sqlerr_set(p->err, "22P02", -1, "invalid input syntax for type json");
    sqlerr_detail(p->err, "%s", detail);
    return SQL_ERR;
}

/* json_lex_string with de-escaping: the string at pos (on its opening quote) into *out. */
static int jp_string(jp *p, char **out, size_t *outlen)
{
    size_t start = p->pos, i = p->pos + 1;
    const char *s = p->s;
    codec_buf b;
    codec_buf_init(&b);
    long hi_surrogate = -1;
    int rc = SQL_ERR;
    for (;;) {
        if (i >= p->len) {
            jp_fail(p, TOKEN_INVALID, start, p->len);
            goto out;
        }
        char c = s[i];
        if (c == '"') break;
        if ((unsigned char)c < 0x20) {
            sqlerr_set(p->err, "22P02", -1, "invalid input syntax for type json");
            sqlerr_detail(p->err, "Character with value 0x%02x must be escaped.", (unsigned char)c);
            goto out;
        }
        if (c != '\\') {
            if (hi_surrogate != -1) {
                string_error(p, "Unicode low surrogate must follow a high surrogate.");
                goto out;
            }
            codec_put_u8(&b, (uint8_t)c);
            i++;
            continue;
        }
        if (++i >= p->len) {
            jp_fail(p, TOKEN_INVALID, start, p->len);
            goto out;
        }
        c = s[i];
        if (c == 'u') {
            uint32_t cp = 0;
            for (int k = 1; k <= 4; k++) {
                if (i + (size_t)k >= p->len) {
                    jp_fail(p, TOKEN_INVALID, start, p->len);
                    goto out;
                }
                int h = hexval(s[i + (size_t)k]);
                if (h < 0) {
                    string_error(p, "\"\\u\" must be followed by four hexadecimal digits.");
                    goto out;
                }
                cp = cp << 4 | (uint32_t)h;
            }
            i += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (hi_surrogate != -1) {
                    string_error(p, "Unicode high surrogate must not follow a high surrogate.");
                    goto out;
                }
                hi_surrogate = (long)cp;
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (hi_surrogate == -1) {
                    string_error(p, "Unicode low surrogate must follow a high surrogate.");
                    goto out;
                }
                cp = 0x10000 + (((uint32_t)hi_surrogate - 0xD800) << 10) + (cp - 0xDC00);
                hi_surrogate = -1;
            }
            if (hi_surrogate != -1) {
                string_error(p, "Unicode low surrogate must follow a high surrogate.");
                goto out;
            }
            if (cp == 0) {
                sqlerr_set(p->err, "22P05", -1, "unsupported Unicode escape sequence");
                sqlerr_detail(p->err, "\\u0000 cannot be converted to text.");
                goto out;
            }
            sqljsonb_put_utf8(&b, cp);
            continue;
        }
        if (hi_surrogate != -1) {
            string_error(p, "Unicode low surrogate must follow a high surrogate.");
            goto out;
        }
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *e = c ? strchr(from, c) : NULL;
        if (!e) {
            /* PostgreSQL quotes the one (UTF-8) character after the backslash */
            unsigned char u = (unsigned char)c;
            size_t end = i + (u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 1);
            if (end > p->len) end = p->len;
            sqlerr_set(p->err, "22P02", -1, "invalid input syntax for type json");
            sqlerr_detail(p->err, "Escape sequence \"\\%.*s\" is invalid.",
                          (int)(end - i > TOKEN_SHOWN ? TOKEN_SHOWN : end - i), s + i);
            goto out;
        }
        codec_put_u8(&b, (uint8_t)to[e - from]);
        i++;
    }
    if (hi_surrogate != -1) {
        string_error(p, "Unicode low surrogate must follow a high surrogate.");
        goto out;
    }
    p->pos = i + 1;
    codec_put_u8(&b, 0);
    if (b.err) {
        sqlerr_oom(p->err);
        goto out;
    }
    size_t n;
    *out = (char *)codec_buf_take(&b, &n);
    *outlen = n - 1;
    rc = SQL_OK;
out:
    codec_buf_free(&b);
    return rc;
}

static int jp_value(jp *p, jnode *out, int depth, const char *expected);

static int jp_array(jp *p, jnode *out, int depth)
{
    out->kind = J_ARRAY;
    p->pos++;
    jp_skip_ws(p);
    if (p->pos >= p->len) return jp_ended(p);
    if (p->s[p->pos] == ']') {
        p->pos++;
        return SQL_OK;
    }
    for (const char *expected = EXPECT_ARRAY_FIRST;; expected = EXPECT_VALUE) {
        jnode *k = jnode_push(out);
        if (!k) return sqlerr_oom(p->err);
        if (jp_value(p, k, depth + 1, expected)) return SQL_ERR;
        jp_skip_ws(p);
        if (p->pos >= p->len) return jp_ended(p);
        char c = p->s[p->pos];
        if (c == ']') {
            p->pos++;
            return SQL_OK;
        }
        if (c != ',') return jp_unexpected(p, EXPECT_ARRAY_NEXT);
        p->pos++;
    }
}

static int jp_object(jp *p, jnode *out, int depth)
{
    out->kind = J_OBJECT;
    p->pos++;
    jp_skip_ws(p);
    if (p->pos >= p->len) return jp_ended(p);
    if (p->s[p->pos] == '}') {
        p->pos++;
        return SQL_OK;
    }
    for (size_t ord = 0;; ord++) {
        jp_skip_ws(p);
        if (p->pos >= p->len) return jp_ended(p);
        if (p->s[p->pos] != '"') return jp_unexpected(p, ord ? EXPECT_STRING : EXPECT_OBJECT_FIRST);
        jnode *k = jnode_push(out);
        if (!k) return sqlerr_oom(p->err);
        k->ord = ord;
        if (jp_string(p, &k->key, &k->keylen)) return SQL_ERR;
        jp_skip_ws(p);
        if (p->pos >= p->len) return jp_ended(p);
        if (p->s[p->pos] != ':') return jp_unexpected(p, EXPECT_COLON);
        p->pos++;
        if (jp_value(p, k, depth + 1, EXPECT_VALUE)) return SQL_ERR;
        jp_skip_ws(p);
        if (p->pos >= p->len) return jp_ended(p);
        char c = p->s[p->pos];
        if (c == '}') {
            p->pos++;
            break;
        }
        if (c != ',') return jp_unexpected(p, EXPECT_OBJECT_NEXT);
        p->pos++;
    }
    object_finish(out);
    return SQL_OK;
}

/* One value at pos into out (whose key, for an object member, is already set). */
static int jp_value(jp *p, jnode *out, int depth, const char *expected)
{
    if (sqlerr_stack_check(p->err)) return SQL_ERR;
    if (depth > SQLJSONB_MAX_DEPTH) {
        sqlerr_set(p->err, "54001", -1, "stack depth limit exceeded");
        sqlerr_hint(p->err, "jsonb values nest at most %d levels deep in HeliosDB.",
                    SQLJSONB_MAX_DEPTH);
        return SQL_ERR;
    }
    jp_skip_ws(p);
    if (p->pos >= p->len) return jp_ended(p);
    char c = p->s[p->pos];
    if (c == '{') return jp_object(p, out, depth);
    if (c == '[') return jp_array(p, out, depth);
    if (c == '"') {
        out->kind = J_STRING;
        return jp_string(p, &out->str, &out->len);
    }
    if (c == '-' || is_digit(c)) {
        bool ok;
        size_t end = lex_number(p, p->pos, &ok);
        if (!ok) return jp_fail(p, TOKEN_INVALID, p->pos, end);
        out->kind = J_NUMBER;
        const char *num = p->s + p->pos;
        size_t numlen = end - p->pos;
        if (sqlval_parse_numeric(num, numlen, &out->str, p->err)) return SQL_ERR;
        out->len = strlen(out->str);
        p->pos = end;
        return SQL_OK;
    }
    bool ok;
    size_t end = lex_token(p, p->pos, &ok);
    if (!ok) return jp_fail(p, TOKEN_INVALID, p->pos, end);
    if (strchr("{}[],:", c)) return jp_fail(p, expected, p->pos, end);
    out->kind = c == 't' ? J_TRUE : c == 'f' ? J_FALSE : J_NULL;
    p->pos = end;
    return SQL_OK;
}

/* Parses a whole document into *out. */
static int jparse_as(const char *s, size_t len, jnode *out, sqlerr *err)
{
    jp p = {s ? s : "", s ? len : 0, 0, err};
    memset(out, 0, sizeof *out);
    if (jp_value(&p, out, 1, EXPECT_VALUE)) goto fail;
    jp_skip_ws(&p);
    if (p.pos < p.len) {
        jp_unexpected(&p, EXPECT_END);
        goto fail;
    }
    return SQL_OK;
fail:
    jnode_clear(out);
    return SQL_ERR;
}

static int jparse(const char *s, size_t len, jnode *out, sqlerr *err)
{
    return jparse_as(s, len, out, err);
}

/* ------------------------------------------------------------------ writer */

/* escape_json */
static void jw_string(codec_buf *b, const char *s, size_t n)
{
    codec_put_u8(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': codec_put_raw(b, "\\\"", 2); break;
        case '\\': codec_put_raw(b, "\\\\", 2); break;
        case '\b': codec_put_raw(b, "\\b", 2); break;
        case '\f': codec_put_raw(b, "\\f", 2); break;
        case '\n': codec_put_raw(b, "\\n", 2); break;
        case '\r': codec_put_raw(b, "\\r", 2); break;
        case '\t': codec_put_raw(b, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char u[8];
                snprintf(u, sizeof u, "\\u%04x", c);
                codec_put_raw(b, u, 6);
            } else {
                codec_put_u8(b, c);
            }
        }
    }
    codec_put_u8(b, '"');
}

static void jw_node(codec_buf *b, const jnode *j)
{
    switch (j->kind) {
    case J_NULL: codec_put_raw(b, "null", 4); break;
    case J_TRUE: codec_put_raw(b, "true", 4); break;
    case J_FALSE: codec_put_raw(b, "false", 5); break;
    case J_NUMBER: codec_put_raw(b, j->str, j->len); break;
    case J_STRING: jw_string(b, j->str ? j->str : "", j->len); break;
    case J_ARRAY:
        codec_put_u8(b, '[');
        for (size_t i = 0; i < j->n; i++) {
            if (i) codec_put_raw(b, ", ", 2);
            jw_node(b, &j->kids[i]);
        }
        codec_put_u8(b, ']');
        break;
    case J_OBJECT:
        codec_put_u8(b, '{');
        for (size_t i = 0; i < j->n; i++) {
            if (i) codec_put_raw(b, ", ", 2);
            jw_string(b, j->kids[i].key, j->kids[i].keylen);
            codec_put_raw(b, ": ", 2);
            jw_node(b, &j->kids[i]);
        }
        codec_put_u8(b, '}');
        break;
    }
}

/* Canonical text of j: *out malloc'd, NUL-terminated. */
static int jnode_text(const jnode *j, char **out, size_t *outlen, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    jw_node(&b, j);
    codec_put_u8(&b, 0);
    if (b.err) {
        codec_buf_free(&b);
        return sqlerr_oom(err);
    }
    size_t n;
    *out = (char *)codec_buf_take(&b, &n);
    if (outlen) *outlen = n - 1;
    return SQL_OK;
}

/* ------------------------------------------------------------------ entry points */

int sqljsonb_normalize(const char *s, size_t len, char **out, size_t *outlen, sqlerr *err)
{
    jnode j;
    if (jparse_as(s, len, &j, err)) return SQL_ERR;
    int rc = jnode_text(&j, out, outlen, err);
    jnode_clear(&j);
    return rc;
}

int sqljsonb_get(const char *doc, const sqlval *key, bool as_text, sqlval *out, sqlerr *err)
{
    sqlval_init_null(out, as_text ? SQLVAL_TEXT : SQLVAL_JSONB);
    jnode j;
    if (jparse(doc, doc ? strlen(doc) : 0, &j, err)) return SQL_ERR;
    const jnode *el = NULL;
    if (sqlval_type_is_integer(key->type)) {
        if (j.kind == J_ARRAY) {
            int64_t n = (int64_t)j.n, idx = key->u.i < 0 ? key->u.i + n : key->u.i;
            if (idx >= 0 && idx < n) el = &j.kids[(size_t)idx];
        } else if (j.kind != J_OBJECT && (key->u.i == 0 || key->u.i == -1)) {
            el = &j; /* PostgreSQL 15 stores a scalar as a one-element array: '"x"' -> 0 is "x" */
        }
    } else if (j.kind == J_OBJECT) {
        const char *k = key->s ? key->s : "";
        el = object_find(&j, k, key->s ? key->len : 0);
    }
    int rc = SQL_OK;
    if (el && !(as_text && el->kind == J_NULL)) {
        if (as_text && el->kind == J_STRING) {
            rc = sqlval_set_str(out, SQLVAL_TEXT, el->str ? el->str : "", el->len, err);
        } else {
            char *txt;
            size_t n;
            rc = jnode_text(el, &txt, &n, err);
            if (!rc) sqlval_take_str(out, as_text ? SQLVAL_TEXT : SQLVAL_JSONB, txt, n);
        }
    }
    jnode_clear(&j);
    return rc;
}

/* Appends v (moved) to array a, or v's elements when v is an array. */
static int array_extend(jnode *a, jnode *v, sqlerr *err)
{
    if (v->kind != J_ARRAY) {
        jnode *k = jnode_push(a);
        if (!k) return sqlerr_oom(err);
        *k = *v;
        memset(v, 0, sizeof *v);
        return SQL_OK;
    }
    for (size_t i = 0; i < v->n; i++) {
        jnode *k = jnode_push(a);
        if (!k) return sqlerr_oom(err);
        *k = v->kids[i];
        memset(&v->kids[i], 0, sizeof v->kids[i]);
    }
    return SQL_OK;
}

int sqljsonb_concat(const char *a, const char *b, char **out, sqlerr *err)
{
    jnode ja, jb, res;
    memset(&res, 0, sizeof res);
    if (jparse(a, a ? strlen(a) : 0, &ja, err)) return SQL_ERR;
    if (jparse(b, b ? strlen(b) : 0, &jb, err)) {
        jnode_clear(&ja);
        return SQL_ERR;
    }
    int rc = SQL_OK;
    if (ja.kind == J_OBJECT && jb.kind == J_OBJECT) {
        /* b's members after a's: object_finish keeps the later of equal keys */
        size_t n0 = ja.n;
        for (size_t i = 0; i < jb.n && !rc; i++) {
            jnode *slot = jnode_push(&ja);
            if (!slot) {
                rc = sqlerr_oom(err);
                break;
            }
            *slot = jb.kids[i];
            slot->ord = n0 + i;
            memset(&jb.kids[i], 0, sizeof jb.kids[i]);
        }
        if (!rc) {
            object_finish(&ja);
            rc = jnode_text(&ja, out, NULL, err);
        }
    } else {
        res.kind = J_ARRAY;
        rc = array_extend(&res, &ja, err);
        if (!rc) rc = array_extend(&res, &jb, err);
        if (!rc) rc = jnode_text(&res, out, NULL, err);
    }
    jnode_clear(&res);
    jnode_clear(&ja);
    jnode_clear(&jb);
    return rc;
}

int sqljsonb_delete_key(const char *a, const char *key, char **out, sqlerr *err)
{
    jnode j;
    if (jparse(a, a ? strlen(a) : 0, &j, err)) return SQL_ERR;
    size_t klen = strlen(key ? key : "");
    if (j.kind != J_OBJECT && j.kind != J_ARRAY) {
        jnode_clear(&j);
        return sqlerr_set(err, "22023", -1, "cannot delete from scalar");
    }
    size_t w = 0;
    for (size_t r = 0; r < j.n; r++) {
        jnode *k = &j.kids[r];
        bool drop = j.kind == J_OBJECT
                        ? !key_cmp(k->key, k->keylen, key, klen)
                        : k->kind == J_STRING && k->len == klen && !memcmp(k->str, key, klen);
        if (drop) {
            jnode_clear(k);
            continue;
        }
        if (w != r) j.kids[w] = *k;
        w++;
    }
    j.n = w;
    int rc = jnode_text(&j, out, NULL, err);
    jnode_clear(&j);
    return rc;
}

int sqljsonb_set(const char *a, const sqlval *path, const char *value, char **out, sqlerr *err)
{
    jnode root, val;
    if (jparse(a, a ? strlen(a) : 0, &root, err)) return SQL_ERR;
    if (jparse(value, value ? strlen(value) : 0, &val, err)) {
        jnode_clear(&root);
        return SQL_ERR;
    }
    int rc = SQL_OK;
    jnode *cur = &root;
    for (size_t i = 0; i < path->narr && cur && !rc; i++) {
        const char *k = path->arr[i];
        bool last = i + 1 == path->narr;
        if (!k) {
            rc = sqlerr_set(err, "22004", -1, "path element at position %zu is null", i + 1);
        } else if (cur->kind == J_OBJECT) {
            if (last) rc = object_put(cur, k, strlen(k), &val, err);
            else cur = object_find(cur, k, strlen(k));
        } else if (cur->kind == J_ARRAY) {
            char *end;
            long idx = strtol(k, &end, 10);
            if (*end || end == k) {
                rc = sqlerr_set(err, "22P02", -1,
                                "path element at position %zu is not an integer: \"%s\"", i + 1, k);
                break;
            }
            long n = (long)cur->n;
            if (idx < 0) idx += n;
            if (!last) {
                cur = idx >= 0 && idx < n ? &cur->kids[(size_t)idx] : NULL;
                continue;
            }
            if (idx >= 0 && idx < n) {
                jnode_clear(&cur->kids[(size_t)idx]);
                cur->kids[(size_t)idx] = val;
            } else {
                jnode *slot = jnode_push(cur);
                if (!slot) {
                    rc = sqlerr_oom(err);
                    break;
                }
                if (idx < 0) { /* before the start: prepend */
                    memmove(cur->kids + 1, cur->kids, (cur->n - 1) * sizeof *cur->kids);
                    slot = &cur->kids[0];
                }
                *slot = val;
            }
            memset(&val, 0, sizeof val);
        } else {
            break; /* a scalar on the path: jsonb_set returns the target unchanged */
        }
    }
    if (!rc) rc = jnode_text(&root, out, NULL, err);
    jnode_clear(&val);
    jnode_clear(&root);
    return rc;
}

/* The index path element i (1-based in messages) names in an array of n elements, negative
 * counting from the end (not clamped); 22P02 when it is no integer. */
static int path_index(const char *k, size_t i, long n, long *idx, sqlerr *err)
{
    char *end;
    errno = 0;
    long v = strtol(k, &end, 10);
    if (*end || end == k || errno)
        return sqlerr_set(err, "22P02", -1, "path element at position %zu is not an integer: \"%s\"", i, k);
    *idx = v < 0 ? v + n : v;
    return SQL_OK;
}

/* jsonb #- path (op 'd') and jsonb_insert(a, path, value, after) (op 'i'), as PostgreSQL's
 * setPath: a path through a missing key, an index out of range or a scalar leaves a unchanged;
 * at the end, #- removes the key or element, jsonb_insert adds the value before (or after) the
 * element, or under a key the object lacks (22023 when it has it). */
static int path_edit(const char *a, const sqlval *path, const char *value, bool after, char op,
                     char **out, sqlerr *err)
{
    jnode root, val;
    memset(&val, 0, sizeof val);
    if (jparse(a, a ? strlen(a) : 0, &root, err)) return SQL_ERR;
    if (op == 'i' && jparse(value, value ? strlen(value) : 0, &val, err)) {
        jnode_clear(&root);
        return SQL_ERR;
    }
    int rc = SQL_OK;
    if (root.kind != J_OBJECT && root.kind != J_ARRAY)
        rc = sqlerr_set(err, "22023", -1, op == 'd' ? "cannot delete path in scalar" : "cannot set path in scalar");
    jnode *cur = &root;
    for (size_t i = 0; !rc && i < path->narr && cur; i++) {
        const char *k = path->arr[i];
        bool last = i + 1 == path->narr;
        if (!k) {
            rc = sqlerr_set(err, "22004", -1, "path element at position %zu is null", i + 1);
        } else if (cur->kind == J_OBJECT) {
            jnode *m = object_find(cur, k, strlen(k));
            if (!last) {
                cur = m;
            } else if (op == 'd') {
                if (m) {
                    size_t at = (size_t)(m - cur->kids);
                    jnode_clear(m);
                    memmove(cur->kids + at, cur->kids + at + 1, (cur->n - at - 1) * sizeof *cur->kids);
                    cur->n--;
                }
            } else if (m) {
                rc = sqlerr_set(err, "22023", -1, "cannot replace existing key");
                sqlerr_hint(err, "Try using the function jsonb_set to replace key value.");
            } else {
                rc = object_put(cur, k, strlen(k), &val, err);
            }
        } else if (cur->kind == J_ARRAY) {
            long n = (long)cur->n, idx = 0;
            if ((rc = path_index(k, i + 1, n, &idx, err))) break;
            if (!last) {
                cur = idx >= 0 && idx < n ? &cur->kids[(size_t)idx] : NULL;
            } else if (op == 'd') {
                if (idx >= 0 && idx < n) {
                    jnode_clear(&cur->kids[(size_t)idx]);
                    memmove(cur->kids + idx, cur->kids + idx + 1, (size_t)(n - idx - 1) * sizeof *cur->kids);
                    cur->n--;
                }
            } else {
                long at = idx < 0 ? 0 : idx >= n ? n : idx + (after ? 1 : 0);
                if (!jnode_push(cur)) {
                    rc = sqlerr_oom(err);
                    break;
                }
                memmove(cur->kids + at + 1, cur->kids + at, (size_t)(n - at) * sizeof *cur->kids);
                cur->kids[at] = val;
                memset(&val, 0, sizeof val);
            }
        } else {
            cur = NULL; /* a scalar on the path: unchanged */
        }
    }
    if (!rc) rc = jnode_text(&root, out, NULL, err);
    jnode_clear(&val);
    jnode_clear(&root);
    return rc;
}

int sqljsonb_delete_path(const char *a, const sqlval *path, char **out, sqlerr *err)
{
    return path_edit(a, path, NULL, false, 'd', out, err);
}

int sqljsonb_insert(const char *a, const sqlval *path, const char *value, bool after, char **out,
                    sqlerr *err)
{
    return path_edit(a, path, value, after, 'i', out, err);
}

/* Scalars equal as jsonb compares them (numbers as numerics). */
static bool scalar_equal(const jnode *a, const jnode *b)
{
    if (a->kind != b->kind) return false;
    if (a->kind == J_STRING) return a->len == b->len && (!a->len || !memcmp(a->str, b->str, a->len));
    if (a->kind != J_NUMBER) return true; /* null, true, false */
    sqlval x, y;
    sqlerr e;
    int c = 1;
    if (sqlval_from_text(SQLVAL_NUMERIC, a->str, a->len, &x, &e)) return false;
    if (sqlval_from_text(SQLVAL_NUMERIC, b->str, b->len, &y, &e)) {
        sqlval_free(&x);
        return false;
    }
    if (sqlval_compare(&x, &y, &c, &e)) c = 1;
    sqlval_free(&x);
    sqlval_free(&y);
    return c == 0;
}

static bool is_container(const jnode *j)
{
    return j->kind == J_ARRAY || j->kind == J_OBJECT;
}

static bool deep_contains(const jnode *a, const jnode *b)
{
    if (a->kind == J_OBJECT) {
        if (b->kind != J_OBJECT) return false;
        for (size_t i = 0; i < b->n; i++) {
            const jnode *m = object_find(a, b->kids[i].key, b->kids[i].keylen);
            if (!m) return false;
            if (is_container(&b->kids[i])) {
                if (m->kind != b->kids[i].kind || !deep_contains(m, &b->kids[i])) return false;
            } else if (!scalar_equal(m, &b->kids[i])) {
                return false;
            }
        }
        return true;
    }
    if (a->kind == J_ARRAY) {
        if (b->kind != J_ARRAY) return false;
        for (size_t i = 0; i < b->n; i++) {
            const jnode *e = &b->kids[i];
            bool found = false;
            for (size_t k = 0; k < a->n && !found; k++)
                found = is_container(e) ? a->kids[k].kind == e->kind && deep_contains(&a->kids[k], e)
                                        : scalar_equal(&a->kids[k], e);
            if (!found) return false;
        }
        return true;
    }
    return !is_container(b) && scalar_equal(a, b);
}

int sqljsonb_contains(const char *a, const char *b, bool *out, sqlerr *err)
{
    jnode x, y;
    if (jparse(a, strlen(a), &x, err)) return SQL_ERR;
    if (jparse(b, strlen(b), &y, err)) {
        jnode_clear(&x);
        return SQL_ERR;
    }
    /* at the top an array contains a scalar it holds (a raw scalar is a one-element array) */
    if (x.kind == J_ARRAY && !is_container(&y)) {
        *out = false;
        for (size_t k = 0; k < x.n && !*out; k++) *out = scalar_equal(&x.kids[k], &y);
    } else {
        *out = deep_contains(&x, &y);
    }
    jnode_clear(&x);
    jnode_clear(&y);
    return SQL_OK;
}

int sqljsonb_exists(const char *doc, const char *key, size_t keylen, bool *out, sqlerr *err)
{
    jnode j;
    if (jparse(doc, strlen(doc), &j, err)) return SQL_ERR;
    *out = false;
    if (j.kind == J_OBJECT) {
        *out = object_find(&j, key, keylen) != NULL;
    } else if (j.kind == J_ARRAY) {
        for (size_t i = 0; i < j.n && !*out; i++)
            *out = j.kids[i].kind == J_STRING && j.kids[i].len == keylen &&
                   (!keylen || !memcmp(j.kids[i].str, key, keylen));
    } else if (j.kind == J_STRING) {
        *out = j.len == keylen && (!keylen || !memcmp(j.str, key, keylen));
    }
    jnode_clear(&j);
    return SQL_OK;
}

static int members_of(const char *doc, size_t len, int kind, sqljsonb_member **out, size_t *n,
                      sqlerr *err)
{
    *out = NULL;
    *n = 0;
    jnode j;
    if (jparse(doc, len, &j, err)) return SQL_ERR;
    if (j.kind != kind) {
        jnode_clear(&j);
        return 1;
    }
    int rc = SQL_OK;
    size_t count = j.n;
    sqljsonb_member *m = count ? calloc(count, sizeof *m) : NULL;
    if (count && !m) rc = sqlerr_oom(err);
    for (size_t i = 0; i < count && !rc; i++) {
        m[i].key = j.kids[i].key; /* moved */
        m[i].keylen = j.kids[i].keylen;
        j.kids[i].key = NULL;
        rc = jnode_text(&j.kids[i], &m[i].value, &m[i].valuelen, err);
    }
    jnode_clear(&j);
    if (rc) {
        sqljsonb_members_free(m, count);
        return SQL_ERR;
    }
    *out = m;
    *n = count;
    return SQL_OK;
}

int sqljsonb_members(const char *doc, size_t len, sqljsonb_member **out, size_t *n, sqlerr *err)
{
    return members_of(doc, len, J_OBJECT, out, n, err);
}

int sqljsonb_elements(const char *doc, size_t len, sqljsonb_member **out, size_t *n, sqlerr *err)
{
    return members_of(doc, len, J_ARRAY, out, n, err);
}

int sqljsonb_scalar_text(const char *value, sqlval *out, sqlerr *err)
{
    if (value[0] == '"' || !strcmp(value, "null")) {
        sqlval zero; /* a scalar read as a one-element array: its ->> 0 */
        sqlval_set_int(&zero, SQLVAL_INT4, 0);
        return sqljsonb_get(value, &zero, true, out, err);
    }
    return sqlval_set_str(out, SQLVAL_TEXT, value, strlen(value), err);
}

void sqljsonb_members_free(sqljsonb_member *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].key);
        free(m[i].value);
    }
    free(m);
}

/* ------------------------------------------------------------------ read-only tree API */

int sqljsonb_tree_parse(const char *s, size_t len, sqljsonb_node **out, sqlerr *err)
{
    *out = NULL;
    jnode *j = malloc(sizeof *j);
    if (!j) return sqlerr_oom(err);
    if (jparse(s, len, j, err)) {
        free(j);
        return SQL_ERR;
    }
    *out = j;
    return SQL_OK;
}

void sqljsonb_tree_free(sqljsonb_node *root)
{
    if (!root) return;
    jnode_clear(root);
    free(root);
}

int sqljsonb_node_kind(const sqljsonb_node *n)
{
    return n->kind;
}

size_t sqljsonb_node_count(const sqljsonb_node *n)
{
    return n->kind == J_ARRAY || n->kind == J_OBJECT ? n->n : 0;
}

const sqljsonb_node *sqljsonb_node_child(const sqljsonb_node *n, size_t i)
{
    return i < sqljsonb_node_count(n) ? &n->kids[i] : NULL;
}

const char *sqljsonb_node_key(const sqljsonb_node *member, size_t *len)
{
    *len = member->key ? member->keylen : 0;
    return member->key ? member->key : "";
}

const char *sqljsonb_node_scalar(const sqljsonb_node *n, size_t *len)
{
    if (n->kind != J_NUMBER && n->kind != J_STRING) {
        *len = 0;
        return NULL;
    }
    *len = n->str ? n->len : 0;
    return n->str ? n->str : "";
}

const sqljsonb_node *sqljsonb_node_find(const sqljsonb_node *obj, const char *key, size_t len)
{
    return obj->kind == J_OBJECT ? object_find(obj, key, len) : NULL;
}

int sqljsonb_node_text(const sqljsonb_node *n, char **out, size_t *outlen, sqlerr *err)
{
    return jnode_text(n, out, outlen, err);
}

int sqljsonb_quote(const char *s, size_t n, char **out, size_t *outlen, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    jw_string(&b, s ? s : "", s ? n : 0);
    codec_put_u8(&b, 0);
    if (b.err) {
        codec_buf_free(&b);
        return sqlerr_oom(err);
    }
    size_t len;
    *out = (char *)codec_buf_take(&b, &len);
    if (outlen) *outlen = len - 1;
    return SQL_OK;
}
