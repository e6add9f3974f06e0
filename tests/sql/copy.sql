-- COPY FROM STDIN / TO STDOUT: text and CSV formats, NULLs, escapes, quoting, unicode,
-- column lists, errors with SQLSTATEs, COPY inside a transaction
\set VERBOSITY verbose
CREATE TABLE cp (id int PRIMARY KEY, name text, views g_counter, tags or_set, price numeric);
COPY cp FROM STDIN;
1	one	3	{a,b}	1.50
2	\N	1	{}	\N
3	tab\there\\back	0	{"x y"}	0
4	ünïcödé ✓	2	{z}	10
\.
COPY cp (id, name, views) FROM STDIN WITH (FORMAT csv, HEADER true);
id,name,views
5,"quoted, comma",5
6,,2
7,"""q""",0
8,"",1
\.
SELECT * FROM cp ORDER BY id;
COPY cp TO STDOUT;
COPY cp (id, name) TO STDOUT WITH (FORMAT csv, HEADER true);
COPY cp (id, name) TO STDOUT WITH (DELIMITER '|', NULL 'nil');
-- a second COPY of an existing key fails with 23505, as INSERT does (ON CONFLICT upserts)
COPY cp (id, views) FROM STDIN;
1	10
\.
SELECT id, views FROM cp WHERE id = 1;
-- errors
COPY cp (id, name) FROM STDIN;
9	x	extra
\.
COPY cp (id, views) FROM STDIN;
9	notanumber
\.
COPY cp (id, name) FROM STDIN;
\N	no key
\.
COPY cp (nope) FROM STDIN;
COPY missing FROM STDIN;
COPY cp FROM '/etc/passwd';
SELECT count(*) FROM cp;
-- in a transaction: visible inside, gone after ROLLBACK
BEGIN;
COPY cp (id, name) FROM STDIN;
20	in txn
\.
SELECT name FROM cp WHERE id = 20;
ROLLBACK;
SELECT count(*) FROM cp WHERE id = 20;
