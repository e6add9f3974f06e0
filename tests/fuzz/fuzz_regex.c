/* Fuzz target for server/sql/sqlregex (patterns are user input: the ~ operators, SIMILAR TO,
 * regexp_*). Input: flags string, NUL, pattern, NUL, subject (missing parts are empty).
 * Beyond "no crash, no UB, no leak":
 *   - flags parse or fail with 22023; a pattern compiles or fails with 2201B (or 53200);
 *   - every match lies inside the subject, groups inside it or unset, a search from an offset
 *     never finds a match before it, and every error is a 5-character SQLSTATE;
 *   - sqlregex_test agrees with sqlregex_exec whenever the latter answers (no limit hit);
 *   - SIMILAR TO's translation of the pattern compiles or fails cleanly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqlregex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const sqlerr *err)
{
    if (strlen(err->code) != 5) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    const char *p = (const char *)data, *end = p + size;
    const char *z1 = memchr(p, 0, size);
    size_t fl = z1 ? (size_t)(z1 - p) : size;
    const char *pat = z1 ? z1 + 1 : end;
    const char *z2 = pat < end ? memchr(pat, 0, (size_t)(end - pat)) : NULL;
    size_t pl = z2 ? (size_t)(z2 - pat) : (size_t)(end - pat);
    const char *subj = z2 ? z2 + 1 : end;
    size_t sl = (size_t)(end - subj);
    sqlerr err;
    unsigned flags = 0;
    if (sqlregex_flags(p, fl, NULL, &flags, &err)) {
        check_err(&err);
        if (strcmp(err.code, "22023")) abort();
        flags = 0;
    }
    const sqlregex *re = sqlregex_get(pat, pl, flags, &err);
    if (!re) {
        check_err(&err);
        if (strcmp(err.code, "2201B") && strcmp(err.code, "53200")) abort();
    } else {
        int g = sqlregex_groups(re);
        if (g < 0) abort();
        size_t so[8], eo[8];
        int first = -2;
        for (size_t at = 0; at <= sl; at += 1 + sl / 7) {
            int r = sqlregex_exec(re, subj, sl, at, so, eo, 8, &err);
            if (r < 0) {
                check_err(&err);
                continue;
            }
            if (at == 0) first = r;
            if (r == 1) {
                if (so[0] < at || so[0] > eo[0] || eo[0] > sl) abort();
                for (int i = 1; i < 8 && i <= g; i++)
                    if (so[i] != SIZE_MAX && (so[i] > eo[i] || eo[i] > sl)) abort();
            }
        }
        int t = sqlregex_test(re, subj, sl, &err);
        if (t < 0) check_err(&err);
        else if (first >= 0 && t != first) abort();
    }
    char *rx = NULL;
    size_t rl;
    if (sqlregex_similar(pat, pl, fl ? p : NULL, fl ? 1 : 0, &rx, &rl, &err) == SQL_OK) {
        if (strlen(rx) != rl) abort();
        if (!sqlregex_get(rx, rl, 0, &err)) check_err(&err);
        free(rx);
    } else {
        check_err(&err);
    }
    return 0;
}
