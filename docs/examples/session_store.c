/* doc-test: cc
 *
 * A session store with libpq: a session is a row keyed by its token; its data is an lww_map (each
 * request updates only the keys it touches), its hit count a g_counter. Logout is a DELETE.
 * Build: cc -std=c11 session_store.c $(pkg-config --cflags --libs libpq)
 * Connection parameters come from PGHOST, PGPORT, PGUSER, PGDATABASE.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

/* Runs one statement with text parameters; prints the SQLSTATE on error. 0 or -1. */
static int run(PGconn *db, const char *sql, int n, const char *const *params, PGresult **out)
{
    PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        printf("error %s: %s", PQresultErrorField(res, PG_DIAG_SQLSTATE), PQerrorMessage(db));
        PQclear(res);
        return -1;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return 0;
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
    PGresult *res = NULL;
    const char *login[] = {"tok-1", "{\"user\": \"ann\", \"cart\": 0}"};
    const char *touch[] = {"tok-1", "{\"cart\": 2}"};
    const char *tok[] = {"tok-1"};

    if (run(db, "CREATE TABLE sessions (token text PRIMARY KEY, data lww_map, hits g_counter)", 0,
            NULL, NULL) < 0)
        goto done;
    if (run(db, "INSERT INTO sessions VALUES ($1, $2, 1)", 2, login, NULL) < 0)
        goto done;
    for (int i = 0; i < 3; i++)
        if (run(db, "UPDATE sessions SET data = data || $2::jsonb, hits = hits + 1 WHERE token = $1",
                2, touch, NULL) < 0)
            goto done;
    if (run(db, "SELECT data ->> 'user', data ->> 'cart', hits FROM sessions WHERE token = $1", 1,
            tok, &res) < 0)
        goto done;
    printf("session %s: user=%s cart=%s hits=%s\n", tok[0], PQgetvalue(res, 0, 0),
           PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
    PQclear(res);
    res = NULL;
    if (run(db, "DELETE FROM sessions WHERE token = $1", 1, tok, NULL) < 0)
        goto done;
    if (run(db, "SELECT count(*) FROM sessions", 0, NULL, &res) < 0)
        goto done;
    printf("sessions after logout: %s\n", PQgetvalue(res, 0, 0));
    PQclear(res);
    rc = 0;
done:
    PQfinish(db);
    return rc;
}
