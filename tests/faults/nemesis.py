#!/usr/bin/python3
"""tests/faults/nemesis.py — seeded fault injection against five real HeliosDB regions.

Five daemons (us-east-1, eu-west-1, ap-southeast-1, us-west-2, sa-east-1), every replication
link through the WAN emulator (tests/tools/wanem) at a scaled-down copy of the real RTT matrix
(as in tests/integration/test_repl_wan5.py), with a background of 1% loss/dup/reorder.

Each round creates fresh tables, runs one writer and one reader per region while a nemesis
driven by the round's seed injects faults in random order (partitions, kill -9, SIGSTOP, clock
skew, packet chaos: see FAULTS), heals everything, waits for equal helios_digest() in all five
regions within a bound, and checks every region's contents against the recorded history.
tests/faults/README.md states every check precisely; the short version:

  * counters: acked <= value <= acked + indeterminate (per sign for pn_counter);
  * sets (unique elements; a remove is only issued for an element visible at the removing node,
    so it observed the add): every acknowledged add whose element no remove was attempted for is
    present; no element whose remove was acknowledged, or that was never attempted, is present;
  * lww/mv registers: values among those written to that row; each writer's own lww_map key holds
    its last acknowledged value or one of its indeterminate ones;
  * deleted rows: same rule as set elements (unique ids, delete only of a visible row);
  * transactions (ta(k), ta(k+OFF), tb(k), counter +1): all-or-nothing in every region at the end
    and in every read a reader made during the round; acked <= committed <= attempted.

Every acknowledged op counts; an op whose statement or COMMIT failed for any reason is
"indeterminate" (it may or may not have been applied). The seed fixes the fault schedule and
every client's choice of operations; thread interleaving is not reproducible, so a failing seed
is re-run a few times if it does not fail at once.

Usage: tests/faults/nemesis.py --rounds N [--seed S] [--profile short|full] [--bindir DIR]
       [--wanem PATH] [--rtt-scale X] [--faults A,B] [--repl KEY=N ...] [--keep]
       [--no-keep-failed] [--sabotage]
Prints one line per round, a fault summary and "N passed, N failed"; exits 1 on any failure.
"""
import argparse, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading
import time

import psycopg2

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import test_repl_basic as rb  # noqa: E402  (certificates, Node, query)
import test_repl_partition as rp  # noqa: E402  (UDP port ranges, emulator control)

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "sa-east-1"]
RTT_FILE = os.path.join(ROOT, "tests", "tools", "rtt_ms.json")
BASE_NET = "loss=0.01 dup=0.01 reorder=0.01 reorder_ms=5 jitter_ms=1"

PROFILES = {
    # faults per round, fault duration (s), writer ops/s per region, convergence bound (s),
    # probability that a fault runs concurrently with the next one, probability of one
    # partition_long per round, replication config
    "short": {"faults": (2, 3), "dur": (1.0, 2.5), "rate": 60, "converge": 60, "overlap": 0.3,
              "long": 0.0, "repl": {"anti_entropy_interval_s": 3}},
    # 1 MB of log: a region cut off for partition_long falls behind the retained log and must
    # catch up by snapshot transfer
    "full": {"faults": (4, 6), "dur": (2.0, 5.0), "rate": 100, "converge": 90, "overlap": 0.35,
             "long": 0.25, "repl": {"anti_entropy_interval_s": 5, "log_retention_mb": 1}},
}

FAULTS = ["partition_one", "split_2_3", "ring", "kill_one", "kill_two", "pause", "clock_skew",
          "net_chaos", "gc_ae"]

NCTR = 4          # counter rows 0..3
TXROW = 1000      # counter row incremented by every transaction
NSET = 3          # set rows
NREG = 3          # register rows
OFF = 10 ** 9     # ta holds k and k + OFF for transaction k


def log(msg):
    print(msg, flush=True)


# ---- cluster ------------------------------------------------------------------------------------

