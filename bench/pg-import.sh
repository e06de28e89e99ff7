#!/usr/bin/env bash
# bench/pg-import.sh -- `kontakt db import` of N generated cases into a new
# PostgreSQL store (COPY, store/import.c "PostgreSQL"), on a throwaway
# cluster of its own (tests/pg-lib.sh: initdb + pg_ctl in a temporary
# directory, fsync=off), then the queries of issue 13, 7 on that store
# (bench/README.md, "PostgreSQL").
#
#   bench/pg-import.sh                      1,000,000 cases
#   BENCH_CASES=100000 bench/pg-import.sh   a quicker run
#
# Environment: BENCH_CASES (1000000), BENCH_SEED (20261123), BENCH_JOBCENTERS
# (5), BENCH_BUILD (build), BENCH_STRICT=1 (exit 1 when a target is missed),
# BENCH_PG_KEEP=1 (leave the cluster running at the end and print its URI;
# stop it with `pg_ctl -D DIR stop`), BENCH_RECORDS (2000).
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-cc}
BUILD=${BENCH_BUILD:-build}
OUT=$BUILD/bench
N=${BENCH_CASES:-1000000}
SEED=${BENCH_SEED:-20261123}
JC=${BENCH_JOBCENTERS:-5}
R=${BENCH_RECORDS:-2000}
STRICT=${BENCH_STRICT:-0}
T_IMPORT_S=90 # 1,000,000 cases (issue 13, 2): scaled linearly for other N

