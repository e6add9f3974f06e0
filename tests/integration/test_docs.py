#!/usr/bin/python3
"""tests/integration/test_docs.py — the documentation is executed.

1. Every Markdown file (README.md, docs/**/*.md) is scanned for fenced blocks whose info string
   is exactly "sql run". Each such block is fed to psql against a fresh `heliosdb --dev` (one
   server and one empty data directory per Markdown file; blocks run in document order, so a
   later block sees the tables an earlier one created). If the next fenced block is a "text"
   block, psql's output must equal it exactly (trailing blank lines aside); otherwise the
   block must print nothing.
   psql settings (documented at the top of docs/README.md): psql -X -q -v VERBOSITY=verbose
   -v ON_ERROR_STOP=0 -P pager=off, stdin is the block, stderr merged into stdout, and the
   "psql:<stdin>:N: " prefix of error lines removed (it only gives a line number).
2. Relative links in every Markdown file must point at files that exist and, with #anchor, at a
   heading of that file (GitHub slug rules).
3. Every file under docs/examples/ whose first line carries "doc-test: <runner>" is run against
   a fresh server (runner: psql, python3, node, cc, java; line 2 if line 1 is a #! line) with
   PGHOST/PGPORT/PGUSER/PGDATABASE set; its stdout+stderr must equal the sibling file
   <name>.expected. java runs the single source file (java -cp <pgjdbc jar> File.java; JDBC has
   no PG* variables, so the program reads them itself); skipped when java or the jar is absent.

4. Two-region mode. A Markdown file with a runnable block whose info string carries
   "region=NAME" runs against a two-region cluster instead of one --dev node: us-east-1 (id 1)
   and eu-west-1 (id 2), replicating over QUIC with mutual TLS (certificates and configs as in
   tests/integration/test_repl_basic.py), their link crossing the WAN emulator
   (tests/tools/wanem) so it can be cut. The info string is "sql run" followed by attributes:
     region=us-east-1|eu-west-1   where the block runs (default us-east-1)
     link=cut                     cut the link between the regions first (writes made on both
                                  sides while it is cut are concurrent: neither saw the other)
     after=converged              heal the link if it is cut, then wait until both regions
                                  report the same helios_digest() (at most 60 s), then run
   A block without after=converged runs at once: a read there may not see the other region's
   latest writes yet, so docs put after=converged on every block that reads replicated data.
   An example whose marker is "doc-test: <runner> cluster" gets the same cluster, PGHOST/PGPORT
   of us-east-1, HELIOS_REGIONS="us-east-1=127.0.0.1:P1,eu-west-1=127.0.0.1:P2", and shell
   commands HELIOS_CUT_CMD / HELIOS_HEAL_CMD that cut and heal the link (this script's
   "link cut|heal PORT" mode, which talks to the emulator's control port).

TAP on stdout; exit status 1 if anything failed. Env BINDIR: folder of heliosdb (default bin);
WANEM: the emulator (default: tools/wanem next to BINDIR's build, else build/default/tools/wanem).
"""
import glob, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINDIR = os.environ.get("BINDIR", "bin")
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)

FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*(.*?)\s*$")
STDIN_PREFIX = re.compile(r"^psql:<stdin>:\d+: ", re.M)

results = []

REGIONS = [("us-east-1", 1), ("eu-west-1", 2)]
RUN_INFO = re.compile(r"^sql run((?:\s+[a-z]+=[A-Za-z0-9._-]+)*)$")
ATTRS = {"region": {n for n, _ in REGIONS}, "link": {"cut"}, "after": {"converged"}}


def wanem_path():
    if os.environ.get("WANEM"):
        return os.environ["WANEM"]
    cand = os.path.join(os.path.dirname(BINDIR.rstrip("/")), "tools", "wanem")
    if os.path.exists(cand):
        return cand
    return os.path.join(ROOT, "build", "default", "tools", "wanem")


def run_attrs(info):
    """None when info is not a runnable block, else its attributes (dict); raises ValueError
    for an unknown attribute or value, so a typo cannot silently skip a block."""
    m = RUN_INFO.match(info)
    if not m:
        return None
    attrs = {}
    for kv in m.group(1).split():
        k, _, v = kv.partition("=")
        if k not in ATTRS or v not in ATTRS[k]:
            raise ValueError("unknown attribute %s in \"%s\"" % (kv, info))
        attrs[k] = v
    return attrs


