/* server/sql/sqlenum.c — see sqlenum.h. */
#include "server/sql/sqlenum.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K_TYPE "etype."
#define K_LABEL "elabel."

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t sqlenum_type_key(uint8_t *out, const char *name)
{
    size_t n = strlen(name);
    if (n > SQLENUM_LABEL_MAX) n = SQLENUM_LABEL_MAX;
    memcpy(out, K_TYPE, 6);
    memcpy(out + 6, name, n);
    return 6 + n;
}

size_t sqlenum_type_key_nsp(uint8_t *out, uint32_t nsp, const char *name)
{
    if (nsp == 2200) return sqlenum_type_key(out, name);
    size_t n = strlen(name);
    if (n > SQLENUM_LABEL_MAX) n = SQLENUM_LABEL_MAX;
    memcpy(out, K_TYPE, 6);
    out[6] = 0x1e;
    out[7] = (uint8_t)(nsp >> 24), out[8] = (uint8_t)(nsp >> 16);
    out[9] = (uint8_t)(nsp >> 8), out[10] = (uint8_t)nsp;
    memcpy(out + 11, name, n);
    return 11 + n;
}

int sqlenum_type_key_parse(const uint8_t *k, size_t kl, uint32_t *nsp, char *name)
{
    if (sqlenum_key_kind(k, kl) != 'E') return -1;
    size_t at = 6;
    *nsp = 2200;
    if (k[6] == 0x1e) {
        *nsp = get32(k + 7);
        at = 11;
    }
    memcpy(name, k + at, kl - at);
    name[kl - at] = 0;
    return 0;
}

size_t sqlenum_label_key(uint8_t *out, uint32_t type_oid, const char *label)
{
    size_t n = strlen(label);
    if (n > SQLENUM_LABEL_MAX) n = SQLENUM_LABEL_MAX;
    memcpy(out, K_LABEL, 7);
    out[7] = (uint8_t)(type_oid >> 24), out[8] = (uint8_t)(type_oid >> 16);
    out[9] = (uint8_t)(type_oid >> 8), out[10] = (uint8_t)type_oid;
    memcpy(out + 11, label, n);
    return 11 + n;
}

int sqlenum_key_kind(const uint8_t *k, size_t kl)
{
    if (kl > 6 && !memcmp(k, K_TYPE, 6) &&
        (k[6] == 0x1e ? kl > 11 && kl <= 11 + SQLENUM_LABEL_MAX && get32(k + 7) && get32(k + 7) != 2200
                      : kl <= 6 + SQLENUM_LABEL_MAX))
        return 'E';
    /* a label may be empty, as in PostgreSQL (CREATE TYPE e AS ENUM ('')) */
    if (kl >= 11 && kl <= 11 + SQLENUM_LABEL_MAX && !memcmp(k, K_LABEL, 7) && get32(k + 7)) return 'L';
    return 0;
}

int sqlenum_label_key_parse(const uint8_t *k, size_t kl, uint32_t *type_oid, char *label)
{
    if (sqlenum_key_kind(k, kl) != 'L') return -1;
    *type_oid = get32(k + 7);
    memcpy(label, k + 11, kl - 11);
    label[kl - 11] = 0;
    return 0;
}

int sqlenum_type_encode(codec_buf *b, uint64_t gen, bool live, uint32_t oid, uint32_t owner)
{
    codec_put_u8(b, 'E');
    codec_put_u64(b, gen);
    codec_put_u8(b, live ? 1 : 0);
    codec_put_u32(b, oid);
    codec_put_u32(b, owner);
    return b->err ? -1 : 0;
}

int sqlenum_type_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *live, uint32_t *oid,
                        uint32_t *owner)
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0, l = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u8(&r, &l);
    codec_get_u32(&r, oid);
    codec_get_u32(&r, owner);
    if (r.err || tag != 'E' || l > 1 || !*oid || codec_rd_left(&r)) return -1;
    *live = l == 1;
    return 0;
}

int sqlenum_label_encode(codec_buf *b, uint64_t gen, bool present, double sort)
{
    uint64_t bits;
    memcpy(&bits, &sort, sizeof bits);
    codec_put_u8(b, 'L');
    codec_put_u64(b, gen);
    codec_put_u8(b, present ? 1 : 0);
    codec_put_u64(b, bits);
    return b->err ? -1 : 0;
}

int sqlenum_label_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *present, double *sort)
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0, p = 0;
    uint64_t bits = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u8(&r, &p);
    codec_get_u64(&r, &bits);
    if (r.err || tag != 'L' || p > 1 || codec_rd_left(&r)) return -1;
    memcpy(sort, &bits, sizeof *sort);
    if (*sort != *sort || *sort > 1e300 || *sort < -1e300) return -1; /* NaN, infinities */
    *present = p == 1;
    return 0;
}

