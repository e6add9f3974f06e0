/*
 * server/log.c — stderr event log, text or JSON. See log.h.
 */
#include "server/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Atomic: SIGHUP changes them on the loop thread while other threads may be logging. */
static _Atomic int g_format = CONFIG_LOG_TEXT;
static _Atomic int g_level = CONFIG_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_init(config_log_format format, config_log_level level)
{
    atomic_store(&g_format, (int)format);
    atomic_store(&g_level, (int)level);
}

int log_enabled(config_log_level level)
{
    return (int)level >= atomic_load(&g_level);
}

/* Appends s JSON-escaped to out[*n..cap). Control characters become \u00XX. */
static void json_escape(char *out, size_t *n, size_t cap, const char *s)
{
    for (; *s && *n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[(*n)++] = '\\';
            out[(*n)++] = (char)c;
        } else if (c < 0x20) {
            *n += (size_t)snprintf(out + *n, cap - *n, "\\u%04x", c);
        } else {
            out[(*n)++] = (char)c;
        }
    }
}

void log_msg(config_log_level level, const char *component, const char *fmt, ...)
{
    if ((int)level < atomic_load(&g_level)) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A message is one line: a newline in a client-supplied string must not forge a new event. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[64];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    const char *lv = level_names[level <= CONFIG_LOG_ERROR ? level : CONFIG_LOG_ERROR];

    char line[4608];
    size_t n;
    if (atomic_load(&g_format) == CONFIG_LOG_JSON) {
        n = (size_t)snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":\"",
                             when, lv);
        json_escape(line, &n, sizeof line, component);
        memcpy(line + n, "\",\"msg\":\"", 9);
        n += 9;
        json_escape(line, &n, sizeof line, msg);
        n += (size_t)snprintf(line + n, sizeof line - n, "\"}\n");
    } else {
        int r = snprintf(line, sizeof line, "%s %-5s %s: %s\n", when, lv, component, msg);
        n = r < 0 ? 0 : (size_t)r;
    }
    if (n > sizeof line - 1) {
        n = sizeof line - 1;
        line[n - 1] = '\n';
    }
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}
