-- DML with queries, extended features: data-modifying CTEs.
-- Same tables as dml_query.sql; statements that need features beyond the core engine brief (see README.md).
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
INSERT INTO dq_log SELECT 30 + id, name, stock FROM dq_prod ORDER BY id;
INSERT INTO dq_copy (id, name) SELECT 700 + g, 'gen' || g FROM generate_series(1, 4) g;
SELECT count(*) FROM dq_sum;
DROP TABLE dq_prod, dq_sale, dq_sum, dq_copy, dq_log, dq_kv;
