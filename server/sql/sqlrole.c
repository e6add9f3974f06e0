/*
 * server/sql/sqlrole.c — role, membership, privilege and owner catalog entries (sqlrole.h).
 */
#include "server/sql/sqlrole.h"
#include "server/sql/sqlenum.h"

#include <string.h>
#include <strings.h>

#define K_ROLE "role."
#define K_MEMBER "member."
#define K_ACL "acl."
#define K_OWNER "owner."
#define K_EXT "ext."

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t sqlrole_key(uint8_t *out, const char *name)
{
    size_t n = strlen(name);
    if (n > 63) n = 63;
    memcpy(out, K_ROLE, 5);
    memcpy(out + 5, name, n);
    return 5 + n;
}

size_t sqlrole_member_key(uint8_t *out, uint32_t role, uint32_t member)
{
    memcpy(out, K_MEMBER, 7);
    put32(out + 7, role);
    put32(out + 11, member);
    return 15;
}

size_t sqlrole_acl_key(uint8_t *out, uint32_t obj, uint32_t grantee, int bit)
{
    memcpy(out, K_ACL, 4);
    put32(out + 4, obj);
    put32(out + 8, grantee);
    out[12] = (uint8_t)bit;
    return 13;
}

#define K_ACLG "aclg."
#define K_ACOL "acol."

size_t sqlrole_aclitem_key(uint8_t *out, uint32_t obj, int col, uint32_t grantee, int bit,
                           uint32_t grantor)
{
    if (col < 0 && !grantor) return sqlrole_acl_key(out, obj, grantee, bit);
    size_t o = 5;
    memcpy(out, col < 0 ? K_ACLG : K_ACOL, 5);
    put32(out + o, obj), o += 4;
    if (col >= 0) out[o] = (uint8_t)(col >> 8), out[o + 1] = (uint8_t)col, o += 2;
    put32(out + o, grantee), o += 4;
    out[o++] = (uint8_t)bit;
    put32(out + o, grantor), o += 4;
    return o;
}

size_t sqlrole_aclitem_prefix(uint8_t *out, int family, uint32_t obj)
{
    memcpy(out, family == 'A' ? K_ACL : family == 'G' ? K_ACLG : K_ACOL, family == 'A' ? 4 : 5);
    size_t o = family == 'A' ? 4 : 5;
    put32(out + o, obj);
    return o + 4;
}

int sqlrole_aclitem_parse(const uint8_t *k, size_t kl, uint32_t *obj, int *col, uint32_t *grantee,
                          int *bit, uint32_t *grantor)
{
    int kind = sqlrole_key_kind(k, kl);
    if (kind == 'A') {
        *col = -1;
        *grantor = 0;
        return sqlrole_acl_key_parse(k, kl, obj, grantee, bit);
    }
    if (kind != 'G' && kind != 'C') return -1;
    size_t o = 5;
    *obj = get32(k + o), o += 4;
    *col = -1;
    if (kind == 'C') *col = k[o] << 8 | k[o + 1], o += 2;
    *grantee = get32(k + o), o += 4;
    *bit = k[o++];
    *grantor = get32(k + o);
    return 0;
}

size_t sqlrole_owner_key(uint8_t *out, uint32_t obj)
{
    memcpy(out, K_OWNER, 6);
    put32(out + 6, obj);
    return 10;
}

#define K_DEFACL "defacl."

size_t sqlrole_defacl_key(uint8_t *out, uint32_t role, char objtype, bool in_schema, uint32_t grantee,
                          int bit)
{
    memcpy(out, K_DEFACL, 7);
    put32(out + 7, role);
    out[11] = (uint8_t)objtype;
    out[12] = in_schema ? 1 : 0;
    put32(out + 13, grantee);
    out[17] = (uint8_t)bit;
    return 18;
}

