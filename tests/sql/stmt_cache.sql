-- the statement cache: a repeated statement text skips parsing (helios.stmt_cache counts it);
-- a catalog change empties the cache
CREATE TABLE sc (id int PRIMARY KEY, n g_counter);
INSERT INTO sc VALUES (1, 1), (2, 2);
SELECT hits AS h0, misses AS m0, invalidations AS i0 FROM helios.stmt_cache \gset
SELECT sum(n) FROM sc;
SELECT sum(n) FROM sc;
SELECT sum(n) FROM sc;
-- 2 hits; misses: the first sum(n) and this query
SELECT hits - :h0 AS new_hits, misses - :m0 AS new_misses FROM helios.stmt_cache;
-- a cached INSERT still binds its own values and the table as it is now
INSERT INTO sc VALUES (3, 3) ON CONFLICT (id) DO UPDATE SET n = n + EXCLUDED.n;
INSERT INTO sc VALUES (3, 3) ON CONFLICT (id) DO UPDATE SET n = n + EXCLUDED.n;
SELECT id, n FROM sc ORDER BY id;
SELECT * FROM sc WHERE id = 3;
ALTER TABLE sc ADD COLUMN note text;
SELECT invalidations > :i0 AS invalidated FROM helios.stmt_cache;
SELECT hits AS h1 FROM helios.stmt_cache \gset
-- after the catalog change the same text (run before the ALTER) is parsed again: no hit, and
-- it sees the new column
SELECT * FROM sc WHERE id = 3;
SELECT hits - :h1 AS hits_after_alter FROM helios.stmt_cache;
SELECT * FROM sc WHERE id = 3;
SELECT hits - :h1 AS hits_after_repeat FROM helios.stmt_cache;
DROP TABLE sc;
