-- COPY (query) TO STDOUT (SQLSTATEs compared): text, csv with a header, delimiter and NULL
-- options, VALUES, an empty result, aggregates and joins, and the errors of a bad query.
CREATE TABLE cq (id int PRIMARY KEY, v text, n numeric, t timestamptz);
CREATE TABLE cq2 (id int PRIMARY KEY, label text);
INSERT INTO cq VALUES (1, 'a b', 1.5, '2026-01-02 03:04:05+00'), (2, NULL, NULL, NULL), (3, E'q"uote,comma\ttab\\back', 3, '2026-12-31 23:59:59.5+00');
INSERT INTO cq2 VALUES (1, 'one'), (3, 'three');
COPY (SELECT * FROM cq ORDER BY id) TO STDOUT;
COPY (SELECT * FROM cq ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT * FROM cq ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'NULL', QUOTE '''');
COPY (SELECT id, v FROM cq WHERE id > 1 ORDER BY id) TO STDOUT (DELIMITER '|', NULL 'nil');
COPY (VALUES (1, 'x'), (2, 'y')) TO STDOUT;
COPY (SELECT count(*), sum(n) FROM cq) TO STDOUT WITH (FORMAT csv);
COPY (SELECT cq.id, label FROM cq JOIN cq2 USING (id) ORDER BY 1) TO STDOUT CSV HEADER;
COPY (SELECT * FROM cq WHERE false) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT ARRAY[1, 2], '{"a": 1}'::jsonb) TO STDOUT;
COPY (SELECT nothere FROM cq) TO STDOUT;
COPY (SELECT * FROM nowhere) TO STDOUT;
COPY (SELECT 1) FROM STDIN;
DROP TABLE cq, cq2;
