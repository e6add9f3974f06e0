#!/usr/bin/python3
"""tests/integration/test_netfuzz.py — hostile network traffic against live daemons.

Part 1, pgwire (a --dev node): several attacker threads send, over fresh connections, random
startup packets, bad and huge declared lengths, SSLRequest followed by garbage, random and
truncated messages after a successful login (Query, Parse/Bind/Execute with random fields,
unknown types), half messages then a close, and slowloris clients that dribble a startup
packet one byte at a time. Part 2, QUIC (a node with replication configured from
`heliosctl init-cluster`, TLS and SCRAM on): random datagrams of every size, truncated and
garbage QUIC long-header Initial packets, unknown versions and short-header packets at the
replication port.

Throughout, a valid client checks its own writes (counter increments read back exactly);
afterwards the node is alive, still correct, and its RSS (/proc/PID/status VmRSS) is bounded:
below 2 x the baseline + 64 MiB. The RNG is seeded (NETFUZZ_SEED or the time) and the seed
printed: the same seed replays the same attack bytes (thread timing still varies).
NETFUZZ_SECONDS sets the storm length per part (default 8).

Part 1b (issue #21): 1,500 bad startup packets and 1,500 cancel requests for unknown backends:
the log writes at most 10 lines per second of each kind and summarises the rest exactly; user and
database names with control characters are logged escaped."""
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Server, Tap, cstr, free_port, msg, startup_packet, wait_for  # noqa: E402

BINDIR = os.environ.get("BINDIR", "bin")
SEED = int(os.environ.get("NETFUZZ_SEED", str(int(time.time()) % 1000000)))
SECONDS = float(os.environ.get("NETFUZZ_SECONDS", "8"))

# Under AddressSanitizer freed memory sits in a quarantine (256 MiB by default) and stays
# resident, so RSS would measure the quarantine, not the daemon: keep it small for this test.
if os.environ.get("SANITIZER") == "address" or "/address/" in os.environ.get("BINDIR", ""):
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=1:thread_local_quarantine_size_kb=64")
ATTACKERS = 4
t = Tap()
print("# seed %d (NETFUZZ_SEED=%d replays it)" % (SEED, SEED), flush=True)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Checker(threading.Thread):
    """The valid client: increments a counter and reads it back, again and again."""

    def __init__(self, connect):
        super().__init__(daemon=True)
        self.connect, self.stop, self.done, self.errors, self.ok = connect, False, 0, [], 0

    def run(self):
        try:
            c = self.connect()
            c.autocommit = True
            cur = c.cursor()
            cur.execute("CREATE TABLE IF NOT EXISTS nf (k int PRIMARY KEY, n pn_counter)")
            cur.execute("INSERT INTO nf VALUES (1, 0) ON CONFLICT (k) DO NOTHING")
            cur.execute("SELECT n FROM nf WHERE k = 1")
            base = cur.fetchone()[0]
            while not self.stop:
                cur.execute("UPDATE nf SET n = n + 1 WHERE k = 1")
                self.done += 1
                cur.execute("SELECT n FROM nf WHERE k = 1")
                got = cur.fetchone()[0]
                if got != base + self.done:
                    self.errors.append("read %d, expected %d" % (got, base + self.done))
                else:
                    self.ok += 1
                time.sleep(0.02)
            c.close()
        except Exception as e:  # noqa: BLE001 - reported as a failure
            self.errors.append("%s: %s" % (type(e).__name__, e))


# ---- pgwire attacks ---------------------------------------------------------------------

def rbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def drain(s, limit=1 << 20):
    s.settimeout(0.3)
    n = 0
    try:
        while n < limit:
            d = s.recv(65536)
            if not d:
                break
            n += len(d)
    except OSError:
        pass


def login(s):
    s.sendall(startup_packet())
    s.settimeout(5)
    buf = b""
    while b"Z\x00\x00\x00\x05" not in buf:
        d = s.recv(65536)
        if not d:
            return False
        buf += d
    return True


