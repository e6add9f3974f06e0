#!/usr/bin/python3
"""tests/integration/test_sql_growth.py — SQL statements grown toward the limits (issue #21,
"Deliver also"): instead of random bytes, each family below builds one statement shape at
doubling sizes and sends it over one psycopg2 session to a `heliosdb --dev` node with
SET statement_timeout = '5s'.

  1  SELECT 1+1+...+1 and SELECT 'a'||'a'||...: n terms, 2 .. 131,072
  2  SELECT ((((1)))) (2 .. 32,768 levels), nested CASE WHEN true THEN (...) END (2 .. 8,192)
  3  SELECT (SELECT (SELECT ... 1)) and nested derived tables: n levels, 2 .. 4,096
  4  x IN (1,...,n) over a 10-row table, VALUES (1),...,(n): 2 .. 131,072
  5  ARRAY[1,...,n] with cardinality, '{1,...,n}'::int[]: 2 .. 131,072; array_agg over
     generate_series(1, n): 2 .. 1,048,576
  6  jsonb: '[[[...]]]' n deep; a nested object read back by an n-long -> chain (2 .. 16,384);
     jsonb_build_object with n pairs (PostgreSQL takes at most 100 arguments: 54023); a literal
     with n keys read by jsonb_each_text and an array of n elements read by
     jsonb_array_elements_text: 2 .. 131,072
  7  CRDT columns (HeliosDB only, docs/crdt-types.md): aw_set INSERT of n elements, then
     UPDATE s = s || ARRAY[n more], lww_map INSERT of n keys, each read back whole: 2 .. 20,000
  8  CREATE TABLE with n columns (1,600 allowed, 54011 past it), then a row in and out; a SELECT
     list of n expressions (PostgreSQL: at most 1,664, 54011); identifiers of n characters
     (truncated to 63 bytes) as a column alias, and as table and column names

Invariants, for every statement: it ends with a result or a clean error (a psycopg2.Error with a
5-character SQLSTATE), the session answers SELECT 1 afterwards, the daemon is alive. After each
family a second session, opened at the start and idle since, answers SELECT 1 (nothing stalled
other clients). At the end the node is restarted on its data directory and must read back the
tables written before (what the families created must not leave a catalog it cannot load).

Expected answers, from what PostgreSQL 15 does: a result is the right value (computed from n);
a nesting statement (families 1-3, jsonb depth, -> chains) may instead be refused with 54001
"stack depth limit exceeded" (HeliosDB's stack guard, server/sql/sqlerr.h, and its bound before
the recursive parser, server/sql/sqlparse.c) or with the 42601 "memory exhausted" of the
grammar's stack that PostgreSQL gives too, never with anything else; no statement may get
53xxx (insufficient resources: they are all small) or 57014 (lists do not nest, so IN, VALUES,
arrays, jsonb keys and CRDT elements must answer at every size within the timeout: at 20,000
CRDT elements that shows there is no quadratic cost).

The same statements run on a PostgreSQL 15 (wirelib.PgServer) and the outcomes are compared:
the same column names and rows, or errors of the same SQLSTATE class. The accepted differences
come from the two stack limits (accepted_difference): HeliosDB answering where PostgreSQL gives
54001, or giving 54001 where PostgreSQL's grammar stack runs out (or, under a sanitizer only,
where PostgreSQL answers): those sizes are listed as TAP comments. Without PostgreSQL 15 the comparisons
SKIP.

Output: per statement shape ("group"), one TAP line for the invariants, one for the expected
answers, one for the comparison, each listing the sizes that failed and what came back.

Sizes: every statement stays under STMT_CAP, far below sql.max_message_bytes (64 MiB by
default, config/README.md); the largest is about 2.1 MB. The caps are chosen for run time, not
by a limit: a list of 131,072 items takes about 0.5 s, and the groups together about 15 s on a
2-core machine when nothing hangs. GUARD_S only detects a hang (a statement that gets no answer
within 4 times its statement_timeout): the statement is cancelled, the group stops growing, the
second session's wait is reported, and the test waits for the server to answer again before it
goes on, so a hang costs up to GUARD_S + RECOVER_S."""
import os
import select
import sys
import time
from collections import namedtuple

