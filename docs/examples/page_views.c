/* doc-test: cc
 *
 * Page views and likes with libpq: one g_counter row per page, bumped with an upsert
 * (INSERT ... ON CONFLICT DO UPDATE) from any number of web servers in any region. The counter
 * reads as bigint; the example asks for it in binary (8 bytes, network order) to show that
 * drivers see a plain int8 column.
 * Build: cc -std=c11 page_views.c $(pkg-config --cflags --libs libpq)
 * Connection parameters come from PGHOST, PGPORT, PGUSER, PGDATABASE.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

static int exec_ok(PGconn *db, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return 1;
    printf("error %s: %s", PQresultErrorField(res, PG_DIAG_SQLSTATE), PQerrorMessage(db));
    return 0;
}

static int64_t int8_from_binary(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (unsigned char)p[i];
    return (int64_t)v;
}

int main(void)
{
    PGconn *db = PQconnectdb("");
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(db));
        PQfinish(db);
        return 1;
    }
    int rc = 1;
    PGresult *res = PQexec(db, "CREATE TABLE page_stats (path text PRIMARY KEY, views g_counter, "
                               "likes g_counter)");
    if (!exec_ok(db, res)) goto done;
    PQclear(res);

    const char *hits[][3] = {{"/", "1", "0"}, {"/docs", "1", "0"}, {"/", "1", "1"},
                             {"/", "1", "0"}, {"/docs", "1", "1"}, {"/docs", "1", "1"}};
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        res = PQexecParams(db,
                           "INSERT INTO page_stats VALUES ($1, $2, $3) ON CONFLICT (path) DO UPDATE "
                           "SET views = page_stats.views + excluded.views, "
                           "likes = page_stats.likes + excluded.likes",
                           3, NULL, hits[i], NULL, NULL, 0);
        if (!exec_ok(db, res)) goto done;
        PQclear(res);
    }

    /* result format 1 = binary: the counters arrive as 8-byte big-endian int8 values */
    res = PQexecParams(db, "SELECT path, views, likes FROM page_stats ORDER BY path", 0, NULL, NULL,
                       NULL, NULL, 1);
    if (!exec_ok(db, res)) goto done;
    printf("column views: type oid %u, %d bytes\n", PQftype(res, 1), PQgetlength(res, 0, 1));
    for (int r = 0; r < PQntuples(res); r++) {
        char path[64];
        int len = PQgetlength(res, r, 0);
        if (len >= (int)sizeof path) len = (int)sizeof path - 1;
        memcpy(path, PQgetvalue(res, r, 0), (size_t)len);
        path[len] = 0;
        printf("%-6s views=%lld likes=%lld\n", path,
               (long long)int8_from_binary(PQgetvalue(res, r, 1)),
               (long long)int8_from_binary(PQgetvalue(res, r, 2)));
    }
    PQclear(res);

    res = PQexec(db, "SELECT sum(views) FROM page_stats");
    if (!exec_ok(db, res)) goto done;
    printf("total views: %s\n", PQgetvalue(res, 0, 0));
    rc = 0;
done:
    PQclear(res);
    PQfinish(db);
    return rc;
}
