/*
 * server/ctl/ctl_backup.c — `heliosctl backup` and `heliosctl restore`.
 *
 * backup is online when a daemon answers: `SELECT helios_backup('/abs/dir')` makes the daemon
 * checkpoint its own open store (the only process that may: RocksDB locks the directory). With
 * -h/-p that daemon is asked first; with --config alone the store is opened offline, and when
 * it is locked (the daemon runs) the daemon at the config's first sql.listen is asked instead.
 * A failed connection with --config given falls back to the offline path.
 * restore copies a checkpoint into an empty or missing data directory and checks the node
 * identity (or, with --reassign, rewrites it: seeding a new region from another's backup).
 * Without --reassign the store is marked restored (storage.h, "Write guards"): the daemon
 * takes no local writes until its peers have returned the entries of its own origin that
 * the backup lacks, so it never reuses a sequence number they hold.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "crdt/row.h"
#include "server/ctl/ctl.h"
#include "storage/storage.h"

static int load_config(const char *path, config *cfg)
{
    config_errors errs;
    if (config_load(path, cfg, &errs) == 0) {
        config_errors_free(&errs);
        return 0;
    }
    ctl_err("%s is not a valid config:", path);
    config_errors_print(&errs, stderr);
    config_errors_free(&errs);
    return -1;
}

/* The backup never merges; storage_open requires the callback all the same. */
static int row_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen)
{
    (void)ctx;
    return crdt_row_merge_bytes(old, oldlen, delta, dlen, out, outlen, NULL);
}

typedef struct online_opts {
    const char *host, *port, *user, *sslmode;
} online_opts;

/* The daemon writes the backup, so a relative --out is resolved against our cwd first. */
static char *absolute_dir(const char *out)
{
    if (out[0] == '/') return strdup(out);
    char *cwd = getcwd(NULL, 0);
    if (!cwd) return NULL;
    size_t n = strlen(cwd) + strlen(out) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", cwd, out);
    free(cwd);
    return p;
}

/* Returns CTL_OK, CTL_FAIL (the daemon refused: message printed) or CTL_NOCONN (message in
 * connerr, nothing printed: the caller may fall back). */
static int backup_online(const online_opts *o, const char *out, char *connerr, size_t errsz)
{
    int rc = CTL_FAIL;
    char *dir = absolute_dir(out), *sql = NULL;
    PGconn *c = NULL;
    PGresult *res = NULL;
    if (!dir) {
        ctl_err("out of memory");
        goto done;
    }
    /* '' doubles a quote; our string literals are standard-conforming (no backslash escapes) */
    size_t n = strlen(dir);
    if (!(sql = malloc(2 * n + 40))) {
        ctl_err("out of memory");
        goto done;
    }
    size_t k = (size_t)sprintf(sql, "SELECT helios_backup('");
    for (size_t i = 0; i < n; i++) {
        if (dir[i] == '\'') sql[k++] = '\'';
        sql[k++] = dir[i];
    }
    strcpy(sql + k, "')");
    const char *kw[] = {"host", "port", "user", "dbname", "sslmode", "connect_timeout",
                        "application_name", NULL};
    /* NULL lets libpq take PGUSER / PGSSLMODE / PGPASSWORD from the environment */
    const char *user = o->user ? o->user : getenv("PGUSER") ? NULL : "postgres";
    const char *v[] = {o->host, o->port, user, "postgres", o->sslmode, "5", "heliosctl", NULL};
    c = PQconnectdbParams(kw, v, 0);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        snprintf(connerr, errsz, "%s", c ? PQerrorMessage(c) : "out of memory");
        connerr[strcspn(connerr, "\n")] = 0;
        rc = CTL_NOCONN;
        goto done;
    }
    res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        const char *m = PQresultErrorMessage(res);
        ctl_err("online backup failed: %.*s", (int)strcspn(m, "\n"), m);
        goto done;
    }
    printf("online backup of %s:%s written to %s\n", PQhost(c), PQport(c),
           PQgetvalue(res, 0, 0));
    rc = CTL_OK;
done:
    PQclear(res);
    PQfinish(c);
    free(sql);
    free(dir);
    return rc;
}

static int backup_offline(const config *cfg, const char *out, bool *locked)
{
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = cfg->node.data_dir;
    o.node_id = cfg->node.id;
    o.node_name = cfg->node.name;
    o.merge = row_merge;
    o.block_cache_bytes = 8u << 20;
    umask(077); /* the files RocksDB adds to the data directory stay private */
    storage *st = NULL;
    int err = storage_open(&o, &st);
    *locked = err == STORAGE_ELOCKED;
    if (*locked) return CTL_FAIL;
    if (err) {
        ctl_err("cannot open %s: %s: %s", cfg->node.data_dir, storage_strerror(err),
                storage_errmsg());
        return CTL_FAIL;
    }
    int rc = CTL_OK;
    err = storage_backup(st, out);
    if (err) {
        ctl_err("backup into %s failed: %s: %s", out, storage_strerror(err), storage_errmsg());
        rc = CTL_FAIL;
    } else {
        printf("backup of %s (node %s, id %u) written to %s\n", cfg->node.data_dir,
               cfg->node.name, (unsigned)cfg->node.id, out);
    }
    storage_close(st);
    return rc;
}

