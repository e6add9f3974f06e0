#!/usr/bin/python3
"""tests/integration/test_repl_basic.py — multi-master replication between real daemons on
loopback over QUIC with mutual TLS (certificates made with the openssl CLI).

Three nodes: a CREATE TABLE on one appears on the others; concurrent writes of all seven CRDT
types on every node converge (equal helios_digest() and equal rows) with exact counter sums;
node 3 is killed with SIGKILL mid-load and restarted: every write it acknowledged survives and
it converges again. Prints the observed replication lag (commit on A -> visible on B) and the
bytes per replicated operation as TAP comments."""
import os, shutil, signal, socket, subprocess, sys, tempfile, threading, time, json

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
results = []


def check(desc, cond):
    results.append((desc, bool(cond)))
    return bool(cond)


_handed_out = set()


def free_port(kind=socket.SOCK_STREAM):
    """A port free now and not handed out before by this process: two calls may otherwise get
    the same one (a nemesis cluster once got a node's metrics port equal to its SQL port, and a
    client that reaches a metrics port where it expects SQL reads 'HTTP/1.1 ...': "invalid
    response to SSL negotiation: H")."""
    while True:
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]
        s.close()
        if (p, kind) not in _handed_out:
            _handed_out.add((p, kind))
            return p


def sh(cmd, cwd):
    subprocess.run(cmd, shell=True, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs(d, nodes):
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 "
       "-keyout ca.key -out ca.pem -subj /CN=helios-test-ca", d)
    for name, nid in nodes:
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth,clientAuth\n"
                    "subjectAltName=DNS:%s,URI:helios://node/%d\n" % (name, nid))
        sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
           "-keyout %s.key -out %s.csr -subj /CN=%s" % (name, name, name), d)
        sh("openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "
           "-sha256 -extfile %s.ext -out %s.pem" % (name, name, name), d)


class Node:
    def __init__(self, d, name, nid):
        self.d, self.name, self.id = d, name, nid
        self.sql_port = free_port()
        self.repl_port = free_port(socket.SOCK_DGRAM)
        self.proc = None
        self.env = None  # extra environment for the daemon (test knobs)
        self.cfg = os.path.join(d, name + ".json")

    def write_config(self, peers):
        cfg = {
            "node": {"name": self.name, "id": self.id, "data_dir": "data-" + self.name},
            "sql": {"listen": "127.0.0.1:%d" % self.sql_port,
                    "auth": {"method": "trust",
                             "rules": [{"cidr": "127.0.0.0/8", "user": "all", "method": "trust"},
                                       {"cidr": "all", "user": "all", "method": "reject"}]}},
            "replication": {"listen": "127.0.0.1:%d" % self.repl_port,
                            "tls": {"ca": "ca.pem", "cert": self.name + ".pem",
                                    "key": self.name + ".key"},
                            "peers": [{"name": p.name, "id": p.id,
                                       "address": "127.0.0.1:%d" % p.repl_port} for p in peers]},
            "storage": {"sync": "always", "backup_dir": "backups-" + self.name},
            "metrics": {"listen": "127.0.0.1:%d" % free_port()},
        }
        with open(self.cfg, "w") as f:
            json.dump(cfg, f)

    def start(self):
        self.log = open(os.path.join(self.d, self.name + ".log"), "a")
        env = dict(os.environ, **self.env) if self.env else None
        self.proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--config", self.cfg],
                                     stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                c = self.connect()
                c.close()
                return True
            except psycopg2.OperationalError:
                if self.proc.poll() is not None:
                    return False
                time.sleep(0.05)
        return False

    def connect(self):
        c = psycopg2.connect(host="127.0.0.1", port=self.sql_port, user="postgres",
                             dbname="postgres", connect_timeout=5)
        c.autocommit = True
        return c

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def cluster(tmp, names):
    """Regions names [(name, id), ...] in tmp, each a peer of the others: certificates,
    configs, and their Node objects (not started)."""
    make_certs(tmp, names)
    nodes = [Node(tmp, n, i) for n, i in names]
    for n in nodes:
        n.write_config([p for p in nodes if p is not n])
    return nodes


def query(node, sql, args=None):
    c = node.connect()
    try:
        cur = c.cursor()
        cur.execute(sql, args)
        return cur.fetchall()
    finally:
        c.close()


