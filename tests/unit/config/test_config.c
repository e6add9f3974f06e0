/* Unit tests for config/config: a table of bad configs, each with the problem lines it must
 * produce; a table of good configs with the struct values they must give (defaults filled,
 * paths resolved); one-pass reporting of many problems; file loading; the example configs;
 * the --dev configuration.
 *
 * Files the configs name (certificates, keys, users file) are created in a fresh temporary
 * folder, which is also the base for relative paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"

static char tmpdir[256];

static const char *const FILES[] = {"ca.crt",
                                    "node.crt",
                                    "node.key",
                                    "server.crt",
                                    "server.key",
                                    "users",
                                    "certs/server.crt",
                                    "certs/server.key",
                                    "us-east-1/sql.crt",
                                    "us-east-1/sql.key",
                                    "us-east-1/node.crt",
                                    "us-east-1/node.key",
                                    "etc/certs/server.crt",
                                    "etc/certs/server.key",
                                    NULL};
static const char *const DIRS[] = {"certs", "us-east-1", "etc", "etc/certs", "adir", NULL};

static void tmp_path(char *out, size_t n, const char *rel)
{
    snprintf(out, n, "%s/%s", tmpdir, rel);
}

static void write_file(const char *rel, const char *text, size_t len)
{
    char p[512];
    tmp_path(p, sizeof(p), rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/helios-config-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) return -1;
    for (int i = 0; DIRS[i]; i++) {
        char p[512];
        tmp_path(p, sizeof(p), DIRS[i]);
        if (mkdir(p, 0700) < 0) return -1;
    }
    for (int i = 0; FILES[i]; i++) {
        char p[512];
        tmp_path(p, sizeof(p), FILES[i]);
        FILE *f = fopen(p, "w");
        if (!f) return -1;
        fputs("x\n", f);
        fclose(f);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Fragments of a minimal valid config. */
#define NODE "\"node\": {\"name\": \"a\", \"id\": 1, \"data_dir\": \"d\"}"
#define SQL_TRUST "\"sql\": {\"listen\": \"127.0.0.1:5432\", \"auth\": {\"method\": \"trust\"}}"
#define REPL_TLS "\"tls\": {\"ca\": \"ca.crt\", \"cert\": \"node.crt\", \"key\": \"node.key\"}"
#define REPL(peers)                                                                                \
    "\"replication\": {\"listen\": \"0.0.0.0:7443\", " REPL_TLS ", \"peers\": [" peers "]}"
#define CFG(...) "{" NODE ", " SQL_TRUST ", " __VA_ARGS__ "}"

static bool has_line(const config_errors *e, const char *needle)
{
    for (int i = 0; i < e->n; i++)
        if (strstr(e->msg[i], needle)) return true;
    return false;
}

static void dump(const config_errors *e)
{
    for (int i = 0; i < e->n; i++)
        print_message("#   %s\n", e->msg[i]);
}

/* ---- bad configs ----------------------------------------------------------------------- */

typedef struct bad_case {
    const char *name;
    const char *json;
    int nproblems;         /* exact count */
    const char *expect[5]; /* each must appear in some problem line */
} bad_case;

