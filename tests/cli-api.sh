#!/usr/bin/env bash
# cli-api.sh -- the HTTP API against the real server process: starts
# `kontakt serve` on a free 127.0.0.1 port with a temporary store, waits for
# /healthz, checks every endpoint, and stops it with SIGTERM. Exit 0 = pass.
set -u
# never hang a test run: give up after 3 minutes
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 180 bash "$0" "$@"; fi
. tests/api-lib.sh
EX=examples/borger-17.json

has_header() { # has_header REGEX
    if grep -qiE "$1" "$T/head"; then ok; else bad "$LAST: no header matching $1"; fi
}

# The store: SQLite, or with KONTAKT_TEST_BACKEND=pg PostgreSQL, the server
# then connected as a role under row-level security (tests/store-lib.sh).
. tests/store-lib.sh
DB=$(store_new kontakt) || exit 1
SDB=$(store_server "$DB") || exit 1
start_server "$T/server.log" --db "$SDB" --timeout 2 --max-body 65536 --today 2024-06-01
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
if [ "$STATUS" = 400 ] || [ "$STATUS" = 422 ]; then ok; else bad "$LAST: status $STATUS"; fi

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

# ---- tokens and roles ---------------------------------------------------------------------
TA=$(tok aarhus caseworker)
TB=$(tok odense caseworker)
TM=$(tok aarhus manager)
TU=$(tok aarhus auditor)
"$K" token create --db "$DB" --jobcenter aarhus --role manager >"$T/tok.out" 2>&1
TREV=$(head -1 "$T/tok.out")
rid=$(sed -n 's/^id \([0-9]*\),.*/\1/p' "$T/tok.out")
"$K" token revoke "$rid" --db "$DB" >/dev/null 2>&1 || bad "token revoke $rid"
for t in "$TA" "$TB" "$TM" "$TU" "$TREV"; do [[ $t == kt_* ]] || { bad "token create gave '$t'"; }; done

LAST="GET /v1/rules without a token (401)"; req GET /v1/rules
expect 401 application/problem+json && has_header '^WWW-Authenticate: Bearer'
LAST="GET /v1/rules with a made-up token (401)"; req GET /v1/rules -H "$(AU kt_0000)"; expect 401 application/problem+json
LAST="GET /v1/rules with a revoked token (401)"; req GET /v1/rules -H "$(AU "$TREV")"; expect 401 application/problem+json
LAST="GET /v1/rules as auditor"; req GET /v1/rules -H "$(AU "$TU")"; expect 200 application/json && json 'len(d["generations"]) > 0'
LAST="GET /v1/rules?on=2024-06-01"; req GET '/v1/rules?on=2024-06-01' -H "$(AU "$TA")"; expect 200 && json 'len(d["generations"]) == 1'
LAST="GET /v1/rules?on=bad (400)"; req GET '/v1/rules?on=bad' -H "$(AU "$TA")"; expect 400 application/problem+json
LAST="GET /v1/openapi.json"; req GET /v1/openapi.json -H "$(AU "$TA")"; expect 200 application/json && json 'd["openapi"].startswith("3.") and "/v1/cases/{id}/calendar.ics" in d["paths"]'
LAST="POST /v1/plan needs no token"; req POST /v1/plan "${JSONH[@]}" --data-binary @"$EX"; expect 200

# ---- cases -------------------------------------------------------------------------------------
LAST="POST /v1/cases as auditor (403)"; req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TU")" --data-binary @"$EX"; expect 403 application/problem+json
LAST="POST /v1/cases without a token (401)"; req POST /v1/cases "${JSONH[@]}" --data-binary @"$EX"; expect 401
LAST="POST /v1/cases as caseworker (201)"
req POST '/v1/cases?caseworker=mette' "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$EX"
expect 201 application/json && json 'd["id"] == "borger-17" and d["jobcenter"] == "aarhus" and d["caseworker"] == "mette" and len(d["plan"]["obligations"]) > 0 and d["plan"]["as_of"] == "2024-06-01"'
LAST="POST /v1/cases again (200, idempotent)"
req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$EX"; expect 200
LAST="POST /v1/cases of another jobcentre's case (403)"
req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TB")" --data-binary @"$EX"; expect 403 application/problem+json
LAST="POST /v1/cases naming another jobcentre (403)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="borger-99"; d["jobcenter"]="odense"; print(json.dumps(d))' "$EX" >"$T/other.json"
req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$T/other.json"; expect 403 application/problem+json
LAST="POST /v1/cases invalid (422 with pointers)"
req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$T/bad.json"
expect 422 application/problem+json && json '"/person/birth_date" in [p["pointer"] for p in d["problems"]]'
LAST="POST /v1/cases malformed (400)"
req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$T/malformed.json"; expect 400 application/problem+json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="odense-1"; print(json.dumps(d))' "$EX" >"$T/odense.json"
LAST="POST /v1/cases as odense"; req POST '/v1/cases' "${JSONH[@]}" -H "$(AU "$TB")" --data-binary @"$T/odense.json"; expect 201

