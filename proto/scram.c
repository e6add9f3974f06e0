/*
 * proto/scram.c — server side of SCRAM-SHA-256(-PLUS) (see scram.h for the contract).
 *
 * Entry points:
 *   scram_make_verifier, scram_verify_plain, scram_verifier_check   verifiers
 *   scram_set_mock_secret                                           unknown-user salts
 *   scram_new, scram_new_with_nonce, scram_del                      exchange state
 *   scram_client_first, scram_client_final                          the two exchange steps
 *
 * Parsing follows PostgreSQL's auth-scram.c (read_client_first_message /
 * read_client_final_message) so the same inputs are accepted and refused with the same meaning.
 * Every comparison of secret-derived bytes uses CRYPTO_memcmp.
 */
#include "proto/scram.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define SCRAM_RAW_NONCE_LEN 18 /* PostgreSQL's; 24 base64 characters */
#define SCRAM_SALT_MAX 64
#define SCRAM_MOCK_SECRET_MAX 64
#define SCRAM_CBIND_NAME "tls-server-end-point"

enum scram_step { STEP_INIT, STEP_SENT_FIRST, STEP_DONE };

struct scram_state {
    enum scram_step step;
    char *user;
    bool doomed; /* unknown user or unusable verifier: the proof can never succeed */
    int iterations;
    char *salt_b64;
    uint8_t stored_key[SCRAM_KEY_LEN];
    uint8_t server_key[SCRAM_KEY_LEN];
    uint8_t *cbind; /* tls-server-end-point data, NULL without TLS */
    size_t cbindlen;
    char *server_nonce_fixed; /* test-only override */
    /* Filled by client-first: */
    char cbind_flag;  /* 'n', 'y' or 'p' */
    char *gs2_header; /* as received, including the trailing ',' */
    char *client_first_bare;
    char *server_first;
    char *nonce; /* client nonce + server nonce */
};

/* ---- base64 (RFC 4648, standard alphabet, padded, strict on input) ---- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define b64_enclen(n) (((n) + 2) / 3 * 4)

/* Writes b64_enclen(n) characters and a NUL into out. */
static void b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = b64chars[(v >> 18) & 63];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
    }
    out[o] = '\0';
}

static int b64_val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes n characters into out (capacity outsz). Returns the byte count or -1 when the input is
   not canonical padded base64 or does not fit. */
static long b64_decode(const char *in, size_t n, uint8_t *out, size_t outsz)
{
    if (n % 4 != 0) return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            if (in[i + k] == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else {
                if (pad) return -1; /* data after padding */
                v[k] = b64_val(in[i + k]);
                if (v[k] < 0) return -1;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        size_t take = 3 - (size_t)pad;
        if (o + take > outsz) return -1;
        out[o++] = (uint8_t)(w >> 16);
        if (take > 1) out[o++] = (uint8_t)(w >> 8);
        if (take > 2) out[o++] = (uint8_t)w;
    }
    return (long)o;
}

/* ---- SASLprep subset ---- */

static bool is_nonascii_space(uint32_t c)
{
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

static bool is_mapped_to_nothing(uint32_t c)
{
    return c == 0xAD || c == 0x34F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) ||
           (c >= 0x200C && c <= 0x200D) || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) ||
           c == 0xFEFF;
}

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Returns a malloc'd prepared password, or NULL on OOM. Input that is not valid UTF-8 is used
   unchanged, as PostgreSQL does when SASLprep fails. */
static char *saslprep(const char *pw)
{
    size_t n = strlen(pw);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const unsigned char *s = (const unsigned char *)pw;
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        size_t l = utf8_decode(s + i, n - i, &cp);
        if (l == 0) {
            memcpy(out, pw, n + 1);
            return out;
        }
        if (is_nonascii_space(cp)) {
            out[o++] = ' ';
        } else if (!is_mapped_to_nothing(cp)) {
            memcpy(out + o, s + i, l);
            o += l;
        }
        i += l;
    }
    out[o] = '\0';
    return out;
}

/* ---- key derivation ---- */

static int hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t len,
                       uint8_t out[SCRAM_KEY_LEN])
{
    unsigned int outlen = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen)) return -1;
    return outlen == SCRAM_KEY_LEN ? 0 : -1;
}

