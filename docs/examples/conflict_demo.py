#!/usr/bin/python3
# doc-test: python3 cluster
"""Two-region conflict demo with psycopg2: the same document row is edited in us-east-1 and in
eu-west-1 while the replication link between them is cut, so the edits are concurrent. After the
link is healed both regions hold the same merged row: the counter has both increments, the
mv_register both titles, the aw_set both tags, the lww_map both keys; helios.conflicts counts
the register conflict. A session in eu-west-1 LISTENs on channel docs, and each edit sends a
NOTIFY in its transaction: the listener hears its own region's edit at once and us-east-1's only
after the heal, when the row it reads already holds that edit.

Needs two regions that replicate only with each other, and a way to cut their link:
  HELIOS_REGIONS   "us-east-1=HOST:PORT,eu-west-1=HOST:PORT" (SQL addresses)
  HELIOS_CUT_CMD   shell command that cuts the link (e.g. a firewall rule dropping the UDP
                   replication port), HELIOS_HEAL_CMD the one that restores it
PGUSER / PGPASSWORD / PGSSLMODE ... apply to both connections (libpq environment).
The docs test (tests/integration/test_docs.py) provides all three with its emulated WAN link.
"""
import os
import select
import subprocess
import time

import psycopg2

regions = dict(item.split("=") for item in os.environ["HELIOS_REGIONS"].split(","))


def connect(region):
    host, port = regions[region].rsplit(":", 1)
    c = psycopg2.connect(host=host, port=int(port))  # user, password, sslmode: PG* variables
    c.autocommit = True
    return c


def one(conn, sql, args=None):
    cur = conn.cursor()
    cur.execute(sql, args)
    return cur.fetchone()


def wait_converged(a, b, timeout=60):
    """Equal helios_digest() on both regions = the same contents."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if one(a, "SELECT helios_digest()") == one(b, "SELECT helios_digest()"):
            return True
        time.sleep(0.05)
    return False


def heard(conn, n, timeout=60):
    """The payloads of the first n notifications the listening connection receives."""
    deadline = time.time() + timeout
    while len(conn.notifies) < n and time.time() < deadline:
        select.select([conn], [], [], 0.5)
        conn.poll()
    return [x.payload for x in conn.notifies]


def conflicts(conn, timeout=10):
    """helios.conflicts for table docs; a region attributes a conflict just after the merge."""
    deadline = time.time() + timeout
    row = None
    while row is None and time.time() < deadline:
        row = one(conn, "SELECT conflicts FROM helios.conflicts WHERE table_name = 'docs'")
        if row is None:
            time.sleep(0.05)
    return row[0] if row else 0


us, eu = connect("us-east-1"), connect("eu-west-1")
us.cursor().execute("CREATE TABLE docs (id bigint PRIMARY KEY, title mv_register, "
                    "edits g_counter, labels aw_set, meta lww_map)")
us.cursor().execute("INSERT INTO docs VALUES (1, 'Q3 plan', 1, ARRAY['draft'], "
                    "'{\"owner\": \"ana\"}')")
assert wait_converged(us, eu), "regions did not converge"
print("before:   ", one(eu, "SELECT title, edits, labels, meta FROM docs WHERE id = 1"))

listener = connect("eu-west-1")  # e.g. a cache or a websocket server of eu-west-1
listener.cursor().execute("LISTEN docs")

subprocess.run(os.environ["HELIOS_CUT_CMD"], shell=True, check=True)
cur = us.cursor()
cur.execute("BEGIN")
cur.execute("UPDATE docs SET title = 'Q3 plan (US)', edits = edits + 1, "
            "labels = array_append(labels, 'finance'), "
            "meta = meta || '{\"reviewer\": \"bo\"}' WHERE id = 1")
cur.execute("NOTIFY docs, '1 edited in us-east-1'")
cur.execute("COMMIT")
cur = eu.cursor()
cur.execute("BEGIN")
cur.execute("UPDATE docs SET title = 'Q3 plan (EU)', edits = edits + 1, "
            "labels = array_append(labels, 'legal'), "
            "meta = meta || '{\"due\": \"2026-09-30\"}' WHERE id = 1")
cur.execute("NOTIFY docs, '1 edited in eu-west-1'")
cur.execute("COMMIT")
print("us-east-1:", one(us, "SELECT title, edits, labels, meta FROM docs WHERE id = 1"))
print("eu-west-1:", one(eu, "SELECT title, edits, labels, meta FROM docs WHERE id = 1"))
print("eu-west-1 listener, link cut:", heard(listener, 1))

subprocess.run(os.environ["HELIOS_HEAL_CMD"], shell=True, check=True)
print("eu-west-1 listener, healed:  ", heard(listener, 2))
print("  it reads then:", one(listener, "SELECT title, edits FROM docs WHERE id = 1"))
print("converged:", wait_converged(us, eu))
for name, conn in (("us-east-1", us), ("eu-west-1", eu)):
    print(name + ":", one(conn, "SELECT title, edits, labels, meta FROM docs WHERE id = 1"))
    print(name + " conflicts:", conflicts(conn))

# Anyone who has seen both titles resolves the conflict with an ordinary write.
eu.cursor().execute("UPDATE docs SET title = 'Q3 plan' WHERE id = 1")
assert wait_converged(us, eu), "regions did not converge"
print("resolved: ", one(us, "SELECT title FROM docs WHERE id = 1"))
us.close()
eu.close()
listener.close()
