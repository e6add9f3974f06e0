/*
 * server/executor.c — helpers shared by executor implementations. See executor.h.
 */
#include "server/executor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int executor_error_set(executor_error *e, const char *code, const char *fmt, ...)
{
    if (!e) return EXEC_ERROR;
    memset(e, 0, sizeof(*e));
    snprintf(e->code, sizeof e->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return EXEC_ERROR;
}
