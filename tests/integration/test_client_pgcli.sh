#!/usr/bin/env bash
# pgcli (Debian's package) against heliosdb --dev, driven in a tmux pane as a person uses it:
# it starts (its completion refresher reads schemas, tables, columns, functions and types from
# pg_catalog), runs a query, describes a table with \d, lists tables with \dt, completes a
# table's name, and its log records no error. Each step waits for its output in the pane (no fixed sleeps). TAP.
set -u
cd "$(dirname "$0")/../.."
BINDIR=${BINDIR:-bin}
if ! command -v pgcli >/dev/null || ! command -v tmux >/dev/null; then
    echo "1..0 # SKIP pgcli or tmux missing (apt-get install pgcli tmux)"
    exit 0
fi
tmp=$(mktemp -d)
pid=
sock="$tmp/tmux.sock"
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BINDIR/heliosdb" --dev --data "$tmp/data" --port "$port" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 200); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.05
done
psql -X -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE TABLE pc_items (id int PRIMARY KEY, name text NOT NULL)" \
    -c "INSERT INTO pc_items VALUES (1, 'first-item'), (2, 'second-item')" \
    -c "CREATE TABLE zz_completion_probe (id int PRIMARY KEY)"
mkdir -p "$tmp/home"
tmux -S "$sock" new-session -d -s pc -x 160 -y 50 \
    "HOME=$tmp/home pgcli -h 127.0.0.1 -p $port -U postgres postgres"
# waits (up to 20 s) until the pane shows text $1
wait_pane() {
    for _ in $(seq 1 400); do
        tmux -S "$sock" capture-pane -t pc -p -S -200 2>/dev/null | grep -q -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
n=0 fail=0
check() { n=$((n + 1)); if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi; }
wait_pane "postgres@"; check "pgcli starts and shows its prompt" $?
tmux -S "$sock" send-keys -t pc "SELECT name FROM pc_items ORDER BY id" Enter
wait_pane "second-item"; check "a query's rows" $?
tmux -S "$sock" send-keys -t pc '\d pc_items' Enter
wait_pane "pc_items_pkey"; check '\d describes the table (columns, its primary key)' $?
tmux -S "$sock" send-keys -t pc '\dt' Enter
wait_pane "| public *| pc_items *| table"; check '\dt lists it' $?
# completion: the table's full name can only come from the refresher's catalog queries
tmux -S "$sock" send-keys -t pc "SELECT * FROM zz_comp" Tab
wait_pane "zz_completion_probe"; check "completion offers a table's name (read from pg_catalog)" $?
tmux -S "$sock" send-keys -t pc C-c
tmux -S "$sock" send-keys -t pc '\q' Enter
for _ in $(seq 1 400); do tmux -S "$sock" has-session -t pc 2>/dev/null || break; sleep 0.05; done
log="$tmp/home/.config/pgcli/log"
if [ -f "$log" ] && ! grep -E " (ERROR|CRITICAL) " "$log" >/dev/null; then r=0; else r=1; fi
check "its log records no error (the completion refresher's catalog queries ran)" $r
[ $r -ne 0 ] && [ -f "$log" ] && grep -E " (ERROR|CRITICAL) " -A3 "$log" | head -20 | sed 's/^/# /'
echo "1..$n"
[ $fail -ne 0 ] && tmux -S "$sock" capture-pane -t pc -p 2>/dev/null | sed 's/^/# /' | tail -20
exit $fail
