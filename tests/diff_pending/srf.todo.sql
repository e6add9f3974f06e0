-- Statements of the srf corpus whose HeliosDB output still differs from PostgreSQL 15's
-- (or that follow one that does), with the tables of tests/diff/srf.sql. Each is a
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
SELECT * FROM unnest(ARRAY['{"a": 1}'::jsonb, '[2]']) ORDER BY 1;
SELECT * FROM jsonb_array_elements('[1, "a", null, true, {"k": 2}, [3]]') ORDER BY 1;
SELECT d.id, e FROM srf_doc d, jsonb_array_elements(d.js) e WHERE jsonb_typeof(d.js) = 'array' ORDER BY d.id, e;
SELECT d.id, e FROM srf_doc d, jsonb_array_elements(d.js #> '{nested,deep}') e ORDER BY d.id, e;
SELECT * FROM jsonb_array_elements('[1, [2, [3, [4]]]]') WITH ORDINALITY AS x(v, o), jsonb_array_elements(CASE WHEN jsonb_typeof(x.v) = 'array' THEN x.v ELSE '[]' END) y ORDER BY o, y;
DROP TABLE srf_doc, srf_tag;
