#!/usr/bin/env bash
# Secondary-index benchmark (issue 18): a point lookup by an indexed non-key column, a range of
# 100 rows, ORDER BY an indexed column LIMIT 10, and insert throughput into tables with 0, 1 and
# 3 secondary indexes, on PostgreSQL 15 and a HeliosDB --dev node side by side in one run on this
# machine (no TLS on either; durable commits on both). Writes bench/out/sql_indexes.md.
#   bench/sql/indexes.sh [ROWS] [SECONDS] [CLIENTS]   (default 1000000 rows, 10 s, 4 clients)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/lib/servers.sh
rows=${1:-1000000}
secs=${2:-10}
clients=${3:-4}
bench_start_pg
bench_start_helios
mkdir -p bench/out
/usr/bin/python3 bench/sql/indexes.py "$PG_PORT" "$HELIOS_PORT" "$rows" "$secs" "$clients" | tee bench/out/sql_indexes.md
