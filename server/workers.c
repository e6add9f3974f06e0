/*
 * server/workers.c — the SQL executor threads and their loops. See workers.h.
 */
#include "server/workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct job {
    void (*fn)(void *arg);
    void *arg;
    struct job *next;
} job;

struct worker {
    workers *ws;
    int index;
    pthread_t thread;
    bool started;
    uv_loop_t loop;
    uv_async_t inbox;
    pthread_mutex_t mu;
    job *head, *tail; /* guarded by mu */
    bool stopping;    /* guarded by mu: no more jobs */
    atomic_int conns;
    /* busy-ness, for workers_pick: working on a connection since `since` (ms) */
    atomic_bool working;
    atomic_uint_fast64_t since;
    /* start handshake */
    pthread_mutex_t start_mu;
    pthread_cond_t start_cv;
    int start_state; /* 0 starting, 1 running, -1 failed */
};

struct workers {
    int n;
    worker *w;
    void (*thread_init)(void *arg);
    void (*thread_fini)(void *arg);
    void *arg;
};

static _Thread_local worker *current;

worker *worker_current(void)
{
    return current;
}

int workers_count(const workers *ws)
{
    return ws->n;
}

worker *workers_get(workers *ws, int i)
{
    return &ws->w[i];
}

uv_loop_t *worker_loop(worker *w)
{
    return &w->loop;
}

int worker_index(const worker *w)
{
    return w->index;
}

void worker_conn_delta(worker *w, int d)
{
    atomic_fetch_add(&w->conns, d);
}

static uint64_t now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

/* Busy: running callbacks (a statement) for more than BUSY_MS without polling. */
#define BUSY_MS 50

static bool busy(worker *w)
{
    return atomic_load(&w->working) && now_ms() - atomic_load(&w->since) > BUSY_MS;
}

static _Thread_local int work_depth;

void worker_work_begin(worker *w)
{
    if (!w || work_depth++ > 0) return;
    atomic_store(&w->since, now_ms());
    atomic_store(&w->working, true);
}

void worker_work_end(worker *w)
{
    if (!w || --work_depth > 0) return;
    atomic_store(&w->working, false);
}

worker *workers_pick(workers *ws)
{
    worker *best = NULL;
    int bestn = 0;
    for (int pass = 0; pass < 2 && !best; pass++) /* first among the workers not busy */
        for (int i = 0; i < ws->n; i++) {
            if (pass == 0 && busy(&ws->w[i])) continue;
            int c = atomic_load(&ws->w[i].conns);
            if (!best || c < bestn) best = &ws->w[i], bestn = c;
        }
    return best;
}



static void run_jobs(uv_async_t *h)
{
    worker *w = h->data;
    pthread_mutex_lock(&w->mu);
    job *list = w->head;
    w->head = w->tail = NULL;
    bool stop = w->stopping;
    pthread_mutex_unlock(&w->mu);
    while (list) {
        job *j = list;
        list = j->next;
        j->fn(j->arg);
        free(j);
    }
    if (stop && !uv_is_closing((uv_handle_t *)&w->inbox)) {
        uv_close((uv_handle_t *)&w->inbox, NULL);
    }
}

int worker_post(worker *w, void (*fn)(void *arg), void *arg)
{
    job *j = malloc(sizeof *j);
    if (!j) return -1;
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        free(j);
        return -1;
    }
    if (w->tail) w->tail->next = j;
    else w->head = j;
    w->tail = j;
    pthread_mutex_unlock(&w->mu);
    uv_async_send(&w->inbox);
    return 0;
}

static void close_left(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void *thread_main(void *p)
{
    worker *w = p;
    current = w;
    int state = 1;
    if (uv_loop_init(&w->loop) != 0) state = -1;
    if (state == 1 && uv_async_init(&w->loop, &w->inbox, run_jobs) != 0) {
        uv_loop_close(&w->loop);
        state = -1;
    }
    if (state == 1) {
        w->inbox.data = w;
        if (w->ws->thread_init) w->ws->thread_init(w->ws->arg);
    }
    pthread_mutex_lock(&w->start_mu);
    w->start_state = state;
    pthread_cond_signal(&w->start_cv);
    pthread_mutex_unlock(&w->start_mu);
    if (state < 0) return NULL;
    uv_run(&w->loop, UV_RUN_DEFAULT);
    if (w->ws->thread_fini) w->ws->thread_fini(w->ws->arg);
    /* The closes thread_fini started; then whatever is left open (unreferenced handles) is
     * closed, so the loop can be. */
    uv_run(&w->loop, UV_RUN_NOWAIT);
    if (uv_loop_close(&w->loop) == UV_EBUSY) {
        uv_walk(&w->loop, close_left, NULL);
        while (uv_loop_close(&w->loop) == UV_EBUSY) uv_run(&w->loop, UV_RUN_NOWAIT);
    }
    return NULL;
}

static size_t stack_size(void)
{
    struct rlimit rl;
    size_t s = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > s)
        s = (size_t)rl.rlim_cur;
    if (s > (64u << 20)) s = 64u << 20;
    return s;
}

int workers_start(int n, void (*thread_init)(void *arg), void (*thread_fini)(void *arg),
                  void *arg, workers **out, char *err, size_t errsz)
{
    workers *ws = calloc(1, sizeof *ws);
    if (!ws || !(ws->w = calloc((size_t)n, sizeof *ws->w))) {
        free(ws);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    ws->n = n;
    ws->thread_init = thread_init;
    ws->thread_fini = thread_fini;
    ws->arg = arg;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_size());
    for (int i = 0; i < n; i++) {
        worker *w = &ws->w[i];
        w->ws = ws;
        w->index = i;
        pthread_mutex_init(&w->mu, NULL);
        pthread_mutex_init(&w->start_mu, NULL);
        pthread_cond_init(&w->start_cv, NULL);
        int rc = pthread_create(&w->thread, &attr, thread_main, w);
        if (rc == 0) {
            pthread_mutex_lock(&w->start_mu);
            while (w->start_state == 0) pthread_cond_wait(&w->start_cv, &w->start_mu);
            pthread_mutex_unlock(&w->start_mu);
            w->started = true;
            if (w->start_state < 0) {
                pthread_join(w->thread, NULL);
                w->started = false;
                snprintf(err, errsz, "executor thread %d: cannot create its event loop", i);
            }
        } else {
            snprintf(err, errsz, "cannot start executor thread %d: %s", i, strerror(rc));
        }
        if (!w->started) {
            pthread_mutex_destroy(&w->mu);
            pthread_mutex_destroy(&w->start_mu);
            pthread_cond_destroy(&w->start_cv);
            ws->n = i; /* the ones started so far */
            pthread_attr_destroy(&attr);
            workers_stop(ws);
            return -1;
        }
    }
    pthread_attr_destroy(&attr);
    *out = ws;
    return 0;
}

void workers_stop(workers *ws)
{
    if (!ws) return;
    for (int i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        pthread_mutex_unlock(&w->mu);
        uv_async_send(&w->inbox);
    }
    for (int i = 0; i < ws->n; i++) {
        worker *w = &ws->w[i];
        pthread_join(w->thread, NULL);
        for (job *j = w->head, *next; j; j = next) { /* posted after the last run: dropped */
            next = j->next;
            free(j);
        }
        pthread_mutex_destroy(&w->mu);
        pthread_mutex_destroy(&w->start_mu);
        pthread_cond_destroy(&w->start_cv);
    }
    free(ws->w);
    free(ws);
}
