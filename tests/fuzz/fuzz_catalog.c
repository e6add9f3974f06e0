/* Fuzz target for the catalog codec (server/sql/sqlschema.h): a table, view or sequence
 * definition as it is stored and replicated between regions, so bytes from a peer. Beyond "no
 * crash, no UB, no leak":
 *   - the encoding is canonical: an accepted input re-encodes to exactly the same bytes;
 *   - a decoded definition is consistent: key positions name distinct columns, every CHECK has
 *     a name, an oid and an expression, a column comment belongs to a column of the table;
 *   - sqlschema_copy (encode + decode) of an accepted definition succeeds and encodes the same.
 * Seeds (tests/fuzz/corpus/fuzz_catalog) hold every format: plain, view, sequence, foreign
 * keys, and format 5 with comments and CHECK constraints, with and without a generation; and
 * index definitions (server/sql/sqlindex.h, first byte 0x49): plain, UNIQUE constraint, gin,
 * expression keys, INCLUDE. The same properties hold for them (canonical, consistent, copy).
 * Role, membership, privilege and owner values (server/sql/sqlrole.h, first byte 'R', 'M',
 * 'A', 'O'): the decoders accept only canonical bytes, and the merge order is a total order
 * (antisymmetric, and 0 only for equal bytes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "server/sql/sqlindex.h"
#include "server/sql/sqlrole.h"
#include "server/sql/sqlenum.h"
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

static void index_encode_same(const sqlindex_def *d, const uint8_t *data, size_t size)
{
    codec_buf b;
    codec_buf_init(&b);
    if (sqlindex_encode(d, &b) != 0) abort();
    if (b.len != size || memcmp(b.data, data, size) != 0) abort();
    codec_buf_free(&b);
}

static int index_def(const uint8_t *data, size_t size)
{
    sqlindex_def *d = NULL;
    sqlerr err;
    if (sqlindex_decode(data, size, &d, &err) != SQL_OK) {
        if (d) abort();
        if (strlen(err.code) != 5) abort();
        return 0;
    }
    if (!d || !d->name || !*d->name || !d->oid || !d->table_id || d->ncols < 1 ||
        d->ncols > SQLINDEX_MAX_COLUMNS || d->ninclude < 0 || d->ninclude > SQLINDEX_MAX_COLUMNS)
        abort();
    if (d->gin && (d->ncols != 1 || d->unique || d->expr[0])) abort();
    for (int k = 0; k < d->ncols; k++)
        if ((d->col[k] == 0) != (d->expr[k] != NULL) || (d->expr[k] && !*d->expr[k])) abort();
    index_encode_same(d, data, size);
    sqlindex_def *c = NULL;
    if (sqlindex_copy(d, &c, &err) != SQL_OK) abort();
    index_encode_same(c, data, size);
    sqlindex_free(c);
    sqlindex_free(d);
    return 0;
}

static int role_value(const uint8_t *data, size_t size)
{
    codec_buf b;
    codec_buf_init(&b);
    if (data[0] == 'R') {
        static const uint8_t key[] = "role.fuzz";
        sqlrole r;
        if (sqlrole_decode(data, size, key, sizeof key - 1, &r) == 0) {
            if (strcmp(r.name, "fuzz") || r.oid < 16384 || sqlrole_encode(&r, &b)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    } else if (data[0] == 'M' || data[0] == 'A') {
        uint64_t gen;
        int g;
        uint32_t grantor = 0;
        if (sqlrole_flag_level(data, size, (char)data[0], &gen, &g, &grantor) == 0) {
            if (g < 0 || g > 2 || sqlrole_flag_encode(&b, (char)data[0], gen, g, grantor)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    } else if (data[0] == 'E') { /* an enum type's entry: round trip */
        uint64_t gen;
        bool live;
        uint32_t oid, owner;
        if (sqlenum_type_decode(data, size, &gen, &live, &oid, &owner) == 0) {
            if (sqlenum_type_encode(&b, gen, live, oid, owner)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    } else if (data[0] == 'L') { /* an enum label's entry: round trip, ordered registry */
        uint64_t gen;
        bool present;
        double sort;
        if (sqlenum_label_decode(data, size, &gen, &present, &sort) == 0) {
            if (sqlenum_label_encode(&b, gen, present, sort)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
            char label[8];
            snprintf(label, sizeof label, "l%02x", data[size - 1]);
            if (sqlenum_register(0x10001u, "fuzz", label, sort) == 0) {
                double got;
                if (!sqlenum_sort(0x10001u, label, &got) || got != sort) abort();
            }
        }
    } else if (data[0] == 'X') { /* an extension's entry: round trip */
        uint64_t gen;
        bool on;
        uint32_t oid, owner;
        const uint8_t *cm;
        size_t cl;
        if (sqlrole_ext_decode(data, size, &gen, &on, &oid, &owner, &cm, &cl) == 0) {
            char *c = cl ? strndup((const char *)cm, cl) : NULL;
            if (cl && !c) abort();
            if (sqlrole_ext_encode(&b, gen, on, oid, owner, c)) abort();
            free(c);
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    } else if (data[0] == 'N') { /* a schema's entry: round trip */
        uint64_t gen;
        bool live;
        char name[64];
        if (sqlrole_nsp_decode(data, size, &gen, &live, name) == 0) {
            if (sqlrole_nsp_encode(&b, gen, live, name)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    } else {
        uint64_t gen;
        uint32_t owner;
        if (sqlrole_owner_decode(data, size, &gen, &owner) == 0) {
            if (sqlrole_owner_encode(&b, gen, owner)) abort();
            if (b.len != size || memcmp(b.data, data, size)) abort();
        }
    }
    codec_buf_free(&b);
    /* the merge order against the input with its last byte changed */
    if (size >= 10) {
        uint8_t *o = malloc(size);
        if (!o) abort();
        memcpy(o, data, size);
        o[size - 1] ^= 1;
        int ab = sqlrole_order(data, size, o, size), ba = sqlrole_order(o, size, data, size);
        if (ab == 2 ? ba != 2 : (ab != -ba || ab == 0)) abort();
        if (sqlrole_order(data, size, data, size) != 0) abort();
        free(o);
    }
    return 0;
}

/* acl item keys (acl. / aclg. / acol.): a key that parses is rebuilt byte for byte */
static int acl_key(const uint8_t *data, size_t size)
{
    uint32_t obj, grantee, grantor;
    int col, bit;
    if (sqlrole_aclitem_parse(data, size, &obj, &col, &grantee, &bit, &grantor)) return 0;
    uint8_t k[SQLROLE_KEY_MAX];
    size_t kl = sqlrole_aclitem_key(k, obj, col, grantee, bit, grantor);
    if (bit < 0 || bit >= SQLPRIV_NBITS || kl != size || memcmp(k, data, size)) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size && data[0] == SQLINDEX_FORMAT) return index_def(data, size);
    if (size > 4 && !memcmp(data, "acl", 3)) return acl_key(data, size);
    if (size && (data[0] == 'R' || data[0] == 'M' || data[0] == 'A' || data[0] == 'O'))
        return role_value(data, size);
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