LAST="GET /v1/cases (own jobcentre only)"; req GET /v1/cases -H "$(AU "$TA")"
expect 200 && json '[c["id"] for c in d["cases"]] == ["borger-17"]'
LAST="GET /v1/cases?caseworker=mette"; req GET '/v1/cases?caseworker=mette' -H "$(AU "$TU")"; expect 200 && json 'len(d["cases"]) == 1'
LAST="GET /v1/cases?caseworker=nobody"; req GET '/v1/cases?caseworker=nobody' -H "$(AU "$TA")"; expect 200 && json 'd["cases"] == []'
LAST="GET /v1/cases as odense"; req GET /v1/cases -H "$(AU "$TB")"; expect 200 && json '[c["id"] for c in d["cases"]] == ["odense-1"]'

LAST="GET /v1/cases/borger-17 (caseworker)"; req GET /v1/cases/borger-17 -H "$(AU "$TA")"
expect 200 application/json && json 'd["case"]["id"] == "borger-17" and d["plan"]["id"] == "borger-17" and d["events"] > 0'
cp "$T/body" "$T/before.json"
LAST="GET /v1/cases/borger-17 (auditor)"; req GET /v1/cases/borger-17 -H "$(AU "$TU")"; expect 200
LAST="GET /v1/cases/borger-17?as_of=2024-12-01"; req GET '/v1/cases/borger-17?as_of=2024-12-01' -H "$(AU "$TM")"; expect 200 && json 'd["plan"]["as_of"] == "2024-12-01"'
LAST="GET /v1/cases/borger-17?known_at=2000-01-01 (nothing known then)"; req GET '/v1/cases/borger-17?known_at=2000-01-01' -H "$(AU "$TA")"
if [ "$STATUS" = 404 ] || [ "$STATUS" = 200 ] || [ "$STATUS" = 422 ] || [ "$STATUS" = 503 ]; then ok; else bad "$LAST: $STATUS"; fi
LAST="GET /v1/cases/borger-17?known_at=bad (400)"; req GET '/v1/cases/borger-17?known_at=bad' -H "$(AU "$TA")"; expect 400 application/problem+json
LAST="GET a case of another jobcentre (403)"; req GET /v1/cases/borger-17 -H "$(AU "$TB")"
expect 403 application/problem+json
LAST="GET /v1/cases/nope (404)"; req GET /v1/cases/nope -H "$(AU "$TA")"; expect 404 application/problem+json

# ---- recording ------------------------------------------------------------------------------
LAST="POST conversation as auditor (403)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TU")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
expect 403 application/problem+json
LAST="POST conversation to another jobcentre's case (403)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TB")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
expect 403 application/problem+json
LAST="POST conversation (201, the plan changes)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
expect 201 application/json && json 'd["seq"] > 0 and {"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}.items() <= d["case"]["conversations"][-1].items()'
python3 - "$T/before.json" "$T/body" <<'PY' && ok || bad "$LAST: the plan did not change"
import json, sys
a = json.load(open(sys.argv[1]))["plan"]["obligations"]
b = json.load(open(sys.argv[2]))["plan"]["obligations"]
sys.exit(0 if a != b else 1)
PY
LAST="POST conversation invalid (422, pointers into the record with line/column)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TA")" --data-binary $'{"date": "2024-05-3",\n "holder": "jobcentre", "form": "fremmoede"}'
expect 422 application/problem+json && json 'd["title"] == "Not a valid conversation" and d["detail"] == "Nothing was recorded; see problems." and sorted(p["pointer"] for p in d["problems"]) == ["/date", "/holder"] and [(p["line"], p["column"]) for p in d["problems"] if p["pointer"] == "/holder"] == [(2, 12)]'
LAST="POST conversation malformed (400)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date": '
expect 400 application/problem+json && json 'd["problems"][0]["line"] == 1'
LAST="POST conversation that is an array (422)"
req POST /v1/cases/borger-17/conversations "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '[]'
expect 422 application/problem+json
LAST="POST conversation to a missing case (404)"
req POST /v1/cases/nope/conversations "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
expect 404 application/problem+json
LAST="POST event (201)"
req POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TM")" --data-binary '{"type":"barsel","from":"2024-07-01","to":"2024-09-30"}'
expect 201 application/json && json 'd["case"]["events"][-1]["type"] == "barsel"'
LAST="POST event invalid (422)"
req POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"type":"nope","date":"2024-07-01"}'
expect 422 application/problem+json && json 'd["title"] == "Not a valid event" and d["detail"] == "Nothing was recorded; see problems." and "/type" in [p["pointer"] for p in d["problems"]]'

