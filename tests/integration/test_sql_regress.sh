#!/bin/sh
# tests/integration/test_sql_regress.sh — runs every tests/sql/*.sql through psql against a live
# `heliosdb --dev` and diffs with tests/sql/*.out; then a crash test: write, kill -9, restart,
# the committed data is there.
set -u
BINDIR=${BINDIR:-bin}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $BINDIR in /*) ;; *) BINDIR=$ROOT/$BINDIR ;; esac
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)

start() {
    "$BINDIR/heliosdb" --dev --data "$TMP/data" --port "$PORT" >>"$TMP/server.log" 2>&1 &
    PID=$!
    i=0
    while [ $i -lt 100 ]; do
        pg_isready -q -h 127.0.0.1 -p "$PORT" && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        i=$((i + 1)); sleep 0.1
    done
    return 1
}
PSQL="psql -X -q -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=0"

cd "$ROOT" || exit 1
files=$(ls tests/sql/*.sql)
n=0; for f in $files; do n=$((n + 1)); done
echo "1..$((n + 2))"
fail=0; k=0
start || { echo "Bail out! server did not start"; cat "$TMP/server.log"; exit 1; }
for f in $files; do
    k=$((k + 1))
    name=$(basename "$f" .sql)
    $PSQL -a -f "$f" >"$TMP/$name.out" 2>&1
    if diff -u "${f%.sql}.out" "$TMP/$name.out" >"$TMP/$name.diff"; then
        echo "ok $k - $name"
    else
        echo "not ok $k - $name"; sed 's/^/# /' "$TMP/$name.diff"; fail=1
    fi
done

k=$((k + 1))
$PSQL -c "CREATE TABLE crash (id int PRIMARY KEY, v g_counter, s text)" \
      -c "INSERT INTO crash VALUES (1, 5, 'durable'), (2, 7, 'x')" \
      -c "UPDATE crash SET v = v + 1 WHERE id = 1" >/dev/null 2>&1
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
if start; then echo "ok $k - restart after kill -9"; else echo "not ok $k - restart after kill -9"; fail=1; fi
k=$((k + 1))
got=$($PSQL -A -t -c "SELECT id, v, s FROM crash ORDER BY id" 2>&1 | tr '\n' ' ')
if [ "$got" = "1|6|durable 2|7|x " ]; then echo "ok $k - committed rows survive kill -9"
else echo "not ok $k - committed rows survive kill -9"; echo "# got: $got"; fail=1; fi
kill "$PID"; wait "$PID" 2>/dev/null; PID=
exit $fail
