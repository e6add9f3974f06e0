-- SQLSTATEs compared
-- to_char(numeric | double precision | real | bigint | integer, text) and to_number(text, text):
-- PostgreSQL 15's number pictures (9 0 . , D G L S MI PL SG PR RN TH V EEEE FM, quoted text),
-- signs, rounding, '#' overflow, NaN, each input type, and the picture errors (42601).
-- Brackets show the blanks PostgreSQL pads with.
SELECT '[' || to_char(1234.5::numeric, '9999.99') || ']', '[' || to_char(-1234.5::numeric, '9999.99') || ']', '[' || to_char(0::numeric, '9999.99') || ']';
SELECT '[' || to_char(0, '9.99') || ']', '[' || to_char(0.1, '9.9') || ']', '[' || to_char(0.1, 'FM9.9') || ']', '[' || to_char(0, 'FM9.99') || ']';
SELECT '[' || to_char(-0.1, '9.9') || ']', '[' || to_char(-0.1, 'FM9.9') || ']', '[' || to_char(12, '0000') || ']', '[' || to_char(-12, '0000') || ']';
SELECT '[' || to_char(-12.5, '0009.9') || ']', '[' || to_char(12.5, '9990.99') || ']', '[' || to_char(0.5, '0.9') || ']', '[' || to_char(0.5, '9.0') || ']', '[' || to_char(-0.5, '0.9') || ']', '[' || to_char(0, '0') || ']';
SELECT '[' || to_char(12.5, 'FM9990.9900') || ']', '[' || to_char(12, 'FM9990.9900') || ']', '[' || to_char(12, 'FM9990.99') || ']', '[' || to_char(12.345, 'FM9990.99') || ']';
SELECT '[' || to_char(0.5, '.99') || ']', '[' || to_char(0.5, 'FM.99') || ']', '[' || to_char(0, '.99') || ']', '[' || to_char(-0.5, '.99') || ']', '[' || to_char(5, 'V99') || ']';
SELECT '[' || to_char(1234.5, '99') || ']', '[' || to_char(-1234.5, '99.9') || ']', '[' || to_char(99.5, '99') || ']', '[' || to_char(99.49, '99') || ']';
SELECT '[' || to_char(0.005::numeric, '9.99') || ']', '[' || to_char(-0.005::numeric, '9.99') || ']', '[' || to_char(-0.004::numeric, '9.99') || ']', '[' || to_char(2.5::numeric, '9') || ']', '[' || to_char(-2.5::numeric, '9') || ']';
SELECT '[' || to_char(123456789012345678901234567890.123456789::numeric, '999999999999999999999999999999.999999') || ']';
SELECT '[' || to_char(0.000000000000000000001::numeric, '0.999999999999999999999999') || ']', '[' || to_char(-98765.4321::numeric, 'FM999,999.99999999') || ']';
SELECT '[' || to_char('NaN'::numeric, '999.99') || ']', '[' || to_char('NaN'::numeric, '9999999.99') || ']', '[' || to_char('NaN'::numeric, '9') || ']', '[' || to_char('NaN'::numeric, '0000000.00') || ']';
SELECT '[' || to_char('NaN'::float8, '999.99') || ']', '[' || to_char('Infinity'::float8, '999.99') || ']', '[' || to_char('-Infinity'::float8, '999.99') || ']';
SELECT '[' || to_char('Infinity'::float8, '9999999999.99') || ']', '[' || to_char('NaN'::float8, '9999999.99') || ']', '[' || to_char('NaN'::float8, '9') || ']', '[' || to_char('NaN'::float8, 'FM9999999.99') || ']';
SELECT '[' || to_char('Infinity'::real, '999.99') || ']', '[' || to_char('NaN'::real, '999.99') || ']', '[' || to_char(-1e30::float8, '9.99') || ']';
-- the group separator and the locale patterns (C locale: D is '.', G is ',', L a blank)
SELECT '[' || to_char(1234567, '9G999G999') || ']', '[' || to_char(123, '9G999G999') || ']', '[' || to_char(123, 'FM9G999G999') || ']', '[' || to_char(-123, '9,999,999') || ']';
SELECT '[' || to_char(1234.5::numeric, 'L9G999D99') || ']', '[' || to_char(-1234.5, 'S9,999.99') || ']', '[' || to_char(1234.5, 'FML9G999D99') || ']', '[' || to_char(-1234.5, 'L9999.99') || ']';
SELECT '[' || to_char(1, '9,,9.9') || ']', '[' || to_char(1234, '9,9,9,9') || ']', '[' || to_char(-1234, 'FM9,9,9,9') || ']', '[' || to_char(1234, 'FM9,999,999') || ']';
-- signs: PR, MI, PL, SG, S before and after the digits, with and without FM
SELECT '[' || to_char(-12.5, '999PR') || ']', '[' || to_char(12.5, '999PR') || ']', '[' || to_char(-12.5, 'FM999PR') || ']', '[' || to_char(12.5, 'FM999PR') || ']', '[' || to_char(-12.5, '999.99PR') || ']';
SELECT '[' || to_char(-12.5, '999MI') || ']', '[' || to_char(12.5, '999MI') || ']', '[' || to_char(-12.5, 'MI999') || ']', '[' || to_char(12.5, 'FMMI999') || ']', '[' || to_char(12.5, '999PL') || ']', '[' || to_char(-12.5, 'PL999') || ']';
SELECT '[' || to_char(-12.5, '999SG') || ']', '[' || to_char(12.5, 'SG999') || ']', '[' || to_char(12.5, 'S999') || ']', '[' || to_char(-12.5, '999S') || ']', '[' || to_char(12.5, '999.9S') || ']', '[' || to_char(12.5, 'FMS999') || ']';
SELECT '[' || to_char(-12.5, 'S999.99') || ']', '[' || to_char(-12.5, 'FM999.99S') || ']', '[' || to_char(12.5, '9S99') || ']', '[' || to_char(-12.5, '9S99') || ']', '[' || to_char(-7, 'S0000') || ']', '[' || to_char(7, '0000S') || ']';
SELECT '[' || to_char(-12.5, 'FM999MI') || ']', '[' || to_char(12.5, 'FM999PL') || ']', '[' || to_char(-12.5, 'FMSG999') || ']', '[' || to_char(12.5, '999.99MI') || ']', '[' || to_char(-0.5, '0.9PR') || ']', '[' || to_char(-0.5, 'FM0.9PR') || ']';
SELECT '[' || to_char(-12, '999PLMI') || ']', '[' || to_char(12, '999PLMI') || ']', '[' || to_char(-12, 'MI9SG99') || ']', '[' || to_char(-1234, '9G999PR') || ']', '[' || to_char(-3, '00PR') || ']';
-- fill mode with zeros and decimals
SELECT '[' || to_char(3.14159, 'FM990.000') || ']', '[' || to_char(3, 'FM990.000') || ']', '[' || to_char(3, 'FM99.9') || ']', '[' || to_char(0, 'FM0.00') || ']', '[' || to_char(0.1, 'FM0.09') || ']', '[' || to_char(10, 'FM9999') || ']';
SELECT '[' || to_char(-3.5, 'FM0000.0') || ']', '[' || to_char(3.5, 'FM0000.0') || ']', '[' || to_char(123.456, 'FM000999.909') || ']', '[' || to_char(5, 'FM00.00') || ']', '[' || to_char(50, 'FM9909.9999') || ']';
SELECT '[' || to_char(0.0012, '9.9999') || ']', '[' || to_char(0.0012, '0.9999') || ']', '[' || to_char(0.0012, 'FM9.9999') || ']', '[' || to_char(-0.0012, '9.99') || ']', '[' || to_char(-0.0012, 'FM9.99') || ']';
-- quoted text, backslashes and characters copied
SELECT '[' || to_char(123, '"abc"999"def\"x"') || ']', '[' || to_char(123, 'X9\"9Y9') || ']', '[' || to_char(123, 'a9b9c9') || ']', '[' || to_char(123, '9 9 9 !') || ']';
SELECT '[' || to_char(123, 'B999') || ']', '[' || to_char(123, '9C9SP9') || ']', '[' || to_char(123, 'fm999') || ']', '[' || to_char(123, 'Fm999') || ']', '[' || to_char(123, '"9"999"') || ']';
SELECT '[' || to_char(45, '"Price: "$99.99" each"') || ']', '[' || to_char(45, '99"\\"9') || ']', '[' || to_char(45, 'é99ü') || ']', '[' || to_char(45, '"unterminated 99') || ']';
SELECT '[' || to_char(1, '') || ']', '[' || to_char(1, 'abc') || ']', '[' || to_char(-1, 'xyz') || ']', '[' || to_char(12.34, 'FM') || ']';
-- ordinal suffixes
SELECT '[' || to_char(1, '9th') || ']', '[' || to_char(22, '99TH') || ']', '[' || to_char(13, 'FM99th') || ']', '[' || to_char(-1, '9th') || ']', '[' || to_char(1.5, '9.9th') || ']';
SELECT '[' || to_char(11, '99th') || ']', '[' || to_char(111, '999TH') || ']', '[' || to_char(103, 'FM999th') || ']', '[' || to_char(1002, 'FM9999TH') || ']', '[' || to_char(12345, '99th') || ']', '[' || to_char(0, '9th') || ']';
SELECT to_char('NaN'::numeric, '999th');
SELECT to_char('NaN'::float8, '999TH');
-- Roman numerals
SELECT '[' || to_char(485, 'RN') || ']', '[' || to_char(485, 'FMrn') || ']', '[' || to_char(4000, 'RN') || ']', '[' || to_char(0, 'RN') || ']', '[' || to_char(-5, 'RN') || ']';
SELECT '[' || to_char(3999, 'RN') || ']', '[' || to_char(1994::int8, 'FMRN') || ']', '[' || to_char(2.5::float8, 'FMRN') || ']', '[' || to_char(2.5::numeric, 'FMRN') || ']', '[' || to_char(-2.5::numeric, 'FMRN') || ']';
SELECT '[' || to_char(1e10::float8, 'RN') || ']', '[' || to_char('NaN'::float8, 'RN') || ']', '[' || to_char(3999.5::float8, 'RN') || ']', '[' || to_char(14::real, 'rn') || ']', '[' || to_char(5, 'RNSG') || ']';
SELECT '[' || to_char(9, '9RN.9') || ']', '[' || to_char(9, 'RN rn') || ']', '[' || to_char(9, 'FMRN,PL') || ']', '[' || to_char(9, 'RN,MI') || ']', '[' || to_char(9, 'RNth') || ']';
SELECT to_char('NaN'::numeric, 'RN');
SELECT to_char(1e10::numeric, 'RN');
SELECT to_char(1e10::int8, 'RN');
-- V shifts by ten to the number of digits after it
SELECT '[' || to_char(12.45, '99V99') || ']', '[' || to_char(12.456, '99V99') || ']', '[' || to_char(-12.45, '999V9') || ']', '[' || to_char(1234, '9999V99') || ']', '[' || to_char(5, '9V') || ']';
SELECT '[' || to_char(12.45::float8, '99V99') || ']', '[' || to_char(1.5::real, '9V99') || ']', '[' || to_char(-3::int8, '9V999') || ']', '[' || to_char(7::int4, 'FM9V999') || ']', '[' || to_char(123, '9V9') || ']';
SELECT '[' || to_char(2147483647, '9999999999V99') || ']', '[' || to_char(5::int4, '9V9999999999') || ']', '[' || to_char(5::int4, '9V999999999') || ']', '[' || to_char(123456789::int4, '999999999999999999999999999999999999999999999999V99') || ']';
SELECT to_char(9223372036854775807, '99999999999999999999V99');
SELECT to_char(5::int8, '9V9999999999999999999');
SELECT '[' || to_char(5::int8, '9V999999999999999999') || ']', '[' || to_char(12.5::numeric, '99V' || repeat('9', 30)) || ']';
-- scientific notation
SELECT '[' || to_char(5::int8, '9.99EEEE') || ']', '[' || to_char(-5::int4, '9.99EEEE') || ']', '[' || to_char(-5::float8, '9.99EEEE') || ']', '[' || to_char(5::real, '9.99EEEE') || ']', '[' || to_char(0, '9.99EEEE') || ']';
SELECT '[' || to_char(123.456::numeric, '9.9EEEE') || ']', '[' || to_char(-0.000123::numeric, '99.999EEEE') || ']', '[' || to_char(1e-200::numeric, '9.99EEEE') || ']', '[' || to_char(9.999::numeric, '9.99EEEE') || ']';
SELECT '[' || to_char(1e300::float8, '9.99EEEE') || ']', '[' || to_char(12, '9999EEEE') || ']', '[' || to_char(12, '.99EEEE') || ']', '[' || to_char(12, '9.EEEE') || ']', '[' || to_char(1.5, 'EEEE') || ']';
SELECT '[' || to_char(12, '"x"9.99EEEE"y"') || ']', '[' || to_char(-0.0::float8, '9.99EEEE') || ']', '[' || to_char(0.1::float8, '9.9999999999EEEE') || ']', '[' || to_char(0::numeric, '9.99EEEE') || ']';
SELECT '[' || to_char('NaN'::numeric, '9.99EEEE') || ']', '[' || to_char('Infinity'::float8, '9.99EEEE') || ']', '[' || to_char('NaN'::real, '999.9EEEE') || ']', '[' || to_char(12345.678::numeric, '9.99EEEE') || ']';
SELECT '[' || to_char(9223372036854775807::int8, '9.9999999999999999999EEEE') || ']', '[' || to_char((-2147483648)::int4, '9.99eeee') || ']', '[' || to_char(0.5::numeric, '9EEEE') || ']', '[' || to_char(-0.5::numeric, '9EEEE') || ']';
-- double precision keeps 15 significant digits, real 6
SELECT '[' || to_char(1e20::float8, '999999999999999999999.99') || ']', '[' || to_char(0.1::float8, '9.99999999999999999999') || ']', '[' || to_char(123.456::float8, '999.9999999999999999') || ']';
SELECT '[' || to_char(123.456::real, '999.9999999999999999') || ']', '[' || to_char(0.125::float8, '9.99') || ']', '[' || to_char(2.5::float8, '9') || ']', '[' || to_char(3.5::float8, '9') || ']', '[' || to_char(-0.0::float8, '9.99') || ']';
SELECT '[' || to_char(12345678901234567::float8, '99999999999999999999') || ']', '[' || to_char(1234567.891::real, '99999999.99') || ']', '[' || to_char(0.000123456789::float8, '0.9999999999999999') || ']';
SELECT '[' || to_char(3.14159::real, 'FM9.99999999') || ']', '[' || to_char(-3.14159::float8, 'FM999.9999999') || ']', '[' || to_char(1.005::float8, '9.99') || ']', '[' || to_char(2.675::float8, '9.99') || ']';
SELECT '[' || to_char(1e15::float8, '9999999999999999.99') || ']', '[' || to_char(123456::real, '999999.99') || ']', '[' || to_char(-1e-5::float8, '9.99999') || ']', '[' || to_char(1e-5::real, '9.99999999') || ']';
-- integer types
SELECT '[' || to_char(123::int4, '999.99') || ']', '[' || to_char(-123::int8, '9999.9') || ']', '[' || to_char(123::int2, '9.99') || ']', '[' || to_char(2147483647::int4, '9,999,999,999') || ']', '[' || to_char((-2147483648)::int4, '9999999999') || ']';
SELECT '[' || to_char(9223372036854775807::int8, '9999999999999999999') || ']', '[' || to_char((-9223372036854775808)::int8, '9999999999999999999') || ']', '[' || to_char(12345::int8, '999') || ']', '[' || to_char(0::int4, '99.99') || ']';
SELECT '[' || to_char(42::int4, 'FM00009') || ']', '[' || to_char(-42::int8, '00009PR') || ']', '[' || to_char(42::int4, 'SG9999.000') || ']', '[' || to_char(42::int4, 'FM9999.000') || ']', '[' || to_char(42::int8, 'FM9999.999') || ']';
SELECT '[' || to_char(x, 'S0999G999D99') || ']' FROM (VALUES (1::numeric), (-1.005), (999999.995), (-0.004), (12345.6789)) AS v(x) ORDER BY x;
SELECT '[' || to_char(x, 'FM999G990D00PR') || ']' FROM (VALUES (0::numeric), (-1.5), (1234.567), (-1234567.891)) AS v(x) ORDER BY x;
-- picture errors
SELECT to_char(1.5, '9.9.9');
SELECT to_char(1.5, '99V9.9');
SELECT to_char(1.5, '99.9V9');
SELECT to_char(1.5, '9.99EEEE9');
SELECT to_char(1.5, '9PR9');
SELECT to_char(1.5, '9PR0');
SELECT to_char(1.5, 'S9S');
SELECT to_char(1.5, 'S9MI');
SELECT to_char(1.5, 'S9PL');
SELECT to_char(1.5, 'S9SG');
SELECT to_char(1.5, 'MI9S');
SELECT to_char(1.5, 'S9PR');
SELECT to_char(1.5, '9MIPR');
SELECT to_char(1.5, 'FM9.99EEEE');
SELECT to_char(1.5, '9.99EEEEEEEE');
SELECT to_char(1.5, 'RN9.99EEEE');
SELECT to_char(1::int4, '9V9EEEE');
SELECT to_char(1.5::float8, '9D9D9');
SELECT to_char(1.5::real, 'S9.9S');
SELECT to_char(1::int8, 'PR9');
-- long pictures end in a result or a clean error
SELECT length(to_char(1.5, '9.' || repeat('9', 2500))), length(to_char(1.5, '9.' || repeat('9', 20000))), length(to_char(1.5::numeric, repeat('9', 100000)));
SELECT length(to_char(1.5::float8, '9.' || repeat('9', 2500) || 'EEEE')), length(to_char(1.5::numeric, '9.' || repeat('9', 2500) || 'EEEE')), length(to_char(12345::int4, repeat('9', 100000) || 'V' || repeat('9', 5)));
SELECT md5(to_char(0.1::float8, '9.' || repeat('9', 400) || 'EEEE')), md5(to_char(1/3::numeric, 'FM9.' || repeat('9', 3000))), length(to_char(-7, repeat('"ab"', 20000) || '9'));
SELECT to_char(1.5, repeat('9.', 50000));
SELECT length(to_char(1::numeric, '9V' || repeat('9', 131071))), length(to_number(repeat('7', 100000), repeat('9', 100000))::text), length(to_number(repeat('7', 20000) || '.' || repeat('7', 20000), repeat('9', 20000) || '.' || repeat('9', 20000))::text);
SELECT length(to_number(repeat('7', 40000), repeat('9', 20000) || '.' || repeat('9', 20000))::text);
SELECT to_char(10::numeric, '9V' || repeat('9', 131071));
SELECT to_char(0::numeric, '9V' || repeat('9', 131072));
-- to_number
SELECT to_number('12,454.8-', '99G999D9S'), to_number('  12.5', '999.9'), to_number('<12.5>', '999.9PR'), to_number('$1,234.56', 'L9,999.99');
SELECT to_number('-  12', '999'), to_number('1 2 3', '999'), to_number('12abc34', '99xxx99'), to_number('5 -', '9 S'), to_number('5-', '9S'), to_number('-5.5', '9.9');
SELECT to_number('123', '9'), to_number('5', '9V99'), to_number('-5', 'S9'), to_number('5-', '9MI'), to_number('5+', '9PL'), to_number('+5', 'SG9');
SELECT to_number('1.23456', '9.99'), to_number('.5', '.9'), to_number('0.5', '9.9'), to_number('123.', '999.'), to_number('12', '99.99'), to_number('12.3', '99V9');
SELECT to_number('1,234', '9,999'), to_number('1234', '9,999'), to_number('1,234', '9G999'), to_number('12th', '99th'), to_number('12', 'FM99'), to_number('1 234.5', '9G999D9');
SELECT to_number('123456789012345678901234567890', '999999999999999999999999999999'), to_number('0012', '0000'), to_number('-0', '9'), to_number('1e5', '999'), to_number('<5>', '9PR');
SELECT to_number('12.34', '99D99'), to_number('12.3-', 'FM99.9MI'), to_number('12', '9,9'), to_number('1234', '9V999'), to_number('123', '999V'), to_number('5', '9V' || repeat('9', 20));
SELECT to_number('-34,338,492', '99G999G999'), to_number('-34,338,492.654,878', '99G999G999D999G999'), to_number('<564646.654564>', '999999.999999PR'), to_number('0.00001-', '9.999999S');
SELECT to_number('5.01-', 'FM9.999999S'), to_number('5.01-', 'FM9.999999MI'), to_number('5 4 4 4 4 8 . 7 8', '9 9 9 9 9 9 . 9 9'), to_number('.01', 'FM9.99'), to_number('.0', '99999999.99999999');
SELECT to_number('0', '99.99'), to_number('.-01', 'S99.99'), to_number('.01-', '99.99S'), to_number(' . 0 1-', ' 9 9 . 9 9 S'), to_number('34,50','999,99'), to_number('123,000','999G');
SELECT to_number('123456','999G999'), to_number('$1234.56','L9,999.99'), to_number('$1234.56','L99,999.99'), to_number('$1,234.56','L99,999.99'), to_number('1234.56','L99,999.99'), to_number('1,234.56','L99,999.99');
SELECT to_number('42nd', '99th'), to_number('123456', 'S9G999G999'), to_number('1-', '9PL'), to_number('-1', 'SG9');
SELECT to_number('(5)', '9');
SELECT to_number('  -  1 2', 'S99');
SELECT to_number('12', ''), to_number('', ''), to_number(NULL, '99'), to_number('1', NULL);
SELECT to_number('1234', '99.99');
SELECT to_number('', '999');
SELECT to_number('abc', '999');
SELECT to_number('-', '9');
SELECT to_number('.', '9.9');
SELECT to_number('(5)', '9PR');
SELECT to_number(' - 5', 'S 9');
SELECT to_number('1e5', '9EEEE');
SELECT to_number('XIV', 'RN');
SELECT to_number('1.2.3', '9.9.9');
SELECT to_number('99', 'S9MI');
SELECT to_number('12345', '9');
-- round trips and NULL arguments
SELECT to_number(to_char(-1234.567, 'S9G999D999'), 'S9G999D999'), to_number(to_char(1234.567, 'FM9G999D999PR'), 'FM9G999D999PR'), to_number(to_char(-0.5, '0.9MI'), '0.9MI');
SELECT to_number(to_char(x, '999999.99'), '999999.99') FROM (VALUES (0::numeric), (-1.5), (123456.78), (0.01)) AS v(x) ORDER BY x;
SELECT to_char(NULL::numeric, '999'), to_char(1::int4, NULL), to_char(NULL::float8, NULL), to_char(NULL::int8, '9') IS NULL;
SELECT pg_typeof(to_char(1, '9')), pg_typeof(to_number('1', '9')), pg_typeof(to_char(1::real, '9')), pg_typeof(to_char(1::int8, '9'));