now_ns() { date +%s%N; }
say() { printf '\n== %s\n' "$*"; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

say "build"
make --no-print-directory "$BUILD/kontakt" "$BUILD/libkontakt.a" "$BUILD/libkontakt-store.a" >/dev/null
mkdir -p "$OUT"
"$CC" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -O2 bench/gen.c store/synth.c -o "$OUT/kontakt-gen"

# The input, shared with bench/run.sh and bench/store.sh (same *.params check).
IN=$OUT/cases.ndjson
[[ $N == 1000000 ]] || IN=$OUT/store-cases-$N.ndjson
say "input"
. bench/cases-lib.sh
ensure_cases "$IN" "$N"

say "cluster"
set +e
. tests/pg-lib.sh
pg_start
rc=$?
set -e
[[ $rc == 2 ]] && exit 0
[[ $rc == 0 ]] || exit 1
if [[ ${BENCH_PG_KEEP:-0} == 1 ]]; then trap - EXIT; fi
# a bulk load's settings: checkpoints by size not every 1 GB of WAL, a
# bigger buffer cache (the defaults are for a small machine)
pg_psql "ALTER SYSTEM SET max_wal_size = '8GB'" >/dev/null
pg_psql "ALTER SYSTEM SET shared_buffers = '512MB'" >/dev/null
pg_psql "ALTER SYSTEM SET maintenance_work_mem = '256MB'" >/dev/null
# and WAL buffers to match (the default, 16 MB with these shared_buffers,
# had the import's backend waiting on WAL writes: 105 s against 90 s for
# 1,000,000 cases, bench/README.md), new WAL segments not zero-filled first
pg_psql "ALTER SYSTEM SET wal_buffers = '64MB'" >/dev/null
pg_psql "ALTER SYSTEM SET wal_init_zero = off" >/dev/null
# BENCH_PG_WAL=minimal: no WAL for tables made or truncated in the writing
# transaction (an import into an empty store truncates them): a server
# without replicas or point-in-time recovery. Default: replica, PostgreSQL's.
WAL=${BENCH_PG_WAL:-replica}
if [[ $WAL == minimal ]]; then
    pg_psql "ALTER SYSTEM SET wal_level = 'minimal'" >/dev/null
    pg_psql "ALTER SYSTEM SET max_wal_senders = 0" >/dev/null
fi
# BENCH_PG_LOG=1: the server logs each statement's duration and its
# backend's CPU (log_statement_stats: the leader's, not the parallel
# workers' of an index build); the import's are summed per kind after it
# (where the server's time goes)
if [[ ${BENCH_PG_LOG:-0} == 1 ]]; then
    pg_psql "ALTER SYSTEM SET log_min_duration_statement = 0" >/dev/null
    pg_psql "ALTER SYSTEM SET log_statement_stats = on" >/dev/null
fi
pg_restart
URI=$(pg_createdb kontakt_bench)
echo "cluster: $KONTAKT_TEST_PG ($(pg_psql 'SHOW server_version'); fsync=off, wal_level=$(pg_psql 'SHOW wal_level'))"
export KONTAKT_TODAY=2026-11-23
"$BUILD/kontakt" db init --db "$URI" >/dev/null

# CPU seconds of the cluster's processes: the postmaster's own and its
# reaped children's (a backend that has exited), plus the live children's.
# The machine may be shared: CPU time says what the import costs whatever
# else runs, wall time what it took.
server_cpu() {
    local pm tck
    pm=$(head -1 "$PG_DATA/postmaster.pid")
    tck=$(getconf CLK_TCK)
    { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
      for c in $(ps -o pid= --ppid "$pm"); do awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null; done
    } | awk -v t="$tck" '{ s += $1 } END { printf "%.1f", s / t }'
}
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
say "import: kontakt db import $IN (new store $URI)"
c0=$(server_cpu)
t0=$(now_ns)
if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "client CPU: %U s user, %S s system, peak RSS %M KB" -o "$OUT/pg-import-time.txt" \
        "$BUILD/kontakt" db import --db "$URI" "$IN"
    cat "$OUT/pg-import-time.txt"
else
    "$BUILD/kontakt" db import --db "$URI" "$IN"
fi
t1=$(now_ns)
sleep 1 # the backend's exit reaped
c1=$(server_cpu)
SERVER_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", b - a }')
echo "server CPU: $SERVER_CPU s; load average before: $LOAD0"
IMPORT_S=$(secs $((t1 - t0)))
RATE=$(awk -v n="$N" -v s="$IMPORT_S" 'BEGIN { printf "%.0f", n / s }')
COUNTS=$("$PG_PSQL" -X -q -A -t -d "$URI" -c "SELECT (SELECT count(*) FROM cases) || ' cases, ' || (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM obligations) || ' obligations, ' || pg_size_pretty(pg_database_size(current_database()))")
echo "import: $N cases in $IMPORT_S s = $RATE cases/s; $COUNTS"
if [[ ${BENCH_PG_LOG:-0} == 1 ]]; then
    say "the import's statements per kind: wall and the backend's CPU (s)"
    awk '
      /duration: [0-9.]* ms  statement: / {
        match($0, /duration: [0-9.]* ms/); d = substr($0, RSTART + 10, RLENGTH - 13) / 1000
        match($0, /statement: .*/); st = substr($0, RSTART + 11)
        if (st ~ /^COPY [a-z]*/) { split(st, a, /[ (]/); k = a[1] " " a[2] }
        else if (st ~ /^ALTER TABLE [a-z.]* ADD CONSTRAINT/) { split(st, a, " "); k = "constraint " a[6] }
        else if (st ~ /^CREATE (UNIQUE )?INDEX/) { split(st, a, " "); k = "index " (a[2] == "UNIQUE" ? a[4] : a[3]) }
        else { split(st, a, " "); k = a[1] }
        pend = k; W[k] += d; TW += d; next }
      pend != "" && /s user, .* s system, .* s elapsed/ {
        sub(/^[!\t ]*/, ""); split($0, f, " "); C[pend] += f[1] + f[4]; TC += f[1] + f[4]; pend = ""; next }
      END { for (k in W) printf "%8.1f %8.1f  %s\n", W[k], C[k], k
            printf "%8.1f %8.1f  all (wall, CPU)\n", TW, TC }' "$PG_TMP/server.log" | sort -k1 -rn |
        tee "$OUT/pg-import-phases.txt"
    pg_psql "ALTER SYSTEM SET log_min_duration_statement = -1" >/dev/null
    pg_psql "ALTER SYSTEM SET log_statement_stats = off" >/dev/null
    pg_psql "SELECT pg_reload_conf()" >/dev/null
fi
"$PG_PSQL" -X -q -d "$URI" -c "VACUUM ANALYZE" >/dev/null

timed() { # timed NAME CMD...: wall seconds of CMD (output to /dev/null), best of 3
    local name=$1 best="" t0 t1 s
    shift
    for _ in 1 2 3; do
        t0=$(now_ns)
        "$@" >/dev/null
        t1=$(now_ns)
        s=$(secs $((t1 - t0)))
        if [[ -z $best ]] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    done
    echo "$name $best"
}
say "queries (best of 3, warm)"
K=$BUILD/kontakt
{
    timed worklist "$K" db worklist --db "$URI" --as-of 2026-11-23 --format csv
    timed worklist_cw "$K" db worklist --db "$URI" --as-of 2026-11-23 --jobcenter jc-01 --caseworker cw-01-001 --format csv
    timed report "$K" db report --db "$URI" --from 2026-01-01 --to 2026-11-22 --by group --format csv
    timed forecast "$K" db forecast --db "$URI" --weeks 12 --format csv
} | tee "$OUT/pg-queries.txt"
echo "worklist rows: $("$K" db worklist --db "$URI" --as-of 2026-11-23 --format csv | wc -l)"

if "$CC" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -O2 -Iinclude bench/bench_store.c \
    -o "$OUT/bench-store" "$BUILD/libkontakt-store.a" "$BUILD/libkontakt.a" -lsqlite3 -lnettle -ljansson \
    $(pkg-config --libs libpq 2>/dev/null || echo -lpq) -lpthread; then
    say "record: $R conversations into random cases"
    "$OUT/bench-store" --db "$URI" --cases "$N" --records "$R" | tee "$OUT/pg-record.txt" || true
fi

T_IMPORT=$(awk -v n="$N" -v t="$T_IMPORT_S" 'BEGIN { printf "%.1f", t * n / 1000000 }')
V=ok
awk -v a="$IMPORT_S" -v b="$T_IMPORT" 'BEGIN { exit !(a <= b) }' || V="ABOVE TARGET"
say "summary"
echo "import      $N cases in $IMPORT_S s ($RATE cases/s)   (target <= $T_IMPORT s: $V); server CPU $SERVER_CPU s; load before $LOAD0"
cat "$OUT/pg-import-time.txt" 2>/dev/null || true
cat "$OUT/pg-queries.txt"
grep -E "record_p(50|99)_ms" "$OUT/pg-record.txt" 2>/dev/null || true
if [[ ${BENCH_PG_KEEP:-0} == 1 ]]; then echo "cluster kept: $URI (data in $PG_DATA)"; fi
[[ $STRICT == 1 && $V != ok ]] && exit 1
exit 0
