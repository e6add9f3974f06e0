-- SQLSTATEs compared
-- GROUPING SETS, ROLLUP, CUBE and GROUPING(): grouping expressions read NULL in the rows of
-- a set that leaves them out; every set sees all input rows; the empty set gives its row even
-- over no input.
CREATE TABLE gs_sales (id int PRIMARY KEY, region text, city text, product text, qty int, price numeric, day date);
INSERT INTO gs_sales VALUES (1, 'east', 'boston', 'apple', 3, 1.50, '2026-01-05'), (2, 'east', 'boston', 'pear', 1, 2.00, '2026-01-20'), (3, 'east', 'nyc', 'apple', 5, 1.40, '2026-02-03'), (4, 'west', 'sf', 'apple', 2, 1.80, '2026-02-10'), (5, 'west', 'sf', 'plum', 7, 0.90, '2026-03-01'), (6, 'west', 'la', 'pear', 4, 2.10, '2026-03-15'), (7, NULL, NULL, 'apple', 1, 1.00, '2026-03-20'), (8, 'west', NULL, 'plum', 2, 0.95, NULL);
SELECT region, city, sum(qty) FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY region NULLS FIRST, city NULLS FIRST, 3;
SELECT region, city, sum(qty), grouping(region, city) AS g FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY g, region, city;
SELECT coalesce(region, 'all regions') AS r, count(*), sum(qty * price) FROM gs_sales GROUP BY ROLLUP (region) ORDER BY 1, 2, 3;
SELECT region, product, sum(qty) FROM gs_sales GROUP BY CUBE (region, product) ORDER BY 1, 2, 3;
SELECT region, product, count(*), grouping(product), grouping(region, product) FROM gs_sales GROUP BY CUBE (region, product) ORDER BY 4, 5, 1, 2;
SELECT region, city, product, sum(qty) FROM gs_sales GROUP BY GROUPING SETS ((region, city), (product), ()) ORDER BY 1, 2, 3;
SELECT region, city, sum(qty) FROM gs_sales GROUP BY region, ROLLUP (city) ORDER BY 1, 2, 3;
SELECT region, city, product, count(*) FROM gs_sales GROUP BY ROLLUP (region, (city, product)) ORDER BY 1, 2, 3;
SELECT region, product, count(*) FROM gs_sales GROUP BY ROLLUP (region), CUBE (product) ORDER BY 1, 2, 3;
SELECT region, count(*) FROM gs_sales GROUP BY GROUPING SETS (region, region) ORDER BY 1, 2;
SELECT count(*), sum(qty) FROM gs_sales GROUP BY GROUPING SETS (());
SELECT count(*) FROM gs_sales WHERE false GROUP BY GROUPING SETS (());
SELECT region, count(*) FROM gs_sales WHERE false GROUP BY ROLLUP (region);
SELECT region, count(*) FROM gs_sales WHERE false GROUP BY CUBE (region, city);
SELECT date_trunc('month', day) AS m, sum(qty) FROM gs_sales GROUP BY ROLLUP (date_trunc('month', day)) ORDER BY 1, 2;
SELECT upper(region), length(city), sum(qty) FROM gs_sales GROUP BY ROLLUP (upper(region), length(city)) ORDER BY 1, 2, 3;
SELECT region, sum(qty) FROM gs_sales GROUP BY ROLLUP (region) HAVING sum(qty) > 5 ORDER BY 1;
SELECT region, sum(qty) FROM gs_sales GROUP BY ROLLUP (region) HAVING region IS NULL ORDER BY 2;
SELECT region, city, sum(qty), rank() OVER (PARTITION BY grouping(region, city) ORDER BY sum(qty) DESC) FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY grouping(region, city), 4, 1, 2;
SELECT region || '/' || coalesce(city, '*') AS k, max(price) FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY 1, 2;
SELECT DISTINCT region FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY 1;
SELECT region, city, count(DISTINCT product), string_agg(product, ',' ORDER BY product) FROM gs_sales GROUP BY ROLLUP (region, city) ORDER BY 1, 2;
SELECT s.region, s.n FROM (SELECT region, count(*) AS n FROM gs_sales GROUP BY ROLLUP (region)) s WHERE s.region IS NULL OR s.n > 2 ORDER BY 1, 2;
SELECT grouping(region) FROM gs_sales GROUP BY region ORDER BY 1;
SELECT grouping(city) FROM gs_sales GROUP BY region;
SELECT grouping(region) FROM gs_sales;
SELECT region, city FROM gs_sales GROUP BY ROLLUP (region) ORDER BY 1, 2, 3;
SELECT * FROM (VALUES (1, 2), (1, 3), (2, 2)) v(a, b) GROUP BY CUBE (a, b) ORDER BY 1, 2;
SELECT a, b, c, d, count(*) FROM (VALUES (1, 2, 3, 4)) v(a, b, c, d) GROUP BY CUBE (a, b, c, d) ORDER BY 1, 2, 3, 4;
DROP TABLE gs_sales;
