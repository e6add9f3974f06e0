-- encode / decode (hex, base64 with PostgreSQL's line breaks and end rules, escape), bytea || bytea,
-- convert_to / convert_from (UTF8, SQL_ASCII, LATIN1) and their errors, compared with PostgreSQL 15.
SELECT encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64'), encode(E'a\\000b\\\\c\\377'::bytea, 'escape'), encode('x'::bytea, 'HEX');
SELECT encode(convert_to(repeat('0123456789', 12), 'UTF8'), 'base64');
SELECT decode('616263', 'hex'), decode('61 62 63', 'hex'), decode('YWJj', 'base64'), decode('YQ==', 'base64'), decode('YWI=', 'base64'), decode(E'a\\\\000b', 'escape');
SELECT decode('6', 'hex');
SELECT decode('zz', 'hex');
SELECT decode('YQ', 'base64');
SELECT decode('Y!==', 'base64');
SELECT decode('YQ==YQ==', 'base64');
SELECT encode('x'::bytea, 'rot13');
SELECT decode(E'\\\\x', 'escape');
SELECT 'ab'::bytea || 'cd'::bytea, '\x01'::bytea || '\x02', length('ab'::bytea || 'cd');
SELECT encode(sha256('abc'), 'hex'), encode(decode('616263','hex'),'base64');
SELECT convert_to('héllo', 'UTF8'), convert_to('héllo', 'latin1'), convert_from('\x68c3a96c6c6f', 'utf-8'), convert_from('\x68e96c6c6f', 'LATIN1');
SELECT convert_to('€', 'LATIN1');
SELECT convert_from('\xff', 'UTF8');
SELECT convert_to('x', 'nope');
SELECT convert_from('\x41', 'nope');
