#!/usr/bin/python3
"""bench/repl/conflicts.py — concurrent assigns to the same keys from every region.

Five regions through the WAN emulator (bench/repl/cluster.py). One writer session per region
assigns, at CF_RATE statements/s for CF_SECONDS, `INSERT INTO cf (id, v, mv) VALUES (k, x, x)
ON CONFLICT (id) DO UPDATE SET v = excluded.v, mv = excluded.mv` (an upsert: the first write of a
key in a region inserts it, later ones assign) with k drawn from CF_KEYS keys and x unique
('<region>-<i>'): v is a text column (an LWW register), mv an mv_register. With real
inter-region delays (35–161 ms one way) many assigns on one key are concurrent with another
region's.

After the writers stop and helios_digest() is equal everywhere we read, in every region:
helios.conflicts (per-table count of merges that found concurrent writes), the Prometheus
counter heliosdb_conflicts_total (registers or map keys a merge left holding concurrent writes),
and every row. The conflict rate is conflicts / assigns (all regions' assigns reach every
region). "Resolved identically" = every region holds the same v and the same mv value set for
every key, every v is a value some region assigned, and the digests are equal.

Writes bench/out/conflicts.md and conflicts.json.
Env: CF_SECONDS (default 20; BENCH_QUICK=1: 6), CF_RATE (per region, default 40), CF_KEYS (20).
"""
import json
import os
import random
import sys
import threading
import time
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster as cl  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = float(os.environ.get("CF_SECONDS", "6" if QUICK else "20"))
RATE = float(os.environ.get("CF_RATE", "40"))
KEYS = int(os.environ.get("CF_KEYS", "20"))
SPREAD_KEYS = 10000
OUT = os.path.join(cl.ROOT, "bench", "out")


def metric(node, name):
    with open(node.cfg) as f:
        addr = json.load(f)["metrics"]["listen"]
    body = urllib.request.urlopen("http://%s/metrics" % addr, timeout=5).read().decode()
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


def writer(node, stop, out, errors, table, nkeys):
    rnd = random.Random(node.id)
    try:
        c = node.connect()
        cur = c.cursor()
        i = 0
        nxt = time.time()
        while not stop.is_set():
            k = rnd.randrange(nkeys)
            x = "%s-%d" % (node.name, i)
            i += 1
            cur.execute("INSERT INTO " + table + " (id, v, mv) VALUES (%s, %s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET v = excluded.v, mv = excluded.mv",
                        (k, x, x))
            out.append((k, x))
            nxt += 1.0 / RATE
            d = nxt - time.time()
            if d > 0:
                time.sleep(d)
        c.close()
    except Exception as e:  # noqa: BLE001 — reported
        errors.append("%s: %r" % (node.name, e))


def scenario(c, table, nkeys):
    c.ddl("CREATE TABLE %s (id bigint PRIMARY KEY, v text, mv mv_register)" % table)
    before = {n.name: metric(n, "heliosdb_conflicts_total") or 0 for n in c.nodes}
    stop = threading.Event()
    outs = {n.name: [] for n in c.nodes}
    errors = []
    ths = [threading.Thread(target=writer, args=(n, stop, outs[n.name], errors, table, nkeys))
           for n in c.nodes]
    t0 = time.time()
    for t in ths:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in ths:
        t.join()
    el = time.time() - t0
    conv = c.wait_converged(120)
    total = sum(len(v) for v in outs.values())
    assigned = {x for v in outs.values() for _, x in v}
    per = {}
    rows = {}
    for n in c.nodes:
        hc = cl.rb.query(n, "SELECT conflicts FROM helios.conflicts WHERE table_name = %s",
                         (table,))
        m = metric(n, "heliosdb_conflicts_total")
        per[n.name] = {"helios_conflicts": hc[0][0] if hc else 0,
                       "metric": (m or 0) - before[n.name]}
        rows[n.name] = cl.rb.query(n, "SELECT id, v, mv FROM %s ORDER BY id" % table)
    ref = rows[c.nodes[0].name]
    same = all([(r[0], r[1], sorted(r[2] or [])) for r in rows[x]] ==
               [(r[0], r[1], sorted(r[2] or [])) for r in ref] for x in rows)
    valid = all(r[1] in assigned and set(r[2] or []) <= assigned for r in ref)
    multi = sum(1 for r in ref if r[2] and len(r[2]) > 1)
    digests_equal = len(set(c.digests())) == 1
    return {"table": table, "seconds": el, "rate_per_region": RATE, "keys": nkeys,
            "keys_written": len(ref), "assigns": total, "converge_s": conv, "errors": errors,
            "per_region": per, "identical": same, "values_valid": valid,
            "digests_equal": digests_equal, "keys_with_concurrent_mv_values": multi}


def main():
    os.makedirs(OUT, exist_ok=True)
    with cl.Cluster(tmp_prefix="helios-cf-") as c:
        results = [scenario(c, "cf_hot", KEYS), scenario(c, "cf_spread", SPREAD_KEYS)]
    L = []
    L.append("Conflicts, %s, %d cores, five regions through the WAN emulator (real delays): "
             "one session per region assigning random keys at %.0f/s for %.0f s; `hot` = %d "
             "keys, `spread` = %d keys." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                           os.cpu_count(), RATE, SECONDS, KEYS, SPREAD_KEYS))
    L.append("")
    L.append("| keys | region | assigns (all regions) | helios.conflicts | "
             "heliosdb_conflicts_total (during the run) | conflict rate |")
    L.append("|---|---|---:|---:|---:|---:|")
    for r in results:
        for name, p in r["per_region"].items():
            L.append("| %d | %s | %d | %d | %.0f | %.2f%% |" % (
                r["keys"], name, r["assigns"], p["helios_conflicts"], p["metric"],
                100.0 * p["helios_conflicts"] / max(1, r["assigns"])))
    L.append("")
    for r in results:
        L.append("- %d keys (%d written; errors: %s): converged %s after the writers stopped, "
                 "helios_digest equal: %s; every region resolved every key identically (same "
                 "LWW value, same mv_register value set): %s; every surviving value was really "
                 "assigned: %s; keys whose mv_register kept concurrent values: %d." % (
                     r["keys"], r["keys_written"], r["errors"][:2] or "none",
                     ("in %.2f s" % r["converge_s"]) if r["converge_s"] is not None
                     else "NOT within 120 s", r["digests_equal"],
                     "yes" if r["identical"] else "NO", "yes" if r["values_valid"] else "NO",
                     r["keys_with_concurrent_mv_values"]))
    L.append("")
    L.append("Conflict rate = the region's helios.conflicts count for the table / all assigns "
             "(every assign reaches every region). Each region counts the merges it did itself, "
             "so the counts differ by region while the outcome must not.")
    text = "\n".join(L) + "\n"
    with open(os.path.join(OUT, "conflicts.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "conflicts.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
