/*
 * server/sql/sqlexec_int.h — shared between sqlexec.c (executor, sessions, transactions,
 * commits) and sqlrun.c (planning and running one statement). Not for use outside server/sql/.
 *
 * A transaction is a list of recorded operations (sx_op, one CRDT mutation of one row each)
 * plus pending catalog changes; sx_record applies an operation to the preview overlay at once
 * and keeps it for the replay at COMMIT (see sqlexec.h).
 */
#ifndef HELIOS_SERVER_SQL_SQLEXEC_INT_H
#define HELIOS_SERVER_SQL_SQLEXEC_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "crdt/causal.h"
#include "crdt/row.h"
#include "server/executor.h"
#include "server/sql/sqlcache.h"
#include "server/sql/sqllock.h"
#include "server/sql/sqlnotify.h"
#include "server/sql/sqlexec.h"
#include "server/sql/sqlexpr.h"
#include "server/sql/sqlindex.h"
#include "server/sql/sqlparse.h"
#include "server/sql/sqlschema.h"
#include "server/sql/sqlwrite.h"
#include "storage/storage.h"

typedef struct sx_commit sx_commit;

/* helios.conflicts: per table, commit-time merges (local and remote) that found concurrent
 * writes to one register or map key (crdt_merge_stats.conflicts). */
typedef struct sx_conflict_stat {
    uint32_t table_id;
    uint64_t conflicts;
    int64_t last_us; /* µs since 2000-01-01 UTC of the latest */
} sx_conflict_stat;

typedef struct sx_conflict_pending sx_conflict_pending;
typedef struct sx_inflight_row sx_inflight_row;

/* One libuv loop the executor serves sessions on (the loop sqlexec_new was given: `home`;
 * each SQL worker thread's: sqlexec_thread_attach). Commits submitted by its sessions are
 * answered on it (on_async), its sessions' lock waits are timed on it and their pg_sleeps
 * run on it. `done` is guarded by sx_exec.mu; the rest is touched on its own thread only. */
typedef struct sx_loopctx {
    struct sx_exec *x;
    uv_loop_t *loop;
    uv_async_t async;
    /* Commits submitted from this loop and not yet completed, and commits of it waiting for
     * their index builds. While either is > 0 the async handle is referenced, so the loop (and
     * a graceful shutdown) cannot end before every one has been answered: its connection
     * still needs the listener. */
    int inflight, nixwait;
    sx_commit *done; /* completed commits, guarded by x->mu */
    uv_timer_t lock_timer; /* ends this loop's sessions' lock waits at statement_timeout */
    /* sessions of this loop waiting (EXEC_PENDING) for the exclusive engine lock, and whether
     * on_async's own work waits for it; this loop's thread only */
    struct sx_session *ewait, *ewaking;
    bool deferred;
    atomic_bool work; /* on_async has something to do under the engine lock (set before the send) */
    atomic_bool notify; /* a session of this loop has notifications to take (sqlnotify.h) */
    struct sx_loopctx *next; /* x->lcs, guarded by x->mu */
    int closing;             /* handles still closing (lc_close) */
} sx_loopctx;

typedef struct sx_exec {
    executor base;
    /* The engine lock: every executor operation and every callback of the executor's own
     * handles runs holding it (re-entrant per thread: sx_engine_enter), shared for the
     * operations that only read what sessions share (sqlexec.c "threads"), exclusive for the
     * rest. Cancel requests do not take it (sx_cancel only sets atomics and signals the
     * session's loop). */
    pthread_rwlock_t engine;
    pthread_mutex_t authmu; /* authcache under the shared engine lock (sqlrun_role.c) */
    /* `sessions` is changed (login, logout) under the shared lock and this mutex; read under
     * the exclusive lock (or this mutex) */
    pthread_mutex_t sessmu;
    sx_loopctx *home; /* the loop given to sqlexec_new */
    sx_loopctx *lcs;  /* every attached loop, home included; guarded by mu */
    int nlcs;
    atomic_bool catalog_dirty; /* a remote catalog change to load (sqlexec_catalog_changed) */
    /* waits for the exclusive engine lock (sessions and deferred callbacks): while > 0, the
     * last holder to leave signals every loop to try again */
    atomic_int engine_waiters;
    /* txid_current(): the next transaction id of this region, from the clock (µs since
     * 2000) at start so ids keep growing across restarts */
    atomic_uint_fast64_t next_xid;
    int statement_timeout_ms; /* config sql.statement_timeout_ms: sessions' default */
    struct sx_session *sessions; /* every open session (all_next), for LOCK TABLE conflicts */
    storage *st;
    uint16_t node;
    /* the HLC: guarded by clock_mu (not the engine lock), so replication observes remote
     * timestamps without waiting for a statement */
    pthread_mutex_t clock_mu;
    causal_clock clock;
    pthread_mutex_t mu; /* the lcs list and their done lists */
    sqlschema_table **tables;
    int ntables;
    uint32_t next_table_id;
    /* sequences: this region's position in each (sqlexec.c "sequences") */
    struct sx_seqstate *seqs;
    int nseqs;
    uint16_t seq_stride; /* stride of sequences created here (1 without replication) */
    /* replication hooks (sqlexec.h) */
    void (*commit_fn)(void *arg);
    void *commit_arg;
    int (*peer_fn)(void *arg, sqlexec_peer_row *rows, int max);
    void *peer_arg;
    void (*ae_fn)(void *arg);
    void *ae_arg;
    char node_name[64];
    uint64_t start_ms;
    sqlcache *cache; /* statement text -> parse (sqlcache.h); NULL: no caching */
    /* Rows of commits submitted and not yet completed: the join of their deltas per row
     * (the in-flight section of sqlexec.c). Loop thread only. */
    sx_inflight_row **ifl;
    size_t ifl_cap, ifl_n;
    /* conflicts (the conflicts section of sqlexec.c); cpending, npending, cstats, ncstats
     * guarded by cmu; cseen only touched by the storage writer thread (and at open/close) */
    pthread_mutex_t cmu;
    bool cmu_init;
    sx_conflict_pending *cpending;
    int npending;
    sx_conflict_stat *cstats;
    int ncstats, cstats_cap;
    causal_vv cseen;
    /* row write locks (sqllock.h; the row locks section of sqlexec.c): sessions waiting for a
     * lock form the `waiters` list; each loop's lock_timer ends its waits at statement_timeout */
    sqllock *locks;
    struct sx_session *waiters;
    /* secondary indexes: the registry behind storage's hooks (any thread) and the committed
     * definitions (loop thread, from the catalog) */
    sqlindex_reg *ixreg;
    sqlnotify_hub *nhub; /* LISTEN / NOTIFY: the sessions' channels and queues (own mutex) */
    /* SERIALIZABLE (sqlexec.c "serializable"): per table, the local seq of the latest local
     * commit that wrote it (open addressing; written and read under the exclusive engine lock,
     * in sx_commit_start) */
    struct sx_tmod {
        uint32_t table_id; /* 0: empty */
        uint64_t seq;
    } *tmods;
    size_t tmod_cap, tmod_n;
    sqlindex_def **indexes;
    /* roles, memberships, privileges and owners (sqlrole.h): the committed entries, sorted by
     * key (loaded with the catalog) */
    struct sx_authkv *auth;
    int nauth;
    uint64_t auth_gen;              /* bumped whenever auth is reloaded */
    struct sx_authcache *authcache; /* decoded roles and memberships (sqlrun_role.c) */
    char *backup_dir; /* storage.backup_dir, normalised (NULL: helios_backup refused) */
    int max_connections, superuser_reserved; /* sql.max_connections, ..._reserved_connections */
    int nindexes;
    /* commits that created indexes, held until the builds are done (as PostgreSQL's CREATE
     * INDEX returns once the index is usable); loop thread */
    sx_commit *ixwait;
} sx_exec;

