#!/usr/bin/python3
"""tests/integration/test_sql_differential.py — the same statements on PostgreSQL 15 and on
HeliosDB, text output compared byte for byte.

Every tests/diff/*.sql file is a list of statements (each ends with ';' at the end of a line;
'--' lines are comments). Both servers run the whole file through one psql session each
(`psql -X -a`, default verbosity, aligned output), with a marker echoed before every
statement, so each statement's output (result table, command tag, or error message with its
cursor) is compared on its own and reported as one TAP line. Statements that need a table use
only plain types with a primary key, which both servers accept.

Then the query generator (wire/sqlgen.py) hunts for mismatches: DIFF_GEN_COUNT (default
1600) random expressions from the seeds in DIFF_GEN_SEEDS (default "1 2 3 4"; set others to
explore), then DIFF_GEN_MISC (default 800) casts, LIKE/ILIKE, scalar functions, jsonb and array
operators, then DIFF_GEN_TABLES (default 100) queries per seed over a table with NULLs and
extremes (WHERE, aggregates, GROUP BY: they check PostgreSQL's evaluation order too, constant
folding and cost-ordered quals, where an expression that would fail is or is not reached),
then DIFF_GEN_DML (default 150) writes per seed on a plain table (INSERT with DEFAULT and ON
CONFLICT, UPDATE, DELETE, RETURNING, transactions, savepoints, read-backs), then
DIFF_GEN_JOINS (default 150) relational queries per seed, SQLancer style, over 3-4 small tables
with NULLs and duplicates (inner/left/right/full/cross joins with ON, USING and NATURAL, comma
joins, derived tables, VALUES, WITH, scalar / IN / EXISTS / ANY / ALL subqueries correlated or
not, DISTINCT [ON], GROUP BY / HAVING, window functions, UNION / INTERSECT / EXCEPT [ALL],
LIMIT / OFFSET; every result ordered by all its columns), one TAP line per 100 statements,
listing each statement whose output differs. Set a mode's variable to 0 to skip it.

A file whose first line says "SQLSTATEs compared" runs a second time with psql's VERBOSITY
set to sqlstate, so each error's SQLSTATE is compared too (one more TAP line per statement).

A mismatch prints both outputs. PostgreSQL runs from /usr/lib/postgresql/15/bin (PGBIN), as
the postgres user when we are root, on a unix socket in a temp dir, with TimeZone=Etc/UTC."""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import sqlgen  # noqa: E402
import wirelib  # noqa: E402

ROOT = wirelib.ROOT
MARK = "@@@ statement "


def statements(path):
    out, cur = [], []
    with open(path) as f:
        for line in f:
            if not cur and (not line.strip() or line.lstrip().startswith("--")):
                continue
            cur.append(line.rstrip("\n"))
            if line.rstrip().endswith(";"):
                out.append("\n".join(cur))
                cur = []
    if cur:
        out.append("\n".join(cur))
    return out


def run_file(stmts, conninfo, tmp, tag, extra=()):
    script = os.path.join(tmp, "diff-%s.sql" % tag)
    with open(script, "w") as f:
        for i, s in enumerate(stmts):
            f.write("\\echo '%s%d'\n%s\n" % (MARK, i, s))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    # one stream, so an error stays next to the statement that raised it
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=0"] + list(extra) +
                       ["-d", conninfo, "-f", script],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                       env=env)
    prefix = "psql:%s:" % script
    per = {}
    cur = None
    for line in p.stdout.splitlines():
        if line.startswith(MARK):
            cur = int(line[len(MARK):])
            per[cur] = []
            continue
        if line.startswith(prefix):
            line = line[len(prefix):].split(": ", 1)[-1]
        # LISTEN/NOTIFY: the sending backend's pid differs between the servers
        line = re.sub(r"(received from server process with PID )\d+", r"\1N", line)
        if cur is not None:
            per[cur].append(line)
    return per


