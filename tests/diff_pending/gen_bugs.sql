-- Mismatches found by the relational generator (sqlgen.join_statements, DIFF_GEN_JOINS),
-- reduced to minimal reproductions. Same format as tests/diff/*.sql.
-- Bugs 1, 2, 4, 5 and 6 are fixed (tests/diff/gen_regressions.sql keeps them); 3 below
-- still differs from PostgreSQL 15.
CREATE TABLE gb_a (id int PRIMARY KEY, b int);
CREATE TABLE gb_b (id int PRIMARY KEY, s text);
CREATE TABLE gb_c (id int PRIMARY KEY, t text);
INSERT INTO gb_a VALUES (1, 5), (2, 1);
INSERT INTO gb_b VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO gb_c VALUES (1, 'a'), (2, 'b'), (3, 'x');
-- 3. A derived table's output column that the outer query never uses is still evaluated:
-- PostgreSQL drops unused subquery outputs, so the scalar subquery below (2 rows for a = 1)
-- never runs there; HeliosDB raises 21000 "more than one row returned by a subquery used
-- as an expression".
SELECT count(*) FROM (SELECT (SELECT g2.id FROM gb_a g2 WHERE g2.b = g1.b OR g2.b <> g1.b) AS x FROM gb_a g1) s;
SELECT s.id FROM (SELECT g1.id, (SELECT g2.id FROM gb_a g2) AS x FROM gb_a g1) s ORDER BY 1;
DROP TABLE gb_a;
DROP TABLE gb_b;
DROP TABLE gb_c;
