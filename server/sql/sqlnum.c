/* server/sql/sqlnum.c — exact decimal arithmetic (see sqlnum.h). A magnitude is a digit array,
 * most significant first, without leading zeros ("0" has one digit). */
#include "server/sql/sqlnum.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct dec {
    bool neg;
    char *d; /* '0'..'9', NUL-terminated, no leading zeros */
    size_t n;
    int scale;
} dec;

static void dec_free(dec *x)
{
    free(x->d);
    x->d = NULL;
}

/* Strips leading zeros in place (keeps one digit). */
static void trim(dec *x)
{
    size_t z = 0;
    while (z + 1 < x->n && x->d[z] == '0') z++;
    if (z) {
        memmove(x->d, x->d + z, x->n - z + 1);
        x->n -= z;
    }
    if (x->n == 1 && x->d[0] == '0') x->neg = false;
}

static int parse(const char *s, dec *x)
{
    memset(x, 0, sizeof *x);
    if (*s == '-' || *s == '+') x->neg = *s++ == '-';
    size_t len = strlen(s);
    if (!(x->d = malloc(len + 2))) return SQLNUM_ENOMEM;
    const char *dot = NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && !dot) {
            dot = p;
        } else if (*p >= '0' && *p <= '9') {
            x->d[x->n++] = *p;
        } else {
            dec_free(x);
            return SQLNUM_ESYNTAX;
        }
    }
    if (!x->n) x->d[x->n++] = '0';
    x->d[x->n] = 0;
    x->scale = dot ? (int)strlen(dot + 1) : 0;
    trim(x);
    return 0;
}

/* Appends k zeros: M * 10^k. */
static int shift(dec *x, int k)
{
    if (k <= 0) return 0;
    char *nd = realloc(x->d, x->n + (size_t)k + 1);
    if (!nd) return SQLNUM_ENOMEM;
    x->d = nd;
    memset(x->d + x->n, '0', (size_t)k);
    x->n += (size_t)k;
    x->d[x->n] = 0;
    trim(x);
    return 0;
}

static int mag_cmp(const dec *a, const dec *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    int c = memcmp(a->d, b->d, a->n);
    return c < 0 ? -1 : c > 0;
}

/* r = |a| + |b| */
static int mag_add(const dec *a, const dec *b, dec *r)
{
    size_t n = (a->n > b->n ? a->n : b->n) + 1;
    memset(r, 0, sizeof *r);
    if (!(r->d = malloc(n + 1))) return SQLNUM_ENOMEM;
    int carry = 0;
    for (size_t i = 0; i < n; i++) {
        int s = carry;
        if (i < a->n) s += a->d[a->n - 1 - i] - '0';
        if (i < b->n) s += b->d[b->n - 1 - i] - '0';
        r->d[n - 1 - i] = (char)('0' + s % 10);
        carry = s / 10;
    }
    r->n = n;
    r->d[n] = 0;
    trim(r);
    return 0;
}

/* r = |a| - |b|, |a| >= |b| */
static int mag_sub(const dec *a, const dec *b, dec *r)
{
    memset(r, 0, sizeof *r);
    if (!(r->d = malloc(a->n + 1))) return SQLNUM_ENOMEM;
    int borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        int s = a->d[a->n - 1 - i] - '0' - borrow;
        if (i < b->n) s -= b->d[b->n - 1 - i] - '0';
        borrow = s < 0;
        if (s < 0) s += 10;
        r->d[a->n - 1 - i] = (char)('0' + s);
    }
    r->n = a->n;
    r->d[r->n] = 0;
    trim(r);
    return 0;
}

