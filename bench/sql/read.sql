\set k random(1, 10000)
SELECT * FROM c WHERE id = :k;
