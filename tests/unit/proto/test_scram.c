/* Unit tests for proto/scram: RFC 7677's test vector, a psql exchange captured against PostgreSQL
 * 15 (CLIENTS.md §2, password "pw"), verifiers produced by PostgreSQL 15 itself, channel binding
 * (-PLUS, the "y" downgrade), unknown users, and malformed messages. A small independent SCRAM
 * client below (OpenSSL one-shot calls, no code shared with proto/scram.c) drives the live paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "proto/scram.h"

/* Verifiers read from pg_authid.rolpassword of a throwaway PostgreSQL 15.20 cluster after
   CREATE ROLE ... PASSWORD '<pw>' with password_encryption=scram-sha-256. */
static const struct {
    const char *password;
    const char *verifier;
} pg_verifiers[] = {
    {"pencil", "SCRAM-SHA-256$4096:VExAOZTcMw0eXG4hnHWJOQ==$VPCgxaJ//T64bo+yVYBtRN6RPFtib9ZBExB/"
               "EkNyLTI=:JKgWlDUMx9LvTRqNr1srYH4cf/L1uUm/5s51V5UrmJ8="},
    {"correct horse battery staple",
     "SCRAM-SHA-256$4096:tWW0Wd9T/sI5w09Ev7C2xw==$9uLnhlwvrspyzyop1PjaLFQrHfieUb6wnaub+GfZgjo=:"
     "dzc4NV2Gic6vNgSifLzeeX5eLOyV0Tu29XLrrv8H3iM="},
    {"p\xc3\xa4ssw\xc3\xb6rd", /* pässwörd */
     "SCRAM-SHA-256$4096:aic1P6wENC5gRU3AXxAvBQ==$aekJCLI4AxTV6+A7hhgE3M6yxEet9YDhQP7IKVYvEN8=:"
     "bewKoSRdNfN3YMhn9IeWOZLLGd1/xUGl1Pnu5kMqjoI="},
    /* SASLprep: a soft hyphen (U+00AD) is mapped to nothing, so this is "password" */
    {"pass\xc2\xadword",
     "SCRAM-SHA-256$4096:2KqYl8d4TlXvGlzpJfpvYg==$65taXn/L6vwrUBs+gyM3v1949pChs+NMjB8saGY6OqE=:"
     "uatWfEryhKPMnEgDe7eH9/BNj4/Ux+Hbnu1+tHfu/Hs="},
    /* SASLprep: a no-break space (U+00A0) is mapped to a space */
    {"a\xc2\xa0"
     "b",
     "SCRAM-SHA-256$4096:3XYg/aTD76StDWDVyik17w==$IjiypbM952XfWlz1FYKjIq9Rhvb2bR4xZdCITLE582g=:"
     "5xcVpc3OJBEpIXTjrQmjF/hQaQE0oaeNnH7e+qQ7CuI="},
};

/* ---- independent test client ---- */

static void tb64(const uint8_t *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static size_t tunb64(const char *in, uint8_t *out)
{
    size_t n = strlen(in);
    int len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
    assert_true(len >= 0);
    while (n > 0 && in[n - 1] == '=')
        n--, len--;
    return (size_t)len;
}

/* Given server-first and the client's own messages, computes "c=...,r=...,p=..." for password. */
static void client_final_for(const char *password, const char *client_first_bare,
                             const char *server_first, const char *cbind_b64, char *out,
                             size_t outsz)
{
    char nonce[256], salt64[128];
    int iter;
    assert_int_equal(sscanf(server_first, "r=%255[^,],s=%127[^,],i=%d", nonce, salt64, &iter), 3);
    uint8_t salt[96], salted[32], ck[32], sk[32], cs[32], proof[32];
    size_t saltlen = tunb64(salt64, salt);
    assert_int_equal(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)saltlen, iter,
                                       EVP_sha256(), 32, salted),
                     1);
    unsigned int l = 0;
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Client Key", 10, ck, &l);
    EVP_Digest(ck, 32, sk, &l, EVP_sha256(), NULL);
    char without_proof[512], auth[1024];
    snprintf(without_proof, sizeof without_proof, "c=%s,r=%s", cbind_b64, nonce);
    snprintf(auth, sizeof auth, "%s,%s,%s", client_first_bare, server_first, without_proof);
    HMAC(EVP_sha256(), sk, 32, (const unsigned char *)auth, strlen(auth), cs, &l);
    for (int i = 0; i < 32; i++)
        proof[i] = ck[i] ^ cs[i];
    char p64[64];
    tb64(proof, 32, p64);
    snprintf(out, outsz, "%s,p=%s", without_proof, p64);
}

