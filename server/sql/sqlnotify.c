/*
 * server/sql/sqlnotify.c — LISTEN / NOTIFY: a transaction's record, the hub, the queues
 * (design in sqlnotify.h).
 */
#include "server/sql/sqlnotify.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- a transaction's record ------------------------------------------------------------- */

void sqlnotify_txn_clear(sqlnotify_txn *t)
{
    for (int i = 0; i < t->nacts; i++) free(t->acts[i].channel);
    free(t->acts);
    for (size_t i = 0; i < t->nnotes; i++) free(t->notes[i].channel);
    free(t->notes);
    free(t->hash);
    memset(t, 0, sizeof *t);
}

int sqlnotify_txn_action(sqlnotify_txn *t, int op, const char *channel)
{
    if (t->nacts == t->acap) {
        int cap = t->acap ? 2 * t->acap : 4;
        sqlnotify_action *a = realloc(t->acts, (size_t)cap * sizeof *a);
        if (!a) return -1;
        t->acts = a;
        t->acap = cap;
    }
    char *c = NULL;
    if (channel && !(c = strdup(channel))) return -1;
    t->acts[t->nacts++] = (sqlnotify_action){op, c};
    return 0;
}

static uint64_t note_hash(const char *ch, size_t cl, const char *p, size_t pl)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over channel, NUL, payload */
    for (size_t i = 0; i < cl; i++) h = (h ^ (uint8_t)ch[i]) * 1099511628211ull;
    h = (h ^ 0) * 1099511628211ull;
    for (size_t i = 0; i < pl; i++) h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h;
}

static bool note_eq(const sqlnotify_note *n, const char *ch, size_t cl, const char *p, size_t pl)
{
    return n->clen == cl && n->plen == pl && !memcmp(n->channel, ch, cl) &&
           !memcmp(n->payload, p, pl);
}

/* Rebuilds the folding index over the notes (NULL below 16 notes: a scan is as quick). */
static int hash_rebuild(sqlnotify_txn *t)
{
    free(t->hash);
    t->hash = NULL;
    t->hcap = 0;
    if (t->nnotes < 16) return 0;
    size_t cap = 64;
    while (cap < 2 * t->nnotes) cap *= 2;
    if (!(t->hash = calloc(cap, sizeof *t->hash))) return -1;
    t->hcap = cap;
    for (size_t i = 0; i < t->nnotes; i++) {
        const sqlnotify_note *n = &t->notes[i];
        size_t k = note_hash(n->channel, n->clen, n->payload, n->plen) & (cap - 1);
        while (t->hash[k]) k = (k + 1) & (cap - 1);
        t->hash[k] = (uint32_t)(i + 1);
    }
    return 0;
}

