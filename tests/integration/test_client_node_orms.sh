#!/usr/bin/env bash
# Node.js ORMs and query builders (Sequelize 6, knex 3, TypeORM 0.3, postgres.js 3; npm packages
# installed into build/node-orms at first run) against heliosdb --dev: tests/integration/wire/orm_node.js.
set -u
cd "$(dirname "$0")/../.."
BINDIR=${BINDIR:-bin}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "1..0 # SKIP node/npm missing"
    exit 0
fi
mods=build/node-orms/node_modules
if [ ! -d $mods/sequelize ] || [ ! -d $mods/knex ] || [ ! -d $mods/typeorm ] || [ ! -d $mods/postgres ]; then
    mkdir -p build/node-orms
    npm install --silent --no-audit --no-fund --prefix build/node-orms \
        sequelize@6 knex@3 typeorm@0.3 reflect-metadata@0.2 pg@8 postgres@3 >/dev/null 2>&1 || {
        echo "1..0 # SKIP npm install of the ORMs failed (offline?)"; exit 0; }
fi
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BINDIR/heliosdb" --dev --data "$tmp/data" --port "$port" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 200); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.05
done
NODE_PATH=$mods node tests/integration/wire/orm_node.js "$port"
rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$tmp/server.log" | tail -20
exit $rc
