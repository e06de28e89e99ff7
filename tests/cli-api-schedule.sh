#!/usr/bin/env bash
# cli-api-schedule.sh -- Planlægning over HTTP (issue 14), the day pinned
# (--today 2026-12-03): GET /v1/schedule gives the schedule of
# tests/cli-schedule.sh's store (s1 Thursday, s2 Friday, one slot a day)
# for the token's jobcentre only; POST /v1/cases/{id}/bookings books s2 on
# Monday (201, then 200 already_recorded, with an Idempotency-Key too), which
# the schedule then shows booked; a day outside every window is booked with
# a warning naming it; the caseworker's calendar.ics holds the booking;
# refusals: another jobcentre's case (403), an auditor
# (403), a bad date (422), bad weeks (400).
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
K=$PWD/$BUILD/kontakt
T=$(mktemp -d)
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
export KONTAKT_TODAY=2026-12-03 KONTAKT_NOW=2026-12-03T08:00:00.000Z KONTAKT_DB="$T/s.db"
fails=0
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
same() { [ "$2" == "$3" ] || bad "$1: got '$2', wanted '$3'"; }

P='"person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true}'
cat >"$T/cases.ndjson" <<EOF
{"id":"s1","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-01","categories":[{"from":"2026-12-01","category":"jobparat"}]}]}
{"id":"s2","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-02","categories":[{"from":"2026-12-02","category":"jobparat"}]}]}
{"id":"b1","jobcenter":"jc-B","caseworker":"cw-9",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-02","categories":[{"from":"2026-12-02","category":"jobparat"}]}]}
EOF
"$K" db import "$T/cases.ndjson" >/dev/null || bad "import"
"$K" db capacity set --jobcenter jc --slots 1 >/dev/null || bad "capacity"
"$K" db capacity set --jobcenter jc-B --slots 1 >/dev/null || bad "capacity B"
tok() { "$K" token create --jobcenter "$1" --role "$2" | grep -o 'kt_[0-9a-f]\{64\}' | head -1; }
CW=$(tok jc caseworker)
AUD=$(tok jc auditor)

"$K" serve --db "$KONTAKT_DB" --listen 127.0.0.1:0 --today 2026-12-03 2>"$T/log" &
SPID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/log")
    [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.05
done
[ -n "$PORT" ] || { echo "server did not start"; cat "$T/log"; exit 1; }
get() { curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT$2"; }
post() { # post TOKEN PATH BODY [KEY]
    curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        ${4:+-H "Idempotency-Key: $4"} --data-binary "$3" "http://127.0.0.1:$PORT$2"
}
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/body"; }

same "schedule" "$(get "$CW" /v1/schedule)" 200
same "proposals" "$(js '[(p["date"], p["case_id"], p["forms"], p["agenda"]["conversation"]) for p in d["proposals"]]')" \
"[('2026-12-03', 's1', ['fremmoede'], 1), ('2026-12-04', 's2', ['fremmoede'], 1)]"
same "own jobcentre only" "$(js '[s["jobcenter"] for s in d["summary"]], d["to"], d["weeks"]')" "['jc'] 2027-01-10 6"
same "auditor reads" "$(get "$AUD" '/v1/schedule?weeks=2&caseworker=cw-1')" 200
same "two weeks" "$(js 'd["to"], len(d["days"])')" "2026-12-13 7"
same "bad weeks" "$(get "$CW" '/v1/schedule?weeks=27')" 400
same "no token" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/schedule")" 401

same "book" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}' k-1)" 201
same "booking" "$(js 'd["case_id"], d["date"], d["caseworker"], d["already_recorded"], d["warning"]')" \
"s2 2026-12-07 cw-1 False None"
same "book, same key" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}' k-1)" 201
same "book again" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}')" 200
same "already" "$(js 'd["already_recorded"]')" "True"
same "booked in the schedule" "$(get "$CW" /v1/schedule)" 200
same "booked" "$(js '[(p["date"], p["case_id"], p["booked"]) for p in d["proposals"]]')" \
"[('2026-12-03', 's1', False), ('2026-12-07', 's2', True)]"
same "outside" "$(post "$CW" /v1/cases/s1/bookings '{"date":"2027-06-15","caseworker":"cw-2"}')" 201
same "outside warning" "$(js '"uden for vinduet for all.four_in_six_75" in d["warning"], d["caseworker"]')" "True cw-2"
same "other jobcentre" "$(post "$CW" /v1/cases/b1/bookings '{"date":"2026-12-07"}')" 403
same "auditor may not book" "$(post "$AUD" /v1/cases/s1/bookings '{"date":"2026-12-07"}')" 403
same "bad date" "$(post "$CW" /v1/cases/s1/bookings '{"date":"7/12"}')" 422
same "no such case" "$(post "$CW" /v1/cases/nope/bookings '{"date":"2026-12-07"}')" 404
# the open bookings: by default from today 26 weeks on
same "bookings" "$(get "$CW" /v1/bookings)" 200
same "bookings list" "$(js '[(b["case_id"], b["date"], b["caseworker"]) for b in d["bookings"]]')" "[('s2', '2026-12-07', 'cw-1')]"
same "bookings to" "$(get "$AUD" '/v1/bookings?to=2027-12-31&caseworker=cw-2') $(js '[(b["case_id"], b["date"]) for b in d["bookings"]]')" "200 [('s1', '2027-06-15')]"
same "bookings bad" "$(get "$CW" '/v1/bookings?from=2026-12-10&to=2026-12-01')" 400
# the caseworker's calendar holds the booking (s2, Monday), not the proposals
same "calendar" "$(get "$CW" /v1/caseworkers/cw-1/calendar.ics)" 200
same "calendar events" "$(tr -d '\r' <"$T/body" | grep -c '^BEGIN:VEVENT')" "1"
same "calendar day" "$(tr -d '\r' <"$T/body" | grep '^DTSTART' | tr '\n' ' ')" "DTSTART;VALUE=DATE:20261207 "
same "calendar summary" "$(tr -d '\r' <"$T/body" | grep '^SUMMARY')" "SUMMARY:Samtale (booket): s2"
same "cw-2's calendar: the booking outside the horizon is not in it" "$(get "$CW" /v1/caseworkers/cw-2/calendar.ics) $(tr -d '\r' <"$T/body" | grep -c '^BEGIN:VEVENT')" "200 0"
same "logged" "$(sqlite3 "$T/s.db" "SELECT count(*) > 0 FROM access_log WHERE action LIKE 'report:schedule%'") $(sqlite3 "$T/s.db" "SELECT count(*) > 0 FROM access_log WHERE action LIKE 'book%'")" "1 1"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
