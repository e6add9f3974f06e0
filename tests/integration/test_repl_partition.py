#!/usr/bin/python3
"""tests/integration/test_repl_partition.py — convergence through relay under a partial
partition: three daemons whose every replication link crosses the WAN emulator
(tests/tools/wanem); the us-east-1 <-> ap-south-1 link is cut both ways, writes on both sides
still reach each other through eu-west-1 (which forwards entries of other origins the peer
lacks), then the link is healed and everything converges again.

Env: BINDIR (heliosdb), WANEM (default $BUILD/tools/wanem)."""
import json, os, socket, subprocess, sys, tempfile, time

import psycopg2

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)

WANEM = os.environ.get("WANEM") or os.path.join(os.environ.get("BUILD", "build/default"),
                                                 "tools", "wanem")


def udp_range(n):
    """A base port with n consecutive free UDP ports, none handed out before by
    rb.free_port (a node's replication port chosen earlier is free until the node starts: the
    emulator binding it first kept that node from starting), all marked handed out."""
    for _ in range(50):
        base = rb.free_port(socket.SOCK_DGRAM)
        if any((base + k, socket.SOCK_DGRAM) in rb._handed_out for k in range(1, n)):
            continue
        socks = []
        try:
            for k in range(n):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", base + k))
            rb._handed_out.update((base + k, socket.SOCK_DGRAM) for k in range(n))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free UDP port range")


def wanem_cmd(ctl, cmd):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(cmd.encode(), ("127.0.0.1", ctl))
        return s.recv(65536).decode()
    finally:
        s.close()


def wanem_stop(ctl, wan):
    """Asks the emulator to quit and reaps it (killed if it does not exit within 5 s)."""
    try:
        wanem_cmd(ctl, "quit")
    except OSError:
        pass
    try:
        wan.wait(5)
    except subprocess.TimeoutExpired:
        wan.kill()
        wan.wait()


def wan_cluster(tmp, names, delay_ms=1, jitter_ms=0, seed=7):
    """Nodes (rb.Node, configured, not started) whose every replication link crosses one WAN
    emulator (started, ready): (nodes, emulator process or None if it never said ready,
    its control port). Stop it with wanem_stop."""
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    base = udp_range(len(nodes) ** 2)
    ctl = rb.free_port(socket.SOCK_DGRAM)
    wcfg = {"control": "127.0.0.1:%d" % ctl, "seed": seed,
            "defaults": {"delay_ms": delay_ms, "jitter_ms": jitter_ms, "loss": 0, "dup": 0,
                         "reorder": 0},
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
    wlog = open(os.path.join(tmp, "wanem.log"), "w")
    wan = subprocess.Popen([WANEM, os.path.join(tmp, "wanem.json")], stdout=subprocess.PIPE,
                           stderr=wlog, text=True)
    for line in wan.stdout:
        if line.strip() == "ready":
            return nodes, wan, ctl
    return nodes, None, ctl


def bump(node, rid, n):
    """n upserts of row rid on node: views + 1 and the node's name added to tags each time (the
    first one inserts the row if this region does not have it yet)."""
    c = node.connect()
    for _ in range(n):
        c.cursor().execute("INSERT INTO t (id, views, tags) VALUES (%s, 1, ARRAY[%s]) "
                           "ON CONFLICT (id) DO UPDATE SET views = t.views + excluded.views, "
                           "tags = t.tags || excluded.tags", (rid, node.name))
    c.close()


def main():
    check = rb.check
    tmp = tempfile.mkdtemp(prefix="helios-part-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-south-1", 3)]
    nodes, wan, ctl = wan_cluster(tmp, names)
    try:
        check("WAN emulator ready", wan is not None)
        check("three daemons start behind the emulator", wan and all(n.start() for n in nodes))
        a, b, c = nodes
        conn = a.connect()
        conn.cursor().execute("CREATE TABLE t (id bigint PRIMARY KEY, views g_counter, "
                              "tags aw_set)")
        conn.close()
        check("table replicated to all", rb.wait_for(
            lambda: all(rb.query(n, "SELECT count(*) FROM t")[0][0] == 0 for n in (b, c)), 15))

        check("cut us-east-1 <-> ap-south-1", wanem_cmd(ctl, "cut us-east-1 ap-south-1").startswith("ok"))
        bump(a, 1, 25)
        bump(c, 1, 15)
        bump(c, 2, 5)
        want = [(1, 40, ["ap-south-1", "us-east-1"]), (2, 5, ["ap-south-1"])]
        q = "SELECT id, views, tags FROM t ORDER BY id"
        check("partitioned nodes converge through the relay (eu-west-1)",
              rb.wait_for(lambda: all(rb.query(n, q) == want for n in nodes), 30))
        stats = wanem_cmd(ctl, "stats")
        print("# " + "\n# ".join(stats.strip().splitlines()))
        check("digests equal while the link is still cut",
              len(set(rb.digests(nodes))) == 1)

        check("heal the link", wanem_cmd(ctl, "heal us-east-1 ap-south-1").startswith("ok"))
        bump(a, 3, 3)
        bump(c, 3, 4)
        check("after healing all converge",
              rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1 and
                          all(rb.query(n, "SELECT views FROM t WHERE id = 3")[0][0] == 7
                              for n in nodes), 30))
    finally:
        for n in nodes:
            n.stop()
        if wan:
            wanem_stop(ctl, wan)
        rb.cleanup(tmp)
    return rb.tap_report()


if __name__ == "__main__":
    sys.exit(main())
