/*
 * server/ctl/ctl_main.c — heliosctl, the HeliosDB admin CLI: entry point, dispatch, shared
 * option and file helpers (see ctl.h for the map of command files and the exit codes).
 */
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

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heliosctl COMMAND [options]\n"
            "\n"
            "offline commands:\n"
            "  init-cluster --out DIR [--regions r1,r2,...] [--host H | --hosts h1,h2,...]\n"
            "               [--sql-port-base P] [--repl-port-base Q] [--metrics-port-base M]\n"
            "               [--admin-password PW] [--data-root DIR]\n"
            "      cluster CA, node certificates and DIR/<region>/heliosdb.json per region\n"
            "      (default: the five demo regions on 127.0.0.1, P=6001 Q=7001 M=9187)\n"
            "  user add|passwd|del --users-file F NAME [--password PW | --password-stdin] [--md5]\n"
            "  check-config FILE          print \"ok\" or every problem\n"
            "  backup [--config F] [-h H -p P -U U] --out DIR  (online via the daemon, or offline)\n"
            "  restore --config F --from DIR [--reassign]   (daemon stopped)\n"
            "\n"
            "online commands (libpq; PGHOST PGPORT PGUSER PGPASSWORD PGSSLMODE ... honoured):\n"
            "  status | peers | tables | digest | lag | wait-converged [--timeout S]\n"
            "      [-h HOST] [-p PORT] [-U USER] [-d DB] [--password-file F] [--sslmode M]\n"
            "      [--nodes host:port,host:port,... | --cluster DIR] [--json]\n"
            "\n"
            "  --version    print the version\n"
            "  --help       this text\n"
            "\n"
            "exit codes: 0 ok, 1 failure or not converged, 2 usage, 3 cannot connect\n");
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

bool ctl_opt_value2(int argc, char **argv, int *i, const char *name, const char *shortname,
                    const char **val, bool *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(a, name, n) && a[n] == '=') {
        *val = a + n + 1;
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

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CTL_USAGE : CTL_OK;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("heliosctl %s\n", HELIOS_VERSION);
        return CTL_OK;
    }
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    if (!strcmp(cmd, "init-cluster")) return ctl_init_cluster(sub_argc, sub_argv);
    if (!strcmp(cmd, "user")) return ctl_user(sub_argc, sub_argv);
    if (!strcmp(cmd, "check-config")) return ctl_check_config(sub_argc, sub_argv);
    if (!strcmp(cmd, "backup")) return ctl_backup(sub_argc, sub_argv);
    if (!strcmp(cmd, "restore")) return ctl_restore(sub_argc, sub_argv);
    if (!strcmp(cmd, "status") || !strcmp(cmd, "peers") || !strcmp(cmd, "tables") ||
        !strcmp(cmd, "digest") || !strcmp(cmd, "lag") || !strcmp(cmd, "wait-converged"))
        return ctl_online(sub_argc, sub_argv);
    ctl_err("unknown command '%s'", cmd);
    usage(stderr);
    return CTL_USAGE;
}
