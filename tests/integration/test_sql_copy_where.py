#!/usr/bin/python3
"""tests/integration/test_sql_copy_where.py — COPY ... FROM STDIN ... WHERE, compared with
PostgreSQL 15: one psql script with inline COPY data (which the statement-by-statement
differential suite cannot carry) runs on both servers and the outputs must be equal.

The script keeps rows by a condition on given columns, on a column filled by its default (the
condition sees defaults, as in PostgreSQL), in text and csv, counts only the kept rows, and
refuses an unknown column, an aggregate, a subquery, a non-boolean condition and WHERE with
COPY TO, each before any data is read (psql then reports the data lines as commands)."""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

SCRIPT = r"""CREATE TABLE cw (id int PRIMARY KEY, v int, s text DEFAULT 'dflt');
COPY cw (id, v) FROM STDIN WHERE v > 1;
1	1
2	2
3	\N
4	40
\.
SELECT * FROM cw ORDER BY id;
COPY cw FROM STDIN WITH (FORMAT csv) WHERE s = 'keep' OR id = 10;
5,5,keep
6,6,drop
10,10,x
\.
COPY cw (id, v) FROM STDIN WHERE s = 'dflt' AND v % 2 = 0;
20	20
21	21
\.
SELECT * FROM cw ORDER BY id;
COPY cw FROM STDIN WHERE nothere > 1;
\.
COPY cw FROM STDIN WHERE count(*) > 1;
\.
COPY cw FROM STDIN WHERE v > (SELECT 1);
\.
COPY cw TO STDOUT WHERE v > 1;
COPY cw FROM STDIN WHERE 1;
\.
SELECT count(*) FROM cw;
DROP TABLE cw;
"""


def run(conninfo, tmp, tag):
    path = os.path.join(tmp, "copy-where-%s.sql" % tag)
    with open(path, "w") as f:
        f.write(SCRIPT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=0", "-d", conninfo, "-f", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60,
                       env=env)
    return p.stdout.replace(path, "SCRIPT")


def checks(tap, pg, hx):
    import difflib
    tmp = tempfile.mkdtemp(prefix="helios-copyw-")
    want = run("host=%s port=%d user=postgres dbname=postgres" % (pg.host, pg.port), tmp, "pg")
    got = run("host=127.0.0.1 port=%d user=postgres dbname=postgres" % hx.port, tmp, "hx")
    shutil.rmtree(tmp, ignore_errors=True)
    tap.ok(got == want, "COPY ... FROM ... WHERE: the script's output equals PostgreSQL 15's",
           "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        "PostgreSQL", "HeliosDB")))
    tap.ok("COPY 2" in want and "cannot use subquery in COPY FROM WHERE condition" in want,
           "the reference itself behaves as described", want)


if __name__ == "__main__":
    wirelib.compare_with_pg(checks)
