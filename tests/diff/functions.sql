-- Built-in scalar functions (server/sql/sqlfunc.c): strings, math, jsonb; result types, NULLs,
-- edge cases (negative lengths, zero, empty strings, multibyte text), PostgreSQL's errors and
-- its resolution of untyped literals. Run on PostgreSQL 15 and HeliosDB by
-- tests/integration/test_sql_differential.py.
-- substr / substring
SELECT substr('hello', 2), substr('hello', 2, 3), substr('hello', 0, 3), substr('hello', -1, 3);
SELECT substr('hello', 10), substr('hello', 5, 1), substr('hello', 1, 0), substr('', 1, 5);
SELECT substr('hello', -5, 2), substr('hello', 3, 2147483647), substr('hello', 2147483647, 5);
SELECT substr('héllo wörld', 2, 4), substr('日本語テキスト', 3), substr('日本語', 2, 1);
SELECT substr('hello', 2, -1);
SELECT substr('hello', -10, -1);
SELECT substr(NULL, 1, 2), substr('abc', NULL), substr('abc', 1, NULL), substr(NULL::text, 1);
SELECT substring('hello', 2), substring('hello', 2, 2), substring('hello' FROM 2 FOR 3);
SELECT substring('hello' FROM 3), substring('hello' FOR 2), substring('héllo' FROM 2 FOR 2);
SELECT substring('hello' FROM -2 FOR 4), substring('hello' FOR 0);
SELECT substring('hello' FROM 2 FOR -1);
SELECT substring('hello world' FROM 'w.*'), substring('abc123def' FROM '[0-9]+');
SELECT substring('foobar' FROM 'o(b)a'), substring('hello' FROM 'x+') IS NULL;
SELECT substr('\x0102030405'::bytea, 2, 3), substring('\x0102'::bytea FROM 2);
SELECT substr(12345, 2);
SELECT substr('abc', 1.5);
SELECT substr('abc', 2::bigint);
SELECT substr('abc', 2::smallint), substr('abcdef'::varchar, 3, 2);
SELECT substr();
-- strpos / position
SELECT strpos('hello', 'l'), strpos('hello', 'lo'), strpos('hello', 'z'), strpos('hello', '');
SELECT strpos('', ''), strpos('', 'a'), strpos('héllo', 'l'), strpos('日本語', '語');
SELECT position('l' IN 'hello'), position('' IN 'abc'), position('b' IN 'ab日b');
SELECT position('\x03'::bytea IN '\x010203'::bytea), position(''::bytea IN '\x01'::bytea);
SELECT strpos(NULL, 'a'), strpos('a', NULL), position(NULL IN 'abc');
SELECT strpos(123, '2');
-- replace
SELECT replace('hello world', 'o', '0'), replace('aaa', 'a', 'bb'), replace('abc', '', 'x');
SELECT replace('', 'a', 'b'), replace('abcabc', 'bc', ''), replace('héllo', 'é', 'e');
SELECT replace('aaaa', 'aa', 'a'), replace('abc', 'abcd', 'x');
SELECT replace(NULL, 'a', 'b'), replace('a', NULL, 'b'), replace('a', 'a', NULL);
-- lpad / rpad
SELECT lpad('hi', 5), lpad('hi', 5, 'xy'), lpad('hello', 3), lpad('hi', 0), lpad('hi', -3);
SELECT rpad('hi', 5), rpad('hi', 5, 'xy'), rpad('hello', 3), rpad('hi', 0, 'x'), rpad('hi', -1);
SELECT lpad('hi', 5, ''), rpad('hi', 5, ''), lpad('', 3, 'ab'), rpad('', 0, 'x');
SELECT lpad('héllo', 8, 'ñ'), rpad('日本', 5, '語x'), lpad('héllo', 2, 'x');
SELECT lpad('x', 268435455, 'y');
SELECT rpad('x', 268435455, 'y');
SELECT lpad('x', 2147483647, '');
SELECT lpad(NULL, 3, 'x'), lpad('a', NULL, 'x'), lpad('a', 3, NULL), rpad(NULL, 2);
-- repeat
SELECT repeat('ab', 3), repeat('x', 0), repeat('x', -5), repeat('', 1000000), repeat('é', 3);
SELECT repeat('abc', 400000000);
SELECT repeat('x', 2147483647);
SELECT length(repeat('xy', 50000)), repeat(NULL, 3), repeat('a', NULL);
-- chr / ascii
SELECT chr(65), chr(97), chr(233), chr(8364), chr(128512), chr(127), chr(128);
SELECT chr(0);
SELECT chr(-1);
SELECT chr(1114112);
SELECT chr(55296);
SELECT chr(1114111) = U&'\+10FFFF', chr(NULL);
SELECT ascii('A'), ascii('abc'), ascii(''), ascii('é'), ascii('€'), ascii('😀'), ascii(NULL);
-- concat / concat_ws
SELECT concat('a', 'b', 'c'), concat('a', NULL, 'c'), concat(NULL), concat(NULL, NULL);
SELECT concat(1, 2.50, true, false, 'x'), concat(1.5::float8, 2::real, 3::bigint, 4::smallint);
SELECT concat(ARRAY['a', 'b c'], '{"k": [1, 2]}'::jsonb, '\x0a'::bytea);
SELECT concat('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
SELECT concat_ws(',', 'a', 'b', 'c'), concat_ws(',', 'a', NULL, 'c'), concat_ws(NULL, 'a', 'b');
SELECT concat_ws('', 'a', 'b'), concat_ws(', ', 1, 2.5, true), concat_ws('-', NULL, NULL);
SELECT concat_ws('|', 'a', 'b', 'c', 'd', 'e', 'f', NULL, 'h', 'i');
SELECT concat();
SELECT concat_ws(',');
SELECT concat_ws(1, 2, 3);
-- left / right / reverse
SELECT left('hello', 2), left('hello', 0), left('hello', -2), left('hello', 10), left('hello', -10);
SELECT right('hello', 2), right('hello', 0), right('hello', -2), right('hello', 10), right('hello', -10);
SELECT left('héllo', 2), right('héllo', 4), left('日本語', -1), right('日本語', -1);
SELECT left('abc', -2147483648), right('abc', -2147483648), right('abc', 2147483647);
SELECT left(NULL, 1), right('a', NULL), reverse(NULL);
SELECT reverse('hello'), reverse(''), reverse('héllo'), reverse('日本語'), reverse('a😀b');
-- btrim / ltrim / rtrim / TRIM
SELECT btrim('  hi  '), ltrim('  hi  '), rtrim('  hi  '), btrim(''), btrim('   ');
SELECT btrim('xxhixx', 'x'), ltrim('xyxhi', 'xy'), rtrim('hixyx', 'xy'), btrim('abc', '');
SELECT btrim('ééhéé', 'é'), ltrim('日日本', '日'), rtrim('hello', 'lo'), btrim('aaa', 'a');
SELECT trim('  x  '), trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'x' FROM 'xxaxx'), trim(TRAILING 'x' FROM 'xxaxx');
SELECT trim(LEADING FROM '  a  '), trim(TRAILING FROM '  a  '), trim(BOTH FROM '  a  ');
SELECT btrim('\x000102000'::bytea, '\x00'::bytea), ltrim('\x0001'::bytea, '\x00'::bytea);
SELECT btrim(NULL), btrim('a', NULL), ltrim(NULL, 'x'), trim(NULL);
SELECT btrim(5);
-- split_part
SELECT split_part('a,b,c', ',', 1), split_part('a,b,c', ',', 3), split_part('a,b,c', ',', 4);
SELECT split_part('a,b,c', ',', -1), split_part('a,b,c', ',', -3), split_part('a,b,c', ',', -4);
SELECT split_part('abc', ',', 1), split_part('abc', ',', 2), split_part('abc', ',', -1);
SELECT split_part('', ',', 1), split_part('abc', '', 1), split_part('abc', '', 2), split_part('abc', '', -1);
SELECT split_part('a::b::c', '::', 2), split_part(',a,', ',', 1), split_part(',a,', ',', 3);
SELECT split_part('日,本,語', ',', 2), split_part('a,b', ',', -2147483648);
SELECT split_part('a,b,c', ',', 0);
SELECT split_part(NULL, ',', 1), split_part('a', NULL, 1), split_part('a', ',', NULL);
-- initcap
SELECT initcap('hello world'), initcap('HELLO WORLD'), initcap('hello-world foo_bar'), initcap('');
SELECT initcap('3rd place'), initcap('élan vital'), initcap('ñandú ÑANDÚ'), initcap('o''neil mcdonald');
SELECT initcap('a1b2 c3'), initcap(NULL);
-- md5 / to_hex
SELECT md5(''), md5('abc'), md5('héllo'), md5('\x00ff'::bytea), md5(NULL);
SELECT to_hex(0), to_hex(255), to_hex(-1), to_hex(2147483647), to_hex(-2147483648);
SELECT to_hex(4294967296), to_hex(-1::bigint), to_hex(9223372036854775807), to_hex(NULL::int);
SELECT to_hex(1::smallint);
SELECT to_hex('10');
SELECT to_hex(1.5);
-- starts_with
SELECT starts_with('hello', 'he'), starts_with('hello', ''), starts_with('', ''), starts_with('he', 'hello');
SELECT starts_with('héllo', 'hé'), starts_with('abc', 'b'), starts_with(NULL, 'a');
-- string_to_array / array_to_string
SELECT string_to_array('a,b,c', ','), string_to_array('a,,c', ','), string_to_array('a,b,', ',');
SELECT string_to_array('', ','), string_to_array('abc', ''), string_to_array('abc', NULL);
SELECT string_to_array('a,b,c', ',', 'b'), string_to_array('a,NULL,c', ',', 'NULL');
SELECT string_to_array('a b', ' ', NULL), string_to_array('xx', 'x'), string_to_array('héé', NULL);
SELECT string_to_array(NULL, ','), string_to_array('a::b', '::'), string_to_array('', '', '');
SELECT array_to_string(ARRAY['a', 'b', 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',');
SELECT array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), array_to_string(ARRAY['a', NULL], ',', NULL);
SELECT array_to_string('{}'::text[], ','), array_to_string(ARRAY['x'], NULL), array_to_string(NULL::text[], ',');
SELECT array_to_string(ARRAY[NULL, NULL]::text[], '-'), array_to_string(ARRAY['a', 'b'], '');
SELECT array_to_string(string_to_array('1 2 3', ' '), '+');
SELECT array_to_string('{a,b}', ',');
SELECT array_to_string('a', ',');
-- quote_ident / quote_literal / quote_nullable
SELECT quote_ident('abc'), quote_ident('Abc'), quote_ident('a b'), quote_ident('a"b'), quote_ident('');
SELECT quote_ident('select'), quote_ident('user'), quote_ident('int'), quote_ident('name'), quote_ident('_x9');
SELECT quote_ident('9x'), quote_ident('é'), quote_ident('left'), quote_ident('abort'), quote_ident(NULL);
SELECT quote_literal('abc'), quote_literal('it''s'), quote_literal('a\b'), quote_literal('');
SELECT quote_literal(42), quote_literal(2.50), quote_literal(true), quote_literal(NULL);
SELECT quote_literal(ARRAY['a', 'b']), quote_literal('{"a": 1}'::jsonb), quote_literal(1.5::float8);
SELECT quote_nullable('abc'), quote_nullable(NULL), quote_nullable(42), quote_nullable(NULL::int);
-- octet_length / bit_length / length(bytea)
SELECT octet_length('abc'), octet_length('héllo'), octet_length(''), octet_length('日本'), octet_length(NULL);
SELECT bit_length('abc'), bit_length('é'), bit_length(''), octet_length('\x0102'::bytea), bit_length('\x01'::bytea);
SELECT length('\x010203'::bytea), octet_length('abc'::varchar), octet_length(NULL::bytea);
SELECT octet_length(123);
-- translate / overlay
SELECT translate('hello', 'el', 'ip'), translate('hello', 'l', ''), translate('abc', 'abc', 'x');
SELECT translate('héllo', 'él', 'EL'), translate('aaa', 'aa', 'bc'), translate('', 'a', 'b');
SELECT translate('abc', '', 'x'), translate(NULL, 'a', 'b'), translate('a', 'a', NULL);
SELECT overlay('abcdef' PLACING 'XY' FROM 3), overlay('abcdef' PLACING 'XY' FROM 3 FOR 0);
SELECT overlay('abcdef' PLACING '' FROM 2 FOR 3), overlay('abc' PLACING 'XYZ' FROM 10), overlay('héllo' PLACING 'E' FROM 2 FOR 1);
SELECT overlay('abc' PLACING 'x' FROM 0);
-- resolution of untyped literals
SELECT lpad('5', '3', '0'), repeat('ab', '2'), left('hello', '3');
SELECT substr('hello', '2', '2'), split_part('a-b', '-', '2');
-- round / trunc
SELECT round(2.5), round(-2.5), round(2.4999), round(0.5), round(-0.5), round(0.0);
SELECT round(2.345, 2), round(2.344, 2), round(-2.345, 2), round(2.3, 5), round(1234.5678, -2);
SELECT round(1250, -2), round(-1250, -2), round(5, -1), round(4.9, -1), round(0.004, 2), round(0.005, 2);
SELECT round(123.456, -5), round(99.99, 1), round(9.99, 1), round(999.5), round(123, 2);
SELECT round(1.5::float8), round(2.5::float8), round(-2.5::float8), round(0.4::float8), round(-0.4::float8);
SELECT round(5), round(5::bigint), round(2.5::real), round(1e300::float8), round('NaN'::float8);
-- the result type shows in arithmetic: double precision 5 / 3 * 3 is 5, numeric is not
SELECT round(5) / 3 * 3, round(5.0) / 3 * 3, round(5, 1) / 3 * 3, round(5::real) / 3 * 3;
SELECT round(12345678901234567890.5), round(0.123456789012345678901234567890, 25);
SELECT round(1.5, 2147483647) = 1.5, round(15.5, -2147483648);
SELECT round('NaN'::numeric), round('NaN'::numeric, 2), round(NULL::numeric), round(1.5, NULL);
SELECT round(1.5::float8, 1);
SELECT round('2.5');
SELECT round('2.5', 0);
SELECT trunc(2.7), trunc(-2.7), trunc(2.789, 2), trunc(-2.789, 2), trunc(1234.5, -2), trunc(5, 3);
SELECT trunc(2.7::float8), trunc(-2.7::float8), trunc(-0.5::float8), trunc(7), trunc('NaN'::numeric);
SELECT trunc('1.5');
-- ceil / ceiling / floor / sign
SELECT ceil(2.1), ceil(-2.1), ceil(2.0), ceil(-0.5), ceil(0.0), ceiling(1.000001);
SELECT floor(2.9), floor(-2.1), floor(2.0), floor(-0.5), floor(0.5), floor(-0.00);
SELECT ceil(2.1::float8), ceil(-0.5::float8), floor(-0.5::float8), floor(2.9::real), ceil(5), floor(5::bigint);
SELECT ceil('NaN'::numeric), floor(NULL::numeric), ceiling(NULL::float8);
SELECT sign(5.5), sign(-0.001), sign(0.000), sign(5), sign(-3::float8), sign(0::float8), sign(-7::bigint);
SELECT sign('NaN'::numeric), sign('NaN'::float8), sign(NULL::numeric);
SELECT ceil(12345678901234567890.1), floor(-12345678901234567890.1);
-- mod / div
SELECT mod(7, 3), mod(-7, 3), mod(7, -3), mod(0, 5), mod(-2147483648, -1), mod(5::smallint, 2::smallint);
SELECT mod(7::bigint, 3), mod(9223372036854775807, 10), mod(-9223372036854775808, -1);
SELECT mod(7.5, 2), mod(-7.5, 2), mod(7, 2.5), mod(10.00, 3), mod(1, 0.3), mod(0.0, 5);
SELECT mod(5::smallint, 3), mod(5::smallint, 3) + 32767;
SELECT mod(5::smallint, 3::smallint) + 32767::smallint;
SELECT mod(7, 0);
SELECT mod(7.5, 0);
SELECT mod(7::bigint, 0::bigint);
SELECT mod('NaN'::numeric, 2), mod(NULL, 2), mod(2, NULL);
SELECT mod(5.5::float8, 2);
SELECT div(9, 4), div(-9, 4), div(9, -4), div(9.9, 2), div(-7.5, 2), div(0, 3), div(10.00, 0.3);
SELECT div(12345678901234567890, 7), div(1, 3), div(9, 4) / 3;
SELECT div(1, 0);
SELECT div(NULL, 1), div('NaN'::numeric, 1);
-- power / pow / sqrt / exp / ln / log
SELECT power(2, 3), power(2, -1), power(2, 0.5), power(-2, 3), power(-2, 2), power(0, 0), pow(9, 0.5);
SELECT power(2.0, 3), power(2.0, -2), power(10.0, 20), power(1.5, 40), power(0.5, 17), power(-1.5, 3);
SELECT power(2.0, 0.5), power(4.0, 0.5), power(1.1, 1.1), power(10, 2.5), power(0.0, 0), power(0.0, 2.5);
SELECT power(2.000, 3), power(2, 3.0), power(-8.0, 3), power(1.0001, 10000), power(0.9, 50);
SELECT power(2.5, -3), power(10.0, -20), power(3.0, 0.333), power(100.0, -0.5);
SELECT power(0, -1);
SELECT power(0.0, -1);
SELECT power(-8, 1.0/3);
SELECT power(-8.0, 0.5);
SELECT power(10::float8, 400);
SELECT power(10::float8, -400);
SELECT power('NaN'::numeric, 0), power(1, 'NaN'::numeric), power('NaN'::numeric, 1);
SELECT power('NaN'::float8, 0), power(1::float8, 'NaN'), power(2::float8, 'NaN'), power(NULL, 2);
SELECT power('Infinity'::float8, 2), power(-2::float8, 'Infinity'), power(0.5::float8, '-Infinity'), power('-Infinity'::float8, 3);
SELECT sqrt(2), sqrt(4), sqrt(0), sqrt(2.0), sqrt(16.0), sqrt(0.0), sqrt(0.01), sqrt(1e-10);
SELECT sqrt(2.00000000000000000000), sqrt(123456789012345678901234567890), sqrt(0.5), sqrt(99.9);
SELECT sqrt(1e40), sqrt(10000.0001), sqrt('NaN'::numeric), sqrt('Infinity'::float8), sqrt(NULL);
SELECT sqrt(-1);
SELECT sqrt(-1.0);
SELECT exp(0), exp(1), exp(1.0), exp(0.0), exp(-1.0), exp(10.5), exp(-10.5), exp(2.302585092994046);
SELECT exp(100.0), exp(-100.0), exp(0.0001), exp(1.00000000000000000000), exp(50);
SELECT exp(-1000::float8);
SELECT exp(1000::float8);
SELECT exp(10000.0);
SELECT exp(-10000.0), exp('NaN'::numeric), exp('-Infinity'::float8);
SELECT ln(1), ln(2), ln(2.0), ln(10.0), ln(1.0), ln(0.5), ln(1.0001), ln(0.9999), ln(100000.0);
SELECT ln(1e-20), ln(123456789.123), ln(2.718281828459045), ln(1.1), ln(0.9), ln(1e100);
SELECT ln(0);
SELECT ln(-1);
SELECT ln(0.0);
SELECT ln(-1.5);
SELECT log(100), log(1000.0), log(2.0), log(0.001), log(1.0), log(12345.678), log(1e50::float8);
SELECT log(2, 8), log(2.0, 8.0), log(10, 1000), log(3, 81), log(2, 10), log(0.5, 0.25), log(100, 10);
SELECT log(2.0, 1.0), log(1.5, 2.5), log(10, 0.5), log(2, 1024.000);
SELECT log(1, 10);
SELECT log(0, 10);
SELECT log(10, 0);
SELECT log(-2, 8);
SELECT log(0::float8);
SELECT log10(1000), log10(0.01), log10(2.0), log('NaN'::numeric, 2), log(NULL, 2);
-- gcd / lcm / pi
SELECT gcd(12, 18), gcd(-12, 18), gcd(0, 5), gcd(0, 0), gcd(7, 13), gcd(-2147483648, 6);
SELECT gcd(12::bigint, 18), gcd(9223372036854775807, 7), gcd(1.5, 0.6), gcd(12.0, 18), gcd(0.0, 0.00);
SELECT lcm(4, 6), lcm(-4, 6), lcm(0, 5), lcm(7, 13), lcm(4::bigint, 6), lcm(1.5, 0.6), lcm(0.0, 2);
SELECT gcd(-2147483648, 0);
SELECT gcd(-2147483648, -2147483648);
SELECT lcm(2147483647, 2);
SELECT lcm(-2147483648, 1);
SELECT gcd(-9223372036854775808, 0);
SELECT lcm(9223372036854775807, 2);
SELECT gcd('NaN'::numeric, 1), lcm(NULL, 1), gcd(1, 2::bigint) + 9223372036854775805;
SELECT pi(), pi() * 2, round(pi()::numeric, 10);
SELECT pi(1);
-- functions over table columns, with NULLs
CREATE TABLE fn_t (id int PRIMARY KEY, s text, n numeric, f float8, i int, b bigint, j jsonb);
INSERT INTO fn_t VALUES (1, 'héllo', 2.345, 2.5, -7, 9000000000, '{"a": [1, {"b": null}], "c": "x"}'),
  (2, '', 0, -0.5, 0, -1, '[1, "two", null, 3.50]'), (3, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, '  padded  ', -1.5, 1e10, 2147483647, 0, '"scalar"');
