#!/usr/bin/python3
"""tests/integration/test_repl_catchup_pin.py — log truncation during a snapshot transfer does
not force another snapshot.

Two daemons, replication.log_retention_mb = 1, 4 KiB snapshot chunks (a transfer of several
MiB takes many round trips). Node 2 stops; node 1 writes ~6 MiB, so its log is truncated past
what node 2 has. Node 2 restarts and node 1 starts sending it a snapshot; meanwhile a writer
keeps committing on node 1 (well over log_retention_mb during the transfer), and SIGUSR1
makes node 1 run its retention step while the transfer is still running. Node 1 must keep the
log entries after the snapshot's version vector (a pin), so node 2 follows the log from there:
exactly one snapshot transfer, and both converge once the writer stops."""
import os, signal, sys, tempfile, threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_catchup as rc  # noqa: E402  (config patching, logs, convergence)
from test_repl_catchup_atomic import insert_rows  # noqa: E402


class Writer(threading.Thread):
    """Commits 100-row transactions of ~1 KB rows on node until stopped."""

    def __init__(self, node, start_id):
        super().__init__(daemon=True)
        self.node, self.next_id, self.rows = node, start_id, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                insert_rows(self.node, self.next_id, 100, 1000)
                self.next_id += 100
                self.rows += 100
            except psycopg2.Error:
                pass


def main():
    check = rb.check
    tmp = tempfile.mkdtemp(prefix="helios-pin-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    for n in (a, b):
        rc.patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0, batch_max_bytes=4096)
    writer = None
    try:
        check("two daemons start", a.start() and b.start())
        a.connect().cursor().execute(rc.SCHEMA)
        insert_rows(a, 0, 300, 100)
        check("both converge before the outage", rb.wait_for(lambda: rc.converged([a, b]), 30))

        b.stop()
        mark = len(rc.log_text(a))
        insert_rows(a, 1000, 6000, 1000)  # ~6 MiB
        check("node 1 truncates its log past what node 2 has",
              rc.wait_log(a, "replication log truncated", 30, mark))

        writer = Writer(a, 100000)
        writer.start()
        check("node 2 restarts", b.start())
        check("node 1 starts a snapshot transfer",
              rc.wait_log(a, "snapshot transfer to peer 2 starting", 30, mark))
        at = len(rc.log_text(a))
        rows0 = writer.rows
        # well over log_retention_mb written since the snapshot was taken
        rb.wait_for(lambda: writer.rows - rows0 >= 2500, 60)
        running = "snapshot transfer to peer 2 complete" not in rc.log_text(a)[at:]
        a.proc.send_signal(signal.SIGUSR1)  # a retention step now
        check("node 1 ran its retention step while the transfer was still running", running and
              rc.wait_log(a, "SIGUSR1", 10, at))
        check("the snapshot transfer completes",
              rc.wait_log(a, "snapshot transfer to peer 2 complete", 120, mark))
        # writes continue a little while node 2 follows the log
        rb.wait_for(lambda: writer.rows - rows0 >= 4000, 60)
        writer.stop.set()
        writer.join(60)
        check("both converge after the writer stops", rb.wait_for(lambda: rc.converged([a, b]), 90))
        text = rc.log_text(a)[mark:]
        starts = text.count("snapshot transfer to peer 2 starting")
        print("# rows written during the catch-up: %d, snapshot transfers started: %d"
              % (writer.rows, starts))
        check("exactly one snapshot transfer (the log served the rest), got %d" % starts,
              starts == 1)
    finally:
        if writer is not None:
            writer.stop.set()
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
