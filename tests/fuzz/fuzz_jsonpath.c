/* Fuzz target for server/sql/sqljsonpath (a jsonpath is user input: '...'::jsonpath, the
 * jsonb_path_* functions, @? and @@). Input: the path, NUL, a JSON document (missing: a fixed
 * one). Beyond "no crash, no UB, no leak":
 *   - a path parses or fails with a 5-character SQLSTATE;
 *   - printing is canonical: the printed text parses again and prints the same text;
 *   - evaluation over the document (normalised to canonical jsonb first; a document that is
 *     not JSON is skipped) ends in items or a clean error, in lax and silent modes alike, and
 *     every item is canonical jsonb (it normalises to itself);
 *   - exists agrees with query: silent exists is true exactly when silent query found items
 *     and no error cut it short. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/sql/sqljsonb.h"
#include "server/sql/sqljsonpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const sqlerr *err)
{
    if (strlen(err->code) != 5) abort();
}

static const char default_doc[] =
    "{\"a\": [1, 2.5, \"x\", null, true, {\"b\": [3, 4]}], \"c\": {\"d\": \"e\", \"f\": -7}, \"g\": []}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    const char *p = (const char *)data, *end = p + size;
    const char *z = memchr(p, 0, size);
    size_t pl = z ? (size_t)(z - p) : size;
    const char *dsrc = z ? z + 1 : default_doc;
    size_t dl = z ? (size_t)(end - dsrc) : sizeof default_doc - 1;
    sqlerr err;
    sqljsonpath *jp;
    if (sqljsonpath_parse(p, pl, &jp, &err)) {
        check_err(&err);
        return 0;
    }
    char *txt = NULL, *txt2 = NULL;
    size_t tl = 0, tl2 = 0;
    if (sqljsonpath_text(jp, &txt, &tl, &err)) abort();
    sqljsonpath *again;
    if (sqljsonpath_parse(txt, tl, &again, &err)) abort(); /* printed text must parse */
    if (sqljsonpath_text(again, &txt2, &tl2, &err)) abort();
    if (tl != tl2 || memcmp(txt, txt2, tl)) abort(); /* and print the same */
    sqljsonpath_free(again);
    free(txt2);
    free(txt);
    char *doc = NULL;
    if (sqljsonb_normalize(dsrc, dl, &doc, NULL, &err)) {
        check_err(&err);
        sqljsonpath_free(jp);
        return 0;
    }
    for (int silent = 0; silent < 2; silent++) {
        char **items = NULL;
        size_t n = 0;
        int rc = sqljsonpath_query(jp, doc, strlen(doc), "{}", 2, silent, &items, &n, &err);
        if (rc) check_err(&err);
        for (size_t i = 0; !rc && i < n; i++) {
            char *canon = NULL;
            if (sqljsonb_normalize(items[i], strlen(items[i]), &canon, NULL, &err)) abort();
            if (strcmp(canon, items[i])) abort();
            free(canon);
        }
        int ex = -2;
        int erc = sqljsonpath_exists(jp, doc, strlen(doc), "{}", 2, silent, &ex, &err);
        if (erc) check_err(&err);
        else if (ex < -1 || ex > 1) abort();
        if (silent && !rc && !erc && n > 0 && ex == 0) abort();
        int m = -2;
        if (sqljsonpath_match(jp, doc, strlen(doc), "{}", 2, silent, &m, &err)) check_err(&err);
        else if (m < -1 || m > 1) abort();
        sqljsonpath_items_free(items, n);
    }
    free(doc);
    sqljsonpath_free(jp);
    return 0;
}
