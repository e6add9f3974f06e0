/*
 * config/config.h — the daemon's configuration: loading, validating, defaults.
 *
 * The JSON file format is a contract (DESIGN §7). config_load() reads a file with jansson,
 * resolves relative paths against the file's folder, fills defaults, and validates every key;
 * it collects *every* problem (not just the first) as "path: reason" lines, e.g.
 *   "replication.peers[1].id: duplicate id 2 (also used by peers[0])"
 *   "sql.tls.cert: cannot read /etc/x.pem: No such file or directory"
 * config_dev() builds the embedded single-node configuration used by `heliosdb --dev` and
 * `make run`. No jansson type appears in this header: callers see only plain C structs.
 * All strings are owned by the config and freed by config_free().
 */
#ifndef HELIOS_CONFIG_H
#define HELIOS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_PEERS 64
#define CONFIG_MAX_LISTEN 4
#define CONFIG_MAX_HBA 64

typedef enum { CONFIG_TLS_OFF = 0, CONFIG_TLS_PREFER, CONFIG_TLS_REQUIRE } config_tls_mode;
typedef enum { CONFIG_SYNC_ALWAYS = 0, CONFIG_SYNC_BATCH, CONFIG_SYNC_OFF } config_sync_mode;
typedef enum {
    CONFIG_AUTH_TRUST = 0,
    CONFIG_AUTH_PASSWORD, /* cleartext */
    CONFIG_AUTH_MD5,
    CONFIG_AUTH_SCRAM,
    CONFIG_AUTH_REJECT
} config_auth_method;
typedef enum { CONFIG_LOG_TEXT = 0, CONFIG_LOG_JSON } config_log_format;
typedef enum {
    CONFIG_LOG_DEBUG = 0,
    CONFIG_LOG_INFO,
    CONFIG_LOG_WARN,
    CONFIG_LOG_ERROR
} config_log_level;

/* "host:port"; host may be an IPv4 literal, "[v6]" literal, "*" or a name. */
typedef struct config_addr {
    char *host; /* without brackets */
    uint16_t port;
} config_addr;

/* One pg_hba-like rule: first match wins. */
typedef struct config_hba_rule {
    char *cidr; /* "127.0.0.1/32", "::1/128", "0.0.0.0/0", "all" */
    char *user; /* user name or "all" */
    config_auth_method method;
} config_hba_rule;

typedef struct config_peer {
    char *name;
    uint16_t id;
    config_addr address;
} config_peer;

typedef struct config {
    char *path; /* file loaded, or NULL for --dev */
    bool dev;

    struct {
        char *name;     /* node.name: 1..63 chars [A-Za-z0-9._-] */
        uint16_t id;    /* node.id: 1..65535 */
        char *data_dir; /* absolute after load */
    } node;

    struct {
        config_addr listen[CONFIG_MAX_LISTEN]; /* sql.listen: a string or an array of them */
        int nlisten;
        int max_connections;        /* sql.max_connections, default 200 */
        int superuser_reserved;     /* sql.superuser_reserved_connections, default 3 */
        int idle_timeout_s;         /* sql.idle_timeout_s, 0 = none (default) */
        int auth_timeout_s;         /* sql.auth_timeout_s, default 10 */
        uint32_t max_message_bytes; /* sql.max_message_bytes, default 64 MiB */
        int statement_timeout_ms;   /* sql.statement_timeout_ms default, 0 = none */
        int slow_statement_ms;      /* sql.slow_statement_ms, log threshold, 0 = off (default) */
        int threads;                /* sql.threads: executor threads, 0 = one per core (default) */
        struct {
            config_tls_mode mode; /* default prefer when cert+key given, else off */
            char *cert, *key;
        } tls;
        struct {
            config_auth_method method;             /* sql.auth.method, default scram-sha-256 */
            char *users_file;                      /* sql.auth.users_file */
            config_hba_rule rules[CONFIG_MAX_HBA]; /* sql.auth.rules */
            int nrules;
            bool allow_trust_remote; /* sql.auth.allow_trust_remote, default false */
        } auth;
    } sql;

    struct {
        config_addr listen;
        bool enabled; /* false when "replication" is absent (single node) */
        struct {
            char *ca, *cert, *key;
        } tls;
        config_peer peers[CONFIG_MAX_PEERS];
        int npeers;
        int batch_max_delay_ms;      /* default 2 */
        uint32_t batch_max_bytes;    /* default 1 MiB */
        int log_retention_mb;        /* default 1024 */
        int anti_entropy_interval_s; /* default 60 */
        int max_inflight_batches;    /* default 32 */
        int relay_grace_ms;          /* default 1000; 0 = relay at once */
    } replication;

    struct {
        config_sync_mode sync; /* storage.sync, default always */
        int sync_interval_ms;  /* storage.sync_interval_ms, default 10 (batch mode) */
        int block_cache_mb;    /* storage.block_cache_mb, default 128 */
        int row_cache_mb;      /* storage.row_cache_mb, default 64, 0 = off */
        int min_free_mb;       /* storage.min_free_mb, default 256 (0: no guard) */
        char *backup_dir;      /* storage.backup_dir: where helios_backup() may write (absolute
                                * after load; NULL: online backups through SQL are refused) */
    } storage;

    struct {
        config_addr listen; /* metrics.listen, default 127.0.0.1:9187 */
        bool enabled;
    } metrics;

    struct {
        config_log_format format; /* log.format, default text */
        config_log_level level;   /* log.level, default info */
    } log;

    uint64_t max_clock_skew_ms; /* clock.max_skew_ms, default 500 */
} config;

