-- SQLSTATEs compared
-- DO blocks: the PL/pgSQL subset migrations use (statements, EXCEPTION WHEN ... THEN NULL)
DO 'BEGIN CREATE TYPE "public"."enum_t_role" AS ENUM(''admin'', ''user''); EXCEPTION WHEN duplicate_object THEN null; END';
DO 'BEGIN CREATE TYPE "public"."enum_t_role" AS ENUM(''admin'', ''user''); EXCEPTION WHEN duplicate_object THEN null; END';
SELECT enumlabel FROM pg_enum WHERE enumtypid = 'enum_t_role'::regtype ORDER BY enumsortorder;
DO $$BEGIN CREATE TYPE enum_t_role AS ENUM ('x'); END$$;
DO $$
BEGIN
    CREATE TABLE do_t (id int PRIMARY KEY); CREATE TABLE do_t (id int PRIMARY KEY); -- twice
EXCEPTION
    WHEN duplicate_table OR duplicate_object THEN NULL; END
$$;
SELECT count(*) FROM pg_class WHERE relname = 'do_t';
DO $$ BEGIN CREATE TABLE do_t (id int PRIMARY KEY); CREATE INDEX do_i ON do_t (id); END $$;
DO $$ BEGIN CREATE TABLE do_t (id int PRIMARY KEY); EXCEPTION WHEN SQLSTATE '42P07' THEN NULL; END $$;
DO $$ BEGIN CREATE TABLE do_t (id int PRIMARY KEY); EXCEPTION WHEN others THEN NULL; END $$;
DO $$ BEGIN NULL; END $$;
DO $$ DECLARE BEGIN ALTER TABLE do_t ADD COLUMN v text; END $$;
SELECT column_name FROM information_schema.columns WHERE table_name = 'do_t' ORDER BY ordinal_position;
DO $$ BEGIN CREATE TYPE enum_t_role AS ENUM ('x'); EXCEPTION WHEN undefined_table THEN NULL; END $$;
DO LANGUAGE plpgsql $$ BEGIN DROP TABLE do_t; END $$;
BEGIN;
DO $$ BEGIN CREATE TABLE do_u (id int PRIMARY KEY); END $$;
ROLLBACK;
SELECT count(*) FROM pg_class WHERE relname = 'do_u';
DROP TYPE enum_t_role;
