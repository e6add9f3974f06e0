#!/usr/bin/python3
"""tests/integration/test_ops_restore.py — restoring a replicated region in place (issue #6).

Two regions. Region 2 takes counter increments and is backed up (heliosctl backup, online);
it takes more increments, which replicate to region 1. Region 2 is stopped and restored in
place from the backup (heliosctl restore, same identity), so its own newest entries exist
only on region 1. Region 1 is kept down while region 2 starts: local writes on region 2 are
refused with SQLSTATE 25006 (a write now would reuse sequence numbers region 1 holds, and
region 1 would skip it as a duplicate), reads work. Region 1 starts: region 2 gets its own
entries back, logs that it is writable, and takes writes again. Both regions write more; they
converge and the counter sums exactly every acknowledged increment (none lost, none doubled).
Last, file modes: every file in the data directory is private (umask 077), and a data
directory opened to others (0755) is refused with a message naming the fix.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402

BINDIR = os.path.abspath(os.environ.get("BINDIR", "bin"))
check = rb.check


def ctl(*args, cwd=None):
    return subprocess.run([os.path.join(BINDIR, "heliosctl")] + list(args), cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def incr(node, n, rows=5):
    """n acknowledged increments of +1, spread over rows; returns how many were acked."""
    c = node.connect()
    cur = c.cursor()
    done = 0
    for i in range(n):
        cur.execute("UPDATE c SET n = n + 1 WHERE id = %s", (i % rows,))
        done += 1
    c.close()
    return done


def total(node):
    return rb.query(node, "SELECT coalesce(sum(n), 0) FROM c")[0][0]


def main():
    tmp = tempfile.mkdtemp(prefix="helios-restore-")
    names = [("r1", 1), ("r2", 2)]
    rb.make_certs(tmp, names)
    n1, n2 = [rb.Node(tmp, n, i) for n, i in names]
    n1.write_config([n2])
    n2.write_config([n1])
    bdir = os.path.join(tmp, "backups-" + n2.name, "backup-r2")  # in its storage.backup_dir
    try:
        check("both regions start", n1.start() and n2.start())
        conn = n1.connect()
        conn.cursor().execute("CREATE TABLE c (id bigint PRIMARY KEY, n pn_counter)")
        conn.cursor().execute("INSERT INTO c (id, n) VALUES (0, 0), (1, 0), (2, 0), (3, 0), "
                              "(4, 0)")
        conn.close()
        check("the table reaches region 2",
              rb.wait_for(lambda: rb.query(n2, "SELECT count(*) FROM c")[0][0] == 5, 20))
        acked = incr(n2, 40)
        r = ctl("backup", "--config", n2.cfg, "--out", bdir, cwd=tmp)
        check("heliosctl backup of region 2 exits 0 (%s)" % r.stderr.strip(), r.returncode == 0)
        acked += incr(n2, 60)  # after the backup: only region 1 will keep these
        check("region 1 has every increment of region 2",
              rb.wait_for(lambda: total(n1) == acked, 20))

        n2.stop()
        n1.stop()  # down while region 2 comes back: nobody can return its entries yet
        shutil.rmtree(os.path.join(tmp, "data-r2"))
        r = ctl("restore", "--config", n2.cfg, "--from", bdir, cwd=tmp)
        check("heliosctl restore in place exits 0 and says writes wait for the peers (%s)"
              % (r.stderr.strip() or r.stdout.strip()).replace("\n", " | "),
              r.returncode == 0 and "25006" in r.stdout)
        check("region 2 starts on the restored store", n2.start())
        check("region 2 reads the backup's state", total(n2) == 40)
        code = None
        try:
            incr(n2, 1)
        except psycopg2.Error as e:
            code = e.pgcode
        check("a local write on the restored region is refused with 25006 (got %s)" % code,
              code == "25006")
        with open(os.path.join(tmp, "r2.log")) as f:
            log = f.read()
        check("region 2 logs that it was restored in place and why writes wait",
              "restored in place" in log)

        check("region 1 restarts", n1.start())
        check("region 2 gets its own entries back from region 1",
              rb.wait_for(lambda: total(n2) == acked, 30))
        with open(os.path.join(tmp, "r1.log")) as f:
            log1 = f.read()
        # the warning a healthy cluster never logs (test_repl_catchup_warn.py) does appear
        check("region 1 warns that region 2 lost state (restored?)",
              "peer 2 reports less than it acknowledged before (restored?)" in log1 or
              "peer 2 lacks entries" in log1)

        def writable():
            try:
                incr(n2, 1, rows=1)
                return True
            except psycopg2.Error as e:
                if e.pgcode != "25006":
                    raise
                return False
        check("region 2 takes writes again once caught up", rb.wait_for(writable, 30))
        acked += 1
        with open(os.path.join(tmp, "r2.log")) as f:
            log = f.read()
        check("region 2 logs that it is writable again", "local writes accepted" in log)
        acked += incr(n2, 30)
        acked += incr(n1, 30)
        check("both regions converge to every acknowledged increment (%d)" % acked,
              rb.wait_for(lambda: total(n1) == acked and total(n2) == acked, 30))
        check("the regions' digests agree",
              rb.wait_for(lambda: len(set(rb.digests([n1, n2]))) == 1, 30))
        check("no write lost: sums %s / %s, acknowledged %d" % (total(n1), total(n2), acked),
              total(n1) == acked and total(n2) == acked)

        # File modes (umask 077 in the daemon): nothing in a data directory is readable by
        # others, and a daemon refuses a data directory others can enter.
        n2.stop()
        data2 = os.path.join(tmp, "data-r2")
        loose = [f for f in os.listdir(data2)
                 if os.stat(os.path.join(data2, f)).st_mode & 0o077]
        check("files the daemon and heliosctl wrote are private (%s)" % loose[:5], not loose)
        os.chmod(data2, 0o755)
        check("a world-readable data directory is refused", not n2.start())
        with open(os.path.join(tmp, "r2.log")) as f:
            log = f.read()
        check("the refusal names the mode and the fix", "mode 0755" in log and "chmod 0700" in log)
        os.chmod(data2, 0o700)
        check("with mode 0700 it starts again", n2.start())
    finally:
        n1.stop()
        n2.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(rb.results))
    failed = 0
    for i, (desc, ok) in enumerate(rb.results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
