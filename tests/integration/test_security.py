#!/usr/bin/python3
"""tests/integration/test_security.py — the secure defaults of docs/security.md.

  - outside --dev the daemon refuses to start: replication without TLS material; trust auth on
    a non-loopback SQL listener (unless sql.auth.allow_trust_remote); --dev binds loopback only
  - no secret is logged: a full SCRAM session (good and bad password) with log.level debug, and
    `heliosctl user add`, never print the password, the SCRAM keys of the users file, or any
    line of a private key
  - files are created with restrictive modes: data directory 0700, the SCRAM mock secret,
    private keys, the admin password and the users file 0600, backups 0700
  - the systemd unit carries the hardening options (and, where systemd-analyze supports
    --offline, its exposure score is reported)
Peer certificates must chain to the cluster CA and name a configured peer: tested end to end
by tests/unit/replication/test_transport_tls.c (not repeated here)."""
import base64
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Tap, free_port, wait_for  # noqa: E402

BINDIR = os.environ.get("BINDIR", "bin")
HELIOSDB = os.path.join(BINDIR, "heliosdb")
CTL = os.path.join(BINDIR, "heliosctl")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
t = Tap()
tmp = tempfile.mkdtemp(prefix="helios-sec-")


def mode(p):
    return stat.S_IMODE(os.stat(p).st_mode)


def refuses(cfg, *needles):
    """heliosdb --config refuses cfg at start, naming every needle in its output."""
    path = os.path.join(tmp, "c%d.json" % free_port())
    with open(path, "w") as f:
        json.dump(cfg, f)
    p = subprocess.run([HELIOSDB, "--config", path], capture_output=True, text=True, timeout=20)
    out = p.stdout + p.stderr
    return p.returncode != 0 and all(n in out for n in needles), out


