#!/bin/sh
# tests/integration/test_ctl_online.sh — the online commands against a live `heliosdb --dev`
# (text and --json, exit codes 0/1/2/3), then offline backup and restore of a node's store.
. "$(dirname "$0")/test_ctl_lib.sh"
echo "1..41"
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

psql -X -q -h 127.0.0.1 -p "$PORT" -c "CREATE TABLE ix (id int PRIMARY KEY, v text)" \
     -c "CREATE INDEX ix_v ON ix (v)" -c "INSERT INTO ix VALUES (1, 'a'), (2, 'b')" >/dev/null 2>&1
out=$("$CTL" index-check $A); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^127.0.0.1:[0-9]* *ok: every index equals its table'
ok $? "index-check: exit 0, the node's indexes equal their tables"
psql -X -q -h 127.0.0.1 -p "$PORT" -c "CREATE ROLE plain LOGIN" >/dev/null 2>&1
out=$(PGUSER=plain "$CTL" index-check $A 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q 'permission denied'
ok $? "index-check as a role without the privilege: exit 1, permission denied"
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

# Options before the command, as psql and the other libpq tools take them (issue 14): a
# script running `heliosctl -h H -p P status` got the help text and exit 0.
out=$("$CTL" -h 127.0.0.1 -p "$PORT" status); rc=$?
[ $rc = 0 ] && echo "$out" | head -1 | grep -q '^node *| name *| id' && echo "$out" | grep -q '| dev '
ok $? "options before the command: -h 127.0.0.1 -p PORT status prints the status, exit 0"
out=$(PGHOST=127.0.0.1 "$CTL" --json -p "$PORT" peers); rc=$?
[ $rc = 0 ] && printf '%s' "$out" | /usr/bin/python3 -c 'import json, sys; assert json.load(sys.stdin) == []'
ok $? "--json -p PORT peers (host from PGHOST): JSON, exit 0"
"$CTL" --host=127.0.0.1 --port="$PORT" status --json | grep -q '"name": "dev"'
ok $? "--host=H --port=P before the command"
"$CTL" -h127.0.0.1 -p"$PORT" status | grep -q '| dev '
ok $? "-hHOST -pPORT (value attached, as getopt allows) before the command"
check "options on both sides: -p PORT wait-converged --timeout 5 -h 127.0.0.1" \
    "$CTL" -p "$PORT" wait-converged --timeout 5 -h 127.0.0.1
"$CTL" status -h 127.0.0.1 -p "$PORT" | grep -q '| dev '
ok $? "options after the command still work"
"$CTL" -h 127.0.0.1 -p "$DEAD" status >/dev/null 2>&1; [ $? = 3 ]
ok $? "options before the command: an unreachable node still gives exit 3"
out=$("$CTL" --help); rc=$?
[ $rc = 0 ] && echo "$out" | head -1 | grep -q '^usage: heliosctl' && echo "$out" | grep -q 'exit codes'
ok $? "--help prints the help on stdout, exit 0"
"$CTL" status --help | grep -q '^usage: heliosctl'; ok $? "status --help prints the help, exit 0"
usage_error "-p PORT and no command: usage error (exit 2)" "$CTL" -p "$PORT"
usage_error "no argument at all: usage error (exit 2)" "$CTL"
usage_error "-h without a value is the host missing, not help: exit 2" "$CTL" -h
usage_error "-h HOST with an unknown option before the command: exit 2" \
    "$CTL" -h 127.0.0.1 -p "$PORT" --bogus status
usage_error "an unknown option after the command: exit 2" "$CTL" status -p "$PORT" --bogus
usage_error "-p without a value after the command: exit 2" "$CTL" status -p
usage_error "an unknown command after options: exit 2" "$CTL" -p "$PORT" frob
usage_error "an option of another command (--out for status): exit 2" \
    "$CTL" --out x -p "$PORT" status
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
"$CTL" backup --config "$C/solo/heliosdb.json" -U admin --out "$C/solo/backups/bk-online" >"$TMP/bk.out" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "online backup" "$TMP/bk.out"; ok $? "backup while the daemon runs is taken online through the daemon"
stop_all
check "backup with the daemon stopped" "$CTL" backup --config "$C/solo/heliosdb.json" --out "$TMP/bk"
check "backup with its options before the command" \
    "$CTL" --config "$C/solo/heliosdb.json" --out "$TMP/bk2" backup
usage_error "backup without --out: exit 2" "$CTL" backup --config "$C/solo/heliosdb.json"
usage_error "backup --out without a value: exit 2" "$CTL" --config "$C/solo/heliosdb.json" backup --out
usage_error "restore without --config: exit 2" "$CTL" --from "$TMP/bk" restore
usage_error "restore with an unknown option: exit 2" "$CTL" restore --config "$C/solo/heliosdb.json" --from "$TMP/bk" --force
mv "$C/solo/data" "$C/solo/data.old"
check "restore into an empty data directory (options before the command)" \
    "$CTL" --config "$C/solo/heliosdb.json" restore --from "$TMP/bk"
start_node solo "$C/solo/heliosdb.json"
wait_ready "$SQL" "$LASTPID"
got=$($PSQL -c "SELECT v FROM kv WHERE k = 'a'" 2>&1)
[ "$got" = kept ]; ok $? "the restored node serves the backed-up row"
[ "$got" = kept ] || echo "# got: $got"
stop_all
exit $FAIL
