/*
 * server/sql/sqllock.h — row write locks of one region's transactions.
 *
 * Why: a read-modify-write (`UPDATE t SET n = n + 1`, an INSERT that must see whether its key
 * exists, a DELETE ... RETURNING) is evaluated on the row the statement reads. Two open
 * transactions of one region that both read a row and then write it would otherwise both
 * build on the same old value and one update would be lost. PostgreSQL's READ COMMITTED makes
 * the second writer wait for the first to finish and then re-read the latest committed row;
 * HeliosDB does the same within a region: a statement takes the write lock of every row it
 * writes (except commutative CRDT operations, see sqlexec.h), keeps it until its transaction's
 * commit is durable or it rolls back, and a statement that finds a row locked by another
 * transaction is undone, waits, and runs again on the latest state.
 *
 * This module is only the lock table: which owner holds which (table id, primary key). Who
 * waits for whom, deadlock detection and wake-ups are the executor's (sqlexec.c). An owner is
 * one transaction's lock set; it outlives its session when the commit is in flight. Not
 * thread-safe: one loop thread uses it.
 */
#ifndef HELIOS_SERVER_SQL_SQLLOCK_H
#define HELIOS_SERVER_SQL_SQLLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqllock sqllock;
typedef struct sqllock_owner sqllock_owner;

/* NULL on out of memory. */
sqllock *sqllock_new(void);
/* Every owner must have been released first. */
void sqllock_del(sqllock *l);

/* A new, empty lock set; tag is the caller's (the waiting session), readable and settable
 * with sqllock_owner_tag / sqllock_owner_set_tag. NULL on out of memory. */
sqllock_owner *sqllock_owner_new(void *tag);
void *sqllock_owner_tag(const sqllock_owner *o);
void sqllock_owner_set_tag(sqllock_owner *o, void *tag);
/* Number of rows o holds. */
size_t sqllock_owner_count(const sqllock_owner *o);

/* Takes the lock of (table_id, pk) for o. Returns 0 when o holds it (now or already), 1 when
 * another owner does (*holder set), -1 on out of memory (nothing changed). */
int sqllock_acquire(sqllock *l, sqllock_owner *o, uint32_t table_id, const uint8_t *pk,
                    size_t pklen, sqllock_owner **holder);

/* Drops every lock of o and frees o. o may be NULL. */
void sqllock_release(sqllock *l, sqllock_owner *o);

#endif
