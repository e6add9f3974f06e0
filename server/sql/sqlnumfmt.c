/* server/sql/sqlnumfmt.c — to_char / to_number number pictures (see sqlnumfmt.h).
 *
 * Entry points: sqlnumfmt_{numeric,float8,float4,int8,int4}_to_char build the number's text
 * (its sign apart, rounded, padded or overflowed to '#') and run the picture over it
 * (to_char_run); sqlnumfmt_to_number runs the picture over the input (to_number_run) and
 * reads the digits it collected as numeric_in would with the picture's precision and scale.
 * The state machines follow PostgreSQL 15's NUM_processor, NUM_numpart_to_char and
 * NUM_numpart_from_char step by step, because their output is the specification. */
#include "server/sql/sqlnumfmt.h"

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pgtypes.h"
#include "proto/sqlstate.h"
#include "server/sql/sqlfunc.h"
#include "server/sql/sqlnum.h"

#define NUMERIC_DSCALE_MAX 16383  /* numeric's largest scale (numeric_round clamps to it) */
#define NUMERIC_DIGITS_MAX 131072 /* integer digits of numeric: (NUMERIC_WEIGHT_MAX + 1) * 4 */
#define PG_FLOAT_PREC_MAX 350     /* PostgreSQL's snprintf prints zeros past this precision */

/* ------------------------------------------------------------------ the picture */

enum key {
    K_COMMA, K_DEC, K_0, K_9, K_B, K_C, K_D, K_E, K_FM, K_G, K_L, K_MI, K_PL, K_PR,
    K_RN, K_rn, K_SG, K_SP, K_S, K_TH, K_th, K_V,
};

/* In PostgreSQL's order: among keywords of the same first character the first match wins
 * (SG and SP before S). */
static const struct {
    const char *name;
    unsigned char len, id;
} keywords[] = {
    {",", 1, K_COMMA}, {".", 1, K_DEC}, {"0", 1, K_0},    {"9", 1, K_9},    {"B", 1, K_B},
    {"C", 1, K_C},     {"D", 1, K_D},   {"EEEE", 4, K_E}, {"FM", 2, K_FM},  {"G", 1, K_G},
    {"L", 1, K_L},     {"MI", 2, K_MI}, {"PL", 2, K_PL},  {"PR", 2, K_PR},  {"RN", 2, K_RN},
    {"SG", 2, K_SG},   {"SP", 2, K_SP}, {"S", 1, K_S},    {"TH", 2, K_TH},  {"V", 1, K_V},
    {"b", 1, K_B},     {"c", 1, K_C},   {"d", 1, K_D},    {"eeee", 4, K_E}, {"fm", 2, K_FM},
    {"g", 1, K_G},     {"l", 1, K_L},   {"mi", 2, K_MI},  {"pl", 2, K_PL},  {"pr", 2, K_PR},
    {"rn", 2, K_rn},   {"sg", 2, K_SG}, {"sp", 2, K_SP},  {"s", 1, K_S},    {"th", 2, K_th},
    {"v", 1, K_V},
};

enum {
    F_DECIMAL = 1 << 0,
    F_LDECIMAL = 1 << 1,
    F_ZERO = 1 << 2,
    F_BLANK = 1 << 3,
    F_FILLMODE = 1 << 4,
    F_LSIGN = 1 << 5,
    F_BRACKET = 1 << 6,
    F_MINUS = 1 << 7,
    F_PLUS = 1 << 8,
    F_ROMAN = 1 << 9,
    F_MULTI = 1 << 10,
    F_EEEE = 1 << 11,
};

enum { LSIGN_PRE = -1, LSIGN_NONE = 0, LSIGN_POST = 1 };

/* What the picture says about the number (PostgreSQL's NUMDesc). */
typedef struct desc {
    int pre, post;     /* digit positions before / after the decimal point */
    int lsign;         /* LSIGN_*: where S is */
    int flag;          /* F_* */
    int pre_lsign_num; /* pre when S was seen */
    int multi;         /* digits after V */
    int zero_start;    /* 1-based position of the first 0 before the point (0: none) */
    int zero_end;      /* pre + post at the last 0 */
} desc;

typedef struct node {
    bool key;        /* a keyword (id) or a character copied (ch, chlen bytes) */
    unsigned char id;
    int chlen;
    const char *ch;
} node;

/* Bytes in the UTF-8 character starting with c (pg_utf_mblen). */
static int utf8_len(unsigned char c)
{
    if ((c & 0x80) == 0) return 1;
    if ((c & 0xe0) == 0xc0) return 2;
    if ((c & 0xf0) == 0xe0) return 3;
    if ((c & 0xf8) == 0xf0) return 4;
    return 1;
}

static int syntax(sqlerr *err, const char *msg)
{
    return sqlerr_set(err, SQLSTATE_SYNTAX_ERROR, -1, "%s", msg);
}