int ctl_backup(int argc, char **argv)
{
    const char *cfgpath = NULL, *out = NULL;
    online_opts on = {0};
    bool bad = false;
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_value(argc, argv, &i, "--config", &cfgpath, &bad) ||
            ctl_opt_value(argc, argv, &i, "--out", &out, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--host", "-h", &on.host, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--port", "-p", &on.port, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--username", "-U", &on.user, &bad) ||
            ctl_opt_value(argc, argv, &i, "--sslmode", &on.sslmode, &bad))
            continue;
        ctl_err("backup: unexpected argument '%s'", argv[i]);
        bad = true;
    }
    bool want_online = on.host || on.port;
    if (bad) return CTL_USAGE;
    if (!out || (!cfgpath && !want_online)) {
        ctl_err("backup: --out DIR and a node (--config FILE, or -h HOST / -p PORT) are required");
        return CTL_USAGE;
    }
    char connerr[300] = "";
    if (want_online) {
        int rc = backup_online(&on, out, connerr, sizeof connerr);
        if (rc != CTL_NOCONN) return rc;
        if (!cfgpath) {
            ctl_err("cannot connect: %s", connerr);
            return CTL_NOCONN;
        }
        ctl_err("cannot connect (%s): trying the offline backup of %s", connerr, cfgpath);
    }
    config cfg;
    if (load_config(cfgpath, &cfg) < 0) return CTL_FAIL;
    bool locked = false;
    int rc = backup_offline(&cfg, out, &locked);
    if (locked && !want_online && cfg.sql.nlisten > 0) {
        /* the daemon holds the store: ask it for the checkpoint */
        char port[8];
        const char *h = cfg.sql.listen[0].host;
        if (!h || !h[0] || !strcmp(h, "*") || !strcmp(h, "0.0.0.0")) h = "127.0.0.1";
        else if (!strcmp(h, "::")) h = "::1";
        snprintf(port, sizeof port, "%u", (unsigned)cfg.sql.listen[0].port);
        online_opts o2 = {.host = h, .port = port, .user = on.user, .sslmode = on.sslmode};
        rc = backup_online(&o2, out, connerr, sizeof connerr);
        if (rc == CTL_NOCONN)
            ctl_err("%s is in use (the daemon runs) but the online backup through %s:%s could "
                    "not connect: %s",
                    cfg.node.data_dir, h, port, connerr);
    } else if (locked) {
        ctl_err("%s is in use (is heliosdb running?) and the daemon did not answer",
                cfg.node.data_dir);
    }
    config_free(&cfg);
    return rc;
}

int ctl_restore(int argc, char **argv)
{
    const char *cfgpath = NULL, *from = NULL;
    bool bad = false, reassign = false;
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_value(argc, argv, &i, "--config", &cfgpath, &bad) ||
            ctl_opt_value(argc, argv, &i, "--from", &from, &bad))
            continue;
        if (ctl_opt_flag(argv[i], "--reassign")) {
            reassign = true;
            continue;
        }
        ctl_err("restore: unexpected argument '%s'", argv[i]);
        bad = true;
    }
    if (bad) return CTL_USAGE;
    if (!cfgpath || !from) {
        ctl_err("restore: --config FILE and --from DIR are required");
        return CTL_USAGE;
    }
    config cfg;
    if (load_config(cfgpath, &cfg) < 0) return CTL_FAIL;
    int rc = CTL_FAIL;
    /* RocksDB's own files (LOCK, LOG, OPTIONS...) of the verification open: as private as
     * the daemon's (which runs with umask 077). */
    umask(077);
    int err = storage_restore(from, cfg.node.data_dir, cfg.node.id, cfg.node.name, reassign);
    if (err == STORAGE_EEXIST)
        ctl_err("%s is not empty: restore only into a missing or empty data directory (stop "
                "the daemon and move the old one aside)",
                cfg.node.data_dir);
    else if (err == STORAGE_EIDENTITY)
        ctl_err("the backup in %s belongs to another node than %s (id %u); use --reassign to "
                "seed a new region from it",
                from, cfg.node.name, (unsigned)cfg.node.id);
    else if (err == STORAGE_ELOCKED)
        ctl_err("%s is in use (is heliosdb running?)", cfg.node.data_dir);
    else if (err)
        ctl_err("restore from %s failed: %s: %s", from, storage_strerror(err),
                storage_errmsg());
    else {
        printf("restored %s into %s\n", from, cfg.node.data_dir);
        if (!reassign && cfg.replication.enabled && cfg.replication.npeers > 0)
            printf("the region takes no local writes (SQLSTATE 25006) until every peer has "
                   "returned the entries of its own it wrote after this backup; heliosdb logs "
                   "when (--force-writable skips the wait, unsafe; --reassign seeds a new "
                   "region instead)\n");
        rc = CTL_OK;
    }
    config_free(&cfg);
    return rc;
}
