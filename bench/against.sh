#!/usr/bin/env bash
# bench/against.sh -- today's engine beside an earlier one, on this machine.
#
#   bench/against.sh [REV]        REV: default 38493cd, whose engine met the
#                                 1,000,000 cases/s target on 2026-11-23
#
# The engine target was set on one machine; on another its figure says more
# about the machine than the code (bench/README.md, "Targets"). This builds
# bench-engine and kontakt-gen at REV (in a temporary git worktree) and at
# the working tree, makes one input with each generator, and runs the two
# engines in turn on both inputs, so that both see the same machine.
#
# Environment:
#   AGAINST_CASES    cases per input (default 200000)
#   AGAINST_ROUNDS   runs of each engine on each input (default 10)
#   AGAINST_INSTR=1  also instructions per case (valgrind's callgrind; slow)
#   BENCH_SEED       generator seed (default 20261123)
#
# Needs: git, make, a C compiler, libjansson; taskset (util-linux) to pin.
set -euo pipefail

cd "$(dirname "$0")/.."
REV=${1:-38493cd}
N=${AGAINST_CASES:-200000}
ROUNDS=${AGAINST_ROUNDS:-10}
SEED=${BENCH_SEED:-20261123}
OUT=build/bench/against
CFLAGS=(-std=c11 -O2 -D_POSIX_C_SOURCE=200809L)

if ! [[ $N =~ ^[0-9]+$ ]] || ((N < 20000)); then
    echo "against.sh: AGAINST_CASES must be a number >= 20000 (got '$N')" >&2
    exit 2
fi
git rev-parse --verify -q "$REV^{commit}" >/dev/null || {
    echo "against.sh: no commit '$REV' in this repository" >&2
    exit 2
}

mkdir -p "$OUT"
TREE=$(mktemp -d "${TMPDIR:-/tmp}/kontakt-against.XXXXXX")
cleanup() {
    git worktree remove --force "$TREE" >/dev/null 2>&1 || rm -rf "$TREE"
}
trap cleanup EXIT

# build DIR NAME: bench-engine and kontakt-gen of the tree in DIR
build() {
    local dir=$1 name=$2
    make --no-print-directory -s -C "$dir" build/libkontakt.a
    local synth=()
    [[ -f $dir/store/synth.c ]] && synth=("$dir/store/synth.c") # the generator's own file since issue 10
    cc "${CFLAGS[@]}" "$dir/bench/gen.c" ${synth[@]+"${synth[@]}"} -o "$OUT/kontakt-gen-$name"
    cc "${CFLAGS[@]}" -I"$dir/include" "$dir/bench/bench_engine.c" -o "$OUT/bench-engine-$name" \
        "$dir/build/libkontakt.a" -ljansson
}

echo "== build: $REV and the working tree"
git worktree add --detach -q "$TREE" "$REV"
build "$TREE" old
build . new

echo "== inputs: $N cases of each generator (seed $SEED)"
for g in old new; do
    "$OUT/kontakt-gen-$g" --cases "$N" --seed "$SEED" >"$OUT/cases-$g.ndjson"
done

PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c 1 true 2>/dev/null; then PIN=(taskset -c 1); fi

# rate BIN INPUT: engine cases/s of one 1-second run
rate() {
    KONTAKT_TODAY=2026-11-23 ${PIN[@]+"${PIN[@]}"} "$1" --seconds 1 "$2" | awk '$1 == "engine:" { print $2 }'
}

# instr BIN INPUT: instructions per planned case in kt_plan_compute + kt_plan_free
# (three passes a case; the 20,000-case run less the 10,000-case run)
instr() {
    local t
    t=$(mktemp -d)
    head -n 10000 "$2" >"$t/a"
    head -n 20000 "$2" >"$t/b"
    local k cost=() planned=()
    for k in a b; do
        KONTAKT_TODAY=2026-11-23 valgrind --tool=callgrind --callgrind-out-file="$t/cg.$k" \
            "$1" --seconds 0 "$t/$k" >"$t/out.$k" 2>/dev/null
        cost+=("$(callgrind_annotate --inclusive=yes "$t/cg.$k" |
            awk '/kt_plan_compute |kt_plan_free /{ gsub(",", "", $1); s += $1 } END { print s }')")
        planned+=("$(awk '$1 == "cases:" { print $2 }' "$t/out.$k")")
    done
    rm -rf "$t"
    echo $(((cost[1] - cost[0]) / (3 * (planned[1] - planned[0]))))
}

echo "== $ROUNDS rounds, engines in turn (${PIN[*]:-not pinned}); load: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A runs
for ((r = 0; r < ROUNDS; r++)); do
    for inp in old new; do
        for eng in old new; do
            runs[$inp.$eng]+=" $(rate "$OUT/bench-engine-$eng" "$OUT/cases-$inp.ndjson")"
        done
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

label() { if [[ $1 == old ]]; then echo "$REV"; else echo today; fi; }

printf '\n%-22s %-18s %12s %12s\n' input engine best median
for inp in old new; do
    for eng in old new; do
        read -r best median < <(tr ' ' '\n' <<<"${runs[$inp.$eng]}" | grep . | sort -n |
            awk '{ v[NR] = $1 } END { print v[NR], v[int((NR + 1) / 2)] }')
        printf '%-22s %-18s %12s %12s\n' "generator of $(label $inp)" "engine of $(label $eng)" \
            "$best" "$median"
    done
done

if [[ ${AGAINST_INSTR:-0} == 1 ]] && command -v valgrind >/dev/null 2>&1; then
    printf '\ninstructions per planned case (callgrind)\n'
    for inp in old new; do
        for eng in old new; do
            printf '%-22s %-18s %12s\n' "generator of $(label $inp)" "engine of $(label $eng)" \
                "$(instr "$OUT/bench-engine-$eng" "$OUT/cases-$inp.ndjson")"
        done
    done
fi
