#!/usr/bin/env bash
# bench/http-worklist.sh -- GET /v1/worklist under wrk at 1, 5 and 20
# connections on a large demo store (figures: bench/README.md, "The
# worklist under load"). Each request is one of 11 lists in turn
# (bench/http-worklist.lua): the jobcentre's default, two later pages, and
# each of 8 caseworkers' own.
#
#   bench/http-worklist.sh                          # a 100,000-case demo store
#   BENCH_WL_DB=/tmp/big.db bench/http-worklist.sh  # a store made before (jobcentre demo)
#
# Environment:
#   BENCH_WL_DB         an existing store (copied; its jobcentre must be "demo")
#   BENCH_WL_CASES      demo cases when no store is given (default 100000)
#   BENCH_WL_TODAY      the day (default 2026-12-03; the store's demo day)
#   BENCH_HTTP_SECONDS  seconds per run (default 10)
#   BENCH_HTTP_THREADS  server threads (default 2)
#   BENCH_STRICT=1      exit 1 when p99 at 20 connections is 100 ms or more
# Needs wrk (Debian package "wrk"); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SECS=${BENCH_HTTP_SECONDS:-10}
SRV_THREADS=${BENCH_HTTP_THREADS:-2}
CASES=${BENCH_WL_CASES:-100000}
STRICT=${BENCH_STRICT:-0}
T_P99_MS=100
command -v wrk >/dev/null || { echo "http-worklist.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
make --no-print-directory "$BUILD/kontakt" >/dev/null
. bench/http-lib.sh
export KONTAKT_TODAY=${BENCH_WL_TODAY:-2026-12-03}
if [ -n "${BENCH_WL_DB:-}" ]; then
    cp "$BENCH_WL_DB" "$tmp/bench.db"
else
    "$BUILD/kontakt" db demo --cases "$CASES" --db "$tmp/bench.db" >/dev/null
fi
TOKEN=$("$BUILD/kontakt" token create --db "$tmp/bench.db" --jobcenter demo --role caseworker 2>/dev/null | head -1)
start_server "$tmp/server.log" --db "$tmp/bench.db" --threads "$SRV_THREADS" --per-ip 0
URL="http://127.0.0.1:$PORT"
size=$(curl -s -o "$tmp/wl.json" -w '%{size_download}' -H "Authorization: Bearer $TOKEN" "$URL/v1/worklist")
summary=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%d items of %d (open %d, overdue %d)" % (d["count"], d["total"], d["counts"]["open"], d["counts"]["overdue"]))' "$tmp/wl.json")
MISSED=0
cases=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM cases" 2>/dev/null || echo "?")
echo "== GET /v1/worklist, $cases-case store, server $SRV_THREADS threads, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   default answer: $size bytes, $summary"
for c in 1 5 20; do
    t=$((c < 2 ? 1 : 2))
    cpu0=$(server_ticks)
    KT_TOKEN=$TOKEN wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 10s --latency -s bench/http-worklist.lua "$URL" >"$tmp/wrk-$c.txt"
    cpu1=$(server_ticks)
    wrk_figures "$tmp/wrk-$c.txt"
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$nreq" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", n ? (b - a) * 1000 / hz / n : 0 }')
    v=ok
    if [ "$c" -ge 20 ] && awk -v p="$p99" -v t="$T_P99_MS" 'BEGIN { exit !(p >= t) }'; then v="BELOW TARGET"; MISSED=1; fi
    printf '%4d connections: %6s req/s   p50 %7s ms   p99 %7s ms   server CPU %5s ms/req   errors %s   %s\n' \
        "$c" "$rps" "$p50" "$p99" "$cpu" "$errors" "$v"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $STRICT == 1 && $MISSED == 1 ]]; then exit 1; fi