static int sha256(const void *data, size_t len, uint8_t out[SCRAM_KEY_LEN])
{
    unsigned int outlen = 0;
    if (EVP_Digest(data, len, out, &outlen, EVP_sha256(), NULL) != 1) return -1;
    return outlen == SCRAM_KEY_LEN ? 0 : -1;
}

/* SaltedPassword -> StoredKey, ServerKey (RFC 5802 §3). */
static int derive_keys(const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                       uint8_t stored[SCRAM_KEY_LEN], uint8_t server[SCRAM_KEY_LEN])
{
    uint8_t salted[SCRAM_KEY_LEN], client[SCRAM_KEY_LEN];
    int rc = -1;
    char *prepared = saslprep(password);
    if (!prepared) return -1;
    if (PKCS5_PBKDF2_HMAC(prepared, (int)strlen(prepared), salt, (int)saltlen, iterations,
                          EVP_sha256(), SCRAM_KEY_LEN, salted) != 1)
        goto free_prepared;
    if (hmac_sha256(salted, sizeof salted, "Client Key", 10, client) != 0) goto free_prepared;
    if (sha256(client, sizeof client, stored) != 0) goto free_prepared;
    if (hmac_sha256(salted, sizeof salted, "Server Key", 10, server) != 0) goto free_prepared;
    rc = 0;
free_prepared:
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(client, sizeof client);
    OPENSSL_cleanse(prepared, strlen(prepared));
    free(prepared);
    return rc;
}

/* ---- verifiers ---- */

typedef struct verifier {
    int iterations;
    uint8_t salt[SCRAM_SALT_MAX];
    size_t saltlen;
    const char *salt_b64; /* points into the verifier text */
    size_t salt_b64len;
    uint8_t stored[SCRAM_KEY_LEN];
    uint8_t server[SCRAM_KEY_LEN];
} verifier;

static int parse_verifier(const char *v, verifier *out)
{
    static const char prefix[] = "SCRAM-SHA-256$";
    if (!v || strncmp(v, prefix, sizeof prefix - 1) != 0) return -1;
    const char *p = v + sizeof prefix - 1;
    long long iter = 0;
    if (*p < '1' || *p > '9') return -1;
    while (*p >= '0' && *p <= '9') {
        iter = iter * 10 + (*p++ - '0');
        if (iter > INT_MAX) return -1;
    }
    if (*p++ != ':') return -1;
    const char *salt = p, *dollar = strchr(p, '$');
    if (!dollar || dollar == salt) return -1;
    const char *stored = dollar + 1, *colon = strchr(stored, ':');
    if (!colon) return -1;
    const char *server = colon + 1;
    size_t serverlen = strlen(server);
    long n = b64_decode(salt, (size_t)(dollar - salt), out->salt, sizeof out->salt);
    if (n <= 0) return -1;
    out->saltlen = (size_t)n;
    if (b64_decode(stored, (size_t)(colon - stored), out->stored, SCRAM_KEY_LEN) != SCRAM_KEY_LEN)
        return -1;
    if (b64_decode(server, serverlen, out->server, SCRAM_KEY_LEN) != SCRAM_KEY_LEN) return -1;
    out->iterations = (int)iter;
    out->salt_b64 = salt;
    out->salt_b64len = (size_t)(dollar - salt);
    return 0;
}

int scram_verifier_check(const char *v)
{
    verifier ver;
    return parse_verifier(v, &ver);
}

int scram_make_verifier(const char *password, const uint8_t *salt, size_t saltlen, int iterations,
                        char *out, size_t outsz)
{
    uint8_t rnd[SCRAM_SALT_LEN_DEFAULT];
    uint8_t stored[SCRAM_KEY_LEN], server[SCRAM_KEY_LEN];
    char salt64[b64_enclen(SCRAM_SALT_MAX) + 1], st64[b64_enclen(SCRAM_KEY_LEN) + 1],
        sv64[b64_enclen(SCRAM_KEY_LEN) + 1];
    if (!password || !out || iterations < 1) return -1;
    if (!salt) {
        if (RAND_bytes(rnd, sizeof rnd) != 1) return -1;
        salt = rnd;
        saltlen = sizeof rnd;
    }
    if (saltlen == 0 || saltlen > SCRAM_SALT_MAX) return -1;
    if (derive_keys(password, salt, saltlen, iterations, stored, server) != 0) return -1;
    b64_encode(salt, saltlen, salt64);
    b64_encode(stored, sizeof stored, st64);
    b64_encode(server, sizeof server, sv64);
    int n = snprintf(out, outsz, "SCRAM-SHA-256$%d:%s$%s:%s", iterations, salt64, st64, sv64);
    OPENSSL_cleanse(stored, sizeof stored);
    OPENSSL_cleanse(server, sizeof server);
    return n > 0 && (size_t)n < outsz ? 0 : -1;
}