static const bad_case BAD[] = {
    {"malformed json",
     "{\n  \"node\": {\n    \"name\": \"a\",\n  }\n}",
     1,
     {"line 4, column 3: invalid JSON: ", "expected"}},
    {"empty input", "", 1, {"line 1, column 0: invalid JSON"}},
    {"duplicate key", "{\"node\": {}, \"node\": {}}", 1, {"duplicate object key"}},
    {"top level not an object", "[1, 2]", 1, {"(top level): expected an object, got an array"}},
    /* The default method, scram-sha-256, needs a users file too. */
    {"missing required keys",
     "{}",
     5,
     {"node.name: required key is missing", "node.id: required key is missing",
      "node.data_dir: required key is missing", "sql.listen: required key is missing",
      "sql.auth.users_file: required by method scram-sha-256"}},
    {"missing keys inside sections",
     "{\"node\": {\"name\": \"a\"}, \"sql\": {\"auth\": {\"method\": \"trust\"}}}",
     3,
     {"node.id: required", "node.data_dir: required", "sql.listen: required"}},
    {"unknown key near miss",
     CFG("\"storage\": {\"snyc\": \"always\"}"),
     1,
     {"storage: unknown key \"snyc\" (did you mean \"sync\"?)"}},
    {"unknown top-level key",
     CFG("\"replicaton\": {}"),
     1,
     {"(top level): unknown key \"replicaton\" (did you mean \"replication\"?)"}},
    {"unknown key far from any",
     CFG("\"zzzzzzzz\": 1"),
     1,
     {"(top level): unknown key \"zzzzzzzz\""}},
    {"unknown key with control bytes is escaped",
     CFG("\"a\\u0001\\\"b\": 1"),
     1,
     {"unknown key \"a\\x01\\\"b\""}},
    {"wrong types",
     "{\"node\": {\"name\": 7, \"id\": \"1\", \"data_dir\": true}, "
     "\"sql\": {\"listen\": 5432, \"max_connections\": 1.5, \"auth\": {\"method\": \"trust\"}},"
     " \"metrics\": {\"enabled\": \"yes\"},"
     " \"log\": []}",
     7,
     {"node.name: expected a string, got an integer", "node.id: expected an integer, got a string",
      "node.data_dir: expected a string, got a boolean",
      "sql.max_connections: expected an integer, got a fractional number",
      "metrics.enabled: expected true or false, got a string"}},
    {"wrong types (2)",
     CFG("\"log\": [], \"storage\": {\"sync\": null}"),
     2,
     {"log: expected an object, got an array", "storage.sync: expected a string, got null"}},
    {"empty strings",
     "{\"node\": {\"name\": \"\", \"id\": 1, \"data_dir\": \"\"}, " SQL_TRUST "}",
     2,
     {"node.name: must not be empty", "node.data_dir: must not be empty"}},
    {"node.id too small",
     "{\"node\": {\"name\": \"a\", \"id\": 0, \"data_dir\": \"d\"}, " SQL_TRUST "}",
     1,
     {"node.id: 0 is out of range 1..65535"}},
    {"node.id too large",
     "{\"node\": {\"name\": \"a\", \"id\": 65536, \"data_dir\": \"d\"}, " SQL_TRUST "}",
     1,
     {"node.id: 65536 is out of range 1..65535"}},
    {"sizes out of range",
     CFG("\"storage\": {\"block_cache_mb\": -1, \"sync_interval_ms\": 0, "
         "\"min_free_mb\": -5}, \"clock\": {\"max_skew_ms\": 0}"),
     4,
     {"storage.block_cache_mb: -1 is out of range 0..1048576",
      "storage.sync_interval_ms: 0 is out of range 1..60000",
      "storage.min_free_mb: -5 is out of range 0..1048576",
      "clock.max_skew_ms: 0 is out of range 1..3600000"}},
    {"sql sizes out of range",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:1\", \"max_message_bytes\": 10, "
     "\"max_connections\": 0, \"auth\": {\"method\": \"trust\"}}}",
     2,
     {"sql.max_message_bytes: 10 is out of range 4096..1073741824",
      "sql.max_connections: 0 is out of range 1..100000"}},
    {"ports out of range",
     "{" NODE ", \"sql\": {\"listen\": [\"127.0.0.1:0\", \"127.0.0.1:65536\", \"[::1]:x\"], "
     "\"auth\": {\"method\": \"trust\"}}}",
     3,
     {"sql.listen[0]: bad address \"127.0.0.1:0\": port must be a number 1..65535",
      "sql.listen[1]: bad address \"127.0.0.1:65536\"", "sql.listen[2]: bad address \"[::1]:x\""}},
    {"bad listen addresses",
     "{" NODE ", \"sql\": {\"listen\": [\"localhost\", \"::1:5432\", \"300.1.1.1:5\", "
     "\"bad_host:5\"], \"auth\": {\"method\": \"trust\"}}, "
     "\"metrics\": {\"listen\": \"[::g]:9\"}}",
     5,
     {"sql.listen[0]: bad address \"localhost\": expected host:port",
      "sql.listen[1]: bad address \"::1:5432\": an IPv6 address needs brackets",
      "sql.listen[2]: bad address \"300.1.1.1:5\": bad IPv4 address",
      "sql.listen[3]: bad address \"bad_host:5\": bad host name",
      "metrics.listen: bad address \"[::g]:9\": bad IPv6 address"}},
    {"too many listen addresses",
     "{" NODE ", \"sql\": {\"listen\": [\"127.0.0.1:1\", \"127.0.0.1:2\", \"127.0.0.1:3\", "
     "\"127.0.0.1:4\", \"127.0.0.1:5\"], \"auth\": {\"method\": \"trust\"}}}",
     1,
     {"sql.listen: needs 1..4 addresses, got 5"}},
    {"duplicate listen address",
     "{" NODE ", \"sql\": {\"listen\": [\"127.0.0.1:1\", \"127.0.0.1:1\"], "
     "\"auth\": {\"method\": \"trust\"}}}",
     1,
     {"sql.listen[1]: duplicate address 127.0.0.1:1"}},
    {"bad enum values",
     CFG("\"storage\": {\"sync\": \"fast\"}, \"log\": {\"level\": \"verbose\", \"format\": "
         "\"xml\"}"),
     3,
     {"storage.sync: bad value \"fast\"; allowed: always, batch, off",
      "log.level: bad value \"verbose\"; allowed: debug, info, warn, error",
      "log.format: bad value \"xml\"; allowed: text, json"}},
    {"bad auth method",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"auth\": {\"method\": \"scram\"}}}",
     1,
     {"sql.auth.method: bad value \"scram\"; allowed: trust, password, md5, scram-sha-256, "
      "reject"}},
    {"bad tls mode",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"tls\": {\"mode\": \"on\"}, "
     "\"auth\": {\"method\": \"trust\"}}}",
     1,
     {"sql.tls.mode: bad value \"on\"; allowed: off, prefer, require"}},
    {"bad node name",
     "{\"node\": {\"name\": \"us east\", \"id\": 1, \"data_dir\": \"d\"}, " SQL_TRUST "}",
     1,
     {"node.name: bad name \"us east\": use 1..63 characters from A-Z a-z 0-9 . _ -"}},
    {"data_dir is a file",
     "{\"node\": {\"name\": \"a\", \"id\": 1, \"data_dir\": \"users\"}, " SQL_TRUST "}",
     1,
     {"users exists and is not a directory"}},
    {"self as peer by id",
     CFG(REPL("{\"name\": \"b\", \"id\": 1, \"address\": \"10.0.0.2:7443\"}")),
     1,
     {"replication.peers[0].id: 1 is this node's own id (node.id)"}},
    {"self as peer by name",
     CFG(REPL("{\"name\": \"a\", \"id\": 2, \"address\": \"10.0.0.2:7443\"}")),
     1,
     {"replication.peers[0].name: \"a\" is this node's own name (node.name)"}},
    {"duplicate peers",
     CFG(REPL("{\"name\": \"b\", \"id\": 2, \"address\": \"10.0.0.2:7443\"}, "
              "{\"name\": \"c\", \"id\": 2, \"address\": \"10.0.0.3:7443\"}, "
              "{\"name\": \"b\", \"id\": 3, \"address\": \"10.0.0.4:7443\"}")),
     2,
     {"replication.peers[1].id: duplicate id 2 (also used by peers[0])",
      "replication.peers[2].name: duplicate name \"b\" (also used by peers[0])"}},
    {"bad peer entries",
     CFG(REPL("{\"name\": \"b\", \"id\": 2, \"address\": \"0.0.0.0:7443\"}, "
              "{\"id\": 70000, \"adress\": \"x:1\"}, 5")),
     6,
     {"replication.peers[0].address: bad address \"0.0.0.0:7443\": a wildcard address",
      "replication.peers[1]: unknown key \"adress\" (did you mean \"address\"?)",
      "replication.peers[1].name: required key is missing",
      "replication.peers[1].id: 70000 is out of range 1..65535",
      "replication.peers[2]: expected an object, got an integer"}},
    {"replication without tls",
     CFG("\"replication\": {\"listen\": \"0.0.0.0:7443\", \"peers\": []}"),
     3,
     {"replication.tls.ca: required when replication is enabled",
      "replication.tls.cert: required when replication is enabled",
      "replication.tls.key: required when replication is enabled"}},
    /* A section of the wrong type is one problem, not a cascade of "required" ones. */
    {"sections of the wrong type",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:1\", \"auth\": \"trust\"}, "
     "\"replication\": {\"listen\": \"*:7443\", \"tls\": true}}",
     2,
     {"sql.auth: expected an object, got a string",
      "replication.tls: expected an object, got a boolean"}},
    {"sql of the wrong type",
     "{" NODE ", \"sql\": \"127.0.0.1:5432\"}",
     1,
     {"sql: expected an object, got a string"}},
    {"replication window and relay grace out of range",
     CFG("\"replication\": {\"listen\": \"[::]:7443\", " REPL_TLS ", "
         "\"max_inflight_batches\": 0, \"relay_grace_ms\": -1}"),
     2,
     {"replication.max_inflight_batches: 0 is out of range 1..64",
      "replication.relay_grace_ms: -1 is out of range 0..60000"}},
    {"replication without listen",
     CFG("\"replication\": {" REPL_TLS "}"),
     1,
     {"replication.listen: required key is missing"}},
    {"unreadable files",
     CFG("\"replication\": {\"listen\": \"[::]:7443\", \"tls\": {\"ca\": \"missing-ca.crt\", "
         "\"cert\": \"adir\", \"key\": \"/nonexistent/node.key\"}}"),
     3,
     {"replication.tls.ca: cannot read ", "missing-ca.crt: No such file or directory",
      "/adir: Is a directory",
      "replication.tls.key: cannot read /nonexistent/node.key: No such file"}},
    {"tls require without cert and key",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"tls\": {\"mode\": \"require\"}, "
     "\"auth\": {\"method\": \"trust\"}}}",
     2,
     {"sql.tls.cert: required when sql.tls.mode is require",
      "sql.tls.key: required when sql.tls.mode is require"}},
    {"tls cert without key",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"tls\": {\"cert\": \"server.crt\"}, "
     "\"auth\": {\"method\": \"trust\"}}}",
     1,
     {"sql.tls.key: required when sql.tls.cert is set"}},
    {"bad CIDRs",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"auth\": {\"method\": \"trust\", "
     "\"rules\": [{\"cidr\": \"10.0.0.0/33\"}, {\"cidr\": \"10.0.0/8\"}, {\"cidr\": \"::1/129\"}, "
     "{\"cidr\": \"10.0.0.0/\"}, {\"user\": \"bob\"}]}}}",
     5,
     {"sql.auth.rules[0].cidr: bad CIDR \"10.0.0.0/33\": prefix length must be 0..32",
      "sql.auth.rules[1].cidr: bad CIDR \"10.0.0/8\": not an IPv4 or IPv6 address",
      "sql.auth.rules[2].cidr: bad CIDR \"::1/129\": prefix length must be 0..128",
      "sql.auth.rules[3].cidr: bad CIDR \"10.0.0.0/\": bad prefix length",
      "sql.auth.rules[4].cidr: required key is missing"}},
    {"trust on a public address",
     "{" NODE ", \"sql\": {\"listen\": \"0.0.0.0:5432\", \"auth\": {\"method\": \"trust\"}}}",
     1,
     {"sql.auth.method: trust on non-loopback sql.listen 0.0.0.0:5432",
      "sql.auth.allow_trust_remote: true"}},
    {"trust rule for remote clients",
     "{" NODE ", \"sql\": {\"listen\": [\"127.0.0.1:5432\", \"10.0.0.1:5432\"], "
     "\"auth\": {\"method\": \"trust\", \"rules\": [{\"cidr\": \"127.0.0.1/32\"}, "
     "{\"cidr\": \"10.0.0.0/8\"}]}}}",
     2,
     {"sql.auth.rules[1].method: trust for 10.0.0.0/8 on non-loopback sql.listen 10.0.0.1:5432",
      "sql.auth.method: trust (for clients no rule matches) on non-loopback sql.listen"}},
    {"trust default behind a reject-all rule is fine, a trust rule before it is not",
     "{" NODE ", \"sql\": {\"listen\": \"*:5432\", \"auth\": {\"method\": \"trust\", "
     "\"rules\": [{\"cidr\": \"192.168.0.0/16\", \"method\": \"trust\"}, "
     "{\"cidr\": \"all\", \"method\": \"reject\"}]}}}",
     1,
     {"sql.auth.rules[0].method: trust for 192.168.0.0/16 on non-loopback sql.listen *:5432"}},
    {"password method without users file",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\"}}",
     1,
     {"sql.auth.users_file: required by method scram-sha-256 (sql.auth.method)"}},
    {"password rule without users file",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"auth\": {\"method\": \"trust\", "
     "\"rules\": [{\"cidr\": \"all\", \"method\": \"md5\"}]}}}",
     1,
     {"sql.auth.users_file: required by method md5 (a rule in sql.auth.rules)"}},
    {"metrics port taken by sql",
     CFG("\"metrics\": {\"listen\": \"*:5432\"}"),
     1,
     {"metrics.listen: *:5432 conflicts with sql.listen 127.0.0.1:5432"}},
    {"backup_dir inside the data directory",
     CFG("\"storage\": {\"backup_dir\": \"d/./backups\"}"),
     1,
     {"storage.backup_dir: must not be or contain node.data_dir"}},
    {"backup_dir holding the data directory",
     CFG("\"storage\": {\"backup_dir\": \"x/..\"}"),
     1,
     {"storage.backup_dir: must not be or contain node.data_dir"}},
    {"a password rule without users file and without a trust rule",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"auth\": {\"method\": \"scram-sha-256\", "
     "\"rules\": [{\"cidr\": \"all\", \"user\": \"postgres\", \"method\": \"reject\"}, "
     "{\"cidr\": \"all\", \"method\": \"scram-sha-256\"}]}}}",
     1,
     {"sql.auth.users_file: required by method scram-sha-256"}},
};

