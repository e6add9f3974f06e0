"""bench/repl/cluster.py — five HeliosDB regions on this machine, every replication link through
the WAN emulator (tests/tools/wanem) at the real `typical` RTT of tests/tools/rtt_ms.json (a copy
of /work/shared/wan/rtt_ms.json), half of it each way. Shared by the replication benchmarks.

Reuses the integration tests' helpers (certificates, Node, polling): tests/integration/
test_repl_basic.py and test_repl_partition.py, imported as modules, never copied.

    with Cluster(tmp_prefix="helios-lag-") as cl:
        cl.nodes[0].connect() ...; cl.wanem("cut us-east-1 eu-west-1"); cl.stats()

Env: BINDIR (heliosdb), WANEM (default build/default/tools/wanem), RTT_SCALE (default 1.0: real
delays), BENCH_JITTER_MS (default 1), BENCH_SYNC (storage.sync, default always: a commit is
acknowledged once its WAL is fsynced), BENCH_KEEP_TMP=1 keeps the data and logs.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import test_repl_basic as rb  # noqa: E402
import test_repl_partition as rp  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "sa-east-1"]
RTT_FILE = os.path.join(ROOT, "tests", "tools", "rtt_ms.json")
WANEM = os.environ.get("WANEM", os.path.join(ROOT, "build/default/tools/wanem"))
RTT_SCALE = float(os.environ.get("RTT_SCALE", "1.0"))
JITTER_MS = float(os.environ.get("BENCH_JITTER_MS", "1"))
SYNC = os.environ.get("BENCH_SYNC", "always")  # storage.sync of every node


def rtt_typical():
    """{(a, b): typical RTT ms} for both orders."""
    with open(RTT_FILE) as f:
        doc = json.load(f)
    out = {}
    for p in doc["pairs"]:
        out[(p["a"], p["b"])] = out[(p["b"], p["a"])] = p["typical"]
    return out


def parse_stats(text):
    """wanem `stats` -> {(src, dst): {pkts, bytes, ..., delay_ms}}."""
    out = {}
    for line in text.strip().splitlines():
        f = line.split()
        if len(f) < 3:
            continue
        d = {}
        for kv in f[2:]:
            k, _, v = kv.partition("=")
            try:
                d[k] = float(v)
            except ValueError:
                pass
        out[(f[0], f[1])] = d
    return out


def percentile(vals, q):
    """Nearest rank on a sorted list (same definition as bench/sql/report.py)."""
    if not vals:
        return float("nan")
    rank = max(1, -(-int(q * 1000) * len(vals) // 1000))
    return vals[min(rank, len(vals)) - 1]


class Cluster:
    def __init__(self, tmp_prefix="helios-bench-", regions=REGIONS, loss=0.0):
        self.regions = list(regions)
        self.loss = loss
        self.tmp = tempfile.mkdtemp(prefix=tmp_prefix)
        self.nodes = []
        self.wan = None
        self.ctl = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        rb.BINDIR = os.environ.get("BINDIR", os.path.join(ROOT, "bin"))
        names = [(r, i + 1) for i, r in enumerate(self.regions)]
        rb.make_certs(self.tmp, names)
        self.nodes = [rb.Node(self.tmp, n, i) for n, i in names]
        n = len(self.nodes)
        base = rp.udp_range(n * n)
        self.ctl = rb.free_port(socket.SOCK_DGRAM)
        wcfg = {"rtt_file": RTT_FILE, "rtt_scale": RTT_SCALE, "seed": 8,
                "control": "127.0.0.1:%d" % self.ctl,
                "defaults": {"jitter_ms": JITTER_MS, "loss": self.loss, "dup": 0,
                             "reorder": 0, "reorder_ms": 0},
                "nodes": [{"name": x.name, "address": "127.0.0.1:%d" % x.repl_port}
                          for x in self.nodes],
                "listen_base": "127.0.0.1:%d" % base}
        with open(os.path.join(self.tmp, "wanem.json"), "w") as f:
            json.dump(wcfg, f)
        for i, node in enumerate(self.nodes):
            node.write_config([p for p in self.nodes if p is not node])
            with open(node.cfg) as f:
                cfg = json.load(f)
            cfg["storage"]["sync"] = SYNC
            for pc in cfg["replication"]["peers"]:
                j = self.regions.index(pc["name"])
                pc["address"] = "127.0.0.1:%d" % (base + i * n + j)
            with open(node.cfg, "w") as f:
                json.dump(cfg, f)
        self.wlog = open(os.path.join(self.tmp, "wanem.log"), "w")
        self.wan = subprocess.Popen([WANEM, os.path.join(self.tmp, "wanem.json")],
                                    stdout=subprocess.PIPE, stderr=self.wlog, text=True)
        for line in self.wan.stdout:
            if line.strip() == "ready":
                break
        else:
            raise RuntimeError("WAN emulator did not start (see %s)" % self.tmp)
        for node in self.nodes:
            if not node.start():
                raise RuntimeError("%s did not start (log in %s)" % (node.name, self.tmp))
        # every link up before anything is measured
        if not rb.wait_for(lambda: all(
                rb.query(x, "SELECT peers_up FROM helios.node")[0][0] == n - 1
                for x in self.nodes), 60):
            raise RuntimeError("replication links did not come up")

    def wanem(self, cmd):
        return rp.wanem_cmd(self.ctl, cmd)

    def stats(self):
        return parse_stats(self.wanem("stats"))

    def one_way_ms(self):
        """{(src, dst): configured one-way delay ms} as the emulator reports it."""
        return {k: v["delay_ms"] for k, v in self.stats().items()}

    def ddl(self, sql):
        """Runs DDL on the first region and waits until every region has the table."""
        c = self.nodes[0].connect()
        c.cursor().execute(sql)
        c.close()
        table = sql.split()[2]
        if not rb.wait_for(lambda: all(
                rb.query(x, "SELECT count(*) FROM %s" % table)[0][0] >= 0
                for x in self.nodes), 30):
            raise RuntimeError("table %s did not reach every region" % table)

    def digests(self):
        return rb.digests(self.nodes)

    def wait_converged(self, timeout=120):
        """Seconds until helios_digest() is equal everywhere (polled every 50 ms), or None."""
        t0 = time.time()
        if rb.wait_for(lambda: len(set(self.digests())) == 1, timeout):
            return time.time() - t0
        return None

    def close(self):
        for node in self.nodes:
            try:
                node.stop()
            except Exception:  # noqa: BLE001 — best effort at teardown
                pass
        if self.wan is not None:
            try:
                self.wanem("quit")
            except OSError:
                pass
            try:
                self.wan.wait(5)
            except subprocess.TimeoutExpired:
                self.wan.kill()
                self.wan.wait()
            self.wlog.close()
            self.wan = None
        if os.environ.get("BENCH_KEEP_TMP"):
            print("# kept " + self.tmp, file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
