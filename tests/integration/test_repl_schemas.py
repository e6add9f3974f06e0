#!/usr/bin/python3
"""tests/integration/test_repl_schemas.py — schemas across regions.

Two regions (QUIC, mutual TLS):
1. A schema, a table in it (named like one of public's), a view and rows made in r1 reach r2,
   which writes into the table too; search_path finds the schema's table in both.
2. CREATE SCHEMA of one name in both regions while they cannot see each other (the other one
   stopped): both schemas are kept, the lower oid keeps the name and the other reads as
   "<name>_conflict_<oid>" in both regions alike, each with its own table and rows.
3. A table made in a schema that the other region dropped meanwhile lives on in public, with
   its rows, in both regions alike (nothing written is lost).
4. ALTER SCHEMA ... RENAME and DROP SCHEMA ... CASCADE in one region end in the other; a
   restarted region finds its schemas again (from its catalog).
TAP on stdout. Env BINDIR: folder of heliosdb (default bin)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
sys.path.insert(0, os.path.dirname(__file__))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402
from wirelib import Tap, wait_for  # noqa: E402

t = Tap()


def run(node, sql):
    cn = node.connect()
    cn.autocommit = True
    try:
        cn.cursor().execute(sql)
    finally:
        cn.close()


def q(node, sql):
    """rows, or the SQLSTATE raised"""
    try:
        return rb.query(node, sql)
    except psycopg2.Error as e:
        return e.pgcode


SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dup%' OR nspname = 'app' ORDER BY 1"


def main():
    import tempfile
    tmp = tempfile.mkdtemp(prefix="helios-schemas-")
    nodes = rb.cluster(tmp, [("r1", 1), ("r2", 2)])
    try:
        for n in nodes:
            t.ok(n.start(), "region %s starts" % n.name)
        a, b = nodes
        # 1. a schema and what is in it replicate
        run(a, "CREATE TABLE items (id int PRIMARY KEY, v text)")
        run(a, "INSERT INTO items VALUES (1, 'public')")
        run(a, "CREATE SCHEMA app")
        run(a, "CREATE TABLE app.items (id int PRIMARY KEY, v text)")
        run(a, "CREATE VIEW app.names AS SELECT v FROM items")  # made with app off the path
        run(a, "INSERT INTO app.items VALUES (1, 'app')")
        sel = "SELECT id, v FROM app.items ORDER BY id"
        t.ok(wait_for(lambda: q(b, sel) == [(1, "app")], 30),
             "a schema, its table and rows made in r1 reach r2", q(b, sel))
        run(b, "INSERT INTO app.items VALUES (2, 'from r2')")
        t.ok(wait_for(lambda: q(a, sel) == [(1, "app"), (2, "from r2")], 30),
             "r2 writes into the schema's table; r1 sees it", q(a, sel))
        path = "SET search_path = app, public; SELECT v FROM items ORDER BY id"
        t.ok(all(q(n, path) == [("app",), ("from r2",)] for n in nodes) and
             all(q(n, "SELECT v FROM items") == [("public",)] for n in nodes),
             "search_path finds app.items in both regions, the default path public.items",
             [q(n, path) for n in nodes])
        t.ok(all(q(n, "SELECT v FROM app.names") == [("public",)] for n in nodes),
             "the view reads what its names meant where it was made (public.items)",
             [q(n, "SELECT v FROM app.names") for n in nodes])

        # 2. one name created in both regions while apart
        b.stop()
        run(a, "CREATE SCHEMA dup")
        run(a, "CREATE TABLE dup.t1 (id int PRIMARY KEY)")
        run(a, "INSERT INTO dup.t1 VALUES (1)")
        a.stop()
        up = b.start()
        run(b, "CREATE SCHEMA dup")
        run(b, "CREATE TABLE dup.t2 (id int PRIMARY KEY)")
        run(b, "INSERT INTO dup.t2 VALUES (2)")
        up = a.start() and up
        t.ok(up, "the regions restart one at a time")
        t.ok(wait_for(lambda: q(a, SCHEMAS) == q(b, SCHEMAS) and len(q(a, SCHEMAS)) == 3, 30),
             "both schemas named dup are kept, named alike in both regions", [q(n, SCHEMAS) for n in nodes])
        names_now = [r[0] for r in q(a, SCHEMAS)]
        other = [x for x in names_now if x.startswith("dup_conflict_")]
        t.ok(len(other) == 1, "the later one reads as dup_conflict_<oid>", names_now)
        where = "SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
                "WHERE c.relname IN ('t1', 't2') ORDER BY 1"
        t.ok(wait_for(lambda: q(a, where) == q(b, where) and len(q(a, where)) == 2, 30),
             "each keeps its own table, in the same schema in both regions", [q(n, where) for n in nodes])
        rows = "SELECT (SELECT count(*) FROM %s.t1) + (SELECT count(*) FROM %s.t2)"
        t1s = dict(q(a, where))["t1"]
        t2s = dict(q(a, where))["t2"]
        t.ok(all(q(n, rows % (t1s, t2s)) == [(2,)] for n in nodes),
             "their rows are all there", [q(n, rows % (t1s, t2s)) for n in nodes])

        # 3. a table made in a schema the other region dropped meanwhile
        run(a, "CREATE SCHEMA gone")
        t.ok(wait_for(lambda: q(b, "SELECT count(*) FROM pg_namespace WHERE nspname = 'gone'") == [(1,)], 30),
             "schema gone reaches r2")
        a.stop()
        run(b, "CREATE TABLE gone.kept (id int PRIMARY KEY, v text)")
        run(b, "INSERT INTO gone.kept VALUES (7, 'written')")
        b.stop()
        up = a.start()
        run(a, "DROP SCHEMA gone")  # r1 does not know of gone.kept
        up = b.start() and up
        t.ok(up, "the regions restart one at a time (again)")
        kept = "SELECT id, v FROM public.kept"
        t.ok(wait_for(lambda: all(q(n, kept) == [(7, "written")] for n in nodes), 30),
             "the table lives on in public, with its row, in both regions", [q(n, kept) for n in nodes])
        t.ok(all(q(n, "SELECT count(*) FROM pg_namespace WHERE nspname = 'gone'") == [(0,)] for n in nodes),
             "schema gone is gone in both regions")

        # 4. rename and drop replicate; a restart finds the schemas again
        run(b, "ALTER SCHEMA app RENAME TO application")
        t.ok(wait_for(lambda: q(a, "SELECT count(*) FROM application.items") == [(2,)] and
                      q(a, "SELECT 1 FROM app.items") == "42P01", 30),
             "ALTER SCHEMA ... RENAME in r2 reaches r1", q(a, "SELECT count(*) FROM application.items"))
        a.stop()
        t.ok(a.start(), "r1 restarts")
        t.ok(q(a, "SELECT v FROM application.items ORDER BY id") == [("app",), ("from r2",)],
             "after a restart r1 finds the schema and its table", q(a, "SELECT v FROM application.items"))
        run(a, "DROP SCHEMA application CASCADE")
        t.ok(wait_for(lambda: q(b, "SELECT 1 FROM application.items") == "42P01" and
                      q(b, "SELECT count(*) FROM pg_class WHERE relname = 'names'") == [(0,)], 30),
             "DROP SCHEMA ... CASCADE in r1 ends the schema, its table and view in r2",
             q(b, "SELECT 1 FROM application.items"))
        t.ok(wait_for(lambda: len(set(rb.digests(nodes))) == 1, 30), "the regions converge (equal digests)")
    finally:
        for n in nodes:
            n.stop()
        rb.cleanup(tmp)


try:
    main()
except Exception:  # noqa: BLE001 - reported as a failure, not lost
    import traceback
    t.ok(False, "the test ran to the end", traceback.format_exc())
t.done()
