#!/usr/bin/env bash
# Every benchmark, end to end, then the plots and one report (bench/out/REPORT.md). `make bench`
# calls this after building; run by hand it builds what it needs first (BENCH_NOBUILD=1 skips).
#   bench/run.sh [BUILD_DIR]        full run: under 30 minutes on the project's 2-core VM
#   BENCH_QUICK=1 bench/run.sh      smoke run: about 5 minutes, same steps, short cells
# Steps (each output lands in bench/out/): micro-benchmarks (build/<v>/bench/*/bench_*: CRDT,
# storage), wire (pgbench SELECT 1, PG vs HeliosDB), sql (local writes vs PostgreSQL 15),
# repl lag / bandwidth / partition / conflicts (five regions through the WAN emulator at real
# RTTs), plots (gnuplot). A failing step is reported and the others still run; the exit status
# is non-zero if any failed. Figures are quoted by hand in bench/README.md with date and load.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-${BUILD:-build/default}}
export BINDIR=${BINDIR:-bin}
export WANEM=${WANEM:-$build/tools/wanem}
quick=${BENCH_QUICK:-0}
export BENCH_QUICK=$quick
PY=/usr/bin/python3   # Debian's: psycopg2 is installed for it
t_start=$(date +%s)
failed=()
mkdir -p bench/out

if [ "${BENCH_NOBUILD:-0}" != 1 ]; then
    bins=$(find bench -name 'bench_*.c' | sed "s|^bench/\(.*\)\.c$|$build/bench/\1|")
    # shellcheck disable=SC2086
    make --no-print-directory -j2 all $bins "$build/tools/wanem" >/dev/null ||
        { echo "build failed" >&2; exit 1; }
fi
for need in "$BINDIR/heliosdb" "$WANEM"; do
    [ -x "$need" ] || { echo "missing $need (build it: make -j2 all $WANEM)" >&2; exit 1; }
done
# Run on a private copy of the binaries: in a shared tree a rebuild during the run would swap
# the daemon between steps (or under a starting one).
snap=$(mktemp -d /tmp/helios-bench-bin.XXXXXX)
trap 'rm -rf "$snap"' EXIT
cp "$BINDIR/heliosdb" "$WANEM" "$snap/"
[ -x "$BINDIR/heliosctl" ] && cp "$BINDIR/heliosctl" "$snap/"
export BINDIR=$snap WANEM=$snap/wanem
rev="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)
[ "$dirty" -gt 0 ] && rev="$rev + $dirty locally modified files (binaries as built in the tree)"

step() { # name command...: runs one step, times it, keeps going on failure
    local name=$1 t0 rc
    shift
    t0=$(date +%s)
    echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
    "$@"
    rc=$?
    echo "== $name: $(( $(date +%s) - t0 )) s, exit $rc"
    [ $rc -eq 0 ] || failed+=("$name")
    timings+=("$name $(( $(date +%s) - t0 ))")
}
timings=()

if [ "$quick" = 1 ]; then
    wire_secs=1; sql_secs=1; q_scale=0.1; tpcb_scale=1; export BENCH_SECONDS=${BENCH_SECONDS:-0.5}
    export LAG_SECONDS=${LAG_SECONDS:-10}; lag_rates=${LAG_RATES:-"1000 5000"}
else
    wire_secs=5; sql_secs=5; q_scale=1; tpcb_scale=2
    export LAG_SECONDS=${LAG_SECONDS:-60}; lag_rates=${LAG_RATES:-"100 1000 5000 20000"}
fi

micro() {
    local b name
    for b in $(find "$build/bench" -type f -name 'bench_*' -perm -u+x | sort); do
        name=$(basename "$b")
        echo "-- $name"
        "$b" | tee "bench/out/$name.md" || return 1
    done
}
step micro micro
step wire bash -c "bench/wire/run.sh 8 $wire_secs | tee bench/out/wire.md"
step sql bench/sql/run.sh "$sql_secs"
step sql-tls env BENCH_TLS=1 bench/sql/run.sh "$sql_secs"
step sql-stall bench/sql/stall.sh "$(( sql_secs * 2 ))"
step sql-tpcb bench/sql/tpcb.sh "$(( sql_secs * 2 ))" "$tpcb_scale"
step sql-queries bench/sql/queries.sh "$q_scale" 3
# shellcheck disable=SC2086
step repl-lag $PY bench/repl/lag.py $lag_rates
step repl-bandwidth $PY bench/repl/bandwidth.py
step repl-partition $PY bench/repl/partition.py
step repl-conflicts $PY bench/repl/conflicts.py
step plots $PY bench/plots.py

wall=$(( $(date +%s) - t_start ))
{
    echo "# HeliosDB benchmark report"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -m)), mode:" \
         "$([ "$quick" = 1 ] && echo 'BENCH_QUICK=1 (smoke: figures not for quoting)' || echo full)," \
         "wall time ${wall} s, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)," \
         "source $rev."
    echo "Step times (s): $(printf '%s; ' "${timings[@]}")"
    [ ${#failed[@]} -eq 0 ] || echo "**Failed steps: ${failed[*]}**"
    for f in bench_crdt bench_storage wire sql sql_tls sql_stall sql_tpcb sql_queries lag bandwidth partition conflicts; do
        [ -f "bench/out/$f.md" ] || continue
        echo
        echo "## $f"
        echo
        cat "bench/out/$f.md"
    done
    echo
    echo "Plots: bench/out/lag_cdf.png, bench/out/lag_excess_cdf.png, bench/out/sql_tps.png"
} >bench/out/REPORT.md
echo "report: bench/out/REPORT.md (wall time ${wall} s${failed:+, failed: ${failed[*]}})"
[ ${#failed[@]} -eq 0 ]
