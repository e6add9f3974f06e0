-- Foreign keys on one region: REFERENCES / FOREIGN KEY in CREATE TABLE and ALTER TABLE ADD
-- CONSTRAINT (pg_dump's form), checked at the end of each statement as NO ACTION / RESTRICT.
CREATE TABLE fk_users (id int PRIMARY KEY, name text);
CREATE TABLE fk_posts (id serial PRIMARY KEY, user_id int REFERENCES fk_users, title text);
INSERT INTO fk_users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO fk_posts (user_id, title) VALUES (1, 'a'), (2, 'b'), (NULL, 'anon');
INSERT INTO fk_posts (user_id, title) VALUES (3, 'c');
INSERT INTO fk_posts (user_id, title) VALUES (1, 'ok'), (9, 'bad');
SELECT user_id, title FROM fk_posts ORDER BY id;
UPDATE fk_posts SET user_id = 5 WHERE title = 'a';
UPDATE fk_posts SET user_id = 2 WHERE title = 'a';
DELETE FROM fk_users WHERE id = 1;
DELETE FROM fk_users WHERE id = 99;
INSERT INTO fk_users VALUES (3, 'cy');
DELETE FROM fk_users WHERE id = 3;
BEGIN;
DELETE FROM fk_posts WHERE user_id = 1;
DELETE FROM fk_users WHERE id = 1;
COMMIT;
SELECT id, name FROM fk_users ORDER BY id;
TRUNCATE fk_users;
TRUNCATE fk_users, fk_posts;
DROP TABLE fk_users;
-- a table-level key, named, composite, referencing named columns
CREATE TABLE fk_parent (a int, b text, v text, PRIMARY KEY (a, b));
CREATE TABLE fk_child (id int PRIMARY KEY, pa int, pb text,
                       CONSTRAINT child_parent FOREIGN KEY (pa, pb) REFERENCES fk_parent (a, b));
INSERT INTO fk_parent VALUES (1, 'x', 'one');
INSERT INTO fk_child VALUES (1, 1, 'x'), (2, 1, NULL), (3, NULL, 'zzz');
INSERT INTO fk_child VALUES (4, 1, 'y');
DELETE FROM fk_parent;
-- rows of one statement may reference each other (self reference)
CREATE TABLE fk_tree (id int PRIMARY KEY, parent int REFERENCES fk_tree (id));
INSERT INTO fk_tree VALUES (2, 1), (1, NULL), (3, 3);
INSERT INTO fk_tree VALUES (4, 40);
DELETE FROM fk_tree WHERE id = 1;
DELETE FROM fk_tree WHERE id IN (1, 2);
SELECT * FROM fk_tree ORDER BY id;
-- pg_dump's order: tables, data, then constraints
CREATE TABLE fk_a (id bigint NOT NULL, b_id integer);
CREATE TABLE fk_b (id integer NOT NULL, note text);
INSERT INTO fk_b VALUES (1, 'one');
INSERT INTO fk_a VALUES (10, 1), (11, NULL);
ALTER TABLE ONLY public.fk_b ADD CONSTRAINT fk_b_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.fk_a ADD CONSTRAINT fk_a_b_id_fkey FOREIGN KEY (b_id) REFERENCES public.fk_b(id);
INSERT INTO fk_a VALUES (12, 2);
ALTER TABLE fk_a ADD CONSTRAINT fk_a_b_id_fkey FOREIGN KEY (b_id) REFERENCES fk_b(id);
INSERT INTO fk_b VALUES (5, 'five');
INSERT INTO fk_a VALUES (13, 5);
CREATE TABLE fk_c (id int PRIMARY KEY, b_id int);
INSERT INTO fk_c VALUES (1, 77);
ALTER TABLE fk_c ADD FOREIGN KEY (b_id) REFERENCES fk_b;
-- what PostgreSQL refuses
CREATE TABLE fk_bad1 (id int PRIMARY KEY, x int REFERENCES nope);
CREATE TABLE fk_bad2 (id int PRIMARY KEY, x text REFERENCES fk_users);
CREATE TABLE fk_bad3 (id int PRIMARY KEY, x int REFERENCES fk_parent);
CREATE TABLE fk_bad4 (id int PRIMARY KEY, x int REFERENCES fk_parent (v));
CREATE TABLE fk_bad5 (id int PRIMARY KEY, x int, FOREIGN KEY (y) REFERENCES fk_users);
CREATE TABLE fk_bad6 (id int PRIMARY KEY, x int, FOREIGN KEY (x) REFERENCES fk_users (nope));
CREATE TABLE fk_ok7 (id int PRIMARY KEY, x bigint REFERENCES fk_users DEFERRABLE INITIALLY DEFERRED);
INSERT INTO fk_ok7 VALUES (1, 2);
INSERT INTO fk_ok7 VALUES (2, 7);
DROP TABLE fk_ok7, fk_users;
