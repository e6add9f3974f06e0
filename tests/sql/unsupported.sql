-- Constructs HeliosDB does not support are refused with 0A000 naming the construct, never a
-- wrong answer and never a misleading SQLSTATE.
\set VERBOSITY verbose
CREATE TABLE u (id bigint PRIMARY KEY, v text);
INSERT INTO u VALUES (1, 'a'), (2, 'b');
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3));
SELECT * FROM u a JOIN u b ON a.id = b.id FOR UPDATE;
WITH d AS (DELETE FROM u WHERE id > 5 RETURNING *) SELECT * FROM d;
CREATE INDEX ui ON u (v) WHERE v > 'a';
EXPLAIN (FORMAT JSON) SELECT * FROM u;
CREATE VIEW uv AS SELECT v, count(*) FROM u GROUP BY v;
INSERT INTO uv VALUES ('c', 1);
SELECT count(*) FROM u;
-- a whole row or ROW() anywhere but selected or given to the json functions (its value is the
-- record's text: compared or tested it would not answer as PostgreSQL's records do)
CREATE TABLE wr (a int PRIMARY KEY, b text);
SELECT count(*) FROM wr t WHERE t IS NOT NULL;
SELECT a FROM wr t ORDER BY t;
SELECT json_agg(x) FROM (VALUES (ROW(1, 2))) v(x);
SELECT length(t) FROM wr t;
DROP TABLE wr;