/* The engine lock (sx_exec.engine), re-entrant on one thread: exclusive, or shared. A thread
 * holding it shared must not ask for it exclusive. */
void sx_engine_enter(sx_exec *x);
void sx_engine_enter_shared(sx_exec *x);
void sx_engine_leave(sx_exec *x);
/* Whether the statements of q only read what sessions share, so they may run under the shared
 * engine lock beside other readers (sqlshared.c). */
bool sx_stmts_shared(const struct sx_session *s, const sqlparse_result *q);
/* The transaction holds no recorded change, row lock or table lock: its end touches nothing
 * sessions share. */
bool sx_txn_light(const struct sx_session *s);
/* The HLC under clock_mu: a fresh timestamp for a write, and the latest one given. */
causal_hlc sx_clock_now(sx_exec *x);
causal_hlc sx_clock_last(sx_exec *x);

enum {
    SX_OP_TOUCH = 1,
    SX_OP_DELETE,
    SX_OP_LWW,
    SX_OP_MV,
    SX_OP_COUNTER,
    SX_OP_SET_ADD,
    SX_OP_SET_REMOVE,
    SX_OP_SET_CLEAR,
    SX_OP_MAP_PUT,
    SX_OP_MAP_REMOVE,
    SX_OP_MV_ADD, /* a value concurrent with the register's others (COPY FROM of {a,b}) */
    SX_OP_SET_ADD_MANY, /* elems: one dot each, O(n log n) (crdt_row_set_add_many) */
    SX_OP_MAP_PUT_MANY, /* elems = keys, vals = JSON values (crdt_row_map_put_many) */
};

typedef struct sx_op {
    int kind;
    uint32_t table_id;
    uint8_t *pk; /* owned */
    size_t pklen;
    uint16_t col;
    int ckind; /* CRDT_KIND_* of the column */
    crdt_value v; /* LWW */
    char *s;      /* MV text, set element, map key (owned) */
    size_t slen;
    char *j; /* map value json (owned) */
    size_t jlen;
    int64_t n; /* counter amount */
    /* *_MANY: nelems elements (and values), each owned, as are the arrays; MAP_PUT_MANY: live[i]
     * == 0 removes key i instead (NULL: all puts) */
    char **elems, **vals;
    size_t *elens, *vlens;
    uint8_t *live;
    size_t nelems;
    /* the op's first dot index in its transaction (sx_record): dots dot0 .. dot0 + ndots - 1 */
    uint32_t dot0;
} sx_op;

typedef struct sx_catchange {
    bool drop;
    sqlschema_table *table; /* put: owned */
    uint32_t id;            /* drop */
    char *name;
    uint32_t nsp; /* the schema of the version put or dropped */
} sx_catchange;

/* An index created (def, owned) or dropped (oid) by the transaction. */
typedef struct sx_ixchange {
    bool drop;
    sqlindex_def *def;
    uint32_t oid;
} sx_ixchange;

/* SAVEPOINT name: what the transaction had recorded when it was set. */
typedef struct sx_savepoint {
    char *name; /* owned */
    size_t nops;
    int ncat;
    int nix;
    int nauth;
    int nnotify_acts; /* LISTEN / UNLISTEN (sqlnotify_txn) */
    size_t nnotify_notes;
} sx_savepoint;

struct sx_session;
/* What the transaction has recorded so far (a savepoint without a name), and the undo of what
 * it recorded after such a mark (ROLLBACK TO's; -1: out of memory) */
void sx_txn_mark(const struct sx_session *s, sx_savepoint *out);
int sx_txn_rollback_to(struct sx_session *s, const sx_savepoint *sp);

/* A role / privilege catalog entry (sqlrole.h): key and value, owned. */
typedef struct sx_authkv {
    uint8_t *k, *v;
    size_t kl, vl;
} sx_authkv;

/* Consecutive operations on one row (ov_apply): the row is read and decoded once, each
 * operation changes the decoded state and joins its delta into `delta`, which goes into the
 * overlay when an operation on another row comes or the overlay is read (sx_preview). */
typedef struct sx_rowrun {
    bool active;
    uint32_t table_id;
    uint8_t *pk;
    size_t pklen;
    crdt_row state, delta;
} sx_rowrun;

/* Values (dots) one transaction may write: 16 seqs' op slots (causal.h). The log entry's
 * size (LOGENTRY_MAX_ENTRY) usually binds first. */
#define SX_TXN_DOTS_MAX (16u << CAUSAL_OP_BITS)

