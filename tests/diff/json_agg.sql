-- json_agg, jsonb_agg, json_object_agg, jsonb_object_agg: NULLs kept, ORDER BY inside, FILTER,
-- GROUP BY, nested json values, an empty input (NULL)
CREATE TABLE ja_t (id int PRIMARY KEY, g text, v text, n numeric, j jsonb);
INSERT INTO ja_t VALUES (1, 'a', 'x', 1.5, '{"k": 1}'), (2, 'a', NULL, 2, '[1, 2]'), (3, 'b', 'y"z', NULL, NULL), (4, 'b', 'w', 4, '"s"');
SELECT json_agg(v ORDER BY id), jsonb_agg(v ORDER BY id), json_agg(n ORDER BY id DESC), jsonb_agg(j ORDER BY id) FROM ja_t;
SELECT g, json_agg(id ORDER BY id), jsonb_agg(n ORDER BY id) FILTER (WHERE id > 1) FROM ja_t GROUP BY g ORDER BY g;
SELECT json_object_agg(v, n ORDER BY id) FILTER (WHERE v IS NOT NULL), jsonb_object_agg(g, id) FROM ja_t;
SELECT json_object_agg(v, n) FROM ja_t;
SELECT json_agg(id), jsonb_agg(id), json_object_agg(id, id) FROM ja_t WHERE id > 100;
SELECT pg_typeof(json_agg(id)), pg_typeof(jsonb_agg(id)), pg_typeof(json_object_agg(id, id)), pg_typeof(jsonb_object_agg(id, id)) FROM ja_t;
SELECT json_agg(json_build_object('id', id, 'v', v) ORDER BY id) FROM ja_t;
SELECT jsonb_agg(DISTINCT g ORDER BY g) FROM ja_t;
DROP TABLE ja_t;
