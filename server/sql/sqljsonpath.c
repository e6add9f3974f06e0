/*
 * server/sql/sqljsonpath.c — see sqljsonpath.h.
 *
 * Index: the path tree (jpi), lexer (lex_*: PostgreSQL 15's jsonpath_scan.l, longest match
 * first, earlier rule on a tie), parser (parse_*: jsonpath_gram.y by recursive descent, with
 * bison's stack depth modelled so that a too deep path fails as PostgreSQL's does), checks
 * (@ and last, jsonpath.c's flattenJsonPathParseItem), printer (print_item: printJsonPathItem),
 * numeric text helpers (num_*), jsonb binary layout (for .keyvalue() ids), evaluator (exec_*:
 * jsonpath_exec.c, function by function), entry points.
 *
 * Errors during evaluation come in two kinds, as in jsonpath_exec.c: the ones PostgreSQL
 * raises with RETURN_ERROR (R_ERROR: dropped quietly when errors are not thrown — silent mode,
 * or inside a filter predicate), and the ones it always raises (R_FATAL: sqlerr filled, the
 * evaluation ends).
 */
#include "server/sql/sqljsonpath.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "proto/sqlstate.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqljsonb.h"
#include "server/sql/sqlnum.h"
#include "server/sql/sqlregex.h"
#include "server/sql/sqlval.h"

/* SQL/JSON SQLSTATEs (class 22) proto/sqlstate.h does not name yet */
#define SQLSTATE_INVALID_ARGUMENT_FOR_SQL_JSON_DATETIME "22031"
#define SQLSTATE_INVALID_SQL_JSON_SUBSCRIPT "22033"
#define SQLSTATE_NON_NUMERIC_SQL_JSON_ITEM "22036"
#define SQLSTATE_SINGLETON_SQL_JSON_ITEM_REQUIRED "22038"
#define SQLSTATE_SQL_JSON_ARRAY_NOT_FOUND "22039"
#define SQLSTATE_SQL_JSON_MEMBER_NOT_FOUND "2203A"
#define SQLSTATE_SQL_JSON_NUMBER_NOT_FOUND "2203B"
#define SQLSTATE_SQL_JSON_OBJECT_NOT_FOUND "2203C"

#define ANY_LAST UINT32_MAX   /* .**{last} */
#define BISON_STACK_MAX 10000 /* YYMAXDEPTH of PostgreSQL's jsonpath parser */

/* ------------------------------------------------------------------ the path tree */

enum {
    JPI_NULL, JPI_STRING, JPI_NUMERIC, JPI_BOOL,
    JPI_AND, JPI_OR, JPI_NOT, JPI_IS_UNKNOWN,
    JPI_EQ, JPI_NE, JPI_LT, JPI_GT, JPI_LE, JPI_GE,
    JPI_ADD, JPI_SUB, JPI_MUL, JPI_DIV, JPI_MOD, JPI_PLUS, JPI_MINUS,
    JPI_ANY_ARRAY, JPI_ANY_KEY, JPI_INDEX_ARRAY, JPI_ANY, JPI_KEY,
    JPI_CURRENT, JPI_ROOT, JPI_VARIABLE, JPI_FILTER, JPI_EXISTS,
    JPI_TYPE, JPI_SIZE, JPI_ABS, JPI_FLOOR, JPI_CEILING, JPI_DOUBLE, JPI_DATETIME, JPI_KEYVALUE,
    JPI_LAST, JPI_STARTS_WITH, JPI_LIKE_REGEX,
};

/* like_regex flags, in the order jsonpath_out prints them */
enum { RE_I = 1, RE_S = 2, RE_M = 4, RE_X = 8, RE_Q = 16 };

typedef struct jpi jpi;
typedef struct jpi_sub {
    jpi *from, *to; /* to NULL: a single subscript */
} jpi_sub;

struct jpi {
    int type;
    jpi *next;       /* the accessor applied to this item's results */
    jpi *arg, *arg2; /* operands (binary: both; unary, filter, exists, datetime, like_regex: arg) */
    char *str;       /* string, key, variable name, numeric text, like_regex pattern (owned) */
    size_t len;
    bool b;          /* JPI_BOOL */
    unsigned flags;  /* JPI_LIKE_REGEX: RE_* */
    uint32_t first, last; /* JPI_ANY levels */
    jpi_sub *subs;   /* JPI_INDEX_ARRAY */
    size_t nsubs;
    jpi *all;        /* every node of one path, for freeing without recursion */
};

struct sqljsonpath {
    bool lax;
    jpi *root;
    jpi *all;
};

static void jpi_free_all(jpi *all)
{
    while (all) {
        jpi *n = all->all;
        free(all->str);
        free(all->subs);
        free(all);
        all = n;
    }
}

void sqljsonpath_free(sqljsonpath *p)
{
    if (!p) return;
    jpi_free_all(p->all);
    free(p);
}

bool sqljsonpath_is_strict(const sqljsonpath *p)
{
    return !p->lax;
}

/* ------------------------------------------------------------------ lexer */

enum {
    T_EOF, T_CHAR, T_AND, T_OR, T_NOT, T_ANY, T_LT, T_LE, T_EQ, T_NE, T_GE, T_GT,
    T_VAR, T_STRING, T_NUMERIC, T_INT, T_IDENT,
    /* key words (any of them may also be a key: $.size) */
    T_TO, T_NULL, T_TRUE, T_FALSE, T_IS, T_UNKNOWN, T_EXISTS, T_STRICT, T_LAX, T_ABS, T_SIZE,
    T_TYPE, T_FLOOR, T_DOUBLE, T_CEILING, T_DATETIME, T_KEYVALUE, T_LAST, T_STARTS, T_WITH,
    T_LIKE_REGEX, T_FLAG,
};

static const struct {
    const char *word;
    int tok;
    bool lower_only; /* true, false, null: lower case only; the others in any case */
} KEYWORDS[] = {
    {"is", T_IS, false},         {"to", T_TO, false},           {"abs", T_ABS, false},
    {"lax", T_LAX, false},       {"flag", T_FLAG, false},       {"last", T_LAST, false},
    {"null", T_NULL, true},      {"size", T_SIZE, false},       {"true", T_TRUE, true},
    {"type", T_TYPE, false},     {"with", T_WITH, false},       {"false", T_FALSE, true},
    {"floor", T_FLOOR, false},   {"double", T_DOUBLE, false},   {"exists", T_EXISTS, false},
    {"starts", T_STARTS, false}, {"strict", T_STRICT, false},   {"ceiling", T_CEILING, false},
    {"unknown", T_UNKNOWN, false}, {"datetime", T_DATETIME, false},
    {"keyvalue", T_KEYVALUE, false}, {"like_regex", T_LIKE_REGEX, false},
};

typedef struct tok {
    int t;
    char c;           /* T_CHAR: the character */
    char *s;          /* decoded text of a string, key word, identifier, variable, number */
    size_t n;
    size_t yy, yylen; /* PostgreSQL's yytext at an error on this token; yylen 0: "at end" */
} tok;

typedef struct parser {
    const char *in;
    size_t len, pos;
    tok cur;
    sqlerr *err;
    jpi *all;
    size_t depth; /* entries bison's stack would hold */
} parser;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_special(char c)
{
    return c && strchr("?%$.[]{}()|&!=<>@#,*:-+/\\\"", c) != NULL;
}

/* jsonpath_scan.l's {other}: what identifiers and unquoted variable names are made of */
static bool is_other(char c)
{
    return c && !is_special(c) && !is_blank(c);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "<msg> at or near "<yytext>" of jsonpath input" (jsonpath_yyerror) */
static int lex_fail(parser *p, const char *msg, size_t yy, size_t yylen)
{
    if (!yylen) return sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1, "%s at end of jsonpath input", msg);
    return sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1, "%s at or near \"%.*s\" of jsonpath input",
                      msg, (int)(yylen > 200 ? 200 : yylen), p->in + yy);
}

static int syntax_error(parser *p)
{
    return lex_fail(p, "syntax error", p->cur.yy, p->cur.yylen);
}

static int bad_escape(parser *p, const char *detail)
{
    sqlerr_set(p->err, SQLSTATE_INVALID_TEXT_REPRESENTATION, -1,
               "invalid input syntax for type jsonpath");
    sqlerr_detail(p->err, "%s", detail);
    return SQL_ERR;
}


/* addUnicodeChar */
static int add_codepoint(parser *p, codec_buf *b, uint32_t cp)
{
    if (cp == 0) {
        sqlerr_set(p->err, SQLSTATE_UNTRANSLATABLE_CHARACTER, -1,
                   "unsupported Unicode escape sequence");
        sqlerr_detail(p->err, "\\u0000 cannot be converted to text.");
        return SQL_ERR;
    }
    if (cp > 0x10FFFF)
        return sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1, "invalid Unicode code point");
    sqljsonb_put_utf8(b, cp);
    return SQL_OK;
}

/* Length of one complete \uXXXX or \u{X...} escape at i, 0 if there is none. */
static size_t unicode_len(const parser *p, size_t i)
{
    const char *s = p->in;
    size_t n = p->len;
    if (i + 1 >= n || s[i] != '\\' || s[i + 1] != 'u') return 0;
    if (i + 2 < n && s[i + 2] == '{') {
        size_t k = 0;
        while (k < 6 && i + 3 + k < n && hexval(s[i + 3 + k]) >= 0)
            k++;
        if (k >= 1 && i + 3 + k < n && s[i + 3 + k] == '}') return 4 + k;
        return 0;
    }
    for (size_t k = 0; k < 4; k++)
        if (i + 2 + k >= n || hexval(s[i + 2 + k]) < 0) return 0;
    return 6;
}

/* Length of {unicodefail} at i (\u with 0-3 hex digits, or \u{ with 0-6 and no brace), 0 if
   none. */
static size_t unicode_fail_len(const parser *p, size_t i)
{
    const char *s = p->in;
    size_t n = p->len;
    if (i + 1 >= n || s[i] != '\\' || s[i + 1] != 'u') return 0;
    if (i + 2 < n && s[i + 2] == '{') {
        size_t k = 0;
        while (k < 6 && i + 3 + k < n && hexval(s[i + 3 + k]) >= 0)
            k++;
        return 3 + k;
    }
    size_t k = 0;
    while (k < 3 && i + 2 + k < n && hexval(s[i + 2 + k]) >= 0)
        k++;
    return 2 + k;
}

/* One escape sequence at p->pos (a backslash) inside a string or identifier: appended decoded
   to b, p->pos moved past it. */
static int lex_escape(parser *p, codec_buf *b)
{
    const char *s = p->in;
    size_t i = p->pos, n = p->len;
    if (i + 1 >= n || s[i + 1] == '\n') return lex_fail(p, "unexpected end after backslash", i, 1);
    char c = s[i + 1];
    if (c == 'u') {
        /* {unicode}+ decoded as one run (surrogate pairs within it), or the failing form */
        size_t j = i, k;
        while ((k = unicode_len(p, j)) > 0)
            j += k;
        size_t fail = unicode_fail_len(p, j); /* an incomplete \u right after the run */
        if (fail) return lex_fail(p, "invalid unicode sequence", i, j - i + fail);
        int hi = -1;
        for (size_t at = i; at < j;) {
            uint32_t cp = 0;
            if (s[at + 2] == '{') {
                size_t q = at + 3;
                while (s[q] != '}')
                    cp = cp << 4 | (uint32_t)hexval(s[q++]);
                at = q + 1;
            } else {
                for (size_t q = at + 2; q < at + 6; q++)
                    cp = cp << 4 | (uint32_t)hexval(s[q]);
                at += 6;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (hi != -1) return bad_escape(p, "Unicode high surrogate must not follow a high surrogate.");
                hi = (int)((cp & 0x3FF) << 10);
                continue;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (hi == -1) return bad_escape(p, "Unicode low surrogate must follow a high surrogate.");
                cp = 0x10000 + (uint32_t)hi + (cp & 0x3FF);
                hi = -1;
            } else if (hi != -1) {
                return bad_escape(p, "Unicode low surrogate must follow a high surrogate.");
            }
            if (add_codepoint(p, b, cp)) return SQL_ERR;
        }
        if (hi != -1) return bad_escape(p, "Unicode low surrogate must follow a high surrogate.");
        p->pos = j;
        return SQL_OK;
    }
    if (c == 'x') {
        if (i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
            p->pos = i + 4;
            return add_codepoint(p, b, (uint32_t)(hexval(s[i + 2]) << 4 | hexval(s[i + 3])));
        }
        size_t k = i + 2 < n && hexval(s[i + 2]) >= 0 ? 3 : 2;
        return lex_fail(p, "invalid hex character sequence", i, k);
    }
    const char *from = "bfnrtv", *to = "\b\f\n\r\t\v";
    const char *e = strchr(from, c);
    codec_put_u8(b, (uint8_t)(e ? to[e - from] : c));
    p->pos = i + 2;
    return SQL_OK;
}

