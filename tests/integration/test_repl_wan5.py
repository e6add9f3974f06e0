#!/usr/bin/python3
"""tests/integration/test_repl_wan5.py — five regions (us-east-1, eu-west-1, ap-southeast-1,
us-west-2, sa-east-1), every replication link through the WAN emulator (tests/tools/wanem) at a
scaled-down copy of the real RTT matrix (tests/tools/rtt_ms.json `typical` x RTT_SCALE, halved each
way) with 1% loss, 1% duplication and 1% reordering on every direction.

A CREATE TABLE on one region appears on all five; writers on all five regions concurrently commit
transactions touching g_counter, pn_counter, aw_set, or_set, lww_map, mv_register and a text
(LWW) register, recording what was acknowledged. Then we poll until helios_digest() is equal
everywhere and check, on every region: counters are exactly the sum of acknowledged increments
(loss must not drop an entry, duplication must not apply one twice), every acknowledged set add
is present, every writer's map key holds that writer's last value for the row. Prints the time
from the last acknowledged write to convergence and the emulator's packet counters as TAP
comments.

Env: BINDIR (heliosdb), WANEM (default $BUILD/tools/wanem), RTT_SCALE (default 0.1),
WAN5_TXNS (transactions per writer, default 200),
WAN5_LOSS / WAN5_DUP (per-direction probabilities, default 0.01)."""
import json, os, socket, subprocess, sys, tempfile, threading, time

import psycopg2

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_partition as rp  # noqa: E402  (UDP port range, emulator control)

WANEM = os.environ.get("WANEM") or os.path.join(os.environ.get("BUILD", "build/default"),
                                                 "tools", "wanem")
RTT_FILE = os.path.join(HERE, "..", "tools", "rtt_ms.json")
RTT_SCALE = float(os.environ.get("RTT_SCALE", "0.1"))
TXNS = int(os.environ.get("WAN5_TXNS", "200"))
LOSS = float(os.environ.get("WAN5_LOSS", "0.01"))
DUP = float(os.environ.get("WAN5_DUP", "0.01"))
NROWS = 8
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "sa-east-1"]
COLS = "id, views, score, note, mv, tags, aw, attrs"


def writer(node, ident, n, acked, errors):
    """n transactions, each touching every CRDT kind on row i % NROWS; acked[] gets
    (rid, views_inc, score_inc, tag, i, ack_time) once COMMIT is answered."""
    try:
        c = node.connect()
        cur = c.cursor()
        for i in range(n):
            rid = i % NROWS
            tag = "%s-%d" % (ident, i)
            cur.execute("BEGIN")
            # an upsert: the row usually exists here already (a plain INSERT would be 23505)
            cur.execute("INSERT INTO t (id, views, score, note, mv, tags, aw, attrs) VALUES "
                        "(%s, 1, -1, %s, %s, ARRAY[%s], ARRAY[%s], %s::jsonb) "
                        "ON CONFLICT (id) DO UPDATE SET views = t.views + excluded.views, "
                        "score = t.score + excluded.score, note = excluded.note, "
                        "mv = excluded.mv, tags = t.tags || excluded.tags, "
                        "aw = t.aw || excluded.aw, attrs = t.attrs || excluded.attrs",
                        (rid, tag, tag, tag, tag, json.dumps({ident: i})))
            cur.execute("UPDATE t SET views = views + 2, score = score + 3 WHERE id = %s", (rid,))
            cur.execute("COMMIT")
            acked.append((rid, 3, 2, tag, i, time.time()))
        c.close()
    except Exception as e:  # noqa: BLE001 — reported as a failed check
        errors.append("%s: %r" % (ident, e))


def rows(node):
    return rb.query(node, "SELECT %s FROM t ORDER BY id" % COLS)


def parse_stats(text):
    tot = {}
    for line in text.strip().splitlines():
        for kv in line.split()[2:]:
            k, _, v = kv.partition("=")
            if k in ("pkts", "bytes", "lost", "dup", "reordered", "cut_drops", "overflow"):
                tot[k] = tot.get(k, 0) + int(v)
    return tot


