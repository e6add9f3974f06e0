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
