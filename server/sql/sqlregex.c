/* server/sql/sqlregex.c — PostgreSQL's regular expressions on PCRE2 (see sqlregex.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "server/sql/sqlregex.h"

#include "proto/pgtypes.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 16
/* PCRE2 counts calls of its internal match function: 10 million is tens of milliseconds of
 * work, far beyond any sane pattern, well below a stalled executor thread */
#define MATCH_LIMIT 10000000u

struct sqlregex {
    char *pat;
    size_t len;
    unsigned flags;
    pcre2_code *code;
    int groups;
};

typedef struct cache {
    struct sqlregex e[CACHE_SIZE];
    int next; /* the entry the next miss replaces */
    pcre2_match_context *mctx;
    pcre2_match_data *md;
    uint32_t mdpairs;
} cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
    cache *c = p;
    if (!c) return;
    for (int i = 0; i < CACHE_SIZE; i++) {
        free(c->e[i].pat);
        pcre2_code_free(c->e[i].code);
    }
    pcre2_match_context_free(c->mctx);
    pcre2_match_data_free(c->md);
    free(c);
}

static void cache_key_make(void)
{
    (void)pthread_key_create(&cache_key, cache_free);
}

static cache *cache_get(void)
{
    pthread_once(&cache_once, cache_key_make);
    cache *c = pthread_getspecific(cache_key);
    if (c) return c;
    if (!(c = calloc(1, sizeof *c))) return NULL;
    if (!(c->mctx = pcre2_match_context_create(NULL))) {
        free(c);
        return NULL;
    }
    pcre2_set_match_limit(c->mctx, MATCH_LIMIT);
    if (pthread_setspecific(cache_key, c)) {
        cache_free(c);
        return NULL;
    }
    return c;
}

int sqlregex_flags(const char *flags, size_t len, const char *fname, unsigned *out, sqlerr *err)
{
    unsigned f = 0;
    for (size_t i = 0; i < len; i++) {
        switch (flags[i]) {
        case 'g':
            if (fname) {
                sqlerr_set(err, "22023", -1, "%s() does not support the \"global\" option", fname);
                if (!strcmp(fname, "regexp_match"))
                    sqlerr_hint(err, "Use the regexp_matches function instead.");
                return SQL_ERR;
            }
            f |= SQLREGEX_GLOBAL;
            break;
        case 'b': /* BRE / ERE syntax: HeliosDB reads every pattern as ARE */
        case 'e': break;
        case 'c': f &= ~(unsigned)SQLREGEX_ICASE; break;
        case 'i': f |= SQLREGEX_ICASE; break;
        case 'm':
        case 'n': f = (f & ~(unsigned)(SQLREGEX_PARTIAL | SQLREGEX_WEIRD)) | SQLREGEX_NEWLINE; break;
        case 'p': f = (f & ~(unsigned)(SQLREGEX_NEWLINE | SQLREGEX_WEIRD)) | SQLREGEX_PARTIAL; break;
        case 'w': f = (f & ~(unsigned)(SQLREGEX_NEWLINE | SQLREGEX_PARTIAL)) | SQLREGEX_WEIRD; break;
        case 's': f &= ~(unsigned)(SQLREGEX_NEWLINE | SQLREGEX_PARTIAL | SQLREGEX_WEIRD); break;
        case 't': f &= ~(unsigned)SQLREGEX_EXPANDED; break;
        case 'x': f |= SQLREGEX_EXPANDED; break;
        case 'q': f |= SQLREGEX_LITERAL; break;
        default: {
            char ch[8];
            size_t k = 1;
            while (i + k < len && ((unsigned char)flags[i + k] & 0xC0) == 0x80 && k < 4) k++;
            memcpy(ch, flags + i, k);
            ch[k] = 0;
            return sqlerr_set(err, "22023", -1, "invalid regular expression option: \"%s\"", ch);
        }
        }
    }
    *out = f;
    return SQL_OK;
}

