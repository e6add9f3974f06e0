#!/usr/bin/python3
"""tests/integration/test_sql_timezone.py — the TimeZone a client asks for at connect time.

libpq sends PGTZ as the startup parameter "timezone", drivers send "-c timezone=..." in
options; both set the session's TimeZone (SHOW and timestamptz text follow it), an unknown zone
is refused at connect with FATAL 22023 as PostgreSQL does, and binary timestamptz (psycopg2
reads text, the instant must be the same) is the stored instant whatever the zone. The SQL side
(SET / SHOW / DST edges) is compared with PostgreSQL in tests/diff/timezone.sql."""
import datetime
import os
import subprocess
import sys

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402


def psql(port, sql, env):
    e = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    e.update(env)
    p = subprocess.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U",
                        "postgres", "-d", "postgres", "-c", sql], capture_output=True, text=True,
                       env=e, timeout=20)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    port = srv.port
    try:
        rc, out, err = psql(port, "SHOW TimeZone", {})
        tap.ok(rc == 0 and out == "Etc/UTC", "the default TimeZone is Etc/UTC", out + err)
        rc, out, err = psql(port, "SHOW TimeZone", {"PGTZ": "America/New_York"})
        tap.ok(rc == 0 and out == "America/New_York", "PGTZ sets the session's TimeZone", out + err)
        rc, out, err = psql(port, "SELECT '2020-06-01 12:00:00+00'::timestamptz",
                            {"PGTZ": "America/New_York"})
        tap.ok(out == "2020-06-01 08:00:00-04", "timestamptz text follows it", out + err)
        rc, out, err = psql(port, "SHOW TimeZone", {"PGTZ": "Not/AZone"})
        tap.ok(rc != 0 and 'invalid value for parameter "TimeZone": "Not/AZone"' in err,
               "an unknown zone at connect is refused (FATAL 22023)", err)
        c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                             options="-c timezone=Asia/Kolkata")
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SHOW TimeZone")
        tap.ok(cur.fetchone()[0] == "Asia/Kolkata", "options -c timezone=... sets it too")
        cur.execute("CREATE TABLE tz (id int PRIMARY KEY, ts timestamptz)")
        cur.execute("INSERT INTO tz VALUES (1, '2021-07-04 10:00:00')")  # local Kolkata time
        cur.execute("SELECT ts FROM tz")
        got = cur.fetchone()[0]
        want = datetime.datetime(2021, 7, 4, 4, 30, tzinfo=datetime.timezone.utc)
        tap.ok(got == want and got.utcoffset() == datetime.timedelta(hours=5, minutes=30),
               "a literal without offset is read in the session zone; the instant round-trips",
               repr(got))
        cur.execute("SET TimeZone = 'UTC'")
        cur.execute("SELECT ts::text FROM tz")
        tap.ok(cur.fetchone()[0] == "2021-07-04 04:30:00+00",
               "the stored instant does not depend on the zone that wrote it")
        c.close()
        tap.ok(srv.alive(), "the server is still running")
    finally:
        srv.cleanup()
    tap.done()


if __name__ == "__main__":
    main()
