#!/usr/bin/python3
"""tests/integration/test_error_fields.py — the fields of an integrity error's ErrorResponse
(SQLSTATE, schema, table, column, constraint, DETAIL) as psycopg2's Diagnostics reads them, for
the same statements on PostgreSQL 15 and on heliosdb --dev: NOT NULL (INSERT, UPDATE, a key),
CHECK, duplicate key, and foreign keys both ways. Drivers and ORMs map these fields to
exceptions (which constraint failed), so they must say what PostgreSQL says."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

import psycopg2  # noqa: E402

SETUP = ["CREATE TABLE dp (id int PRIMARY KEY)",
         "CREATE TABLE dc (id int PRIMARY KEY, p int REFERENCES dp, n int NOT NULL, q int CHECK (q > 0))",
         "INSERT INTO dp VALUES (1)", "INSERT INTO dc VALUES (1, 1, 1, 1)"]
CASES = ["INSERT INTO dc VALUES (1, 1, 1, 1)", "INSERT INTO dc VALUES (2, 1, NULL, 1)",
         "INSERT INTO dc (id, p, q) VALUES (2, 1, 1)", "INSERT INTO dc VALUES (2, 1, 1, 0)",
         "INSERT INTO dc VALUES (2, 9, 1, 1)", "DELETE FROM dp", "UPDATE dc SET n = NULL",
         "UPDATE dc SET q = -q", "INSERT INTO dc VALUES (NULL, 1, 1, 1)",
         "ALTER TABLE dc ADD CONSTRAINT small CHECK (q > 5)"]


def run(conn_args):
    c = psycopg2.connect(**conn_args)
    c.autocommit = True
    cur = c.cursor()
    for q in SETUP:
        cur.execute(q)
    out = []
    for q in CASES:
        try:
            cur.execute(q)
            out.append((q, "no error"))
        except psycopg2.Error as e:
            d = e.diag
            out.append((q, (e.pgcode, d.schema_name, d.table_name, d.column_name,
                            d.constraint_name, d.message_primary, d.message_detail)))
    c.close()
    return out


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    pg = wirelib.PgServer()
    try:
        mine = run(dict(host="127.0.0.1", port=srv.port, user="postgres", dbname="postgres"))
        theirs = run(dict(host=pg.host, port=pg.port, user="postgres", dbname="postgres"))
        for (q, m), (_, t) in zip(mine, theirs):
            tap.ok(m == t, "error fields as PostgreSQL's: " + q, "HeliosDB:   %r\nPostgreSQL: %r" % (m, t))
    finally:
        srv.cleanup()
        pg.cleanup()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