class Cluster:
    """Five daemons behind one emulator, in a fresh temp dir."""

    def __init__(self, bindir, wanem, rtt_scale, keep, repl=None):
        rb.BINDIR = bindir
        self.keep = keep
        self.tmp = tempfile.mkdtemp(prefix="helios-nemesis-")
        names = [(r, i + 1) for i, r in enumerate(REGIONS)]
        rb.make_certs(self.tmp, names)
        self.nodes = [rb.Node(self.tmp, n, i) for n, i in names]
        base = rp.udp_range(len(self.nodes) ** 2)
        self.ctl = rb.free_port(socket.SOCK_DGRAM)
        wcfg = {"rtt_file": RTT_FILE, "rtt_scale": rtt_scale, "seed": 11,
                "control": "127.0.0.1:%d" % self.ctl,
                "defaults": {"jitter_ms": 1, "loss": 0.01, "dup": 0.01, "reorder": 0.01,
                             "reorder_ms": 5},
                "nodes": [{"name": n.name, "address": "127.0.0.1:%d" % n.repl_port}
                          for n in self.nodes],
                "listen_base": "127.0.0.1:%d" % base}
        with open(os.path.join(self.tmp, "wanem.json"), "w") as f:
            json.dump(wcfg, f)
        for i, n in enumerate(self.nodes):
            n.write_config([p for p in self.nodes if p is not n])
            with open(n.cfg) as f:
                cfg = json.load(f)
            for pc in cfg["replication"]["peers"]:
                pc["address"] = "127.0.0.1:%d" % (base + i * len(self.nodes)
                                                  + REGIONS.index(pc["name"]))
            cfg["replication"].update(repl or {})
            with open(n.cfg, "w") as f:
                json.dump(cfg, f)
            n.paused = False
            n.skew = 0
        self.busy, self.busy_lock, self.cuts = set(), threading.Lock(), {}
        self.wlog = open(os.path.join(self.tmp, "wanem.log"), "w")
        self.wan_proc = subprocess.Popen([wanem, os.path.join(self.tmp, "wanem.json")],
                                    stdout=subprocess.PIPE, stderr=self.wlog, text=True)
        ready = any(line.strip() == "ready" for line in self._lines())
        if not ready:
            raise RuntimeError("WAN emulator did not start (see %s)" % self.tmp)
        for n in self.nodes:
            if not n.start():
                raise RuntimeError("%s did not start: %s" % (n.name, self.log_tail(n)))

    def _lines(self):
        for line in self.wan_proc.stdout:
            yield line
            if line.strip() == "ready":
                return

    def wan(self, cmd):
        return rp.wanem_cmd(self.ctl, cmd)

    def by_name(self, name):
        return self.nodes[REGIONS.index(name)]

    def log_tail(self, n, lines=8):
        try:
            with open(os.path.join(self.tmp, n.name + ".log"), errors="replace") as f:
                return " | ".join(l.strip() for l in f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def sanitizer_reports(self):
        """New sanitizer lines in the daemons' logs since the last call (ASan/UBSan builds via
        --bindir build/address/bin; a report at a clean shutdown shows up here too)."""
        out = []
        for n in self.nodes:
            path = os.path.join(self.tmp, n.name + ".log")
            try:
                with open(path, errors="replace") as f:
                    f.seek(getattr(n, "log_seen", 0))
                    text = f.read()
                    n.log_seen = f.tell()
            except OSError:
                continue
            out += ["%s: %s" % (n.name, l.strip()[:200]) for l in text.splitlines()
                    if "Sanitizer" in l or "runtime error:" in l]
        return out

    def alive(self, n):
        return n.proc is not None and n.proc.poll() is None

    def kill(self, n):
        if self.alive(n):
            if n.paused:
                n.proc.send_signal(signal.SIGCONT)
                n.paused = False
            n.proc.send_signal(signal.SIGKILL)
            n.proc.wait()
        n.proc = None

    def restart(self, n, skew=None):
        """(Re)start n, with a new clock offset if skew is given."""
        if skew is not None:
            n.skew = skew
            n.env = {"HELIOS_TEST_CLOCK_OFFSET_MS": str(skew)} if skew else None
        if n.proc is not None:
            n.stop()
        return n.start()

    def cut(self, a, b):
        """Cuts are counted per link, so overlapping partitions each undo only their own."""
        key = tuple(sorted((a, b)))
        with self.busy_lock:
            self.cuts[key] = self.cuts.get(key, 0) + 1
            if self.cuts[key] == 1:
                self.wan("cut %s %s" % key)

    def heal(self, a, b):
        key = tuple(sorted((a, b)))
        with self.busy_lock:
            self.cuts[key] = self.cuts.get(key, 1) - 1
            if self.cuts[key] <= 0:
                self.cuts.pop(key, None)
                self.wan("heal %s %s" % key)

    def heal_all(self):
        """Every link up, baseline network, no paused node, every node running. Returns the
        names of nodes that could not be restarted."""
        with self.busy_lock:
            self.cuts.clear()
        for i, a in enumerate(REGIONS):
            for b in REGIONS[i + 1:]:
                self.wan("heal %s %s" % (a, b))
        self.wan("setall " + BASE_NET)
        bad = []
        for n in self.nodes:
            if n.paused and self.alive(n):
                n.proc.send_signal(signal.SIGCONT)
            n.paused = False
            if not self.alive(n):
                if not self.restart(n):
                    bad.append(n.name)
        return bad

    def close(self):
        """Stops everything; returns sanitizer reports written during shutdown (leaks)."""
        for n in self.nodes:
            if n.paused and self.alive(n):
                n.proc.send_signal(signal.SIGCONT)
            n.stop()
        reports = self.sanitizer_reports()
        try:
            self.wan("quit")
        except OSError:
            pass
        try:
            self.wan_proc.wait(5)
        except subprocess.TimeoutExpired:
            self.wan_proc.kill()
            self.wan_proc.wait()
        finally:
            self.wlog.close()
            if self.keep:
                log("# kept " + self.tmp)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return reports


# ---- history ------------------------------------------------------------------------------------

class History:
    """Everything the clients attempted and which attempts were acknowledged. Shared by all
    client threads (list.append and set.add are atomic under the GIL; claims take the lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ctr = []          # (row, g_inc, p_inc, acked)
        self.sadd = {}         # element -> (row, acked)
        self.srem = {}         # element -> acked
        self.reg = []          # (row, writer, value, acked, seq)
        self.dins = {}         # id -> acked
        self.ddel = {}         # id -> acked
        self.txn = {}          # k -> acked
        self.claimed = set()   # elements / row ids someone decided to remove
        self.violations = []   # half-applied transactions seen by readers (first 10)
        self.nviolations = 0
        self.harness = []      # exceptions in client threads (fail the round)
        self.errors = []       # unexpected SQL errors (first few)
        self.dupkeys = []      # 23505 errors (first few): a write the harness got wrong
        self.ndupkeys = 0
        self.reads = 0

    def breakdown(self):
        """acked ops per kind, e.g. ctr=812 sadd=790 ..."""
        kinds = [("ctr", [x[3] for x in self.ctr]), ("sadd", [a for _, a in self.sadd.values()]),
                 ("srem", list(self.srem.values())), ("reg", [x[3] for x in self.reg]),
                 ("dins", list(self.dins.values())), ("ddel", list(self.ddel.values())),
                 ("txn", list(self.txn.values()))]
        return " ".join("%s=%d" % (k, sum(v)) for k, v in kinds)

    def counts(self):
        acked = attempted = 0
        for x in self.ctr:
            attempted += 1
            acked += x[3]
        for d in (self.sadd,):
            for _, a in d.values():
                attempted += 1
                acked += a
        for d in (self.srem, self.dins, self.ddel, self.txn):
            for a in d.values():
                attempted += 1
                acked += a
        for x in self.reg:
            attempted += 1
            acked += x[3]
        return acked, attempted


# ---- clients ------------------------------------------------------------------------------------

class Conn:
    """A connection to one node that reconnects after failures (the node may be dead, paused or
    restarting)."""

    def __init__(self, node, stop):
        self.node, self.stop, self.c = node, stop, None

    def cursor(self):
        while self.c is None and not self.stop.is_set():
            try:
                self.c = self.node.connect()
            except psycopg2.Error:
                time.sleep(0.1)
        return self.c.cursor() if self.c is not None else None

    def drop(self):
        if self.c is not None:
            try:
                self.c.close()
            except psycopg2.Error:
                pass
        self.c = None


def note_error(h, e):
    if getattr(e, "pgcode", None) == "23505":
        # Every write is an upsert or inserts a unique key, so a duplicate key means the harness
        # sent a plain INSERT of an existing row: it would turn ops into indeterminate ones and
        # hollow out the checks (as when INSERT stopped being an upsert), so it fails the round.
        with h.lock:
            h.ndupkeys += 1
            if len(h.dupkeys) < 3:
                h.dupkeys.append(str(e).strip().replace("\n", " ")[:200])
        return
    if not isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)):
        with h.lock:
            if len(h.errors) < 5:
                h.errors.append(("%s %s" % (getattr(e, "pgcode", ""), e)).strip()[:200])


def writer(widx, node, t, h, seed, rate, stop):
    """Random operations on one region until stop. Records each op as attempted before sending
    and flips it to acknowledged only after the server's answer."""
    rnd = random.Random(seed)
    conn = Conn(node, stop)
    wname = "w%d" % widx
    seq = 0
    period = 1.0 / rate
    ops = ["ctr"] * 3 + ["sadd"] * 3 + ["srem"] * 2 + ["reg"] * 2 + ["dins"] * 2 + \
          ["ddel"] * 1 + ["txn"] * 3
    while not stop.is_set():
        t0 = time.time()
        seq += 1
        uid = widx * 10 ** 7 + seq
        op = rnd.choice(ops)
        cur = conn.cursor()
        if cur is None:
            break
        rec = None
        try:
            if op == "ctr":
                row, g, p = rnd.randrange(NCTR), rnd.randint(1, 5), rnd.randint(-5, 5)
                rec = [row, g, p, False]
                h.ctr.append(rec)
                cur.execute("INSERT INTO %s AS c (id, g, p) VALUES (%%s, %%s, %%s) "
                            "ON CONFLICT (id) DO UPDATE SET g = c.g + excluded.g, "
                            "p = c.p + excluded.p" % t["c"], (row, g, p))
                rec[3] = True
            elif op == "sadd":
                row, e = rnd.randrange(NSET), "e%d" % uid
                h.sadd[e] = (row, False)
                cur.execute("INSERT INTO %s AS s (id, aw, os) VALUES (%%s, ARRAY[%%s], "
                            "ARRAY[%%s]) ON CONFLICT (id) DO UPDATE SET aw = s.aw || excluded.aw, "
                            "os = s.os || excluded.os" % t["s"], (row, e, e))
                h.sadd[e] = (row, True)
            elif op == "srem":
                row = rnd.randrange(NSET)
                cur.execute("SELECT aw, os FROM %s WHERE id = %%s" % t["s"], (row,))
                r = cur.fetchall()
                if not r:
                    continue
                seen = sorted(set(r[0][0] or []) & set(r[0][1] or []))
                with h.lock:
                    cand = [e for e in seen if e not in h.claimed]
                    if not cand:
                        continue
                    e = rnd.choice(cand)
                    h.claimed.add(e)
                h.srem[e] = False
                cur.execute("UPDATE %s SET aw = array_remove(aw, %%s), os = array_remove(os, %%s)"
                            " WHERE id = %%s" % t["s"], (e, e, row))
                h.srem[e] = True
            elif op == "reg":
                row, v = rnd.randrange(NREG), "v%d" % uid
                rec = [row, wname, v, False, seq]
                h.reg.append(rec)
                cur.execute("INSERT INTO %s AS g (id, reg, mv, m) VALUES (%%s, %%s, %%s, "
                            "%%s::jsonb) ON CONFLICT (id) DO UPDATE SET reg = excluded.reg, "
                            "mv = excluded.mv, m = g.m || excluded.m" % t["g"],
                            (row, v, v, json.dumps({wname: v})))
                rec[3] = True
            elif op == "dins":
                h.dins[uid] = False
                cur.execute("INSERT INTO %s (id, v, n) VALUES (%%s, %%s, 1)" % t["d"],
                            (uid, "r%d" % uid))
                h.dins[uid] = True
            elif op == "ddel":
                with h.lock:
                    # list() copies in one C call: other writers add to dins meanwhile
                    cand = [k for k, a in list(h.dins.items()) if a and k not in h.claimed]
                if not cand:
                    continue
                k = rnd.choice(cand[-50:])
                cur.execute("SELECT count(*) FROM %s WHERE id = %%s" % t["d"], (k,))
                if cur.fetchone()[0] != 1:
                    continue  # not replicated here yet: this delete would observe nothing
                with h.lock:
                    if k in h.claimed:
                        continue
                    h.claimed.add(k)
                h.ddel[k] = False
                cur.execute("DELETE FROM %s WHERE id = %%s" % t["d"], (k,))
                h.ddel[k] = True
            elif op == "txn":
                tok = "t%d" % uid
                h.txn[uid] = False
                cur.execute("BEGIN")
                cur.execute("INSERT INTO %s (id, tok) VALUES (%%s, %%s)" % t["ta"], (uid, tok))
                cur.execute("INSERT INTO %s AS c (id, g, p) VALUES (%%s, 1, 0) "
                            "ON CONFLICT (id) DO UPDATE SET g = c.g + excluded.g, "
                            "p = c.p + excluded.p" % t["c"], (TXROW,))
                cur.execute("INSERT INTO %s (id, tok) VALUES (%%s, %%s)" % t["tb"], (uid, tok))
                cur.execute("INSERT INTO %s (id, tok) VALUES (%%s, %%s)" % t["ta"],
                            (uid + OFF, tok))
                cur.execute("COMMIT")
                h.txn[uid] = True
        except psycopg2.Error as e:
            note_error(h, e)
            conn.drop()
        except Exception as e:  # noqa: BLE001 — a harness bug must fail the round, not hide
            with h.lock:
                h.harness.append("writer %s: %r" % (wname, e))
            conn.drop()
        dt = period - (time.time() - t0)
        if dt > 0:
            time.sleep(dt)
    conn.drop()


def reader(node, t, h, stop):
    """Continuously checks that no transaction is visible half-applied on this region:
    (1) within one SELECT of ta, k is present iff k+OFF is;
    (2) sandwich ta -> counter(TXROW) -> tb -> ta: rows only appear (never disappear), so every
        k in the first ta read is in tb and every k in tb is in the last ta read, and the
        counter lies between the first and the last ta count;
    (3) on one connection (one daemon process), nothing once shown disappears: the counter never
        decreases and no ta key vanishes."""
    conn = Conn(node, stop)
    last = None  # (connection, txn counter, ta keys) of the previous complete pass
    while not stop.is_set():
        cur = conn.cursor()
        if cur is None:
            break
        try:
            cur.execute("SELECT id FROM %s" % t["ta"])
            a1 = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT g FROM %s WHERE id = %%s" % t["c"], (TXROW,))
            r = cur.fetchall()
            ctr = r[0][0] if r else 0
            cur.execute("SELECT id FROM %s" % t["tb"])
            b = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT id FROM %s" % t["ta"])
            a2 = {r[0] for r in cur.fetchall()}
        except psycopg2.Error as e:
            note_error(h, e)
            conn.drop()
            continue
        except Exception as e:  # noqa: BLE001
            with h.lock:
                h.harness.append("reader %s: %r" % (node.name, e))
            conn.drop()
            continue
        h.reads += 1
        bad = []
        for a in (a1, a2):
            lo = {k for k in a if k < OFF}
            hi = {k - OFF for k in a if k >= OFF}
            if lo != hi:
                bad.append("ta pair split: %s" % sorted(lo ^ hi)[:3])
        if not {k for k in a1 if k < OFF} <= b:
            bad.append("ta before tb: %s" % sorted({k for k in a1 if k < OFF} - b)[:3])
        if not b <= {k for k in a2 if k < OFF}:
            bad.append("tb before ta: %s" % sorted(b - {k for k in a2 if k < OFF})[:3])
        n1, n2 = len([k for k in a1 if k < OFF]), len([k for k in a2 if k < OFF])
        if not n1 <= ctr <= n2:
            bad.append("txn counter %d outside ta counts [%d, %d]" % (ctr, n1, n2))
        # one connection = one process: what it showed must never disappear again
        if last is not None and last[0] is conn.c:
            if ctr < last[1]:
                bad.append("txn counter went backwards %d -> %d" % (last[1], ctr))
            if not last[2] <= a1:
                bad.append("committed transactions vanished: %s" % sorted(last[2] - a1)[:3])
        last = (conn.c, ctr, a2)
        if bad:
            with h.lock:
                h.nviolations += 1
                if len(h.violations) < 10:
                    h.violations.append("%s: %s" % (node.name, "; ".join(bad)))
        time.sleep(0.02)
    conn.drop()


# ---- nemesis ------------------------------------------------------------------------------------

def run_fault(cl, fault, rnd, dur):
    """Inject one fault for about dur seconds and undo it. Returns a short description and a
    list of problems (restarts that failed). Node faults pick among nodes no other running
    fault holds (waiting up to 10 s); partitions overlap freely (cuts are counted per link)."""
    node_fault = fault in ("kill_one", "kill_two", "pause", "clock_skew")
    want = 2 if fault == "kill_two" else 1
    deadline = time.time() + 10
    while True:
        with cl.busy_lock:
            if node_fault:
                free = [r for r in REGIONS if r not in cl.busy]
                if len(free) >= want:
                    names = rnd.sample(free, len(free))
                    cl.busy.update(names[:want])
                    break
            else:
                names = REGIONS[:]
                break
        if time.time() > deadline:
            return "%s(skipped: busy)" % fault, []
        time.sleep(0.1)
    try:
        return _run_fault(cl, fault, rnd, dur, names)
    finally:
        with cl.busy_lock:
            if node_fault:
                cl.busy.difference_update(names[:want])


def _run_fault(cl, fault, rnd, dur, names):
    problems = []
    if fault in ("partition_one", "partition_long"):
        x = rnd.choice(names)
        for y in names:
            if y != x:
                cl.cut(x, y)
        time.sleep(dur)
        for y in names:
            if y != x:
                cl.heal(x, y)
        return "%s(%s,%.0fs)" % (fault, x, dur), problems
    if fault == "split_2_3":
        rnd.shuffle(names)
        two, three = names[:2], names[2:]
        for a in two:
            for b in three:
                cl.cut(a, b)
        time.sleep(dur)
        for a in two:
            for b in three:
                cl.heal(a, b)
        return "split_2_3(%s)" % "+".join(two), problems
    if fault == "ring":
        rnd.shuffle(names)
        adj = {(names[i], names[(i + 1) % 5]) for i in range(5)}
        adj |= {(b, a) for a, b in adj}
        cuts = [(a, b) for i, a in enumerate(REGIONS) for b in REGIONS[i + 1:]
                if (a, b) not in adj]
        for a, b in cuts:
            cl.cut(a, b)
        time.sleep(dur)
        for a, b in cuts:
            cl.heal(a, b)
        return "ring(%s)" % ">".join(names), problems
    if fault in ("kill_one", "kill_two"):
        victims = names[:1 if fault == "kill_one" else 2]
        for v in victims:
            cl.kill(cl.by_name(v))
        time.sleep(dur / 2)
        for v in victims:
            n = cl.by_name(v)
            if not cl.restart(n):
                problems.append("%s did not restart after kill -9: %s" % (v, cl.log_tail(n)))
        return "%s(%s)" % (fault, "+".join(victims)), problems
    if fault == "pause":
        v = names[0]
        n = cl.by_name(v)
        if cl.alive(n):
            n.proc.send_signal(signal.SIGSTOP)
            n.paused = True
            time.sleep(dur)
            n.proc.send_signal(signal.SIGCONT)
            n.paused = False
        return "pause(%s)" % v, problems
    if fault == "clock_skew":
        v = names[0]
        skew = rnd.choice([-1, 1]) * rnd.choice([500, 2000, 5000, 30000])
        n = cl.by_name(v)
        if not cl.restart(n, skew=skew):
            problems.append("%s did not restart with clock offset %d: %s"
                            % (v, skew, cl.log_tail(n)))
        time.sleep(dur / 2)
        return "clock_skew(%s%+dms)" % (v, skew), problems
    if fault == "none":
        time.sleep(dur)
        return "none", problems
    if fault == "gc_ae":
        # SIGUSR1: anti-entropy with every peer and a tombstone-GC compaction, now, under load
        victims = rnd.sample(names, rnd.randint(1, 5))
        for _ in range(2):
            for v in victims:
                proc = cl.by_name(v).proc  # a concurrent kill may clear it
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGUSR1)
            time.sleep(dur / 2)
        return "gc_ae(%s)" % "+".join(victims), problems
    if fault == "net_chaos":
        loss, dup, reo = rnd.choice([0.1, 0.3]), rnd.choice([0.1, 0.3]), rnd.choice([0.2, 0.5])
        cl.wan("setall loss=%g dup=%g reorder=%g reorder_ms=20" % (loss, dup, reo))
        time.sleep(dur)
        cl.wan("setall " + BASE_NET)
        return "net_chaos(loss=%g,dup=%g,reorder=%g)" % (loss, dup, reo), problems
    raise ValueError(fault)


