#!/usr/bin/python3
"""tests/integration/test_roles.py — roles and privileges as users meet them (issue 20).

One node with TLS and SCRAM (the users file holds the bootstrap superuser "admin"):
- a role made with CREATE ROLE ... LOGIN PASSWORD logs in with SCRAM (and SCRAM-PLUS over
  TLS); a wrong password, a NOLOGIN role, an expired VALID UNTIL and a connection limit are
  refused as PostgreSQL refuses them; the session reports is_superuser=off;
- sql.superuser_reserved_connections keeps the last slots for superusers; pg_stat_activity
  hides other roles' statements;
- what a normal user cannot do: read or drop another user's table, drop it through the
  catalog, read the helios.* admin views, call helios_backup / helios_anti_entropy /
  helios_index_check, create roles, make itself superuser, take another session's identity;
- what it can once granted (a statement prepared before a REVOKE fails at its next execution),
  and a password change with a SCRAM secret (what psql's \\password sends); roles and grants
  survive a restart.
Three regions (QUIC, mutual TLS; SCRAM for every user but the test's superuser): a role made
in one region logs in in another; a GRANT in one region lets it read in every region; a REVOKE
in a third takes the right away everywhere; a GRANT and a REVOKE of one privilege issued at the
same moment in two regions converge to one answer in all three; DROP ROLE in one region ends
logins everywhere."""
import os
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
import psycopg2  # noqa: E402
import test_repl_basic as rb  # noqa: E402
from wirelib import Server, Tap, psql, scram_verifier, wait_for  # noqa: E402

t = Tap()


def pgcode(port, user, password, sql, **kw):
    """Runs sql as user; returns (rows or None, SQLSTATE or None)."""
    try:
        c = psycopg2.connect(host="127.0.0.1", port=port, user=user, password=password,
                             dbname="postgres", connect_timeout=5, **kw)
    except psycopg2.OperationalError as e:
        return None, "connect: " + str(e).strip()
    c.autocommit = True
    try:
        cur = c.cursor()
        cur.execute(sql)
        return (cur.fetchall() if cur.description else []), None
    except psycopg2.Error as e:
        return None, e.pgcode
    finally:
        c.close()


