-- doc-test: psql
-- A shopping cart per user as an aw_set: adds from two devices (or regions) merge, and an add
-- concurrent with a remove of the same item wins. Quantities are pn_counters per (user, item).
CREATE TABLE carts (user_id bigint PRIMARY KEY, items aw_set);
CREATE TABLE cart_qty (user_id bigint, item text, qty pn_counter, PRIMARY KEY (user_id, item));

-- An upsert per add: the first add creates the cart, later ones add to its set (a plain INSERT
-- of an existing cart would fail with 23505, as in PostgreSQL).
INSERT INTO carts VALUES (42, ARRAY['book'])
    ON CONFLICT (user_id) DO UPDATE SET items = carts.items || excluded.items;
INSERT INTO carts VALUES (42, ARRAY['lamp'])
    ON CONFLICT (user_id) DO UPDATE SET items = carts.items || excluded.items;
INSERT INTO cart_qty VALUES (42, 'book', 1), (42, 'lamp', 2);
UPDATE cart_qty SET qty = qty + 1 WHERE user_id = 42 AND item = 'book';

-- the user removes the lamp
BEGIN;
UPDATE carts SET items = array_remove(items, 'lamp') WHERE user_id = 42;
DELETE FROM cart_qty WHERE user_id = 42 AND item = 'lamp';
COMMIT;

SELECT items, cardinality(items) AS n FROM carts WHERE user_id = 42;
SELECT item, qty FROM cart_qty WHERE user_id = 42 ORDER BY item;