def wait_for(pred, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if pred():
                return True
        except psycopg2.Error:
            pass
        time.sleep(0.05)
    return False


def digests(nodes):
    return [query(n, "SELECT helios_digest()")[0][0] for n in nodes]


def rows(node):
    return query(node, "SELECT id, views, score, reg, mv, tags, aw, attrs FROM t ORDER BY id")


def converged(nodes):
    ds = digests(nodes)
    if len(set(ds)) != 1:
        return False
    rs = [rows(n) for n in nodes]
    return all(r == rs[0] for r in rs)


NROWS = 10


def writer(node, ident, n, acked, errors, stop=None, in_doubt=None):
    """n transactions touching every CRDT kind; acked[] records committed increments."""
    try:
        c = node.connect()
        cur = c.cursor()
        for i in range(n):
            if stop is not None and stop.is_set():
                break
            rid = i % NROWS
            tag = "%s-%d" % (ident, i)
            # One transaction per operation, so it is all-or-nothing everywhere. If the node
            # dies before COMMIT is answered the outcome is unknown: recorded as in doubt.
            # The row usually exists already (a plain INSERT of it is 23505): the upsert adds to
            # the counters and sets, puts the map key and assigns the registers; the first
            # write of a row in each region is a plain insert, and those merge across regions.
            try:
                cur.execute("BEGIN")
                cur.execute(
                    "INSERT INTO t (id, views, score, reg, mv, tags, aw, attrs) VALUES "
                    "(%s, 1, -1, %s, %s, ARRAY[%s], ARRAY[%s], %s::jsonb) "
                    "ON CONFLICT (id) DO UPDATE SET views = t.views + excluded.views, "
                    "score = t.score + excluded.score, reg = excluded.reg, mv = excluded.mv, "
                    "tags = t.tags || excluded.tags, aw = t.aw || excluded.aw, "
                    "attrs = t.attrs || excluded.attrs",
                    (rid, tag, tag, tag, tag, json.dumps({ident: i})))
                cur.execute("UPDATE t SET views = views + 2, score = score + 3 WHERE id = %s",
                            (rid,))
                cur.execute("COMMIT")
            except psycopg2.OperationalError:
                if in_doubt is not None:
                    in_doubt.append((rid, 3, 2, tag))
                break  # the node was killed under us
            acked.append((rid, 3, 2, tag))
        c.close()
    except Exception as e:  # noqa: BLE001 — reported as a failed check
        errors.append("%s: %r" % (ident, e))


def cleanup(tmp):
    """Removes a test's temp dir, or keeps it (and says where) when KEEP_TMP is set."""
    if os.environ.get("KEEP_TMP"):
        print("# kept " + tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def tap_report():
    """Prints the TAP plan and one line per check; the exit status for sys.exit."""
    print("1..%d" % len(results))
    ok = True
    for i, (d, cnd) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if cnd else "not ", i, d))
        ok = ok and cnd
    return 0 if ok else 1


