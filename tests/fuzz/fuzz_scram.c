/* Fuzz target for the SCRAM server exchange (pre-authentication input from any client).
 * Byte 0 chooses the setting (bit 0: TLS with channel-binding data, bit 1: mechanism -PLUS,
 * bit 2: known user); the rest is client-first '\n' client-final. Invariants beyond "no crash":
 * an unknown user never authenticates, a failed step hands out no message, a server-first
 * message always extends the client's nonce, and no step runs after a failure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/scram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t cbind[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                  7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char verifier[SCRAM_VERIFIER_MAX];
    if (!verifier[0]) {
        static const uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        if (scram_make_verifier("pw", salt, sizeof salt, 1, verifier, sizeof verifier) != 0)
            abort();
    }
    if (size < 1) return 0;
    int flags = data[0];
    const uint8_t *msg = data + 1;
    size_t len = size - 1;
    const uint8_t *nl = memchr(msg, '\n', len);
    size_t first_len = nl ? (size_t)(nl - msg) : len;
    bool known = flags & 4;
    scram_state *s = scram_new("alice", known ? verifier : NULL, flags & 1 ? cbind : NULL,
                               flags & 1 ? sizeof cbind : 0);
    if (!s) abort();
    char *out = (char *)1;
    size_t outlen = 0;
    const char *err = NULL;
    int rc = scram_client_first(s, flags & 2 ? SCRAM_MECHANISM_PLUS : SCRAM_MECHANISM, msg,
                                first_len, &out, &outlen, &err);
    if (rc != 0) {
        if (out != NULL || err == NULL) abort();
        /* the exchange is over: a client-final must be refused */
        if (scram_client_final(s, msg, len, &out, &outlen, &err) != -1) abort();
        scram_del(s);
        return 0;
    }
    if (strncmp(out, "r=", 2) != 0 || strlen(out) != outlen) abort();
    const char *r = memmem(msg, first_len, ",r=", 3);
    if (!r) abort();
    const char *cn = r + 3;
    const char *cn_end = memchr(cn, ',', first_len - (size_t)(cn - (const char *)msg));
    size_t cnlen = cn_end ? (size_t)(cn_end - cn) : first_len - (size_t)(cn - (const char *)msg);
    if (strncmp(out + 2, cn, cnlen) != 0) abort();
    free(out);
    if (nl) {
        out = (char *)1;
        rc = scram_client_final(s, nl + 1, len - first_len - 1, &out, &outlen, &err);
        if (rc == 0 && !known) abort(); /* an unknown user can never authenticate */
        if (rc == 0 && strncmp(out, "v=", 2) != 0) abort();
        if (rc != 0 && out != NULL) abort();
        free(out);
    }
    scram_del(s);
    return 0;
}
