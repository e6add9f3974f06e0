/* Fuzz target for the catalog codec (server/sql/sqlschema.h): a table, view or sequence
 * definition as it is stored and replicated between regions, so bytes from a peer. Beyond "no
 * crash, no UB, no leak":
 *   - the encoding is canonical: an accepted input re-encodes to exactly the same bytes;
 *   - a decoded definition is consistent: key positions name distinct columns, every CHECK has
 *     a name, an oid and an expression, a column comment belongs to a column of the table;
 *   - sqlschema_copy (encode + decode) of an accepted definition succeeds and encodes the same.
 * Seeds (tests/fuzz/corpus/fuzz_catalog) hold every format: plain, view, sequence, foreign
 * keys, and format 5 with comments and CHECK constraints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "server/sql/sqlschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode_same(const sqlschema_table *t, const uint8_t *data, size_t size)
{
    codec_buf b;
    codec_buf_init(&b);
    if (sqlschema_encode(t, &b) != SQL_OK) abort();
    if (b.len != size || memcmp(b.data, data, size) != 0) abort();
    codec_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sqlschema_table *t = NULL;
    sqlerr err;
    if (sqlschema_decode(data, size, &t, &err) != SQL_OK) {
        if (t) abort();
        if (strlen(err.code) != 5) abort();
        return 0;
    }
    if (!t || !t->name || t->ncols < 1) abort();
    for (int k = 0; k < t->npk; k++) {
        if (t->pk[k] < 0 || t->pk[k] >= t->ncols || t->cols[t->pk[k]].pk_pos != k) abort();
        for (int j = 0; j < k; j++)
            if (t->pk[j] == t->pk[k]) abort();
    }
    for (int i = 0; i < t->nchecks; i++)
        if (!t->checks[i].name || !t->checks[i].expr || !*t->checks[i].expr || !t->checks[i].oid)
            abort();
    for (int i = 0; i < t->ncols; i++)
        if (!t->cols[i].name || !t->cols[i].type_name || (t->cols[i].comment && !*t->cols[i].comment))
            abort();
    encode_same(t, data, size);
    sqlschema_table *c = NULL;
    if (sqlschema_copy(t, &c, &err) != SQL_OK) abort();
    encode_same(c, data, size);
    sqlschema_free(c);
    sqlschema_free(t);
    return 0;
}
