/*
 * fuzz_jload — the parse-tree JSON reader (server/sql/sqljload.c) against jansson.
 *
 * Invariants: no crash, no leak, no sanitizer report at any depth; wherever jansson reads the
 * input (json_loadb, which stops at 2,048 levels) the reader gives an equal value (json_equal),
 * and where the reader accepts, the value encodes and reads back the same; where jansson
 * refuses for anything but depth, what the reader accepts round-trips. Inputs with a NUL byte
 * are only read (the reader's input, libpg_query's output, is a C string; jansson ends there).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqljload.h"
#include "server/sql/sqljson.h"
#include "server/sql/sqljsonb.h"

/* The json type's walk (sqljson.c) over text the jsonb parser accepts (what json keeps): it
 * must not crash or read past the text, and what it returns is itself valid JSON. */
static void json_walk(const uint8_t *data, size_t size)
{
    char *canon;
    sqlerr err;
    if (sqljsonb_normalize((const char *)data, size, &canon, NULL, &err)) return;
    free(canon);
    (void)sqljson_typeof((const char *)data, size);
    (void)sqljson_array_length((const char *)data, size);
    sqlval key, out;
    const char *keys[] = {"a", "", "b"};
    for (int i = 0; i < 3; i++) {
        sqlval_set_str(&key, SQLVAL_TEXT, keys[i], strlen(keys[i]), &err);
        for (int t = 0; t < 2; t++) {
            if (sqljson_get((const char *)data, size, &key, t, &out, &err) == 0 && !out.isnull && !t) {
                char *c2;
                if (sqljsonb_normalize(out.s, out.len, &c2, NULL, &err)) abort();
                free(c2);
            }
            sqlval_free(&out);
        }
        sqlval_free(&key);
    }
    for (long ix = -2; ix < 3; ix++) {
        sqlval_set_int(&key, SQLVAL_INT4, ix);
        if (sqljson_get((const char *)data, size, &key, false, &out, &err) == 0 && !out.isnull) {
            char *c2;
            if (sqljsonb_normalize(out.s, out.len, &c2, NULL, &err)) abort();
            free(c2);
        }
        sqlval_free(&out);
    }
    /* json_each / json_array_elements: every item is valid JSON, as many as the container has */
    for (int array = 0; array < 2; array++) {
        sqljsonb_member *m;
        size_t n;
        int rc = sqljson_items((const char *)data, size, array, &m, &n, &err);
        if (rc < 0) abort(); /* valid JSON: never malformed */
        if (rc == 0) {
            if (array && (long)n != sqljson_array_length((const char *)data, size)) abort();
            for (size_t i = 0; i < n; i++) {
                char *c2;
                if (sqljsonb_normalize(m[i].value, m[i].valuelen, &c2, NULL, &err)) abort();
                free(c2);
                sqlval tx;
                if (sqljson_value_text(m[i].value, m[i].valuelen, &tx, &err) == 0) sqlval_free(&tx);
            }
            sqljsonb_members_free(m, n);
        }
    }
    const char *p[] = {"a", "0", "b"};
    sqlval path;
    if (sqlval_set_array(&path, p, 3, &err) == 0) {
        if (sqljson_path((const char *)data, size, &path, true, &out, &err) == 0) sqlval_free(&out);
        sqlval_free(&path);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int oom = 0;
    json_t *mine = sqljload((const char *)data, size, &oom);
    if (memchr(data, 0, size)) { /* the reader's input is a C string: no comparison */
        json_decref(mine);
        return 0;
    }
    if (size < 4096) json_walk(data, size);
    json_error_t jerr;
    /* JSON_DECODE_ANY: a scalar root is JSON too; JSON_ALLOW_NUL stays off, as in the reader */
    json_t *ref = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
    if (ref) {
        if (!mine) abort();          /* jansson read it: so must the reader */
        if (!json_equal(mine, ref)) abort();
    } else if (mine && json_error_code(&jerr) != json_error_stack_overflow) {
        /* jansson refused, not for depth: a few of its refusals are stricter number or
         * string rules the reader shares; anything it accepts must at least round trip */
        char *text = json_dumps(mine, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!text) abort();
        json_t *back = sqljload(text, strlen(text), &oom);
        if (!back || !json_equal(back, mine)) abort();
        json_decref(back);
        free(text);
    }
    json_decref(ref);
    json_decref(mine);
    return 0;
}
