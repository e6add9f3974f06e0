/*
 * server/log.c — stderr event log, text or JSON. See log.h.
 */
#include "server/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto/pgtypes.h"

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

size_t log_escape(char *out, size_t cap, const char *s)
{
    size_t n = 0, len = strlen(s);
    const uint8_t *p = (const uint8_t *)s;
    if (!cap) return 0;
    while (len) {
        size_t ok = pgtypes_utf8_valid_len(p, len); /* a NUL cannot occur: s is a C string */
        for (size_t i = 0; i < ok; i++) {
            if (p[i] < 0x20 || p[i] == 0x7f) {
                if (n + 4 >= cap) goto full;
                n += (size_t)snprintf(out + n, cap - n, "\\x%02x", p[i]);
            } else {
                if (n + 1 >= cap) goto full;
                out[n++] = (char)p[i];
            }
        }
        p += ok;
        len -= ok;
        if (len) { /* one byte of an invalid sequence */
            if (n + 4 >= cap) goto full;
            n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *p);
            p++;
            len--;
        }
    }
full:
    /* a cut never leaves half a UTF-8 sequence (everything before it is valid) */
    n = pgtypes_utf8_valid_len((const uint8_t *)out, n);
    out[n] = 0;
    return n;
}

static void vlog(config_log_level level, const char *component, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

void log_msg(config_log_level level, const char *component, const char *fmt, ...)
{
    if ((int)level < atomic_load(&g_level)) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, fmt, ap);
    va_end(ap);
}

static void vlog(config_log_level level, const char *component, const char *fmt, va_list ap)
{
    char raw[2048], msg[2048];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* A message is one line of text: a client-supplied string must not forge a new event. */
    log_escape(msg, sizeof msg, raw);

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

/* ---- flood limiting ---- */

static const char *const flood_names[LOG_FLOOD_KINDS] = {
    "invalid startup packets", "cancel requests", "protocol violations", "failed TLS handshakes"};

typedef struct flood {
    int64_t window_start_ms; /* start of the current one-second window */
    int lines;               /* written in it */
    uint64_t suppressed;     /* since the last summary */
    int64_t suppressed_since_ms;
} flood;

static pthread_mutex_t g_flood_mu = PTHREAD_MUTEX_INITIALIZER;
static flood g_flood[LOG_FLOOD_KINDS];

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Under g_flood_mu: the summary of what the window that ended suppressed, if anything. */
static void flood_summary(log_flood_kind k, int64_t now)
{
    flood *f = &g_flood[k];
    if (!f->suppressed) return;
    log_msg(CONFIG_LOG_WARN, "log", "suppressed %llu similar messages in the last %.1f s: %s",
            (unsigned long long)f->suppressed, (double)(now - f->suppressed_since_ms) / 1000.0,
            flood_names[k]);
    f->suppressed = 0;
}

void log_flood(log_flood_kind kind, config_log_level level, const char *component,
               const char *fmt, ...)
{
    if ((int)level < atomic_load(&g_level)) return;
    int64_t now = now_ms();
    pthread_mutex_lock(&g_flood_mu);
    flood *f = &g_flood[kind];
    if (now - f->window_start_ms >= 1000) {
        flood_summary(kind, now);
        f->window_start_ms = now;
        f->lines = 0;
    }
    bool write = f->lines < LOG_FLOOD_PER_SEC;
    if (write) {
        f->lines++;
    } else if (f->suppressed++ == 0) {
        f->suppressed_since_ms = now;
    }
    pthread_mutex_unlock(&g_flood_mu);
    if (!write) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, component, fmt, ap);
    va_end(ap);
}

void log_flood_flush(void)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&g_flood_mu);
    for (int k = 0; k < LOG_FLOOD_KINDS; k++)
        if (now - g_flood[k].window_start_ms >= 1000) flood_summary((log_flood_kind)k, now);
    pthread_mutex_unlock(&g_flood_mu);
}
