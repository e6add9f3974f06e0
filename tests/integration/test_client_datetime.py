#!/usr/bin/python3
"""tests/integration/test_client_datetime.py — date, time, timestamp, interval and uuid through
real drivers against heliosdb --dev: asyncpg (binary wire format for every value and parameter),
psycopg2 (text format, Python datetime/uuid adaptation) and SQLAlchemy 1.4's ORM (Date,
DateTime, Time, Interval and UUID columns, server defaults now() and gen_random_uuid(),
reflection of the column types). Each check compares the Python values read back with the
values written."""
import asyncio
import datetime as dt
import os
import sys
import uuid

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

import asyncpg  # noqa: E402
import psycopg2  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.dialects.postgresql import UUID as PGUUID  # noqa: E402
from sqlalchemy.orm import Session, declarative_base  # noqa: E402

U1 = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
ROW = (U1, dt.date(2024, 2, 29), dt.datetime(2024, 1, 2, 3, 4, 5, 678901),
       dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), dt.time(23, 59, 59, 1),
       dt.timedelta(days=3, hours=4, microseconds=5))


async def asyncpg_checks(tap, port):
    c = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
    try:
        await c.execute("CREATE TABLE apg (id uuid PRIMARY KEY, d date, ts timestamp, "
                        "tz timestamptz, t time, iv interval)")
        await c.execute("INSERT INTO apg VALUES ($1, $2, $3, $4, $5, $6)", *ROW)
        r = await c.fetchrow("SELECT * FROM apg WHERE id = $1", U1)
        tap.ok(tuple(r.values()) == ROW, "asyncpg: binary round trip of uuid, date, timestamp, "
               "timestamptz, time, interval", tuple(r.values()))
        v = await c.fetchval("SELECT $1::interval * 2 + interval '1 month'", dt.timedelta(hours=1))
        tap.ok(v == dt.timedelta(days=30, hours=2), "asyncpg: interval arithmetic (1 mon reads as 30 days)", v)
        n = await c.fetchval("SELECT count(*) FROM apg WHERE d BETWEEN $1 AND $2 AND ts < $3",
                             dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.datetime(2025, 1, 1))
        tap.ok(n == 1, "asyncpg: date and timestamp parameters in a range", n)
        k = await c.fetchval("SELECT extract(epoch FROM $1::timestamptz)",
                             dt.datetime(1970, 1, 2, tzinfo=dt.timezone.utc))
        tap.ok(str(k) == "86400.000000", "asyncpg: extract(epoch) as numeric", k)
    finally:
        await c.close()


def psycopg2_checks(tap, port):
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    c.autocommit = True
    cur = c.cursor()
    cur.execute("CREATE TABLE pg2 (id uuid PRIMARY KEY, d date, ts timestamp, tz timestamptz, "
                "t time, iv interval)")
    cur.execute("INSERT INTO pg2 VALUES (%s, %s, %s, %s, %s, %s)", (str(U1),) + ROW[1:])
    cur.execute("SELECT id::text, d, ts, tz, t, iv FROM pg2")
    r = cur.fetchone()
    tap.ok((uuid.UUID(r[0]),) + tuple(r[1:]) == ROW, "psycopg2: text round trip", r)
    cur.execute("SET TimeZone = 'America/New_York'")
    cur.execute("SELECT timestamptz '2024-03-09 12:00' + interval '1 day', "
                "date_trunc('day', timestamptz '2024-03-10 15:00')")
    a, b = cur.fetchone()
    tap.ok(a.isoformat() == "2024-03-10T12:00:00-04:00" and b.isoformat() == "2024-03-10T00:00:00-05:00",
           "psycopg2: a day added across the DST change keeps the wall clock", (a, b))
    c.close()


Base = declarative_base()


class Visit(Base):
    __tablename__ = "visits"
    id = sa.Column(PGUUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()"))
    day = sa.Column(sa.Date, nullable=False)
    at = sa.Column(sa.DateTime, server_default=sa.func.now())
    opens = sa.Column(sa.Time)
    stay = sa.Column(sa.Interval)


def sqlalchemy_checks(tap, port):
    eng = sa.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/postgres" % port, future=True)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        v = Visit(day=dt.date(2024, 3, 1), opens=dt.time(8, 30), stay=dt.timedelta(minutes=90))
        s.add(v)
        s.add(Visit(day=dt.date(2024, 3, 3), stay=dt.timedelta(minutes=45)))
        s.commit()
        tap.ok(isinstance(v.id, uuid.UUID) and v.id.version == 4,
               "SQLAlchemy: server default gen_random_uuid() read back as a version 4 UUID", v.id)
        got = s.query(Visit).filter(Visit.day == dt.date(2024, 3, 1)).one()
        tap.ok(got.opens == dt.time(8, 30) and got.stay == dt.timedelta(minutes=90) and
               isinstance(got.at, dt.datetime) and got.at.tzinfo is None,
               "SQLAlchemy: Date/Time/Interval values and DateTime default now() (naive)",
               (got.opens, got.stay, got.at))
        total = s.query(sa.func.sum(Visit.stay)).scalar()
        tap.ok(total == dt.timedelta(minutes=135), "SQLAlchemy: sum() of an Interval column", total)
        late = s.query(sa.func.count()).filter(Visit.day > dt.date(2024, 3, 1)).scalar()
        tap.ok(late == 1, "SQLAlchemy: filter on a Date column", late)
    cols = {c["name"]: c["type"] for c in sa.inspect(eng).get_columns("visits")}
    kinds = {k: type(t).__name__ for k, t in cols.items()}
    tap.ok(kinds == {"id": "UUID", "day": "DATE", "at": "TIMESTAMP", "opens": "TIME", "stay": "INTERVAL"},
           "SQLAlchemy: reflection gives the column types", kinds)


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    try:
        asyncio.run(asyncpg_checks(tap, srv.port))
        psycopg2_checks(tap, srv.port)
        sqlalchemy_checks(tap, srv.port)
    finally:
        srv.stop()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
