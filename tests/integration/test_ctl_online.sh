#!/bin/sh
# tests/integration/test_ctl_online.sh — the online commands against a live `heliosdb --dev`
# (text and --json, exit codes 0/1/2/3), then offline backup and restore of a node's store.
. "$(dirname "$0")/test_ctl_lib.sh"
echo "1..17"
CTL=$BINDIR/heliosctl
PORT=$(port_block 1) || { echo "Bail out! no free port"; exit 1; }
"$BINDIR/heliosdb" --dev --data "$TMP/dev" --port "$PORT" >>"$TMP/dev.log" 2>&1 &
PID=$!; PIDS=$PID
wait_ready "$PORT" "$PID" || { echo "Bail out! dev node did not start"; exit 1; }
export PGUSER=postgres
A="-h 127.0.0.1 -p $PORT"

out=$("$CTL" status $A); rc=$?
[ $rc = 0 ] && echo "$out" | head -1 | grep -q '^node *| name *| id' && echo "$out" | grep -q '| dev '
ok $? "status prints a table with the node's name"
out=$("$CTL" status $A --json)
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1 and r[0]["name"] == "dev" and r[0]["id"] == 1, r
assert isinstance(r[0]["uptime_s"], int)'
ok $? "status --json: name dev, id 1 as a number"

psql -X -q -h 127.0.0.1 -p "$PORT" -c "CREATE TABLE t (id int PRIMARY KEY, n g_counter)" \
     -c "INSERT INTO t VALUES (1, 5), (2, 7)" >/dev/null 2>&1
out=$("$CTL" tables $A --json)
printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
t = [x for x in r if x["name"] == "t"]
assert len(t) == 1 and t[0]["rows"] == 2 and t[0]["columns"] == 2, r'
ok $? "tables --json lists table t with 2 rows and 2 columns"
"$CTL" tables $A | grep -q '^127.0.0.1:[0-9]* *| t '; ok $? "tables prints the table as text"

d1=$("$CTL" digest $A --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["nodes"][0]["digest"])')
echo "$d1" | grep -qE '^[0-9a-f]{64}$'; ok $? "digest --json gives a 64-hex digest"
psql -X -q -h 127.0.0.1 -p "$PORT" -c "UPDATE t SET n = n + 1 WHERE id = 1" >/dev/null 2>&1
d2=$("$CTL" digest $A | awk '{print $2}')
[ -n "$d2" ] && [ "$d1" != "$d2" ]; ok $? "the digest changes after a write"

check "wait-converged over the same node twice exits 0" \
    "$CTL" wait-converged --nodes "127.0.0.1:$PORT,127.0.0.1:$PORT" --timeout 10
check "peers runs (no replication: empty)" "$CTL" peers $A --json
check "lag runs" "$CTL" lag $A

DEAD=$(port_block 1)
"$CTL" status -h 127.0.0.1 -p "$DEAD" >/dev/null 2>&1; [ $? = 3 ]
ok $? "an unreachable node gives exit 3"
"$CTL" wait-converged --nodes "127.0.0.1:$PORT,127.0.0.1:$DEAD" --timeout 1 >/dev/null 2>&1
[ $? = 1 ]; ok $? "wait-converged with a node down times out with exit 1"
"$CTL" status --bogus >/dev/null 2>&1; [ $? = 2 ]; ok $? "a bad option gives exit 2"
stop_all

# Offline backup/restore on a one-region cluster.
C=$TMP/c
SQL=$(port_block 1); REPL=$(port_block 1); MET=$(port_block 1)
"$CTL" init-cluster --out "$C" --regions solo --sql-port-base "$SQL" --repl-port-base "$REPL" \
    --metrics-port-base "$MET" --admin-password pw >/dev/null || { echo "Bail out! init"; exit 1; }
start_node solo "$C/solo/heliosdb.json"
wait_ready "$SQL" "$LASTPID" || { echo "Bail out! solo did not start"; exit 1; }
export PGPASSWORD=pw
PSQL="psql -X -q -At -h 127.0.0.1 -p $SQL -U admin -d admin"
export PGSSLMODE=require
$PSQL -c "CREATE TABLE kv (k text PRIMARY KEY, v text)" -c "INSERT INTO kv VALUES ('a', 'kept')"
ok $? "a row is written over TLS as admin"
"$CTL" backup --config "$C/solo/heliosdb.json" -U admin --out "$TMP/bk-online" >"$TMP/bk.out" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "online backup" "$TMP/bk.out"; ok $? "backup while the daemon runs is taken online through the daemon"
stop_all
check "backup with the daemon stopped" "$CTL" backup --config "$C/solo/heliosdb.json" --out "$TMP/bk"
mv "$C/solo/data" "$C/solo/data.old"
check "restore into an empty data directory" "$CTL" restore --config "$C/solo/heliosdb.json" --from "$TMP/bk"
start_node solo "$C/solo/heliosdb.json"
wait_ready "$SQL" "$LASTPID"
got=$($PSQL -c "SELECT v FROM kv WHERE k = 'a'" 2>&1)
[ "$got" = kept ]; ok $? "the restored node serves the backed-up row"
[ "$got" = kept ] || echo "# got: $got"
stop_all
exit $FAIL
