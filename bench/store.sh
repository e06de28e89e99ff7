#!/usr/bin/env bash
# bench/store.sh -- the case store's benchmarks (bench/README.md, "Store").
#
#   bench/store.sh                      1,000,000 cases
#   BENCH_CASES=100000 bench/store.sh   a quicker run
#
# 1. import: `kontakt db import` of N generated cases (kontakt-gen, the same
#    input as bench/run.sh) into a new store, wall time;
# 2. record: bench-store records 2000 conversations into random cases of
#    that store, one transaction each, and prints latency percentiles.
# Environment: BENCH_CASES (1000000), BENCH_SEED (20261123),
# BENCH_JOBCENTERS (5), BENCH_RECORDS (2000), BENCH_BUILD (build), BENCH_STRICT=1 (exit 1 when a
# target is missed), BENCH_DB (store file; default build/bench/store.db).
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
DB=${BENCH_DB:-$OUT/store.db}
T_IMPORT_S=60  # 1,000,000 cases: scaled linearly for other N
T_P99_MS=5

now_ns() { date +%s%N; }
say() { printf '\n== %s\n' "$*"; }

say "build"
make --no-print-directory "$BUILD/kontakt" "$BUILD/libkontakt.a" "$BUILD/libkontakt-store.a"
mkdir -p "$OUT"
"$CC" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -O2 bench/gen.c store/synth.c -o "$OUT/kontakt-gen"
"$CC" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -O2 -Iinclude bench/bench_store.c \
    -o "$OUT/bench-store" "$BUILD/libkontakt-store.a" "$BUILD/libkontakt.a" \
    $(make --no-print-directory -s store-libs) # word-split: SQLite, nettle, libpq where built with it

# The input, shared with bench/run.sh (same file, same *.params check).
IN=$OUT/cases.ndjson
[[ $N == 1000000 ]] || IN=$OUT/store-cases-$N.ndjson
say "input"
. bench/cases-lib.sh
ensure_cases "$IN" "$N"

say "import: kontakt db import $IN (new store $DB)"
rm -f "$DB" "$DB-wal" "$DB-shm"
export KONTAKT_TODAY=2026-11-23
sync # earlier writes (a previous store) are not flushed on the import's time
t0=$(now_ns)
"$BUILD/kontakt" db import --db "$DB" "$IN"
t1=$(now_ns)
IMPORT_S=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
EVENTS=$(sqlite3 "$DB" 'SELECT count(*) FROM events' 2>/dev/null || echo "?")
OBLIG=$(sqlite3 "$DB" 'SELECT count(*) FROM obligations' 2>/dev/null || echo "?")
SIZE_MB=$(( $(stat -c %s "$DB") / 1000000 ))
RATE=$(awk -v n="$N" -v s="$IMPORT_S" 'BEGIN { printf "%.0f", n / s }')
echo "import: $N cases, $EVENTS events, $OBLIG obligations in $IMPORT_S s = $RATE cases/s; store $SIZE_MB MB"

say "record: $R conversations into random cases"
"$OUT/bench-store" --db "$DB" --cases "$N" --records "$R" | tee "$OUT/store-record.txt"
P99=$(awk '$1 == "record_p99_ms:" { print $2 }' "$OUT/store-record.txt")

T_IMPORT=$(awk -v n="$N" -v t="$T_IMPORT_S" 'BEGIN { printf "%.1f", t * n / 1000000 }')
MISSED=0
V_IMPORT=ok V_P99=ok
awk -v a="$IMPORT_S" -v b="$T_IMPORT" 'BEGIN { exit !(a <= b) }' || { V_IMPORT="ABOVE TARGET"; MISSED=1; }
awk -v a="$P99" -v b="$T_P99_MS" 'BEGIN { exit !(a <= b) }' || { V_P99="ABOVE TARGET"; MISSED=1; }
say "summary"
cat <<EOT
import      $N cases in $IMPORT_S s ($RATE cases/s), $EVENTS events, $OBLIG obligations, $SIZE_MB MB   (target <= $T_IMPORT s: $V_IMPORT)
record p99  $P99 ms   (target <= $T_P99_MS ms: $V_P99)
EOT
if [[ $STRICT == 1 && $MISSED == 1 ]]; then exit 1; fi
