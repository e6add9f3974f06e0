#!/usr/bin/python3
"""tests/faults/repro_ae_atomicity.py — minimal reproduction: anti-entropy under load made a
transaction visible half-applied in the receiving region (found by nemesis.py on 6e84a18,
fixed in 36a4bd2; kept as a regression check).

Two regions, us-east-1 <-> eu-west-1 through the WAN emulator (40 ms one way, no loss), periodic
anti-entropy off. A writer in each region commits transactions BEGIN; INSERT ta(k); INSERT tb(k);
COMMIT. A reader on eu-west-1 loops over SELECT ta -> SELECT tb -> SELECT ta; rows only appear,
so every k of the first ta read must be in tb and every k of tb in the second ta read.
Each phase cuts the link for its first 3 s (a backlog of entries), then heals it.
Phase 1 (control): no anti-entropy: expected 0 half-applied reads.
Phase 2: SIGUSR1 (anti-entropy now) to both daemons every 0.3 s after the heal: any
half-applied read is the bug (anti-entropy ships row states one by one, so rows of a transaction still in flight in the
log arrive separately).

Usage: tests/faults/repro_ae_atomicity.py [--bindir DIR] [--seconds S]; exit 1 if phase 2 (or
the control) saw a half-applied transaction."""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time

import psycopg2

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import test_repl_basic as rb  # noqa: E402
import test_repl_partition as rp  # noqa: E402


CTL = []


def phase(a, b, tbl, seconds, signal_nodes):
    """Returns (transactions committed, reads, half-applied reads with an example)."""
    ta, tb = "ta_" + tbl, "tb_" + tbl
    c = a.connect()
    c.cursor().execute("CREATE TABLE %s (id bigint PRIMARY KEY, tok text)" % ta)
    c.cursor().execute("CREATE TABLE %s (id bigint PRIMARY KEY, tok text)" % tb)
    c.close()
    rb.wait_for(lambda: rb.query(b, "SELECT count(*) FROM helios.tables WHERE name = %s",
                                 (tb,))[0][0] == 1, 20)
    stop = threading.Event()
    res = {"txns": 0, "reads": 0, "bad": 0, "example": None}

    def writer(node, base):
        cur = node.connect().cursor()
        k = base
        while not stop.is_set():
            k += 1
            cur.execute("BEGIN")
            cur.execute("INSERT INTO %s VALUES (%%s, 'x')" % ta, (k,))
            cur.execute("INSERT INTO %s VALUES (%%s, 'x')" % tb, (k,))
            cur.execute("COMMIT")
            res["txns"] += 1

    def reader():
        cur = b.connect().cursor()
        while not stop.is_set():
            cur.execute("SELECT id FROM %s" % ta)
            a1 = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT id FROM %s" % tb)
            bb = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT id FROM %s" % ta)
            a2 = {r[0] for r in cur.fetchall()}
            res["reads"] += 1
            if not (a1 <= bb <= a2):
                res["bad"] += 1
                if res["example"] is None:
                    res["example"] = "ta-only %s, tb-only %s" % (sorted(a1 - bb)[:3],
                                                                 sorted(bb - a2)[:3])
    ths = [threading.Thread(target=writer, args=(a, 0)),
           threading.Thread(target=writer, args=(b, 10 ** 9)), threading.Thread(target=reader)]
    for t in ths:
        t.start()
    # a backlog: the link is cut for the first 3 s, so at heal time thousands of entries are
    # still to be shipped when anti-entropy compares digests
    rp.wanem_cmd(CTL[0], "cut us-east-1 eu-west-1")
    time.sleep(3)
    rp.wanem_cmd(CTL[0], "heal us-east-1 eu-west-1")
    t_end = time.time() + seconds
    while time.time() < t_end:
        for n in signal_nodes:
            n.proc.send_signal(signal.SIGUSR1)
        time.sleep(0.3)
    stop.set()
    for t in ths:
        t.join()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", default=os.environ.get("BINDIR", os.path.join(ROOT, "bin")))
    ap.add_argument("--wanem", default=os.path.join(ROOT, "build", "default", "tools", "wanem"))
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    rb.BINDIR = args.bindir
    tmp = tempfile.mkdtemp(prefix="helios-repro-ae-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    base = rp.udp_range(4)
    ctl = rb.free_port(socket.SOCK_DGRAM)
    CTL.append(ctl)
    with open(os.path.join(tmp, "wanem.json"), "w") as f:
        json.dump({"control": "127.0.0.1:%d" % ctl, "seed": 1,
                   "defaults": {"delay_ms": 40, "jitter_ms": 0, "loss": 0, "dup": 0,
                                "reorder": 0},
                   "nodes": [{"name": n.name, "address": "127.0.0.1:%d" % n.repl_port}
                             for n in nodes],
                   "listen_base": "127.0.0.1:%d" % base}, f)
    for i, n in enumerate(nodes):
        n.write_config([p for p in nodes if p is not n])
        with open(n.cfg) as f:
            cfg = json.load(f)
        for pc in cfg["replication"]["peers"]:
            pc["address"] = "127.0.0.1:%d" % (base + i * 2 + [x[0] for x in names].index(
                pc["name"]))
        cfg["replication"]["anti_entropy_interval_s"] = 0
        with open(n.cfg, "w") as f:
            json.dump(cfg, f)
    wan = subprocess.Popen([args.wanem, os.path.join(tmp, "wanem.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    rc = 1
    try:
        for line in wan.stdout:
            if line.strip() == "ready":
                break
        if not all(n.start() for n in nodes):
            print("daemons did not start (logs in %s)" % tmp)
            return 1
        a, b = nodes
        ctrl = phase(a, b, "ctrl", args.seconds, [])
        print("control (no anti-entropy): %d txns, %d reads on eu-west-1, %d half-applied %s"
              % (ctrl["txns"], ctrl["reads"], ctrl["bad"], ctrl["example"] or ""))
        ae = phase(a, b, "ae", args.seconds, nodes)
        print("SIGUSR1 every 0.3 s:       %d txns, %d reads on eu-west-1, %d half-applied %s"
              % (ae["txns"], ae["reads"], ae["bad"], ae["example"] or ""))
        rc = 1 if ctrl["bad"] or ae["bad"] else 0
        print("REPRODUCED: anti-entropy exposes half-applied transactions" if ae["bad"] and
              not ctrl["bad"] else "not reproduced" if rc == 0 else "half-applied reads")
    finally:
        for n in nodes:
            n.stop()
        try:
            rp.wanem_cmd(ctl, "quit")
            wan.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            wan.kill()
        if os.environ.get("KEEP_TMP"):
            print("# kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
