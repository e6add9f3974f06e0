#!/usr/bin/python3
"""tests/integration/test_sql_table_locks.py — table locks as PostgreSQL 15 takes them.

The same scenarios run on a throwaway PostgreSQL 15 and on a dev-mode heliosdb, and every
outcome is compared:
  - LOCK TABLE in each of the eight modes against each of the eight held by another
    transaction (NOWAIT: granted or 55P03) — the conflict table;
  - each kind of statement (SELECT, FOR UPDATE, INSERT, UPDATE, DELETE, a write through a
    foreign key, a view's SELECT, CREATE INDEX, ANALYZE, COMMENT, ALTER TABLE, TRUNCATE) run
    while another transaction holds each mode: it runs at once or waits (seen in pg_locks as an
    ungranted lock, not by sleeping) and completes once the holder rolls back;
  - the locks those statements hold until their transaction ends: pg_locks' modes, and what a
    LOCK ... NOWAIT of each mode meets;
  - LOCK of a view locks its tables; errors (outside a block, a sequence, a missing table,
    privileges); deadlock (40P01 for one of the two); lock_timeout (55P03) and
    statement_timeout (57014) end a wait; pg_blocking_pids names the holder;
  - a SELECT of the extended protocol (pgbench -M extended) waits for an ACCESS EXCLUSIVE
    holder; and a Query whose second SELECT meets a lock taken while its first was paused on
    output (HeliosDB runs plain SELECTs under a shared engine lock and must move such a
    statement to the exclusive one to wait) waits and completes as on PostgreSQL.
"""
import os
import subprocess
import sys
import tempfile
import threading

import psycopg2
import psycopg2.errors

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

MODES = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
         "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"]

STMTS = [
    ("SELECT", "SELECT count(*) FROM t"),
    ("SELECT FOR UPDATE", "SELECT id FROM t WHERE id = 1 FOR UPDATE"),
    ("INSERT", "INSERT INTO t VALUES (100, 1)"),
    ("UPDATE", "UPDATE t SET v = v + 1 WHERE id = 1"),
    ("DELETE", "DELETE FROM t WHERE id = 2"),
    ("INSERT referencing t", "INSERT INTO child VALUES (7, 1)"),
    ("SELECT of a view", "SELECT count(*) FROM tv"),
    ("SELECT with a subquery", "SELECT count(*) FROM child WHERE p IN (SELECT id FROM t)"),
    ("CREATE INDEX", "CREATE INDEX t_v_idx ON t (v)"),
    ("ANALYZE", "ANALYZE t"),
    ("COMMENT", "COMMENT ON TABLE t IS 'x'"),
    ("ALTER TABLE", "ALTER TABLE t ADD COLUMN w int"),
    ("TRUNCATE", "TRUNCATE t, child"),
]

SETUP = [
    "DROP VIEW IF EXISTS tv", "DROP TABLE IF EXISTS child", "DROP TABLE IF EXISTS t",
    "DROP TABLE IF EXISTS big", "DROP SEQUENCE IF EXISTS sq",
    "CREATE TABLE t (id int PRIMARY KEY, v int)",
    "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)",
    "CREATE TABLE child (id int PRIMARY KEY, p int REFERENCES t (id))",
    "INSERT INTO child VALUES (1, 1)",
    "CREATE VIEW tv AS SELECT id, v FROM t WHERE v > 0",
    "CREATE SEQUENCE sq",
    "CREATE TABLE big (id int PRIMARY KEY, pad text)",
    "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 60000) g",
    "DROP ROLE IF EXISTS reader", "CREATE ROLE reader LOGIN",
    "GRANT SELECT ON t TO reader",
]


def code_of(e):
    return getattr(e, "pgcode", None) or type(e).__name__


