/*
 * server/ctl/ctl_main.c — heliosctl, the HeliosDB admin CLI: entry point, dispatch, shared
 * option and file helpers (see ctl.h for the map of command files and the exit codes).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/ctl/ctl.h"

/* The usage text, one block per command family: `--help` prints them all, a usage error the
 * block of the command it concerns. */
enum { USE_INIT, USE_USER, USE_CHECK, USE_BACKUP, USE_RESTORE, USE_ONLINE, USE_N };
static const char *const usage_block[USE_N] = {
    [USE_INIT] =
        "  init-cluster --out DIR [--regions r1,r2,...] [--host H | --hosts h1,h2,...]\n"
        "               [--sql-port-base P] [--repl-port-base Q] [--metrics-port-base M]\n"
        "               [--admin-password-file F | --admin-password-stdin | --admin-password PW]\n"
        "               [--data-root DIR]\n"
        "      cluster CA, node certificates and DIR/<region>/heliosdb.json per region\n"
        "      (default: the five demo regions on 127.0.0.1, P=6001 Q=7001 M=9187)\n",
    [USE_USER] =
        "  user add|passwd|del --users-file F NAME [--password PW | --password-stdin] [--md5]\n",
    [USE_CHECK] = "  check-config FILE          print \"ok\" or every problem\n",
    [USE_BACKUP] =
        "  backup [--config F] [-h H -p P -U U] --out DIR  (online via the daemon, or offline)\n",
    [USE_RESTORE] = "  restore --config F --from DIR [--reassign]   (daemon stopped)\n",
    [USE_ONLINE] =
        "  status | peers | tables | digest | lag | index-check | wait-converged [--timeout S]\n"
        "      [-h HOST] [-p PORT] [-U USER] [-d DB] [--password-file F] [--sslmode M]\n"
        "      [--nodes host:port,host:port,... | --cluster DIR] [--json]\n",
};

static const char usage_synopsis[] =
    "usage: heliosctl [options] COMMAND [options]\n"
    "  options go before or after COMMAND: --name VALUE, --name=VALUE, -p VALUE or -pVALUE\n";

static void usage(FILE *out)
{
    fputs(usage_synopsis, out);
    fputs("\noffline commands:\n", out);
    for (int b = USE_INIT; b <= USE_RESTORE; b++) fputs(usage_block[b], out);
    fputs("\nonline commands (libpq; PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE ... honoured):\n",
          out);
    fputs(usage_block[USE_ONLINE], out);
    fputs("\n"
          "  --version    print the version\n"
          "  --help       this text (-h is the host, as in psql)\n"
          "\n"
          "exit codes: 0 ok, 1 failure or not converged, 2 usage, 3 cannot connect\n",
          out);
}

