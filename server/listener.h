/*
 * server/listener.h — the SQL front end: TCP listeners on sql.listen (IPv4 and IPv6), the
 * set of live connections, max_connections, CancelRequest routing, and graceful shutdown.
 *
 * One listener object per process: its sockets on the main loop, its connections on the SQL
 * worker threads' loops (server/workers.h). It borrows the config, the executor and the
 * workers (all outlive it) and owns the TLS context, the users database and every
 * connection. Shutdown (SIGTERM): listener_shutdown stops accepting and has each worker close
 * its idle connections with FATAL 57P01 and let busy ones finish their current query first;
 * the main loop keeps running until the last connection is gone, then main stops the workers
 * and calls listener_del.
 */
#ifndef HELIOS_SERVER_LISTENER_H
#define HELIOS_SERVER_LISTENER_H

#include <stdbool.h>
#include <uv.h>

#include "config/config.h"
#include "server/executor.h"
#include "server/workers.h"

typedef struct listener listener;

/* Binds every sql.listen address (on loop, the main loop), loads the users file and TLS
   material. Accepted connections are handed to the workers (the one with the fewest
   connections) and live on its loop from then on. Returns 0, or -1 with a reason in err. */
int listener_new(uv_loop_t *loop, const config *cfg, executor *ex, workers *ws, listener **out,
                 char *err, size_t errsz);
/* Stops accepting; idle connections are told FATAL 57P01 and closed, busy ones after their
   current query. force = close everything now (second signal). */
void listener_shutdown(listener *l, bool force);
/* Re-reads the users file (SIGHUP). Returns 0, or -1 (the old users stay) with err. */
int listener_reload_users(listener *l, char *err, size_t errsz);
/* Loads a new SQL TLS certificate and key (SIGHUP) for connections accepted from now on;
   established ones keep the context they started with. Returns 0, or -1 with err (the old
   context stays): the new files do not load or match, or TLS was off at start (mode changes
   need a restart). With TLS off and no cert/key given, 0 (nothing to do). */
int listener_reload_tls(listener *l, const char *cert, const char *key, char *err, size_t errsz);
/* Frees what is left; call after uv_run returned. */
void listener_del(listener *l);
/* Number of live connections. */
int listener_count(const listener *l);

#endif
