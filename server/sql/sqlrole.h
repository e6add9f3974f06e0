/*
 * server/sql/sqlrole.h — roles, memberships, owners and privileges: their catalog entries,
 * codecs and merge order, and the checks the engine makes with them.
 *
 * Roles and grants are catalog entries, replicated like DDL (a commit's catalog changes), one
 * key per fact so that concurrent changes in two regions touch different keys where they can:
 *
 *   "role." + name                  a role: 'R', u64 generation, u32 oid, u8 flags (bit0
 *                                   SUPERUSER, bit1 LOGIN, bit2 CREATEROLE, bit3 INHERIT, bit4
 *                                   dropped, bit5 CREATEDB, bit6 VALID UNTIL set, bit7
 *                                   REPLICATION), svarint CONNECTION LIMIT (-1 none), svarint
 *                                   VALID UNTIL (unix microseconds, with bit6), SCRAM verifier
 *                                   (uvarint length <= 512, 0: no password)
 *   "member." + u32 role + u32 member   membership: 'M', u64 generation, u8 level (0 revoked,
 *                                   1 member, 2 WITH ADMIN OPTION)
 *   "acl." + u32 object + u32 grantee (0: PUBLIC) + u8 privilege bit
 *                                   a privilege the owner granted: 'A', u64 generation, u8 level
 *                                   (0 revoked, 1 granted, 2 WITH GRANT OPTION), u32 grantor
 *   "aclg." + u32 object + u32 grantee + u8 bit + u32 grantor (not 0)
 *                                   a privilege another role passed on with its grant option:
 *                                   an 'A' value. PostgreSQL keeps one acl item per (grantee,
 *                                   grantor): so does this, and REVOKE ... CASCADE follows them
 *   "acol." + u32 object + u16 column id + u32 grantee + u8 bit + u32 grantor (0: the owner)
 *                                   a column privilege (SELECT, INSERT, UPDATE, REFERENCES):
 *                                   an 'A' value
 *   "owner." + u32 object           'O', u64 generation, u32 owner role oid
 *   "ext." + name                   CREATE EXTENSION (sqlrun.c): 'X', u64 generation, u8
 *                                   installed (0: dropped), u32 oid, u32 owner, then its COMMENT
 *                                   (the rest of the value, none when empty)
 *   "nsp." + u32 oid                CREATE SCHEMA (sqlrun_schema.c): 'N', u64 generation, u8 live
 *                                   (0: dropped), name (1..63 bytes, the rest of the value);
 *                                   ALTER SCHEMA ... RENAME writes the same key again
 *   "defacl." + u32 role + u8 object type ('r' tables and views, 'S' sequences) + u8 in schema
 *   public (0: everywhere) + u32 grantee + u8 privilege bit
 *                                   ALTER DEFAULT PRIVILEGES: an 'A' value; the objects the
 *                                   role creates afterwards get the privilege
 *
 * Objects are tables, views and sequences (their ids) and schema public (its oid, 2200). An
 * object without an owner entry belongs to the bootstrap superuser (oid 10): the users-file
 * users, and every login that is not a role under a trust rule (--dev), are that role.
 *
 * Merge (sx_catalog_merge): each key is a last-writer-wins register ordered by generation (the
 * HLC of the statement that wrote it); at equal generations a revocation beats a grant and a
 * drop beats an alter, then the bytes decide. So concurrent GRANT and REVOKE of one privilege
 * converge to whichever ran later, and to the revocation when they tie; grants of different
 * privileges never overwrite each other. A role keeps its name as key: CREATE ROLE of one name
 * in two regions at once leaves the later one (its oid); privileges granted to the other oid
 * during the partition then name nobody and are ignored.
 *
 * Decoders are strict and bounded (fuzzed by tests/fuzz/fuzz_catalog.c).
 */
#ifndef HELIOS_SERVER_SQL_SQLROLE_H
#define HELIOS_SERVER_SQL_SQLROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"

#define SQLROLE_BOOTSTRAP 10u /* the bootstrap superuser's oid, as in PostgreSQL */
#define SQLROLE_PUBLIC 0u     /* grantee PUBLIC in acl keys */
#define SQLROLE_NSP_PUBLIC 2200u
#define SQLROLE_VERIFIER_MAX 512

/* role flags */
enum {
    SQLROLE_SUPER = 1,
    SQLROLE_LOGIN = 2,
    SQLROLE_CREATEROLE = 4,
    SQLROLE_INHERIT = 8,
    SQLROLE_DROPPED = 16,
    SQLROLE_CREATEDB = 32,
    SQLROLE_HAS_VALID = 64,
    SQLROLE_REPLICATION = 128,
};

/* privilege bits: PostgreSQL's ACL letters arwdDxt (tables) and UC (schemas) */
enum {
    SQLPRIV_INSERT = 1 << 0,     /* a */
    SQLPRIV_SELECT = 1 << 1,     /* r */
    SQLPRIV_UPDATE = 1 << 2,     /* w */
    SQLPRIV_DELETE = 1 << 3,     /* d */
    SQLPRIV_TRUNCATE = 1 << 4,   /* D */
    SQLPRIV_REFERENCES = 1 << 5, /* x */
    SQLPRIV_TRIGGER = 1 << 6,    /* t */
    SQLPRIV_USAGE = 1 << 7,      /* U (schemas, sequences) */
    SQLPRIV_CREATE = 1 << 8,     /* C (schemas) */
    SQLPRIV_TABLE_ALL = 0x7f,
    SQLPRIV_SCHEMA_ALL = SQLPRIV_USAGE | SQLPRIV_CREATE,
};
#define SQLPRIV_NBITS 9

