#!/usr/bin/python3
"""tests/integration/test_pg_dump.py — pg_dump and pg_restore (PostgreSQL 15's, as a user runs
them) against heliosdb --dev.

1. The same schema of plain types (serial, identity, varchar(n), numeric(p,s), arrays, date,
   timestamptz, uuid, jsonb, defaults, a foreign key, a sequence, an index, a DESC index, a
   UNIQUE constraint, a multi-column unique index with INCLUDE, grants to a role and to PUBLIC,
   a table owned by another role, a second schema with a serial table, an index, a sequence, a
   table named like one of public's, an enum type and a column of it, its grants) is created on PostgreSQL 15
   and on HeliosDB; `pg_dump --schema-only` of both must be equal line for line (the header's
   version lines and the \\restrict keys aside).
2. A full plain dump of a HeliosDB node (adding views, one in the second schema, CRDT columns
   and awkward text: tabs,
   newlines, backslashes, quotes, NULLs, non-ASCII) restores into a fresh node with
   `psql -v ON_ERROR_STOP=1`, and that node's dump equals the first one.
3. The custom format: `pg_dump -Fc` restored by `pg_restore --exit-on-error` into another
   fresh node reads back the same rows; serial and identity columns go on from where the
   source was, without a duplicate key.
   Owners and grants survive both restores (the roles made first, as pg_dumpall -g would).
4. Nothing of schema helios (the built-in extension heliosdb owns it) is in a dump.
5. pg_dumpall --globals-only lists the roles.
6. A database made on PostgreSQL 15 (uuid-ossp and a uuid_generate_v4() default, which pg_dump
   writes public.uuid_generate_v4(), the extension's comment, a second schema with a serial
   table, a foreign key into public, an index, a comment and a view) dumped by pg_dump restores
   into a fresh HeliosDB node with ON_ERROR_STOP, reads back the same and takes new rows."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

PGBIN = wirelib.PGBIN

PLAIN = """
CREATE TABLE authors (id serial PRIMARY KEY, name varchar(50) NOT NULL, tags text[],
    born date, score numeric(6,2) DEFAULT 0);
CREATE TABLE books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id integer REFERENCES authors(id), title text, nums integer[], at timestamptz,
    uid uuid, meta jsonb, ok boolean DEFAULT true, ratio double precision, n smallint);
CREATE SEQUENCE tick START 100 INCREMENT 5;
COMMENT ON TABLE authors IS 'People who write';
COMMENT ON COLUMN authors.born IS 'date of birth, if known';
CREATE INDEX books_title_idx ON books (title);
CREATE INDEX books_at_desc ON books (at DESC NULLS LAST, n);
ALTER TABLE authors ADD CONSTRAINT authors_name_key UNIQUE (name);
CREATE UNIQUE INDEX books_author_title ON books (author_id, title DESC) INCLUDE (n);
CREATE ROLE dump_reader;
CREATE ROLE dump_owner;
GRANT SELECT ON authors TO dump_reader;
GRANT SELECT, INSERT ON books TO PUBLIC;
GRANT USAGE ON SEQUENCE tick TO dump_reader;
ALTER TABLE books OWNER TO dump_owner;
ALTER DEFAULT PRIVILEGES FOR ROLE dump_owner GRANT SELECT ON TABLES TO dump_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE dump_owner IN SCHEMA public GRANT USAGE ON SEQUENCES TO dump_reader;
CREATE SCHEMA inventory;
CREATE TABLE inventory.stock (id serial PRIMARY KEY, book_id bigint REFERENCES books(id),
    qty integer DEFAULT 0, note text);
CREATE INDEX stock_qty_idx ON inventory.stock (qty);
CREATE SEQUENCE inventory.batch START 7;
CREATE TABLE inventory.authors (id integer PRIMARY KEY, alias text);
CREATE TYPE inventory.grade AS ENUM ('low', 'high');
CREATE TABLE inventory.graded (id integer PRIMARY KEY, g inventory.grade);
COMMENT ON TABLE inventory.stock IS 'What is on the shelves';
GRANT USAGE ON SCHEMA inventory TO dump_reader;
GRANT SELECT ON inventory.stock TO dump_reader;
"""

ROLES = "CREATE ROLE dump_reader; CREATE ROLE dump_owner;"  # pg_dump leaves roles to pg_dumpall

# a database made on PostgreSQL 15, dumped there and restored into HeliosDB (step 6)
PG_SOURCE = """
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), label text,
    made timestamptz DEFAULT now());
