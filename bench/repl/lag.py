#!/usr/bin/python3
"""bench/repl/lag.py — cross-region replication lag under real WAN delays.

Five regions on this machine (bench/repl/cluster.py: every link through tests/tools/wanem at half
the `typical` RTT each way, jitter +-1 ms, no loss). For each total rate (default 100, 1000,
5000, 20000 writes/s, spread evenly over the five regions; 100 is a light-load baseline) one
pgbench per region runs `-R rate/5` for LAG_SECONDS; every write is
`UPDATE prog SET n = n + 1 WHERE id = <region>*100 + <client>` on a g_counter row that only this
pgbench client writes, so once the row shows n >= k in a region, that client's first k writes
are visible there. The origin time of write k is the completion time of that client's k-th
transaction in pgbench's per-transaction log (-l; same clock as the observers since everything
runs on this machine), i.e. when the commit was acknowledged.

One writer per row on purpose: each client needs an exact progress marker of its own (and
concurrent `n = n + 1` on one row lost increments until 405b153; see bench/README.md).

Observers: one process per region polls `SELECT id, n FROM prog` every LAG_POLL_MS; when it sees
a row grow from a to b, writes a+1..b became visible between the previous poll's send time and
this poll's answer. The lag reported is the upper bound (this poll's answer time − commit ack);
the lower bound (previous poll's send time − ack) is reported beside it for all pairs, and the
measured windows (mean, p99) too: on a loaded 2-core machine the observers are starved of CPU
and the window, not the network, can dominate.
No applied-at timestamp exists on the server side (nothing in helios.* or the metrics gives the
time an entry was applied), hence polling.

Reported per ordered pair (origin -> observer): p50/p99 lag, p50/p99 of lag minus the link's
one-way delay (the emulator's configured delay for that direction), the rate actually achieved
(pgbench's acknowledged writes / seconds: never the target), and the p50/p99 over all pairs of the
first vs the last 10 s of the run (growth). Writes bench/out/lag.md, bench/out/lag.json and CDF
data for bench/repl/plots.sh.

Usage: bench/repl/lag.py [RATE ...]
Env: LAG_SECONDS (default 60), LAG_POLL_MS (default 5), BENCH_QUICK=1 (10 s, rates 1000 5000),
BINDIR, WANEM, RTT_SCALE (default 1.0).
"""
import glob
import json
import math
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster as cl  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = int(os.environ.get("LAG_SECONDS", "10" if QUICK else "60"))
POLL_MS = float(os.environ.get("LAG_POLL_MS", "5"))
OUT = os.path.join(cl.ROOT, "bench", "out")
MAXC = 16  # clients per region at most; row id = region * 100 + client
SCRIPT = "UPDATE prog SET n = n + 1 WHERE id = :rid * 100 + :client_id\n"