/* proto's growable buffer, with a sticky out-of-memory flag so a translation checks once */
typedef struct buf {
    pgtypes_buf b;
    bool oom;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (!b->oom && pgtypes_buf_put(&b->b, s, n)) b->oom = true;
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* ARE's own escapes and word-boundary brackets as PCRE2 writes them; the rest is the same. */
static void are_to_pcre(const char *p, size_t n, buf *b)
{
    bool inclass = false;
    size_t class_at = 0; /* where the class's items start (a ']' there is literal) */
    for (size_t i = 0; i < n;) {
        char c = p[i];
        if (inclass) {
            if (c == '[' && i + 1 < n && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
                /* [:alpha:] [.x.] [=x=] inside a bracket: up to the matching close */
                char k = p[i + 1];
                size_t j = i + 2;
                while (j + 1 < n && !(p[j] == k && p[j + 1] == ']')) j++;
                size_t end = j + 1 < n ? j + 2 : n;
                put(b, p + i, end - i);
                i = end;
                continue;
            }
            if (c == '\\' && i + 1 < n) {
                put(b, p + i, 2);
                i += 2;
                continue;
            }
            if (c == ']' && i != class_at) inclass = false;
            put(b, p + i, 1);
            i++;
            continue;
        }
        if (c == '\\' && i + 1 < n) {
            switch (p[i + 1]) {
            case 'm': puts_(b, "\\b(?=\\w)"); break;
            case 'M': puts_(b, "\\b(?<=\\w)"); break;
            case 'y': puts_(b, "\\b"); break;
            case 'Y': puts_(b, "\\B"); break;
            case 'Z': puts_(b, "\\z"); break;
            default: put(b, p + i, 2); break;
            }
            i += 2;
            continue;
        }
        if (c == '[' && n - i >= 7 && (!memcmp(p + i, "[[:<:]]", 7) || !memcmp(p + i, "[[:>:]]", 7))) {
            puts_(b, p[i + 3] == '<' ? "\\b(?=\\w)" : "\\b(?<=\\w)");
            i += 7;
            continue;
        }
        if (c == '[') {
            inclass = true;
            put(b, p + i, 1);
            i++;
            if (i < n && p[i] == '^') put(b, p + i++, 1);
            class_at = i;
            continue;
        }
        put(b, p + i, 1);
        i++;
    }
}

/* PostgreSQL's words (regerror) for the mistakes both engines see alike */
static const char *pg_message(int ec)
{
    switch (ec) {
    case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
    case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS: return "parentheses () not balanced";
    case PCRE2_ERROR_MISSING_SQUARE_BRACKET: return "brackets [] not balanced";
    case PCRE2_ERROR_QUANTIFIER_INVALID: return "quantifier operand invalid";
    case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER:
    case PCRE2_ERROR_QUANTIFIER_TOO_BIG: return "invalid repetition count(s)";
    case PCRE2_ERROR_BAD_SUBPATTERN_REFERENCE: return "invalid backreference number";
    case PCRE2_ERROR_END_BACKSLASH:
    case PCRE2_ERROR_UNKNOWN_ESCAPE:
    case PCRE2_ERROR_ESCAPE_INVALID_IN_CLASS: return "invalid escape \\ sequence";
    case PCRE2_ERROR_CLASS_RANGE_ORDER: return "invalid character range";
    case PCRE2_ERROR_UNKNOWN_POSIX_CLASS: return "invalid character class";
    default: return NULL;
    }
}

const sqlregex *sqlregex_get(const char *pat, size_t len, unsigned flags, sqlerr *err)
{
    cache *c = cache_get();
    if (!c) {
        sqlerr_oom(err);
        return NULL;
    }
    flags &= ~(unsigned)SQLREGEX_GLOBAL; /* the caller's loop, not the pattern's */
    for (int i = 0; i < CACHE_SIZE; i++) {
        struct sqlregex *e = &c->e[i];
        if (e->code && e->flags == flags && e->len == len && !memcmp(e->pat, pat, len)) return e;
    }
    buf b = {{0}, false};
    if (flags & SQLREGEX_LITERAL) put(&b, pat, len);
    else are_to_pcre(pat, len, &b);
    put(&b, "", 0);
    if (b.oom) {
        pgtypes_buf_free(&b.b);
        sqlerr_oom(err);
        return NULL;
    }
    uint32_t opt = PCRE2_UTF | PCRE2_UCP;
    if (flags & SQLREGEX_ICASE) opt |= PCRE2_CASELESS;
    if (flags & SQLREGEX_EXPANDED) opt |= PCRE2_EXTENDED;
    if (!(flags & (SQLREGEX_NEWLINE | SQLREGEX_PARTIAL))) opt |= PCRE2_DOTALL;
    /* $ only at the very end (PCRE2's default also matches before a final newline); with
     * MULTILINE, $ is the end of every line (PCRE2's DFA matcher misreads the two together) */
    if (flags & (SQLREGEX_NEWLINE | SQLREGEX_WEIRD)) opt |= PCRE2_MULTILINE;
    else opt |= PCRE2_DOLLAR_ENDONLY;
    if (flags & SQLREGEX_LITERAL) /* a literal takes no other options */
        opt = PCRE2_LITERAL | PCRE2_UTF | (flags & SQLREGEX_ICASE ? PCRE2_CASELESS : 0);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)b.b.data, b.b.len, opt, &ec, &eo, NULL);
    pgtypes_buf_free(&b.b);
    if (!code) {
        PCRE2_UCHAR msg[256];
        const char *pg = pg_message(ec);
        if (!pg && pcre2_get_error_message(ec, msg, sizeof msg) < 0) strcpy((char *)msg, "error");
        sqlerr_set(err, "2201B", -1, "invalid regular expression: %s", pg ? pg : (const char *)msg);
        return NULL;
    }
    char *copy = malloc(len ? len : 1);
    if (!copy) {
        pcre2_code_free(code);
        sqlerr_oom(err);
        return NULL;
    }
    memcpy(copy, pat, len);
    struct sqlregex *e = &c->e[c->next];
    c->next = (c->next + 1) % CACHE_SIZE;
    free(e->pat);
    pcre2_code_free(e->code);
    uint32_t groups = 0;
    (void)pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
    *e = (struct sqlregex){copy, len, flags, code, (int)groups};
    return e;
}