int sqlnotify_txn_notify(sqlnotify_txn *t, const char *channel, const char *payload,
                         sqlerr *err)
{
    if (!channel || !*channel) return sqlerr_set(err, "22023", -1, "channel name cannot be empty");
    size_t cl = strlen(channel);
    if (cl > LOGENTRY_NOTIFY_CHANNEL_MAX) return sqlerr_set(err, "22023", -1, "channel name too long");
    if (!payload) payload = "";
    size_t pl = strlen(payload);
    if (pl > LOGENTRY_NOTIFY_PAYLOAD_MAX) return sqlerr_set(err, "22023", -1, "payload string too long");
    /* folded into an equal notification sent before (PostgreSQL: AsyncExistsPendingNotify) */
    if (t->hash) {
        size_t k = note_hash(channel, cl, payload, pl) & (t->hcap - 1);
        for (; t->hash[k]; k = (k + 1) & (t->hcap - 1))
            if (note_eq(&t->notes[t->hash[k] - 1], channel, cl, payload, pl)) return SQL_OK;
    } else {
        for (size_t i = 0; i < t->nnotes; i++)
            if (note_eq(&t->notes[i], channel, cl, payload, pl)) return SQL_OK;
    }
    if (t->bytes + cl + pl + 2 > SQLNOTIFY_TXN_MAX_BYTES)
        return sqlerr_set(err, "54000", -1, "too many notifications in one transaction (more than "
                          "%u MiB of channels and payloads)", SQLNOTIFY_TXN_MAX_BYTES >> 20);
    if (t->nnotes == t->ncap) {
        size_t cap = t->ncap ? 2 * t->ncap : 4;
        sqlnotify_note *v = realloc(t->notes, cap * sizeof *v);
        if (!v) return sqlerr_oom(err);
        t->notes = v;
        t->ncap = cap;
    }
    char *b = malloc(cl + pl + 2);
    if (!b) return sqlerr_oom(err);
    memcpy(b, channel, cl + 1);
    memcpy(b + cl + 1, payload, pl + 1);
    t->notes[t->nnotes++] = (sqlnotify_note){b, b + cl + 1, cl, pl};
    t->bytes += cl + pl + 2;
    if (t->hash && 2 * t->nnotes <= t->hcap) {
        size_t k = note_hash(channel, cl, payload, pl) & (t->hcap - 1);
        while (t->hash[k]) k = (k + 1) & (t->hcap - 1);
        t->hash[k] = (uint32_t)t->nnotes;
    } else if (t->nnotes >= 16 && hash_rebuild(t)) {
        t->nnotes--;
        t->bytes -= cl + pl + 2;
        free(b);
        return sqlerr_oom(err);
    }
    return SQL_OK;
}

void sqlnotify_txn_truncate(sqlnotify_txn *t, int nacts, size_t nnotes)
{
    while (t->nacts > nacts) free(t->acts[--t->nacts].channel);
    bool cut = t->nnotes > nnotes;
    while (t->nnotes > nnotes) {
        sqlnotify_note *n = &t->notes[--t->nnotes];
        t->bytes -= n->clen + n->plen + 2;
        free(n->channel);
    }
    if (cut && hash_rebuild(t)) { /* out of memory: fold by scanning */
        free(t->hash);
        t->hash = NULL;
        t->hcap = 0;
    }
}

/* ---- the hub ------------------------------------------------------------------------------ */

typedef struct qmsg {
    struct qmsg *next;
    uint32_t pid;
    size_t clen, plen;
    char data[]; /* channel, NUL, payload, NUL */
} qmsg;

struct sqlnotify_sess {
    sqlnotify_hub *hub;
    void (*kick)(void *arg);
    void *arg;
    /* under hub->mu */
    char **channels; /* owned strings, in the order first listened on */
    int nch, chcap;
    qmsg *head, *tail;
    size_t qbytes;
    bool overflow;
    bool listed; /* in hub->listening */
    struct sqlnotify_sess *prev, *next;
};

struct sqlnotify_hub {
    pthread_mutex_t mu;
    sqlnotify_sess *listening; /* sessions with at least one channel */
    size_t qbytes;             /* queued in all sessions */
    atomic_int nlistening;
};

sqlnotify_hub *sqlnotify_hub_new(void)
{
    sqlnotify_hub *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    if (pthread_mutex_init(&h->mu, NULL)) {
        free(h);
        return NULL;
    }
    return h;
}

void sqlnotify_hub_free(sqlnotify_hub *h)
{
    if (!h) return;
    pthread_mutex_destroy(&h->mu);
    free(h);
}

double sqlnotify_hub_usage(sqlnotify_hub *h)
{
    pthread_mutex_lock(&h->mu);
    double u = (double)h->qbytes / (double)SQLNOTIFY_HUB_MAX_BYTES;
    pthread_mutex_unlock(&h->mu);
    return u;
}

bool sqlnotify_hub_active(sqlnotify_hub *h)
{
    return h && atomic_load(&h->nlistening) > 0;
}

