\set k random(1, 10000)
UPDATE c SET n = n + 1 WHERE id = :k;
