-- SQLSTATEs compared
-- Foreign keys with ON DELETE CASCADE / SET NULL / SET DEFAULT (and ON UPDATE actions, which
-- never fire here: a primary key is never updated), run at the end of the DELETE.
CREATE TABLE fa_p (id int PRIMARY KEY, name text);
CREATE TABLE fa_c (id int PRIMARY KEY, pid int REFERENCES fa_p ON DELETE CASCADE, v text);
CREATE TABLE fa_g (id int PRIMARY KEY, cid int REFERENCES fa_c ON DELETE CASCADE);
CREATE TABLE fa_n (id int PRIMARY KEY, pid int REFERENCES fa_p ON DELETE SET NULL ON UPDATE CASCADE);
CREATE TABLE fa_d (id int PRIMARY KEY, pid int DEFAULT 0 REFERENCES fa_p ON DELETE SET DEFAULT);
CREATE TABLE fa_r (id int PRIMARY KEY, pid int REFERENCES fa_p ON DELETE RESTRICT);
INSERT INTO fa_p VALUES (0, 'default'), (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO fa_c VALUES (10, 1, 'x'), (11, 1, 'y'), (12, 2, 'z'), (13, NULL, 'w');
INSERT INTO fa_g VALUES (100, 10), (101, 11), (102, 12);
INSERT INTO fa_n VALUES (20, 1), (21, 2);
INSERT INTO fa_d VALUES (30, 1), (31, 3);
SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('fa_c'::regclass, 'fa_n'::regclass, 'fa_d'::regclass, 'fa_r'::regclass) AND contype = 'f' ORDER BY conname;
SELECT conname, confupdtype, confdeltype FROM pg_constraint WHERE contype = 'f' AND conname LIKE 'fa_%' ORDER BY conname;
DELETE FROM fa_p WHERE id = 1;
SELECT * FROM fa_c ORDER BY id;
SELECT * FROM fa_g ORDER BY id;
SELECT * FROM fa_n ORDER BY id;
SELECT * FROM fa_d ORDER BY id;
-- SET DEFAULT to a parent that is being deleted: the check fails
DELETE FROM fa_p WHERE id IN (0, 3);
SELECT * FROM fa_d ORDER BY id;
-- RESTRICT still refuses
INSERT INTO fa_r VALUES (40, 2);
DELETE FROM fa_p WHERE id = 2;
DELETE FROM fa_r;
-- RETURNING and the row count are the parent's only
DELETE FROM fa_p WHERE id = 2 RETURNING *;
SELECT * FROM fa_c ORDER BY id;
SELECT * FROM fa_g ORDER BY id;
SELECT * FROM fa_n ORDER BY id;
-- inside a transaction, undone by ROLLBACK
BEGIN;
INSERT INTO fa_p VALUES (5, 'e');
INSERT INTO fa_c VALUES (50, 5, 'q');
INSERT INTO fa_g VALUES (500, 50);
DELETE FROM fa_p WHERE id = 5;
SELECT count(*) FROM fa_g WHERE id = 500;
ROLLBACK;
-- SET NULL into a NOT NULL column, and through a CHECK
CREATE TABLE fa_nn (id int PRIMARY KEY, pid int NOT NULL REFERENCES fa_p ON DELETE SET NULL);
INSERT INTO fa_p VALUES (6, 'f');
INSERT INTO fa_nn VALUES (60, 6);
DELETE FROM fa_p WHERE id = 6;
DROP TABLE fa_nn;
CREATE TABLE fa_ck (id int PRIMARY KEY, pid int REFERENCES fa_p ON DELETE SET NULL, CHECK (pid IS NOT NULL OR id < 0));
INSERT INTO fa_ck VALUES (70, 6), (-1, 6);
DELETE FROM fa_p WHERE id = 6;
SELECT * FROM fa_ck ORDER BY id;
DROP TABLE fa_ck;
-- a tree: cascade down a self-reference
CREATE TABLE fa_tree (id int PRIMARY KEY, parent int REFERENCES fa_tree ON DELETE CASCADE);
INSERT INTO fa_tree VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL), (7, 6);
DELETE FROM fa_tree WHERE id = 1;
SELECT * FROM fa_tree ORDER BY id;
-- a multi-column key set to NULL
CREATE TABLE fa_p2 (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE fa_c2 (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES fa_p2 ON DELETE SET NULL);
INSERT INTO fa_p2 VALUES (1, 1), (1, 2);
INSERT INTO fa_c2 VALUES (1, 1, 1), (2, 1, 2);
DELETE FROM fa_p2 WHERE b = 1;
SELECT * FROM fa_c2 ORDER BY id;
SELECT constraint_name, update_rule, delete_rule FROM information_schema.referential_constraints WHERE constraint_name LIKE 'fa_%' ORDER BY 1;
DROP TABLE fa_c2, fa_p2, fa_tree, fa_r, fa_d, fa_n, fa_g, fa_c, fa_p;
-- a cascade that reaches a NO ACTION grandchild fails as a whole
CREATE TABLE fb_p (id int PRIMARY KEY);
CREATE TABLE fb_c (id int PRIMARY KEY, pid int REFERENCES fb_p ON DELETE CASCADE);
CREATE TABLE fb_g (id int PRIMARY KEY, cid int REFERENCES fb_c);
INSERT INTO fb_p VALUES (1);
INSERT INTO fb_c VALUES (10, 1);
INSERT INTO fb_g VALUES (100, 10);
DELETE FROM fb_p;
SELECT * FROM fb_c;
DROP TABLE fb_g, fb_c, fb_p;