/* NUMDesc_prepare: one keyword's effect on d, or the error PostgreSQL raises for it. */
static int desc_add(desc *d, int id, sqlerr *err)
{
    if ((d->flag & F_EEEE) && id != K_E) return syntax(err, "\"EEEE\" must be the last pattern used");
    switch (id) {
    case K_9:
        if (d->flag & F_BRACKET) return syntax(err, "\"9\" must be ahead of \"PR\"");
        if (d->flag & F_MULTI) d->multi++;
        else if (d->flag & F_DECIMAL) d->post++;
        else d->pre++;
        break;
    case K_0:
        if (d->flag & F_BRACKET) return syntax(err, "\"0\" must be ahead of \"PR\"");
        if (!(d->flag & (F_ZERO | F_DECIMAL))) {
            d->flag |= F_ZERO;
            d->zero_start = d->pre + 1;
        }
        if (!(d->flag & F_DECIMAL)) d->pre++;
        else d->post++;
        d->zero_end = d->pre + d->post;
        break;
    case K_B:
        if (d->pre == 0 && d->post == 0 && !(d->flag & F_ZERO)) d->flag |= F_BLANK;
        break;
    case K_D:
    case K_DEC:
        if (id == K_D) d->flag |= F_LDECIMAL;
        if (d->flag & F_DECIMAL) return syntax(err, "multiple decimal points");
        if (d->flag & F_MULTI) return syntax(err, "cannot use \"V\" and decimal point together");
        d->flag |= F_DECIMAL;
        break;
    case K_FM: d->flag |= F_FILLMODE; break;
    case K_S:
        if (d->flag & F_LSIGN) return syntax(err, "cannot use \"S\" twice");
        if (d->flag & (F_PLUS | F_MINUS | F_BRACKET))
            return syntax(err, "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together");
        if (!(d->flag & F_DECIMAL)) {
            d->lsign = LSIGN_PRE;
            d->pre_lsign_num = d->pre;
            d->flag |= F_LSIGN;
        } else if (d->lsign == LSIGN_NONE) {
            d->lsign = LSIGN_POST;
            d->flag |= F_LSIGN;
        }
        break;
    case K_MI:
        if (d->flag & F_LSIGN) return syntax(err, "cannot use \"S\" and \"MI\" together");
        d->flag |= F_MINUS;
        break;
    case K_PL:
        if (d->flag & F_LSIGN) return syntax(err, "cannot use \"S\" and \"PL\" together");
        d->flag |= F_PLUS;
        break;
    case K_SG:
        if (d->flag & F_LSIGN) return syntax(err, "cannot use \"S\" and \"SG\" together");
        d->flag |= F_MINUS | F_PLUS;
        break;
    case K_PR:
        if (d->flag & (F_LSIGN | F_PLUS | F_MINUS))
            return syntax(err, "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together");
        d->flag |= F_BRACKET;
        break;
    case K_RN:
    case K_rn: d->flag |= F_ROMAN; break;
    case K_V:
        if (d->flag & F_DECIMAL) return syntax(err, "cannot use \"V\" and decimal point together");
        d->flag |= F_MULTI;
        break;
    case K_E:
        if (d->flag & F_EEEE) return syntax(err, "cannot use \"EEEE\" twice");
        if (d->flag & (F_BLANK | F_FILLMODE | F_LSIGN | F_BRACKET | F_MINUS | F_PLUS | F_ROMAN | F_MULTI)) {
            syntax(err, "\"EEEE\" is incompatible with other formats");
            sqlerr_detail(err, "\"EEEE\" may only be used together with digit and decimal point patterns.");
            return SQL_ERR;
        }
        d->flag |= F_EEEE;
        break;
    default: break; /* C, SP, G, L, TH: nothing to note */
    }
    return SQL_OK;
}

/* parse_format: fmt (len bytes) into *nodes (malloc'd, *nn of them) and *d. */
static int parse(const char *fmt, size_t len, node **nodes, size_t *nn, desc *d, sqlerr *err)
{
    memset(d, 0, sizeof *d);
    node *v = malloc((len + 1) * sizeof *v); /* at most one node per byte */
    if (!v) return sqlerr_oom(err);
    size_t n = 0, i = 0;
    while (i < len) {
        int k = -1;
        for (size_t j = 0; j < sizeof keywords / sizeof keywords[0]; j++)
            if (keywords[j].name[0] == fmt[i] && len - i >= keywords[j].len &&
                !memcmp(fmt + i, keywords[j].name, keywords[j].len)) {
                k = (int)j;
                break;
            }
        if (k >= 0) {
            v[n++] = (node){.key = true, .id = keywords[k].id};
            i += keywords[k].len;
            if (desc_add(d, keywords[k].id, err)) {
                free(v);
                return SQL_ERR;
            }
            continue;
        }
        if (fmt[i] == '"') { /* every character up to the closing quote, \ quoting the next */
            for (i++; i < len; ) {
                if (fmt[i] == '"') {
                    i++;
                    break;
                }
                if (fmt[i] == '\\' && i + 1 < len) i++;
                int cl = utf8_len((unsigned char)fmt[i]);
                if ((size_t)cl > len - i) cl = (int)(len - i);
                v[n++] = (node){.key = false, .ch = fmt + i, .chlen = cl};
                i += (size_t)cl;
            }
            continue;
        }
        if (fmt[i] == '\\' && i + 1 < len && fmt[i + 1] == '"') i++; /* \" outside quotes */
        int cl = utf8_len((unsigned char)fmt[i]);
        if ((size_t)cl > len - i) cl = (int)(len - i);
        v[n++] = (node){.key = false, .ch = fmt + i, .chlen = cl};
        i += (size_t)cl;
    }
    *nodes = v;
    *nn = n;
    return SQL_OK;
}

/* ------------------------------------------------------------------ to_char */

/* The picture run over the number's text (NUMProc, to_char side). */
typedef struct tochar {
    desc *d;
    const char *number; /* digits and '.', or '#'s, or the Roman numeral, or EEEE's text */
    size_t np;          /* current position in number */
    long last_relevant; /* index of the last fraction digit FM keeps (-1: none) */
    int sign;           /* '+', '-' (0 for RN) */
    bool sign_wrote, num_in;
    int num_count, num_curr, out_pre_spaces;
    pgtypes_buf o; /* the output: a NUL byte may be written, PostgreSQL's output ends there */
    bool oom;
} tochar;

