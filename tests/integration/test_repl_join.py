#!/usr/bin/python3
"""tests/integration/test_repl_join.py — region join: "migration from single region".

Node 1 runs alone (replication on, no peers) and takes writes; with no peer to wait for, its
log is truncated at once, so a newcomer cannot be served from the log. Node 1's config then
lists node 2 and node 1 restarts (replication.peers needs a restart); node 2 starts with an
empty data directory and a config listing node 1: it bootstraps by snapshot, then follows
the log (writes on both sides replicate). Then a third region joins the running two-node
cluster with data: the two get it in their configs (rolling restart) and it bootstraps from
whichever peer reaches it first — one transfer, the other peer is told the receiver is busy."""
import json, os, shutil, sys, tempfile

import test_repl_basic as rb
import test_repl_catchup as cu

SCHEMA = ("CREATE TABLE acct (id bigint PRIMARY KEY, owner text, balance pn_counter, "
          "tags or_set, prefs lww_map)")


def load(node, start, count):
    c = node.connect()
    cur = c.cursor()
    cur.execute("BEGIN")
    for i in range(start, start + count):
        cur.execute("INSERT INTO acct (id, owner, balance, tags, prefs) VALUES (%s, %s, %s, "
                    "ARRAY['t', %s], %s::jsonb)",
                    (i, "owner-%d" % i, i, str(i % 5), json.dumps({"k": i})))
    cur.execute("COMMIT")
    cur.execute("UPDATE acct SET balance = balance - 3, tags = array_remove(tags, 't') "
                "WHERE id %% 4 = 0 AND id >= %s", (start,))
    cur.execute("DELETE FROM acct WHERE id %% 9 = 0 AND id >= %s", (start,))
    c.close()


def rows(n):
    return rb.query(n, "SELECT id, owner, balance, tags, prefs FROM acct ORDER BY id")


def converged(nodes):
    ds = rb.digests(nodes)
    if len(set(ds)) != 1:
        return False
    rs = [rows(n) for n in nodes]
    return all(r == rs[0] for r in rs)


def main():
    tmp = tempfile.mkdtemp(prefix="helios-join-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-south-1", 3)]
    rb.make_certs(tmp, names)
    a, b, c = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([])
    cu.patch_config(a, log_retention_mb=1, anti_entropy_interval_s=0)
    try:
        rb.check("a single region starts (replication on, no peers)", a.start())
        a.connect().cursor().execute(SCHEMA)
        mark = len(cu.log_text(a))
        load(a, 0, 1500)
        rb.check("its log is truncated (no peer to wait for)",
                 cu.wait_log(a, "replication log truncated", 30, mark))
        before = rows(a)

        # -- migration: node 1 learns about node 2, node 2 joins empty
        a.write_config([b])
        b.write_config([a])
        for n in (a, b):
            cu.patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0)
        a.stop()
        rb.check("node 1 restarts with node 2 in its config", a.start())
        rb.check("rows survive node 1's restart", rows(a) == before)
        rb.check("node 2 starts with an empty data directory", b.start())
        rb.check("node 2 bootstraps by snapshot from node 1",
                 cu.wait_log(b, "snapshot from peer 1 complete", 60))
        rb.check("node 2 converges with node 1 (equal digests and rows)",
                 rb.wait_for(lambda: converged([a, b]), 60))
        rb.check("the table and its rows are on node 2", len(rows(b)) == len(before))
        b.connect().cursor().execute("UPDATE acct SET balance = balance + 100 WHERE id = 1")
        a.connect().cursor().execute("INSERT INTO acct (id, owner, balance) VALUES (5000, 'x', 1)")
        rb.check("after the join, writes on both replicate through the log",
                 rb.wait_for(lambda: converged([a, b]) and
                             rb.query(a, "SELECT balance FROM acct WHERE id = 1") == [(101,)],
                             30))

        # -- a third region joins the running cluster with data
        load(b, 10000, 1500)
        rb.check("the two-node cluster converges under load",
                 rb.wait_for(lambda: converged([a, b]), 60))
        for n, peers in ((a, [b, c]), (b, [a, c]), (c, [a, b])):
            n.write_config(peers)
            cu.patch_config(n, log_retention_mb=1, anti_entropy_interval_s=0)
        for n in (a, b):
            n.stop()
            rb.check("%s restarts with the new region in its config" % n.name, n.start())
        rb.check("node 3 starts empty", c.start())
        rb.check("node 3 bootstraps by snapshot",
                 cu.wait_log(c, "snapshot from peer", 60) and
                 cu.wait_log(c, "complete", 60))
        rb.check("three regions converge (equal digests and rows)",
                 rb.wait_for(lambda: converged([a, b, c]), 90))
        got = rb.query(c, "SELECT sum(snapshots_received) FROM helios.peers")[0][0]
        print("# snapshots received by node 3: %s" % got)
        rb.check("node 3 received the cluster in a single transfer", got == 1)
        c.connect().cursor().execute("DELETE FROM acct WHERE id = 10001")
        rb.check("a delete on the new region replicates",
                 rb.wait_for(lambda: converged([a, b, c]) and
                             rb.query(a, "SELECT count(*) FROM acct WHERE id = 10001") == [(0,)],
                             30))
    finally:
        for n in (a, b, c):
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
