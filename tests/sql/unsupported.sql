-- Constructs HeliosDB does not support are refused with 0A000 naming the construct, never a
-- wrong answer and never a misleading SQLSTATE.
\set VERBOSITY verbose
CREATE TABLE u (id bigint PRIMARY KEY, v text);
INSERT INTO u VALUES (1, 'a'), (2, 'b');
SELECT id, row_number() OVER () FROM u;
SELECT * FROM u a JOIN u b ON a.id = b.id FOR UPDATE;
CREATE VIEW uv AS SELECT * FROM u;
CREATE INDEX ui ON u (v);
EXPLAIN SELECT * FROM u;
SELECT count(*) FROM u;
