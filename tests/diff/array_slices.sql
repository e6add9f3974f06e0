-- Array slices arr[lo:hi], arr[lo:], arr[:hi], arr[:] compared with PostgreSQL 15: bounds past the
-- ends, empty and NULL results, element types, table columns, column names; and subscripts of a
-- type without them (42804).
SELECT (ARRAY[1,2,3,4])[2:3], (ARRAY[1,2,3,4])[:2], (ARRAY[1,2,3,4])[3:], (ARRAY[1,2,3,4])[:];
SELECT (ARRAY['a','b','c'])[0:1], (ARRAY['a','b','c'])[5:9], (ARRAY['a',NULL,'c'])[2:3], (ARRAY[1,2])[2:1];
SELECT (ARRAY[1,2,3])[NULL:2], (ARRAY[1.5,2.5])[1:1], pg_typeof((ARRAY[1,2,3])[1:2]);
CREATE TABLE sl (id int PRIMARY KEY, a text[], n bigint[]);
INSERT INTO sl VALUES (1, '{x,y,z}', '{10,20,30}');
SELECT a[2:], n[:2], a[1:1] FROM sl;
SELECT (ARRAY[1,2,3])['a':2];
DROP TABLE sl;
CREATE TABLE st (id int PRIMARY KEY, c text);
SELECT c[1:2] FROM st;
SELECT c[1] FROM st;
SELECT (1)[1];
DROP TABLE st;
SELECT typname[0], typname[1], typname[0] = '_' FROM pg_type WHERE oid = 1007;
