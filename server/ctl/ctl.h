/*
 * server/ctl/ctl.h — heliosctl internals shared by its command families.
 *
 * heliosctl is one binary whose commands live in one file per family:
 *   ctl_main.c    dispatch, usage, option helpers (ctl_opt_*), exit codes
 *   ctl_init.c    init-cluster: cluster CA, node certificates (OpenSSL API), region configs
 *   ctl_user.c    user add|passwd|del (SCRAM verifiers, atomic rewrite), check-config
 *   ctl_online.c  status, peers, tables, digest, lag, wait-converged (libpq)
 *   ctl_backup.c  backup (online through helios_backup(), or offline) and restore (offline)
 * Every command takes (argc, argv) with argv[0] the command name and returns an exit code.
 * Options may stand before or after the command word: main() moves the command to argv[0] and
 * passes every other argument in its original order, so a command parses argv[1..] whole
 * (options anywhere, its positional arguments in order). An option main() does not know is a
 * usage error there; every option a command accepts is listed in ctl_main.c's option table.
 * A command returning CTL_USAGE has printed why; main() then prints that command's usage.
 *
 * Exit codes (documented in `heliosctl --help` and deploy/README.md) are a contract for
 * scripts: 0 ok, 1 failure / not converged, 2 usage, 3 cannot connect.
 * Messages go to stderr prefixed "heliosctl: "; results go to stdout.
 */
#ifndef HELIOS_SERVER_CTL_CTL_H
#define HELIOS_SERVER_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

enum { CTL_OK = 0, CTL_FAIL = 1, CTL_USAGE = 2, CTL_NOCONN = 3 };

/* Option matching for "--name VALUE" and "--name=VALUE". On a match *val points into argv and
 * *i is advanced past the value; a missing value prints a usage error and sets *bad.
 * Returns true when argv[*i] is this option. name must be a value option of the table. */
bool ctl_opt_value(int argc, char **argv, int *i, const char *name, const char **val, bool *bad);
/* "-x VALUE" and "-xVALUE" accepted too when shortname is non-NULL (as listed in the table). */
bool ctl_opt_value2(int argc, char **argv, int *i, const char *name, const char *shortname,
                    const char **val, bool *bad);
/* True when arg is the flag name (an option without value, listed in the table). */
bool ctl_opt_flag(const char *arg, const char *name);
/* Parses a decimal integer in [lo, hi]; prints "heliosctl: OPT: ..." and returns -1 if not. */
int ctl_parse_int(const char *opt, const char *s, long lo, long hi, long *out);
/* printf to stderr with the "heliosctl: " prefix and a newline. */
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes len bytes to path atomically: a temp file in the same folder with mode `mode`, fsync,
 * rename over path, fsync of the folder. Returns 0 or -1 (errno set; message printed). */
int ctl_write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);
/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer.
 * Returns 0, -1 on error (errno set; ENOENT when missing, EFBIG when too large). */
int ctl_read_file(const char *path, size_t max, char **out, size_t *len);

int ctl_init_cluster(int argc, char **argv);
int ctl_user(int argc, char **argv);
int ctl_check_config(int argc, char **argv);
int ctl_online(int argc, char **argv); /* status peers tables digest lag wait-converged */
int ctl_backup(int argc, char **argv);
int ctl_restore(int argc, char **argv);

#endif
