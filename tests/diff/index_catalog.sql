-- Secondary indexes and UNIQUE constraints in the catalogs: pg_class, pg_index, pg_attribute,
-- pg_constraint, pg_indexes, information_schema, pg_get_indexdef / pg_get_constraintdef, as
-- PostgreSQL 15 shows them (never an oid: they differ between the servers; indclass is left
-- out too, HeliosDB has no operator classes).
CREATE TABLE ixc_t (id int PRIMARY KEY, a int UNIQUE, b text, c int, d numeric, e varchar(20), f bigint);
CREATE INDEX ixc_b ON ixc_t (b DESC);
CREATE UNIQUE INDEX ixc_uc ON ixc_t (c);
CREATE INDEX ixc_mix ON ixc_t (c NULLS FIRST, d DESC NULLS LAST, f ASC NULLS LAST, e DESC NULLS FIRST) INCLUDE (b, a);
CREATE INDEX ON ixc_t (b, c);
ALTER TABLE ixc_t ADD CONSTRAINT ixc_t_de UNIQUE (d, e);
CREATE UNIQUE INDEX "IXC Quoted" ON ixc_t (f, id);
CREATE TABLE ixc_u (x int, y text, z int, CONSTRAINT ixc_u_xy UNIQUE (x, y) INCLUDE (z));
CREATE TABLE ixc_plain (k int PRIMARY KEY, v text);
CREATE TABLE ixc_norows (v text);
SELECT relname, relkind, relam, relnatts, relhasindex, relpersistence, relreplident, relispopulated, reltuples FROM pg_class WHERE relname LIKE 'ixc\_%' OR relname = 'IXC Quoted' ORDER BY 1;
SELECT c.relname, t.relname AS tab, i.indnatts, i.indnkeyatts, i.indisunique, i.indisprimary, i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid, i.indcheckxmin, i.indisready, i.indislive, i.indisreplident, i.indnullsnotdistinct, i.indkey, i.indoption, i.indcollation, i.indexprs IS NULL AS noexprs, i.indpred IS NULL AS nopred FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname LIKE 'ixc\_%' ORDER BY 1;
SELECT c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef, a.attislocal, a.attcollation, a.attlen, a.attbyval FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relkind = 'i' AND (c.relname LIKE 'ixc\_%' OR c.relname = 'IXC Quoted') ORDER BY 1, 3;
SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relkind = 'i' AND (c.relname LIKE 'ixc\_%' OR c.relname = 'IXC Quoted') ORDER BY 1;
SELECT pg_get_indexdef('ixc_mix'::regclass, 0, true), pg_get_indexdef('ixc_mix'::regclass, 2, true), pg_get_indexdef('ixc_mix'::regclass, 5, false), pg_get_indexdef('ixc_mix'::regclass, 6, true), pg_get_indexdef('ixc_mix'::regclass, 7, true);
SELECT pg_get_indexdef('ixc_t'::regclass), pg_get_indexdef(0), pg_get_indexdef(NULL);
SELECT pg_get_indexdef('"IXC Quoted"'::regclass, 0, 'true'), pg_get_indexdef('"IXC Quoted"'::regclass, 1, 'f');
-- pretty qualifies the table only when the search path does not find it (pg_dump's '' path)
SET search_path = '';
SELECT pg_catalog.pg_get_indexdef('public.ixc_b'::pg_catalog.regclass, 0, true), pg_catalog.pg_get_indexdef('public.ixc_b'::pg_catalog.regclass, 0, false);
RESET search_path;
SELECT conname, contype, condeferrable, condeferred, convalidated, conislocal, connoinherit, coninhcount, conkey, confkey, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid IN ('ixc_t'::regclass, 'ixc_u'::regclass) ORDER BY 1;
SELECT con.conname, c.relname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conindid WHERE con.conrelid IN ('ixc_t'::regclass, 'ixc_u'::regclass) ORDER BY 1;
SELECT count(*) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conindid WHERE con.oid = c.oid;
SELECT schemaname, tablename, indexname, tablespace, indexdef FROM pg_indexes WHERE tablename LIKE 'ixc\_%' ORDER BY 3;
SELECT tablename, hasindexes FROM pg_tables WHERE tablename LIKE 'ixc\_%' ORDER BY 1;
SELECT constraint_name, table_name, constraint_type, is_deferrable, initially_deferred, enforced, nulls_distinct FROM information_schema.table_constraints WHERE table_name LIKE 'ixc\_%' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY 1;
SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint FROM information_schema.key_column_usage WHERE table_name LIKE 'ixc\_%' ORDER BY 1, 4;
SELECT 'ixc_b'::regclass, 'ixc_t_a_key'::regclass, '"IXC Quoted"'::regclass, pg_table_is_visible('ixc_b'::regclass);
SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_get_indexdef(i.indexrelid, 0, true), pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace FROM pg_class c, pg_class c2, pg_index i LEFT JOIN pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p', 'u', 'x')) WHERE c.oid = 'ixc_t'::regclass AND c.oid = i.indrelid AND i.indexrelid = c2.oid ORDER BY i.indisprimary DESC, c2.relname;
-- in a transaction: its own new index is valid at once, a drop and a rename show at once
BEGIN;
CREATE INDEX ixc_new ON ixc_plain (v DESC NULLS LAST);
ALTER INDEX ixc_b RENAME TO ixc_b2;
DROP INDEX ixc_uc;
ALTER TABLE ixc_t DROP CONSTRAINT ixc_t_a_key;
SELECT c.relname, i.indisvalid, i.indisready, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN ('ixc_t'::regclass, 'ixc_plain'::regclass) ORDER BY 1;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ixc_t'::regclass ORDER BY 1;
ROLLBACK;
SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN ('ixc_t'::regclass, 'ixc_plain'::regclass) ORDER BY 1;
ALTER INDEX ixc_b RENAME TO ixc_b2;
DROP INDEX ixc_uc;
ALTER TABLE ixc_t DROP CONSTRAINT ixc_t_a_key;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ixc_t' ORDER BY 1;
SELECT relname, relhasindex FROM pg_class WHERE relname IN ('ixc_plain', 'ixc_norows', 'ixc_u') ORDER BY 1;
DROP TABLE ixc_u;
SELECT count(*) FROM pg_class WHERE relname LIKE 'ixc\_u%';
SELECT count(*) FROM pg_constraint WHERE conname LIKE 'ixc\_u%';
DROP TABLE ixc_t, ixc_plain, ixc_norows;
create table dm (id int primary key, email text, tags text[], n int);
create unique index dm_lower on dm (lower(email));
create index dm_tags on dm using gin (tags);
create index dm_n on dm (n desc nulls last) include (email);
select indexrelid::regclass::text, indnatts, indnkeyatts, indisunique, indkey, indoption from pg_index where indrelid = 'dm'::regclass order by 1;
select attname, atttypid::regtype from pg_attribute where attrelid = 'dm_lower'::regclass;
select c.relname, a.amname from pg_class c join pg_am a on a.oid = c.relam where c.relname like 'dm%' order by 1;
select pg_get_indexdef('dm_tags'::regclass), pg_get_indexdef('dm_lower'::regclass), pg_get_indexdef('dm_n'::regclass);
drop table dm;