static int tok_take_buf(parser *p, codec_buf *b)
{
    codec_put_u8(b, 0);
    if (b->err) {
        codec_buf_free(b);
        return sqlerr_oom(p->err);
    }
    size_t n;
    p->cur.s = (char *)codec_buf_take(b, &n);
    p->cur.n = n - 1;
    return SQL_OK;
}

/* A quoted string or quoted variable name at p->pos (the opening quote). */
static int lex_quoted(parser *p, int type)
{
    codec_buf b;
    codec_buf_init(&b);
    p->pos++;
    for (;;) {
        if (p->pos >= p->len) {
            codec_buf_free(&b);
            return lex_fail(p, "unexpected end of quoted string", p->len, 0);
        }
        char c = p->in[p->pos];
        if (c == '"') break;
        if (c == '\\') {
            if (lex_escape(p, &b)) {
                codec_buf_free(&b);
                return SQL_ERR;
            }
            continue;
        }
        codec_put_u8(&b, (uint8_t)c);
        p->pos++;
    }
    p->cur.t = type;
    p->cur.yy = p->pos; /* yytext is the closing quote */
    p->cur.yylen = 1;
    p->pos++;
    return tok_take_buf(p, &b);
}

/* Skips a comment at p->pos ("/ *"). */
static int lex_comment(parser *p)
{
    const char *end = NULL;
    for (size_t i = p->pos + 2; i + 1 < p->len; i++)
        if (p->in[i] == '*' && p->in[i + 1] == '/') {
            end = p->in + i;
            break;
        }
    if (!end) return lex_fail(p, "unexpected end of comment", p->len, 0);
    p->pos = (size_t)(end - p->in) + 2;
    return SQL_OK;
}

/* An identifier or key word (flex state xnq) at p->pos. */
static int lex_ident(parser *p)
{
    codec_buf b;
    codec_buf_init(&b);
    for (;;) {
        if (p->pos >= p->len) {
            p->cur.yy = p->pos;
            p->cur.yylen = 0;
            break;
        }
        char c = p->in[p->pos];
        if (c == '\\') {
            if (lex_escape(p, &b)) {
                codec_buf_free(&b);
                return SQL_ERR;
            }
            continue;
        }
        if (is_other(c)) {
            codec_put_u8(&b, (uint8_t)c);
            p->pos++;
            continue;
        }
        if (is_blank(c)) { /* the blanks are yytext when the parser fails here */
            size_t e = p->pos;
            while (e < p->len && is_blank(p->in[e]))
                e++;
            p->cur.yy = p->pos;
            p->cur.yylen = e - p->pos;
            p->pos = e;
            break;
        }
        if (c == '/' && p->pos + 1 < p->len && p->in[p->pos + 1] == '*') {
            p->cur.yy = p->pos;
            p->cur.yylen = 2;
            if (lex_comment(p)) {
                codec_buf_free(&b);
                return SQL_ERR;
            }
            break;
        }
        p->cur.yy = p->pos; /* a special character: yyless(0) leaves yytext empty */
        p->cur.yylen = 0;
        break;
    }
    if (tok_take_buf(p, &b)) return SQL_ERR;
    p->cur.t = T_IDENT;
    for (size_t k = 0; k < sizeof KEYWORDS / sizeof *KEYWORDS; k++) {
        size_t wl = strlen(KEYWORDS[k].word);
        if (wl != p->cur.n) continue;
        bool eq = KEYWORDS[k].lower_only ? !memcmp(p->cur.s, KEYWORDS[k].word, wl)
                                         : !strncasecmp(p->cur.s, KEYWORDS[k].word, wl);
        if (eq) {
            p->cur.t = KEYWORDS[k].tok;
            break;
        }
    }
    return SQL_OK;
}

/* A number at p->pos, or what flex would take instead: the longest of {real} {decimal}
   {integer} {realfail} and the junk rules, {other}+ (an identifier) when it is longer still. */
static int lex_number(parser *p)
{
    const char *s = p->in;
    size_t i = p->pos, n = p->len;
#define AT(k) (i + (k) < n ? s[i + (k)] : '\0')
    size_t li = 0, ld = 0, lr = 0, lrf = 0;
    if (AT(0) == '0') li = 1;
    else if (AT(0) >= '1' && AT(0) <= '9')
        while (is_digit(AT(li)))
            li++;
    if (li && AT(li) == '.') {
        ld = li + 1;
        while (is_digit(AT(ld)))
            ld++;
    } else if (!li && AT(0) == '.' && is_digit(AT(1))) {
        ld = 1;
        while (is_digit(AT(ld)))
            ld++;
    }
    size_t mant = ld ? ld : li;
    if (mant && (AT(mant) == 'e' || AT(mant) == 'E')) {
        size_t j = mant + 1;
        bool sign = AT(j) == '+' || AT(j) == '-';
        if (sign) j++;
        if (is_digit(AT(j))) {
            while (is_digit(AT(j)))
                j++;
            lr = j;
        } else if (sign) {
            lrf = j;
        }
    }
    size_t lji = li && is_other(AT(li)) ? li + 1 : 0;
    size_t ljd = ld && is_other(AT(ld)) ? ld + 1 : 0;
    size_t ljr = lr && is_other(AT(lr)) ? lr + 1 : 0;
    size_t lo = 0;
    while (is_other(AT(lo)))
        lo++;
#undef AT
    /* rule order decides ties */
    size_t lens[8] = {lr, ld, li, lrf, lji, ljd, ljr, lo};
    int best = 0;
    for (int k = 1; k < 8; k++)
        if (lens[k] > lens[best]) best = k;
    size_t len = lens[best];
    if (best == 7) return lex_ident(p);
    if (best == 3) return lex_fail(p, "invalid numeric literal", i, len);
    if (best >= 4) return lex_fail(p, "trailing junk after numeric literal", i, len);
    p->cur.t = best == 2 ? T_INT : T_NUMERIC;
    p->cur.s = malloc(len + 1);
    if (!p->cur.s) return sqlerr_oom(p->err);
    memcpy(p->cur.s, s + i, len);
    p->cur.s[len] = '\0';
    p->cur.n = len;
    p->cur.yy = i;
    p->cur.yylen = len;
    p->pos = i + len;
    return SQL_OK;
}

/* The next token into p->cur. */
static int lex(parser *p)
{
    free(p->cur.s);
    memset(&p->cur, 0, sizeof p->cur);
    const char *s = p->in;
    for (;;) {
        while (p->pos < p->len && is_blank(s[p->pos]))
            p->pos++;
        if (p->pos + 1 < p->len && s[p->pos] == '/' && s[p->pos + 1] == '*') {
            if (lex_comment(p)) return SQL_ERR;
            continue;
        }
        break;
    }
    size_t i = p->pos;
    p->cur.yy = i;
    if (i >= p->len) {
        p->cur.t = T_EOF;
        return SQL_OK;
    }
    char c = s[i], d = i + 1 < p->len ? s[i + 1] : '\0';
    static const struct {
        char a, b;
        int t;
    } TWO[] = {{'&', '&', T_AND}, {'|', '|', T_OR},  {'*', '*', T_ANY}, {'<', '=', T_LE},
               {'<', '>', T_NE},  {'=', '=', T_EQ},  {'!', '=', T_NE},  {'>', '=', T_GE}};
    for (size_t k = 0; k < sizeof TWO / sizeof *TWO; k++)
        if (c == TWO[k].a && d == TWO[k].b) {
            p->cur.t = TWO[k].t;
            p->cur.yylen = 2;
            p->pos += 2;
            return SQL_OK;
        }
    if (c == '<' || c == '>' || c == '!') {
        p->cur.t = c == '<' ? T_LT : c == '>' ? T_GT : T_NOT;
        p->cur.yylen = 1;
        p->pos++;
        return SQL_OK;
    }
    if (c == '$' && d == '"') {
        p->pos++;
        return lex_quoted(p, T_VAR);
    }
    if (c == '$' && is_other(d)) {
        size_t e = i + 1;
        while (e < p->len && is_other(s[e]))
            e++;
        p->cur.t = T_VAR;
        p->cur.n = e - i - 1;
        p->cur.s = malloc(p->cur.n + 1);
        if (!p->cur.s) return sqlerr_oom(p->err);
        memcpy(p->cur.s, s + i + 1, p->cur.n);
        p->cur.s[p->cur.n] = '\0';
        p->cur.yylen = e - i;
        p->pos = e;
        return SQL_OK;
    }
    if (c == '"') return lex_quoted(p, T_STRING);
    if (is_digit(c) || (c == '.' && is_digit(d))) return lex_number(p);
    if (c == '\\' || is_other(c)) return lex_ident(p);
    p->cur.t = T_CHAR;
    p->cur.c = c;
    p->cur.yylen = 1;
    p->pos++;
    return SQL_OK;
}

/* ------------------------------------------------------------------ parser */

static bool is_char(const parser *p, char c)
{
    return p->cur.t == T_CHAR && p->cur.c == c;
}

/* A token stays on bison's stack until its rule is reduced: fail as PostgreSQL does when the
   stack would outgrow YYMAXDEPTH. */
static int push(parser *p)
{
    if (sqlerr_stack_check(p->err)) return SQL_ERR;
    if (p->depth + 1 >= BISON_STACK_MAX)
        return lex_fail(p, "memory exhausted", p->cur.yy, p->cur.yylen);
    p->depth++;
    return SQL_OK;
}

static int shift(parser *p)
{
    return push(p) || lex(p) ? SQL_ERR : SQL_OK;
}

static jpi *node_new(parser *p, int type)
{
    jpi *n = calloc(1, sizeof *n);
    if (!n) {
        sqlerr_oom(p->err);
        return NULL;
    }
    n->type = type;
    n->all = p->all;
    p->all = n;
    return n;
}

/* A node carrying the current token's text (moved out of the token). */
static jpi *node_text(parser *p, int type)
{
    jpi *n = node_new(p, type);
    if (!n) return NULL;
    n->str = p->cur.s;
    n->len = p->cur.n;
    p->cur.s = NULL;
    if (!n->str && !(n->str = calloc(1, 1))) {
        sqlerr_oom(p->err);
        return NULL;
    }
    return n;
}

static jpi *node_bin(parser *p, int type, jpi *l, jpi *r)
{
    jpi *n = node_new(p, type);
    if (n) {
        n->arg = l;
        n->arg2 = r;
    }
    return n;
}

/* makeItemUnary: a sign on a plain number literal is folded into it */
static jpi *node_unary(parser *p, int type, jpi *a)
{
    if (a && a->type == JPI_NUMERIC && !a->next && (type == JPI_PLUS || type == JPI_MINUS)) {
        if (type == JPI_PLUS) return a;
        bool zero = strspn(a->str, "-0.") == a->len;
        if (zero) return a;
        char *t = malloc(a->len + 2);
        if (!t) {
            sqlerr_oom(p->err);
            return NULL;
        }
        if (a->str[0] == '-') memcpy(t, a->str + 1, a->len);
        else {
            t[0] = '-';
            memcpy(t + 1, a->str, a->len + 1);
        }
        free(a->str);
        a->str = t;
        a->len = strlen(t);
        return a;
    }
    jpi *n = node_new(p, type);
    if (n) n->arg = a;
    return n;
}

typedef struct pres {
    jpi *n;
    bool pred; /* a predicate (true/false/unknown), not an expression */
} pres;

static int parse_or(parser *p, pres *out);
static int parse_additive(parser *p, pres *out);

static int parse_expr(parser *p, jpi **out)
{
    pres r = {0};
    if (parse_additive(p, &r)) return SQL_ERR;
    if (r.pred) return syntax_error(p);
    *out = r.n;
    return SQL_OK;
}

