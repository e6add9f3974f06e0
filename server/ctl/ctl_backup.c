/*
 * server/ctl/ctl_backup.c — `heliosctl backup` and `heliosctl restore`, offline.
 *
 * Both work on the data directory named by a config file. backup opens the store (which
 * RocksDB locks) and writes a checkpoint; while the daemon runs the directory is locked, so
 * storage_open answers STORAGE_ELOCKED and we say so instead of touching a live store.
 * restore copies a checkpoint into an empty or missing data directory and checks the node
 * identity (or, with --reassign, rewrites it: seeding a new region from another's backup).
 */
#include <stdio.h>
#include <string.h>

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

int ctl_backup(int argc, char **argv)
{
    const char *cfgpath = NULL, *out = NULL;
    bool bad = false;
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_value(argc, argv, &i, "--config", &cfgpath, &bad) ||
            ctl_opt_value(argc, argv, &i, "--out", &out, &bad))
            continue;
        ctl_err("backup: unexpected argument '%s'", argv[i]);
        bad = true;
    }
    if (bad || !cfgpath || !out) {
        if (!bad) ctl_err("usage: heliosctl backup --config FILE --out DIR");
        return CTL_USAGE;
    }
    config cfg;
    if (load_config(cfgpath, &cfg) < 0) return CTL_FAIL;
    int rc = CTL_FAIL;
    storage_opts o;
    storage_opts_init(&o);
    o.data_dir = cfg.node.data_dir;
    o.node_id = cfg.node.id;
    o.node_name = cfg.node.name;
    o.merge = row_merge;
    o.block_cache_bytes = 8u << 20;
    storage *st = NULL;
    int err = storage_open(&o, &st);
    if (err == STORAGE_ELOCKED) {
        ctl_err("%s is in use (is heliosdb running?). backup is offline: stop the daemon "
                "first, or copy a filesystem snapshot of the data directory",
                cfg.node.data_dir);
        goto out;
    }
    if (err) {
        ctl_err("cannot open %s: %s: %s", cfg.node.data_dir, storage_strerror(err),
                storage_errmsg());
        goto out;
    }
    err = storage_backup(st, out);
    if (err) {
        ctl_err("backup into %s failed: %s: %s", out, storage_strerror(err), storage_errmsg());
        goto close;
    }
    printf("backup of %s (node %s, id %u) written to %s\n", cfg.node.data_dir, cfg.node.name,
           (unsigned)cfg.node.id, out);
    rc = CTL_OK;
close:
    storage_close(st);
out:
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
        if (!strcmp(argv[i], "--reassign")) {
            reassign = true;
            continue;
        }
        ctl_err("restore: unexpected argument '%s'", argv[i]);
        bad = true;
    }
    if (bad || !cfgpath || !from) {
        if (!bad) ctl_err("usage: heliosctl restore --config FILE --from DIR [--reassign]");
        return CTL_USAGE;
    }
    config cfg;
    if (load_config(cfgpath, &cfg) < 0) return CTL_FAIL;
    int rc = CTL_FAIL;
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
        rc = CTL_OK;
    }
    config_free(&cfg);
    return rc;
}