int sqlrole_defacl_key_parse(const uint8_t *k, size_t kl, uint32_t *role, char *objtype,
                             bool *in_schema, uint32_t *grantee, int *bit)
{
    if (sqlrole_key_kind(k, kl) != 'D') return -1;
    *role = get32(k + 7);
    *objtype = (char)k[11];
    *in_schema = k[12] == 1;
    *grantee = get32(k + 13);
    *bit = k[17];
    return 0;
}

int sqlrole_key_kind(const uint8_t *k, size_t kl)
{
    if (kl == 18 && !memcmp(k, K_DEFACL, 7) && (k[11] == 'r' || k[11] == 'S') && k[12] <= 1 &&
        k[17] < SQLPRIV_NBITS)
        return 'D';
    if (kl > 5 && kl <= 5 + 63 && !memcmp(k, K_ROLE, 5)) return 'R';
    if (kl == 15 && !memcmp(k, K_MEMBER, 7)) return 'M';
    if (kl == 13 && !memcmp(k, K_ACL, 4) && k[12] < SQLPRIV_NBITS) return 'A';
    /* grants by another grantor than the owner (never 0), and column grants (grantor 0: the
     * owner) */
    if (kl == 18 && !memcmp(k, K_ACLG, 5) && k[13] < SQLPRIV_NBITS && (k[14] | k[15] | k[16] | k[17]))
        return 'G';
    if (kl == 20 && !memcmp(k, K_ACOL, 5) && k[15] < SQLPRIV_NBITS) return 'C';
    if (kl == 10 && !memcmp(k, K_OWNER, 6)) return 'O';
    if (kl > 4 && kl <= 4 + 63 && !memcmp(k, K_EXT, 4)) return 'X';
    if (kl == 8 && !memcmp(k, SQLROLE_NSP_PREFIX, 4)) return 'N';
    int e = sqlenum_key_kind(k, kl); /* enum types and labels live in the same store */
    if (e) return e;
    return 0;
}

int sqlrole_member_key_parse(const uint8_t *k, size_t kl, uint32_t *role, uint32_t *member)
{
    if (sqlrole_key_kind(k, kl) != 'M') return -1;
    *role = get32(k + 7);
    *member = get32(k + 11);
    return 0;
}

int sqlrole_acl_key_parse(const uint8_t *k, size_t kl, uint32_t *obj, uint32_t *grantee, int *bit)
{
    if (sqlrole_key_kind(k, kl) != 'A') return -1;
    *obj = get32(k + 4);
    *grantee = get32(k + 8);
    *bit = k[12];
    return 0;
}

int sqlrole_owner_key_parse(const uint8_t *k, size_t kl, uint32_t *obj)
{
    if (sqlrole_key_kind(k, kl) != 'O') return -1;
    *obj = get32(k + 6);
    return 0;
}

int sqlrole_encode(const sqlrole *r, codec_buf *b)
{
    codec_put_u8(b, 'R');
    codec_put_u64(b, r->gen);
    codec_put_u32(b, r->oid);
    codec_put_u8(b, r->flags);
    codec_put_svarint(b, r->connlimit);
    if (r->flags & SQLROLE_HAS_VALID) codec_put_svarint(b, r->valid_until);
    codec_put_bytes(b, r->verifier, strlen(r->verifier));
    return b->err ? -1 : 0;
}

/* The decoders accept exactly what the encoders write: a value is decoded, re-encoded and
 * compared, so no two byte strings mean one value (the merge compares bytes). */
static bool same_bytes(const codec_buf *b, const uint8_t *v, size_t vl)
{
    return !b->err && b->len == vl && !memcmp(b->data, v, vl);
}

