#!/usr/bin/env bash
# A short libFuzzer run of the case parser and the engine (fuzz/fuzz_case.c)
# under ASan and UBSan. Builds build-fuzz/fuzz_case from src/*.c, fuzzes a
# copy of fuzz/corpus (plus fuzz/regressions) in build-fuzz/corpus, so the
# repository's corpus is never modified, and ends with one line:
# "1 passed, 0 failed" or "0 passed, 1 failed" (then exit status 1).
#
#   FUZZ_SECONDS  how long to fuzz (default 60)
#   CLANG         the compiler (default clang; needs libclang-rt-14-dev on Debian)
#   FUZZ_ARGS     extra libFuzzer options, e.g. "-jobs=4 -workers=4" or "-seed=1"
set -u
cd "$(dirname "$0")/.." || exit 1

SECONDS_TO_FUZZ=${FUZZ_SECONDS:-60}
CLANG=${CLANG:-clang}
OUT=build-fuzz
BIN=$OUT/fuzz_case
LOG=$OUT/fuzz.log
ART=$OUT/artifacts

result() { # $1: 0 ok, else failed; rest: lines to print before the summary
    local rc=$1
    shift
    for line in "$@"; do echo "$line"; done
    if [ "$rc" -eq 0 ]; then
        echo "1 passed, 0 failed"
        exit 0
    fi
    echo "0 passed, 1 failed"
    exit 1
}

command -v "$CLANG" >/dev/null 2>&1 || result 1 "fuzz-smoke: $CLANG not found (install clang and libclang-rt-14-dev)"

mkdir -p "$OUT"
# shellcheck disable=SC2086
if ! "$CLANG" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -Istore \
        src/*.c store/canon.c fuzz/fuzz_case.c -ljansson -o "$BIN" 2>"$OUT/build.log"; then
    cat "$OUT/build.log" >&2
    result 1 "fuzz-smoke: building $BIN failed (see $OUT/build.log)"
fi

rm -rf "$OUT/corpus" "$ART"
mkdir -p "$OUT/corpus" "$ART"
cp fuzz/corpus/* "$OUT/corpus/"
if [ -d fuzz/regressions ] && [ -n "$(ls -A fuzz/regressions 2>/dev/null)" ]; then
    cp fuzz/regressions/* "$OUT/corpus/"
fi

echo "fuzz-smoke: fuzzing $BIN for ${SECONDS_TO_FUZZ}s (log: $LOG)"
# shellcheck disable=SC2086
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$BIN" -max_total_time="$SECONDS_TO_FUZZ" -dict=fuzz/case.dict -max_len=8192 \
    -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$ART/" ${FUZZ_ARGS:-} "$OUT/corpus" >"$LOG" 2>&1
rc=$?

stats=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$LOG" | tail -1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG" | tail -1)
summary="fuzz-smoke: ${runs:-?} runs, ${speed:-?} exec/s; last status: ${stats:-none}"

crash=$(find "$ART" -type f | head -1)
if [ "$rc" -ne 0 ] || [ -n "$crash" ]; then
    # the sanitizer's report and the libFuzzer verdict, for the CI log
    grep -nE 'ERROR: |SUMMARY: |runtime error|fuzz_case: |Test unit written|^    #[0-9]+ ' "$LOG" | head -60 >&2
    result 1 "$summary" "fuzz-smoke: libFuzzer exited $rc; full log: $LOG" \
        "fuzz-smoke: reproducer: ${crash:-none written} (rerun: $BIN ${crash:-FILE})"
fi
result 0 "$summary"
