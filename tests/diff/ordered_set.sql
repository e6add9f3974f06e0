-- Ordered-set aggregates (SQLSTATEs compared): percentile_cont, percentile_disc (a fraction or an
-- array of them) and mode() WITHIN GROUP (ORDER BY x [DESC]): numbers, text, dates, intervals,
-- NULLs, bounds, GROUP BY, FILTER, and the calls PostgreSQL refuses.
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_disc(0.5) WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (2), (10)) v(x);
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC), percentile_disc(0.25) WITHIN GROUP (ORDER BY x DESC) FROM generate_series(1, 10) x;
SELECT percentile_cont(0) WITHIN GROUP (ORDER BY x), percentile_cont(1) WITHIN GROUP (ORDER BY x), percentile_disc(0) WITHIN GROUP (ORDER BY x), percentile_disc(1) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 7) x;
SELECT percentile_cont(0.33) WITHIN GROUP (ORDER BY x) FROM (VALUES (1.5), (2.25), (NULL), (10.125)) v(x);
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (1.5::float8), (2.5)) v(x);
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int)) v(x);
SELECT percentile_cont(NULL) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x;
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x;
SELECT percentile_disc(-0.1) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('b'), ('a'), ('c')) v(x);
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('2024-01-01'::date), ('2024-03-01'), ('2023-01-01')) v(x);
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES ('1 hour'::interval), ('3 hours 30 minutes'), ('1 day')) v(x);
SELECT percentile_cont(0.4) WITHIN GROUP (ORDER BY x) FROM (VALUES ('1 hour'::interval), ('3 hours 30 minutes'), ('1 day')) v(x);
SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x;
SELECT percentile_disc(ARRAY[0.1, NULL, 0.9]) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 10) x;
SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES ('b'), ('a'), ('b'), ('a'), ('c')) v(x);
SELECT mode() WITHIN GROUP (ORDER BY x DESC) FROM (VALUES (1), (2), (2), (1)) v(x);
SELECT mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int), (NULL)) v(x);
SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x) FROM (VALUES (1, 3), (1, 5), (2, 7), (2, 7), (2, 8), (3, NULL)) v(g, x) GROUP BY g ORDER BY g;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x > 2) FROM generate_series(1, 6) x;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), x FROM generate_series(1, 3) x GROUP BY x ORDER BY x;
SELECT sum(1) WITHIN GROUP (ORDER BY 1);
SELECT percentile_cont(0.5) FROM generate_series(1, 3) x;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER () FROM generate_series(1, 3) x;
SELECT mode(1) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x, x) FROM generate_series(1, 3) x;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x::text) FROM generate_series(1, 3) x;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) AS median, count(*) FROM generate_series(1, 1000) x;
SELECT pg_typeof(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)), pg_typeof(percentile_disc(0.5) WITHIN GROUP (ORDER BY x)), pg_typeof(mode() WITHIN GROUP (ORDER BY x)) FROM generate_series(1, 3) x;