int sqlregex_groups(const sqlregex *re)
{
    return re->groups;
}

int sqlregex_exec(const sqlregex *re, const char *s, size_t len, size_t start, size_t *so,
                  size_t *eo, int cap, sqlerr *err)
{
    cache *c = cache_get();
    if (!c) return sqlerr_oom(err);
    uint32_t pairs = (uint32_t)re->groups + 1;
    if (c->mdpairs < pairs) {
        pcre2_match_data_free(c->md);
        c->mdpairs = 0;
        if (!(c->md = pcre2_match_data_create(pairs < 16 ? 16 : pairs, NULL))) return sqlerr_oom(err);
        c->mdpairs = pairs < 16 ? 16 : pairs;
    }
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, 0, c->md, c->mctx);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
        return sqlerr_set(err, "54000", -1, "regular expression is too complex: matching it needs "
                                            "more backtracking than the limit allows");
    if (rc == PCRE2_ERROR_NOMEMORY) return sqlerr_oom(err);
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
        return sqlerr_set(err, "22021", -1, "invalid byte sequence for encoding \"UTF8\"");
    if (rc < 0) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(rc, msg, sizeof msg) < 0) strcpy((char *)msg, "error");
        return sqlerr_set(err, "2201B", -1, "regular expression failed: %s", (const char *)msg);
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
    for (int i = 0; i < cap && i <= re->groups; i++) {
        bool set = i < rc && ov[2 * i] != PCRE2_UNSET;
        so[i] = set ? ov[2 * i] : SIZE_MAX;
        eo[i] = set ? ov[2 * i + 1] : SIZE_MAX;
    }
    return 1;
}

int sqlregex_test(const sqlregex *re, const char *s, size_t len, sqlerr *err)
{
    cache *c = cache_get();
    if (!c) return sqlerr_oom(err);
    if (!c->md) {
        if (!(c->md = pcre2_match_data_create(16, NULL))) return sqlerr_oom(err);
        c->mdpairs = 16;
    }
    /* the DFA matcher never backtracks: whether there is a match, in time polynomial in the
     * subject, for every pattern it supports (not back-references, for one) */
    int ws[512];
    int rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)s, len, 0, 0, c->md, c->mctx, ws,
                             sizeof ws / sizeof ws[0]);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    size_t so[1], eo[1];
    return sqlregex_exec(re, s, len, 0, so, eo, 1, err);
}

int sqlregex_similar(const char *pat, size_t len, const char *esc, size_t esclen, char **out,
                     size_t *outlen, sqlerr *err)
{
    size_t el = 0; /* the escape character's bytes (one UTF-8 character) */
    if (esc && esclen) {
        el = 1;
        while (el < esclen && ((unsigned char)esc[el] & 0xC0) == 0x80) el++;
        if (el != esclen) {
            sqlerr_set(err, "22025", -1, "invalid escape string");
            sqlerr_hint(err, "Escape string must be empty or one character.");
            return SQL_ERR;
        }
    } else if (!esc) {
        esc = "\\";
        el = 1;
    }
    buf b = {{0}, false};
    puts_(&b, "^(?:");
    bool after_escape = false, inclass = false;
    int nquotes = 0, class_pos = 0;
    for (size_t i = 0; i < len;) {
        size_t cl = 1; /* this character's bytes */
        while (i + cl < len && ((unsigned char)pat[i + cl] & 0xC0) == 0x80) cl++;
        const char *ch = pat + i;
        char c = pat[i];
        if (after_escape) {
            if (c == '"' && !inclass) {
                if (nquotes >= 2) {
                    pgtypes_buf_free(&b.b);
                    return sqlerr_set(err, "2201B", -1, "SQL regular expression may not contain more than two escape-double-quote separators");
                }
                puts_(&b, nquotes == 0 ? "){1,1}?(" : "){1,1}(?:");
                nquotes++;
            } else {
                put(&b, "\\", 1);
                put(&b, ch, cl);
            }
            after_escape = false;
        } else if (el && cl == el && !memcmp(ch, esc, el)) {
            after_escape = true;
        } else if (inclass) {
            if (c == '\\') put(&b, "\\", 1);
            put(&b, ch, cl);
            if (c == ']' && class_pos > 2) inclass = false;
            else if (c == '^' && class_pos == 1) class_pos = 2;
            else class_pos = 3;
        } else if (c == '[') {
            put(&b, "[", 1);
            inclass = true;
            class_pos = 1;
        } else if (c == '%') {
            puts_(&b, ".*");
        } else if (c == '_') {
            put(&b, ".", 1);
        } else if (c == '(') {
            puts_(&b, "(?:");
        } else if (c == '\\' || c == '.' || c == '^' || c == '$') {
            put(&b, "\\", 1);
            put(&b, ch, 1);
        } else {
            put(&b, ch, cl);
        }
        i += cl;
    }
    puts_(&b, ")$");
    if (b.oom) {
        pgtypes_buf_free(&b.b);
        return sqlerr_oom(err);
    }
    *out = (char *)b.b.data; /* malloc'd, NUL-terminated: the caller frees it */
    *outlen = b.b.len;
    return SQL_OK;
}
