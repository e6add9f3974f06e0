#!/usr/bin/env bash
# Wire-layer benchmark: pgbench `SELECT 1` against PostgreSQL 15 and HeliosDB, side by side in
# one run on this machine, for -M simple|extended|prepared. Prints a Markdown table with ratios.
#   bench/wire/run.sh [CLIENTS] [SECONDS]      (default 8 clients, 10 s per cell)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/servers.sh
clients=${1:-8}
secs=${2:-10}
bench_start_pg
bench_start_helios
echo "| mode | clients | PostgreSQL tps | HeliosDB tps | ratio |"
echo "|---|---|---|---|---|"
for m in simple extended prepared; do
    read -r pg_tps _ < <(bench_pgbench "$PG_PORT" "$m" "$clients" "$secs" bench/wire/select1.sql)
    read -r h_tps _ < <(bench_pgbench "$HELIOS_PORT" "$m" "$clients" "$secs" bench/wire/select1.sql)
    ratio=$(python3 -c "print(f'{$h_tps/$pg_tps:.2f}x' if $pg_tps else 'n/a')")
    printf '| %s | %s | %.0f | %.0f | %s |\n' "$m" "$clients" "$pg_tps" "$h_tps" "$ratio"
done
