/*
 * server/ctl/ctl_user.c — `heliosctl user add|passwd|del` and `heliosctl check-config`.
 *
 * The users file is edited line by line so comments and the order of other users survive;
 * the result is parsed with users_parse before it replaces the old file (a bad edit never
 * lands), and it is written atomically with mode 0600 (ctl_write_file_atomic). Only SCRAM
 * verifiers (and, with --md5, PostgreSQL's md5 stored form) are written, never a password.
 * The daemon re-reads the file on SIGHUP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "config/config.h"
#include "proto/md5auth.h"
#include "proto/scram.h"
#include "proto/users.h"
#include "server/ctl/ctl.h"

#define USERS_FILE_MAX (16u << 20)
#define PASSWORD_MAX 1024

/* Reads one line from f without its newline into buf. Returns 0, or -1 at EOF / too long. */
static int read_line(FILE *f, char *buf, size_t bufsz)
{
    if (!fgets(buf, (int)bufsz, f)) return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = 0;
    else if (n == bufsz - 1)
        return -1;
    if (n && buf[n - 1] == '\r') buf[--n] = 0;
    return 0;
}

static int prompt_password(const char *prompt, char *buf, size_t bufsz)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty) return -1;
    struct termios old, noecho;
    int fd = fileno(tty), rc;
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &noecho);
    }
    fputs(prompt, tty);
    fflush(tty);
    rc = read_line(tty, buf, bufsz);
    fputs("\n", tty);
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
    fclose(tty);
    return rc;
}

/* The password from --password, --password-stdin, or a twice-asked prompt on a terminal. */
static int get_password(const char *given, bool from_stdin, char *buf, size_t bufsz)
{
    if (given) {
        if (strlen(given) >= bufsz) {
            ctl_err("password too long");
            return -1;
        }
        strcpy(buf, given);
    } else if (from_stdin) {
        if (read_line(stdin, buf, bufsz) < 0) {
            ctl_err("--password-stdin: no password line on standard input");
            return -1;
        }
    } else if (isatty(STDIN_FILENO)) {
        char again[PASSWORD_MAX];
        if (prompt_password("Password: ", buf, bufsz) < 0 ||
            prompt_password("Again: ", again, sizeof again) < 0) {
            ctl_err("cannot read a password from the terminal");
            return -1;
        }
        int same = strcmp(buf, again) == 0;
        explicit_bzero(again, sizeof again);
        if (!same) {
            ctl_err("passwords do not match");
            return -1;
        }
    } else {
        ctl_err("no password: give --password PW or --password-stdin (stdin is not a terminal)");
        return -1;
    }
    if (!buf[0]) {
        ctl_err("empty password refused");
        return -1;
    }
    return 0;
}

/* Length of the user name a users-file line defines, 0 for blank and comment lines. */
static size_t line_user_len(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    if (i == len || line[i] == '#' || line[i] == '\r') return 0;
    const char *colon = memchr(line, ':', len);
    return colon ? (size_t)(colon - line) : 0;
}

typedef enum { USER_ADD, USER_PASSWD, USER_DEL } user_op;

/* Builds the new file text: the old lines with NAME's line replaced (newline non-NULL) or
 * removed (newline NULL); newline is appended when NAME had no line. *found tells which. */
static char *edit_users(const char *old, size_t oldlen, const char *name, const char *newline,
                        bool *found, size_t *outlen)
{
    size_t cap = oldlen + (newline ? strlen(newline) : 0) + 2, n = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t nlen = strlen(name);
    *found = false;
    const char *p = old, *end = old + oldlen;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t llen = eol ? (size_t)(eol - p) : (size_t)(end - p);
        size_t ulen = line_user_len(p, llen);
        if (ulen == nlen && !memcmp(p, name, nlen)) {
            *found = true;
            if (newline) {
                memcpy(out + n, newline, strlen(newline));
                n += strlen(newline);
            }
        } else {
            memcpy(out + n, p, llen);
            n += llen;
            out[n++] = '\n';
        }
        p += llen + (eol ? 1 : 0);
    }
    if (!*found && newline) {
        memcpy(out + n, newline, strlen(newline));
        n += strlen(newline);
    }
    out[n] = 0;
    *outlen = n;
    return out;
}

