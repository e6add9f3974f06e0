"""Shared helpers for the wire integration tests: start/stop a heliosdb, a TAP reporter, a tiny
raw PostgreSQL v3 client for negative tests, and test credentials (SCRAM verifier, md5)."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

BINDIR = os.environ.get("BINDIR", "bin")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, desc), flush=True)
        if not cond:
            self.failed += 1
            if diag:
                for line in str(diag).splitlines():
                    print("# " + line, flush=True)
        return cond

    def check(self, desc, fn):
        """Runs fn(); passes when it returns truthy without raising."""
        try:
            r = fn()
            return self.ok(bool(r), desc, None if r else "returned %r" % (r,))
        except Exception as e:  # noqa: BLE001 - a test failure, reported as TAP
            return self.ok(False, desc, "%s: %s" % (type(e).__name__, e))

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


_handed_out = set()


def free_port():
    """A port free now and not handed out before by this process (two calls could otherwise
    return the same one)."""
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        p = s.getsockname()[1]
        s.close()
        if p not in _handed_out:
            _handed_out.add(p)
            return p


def wait_for(cond, timeout=10.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = cond()
        if r:
            return r
        time.sleep(interval)
    return cond()


def scram_verifier(password, salt=None, iterations=4096):
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    ck = hmac.new(salted, b"Client Key", "sha256").digest()
    sk = hmac.new(salted, b"Server Key", "sha256").digest()
    stored = hashlib.sha256(ck).digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return "SCRAM-SHA-256$%d:%s$%s:%s" % (iterations, b64(salt), b64(stored), b64(sk))


def md5_stored(user, password):
    return "md5" + hashlib.md5((password + user).encode()).hexdigest()


class Server:
    """A heliosdb on a free port: dev mode, or with a config dict written to a temp dir."""

    def __init__(self, cfg=None, dev=False, tmp=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="helios-wire-")
        os.makedirs(self.tmp, exist_ok=True)
        self.port = free_port()
        self.log = os.path.join(self.tmp, "server.log")
        exe = os.path.join(BINDIR, "heliosdb")
        if dev:
            args = [exe, "--dev", "--data", os.path.join(self.tmp, "data"), "--port", str(self.port)]
        else:
            cfg = json.loads(json.dumps(cfg))
            cfg.setdefault("node", {"name": "wire", "id": 1, "data_dir": "data"})
            cfg["sql"]["listen"] = ["127.0.0.1:%d" % self.port]
            cfg.setdefault("metrics", {"listen": "127.0.0.1:%d" % free_port()})
            path = os.path.join(self.tmp, "helios.json")
            with open(path, "w") as f:
                json.dump(cfg, f)
            args = [exe, "--config", path]
        self.args = args
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(args, stdout=self.logf, stderr=subprocess.STDOUT)
        if not wait_for(self._accepting, 15):
            self.stop()
            raise RuntimeError("server did not start:\n" + self.logtext())

    def restart(self):
        """Stops the server (SIGTERM) and starts it again on the same data and port."""
        self.stop()
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(self.args, stdout=self.logf, stderr=subprocess.STDOUT)
        if not wait_for(self._accepting, 15):
            self.stop()
            raise RuntimeError("server did not restart:\n" + self.logtext())

    def _accepting(self):
        if self.proc.poll() is not None:
            raise RuntimeError("server exited:\n" + self.logtext())
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.5).close()
            return True
        except OSError:
            return False

    def logtext(self):
        with open(self.log) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(sig)  # a second signal forces the close
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.logf.close()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def pgbench(port, tmp, script, clients, txns, mode="simple"):
    """Runs pgbench (no vacuum) with a custom script against port; returns (exit code,
    transactions processed, stderr)."""
    path = os.path.join(tmp, "script-%d.sql" % len(os.listdir(tmp)))
    with open(path, "w") as f:
        f.write(script)
    out = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                          "-M", mode, "-c", str(clients), "-j", "2", "-t", str(txns), "-f", path,
                          "postgres"], capture_output=True, text=True, timeout=300)
    done = 0
    for line in out.stdout.splitlines():
        if line.startswith("number of transactions actually processed:"):
            done = int(line.split(":")[1].split("/")[0])
    return out.returncode, done, out.stderr


def psql(port, sql, user="postgres", extra="", env=None, host="127.0.0.1", timeout=20):
    """Runs psql -c; returns (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    conninfo = "host=%s port=%d user=%s dbname=postgres %s" % (host, port, user, extra)
    p = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", conninfo, "-c", sql],
                       capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


# ---- a raw v3 client ---------------------------------------------------------------------

def startup_packet(user="postgres", **params):
    body = struct.pack("!I", 196608)
    for k, v in [("user", user)] + list(params.items()):
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def msg(t, body=b""):
    return t + struct.pack("!I", len(body) + 4) + body


def cstr(s):
    return s.encode() + b"\0"


class Raw:
    """A bare protocol connection: TCP to 127.0.0.1:port, or a unix socket when host is a
    directory (PgServer.host)."""

    def __init__(self, port, timeout=10, host=None):
        if host and host.startswith("/"):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(timeout)
            self.s.connect(os.path.join(host, ".s.PGSQL.%d" % port))
        else:
            self.s = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def recv_msg(self):
        """(type, body) or None at EOF."""
        while True:
            if len(self.buf) >= 5:
                n = struct.unpack("!I", self.buf[1:5])[0]
                if len(self.buf) >= n + 1:
                    t, body = self.buf[:1], self.buf[5:n + 1]
                    self.buf = self.buf[n + 1:]
                    return t, body
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d

    def until(self, t):
        """Messages up to and including the first of type t (None entry at EOF)."""
        out = []
        while True:
            m = self.recv_msg()
            out.append(m)
            if m is None or m[0] == t:
                return out

    def login(self, user="postgres", **params):
        self.send(startup_packet(user, **params))
        return self.until(b"Z")

    def close(self):
        self.s.close()


def error_fields(body):
    f = {}
    for part in body.split(b"\0"):
        if part:
            f[chr(part[0])] = part[1:].decode()
    return f


def simple_query(port, sql):
    """Logs in (trust) and runs sql; returns the list of messages up to ReadyForQuery."""
    r = Raw(port)
    r.login()
    r.send(msg(b"Q", cstr(sql)))
    out = r.until(b"Z")
    r.send(msg(b"X"))
    r.close()
    return out


# ---- a throwaway PostgreSQL 15, the reference for differential tests -----------------------

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")


class PgServer:
    """A PostgreSQL 15 cluster in a temp dir, unix socket only (no TCP port to collide with).
    initdb and postgres refuse to run as root, so as root they run as the postgres user.
    `host` is the socket directory: pass it to psql/libpq as the host."""

    def __init__(self, settings=None):
        self.tmp = tempfile.mkdtemp(prefix="helios-pg-")
        self.host = self.tmp
        self.port = 5432
        self.data = os.path.join(self.tmp, "data")
        if os.getuid() == 0:
            shutil.chown(self.tmp, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        else:
            self._as = []
        self._run(PGBIN + "/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C.UTF-8")
        opts = "-k %s -c listen_addresses='' -c fsync=off" % self.tmp
        for k, v in (settings or {}).items():
            opts += " -c %s=%s" % (k, v)
        self._run(PGBIN + "/pg_ctl", "-D", self.data, "-o", opts, "-l",
                  os.path.join(self.tmp, "log"), "-w", "start")

    def _run(self, *args):
        subprocess.run(self._as + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)

    def cleanup(self):
        try:
            self._run(PGBIN + "/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def pg15_available():
    return os.path.exists(PGBIN + "/initdb")


def compare_with_pg(body, pg_settings=None):
    """The frame of a test that runs the same thing on PostgreSQL 15 and HeliosDB: a Tap, a
    throwaway PostgreSQL (PgServer) and a dev-mode heliosdb (Server); body(tap, pg, hx) does
    the checks; both servers are cleaned up and the TAP plan printed (exits). Without
    PostgreSQL 15 the test reports one failure."""
    tap = Tap()
    if not pg15_available():
        tap.ok(False, "PostgreSQL 15 is installed (deploy/install-deps.sh)")
        tap.done()
    pg = PgServer(settings=pg_settings)
    hx = None
    try:
        hx = Server(dev=True)
        body(tap, pg, hx)
    finally:
        if hx:
            hx.cleanup()
        pg.cleanup()
    tap.done()


def pg_connect(pg, hx, which, **kw):
    """psycopg2 connection arguments for PostgreSQL (which == "pg") or HeliosDB."""
    if which == "pg":
        return dict(host=pg.host, port=pg.port, user="postgres", dbname="postgres", **kw)
    return dict(host="127.0.0.1", port=hx.port, user="postgres", dbname="postgres", **kw)
