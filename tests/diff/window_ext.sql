-- Window functions, extended features: RANGE with offsets, GROUPS, EXCLUDE, interval offsets, integer arrays.
-- Same tables as window.sql; statements that need features beyond the core engine brief (see README.md).
CREATE TABLE w_t (id int PRIMARY KEY, g text, v int, n numeric, s text);
INSERT INTO w_t VALUES (1, 'a', 10, 1.5, 'p'), (2, 'a', 20, 2.5, 'q'), (3, 'a', 20, NULL, 'r'), (4, 'a', NULL, 4, 's'),
  (5, 'a', 5, -1, 't'), (6, 'b', 7, 0.25, 'u'), (7, 'b', 7, 0.25, 'v'), (8, 'b', 7, 3, NULL), (9, 'b', 1, 10, 'x'),
  (10, 'c', 100, 100, 'y'), (11, NULL, 3, 3, 'z'), (12, NULL, NULL, NULL, 'zz'), (13, 'c', -4, 2.75, 'aa'),
  (14, 'a', 30, 8, 'bb'), (15, 'b', 12, 12, 'cc'), (16, 'c', 100, 50, 'dd');
CREATE TABLE w_emp (id int PRIMARY KEY, dept text, name text, salary int, hired timestamptz);
INSERT INTO w_emp VALUES (1, 'dev', 'ada', 120, '2020-01-15 09:00:00+00'), (2, 'dev', 'bob', 100, '2021-03-01 09:00:00+00'),
  (3, 'dev', 'cy', 100, '2019-07-01 09:00:00+00'), (4, 'ops', 'dee', 90, '2022-02-02 09:00:00+00'), (5, 'ops', 'eli', 95, '2018-11-11 09:00:00+00'),
  (6, 'sales', 'fay', 70, '2023-05-05 09:00:00+00'), (7, 'sales', 'gus', 70, '2023-05-05 09:00:00+00'), (8, 'sales', 'hal', 85, '2017-01-01 09:00:00+00'),
  (9, 'dev', 'ivy', 150, '2016-06-06 09:00:00+00'), (10, 'hr', 'jo', NULL, '2024-01-01 09:00:00+00');
SELECT id, v, count(*) OVER (ORDER BY v RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE NO OTHERS) FROM w_t ORDER BY id;
DROP TABLE w_t, w_emp;