static void put(tochar *p, const char *s, size_t n)
{
    if (!p->oom && pgtypes_buf_put(&p->o, s, n)) p->oom = true;
}

static void putc_(tochar *p, char c)
{
    put(p, &c, 1);
}

static void puts_(tochar *p, const char *s)
{
    put(p, s, strlen(s));
}

#define IS(p, f) (((p)->d->flag & (f)) != 0)

/* "0.1" printed with 9.9 as "  .1": the leading zero of a fraction is a blank */
static bool predec_space(const tochar *p)
{
    return !IS(p, F_ZERO) && p->np == 0 && p->number[0] == '0' && p->d->post != 0;
}

static bool relevant_is_point(const tochar *p)
{
    return p->last_relevant >= 0 && p->number[p->last_relevant] == '.';
}

/* NUM_numpart_to_char: a digit position (9, 0) or the decimal point (., D). */
static void digit_pos(tochar *p, int id)
{
    if (IS(p, F_ROMAN)) return;
    desc *d = p->d;
    p->num_in = false;
    if (!p->sign_wrote &&
        (p->num_curr >= p->out_pre_spaces || (IS(p, F_ZERO) && d->zero_start == p->num_curr)) &&
        (!predec_space(p) || relevant_is_point(p))) {
        if (IS(p, F_LSIGN)) {
            if (d->lsign == LSIGN_PRE) {
                putc_(p, p->sign == '-' ? '-' : '+');
                p->sign_wrote = true;
            }
        } else if (IS(p, F_BRACKET)) {
            putc_(p, p->sign == '+' ? ' ' : '<');
            p->sign_wrote = true;
        } else if (p->sign == '+') {
            if (!IS(p, F_FILLMODE)) putc_(p, ' ');
            p->sign_wrote = true;
        } else if (p->sign == '-') {
            putc_(p, '-');
            p->sign_wrote = true;
        }
    }
    if (p->num_curr < p->out_pre_spaces && (d->zero_start > p->num_curr || !IS(p, F_ZERO))) {
        if (!IS(p, F_FILLMODE)) putc_(p, ' ');
    } else if (IS(p, F_ZERO) && p->num_curr < p->out_pre_spaces && d->zero_start <= p->num_curr) {
        putc_(p, '0');
        p->num_in = true;
    } else {
        char c = p->number[p->np];
        if (c == '.') {
            if (!relevant_is_point(p) || IS(p, F_FILLMODE)) putc_(p, '.');
        } else if (p->last_relevant >= 0 && (long)p->np > p->last_relevant && id != K_0) {
            /* FM: a trailing zero of the fraction */
        } else if (predec_space(p)) {
            if (!IS(p, F_FILLMODE)) putc_(p, ' ');
            else if (relevant_is_point(p)) putc_(p, '0');
        } else {
            putc_(p, c); /* past the end of number this is the NUL that ends the output */
            p->num_in = true;
        }
        if (c) p->np++;
    }
    int end = p->num_count + (p->out_pre_spaces ? 1 : 0) + (IS(p, F_DECIMAL) ? 1 : 0);
    if (p->last_relevant >= 0 && (long)p->np == p->last_relevant) end = p->num_curr;
    if (p->num_curr + 1 == end) {
        if (p->sign_wrote && IS(p, F_BRACKET)) putc_(p, p->sign == '+' ? ' ' : '>');
        else if (IS(p, F_LSIGN) && d->lsign == LSIGN_POST) putc_(p, p->sign == '-' ? '-' : '+');
    }
    p->num_curr++;
}

/* ST / ND / RD / TH for the number's last digit (get_th). */
static int ordinal(const char *num, bool upper, const char **suf, sqlerr *err)
{
    size_t len = strlen(num);
    char last = len ? num[len - 1] : 0;
    if (!isdigit((unsigned char)last))
        return sqlerr_set(err, SQLSTATE_INVALID_TEXT_REPRESENTATION, -1, "\"%s\" is not a number", num);
    if (len > 1 && num[len - 2] == '1') last = 0; /* 11th, 12th, 13th */
    static const char *const up[] = {"ST", "ND", "RD", "TH"}, *const lo[] = {"st", "nd", "rd", "th"};
    int i = last == '1' ? 0 : last == '2' ? 1 : last == '3' ? 2 : 3;
    *suf = upper ? up[i] : lo[i];
    return SQL_OK;
}

/* NUM_processor, to_char side: the picture over number (sign and padding decided by the
 * caller) into *out. */