static int expect_char(parser *p, char c)
{
    if (!is_char(p, c)) return syntax_error(p);
    return lex(p);
}

/* EXISTS '(' expr ')' */
static int parse_exists(parser *p, jpi **out)
{
    size_t base = p->depth;
    jpi *a = NULL;
    if (shift(p)) return SQL_ERR;
    if (!is_char(p, '(')) return syntax_error(p);
    if (shift(p) || parse_expr(p, &a) || expect_char(p, ')')) return SQL_ERR;
    if (!(*out = node_unary(p, JPI_EXISTS, a))) return SQL_ERR;
    p->depth = base + 1;
    return SQL_OK;
}

static int parse_any_level(parser *p, uint32_t *out)
{
    if (p->cur.t == T_LAST) {
        *out = ANY_LAST;
    } else if (p->cur.t == T_INT) {
        char *end;
        errno = 0;
        long long v = strtoll(p->cur.s, &end, 10);
        if (errno || v > INT32_MAX)
            return sqlerr_set(p->err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1,
                              "value \"%s\" is out of range for type integer", p->cur.s);
        *out = (uint32_t)v;
    } else {
        return syntax_error(p);
    }
    return shift(p);
}

static bool is_key_token(int t)
{
    return t == T_IDENT || t == T_STRING || t >= T_TO;
}

static int method_type(int t)
{
    switch (t) {
    case T_ABS: return JPI_ABS;
    case T_SIZE: return JPI_SIZE;
    case T_TYPE: return JPI_TYPE;
    case T_FLOOR: return JPI_FLOOR;
    case T_DOUBLE: return JPI_DOUBLE;
    case T_CEILING: return JPI_CEILING;
    case T_KEYVALUE: return JPI_KEYVALUE;
    default: return -1;
    }
}

/* accessor_op */
static int parse_accessor(parser *p, jpi **out)
{
    size_t base = p->depth;
    jpi *n = NULL;
    if (is_char(p, '.')) {
        if (shift(p)) return SQL_ERR;
        if (is_char(p, '*')) {
            if (!(n = node_new(p, JPI_ANY_KEY)) || shift(p)) return SQL_ERR;
        } else if (p->cur.t == T_ANY) {
            if (!(n = node_new(p, JPI_ANY)) || shift(p)) return SQL_ERR;
            n->first = 0;
            n->last = ANY_LAST;
            if (is_char(p, '{')) {
                if (shift(p) || parse_any_level(p, &n->first)) return SQL_ERR;
                n->last = n->first;
                if (p->cur.t == T_TO && (shift(p) || parse_any_level(p, &n->last))) return SQL_ERR;
                if (expect_char(p, '}')) return SQL_ERR;
            }
        } else if (is_key_token(p->cur.t)) {
            int m = method_type(p->cur.t);
            bool datetime = p->cur.t == T_DATETIME;
            if (!(n = node_text(p, JPI_KEY)) || shift(p)) return SQL_ERR;
            if ((m >= 0 || datetime) && is_char(p, '(')) {
                if (shift(p)) return SQL_ERR;
                n->type = datetime ? JPI_DATETIME : m;
                if (datetime && p->cur.t == T_STRING) {
                    if (!(n->arg = node_text(p, JPI_STRING)) || shift(p)) return SQL_ERR;
                }
                if (expect_char(p, ')')) return SQL_ERR;
            }
        } else {
            return syntax_error(p);
        }
    } else if (is_char(p, '[')) {
        if (shift(p)) return SQL_ERR;
        if (is_char(p, '*')) {
            if (shift(p) || expect_char(p, ']') || !(n = node_new(p, JPI_ANY_ARRAY))) return SQL_ERR;
        } else {
            if (!(n = node_new(p, JPI_INDEX_ARRAY))) return SQL_ERR;
            size_t cap = 0;
            for (;;) {
                jpi *from = NULL, *to = NULL;
                size_t d = p->depth;
                if (parse_expr(p, &from)) return SQL_ERR;
                if (p->cur.t == T_TO && (shift(p) || parse_expr(p, &to))) return SQL_ERR;
                p->depth = d + 1;
                if (n->nsubs == cap) {
                    cap = cap ? cap * 2 : 4;
                    jpi_sub *s = realloc(n->subs, cap * sizeof *s);
                    if (!s) return sqlerr_oom(p->err);
                    n->subs = s;
                }
                n->subs[n->nsubs].from = from;
                n->subs[n->nsubs++].to = to;
                if (is_char(p, ',')) {
                    if (shift(p)) return SQL_ERR;
                    continue;
                }
                if (expect_char(p, ']')) return SQL_ERR;
                break;
            }
        }
    } else { /* '?' '(' predicate ')' */
        pres r = {0};
        if (shift(p)) return SQL_ERR;
        if (!is_char(p, '(')) return syntax_error(p);
        if (shift(p) || parse_or(p, &r)) return SQL_ERR;
        if (!r.pred) return syntax_error(p);
        if (expect_char(p, ')') || !(n = node_unary(p, JPI_FILTER, r.n))) return SQL_ERR;
    }
    p->depth = base;
    *out = n;
    return SQL_OK;
}

static bool starts_accessor(const parser *p)
{
    return is_char(p, '.') || is_char(p, '[') || is_char(p, '?');
}

/* accessor_expr, '(' expr ')', delimited predicates */
static int parse_postfix(parser *p, pres *out)
{
    size_t base = p->depth;
    jpi *head = NULL;
    out->pred = false;
    switch (p->cur.t) {
    case T_CHAR:
        if (p->cur.c == '(') {
            pres in = {0};
            if (shift(p) || parse_or(p, &in) || expect_char(p, ')')) return SQL_ERR;
            if (in.pred && p->cur.t == T_IS) {
                if (shift(p)) return SQL_ERR;
                if (p->cur.t != T_UNKNOWN) return syntax_error(p);
                if (lex(p) || !(out->n = node_unary(p, JPI_IS_UNKNOWN, in.n))) return SQL_ERR;
                out->pred = true;
                p->depth = base + 1;
                return SQL_OK;
            }
            if (!starts_accessor(p)) {
                *out = in;
                p->depth = base + 1;
                return SQL_OK;
            }
            head = in.n;
            break;
        }
        if (p->cur.c == '$' || p->cur.c == '@') {
            if (push(p) || !(head = node_new(p, p->cur.c == '$' ? JPI_ROOT : JPI_CURRENT)) || lex(p))
                return SQL_ERR;
            break;
        }
        return syntax_error(p);
    case T_EXISTS:
        if (parse_exists(p, &out->n)) return SQL_ERR;
        out->pred = true;
        return SQL_OK;
    case T_STRING:
    case T_VAR:
        if (push(p) || !(head = node_text(p, p->cur.t == T_STRING ? JPI_STRING : JPI_VARIABLE)) ||
            lex(p))
            return SQL_ERR;
        break;
    case T_NUMERIC:
    case T_INT: {
        if (push(p) || !(head = node_new(p, JPI_NUMERIC))) return SQL_ERR;
        if (sqlval_parse_numeric(p->cur.s, p->cur.n, &head->str, p->err)) return SQL_ERR;
        head->len = strlen(head->str);
        if (lex(p)) return SQL_ERR;
        break;
    }
    case T_NULL:
    case T_TRUE:
    case T_FALSE:
    case T_LAST: {
        int t = p->cur.t;
        if (push(p) ||
            !(head = node_new(p, t == T_NULL ? JPI_NULL : t == T_LAST ? JPI_LAST : JPI_BOOL)) ||
            lex(p))
            return SQL_ERR;
        head->b = t == T_TRUE;
        break;
    }
    default: return syntax_error(p);
    }
    /* makeItemList: accessors go after the end of the head's own chain */
    jpi *tail = head;
    while (tail->next)
        tail = tail->next;
    p->depth = base + 1;
    while (starts_accessor(p)) {
        jpi *a = NULL;
        if (parse_accessor(p, &a)) return SQL_ERR;
        tail->next = a;
        tail = a;
        p->depth = base + 1;
    }
    out->n = head;
    out->pred = false;
    return SQL_OK;
}

static int parse_unary(parser *p, pres *out)
{
    if (is_char(p, '+') || is_char(p, '-')) {
        size_t base = p->depth;
        int type = p->cur.c == '+' ? JPI_PLUS : JPI_MINUS;
        pres a = {0};
        if (shift(p) || parse_unary(p, &a)) return SQL_ERR;
        if (a.pred) return syntax_error(p);
        if (!(out->n = node_unary(p, type, a.n))) return SQL_ERR;
        out->pred = false;
        p->depth = base + 1;
        return SQL_OK;
    }
    return parse_postfix(p, out);
}

static int parse_mult(parser *p, pres *out)
{
    size_t base = p->depth;
    if (parse_unary(p, out)) return SQL_ERR;
    while (is_char(p, '*') || is_char(p, '/') || is_char(p, '%')) {
        int type = p->cur.c == '*' ? JPI_MUL : p->cur.c == '/' ? JPI_DIV : JPI_MOD;
        pres r = {0};
        if (out->pred) return syntax_error(p);
        if (shift(p) || parse_unary(p, &r)) return SQL_ERR;
        if (r.pred) return syntax_error(p);
        if (!(out->n = node_bin(p, type, out->n, r.n))) return SQL_ERR;
        p->depth = base + 1;
    }
    return SQL_OK;
}

static int parse_additive(parser *p, pres *out)
{
    size_t base = p->depth;
    if (parse_mult(p, out)) return SQL_ERR;
    while (is_char(p, '+') || is_char(p, '-')) {
        int type = p->cur.c == '+' ? JPI_ADD : JPI_SUB;
        pres r = {0};
        if (out->pred) return syntax_error(p);
        if (shift(p) || parse_mult(p, &r)) return SQL_ERR;
        if (r.pred) return syntax_error(p);
        if (!(out->n = node_bin(p, type, out->n, r.n))) return SQL_ERR;
        p->depth = base + 1;
    }
    return SQL_OK;
}

/* makeItemLikeRegex: flags checked and the pattern compiled while parsing, as PostgreSQL */
static int like_regex_check(parser *p, jpi *n, const char *flags, size_t nflags)
{
    for (size_t i = 0; i < nflags; i++) {
        const char *k = strchr("ismxq", flags[i]);
        if (!flags[i] || !k) {
            unsigned char u = (unsigned char)flags[i];
            int cl = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : u >= 0xC0 ? 2 : 1;
            if ((size_t)cl > nflags - i) cl = (int)(nflags - i);
            sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1, "invalid input syntax for type jsonpath");
            sqlerr_detail(p->err, "Unrecognized flag character \"%.*s\" in LIKE_REGEX predicate.",
                          cl, flags + i);
            return SQL_ERR;
        }
        n->flags |= 1u << (k - "ismxq");
    }
    return SQL_OK;
}

/* jspConvertRegexFlags, onto sqlregex's flag bits */
static int regex_flags(unsigned f, unsigned *out, sqlerr *err)
{
    unsigned r = 0;
    if (f & RE_I) r |= SQLREGEX_ICASE;
    if (f & RE_Q) {
        r |= SQLREGEX_LITERAL; /* XQuery: with q, x is ignored */
    } else {
        if (!(f & RE_S)) r |= SQLREGEX_PARTIAL; /* . and [^...] stop at newlines */
        if (f & RE_M) r |= SQLREGEX_WEIRD;      /* ^ and $ match at newlines */
        if (f & RE_X)
            return sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1,
                              "XQuery \"x\" flag (expanded regular expressions) is not implemented");
    }
    *out = r;
    return SQL_OK;
}