/* Signed a + b at equal scales. */
static int signed_add(const dec *a, const dec *b, dec *r)
{
    int rc;
    if (a->neg == b->neg) {
        rc = mag_add(a, b, r);
        r->neg = a->neg;
    } else if (mag_cmp(a, b) >= 0) {
        rc = mag_sub(a, b, r);
        r->neg = a->neg;
    } else {
        rc = mag_sub(b, a, r);
        r->neg = b->neg;
    }
    if (!rc) {
        r->scale = a->scale;
        trim(r);
    }
    return rc;
}

static int mag_mul(const dec *a, const dec *b, dec *r)
{
    size_t n = a->n + b->n;
    memset(r, 0, sizeof *r);
    unsigned *acc = calloc(n, sizeof *acc);
    if (!acc || !(r->d = malloc(n + 1))) {
        free(acc);
        return SQLNUM_ENOMEM;
    }
    for (size_t i = 0; i < a->n; i++) {
        unsigned da = (unsigned)(a->d[a->n - 1 - i] - '0');
        if (!da) continue;
        unsigned carry = 0;
        for (size_t j = 0; j < b->n; j++) {
            unsigned v = acc[i + j] + da * (unsigned)(b->d[b->n - 1 - j] - '0') + carry;
            acc[i + j] = v % 10;
            carry = v / 10;
        }
        for (size_t k = i + b->n; carry; k++) {
            unsigned v = acc[k] + carry;
            acc[k] = v % 10;
            carry = v / 10;
        }
    }
    for (size_t i = 0; i < n; i++) r->d[n - 1 - i] = (char)('0' + acc[i]);
    free(acc);
    r->n = n;
    r->d[n] = 0;
    trim(r);
    return 0;
}

/* q = |a| / |b| truncated, rem = |a| mod |b|; |b| != 0. Long division. */
static int mag_divmod(const dec *a, const dec *b, dec *q, dec *rem)
{
    memset(q, 0, sizeof *q);
    memset(rem, 0, sizeof *rem);
    if (!(q->d = malloc(a->n + 1)) || !(rem->d = malloc(b->n + 2))) {
        dec_free(q);
        return SQLNUM_ENOMEM;
    }
    rem->d[0] = '0';
    rem->n = 1;
    rem->d[1] = 0;
    for (size_t i = 0; i < a->n; i++) {
        /* rem = rem * 10 + digit (rem < b, so it has at most b->n + 1 digits) */
        if (rem->n == 1 && rem->d[0] == '0') {
            rem->d[0] = a->d[i];
        } else {
            rem->d[rem->n++] = a->d[i];
            rem->d[rem->n] = 0;
        }
        int digit = 0;
        while (mag_cmp(rem, b) >= 0) {
            dec t;
            if (mag_sub(rem, b, &t)) {
                dec_free(q);
                dec_free(rem);
                return SQLNUM_ENOMEM;
            }
            memcpy(rem->d, t.d, t.n + 1);
            rem->n = t.n;
            dec_free(&t);
            digit++;
        }
        q->d[i] = (char)('0' + digit);
    }
    q->n = a->n;
    q->d[q->n] = 0;
    trim(q);
    trim(rem);
    return 0;
}

/* PostgreSQL's text for sign * M / 10^scale. */
static int format(const dec *x, char **out)
{
    size_t n = x->n, sc = (size_t)x->scale;
    size_t intd = n > sc ? n - sc : 1;
    char *s = malloc(intd + sc + 3);
    if (!s) return SQLNUM_ENOMEM;
    size_t o = 0;
    bool zero = n == 1 && x->d[0] == '0';
    if (x->neg && !zero) s[o++] = '-';
    if (n > sc) {
        memcpy(s + o, x->d, n - sc);
        o += n - sc;
    } else {
        s[o++] = '0';
    }
    if (sc) {
        s[o++] = '.';
        for (size_t i = n; i < sc; i++) s[o++] = '0';
        size_t from = n > sc ? n - sc : 0;
        memcpy(s + o, x->d + from, n - from);
        o += n - from;
    }
    s[o] = 0;
    *out = s;
    return 0;
}

