#!/usr/bin/python3
"""tests/integration/test_repl_catchup_atomic.py — a snapshot transfer is visible all at once,
whatever its size, and a normal catch-up raises no restore warning.

Two daemons, replication.log_retention_mb = 1, 4 KiB snapshot chunks (a transfer of a few MiB
takes many round trips). Node 2 stops; node 1 writes ~4 MiB in transactions of 100 rows, so
its log is truncated past what node 2 has. Node 2 restarts with
HELIOS_TEST_IMPORT_BATCH_BYTES=16384: the snapshot is applied in hundreds of WriteBatches
(as a snapshot of hundreds of MiB is with the default bound). While it arrives, a reader on
node 2 polls count(*) and sum(n) without pause: every answer must be the state before the
transfer or the state after it, never one in between (a transaction partly applied). Then
both converge, and neither daemon logged "lacks entries ... of its own origin (restored?)"
(no node was restored)."""
import os, sys, threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_catchup as rc  # noqa: E402  (config patching, logs, load, convergence)

Q = "SELECT count(*), coalesce(sum(n), 0) FROM t"


def insert_rows(node, start, count, size):
    """count rows (n = 1) in transactions of 100: every committed state has a count that is a
    multiple of 100 above the start."""
    c = node.connect()
    cur = c.cursor()
    pad = "y" * size
    for base in range(start, start + count, 100):
        cur.execute("BEGIN")
        for i in range(base, min(base + 100, start + count)):
            cur.execute("INSERT INTO t (id, body, n) VALUES (%s, %s, 1)", (i, pad + str(i)))
        cur.execute("COMMIT")
    c.close()


class Poller(threading.Thread):
    """Queries node with Q until stopped; keeps every distinct answer."""

    def __init__(self, node):
        super().__init__(daemon=True)
        self.node, self.seen, self.polls = node, set(), 0
        self.stop = threading.Event()

    def run(self):
        conn = None
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = self.node.connect()
                cur = conn.cursor()
                cur.execute(Q)
                self.seen.add(tuple(cur.fetchone()))
                self.polls += 1
            except psycopg2.Error:
                conn = None
        if conn is not None:
            conn.close()


def main():
    check = rb.check
    import tempfile
    tmp = tempfile.mkdtemp(prefix="helios-atomic-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    for n in (a, b):
        rc.patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0, batch_max_bytes=4096)
    poller = None
    try:
        check("two daemons start", a.start() and b.start())
        a.connect().cursor().execute(rc.SCHEMA)
        insert_rows(a, 0, 300, 100)
        check("both converge before the outage", rb.wait_for(lambda: rc.converged([a, b]), 30))
        before = tuple(rb.query(b, Q)[0])

        b.stop()
        mark = len(rc.log_text(a))
        insert_rows(a, 1000, 4000, 1000)  # ~4 MiB of log, 40 transactions
        check("node 1 truncates its log past what node 2 has",
              rc.wait_log(a, "replication log truncated", 30, mark))
        after = tuple(rb.query(a, Q)[0])

        b.env = {"HELIOS_TEST_IMPORT_BATCH_BYTES": "16384"}
        bmark = len(rc.log_text(b))
        check("node 2 restarts", b.start())
        poller = Poller(b)
        poller.start()
        check("node 2 receives a snapshot",
              rc.wait_log(b, "snapshot from peer 1 complete", 120, bmark))
        check("both converge after the snapshot", rb.wait_for(lambda: rc.converged([a, b]), 60))
        rb.wait_for(lambda: after in poller.seen, 10)
        poller.stop.set()
        poller.join(10)
        between = sorted(poller.seen - {before, after})
        print("# polls on node 2 during the transfer: %d, distinct answers: %d"
              % (poller.polls, len(poller.seen)))
        check("readers on node 2 saw the state before or after the snapshot, never part of it "
              "(saw %s)" % between[:5], not between)
        check("the reader saw the snapshot appear", after in poller.seen)
        warn = "of its own origin (restored?)"
        check("no restore warning on a healthy catch-up",
              all(warn not in rc.log_text(n) for n in (a, b)))
    finally:
        if poller is not None:
            poller.stop.set()
        for n in (a, b):
            n.stop()
    ok = rb.tap_report() == 0
    if ok:
        rb.cleanup(tmp)
    else:
        print("# logs kept in %s" % tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