# ---- checks -------------------------------------------------------------------------------------

def snapshot(node, t):
    q = rb.query
    return {
        "c": {r[0]: (r[1], r[2]) for r in q(node, "SELECT id, g, p FROM %s" % t["c"])},
        "s": {r[0]: (set(r[1] or []), set(r[2] or []))
              for r in q(node, "SELECT id, aw, os FROM %s" % t["s"])},
        "g": {r[0]: (r[1], r[2], r[3]) for r in q(node, "SELECT id, reg, mv, m FROM %s" % t["g"])},
        "d": {r[0] for r in q(node, "SELECT id FROM %s" % t["d"])},
        "ta": {r[0] for r in q(node, "SELECT id FROM %s" % t["ta"])},
        "tb": {r[0] for r in q(node, "SELECT id FROM %s" % t["tb"])},
    }


def check_region(name, s, h):
    """Returns a list of violations of the history by one region's final state."""
    bad = []
    # counters
    for row in range(NCTR):
        g, p = s["c"].get(row, (0, 0))
        acked = [x for x in h.ctr if x[0] == row and x[3]]
        doubt = [x for x in h.ctr if x[0] == row and not x[3]]
        g_lo = sum(x[1] for x in acked)
        g_hi = g_lo + sum(x[1] for x in doubt)
        p_acked = sum(x[2] for x in acked)
        p_lo = p_acked + sum(x[2] for x in doubt if x[2] < 0)
        p_hi = p_acked + sum(x[2] for x in doubt if x[2] > 0)
        if not g_lo <= g <= g_hi:
            bad.append("g_counter row %d = %d, allowed [%d, %d]" % (row, g, g_lo, g_hi))
        if not p_lo <= p <= p_hi:
            bad.append("pn_counter row %d = %d, allowed [%d, %d]" % (row, p, p_lo, p_hi))
    # sets: must ⊇ acked adds without an attempted remove; ⊆ attempted adds minus acked removes
    for row in range(NSET):
        must = {e for e, (r, a) in h.sadd.items() if r == row and a and e not in h.srem}
        may = {e for e, (r, _) in h.sadd.items() if r == row and not h.srem.get(e, False)}
        aw, os_ = s["s"].get(row, (set(), set()))
        for col, got in (("aw_set", aw), ("or_set", os_)):
            if must - got:
                bad.append("%s row %d lost acknowledged adds: %s"
                           % (col, row, sorted(must - got)[:3]))
            if got - may:
                bad.append("%s row %d holds removed or never-added elements: %s"
                           % (col, row, sorted(got - may)[:3]))
    # registers and the lww_map
    for row in range(NREG):
        written = [x for x in h.reg if x[0] == row]
        vals = {x[2] for x in written}
        got = s["g"].get(row)
        if got is None:
            if any(x[3] for x in written):
                bad.append("register row %d missing though writes were acknowledged" % row)
            continue
        reg, mv, m = got
        if reg not in vals:
            bad.append("lww register row %d = %r, never written" % (row, reg))
        if not mv or not set(mv) <= vals:
            bad.append("mv_register row %d = %r, not among written values" % (row, mv))
        m = m or {}
        for w in {x[1] for x in written}:
            mine = [x for x in written if x[1] == w]
            acked = [x for x in mine if x[3]]
            allowed = {x[2] for x in mine if not x[3]}
            if acked:
                allowed.add(max(acked, key=lambda x: x[4])[2])
            if m.get(w) not in allowed and not (not acked and w not in m):
                bad.append("lww_map row %d key %s = %r, allowed %s"
                           % (row, w, m.get(w), sorted(allowed)[:4]))
        for k in m:
            if k not in {x[1] for x in written}:
                bad.append("lww_map row %d has unwritten key %s" % (row, k))
    # deleted rows
    must = {k for k, a in h.dins.items() if a and k not in h.ddel}
    may = {k for k in h.dins if not h.ddel.get(k, False)}
    if must - s["d"]:
        bad.append("acknowledged rows lost (never deleted): %s" % sorted(must - s["d"])[:3])
    if s["d"] - may:
        bad.append("deleted or never-inserted rows present: %s" % sorted(s["d"] - may)[:3])
    # transactions
    lo = {k for k in s["ta"] if k < OFF}
    hi = {k - OFF for k in s["ta"] if k >= OFF}
    if not lo == hi == s["tb"]:
        bad.append("half-applied transactions: %s" % sorted((lo ^ hi) | (lo ^ s["tb"]))[:3])
    ctr = s["c"].get(TXROW, (0, 0))[0]
    if ctr != len(s["tb"]):
        bad.append("transaction counter %d != %d committed transactions" % (ctr, len(s["tb"])))
    acked = {k for k, a in h.txn.items() if a}
    if acked - s["tb"]:
        bad.append("acknowledged transactions lost: %s" % sorted(acked - s["tb"])[:3])
    if s["tb"] - set(h.txn):
        bad.append("transactions never attempted: %s" % sorted(s["tb"] - set(h.txn))[:3])
    return ["%s: %s" % (name, b) for b in bad]


