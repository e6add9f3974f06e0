/*
 * server/session.c — everything after authentication: the executor session, the simple and
 * extended query protocols (statement and portal tables, Describe, skip-to-Sync), the
 * executor_sink that encodes results (binary per Bind's result formats via proto/pgtypes),
 * asynchronous completion (EXEC_PENDING -> session_wake), ReadyForQuery, and the slow
 * statement log (sql.slow_statement_ms).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/sqlstate.h"
#include "server/conn.h"
#include "server/workers.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/sql/sqlparse.h"

/* ---- sink ------------------------------------------------------------------------------------ */

static int sink_row_description(executor_sink *s, const executor_column *cols, int n)
{
    conn *c = s->ctx;
    pgwire_column pc[n > 0 ? n : 1];
    for (int i = 0; i < n; i++)
        pc[i] = (pgwire_column){cols[i].name, cols[i].table_oid, cols[i].attnum,
                                cols[i].type_oid, cols[i].typlen, cols[i].typmod};
    return pgwire_put_row_description(&c->out, pc, n, NULL, 0);
}

static int sink_data_row(executor_sink *s, int n, const char *const *values, const size_t *lens)
{
    conn *c = s->ctx;
    conn_portal *cp = c->cur_portal;
    size_t start = c->out.len;
    size_t row = pgwire_data_row_begin(&c->out, n);
    int ncols = 0;
    const executor_column *cols = NULL;
    if (cp && cp->nformats) c->ex->ops->portal_describe(cp->p, &ncols, &cols);
    for (int i = 0; i < n; i++) {
        if (!values[i]) {
            pgwire_data_row_value(&c->out, NULL, -1);
            continue;
        }
        bool binary = cp && i < ncols && pgwire_format_at(cp->formats, cp->nformats, i) == 1;
        if (!binary) {
            pgwire_data_row_value(&c->out, values[i], (int32_t)lens[i]);
            continue;
        }
        pgtypes_buf_reset(&c->scratch);
        int r = pgtypes_text_to_binary(cols[i].type_oid, values[i], lens[i], &c->scratch);
        if (r < 0) {
            c->out.len = start; /* drop the half-built row */
            const char *tn = pgtypes_sql_name(cols[i].type_oid);
            executor_error_set(&c->sink_err, pgtypes_sqlstate(r), "%s %s: \"%.*s\"",
                               pgtypes_errmsg(r), tn ? tn : "?", (int)(lens[i] > 64 ? 64 : lens[i]),
                               values[i]);
            return -1;
        }
        pgwire_data_row_value(&c->out, c->scratch.data ? c->scratch.data : (const uint8_t *)"",
                              (int32_t)c->scratch.len);
    }
    return pgwire_msg_end(&c->out, row);
}

/* Tags of statements that end by making a commit durable (autocommit writes, COMMIT, DDL). */
static bool is_commit_tag(const char *tag)
{
    static const char *const words[] = {"INSERT", "UPDATE", "DELETE", "COMMIT", "CREATE",
                                        "DROP",   "ALTER",  "TRUNCATE", "COPY"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(tag, words[i], n) == 0 && (tag[n] == ' ' || tag[n] == '\0')) return true;
    }
    return false;
}

static int sink_command_complete(executor_sink *s, const char *tag)
{
    conn *c = s->ctx;
    metrics_statement_tag(tag);
    c->tag_commits = c->tag_commits || is_commit_tag(tag);
    return pgwire_put_command_complete(&c->out, tag);
}

static int sink_empty_query(executor_sink *s)
{
    conn *c = s->ctx;
    return pgwire_put_empty(&c->out, 'I');
}

static int sink_notice(executor_sink *s, const executor_error *n)
{
    conn *c = s->ctx;
    pgwire_error pe = {.severity = n->severity[0] ? n->severity : "NOTICE", .code = n->code,
                       .message = n->message, .detail = n->detail, .hint = n->hint,
                       .position = n->position};
    c->out_urgent = true; /* PostgreSQL flushes a notice at once, even mid-statement */
    return pgwire_put_error(&c->out, true, &pe);
}

static int sink_parameter_status(executor_sink *s, const char *name, const char *value)
{
    conn *c = s->ctx;
    return pgwire_put_param_status(&c->out, name, value);
}

static int sink_copy_begin(executor_sink *s, bool in, int ncols, bool binary)
{
    conn *c = s->ctx;
    return pgwire_put_copy_response(&c->out, in ? 'G' : 'H', ncols, binary);
}

static int sink_copy_data(executor_sink *s, const void *data, size_t len)
{
    conn *c = s->ctx;
    return pgwire_put_copy_data(&c->out, data, len);
}

static int sink_copy_done(executor_sink *s)
{
    conn *c = s->ctx;
    return pgwire_put_empty(&c->out, 'c');
}

static bool sink_output_full(executor_sink *s)
{
    conn *c = s->ctx;
    return c->inflight + c->out.len >= CONN_OUT_HIGH;
}

static int sink_statements_drop(executor_sink *s, const char *name, bool portals_too);
static int sink_statement_add(executor_sink *s, const char *name, executor_stmt *st,
                              const char *text);
