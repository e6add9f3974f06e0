-- Text output of floats and jsonb, client_encoding names, SET with empty and quoted values
-- (issue 14). The expected output is PostgreSQL 15's for every statement.
--
-- float8 / float4: shortest exact digits, fixed notation for exponents -4..14 (float8) and
-- -4..5 (float4), PostgreSQL's words for the special values
SELECT 1000000::float8, 1e15::float8, 1e14::float8, 123456789012345678::float8;
SELECT 0.0001::float8, 0.00001::float8, '-0'::float8, 0.1::float8 + 0.2::float8;
SELECT 1e6::float4, 100000::float4, 999999::float4, 1234567::float4, '-0'::float4;
SELECT 127138304::float4, 30892612233637952::float8, 1e23::float8;
SELECT 5e-324::float8, 1.7976931348623157e308::float8, '1e-320'::float8, '1e-45'::float4;
SELECT 'NaN'::float8, '-Infinity'::float4, 'inf'::float8, ' +inf '::float4, '-nan'::float8;
SELECT 3.4028235e38::float4, '3.4028235e38'::float4;
SELECT '3.40282357e38'::float4;
SELECT '1e-400'::float8;
SELECT 1000000::float8::text, 1e15::float4::text, '-0'::float8::text;
SELECT 0.30000000000000004::float8::numeric, (1 / 3.0::float8)::numeric, 0.1::float4::numeric;
CREATE TABLE types_fmt (id int PRIMARY KEY, f8 double precision, f4 real, j jsonb);
INSERT INTO types_fmt VALUES (1, 1000000, 100000, '2.50'),
    (2, 1e15, 1e6, '{"b": [1.0, 1e2, -0.0], "a": 1.50e1}'),
    (3, '-0', '-0', '12345678901234567890123'), (4, 0.1, 0.1, '-0');
SELECT * FROM types_fmt ORDER BY id;
COPY types_fmt TO STDOUT;
UPDATE types_fmt SET f8 = f8 * 10, f4 = f4 * 10 WHERE id = 1 RETURNING f8, f4;
-- jsonb: numbers keep numeric's text (numeric_in, then numeric_out)
SELECT '2.50'::jsonb, '1e2'::jsonb, '1.50e1'::jsonb, '-0'::jsonb, '0.1'::jsonb;
SELECT '12345678901234567890123'::jsonb, '1e-7'::jsonb, '100e-2'::jsonb, '1.0e-2'::jsonb;
SELECT '{"b": [1.0, 2e0, -0.0, 1E-3], "a": 2.50, "a": 3.00}'::jsonb;
SELECT '"\u00e9\n\u001f"'::jsonb, '[]'::jsonb, '{}'::jsonb, 'null'::jsonb;
SELECT '2.50'::jsonb::text, NULL::jsonb;
-- client_encoding: any spelling of a name PostgreSQL knows, in SET and in the startup packet
-- (asyncpg sends 'utf-8', quotes included)
SET client_encoding = 'utf-8';
SHOW client_encoding;
SET client_encoding TO 'Utf_8';
SET client_encoding = unicode;
SET NAMES 'UTF8';
SHOW client_encoding;
SET client_encoding = 'nonsense';
SET client_encoding = '';
\c -reuse-previous=on "client_encoding='\'utf-8\''"
SHOW client_encoding;
\c -reuse-previous=on "client_encoding=Utf_8"
SHOW client_encoding;
-- SET with an empty string (pg_dump's preamble), DEFAULT, RESET, quoted values
SET application_name = '';
SHOW application_name;
SET search_path = '';
SHOW search_path;
SET default_tablespace = '';
SHOW default_tablespace;
SET search_path TO DEFAULT;
SHOW search_path;
SET search_path = public, pg_catalog;
SHOW search_path;
SET search_path = 'public', "$user";
SHOW search_path;
RESET search_path;
SHOW search_path;
SET application_name TO 'it''s';
SHOW application_name;
SET SESSION application_name = "Quoted Ident";
SHOW application_name;
SET application_name = Folded;
SHOW application_name;
RESET application_name;
SHOW application_name;
SET statement_timeout = '';
SET TimeZone = 'UTC';
SHOW timezone;
SET DateStyle = iso, mdy;
SHOW datestyle;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
SET default_table_access_method = heap;
RESET ALL;
DROP TABLE types_fmt;
