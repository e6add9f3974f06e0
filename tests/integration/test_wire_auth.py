#!/usr/bin/python3
"""Authentication and TLS with real clients: SCRAM-SHA-256 (and -PLUS over TLS), md5,
cleartext password, psql sslmode=require and verify-full with a test certificate made by
`openssl req`, wrong password and unknown user (same message, delayed), tls.mode=require
refusing plaintext, and a rule that rejects. The server keeps serving after every failure."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Server, Tap, md5_stored, psql, scram_verifier  # noqa: E402

import psycopg2  # noqa: E402

t = Tap()
import tempfile  # noqa: E402
tmp = tempfile.mkdtemp(prefix="helios-auth-")
cert, key = os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
               check=True, capture_output=True)
with open(os.path.join(tmp, "users"), "w") as f:
    f.write("# test users\n")
    f.write("alice:%s\n" % scram_verifier("alice-pw"))
    f.write("bob:%s:%s\n" % (scram_verifier("bob-pw"), md5_stored("bob", "bob-pw")))
    f.write("carol:%s\n" % scram_verifier("carol pw"))
cfg = {"sql": {"tls": {"mode": "prefer", "cert": cert, "key": key},
               "auth": {"method": "scram-sha-256", "users_file": os.path.join(tmp, "users"),
                        "rules": [{"cidr": "127.0.0.1/32", "user": "bob", "method": "md5"},
                                  {"cidr": "127.0.0.1/32", "user": "carol", "method": "password"},
                                  {"cidr": "127.0.0.1/32", "user": "mallory", "method": "reject"},
                                  {"cidr": "127.0.0.1/32", "user": "all",
                                   "method": "scram-sha-256"}]}}}
srv = Server(cfg, tmp=tmp)
port = srv.port


def pw(p):
    return {"PGPASSWORD": p}


def still_serving():
    rc, out, err = psql(port, "SELECT 1", user="alice", env=pw("alice-pw"), extra="sslmode=disable")
    return rc == 0 and out == "1"


try:
    rc, out, err = psql(port, "SELECT current_user", user="alice", env=pw("alice-pw"),
                        extra="sslmode=disable")
    t.ok(rc == 0 and out == "alice", "psql SCRAM-SHA-256 without TLS", err)
    rc, out, err = psql(port, "SELECT 1", user="alice", env=pw("alice-pw"),
                        extra="sslmode=require channel_binding=require")
    t.ok(rc == 0 and out == "1", "psql sslmode=require with SCRAM-SHA-256-PLUS (channel binding)", err)
    rc, out, err = psql(port, "SELECT 1", user="alice", env=pw("alice-pw"), host="localhost",
                        extra="sslmode=verify-full sslrootcert=%s" % cert)
    t.ok(rc == 0 and out == "1", "psql sslmode=verify-full against the test certificate", err)
    rc, out, err = psql(port, "SELECT 1", user="bob", env=pw("bob-pw"), extra="sslmode=disable")
    t.ok(rc == 0 and out == "1", "psql md5", err)
    rc, out, err = psql(port, "SELECT 1", user="carol", env=pw("carol pw"), extra="sslmode=require")
    t.ok(rc == 0 and out == "1", "psql cleartext password over TLS", err)

    start = time.monotonic()
    rc, out, err1 = psql(port, "SELECT 1", user="alice", env=pw("wrong"), extra="sslmode=disable")
    delayed = time.monotonic() - start >= 0.9
    t.ok(rc != 0 and 'password authentication failed for user "alice"' in err1 and delayed,
         "wrong password: 28P01 after a delay", err1)
    rc, out, err2 = psql(port, "SELECT 1", user="nobody", env=pw("wrong"), extra="sslmode=disable")
    t.ok(rc != 0 and 'password authentication failed for user "nobody"' in err2,
         "unknown user: the same message", err2)
    t.ok(err1.replace("alice", "X") == err2.replace("nobody", "X"),
         "wrong password and unknown user are indistinguishable", err1 + "\n" + err2)
    rc, out, err = psql(port, "SELECT 1", user="bob", env=pw("nope"), extra="sslmode=disable")
    t.ok(rc != 0 and 'password authentication failed for user "bob"' in err, "md5 wrong password", err)
    rc, out, err = psql(port, "SELECT 1", user="mallory", env=pw("x"), extra="sslmode=disable")
    t.ok(rc != 0 and "mallory" in err, "a reject rule refuses the user", err)
    t.ok(still_serving(), "server still serves after failed logins")
    log = srv.logtext()
    t.ok("wrong" not in log and "alice-pw" not in log and "password authentication failed" in log,
         "failed logins are logged without secrets")

    def pg2_tls():
        c = psycopg2.connect(host="127.0.0.1", port=port, user="alice", password="alice-pw",
                             dbname="postgres", sslmode="require")
        cur = c.cursor()
        cur.execute("SELECT %s::int", (3,))
        v = cur.fetchone()
        c.close()
        return v == (3,)
    t.check("psycopg2 SCRAM over TLS", pg2_tls)
    srv.stop()

    # tls.mode = require: plaintext is refused, TLS works.
    cfg["sql"]["tls"]["mode"] = "require"
    srv = Server(cfg, tmp=os.path.join(tmp, "second"))
    port = srv.port
    rc, out, err = psql(port, "SELECT 1", user="alice", env=pw("alice-pw"), extra="sslmode=disable")
    t.ok(rc != 0 and "TLS is required" in err, "tls.mode=require refuses a plaintext client", err)
    rc, out, err = psql(port, "SELECT 1", user="alice", env=pw("alice-pw"), extra="sslmode=require")
    t.ok(rc == 0 and out == "1", "tls.mode=require accepts sslmode=require", err)
finally:
    srv.stop()
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
t.done()
