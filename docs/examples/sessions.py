#!/usr/bin/python3
# doc-test: python3
"""A web session store with psycopg2. A session row holds its attributes in an lww_map (each
request writes only the keys it changes, so two requests served by different regions at the
same time both keep their keys), a g_counter of requests, and last_seen as a timestamptz
register. Expired sessions are deleted; logout is a DELETE too."""
import json

import psycopg2
from psycopg2.extras import Json

conn = psycopg2.connect("")  # PGHOST, PGPORT, PGUSER, PGDATABASE from the environment
conn.autocommit = True
cur = conn.cursor()
cur.execute("CREATE TABLE web_sessions (sid text PRIMARY KEY, attrs lww_map, "
            "requests g_counter, last_seen timestamptz)")


def touch(sid, **attrs):
    """One request: upsert the session, merge the attributes it changed, count it."""
    cur.execute("INSERT INTO web_sessions VALUES (%s, %s, 1, '2026-01-01 12:00:00+00') "
                "ON CONFLICT (sid) DO UPDATE SET attrs = web_sessions.attrs || %s, "
                "requests = web_sessions.requests + 1",
                (sid, Json(attrs), Json(attrs)))


touch("s-1", user="ann", locale="en")
touch("s-1", cart_items=2)
touch("s-1", locale="fr")
touch("s-2", user="bob")
cur.execute("UPDATE web_sessions SET attrs = attrs - 'cart_items' WHERE sid = 's-1'")

cur.execute("SELECT sid, attrs, requests FROM web_sessions ORDER BY sid")
for sid, attrs, requests in cur.fetchall():
    print(sid, json.dumps(attrs, sort_keys=True), "requests=%d" % requests)

cur.execute("SELECT attrs ->> 'user' FROM web_sessions WHERE attrs ->> 'locale' = 'fr'")
print("french sessions:", [r[0] for r in cur.fetchall()])

cur.execute("DELETE FROM web_sessions WHERE sid = %s", ("s-2",))  # logout
print("deleted:", cur.rowcount)
cur.execute("SELECT count(*) FROM web_sessions")
print("sessions left:", cur.fetchone()[0])
conn.close()
