-- information_schema.tables / information_schema.columns (CRDT columns read as columns of a domain)
CREATE TABLE is_items (id bigint PRIMARY KEY, name text NOT NULL, note text DEFAULT 'none', hits g_counter, tags or_set, attrs lww_map);
CREATE TABLE is_other (k text PRIMARY KEY, v int);
SELECT table_schema, table_name, table_type, is_insertable_into FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('is_items', 'is_other', 'is_absent') ORDER BY table_name;
SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema IN ('helios', 'information_schema') ORDER BY table_schema, table_name;
SELECT column_name, ordinal_position, column_default, is_nullable, data_type, udt_name, domain_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'is_items' ORDER BY ordinal_position;
SELECT table_name, count(*) FROM information_schema.columns WHERE table_name IN ('is_items', 'is_other') GROUP BY table_name ORDER BY table_name;
ALTER TABLE is_other ADD COLUMN extra jsonb;
SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_name = 'is_other' ORDER BY ordinal_position;
DROP TABLE is_other;
SELECT count(*) FROM information_schema.tables WHERE table_name = 'is_other';
SELECT column_name FROM information_schema.columns WHERE table_schema = 'helios' AND table_name = 'node' ORDER BY ordinal_position;
-- errors
SELECT * FROM information_schema.routines;
DELETE FROM information_schema.tables;
DROP TABLE is_items;
