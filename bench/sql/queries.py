#!/usr/bin/python3
"""bench/sql/queries.py PG_PORT HELIOS_PORT SCALE REPS — see queries.sh.

Loads the same tables on both servers (PostgreSQL in plain types; HeliosDB in the same plain
types, every column an LWW register), checks that every query returns the same rows on both,
then times each query REPS times per server, alternating, and prints a Markdown table of the
median times and their ratio. Nothing is tuned per server: no indexes beyond the primary keys
on either side (HeliosDB has no secondary indexes yet), PostgreSQL with its default settings."""
import statistics
import subprocess
import sys
import time

import psycopg2

pg_port, hx_port, scale, reps = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
N_ORD, N_CUST, N_BIG = int(200000 * scale), int(10000 * scale), int(500000 * scale)

SCHEMA = [
    "CREATE TABLE regions (id int PRIMARY KEY, name text)",
    "CREATE TABLE customers (id int PRIMARY KEY, region int, name text)",
    "CREATE TABLE orders (id bigint PRIMARY KEY, cust int, amount numeric, status text)",
    "CREATE TABLE big (id bigint PRIMARY KEY, g int, v int)",
]


def load(conn):
    cur = conn.cursor()
    for s in SCHEMA:
        cur.execute(s)
    cur.execute("INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, 10) g")
    step = 50000
    for lo in range(1, N_CUST + 1, step):
        cur.execute("INSERT INTO customers SELECT g, g %% 10 + 1, 'c' || g FROM generate_series(%s, %s) g",
                    (lo, min(lo + step - 1, N_CUST)))
    for lo in range(1, N_ORD + 1, step):
        cur.execute("INSERT INTO orders SELECT g, (g * 7919) %% %s + 1, (g %% 1000) / 10.0, "
                    "CASE WHEN g %% 3 = 0 THEN 'paid' ELSE 'open' END FROM generate_series(%s, %s) g",
                    (N_CUST, lo, min(lo + step - 1, N_ORD)))
    for lo in range(1, N_BIG + 1, step):
        cur.execute("INSERT INTO big SELECT g, g %% 1000, (g * 31) %% 10007 FROM generate_series(%s, %s) g",
                    (lo, min(lo + step - 1, N_BIG)))
    cur.close()


QUERIES = [
    ("2-table join (orders ⋈ customers, filtered, aggregated)",
     "SELECT count(*), sum(o.amount) FROM orders o JOIN customers c ON c.id = o.cust WHERE c.region <= 5"),
    ("2-table join on a non-key column (customers ⋈ big)",
     "SELECT count(*) FROM customers c JOIN big b ON b.g = c.id WHERE c.region = 3"),
    ("3-table join with filters",
     "SELECT r.name, count(*), sum(o.amount) FROM orders o JOIN customers c ON c.id = o.cust "
     "JOIN regions r ON r.id = c.region WHERE o.status = 'paid' AND r.id IN (2, 4, 6) "
     "GROUP BY r.name ORDER BY r.name"),
    ("GROUP BY over every row of big",
     "SELECT g, count(*), sum(v), max(v) FROM big GROUP BY g ORDER BY g LIMIT 5"),
    ("window function (rank per group) over big",
     "SELECT count(*) FROM (SELECT rank() OVER (PARTITION BY g ORDER BY v DESC, id) AS r FROM big) s "
     "WHERE r = 1"),
    ("correlated subquery (a key lookup per row)",
     "SELECT count(*) FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.id = c.id * 7 "
     "AND o.status = 'paid')"),
    ("IN subquery, DISTINCT and UNION",
     "SELECT count(*) FROM (SELECT DISTINCT cust FROM orders WHERE status = 'paid' "
     "UNION SELECT id FROM customers WHERE region = 1) s"),
]


def run(conn, sql):
    cur = conn.cursor()
    t = time.perf_counter()
    cur.execute(sql)
    rows = cur.fetchall()
    el = time.perf_counter() - t
    cur.close()
    return el, rows


def main():
    conns = {}
    for name, port in (("pg", pg_port), ("helios", hx_port)):
        c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        c.autocommit = True
        t = time.perf_counter()
        load(c)
        print("loaded %s in %.1f s" % (name, time.perf_counter() - t), file=sys.stderr)
        conns[name] = c
    out = []
    for title, sql in QUERIES:
        times = {"pg": [], "helios": []}
        results = {}
        for _ in range(reps):
            for name in ("pg", "helios"):
                try:
                    el, rows = run(conns[name], sql)
                except Exception as e:  # report, keep going
                    el, rows = float("nan"), "error: %s" % str(e).splitlines()[0]
                    conns[name].rollback() if not conns[name].autocommit else None
                times[name].append(el)
                results[name] = rows
        same = str(results["pg"]) == str(results["helios"])
        pg, hx = statistics.median(times["pg"]), statistics.median(times["helios"])
        out.append((title, pg, hx, same, results))
        print("%s: pg %.3f s, helios %.3f s" % (title, pg, hx), file=sys.stderr)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("Queries, %s, revision %s, scale %g (%d orders, %d customers, %d rows in big), median of %d runs "
          "each, client and both servers on this machine, no TLS." % (
              time.strftime("%Y-%m-%d", time.gmtime()), rev, scale, N_ORD, N_CUST, N_BIG, reps))
    print()
    print("| query | PostgreSQL 15 | HeliosDB | HeliosDB / PG | same rows |")
    print("|---|---:|---:|---:|:---:|")
    for title, pg, hx, same, _ in out:
        print("| %s | %.1f ms | %.1f ms | %.2f× | %s |" % (title, pg * 1000, hx * 1000, hx / pg if pg else float("nan"),
                                                        "yes" if same else "NO"))
    for title, pg, hx, same, res in out:
        if not same:
            print("\n%s: PostgreSQL %s, HeliosDB %s" % (title, str(res["pg"])[:200], str(res["helios"])[:200]))


if __name__ == "__main__":
    main()
