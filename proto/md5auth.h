/*
 * proto/md5auth.h — PostgreSQL's md5 password authentication (AuthenticationMD5Password, code 5).
 *
 * Stored form: "md5" + hex(md5(password || user)) — 35 characters, as in pg_authid. On the wire the
 * server sends a 4-byte random salt and the client answers
 *   "md5" + hex(md5(hex(md5(password || user)) || salt))
 * so the server only needs the stored form, never the password. md5 auth is weak (the stored form
 * is password-equivalent); HeliosDB only allows it for users created with `--md5`.
 *
 * Output buffers are char[36]: 35 characters and a NUL. Pure: OpenSSL's MD5, no I/O.
 */
#ifndef HELIOS_PROTO_MD5AUTH_H
#define HELIOS_PROTO_MD5AUTH_H

#include <stdint.h>

#define MD5AUTH_LEN 35 /* "md5" + 32 hex digits */

/* What the client must send for this salt: "md5" + md5(hex(md5(password+user)) + salt).
   md5_stored must be a valid stored form (see md5auth_valid); otherwise out is "" . */
void md5auth_salted_hash(const char *md5_stored /* "md5"+32 hex */, const uint8_t salt[4],
                         char out[36]);

/* The stored form: "md5" + hex(md5(password + user)). */
void md5auth_stored(const char *user, const char *password, char out[36]);

/* 1 if s is "md5" followed by exactly 32 lowercase hex digits, else 0. */
int md5auth_valid(const char *s);

/* Checks a client's PasswordMessage against the stored form and the salt that was sent:
   1 match, 0 no match (constant-time compare), -1 bad stored form. */
int md5auth_check(const char *md5_stored, const uint8_t salt[4], const char *client_response);

#endif
