#!/usr/bin/python3
"""tests/integration/test_psql_meta.py — psql 15's backslash commands on HeliosDB and on
PostgreSQL 15, outputs compared byte for byte.

The same schema (plain types: bigint, text, numeric, boolean, timestamptz, jsonb; a composite
primary key; a table without one; a view; NOT NULL and DEFAULTs) is created on a throwaway
PostgreSQL 15 (wirelib.PgServer, as test_sql_differential.py runs it) and on a heliosdb in
dev mode; then each meta-command runs through `psql -X -c` on both. psql answers them with
queries over pg_catalog (CLIENTS.md §7), which HeliosDB runs as ordinary queries over its
catalog relations (server/sql/sqlcatalog.c), so this checks the catalogs, the catalog
functions and the planner together, the way people use them.

Normalised, and why (nothing else is):
  * \\dn lists HeliosDB's own schema `helios` (its admin views), which PostgreSQL does not
    have: that row is dropped and the row count adjusted.
  * \\l on PostgreSQL also lists template0 and template1, which HeliosDB does not have: the
    list is compared for the database connected to (\\l postgres).
Owners need no normalising (both connect as postgres) and no size is printed.
Skipped (one TAP line saying so) when PostgreSQL 15 is not installed."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

SCHEMA = """
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric DEFAULT 0,
                    active boolean DEFAULT true, created timestamptz DEFAULT now(), attrs jsonb);
CREATE TABLE order_lines (order_id bigint, line bigint, qty bigint NOT NULL DEFAULT 1,
                          note text DEFAULT 'n/a', PRIMARY KEY (order_id, line));
CREATE TABLE events (kind text, payload jsonb, at timestamptz NOT NULL);
CREATE VIEW active_items AS SELECT id, name FROM items WHERE active;
"""

COMMANDS = [
    r"\dt", r"\d", r"\d items", r"\d order_lines", r"\d events", r"\d active_items",
    r"\d+ items", r"\d+ order_lines", r"\d+ events", r"\dt i*", r"\dt *_lines", r"\d order*",
    r"\dv", r"\di", r"\dn", r"\dn public", r"\du", r"\df", r"\l postgres", r"\d nope",
    r"\dv+", r"\dT", r"\dp", r"\des", r"\dy", r"\dn+ public",
]
SIZED = [r"\dt+", r"\di+"]


def psql(conninfo, cmd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    p = subprocess.run(["psql", "-X", "-d", conninfo, "-c", cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60, env=env)
    return p.stdout


def drop_helios_schema(out):
    """\\dn: HeliosDB's extra `helios` row out, the count it changed back."""
    lines = [ln for ln in out.splitlines() if not re.match(r"^ helios\s+\|", ln)]
    text = "\n".join(lines) + "\n"
    m = re.search(r"^\((\d+) rows?\)$", text, re.M)
    if m and len(lines) < len(out.splitlines()):
        n = int(m.group(1)) - 1
        text = text.replace(m.group(0), "(%d row%s)" % (n, "" if n == 1 else "s"))
    return text


def sizes_out(out):
    """\\dt+ / \\di+: sizes replaced, runs of spaces and dashes squeezed (the padding of the
    Size column follows its width)."""
    out = re.sub(r"\d+ (bytes|kB|MB|GB)", "<size>", out)
    return "\n".join(re.sub(r"-+", "-", re.sub(r" +", " ", ln)) for ln in out.splitlines())


def main():
    tap = wirelib.Tap()
    if not wirelib.pg15_available():
        print("ok 1 - # SKIP PostgreSQL 15 is not installed (%s/initdb): "
              "deploy/install-deps.sh installs it" % wirelib.PGBIN)
        print("1..1")
        return
    pg = wirelib.PgServer(settings={"TimeZone": "Etc/UTC"})
    hx = wirelib.Server(dev=True)
    try:
        pgc = "host=%s port=%d user=postgres dbname=postgres" % (pg.host, pg.port)
        hxc = "host=127.0.0.1 port=%d user=postgres dbname=postgres" % hx.port
        for conn, who in ((pgc, "PostgreSQL"), (hxc, "HeliosDB")):
            out = psql(conn, SCHEMA)
            tap.ok("ERROR" not in out, "schema created on %s" % who, out)
        for cmd in COMMANDS:
            want, got = psql(pgc, cmd), psql(hxc, cmd)
            if cmd == r"\dn":
                got = drop_helios_schema(got)
            tap.ok(want == got, "psql %s" % cmd,
                   "--- PostgreSQL 15\n%s--- HeliosDB\n%s" % (want, got))
        for cmd in SIZED:
            want, got = psql(pgc, cmd), psql(hxc, cmd)
            tap.ok(sizes_out(want) == sizes_out(got), "psql %s (sizes aside)" % cmd,
                   "--- PostgreSQL 15\n%s--- HeliosDB\n%s" % (want, got))
    finally:
        hx.cleanup()
        pg.cleanup()
    tap.done()


if __name__ == "__main__":
    main()
