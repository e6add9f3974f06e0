/* server/nametab.c — see nametab.h. */
#include "server/nametab.h"

#include <stdlib.h>
#include <string.h>

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 31);
}

nametab_entry *nametab_find(const nametab *t, const char *name)
{
    if (!t->cap) return NULL;
    uint64_t h = name_hash(name);
    for (nametab_entry *e = t->buckets[h & (t->cap - 1)]; e; e = e->hnext)
        if (e->hash == h && !strcmp(e->name, name)) return e;
    return NULL;
}

static int grow(nametab *t)
{
    size_t nc = t->cap ? t->cap * 2 : 16;
    nametab_entry **b = calloc(nc, sizeof *b);
    if (!b) return -1;
    for (size_t i = 0; i < t->cap; i++)
        for (nametab_entry *e = t->buckets[i], *nx; e; e = nx) {
            nx = e->hnext;
            e->hnext = b[e->hash & (nc - 1)];
            b[e->hash & (nc - 1)] = e;
        }
    free(t->buckets);
    t->buckets = b;
    t->cap = nc;
    return 0;
}

int nametab_add(nametab *t, nametab_entry *e)
{
    if (t->n + 1 > t->cap && grow(t) && !t->cap) return -1; /* a full table still chains */
    e->hash = name_hash(e->name);
    nametab_entry **b = &t->buckets[e->hash & (t->cap - 1)];
    e->hnext = *b;
    *b = e;
    t->n++;
    return 0;
}

void nametab_remove(nametab *t, nametab_entry *e)
{
    nametab_entry **pp = &t->buckets[e->hash & (t->cap - 1)];
    while (*pp != e) pp = &(*pp)->hnext;
    *pp = e->hnext;
    t->n--;
}

nametab_entry *nametab_first(const nametab *t)
{
    for (size_t i = 0; t->n && i < t->cap; i++)
        if (t->buckets[i]) return t->buckets[i];
    return NULL;
}

void nametab_each(nametab *t, void (*fn)(nametab_entry *e, void *arg), void *arg)
{
    for (size_t i = 0; i < t->cap; i++)
        for (nametab_entry *e = t->buckets[i], *nx; e; e = nx) {
            nx = e->hnext;
            fn(e, arg);
        }
}

void nametab_free(nametab *t)
{
    free(t->buckets);
    memset(t, 0, sizeof *t);
}
