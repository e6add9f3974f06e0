#!/usr/bin/python3
"""bench/repl/bandwidth.py — bytes on the wire per replicated operation, against full state.

Five regions through the WAN emulator (bench/repl/cluster.py). One table, one row per kind:
a pn_counter, an aw_set preloaded with 1,000 elements, an lww_map preloaded with 100 keys.
From us-east-1, one session runs N operations per kind — counter `n = n + 1`, set: add one new
element, map: put one existing key (both upserts on the row's key, `INSERT ... ON CONFLICT (id)
DO UPDATE SET s = bw.s || excluded.s` / `m = bw.m || excluded.m`: a plain INSERT of an existing
key is 23505) — then waits until helios_digest() is equal in all five regions. The bytes are the
emulator's counters (UDP payload: QUIC headers, TLS, framing, acknowledgements, both directions,
all 20 directed links) over that interval, minus the idle rate measured over a quiet interval before
(keep-alives, probes), divided by N: what one operation costs the whole mesh (it travels to four
peers), and per receiving region (÷4).

Two pacings: `paced` (one operation every 20 ms: nearly every operation in its own batch, the
worst case) and `burst` (back to back on one session: the replication layer batches).

Full state: length of helios_crdt_state(column) as text (the server's JSON description, the only
size the server exposes) and, more conservatively, the binary encoding size of the same shape
measured by bench/crdt/bench_crdt (1,000-element aw_set, 100-key lww_map, 5-region pn_counter;
taken from bench/out/bench_crdt.md when present). Reduction = 1 - per-peer bytes / full state.

Writes bench/out/bandwidth.md and bench/out/bandwidth.json.
Env: BENCH_QUICK=1 (fewer operations), BW_OPS (burst ops, default 500), BW_PACED_OPS (100).
"""
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster as cl  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
OPS = int(os.environ.get("BW_OPS", "200" if QUICK else "500"))
PACED = int(os.environ.get("BW_PACED_OPS", "50" if QUICK else "100"))
IDLE_S = 3 if QUICK else 6
OUT = os.path.join(cl.ROOT, "bench", "out")


def totals(c, origin=None):
    """(bytes, datagrams) on all links, or with origin: bytes on links between two other
    regions (what relaying/forwarding costs: a direct fan-out would leave them idle)."""
    st = c.stats()
    if origin is not None:
        return sum(v["bytes"] for k, v in st.items() if origin not in k)
    return sum(v["bytes"] for v in st.values()), sum(v["pkts"] for v in st.values())


def binary_sizes():
    """Full-state encoding sizes from the CRDT micro-benchmark's table, if it ran."""
    out = {}
    try:
        with open(os.path.join(OUT, "bench_crdt.md")) as f:
            for line in f:
                p = [x.strip() for x in line.strip().strip("|").split("|")]
                if len(p) >= 6 and p[0] in ("pn_counter", "aw_set", "lww_map"):
                    out[p[0]] = int(re.sub(r"[^0-9]", "", p[4]))
    except (OSError, ValueError):
        pass
    return out


