/* server/sql/sqlerr.c — see sqlerr.h. */
#include "server/sql/sqlerr.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

void sqlerr_clear(sqlerr *e)
{
    if (e) memset(e, 0, sizeof(*e));
}

/* A schema-qualified name carried as "s\x1et" (sqlast.h SQLAST_QUAL) reads "s.t" in a message. */
void sqlerr_dots(char *m)
{
    for (; *m; m++)
        if (*m == SQLAST_QUAL) *m = '.';
}

int sqlerr_set(sqlerr *e, const char *code, int offset, const char *fmt, ...)
{
    if (!e) return SQL_ERR;
    memset(e, 0, sizeof(*e));
    snprintf(e->code, sizeof(e->code), "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    sqlerr_dots(e->message);
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
    sqlerr_dots(e->context);
    va_end(ap);
}

void sqlerr_hint(sqlerr *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
    sqlerr_dots(e->hint);
    va_end(ap);
}

void sqlerr_detail(sqlerr *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
    sqlerr_dots(e->detail);
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

/* ---- the stack guard ---- */

static _Thread_local uintptr_t stack_mark;
static size_t stack_budget_bytes;

static size_t stack_budget(void)
{
    size_t b = __atomic_load_n(&stack_budget_bytes, __ATOMIC_RELAXED);
    if (b) return b;
    struct rlimit rl;
    size_t lim = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > (1u << 20))
        lim = (size_t)rl.rlim_cur;
    if (lim > (64u << 20)) lim = 64u << 20;
    b = lim / 4 * 3;
    __atomic_store_n(&stack_budget_bytes, b, __ATOMIC_RELAXED);
    return b;
}

void sqlerr_stack_mark(void)
{
    stack_mark = (uintptr_t)__builtin_frame_address(0);
    stack_budget();
}

int sqlerr_stack_low(void)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!stack_mark) stack_mark = here; /* no mark: this is as shallow as we know */
    return stack_mark > here && stack_mark - here > stack_budget();
}

int sqlerr_stack_check(sqlerr *e)
{
    if (!sqlerr_stack_low()) return SQL_OK;
    sqlerr_set(e, "54001", -1, "stack depth limit exceeded");
    sqlerr_hint(e, "The statement nests expressions, parentheses or operator chains too deeply; "
                   "split it, or use lists (IN, VALUES, ARRAY[...]) instead of long chains.");
    return SQL_ERR;
}