void ctl_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("heliosctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Every option of every command. main() needs to know which take a value to find the command
 * word among options given before it (in `-p 5432 status` the command is status, not 5432);
 * an option missing here is refused as unknown, and ctl_opt_value2 / ctl_opt_flag assert
 * that the options a command parses are listed (with the same short name and value-ness). */
typedef struct opt_spec {
    const char *name, *shortname; /* "--port", "-p" (NULL: none) */
    bool value;
} opt_spec;

static const opt_spec options[] = {
    /* online commands (backup: the first three and --sslmode) */
    {"--host", "-h", true}, {"--port", "-p", true}, {"--username", "-U", true},
    {"--dbname", "-d", true}, {"--user", NULL, true}, {"--password-file", NULL, true},
    {"--sslmode", NULL, true}, {"--sslrootcert", NULL, true}, {"--nodes", NULL, true},
    {"--cluster", NULL, true}, {"--timeout", NULL, true}, {"--json", NULL, false},
    /* backup, restore */
    {"--config", NULL, true}, {"--out", NULL, true}, {"--from", NULL, true},
    {"--reassign", NULL, false},
    /* user */
    {"--users-file", NULL, true}, {"--password", NULL, true},
    {"--password-stdin", NULL, false}, {"--md5", NULL, false},
    /* init-cluster (and --out, --host) */
    {"--regions", NULL, true}, {"--hosts", NULL, true}, {"--sql-port-base", NULL, true},
    {"--repl-port-base", NULL, true}, {"--metrics-port-base", NULL, true},
    {"--admin-password", NULL, true}, {"--data-root", NULL, true},
    {"--admin-password-file", NULL, true}, {"--admin-password-stdin", NULL, false},
    /* every command */
    {"--help", NULL, false}, {"--version", NULL, false},
};

/* The option arg is: "--name", "-x", or for a value option "--name=VALUE" or "-xVALUE" (then
 * *inline_value is set). NULL when arg is no option we know. */
static const opt_spec *opt_match(const char *arg, bool *inline_value)
{
    *inline_value = false;
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
        const opt_spec *o = &options[k];
        size_t n = strlen(o->name);
        if (!strcmp(arg, o->name) || (o->shortname && !strcmp(arg, o->shortname))) return o;
        if (!o->value) continue;
        if ((!strncmp(arg, o->name, n) && arg[n] == '=') ||
            (o->shortname && !strncmp(arg, o->shortname, 2) && arg[2])) {
            *inline_value = true;
            return o;
        }
    }
    return NULL;
}

static bool opt_listed(const char *name, const char *shortname, bool value)
{
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
        if (!strcmp(options[k].name, name))
            return options[k].value == value &&
                   (!shortname || (options[k].shortname &&
                                   !strcmp(options[k].shortname, shortname)));
    return false;
}

bool ctl_opt_value2(int argc, char **argv, int *i, const char *name, const char *shortname,
                    const char **val, bool *bad)
{
    assert(opt_listed(name, shortname, true));
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(a, name, n) && a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (shortname && !strncmp(a, shortname, 2) && a[2]) { /* -p5432, as getopt allows */
        *val = a + 2;
        return true;
    }
    if (strcmp(a, name) != 0 && !(shortname && !strcmp(a, shortname))) return false;
    if (*i + 1 >= argc) {
        ctl_err("%s needs a value", a);
        *bad = true;
        return true;
    }
    *val = argv[++*i];
    return true;
}

bool ctl_opt_value(int argc, char **argv, int *i, const char *name, const char **val, bool *bad)
{
    return ctl_opt_value2(argc, argv, i, name, NULL, val, bad);
}

bool ctl_opt_flag(const char *arg, const char *name)
{
    assert(opt_listed(name, NULL, false));
    return !strcmp(arg, name);
}

int ctl_parse_int(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        ctl_err("%s: expected an integer in %ld..%ld, got \"%s\"", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int ctl_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    size_t n = fread(buf, 1, max + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || n > max) {
        free(buf);
        errno = rerr ? EIO : EFBIG;
        return -1;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int ctl_write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    char *dcopy = strdup(path);
    int fd = -1, rc = -1;
    if (!tmp || !dcopy) {
        ctl_err("out of memory");
        goto out;
    }
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        ctl_err("cannot create a temporary file next to %s: %s", path, strerror(errno));
        goto out;
    }
    /* mkstemp makes 0600; fchmod for a caller asking for a wider mode (public certificates). */
    if (fchmod(fd, (mode_t)mode) < 0) goto io_err;
    /* Keep the owner of the file we replace: root editing /etc/heliosdb/<r>/users must not
     * leave a file the heliosdb service user can no longer read. EPERM (not root) is fine. */
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_uid != geteuid() || st.st_gid != getegid()))
        (void)!fchown(fd, st.st_uid, st.st_gid);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            goto io_err;
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0) goto io_err;
    if (close(fd) < 0) {
        fd = -1;
        goto io_err;
    }
    fd = -1;
    if (rename(tmp, path) < 0) goto io_err;
    /* The rename itself is durable only once the folder is synced. */
    int dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    rc = 0;
    goto out;
