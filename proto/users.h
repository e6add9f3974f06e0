/*
 * proto/users.h — the users file (config key sql.auth.users_file), parsed and formatted.
 *
 * Text, one user per line; blank lines and lines whose first non-blank character is '#' are
 * ignored; a trailing '\r' is tolerated (files edited on Windows):
 *
 *   # name:scram-verifier[:md5-stored]
 *   alice:SCRAM-SHA-256$4096:<salt b64>$<StoredKey b64>:<ServerKey b64>
 *   bob:SCRAM-SHA-256$4096:...$...:...:md5<32 hex>
 *   carol:md5<32 hex>
 *
 * The SCRAM verifier is PostgreSQL's format (it contains two ':' itself, which is why the fields
 * are recognised by their prefixes rather than split blindly). The md5 part is optional: only
 * users created with `--md5` can use md5 auth. A line with neither is refused.
 * User names: 1..63 bytes (PostgreSQL's NAMEDATALEN-1), no ':', no control characters, no
 * leading/trailing space and not starting with '#'. A duplicate name is an error.
 *
 * Pure: reading and writing the file happens in server/ and heliosctl. users_parse either
 * returns a complete database or nothing, so a bad edit can never half-load.
 * Ownership: users_parse allocates *out (free with users_del_db); entries and their strings live
 * as long as the db. Errors: 0, -1 (malformed; err holds "line N: reason"), -2 (out of memory).
 */
#ifndef HELIOS_PROTO_USERS_H
#define HELIOS_PROTO_USERS_H

#include <stddef.h>

#define USERS_NAME_MAX 63

enum { USERS_EPARSE = -1, USERS_ENOMEM = -2 };

typedef struct users_entry {
    const char *name;  /* never NULL */
    const char *scram; /* SCRAM-SHA-256 verifier, or NULL */
    const char *md5;   /* "md5" + 32 hex, or NULL */
} users_entry;

typedef struct users_db users_db;

/* Parses len bytes of text (need not be NUL-terminated). On error *out is NULL and err (if
   errsz > 0) holds "line N: reason". Returns 0, USERS_EPARSE or USERS_ENOMEM. */
int users_parse(const char *text, size_t len, users_db **out, char *err, size_t errsz);

/* Exact (case-sensitive, as PostgreSQL role names) lookup; NULL if absent or db is NULL. */
const users_entry *users_find(const users_db *db, const char *name);

size_t users_count(const users_db *db);
/* Entries in file order, i < users_count. NULL when out of range. */
const users_entry *users_at(const users_db *db, size_t i);

void users_del_db(users_db *db); /* NULL is fine */

/* 1 if name is acceptable as a user name (rules above), else 0. */
int users_name_valid(const char *name);

/* Writes "name:scram[:md5]\n" (either of scram/md5 may be NULL, not both) into out, NUL-terminated.
   Returns the line length (without the NUL), -1 on an invalid name/verifier, or -3 when outsz is
   too small. */
int users_format_line(const char *name, const char *scram, const char *md5, char *out,
                      size_t outsz);

#endif