def report(desc, ok, detail=""):
    results.append((desc, ok, detail))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One heliosdb --dev on a free port with an empty data directory."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="helios-docs-")
        self.port = free_port()
        self.log = open(os.path.join(self.tmp, "server.log"), "wb")
        self.proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--dev", "--data",
                                      os.path.join(self.tmp, "data"), "--port", str(self.port)],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 20
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("heliosdb exited with %d" % self.proc.returncode)
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    time.sleep(0.05)
            raise RuntimeError("heliosdb did not listen within 20 s")
        except BaseException:
            self.stop()
            raise

    def env(self):
        env = dict(os.environ)
        env.update(PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="postgres",
                   PGDATABASE="postgres", PGCONNECT_TIMEOUT="10")
        env.pop("PGPASSWORD", None)
        env.pop("PGSERVICE", None)
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Region:
    """What psql() and examples need of one region: its SQL port and libpq environment."""

    def __init__(self, node):
        self.node, self.port = node, node.sql_port

    def env(self):
        return Server.env(self)


def _repl_modules():
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import test_repl_basic as rb
    import test_repl_partition as rp
    rb.BINDIR = BINDIR
    return rb, rp


class Cluster:
    """us-east-1 and eu-west-1 replicating through the WAN emulator (1 ms each way)."""

    def __init__(self):
        self.rb, self.rp = _repl_modules()
        self.tmp = tempfile.mkdtemp(prefix="helios-docs-cluster-")
        self.nodes, self.wan, self.cut = [], None, False
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        rb, rp = self.rb, self.rp
        rb.make_certs(self.tmp, REGIONS)
        self.nodes = [rb.Node(self.tmp, n, i) for n, i in REGIONS]
        base = rp.udp_range(len(self.nodes) ** 2)
        self.ctl = rb.free_port(socket.SOCK_DGRAM)
        wcfg = {"control": "127.0.0.1:%d" % self.ctl, "seed": 1,
                "defaults": {"delay_ms": 1, "jitter_ms": 0, "loss": 0, "dup": 0, "reorder": 0},
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
                j = [p.name for p in self.nodes].index(pc["name"])
                pc["address"] = "127.0.0.1:%d" % (base + i * len(self.nodes) + j)
            with open(n.cfg, "w") as f:
                json.dump(cfg, f)
        self.wlog = open(os.path.join(self.tmp, "wanem.log"), "w")
        self.wan = subprocess.Popen([wanem_path(), os.path.join(self.tmp, "wanem.json")],
                                    stdout=subprocess.PIPE, stderr=self.wlog, text=True)
        for line in self.wan.stdout:
            if line.strip() == "ready":
                break
        else:
            raise RuntimeError("WAN emulator did not start")
        for n in self.nodes:
            if not n.start():
                raise RuntimeError("%s did not start" % n.name)
        if not rb.wait_for(lambda: all(r[0][0] == 1 for r in (
                rb.query(n, "SELECT count(*) FROM helios.peers WHERE state = 'up'")
                for n in self.nodes)), 30):
            raise RuntimeError("the regions did not connect within 30 s")

    def region(self, name):
        return Region(next(n for n in self.nodes if n.name == name))

    def link(self, cmd):
        ans = self.rp.wanem_cmd(self.ctl, "%s %s %s" % (cmd, REGIONS[0][0], REGIONS[1][0]))
        if not ans.startswith("ok"):
            raise RuntimeError("wanem %s: %s" % (cmd, ans))
        self.cut = cmd == "cut"

    def converge(self, timeout=60):
        if self.cut:
            self.link("heal")
        rb = self.rb
        return rb.wait_for(lambda: len(set(rb.digests(self.nodes))) == 1, timeout)

    def example_env(self):
        env = self.region(REGIONS[0][0]).env()
        me = [sys.executable, os.path.abspath(__file__), "link"]
        env["HELIOS_REGIONS"] = ",".join("%s=127.0.0.1:%d" % (n.name, n.sql_port)
                                         for n in self.nodes)
        env["HELIOS_CUT_CMD"] = " ".join(me + ["cut", str(self.ctl)])
        env["HELIOS_HEAL_CMD"] = " ".join(me + ["heal", str(self.ctl)])
        return env

    def stop(self):
        for n in self.nodes:
            n.stop()
        if self.wan:
            try:
                self.rp.wanem_cmd(self.ctl, "quit")
            except OSError:
                pass
            try:
                self.wan.wait(5)
            except subprocess.TimeoutExpired:
                self.wan.kill()
                self.wan.wait()
            self.wlog.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def psql(server, sql):
    p = subprocess.run(["psql", "-X", "-q", "-v", "VERBOSITY=verbose", "-v", "ON_ERROR_STOP=0",
                        "-P", "pager=off"], input=sql.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=server.env(), timeout=60)
    return STDIN_PREFIX.sub("", p.stdout.decode("utf-8", "replace"))


def fenced_blocks(path):
    """[(info, first_line_number, text)] of every fenced block, in order."""
    blocks, cur = [], None
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = FENCE.match(line)
            if cur is None:
                if m:
                    cur = (m.group(2), m.group(3), no, [])
            elif m and m.group(2).startswith(cur[0]) and m.group(3) == "":
                blocks.append((cur[1], cur[2], "".join(cur[3])))
                cur = None
            else:
                cur[3].append(line)
    return blocks


def markdown_files():
    files = [os.path.join(ROOT, "README.md")]
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))
    return [f for f in files if os.path.exists(f)]


