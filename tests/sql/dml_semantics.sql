-- RETURNING, ON CONFLICT, NULL semantics, quoting/unicode, SQLSTATEs, aborted transactions
\set VERBOSITY verbose
CREATE TABLE dm (id int PRIMARY KEY, name text, hits g_counter, tags or_set);
INSERT INTO dm VALUES (1, 'a', 1, ARRAY['x']), (2, NULL, 2, ARRAY[]::text[]) RETURNING id, name, hits;
UPDATE dm SET hits = hits + 10 WHERE id = 1 RETURNING id, hits, hits * 2 AS doubled;
DELETE FROM dm WHERE id = 2 RETURNING *;
INSERT INTO dm VALUES (1, 'dup', 5, ARRAY['y']) ON CONFLICT (id) DO NOTHING RETURNING id;
INSERT INTO dm VALUES (1, 'new', 5, ARRAY['y']) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, hits = dm.hits + EXCLUDED.hits RETURNING id, name, hits;
INSERT INTO dm VALUES (3, 'c', 0, NULL) ON CONFLICT (id) DO UPDATE SET name = 'never' RETURNING id, name;
-- NULL semantics
INSERT INTO dm VALUES (4, NULL, 0, NULL);
SELECT id FROM dm WHERE name = NULL;
SELECT id FROM dm WHERE name IS NULL ORDER BY id;
SELECT id FROM dm WHERE name <> 'a' ORDER BY id;
SELECT count(*), count(name) FROM dm;
SELECT NULL = NULL AS eq, NULL IS NULL AS isnull, NULL::int + 1 AS plus, 'x' || NULL AS cat FROM dm WHERE id = 1;
SELECT id, name FROM dm ORDER BY name NULLS FIRST, id;
-- quoting and unicode
CREATE TABLE "Mixed Case" ("Key" int PRIMARY KEY, "välue" text, "select" text);
INSERT INTO "Mixed Case" VALUES (1, 'héllo wörld ✓', 'it''s'), (2, '日本語', E'tab\there');
SELECT "Key", "välue", "select" FROM "Mixed Case" ORDER BY "Key";
SELECT "välue" FROM "Mixed Case" WHERE "välue" = '日本語';
SELECT key FROM "Mixed Case";
DROP TABLE "Mixed Case";
-- errors and their SQLSTATEs
SELECT * FROM dm_missing;
SELECT nope FROM dm;
CREATE TABLE dm (id int PRIMARY KEY);
INSERT INTO dm (id, name) VALUES (NULL, 'x');
INSERT INTO dm VALUES ('abc');
SELECT 1 / 0 FROM dm WHERE id = 1;
CREATE TABLE bad (id int PRIMARY KEY, v no_such_type);
SELEC 1;
SELECT * FROM dm a JOIN dm b ON a.id = b.id;
-- an error inside a transaction block aborts it until ROLLBACK
BEGIN;
INSERT INTO dm VALUES (10, 'in txn', 0, NULL);
SELECT * FROM dm_missing;
SELECT 1;
INSERT INTO dm VALUES (11, 'ignored', 0, NULL);
COMMIT;
SELECT id FROM dm WHERE id >= 10;
BEGIN;
INSERT INTO dm VALUES (12, 'kept', 0, NULL);
SELECT 1 / 0 FROM dm WHERE id = 1;
ROLLBACK;
BEGIN;
INSERT INTO dm VALUES (13, 'kept', 0, NULL) RETURNING id;
COMMIT;
SELECT id, name FROM dm WHERE id >= 10 ORDER BY id;
DROP TABLE dm;
