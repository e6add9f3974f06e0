#!/usr/bin/python3
"""tests/integration/test_ops_backup_space.py — online backups keep the free-space reserve.

helios_backup() writes a RocksDB checkpoint into storage.backup_dir. Into another filesystem
RocksDB copies every live file; on the data directory's own it only hard-links them, but the
checkpoint's memtable flush still writes there. So (storage.h, storage_backup):

- into a filesystem that cannot hold about the data directory's size and keep the reserve
  storage.min_free_mb, the backup is refused with 53100 and a message giving the sizes, and
  no folder is left behind; once that filesystem has room, the same backup succeeds;
- while the data directory itself is below the reserve, every backup is refused with 53100.

Both filesystems are small tmpfs mounts: needs root (mount); skips with a TAP SKIP otherwise.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2

BINDIR = os.path.abspath(os.environ.get("BINDIR", "build/bin"))

if os.geteuid() != 0:
    print("1..0 # SKIP needs root to mount a tmpfs")
    sys.exit(0)

results = []


def check(desc, cond, info=None):
    results.append((desc, bool(cond)))
    if not cond and info is not None:
        print("# %s: %r" % (desc, info))


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import free_port  # noqa: E402  (never the same port twice in a process)


def mount(path, size):
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path],
                       capture_output=True, text=True)
    return r.returncode == 0, r.stderr.strip()


def remount(path, size):
    return subprocess.run(["mount", "-o", "remount,size=" + size, path],
                          capture_output=True, text=True).returncode == 0


class Node:
    def __init__(self, tmp, min_free_mb):
        self.tmp = tmp
        self.port = free_port()
        self.cfg = os.path.join(tmp, "node-%d.json" % min_free_mb)
        cfg = {"node": {"name": "bks", "id": 1, "data_dir": os.path.join(tmp, "data", "db")},
               "sql": {"listen": "127.0.0.1:%d" % self.port,
                       "auth": {"method": "trust",
                                "rules": [{"cidr": "127.0.0.0/8", "user": "all",
                                           "method": "trust"}]}},
               "storage": {"sync": "always", "backup_dir": "backups",
                           "min_free_mb": min_free_mb, "block_cache_mb": 8},
               "metrics": {"listen": "127.0.0.1:%d" % free_port()}}
        with open(self.cfg, "w") as f:
            json.dump(cfg, f)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--config", self.cfg],
                                     cwd=self.tmp, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.tmp, "node.log"), "a"))
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                self.connect().close()
                return True
            except psycopg2.OperationalError:
                if self.proc.poll() is not None:
                    return False
                time.sleep(0.05)
        return False

    def connect(self):
        c = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", connect_timeout=5)
        c.autocommit = True
        return c

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def backup(node, path):
    """(ok, SQLSTATE, message) of SELECT helios_backup(path)."""
    c = node.connect()
    try:
        c.cursor().execute("SELECT helios_backup(%s)", (path,))
        return True, None, ""
    except psycopg2.Error as e:
        return False, e.pgcode, (e.pgerror or "").strip()
    finally:
        c.close()


def main():
    tmp = tempfile.mkdtemp(prefix="helios-backup-space-")
    mounts = []
    node = None
    try:
        for sub, size in (("data", "96m"), ("backups", "2m")):
            ok, why = mount(os.path.join(tmp, sub), size)
            if not ok:
                print("1..0 # SKIP cannot mount a tmpfs: %s" % why)
                return 0
            mounts.append(os.path.join(tmp, sub))
        node = Node(tmp, 1)
        check("a node starts with its data directory on a tmpfs", node.start())
        c = node.connect()
        cur = c.cursor()
        cur.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
        pad = "x" * 2000
        for i in range(3000):  # about 6 MB of rows: more than the 2 MiB backup filesystem
            cur.execute("INSERT INTO t VALUES (%s, %s)", (i, pad))
        c.close()

        target = os.path.join(tmp, "backups", "b1")
        ok, code, msg = backup(node, target)
        check("a backup into a filesystem too small for it is refused with 53100",
              not ok and code == "53100", (code, msg))
        check("... the message gives what it needs and the reserve",
              "needs about" in msg and "storage.min_free_mb = 1" in msg, msg)
        check("... and no folder is left behind", not os.path.exists(target),
              os.listdir(os.path.join(tmp, "backups")))

        check("the backup filesystem grows (remount)", remount(os.path.join(tmp, "backups"), "256m"))
        ok, code, msg = backup(node, target)
        check("the same backup then succeeds", ok and os.path.isdir(target), (code, msg))
        node.stop()

        # a reserve larger than the data filesystem: the data directory is below it
        node = Node(tmp, 200)
        check("the node restarts with a reserve above its filesystem's size", node.start())
        ok, code, msg = backup(node, os.path.join(tmp, "backups", "b2"))
        check("while the data directory is below the reserve a backup is refused with 53100",
              not ok and code == "53100" and "below the reserve" in msg, (code, msg))
        check("... and writes nothing", not os.path.exists(os.path.join(tmp, "backups", "b2")))
    finally:
        if node:
            node.stop()
        for m in reversed(mounts):
            subprocess.run(["umount", m], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    for i, (desc, ok) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