/* expr comp_op expr, starts with, like_regex; or an expression */
static int parse_cmp(parser *p, pres *out)
{
    size_t base = p->depth;
    if (parse_additive(p, out)) return SQL_ERR;
    if (out->pred) return SQL_OK;
    int op = -1;
    switch (p->cur.t) {
    case T_EQ: op = JPI_EQ; break;
    case T_NE: op = JPI_NE; break;
    case T_LT: op = JPI_LT; break;
    case T_LE: op = JPI_LE; break;
    case T_GT: op = JPI_GT; break;
    case T_GE: op = JPI_GE; break;
    default: break;
    }
    if (op >= 0) {
        pres r = {0};
        if (shift(p) || parse_additive(p, &r)) return SQL_ERR;
        if (r.pred) return syntax_error(p);
        if (!(out->n = node_bin(p, op, out->n, r.n))) return SQL_ERR;
    } else if (p->cur.t == T_STARTS) {
        if (shift(p)) return SQL_ERR;
        if (p->cur.t != T_WITH) return syntax_error(p);
        if (shift(p)) return SQL_ERR;
        if (p->cur.t != T_STRING && p->cur.t != T_VAR) return syntax_error(p);
        jpi *init = node_text(p, p->cur.t == T_STRING ? JPI_STRING : JPI_VARIABLE);
        if (!init || push(p) || lex(p) || !(out->n = node_bin(p, JPI_STARTS_WITH, out->n, init)))
            return SQL_ERR;
    } else if (p->cur.t == T_LIKE_REGEX) {
        if (shift(p)) return SQL_ERR;
        if (p->cur.t != T_STRING) return syntax_error(p);
        jpi *n = node_text(p, JPI_LIKE_REGEX);
        if (!n || shift(p)) return SQL_ERR;
        n->arg = out->n;
        if (p->cur.t == T_FLAG) {
            if (shift(p)) return SQL_ERR;
            if (p->cur.t != T_STRING) return syntax_error(p);
            if (like_regex_check(p, n, p->cur.s, p->cur.n) || shift(p)) return SQL_ERR;
        }
        unsigned rf;
        if (regex_flags(n->flags, &rf, p->err) || !sqlregex_get(n->str, n->len, rf, p->err))
            return SQL_ERR;
        out->n = n;
    } else {
        return SQL_OK;
    }
    out->pred = true;
    p->depth = base + 1;
    return SQL_OK;
}

static int parse_not(parser *p, pres *out)
{
    if (p->cur.t != T_NOT) return parse_cmp(p, out);
    size_t base = p->depth;
    jpi *a = NULL;
    if (shift(p)) return SQL_ERR;
    if (p->cur.t == T_EXISTS) {
        if (parse_exists(p, &a)) return SQL_ERR;
    } else if (is_char(p, '(')) {
        pres in = {0};
        if (shift(p) || parse_or(p, &in)) return SQL_ERR;
        if (!in.pred) return syntax_error(p);
        if (expect_char(p, ')')) return SQL_ERR;
        a = in.n;
    } else {
        return syntax_error(p);
    }
    if (!(out->n = node_unary(p, JPI_NOT, a))) return SQL_ERR;
    out->pred = true;
    p->depth = base + 1;
    return SQL_OK;
}

static int parse_and(parser *p, pres *out)
{
    size_t base = p->depth;
    if (parse_not(p, out)) return SQL_ERR;
    while (p->cur.t == T_AND) {
        pres r = {0};
        if (!out->pred) return syntax_error(p);
        if (shift(p) || parse_not(p, &r)) return SQL_ERR;
        if (!r.pred) return syntax_error(p);
        if (!(out->n = node_bin(p, JPI_AND, out->n, r.n))) return SQL_ERR;
        p->depth = base + 1;
    }
    return SQL_OK;
}

/* expr_or_predicate */
static int parse_or(parser *p, pres *out)
{
    size_t base = p->depth;
    if (parse_and(p, out)) return SQL_ERR;
    while (p->cur.t == T_OR) {
        pres r = {0};
        if (!out->pred) return syntax_error(p);
        if (shift(p) || parse_and(p, &r)) return SQL_ERR;
        if (!r.pred) return syntax_error(p);
        if (!(out->n = node_bin(p, JPI_OR, out->n, r.n))) return SQL_ERR;
        p->depth = base + 1;
    }
    return SQL_OK;
}

/* flattenJsonPathParseItem's checks: @ only inside filters, last only inside subscripts */
static int check_items(parser *p, const jpi *n, int nesting, bool in_subscript)
{
    for (; n; n = n->next) {
        if (sqlerr_stack_check(p->err)) return SQL_ERR;
        if (n->type == JPI_CURRENT && nesting <= 0)
            return sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1, "@ is not allowed in root expressions");
        if (n->type == JPI_LAST && !in_subscript)
            return sqlerr_set(p->err, SQLSTATE_SYNTAX_ERROR, -1,
                              "LAST is allowed only in array subscripts");
        int inner = nesting + (n->type == JPI_FILTER);
        if (check_items(p, n->arg, inner, in_subscript) ||
            check_items(p, n->arg2, inner, in_subscript))
            return SQL_ERR;
        for (size_t i = 0; i < n->nsubs; i++)
            if (check_items(p, n->subs[i].from, nesting, true) ||
                check_items(p, n->subs[i].to, nesting, true))
                return SQL_ERR;
    }
    return SQL_OK;
}

int sqljsonpath_parse(const char *text, size_t len, sqljsonpath **out, sqlerr *err)
{
    *out = NULL;
    parser p;
    memset(&p, 0, sizeof p);
    p.in = text ? text : "";
    p.len = text ? strnlen(text, len) : 0; /* the type's input is a C string */
    p.err = err;
    sqljsonpath *jp = calloc(1, sizeof *jp);
    if (!jp) return sqlerr_oom(err);
    jp->lax = true;
    if (lex(&p)) goto fail;
    bool mode = false;
    if (p.cur.t == T_STRICT || p.cur.t == T_LAX) {
        jp->lax = p.cur.t == T_LAX;
        mode = true;
        if (lex(&p)) goto fail;
    }
    if (p.cur.t == T_EOF && !mode) {
        sqlerr_set(err, SQLSTATE_INVALID_TEXT_REPRESENTATION, -1,
                   "invalid input syntax for type jsonpath: \"%.*s\"", (int)(p.len > 200 ? 200 : p.len),
                   p.in);
        goto fail;
    }
    p.depth = 2; /* state 0 and mode */
    pres r = {0};
    if (parse_or(&p, &r)) goto fail;
    if (p.cur.t != T_EOF) {
        syntax_error(&p);
        goto fail;
    }
    if (check_items(&p, r.n, 0, false)) goto fail;
    free(p.cur.s);
    jp->root = r.n;
    jp->all = p.all;
    *out = jp;
    return SQL_OK;
fail:
    free(p.cur.s);
    jpi_free_all(p.all);
    free(jp);
    return SQL_ERR;
}

/* ------------------------------------------------------------------ printer */

static int priority(int type)
{
    switch (type) {
    case JPI_OR: return 0;
    case JPI_AND: return 1;
    case JPI_EQ: case JPI_NE: case JPI_LT: case JPI_GT: case JPI_LE: case JPI_GE:
    case JPI_STARTS_WITH: return 2;
    case JPI_ADD: case JPI_SUB: return 3;
    case JPI_MUL: case JPI_DIV: case JPI_MOD: return 4;
    case JPI_PLUS: case JPI_MINUS: return 5;
    default: return 6;
    }
}

static const char *op_name(int type)
{
    switch (type) {
    case JPI_AND: return "&&";
    case JPI_OR: return "||";
    case JPI_EQ: return "==";
    case JPI_NE: return "!=";
    case JPI_LT: return "<";
    case JPI_GT: return ">";
    case JPI_LE: return "<=";
    case JPI_GE: return ">=";
    case JPI_ADD: case JPI_PLUS: return "+";
    case JPI_SUB: case JPI_MINUS: return "-";
    case JPI_MUL: return "*";
    case JPI_DIV: return "/";
    case JPI_MOD: return "%";
    case JPI_STARTS_WITH: return "starts with";
    case JPI_TYPE: return "type";
    case JPI_SIZE: return "size";
    case JPI_ABS: return "abs";
    case JPI_FLOOR: return "floor";
    case JPI_CEILING: return "ceiling";
    case JPI_DOUBLE: return "double";
    case JPI_DATETIME: return "datetime";
    case JPI_KEYVALUE: return "keyvalue";
    default: return "?";
    }
}

static void put_str(codec_buf *b, const char *s)
{
    codec_put_raw(b, s, strlen(s));
}

static void put_quoted(codec_buf *b, const char *s, size_t n)
{
    char *q = NULL;
    size_t qn;
    sqlerr e;
    if (sqljsonb_quote(s, n, &q, &qn, &e)) {
        b->err = 1;
        return;
    }
    codec_put_raw(b, q, qn);
    free(q);
}

/* printJsonPathItem; the chain of accessors is walked in a loop */
static void print_item(codec_buf *b, const jpi *v, bool in_key, bool brackets)
{
    for (; v && !b->err; v = v->next, in_key = true, brackets = true) {
        if (sqlerr_stack_low()) { /* unreachable: the parser bounds nesting */
            b->err = 1;
            return;
        }
        char num[48];
        switch (v->type) {
        case JPI_NULL: put_str(b, "null"); break;
        case JPI_STRING: put_quoted(b, v->str, v->len); break;
        case JPI_NUMERIC:
            if (v->next) codec_put_u8(b, '(');
            codec_put_raw(b, v->str, v->len);
            if (v->next) codec_put_u8(b, ')');
            break;
        case JPI_BOOL: put_str(b, v->b ? "true" : "false"); break;
        case JPI_AND: case JPI_OR: case JPI_EQ: case JPI_NE: case JPI_LT: case JPI_GT:
        case JPI_LE: case JPI_GE: case JPI_ADD: case JPI_SUB: case JPI_MUL: case JPI_DIV:
        case JPI_MOD: case JPI_STARTS_WITH:
            if (brackets) codec_put_u8(b, '(');
            print_item(b, v->arg, false, priority(v->arg->type) <= priority(v->type));
            codec_put_u8(b, ' ');
            put_str(b, op_name(v->type));
            codec_put_u8(b, ' ');
            print_item(b, v->arg2, false, priority(v->arg2->type) <= priority(v->type));
            if (brackets) codec_put_u8(b, ')');
            break;
        case JPI_NOT:
            put_str(b, "!(");
            print_item(b, v->arg, false, false);
            codec_put_u8(b, ')');
            break;
        case JPI_IS_UNKNOWN:
            codec_put_u8(b, '(');
            print_item(b, v->arg, false, false);
            put_str(b, ") is unknown");
            break;
        case JPI_PLUS: case JPI_MINUS:
            if (brackets) codec_put_u8(b, '(');
            codec_put_u8(b, v->type == JPI_PLUS ? '+' : '-');
            print_item(b, v->arg, false, priority(v->arg->type) <= priority(v->type));
            if (brackets) codec_put_u8(b, ')');
            break;
        case JPI_ANY_ARRAY: put_str(b, "[*]"); break;
        case JPI_ANY_KEY:
            if (in_key) codec_put_u8(b, '.');
            codec_put_u8(b, '*');
            break;
        case JPI_INDEX_ARRAY:
            codec_put_u8(b, '[');
            for (size_t i = 0; i < v->nsubs; i++) {
                if (i) codec_put_u8(b, ',');
                print_item(b, v->subs[i].from, false, false);
                if (v->subs[i].to) {
                    put_str(b, " to ");
                    print_item(b, v->subs[i].to, false, false);
                }
            }
            codec_put_u8(b, ']');
            break;
        case JPI_ANY:
            if (in_key) codec_put_u8(b, '.');
            if (v->first == 0 && v->last == ANY_LAST) put_str(b, "**");
            else if (v->first == v->last && v->first == ANY_LAST) put_str(b, "**{last}");
            else if (v->first == v->last) snprintf(num, sizeof num, "**{%u}", v->first), put_str(b, num);
            else if (v->first == ANY_LAST) snprintf(num, sizeof num, "**{last to %u}", v->last), put_str(b, num);
            else if (v->last == ANY_LAST) snprintf(num, sizeof num, "**{%u to last}", v->first), put_str(b, num);
            else snprintf(num, sizeof num, "**{%u to %u}", v->first, v->last), put_str(b, num);
            break;
        case JPI_KEY:
            if (in_key) codec_put_u8(b, '.');
            put_quoted(b, v->str, v->len);
            break;
        case JPI_CURRENT: codec_put_u8(b, '@'); break;
        case JPI_ROOT: codec_put_u8(b, '$'); break;
        case JPI_VARIABLE:
            codec_put_u8(b, '$');
            put_quoted(b, v->str, v->len);
            break;
        case JPI_FILTER:
            put_str(b, "?(");
            print_item(b, v->arg, false, false);
            codec_put_u8(b, ')');
            break;
        case JPI_EXISTS:
            put_str(b, "exists (");
            print_item(b, v->arg, false, false);
            codec_put_u8(b, ')');
            break;
        case JPI_TYPE: case JPI_SIZE: case JPI_ABS: case JPI_FLOOR: case JPI_CEILING:
        case JPI_DOUBLE: case JPI_KEYVALUE:
            codec_put_u8(b, '.');
            put_str(b, op_name(v->type));
            put_str(b, "()");
            break;
        case JPI_DATETIME:
            put_str(b, ".datetime(");
            if (v->arg) print_item(b, v->arg, false, false);
            codec_put_u8(b, ')');
            break;
        case JPI_LAST: put_str(b, "last"); break;
        case JPI_LIKE_REGEX:
            if (brackets) codec_put_u8(b, '(');
            print_item(b, v->arg, false, priority(v->arg->type) <= priority(v->type));
            put_str(b, " like_regex ");
            put_quoted(b, v->str, v->len);
            if (v->flags) {
                put_str(b, " flag \"");
                for (int k = 0; k < 5; k++)
                    if (v->flags & (1u << k)) codec_put_u8(b, (uint8_t)"ismxq"[k]);
                codec_put_u8(b, '"');
            }
            if (brackets) codec_put_u8(b, ')');
            break;
        }
    }
}