static void test_bad_configs(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        const bad_case *c = &BAD[i];
        config cfg;
        config_errors errs;
        int rc = config_load_string(c->json, tmpdir, &cfg, &errs);
        bool ok = rc == -1 && errs.n == c->nproblems;
        for (int k = 0; ok && k < 5 && c->expect[k]; k++)
            ok = has_line(&errs, c->expect[k]);
        if (!ok) {
            print_message("# case \"%s\": rc %d, %d problems (want %d):\n", c->name, rc, errs.n,
                          c->nproblems);
            dump(&errs);
            for (int k = 0; k < 5 && c->expect[k]; k++)
                if (!has_line(&errs, c->expect[k]))
                    print_message("#   missing: %s\n", c->expect[k]);
        }
        /* A failed load leaves nothing to free. */
        assert_null(cfg.node.name);
        assert_null(cfg.sql.listen[0].host);
        config_errors_free(&errs);
        failed += !ok;
    }
    assert_int_equal(failed, 0);
}

/* ---- good configs ---------------------------------------------------------------------- */

static void expect_path(const char *got, const char *rel)
{
    char want[512];
    tmp_path(want, sizeof(want), rel);
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void check_minimal(const config *c)
{
    assert_false(c->dev);
    assert_null(c->path);
    assert_string_equal(c->node.name, "a");
    assert_int_equal(c->node.id, 1);
    expect_path(c->node.data_dir, "d");
    assert_int_equal(c->sql.nlisten, 1);
    assert_string_equal(c->sql.listen[0].host, "127.0.0.1");
    assert_int_equal(c->sql.listen[0].port, 5432);
    assert_int_equal(c->sql.max_connections, 200);
    assert_int_equal(c->sql.idle_timeout_s, 0);
    assert_int_equal(c->sql.auth_timeout_s, 10);
    assert_int_equal(c->sql.max_message_bytes, 64u << 20);
    assert_int_equal(c->sql.statement_timeout_ms, 0);
    assert_int_equal(c->sql.slow_statement_ms, 0);
    assert_int_equal(c->sql.tls.mode, CONFIG_TLS_OFF);
    assert_null(c->sql.tls.cert);
    assert_null(c->sql.tls.key);
    assert_int_equal(c->sql.auth.method, CONFIG_AUTH_TRUST);
    assert_null(c->sql.auth.users_file);
    assert_false(c->sql.auth.allow_trust_remote);
    /* No rules given: one rule applying sql.auth.method to everyone. */
    assert_int_equal(c->sql.auth.nrules, 1);
    assert_string_equal(c->sql.auth.rules[0].cidr, "all");
    assert_string_equal(c->sql.auth.rules[0].user, "all");
    assert_int_equal(c->sql.auth.rules[0].method, CONFIG_AUTH_TRUST);
    assert_false(c->replication.enabled);
    assert_int_equal(c->replication.npeers, 0);
    assert_null(c->replication.listen.host);
    assert_int_equal(c->replication.batch_max_delay_ms, 2);
    assert_int_equal(c->replication.batch_max_bytes, 1u << 20);
    assert_int_equal(c->replication.log_retention_mb, 1024);
    assert_int_equal(c->replication.anti_entropy_interval_s, 60);
    assert_int_equal(c->replication.max_inflight_batches, 32);
    assert_int_equal(c->replication.relay_grace_ms, 1000);
    assert_int_equal(c->storage.sync, CONFIG_SYNC_ALWAYS);
    assert_int_equal(c->storage.sync_interval_ms, 10);
    assert_int_equal(c->storage.block_cache_mb, 128);
    assert_int_equal(c->storage.min_free_mb, 256);
    assert_true(c->metrics.enabled);
    assert_string_equal(c->metrics.listen.host, "127.0.0.1");
    assert_int_equal(c->metrics.listen.port, 9187);
    assert_int_equal(c->log.format, CONFIG_LOG_TEXT);
    assert_int_equal(c->log.level, CONFIG_LOG_INFO);
    assert_int_equal(c->max_clock_skew_ms, 500);
}

static void check_full(const config *c)
{
    assert_string_equal(c->node.name, "us-east-1");
    assert_int_equal(c->node.id, 7);
    assert_string_equal(c->node.data_dir, "/var/lib/heliosdb/x");
    assert_int_equal(c->sql.nlisten, 2);
    assert_string_equal(c->sql.listen[0].host, "*");
    assert_int_equal(c->sql.listen[0].port, 6432);
    assert_string_equal(c->sql.listen[1].host, "::");
    assert_int_equal(c->sql.listen[1].port, 6433);
    assert_int_equal(c->sql.max_connections, 1000);
    assert_int_equal(c->sql.idle_timeout_s, 600);
    assert_int_equal(c->sql.auth_timeout_s, 5);
    assert_int_equal(c->sql.max_message_bytes, 1 << 20);
    assert_int_equal(c->sql.statement_timeout_ms, 30000);
    assert_int_equal(c->sql.slow_statement_ms, 250);
    assert_int_equal(c->sql.tls.mode, CONFIG_TLS_REQUIRE);
    expect_path(c->sql.tls.cert, "server.crt");
    expect_path(c->sql.tls.key, "server.key");
    assert_int_equal(c->sql.auth.method, CONFIG_AUTH_MD5);
    expect_path(c->sql.auth.users_file, "users");
    assert_int_equal(c->sql.auth.nrules, 3);
    assert_string_equal(c->sql.auth.rules[0].cidr, "127.0.0.1/32"); /* bare address: one host */
    assert_string_equal(c->sql.auth.rules[0].user, "all");
    assert_int_equal(c->sql.auth.rules[0].method, CONFIG_AUTH_SCRAM);
    assert_string_equal(c->sql.auth.rules[1].cidr, "10.0.0.0/8");
    assert_string_equal(c->sql.auth.rules[1].user, "app");
    assert_int_equal(c->sql.auth.rules[1].method, CONFIG_AUTH_MD5); /* inherited */
    assert_string_equal(c->sql.auth.rules[2].cidr, "::/0");
    assert_int_equal(c->sql.auth.rules[2].method, CONFIG_AUTH_REJECT);
    assert_true(c->replication.enabled);
    assert_string_equal(c->replication.listen.host, "0.0.0.0");
    assert_int_equal(c->replication.listen.port, 7443);
    expect_path(c->replication.tls.ca, "ca.crt");
    expect_path(c->replication.tls.cert, "node.crt");
    expect_path(c->replication.tls.key, "node.key");
    assert_int_equal(c->replication.npeers, 2);
    assert_string_equal(c->replication.peers[0].name, "eu-west-1");
    assert_int_equal(c->replication.peers[0].id, 2);
    assert_string_equal(c->replication.peers[0].address.host, "eu.example.com");
    assert_int_equal(c->replication.peers[0].address.port, 7443);
    assert_string_equal(c->replication.peers[1].name, "ap-southeast-1");
    assert_int_equal(c->replication.peers[1].id, 3);
    assert_string_equal(c->replication.peers[1].address.host, "fd00::3");
    assert_int_equal(c->replication.peers[1].address.port, 7444);
    assert_int_equal(c->replication.batch_max_delay_ms, 0);
    assert_int_equal(c->replication.batch_max_bytes, 65536);
    assert_int_equal(c->replication.log_retention_mb, 10);
    assert_int_equal(c->replication.anti_entropy_interval_s, 0);
    assert_int_equal(c->replication.max_inflight_batches, 8);
    assert_int_equal(c->replication.relay_grace_ms, 0);
    assert_int_equal(c->storage.sync, CONFIG_SYNC_BATCH);
    assert_int_equal(c->storage.sync_interval_ms, 50);
    assert_int_equal(c->storage.block_cache_mb, 0);
    assert_int_equal(c->storage.min_free_mb, 0);
    assert_string_equal(c->storage.backup_dir, "/var/backups/heliosdb");
    assert_false(c->metrics.enabled);
    assert_string_equal(c->metrics.listen.host, "127.0.0.1");
    assert_int_equal(c->metrics.listen.port, 9000);
    assert_int_equal(c->log.format, CONFIG_LOG_JSON);
    assert_int_equal(c->log.level, CONFIG_LOG_DEBUG);
    assert_int_equal(c->max_clock_skew_ms, 2000);
}

static void check_tls_prefer_default(const config *c)
{
    assert_int_equal(c->sql.tls.mode, CONFIG_TLS_PREFER);
    expect_path(c->sql.tls.cert, "certs/server.crt");
    expect_path(c->sql.tls.key, "certs/server.key");
}

static void check_trust_remote(const config *c)
{
    assert_true(c->sql.auth.allow_trust_remote);
    assert_int_equal(c->sql.auth.method, CONFIG_AUTH_TRUST);
    assert_string_equal(c->sql.listen[0].host, "0.0.0.0");
}

static void check_loopback_trust_rule(const config *c)
{
    assert_int_equal(c->sql.auth.nrules, 2);
    assert_int_equal(c->sql.auth.rules[0].method, CONFIG_AUTH_TRUST);
    assert_string_equal(c->sql.auth.rules[0].cidr, "::1/128");
    assert_int_equal(c->sql.auth.rules[1].method, CONFIG_AUTH_SCRAM);
}

static void check_names(const config *c)
{
    assert_string_equal(c->sql.listen[0].host, "localhost");
    assert_string_equal(c->sql.listen[1].host, "::1");
    assert_int_equal(c->sql.listen[1].port, 65535);
    assert_int_equal(c->replication.npeers, 0);
    assert_true(c->replication.enabled);
}

typedef struct good_case {
    const char *name;
    const char *json;
    void (*check)(const config *c);
} good_case;

static const good_case GOOD[] = {
    {"minimal, defaults filled", "{" NODE ", " SQL_TRUST "}", check_minimal},
    {"every key set",
     "{\"node\": {\"name\": \"us-east-1\", \"id\": 7, \"data_dir\": \"/var/lib/heliosdb/x\"},"
     " \"sql\": {\"listen\": [\"*:6432\", \"[::]:6433\"], \"max_connections\": 1000,"
     "   \"idle_timeout_s\": 600, \"auth_timeout_s\": 5, \"max_message_bytes\": 1048576,"
     "   \"statement_timeout_ms\": 30000, \"slow_statement_ms\": 250,"
     "   \"tls\": {\"mode\": \"require\", \"cert\": \"server.crt\", \"key\": \"server.key\"},"
     "   \"auth\": {\"rules\": [{\"cidr\": \"127.0.0.1\", \"method\": \"scram-sha-256\"},"
     "                         {\"cidr\": \"10.0.0.0/8\", \"user\": \"app\"},"
     "                         {\"cidr\": \"::/0\", \"method\": \"reject\"}],"
     "              \"method\": \"md5\", \"users_file\": \"users\","
     "              \"allow_trust_remote\": false}},"
     " \"replication\": {\"listen\": \"0.0.0.0:7443\", " REPL_TLS ","
     "   \"peers\": [{\"name\": \"eu-west-1\", \"id\": 2, \"address\": \"eu.example.com:7443\"},"
     "               {\"name\": \"ap-southeast-1\", \"id\": 3, \"address\": \"[fd00::3]:7444\"}],"
     "   \"batch_max_delay_ms\": 0, \"batch_max_bytes\": 65536, \"log_retention_mb\": 10,"
     "   \"anti_entropy_interval_s\": 0, \"max_inflight_batches\": 8, \"relay_grace_ms\": 0},"
     " \"storage\": {\"sync\": \"batch\", \"sync_interval_ms\": 50, \"block_cache_mb\": 0,"
     "   \"min_free_mb\": 0, \"backup_dir\": \"/var/backups/heliosdb\"},"
     " \"metrics\": {\"listen\": \"127.0.0.1:9000\", \"enabled\": false},"
     " \"log\": {\"format\": \"json\", \"level\": \"debug\"},"
     " \"clock\": {\"max_skew_ms\": 2000}}",
     check_full},
    {"tls prefer by default with cert and key",
     "{" NODE ", \"sql\": {\"listen\": \"127.0.0.1:5432\", \"tls\": {\"cert\": "
     "\"certs/server.crt\", \"key\": \"certs/server.key\"}, \"auth\": {\"method\": \"trust\"}}}",
     check_tls_prefer_default},
    {"trust on a public address when allowed",
     "{" NODE ", \"sql\": {\"listen\": \"0.0.0.0:5432\", \"auth\": {\"method\": \"trust\", "
     "\"allow_trust_remote\": true}}}",
     check_trust_remote},
    {"trust only for loopback clients on a public address",
     "{" NODE ", \"sql\": {\"listen\": \"0.0.0.0:5432\", \"auth\": {\"users_file\": \"users\", "
     "\"rules\": [{\"cidr\": \"::1/128\", \"method\": \"trust\"}, {\"cidr\": \"all\"}]}}}",
     check_loopback_trust_rule},
    {"host names, IPv6, replication without peers",
     "{" NODE ", \"sql\": {\"listen\": [\"localhost:5432\", \"[::1]:65535\"], "
     "\"auth\": {\"method\": \"trust\"}}, \"replication\": {\"listen\": \"*:7443\", " REPL_TLS "}}",
     check_names},
};

static void test_good_configs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
        config cfg;
        config_errors errs;
        int rc = config_load_string(GOOD[i].json, tmpdir, &cfg, &errs);
        if (rc != 0) {
            print_message("# case \"%s\" refused:\n", GOOD[i].name);
            dump(&errs);
        }
        assert_int_equal(rc, 0);
        assert_int_equal(errs.n, 0);
        GOOD[i].check(&cfg);
        config_free(&cfg);
        config_errors_free(&errs);
    }
}

