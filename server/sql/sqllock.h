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
 * Table locks (LOCK TABLE, and the lock every statement takes on the tables it uses) live here
 * too, with PostgreSQL's eight modes and their conflict table: an owner holds a set of modes per
 * table, and a mode is granted unless another owner holds a mode it conflicts with.
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

/* PostgreSQL's table lock modes, weakest first (their numbers are PostgreSQL's too). */
enum {
    SQLLOCK_ACCESS_SHARE = 1,      /* SELECT */
    SQLLOCK_ROW_SHARE,             /* SELECT ... FOR UPDATE / FOR SHARE */
    SQLLOCK_ROW_EXCLUSIVE,         /* INSERT, UPDATE, DELETE, COPY FROM */
    SQLLOCK_SHARE_UPDATE_EXCLUSIVE, /* VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY, COMMENT */
    SQLLOCK_SHARE,                 /* CREATE INDEX */
    SQLLOCK_SHARE_ROW_EXCLUSIVE,   /* ALTER TABLE ADD FOREIGN KEY */
    SQLLOCK_EXCLUSIVE,
    SQLLOCK_ACCESS_EXCLUSIVE,      /* DROP, TRUNCATE, ALTER TABLE; LOCK TABLE's default */
};
#define SQLLOCK_NMODES 9 /* modes are 1..8 */

/* The modes `mode` conflicts with, as a mask of bits 1u << m. */
unsigned sqllock_conflicts(int mode);
/* PostgreSQL's name of a mode ("AccessShareLock"); NULL for a number that is no mode. */
const char *sqllock_mode_name(int mode);

/* Takes table lock `mode` on table_id for o: 0 when o holds it (now or already), 1 when another
 * owner holds a conflicting mode (*holder set to one of them; nothing changed), -1 on out of
 * memory. */
int sqllock_table_acquire(sqllock *l, sqllock_owner *o, uint32_t table_id, int mode,
                          sqllock_owner **holder);
/* The modes (mask of 1u << m) owners other than `except` (NULL: none excepted) hold on table_id. */
unsigned sqllock_table_modes(const sqllock *l, uint32_t table_id, const sqllock_owner *except);
/* The modes o holds on table_id. */
unsigned sqllock_owner_table_modes(const sqllock_owner *o, uint32_t table_id);
/* Calls fn for every table lock of l: owner, table, mask of modes held. */
typedef void (*sqllock_table_fn)(void *ctx, const sqllock_owner *o, uint32_t table_id,
                                 unsigned modes);
void sqllock_tables_each(const sqllock *l, sqllock_table_fn fn, void *ctx);

/* Drops every lock of o and frees o. o may be NULL. */
void sqllock_release(sqllock *l, sqllock_owner *o);

#endif
