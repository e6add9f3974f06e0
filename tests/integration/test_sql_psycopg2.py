#!/usr/bin/python3
"""tests/integration/test_sql_psycopg2.py — the SQL executor through psycopg2 (extended-protocol
style parameters, implicit transactions, commit/rollback): CRDT columns come back as Python
types (sets -> lists, maps -> dicts, counters -> ints)."""
import os, shutil, socket, subprocess, sys, tempfile, time

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
results = []


def check(desc, cond):
    results.append((desc, bool(cond)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    tmp = tempfile.mkdtemp()
    port = free_port()
    srv = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--dev", "--data", tmp + "/d",
                            "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        conn = None
        while time.time() < deadline:
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.05)
        cur = conn.cursor()
        cur.execute("CREATE TABLE p (id bigint PRIMARY KEY, views g_counter, score pn_counter, "
                    "tags or_set, attrs lww_map, name text)")
        conn.commit()
        cur.execute("INSERT INTO p VALUES (%s, %s, %s, %s, %s, %s)",
                    (1, 3, -2, ["a", "b c"], '{"k": 1, "s": "x"}', "héllo"))
        cur.execute("UPDATE p SET views = views + %s, tags = array_append(tags, %s) WHERE id = %s",
                    (4, "z", 1))
        check("UPDATE rowcount", cur.rowcount == 1)
        conn.commit()
        cur.execute("SELECT views, score, tags, attrs, name FROM p WHERE id = %s", (1,))
        views, score, tags, attrs, name = cur.fetchone()
        check("counter is int", views == 7 and isinstance(views, int))
        check("pn_counter negative int", score == -2)
        check("set is a list", tags == ["a", "b c", "z"])
        check("map is a dict", attrs == {"k": 1, "s": "x"})
        check("unicode text", name == "héllo")
        cur.execute("INSERT INTO p (id, name) VALUES (%s, %s)", (2, "gone"))
        conn.rollback()
        cur.execute("SELECT count(*) FROM p")
        check("rollback discards", cur.fetchone()[0] == 1)
        conn.commit()
        try:
            cur.execute("SELECT nope FROM p")
            check("42703", False)
        except psycopg2.Error as e:
            check("42703 unknown column", e.pgcode == "42703")
        conn.rollback()
        # RowDescription: a table column carries its table's oid, attnum and modifier
        cur.execute("CREATE TABLE rd (id int PRIMARY KEY, v varchar(7), n numeric(6,2))")
        cur.execute("SELECT 'rd'::regclass::oid")
        rd_oid = cur.fetchone()[0]
        cur.execute("SELECT n, id, v, v || 'x' FROM rd")
        d = cur.description
        check("RowDescription names table columns (oid, attnum)",
              [(x.table_oid, x.table_column) for x in d] ==
              [(rd_oid, 3), (rd_oid, 1), (rd_oid, 2), (None, None)])
        check("RowDescription carries varchar(7) and numeric(6,2)",
              d[2].internal_size == 7 and (d[0].precision, d[0].scale) == (6, 2))
        conn.commit()
        # a read-only REPEATABLE READ block reads one snapshot; LOCK TABLE holds DDL back
        other = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        other.autocommit = True
        ocur = other.cursor()
        ocur.execute("CREATE TABLE snap (id int PRIMARY KEY)")
        ocur.execute("INSERT INTO snap VALUES (1), (2)")
        conn.commit()
        conn.autocommit = True  # the blocks below are the test's own
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cur.execute("SELECT count(*) FROM snap")
        before = cur.fetchone()[0]
        ocur.execute("INSERT INTO snap VALUES (3)")
        cur.execute("SELECT count(*) FROM snap")
        check("REPEATABLE READ READ ONLY keeps its snapshot (2, then 2 after another commit)",
              (before, cur.fetchone()[0]) == (2, 2))
        cur.execute("LOCK TABLE snap IN ACCESS SHARE MODE")
        ocur.execute("SET lock_timeout = 300")
        try:
            ocur.execute("DROP TABLE snap")
            check("DROP TABLE of a share-locked table waits (lock_timeout ends it)", False)
        except psycopg2.Error as e:
            check("DROP TABLE of a share-locked table waits: lock_timeout ends it with 55P03",
                  e.pgcode == "55P03" and "lock timeout" in str(e))
        ocur.execute("RESET lock_timeout")
        cur.execute("COMMIT")
        cur.execute("SELECT count(*) FROM snap")
        check("after COMMIT the latest state (3)", cur.fetchone()[0] == 3)
        conn.autocommit = False
        ocur.execute("DROP TABLE snap")
        other.close()
        # named (server-side) cursors: DECLARE ... CURSOR and FETCH FORWARD itersize
        cur.execute("CREATE TABLE nc (id serial PRIMARY KEY, v text)")
        cur.execute("INSERT INTO nc (v) SELECT 'r' || g FROM generate_series(1, 25) g")
        conn.commit()
        named = conn.cursor(name="stream_nc")
        named.itersize = 4
        named.execute("SELECT id, v FROM nc ORDER BY id")
        first = named.fetchmany(3)
        rest = list(named)
        check("named cursor streams every row in order (%d + %d)" % (len(first), len(rest)),
              [r[0] for r in first + rest] == list(range(1, 26)))
        named.close()
        conn.commit()
        held = conn.cursor(name="held_nc", withhold=True)
        held.execute("SELECT v FROM nc WHERE id > 20 ORDER BY id")
        conn.commit()  # a WITH HOLD cursor outlives its transaction
        check("WITH HOLD cursor reads after COMMIT", [r[0] for r in held.fetchall()] ==
              ["r21", "r22", "r23", "r24", "r25"])
        held.close()
        conn.commit()
        conn.close()
    finally:
        srv.terminate()
        try:
            srv.wait(10)
        except subprocess.TimeoutExpired:
            srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    ok = True
    for i, (d, c) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if c else "not ", i, d))
        ok = ok and c
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