sqlnotify_sess *sqlnotify_sess_new(sqlnotify_hub *h, void (*kick)(void *arg), void *arg)
{
    sqlnotify_sess *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->hub = h;
    s->kick = kick;
    s->arg = arg;
    return s;
}

/* hub->mu held */
static void queue_drop(sqlnotify_sess *s)
{
    for (qmsg *m = s->head, *n; m; m = n) {
        n = m->next;
        free(m);
    }
    s->head = s->tail = NULL;
    s->hub->qbytes -= s->qbytes;
    s->qbytes = 0;
}

/* hub->mu held: keeps s in the listening list exactly while it has channels */
static void relist(sqlnotify_sess *s)
{
    sqlnotify_hub *h = s->hub;
    if (s->nch > 0 && !s->listed) {
        s->prev = NULL;
        s->next = h->listening;
        if (h->listening) h->listening->prev = s;
        h->listening = s;
        s->listed = true;
        atomic_fetch_add(&h->nlistening, 1);
    } else if (s->nch == 0 && s->listed) {
        if (s->prev) s->prev->next = s->next;
        else h->listening = s->next;
        if (s->next) s->next->prev = s->prev;
        s->prev = s->next = NULL;
        s->listed = false;
        atomic_fetch_sub(&h->nlistening, 1);
    }
}

static void unlisten_all_locked(sqlnotify_sess *s)
{
    for (int i = 0; i < s->nch; i++) free(s->channels[i]);
    s->nch = 0;
    relist(s);
}

void sqlnotify_sess_free(sqlnotify_sess *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->hub->mu);
    unlisten_all_locked(s);
    queue_drop(s);
    pthread_mutex_unlock(&s->hub->mu);
    free(s->channels);
    free(s);
}

void sqlnotify_sess_unlisten_all(sqlnotify_sess *s)
{
    pthread_mutex_lock(&s->hub->mu);
    unlisten_all_locked(s);
    pthread_mutex_unlock(&s->hub->mu);
}

static int find_channel(const sqlnotify_sess *s, const char *ch)
{
    for (int i = 0; i < s->nch; i++)
        if (!strcmp(s->channels[i], ch)) return i;
    return -1;
}

int sqlnotify_sess_commit(sqlnotify_sess *s, const sqlnotify_txn *t)
{
    if (t->nacts == 0) return 0;
    int rc = 0;
    pthread_mutex_lock(&s->hub->mu);
    for (int i = 0; i < t->nacts && rc == 0; i++) {
        const sqlnotify_action *a = &t->acts[i];
        if (a->op == SQLNOTIFY_UNLISTEN_ALL) {
            unlisten_all_locked(s);
            continue;
        }
        int k = find_channel(s, a->channel);
        if (a->op == SQLNOTIFY_UNLISTEN) {
            if (k >= 0) {
                free(s->channels[k]);
                memmove(&s->channels[k], &s->channels[k + 1],
                        (size_t)(s->nch - k - 1) * sizeof *s->channels);
                s->nch--;
            }
            continue;
        }
        if (k >= 0) continue;
        if (s->nch == s->chcap) {
            int cap = s->chcap ? 2 * s->chcap : 4;
            char **v = realloc(s->channels, (size_t)cap * sizeof *v);
            if (!v) {
                rc = -1;
                break;
            }
            s->channels = v;
            s->chcap = cap;
        }
        if (!(s->channels[s->nch] = strdup(a->channel))) rc = -1;
        else s->nch++;
    }
    relist(s);
    pthread_mutex_unlock(&s->hub->mu);
    return rc;
}

