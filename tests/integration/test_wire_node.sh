#!/usr/bin/env bash
# node-postgres (npm pg@8, installed into build/node at first run) against heliosdb --dev.
set -u
cd "$(dirname "$0")/../.."
BINDIR=${BINDIR:-bin}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "1..0 # SKIP node/npm missing"
    exit 0
fi
if [ ! -d build/node/node_modules/pg ]; then
    mkdir -p build/node
    npm install --silent --no-audit --no-fund --prefix build/node pg@8 >/dev/null 2>&1 || {
        echo "1..0 # SKIP npm install pg@8 failed (offline?)"; exit 0; }
fi
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BINDIR/heliosdb" --dev --data "$tmp/data" --port "$port" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 200); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    sleep 0.05
done
NODE_PATH=build/node/node_modules node tests/integration/wire/wire_node.js "$port"
rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$tmp/server.log" | tail -20
exit $rc
