-- Statements of the join corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/join.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE j_loc (id int PRIMARY KEY, city text, country text);
INSERT INTO j_loc VALUES (1, 'Berlin', 'DE'), (2, 'Paris', 'FR'), (3, 'Oslo', 'NO'), (5, 'Lima', NULL);
CREATE TABLE j_dept (id int PRIMARY KEY, name text, loc_id int, budget bigint);
INSERT INTO j_dept VALUES (10, 'Engineering', 1, 500000), (20, 'Sales', 2, 200000), (30, 'Marketing', 2, NULL),
  (40, 'Research', NULL, 750000), (50, 'Legal', 3, 90000), (60, NULL, 4, 10000);
CREATE TABLE j_emp (id int PRIMARY KEY, name text, dept_id int, mgr_id int, salary numeric, bonus int, active boolean);
INSERT INTO j_emp VALUES (1, 'Alice', 10, NULL, 120000.00, 5000, true), (2, 'Bob', 10, 1, 95000.50, NULL, true),
  (3, 'Carol', 20, 1, 70000, 2000, false), (4, 'Dave', 20, 3, 65000, 2000, true), (5, 'Eve', NULL, 1, 80000, NULL, true),
  (6, 'Frank', 30, 3, 55000, 1000, NULL), (7, 'Grace', 10, 2, 99000, 3000, true), (8, 'Heidi', 70, 2, 40000, 0, false),
  (9, 'Ivan', 40, NULL, NULL, 500, true), (10, 'Judy', 20, 4, 65000, NULL, true), (11, 'Mallory', NULL, NULL, 30000, 100, false),
  (12, 'Bob', 50, 1, 72000, 1500, true);
CREATE TABLE j_proj (id int PRIMARY KEY, dept_id int, emp_id int, title text, hours int);
INSERT INTO j_proj VALUES (100, 10, 1, 'Compiler', 120), (101, 10, 2, 'Compiler', 80), (102, 10, 7, 'Storage', 200),
  (103, 20, 3, 'CRM', NULL), (104, 20, NULL, 'Leads', 40), (105, 30, 6, 'Brand', 60), (106, NULL, 5, 'Skunkworks', 10),
  (107, 40, 9, 'Quantum', 300), (108, 80, NULL, 'Ghost', 5), (109, 10, 2, 'Storage', 15);
CREATE TABLE j_a (id int PRIMARY KEY, k int, v text);
INSERT INTO j_a VALUES (1, 1, 'a1'), (2, 2, 'a2'), (3, 2, 'a3'), (4, NULL, 'a4'), (5, 5, 'a5'), (6, NULL, NULL);
CREATE TABLE j_b (id int PRIMARY KEY, k int, w text);
INSERT INTO j_b VALUES (1, 1, 'b1'), (2, 2, 'b2'), (3, 3, 'b3'), (4, NULL, 'b4'), (5, 2, 'b5'), (6, 6, NULL);
CREATE TABLE j_c (id int PRIMARY KEY, k int, flag boolean);
INSERT INTO j_c VALUES (1, 1, true), (2, 3, false), (3, NULL, true), (4, 2, NULL), (5, 7, true);
CREATE TABLE j_p (pk int PRIMARY KEY, a int, b text, x numeric);
INSERT INTO j_p VALUES (1, 1, 'one', 1.5), (2, 2, 'two', 2.5), (3, 3, 'three', NULL), (4, NULL, 'four', 4), (5, 2, 'deux', 5.25);
CREATE TABLE j_q (qk int PRIMARY KEY, a int, b text, y bigint);
INSERT INTO j_q VALUES (10, 1, 'one', 100), (20, 2, 'zwei', 200), (30, 3, 'three', 300), (40, NULL, 'four', 400),
  (50, 4, 'four', NULL), (60, 2, 'two', 600);
CREATE TABLE j_e (id int PRIMARY KEY, t text);
CREATE TABLE j_tree (id int PRIMARY KEY, parent int, label varchar, weight smallint);
INSERT INTO j_tree VALUES (1, NULL, 'root', 1), (2, 1, 'a', 2), (3, 1, 'b', 3), (4, 2, 'a.x', 4), (5, 2, 'a.y', 5),
  (6, 3, 'b.x', 6), (7, 6, 'b.x.1', 7), (8, 99, 'orphan', 8);
SELECT x.k, j_a.id, j_b.id FROM j_a JOIN j_b USING (k) AS x ORDER BY x.k, j_a.id, j_b.id;
SELECT u.k FROM j_a FULL JOIN j_b USING (k) AS u ORDER BY u.k;
SELECT j.k, j_a.v FROM j_a JOIN j_b USING (k) AS j WHERE j.k > 1 ORDER BY j_a.id, j_b.id;
SELECT j_emp.id FROM j_emp e;
SELECT * FROM j_emp e, j_dept e;
DROP TABLE j_loc, j_dept, j_emp, j_proj, j_a, j_b, j_c, j_p, j_q, j_e, j_tree;
