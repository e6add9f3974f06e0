-- Whole-row values (SQLSTATEs compared): a FROM item's name as a value (row_to_json(t), to_json,
-- to_jsonb, json_agg / jsonb_agg of rows, SELECT t FROM t), ROW(...) and field selection.
-- Elsewhere (compared, tested, in a subquery's column) a whole row is refused: tests/sql/unsupported.
CREATE TABLE tt (a int, b text, c boolean, PRIMARY KEY (a));
INSERT INTO tt VALUES (1, 'x y', true), (2, NULL, false), (3, 'q"(,)', NULL);
SELECT row_to_json(tt) FROM tt ORDER BY a;
SELECT to_json(t) FROM tt t ORDER BY a;
SELECT to_jsonb(t) FROM tt t ORDER BY a;
SELECT json_agg(t) FROM (SELECT * FROM tt ORDER BY a) t;
SELECT jsonb_agg(t ORDER BY a) FROM tt t;
SELECT tt FROM tt ORDER BY a;
SELECT t, t.a FROM tt t ORDER BY a;
SELECT ROW(1, 'a b', NULL);
SELECT row_to_json(ROW(1, 'a'));
SELECT (t).b FROM tt t ORDER BY a;
SELECT (ROW(1, 2)).f2;
SELECT (t).nothere FROM tt t;
SELECT row_to_json(r) FROM (SELECT a AS id, upper(b) AS name FROM tt WHERE a < 3) r ORDER BY 1::text;
SELECT json_agg(r) FROM (SELECT a, b FROM tt ORDER BY a DESC) r;
SELECT nothere FROM tt;
SELECT row_to_json(s) FROM (SELECT a, b IS NULL AS missing, a * 1.5 AS half FROM tt) s ORDER BY 1::text;
SELECT a, (SELECT row_to_json(u) FROM tt u WHERE u.a = t.a + 1) FROM tt t ORDER BY a;
SELECT row_to_json(tt, true) FROM tt WHERE a = 1;
SELECT row_to_json(tt, false) FROM tt WHERE a = 1;
SELECT to_jsonb(ROW(1, 'x', NULL));
DROP TABLE tt;
