#!/usr/bin/python3
# doc-test: python3
"""A user profile: plain columns are last-writer-wins registers; preferences are an lww_map, so
two devices changing *different* preferences at the same time both keep their change. Tags are
an or_set (a collaborative tag list: concurrent adds of different tags all stay)."""
import json

import psycopg2

conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
cur.execute("CREATE TABLE profiles (id bigint PRIMARY KEY, display_name text, prefs lww_map, "
            "tags or_set)")
cur.execute("INSERT INTO profiles VALUES (%s, %s, %s, %s)",
            (1, "Ann", json.dumps({"theme": "dark", "lang": "en"}), ["admin"]))

# device A sets the time zone, device B switches the theme: each touches only its key
cur.execute("UPDATE profiles SET prefs = prefs || %s::jsonb WHERE id = 1", (json.dumps({"tz": "UTC"}),))
cur.execute("UPDATE profiles SET prefs = jsonb_set(prefs, '{theme}', '\"light\"') WHERE id = 1")
cur.execute("UPDATE profiles SET prefs = prefs - 'lang', tags = tags || ARRAY['ops', 'oncall'] "
            "WHERE id = 1")
cur.execute("UPDATE profiles SET tags = array_remove(tags, 'admin') WHERE id = 1")

cur.execute("SELECT display_name, prefs, tags FROM profiles WHERE id = 1")
name, prefs, tags = cur.fetchone()
print(name, json.dumps(prefs, sort_keys=True), tags)
cur.execute("SELECT prefs ->> 'theme' FROM profiles WHERE id = 1")
print("theme:", cur.fetchone()[0])
conn.close()