/* Parses both operands; with `divisor`, a zero b is SQLNUM_EDIVZERO (nothing left to free). */
static int parse2(const char *a, const char *b, bool divisor, dec *x, dec *y)
{
    int rc = parse(a, x);
    if (rc) return rc;
    if ((rc = parse(b, y))) {
        dec_free(x);
        return rc;
    }
    if (divisor && y->n == 1 && y->d[0] == '0') {
        dec_free(x);
        dec_free(y);
        return SQLNUM_EDIVZERO;
    }
    return 0;
}

/* Brings x and y to their larger scale (M * 10^k); returns 0 or SQLNUM_ENOMEM. */
static int align(dec *x, dec *y)
{
    int s = x->scale > y->scale ? x->scale : y->scale;
    int rc = shift(x, s - x->scale);
    if (!rc) rc = shift(y, s - y->scale);
    x->scale = y->scale = s;
    return rc;
}

/* Formats r with the given sign and scale into *out, and frees r. */
static int emit(dec *r, bool neg, int scale, char **out)
{
    r->neg = neg;
    r->scale = scale;
    trim(r);
    int rc = format(r, out);
    dec_free(r);
    return rc;
}

static int add_sub(const char *a, const char *b, bool sub, char **out)
{
    dec x, y, r;
    int rc = parse2(a, b, false, &x, &y);
    if (rc) return rc;
    if (sub) y.neg = !y.neg;
    if (!(rc = align(&x, &y)) && !(rc = signed_add(&x, &y, &r))) rc = emit(&r, r.neg, r.scale, out);
    dec_free(&x);
    dec_free(&y);
    return rc;
}

int sqlnum_add(const char *a, const char *b, char **out)
{
    return add_sub(a, b, false, out);
}

int sqlnum_sub(const char *a, const char *b, char **out)
{
    return add_sub(a, b, true, out);
}

int sqlnum_mul(const char *a, const char *b, char **out)
{
    dec x, y, r;
    int rc = parse2(a, b, false, &x, &y);
    if (rc) return rc;
    if (!(rc = mag_mul(&x, &y, &r))) rc = emit(&r, x.neg != y.neg, x.scale + y.scale, out);
    dec_free(&x);
    dec_free(&y);
    return rc;
}

int sqlnum_div(const char *a, const char *b, int rscale, char **out)
{
    dec x, y, q, rem;
    int rc = parse2(a, b, true, &x, &y);
    if (rc) return rc;
    /* q10 = trunc(Mx * 10^(rscale + 1 + sy - sx) / My): one digit more, then round */
    int e = rscale + 1 + y.scale - x.scale;
    if ((rc = shift(e >= 0 ? &x : &y, e >= 0 ? e : -e))) goto done;
    if ((rc = mag_divmod(&x, &y, &q, &rem))) goto done;
    dec_free(&rem);
    /* round half away from zero on the extra digit */
    bool up = q.d[q.n - 1] >= '5';
    if (q.n > 1) {
        q.d[--q.n] = 0;
    } else {
        q.d[0] = '0';
    }
    if (up) {
        dec one = {false, (char[]){'1', 0}, 1, 0}, t;
        if ((rc = mag_add(&q, &one, &t))) {
            dec_free(&q);
            goto done;
        }
        dec_free(&q);
        q = t;
    }
    rc = emit(&q, x.neg != y.neg, rscale, out);
done:
    dec_free(&x);
    dec_free(&y);
    return rc;
}

int sqlnum_mod(const char *a, const char *b, char **out)
{
    dec x, y, q, rem;
    int rc = parse2(a, b, true, &x, &y);
    if (rc) return rc;
    if ((rc = align(&x, &y)) || (rc = mag_divmod(&x, &y, &q, &rem))) goto done;
    dec_free(&q);
    rc = emit(&rem, x.neg, x.scale, out);
done:
    dec_free(&x);
    dec_free(&y);
    return rc;
}