typedef struct sx_txn {
    sx_op *ops;
    size_t nops, cap;
    uint32_t ndots; /* dot indexes handed out (sx_op.dot0), at most SX_TXN_DOTS_MAX */
    sx_catchange *cat;
    int ncat;
    sx_ixchange *ix;
    int nix;
    struct sx_authkv *auth; /* role and privilege entries written (sqlrole.h), in order */
    int nauth;
    storage_overlay *preview;
    sx_rowrun run; /* the preview's pending run (flushed by sx_preview) */
    sx_savepoint *sps; /* innermost last */
    int nsps, spcap;
    sqlnotify_txn nt; /* LISTEN / UNLISTEN / NOTIFY (sqlnotify.h) */
} sx_txn;

typedef enum { SX_IDLE = 0, SX_BLOCK, SX_FAILED } sx_state;

typedef struct sx_stmt sx_stmt;
typedef struct sx_portal sx_portal;

typedef struct sx_session {
    sx_exec *x;
    sx_loopctx *lc; /* the loop the session lives on: its wake, timers and commits */
    struct sqlguc *guc; /* settings (sqlguc.h) */
    uint32_t pid;       /* pg_backend_pid() */
    void (*wake)(void *);
    void *wake_arg;
    char user[64], database[64];
    bool boot; /* the login is the bootstrap superuser (sqlrun_role.c) */
    char rolebuf[64], sessbuf[64]; /* sx_role_name / sx_session_user: stable storage */
    struct sx_nspcache *nspc; /* schemas and search_path resolved (sqlrun_schema.c) */
    char schemabuf[64];       /* sx_current_schema: stable storage */
    /* planning a view's definition: the schemas its bare names resolve in (NULL: search_path) */
    const uint32_t *vpath;
    int nvpath;
    /* pg_stat_activity: where the client is, when the session and its latest statement
     * began, and that statement's text (at most 1023 bytes, as track_activity_query_size) */
    char client_addr[64];
    int client_port;
    int64_t backend_start_us, query_start_us;
    char query[1024];
    sx_state state;
    bool implicit; /* extended protocol: an implicit transaction is open until Sync */
    sx_txn txn;
    int64_t txn_start_us;
    uint64_t rng[4]; /* random() / setseed(): this session's generator (sqlfunc_use_rng) */
    /* commit in flight */
    sx_commit *commit;
    int commit_status; /* 1 pending, 0 ok, <0 storage error */
    char commit_msg[200];
    /* resumable simple query */
    sqlparse_result q;
    bool q_active;
    /* pg_terminate_backend: the connection is to end (terminate_woken: its wire layer was told) */
    bool terminate, terminate_woken;
    int qi;
    const char *qsql;
    char *qcopy;
    int resume_kind; /* what a PENDING is waiting for */
    sx_portal *resume_portal;
    /* a cancel request: set from any thread (sx_cancel), read by the running statement;
     * cancel_wake: the session's loop is still to end a wait because of it */
    atomic_bool cancel, cancel_wake;
    /* the operation in progress (its PENDING resumes) holds the engine lock shared */
    bool op_shared;
    /* waiting for the exclusive engine lock: in lc->ewait (ewait_next) */
    bool engine_wait;
    struct sx_session *ewait_next;
    /* statement_timeout: uv_hrtime() deadline of the running statement (0 = none), set by
       sx_stmt_begin; checked by sx_interrupted every SX_TICK_ROWS rows */
    uint64_t deadline_ns;
    /* when the Query that is running arrived (uv_hrtime): its parse counts toward the first
     * statement's statement_timeout, as in PostgreSQL (0: none pending) */
    uint64_t query_start_ns;
    unsigned tick;
    /* a streaming SELECT paused on output (EXEC_PENDING_OUTPUT) or running: the cursor, and
       the plan it borrows when the simple protocol started it */
    struct sqlrun_cursor *stream;
    struct sx_plan *stream_plan; /* owned (malloc'd) */
    /* COPY FROM STDIN in progress */
    const sqlast_stmt *copy_st; /* borrowed from q */
    sqlschema_table *copy_table;
    int *copy_cols;
    int copy_ncols;
    char *copy_buf;
    size_t copy_len, copy_cap;
    /* row locks: the transaction's lock set (NULL until its first lock); the first op of the
       running statement (undone when it must wait); the lock set waited for, the waiters
       list links, and whether the wait is over (lock released, cancel or timeout) */
    sqllock_owner *locks;
    sx_savepoint stmt_sp; /* the transaction as the running statement found it */
    sqllock_owner *waiting_for;
    struct sx_session *wait_next, *wait_prev;
    bool lock_wait;  /* the statement stopped at a locked row: undo it and wait */
    uint64_t lock_deadline_ns; /* when the wait ends by lock_timeout (0: never) */
    uint64_t xid; /* txid_current() of the transaction, 0 until asked for */
    uint32_t wait_table; /* the wait is for a lock on this table (0: a row lock) ... */
    int wait_mode;       /* ... in this mode (pg_locks) */
    int64_t wait_start_us; /* since 2000-01-01, as query_start_us */
    bool lock_ready;
    bool lock_retry; /* the statement runs again after a wait: keep its deadline */
    uint32_t resume_max;
    /* pg_sleep: the wait the running statement asked for (added by its calls), served on
       sleep_timer before its next row (streaming) or after its CommandComplete; sleep_cut: the
       wait was cut short by statement_timeout */
    uint64_t sleep_ns;
    uv_timer_t *sleep_timer; /* allocated: closed asynchronously at session end */
    bool sleeping, sleep_cut;
    /* currval / lastval: the last value nextval gave this session, per sequence id */
    struct sx_seqval {
        uint32_t id;
        int64_t v;
    } *seqvals;
    int nseqvals;
    int last_seq; /* index in seqvals of lastval's sequence, -1 none */
    struct sx_cursor *cursors; /* DECLARE ... CURSOR (sqlexec.c "cursors"), a list */
    /* READ ONLY transaction block; REPEATABLE READ / SERIALIZABLE read-only: want_snap, and
     * snap the storage snapshot every read of the block uses (taken at its first statement);
     * block_stmts: statements run in the block */
    bool ro, want_snap;
    struct storage_snapshot *snap;
    int block_stmts, block_txnsets; /* and of them SET TRANSACTION / transaction_* (no query) */
    /* ACCESS SHARE table locks taken under the shared engine lock (sqlexec.c "table locks"):
     * table ids; an exclusive statement that needs a conflicting mode moves them into the lock
     * table first */
    uint32_t *tlw;
    int ntlw, tlw_cap;
    struct sx_session *all_next, *all_prev; /* sx_exec.sessions */
    /* LISTEN / NOTIFY (sqlnotify.h): the session's channels and queue; notify_kick: its queue
     * became non-empty (set by the hub's kick, any thread). wire_sink: session_new's sink (it
     * lives as long as the session): its notify_ready tells the wire layer of notifications,
     * and it holds the connection's named statements (SQL PREPARE's too) */
    sqlnotify_sess *nsess;
    atomic_bool notify_kick;
    executor_sink *wire_sink;
    bool rr_insert; /* sx_lock_row for a plain INSERT: no REPEATABLE READ check (it does its own) */
    /* SERIALIZABLE read-write block (sqlexec.c "serializable"): what it read, checked at
     * commit against what committed since its snapshot (ser_seq: this node's applied seq when
     * the snapshot was taken) */
    bool ser;
    int iso; /* the block's level: 0 READ COMMITTED, 1 REPEATABLE READ, 2 SERIALIZABLE */
    uint64_t ser_seq;
    uint32_t *ser_tables; /* tables scanned (ranges, indexes, whole) */
    int ser_ntables, ser_tcap;
    struct sx_ser_row {
        uint32_t table_id;
        uint8_t *pk;
        size_t pklen;
    } *ser_rows; /* rows read by their whole key (found or not) */
    size_t ser_nrows, ser_rcap;
    bool ser_overflow; /* too many rows recorded: every table of them counts as scanned */
} sx_session;

