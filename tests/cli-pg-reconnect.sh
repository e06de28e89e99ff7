#!/usr/bin/env bash
# cli-pg-reconnect.sh -- one PostgreSQL connection (store/db_pg.c) outlives
# the server: restarted (pg_ctl restart), stopped then started, and killed
# (SIGKILL) then started between two uses, it fails those calls with KS_DBE_CONN, never hangs, and works
# again without being reopened; a transaction cut off by the restart is not
# continued in autocommit mode. The steps are test_db's fault tests, run on
# a cluster of this test's own (tests/pg-lib.sh), so that restarting it
# disturbs no other test. Skipped where PostgreSQL is not installed.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 1
. tests/pg-lib.sh
pg_start
rc=$?
[ "$rc" -eq 2 ] && exit 0 # skipped (pg_start said so)
[ "$rc" -eq 0 ] || exit 1
# a hung call fails the test instead of hanging the run
out=$(KONTAKT_TEST_PG_CTL="$PG_TMP/ctl" timeout 120 "$BUILD/tests/test_db" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || ! echo "$out" | grep -q '^\[  PASSED  \] 3 test'; then
    echo "$out" | tail -30
    echo "FAIL: test_db's fault tests (exit $rc)"
    exit 1
fi
exit 0
