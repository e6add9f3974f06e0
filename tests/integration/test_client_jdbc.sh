#!/usr/bin/env bash
# pgjdbc (Debian libpostgresql-jdbc-java + default-jdk-headless) against heliosdb --dev:
# compiles tests/integration/wire/JdbcApp.java (DatabaseMetaData, generated keys, batches,
# savepoints, getObject of jsonb / arrays / enums / uuids) into a temp dir and runs it (TAP).
set -u
cd "$(dirname "$0")/../.."
BINDIR=${BINDIR:-bin}
JAR=$(ls /usr/share/java/postgresql-4*.jar 2>/dev/null | head -1)
if ! command -v javac >/dev/null || [ -z "$JAR" ]; then
    echo "1..0 # SKIP javac or pgjdbc missing (apt-get install default-jdk-headless libpostgresql-jdbc-java)"
    exit 0
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
javac -d "$tmp" tests/integration/wire/JdbcApp.java || { echo "1..1"; echo "not ok 1 - javac"; exit 1; }
java -cp "$tmp:$JAR" JdbcApp "$port"
rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$tmp/server.log" | tail -20
exit $rc
