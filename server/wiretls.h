/*
 * server/wiretls.h — OpenSSL for the SQL port: one server context, one SSL object per
 * connection driven through memory BIOs (the connection feeds ciphertext from libuv reads into
 * the read BIO and sends what appears in the write BIO), so TLS never touches the socket and
 * never blocks the loop.
 *
 * TLS 1.2 and newer only. The context also holds the tls-server-end-point channel-binding
 * data (RFC 5929: hash of the server certificate's DER with its signature hash, SHA-256 when
 * that is MD5 or SHA-1), which SCRAM-SHA-256-PLUS checks.
 * Errors: -1 with a human-readable reason (OpenSSL's error queue text) in err.
 */
#ifndef HELIOS_SERVER_WIRETLS_H
#define HELIOS_SERVER_WIRETLS_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

typedef struct wiretls {
    SSL_CTX *ctx;            /* read-only */
    uint8_t cbind[64];       /* read-only: tls-server-end-point data */
    size_t cbindlen;         /* read-only */
} wiretls;

int wiretls_init(wiretls *t, const char *cert_file, const char *key_file, char *err, size_t errsz);
void wiretls_free(wiretls *t);

/* A server-side SSL in accept state with fresh memory BIOs (owned by the SSL). NULL on OOM. */
SSL *wiretls_new_conn(const wiretls *t, BIO **rbio, BIO **wbio);

#endif