SELECT id, substr(s, 2, 2), upper(left(s, 1)), length(trim(s)), reverse(s), md5(s) FROM fn_t ORDER BY id;
SELECT id, round(n, 1), trunc(n), ceil(n), floor(f), sign(i), mod(i, 4), abs(i) FROM fn_t ORDER BY id;
SELECT id, concat(s, '/', n, '/', i), concat_ws('|', s, n, f, b) FROM fn_t ORDER BY id;
SELECT id, lpad(coalesce(s, '?'), 6, '.'), rpad(i::text, 4, '0'), to_hex(b), to_hex(i) FROM fn_t ORDER BY id;
SELECT id, jsonb_typeof(j), jsonb_strip_nulls(j), j -> 'a' FROM fn_t ORDER BY id;
SELECT id, num_nulls(s, n, f, i), num_nonnulls(s, n, f, i, b, j) FROM fn_t ORDER BY id;
SELECT id FROM fn_t WHERE strpos(s, 'l') > 0 OR starts_with(coalesce(s, ''), '  ') ORDER BY id;
SELECT id, power(n, 2), sqrt(abs(n)), exp(n) FROM fn_t WHERE n IS NOT NULL ORDER BY id;
SELECT id, to_jsonb(s), to_jsonb(n), to_jsonb(f), to_jsonb(i) FROM fn_t ORDER BY id;
SELECT id, jsonb_build_object('s', s, 'n', n, 'i', i) FROM fn_t ORDER BY id;
SELECT count(*), max(length(concat(s, n))), sum(mod(i, 3)) FROM fn_t;
SELECT id, mod(i, 0) FROM fn_t WHERE id = 3;
SELECT id, mod(i, 0) FROM fn_t WHERE id = 1;
DROP TABLE fn_t;
-- jsonb_typeof / jsonb_array_length
SELECT jsonb_typeof('{}'), jsonb_typeof('[]'), jsonb_typeof('"s"'), jsonb_typeof('1.5'), jsonb_typeof('true'), jsonb_typeof('null');
SELECT jsonb_typeof('{"a": 1}'::jsonb -> 'a'), jsonb_typeof('false'), jsonb_typeof(NULL), jsonb_typeof('-0.0');
SELECT jsonb_array_length('[]'), jsonb_array_length('[1, 2, [3, 4], {"a": [5]}]'), jsonb_array_length('[null]');
SELECT jsonb_array_length('["a,b", "c]"]'), jsonb_array_length(NULL), jsonb_array_length('[[], {}]');
SELECT jsonb_array_length('{"a": 1}');
SELECT jsonb_array_length('5');
SELECT jsonb_array_length('"[1,2]"');
SELECT jsonb_typeof(5);
-- jsonb_build_object / jsonb_build_array
SELECT jsonb_build_object(), jsonb_build_array(), jsonb_build_object('a', 1), jsonb_build_array(1, 'a', NULL);
SELECT jsonb_build_object('a', 1, 'b', 'two', 'c', NULL, 'd', true, 'e', 2.50);
SELECT jsonb_build_object('b', 1, 'a', 2, 'aa', 3), jsonb_build_object('a', 1, 'a', 2);
SELECT jsonb_build_object(1, 'x', 2.5, 'y', true, 'z'), jsonb_build_object('k', ARRAY['a', NULL]);
SELECT jsonb_build_object('nested', '{"x": [1, 2]}'::jsonb, 'arr', jsonb_build_array(1, 2));
SELECT jsonb_build_object('f', 1.5::float8, 'g', 1e20::float8, 'h', 'NaN'::float8, 'i', 'NaN'::numeric);
SELECT jsonb_build_object('q', 'say "hi"', 'nl', E'a\nb', 'tab', E'\t', 'u', 'é');
SELECT jsonb_build_array(1, 2.0, '3', true, NULL, ARRAY['x'], '{"a": 1}'::jsonb, 'infinity'::float8);
SELECT jsonb_build_array(-0.0, 1e3, 100::bigint, 1::smallint, 123456789012345678901234567890);
SELECT jsonb_build_object('a', 1, 'b');
SELECT jsonb_build_object(NULL, 1);
SELECT jsonb_build_object('a', 1, NULL, 2);
SELECT jsonb_build_object(ARRAY['a'], 1);
SELECT jsonb_build_object('{"a": 1}'::jsonb, 1);
SELECT jsonb_build_object('a', '\x01'::bytea, 'b', 5::oid);
-- to_jsonb
SELECT to_jsonb(1), to_jsonb(2.50), to_jsonb(true), to_jsonb('text'::text), to_jsonb(ARRAY['a', NULL]);
SELECT to_jsonb(1.5::float8), to_jsonb(1e15::float8), to_jsonb(1e-7::float8), to_jsonb('NaN'::float8), to_jsonb('-Infinity'::float8);
SELECT to_jsonb('NaN'::numeric), to_jsonb('{"a": [1]}'::jsonb), to_jsonb('x'::varchar), to_jsonb(E'q"\\'::text);
SELECT to_jsonb('2020-01-01 10:00:00.5+05:30'::timestamptz), to_jsonb('2021-06-01 00:00:00+00'::timestamptz);
SELECT to_jsonb(NULL::int), to_jsonb(12345678901234567890), to_jsonb(-0.0), to_jsonb(1::real / 3);
SELECT to_jsonb('abc');
SELECT to_jsonb(NULL);
-- jsonb_strip_nulls
SELECT jsonb_strip_nulls('{"a": 1, "b": null, "c": {"d": null, "e": [null, {"f": null}]}}');
SELECT jsonb_strip_nulls('[null, 1, {"a": null}]'), jsonb_strip_nulls('null'), jsonb_strip_nulls('{"a": null}');
SELECT jsonb_strip_nulls('{}'), jsonb_strip_nulls('"x"'), jsonb_strip_nulls('{"a": "null", "b": [], "c": null}'), jsonb_strip_nulls(NULL);
-- jsonb_extract_path / jsonb_extract_path_text
SELECT jsonb_extract_path('{"a": {"b": [10, 20, 30]}}', 'a'), jsonb_extract_path('{"a": {"b": [10, 20, 30]}}', 'a', 'b', '1');
SELECT jsonb_extract_path('{"a": {"b": [10, 20, 30]}}', 'a', 'b', '-1'), jsonb_extract_path('{"a": {"b": [10, 20]}}', 'a', 'b', '-3');
SELECT jsonb_extract_path('{"a": [1]}', 'a', 'x'), jsonb_extract_path('{"a": [1]}', 'a', ' 0'), jsonb_extract_path('{"a": [1]}', 'a', '+0');
SELECT jsonb_extract_path('{"a": 1}', 'b'), jsonb_extract_path('{"a": 1}', 'a', 'b'), jsonb_extract_path('{"a": 1}', NULL);
SELECT jsonb_extract_path('[1, [2, 3]]', '1', '0'), jsonb_extract_path('"s"', 'a'), jsonb_extract_path('{"a": null}', 'a');
SELECT jsonb_extract_path('[1]', '99999999999'), jsonb_extract_path('[1]', '0x'), jsonb_extract_path(NULL, 'a');
SELECT jsonb_extract_path_text('{"a": {"b": "x"}}', 'a', 'b'), jsonb_extract_path_text('{"a": {"b": "x"}}', 'a');
SELECT jsonb_extract_path_text('{"a": null}', 'a') IS NULL, jsonb_extract_path_text('{"a": 2.50}', 'a'), jsonb_extract_path_text('[true]', '0');
SELECT jsonb_extract_path_text('{"a": "q\"uote"}', 'a'), jsonb_extract_path_text('{"a": [1, 2]}', 'a');
SELECT jsonb_extract_path('{"a": 1}');
-- jsonb_pretty
SELECT jsonb_pretty('{"a": [1, {"b": null}], "c": {}}');
SELECT jsonb_pretty('[]'), jsonb_pretty('{}'), jsonb_pretty('1'), jsonb_pretty('"s"'), jsonb_pretty('null');
SELECT jsonb_pretty('[1, [2, [3, []]], {"k": "v, w"}]');
SELECT jsonb_pretty('{"b": {"c": {"d": [true, false]}}, "a": "x"}'), jsonb_pretty(NULL);
-- num_nulls / num_nonnulls
SELECT num_nulls(1, NULL, 'a', NULL), num_nonnulls(1, NULL, 'a', NULL), num_nulls(NULL), num_nonnulls(NULL);
SELECT num_nulls(1), num_nonnulls(1, 2.5, true, '{}'::jsonb, ARRAY['a']);
SELECT num_nulls();
-- errors of resolution
SELECT nosuchfunc(1);
SELECT repeat(5, 2);
SELECT starts_with('a');
SELECT md5(1);
SELECT power('2', '3');
SELECT mod('7', '2');
SELECT jsonb_pretty('{"a": 1}'::text);
SELECT lower(1);
-- more edge cases
SELECT round(-0.0001, 2), trunc(-0.0001, 2), round(-0.4), ceil(-0.0001), trunc(-0.9), round(0.00049, 3);
SELECT mod(-0.5, 0.3), gcd(3.5, 0), lcm(2.5, 1.5), gcd(-0.25, 0.75), lcm(-3, 4), gcd(0, -7);
SELECT chr(32) || 'x', chr(10) = E'\n', ascii(chr(1114111)), ascii(chr(256));
SELECT split_part('a.b.c', '.', -2), split_part('a.b.c', '.', 2147483647), split_part('x', 'x', 1), split_part('x', 'x', 2);
SELECT string_to_array('a|b|c', '|', 'c'), string_to_array('abc', 'abc'), string_to_array('abc', 'abc', 'abc');
SELECT array_to_string(string_to_array('a,,b', ','), ',', 'N'), array_to_string(string_to_array('a,,b', ',', ''), '/', '?');
SELECT quote_ident('ab"c'), quote_literal(E'\\'), quote_literal(E'it''s a \\ test'), quote_ident('"');
SELECT md5(repeat('a', 1000)), reverse(reverse('héllo wörld')) = 'héllo wörld', translate('12345', '143', 'ax');
SELECT btrim('xyzabczyx', 'xyz'), left('', 5), right('', -1), lpad('', 5), length(lpad('', 1000, 'ab'));
SELECT x, length(repeat(x, 2)) FROM (VALUES ('a'), ('bb'), ('')) v(x) WHERE length(repeat(x, 2)) >= 2 ORDER BY 1;
SELECT left(x, 1), count(*) FROM (VALUES ('ab'), ('ac'), ('b'), (NULL)) v(x) GROUP BY left(x, 1) ORDER BY 1;
SELECT x FROM (VALUES ('b2'), ('a10'), ('c1')) v(x) ORDER BY substr(x, 2)::int;
SELECT CASE WHEN strpos(x, '@') > 0 THEN split_part(x, '@', 2) ELSE 'none' END FROM (VALUES ('u@host'), ('plain')) v(x) ORDER BY 1;
SELECT coalesce(substr(NULL, 1), 'dflt'), nullif(trim('  '), ''), upper(concat('a', 1)), lower(initcap('ABC DEF'));
SELECT sqrt(2::real), round(2.5::real), power(2, 3)::int, exp(1)::numeric, sqrt(2::numeric::float8);
SELECT sqrt('NaN'::float8), exp('Infinity'::float8), ln('Infinity'::float8), floor('-Infinity'::float8), sign('Infinity'::float8);
SELECT power(2::float8, 1024);
SELECT power(2::float8, -1075);
SELECT exp(709::float8), exp(-745::float8);
SELECT exp(-746::float8);
SELECT ln(2.0000000000000000000000000000000000000000), exp(0.5000000000000000000000000000), sqrt(1e-30);
SELECT power(2.0, 1000), power(1.000000001, 1000000000), log(2.0, 1e100), ln(1e-100), exp(700.0);
SELECT power(0.5, 200), power(10.0, -50), power(0.001, 0.5), power(2, 0.5::numeric), power(1e-10, 1.5);
SELECT log(10.0, 10.0), log(1.000001, 2), ln(1.000000000001), log(9.99, 1000);
SELECT jsonb_build_object('a', jsonb_build_object('b', jsonb_build_array(1, 2)), 'c', to_jsonb(to_jsonb(1)));
SELECT jsonb_extract_path_text(jsonb_build_object('k', 'v'), 'k'), jsonb_typeof(jsonb_build_array()), jsonb_array_length(jsonb_build_array(1, NULL, 'x'));
SELECT jsonb_extract_path('{"a": {"b": {"c": {"d": 1}}}}', 'a', 'b', 'c', 'd'), jsonb_extract_path_text('[[1, [2, "deep"]]]', '0', '1', '1');
SELECT jsonb_strip_nulls(jsonb_build_object('a', NULL, 'b', jsonb_build_object('c', NULL))), jsonb_pretty(jsonb_build_object('x', 1));
SELECT concat('日本', 1, '語'), concat_ws('★', 'a', 'b'), length(concat(repeat('x', 100), repeat('y', 100)));
SELECT left('abc');
SELECT round(1, 2, 3);
SELECT jsonb_build_array(1, 2) = '[1, 2]'::jsonb, to_jsonb(1) = '1'::jsonb, jsonb_build_object('a', 1) -> 'a';
