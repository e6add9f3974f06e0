/* Fuzz target for replication/replbatch: any bytes either fail to decode (leaving nothing to
 * free) or decode to items that (a) lie inside the input, (b) each decode on their own as a
 * log entry agreeing on origin/seq/hlc, and (c) re-encode through the writer to exactly the
 * input bytes (the format is canonical: one encoding per batch). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replication/replbatch.h"
#include "storage/logentry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    replbatch b;
    if (replbatch_decode(data, size, &b) != 0) {
        if (b.items || b.n) abort();
        return 0;
    }
    replbatch_writer w;
    replbatch_writer_init(&w, b.sender);
    for (size_t i = 0; i < b.n; i++) {
        const replbatch_item *it = &b.items[i];
        if (it->entry < data || it->entry + it->len > data + size) abort();
        uint16_t origin;
        uint64_t seq;
        causal_hlc hlc;
        if (logentry_peek(it->entry, it->len, &origin, &seq, &hlc) != 0) abort();
        if (origin != it->origin || seq != it->seq || hlc != it->hlc) abort();
        if (replbatch_writer_add(&w, it->entry, it->len) != 0) abort();
    }
    uint8_t *out;
    size_t outlen;
    if (replbatch_writer_finish(&w, &out, &outlen) != 0) abort();
    if (outlen != size || memcmp(out, data, size) != 0) abort();
    free(out);
    replbatch_writer_free(&w);
    replbatch_free(&b);
    return 0;
}