/* The snapshot the session's reads use: NULL (the latest committed state) unless a read-only
 * REPEATABLE READ / SERIALIZABLE block holds one. */
const struct storage_snapshot *sx_snapshot(const sx_session *s);
/* Takes table lock `mode` (sqllock.h SQLLOCK_*) on table id (named name, for messages) for the
 * session's transaction, held until it ends. SQL_OK when held; when another transaction holds a
 * conflicting mode: 55P03 at once with nowait, else SQL_ERR with s->lock_wait set as
 * sx_lock_row (the statement is undone, waits, runs again); 40P01 when waiting would
 * deadlock. Under the shared engine lock only ACCESS SHARE is taken (a conflict there sends the
 * statement to run again under the exclusive lock, sqlexec.c "table locks"). */
int sx_lock_table(sx_session *s, uint32_t id, const char *name, int mode, bool nowait, sqlerr *err);
/* Whether another transaction holds a mode conflicting with `mode` on table id (read under the
 * shared engine lock: sqlshared.c sends such statements to the exclusive lock). */
bool sx_table_lock_conflicts(const sx_session *s, uint32_t id, int mode);
/* The table locks a statement takes before it runs (sqlrun_lock.c): ACCESS SHARE on what it
 * reads, ROW SHARE with FOR UPDATE / SHARE, ROW EXCLUSIVE on what it writes, the DDL modes of
 * PostgreSQL's table (DROP, TRUNCATE, ALTER: ACCESS EXCLUSIVE; CREATE INDEX: SHARE; VACUUM,
 * ANALYZE, COMMENT: SHARE UPDATE EXCLUSIVE), views' tables through their definitions. Errors
 * as sx_lock_table; names that resolve to no table are left to the statement to report. */
int sx_stmt_lock_tables(sx_session *s, const sqlast_stmt *st, sqlerr *err);
/* LOCK TABLE of view v: the relations its definition names, recursively, in `mode`. */
int sx_lock_view(sx_session *s, const sqlschema_table *v, int mode, bool nowait, sqlerr *err);

/* The session services sqlexpr's functions call (current_setting, set_config, pg_sleep). */
extern const struct sqlexpr_session_ops sx_session_ops;

/* A planned (bound) statement. */
typedef struct sx_target {
    const sqlast_expr *expr; /* NULL: plain table column colidx (SELECT *) */
    int colidx;
} sx_target;

typedef struct sx_plan {
    sqlast_stmt *st;          /* borrowed */
    sqlschema_table *table;   /* owned copy at plan time, NULL without one */
    sx_target *targets;       /* SELECT list / RETURNING */
    int ntargets;
    executor_column *cols;    /* ncols -1: no rows */
    int ncols;
    sqlwrite_op *setops;      /* UPDATE SET / ON CONFLICT DO UPDATE SET */
    int nsetops;
    int *insert_map;          /* INSERT: value position -> column index */
    int ninsert;              /* ... its length */
    uint8_t *reads;           /* INSERT/UPDATE/DELETE: per target column, read by an
                               * expression (WHERE, SET, RETURNING): SELECT privilege */
    struct sqlplan *qp;       /* SELECT, INSERT ... SELECT: the relational plan (sqlplan.h) */
    struct sqlplan *dp;       /* INSERT/UPDATE/DELETE: their subqueries, UPDATE ... FROM's join */
    sqlexpr_scope dsc;        /* ... and the scope their expressions bind in */
    int nqcols;               /* INSERT ... SELECT: the query's output columns */
    /* INSERT / UPDATE of a table with CHECK constraints: each parsed from its text and bound
     * over the table's columns (sqlrun.c "check constraints") */
    struct sqlparse_result *checkq;
    int nchecks;
} sx_plan;

typedef struct sx_result {
    char **vals; /* nrows * ncols, NULL = SQL NULL, owned */
    size_t *lens;
    size_t nrows, cap;
    int ncols;
    char tag[64];
    /* NOTICEs the statement raised (DROP ... IF EXISTS of a missing table ...), sent before
     * its CommandComplete: "SQLSTATE\tmessage" each, owned */
    char **notices;
    int nnotices;
} sx_result;

/* sqlexec.c */
/* Role and privilege catalog entries (sqlrole.h) as session s sees them: the committed ones
 * with its transaction's writes over them. get: 1 found (*v borrowed until the next put or the
 * end of the transaction), 0 not; put: 0, -1 out of memory; list: every entry whose key starts
 * with prefix, sorted by key, in a malloc'd array of borrowed entries. */
