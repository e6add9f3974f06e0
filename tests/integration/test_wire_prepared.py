#!/usr/bin/python3
"""tests/integration/test_wire_prepared.py — SQL PREPARE / EXECUTE / DEALLOCATE and the extended
protocol's named statements share one namespace, as in PostgreSQL: the same message sequences
go to PostgreSQL 15 and HeliosDB over a bare protocol connection, and the answers (message
types, rows, command tags, SQLSTATEs) must be equal.

  - EXECUTE runs a statement a Parse made, with arguments converted to its parameter types;
  - a Bind binds a statement PREPARE made;
  - a Parse of a name PREPARE holds, and a PREPARE of a name a Parse holds, fail with 42P05;
  - pg_prepared_statements lists both kinds (from_sql), not the unnamed statement;
  - DEALLOCATE drops a Parse's statement (a later Bind of it: 26000); DEALLOCATE ALL drops all."""
import os, struct, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402
from wirelib import cstr, msg  # noqa: E402


def parse(name, query, oids=()):
    return msg(b"P", cstr(name) + cstr(query) + struct.pack("!H", len(oids)) +
               b"".join(struct.pack("!I", o) for o in oids))


def bind(stmt, params=(), portal=""):
    body = cstr(portal) + cstr(stmt) + struct.pack("!H", 0) + struct.pack("!H", len(params))
    for p in params:
        body += struct.pack("!i", len(p)) + p.encode()
    return msg(b"B", body + struct.pack("!H", 0))


def execute(portal=""):
    return msg(b"E", cstr(portal) + struct.pack("!I", 0))


SYNC = msg(b"S")


def query(sql):
    return msg(b"Q", cstr(sql))


def summary(msgs):
    """What a client sees: message types, DataRow values, tags, error codes."""
    out = []
    for m in msgs:
        if m is None:
            out.append("EOF")
            continue
        t, body = m
        if t == b"D":
            n = struct.unpack("!H", body[:2])[0]
            vals, off = [], 2
            for _ in range(n):
                ln = struct.unpack("!i", body[off:off + 4])[0]
                off += 4
                vals.append(None if ln < 0 else body[off:off + ln].decode())
                off += max(ln, 0)
            out.append(("D", tuple(vals)))
        elif t == b"C":
            out.append(("C", body.rstrip(b"\0").decode()))
        elif t == b"E":
            out.append(("E", wirelib.error_fields(body).get("C")))
        elif t in (b"1", b"2", b"3", b"n", b"Z", b"T", b"t", b"s"):
            out.append(t.decode())
    return out


STEPS = [
    ("Parse s1, then EXECUTE s1(41) in a Query",
     [parse("s1", "SELECT $1::int + 1 AS n"), SYNC, query("EXECUTE s1(41)")]),
    ("PREPARE p2, then Bind/Execute p2",
     [query("PREPARE p2 (text) AS SELECT upper($1) AS u"), bind("p2", ["sql"]), execute(), SYNC]),
    ("a Parse of a name PREPARE holds: 42P05", [parse("p2", "SELECT 1"), SYNC]),
    ("a PREPARE of a name a Parse holds: 42P05", [query("PREPARE s1 AS SELECT 1")]),
    ("the unnamed statement is not listed",
     [parse("", "SELECT 'unnamed'"), SYNC,
      query("SELECT name, from_sql, parameter_types::text FROM pg_prepared_statements "
            "ORDER BY name")]),
    ("statement texts", [query("SELECT name, statement FROM pg_prepared_statements ORDER BY name")]),
    ("DEALLOCATE s1 drops the Parse's statement",
     [query("DEALLOCATE s1"), bind("s1", ["1"]), execute(), SYNC]),
    ("EXECUTE of a dropped name: 26000", [query("EXECUTE s1(1)")]),
    ("DEALLOCATE ALL", [parse("s3", "SELECT 3"), SYNC, query("DEALLOCATE ALL"),
                        query("SELECT count(*) FROM pg_prepared_statements")]),
]


def run(port, host=None):
    r = wirelib.Raw(port, host=host)
    r.login()
    seen = []
    for desc, msgs in STEPS:
        got = []
        for m in msgs:
            r.send(m)
            if m[:1] in (b"Q", b"S"):
                got += r.until(b"Z")
        seen.append((desc, summary(got)))
    r.send(msg(b"X"))
    r.close()
    return seen


def checks(tap, pg, hx):
    want = run(pg.port, host=pg.host)
    got = run(hx.port)
    for (desc, w), (_, g) in zip(want, got):
        tap.ok(g == w, desc + ": as PostgreSQL", "PostgreSQL: %r\nHeliosDB:   %r" % (w, g))
    tap.ok(("D", ("42",)) in want[0][1] and ("E", "42P05") in want[2][1],
           "the reference itself behaves as described", repr(want[:3]))


if __name__ == "__main__":
    wirelib.compare_with_pg(checks)
