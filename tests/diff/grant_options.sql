-- WITH GRANT OPTION and WITH ADMIN OPTION (SQLSTATEs compared): a grantee passes a privilege on,
-- REVOKE ... CASCADE / RESTRICT follows the grants made with it, GRANT OPTION FOR, warnings when
-- nothing (or not everything) could be granted or revoked, and the catalogs that show it.
DROP ROLE IF EXISTS rgo_a;
DROP ROLE IF EXISTS rgo_b;
DROP ROLE IF EXISTS rgo_c;
DROP ROLE IF EXISTS rgo_g;
CREATE ROLE rgo_a;
CREATE ROLE rgo_b;
CREATE ROLE rgo_c;
CREATE ROLE rgo_g;
CREATE TABLE rgo_t (id int PRIMARY KEY, v text);
INSERT INTO rgo_t VALUES (1, 'one');
GRANT SELECT, INSERT ON rgo_t TO rgo_a WITH GRANT OPTION;
GRANT UPDATE ON rgo_t TO rgo_a;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
GRANT SELECT ON rgo_t TO PUBLIC WITH GRANT OPTION;
SELECT has_table_privilege('rgo_a', 'rgo_t', 'SELECT WITH GRANT OPTION'), has_table_privilege('rgo_a', 'rgo_t', 'UPDATE WITH GRANT OPTION'), has_table_privilege('rgo_b', 'rgo_t', 'SELECT WITH GRANT OPTION');
-- the grantee passes it on
SET ROLE rgo_a;
GRANT SELECT ON rgo_t TO rgo_b WITH GRANT OPTION;
GRANT UPDATE ON rgo_t TO rgo_b;
GRANT SELECT, UPDATE ON rgo_t TO rgo_c;
GRANT ALL ON rgo_t TO rgo_c;
GRANT DELETE ON rgo_t TO rgo_c;
RESET ROLE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
SET ROLE rgo_b;
SELECT * FROM rgo_t;
GRANT SELECT ON rgo_t TO rgo_c;
INSERT INTO rgo_t VALUES (2, 'two');
RESET ROLE;
SET ROLE rgo_c;
SELECT * FROM rgo_t;
GRANT SELECT ON rgo_t TO rgo_g;
REVOKE SELECT ON rgo_t FROM rgo_b;
RESET ROLE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
-- a revoke by someone who granted nothing to that grantee changes nothing
SET ROLE rgo_b;
REVOKE SELECT ON rgo_t FROM rgo_a;
RESET ROLE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
-- the owner's revoke of the grant option: RESTRICT refuses while others hold what was passed on
REVOKE GRANT OPTION FOR SELECT ON rgo_t FROM rgo_a;
REVOKE GRANT OPTION FOR SELECT ON rgo_t FROM rgo_a RESTRICT;
REVOKE SELECT ON rgo_t FROM rgo_a;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
REVOKE GRANT OPTION FOR SELECT ON rgo_t FROM rgo_a CASCADE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
SELECT has_table_privilege('rgo_a', 'rgo_t', 'SELECT'), has_table_privilege('rgo_a', 'rgo_t', 'SELECT WITH GRANT OPTION'), has_table_privilege('rgo_b', 'rgo_t', 'SELECT'), has_table_privilege('rgo_c', 'rgo_t', 'SELECT');
-- a plain GRANT keeps a grant option already held
GRANT INSERT ON rgo_t TO rgo_a;
SELECT has_table_privilege('rgo_a', 'rgo_t', 'INSERT WITH GRANT OPTION');
SET ROLE rgo_a;
GRANT INSERT ON rgo_t TO rgo_b;
RESET ROLE;
REVOKE INSERT ON rgo_t FROM rgo_a CASCADE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
-- through a role's membership
GRANT SELECT ON rgo_t TO rgo_g WITH GRANT OPTION;
GRANT rgo_g TO rgo_b;
SET ROLE rgo_b;
GRANT SELECT ON rgo_t TO rgo_c;
RESET ROLE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
REVOKE SELECT ON rgo_t FROM rgo_g;
REVOKE SELECT ON rgo_t FROM rgo_g CASCADE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_t';
REVOKE rgo_g FROM rgo_b;
-- sequences and schema public
CREATE SEQUENCE rgo_s;
GRANT USAGE ON SEQUENCE rgo_s TO rgo_a WITH GRANT OPTION;
SET ROLE rgo_a;
GRANT USAGE ON SEQUENCE rgo_s TO rgo_b;
GRANT SELECT ON SEQUENCE rgo_s TO rgo_b;
RESET ROLE;
SELECT relacl FROM pg_class WHERE relname = 'rgo_s';
DROP SEQUENCE rgo_s;
-- WITH ADMIN OPTION: a member that may grant the role on
GRANT rgo_g TO rgo_a WITH ADMIN OPTION;
SELECT r.rolname, m.rolname, admin_option FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE r.rolname LIKE 'rgo%' ORDER BY 1, 2;
SELECT pg_has_role('rgo_a', 'rgo_g', 'USAGE WITH ADMIN OPTION'), pg_has_role('rgo_a', 'rgo_g', 'MEMBER WITH GRANT OPTION'), pg_has_role('rgo_b', 'rgo_g', 'USAGE WITH ADMIN OPTION');
SET ROLE rgo_a;
GRANT rgo_g TO rgo_b;
GRANT rgo_g TO rgo_c WITH ADMIN OPTION;
GRANT rgo_b TO rgo_c;
REVOKE rgo_g FROM rgo_c;
RESET ROLE;
SET ROLE rgo_b;
GRANT rgo_g TO rgo_c;
RESET ROLE;
SELECT r.rolname, m.rolname, admin_option FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE r.rolname LIKE 'rgo%' ORDER BY 1, 2;
REVOKE ADMIN OPTION FOR rgo_g FROM rgo_a;
SELECT r.rolname, m.rolname, admin_option FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE r.rolname LIKE 'rgo%' ORDER BY 1, 2;
SET ROLE rgo_a;
GRANT rgo_g TO rgo_c;
RESET ROLE;
GRANT rgo_g TO PUBLIC;
-- information_schema
SELECT grantee, privilege_type, is_grantable FROM information_schema.role_table_grants WHERE table_name = 'rgo_t' ORDER BY 1, 2;
DROP TABLE rgo_t;
DROP ROLE rgo_a;
DROP ROLE rgo_b;
DROP ROLE rgo_c;
DROP ROLE rgo_g;