static executor_stmt *sink_statement_find(executor_sink *s, const char *name);
static int sink_statements_each(executor_sink *s,
                                int (*fn)(void *arg, const char *name, const char *text,
                                          int64_t at_us, bool from_sql, executor_stmt *st),
                                void *arg);

static int sink_notification(executor_sink *s, uint32_t pid, const char *channel,
                             const char *payload)
{
    conn *c = s->ctx;
    return pgwire_put_notification(&c->out, pid, channel, payload);
}

/* Notifications waiting for the session go out (ops->notifications). Returns -1 when the
 * connection was closed (its queue overflowed, or the output failed). */
static int deliver_notifications(conn *c)
{
    c->notify_more = false;
    if (!c->ex->ops->notifications || !c->sess) return 0;
    executor_error err;
    memset(&err, 0, sizeof err);
    int r = c->ex->ops->notifications(c->sess, &c->sink, &err);
    if (r == EXEC_ERROR) {
        if (err.code[0]) {
            log_info("wire", "session of \"%s\" from %s ended: %s", c->user, c->addr, err.message);
            conn_send_error(c, &err, "FATAL");
            conn_close(c, true);
        } else {
            conn_close(c, false);
        }
        return -1;
    }
    c->notify_more = r == 1;
    return 0;
}

void session_notify_pump(conn *c)
{
    if (c->notifying) return;
    c->notifying = true;
    /* while the socket takes all we give it at once; once a write is queued, on_write goes on */
    do {
        if (c->state != CONN_READY || !c->at_ready || c->pending != PEND_NONE || c->copy_in)
            break;
        if (deliver_notifications(c)) break;
        conn_flush(c);
    } while (c->notify_more && c->inflight == 0 && c->state == CONN_READY);
    c->notifying = false;
}

/* The executor's notify_ready: take them now if the connection waits for a command, else
 * they go out before the next ReadyForQuery 'I'. */
static void sink_notify_ready(executor_sink *s)
{
    session_notify_pump(s->ctx);
}

void session_init_sink(conn *c)
{
    c->sink = (executor_sink){.row_description = sink_row_description,
                              .data_row = sink_data_row,
                              .command_complete = sink_command_complete,
                              .empty_query = sink_empty_query,
                              .notice = sink_notice,
                              .parameter_status = sink_parameter_status,
                              .copy_begin = sink_copy_begin,
                              .copy_data = sink_copy_data,
                              .copy_done = sink_copy_done,
                              .output_full = sink_output_full,
                              .statements_drop = sink_statements_drop,
                              .statement_add = sink_statement_add,
                              .statement_find = sink_statement_find,
                              .statements_each = sink_statements_each,
                              .notification = sink_notification,
                              .notify_ready = sink_notify_ready,
                              .ctx = c};
}

/* ---- slow statement log ---------------------------------------------------------------------
 * A Query or Execute that takes longer than sql.slow_statement_ms (0 = off) is logged once, when
 * it finishes (after any EXEC_PENDING wait): duration and the statement text cut to
 * SLOW_TEXT_MAX bytes. Parameter values are never logged: Execute logs the text Parse gave,
 * kept with the statement (conn_stmt.slow_text). */

#define SLOW_TEXT_MAX 200

static int slow_threshold_ms(const conn *c)
{
    const config *cfg = c->lsn ? listener_config(c->lsn) : NULL;
    return cfg ? cfg->sql.slow_statement_ms : 0;
}

/* One log line: control characters become spaces; a cut never splits a UTF-8 sequence. NULL
 * without memory (the statement then goes unlogged). */
static char *slow_copy_text(const char *sql, size_t len, bool *cut)
{
    size_t n = len;
    if (n > SLOW_TEXT_MAX) {
        n = SLOW_TEXT_MAX;
        while (n > 0 && ((unsigned char)sql[n] & 0xc0) == 0x80) n--;
    }
    *cut = n < len;
    char *t = malloc(n + 1);
    if (!t) return NULL;
    for (size_t i = 0; i < n; i++) t[i] = (unsigned char)sql[i] < 0x20 || sql[i] == 0x7f ? ' ' : sql[i];
    t[n] = 0;
    return t;
}

static void slow_clear(conn *c)
{
    free(c->slow_text);
    c->slow_text = NULL;
}

static void slow_begin(conn *c, const char *sql, size_t len)
{
    slow_clear(c);
    if (slow_threshold_ms(c) <= 0) return;
    c->slow_text = slow_copy_text(sql, len, &c->slow_cut);
    c->slow_start_ns = uv_hrtime();
}

static void slow_begin_execute(conn *c, const conn_portal *cp)
{
    const conn_stmt *cs = cp->stmt;
    if (!cs || !cs->slow_text) {
        slow_clear(c);
        return;
    }
    slow_begin(c, cs->slow_text, strlen(cs->slow_text));
    if (c->slow_text) c->slow_cut = cs->slow_cut;
}