static int to_char_run(const node *nodes, size_t nn, desc *d, const char *number, int out_pre_spaces,
                       int sign, char **out, sqlerr *err)
{
    if (d->zero_start) d->zero_start--;
    if (d->flag & F_EEEE) return (*out = strdup(number)) ? SQL_OK : sqlerr_oom(err);
    tochar p = {.d = d, .number = number, .last_relevant = -1};
    pgtypes_buf_init(&p.o);
    if (d->flag & F_ROMAN) {
        d->lsign = d->pre_lsign_num = d->post = d->pre = 0;
        out_pre_spaces = sign = 0;
        d->flag = (d->flag & F_FILLMODE) | F_ROMAN;
    }
    p.sign = sign;
    if (d->flag & (F_PLUS | F_MINUS)) {
        p.sign_wrote = !((d->flag & F_PLUS) && !(d->flag & F_MINUS)); /* PL alone: the digits' sign too */
    } else {
        if (sign != '-' && (d->flag & F_FILLMODE)) d->flag &= ~F_BRACKET;
        p.sign_wrote = sign == '+' && (d->flag & F_FILLMODE) && !(d->flag & F_LSIGN);
        if (d->lsign == LSIGN_PRE && d->pre == d->pre_lsign_num) d->lsign = LSIGN_POST;
    }
    p.num_count = d->post + d->pre - 1;
    p.out_pre_spaces = out_pre_spaces;
    if ((d->flag & F_FILLMODE) && (d->flag & F_DECIMAL)) {
        const char *dot = strchr(number, '.');
        if (dot) { /* the last non-zero fraction digit, or the point */
            p.last_relevant = dot - number;
            for (const char *q = dot + 1; *q; q++)
                if (*q != '0') p.last_relevant = q - number;
            if (d->zero_end > out_pre_spaces) { /* 0 positions keep their digits */
                long last_zero = (long)strlen(number) - 1;
                if (last_zero > d->zero_end - out_pre_spaces) last_zero = d->zero_end - out_pre_spaces;
                if (p.last_relevant < last_zero) p.last_relevant = last_zero;
            }
        }
    }
    if (!p.sign_wrote && p.out_pre_spaces == 0) p.num_count++;

    int rc = SQL_OK;
    bool fm = (d->flag & F_FILLMODE) != 0;
    for (size_t i = 0; i < nn && !rc; i++) {
        const node *n = &nodes[i];
        if (!n->key) {
            put(&p, n->ch, (size_t)n->chlen);
            continue;
        }
        const char *suf = "";
        switch (n->id) {
        case K_9:
        case K_0:
        case K_DEC:
        case K_D: digit_pos(&p, n->id); break;
        case K_COMMA:
        case K_G:
            if (p.num_in) putc_(&p, ',');
            else if (!fm) putc_(&p, ' ');
            break;
        case K_L: putc_(&p, ' '); break; /* the C locale's currency symbol */
        case K_RN:
        case K_rn: {
            char r[32];
            snprintf(r, sizeof r, fm ? "%s" : "%15s", number);
            if (n->id == K_rn)
                for (char *q = r; *q; q++) *q = (char)tolower((unsigned char)*q);
            puts_(&p, r);
            break;
        }
        case K_TH:
        case K_th:
            if ((d->flag & (F_ROMAN | F_DECIMAL)) || number[0] == '#' || p.sign == '-') break;
            if (!(rc = ordinal(number, n->id == K_TH, &suf, err))) puts_(&p, suf);
            break;
        case K_MI:
            if (p.sign == '-') putc_(&p, '-');
            else if (!fm) putc_(&p, ' ');
            break;
        case K_PL:
            if (p.sign == '+') putc_(&p, '+');
            else if (!fm) putc_(&p, ' ');
            break;
        case K_SG: putc_(&p, (char)p.sign); break; /* RN's sign is 0: the output ends */
        default: break;                              /* S, PR, V, B, C, SP, FM */
        }
    }
    *out = rc || p.oom ? NULL : strdup(p.o.data ? (const char *)p.o.data : "");
    pgtypes_buf_free(&p.o);
    if (rc) return rc;
    return *out ? SQL_OK : sqlerr_oom(err);
}

/* Parsed picture and the to_char entry's common start: an empty picture prints "". */
typedef struct picture {
    node *nodes;
    size_t nn;
    desc d;
} picture;

/* 1: *out is "" already; 0: parsed; SQL_ERR. */
static int picture_open(const char *fmt, picture *pic, char **out, sqlerr *err)
{
    size_t len = strlen(fmt);
    if (len == 0 || len >= ((size_t)INT_MAX - 4) / 8) /* NUM_TOCHAR_prepare */
        return (*out = strdup("")) ? 1 : sqlerr_oom(err);
    return parse(fmt, len, &pic->nodes, &pic->nn, &pic->d, err);
}

