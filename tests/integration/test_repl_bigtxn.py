#!/usr/bin/python3
"""tests/integration/test_repl_bigtxn.py — one large transaction between two real daemons
(QUIC, mutual TLS).

A COPY of 100,000 rows of eleven columns in one transaction writes about 1.2 million values
(more than one commit seq's 2^20 dots: the commit takes several seqs) and some 46 MiB of
changes (more than the transport's former 16 MiB body cap, which left such an entry unsent
forever and every later write of its region behind it); a second one of about 68 MiB is more
than one replication batch carries (64 MiB) and travels as several log entries, parts that the
receiver applies together. Checks: both commit and replicate whole (a reader on the other node
polling during the transfers never sees part of a load), and a write made after each
replicates too. A single row whose change exceeds 64 MiB cannot be cut: it is refused at
COMMIT with 54000, keeps nothing, and replication goes on.

TAP on stdout. Env BINDIR."""
import io, os, sys, tempfile, threading, time

import psycopg2

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)

NROWS = 100000
NROWS2 = 60000  # with 800-byte fillers: ~68 MiB
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
        c.cursor().execute("CREATE TABLE wide (id int PRIMARY KEY, a text, b text, c text, "
                           "d text, e text)")
        c.close()
        rb.check("the tables replicate",
                 rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 0, 15))

        # A reader on node 2 during both transfers: each load is all or nothing there too.
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
        try:
            t0 = time.time()
            err = copy_rows(a, "big", 1, NROWS, "x" * 100)
            rb.check("COPY of %d rows x 12 values (over 2^20 values, ~46 MiB of changes) in one "
                     "transaction commits: %s" % (NROWS, err), err is None)
            print("# load 1 committed in %.1fs" % (time.time() - t0))
            execute(a, "INSERT INTO marks VALUES (1, 'after load 1')")
            t1 = time.time()
            ok = rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 1, 120)
            print("# replicated %.1fs after the commit" % (time.time() - t1))
            rb.check("load 1 and a write made after it replicate to node 2", ok)

            t0 = time.time()
            err = copy_rows(a, "big", NROWS + 1, NROWS2, "y" * 800)
            rb.check("COPY of ~68 MiB in one transaction (more than one replication batch "
                     "carries: it travels in parts) commits: %s" % err, err is None)
            print("# load 2 committed in %.1fs" % (time.time() - t0))
            execute(a, "INSERT INTO marks VALUES (2, 'after load 2')")
            t1 = time.time()
            ok = rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 2, 180)
            print("# replicated %.1fs after the commit" % (time.time() - t1))
            rb.check("load 2 and a write made after it replicate to node 2", ok)
        finally:
            stop.set()
            th.join()
        sums = [rb.query(n, "SELECT count(*), sum(c0), sum(c9), sum(length(filler)) FROM big")[0]
                for n in nodes]
        rb.check("both nodes hold the same %d rows: %s" % (NROWS + NROWS2, sums),
                 sums[0] == sums[1] and sums[0][0] == NROWS + NROWS2)
        odd = sorted(set(v for v in seen if v not in (0, NROWS, NROWS + NROWS2)), key=str)
        rb.check("a reader on node 2 saw 0, %d or %d rows, never part of a load (%d reads, "
                 "odd: %s)" % (NROWS, NROWS + NROWS2, len(seen), odd[:5]),
                 seen and not odd and NROWS in seen)
        rb.check("digests equal", rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1, 30))

        # One row's change larger than a replication batch carries: refused at COMMIT.
        c = a.connect()
        try:
            # five values of 15 MB (one value may take 16 MiB): 75 MB in one row
            c.cursor().execute("INSERT INTO wide SELECT 1, x, x, x, x, x FROM "
                               "(SELECT repeat('z', 15000000) AS x) s")
            err = None
        except psycopg2.Error as e:
            err = e
        c.close()
        rb.check("a row whose change exceeds 64 MiB: 54000 at COMMIT (%s)"
                 % (err.pgerror.strip().splitlines()[0] if err else None),
                 err is not None and err.pgcode == "54000"
                 and "too large to replicate" in err.pgerror)
        rb.check("nothing of it is kept",
                 rb.query(a, "SELECT count(*) FROM wide")[0][0] == 0)
        c = a.connect()
        try:
            c.cursor().execute("INSERT INTO wide (id, a) VALUES (2, repeat('v', 17000000))")
            err = None
        except psycopg2.Error as e:
            err = e
        c.close()
        rb.check("one value over 16 MiB: 54000 (%s)"
                 % (err.pgerror.strip().splitlines()[0] if err else None),
                 err is not None and err.pgcode == "54000" and "value too large" in err.pgerror)
        execute(a, "INSERT INTO marks VALUES (3, 'after the refusal')")
        rb.check("replication goes on after the refusal",
                 rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM marks")[0][0] == 3, 30))
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