# ---- rounds -------------------------------------------------------------------------------------

def digests_equal(cl):
    try:
        return len(set(rb.digests(cl.nodes))) == 1
    except psycopg2.Error:
        return False


def wait_until(pred, timeout, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False


def sabotage(cl, t, h):
    """Checker self-test (--sabotage): history entries the cluster never saw, and one
    transaction really written half (autocommit, no tb row). Every check below must catch it."""
    h.ctr.append([0, 1000, 0, True])                # an acknowledged increment that was never sent
    h.sadd["e-never-sent"] = (0, True)              # an acknowledged add that was never sent
    h.dins[-1] = True                               # an acknowledged row that was never inserted
    k = 999999
    h.txn[k] = True
    c = cl.nodes[0].connect()
    c.cursor().execute("INSERT INTO %s (id, tok) VALUES (%%s, 'half')" % t["ta"], (k,))
    c.cursor().execute("INSERT INTO %s (id, tok) VALUES (%%s, 'half')" % t["ta"], (k + OFF,))
    c.close()


def run_round(cl, rno, seed, prof, stats, sabot=False):
    """One round on a running cluster. Returns (ok, line, problems, notes)."""
    rnd = random.Random(seed)
    sfx = "r%d_%d" % (rno, seed % 100000)
    t = {k: "%s_%s" % (k, sfx) for k in ("c", "s", "g", "d", "ta", "tb")}
    ddl = [
        "CREATE TABLE %s (id bigint PRIMARY KEY, g g_counter, p pn_counter)" % t["c"],
        "CREATE TABLE %s (id bigint PRIMARY KEY, aw aw_set, os or_set)" % t["s"],
        "CREATE TABLE %s (id bigint PRIMARY KEY, reg text, mv mv_register, m lww_map)" % t["g"],
        "CREATE TABLE %s (id bigint PRIMARY KEY, v text, n g_counter)" % t["d"],
        "CREATE TABLE %s (id bigint PRIMARY KEY, tok text)" % t["ta"],
        "CREATE TABLE %s (id bigint PRIMARY KEY, tok text)" % t["tb"],
        # secondary indexes, kept by every region through every fault (helios_index_check)
        "CREATE INDEX ON %s (reg)" % t["g"],
        "CREATE INDEX ON %s (v DESC)" % t["d"],
        "CREATE INDEX ON %s (tok)" % t["ta"],
    ]
    home = cl.nodes[rnd.randrange(5)]
    c = home.connect()
    for q in ddl:
        c.cursor().execute(q)
    c.close()
    want = set(t.values())

    def tables_everywhere():
        try:
            return all(want <= {r[0] for r in rb.query(n, "SELECT name FROM helios.tables")}
                       for n in cl.nodes)
        except psycopg2.Error:
            return False
    if not wait_until(tables_everywhere, 30):
        return False, "seed %d: tables did not replicate to all regions within 30 s FAIL" % seed, \
            [], []

    h = History()
    stop = threading.Event()
    ths = [threading.Thread(target=writer, args=(i + 1, n, t, h, rnd.randrange(2 ** 31),
                                                 prof["rate"], stop))
           for i, n in enumerate(cl.nodes)]
    ths += [threading.Thread(target=reader, args=(n, t, h, stop)) for n in cl.nodes]
    for th in ths:
        th.start()
    if sabot:
        sabotage(cl, t, h)
    done, problems, bg_results = [], [], []

    def record(k, desc, probs, mark):
        """k: position in start order; mark "&": ran concurrently with the ones after it"""
        done[k] = desc + mark
        problems.extend(probs)
        if "skipped" not in desc:
            name = desc.split("(")[0]
            stats[name] = stats.get(name, 0) + 1
    try:
        time.sleep(0.5)
        bg = []
        if rnd.random() < prof["long"] and "partition_long" in prof["menu_long"]:
            # one region cut off longer than the QUIC idle timeout (30 s): its connections die
            # and must be re-established through backoff after the heal
            frnd, dur = random.Random(rnd.randrange(2 ** 31)), rnd.uniform(32, 38)
            th = threading.Thread(target=lambda r=frnd, d=dur: bg_results.append(
                (0,) + run_fault(cl, "partition_long", r, d)))
            done.append(None)
            th.start()
            bg.append(th)
        for _ in range(rnd.randint(*prof["faults"])):
            fault = rnd.choice(prof["menu"])
            frnd = random.Random(rnd.randrange(2 ** 31))
            dur = rnd.uniform(*prof["dur"])
            if rnd.random() < prof["overlap"]:
                # runs concurrently with the next fault(s)
                th = threading.Thread(target=lambda f=fault, r=frnd, d=dur, k=len(done):
                                      bg_results.append((k,) + run_fault(cl, f, r, d)))
                done.append(None)  # filled in when it finishes
                th.start()
                bg.append(th)
                time.sleep(rnd.uniform(0.2, 0.6))
                continue
            done.append(None)
            desc, probs = run_fault(cl, fault, frnd, dur)
            record(len(done) - 1, desc, probs, "")
            time.sleep(rnd.uniform(0.2, 0.8))
        for th in bg:
            th.join()
        for k, desc, probs in bg_results:
            record(k, desc, probs, "&")
        # crashes the nemesis did not cause
        for n in cl.nodes:
            if n.proc is not None and n.proc.poll() is not None:
                problems.append("%s exited by itself (rc %s): %s"
                                % (n.name, n.proc.returncode, cl.log_tail(n)))
    finally:
        bad_restart = cl.heal_all()
        problems += ["%s could not be restarted at heal: %s" % (b, cl.log_tail(cl.by_name(b)))
                     for b in bad_restart]
        time.sleep(0.5)  # writers keep going briefly on the healed cluster
        stop.set()
        for th in ths:
            th.join(30)
        hung = [th for th in ths if th.is_alive()]
        if hung:
            problems.append("%d client threads hung after stop" % len(hung))
    acked, attempted = h.counts()
    t_heal = time.time()
    conv = wait_until(lambda: digests_equal(cl), prof["converge"], 0.25)
    t_conv = time.time() - t_heal
    if not conv:
        try:
            ds = rb.digests(cl.nodes)
            problems.append("no convergence within %d s: digests %s"
                            % (prof["converge"], [d[:8] for d in ds]))
        except psycopg2.Error as e:
            problems.append("no convergence within %d s: %s" % (prof["converge"], e))
    snaps = {}
    for n in cl.nodes:
        try:
            snaps[n.name] = snapshot(n, t)
        except psycopg2.Error as e:
            problems.append("%s: final read failed: %s" % (n.name, e))
    for name, s in snaps.items():
        problems += check_region(name, s, h)
    for n in cl.nodes:
        try:
            d = rb.query(n, "SELECT helios_index_check()")[0][0]
            if d:
                problems.append("%s: its indexes differ from their tables by %d entries "
                                "(helios_index_check)" % (n.name, d))
        except psycopg2.Error as e:
            problems.append("%s: helios_index_check() failed: %s" % (n.name, e))
    if conv and len(snaps) == 5:
        first = snaps[REGIONS[0]]
        for name, s in snaps.items():
            if s != first:
                problems.append("%s: contents differ from %s though digests are equal"
                                % (name, REGIONS[0]))
    problems += ["sanitizer report: %s" % r for r in cl.sanitizer_reports()[:5]]
    problems += ["harness error: %s" % e for e in h.harness[:5]]
    if h.ndupkeys:
        problems.append("harness error: %d writes failed with 23505 (a plain INSERT of an "
                        "existing key; writes must be upserts or of new keys), e.g. %s"
                        % (h.ndupkeys, h.dupkeys))
    if h.nviolations:
        problems.append("readers saw %d of %d reads violate atomicity (first %d below)"
                        % (h.nviolations, h.reads, len(h.violations)))
    problems += ["reader saw %s" % v for v in h.violations]
    ok = not problems
    indet = attempted - acked
    line = ("seed %d faults [%s] ops acked %d (attempted %d, indeterminate %d; %s) "
            "reads %d converged %s %s"
            % (seed, " ".join(d for d in done if d), acked, attempted, indet, h.breakdown(),
               h.reads,
               "in %.1fs" % t_conv if conv else "NO", "PASS" if ok else "FAIL"))
    notes = ["unexpected SQL errors (the op counted as indeterminate): %s" % e
             for e in h.errors[:3]]
    if ok:
        try:
            c = cl.nodes[0].connect()
            for name in t.values():
                c.cursor().execute("DROP TABLE %s" % name)
            c.close()
        except psycopg2.Error as e:
            problems.append("DROP TABLE after the round failed: %s" % e)
            ok = False
    return ok, line, problems, notes


def collapse(problems):
    """"<region>: msg" lines with the same msg in several regions become one line."""
    out, where = [], {}
    for p in problems:
        region, sep, msg = p.partition(": ")
        if sep and region in REGIONS:
            if msg not in where:
                where[msg] = []
                out.append(msg)
            where[msg].append(region)
        else:
            out.append(p)
    return ["%s: %s" % ("all regions" if len(where[p]) == len(REGIONS) else
                        "+".join(where[p]), p) if p in where else p for p in out]


def on_term(signum, frame):
    raise KeyboardInterrupt  # unwinds through every finally: daemons and emulator stopped


def main():
    signal.signal(signal.SIGTERM, on_term)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="full")
    ap.add_argument("--bindir", default=os.environ.get("BINDIR", os.path.join(ROOT, "bin")))
    ap.add_argument("--wanem", default=os.environ.get(
        "WANEM", os.path.join(ROOT, "build", "default", "tools", "wanem")))
    ap.add_argument("--rtt-scale", type=float, default=float(os.environ.get("RTT_SCALE", "0.1")))
    ap.add_argument("--keep", action="store_true", help="keep the temp dir of every cluster")
    ap.add_argument("--no-keep-failed", action="store_true",
                    help="remove failing clusters' temp dirs too (default: keep the first 3)")
    ap.add_argument("--repl", action="append", default=[], metavar="KEY=N",
                    help="override a replication config number, e.g. anti_entropy_interval_s=0")
    ap.add_argument("--faults", default=None, metavar="A,B",
                    help="draw only from these faults (default: all of %s; partition_long "
                    "only if listed or by default)" % ",".join(FAULTS))
    ap.add_argument("--sabotage", action="store_true",
                    help="checker self-test: falsify the history; every round must FAIL")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else int(time.time() * 1000) % 10 ** 9
    prof = dict(PROFILES[args.profile])
    prof["repl"] = dict(prof["repl"])
    menu = args.faults.split(",") if args.faults else FAULTS + ["partition_long"]
    bad = [f for f in menu if f not in FAULTS + ["partition_long", "none"]]
    if bad:
        ap.error("unknown faults: %s" % ",".join(bad))
    prof["menu_long"] = menu
    prof["menu"] = [f for f in menu if f != "partition_long"] or ["none"]
    for kv in args.repl:
        k, _, v = kv.partition("=")
        prof["repl"][k] = int(v)
    me = os.path.relpath(os.path.abspath(__file__), os.getcwd())
    extra = "".join(" --repl %s" % kv for kv in args.repl)
    if args.faults:
        extra += " --faults %s" % args.faults
    if os.path.abspath(args.bindir) != os.path.join(ROOT, "bin"):
        extra += " --bindir %s" % args.bindir
    log("# nemesis: %d rounds, profile %s, seed %d, bindir %s, replication %s"
        % (args.rounds, args.profile, seed, args.bindir, json.dumps(prof["repl"])))
    stats, passed, failed, failing, shutdown_reports = {}, 0, 0, [], []
    cl = None
    t_all = time.time()
    try:
        for i in range(args.rounds):
            rseed = seed + i
            if cl is None:
                cl = Cluster(args.bindir, args.wanem, args.rtt_scale, args.keep, prof["repl"])
            t0 = time.time()
            try:
                ok, line, problems, notes = run_round(cl, i + 1, rseed, prof, stats,
                                                      args.sabotage)
            except Exception as e:  # noqa: BLE001 — a harness error fails the round
                ok, line, problems, notes = False, "seed %d harness error %r FAIL" % (rseed, e), \
                    [], []
            log("round %d %s (%.0fs)" % (i + 1, line, time.time() - t0))
            for n in notes:
                log("#   %s" % n)
            if ok:
                passed += 1
                continue
            failed += 1
            failing.append(rseed)
            problems = collapse(problems)
            for p in problems[:25]:
                log("#   %s" % p)
            if len(problems) > 25:
                log("#   ... %d more" % (len(problems) - 25))
            log("#   reproduce: %s --rounds 1 --seed %d --profile %s%s%s"
                % (me, rseed, args.profile, extra, " --sabotage" if args.sabotage else ""))
            if not args.sabotage and not args.no_keep_failed and len(failing) <= 3:
                # the first three only: they grow big
                log("#   cluster dir (logs kept): %s" % cl.tmp)
                cl.keep = True
            shutdown_reports += cl.close()
            cl = None  # a failed round gets a fresh cluster
    finally:
        if cl is not None:
            shutdown_reports += cl.close()
    if shutdown_reports:
        failed += 1
        log("shutdown: sanitizer reports in the daemons' logs FAIL")
        for r in shutdown_reports[:10]:
            log("#   %s" % r)
    log("# faults injected: %s" % ", ".join("%s %d" % kv for kv in sorted(stats.items())))
    if failing:
        log("# failing seeds: %s" % " ".join(str(s) for s in failing))
    log("# total %.0fs" % (time.time() - t_all))
    log("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