/* A list of problems found while loading. */
typedef struct config_errors {
    char **msg; /* "json.path: reason" */
    int n;
    int cap;
} config_errors;

void config_errors_free(config_errors *e);
/* Prints every problem, one per line ("json.path: reason\n"), to OUT. */
void config_errors_print(const config_errors *e, FILE *out);

/* Loads and validates FILE. Returns 0 and fills *cfg, or -1 with every problem in *errs
 * (cfg is then left freed). The caller frees with config_free / config_errors_free.
 * *errs is (re)initialised on entry, so it needs no setup but must not hold a list still to be
 * freed; it may be NULL (problems are then only counted). -1 with errs->n == 0 means out of
 * memory. At most 100 problems are listed, plus a line saying more were found.
 * After success every default is filled: paths are absolute, sql.auth.rules holds at least
 * one rule (with no rules in the file: {"all", "all", sql.auth.method}), a rule without a
 * method has sql.auth.method, sql.tls.mode is resolved; a listen host "*" means all
 * interfaces. Keys, types, ranges and defaults: config/README.md. */
int config_load(const char *path, config *cfg, config_errors *errs);
/* Same, from a NUL-terminated JSON text; relative paths resolve against base_dir (NULL or
 * relative: against the current directory). cfg->path stays NULL. */
int config_load_string(const char *json, const char *base_dir, config *cfg, config_errors *errs);
/* The embedded --dev configuration: node "dev" id 1, data_dir (default ./helios-data),
 * SQL on 127.0.0.1:port (default 5432) and [::1]:port, trust auth, TLS off, sync always,
 * no replication, metrics on 127.0.0.1:9187. port <= 0 means 5432; trust comes from the rules
 * 127.0.0.0/8 trust, ::1/128 trust, all reject. Returns 0 or -1 (out of memory, or port > 65535;
 * cfg left freed). */
int config_dev(config *cfg, const char *data_dir, int port);
/* "/a/./b//c/../d" -> "/a/b/d" (purely textual: symbolic links are not followed). Returns 0,
   or -1 when p is not absolute or out is too small. */
int config_path_normalize(const char *p, char *out, size_t outsz);
void config_free(config *cfg);

const char *config_auth_method_name(config_auth_method m); /* "scram-sha-256", ... */
const char *config_sync_mode_name(config_sync_mode m);
const char *config_tls_mode_name(config_tls_mode m);
const char *config_log_format_name(config_log_format f); /* "text", "json" */
const char *config_log_level_name(config_log_level l);   /* "debug", ... */

#endif
