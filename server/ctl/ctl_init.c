/*
 * server/ctl/ctl_init.c — `heliosctl init-cluster`: everything a new cluster needs on disk.
 *
 * Output layout (every region folder is self-contained, so it can be copied to its machine):
 *   DIR/ca.crt, DIR/ca.key (0600)       cluster CA (P-256, 10 years); keep ca.key offline
 *   DIR/nodes                           "name id host:sqlport" per line (heliosctl --cluster)
 *   DIR/admin.password (0600)           only when the password was generated
 *   DIR/<region>/heliosdb.json          node id = position in --regions (1..n)
 *   DIR/<region>/node.crt, node.key     one certificate for SQL TLS and replication mTLS
 *   DIR/<region>/ca.crt                 copy of the CA certificate
 *   DIR/<region>/users (0600)           the admin user's SCRAM verifier
 *   DIR/<region>/data/                  data_dir (or --data-root/<region>)
 *   DIR/<region>/backups/               storage.backup_dir, where helios_backup() may write
 *                                       (or --data-root/<region>.backups)
 *
 * Node certificates follow replication/README.md: CN=<name>, SAN DNS:<name> and
 * URI:helios://node/<id> (plus the node's host as DNS or IP so SQL clients can use
 * sslmode=verify-full), EKU serverAuth+clientAuth, signed by the CA.
 *
 * Ports: when every region is on one host, region i (1-based) uses P+i-1 (SQL), Q+i-1 (QUIC)
 * and M+i-1 (metrics); with distinct hosts every region uses P, Q and M. Defaults: on a
 * loopback host (the one-machine demo, also the default host) P=6001 Q=7001, else P=5432
 * Q=7443; M=9187. The generated configs are checked with config_load before we report success.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "config/config.h"
#include "proto/scram.h"
#include "proto/users.h"
#include "server/ctl/ctl.h"

#define MAX_REGIONS 64
#define DEFAULT_REGIONS "us-east-1,eu-west-1,ap-southeast-1,us-west-2,sa-east-1"

typedef struct region {
    char name[64];
    char host[256];
    int id, sql_port, repl_port, metrics_port;
} region;

/* snprintf that reports truncation (-1) instead of leaving a silently cut path; a wrapper also
 * keeps -Wformat-truncation from guessing at lengths it cannot know (argv strings). */
static int fmt_into(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fmt_into(char *buf, size_t sz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sz, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= sz ? -1 : 0;
}

/* Splits a comma list into at most max items of at most itemsz-1 bytes. Returns the count or
 * -1 (an empty item, too many, too long). */
static int split_list(const char *s, char items[][256], int max)
{
    int n = 0;
    const char *p = s;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0 || len >= 256 || n == max) return -1;
        memcpy(items[n], p, len);
        items[n][len] = 0;
        n++;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63) return false;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
            !(s[i] >= '0' && s[i] <= '9') && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

/* A host is an IP literal or a DNS name; both are safe inside JSON strings and SANs. */
static bool host_ok(const char *s)
{
    unsigned char b[16];
    if (inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1) return true;
    return name_ok(s) && s[0] != '.' && s[0] != '-';
}

static bool host_is_ip6(const char *s)
{
    unsigned char b[16];
    return inet_pton(AF_INET6, s, b) == 1;
}

static bool host_is_loopback(const char *s)
{
    return !strcmp(s, "localhost") || !strncmp(s, "127.", 4) || !strcmp(s, "::1");
}

/* "host:port" with IPv6 literals bracketed. */
static void fmt_addr(char *out, size_t outsz, const char *host, int port)
{
    fmt_into(out, outsz, host_is_ip6(host) ? "[%s]:%d" : "%s:%d", host, port);
}

/* JSON string body: escapes quotes, backslashes and control characters. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* ---- OpenSSL: keys and certificates ---- */

static void ssl_err(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    ctl_err("%s: %s", what, buf);
}

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    if (!k) ssl_err("EC key generation");
    return k;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext) {
        ssl_err(value);
        return -1;
    }
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* Issues a certificate for key with subject CN=cn, signed by (issuer, issuer_key); issuer NULL
 * makes it self-signed. exts: NULL-terminated pairs of (nid as text, value) applied in order. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                       long days, const int *nids, const char *const *values)
{
    X509 *x = X509_new();
    BIGNUM *bn = BN_new();
    if (!x || !bn) goto fail;
    if (!X509_set_version(x, 2)) goto fail;
    /* 127-bit random serials: unique without keeping a serial file. */
    if (!BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
        goto fail;
    /* Back-dated a little so a peer whose clock lags slightly still accepts it. */
    if (!X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L))
        goto fail;
    X509_NAME *name = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
                                    -1, 0))
        goto fail;
    if (!X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name)) goto fail;
    if (!X509_set_pubkey(x, key)) goto fail;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    for (int i = 0; nids[i]; i++)
        if (add_ext(x, &ctx, nids[i], values[i]) < 0) goto fail;
    if (!X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256())) goto fail;
    BN_free(bn);
    return x;
