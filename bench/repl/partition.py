#!/usr/bin/python3
"""bench/repl/partition.py — availability under partitions, convergence after heal, no lost
acknowledged writes.

Five regions through the WAN emulator (bench/repl/cluster.py). One writer session per region
commits, at PART_RATE transactions/s, `INSERT INTO pt (id, n, tags) VALUES (0, 1, ARRAY[tag])
ON CONFLICT (id) DO UPDATE SET n = pt.n + excluded.n, tags = pt.tags || excluded.tags` (row 0
shared by every region: a pn_counter increment and an aw_set add of a unique tag; an upsert,
since a plain INSERT of a key the region has is 23505) and
records every attempt: acknowledged, or failed (error or lost connection: reconnect and go on).

Scenarios, each: PART_SECONDS with the partition in place (emulator `cut` on every crossing
link, both directions), then writers stop, the links are healed and we poll helios_digest() in
all regions every 50 ms until equal (time to converge after heal). Then, on every region: the
counter equals the number of acknowledged increments (plus at most the failed ones, whose
outcome is unknown) and the set holds every acknowledged tag and nothing that was never tried.
  1. one region (sa-east-1) cut from the other four;
  2. a 2/3 split: {us-east-1, eu-west-1} | {ap-southeast-1, us-west-2, sa-east-1}.

Writes bench/out/partition.md and partition.json.
Env: PART_SECONDS (default 30; BENCH_QUICK=1: 8), PART_RATE (per region, default 50).
"""
import json
import os
import sys
import threading
import time

import psycopg2

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster as cl  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = float(os.environ.get("PART_SECONDS", "8" if QUICK else "30"))
RATE = float(os.environ.get("PART_RATE", "50"))
OUT = os.path.join(cl.ROOT, "bench", "out")


class Writer(threading.Thread):
    def __init__(self, node, scen):
        super().__init__(daemon=True)
        self.node, self.scen = node, scen
        self.stop = threading.Event()
        self.acked, self.failed = [], []  # tags
        self.err = None

    def run(self):
        conn = None
        i = 0
        period = 1.0 / RATE
        nxt = time.time()
        while not self.stop.is_set():
            tag = "%s-%s-%d" % (self.scen, self.node.name, i)
            i += 1
            try:
                if conn is None:
                    conn = self.node.connect()
                conn.cursor().execute("INSERT INTO pt (id, n, tags) VALUES (0, 1, ARRAY[%s]) "
                                      "ON CONFLICT (id) DO UPDATE SET n = pt.n + excluded.n, "
                                      "tags = pt.tags || excluded.tags", (tag,))
                self.acked.append(tag)
            except psycopg2.Error as e:
                self.failed.append(tag)
                self.err = str(e).strip()[:120]
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass
                conn = None
            nxt += period
            d = nxt - time.time()
            if d > 0:
                time.sleep(d)
            else:
                nxt = time.time()
        if conn is not None:
            conn.close()


def scenario(c, name, side_a, history):
    """Partitions side_a from the rest for SECONDS while every region writes."""
    regions = [n.name for n in c.nodes]
    side_b = [r for r in regions if r not in side_a]
    ws = [Writer(n, name) for n in c.nodes]
    for w in ws:
        w.start()
    for a in side_a:
        for b in side_b:
            c.wanem("cut %s %s" % (a, b))
    t_cut = time.time()
    time.sleep(SECONDS - 1)
    # what the regions believe just before the heal: links they still report up
    seen_up = {}
    for x in c.nodes:
        try:
            seen_up[x.name] = cl.rb.query(x, "SELECT peers_up FROM helios.node")[0][0]
        except psycopg2.Error:
            seen_up[x.name] = None
    time.sleep(1)
    for w in ws:
        w.stop.set()
    for w in ws:
        w.join()
    t_stop = time.time()
    for a in side_a:
        for b in side_b:
            c.wanem("heal %s %s" % (a, b))
    t_heal = time.time()
    # one loop for both, so neither wait delays the other's measurement
    links_up = conv = None
    n = len(c.nodes)
    while time.time() - t_heal < 180 and conv is None:
        try:
            if links_up is None and all(
                    cl.rb.query(x, "SELECT peers_up FROM helios.node")[0][0] == n - 1
                    for x in c.nodes):
                links_up = time.time() - t_heal
            if len(set(c.digests())) == 1:
                conv = time.time() - t_heal
        except psycopg2.Error:
            pass
        time.sleep(0.05)
    for w in ws:
        history["acked"] |= set(w.acked)
        history["failed"] |= set(w.failed)
    res = {"scenario": name, "side_a": side_a, "side_b": side_b,
           "partition_s": t_stop - t_cut, "converge_s": conv, "links_up_s": links_up,
           "peers_up_before_heal": seen_up,
           "regions": {w.node.name: {"attempts": len(w.acked) + len(w.failed),
                                     "acked": len(w.acked), "failed": len(w.failed),
                                     "last_error": w.err} for w in ws}}
    # exactness, on every region
    checks = {}
    for n in c.nodes:
        r = cl.rb.query(n, "SELECT n, tags FROM pt WHERE id = 0")
        val, tags = (r[0][0], set(r[0][1] or [])) if r else (0, set())
        acked, failed = history["acked"], history["failed"]
        checks[n.name] = {
            "counter": val, "acked_total": len(acked),
            "counter_exact": len(acked) <= val <= len(acked) + len(failed),
            "missing_acked_tags": len(acked - tags),
            "unknown_tags": len(tags - acked - failed)}
    res["checks"] = checks
    res["digests_equal"] = len(set(c.digests())) == 1
    return res