def starts(cfg):
    """--check-config accepts cfg (starting it is not needed to show the rule passes)."""
    path = os.path.join(tmp, "ok%d.json" % free_port())
    with open(path, "w") as f:
        json.dump(cfg, f)
    p = subprocess.run([HELIOSDB, "--check-config", path], capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


procs = []
try:
    # ---- refusals outside --dev ----
    node = {"name": "sec", "id": 1, "data_dir": os.path.join(tmp, "d0")}
    users = os.path.join(tmp, "users")
    open(users, "w").close()
    os.chmod(users, 0o600)
    base_sql = {"listen": "127.0.0.1:%d" % free_port(),
                "auth": {"method": "scram-sha-256", "users_file": users}}
    ok, out = refuses({"node": node, "sql": base_sql,
                       "replication": {"listen": "127.0.0.1:%d" % free_port(),
                                       "peers": [{"name": "p2", "id": 2,
                                                  "address": "127.0.0.1:9"}]}},
                      "replication.tls")
    t.ok(ok, "replication configured without TLS material: refused, naming replication.tls", out)
    ok, out = refuses({"node": node, "sql": {"listen": "0.0.0.0:%d" % free_port(),
                                             "auth": {"method": "trust"}}},
                      "sql.auth.method", "allow_trust_remote")
    t.ok(ok, "trust on 0.0.0.0: refused, pointing at sql.auth.allow_trust_remote", out)
    ok, out = refuses({"node": node, "sql": {
        "listen": "0.0.0.0:%d" % free_port(),
        "auth": {"method": "scram-sha-256", "users_file": users,
                 "rules": [{"cidr": "0.0.0.0/0", "user": "all", "method": "trust"}]}}},
        "sql.auth.rules[0].method")
    t.ok(ok, "a trust rule for 0.0.0.0/0 on a public listener: refused", out)
    ok, out = starts({"node": node, "sql": {"listen": "0.0.0.0:%d" % free_port(),
                                            "auth": {"method": "trust",
                                                     "allow_trust_remote": True}}})
    t.ok(ok, "trust on 0.0.0.0 is accepted only with sql.auth.allow_trust_remote: true", out)
    ok, out = starts({"node": node, "sql": {"listen": "127.0.0.1:%d" % free_port(),
                                            "auth": {"method": "trust"}}})
    t.ok(ok, "trust on loopback needs no override", out)

    # ---- a real cluster node: modes and logs ----
    sqlp, replp, metp = free_port(), free_port(), free_port()
    c = os.path.join(tmp, "c")
    secret_pw = "Sec-%s-pw" % base64.b32encode(os.urandom(10)).decode().rstrip("=")
    r = subprocess.run([CTL, "init-cluster", "--out", c, "--regions", "a,b", "--host",
                        "127.0.0.1", "--sql-port-base", str(sqlp), "--repl-port-base",
                        str(replp), "--metrics-port-base", str(metp), "--admin-password",
                        secret_pw], capture_output=True, text=True)
    ctl_out = r.stdout + r.stderr
    t.ok(r.returncode == 0, "heliosctl init-cluster", ctl_out)
    cfgpath = os.path.join(c, "a", "heliosdb.json")
    cfg = json.load(open(cfgpath))
    cfg.setdefault("log", {})["level"] = "debug"
    with open(cfgpath, "w") as f:
        json.dump(cfg, f, indent=2)
    keyfiles = [os.path.join(c, "ca.key")] + [os.path.join(c, x, y) for x in ("a", "b")
                                               for y in os.listdir(os.path.join(c, x))
                                               if y.endswith(".key")]
    bad = [(k, oct(mode(k))) for k in keyfiles if mode(k) & 0o077]
    t.ok(keyfiles[1:] and not bad, "private keys are 0600 (%d files)" % len(keyfiles), bad)
    apw = os.path.join(c, "admin.password")  # written only when init-cluster made it up
    if os.path.exists(apw):
        t.ok(mode(apw) == 0o600, "the admin password file is 0600")
    ufile = cfg["sql"]["auth"]["users_file"]
    ufile = ufile if ufile.startswith("/") else os.path.join(c, "a", ufile)
    t.ok(mode(ufile) & 0o077 == 0, "the users file is 0600 (%s)" % oct(mode(ufile)))

    # heliosctl user add with a password on stdin
    user_pw = "U-%s-pw" % base64.b32encode(os.urandom(10)).decode().rstrip("=")
    r = subprocess.run([CTL, "user", "add", "--users-file", ufile, "alice", "--password-stdin"],
                       input=user_pw + "\n", capture_output=True, text=True)
    ctl_out += r.stdout + r.stderr
    t.ok(r.returncode == 0, "heliosctl user add --password-stdin", r.stderr)
    t.ok(mode(ufile) & 0o077 == 0, "the users file is still 0600 after user add (%s)"
         % oct(mode(ufile)))
    newfile = os.path.join(tmp, "fresh-users")
    r = subprocess.run([CTL, "user", "add", "--users-file", newfile, "bob", "--password", "x"],
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and mode(newfile) & 0o077 == 0,
         "a users file created by heliosctl is 0600 (%s)"
         % (oct(mode(newfile)) if os.path.exists(newfile) else "missing"))

    log = os.path.join(tmp, "a.log")
    logf = open(log, "w")
    proc = subprocess.Popen([HELIOSDB, "--config", cfgpath], stdout=logf,
                            stderr=subprocess.STDOUT)
    procs.append(proc)

    def conn(user, pw):
        return psycopg2.connect(host="127.0.0.1", port=sqlp, user=user, dbname=user,
                                password=pw, sslmode="require", connect_timeout=10)

    def up():
        try:
            conn("admin", secret_pw).close()
            return True
        except psycopg2.Error:
            return proc.poll() is not None

    wait_for(up, 20, 0.1)
    t.ok(proc.poll() is None, "the node starts", open(log).read()[-1500:])
    proc.send_signal(1)  # SIGHUP: pick up alice
    sessions = 0

    def alice_in():
        try:
            x = conn("alice", user_pw)
            x.cursor().execute("SELECT 1")
            x.close()
            return True
        except psycopg2.Error:
            return False
    t.ok(wait_for(alice_in, 10, 0.2), "alice logs in with SCRAM over TLS after SIGHUP")
    try:
        conn("alice", user_pw + "-wrong").close()
        wrong = "accepted"
    except psycopg2.Error as e:
        wrong = str(e)
    t.ok("password authentication failed" in wrong, "a wrong password is refused", wrong)
    try:
        conn("nosuchuser", user_pw).close()
    except psycopg2.Error:
        pass
    datadir = cfg["node"]["data_dir"]
    datadir = datadir if datadir.startswith("/") else os.path.join(c, "a", datadir)
    t.ok(mode(datadir) == 0o700, "the data directory is 0700 (%s)" % oct(mode(datadir)))
    ms = os.path.join(datadir, "scram_mock_secret")
    t.ok(os.path.exists(ms) and mode(ms) == 0o600, "the SCRAM mock secret is 0600")
    loose = []
    for dp, dns, fns in os.walk(datadir):
        for n in dns + fns:
            p = os.path.join(dp, n)
            if mode(p) & 0o007:
                loose.append("%s %s" % (oct(mode(p)), os.path.relpath(p, datadir)))
    print("# data directory entries readable by others (protected by the 0700 directory): %d"
          % len(loose), flush=True)

    # an online backup through the daemon
    bk = os.path.join(os.path.dirname(cfgpath), "backups", "bk")  # init-cluster's backup_dir
    r = subprocess.run([CTL, "backup", "--config", cfgpath, "-U", "admin", "--out", bk],
                       capture_output=True, text=True, env=dict(os.environ, PGPASSWORD=secret_pw,
                                                                PGSSLMODE="require"))
    ctl_out += r.stdout + r.stderr
    t.ok(r.returncode == 0 and os.path.isdir(bk), "heliosctl backup", r.stdout + r.stderr)
    t.ok(os.path.isdir(bk) and mode(bk) & 0o077 == 0,
         "the backup directory is not readable by others (%s)"
         % (oct(mode(bk)) if os.path.isdir(bk) else "missing"))
    proc.terminate()
    proc.wait(20)
    logf.close()
    logtext = open(log).read()

    # ---- secrets in logs ----
    secrets = {"admin password": secret_pw, "user password": user_pw}
    for line in open(ufile):
        m = re.search(r"SCRAM-SHA-256\$\d+:([^$]+)\$([^:]+):(\S+)", line)
        if m:
            secrets["StoredKey of " + line.split(":")[0]] = m.group(2)
            secrets["ServerKey of " + line.split(":")[0]] = m.group(3)
    for k in keyfiles:
        for ln in open(k).read().splitlines():
            if ln and not ln.startswith("-----") and len(ln) >= 16:
                secrets["key material of " + os.path.basename(k)] = ln
                break
    with open(ms, "rb") as f:
        mock = f.read()
    secrets["mock secret (hex)"] = mock.hex()
    secrets["mock secret (base64)"] = base64.b64encode(mock).decode()
    found = [n for n, s in secrets.items() if s in logtext]
    t.ok(len(secrets) >= 6 and not found,
         "daemon log at debug (%d lines, SCRAM + TLS sessions) holds none of %d secrets"
         % (logtext.count("\n"), len(secrets)), found)
    found = [n for n, s in secrets.items() if s in ctl_out and n != "admin password"]
    t.ok(not found, "heliosctl output holds no secret (the admin password it was given aside)",
         found)
    t.ok("PRIVATE KEY" not in logtext and "PRIVATE KEY" not in ctl_out,
         "no PEM private key block in any output")

    # ---- the systemd unit ----
    unit = open(os.path.join(ROOT, "deploy", "systemd", "heliosdb@.service")).read()
    need = ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "PrivateDevices=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=",
            "SystemCallFilter=", "MemoryDenyWriteExecute=yes", "UMask=0077", "User=heliosdb",
            "ProtectProc=invisible", "ReadWritePaths=/var/lib/heliosdb"]
    missing = [n for n in need if n not in unit]
    t.ok(not missing, "the systemd unit carries the hardening options", missing)
    a = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                        os.path.join(ROOT, "deploy", "systemd", "heliosdb@.service")],
                       capture_output=True, text=True) if shutil.which("systemd-analyze") else None
    if a is not None and a.returncode in (0, 1):
        m = re.search(r"Overall exposure level.*?: ([0-9.]+) (\S+)", a.stdout)
        print("# systemd-analyze security: %s" % (m.group(0) if m else "no score"), flush=True)
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
