-- SQLSTATEs compared
-- CREATE / DROP EXTENSION: plpgsql is built in, uuid-ossp is installed by CREATE EXTENSION
-- (its functions are HeliosDB's own)
CREATE EXTENSION IF NOT EXISTS plpgsql;
CREATE EXTENSION plpgsql;
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace FROM pg_extension WHERE extname IN ('plpgsql', 'uuid-ossp') ORDER BY 1;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace FROM pg_extension WHERE extname IN ('plpgsql', 'uuid-ossp') ORDER BY 1;
SELECT uuid_nil(), uuid_ns_dns(), uuid_ns_url(), uuid_ns_oid(), uuid_ns_x500();
SELECT uuid_generate_v3(uuid_ns_dns(), 'www.example.com'), uuid_generate_v5(uuid_ns_url(), 'http://a');
SELECT uuid_generate_v3(NULL, 'x'), uuid_generate_v5(uuid_ns_dns(), NULL);
SELECT length(uuid_generate_v4()::text), substr(uuid_generate_v4()::text, 15, 1), substr(uuid_generate_v1()::text, 15, 1), substr(uuid_generate_v1mc()::text, 15, 1);
SELECT uuid_generate_v4() <> uuid_generate_v4();
CREATE TABLE ext_t (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), v int);
INSERT INTO ext_t (v) VALUES (1), (2);
SELECT count(DISTINCT id), count(*) FROM ext_t;
SELECT column_default FROM information_schema.columns WHERE table_name = 'ext_t' AND column_name = 'id';
DROP TABLE ext_t;
SELECT public.uuid_generate_v4() <> public.uuid_generate_v4(), public.uuid_nil();
CREATE TABLE ext_t (id uuid PRIMARY KEY DEFAULT public.uuid_generate_v4(), v int);
INSERT INTO ext_t (v) VALUES (1) RETURNING length(id::text);
DROP TABLE ext_t;
SELECT public.lower('A');
SELECT e.extname, d.description FROM pg_extension e JOIN pg_description d ON d.objoid = e.oid AND d.classoid = 'pg_extension'::regclass WHERE e.extname IN ('plpgsql', 'uuid-ossp') ORDER BY 1;
COMMENT ON EXTENSION "uuid-ossp" IS 'ids for everyone';
SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'uuid-ossp';
COMMENT ON EXTENSION "uuid-ossp" IS NULL;
SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'uuid-ossp';
COMMENT ON EXTENSION nope IS 'x';
DROP EXTENSION "uuid-ossp";
DROP EXTENSION "uuid-ossp";
DROP EXTENSION IF EXISTS "uuid-ossp";
SELECT count(*) FROM pg_extension WHERE extname = 'uuid-ossp';
CREATE EXTENSION "uuid-ossp" VERSION '9.9';
CREATE EXTENSION "uuid-ossp" SCHEMA nope;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA public VERSION '1.1';
DROP EXTENSION "uuid-ossp" CASCADE;
