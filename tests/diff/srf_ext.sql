-- Set-returning functions, extended features: non-text arrays, multi-argument unnest, ROWS FROM, numeric and timestamptz generate_series.
-- Same tables as srf.sql; statements that need features beyond the core engine brief (see README.md).
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
SELECT * FROM generate_series(1.5, 3.5) ORDER BY 1;
SELECT * FROM generate_series(0.0, 1.0, 0.25) ORDER BY 1;
SELECT * FROM generate_series(1, 2, 0.3) ORDER BY 1;
SELECT * FROM generate_series(3.0, 1, -0.5) ORDER BY 1;
DROP TABLE srf_doc, srf_tag;