static char *xprintf(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

/* PostgreSQL's snprintf for "%.*f" / "%+.*e": NaN and [-]Infinity spelled out, precision
 * beyond 350 printed as zeros (before the exponent for 'e'). */
static char *pg_float(double v, int prec, bool sci)
{
    if (isnan(v)) return strdup("NaN");
    if (isinf(v)) return strdup(v < 0 ? "-Infinity" : sci ? "+Infinity" : "Infinity");
    if (prec < 0) prec = 0;
    int p = prec > PG_FLOAT_PREC_MAX ? PG_FLOAT_PREC_MAX : prec;
    char *s = sci ? xprintf("%+.*e", p, v) : xprintf("%.*f", p, v);
    if (!s || p == prec) return s;
    size_t zeros = (size_t)(prec - p), len = strlen(s);
    char *r = malloc(len + zeros + 1);
    if (!r) {
        free(s);
        return NULL;
    }
    size_t at = sci ? (size_t)(strchr(s, 'e') - s) : len;
    memcpy(r, s, at);
    memset(r + at, '0', zeros);
    memcpy(r + at + zeros, s + at, len - at + 1);
    free(s);
    return r;
}

/* int_to_roman: 1..3999, else fifteen '#'. */
static void roman(int v, char out[16])
{
    static const char *const r1[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    static const char *const r10[] = {"X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
    static const char *const r100[] = {"C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"};
    out[0] = 0;
    if (v < 1 || v > 3999) {
        memset(out, '#', 15);
        out[15] = 0;
        return;
    }
    for (int i = 0; i < v / 1000; i++) strcat(out, "M");
    if (v / 100 % 10) strcat(out, r100[v / 100 % 10 - 1]);
    if (v / 10 % 10) strcat(out, r10[v / 10 % 10 - 1]);
    if (v % 10) strcat(out, r1[v % 10 - 1]);
}

/* Digits (and point) of an unsigned number's text against the picture: pads (*spaces) or,
 * with more integer digits than pre, replaces it with '#'s around the point. *num may be
 * replaced (the old one freed). */
static int fit(char **num, desc *d, int *spaces)
{
    const char *dot = strchr(*num, '.');
    size_t il = dot ? (size_t)(dot - *num) : strlen(*num);
    *spaces = 0;
    if (il < (size_t)d->pre) {
        *spaces = d->pre - (int)il;
    } else if (il > (size_t)d->pre) {
        size_t n = (size_t)d->pre + (size_t)d->post + 1;
        char *h = malloc(n + 1);
        if (!h) return -1;
        memset(h, '#', n);
        h[n] = 0;
        h[d->pre] = '.';
        free(*num);
        *num = h;
    }
    return 0;
}

/* Runs the picture over text that may start with '-' (sign '-', else '+'), fitted to it. */
static int finish_signed(picture *pic, char *txt, char **out, sqlerr *err)
{
    int sign = '+', spaces = 0;
    char *num = txt;
    if (txt[0] == '-') {
        sign = '-';
        num = strdup(txt + 1);
        free(txt);
        if (!num) return sqlerr_oom(err);
    }
    if (fit(&num, &pic->d, &spaces)) {
        free(num);
        return sqlerr_oom(err);
    }
    int rc = to_char_run(pic->nodes, pic->nn, &pic->d, num, spaces, sign, out, err);
    free(num);
    return rc;
}

/* "#.###..." for EEEE of NaN or infinity: a blank, pre + post + 5 '#', the point after pre. */
static char *eeee_special(const desc *d)
{
    size_t n = (size_t)d->pre + (size_t)d->post + 6;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memset(s, '#', n);
    s[n] = 0;
    s[0] = ' ';
    s[d->pre + 1] = '.';
    return s;
}

/* The Roman numeral picture run for v. */
static int finish_roman(picture *pic, int v, char **out, sqlerr *err)
{
    char r[16];
    roman(v, r);
    return to_char_run(pic->nodes, pic->nn, &pic->d, r, 0, 0, out, err);
}

/* ---- numeric text helpers ---- */

static bool num_special(const char *s)
{
    return !strcmp(s, "NaN") || !strcmp(s, "Infinity") || !strcmp(s, "-Infinity");
}

/* s * 10^k (k may be negative) as numeric text, exact. */
static char *num_shift(const char *s, long k)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    const char *dot = strchr(s, '.');
    size_t il = dot ? (size_t)(dot - s) : strlen(s), fl = dot ? strlen(dot + 1) : 0, nd = il + fl;
    char *dig = malloc(nd + 1);
    if (!dig) return NULL;
    memcpy(dig, s, il);
    if (fl) memcpy(dig + il, dot + 1, fl);
    dig[nd] = 0;
    long point = (long)il + k; /* digits before the point after the shift */
    size_t zl = point < 0 ? (size_t)-point : 0, zr = point > (long)nd ? (size_t)(point - (long)nd) : 0;
    char *r = malloc(nd + zl + zr + 4);
    if (!r) {
        free(dig);
        return NULL;
    }
    size_t o = 0;
    if (neg) r[o++] = '-';
    if (point <= 0) {
        r[o++] = '0';
        r[o++] = '.';
        memset(r + o, '0', zl);
        o += zl;
        memcpy(r + o, dig, nd);
        o += nd;
    } else if ((size_t)point >= nd) {
        memcpy(r + o, dig, nd);
        o += nd;
        memset(r + o, '0', zr);
        o += zr;
    } else {
        memcpy(r + o, dig, (size_t)point);
        o += (size_t)point;
        r[o++] = '.';
        memcpy(r + o, dig + point, nd - (size_t)point);
        o += nd - (size_t)point;
    }
    r[o] = 0;
    free(dig);
    return r;
}

/* Exponent of the leading digit (x = d.ddd * 10^e); false for zero. */
static bool num_exp10(const char *s, long *e)
{
    if (*s == '-' || *s == '+') s++;
    const char *dot = strchr(s, '.');
    size_t il = dot ? (size_t)(dot - s) : strlen(s);
    for (size_t i = 0; i < il; i++)
        if (s[i] != '0') {
            *e = (long)(il - i) - 1;
            return true;
        }
    if (dot)
        for (size_t i = 1; dot[i]; i++)
            if (dot[i] != '0') {
                *e = -(long)i;
                return true;
            }
    return false;
}

/* numeric_out_sci: the significand rounded to post decimals, half away from zero, then
 * e+NN; the exponent is the value's, even when rounding carries (9.999 -> "10.00e+00"). */
static char *num_sci(const char *s, int post)
{
    long e = 0;
    char *sig = NULL;
    if (!num_exp10(s, &e)) {
        if (sqlfunc_numeric_round("0", post, &sig)) return NULL;
    } else {
        char *t = num_shift(s, -e);
        if (!t) return NULL;
        int rc = sqlfunc_numeric_round(t, post, &sig);
        free(t);
        if (rc) return NULL;
    }
    char *r = xprintf("%se%+03ld", sig, e);
    free(sig);
    return r;
}

/* A blank in place of the sign of a positive EEEE text (numeric_out_sci prints none). */
static char *blank_sign(char *s)
{
    if (!s || s[0] == '-') return s;
    if (s[0] == '+') {
        s[0] = ' ';
        return s;
    }
    char *r = xprintf(" %s", s);
    free(s);
    return r;
}

/* ---- the entry points ---- */

int sqlnumfmt_numeric_to_char(const char *num, const char *fmt, char **out, sqlerr *err)
{
    picture pic;
    int rc = picture_open(fmt, &pic, out, err);
    if (rc) return rc > 0 ? SQL_OK : rc;
    desc *d = &pic.d;
    char *txt = NULL;
    if (d->flag & F_ROMAN) {
        if (!strcmp(num, "NaN")) {
            rc = sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1, "cannot convert NaN to integer");
        } else if (num_special(num)) {
            rc = sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1, "cannot convert infinity to integer");
        } else if (sqlfunc_numeric_round(num, 0, &txt)) {
            rc = sqlerr_oom(err);
        } else {
            const char *digits = txt + (txt[0] == '-');
            long long v = strlen(digits) <= 12 ? strtoll(txt, NULL, 10) : LLONG_MAX;
            if (v < INT32_MIN || v > INT32_MAX)
                rc = sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "integer out of range");
            else rc = finish_roman(&pic, (int)v, out, err);
            free(txt);
        }
    } else if (d->flag & F_EEEE) {
        txt = num_special(num) ? eeee_special(d) : blank_sign(num_sci(num, d->post));
        rc = txt ? to_char_run(pic.nodes, pic.nn, d, txt, 0, 0, out, err) : sqlerr_oom(err);
        free(txt);
    } else {
        char *val = NULL;
        long e = 0;
        if ((d->flag & F_MULTI) && (d->multi >= NUMERIC_DIGITS_MAX ||
                                    (!num_special(num) && num_exp10(num, &e) && e + d->multi >= NUMERIC_DIGITS_MAX))) {
            /* 10^multi, or the product, past numeric's largest weight */
            free(pic.nodes);
            return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "value overflows numeric format");
        }
        if (num_special(num)) {
            val = strdup(num);
        } else {
            char *shifted = (d->flag & F_MULTI) ? num_shift(num, d->multi) : strdup(num);
            int post = d->post > NUMERIC_DSCALE_MAX ? NUMERIC_DSCALE_MAX : d->post;
            if (shifted && sqlfunc_numeric_round(shifted, post, &val)) val = NULL;
            free(shifted);
        }
        if (d->flag & F_MULTI) d->pre += d->multi;
        rc = val ? finish_signed(&pic, val, out, err) : sqlerr_oom(err);
    }
    free(pic.nodes);
    return rc;
}

