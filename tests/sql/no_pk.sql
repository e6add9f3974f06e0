-- Tables without a primary key get a hidden row id (helios_rowid, helios_rowid_node): left out
-- of SELECT *, INSERT and COPY column lists and \d, unique across regions without coordination.
-- ALTER TABLE ... ADD PRIMARY KEY replaces it by real key columns, as pg_dump restores tables.
CREATE TABLE np (a int, b text, hits g_counter);
INSERT INTO np VALUES (1, 'x', 5), (1, 'x', 0), (2, NULL, 1) RETURNING *;
SELECT * FROM np ORDER BY a, b, hits;
SELECT count(DISTINCT helios_rowid) AS ids, min(helios_rowid_node) AS node FROM np;
UPDATE np SET b = 'y' WHERE a = 1;
UPDATE np SET hits = hits + 1 WHERE a = 2;
SELECT a, b, hits FROM np ORDER BY a, b, hits;
DELETE FROM np WHERE hits = 0;
SELECT a, b, hits FROM np ORDER BY a;
INSERT INTO np (helios_rowid, a) VALUES (1, 1);
CREATE TABLE np2 (helios_rowid int);
\d np
ALTER TABLE np ADD PRIMARY KEY (b);
ALTER TABLE np ADD CONSTRAINT np_pkey PRIMARY KEY (a);
SELECT * FROM np ORDER BY a;
\d np
INSERT INTO np VALUES (1, 'again', 1);
ALTER TABLE np ADD PRIMARY KEY (b);
CREATE TABLE nd (k text, v int);
INSERT INTO nd VALUES ('a', 1), ('a', 2);
ALTER TABLE ONLY public.nd ADD CONSTRAINT nd_pkey PRIMARY KEY (k);
DROP TABLE np, nd;
