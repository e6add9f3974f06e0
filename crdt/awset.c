/* crdt/awset.c — add-wins set over a dot kernel (see crdt.h). No tombstones: a removed
 * element's dots live on only in the causal context, which gc compacts (kernel_fill). */
#include "crdt/crdt.h"

#include <string.h>

static bool same_element(const kernel_entry *e, const void *ctx)
{
    const crdt_bytes *x = ctx;
    return e->n == x->n && (x->n == 0 || memcmp(e->p, x->p, x->n) == 0);
}

int awset_add(kernel *k, const void *x, size_t n, causal_dot dot, kernel *delta)
{
    if (dot.node == 0) return CRDT_EINVAL;
    if (n > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    crdt_bytes b = {x, n};
    return kernel_apply(k, same_element, &b, dot, x, n, delta);
}

int awset_add_many(kernel *k, const void *const *xs, const size_t *ns, size_t count,
                   causal_dot first, kernel *delta)
{
    int rc = kernel_check_many(first, count);
    if (rc) return rc;
    for (size_t i = 0; i < count; i++)
        if (ns[i] > CRDT_MAX_VALUE) return CRDT_ELIMIT;
    /* an element is both the key its add observes and the payload it adds */
    return kernel_apply_many(k, kernel_payload, xs, ns, xs, ns, count, first, delta);
}

int awset_remove(kernel *k, const void *x, size_t n, kernel *delta)
{
    crdt_bytes b = {x, n};
    causal_dot none = {0, 0};
    return kernel_apply(k, same_element, &b, none, NULL, 0, delta);
}

bool awset_contains(const kernel *k, const void *x, size_t n)
{
    crdt_bytes b = {x, n};
    for (uint32_t i = 0; i < k->len; i++)
        if (same_element(&k->e[i], &b)) return true;
    return false;
}

int awset_check(const uint8_t *p, size_t n)
{
    (void)p;
    return n > CRDT_MAX_VALUE ? CRDT_EBADENC : 0;
}
