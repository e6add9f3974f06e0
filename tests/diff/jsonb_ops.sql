-- jsonb containment (@>, <@), key existence (?, ?|, ?&) and paths (#>, #>>), over constants and a
-- jsonb column.
SELECT '{"a":1,"b":2}'::jsonb @> '{"b":2}', '{"a":1}'::jsonb @> '{"a":1.0}', '{"foo": {"bar": "baz"}}'::jsonb @> '{"bar": "baz"}';
SELECT '[1,2,3]'::jsonb @> '[3,1]', '[1,2,3]'::jsonb @> '[1,1]', '["foo","bar"]'::jsonb @> '"foo"', '"foo"'::jsonb @> '["foo"]';
SELECT '[1,[2,3]]'::jsonb @> '[[2]]', '[1,[2,3]]'::jsonb @> '[2]', '{"a":[1,2]}'::jsonb @> '{"a":[1]}', '{}'::jsonb @> '[]', '[]'::jsonb @> '{}';
SELECT '{"b":2}'::jsonb <@ '{"a":1,"b":2}', 'null'::jsonb @> 'null', '1'::jsonb @> '1', '{"a":null}'::jsonb @> '{"a":null}';
SELECT '{"a":1,"b":2}'::jsonb ? 'a', '{"a":1}'::jsonb ? 'z', '["x","y"]'::jsonb ? 'x', '"x"'::jsonb ? 'x', '[1]'::jsonb ? '1';
SELECT '{"a":1,"b":2}'::jsonb ?| ARRAY['z','b'], '{"a":1,"b":2}'::jsonb ?& ARRAY['a','b'], '{"a":1}'::jsonb ?& ARRAY['a','z'], '{"a":1}'::jsonb ?| '{}';
SELECT '{"a":{"b":[10,20,{"c":"x"}]}}'::jsonb #> '{a,b,2}', '{"a":{"b":[10,20,{"c":"x"}]}}'::jsonb #>> '{a,b,2,c}', '{"a":{"b":[10,20]}}'::jsonb #> '{a,b,-1}';
SELECT '{"a":[1]}'::jsonb #> '{a,x}', '{"a":1}'::jsonb #> '{}', '{"a":null}'::jsonb #>> '{a}', '{"a":"s"}'::jsonb #> '{a}', '{"a":1}'::jsonb #> '{a,b}';
SELECT '{"a":1}'::jsonb @> NULL, NULL::jsonb ? 'a', '{"a":1}'::jsonb #> NULL;
SELECT '{"a":1}'::jsonb ? 1;
SELECT 1 @> '{"a":1}'::jsonb;
CREATE TABLE jt (id int PRIMARY KEY, doc jsonb);
INSERT INTO jt VALUES (1, '{"tags":["a","b"],"n":1}'), (2, '{"tags":["c"],"n":2}'), (3, NULL);
SELECT id FROM jt WHERE doc @> '{"tags":["a"]}' ORDER BY id;
SELECT id, doc #>> '{tags,0}' FROM jt WHERE doc ? 'n' ORDER BY id;
DROP TABLE jt;
