-- Two-variable statistics (SQLSTATEs compared): corr, covar_pop, covar_samp and the regr_* family over
-- (y, x) pairs (NULL pairs skipped, horizontal and vertical lines, one row, NaN and infinity,
-- GROUP BY, windows), and width_bucket for double precision and numeric (reversed bounds, the
-- edges, PostgreSQL's errors); aggregate calls with the wrong number of arguments.
SELECT corr(y, x), covar_pop(y, x), covar_samp(y, x), regr_avgx(y, x), regr_avgy(y, x), regr_count(y, x) FROM (VALUES (1, 2), (2, 4.5), (3, 5.5), (NULL, 7), (4, NULL), (5, 11)) v(x, y);
SELECT regr_intercept(y, x), regr_r2(y, x), regr_slope(y, x), regr_sxx(y, x), regr_sxy(y, x), regr_syy(y, x) FROM (VALUES (1, 2), (2, 4.5), (3, 5.5), (5, 11)) v(x, y);
SELECT corr(y, x), regr_slope(y, x), regr_r2(y, x), regr_intercept(y, x) FROM (VALUES (1, 3), (2, 3), (3, 3)) v(x, y);
SELECT corr(y, x), regr_slope(y, x), regr_r2(y, x) FROM (VALUES (2, 1), (2, 2), (2, 5)) v(x, y);
SELECT corr(y, x), covar_samp(y, x), regr_count(y, x), regr_avgx(y, x) FROM (VALUES (1.5, 2.5)) v(x, y);
SELECT corr(y, x), regr_count(y, x), covar_pop(y, x) FROM (VALUES (NULL::float8, 1.0::float8)) v(x, y);
SELECT corr(y::real, x::real), covar_pop(y::int, x::bigint) FROM generate_series(1, 20) x, LATERAL (SELECT x * x % 7 AS y) s;
SELECT g, corr(y, x), regr_slope(y, x) FROM (VALUES (1, 1, 2), (1, 2, 3), (1, 3, 5), (2, 1, 9), (2, 2, 7)) v(g, x, y) GROUP BY g ORDER BY g;
SELECT corr(y, x) FROM (VALUES ('Infinity'::float8, 1), (1, 2)) v(x, y);
SELECT regr_sxx(y, x), regr_syy(y, x) FROM (VALUES ('NaN'::float8, 1), (1, 2), (3, 4)) v(x, y);
SELECT corr(y, x) FROM (VALUES (1e308, 1), (-1e308, 2)) v(x, y);
SELECT corr(1);
SELECT pg_typeof(corr(1, 2)), pg_typeof(regr_count(1, 2));
SELECT x, regr_slope(y, x) OVER (ORDER BY x) FROM (VALUES (1, 2.0), (2, 3.5), (3, 7.25), (4, 8.0)) v(x, y) ORDER BY x;
SELECT width_bucket(5.35, 0.024, 10.06, 5), width_bucket(5, 0, 10, 5), width_bucket(-1, 0, 10, 5), width_bucket(10, 0, 10, 5), width_bucket(11.5, 0, 10, 5);
SELECT width_bucket(5.35::float8, 0.024, 10.06, 5), width_bucket(0.0, 10, 0, 4), width_bucket(10, 10, 0, 4), width_bucket(0, 10, 0, 4), width_bucket(7.5, 10, 0, 4);
SELECT x, width_bucket(x, 1, 2, 3), width_bucket(x::float8, 1, 2, 3) FROM (VALUES (1.0), (1.3333), (1.33333333333333333333), (1.5), (1.9999999999), (2)) v(x) ORDER BY x;
SELECT width_bucket(5, 0, 10, 0);
SELECT width_bucket(5, 3, 3, 4);
SELECT width_bucket('NaN'::float8, 0, 10, 5);
SELECT width_bucket(5, 0, 'Infinity'::float8, 5);
SELECT width_bucket('NaN'::numeric, 0, 10, 5);
SELECT width_bucket(100, 0, 10, 2147483647);
SELECT width_bucket(NULL, 0, 10, 5), pg_typeof(width_bucket(1, 0, 10, 5));
SELECT g, count(*) FROM generate_series(1, 100) x, LATERAL (SELECT width_bucket(x, 1, 101, 4) AS g) s GROUP BY g ORDER BY g;
SELECT width_bucket(123456789012345678901234567890.5, 0, 1e30, 1000);
SELECT sum(1, 2);
SELECT count(1, 2);
SELECT string_agg('a');
SELECT max();
SELECT sum(*);