/* ---- one pass, limits, files ----------------------------------------------------------- */

static void test_every_problem_in_one_pass(void **state)
{
    (void)state;
    const char *json =
        "{\"node\": {\"name\": \"a\", \"id\": 0, \"data_dir\": \"d\", \"colour\": 1},"
        " \"sql\": {\"listen\": \"0.0.0.0:99999\", \"tls\": {\"mode\": \"require\"},"
        "   \"auth\": {\"method\": \"trust\", \"users_file\": \"nope\"}},"
        " \"replication\": {\"listen\": \"0.0.0.0:7443\", \"peers\": ["
        "   {\"name\": \"a\", \"id\": 2, \"address\": \"10.0.0.2:7443\"},"
        "   {\"name\": \"b\", \"id\": 2, \"address\": \"10.0.0.3\"}]},"
        " \"storage\": {\"sync\": \"sometimes\"}}";
    const char *expect[] = {
        "node: unknown key \"colour\"",
        "node.id: 0 is out of range",
        "sql.listen: bad address \"0.0.0.0:99999\"",
        "sql.tls.cert: required when sql.tls.mode is require",
        "sql.tls.key: required when sql.tls.mode is require",
        "sql.auth.users_file: cannot read",
        "replication.tls.ca: required",
        "replication.tls.cert: required",
        "replication.tls.key: required",
        "replication.peers[0].name: \"a\" is this node's own name",
        "replication.peers[1].id: duplicate id 2",
        "replication.peers[1].address: bad address \"10.0.0.3\": expected host:port",
        "storage.sync: bad value \"sometimes\"",
    };
    size_t n = sizeof(expect) / sizeof(expect[0]);
    config cfg;
    config_errors errs;
    assert_int_equal(config_load_string(json, tmpdir, &cfg, &errs), -1);
    if (errs.n != (int)n) dump(&errs);
    assert_int_equal(errs.n, n);
    for (size_t i = 0; i < n; i++) {
        if (!has_line(&errs, expect[i])) print_message("# missing: %s\n", expect[i]);
        assert_true(has_line(&errs, expect[i]));
    }
    /* Directly printable: one "path: reason" line per problem. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    config_errors_print(&errs, f);
    fclose(f);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    assert_int_equal(lines, n);
    assert_true(strncmp(buf, errs.msg[0], strlen(errs.msg[0])) == 0);
    free(buf);
    config_errors_free(&errs);
}

static void test_problem_list_is_capped(void **state)
{
    (void)state;
    /* 300 unknown keys: the list keeps the first 100 and says that more were found. */
    size_t cap = 300 * 16 + 64;
    char *json = malloc(cap);
    assert_non_null(json);
    size_t o = (size_t)snprintf(json, cap, "{" NODE ", " SQL_TRUST);
    for (int i = 0; i < 300; i++)
        o += (size_t)snprintf(json + o, cap - o, ", \"k%d\": %d", i, i);
    snprintf(json + o, cap - o, "}");
    config cfg;
    config_errors errs;
    assert_int_equal(config_load_string(json, tmpdir, &cfg, &errs), -1);
    assert_int_equal(errs.n, 101);
    assert_non_null(strstr(errs.msg[0], "unknown key \"k0\""));
    assert_non_null(strstr(errs.msg[100], "more than 100 problems"));
    config_errors_free(&errs);
    /* errs may be NULL: the load still fails. */
    assert_int_equal(config_load_string(json, tmpdir, &cfg, NULL), -1);
    free(json);
}