# ---- calendar --------------------------------------------------------------------------------
LAST="GET calendar.ics"
req GET /v1/cases/borger-17/calendar.ics -H "$(AU "$TA")"
expect 200 text/calendar && has_header '^Content-Disposition: attachment; filename="kontakt-borger-17.ics"'
cp "$T/body" "$T/cal.ics"
req GET /v1/cases/borger-17 -H "$(AU "$TA")"
python3 - "$T/cal.ics" "$T/body" <<'PY' && ok || bad "GET calendar.ics: not RFC 5545 as expected"
import json, sys
raw = open(sys.argv[1], "rb").read()
plan = json.load(open(sys.argv[2]))["plan"]
def bad(msg):
    print("calendar:", msg); sys.exit(1)
if not raw.endswith(b"\r\n"): bad("no CRLF at the end")
lines = raw[:-2].split(b"\r\n")
if any(b"\n" in l or b"\r" in l for l in lines): bad("bare LF or CR")
if any(len(l) > 75 for l in lines): bad("a line longer than 75 octets")
for l in lines: l.decode("utf-8")  # folding never splits a UTF-8 sequence
unfolded = []
for l in lines:
    if l.startswith(b" "): unfolded[-1] += l[1:]
    else: unfolded.append(l)
u = [l.decode() for l in unfolded]
if u[0] != "BEGIN:VCALENDAR" or u[-1] != "END:VCALENDAR": bad("not a VCALENDAR")
if "VERSION:2.0" not in u or not any(l.startswith("PRODID:") for l in u): bad("VERSION/PRODID")
events = u.count("BEGIN:VEVENT")
want = [o for o in plan["obligations"] if o["status"] in ("open", "overdue") and o["window"].get("to")]
if events != len(want) or events == 0: bad(f"{events} VEVENTs for {len(want)} open/overdue deadlines")
uids = [l for l in u if l.startswith("UID:")]
if len(set(uids)) != events: bad("UIDs missing or not unique")
if sum(l.startswith("DTSTAMP:") for l in u) != events: bad("DTSTAMP")
starts = sorted(l.split(":")[1] for l in u if l.startswith("DTSTART;VALUE=DATE:"))
if starts != sorted(o["window"]["to"].replace("-", "") for o in want): bad(f"DTSTART {starts}")
PY
LAST="GET calendar.ics of another jobcentre (403)"; req GET /v1/cases/borger-17/calendar.ics -H "$(AU "$TB")"; expect 403

# ---- reports (the store's queries, filled in later) -----------------------------------------
LAST="GET /v1/worklist as caseworker"; req GET /v1/worklist -H "$(AU "$TA")"
if [ "$STATUS" = 200 ] || [ "$STATUS" = 501 ]; then ok; else bad "$LAST: $STATUS"; fi
LAST="GET /v1/worklist without a token (401)"; req GET /v1/worklist; expect 401
LAST="GET /v1/reports/timeliness as caseworker (403)"; req GET /v1/reports/timeliness -H "$(AU "$TA")"; expect 403
LAST="GET /v1/forecast as caseworker (403)"; req GET /v1/forecast -H "$(AU "$TA")"; expect 403
LAST="GET /v1/reports/timeliness as manager"; req GET /v1/reports/timeliness -H "$(AU "$TM")"
if [ "$STATUS" = 200 ] || [ "$STATUS" = 501 ]; then ok; else bad "$LAST: $STATUS"; fi
LAST="GET /v1/forecast as manager"; req GET /v1/forecast -H "$(AU "$TM")"
if [ "$STATUS" = 200 ] || [ "$STATUS" = 501 ]; then ok; else bad "$LAST: $STATUS"; fi

