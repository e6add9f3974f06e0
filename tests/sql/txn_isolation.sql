-- Transaction characteristics: every isolation level is accepted (READ UNCOMMITTED is READ
-- COMMITTED; REPEATABLE READ and SERIALIZABLE with writers: tests/integration/
-- test_sql_isolation.py), READ ONLY too (tests/diff/txn_readonly.sql); read-only as the
-- session default is refused (0A000 with a hint), never accepted and ignored. SELECT ... FOR
-- UPDATE/SHARE takes row locks (concurrency: tests/integration/test_sql_locks.py).
\set VERBOSITY verbose
BEGIN ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW default_transaction_isolation;
ROLLBACK;
BEGIN READ ONLY;
CREATE TABLE ro_x (id int PRIMARY KEY);
ROLLBACK;
BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
COMMIT;
BEGIN ISOLATION LEVEL READ UNCOMMITTED;
ROLLBACK;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW default_transaction_isolation;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED;
SET default_transaction_isolation = 'serializable';
SET default_transaction_isolation = 'read committed';
SET default_transaction_read_only = on;
SET transaction_read_only = off;
SHOW default_transaction_isolation;
CREATE TABLE iso (id int PRIMARY KEY, n int);
SELECT * FROM iso WHERE id = 1 FOR UPDATE;
SELECT * FROM iso FOR SHARE SKIP LOCKED;
DROP TABLE iso;