def random_message(rng):
    kind = rng.randrange(8)
    if kind == 0:  # a query of random bytes (maybe with NULs inside)
        return msg(b"Q", rbytes(rng, rng.randrange(0, 300)) + b"\0")
    if kind == 1:  # a plausible query with junk
        q = rng.choice(["SELECT ", "INSERT INTO nf VALUES (", "CREATE TABLE ", "COPY nf FROM STDIN",
                        "BEGIN; ", "SET ", "SELECT * FROM helios.", "DROP TABLE "])
        return msg(b"Q", cstr(q + "".join(rng.choice("abc()',;*0123456789 $\\\"") for _ in
                                          range(rng.randrange(40)))))
    if kind == 2:  # Parse with random counts
        body = cstr("s%d" % rng.randrange(5)) + cstr("SELECT $1") + struct.pack(
            "!h", rng.choice([-1, 0, 1, 1000, 32767])) + rbytes(rng, rng.randrange(12))
        return msg(b"P", body)
    if kind == 3:  # Bind with lying lengths
        body = cstr("") + cstr("s%d" % rng.randrange(5)) + struct.pack(
            "!hh", rng.choice([0, 1, -3, 2000]), 1) + struct.pack(
            "!h", rng.choice([1, 5000])) + struct.pack("!i", rng.choice([-1, 4, 0x7fffffff]))
        return msg(b"B", body + rbytes(rng, rng.randrange(8)))
    if kind == 4:  # Execute / Describe / Sync / Close soup
        return rng.choice([msg(b"E", cstr("") + struct.pack("!I", rng.getrandbits(32))),
                           msg(b"D", b"P" + cstr("")), msg(b"D", b"Z\0"), msg(b"S"),
                           msg(b"C", b"S" + cstr("s1")), msg(b"H"), msg(b"d", rbytes(rng, 10)),
                           msg(b"c"), msg(b"f", cstr("x"))])
    if kind == 5:  # a declared length that does not match the body
        t0 = rng.choice(b"QPBEDSCdcfHp")
        body = rbytes(rng, rng.randrange(20))
        return bytes([t0]) + struct.pack("!I", rng.choice([0, 1, 3, len(body) + 4 + 50])) + body
    if kind == 6:  # an unknown type
        return bytes([rng.randrange(256)]) + struct.pack("!I", 8) + rbytes(rng, 4)
    return rbytes(rng, rng.randrange(1, 64))  # raw garbage


def pg_attack(port, rng):
    s = socket.create_connection(("127.0.0.1", port), 5)
    try:
        kind = rng.randrange(7)
        if kind == 0:  # random startup packet
            n = rng.randrange(0, 200)
            s.sendall(struct.pack("!I", n + 4) + rbytes(rng, n))
        elif kind == 1:  # bad / huge declared startup lengths
            s.sendall(struct.pack("!I", rng.choice([0, 3, 7, 10001, 0x7fffffff, 0xffffffff])) +
                      rbytes(rng, rng.randrange(16)))
        elif kind == 2:  # SSLRequest / GSSENCRequest / CancelRequest, then garbage
            code = rng.choice([80877103, 80877104, 80877102])
            s.sendall(struct.pack("!II", 8, code) + rbytes(rng, rng.randrange(100)))
        elif kind == 3:  # startup with random parameters
            body = struct.pack("!I", rng.choice([196608, 196609, 131072, 0]))
            for _ in range(rng.randrange(5)):
                body += rbytes(rng, rng.randrange(8)).replace(b"\0", b"a") + b"\0"
            s.sendall(struct.pack("!I", len(body) + 4) + body)
        elif kind == 4:  # garbage after a good login
            if login(s):
                for _ in range(rng.randrange(1, 12)):
                    s.sendall(random_message(rng))
        elif kind == 5:  # a huge declared length after login, then half of a message
            if login(s):
                s.sendall(b"Q" + struct.pack("!I", rng.choice([0x7ffffff0, 64 << 20, 1 << 30])))
                s.sendall(rbytes(rng, rng.randrange(1000)))
        else:  # half a message, then close
            if login(s):
                m = msg(b"Q", cstr("SELECT 1"))
                s.sendall(m[:rng.randrange(1, len(m))])
                s.close()
                return
        drain(s)
    finally:
        s.close()