def main():
    tmp = tempfile.mkdtemp(prefix="helios-repl-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-south-1", 3)]
    make_certs(tmp, names)
    nodes = [Node(tmp, n, i) for n, i in names]
    for n in nodes:
        n.write_config([p for p in nodes if p is not n])
    try:
        check("three daemons start with replication enabled", all(n.start() for n in nodes))
        a, b, c = nodes

        # DDL replicates
        query_ddl = ("CREATE TABLE t (id bigint PRIMARY KEY, views g_counter, score pn_counter, "
                     "reg lww_register, mv mv_register, tags or_set, aw aw_set, attrs lww_map)")
        conn = a.connect()
        conn.cursor().execute(query_ddl)
        conn.close()
        check("CREATE TABLE on node 1 appears on nodes 2 and 3",
              wait_for(lambda: all(query(n, "SELECT count(*) FROM t")[0][0] == 0
                                   for n in (b, c)), 15))

        # CHECK constraints, comments and renames replicate as catalog changes
        conn = a.connect()
        cur = conn.cursor()
        for q in ("CREATE TABLE ddl2 (id int PRIMARY KEY, q int CHECK (q > 0), n text)",
                  "COMMENT ON TABLE ddl2 IS 'replicated comment'",
                  "ALTER TABLE ddl2 RENAME COLUMN n TO name", "ALTER TABLE ddl2 RENAME TO ddl3"):
            cur.execute(q)
        conn.close()

        def ddl_arrived(n):
            try:
                return query(n, "SELECT obj_description('ddl3'::regclass, 'pg_class'), "
                                "(SELECT count(*) FROM information_schema.columns "
                                "WHERE table_name = 'ddl3' AND column_name = 'name')") == \
                    [("replicated comment", 1)]
            except psycopg2.Error:
                return False
        check("CHECK, COMMENT and RENAME on node 1 appear on nodes 2 and 3",
              wait_for(lambda: all(ddl_arrived(n) for n in (b, c)), 15))
        try:
            query(c, "INSERT INTO ddl3 VALUES (1, -1, 'x')")
            violated = None
        except psycopg2.Error as e:
            violated = e.pgcode
        check("node 3 enforces the CHECK created on node 1 (23514)", violated == "23514")

        # replication lag: commit on A, poll B until the row is visible
        lags = []
        ca, cb = a.connect(), b.connect()
        for k in range(40):
            rid = 1000 + k
            t0 = time.time()
            ca.cursor().execute("INSERT INTO t (id, reg) VALUES (%s, 'lag')", (rid,))
            cur = cb.cursor()
            while time.time() - t0 < 10:
                cur.execute("SELECT count(*) FROM t WHERE id = %s", (rid,))
                if cur.fetchone()[0] == 1:
                    break
            lags.append((time.time() - t0) * 1000)
        ca.cursor().execute("DELETE FROM t WHERE id >= 1000")
        ca.close()
        cb.close()
        lags.sort()
        check("every lag probe became visible on node 2", lags[-1] < 10000)
        print("# replication lag A->B (ms, loopback, sync=always, includes client polling): "
              "p50 %.1f p99 %.1f max %.1f" % (lags[len(lags) // 2],
                                              lags[min(len(lags) - 1, int(len(lags) * 0.99))],
                                              lags[-1]))

        # concurrent writes of all seven CRDT kinds on all nodes
        acked = {n.name: [] for n in nodes}
        errors = []
        ths = [threading.Thread(target=writer, args=(n, "w%d" % n.id, 60, acked[n.name], errors))
               for n in nodes]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        check("writers saw no errors: %s" % errors[:3], not errors)
        check("all nodes converge (equal helios_digest and rows)",
              wait_for(lambda: converged(nodes), 30))
        allacked = [x for n in nodes for x in acked[n.name]]
        exp_views = {}
        exp_score = {}
        for rid, v, s, _ in allacked:
            exp_views[rid] = exp_views.get(rid, 0) + v
            exp_score[rid] = exp_score.get(rid, 0) + s
        got = {r[0]: r for r in rows(c)}
        check("g_counter sums are exact on every row",
              all(got[rid][1] == exp_views[rid] for rid in exp_views))
        check("pn_counter sums are exact on every row",
              all(got[rid][2] == exp_score[rid] for rid in exp_score))
        check("or_set and aw_set hold every tag added anywhere",
              all(tag in got[rid][5] and tag in got[rid][6] for rid, _, _, tag in allacked))
        check("lww_map holds a key from every writer",
              all(all(("w%d" % n.id) in got[rid][7] for n in nodes) for rid in range(NROWS)))
        check("mv_register/lww_register identical everywhere",
              len({str([(r[3], r[4]) for r in rows(n)]) for n in nodes}) == 1)

        # bytes per replicated operation: batch bytes sent by every node (relayed duplicates
        # included) over the commits each peer had to receive
        peers = query(a, "SELECT name, bytes_out, batches_out, lag_entries FROM helios.peers")
        check("helios.peers lists both peers of node 1", len(peers) == 2)
        sent = sum(r[0] for n in nodes for r in query(n, "SELECT bytes_out FROM helios.peers"))
        vv = query(a, "SELECT vv FROM helios.node")[0][0]
        commits = sum(int(x) for x in vv.values())
        print("# %d commits cluster-wide, %d batch bytes sent in total: %.0f bytes per "
              "replicated commit per receiving node" % (commits, sent,
                                                        sent / max(1, commits * (len(nodes) - 1))))

        # kill -9 node 3 mid-load, restart it: acknowledged writes survive, convergence
        acked2 = {n.name: [] for n in nodes}
        stop = threading.Event()
        doubt = []
        ths = [threading.Thread(target=writer, args=(n, "k%d" % n.id, 400, acked2[n.name],
                                                     errors, stop, doubt)) for n in nodes]
        for t in ths:
            t.start()
        check("node 3 acknowledged writes before the kill",
              wait_for(lambda: len(acked2[c.name]) >= 20, 20))
        c.proc.send_signal(signal.SIGKILL)
        c.proc.wait()
        c.proc = None
        for t in ths:
            t.join()
        check("node 3 restarts after kill -9", c.start())
        check("after restart all nodes converge", wait_for(lambda: converged(nodes), 40))
        got = {r[0]: r for r in rows(a)}
        check("every write node 3 acknowledged before the kill is on node 1",
              all(tag in got[rid][5] for rid, _, _, tag in acked2[c.name]))
        allacked = [x for n in nodes for x in acked[n.name] + acked2[n.name]]
        exp = {}
        for rid, v, s, _ in allacked:
            exp[rid] = exp.get(rid, 0) + v
        maybe = {}
        for rid, v, s, _ in doubt:
            maybe[rid] = maybe.get(rid, 0) + v
        # Every acknowledged increment is there exactly once; an in-doubt transaction (COMMIT
        # sent, node killed before answering) is either wholly there or wholly absent.
        check("g_counter sums exact: acknowledged <= sum <= acknowledged + in-doubt (%d)"
              % len(doubt),
              all(exp[rid] <= got[rid][1] <= exp[rid] + maybe.get(rid, 0) for rid in exp)
              and all((got[rid][1] - exp[rid]) in (0, maybe.get(rid, 0)) for rid in exp))
    finally:
        for n in nodes:
            n.stop()
        cleanup(tmp)
    return tap_report()


if __name__ == "__main__":
    sys.exit(main())
