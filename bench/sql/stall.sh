#!/usr/bin/env bash
# Long-statement stall benchmark (issue 19's goal: while one client runs a long statement,
# other clients' p99 on point reads rises by less than 2x). For PostgreSQL 15 and a HeliosDB
# --dev node side by side on this machine: pgbench point reads (8 clients, prepared, a table of
# 10,000 rows) for SECONDS alone, then for SECONDS while another client runs a CPU-bound
# statement that lasts longer (count(*) over generate_series, cancelled at the end); prints
# each server's p50/p99 in both runs and the p99 ratio (with / without), and writes the table
# to bench/out/sql_stall.md (bench/out/sql_stall_tls.md with BENCH_TLS=1).
#   bench/sql/stall.sh [SECONDS]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/servers.sh
secs=${1:-10}

load() { # port
    local psql=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres)
    "${psql[@]}" -c "CREATE TABLE c (id bigint PRIMARY KEY, n bigint)"
    seq 1 10000 | sed 's/$/\t0/' | "${psql[@]}" -c "COPY c FROM STDIN"
}

reads() { # port -> "p50 p99 n"
    local d
    d=$(mktemp -d "$BENCH_TMP/stall.XXXXXX")
    (cd "$d" && pgbench -n -h 127.0.0.1 -p "$1" -U postgres -M prepared -c 8 -j 2 -T "$secs" \
        -l --log-prefix=log -f "$OLDPWD/bench/sql/read.sql" postgres >/dev/null 2>&1)
    bench/sql/report.py latency "$d"
    rm -rf "$d"
}

# The long statement runs in the background until reads are done, then is cancelled (its
# psql gets SIGINT, which sends a CancelRequest).
with_long() { # port
    psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atc \
        "SELECT count(*) FROM generate_series(1, 100000000000)" >/dev/null 2>&1 &
    local long=$!
    sleep 1 # the statement is under way (it runs far longer than the reads)
    local r
    r=$(reads "$1")
    kill -INT "$long" 2>/dev/null || true
    wait "$long" 2>/dev/null || true
    echo "$r"
}

bench_start_pg
bench_start_helios
load "$PG_PORT"
load "$HELIOS_PORT"

rows=()
for srv in pg helios; do
    port=$PG_PORT
    [ "$srv" = helios ] && port=$HELIOS_PORT
    read -r a50 a99 _ < <(reads "$port")
    read -r b50 b99 _ < <(with_long "$port")
    rows+=("$srv $a50 $a99 $b50 $b99")
done

mkdir -p bench/out
out=bench/out/sql_stall${BENCH_TLS:+_tls}.md
{
    echo "Point reads while a long statement runs, $(date -u +%Y-%m-%d), $(nproc) cores," \
         "$([ -n "${BENCH_TLS:-}" ] && echo "TLS on both." || echo "no TLS.")"
    echo
    echo "pgbench -M prepared, 8 clients, $secs s per run; the long statement is"
    echo "\`SELECT count(*) FROM generate_series(1, 1e11)\` on a ninth connection."
    echo
    echo "| server | alone p50 ms | alone p99 ms | with long p50 ms | with long p99 ms | p99 with / alone |"
    echo "|---|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do
        set -- $r
        python3 -c "import sys; n,a50,a99,b50,b99=sys.argv[1:]; print(f'| {\"PostgreSQL\" if n==\"pg\" else \"HeliosDB\"} | {a50} | {a99} | {b50} | {b99} | {float(b99)/float(a99):.2f}x |')" "$@"
    done
    echo
    echo "Goal (issue 19): HeliosDB's p99 with the long statement < 2x its p99 alone."
} | tee "$out"
