-- json (the type, not jsonb): its text kept as written, the operators and functions that read
-- it returning the original text of the part they reach, no equality operator
CREATE TABLE j_t (id int PRIMARY KEY, j json);
INSERT INTO j_t VALUES (1, '{"b": 1,  "a": [1,  2, {"c" : "x\u00e9"}], "b": 3}'), (2, '[10, "t", null, true]'), (3, '"s"'), (4, NULL);
SELECT id, j, pg_typeof(j) FROM j_t ORDER BY id;
SELECT id, j -> 'a', j ->> 'b', j -> 1, j ->> 1, j -> -1, j -> 'zz', j #> '{a,2}', j #>> '{a,2,c}', j #> '{}' FROM j_t ORDER BY id;
SELECT json_typeof(j), json_typeof(j -> 'a') FROM j_t ORDER BY id;
SELECT json_array_length(j -> 'a') FROM j_t WHERE id = 1;
SELECT json_array_length(j) FROM j_t WHERE id = 1;
SELECT json_extract_path(j, 'a', '2'), json_extract_path_text(j, 'a', '2', 'c'), json_extract_path_text(j, 'b') FROM j_t WHERE id = 1;
SELECT '{"x" :  1}'::json, pg_typeof('{}'::json), '{"x" :  1}'::json::jsonb, '{"b":1,"a":2}'::jsonb::json, '[1, 2]'::json::text;
SELECT json_build_object('a', 1, 'b', 'x'), pg_typeof(json_build_object('a', 1)), json_build_array(1, 'a', NULL, json_build_object('z', true));
SELECT to_json('x'::text), to_json(42), pg_typeof(to_json(1));
SELECT '[1,2]'::json = '[1,2]'::json;
SELECT j FROM j_t WHERE j = '"s"';
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'j_t'::regclass AND attnum > 0 ORDER BY attnum;
SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'j_t' ORDER BY ordinal_position;
UPDATE j_t SET j = '{ "k" : [ 1 ] }' WHERE id = 3 RETURNING j, j -> 'k';
CREATE TABLE j_k (j json PRIMARY KEY);
DROP TABLE j_t;
