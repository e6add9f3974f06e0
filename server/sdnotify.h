/*
 * server/sdnotify.h — the systemd readiness protocol (sd_notify(3)) without libsystemd.
 *
 * With Type=notify, systemd passes $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace) and waits for "READY=1" before it calls the unit started; "STOPPING=1" tells it
 * a shutdown is under way. Outside systemd the variable is absent and every call is a no-op.
 * The daemon calls sdnotify_ready() once its listeners accept connections, and
 * sdnotify_stopping() when SIGTERM starts the drain.
 *
 * Errors: 0 (sent, or no $NOTIFY_SOCKET), or a negative errno (bad socket path, send failed);
 * a failure is worth a log line, never a refusal to run. Thread-safe (no shared state).
 */
#ifndef HELIOS_SERVER_SDNOTIFY_H
#define HELIOS_SERVER_SDNOTIFY_H

/* Sends state (e.g. "READY=1\nSTATUS=serving") as one datagram to $NOTIFY_SOCKET. */
int sdnotify_send(const char *state);
int sdnotify_ready(void);    /* "READY=1" */
int sdnotify_stopping(void); /* "STOPPING=1" */

#endif
