-- Sorting by abbreviated keys (sqlops.c abbrev_*): NULLs first and last, DESC, floats with
-- NaN, -0 and infinities, text sharing long prefixes, booleans, dates and timestamps, keys of
-- mixed types, over enough rows that every comparison path runs. Results are folded into
-- string_agg / md5 so each statement prints one line.
CREATE TABLE sk (id int PRIMARY KEY, i int, f float8, r real, t text, b bool, d date, ts timestamp);
INSERT INTO sk SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 37) % 101 - 50 END, CASE g % 9 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN '-0'::float8 WHEN 2 THEN 0 WHEN 3 THEN 'Infinity' WHEN 4 THEN '-Infinity' WHEN 5 THEN NULL ELSE (g * 13 % 17) / 3.0 END, CASE g % 5 WHEN 0 THEN 'NaN'::real WHEN 1 THEN NULL ELSE (g % 11) - 5 END, CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN 'prefix__' || (g % 13) WHEN 2 THEN 'prefix__' WHEN 3 THEN 'prefix' ELSE 'p' || g % 4 END, CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END, CASE WHEN g % 8 = 0 THEN NULL WHEN g % 8 = 1 THEN 'infinity'::date WHEN g % 8 = 2 THEN '-infinity'::date ELSE date '2020-01-01' + (g * 3 % 40) END, CASE WHEN g % 10 = 0 THEN NULL ELSE timestamp '2021-06-01 12:00' + (g % 23) * interval '37 minutes' END FROM generate_series(1, 600) g;
SELECT md5(string_agg(id::text, ',' ORDER BY i, id)) FROM sk;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY i DESC, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY i NULLS FIRST, id DESC) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY i DESC NULLS LAST, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY f, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY f DESC, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY f NULLS FIRST, i, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY r DESC NULLS LAST, f, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY t, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY t DESC, id DESC) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY t NULLS FIRST, i DESC, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY b, t, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY b DESC, i, f, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY d, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY d DESC NULLS LAST, ts, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY ts DESC, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY i::numeric, id) s;
SELECT md5(string_agg(id::text, ',')) FROM (SELECT id FROM sk ORDER BY i + 0.5, id) s;
SELECT md5(string_agg(x::text, ',')) FROM (SELECT i AS x FROM sk UNION ALL SELECT 1000 + id FROM sk ORDER BY 1) s;
SELECT md5(string_agg((x + 0)::text, ',')) FROM (SELECT f AS x FROM sk UNION ALL SELECT r FROM sk ORDER BY 1 DESC) s;
SELECT i, f, t FROM sk ORDER BY f DESC NULLS LAST, t, i LIMIT 12;
SELECT t, count(*) FROM sk GROUP BY t ORDER BY t DESC NULLS FIRST;
SELECT md5(string_agg(id || ':' || rk, ',' ORDER BY id)) FROM (SELECT id, rank() OVER (PARTITION BY b ORDER BY f DESC, id) AS rk FROM sk) s;
SELECT md5(string_agg(id || ':' || rk, ',' ORDER BY id)) FROM (SELECT id, dense_rank() OVER (PARTITION BY t ORDER BY i NULLS FIRST) AS rk FROM sk) s;
SELECT md5(string_agg(id || ':' || rn, ',' ORDER BY id)) FROM (SELECT id, row_number() OVER (PARTITION BY d ORDER BY ts DESC, r, id) AS rn FROM sk) s;
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) FROM (SELECT id, sum(i) OVER (PARTITION BY f ORDER BY t, id) AS s FROM sk) s;
SELECT f, count(*), min(id) FROM sk GROUP BY f ORDER BY f;
SELECT DISTINCT ON (t) t, id FROM sk ORDER BY t, id DESC;
DROP TABLE sk;
