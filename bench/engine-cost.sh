#!/usr/bin/env bash
# bench/engine-cost.sh [BENCH_ENGINE] -- the engine's estimated cycles per case,
# deterministic (bench/README.md, "Engine cycles: branches").
#
# callgrind with its branch simulator on `bench-engine --seconds 0` (a warm-up
# pass, a timed pass, a pass with JSON: three kt_plan_compute + kt_plan_free a
# case) over the first 10,000 and the first 20,000 cases of `kontakt-gen
# --cases 20000 --seed 20261123`, default and dense mix. Per case: the
# inclusive Ir, Bc, Bcm, Bi, Bim of kt_plan_compute + kt_plan_free in the 20k
# run less the 10k run, divided by 30,000, and cost = Ir + 15 x (Bcm + Bim).
# Load on the machine does not change these figures.
#
# Needs valgrind (callgrind, callgrind_annotate) and build/bench/kontakt-gen
# and build/bench/bench-engine as bench/run.sh builds them.
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build/bench/bench-engine}
gen=build/bench/kontakt-gen
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# inclusive Ir Bc Bcm Bi Bim of kt_plan_compute + kt_plan_free in one run
cost() {
    KONTAKT_TODAY=2026-12-03 valgrind --tool=callgrind --branch-sim=yes \
        --callgrind-out-file="$t/cg" "$b" --seconds 0 "$1" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes --auto=no --threshold=100 --show=Ir,Bc,Bcm,Bi,Bim "$t/cg" 2>/dev/null |
        sed -e 's/([^)]*%)//g' -e 's/,//g' |
        awk '/:kt_plan_(compute|free) \[/ {for (i = 1; i <= 5; i++) s[i] += ($i == "." ? 0 : $i)}
             END {print s[1] + 0, s[2] + 0, s[3] + 0, s[4] + 0, s[5] + 0}'
}

for mix in default dense; do
    "$gen" --cases 20000 --seed 20261123 --mix "$mix" > "$t/all.ndjson"
    head -10000 "$t/all.ndjson" > "$t/a.ndjson"
    read -r a1 a2 a3 a4 a5 <<< "$(cost "$t/a.ndjson")"
    read -r b1 b2 b3 b4 b5 <<< "$(cost "$t/all.ndjson")"
    awk -v mix="$mix" -v ir=$((b1 - a1)) -v bc=$((b2 - a2)) -v bcm=$((b3 - a3)) -v bi=$((b4 - a4)) -v bim=$((b5 - a5)) \
        'BEGIN {n = 30000; printf "%-7s Ir %6.0f  Bc %5.0f  Bcm %5.1f  Bi %4.0f  Bim %4.1f  cost %6.0f a case\n",
                mix, ir / n, bc / n, bcm / n, bi / n, bim / n, (ir + 15 * (bcm + bim)) / n}'
done
