-- SQLSTATEs compared
-- jsonb #- path and jsonb_insert, as PostgreSQL's setPath.
SELECT '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}';
SELECT '[1, 2, 3]'::jsonb #- '{-1}', '[1, 2, 3]'::jsonb #- '{0}', '[1, 2, 3]'::jsonb #- '{-4}', '[1, 2, 3]'::jsonb #- '{3}';
SELECT '[1, 2, 3]'::jsonb #- '{x}';
SELECT '1'::jsonb #- '{a}';
SELECT '{"a": [1, 2]}'::jsonb #- '{a,5}', '{"a": 1}'::jsonb #- '{}', '{"a": 1}'::jsonb #- '{a,b}', '{"a": 1}'::jsonb #- '{x}';
SELECT '{"a": [1, 2]}'::jsonb #- '{a,NULL}';
SELECT '{"a": [1, {"b": [7, 8, 9]}]}'::jsonb #- '{a,1,b,-2}';
SELECT '{"a": 1}'::jsonb #- NULL, NULL::jsonb #- '{a}';
SELECT '{"a": 1}'::jsonb #- '{a}' AS x, pg_typeof('{"a": 1}'::jsonb #- '{a}');
SELECT jsonb_insert('{"a": [0, 1, 2]}', '{a,1}', '"new"');
SELECT jsonb_insert('{"a": [0, 1, 2]}', '{a,1}', '"new"', true);
SELECT jsonb_insert('{"a": [0, 1, 2]}', '{a,-1}', '"new"', true), jsonb_insert('{"a": [0, 1, 2]}', '{a,-1}', '"new"');
SELECT jsonb_insert('{"a": [0, 1, 2]}', '{a,10}', '"new"'), jsonb_insert('[1]', '{-5}', '2'), jsonb_insert('[]', '{0}', '{"x": 1}');
SELECT jsonb_insert('{"a": {"b": 1}}', '{a,b}', '2');
SELECT jsonb_insert('{"a": {"b": 1}}', '{a,c}', '2'), jsonb_insert('{"a": {"b": 1}}', '{a,c,d}', '2');
SELECT jsonb_insert('1', '{a}', '2');
SELECT jsonb_insert('{"a": 1}', '{x,y}', '2'), jsonb_insert('{"a": 1}', '{a,0}', '2');
SELECT jsonb_insert('{"a": [1]}', '{a,z}', '2');
SELECT jsonb_insert('{"a": 1}', '{a}', NULL), jsonb_insert('{"a": 1}', '{b}', '[1, 2]', NULL);
