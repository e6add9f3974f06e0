#!/usr/bin/python3
"""tests/integration/test_repl_enums.py — enum types across regions.

Two regions (QUIC, mutual TLS): a type and a table made in r1 reach r2, where values check
and order by the labels; ALTER TYPE ... ADD VALUE run in both regions at the same moment keeps
both labels, in one order everywhere, with the rows that use them; a restarted region orders
values as before (the registry is rebuilt from the catalog); DROP TYPE in one region ends the
type in both. TAP on stdout. Env BINDIR: folder of heliosdb (default bin)."""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
sys.path.insert(0, os.path.dirname(__file__))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402
from wirelib import Tap, wait_for  # noqa: E402

t = Tap()


def run(node, sql):
    cn = node.connect()
    try:
        cn.cursor().execute(sql)
    finally:
        cn.close()


def try_query(node, sql):
    """(rows, None) or (None, SQLSTATE)"""
    try:
        return rb.query(node, sql), None
    except psycopg2.Error as e:
        return None, e.pgcode


def main():
    import tempfile
    tmp = tempfile.mkdtemp(prefix="helios-enums-")
    nodes = rb.cluster(tmp, [("r1", 1), ("r2", 2)])
    try:
        for n in nodes:
            t.ok(n.start(), "region %s starts" % n.name)
        a, b = nodes
        run(a, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
        run(a, "CREATE TABLE feel (id int PRIMARY KEY, m mood)")
        run(a, "INSERT INTO feel VALUES (1, 'happy'), (2, 'sad')")
        order = "SELECT id, m::text AS label FROM feel ORDER BY feel.m, id"
        t.ok(wait_for(lambda: try_query(b, order)[0] == [(2, "sad"), (1, "happy")], 30),
             "a type, a table and rows made in r1 reach r2", try_query(b, order))
        run(b, "INSERT INTO feel VALUES (3, 'ok')")
        t.ok(try_query(b, "INSERT INTO feel VALUES (9, 'angry')")[1] == "22P02",
             "r2 checks values against the replicated labels (22P02)")
        t.ok(wait_for(lambda: try_query(a, order)[0] == [(2, "sad"), (3, "ok"), (1, "happy")], 30),
             "a row written in r2 orders by the labels in r1", try_query(a, order))

        # the same gap filled in both regions at once
        barrier = threading.Barrier(2)

        def add(node, label):
            cn = node.connect()
            barrier.wait()
            cn.cursor().execute("ALTER TYPE mood ADD VALUE '%s' AFTER 'ok'" % label)
            cn.close()
        th = [threading.Thread(target=add, args=(a, "fine")),
              threading.Thread(target=add, args=(b, "good"))]
        for x in th:
            x.start()
        for x in th:
            x.join()
        labels = "SELECT enumlabel::text FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder, enumlabel"
        want = ["sad", "ok", "fine", "good", "happy"]
        t.ok(wait_for(lambda: all([r[0] for r in (try_query(n, labels)[0] or [])] == want for n in nodes), 30),
             "labels added to one gap in two regions at once: both kept, one order in both",
             [try_query(n, labels) for n in nodes])
        run(a, "INSERT INTO feel VALUES (4, 'good')")
        run(b, "INSERT INTO feel VALUES (5, 'fine')")
        # fine and good sit at the same position: they order by their text
        want_rows = [(2, "sad"), (3, "ok"), (5, "fine"), (4, "good"), (1, "happy")]
        t.ok(wait_for(lambda: all(try_query(n, order)[0] == want_rows for n in nodes) and
                      len(set(rb.digests(nodes))) == 1, 30),
             "rows using both new labels order alike in both regions", [try_query(n, order) for n in nodes])

        b.stop()
        t.ok(b.start(), "r2 restarts")
        t.ok(try_query(b, order)[0] == want_rows and
             try_query(b, "SELECT count(*) FROM feel WHERE m > 'ok'")[0] == [(3,)],
             "after a restart r2 orders and compares the values as before", try_query(b, order))

        run(a, "DROP TABLE feel")
        run(a, "DROP TYPE mood")
        t.ok(wait_for(lambda: try_query(b, "SELECT 'ok'::mood")[1] == "42704", 30),
             "DROP TYPE in r1 ends the type in r2 (42704)", try_query(b, "SELECT 'ok'::mood"))
        run(b, "CREATE TYPE mood AS ENUM ('x')")
        t.ok(wait_for(lambda: try_query(a, "SELECT 'x'::mood::text")[0] == [("x",)], 30),
             "a type of the same name made again in r2 reaches r1", try_query(a, "SELECT 'x'::mood::text"))
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
