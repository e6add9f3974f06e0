-- CRDT column types, upsert, update forms, delete, transactions, errors
\set VERBOSITY verbose
CREATE TABLE t (id bigint PRIMARY KEY, name text, n int, f double precision, ok boolean,
                views g_counter, score pn_counter, tags or_set, members aw_set,
                attrs lww_map, status mv_register);
CREATE TABLE t (id bigint PRIMARY KEY);
INSERT INTO t VALUES (1, 'ünïcode ''q''', 42, 1.5, true, 5, -3, ARRAY['x','y'], '{m1}',
                      '{"k": 1}', 'new');
INSERT INTO t (id, name) VALUES (2, NULL), (3, 'three');
SELECT * FROM t ORDER BY id;
UPDATE t SET views = views + 2, score = score - 4, tags = array_append(tags, 'z'),
             members = array_remove(members, 'm1'), attrs = attrs || '{"j": "v"}',
             name = name || '!', status = 'shipped', n = n * 2 WHERE id = 1;
SELECT id, name, n, views, score, tags, members, attrs, status FROM t WHERE id = 1;
UPDATE t SET attrs = attrs - 'k', tags = ARRAY['only'] WHERE id = 1 RETURNING attrs, tags;
UPDATE t SET views = views * 2;
UPDATE t SET views = views - 1;
UPDATE t SET name = 'none' WHERE id = 99;
INSERT INTO t (id, name) VALUES (3, 'dup') ON CONFLICT DO NOTHING;
INSERT INTO t (id, views) VALUES (3, 10) ON CONFLICT (id) DO UPDATE SET views = t.views + excluded.views;
INSERT INTO t (id, name) VALUES (3, 'merged'); -- an existing key: 23505, as in PostgreSQL
SELECT id, name, views FROM t WHERE id = 3;
DELETE FROM t WHERE id = 2 RETURNING id;
SELECT count(*), sum(views), max(name) FROM t;
BEGIN;
INSERT INTO t (id, name) VALUES (10, 'in txn');
SELECT id, name FROM t WHERE id >= 3 ORDER BY id DESC;
ROLLBACK;
SELECT id FROM t ORDER BY id;
BEGIN;
UPDATE t SET views = views + 1 WHERE id = 3;
SELECT * FROM missing;
SELECT 1;
COMMIT;
SELECT views FROM t WHERE id = 3;
INSERT INTO t (id) VALUES (NULL);
INSERT INTO t (id, nope) VALUES (5, 1);
SELECT name FROM t WHERE name LIKE '%!' OR name IS NULL ORDER BY 1 LIMIT 5;
DROP TABLE t;
SELECT * FROM t;
DROP TABLE IF EXISTS t;