def slowloris(port, stop, rng):
    socks = []
    try:
        for _ in range(10):
            socks.append(socket.create_connection(("127.0.0.1", port), 5))
        pkt = startup_packet()
        i = 0
        while not stop.is_set() and i < len(pkt) - 1:
            for s in socks:
                try:
                    s.send(pkt[i:i + 1])
                except OSError:
                    pass
            i += 1
            stop.wait(0.3)
    finally:
        for s in socks:
            s.close()


def storm(fn, seed_base):
    stop = threading.Event()
    errors = []

    def worker(i):
        rng = random.Random(seed_base * 100 + i)
        n = 0
        while not stop.is_set():
            try:
                fn(rng)
                n += 1
            except OSError:
                n += 1  # resets and refusals are expected answers to garbage
            except Exception as e:  # noqa: BLE001 - a bug in the test itself
                errors.append(repr(e))
                return
        counts.append(n)

    counts = []
    ths = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(ATTACKERS)]
    for th in ths:
        th.start()
    return stop, ths, counts, errors


def rss_settled(pid, limit):
    return wait_for(lambda: rss_kb(pid) < limit, 10, 0.2)


# ---- part 1: pgwire against --dev ----------------------------------------------------------
srv = Server(dev=True)
pid = srv.proc.pid
try:
    chk = Checker(lambda: psycopg2.connect(host="127.0.0.1", port=srv.port, user="postgres",
                                           dbname="postgres", connect_timeout=10))
    chk.start()
    wait_for(lambda: chk.ok >= 5 or chk.errors, 15)
    base = rss_kb(pid)
    print("# pgwire: baseline RSS %d kB" % base, flush=True)
    stop, ths, counts, errs = storm(lambda rng: pg_attack(srv.port, rng), SEED)
    slow_stop = threading.Event()
    slow = threading.Thread(target=slowloris, args=(srv.port, slow_stop, random.Random(SEED)),
                            daemon=True)
    slow.start()
    peak = base
    t_end = time.monotonic() + SECONDS
    while time.monotonic() < t_end and srv.alive():
        peak = max(peak, rss_kb(pid))
        time.sleep(0.2)
    stop.set()
    slow_stop.set()
    for th in ths + [slow]:
        th.join(30)
    print("# pgwire: %d attack connections, peak RSS %d kB" % (sum(counts), peak), flush=True)
    t.ok(not errs, "the pgwire attackers ran", errs[:3])
    t.ok(srv.alive(), "pgwire storm: the node is alive", srv.logtext()[-2000:])
    ok_before = chk.ok
    wait_for(lambda: chk.ok >= ok_before + 5 or chk.errors, 15)
    chk.stop = True
    chk.join(30)
    t.ok(not chk.errors and chk.ok > 5,
         "pgwire storm: the valid client got %d correct answers and no wrong one" % chk.ok,
         chk.errors[:5])
    limit = 2 * base + 64 * 1024
    t.ok(rss_settled(pid, limit), "pgwire storm: RSS bounded (%d kB now, peak %d, limit %d)"
         % (rss_kb(pid), peak, limit))
    t.ok(srv.stop() == 0, "pgwire storm: clean shutdown", srv.logtext()[-1500:])
finally:
    srv.cleanup()


# ---- part 1b: the log under a flood of bad packets, and client strings in it (issue #21) ------
# Bad startup packets and cancel requests for unknown backends wrote one line each (~5,400 lines/s
# from one client); now at most LOG_FLOOD_PER_SEC (10) per second per kind, the rest counted in a
# "suppressed K similar messages" line. User and database names reached the log raw (terminal
# escapes, bells); now control characters are written \xNN.
FLOOD_PER_SEC = 10
FLOOD_N = 1500


def flood(port, packet, n):
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), 5)
            s.sendall(packet)
            s.settimeout(5)
            while s.recv(4096):
                pass
        except OSError:
            pass
        finally:
            s.close()


