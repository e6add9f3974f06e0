/* server/sql/sqldo.c — see sqldo.h. */
#include "server/sql/sqldo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* PostgreSQL's condition names (plerrcodes.h) for the errors DDL and simple statements raise */
static const struct {
    const char *name, *code;
} conditions[] = {
    {"duplicate_object", "42710"},      {"duplicate_table", "42P07"},
    {"duplicate_column", "42701"},      {"duplicate_schema", "42P06"},
    {"duplicate_function", "42723"},    {"duplicate_database", "42P04"},
    {"duplicate_alias", "42712"},       {"undefined_object", "42704"},
    {"undefined_table", "42P01"},       {"undefined_column", "42703"},
    {"undefined_function", "42883"},    {"invalid_schema_name", "3F000"},
    {"unique_violation", "23505"},      {"foreign_key_violation", "23503"},
    {"not_null_violation", "23502"},    {"check_violation", "23514"},
    {"feature_not_supported", "0A000"}, {"insufficient_privilege", "42501"},
    {"dependent_objects_still_exist", "2BP01"},
    {"invalid_table_definition", "42P16"},
    {"wrong_object_type", "42809"},     {"datatype_mismatch", "42804"},
    {"invalid_parameter_value", "22023"}, {"invalid_text_representation", "22P02"},
    {"object_in_use", "55006"},         {"lock_not_available", "55P03"},
    {"serialization_failure", "40001"}, {"deadlock_detected", "40P01"},
};

typedef struct rd {
    const char *s;
    size_t n, i;
} rd;

/* Skips white space and comments (-- to end of line, nested slash-star) */
static void skip_ws(rd *r)
{
    for (;;) {
        while (r->i < r->n && isspace((unsigned char)r->s[r->i])) r->i++;
        if (r->i + 1 < r->n && r->s[r->i] == '-' && r->s[r->i + 1] == '-') {
            while (r->i < r->n && r->s[r->i] != '\n') r->i++;
            continue;
        }
        if (r->i + 1 < r->n && r->s[r->i] == '/' && r->s[r->i + 1] == '*') {
            int depth = 0;
            while (r->i < r->n) {
                if (r->i + 1 < r->n && r->s[r->i] == '/' && r->s[r->i + 1] == '*') depth++, r->i += 2;
                else if (r->i + 1 < r->n && r->s[r->i] == '*' && r->s[r->i + 1] == '/') {
                    r->i += 2;
                    if (--depth == 0) break;
                } else r->i++;
            }
            continue;
        }
        return;
    }
}

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* The word at r (letters, digits, _), lower-cased into w; 0-length when none */
static size_t peek_word(const rd *r, char *w, size_t cap)
{
    size_t k = 0, i = r->i;
    if (i >= r->n || !(isalpha((unsigned char)r->s[i]) || r->s[i] == '_')) {
        w[0] = 0;
        return 0;
    }
    while (i < r->n && (isalnum((unsigned char)r->s[i]) || r->s[i] == '_')) {
        if (k + 1 < cap) w[k++] = (char)tolower((unsigned char)r->s[i]);
        i++;
    }
    w[k < cap ? k : cap - 1] = 0;
    return i - r->i;
}

/* Past one quoted item at r: 'x' (with ''), E'x' (with \'), "x", $tag$ ... $tag$. 1 when
 * there was one, -1 unterminated */
static int skip_quoted(rd *r)
{
    char c = r->s[r->i];
    if (c == '\'' || c == '"') {
        bool esc = c == '\'' && r->i > 0 && (r->s[r->i - 1] == 'E' || r->s[r->i - 1] == 'e') &&
                   (r->i < 2 || !word_char(r->s[r->i - 2]));
        r->i++;
        while (r->i < r->n) {
            if (esc && r->s[r->i] == '\\' && r->i + 1 < r->n) {
                r->i += 2;
                continue;
            }
            if (r->s[r->i] == c) {
                if (r->i + 1 < r->n && r->s[r->i + 1] == c) {
                    r->i += 2;
                    continue;
                }
                r->i++;
                return 1;
            }
            r->i++;
        }
        return -1;
    }
    if (c == '$' && (r->i == 0 || !word_char(r->s[r->i - 1]))) {
        size_t j = r->i + 1;
        while (j < r->n && (isalnum((unsigned char)r->s[j]) || r->s[j] == '_')) j++;
        if (j >= r->n || r->s[j] != '$') return 0;
        size_t tl = j + 1 - r->i;
        const char *tag = r->s + r->i;
        for (size_t k = j + 1; k + tl <= r->n; k++)
            if (!memcmp(r->s + k, tag, tl)) {
                r->i = k + tl;
                return 1;
            }
        return -1;
    }
    return 0;
}