def main():
    os.makedirs(OUT, exist_ok=True)
    results = []
    history = {"acked": set(), "failed": set()}
    with cl.Cluster(tmp_prefix="helios-part-") as c:
        c.ddl("CREATE TABLE pt (id bigint PRIMARY KEY, n pn_counter, tags aw_set)")
        regs = [n.name for n in c.nodes]
        for name, side in (("one-region", [regs[4]]), ("two-three", regs[:2])):
            print("# partition %s: %s | rest, %.0f s" % (name, ",".join(side), SECONDS),
                  file=sys.stderr)
            results.append(scenario(c, name, side, history))
            r = results[-1]
            print("#   converge after heal: %s s" % r["converge_s"], file=sys.stderr)
    L = []
    L.append("Partitions, %s, %d cores, five regions through the WAN emulator (real delays), "
             "one writer per region at %.0f transactions/s on a row shared by all regions "
             "(pn_counter +1 and aw_set add per transaction), %.0f s per partition."
             % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), RATE,
                SECONDS))
    L.append("")
    L.append("| partition | region | side | attempts | acknowledged | success rate | "
             "counter exact | acknowledged tags missing | tags never written |")
    L.append("|---|---|---|---:|---:|---:|---|---:|---:|")
    for r in results:
        for reg, w in r["regions"].items():
            ch = r["checks"][reg]
            side = "cut off" if reg in r["side_a"] else "majority"
            if r["scenario"] == "two-three":
                side = "2-side" if reg in r["side_a"] else "3-side"
            L.append("| %s | %s | %s | %d | %d | %.2f%% | %s (%d of %d) | %d | %d |" % (
                r["scenario"], reg, side, w["attempts"], w["acked"],
                100.0 * w["acked"] / max(1, w["attempts"]),
                "yes" if ch["counter_exact"] else "NO", ch["counter"], ch["acked_total"],
                ch["missing_acked_tags"], ch["unknown_tags"]))
    L.append("")
    for r in results:
        ok = all(w["failed"] == 0 for w in r["regions"].values())
        exact = all(ch["counter_exact"] and not ch["missing_acked_tags"]
                    for ch in r["checks"].values())
        L.append("- %s: %.1f s partitioned; converged %s after heal (every link reported up "
                 "again by helios.node after %s; digests equal: %s); "
                 "write availability %s; lost acknowledged writes: %s." % (
                     r["scenario"], r["partition_s"],
                     ("in %.2f s" % r["converge_s"]) if r["converge_s"] is not None
                     else "NOT within 180 s",
                     ("%.2f s" % r["links_up_s"]) if r["links_up_s"] is not None
                     else "(not seen before convergence)", r["digests_equal"],
                     "100% (target met)" if ok else "below 100% (target missed)",
                     "none" if exact else "YES"))
    L.append("")
    for r in results:
        L.append("- %s, links each region reported up 1 s before the heal (of 4): %s." % (
            r["scenario"], ", ".join("%s %s" % kv for kv in r["peers_up_before_heal"].items())))
    L.append("")
    L.append("Convergence time = heal command to the first poll (every 50 ms, each poll asks "
             "all five regions in turn) that sees equal helios_digest() everywhere; writers "
             "had stopped at heal time. Counters/sets are checked cumulatively over both "
             "scenarios (same row).")
    text = "\n".join(L) + "\n"
    with open(os.path.join(OUT, "partition.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "partition.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
