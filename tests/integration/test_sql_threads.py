#!/usr/bin/python3
"""tests/integration/test_sql_threads.py — SQL on several executor threads (sql.threads,
server/workers.h): sessions spread over the threads see each other (pg_stat_activity, row
locks, DDL); a CancelRequest ends a CPU-bound statement however long it would run (the
request is read on the main loop, the statement checks it at every row); while a long read
runs, logins and reads go on (shared engine lock) and a write waits for it without holding
back anyone else; /metrics answers while a statement runs; a second SIGTERM ends the server
during one; and a stress of many sessions (DDL while querying, cancels, disconnects
mid-statement) keeps every answer right.
TAP on stdout. Env BINDIR."""
import os
import signal
import socket
import sys
import threading
import time  # noqa: F401 (deadlines)
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import psycopg2  # noqa: E402
import wirelib  # noqa: E402

# A statement no machine finishes within the test's time: only a cancel ends it.
ENDLESS = "SELECT count(*) FROM generate_series(1, 100000000000)"


def connect(port, user="postgres"):
    c = psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname="postgres")
    c.autocommit = True
    return c


def run_endless(port, res, key="endless"):
    """Runs ENDLESS on a new connection; res[key] gets the SQLSTATE (or 'finished')."""
    c = connect(port)
    res[key + "_conn"] = c
    try:
        c.cursor().execute(ENDLESS)
        res[key] = "finished"
    except psycopg2.Error as e:
        res[key] = e.pgcode
    except Exception as e:  # the connection dropped
        res[key] = "closed: %s" % type(e).__name__


def cancel_until_done(res, th, key="endless", limit=60):
    """Sends CancelRequests until the statement's thread ends (the first may come before the
    statement started: an idle session ignores it)."""
    deadline = time.time() + limit
    while th.is_alive() and time.time() < deadline:
        c = res.get(key + "_conn")
        if c is not None:
            c.cancel()
        th.join(0.05)
    return not th.is_alive()


