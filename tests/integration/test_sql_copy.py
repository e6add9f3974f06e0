#!/usr/bin/python3
"""tests/integration/test_sql_copy.py — COPY through psycopg2 (libpq's copy API): bulk load
with copy_expert in text and CSV, export with COPY TO, a client-side failure (CopyFail) rolls
the COPY back and leaves the connection usable, and a server-side error mid-stream is reported
while the client is still sending."""
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)

results = []


def check(desc, cond, info=""):
    results.append((bool(cond), desc, info))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Failing(io.RawIOBase):
    """A file that yields some rows, then raises: psycopg2 sends CopyFail."""

    def __init__(self):
        self.sent = False

    def readable(self):
        return True

    def read(self, n=-1):
        if not self.sent:
            self.sent = True
            return b"100\tbefore failure\n"
        raise IOError("client gave up")

    readinto = None


def main():
    tmp = tempfile.mkdtemp()
    port = free_port()
    proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--dev", "--data", tmp + "/data",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=open(tmp + "/log", "w"))
    try:
        deadline = time.time() + 10
        conn = None
        while time.time() < deadline:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.05)
        if conn is None:
            print("Bail out! server did not start")
            return 1
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("CREATE TABLE bulk (id bigint PRIMARY KEY, name text, n g_counter)")
        lines = "".join("%d\tname %d\t%d\n" % (i, i, i % 7) for i in range(1, 5001))
        cur.copy_expert("COPY bulk FROM STDIN", io.StringIO(lines))
        check("COPY FROM STDIN reports the row count", cur.rowcount == 5000, cur.rowcount)
        cur.execute("SELECT count(*), sum(n) FROM bulk")
        cnt, total = cur.fetchone()
        check("5000 rows loaded with their counters", cnt == 5000 and total == sum(i % 7 for i in range(1, 5001)),
              (cnt, total))
        cur.copy_expert("COPY bulk (id, name) FROM STDIN WITH (FORMAT csv)",
                        io.StringIO('6000,"multi\nline, with comma"\n'))
        cur.execute("SELECT name FROM bulk WHERE id = 6000")
        check("CSV quoted field with newline and delimiter", cur.fetchone()[0] == "multi\nline, with comma")
        out = io.StringIO()
        cur.copy_expert("COPY bulk (id, name) TO STDOUT WITH (FORMAT csv)", out)
        text = out.getvalue()
        check("COPY TO STDOUT exports every row", text.count("\n") == 5002, text.count("\n"))
        check("COPY TO quotes CSV fields that need it", '6000,"multi\nline, with comma"\n' in text)
        try:
            cur.copy_expert("COPY bulk (id, name) FROM STDIN", Failing())
            check("CopyFail raises on the client", False)
        except Exception as e:  # psycopg2 reports the server's 57014
            check("CopyFail raises on the client", "57014" == getattr(e, "pgcode", None) or
                  "client gave up" in str(e), repr(e))
        cur.execute("SELECT count(*) FROM bulk WHERE id = 100 AND name = 'before failure'")
        check("a failed COPY writes nothing", cur.fetchone()[0] == 0)
        bad = "".join("%d\tok\n" % i for i in range(7000, 7100)) + "oops\tbad key\n" + \
              "".join("%d\tok\n" % i for i in range(7100, 7200))
        try:
            cur.copy_expert("COPY bulk (id, name) FROM STDIN", io.StringIO(bad))
            check("bad input in the stream is refused with 22P02", False)
        except psycopg2.Error as e:
            check("bad input in the stream is refused with 22P02", e.pgcode == "22P02", e.pgcode)
        cur.execute("SELECT count(*) FROM bulk WHERE id >= 7000")
        check("the refused COPY is atomic", cur.fetchone()[0] == 0)
        cur.execute("SELECT 1")
        check("connection usable after COPY errors", cur.fetchone()[0] == 1)
        cur.execute("CREATE TABLE checked (id int PRIMARY KEY, n int CHECK (n > 0))")
        try:
            cur.copy_expert("COPY checked FROM STDIN", io.StringIO("1\t5\n2\t-1\n3\t7\n"))
            check("COPY checks CHECK constraints (23514)", False)
        except psycopg2.Error as e:
            check("COPY checks CHECK constraints (23514)", e.pgcode == "23514" and
                  "checked_n_check" in str(e), (e.pgcode, str(e)))
        cur.execute("SELECT count(*) FROM checked")
        check("the COPY that failed a CHECK wrote nothing", cur.fetchone()[0] == 0)

        # COPY TO -> COPY FROM into an empty table reproduces every visible value of every type
        # (an mv_register's {v} used to reload as the one value "{v}")
        cols = ("id bigint PRIMARY KEY, t text, i int, s smallint, f double precision, r real, "
                "b boolean, y bytea, j jsonb, ts timestamptz, n numeric, l lww_register, "
                "g g_counter, p pn_counter, m mv_register, o or_set, a aw_set, mp lww_map")
        for name in ("rt_src", "rt_dst"):
            cur.execute("CREATE TABLE %s (%s)" % (name, cols))
        cur.execute("""INSERT INTO rt_src VALUES
            (1, 'plain', 1, 2, 1.5, 2.25, true, '\\x00ff', '{"a": [1, "x"]}',
             '2024-02-29 12:34:56.789+00', 12.50, 'reg', 5, -3, 'shipped', ARRAY['b', 'a'],
             ARRAY['x y', 'z'], '{"k": "v", "n": 1}'),
            (2, E'tab\there\nnew "q" \\ back', NULL, NULL, 1e300, -0.5, false, NULL, 'null',
             NULL, NULL, NULL, 0, 0, 'with, comma {brace}', ARRAY['{}', ''], NULL, NULL),
            (3, '', 0, 0, 0, 0, NULL, '\\x', '[]', '1999-12-31 23:59:59+00', 0, '', 1, 1,
             NULL, NULL, NULL, '{}')""")
        cur.execute("UPDATE rt_src SET m = 'delivered' WHERE id = 3")
        # a register holding two concurrent values, as a merge across regions leaves it
        cur.copy_expert("COPY rt_src (id, m) FROM STDIN", io.StringIO("4\t{first,second}\n"))
        cur.execute("SELECT m FROM rt_src WHERE id = 4")
        check("COPY FROM of an mv_register {a,b} restores two concurrent values",
              cur.fetchone()[0] == ["first", "second"])
        out = io.StringIO()
        cur.copy_expert("COPY rt_src TO STDOUT", out)
        cur.copy_expert("COPY rt_dst FROM STDIN", io.StringIO(out.getvalue()))
        cur.execute("SELECT * FROM rt_src ORDER BY id")
        src = cur.fetchall()
        cur.execute("SELECT * FROM rt_dst ORDER BY id")
        dst = cur.fetchall()
        check("COPY TO then COPY FROM reproduces every value of every type", src == dst and
              len(src) == 4, (src, dst))
        out2 = io.StringIO()
        cur.copy_expert("COPY rt_dst TO STDOUT", out2)
        check("... and the reloaded table copies out byte for byte the same",
              out2.getvalue() == out.getvalue(), (out.getvalue(), out2.getvalue()))
        out = io.StringIO()
        cur.copy_expert("COPY rt_src TO STDOUT WITH (FORMAT csv, HEADER true)", out)
        cur.execute("DELETE FROM rt_dst")
        cur.copy_expert("COPY rt_dst FROM STDIN WITH (FORMAT csv, HEADER true)",
                        io.StringIO(out.getvalue()))
        cur.execute("SELECT * FROM rt_dst ORDER BY id")
        check("the same round trip in CSV", cur.fetchall() == src)

        # statement_timeout bounds a COPY FROM's apply (checked per row; issue #21)
        cur.execute("CREATE TABLE slow_copy (id bigint PRIMARY KEY, v text)")
        cur.execute("SET statement_timeout = 1")
        rows = "".join("%d\tvalue %d\n" % (i, i) for i in range(300000))
        try:
            cur.copy_expert("COPY slow_copy FROM STDIN", io.StringIO(rows))
            check("a COPY FROM past statement_timeout is canceled with 57014", False)
        except psycopg2.Error as e:
            check("a COPY FROM past statement_timeout is canceled with 57014", e.pgcode == "57014",
                  e.pgcode)
        cur.execute("SET statement_timeout = 0")
        cur.execute("SELECT count(*) FROM slow_copy")
        check("... and writes nothing", cur.fetchone()[0] == 0)
        conn.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    fail = 0
    for i, (ok, desc, info) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
        if not ok:
            print("# %r" % (info,))
            fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main())
