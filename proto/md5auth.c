/*
 * proto/md5auth.c — PostgreSQL md5 password hashing (see md5auth.h).
 *
 * Entry points: md5auth_stored, md5auth_salted_hash, md5auth_valid, md5auth_check.
 */
#include "proto/md5auth.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* hex(md5(a || b)) into out[32], no NUL. Returns 0 or -1 (OpenSSL failure). */
static int md5_hex2(const void *a, size_t alen, const void *b, size_t blen, char out[32])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    int rc = -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) return -1;
    if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1) goto free_ctx;
    if (EVP_DigestUpdate(ctx, a, alen) != 1) goto free_ctx;
    if (EVP_DigestUpdate(ctx, b, blen) != 1) goto free_ctx;
    if (EVP_DigestFinal_ex(ctx, digest, &dlen) != 1 || dlen != 16) goto free_ctx;
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    rc = 0;
free_ctx:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int md5auth_valid(const char *s)
{
    if (!s || strncmp(s, "md5", 3) != 0) return 0;
    for (int i = 3; i < MD5AUTH_LEN; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    }
    return s[MD5AUTH_LEN] == '\0';
}

void md5auth_stored(const char *user, const char *password, char out[36])
{
    memcpy(out, "md5", 3);
    if (md5_hex2(password, strlen(password), user, strlen(user), out + 3) != 0) {
        out[0] = '\0';
        return;
    }
    out[MD5AUTH_LEN] = '\0';
}

void md5auth_salted_hash(const char *md5_stored, const uint8_t salt[4], char out[36])
{
    out[0] = '\0';
    if (!md5auth_valid(md5_stored)) return;
    memcpy(out, "md5", 3);
    if (md5_hex2(md5_stored + 3, 32, salt, 4, out + 3) != 0) {
        out[0] = '\0';
        return;
    }
    out[MD5AUTH_LEN] = '\0';
}

int md5auth_check(const char *md5_stored, const uint8_t salt[4], const char *client_response)
{
    char expect[36];
    if (!md5auth_valid(md5_stored)) return -1;
    md5auth_salted_hash(md5_stored, salt, expect);
    if (expect[0] == '\0') return -1;
    /* Length first (it is public: always 35 for a well-formed answer), then constant time. */
    if (!client_response || strlen(client_response) != MD5AUTH_LEN) return 0;
    return CRYPTO_memcmp(expect, client_response, MD5AUTH_LEN) == 0;
}
