#!/usr/bin/env bash
# cli-api.sh -- the HTTP API against the real server process: starts
# `kontakt serve` on a free 127.0.0.1 port with a temporary store, waits for
# /healthz, checks every endpoint, and stops it with SIGTERM. Exit 0 = pass.
set -u
# never hang a test run: give up after 3 minutes
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 180 bash "$0" "$@"; fi
BUILD=${BUILD:-build}
K=$BUILD/kontakt
EX=examples/borger-17.json
T=$(mktemp -d)
fails=0
checks=0
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# start_server LOG ARGS...: starts the server on port 0; sets PORT and SPID.
start_server() {
    local log=$1; shift
    "$K" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
    SPID=$!
    PIDS+=("$SPID")
    PORT=""
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$PORT" ] && break
        sleep 0.05
    done
    [ -n "$PORT" ] || { echo "server did not start:"; cat "$log"; exit 1; }
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
        sleep 0.05
    done
    echo "server did not answer /healthz"; exit 1
}

# req METHOD PATH [curl args...]: sets STATUS, CTYPE; body in $T/body, headers in $T/head.
req() {
    local m=$1 p=$2; shift 2
    local out
    out=$(curl -s -X "$m" -o "$T/body" -D "$T/head" -w '%{http_code} %{content_type}' \
        "http://127.0.0.1:$PORT$p" "$@")
    STATUS=${out%% *}
    CTYPE=${out#* }
}

expect() { # expect STATUS [CONTENT-TYPE-PREFIX] -- about the last req
    local what="$LAST"
    if [ "$STATUS" != "$1" ]; then
        fail "$what: status $STATUS, expected $1; body: $(head -c 400 "$T/body")"
        return 1
    fi
    if [ $# -ge 2 ] && [[ $CTYPE != "$2"* ]]; then
        fail "$what: content type '$CTYPE', expected $2"
        return 1
    fi
    ok
}

# json PYTHON-EXPR: evaluates EXPR with d = the last body parsed as JSON; passes if true.
json() {
    if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/body" 2>/dev/null; then
        ok
    else
        fail "$LAST: not true of the body: $1; body: $(head -c 400 "$T/body")"
    fi
}

has_header() { # has_header REGEX
    if grep -qiE "$1" "$T/head"; then ok; else fail "$LAST: no header matching $1"; fi
}

JSONH=(-H 'Content-Type: application/json')

start_server "$T/server.log" --db "$T/kontakt.db" --timeout 2 --max-body 65536 --today 2024-06-01
BASE="http://127.0.0.1:$PORT"

# ---- healthz, plan ------------------------------------------------------------------
LAST="GET /healthz"; req GET /healthz; expect 200 application/json && json 'd["status"] == "ok"'
LAST="HEAD /healthz"; req HEAD /healthz; expect 200

LAST="POST /v1/plan valid"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$EX"
expect 200 application/json && json 'd["id"] == "borger-17" and len(d["obligations"]) > 0 and all("why" in o and "source" in o for o in d["obligations"])'

LAST="POST /v1/plan ?as_of"
req POST '/v1/plan?as_of=2024-12-01&horizon=30' "${JSONH[@]}" --data-binary @"$EX"
expect 200 && json 'd["as_of"] == "2024-12-01"'

LAST="POST /v1/plan without as_of uses --today"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("as_of"); print(json.dumps(d))' "$EX" >"$T/noasof.json"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$T/noasof.json"
expect 200 && json 'd["as_of"] == "2024-06-01"'

LAST="POST /v1/plan invalid case (422, every problem)"
printf '{"id": "x",\n "person": {"birth_date": "1990-13-01"},\n "benefits": [{"benefit": "nope", "from": "2024-01-01"}]}' >"$T/bad.json"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$T/bad.json"
expect 422 application/problem+json &&
    json 'd["status"] == 422 and d["type"].startswith("urn:kontakt:problem:") and len(d["problems"]) >= 2 and all(set(["pointer","message","expected","line","column"]) <= set(p) for p in d["problems"]) and "/person/birth_date" in [p["pointer"] for p in d["problems"]] and "/benefits/0/benefit" in [p["pointer"] for p in d["problems"]] and [p["line"] for p in d["problems"] if p["pointer"] == "/benefits/0/benefit"] == [3]'

LAST="POST /v1/plan CPR-like id (422)"
req POST /v1/plan "${JSONH[@]}" --data-binary '{"id":"010190-1234","person":{"birth_date":"1990-01-01"},"benefits":[]}'
expect 422 application/problem+json && json '"/id" in [p["pointer"] for p in d["problems"]]'

LAST="POST /v1/plan malformed JSON (400 with line and column)"
printf '{"id": "x",\n  "person": }' >"$T/malformed.json"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$T/malformed.json"
expect 400 application/problem+json && json 'd["problems"][0]["pointer"] == "" and d["problems"][0]["line"] == 2 and d["problems"][0]["column"] > 0'

LAST="POST /v1/plan binary garbage (400, not 500)"
head -c 3000 /dev/urandom >"$T/garbage"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$T/garbage"
if [ "$STATUS" = 400 ] || [ "$STATUS" = 422 ]; then ok; else fail "$LAST: status $STATUS"; fi

LAST="POST /v1/plan JSON that is not an object (422)"
req POST /v1/plan "${JSONH[@]}" --data-binary '[1,2,3]'
expect 422 application/problem+json

LAST="POST /v1/plan empty body (400)"
req POST /v1/plan "${JSONH[@]}"
expect 400 application/problem+json

LAST="POST /v1/plan bad ?as_of (400 naming the parameter)"
req POST '/v1/plan?as_of=2024-02-30' "${JSONH[@]}" --data-binary @"$EX"
expect 400 application/problem+json && json 'd["problems"][0]["parameter"] == "as_of"'

LAST="POST /v1/plan bad ?horizon"
req POST '/v1/plan?horizon=-1' "${JSONH[@]}" --data-binary @"$EX"
expect 400 application/problem+json

LAST="POST /v1/plan as a form (415)"
req POST /v1/plan --data-binary @"$EX" -H 'Content-Type: application/x-www-form-urlencoded'
expect 415 application/problem+json

LAST="POST /v1/plan oversized, Content-Length (413 before the body is read)"
head -c 200000 /dev/zero | tr '\0' ' ' >"$T/big.json"
req POST /v1/plan "${JSONH[@]}" --data-binary @"$T/big.json"
expect 413 application/problem+json && json 'd["status"] == 413'

LAST="POST /v1/plan oversized, chunked (413)"
req POST /v1/plan "${JSONH[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big.json"
expect 413 application/problem+json

LAST="POST /v1/plan 16 x the cap, chunked: cut off, server still up"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$T/huge.json"
curl -s -o /dev/null -X POST "${JSONH[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$T/huge.json" "$BASE/v1/plan"
req GET /healthz; expect 200

# ---- methods and paths -------------------------------------------------------------
LAST="GET /v1/plan (405)"; req GET /v1/plan; expect 405 application/problem+json && has_header '^Allow: POST'
LAST="DELETE /v1/plan (405)"; req DELETE /v1/plan; expect 405 application/problem+json
LAST="POST /healthz (405)"; req POST /healthz "${JSONH[@]}" --data-binary '{}'; expect 405 application/problem+json && has_header '^Allow: GET, HEAD'
LAST="PUT /v1/cases (405)"; req PUT /v1/cases "${JSONH[@]}" --data-binary '{}'; expect 405 application/problem+json
LAST="GET /nope (404)"; req GET /nope; expect 404 application/problem+json && json 'd["status"] == 404 and d["instance"] == "/nope"'
LAST="GET /v1/cases/a/b/c (404)"; req GET /v1/cases/a/b/c; expect 404 application/problem+json
LAST="GET /v1/cases/<200 chars> (404)"; req GET "/v1/cases/$(head -c 200 /dev/zero | tr '\0' a)"; expect 404 application/problem+json

# ---- web UI ----------------------------------------------------------------------------
LAST="GET / (the UI)"; req GET /; expect 200 text/html && has_header '^Content-Security-Policy:'
etag=$(sed -n 's/^ETag: *\(.*\)\r$/\1/Ip' "$T/head")
LAST="GET / If-None-Match (304)"; req GET / -H "If-None-Match: $etag"; expect 304
LAST="GET /ui/nope.js (404)"; req GET /ui/nope.js; expect 404 application/problem+json

# ---- slow clients ---------------------------------------------------------------------
# A connection that sends half its headers and stalls is closed after the idle
# timeout (2 s here); meanwhile other requests are served at once.
LAST="slow client"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&3
# and a trickling one: one byte every 0.3 s
(exec 4<>"/dev/tcp/127.0.0.1/$PORT"; for c in G E T ' ' /; do printf '%s' "$c" >&4; sleep 0.3; done; sleep 5) &
PIDS+=($!)
t0=$(date +%s%N)
for i in 1 2 3 4 5; do curl -sf -m 1 "$BASE/healthz" >/dev/null || fail "$LAST: request $i not served while a client is slow"; done
t1=$(date +%s%N)
if (( (t1 - t0) / 1000000 < 1000 )); then ok; else fail "$LAST: 5 requests took $(( (t1 - t0) / 1000000 )) ms"; fi
t0=$(date +%s)
timeout 8 cat <&3 >/dev/null
rc=$?
t1=$(date +%s)
exec 3<&-
if [ "$rc" -eq 0 ] && (( t1 - t0 <= 5 )); then ok; else fail "$LAST: stalled connection not closed by the timeout (rc $rc, $((t1 - t0)) s)"; fi

# ---- many at once ------------------------------------------------------------------------
LAST="50 concurrent plans"
cpids=()
for i in $(seq 1 50); do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "${JSONH[@]}" --data-binary @"$EX" "$BASE/v1/plan" &
    cpids+=($!)
done >"$T/codes"
wait "${cpids[@]}"
if [ "$(grep -c '^200$' "$T/codes")" = 50 ]; then ok; else fail "$LAST: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"; fi

# ---- per-IP limit (its own server) -------------------------------------------------------
LAST="per-IP connection limit"
MAIN_PORT=$PORT
start_server "$T/server2.log" --db "$T/kontakt2.db" --per-ip 2 --timeout 5
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.2
if curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/healthz"; then fail "$LAST: a third connection was served"; else ok; fi
exec 5<&- 6<&-
sleep 0.3
if curl -sf -m 2 -o /dev/null "http://127.0.0.1:$PORT/healthz"; then ok; else fail "$LAST: not served after the others closed"; fi
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
PORT=$MAIN_PORT

# ---- clean shutdown ------------------------------------------------------------------------
LAST="SIGTERM"
kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}"
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'stopping' "$T/server.log"; then ok; else fail "$LAST: exit $rc; log: $(cat "$T/server.log")"; fi

echo "cli-api: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