def cpu_seconds(pid):
    """User + system CPU time of a process (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def metrics_get(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        return r.status, r.read().decode()


def main():
    tap = wirelib.Tap()
    mport = wirelib.free_port()
    srv = wirelib.Server(cfg={"sql": {"threads": 3, "auth": {"method": "trust"}},
                              "metrics": {"listen": "127.0.0.1:%d" % mport}})
    try:
        # the "ready" line follows the listeners' start: wait for it (TSan runs are slow)
        tap.ok(wirelib.wait_for(lambda: "3 SQL thread(s)" in srv.logtext(), 15),
               "sql.threads = 3: three executor threads",
               srv.logtext()[-400:])

        # sessions on different threads see each other
        conns = [connect(srv.port) for _ in range(6)]
        cur = conns[0].cursor()
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        tap.ok(cur.fetchone()[0] >= 6, "pg_stat_activity lists the sessions of every thread")
        cur.execute("CREATE TABLE thr (id int PRIMARY KEY, n int)")
        cur.execute("INSERT INTO thr SELECT g, 0 FROM generate_series(1, 10) g")
        seen = []
        for c in conns:
            k = c.cursor()
            k.execute("SELECT count(*) FROM thr")
            seen.append(k.fetchone()[0])
        tap.ok(seen == [10] * 6, "a table created on one thread is read on every other", seen)

        # a row lock held on one thread makes a session of another wait, then it goes on
        a, b = conns[1], conns[2]
        a.autocommit = False
        a.cursor().execute("UPDATE thr SET n = n + 1 WHERE id = 1")
        res = {}

        def upd():
            try:
                b.cursor().execute("UPDATE thr SET n = n + 10 WHERE id = 1")
                res["b"] = "ok"
            except psycopg2.Error as e:
                res["b"] = e.pgcode
        th = threading.Thread(target=upd)
        th.start()
        waiting = wirelib.wait_for(
            lambda: (cur.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                     or cur.fetchone()[0] == 1), 10)
        a.commit()
        th.join(20)
        cur.execute("SELECT n FROM thr WHERE id = 1")
        tap.ok(waiting and res.get("b") == "ok" and cur.fetchone()[0] == 11,
               "a row lock taken on one thread blocks an UPDATE on another until COMMIT; no update lost",
               (waiting, res))
        a.autocommit = True

        # a CancelRequest ends a CPU-bound statement
        res = {}
        th = threading.Thread(target=run_endless, args=(srv.port, res))
        th.start()
        wirelib.wait_for(lambda: "endless_conn" in res, 10)
        status, _ = metrics_get(mport)
        tap.ok(status == 200, "/metrics answers while a statement runs (the main loop is free)")
        ended = cancel_until_done(res, th)
        tap.ok(ended and res.get("endless") == "57014",
               "a CancelRequest ends a CPU-bound statement (57014)", res.get("endless"))
        c = res["endless_conn"].cursor()
        c.execute("SELECT 41 + 1")
        tap.ok(c.fetchone() == (42,), "the cancelled session goes on")
        res["endless_conn"].close()

        # a long read holds back neither logins nor reads on the other threads; a write waits
        # for it without holding back its own thread's other sessions
        res = {}
        th = threading.Thread(target=run_endless, args=(srv.port, res))
        th.start()
        base = cpu_seconds(srv.proc.pid)
        wirelib.wait_for(lambda: cpu_seconds(srv.proc.pid) > base + 0.5, 30)
        login = connect(srv.port)  # the listener avoids the busy thread
        rk = login.cursor()
        vals = []
        for i in range(1, 11):
            rk.execute("SELECT n FROM thr WHERE id = %s", (i,))
            vals.append(rk.fetchone()[0])
        tap.ok(th.is_alive() and vals == [11] + [0] * 9,
               "while a long read runs: a new session logs in and reads (shared engine lock)",
               (th.is_alive(), vals))
        wres = {}

        def writer():
            try:
                connect(srv.port).cursor().execute("UPDATE thr SET n = n + 1 WHERE id = 2")
                wres["w"] = "ok"
            except psycopg2.Error as e:
                wres["w"] = e.pgcode
        wt = threading.Thread(target=writer)
        wt.start()
        more = []
        for i in range(50):
            rk.execute("SELECT count(*) FROM thr")
            more.append(rk.fetchone()[0])
        tap.ok(th.is_alive() and more == [10] * 50,
               "reads go on while an UPDATE waits for the long read", (th.is_alive(), more[:3]))
        ended = cancel_until_done(res, th)
        wt.join(30)
        rk.execute("SELECT n FROM thr WHERE id = 2")
        tap.ok(ended and res.get("endless") == "57014" and wres.get("w") == "ok" and rk.fetchone()[0] == 1,
               "once the long read ends (cancelled), the waiting UPDATE commits", (res.get("endless"), wres))
        res["endless_conn"].close()
        login.close()

        # statement_timeout ends one too
        c = connect(srv.port)
        k = c.cursor()
        k.execute("SET statement_timeout = 300")
        try:
            k.execute(ENDLESS)
            tap.ok(False, "statement_timeout ends a CPU-bound statement")
        except psycopg2.Error as e:
            tap.ok(e.pgcode == "57014", "statement_timeout ends a CPU-bound statement (57014)", e.pgcode)
        c.close()

        # stress: sessions on every thread, DDL while querying, cancels, disconnects
        errors = []
        counts = {}
        stop = threading.Event()

        def worker(i):
            try:
                c = connect(srv.port)
                k = c.cursor()
                k.execute("CREATE TABLE IF NOT EXISTS st_%d (id int PRIMARY KEY, v int)" % i)
                n = 0
                for j in range(60):
                    k.execute("INSERT INTO st_%d VALUES (%d, %d)" % (i, j, j))
                    n += 1
                    k.execute("SELECT count(*), sum(v) FROM st_%d" % i)
                    cnt, sm = k.fetchone()
                    if cnt != n or sm != n * (n - 1) // 2:
                        errors.append("thread %d: count %s sum %s after %d inserts" % (i, cnt, sm, n))
                    if j % 20 == 7:
                        k.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'st_%%'")
                    if j % 25 == 3:  # disconnect in the middle of a statement
                        d = connect(srv.port)
                        dk = d.cursor()
                        dk.execute("SELECT pg_backend_pid()")
                        d.cancel()
                        d.close()
                counts[i] = n
                c.close()
            except Exception as e:
                errors.append("thread %d: %r" % (i, e))

        def ddl():
            c = connect(srv.port)
            k = c.cursor()
            j = 0
            while not stop.is_set():
                k.execute("CREATE TABLE ddl_%d (id int PRIMARY KEY)" % j)
                k.execute("DROP TABLE ddl_%d" % j)
                j += 1
            c.close()
            counts["ddl"] = j
        ths = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        dt = threading.Thread(target=ddl)
        dt.start()
        for t in ths:
            t.start()
        for t in ths:
            t.join(120)
        stop.set()
        dt.join(30)
        tap.ok(not errors and all(counts.get(i) == 60 for i in range(8)) and counts.get("ddl", 0) > 0,
               "8 sessions inserting and reading while another creates and drops tables, with "
               "cancels and disconnects: every answer right", (errors[:3], counts))
        tap.ok(srv.alive(), "the server is still up")
        cur = connect(srv.port).cursor()
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        tap.ok(wirelib.wait_for(lambda: (cur.execute("SELECT count(*) FROM pg_stat_activity "
                                                     "WHERE backend_type = 'client backend'")
                                         or cur.fetchone()[0] <= 7), 10),
               "disconnected sessions are gone from pg_stat_activity")

        # a second SIGTERM ends the server during a CPU-bound statement
        res = {}
        th = threading.Thread(target=run_endless, args=(srv.port, res))
        th.start()
        wirelib.wait_for(lambda: "endless_conn" in res, 10)
        # the statement runs once the server has spent a second of CPU more than before
        base = cpu_seconds(srv.proc.pid)
        started = wirelib.wait_for(lambda: cpu_seconds(srv.proc.pid) > base + 1.0, 30)
        srv.proc.send_signal(signal.SIGTERM)
        wirelib.wait_for(lambda: "shutting down gracefully" in srv.logtext(), 10)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            srv.proc.wait(60)
            exited = True
        except Exception:
            exited = False
        th.join(30)
        tap.ok(started and exited and not th.is_alive() and res.get("endless") != "finished",
               "a second SIGTERM ends the server while a CPU-bound statement runs",
               (exited, res.get("endless")))
        try:
            socket.create_connection(("127.0.0.1", srv.port), 1).close()
            refused = False
        except OSError:
            refused = True
        tap.ok(refused, "the port is closed afterwards")
    finally:
        srv.cleanup()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