/* Records body[from, to) as a statement unless it is empty or NULL (PL/pgSQL's no-op) */
static int add_stmt(sqldo_block *b, const char *body, size_t from, size_t to, sqlerr *err)
{
    while (from < to && isspace((unsigned char)body[from])) from++;
    while (to > from && isspace((unsigned char)body[to - 1])) to--;
    if (from == to || (to - from == 4 && !strncasecmp(body + from, "null", 4))) return SQL_OK;
    if (b->nstmts >= SQLDO_MAX_STMTS)
        return sqlerr_unsupported(err, -1, "a DO block of more than 256 statements");
    b->at[b->nstmts] = from;
    b->len[b->nstmts++] = to - from;
    return SQL_OK;
}

static int unsupported(sqlerr *err, const char *what)
{
    char m[160];
    snprintf(m, sizeof m, "%s in a DO block (only statements, with EXCEPTION WHEN ... THEN NULL)", what);
    return sqlerr_unsupported(err, -1, m);
}

int sqldo_parse(const char *body, size_t len, sqldo_block *out, sqlerr *err)
{
    memset(out, 0, sizeof *out);
    if (len > SQLDO_BODY_MAX) return sqlerr_set(err, "54000", -1, "DO block too long");
    rd r = {body, len, 0};
    char w[32];
    skip_ws(&r);
    size_t wl = peek_word(&r, w, sizeof w);
    if (!strcmp(w, "declare")) {
        r.i += wl;
        skip_ws(&r);
        wl = peek_word(&r, w, sizeof w);
        if (strcmp(w, "begin")) return unsupported(err, "variables (DECLARE)");
    }
    if (strcmp(w, "begin")) return sqlerr_set(err, "42601", -1, "syntax error in DO block: it must start with BEGIN");
    r.i += wl;
    out->stmts_at = r.i;
    /* the statements: up to EXCEPTION or END at the top level (CASE ... END inside a statement
     * is not the block's END) */
    int cases = 0;
    bool at_start = true; /* at the start of a statement */
    size_t st_at = r.i;   /* where the current statement starts */
    for (;;) {
        skip_ws(&r);
        if (r.i >= r.n) return sqlerr_set(err, "42601", -1, "syntax error in DO block: missing END");
        int q = skip_quoted(&r);
        if (q < 0) return sqlerr_set(err, "42601", -1, "unterminated quoted string in DO block");
        if (q > 0) {
            at_start = false;
            continue;
        }
        char c = r.s[r.i];
        if (c == ';') {
            if (add_stmt(out, body, st_at, r.i, err)) return SQL_ERR;
            r.i++;
            st_at = r.i;
            at_start = true;
            continue;
        }
        wl = peek_word(&r, w, sizeof w);
        if (!wl) {
            r.i++;
            at_start = false;
            continue;
        }
        bool boundary = r.i == 0 || !word_char(r.s[r.i - 1]);
        if (boundary && !strcmp(w, "case")) cases++;
        else if (boundary && !strcmp(w, "end") && cases > 0) cases--;
        else if (boundary && cases == 0 && (!strcmp(w, "exception") || !strcmp(w, "end"))) break;
        else if (boundary && at_start) {
            static const char *const pl[] = {"if", "loop", "while", "for", "foreach", "raise", "perform",
                                             "return", "execute", "begin", "declare", "exit", "continue",
                                             "get", "open", "fetch", "close", "call", "assert"};
            for (size_t k = 0; k < sizeof pl / sizeof pl[0]; k++)
                if (!strcmp(w, pl[k])) {
                    char what[48];
                    snprintf(what, sizeof what, "PL/pgSQL's %s", pl[k]);
                    for (char *p = what + 11; *p; p++) *p = (char)toupper((unsigned char)*p);
                    return unsupported(err, what);
                }
        }
        r.i += wl;
        at_start = false;
    }
    out->stmts_len = r.i - out->stmts_at;
    if (add_stmt(out, body, st_at, r.i, err)) return SQL_ERR; /* the last one may lack its ';' */
    if (!strcmp(w, "exception")) {
        out->handlers = true;
        r.i += wl;
        for (;;) {
            skip_ws(&r);
            wl = peek_word(&r, w, sizeof w);
            if (!strcmp(w, "end")) break;
            if (strcmp(w, "when")) return sqlerr_set(err, "42601", -1, "syntax error in DO block's EXCEPTION section");
            r.i += wl;
            for (;;) { /* condition [OR condition ...] */
                skip_ws(&r);
                wl = peek_word(&r, w, sizeof w);
                if (!strcmp(w, "sqlstate")) {
                    r.i += wl;
                    skip_ws(&r);
                    if (r.i + 7 > r.n || r.s[r.i] != '\'' || r.s[r.i + 6] != '\'')
                        return sqlerr_set(err, "42601", -1, "syntax error in DO block: SQLSTATE 'xxxxx'");
                    if (out->ncodes >= SQLDO_MAX_CODES) return unsupported(err, "this many conditions");
                    for (int k = 0; k < 5; k++) {
                        char d = r.s[r.i + 1 + k];
                        if (!isdigit((unsigned char)d) && !isupper((unsigned char)d))
                            return sqlerr_set(err, "42601", -1, "invalid SQLSTATE code");
                        out->codes[out->ncodes][k] = d;
                    }
                    out->codes[out->ncodes++][5] = 0;
                    r.i += 7;
                } else if (!strcmp(w, "others")) {
                    out->others = true;
                    r.i += wl;
                } else {
                    size_t k = 0, nk = sizeof conditions / sizeof conditions[0];
                    while (k < nk && strcmp(conditions[k].name, w)) k++;
                    if (!wl) return sqlerr_set(err, "42601", -1, "syntax error in DO block's EXCEPTION section");
                    if (k == nk) {
                        char what[64];
                        snprintf(what, sizeof what, "the condition %s", w);
                        return unsupported(err, what);
                    }
                    if (out->ncodes >= SQLDO_MAX_CODES) return unsupported(err, "this many conditions");
                    memcpy(out->codes[out->ncodes++], conditions[k].code, 6);
                    r.i += wl;
                }
                skip_ws(&r);
                wl = peek_word(&r, w, sizeof w);
                if (!strcmp(w, "or")) {
                    r.i += wl;
                    continue;
                }
                break;
            }
            if (strcmp(w, "then")) return sqlerr_set(err, "42601", -1, "syntax error in DO block: THEN expected");
            r.i += wl;
            skip_ws(&r);
            wl = peek_word(&r, w, sizeof w);
            if (strcmp(w, "null")) return unsupported(err, "a handler that does something");
            r.i += wl;
            skip_ws(&r);
            if (r.i >= r.n || r.s[r.i] != ';') return unsupported(err, "a handler that does something");
            r.i++;
        }
    }
    r.i += wl; /* END */
    skip_ws(&r);
    if (r.i < r.n && r.s[r.i] == ';') r.i++;
    skip_ws(&r);
    if (r.i < r.n) return sqlerr_set(err, "42601", -1, "syntax error in DO block after END");
    return SQL_OK;
}

bool sqldo_catches(const sqldo_block *b, const char *code)
{
    if (b->others && strcmp(code, "57014")) return true; /* OTHERS: all but query_canceled */
    for (int i = 0; i < b->ncodes; i++)
        if (!strcmp(b->codes[i], code)) return true;
    return false;
}
