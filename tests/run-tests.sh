#!/usr/bin/env bash
# Runs every unit test binary (cmocka, each in its own process) and the golden
# cases of ../shared/cases, and ends with one line: "N passed, N failed".
set -u
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
passed=0
failed=0
# One throwaway PostgreSQL cluster for the whole run (tests/pg-lib.sh): the
# tests that take KONTAKT_TEST_PG run their PostgreSQL part on it. Skipped,
# with a line saying so, only where PostgreSQL is not installed; a cluster
# that will not start is a failure. A KONTAKT_TEST_PG given is used as is.
if [ -z "${KONTAKT_TEST_PG:-}" ]; then
    . tests/pg-lib.sh
    pg_start
    case $? in
    0) echo "PostgreSQL for the tests: $KONTAKT_TEST_PG" ;;
    2) ;;
    *) echo "FAIL PostgreSQL cluster did not start"; failed=$((failed + 1)) ;;
    esac
fi
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    echo "$out" | grep -E '^\[  (PASSED|FAILED|  OK|ERROR)' | grep -v '^\[       OK' || true
    # a binary may run several groups (test_store: SQLite, then PostgreSQL): summed
    p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{ s += $1 } END { if (NR) print s }')
    f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{ s += $1 } END { if (NR) print s }')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
        echo "$out" | tail -20
        echo "FAIL $(basename "$t") exited $rc"
        failed=$((failed + 1))
    fi
    echo "$(basename "$t"): ${p:-0} passed, ${f:-0} failed"
done
if [ -x "$SHARED/tools/check-cases" ]; then
    golden=$(python3 "$SHARED/tools/check-cases" --cmd "$BUILD/kontakt plan" "$SHARED/cases" "$SHARED/cases/invalid" "$SHARED/cases/law-2025-2026" "$SHARED/cases/law-2025-2026/invalid" 2>&1)
    echo "$golden" | grep -v '^ok ' || true
    gp=$(echo "$golden" | tail -1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    gf=$(echo "$golden" | tail -1 | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$gp" ]; then gf=1; gp=0; echo "golden cases did not run"; fi
    echo "golden cases: $gp passed, $gf failed"
    passed=$((passed + gp))
    failed=$((failed + gf))
else
    echo "golden cases: $SHARED/tools/check-cases not found"
    failed=$((failed + 1))
fi
for s in tests/cli-*.sh; do
    [ -f "$s" ] || continue
    if BUILD="$BUILD" bash "$s"; then passed=$((passed + 1)); echo "ok   $(basename "$s")"
    else failed=$((failed + 1)); echo "FAIL $(basename "$s")"; fi
done
# The store's shell tests a second time on PostgreSQL (tests/store-lib.sh:
# each store a database of its own on the run's cluster; what reads the
# SQLite file itself is SQLite-only in them). cli-pg-*.sh ran above.
PG_SHELL_TESTS="cli-db.sh cli-db-query.sh cli-db-days.sh cli-today.sh cli-ids.sh cli-api.sh cli-schedule.sh"
if [ -z "${KONTAKT_TEST_PG:-}" ]; then
    echo "skipped: the store's shell tests on PostgreSQL (no cluster: PostgreSQL is not installed)"
elif "$BUILD/kontakt" db check --db "postgresql://" 2>&1 | grep -q "built without PostgreSQL"; then
    echo "skipped: the store's shell tests on PostgreSQL ($BUILD/kontakt was built without libpq)"
else
    for s in $PG_SHELL_TESTS; do
        if KONTAKT_TEST_BACKEND=pg BUILD="$BUILD" bash "tests/$s"; then passed=$((passed + 1)); echo "ok   $s (PostgreSQL)"
        else failed=$((failed + 1)); echo "FAIL $s (PostgreSQL)"; fi
    done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
