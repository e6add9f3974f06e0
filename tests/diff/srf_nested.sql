-- Set-returning functions inside select-list expressions (a ProjectSet below the projection), in
-- lockstep with each other, and where PostgreSQL refuses them (CASE, COALESCE, aggregates, WHERE).
SELECT unnest(ARRAY[3,1,2]) + 1;
SELECT generate_series(1,3) * 10 AS x, 'a';
SELECT generate_series(1,2) + generate_series(1,3);
SELECT unnest(ARRAY['a','b']) || '!', generate_series(1,3);
SELECT upper(unnest(ARRAY['a','b']));
SELECT (generate_series(1,2))::text;
SELECT CASE WHEN true THEN generate_series(1,2) END;
SELECT coalesce(generate_series(1,2), 0);
SELECT sum(generate_series(1,3));
SELECT 1 WHERE generate_series(1,2) > 1;
SELECT count(*), generate_series(1,2) + 1;
CREATE TABLE sr (id int PRIMARY KEY, a int[]);
INSERT INTO sr VALUES (1, '{1,2}'), (2, '{3}'), (3, '{}');
SELECT id, unnest(a) * 2 AS d FROM sr ORDER BY id, d;
SELECT id, array_length(a, 1) + generate_series(0, 1) FROM sr WHERE id < 3 ORDER BY 1, 2;
DROP TABLE sr;
SELECT 1 FROM (VALUES (1)) v(x) JOIN (VALUES (1)) w(y) ON generate_series(1,2) = 1;
SELECT x FROM (VALUES (1)) v(x) GROUP BY x HAVING generate_series(1,2) > 0;
