/* Fuzz target for storage/logentry: any bytes either fail to decode or decode to an entry
 * whose re-encoding is byte-identical to the input (the format is canonical), and the header
 * peek agrees with the full decode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/logentry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    logentry e;
    logentry_init(&e);
    if (logentry_decode(data, size, &e) != 0) return 0;

    uint16_t origin;
    uint64_t seq;
    causal_hlc hlc;
    if (logentry_peek(data, size, &origin, &seq, &hlc) != 0) abort();
    if (origin != e.origin || seq != e.seq || hlc != e.hlc) abort();

    codec_buf b;
    codec_buf_init(&b);
    if (logentry_encode(&b, &e) == 0) {
        if (b.len != size || memcmp(b.data, data, size) != 0) abort();
    }
    codec_buf_free(&b);
    logentry_free(&e);
    return 0;
}