def main():
    tap = wirelib.Tap()
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "diff", "*.sql")))
    if not wirelib.pg15_available():
        tap.ok(False, "PostgreSQL 15 is installed (deploy/install-deps.sh)")
        tap.done()
    pg = wirelib.PgServer(settings={"TimeZone": "Etc/UTC"})  # HeliosDB's default
    hx = wirelib.Server(dev=True)
    try:
        for path in files:
            name = os.path.basename(path)
            stmts = statements(path)
            a = run_file(stmts, "host=%s port=%d user=postgres dbname=postgres" %
                         (pg.host, pg.port), hx.tmp, "pg")
            b = run_file(stmts, "host=127.0.0.1 port=%d user=postgres dbname=postgres" %
                         hx.port, hx.tmp, "helios")
            for i, s in enumerate(stmts):
                want, got = a.get(i, ["<no output>"]), b.get(i, ["<no output>"])
                first = s.splitlines()[0]
                tap.ok(want == got, "%s: %s" % (name, first[:90]),
                       "statement: %s\n--- PostgreSQL 15\n%s\n--- HeliosDB\n%s" %
                       (s, "\n".join(want), "\n".join(got)))
            with open(path) as f:
                codes = "SQLSTATEs compared" in f.readline()
            if not codes:
                continue
            extra = ("-v", "VERBOSITY=sqlstate")
            a = run_file(stmts, "host=%s port=%d user=postgres dbname=postgres" %
                         (pg.host, pg.port), hx.tmp, "pg", extra)
            b = run_file(stmts, "host=127.0.0.1 port=%d user=postgres dbname=postgres" %
                         hx.port, hx.tmp, "helios", extra)
            for i, s in enumerate(stmts):
                want, got = a.get(i, ["<no output>"]), b.get(i, ["<no output>"])
                tap.ok(want == got, "%s (SQLSTATE): %s" % (name, s.splitlines()[0][:80]),
                       "statement: %s\n--- PostgreSQL 15\n%s\n--- HeliosDB\n%s" %
                       (s, "\n".join(want), "\n".join(got)))
        seeds = [int(x) for x in os.environ.get("DIFF_GEN_SEEDS", "1 2 3 4").split()]
        count = int(os.environ.get("DIFF_GEN_COUNT", "1600"))
        stmts = []
        for seed in seeds if count else []:
            stmts += sqlgen.statements(seed, max(1, count // len(seeds)))
        nmisc = int(os.environ.get("DIFF_GEN_MISC", "800"))
        for seed in seeds if nmisc else []:
            stmts += sqlgen.misc_statements(seed, max(1, nmisc // len(seeds)))
        ntab = int(os.environ.get("DIFF_GEN_TABLES", "100"))
        for seed in seeds if ntab else []:
            stmts += sqlgen.table_statements(seed, ntab)
        ndml = int(os.environ.get("DIFF_GEN_DML", "150"))
        for seed in seeds if ndml else []:
            stmts += sqlgen.dml_statements(seed, ndml)
        njoin = int(os.environ.get("DIFF_GEN_JOINS", "150"))
        for seed in seeds if njoin else []:
            stmts += sqlgen.join_statements(seed, njoin)
        a = run_file(stmts, "host=%s port=%d user=postgres dbname=postgres" %
                     (pg.host, pg.port), hx.tmp, "pg-gen")
        b = run_file(stmts, "host=127.0.0.1 port=%d user=postgres dbname=postgres" %
                     hx.port, hx.tmp, "helios-gen")
        for lo in range(0, len(stmts), 100):
            bad = []
            for i in range(lo, min(lo + 100, len(stmts))):
                want, got = a.get(i, ["<no output>"]), b.get(i, ["<no output>"])
                if want != got:
                    bad.append("statement: %s\n--- PostgreSQL 15\n%s\n--- HeliosDB\n%s" %
                               (stmts[i], "\n".join(want), "\n".join(got)))
            tap.ok(not bad, "generated expressions %d-%d (seeds %s)" %
                   (lo + 1, min(lo + 100, len(stmts)), " ".join(map(str, seeds))),
                   "\n".join(bad[:5]))
    finally:
        hx.cleanup()
        pg.cleanup()
    tap.done()


if __name__ == "__main__":
    main()
