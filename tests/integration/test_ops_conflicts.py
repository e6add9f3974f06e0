#!/usr/bin/python3
"""tests/integration/test_ops_conflicts.py — helios.conflicts counts concurrent writes per table.

Two regions with the replication link up. A client on each region UPDATEs the same text
column of the same rows in a tight loop at the same time, so some writes on one region are
concurrent with writes on the other (neither saw the other's before writing). The merge of
such writes is a conflict: helios.conflicts shows a positive count for table t on at least one
region (with a last_conflict_at), none for a table written on one region only, and the regions
converge to the same value (equal helios_digest())."""
import importlib.util
import os
import shutil
import sys
import tempfile
import threading

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("repl_basic", os.path.join(here, "test_repl_basic.py"))
rb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rb)

ROWS = 5
ROUNDS = 150


def execute(node, sql, args=None):
    c = node.connect()
    try:
        c.cursor().execute(sql, args)
    finally:
        c.close()


def conflicts(node, table):
    r = rb.query(node, "SELECT conflicts, last_conflict_at IS NOT NULL FROM helios.conflicts "
                       "WHERE table_name = %s", (table,))
    return (r[0][0], r[0][1]) if r else (0, False)


def main():
    tmp = tempfile.mkdtemp(prefix="helios-conflicts-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    try:
        rb.check("both nodes start", a.start() and b.start())
        execute(a, "CREATE TABLE t (id bigint PRIMARY KEY, v text)")
        execute(a, "CREATE TABLE solo (id bigint PRIMARY KEY, v text)")
        rb.check("tables replicate", rb.wait_for(
            lambda: rb.query(b, "SELECT count(*) FROM helios.tables")[0][0] == 2, 20))
        for i in range(ROWS):
            execute(a, "INSERT INTO t VALUES (%s, 'init')", (i,))
        rb.check("rows replicate", rb.wait_for(
            lambda: rb.query(b, "SELECT count(*) FROM t")[0][0] == ROWS, 20))
        rb.check("no conflicts before the concurrent writes",
                 conflicts(a, "t")[0] == 0 and conflicts(b, "t")[0] == 0)

        start = threading.Barrier(2)

        def writer(node, tag):
            c = node.connect()
            cur = c.cursor()
            start.wait()
            for r in range(ROUNDS):
                cur.execute("UPDATE t SET v = %s WHERE id = %s", ("%s-%d" % (tag, r), r % ROWS))
                if tag == "a":
                    cur.execute("INSERT INTO solo VALUES (%s, 'x') ON CONFLICT (id) DO UPDATE "
                                "SET v = 'y'", (r % ROWS,))
            c.close()

        ths = [threading.Thread(target=writer, args=(n, tag)) for n, tag in ((a, "a"), (b, "b"))]
        for th in ths:
            th.start()
        for th in ths:
            th.join(120)
        rb.check("digests converge after the concurrent updates",
                 rb.wait_for(lambda: len(set(rb.digests([a, b]))) == 1, 30))
        va = rb.query(a, "SELECT id, v FROM t ORDER BY id")
        vb = rb.query(b, "SELECT id, v FROM t ORDER BY id")
        rb.check("every row holds the same value on both regions", va == vb and len(va) == ROWS)
        # the counts are attributed when applied entries are read back: poll, do not sleep
        rb.check("helios.conflicts shows conflicts for t on at least one region",
                 rb.wait_for(lambda: conflicts(a, "t")[0] > 0 or conflicts(b, "t")[0] > 0, 20))
        ca, cb = conflicts(a, "t"), conflicts(b, "t")
        print("# conflicts on t: %s=%d %s=%d" % (a.name, ca[0], b.name, cb[0]))
        rb.check("last_conflict_at is set where conflicts were counted",
                 (ca[0] == 0 or ca[1]) and (cb[0] == 0 or cb[1]))
        rb.check("a table written on one region only has no conflicts",
                 conflicts(a, "solo")[0] == 0 and conflicts(b, "solo")[0] == 0)
    except Exception:
        # a node that stopped answering: its exit status and the end of its log, for the record
        for n in (a, b):
            rc = n.proc.poll() if getattr(n, "proc", None) else None
            print("# %s: exit status %s" % (n.name, rc))
            try:
                with open(os.path.join(tmp, n.name + ".log")) as f:
                    for line in f.read().splitlines()[-40:]:
                        print("# " + line)
            except OSError:
                pass
        raise
    finally:
        for n in (a, b):
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return rb.tap_report()


if __name__ == "__main__":
    sys.exit(main())