/* Runs a whole exchange; returns client_final's result. */
static int run_exchange(const char *verifier, const uint8_t *cbind, size_t cbindlen,
                        const char *mechanism, const char *gs2, const char *password,
                        const uint8_t *client_cbind, size_t client_cbindlen)
{
    scram_state *s = scram_new("alice", verifier, cbind, cbindlen);
    assert_non_null(s);
    char first[256], *out = NULL;
    size_t outlen = 0;
    const char *err = NULL;
    snprintf(first, sizeof first, "%sn=,r=fyko+d2lbbFgONRv9qkxdawL", gs2);
    int rc = scram_client_first(s, mechanism, (const uint8_t *)first, strlen(first), &out, &outlen,
                                &err);
    if (rc != 0) {
        scram_del(s);
        return rc;
    }
    assert_int_equal(outlen, strlen(out));
    /* c= is base64(gs2 header + channel binding data) */
    uint8_t cbin[256];
    size_t gl = strlen(gs2);
    memcpy(cbin, gs2, gl);
    if (client_cbind) memcpy(cbin + gl, client_cbind, client_cbindlen);
    char cb64[400], final[700];
    tb64(cbin, gl + client_cbindlen, cb64);
    client_final_for(password, first + gl, out, cb64, final, sizeof final);
    free(out);
    out = NULL;
    rc = scram_client_final(s, (const uint8_t *) final, strlen(final), &out, &outlen, &err);
    if (rc == 0) {
        assert_non_null(out);
        assert_memory_equal(out, "v=", 2);
    } else {
        assert_null(out);
        assert_non_null(err);
    }
    free(out);
    scram_del(s);
    return rc;
}

/* ---- tests ---- */

