#!/usr/bin/env bash
# Runs every built micro-benchmark (build/<variant>/bench/*/bench_*) and collects their
# Markdown tables in bench/out/<name>.md. Called by `make bench`; figures are reported by
# hand in bench/README.md with the date and machine they were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/default}
mkdir -p bench/out
for b in $(find "$build/bench" -type f -name 'bench_*' -perm -u+x | sort); do
    name=$(basename "$b")
    echo "== $name"
    "$b" | tee "bench/out/$name.md"
done
echo "results in bench/out/"