int sqlnotify_sess_channels(sqlnotify_sess *s, char ***out, int *n)
{
    pthread_mutex_lock(&s->hub->mu);
    size_t bytes = (size_t)s->nch * sizeof(char *);
    for (int i = 0; i < s->nch; i++) bytes += strlen(s->channels[i]) + 1;
    char **v = malloc(bytes ? bytes : 1);
    if (v) {
        char *p = (char *)(v + s->nch);
        for (int i = 0; i < s->nch; i++) {
            size_t l = strlen(s->channels[i]) + 1;
            memcpy(p, s->channels[i], l);
            v[i] = p;
            p += l;
        }
        *n = s->nch;
    }
    pthread_mutex_unlock(&s->hub->mu);
    *out = v;
    return v ? 0 : -1;
}

bool sqlnotify_sess_overflowed(sqlnotify_sess *s)
{
    pthread_mutex_lock(&s->hub->mu);
    bool o = s->overflow;
    pthread_mutex_unlock(&s->hub->mu);
    return o;
}

bool sqlnotify_sess_pending(sqlnotify_sess *s)
{
    pthread_mutex_lock(&s->hub->mu);
    bool p = s->head != NULL || s->overflow;
    pthread_mutex_unlock(&s->hub->mu);
    return p;
}

int sqlnotify_pop(sqlnotify_sess *s, sqlnotify_msg *m)
{
    pthread_mutex_lock(&s->hub->mu);
    qmsg *q = s->head;
    if (q) {
        s->head = q->next;
        if (!s->head) s->tail = NULL;
        size_t sz = sizeof *q + q->clen + q->plen + 2;
        s->qbytes -= sz;
        s->hub->qbytes -= sz;
    }
    pthread_mutex_unlock(&s->hub->mu);
    if (!q) return 0;
    /* the message becomes the caller's: channel and payload point into it */
    m->pid = q->pid;
    size_t clen = q->clen, plen = q->plen;
    memmove(q, q->data, clen + plen + 2);
    m->channel = (char *)q;
    m->payload = (char *)q + clen + 1;
    return 1;
}

void sqlnotify_msg_free(sqlnotify_msg *m)
{
    free(m->channel);
    m->channel = m->payload = NULL;
}

/* hub->mu held */
static void overflow(sqlnotify_sess *s)
{
    if (s->overflow) return;
    s->overflow = true;
    queue_drop(s);
    s->kick(s->arg);
}

void sqlnotify_dispatch(sqlnotify_hub *h, uint32_t pid, const logentry_catalog *items, size_t n)
{
    if (!sqlnotify_hub_active(h)) return;
    pthread_mutex_lock(&h->mu);
    for (sqlnotify_sess *s = h->listening; s; s = s->next) {
        if (s->overflow) continue;
        bool was_empty = s->head == NULL;
        for (size_t i = 0; i < n && !s->overflow; i++) {
            const logentry_catalog *it = &items[i];
            if (it->op != LOGENTRY_NOTIFY) continue;
            bool hit = false;
            for (int k = 0; k < s->nch && !hit; k++)
                hit = strlen(s->channels[k]) == it->klen &&
                      !memcmp(s->channels[k], it->key, it->klen);
            if (!hit) continue;
            size_t sz = sizeof(qmsg) + it->klen + it->vlen + 2;
            qmsg *q = NULL;
            if (s->qbytes + sz > SQLNOTIFY_SESS_MAX_BYTES || h->qbytes + sz > SQLNOTIFY_HUB_MAX_BYTES ||
                !(q = malloc(sz))) {
                overflow(s);
                break;
            }
            q->next = NULL;
            q->pid = pid;
            q->clen = it->klen;
            q->plen = it->vlen;
            memcpy(q->data, it->key, it->klen);
            q->data[it->klen] = 0;
            if (it->vlen) memcpy(q->data + it->klen + 1, it->value, it->vlen);
            q->data[it->klen + 1 + it->vlen] = 0;
            if (s->tail) s->tail->next = q;
            else s->head = q;
            s->tail = q;
            s->qbytes += sz;
            h->qbytes += sz;
        }
        if (was_empty && s->head) s->kick(s->arg);
    }
    pthread_mutex_unlock(&h->mu);
}