static void test_long_value_is_truncated(void **state)
{
    (void)state;
    char json[1024], longv[301];
    memset(longv, 'x', 300);
    longv[300] = '\0';
    snprintf(json, sizeof(json), CFG("\"log\": {\"level\": \"%s\"}"), longv);
    config cfg;
    config_errors errs;
    assert_int_equal(config_load_string(json, tmpdir, &cfg, &errs), -1);
    assert_int_equal(errs.n, 1);
    assert_non_null(strstr(errs.msg[0], "xxx\"...; allowed"));
    assert_true(strlen(errs.msg[0]) < 200);
    config_errors_free(&errs);
}

static void test_load_file_resolves_against_its_folder(void **state)
{
    (void)state;
    const char *json = "{\"node\": {\"name\": \"a\", \"id\": 1, \"data_dir\": \"data\"},"
                       " \"sql\": {\"listen\": \"127.0.0.1:5432\", \"tls\": {\"cert\": "
                       "\"certs/server.crt\", \"key\": \"certs/server.key\"},"
                       " \"auth\": {\"method\": \"trust\"}}}";
    write_file("etc/node.json", json, strlen(json));
    char path[512];
    tmp_path(path, sizeof(path), "etc/node.json");
    config cfg;
    config_errors errs;
    int rc = config_load(path, &cfg, &errs);
    if (rc) dump(&errs);
    assert_int_equal(rc, 0);
    char *want = realpath(path, NULL);
    assert_non_null(want);
    assert_string_equal(cfg.path, want);
    free(want);
    expect_path(cfg.node.data_dir, "etc/data");
    expect_path(cfg.sql.tls.cert, "etc/certs/server.crt");
    assert_int_equal(cfg.sql.tls.mode, CONFIG_TLS_PREFER);
    config_free(&cfg);
    assert_null(cfg.node.name);
    config_free(&cfg); /* idempotent */
    config_errors_free(&errs);
}

