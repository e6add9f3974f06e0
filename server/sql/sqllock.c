/* server/sql/sqllock.c — row write locks and table locks (see sqllock.h): a chained hash table
 * of locked rows, and one of locked tables (an entry per owner and table, with the modes it
 * holds); each owner keeps the lists of its entries so a release touches only its own. */
#include "server/sql/sqllock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct lock_entry lock_entry;
struct lock_entry {
    lock_entry *next;       /* bucket chain */
    lock_entry *owner_next; /* the owner's entries */
    sqllock_owner *owner;
    uint64_t hash;
    uint32_t table_id;
    size_t pklen;
    uint8_t pk[];
};

typedef struct table_entry table_entry;
struct table_entry {
    table_entry *next;       /* bucket chain */
    table_entry *owner_next; /* the owner's table entries */
    sqllock_owner *owner;
    uint32_t table_id;
    unsigned modes; /* 1u << mode for each mode held */
};

#define TABLE_BUCKETS 64

struct sqllock {
    lock_entry **buckets;
    size_t nbuckets, n;
    table_entry *tables[TABLE_BUCKETS];
};

struct sqllock_owner {
    void *tag;
    lock_entry *entries;
    size_t n;
    table_entry *tentries;
};

/* PostgreSQL's conflict table (lock.c LockConflicts), row by requested mode */
#define M(m) (1u << (m))
static const unsigned conflicts[SQLLOCK_NMODES] = {
    0,
    M(8),                                     /* ACCESS SHARE */
    M(7) | M(8),                              /* ROW SHARE */
    M(5) | M(6) | M(7) | M(8),                /* ROW EXCLUSIVE */
    M(4) | M(5) | M(6) | M(7) | M(8),         /* SHARE UPDATE EXCLUSIVE */
    M(3) | M(4) | M(6) | M(7) | M(8),         /* SHARE */
    M(3) | M(4) | M(5) | M(6) | M(7) | M(8),  /* SHARE ROW EXCLUSIVE */
    M(2) | M(3) | M(4) | M(5) | M(6) | M(7) | M(8),
    M(1) | M(2) | M(3) | M(4) | M(5) | M(6) | M(7) | M(8),
};
#undef M

unsigned sqllock_conflicts(int mode)
{
    return mode >= 1 && mode < SQLLOCK_NMODES ? conflicts[mode] : 0;
}

const char *sqllock_mode_name(int mode)
{
    static const char *const n[SQLLOCK_NMODES] = {
        NULL, "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
        "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"};
    return mode >= 1 && mode < SQLLOCK_NMODES ? n[mode] : NULL;
}

