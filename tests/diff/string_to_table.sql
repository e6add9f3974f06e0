-- string_to_table (a set-returning function: NULL separator, null string, WITH ORDINALITY) and
-- array_to_json (element types, NULLs, pretty), compared with PostgreSQL 15.
SELECT string_to_table('a,b,,c', ',');
SELECT string_to_table('abc', NULL);
SELECT string_to_table('a|*|b', '|', '*');
SELECT * FROM string_to_table('x y z', ' ') WITH ORDINALITY AS t(w, n);
SELECT string_to_table(NULL, ',');
SELECT array_to_json(ARRAY[1,2]), array_to_json(ARRAY['a','b"c',NULL]), array_to_json('{}'::int[]), array_to_json(ARRAY[1.5,2]), array_to_json(ARRAY[true,false]);
SELECT array_to_json(ARRAY[1,2,3], true), array_to_json(ARRAY['2024-01-02 03:04:05+00'::timestamptz]), array_to_json(ARRAY['{"a":1}'::jsonb]);