/* The float path of float8_to_char / float4_to_char; digs is DBL_DIG or FLT_DIG. */
static int float_to_char(double v, bool is4, const char *fmt, char **out, sqlerr *err)
{
    picture pic;
    int rc = picture_open(fmt, &pic, out, err);
    if (rc) return rc > 0 ? SQL_OK : rc;
    desc *d = &pic.d;
    if (d->flag & F_ROMAN) {
        double r = rint(v); /* (int) of a value out of range is INT_MIN on x86-64 */
        rc = finish_roman(&pic, r >= INT32_MIN && r <= INT32_MAX ? (int)r : INT32_MIN, out, err);
    } else if (d->flag & F_EEEE) {
        char *txt = isnan(v) || isinf(v) ? eeee_special(d) : blank_sign(pg_float(v, d->post, true));
        rc = txt ? to_char_run(pic.nodes, pic.nn, d, txt, 0, 0, out, err) : sqlerr_oom(err);
        free(txt);
    } else {
        double val = v;
        if (d->flag & F_MULTI) {
            if (is4) val = (float)((float)v * (float)pow(10.0, d->multi));
            else val = v * pow(10.0, d->multi);
            d->pre += d->multi;
        }
        int digs = is4 ? FLT_DIG : DBL_DIG;
        char *whole = pg_float(fabs(val), 0, false);
        char *txt = NULL;
        if (whole) {
            int il = (int)strlen(whole);
            if (il >= digs) d->post = 0;
            else if (il + d->post > digs) d->post = digs - il;
            txt = pg_float(val, d->post, false);
            free(whole);
        }
        rc = txt ? finish_signed(&pic, txt, out, err) : sqlerr_oom(err);
    }
    free(pic.nodes);
    return rc;
}

int sqlnumfmt_float8_to_char(double v, const char *fmt, char **out, sqlerr *err)
{
    return float_to_char(v, false, fmt, out, err);
}

int sqlnumfmt_float4_to_char(float v, const char *fmt, char **out, sqlerr *err)
{
    return float_to_char(v, true, fmt, out, err);
}

/* int4out / int8out text followed by post zeros after a point. */
static char *int_text(int64_t v, int post)
{
    char *s = xprintf("%lld", (long long)v);
    if (!s || post <= 0) return s;
    size_t len = strlen(s);
    char *r = realloc(s, len + (size_t)post + 2);
    if (!r) {
        free(s);
        return NULL;
    }
    r[len] = '.';
    memset(r + len + 1, '0', (size_t)post);
    r[len + 1 + (size_t)post] = 0;
    return r;
}

static int bigint_range(sqlerr *err)
{
    return sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "bigint out of range");
}

int sqlnumfmt_int8_to_char(int64_t v, const char *fmt, char **out, sqlerr *err)
{
    picture pic;
    int rc = picture_open(fmt, &pic, out, err);
    if (rc) return rc > 0 ? SQL_OK : rc;
    desc *d = &pic.d;
    if (d->flag & F_ROMAN) {
        if (v < INT32_MIN || v > INT32_MAX)
            rc = sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "integer out of range");
        else rc = finish_roman(&pic, (int)v, out, err);
    } else if (d->flag & F_EEEE) { /* through numeric, which keeps every digit */
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)v);
        char *txt = blank_sign(num_sci(num, d->post));
        rc = txt ? to_char_run(pic.nodes, pic.nn, d, txt, 0, 0, out, err) : sqlerr_oom(err);
        free(txt);
    } else {
        if (d->flag & F_MULTI) {
            int64_t m = 1; /* dtoi8(pow(10, multi)) then int8mul, both range-checked */
            for (int i = 0; i < d->multi && !rc; i++)
                if (i >= 18) rc = bigint_range(err);
                else m *= 10;
            if (!rc && __builtin_mul_overflow(v, m, &v)) rc = bigint_range(err);
            d->pre += d->multi;
        }
        if (!rc) {
            char *txt = int_text(v, d->post);
            rc = txt ? finish_signed(&pic, txt, out, err) : sqlerr_oom(err);
        }
    }
    free(pic.nodes);
    return rc;
}