static void test_rfc7677_vector(void **state)
{
    (void)state;
    uint8_t salt[32];
    size_t saltlen = tunb64("W22ZaJ0SNY7soEsUEjb6gQ==", salt);
    char verifier[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pencil", salt, saltlen, 4096, verifier, sizeof verifier),
                     0);
    assert_int_equal(scram_verifier_check(verifier), 0);

    scram_state *s =
        scram_new_with_nonce("user", verifier, NULL, 0, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    assert_non_null(s);
    const char *cf = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    char *out = NULL;
    size_t outlen;
    const char *err;
    assert_int_equal(scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &out,
                                        &outlen, &err),
                     0);
    assert_string_equal(out, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                             "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    free(out);
    const char *cfin = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                       "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    assert_int_equal(
        scram_client_final(s, (const uint8_t *)cfin, strlen(cfin), &out, &outlen, &err), 0);
    assert_string_equal(out, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    assert_int_equal(outlen, strlen(out));
    free(out);
    scram_del(s);
}

static void test_captured_psql_exchange(void **state)
{
    (void)state;
    /* CLIENTS.md §2: psql 15 against PostgreSQL 15, user u_scram, password "pw". */
    uint8_t salt[32];
    size_t saltlen = tunb64("sAXRkbcdaTujxbQeiJr+kA==", salt);
    char verifier[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pw", salt, saltlen, 4096, verifier, sizeof verifier), 0);
    scram_state *s = scram_new_with_nonce("u_scram", verifier, NULL, 0, "4cMgcay1oEFQdvouT9Pen3aI");
    assert_non_null(s);
    const char *cf = "n,,n=,r=7qeElC1YkgTdJUNcGUQgB0XY";
    char *out;
    size_t outlen;
    const char *err;
    assert_int_equal(scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &out,
                                        &outlen, &err),
                     0);
    assert_string_equal(out, "r=7qeElC1YkgTdJUNcGUQgB0XY4cMgcay1oEFQdvouT9Pen3aI,"
                             "s=sAXRkbcdaTujxbQeiJr+kA==,i=4096");
    free(out);
    const char *cfin = "c=biws,r=7qeElC1YkgTdJUNcGUQgB0XY4cMgcay1oEFQdvouT9Pen3aI,"
                       "p=Ada/eJwL/fdvrNtbiZkaOAiC2oPfqIJmYHHDCwwRtz0=";
    assert_int_equal(
        scram_client_final(s, (const uint8_t *)cfin, strlen(cfin), &out, &outlen, &err), 0);
    assert_string_equal(out, "v=1U0U4ZmYxlBNIuqnJIXMatotKgrDCDsjmW80lDZnMY8=");
    free(out);
    scram_del(s);
}

static void test_postgres_verifiers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pg_verifiers / sizeof pg_verifiers[0]; i++) {
        assert_int_equal(scram_verifier_check(pg_verifiers[i].verifier), 0);
        assert_int_equal(scram_verify_plain(pg_verifiers[i].verifier, pg_verifiers[i].password), 1);
        assert_int_equal(scram_verify_plain(pg_verifiers[i].verifier, "wrong"), 0);
        /* and the full exchange accepts the same password. The test client does no SASLprep,
           so it sends what libpq would after SASLprep. */
        const char *sent = i == 3 ? "password" : i == 4 ? "a b" : pg_verifiers[i].password;
        assert_int_equal(
            run_exchange(pg_verifiers[i].verifier, NULL, 0, "SCRAM-SHA-256", "n,,", sent, NULL, 0),
            0);
    }
    /* the soft-hyphen password was stored as "password" after SASLprep */
    assert_int_equal(scram_verify_plain(pg_verifiers[3].verifier, "password"), 1);
    assert_int_equal(scram_verify_plain(pg_verifiers[4].verifier, "a b"), 1);
}

static void test_make_verifier_random_salt(void **state)
{
    (void)state;
    char v1[SCRAM_VERIFIER_MAX], v2[SCRAM_VERIFIER_MAX];
    assert_int_equal(
        scram_make_verifier("secret", NULL, 0, SCRAM_ITERATIONS_DEFAULT, v1, sizeof v1), 0);
    assert_int_equal(
        scram_make_verifier("secret", NULL, 0, SCRAM_ITERATIONS_DEFAULT, v2, sizeof v2), 0);
    assert_string_not_equal(v1, v2); /* fresh salt each time */
    assert_memory_equal(v1, "SCRAM-SHA-256$4096:", 19);
    assert_int_equal(scram_verify_plain(v1, "secret"), 1);
    assert_int_equal(scram_verify_plain(v2, "secret"), 1);
    assert_int_equal(scram_verify_plain(v1, "Secret"), 0);
    char small[40];
    assert_int_equal(scram_make_verifier("secret", NULL, 0, 4096, small, sizeof small), -1);
    assert_int_equal(scram_make_verifier("secret", NULL, 0, 0, v1, sizeof v1), -1);
}

