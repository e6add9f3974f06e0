#!/usr/bin/python3
"""bench/plots.py — PNG plots from the benchmark outputs in bench/out/, drawn with gnuplot
(Debian's gnuplot-nox: pngcairo terminal, plain png as a fallback).

  lag_cdf.png          replication lag CDF per ordered region pair (the middle rate measured)
  lag_excess_cdf.png   CDF of lag minus the link's one-way delay, all pairs, one line per rate
  sql_tps.png          TPS vs clients for PostgreSQL and HeliosDB, per pgbench script and mode

Inputs: bench/out/lag.json + lag_*cdf_*.dat (bench/repl/lag.py), bench/out/sql.md
(bench/sql/run.sh). A missing input skips its plot.
"""
import json
import os
import re
import subprocess
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def terminal():
    probe = subprocess.run(["gnuplot", "-e", "set terminal pngcairo"], capture_output=True,
                           text=True)
    if probe.returncode == 0 and not probe.stderr.strip():
        return "pngcairo size 1000,650 font 'sans,10'"
    return "png size 1000,650"


def gnuplot(script):
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=OUT, capture_output=True)
    if r.returncode != 0:
        print("gnuplot failed: " + r.stderr.strip()[:400], file=sys.stderr)
    return r.returncode == 0


def lag_plots(term):
    try:
        with open(os.path.join(OUT, "lag.json")) as f:
            runs = json.load(f)
    except OSError:
        return []
    if not runs:
        return []
    made = []
    mid = runs[len(runs) // 2]
    rate = mid["rate_target"]
    dat = "lag_cdf_%d.dat" % rate
    if os.path.exists(os.path.join(OUT, dat)):
        n = len(mid["pairs"])
        s = ("set terminal %s\nset output 'lag_cdf.png'\n"
             "set title 'Replication lag CDF per region pair: %d writes/s target, %.0f achieved "
             "(origin → observer)'\nset xlabel 'lag (ms): origin commit ack → visible in the "
             "observer region'\nset ylabel 'fraction of writes'\nset key outside right "
             "font ',8'\nset grid\nset yrange [0:1]\nset xrange [-200:*]\n"
             "plot for [i=0:%d] '%s' index i using 1:2 with lines title columnheader(1)\n"
             % (term, rate, mid["rate_achieved"], n - 1, dat))
        if gnuplot(s):
            made.append("lag_cdf.png")
    lines = []
    for r in runs:
        d = "lag_excess_cdf_%d.dat" % r["rate_target"]
        if os.path.exists(os.path.join(OUT, d)):
            lines.append("'%s' using 1:2 with lines lw 2 title '%d writes/s target (%.0f "
                         "achieved)'" % (d, r["rate_target"], r["rate_achieved"]))
    if lines:
        s = ("set terminal %s\nset output 'lag_excess_cdf.png'\n"
             "set title 'Lag minus the link one-way delay, all 20 region pairs'\n"
             "set xlabel 'lag − one-way delay (ms)'\nset ylabel 'fraction of writes'\n"
             "set key bottom right\nset grid\nset yrange [0:1]\nset xrange [-200:*]\n"
             "set arrow from 50, graph 0 to 50, graph 1 nohead dt 2\n"
             "set label 'target p99 ≤ 50 ms' at 52, graph 0.05\n"
             "plot %s\n" % (term, ", ".join(lines)))
        if gnuplot(s):
            made.append("lag_excess_cdf.png")
    return made


def sql_plot(term):
    try:
        with open(os.path.join(OUT, "sql.md")) as f:
            text = f.read()
    except OSError:
        return []
    cells = {}
    for line in text.splitlines():
        p = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(p) < 5 or not p[2].isdigit():
            continue
        script = re.sub(r" \(.*\)$", "", p[0])
        try:
            pg, he = float(p[3].replace(",", "")), float(p[4].replace(",", ""))
        except ValueError:
            continue
        cells.setdefault(script, []).append((p[1], int(p[2]), pg, he))
    if not cells:
        return []
    with open(os.path.join(OUT, "sql_tps.dat"), "w") as f:
        for script, rows in cells.items():
            for mode in ("simple", "prepared"):
                for who, col in (("PostgreSQL", 2), ("HeliosDB", 3)):
                    f.write('"%s %s"\n' % (who, mode))
                    for r in sorted(x for x in rows if x[0] == mode):
                        f.write("%d %.0f\n" % (r[1], r[col]))
                    f.write("\n\n")
    scripts = list(cells)
    s = ["set terminal %s\nset output 'sql_tps.png'" % term.replace("1000,650", "1100,800"),
         "set multiplot layout 2,2 title 'TPS vs clients (bench/sql, same machine, same run)'",
         "set logscale x 2\nset xtics (1, 8, 32)\nset grid\nset key top left font ',8'",
         "set xlabel 'clients'\nset ylabel 'transactions/s'\nset yrange [0:*]"]
    styles = ["lc rgb '#1f77b4' dt 2", "lc rgb '#d62728' dt 2", "lc rgb '#1f77b4' dt 1",
              "lc rgb '#d62728' dt 1"]
    for k, script in enumerate(scripts):
        s.append("set title '%s'" % script)
        s.append("plot " + ", ".join(
            "'sql_tps.dat' index %d using 1:2 with linespoints lw 2 %s title columnheader(1)"
            % (4 * k + i, styles[i]) for i in range(4)))
    s.append("unset multiplot")
    return ["sql_tps.png"] if gnuplot("\n".join(s) + "\n") else []


def main():
    term = terminal()
    made = lag_plots(term) + sql_plot(term)
    print("plots: " + (", ".join("bench/out/" + m for m in made) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
