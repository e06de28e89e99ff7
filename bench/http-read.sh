#!/usr/bin/env bash
# bench/http-read.sh -- GET /v1/cases/{id} under wrk at 1, 5 and 20
# connections: every read writes a durable access-log row, so this measures
# the log's commit path (figures: bench/README.md, "Case reads under load").
#
#   bench/http-read.sh
#   BENCH_HTTP_SECONDS=20 BENCH_READ_CASES=5000 bench/http-read.sh
#
# Environment:
#   BENCH_HTTP_SECONDS  seconds per run (default 10)
#   BENCH_HTTP_THREADS  server threads (default 2)
#   BENCH_READ_CASES    demo cases in the store (default 2000)
#   BENCH_READ_CONNS    connection counts (default "1 5 20")
#   BENCH_STRICT=1      exit 1 when p99 at 20 connections is 50 ms or more
# Needs wrk (Debian package "wrk"); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SECS=${BENCH_HTTP_SECONDS:-10}
SRV_THREADS=${BENCH_HTTP_THREADS:-2}
CASES=${BENCH_READ_CASES:-2000}
CONNS=${BENCH_READ_CONNS:-1 5 20}
STRICT=${BENCH_STRICT:-0}
T_P99_MS=50
command -v wrk >/dev/null || { echo "http-read.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
make --no-print-directory "$BUILD/kontakt" >/dev/null
. bench/http-lib.sh
export KONTAKT_TODAY=2025-03-03
"$BUILD/kontakt" db demo --cases "$CASES" --db "$tmp/bench.db" >/dev/null
TOKEN=$("$BUILD/kontakt" token create --db "$tmp/bench.db" --jobcenter demo --role caseworker 2>/dev/null | head -1)
start_server "$tmp/server.log" --db "$tmp/bench.db" --threads "$SRV_THREADS" --per-ip 0
URL="http://127.0.0.1:$PORT"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/v1/cases/demo-000000")
[ "$code" = 200 ] || { echo "http-read.sh: a case read gives HTTP $code"; exit 1; }
MISSED=0
echo "== GET /v1/cases/{id}, $CASES-case demo store, server $SRV_THREADS threads, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $CONNS; do
    t=$((c < 2 ? 1 : 2))
    KT_TOKEN=$TOKEN KT_CASES=$CASES wrk -t"$t" -c"$c" -d"${SECS}s" --timeout 10s --latency -s bench/http-read.lua "$URL" >"$tmp/wrk-$c.txt"
    wrk_figures "$tmp/wrk-$c.txt"
    v=ok
    if [ "$c" -ge 20 ] && awk -v p="$p99" -v t="$T_P99_MS" 'BEGIN { exit !(p >= t) }'; then v="BELOW TARGET"; MISSED=1; fi
    printf '%4d connections: %6s req/s   p50 %7s ms   p99 %7s ms   errors %s   %s\n' "$c" "$rps" "$p50" "$p99" \
        "$errors" "$v"
done
rows=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM access_log WHERE action = 'read'" 2>/dev/null || echo "?")
echo "access-log rows written: $rows"
if [[ $STRICT == 1 && $MISSED == 1 ]]; then exit 1; fi
