#!/usr/bin/env bash
# Local-write benchmark: pgbench custom scripts (counter increment, set add, register assign,
# point read; random key of 10,000) against PostgreSQL 15 and a HeliosDB --dev node, side by side
# in one run on this machine, -M simple|prepared, 1/8/32 clients. Both servers acknowledge a
# commit only after it is durable (PG fsync + synchronous_commit, HeliosDB storage.sync=always).
# Prints a Markdown table (TPS, p50/p99 from pgbench's per-transaction log, ratios) and writes it
# to bench/out/sql.md; with BENCH_TLS=1 both servers serve TLS (the same certificate, clients
# require it: bench/lib/servers.sh) and the table goes to bench/out/sql_tls.md.
#   bench/sql/run.sh [SECONDS]      (default 10 s per cell: 48 cells, about 9 minutes)
#   BENCH_TLS=1 bench/sql/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/servers.sh
secs=${1:-10}
keys=10000

# Same tables, each side in its own types: PG keeps a counter in bigint and a set in text[];
# HeliosDB in pn_counter and aw_set. Loaded by one COPY per table.
load() { # port counter_type set_type
    local psql=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres)
    "${psql[@]}" -c "CREATE TABLE c (id bigint PRIMARY KEY, n $2)" \
                 -c "CREATE TABLE s (id bigint PRIMARY KEY, tags $3)" \
                 -c "CREATE TABLE r (id bigint PRIMARY KEY, v text)"
    seq 1 "$keys" | sed 's/$/\t0/' | "${psql[@]}" -c "COPY c FROM STDIN"
    seq 1 "$keys" | sed 's/$/\t{}/' | "${psql[@]}" -c "COPY s FROM STDIN"
    seq 1 "$keys" | sed 's/.*/&\tv&/' | "${psql[@]}" -c "COPY r FROM STDIN"
    local n
    n=$("${psql[@]}" -Atc "SELECT count(*) FROM c")
    [ "$n" = "$keys" ] || { echo "load on port $1: $n rows in c, expected $keys" >&2; exit 1; }
}

# One cell: prints "tps<TAB>p50<TAB>p99<TAB>error" (error empty when pgbench succeeded).
cell() { # port mode clients script
    local d out tps err=""
    d=$(mktemp -d "$BENCH_TMP/cell.XXXXXX")
    if ! out=$(cd "$d" && pgbench -n -h 127.0.0.1 -p "$1" -U postgres -M "$2" -c "$3" \
                 -j "$(( $3 < 2 ? 1 : 2 ))" -T "$secs" -l --log-prefix=log \
                 -f "$OLDPWD/bench/sql/$4.sql" postgres 2>&1); then
        err=$(echo "$out" | grep -m1 -iE 'error|abort|fatal' | tr '\t|' '  ' | cut -c1-80)
        err=${err:-pgbench failed}
    fi
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
    read -r p50 p99 _ < <(bench/sql/report.py latency "$d")
    rm -rf "$d"
    printf '%s\t%s\t%s\t%s\n' "${tps:-0}" "$p50" "$p99" "$err"
}

bench_start_pg
bench_start_helios
load "$PG_PORT" bigint 'text[]'
load "$HELIOS_PORT" pn_counter aw_set

results="$BENCH_TMP/results.tsv"
: >"$results"
for script in counter set_add register read; do
    for mode in simple prepared; do
        for clients in 1 8 32; do
            # PG then HeliosDB back to back, so both see the same background load
            printf '%s\t%s\t%s\tpg\t%s\n' "$script" "$mode" "$clients" \
                "$(cell "$PG_PORT" "$mode" "$clients" "$script")" >>"$results"
            printf '%s\t%s\t%s\thelios\t%s\n' "$script" "$mode" "$clients" \
                "$(cell "$HELIOS_PORT" "$mode" "$clients" "$script")" >>"$results"
            tail -2 "$results" >&2
        done
    done
done

mkdir -p bench/out
out=bench/out/sql${BENCH_TLS:+_tls}.md
{
    echo "Local writes, $(date -u +%Y-%m-%d), $(nproc) cores, client and both servers on this machine," \
         "$([ -n "${BENCH_TLS:-}" ] && echo "TLS on both (the same certificate, clients require it)." || echo "no TLS on either.")"
    echo
    bench/sql/report.py table "$results" "$secs"
} | tee "$out"