def single_node():
    import tempfile
    tmp = tempfile.mkdtemp(prefix="helios-roles-")
    cert, key = os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    with open(os.path.join(tmp, "users"), "w") as f:
        f.write("admin:%s\n" % scram_verifier("admin-pw"))
    cfg = {"sql": {"tls": {"mode": "prefer", "cert": cert, "key": key},
                   "max_connections": 6, "superuser_reserved_connections": 2,
                   "auth": {"method": "scram-sha-256", "users_file": os.path.join(tmp, "users")}}}
    srv = Server(cfg, tmp=tmp)
    port = srv.port
    adm = lambda sql: pgcode(port, "admin", "admin-pw", sql)  # noqa: E731
    app = lambda sql: pgcode(port, "app", "app-pw", sql)  # noqa: E731
    try:
        for sql in ["CREATE TABLE secrets (id int PRIMARY KEY, v text)",
                    "INSERT INTO secrets VALUES (1, 'top')",
                    "CREATE TABLE shared (id int PRIMARY KEY, v text)",
                    "INSERT INTO shared VALUES (1, 'hello')",
                    "CREATE ROLE app LOGIN PASSWORD 'app-pw'",
                    "CREATE ROLE grp",
                    "CREATE ROLE old LOGIN PASSWORD 'old-pw' VALID UNTIL '2001-01-01'"]:
            rows, err = adm(sql)
            t.ok(err is None, "admin: " + sql, err)

        rc, out, err = psql(port, "SELECT current_user, session_user", user="app",
                            env={"PGPASSWORD": "app-pw"}, extra="sslmode=disable")
        t.ok(rc == 0 and out == "app|app", "a role of the catalog logs in with SCRAM-SHA-256", err)
        rc, out, err = psql(port, "SHOW is_superuser", user="app", env={"PGPASSWORD": "app-pw"},
                            extra="sslmode=require channel_binding=require")
        t.ok(rc == 0 and out == "off", "... and with SCRAM-SHA-256-PLUS over TLS; is_superuser=off",
             "%s %s" % (out, err))
        rc, out, err = psql(port, "SELECT 1", user="app", env={"PGPASSWORD": "wrong"},
                            extra="sslmode=disable")
        t.ok(rc != 0 and 'password authentication failed for user "app"' in err,
             "a wrong password is refused", err)
        rows, err = pgcode(port, "grp", "", "SELECT 1")
        t.ok(rows is None, "a role without a password cannot log in", err)
        adm("ALTER ROLE grp PASSWORD 'grp-pw'")
        rows, err = pgcode(port, "grp", "grp-pw", "SELECT 1")
        t.ok(err and 'role "grp" is not permitted to log in' in err,
             "NOLOGIN: refused after authentication (28000), as PostgreSQL does", err)
        rows, err = pgcode(port, "old", "old-pw", "SELECT 1")
        t.ok(err and "password authentication failed" in err, "VALID UNTIL in the past: refused",
             err)

        # what a normal user cannot do
        cannot = [("SELECT * FROM secrets", "42501", "read another user's table"),
                  ("DROP TABLE secrets", "42501", "drop another user's table"),
                  ("ALTER TABLE secrets ADD COLUMN x int", "42501", "alter another user's table"),
                  ("DELETE FROM secrets", "42501", "delete another user's rows"),
                  ("TRUNCATE secrets", "42501", "truncate another user's table"),
                  ("COMMENT ON TABLE secrets IS 'x'", "42501", "comment on another user's table"),
                  ("CREATE TABLE mine (id int PRIMARY KEY)", "42501",
                   "create tables in schema public without CREATE (PostgreSQL 15's default)"),
                  ("SELECT * FROM helios.peers", "42501", "read the helios.* admin views"),
                  ("SELECT helios_backup('/tmp/helios-roles-evil')", "42501",
                   "make the daemon write files (helios_backup)"),
                  ("SELECT helios_anti_entropy()", "42501", "start anti-entropy"),
                  ("SELECT helios_index_check()", "42501", "run helios_index_check"),
                  ("CREATE ROLE eve LOGIN SUPERUSER", "42501", "create roles"),
                  ("ALTER ROLE app SUPERUSER", "42501", "make itself a superuser"),
                  ("ALTER ROLE grp PASSWORD 'x'", "42501", "change another role's password"),
                  ("DROP ROLE grp", "42501", "drop roles"),
                  ("SET SESSION AUTHORIZATION grp", "42501", "take another identity"),
                  ("SET ROLE grp", "42501", "SET ROLE to a role it is not a member of"),
                  ("SELECT set_config('role', 'grp', false)", "42501",
                   "become another role through set_config()"),
                  ("GRANT SELECT ON secrets TO app", "42501", "grant itself privileges"),
                  ("GRANT SELECT (id) ON secrets TO app", "42501",
                   "grant itself a column privilege"),
                  ("GRANT grp TO app", "42501", "grant itself membership in a role (no admin option)")]
        for sql, code, what in cannot:
            rows, err = app(sql)
            t.ok(err == code, "a normal user cannot %s (%s)" % (what, code), "%s -> %s" % (sql, err))
        rows, err = pgcode(port, "app", "app-pw", "SELECT current_user", options="-c role=grp")
        t.ok(err and "permission denied to set role" in err, "a normal user cannot become "
             "another role through a startup option (options=-c role=...)", err)
        rows, err = adm("SELECT count(*) FROM secrets")
        t.ok(rows == [(1,)], "the superuser's table is untouched", rows)
        rows, err = adm("SELECT count(*) FROM pg_class WHERE relname = 'eve'")
        rows2, _ = adm("SELECT count(*) FROM pg_roles WHERE rolname = 'eve'")
        t.ok(rows2 == [(0,)], "no role was created", rows2)

        # granted
        adm("GRANT SELECT, INSERT ON shared TO app")
        adm("GRANT CREATE ON SCHEMA public TO app")
        rows, err = app("SELECT v FROM shared")
        t.ok(rows == [("hello",)], "GRANT SELECT: the role reads the table", err)
        rows, err = app("INSERT INTO shared VALUES (2, 'from app') RETURNING id")
        t.ok(rows == [(2,)], "GRANT INSERT (+ SELECT for RETURNING): the role inserts", err)
        rows, err = app("UPDATE shared SET v = 'x'")
        t.ok(err == "42501", "UPDATE was not granted", err)
        rows, err = app("CREATE TABLE mine (id int PRIMARY KEY)")
        t.ok(err is None, "GRANT CREATE ON SCHEMA public: the role creates a table", err)
        rows, err = adm("SELECT tableowner FROM pg_tables WHERE tablename = 'mine'")
        t.ok(rows == [("app",)], "pg_tables shows the role as the owner", rows)
        rows, err = app("SELECT has_table_privilege('shared', 'SELECT'), "
                        "has_table_privilege('shared', 'DELETE'), has_table_privilege('mine', 'DELETE')")
        t.ok(rows == [(True, False, True)], "has_table_privilege answers truthfully", rows)
        rows, err = adm("SELECT relacl FROM pg_class WHERE relname = 'shared'")
        t.ok(rows == [(["admin=arwdDxt/admin", "app=ar/admin"],)] or
             rows == [("{admin=arwdDxt/admin,app=ar/admin}",)], "relacl lists the grants", rows)
        rc, out, err = psql(port, "\\dp shared", user="admin", env={"PGPASSWORD": "admin-pw"},
                            extra="sslmode=disable")
        t.ok(rc == 0 and "app=ar/admin" in out, "psql \\dp shows the privileges", out + err)
        rc, out, err = psql(port, "\\du", user="admin", env={"PGPASSWORD": "admin-pw"},
                            extra="sslmode=disable")
        t.ok(rc == 0 and "app" in out and "Cannot login" in out and "Superuser" in out,
             "psql \\du lists the roles and their attributes", out + err)

        # pg_stat_activity: a superuser sees every session; a role sees only who and where of
        # sessions of roles whose privileges it lacks
        ca = psycopg2.connect(host="127.0.0.1", port=port, user="app", password="app-pw",
                              dbname="postgres")
        ca.autocommit = True
        ca.cursor().execute("SELECT 'app was here'")
        cs = psycopg2.connect(host="127.0.0.1", port=port, user="admin", password="admin-pw",
                              dbname="postgres")
        cs.autocommit = True
        cs.cursor().execute("SELECT 'admin secret'")
        rows, err = adm("SELECT state, query FROM pg_stat_activity WHERE usename = 'app'")
        t.ok(rows == [("idle", "SELECT 'app was here'")], "pg_stat_activity: a superuser sees "
             "another role's session and its last statement", (rows, err))
        rows, err = app("SELECT state, query FROM pg_stat_activity WHERE usename = 'admin' "
                        "ORDER BY query")
        t.ok(rows == [(None, "<insufficient privilege>")], "... a normal role sees "
             "'<insufficient privilege>' for the superuser's sessions", (rows, err))
        ca.close()
        cs.close()

        # a statement prepared before a REVOKE is refused at its next execution
        import asyncio
        import asyncpg

        async def prepared():
            c = await asyncpg.connect(host="127.0.0.1", port=port, user="app", password="app-pw",
                                      database="postgres", ssl=False)
            try:
                st = await c.prepare("SELECT v FROM shared WHERE id = $1")
                first = await st.fetchval(1)
                adm("REVOKE SELECT ON shared FROM app")
                try:
                    await st.fetchval(1)
                    second = "no error"
                except asyncpg.exceptions.InsufficientPrivilegeError:
                    second = "42501"
                adm("GRANT SELECT ON shared TO app")
                third = await st.fetchval(1)
                return first, second, third
            finally:
                await c.close()
        got = asyncio.run(prepared())
        t.ok(got == ("hello", "42501", "hello"), "a prepared SELECT sees a REVOKE at its next "
             "execution, and the GRANT after it (asyncpg)", got)

        # \password: ALTER ROLE ... PASSWORD with a SCRAM secret computed by the client
        rows, err = app("ALTER ROLE app PASSWORD '%s'" % scram_verifier("new-pw"))
        t.ok(err is None, "a role changes its own password with a SCRAM secret (\\password)", err)
        rows, err = pgcode(port, "app", "new-pw", "SELECT 1")
        rows2, err2 = pgcode(port, "app", "app-pw", "SELECT 1")
        t.ok(rows == [(1,)] and rows2 is None, "the new password works, the old one does not",
             "%s %s" % (err, err2))
        rows, err = adm("SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid "
                        "WHERE rolname = 'app'")
        t.ok(rows == [(True,)], "pg_authid holds the SCRAM secret, never the password", rows)

        # superuser_reserved_connections: 6 - 2 slots for others, the last 2 for superusers
        held = [psycopg2.connect(host="127.0.0.1", port=port, user="app", password="new-pw",
                                 dbname="postgres") for _ in range(4)]
        rows, err = pgcode(port, "app", "new-pw", "SELECT 1")
        t.ok(err and "remaining connection slots are reserved for roles with the SUPERUSER "
             "attribute" in err, "sql.superuser_reserved_connections: the 5th of 6 slots is "
             "refused to a normal role (53300)", err)
        rows, err = adm("SELECT 1")
        t.ok(rows == [(1,)], "... and given to a superuser", err)
        for h in held:
            h.close()

        # connection limit
        adm("ALTER ROLE app CONNECTION LIMIT 1")
        c1 = psycopg2.connect(host="127.0.0.1", port=port, user="app", password="new-pw",
                              dbname="postgres")
        rows, err = pgcode(port, "app", "new-pw", "SELECT 1")
        t.ok(err and "too many connections for role" in err, "CONNECTION LIMIT 1: a second "
             "session is refused (53300)", err)
        c1.close()
        t.ok(wait_for(lambda: pgcode(port, "app", "new-pw", "SELECT 1")[0] == [(1,)], 10),
             "... and admitted once the first is gone")

        srv.restart()
        rows, err = pgcode(port, "app", "new-pw", "SELECT v FROM shared ORDER BY id")
        t.ok(rows == [("hello",), ("from app",)], "after a restart the role logs in and keeps "
             "its grants", err)
        rows, err = pgcode(port, "app", "new-pw", "SELECT * FROM secrets")
        t.ok(err == "42501", "... and still cannot read what it was not granted", err)
    finally:
        srv.cleanup()