int sqlnumfmt_int4_to_char(int32_t v, const char *fmt, char **out, sqlerr *err)
{
    picture pic;
    int rc = picture_open(fmt, &pic, out, err);
    if (rc) return rc > 0 ? SQL_OK : rc;
    desc *d = &pic.d;
    if (d->flag & F_ROMAN) {
        rc = finish_roman(&pic, v, out, err);
    } else if (d->flag & F_EEEE) {
        char *txt = blank_sign(pg_float((double)v, d->post, true));
        rc = txt ? to_char_run(pic.nodes, pic.nn, d, txt, 0, 0, out, err) : sqlerr_oom(err);
        free(txt);
    } else {
        if (d->flag & F_MULTI) {
            /* value * (int32) pow(10, multi): the cast gives INT_MIN past 10^9 on x86-64 and
             * the product wraps (PostgreSQL builds with -fwrapv) */
            uint32_t m = 1;
            if (d->multi > 9) m = 0x80000000u;
            else
                for (int i = 0; i < d->multi; i++) m *= 10;
            v = (int32_t)((uint32_t)v * m);
            d->pre += d->multi;
        }
        char *txt = int_text(v, d->post);
        rc = txt ? finish_signed(&pic, txt, out, err) : sqlerr_oom(err);
    }
    free(pic.nodes);
    return rc;
}

/* ------------------------------------------------------------------ to_number */

/* The picture run over the input (NUMProc, to_number side): collects a sign and digits. */
typedef struct fromchar {
    desc *d;
    const char *in;
    size_t len, p;   /* input and the position in it (may pass len) */
    char *number;    /* [0] the sign (' ', '-', '+'), then digits and '.' */
    size_t np;
    bool read_dec;
    int read_post, read_pre;
} fromchar;

#define OVERLOAD(f) ((f)->p >= (f)->len)
#define AMOUNT(f, s) ((f)->p + (s) <= (f)->len)

static char at(const fromchar *f, size_t i)
{
    return i < f->len ? f->in[i] : 0;
}

/* NUM_numpart_from_char: a digit position or the decimal point reads a digit, the point, and
 * a sign before the first digit or after the last. */
static void numpart_from_char(fromchar *f, int id)
{
    desc *d = f->d;
    bool isread = false;
    if (OVERLOAD(f)) return;
    if (at(f, f->p) == ' ') f->p++;
    if (OVERLOAD(f)) return;
    if (f->number[0] == ' ' && (id == K_0 || id == K_9) && f->read_pre + f->read_post == 0) {
        char c = at(f, f->p);
        if ((d->flag & F_LSIGN) && d->lsign == LSIGN_PRE) {
            if (AMOUNT(f, 1) && (c == '-' || c == '+')) {
                f->p++;
                f->number[0] = c;
            }
        } else if (c == '-' || ((d->flag & F_BRACKET) && c == '<')) {
            f->number[0] = '-';
            f->p++;
        } else if (c == '+') {
            f->number[0] = '+';
            f->p++;
        }
    }
    if (OVERLOAD(f)) return;
    char c = at(f, f->p);
    if (isdigit((unsigned char)c)) {
        if (f->read_dec && f->read_post == d->post) return;
        f->number[f->np++] = c;
        if (f->read_dec) f->read_post++;
        else f->read_pre++;
        isread = true;
    } else if ((d->flag & F_DECIMAL) && !f->read_dec) {
        if (AMOUNT(f, 1) && c == '.') {
            f->number[f->np++] = '.';
            f->read_dec = true;
            isread = true;
        }
    }
    if (OVERLOAD(f)) return;
    if (f->number[0] == ' ' && f->read_pre + f->read_post > 0) {
        if ((d->flag & F_LSIGN) && isread && f->p + 1 < f->len && !isdigit((unsigned char)at(f, f->p + 1))) {
            size_t keep = f->p++; /* S after the last digit: a sign right behind it */
            char s = at(f, f->p);
            if (AMOUNT(f, 1) && (s == '-' || s == '+')) f->number[0] = s;
            else f->p = keep;
        } else if (!isread && !(d->flag & F_LSIGN) && (d->flag & (F_PLUS | F_MINUS))) {
            char s = at(f, f->p);
            if (s == '-' || s == '+') f->number[0] = s; /* the caller steps over it */
        }
    }
}

/* NUM_eat_non_data_chars: skips up to n characters that cannot be part of the number. */
static void eat_non_data(fromchar *f, int n)
{
    while (n-- > 0) {
        if (OVERLOAD(f)) break;
        if (strchr("0123456789.,+-", at(f, f->p))) break;
        f->p += (size_t)utf8_len((unsigned char)at(f, f->p));
    }
}

