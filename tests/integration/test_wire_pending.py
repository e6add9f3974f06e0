#!/usr/bin/python3
"""tests/integration/test_wire_pending.py — the connection while a statement is pending (a
commit waiting for its WAL sync, a pg_sleep, a lock wait): the server keeps reading the client's
input (up to 256 KiB ahead) and holds small output back until the statement answers (one write
for BindComplete ... ReadyForQuery), except what PostgreSQL sends at once:

  - a NOTICE raised before the statement waits reaches the client before the statement ends;
  - an explicit Flush ('H') sends what is queued even mid-transaction;
  - a client that sends statements and closes its socket at once still has all of them run
    (the end of input seen while one is pending closes the connection only afterwards);
  - 25,000 queries pipelined behind a sleeping statement (over 512 KiB, twice the read-ahead
    bound) are all answered, in order.
TAP on stdout. Env BINDIR."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
import psycopg2  # noqa: E402
import wirelib  # noqa: E402
from wirelib import Raw, cstr, msg  # noqa: E402


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    try:
        c = psycopg2.connect(host="127.0.0.1", port=srv.port, user="postgres", dbname="postgres")
        c.autocommit = True
        k = c.cursor()
        k.execute("CREATE TABLE p (id int PRIMARY KEY, v text)")

        # a notice, then a 1.5 s sleep, in one Query
        r = Raw(srv.port)
        r.login()
        t0 = time.time()
        r.send(msg(b"Q", cstr("DROP TABLE IF EXISTS no_such_table; SELECT pg_sleep(1.5)")))
        first = r.recv_msg()
        t_notice = time.time() - t0
        rest = r.until(b"Z")
        t_end = time.time() - t0
        tap.ok(first is not None and first[0] == b"N" and t_notice < 1.2 and t_end >= 1.4,
               "a NOTICE arrives before the sleeping statement ends (%.2f s, end %.2f s)"
               % (t_notice, t_end), (first, t_notice, t_end))
        tap.ok([m[0] for m in rest if m] == [b"C", b"T", b"D", b"C", b"Z"],
               "... then the rest of the answer", [m[0] for m in rest if m])

        # Flush mid-transaction: ParseComplete/BindComplete arrive without a Sync
        r.send(msg(b"Q", cstr("BEGIN")))
        r.until(b"Z")
        r.send(msg(b"P", b"\0" + cstr("INSERT INTO p VALUES (1, 'flushed')") + b"\0\0") +
               msg(b"B", b"\0\0" + b"\0\0" + b"\0\0" + b"\0\0") + msg(b"E", b"\0" + b"\0\0\0\0") +
               msg(b"H"))
        r.s.settimeout(5)
        got = [r.recv_msg()[0] for _ in range(3)]
        tap.ok(got == [b"1", b"2", b"C"], "Flush sends ParseComplete, BindComplete, "
               "CommandComplete before any Sync", got)
        r.send(msg(b"S"))
        r.until(b"Z")
        r.send(msg(b"Q", cstr("COMMIT")))
        r.until(b"Z")
        r.close()

        # statements sent, then the socket closed at once: all of them run
        r = Raw(srv.port)
        r.login()
        r.send(msg(b"Q", cstr("INSERT INTO p VALUES (2, 'a'); SELECT pg_sleep(0.5); "
                              "INSERT INTO p VALUES (3, 'b')")) +
               msg(b"Q", cstr("INSERT INTO p VALUES (4, 'c')")))
        r.s.shutdown(socket.SHUT_WR)
        r.close()
        ok = wirelib.wait_for(lambda: (k.execute("SELECT count(*) FROM p WHERE id IN (2, 3, 4)"),
                                       k.fetchone()[0])[1] == 3, timeout=10)
        tap.ok(ok, "a client that sends three statements and closes its socket: all three run")
        tap.ok(srv.alive(), "the server is up")

        # 20,000 pipelined queries behind a sleep
        r = Raw(srv.port, timeout=60)
        r.login()
        n = 25000
        batch = msg(b"Q", cstr("SELECT pg_sleep(0.5)"))
        batch += b"".join(msg(b"Q", cstr("SELECT %d AS n_%d" % (i, i))) for i in range(n))
        tap.ok(len(batch) > 512 * 1024, "the pipeline is %d bytes (over twice the read-ahead bound)" % len(batch))
        r.send(batch)
        vals = []
        ready = 0
        while ready < n + 1:
            m = r.recv_msg()
            if m is None:
                break
            if m[0] == b"D":
                vals.append(m[1])
            elif m[0] == b"Z":
                ready += 1
        want_last = b"\0\x01" + (5).to_bytes(4, "big") + str(n - 1).encode()
        tap.ok(ready == n + 1 and len(vals) == n + 1 and vals[-1] == want_last,
               "all %d queries behind the sleeping one are answered, in order" % n,
               (ready, len(vals), vals[-1:] if vals else None))
        r.close()
    finally:
        srv.stop()
        srv.cleanup()
    tap.done()


if __name__ == "__main__":
    main()