int sqlrole_decode(const uint8_t *v, size_t vl, const uint8_t *key, size_t kl, sqlrole *out)
{
    memset(out, 0, sizeof *out);
    if (sqlrole_key_kind(key, kl) != 'R') return -1;
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0;
    const uint8_t *ver = NULL;
    size_t verl = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, &out->gen);
    codec_get_u32(&r, &out->oid);
    codec_get_u8(&r, &out->flags);
    codec_get_svarint(&r, &out->connlimit);
    if (out->flags & SQLROLE_HAS_VALID) codec_get_svarint(&r, &out->valid_until);
    codec_get_bytes(&r, &ver, &verl, SQLROLE_VERIFIER_MAX);
    if (r.err || tag != 'R' || codec_rd_left(&r) || out->oid < 16384 || out->connlimit < -1 ||
        out->connlimit > 0x7fffffff)
        return -1;
    memcpy(out->name, key + 5, kl - 5);
    out->name[kl - 5] = 0;
    if (memchr(out->name, 0, kl - 5)) return -1;
    if (verl) memcpy(out->verifier, ver, verl);
    out->verifier[verl] = 0;
    if (memchr(out->verifier, 0, verl)) return -1;
    codec_buf b;
    codec_buf_init(&b);
    sqlrole_encode(out, &b);
    bool ok = same_bytes(&b, v, vl);
    codec_buf_free(&b);
    return ok ? 0 : -1;
}

int sqlrole_flag_encode(codec_buf *b, char kind, uint64_t gen, int level, uint32_t grantor)
{
    codec_put_u8(b, (uint8_t)kind);
    codec_put_u64(b, gen);
    codec_put_u8(b, (uint8_t)(level < 0 ? 0 : level > 2 ? 2 : level));
    if (kind == 'A') codec_put_u32(b, grantor);
    return b->err ? -1 : 0;
}

int sqlrole_flag_decode(const uint8_t *v, size_t vl, char kind, uint64_t *gen, bool *granted,
                        uint32_t *grantor)
{
    int level;
    if (sqlrole_flag_level(v, vl, kind, gen, &level, grantor)) return -1;
    *granted = level > 0;
    return 0;
}

int sqlrole_flag_level(const uint8_t *v, size_t vl, char kind, uint64_t *gen, int *level,
                       uint32_t *grantor)
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0, g = 0;
    uint32_t gr = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u8(&r, &g);
    if (kind == 'A') codec_get_u32(&r, &gr);
    if (r.err || tag != (uint8_t)kind || (kind != 'A' && kind != 'M') || g > 2 || codec_rd_left(&r))
        return -1;
    *level = g;
    if (grantor) *grantor = gr;
    return 0;
}

size_t sqlrole_ext_key(uint8_t *out, const char *name)
{
    size_t n = strlen(name);
    if (n > 63) n = 63;
    memcpy(out, K_EXT, 4);
    memcpy(out + 4, name, n);
    return 4 + n;
}

int sqlrole_ext_encode(codec_buf *b, uint64_t gen, bool installed, uint32_t oid, uint32_t owner,
                       const char *comment)
{
    codec_put_u8(b, 'X');
    codec_put_u64(b, gen);
    codec_put_u8(b, installed ? 1 : 0);
    codec_put_u32(b, oid);
    codec_put_u32(b, owner);
    if (comment) codec_put_raw(b, comment, strlen(comment));
    return b->err ? -1 : 0;
}

int sqlrole_ext_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *installed, uint32_t *oid,
                       uint32_t *owner, const uint8_t **comment, size_t *clen)
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0, g = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u8(&r, &g);
    codec_get_u32(&r, oid);
    codec_get_u32(&r, owner);
    size_t left = codec_rd_left(&r);
    if (r.err || tag != 'X' || g > 1 || !*oid || memchr(v + 18, 0, left) || left > (1u << 20)) return -1;
    *installed = g == 1;
    if (comment) *comment = left ? v + 18 : NULL;
    if (clen) *clen = left;
    return 0;
}

size_t sqlrole_nsp_key(uint8_t *out, uint32_t oid)
{
    memcpy(out, SQLROLE_NSP_PREFIX, 4);
    for (int i = 0; i < 4; i++) out[4 + i] = (uint8_t)(oid >> (24 - 8 * i));
    return 8;
}