int scram_verify_plain(const char *v, const char *password)
{
    verifier ver;
    uint8_t stored[SCRAM_KEY_LEN], server[SCRAM_KEY_LEN];
    if (parse_verifier(v, &ver) != 0) return -1;
    if (!password) return 0;
    if (derive_keys(password, ver.salt, ver.saltlen, ver.iterations, stored, server) != 0)
        return -1;
    int match = CRYPTO_memcmp(stored, ver.stored, SCRAM_KEY_LEN) == 0 &&
                CRYPTO_memcmp(server, ver.server, SCRAM_KEY_LEN) == 0;
    OPENSSL_cleanse(stored, sizeof stored);
    OPENSSL_cleanse(server, sizeof server);
    return match;
}

/* ---- mock secret for unknown users ---- */

static pthread_mutex_t mock_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t mock_secret[SCRAM_MOCK_SECRET_MAX];
static size_t mock_secret_len;

int scram_set_mock_secret(const uint8_t *secret, size_t len)
{
    if (!secret || len == 0 || len > SCRAM_MOCK_SECRET_MAX) return -1;
    pthread_mutex_lock(&mock_lock);
    memcpy(mock_secret, secret, len);
    mock_secret_len = len;
    pthread_mutex_unlock(&mock_lock);
    return 0;
}

/* salt = SHA-256(secret || user)[0..16): stable per user, unguessable without the secret. */
static int mock_salt(const char *user, uint8_t salt[SCRAM_SALT_LEN_DEFAULT])
{
    uint8_t digest[SCRAM_KEY_LEN];
    int rc = -1;
    pthread_mutex_lock(&mock_lock);
    if (mock_secret_len == 0) {
        if (RAND_bytes(mock_secret, 32) != 1) goto unlock;
        mock_secret_len = 32;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) goto unlock;
    unsigned int dlen = 0;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, mock_secret, mock_secret_len) == 1 &&
        EVP_DigestUpdate(ctx, user, strlen(user)) == 1 &&
        EVP_DigestFinal_ex(ctx, digest, &dlen) == 1 && dlen == SCRAM_KEY_LEN) {
        memcpy(salt, digest, SCRAM_SALT_LEN_DEFAULT);
        rc = 0;
    }
    EVP_MD_CTX_free(ctx);
unlock:
    pthread_mutex_unlock(&mock_lock);
    return rc;
}

/* ---- exchange state ---- */

static scram_state *state_new(const char *user, const char *v, const uint8_t *cbind,
                              size_t cbindlen, const char *server_nonce)
{
    verifier ver;
    scram_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->user = strdup(user ? user : "");
    if (!s->user) goto fail;
    if (cbind) {
        s->cbind = malloc(cbindlen ? cbindlen : 1);
        if (!s->cbind) goto fail;
        memcpy(s->cbind, cbind, cbindlen);
        s->cbindlen = cbindlen;
    }
    if (server_nonce) {
        s->server_nonce_fixed = strdup(server_nonce);
        if (!s->server_nonce_fixed) goto fail;
    }
    if (parse_verifier(v, &ver) == 0) {
        s->iterations = ver.iterations;
        s->salt_b64 = strndup(ver.salt_b64, ver.salt_b64len);
        if (!s->salt_b64) goto fail;
        memcpy(s->stored_key, ver.stored, SCRAM_KEY_LEN);
        memcpy(s->server_key, ver.server, SCRAM_KEY_LEN);
    } else {
        /* Unknown user (or a verifier we cannot use): same shape of exchange, certain failure. */
        uint8_t salt[SCRAM_SALT_LEN_DEFAULT];
        s->doomed = true;
        s->iterations = SCRAM_ITERATIONS_DEFAULT;
        if (mock_salt(s->user, salt) != 0) goto fail;
        s->salt_b64 = malloc(b64_enclen(sizeof salt) + 1);
        if (!s->salt_b64) goto fail;
        b64_encode(salt, sizeof salt, s->salt_b64);
        if (RAND_bytes(s->stored_key, SCRAM_KEY_LEN) != 1) goto fail;
        if (RAND_bytes(s->server_key, SCRAM_KEY_LEN) != 1) goto fail;
    }
    return s;
fail:
    scram_del(s);
    return NULL;
}

