-- What pgbench -i runs besides CREATE / COPY / ALTER: storage parameters, COPY FREEZE, VACUUM
-- and ANALYZE (accepted and checked as PostgreSQL checks them; no effect in HeliosDB)
CREATE TABLE mt_a (id int PRIMARY KEY, v int) WITH (fillfactor = 100);
CREATE TABLE mt_b (id int PRIMARY KEY) WITH (fillfactor = 5);
CREATE TABLE mt_c (id int PRIMARY KEY) WITH (nosuch = 1);
CREATE TABLE mt_d (id int PRIMARY KEY) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
CREATE TABLE mt_e (id int PRIMARY KEY) WITH (oids = false);
VACUUM;
VACUUM mt_a;
VACUUM ANALYZE mt_a;
VACUUM (VERBOSE false, ANALYZE) mt_a, mt_d;
ANALYZE;
ANALYZE mt_a (v);
VACUUM mt_nosuch;
ANALYZE mt_nosuch;
BEGIN;
ANALYZE mt_a;
VACUUM mt_a;
ROLLBACK;
COPY mt_a TO STDOUT (FREEZE);
SELECT relname FROM pg_class WHERE relname LIKE 'mt_%' AND relkind = 'r' ORDER BY 1;
DROP TABLE mt_a, mt_d, mt_e;
