/*
 * server/conn.h — one client connection (internal to server/: conn.c, session.c, listener.c).
 *
 * State machine:
 *
 *   STARTUP --SSLRequest 'S'--> (TLS handshake inside STARTUP) --StartupMessage--> AUTH
 *   STARTUP --CancelRequest--> CLOSING          AUTH --ok--> READY      any --error--> CLOSING
 *
 * In READY, after an error in the extended protocol, messages are skipped until Sync
 * (skip_to_sync). Input is decoded from `in` by a resumable loop (conn_process) that stops
 * when it needs more bytes, when the executor is PENDING (paused), when the output backlog is
 * over CONN_OUT_HIGH (backpressure) or when the connection is closing. Reading from the socket
 * stops under backpressure and when closing; while a statement is pending it goes on until
 * `in` holds CONN_IN_PENDING_MAX bytes (stopping and restarting the read for every commit cost
 * two epoll_ctl calls per transaction), and an end of input seen then closes the connection
 * only after the statement finished and the input before it ran (peer_eof).
 * Output is encoded into `out` (plaintext); conn_flush encrypts it when TLS is up and queues it
 * on the socket. While a statement is pending, conn_flush keeps small output back: it goes out
 * with what the statement answers (one write, one TLS record for BindComplete, CommandComplete
 * and ReadyForQuery, as PostgreSQL sends them); an explicit Flush message or a notice
 * (out_urgent: PostgreSQL flushes those at once) sends it right away. The struct is freed only from the close callback of its last libuv handle
 * (never inside its own callbacks).
 */
#ifndef HELIOS_SERVER_CONN_H
#define HELIOS_SERVER_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "config/config.h"
#include "proto/pgtypes.h"
#include "proto/pgwire.h"
#include "proto/scram.h"
#include "proto/users.h"
#include "server/executor.h"
#include "server/nametab.h"
#include "server/wiretls.h"

#define CONN_OUT_HIGH (1u << 20) /* stop reading above this output backlog */
#define CONN_OUT_LOW (256u << 10) /* resume below it */
#define CONN_IN_PENDING_MAX (256u << 10) /* input read ahead while a statement is pending */

typedef enum { CONN_STARTUP, CONN_AUTH, CONN_READY, CONN_CLOSING } conn_state;
typedef enum { PEND_NONE, PEND_QUERY, PEND_EXECUTE, PEND_SYNC } conn_pending;

typedef struct listener listener;
typedef struct worker worker;

/* A named (or the unnamed) prepared statement; ent.name owned. */
typedef struct conn_stmt {
    nametab_entry ent; /* first: conn.stmts indexes it by name */
    executor_stmt *st;
    char *text;      /* a named statement's query (Parse) or PREPARE text: pg_prepared_statements */
    int64_t at_us;   /* when it was made (microseconds since 2000-01-01 UTC) */
    bool from_sql;   /* made by SQL PREPARE (sink->statement_add) */
    char *slow_text;   /* Parse text for the slow statement log (cut), NULL when off */
    bool slow_cut;
    int nportals;      /* portals bound from it */
} conn_stmt;

typedef struct conn_portal {
    nametab_entry ent; /* first: conn.portals indexes it by name */
    executor_portal *p;
    conn_stmt *stmt;
    uint8_t *formats; /* result format codes from Bind (copied) */
    int nformats;
} conn_portal;

/* Per connection (PostgreSQL has no limit; a client leaking statements would hold memory
 * without bound): past these, Parse / Bind fail with 54000. */
#define CONN_MAX_STATEMENTS EXECUTOR_MAX_STATEMENTS
#define CONN_MAX_PORTALS 10000