fail:
    ssl_err("certificate creation");
    BN_free(bn);
    X509_free(x);
    return NULL;
}

/* PEM of a key or certificate in memory, then written atomically with the given mode: a key
 * never exists on disk with a wider mode than 0600, not even briefly. */
static int write_pem(const char *path, EVP_PKEY *key, X509 *cert, unsigned mode)
{
    BIO *b = BIO_new(BIO_s_mem());
    int rc = -1;
    if (!b) goto out;
    if (key ? !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL)
            : !PEM_write_bio_X509(b, cert)) {
        ssl_err(path);
        goto out;
    }
    char *data;
    long len = BIO_get_mem_data(b, &data);
    rc = ctl_write_file_atomic(path, data, (size_t)len, mode);
out:
    BIO_free(b);
    return rc;
}

/* ---- files ---- */

static int mkdir_p(const char *path, mode_t mode)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
    return 0;
}

static int write_text(const char *path, const char *text, unsigned mode)
{
    return ctl_write_file_atomic(path, text, strlen(text), mode);
}

static int write_config(const char *out, const region *r, const region *all, int n,
                        const char *data_root)
{
    char path[4096], addr[300];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -1;
    bool lo = host_is_loopback(r->host);
    fprintf(f, "{\n  \"node\": {\"name\": \"%s\", \"id\": %d, \"data_dir\": ", r->name, r->id);
    if (data_root) {
        fmt_into(path, sizeof path, "%s/%s", data_root, r->name);
        json_str(f, path);
    } else
        json_str(f, "data");

    /* A loopback demo listens where it says; a real region listens on every interface. */
    fmt_addr(addr, sizeof addr, lo ? r->host : "*", r->sql_port);
    fprintf(f, "},\n  \"sql\": {\n    \"listen\": \"%s\",\n", addr);
    fprintf(f, "    \"tls\": {\"mode\": \"require\", \"cert\": \"node.crt\", \"key\": "
               "\"node.key\"},\n");
    fprintf(f, "    \"auth\": {\"method\": \"scram-sha-256\", \"users_file\": \"users\"}\n"
               "  },\n");
    fmt_addr(addr, sizeof addr, lo ? r->host : "*", r->repl_port);
    fprintf(f, "  \"replication\": {\n    \"listen\": \"%s\",\n", addr);
    fprintf(f, "    \"tls\": {\"ca\": \"ca.crt\", \"cert\": \"node.crt\", \"key\": "
               "\"node.key\"},\n    \"peers\": [");
    bool first = true;
    for (int i = 0; i < n; i++) {
        if (all[i].id == r->id) continue;
        fmt_addr(addr, sizeof addr, all[i].host, all[i].repl_port);
        fprintf(f, "%s\n      {\"name\": \"%s\", \"id\": %d, \"address\": \"%s\"}",
                first ? "" : ",", all[i].name, all[i].id, addr);
        first = false;
    }
    fprintf(f, "%s]\n  },\n", first ? "" : "\n    ");
    fmt_addr(addr, sizeof addr, "127.0.0.1", r->metrics_port);
    fprintf(f, "  \"storage\": {\"sync\": \"always\", \"backup_dir\": ");
    if (data_root) { /* beside the data, where the systemd unit lets the daemon write */
        fmt_into(path, sizeof path, "%s/%s.backups", data_root, r->name);
        json_str(f, path);
    } else {
        json_str(f, "backups");
    }
    fprintf(f, "},\n");
    fprintf(f, "  \"metrics\": {\"listen\": \"%s\"},\n", addr);
    fprintf(f, "  \"log\": {\"format\": \"text\", \"level\": \"info\"}\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        return -1;
    }
    fmt_into(path, sizeof path, "%s/%s/heliosdb.json", out, r->name);
    int rc = ctl_write_file_atomic(path, buf, len, 0644);
    free(buf);
    return rc;
}

