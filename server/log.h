/*
 * server/log.h — one line per event on stderr, as text or JSON (config log.format).
 *
 *   text: 2026-11-24T10:00:00.123Z info  wire: connection from 127.0.0.1:50412
 *   json: {"ts":"2026-11-24T10:00:00.123Z","level":"info","component":"wire","msg":"..."}
 *
 * Events below the configured level are dropped. A line is written with a single write(2) so
 * lines from several threads never interleave. Never log secrets: passwords, SCRAM messages and
 * query parameters do not go through here (callers log user names and addresses only).
 * Thread-safe; log_init is called by main before anything logs (before it, text/info), and
 * again on SIGHUP to apply a new log.level / log.format.
 */
#ifndef HELIOS_SERVER_LOG_H
#define HELIOS_SERVER_LOG_H

#include "config/config.h"

void log_init(config_log_format format, config_log_level level);
/* level: CONFIG_LOG_DEBUG..ERROR; component: a short constant such as "wire", "auth", "main". */
void log_msg(config_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int log_enabled(config_log_level level);

/* Copies s into out (always NUL-terminated, cut to cap) with every control character and every
 * byte of an invalid UTF-8 sequence written as \xNN, so a client-chosen string (a user or
 * database name, application_name, SQL text) cannot forge lines, move a terminal's cursor or
 * break a JSON log. log_msg applies it to every message; returns the length written. */
size_t log_escape(char *out, size_t cap, const char *s);

/* Events a client can trigger at will (bad startup packets, cancel requests for unknown
 * backends, protocol violations, failed TLS handshakes): at most LOG_FLOOD_PER_SEC lines per
 * second per kind; the rest are counted and summarised in one line, "suppressed K similar
 * messages in the last N s: <kind>", written by the next event of the kind or by
 * log_flood_flush (main calls it every second). Thread-safe. */
typedef enum {
    LOG_FLOOD_STARTUP,  /* invalid startup packets */
    LOG_FLOOD_CANCEL,   /* cancel requests */
    LOG_FLOOD_PROTOCOL, /* protocol violations */
    LOG_FLOOD_TLS,      /* failed TLS handshakes */
    LOG_FLOOD_KINDS
} log_flood_kind;
#define LOG_FLOOD_PER_SEC 10
void log_flood(log_flood_kind kind, config_log_level level, const char *component,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_flood_flush(void);

#define log_debug(c, ...) log_msg(CONFIG_LOG_DEBUG, c, __VA_ARGS__)
#define log_info(c, ...) log_msg(CONFIG_LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_msg(CONFIG_LOG_WARN, c, __VA_ARGS__)
#define log_error(c, ...) log_msg(CONFIG_LOG_ERROR, c, __VA_ARGS__)

#endif