int sx_auth_get(sx_session *s, const uint8_t *k, size_t kl, const uint8_t **v, size_t *vl);
int sx_auth_put(sx_session *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl);
int sx_auth_list(sx_session *s, const char *prefix, sx_authkv **out, int *n);
/* One acl item (sqlrun_role.c): a grant on an object (col -1) or one of its columns. */
typedef struct sx_aclitem {
    uint32_t grantee, grantor; /* grantor 0: the object's owner */
    int col, bit, level;       /* level: 0 revoked, 1 granted, 2 with grant option */
    uint64_t gen;
} sx_aclitem;
int sx_acl_items(sx_session *s, uint32_t obj, sx_aclitem **out, int *n);
bool sx_col_priv_has(sx_session *s, uint32_t role, uint32_t obj, int col, unsigned mask);
bool sx_any_col_priv(sx_session *s, uint32_t role, uint32_t obj, int bit);
/* The connection's named prepared statements, SQL PREPARE's and the protocol's (one namespace:
 * pg_prepared_statements): fn per statement, with its name, text, time (timestamptz
 * microseconds), parameter type oids and whether PREPARE made it; stops at fn != 0. */
typedef int (*sx_sqlprep_fn)(void *arg, const char *name, const char *text, int64_t at_us,
                             const uint32_t *oids, int n, bool from_sql);
int sx_sqlprep_each(sx_session *s, sx_sqlprep_fn fn, void *arg);
bool sx_member_of(sx_session *s, uint32_t member, uint32_t role); /* is_member_of_role */
bool sx_admin_of(sx_session *s, uint32_t member, uint32_t role); /* WITH ADMIN OPTION */
bool sx_priv_grantable(sx_session *s, uint32_t role, uint32_t obj, int col, unsigned mask);
/* The same with a binary prefix (keys holding oids). */
int sx_auth_list_bin(sx_session *s, const uint8_t *prefix, size_t pl, sx_authkv **out, int *n);

/* The enum types and labels among catalog entries v into the registry (sqlenum.h). */
void sx_enum_register_all(const sx_authkv *v, int n);

/* sqlrun_enum.c: enum types as the session sees them */
typedef struct sx_enumtype {
    char name[64];
    uint32_t oid, owner, nsp;
} sx_enumtype;
typedef struct sx_enumlabel {
    char label[64];
    double sort;
} sx_enumlabel;
int sx_enum_find(sx_session *s, const char *name, uint32_t *oid, uint32_t *owner); /* 1: live */
int sx_enum_by_oid(sx_session *s, uint32_t oid, sx_enumtype *out);                  /* 1: live */
int sx_enum_types(sx_session *s, sx_enumtype **out, int *n);   /* malloc'd, by name */
int sx_enum_labels(sx_session *s, uint32_t oid, sx_enumlabel **out, int *n); /* by sort order */
int sqlrun_enum_ddl(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err);
/* DROP SCHEMA ... CASCADE: enum type t goes (0A000 while a column still uses it) */
int sqlrun_enum_drop_in(sx_session *s, const sx_enumtype *t, sqlerr *err);
/* column definitions naming an enum type get its canonical name, "enum:<oid>:<name>" */
int sqlrun_enum_coldefs(sx_session *s, sqlast_coldef *cols, int ncols, sqlerr *err);
/* v::type_name for an enum type (42704 when there is none) */
int sqlrun_enum_cast(sx_session *s, const sqlval *v, const char *type_name, sqlval *out, sqlerr *err);

/* Extensions (sqlrun_role.c): plpgsql and heliosdb are always there; uuid-ossp is installed
 * by CREATE EXTENSION (a catalog entry, sqlrole.h "ext."). */
typedef struct sx_extension {
    const char *name, *version;
    uint32_t oid, owner, nsp;
    bool relocatable;
} sx_extension;
/* The extensions installed as the session sees them, in oid order; returns how many (at most
 * cap). */
int sx_extensions(sx_session *s, sx_extension *out, int cap);
int sqlrun_extension(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err);
/* COMMENT ON EXTENSION name IS text | NULL (st->name, st->comment) */
int sqlrun_extension_comment(sx_session *s, const sqlast_stmt *st, sx_result *res, sqlerr *err);
/* An installed extension's comment (malloc'd into *out; NULL: none). 0, or -1 out of memory. */
int sx_extension_comment(sx_session *s, const char *name, char **out);

/* sqlrun_role.c: roles and privileges (see its header comment) */
struct sqlrole;
int sx_role_lookup(sx_session *s, const char *name, struct sqlrole *out); /* 1 a live role */
int sx_role_by_oid(sx_session *s, uint32_t oid, struct sqlrole *out);
const char *sx_role_name(sx_session *s);    /* current_user */
const char *sx_session_user(sx_session *s); /* session_user */
uint32_t sx_current_role(sx_session *s);
bool sx_is_super(sx_session *s);
bool sx_has_privs_of(sx_session *s, uint32_t member, uint32_t role);
uint32_t sx_owner_of(sx_session *s, uint32_t obj);
bool sx_priv_has(sx_session *s, uint32_t role, uint32_t obj, unsigned mask); /* every bit */
bool sx_acl_granted(sx_session *s, uint32_t obj, uint32_t grantee, int bit); /* an entry */
/* 42501 "permission denied for table t" unless the role has every privilege of mask */
int sx_priv_check(sx_session *s, const sqlschema_table *t, unsigned mask, sqlerr *err);
int sx_priv_check_as(sx_session *s, uint32_t role, const sqlschema_table *t, unsigned mask,
                     sqlerr *err);