def observer(port, me, stop, q):
    """Polls the progress rows; sends back [(t_window_start, t_seen, {id: n})] on change."""
    import psycopg2
    try:
        os.nice(-10)  # measurement, not load: keep the polling window short (needs root)
    except OSError:
        pass
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    c.autocommit = True
    cur = c.cursor()
    last = {}
    seen = []
    windows = []
    prev_send = time.time()
    period = POLL_MS / 1000.0
    while not stop.is_set():
        t_send = time.time()
        cur.execute("SELECT id, n FROM prog")
        vals = {r[0]: r[1] for r in cur.fetchall() if r[0] // 100 != me}
        t_recv = time.time()
        windows.append(t_recv - prev_send)
        if vals != last:
            seen.append((prev_send, t_recv, vals))
            last = vals
        prev_send = t_send
        nap = period - (time.time() - t_send)
        if nap > 0:
            time.sleep(nap)
    c.close()
    windows.sort()
    q.put((me, seen, sum(windows) / max(1, len(windows)), cl.percentile(windows, 0.99)))


def proc_cpu(pid):
    """User + system CPU seconds of a live process (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            f_ = f.read().rsplit(")", 1)[1].split()
        return (int(f_[11]) + int(f_[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_busy():
    """Busy CPU seconds of the whole machine so far (all cores, /proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def pgbench_cmd(node, rid, rate, clients, secs, logdir):
    return (["pgbench", "-n", "-h", "127.0.0.1", "-p", str(node.sql_port), "-U", "postgres",
             "-M", "prepared", "-c", str(clients), "-j", "1", "-T", str(secs),
             "-R", "%.1f" % rate, "-D", "rid=%d" % rid, "-l",
             "--log-prefix=%s/log%d" % (logdir, rid),
             "-f", os.path.join(logdir, "w.sql"), "postgres"])


def ack_times(logdir, rid):
    """{row id: completion times of its writes in order} for region rid's pgbench clients."""
    ts = {}
    for path in glob.glob(os.path.join(logdir, "log%d.*" % rid)):
        with open(path) as f:
            for line in f:
                p = line.split()
                # client tx latency script epoch usec [lag]; failed/skipped have no latency
                if len(p) >= 6 and p[2].isdigit():
                    ts.setdefault(rid * 100 + int(p[0]), []).append(int(p[4]) + int(p[5]) / 1e6)
    for v in ts.values():
        v.sort()
    return ts


def cdf_points(vals, n=200):
    if not vals:
        return []
    return [(vals[min(len(vals) - 1, int(i * (len(vals) - 1) / n))], i / n) for i in range(n + 1)]


def run_rate(c, rate):
    nodes = c.nodes
    k = len(nodes)
    per = rate / k
    clients = min(MAXC, max(2, math.ceil(per / 200)))
    logdir = tempfile.mkdtemp(dir=c.tmp, prefix="lag%d-" % rate)
    with open(os.path.join(logdir, "w.sql"), "w") as f:
        f.write(SCRIPT)
    base = {r[0]: r[1] for r in cl.rb.query(nodes[0], "SELECT id, n FROM prog")}
    stop = mp.Event()
    q = mp.Queue()
    obs = [mp.Process(target=observer, args=(n.sql_port, n.id, stop, q)) for n in nodes]
    for p in obs:
        p.start()
    time.sleep(0.5)
    cpu0 = ([proc_cpu(n.proc.pid) for n in nodes], proc_cpu(c.wan.pid), machine_busy())
    t0 = time.time()
    gens = [subprocess.Popen(pgbench_cmd(n, n.id, per, clients, SECONDS, logdir),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for n in nodes]
    outs = [g.communicate()[0] for g in gens]
    t_end = time.time()
    cpu1 = ([proc_cpu(n.proc.pid) for n in nodes], proc_cpu(c.wan.pid), machine_busy())
    cpu = {"heliosdb_cores": (sum(cpu1[0]) - sum(cpu0[0])) / (t_end - t0),
           "wanem_cores": (cpu1[1] - cpu0[1]) / (t_end - t0),
           "machine_busy_cores": (cpu1[2] - cpu0[2]) / (t_end - t0)}
    acks = {}
    for n in nodes:
        acks.update(ack_times(logdir, n.id))
    # wait (bounded) until every region shows every acknowledged write, then stop observing
    want = {row: base.get(row, 0) + len(a) for row, a in acks.items()}
    settled = cl.rb.wait_for(lambda: all(
        all(r[1] >= want.get(r[0], 0) for r in cl.rb.query(x, "SELECT id, n FROM prog"))
        for x in nodes), 60)
    t_settled = time.time()
    stop.set()
    res = {}
    for _ in obs:
        me, seen, mean_win, p99_win = q.get()
        res[me] = (seen, mean_win, p99_win)
    for p in obs:
        p.join()
    byid = {n.id: n.name for n in nodes}
    oneway = c.one_way_ms()
    pairs = {}
    allex = []
    first, last = [], []
    lo_ex = []
    edge = min(10.0, SECONDS / 3.0)  # first/last window for the growth check
    missing = 0
    for r_id, (seen, _, _) in res.items():
        prev = {row: base.get(row, 0) for row in acks if row // 100 != r_id}
        for (w0, w1, vals) in seen:
            for row, n in vals.items():
                a = acks.get(row)
                if not a or n <= prev[row]:
                    continue
                o = row // 100
                ow = oneway[(byid[o], byid[r_id])]
                lst = pairs.setdefault((byid[o], byid[r_id]), [])
                for kk in range(prev[row], n):
                    i = kk - base.get(row, 0)
                    if i < 0 or i >= len(a):
                        continue
                    lag = (w1 - a[i]) * 1000
                    lst.append((lag, lag - ow))
                    allex.append(lag - ow)
                    lo_ex.append((w0 - a[i]) * 1000 - ow)
                    if a[i] - t0 < edge:
                        first.append(lag - ow)
                    elif a[i] > t0 + SECONDS - edge:
                        last.append(lag - ow)
                prev[row] = n
        for row in prev:
            missing += max(0, want[row] - prev[row])
    achieved = sum(len(v) for v in acks.values()) / SECONDS
    out = {"rate_target": rate, "rate_achieved": achieved, "seconds": SECONDS, "cpu": cpu,
           "clients_per_region": clients, "poll_ms": POLL_MS,
           "poll_window_mean_ms": 1000 * sum(v[1] for v in res.values()) / len(res),
           "poll_window_p99_ms": 1000 * max(v[2] for v in res.values()),
           "settled": settled, "settle_s": t_settled - t_end, "unseen_writes": missing,
           "pgbench_failed": [n.name for n, o in zip(nodes, outs) if "tps =" not in o],
           "pairs": {}, "per_region_acked": {byid[n.id]: sum(len(a) for row, a in acks.items()
                                                   if row // 100 == n.id) for n in nodes}}
    for (o, r), v in sorted(pairs.items()):
        lags = sorted(x[0] for x in v)
        ex = sorted(x[1] for x in v)
        out["pairs"]["%s>%s" % (o, r)] = {
            "n": len(v), "one_way_ms": oneway[(o, r)],
            "p50": cl.percentile(lags, .5), "p99": cl.percentile(lags, .99),
            "ex_p50": cl.percentile(ex, .5), "ex_p99": cl.percentile(ex, .99),
            "cdf": cdf_points(lags)}
    allex.sort()
    first.sort()
    last.sort()
    out["all_ex_p50"] = cl.percentile(allex, .5)
    out["all_ex_p99"] = cl.percentile(allex, .99)
    out["all_ex_cdf"] = cdf_points(allex)
    lo_ex.sort()
    out["all_ex_lower_p50"] = cl.percentile(lo_ex, .5)
    out["all_ex_lower_p99"] = cl.percentile(lo_ex, .99)
    out["edge_s"] = edge
    out["first10"] = [cl.percentile(first, .5), cl.percentile(first, .99), len(first)]
    out["last10"] = [cl.percentile(last, .5), cl.percentile(last, .99), len(last)]
    return out


def fmt(x):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else "%.1f" % x


def report(results):
    L = []
    load = os.getloadavg()
    L.append("Cross-region lag, %s, %d cores, load average before the run %.2f; five regions "
             "+ WAN emulator + load generator + observers all on this machine; %d s per rate, "
             "poll every %g ms." % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    os.cpu_count(), load[0], SECONDS, POLL_MS))
    L.append("")
    L.append("| target writes/s | achieved writes/s | p50 lag−one-way ms | p99 lag−one-way ms "
             "| lower bound p50/p99 | first %s s p50/p99 | last %s s p50/p99 "
             "| poll window mean/p99 ms | target p99 ≤ 50 ms |"
             % (fmt(results[0]["edge_s"]), fmt(results[0]["edge_s"])))
    L.append("|---:|---:|---:|---:|---|---|---|---|---|")
    for r in results:
        met = r["all_ex_p99"] <= 50
        note = "met" if met else "missed"
        if r["rate_achieved"] < 0.95 * r["rate_target"]:
            note += " (at the achieved rate only)"
        if r["unseen_writes"]:
            note += "; %d writes never seen" % r["unseen_writes"]
        L.append("| %d | %.0f | %s | %s | %s / %s | %s / %s | %s / %s | %.1f / %.1f | %s |" % (
            r["rate_target"], r["rate_achieved"], fmt(r["all_ex_p50"]), fmt(r["all_ex_p99"]),
            fmt(r["all_ex_lower_p50"]), fmt(r["all_ex_lower_p99"]),
            fmt(r["first10"][0]), fmt(r["first10"][1]), fmt(r["last10"][0]),
            fmt(r["last10"][1]), r["poll_window_mean_ms"], r["poll_window_p99_ms"], note))
    L.append("")
    L.append("CPU during the load (cores busy, of %d): " % os.cpu_count() + "; ".join(
        "%d/s target: five heliosdb %.2f, wanem %.2f, whole machine %.2f" % (
            r["rate_target"], r["cpu"]["heliosdb_cores"], r["cpu"]["wanem_cores"],
            r["cpu"]["machine_busy_cores"]) for r in results) + ".")
    for r in results:
        L.append("")
        L.append("Per pair at %d writes/s target (%.0f achieved):" % (r["rate_target"],
                                                                     r["rate_achieved"]))
        L.append("")
        L.append("| origin → observer | one-way ms | writes seen | p50 lag ms | p99 lag ms "
                 "| p50 lag−one-way | p99 lag−one-way |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for k, p in r["pairs"].items():
            o, d = k.split(">")
            L.append("| %s → %s | %.1f | %d | %s | %s | %s | %s |" % (
                o, d, p["one_way_ms"], p["n"], fmt(p["p50"]), fmt(p["p99"]),
                fmt(p["ex_p50"]), fmt(p["ex_p99"])))
    return "\n".join(L) + "\n"


def write_cdfs(results):
    for r in results:
        rate = r["rate_target"]
        with open(os.path.join(OUT, "lag_cdf_%d.dat" % rate), "w") as f:
            for k, p in r["pairs"].items():
                f.write('"%s"\n' % k.replace(">", " → "))
                for x, y in p["cdf"]:
                    f.write("%.3f %.4f\n" % (x, y))
                f.write("\n\n")
        with open(os.path.join(OUT, "lag_excess_cdf_%d.dat" % rate), "w") as f:
            for x, y in r["all_ex_cdf"]:
                f.write("%.3f %.4f\n" % (x, y))


def main():
    rates = ([int(a) for a in sys.argv[1:]]
             or ([1000, 5000] if QUICK else [100, 1000, 5000, 20000]))
    os.makedirs(OUT, exist_ok=True)
    results = []
    with cl.Cluster(tmp_prefix="helios-lag-") as c:
        c.ddl("CREATE TABLE prog (id bigint PRIMARY KEY, n g_counter)")
        conn = c.nodes[0].connect()
        for n in c.nodes:
            for k in range(MAXC):
                conn.cursor().execute("INSERT INTO prog (id, n) VALUES (%s, 0)",
                                      (n.id * 100 + k,))
        conn.close()
        if c.wait_converged(30) is None:
            raise RuntimeError("regions did not converge after the setup")
        for rate in rates:
            print("# lag: %d writes/s for %d s" % (rate, SECONDS), file=sys.stderr)
            r = run_rate(c, rate)
            print("#   achieved %.0f/s, p99 lag-one-way %s ms, unseen %d" % (
                r["rate_achieved"], fmt(r["all_ex_p99"]), r["unseen_writes"]), file=sys.stderr)
            results.append(r)
    with open(os.path.join(OUT, "lag.json"), "w") as f:
        json.dump([{k: v for k, v in r.items() if k != "all_ex_cdf"} for r in results], f,
                  indent=1)
    write_cdfs(results)
    text = report(results)
    with open(os.path.join(OUT, "lag.md"), "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
