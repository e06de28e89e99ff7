#!/usr/bin/env bash
# cli-api-hardening.sh -- what the server refuses, and that every refusal is
# answered as problem+json and logged: control characters in the path or a
# parameter (raw or %-encoded) are a 400 before routing; an over-long URI a
# 414 and over-large headers a 431; two Authorization headers a 400; every
# refused attempt on a case, read or write, leaves a denied row in the
# access log; /ui/{file} is documented with the content types it is served
# with. Exit 0 = pass.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 180 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
EX=examples/borger-17.json
DB=$T/kontakt.db
"$K" db init --db "$DB" >/dev/null 2>&1 || { echo "db init failed"; exit 1; }
TA=$(tok aarhus caseworker)
TB=$(tok odense caseworker)
TU=$(tok aarhus auditor)
start_server "$T/server.log" --db "$DB" --today 2024-06-01

LAST="POST /v1/cases as caseworker"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$EX"; expect 201 application/json
EVENTS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"])' "$T/body")

# ---- control characters -----------------------------------------------------------
for u in '/v1/cases/borger-17%00/calendar.ics' '/v1/cases/borger-17%00' '/ui/app.js%00.txt' \
    '/v1/worklist?caseworker=%00' '/v1/worklist?caseworker=a%00b' '/v1/cases/borger-17%0a' \
    '/v1/cases/borger-17%1F' '/v1/cases/borger-17%7f' '/v1/cases?after=%09' '/v1/worklist?x%00=1' \
    '/healthz?%0d'; do
    LAST="GET $u (400)"
    req GET "$u" -H "$(AU "$TA")"
    expect 400 application/problem+json && json 'd["status"] == 400 and d["type"] == "urn:kontakt:problem:control-character"'
done
LAST="POST /v1/plan?as_of=%00 (400 before the body is read)"
req POST '/v1/plan?as_of=%00' "${JSONH[@]}" --data-binary @"$EX"; expect 400 application/problem+json
LAST="an encoded percent sign is no control character"
req GET '/v1/cases/borger-17%2500' -H "$(AU "$TA")"; expect 404 application/problem+json
LAST="UTF-8 in a parameter is allowed"
req GET '/v1/worklist?caseworker=%C3%A6' -H "$(AU "$TA")"; expect 200 application/json
LAST="the case itself is still served"
req GET /v1/cases/borger-17 -H "$(AU "$TA")"; expect 200 application/json

# ---- 414 and 431 ------------------------------------------------------------------------
long=$(head -c 20000 /dev/zero | tr '\0' a)
LAST="GET a 20 kB path (414 problem+json)"
req GET "/v1/cases/$long" -H "$(AU "$TA")"
expect 414 application/problem+json && json 'd["status"] == 414 and d["title"] == "URI Too Long"'
LAST="GET a 20 kB query (414 problem+json)"
req GET "/v1/worklist?caseworker=$long" -H "$(AU "$TA")"; expect 414 application/problem+json
LAST="a 20 kB header (431 problem+json)"
req GET /v1/me -H "$(AU "$TA")" -H "X-Filler: $long"
expect 431 application/problem+json && json 'd["status"] == 431'
LAST="100 headers of 300 bytes (431 problem+json)"
hdrs=()
for i in $(seq 1 100); do hdrs+=(-H "X-F$i: $(head -c 300 /dev/zero | tr '\0' b)"); done
req GET /v1/me -H "$(AU "$TA")" "${hdrs[@]}"; expect 431 application/problem+json
LAST="a 7 kB path is within the limit (404)"
req GET "/v1/cases/$(head -c 7000 /dev/zero | tr '\0' a)" -H "$(AU "$TA")"; expect 404 application/problem+json

