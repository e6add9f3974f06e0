#!/usr/bin/python3
"""tests/integration/test_repl_catchup_failover.py — a region catching up by snapshot takes it
from its nearest peer, and leaves a far one that got there first.

Three daemons, every replication link through the WAN emulator (tests/tools/wanem):
us-east-1 (1) <-> ap-south-1 (3) is slow (100 ms each way, 4 KiB snapshot chunks on node 1:
a transfer of a few MiB would take minutes), every other link 1 ms. replication.log_retention_mb
= 1 everywhere. Node 3 stops; nodes 1 and 2 both write (~3 MiB each), so both logs are
truncated past what node 3 has. The eu-west-1 <-> ap-south-1 link is cut and node 3 restarts:
only the far node 1 reaches it and starts a snapshot. The link is healed: node 2 offers its
snapshot too, and node 3 must switch to it (logged) instead of declining it until the far
transfer ends; the snapshot from node 2 completes and all three converge.

Env: BINDIR (heliosdb), WANEM (default $BUILD/tools/wanem)."""
import json, os, socket, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_partition as rp  # noqa: E402  (UDP port range, emulator control)
import test_repl_catchup as rc  # noqa: E402  (config patching, logs, convergence)
from test_repl_catchup_atomic import insert_rows  # noqa: E402

WANEM = os.environ.get("WANEM") or os.path.join(os.environ.get("BUILD", "build/default"),
                                                 "tools", "wanem")


def main():
    check = rb.check
    tmp = tempfile.mkdtemp(prefix="helios-failover-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-south-1", 3)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    a, b, c = nodes
    base = rp.udp_range(len(nodes) ** 2)
    ctl = rb.free_port(socket.SOCK_DGRAM)
    wcfg = {"control": "127.0.0.1:%d" % ctl, "seed": 11,
            "defaults": {"delay_ms": 1, "jitter_ms": 0, "loss": 0, "dup": 0, "reorder": 0},
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
    rc.patch_config(a, log_retention_mb=1, anti_entropy_interval_s=0, batch_max_bytes=4096)
    rc.patch_config(b, log_retention_mb=1, anti_entropy_interval_s=0, batch_max_bytes=262144)
    rc.patch_config(c, log_retention_mb=1, anti_entropy_interval_s=0)
    wlog = open(os.path.join(tmp, "wanem.log"), "w")
    wan = subprocess.Popen([WANEM, os.path.join(tmp, "wanem.json")], stdout=subprocess.PIPE,
                           stderr=wlog, text=True)
    try:
        ready = False
        for line in wan.stdout:
            if line.strip() == "ready":
                ready = True
                break
        check("WAN emulator ready", ready)
        for x, y in (("us-east-1", "ap-south-1"), ("ap-south-1", "us-east-1")):
            rp.wanem_cmd(ctl, "set %s %s delay_ms=100" % (x, y))
        check("three daemons start behind the emulator", all(n.start() for n in nodes))
        a.connect().cursor().execute(rc.SCHEMA)
        insert_rows(a, 0, 100, 100)
        check("all converge before the outage", rb.wait_for(lambda: rc.converged(nodes), 60))

        c.stop()
        marks = [len(rc.log_text(n)) for n in nodes]
        insert_rows(a, 1000, 3000, 1000)
        insert_rows(b, 10000, 3000, 1000)
        check("nodes 1 and 2 truncate their logs past what node 3 has",
              rc.wait_log(a, "replication log truncated", 30, marks[0]) and
              rc.wait_log(b, "replication log truncated", 30, marks[1]))
        check("both have everything before node 3 returns",
              rb.wait_for(lambda: rc.converged([a, b]), 60))

        check("cut eu-west-1 <-> ap-south-1",
              rp.wanem_cmd(ctl, "cut eu-west-1 ap-south-1").startswith("ok"))
        check("node 3 restarts", c.start())
        check("the far node 1 starts sending node 3 a snapshot",
              rc.wait_log(c, "snapshot from peer 1 starting", 60, marks[2]))
        t0 = time.time()
        check("heal eu-west-1 <-> ap-south-1",
              rp.wanem_cmd(ctl, "heal eu-west-1 ap-south-1").startswith("ok"))
        switched = rc.wait_log(c, "abandoned for peer 2's offer", 60, marks[2])
        check("node 3 switches to the nearer node 2 (logged)", switched)
        done = rc.wait_log(c, "snapshot from peer 2 complete", 90, marks[2])
        t_done = time.time() - t0
        check("the snapshot from node 2 completes", done)
        text = rc.log_text(c)[marks[2]:]
        first = text.find("snapshot from peer 1 complete")
        check("before the far transfer would have",
              first < 0 or first > text.find("snapshot from peer 2 complete"))
        check("all three converge", rb.wait_for(lambda: rc.converged(nodes), 90))
        t_conv = time.time() - t0
        declined = rc.log_text(b)[marks[1]:].count("snapshot transfer to peer 3 declined")
        print("# heal -> snapshot from the near peer complete: %.1f s, -> converged: %.1f s; "
              "node 2's offers declined: %d" % (t_done, t_conv, declined))
    finally:
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
