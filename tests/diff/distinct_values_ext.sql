-- DISTINCT / VALUES / LIMIT / ORDER BY, extended features: FETCH ... WITH TIES, ORDER BY ... USING, integer arrays.
-- Same tables as distinct_values.sql; statements that need features beyond the core engine brief (see README.md).
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
SELECT id FROM dv_t LIMIT 1 WITH TIES;
SELECT id FROM dv_t FETCH FIRST 2 ROWS WITH TIES;
DROP TABLE dv_t, dv_s;
