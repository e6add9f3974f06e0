-- doc-test: psql
-- A collaborative tag list: several editors (in any region) tag the same article. Tags are an
-- or_set, so a tag added by one editor while another removes it survives (add wins), and the
-- state keeps who added what (the tag's dot: node id and commit) and what was removed.
CREATE TABLE articles (id bigint PRIMARY KEY, title text, tags or_set);
INSERT INTO articles VALUES (1, 'Edge caching', ARRAY['cdn', 'http']);

-- Editors add tags one at a time or several at once; adding a tag twice keeps it once.
UPDATE articles SET tags = array_append(tags, 'performance') WHERE id = 1;
UPDATE articles SET tags = tags || ARRAY['latency', 'cdn'] WHERE id = 1;
UPDATE articles SET tags = array_remove(tags, 'http') WHERE id = 1;
SELECT id, title, tags FROM articles;

-- Search by tag: the column reads as text[], so array operators work.
SELECT id, title FROM articles WHERE 'latency' = ANY(tags);

-- The removed tag is a tombstone until every region has seen the remove.
SELECT helios_crdt_state(tags) FROM articles WHERE id = 1;

-- Replacing the whole list removes every tag this region has seen, then adds the new ones.
UPDATE articles SET tags = ARRAY['caching', 'cdn'] WHERE id = 1;
SELECT tags FROM articles WHERE id = 1;