import psycopg2
import psycopg2.extensions as ext

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
import wirelib  # noqa: E402

MAX_MESSAGE = 64 << 20          # sql.max_message_bytes default (--dev uses it)
STMT_CAP = MAX_MESSAGE // 16    # growth stops before a statement passes this
GUARD_S = 20                    # hang detection only: 4x statement_timeout (5 s)
# Under a sanitizer the daemon runs 5-10x slower (a 131,072-item IN list took over 20 s under
# ASan, most of it parsing, which statement_timeout does not interrupt): the guard, which only
# tells a hang from slowness, grows with it
# (and the sizes stop at 16,384: the sanitizer runs look for memory errors, which the large
# sizes of the plain run do not add)
SIZE_CAP = None
SANITIZED = bool(os.environ.get("SANITIZER") or any("/%s/" % s in os.environ.get("BINDIR", "")
                                                    for s in ("address", "undefined", "thread")))
if SANITIZED:
    GUARD_S = 150
    SIZE_CAP = 1 << 14
RECOVER_S = 300                 # after a hang, how long to wait for the server to answer again
STACK_DEPTH = "54001"           # stack depth limit exceeded

t = wirelib.Tap()


def skip(desc, why):
    t.n += 1
    print("ok %d - %s # SKIP %s" % (t.n, desc, why), flush=True)


# kind: "result" (names, rows), "command" (status), "error" (code, msg), "unclean" (an error
# without SQLSTATE: protocol or connection trouble), "hang" (the guard expired)
Outcome = namedtuple("Outcome", "kind code msg names rows status")


def result(names, rows):
    return Outcome("result", None, None, tuple(names), rows, None)


def short(x, n=160):
    s = repr(x)
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


def describe(o):
    if o.kind == "result":
        return "result %s %s" % (short(o.names, 60), short(o.rows, 100))
    if o.kind == "command":
        return "command %s" % o.status
    if o.kind == "error":
        return "ERROR %s %s" % (o.code, o.msg if len(o.msg) <= 120 else o.msg[:120] + "...")
    return "%s: %s" % (o.kind, o.msg)


