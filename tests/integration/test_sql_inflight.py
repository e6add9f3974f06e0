#!/usr/bin/python3
"""tests/integration/test_sql_inflight.py — concurrent commits to the same rows lose nothing.

A commit's deltas are built on the loop while earlier commits may still be queued for the
storage writer; a counter delta built on a row that misses an in-flight increment used to drop
that increment (16 pgbench clients on one counter kept about a third of their increments).
pgbench drives many clients at one --dev node (prepared and simple protocol, the latter with
literal keys served from one cached parse); every acknowledged increment must be in the sum."""
import os, shutil, socket, subprocess, sys, tempfile, time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

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
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("CREATE TABLE c (id bigint PRIMARY KEY, n g_counter, m pn_counter)")
        for k in (1, 2, 3):
            cur.execute("INSERT INTO c VALUES (%s, 0, 0)", (k,))

        rc, done, _ = wirelib.pgbench(port, tmp, "UPDATE c SET n = n + 1 WHERE id = 1;\n",
                                      16, 150, mode="prepared")
        cur.execute("SELECT n FROM c WHERE id = 1")
        n = cur.fetchone()[0]
        check("16 clients x 150 increments of one row, prepared: all committed", rc == 0 and done == 2400)
        check("... and all of them are in the counter (got %d)" % n, n == 2400)

        rc, done, _ = wirelib.pgbench(port, tmp, "UPDATE c SET m = m + 2 WHERE id = 2;\n"
                                      "UPDATE c SET m = m - 1 WHERE id = 2;\n", 16, 100,
                                      mode="prepared")
        cur.execute("SELECT m FROM c WHERE id = 2")
        m = cur.fetchone()[0]
        check("pn_counter +2/-1 from 16 clients sums exactly (got %d)" % m, rc == 0 and m == 1600)

        rc, done, _ = wirelib.pgbench(port, tmp, "\\set k random(1, 3)\n"
                                      "UPDATE c SET n = n + 1 WHERE id = :k;\n", 16, 150)
        cur.execute("SELECT sum(n) FROM c")
        total = cur.fetchone()[0]
        check("simple protocol, literal keys over 3 rows: sum is exact (got %s)" % total,
              rc == 0 and done == 2400 and total == 4800)
        cur.execute("SELECT id, n FROM c WHERE id = 3")
        row3 = cur.fetchone()
        cur.execute("SELECT id, n FROM c WHERE id = 1")
        row1 = cur.fetchone()
        check("same-shape point reads return their own rows", row3[0] == 3 and row1[0] == 1)
        conn.close()
    finally:
        srv.terminate()
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    print("1..%d" % len(results))
    ok = True
    for i, (desc, good) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, desc))
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
