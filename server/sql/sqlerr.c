/* server/sql/sqlerr.c — see sqlerr.h. */
#include "server/sql/sqlerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sqlerr_clear(sqlerr *e)
{
    if (e) memset(e, 0, sizeof(*e));
}

int sqlerr_set(sqlerr *e, const char *code, int offset, const char *fmt, ...)
{
    if (!e) return SQL_ERR;
    memset(e, 0, sizeof(*e));
    snprintf(e->code, sizeof(e->code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    e->position = offset >= 0 ? offset + 1 : 0;
    return SQL_ERR;
}

void sqlerr_object(sqlerr *e, const char *table, const char *column, const char *constraint)
{
    if (!e) return;
    snprintf(e->schema, sizeof e->schema, "public");
    snprintf(e->table, sizeof e->table, "%s", table ? table : "");
    snprintf(e->column, sizeof e->column, "%s", column ? column : "");
    snprintf(e->constraint, sizeof e->constraint, "%s", constraint ? constraint : "");
}

void sqlerr_context(sqlerr *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->context, sizeof(e->context), fmt, ap);
    va_end(ap);
}

void sqlerr_hint(sqlerr *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
    va_end(ap);
}

void sqlerr_detail(sqlerr *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
    va_end(ap);
}

int sqlerr_oom(sqlerr *e)
{
    return sqlerr_set(e, "53200", -1, "out of memory");
}

int sqlerr_unsupported(sqlerr *e, int offset, const char *what)
{
    return sqlerr_set(e, "0A000", offset, "feature not supported: %s", what);
}
