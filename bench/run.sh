#!/usr/bin/env bash
# bench/run.sh -- kontakt's benchmarks (bench/README.md says what they mean).
#
#   bench/run.sh               or   make bench
#   BENCH_CASES=200000 bench/run.sh
#
# Environment:
#   BENCH_CASES       cases in the big input (default 1000000); the small
#                     end-to-end input has a tenth of them, the dense mix
#                     (kontakt-gen --mix dense) as many as the big one
#   BENCH_SEED        generator seed (default 20261123)
#   BENCH_JOBCENTERS  jobcentres in the synthetic caseload (default 5)
#   BENCH_SECONDS     minimum timed seconds per engine figure (default 2)
#   BENCH_STRICT=1    exit 1 when a target is missed (default: report only)
#   CC                compiler for the bench programs (default cc)
#
# Needs: make, a C compiler, libjansson, GNU date; /usr/bin/time (Debian
# package "time") for peak memory, taskset (util-linux) to pin to one core.
set -euo pipefail

cd "$(dirname "$0")/.."

CC=${CC:-cc}
BUILD=build
OUT=$BUILD/bench
N=${BENCH_CASES:-1000000}
SEED=${BENCH_SEED:-20261123}
JC=${BENCH_JOBCENTERS:-5}
MIN_S=${BENCH_SECONDS:-2}
STRICT=${BENCH_STRICT:-0}

# Targets (bench/README.md).
T_ENGINE=1000000
T_E2E=200000
T_RSS_RATIO=1.5 # peak RSS on N cases / on N/10 cases: "does not grow"

if ! [[ $N =~ ^[0-9]+$ ]] || ((N < 10)); then
    echo "run.sh: BENCH_CASES must be a number >= 10 (got '$N')" >&2
    exit 2
fi
N_SMALL=$((N / 10))

WARN=(-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wformat=2 -Wvla -D_POSIX_C_SOURCE=200809L)

say() { printf '\n== %s\n' "$*"; }

# Wall clock in nanoseconds (GNU date).
now_ns() { date +%s%N; }

# ---- build -------------------------------------------------------------------
say "build"
make --no-print-directory "$BUILD/kontakt" "$BUILD/libkontakt.a"
mkdir -p "$OUT"
"$CC" "${WARN[@]}" -O2 bench/gen.c store/synth.c -o "$OUT/kontakt-gen"
"$CC" "${WARN[@]}" -O2 -Iinclude bench/bench_engine.c -o "$OUT/bench-engine" \
    "$BUILD/libkontakt.a" -ljansson

# ---- pinning and measuring tools ------------------------------------------------
PIN=()
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN=(taskset -c 0)
    PIN_NOTE="pinned to core 0 (taskset -c 0)"
else
    PIN_NOTE="not pinned (taskset not available)"
fi
# ${PIN[@]+...}: an empty array under set -u on older bash.
pinned() { ${PIN[@]+"${PIN[@]}"} "$@"; }

TIMEV=$(type -P time || true)
if [[ -n $TIMEV ]] && ! "$TIMEV" -v -o /dev/null true 2>/dev/null; then
    TIMEV="" # a time without -v/-o (not GNU time)
fi
if [[ -z $TIMEV ]]; then
    RSS_NOTE="peak memory NOT measured: no GNU time (install the Debian/Ubuntu package 'time' for /usr/bin/time)"
else
    RSS_NOTE="peak memory: $TIMEV -v (maximum resident set size)"
fi

# ---- inputs ------------------------------------------------------------------
# ensure_cases (bench/cases-lib.sh): the generated inputs, shared with
# bench/store.sh and bench/pg-import.sh.
. bench/cases-lib.sh

say "inputs (seed $SEED)"
BIG=$OUT/cases.ndjson
SMALL=$OUT/cases-small.ndjson
ensure_cases "$BIG" "$N"
ensure_cases "$SMALL" "$N_SMALL"
DENSE=$OUT/cases-dense.ndjson
ensure_cases "$DENSE" "$N" dense

# ---- engine alone ----------------------------------------------------------------
say "engine: bench-engine $BIG ($PIN_NOTE)"
# Keep going if it fails (plan errors): the end-to-end figures still count.
ENGINE_RC=0
pinned "$OUT/bench-engine" --seconds "$MIN_S" "$BIG" | tee "$OUT/engine.txt" || ENGINE_RC=$?
ENGINE=$(awk '$1 == "engine:" { print $2 }' "$OUT/engine.txt")
ENGINE_JSON=$(awk '$1 == "engine_json:" { print $2 }' "$OUT/engine.txt")
INVALID=$(awk '$1 == "invalid:" { print $2 }' "$OUT/engine.txt")

say "engine, dense mix: bench-engine $DENSE ($PIN_NOTE)"
DENSE_ENGINE_RC=0
pinned "$OUT/bench-engine" --seconds "$MIN_S" "$DENSE" | tee "$OUT/engine-dense.txt" ||
    DENSE_ENGINE_RC=$?
D_ENGINE=$(awk '$1 == "engine:" { print $2 }' "$OUT/engine-dense.txt")
D_ENGINE_JSON=$(awk '$1 == "engine_json:" { print $2 }' "$OUT/engine-dense.txt")
D_INVALID=$(awk '$1 == "invalid:" { print $2 }' "$OUT/engine-dense.txt")

