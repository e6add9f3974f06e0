#!/usr/bin/python3
"""bench/sql/indexes.py PG_PORT HELIOS_PORT ROWS SECONDS CLIENTS — see indexes.sh.

Loads the same table of ROWS rows on both servers, with the same secondary indexes, checks that
each benchmark query returns the same answer on both, then runs each query with pgbench
(-M prepared, CLIENTS clients, SECONDS seconds) on PostgreSQL then HeliosDB and prints a
Markdown table of the transactions per second and the ratio HeliosDB / PostgreSQL. Then the
insert throughput into three tables with 0, 1 and 3 secondary indexes, and the cost each index
adds per insert on each server."""
import os
import subprocess
import sys
import tempfile

import psycopg2

pg_port, hx_port = int(sys.argv[1]), int(sys.argv[2])
rows, secs, clients = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

SCHEMA = [
    "CREATE TABLE items (id bigint PRIMARY KEY, k int, cat int, ts timestamptz, pad text)",
    "CREATE TABLE ins0 (id bigint PRIMARY KEY, a int, b int, c text)",
    "CREATE TABLE ins1 (id bigint PRIMARY KEY, a int, b int, c text)",
    "CREATE TABLE ins3 (id bigint PRIMARY KEY, a int, b int, c text)",
]
INDEXES = [
    "CREATE INDEX items_k ON items (k)",
    "CREATE INDEX items_ts ON items (ts)",
    "CREATE INDEX ins1_a ON ins1 (a)",
    "CREATE INDEX ins3_a ON ins3 (a)",
    "CREATE INDEX ins3_b ON ins3 (b)",
    "CREATE INDEX ins3_c ON ins3 (c)",
]

# k is a permutation of 1..rows (rows is a power of ten; 7 is coprime with it)
READS = [
    ("point lookup by an indexed non-key column", "\\set r random(1, %d)\n"
     "SELECT id, cat FROM items WHERE k = :r;\n" % rows,
     "SELECT id, cat FROM items WHERE k = 4242"),
    ("range of 100 rows on an indexed column", "\\set r random(1, %d)\n"
     "SELECT count(*), sum(cat) FROM items WHERE k BETWEEN :r AND :r + 99;\n" % (rows - 100),
     "SELECT count(*), sum(cat) FROM items WHERE k BETWEEN 4242 AND 4341"),
    ("ORDER BY an indexed column DESC LIMIT 10", "\\set c random(1, 10)\n"
     "SELECT id, ts FROM items ORDER BY ts DESC LIMIT 10;\n",
     "SELECT id, ts FROM items ORDER BY ts DESC LIMIT 10"),
]

INSERTS = [(n, "\\set id random(1, 2000000000)\n"
               "INSERT INTO %s VALUES (:id, :id %% 1000, :id %% 777, 'v' || :id) "
               "ON CONFLICT DO NOTHING;\n" % n) for n in ("ins0", "ins1", "ins3")]


def load(port):
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    c.autocommit = True
    cur = c.cursor()
    for s in SCHEMA:
        cur.execute(s)
    step = 50000
    for lo in range(1, rows + 1, step):
        cur.execute("INSERT INTO items SELECT g, ((g::bigint * 7) %% %s) + 1, g %% 100, "
                    "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', "
                    "repeat('p', 40) FROM generate_series(%s, %s) g", (rows, lo, min(lo + step - 1, rows)))
    for s in INDEXES:
        cur.execute(s)
    if port == pg_port:
        cur.execute("ANALYZE")
    return c


def answer(c, q):
    cur = c.cursor()
    cur.execute(q)
    return cur.fetchall()


def pgbench(port, script):
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                              "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)),
                              "-T", str(secs), "-f", f.name, "postgres"],
                             capture_output=True, text=True, timeout=secs * 4 + 60)
    finally:
        os.unlink(f.name)
    for line in out.stdout.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    sys.stderr.write(out.stdout + out.stderr)
    return 0.0


def main():
    pg, hx = load(pg_port), load(hx_port)
    print("## Secondary indexes: HeliosDB vs PostgreSQL 15 (one run, this machine)\n")
    print("%d rows; pgbench -M prepared, %d clients, %d s per cell; no TLS on either; durable "
          "commits on both (PostgreSQL fsync + synchronous_commit on, HeliosDB storage.sync=always)."
          "\n" % (rows, clients, secs))
    print("| query | PostgreSQL TPS | HeliosDB TPS | HeliosDB / PostgreSQL |")
    print("|---|---:|---:|---:|")
    for name, script, check in READS:
        same = answer(pg, check) == answer(hx, check)
        tp, th = pgbench(pg_port, script), pgbench(hx_port, script)
        print("| %s%s | %.0f | %.0f | %.2f |" % (name, "" if same else " (ANSWERS DIFFER)", tp, th,
                                               th / tp if tp else 0))
        sys.stdout.flush()
    res = {}
    for name, script in INSERTS:
        res[name] = (pgbench(pg_port, script), pgbench(hx_port, script))
        tp, th = res[name]
        print("| insert, %s secondary index%s | %.0f | %.0f | %.2f |"
              % (name[3:], "" if name == "ins1" else "es", tp, th, th / tp if tp else 0))
        sys.stdout.flush()
    print()
    for i, who in enumerate(("PostgreSQL", "HeliosDB")):
        t0, t1, t3 = res["ins0"][i], res["ins1"][i], res["ins3"][i]
        if t0 and t1 and t3:
            per = (1 / t3 - 1 / t0) / 3 * 1e6 * clients
            print("- %s: an insert costs %.0f µs with no index, %.0f µs with one, %.0f µs with three "
                  "(each index adds about %.0f µs; per client, from TPS)"
                  % (who, clients / t0 * 1e6, clients / t1 * 1e6, clients / t3 * 1e6, per))
    for n in ("ins0", "ins1", "ins3"):
        cp, ch = answer(pg, "SELECT count(*) FROM %s" % n), answer(hx, "SELECT count(*) FROM %s" % n)
        print("- %s: %s rows on PostgreSQL, %s on HeliosDB" % (n, cp[0][0], ch[0][0]))
    d = answer(hx, "SELECT helios_index_check()")[0][0]
    print("- helios_index_check() after the run: %d entries differ from their tables" % d)


if __name__ == "__main__":
    main()