static void test_load_file_errors(void **state)
{
    (void)state;
    config cfg;
    config_errors errs;
    char path[512];

    tmp_path(path, sizeof(path), "no-such.json");
    assert_int_equal(config_load(path, &cfg, &errs), -1);
    assert_int_equal(errs.n, 1);
    assert_non_null(strstr(errs.msg[0], "no-such.json: cannot read the config file: No such file"));
    config_errors_free(&errs);

    tmp_path(path, sizeof(path), "adir");
    assert_int_equal(config_load(path, &cfg, &errs), -1);
    assert_true(has_line(&errs, "Is a directory"));
    config_errors_free(&errs);

    /* A NUL byte inside the file is reported, not silently treated as the end. */
    static const char nul[] = "{\"node\": {}}\0 trailing";
    write_file("nul.json", nul, sizeof(nul) - 1);
    tmp_path(path, sizeof(path), "nul.json");
    assert_int_equal(config_load(path, &cfg, &errs), -1);
    assert_int_equal(errs.n, 1);
    assert_non_null(strstr(errs.msg[0], "invalid JSON"));
    config_errors_free(&errs);
}

/* The shipped examples are valid once the files they name exist. */
static void test_examples(void **state)
{
    (void)state;
    static const char *const examples[] = {"config/example-single.json",
                                           "config/example-region.json"};
    const char *src = getenv("HELIOS_SRCDIR") ? getenv("HELIOS_SRCDIR") : ".";
    for (int i = 0; i < 2; i++) {
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", src, examples[i]);
        FILE *f = fopen(p, "rb");
        if (!f) fail_msg("cannot open %s (run from the repository root or set HELIOS_SRCDIR)", p);
        char text[8192];
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        config cfg;
        config_errors errs;
        int rc = config_load_string(text, tmpdir, &cfg, &errs);
        if (rc) dump(&errs);
        assert_int_equal(rc, 0);
        if (i == 0) {
            assert_false(cfg.replication.enabled);
            assert_int_equal(cfg.sql.tls.mode, CONFIG_TLS_PREFER);
            assert_int_equal(cfg.sql.auth.method, CONFIG_AUTH_SCRAM);
            expect_path(cfg.sql.auth.users_file, "users");
        } else {
            assert_true(cfg.replication.enabled);
            assert_int_equal(cfg.replication.npeers, 4);
            assert_int_equal(cfg.sql.tls.mode, CONFIG_TLS_REQUIRE);
            expect_path(cfg.replication.tls.ca, "ca.crt");
        }
        config_free(&cfg);
        config_errors_free(&errs);

        /* Without the files, every missing one is named. */
        char empty[512];
        tmp_path(empty, sizeof(empty), "adir");
        assert_int_equal(config_load_string(text, empty, &cfg, &errs), -1);
        assert_true(has_line(&errs, "sql.tls.cert: cannot read"));
        assert_true(has_line(&errs, "sql.auth.users_file: cannot read"));
        config_errors_free(&errs);
    }
}