def main():
    check = rb.check
    tmp = tempfile.mkdtemp(prefix="helios-wan5-")
    names = [(r, i + 1) for i, r in enumerate(REGIONS)]
    rb.make_certs(tmp, names)
    nodes = [rb.Node(tmp, n, i) for n, i in names]
    base = rp.udp_range(len(nodes) ** 2)
    ctl = rb.free_port(socket.SOCK_DGRAM)
    wcfg = {"rtt_file": os.path.abspath(RTT_FILE), "rtt_scale": RTT_SCALE, "seed": 5,
            "control": "127.0.0.1:%d" % ctl,
            "defaults": {"jitter_ms": 1, "loss": LOSS, "dup": DUP, "reorder": 0.01,
                         "reorder_ms": 5},
            "nodes": [{"name": n.name, "address": "127.0.0.1:%d" % n.repl_port} for n in nodes],
            "listen_base": "127.0.0.1:%d" % base}
    with open(os.path.join(tmp, "wanem.json"), "w") as f:
        json.dump(wcfg, f)
    # every peer address is the emulator's port for that directed link (base + i*N + j)
    for i, n in enumerate(nodes):
        n.write_config([p for p in nodes if p is not n])
        with open(n.cfg) as f:
            cfg = json.load(f)
        for pc in cfg["replication"]["peers"]:
            j = REGIONS.index(pc["name"])
            pc["address"] = "127.0.0.1:%d" % (base + i * len(nodes) + j)
        with open(n.cfg, "w") as f:
            json.dump(cfg, f)
    wlog = open(os.path.join(tmp, "wanem.log"), "w")
    wan = subprocess.Popen([WANEM, os.path.join(tmp, "wanem.json")], stdout=subprocess.PIPE,
                           stderr=wlog, text=True)
    t_start = time.time()
    try:
        ready = False
        for line in wan.stdout:
            if line.strip() == "ready":
                ready = True
                break
        check("WAN emulator ready (20 directed links)", ready)
        st = rp.wanem_cmd(ctl, "stats")
        delays = sorted(float(kv.split("=")[1]) for line in st.strip().splitlines()
                        for kv in line.split() if kv.startswith("delay_ms="))
        check("every link has its scaled one-way delay (%.1f..%.1f ms)"
              % (delays[0], delays[-1]) if delays else "link delays",
              len(delays) == 20 and delays[0] > 0)
        check("five daemons start behind the emulator", all(n.start() for n in nodes))

        c0 = nodes[0].connect()
        c0.cursor().execute("CREATE TABLE t (id bigint PRIMARY KEY, views g_counter, "
                            "score pn_counter, note text, mv mv_register, tags or_set, "
                            "aw aw_set, attrs lww_map)")
        c0.close()
        check("CREATE TABLE on us-east-1 appears in all five regions", rb.wait_for(
            lambda: all(rb.query(n, "SELECT count(*) FROM t")[0][0] == 0 for n in nodes[1:]),
            20))

        acked = {n.name: [] for n in nodes}
        errors = []
        t_w = time.time()
        ths = [threading.Thread(target=writer, args=(n, "w%d" % n.id, TXNS, acked[n.name],
                                                     errors)) for n in nodes]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        allacked = [x for n in nodes for x in acked[n.name]]
        check("writers saw no errors: %s" % errors[:3], not errors)
        check("every writer's %d transactions acknowledged" % TXNS,
              all(len(acked[n.name]) == TXNS for n in nodes))
        last_write = max(x[5] for x in allacked) if allacked else time.time()
        print("# %d transactions in %.1f s across five regions"
              % (len(allacked), last_write - t_w))

        conv = rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1, 40)
        t_conv = time.time()
        check("helios_digest() equal in all five regions", conv)
        if conv:
            print("# last acknowledged write -> equal digests: %.0f ms (includes polling)"
                  % ((t_conv - last_write) * 1000))
        else:
            print("# digests: %s" % rb.digests(nodes))

        allrows = {n.name: rows(n) for n in nodes}
        check("rows identical in all five regions",
              all(allrows[n.name] == allrows[nodes[0].name] for n in nodes))
        exp_views, exp_score, last_i = {}, {}, {}
        for w in nodes:
            for rid, v, s, _, i, _ in acked[w.name]:
                exp_views[rid] = exp_views.get(rid, 0) + v
                exp_score[rid] = exp_score.get(rid, 0) + s
                last_i[(rid, "w%d" % w.id)] = i
        tags_by_row = {}
        for rid, _, _, tag, _, _ in allacked:
            tags_by_row.setdefault(rid, set()).add(tag)
        for n in nodes:
            got = {r[0]: r for r in allrows[n.name]}
            check("%s: all %d rows present" % (n.name, len(exp_views)),
                  set(got) == set(exp_views))
            check("%s: g_counter equals the sum of acknowledged increments" % n.name,
                  all(rid in got and got[rid][1] == exp_views[rid] for rid in exp_views))
            check("%s: pn_counter equals the sum of acknowledged increments" % n.name,
                  all(rid in got and got[rid][2] == exp_score[rid] for rid in exp_score))
            check("%s: or_set and aw_set hold exactly the acknowledged adds" % n.name,
                  all(rid in got and set(got[rid][5]) == tags_by_row[rid]
                      and set(got[rid][6]) == tags_by_row[rid] for rid in tags_by_row))
            check("%s: lww_map has every writer's key with its last value" % n.name,
                  all(rid in got and got[rid][7].get(k) == i
                      for (rid, k), i in last_i.items()))
            check("%s: text register and mv_register hold acknowledged values" % n.name,
                  all(rid in got and got[rid][3] in tags_by_row[rid]
                      and got[rid][4] and set(got[rid][4]) <= tags_by_row[rid]
                      for rid in tags_by_row))

        stats = rp.wanem_cmd(ctl, "stats")
        tot = parse_stats(stats)
        print("# emulator totals: " + " ".join("%s=%d" % kv for kv in sorted(tot.items())))
        print("# " + "\n# ".join(stats.strip().splitlines()))
        check("the emulator really lost, duplicated and reordered datagrams",
              tot.get("lost", 0) > 0 and tot.get("dup", 0) > 0
              and tot.get("reordered", 0) > 0)
        print("# whole test %.1f s" % (time.time() - t_start))
    finally:
        for n in nodes:
            n.stop()
        rp.wanem_stop(ctl, wan)
        wlog.close()
        # Under BINDIR=build/address/bin (or undefined) a report may only show at shutdown.
        reports = []
        for n in nodes:
            try:
                with open(os.path.join(tmp, n.name + ".log"), errors="replace") as f:
                    reports += ["%s: %s" % (n.name, l.strip()) for l in f
                                if "Sanitizer" in l or "runtime error:" in l]
            except OSError:
                pass
        check("no sanitizer reports in the daemons' logs: %s" % reports[:2], not reports)
        rb.cleanup(tmp)
    return rb.tap_report()


if __name__ == "__main__":
    sys.exit(main())
