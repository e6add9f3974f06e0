#!/usr/bin/python3
"""tests/integration/test_sql_locks.py — READ COMMITTED within a region: no lost updates.

A read-modify-write of a register (`UPDATE t SET n = n + 1`) is evaluated on the latest
committed row, as PostgreSQL does: concurrent sessions serialise on the row's write lock
(sqllock.h), a statement that meets a locked row waits and runs again on what the holder
committed. Checks: pgbench clients incrementing one plain int row (autocommit and inside
BEGIN ... COMMIT, simple and prepared protocol) lose nothing; a TPC-B-like transfer mix keeps
branch, teller and account sums equal; an INSERT of a key another open transaction inserted
waits, then fails with 23505 (or succeeds after a rollback); two transactions locking rows in
opposite order get 40P01 for one of them; a lock wait ends with 57014 on statement_timeout and
on a cancel request; locks of a closed session are released; SELECT ... FOR UPDATE makes a
writer wait, NOWAIT fails with 55P03, SKIP LOCKED hands each worker of a job queue its own
row."""
import os
import sys
import tempfile
import threading

import psycopg2
import psycopg2.errors

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402


def connect(port, autocommit=True):
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    c.autocommit = autocommit
    return c


def one(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()[0]


def run_in_thread(fn):
    box = {}

    def body():
        try:
            box["value"] = fn()
        except Exception as e:  # noqa: BLE001 - reported by the caller
            box["error"] = e
    t = threading.Thread(target=body)
    t.start()
    return t, box


def waiting(port, n=1):
    """True when n sessions wait for a row lock (helios.lock_waits)."""
    with connect(port) as c:
        return one(c, "SELECT count(*) FROM helios.lock_waits") == n


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    tmp = tempfile.mkdtemp(prefix="helios-locks-")
    port = srv.port
    try:
        a = connect(port)
        with a.cursor() as cur:
            cur.execute("CREATE TABLE hot (id int PRIMARY KEY, n int, b bigint)")
            cur.execute("INSERT INTO hot VALUES (1, 0, 0)")

        # -- the reproduction: 4 sessions x 500 increments of a plain int column
        rc, done, err = wirelib.pgbench(port, tmp, "UPDATE hot SET n = n + 1 WHERE id = 1;\n", 4, 500)
        tap.ok(rc == 0 and done == 2000, "4 autocommit clients ran 2000 increments", err)
        tap.ok(one(a, "SELECT n FROM hot WHERE id = 1") == 2000,
               "no lost update: n = 2000 after 4 x 500 autocommit increments",
               "n = %s" % one(a, "SELECT n FROM hot WHERE id = 1"))
        rc, done, err = wirelib.pgbench(port, tmp, "BEGIN;\nUPDATE hot SET n = n + 1, b = b + 2 WHERE id = 1;\n"
                                "COMMIT;\n", 4, 500, mode="prepared")
        tap.ok(rc == 0 and done == 2000, "4 prepared clients ran 2000 BEGIN/UPDATE/COMMIT", err)
        n, b = None, None
        with a.cursor() as cur:
            cur.execute("SELECT n, b FROM hot WHERE id = 1")
            n, b = cur.fetchone()
        tap.ok(n == 4000 and b == 4000, "no lost update inside BEGIN ... COMMIT (n = 4000, b = 4000)",
               "n = %s, b = %s" % (n, b))
        rc, done, err = wirelib.pgbench(port, tmp, "BEGIN;\nSELECT n FROM hot WHERE id = 1;\n"
                                "UPDATE hot SET n = n - 1 WHERE id = 1;\nUPDATE hot SET n = n + 2 "
                                "WHERE id = 1;\nCOMMIT;\n", 4, 300, mode="extended")
        tap.ok(rc == 0 and one(a, "SELECT n FROM hot WHERE id = 1") == 5200,
               "two read-modify-writes per transaction, extended protocol: n = 5200",
               "%s n = %s" % (err, one(a, "SELECT n FROM hot WHERE id = 1")))

        # -- a TPC-B-like mix: every transfer moves delta between an account, a teller, a branch
        with a.cursor() as cur:
            cur.execute("CREATE TABLE branches (bid int PRIMARY KEY, bbalance int)")
            cur.execute("CREATE TABLE tellers (tid int PRIMARY KEY, bid int, tbalance int)")
            cur.execute("CREATE TABLE accounts (aid int PRIMARY KEY, bid int, abalance int)")
            cur.execute("INSERT INTO branches VALUES (1, 0), (2, 0)")
            cur.execute("INSERT INTO tellers VALUES " +
                        ", ".join("(%d, %d, 0)" % (t, 1 + t % 2) for t in range(1, 11)))
            cur.execute("INSERT INTO accounts VALUES " +
                        ", ".join("(%d, %d, 0)" % (x, 1 + x % 2) for x in range(1, 101)))
        script = ("\\set aid random(1, 100)\n\\set tid random(1, 10)\n\\set bid random(1, 2)\n"
                  "\\set delta random(-5000, 5000)\nBEGIN;\n"
                  "UPDATE accounts SET abalance = abalance + :delta WHERE aid = :aid;\n"
                  "SELECT abalance FROM accounts WHERE aid = :aid;\n"
                  "UPDATE tellers SET tbalance = tbalance + :delta WHERE tid = :tid;\n"
                  "UPDATE branches SET bbalance = bbalance + :delta WHERE bid = :bid;\nEND;\n")
        rc, done, err = wirelib.pgbench(port, tmp, script, 4, 400, mode="prepared")
        sums = [one(a, "SELECT sum(abalance) FROM accounts"), one(a, "SELECT sum(tbalance) FROM tellers"),
                one(a, "SELECT sum(bbalance) FROM branches")]
        tap.ok(rc == 0 and done == 1600, "TPC-B-like mix: 4 clients ran 1600 transfers", err)
        tap.ok(sums[0] == sums[1] == sums[2], "account, teller and branch sums agree",
               "sums %s" % sums)

        # -- INSERT of a key another open transaction inserted: waits, then 23505
        with a.cursor() as cur:
            cur.execute("CREATE TABLE k (id int PRIMARY KEY, v text)")
        t1 = connect(port, autocommit=False)
        with t1.cursor() as cur:
            cur.execute("INSERT INTO k VALUES (1, 'first')")
        b_conn = connect(port)
        th, box = run_in_thread(lambda: b_conn.cursor().execute("INSERT INTO k VALUES (1, 'second')"))
        tap.ok(wirelib.wait_for(lambda: waiting(port), 10),
               "a second INSERT of a key an open transaction inserted waits")
        t1.commit()
        th.join(10)
        tap.ok(isinstance(box.get("error"), psycopg2.errors.UniqueViolation),
               "... and fails with 23505 once the first commits", repr(box))
        tap.ok(one(a, "SELECT v FROM k WHERE id = 1") == "first", "the first insert's row is kept")
        with t1.cursor() as cur:
            cur.execute("INSERT INTO k VALUES (2, 'rolled back')")
        th, box = run_in_thread(lambda: b_conn.cursor().execute("INSERT INTO k VALUES (2, 'kept')"))
        tap.ok(wirelib.wait_for(lambda: waiting(port), 10),
               "an INSERT waits for an open transaction's insert of the same key")
        t1.rollback()
        th.join(10)
        tap.ok("error" not in box and one(a, "SELECT v FROM k WHERE id = 2") == "kept",
               "... and succeeds once that transaction rolls back", repr(box))

        # -- deadlock: opposite lock order
        with a.cursor() as cur:
            cur.execute("INSERT INTO k VALUES (10, 'x'), (20, 'y')")
        t2 = connect(port, autocommit=False)
        with t1.cursor() as cur:
            cur.execute("UPDATE k SET v = 't1' WHERE id = 10")
        with t2.cursor() as cur:
            cur.execute("UPDATE k SET v = 't2' WHERE id = 20")
        th, box = run_in_thread(lambda: t1.cursor().execute("UPDATE k SET v = 't1' WHERE id = 20"))
        tap.ok(wirelib.wait_for(lambda: waiting(port), 10),
               "a transaction waits for a row another holds")
        dead = None
        try:
            with t2.cursor() as cur:
                cur.execute("UPDATE k SET v = 't2' WHERE id = 10")
        except psycopg2.errors.DeadlockDetected as e:
            dead = e
        tap.ok(dead is not None, "the transaction closing the cycle gets 40P01 deadlock detected",
               repr(dead))
        th.join(10)  # the failed transaction's locks went with the error, as in PostgreSQL
        tap.ok(not th.is_alive() and "error" not in box,
               "the other one proceeds at once, before the failed one rolls back", repr(box))
        t2.rollback()
        t1.commit()
        tap.ok(one(a, "SELECT v FROM k WHERE id = 10") == "t1" and
               one(a, "SELECT v FROM k WHERE id = 20") == "t1", "its updates are committed")

        # -- statement_timeout and cancel end a wait with 57014; a closed session's locks go
        with t1.cursor() as cur:
            cur.execute("UPDATE k SET v = 'held' WHERE id = 10")
        with b_conn.cursor() as cur:
            cur.execute("SET statement_timeout = 300")
        err = None
        try:
            with b_conn.cursor() as cur:
                cur.execute("UPDATE k SET v = 'late' WHERE id = 10")
        except psycopg2.errors.QueryCanceled as e:
            err = e
        tap.ok(err is not None and "statement timeout" in str(err),
               "a lock wait ends at statement_timeout with 57014", repr(err))
        with b_conn.cursor() as cur:
            cur.execute("SET statement_timeout = 0")
        th, box = run_in_thread(lambda: b_conn.cursor().execute("DELETE FROM k WHERE id = 10"))
        wirelib.wait_for(lambda: waiting(port), 10)
        b_conn.cancel()
        th.join(10)
        tap.ok(isinstance(box.get("error"), psycopg2.errors.QueryCanceled),
               "a cancel request ends a lock wait with 57014", repr(box))
        th, box = run_in_thread(lambda: b_conn.cursor().execute("UPDATE k SET v = 'after close' WHERE id = 10"))
        wirelib.wait_for(lambda: waiting(port), 10)
        t1.close()  # the open transaction ends with its session: its locks are released
        th.join(10)
        tap.ok("error" not in box and one(a, "SELECT v FROM k WHERE id = 10") == "after close",
               "a closed session's locks are released and its writes discarded", repr(box))
        # -- SELECT ... FOR UPDATE: blocks writers, NOWAIT, SKIP LOCKED (a job queue)
        t1 = connect(port, autocommit=False)
        with t1.cursor() as cur:
            cur.execute("SELECT v FROM k WHERE id = 20 FOR UPDATE")
        th, box = run_in_thread(lambda: b_conn.cursor().execute("UPDATE k SET v = 'waited' WHERE id = 20"))
        tap.ok(wirelib.wait_for(lambda: waiting(port), 10),
               "an UPDATE waits for a row another transaction locked with SELECT ... FOR UPDATE")
        err = None
        try:
            with connect(port) as c3, c3.cursor() as cur:
                cur.execute("SELECT v FROM k WHERE id = 20 FOR UPDATE NOWAIT")
        except psycopg2.errors.LockNotAvailable as e:
            err = e
        tap.ok(err is not None, "FOR UPDATE NOWAIT on that row fails with 55P03", repr(err))
        with t1.cursor() as cur:
            cur.execute("UPDATE k SET v = 'by locker' WHERE id = 20")
        t1.commit()
        th.join(10)
        tap.ok("error" not in box and one(a, "SELECT v FROM k WHERE id = 20") == "waited",
               "the waiting UPDATE runs once the locker commits", repr(box))
        with a.cursor() as cur:
            cur.execute("CREATE TABLE jobs (id int PRIMARY KEY, state text)")
            cur.execute("INSERT INTO jobs VALUES (1, 'new'), (2, 'new'), (3, 'new'), (4, 'new')")
        workers = [connect(port, autocommit=False) for _ in range(3)]
        got = []
        for w in workers:
            with w.cursor() as cur:
                cur.execute("SELECT id FROM jobs WHERE state = 'new' ORDER BY id LIMIT 1 "
                            "FOR UPDATE SKIP LOCKED")
                got.append(cur.fetchone()[0])
        tap.ok(got == [1, 2, 3], "three workers each take a different job with SKIP LOCKED",
               "got %s" % got)
        with workers[0].cursor() as cur:
            cur.execute("UPDATE jobs SET state = 'done' WHERE id = %s", (got[0],))
        workers[0].commit()
        with connect(port) as c4, c4.cursor() as cur:
            cur.execute("SELECT id FROM jobs WHERE state = 'new' ORDER BY id FOR UPDATE SKIP LOCKED")
            free = [r[0] for r in cur.fetchall()]
        tap.ok(free == [4], "rows still locked are skipped, finished ones no longer match",
               "got %s" % free)
        for w in workers[1:]:
            w.rollback()
            w.close()
        workers[0].close()
        tap.ok(srv.alive(), "the server is still running")
    finally:
        srv.cleanup()
    tap.done()


if __name__ == "__main__":
    main()