static void slow_end(conn *c)
{
    if (!c->slow_text) return;
    int threshold = slow_threshold_ms(c);
    double ms = (double)(uv_hrtime() - c->slow_start_ns) / 1e6;
    if (threshold > 0 && ms >= threshold)
        log_warn("sql", "slow statement (%.1f ms > %d ms) from %s, user \"%s\": %s%s", ms,
                 threshold, c->addr, c->user ? c->user : "", c->slow_text, c->slow_cut ? "..." : "");
    slow_clear(c);
}

/* ---- statement and portal tables --------------------------------------------------------- */

static void drop_stmt(conn *c, conn_stmt *s);

static conn_stmt *find_stmt(conn *c, const char *name)
{
    return (conn_stmt *)nametab_find(&c->stmts, name);
}

static conn_portal *find_portal(conn *c, const char *name)
{
    return (conn_portal *)nametab_find(&c->portals, name);
}

/* Frees a portal (removed from c->portals first when `indexed`). */
static void free_portal(conn *c, conn_portal *p, bool indexed)
{
    if (indexed) nametab_remove(&c->portals, &p->ent);
    if (p->stmt) p->stmt->nportals--;
    if (c->cur_portal == p) c->cur_portal = NULL;
    if (p->p) c->ex->ops->portal_free(p->p);
    free(p->ent.name);
    free(p->formats);
    free(p);
}

static void drop_portal(conn *c, conn_portal *p)
{
    free_portal(c, p, true);
}

static void drop_all_portals(conn *c)
{
    nametab_entry *e;
    while ((e = nametab_first(&c->portals))) drop_portal(c, (conn_portal *)e);
    nametab_free(&c->portals);
}

static void drop_portal_of(nametab_entry *e, void *arg)
{
    void **a = arg;
    conn_portal *p = (conn_portal *)e;
    if (p->stmt == a[1]) drop_portal(a[0], p);
}

/* Closing a statement closes the portals bound from it, as in PostgreSQL. */
static void drop_stmt(conn *c, conn_stmt *s)
{
    if (s->nportals) {
        void *a[2] = {c, s};
        nametab_each(&c->portals, drop_portal_of, a);
    }
    nametab_remove(&c->stmts, &s->ent);
    c->ex->ops->stmt_free(s->st);
    free(s->slow_text);
    free(s->text);
    free(s->ent.name);
    free(s);
}

/* microseconds since 2000-01-01 UTC (PostgreSQL's timestamptz) */
static int64_t now_us_2000(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec - 946684800) * 1000000 + ts.tv_nsec / 1000;
}

static int sink_statement_add(executor_sink *s, const char *name, executor_stmt *st,
                              const char *text)
{
    conn *c = s->ctx;
    if (!name[0] || find_stmt(c, name)) return 1;
    if (c->stmts.n >= CONN_MAX_STATEMENTS) return 2;
    conn_stmt *cs = calloc(1, sizeof(*cs));
    if (!cs || !(cs->ent.name = strdup(name)) || !(cs->text = strdup(text ? text : "")) ||
        nametab_add(&c->stmts, &cs->ent)) {
        if (cs) {
            free(cs->ent.name);
            free(cs->text);
        }
        free(cs);
        return -1;
    }
    cs->st = st;
    cs->from_sql = true;
    cs->at_us = now_us_2000();
    return 0;
}

static executor_stmt *sink_statement_find(executor_sink *s, const char *name)
{
    conn_stmt *cs = name[0] ? find_stmt(s->ctx, name) : NULL;
    return cs ? cs->st : NULL;
}

typedef struct each_ctx {
    int (*fn)(void *arg, const char *name, const char *text, int64_t at_us, bool from_sql,
              executor_stmt *st);
    void *arg;
    int rc;
} each_ctx;

static void each_stmt(nametab_entry *e, void *arg)
{
    each_ctx *x = arg;
    conn_stmt *cs = (conn_stmt *)e;
    if (x->rc || !cs->ent.name[0]) return;
    x->rc = x->fn(x->arg, cs->ent.name, cs->text ? cs->text : "", cs->at_us, cs->from_sql, cs->st);
}

static int sink_statements_each(executor_sink *s,
                                int (*fn)(void *arg, const char *name, const char *text,
                                          int64_t at_us, bool from_sql, executor_stmt *st),
                                void *arg)
{
    conn *c = s->ctx;
    each_ctx x = {fn, arg, 0};
    nametab_each(&c->stmts, each_stmt, &x);
    return x.rc;
}

typedef struct drop_ctx {
    conn *c;
    const conn_portal *keep; /* the running Execute's portal and its statement survive */
} drop_ctx;

static void drop_portal_unless_kept(nametab_entry *e, void *arg)
{
    drop_ctx *d = arg;
    if ((conn_portal *)e != d->keep) drop_portal(d->c, (conn_portal *)e);
}

static void drop_stmt_unless_kept(nametab_entry *e, void *arg)
{
    drop_ctx *d = arg;
    if (!d->keep || (conn_stmt *)e != d->keep->stmt) drop_stmt(d->c, (conn_stmt *)e);
}

