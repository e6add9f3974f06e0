-- SQLSTATEs compared
-- to_regclass / to_regtype / to_regproc / to_regnamespace / to_regrole: the reg* value, or NULL
-- when nothing has the name (migration tools test for tables this way).
CREATE TABLE tr_t (id int PRIMARY KEY);
SELECT to_regclass('tr_t'), to_regclass('public.tr_t'), to_regclass('nope'), to_regclass('nosuch.tr_t'), to_regclass('pg_class');
SELECT to_regclass('tr_t') IS NOT NULL AS exists, to_regclass('tr_t_pkey'), to_regclass(NULL);
SELECT to_regtype('integer'), to_regtype('int4'), to_regtype('text[]'), to_regtype('nosuchtype'), to_regtype('pg_catalog.bool');
SELECT to_regproc('now'), to_regproc('nosuchfn'), to_regnamespace('public'), to_regnamespace('nope'), to_regrole('postgres'), to_regrole('nosuchrole');
SELECT pg_typeof(to_regclass('tr_t')), pg_typeof(to_regtype('int4')), to_regclass('tr_t')::oid = 'tr_t'::regclass::oid;
DROP TABLE tr_t;