# ---- two Authorization headers ----------------------------------------------------------
LAST="two Authorization headers (400)"
req GET /v1/me -H "$(AU "$TA")" -H "$(AU "$TB")"
expect 400 application/problem+json && json 'd["type"] == "urn:kontakt:problem:duplicate-authorization"'
LAST="two Authorization headers, the same token (400)"
req GET /v1/cases/borger-17 -H "$(AU "$TA")" -H "$(AU "$TA")"; expect 400 application/problem+json
LAST="two Authorization headers on an open endpoint (400)"
req POST /v1/plan "${JSONH[@]}" -H "$(AU "$TA")" -H "authorization: Bearer x" --data-binary @"$EX"
expect 400 application/problem+json
LAST="one Authorization header"
req GET /v1/me -H "$(AU "$TA")"; expect 200 application/json

# ---- every refused attempt is logged ---------------------------------------------------------
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["jobcenter"]="aarhus"; print(json.dumps(d))' "$EX" >"$T/own.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["jobcenter"]="aarhus"; print(json.dumps(d))' "$EX" >"$T/theirs.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="borger-77"; d["jobcenter"]="aarhus"; print(json.dumps(d))' "$EX" >"$T/new-aarhus.json"
refused=0
attempt() { # attempt WHAT STATUS METHOD PATH ARGS...
    local what=$1 want=$2; shift 2
    LAST="refused: $what"
    req "$@"
    expect "$want" application/problem+json && refused=$((refused + 1))
}
attempt "odense reads" 403 GET /v1/cases/borger-17 -H "$(AU "$TB")"
attempt "odense calendar" 403 GET /v1/cases/borger-17/calendar.ics -H "$(AU "$TB")"
attempt "odense conversation" 403 POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TB")" \
    --data-binary '{"date":"2024-05-01","form":"fremmoede"}'
attempt "odense event" 403 POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TB")" \
    --data-binary '{"type":"cv_godkendt","date":"2024-05-01"}'
attempt "odense event with a malformed body" 403 POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TB")" \
    --data-binary '{"type":'
attempt "odense overwrites the case" 403 POST /v1/cases "${JSONH[@]}" -H "$(AU "$TB")" --data-binary @"$T/theirs.json"
attempt "odense creates a case naming aarhus" 403 POST /v1/cases "${JSONH[@]}" -H "$(AU "$TB")" --data-binary @"$T/new-aarhus.json"
attempt "auditor writes" 403 POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TU")" \
    --data-binary '{"date":"2024-05-01","form":"fremmoede"}'
attempt "auditor creates" 403 POST /v1/cases "${JSONH[@]}" -H "$(AU "$TU")" --data-binary @"$T/own.json"
attempt "caseworker reads a report" 403 GET /v1/reports/timeliness -H "$(AU "$TA")"
LAST="access log: one denied row per refused attempt"
"$K" db access-log --db "$DB" >"$T/log.txt" 2>&1 || bad "$LAST: kontakt db access-log: $(cat "$T/log.txt")"
denied=$(grep -c 'denied:' "$T/log.txt")
if [ "$denied" = "$refused" ] && [ "$refused" = 10 ]; then ok; else
    bad "$LAST: $denied denied rows for $refused refused attempts"; cat "$T/log.txt"; fi
for want in 'odense.*borger-17.*denied:read' 'odense.*borger-17.*denied:calendar' \
    'odense.*borger-17.*denied:record:conversation' 'odense.*borger-17.*denied:record:event' \
    'odense.*borger-17.*denied:write' 'odense.*borger-77.*denied:write' 'auditor.*borger-17.*denied:role' \
    'caseworker.*denied:role'; do
    if grep -qE "$want" "$T/log.txt"; then ok; else bad "$LAST: no row matching $want"; fi
done
LAST="the refused writes changed nothing"
req GET /v1/cases/borger-17 -H "$(AU "$TA")"
expect 200 && json "d['events'] == $EVENTS and d['jobcenter'] == 'aarhus'"
req GET /v1/cases/borger-77 -H "$(AU "$TA")"; LAST="borger-77 was not created"; expect 404