static void test_bad_verifiers(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "md5195a24b9cabc611704e10a2a49b4ad57",
        "SCRAM-SHA-256$0:c2FsdA==$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCwp04=:"
        "Sje9L1CILiFvemYy+NDSOl7r0PQVaSHfRE/OoBb9eXw=",
        "SCRAM-SHA-256$4096:$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCwp04=:"
        "Sje9L1CILiFvemYy+NDSOl7r0PQVaSHfRE/OoBb9eXw=",
        "SCRAM-SHA-256$4096:c2FsdA==$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCw:"
        "Sje9L1CILiFvemYy+NDSOl7r0PQVaSHfRE/OoBb9eXw=",
        "SCRAM-SHA-256$4096:c2FsdA==$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCwp04=",
        "SCRAM-SHA-256$99999999999:c2FsdA==$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCwp04=:"
        "Sje9L1CILiFvemYy+NDSOl7r0PQVaSHfRE/OoBb9eXw=",
        "SCRAM-SHA-256$4096:c2F!dA==$4bSvOMStU49m9nRltR9UMNspN4ev7v4OileOVfCwp04=:"
        "Sje9L1CILiFvemYy+NDSOl7r0PQVaSHfRE/OoBb9eXw=",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(scram_verifier_check(bad[i]), -1);
        assert_true(scram_verify_plain(bad[i], "pw") < 0);
    }
    assert_true(scram_verify_plain(NULL, "pw") < 0);
}

static void test_exchange_right_and_wrong_password(void **state)
{
    (void)state;
    char v[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("hunter2", NULL, 0, 4096, v, sizeof v), 0);
    assert_int_equal(run_exchange(v, NULL, 0, "SCRAM-SHA-256", "n,,", "hunter2", NULL, 0), 0);
    assert_int_equal(run_exchange(v, NULL, 0, "SCRAM-SHA-256", "n,,", "hunter3", NULL, 0),
                     SCRAM_EAUTH);
}

static void test_username_attribute_ignored(void **state)
{
    (void)state;
    /* libpq sends n=, JDBC/node send n=*, anything else is ignored too: the startup user counts. */
    char v[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pw", NULL, 0, 4096, v, sizeof v), 0);
    const char *firsts[] = {"n,,n=,r=abc", "n,,n=*,r=abc", "n,,n=mallory,r=abc",
                            "n,,n=*,r=D!BkJuCouN^GC}\"#ThN[@u9x"};
    for (size_t i = 0; i < 4; i++) {
        scram_state *s = scram_new("alice", v, NULL, 0);
        char *out;
        size_t outlen;
        const char *err;
        assert_int_equal(scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)firsts[i],
                                            strlen(firsts[i]), &out, &outlen, &err),
                         0);
        /* the server nonce extends the client's verbatim (JDBC nonces are not base64) */
        const char *cn = strstr(firsts[i], ",r=") + 3;
        assert_memory_equal(out + 2, cn, strlen(cn));
        assert_true(strlen(out + 2) > strlen(cn) + 20);
        char final[600];
        client_final_for("pw", firsts[i] + 3, out, "biws", final, sizeof final);
        free(out);
        assert_int_equal(
            scram_client_final(s, (const uint8_t *) final, strlen(final), &out, &outlen, &err), 0);
        free(out);
        scram_del(s);
    }
}

static void test_unknown_user(void **state)
{
    (void)state;
    const uint8_t secret[] = "persistent secret";
    assert_int_equal(scram_set_mock_secret(secret, sizeof secret - 1), 0);
    char *o1, *o2, *o3;
    size_t l;
    const char *err;
    const char *cf = "n,,n=,r=nonce";
    scram_state *a = scram_new("ghost", NULL, NULL, 0), *b = scram_new("ghost", NULL, NULL, 0),
                *c = scram_new("phantom", NULL, NULL, 0);
    assert_int_equal(
        scram_client_first(a, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &o1, &l, &err), 0);
    assert_int_equal(
        scram_client_first(b, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &o2, &l, &err), 0);
    assert_int_equal(
        scram_client_first(c, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &o3, &l, &err), 0);
    /* same salt for the same unknown user (a real user's salt is stable too), another for another
     */
    assert_string_equal(strstr(o1, ",s="), strstr(o2, ",s="));
    assert_string_not_equal(strstr(o1, ",s="), strstr(o3, ",s="));
    assert_non_null(strstr(o1, ",i=4096"));
    /* whatever password the client tries, the proof fails like a wrong password */
    char final[600];
    client_final_for("", "n=,r=nonce", o1, "biws", final, sizeof final);
    char *out = NULL;
    assert_int_equal(scram_client_final(a, (const uint8_t *) final, strlen(final), &out, &l, &err),
                     SCRAM_EAUTH);
    assert_null(out);
    free(o1);
    free(o2);
    free(o3);
    scram_del(a);
    scram_del(b);
    scram_del(c);
    /* an unusable verifier behaves as an unknown user rather than crashing or leaking */
    assert_int_equal(run_exchange("garbage", NULL, 0, "SCRAM-SHA-256", "n,,", "garbage", NULL, 0),
                     SCRAM_EAUTH);
}