static uint64_t key_hash(uint32_t table_id, const uint8_t *pk, size_t pklen)
{
    uint64_t h = 1469598103934665603ull ^ table_id; /* FNV-1a */
    for (size_t i = 0; i < pklen; i++) h = (h ^ pk[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

sqllock *sqllock_new(void)
{
    sqllock *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->nbuckets = 256;
    l->buckets = calloc(l->nbuckets, sizeof *l->buckets);
    if (!l->buckets) {
        free(l);
        return NULL;
    }
    return l;
}

void sqllock_del(sqllock *l)
{
    if (!l) return;
    for (size_t i = 0; i < TABLE_BUCKETS; i++)
        for (table_entry *e = l->tables[i], *nx; e; e = nx) {
            nx = e->next;
            free(e);
        }
    for (size_t i = 0; i < l->nbuckets; i++)
        for (lock_entry *e = l->buckets[i], *nx; e; e = nx) {
            nx = e->next;
            free(e);
        }
    free(l->buckets);
    free(l);
}

sqllock_owner *sqllock_owner_new(void *tag)
{
    sqllock_owner *o = calloc(1, sizeof *o);
    if (o) o->tag = tag;
    return o;
}

void *sqllock_owner_tag(const sqllock_owner *o)
{
    return o->tag;
}

void sqllock_owner_set_tag(sqllock_owner *o, void *tag)
{
    o->tag = tag;
}

size_t sqllock_owner_count(const sqllock_owner *o)
{
    return o ? o->n : 0;
}

static void grow(sqllock *l)
{
    size_t nb = l->nbuckets * 2;
    lock_entry **b = calloc(nb, sizeof *b);
    if (!b) return; /* longer chains, still correct */
    for (size_t i = 0; i < l->nbuckets; i++)
        for (lock_entry *e = l->buckets[i], *nx; e; e = nx) {
            nx = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    free(l->buckets);
    l->buckets = b;
    l->nbuckets = nb;
}

int sqllock_acquire(sqllock *l, sqllock_owner *o, uint32_t table_id, const uint8_t *pk,
                    size_t pklen, sqllock_owner **holder)
{
    uint64_t h = key_hash(table_id, pk, pklen);
    for (lock_entry *e = l->buckets[h & (l->nbuckets - 1)]; e; e = e->next) {
        if (e->hash != h || e->table_id != table_id || e->pklen != pklen ||
            memcmp(e->pk, pk, pklen))
            continue;
        if (e->owner == o) return 0;
        *holder = e->owner;
        return 1;
    }
    lock_entry *e = malloc(sizeof *e + pklen);
    if (!e) return -1;
    e->owner = o;
    e->hash = h;
    e->table_id = table_id;
    e->pklen = pklen;
    if (pklen) memcpy(e->pk, pk, pklen);
    size_t i = h & (l->nbuckets - 1);
    e->next = l->buckets[i];
    l->buckets[i] = e;
    e->owner_next = o->entries;
    o->entries = e;
    o->n++;
    if (++l->n > l->nbuckets * 2) grow(l);
    return 0;
}

int sqllock_table_acquire(sqllock *l, sqllock_owner *o, uint32_t table_id, int mode,
                          sqllock_owner **holder)
{
    if (mode < 1 || mode >= SQLLOCK_NMODES) return -1;
    table_entry *mine = NULL;
    for (table_entry *e = l->tables[table_id % TABLE_BUCKETS]; e; e = e->next) {
        if (e->table_id != table_id) continue;
        if (e->owner == o) mine = e;
        else if (e->modes & conflicts[mode]) {
            *holder = e->owner;
            return 1;
        }
    }
    if (!mine) {
        if (!(mine = calloc(1, sizeof *mine))) return -1;
        mine->owner = o;
        mine->table_id = table_id;
        mine->next = l->tables[table_id % TABLE_BUCKETS];
        l->tables[table_id % TABLE_BUCKETS] = mine;
        mine->owner_next = o->tentries;
        o->tentries = mine;
    }
    mine->modes |= 1u << mode;
    return 0;
}

unsigned sqllock_table_modes(const sqllock *l, uint32_t table_id, const sqllock_owner *except)
{
    unsigned m = 0;
    for (const table_entry *e = l->tables[table_id % TABLE_BUCKETS]; e; e = e->next)
        if (e->table_id == table_id && e->owner != except) m |= e->modes;
    return m;
}

unsigned sqllock_owner_table_modes(const sqllock_owner *o, uint32_t table_id)
{
    for (const table_entry *e = o ? o->tentries : NULL; e; e = e->owner_next)
        if (e->table_id == table_id) return e->modes;
    return 0;
}

void sqllock_tables_each(const sqllock *l, sqllock_table_fn fn, void *ctx)
{
    for (size_t i = 0; i < TABLE_BUCKETS; i++)
        for (const table_entry *e = l->tables[i]; e; e = e->next) fn(ctx, e->owner, e->table_id, e->modes);
}

void sqllock_release(sqllock *l, sqllock_owner *o)
{
    if (!o) return;
    for (table_entry *e = o->tentries, *nx; e; e = nx) {
        nx = e->owner_next;
        table_entry **pp = &l->tables[e->table_id % TABLE_BUCKETS];
        while (*pp != e) pp = &(*pp)->next;
        *pp = e->next;
        free(e);
    }
    for (lock_entry *e = o->entries, *nx; e; e = nx) {
        nx = e->owner_next;
        lock_entry **pp = &l->buckets[e->hash & (l->nbuckets - 1)];
        while (*pp != e) pp = &(*pp)->next;
        *pp = e->next;
        l->n--;
        free(e);
    }
    free(o);
}
