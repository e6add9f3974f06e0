#!/usr/bin/python3
"""tests/integration/test_sql_notify.py — LISTEN / NOTIFY on one server, through real drivers,
compared with PostgreSQL 15: the same scenarios run on both and what the listeners observe
(payloads in order, where in the protocol they arrive) must be equal. Then what only HeliosDB
has: the bound on a session's queue.

Scenarios (psycopg2, simple protocol, and asyncpg, extended protocol and binary results):
  - an idle listener gets a notification at once, without sending anything;
  - a listener inside a transaction block gets nothing until the block ends, then all of it,
    whether the block commits, rolls back or failed;
  - notifications of one Query string keep their order; a LISTEN rolled back never listens;
  - 700 notifications of 8 kB each sent while the listener does not read arrive, all and in
    order, once it reads (the server holds what the socket does not take);
  - asyncpg's add_listener hears pg_notify executed as a prepared statement with parameters;
  - its own NOTIFY reaches a session listening on the channel (pid = its own backend pid).
Only HeliosDB: a listener that never reads while more than its queue's bound (64 MiB) is sent is
disconnected with FATAL 54000, other sessions carry on."""
import asyncio, os, select, sys, time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

import asyncpg  # noqa: E402


def wait_notes(conn, n, timeout=10):
    deadline = time.time() + timeout
    while True:
        conn.poll()
        if len(conn.notifies) >= n or time.time() > deadline:
            return [(x.channel, x.payload) for x in conn.notifies]
        select.select([conn], [], [], 0.2)


def scenarios(connect):
    obs = {}
    lis, snd = connect(), connect()
    lis.autocommit = snd.autocommit = True
    lc, sc = lis.cursor(), snd.cursor()
    lc.execute("LISTEN ch")
    sc.execute("NOTIFY ch, 'idle'")
    obs["idle listener"] = wait_notes(lis, 1)
    lis.notifies.clear()

    for end in ("COMMIT", "ROLLBACK", "failed"):
        lc.execute("BEGIN")
        sc.execute("NOTIFY ch, %s", ("in block " + end,))
        lc.execute("SELECT 1")
        if end == "failed":
            try:
                lc.execute("SELECT 1/0")
            except psycopg2.Error:
                pass
            end = "ROLLBACK"
        during = list(lis.notifies)
        lc.execute(end)
        obs["block " + end + " " + str(len(obs))] = (len(during), [(x.channel, x.payload)
                                                                   for x in lis.notifies])
        lis.notifies.clear()

    sc.execute("NOTIFY ch, 'one'; NOTIFY ch, 'two'; SELECT pg_notify('ch', 'three')")
    obs["one query string"] = wait_notes(lis, 3)
    lis.notifies.clear()
    lc.execute("BEGIN; LISTEN never; ROLLBACK")
    sc.execute("NOTIFY never, 'x'; NOTIFY ch, 'marker'")
    obs["rolled back LISTEN"] = wait_notes(lis, 1)
    lis.notifies.clear()

    # a listener that does not read: the sender's 700 transactions go through regardless
    big = "p" * 7990
    for i in range(700):
        sc.execute("SELECT pg_notify('ch', %s)", ("%04d" % i + big,))
    got = wait_notes(lis, 700, 30)
    obs["700 x 8 kB to a listener that was not reading"] = (
        len(got), all(p[:4] == "%04d" % i for i, (_, p) in enumerate(got)))
    lis.notifies.clear()

    lc.execute("LISTEN self")
    lc.execute("NOTIFY self, 'me'")
    obs["own notification"] = ([(x.channel, x.payload) for x in lis.notifies],
                               [x.pid == lis.get_backend_pid() for x in lis.notifies])
    lis.close()
    snd.close()
    return obs


async def asyncpg_scenario(**kw):
    a = await asyncpg.connect(**kw)
    b = await asyncpg.connect(**kw)
    got = []
    done = asyncio.Event()

    def cb(conn, pid, channel, payload):
        got.append((channel, payload, pid == b.get_server_pid()))
        if len(got) == 3:
            done.set()
    await a.add_listener("jobs", cb)
    st = await b.prepare("SELECT pg_notify($1, $2)")
    for i in range(3):
        await st.fetchval("jobs", "job %d" % i)
    try:
        await asyncio.wait_for(done.wait(), 10)
    except asyncio.TimeoutError:
        pass
    chans = await a.fetch("SELECT * FROM pg_listening_channels()")
    await a.close()
    await b.close()
    return got, [r[0] for r in chans]


def overflow(tap, port):
    """HeliosDB only: a listener that never reads is disconnected once its queue passes 64 MiB;
    the sender and another listener are not affected."""
    lis = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    good = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    snd = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    for c in (lis, good, snd):
        c.autocommit = True
    lis.cursor().execute("LISTEN flood")
    good.cursor().execute("LISTEN flood")
    sc = snd.cursor()
    big = "f" * 7990
    n = 0
    # 10 transactions of 1,000 notifications of 8 kB: about 80 MB for each listener. `good`
    # reads everything after each transaction; `lis` never reads.
    for t in range(10):
        sc.execute("BEGIN")
        for i in range(1000):
            sc.execute("NOTIFY flood, %s", ("%06d" % n + big,))
            n += 1
        sc.execute("COMMIT")
        got = wait_notes(good, n, 60)
    tap.ok(len(got) == n and all(p[:6] == "%06d" % i for i, (_, p) in enumerate(got)),
           "a listener that reads gets all %d notifications, in order" % n, "got %d" % len(got))
    err = None
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            lis.poll()
            lis.notifies.clear()
            select.select([lis], [], [], 0.5)
    except psycopg2.Error as e:
        err = e
    # libpq reports an ErrorResponse that comes while no query runs as a notice, then the
    # connection's end (as for pg_terminate_backend of an idle session)
    tap.ok(err is not None and any("FATAL:  too many notifications queued for this session" in x
                                   for x in lis.notices),
           "a listener that never read was disconnected: FATAL too many notifications queued",
           "got: %r, notices %r" % (err, lis.notices))
    sc.execute("SELECT 1")
    tap.ok(sc.fetchone() == (1,), "the sender's session carries on")
    for c in (lis, good, snd):
        try:
            c.close()
        except psycopg2.Error:
            pass


def checks(tap, pg, hx):
    want = scenarios(lambda: psycopg2.connect(**wirelib.pg_connect(pg, hx, "pg")))
    got = scenarios(lambda: psycopg2.connect(**wirelib.pg_connect(pg, hx, "hx")))
    for k in want:
        tap.ok(got.get(k) == want[k], "psycopg2: %s: as PostgreSQL" % k,
               "PostgreSQL: %r\nHeliosDB: %r" % (want[k], got.get(k)))
    tap.ok(want["idle listener"] == [("ch", "idle")] and
           want["own notification"] == ([("self", "me")], [True]),
           "the reference itself behaves as described", repr(want))
    w = asyncio.run(asyncpg_scenario(host=pg.host, port=pg.port, user="postgres",
                                     database="postgres"))
    g = asyncio.run(asyncpg_scenario(host="127.0.0.1", port=hx.port, user="postgres",
                                     database="postgres"))
    tap.ok(g == w and len(g[0]) == 3,
           "asyncpg: add_listener hears a prepared pg_notify($1, $2), as PostgreSQL",
           "PostgreSQL: %r\nHeliosDB: %r" % (w, g))
    overflow(tap, hx.port)
    tap.ok(hx.alive(), "the server is still running")
    tap.ok("too many notifications queued" in hx.logtext(), "the disconnect is in the server log")


if __name__ == "__main__":
    wirelib.compare_with_pg(checks)