static void test_dev(void **state)
{
    (void)state;
    config cfg;
    assert_int_equal(config_dev(&cfg, NULL, 0), 0);
    assert_true(cfg.dev);
    assert_null(cfg.path);
    assert_string_equal(cfg.node.name, "dev");
    assert_int_equal(cfg.node.id, 1);
    char *cwd = getcwd(NULL, 0);
    char want[1024];
    snprintf(want, sizeof(want), "%s/helios-data", cwd);
    free(cwd);
    assert_string_equal(cfg.node.data_dir, want);
    assert_int_equal(cfg.sql.nlisten, 2);
    assert_string_equal(cfg.sql.listen[0].host, "127.0.0.1");
    assert_int_equal(cfg.sql.listen[0].port, 5432);
    assert_string_equal(cfg.sql.listen[1].host, "::1");
    assert_int_equal(cfg.sql.listen[1].port, 5432);
    assert_int_equal(cfg.sql.auth.method, CONFIG_AUTH_TRUST);
    assert_int_equal(cfg.sql.auth.nrules, 3);
    assert_string_equal(cfg.sql.auth.rules[0].cidr, "127.0.0.0/8");
    assert_int_equal(cfg.sql.auth.rules[0].method, CONFIG_AUTH_TRUST);
    assert_string_equal(cfg.sql.auth.rules[1].cidr, "::1/128");
    assert_int_equal(cfg.sql.auth.rules[1].method, CONFIG_AUTH_TRUST);
    assert_string_equal(cfg.sql.auth.rules[2].cidr, "all");
    assert_string_equal(cfg.sql.auth.rules[2].user, "all");
    assert_int_equal(cfg.sql.auth.rules[2].method, CONFIG_AUTH_REJECT);
    assert_int_equal(cfg.sql.tls.mode, CONFIG_TLS_OFF);
    assert_int_equal(cfg.storage.sync, CONFIG_SYNC_ALWAYS);
    assert_false(cfg.replication.enabled);
    assert_true(cfg.metrics.enabled);
    assert_string_equal(cfg.metrics.listen.host, "127.0.0.1");
    assert_int_equal(cfg.metrics.listen.port, 9187);
    assert_int_equal(cfg.sql.max_connections, 200);
    assert_int_equal(cfg.max_clock_skew_ms, 500);
    config_free(&cfg);

    assert_int_equal(config_dev(&cfg, "/srv/h", 6543), 0);
    assert_string_equal(cfg.node.data_dir, "/srv/h");
    assert_int_equal(cfg.sql.listen[0].port, 6543);
    assert_int_equal(cfg.sql.listen[1].port, 6543);
    config_free(&cfg);

    assert_int_equal(config_dev(&cfg, NULL, 70000), -1);
    assert_null(cfg.node.name);
}

