#!/bin/sh
# deploy/cluster.sh start|stop|status — a five-region cluster on this machine (make cluster).
#
# start: `heliosctl init-cluster --out $CLUSTER_DIR` (default build/cluster) when it does not
# exist yet (regions us-east-1 eu-west-1 ap-southeast-1 us-west-2 sa-east-1 on 127.0.0.1,
# SQL ports 6001..6005, QUIC 7001..7005, metrics 9187..9191), then starts one heliosdb per
# region in the background: log in $CLUSTER_DIR/<region>/heliosdb.log, pid in
# $CLUSTER_DIR/<region>/heliosdb.pid. It waits until every node accepts connections.
# stop: SIGTERM to each recorded pid, waits for the exits (SIGKILL after 20 s).
# Connect: psql "host=127.0.0.1 port=6001 user=admin sslmode=require" with the password in
# $CLUSTER_DIR/admin.password, or heliosctl status --cluster $CLUSTER_DIR.
set -u
BINDIR=${BINDIR:-bin}
DIR=${CLUSTER_DIR:-build/cluster}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    if [ ! -f "$DIR/nodes" ]; then
        "$BINDIR/heliosctl" init-cluster --out "$DIR" --metrics-port-base 9187 || exit 1
    fi
    grep -v '^#' "$DIR/nodes" | while read -r name id addr; do
        pidf=$DIR/$name/heliosdb.pid
        if alive "$pidf"; then echo "$name: already running (pid $(cat "$pidf"))"; continue; fi
        "$BINDIR/heliosdb" --config "$DIR/$name/heliosdb.json" >>"$DIR/$name/heliosdb.log" 2>&1 &
        echo $! >"$pidf"
        echo "$name: started (pid $!, sql $addr, log $DIR/$name/heliosdb.log)"
    done
    fail=0
    grep -v '^#' "$DIR/nodes" | while read -r name id addr; do
        host=${addr%:*}; port=${addr##*:}; i=0
        until pg_isready -q -h "$host" -p "$port"; do
            if ! alive "$DIR/$name/heliosdb.pid" || [ $i -ge 200 ]; then
                echo "$name: did not start; last log lines:" >&2
                tail -5 "$DIR/$name/heliosdb.log" >&2
                exit 1
            fi
            i=$((i + 1)); sleep 0.1
        done
    done || fail=1
    [ $fail = 0 ] && echo "cluster up: heliosctl status --cluster $DIR"
    exit $fail
}

stop() {
    [ -f "$DIR/nodes" ] || { echo "no cluster in $DIR"; exit 0; }
    for pidf in "$DIR"/*/heliosdb.pid; do
        [ -f "$pidf" ] || continue
        if alive "$pidf"; then kill -TERM "$(cat "$pidf")"; fi
    done
    for pidf in "$DIR"/*/heliosdb.pid; do
        [ -f "$pidf" ] || continue
        i=0
        while alive "$pidf" && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.1; done
        if alive "$pidf"; then kill -KILL "$(cat "$pidf")"; fi
        rm -f "$pidf"
    done
    echo "cluster in $DIR stopped"
}

status() {
    for pidf in "$DIR"/*/heliosdb.pid; do
        [ -f "$pidf" ] || continue
        n=$(basename "$(dirname "$pidf")")
        if alive "$pidf"; then echo "$n: running (pid $(cat "$pidf"))"; else echo "$n: stopped"; fi
    done
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: deploy/cluster.sh start|stop|status" >&2; exit 2 ;;
esac
