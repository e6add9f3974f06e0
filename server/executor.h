/*
 * server/executor.h — the interface between the wire layer (server/conn.c, server/session.c)
 * and what executes SQL: the SQL layer (server/sql/sqlexec.h: libpg_query, the relational
 * engine, CRDT storage).
 *
 * Division of labour:
 *  - The wire layer owns the protocol: framing, authentication, statement and portal *names*
 *    (the per-connection tables), Describe, Sync/skip-to-Sync, binary <-> text conversion of
 *    parameters and results (proto/pgtypes.h), ReadyForQuery, and the order of messages.
 *  - The executor owns the SQL: parsing, parameter type inference, result columns, running
 *    statements, transaction state (for ReadyForQuery I/T/E), session settings (SET/SHOW/RESET,
 *    and which ones are reported with ParameterStatus), statement_timeout and cancellation.
 *    Values cross the interface in PostgreSQL's canonical TEXT form only.
 *
 * Objects: one `executor` per process (created in main: sqlexec_new), one
 * `executor_session` per authenticated connection, `executor_stmt` (a prepared statement) and
 * `executor_portal` (a bound statement with its execution cursor). All are opaque to the wire
 * layer and created/destroyed through the ops table; the wire layer destroys portals before the
 * statements they were bound from, and both before their session.
 *
 * Results go through an executor_sink the wire layer implements (it encodes messages as they
 * come). Sink callbacks return 0, or a negative value when the connection's output failed; the
 * executor should then stop producing rows and return EXEC_ERROR (err may be left empty).
 *
 * Return codes of the running operations (simple_query, execute, sync, resume):
 *   EXEC_DONE       finished; for execute: CommandComplete was sent through the sink
 *   EXEC_SUSPENDED  execute only: max_rows rows were sent and more remain (PortalSuspended)
 *   EXEC_ERROR      *err is filled; processing of this query / until Sync stops
 *   EXEC_PENDING    the operation waits for something asynchronous (a durable commit on the
 *                   storage thread, a timer). The wire layer stops reading this connection's
 *                   input (keeping what is buffered) until the executor calls the session's
 *                   wake(wake_arg) from a libuv callback on the loop thread; the wire layer then
 *                   calls ops->resume(), which continues the SAME operation and returns one of
 *                   these codes as the original call would have. Between PENDING and wake the
 *                   wire layer calls nothing but cancel() (and session_del when the client is
 *                   gone: the executor must then drop the pending work without calling wake).
 *   EXEC_PENDING_OUTPUT  (simple_query, execute, resume) the executor stopped producing rows
 *                   because sink->output_full() returned true; it keeps the statement's state
 *                   (its storage iterator: one consistent snapshot however often it pauses).
 *                   The wire layer flushes its output, stops reading input, and calls
 *                   ops->resume() itself (nobody calls wake) once the connection's output
 *                   drained below its low watermark; resume continues the SAME operation and
 *                   returns like the original call. Between, as for PENDING, only cancel()
 *                   (honoured when the statement resumes) and session_del (drops the
 *                   statement). statement_timeout keeps running while paused: a client that
 *                   stops reading for longer gets 57014 when the statement resumes.
 *
 * Large results: an executor should stream (send rows as it produces them and check
 * output_full every row) rather than materialise; the SQL executor does so for SELECTs without
 * ORDER BY, aggregates or GROUP BY (server/sql/sqlrun.c), the rest is collected first.
 *
 * Simple query: the whole string goes to simple_query(); the executor splits it into statements
 * and runs them in order with PostgreSQL's implicit-transaction rules (several statements
 * outside BEGIN run as one implicit transaction; an error stops the rest). For each statement it
 * emits row_description (if it returns rows), data_row*, then command_complete; an empty string
 * emits empty_query. The wire layer sends ErrorResponse for EXEC_ERROR, then ReadyForQuery with
 * txn_status().
 *
 * Extended query: prepare() parses ONE statement with the client's parameter OIDs (0 = infer)
 * and reports, through stmt_describe(), every parameter's OID and the result columns (or "no
 * data"). bind() receives parameters in text form (the wire layer converted binary ones using
 * the described OIDs) and returns a portal; execute(portal, max_rows) emits data_row* and, when
 * finished, command_complete (0 = all rows). Nothing is committed before sync(), which ends an
 * implicit transaction (it may return EXEC_PENDING while that commit becomes durable). When the
 * wire layer itself rejects a message after an executor call succeeded (unknown portal, a binary
 * parameter that does not decode), it calls note_error() so the executor marks the transaction
 * failed exactly as if one of its own calls had failed.
 *
 * Threading: everything runs on the libuv loop thread. cancel() may be called at any time
 * (from the connection that received a CancelRequest), including while PENDING; the executor
 * then finishes the current statement as soon as possible with 57014 "canceling statement due
 * to user request".
 */
