#!/usr/bin/python3
# doc-test: python3
"""Likes and views with psycopg2: g_counter columns take concurrent increments from any number
of app servers (and regions) without losing any; counters read back as Python ints."""
import psycopg2

conn = psycopg2.connect("")  # PGHOST, PGPORT, PGUSER, PGDATABASE from the environment
cur = conn.cursor()
cur.execute("CREATE TABLE post_stats (post_id bigint PRIMARY KEY, views g_counter, likes g_counter)")
conn.commit()

# An upsert per event: the first view creates the row, later ones add to the counters (a plain
# INSERT of an existing post_id fails with 23505, as in PostgreSQL).
for post, views, likes in [(1, 1, 0), (1, 1, 1), (2, 1, 0), (1, 1, 1)]:
    cur.execute("INSERT INTO post_stats VALUES (%s, %s, %s) ON CONFLICT (post_id) DO UPDATE "
                "SET views = post_stats.views + excluded.views, "
                "likes = post_stats.likes + excluded.likes", (post, views, likes))
conn.commit()

cur.execute("UPDATE post_stats SET views = views + %s WHERE post_id = %s", (10, 2))
conn.commit()

cur.execute("SELECT post_id, views, likes FROM post_stats ORDER BY post_id")
for post_id, views, likes in cur.fetchall():
    print("post %d: %d views, %d likes" % (post_id, views, likes))

# A decrement is refused: likes only grow (use pn_counter for up/down votes).
try:
    cur.execute("UPDATE post_stats SET likes = likes - 1 WHERE post_id = 1")
except psycopg2.Error as e:
    print("refused:", e.pgcode)
    conn.rollback()
conn.close()
