#!/usr/bin/python3
"""tests/integration/test_repl_catchup.py — a region down past log retention catches up by
snapshot transfer, also when the receiver is killed (SIGKILL) in the middle of one.

Two daemons with replication.log_retention_mb = 1. Node 2 stops; node 1 writes a few MiB
(inserts, counter increments, set adds and removes, row deletes), so its log is truncated
past what node 2 has. Node 2 restarts: node 1 must send it a snapshot (its log says so), and
both converge (equal helios_digest() and identical rows); writes on both sides afterwards
replicate through the log again. Second round with 4 KiB snapshot chunks: node 2 is killed
with SIGKILL while a transfer to it is running, restarted, and still converges."""
import json, os, shutil, signal, sys, tempfile, time

import test_repl_basic as rb

SCHEMA = ("CREATE TABLE t (id bigint PRIMARY KEY, body text, n g_counter, tags or_set, "
          "aw aw_set)")


def patch_config(node, **repl):
    with open(node.cfg) as f:
        cfg = json.load(f)
    cfg["replication"].update(repl)
    with open(node.cfg, "w") as f:
        json.dump(cfg, f)


def log_text(node):
    with open(os.path.join(node.d, node.name + ".log"), errors="replace") as f:
        return f.read()


def wait_log(node, needle, timeout, after=0):
    return rb.wait_for(lambda: log_text(node).find(needle, after) >= 0, timeout)


def write_load(node, start, count, size):
    """count rows of size bytes, counters, set adds; then removes and deletes on a part."""
    c = node.connect()
    cur = c.cursor()
    pad = "x" * size
    for base in range(start, start + count, 100):
        cur.execute("BEGIN")
        for i in range(base, min(base + 100, start + count)):
            cur.execute("INSERT INTO t (id, body, n, tags, aw) VALUES (%s, %s, 1, "
                        "ARRAY['a', 'b', %s], ARRAY['x', %s])", (i, pad + str(i), str(i), str(i)))
        cur.execute("COMMIT")
    cur.execute("UPDATE t SET n = n + 5, tags = array_remove(tags, 'a') WHERE id %% 3 = 0 "
                "AND id >= %s", (start,))
    cur.execute("DELETE FROM t WHERE id %% 7 = 0 AND id >= %s", (start,))
    c.close()


def converged(nodes):
    ds = rb.digests(nodes)
    if len(set(ds)) != 1:
        return False
    rs = [rb.query(n, "SELECT id, body, n, tags, aw FROM t ORDER BY id") for n in nodes]
    return all(r == rs[0] for r in rs)


def peer_stat(node, col):
    return rb.query(node, "SELECT %s FROM helios.peers" % col)[0][0]


def main():
    tmp = tempfile.mkdtemp(prefix="helios-catchup-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    for n in (a, b):
        patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0)
    try:
        rb.check("two daemons start", a.start() and b.start())
        a.connect().cursor().execute(SCHEMA)
        rb.check("the table reaches node 2",
                 rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM t") is not None, 20))
        write_load(a, 0, 200, 100)
        rb.check("both converge before the outage", rb.wait_for(lambda: converged([a, b]), 30))

        # -- round 1: down past retention
        b.stop()
        mark = len(log_text(a))
        write_load(a, 1000, 3000, 1000)  # ~3 MiB of log
        rb.check("node 1 truncates its log past what node 2 has",
                 wait_log(a, "replication log truncated", 30, mark))
        rb.check("node 2 restarts", b.start())
        rb.check("node 1 sends node 2 a snapshot",
                 wait_log(a, "snapshot transfer to peer 2 complete", 60, mark))
        rb.check("both converge after the snapshot (equal digests and rows)",
                 rb.wait_for(lambda: converged([a, b]), 60))
        rb.check("helios.peers on node 2 counts the snapshot received",
                 peer_stat(b, "snapshots_received") >= 1)
        rb.check("helios.peers on node 1 counts the snapshot sent",
                 peer_stat(a, "snapshots_sent") >= 1)
        # the log path works again in both directions
        a.connect().cursor().execute("INSERT INTO t (id, body, n) VALUES (90001, 'after-a', 2)")
        b.connect().cursor().execute("INSERT INTO t (id, body, n) VALUES (90002, 'after-b', 3)")
        b.connect().cursor().execute("UPDATE t SET n = n + 10 WHERE id = 3")
        rb.check("writes after the catch-up replicate both ways",
                 rb.wait_for(lambda: converged([a, b]) and
                             rb.query(a, "SELECT n FROM t WHERE id = 90002") == [(3,)], 30))

        # -- round 2: receiver killed mid-snapshot
        b.stop()
        for n in (a, b):
            patch_config(n, batch_max_bytes=4096)
        a.stop()
        rb.check("node 1 restarts with 4 KiB snapshot chunks", a.start())
        mark = len(log_text(a))
        write_load(a, 10000, 3000, 1000)
        rb.check("node 1 truncates its log again",
                 wait_log(a, "replication log truncated", 30, mark))
        bmark = len(log_text(b))
        rb.check("node 2 restarts", b.start())
        started = wait_log(b, "snapshot from peer 1 starting", 30, bmark)
        done_early = log_text(b).find("snapshot from peer 1 complete", bmark) >= 0
        b.stop(signal.SIGKILL)
        rb.check("node 2 is killed while receiving a snapshot", started and not done_early)
        bmark = len(log_text(b))
        rb.check("node 2 restarts after SIGKILL", b.start())
        rb.check("a new transfer completes",
                 wait_log(b, "snapshot from peer 1 complete", 90, bmark))
        rb.check("both converge after the interrupted transfer",
                 rb.wait_for(lambda: converged([a, b]), 60))
        nrows = rb.query(b, "SELECT count(*) FROM t")[0][0]
        print("# rows on node 2 after catch-up: %d" % nrows)
    finally:
        for n in (a, b):
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
