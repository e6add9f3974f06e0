/*
 * proto/users.c — users file parser and line formatter (see users.h for the format).
 *
 * Entry points: users_parse, users_find, users_count, users_at, users_del_db,
 * users_name_valid, users_format_line.
 *
 * The whole text is copied once into the db; each line is cut in place and the entries point
 * into that copy, so a db is two allocations plus the entry array whatever its size.
 */
#include "proto/users.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/md5auth.h"
#include "proto/scram.h"

#define SCRAM_PREFIX "SCRAM-SHA-256$"

struct users_db {
    char *text; /* private copy; entries point into it */
    users_entry *entries;
    size_t n, cap;
};

static bool name_valid_n(const char *s, size_t n)
{
    if (n == 0 || n > USERS_NAME_MAX) return false;
    if (s[0] == '#' || s[0] == ' ' || s[n - 1] == ' ') return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == ':') return false;
    }
    return true;
}

int users_name_valid(const char *name)
{
    return name && name_valid_n(name, strlen(name));
}

__attribute__((format(printf, 4, 5))) static void set_err(char *err, size_t errsz, size_t line,
                                                          const char *fmt, ...)
{
    if (!err || errsz == 0) return;
    int n = snprintf(err, errsz, "line %zu: ", line);
    if (n < 0 || (size_t)n >= errsz) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
    va_end(ap);
}

const users_entry *users_find(const users_db *db, const char *name)
{
    if (!db || !name) return NULL;
    for (size_t i = 0; i < db->n; i++)
        if (strcmp(db->entries[i].name, name) == 0) return &db->entries[i];
    return NULL;
}

size_t users_count(const users_db *db)
{
    return db ? db->n : 0;
}

const users_entry *users_at(const users_db *db, size_t i)
{
    return db && i < db->n ? &db->entries[i] : NULL;
}

void users_del_db(users_db *db)
{
    if (!db) return;
    free(db->entries);
    free(db->text);
    free(db);
}

/* Splits "name:rest" (line is NUL-terminated, already trimmed) into an entry. Returns 0 or -1
   with a reason. */
static int parse_line(char *line, users_entry *e, const char **why)
{
    char *colon = strchr(line, ':');
    if (!colon) {
        *why = "expected name:verifier";
        return -1;
    }
    *colon = '\0';
    if (!name_valid_n(line, (size_t)(colon - line))) {
        *why = "invalid user name (1-63 characters, no ':' or control characters)";
        return -1;
    }
    e->name = line;
    e->scram = NULL;
    e->md5 = NULL;
    char *rest = colon + 1;
    if (strncmp(rest, SCRAM_PREFIX, sizeof SCRAM_PREFIX - 1) == 0) {
        /* The verifier holds exactly two ':' of its own; a third starts the md5 field. */
        char *c1 = strchr(rest, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
        if (c3) *c3 = '\0';
        if (scram_verifier_check(rest) != 0) {
            *why = "malformed SCRAM-SHA-256 verifier";
            return -1;
        }
        e->scram = rest;
        rest = c3 ? c3 + 1 : NULL;
        if (!rest) return 0;
    }
    if (!md5auth_valid(rest)) {
        *why = e->scram ? "expected md5 followed by 32 lowercase hex digits after the verifier"
                        : "expected a SCRAM-SHA-256 verifier or an md5 hash";
        return -1;
    }
    e->md5 = rest;
    return 0;
}

int users_parse(const char *text, size_t len, users_db **out, char *err, size_t errsz)
{
    int rc = USERS_ENOMEM;
    if (err && errsz) err[0] = '\0';
    if (!out) return USERS_EPARSE;
    *out = NULL;
    users_db *db = calloc(1, sizeof *db);
    if (!db) return USERS_ENOMEM;
    db->text = malloc(len + 1);
    if (!db->text) goto free_db;
    if (len) memcpy(db->text, text, len);
    db->text[len] = '\0';

    size_t lineno = 0;
    char *p = db->text, *end = db->text + len;
    while (p < end) {
        lineno++;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p, *eol = nl ? nl : end;
        p = nl ? nl + 1 : end;
        if (memchr(line, '\0', (size_t)(eol - line))) {
            set_err(err, errsz, lineno, "NUL byte");
            rc = USERS_EPARSE;
            goto free_db;
        }
        *eol = '\0';
        /* Tolerate CRLF and surrounding blanks; a user name cannot start or end with a space. */
        while (eol > line && (eol[-1] == '\r' || eol[-1] == ' ' || eol[-1] == '\t'))
            *--eol = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0' || *line == '#') continue;

        users_entry e;
        const char *why = NULL;
        if (parse_line(line, &e, &why) != 0) {
            set_err(err, errsz, lineno, "%s", why);
            rc = USERS_EPARSE;
            goto free_db;
        }
        if (users_find(db, e.name)) {
            set_err(err, errsz, lineno, "duplicate user \"%s\"", e.name);
            rc = USERS_EPARSE;
            goto free_db;
        }
        if (db->n == db->cap) {
            size_t ncap = db->cap ? db->cap * 2 : 8;
            users_entry *ne = realloc(db->entries, ncap * sizeof *ne);
            if (!ne) goto free_db;
            db->entries = ne;
            db->cap = ncap;
        }
        db->entries[db->n++] = e;
    }
    *out = db;
    return 0;
free_db:
    users_del_db(db);
    return rc;
}

int users_format_line(const char *name, const char *scram, const char *md5, char *out, size_t outsz)
{
    if (!users_name_valid(name) || (!scram && !md5)) return -1;
    if (scram && scram_verifier_check(scram) != 0) return -1;
    if (md5 && !md5auth_valid(md5)) return -1;
    int n = snprintf(out, outsz, "%s:%s%s%s\n", name, scram ? scram : "", scram && md5 ? ":" : "",
                     md5 ? md5 : "");
    if (n < 0 || (size_t)n >= outsz) return -3;
    return n;
}