#ifndef HELIOS_SERVER_EXECUTOR_H
#define HELIOS_SERVER_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* EXEC_COPY_IN (simple_query / resume / copy_in DONE only): the executor sent CopyInResponse
   through sink->copy_begin; the wire layer passes CopyData/CopyDone/CopyFail to ops->copy_in
   until it returns something other than EXEC_COPY_IN. */
enum {
    EXEC_DONE = 0,
    EXEC_ERROR = -1,
    EXEC_PENDING = 1,
    EXEC_SUSPENDED = 2,
    EXEC_COPY_IN = 3,
    EXEC_PENDING_OUTPUT = 4,
};
/* ops->copy_in `what` */
enum { EXEC_COPY_DATA = 1, EXEC_COPY_DONE, EXEC_COPY_FAIL };

#define EXECUTOR_MSG_MAX 512
#define EXECUTOR_AUX_MAX 256
#define EXECUTOR_DETAIL_MAX 1024
#define EXECUTOR_NAME_MAX 64 /* NAMEDATALEN */
/* named prepared statements one connection may hold, SQL PREPARE's and the protocol's */
#define EXECUTOR_MAX_STATEMENTS 10000

/* An error or notice as PostgreSQL reports it. Empty strings mean "absent". Fixed-size so that
   reporting out-of-memory needs no memory (same shape as server/sql/sqlerr.h). */
typedef struct executor_error {
    char severity[10]; /* "" = ERROR (errors) / NOTICE (notices); else "FATAL", "WARNING"... */
    char code[6];      /* SQLSTATE */
    char message[EXECUTOR_MSG_MAX];
    char detail[EXECUTOR_DETAIL_MAX];
    char hint[EXECUTOR_AUX_MAX];
    int position; /* 1-based character position in the query, 0 = none */
    /* the object of an integrity error: ErrorResponse fields s, t, c, n ("" = absent) */
    char schema[64], table[64], column[64], constraint[64];
    char context[EXECUTOR_AUX_MAX]; /* ErrorResponse W ("" = absent) */
} executor_error;