int sqlrole_nsp_key_parse(const uint8_t *k, size_t kl, uint32_t *oid)
{
    if (kl != 8 || memcmp(k, SQLROLE_NSP_PREFIX, 4)) return -1;
    *oid = (uint32_t)k[4] << 24 | (uint32_t)k[5] << 16 | (uint32_t)k[6] << 8 | k[7];
    return *oid ? 0 : -1;
}

int sqlrole_nsp_encode(codec_buf *b, uint64_t gen, bool live, const char *name)
{
    size_t n = strlen(name);
    codec_put_u8(b, 'N');
    codec_put_u64(b, gen);
    codec_put_u8(b, live ? 1 : 0);
    codec_put_raw(b, name, n > 63 ? 63 : n);
    return b->err ? -1 : 0;
}

int sqlrole_nsp_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *live, char name[64])
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0, g = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u8(&r, &g);
    size_t n = codec_rd_left(&r);
    if (r.err || tag != 'N' || g > 1 || n < 1 || n > 63 || memchr(v + 10, 0, n)) return -1;
    memcpy(name, v + 10, n);
    name[n] = 0;
    *live = g == 1;
    return 0;
}

int sqlrole_owner_encode(codec_buf *b, uint64_t gen, uint32_t owner)
{
    codec_put_u8(b, 'O');
    codec_put_u64(b, gen);
    codec_put_u32(b, owner);
    return b->err ? -1 : 0;
}

int sqlrole_owner_decode(const uint8_t *v, size_t vl, uint64_t *gen, uint32_t *owner)
{
    codec_rd r;
    codec_rd_init(&r, v, vl);
    uint8_t tag = 0;
    codec_get_u8(&r, &tag);
    codec_get_u64(&r, gen);
    codec_get_u32(&r, owner);
    return r.err || tag != 'O' || codec_rd_left(&r) ? -1 : 0;
}

int sqlrole_order(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    if (al < 10 || bl < 10 || a[0] != b[0] ||
        (a[0] != 'R' && a[0] != 'M' && a[0] != 'A' && a[0] != 'O' && a[0] != 'X' && a[0] != 'E' &&
         a[0] != 'L' && a[0] != 'N'))
        return 2;
    uint64_t ga = 0, gb = 0;
    for (int i = 1; i < 9; i++) ga = ga << 8 | a[i], gb = gb << 8 | b[i];
    if (ga != gb) return ga < gb ? -1 : 1;
    /* a tie: the revocation (granted byte 0) and the drop (flag bit4) win */
    if (a[0] == 'M' || a[0] == 'A' || a[0] == 'X' || a[0] == 'E' || a[0] == 'L' || a[0] == 'N') {
        /* X: DROP EXTENSION, E: DROP TYPE, N: DROP SCHEMA win */
        if (a[9] != b[9]) return a[9] < b[9] ? 1 : -1;
    } else if (a[0] == 'R' && al > 13 && bl > 13) {
        bool da = a[13] & SQLROLE_DROPPED, db = b[13] & SQLROLE_DROPPED;
        if (da != db) return da ? 1 : -1;
    }
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    if (c) return c < 0 ? -1 : 1;
    return al < bl ? -1 : al > bl;
}

static const struct {
    char letter;
    const char *name;
} privs[SQLPRIV_NBITS] = {
    {'a', "INSERT"}, {'r', "SELECT"},     {'w', "UPDATE"}, {'d', "DELETE"}, {'D', "TRUNCATE"},
    {'x', "REFERENCES"}, {'t', "TRIGGER"}, {'U', "USAGE"}, {'C', "CREATE"},
};

char sqlpriv_letter(int bit)
{
    return bit >= 0 && bit < SQLPRIV_NBITS ? privs[bit].letter : '?';
}

const char *sqlpriv_name(int bit)
{
    return bit >= 0 && bit < SQLPRIV_NBITS ? privs[bit].name : "?";
}

unsigned sqlpriv_parse(const char *name)
{
    for (int i = 0; i < SQLPRIV_NBITS; i++)
        if (!strcasecmp(name, privs[i].name)) return 1u << i;
    return 0;
}
