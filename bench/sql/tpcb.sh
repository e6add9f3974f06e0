#!/usr/bin/env bash
# pgbench's own workloads against PostgreSQL 15 and a HeliosDB node, side by side in one run on
# this machine, both with TLS (the same certificate, clients require it; BENCH_TLS=0: neither)
# and durable commits (PG fsync + synchronous_commit, HeliosDB storage.sync=always):
#   - `pgbench -i -s SCALE` on both (pgbench's schema: int balances, character fillers, a
#     history table without a primary key), the load time reported;
#   - TPC-B (the built-in script) closed loop at 1, 8 and 32 clients, -M prepared;
#   - select-only (-S) closed loop at 8 and 32 clients;
#   - TPC-B open loop: a fixed rate (-R, half of PostgreSQL's 8-client TPS, the same for both),
#     8 clients, p50/p99/p99.9 of the latency from each transaction's scheduled start (so a
#     stall shows as latency instead of as fewer transactions);
#   - after the runs, on both: the balances of accounts, tellers and branches each equal the
#     sum of the history's deltas.
# Prints a Markdown table (TPS, latency percentiles from pgbench's per-transaction logs, ratios)
# and writes it to bench/out/sql_tpcb.md.
#   bench/sql/tpcb.sh [SECONDS] [SCALE]      (default 10 s per cell, scale 2: 200,000 accounts)
# pgbench -i loads all tables in one transaction: HeliosDB takes up to 256 MiB of changes in one
# (about 155 bytes per pgbench_accounts row; scale 10 loads). The figures in bench/README.md
# were taken at scale 2, when a transaction was limited to 2^20 values.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_TLS-1}" = 0 ]; then unset BENCH_TLS; else export BENCH_TLS=1; fi
. bench/lib/servers.sh
secs=${1:-10}
scale=${2:-2}

# One cell: "tps<TAB>p50<TAB>p99<TAB>p99.9<TAB>error" (error empty when pgbench succeeded).
cell() { # port clients extra-args...
    local port=$1 clients=$2 d out tps err=""
    shift 2
    d=$(mktemp -d "$BENCH_TMP/cell.XXXXXX")
    if ! out=$(cd "$d" && pgbench -n -h 127.0.0.1 -p "$port" -U postgres -M prepared -c "$clients" \
                 -j "$(( clients < 2 ? 1 : 2 ))" -T "$secs" -l --log-prefix=log "$@" postgres 2>&1); then
        err=$(echo "$out" | grep -m1 -iE 'error|abort|fatal' | tr '\t|' '  ' | cut -c1-80)
        err=${err:-pgbench failed}
    fi
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
    read -r p50 p99 p999 _ < <(bench/sql/report.py latency3 "$d")
    rm -rf "$d"
    printf '%s\t%s\t%s\t%s\t%s\n' "${tps:-0}" "$p50" "$p99" "$p999" "$err"
}

balances() { # port: "accounts tellers branches history-deltas history-rows"
    psql -X -A -t -F' ' -h 127.0.0.1 -p "$1" -U postgres -d postgres -c \
        "SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),
                (SELECT sum(bbalance) FROM pgbench_branches), (SELECT coalesce(sum(delta), 0) FROM pgbench_history),
                (SELECT count(*) FROM pgbench_history)"
}

bench_start_pg
bench_start_helios
load_s() { # port: seconds pgbench -i takes
    local t0 t1
    t0=$(date +%s.%N)
    pgbench -i -q -s "$scale" -h 127.0.0.1 -p "$1" -U postgres postgres >"$BENCH_TMP/init.$1.log" 2>&1 ||
        { echo "pgbench -i on port $1 failed:" >&2; tail -5 "$BENCH_TMP/init.$1.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l | xargs printf '%.1f'
}
pg_load=$(load_s "$PG_PORT")
he_load=$(load_s "$HELIOS_PORT")

rows=()
run() { # label clients extra-args...
    local label=$1 clients=$2 pg he
    shift 2
    pg=$(cell "$PG_PORT" "$clients" "$@")
    he=$(cell "$HELIOS_PORT" "$clients" "$@")
    printf '%s\t%s\tpg\t%s\n%s\t%s\thelios\t%s\n' "$label" "$clients" "$pg" "$label" "$clients" "$he" >&2
    rows+=("$label|$clients|${pg//$'\t'/|}|${he//$'\t'/|}") # '|': empty fields survive read
}
for c in 1 8 32; do run "TPC-B" "$c"; done
for c in 8 32; do run "select-only (-S)" "$c" -S; done
pg8=$(printf '%s\n' "${rows[@]}" | awk -F'|' '$1 == "TPC-B" && $2 == 8 {print $3}')
rate=$(printf '%.0f' "$(echo "${pg8:-0} / 2" | bc -l)")
[ "$rate" -gt 0 ] || rate=100
run "TPC-B open loop, $rate tx/s" 8 -R "$rate"

read -r pa pt pb ph pn < <(balances "$PG_PORT")
read -r ha ht hb hh hn < <(balances "$HELIOS_PORT")

mkdir -p bench/out
{
    echo "pgbench workloads, $(date -u +%Y-%m-%d), $(nproc) cores, client and both servers on this machine," \
         "$([ -n "${BENCH_TLS:-}" ] && echo "TLS on both (the same certificate, clients require it)" || echo "no TLS on either"), durable commits on both."
    echo
    echo "Scale $scale ($(( scale * 100000 )) accounts); -M prepared; $secs s per cell; ratio = HeliosDB / PostgreSQL" \
         "(TPS: higher is better for HeliosDB; latency: lower is). Latencies from pgbench's per-transaction log;" \
         "in the open loop they count from each transaction's scheduled start."
    echo
    echo "| workload | clients | PG tps | Helios tps | tps ratio | PG p50 ms | Helios p50 ms | PG p99 ms | Helios p99 ms | PG p99.9 ms | Helios p99.9 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${rows[@]}"; do
        IFS='|' read -r label clients ptps pp50 pp99 pp999 perr htps hp50 hp99 hp999 herr <<<"$r"
        note=""
        [ -n "$perr" ] && note+=" (PG: $perr)"
        [ -n "$herr" ] && note+=" (Helios: $herr)"
        ratio=$(awk -v a="$htps" -v b="$ptps" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
        printf '| %s%s | %s | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$note" "$clients" \
            "$ptps" "$htps" "$ratio" "$pp50" "$hp50" "$pp99" "$hp99" "$pp999" "$hp999"
    done
    echo
    echo "- pgbench -i -s $scale: PostgreSQL $pg_load s, HeliosDB $he_load s"
    ok() { [ "$1" = "$2" ] && [ "$2" = "$3" ] && [ "$3" = "$4" ] && echo "add up" || echo "DO NOT add up"; }
    echo "- balances after the runs: PostgreSQL accounts $pa, tellers $pt, branches $pb, history $ph ($pn rows): $(ok "$pa" "$pt" "$pb" "$ph");" \
         "HeliosDB accounts $ha, tellers $ht, branches $hb, history $hh ($hn rows): $(ok "$ha" "$ht" "$hb" "$hh")"
} | tee bench/out/sql_tpcb.md
