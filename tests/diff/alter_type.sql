-- ALTER TABLE ... ALTER COLUMN ... TYPE where the stored values stay as they are: integer
-- widths, varchar lengths and text, numeric(p,s) to numeric, timestamptz(p) to timestamptz;
-- narrowing checked against the rows (22003, 22001); USING the column itself; the new type
-- seen by inserts, defaults and the catalogs (Django's max_length migrations do this).
CREATE TABLE at1 (id int PRIMARY KEY, a int, b varchar(10), c text, d numeric(5,2), e timestamptz(0), f bigint DEFAULT 7);
INSERT INTO at1 VALUES (1, 5, 'abc', 'hello world', 1.5, '2020-01-01 10:00:00+00', 3000000000), (2, 40000, 'abcdefgh', 'x', NULL, NULL, 1);
ALTER TABLE at1 ALTER COLUMN a TYPE bigint;
ALTER TABLE at1 ALTER COLUMN a TYPE smallint;
ALTER TABLE at1 ALTER COLUMN a TYPE int;
ALTER TABLE at1 ALTER COLUMN b TYPE varchar(20);
ALTER TABLE at1 ALTER COLUMN b TYPE varchar(5);
ALTER TABLE at1 ALTER COLUMN b TYPE text;
ALTER TABLE at1 ALTER COLUMN c TYPE varchar(255);
ALTER TABLE at1 ALTER COLUMN c TYPE varchar(3);
ALTER TABLE at1 ALTER COLUMN d TYPE numeric;
ALTER TABLE at1 ALTER COLUMN e TYPE timestamptz;
ALTER TABLE at1 ALTER COLUMN f TYPE int;
ALTER TABLE at1 ALTER COLUMN nope TYPE int;
ALTER TABLE at1 ALTER COLUMN b TYPE varchar(255) USING b::varchar(255);
ALTER TABLE at1 ALTER b SET DATA TYPE varchar(300);
ALTER TABLE nope ALTER COLUMN b TYPE int;
SELECT * FROM at1 ORDER BY id;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'at1'::regclass AND attnum > 0 ORDER BY attnum;
INSERT INTO at1 (id, b) VALUES (3, repeat('z', 301));
INSERT INTO at1 (id, b) VALUES (3, repeat('z', 300));
INSERT INTO at1 (id) VALUES (4);
INSERT INTO at1 (id, a) VALUES (5, 3000000000);
SELECT id, length(b), f FROM at1 ORDER BY id;
BEGIN;
ALTER TABLE at1 ALTER COLUMN c TYPE varchar(20);
ALTER TABLE at1 ALTER COLUMN c TYPE varchar(30);
COMMIT;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'at1'::regclass AND attname = 'c';
DROP TABLE at1;
-- LIKE ... ESCAPE, a call as the pattern, the integer bitwise operators, unnest of several
-- arrays side by side (Django's introspection uses the last three)
SELECT 'a%b' LIKE 'a!%b' ESCAPE '!', 'axb' LIKE 'a!%b' ESCAPE '!', 'a\b' LIKE 'a\b' ESCAPE '', 'ab' LIKE 'a_' ESCAPE '';
SELECT 'abc' LIKE 'a%' ESCAPE 'xy';
SELECT 'abc' LIKE 'abc!' ESCAPE '!';
SELECT 'ABC' LIKE upper('a%'), 'x' LIKE NULL ESCAPE '!', 'x' LIKE 'x' ESCAPE NULL;
SELECT 'a_c' ILIKE 'A#_C' ESCAPE '#', 'abc' NOT LIKE 'a#%' ESCAPE '#';
SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 256 >> 3, -8 >> 1;
SELECT 5::int2 & 3::int2, pg_typeof(5::int2 & 3::int2), pg_typeof(5::int2 & 3), pg_typeof(5::int8 | 3), pg_typeof(1::int2 << 2);
SELECT 1 << 33, 1::int8 << 33, 1::int2 << 15, 1::int2 << 16, (-1) >> 40;
SELECT NULL::int & 1, 1 # NULL;
SELECT 'a' & 1;
SELECT 1.5 & 1;
SELECT x, x & 1 AS odd FROM generate_series(1, 4) x ORDER BY x;
SELECT * FROM unnest(ARRAY[1,2,3], ARRAY['a','b']) WITH ORDINALITY AS u(x, y, n);
SELECT * FROM unnest(ARRAY[1,2], NULL::text[]);
SELECT * FROM unnest('{}'::int[], ARRAY[true]);
SELECT unnest(ARRAY[1], ARRAY[2]);
CREATE TABLE unt (id int PRIMARY KEY, a int, b int);
CREATE INDEX unt_ab ON unt (a DESC, b);
SELECT k, o, n FROM pg_index i, unnest(i.indkey, i.indoption) WITH ORDINALITY koi(k, o, n) WHERE i.indexrelid = 'unt_ab'::regclass ORDER BY n;
SELECT a.attname, CASE (koi.o & 1) WHEN 1 THEN 'DESC' ELSE 'ASC' END FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey, i.indoption) WITH ORDINALITY koi(k, o, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = koi.k WHERE i.indexrelid = 'unt_ab'::regclass ORDER BY koi.n;
SELECT c.conname, array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx) JOIN pg_attribute ca ON cols.colid = ca.attnum WHERE ca.attrelid = c.conrelid ORDER BY cols.arridx) FROM pg_constraint c WHERE c.conrelid = 'unt'::regclass;
DROP TABLE unt;