def op_sql(kind, i):
    if kind == "counter":
        return "UPDATE bw SET n = n + 1 WHERE id = 1", None
    if kind == "set":
        return ("INSERT INTO bw (id, s) VALUES (2, ARRAY[%s]) "
                "ON CONFLICT (id) DO UPDATE SET s = bw.s || excluded.s",
                ("new-element-%06d" % i,))
    return ("INSERT INTO bw (id, m) VALUES (3, %s::jsonb) "
            "ON CONFLICT (id) DO UPDATE SET m = bw.m || excluded.m",
            (json.dumps({"key%03d" % (i % 100): i}),))


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    with cl.Cluster(tmp_prefix="helios-bw-") as c:
        c.ddl("CREATE TABLE bw (id bigint PRIMARY KEY, n pn_counter, s aw_set, m lww_map)")
        conn = c.nodes[0].connect()
        cur = conn.cursor()
        cur.execute("INSERT INTO bw (id, n) VALUES (1, 0)")
        cur.execute("INSERT INTO bw (id, s) VALUES (2, %s)",
                    (["element-%06d" % k for k in range(1000)],))
        cur.execute("INSERT INTO bw (id, m) VALUES (3, %s::jsonb)",
                    (json.dumps({"key%03d" % k: k for k in range(100)}),))
        if c.wait_converged(60) is None:
            raise RuntimeError("no convergence after the preload")
        origin = c.nodes[0].name
        b0, p0 = totals(c)
        o0 = totals(c, origin)
        t0 = time.time()
        time.sleep(IDLE_S)
        b1, p1 = totals(c)
        o1 = totals(c, origin)
        idle_s = time.time() - t0
        idle_bps, idle_pps = (b1 - b0) / idle_s, (p1 - p0) / idle_s
        idle_obps = (o1 - o0) / idle_s
        print("# idle: %.0f bytes/s, %.1f datagrams/s over %.1f s (all 20 links)"
              % (idle_bps, idle_pps, idle_s), file=sys.stderr)
        for pacing, n in (("paced", PACED), ("burst", OPS)):
            for kind in ("counter", "set", "map"):
                b0, p0 = totals(c)
                o0 = totals(c, origin)
                t0 = time.time()
                for i in range(n):
                    sql, args = op_sql(kind, i + (0 if pacing == "paced" else 100000))
                    cur.execute(sql, args)
                    if pacing == "paced":
                        time.sleep(0.02)
                conv = c.wait_converged(60)
                el = time.time() - t0
                b1, p1 = totals(c)
                o1 = totals(c, origin)
                net = (b1 - b0) - idle_bps * el
                onet = (o1 - o0) - idle_obps * el
                rows.append({"kind": kind, "pacing": pacing, "ops": n, "seconds": el,
                             "converged": conv is not None, "raw_bytes": b1 - b0,
                             "idle_bytes": idle_bps * el, "bytes_per_op": net / n,
                             "bytes_per_op_per_peer": net / n / (len(c.nodes) - 1),
                             "pkts_per_op": ((p1 - p0) - idle_pps * el) / n,
                             "bytes_per_op_between_others": onet / n})
                print("# %s %s: %.0f bytes/op" % (pacing, kind, net / n), file=sys.stderr)
        cur.execute("SELECT id, length(helios_crdt_state(n)::text), "
                    "length(helios_crdt_state(s)::text), length(helios_crdt_state(m)::text), "
                    "cardinality(s) FROM bw ORDER BY id")
        st = {r[0]: r for r in cur.fetchall()}
        conn.close()
    json_size = {"counter": st[1][1], "set": st[2][2], "map": st[3][3]}
    set_card = st[2][4]
    bins = binary_sizes()
    bin_size = {"counter": bins.get("pn_counter"), "set": bins.get("aw_set"),
                "map": bins.get("lww_map")}
    L = []
    L.append("Bandwidth per replicated operation, %s, %d cores, five regions through the WAN "
             "emulator (real delays, no loss), operations from us-east-1, one session."
             % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count()))
    L.append("Idle keep-alive traffic measured over %.0f s before the workloads: %.0f bytes/s "
             "(%.1f datagrams/s) on all 20 links, subtracted from every figure." %
             (idle_s, idle_bps, idle_pps))
    L.append("")
    L.append("| kind | pacing | ops | bytes/op (mesh) | bytes/op per peer | datagrams/op "
             "| of which between non-origin regions | full state JSON bytes "
             "| full state binary bytes | reduction vs binary | target ≥ 95% |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        k = r["kind"]
        js, bs = json_size[k], bin_size[k]
        base = bs or js
        red = 1 - r["bytes_per_op_per_peer"] / base if base else float("nan")
        r["reduction"] = red
        tgt = "n/a (counter)" if k == "counter" else ("met" if red >= 0.95 else "missed")
        if not r["converged"]:
            tgt += " (did not converge)"
        L.append("| %s | %s | %d | %.0f | %.0f | %.2f | %.0f | %s | %s | %.1f%% | %s |" % (
            {"counter": "pn_counter +1", "set": "aw_set add (1,000 → %d elements)" % set_card,
             "map": "lww_map put (100 keys)"}[k], r["pacing"], r["ops"], r["bytes_per_op"],
            r["bytes_per_op_per_peer"], r["pkts_per_op"], r["bytes_per_op_between_others"],
            js, bs if bs else "n/a",
            100 * red, tgt))
    L.append("")
    L.append("Full state JSON = length of helios_crdt_state(col)::text at the end (set grown by "
             "the adds); binary = encoded size of the same shape from bench_crdt (%s). Reduction "
             "uses the binary size when known (the smaller, so the conservative baseline)."
             % ("bench/out/bench_crdt.md" if bins else "not available: JSON used"))
    text = "\n".join(L) + "\n"
    with open(os.path.join(OUT, "bandwidth.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "bandwidth.json"), "w") as f:
        json.dump({"idle_bytes_per_s": idle_bps, "rows": rows, "json_size": json_size,
                   "binary_size": bin_size}, f, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
