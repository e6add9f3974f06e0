-- SQLSTATEs compared
-- DROP TABLE / SEQUENCE ... CASCADE: the foreign keys that reference a dropped table and the
-- defaults that use a dropped sequence go with it (the tables stay)
CREATE TABLE dc_p (id int PRIMARY KEY);
CREATE TABLE dc_c (id int PRIMARY KEY, p int REFERENCES dc_p, q int);
CREATE TABLE dc_d (id int PRIMARY KEY, p int REFERENCES dc_p);
DROP TABLE dc_p;
DROP TABLE dc_p CASCADE;
SELECT conname FROM pg_constraint WHERE conrelid IN ('dc_c'::regclass, 'dc_d'::regclass) ORDER BY 1;
INSERT INTO dc_c VALUES (1, 99, 1);
CREATE TABLE dc_p2 (id int PRIMARY KEY);
ALTER TABLE dc_c ADD CONSTRAINT c2 FOREIGN KEY (q) REFERENCES dc_p2;
ALTER TABLE dc_c DROP CONSTRAINT c2;
INSERT INTO dc_p2 VALUES (1);
ALTER TABLE dc_c ADD CONSTRAINT c2 FOREIGN KEY (q) REFERENCES dc_p2;
DROP TABLE dc_p2 CASCADE;
CREATE SEQUENCE dc_s;
CREATE TABLE dc_e (id int PRIMARY KEY DEFAULT nextval('dc_s'), v int);
DROP SEQUENCE dc_s;
DROP SEQUENCE dc_s CASCADE;
SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'dc_e' ORDER BY ordinal_position;
INSERT INTO dc_e (v) VALUES (1);
DROP TABLE dc_c, dc_d, dc_e;
CREATE TABLE dc_p (id int PRIMARY KEY);
CREATE TABLE dc_c (id int PRIMARY KEY, p int REFERENCES dc_p);
DROP TABLE dc_p, dc_c CASCADE;
CREATE TABLE dc_t (id int PRIMARY KEY, parent int REFERENCES dc_t);
DROP TABLE dc_t CASCADE;
DROP TABLE IF EXISTS dc_none CASCADE;

-- DROP of a table or view that views read: refused (2BP01, every dependent named), or with
-- CASCADE the views go first, down the chain
CREATE TABLE dv_t (id int PRIMARY KEY, v int);
CREATE TABLE dv_u (id int PRIMARY KEY);
CREATE VIEW dv_a AS SELECT id, v FROM dv_t;
CREATE VIEW dv_b AS SELECT a.id FROM dv_a a JOIN dv_u u ON u.id = a.id;
CREATE VIEW dv_c AS SELECT id FROM dv_u WHERE id IN (SELECT id FROM dv_t);
CREATE VIEW dv_d AS SELECT 1 AS one;
DROP TABLE dv_t;
DROP VIEW dv_a;
DROP TABLE dv_u;
DROP VIEW dv_a CASCADE;
SELECT viewname FROM pg_views WHERE viewname LIKE 'dv_%' ORDER BY 1;
DROP TABLE dv_t CASCADE;
SELECT viewname FROM pg_views WHERE viewname LIKE 'dv_%' ORDER BY 1;
DROP TABLE dv_u, dv_d;
DROP VIEW dv_d;
DROP TABLE dv_u;
CREATE TABLE dv_t (id int PRIMARY KEY);
CREATE VIEW dv_x AS SELECT id FROM dv_t;
DROP VIEW dv_x, dv_t;
DROP TABLE dv_t, dv_x;
DROP VIEW dv_x;
DROP TABLE dv_t;