static const uint8_t cert_hash[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                      12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                      23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static void test_channel_binding_plus(void **state)
{
    (void)state;
    char v[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pw", NULL, 0, 4096, v, sizeof v), 0);
    const char *gs2p = "p=tls-server-end-point,,";
    /* libpq default over TLS */
    assert_int_equal(
        run_exchange(v, cert_hash, 32, "SCRAM-SHA-256-PLUS", gs2p, "pw", cert_hash, 32), 0);
    /* a different certificate seen by the client (man in the middle) */
    uint8_t other[32];
    memcpy(other, cert_hash, 32);
    other[31] ^= 1;
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256-PLUS", gs2p, "pw", other, 32),
                     SCRAM_EAUTH);
    /* binding data omitted from c= */
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256-PLUS", gs2p, "pw", NULL, 0),
                     SCRAM_EAUTH);
    /* JDBC / node default over TLS: plain mechanism with n,, */
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256", "n,,", "pw", NULL, 0), 0);
    /* -PLUS without TLS is not offered */
    assert_int_equal(run_exchange(v, NULL, 0, "SCRAM-SHA-256-PLUS", gs2p, "pw", NULL, 0),
                     SCRAM_EPROTO);
    /* mechanism / flag disagreements */
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256", gs2p, "pw", cert_hash, 32),
                     SCRAM_EPROTO);
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256-PLUS", "n,,", "pw", NULL, 0),
                     SCRAM_EPROTO);
    assert_int_equal(
        run_exchange(v, cert_hash, 32, "SCRAM-SHA-256-PLUS", "p=tls-unique,,", "pw", NULL, 0),
        SCRAM_EPROTO);
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-1", "n,,", "pw", NULL, 0),
                     SCRAM_EPROTO);
}