static void to_number_run(const node *nodes, size_t nn, fromchar *f)
{
    desc *d = f->d;
    bool fm = (d->flag & F_FILLMODE) != 0;
    f->number[0] = ' ';
    f->np = 1;
    for (size_t i = 0; i < nn; i++) {
        const node *n = &nodes[i];
        if (OVERLOAD(f)) break;
        if (!n->key) { /* one input character per picture character, whatever it is */
            f->p += (size_t)utf8_len((unsigned char)at(f, f->p));
            continue;
        }
        char c = at(f, f->p);
        switch (n->id) {
        case K_9:
        case K_0:
        case K_DEC:
        case K_D: numpart_from_char(f, n->id); break;
        case K_COMMA:
        case K_G: /* never "inside the number" when reading: FM skips the separator */
            if (fm || c != ',') continue;
            break;
        case K_L: eat_non_data(f, 1); continue;
        case K_TH:
        case K_th:
            if ((d->flag & F_DECIMAL) || f->number[0] == '#') continue;
            eat_non_data(f, 2);
            continue;
        case K_MI:
            if (c != '-') {
                eat_non_data(f, 1);
                continue;
            }
            f->number[0] = '-';
            break;
        case K_PL:
            if (c != '+') {
                eat_non_data(f, 1);
                continue;
            }
            f->number[0] = '+';
            break;
        case K_SG:
            if (c != '-' && c != '+') {
                eat_non_data(f, 1);
                continue;
            }
            f->number[0] = c;
            break;
        default: continue;
        }
        f->p++;
    }
    if (f->number[f->np - 1] == '.') f->np--;
    f->number[f->np] = 0;
}

/* Number of integer digits of canonical numeric text (0 for |x| < 1). */
static size_t int_digits(const char *s)
{
    if (*s == '-') s++;
    size_t n = strcspn(s, ".");
    return n == 1 && s[0] == '0' ? 0 : n;
}

int sqlnumfmt_to_number(const char *in, const char *fmt, char **out, sqlerr *err)
{
    *out = NULL;
    size_t fl = strlen(fmt);
    if (fl == 0 || fl >= (size_t)INT_MAX / 8) return SQL_OK; /* NULL */
    picture pic;
    if (parse(fmt, fl, &pic.nodes, &pic.nn, &pic.d, err)) return SQL_ERR;
    desc *d = &pic.d;
    int rc = SQL_OK;
    char *num = NULL, *val = NULL;
    if (d->flag & F_EEEE) {
        rc = sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1, "\"EEEE\" not supported for input");
        goto done;
    }
    if (d->flag & F_ROMAN) {
        rc = sqlerr_set(err, SQLSTATE_FEATURE_NOT_SUPPORTED, -1, "\"RN\" not supported for input");
        goto done;
    }
    if (!(num = malloc(pic.nn + 3))) { /* the sign and at most one character per node */
        rc = sqlerr_oom(err);
        goto done;
    }
    fromchar f = {.d = d, .in = in, .len = strlen(in), .number = num};
    to_number_run(pic.nodes, pic.nn, &f);

    /* numeric_in(number, typmod (precision, scale)) */
    const char *digits = num + 1;
    if (!strpbrk(digits, "0123456789")) {
        rc = sqlerr_set(err, SQLSTATE_INVALID_TEXT_REPRESENTATION, -1,
                        "invalid input syntax for type numeric: \"%s\"", num);
        goto done;
    }
    int scale = f.read_post;
    long long precision = (long long)d->pre + d->multi + scale;
    /* the typmod as PostgreSQL computes it in 32 bits: (precision << 16 | scale) + 4 */
    int32_t typmod = (int32_t)((((uint32_t)precision << 16) | (uint32_t)scale) + 4u);
    bool checked = typmod >= 4;
    int tprec = checked ? (int)(((uint32_t)(typmod - 4) >> 16) & 0xffff) : 0;
    int tscale = checked ? ((((typmod - 4) & 0x7ff) ^ 1024) - 1024) : scale;
    {
        size_t nl = strlen(digits);
        char *lit = malloc(nl + 3);
        if (!lit) {
            rc = sqlerr_oom(err);
            goto done;
        }
        size_t o = 0;
        if (num[0] == '-') lit[o++] = '-';
        if (digits[0] == '.') lit[o++] = '0';
        memcpy(lit + o, digits, nl + 1);
        int r = sqlfunc_numeric_round(lit, tscale, &val);
        free(lit);
        if (r) {
            rc = sqlerr_oom(err);
            goto done;
        }
    }
    if (checked) {
        int maxdigits = tprec - tscale;
        if ((long long)int_digits(val) > maxdigits) {
            sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "numeric field overflow");
            sqlerr_detail(err, "A field with precision %d, scale %d must round to an absolute value less than %s%d.",
                          tprec, tscale, maxdigits ? "10^" : "", maxdigits ? maxdigits : 1);
            rc = SQL_ERR;
            goto done;
        }
    }
    const char *dot = strchr(val, '.');
    if ((dot && strlen(dot + 1) > NUMERIC_DSCALE_MAX) || int_digits(val) > NUMERIC_DIGITS_MAX) {
        rc = sqlerr_set(err, SQLSTATE_NUMERIC_VALUE_OUT_OF_RANGE, -1, "value overflows numeric format");
        goto done;
    }
    if (d->flag & F_MULTI) { /* times power(10::numeric, -multi), whose scale is 16 */
        char p10[20] = "0.0000000000000000";
        if (d->multi == 0) p10[0] = '1';
        else if (d->multi <= 16) p10[1 + d->multi] = '1';
        char *m = NULL;
        if (sqlnum_mul(val, p10, &m)) {
            rc = sqlerr_oom(err);
            goto done;
        }
        free(val);
        val = m;
    }
    *out = val;
    val = NULL;
done:
    free(val);
    free(num);
    free(pic.nodes);
    return rc;
}
