/*
 * server/sql/sqlnotify.h — LISTEN / NOTIFY / UNLISTEN, delivered in every region.
 *
 * Design. PostgreSQL's semantics within a region, carried across regions by the log. A
 * transaction records its LISTEN / UNLISTEN actions and its NOTIFYs (sqlnotify_txn: in order,
 * duplicates of one channel and payload folded into the first, savepoints truncate it). At
 * commit the actions apply to the session (so a LISTEN of the same transaction hears its own
 * NOTIFY, as in PostgreSQL) and the NOTIFYs become items of the transaction's log entry
 * (logentry.h "Notifications"), durable with its data and replicated with it. Storage's writer
 * thread hands the notifications of every entry it applies, local or remote, to the hub once
 * the entry's group is durable and before any commit of that group is acknowledged
 * (storage.h opts.notify): so every region delivers them after the transaction's data is
 * visible there, in the order it applied the transactions (commit order for its own, causal
 * order for all), and exactly once per listening connection, because an entry is applied once.
 * pid: the sending session's in its own region, 0 elsewhere (the sender is not a process of
 * that server). A region brought up to date by a snapshot instead of the log does not see the
 * notifications of what the snapshot covered.
 *
 * The hub (one per executor) maps sessions to the channels they listen on. Dispatch (any
 * thread) copies each notification into the queue of every session listening on its channel
 * and calls that session's kick when its queue becomes non-empty; the session's wire layer
 * takes them (sqlnotify_pop) when the session is idle outside a transaction, as PostgreSQL
 * delivers them. Queues are bounded: a session whose queue passes SQLNOTIFY_SESS_MAX_BYTES, or
 * any queue when all of them hold SQLNOTIFY_HUB_MAX_BYTES, is marked overflowed, its queue is
 * dropped and it is kicked (the connection then ends with an error: a listener that stays
 * connected never misses a notification silently).
 *
 * Threads: a session's txn and its sqlnotify_sess calls other than dispatch run on the
 * session's thread; the hub's state (channels, queues) is guarded by the hub's mutex; kick is
 * called with it held and must only signal.
 */
#ifndef HELIOS_SQL_SQLNOTIFY_H
#define HELIOS_SQL_SQLNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/sql/sqlerr.h"
#include "storage/logentry.h"

#define SQLNOTIFY_TXN_MAX_BYTES (16u << 20)   /* NOTIFY channels + payloads per transaction */
#define SQLNOTIFY_SESS_MAX_BYTES (64u << 20)  /* queued for one session */
#define SQLNOTIFY_HUB_MAX_BYTES (1024u << 20) /* queued for all sessions together */

enum { SQLNOTIFY_LISTEN = 1, SQLNOTIFY_UNLISTEN, SQLNOTIFY_UNLISTEN_ALL };

typedef struct sqlnotify_action {
    int op;
    char *channel; /* NULL for UNLISTEN * */
} sqlnotify_action;

typedef struct sqlnotify_note {
    char *channel, *payload; /* one allocation: channel, NUL, payload, NUL */
    size_t clen, plen;
} sqlnotify_note;

/* What a transaction has done so far. Zeroed = empty. */
typedef struct sqlnotify_txn {
    sqlnotify_action *acts;
    int nacts, acap;
    sqlnotify_note *notes;
    size_t nnotes, ncap;
    size_t bytes;
    uint32_t *hash; /* open addressing over notes (index + 1), for folding; NULL below 16 */
    size_t hcap;
} sqlnotify_txn;

void sqlnotify_txn_clear(sqlnotify_txn *t);
/* LISTEN ch / UNLISTEN ch / UNLISTEN * (channel NULL). 0, or -1 out of memory. */
int sqlnotify_txn_action(sqlnotify_txn *t, int op, const char *channel);
/* NOTIFY channel, payload (payload NULL: empty). Checks as PostgreSQL's Async_Notify (22023
 * for an empty or too long channel, a too long payload); 54000 past SQLNOTIFY_TXN_MAX_BYTES. A
 * notification equal to one the transaction already sent is dropped. SQL_OK or SQL_ERR. */
int sqlnotify_txn_notify(sqlnotify_txn *t, const char *channel, const char *payload,
                         sqlerr *err);
/* Back to a savepoint's counts (ROLLBACK TO, a statement undone). */
void sqlnotify_txn_truncate(sqlnotify_txn *t, int nacts, size_t nnotes);

typedef struct sqlnotify_hub sqlnotify_hub;
typedef struct sqlnotify_sess sqlnotify_sess;

sqlnotify_hub *sqlnotify_hub_new(void);
void sqlnotify_hub_free(sqlnotify_hub *h); /* after every session's */
/* Fraction of SQLNOTIFY_HUB_MAX_BYTES queued (pg_notification_queue_usage). */
double sqlnotify_hub_usage(sqlnotify_hub *h);

/* kick(arg): the session's queue became non-empty, or it overflowed. NULL when out of memory. */
sqlnotify_sess *sqlnotify_sess_new(sqlnotify_hub *h, void (*kick)(void *arg), void *arg);
void sqlnotify_sess_free(sqlnotify_sess *s); /* unlistens everything, drops its queue */
/* Applies a committed transaction's actions, in order. 0, or -1 out of memory (the actions
 * before the failing one stay applied). */
int sqlnotify_sess_commit(sqlnotify_sess *s, const sqlnotify_txn *t);
/* UNLISTEN * at once (DISCARD ALL outside a transaction, the session's end). */
void sqlnotify_sess_unlisten_all(sqlnotify_sess *s);
/* The channels listened on, in the order they were first listened on: *out an array of
 * strings in one allocation (free(*out)), *n their number. 0, or -1 out of memory. */
int sqlnotify_sess_channels(sqlnotify_sess *s, char ***out, int *n);
bool sqlnotify_sess_overflowed(sqlnotify_sess *s);
bool sqlnotify_sess_pending(sqlnotify_sess *s);

typedef struct sqlnotify_msg {
    uint32_t pid;
    char *channel, *payload; /* one allocation, owned: sqlnotify_msg_free */
} sqlnotify_msg;
/* Takes the oldest queued notification: 1 (fill *m), 0 when none. */
int sqlnotify_pop(sqlnotify_sess *s, sqlnotify_msg *m);
void sqlnotify_msg_free(sqlnotify_msg *m);

/* Hands the LOGENTRY_NOTIFY items among items[0..n) to every session listening on their
 * channels, in order, as sent by pid. Any thread. Out of memory for one session marks it
 * overflowed. */
void sqlnotify_dispatch(sqlnotify_hub *h, uint32_t pid, const logentry_catalog *items, size_t n);
/* Whether any session listens on anything (remote entries are not decoded otherwise). */
bool sqlnotify_hub_active(sqlnotify_hub *h);

#endif