int ctl_user(int argc, char **argv)
{
    /* Positional: ACTION then NAME, wherever the options stand (`user --users-file F add bob`) */
    const char *action = NULL, *file = NULL, *name = NULL, *given = NULL;
    bool from_stdin = false, md5 = false, bad = false;
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_value(argc, argv, &i, "--users-file", &file, &bad) ||
            ctl_opt_value(argc, argv, &i, "--password", &given, &bad))
            continue;
        if (ctl_opt_flag(argv[i], "--password-stdin"))
            from_stdin = true;
        else if (ctl_opt_flag(argv[i], "--md5"))
            md5 = true;
        else if (argv[i][0] == '-' || name) {
            ctl_err("user: unexpected argument '%s'", argv[i]);
            bad = true;
        } else if (!action)
            action = argv[i];
        else
            name = argv[i];
    }
    if (bad) return CTL_USAGE;
    user_op op;
    if (!action) {
        ctl_err("user: an action is required (add, passwd, del)");
        return CTL_USAGE;
    } else if (!strcmp(action, "add"))
        op = USER_ADD;
    else if (!strcmp(action, "passwd"))
        op = USER_PASSWD;
    else if (!strcmp(action, "del"))
        op = USER_DEL;
    else {
        ctl_err("user: unknown action '%s' (add, passwd, del)", action);
        return CTL_USAGE;
    }
    if (!file || !name) {
        ctl_err("user %s: --users-file F and a user NAME are required", action);
        return CTL_USAGE;
    }
    if (!users_name_valid(name)) {
        ctl_err("invalid user name \"%s\" (1..63 bytes, no ':' or control characters)", name);
        return CTL_USAGE;
    }
    if (op == USER_DEL && (given || from_stdin || md5)) {
        ctl_err("user del takes no password options");
        return CTL_USAGE;
    }

    int rc = CTL_FAIL;
    char *old = NULL, *text = NULL;
    size_t oldlen = 0, textlen = 0;
    char pw[PASSWORD_MAX] = "", scram[SCRAM_VERIFIER_MAX], md5s[36], line[512];
    users_db *db = NULL;
    if (ctl_read_file(file, USERS_FILE_MAX, &old, &oldlen) < 0) {
        if (errno != ENOENT || op != USER_ADD) {
            ctl_err("cannot read %s: %s", file, strerror(errno));
            goto out;
        }
        old = strdup("");
        if (!old) goto oom;
    }
    char perr[256];
    if (users_parse(old, oldlen, &db, perr, sizeof perr) != 0) {
        ctl_err("%s: %s (fix the file first)", file, perr);
        goto out;
    }
    bool exists = users_find(db, name) != NULL;
    if (op == USER_ADD && exists) {
        ctl_err("user \"%s\" already exists in %s (use user passwd)", name, file);
        goto out;
    }
    if (op != USER_ADD && !exists) {
        ctl_err("no user \"%s\" in %s", name, file);
        goto out;
    }
    const char *newline = NULL;
    if (op != USER_DEL) {
        if (get_password(given, from_stdin, pw, sizeof pw) < 0) {
            rc = CTL_USAGE;
            goto out;
        }
        if (scram_make_verifier(pw, NULL, 0, SCRAM_ITERATIONS_DEFAULT, scram, sizeof scram)) {
            ctl_err("cannot compute the SCRAM verifier");
            goto out;
        }
        if (md5) md5auth_stored(name, pw, md5s);
        int n = users_format_line(name, scram, md5 ? md5s : NULL, line, sizeof line);
        if (n < 0) {
            ctl_err("cannot format the users line");
            goto out;
        }
        newline = line;
    }
    bool found;
    text = edit_users(old, oldlen, name, newline, &found, &textlen);
    if (!text) goto oom;
    users_del_db(db);
    db = NULL;
    if (users_parse(text, textlen, &db, perr, sizeof perr) != 0) {
        ctl_err("internal error: the edited users file does not parse: %s", perr);
        goto out;
    }
    if (ctl_write_file_atomic(file, text, textlen, 0600) < 0) goto out;
    printf("user \"%s\" %s in %s (send SIGHUP to running daemons to reload)\n", name,
           op == USER_ADD ? "added" : op == USER_PASSWD ? "updated" : "deleted", file);
    rc = CTL_OK;
    goto out;
oom:
    ctl_err("out of memory");
out:
    explicit_bzero(pw, sizeof pw);
    users_del_db(db);
    free(old);
    free(text);
    return rc;
}

int ctl_check_config(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-') {
            ctl_err("check-config: unexpected argument '%s'", argv[i]);
            return CTL_USAGE;
        }
    if (argc != 2) {
        ctl_err("check-config takes one FILE");
        return CTL_USAGE;
    }
    config cfg;
    config_errors errs;
    if (config_load(argv[1], &cfg, &errs) == 0) {
        config_free(&cfg);
        config_errors_free(&errs);
        printf("ok\n");
        return CTL_OK;
    }
    if (errs.n == 0)
        ctl_err("out of memory");
    else
        config_errors_print(&errs, stdout);
    config_errors_free(&errs);
    return CTL_FAIL;
}
