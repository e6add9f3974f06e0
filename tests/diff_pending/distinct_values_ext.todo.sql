-- Statements of the distinct_values_ext corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/distinct_values_ext.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE dv_t (id int PRIMARY KEY, a int, b text, c numeric, d boolean, ts timestamptz);
INSERT INTO dv_t VALUES (1, 1, 'x', 10, true, '2026-01-02 03:04:05+00'), (2, 1, 'y', 20, false, '2026-01-02 03:04:05+00'),
  (3, 2, 'x', 30, NULL, '2026-01-03 00:00:00+00'), (4, 2, 'x', 30, true, NULL), (5, NULL, 'z', NULL, false, '2025-12-31 23:59:59+00'),
  (6, NULL, NULL, 5, true, '2026-01-02 03:04:05+00'), (7, 3, 'Y', 15, NULL, '2026-06-15 12:00:00+00'), (8, 3, 'y', 15, true, '2026-06-15 12:00:00+00'),
  (9, 1, 'x', 10, true, '2026-01-02 03:04:05+00'), (10, 4, 'apple', -1, false, '2026-02-01 00:00:00+00'), (11, 4, 'Apple', 0, false, NULL),
  (12, 5, '', 7.5, NULL, '2026-03-01 00:00:00+00');
CREATE TABLE dv_s (id int PRIMARY KEY, grp text, score int, name varchar, w double precision);
INSERT INTO dv_s VALUES (1, 'a', 90, 'ann', 1.5), (2, 'a', 85, 'abe', 2.5), (3, 'a', 90, 'amy', 0.5), (4, 'b', 70, 'bob', 1),
  (5, 'b', NULL, 'bea', NULL), (6, 'b', 75, 'bud', 3.25), (7, 'c', 60, 'cal', 2), (8, NULL, 50, 'nil', 4), (9, NULL, 55, 'nul', -1),
  (10, 'c', 60, 'cat', 2), (11, 'd', NULL, 'dan', NULL), (12, 'a', 100, 'ada', 0);
SELECT count(DISTINCT (a, b)) FROM dv_t;
SELECT array_agg(DISTINCT a ORDER BY a) FROM dv_t;
SELECT * FROM (SELECT id, a FROM dv_t ORDER BY a FETCH FIRST 2 ROWS WITH TIES) s ORDER BY id;
SELECT * FROM (SELECT id, a FROM dv_t ORDER BY a DESC NULLS LAST FETCH FIRST 3 ROWS WITH TIES) s ORDER BY id;
SELECT * FROM (SELECT grp, score, name FROM dv_s ORDER BY score DESC NULLS LAST FETCH FIRST 1 ROWS WITH TIES) s ORDER BY name;
SELECT * FROM (SELECT grp, score, name FROM dv_s ORDER BY grp, score FETCH FIRST 5 ROWS WITH TIES) s ORDER BY name;
SELECT id FROM dv_t ORDER BY id FETCH FIRST 2 ROWS WITH TIES OFFSET 1;
SELECT id, b FROM dv_t ORDER BY b USING <, id;
SELECT id, b FROM dv_t ORDER BY b USING >, id USING <;
SELECT id, a FROM dv_t ORDER BY a USING > NULLS LAST, id;
DROP TABLE dv_t, dv_s;
