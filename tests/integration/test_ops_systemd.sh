#!/bin/sh
# tests/integration/test_ops_systemd.sh — deploy/systemd/heliosdb@.service passes
# `systemd-analyze verify` once its ExecStart/ExecStartPre name the built daemon (a temp copy,
# instantiated as heliosdb@test.service). A copy naming a missing binary must fail the same
# check, so a pass means something. Skipped when systemd-analyze is absent.
BINDIR=${BINDIR:-bin}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UNIT=$ROOT/deploy/systemd/heliosdb@.service
echo "1..3"
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "ok 1 # SKIP systemd-analyze not installed"
    echo "ok 2 # SKIP systemd-analyze not installed"
    echo "ok 3 # SKIP systemd-analyze not installed"
    exit 0
fi
case $BINDIR in /*) ;; *) BINDIR=$ROOT/$BINDIR ;; esac
DAEMON=$BINDIR/heliosdb
TMP=$(mktemp -d "${TMPDIR:-/tmp}/helios-systemd-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fail=0

sed -e "s|/usr/local/bin/heliosdb|$DAEMON|g" "$UNIT" >"$TMP/heliosdb@test.service"
if grep -q "^ExecStart=$DAEMON --config" "$TMP/heliosdb@test.service" &&
   ! grep -q "/usr/local/bin/heliosdb" "$TMP/heliosdb@test.service"; then
    echo "ok 1 - ExecStart and ExecStartPre rewritten to $DAEMON"
else
    echo "not ok 1 - ExecStart and ExecStartPre rewritten to $DAEMON"; fail=1
fi

if out=$(cd "$TMP" && systemd-analyze verify "$TMP/heliosdb@test.service" 2>&1) &&
   [ -z "$out" ]; then
    echo "ok 2 - systemd-analyze verify heliosdb@test.service: no problems"
else
    echo "not ok 2 - systemd-analyze verify heliosdb@test.service"
    printf '%s\n' "$out" | sed 's/^/# /'; fail=1
fi

mkdir "$TMP/neg"
sed -e "s|/usr/local/bin/heliosdb|$TMP/no-such-heliosdb|g" "$UNIT" >"$TMP/neg/heliosdb@test.service"
if (cd "$TMP/neg" && systemd-analyze verify "$TMP/neg/heliosdb@test.service" >/dev/null 2>&1); then
    echo "not ok 3 - a unit naming a missing binary fails verify (control)"; fail=1
else
    echo "ok 3 - a unit naming a missing binary fails verify (control)"
fi
exit $fail
