#!/usr/bin/python3
"""tests/integration/test_sql_signal.py — pg_cancel_backend and pg_terminate_backend: a cancel
ends another session's running statement (57014) and leaves an idle one alone; a terminate
ends a connection (the client sees it closed, pg_stat_activity no longer lists it); an unknown
pid gives false, NULL gives NULL; a role without the target's privileges, or signalling a
superuser's session, gets 42501 with PostgreSQL's detail. TAP on stdout. Env BINDIR."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import psycopg2  # noqa: E402
import wirelib  # noqa: E402


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)

    def conn(user="postgres"):
        c = psycopg2.connect(host="127.0.0.1", port=srv.port, user=user, dbname="postgres")
        c.autocommit = True
        return c
    try:
        a, b = conn(), conn()
        ca, cb = a.cursor(), b.cursor()
        ca.execute("SELECT pg_backend_pid()")
        apid = ca.fetchone()[0]
        cb.execute("SELECT pg_cancel_backend(%s)", (apid,))
        tap.ok(cb.fetchone() == (True,), "pg_cancel_backend of an idle session: true")
        ca.execute("SELECT 1")
        tap.ok(ca.fetchone() == (1,), "... and the idle session's next statement is not cancelled")

        res = {}

        def sleeper():
            try:
                ca.execute("SELECT pg_sleep(30)")
                res["a"] = "finished"
            except psycopg2.Error as e:
                res["a"] = e.pgcode
        th = threading.Thread(target=sleeper)
        th.start()
        active = wirelib.wait_for(lambda: (cb.execute("SELECT state FROM pg_stat_activity WHERE pid = %s",
                                                      (apid,)) or cb.fetchone()) == ("active",), 10)
        cb.execute("SELECT pg_cancel_backend(%s)", (apid,))
        got = cb.fetchone()
        th.join(20)
        tap.ok(active and got == (True,) and res.get("a") == "57014",
               "pg_cancel_backend ends another session's running statement (57014)", (active, got, res))
        ca.execute("SELECT 2")
        tap.ok(ca.fetchone() == (2,), "the cancelled session goes on")

        cb.execute("SELECT pg_terminate_backend(%s)", (apid,))
        tap.ok(cb.fetchone() == (True,), "pg_terminate_backend: true")
        gone = wirelib.wait_for(lambda: (cb.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                                     (apid,)) or cb.fetchone()) == (0,), 10)
        try:
            ca.execute("SELECT 1")
            closed = False
        except psycopg2.Error:
            closed = True
        tap.ok(gone and closed, "the terminated connection is closed and gone from pg_stat_activity",
               (gone, closed))

        cb.execute("SELECT pg_terminate_backend(999999), pg_cancel_backend(NULL), pg_terminate_backend(1, 100)")
        tap.ok(cb.fetchone() == (False, None, False), "an unknown pid: false; NULL: NULL")
        try:
            cb.execute("SELECT pg_terminate_backend(1, -1)")
            tap.ok(False, "a negative timeout is refused")
        except psycopg2.Error as e:
            tap.ok(e.pgcode == "22023", "a negative timeout is refused (22023)", e.pgcode)

        cb.execute("CREATE ROLE sig_low LOGIN")
        cb.execute("CREATE ROLE sig_other LOGIN")
        low, other = conn("sig_low"), conn("sig_other")
        oc = other.cursor()
        oc.execute("SELECT pg_backend_pid()")
        opid = oc.fetchone()[0]
        cb.execute("SELECT pg_backend_pid()")
        bpid = cb.fetchone()[0]
        lc = low.cursor()
        for pid, what, detail in ((bpid, "a superuser's session", "SUPERUSER attribute"),
                                  (opid, "another role's session", "privileges of the role")):
            try:
                lc.execute("SELECT pg_terminate_backend(%s)", (pid,))
                tap.ok(False, "terminating %s without its privileges is refused" % what)
            except psycopg2.Error as e:
                tap.ok(e.pgcode == "42501" and detail in (e.diag.message_detail or ""),
                       "terminating %s without its privileges is refused (42501)" % what,
                       (e.pgcode, e.diag.message_detail))
        cb.execute("GRANT sig_other TO sig_low")
        lc.execute("SELECT pg_cancel_backend(%s)", (opid,))
        tap.ok(lc.fetchone() == (True,), "a member of the target's role may signal it")
        for c in (low, other, b):
            c.close()
        c = conn()
        c.cursor().execute("DROP ROLE sig_low")
        c.cursor().execute("DROP ROLE sig_other")
        c.close()
    except Exception:  # noqa: BLE001 - reported as a failure, not lost
        import traceback
        tap.ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        srv.stop()
    tap.done()


if __name__ == "__main__":
    main()
