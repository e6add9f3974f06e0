-- doc-test: psql
-- Feature flags with per-region overrides: the global defaults and each region's overrides are
-- lww_maps, so operators in different regions can flip different flags at the same time and
-- both changes survive. The effective flags are the defaults merged with the region's overrides.
CREATE TABLE flag_sets (scope text PRIMARY KEY, flags lww_map, changed_by text);
INSERT INTO flag_sets VALUES
  ('global', '{"new_checkout": false, "dark_mode": true, "max_upload_mb": 10}', 'ops'),
  ('eu-west-1', '{"new_checkout": true}', 'eu-oncall');

-- Flip one flag and add another without touching the rest.
UPDATE flag_sets SET flags = flags || '{"max_upload_mb": 25, "search_v2": true}',
                     changed_by = 'release-bot'
 WHERE scope = 'global';
-- Remove an override: the region falls back to the global value.
UPDATE flag_sets SET flags = flags - 'new_checkout' WHERE scope = 'eu-west-1';
UPDATE flag_sets SET flags = jsonb_set(flags, '{dark_mode}', 'false') WHERE scope = 'eu-west-1';

SELECT scope, flags, changed_by FROM flag_sets ORDER BY scope;

-- Effective flags for eu-west-1: the application merges the two rows, the region's overrides
-- last (joins and subqueries are not supported; see docs/sql-reference.md).
SELECT scope, flags FROM flag_sets WHERE scope IN ('global', 'eu-west-1')
 ORDER BY scope = 'eu-west-1';

-- One flag as text, for an application that reads a single key.
SELECT flags ->> 'max_upload_mb' AS max_upload_mb FROM flag_sets WHERE scope = 'global';