# ---- end to end --------------------------------------------------------------------
# e2e FILE COUNT LABEL: runs the command on FILE, sets E2E_S, E2E_RATE,
# E2E_RSS_KIB (empty without GNU time) and E2E_RC.
e2e() {
    local file=$1 count=$2 label=$3 t0 t1
    local tv=$OUT/e2e-$label.time err=$OUT/e2e-$label.stderr
    E2E_RC=0
    E2E_RSS_KIB=""
    t0=$(now_ns)
    if [[ -n $TIMEV ]]; then
        "$TIMEV" -v -o "$tv" ${PIN[@]+"${PIN[@]}"} "$BUILD/kontakt" plan --ndjson "$file" \
            >/dev/null 2>"$err" || E2E_RC=$?
    else
        pinned "$BUILD/kontakt" plan --ndjson "$file" >/dev/null 2>"$err" || E2E_RC=$?
    fi
    t1=$(now_ns)
    if [[ -n $TIMEV && -f $tv ]]; then
        E2E_RSS_KIB=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$tv")
    fi
    E2E_S=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }')
    E2E_RATE=$(awk -v n="$count" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
    printf '%s: %d cases in %s s = %s cases/s, peak RSS %s KiB, exit %d\n' "$label" "$count" \
        "$E2E_S" "$E2E_RATE" "${E2E_RSS_KIB:-?}" "$E2E_RC"
    if ((E2E_RC != 0)); then
        echo "  (kontakt exited $E2E_RC; first lines of its stderr:)"
        head -n 5 "$err" | sed 's/^/  /'
    fi
}

say "end to end: $BUILD/kontakt plan --ndjson FILE >/dev/null ($PIN_NOTE)"
e2e "$SMALL" "$N_SMALL" small
S_S=$E2E_S S_RATE=$E2E_RATE S_RSS=$E2E_RSS_KIB S_RC=$E2E_RC
e2e "$BIG" "$N" big
B_S=$E2E_S B_RATE=$E2E_RATE B_RSS=$E2E_RSS_KIB B_RC=$E2E_RC
e2e "$DENSE" "$N" dense
D_S=$E2E_S D_RATE=$E2E_RATE D_RC=$E2E_RC

# ---- summary ----------------------------------------------------------------------
MISSED=0
reached() { awk -v v="${1:-0}" -v t="$2" 'BEGIN { exit !(v >= t) }'; }
V_ENGINE="ok" V_E2E="ok"
reached "$ENGINE" "$T_ENGINE" || { V_ENGINE="BELOW TARGET"; MISSED=1; }
reached "$B_RATE" "$T_E2E" || { V_E2E="BELOW TARGET"; MISSED=1; }
if [[ -n $S_RSS && -n $B_RSS ]]; then
    RATIO=$(awk -v a="$B_RSS" -v b="$S_RSS" 'BEGIN { printf "%.2f", a / b }')
    if awk -v r="$RATIO" -v t="$T_RSS_RATIO" 'BEGIN { exit !(r <= t) }'; then
        V_RSS="ok (flat)"
    else
        V_RSS="GROWS with the number of cases"
        MISSED=1
    fi
else
    RATIO="?"
    V_RSS="not measured"
fi
if ((ENGINE_RC != 0)); then V_ENGINE="FAILED (bench-engine exited $ENGINE_RC)"; MISSED=1; fi
if ((S_RC != 0 || B_RC != 0)); then V_E2E="FAILED (kontakt exited $B_RC/$S_RC)"; MISSED=1; fi
V_DENSE="ok"
reached "$D_RATE" "$T_E2E" || { V_DENSE="BELOW TARGET"; MISSED=1; }
if ((D_RC != 0 || DENSE_ENGINE_RC != 0)); then
    V_DENSE="FAILED (kontakt exited $D_RC, bench-engine $DENSE_ENGINE_RC)"
    MISSED=1
fi

kib_mib() { [[ -n ${1:-} ]] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || echo "?"; }

say "summary"
cat <<EOF
cases            $N (small: $N_SMALL), seed $SEED, invalid $INVALID; $PIN_NOTE
engine           $ENGINE cases/s   (target >= $T_ENGINE: $V_ENGINE)
engine+json      $ENGINE_JSON cases/s
end to end       $B_RATE cases/s on $N cases, $B_S s   (target >= $T_E2E: $V_E2E)
                 $S_RATE cases/s on $N_SMALL cases, $S_S s
dense mix        engine $D_ENGINE cases/s, engine+json $D_ENGINE_JSON cases/s, invalid $D_INVALID
                 end to end $D_RATE cases/s on $N cases, $D_S s   (target >= $T_E2E: $V_DENSE)
peak memory      $(kib_mib "$B_RSS") on $N cases, $(kib_mib "$S_RSS") on $N_SMALL cases, ratio $RATIO   (target <= $T_RSS_RATIO: $V_RSS)
exit codes       bench-engine: $ENGINE_RC, $DENSE_ENGINE_RC (dense); kontakt: $S_RC (small), $B_RC (big), $D_RC (dense)
note             $RSS_NOTE
EOF

if [[ $STRICT == 1 && $MISSED == 1 ]]; then
    echo "run.sh: a target was missed (BENCH_STRICT=1)" >&2
    exit 1
fi
