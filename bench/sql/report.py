#!/usr/bin/python3
"""Helpers for bench/sql/run.sh.

  report.py latency DIR          p50 and p99 (ms) over every pgbench -l log file in DIR
  report.py latency3 DIR         p50, p99 and p99.9 (ms) and the count (tpcb.sh's open loop:
                                 with -R, pgbench logs the latency from the scheduled start)
  report.py table RESULTS SECS   Markdown table (with PostgreSQL/HeliosDB ratios) from the
                                 tab-separated cells run.sh collected, then the issue's targets
                                 marked met or missed; nothing is adjusted to meet them.

Latencies come from pgbench's per-transaction log (field 3 is the transaction's latency in
microseconds), not from its average, because the targets are about the tail.
"""
import glob
import os
import sys


def percentile(sorted_vals, q):
    # nearest-rank: the smallest value with at least q of the samples at or below it
    if not sorted_vals:
        return float("nan")
    rank = max(1, -(-int(q * 1000) * len(sorted_vals) // 1000))
    return sorted_vals[min(rank, len(sorted_vals)) - 1]


def latency(d, three=False):
    vals = []
    for path in glob.glob(os.path.join(d, "log*")):
        with open(path) as f:
            for line in f:
                parts = line.split()
                # failed transactions log "failed"/"skipped" instead of a latency
                if len(parts) >= 3 and parts[2].isdigit():
                    vals.append(int(parts[2]))
    vals.sort()
    p50 = percentile(vals, 0.50) / 1000.0
    p99 = percentile(vals, 0.99) / 1000.0
    if three:
        p999 = percentile(vals, 0.999) / 1000.0
        print(f"{p50:.3f} {p99:.3f} {p999:.3f} {len(vals)}")
    else:
        print(f"{p50:.3f} {p99:.3f} {len(vals)}")


SCRIPTS = {"counter": "counter increment", "set_add": "set add",
           "register": "register assign", "read": "point read"}


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def table(results, secs):
    cells = {}
    order = []
    with open(results) as f:
        for line in f:
            script, mode, clients, server, tps, p50, p99, err = line.rstrip("\n").split("\t")
            key = (script, mode, int(clients))
            if key not in cells:
                order.append(key)
                cells[key] = {}
            cells[key][server] = (float(tps), float(p50), float(p99), err)
    out = []
    out.append(f"{secs} s per cell; ratio = HeliosDB / PostgreSQL (TPS: higher is better for "
               "HeliosDB; p99: lower is better for HeliosDB).")
    out.append("")
    out.append("| script | mode | clients | PG tps | Helios tps | tps ratio | PG p50 ms | Helios p50 ms "
               "| PG p99 ms | Helios p99 ms | p99 ratio |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    misses = []
    checked = 0
    for key in order:
        script, mode, clients = key
        pg = cells[key].get("pg", (0, 0, 0, "missing"))
        he = cells[key].get("helios", (0, 0, 0, "missing"))
        note = ""
        if pg[3] or he[3]:
            note = " (" + "; ".join(x for x in (("PG: " + pg[3]) if pg[3] else "",
                                                ("Helios: " + he[3]) if he[3] else "") if x) + ")"
        out.append(f"| {SCRIPTS.get(script, script)}{note} | {mode} | {clients} | {pg[0]:,.0f} | "
                   f"{he[0]:,.0f} | {ratio(he[0], pg[0])} | {pg[1]:.3f} | {he[1]:.3f} | "
                   f"{pg[2]:.3f} | {he[2]:.3f} | {ratio(he[2], pg[2])} |")
        # issue 19's goals: writes >= 1.5x at 8 and 32 clients and >= 1.0x at 1, write p99
        # <= PostgreSQL's at each; point reads >= 1.5x at 8 and 32 clients
        write = script != "read"
        if write:
            want = 1.5 if clients >= 8 else 1.0
            checked += 1
            if not (pg[0] and he[0] >= want * pg[0]):
                misses.append(f"{script}/{mode}/{clients}: tps {ratio(he[0], pg[0])} < {want}x")
            checked += 1
            if he[0] == 0 or he[2] > pg[2]:
                misses.append(f"{script}/{mode}/{clients}: p99 {he[2]:.3f} ms > PG {pg[2]:.3f} ms")
        elif clients >= 8:
            checked += 1
            if not (pg[0] and he[0] >= 1.5 * pg[0]):
                misses.append(f"{script}/{mode}/{clients}: read tps {ratio(he[0], pg[0])} < 1.5x")
    out.append("")
    out.append("Targets (writes >= 1.5x PG tps at 8 and 32 clients and >= 1.0x at 1, write p99 <= "
               f"PG, point reads >= 1.5x at 8 and 32): {checked - len(misses)} of {checked} checks "
               "met.")
    for m in misses:
        out.append(f"- missed: {m}")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "latency":
        latency(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "latency3":
        latency(sys.argv[2], True)
    elif len(sys.argv) == 4 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
