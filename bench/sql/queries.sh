#!/usr/bin/env bash
# Query benchmark: joins, aggregation, a window function and a correlated subquery over the same
# data on PostgreSQL 15 and a HeliosDB --dev node, side by side in one run on this machine (no
# TLS on either). Each query runs REPS times on each server, alternating; the median wall time
# of each is reported with the ratio HeliosDB / PostgreSQL. Writes bench/out/sql_queries.md.
#   bench/sql/queries.sh [SCALE] [REPS]   (SCALE 1: 200,000 orders, 10,000 customers, 500,000
#                                          rows grouped; default SCALE 1, REPS 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/servers.sh
scale=${1:-1}
reps=${2:-5}
bench_start_pg
bench_start_helios
mkdir -p bench/out
/usr/bin/python3 bench/sql/queries.py "$PG_PORT" "$HELIOS_PORT" "$scale" "$reps" | tee bench/out/sql_queries.md
