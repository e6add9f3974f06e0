#!/usr/bin/python3
"""tests/integration/test_metrics.py — GET /metrics on a --dev daemon (--metrics-port 0, the
bound port read from its log): the exposition is parsed strictly (every line is HELP, TYPE or a
sample; HELP/TYPE come before a family's samples; histogram buckets ascend, are cumulative and
end with +Inf equal to _count), counters move by exactly what the test's statements did, other
paths get 404, other methods 405, a malformed request 400, an oversized one 431; stalled or
lazy clients past the connection limit lose their slots to new scrapers (never 503 for a real
scraper) — and the endpoint and the SQL port keep serving afterwards."""
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import psycopg2

BINDIR = os.environ.get("BINDIR", "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not os.path.isabs(BINDIR):
    BINDIR = os.path.join(ROOT, BINDIR)

results = []


def check(desc, cond, info=""):
    results.append((bool(cond), desc, info))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE = re.compile(r"^(" + NAME + r")(?:\{(" + LABEL + r"(?:," + LABEL + r")*)?\})? (\S+)$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class ParseError(Exception):
    pass


def parse_value(s):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", s):
        raise ParseError("bad value %r" % s)
    return float(s)


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
            return name[: -len(suffix)]
    return name


def parse_exposition(text):
    """Returns ({family: type}, [(name, {labels}, value)]); raises ParseError on any deviation."""
    if not text.endswith("\n"):
        raise ParseError("does not end with a newline")
    types, helps, samples = {}, {}, []
    seen_families = []  # in order of first sample, to check contiguity
    for n, line in enumerate(text[:-1].split("\n"), 1):
        if line.startswith("# HELP "):
            parts = line.split(" ", 3)
            if len(parts) != 4 or not re.match("^" + NAME + "$", parts[2]):
                raise ParseError("line %d: bad HELP" % n)
            if parts[2] in helps:
                raise ParseError("line %d: second HELP for %s" % (n, parts[2]))
            if parts[2] in seen_families:
                raise ParseError("line %d: HELP after samples of %s" % (n, parts[2]))
            helps[parts[2]] = parts[3]
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in TYPES or not re.match("^" + NAME + "$", parts[2]):
                raise ParseError("line %d: bad TYPE %r" % (n, line))
            if parts[2] in types:
                raise ParseError("line %d: second TYPE for %s" % (n, parts[2]))
            if parts[2] in seen_families:
                raise ParseError("line %d: TYPE after samples of %s" % (n, parts[2]))
            types[parts[2]] = parts[3]
        elif line.startswith("#") or line == "":
            raise ParseError("line %d: unexpected %r" % (n, line))
        else:
            m = SAMPLE.match(line)
            if not m:
                raise ParseError("line %d: not a sample: %r" % (n, line))
            name = m.group(1)
            labels = dict(re.findall(LABEL, m.group(2) or ""))
            value = parse_value(m.group(m.lastindex))
            fam = family_of(name, types)
            if fam not in types or fam not in helps:
                raise ParseError("line %d: sample of %s before its HELP/TYPE" % (n, fam))
            if seen_families and seen_families[-1] != fam:
                if fam in seen_families:
                    raise ParseError("line %d: samples of %s are not contiguous" % (n, fam))
            if not seen_families or seen_families[-1] != fam:
                seen_families.append(fam)
            samples.append((name, labels, value))
    for fam, t in types.items():
        if t != "histogram":
            continue
        buckets = [(s[1], s[2]) for s in samples if s[0] == fam + "_bucket"]
        if not buckets:
            raise ParseError("histogram %s has no buckets" % fam)
        les = [parse_value(b[0]["le"]) for b in buckets]
        if les != sorted(les) or len(set(les)) != len(les):
            raise ParseError("histogram %s: le not ascending" % fam)
        if not math.isinf(les[-1]):
            raise ParseError("histogram %s: last bucket is not +Inf" % fam)
        counts = [b[1] for b in buckets]
        if any(b > a for a, b in zip(counts[1:], counts)):
            raise ParseError("histogram %s: buckets not cumulative" % fam)
        cnt = [s[2] for s in samples if s[0] == fam + "_count"]
        sm = [s[2] for s in samples if s[0] == fam + "_sum"]
        if len(cnt) != 1 or len(sm) != 1 or cnt[0] != counts[-1]:
            raise ParseError("histogram %s: _count missing or not equal to +Inf" % fam)
    return types, samples


def value(samples, name, **labels):
    for n, l, v in samples:
        if n == name and l == labels:
            return v
    return None


def http(port, method="GET", path="/metrics"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def raw(port, data):
    """Sends raw bytes, returns everything the server wrote before closing."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return out
            out += chunk
    except ConnectionResetError:
        return out
    finally:
        s.close()


def scrape(port):
    status, headers, body = http(port)
    if status != 200:
        raise ParseError("scrape answered %d" % status)
    return parse_exposition(body)[1]


def wait_for(pred, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = pred()
        if r:
            return r
        time.sleep(0.05)
    return None


def main():
    tmp = tempfile.mkdtemp()
    port = free_port()
    logpath = tmp + "/log"
    proc = subprocess.Popen([os.path.join(BINDIR, "heliosdb"), "--dev", "--data", tmp + "/data",
                             "--port", str(port), "--metrics-port", "0"],
                            stdout=subprocess.DEVNULL, stderr=open(logpath, "w"))
    try:
        def metrics_port():
            with open(logpath) as f:
                m = re.search(r"serving GET /metrics on 127\.0\.0\.1:(\d+)", f.read())
            return int(m.group(1)) if m else None

        mport = wait_for(metrics_port)
        if not mport:
            print("Bail out! no metrics endpoint in the log")
            return 1

        def connect():
            try:
                return psycopg2.connect(host="127.0.0.1", port=port, user="postgres",
                                        dbname="postgres")
            except psycopg2.OperationalError:
                return None

        # The readiness probe is itself a connection: count from a scrape taken after it.
        probe = wait_for(connect)
        if not probe:
            print("Bail out! server did not start")
            return 1
        probe.close()
        wait_for(lambda: value(scrape(mport), "heliosdb_connections") == 0)

        before = scrape(mport)
        check("first scrape parses strictly", True)
        check("heliosdb_connections is 0 with no client", value(before, "heliosdb_connections") == 0)

        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("CREATE TABLE m (id bigint PRIMARY KEY, v text)")
        cur.execute("INSERT INTO m VALUES (1, 'a')")
        cur.execute("INSERT INTO m VALUES (2, 'b')")
        cur.execute("UPDATE m SET v = 'c' WHERE id = 1")
        cur.execute("DELETE FROM m WHERE id = 2")
        for _ in range(3):
            cur.execute("SELECT v FROM m WHERE id = 1")
            cur.fetchall()
        try:
            cur.execute("SELECT * FROM no_such_table")
        except psycopg2.Error as e:
            check("the bad SELECT fails with 42P01", e.pgcode == "42P01", e.pgcode)

        during = scrape(mport)
        check("heliosdb_connections counts the open client",
              value(during, "heliosdb_connections") == 1, value(during, "heliosdb_connections"))

        def delta(name, **labels):
            return (value(during, name, **labels) or 0) - (value(before, name, **labels) or 0)

        check("connections_total +1", delta("heliosdb_connections_total") == 1,
              delta("heliosdb_connections_total"))
        for kind, n in (("select", 3), ("insert", 2), ("update", 1), ("delete", 1), ("ddl", 1)):
            d = delta("heliosdb_statements_total", kind=kind)
            check("statements_total{kind=%s} +%d" % (kind, n), d == n, d)
        d = delta("heliosdb_errors_total", sqlstate="42P01")
        check("errors_total{sqlstate=42P01} +1", d == 1, d)
        d = delta("heliosdb_commit_duration_seconds_count")
        check("commit histogram counted the 5 commits (DDL, 2 inserts, update, delete)", d == 5, d)
        check("commit histogram sum grew", delta("heliosdb_commit_duration_seconds_sum") > 0)
        d = delta("heliosdb_storage_commits_total")
        check("storage commits +5", d == 5, d)
        check("clock skew counter present",
              value(during, "heliosdb_clock_skew_events_total") is not None)
        check("conflicts counter present", value(during, "heliosdb_conflicts_total") is not None)

        status, headers, body = http(mport)
        check("Content-Type is text format 0.0.4",
              headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
              headers.get("Content-Type"))
        status, headers, body = http(mport, "HEAD")
        check("HEAD /metrics: 200 without a body", status == 200 and body == "", status)
        status, _, _ = http(mport, path="/other")
        check("GET /other: 404", status == 404, status)
        status, _, _ = http(mport, path="/metricsx")
        check("GET /metricsx: 404", status == 404, status)
        status, headers, _ = http(mport, "POST")
        check("POST /metrics: 405 with Allow", status == 405 and "GET" in headers.get("Allow", ""),
              status)
        status, _, _ = http(mport, "DELETE")
        check("DELETE /metrics: 405", status == 405, status)

        out = raw(mport, b"GET /metrics HTTP/1.1\r\nHost x\x01\r\n\r\n")
        check("malformed request: 400", out.startswith(b"HTTP/1.1 400 "), out[:40])
        out = raw(mport, b"\x00\x01\x02garbage\r\n\r\n")
        check("binary garbage: 400", out.startswith(b"HTTP/1.1 400 "), out[:40])
        out = raw(mport, b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n")
        check("oversized request: 431", out.startswith(b"HTTP/1.1 431 "), out[:40])
        try:
            after = scrape(mport)
            check("still serving after bad requests", value(after, "heliosdb_connections") == 1)
        except Exception as e:  # noqa: BLE001
            check("still serving after bad requests", False, e)

        # Stalled clients cannot starve scrapers (issue #21: 32 slow clients made every real
        # scrape answer 503 for as long as they kept reconnecting). 40 connections that send
        # half a request and stop, then real scrapes: each is served, and the stalled ones
        # lose their slots, oldest first, to make room.
        idle = []
        for _ in range(40):
            s_ = socket.create_connection(("127.0.0.1", mport), timeout=10)
            s_.sendall(b"GET /metr")
            idle.append(s_)
        codes = []
        for _ in range(5):
            try:
                codes.append(http(mport)[0])
            except Exception as e:  # noqa: BLE001
                codes.append(repr(e))
        check("40 stalled clients: real scrapes still answer 200", codes == [200] * 5, codes)

        def closed(s_):
            s_.setblocking(False)
            try:
                return s_.recv(1) == b""
            except BlockingIOError:
                return False
            except ConnectionResetError:
                return True
        # the 33rd..40th stalled connections each took the slot of one of the 8 oldest, at once
        # (before: all kept their slots until the 10 s request timeout)
        gone = wait_for(lambda: all(closed(s_) for s_ in idle[:8]), 5)
        check("the 8 oldest stalled connections were closed to make room, the newest kept",
              gone and not closed(idle[-1]), [closed(s_) for s_ in idle])
        # A client that got its response but never reads or closes holds no slot either.
        lazy = []
        for _ in range(40):
            s_ = socket.create_connection(("127.0.0.1", mport), timeout=10)
            s_.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
            lazy.append(s_)
        status = http(mport)[0]
        check("40 clients that never close after their response: a scrape answers 200", status == 200,
              status)
        for s_ in idle + lazy:
            s_.close()

        def scrape_ok():
            try:
                return scrape(mport)
            except Exception:  # noqa: BLE001
                return None

        check("serving again once idle connections closed", wait_for(scrape_ok) is not None)
        cur.execute("SELECT 1")
        check("SQL port unaffected", cur.fetchone() == (1,))
        conn.close()
    finally:
        proc.terminate()
        try:
            rc = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        check("daemon exits 0 on SIGTERM", rc == 0, rc)
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
