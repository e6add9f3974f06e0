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

#define log_debug(c, ...) log_msg(CONFIG_LOG_DEBUG, c, __VA_ARGS__)
#define log_info(c, ...) log_msg(CONFIG_LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_msg(CONFIG_LOG_WARN, c, __VA_ARGS__)
#define log_error(c, ...) log_msg(CONFIG_LOG_ERROR, c, __VA_ARGS__)

#endif