# ---- the access log --------------------------------------------------------------------------
LAST="access log"
"$K" db access-log borger-17 --db "$DB" >"$T/log.txt" 2>&1 || bad "$LAST: kontakt db access-log failed: $(cat "$T/log.txt")"
for want in 'aarhus.*borger-17.*create:case' 'aarhus.*borger-17.*read' 'odense.*borger-17.*denied:read' \
    'odense.*borger-17.*denied:write' 'odense.*borger-17.*denied:record:conversation' 'auditor.*borger-17.*denied:role' \
    'aarhus.*borger-17.*record:conversation' 'aarhus.*borger-17.*record:event' 'aarhus.*borger-17.*calendar' \
    'odense.*borger-17.*denied:calendar'; do
    if grep -qE "$want" "$T/log.txt"; then ok; else bad "$LAST: no entry matching $want"; cat "$T/log.txt"; fi
done

# ---- slow clients ---------------------------------------------------------------------
# A connection that sends half its headers and stalls is closed after the idle
# timeout (2 s here); meanwhile other requests are served at once.
LAST="slow client"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&3
# and a trickling one: one byte every 0.3 s
(exec 4<>"/dev/tcp/127.0.0.1/$PORT"; for c in G E T ' ' /; do printf '%s' "$c" >&4; sleep 0.3; done; sleep 5) &
PIDS+=($!)
# (each within 1.5 s: one held up by the stalled client would wait for its 2 s timeout)
slow_ok=1
for i in 1 2 3 4 5; do curl -sf -m 1.5 "$BASE/healthz" >/dev/null || { slow_ok=0; bad "$LAST: request $i not served at once while a client is slow"; }; done
[ "$slow_ok" = 1 ] && ok
t0=$(date +%s)
timeout 8 cat <&3 >/dev/null
rc=$?
t1=$(date +%s)
exec 3<&-
if [ "$rc" -eq 0 ] && (( t1 - t0 <= 5 )); then ok; else bad "$LAST: stalled connection not closed by the timeout (rc $rc, $((t1 - t0)) s)"; fi

# ---- many at once ------------------------------------------------------------------------
LAST="50 concurrent plans"
cpids=()
for i in $(seq 1 50); do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "${JSONH[@]}" --data-binary @"$EX" "$BASE/v1/plan" &
    cpids+=($!)
done >"$T/codes"
wait "${cpids[@]}"
if [ "$(grep -c '^200$' "$T/codes")" = 50 ]; then ok; else bad "$LAST: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"; fi

LAST="20 concurrent writes and 20 reads of one case"
cpids=()
for i in $(seq 1 20); do
    d=$(printf '2024-05-%02d' "$i")
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "${JSONH[@]}" -H "$(AU "$TA")" \
        --data-binary "{\"date\":\"$d\",\"holder\":\"jobcenter\",\"form\":\"telefon\"}" "$BASE/v1/cases/borger-17/conversations" &
    cpids+=($!)
    curl -s -o /dev/null -w '%{http_code}\n' -H "$(AU "$TU")" "$BASE/v1/cases/borger-17" &
    cpids+=($!)
done >"$T/codes2"
wait "${cpids[@]}"
if [ "$(grep -c '^201$' "$T/codes2")" = 20 ] && [ "$(grep -c '^200$' "$T/codes2")" = 20 ]; then ok; else bad "$LAST: $(sort "$T/codes2" | uniq -c | tr '\n' ' ')"; fi

# ---- per-IP limit (its own server) -------------------------------------------------------
LAST="per-IP connection limit"
MAIN_PORT=$PORT
start_server "$T/server2.log" --db "$(store_new kontakt2)" --per-ip 2 --timeout 5 --threads 1
# start_server's readiness probe is a connection of this address too: the
# server counts it until it has handled the close, which a loaded machine
# (the sanitizer run) can delay past the next connect
sleep 1
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
# a whole request on each and the first line of its answer: then the server
# has surely accepted both (and keeps them open), however loaded the machine
printf 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' >&5
printf 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n' >&6
read -r -t 4 _ <&5 || bad "$LAST: no answer on the first connection"
read -r -t 4 _ <&6 || bad "$LAST: no answer on the second connection"
if curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/healthz"; then bad "$LAST: a third connection was served"; else ok; fi
exec 5<&- 6<&-
sleep 0.3
if curl -sf -m 2 -o /dev/null "http://127.0.0.1:$PORT/healthz"; then ok; else bad "$LAST: not served after the others closed"; fi
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
PORT=$MAIN_PORT

# ---- clean shutdown ------------------------------------------------------------------------
LAST="SIGTERM"
kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}"
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'stopping' "$T/server.log"; then ok; else bad "$LAST: exit $rc; log: $(cat "$T/server.log")"; fi

api_done cli-api
