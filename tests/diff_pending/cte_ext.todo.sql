-- Statements of the cte_ext corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/cte_ext.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
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
WITH RECURSIVE t(d) AS (SELECT '2026-01-01 00:00:00+00'::timestamptz UNION ALL SELECT d + '1 day' FROM t WHERE d < '2026-01-05 00:00:00+00') SELECT d FROM t ORDER BY d;
WITH RECURSIVE sub(id, path) AS (SELECT id, ARRAY[id] FROM cte_emp WHERE boss_id IS NULL UNION ALL SELECT e.id, s.path || e.id FROM cte_emp e JOIN sub s ON e.boss_id = s.id) SELECT id, path FROM sub ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 1, ARRAY[1] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path, cost) AS (SELECT 1, ARRAY[1], 0 UNION ALL SELECT e.dst, r.path || e.dst, r.cost + e.cost FROM cte_edge e JOIN r ON e.src = r.node WHERE e.dst <> ALL (r.path)) SELECT node, min(cost) FROM r GROUP BY node ORDER BY node;
WITH RECURSIVE r(node, path, cyc) AS (SELECT 1, ARRAY[1], false UNION ALL SELECT e.dst, r.path || e.dst, e.dst = ANY (r.path) FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT r.cyc) SELECT path FROM r WHERE cyc ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 1, ARRAY[1] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 2, ARRAY[2] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 3, ARRAY[3] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 4, ARRAY[4] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 5, ARRAY[5] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 6, ARRAY[6] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 7, ARRAY[7] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE r(node, path) AS (SELECT 8, ARRAY[8] UNION ALL SELECT e.dst, r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE NOT e.dst = ANY (r.path)) SELECT node, path FROM r ORDER BY path;
WITH RECURSIVE sub(id, boss_id) AS (SELECT id, boss_id FROM cte_emp WHERE id = 1 UNION ALL SELECT e.id, e.boss_id FROM cte_emp e JOIN sub s ON e.boss_id = s.id) SEARCH DEPTH FIRST BY id SET ord SELECT id FROM sub ORDER BY ord;
WITH RECURSIVE sub(id, boss_id) AS (SELECT id, boss_id FROM cte_emp WHERE id = 1 UNION ALL SELECT e.id, e.boss_id FROM cte_emp e JOIN sub s ON e.boss_id = s.id) SEARCH BREADTH FIRST BY id SET ord SELECT id FROM sub ORDER BY ord;
WITH RECURSIVE r(node) AS (SELECT 1 UNION ALL SELECT e.dst FROM cte_edge e JOIN r ON e.src = r.node) CYCLE node SET is_cycle USING path SELECT node, is_cycle, path FROM r ORDER BY path;
WITH RECURSIVE r(node) AS (SELECT 6 UNION ALL SELECT e.dst FROM cte_edge e JOIN r ON e.src = r.node) CYCLE node SET is_cycle TO 'Y' DEFAULT 'N' USING path SELECT node, is_cycle FROM r ORDER BY path;
WITH j AS (SELECT id, to_jsonb(e) - 'id' AS doc FROM cte_emp e WHERE id <= 3) SELECT id, doc FROM j ORDER BY id;
WITH t AS (SELECT '2026-01-02 03:04:05+00'::timestamptz AS ts) SELECT ts, ts + '1 day' FROM t;
WITH RECURSIVE r(i, acc) AS (SELECT 1, ARRAY[1] UNION ALL SELECT i + 1, acc || (acc[i] * 2) FROM r WHERE i < 6) SELECT i, acc FROM r ORDER BY i;
WITH RECURSIVE r(node, cost, path) AS (SELECT 1, 0, ARRAY[1] UNION ALL SELECT e.dst, r.cost + COALESCE(e.cost, 0), r.path || e.dst FROM cte_edge e JOIN r ON e.src = r.node WHERE e.dst <> ALL (r.path)) SELECT DISTINCT ON (node) node, cost, path FROM r ORDER BY node, cost, path;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT (SELECT count(*) FROM t), (SELECT sum(n) FROM t), ARRAY(SELECT n FROM t ORDER BY n DESC);
DROP TABLE cte_emp, cte_edge, cte_num, cte_sales;
