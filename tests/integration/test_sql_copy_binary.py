#!/usr/bin/python3
"""tests/integration/test_sql_copy_binary.py — COPY ... (FORMAT binary), PostgreSQL's binary COPY
format, both ways: asyncpg's copy_records_to_table (how applications bulk-load with it) and
copy_from_table / copy_to_table, psycopg2's copy_expert with a file built here byte by byte,
the bytes COPY TO writes (signature, header, field counts and lengths, NULLs, trailer), and
malformed input refused with PostgreSQL's SQLSTATEs (22P04, 22P03) without writing anything,
and COPY (query) TO in binary byte for byte as PostgreSQL 15 writes it. TAP on stdout. Env BINDIR: folder of heliosdb (default bin)."""
import asyncio
import datetime
import decimal
import io
import os
import struct
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import asyncpg  # noqa: E402
import psycopg2  # noqa: E402
import wirelib  # noqa: E402

SIG = b"PGCOPY\n\xff\r\n\x00"
COLS = ("id int PRIMARY KEY, name text, score numeric(6,2), at timestamptz, tags text[], u uuid, "
        "b bytea, f float8, d date, ok boolean, j jsonb")


def binfile(rows):
    """rows of (int4, text or None): PostgreSQL's binary COPY format"""
    out = [SIG, struct.pack(">ii", 0, 0)]
    for i, t in rows:
        out.append(struct.pack(">hii", 2, 4, i))
        out.append(struct.pack(">i", -1) if t is None else struct.pack(">i", len(t.encode())) + t.encode())
    out.append(struct.pack(">h", -1))
    return b"".join(out)


async def with_asyncpg(tap, port):
    c = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
    await c.execute("CREATE TABLE cb_t (%s)" % COLS)
    utc = datetime.timezone.utc
    rows = [(i, "n%d" % i if i % 3 else None, decimal.Decimal("%d.25" % i),
             datetime.datetime(2026, 1, 1, tzinfo=utc) + datetime.timedelta(hours=i),
             ["a", 'b"c', None] if i % 2 else [], uuid.UUID(int=i), bytes([i, 0, 255]), i / 4,
             datetime.date(2026, 1, 1 + i), i % 2 == 0, '{"k": %d}' % i) for i in range(1, 6)]
    tag = await c.copy_records_to_table("cb_t", records=rows)
    tap.ok(tag == "COPY 5", "asyncpg copy_records_to_table (binary COPY FROM)", tag)
    got = [tuple(r) for r in await c.fetch("SELECT * FROM cb_t ORDER BY id")]
    tap.ok(got == rows, "every type read back as written (numeric, timestamptz, text[] with NULL, "
           "uuid, bytea, float8, date, boolean, jsonb)", got[:2])
    buf = io.BytesIO()
    tag = await c.copy_from_table("cb_t", output=buf, format="binary")
    tap.ok(tag == "COPY 5" and buf.getvalue().startswith(SIG + struct.pack(">ii", 0, 0)) and
           buf.getvalue().endswith(struct.pack(">h", -1)), "copy_from_table: signature, header, trailer")
    await c.execute("CREATE TABLE cb_t2 (%s)" % COLS)
    buf.seek(0)
    tag = await c.copy_to_table("cb_t2", source=buf, format="binary")
    same = await c.fetchval("SELECT count(*) FROM cb_t a JOIN cb_t2 b ON a.id = b.id AND "
                            "a.name IS NOT DISTINCT FROM b.name AND a.score = b.score AND a.at = b.at "
                            "AND a.tags = b.tags AND a.u = b.u AND a.b = b.b AND a.f = b.f AND "
                            "a.d = b.d AND a.ok = b.ok AND a.j = b.j")
    tap.ok(tag == "COPY 5" and same == 5, "what COPY TO wrote, COPY FROM reads back unchanged", (tag, same))
    await c.execute("DROP TABLE cb_t, cb_t2")
    await c.close()


