#!/usr/bin/python3
"""tests/integration/test_ops_backup.py — online backup of a running daemon.

A node takes writes from a background client; while it writes, `heliosctl backup -h -p` asks
the daemon for a checkpoint (SELECT helios_backup), and a second backup names only the config
(the store is locked, so heliosctl asks the daemon at sql.listen). Each backup is restored with
`heliosctl restore` into a new data directory, a node is started on it, and every row whose
commit was acknowledged before the backup call is there. helios_backup refuses a relative path,
an existing directory, and any folder that is not directly inside storage.backup_dir (".."
included)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)
results = []


def check(desc, cond):
    results.append((desc, bool(cond)))


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import free_port  # noqa: E402  (never the same port twice in a process)


class Node:
    def __init__(self, tmp, tag, data_dir):
        self.port = free_port()
        self.cfg = os.path.join(tmp, tag + ".json")
        self.logpath = os.path.join(tmp, tag + ".log")
        self.tmp = tmp
        cfg = {"node": {"name": "bk", "id": 1, "data_dir": data_dir},
               "sql": {"listen": "127.0.0.1:%d" % self.port,
                       "auth": {"method": "trust",
                                "rules": [{"cidr": "127.0.0.0/8", "user": "all",
                                           "method": "trust"}]}},
               "storage": {"sync": "always", "backup_dir": "backups"},
               "metrics": {"listen": "127.0.0.1:%d" % free_port()}}
        with open(self.cfg, "w") as f:
            json.dump(cfg, f)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--config", self.cfg],
                                     cwd=self.tmp, stdout=subprocess.DEVNULL,
                                     stderr=open(self.logpath, "a"))
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


def ctl(*args, cwd=None):
    return subprocess.run([os.path.join(BINDIR, "heliosctl")] + list(args), cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def main():
    tmp = tempfile.mkdtemp(prefix="helios-ops-backup-")
    nodes = []
    stop = threading.Event()
    try:
        a = Node(tmp, "a", "data")
        nodes.append(a)
        check("node starts", a.start())
        c = a.connect()
        cur = c.cursor()
        cur.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text)")
        for i in range(1, 201):
            cur.execute("INSERT INTO t VALUES (%s, %s)", (i, "row %d" % i))

        acked = []  # ids in acknowledgement order, appended only after the commit returned
        lock = threading.Lock()

        def writer():
            wc = a.connect()
            wcur = wc.cursor()
            i = 100000
            while not stop.is_set():
                i += 1
                wcur.execute("INSERT INTO t VALUES (%s, 'live')", (i,))
                with lock:
                    acked.append(i)
            wc.close()

        th = threading.Thread(target=writer)
        th.start()
        # let the writer get going: wait for acknowledged commits, not for time
        deadline = time.time() + 10
        while time.time() < deadline and len(acked) < 50:
            time.sleep(0.01)

        # relative path and existing directory are refused
        try:
            cur.execute("SELECT helios_backup('relative/dir')")
            check("helios_backup refuses a relative path", False)
        except psycopg2.Error as e:
            check("helios_backup refuses a relative path", e.pgcode == "22023")

        backups = []
        with lock:
            n_start = len(acked)
        # only directly inside storage.backup_dir, whatever ".." says
        for bad in ("/tmp/helios-outside-backup", os.path.join(tmp, "backups", "..", "evil"),
                    os.path.join(tmp, "data", "bk")):
            try:
                cur.execute("SELECT helios_backup(%s)", (bad,))
                check("helios_backup refuses %s (outside storage.backup_dir)" % bad, False)
            except psycopg2.Error as e:
                check("helios_backup refuses %s (outside storage.backup_dir)" % bad,
                      e.pgcode == "42501" and not os.path.exists(bad))
        for how in ("hp", "config"):
            out = os.path.join(tmp, "backups", "backup-" + how)
            with lock:
                before = set(acked) | set(range(1, 201))
            if how == "hp":
                r = ctl("backup", "-h", "127.0.0.1", "-p", str(a.port), "--out", out)
            else:
                r = ctl("backup", "--config", a.cfg, "--out", out, cwd=tmp)
            check("heliosctl backup (%s) while writing exits 0 (%s)" % (how, r.stderr.strip()),
                  r.returncode == 0 and os.path.isdir(out))
            backups.append((how, out, before))
        with lock:
            n_before_stop = len(acked)
        check("the writer kept committing during the backups", n_before_stop > n_start)

        try:
            cur.execute("SELECT helios_backup(%s)", (backups[0][1],))
            check("helios_backup refuses an existing directory", False)
        except psycopg2.Error as e:
            check("helios_backup refuses an existing directory", e.pgcode == "58P02")
        c.close()
        stop.set()
        th.join(30)
        a.stop()

        for how, out, before in backups:
            b = Node(tmp, "restored-" + how, "data-" + how)
            nodes.append(b)
            r = ctl("restore", "--config", b.cfg, "--from", out, cwd=tmp)
            check("heliosctl restore of the %s backup exits 0 (%s)" % (how, r.stderr.strip()),
                  r.returncode == 0)
            check("a node starts on the restored %s backup" % how, b.start())
            bc = b.connect()
            bcur = bc.cursor()
            bcur.execute("SELECT id FROM t")
            have = {row[0] for row in bcur.fetchall()}
            bc.close()
            missing = before - have
            check("every row acknowledged before the %s backup is restored (%d rows, %d "
                  "missing)" % (how, len(before), len(missing)), not missing)
            b.stop()
    finally:
        stop.set()
        for n in nodes:
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    for i, (desc, ok) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