static int sink_statements_drop(executor_sink *s, const char *name, bool portals_too)
{
    conn *c = s->ctx;
    drop_ctx d = {c, c->cur_portal};
    if (name) {
        conn_stmt *cs = find_stmt(c, name);
        if (!cs || !name[0]) return 1;
        if (!d.keep || cs != d.keep->stmt) drop_stmt(c, cs);
        return 0;
    }
    if (portals_too) nametab_each(&c->portals, drop_portal_unless_kept, &d);
    nametab_each(&c->stmts, drop_stmt_unless_kept, &d);
    return 0;
}

void session_free(conn *c)
{
    if (!c->sess) return;
    drop_all_portals(c);
    nametab_entry *e;
    while ((e = nametab_first(&c->stmts))) drop_stmt(c, (conn_stmt *)e);
    nametab_free(&c->stmts);
    slow_clear(c);
    c->ex->ops->session_del(c->sess);
    c->sess = NULL;
    c->pending = PEND_NONE;
}

/* ---- session start ------------------------------------------------------------------------- */

/* HeliosDB serves one database. It answers to the names clients and tools use for "the"
 * database (postgres, template1 for createdb/psql -l style tools, heliosdb) and to the user's
 * own name (libpq's default dbname); any other name is a typo or a wrong server, refused with
 * PostgreSQL's 3D000 after authentication, as PostgreSQL does. Documented in docs/security.md. */
static bool database_served(const conn *c)
{
    static const char *const names[] = {"postgres", "template1", "heliosdb"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(c->database, names[i])) return true;
    return !strcmp(c->database, c->user);
}

