-- Admin functions on a node without replication (--dev): a clear error, the session goes on.
SELECT helios_anti_entropy();
SELECT 1 AS still_serving;
BEGIN;
SELECT helios_anti_entropy();
SELECT 1;
ROLLBACK;
