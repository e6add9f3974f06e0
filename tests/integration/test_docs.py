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
   a fresh server (runner: psql, python3, node, cc; line 2 if line 1 is a #! line) with PGHOST/PGPORT/PGUSER/PGDATABASE set;
   its stdout+stderr must equal the sibling file <name>.expected.

TAP on stdout; exit status 1 if anything failed. Env BINDIR: folder of heliosdb (default bin).
"""
import glob, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINDIR = os.environ.get("BINDIR", "bin")
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)

FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*(.*?)\s*$")
STDIN_PREFIX = re.compile(r"^psql:<stdin>:\d+: ", re.M)

results = []


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
    runnable = [i for i, b in enumerate(blocks) if b[0] == "sql run"]
    if not runnable:
        return
    try:
        server = Server()
    except RuntimeError as e:
        report("%s: server start" % rel(md), False, str(e))
        return
    try:
        for i in runnable:
            info, line, sql = blocks[i]
            expected = ""
            if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                expected = blocks[i + 1][2]
            # trailing blank lines are not significant (psql ends a result with one)
            got = psql(server, sql).rstrip("\n")
            expected = expected.rstrip("\n")
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


MARKER = re.compile(r"doc-test:\s*(psql|python3|node|cc)\b")


def run_example(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        m = MARKER.search(f.readline() + f.readline())  # line 2 when line 1 is a #! line
    if not m:
        return
    runner = m.group(1)
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
    try:
        server = Server()
    except RuntimeError as e:
        report(name, False, str(e))
        return
    tmp = tempfile.mkdtemp(prefix="helios-docex-")
    try:
        env = server.env()
        if runner == "psql":
            cmd = ["psql", "-X", "-q", "-v", "VERBOSITY=verbose", "-v", "ON_ERROR_STOP=1",
                   "-P", "pager=off", "-f", path]
        elif runner == "python3":
            cmd = ["/usr/bin/python3", path]
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


def main():
    # a suite timeout sends SIGTERM: unwind so every Server.stop() runs (no stray daemons, temp dirs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    os.chdir(ROOT)
    mds = markdown_files()
    for md in mds:
        check_links(md)
    for md in mds:
        run_sql_blocks(md)
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "examples", "**", "*"), recursive=True)):
        if os.path.isfile(path) and not path.endswith(".expected") and not path.endswith(".md"):
            run_example(path)
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
    sys.exit(main())
