#!/usr/bin/python3
"""tests/integration/test_client_psycopg3.py — psycopg 3 (Debian's python3-psycopg) as applications
use it: executemany with typed parameters (enum, text[], jsonb, uuid, timestamptz) read back as
Python values, TypeInfo.fetch and EnumInfo.fetch (a regtype parameter), nested transaction()
blocks (savepoints), a named (server-side) cursor (DECLARE, then Describe of it as a portal),
COPY in text and binary, server-side prepared statements (prepare_threshold=0) and pipeline
mode. Each check asserts the values read back. TAP on stdout. Env BINDIR."""
import datetime
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

try:
    import psycopg
    from psycopg.types import TypeInfo
    from psycopg.types.enum import EnumInfo
    from psycopg.types.json import Jsonb
except ImportError:
    print("1..0 # SKIP psycopg 3 missing (apt-get install python3-psycopg)")
    sys.exit(0)


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    try:
        with psycopg.connect(host="127.0.0.1", port=srv.port, user="postgres", dbname="postgres",
                             autocommit=True) as c:
            c.execute("CREATE TYPE p3_mood AS ENUM ('sad', 'ok', 'happy')")
            c.execute("CREATE TABLE p3_t (id serial PRIMARY KEY, name text, m p3_mood, tags text[], "
                      "meta jsonb, u uuid, at timestamptz)")
            at = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
            with c.cursor() as cur:
                cur.executemany("INSERT INTO p3_t (name, m, tags, meta, u, at) VALUES (%s, %s, %s, %s, %s, %s)",
                                [("a", "ok", ["x"], Jsonb({"k": 1}), uuid.UUID(int=1), at),
                                 ("b", "happy", [], None, None, None)])
                cur.execute("SELECT id, name, m, tags, meta, u, at FROM p3_t ORDER BY id")
                rows = cur.fetchall()
            tap.ok(rows == [(1, "a", "ok", ["x"], {"k": 1}, uuid.UUID(int=1), at), (2, "b", "happy", [], None, None, None)],
                   "executemany and fetchall: enum, text[], jsonb, uuid, timestamptz as Python values", rows)
            ti = TypeInfo.fetch(c, "jsonb")
            tap.ok(ti is not None and ti.oid == 3802 and ti.array_oid == 3807, "TypeInfo.fetch('jsonb')", ti)
            ei = EnumInfo.fetch(c, "p3_mood")
            tap.ok(ei is not None and ei.labels == ["sad", "ok", "happy"], "EnumInfo.fetch of an enum: its labels",
                   ei and ei.labels)
            with c.transaction():
                c.execute("INSERT INTO p3_t (name) VALUES ('c')")
                caught = False
                try:
                    with c.transaction():
                        c.execute("INSERT INTO p3_t (id, name) VALUES (1, 'dup')")
                except psycopg.errors.UniqueViolation:
                    caught = True
            n = c.execute("SELECT count(*) FROM p3_t").fetchone()[0]
            tap.ok(caught and n == 3, "nested transaction(): the inner failure rolls back to its savepoint only",
                   (caught, n))
            with c.transaction():
                with c.cursor(name="p3_named") as nc:
                    nc.itersize = 1
                    nc.execute("SELECT id FROM p3_t ORDER BY id")
                    ids = [r[0] for r in nc]
                    desc = [d.name for d in nc.description]
            tap.ok(ids == [1, 2, 3] and desc == ["id"], "a named cursor: DECLARE, Describe as a portal, FETCH",
                   (ids, desc))
            with c.cursor() as cur:
                with cur.copy("COPY p3_t (name) FROM STDIN") as cp:
                    cp.write_row(("copied",))
                with cur.copy("COPY p3_t (id, name) TO STDOUT (FORMAT binary)") as cp:
                    cp.set_types(["int4", "text"])
                    out = list(cp.rows())
            tap.ok(out[-1] == (4, "copied") and len(out) == 4, "COPY FROM in text, COPY TO in binary", out[-1:])
            c.prepare_threshold = 0
            got = [c.execute("SELECT %s::int + 1", (i,)).fetchone()[0] for i in range(3)]
            tap.ok(got == [1, 2, 3], "server-side prepared statements (prepare_threshold=0)", got)
            with c.pipeline():
                c.execute("INSERT INTO p3_t (name) VALUES (%s)", ("pipe",))
                r = c.execute("SELECT count(*) FROM p3_t").fetchone()
            tap.ok(r == (5,), "pipeline mode", r)
            c.execute("DROP TABLE p3_t")
            c.execute("DROP TYPE p3_mood")
    except Exception:  # noqa: BLE001 - reported as a failure, not lost
        import traceback
        tap.ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        srv.stop()
    tap.done()


if __name__ == "__main__":
    main()