typedef struct sqlrole {
    uint64_t gen;
    uint32_t oid;
    uint8_t flags;
    int64_t connlimit;   /* -1: none */
    int64_t valid_until; /* unix microseconds, with SQLROLE_HAS_VALID */
    char name[64];
    char verifier[SQLROLE_VERIFIER_MAX + 1]; /* "" none */
} sqlrole;

/* keys (return their length; buffers of SQLROLE_KEY_MAX) */
#define SQLROLE_KEY_MAX 80
size_t sqlrole_key(uint8_t *out, const char *name);
size_t sqlrole_member_key(uint8_t *out, uint32_t role, uint32_t member);
size_t sqlrole_acl_key(uint8_t *out, uint32_t obj, uint32_t grantee, int bit);
size_t sqlrole_owner_key(uint8_t *out, uint32_t obj);
size_t sqlrole_defacl_key(uint8_t *out, uint32_t role, char objtype, bool in_schema, uint32_t grantee,
                          int bit);
int sqlrole_defacl_key_parse(const uint8_t *k, size_t kl, uint32_t *role, char *objtype,
                             bool *in_schema, uint32_t *grantee, int *bit);

/* Which kind of key: 'R', 'M', 'A', 'G' (aclg.), 'C' (acol.), 'O', 'D' (defacl), or 0 (not one
 * of these). */
int sqlrole_key_kind(const uint8_t *k, size_t kl);

int sqlrole_encode(const sqlrole *r, codec_buf *b);
/* name comes from the key; returns 0 or -1 (malformed). */
int sqlrole_decode(const uint8_t *v, size_t vl, const uint8_t *key, size_t kl, sqlrole *out);

/* 'M' and 'A' values: granted flag (and grantor for 'A'); 'O': the owner. */
/* level: 0 revoked, 1 granted, 2 granted WITH GRANT OPTION ('A') / WITH ADMIN OPTION ('M') */
int sqlrole_flag_encode(codec_buf *b, char kind, uint64_t gen, int level, uint32_t grantor);
int sqlrole_flag_decode(const uint8_t *v, size_t vl, char kind, uint64_t *gen, bool *granted,
                        uint32_t *grantor);
int sqlrole_flag_level(const uint8_t *v, size_t vl, char kind, uint64_t *gen, int *level,
                       uint32_t *grantor);

/* An acl item's key, whichever family it lives in: col -1 is the object itself, else a column
 * id; grantor 0 is the object's owner (an "acl." key for the object itself). */
size_t sqlrole_aclitem_key(uint8_t *out, uint32_t obj, int col, uint32_t grantee, int bit,
                           uint32_t grantor);
/* The prefix of one object's keys in family 'A' (acl.), 'G' (aclg.) or 'C' (acol.). */
size_t sqlrole_aclitem_prefix(uint8_t *out, int family, uint32_t obj);
/* Parses a key of any of the three families; 0 or -1. */
int sqlrole_aclitem_parse(const uint8_t *k, size_t kl, uint32_t *obj, int *col, uint32_t *grantee,
                          int *bit, uint32_t *grantor);
int sqlrole_owner_encode(codec_buf *b, uint64_t gen, uint32_t owner);
/* "ext." + name (at most 63 bytes): an extension's entry */
size_t sqlrole_ext_key(uint8_t *out, const char *name);
/* comment: COMMENT ON EXTENSION's text (NULL: none), the rest of the value */
int sqlrole_ext_encode(codec_buf *b, uint64_t gen, bool installed, uint32_t oid, uint32_t owner,
                       const char *comment);
int sqlrole_ext_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *installed, uint32_t *oid,
                       uint32_t *owner, const uint8_t **comment, size_t *clen);
int sqlrole_owner_decode(const uint8_t *v, size_t vl, uint64_t *gen, uint32_t *owner);
/* "nsp." + u32 oid: a schema's entry; name of at most 63 bytes (copied NUL-terminated into a
 * buffer of 64) */
#define SQLROLE_NSP_PREFIX "nsp."
size_t sqlrole_nsp_key(uint8_t *out, uint32_t oid);
int sqlrole_nsp_key_parse(const uint8_t *k, size_t kl, uint32_t *oid);
int sqlrole_nsp_encode(codec_buf *b, uint64_t gen, bool live, const char *name);
int sqlrole_nsp_decode(const uint8_t *v, size_t vl, uint64_t *gen, bool *live, char name[64]);

/* Total order of two values of one key, for the catalog merge: <0 a loses, >0 a wins, 0 equal;
   2 when either is not a role/member/acl/owner value. */
int sqlrole_order(const uint8_t *a, size_t al, const uint8_t *b, size_t bl);

/* Parses a key: member (role, member), acl (obj, grantee, bit), owner (obj). 0 or -1. */
int sqlrole_member_key_parse(const uint8_t *k, size_t kl, uint32_t *role, uint32_t *member);
int sqlrole_acl_key_parse(const uint8_t *k, size_t kl, uint32_t *obj, uint32_t *grantee, int *bit);
int sqlrole_owner_key_parse(const uint8_t *k, size_t kl, uint32_t *obj);

/* PostgreSQL's ACL letter of a privilege bit, and the privilege names ("SELECT" ...). */
char sqlpriv_letter(int bit);
const char *sqlpriv_name(int bit);
/* "select" / "SELECT" -> bit mask, 0 unknown */
unsigned sqlpriv_parse(const char *name);

#endif
