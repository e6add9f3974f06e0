-- Transaction characteristics HeliosDB does not give are refused (0A000 with a hint), never
-- accepted and ignored; READ COMMITTED is accepted, and READ ONLY (then REPEATABLE READ too:
-- tests/diff/txn_readonly.sql). SELECT ... FOR
-- UPDATE/SHARE takes row locks (concurrency: tests/integration/test_sql_locks.py).
\set VERBOSITY verbose
BEGIN ISOLATION LEVEL SERIALIZABLE;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ;
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
