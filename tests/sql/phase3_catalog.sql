-- Phase 3: psql \d output with CRDT types, helios.* admin views, helios_digest(),
-- helios_crdt_state(), ALTER TABLE, point reads and key-prefix scans
\set VERBOSITY verbose
CREATE TABLE p3_items (id bigint PRIMARY KEY, name text NOT NULL, price numeric DEFAULT 0,
                       views g_counter, likes pn_counter, tags or_set, fans aw_set,
                       note mv_register, attrs lww_map, label varchar DEFAULT 'it''s',
                       created timestamptz DEFAULT now());
CREATE TABLE p3_k (a text, b bigint, v text, PRIMARY KEY (a, b));
\d p3_items
\d p3_k
\dt p3_*
\d p3_nope
-- admin views
INSERT INTO p3_items (id, name, views, tags) VALUES (1, 'one', 3, ARRAY['x', 'y']), (2, 'two', 1, NULL);
SELECT name, columns, rows FROM helios.tables WHERE name LIKE 'p3_%' ORDER BY name;
SELECT name, id, length(version) > 0 AS has_version, uptime_s >= 0 AS up, hlc LIKE '%.%' AS hlc_form
  FROM helios.node;
SELECT count(*) FROM helios.peers;
INSERT INTO helios.node VALUES ('x');
SELECT * FROM helios.nope;
SELECT * FROM nope.p3_items;
-- helios_crdt_state: the column's CRDT metadata
UPDATE p3_items SET views = views + 2 WHERE id = 1;
SELECT id, helios_crdt_state(views) -> 'value' AS views, helios_crdt_state(views) ->> 'type' AS kind,
       helios_crdt_state(id) AS key_state FROM p3_items ORDER BY id;
SELECT helios_crdt_state(tags) ->> 'type' AS kind FROM p3_items WHERE id = 1;
-- helios_digest: changes with the data, returns when the data returns
SELECT length(helios_digest()) AS digest_len;
SELECT helios_digest() AS d0 \gset
UPDATE p3_items SET name = 'uno' WHERE id = 1;
SELECT helios_digest() <> :'d0' AS changed;
UPDATE p3_items SET name = 'one' WHERE id = 1;
SELECT helios_digest() = :'d0' AS restored;
-- ALTER TABLE
ALTER TABLE p3_items ADD COLUMN rating int DEFAULT 5;
ALTER TABLE p3_items ADD COLUMN IF NOT EXISTS rating int;
ALTER TABLE p3_items ADD COLUMN seen or_set;
INSERT INTO p3_items (id, name) VALUES (3, 'three');
UPDATE p3_items SET seen = array_append(seen, 'eu') WHERE id = 1;
SELECT id, name, rating, seen FROM p3_items ORDER BY id;
ALTER TABLE p3_items DROP COLUMN note;
ALTER TABLE p3_items DROP COLUMN IF EXISTS note;
ALTER TABLE p3_items DROP COLUMN id;
ALTER TABLE p3_items DROP COLUMN nope;
ALTER TABLE p3_items ADD COLUMN name text;
ALTER TABLE p3_nope ADD COLUMN x int;
BEGIN;
ALTER TABLE p3_items ADD COLUMN tmp text;
SELECT id, tmp FROM p3_items WHERE id = 1;
ROLLBACK;
SELECT id, tmp FROM p3_items WHERE id = 1;
SELECT name, columns FROM helios.tables WHERE name = 'p3_items';
-- point reads and key-prefix scans answer like full scans
INSERT INTO p3_k VALUES ('x', 1, 'x1'), ('x', 2, 'x2'), ('x', -1, 'xm'), ('xy', 1, 'xy1'),
                        ('', 5, 'empty'), ('y', 255, 'y255'), ('y', 256, 'y256');
SELECT v FROM p3_k WHERE a = 'x' ORDER BY b;
SELECT v FROM p3_k WHERE a || '' = 'x' ORDER BY b;
SELECT v FROM p3_k WHERE b = 2 AND a = 'x';
SELECT v FROM p3_k WHERE a = 'y' AND b = 256;
SELECT v FROM p3_k WHERE a = 'y' AND b = 256.5;
SELECT v FROM p3_k WHERE a = '';
SELECT v FROM p3_k WHERE a = 'x' AND b = 1 AND v = 'nope';
BEGIN;
INSERT INTO p3_k VALUES ('x', 9, 'x9');
SELECT v FROM p3_k WHERE a = 'x' AND b = 9;
DELETE FROM p3_k WHERE a = 'x' AND b = 1;
SELECT count(*) FROM p3_k WHERE a = 'x';
ROLLBACK;
SELECT count(*) FROM p3_k WHERE a = 'x';
UPDATE p3_k SET v = 'X2' WHERE a = 'x' AND b = 2 RETURNING a, b, v;
