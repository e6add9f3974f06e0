#!/usr/bin/python3
"""tests/integration/test_diskfull.py — a full disk under a running node (issue #10).

The node's data directory lives on a small tmpfs (24 MiB) with storage.min_free_mb = 8, so
the free-space guard (storage.h, "Write guards") trips while RocksDB still has room: every
row is 4 KB, far below what the reserve holds, and nothing else writes much on the tmpfs
(the memtable, 64 MiB, never flushes here). A writer fills it with acknowledged rows until
commits fail; then: the failure is SQLSTATE 53100 with a message naming the disk, the daemon
is alive (Debian's RocksDB 7.8 aborted it before the guard), reads keep working and see every
acknowledged row, a second write fails the same way, and the log says once that writes are
refused. Space returns (mount -o remount,size=...): writes succeed again without a restart,
and the log says so. After a clean restart every acknowledged row is still there. Needs root
(mount); skips with a TAP SKIP otherwise."""
import os
import subprocess
import sys
import tempfile
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Server, Tap, wait_for  # noqa: E402

if os.geteuid() != 0:
    print("1..0 # SKIP needs root to mount a tmpfs")
    sys.exit(0)

t = Tap()
SMALL, BIG = "24m", "256m"
mnt = tempfile.mkdtemp(prefix="helios-diskfull-")
r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + SMALL, "tmpfs", mnt],
                   capture_output=True, text=True)
if r.returncode != 0:
    print("1..0 # SKIP cannot mount a tmpfs: %s" % r.stderr.strip())
    os.rmdir(mnt)
    sys.exit(0)

trust = {"method": "trust", "rules": [{"cidr": "127.0.0.1/32", "user": "all", "method": "trust"}]}
cfg = {"node": {"name": "full", "id": 1, "data_dir": os.path.join(mnt, "data")},
       "sql": {"auth": trust},
       "storage": {"sync": "always", "block_cache_mb": 8, "min_free_mb": 8}}
srv = None


def connect(port):
    c = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                         connect_timeout=10)
    c.autocommit = True
    return c


def stored_rows(port):
    c = connect(port)
    with c.cursor() as cur:
        cur.execute("SELECT k FROM acked")
        got = {row[0] for row in cur.fetchall()}
    c.close()
    return got


try:
    srv = Server(cfg)
    c = connect(srv.port)
    cur = c.cursor()
    cur.execute("CREATE TABLE acked (k int PRIMARY KEY, v text)")
    acked, err, k = set(), None, 0
    pad = "p" * 4000
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            cur.execute("INSERT INTO acked VALUES (%s, %s)", (k, pad))
            acked.add(k)
            k += 1
        except psycopg2.Error as e:
            err = e
            break
        except Exception as e:  # noqa: BLE001 - connection lost: the daemon stopped
            err = e
            break
    print("# %d rows acknowledged before the disk filled; error: %s"
          % (len(acked), str(err).strip().replace("\n", " | ") if err else None), flush=True)
    code = getattr(err, "pgcode", None)
    # A daemon that died on the error needs a moment to be seen dead.
    wait_for(lambda: not srv.alive(), 2 if code is None else 0.3)
    alive = srv.alive()
    check = t.ok

    check(code == "53100", "a write on a full disk fails with SQLSTATE 53100", err)
    check(err is not None and ("disk" in str(err).lower() or "space" in str(err).lower()),
          "the message says the disk is full", err)
    check(alive, "the daemon is still running after ENOSPC", srv.logtext()[-1500:])
    reads_ok = False
    if alive:
        try:
            c2 = connect(srv.port)
            with c2.cursor() as cur2:
                cur2.execute("SELECT count(*) FROM acked")
                reads_ok = cur2.fetchone()[0] >= len(acked)
            c2.close()
        except psycopg2.Error as e:
            print("# read after ENOSPC: %s" % e, flush=True)
    check(reads_ok, "reads keep working on a full disk and see every acknowledged row")
    again = None
    if alive:
        try:
            cur.execute("INSERT INTO acked VALUES (%s, 'x')", (k,))
            again = "accepted"
            acked.add(k)
        except psycopg2.Error as e:
            again = e.pgcode
        except Exception as e:  # noqa: BLE001
            again = str(e)
    check(again == "53100", "a second write on the full disk: 53100 again", again)
    k += 1
    log = srv.logtext()
    t.ok(log.count("disk full:") == 1 and "refusing writes" in log,
         "the log says once that writes are refused", log[-1500:])

    subprocess.run(["mount", "-o", "remount,size=" + BIG, mnt], check=True)
    recovered_live = False
    if srv.alive():
        def write_ok():
            global k
            try:
                cx = connect(srv.port)
                with cx.cursor() as cy:
                    cy.execute("INSERT INTO acked VALUES (%s, 'after')", (k,))
                cx.close()
                acked.add(k)
                k += 1
                return True
            except psycopg2.Error:
                return False
            except Exception:  # noqa: BLE001
                return False
        recovered_live = bool(wait_for(write_ok, 10, 0.2))
    t.ok(recovered_live, "writes succeed again once space returns, without a restart")
    t.ok("disk space back" in srv.logtext(), "the log says writes are accepted again",
         srv.logtext()[-1500:])
    try:
        c.close()
    except Exception:  # noqa: BLE001
        pass
    rc = srv.stop()
    t.ok(rc == 0, "the first daemon stops cleanly after the episode", srv.logtext()[-1500:])
    first, srv = srv, None
    first.cleanup()

    srv = Server(cfg)
    t.ok(srv.alive(), "the daemon restarts on the same data directory")
    got = stored_rows(srv.port)
    lost = acked - got
    t.ok(not lost, "no acknowledged row lost (%d acknowledged, %d present)"
         % (len(acked), len(got & acked)), "lost: %s" % sorted(lost)[:20])
    cx = connect(srv.port)
    with cx.cursor() as cy:
        cy.execute("INSERT INTO acked VALUES (%s, 'restart')", (k,))
        cy.execute("SELECT v FROM acked WHERE k = %s", (k,))
        t.ok(cy.fetchone()[0] == "restart", "writes succeed after the restart")
    cx.close()
    t.ok(srv.stop() == 0, "clean shutdown after recovery", srv.logtext()[-1500:])
finally:
    if srv:
        srv.cleanup()
    subprocess.run(["umount", "-l", mnt])
    os.rmdir(mnt)
t.done()