int sx_owner_check(sx_session *s, const sqlschema_table *t, sqlerr *err); /* "must be owner" */
int sx_seq_priv_check(sx_session *s, const sqlschema_table *t, unsigned mask, sqlerr *err);
int sx_create_check(sx_session *s, sqlerr *err); /* CREATE on schema public */
int sx_super_check(sx_session *s, const char *what, sqlerr *err);
int sx_owner_set(sx_session *s, const sqlschema_table *t, const char *to, sqlerr *err);
int sx_owner_put(sx_session *s, uint32_t obj, uint32_t owner, sqlerr *err); /* the entry */
/* ADD PRIMARY KEY gives a table a new id: its owner and privileges follow */
int sx_auth_move(sx_session *s, uint32_t old_id, uint32_t new_id, sqlerr *err);
int sqlrun_role(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
int sqlrun_owner(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
int sx_ddl_check(sx_session *s, const sqlast_stmt *st, sqlerr *err);
int sx_ddl_created(sx_session *s, const sqlast_stmt *st, bool created, sqlerr *err);
int sx_dml_check(sx_session *s, const sx_plan *p, const sqlschema_table *t, sqlerr *err);
int sx_set_role(sx_session *s, const sqlast_stmt *st, executor_sink *sink, sqlerr *err);
int sx_role_refresh(sx_session *s, executor_sink *sink, sqlerr *err);
int sx_role_login(sx_session *s, bool users_file, sqlerr *err);
int sx_role_secret(sx_exec *x, const char *name, char *out, size_t cap);
void sx_authcache_free(struct sx_authcache *c); /* NULL is fine */
/* A table, view or sequence by name as the session sees it: a name carrying its schema
 * (sqlast.h SQLAST_QUAL) in that schema, a bare one through search_path (sqlrun_schema.c). */
const sqlschema_table *sx_table_find(sx_session *s, const char *name);
/* The same in schema nsp only. */
const sqlschema_table *sx_table_find_in(sx_session *s, uint32_t nsp, const char *name);
const sqlschema_table *sx_table_by_id(sx_session *s, uint32_t id);
/* The catalog as session s sees it: every committed table, view and sequence with the
 * transaction's own catalog changes over them (the catalog relations list these). *out is a
 * malloc'd array of borrowed pointers. Returns 0, -1 out of memory. */
int sx_catalog_view(sx_session *s, const sqlschema_table ***out, int *n);
/* The indexes as session s sees them (committed, with the transaction's changes); *out is a
 * malloc'd array of borrowed definitions. */
int sx_index_view(sx_session *s, const sqlindex_def ***out, int *n);
/* The pid of the session whose commit waits for index oid's build, 0 when none does. */
int sx_index_builder_pid(sx_exec *x, uint32_t oid);
/* The node's hybrid clock now (a generation for catalog versions). */
uint64_t sx_hlc_now(sx_session *s);
/* Records an index creation (def taken) or drop (oid) in the transaction. -1: out of memory. */
int sx_index_change(sx_session *s, bool drop, sqlindex_def *def, uint32_t oid);
/* Whether a committed index is built (the planner may read it); rows indexed so far. */
bool sx_index_ready(sx_session *s, uint32_t oid, uint64_t *rows);
/* nextval of sequence t (a catalog entry with t->seq): the next value this region gives. */
int sx_seq_next(sx_session *s, const sqlschema_table *t, int64_t *out, sqlerr *err);
/* The last value this region gave from sequence t (or where it starts, called false). */
int sx_seq_peek(sx_session *s, const sqlschema_table *t, int64_t *last, bool *called, sqlerr *err);
/* setval(t, v, called) / ALTER SEQUENCE ... RESTART: a catalog change of the transaction. */
int sx_seq_restart(sx_session *s, const sqlschema_table *t, int64_t v, bool called, sqlerr *err);
/* A new row id into the hidden key columns of a table without a primary key (sqlschema.h). */
void sx_fill_rowid(sx_session *s, const sqlschema_table *t, sqlval *vals, bool *given);
/* 0 when this node has used up its 65535 table ids. */
uint32_t sx_table_new_id(sx_session *s);
/* Takes t (put) on success. */
int sx_catalog_change(sx_session *s, bool drop, sqlschema_table *t, uint32_t id,
                      const char *name);
int sx_catalog_put(sx_exec *x, sqlschema_table *t);
/* storage's catalog_merge (see the catalog section of sqlexec.c): old may be NULL. */
int sx_catalog_merge(void *ctx, const uint8_t *old, size_t oldlen, const uint8_t *delta,
                     size_t dlen, uint8_t **out, size_t *outlen);
/* Sorts v by table id and renames every later same-name table "<name>_conflict_<id>". */
int sx_catalog_resolve_names(sqlschema_table **v, int n);
/* Takes op's allocations (also on error). */
int sx_record(sx_session *s, sx_op *op, sqlerr *err);
/* Frees what an operation owns (sx_record does on failure). */
void sx_op_free(sx_op *op);
/* Takes the write lock of a row for the session's transaction before a statement writes it
 * (sqllock.h). SQL_OK when held; SQL_ERR with s->lock_wait set when another transaction holds
 * it (the caller returns the error unchanged: the executor undoes the statement, waits and
 * runs it again), 40P01 when waiting would deadlock, 53200 on out of memory; in a REPEATABLE
 * READ transaction 40001 once held if the row changed since the transaction's snapshot. */
int sx_lock_row(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err);
/* The same without waiting (NOWAIT, SKIP LOCKED): 0 held, 1 another transaction holds it,
 * SQL_ERR on out of memory (or 40001 as sx_lock_row). */
int sx_lock_row_try(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen,
                    sqlerr *err);
/* REPEATABLE READ writers: the row at the transaction's snapshot against its latest committed
 * state: 0 the same (or not a REPEATABLE READ writer), 1 changed or inserted since, 2 gone
 * since, SQL_ERR. */
int sx_rr_changed(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err);
/* SERIALIZABLE read-write blocks: what a statement read, for the check at commit. A scan of
 * table_id (a range, an index, the whole table), or one row by its whole key (found or not).
 * No-ops outside such a block. 0, or SQL_ERR (out of memory). */
int sx_ser_read_table(sx_session *s, uint32_t table_id, sqlerr *err);
int sx_ser_read_row(sx_session *s, uint32_t table_id, const uint8_t *pk, size_t pklen, sqlerr *err);
storage_overlay *sx_preview(sx_session *s);
int sx_commit_start(sx_session *s, executor_error *err);
/* Starts the statement_timeout clock of a statement (the session's current setting). */
void sx_stmt_begin(sx_session *s);
/* pg_stat_activity: the statement the session starts (text of len bytes). */
void sx_note_query(sx_session *s, const char *text, size_t len);
/* pg_stat_activity's state of a session: "active", "idle", "idle in transaction", ... */
const char *sx_session_state(const sx_session *s, const sx_session *running);
/* SQL_OK, or SQL_ERR with 57014 when the statement was cancelled (every call) or ran past
 * statement_timeout (the clock is read every SX_TICK_ROWS calls: call it once per row). */
#define SX_TICK_ROWS 256
int sx_interrupted(sx_session *s, sqlerr *err);
/* A malloc'd copy of the per-table conflict counts (*out NULL when n is 0). 0 or -1 (OOM). */
int sx_conflicts_copy(sx_exec *x, sx_conflict_stat **out, int *n);

/* sqlrun_schema.c: schemas and name resolution (see its header comment) */
#define SX_NSP_CATALOG 11u
#define SX_NSP_PUBLIC SQLSCHEMA_NSP_PUBLIC
#define SX_NSP_INFO 13207u
#define SX_NSP_HELIOS 9900u
#define SX_ROLE_DB_OWNER 6171u /* pg_database_owner: owns schema public, as in PostgreSQL 15 */
typedef struct sx_schema {
    char name[64];
    uint32_t oid, owner;
} sx_schema;
struct sx_nspcache;
void sx_nspcache_free(struct sx_nspcache *c);
bool sx_nsp_builtin(uint32_t oid);
/* pg_catalog, information_schema, helios: their relations are the catalog's (sqlvirt.h) */
bool sx_nsp_virtual_name(const char *name);
/* every schema the session sees (malloc'd copy): built-ins first, then by oid */
int sx_schemas(sx_session *s, sx_schema **out, int *n);
int sx_schema_by_name(sx_session *s, const char *name, sx_schema *out); /* 1 found */
int sx_schema_by_oid(sx_session *s, uint32_t oid, sx_schema *out);    /* 1 found */
const char *sx_nsp_name(sx_session *s, uint32_t oid, char buf[64]);
/* t's schema as the session sees it (public for a table whose schema is gone) */
uint32_t sx_table_nsp(sx_session *s, const sqlschema_table *t);
/* search_path's schemas that exist and the role may use, in order; how many (<= cap) */
int sx_search_path(sx_session *s, uint32_t *out, int cap);
bool sx_nsp_in_path(sx_session *s, uint32_t nsp);
/* current_schema(): the first schema of search_path that exists (NULL: none) */
const char *sx_current_schema(sx_session *s);
/* The schemas to look name up in (SQLSCHEMA_PATH_MAX at most) and its name part. */
int sx_name_path(sx_session *s, const char *name, const char **rel, uint32_t *path);
/* 42501 "permission denied for schema s" when name carries a schema the role may not use. */
int sx_name_usage_check(sx_session *s, const char *name, sqlerr *err);
/* A FROM item's relation: schema NULL (search path), a catalog schema (NULL), or another. */
const sqlschema_table *sx_table_find_q(sx_session *s, const char *schema, const char *name);
/* The schema a new relation named name goes in: its own, or the first of search_path that
 * exists (3F000), where the role needs CREATE (42501). */
int sx_creation_nsp(sx_session *s, const char *name, uint32_t *nsp, sqlerr *err);
/* t's name as messages show it: bare when search_path finds it by that name, else schema.name */
int sx_display_name(sx_session *s, const sqlschema_table *t, char *buf, size_t cap);
/* t's name as a lookup key: bare in public, else with its schema (SQLAST_QUAL). */
int sx_qualified(sx_session *s, const sqlschema_table *t, char *buf, size_t cap);
int sqlrun_schema(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
/* Planning view v's definition: its bare names resolve in the path it was created under
 * (enter, then leave with what enter saved). */
typedef struct sx_vpath_saved {
    const uint32_t *p;
    int n;
} sx_vpath_saved;
void sx_vpath_enter(sx_session *s, const sqlschema_table *v, sx_vpath_saved *sv);
void sx_vpath_leave(sx_session *s, const sx_vpath_saved *sv);
/* regclass text ('t', 's.t', '"T"') as a lookup key for sx_table_find; -1 malformed */
int sx_regclass_key(const char *text, char *out, size_t cap);

/* sqlrun.c */
/* The relations view v's definition reads (their ids, at most cap; how many). */
int sqlrun_view_reads(sx_session *s, const sqlschema_table *v, uint32_t *ids, int cap);
/* DROP TABLE / VIEW / SEQUENCE st (names, cascade): what DROP SCHEMA ... CASCADE uses. */
int sqlrun_drop_relations(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
/* "drop cascades to ..." lines, and the NOTICE they make */
void sqlrun_cascade_add(char *lines, size_t cap, size_t *o, int *n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int sqlrun_cascade_notice(sx_result *res, const char *lines, int n, sqlerr *err);
/* Encodes the first n primary-key columns of vals (by column index) as a key prefix; 23502 for
 * a NULL key column. */
int sqlrun_pk_encode_n(const sqlschema_table *t, const sqlval *vals, int n, codec_buf *b,
                       sqlerr *err);
int sqlrun_plan(sx_session *s, sqlast_stmt *st, sx_plan *p, sqlerr *err);
/* COPY (query) TO STDOUT with the query planned in p: CopyData per row; *count rows. */
int sqlrun_copy_query(sx_session *s, const sqlast_stmt *st, sx_plan *p, executor_sink *sink,
                      uint64_t *count, sqlerr *err);
bool sqlrun_is_ddl(const sqlast_stmt *st);
void sqlrun_plan_free(sx_plan *p);
/* Runs a planned table statement (CREATE/DROP/INSERT/UPDATE/DELETE/SELECT with FROM). */
int sqlrun_exec(sx_session *s, sx_plan *p, const sqlval *params, int nparams, sx_result *res,
                sqlerr *err);
void sqlrun_result_free(sx_result *r);
/* Decodes a stored row into typed values (*out: t->ncols values, owned). Returns 1 when the
 * row is invisible (deleted), SQL_OK, or SQL_ERR. */
/* Queues a NOTICE for the client (sent before the statement's CommandComplete). */
/* code "!XXXXX": sent as a WARNING */
int sqlrun_notice_raw(sx_result *r, const char *stored, sqlerr *err);
int sqlrun_notice(sx_result *r, const char *code, sqlerr *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The row of t at pk as the transaction sees it (*out NULL: none). */
int sqlrun_row_get(sx_session *s, const sqlschema_table *t, const uint8_t *pk, size_t pklen,
                   sqlval **out, sqlerr *err);
/* ---- secondary indexes (sqlrun_index.c) ---- */
int sqlrun_create_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
int sqlrun_drop_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
int sqlrun_drop_constraint(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
int sqlrun_rename_index(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
/* REINDEX INDEX i | TABLE t: each index made again under a new oid (its entries rebuilt from
 * the rows); the statement returns once the builds are done, as CREATE INDEX. */
int sqlrun_reindex(sx_session *s, sqlast_stmt *st, sx_result *res, sqlerr *err);
/* The UNIQUE constraints and indexes of CREATE TABLE / ADD COLUMN on table t (just
 * recorded in the transaction). */
int sqlrun_add_indexes(sx_session *s, const sqlschema_table *t, const sqlast_stmt *st,
                       sx_result *res, sqlerr *err);
/* Drops (in the transaction) the indexes of table_id, or only those that use column col_id
 * (nonzero). */
int sqlrun_indexes_drop(sx_session *s, uint32_t table_id, uint16_t col_id, sqlerr *err);
/* ADD PRIMARY KEY gave the table a new id: its indexes are made again on it. */
int sqlrun_indexes_move(sx_session *s, uint32_t old_id, uint32_t new_id, sqlerr *err);
/* Compares every built index with a scan of its table at one snapshot: *diff = entries
 * missing plus entries that should not be there (each difference is logged). */
int sqlrun_index_check(sx_session *s, int64_t *diff, sqlerr *err);
/* helios.unique_violations: for each built unique index, every key several rows hold (two
 * regions wrote it concurrently), with its text and how many rows; fn per key. */
int sqlrun_unique_violations(sx_session *s,
                             int (*fn)(void *arg, const char *index, const char *table,
                                       const char *key, int64_t rows, sqlerr *err),
                             void *arg, sqlerr *err);
/* Whether a write to table t has index keys to check (a unique index) or to evaluate (an
 * expression key, whose errors are the write's). */
bool sqlrun_has_unique(sx_session *s, const sqlschema_table *t);
/* A view PostgreSQL would update automatically (and so does HeliosDB): one table or view in
 * FROM, no WITH, set operation, DISTINCT, grouping, LIMIT, aggregate or window function.
 * Column col (0-based, -1: the view as a whole) is updatable when it is a plain column. */
bool sqlrun_view_updatable(const sqlschema_table *view, int col);
/* 23505 when a row among pks (as the transaction now sees it) repeats the key of a unique
 * index held by another row. */
int sqlrun_unique_check(sx_session *s, const sqlschema_table *t, uint8_t *const *pks,
                        const size_t *lens, size_t n, sqlerr *err);
int sqlrun_row_values(const sqlschema_table *t, const uint8_t *pk, size_t pklen,
                      const uint8_t *val, size_t vlen, sqlval **out, sqlerr *err);
/* The same, decoding only the columns need[] marks (NULL: all); the others read NULL. */
int sqlrun_row_values_some(const sqlschema_table *t, const bool *need, const uint8_t *pk,
                           size_t pklen, const uint8_t *val, size_t vlen, sqlval **out,
                           sqlerr *err);
/* The same into the caller's t->ncols values (overwritten: NULLs unless SQL_OK). */
int sqlrun_row_values_into(const sqlschema_table *t, const bool *need, const uint8_t *pk,
                           size_t pklen, const uint8_t *val, size_t vlen, sqlval *v,
                           sqlerr *err);
/* COPY: the table (owned copy) and the column indexes (owned) a COPY statement names. */
int sqlrun_copy_plan(sx_session *s, const sqlast_stmt *st, sqlschema_table **t, int **cols,
                     int *ncols, sqlerr *err);
/* COPY TO STDOUT: every visible row through sink->copy_data (one line per CopyData). */
int sqlrun_copy_out(sx_session *s, const sqlast_stmt *st, const sqlschema_table *t,
                    const int *cols, int ncols, executor_sink *sink, uint64_t *count,
                    sqlerr *err);
/* COPY FROM STDIN: parses all of data (text or CSV per st) and records an upsert per row,
 * as INSERT does. */
int sqlrun_copy_in(sx_session *s, const sqlast_stmt *st, const sqlschema_table *t,
                   const int *cols, int ncols, const char *data, size_t len, uint64_t *count,
                   sqlerr *err);
/* Streaming SELECT (results are sent as the scan produces them, never collected). Open returns
 * 1 with a cursor, 0 (no cursor) when the statement needs the materialising sqlrun_exec (ORDER
 * BY, aggregates, GROUP BY, virtual tables, point reads), or SQL_ERR. The cursor borrows p,
 * params and s (they must outlive it) and holds a storage iterator over the transaction's
 * preview overlay: one consistent RocksDB view for the whole statement however often it
 * pauses, so the overlay must not change or be freed before sqlrun_cursor_free. next sends
 * rows through sink->data_row until the end (SQLRUN_DONE), max rows (max > 0: SQLRUN_MORE) or
 * sink->output_full (SQLRUN_FULL: call again later); SQL_ERR on errors (57014 included). */
typedef struct sqlrun_cursor sqlrun_cursor;
enum { SQLRUN_DONE = 0, SQLRUN_MORE = 1, SQLRUN_FULL = 2, SQLRUN_SLEEP = 3 };
int sqlrun_cursor_open(sx_session *s, sx_plan *p, const sqlval *params, int nparams,
                       sqlrun_cursor **out, sqlerr *err);
/* SQLRUN_SLEEP: a pg_sleep of the statement asked to wait (s->sleep_ns) before the next row
 * goes out: call again after the wait. */
int sqlrun_cursor_next(sqlrun_cursor *c, executor_sink *sink, size_t max, sqlerr *err);
void sqlrun_cursor_tag(const sqlrun_cursor *c, char *tag, size_t n); /* "SELECT n" */
size_t sqlrun_cursor_count(const sqlrun_cursor *c);                   /* rows sent so far */
void sqlrun_cursor_free(sqlrun_cursor *c);
/* Runs a relational plan to the end (INSERT ... SELECT reads its rows first): *rows owned, each
 * qp->q->ncols values. */
struct sqlplan;
int sqlrun_query_rows(sx_session *s, struct sqlplan *qp, const sqlexpr_ctx *base, sqlval ***rows,
                      size_t *n, sqlerr *err);
/* True when the statement is one sqlrun executes (else sqlexec.c runs it itself). */
bool sqlrun_handles(const sqlast_stmt *st);

#endif
