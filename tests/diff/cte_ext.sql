-- CTEs, extended features: integer-array paths, SEARCH / CYCLE, intervals, row-to-jsonb.
-- Same tables as cte.sql; statements that need features beyond the core engine brief (see README.md).
CREATE TABLE cte_emp (id int PRIMARY KEY, name text, boss_id int, dept text, salary int);
INSERT INTO cte_emp VALUES (1, 'ceo', NULL, 'exec', 300), (2, 'cto', 1, 'tech', 200), (3, 'cfo', 1, 'fin', 190),
  (4, 'dev1', 2, 'tech', 120), (5, 'dev2', 2, 'tech', 110), (6, 'ops', 2, 'tech', 100), (7, 'acct', 3, 'fin', 90),
  (8, 'intern', 4, 'tech', 20), (9, 'temp', 7, 'fin', NULL), (10, 'lone', NULL, NULL, 50), (11, 'sub', 10, 'misc', 40);
CREATE TABLE cte_edge (id int PRIMARY KEY, src int, dst int, cost int);
INSERT INTO cte_edge VALUES (1, 1, 2, 5), (2, 2, 3, 3), (3, 3, 4, 1), (4, 4, 2, 2), (5, 1, 5, 10), (6, 5, 4, 1),
  (7, 6, 7, 1), (8, 7, 6, 1), (9, 4, 8, NULL);
CREATE TABLE cte_num (n int PRIMARY KEY, sq bigint, label text);
INSERT INTO cte_num VALUES (1, 1, 'one'), (2, 4, 'two'), (3, 9, 'three'), (4, 16, 'four'), (5, 25, 'five'),
  (6, 36, NULL), (7, 49, 'seven'), (8, 64, 'eight');
CREATE TABLE cte_sales (id int PRIMARY KEY, region text, product text, amount numeric, qty int);
INSERT INTO cte_sales VALUES (1, 'north', 'apple', 10.50, 3), (2, 'north', 'pear', 4.25, 1), (3, 'south', 'apple', 7.00, 2),
  (4, 'south', 'plum', NULL, 4), (5, 'east', 'apple', 3.75, 1), (6, 'north', 'apple', 12.00, 5), (7, 'west', NULL, 1.00, 1),
  (8, 'east', 'pear', 8.80, 2), (9, 'south', 'apple', 7.00, 2), (10, NULL, 'plum', 2.50, NULL);
WITH RECURSIVE t(n, j) AS (SELECT 1, '[]'::jsonb UNION ALL SELECT n + 1, j || to_jsonb(n) FROM t WHERE n < 4) SELECT n, j FROM t ORDER BY n;
DROP TABLE cte_emp, cte_edge, cte_num, cte_sales;
