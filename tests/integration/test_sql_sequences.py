#!/usr/bin/python3
"""tests/integration/test_sql_sequences.py — sequences across regions: unique ids without
coordination, monotonic in each region, never reissued after kill -9, restarts replicated.

Five daemons (node ids 1..5, the five regions) with replication: a table with a bigserial key and a plain
sequence are created on node 1. Every node inserts rows concurrently (several clients each)
and takes nextval of the sequence: no id is given twice across the regions (the rows, merged
by key, all survive on every node), each client sees its region's ids increase. Node 2 is
killed with SIGKILL after handing out values; restarted, it goes on above every value it gave.
A setval on node 1 reaches the others: their next values are above it."""
import os, shutil, signal, sys, tempfile, threading

import test_repl_basic as rb

ROWS = 60   # per client
CLIENTS = 3  # per node


def insert_load(node, tag, out, errors):
    try:
        c = node.connect()
        cur = c.cursor()
        ids = []
        for i in range(ROWS):
            cur.execute("INSERT INTO items (who) VALUES (%s) RETURNING id", (tag,))
            ids.append(cur.fetchone()[0])
            cur.execute("SELECT nextval('tickets')")
            ids.append(("t", cur.fetchone()[0]))
        c.close()
        out.append((node.id, ids))
    except Exception as e:  # reported as a failed check
        errors.append("%s: %s" % (tag, e))


def main():
    tmp = tempfile.mkdtemp(prefix="helios-seq-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-southeast-1", 3), ("us-west-2", 4),
             ("sa-east-1", 5)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    for n in nodes:
        n.write_config([p for p in nodes if p is not n])
    a, b = nodes[0], nodes[1]
    try:
        rb.check("five daemons start", all(n.start() for n in nodes))
        cur = a.connect().cursor()
        cur.execute("CREATE TABLE items (id bigserial PRIMARY KEY, who text)")
        cur.execute("CREATE SEQUENCE tickets")
        rb.check("the table and the sequence reach every node",
                 rb.wait_for(lambda: all(rb.query(n, "SELECT count(*) FROM items") == [(0,)] and
                                         rb.query(n, "SELECT nextval('tickets')")
                                         for n in nodes), 30))
        out, errors, threads = [], [], []
        for n in nodes:
            for k in range(CLIENTS):
                t = threading.Thread(target=insert_load, args=(n, "n%d-c%d" % (n.id, k), out, errors))
                threads.append(t)
                t.start()
        for t in threads:
            t.join(120)
        rb.check("every client ran its inserts (%s)" % "; ".join(errors[:2]), not errors and
                 len(out) == len(nodes) * CLIENTS)
        row_ids = [i for _, ids in out for i in ids if not isinstance(i, tuple)]
        tickets = [i[1] for _, ids in out for i in ids if isinstance(i, tuple)]
        rb.check("no row id given twice across the regions (%d ids)" % len(row_ids),
                 len(row_ids) == len(set(row_ids)) == len(nodes) * CLIENTS * ROWS)
        rb.check("no sequence value given twice across the regions (%d values)" % len(tickets),
                 len(tickets) == len(set(tickets)))
        mono = all(all(x < y for x, y in zip([i for i in ids if not isinstance(i, tuple)],
                                             [i for i in ids if not isinstance(i, tuple)][1:]))
                   for _, ids in out)
        rb.check("each client sees its region's ids increase", mono)
        total = len(nodes) * CLIENTS * ROWS
        rb.check("every row survives on every node (none merged away by a shared id)",
                 rb.wait_for(lambda: all(rb.query(n, "SELECT count(*) FROM items") == [(total,)]
                                         for n in nodes), 60))
        slots = {(i - 1) % 16 for i in row_ids}
        rb.check("a region's ids keep to its slot (ids mod 16: %s)" % sorted(slots),
                 slots == {0, 1, 2, 3, 4})

        # kill -9: nothing handed out is handed out again
        cb = b.connect().cursor()
        given = []
        for _ in range(45):  # past the first reserved block of 32
            cb.execute("SELECT nextval('tickets')")
            given.append(cb.fetchone()[0])
            cb.execute("INSERT INTO items (who) VALUES ('before-kill') RETURNING id")
            given.append(cb.fetchone()[0])
        b.stop(signal.SIGKILL)
        rb.check("node 2 restarts after SIGKILL", b.start())
        cb = b.connect().cursor()
        cb.execute("SELECT nextval('tickets')")
        t_after = cb.fetchone()[0]
        cb.execute("INSERT INTO items (who) VALUES ('after-kill') RETURNING id")
        r_after = cb.fetchone()[0]
        rb.check("after kill -9 node 2 goes on above what it gave (%d > %d, %d > %d)"
                 % (t_after, max(given[0::2]), r_after, max(given[1::2])),
                 t_after > max(given[0::2]) and r_after > max(given[1::2]))

        # setval replicates: every region restarts above it
        a.connect().cursor().execute("SELECT setval('tickets', 100000)")

        def above(n):
            cur = n.connect().cursor()
            cur.execute("SELECT nextval('tickets')")
            return cur.fetchone()[0] > 100000
        rb.check("a setval on node 1 moves the other regions above it",
                 rb.wait_for(lambda: all(above(n) for n in nodes[1:]), 30))
    finally:
        for n in nodes:
            n.stop()
    n = len(rb.results)
    print("1..%d" % n)
    ok = True
    for i, (desc, passed) in enumerate(rb.results, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", i, desc))
        ok = ok and passed
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("# logs kept in %s" % tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
