#!/usr/bin/python3
"""tests/integration/test_sighup.py — SIGHUP reloads what can change live, without dropping
anyone. A daemon with --config starts on certificate A at log level info (text); the test opens
a TLS connection with a transaction in progress, swaps the certificate files to B, sets
log.level debug and log.format json in the config, and sends SIGHUP: new TLS handshakes present
certificate B, debug events appear as JSON lines, and the open connection (still on A) finishes
its transaction. Then a config that does not parse, and one whose certificate does not load,
are refused on SIGHUP with the old settings kept and every connection still served."""
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)

results = []


def check(desc, cond, info=""):
    results.append((bool(cond), desc, info))


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import free_port  # noqa: E402  (never the same port twice in a process)


def wait_for(pred, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = pred()
        if r:
            return r
        time.sleep(0.05)
    return None


def make_cert(tmp, cn):
    crt, key = os.path.join(tmp, cn + ".crt"), os.path.join(tmp, cn + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", "/CN=" + cn], check=True, capture_output=True)
    return crt, key


def install(src, dst):
    """Replaces dst by src's content atomically, as a certificate renewal tool would."""
    shutil.copyfile(src, dst + ".new")
    os.replace(dst + ".new", dst)


def der_of(pem_path):
    with open(pem_path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def served_cert(port):
    """The DER certificate a new SQL connection is served: SSLRequest, 'S', TLS handshake."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(struct.pack("!II", 8, 80877103))
        if s.recv(1) != b"S":
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            return t.getpeercert(binary_form=True)
    finally:
        s.close()


def main():
    tmp = tempfile.mkdtemp(prefix="helios-sighup-")
    crt_a, key_a = make_cert(tmp, "certA")
    crt_b, key_b = make_cert(tmp, "certB")
    crt, key = os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key")
    install(crt_a, crt)
    install(key_a, key)
    port = free_port()
    cfg = {"node": {"name": "hup", "id": 1, "data_dir": "data"},
           "sql": {"listen": "127.0.0.1:%d" % port,
                   "tls": {"mode": "prefer", "cert": "server.crt", "key": "server.key"},
                   "auth": {"method": "scram-sha-256",
                            "rules": [{"cidr": "127.0.0.1/32", "user": "all", "method": "trust"}]}},
           "metrics": {"listen": "127.0.0.1:%d" % free_port()},
           "log": {"level": "info", "format": "text"}}
    cfgpath = os.path.join(tmp, "helios.json")

    def write_cfg(text=None):
        with open(cfgpath + ".new", "w") as f:
            f.write(text if text is not None else json.dumps(cfg))
        os.replace(cfgpath + ".new", cfgpath)

    write_cfg()
    logpath = os.path.join(tmp, "log")
    proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--config", cfgpath],
                            stdout=subprocess.DEVNULL, stderr=open(logpath, "w"))

    def log():
        with open(logpath) as f:
            return f.read()

    def connect():
        try:
            return psycopg2.connect(host="127.0.0.1", port=port, user="postgres",
                                    dbname="postgres", sslmode="require")
        except psycopg2.OperationalError:
            return None

    def hup_and_wait(marker):
        """SIGHUP, then wait for the (count+1)-th occurrence of marker in the log."""
        n = log().count(marker)
        proc.send_signal(signal.SIGHUP)
        return wait_for(lambda: log().count(marker) > n)

    try:
        old = wait_for(connect)
        if not old:
            print("Bail out! server did not start:\n" + log())
            return 1
        check("before SIGHUP: new connections get certificate A", served_cert(port) == der_of(crt_a))
        check("log level info: no debug events", " debug " not in log())
        cur = old.cursor()  # psycopg2 opens a transaction on first statement
        cur.execute("CREATE TABLE IF NOT EXISTS h (id bigint PRIMARY KEY, v text)")
        old.commit()
        cur.execute("INSERT INTO h VALUES (1, 'before reload')")

        install(crt_b, crt)
        install(key_b, key)
        cfg["log"] = {"level": "debug", "format": "json"}
        write_cfg()
        ok = hup_and_wait("SIGHUP: TLS certificate reloaded")
        check("SIGHUP logs the certificate reload", ok, log()[-2000:])
        check("after SIGHUP: new connections get certificate B", served_cert(port) == der_of(crt_b))
        new = connect()
        check("after SIGHUP: psycopg2 sslmode=require connects", new is not None)
        if new:
            c2 = new.cursor()
            c2.execute("SELECT 1")
            check("the new connection runs a query", c2.fetchone() == (1,))
            new.close()

        cur.execute("INSERT INTO h VALUES (2, 'after reload')")
        old.commit()
        cur.execute("SELECT count(*) FROM h")
        check("the connection opened before SIGHUP finished its transaction",
              cur.fetchone() == (2,))
        old.commit()

        def json_debug_lines():
            out = []
            for line in log().splitlines():
                if line.startswith("{"):
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if ev.get("level") == "debug":
                        out.append(ev)
            return out

        check("log.level debug and log.format json applied (debug events as JSON lines)",
              wait_for(json_debug_lines))

        # A config that does not parse: refused, nothing changes.
        write_cfg("{ this is not json")
        ok = hup_and_wait("keeping the running configuration")
        check("SIGHUP with a broken config is refused and logged", ok)
        check("the certificate stays B", served_cert(port) == der_of(crt_b))
        cur.execute("SELECT count(*) FROM h")
        check("the old connection still works", cur.fetchone() == (2,))
        old.commit()

        # A valid config whose certificate does not load: the old context stays.
        with open(crt, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
        write_cfg()
        ok = hup_and_wait("TLS certificate not reloaded (old one kept)")
        check("SIGHUP with an unreadable certificate keeps the old one", ok)
        check("new connections still get certificate B", served_cert(port) == der_of(crt_b))
        new = connect()
        check("and TLS connections still succeed", new is not None)
        if new:
            new.close()
        cur.execute("SELECT 1")
        check("the old connection still works", cur.fetchone() == (1,))
        old.close()
        check("the daemon is still running", proc.poll() is None)
    finally:
        proc.terminate()
        try:
            rc = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        check("daemon exits 0 on SIGTERM", rc == 0, rc)
        failed_any = any(not r[0] for r in results)
        if failed_any:
            sys.stderr.write(log()[-4000:])
        shutil.rmtree(tmp, ignore_errors=True)

    print("1..%d" % len(results))
    failed = 0
    for i, (ok, desc, info) in enumerate(results, 1):
        print("%s %d - %s%s" % ("ok" if ok else "not ok", i, desc,
                                "" if ok else "  # got: %r" % (info,)))
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
