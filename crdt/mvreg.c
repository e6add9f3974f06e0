/* crdt/mvreg.c — multi-value register over a dot kernel (see crdt.h): an assign replaces every
 * value it observed; concurrent assigns all stay until one that observed them replaces them. */
#include "crdt/crdt.h"

int mvreg_assign(kernel *k, const void *v, size_t n, causal_dot dot, kernel *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    if (n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    return kernel_apply(k, kernel_all, NULL, dot, v, n, delta);
}

int mvreg_add(kernel *k, const void *v, size_t n, causal_dot dot, kernel *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    if (n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    return kernel_apply(k, NULL, NULL, dot, v, n, delta);
}

int mvreg_check(const uint8_t *p, size_t n)
{
    (void)p;
    return n > CRDT_MAX_VALUE ? CRDT_EBADENC : 0;
}