INSERT INTO tokens (label) VALUES ('a'), ('b');
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigserial PRIMARY KEY, token uuid REFERENCES public.tokens(id),
    total numeric(10,2));
INSERT INTO shop.orders (token, total) SELECT id, 9.99 FROM tokens ORDER BY label;
COMMENT ON TABLE shop.orders IS 'orders';
CREATE INDEX orders_total_idx ON shop.orders (total);
CREATE VIEW shop.big AS SELECT id, total FROM shop.orders WHERE total > 5;
"""
PG_CHECK = ("SELECT label FROM tokens ORDER BY 1; SELECT id, total FROM shop.big ORDER BY 1; "
            "SELECT obj_description('shop.orders'::regclass, 'pg_class'); "
            "SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'uuid-ossp'; "
            "SELECT column_default FROM information_schema.columns WHERE table_name = 'tokens' AND column_name = 'id'; "
            "SELECT count(*) FROM tokens t JOIN shop.orders o ON o.token = t.id")

DATA = r"""
INSERT INTO authors (name, tags, born, score) VALUES
    ('Ann', '{x,"y z"}', '1970-01-02', 12.5), ('Bob', NULL, NULL, DEFAULT),
    (E'Tab\there\nnewline \\ back ''q''', '{}', '2000-02-29', -1);
INSERT INTO books (author_id, title, nums, at, uid, meta, ok, ratio, n) VALUES
    (1, 'Zürich ☃', '{1,NULL,3}', '2024-01-02 03:04:05.5+00',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2], "b": null}', false, 0.1, 7),
    (3, NULL, NULL, NULL, NULL, NULL, DEFAULT, 'Infinity', NULL);
SELECT nextval('tick');
INSERT INTO inventory.stock (book_id, qty) VALUES (1, 3), (2, 9);
INSERT INTO inventory.authors VALUES (1, 'A.');
INSERT INTO inventory.graded VALUES (1, 'high'), (2, 'low');
"""

EXTRA = """
CREATE VIEW cheap AS SELECT title, score FROM books JOIN authors ON authors.id = books.author_id;
CREATE VIEW inventory.low AS SELECT id, qty FROM inventory.stock WHERE qty < 5;
CREATE TABLE likes (id integer PRIMARY KEY, hits g_counter, fans or_set, who lww_map,
    lo integer CHECK (lo >= 0), hi integer, CONSTRAINT ordered CHECK (lo <= hi));
