-- Statements of the subquery corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/subquery.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE sq_t (id int PRIMARY KEY, a int, b text, c numeric, g int);
INSERT INTO sq_t VALUES (1, 10, 'x', 1.5, 1), (2, 20, 'y', 2.5, 1), (3, NULL, 'z', NULL, 2), (4, 40, NULL, 4.0, 2),
  (5, 10, 'x', 5.5, 3), (6, 60, 'w', -1, NULL), (7, 20, 'y', 0, 3), (8, 80, 'v', 8.25, 4);
CREATE TABLE sq_u (id int PRIMARY KEY, a int, d text);
INSERT INTO sq_u VALUES (1, 10, 'ten'), (2, 20, 'twenty'), (3, 30, 'thirty'), (4, NULL, 'null'), (5, 20, 'twenty again'),
  (6, 90, NULL);
CREATE TABLE sq_nn (id int PRIMARY KEY, x int NOT NULL);
INSERT INTO sq_nn VALUES (1, 10), (2, 20), (3, 30);
CREATE TABLE sq_wn (id int PRIMARY KEY, x int);
INSERT INTO sq_wn VALUES (1, 10), (2, NULL), (3, 30);
CREATE TABLE sq_e (id int PRIMARY KEY, x int);
CREATE TABLE sq_orders (id int PRIMARY KEY, cust text, amount numeric, status text, qty int);
INSERT INTO sq_orders VALUES (1, 'ann', 100.00, 'paid', 1), (2, 'ann', 250.50, 'open', 3), (3, 'bob', 75.25, 'paid', 2),
  (4, 'cat', 300.00, 'paid', 5), (5, 'bob', 20.00, 'void', 1), (6, 'dan', NULL, 'open', NULL), (7, 'cat', 45.00, 'open', 2),
  (8, 'eve', 500.00, NULL, 10), (9, 'ann', 100.00, 'paid', 1), (10, 'fay', 0, 'void', 0);
CREATE TABLE sq_cust (name text PRIMARY KEY, city text, tier int, js jsonb);
INSERT INTO sq_cust VALUES ('ann', 'Rome', 1, '{"vip": true}'), ('bob', 'Oslo', 2, '{"vip": false}'), ('cat', 'Rome', 1, NULL),
  ('dan', NULL, 3, '{}'), ('gus', 'Kyiv', 2, '{"vip": true, "since": 2020}'), ('hal', 'Oslo', NULL, NULL);
SELECT t.g, (SELECT count(*) FROM sq_u u WHERE u.a > min(t.a)) FROM sq_t t GROUP BY t.g ORDER BY t.g;
SELECT t.g, max(t.a), (SELECT min(d) FROM sq_u u WHERE u.a = max(t.a)) FROM sq_t t GROUP BY t.g ORDER BY t.g;
SELECT o.id FROM sq_orders o WHERE EXISTS (SELECT 1 FROM sq_cust c WHERE c.name = o.cust AND c.js @> '{"vip": true}') ORDER BY o.id;
SELECT s.id FROM (SELECT id FROM sq_t);
SELECT s.id FROM (SELECT id, id FROM sq_t) s ORDER BY 1;
SELECT g, sum(a) FROM sq_t GROUP BY g HAVING EXISTS (SELECT 1 FROM sq_u u WHERE u.a = max(sq_t.a)) ORDER BY g;
SELECT id, b FROM sq_t WHERE b = ANY (ARRAY(SELECT substr(d, 1, 1) FROM sq_u)) ORDER BY id;
SELECT id FROM sq_t WHERE (a, g) = (SELECT 20, 1) ORDER BY id;
SELECT id FROM sq_t WHERE (a, g) > (SELECT 20, 1) ORDER BY id;
SELECT id FROM sq_t WHERE ROW(a, b) = (SELECT a, substr(d, 1, 1) FROM sq_u WHERE id = 1) ORDER BY id;
DROP TABLE sq_t, sq_u, sq_nn, sq_wn, sq_e, sq_orders, sq_cust;
