-- Statements of the dml_query corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/dml_query.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE dq_prod (id int PRIMARY KEY, name text, cat text, price numeric, stock int, tags text[], meta jsonb);
INSERT INTO dq_prod VALUES (1, 'apple', 'fruit', 1.20, 100, '{red,sweet}', '{"origin": "IT"}'),
  (2, 'banana', 'fruit', 0.50, 0, '{yellow}', NULL), (3, 'carrot', 'veg', 0.80, 40, NULL, '{"origin": "DE", "bio": true}'),
  (4, 'daikon', 'veg', 2.10, NULL, '{}', '{}'), (5, 'eggplant', 'veg', NULL, 12, '{purple}', NULL),
  (6, 'fig', 'fruit', 3.00, 7, '{sweet}', '{"origin": "TR"}'), (7, 'garlic', NULL, 0.30, 500, NULL, NULL);
CREATE TABLE dq_sale (id int PRIMARY KEY, prod_id int, qty int, region text, at timestamptz);
INSERT INTO dq_sale VALUES (1, 1, 10, 'north', '2026-01-02 03:04:05+00'), (2, 1, 5, 'south', '2026-01-03 10:00:00+00'),
  (3, 3, 2, 'north', '2026-01-03 11:00:00+00'), (4, 6, 1, NULL, '2026-01-04 00:00:00+00'), (5, 9, 4, 'east', '2026-01-05 12:30:00+00'),
  (6, 3, NULL, 'south', NULL), (7, 7, 50, 'north', '2026-01-06 08:00:00+00'), (8, 1, 3, 'north', '2026-01-07 09:15:00+00');
CREATE TABLE dq_sum (prod_id int PRIMARY KEY, total_qty bigint, revenue numeric, note text);
CREATE TABLE dq_copy (id int PRIMARY KEY, name text, price numeric, flag boolean, created timestamptz);
CREATE TABLE dq_log (id int PRIMARY KEY, msg text, n int);
CREATE TABLE dq_kv (k text PRIMARY KEY, v int, updated boolean);
INSERT INTO dq_kv VALUES ('a', 1, false), ('b', 2, false), ('c', NULL, false), ('d', 4, NULL);
INSERT INTO dq_copy (id, name, price) SELECT id, name, price FROM dq_prod WHERE cat = 'fruit';
INSERT INTO dq_log VALUES (40, 'sub', 0) RETURNING (SELECT count(*) FROM dq_log) AS before_count;
UPDATE dq_copy c SET flag = true FROM dq_prod p WHERE c.id = p.id AND p.meta ? 'origin';
SELECT id, flag FROM dq_copy WHERE id < 100 ORDER BY id;
UPDATE dq_kv SET (v, updated) = (SELECT max(stock), true FROM dq_prod) WHERE k = 'c';
SELECT * FROM dq_kv ORDER BY k;
SELECT * FROM dq_kv ORDER BY k;
INSERT INTO dq_copy (id, name) SELECT id, name, price FROM dq_prod;
INSERT INTO dq_copy (id, name, price) SELECT id, name FROM dq_prod;
INSERT INTO dq_copy (id, price) SELECT id + 2000, name FROM dq_prod;
UPDATE dq_kv t SET v = 1 FROM dq_kv t WHERE t.k = 'b';
SELECT * FROM dq_kv ORDER BY k;
DROP TABLE dq_prod, dq_sale, dq_sum, dq_copy, dq_log, dq_kv;
