-- Regular expressions (sqlregex.h, on PCRE2) and the functions around them, compared with
-- PostgreSQL 15 (SQLSTATEs and messages too): ~ ~* !~ with ARE escapes (\d \m \M), SIMILAR TO
-- [ESCAPE], substring FROM / SIMILAR, regexp_match, regexp_matches (SRF, in FROM and the select
-- list), regexp_replace (groups, \&, g, start and N), regexp_split_to_array / _table, regexp_like,
-- regexp_count, flags and their errors; format() and the sha2 family.
SELECT 'abc' SIMILAR TO 'a%', 'abc' NOT SIMILAR TO 'a_', 'a.c' SIMILAR TO 'a.c', 'abc' SIMILAR TO 'a.c';
SELECT 'abc' SIMILAR TO '(a|x)(b|y)c', 'abd' SIMILAR TO 'ab[cd]', 'a%c' SIMILAR TO 'a#%c' ESCAPE '#';
SELECT substring('foobar' similar '#"o_b#"%' escape '#');
SELECT similar_to_escape('a%b_c'), similar_to_escape('x#"y#"z', '#');
SELECT regexp_match('foo bar baz', 'ba(.)'), regexp_match('foo', 'x'), regexp_match('abc', '(x)?(b)');
SELECT regexp_replace('Thomas', '.[mN]a.', 'M'), regexp_replace('hello world', 'o', '0', 'g'), regexp_replace('abc', 'x*', '-', 'g');
SELECT regexp_replace('foobarbaz', 'b(..)', 'X\1Y', 'g'), regexp_replace('abc', 'b', '[\&]'), regexp_replace('a\b', 'b', '\\');
SELECT regexp_replace('A PostgreSQL function', 'a|e|i|o|u', 'X', 1, 0, 'i'), regexp_replace('A PostgreSQL function', 'a|e|i|o|u', 'X', 1, 3, 'i');
SELECT regexp_split_to_array('hello world  foo', '\s+'), regexp_split_to_array('abc', ''), regexp_split_to_array('a,b,,c', ',');
SELECT regexp_like('Hello', 'h', 'i'), regexp_count('ABCABCAXYaxy', 'A.'), regexp_count('ABCABCAXYaxy', 'A.', 1, 'i');
SELECT '2024' ~ '^\d{4}$', 'foo bar' ~ '\mbar\M', 'x' ~* 'X', 'a\nb' ~ 'a.b', E'a\nb' ~ 'a.b', E'a\nb' ~ '^b';
SELECT substring('abc123def' from '[0-9]+'), substring('abc123def' from 'c([0-9])');
SELECT format('%s-%I-%L', 'a', 'B c', 'd''e'), format('%1$s %1$s %2$s', 'x', 'y'), format('|%5s|%-5s|', 'ab', 'cd'), format('%L %s', NULL, NULL), format('%%');
SELECT format('%*s|', 6, 'ab'), format('Testing %3$s, %2$s, %s', 'one', 'two', 'three'), format(NULL);
SELECT sha256('abc'::bytea), sha224('abc'), sha512(''::bytea) IS NOT NULL, sha384('x') IS NOT NULL;
SELECT regexp_replace('abc', '(', 'x');
SELECT regexp_match('abc', 'b', 'g');
SELECT regexp_replace('abc', 'b', 'x', 'z');
SELECT format('%d', 1);
SELECT format('%s %s', 1);
SELECT format('%I', NULL);
SELECT 'x' SIMILAR TO 'x' ESCAPE 'ab';
SELECT regexp_count('abc', 'b', 0);
SELECT regexp_matches('foobarbequebazilbarfbonk', '(b[^b]+)(b[^b]+)', 'g');
SELECT regexp_matches('abc', 'b');
SELECT regexp_matches('abc', 'x');
SELECT regexp_matches('a1b22c333', '\d+', 'g');
SELECT * FROM regexp_matches('k1=v1,k2=v2', '(\w+)=(\w+)', 'g') AS m;
SELECT regexp_split_to_table('the quick  brown fox', '\s+');
SELECT x, ordinality FROM regexp_split_to_table('a,b,c', ',') WITH ORDINALITY AS t(x);
SELECT m[1], m[2] FROM regexp_matches('a=1 b=2', '(\w)=(\d)', 'g') AS m;
SELECT regexp_matches('a"b c', '(.)"(.)');
SELECT substring('foobar' similar '%#"o_b#"%' escape '#');
SELECT regexp_split_to_table('abc', 'b', 'g');
SELECT 'a' ~ '[a-'; 
SELECT 'x' ~ 'a{3,2}';
SELECT regexp_replace('2024-01-05', '(\d+)-(\d+)-(\d+)', '\3/\2/\1');
SELECT regexp_replace(E'line1\nline2', '^line', 'L', 'gn'), regexp_count(E'a\nb\nc', '^', 1, 'n');
SELECT name FROM (VALUES ('alice'), ('bob'), ('carol')) v(name) WHERE name ~ '^[a-c].*[el]$' ORDER BY 1;
SELECT regexp_instr('abcabc', 'c'), regexp_instr('abcabc', 'c', 1, 2), regexp_instr('abcabc', 'b', 1, 1, 1), regexp_instr('ABC', 'b', 1, 1, 0, 'i'), regexp_instr('a1b22', '(\d)(\d)', 1, 1, 0, '', 2);
SELECT regexp_substr('abc123def456', '\d+'), regexp_substr('abc123def456', '\d+', 1, 2), regexp_substr('abc123', '(\w)(\d)', 1, 1, '', 2), regexp_substr('x', 'y');
SELECT regexp_instr('héllo wörld', 'w'), regexp_substr('héllo wörld', 'ö.', 3), regexp_instr('abc', 'b', 1, 1, 0, '', 5), regexp_substr('abc', '(x)?b', 1, 1, '', 1);
SELECT regexp_instr('abc', 'b', 0);
SELECT regexp_instr('abc', 'b', 1, 0);
SELECT regexp_instr('abc', 'b', 1, 1, 2);
SELECT regexp_substr('abc', 'b', 1, 1, 'g');
SELECT regexp_substr('abc', 'b', 1, 1, '', -1);