static void test_path_normalize(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(config_path_normalize("/a/./b//c/../d/", out, sizeof out), 0);
    assert_string_equal(out, "/a/b/d");
    assert_int_equal(config_path_normalize("/../..", out, sizeof out), 0);
    assert_string_equal(out, "/");
    assert_int_equal(config_path_normalize("/x/..y/..", out, sizeof out), 0);
    assert_string_equal(out, "/x");
    assert_int_equal(config_path_normalize("relative", out, sizeof out), -1);
    assert_int_equal(config_path_normalize("/aaaaaaaaaa/bbbbbbbbbb", out, 8), -1);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(config_auth_method_name(CONFIG_AUTH_SCRAM), "scram-sha-256");
    assert_string_equal(config_auth_method_name(CONFIG_AUTH_PASSWORD), "password");
    assert_string_equal(config_sync_mode_name(CONFIG_SYNC_BATCH), "batch");
    assert_string_equal(config_tls_mode_name(CONFIG_TLS_REQUIRE), "require");
    assert_string_equal(config_log_format_name(CONFIG_LOG_JSON), "json");
    assert_string_equal(config_log_level_name(CONFIG_LOG_WARN), "warn");
    assert_string_equal(config_sync_mode_name((config_sync_mode)42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_good_configs),
        cmocka_unit_test(test_every_problem_in_one_pass),
        cmocka_unit_test(test_problem_list_is_capped),
        cmocka_unit_test(test_long_value_is_truncated),
        cmocka_unit_test(test_load_file_resolves_against_its_folder),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_dev),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_path_normalize),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
