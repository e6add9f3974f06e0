\set id random(1, 100000)
SELECT :id::int AS v;
