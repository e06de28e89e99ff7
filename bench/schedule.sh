#!/usr/bin/env bash
# bench/schedule.sh -- Planlægning's benchmark (issue 14; bench/README.md,
# "Schedule").
#
#   bench/schedule.sh                         20,000 cases of one jobcentre with
#                                             40 caseworkers, then 1,000,000
#                                             cases in 25 jobcentres of 40
#   BENCH_SCHED_BIG=0 bench/schedule.sh       the 20,000-case store only
#
# Each store is made with `kontakt db demo` (the caseload generator of
# store/synth.c, worked like a jobcentre works its worklist) for
# KONTAKT_TODAY=2026-12-03, its cases dealt to 40 caseworkers a jobcentre
# (cw-01 .. cw-40, by the case's number), 8 slots a day for every
# jobcentre; then `kontakt db schedule --weeks 6 --format json` is timed
# (wall, the store's read included) three times. Targets: 20,000 cases
# under 2 s; 1,000,000 under 60 s.
# Environment: BENCH_BUILD (build), BENCH_SCHED_DIR (build/bench/sched),
# BENCH_SCHED_BIG (1), BENCH_STRICT=1 (exit 1 when a target is missed).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BENCH_BUILD:-build}
DIR=${BENCH_SCHED_DIR:-$BUILD/bench/sched}
BIG=${BENCH_SCHED_BIG:-1}
STRICT=${BENCH_STRICT:-0}
K=$BUILD/kontakt
export KONTAKT_TODAY=2026-12-03 KONTAKT_NOW=2026-12-03T08:00:00.000Z
missed=0

make --no-print-directory "$K"
mkdir -p "$DIR"

# make STORE JOBCENTRES CASES_EACH
make_store() {
    local db=$1 jcs=$2 each=$3
    [ -s "$db" ] && return 0
    rm -f "$db" "$db-wal" "$db-shm"
    local t0=$(date +%s)
    for j in $(seq 1 "$jcs"); do
        "$K" db demo --db "$db" --cases "$each" --jobcenter "$(printf 'jc-%02d' "$j")" >/dev/null
    done
    # 40 caseworkers a jobcentre, by the case's number (the trigger
    # obligations_follow_case moves the copies in obligations)
    sqlite3 "$db" "UPDATE cases SET caseworker = printf('cw-%02d', CAST(substr(id, 6) AS INTEGER) % 40 + 1)"
    for j in $(seq 1 "$jcs"); do
        "$K" db capacity set --db "$db" --jobcenter "$(printf 'jc-%02d' "$j")" --slots 8 >/dev/null
    done
    echo "store $db: $((jcs * each)) cases made in $(( $(date +%s) - t0 )) s"
}

# time STORE TARGET_S
time_schedule() {
    local db=$1 target=$2 best=
    for i in 1 2 3; do
        local t0=$(date +%s%N)
        "$K" db schedule --db "$db" --weeks 6 --format json >"$DIR/out.json"
        local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        echo "  run $i: $ms ms"
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    python3 - "$DIR/out.json" <<'EOF' || true
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print("  proposals %d, days %d, jobcentres %d, duties due %d, short %d, extra slots %d" % (
    len(d["proposals"]), len(d["days"]), len(s), sum(x["duties_due"] for x in s),
    sum(x["short_duties"] for x in s), sum(x["extra_slots"] for x in s)))
EOF
    if [ "$best" -gt $((target * 1000)) ]; then
        echo "  best $best ms: target ${target} s MISSED"
        missed=1
    else
        echo "  best $best ms: target ${target} s met"
    fi
}

echo "== 20,000 cases, 1 jobcentre, 40 caseworkers, 6 weeks"
make_store "$DIR/s20k.db" 1 20000
time_schedule "$DIR/s20k.db" 2
if [ "$BIG" = 1 ]; then
    echo "== 1,000,000 cases, 25 jobcentres of 40 caseworkers, 6 weeks"
    make_store "$DIR/s1m.db" 25 40000
    time_schedule "$DIR/s1m.db" 60
fi
[ "$STRICT" = 1 ] && [ "$missed" = 1 ] && exit 1
exit 0
