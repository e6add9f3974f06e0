#!/usr/bin/python3
"""tests/integration/test_repl_bigtxn.py — one large transaction between two real daemons
(QUIC, mutual TLS).

A COPY of 100,000 rows of eleven columns in one transaction writes about 1.2 million values
(more than one commit seq's 2^20 dots: the commit takes several seqs) and a log entry of some
46 MiB (more than the transport's former 16 MiB body cap, which left such an entry unsent
forever and every later write of its region behind it). Checks: it commits, replicates whole
(a reader on the other node polling during the transfer never sees part of it), and a write
made after it replicates too. A transaction whose log entry would exceed what a replication
batch carries (64 MiB) is refused at COMMIT with 54000, keeps nothing, and replication goes on.

TAP on stdout. Env BINDIR."""
import io, os, sys, tempfile, threading, time

import psycopg2

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)

NROWS = 100000
COLS = ["c%d" % i for i in range(10)]


def copy_rows(node, table, first, n, filler):
    buf = io.StringIO()
    for i in range(first, first + n):
        buf.write("%d\t%s\t%s\n" % (i, "\t".join(str(i * 7 + k) for k in range(10)), filler))
    buf.seek(0)
    c = node.connect()
    c.autocommit = False
    try:
        c.cursor().copy_expert("COPY %s FROM STDIN" % table, buf)
        c.commit()
        return None
    except psycopg2.Error as e:
        c.rollback()
        return e
    finally:
        c.close()


def execute(node, sql):
    c = node.connect()
    try:
        c.cursor().execute(sql)
    finally:
        c.close()


def main():
    tmp = tempfile.mkdtemp(prefix="helios-bigtxn-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    for n in nodes:
        n.write_config([p for p in nodes if p is not n])
    try:
        rb.check("two daemons start with replication enabled", all(n.start() for n in nodes))
        a, b = nodes
        ddl = "CREATE TABLE big (id bigint PRIMARY KEY, %s, filler text)" % ", ".join(
            "%s int" % c for c in COLS)
        c = a.connect()
        c.cursor().execute(ddl)
        c.cursor().execute("CREATE TABLE marks (id int PRIMARY KEY, note text)")
        c.close()
        rb.check("the tables replicate",
                 rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 0, 15))

        # A reader on node 2 during the transfer: the load is all or nothing there too.
        seen, stop = [], threading.Event()

        def reader():
            try:
                conn = b.connect()
                cur = conn.cursor()
                while not stop.is_set():
                    cur.execute("SELECT count(*) FROM big")
                    seen.append(cur.fetchone()[0])
                    time.sleep(0.01)
                conn.close()
            except psycopg2.Error as e:
                seen.append("error: %s" % e)

        th = threading.Thread(target=reader)
        th.start()
        t0 = time.time()
        err = copy_rows(a, "big", 1, NROWS, "x" * 100)
        rb.check("COPY of %d rows x 12 values (over 2^20 values, a ~46 MiB entry) in one "
                 "transaction commits: %s" % (NROWS, err), err is None)
        print("# load committed in %.1fs" % (time.time() - t0))
        execute(a, "INSERT INTO marks VALUES (1, 'after the load')")
        t1 = time.time()
        ok = rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 1, 120)
        print("# replicated %.1fs after the commit" % (time.time() - t1))
        stop.set()
        th.join()
        rb.check("the load and a write made after it replicate to node 2", ok)
        sums = [rb.query(n, "SELECT count(*), sum(c0), sum(c9), sum(length(filler)) FROM big")[0]
                for n in nodes]
        rb.check("both nodes hold the same %d rows: %s" % (NROWS, sums),
                 sums[0] == sums[1] and sums[0][0] == NROWS)
        partial = sorted(set(v for v in seen if v not in (0, NROWS)), key=str)
        rb.check("a reader on node 2 saw 0 or %d rows, never part of the load (%d reads, "
                 "odd: %s)" % (NROWS, len(seen), partial[:5]), seen and not partial)
        rb.check("digests equal", rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1, 30))

        # Too large for one replication batch: refused at COMMIT, nothing kept.
        err = copy_rows(a, "big", NROWS + 1, NROWS, "y" * 800)
        rb.check("a transaction whose log entry exceeds 64 MiB: 54000 at COMMIT (%s)"
                 % (err.pgerror.strip().splitlines()[0] if err else None),
                 err is not None and err.pgcode == "54000"
                 and "too large to replicate" in err.pgerror)
        rb.check("nothing of it is kept",
                 rb.query(a, "SELECT count(*) FROM big WHERE id > %d" % NROWS)[0][0] == 0)
        execute(a, "INSERT INTO marks VALUES (2, 'after the refusal')")
        rb.check("replication goes on after the refusal",
                 rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 2, 30))
        rb.check("digests equal again", rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1, 30))
        reports = [l for n in nodes for l in open(os.path.join(tmp, n.name + ".log"))
                   if "Sanitizer" in l or "runtime error" in l]
        rb.check("no sanitizer reports in the daemons' logs: %s" % reports[:3], not reports)
    finally:
        for n in nodes:
            n.stop()
        rb.cleanup(tmp)
    return rb.tap_report()


if __name__ == "__main__":
    sys.exit(main())