static void test_channel_binding_downgrade(void **state)
{
    (void)state;
    char v[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pw", NULL, 0, 4096, v, sizeof v), 0);
    /* "y": the client can bind but thinks we cannot. Over TLS we offered -PLUS: downgrade. */
    assert_int_equal(run_exchange(v, cert_hash, 32, "SCRAM-SHA-256", "y,,", "pw", NULL, 0),
                     SCRAM_EPROTO);
    /* Without TLS there was nothing to bind to: "y" is fine (c=eSws). */
    assert_int_equal(run_exchange(v, NULL, 0, "SCRAM-SHA-256", "y,,", "pw", NULL, 0), 0);
}

/* Feeds one client-first message to a fresh exchange and returns scram_client_first's result. */
static int first_rc(const char *mech, const char *msg, size_t len)
{
    scram_state *s = scram_new("alice", NULL, NULL, 0);
    char *out = NULL;
    size_t l;
    const char *err = NULL;
    int rc = scram_client_first(s, mech, (const uint8_t *)msg, len, &out, &l, &err);
    if (rc != 0) {
        assert_null(out);
        assert_non_null(err);
    }
    free(out);
    scram_del(s);
    return rc;
}

static void test_malformed_client_first(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "x,,n=,r=abc",       /* unknown cbind flag */
        "n,a=bob,n=,r=abc",  /* authzid */
        "n,,m=ext,n=,r=abc", /* mandatory extension */
        "n,,r=abc",          /* no user attribute */
        "n,,n=,r=",          /* empty nonce */
        "n,,n=,",            /* no nonce */
        "n,,n=,r=a b",       /* non-printable in nonce */
        "n,n=,r=abc",        /* missing comma */
        "n,,n=,r=abc,,",     /* empty attribute */
        "n,,n=,r=abc,1=x",   /* attribute name not a letter */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(first_rc("SCRAM-SHA-256", bad[i], strlen(bad[i])), SCRAM_EPROTO);
    /* an embedded NUL */
    assert_int_equal(first_rc("SCRAM-SHA-256", "n,,n=,r=ab\0c", 12), SCRAM_EPROTO);
    /* optional extensions after the nonce are accepted and ignored */
    assert_int_equal(first_rc("SCRAM-SHA-256", "n,,n=,r=abc,x=ext", 17), 0);
}

static void test_malformed_client_final(void **state)
{
    (void)state;
    char v[SCRAM_VERIFIER_MAX];
    assert_int_equal(scram_make_verifier("pw", NULL, 0, 4096, v, sizeof v), 0);
    const char *bad[] = {
        "c=biws,r=NONCE",                 /* no proof */
        "c=biws,r=wrong,p=PROOF",         /* nonce mismatch */
        "r=NONCE,c=biws,p=PROOF",         /* order */
        "c=eSws,r=NONCE,p=PROOF",         /* c= disagrees with the n,, header */
        "c=biws,r=NONCE,p=PROOF,x=after", /* proof not last */
        "c=biws,r=NONCE,p=AAAA",          /* proof of the wrong length */
        "c=bi!s,r=NONCE,p=PROOF",         /* bad base64 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scram_state *s = scram_new_with_nonce("alice", v, NULL, 0, "SRV");
        char *out = NULL;
        size_t l;
        const char *err;
        const char *cf = "n,,n=,r=cli";
        assert_int_equal(
            scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &out, &l, &err),
            0);
        char good[600], msg[700];
        client_final_for("pw", cf + 3, out, "biws", good, sizeof good);
        free(out);
        const char *proof = strstr(good, ",p=") + 3;
        /* expand NONCE and PROOF in the template */
        msg[0] = '\0';
        for (const char *t = bad[i]; *t;) {
            if (strncmp(t, "NONCE", 5) == 0) {
                strcat(msg, "cliSRV");
                t += 5;
            } else if (strncmp(t, "PROOF", 5) == 0) {
                strcat(msg, proof);
                t += 5;
            } else {
                strncat(msg, t++, 1);
            }
        }
        out = NULL;
        assert_int_equal(scram_client_final(s, (const uint8_t *)msg, strlen(msg), &out, &l, &err),
                         SCRAM_EPROTO);
        assert_null(out);
        scram_del(s);
    }
}

static void test_out_of_order(void **state)
{
    (void)state;
    scram_state *s = scram_new("alice", NULL, NULL, 0);
    char *out = NULL;
    size_t l;
    const char *err;
    assert_int_equal(scram_client_final(s, (const uint8_t *)"c=biws", 6, &out, &l, &err), -1);
    const char *cf = "n,,n=,r=abc";
    assert_int_equal(
        scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &out, &l, &err), 0);
    free(out);
    /* a second client-first is refused; a failed step ends the exchange */
    assert_int_equal(
        scram_client_first(s, "SCRAM-SHA-256", (const uint8_t *)cf, strlen(cf), &out, &l, &err),
        -1);
    scram_del(s);
    scram_del(NULL);
    assert_null(scram_new_with_nonce("a", NULL, NULL, 0, "bad,nonce"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7677_vector),
        cmocka_unit_test(test_captured_psql_exchange),
        cmocka_unit_test(test_postgres_verifiers),
        cmocka_unit_test(test_make_verifier_random_salt),
        cmocka_unit_test(test_bad_verifiers),
        cmocka_unit_test(test_exchange_right_and_wrong_password),
        cmocka_unit_test(test_username_attribute_ignored),
        cmocka_unit_test(test_unknown_user),
        cmocka_unit_test(test_channel_binding_plus),
        cmocka_unit_test(test_channel_binding_downgrade),
        cmocka_unit_test(test_malformed_client_first),
        cmocka_unit_test(test_malformed_client_final),
        cmocka_unit_test(test_out_of_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
