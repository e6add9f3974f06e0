#!/usr/bin/python3
"""tests/integration/test_ops_slowlog.py — the slow statement log (sql.slow_statement_ms).

A daemon with a 150 ms threshold: a `SELECT pg_sleep(0.4)` is logged exactly once, with its
duration and text; fast statements are not; a slow statement longer than 200 characters is
logged cut to 200 (marked "..."); an extended-protocol Execute of `SELECT pg_sleep($1)` logs the
statement text and never the parameter value. With the threshold at 0 nothing is logged."""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
import wirelib as w  # noqa: E402

THRESHOLD = 150


def slow_lines(srv):
    return [l for l in srv.logtext().splitlines() if "slow statement" in l]


def extended_sleep(port, seconds_text):
    r = w.Raw(port)
    r.login()
    r.send(w.msg(b"P", w.cstr("") + w.cstr("SELECT pg_sleep($1)") + struct.pack("!H", 0)) +
           w.msg(b"B", w.cstr("") + w.cstr("") + struct.pack("!H", 0) + struct.pack("!H", 1) +
                 struct.pack("!I", len(seconds_text)) + seconds_text.encode() +
                 struct.pack("!H", 0)) +
           w.msg(b"E", w.cstr("") + struct.pack("!I", 0)) + w.msg(b"S"))
    out = r.until(b"Z")
    r.send(w.msg(b"X"))
    r.close()
    return [m[0] for m in out if m]


def main():
    t = w.Tap()
    auth = {"method": "trust", "rules": [{"cidr": "127.0.0.0/8", "user": "all",
                                          "method": "trust"}]}
    srv = w.Server({"sql": {"auth": auth, "slow_statement_ms": THRESHOLD},
                    "log": {"level": "info", "format": "text"}})
    try:
        rc, out, err = w.psql(srv.port, "SELECT 1")
        t.ok(rc == 0 and not slow_lines(srv), "a fast statement is not logged", err)

        rc, out, err = w.psql(srv.port, "SELECT pg_sleep(0.4)")
        t.ok(rc == 0, "pg_sleep(0.4) runs", err)
        lines = w.wait_for(lambda: slow_lines(srv), 5) or []
        t.ok(len(lines) == 1 and "SELECT pg_sleep(0.4)" in lines[0],
             "the slow statement is logged once with its text", lines)
        m = re.search(r"\(([0-9.]+) ms", lines[0]) if lines else None
        t.ok(m and float(m.group(1)) >= 400.0 - 1.0,
             "the logged duration covers the sleep (%s)" % (m.group(1) if m else None))

        long_sql = "SELECT pg_sleep(0.2) /* " + "x" * 300 + " */"
        before = len(slow_lines(srv))
        rc, out, err = w.psql(srv.port, long_sql)
        lines = w.wait_for(lambda: slow_lines(srv)[before:], 5) or []
        text = lines[0].split(": ", 1)[1] if lines else ""
        shown = text[text.find("SELECT pg_sleep(0.2)"):] if "SELECT pg_sleep(0.2)" in text else ""
        t.ok(len(lines) == 1 and shown.endswith("...") and len(shown) == 200 + 3,
             "a long statement is logged cut to 200 characters", shown[:60])

        before = len(slow_lines(srv))
        types = extended_sleep(srv.port, "0.3141")
        t.ok(b"C" in types and b"E" not in types, "extended pg_sleep($1) runs", types)
        lines = w.wait_for(lambda: slow_lines(srv)[before:], 5) or []
        t.ok(len(lines) == 1 and "SELECT pg_sleep($1)" in lines[0] and "0.3141" not in lines[0],
             "Execute logs the statement text, not the parameter value", lines)
    finally:
        srv.cleanup()

    srv = w.Server({"sql": {"auth": auth, "slow_statement_ms": 0},
                    "log": {"level": "info", "format": "text"}})
    try:
        rc, out, err = w.psql(srv.port, "SELECT pg_sleep(0.3)")
        t.ok(rc == 0 and not slow_lines(srv), "threshold 0: nothing is logged")
    finally:
        srv.cleanup()
    t.done()


if __name__ == "__main__":
    main()
