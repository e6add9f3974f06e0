-- Statements of the srf_ext corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/srf_ext.sql. Each is a
-- known gap; run with tests/integration/test_sql_differential.py's format.
CREATE TABLE srf_doc (id int PRIMARY KEY, tags text[], js jsonb, n int, lo bigint, hi bigint);
INSERT INTO srf_doc VALUES
  (1, '{red,green}', '{"a": 1, "b": "two", "c": [1, 2]}', 3, 1, 3),
  (2, '{blue}', '{"x": null, "y": true}', 0, 5, 4),
  (3, '{}', '[1, "a", null, {"k": 2}, [3]]', 2, -2, 2),
  (4, NULL, '{}', NULL, NULL, 10),
  (5, '{red,NULL,red}', '[]', 1, 9000000000, 9000000002),
  (6, '{"with space","comma,inside"}', '{"nested": {"deep": [1, {"z": 0}]}, "num": 1.50}', 4, 0, 0),
  (7, '{z,y,x,w}', '"scalar"', 2, 10, 1);
CREATE TABLE srf_tag (tag text PRIMARY KEY, color_code int);
INSERT INTO srf_tag VALUES ('red', 1), ('green', 2), ('blue', 3), ('x', 24), ('purple', NULL);
SELECT * FROM generate_series('2026-01-01 00:00:00+00'::timestamptz, '2026-01-03 00:00:00+00', '12 hours') ORDER BY 1;
SELECT * FROM generate_series('2026-01-03 00:00:00+00'::timestamptz, '2026-01-01 00:00:00+00', '-1 day') ORDER BY 1;
SELECT * FROM unnest(ARRAY[1, 2, 3]) ORDER BY 1;
SELECT * FROM unnest(ARRAY[[1, 2], [3, 4]]) ORDER BY 1;
SELECT * FROM unnest(ARRAY[[1, 2], [3, 4]]) WITH ORDINALITY AS u(v, o) ORDER BY o;
SELECT * FROM unnest(ARRAY[1.5, 2.25]) ORDER BY 1;
SELECT * FROM unnest(ARRAY[true, NULL, false]) ORDER BY 1;
SELECT u FROM unnest(ARRAY[3, 1, 2]) u ORDER BY u;
SELECT u.x FROM unnest(ARRAY[3, 1, 2]) AS u(x) ORDER BY u.x DESC;
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['a', 'b']) ORDER BY 1;
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c'], ARRAY[true]) AS u(i, t, b) ORDER BY 1;
SELECT * FROM unnest(ARRAY[1, 2], ARRAY['x', 'y']) WITH ORDINALITY AS u(i, t, o) ORDER BY o;
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) AS r(g, t) ORDER BY 1;
SELECT * FROM ROWS FROM (generate_series(1, 2), generate_series(5, 8)) WITH ORDINALITY AS r(a, b, o) ORDER BY o;
SELECT DISTINCT u FROM unnest(ARRAY[3, 1, 3, 2, 1]) u ORDER BY u;
SELECT u.a, u.b FROM srf_doc d, unnest(d.tags, ARRAY[d.n, d.n * 10]) AS u(a, b) WHERE d.id <= 2 ORDER BY d.id, u.a NULLS LAST, u.b NULLS LAST;
SELECT d.id, x FROM srf_doc d, unnest(ARRAY[d.lo, d.hi]) x ORDER BY d.id, x;
SELECT x FROM unnest(ARRAY[1, 2, 3]) x WHERE x > (SELECT avg(y) FROM unnest(ARRAY[1, 2, 3]) y) ORDER BY x;
SELECT u, o FROM unnest(ARRAY[1, NULL, 3]) WITH ORDINALITY AS t(u, o) ORDER BY o;
SELECT u, o FROM unnest('{}'::int[]) WITH ORDINALITY AS t(u, o) ORDER BY o;
SELECT u, o FROM unnest(ARRAY[ARRAY['a', 'b'], ARRAY['c', 'd']]) WITH ORDINALITY AS t(u, o) ORDER BY o;
SELECT u, o FROM unnest('{1.5,2.50,-0}'::numeric[]) WITH ORDINALITY AS t(u, o) ORDER BY o;
SELECT u, o FROM unnest(ARRAY[true, false]) WITH ORDINALITY AS t(u, o) ORDER BY o;
SELECT u, o FROM unnest(regexp_split_to_array('one two  three', ' ')) WITH ORDINALITY AS t(u, o) ORDER BY o;
DROP TABLE srf_doc, srf_tag;