io_err:
    ctl_err("cannot write %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    fd = -1;
    unlink(tmp);
out:
    free(tmp);
    free(dcopy);
    return rc;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    int usage; /* usage_block index */
} command;

static const command commands[] = {
    {"init-cluster", ctl_init_cluster, USE_INIT}, {"user", ctl_user, USE_USER},
    {"check-config", ctl_check_config, USE_CHECK}, {"backup", ctl_backup, USE_BACKUP},
    {"restore", ctl_restore, USE_RESTORE},       {"status", ctl_online, USE_ONLINE},
    {"peers", ctl_online, USE_ONLINE},           {"tables", ctl_online, USE_ONLINE},
    {"digest", ctl_online, USE_ONLINE},          {"lag", ctl_online, USE_ONLINE},
    {"wait-converged", ctl_online, USE_ONLINE},  {"index-check", ctl_online, USE_ONLINE},
};

static int version(void)
{
    printf("heliosctl %s\n", HELIOS_VERSION);
    return CTL_OK;
}

static const command *command_find(const char *name)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(name, commands[k].name)) return &commands[k];
    return NULL;
}

/* After a usage error: the usage of command c, or all of it when c is NULL, on stderr. */
static int usage_of(const command *c)
{
    if (!c) {
        usage(stderr);
        return CTL_USAGE;
    }
    fputs(usage_synopsis, stderr);
    fputs(usage_block[c->usage], stderr);
    fputs("  (heliosctl --help lists every command)\n", stderr);
    return CTL_USAGE;
}

/* Finds the command word wherever it stands among the options and runs the command with
 * argv = {command, every other argument in its original order}, so a command parses options
 * given before it like those given after it. --help and --version win wherever they stand,
 * unless a usage error comes first. */
static int run(int argc, char **argv, char **sub)
{
    char *cmd = NULL, err[256] = "";
    int nsub = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            if (cmd)
                sub[nsub++] = argv[i];
            else
                cmd = argv[i];
            continue;
        }
        bool inline_value;
        const opt_spec *o = opt_match(a, &inline_value);
        if (!o) {
            /* an unknown option might take a value: keep looking for the command only to
             * print its usage */
            if (!err[0]) snprintf(err, sizeof err, "unknown option '%.200s'", a);
            continue;
        }
        if (!err[0] && !strcmp(o->name, "--help")) {
            usage(stdout);
            return CTL_OK;
        }
        if (!err[0] && !strcmp(o->name, "--version")) return version();
        sub[nsub++] = argv[i];
        if (!o->value || inline_value) continue;
        if (i + 1 >= argc) {
            if (!err[0])
                snprintf(err, sizeof err, "%s needs a value%s", a,
                         !strcmp(a, "-h") ? " (-h is the host; --help prints the help)" : "");
            break;
        }
        sub[nsub++] = argv[++i];
    }
    const command *c = cmd ? command_find(cmd) : NULL;
    if (err[0]) {
        ctl_err("%s", err);
        return usage_of(c);
    }
    if (!cmd) {
        ctl_err("no command given");
        return usage_of(NULL);
    }
    if (!strcmp(cmd, "help")) {
        usage(stdout);
        return CTL_OK;
    }
    if (!strcmp(cmd, "version")) return version();
    if (!c) {
        ctl_err("unknown command '%s'", cmd);
        return usage_of(NULL);
    }
    sub[0] = cmd;
    sub[nsub] = NULL;
    int rc = c->run(nsub, sub);
    return rc == CTL_USAGE ? usage_of(c) : rc;
}

int main(int argc, char **argv)
{
    char **sub = calloc((size_t)argc + 1, sizeof *sub);
    if (!sub) {
        ctl_err("out of memory");
        return CTL_FAIL;
    }
    int rc = run(argc, argv, sub);
    free(sub);
    return rc;
}
