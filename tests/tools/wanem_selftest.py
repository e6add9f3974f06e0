#!/usr/bin/python3
"""Self-test of the standalone WAN emulator binary (tests/tools/wanem.c), printing TAP.

Builds wanem into a temp dir if WANEM is not set, starts it with a five-region config derived
from wanem.example.json on free ports, then checks: one-way delay follows rtt_ms.json (half the
typical RTT), replies travel back through the same relay port, `cut`/`heal` over the control
socket, `set` is accepted, `stats` counts, and `quit` exits cleanly.
Usage: tests/tools/wanem_selftest.py   (env WANEM=path/to/wanem to skip the build)
"""
import json, os, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []

def check(ok, desc):
    results.append((bool(ok), desc))
    print(("ok %d - %s" if ok else "not ok %d - %s") % (len(results), desc), flush=True)

def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def main():
    tmp = tempfile.mkdtemp(prefix="wanem-selftest-")
    binary = os.environ.get("WANEM")
    if not binary:
        binary = os.path.join(tmp, "wanem")
        subprocess.check_call(["cc", "-O2", "-I", ROOT, os.path.join(ROOT, "tests/tools/wanem.c"),
                               "-luv", "-ljansson", "-o", binary])
    cfg = json.load(open(os.path.join(ROOT, "tests/tools/wanem.example.json")))
    nodes = {}
    for n in cfg["nodes"]:
        port = free_udp_port()
        n["address"] = "127.0.0.1:%d" % port
        nodes[n["name"]] = port
    names = [n["name"] for n in cfg["nodes"]]
    ctl_port = free_udp_port()
    cfg["control"] = "127.0.0.1:%d" % ctl_port
    cfg["defaults"]["jitter_ms"] = 0
    del cfg["listen_base"]
    cfg["links"] = [{"from": "us-east-1", "to": "eu-west-1", "listen": "127.0.0.1:0"}]
    cfg["rtt_file"] = os.path.join(ROOT, "tests/tools/rtt_ms.json")
    path = os.path.join(tmp, "wanem.json")
    json.dump(cfg, open(path, "w"))

    print("1..7", flush=True)
    proc = subprocess.Popen([binary, path], stdout=subprocess.PIPE, text=True)
    try:
        links = {}
        deadline = time.time() + 10
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line or line.strip() == "ready":
                break
            f = line.split()  # link A B listen HOST:PORT -> HOST:PORT delay D
            links[(f[1], f[2])] = int(f[4].rsplit(":", 1)[1])
        check(("us-east-1", "eu-west-1") in links, "emulator starts and lists its link")
        relay = links[("us-east-1", "eu-west-1")]
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", nodes["us-east-1"]))
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", nodes["eu-west-1"]))
        a.settimeout(3); b.settimeout(3)
        t0 = time.monotonic(); a.sendto(b"ping", ("127.0.0.1", relay)); data, src = b.recvfrom(100)
        one_way = (time.monotonic() - t0) * 1000
        check(data == b"ping" and one_way >= 34, "a->b delayed by half the typical RTT (%.1f ms, want >= 35-1)" % one_way)
        b.sendto(b"pong", src); data, src2 = a.recvfrom(100)
        check(data == b"pong" and src2[1] == relay, "reply travels back through the same relay port")
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(3)
        def cmd(s):
            c.sendto(s.encode(), ("127.0.0.1", ctl_port))
            return c.recvfrom(65000)[0].decode()
        ok = cmd("cut us-east-1 eu-west-1").startswith("ok")
        a.sendto(b"lost", ("127.0.0.1", relay)); b.settimeout(0.5)
        try:
            b.recvfrom(100); got = True
        except socket.timeout:
            got = False
        check(ok and not got, "cut drops traffic")
        ok = cmd("heal us-east-1 eu-west-1").startswith("ok") and cmd("set us-east-1 eu-west-1 delay_ms=0").startswith("ok")
        b.settimeout(3)
        a.sendto(b"fast", ("127.0.0.1", relay)); data, _ = b.recvfrom(100)
        check(ok and data == b"fast", "heal restores traffic; set is accepted")
        st = cmd("stats")
        check("us-east-1 eu-west-1 pkts=3" in st and "cut_drops=1" in st and cmd("nonsense").startswith("error"),
              "stats count packets and cut drops; bad commands are refused")
        c.sendto(b"quit", ("127.0.0.1", ctl_port))
        check(proc.wait(5) == 0, "quit exits cleanly")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return 0 if all(ok for ok, _ in results) and len(results) == 7 else 1

if __name__ == "__main__":
    sys.exit(main())
