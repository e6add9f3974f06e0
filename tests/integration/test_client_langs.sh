#!/usr/bin/env bash
# Perl DBD::Pg, Ruby pg, PHP PDO and Go pgx / lib/pq (Debian's libdbd-pg-perl, ruby-pg,
# php-pgsql, golang-go with golang-github-jackc-pgx-v4-dev and golang-github-lib-pq-dev) against
# heliosdb --dev: each of tests/integration/clients/client.{pl,rb,php,go} runs its workflow and
# prints what it read; the output must equal client.*.expected, which is what the same script
# prints against PostgreSQL 15. One TAP line per language (SKIP when the client is missing).
set -u
cd "$(dirname "$0")/../.."
BINDIR=${BINDIR:-bin}
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
echo "1..4"
n=0 fail=0
run() { # name, probe command, run command, expected file
    n=$((n + 1))
    if ! eval "$2" >/dev/null 2>&1; then
        echo "ok $n - $1 # SKIP not installed"
        return
    fi
    if eval "$3" 2>"$tmp/err" >"$tmp/out" && diff -u "$4" "$tmp/out" >"$tmp/diff"; then
        echo "ok $n - $1: its workflow reads what PostgreSQL 15 gives"
    else
        echo "not ok $n - $1: its workflow reads what PostgreSQL 15 gives"
        sed 's/^/# /' "$tmp/diff" "$tmp/err" | head -30
        fail=1
    fi
}
c=tests/integration/clients
run "Perl DBD::Pg" "perl -MDBD::Pg -e 1" "perl $c/client.pl $port" "$c/client.pl.expected"
run "Ruby pg" "ruby -rpg -e 1" "ruby $c/client.rb $port" "$c/client.rb.expected"
run "PHP PDO pgsql" "php -r 'exit(in_array(\"pgsql\", PDO::getAvailableDrivers()) ? 0 : 1);'" \
    "php $c/client.php $port" "$c/client.php.expected"
gobuild="GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$tmp/gocache go build -o $tmp/client_go $c/client.go"
run "Go pgx and lib/pq" "command -v go && test -d /usr/share/gocode/src/github.com/jackc/pgx/v4 && test -d /usr/share/gocode/src/github.com/lib/pq" \
    "$gobuild && $tmp/client_go $port" "$c/client.go.expected"
[ $fail -ne 0 ] && sed 's/^/# /' "$tmp/server.log" | tail -20
exit $fail
