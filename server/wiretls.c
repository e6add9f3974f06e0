/*
 * server/wiretls.c — OpenSSL server context and per-connection memory-BIO SSL. See wiretls.h.
 */
#include "server/wiretls.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

static void ssl_error(char *err, size_t errsz, const char *what, const char *file)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, errsz, "%s %s: %s", what, file ? file : "", buf);
    ERR_clear_error();
}

/* RFC 5929 §4.1: hash the certificate with its signature's digest, SHA-256 for MD5/SHA-1. */
static int compute_cbind(wiretls *t)
{
    X509 *cert = SSL_CTX_get0_certificate(t->ctx);
    if (!cert) return -1;
    int md_nid = NID_undef, pk_nid;
    if (!OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid)) return -1;
    const EVP_MD *md = (md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_undef)
                           ? EVP_sha256()
                           : EVP_get_digestbynid(md_nid);
    if (!md) return -1;
    unsigned int n = 0;
    if (!X509_digest(cert, md, t->cbind, &n)) return -1;
    t->cbindlen = n;
    return 0;
}

int wiretls_init(wiretls *t, const char *cert_file, const char *key_file, char *err, size_t errsz)
{
    memset(t, 0, sizeof(*t));
    t->ctx = SSL_CTX_new(TLS_server_method());
    if (!t->ctx) {
        ssl_error(err, errsz, "cannot create TLS context", NULL);
        return -1;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_use_certificate_chain_file(t->ctx, cert_file) != 1) {
        ssl_error(err, errsz, "cannot load certificate", cert_file);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(t->ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        ssl_error(err, errsz, "cannot load private key", key_file);
        goto fail;
    }
    if (SSL_CTX_check_private_key(t->ctx) != 1) {
        ssl_error(err, errsz, "private key does not match certificate", key_file);
        goto fail;
    }
    if (compute_cbind(t) < 0) {
        snprintf(err, errsz, "cannot compute channel binding for %s", cert_file);
        goto fail;
    }
    return 0;
fail:
    SSL_CTX_free(t->ctx);
    t->ctx = NULL;
    return -1;
}

void wiretls_free(wiretls *t)
{
    SSL_CTX_free(t->ctx);
    t->ctx = NULL;
}

SSL *wiretls_new_conn(const wiretls *t, BIO **rbio, BIO **wbio)
{
    SSL *ssl = SSL_new(t->ctx);
    if (!ssl) return NULL;
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
    if (!r || !w) {
        BIO_free(r);
        BIO_free(w);
        SSL_free(ssl);
        return NULL;
    }
    /* An empty memory BIO must mean "retry later", not EOF. */
    BIO_set_mem_eof_return(r, -1);
    BIO_set_mem_eof_return(w, -1);
    SSL_set_bio(ssl, r, w);
    SSL_set_accept_state(ssl);
    *rbio = r;
    *wbio = w;
    return ssl;
}
