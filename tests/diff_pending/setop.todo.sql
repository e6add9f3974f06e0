-- Statements of the setop corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/setop.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE so_a (id int PRIMARY KEY, x int, s text);
INSERT INTO so_a VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 2, 'b'), (4, 3, 'c'), (5, NULL, 'n'), (6, NULL, NULL), (7, 4, 'd'),
  (8, 2, 'b'), (9, 5, NULL);
CREATE TABLE so_b (id int PRIMARY KEY, x int, s text);
INSERT INTO so_b VALUES (1, 2, 'b'), (2, 3, 'c'), (3, 3, 'c'), (4, NULL, NULL), (5, 6, 'f'), (6, 2, 'x'), (7, NULL, 'n');
CREATE TABLE so_c (id int PRIMARY KEY, n numeric, big bigint, sm smallint, f double precision, r real, v varchar, flag boolean, arr text[], j jsonb);
INSERT INTO so_c VALUES (1, 1.50, 10000000000, 1, 0.5, 1.25, 'v1', true, '{a,b}', '{"k": 1}'),
  (2, 2, 2, 2, 2, 2, 'v2', false, '{c}', '[1, 2]'), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 4.75, -1, -32768, -0.25, 0.5, 'v1', true, '{a,b}', '{"k": 1}');
CREATE TABLE so_e (id int PRIMARY KEY, x int, s text);
SELECT NULL UNION ALL SELECT NULL UNION ALL SELECT 1 ORDER BY 1;
SELECT 1 UNION SELECT 'a'::text;
SELECT x FROM so_a UNION SELECT x FROM so_b ORDER BY x + 1;
DROP TABLE so_a, so_b, so_c, so_e;
