#!/usr/bin/env bash
# HeliosDB test runner (called by `make test`; usable alone once things are built).
#
# Runs, in order: every unit test binary (cmocka, TAP output), a short smoke run of every
# libFuzzer target over its seed corpus, and every tests/integration/test_* script (TAP).
# Counts individual TAP results; a suite that crashes or exits non-zero without reporting a
# failure counts as one failure, and results missing from a TAP plan count as failures.
# Prints a closing line "N passed, N failed" and exits non-zero if anything failed.
#
# Environment: BUILD (build/default), BINDIR (bin), FUZZ_BUILD (build/fuzz),
# FUZZ_SMOKE_RUNS (2000), TESTS (a grep -E pattern selecting suites by path), SANITIZER
# (thread: ThreadSanitizer reports count as failures, below), TEST_TIMEOUT (seconds per
# suite, default 600), KEEP_LOGS (keep logs of passing suites).
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build/default}
BINDIR=${BINDIR:-bin}
FUZZ_BUILD=${FUZZ_BUILD-build/fuzz}
FUZZ_SMOKE_RUNS=${FUZZ_SMOKE_RUNS:-2000}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
PATTERN=${TESTS:-.}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
export BINDIR BUILD
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# ThreadSanitizer: every process (the unit tests, each daemon an integration test starts) writes
# its reports to a file under TSAN_DIR; each report counts as a failure of the suite that ran
# (servers stopped by a test do not exit with TSan's status, so the files are what counts).
TSAN_DIR=
if [ "${SANITIZER:-}" = thread ]; then
    TSAN_DIR=$LOGDIR/tsan
    mkdir -p "$TSAN_DIR"
    rm -rf "$TSAN_DIR"/report.* "$TSAN_DIR"/kept
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1:io_sync=2:die_after_fork=0:suppressions=$PWD/tests/tsan.supp:log_path=$PWD/$TSAN_DIR/report}
fi

total_pass=0
total_fail=0
failed_suites=()

# run_suite NAME CMD...: runs a suite, parses TAP from its stdout, updates the totals.
run_suite() {
    local name=$1; shift
    local log=$LOGDIR/$(echo "$name" | tr '/ ' '__').log
    local start=$SECONDS
    timeout --kill-after=10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
    local rc=$?
    local pass fail plan
    pass=$(grep -cE '^ok [0-9]+' "$log")
    fail=$(grep -cE '^not ok [0-9]+' "$log")
    plan=$(grep -oE '^1\.\.[0-9]+' "$log" | tail -1 | cut -d. -f3)
    if [ -n "$plan" ] && [ $((pass + fail)) -lt "$plan" ]; then
        fail=$((fail + plan - pass - fail))
    fi
    if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
    fi
    if [ -n "$TSAN_DIR" ]; then
        local races
        races=$(cat "$TSAN_DIR"/report.* 2>/dev/null | grep -c 'WARNING: ThreadSanitizer')
        if [ "$races" -gt 0 ]; then
            fail=$((fail + races))
            { echo "not ok - ThreadSanitizer: $races report(s)"; cat "$TSAN_DIR"/report.*; } >>"$log"
            mkdir -p "$TSAN_DIR/kept"
            for f in "$TSAN_DIR"/report.*; do mv "$f" "$TSAN_DIR/kept/$(basename "$name").$(basename "$f")"; done
        fi
    fi
    if [ $((pass + fail)) -eq 0 ]; then
        # A suite that reports nothing but exits 0 is one passing check (e.g. a fuzz smoke run).
        pass=1
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    local status=ok
    if [ "$fail" -gt 0 ]; then
        status=FAIL
        failed_suites+=("$name")
    fi
    [ $rc -eq 124 ] && status="$status (timeout after ${TEST_TIMEOUT}s)"
    printf '%-55s %4d passed %4d failed  %4ds  %s\n' "$name" "$pass" "$fail" $((SECONDS - start)) "$status"
    if [ "$fail" -gt 0 ]; then
        echo "---- last lines of $log"
        # a failing line and the few after it (a nemesis round prints its problems there)
        grep -E -A4 '^not ok|ERROR|error|Assert|FAIL|Sanitizer|runtime error' "$log" | head -40
        tail -15 "$log"
        echo "----"
    elif [ -z "${KEEP_LOGS:-}" ]; then
        rm -f "$log"
    fi
}

echo "== unit tests ($BUILD)"
for t in $(find "$BUILD/tests/unit" -type f -perm -u+x 2>/dev/null | sort); do
    name=${t#"$BUILD"/}
    echo "$name" | grep -qE "$PATTERN" || continue
    run_suite "$name" "$t"
done

if [ -n "$FUZZ_BUILD" ] && [ -d "$FUZZ_BUILD" ]; then
    echo "== fuzz smoke runs ($FUZZ_SMOKE_RUNS runs each)"
    for f in $(find "$FUZZ_BUILD" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort); do
        n=$(basename "$f")
        echo "fuzz/$n" | grep -qE "$PATTERN" || continue
        corpus=tests/fuzz/corpus/$n
        # libFuzzer writes new units into the first corpus dir: a scratch dir, so the
        # committed seeds stay as they are.
        scratch=$(mktemp -d)
        args=(-runs="$FUZZ_SMOKE_RUNS" -seed=1 -max_len=65536 "$scratch")
        [ -d "$corpus" ] && args+=("$corpus")
        run_suite "fuzz/$n" "$f" "${args[@]}"
        rm -rf "$scratch"
    done
fi

echo "== integration tests"
for t in $(find tests/integration -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort); do
    echo "$t" | grep -qE "$PATTERN" || continue
    run_suite "$t" "$t"
done

echo "== tool self-tests"
if [ -x "$BUILD/tools/wanem" ] && echo "tests/tools/wanem_selftest.py" | grep -qE "$PATTERN"; then
    WANEM=$BUILD/tools/wanem run_suite tests/tools/wanem_selftest.py /usr/bin/python3 tests/tools/wanem_selftest.py
fi

if [ ${#failed_suites[@]} -gt 0 ]; then
    echo "failed suites: ${failed_suites[*]}"
    echo "(logs in $LOGDIR)"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
