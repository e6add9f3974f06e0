#!/usr/bin/python3
"""tests/integration/test_faults_short.py — the nemesis suite's short profile in `make test`.

Runs tests/faults/nemesis.py --rounds 2 --profile short (five regions through the WAN
emulator, seeded faults, full history checks; see tests/faults/README.md) and reports each round
as one TAP result. Then a checker self-test: one round with --sabotage (history entries the
cluster never saw, a transaction written half) must fail, and each kind of violation must be
reported, so a checker that silently passes everything cannot hide behind the green rounds.

Env: BINDIR, WANEM, FAULT_SEED (default: time-based, printed; a failing round prints the command
that reproduces it), FAULT_ROUNDS (default 2), KEEP_TMP (keep a failing round's cluster dir)."""
import os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
NEMESIS = os.path.join(HERE, "..", "faults", "nemesis.py")
results = []


def check(desc, cond):
    results.append((desc, bool(cond)))


def run(args):
    cmd = [sys.executable, NEMESIS] + args
    if os.environ.get("BINDIR"):
        cmd += ["--bindir", os.environ["BINDIR"]]
    if os.environ.get("WANEM"):
        cmd += ["--wanem", os.environ["WANEM"]]
    if not os.environ.get("KEEP_TMP"):
        cmd += ["--no-keep-failed"]  # daemon logs of a failing round: rerun with KEEP_TMP=1
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=900)
    for line in p.stdout.splitlines():
        print("# " + line)
    return p.returncode, p.stdout


def main():
    seed = int(os.environ.get("FAULT_SEED", int(time.time()) % 100000))
    rounds = int(os.environ.get("FAULT_ROUNDS", "2"))
    rc, out = run(["--rounds", str(rounds), "--seed", str(seed), "--profile", "short"])
    lines = [l for l in out.splitlines() if l.startswith("round ")]
    for k in range(rounds):
        line = lines[k] if k < len(lines) else ""
        m = re.match(r"round \d+ seed (\d+) faults \[(.*?)\] ops acked (\d+)", line)
        check("nemesis round %d (seed %s, faults %s, %s ops acked): converged, no acknowledged "
              "write lost, no half-applied transaction"
              % (k + 1, m.group(1) if m else "?", m.group(2) if m else "?",
                 m.group(3) if m else "?"),
              line.endswith("s)") and " PASS (" in line)
    check("closing line '%d passed, 0 failed' and exit status 0" % rounds,
          rc == 0 and ("%d passed, 0 failed" % rounds) in out)

    rc, out = run(["--rounds", "1", "--seed", str(seed), "--profile", "short", "--sabotage"])
    check("self-test: a sabotaged round fails with a non-zero exit", rc != 0
          and "0 passed, 1 failed" in out)
    for desc, pat in [("an acknowledged increment missing from the counter",
                       r"g_counter row 0 = -?\d+, allowed"),
                      ("an acknowledged set add missing", r"aw_set row 0 lost acknowledged adds"),
                      ("an acknowledged row missing", r"acknowledged rows lost"),
                      ("a half-applied transaction in the final state",
                       r"half-applied transactions: \[999999\]"),
                      ("a half-applied transaction seen by a reader during the round",
                       r"reader saw .*999999"),
                      ("the command that reproduces the failing seed",
                       r"reproduce: .*nemesis.py --rounds 1 --seed %d " % seed)]:
        check("self-test reports %s" % desc, re.search(pat, out))

    print("1..%d" % len(results))
    ok = True
    for i, (d, cnd) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if cnd else "not ", i, d))
        ok = ok and cnd
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