typedef struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer; /* auth timeout, idle timeout, failed-login delay, lingering close */
    uv_shutdown_t shut; /* lingering close: FIN after the last write */
    bool linger;        /* close after a protocol error: FIN, then discard input a while */
    size_t lingered;    /* bytes discarded while lingering */
    int handles;      /* open libuv handles; freed at 0 */
    listener *lsn;
    worker *worker; /* the thread whose loop the connection lives on */
    struct conn *prev, *next; /* the listener's registry (its mu) */

    conn_state state;
    char addr[80]; /* "ip:port" for logs */
    struct sockaddr_storage peer;
    uint32_t pid, key;
    /* refused after its startup packet (so the client reads why): 1 = too many connections
       waiting to authenticate, 2 = too many of them from this address */
    int over_limit;
    bool in_session_count; /* authenticated: counted against max_connections */
    bool reading;
    bool peer_eof;       /* the client ended its input while a statement was pending */
    bool out_urgent;     /* `out` holds a notice: flushed even while a statement is pending */
    bool processing;     /* inside conn_process (re-entrancy guard) */
    bool skip_to_sync;
    bool copy_in;      /* COPY FROM STDIN: CopyData/CopyDone/CopyFail go to ops->copy_in */
    bool copy_discard; /* a failed COPY: drop the client's remaining copy messages */
    bool auth_failed;    /* waiting for the failed-login delay */
    bool terminate_when_idle;
    bool ssl_tried;
    /* LISTEN: the last message sent was ReadyForQuery 'I' and nothing was read since (the
       connection waits for a new command: notifications may go out at once); notify_more:
       some still wait for the output to drain */
    bool at_ready;
    bool notify_more;
    bool notifying; /* inside session_notify_pump */

    pgwire_buf in;   /* plaintext input */
    pgwire_buf out;  /* plaintext output not yet queued */
    size_t inflight; /* bytes queued on the socket, not yet written */

    SSL *ssl;
    BIO *rbio, *wbio;
    bool tls_up;
    uint8_t cbind[64]; /* tls-server-end-point data of the context this connection uses */
    size_t cbindlen;

    /* startup */
    char *user, *database;
    int nparams;
    char **pnames, **pvalues;
    /* auth */
    config_auth_method method;
    int auth_step;
    scram_state *scram;
    /* a role of the catalog authenticating (not in the users file): its SCRAM secret */
    users_entry role_user;
    char role_secret[520];
    uint8_t md5_salt[4];

    /* session */
    executor *ex;
    executor_session *sess;
    executor_session *cancel_sess; /* sess, for CancelRequests: under the listener's mu */
    executor_sink sink;
    executor_error sink_err; /* set by the sink when it fails (binary conversion) */
    conn_pending pending;
    bool wait_output; /* pending is EXEC_PENDING_OUTPUT: resume once out drains below LOW */
    uint64_t pending_since; /* uv_hrtime() when the statement went EXEC_PENDING, 0 = not */
    bool tag_commits;       /* a commit-making CommandComplete was sent during this resume */
    conn_portal *cur_portal; /* result formats for the sink; NULL = all text */
    nametab stmts;   /* conn_stmt by name */
    nametab portals; /* conn_portal by name */
    /* slow statement log: the running statement's start and text (NULL: not timed) */
    uint64_t slow_start_ns;
    char *slow_text;
    bool slow_cut;
    pgtypes_buf scratch;
} conn;

/* conn.c */
conn *conn_new(listener *l, executor *ex);
void conn_start(conn *c); /* after accept */
void conn_start_with(conn *c, const uint8_t *first, size_t n); /* with bytes read before */
void conn_process(conn *c);
void conn_flush(conn *c);
/* After a pending statement finished: closes the connection if its client had ended its input
 * (peer_eof) and nothing of that input is left to run. Whether it closed. */
bool conn_eof_done(conn *c);
void conn_update_reading(conn *c);
/* graceful: let queued output (an ErrorResponse) reach the client first. */
void conn_close(conn *c, bool graceful);
/* Sends ErrorResponse severity FATAL and closes gracefully. */
void conn_fatal(conn *c, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void conn_fatal_hint(conn *c, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void conn_send_error(conn *c, const executor_error *e, const char *default_severity);
void conn_start_idle_timer(conn *c);

/* session.c: everything after authentication. */
void session_init_sink(conn *c);
int session_start(conn *c);                             /* 0, or -1 after a FATAL was sent */
int session_message(conn *c, const pgwire_msg *m);      /* 0 go on, -1 stop (closing/paused) */
void session_wake(void *arg);                           /* executor_session wake */
void session_free(conn *c);
/* Notifications that waited for the output (notify_more) go out, as many as the socket takes
 * now, when the connection waits for a command; the rest on the next drain (on_write). */
void session_notify_pump(conn *c);

/* listener.c */
const config *listener_config(const listener *l);
const wiretls *listener_tls(const listener *l); /* NULL when TLS is off */
const users_db *listener_users(const listener *l);
bool listener_shutting_down(const listener *l);
void listener_register(listener *l, conn *c); /* assigns pid/key for BackendKeyData */
/* The session exists: CancelRequests with the connection's pid and key may reach it. */
void listener_session_ready(listener *l, conn *c);
void listener_unregister(listener *l, conn *c);
/* Counts an authenticating connection as a session: 0, or -1 when max_connections sessions
 * are open (the caller refuses it with 53300). */
int listener_session_begin(listener *l, conn *c);
void listener_cancel(listener *l, uint32_t pid, uint32_t key);

#endif