/* ---- registry ---- */

typedef struct rlabel {
    char name[SQLENUM_LABEL_MAX + 1];
    double sort;
} rlabel;

typedef struct rtype {
    uint32_t oid;
    char *name; /* set once, never freed: sqlenum_name_of hands it out */
    rlabel *labels; /* by name */
    int n, cap;
} rtype;

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static rtype *types; /* by oid */
static int ntypes, captypes;

static int find_type(uint32_t oid)
{
    int lo = 0, hi = ntypes;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (types[mid].oid < oid) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int find_label(const rtype *t, const char *label, bool *found)
{
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(t->labels[mid].name, label);
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < t->n && !strcmp(t->labels[lo].name, label);
    return lo;
}

int sqlenum_register(uint32_t oid, const char *type_name, const char *label, double sort)
{
    int rc = -1;
    pthread_mutex_lock(&reg_mu);
    int i = find_type(oid);
    if (i == ntypes || types[i].oid != oid) {
        if (ntypes >= SQLENUM_MAX_TYPES) goto out;
        if (ntypes == captypes) {
            int nc = captypes ? captypes * 2 : 16;
            rtype *nt = realloc(types, (size_t)nc * sizeof *nt);
            if (!nt) goto out;
            types = nt;
            captypes = nc;
        }
        memmove(&types[i + 1], &types[i], (size_t)(ntypes - i) * sizeof *types);
        memset(&types[i], 0, sizeof types[i]);
        types[i].oid = oid;
        ntypes++;
    }
    rtype *t = &types[i];
    if (type_name && *type_name && !t->name && !(t->name = strdup(type_name))) goto out;
    if (label) {
        bool found;
        int j = find_label(t, label, &found);
        if (found) {
            t->labels[j].sort = sort; /* the committed order replaces a provisional one */
        } else {
            if (t->n >= SQLENUM_MAX_LABELS) goto out;
            if (t->n == t->cap) {
                int nc = t->cap ? t->cap * 2 : 8;
                rlabel *nl = realloc(t->labels, (size_t)nc * sizeof *nl);
                if (!nl) goto out;
                t->labels = nl;
                t->cap = nc;
            }
            memmove(&t->labels[j + 1], &t->labels[j], (size_t)(t->n - j) * sizeof *t->labels);
            snprintf(t->labels[j].name, sizeof t->labels[j].name, "%s", label);
            t->labels[j].sort = sort;
            t->n++;
        }
    }
    rc = 0;
out:
    pthread_mutex_unlock(&reg_mu);
    return rc;
}

int sqlenum_sort(uint32_t oid, const char *label, double *sort)
{
    int found = 0;
    pthread_mutex_lock(&reg_mu);
    int i = find_type(oid);
    if (i < ntypes && types[i].oid == oid) {
        bool f;
        int j = find_label(&types[i], label, &f);
        if (f) {
            *sort = types[i].labels[j].sort;
            found = 1;
        }
    }
    pthread_mutex_unlock(&reg_mu);
    return found;
}

const char *sqlenum_type_name(uint32_t oid, char *buf)
{
    buf[0] = 0;
    pthread_mutex_lock(&reg_mu);
    int i = find_type(oid);
    if (i < ntypes && types[i].oid == oid && types[i].name) snprintf(buf, 64, "%s", types[i].name);
    pthread_mutex_unlock(&reg_mu);
    return buf;
}

const char *sqlenum_name_of(uint32_t oid)
{
    const char *n = NULL;
    pthread_mutex_lock(&reg_mu);
    int i = find_type(oid);
    if (i < ntypes && types[i].oid == oid) n = types[i].name;
    pthread_mutex_unlock(&reg_mu);
    return n;
}

int sqlenum_check(uint32_t oid, const char *label, sqlerr *err)
{
    double s;
    if (sqlenum_sort(oid, label, &s)) return SQL_OK;
    char tn[64];
    return sqlerr_set(err, "22P02", -1, "invalid input value for enum %s: \"%s\"",
                      *sqlenum_type_name(oid, tn) ? tn : "?", label);
}

int sqlenum_compare(uint32_t oid, const char *a, const char *b, int *cmp, sqlerr *err)
{
    double sa, sb;
    if (sqlenum_check(oid, a, err) || sqlenum_check(oid, b, err)) return SQL_ERR;
    (void)sqlenum_sort(oid, a, &sa);
    (void)sqlenum_sort(oid, b, &sb);
    if (sa != sb) *cmp = sa < sb ? -1 : 1;
    else {
        int c = strcmp(a, b);
        *cmp = c < 0 ? -1 : c > 0;
    }
    return SQL_OK;
}
