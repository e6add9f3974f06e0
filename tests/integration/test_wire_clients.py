#!/usr/bin/python3
"""Real clients against heliosdb --dev (minimal executor): psql, pgbench (simple, extended,
prepared), psycopg2 (default and autocommit), SQLAlchemy, and raw extended-protocol checks
(PortalSuspended, skip-to-Sync, lone Sync, binary formats, pipelining behind a pending
statement, cancel, statement_timeout, graceful shutdown)."""
import os
import signal
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Raw, Server, Tap, cstr, error_fields, msg, psql, simple_query, wait_for  # noqa: E402

import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402

t = Tap()
srv = Server(dev=True)
port = srv.port
dsn = "host=127.0.0.1 port=%d user=postgres dbname=postgres" % port


def ext(stmts, sync=True):
    """Sends a batch of extended messages (+ Sync) on a fresh connection; returns messages."""
    r = Raw(port)
    r.login()
    r.send(b"".join(stmts) + (msg(b"S") if sync else b""))
    out = r.until(b"Z")
    r.close()
    return out


def parse(name, sql, oids=()):
    return msg(b"P", cstr(name) + cstr(sql) + struct.pack("!H", len(oids)) +
               b"".join(struct.pack("!I", o) for o in oids))


def bind(portal, stmt, params=(), pfmt=(), rfmt=()):
    body = cstr(portal) + cstr(stmt) + struct.pack("!H", len(pfmt))
    body += b"".join(struct.pack("!H", f) for f in pfmt) + struct.pack("!H", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!I", len(p)) + p
    body += struct.pack("!H", len(rfmt)) + b"".join(struct.pack("!H", f) for f in rfmt)
    return msg(b"B", body)


def execute(portal="", rows=0):
    return msg(b"E", cstr(portal) + struct.pack("!I", rows))


def describe(kind, name=""):
    return msg(b"D", kind + cstr(name))


def types(ms):
    return "".join(m[0].decode() if m else "!" for m in ms)


def datarow(body):
    n = struct.unpack("!H", body[:2])[0]
    pos, vals = 2, []
    for _ in range(n):
        ln = struct.unpack("!i", body[pos:pos + 4])[0]
        pos += 4
        vals.append(None if ln < 0 else body[pos:pos + ln])
        pos += max(ln, 0)
    return vals


try:
    rc, out, err = psql(port, "SELECT 1")
    t.ok(rc == 0 and out == "1", "psql SELECT 1", err)
    rc, out, err = psql(port, "select pg_catalog.version(), current_schema(), 'o''neil' AS q")
    t.ok(rc == 0 and out.startswith("PostgreSQL 15.") and out.endswith("|public|o'neil"),
         "psql literals, version(), current_schema()", out + err)
    rc, out, err = psql(port, "BEGIN; SELECT 2; COMMIT;")
    t.ok(rc == 0 and "2" in out.splitlines(), "psql multi-statement BEGIN/SELECT/COMMIT", out + err)
    rc, out, err = psql(port, "SELECT 1; SELECT nosuchfn(); SELECT 3")
    t.ok(rc != 0 and "nosuchfn" in err, "an error stops the rest of a multi-statement query", out + err)

    # Transaction status in ReadyForQuery: T inside BEGIN, E after an error, I after ROLLBACK.
    r = Raw(port)
    r.login()
    seen = []
    for q in ("BEGIN", "SELECT nosuchfn()", "SELECT 1", "ROLLBACK"):
        r.send(msg(b"Q", cstr(q)))
        ms = r.until(b"Z")
        seen.append(ms[-1][1].decode())
    errs = [error_fields(m[1]) for m in ms if m and m[0] == b"E"]
    r.close()
    t.ok(seen == ["T", "E", "E", "I"], "ReadyForQuery reports T, E, I", seen)

    # ParameterStatus at startup (13 of them) and after SET.
    r = Raw(port)
    ms = r.login(application_name="wiretest", options="-c search_path=public -c statement_timeout=0")
    ps = dict(m[1].rstrip(b"\0").decode().split("\0") for m in ms if m[0] == b"S")
    t.ok(len(ps) == 13 and ps["application_name"] == "wiretest" and
         ps["server_version"].startswith("15.") and ps["integer_datetimes"] == "on" and
         ps["DateStyle"] == "ISO, MDY" and ps["client_encoding"] == "UTF8" and
         any(m[0] == b"K" for m in ms), "13 ParameterStatus + BackendKeyData; options accepted", ps)
    r.send(msg(b"Q", cstr("SET application_name = 'changed'")))
    ms = r.until(b"Z")
    t.ok(any(m[0] == b"S" and m[1] == b"application_name\0changed\0" for m in ms),
         "ParameterStatus after SET application_name", types(ms))
    r.close()

    for mode in ("simple", "extended", "prepared"):
        p = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                            "-M", mode, "-c", "2", "-t", "100",
                            "-f", os.path.join(os.path.dirname(__file__), "..", "..", "bench", "wire", "select1.sql"),
                            "-f", os.path.join(os.path.dirname(__file__), "..", "..", "bench", "wire", "param.sql"),
                            "postgres"], capture_output=True, text=True, timeout=60)
        t.ok(p.returncode == 0 and "actually processed: 200/200" in p.stdout,
             "pgbench -M %s (SELECT 1 and \\set + parameter scripts)" % mode, p.stdout + p.stderr)

    def pg2_default():
        c = psycopg2.connect(dsn)
        cur = c.cursor()
        cur.execute("SELECT %s::int, %s, %s::bool", (41, "o'neil", True))
        row = cur.fetchone()
        st = c.get_transaction_status()
        c.commit()
        c.close()
        return row == (41, "o'neil", True) and st == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
    t.check("psycopg2 default mode (BEGIN ... COMMIT) with parameters", pg2_default)

    def pg2_autocommit():
        c = psycopg2.connect(dsn)
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SELECT generate_series(1, %s)", (1000,))
        rows = cur.fetchall()
        c.close()
        return len(rows) == 1000 and rows[-1] == (1000,)
    t.check("psycopg2 autocommit, 1000-row result", pg2_autocommit)

    def sqlalchemy_connect():
        import sqlalchemy
        eng = sqlalchemy.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/postgres" % port)
        with eng.connect() as cn:
            v = cn.execute(sqlalchemy.text("SELECT 7")).scalar()
        eng.dispose()
        return v == 7
    t.check("SQLAlchemy connect (hstore lookup, version, show ...) and query", sqlalchemy_connect)

    # Extended: Execute with a row limit -> PortalSuspended, then the rest.
    ms = ext([parse("", "SELECT generate_series(1, 5) AS n"), bind("", ""), describe(b"P"),
              execute("", 2), execute("", 2), execute("", 0)])
    tags = [m[1].rstrip(b"\0") for m in ms if m[0] == b"C"]
    t.ok(types(ms) == "12TDDsDDsDCZ" and tags == [b"SELECT 5"],
         "Execute max_rows -> PortalSuspended, then CommandComplete SELECT 5", types(ms))

    # After an error, everything up to Sync is skipped; one ErrorResponse, then Z.
    ms = ext([parse("", "SELECT nosuchfn()"), bind("", ""), execute(), parse("x", "SELECT 1")])
    t.ok(types(ms) == "EZ" and error_fields(ms[0][1])["C"] == "42883", "skip to Sync after an error",
         types(ms))
    ms = ext([])
    t.ok(types(ms) == "Z", "lone Sync answers ReadyForQuery", types(ms))

    # Describe statement: inferred parameter types, row description; named statements reused.
    r = Raw(port)
    r.login()
    r.send(parse("s1", "SELECT $1::int8 AS a, $2 AS b") + describe(b"S", "s1") + msg(b"S"))
    ms = r.until(b"Z")
    pd = [m[1] for m in ms if m[0] == b"t"][0]
    t.ok(pd == struct.pack("!HII", 2, 20, 25), "ParameterDescription infers int8 and text", pd)
    got = []
    for v in (b"1", b"2"):
        r.send(bind("", "s1", [v, b"x"]) + execute() + msg(b"S"))
        got += [datarow(m[1]) for m in r.until(b"Z") if m[0] == b"D"]
    t.ok(got == [[b"1", b"x"], [b"2", b"x"]], "named statement bound twice", got)
    # Binary parameters and results (what JDBC does from the 5th execution).
    r.send(bind("", "s1", [struct.pack("!q", 9000000000), b"y"], pfmt=[1, 0], rfmt=[1, 0]) +
           execute() + msg(b"S"))
    ms = r.until(b"Z")
    rows = [datarow(m[1]) for m in ms if m[0] == b"D"]
    t.ok(rows == [[struct.pack("!q", 9000000000), b"y"]], "binary int8 parameter and result", rows)
    r.send(parse("", "SELECT 1.5::float8, true, 2.50::numeric, '2026-11-24 10:00:00+00'::timestamptz")
           + bind("", "", rfmt=[1]) + execute() + msg(b"S"))
    ms = r.until(b"Z")
    rows = [datarow(m[1]) for m in ms if m[0] == b"D"]
    import datetime
    ts = datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.timezone.utc)
    us = int((ts - datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds()) * 1000000
    t.ok(len(rows) == 1 and rows[0][0] == struct.pack("!d", 1.5) and rows[0][1] == b"\x01" and
         rows[0][2] == struct.pack("!hhHHhh", 2, 0, 0, 2, 2, 5000) and
         struct.unpack("!q", rows[0][3])[0] == us,
         "binary float8, bool, numeric, timestamptz results", rows)
    r.send(msg(b"X"))
    r.close()

    # Input pipelined behind a pending (asynchronous) statement is answered in order.
    r = Raw(port)
    r.login()
    r.send(msg(b"Q", cstr("SELECT pg_sleep(0.2)")) + msg(b"Q", cstr("SELECT 2")))
    a = r.until(b"Z")
    b = r.until(b"Z")
    t.ok(types(a) == "TDCZ" and datarow([m for m in b if m[0] == b"D"][0][1]) == [b"2"],
         "pipelined query waits for the pending one", types(a) + " " + types(b))
    r.close()

    def cancel():
        c = psycopg2.connect(dsn)
        c.autocommit = True
        cur = c.cursor()
        threading.Timer(0.3, c.cancel).start()
        try:
            cur.execute("SELECT pg_sleep(30)")
            return False
        except psycopg2.errors.QueryCanceled:
            pass
        cur.execute("SELECT 5")
        ok = cur.fetchone() == (5,)
        c.close()
        return ok
    t.check("CancelRequest cancels a running statement (57014); session goes on", cancel)

    def stmt_timeout():
        c = psycopg2.connect(dsn)
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SET statement_timeout = 100")
        try:
            cur.execute("SELECT pg_sleep(10)")
            return False
        except psycopg2.errors.QueryCanceled as e:
            return "statement timeout" in str(e)
        finally:
            c.close()
    t.check("statement_timeout cancels with 57014", stmt_timeout)

    # Graceful shutdown: an idle session is told 57P01, the server exits 0.
    r = Raw(port)
    r.login()
    srv.proc.send_signal(signal.SIGTERM)
    m = r.recv_msg()
    t.ok(m is not None and m[0] == b"E" and error_fields(m[1])["C"] == "57P01",
         "SIGTERM: idle client gets FATAL 57P01", m)
    t.ok(srv.stop() == 0, "server exits 0 after SIGTERM", srv.logtext()[-2000:])
finally:
    srv.cleanup()
t.done()
