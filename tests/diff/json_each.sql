-- json_each, json_each_text, json_object_keys, json_array_elements[_text] on the json type: values
-- as written (whitespace, escapes), duplicate keys kept in order, the errors on the wrong kind
select * from json_each('{"a": [1,  2], "b": "x\u0041", "a": null, "c": {"d" : 1}}');
select * from json_each_text('{"a": [1,  2], "b": "x\u0041", "a": null, "c": {"d" : 1}, "e": 1.50}');
select json_object_keys('{"k\"q": 1, "k\"q": 2, "z": 3}');
select * from json_array_elements('[1, "two",  {"t" : 3}, null, [ 4 ]]');
select * from json_array_elements_text('[1, "tw\no",  {"t" : 3}, null, [ 4 ]]');
select value from json_each('{"a":1}') with ordinality;
select * from json_each('[1]');
select * from json_each('1');
select * from json_array_elements('{"a":1}');
select * from json_array_elements('3');
select json_object_keys('[1]');
select json_object_keys('"s"');
select * from json_each_text('[1]');
select * from json_array_elements_text('{}');
select pg_typeof(value) from json_each('{"a":1}');
select count(*) from json_array_elements('[]');
select * from json_each(null);
CREATE TABLE je_t (id int PRIMARY KEY, j json);
INSERT INTO je_t VALUES (1, '{"a": 1, "b": [true,  false]}'), (2, '{"a": "x", "a": 2}'), (3, NULL);
SELECT id, key, value FROM je_t, json_each(j) ORDER BY id, key, value::text;
SELECT id, json_object_keys(j) FROM je_t ORDER BY 1, 2;
SELECT e, pg_typeof(e) FROM json_array_elements('[1, {"a" : 2}]') AS e;
SELECT json_array_elements_text('["a", "b\"c"]') || '!';
SELECT k.key, k.value FROM json_each_text('{"n": null, "s": "\u00e9"}') AS k ORDER BY 1;
DROP TABLE je_t;
