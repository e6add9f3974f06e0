#!/usr/bin/python3
# doc-test: python3
"""Importing a PostgreSQL table into HeliosDB with COPY (psycopg2). The source is a real
PostgreSQL 15 that this program starts in a temporary folder (Debian's postgresql package; as
root it runs it as the postgres user); the target is the HeliosDB server of the libpq
environment (PGHOST, PGPORT, PGUSER, PGDATABASE).

Steps (docs/migration.md): create the table in HeliosDB with CRDT column types chosen per
column, stream PostgreSQL's COPY ... TO STDOUT into HeliosDB's COPY ... FROM STDIN, compare."""
import io
import os
import shutil
import socket
import subprocess
import tempfile

import psycopg2

PGBIN = "/usr/lib/postgresql/15/bin"


def as_postgres(cmd):
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


tmp = tempfile.mkdtemp(prefix="helios-import-")
os.chmod(tmp, 0o755)
if os.geteuid() == 0:
    shutil.chown(tmp, "postgres")
pgdata, port = os.path.join(tmp, "data"), free_port()
as_postgres([PGBIN + "/initdb", "-D", pgdata, "-A", "trust", "-U", "postgres"])
as_postgres([PGBIN + "/pg_ctl", "-D", pgdata, "-l", os.path.join(tmp, "log"), "-w", "-o",
             "-p %d -k %s -c listen_addresses=127.0.0.1" % (port, tmp), "start"])
try:
    # --- the existing PostgreSQL table
    src = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    src.autocommit = True
    s = src.cursor()
    s.execute("""CREATE TABLE products (
        id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2),
        tags text[], attrs jsonb, stock integer, views bigint, updated_at timestamptz)""")
    s.execute("""INSERT INTO products VALUES
        (1, 'Desk lamp', 39.90, '{home,light}', '{"color": "black", "watts": 40}', 12, 1500,
         '2026-03-01 10:00:00+00'),
        (2, 'Notebook, A5', 4.50, '{paper}', '{"pages": 96}', 200, 320, '2026-03-02 11:30:00+00'),
        (3, 'Pen "fine"', 1.20, '{}', '{}', 0, 0, NULL)""")

    # --- the HeliosDB table: same columns, CRDT types where concurrent writes must merge
    dst = psycopg2.connect("")
    dst.autocommit = True
    d = dst.cursor()
    d.execute("""CREATE TABLE products (
        id bigint PRIMARY KEY, name text, price numeric(10,2),
        tags aw_set,          -- was text[]: concurrent tag edits merge
        attrs lww_map,        -- was jsonb: concurrent edits of different keys merge
        stock pn_counter,     -- was integer: decremented by orders in every region
        views g_counter,      -- was bigint: only grows
        updated_at timestamptz)""")

    # --- COPY out of PostgreSQL, COPY into HeliosDB (text format, one atomic commit)
    buf = io.StringIO()
    s.copy_expert("COPY products (id, name, price, tags, attrs, stock, views, updated_at) "
                  "TO STDOUT", buf)
    buf.seek(0)
    d.copy_expert("COPY products (id, name, price, tags, attrs, stock, views, updated_at) "
                  "FROM STDIN", buf)
    print("copied rows:", d.rowcount)

    # --- compare: the same rows, read back as text from both servers
    q = ("SELECT id, name, price::text, tags::text, attrs::text, stock::text, views::text, "
         "updated_at::text FROM products ORDER BY id")
    s.execute("SET TIME ZONE 'UTC'")
    d.execute("SET TIME ZONE 'UTC'")
    s.execute(q)
    d.execute(q)
    pg_rows, helios_rows = s.fetchall(), d.fetchall()
    for row in helios_rows:
        print(row)
    print("identical to PostgreSQL:", pg_rows == helios_rows)

    # --- after the import, the CRDT columns take merge-friendly writes
    d.execute("UPDATE products SET stock = stock - 1, views = views + 1, "
              "tags = array_append(tags, 'bestseller') WHERE id = 1")
    d.execute("SELECT stock, views, tags FROM products WHERE id = 1")
    print("after an order:", d.fetchone())
    src.close()
    dst.close()
finally:
    as_postgres([PGBIN + "/pg_ctl", "-D", pgdata, "-m", "fast", "stop"])
    shutil.rmtree(tmp, ignore_errors=True)
