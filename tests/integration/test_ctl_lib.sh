# tests/integration/test_ctl_lib.sh — helpers the test_ctl_* scripts source (not executable,
# so tests/run.sh does not run it as a test).
# Sets BINDIR (absolute), ROOT, TMP (removed at exit) and offers:
#   port_block N            first of N consecutive ports free for TCP and UDP on 127.0.0.1
#   start_node NAME CONFIG  heliosdb --config CONFIG in the background (pid in PIDS)
#   wait_ready PORT PID     poll pg_isready until up (deadline 20 s) or the process died
#   ok COND-RESULT DESC     TAP line; `check DESC cmd...` runs cmd and reports it
#   usage_error DESC cmd... cmd must be a usage error: exit 2, nothing on stdout, a message
#                           and the usage ("usage: heliosctl") on stderr
#   stop_all                SIGTERM every started daemon and wait for it
BINDIR=${BINDIR:-bin}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BINDIR in /*) ;; *) BINDIR=$ROOT/$BINDIR ;; esac
TMP=$(mktemp -d)
PIDS=
K=0
FAIL=0
stop_all() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    PIDS=
}
cleanup() { for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT

port_block() {
    /usr/bin/python3 - "$1" <<'PY'
import socket, sys, random
n = int(sys.argv[1])
def free(p):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            return False
        finally:
            s.close()
    return True
for _ in range(2000):
    base = random.randrange(20000, 60000 - n)
    if all(free(base + i) for i in range(n)):
        print(base)
        sys.exit(0)
sys.exit(1)
PY
}

start_node() {
    "$BINDIR/heliosdb" --config "$2" >>"$TMP/$1.log" 2>&1 &
    LASTPID=$!
    PIDS="$PIDS $LASTPID"
}

wait_ready() {
    i=0
    while [ $i -lt 200 ]; do
        pg_isready -q -h 127.0.0.1 -p "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        i=$((i + 1)); sleep 0.1
    done
    return 1
}

# ok STATUS DESC: STATUS 0 = pass.
ok() {
    K=$((K + 1))
    if [ "$1" = 0 ]; then echo "ok $K - $2"; else echo "not ok $K - $2"; FAIL=1; fi
}
check() {
    desc=$1; shift
    if "$@" >"$TMP/check.out" 2>&1; then ok 0 "$desc"
    else ok 1 "$desc"; sed 's/^/# /' "$TMP/check.out" | head -20; fi
}
usage_error() {
    desc=$1; shift
    "$@" >"$TMP/usage.out" 2>"$TMP/usage.err"; rc=$?
    if [ $rc = 2 ] && [ ! -s "$TMP/usage.out" ] && grep -q '^heliosctl: ' "$TMP/usage.err" &&
        grep -q '^usage: heliosctl ' "$TMP/usage.err"; then ok 0 "$desc"
    else
        ok 1 "$desc"; echo "# exit $rc"
        cat "$TMP/usage.out" "$TMP/usage.err" | sed 's/^/# /' | head -10
    fi
}