int session_start(conn *c)
{
    /* No role can have a name that is not UTF-8 (CREATE ROLE's text is checked), so PostgreSQL
       answers such a name as an unknown role. */
    size_t ulen = strlen(c->user);
    if (pgtypes_utf8_valid_len((const uint8_t *)c->user, ulen) != ulen) {
        char shown[200];
        log_escape(shown, sizeof shown, c->user);
        log_info("wire", "refusing %s user \"%s\": not valid UTF-8", c->addr, c->user);
        conn_fatal(c, SQLSTATE_INVALID_AUTHORIZATION_SPECIFICATION, "role \"%s\" does not exist",
                   shown);
        return -1;
    }
    if (!database_served(c)) {
        log_info("wire", "refusing %s user \"%s\": database \"%s\" does not exist", c->addr,
                 c->user, c->database);
        conn_fatal(c, SQLSTATE_INVALID_CATALOG_NAME, "database \"%s\" does not exist", c->database);
        return -1;
    }
    executor_startup st = {
        .user = c->user,
        .database = c->database,
        .nparams = c->nparams,
        .names = (const char *const *)c->pnames,
        .values = (const char *const *)c->pvalues,
        .client_addr = c->addr,
    };
    listener_register(c->lsn, c);
    st.backend_pid = c->pid;
    st.users_file = users_find(listener_users(c->lsn), c->user) != NULL;
    executor_error err;
    memset(&err, 0, sizeof err);
    if (c->ex->ops->session_new(c->ex, &st, &c->sink, session_wake, c, &c->sess, &err) < 0) {
        c->sess = NULL;
        log_info("wire", "session for user \"%s\" from %s refused: %s", c->user, c->addr,
                 err.message);
        snprintf(err.severity, sizeof err.severity, "FATAL");
        conn_send_error(c, &err, "FATAL");
        conn_close(c, true);
        return -1;
    }
    listener_session_ready(c->lsn, c);
    pgwire_put_backend_key(&c->out, c->pid, c->key);
    pgwire_put_ready(&c->out, 'I');
    c->at_ready = true;
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void send_ready(conn *c)
{
    char st = c->ex->ops->txn_status(c->sess);
    /* PostgreSQL delivers notifications when a transaction has ended, before ReadyForQuery */
    if (st == 'I' && deliver_notifications(c)) return;
    pgwire_put_ready(&c->out, st);
    c->at_ready = st == 'I';
    if (st == 'I') drop_all_portals(c); /* non-holdable portals end with their transaction */
    if (c->terminate_when_idle || (c->ex->ops->terminated && c->ex->ops->terminated(c->sess))) {
        conn_fatal(c, SQLSTATE_ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        return;
    }
    conn_start_idle_timer(c);
}

/* An error in the extended protocol: report it, fail the transaction, skip to Sync. */
static void ext_error(conn *c, const executor_error *e)
{
    conn_send_error(c, e, "ERROR");
    c->ex->ops->note_error(c->sess);
    c->skip_to_sync = true;
}

static void ext_error_msg(conn *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ext_error_msg(conn *c, const char *code, const char *fmt, ...)
{
    executor_error e;
    executor_error_set(&e, code, "%s", "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    ext_error(c, &e);
}

/* The error the executor reported, or the sink's if the executor left it empty. */
static executor_error *pick_err(conn *c, executor_error *err)
{
    if (!err->code[0] && c->sink_err.code[0]) return &c->sink_err;
    if (!err->code[0]) executor_error_set(err, SQLSTATE_INTERNAL_ERROR, "internal error");
    return err;
}

/* PostgreSQL verifies every string a client sends against the encoding (pg_client_to_server)
 * before it parses anything: 0 when text[0..len) is valid UTF-8 without NUL, else e holds 22021
 * with PostgreSQL's message and -1. */
static int check_encoding(const char *text, size_t len, executor_error *e)
{
    size_t ok = pgtypes_utf8_valid_len((const uint8_t *)text, len);
    if (ok == len) return 0;
    executor_error_set(e, SQLSTATE_CHARACTER_NOT_IN_REPERTOIRE, "%s", "");
    pgtypes_utf8_invalid_message((const uint8_t *)text + ok, len - ok, e->message,
                                 sizeof e->message);
    return -1;
}

static void on_long_identifier(void *arg, const char *ident, size_t n, size_t cut)
{
    conn *c = arg;
    executor_error note;
    memset(&note, 0, sizeof note);
    snprintf(note.severity, sizeof note.severity, "NOTICE");
    snprintf(note.code, sizeof note.code, "%s", SQLSTATE_NAME_TOO_LONG);
    snprintf(note.message, sizeof note.message, "identifier \"%.*s\" will be truncated to \"%.*s\"",
             (int)n, ident, (int)cut, ident);
    sink_notice(&c->sink, &note);
}

/* PostgreSQL's scanner notices identifiers it truncates to 63 bytes; libpg_query truncates them
 * the same way, silently, so the notices are found here, before the text runs (as in
 * PostgreSQL, where the whole Query string is scanned before its first statement runs). */
static void notice_long_identifiers(conn *c, const char *sql, size_t len)
{
    sqlparse_long_identifiers(sql, len, on_long_identifier, c);
}

/* Finishes a Query / Execute / Sync according to the executor's answer. */
static void finish(conn *c, conn_pending what, int r, executor_error *err)
{
    if (r == EXEC_PENDING || r == EXEC_PENDING_OUTPUT) {
        if (!c->pending_since) c->pending_since = uv_hrtime();
        c->pending = what;
        conn_update_reading(c);
        if (r == EXEC_PENDING_OUTPUT) {
            /* The output is over CONN_OUT_HIGH: queue it; on_write resumes the statement once
               it drained below CONN_OUT_LOW (the queue is not empty, so on_write will come). */
            c->wait_output = true;
            conn_flush(c);
        }
        return;
    }
    c->pending = PEND_NONE;
    if (r != EXEC_COPY_IN && what != PEND_SYNC) slow_end(c);
    /* The executor goes EXEC_PENDING once it has queued the commit; a statement that then
       completes with a commit-making tag has waited for durability that long. */
    if (c->pending_since && c->tag_commits)
        metrics_commit_observe((double)(uv_hrtime() - c->pending_since) / 1e9);
    c->pending_since = 0;
    c->tag_commits = false;
    if (r == EXEC_COPY_IN && what == PEND_QUERY) {
        c->copy_in = true; /* ReadyForQuery waits for the end of the copy */
        return;
    }
    switch (what) {
    case PEND_QUERY:
        if (r == EXEC_ERROR) conn_send_error(c, pick_err(c, err), "ERROR");
        send_ready(c);
        break;
    case PEND_EXECUTE:
        c->cur_portal = NULL;
        if (r == EXEC_SUSPENDED) pgwire_put_empty(&c->out, 's');
        if (r == EXEC_ERROR) ext_error(c, pick_err(c, err));
        break;
    case PEND_SYNC:
        if (r == EXEC_ERROR) conn_send_error(c, pick_err(c, err), "ERROR");
        send_ready(c);
        break;
    case PEND_NONE: break;
    }
}

static void session_wake_(conn *c);

void session_wake(void *arg)
{
    conn *c = arg;
    worker *w = c->worker;
    worker_work_begin(w);
    session_wake_(c);
    worker_work_end(w);
}

static void session_wake_(conn *c)
{
    if (c->state == CONN_CLOSING) return;
    if (c->pending == PEND_NONE) { /* nothing to resume: maybe pg_terminate_backend */
        if (c->ex->ops->terminated && c->ex->ops->terminated(c->sess)) {
            conn_fatal(c, SQLSTATE_ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        }
        return;
    }
    executor_error err;
    memset(&err, 0, sizeof err);
    memset(&c->sink_err, 0, sizeof c->sink_err);
    conn_pending what = c->pending;
    c->pending = PEND_NONE;
    int r = c->ex->ops->resume(c->sess, &c->sink, &err);
    finish(c, what, r, &err);
    if (c->state == CONN_CLOSING) return;
    conn_process(c); /* input that waited behind the pending statement */
    conn_flush(c);
    if (conn_eof_done(c)) return;
    conn_update_reading(c);
}

/* ---- messages ------------------------------------------------------------------------------ */

static void msg_query(conn *c, const pgwire_msg *m)
{
    const char *sql;
    size_t len;
    if (pgwire_parse_query(m, &sql, &len) < 0) {
        conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Query message");
        return;
    }
    executor_error err;
    memset(&err, 0, sizeof err);
    if (check_encoding(sql, len, &err)) {
        conn_send_error(c, &err, "ERROR");
        c->ex->ops->note_error(c->sess);
        send_ready(c);
        return;
    }
    notice_long_identifiers(c, sql, len);
    /* The simple protocol drops the unnamed portal, as PostgreSQL does. */
    conn_portal *up = find_portal(c, "");
    if (up) drop_portal(c, up);
    memset(&c->sink_err, 0, sizeof c->sink_err);
    c->cur_portal = NULL;
    slow_begin(c, sql, len);
    int r = c->ex->ops->simple_query(c->sess, sql, len, &c->sink, &err);
    finish(c, PEND_QUERY, r, &err);
}

static void msg_parse(conn *c, const pgwire_msg *m)
{
    pgwire_parse p;
    if (pgwire_parse_parse(m, &p) < 0) {
        ext_error_msg(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Parse message");
        return;
    }
    executor_error err;
    memset(&err, 0, sizeof err);
    if (check_encoding(p.name, strlen(p.name), &err) ||
        check_encoding(p.query, p.querylen, &err)) {
        ext_error(c, &err);
        return;
    }
    notice_long_identifiers(c, p.query, p.querylen);
    conn_stmt *old = find_stmt(c, p.name);
    if (old && p.name[0]) {
        ext_error_msg(c, SQLSTATE_DUPLICATE_PREPARED_STATEMENT,
                      "prepared statement \"%s\" already exists", p.name);
        return;
    }
    if (old) drop_stmt(c, old);
    if (c->stmts.n >= CONN_MAX_STATEMENTS) {
        ext_error_msg(c, SQLSTATE_PROGRAM_LIMIT_EXCEEDED,
                      "too many prepared statements on this connection (%d); close unused ones",
                      CONN_MAX_STATEMENTS);
        return;
    }
    uint32_t oids[p.nparams > 0 ? p.nparams : 1];
    for (int i = 0; i < p.nparams; i++) oids[i] = pgwire_u32_at(p.oids, i);
    executor_stmt *st;
    if (c->ex->ops->prepare(c->sess, p.query, p.querylen, oids, p.nparams, &st, &err) < 0) {
        ext_error(c, pick_err(c, &err));
        return;
    }
    conn_stmt *cs = calloc(1, sizeof(*cs));
    if (!cs || !(cs->ent.name = strdup(p.name)) || nametab_add(&c->stmts, &cs->ent)) {
        if (cs) free(cs->ent.name);
        free(cs);
        c->ex->ops->stmt_free(st);
        conn_fatal(c, SQLSTATE_OUT_OF_MEMORY, "out of memory");
        return;
    }
    cs->st = st;
    if (p.name[0]) { /* pg_prepared_statements lists it (best effort: without memory, no text) */
        cs->text = strndup(p.query, p.querylen);
        cs->at_us = now_us_2000();
    }
    /* best effort: without memory the statement goes unlogged; a later SIGHUP enabling the
       log misses the statements prepared before it */
    if (slow_threshold_ms(c) > 0) cs->slow_text = slow_copy_text(p.query, p.querylen, &cs->slow_cut);
    pgwire_put_empty(&c->out, '1');
}

static void msg_bind(conn *c, const pgwire_msg *m)
{
    pgwire_bind b;
    executor_error err;
    memset(&err, 0, sizeof err);
    int r = pgwire_parse_bind(m, &b);
    if (r < 0) {
        ext_error_msg(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Bind message");
        return;
    }
    char **vals = NULL;
    size_t *lens = NULL;
    conn_stmt *cs = find_stmt(c, b.stmt);
    if (!cs) {
        ext_error_msg(c, SQLSTATE_INVALID_SQL_STATEMENT_NAME,
                      "prepared statement \"%s\" does not exist", b.stmt);
        goto out;
    }
    executor_stmt_info info;
    c->ex->ops->stmt_describe(cs->st, &info);
    if (b.nparams != info.nparams) {
        executor_error_set(&err, SQLSTATE_PROTOCOL_VIOLATION,
                           "bind message supplies %d parameters, but prepared statement \"%s\" "
                           "requires %d",
                           b.nparams, b.stmt, info.nparams);
        ext_error(c, &err);
        goto out;
    }
    int ncols = info.ncols < 0 ? 0 : info.ncols;
    if (b.nresults > 1 && b.nresults != ncols) {
        executor_error_set(&err, SQLSTATE_PROTOCOL_VIOLATION,
                           "bind message has %d result formats but query has %d columns",
                           b.nresults, ncols);
        ext_error(c, &err);
        goto out;
    }
    for (int i = 0; i < ncols; i++)
        if (pgwire_format_at(b.results, b.nresults, i) == 1 &&
            !pgtypes_has_binary(info.cols[i].type_oid)) {
            const char *tn = pgtypes_sql_name(info.cols[i].type_oid);
            executor_error_set(&err, SQLSTATE_UNDEFINED_FUNCTION,
                               "no binary output function available for type %s", tn ? tn : "?");
            ext_error(c, &err);
            goto out;
        }
    vals = calloc((size_t)b.nparams + 1, sizeof(char *));
    lens = calloc((size_t)b.nparams + 1, sizeof(size_t));
    if (!vals || !lens) goto oom;
    for (int i = 0; i < b.nparams; i++) {
        const pgwire_value *v = &b.params[i];
        if (!v->data) continue;
        if (pgwire_bind_param_format(&b, i) == 1) {
            pgtypes_buf_reset(&c->scratch);
            int cr = pgtypes_binary_to_text(info.param_oids[i], v->data, (size_t)v->len,
                                            &c->scratch);
            if (cr < 0) {
                const char *tn = pgtypes_sql_name(info.param_oids[i]);
                executor_error_set(&err, cr == PGTYPES_EUNSUPPORTED ? SQLSTATE_FEATURE_NOT_SUPPORTED
                                                                     : pgtypes_sqlstate(cr),
                                   "%s %s in binary parameter $%d", pgtypes_errmsg(cr),
                                   tn ? tn : "?", i + 1);
                ext_error(c, &err);
                goto out;
            }
            vals[i] = strndup(c->scratch.data ? (const char *)c->scratch.data : "", c->scratch.len);
            lens[i] = c->scratch.len;
        } else {
            if (check_encoding((const char *)v->data, (size_t)v->len, &err)) {
                ext_error(c, &err);
                goto out;
            }
            vals[i] = strndup((const char *)v->data, (size_t)v->len);
            lens[i] = (size_t)v->len;
        }
        if (!vals[i]) goto oom;
    }
    executor_portal *ep;
    if (c->ex->ops->bind(c->sess, cs->st, b.nparams, (const char *const *)vals, lens, &ep, &err) <
        0) {
        ext_error(c, pick_err(c, &err));
        goto out;
    }
    conn_portal *old = find_portal(c, b.portal);
    if (old && b.portal[0]) {
        c->ex->ops->portal_free(ep);
        ext_error_msg(c, SQLSTATE_DUPLICATE_CURSOR, "portal \"%s\" already exists", b.portal);
        goto out;
    }
    if (old) drop_portal(c, old);
    if (c->portals.n >= CONN_MAX_PORTALS) {
        c->ex->ops->portal_free(ep);
        ext_error_msg(c, SQLSTATE_PROGRAM_LIMIT_EXCEEDED,
                      "too many portals on this connection (%d); close unused ones",
                      CONN_MAX_PORTALS);
        goto out;
    }
    conn_portal *cp = calloc(1, sizeof(*cp));
    if (!cp || !(cp->ent.name = strdup(b.portal))) {
        free(cp);
        c->ex->ops->portal_free(ep);
        goto oom;
    }
    cp->p = ep;
    if (b.nresults) {
        cp->formats = malloc((size_t)b.nresults * 2);
        if (!cp->formats) {
            free_portal(c, cp, false);
            goto oom;
        }
        memcpy(cp->formats, b.results, (size_t)b.nresults * 2);
        cp->nformats = b.nresults;
    }
    if (nametab_add(&c->portals, &cp->ent)) {
        free_portal(c, cp, false);
        goto oom;
    }
    cp->stmt = cs;
    cs->nportals++;
    pgwire_put_empty(&c->out, '2');
    goto out;
oom:
    conn_fatal(c, SQLSTATE_OUT_OF_MEMORY, "out of memory");
out:
    if (vals)
        for (int i = 0; i < b.nparams; i++) free(vals[i]);
    free(vals);
    free(lens);
    pgwire_bind_free(&b);
}

static void put_row_description(conn *c, const executor_column *cols, int n,
                                const uint8_t *formats, int nformats)
{
    pgwire_column pc[n > 0 ? n : 1];
    for (int i = 0; i < n; i++)
        pc[i] = (pgwire_column){cols[i].name, cols[i].table_oid, cols[i].attnum,
                                cols[i].type_oid, cols[i].typlen, cols[i].typmod};
    pgwire_put_row_description(&c->out, pc, n, formats, nformats);
}

static void msg_describe(conn *c, const pgwire_msg *m)
{
    char kind;
    const char *name;
    if (pgwire_parse_describe(m, &kind, &name) < 0) {
        ext_error_msg(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Describe message");
        return;
    }
    if (kind == 'S') {
        conn_stmt *cs = find_stmt(c, name);
        if (!cs) {
            ext_error_msg(c, SQLSTATE_INVALID_SQL_STATEMENT_NAME,
                          "prepared statement \"%s\" does not exist", name);
            return;
        }
        executor_stmt_info info;
        c->ex->ops->stmt_describe(cs->st, &info);
        pgwire_put_param_description(&c->out, info.param_oids, info.nparams);
        if (info.ncols < 0)
            pgwire_put_empty(&c->out, 'n');
        else
            put_row_description(c, info.cols, info.ncols, NULL, 0);
        return;
    }
    conn_portal *cp = find_portal(c, name);
    int ncols;
    const executor_column *cols;
    if (!cp) { /* a cursor DECLAREd in SQL is a portal too (psycopg 3's named cursors) */
        if (*name && c->ex->ops->cursor_describe &&
            c->ex->ops->cursor_describe(c->sess, name, &ncols, &cols) == 1) {
            if (ncols < 0) pgwire_put_empty(&c->out, 'n');
            else put_row_description(c, cols, ncols, NULL, 0);
            return;
        }
        ext_error_msg(c, SQLSTATE_INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
        return;
    }
    c->ex->ops->portal_describe(cp->p, &ncols, &cols);
    if (ncols < 0)
        pgwire_put_empty(&c->out, 'n');
    else
        put_row_description(c, cols, ncols, cp->formats, cp->nformats);
}

static void msg_execute(conn *c, const pgwire_msg *m)
{
    const char *name;
    uint32_t max_rows;
    if (pgwire_parse_execute(m, &name, &max_rows) < 0) {
        ext_error_msg(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Execute message");
        return;
    }
    conn_portal *cp = find_portal(c, name);
    if (!cp) {
        ext_error_msg(c, SQLSTATE_INVALID_CURSOR_NAME, "portal \"%s\" does not exist", name);
        return;
    }
    executor_error err;
    memset(&err, 0, sizeof err);
    memset(&c->sink_err, 0, sizeof c->sink_err);
    c->cur_portal = cp;
    slow_begin_execute(c, cp);
    int r = c->ex->ops->execute(c->sess, cp->p, max_rows, &c->sink, &err);
    finish(c, PEND_EXECUTE, r, &err);
}

static void msg_close(conn *c, const pgwire_msg *m)
{
    char kind;
    const char *name;
    if (pgwire_parse_describe(m, &kind, &name) < 0) {
        ext_error_msg(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid Close message");
        return;
    }
    /* Closing something that does not exist is not an error. */
    if (kind == 'S') {
        conn_stmt *cs = find_stmt(c, name);
        if (cs) drop_stmt(c, cs);
    } else {
        conn_portal *cp = find_portal(c, name);
        if (cp) drop_portal(c, cp);
    }
    pgwire_put_empty(&c->out, '3');
}

static void msg_sync(conn *c)
{
    c->skip_to_sync = false;
    executor_error err;
    memset(&err, 0, sizeof err);
    int r = c->ex->ops->sync(c->sess, &err);
    finish(c, PEND_SYNC, r, &err);
}

/* COPY FROM STDIN: the client streams CopyData, then CopyDone or CopyFail. */
static void msg_copy(conn *c, const pgwire_msg *m)
{
    executor_error err;
    memset(&err, 0, sizeof err);
    memset(&c->sink_err, 0, sizeof c->sink_err);
    if (m->type == 'H' || m->type == 'S') return; /* ignored in copy-in mode, as PostgreSQL */
    int what = m->type == 'd' ? EXEC_COPY_DATA : m->type == 'c' ? EXEC_COPY_DONE : EXEC_COPY_FAIL;
    const void *data = m->body;
    size_t len = m->len;
    if (what == EXEC_COPY_FAIL && len && m->body[len - 1] == 0) len--; /* the NUL */
    int r = c->ex->ops->copy_in(c->sess, what, data, len, &c->sink, &err);
    if (r == EXEC_COPY_IN) return;
    c->copy_in = false;
    /* after an error the client may still be sending: its copy messages are dropped */
    c->copy_discard = r == EXEC_ERROR && what == EXEC_COPY_DATA;
    finish(c, PEND_QUERY, r, &err);
}

int session_message(conn *c, const pgwire_msg *m)
{
    c->at_ready = false;
    if (c->copy_in && m->type == 'X') {
        conn_close(c, false);
        return -1;
    }
    if (c->copy_in && c->ex->ops->copy_in) {
        msg_copy(c, m);
        if (c->state == CONN_CLOSING || c->pending != PEND_NONE) return -1;
        return 0;
    }
    if (c->copy_discard) {
        if (m->type == 'd' || m->type == 'c' || m->type == 'f') return 0;
        c->copy_discard = false;
    }
    if (c->skip_to_sync && m->type != 'S' && m->type != 'X') return 0;
    switch (m->type) {
    case 'Q': msg_query(c, m); break;
    case 'P': msg_parse(c, m); break;
    case 'B': msg_bind(c, m); break;
    case 'D': msg_describe(c, m); break;
    case 'E': msg_execute(c, m); break;
    case 'C': msg_close(c, m); break;
    case 'S': msg_sync(c); break;
    case 'H': conn_flush(c); break;
    case 'd':
    case 'c':
    case 'f':
        /* CopyData/CopyDone/CopyFail outside COPY: ignored, as the protocol says and
           PostgreSQL does (a client streaming a COPY optimistically sends them after the
           COPY failed or was refused) */
        break;
    case 'X': conn_close(c, false); return -1;
    default:
        conn_fatal(c, SQLSTATE_PROTOCOL_VIOLATION, "invalid frontend message type %d", m->type);
        return -1;
    }
    if (c->state == CONN_CLOSING || c->pending != PEND_NONE) return -1;
    return 0;
}