class ScramNode(rb.Node):
    """A region whose SQL port asks every user but postgres (the test's) for SCRAM."""

    def write_config(self, peers):
        super().write_config(peers)
        import json
        with open(self.cfg) as f:
            cfg = json.load(f)
        cfg["sql"]["auth"] = {"method": "scram-sha-256",
                              "rules": [{"cidr": "127.0.0.0/8", "user": "postgres",
                                         "method": "trust"},
                                        {"cidr": "127.0.0.0/8", "user": "all",
                                         "method": "scram-sha-256"}]}
        with open(self.cfg, "w") as f:
            json.dump(cfg, f)


def regions():
    import tempfile
    tmp = tempfile.mkdtemp(prefix="helios-roles-repl-")
    names = [("r1", 1), ("r2", 2), ("r3", 3)]
    rb.make_certs(tmp, names)
    nodes = [ScramNode(tmp, n, i) for n, i in names]
    for n in nodes:
        n.write_config([p for p in nodes if p is not n])
    try:
        for n in nodes:
            t.ok(n.start(), "region %s starts" % n.name)
        a, b, c = nodes

        def run(node, sql):
            cn = node.connect()
            cn.cursor().execute(sql)
            cn.close()
        run(a, "CREATE TABLE orders (id int PRIMARY KEY, total int)")
        run(a, "INSERT INTO orders VALUES (1, 10)")
        run(a, "CREATE ROLE clerk LOGIN PASSWORD 'clerk-pw'")
        run(a, "GRANT SELECT ON orders TO clerk")
        reads = lambda n: pgcode(n.sql_port, "clerk", "clerk-pw", "SELECT total FROM orders")  # noqa
        t.ok(wait_for(lambda: reads(b)[0] == [(10,)], 20),
             "a role created in r1 logs in (SCRAM) in r2 and reads what r1 granted", reads(b))
        t.ok(wait_for(lambda: reads(c)[0] == [(10,)], 20), "... and in r3", reads(c))
        run(c, "REVOKE SELECT ON orders FROM clerk")
        t.ok(wait_for(lambda: all(reads(n)[1] == "42501" for n in nodes), 20),
             "a REVOKE in r3 takes the right away in every region", [reads(n) for n in nodes])

        # the same privilege granted in r1 and revoked in r2 at once
        agree = []
        for k in range(5):
            barrier = threading.Barrier(2)

            def op(node, sql):
                cn = node.connect()
                barrier.wait()
                cn.cursor().execute(sql)
                cn.close()
            th = [threading.Thread(target=op, args=(a, "GRANT INSERT ON orders TO clerk")),
                  threading.Thread(target=op, args=(b, "REVOKE INSERT ON orders FROM clerk"))]
            for x in th:
                x.start()
            for x in th:
                x.join()
            q = "SELECT has_table_privilege('clerk', 'orders', 'INSERT')"
            ok = wait_for(lambda: len({rb.query(n, q)[0][0] for n in nodes}) == 1 and
                          len(set(rb.digests(nodes))) == 1, 20)
            agree.append(ok)
        t.ok(all(agree), "concurrent GRANT and REVOKE of one privilege converge to one answer "
             "in all regions (5 rounds)", agree)

        # grant options and column privileges travel like every grant
        run(a, "CREATE ROLE auditor LOGIN PASSWORD 'auditor-pw'")
        run(a, "GRANT SELECT ON orders TO clerk WITH GRANT OPTION")
        t.ok(wait_for(lambda: rb.query(b, "SELECT has_table_privilege('clerk', 'orders', "
                                          "'SELECT WITH GRANT OPTION')")[0][0] is True, 20),
             "a grant option given in r1 is held in r2")
        code = pgcode(b.sql_port, "clerk", "clerk-pw", "GRANT SELECT ON orders TO auditor")
        t.ok(code[1] is None, "the grantee passes the privilege on in r2", code)
        audits = lambda n: pgcode(n.sql_port, "auditor", "auditor-pw", "SELECT total FROM orders")  # noqa
        t.ok(wait_for(lambda: all(audits(n)[0] == [(10,)] for n in nodes), 20),
             "what clerk passed on in r2 is usable in every region", [audits(n) for n in nodes])
        code = pgcode(c.sql_port, "postgres", None, "REVOKE GRANT OPTION FOR SELECT ON orders FROM clerk")
        t.ok(code[1] == "2BP01", "REVOKE GRANT OPTION FOR without CASCADE in r3 is refused while "
             "auditor holds what clerk passed on (2BP01)", code)
        run(c, "REVOKE GRANT OPTION FOR SELECT ON orders FROM clerk CASCADE")
        t.ok(wait_for(lambda: all(audits(n)[1] == "42501" and reads(n)[0] == [(10,)] for n in nodes), 20),
             "REVOKE GRANT OPTION FOR ... CASCADE in r3 takes auditor's privilege away everywhere; "
             "clerk keeps SELECT", [(audits(n), reads(n)) for n in nodes])
        run(a, "REVOKE SELECT ON orders FROM clerk")
        run(a, "GRANT SELECT (id) ON orders TO auditor")
        ids = lambda n: pgcode(n.sql_port, "auditor", "auditor-pw", "SELECT id FROM orders")  # noqa
        t.ok(wait_for(lambda: all(ids(n)[0] == [(1,)] and audits(n)[1] == "42501" for n in nodes), 20),
             "a column grant in r1: auditor reads that column, and not the others, in every region",
             [(ids(n), audits(n)) for n in nodes])
        run(a, "REVOKE ALL ON orders FROM auditor")
        run(a, "DROP ROLE auditor")

        run(b, "REVOKE ALL ON orders FROM clerk")
        run(b, "DROP ROLE clerk")
        t.ok(wait_for(lambda: all(reads(n)[0] is None and "connect" in (reads(n)[1] or "")
                                  for n in nodes), 20),
             "DROP ROLE in r2 ends the role's logins in every region", [reads(n) for n in nodes])
    finally:
        for n in nodes:
            n.stop()
        rb.cleanup(tmp)


for part in (single_node, regions):
    try:
        part()
    except Exception as e:  # noqa: BLE001 - reported as a failure, not lost
        import traceback
        t.ok(False, "%s ran to the end" % part.__name__, traceback.format_exc())
t.done()