def with_psycopg2(tap, port):
    cn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    cn.autocommit = True
    cur = cn.cursor()
    cur.execute("CREATE TABLE cb_p (id int PRIMARY KEY, t text)")
    cur.copy_expert("COPY cb_p FROM STDIN (FORMAT binary)", io.BytesIO(binfile([(1, "one"), (2, None), (3, "")])))
    cur.execute("SELECT id, t FROM cb_p ORDER BY id")
    got = cur.fetchall()
    tap.ok(got == [(1, "one"), (2, None), (3, "")], "a file built byte by byte loads (NULL and '' apart)", got)
    out = io.BytesIO()
    cur.copy_expert("COPY cb_p (id, t) TO STDOUT WITH (FORMAT binary)", out)
    tap.ok(out.getvalue() == binfile([(1, "one"), (2, None), (3, "")]),
           "COPY TO writes PostgreSQL's bytes exactly", out.getvalue()[:40])

    def refused(data, code, what):
        try:
            cur.copy_expert("COPY cb_p FROM STDIN (FORMAT binary)", io.BytesIO(data))
            tap.ok(False, what + " is refused")
        except psycopg2.Error as e:
            tap.ok(e.pgcode == code, "%s is refused (%s)" % (what, code), (e.pgcode, str(e)))
    good = binfile([(7, "seven")])
    refused(b"PGCOPY\n\xff\r\n\x01" + good[11:], "22P04", "a wrong signature")
    refused(good[:-6], "22P04", "data cut short")
    refused(SIG + struct.pack(">ii", 0, 0) + struct.pack(">hi", 1, 4) + struct.pack(">i", 7) +
            struct.pack(">h", -1), "22P04", "a row with the wrong field count")
    refused(SIG + struct.pack(">ii", 0, 0) + struct.pack(">hi", 2, 3) + b"abc" + struct.pack(">i", -1) +
            struct.pack(">h", -1), "08P01", "an int4 field of 3 bytes")
    refused(SIG + struct.pack(">ii", 0, 0) + struct.pack(">hi", 2, 5) + b"abcde" + struct.pack(">i", -1) +
            struct.pack(">h", -1), "22P03", "an int4 field of 5 bytes")
    refused(SIG + struct.pack(">ii", 0x10000, 0) + struct.pack(">h", -1), "22P04", "WITH OIDS data")
    cur.execute("SELECT count(*) FROM cb_p")
    tap.ok(cur.fetchone()[0] == 3, "nothing of a refused COPY was written")
    try:
        cur.execute("COPY cb_p TO STDOUT (FORMAT binary, HEADER)")
        tap.ok(False, "HEADER in binary mode is refused")
    except psycopg2.Error as e:
        tap.ok(e.pgcode == "0A000", "HEADER in binary mode is refused (0A000)", e.pgcode)
    cur.execute("DROP TABLE cb_p")
    cn.close()


# COPY (query) TO STDOUT (FORMAT binary): the bytes PostgreSQL 15 writes for the same query
COPY_QUERY = ("COPY (SELECT g AS id, 'row ' || g AS name, (g * 1.25)::numeric(6,2) AS score, "
              "timestamptz '2026-01-02 03:04:05+00' + g * interval '1 hour' AS at, "
              "ARRAY['a', NULL, 'c'] AS tags, g % 2 = 0 AS ok, "
              "CASE WHEN g = 2 THEN NULL ELSE jsonb_build_object('g', g) END AS j "
              "FROM generate_series(1, 3) g ORDER BY g) TO STDOUT WITH (FORMAT binary)")


def copy_query_bytes(**kw):
    c = psycopg2.connect(user="postgres", dbname="postgres", **kw)
    c.autocommit = True
    c.cursor().execute("SET TimeZone = 'UTC'")
    buf = io.BytesIO()
    c.cursor().copy_expert(COPY_QUERY, buf)
    c.close()
    return buf.getvalue()


def copy_query_vs_pg(tap, port):
    if not wirelib.pg15_available():
        tap.ok(False, "PostgreSQL 15 is installed (deploy/install-deps.sh)")
        return
    pg = wirelib.PgServer()
    try:
        want = copy_query_bytes(host=pg.host, port=pg.port)
        got = copy_query_bytes(host="127.0.0.1", port=port)
        tap.ok(got == want and want.startswith(SIG),
               "COPY (query) TO STDOUT (FORMAT binary): the same bytes as PostgreSQL 15 (%d)" % len(want),
               "PostgreSQL: %r\nHeliosDB:   %r" % (want, got))
    finally:
        pg.cleanup()


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    try:
        asyncio.run(with_asyncpg(tap, srv.port))
        with_psycopg2(tap, srv.port)
        copy_query_vs_pg(tap, srv.port)
    except Exception:  # noqa: BLE001 - reported as a failure, not lost
        import traceback
        tap.ok(False, "the test ran to the end", traceback.format_exc())
    finally:
        srv.stop()
    tap.done()


if __name__ == "__main__":
    main()