INSERT INTO likes VALUES (1, 3, '{ann,bob}', '{"k": "v"}', 1, 2);
UPDATE likes SET hits = hits + 2, fans = array_append(fans, 'cy') WHERE id = 1;
"""


def sh(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kw)


def dump(port, *extra):
    r = sh(["pg_dump", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", *extra, "postgres"])
    return r.returncode, r.stdout, r.stderr


def comparable(text):
    """A dump without what differs by design: the server and pg_dump versions, \\restrict keys."""
    return [l for l in text.splitlines()
            if not l.startswith("-- Dumped from") and not l.startswith("\\restrict")
            and not l.startswith("\\unrestrict")]


def restore_plain(port, text):
    return sh(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-X", "-q",
               "-v", "ON_ERROR_STOP=1", "-d", "postgres"], input=text)


def query(port, sql):
    """Runs sql through psql (unaligned, tuples only); its output, or the error raised."""
    r = sh(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-X", "-A", "-t", "-q",
            "-v", "ON_ERROR_STOP=1", "-d", "postgres"], input=sql)
    if r.returncode:
        raise RuntimeError("psql failed: " + r.stderr)
    return r.stdout.strip()


def main():
    tap = wirelib.Tap()
    a = wirelib.Server(dev=True)
    b = wirelib.Server(dev=True)
    c = wirelib.Server(dev=True)
    e = wirelib.Server(dev=True)
    pg = wirelib.PgServer()  # deploy/install-deps.sh installs PostgreSQL 15
    try:
        # 1. schema-only dumps of the same schema on PostgreSQL 15 and on HeliosDB
        query(a.port, PLAIN + DATA)
        r = sh(["psql", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "-X", "-q",
                "-v", "ON_ERROR_STOP=1", "-d", "postgres"], input=PLAIN + DATA)
        tap.ok(r.returncode == 0, "the plain schema loads into PostgreSQL 15", r.stderr)
        rp = sh(["pg_dump", "-h", pg.host, "-p", str(pg.port), "-U", "postgres",
                 "--schema-only", "postgres"])
        rc, out, err = dump(a.port, "--schema-only")
        tap.ok(rc == 0, "pg_dump --schema-only of HeliosDB succeeds", err)
        mine, theirs = comparable(out), comparable(rp.stdout)
        diff = [(i, x, y) for i, (x, y) in enumerate(zip(theirs, mine)) if x != y][:5]
        tap.ok(mine == theirs, "pg_dump --schema-only: HeliosDB's dump equals PostgreSQL 15's "
               "(%d lines)" % len(theirs), (len(theirs), len(mine), diff))
        # 2. a full plain dump restores into a fresh node, whose dump is the same
        query(a.port, EXTRA)
        rc, first, err = dump(a.port)
        tap.ok(rc == 0 and "COPY public.likes" in first, "pg_dump of a node with a view and CRDT "
               "columns succeeds", err)
        tap.ok("helios" not in first.lower().replace("heliosdb 0.", ""),
               "nothing of schema helios is dumped (extension heliosdb owns it)",
               [l for l in first.splitlines() if "helios" in l.lower()])
        query(b.port, ROLES)
        query(c.port, ROLES)
        r = restore_plain(b.port, first)
        tap.ok(r.returncode == 0, "psql -v ON_ERROR_STOP=1 restores the dump into a fresh node",
               r.stderr)
        rc, second, err = dump(b.port)
        d = [(x, y) for x, y in zip(comparable(first), comparable(second)) if x != y][:5]
        tap.ok(rc == 0 and comparable(first) == comparable(second),
               "the restored node dumps the same as the source", d or err)
        got = query(b.port, "SELECT name FROM authors WHERE id = 3")
        tap.ok(got == "Tab\there\nnewline \\ back 'q'", "text with tab, newline, backslash and "
               "quotes survives", repr(got))
        got = query(b.port, "SELECT hits, fans, who FROM likes")
        tap.ok(got == '5|{ann,bob,cy}|{"k": "v"}', "CRDT column values survive", got)
        # the same dump loaded a second time (without ON_ERROR_STOP, as a careless user would):
        # its CREATEs and COPYs fail on what exists, as on PostgreSQL; no counter is added to
        r = sh(["psql", "-h", "127.0.0.1", "-p", str(b.port), "-U", "postgres", "-X", "-q",
                "-d", "postgres"], input=first)
        again = query(b.port, "SELECT hits, fans, who FROM likes")
        rc, third, err = dump(b.port)
        tap.ok(again == got and "already exists" in r.stderr and "duplicate key" in r.stderr and
               comparable(third) == comparable(second),
               "restoring the dump again changes nothing (the counter stays 5, the dump is the same)",
               (again, r.stderr[-300:]))
        r = sh(["psql", "-h", "127.0.0.1", "-p", str(b.port), "-U", "postgres", "-X", "-d",
                "postgres", "-c", "UPDATE likes SET hi = 0 WHERE id = 1"])
        tap.ok(r.returncode != 0 and 'violates check constraint "ordered"' in r.stderr,
               "the restored CHECK constraints hold", r.stderr)
        got = query(b.port, "SELECT obj_description('authors'::regclass, 'pg_class'), "
                    "col_description('authors'::regclass, 4)")
        tap.ok(got == "People who write|date of birth, if known", "comments survive", got)
        # 3. the custom format through pg_restore
        fc = os.path.join(c.tmp, "dump.fc")
        r = sh(["pg_dump", "-Fc", "-f", fc, "-h", "127.0.0.1", "-p", str(a.port), "-U",
                "postgres", "postgres"])
        tap.ok(r.returncode == 0, "pg_dump -Fc succeeds", r.stderr)
        r = sh(["pg_restore", "--exit-on-error", "-h", "127.0.0.1", "-p", str(c.port), "-U",
                "postgres", "-d", "postgres", fc])
        tap.ok(r.returncode == 0, "pg_restore --exit-on-error into a fresh node", r.stderr)
        src = query(a.port, "SELECT string_agg(concat_ws(',', b.id, b.title, b.nums, b.at, b.meta, "
                    "a.name, a.tags), ';' ORDER BY b.id) FROM books b JOIN authors a ON a.id = b.author_id")
        dst = query(c.port, "SELECT string_agg(concat_ws(',', b.id, b.title, b.nums, b.at, b.meta, "
                    "a.name, a.tags), ';' ORDER BY b.id) FROM books b JOIN authors a ON a.id = b.author_id")
        tap.ok(src == dst and src, "pg_restore: the rows read back the same", (src, dst))
        ids = query(c.port, "INSERT INTO authors (name) VALUES ('new') RETURNING id; "
                    "INSERT INTO books (title) VALUES ('new') RETURNING id")
        nums = [int(x) for x in ids.split() if x.isdigit()]
        tap.ok(len(nums) == 2 and nums[0] > 3 and nums[1] > 2,
               "serial and identity go on past the restored rows", ids)
        got = query(c.port, "SELECT title FROM cheap ORDER BY title")
        tap.ok(got.splitlines() == ["Zürich ☃"], "the view is restored", got)
        sch = "SELECT string_agg(id || ':' || book_id || ':' || qty, ',' ORDER BY id) FROM inventory.stock; " \
              "SELECT id, qty FROM inventory.low; SELECT alias FROM inventory.authors; " \
              "SELECT string_agg(id || ':' || g, ',' ORDER BY g) FROM inventory.graded; " \
              "SELECT nspname, pg_get_userbyid(nspowner), nspacl FROM pg_namespace WHERE nspname = 'inventory'"
        want, got_b, got_c = query(a.port, sch), query(b.port, sch), query(c.port, sch)
        tap.ok(want == got_b == got_c and want.startswith("1:1:3,2:2:9\n1|3\nA.\n2:low,1:high\ninventory|postgres|"),
               "schema inventory, its tables, view, owner and grants survive both restores",
               (want, got_b, got_c))
        ids = query(c.port, "INSERT INTO inventory.stock (qty) VALUES (1) RETURNING id")
        tap.ok(ids == "3", "a serial column in another schema goes on past the restored rows", ids)
        acl = "SELECT relname, pg_get_userbyid(relowner), relacl FROM pg_class WHERE relname IN " \
              "('authors', 'books', 'books_id_seq', 'tick') AND relnamespace = 'public'::regnamespace ORDER BY 1"
        want, got_b, got_c = query(a.port, acl), query(b.port, acl), query(c.port, acl)
        tap.ok(want == got_b == got_c and "dump_reader=r/postgres" in want and
               "books|dump_owner" in want and "books_id_seq|dump_owner" in want,
               "owners and grants survive both restores (identity sequence follows its table)",
               (want, got_b, got_c))
        # 4. pg_dumpall --globals-only: the roles, restorable into a fresh node
        r = sh(["pg_dumpall", "--globals-only", "-h", "127.0.0.1", "-p", str(a.port), "-U",
                "postgres"])
        tap.ok(r.returncode == 0 and "CREATE ROLE dump_reader;" in r.stdout and
               "ALTER ROLE dump_reader WITH NOSUPERUSER INHERIT NOCREATEROLE" in r.stdout,
               "pg_dumpall --globals-only lists the roles", r.stdout[-800:] + r.stderr)
        # 6. PostgreSQL 15's dump of its own database, restored into HeliosDB
        r = sh(["psql", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "-X", "-q", "-d",
                "postgres", "-c", "CREATE DATABASE pgsrc"])
        r2 = sh(["psql", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "-X", "-q",
                 "-v", "ON_ERROR_STOP=1", "-d", "pgsrc"], input=PG_SOURCE)
        rd = sh(["pg_dump", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "pgsrc"])
        tap.ok(r.returncode == 0 and r2.returncode == 0 and rd.returncode == 0 and
               "public.uuid_generate_v4()" in rd.stdout and "COMMENT ON EXTENSION" in rd.stdout,
               "a PostgreSQL 15 database with uuid-ossp and a second schema dumps",
               r.stderr + r2.stderr + rd.stderr)
        r = restore_plain(e.port, rd.stdout)
        tap.ok(r.returncode == 0, "PostgreSQL 15's dump restores into HeliosDB with ON_ERROR_STOP=1",
               r.stderr)
        want = sh(["psql", "-h", pg.host, "-p", str(pg.port), "-U", "postgres", "-X", "-A", "-t",
                   "-q", "-d", "pgsrc"], input=PG_CHECK).stdout.strip()
        got = query(e.port, PG_CHECK)
        tap.ok(want == got and "a\nb" in want, "the restored database reads back as on PostgreSQL 15",
               (want, got))
        got = query(e.port, "INSERT INTO tokens (label) VALUES ('c') RETURNING length(id::text); "
                    "INSERT INTO shop.orders (total) VALUES (1) RETURNING id")
        tap.ok(got.split() == ["36", "3"], "defaults go on: a new uuid, the serial past the restored rows", got)
    finally:
        for s in (a, b, c, e):
            s.cleanup()
        pg.cleanup()
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
