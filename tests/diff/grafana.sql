-- SQLSTATEs compared
-- Grafana's PostgreSQL data source: its table / column pickers (parse_ident, current_schemas,
-- search_path split), time buckets (epoch floors, date_trunc, date_bin, to_timestamp), and
-- named arguments (make_interval(secs => ...)) with PostgreSQL's errors
CREATE TABLE gf_metrics (time timestamptz PRIMARY KEY, host text, value float8);
INSERT INTO gf_metrics SELECT '2026-01-01 00:00:00+00'::timestamptz + make_interval(secs => i * 17), CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, i * 1.5 FROM generate_series(0, 40) AS i;
SELECT quote_ident(table_name) AS "table" FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental') AND table_type = 'BASE TABLE' AND table_name LIKE 'gf_%' ORDER BY 1;
SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns WHERE CASE WHEN array_length(parse_ident('gf_metrics'), 1) = 2 THEN quote_ident(table_schema) = (parse_ident('gf_metrics'))[1] AND quote_ident(table_name) = (parse_ident('gf_metrics'))[2] ELSE quote_ident(table_name) = 'gf_metrics' AND table_schema = ANY(current_schemas(false)) END ORDER BY column_name;
SELECT floor(extract(epoch from time)/60)*60 AS "time", avg(value) AS "value" FROM gf_metrics WHERE time BETWEEN '2026-01-01T00:00:00Z' AND '2026-01-01T00:30:00Z' GROUP BY 1 ORDER BY 1;
SELECT $$2026-01-01$$::timestamptz;
SELECT extract(epoch from date_trunc('minute', time)) AS time_sec, host AS metric, max(value) FROM gf_metrics GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 6;
SELECT date_bin('5 minutes', time, '2000-01-01') AS "time", count(*) FROM gf_metrics GROUP BY 1 ORDER BY 1;
SELECT "time" AS "time", value FROM gf_metrics WHERE "time" >= to_timestamp(1767225600) AND "time" <= to_timestamp(1767225700) ORDER BY 1;
SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END AS schema FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1), array_upper(string_to_array(current_setting('search_path'),','),1)) AS i, string_to_array(current_setting('search_path'),',') s;
DROP TABLE gf_metrics;
SELECT parse_ident('a.b'), parse_ident('"A b".C'), parse_ident(' x . "y""z" '), parse_ident('a.b junk', false);
SELECT parse_ident('a.b junk');
SELECT parse_ident('a..b');
SELECT parse_ident('"unclosed');
SELECT make_interval(days => 2, secs => 1.5), make_interval(1, 2), make_interval(hours => 3);
SELECT make_timestamp(year => 2026, month => 1, mday => 2, hour => 3, min => 4, sec => 5.5);
SELECT make_date(2026, day => 3, month => 2);
SELECT make_interval(nope => 1);
SELECT make_interval(days => 1, days => 2);
SELECT make_date(2026, 1, day => 1, 2);
