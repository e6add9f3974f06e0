-- Text output of every type and the casts between them, NULLs included (issue 14).
-- Run on PostgreSQL 15 and HeliosDB by tests/integration/test_sql_differential.py.
-- float8: shortest exact digits; fixed notation for decimal exponents -4..14
SELECT 1000000::float8, 1e15::float8, 1e14::float8, 999999999999999::float8;
SELECT 123456789012345678::float8, 0.0001::float8, 0.00001::float8, 1.5e-7::float8;
SELECT 0.1::float8, 0.1::float8 + 0.2::float8, 1 / 3::float8, 2.5::float8 * 4;
SELECT 1e23::float8, 1e22::float8, 30892612233637952::float8, 9007199254740993::float8;
SELECT 5e-324::float8, 2.2250738585072014e-308::float8, 1.7976931348623157e308::float8;
SELECT '-0'::float8, -0.0::float8, '1e-320'::float8, ' 1.5 '::float8, '+2'::float8;
SELECT 'NaN'::float8, 'nan'::float8, 'Infinity'::float8, '-inf'::float8, ' infinity '::float8;
SELECT '1e400'::float8;
SELECT '1e-400'::float8;
SELECT 'abc'::float8;
SELECT ''::float8;
-- float4: fixed notation for decimal exponents -4..5
SELECT 1e6::float4, 100000::float4, 999999::float4, 1234567::float4, 16777217::float4;
SELECT 0.1::float4, 1.1::float4 + 2.2::float4, 3.14159::float4, 1e-5::float4, 0.0001::float4;
SELECT 127138304::float4, 54670048::float4, '1e-45'::float4, '1.17549435e-38'::float4;
SELECT 3.4028235e38::float4, '3.4028235e38'::float4, '-0'::float4, 'NaN'::float4, '-Infinity'::float4;
SELECT '1e39'::float4;
SELECT '3.40282357e38'::float4;
SELECT '1e-46'::float4;
-- casts from and to floats
SELECT 1000000::float8::text, 1e15::float4::text, 0.1::float4::float8, 1e6::float8::float4;
SELECT 0.30000000000000004::float8::numeric, (1 / 3.0::float8)::numeric, 1e20::float8::numeric;
SELECT 0.1::float4::numeric, 16777217::float4::numeric, 123456789::float4::numeric;
SELECT 2.5::float8::int, 3.5::float8::int, -2.5::float8::bigint, 1e6::float4::int;
SELECT 1e10::float8::int;
SELECT 12345678901234567890::numeric::float8, 0.1::numeric::float4, '1e-5'::numeric::float8;
SELECT 42::float8, 42::float4, 9007199254740993::bigint::float8;
-- numeric
SELECT 2.50::numeric, 1e2::numeric, 1.50e1::numeric, '-0'::numeric, '-0.00'::numeric;
SELECT '1e-7'::numeric, ' 12.5 '::numeric, '.5'::numeric, '5.'::numeric, '1.23E+2'::numeric;
SELECT '12345678901234567890.12345678901234567890'::numeric, 'NaN'::numeric;
SELECT length('1e1001'::numeric::text), length('1e-16383'::numeric::text);
SELECT 'abc'::numeric;
SELECT '1e-16384'::numeric;
-- integers
SELECT 0::int2, -32768::int2, 2147483647::int4, -9223372036854775808::int8, ' 7 '::int8;
SELECT '2147483648'::int4;
SELECT 1.5::int, -1.5::int, '7'::int2 + 1;
-- jsonb: numbers keep numeric's text
SELECT '2.50'::jsonb, '1e2'::jsonb, '1.50e1'::jsonb, '-0'::jsonb, '-0.0'::jsonb, '0.1'::jsonb;
SELECT '12345678901234567890123'::jsonb, '1e-7'::jsonb, '100e-2'::jsonb, '1.0e-2'::jsonb;
SELECT '[1.0, 2e0, -0.0, 1E-3, 0.000001e6]'::jsonb;
SELECT '{"b": 1, "aa": [1.10, {"z": null, "a": true}], "a": 2.50, "b": false}'::jsonb;
SELECT '"\u00e9\ud83d\ude00\/\b\f\n\r\t\u001f\"\\"'::jsonb;
SELECT ' [ 1 , "x" , null ] '::jsonb, '[]'::jsonb, '{}'::jsonb, '""'::jsonb;
SELECT '2.50'::jsonb::text, '{"a":1}'::jsonb::text;
-- bool and text
SELECT true, false, 't'::boolean, 'yes'::boolean, 'off'::boolean, ' TRUE '::boolean;
SELECT true::text, 1::boolean, 0::boolean, 'ab'::text || 'c', ''::text;
SELECT 'maybe'::boolean;
-- NULL of every type
SELECT NULL::float8, NULL::float4, NULL::numeric, NULL::int, NULL::bigint, NULL::jsonb;
SELECT NULL::boolean, NULL::text, NULL::float8 IS NULL, NULL::jsonb IS NULL;
SELECT NULL::float8::text, NULL::text::float8, NULL::numeric::float4, NULL::text::jsonb IS NULL;
SELECT COALESCE(NULL::float8, 1e15), COALESCE(NULL::jsonb, '2.50'), COALESCE(NULL::float4, 1e6);