def execute(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall() if cur.description else None


def outcome(box):
    return ("error " + code_of(box["error"])) if "error" in box else "ok"


class Side:
    """One server's connections: a holder (a), a requester (b) and an observer."""

    def __init__(self, kw):
        self.kw = kw
        self.a = self.conn()
        self.b = self.conn()
        self.obs = self.conn()
        self.apid = execute(self.a, "SELECT pg_backend_pid()")[0][0]
        self.bpid = execute(self.b, "SELECT pg_backend_pid()")[0][0]

    def conn(self, **extra):
        kw = dict(self.kw)
        kw.update(extra)
        c = psycopg2.connect(**kw)
        c.autocommit = True
        return c

    def waiting(self, pid):
        return execute(self.obs, "SELECT count(*) FROM pg_locks WHERE pid = %d AND NOT granted"
                       % pid)[0][0] > 0

    def attempt(self, conn, pid, sql, release):
        """Runs sql on conn: its outcome if it ends at once; "waits, then <outcome>" when it
        waits for a lock, after release() lets it go on."""
        box = {}

        def body():
            try:
                execute(conn, sql)
            except Exception as e:  # noqa: BLE001 - the outcome is compared
                box["error"] = e
        th = threading.Thread(target=body)
        th.start()
        wirelib.wait_for(lambda: not th.is_alive() or self.waiting(pid), timeout=15)
        if not th.is_alive():
            release()
            return outcome(box)
        release()
        th.join(15)
        return "waits, then " + (outcome(box) if not th.is_alive() else "still waiting")

    def close(self):
        for c in (self.a, self.b, self.obs):
            c.close()


def setup(kw):
    c = psycopg2.connect(**kw)
    c.autocommit = True
    for sql in SETUP:
        execute(c, sql)
    c.close()


def lock_nowait(b, mode):
    """LOCK t IN mode MODE NOWAIT in a block of its own: "ok" or the error's SQLSTATE."""
    execute(b, "BEGIN")
    try:
        execute(b, "LOCK TABLE t IN %s MODE NOWAIT" % mode)
        got = "ok"
    except psycopg2.Error as e:
        got = "error " + code_of(e)
    execute(b, "ROLLBACK")
    return got


def scenarios(side):
    """Every scenario's outcome, by name (the same run on both servers)."""
    a, b = side.a, side.b
    out = {}
    # the conflict table: LOCK NOWAIT of each mode against each mode held
    for held in MODES:
        execute(a, "BEGIN")
        execute(a, "LOCK TABLE t IN %s MODE" % held)
        for want in MODES:
            out["held %s, LOCK %s NOWAIT" % (held, want)] = lock_nowait(b, want)
        execute(a, "ROLLBACK")
    # statements against each mode held: at once, or wait until the holder rolls back
    for held in MODES:
        for name, sql in STMTS:
            execute(a, "BEGIN")
            execute(a, "LOCK TABLE t IN %s MODE" % held)
            execute(b, "BEGIN")
            out["held %s, %s" % (held, name)] = side.attempt(b, side.bpid, sql,
                                                             lambda: execute(a, "ROLLBACK"))
            execute(b, "ROLLBACK")
    # what each statement holds until its transaction ends
    for name, sql in STMTS:
        execute(a, "BEGIN")
        execute(a, sql)
        modes = execute(side.obs, "SELECT mode FROM pg_locks WHERE pid = %d AND granted AND "
                                  "relation = 't'::regclass ORDER BY mode" % side.apid)
        out["%s holds" % name] = ", ".join(m[0] for m in modes)
        for want in MODES:
            out["after %s, LOCK %s NOWAIT" % (name, want)] = lock_nowait(b, want)
        execute(a, "ROLLBACK")
    # LOCK of a view locks the tables of its definition in the same mode
    execute(a, "BEGIN")
    execute(a, "LOCK TABLE tv IN ACCESS EXCLUSIVE MODE")
    out["LOCK view, SELECT of its table"] = side.attempt(b, side.bpid, "SELECT count(*) FROM t",
                                                         lambda: execute(a, "ROLLBACK"))
    # errors
    for name, sql in [("LOCK outside a block", "LOCK TABLE t"),
                      ("LOCK ROW EXCLUSIVE outside a block", "LOCK t IN ROW EXCLUSIVE MODE")]:
        try:
            execute(b, sql)
            out[name] = "ok"
        except psycopg2.Error as e:
            out[name] = "error %s %s" % (code_of(e), str(e).splitlines()[0])
    for name, sql in [("LOCK a sequence", "LOCK TABLE sq"), ("LOCK a missing table", "LOCK nosuch"),
                      ("LOCK ONLY, two tables", "LOCK TABLE ONLY t, child IN SHARE MODE")]:
        execute(b, "BEGIN")
        try:
            execute(b, sql)
            out[name] = "ok"
        except psycopg2.Error as e:
            out[name] = "error %s %s" % (code_of(e), str(e).splitlines()[0])
        execute(b, "ROLLBACK")
    reader = side.conn(user="reader")
    for mode in MODES:
        execute(reader, "BEGIN")
        try:
            execute(reader, "LOCK TABLE t IN %s MODE" % mode)
            out["reader LOCK %s" % mode] = "ok"
        except psycopg2.Error as e:
            out["reader LOCK %s" % mode] = "error %s %s" % (code_of(e), str(e).splitlines()[0])
        execute(reader, "ROLLBACK")
    reader.close()
    # deadlock: each holds SHARE on one table and writes the other
    execute(a, "BEGIN")
    execute(a, "LOCK TABLE t IN SHARE MODE")
    execute(b, "BEGIN")
    execute(b, "LOCK TABLE child IN SHARE MODE")
    box = {}

    def a_write():
        try:
            execute(a, "INSERT INTO child VALUES (50, 1)")
        except psycopg2.Error as e:
            box["a"] = code_of(e)
    th = threading.Thread(target=a_write)
    th.start()
    wirelib.wait_for(lambda: side.waiting(side.apid), timeout=15)
    try:
        execute(b, "UPDATE t SET v = 0 WHERE id = 3")
    except psycopg2.Error as e:
        box["b"] = code_of(e)
    execute(b, "ROLLBACK")
    th.join(15)
    execute(a, "ROLLBACK")
    out["deadlock: 40P01 for one of the two"] = sorted(box.values())
    # lock_timeout and statement_timeout end a wait; pg_blocking_pids names the holder
    execute(a, "BEGIN")
    execute(a, "LOCK TABLE t IN EXCLUSIVE MODE")
    for setting in ("lock_timeout", "statement_timeout"):
        execute(b, "SET %s = 200" % setting)
        try:
            execute(b, "UPDATE t SET v = 1 WHERE id = 1")
            out[setting] = "ok"
        except psycopg2.Error as e:
            out[setting] = "error %s %s" % (code_of(e), str(e).splitlines()[0])
        execute(b, "RESET %s" % setting)
    box = {}
    th = threading.Thread(target=lambda: execute(b, "SELECT count(*) FROM t FOR SHARE"))
    th.start()
    wirelib.wait_for(lambda: side.waiting(side.bpid), timeout=15)
    out["pg_blocking_pids of the waiter is the holder"] = execute(
        side.obs, "SELECT pg_blocking_pids(%d) = ARRAY[%d]" % (side.bpid, side.apid))[0][0]
    out["pg_blocking_pids of the holder"] = execute(side.obs, "SELECT pg_blocking_pids(%d)"
                                                    % side.apid)[0][0]
    out["pg_stat_activity of the waiter"] = execute(
        side.obs, "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %d"
        % side.bpid)[0]
    execute(a, "ROLLBACK")
    th.join(15)
    return out


def extended_select(tap, side, port, host, tmp, label):
    """pgbench -M extended: a prepared SELECT waits for an ACCESS EXCLUSIVE holder."""
    script = os.path.join(tmp, "sel.sql")
    with open(script, "w") as f:
        f.write("SELECT count(*) FROM t;\n")
    execute(side.a, "BEGIN")
    execute(side.a, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
    p = subprocess.Popen(["pgbench", "-n", "-h", host, "-p", str(port), "-U", "postgres", "-M",
                          "extended", "-c", "1", "-t", "1", "-f", script, "postgres"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    waited = wirelib.wait_for(lambda: p.poll() is None and execute(
        side.obs, "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 't'::regclass"
    )[0][0] > 0, timeout=15)
    execute(side.a, "ROLLBACK")
    p.communicate(timeout=30)
    tap.ok(waited and p.returncode == 0,
           "%s: an extended-protocol SELECT waits for ACCESS EXCLUSIVE, then runs" % label,
           "waited %s, pgbench exit %s" % (waited, p.returncode))


def paused_query(side, raw_conn):
    """A Query of two SELECTs whose first streams 12 MB the client does not read yet: another
    transaction locks the second's table ACCESS EXCLUSIVE meanwhile (the first holds no lock
    on it); once the client reads, the second SELECT waits for it and then completes."""
    raw_conn.send(wirelib.msg(b"Q", wirelib.cstr("SELECT * FROM big; SELECT count(*) FROM t")))
    execute(side.a, "BEGIN")
    execute(side.a, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
    result = {"waited": False}

    def reader():
        tags = []
        while True:
            m = raw_conn.recv_msg()
            if m is None:
                tags.append("EOF")
                break
            t, body = m
            if t == b"C":
                tags.append(body.rstrip(b"\0").decode())
            if t == b"E":
                tags.append("error")
            if t == b"Z":
                break
        result["tags"] = tags
    th = threading.Thread(target=reader)
    th.start()
    result["waited"] = wirelib.wait_for(lambda: execute(
        side.obs, "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 't'::regclass"
    )[0][0] > 0, timeout=30)
    execute(side.a, "ROLLBACK")
    th.join(30)
    return result["waited"], result.get("tags")


def body(tap, pg, hx):
    tmp = tempfile.mkdtemp(prefix="helios-tlocks-")
    got = {}
    sides = {}
    for which in ("pg", "hx"):
        kw = wirelib.pg_connect(pg, hx, which)
        setup(kw)
        sides[which] = Side(kw)
        got[which] = scenarios(sides[which])
    names = list(got["pg"].keys())
    tap.ok(names == list(got["hx"].keys()), "both servers ran the same %d scenarios" % len(names))
    for name in names:
        tap.ok(got["pg"][name] == got["hx"].get(name), name,
               "PostgreSQL: %r, HeliosDB: %r" % (got["pg"][name], got["hx"].get(name)))
    tap.ok(got["hx"]["held ACCESS EXCLUSIVE, SELECT"] == "waits, then ok",
           "a SELECT waits for ACCESS EXCLUSIVE (the comparison is not vacuous)",
           got["hx"]["held ACCESS EXCLUSIVE, SELECT"])
    extended_select(tap, sides["pg"], pg.port, pg.host, tmp, "PostgreSQL")
    extended_select(tap, sides["hx"], hx.port, "127.0.0.1", tmp, "HeliosDB")
    for which, raw in (("pg", lambda: wirelib.Raw(pg.port, timeout=60, host=pg.host)),
                       ("hx", lambda: wirelib.Raw(hx.port, timeout=60))):
        r = raw()
        r.login()
        waited, tags = paused_query(sides[which], r)
        r.close()
        tap.ok(waited and tags == ["SELECT 60000", "SELECT 1"],
               "%s: a SELECT meeting a lock taken while the Query's first statement was paused "
               "on output waits for it, then completes" % which,
               "waited %s, tags %s" % (waited, tags))
    for s in sides.values():
        s.close()


if __name__ == "__main__":
    wirelib.compare_with_pg(body)