srv = Server(dev=True)
try:
    bad_startup = struct.pack("!II", 12, 0x12345678) + b"junk"
    bad_cancel = struct.pack("!III", 16, 80877102, 99999) + b"\0\0\0\1"
    t0 = time.monotonic()
    ths = [threading.Thread(target=flood, args=(srv.port, p, FLOOD_N))
           for p in (bad_startup, bad_cancel)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(120)
    took = time.monotonic() - t0

    def counted(kind, line_text):
        """(lines written, sum of the suppressed counts) for one kind."""
        lines = sum(1 for line in srv.logtext().splitlines() if line_text in line)
        supp = 0
        for line in srv.logtext().splitlines():
            if "similar messages" in line and line.endswith(": " + kind):
                supp += int(line.split("suppressed ")[1].split()[0])
        return lines, supp

    windows = int(took) + 2  # one-second windows the flood can have touched
    for kind, text in (("invalid startup packets", "invalid startup packet from"),
                       ("cancel requests", "cancel request for unknown backend")):
        got = wait_for(lambda: sum(counted(kind, text)) == FLOOD_N and counted(kind, text), 10)
        lines, supp = counted(kind, text)
        print("# %d %s in %.2f s: %d log lines, %d suppressed" % (FLOOD_N, kind, took, lines, supp),
              flush=True)
        t.ok(got and lines <= FLOOD_PER_SEC * windows and supp > 0,
             "%d %s: at most %d lines per second logged" % (FLOOD_N, kind, FLOOD_PER_SEC),
             (lines, supp, took))
        t.ok(got, "and the summaries account for every one (%d + %d = %d)" %
             (lines, supp, FLOOD_N), (lines, supp))
    ok = False
    try:
        c = psycopg2.connect(host="127.0.0.1", port=srv.port, user="postgres", dbname="postgres",
                             connect_timeout=10)
        with c.cursor() as cur:
            cur.execute("SELECT 1")
            ok = cur.fetchone() == (1,)
        c.close()
    except psycopg2.Error:
        pass
    t.ok(ok, "a valid client is served after the flood")

    # client-chosen strings in log lines
    evil_user = b"ev\x1b[31mil\nFAKE line\x07"
    evil_db = b"db\x1b]0;x\x07\rz"
    body = struct.pack("!I", 196608) + b"user\0" + evil_user + b"\0database\0" + evil_db + b"\0\0"
    flood(srv.port, struct.pack("!I", len(body) + 4) + body, 1)
    wait_for(lambda: "does not exist" in srv.logtext(), 10)
    with open(srv.log, "rb") as f:
        raw = f.read()
    t.ok(b"\x1b" not in raw and b"\x07" not in raw and b"\nFAKE" not in raw and
         b"\r" not in raw, "no control character from a user or database name reaches the log",
         [line for line in raw.splitlines() if b"ev" in line][-3:])
    t.ok(b'user "ev\\x1b[31mil\\x0aFAKE line\\x07"' in raw and
         b'database "db\\x1b]0;x\\x07\\x0dz"' in raw,
         "they are written as \\xNN escapes", [line for line in raw.splitlines() if b"ev" in line][-3:])
    t.ok(srv.stop() == 0, "log flood: clean shutdown", srv.logtext()[-1500:])
finally:
    srv.cleanup()


# ---- part 2: UDP/QUIC at the replication port ------------------------------------------------

def quic_initial(rng):
    """A QUIC v1 long-header Initial (or a variation) with random / truncated fields."""
    first = 0xC0 | rng.randrange(0x40)  # long header, random type bits / pn length
    version = rng.choice([b"\x00\x00\x00\x01", b"\x6b\x33\x43\xcf", b"\x00\x00\x00\x00",
                          b"\xfa\xce\xb0\x0c", rbytes(rng, 4)])
    dcid = rbytes(rng, rng.choice([0, 8, 20, 21, 255]) % 256)
    scid = rbytes(rng, rng.randrange(0, 21))
    token = rbytes(rng, rng.choice([0, 0, 16]))
    payload = rbytes(rng, rng.choice([20, 1162, 1200, 1400]))
    p = bytes([first]) + version + bytes([len(dcid) & 0xff]) + dcid + bytes([len(scid)]) + scid
    p += bytes([len(token)]) + token
    plen = len(payload) + rng.choice([0, 0, 5, -5, 10000])
    p += struct.pack("!H", 0x4000 | (max(plen, 0) & 0x3fff)) + payload
    if rng.random() < 0.3:
        p = p[:rng.randrange(1, len(p))]  # truncated
    return p


def udp_attack(sock, addr, rng):
    kind = rng.randrange(5)
    if kind == 0:
        d = rbytes(rng, rng.choice([0, 1, 7, 20, 1200, 1500, rng.randrange(1, 1500)]))
    elif kind == 1:
        d = rbytes(rng, rng.choice([9000, 65000]))
    elif kind == 2:
        d = bytes([0x40 | rng.randrange(0x40)]) + rbytes(rng, rng.randrange(1, 1400))  # short hdr
    else:
        d = quic_initial(rng)
    try:
        sock.sendto(d, addr)
    except OSError:
        pass
    time.sleep(0.0005)


tmp = tempfile.mkdtemp(prefix="helios-netfuzz-")
proc = None
try:
    sqlp, replp, metp = free_port(), free_port(), free_port()
    # Node a's one peer (b) is never started: its port takes nothing but our garbage.
    r = subprocess.run([os.path.join(BINDIR, "heliosctl"), "init-cluster", "--out", tmp + "/c",
                        "--regions", "a,b", "--host", "127.0.0.1", "--sql-port-base", str(sqlp),
                        "--repl-port-base", str(replp), "--metrics-port-base", str(metp)],
                       capture_output=True, text=True)
    t.ok(r.returncode == 0, "heliosctl init-cluster for a replicated node", r.stderr)
    # init-cluster gives consecutive ports; b's SQL port (sqlp+1) may be taken, but b never runs.
    pw = open(tmp + "/c/admin.password").read().strip()
    logf = open(tmp + "/a.log", "w")
    proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--config",
                             tmp + "/c/a/heliosdb.json"], stdout=logf, stderr=subprocess.STDOUT)

    def conn():
        return psycopg2.connect(host="127.0.0.1", port=sqlp, user="admin", dbname="admin",
                                password=pw, sslmode="require", connect_timeout=10)

    def up():
        try:
            conn().close()
            return True
        except psycopg2.Error:
            return proc.poll() is not None

    wait_for(up, 20, 0.1)
    t.ok(proc.poll() is None, "replicated node started (TLS + SCRAM)",
         open(tmp + "/a.log").read()[-1500:])
    chk = Checker(conn)
    chk.start()
    wait_for(lambda: chk.ok >= 5 or chk.errors, 15)
    base = rss_kb(proc.pid)
    print("# quic: baseline RSS %d kB" % base, flush=True)

    def one_udp(rng, _s={}):
        k = threading.get_ident()
        if k not in _s:
            _s[k] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp_attack(_s[k], ("127.0.0.1", replp), rng)

    stop, ths, counts, errs = storm(one_udp, SEED + 1)
    peak = base
    t_end = time.monotonic() + SECONDS
    while time.monotonic() < t_end and proc.poll() is None:
        peak = max(peak, rss_kb(proc.pid))
        time.sleep(0.2)
    stop.set()
    for th in ths:
        th.join(30)
    print("# quic: %d datagrams, peak RSS %d kB" % (sum(counts), peak), flush=True)
    t.ok(not errs, "the UDP attackers ran", errs[:3])
    t.ok(proc.poll() is None, "QUIC storm: the node is alive", open(tmp + "/a.log").read()[-2000:])
    ok_before = chk.ok
    wait_for(lambda: chk.ok >= ok_before + 5 or chk.errors, 15)
    chk.stop = True
    chk.join(30)
    t.ok(not chk.errors and chk.ok > 5,
         "QUIC storm: the valid client got %d correct answers and no wrong one" % chk.ok,
         chk.errors[:5])
    limit = 2 * base + 64 * 1024
    t.ok(rss_settled(proc.pid, limit), "QUIC storm: RSS bounded (%d kB now, peak %d, limit %d)"
         % (rss_kb(proc.pid), peak, limit))
    proc.terminate()
    try:
        rc = proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    t.ok(rc == 0, "QUIC storm: clean shutdown", open(tmp + "/a.log").read()[-1500:])
    logf.close()
finally:
    if proc and proc.poll() is None:
        proc.kill()
        proc.wait()
    subprocess.run(["rm", "-rf", tmp])
t.done()
