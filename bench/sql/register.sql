\set k random(1, 10000)
UPDATE r SET v = 'v' || :k WHERE id = :k;
