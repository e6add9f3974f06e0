/*
 * server/workers.h — the SQL executor threads: each runs a libuv loop of its own that owns a
 * share of the client connections (TLS, protocol, SQL), so every core serves clients and the
 * main loop (listeners, replication, /metrics, signals) never waits behind a statement.
 *
 * The main loop accepts a connection and hands it to the worker with the fewest connections
 * (worker_post); from then on everything of that connection runs on the worker's thread. Work
 * for a worker is posted as a closure: fn(arg) runs on the worker's loop thread, in posting
 * order. A worker's loop keeps running until workers_stop; then each worker runs until its
 * last handle is closed (its connections have ended), and workers_stop joins the threads.
 *
 * Threads are created with the stack size of the main thread (RLIMIT_STACK, at least 8 MiB,
 * at most 64 MiB), so the SQL engine's stack-depth guard (server/sql/sqlerr.h) has the same
 * budget on every thread.
 */
#ifndef HELIOS_SERVER_WORKERS_H
#define HELIOS_SERVER_WORKERS_H

#include <stdbool.h>
#include <uv.h>

typedef struct workers workers;
typedef struct worker worker;

/* Starts n threads (n >= 1), each with a loop. thread_init(arg) runs first on each thread,
 * thread_fini(arg) on it once its loop has ended (before the handles it left are closed);
 * either may be NULL. Returns 0, or -1 with a reason in err (nothing is left running). */
int workers_start(int n, void (*thread_init)(void *arg), void (*thread_fini)(void *arg),
                  void *arg, workers **out, char *err, size_t errsz);
int workers_count(const workers *ws);
worker *workers_get(workers *ws, int i);
/* The worker with the fewest connections (worker_conn_delta keeps the counts) among those
 * not busy (working on one connection, a statement, for more than 50 ms); all busy: among
 * all. */
worker *workers_pick(workers *ws);
uv_loop_t *worker_loop(worker *w);
int worker_index(const worker *w);
/* The number of connections a worker owns: +1 when one is handed to it, -1 when it is freed.
 * Any thread. */
void worker_conn_delta(worker *w, int d);
/* Around the work a connection's input or wake-up causes, on w's thread (nests). */
void worker_work_begin(worker *w);
void worker_work_end(worker *w);
/* Runs fn(arg) on w's loop thread (soon, in posting order). Any thread. 0, or -1 when out of
 * memory or the worker has stopped (fn is then not called). */
int worker_post(worker *w, void (*fn)(void *arg), void *arg);
/* The worker whose loop thread this is, or NULL (the main thread, the storage threads). */
worker *worker_current(void);
/* Tells every worker to end once its loop has nothing left, waits for the threads and frees
 * everything. Call from the main thread after the connections have been told to close. */
void workers_stop(workers *ws);

#endif