int sqljsonpath_text(const sqljsonpath *p, char **out, size_t *outlen, sqlerr *err)
{
    codec_buf b;
    codec_buf_init(&b);
    if (!p->lax) put_str(&b, "strict ");
    print_item(&b, p->root, false, true);
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

/* ------------------------------------------------------------------ numeric text helpers */

/* Canonical numeric text (numeric_out): [-]digits[.digits], no leading zeros, no "-0". */

static bool num_is_zero(const char *s)
{
    return strspn(s, "-0.") == strlen(s);
}

/* |a| vs |b| */
static int num_cmp_abs(const char *a, const char *b)
{
    if (*a == '-') a++;
    if (*b == '-') b++;
    size_t ia = strcspn(a, "."), ib = strcspn(b, ".");
    if (ia != ib) return ia < ib ? -1 : 1;
    int c = memcmp(a, b, ia);
    if (c) return c < 0 ? -1 : 1;
    const char *fa = a[ia] ? a + ia + 1 : "", *fb = b[ib] ? b + ib + 1 : "";
    while (*fa || *fb) {
        char x = *fa ? *fa++ : '0', y = *fb ? *fb++ : '0';
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

static int num_cmp(const char *a, const char *b)
{
    int sa = num_is_zero(a) ? 0 : *a == '-' ? -1 : 1;
    int sb = num_is_zero(b) ? 0 : *b == '-' ? -1 : 1;
    if (sa != sb) return sa < sb ? -1 : 1;
    return sa * num_cmp_abs(a, b);
}

/* Bytes of the numeric's varlena image in jsonb (make_result: 6 + 2 * ndigits when weight and
   scale fit the short header, else 8 + 2 * ndigits; digits base 10000 without leading and
   trailing zero groups). */
static size_t num_storage_size(const char *s)
{
    if (*s == '-') s++;
    size_t il = strcspn(s, ".");
    const char *f = s[il] ? s + il + 1 : "";
    size_t fl = strlen(f);
    while (il > 0 && *s == '0') /* "0.5": the integer part is empty */
        s++, il--;
    if (num_is_zero(s)) return 6;
    /* groups: integer digits padded on the left to a multiple of 4, fraction on the right */
    size_t ig = (il + 3) / 4, fg = (fl + 3) / 4, total = ig + fg;
    int weight = (int)ig - 1;
    /* digit k (0-based over the whole padded sequence) */
    size_t pad_left = ig * 4 - il;
    size_t first = SIZE_MAX, last = 0;
    for (size_t g = 0; g < total; g++) {
        bool nz = false;
        for (size_t k = 0; k < 4 && !nz; k++) {
            size_t pos = g * 4 + k;
            char c;
            if (pos < pad_left) c = '0';
            else if (pos - pad_left < il) c = s[pos - pad_left];
            else {
                size_t fp = pos - pad_left - il;
                c = fp < fl ? f[fp] : '0';
            }
            nz = c != '0';
        }
        if (nz) {
            if (first == SIZE_MAX) first = g;
            last = g;
        }
    }
    weight -= (int)first;
    size_t ndigits = last - first + 1;
    bool short_hdr = fl <= 63 && weight >= -64 && weight <= 63;
    return (short_hdr ? 6 : 8) + 2 * ndigits;
}

/* ------------------------------------------------------------------ evaluator */

enum { R_OK, R_NOTFOUND, R_ERROR, R_FATAL };
enum { B_FALSE, B_TRUE, B_UNKNOWN, B_FATAL };
enum { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

typedef struct jv {
    int kind;
    bool b;
    const char *s; /* JV_NUMBER: canonical text (NUL-terminated); JV_STRING: bytes */
    size_t n;
    const sqljsonb_node *node; /* arrays and objects: always; scalars: when from a document */
} jv;

typedef struct jvlist {
    jv *v;
    size_t n, cap;
} jvlist;

typedef struct jctx {
    const sqljsonb_node *doc, *vars; /* vars NULL: no vars argument */
    bool lax, ignore_struct, throw_errors;
    jv root, current;
    const sqljsonb_node *base_tree; /* .keyvalue() ids: the document items come from, its number */
    int64_t base_id;
    int64_t last_generated_id;
    int innermost_size; /* for last; -1 outside subscripts */
    char **strs;        /* values made during evaluation (freed at the end) */
    size_t nstrs, capstrs;
    sqljsonb_node **trees;
    size_t ntrees, captrees;
    size_t steps, items;
    sqlerr *err;
} jctx;

static int jerr(jctx *c, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* RETURN_ERROR: thrown, or quietly an error result */
static int jerr(jctx *c, const char *code, const char *fmt, ...)
{
    if (!c->throw_errors) return R_ERROR;
    char msg[SQLERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sqlerr_set(c->err, code, -1, "%s", msg);
    return R_FATAL;
}

static int joom(jctx *c)
{
    sqlerr_oom(c->err);
    return R_FATAL;
}

/* Keeps s (malloc'd) until the end of the evaluation; NULL on OOM (s freed). */
static const char *keep_str(jctx *c, char *s)
{
    if (!s) return NULL;
    if (c->nstrs == c->capstrs) {
        size_t cap = c->capstrs ? c->capstrs * 2 : 16;
        char **a = realloc(c->strs, cap * sizeof *a);
        if (!a) {
            free(s);
            return NULL;
        }
        c->strs = a;
        c->capstrs = cap;
    }
    c->strs[c->nstrs++] = s;
    return s;
}

static int keep_tree(jctx *c, sqljsonb_node *t)
{
    if (c->ntrees == c->captrees) {
        size_t cap = c->captrees ? c->captrees * 2 : 8;
        sqljsonb_node **a = realloc(c->trees, cap * sizeof *a);
        if (!a) {
            sqljsonb_tree_free(t);
            return joom(c);
        }
        c->trees = a;
        c->captrees = cap;
    }
    c->trees[c->ntrees++] = t;
    return R_OK;
}

static jv jv_of(const sqljsonb_node *n)
{
    jv v;
    memset(&v, 0, sizeof v);
    v.node = n;
    switch (sqljsonb_node_kind(n)) {
    case SQLJSONB_NULL: v.kind = JV_NULL; break;
    case SQLJSONB_TRUE: v.kind = JV_BOOL, v.b = true; break;
    case SQLJSONB_FALSE: v.kind = JV_BOOL; break;
    case SQLJSONB_NUMBER: v.kind = JV_NUMBER, v.s = sqljsonb_node_scalar(n, &v.n); break;
    case SQLJSONB_STRING: v.kind = JV_STRING, v.s = sqljsonb_node_scalar(n, &v.n); break;
    case SQLJSONB_ARRAY: v.kind = JV_ARRAY; break;
    default: v.kind = JV_OBJECT; break;
    }
    return v;
}

static jv jv_number(const char *s)
{
    jv v;
    memset(&v, 0, sizeof v);
    v.kind = JV_NUMBER;
    v.s = s;
    v.n = strlen(s);
    return v;
}

static int list_add(jctx *c, jvlist *l, const jv *v)
{
    if (++c->items > SQLJSONPATH_MAX_ITEMS) {
        sqlerr_set(c->err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1,
                   "jsonpath evaluation produces more than %d items", SQLJSONPATH_MAX_ITEMS);
        return R_FATAL;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        jv *a = realloc(l->v, cap * sizeof *a);
        if (!a) return joom(c);
        l->v = a;
        l->cap = cap;
    }
    l->v[l->n++] = *v;
    return R_OK;
}

static void list_free(jvlist *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int exec_item(jctx *c, const jpi *jsp, const jv *jb, jvlist *found);
static int exec_opt(jctx *c, const jpi *jsp, const jv *jb, jvlist *found, bool unwrap);
static int exec_bool(jctx *c, const jpi *jsp, const jv *jb, bool can_have_next);

/* executeNextItem */
static int exec_next(jctx *c, const jpi *next, const jv *v, jvlist *found)
{
    if (next) return exec_item(c, next, v, found);
    if (found) return list_add(c, found, v);
    return R_OK;
}

/* executeAnyItem: the items of container jbc, at levels first..last below it */
static int exec_any(jctx *c, const jpi *jsp, const sqljsonb_node *jbc, jvlist *found,
                    uint32_t level, uint32_t first, uint32_t last, bool ignore_struct,
                    bool unwrap_next)
{
    int res = R_NOTFOUND;
    if (sqlerr_stack_check(c->err)) return R_FATAL;
    if (level > last) return res;
    size_t cnt = sqljsonb_node_count(jbc);
    for (size_t i = 0; i < cnt; i++) {
        jv v = jv_of(sqljsonb_node_child(jbc, i));
        bool container = v.kind == JV_ARRAY || v.kind == JV_OBJECT;
        if (level >= first || (first == ANY_LAST && last == ANY_LAST && !container)) {
            if (jsp) {
                if (ignore_struct) {
                    bool saved = c->ignore_struct;
                    c->ignore_struct = true;
                    res = exec_opt(c, jsp, &v, found, unwrap_next);
                    c->ignore_struct = saved;
                } else {
                    res = exec_opt(c, jsp, &v, found, unwrap_next);
                }
                if (res >= R_ERROR) break;
                if (res == R_OK && !found) break;
            } else if (found) {
                if (list_add(c, found, &v)) return R_FATAL;
            } else {
                return R_OK;
            }
        }
        if (level < last && container) {
            res = exec_any(c, jsp, v.node, found, level + 1, first, last, ignore_struct, unwrap_next);
            if (res >= R_ERROR) break;
            if (res == R_OK && !found) break;
        }
    }
    return res;
}

/* executeItemUnwrapTargetArray */
static int exec_unwrap_array(jctx *c, const jpi *jsp, const jv *jb, jvlist *found, bool unwrap_elems)
{
    return exec_any(c, jsp, jb->node, found, 1, 1, 1, false, unwrap_elems);
}

/* executeItemOptUnwrapResult: lax mode flattens arrays among the results */
static int exec_unwrap_result(jctx *c, const jpi *jsp, const jv *jb, bool unwrap, jvlist *found)
{
    if (!(unwrap && c->lax)) return exec_item(c, jsp, jb, found);
    jvlist seq = {0};
    int res = exec_item(c, jsp, jb, &seq);
    if (res < R_ERROR) {
        res = R_OK;
        for (size_t i = 0; i < seq.n && res == R_OK; i++) {
            if (seq.v[i].kind == JV_ARRAY) {
                if (exec_unwrap_array(c, NULL, &seq.v[i], found, false) == R_FATAL) res = R_FATAL;
            } else {
                res = list_add(c, found, &seq.v[i]);
            }
        }
    }
    list_free(&seq);
    return res;
}

static int exec_unwrap_result_nothrow(jctx *c, const jpi *jsp, const jv *jb, bool unwrap,
                                      jvlist *found)
{
    bool saved = c->throw_errors;
    c->throw_errors = false;
    int res = exec_unwrap_result(c, jsp, jb, unwrap, found);
    c->throw_errors = saved;
    return res;
}

/* compareItems */
static int compare_items(int op, const jv *a, const jv *b)
{
    int cmp;
    if (a->kind != b->kind) {
        if (a->kind == JV_NULL || b->kind == JV_NULL) return op == JPI_NE ? B_TRUE : B_FALSE;
        return B_UNKNOWN;
    }
    switch (a->kind) {
    case JV_NULL: cmp = 0; break;
    case JV_BOOL: cmp = a->b == b->b ? 0 : a->b ? 1 : -1; break;
    case JV_NUMBER: cmp = num_cmp(a->s, b->s); break;
    case JV_STRING:
        if (op == JPI_EQ) return a->n == b->n && (!a->n || !memcmp(a->s, b->s, a->n)) ? B_TRUE : B_FALSE;
        cmp = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
        if (!cmp && a->n != b->n) cmp = a->n < b->n ? -1 : 1;
        break;
    default: return B_UNKNOWN; /* containers are not comparable */
    }
    bool r;
    switch (op) {
    case JPI_EQ: r = cmp == 0; break;
    case JPI_NE: r = cmp != 0; break;
    case JPI_LT: r = cmp < 0; break;
    case JPI_GT: r = cmp > 0; break;
    case JPI_LE: r = cmp <= 0; break;
    default: r = cmp >= 0; break;
    }
    return r ? B_TRUE : B_FALSE;
}

/* The predicate callbacks: B_FALSE / B_TRUE / B_UNKNOWN, or B_FATAL */
static int pred_eval(jctx *c, const jpi *pred, const jv *l, const jv *r)
{
    switch (pred->type) {
    case JPI_STARTS_WITH:
        if (l->kind != JV_STRING || r->kind != JV_STRING) return B_UNKNOWN;
        return l->n >= r->n && (!r->n || !memcmp(l->s, r->s, r->n)) ? B_TRUE : B_FALSE;
    case JPI_LIKE_REGEX: {
        if (l->kind != JV_STRING) return B_UNKNOWN;
        unsigned rf;
        if (regex_flags(pred->flags, &rf, c->err)) return B_FATAL;
        const sqlregex *re = sqlregex_get(pred->str, pred->len, rf, c->err);
        if (!re) return B_FATAL;
        int m = sqlregex_test(re, l->n ? l->s : "", l->n, c->err);
        if (m < 0) return B_FATAL;
        return m ? B_TRUE : B_FALSE;
    }
    default: return compare_items(pred->type, l, r);
    }
}

/* executePredicate */
static int exec_predicate(jctx *c, const jpi *pred, const jpi *larg, const jpi *rarg,
                          const jv *jb, bool unwrap_right)
{
    jvlist lseq = {0}, rseq = {0};
    int out = B_FALSE;
    bool error = false, found = false;
    int res = exec_unwrap_result_nothrow(c, larg, jb, true, &lseq);
    if (res == R_FATAL) {
        out = B_FATAL;
        goto done;
    }
    if (res == R_ERROR) {
        out = B_UNKNOWN;
        goto done;
    }
    if (rarg) {
        res = exec_unwrap_result_nothrow(c, rarg, jb, unwrap_right, &rseq);
        if (res >= R_ERROR) {
            out = res == R_FATAL ? B_FATAL : B_UNKNOWN;
            goto done;
        }
    }
    for (size_t i = 0; i < lseq.n; i++) {
        size_t rn = rarg ? rseq.n : 1;
        for (size_t k = 0; k < rn; k++) {
            int r = pred_eval(c, pred, &lseq.v[i], rarg ? &rseq.v[k] : NULL);
            if (r == B_FATAL) {
                out = B_FATAL;
                goto done;
            }
            if (r == B_UNKNOWN) {
                if (!c->lax) {
                    out = B_UNKNOWN;
                    goto done;
                }
                error = true;
            } else if (r == B_TRUE) {
                if (c->lax) {
                    out = B_TRUE;
                    goto done;
                }
                found = true;
            }
        }
    }
    out = found ? B_TRUE : error ? B_UNKNOWN : B_FALSE;
done:
    list_free(&lseq);
    list_free(&rseq);
    return out;
}

/* executeBoolItem */
static int exec_bool(jctx *c, const jpi *jsp, const jv *jb, bool can_have_next)
{
    (void)can_have_next;
    if (sqlerr_stack_check(c->err)) return B_FATAL;
    int res, res2;
    switch (jsp->type) {
    case JPI_AND:
        res = exec_bool(c, jsp->arg, jb, false);
        if (res == B_FALSE || res == B_FATAL) return res;
        res2 = exec_bool(c, jsp->arg2, jb, false);
        if (res2 == B_FATAL) return res2;
        return res2 == B_TRUE ? res : res2;
    case JPI_OR:
        res = exec_bool(c, jsp->arg, jb, false);
        if (res == B_TRUE || res == B_FATAL) return res;
        res2 = exec_bool(c, jsp->arg2, jb, false);
        if (res2 == B_FATAL) return res2;
        return res2 == B_FALSE ? res : res2;
    case JPI_NOT:
        res = exec_bool(c, jsp->arg, jb, false);
        if (res == B_UNKNOWN || res == B_FATAL) return res;
        return res == B_TRUE ? B_FALSE : B_TRUE;
    case JPI_IS_UNKNOWN:
        res = exec_bool(c, jsp->arg, jb, false);
        if (res == B_FATAL) return res;
        return res == B_UNKNOWN ? B_TRUE : B_FALSE;
    case JPI_EQ: case JPI_NE: case JPI_LT: case JPI_GT: case JPI_LE: case JPI_GE:
        return exec_predicate(c, jsp, jsp->arg, jsp->arg2, jb, true);
    case JPI_STARTS_WITH:
        return exec_predicate(c, jsp, jsp->arg, jsp->arg2, jb, false);
    case JPI_LIKE_REGEX:
        return exec_predicate(c, jsp, jsp->arg, NULL, jb, false);
    case JPI_EXISTS: {
        jvlist vals = {0};
        int r = exec_unwrap_result_nothrow(c, jsp->arg, jb, false, c->lax ? NULL : &vals);
        size_t n = vals.n;
        list_free(&vals);
        if (r == R_FATAL) return B_FATAL;
        if (r == R_ERROR) return B_UNKNOWN;
        if (!c->lax) return n ? B_TRUE : B_FALSE;
        return r == R_OK ? B_TRUE : B_FALSE;
    }
    default:
        sqlerr_set(c->err, SQLSTATE_INTERNAL_ERROR, -1, "invalid boolean jsonpath item type: %d",
                   jsp->type);
        return B_FATAL;
    }
}

/* executeNestedBoolItem: @ is jb inside */
static int exec_nested_bool(jctx *c, const jpi *jsp, const jv *jb)
{
    jv prev = c->current;
    c->current = *jb;
    int r = exec_bool(c, jsp, jb, false);
    c->current = prev;
    return r;
}

/* getArrayIndex */
static int get_index(jctx *c, const jpi *jsp, const jv *jb, int *index)
{
    jvlist found = {0};
    int res = exec_item(c, jsp, jb, &found);
    if (res >= R_ERROR) {
        list_free(&found);
        return res;
    }
    bool one = found.n == 1 && found.v[0].kind == JV_NUMBER;
    const char *s = one ? found.v[0].s : NULL;
    list_free(&found);
    if (!one)
        return jerr(c, SQLSTATE_INVALID_SQL_JSON_SUBSCRIPT,
                    "jsonpath array subscript is not a single numeric value");
    /* numeric_trunc, then numeric_int4 */
    bool neg = *s == '-';
    if (neg) s++;
    size_t il = strcspn(s, ".");
    long long v = 0;
    for (size_t i = 0; i < il; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > (long long)INT32_MAX + 1) break;
    }
    if (neg) v = -v;
    if (v > INT32_MAX || v < INT32_MIN)
        return jerr(c, SQLSTATE_INVALID_SQL_JSON_SUBSCRIPT,
                    "jsonpath array subscript is out of integer range");
    *index = (int)v;
    return R_OK;
}

/* Numeric result text: canonical through numeric_in (which also refuses out-of-range values). */
static int num_result(jctx *c, char *raw, const char **out)
{
    char *canon = NULL;
    sqlerr e;
    int rc = sqlval_parse_numeric(raw, strlen(raw), &canon, &e);
    free(raw);
    if (rc) {
        if (!strcmp(e.code, SQLSTATE_OUT_OF_MEMORY)) return joom(c);
        return jerr(c, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
    }
    if (!(*out = keep_str(c, canon))) return joom(c);
    return R_OK;
}

static size_t int_digits(const char *s)
{
    if (*s == '-') s++;
    return strcspn(s, ".");
}

/* numeric_add / sub / mul / div / mod */
static int num_arith(jctx *c, int op, const char *a, const char *b, const char **out)
{
    char *r = NULL;
    int rc;
    if ((op == JPI_DIV || op == JPI_MOD) && num_is_zero(b))
        return jerr(c, SQLSTATE_DIVISION_BY_ZERO, "division by zero");
    if (op == JPI_MUL && int_digits(a) + int_digits(b) > 131072 + 1)
        return jerr(c, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
    switch (op) {
    case JPI_ADD: rc = sqlnum_add(a, b, &r); break;
    case JPI_SUB: rc = sqlnum_sub(a, b, &r); break;
    case JPI_MUL: rc = sqlnum_mul(a, b, &r); break;
    case JPI_DIV: rc = sqlnum_div(a, b, sqlfunc_num_div_scale(a, b), &r); break;
    default: rc = sqlnum_mod(a, b, &r); break;
    }
    if (rc == SQLNUM_EDIVZERO) return jerr(c, SQLSTATE_DIVISION_BY_ZERO, "division by zero");
    if (rc) return joom(c);
    return num_result(c, r, out);
}

/* numeric_uminus, numeric_abs, numeric_floor, numeric_ceil */
static int num_unary(jctx *c, int op, const char *s, const char **out)
{
    bool neg = *s == '-';
    const char *mag = neg ? s + 1 : s;
    char *r;
    if (op == JPI_MINUS || op == JPI_ABS) {
        if (num_is_zero(s) || (op == JPI_ABS && !neg)) {
            *out = s;
            return R_OK;
        }
        if (neg) {
            *out = mag; /* a suffix of the same text */
            return R_OK;
        }
        size_t n = strlen(s);
        if (!(r = malloc(n + 2))) return joom(c);
        r[0] = '-';
        memcpy(r + 1, s, n + 1);
        if (!(*out = keep_str(c, r))) return joom(c);
        return R_OK;
    }
    /* floor / ceiling: the integer part, moved away from zero when a fraction is cut off in
       that direction */
    size_t il = strcspn(mag, ".");
    bool frac = mag[il] && strspn(mag + il + 1, "0") != strlen(mag + il + 1);
    char *ip = malloc(il + 2);
    if (!ip) return joom(c);
    ip[0] = '-';
    memcpy(ip + 1, mag, il);
    ip[il + 1] = '\0';
    const char *base = neg ? ip : ip + 1;
    bool away = frac && ((op == JPI_FLOOR && neg) || (op == JPI_CEILING && !neg));
    if (away) {
        int rc = sqlnum_add(base, neg ? "-1" : "1", &r);
        free(ip);
        if (rc) return joom(c);
    } else {
        r = strdup(base);
        free(ip);
        if (!r) return joom(c);
    }
    return num_result(c, r, out);
}

static int exec_binary_arith(jctx *c, const jpi *jsp, const jv *jb, jvlist *found)
{
    jvlist lseq = {0}, rseq = {0};
    const char *res = NULL;
    int r = exec_unwrap_result(c, jsp->arg, jb, true, &lseq);
    if (r < R_ERROR) r = exec_unwrap_result(c, jsp->arg2, jb, true, &rseq);
    if (r >= R_ERROR) goto done;
    if (lseq.n != 1 || lseq.v[0].kind != JV_NUMBER) {
        r = jerr(c, SQLSTATE_SINGLETON_SQL_JSON_ITEM_REQUIRED,
                 "left operand of jsonpath operator %s is not a single numeric value",
                 op_name(jsp->type));
        goto done;
    }
    if (rseq.n != 1 || rseq.v[0].kind != JV_NUMBER) {
        r = jerr(c, SQLSTATE_SINGLETON_SQL_JSON_ITEM_REQUIRED,
                 "right operand of jsonpath operator %s is not a single numeric value",
                 op_name(jsp->type));
        goto done;
    }
    r = num_arith(c, jsp->type, lseq.v[0].s, rseq.v[0].s, &res);
    if (r != R_OK) goto done;
    if (!jsp->next && !found) goto done;
    jv v = jv_number(res);
    r = exec_next(c, jsp->next, &v, found);
done:
    list_free(&lseq);
    list_free(&rseq);
    return r;
}

static int exec_unary_arith(jctx *c, const jpi *jsp, const jv *jb, jvlist *found)
{
    jvlist seq = {0};
    int r = exec_unwrap_result(c, jsp->arg, jb, true, &seq);
    if (r >= R_ERROR) goto done;
    r = R_NOTFOUND;
    for (size_t i = 0; i < seq.n; i++) {
        if (seq.v[i].kind == JV_NUMBER) {
            if (!found && !jsp->next) {
                r = R_OK;
                goto done;
            }
        } else {
            if (!found && !jsp->next) continue;
            r = jerr(c, SQLSTATE_SQL_JSON_NUMBER_NOT_FOUND,
                     "operand of unary jsonpath operator %s is not a numeric value",
                     op_name(jsp->type));
            goto done;
        }
        jv v = seq.v[i];
        if (jsp->type == JPI_MINUS) {
            const char *neg;
            int u = num_unary(c, JPI_MINUS, v.s, &neg);
            if (u != R_OK) {
                r = u;
                goto done;
            }
            v = jv_number(neg);
        }
        int r2 = exec_next(c, jsp->next, &v, found);
        if (r2 >= R_ERROR) {
            r = r2;
            goto done;
        }
        if (r2 == R_OK) {
            r = R_OK;
            if (!found) goto done;
        }
    }
done:
    list_free(&seq);
    return r;
}

static int exec_numeric_method(jctx *c, const jpi *jsp, const jv *jb, bool unwrap, jvlist *found)
{
    if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
    if (jb->kind != JV_NUMBER)
        return jerr(c, SQLSTATE_NON_NUMERIC_SQL_JSON_ITEM,
                    "jsonpath item method .%s() can only be applied to a numeric value",
                    op_name(jsp->type));
    const char *res;
    int r = num_unary(c, jsp->type, jb->s, &res);
    if (r != R_OK) return r;
    if (!jsp->next && !found) return R_OK;
    jv v = jv_number(res);
    return exec_next(c, jsp->next, &v, found);
}

/* float8in: a double, or false when s is not one (or out of range) */
static bool parse_double(const char *s, size_t n, double *out)
{
    char *t = malloc(n + 1);
    if (!t) return false;
    memcpy(t, s, n);
    t[n] = '\0';
    const char *p = t;
    while (*p && (is_blank(*p) || *p == '\v')) p++;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    bool ok = end != p;
    if (ok && errno == ERANGE && (v == 0.0 || isinf(v))) ok = false;
    while (ok && *end && (is_blank(*end) || *end == '\v')) end++;
    if (ok && *end) ok = false;
    free(t);
    *out = v;
    return ok;
}

static int exec_double(jctx *c, const jpi *jsp, const jv *jb, bool unwrap, jvlist *found)
{
    if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
    jv v = *jb;
    double d;
    if (jb->kind == JV_NUMBER) {
        if (!parse_double(jb->s, jb->n, &d))
            return jerr(c, SQLSTATE_NON_NUMERIC_SQL_JSON_ITEM,
                        "numeric argument of jsonpath item method .%s() is out of range for type double precision",
                        op_name(jsp->type));
    } else if (jb->kind == JV_STRING) {
        if (!parse_double(jb->s, jb->n, &d) || isinf(d) || isnan(d))
            return jerr(c, SQLSTATE_NON_NUMERIC_SQL_JSON_ITEM,
                        "string argument of jsonpath item method .%s() is not a valid representation of a double precision number",
                        op_name(jsp->type));
        char buf[64];
        snprintf(buf, sizeof buf, "%.*g", 15, d); /* float8_numeric: DBL_DIG digits */
        char *raw = strdup(buf);
        if (!raw) return joom(c);
        const char *num;
        int r = num_result(c, raw, &num);
        if (r != R_OK) return r;
        v = jv_number(num);
    } else {
        return jerr(c, SQLSTATE_NON_NUMERIC_SQL_JSON_ITEM,
                    "jsonpath item method .%s() can only be applied to a string or numeric value",
                    op_name(jsp->type));
    }
    return exec_next(c, jsp->next, &v, found);
}

/* Where convertJsonbValue puts container target when n is written at buffer offset pos: sets
   *at (relative to the root container) and stops; returns the bytes n takes otherwise. */
static size_t jb_layout(const sqljsonb_node *n, size_t pos, const sqljsonb_node *target, int64_t *at)
{
    size_t len;
    const char *s;
    switch (sqljsonb_node_kind(n)) {
    case SQLJSONB_STRING:
        sqljsonb_node_scalar(n, &len);
        return len;
    case SQLJSONB_NUMBER:
        s = sqljsonb_node_scalar(n, &len);
        return (4 - pos % 4) % 4 + num_storage_size(s);
    case SQLJSONB_ARRAY:
    case SQLJSONB_OBJECT: break;
    default: return 0;
    }
    size_t q = (pos + 3) & ~(size_t)3;
    if (n == target) {
        *at = (int64_t)q;
        return 0;
    }
    if (sqlerr_stack_low()) return 0;
    size_t cnt = sqljsonb_node_count(n);
    bool obj = sqljsonb_node_kind(n) == SQLJSONB_OBJECT;
    size_t p = q + 4 + 4 * (obj ? 2 * cnt : cnt);
    if (obj)
        for (size_t i = 0; i < cnt; i++) {
            sqljsonb_node_key(sqljsonb_node_child(n, i), &len);
            p += len;
        }
    for (size_t i = 0; i < cnt && *at < 0; i++)
        p += jb_layout(sqljsonb_node_child(n, i), p, target, at);
    return p - pos;
}

static int exec_keyvalue(jctx *c, const jpi *jsp, const jv *jb, jvlist *found)
{
    if (jb->kind != JV_OBJECT)
        return jerr(c, SQLSTATE_SQL_JSON_OBJECT_NOT_FOUND,
                    "jsonpath item method .%s() can only be applied to an object",
                    op_name(jsp->type));
    size_t cnt = sqljsonb_node_count(jb->node);
    if (!cnt) return R_NOTFOUND;
    int64_t off = -1;
    if (c->base_tree) jb_layout(c->base_tree, 0, jb->node, &off);
    int64_t id = (off < 0 ? 0 : off) + c->base_id * INT64_C(10000000000);
    int res = R_NOTFOUND;
    for (size_t i = 0; i < cnt; i++) {
        const sqljsonb_node *m = sqljsonb_node_child(jb->node, i);
        size_t klen;
        const char *key = sqljsonb_node_key(m, &klen);
        char *qkey = NULL, *val = NULL;
        if (sqljsonb_quote(key, klen, &qkey, NULL, c->err) ||
            sqljsonb_node_text(m, &val, NULL, c->err)) {
            free(qkey);
            return R_FATAL;
        }
        size_t tl = strlen(qkey) + strlen(val) + 64;
        char *text = malloc(tl);
        if (text) snprintf(text, tl, "{\"id\": %lld, \"key\": %s, \"value\": %s}", (long long)id, qkey, val);
        free(qkey);
        free(val);
        if (!text) return joom(c);
        sqljsonb_node *obj;
        int rc = sqljsonb_tree_parse(text, strlen(text), &obj, c->err);
        free(text);
        if (rc || keep_tree(c, obj)) return R_FATAL;
        jv v = jv_of(obj);
        const sqljsonb_node *saved_tree = c->base_tree;
        int64_t saved_id = c->base_id;
        c->base_tree = obj;
        c->base_id = c->last_generated_id++;
        res = exec_next(c, jsp->next, &v, found);
        c->base_tree = saved_tree;
        c->base_id = saved_id;
        if (res >= R_ERROR) return res;
        if (res == R_OK && !found) break;
    }
    return res;
}

static int exec_index_array(jctx *c, const jpi *jsp, const jv *jb, jvlist *found)
{
    int saved_size = c->innermost_size;
    bool singleton = jb->kind != JV_ARRAY;
    int size = singleton ? 1 : (int)sqljsonb_node_count(jb->node);
    int res = R_NOTFOUND;
    c->innermost_size = size;
    for (size_t i = 0; i < jsp->nsubs; i++) {
        int from, to;
        res = get_index(c, jsp->subs[i].from, jb, &from);
        if (res >= R_ERROR) break;
        if (jsp->subs[i].to) {
            res = get_index(c, jsp->subs[i].to, jb, &to);
            if (res >= R_ERROR) break;
        } else {
            to = from;
        }
        if (!c->ignore_struct && (from < 0 || from > to || to >= size)) {
            res = jerr(c, SQLSTATE_INVALID_SQL_JSON_SUBSCRIPT, "jsonpath array subscript is out of bounds");
            break;
        }
        if (from < 0) from = 0;
        if (to >= size) to = size - 1;
        res = R_NOTFOUND;
        for (int k = from; k <= to; k++) {
            jv v = singleton ? *jb : jv_of(sqljsonb_node_child(jb->node, (size_t)k));
            if (!jsp->next && !found) {
                c->innermost_size = saved_size;
                return R_OK;
            }
            res = exec_next(c, jsp->next, &v, found);
            if (res >= R_ERROR) break;
            if (res == R_OK && !found) break;
        }
        if (res >= R_ERROR) break;
        if (res == R_OK && !found) break;
    }
    c->innermost_size = saved_size;
    return res;
}

/* getJsonPathItem / getJsonPathVariable for literals and $variables */
static int exec_literal(jctx *c, const jpi *jsp, jvlist *found)
{
    if (!jsp->next && !found && jsp->type != JPI_VARIABLE) return R_OK;
    jv v;
    memset(&v, 0, sizeof v);
    const sqljsonb_node *saved_tree = c->base_tree;
    int64_t saved_id = c->base_id;
    switch (jsp->type) {
    case JPI_NULL: v.kind = JV_NULL; break;
    case JPI_BOOL: v.kind = JV_BOOL, v.b = jsp->b; break;
    case JPI_NUMERIC: v = jv_number(jsp->str); break;
    case JPI_STRING: v.kind = JV_STRING, v.s = jsp->str, v.n = jsp->len; break;
    default: /* JPI_VARIABLE */
        if (!c->vars) {
            v.kind = JV_NULL; /* no vars argument at all (@? and @@) */
            break;
        }
        {
            const sqljsonb_node *m = sqljsonb_node_find(c->vars, jsp->str, jsp->len);
            if (!m) {
                sqlerr_set(c->err, SQLSTATE_UNDEFINED_OBJECT, -1,
                           "could not find jsonpath variable \"%.*s\"", (int)jsp->len, jsp->str);
                return R_FATAL;
            }
            v = jv_of(m);
            c->base_tree = c->vars;
            c->base_id = 1;
        }
        break;
    }
    int res = exec_next(c, jsp->next, &v, found);
    c->base_tree = saved_tree;
    c->base_id = saved_id;
    return res;
}

static const char *type_name(int kind)
{
    switch (kind) {
    case JV_NULL: return "null";
    case JV_BOOL: return "boolean";
    case JV_NUMBER: return "number";
    case JV_STRING: return "string";
    case JV_ARRAY: return "array";
    default: return "object";
    }
}

/* executeItemOptUnwrapTarget */
static int exec_opt(jctx *c, const jpi *jsp, const jv *jb, jvlist *found, bool unwrap)
{
    if (sqlerr_stack_check(c->err)) return R_FATAL;
    if (++c->steps > SQLJSONPATH_MAX_STEPS) {
        sqlerr_set(c->err, SQLSTATE_PROGRAM_LIMIT_EXCEEDED, -1,
                   "jsonpath evaluation takes more than %d steps", SQLJSONPATH_MAX_STEPS);
        return R_FATAL;
    }
    int res = R_NOTFOUND;
    switch (jsp->type) {
    case JPI_AND: case JPI_OR: case JPI_NOT: case JPI_IS_UNKNOWN: case JPI_EQ: case JPI_NE:
    case JPI_LT: case JPI_GT: case JPI_LE: case JPI_GE: case JPI_EXISTS: case JPI_STARTS_WITH:
    case JPI_LIKE_REGEX: {
        int st = exec_bool(c, jsp, jb, true);
        if (st == B_FATAL) return R_FATAL;
        if (!jsp->next && !found) return R_OK;
        jv v;
        memset(&v, 0, sizeof v);
        v.kind = st == B_UNKNOWN ? JV_NULL : JV_BOOL;
        v.b = st == B_TRUE;
        return exec_next(c, jsp->next, &v, found);
    }
    case JPI_KEY:
        if (jb->kind == JV_OBJECT) {
            const sqljsonb_node *v = sqljsonb_node_find(jb->node, jsp->str, jsp->len);
            if (v) {
                jv x = jv_of(v);
                return exec_next(c, jsp->next, &x, found);
            }
            if (!c->ignore_struct)
                return jerr(c, SQLSTATE_SQL_JSON_MEMBER_NOT_FOUND,
                            "JSON object does not contain key \"%.*s\"", (int)jsp->len, jsp->str);
        } else if (unwrap && jb->kind == JV_ARRAY) {
            return exec_unwrap_array(c, jsp, jb, found, false);
        } else if (!c->ignore_struct) {
            return jerr(c, SQLSTATE_SQL_JSON_MEMBER_NOT_FOUND,
                        "jsonpath member accessor can only be applied to an object");
        }
        return R_NOTFOUND;
    case JPI_ROOT: {
        const sqljsonb_node *saved_tree = c->base_tree;
        int64_t saved_id = c->base_id;
        c->base_tree = c->doc;
        c->base_id = 0;
        res = exec_next(c, jsp->next, &c->root, found);
        c->base_tree = saved_tree;
        c->base_id = saved_id;
        return res;
    }
    case JPI_CURRENT: {
        jv cur = c->current;
        return exec_next(c, jsp->next, &cur, found);
    }
    case JPI_ANY_ARRAY:
        if (jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp->next, jb, found, c->lax);
        if (c->lax) return exec_next(c, jsp->next, jb, found);
        if (!c->ignore_struct)
            return jerr(c, SQLSTATE_SQL_JSON_ARRAY_NOT_FOUND,
                        "jsonpath wildcard array accessor can only be applied to an array");
        return R_NOTFOUND;
    case JPI_INDEX_ARRAY:
        if (jb->kind == JV_ARRAY || c->lax) return exec_index_array(c, jsp, jb, found);
        if (!c->ignore_struct)
            return jerr(c, SQLSTATE_SQL_JSON_ARRAY_NOT_FOUND,
                        "jsonpath array accessor can only be applied to an array");
        return R_NOTFOUND;
    case JPI_LAST: {
        if (c->innermost_size < 0) {
            sqlerr_set(c->err, SQLSTATE_INTERNAL_ERROR, -1,
                       "evaluating jsonpath LAST outside of array subscript");
            return R_FATAL;
        }
        if (!jsp->next && !found) return R_OK;
        char buf[24];
        snprintf(buf, sizeof buf, "%d", c->innermost_size - 1);
        const char *s = keep_str(c, strdup(buf));
        if (!s) return joom(c);
        jv v = jv_number(s);
        return exec_next(c, jsp->next, &v, found);
    }
    case JPI_ANY_KEY:
        if (jb->kind == JV_OBJECT)
            return exec_any(c, jsp->next, jb->node, found, 1, 1, 1, false, c->lax);
        if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
        if (!c->ignore_struct)
            return jerr(c, SQLSTATE_SQL_JSON_OBJECT_NOT_FOUND,
                        "jsonpath wildcard member accessor can only be applied to an object");
        return R_NOTFOUND;
    case JPI_ADD: case JPI_SUB: case JPI_MUL: case JPI_DIV: case JPI_MOD:
        return exec_binary_arith(c, jsp, jb, found);
    case JPI_PLUS: case JPI_MINUS:
        return exec_unary_arith(c, jsp, jb, found);
    case JPI_FILTER: {
        if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
        int st = exec_nested_bool(c, jsp->arg, jb);
        if (st == B_FATAL) return R_FATAL;
        if (st != B_TRUE) return R_NOTFOUND;
        return exec_next(c, jsp->next, jb, found);
    }
    case JPI_ANY:
        if (jsp->first == 0) {
            bool saved = c->ignore_struct;
            c->ignore_struct = true;
            res = exec_next(c, jsp->next, jb, found);
            c->ignore_struct = saved;
            if (res == R_OK && !found) return res;
            if (res == R_FATAL) return res;
        }
        if (jb->kind == JV_ARRAY || jb->kind == JV_OBJECT)
            res = exec_any(c, jsp->next, jb->node, found, 1, jsp->first, jsp->last, true, c->lax);
        return res;
    case JPI_NULL: case JPI_BOOL: case JPI_NUMERIC: case JPI_STRING: case JPI_VARIABLE:
        return exec_literal(c, jsp, found);
    case JPI_TYPE: {
        const char *s = type_name(jb->kind);
        jv v;
        memset(&v, 0, sizeof v);
        v.kind = JV_STRING;
        v.s = s;
        v.n = strlen(s);
        return exec_next(c, jsp->next, &v, found);
    }
    case JPI_SIZE: {
        size_t size;
        if (jb->kind == JV_ARRAY) {
            size = sqljsonb_node_count(jb->node);
        } else {
            if (!c->lax) {
                if (!c->ignore_struct)
                    return jerr(c, SQLSTATE_SQL_JSON_ARRAY_NOT_FOUND,
                                "jsonpath item method .%s() can only be applied to an array",
                                op_name(jsp->type));
                return R_NOTFOUND;
            }
            size = 1;
        }
        char buf[24];
        snprintf(buf, sizeof buf, "%zu", size);
        const char *s = keep_str(c, strdup(buf));
        if (!s) return joom(c);
        jv v = jv_number(s);
        return exec_next(c, jsp->next, &v, found);
    }
    case JPI_ABS: case JPI_FLOOR: case JPI_CEILING:
        return exec_numeric_method(c, jsp, jb, unwrap, found);
    case JPI_DOUBLE:
        return exec_double(c, jsp, jb, unwrap, found);
    case JPI_DATETIME:
        if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
        if (jb->kind != JV_STRING)
            return jerr(c, SQLSTATE_INVALID_ARGUMENT_FOR_SQL_JSON_DATETIME,
                        "jsonpath item method .%s() can only be applied to a string",
                        op_name(jsp->type));
        sqlerr_set(c->err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1,
                   "jsonpath item method .datetime() is not supported");
        return R_FATAL;
    case JPI_KEYVALUE:
        if (unwrap && jb->kind == JV_ARRAY) return exec_unwrap_array(c, jsp, jb, found, false);
        return exec_keyvalue(c, jsp, jb, found);
    default:
        sqlerr_set(c->err, SQLSTATE_INTERNAL_ERROR, -1, "unrecognized jsonpath item type: %d",
                   jsp->type);
        return R_FATAL;
    }
}

static int exec_item(jctx *c, const jpi *jsp, const jv *jb, jvlist *found)
{
    return exec_opt(c, jsp, jb, found, c->lax);
}

/* ------------------------------------------------------------------ entry points */

typedef struct run {
    jctx c;
    sqljsonb_node *doc, *vars;
} run;

static void run_free(run *r)
{
    for (size_t i = 0; i < r->c.nstrs; i++)
        free(r->c.strs[i]);
    free(r->c.strs);
    for (size_t i = 0; i < r->c.ntrees; i++)
        sqljsonb_tree_free(r->c.trees[i]);
    free(r->c.trees);
    sqljsonb_tree_free(r->doc);
    sqljsonb_tree_free(r->vars);
}

/* executeJsonPath: R_OK / R_NOTFOUND / R_ERROR (quiet) / R_FATAL (err set). result NULL: stop
   at the first item (lax) — the exists case. */
static int run_path(run *r, const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                    size_t varslen, bool throw_errors, jvlist *result, sqlerr *err)
{
    memset(r, 0, sizeof *r);
    jctx *c = &r->c;
    c->err = err;
    if (sqljsonb_tree_parse(doc, doclen, &r->doc, err)) return R_FATAL;
    if (vars && sqljsonb_tree_parse(vars, varslen, &r->vars, err)) return R_FATAL;
    if (r->vars && sqljsonb_node_kind(r->vars) != SQLJSONB_OBJECT) {
        sqlerr_set(err, SQLSTATE_INVALID_PARAMETER_VALUE, -1, "\"vars\" argument is not an object");
        sqlerr_detail(err, "Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.");
        return R_FATAL;
    }
    c->doc = r->doc;
    c->vars = r->vars;
    c->lax = p->lax;
    c->ignore_struct = p->lax;
    c->throw_errors = throw_errors;
    c->root = jv_of(r->doc);
    c->current = c->root;
    c->base_tree = NULL;
    c->base_id = 0;
    c->last_generated_id = vars ? 2 : 1;
    c->innermost_size = -1;
    if (!p->lax && !result) { /* strict: every item must be computed to see every error */
        jvlist vals = {0};
        int res = exec_item(c, p->root, &c->root, &vals);
        size_t n = vals.n;
        list_free(&vals);
        if (res >= R_ERROR) return res;
        return n ? R_OK : R_NOTFOUND;
    }
    return exec_item(c, p->root, &c->root, result);
}

static int jv_text(const jv *v, char **out, sqlerr *err)
{
    if (v->node) return sqljsonb_node_text(v->node, out, NULL, err);
    const char *lit = NULL;
    switch (v->kind) {
    case JV_NULL: lit = "null"; break;
    case JV_BOOL: lit = v->b ? "true" : "false"; break;
    case JV_NUMBER: lit = v->s; break;
    default: return sqljsonb_quote(v->s, v->n, out, NULL, err);
    }
    if (!(*out = strdup(lit))) return sqlerr_oom(err);
    return SQL_OK;
}

void sqljsonpath_items_free(char **items, size_t nitems)
{
    for (size_t i = 0; items && i < nitems; i++)
        free(items[i]);
    free(items);
}

int sqljsonpath_query(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                      size_t varslen, bool silent, char ***items, size_t *nitems, sqlerr *err)
{
    *items = NULL;
    *nitems = 0;
    run r;
    jvlist found = {0};
    int res = run_path(&r, p, doc, doclen, vars, varslen, !silent, &found, err);
    int rc = SQL_OK;
    if (res == R_FATAL) {
        rc = SQL_ERR;
    } else if (found.n) { /* after a quiet error: what was found before it, as PostgreSQL */
        char **out = calloc(found.n, sizeof *out);
        if (!out) rc = sqlerr_oom(err);
        for (size_t i = 0; out && i < found.n && !rc; i++)
            rc = jv_text(&found.v[i], &out[i], err);
        if (rc) {
            sqljsonpath_items_free(out, found.n);
        } else {
            *items = out;
            *nitems = found.n;
        }
    }
    list_free(&found);
    run_free(&r);
    return rc;
}

int sqljsonpath_exists(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                       size_t varslen, bool silent, int *result, sqlerr *err)
{
    run r;
    int res = run_path(&r, p, doc, doclen, vars, varslen, !silent, NULL, err);
    run_free(&r);
    if (res == R_FATAL) return SQL_ERR;
    *result = res == R_ERROR ? -1 : res == R_OK ? 1 : 0;
    return SQL_OK;
}

int sqljsonpath_match(const sqljsonpath *p, const char *doc, size_t doclen, const char *vars,
                      size_t varslen, bool silent, int *result, sqlerr *err)
{
    run r;
    jvlist found = {0};
    int res = run_path(&r, p, doc, doclen, vars, varslen, !silent, &found, err);
    int rc = SQL_OK;
    *result = -1;
    if (res == R_FATAL) {
        rc = SQL_ERR;
    } else if (found.n == 1 && found.v[0].kind == JV_BOOL) {
        *result = found.v[0].b ? 1 : 0;
    } else if (found.n == 1 && found.v[0].kind == JV_NULL) {
        *result = -1;
    } else if (!silent) {
        rc = sqlerr_set(err, SQLSTATE_SINGLETON_SQL_JSON_ITEM_REQUIRED, -1,
                        "single boolean result is expected");
    }
    list_free(&found);
    run_free(&r);
    return rc;
}
