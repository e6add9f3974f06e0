\set k random(1, 10000)
UPDATE s SET tags = array_append(tags, 'x' || :k) WHERE id = :k;
