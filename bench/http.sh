#!/usr/bin/env bash
# bench/http.sh -- POST /v1/plan through the HTTP server under wrk
# (figures and what they mean: bench/README.md, "HTTP").
#
#   bench/http.sh
#   BENCH_HTTP_SECONDS=30 bench/http.sh
#
# Environment:
#   BENCH_HTTP_SECONDS  seconds per run (default 10)
#   BENCH_HTTP_THREADS  server threads (default 2) -- wrk always uses 2
#   BENCH_HTTP_CASE     the case to post (default examples/borger-17.json)
#   BENCH_STRICT=1      exit 1 when a target is missed
#   BENCH_HTTP_DB       the server's store (default: a new SQLite file; a
#                       postgresql:// URI compares the backends, issue 13, 7)
#
# Needs wrk (Debian package "wrk"); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
SECS=${BENCH_HTTP_SECONDS:-10}
SRV_THREADS=${BENCH_HTTP_THREADS:-2}
CASE=${BENCH_HTTP_CASE:-examples/borger-17.json}
STRICT=${BENCH_STRICT:-0}
T_RPS=20000
T_P99_MS=10

command -v wrk >/dev/null || { echo "http.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
make --no-print-directory "$BUILD/kontakt" >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

. bench/http-lib.sh
start_server "$tmp/server.log" --db "${BENCH_HTTP_DB:-$tmp/bench.db}" --threads "$SRV_THREADS" --per-ip 0 --max-connections 4096
URL="http://127.0.0.1:$PORT/v1/plan"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$CASE" "$URL")
[ "$code" = 200 ] || { echo "http.sh: the case does not plan (HTTP $code)"; exit 1; }


MISSED=0
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A RPS P99 ERR CPU
for c in 100 1000; do
    echo "== wrk -t2 -c$c -d${SECS}s --latency POST /v1/plan ($(wc -c <"$CASE") bytes; server: $SRV_THREADS threads)"
    cpu0=$(server_ticks)
    KT_CASE=$CASE wrk -t2 -c"$c" -d"${SECS}s" --timeout 5s --latency -s bench/http-post.lua "$URL" | tee "$tmp/wrk-$c.txt"
    cpu1=$(server_ticks)
    wrk_figures "$tmp/wrk-$c.txt"
    RPS[$c]=$rps
    P99[$c]=$p99
    ERR[$c]=$errors
    # the server's own CPU per request: a figure other load on the machine barely moves
    CPU[$c]=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$nreq" 'BEGIN {
        printf "%.1f", n ? t / hz / n * 1e6 : 0 }')
done

verdict() { # verdict RPS P99 ERR CONNECTIONS -- p99 is judged at 100 connections (README)
    awk -v r="$1" -v p="$2" -v e="$3" -v c="$4" -v tr="$T_RPS" -v tp="$T_P99_MS" \
        'BEGIN { if (r >= tr && (c > 100 || p < tp) && e == 0) print "ok"; else print "BELOW TARGET" }'
}
echo
echo "== summary (targets: >= $T_RPS req/s, p99 < $T_P99_MS ms at 100 connections, no errors; load before: $LOAD0)"
for c in 100 1000; do
    v=$(verdict "${RPS[$c]}" "${P99[$c]}" "${ERR[$c]}" "$c")
    [ "$v" = ok ] || MISSED=1
    printf '%5d connections: %7s req/s   p99 %6s ms   errors %s   server CPU %s us/req   %s\n' "$c" "${RPS[$c]}" \
        "${P99[$c]}" "${ERR[$c]}" "${CPU[$c]}" "$v"
done
if [[ $STRICT == 1 && $MISSED == 1 ]]; then exit 1; fi
