-- EXPLAIN shows the plan the engine chose: point reads and key ranges from WHERE, a key lookup
-- per outer row when a join fixes the inner table's key and the outer side is a key read (few
-- rows), hash joins on other equalities, nested loops otherwise; EXPLAIN ANALYZE adds the rows
-- each operator produced.
CREATE TABLE ex_a (id int PRIMARY KEY, x int, s text);
CREATE TABLE ex_b (a int, n int, v text, PRIMARY KEY (a, n));
INSERT INTO ex_a SELECT g, g % 5, 's' || g FROM generate_series(1, 20) g;
INSERT INTO ex_b SELECT g % 20 + 1, g, 'v' || g FROM generate_series(1, 60) g;
EXPLAIN SELECT * FROM ex_a WHERE id = 7;
EXPLAIN SELECT * FROM ex_b WHERE a = 3;
EXPLAIN SELECT * FROM ex_b WHERE a = 3 AND n = 42;
EXPLAIN SELECT * FROM ex_b WHERE n = 42;
EXPLAIN SELECT * FROM ex_a WHERE id = $1;
EXPLAIN SELECT a.s, b.v FROM ex_b b JOIN ex_a a ON a.id = b.a WHERE b.n < 10;
EXPLAIN SELECT a.s, b.v FROM ex_b b JOIN ex_a a ON a.id = b.a WHERE b.a = 3;
EXPLAIN SELECT a.s, b.v FROM ex_a a JOIN ex_b b ON b.a = a.id;
EXPLAIN SELECT a.s, b.v FROM ex_a a LEFT JOIN ex_b b ON b.n = a.x;
EXPLAIN SELECT a.s FROM ex_a a, ex_b b WHERE a.x < b.n;
EXPLAIN SELECT x, count(*) FROM ex_a GROUP BY x ORDER BY x;
EXPLAIN SELECT DISTINCT x FROM ex_a;
EXPLAIN SELECT id, rank() OVER (PARTITION BY x ORDER BY id) FROM ex_a;
EXPLAIN SELECT id FROM ex_a UNION SELECT a FROM ex_b;
EXPLAIN WITH w AS (SELECT * FROM ex_a WHERE x = 1) SELECT * FROM w JOIN ex_b ON ex_b.a = w.id;
EXPLAIN SELECT * FROM ex_a WHERE id IN (SELECT a FROM ex_b WHERE n > 50);
EXPLAIN SELECT id, (SELECT count(*) FROM ex_b WHERE ex_b.a = ex_a.id) FROM ex_a;
EXPLAIN ANALYZE SELECT a.s, b.v FROM ex_b b JOIN ex_a a ON a.id = b.a WHERE b.n < 10;
EXPLAIN ANALYZE SELECT a.s, b.v FROM ex_b b JOIN ex_a a ON a.id = b.a WHERE b.a = 3;
EXPLAIN ANALYZE SELECT * FROM ex_a ORDER BY id LIMIT 3;
EXPLAIN (FORMAT JSON) SELECT 1;
DROP TABLE ex_a, ex_b;
