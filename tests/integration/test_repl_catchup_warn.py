#!/usr/bin/python3
"""tests/integration/test_repl_catchup_warn.py — no restore warning without a restore.

Three daemons, every replication link through the WAN emulator with a WAN's delay and jitter
(20 +- 15 ms each way, some reordering), log_retention_mb = 1. Every node writes all along;
ap-south-1 stops, the others write past retention, it returns and catches up (snapshot, then
the log) while all three keep writing. No node was restored from a backup, so no daemon may
log "lacks entries ... of its own origin (restored?)" nor "reports less than it acknowledged
before (restored?)" — operators page on replication warnings. All converge. (Judging an
answer against the state when it arrived, not when its request left, logged ~680 of them
here: the peer's newer entries overtake the answer on the other connection.)

Env: BINDIR (heliosdb), WANEM (default $BUILD/tools/wanem)."""
import json, os, re, socket, subprocess, sys, tempfile, threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_partition as rp  # noqa: E402  (UDP port range, emulator control)
import test_repl_catchup as rc  # noqa: E402  (config patching, logs, convergence)
from test_repl_catchup_atomic import insert_rows  # noqa: E402
from test_repl_catchup_failover import WANEM  # noqa: E402


class Bumper(threading.Thread):
    """Small transactions on node until stopped: counter increments of a shared row and
    one new row each."""

    def __init__(self, node, start_id):
        super().__init__(daemon=True)
        self.node, self.next_id, self.n = node, start_id, 0
        self.stop = threading.Event()

    def run(self):
        conn = None
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = self.node.connect()
                cur = conn.cursor()
                self.next_id += 1  # first: an id whose insert failed midway is not reused
                cur.execute("INSERT INTO t (id, body, n) VALUES (%s, 'b', 1)", (self.next_id,))
                cur.execute("UPDATE t SET n = n + 1 WHERE id = 1")
                self.n += 1
            except psycopg2.Error:
                conn = None
                self.stop.wait(0.2)
        if conn is not None:
            conn.close()


WARNINGS = ("of its own origin (restored?)", "reports less than it acknowledged before")
SNAP_DONE = re.compile(r"snapshot from peer \d+ complete")


def main():
    check = rb.check
    tmp = tempfile.mkdtemp(prefix="helios-warn-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-south-1", 3)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    a, b, c = nodes
    base = rp.udp_range(len(nodes) ** 2)
    ctl = rb.free_port(socket.SOCK_DGRAM)
    wcfg = {"control": "127.0.0.1:%d" % ctl, "seed": 5,
            "defaults": {"delay_ms": 20, "jitter_ms": 15, "loss": 0, "dup": 0, "reorder": 0.05,
                         "reorder_ms": 20},
            "nodes": [{"name": n.name, "address": "127.0.0.1:%d" % n.repl_port} for n in nodes],
            "listen_base": "127.0.0.1:%d" % base}
    with open(os.path.join(tmp, "wanem.json"), "w") as f:
        json.dump(wcfg, f)
    for i, n in enumerate(nodes):
        n.write_config([p for p in nodes if p is not n])
        with open(n.cfg) as f:
            cfg = json.load(f)
        for pc in cfg["replication"]["peers"]:
            j = [p.name for p in nodes].index(pc["name"])
            pc["address"] = "127.0.0.1:%d" % (base + i * len(nodes) + j)
        with open(n.cfg, "w") as f:
            json.dump(cfg, f)
        rc.patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0)
    wlog = open(os.path.join(tmp, "wanem.log"), "w")
    wan = subprocess.Popen([WANEM, os.path.join(tmp, "wanem.json")], stdout=subprocess.PIPE,
                           stderr=wlog, text=True)
    bumpers = []
    try:
        ready = False
        for line in wan.stdout:
            if line.strip() == "ready":
                ready = True
                break
        check("WAN emulator ready", ready)
        check("three daemons start behind the emulator", all(n.start() for n in nodes))
        a.connect().cursor().execute(rc.SCHEMA)
        check("the table reaches every node", rb.wait_for(
            lambda: all(rb.query(n, "SELECT count(*) FROM t") is not None for n in nodes), 30))
        a.connect().cursor().execute("INSERT INTO t (id, body, n) VALUES (1, 'shared', 0)")
        bumpers = [Bumper(n, 1000000 * (k + 1)) for k, n in enumerate(nodes)]
        for t in bumpers:
            t.start()
        check("every node commits while the others replicate",
              rb.wait_for(lambda: all(t.n >= 300 for t in bumpers), 60))

        c.stop()
        marks = [len(rc.log_text(n)) for n in nodes]
        insert_rows(a, 10000, 2000, 1000)
        insert_rows(b, 20000, 2000, 1000)
        check("the logs are truncated past what node 3 has",
              rc.wait_log(a, "replication log truncated", 30, marks[0]))
        # node 3's writer reconnects by itself once the node is back (only one writer per
        # node: a second one would keep writing after the others stop)
        n3 = bumpers[2].n
        check("node 3 restarts", c.start())
        check("node 3 catches up by snapshot", rb.wait_for(
            lambda: SNAP_DONE.search(rc.log_text(c), marks[2]) is not None, 120))
        check("node 3 keeps committing after its catch-up",
              rb.wait_for(lambda: bumpers[2].n >= n3 + 300, 60))
        for t in bumpers:
            t.stop.set()
        for t in bumpers:
            t.join(30)
        check("the writers stop", not any(t.is_alive() for t in bumpers))
        check("all three converge", rb.wait_for(lambda: rc.converged(nodes), 120))
        found = []
        for n in nodes:
            for line in rc.log_text(n).splitlines():
                if any(w in line for w in WARNINGS):
                    found.append("%s: %s" % (n.name, line.strip()))
        print("# transactions per node: %s; restore warnings: %d"
              % ([t.n for t in bumpers], len(found)))
        check("no restore warning on a healthy cluster (%s)" % found[:2], not found)
    finally:
        for t in bumpers:
            t.stop.set()
        for n in nodes:
            n.stop()
        rp.wanem_stop(ctl, wan)
    ok = rb.tap_report() == 0
    if ok:
        rb.cleanup(tmp)
    else:
        print("# logs kept in %s" % tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
