-- SELECT without FROM runs on the SQL layer's evaluator, with PostgreSQL's semantics.
\set VERBOSITY verbose
SELECT 1 + 2;
SELECT 7 / 2 AS int_div, 7.0 / 2 AS num_div, 2.5::float8 * 2 AS f;
SELECT NULL = NULL AS null_eq, NULL IS NULL AS is_null;
SELECT 'a' || 'b' AS cat, upper('x') AS up;
SELECT CASE WHEN 1 > 2 THEN 'yes' ELSE 'no' END AS c;
SELECT 9223372036854775807::bigint + 1;
SELECT 1 / 0;
SELECT 'abc'::bigint;
SELECT current_schema(), now() IS NOT NULL AS has_now;
SELECT pg_sleep(0);
