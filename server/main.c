/*
 * server/main.c — the heliosdb daemon: command line, config, logging, the libuv loop, signals.
 *
 *   heliosdb --config FILE
 *   heliosdb --dev [--data DIR] [--port N]
 *   heliosdb --check-config FILE      prints "ok" or every problem (exit 1)
 *   heliosdb --version | --help
 *
 * SIGTERM/SIGINT: stop accepting, let in-flight queries finish, close, exit 0; a second
 * signal closes everything at once. SIGHUP re-reads the users file.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "config/config.h"
#include "server/listener.h"
#include "server/log.h"
#include "server/minexec.h"
#include "server/sql/sqlexec.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: heliosdb --config FILE\n"
            "       heliosdb --dev [--data DIR] [--port N]\n"
            "       heliosdb --check-config FILE\n"
            "       heliosdb --version | --help\n"
            "\n"
            "  --config FILE        run with this JSON config (see docs)\n"
            "  --dev                single node, embedded defaults, trust auth on 127.0.0.1/::1\n"
            "  --data DIR           data directory for --dev (default ./helios-data)\n"
            "  --port N             SQL port for --dev (default 5432)\n"
            "  --check-config FILE  validate FILE: prints ok, or every problem and exits 1\n");
}

typedef struct app {
    uv_loop_t *loop;
    listener *lsn;
    uv_signal_t sigterm, sigint, sighup;
    int signals;
} app;

static void close_signals(app *a)
{
    uv_handle_t *hs[] = {(uv_handle_t *)&a->sigterm, (uv_handle_t *)&a->sigint,
                         (uv_handle_t *)&a->sighup};
    for (int i = 0; i < 3; i++)
        if (!uv_is_closing(hs[i])) uv_close(hs[i], NULL);
}

static void on_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        log_info("main", "still open at shutdown: %s handle", uv_handle_type_name(h->type));
}

static void on_signal(uv_signal_t *s, int signum)
{
    app *a = s->data;
    if (signum == SIGHUP) {
        char err[512];
        if (listener_reload_users(a->lsn, err, sizeof err) < 0)
            log_error("main", "SIGHUP: users file not reloaded: %s", err);
        else
            log_info("main", "SIGHUP: users file reloaded");
        return;
    }
    a->signals++;
    log_info("main", "%s received: %s", strsignal(signum),
             a->signals == 1 ? "shutting down gracefully" : "closing all connections now");
    if (a->signals == 1) {
        /* SIGINT/SIGTERM stay armed so a second one can force the close. */
        uv_close((uv_handle_t *)&a->sighup, NULL);
        uv_unref((uv_handle_t *)&a->sigterm);
        uv_unref((uv_handle_t *)&a->sigint);
    } else {
        uv_walk(a->loop, on_walk, NULL);
        close_signals(a);
    }
    listener_shutdown(a->lsn, a->signals > 1);
}

static int check_config(const char *path)
{
    config cfg;
    config_errors errs = {0};
    if (config_load(path, &cfg, &errs) < 0) {
        for (int i = 0; i < errs.n; i++) printf("%s\n", errs.msg[i]);
        config_errors_free(&errs);
        return 1;
    }
    config_free(&cfg);
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL, *data_dir = NULL;
    bool dev = false;
    int port = 5432;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--version")) {
            printf("heliosdb %s\n", HELIOS_VERSION);
            return 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--check-config") && next) {
            return check_config(next);
        } else if (!strcmp(a, "--config") && next) {
            config_path = argv[++i];
        } else if (!strcmp(a, "--dev")) {
            dev = true;
        } else if (!strcmp(a, "--data") && next) {
            data_dir = argv[++i];
        } else if (!strcmp(a, "--port") && next) {
            char *end;
            long p = strtol(argv[++i], &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, "heliosdb: --port: not a port number: %s\n", argv[i]);
                return 2;
            }
            port = (int)p;
        } else {
            fprintf(stderr, "heliosdb: unknown or incomplete argument: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (dev == (config_path != NULL)) {
        usage(stderr);
        return 2;
    }
    if (!dev && data_dir) {
        fprintf(stderr, "heliosdb: --data only goes with --dev (use node.data_dir)\n");
        return 2;
    }

    config cfg;
    if (dev) {
        if (config_dev(&cfg, data_dir, port) < 0) {
            fprintf(stderr, "heliosdb: out of memory\n");
            return 1;
        }
    } else {
        config_errors errs = {0};
        if (config_load(config_path, &cfg, &errs) < 0) {
            for (int i = 0; i < errs.n; i++) fprintf(stderr, "heliosdb: %s\n", errs.msg[i]);
            config_errors_free(&errs);
            return 1;
        }
    }
    log_init(cfg.log.format, cfg.log.level);
    signal(SIGPIPE, SIG_IGN);

    int rc = 1;
    app a = {0};
    a.loop = uv_default_loop();
    char err[512];
    /* HELIOS_EXECUTOR=minimal: the storage-less executor (wire-layer tests). */
    const char *exname = getenv("HELIOS_EXECUTOR");
    executor *ex = exname && !strcmp(exname, "minimal")
                       ? minexec_new(a.loop, cfg.sql.statement_timeout_ms)
                       : sqlexec_new(a.loop, &cfg, err, sizeof err);
    if (!ex) {
        log_error("main", "%s", exname && !strcmp(exname, "minimal") ? "out of memory" : err);
        goto out_cfg;
    }
    if (listener_new(a.loop, &cfg, ex, &a.lsn, err, sizeof err) < 0) {
        log_error("main", "%s", err);
        goto out_ex;
    }
    uv_signal_t *sigs[] = {&a.sigterm, &a.sigint, &a.sighup};
    int nums[] = {SIGTERM, SIGINT, SIGHUP};
    for (int i = 0; i < 3; i++) {
        uv_signal_init(a.loop, sigs[i]);
        sigs[i]->data = &a;
        uv_signal_start(sigs[i], on_signal, nums[i]);
    }
    log_info("main", "heliosdb %s node \"%s\" (id %u) ready, executor: %s", HELIOS_VERSION,
             cfg.node.name, cfg.node.id, ex->ops->name);
    if (dev)
        fprintf(stderr,
                "\n  HeliosDB dev mode (single node, trust auth on loopback)\n"
                "  connect with:  psql -h 127.0.0.1 -p %d -U postgres\n\n",
                cfg.sql.listen[0].port);
    uv_run(a.loop, UV_RUN_DEFAULT);
    log_info("main", "stopped");
    rc = 0;
    listener_del(a.lsn);
out_ex:
    ex->ops->destroy(ex);
out_cfg:
    config_free(&cfg);
    uv_loop_close(a.loop);
    return rc;
}
