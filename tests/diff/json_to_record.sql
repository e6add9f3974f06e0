-- SQLSTATEs compared
-- jsonb_to_record[set] and json_to_record[set] with a column definition list: members by
-- name, strings as their text, other values read by the column type's input.
SELECT * FROM jsonb_to_record('{"a": 1, "b": "x", "c": 2.5, "d": true}') AS x(a int, b text, c numeric, d bool);
SELECT * FROM jsonb_to_record('{"a": [1, 2], "b": {"c": 1}, "d": "s", "e": true, "f": [1, 2], "h": null}') AS x(a text, b text, d jsonb, e bool, f int[], g int, h text);
SELECT * FROM json_to_record('{"a": 1, "a": 2, "b": "two words"}') AS x(a int, b varchar);
SELECT * FROM jsonb_to_recordset('[{"id": 1, "name": "ann"}, {"id": 2}, {"name": "cy", "extra": 9}]') AS x(id int, name text) ORDER BY id NULLS LAST;
SELECT * FROM json_to_recordset('[{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": []}]') AS x(id bigint, tags text[]);
SELECT x.*, x.id * 10 FROM jsonb_to_recordset('[{"id": 3}, {"id": 4}]') WITH ORDINALITY AS x(id int, ord bigint);
SELECT * FROM jsonb_to_recordset('[]') AS x(a int);
SELECT * FROM jsonb_to_record(NULL) AS x(a int, b text);
SELECT * FROM jsonb_to_recordset(NULL) AS x(a int);
SELECT * FROM jsonb_to_record('{"ts": "2026-01-02 03:04:05", "d": "2026-02-03", "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "n": -12.50, "f": 1e3}') AS x(ts timestamp, d date, u uuid, n numeric, f float8);
SELECT * FROM jsonb_to_record('{"q": "say \"hi\"", "s": "a\\b"}') AS x(q text, s text);
SELECT * FROM jsonb_to_record('{"arr": ["x,y", "q\"r", null]}') AS x(arr text[]);
SELECT t.k, r.v FROM (VALUES (1, '{"v": 10}'::jsonb), (2, '{"v": 20}')) t(k, j), LATERAL jsonb_to_record(t.j) AS r(v int) ORDER BY 1;
SELECT sum(v) FROM jsonb_to_recordset('[{"v": 1}, {"v": 2}, {"v": 3}]') AS x(v int) WHERE v > 1;
SELECT * FROM jsonb_to_record('[1]') AS x(a int);
SELECT * FROM jsonb_to_record('1') AS x(a int);
SELECT * FROM jsonb_to_recordset('{"a": 1}') AS x(a int);
SELECT * FROM jsonb_to_recordset('[1]') AS x(a int);
SELECT * FROM jsonb_to_recordset('[{"a": 1}, [2]]') AS x(a int);
SELECT * FROM json_to_recordset('[{"a": 1}, 2]') AS x(a int);
SELECT * FROM jsonb_to_record('{"a": "x"}') AS x(a int);
SELECT * FROM jsonb_to_record('{"a": 1.5}') AS x(a int);
SELECT * FROM jsonb_to_record('{"a": 1}');
SELECT * FROM generate_series(1, 2) AS x(a int);