def rel(path):
    return os.path.relpath(path, ROOT)


def diff(expected, got):
    import difflib
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        "expected", "got"))


def run_sql_blocks(md):
    blocks = fenced_blocks(md)
    runnable = []
    for i, b in enumerate(blocks):
        try:
            attrs = run_attrs(b[0])
        except ValueError as e:
            report("%s:%d sql block" % (rel(md), b[1]), False, str(e))
            continue
        if attrs is not None:
            runnable.append((i, attrs))
    if not runnable:
        return
    two = any("region" in a for _, a in runnable)
    try:
        server = Cluster() if two else Server()
    except RuntimeError as e:
        report("%s: %s start" % (rel(md), "cluster" if two else "server"), False, str(e))
        return
    try:
        for i, attrs in runnable:
            info, line, sql = blocks[i]
            expected = ""
            if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                expected = blocks[i + 1][2]
            target = server
            if two:
                if attrs.get("link") == "cut":
                    server.link("cut")
                if attrs.get("after") == "converged" and not server.converge():
                    report("%s:%d sql block" % (rel(md), line), False,
                           "the regions did not converge within 60 s")
                    continue
                target = server.region(attrs.get("region", REGIONS[0][0]))
            # trailing blank lines are not significant (psql ends a result with one)
            got = psql(target, sql).rstrip("\n")
            expected = expected.rstrip("\n")
            # a NOTIFY's sender pid differs from run to run
            got, expected = (re.sub(r"(server process with PID )\d+", r"\g<1>N", x)
                             for x in (got, expected))
            ok = got == expected
            report("%s:%d sql block" % (rel(md), line), ok, "" if ok else diff(expected, got))
    finally:
        server.stop()


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    h = re.sub(r"`|\*\*|__", "", heading.strip()).lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(md):
    seen, out = {}, set()
    in_fence = False
    with open(md, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            m = None if in_fence else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                s = slug(m.group(1))
                n = seen.get(s, 0)
                seen[s] = n + 1
                out.add(s if n == 0 else "%s-%d" % (s, n))
    return out


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def check_links(md):
    bad = []
    in_fence = False
    with open(md, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # http:, https:, mailto: are not checked offline
                path, _, frag = target.partition("#")
                dest = md if path == "" else os.path.normpath(os.path.join(os.path.dirname(md), path))
                if not os.path.exists(dest):
                    bad.append("%d: %s (no such file)" % (no, target))
                elif frag and dest.endswith(".md") and frag not in anchors(dest):
                    bad.append("%d: %s (no such heading)" % (no, target))
    report("%s: relative links" % rel(md), not bad, "\n".join(bad))


JDBC_JAR = "/usr/share/java/postgresql.jar"
MARKER = re.compile(r"doc-test:\s*(psql|python3|node|cc|java)\b(\s+cluster\b)?")


def run_example(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        m = MARKER.search(f.readline() + f.readline())  # line 2 when line 1 is a #! line
    if not m:
        return
    runner, two = m.group(1), bool(m.group(2))
    exp_path = os.path.splitext(path)[0] + ".expected"
    name = "%s (%s)" % (rel(path), runner)
    if not os.path.exists(exp_path):
        report(name, False, "missing " + rel(exp_path))
        return
    with open(exp_path, encoding="utf-8") as f:
        expected = f.read()
    if runner == "node" and not os.path.isdir(os.path.join(ROOT, "build/node/node_modules/pg")):
        results.append((name + " # SKIP npm pg not installed (tests/integration/test_wire_node.sh "
                        "installs it into build/node)", True, ""))
        return
    if runner == "java" and not (shutil.which("java") and os.path.exists(JDBC_JAR)):
        results.append((name + " # SKIP java or %s missing (default-jdk-headless, "
                        "libpostgresql-jdbc-java)" % JDBC_JAR, True, ""))
        return
    try:
        server = Cluster() if two else Server()
    except RuntimeError as e:
        report(name, False, str(e))
        return
    tmp = tempfile.mkdtemp(prefix="helios-docex-")
    try:
        env = server.example_env() if two else server.env()
        if runner == "psql":
            cmd = ["psql", "-X", "-q", "-v", "VERBOSITY=verbose", "-v", "ON_ERROR_STOP=1",
                   "-P", "pager=off", "-f", path]
        elif runner == "python3":
            cmd = ["/usr/bin/python3", path]
        elif runner == "java":
            cmd = ["java", "-cp", JDBC_JAR, path]
        elif runner == "node":
            env["NODE_PATH"] = os.path.join(ROOT, "build/node/node_modules")
            cmd = ["node", path]
        else:
            exe = os.path.join(tmp, "example")
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libpq"],
                                   stdout=subprocess.PIPE, check=True).stdout.decode().split()
            cc = subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", exe, path]
                                + flags, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if cc.returncode != 0:
                report(name, False, "compile failed:\n" + cc.stdout.decode("utf-8", "replace"))
                return
            cmd = [exe]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           cwd=os.path.dirname(path), timeout=120)
        got = p.stdout.decode("utf-8", "replace")
        if runner == "psql":
            got = re.sub(r"^psql:[^:\n]*:\d+: ", "", got, flags=re.M)
        ok = p.returncode == 0 and got == expected
        detail = "" if ok else "exit %d\n%s" % (p.returncode, diff(expected, got))
        report(name, ok, detail)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        server.stop()


def link_main(cmd, ctl):
    """`test_docs.py link cut|heal PORT`: HELIOS_CUT_CMD / HELIOS_HEAL_CMD of cluster examples."""
    _, rp = _repl_modules()
    ans = rp.wanem_cmd(int(ctl), "%s %s %s" % (cmd, REGIONS[0][0], REGIONS[1][0]))
    if not ans.startswith("ok"):
        print(ans, file=sys.stderr)
        return 1
    return 0


def main():
    # a suite timeout sends SIGTERM: unwind so every Server.stop() runs (no stray daemons, temp dirs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    os.chdir(ROOT)
    mds = markdown_files()
    for md in mds:
        check_links(md)
    for md in mds:
        run_sql_blocks(md)
    stems = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "examples", "**", "*"), recursive=True)):
        if os.path.isfile(path) and not path.endswith(".expected") and not path.endswith(".md"):
            stems.setdefault(os.path.splitext(path)[0], []).append(rel(path))
            run_example(path)
    shared = ["%s share %s.expected" % (" and ".join(v), os.path.basename(k))
              for k, v in sorted(stems.items()) if len(v) > 1]
    report("docs/examples: one .expected per example", not shared, "\n".join(shared))
    print("1..%d" % len(results))
    failed = 0
    for n, (desc, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
        if not ok:
            failed += 1
            for line in detail.splitlines():
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "link" and sys.argv[2] in ("cut", "heal"):
        sys.exit(link_main(sys.argv[2], sys.argv[3]))
    sys.exit(main())
