/*
 * proto/scram.h — server side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677),
 * as PostgreSQL speaks it inside AuthenticationSASL / SASLInitialResponse / SASLResponse.
 *
 * The exchange is a two-step state machine driven by the connection code:
 *
 *   scram_new(user, verifier, cbind)      (verifier from the users file; cbind = TLS end-point
 * hash) scram_client_first(mechanism, data)   -> server-first-message "r=<nonce>,s=<salt>,i=<iter>"
 *   scram_client_final(data)              -> server-final-message "v=<ServerSignature>"
 *   scram_del()
 *
 * Verifier format (PostgreSQL's pg_authid.rolpassword, so verifiers can be copied both ways):
 *   SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
 *
 * Behaviour that matches PostgreSQL 15 and that clients rely on (see CLIENTS.md §4):
 *  - the "n=" user name in client-first is ignored (libpq sends "n=", JDBC/node "n=*"): the
 *    StartupMessage user given to scram_new is the identity;
 *  - client nonces are opaque printable ASCII (JDBC sends '"', '#', '}' ...), never decoded;
 *  - an unknown user (verifier NULL or unparsable) gets a complete exchange with a mock salt that
 *    is deterministic per user name, and fails only at the proof, so a client cannot probe which
 *    users exist. The mock salt is derived from a process secret (random at first use) unless
 *    the server sets a persistent one with scram_set_mock_secret;
 *  - channel binding: only "tls-server-end-point" is supported. When the server has TLS (cbind
 *    non-NULL) it offers -PLUS, so a client that sends "y" (supports binding, thinks the server
 *    does not) is a downgrade and is refused (SCRAM_EPROTO). "p=..." with the plain mechanism, or
 *    the -PLUS mechanism without TLS, is refused too. With -PLUS, c= must decode to the gs2
 *    header followed by cbind, else SCRAM_EAUTH;
 *  - authorization identities ("a=") and mandatory extensions ("m=") are refused (SCRAM_EPROTO).
 *
 * Passwords are normalised with a subset of SASLprep (RFC 4013): pure ASCII is used as is
 * (as PostgreSQL does); non-ASCII spaces map to U+0020 and "commonly mapped to nothing"
 * characters are removed. NFKC normalisation is NOT applied: a password whose NFKC form differs
 * from its input (ligatures, full-width forms) will not match a libpq client. Documented caveat.
 *
 * Ownership: every argument is borrowed; scram_new copies what it keeps. Output messages
 * (*out) are malloc'd and owned by the caller. *errmsg always points to static text.
 * Thread-safety: a scram_state belongs to one connection; the free functions are thread-safe.
 * Pure: libc + OpenSSL crypto, no I/O, no logging.
 */
#ifndef HELIOS_PROTO_SCRAM_H
#define HELIOS_PROTO_SCRAM_H

#include <stddef.h>
#include <stdint.h>

#define SCRAM_ITERATIONS_DEFAULT 4096
#define SCRAM_SALT_LEN_DEFAULT 16
#define SCRAM_KEY_LEN 32 /* SHA-256 */
/* Longest verifier scram_make_verifier can produce with a salt of up to 64 bytes. */
#define SCRAM_VERIFIER_MAX 256
#define SCRAM_MECHANISM "SCRAM-SHA-256"
#define SCRAM_MECHANISM_PLUS "SCRAM-SHA-256-PLUS"

enum { SCRAM_EPROTO = -2, SCRAM_EAUTH = -3 };

/* Builds "SCRAM-SHA-256$<iter>:<salt b64>$<StoredKey b64>:<ServerKey b64>" (PostgreSQL's format).
   salt NULL -> 16 random bytes (OpenSSL RAND_bytes). Returns 0 or -1 (bad argument, out too
   small, or an OpenSSL failure). */
int scram_make_verifier(const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                        char *out, size_t outsz);

/* For cleartext-password auth against a stored verifier: 1 match, 0 no match, <0 bad verifier.
   The comparison is constant-time. */
int scram_verify_plain(const char *verifier, const char *password);

/* 0 if verifier is well formed (iterations in 1..INT_MAX, salt non-empty, keys exactly 32 bytes),
   -1 otherwise. Used by users_parse to reject a bad line early. */
int scram_verifier_check(const char *verifier);

/* Secret that derives the mock salt of unknown users. Give a persistent one (for example from the
   data directory) so the mock salt of a user name does not change across restarts; without it a
   random secret is drawn on first use. len 1..64. Returns 0 or -1. Call before serving clients. */
int scram_set_mock_secret(const uint8_t *secret, size_t len);

typedef struct scram_state scram_state;

/* verifier NULL = unknown user: run the exchange with a fake, deterministic-per-user verifier so
   the failure is indistinguishable. cbind = tls-server-end-point hash of the server cert (NULL when
   no TLS). Returns NULL on OOM. */
scram_state *scram_new(const char *user, const char *verifier, const uint8_t *cbind,
                       size_t cbindlen);

/* TEST ONLY: as scram_new, but the server nonce suffix is `server_nonce` (printable ASCII without
   ',') instead of 18 random bytes in base64, so known test vectors can be replayed. */
scram_state *scram_new_with_nonce(const char *user, const char *verifier, const uint8_t *cbind,
                                  size_t cbindlen, const char *server_nonce);

void scram_del(scram_state *s); /* NULL is fine */

/* mechanism is "SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS". On success *out (malloc'd, caller frees) is
   the server-first-message. Returns 0, or SCRAM_EPROTO (malformed; *errmsg static text).
   Also returns -1 on OOM or when called out of order. */
int scram_client_first(scram_state *s, const char *mechanism, const uint8_t *msg, size_t len,
                       char **out, size_t *outlen, const char **errmsg);

/* Returns 0 (authenticated; *out = server-final "v=..."), SCRAM_EAUTH (bad password / unknown user
   / channel-binding mismatch), or SCRAM_EPROTO. -1 on OOM or when called out of order. On
   SCRAM_EAUTH the server must answer 28P01 "password authentication failed for user" (the same text
   for every cause), on SCRAM_EPROTO 08P01 with *errmsg. */
int scram_client_final(scram_state *s, const uint8_t *msg, size_t len, char **out, size_t *outlen,
                       const char **errmsg);

#endif
