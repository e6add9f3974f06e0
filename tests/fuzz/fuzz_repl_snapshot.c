/* Fuzz target for replication/replsnap: any bytes either fail to decode (leaving nothing
 * allocated after replsnap_msg_free) or decode to a message whose items lie inside the input
 * and that re-encodes to exactly the input bytes (one encoding per message). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replication/replsnap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_items(const replsnap_msg *m, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < m->nitems; i++) {
        const storage_item *it = &m->items[i];
        if (it->key < data || it->key + it->klen > data + size) abort();
        if (it->vlen && (it->val < data || it->val + it->vlen > data + size)) abort();
        if (it->klen == 0) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    replsnap_msg m;
    if (replsnap_decode(data, size, &m) != 0) {
        replsnap_msg_free(&m);
        return 0;
    }
    check_items(&m, data, size);
    codec_buf b;
    codec_buf_init(&b);
    size_t at = 0;
    int rc;
    switch (m.type) {
    case REPLSNAP_CHUNK:
        rc = replsnap_chunk_begin(&b, m.session, m.index, m.last, &m.vv, &at);
        for (size_t i = 0; rc == 0 && i < m.nitems; i++) rc = replsnap_put_item(&b, &m.items[i]);
        if (rc == 0) rc = replsnap_finish(&b, at, m.nitems);
        break;
    case REPLSNAP_ROWS:
        rc = replsnap_rows_begin(&b, &m.vv, &m.sender_vv, m.buckets, m.nbuckets, &at);
        for (size_t i = 0; rc == 0 && i < m.nitems; i++) rc = replsnap_put_item(&b, &m.items[i]);
        if (rc == 0) rc = replsnap_finish(&b, at, m.nitems);
        break;
    case REPLSNAP_DIGEST:
        rc = replsnap_digest_encode(&b, &m.vv, m.leaves);
        break;
    case REPLSNAP_DIGEST_REQ:
        rc = replsnap_digest_req_encode(&b, &m.vv);
        break;
    default:
        abort();
    }
    if (rc != 0) abort();
    if (b.len != size || memcmp(b.data, data, size) != 0) abort();
    codec_buf_free(&b);
    replsnap_msg_free(&m);
    return 0;
}