# ---- the access log's group commit --------------------------------------------------------
LAST="40 concurrent reads: all served, one read row each"
before=$("$K" db access-log borger-17 --db "$DB" 2>/dev/null | grep -c $'\tread$')
cpids=()
for i in $(seq 1 40); do
    curl -s -m 20 -o /dev/null -w '%{http_code}\n' -H "$(AU "$TA")" "http://127.0.0.1:$PORT/v1/cases/borger-17" >>"$T/codes.txt" &
    cpids+=($!)
done
wait "${cpids[@]}" # not the server
after=$("$K" db access-log borger-17 --db "$DB" 2>/dev/null | grep -c $'\tread$')
if [ "$(grep -c '^200$' "$T/codes.txt")" = 40 ] && [ $((after - before)) = 40 ]; then ok; else
    bad "$LAST: $(sort "$T/codes.txt" | uniq -c | tr '\n' ' '); rows $before -> $after"; fi

if command -v sqlite3 >/dev/null; then
    sqlite3 "$DB" "CREATE TRIGGER block_log BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END;"
    LAST="a read whose log row cannot be written is refused (503)"
    req GET /v1/cases/borger-17 -H "$(AU "$TA")"
    expect 503 application/problem+json && json 'd["type"] == "urn:kontakt:problem:access-log" and "plan" not in d'
    LAST="the calendar likewise (503)"
    req GET /v1/cases/borger-17/calendar.ics -H "$(AU "$TA")"; expect 503 application/problem+json
    LAST="the server says so on stderr"
    if grep -q 'access log: .*could not be written' "$T/server.log"; then ok; else bad "$LAST"; fi
    sqlite3 "$DB" "DROP TRIGGER block_log;"
    LAST="reads are served again once the log can be written"
    req GET /v1/cases/borger-17 -H "$(AU "$TA")"; expect 200 application/json
else
    echo "cli-api-hardening: sqlite3 not installed; the 503 on an unwritable log is not checked"
fi

# ---- OpenAPI: /ui/{file} as served ------------------------------------------------------------
LAST="GET /v1/openapi.json"
req GET /v1/openapi.json -H "$(AU "$TA")"; expect 200 application/json
cp "$T/body" "$T/openapi.json"
for f in $(ls server/ui); do
    LAST="GET /ui/$f: its content type is documented"
    req GET "/ui/$f"; expect 200 || continue
    base=${CTYPE%%;*}
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sys.argv[2] in d["paths"]["/ui/{file}"]["get"]["responses"]["200"]["content"] else 1)' \
        "$T/openapi.json" "$base"; then ok; else bad "$LAST: $base is not in openapi.json"; fi
done
LAST="/ui/{file} does not claim text/plain"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(1 if "text/plain" in d["paths"]["/ui/{file}"]["get"]["responses"]["200"]["content"] else 0)' "$T/openapi.json"; then ok; else bad "$LAST"; fi

# ---- abandoned connections: counted, one summary line, not a line each --------------------
for i in $(seq 1 12); do
    exec 5<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'GET /healthz HTTP/1.1\r\nHo' >&5
    exec 5<&-
done
sleep 0.3

LAST="SIGTERM"
kill -TERM "$SPID"; wait "$SPID"; rc=$?
if [ "$rc" -eq 0 ]; then ok; else bad "$LAST: exit $rc; log: $(cat "$T/server.log")"; fi
LAST="abandoned connections: a summary at stop, no line each"
n=$(sed -n 's/^kontakt serve: \([0-9]*\) connection(s) abandoned by their clients.*/\1/p' "$T/server.log" | tail -1)
# (a connection closed before MHD read anything from it may go unseen)
if [ "${n:-0}" -ge 8 ] && [ "$n" -le 12 ] &&
    ! grep -q 'incomplete request' "$T/server.log"; then ok; else bad "$LAST: $(cat "$T/server.log")"; fi
api_done cli-api-hardening