/* printf-style fill of code + message (clears the rest). Returns EXEC_ERROR. */
int executor_error_set(executor_error *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A result column. */
typedef struct executor_column {
    char name[EXECUTOR_NAME_MAX];
    uint32_t type_oid;  /* proto/pgtypes.h PGTYPE_* */
    int16_t typlen;     /* pg_type.typlen: -1 varlena */
    int32_t typmod;     /* -1 none */
    uint32_t table_oid; /* 0 unless the column is a table column */
    int16_t attnum;     /* 0 unless the column is a table column */
} executor_column;

typedef struct executor_stmt executor_stmt;
typedef struct executor_sink executor_sink;
struct executor_sink {
    /* Simple query only (in the extended protocol the wire layer sends RowDescription on
       Describe, from stmt_describe / portal_describe). */
    int (*row_description)(executor_sink *s, const executor_column *cols, int n);
    /* values[i] NULL = SQL NULL; lens[i] bytes of text (not NUL-terminated necessarily). */
    int (*data_row)(executor_sink *s, int n, const char *const *values, const size_t *lens);
    int (*command_complete)(executor_sink *s, const char *tag); /* "SELECT 3", "INSERT 0 1" */
    int (*empty_query)(executor_sink *s);
    int (*notice)(executor_sink *s, const executor_error *notice);
    /* A reported setting changed (SET application_name, SET TimeZone ...). */
    int (*parameter_status)(executor_sink *s, const char *name, const char *value);
    /* COPY (simple query only): CopyInResponse (in) or CopyOutResponse, text format; then
       CopyData messages (COPY TO) and CopyDone. */
    int (*copy_begin)(executor_sink *s, bool in, int ncols, bool binary);
    int (*copy_data)(executor_sink *s, const void *data, size_t len);
    int (*copy_done)(executor_sink *s);
    /* Backpressure (may be NULL: never full): true when the connection's unsent output is at
       or above its high watermark; the executor then returns EXEC_PENDING_OUTPUT. */
    bool (*output_full)(executor_sink *s);
    /* DEALLOCATE name (name != NULL), DEALLOCATE ALL and DISCARD ALL (name NULL): drops the
       connection's prepared statements (SQL's and the protocol's share one namespace, as in
       PostgreSQL) and, with portals_too, its portals; what the running Execute uses stays.
       Returns 0, or 1 when `name` is not a prepared statement (26000). May be NULL. */
    int (*statements_drop)(executor_sink *s, const char *name, bool portals_too);
    /* SQL PREPARE / EXECUTE and pg_prepared_statements use the connection's named statements:
       one namespace with the protocol's, as in PostgreSQL (an EXECUTE runs a statement a
       Parse made, a Bind binds one PREPARE made). statement_add hands st (from ops->prepare)
       to the wire layer under name with its PREPARE text: 0, 1 when the name exists (42P05;
       st stays the caller's), 2 when the connection holds its maximum of statements (54000),
       -1 out of memory. statement_find: the named statement (not the unnamed one), or NULL.
       statements_each: fn per named statement (text: its query or PREPARE text; at_us:
       microseconds since 2000-01-01 UTC; from_sql: made by PREPARE); stops when fn returns
       non-zero, and returns that. May be NULL (no SQL-level prepared statements). */
    int (*statement_add)(executor_sink *s, const char *name, executor_stmt *st, const char *text);
    executor_stmt *(*statement_find)(executor_sink *s, const char *name);
    int (*statements_each)(executor_sink *s,
                           int (*fn)(void *arg, const char *name, const char *text, int64_t at_us,
                                     bool from_sql, executor_stmt *st),
                           void *arg);
    /* LISTEN / NOTIFY. notification: NotificationResponse (pid 0: sent from another region).
       notify_ready (called on the session's loop thread, never inside an executor call, on
       the sink given to session_new, which lives as long as the session): notifications
       wait for the session; the wire layer takes them with ops->notifications once the
       session is idle. Either may be NULL (no LISTEN support). */
    int (*notification)(executor_sink *s, uint32_t pid, const char *channel, const char *payload);
    void (*notify_ready)(executor_sink *s);
    void *ctx; /* the wire layer's */
};

/* What the client sent at startup (all borrowed for the duration of session_new). */
typedef struct executor_startup {
    const char *user;
    const char *database;
    int nparams; /* every StartupMessage parameter in wire order, including user/database and
                    "options" (whose "-c name=value" / "--name=value" items the executor applies) */
    const char *const *names;
    const char *const *values;
    const char *client_addr; /* "127.0.0.1:50412", for logs and admin views */
    uint32_t backend_pid;    /* the BackendKeyData pid, for pg_backend_pid() */
    bool users_file;         /* the user is in the users file (the bootstrap superuser) */
} executor_startup;

typedef struct executor executor;
typedef struct executor_session executor_session;
typedef struct executor_portal executor_portal;

typedef struct executor_stmt_info {
    int nparams;
    const uint32_t *param_oids; /* inferred: never 0 */
    int ncols;                  /* -1 = the statement returns no rows (NoData) */
    const executor_column *cols;
} executor_stmt_info;

typedef struct executor_ops {
    const char *name; /* "minimal", "sql" */

    /* Creates a session. Sends the initial ParameterStatus set through sink->parameter_status
       (every setting PostgreSQL 15 reports, with values reflecting the startup parameters).
       wake is how the executor resumes a PENDING session (see above). Returns EXEC_DONE or
       EXEC_ERROR (e.g. 3D000 unknown database, 22023 bad option value) — the wire layer then
       sends the error as FATAL and closes. */
    int (*session_new)(executor *ex, const executor_startup *st, executor_sink *sink,
                       void (*wake)(void *wake_arg), void *wake_arg, executor_session **out,
                       executor_error *err);
    void (*session_del)(executor_session *s);

    int (*simple_query)(executor_session *s, const char *sql, size_t len, executor_sink *sink,
                        executor_error *err);

    /* param_oids[i] == 0: infer. Returns EXEC_DONE or EXEC_ERROR. */
    int (*prepare)(executor_session *s, const char *sql, size_t len, const uint32_t *param_oids,
                   int nparams, executor_stmt **out, executor_error *err);
    void (*stmt_describe)(const executor_stmt *st, executor_stmt_info *info);
    void (*stmt_free)(executor_stmt *st);

    /* values[i] NULL = SQL NULL; text form. nparams must equal the statement's (the wire layer
       checks and reports 08P01 otherwise). Returns EXEC_DONE or EXEC_ERROR (22P02 ...). */
    int (*bind)(executor_session *s, executor_stmt *st, int nparams, const char *const *values,
                const size_t *lens, executor_portal **out, executor_error *err);
    /* Result columns of the portal (ncols -1 = no data). */
    void (*portal_describe)(const executor_portal *p, int *ncols, const executor_column **cols);
    /* max_rows 0 = all. */
    int (*execute)(executor_session *s, executor_portal *p, uint32_t max_rows,
                   executor_sink *sink, executor_error *err);
    void (*portal_free)(executor_portal *p);

    int (*sync)(executor_session *s, executor_error *err);
    int (*resume)(executor_session *s, executor_sink *sink, executor_error *err);
    void (*note_error)(executor_session *s);
    char (*txn_status)(const executor_session *s); /* 'I', 'T' or 'E' */
    void (*cancel)(executor_session *s);
    /* true once pg_terminate_backend asked for the session's end: the wire layer ends the
     * connection with FATAL 57P01 as soon as no statement of it is running (the executor calls
     * the session's wake function to say so). NULL: never. */
    bool (*terminated)(executor_session *s);
    /* A cursor DECLAREd in SQL is a portal too, as in PostgreSQL: Describe of a portal name
     * the wire layer does not know asks here. 1 with its columns (borrowed until the cursor
     * closes; *ncols -1: no rows), 0 when there is no such cursor. NULL: none. */
    int (*cursor_describe)(executor_session *s, const char *name, int *ncols,
                           const executor_column **cols);
    /* COPY FROM STDIN in progress (after EXEC_COPY_IN). EXEC_COPY_DATA: data/len is one
       CopyData payload; returns EXEC_COPY_IN to continue or EXEC_ERROR (the wire layer reports
       it, then drops the remaining copy messages). EXEC_COPY_DONE: returns like resume
       (DONE/PENDING/ERROR; the rest of the simple query runs). EXEC_COPY_FAIL: data is the
       client's message; returns EXEC_ERROR. NULL for executors without COPY. */
    int (*copy_in)(executor_session *s, int what, const void *data, size_t len,
                   executor_sink *sink, executor_error *err);

    /* Authentication of a user the users file does not know: copies the SCRAM secret of a role
       whose password is valid now (VALID UNTIL not passed) into out and returns 1, else 0;
       session_new then refuses a role without LOGIN (28000). May be NULL. */
    int (*role_secret)(executor *ex, const char *user, char *out, size_t cap);
    /* Notifications waiting for the session (LISTEN): the wire layer calls it where
     * PostgreSQL delivers them, when the session is idle outside a transaction (just before
     * ReadyForQuery 'I', or on notify_ready while the connection waits for a new command).
     * They go out through sink->notification until sink->output_full; returns 0 (none left),
     * 1 (more wait: call again once the output drained), or EXEC_ERROR with *err, severity
     * FATAL (the session's queue overflowed: the wire layer ends the connection with it).
     * Needs no engine lock (only the session's own state). May be NULL. */
    int (*notifications)(executor_session *s, executor_sink *sink, executor_error *err);

    void (*destroy)(executor *ex);
} executor_ops;

/* Implementations embed this as their first member. */
struct executor {
    const executor_ops *ops;
};

#endif