scram_state *scram_new(const char *user, const char *v, const uint8_t *cbind, size_t cbindlen)
{
    return state_new(user, v, cbind, cbindlen, NULL);
}

scram_state *scram_new_with_nonce(const char *user, const char *v, const uint8_t *cbind,
                                  size_t cbindlen, const char *server_nonce)
{
    if (!server_nonce || !*server_nonce || strchr(server_nonce, ',')) return NULL;
    return state_new(user, v, cbind, cbindlen, server_nonce);
}

void scram_del(scram_state *s)
{
    if (!s) return;
    OPENSSL_cleanse(s->stored_key, sizeof s->stored_key);
    OPENSSL_cleanse(s->server_key, sizeof s->server_key);
    free(s->user);
    free(s->salt_b64);
    free(s->cbind);
    free(s->server_nonce_fixed);
    free(s->gs2_header);
    free(s->client_first_bare);
    free(s->server_first);
    free(s->nonce);
    free(s);
}

/* ---- message parsing ---- */

/* A cursor over one SASL message. The message is copied NUL-terminated (embedded NULs are
   refused first), so attribute values can be handed out as C strings by cutting at ','. */
typedef struct cursor {
    char *p;
} cursor;

static bool printable_nonce(const char *n)
{
    if (!*n) return false;
    for (; *n; n++)
        if (*n < 0x21 || *n > 0x7E || *n == ',') return false;
    return true;
}

/* Reads "<attr>=<value>" up to ',' or the end; returns the value (cut in place) or NULL. */
static char *read_attr(cursor *c, char attr)
{
    if (c->p[0] != attr || c->p[1] != '=') return NULL;
    char *v = c->p + 2, *end = strchr(v, ',');
    if (end) {
        *end = '\0';
        c->p = end + 1;
    } else {
        c->p = v + strlen(v);
    }
    return v;
}