/* 24 random bytes as base64url without padding: 32 characters, 192 bits. */
static int gen_password(char *out, size_t outsz)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char r[32];
    if (outsz < 33 || RAND_bytes(r, sizeof r) != 1) return -1;
    for (int i = 0; i < 32; i++) out[i] = b64[r[i] & 63];
    out[32] = 0;
    return 0;
}

int ctl_init_cluster(int argc, char **argv)
{
    const char *out = NULL, *regions_s = DEFAULT_REGIONS, *host_s = NULL, *hosts_s = NULL;
    const char *pbase_s = NULL, *qbase_s = NULL, *mbase_s = NULL, *admin_pw = NULL;
    const char *data_root = NULL, *admin_pw_file = NULL;
    bool bad = false, admin_pw_stdin = false;
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_flag(argv[i], "--admin-password-stdin")) {
            admin_pw_stdin = true;
            continue;
        }
        if (ctl_opt_value(argc, argv, &i, "--out", &out, &bad) ||
            ctl_opt_value(argc, argv, &i, "--admin-password-file", &admin_pw_file, &bad) ||
            ctl_opt_value(argc, argv, &i, "--regions", &regions_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--host", &host_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--hosts", &hosts_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--sql-port-base", &pbase_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--repl-port-base", &qbase_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--metrics-port-base", &mbase_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--admin-password", &admin_pw, &bad) ||
            ctl_opt_value(argc, argv, &i, "--data-root", &data_root, &bad))
            continue;
        ctl_err("init-cluster: unexpected argument '%s'", argv[i]);
        bad = true;
    }
    if (bad) return CTL_USAGE;
    if (!out) {
        ctl_err("init-cluster: --out DIR is required");
        return CTL_USAGE;
    }
    if (host_s && hosts_s) {
        ctl_err("init-cluster: give --host or --hosts, not both");
        return CTL_USAGE;
    }
    if (data_root && data_root[0] != '/') {
        ctl_err("init-cluster: --data-root must be an absolute path");
        return CTL_USAGE;
    }
    static char names[MAX_REGIONS][256], hosts[MAX_REGIONS][256];
    int n = split_list(regions_s, names, MAX_REGIONS);
    if (n < 1) {
        ctl_err("init-cluster: --regions: a comma list of 1..%d names", MAX_REGIONS);
        return CTL_USAGE;
    }
    int nh = hosts_s ? split_list(hosts_s, hosts, MAX_REGIONS) : 1;
    if (!hosts_s) fmt_into(hosts[0], sizeof hosts[0], "%s", host_s ? host_s : "127.0.0.1");
    if (nh != n && !(nh == 1 && !hosts_s)) {
        ctl_err("init-cluster: --hosts needs one host per region (%d regions)", n);
        return CTL_USAGE;
    }
    bool one_host = true;
    for (int i = 0; i < nh; i++) {
        if (!host_ok(hosts[i])) {
            ctl_err("init-cluster: bad host \"%s\" (an IP address or a DNS name)", hosts[i]);
            return CTL_USAGE;
        }
        if (strcmp(hosts[i], hosts[0]) != 0) one_host = false;
    }
    bool demo = one_host && host_is_loopback(hosts[0]);
    long P = demo ? 6001 : 5432, Q = demo ? 7001 : 7443, M = 9187;
    if ((pbase_s && ctl_parse_int("--sql-port-base", pbase_s, 1, 65535, &P)) ||
        (qbase_s && ctl_parse_int("--repl-port-base", qbase_s, 1, 65535, &Q)) ||
        (mbase_s && ctl_parse_int("--metrics-port-base", mbase_s, 1, 65535, &M)))
        return CTL_USAGE;
    long span = one_host ? n - 1 : 0;
    if (P + span > 65535 || Q + span > 65535 || M + span > 65535) {
        ctl_err("init-cluster: port bases leave no room for %d regions", n);
        return CTL_USAGE;
    }
    if (one_host && (labs(P - Q) <= span || labs(P - M) <= span || labs(Q - M) <= span)) {
        ctl_err("init-cluster: SQL, replication and metrics port ranges overlap");
        return CTL_USAGE;
    }
    static region r[MAX_REGIONS];
    for (int i = 0; i < n; i++) {
        if (!name_ok(names[i])) {
            ctl_err("init-cluster: bad region name \"%s\" (1..63 of A-Z a-z 0-9 . _ -)",
                    names[i]);
            return CTL_USAGE;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(names[i], names[j])) {
                ctl_err("init-cluster: region \"%s\" listed twice", names[i]);
                return CTL_USAGE;
            }
        fmt_into(r[i].name, sizeof r[i].name, "%s", names[i]);
        fmt_into(r[i].host, sizeof r[i].host, "%s", hosts[hosts_s ? i : 0]);
        r[i].id = i + 1;
        int off = one_host ? i : 0;
        r[i].sql_port = (int)P + off;
        r[i].repl_port = (int)Q + off;
        r[i].metrics_port = (int)M + off;
    }

    char path[4096], pw[64];
    if (strlen(out) > 3000) {
        ctl_err("init-cluster: --out path too long");
        return CTL_USAGE;
    }
    fmt_into(path, sizeof path, "%s/ca.crt", out);
    if (access(path, F_OK) == 0) {
        ctl_err("%s exists: refusing to overwrite a cluster (choose another --out)", path);
        return CTL_FAIL;
    }
    if (mkdir_p(out, 0755) < 0) {
        ctl_err("cannot create %s: %s", out, strerror(errno));
        return CTL_FAIL;
    }
    bool generated = false;
    if ((admin_pw != NULL) + (admin_pw_file != NULL) + admin_pw_stdin > 1) {
        ctl_err("init-cluster: give one of --admin-password-file, --admin-password-stdin, --admin-password");
        return CTL_USAGE;
    }
    /* A password on the command line is visible to every local user (ps): prefer a file or
     * standard input (the first line; a trailing \r\n is not part of it). */
    char pwline[256];
    if (admin_pw_file || admin_pw_stdin) {
        pwline[0] = 0;
        if (admin_pw_file) {
            char *text = NULL;
            size_t len = 0;
            if (ctl_read_file(admin_pw_file, sizeof pwline - 1, &text, &len) < 0) {
                ctl_err("init-cluster: cannot read %s: %s", admin_pw_file, strerror(errno));
                return CTL_USAGE;
            }
            snprintf(pwline, sizeof pwline, "%.*s", (int)len, text);
            explicit_bzero(text, len);
            free(text);
        } else if (!fgets(pwline, sizeof pwline, stdin)) {
            ctl_err("init-cluster: --admin-password-stdin: no password line on standard input");
            return CTL_USAGE;
        }
        pwline[strcspn(pwline, "\r\n")] = 0;
        admin_pw = pwline;
    }
    if (admin_pw) {
        if (!admin_pw[0] || strlen(admin_pw) >= sizeof pw) {
            ctl_err("init-cluster: --admin-password must be 1..63 characters");
            return CTL_USAGE;
        }
        fmt_into(pw, sizeof pw, "%s", admin_pw);
        explicit_bzero(pwline, sizeof pwline);
    } else {
        if (gen_password(pw, sizeof pw) < 0) {
            ctl_err("cannot generate a password (RAND_bytes)");
            return CTL_FAIL;
        }
        generated = true;
    }

    int rc = CTL_FAIL;
    EVP_PKEY *cakey = NULL, *key = NULL;
    X509 *ca = NULL, *cert = NULL;
    char *nodes = NULL, users[512], verifier[SCRAM_VERIFIER_MAX];
    size_t nodes_len = 0;
    FILE *nf = NULL;
    cakey = new_key();
    if (!cakey) goto out;
    static const int ca_nids[] = {NID_basic_constraints, NID_key_usage,
                                  NID_subject_key_identifier, 0};
    static const char *const ca_vals[] = {"critical,CA:TRUE", "critical,keyCertSign,cRLSign",
                                          "hash"};
    ca = make_cert(cakey, "HeliosDB cluster CA", NULL, NULL, 3650, ca_nids, ca_vals);
    if (!ca) goto out;
    fmt_into(path, sizeof path, "%s/ca.key", out);
    if (write_pem(path, cakey, NULL, 0600) < 0) goto out;
    fmt_into(path, sizeof path, "%s/ca.crt", out);
    if (write_pem(path, NULL, ca, 0644) < 0) goto out;

    /* One verifier (one salt) for every region: the admin password is the same everywhere. */
    if (scram_make_verifier(pw, NULL, 0, SCRAM_ITERATIONS_DEFAULT, verifier, sizeof verifier) ||
        users_format_line("admin", verifier, NULL, users, sizeof users) < 0) {
        ctl_err("cannot build the admin verifier");
        goto out;
    }
    nf = open_memstream(&nodes, &nodes_len);
    if (!nf) goto out;
    fprintf(nf, "# name id sql-address (written by heliosctl init-cluster; read by --cluster)\n");
    for (int i = 0; i < n; i++) {
        char san[700], addr[300];
        unsigned char b[16];
        bool ip = inet_pton(AF_INET, r[i].host, b) == 1 || inet_pton(AF_INET6, r[i].host, b) == 1;
        fmt_into(san, sizeof san, "DNS:%s,URI:helios://node/%d", r[i].name, r[i].id);
        if (strcmp(r[i].host, r[i].name) != 0)
            fmt_into(san + strlen(san), sizeof san - strlen(san), ",%s:%s", ip ? "IP" : "DNS",
                     r[i].host);
        const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
                            NID_subject_alt_name, NID_subject_key_identifier,
                            NID_authority_key_identifier, 0};
        const char *const vals[] = {"critical,CA:FALSE", "critical,digitalSignature",
                                    "serverAuth,clientAuth", san, "hash", "keyid:always"};
        fmt_into(path, sizeof path, "%s/%s", out, r[i].name);
        if (mkdir_p(path, 0755) < 0) {
            ctl_err("cannot create %s: %s", path, strerror(errno));
            goto out;
        }
        if (!data_root) {
            fmt_into(path, sizeof path, "%s/%s/data", out, r[i].name);
            if (mkdir_p(path, 0700) < 0) {
                ctl_err("cannot create %s: %s", path, strerror(errno));
                goto out;
            }
        }
        key = new_key();
        if (!key) goto out;
        cert = make_cert(key, r[i].name, ca, cakey, 825, nids, vals);
        if (!cert) goto out;
        fmt_into(path, sizeof path, "%s/%s/node.key", out, r[i].name);
        if (write_pem(path, key, NULL, 0600) < 0) goto out;
        fmt_into(path, sizeof path, "%s/%s/node.crt", out, r[i].name);
        if (write_pem(path, NULL, cert, 0644) < 0) goto out;
        fmt_into(path, sizeof path, "%s/%s/ca.crt", out, r[i].name);
        if (write_pem(path, NULL, ca, 0644) < 0) goto out;
        EVP_PKEY_free(key);
        key = NULL;
        X509_free(cert);
        cert = NULL;
        fmt_into(path, sizeof path, "%s/%s/users", out, r[i].name);
        if (write_text(path, users, 0600) < 0) goto out;
        if (write_config(out, &r[i], r, n, data_root) < 0) {
            ctl_err("cannot write the config of %s", r[i].name);
            goto out;
        }
        fmt_addr(addr, sizeof addr, r[i].host, r[i].sql_port);
        fprintf(nf, "%s %d %s\n", r[i].name, r[i].id, addr);
    }
    if (fclose(nf) != 0) {
        nf = NULL;
        goto out;
    }
    nf = NULL;
    fmt_into(path, sizeof path, "%s/nodes", out);
    if (write_text(path, nodes, 0644) < 0) goto out;
    if (generated) {
        char line[80];
        fmt_into(line, sizeof line, "%s\n", pw);
        fmt_into(path, sizeof path, "%s/admin.password", out);
        if (write_text(path, line, 0600) < 0) goto out;
    }

    /* Never hand out a config the daemon would refuse. */
    int invalid = 0;
    for (int i = 0; i < n; i++) {
        config cfg;
        config_errors errs;
        fmt_into(path, sizeof path, "%s/%s/heliosdb.json", out, r[i].name);
        if (config_load(path, &cfg, &errs) == 0) {
            config_free(&cfg);
        } else {
            ctl_err("generated %s does not validate:", path);
            config_errors_print(&errs, stderr);
            invalid++;
        }
        config_errors_free(&errs);
    }
    if (invalid) goto out;
    printf("cluster of %d region%s written to %s\n", n, n == 1 ? "" : "s", out);
    for (int i = 0; i < n; i++)
        printf("  %-16s id %-3d sql %s:%d  replication %s:%d  config %s/%s/heliosdb.json\n",
               r[i].name, r[i].id, r[i].host, r[i].sql_port, r[i].host, r[i].repl_port, out,
               r[i].name);
    if (generated)
        printf("admin password: in %s/admin.password (mode 0600)\n", out);
    printf("keep %s/ca.key offline: it can mint node certificates\n", out);
    rc = CTL_OK;
out:
    if (nf) fclose(nf);
    free(nodes);
    explicit_bzero(pw, sizeof pw);
    EVP_PKEY_free(key);
    X509_free(cert);
    EVP_PKEY_free(cakey);
    X509_free(ca);
    return rc;
}