class Session:
    """One asynchronous psycopg2 connection, so that a statement can be waited for with a
    guard instead of blocking forever if the server hangs."""

    def __init__(self, name, **dsn):
        self.name = name
        self.dsn = dsn
        self.conn = None
        self.connect()

    def _wait(self, deadline):
        while True:
            state = self.conn.poll()
            if state == ext.POLL_OK:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            fd = self.conn.fileno()
            if state == ext.POLL_READ:
                select.select([fd], [], [], left)
            elif state == ext.POLL_WRITE:
                select.select([], [fd], [], left)

    def connect(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        self.conn = psycopg2.connect(async_=1, connect_timeout=10, user="postgres",
                                     dbname="postgres", **self.dsn)
        if not self._wait(time.monotonic() + 15):
            raise RuntimeError("%s: connection not established" % self.name)
        o = self.run("SET statement_timeout = '5s'")
        if o.kind != "command":
            raise RuntimeError("%s: SET statement_timeout: %s" % (self.name, describe(o)))

    def run(self, sql):
        if self.conn is None or self.conn.closed:
            try:
                self.connect()
            except (psycopg2.Error, OSError, RuntimeError) as e:
                return Outcome("unclean", None, "not connected: %s" % e, None, None, None)
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            if not self._wait(time.monotonic() + GUARD_S):
                self.conn.cancel()
                after = "no answer 10 s later either"
                try:
                    if self._wait(time.monotonic() + 10):
                        after = "the statement then completed"
                except psycopg2.Error as e:
                    after = "the statement then ended with %s" % (e.pgcode or type(e).__name__)
                return Outcome("hang", None, "no answer within %d s although statement_timeout "
                               "is 5 s; cancel request sent: %s" % (GUARD_S, after),
                               None, None, None)
            if cur.description is None:
                return Outcome("command", None, None, None, None, cur.statusmessage)
            return result([d.name for d in cur.description], cur.fetchall())
        except psycopg2.Error as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            code = e.pgcode
            if code and len(code) == 5:
                return Outcome("error", code, msg, None, None, None)
            return Outcome("unclean", code, "%s: %s" % (type(e).__name__, msg), None, None, None)
        finally:
            cur.close()

    def usable(self):
        """Whether SELECT 1 answers 1; reconnects if not (so later sizes still run)."""
        try:
            o = self.run("SELECT 1")
            if o.kind == "result" and o.rows == [(1,)]:
                return True, None
            why = describe(o)
        except (psycopg2.Error, OSError) as e:
            why = "%s: %s" % (type(e).__name__, e)
        try:
            self.connect()
        except (psycopg2.Error, OSError, RuntimeError) as e:
            why += "; reconnecting failed: %s" % e
        return False, why

    def recover(self, alive):
        """After a hang: reconnects until the server answers again (or RECOVER_S passed);
        returns the seconds it took, or None."""
        started = time.monotonic()

        def answers():
            if not alive():
                return True  # nothing to wait for
            try:
                self.connect()
                return True
            except (psycopg2.Error, OSError, RuntimeError):
                return False
        if wirelib.wait_for(answers, RECOVER_S, interval=0.2) and alive():
            return time.monotonic() - started
        return None


# ---- expectations: functions of an Outcome, None when it is right ------------------------

def gives(rows, names=None):
    def check(o):
        if o.kind != "result":
            return "want a result, got %s" % describe(o)
        if o.rows != rows:
            return "wrong rows %s, want %s" % (short(o.rows, 100), short(rows, 100))
        if names is not None and o.names != tuple(names):
            return "wrong column names %s, want %s" % (short(o.names, 100), short(names, 100))
        return None
    return check


def done(status):
    def check(o):
        if o.kind == "command" and o.status == status:
            return None
        return "want %s, got %s" % (status, describe(o))
    return check


def fails(code):
    def check(o):
        if o.kind == "error" and o.code == code:
            return None
        return "want ERROR %s, got %s" % (code, describe(o))
    return check


def grammar_stack_exhausted(o):
    return o.kind == "error" and o.code == "42601" and "memory exhausted" in o.msg


def or_too_deep(check):
    """A nesting statement: the right answer, or a refusal for depth."""
    def deep(o):
        if o.kind == "error" and (o.code == STACK_DEPTH or grammar_stack_exhausted(o)):
            return None
        return check(o)
    return deep


# ---- the families ---------------------------------------------------------------------------

# stmts(n): the statements of size n, each with its expectation; nesting: a refusal for depth
# is an accepted answer; pg: PostgreSQL 15 can run the statements too
Group = namedtuple("Group", "family title sizes stmts nesting pg", defaults=(False, True))


def doubling(hi, lo=2, extra=()):
    if SIZE_CAP:
        hi = min(hi, max(SIZE_CAP, lo))
        extra = [x for x in extra if x <= max(SIZE_CAP, lo)]
    out, n = [], lo
    while n <= hi:
        out.append(n)
        n *= 2
    return sorted(set(out) | set(extra))


def nums(n, start=1):
    return ",".join(str(i) for i in range(start, start + n))


def seq(n, start=1):
    return list(range(start, start + n))


def nested_obj(n):
    return '{"a":' * n + "1" + "}" * n


def derived(n):
    return ("SELECT x FROM " + "(SELECT x FROM " * n + "(SELECT 1 AS x) t0" +
            "".join(") t%d" % (i + 1) for i in range(n)))


def build_object(n):
    sql = "SELECT jsonb_build_object(%s)" % ",".join("'k%d',%d" % (i, i) for i in range(n))
    if 2 * n <= 100:
        return [(sql, gives([({"k%d" % i: i for i in range(n)},)]))]
    return [(sql, fails("54023"))]  # PostgreSQL: cannot pass more than 100 arguments


def wide_table(n):
    create = "CREATE TABLE growth_w%d (%s)" % (n, ",".join("c%d int" % i for i in range(n)))
    if n > 1600:
        return [(create, fails("54011"))]  # tables can have at most 1600 columns
    return [(create, done("CREATE TABLE")),
            ("INSERT INTO growth_w%d VALUES (%s)" % (n, nums(n, 0)), done("INSERT 0 1")),
            ("SELECT * FROM growth_w%d" % n,
             gives([tuple(seq(n, 0))], ["c%d" % i for i in range(n)]))]


def select_list(n):
    sql = "SELECT " + nums(n, 0)
    if n > 1664:
        return [(sql, fails("54011"))]  # target lists can have at most 1664 entries
    return [(sql, gives([tuple(seq(n, 0))], ["?column?"] * n))]


def long_names(n):
    table, col = "t%d_" % n + "x" * n, "c" + "y" * n
    return [('CREATE TABLE "%s" ("%s" int)' % (table, col), done("CREATE TABLE")),
            ('INSERT INTO "%s" VALUES (%d)' % (table, n), done("INSERT 0 1")),
            ('SELECT "%s" FROM "%s"' % (col, table), gives([(n,)], [col[:63]]))]


def aw_insert(n):
    elems = ["e%d" % i for i in range(n)]
    add = ",".join("'%s'" % e for e in elems)
    return [("INSERT INTO growth_set VALUES (%d, ARRAY[%s])" % (n, add), done("INSERT 0 1")),
            ("SELECT s FROM growth_set WHERE id = %d" % n, gives([(sorted(elems),)]))]


def aw_update(n):
    elems = ["e%d" % i for i in range(n)] + ["f%d" % i for i in range(n)]
    add = ",".join("'f%d'" % i for i in range(n))
    return [("UPDATE growth_set SET s = s || ARRAY[%s] WHERE id = %d" % (add, n), done("UPDATE 1")),
            ("SELECT s FROM growth_set WHERE id = %d" % n, gives([(sorted(elems),)]))]


def map_insert(n):
    obj = {"k%d" % i: i for i in range(n)}
    lit = "{" + ",".join('"k%d": %d' % (i, i) for i in range(n)) + "}"
    return [("INSERT INTO growth_map VALUES (%d, '%s')" % (n, lit), done("INSERT 0 1")),
            ("SELECT m FROM growth_map WHERE id = %d" % n, gives([(obj,)]))]


SETUP = {
    4: ["CREATE TABLE growth_small (id int PRIMARY KEY, x int)",
        "INSERT INTO growth_small SELECT g, g FROM generate_series(1, 10) g"],
    7: ["CREATE TABLE growth_set (id int PRIMARY KEY, s aw_set)",
        "CREATE TABLE growth_map (id int PRIMARY KEY, m lww_map)"],
}
FAMILIES = {1: "operator chains", 2: "nested parentheses and CASE", 3: "nested subqueries",
            4: "IN lists and VALUES", 5: "arrays", 6: "jsonb", 7: "CRDT set and map columns",
            8: "columns and identifiers"}

GROUPS = [
    Group(1, "SELECT 1+1+...+1", doubling(1 << 17), lambda n: [
        ("SELECT " + "+".join(["1"] * n), gives([(n,)], ["?column?"]))], nesting=True),
    Group(1, "SELECT 'a'||'a'||...", doubling(1 << 17), lambda n: [
        ("SELECT " + "||".join(["'a'"] * n), gives([("a" * n,)], ["?column?"]))], nesting=True),
    Group(2, "SELECT ((((1))))", doubling(1 << 15), lambda n: [
        ("SELECT " + "(" * n + "1" + ")" * n, gives([(1,)]))], nesting=True),
    Group(2, "nested CASE WHEN true THEN (...) END", doubling(1 << 13), lambda n: [
        ("SELECT " + "CASE WHEN true THEN (" * n + "1" + ") END" * n, gives([(1,)], ["case"]))],
          nesting=True),
    Group(3, "SELECT (SELECT (SELECT ... 1))", doubling(1 << 12), lambda n: [
        ("SELECT " + "(SELECT " * n + "1" + ")" * n, gives([(1,)]))], nesting=True),
    Group(3, "nested derived tables", doubling(1 << 12), lambda n: [
        (derived(n), gives([(1,)], ["x"]))], nesting=True),
    Group(4, "x IN (1,...,n) over a 10-row table", doubling(1 << 17), lambda n: [
        ("SELECT count(*) FROM growth_small WHERE x IN (%s)" % nums(n),
         gives([(min(n, 10),)], ["count"]))]),
    Group(4, "VALUES (1),...,(n)", doubling(1 << 17), lambda n: [
        ("VALUES " + ",".join("(%d)" % i for i in range(1, n + 1)),
         gives([(i,) for i in seq(n)], ["column1"]))]),
    Group(5, "ARRAY[1,...,n], cardinality", doubling(1 << 17), lambda n: [
        ("SELECT ARRAY[%s], cardinality(ARRAY[%s])" % (nums(n), nums(n)),
         gives([(seq(n), n)], ["array", "cardinality"]))]),
    Group(5, "'{1,...,n}'::int[]", doubling(1 << 17), lambda n: [
        ("SELECT a, cardinality(a) FROM (SELECT '{%s}'::int[] AS a) s" % nums(n),
         gives([(seq(n), n)], ["a", "cardinality"]))]),
    Group(5, "array_agg over generate_series(1, n)", doubling(1 << 20), lambda n: [
        ("SELECT cardinality(a), a[1], a[%d] FROM (SELECT array_agg(g) AS a "
         "FROM generate_series(1, %d) g) s" % (n, n), gives([(n, 1, n)]))]),
    Group(6, "'[[[...]]]'::jsonb depth", doubling(1 << 14), lambda n: [
        ("SELECT jsonb_array_length('%s'::jsonb)" % ("[" * n + "1" + "]" * n),
         gives([(1,)], ["jsonb_array_length"]))], nesting=True),
    Group(6, "nested object read by an n-long -> chain", doubling(1 << 14), lambda n: [
        ("SELECT '%s'::jsonb%s" % (nested_obj(n), "->'a'" * n), gives([(1,)], ["?column?"]))],
          nesting=True),
    Group(6, "jsonb_build_object with n pairs", doubling(1 << 10, extra=(50, 51)), build_object),
    Group(6, "jsonb literal with n keys", doubling(1 << 17), lambda n: [
        ("SELECT count(*), sum(value::int) FROM jsonb_each_text('{%s}'::jsonb)" %
         ",".join('"k%d": %d' % (i, i) for i in range(n)),
         gives([(n, n * (n - 1) // 2)], ["count", "sum"]))]),
    Group(6, "jsonb array of n elements", doubling(1 << 17), lambda n: [
        ("SELECT count(*), sum(value::int) FROM jsonb_array_elements_text('[%s]'::jsonb)" %
         nums(n, 0), gives([(n, n * (n - 1) // 2)], ["count", "sum"]))]),
    Group(7, "aw_set INSERT of n elements", doubling(16384, extra=(20000,)), aw_insert,
          pg=False),
    Group(7, "aw_set UPDATE s = s || ARRAY[n elements]", doubling(16384, extra=(20000,)),
          aw_update, pg=False),
    Group(7, "lww_map INSERT of n keys", doubling(16384, extra=(20000,)), map_insert,
          pg=False),
    Group(8, "CREATE TABLE with n columns", doubling(4096, extra=(1600, 1601)), wide_table),
    Group(8, "SELECT list of n expressions", doubling(1 << 17, extra=(1664, 1665)), select_list),
    Group(8, "SELECT 1 AS <identifier of n characters>", doubling(1 << 16), lambda n: [
        ('SELECT 1 AS "%s"' % ("a" * n), gives([(1,)], [("a" * n)[:63]]))]),
    Group(8, "table and column names of n characters", doubling(1 << 14), long_names),
]


def same_answer(h, p):
    if h.kind == "result" and p.kind == "result":
        return h.names == p.names and h.rows == p.rows
    if h.kind == "command" and p.kind == "command":
        return h.status == p.status
    if h.kind == "error" and p.kind == "error":
        return h.code[:2] == p.code[:2]
    return False


def accepted_difference(g, h, p):
    """The stack limits differ (PostgreSQL's max_stack_depth of 2 MB, HeliosDB's guard of three
    quarters of the stack, server/sql/sqlerr.h): in a nesting statement HeliosDB may answer
    where PostgreSQL gives 54001, or give 54001 where PostgreSQL's grammar stack runs out first
    (42601 "memory exhausted"). 54001 where PostgreSQL answers is a difference, except under a
    sanitizer, whose larger stack frames reach the guard sooner."""
    if not g.nesting:
        return False
    if h.kind == "error" and h.code == STACK_DEPTH:
        return (grammar_stack_exhausted(p) or (p.kind == "error" and p.code == STACK_DEPTH) or
                (SANITIZED and p.kind == "result"))
    return h.kind == "result" and p.kind == "error" and p.code == STACK_DEPTH


def listing(problems, limit=12):
    out = problems[:limit]
    if len(problems) > limit:
        out.append("... and %d more" % (len(problems) - limit))
    return "\n".join(out)


def hung(n, sql, o, srv, hx, other):
    """A statement got no answer within GUARD_S: whether other clients were stalled too, and
    how long until the server answered again. Returns the diagnostics."""
    out = ["n=%d: %s" % (n, short(sql, 100)), "n=%d: %s" % (n, o.msg)]
    asked = time.monotonic()
    usable, why = other.usable()
    if usable:
        out.append("n=%d: the second session's SELECT 1, sent then, waited %.0f s for its answer"
                   % (n, time.monotonic() - asked))
    else:
        out.append("n=%d: the second session's SELECT 1, sent then, got no answer either (%s)"
                   % (n, why))
    took = hx.recover(srv.alive)
    out.append("n=%d: the server answered again after %s more; growth stopped here"
               % (n, "%.0f s" % took if took is not None else "more than %d s" % RECOVER_S))
    if other.recover(srv.alive) is None:
        out.append("n=%d: the second session could not reconnect" % n)
    return out


def run_group(g, srv, hx, other, pg):
    broken, wrong, differ, noted = [], [], [], []
    sizes = []
    for n in g.sizes:
        stmts = g.stmts(n)
        if any(len(sql) > STMT_CAP for sql, _ in stmts):
            break
        sizes.append(n)
        for sql, check in stmts:
            if g.nesting:
                check = or_too_deep(check)
            o = hx.run(sql)
            if o.kind == "hang":
                broken += hung(n, sql, o, srv, hx, other)
                return sizes, broken, wrong, differ, noted
            if o.kind not in ("result", "command", "error"):
                broken.append("n=%d: %s" % (n, describe(o)))
            usable, why = hx.usable()
            if not usable:
                broken.append("n=%d: the session no longer answers SELECT 1 (%s)" % (n, why))
            if not srv.alive():
                broken.append("n=%d: the server exited (status %s)" % (n, srv.proc.returncode))
                return sizes, broken, wrong, differ, noted
            if o.kind == "error" and o.code.startswith("53"):
                wrong.append("n=%d: %s (insufficient resources on a statement of %d bytes)"
                             % (n, describe(o), len(sql)))
            else:
                why = check(o)
                if why:
                    wrong.append("n=%d: %s" % (n, why))
            if pg is not None and g.pg:
                p = pg.run(sql)
                if accepted_difference(g, o, p):
                    noted.append("n=%d: HeliosDB %s, PostgreSQL %s" % (n, o.code, describe(p)))
                elif not same_answer(o, p):
                    differ.append("n=%d: %s\n  HeliosDB:   %s\n  PostgreSQL: %s"
                                  % (n, short(sql, 100), describe(o), describe(p)))
    return sizes, broken, wrong, differ, noted


def span(sizes):
    return "n=%s..%s" % (sizes[0], sizes[-1]) if sizes else "no size"


SNAPSHOT = ["growth_small", "growth_set", "growth_map"]


def snapshot(session):
    return {tbl: session.run("SELECT * FROM %s ORDER BY id" % tbl) for tbl in SNAPSHOT}


def restart(srv, before):
    """What the families created must not leave a catalog the node cannot load again: stops the
    node, starts it on the same data directory and reads the tables back. Returns the node."""
    rc = srv.stop()
    t.ok(rc == 0, "the node stops cleanly after the growth (exit status %s)" % rc,
         srv.logtext()[-2000:])
    try:
        again = wirelib.Server(dev=True, tmp=srv.tmp)
    except RuntimeError as e:
        t.ok(False, "the node restarts on the same data directory", str(e)[-2000:])
        return srv
    s = Session("heliosdb after restart", host="127.0.0.1", port=again.port)
    after = snapshot(s)
    s.conn.close()
    bad = ["%s: before %s, after %s" % (tbl, describe(before[tbl]), describe(after[tbl]))
           for tbl in SNAPSHOT if after[tbl] != before[tbl] or after[tbl].kind != "result"]
    t.ok(not bad, "the node restarts on the same data directory and reads back %s as before"
         % ", ".join(SNAPSHOT), "\n".join(bad))
    return again


def main():
    started = time.monotonic()
    srv = wirelib.Server(dev=True)
    pgsrv = wirelib.PgServer() if wirelib.pg15_available() else None
    try:
        hx = Session("heliosdb", host="127.0.0.1", port=srv.port)
        other = Session("heliosdb, second session", host="127.0.0.1", port=srv.port)
        pg = Session("postgresql", host=pgsrv.host, port=pgsrv.port) if pgsrv else None
        for family in sorted(FAMILIES):
            for sql in SETUP.get(family, []):
                for s in [hx] + ([pg] if pg and family != 7 else []):
                    o = s.run(sql)
                    t.ok(o.kind == "command", "family %d setup on %s: %s" % (family, s.name, sql),
                         describe(o))
            for g in [g for g in GROUPS if g.family == family and srv.alive()]:
                sizes, broken, wrong, differ, noted = run_group(g, srv, hx, other, pg)
                head = "%d %s (%s)" % (g.family, g.title, span(sizes))
                t.ok(not broken, "%s: a result or a clean SQLSTATE error every time, the session "
                     "and the server survive" % head, listing(broken))
                want = ("the right value at every size, or 54001 (or the grammar's 42601) when "
                        "too deep" if g.nesting else "the right answer at every size")
                t.ok(not wrong, "%s: %s" % (head, want), listing(wrong))
                if not g.pg:
                    continue
                if pg is None:
                    skip("%s: same answers as PostgreSQL 15" % head,
                         "PostgreSQL 15 not installed (%s)" % wirelib.PGBIN)
                    continue
                t.ok(not differ, "%s: same answers as PostgreSQL 15" % head, listing(differ))
                for line in noted:
                    print("#   accepted (nesting bound below PostgreSQL's): %s" % line, flush=True)
            if not srv.alive():
                t.ok(False, "the server is alive after family %d (%s)" % (family, FAMILIES[family]),
                     srv.logtext()[-3000:])
                break
            usable, why = other.usable()
            t.ok(usable, "family %d (%s): the second session, idle since the start, answers "
                 "SELECT 1" % (family, FAMILIES[family]), why)
        if srv.alive():
            before = snapshot(hx)
            hx.conn.close()
            other.conn.close()
            srv = restart(srv, before)
    finally:
        srv.cleanup()
        if pgsrv:
            pgsrv.cleanup()
    print("# %.1f s" % (time.monotonic() - started), flush=True)
    t.done()


main()