/* Reads any "<letter>=<value>" attribute (extensions are allowed and ignored). */
static char *read_any_attr(cursor *c, char *attr)
{
    char a = c->p[0];
    if (!((a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z'))) return NULL;
    *attr = a;
    return read_attr(c, a);
}

static char *copy_message(const uint8_t *msg, size_t len)
{
    if (!msg || memchr(msg, '\0', len)) return NULL;
    char *m = malloc(len + 1);
    if (!m) return NULL;
    memcpy(m, msg, len);
    m[len] = '\0';
    return m;
}

static int set_out(const char *text, char **out, size_t *outlen)
{
    *out = strdup(text);
    if (!*out) return -1;
    if (outlen) *outlen = strlen(text);
    return 0;
}

#define PROTO_ERR(text)                                                                            \
    do {                                                                                           \
        *errmsg = (text);                                                                          \
        rc = SCRAM_EPROTO;                                                                         \
        goto free_msg;                                                                             \
    } while (0)

int scram_client_first(scram_state *s, const char *mechanism, const uint8_t *msg, size_t len,
                       char **out, size_t *outlen, const char **errmsg)
{
    static const char *dummy;
    int rc = -1;
    char *m = NULL;
    if (!errmsg) errmsg = &dummy;
    *errmsg = "internal error";
    if (!s || !out || s->step != STEP_INIT) return -1;
    *out = NULL;
    s->step = STEP_DONE; /* any failure ends the exchange */

    bool plus;
    if (mechanism && strcmp(mechanism, SCRAM_MECHANISM) == 0) {
        plus = false;
    } else if (mechanism && strcmp(mechanism, SCRAM_MECHANISM_PLUS) == 0 && s->cbind) {
        plus = true;
    } else {
        *errmsg = "client selected an invalid SASL authentication mechanism";
        return SCRAM_EPROTO;
    }
    if (!msg || memchr(msg, '\0', len)) {
        *errmsg = "malformed SCRAM message (contains a NUL byte)";
        return SCRAM_EPROTO;
    }
    m = copy_message(msg, len);
    if (!m) return -1;
    cursor c = {m};

    /* gs2-cbind-flag */
    switch (*c.p) {
    case 'n':
        if (plus)
            PROTO_ERR("The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not "
                      "include channel binding data.");
        c.p++;
        break;
    case 'y':
        if (plus)
            PROTO_ERR("The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not "
                      "include channel binding data.");
        /* The client could bind but believes we cannot: we offered -PLUS, so someone in the
           middle removed it from the mechanism list. */
        if (s->cbind)
            PROTO_ERR("SCRAM channel binding negotiation error: the client supports channel "
                      "binding but thinks the server does not");
        c.p++;
        break;
    case 'p':
        if (!plus)
            PROTO_ERR("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM "
                      "message includes channel binding data.");
        if (strncmp(c.p, "p=" SCRAM_CBIND_NAME ",", sizeof("p=" SCRAM_CBIND_NAME ",") - 1) != 0)
            PROTO_ERR("unsupported SCRAM channel-binding type (only tls-server-end-point)");
        c.p += sizeof("p=" SCRAM_CBIND_NAME) - 1;
        break;
    default:
        PROTO_ERR("malformed SCRAM message: unexpected channel-binding flag");
    }
    s->cbind_flag = m[0];
    if (*c.p++ != ',') PROTO_ERR("malformed SCRAM message: comma expected");
    if (*c.p == 'a') PROTO_ERR("client uses authorization identity, but it is not supported");
    if (*c.p++ != ',') PROTO_ERR("malformed SCRAM message: comma expected");
    s->gs2_header = strndup(m, (size_t)(c.p - m));
    if (!s->gs2_header) goto free_msg;

    /* client-first-message-bare */
    if (*c.p == 'm') PROTO_ERR("client requires an unsupported SCRAM extension");
    s->client_first_bare = strdup(c.p);
    if (!s->client_first_bare) goto free_msg;
    /* The user name is ignored: the StartupMessage user is the identity (as in PostgreSQL). */
    if (!read_attr(&c, 'n')) PROTO_ERR("malformed SCRAM message: user name attribute expected");
    char *cnonce = read_attr(&c, 'r');
    if (!cnonce || !printable_nonce(cnonce))
        PROTO_ERR("malformed SCRAM message: invalid client nonce");
    while (*c.p) {
        char attr;
        if (!read_any_attr(&c, &attr)) PROTO_ERR("malformed SCRAM message: bad attribute");
    }

    char snonce[b64_enclen(SCRAM_RAW_NONCE_LEN) + 1];
    if (s->server_nonce_fixed) {
        /* test-only path */
    } else {
        uint8_t raw[SCRAM_RAW_NONCE_LEN];
        if (RAND_bytes(raw, sizeof raw) != 1) goto free_msg;
        b64_encode(raw, sizeof raw, snonce);
    }
    const char *sn = s->server_nonce_fixed ? s->server_nonce_fixed : snonce;
    size_t nlen = strlen(cnonce) + strlen(sn);
    s->nonce = malloc(nlen + 1);
    if (!s->nonce) goto free_msg;
    snprintf(s->nonce, nlen + 1, "%s%s", cnonce, sn);

    size_t flen = nlen + strlen(s->salt_b64) + 32;
    s->server_first = malloc(flen);
    if (!s->server_first) goto free_msg;
    snprintf(s->server_first, flen, "r=%s,s=%s,i=%d", s->nonce, s->salt_b64, s->iterations);
    if (set_out(s->server_first, out, outlen) != 0) goto free_msg;
    s->step = STEP_SENT_FIRST;
    *errmsg = NULL;
    rc = 0;
free_msg:
    free(m);
    return rc;
}

int scram_client_final(scram_state *s, const uint8_t *msg, size_t len, char **out, size_t *outlen,
                       const char **errmsg)
{
    static const char *dummy;
    int rc = -1;
    char *m = NULL, *expect = NULL;
    uint8_t proof[SCRAM_KEY_LEN], client_sig[SCRAM_KEY_LEN], client_key[SCRAM_KEY_LEN];
    uint8_t stored[SCRAM_KEY_LEN], server_sig[SCRAM_KEY_LEN];
    char *auth_msg = NULL;
    if (!errmsg) errmsg = &dummy;
    *errmsg = "internal error";
    if (!s || !out || s->step != STEP_SENT_FIRST) return -1;
    *out = NULL;
    s->step = STEP_DONE;
    m = copy_message(msg, len);
    if (!m) {
        if (!msg || memchr(msg, '\0', len)) {
            *errmsg = "malformed SCRAM message (contains a NUL byte)";
            return SCRAM_EPROTO;
        }
        return -1;
    }
    /* client-final-message-without-proof ends right before ",p=" (proof is the last attribute). */
    char *proof_at = strstr(m, ",p=");
    while (proof_at && strstr(proof_at + 1, ",p="))
        proof_at = strstr(proof_at + 1, ",p=");
    if (!proof_at) PROTO_ERR("malformed SCRAM message: proof expected");
    size_t without_proof_len = (size_t)(proof_at - m);

    cursor c = {m};
    char *cb64 = read_attr(&c, 'c');
    if (!cb64) PROTO_ERR("malformed SCRAM message: channel binding attribute expected");
    /* c= must be base64(gs2 header [+ cbind data]): it proves the client saw the same
       negotiation and, with -PLUS, the same TLS server certificate as we did. */
    size_t gs2len = strlen(s->gs2_header);
    size_t explen = gs2len + (s->cbind_flag == 'p' ? s->cbindlen : 0);
    expect = malloc(explen + 1);
    if (!expect) goto free_msg;
    memcpy(expect, s->gs2_header, gs2len);
    if (s->cbind_flag == 'p') memcpy(expect + gs2len, s->cbind, s->cbindlen);
    size_t cb64len = strlen(cb64);
    uint8_t *got = malloc(cb64len / 4 * 3 + 1);
    if (!got) goto free_msg;
    long gotlen = b64_decode(cb64, cb64len, got, cb64len / 4 * 3 + 1);
    bool cb_ok = gotlen >= 0 && (size_t)gotlen == explen && CRYPTO_memcmp(got, expect, explen) == 0;
    free(got);
    if (!cb_ok) {
        if (s->cbind_flag == 'p') {
            *errmsg = "SCRAM channel binding check failed";
            rc = SCRAM_EAUTH;
            goto free_msg;
        }
        PROTO_ERR("unexpected SCRAM channel-binding attribute in client-final-message");
    }
    char *nonce = read_attr(&c, 'r');
    if (!nonce || strcmp(nonce, s->nonce) != 0)
        PROTO_ERR("malformed SCRAM message: nonce does not match");
    while (c.p < m + without_proof_len + 1) {
        char attr;
        if (!read_any_attr(&c, &attr) || attr == 'p')
            PROTO_ERR("malformed SCRAM message: bad attribute");
    }
    char *p64 = read_attr(&c, 'p');
    if (!p64 || *c.p) PROTO_ERR("malformed SCRAM message: proof must be the last attribute");
    if (b64_decode(p64, strlen(p64), proof, sizeof proof) != SCRAM_KEY_LEN)
        PROTO_ERR("malformed SCRAM message: invalid proof");

    /* AuthMessage = client-first-bare "," server-first "," client-final-without-proof */
    size_t la = strlen(s->client_first_bare), lb = strlen(s->server_first);
    auth_msg = malloc(la + lb + without_proof_len + 3);
    if (!auth_msg) goto free_msg;
    memcpy(auth_msg, s->client_first_bare, la);
    auth_msg[la] = ',';
    memcpy(auth_msg + la + 1, s->server_first, lb);
    auth_msg[la + 1 + lb] = ',';
    memcpy(auth_msg + la + lb + 2, msg, without_proof_len);
    size_t amlen = la + lb + 2 + without_proof_len;

    if (hmac_sha256(s->stored_key, SCRAM_KEY_LEN, auth_msg, amlen, client_sig) != 0) goto free_msg;
    for (int i = 0; i < SCRAM_KEY_LEN; i++)
        client_key[i] = proof[i] ^ client_sig[i];
    if (sha256(client_key, sizeof client_key, stored) != 0) goto free_msg;
    bool ok = CRYPTO_memcmp(stored, s->stored_key, SCRAM_KEY_LEN) == 0 && !s->doomed;
    if (!ok) {
        *errmsg = "password authentication failed";
        rc = SCRAM_EAUTH;
        goto free_msg;
    }
    if (hmac_sha256(s->server_key, SCRAM_KEY_LEN, auth_msg, amlen, server_sig) != 0) goto free_msg;
    char final[2 + b64_enclen(SCRAM_KEY_LEN) + 1] = "v=";
    b64_encode(server_sig, sizeof server_sig, final + 2);
    if (set_out(final, out, outlen) != 0) goto free_msg;
    *errmsg = NULL;
    rc = 0;
free_msg:
    OPENSSL_cleanse(client_key, sizeof client_key);
    free(auth_msg);
    free(expect);
    free(m);
    return rc;
}
