#!/usr/bin/env bash
# cli-api-schedule.sh -- Planlægning over HTTP (issue 14), the day pinned
# (--today 2026-12-03): GET /v1/schedule gives the schedule of
# tests/cli-schedule.sh's store (s1 Thursday, s2 Friday, one slot a day)
# for the token's jobcentre only; POST /v1/cases/{id}/bookings books s2 on
# Monday (201, then 200 already_recorded, with an Idempotency-Key too), which
# the schedule then shows booked; a day outside every window is booked with
# a warning naming it; the caseworker's calendar.ics holds the booking;
# refusals: another jobcentre's case (403), an auditor
# (403), a bad date (422), bad weeks (400). Then the booking is moved
# ({"replaces": SEQ, "date", ["caseworker"]}: its number and calendar UID
# kept, replayed by Idempotency-Key, the same move again written once),
# refused (unknown, another case's, not a booking, closed, cancelled, bad
# bodies) and cancelled ({"replaces": SEQ, "cancel": true}), the bookings
# list, the schedule and the caseworkers' calendars checked after each.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
export KONTAKT_TODAY=2026-12-03 KONTAKT_NOW=2026-12-03T08:00:00.000Z KONTAKT_DB="$T/s.db"
DB=$KONTAKT_DB

P='"person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true}'
cat >"$T/cases.ndjson" <<EOF
{"id":"s1","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-01","categories":[{"from":"2026-12-01","category":"jobparat"}]}]}
{"id":"s2","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-02","categories":[{"from":"2026-12-02","category":"jobparat"}]}]}
{"id":"b1","jobcenter":"jc-B","caseworker":"cw-9",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-02","categories":[{"from":"2026-12-02","category":"jobparat"}]}]}
EOF
"$K" db import "$T/cases.ndjson" >/dev/null || bad "import"
"$K" db capacity set --jobcenter jc --slots 1 >/dev/null || bad "capacity"
"$K" db capacity set --jobcenter jc-B --slots 1 >/dev/null || bad "capacity B"
CW=$(tok jc caseworker)
AUD=$(tok jc auditor)

start_server "$T/log" --db "$KONTAKT_DB" --today 2026-12-03

same "schedule" "$(get "$CW" /v1/schedule)" 200
same "proposals" "$(py '[(p["date"], p["case_id"], p["forms"], p["agenda"]["conversation"]) for p in d["proposals"]]')" \
"[('2026-12-03', 's1', ['fremmoede'], 1), ('2026-12-04', 's2', ['fremmoede'], 1)]"
same "duties marked: quota, provisional (g2026)" \
    "$(py '[(x["rule"], x["quota"], x["provisional"]) for p in d["proposals"] if p["case_id"] == "s1" for x in p["duties"]]')" \
    "[('kh.first', False, True), ('all.four_in_six_75', True, True)]"
same "own jobcentre only" "$(py '[s["jobcenter"] for s in d["summary"]], d["to"], d["weeks"]')" "['jc'] 2027-01-10 6"
same "auditor reads" "$(get "$AUD" '/v1/schedule?weeks=2&caseworker=cw-1')" 200
same "two weeks" "$(py 'd["to"], len(d["days"])')" "2026-12-13 7"
same "bad weeks" "$(get "$CW" '/v1/schedule?weeks=27')" 400
same "no token" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/schedule")" 401

same "book" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}' k-1)" 201
BK=$(py 'd["seq"]')
same "booking" "$(py 'd["case_id"], d["date"], d["caseworker"], d["already_recorded"], d["warning"]')" \
"s2 2026-12-07 cw-1 False None"
same "book, same key" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}' k-1)" 201
same "book again" "$(post "$CW" /v1/cases/s2/bookings '{"date":"2026-12-07"}')" 200
same "already" "$(py 'd["already_recorded"]')" "True"
same "booked in the schedule" "$(get "$CW" /v1/schedule)" 200
same "booked" "$(py '[(p["date"], p["case_id"], p["booked"]) for p in d["proposals"]]')" \
"[('2026-12-03', 's1', False), ('2026-12-07', 's2', True)]"
same "outside" "$(post "$CW" /v1/cases/s1/bookings '{"date":"2027-06-15","caseworker":"cw-2"}')" 201
same "outside warning" "$(py '"uden for vinduet for all.four_in_six_75" in d["warning"], d["caseworker"]')" "True cw-2"
same "other jobcentre" "$(post "$CW" /v1/cases/b1/bookings '{"date":"2026-12-07"}')" 403
same "auditor may not book" "$(post "$AUD" /v1/cases/s1/bookings '{"date":"2026-12-07"}')" 403
same "bad date" "$(post "$CW" /v1/cases/s1/bookings '{"date":"7/12"}')" 422
same "no such case" "$(post "$CW" /v1/cases/nope/bookings '{"date":"2026-12-07"}')" 404
# the open bookings: by default from today 26 weeks on
same "bookings" "$(get "$CW" /v1/bookings)" 200
same "bookings list" "$(py '[(b["case_id"], b["date"], b["caseworker"]) for b in d["bookings"]]')" "[('s2', '2026-12-07', 'cw-1')]"
same "bookings to" "$(get "$AUD" '/v1/bookings?to=2027-12-31&caseworker=cw-2') $(py '[(b["case_id"], b["date"]) for b in d["bookings"]]')" "200 [('s1', '2027-06-15')]"
same "bookings bad" "$(get "$CW" '/v1/bookings?from=2026-12-10&to=2026-12-01')" 400
# the caseworker's calendar holds the booking (s2, Monday), not the proposals
same "calendar" "$(get "$CW" /v1/caseworkers/cw-1/calendar.ics)" 200
same "calendar events" "$(tr -d '\r' <"$T/body" | grep -c '^BEGIN:VEVENT')" "1"
same "calendar day" "$(tr -d '\r' <"$T/body" | grep '^DTSTART' | tr '\n' ' ')" "DTSTART;VALUE=DATE:20261207 "
same "calendar summary" "$(tr -d '\r' <"$T/body" | grep '^SUMMARY')" "SUMMARY:Samtale (booket): s2"
same "cw-2's calendar: the booking outside the horizon is not in it" "$(get "$CW" /v1/caseworkers/cw-2/calendar.ics) $(tr -d '\r' <"$T/body" | grep -c '^BEGIN:VEVENT')" "200 0"
same "logged" "$(sqlite3 "$T/s.db" "SELECT count(*) > 0 FROM access_log WHERE action LIKE 'report:schedule%'") $(sqlite3 "$T/s.db" "SELECT count(*) > 0 FROM access_log WHERE action LIKE 'book%'")" "1 1"


# ---- moving and cancelling a booking: POST .../bookings {"replaces": SEQ, ...}
# The booking's number in the list and the schedule; the calendar's UID is
# the booking's, so a move is the same event on another day.
cal() { # cal CW: "N DTSTART... SEQUENCE... UID..." of the caseworker's calendar
    get "$CW" "/v1/caseworkers/$1/calendar.ics" >/dev/null
    echo "$(tr -d '\r' <"$T/body" | grep -c '^BEGIN:VEVENT') $(tr -d '\r' <"$T/body" | grep -E '^(DTSTART|SEQUENCE|UID)' | tr '\n' ' ')"
}
listed() { get "$CW" /v1/bookings >/dev/null; py '[(b["case_id"], b["seq"], b["date"], b["caseworker"]) for b in d["bookings"]]'; }
booked() { get "$CW" /v1/schedule >/dev/null; py '[(p["case_id"], p["seq"], p["date"], p["caseworker"]) for p in d["proposals"] if p["booked"]]'; }
nev() { sqlite3 "$T/s.db" 'SELECT count(*) FROM events'; }
same "listed with its number" "$(listed)" "[('s2', $BK, '2026-12-07', 'cw-1')]"
same "scheduled with its number" "$(booked)" "[('s2', $BK, '2026-12-07', 'cw-1')]"
UID0=$(cal cw-1 | grep -o 'UID:[^ ]*')
same "calendar before" "$(cal cw-1)" "1 UID:${UID0#UID:} SEQUENCE:0 DTSTART;VALUE=DATE:20261207 "
n0=$(nev)
same "move" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-08\"}" m-1)" 200
same "moved" "$(py 'd["case_id"], d["seq"], d["date"], d["caseworker"], d["cancelled"], d["already_recorded"], d["correction"], d["previous"], d["warning"]')" \
    "s2 $BK 2026-12-08 cw-1 False False $((n0 + 1)) {'date': '2026-12-07', 'caseworker': 'cw-1'} None"
cp "$T/body" "$T/moved"
same "move, same key" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-08\"}" m-1)" 200
same "replayed, nothing written" "$(cmp -s "$T/body" "$T/moved" && echo same) $(nev)" "same $((n0 + 1))"
same "same key, another request" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-09\"}" m-1)" 409
same "the same move again" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-08\"}")" 200
same "already" "$(py 'd["already_recorded"], d["correction"], d["date"]') $(nev)" "True None 2026-12-08 $((n0 + 1))"
same "listed on its new day" "$(listed)" "[('s2', $BK, '2026-12-08', 'cw-1')]"
same "scheduled on its new day" "$(booked)" "[('s2', $BK, '2026-12-08', 'cw-1')]"
same "the calendar's event moved" "$(cal cw-1)" "1 UID:${UID0#UID:} SEQUENCE:1 DTSTART;VALUE=DATE:20261208 "
# by the correction's number too; to another caseworker: from cw-1's calendar to cw-2's
same "move to cw-2" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$((n0 + 1)),\"date\":\"2026-12-09\",\"caseworker\":\"cw-2\"}")" 200
same "moved to cw-2" "$(py 'd["seq"], d["caseworker"], d["previous"]["caseworker"]')" "$BK cw-2 cw-1"
same "cw-1's calendar" "$(cal cw-1)" "0 "
same "cw-2's calendar" "$(cal cw-2)" "1 UID:${UID0#UID:} SEQUENCE:2 DTSTART;VALUE=DATE:20261209 "
same "listed with cw-2" "$(listed)" "[('s2', $BK, '2026-12-09', 'cw-2')]"
# outside every window: the same warning as a booking's; back again
same "move outside" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2027-06-14\"}")" 200
same "move outside warns" "$(py '"uden for vinduet for all.four_in_six_75 [2026-12-02, 2027-06-01]" in d["warning"], d["caseworker"]')" "True cw-2"
same "move back" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-08\",\"caseworker\":\"cw-1\"}") $(py 'd["warning"]')" "200 None"
# refusals, each with its own type
ptype() { py 'd["status"], d["type"].split(":")[-1]'; }
same "no such event" "$(post "$CW" /v1/cases/s2/bookings '{"replaces":9999,"date":"2026-12-08"}') $(ptype)" "404 404 booking-not-found"
S1B=$(sqlite3 "$T/s.db" "SELECT min(seq) FROM events WHERE case_id = 's1' AND kind = 'event'")
same "another case's booking" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$S1B,\"cancel\":true}") $(ptype)" "404 404 booking-not-found"
PERSON=$(sqlite3 "$T/s.db" "SELECT min(seq) FROM events WHERE case_id = 's2' AND kind = 'person'")
same "not a booking" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$PERSON,\"cancel\":true}") $(ptype)" "422 422 not-a-booking"
same "bad number" "$(post "$CW" /v1/cases/s2/bookings '{"replaces":"x","date":"2026-12-08"}') $(py 'd["problems"][0]["pointer"]')" "422 /replaces"
same "cancel with a date" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":true,\"date\":\"2026-12-08\"}") $(py 'd["problems"][0]["pointer"]')" "422 /date"
same "move without a date" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK}") $(py 'd["problems"][0]["pointer"]')" "422 /date"
same "cancel is a boolean" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":\"yes\"}") $(py 'd["problems"][0]["pointer"]')" "422 /cancel"
same "auditor may not move" "$(post "$AUD" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":true}")" 403
same "other jobcentre's case" "$(post "$CW" /v1/cases/b1/bookings "{\"replaces\":$BK,\"cancel\":true}")" 403
# closed: a conversation held on or after its day
same "book the past" "$(post "$CW" /v1/cases/s1/bookings '{"date":"2026-12-02"}')" 201
PAST=$(py 'd["seq"]')
same "held" "$(post "$CW" /v1/cases/s1/conversations '{"date":"2026-12-03","holder":"jobcenter","form":"fremmoede"}')" 201
same "a closed booking" "$(post "$CW" /v1/cases/s1/bookings "{\"replaces\":$PAST,\"date\":\"2026-12-14\"}") $(ptype)" "422 422 booking-closed"
same "not before the latest conversation" "$(post "$CW" /v1/cases/s1/bookings "{\"replaces\":$S1B,\"date\":\"2026-12-03\"}") $(py 'd["problems"][0]["pointer"]')" "422 /date"
# cancel: gone from the list, the schedule and the calendar; the replay answers again
same "cancel" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":true}" c-1)" 200
same "cancelled" "$(py 'd["seq"], d["cancelled"], d["date"], d["previous"]["date"], d["correction"]')" \
    "$BK True None 2026-12-08 $(sqlite3 "$T/s.db" "SELECT max(seq) FROM events WHERE corrects = $BK AND body = '{\"retract\":true}'")"
cp "$T/body" "$T/cancelled"
same "cancel, same key" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":true}" c-1) $(cmp -s "$T/body" "$T/cancelled" && echo same)" "200 same"
same "cancel again" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"cancel\":true}") $(ptype)" "422 422 booking-cancelled"
same "move a cancelled booking" "$(post "$CW" /v1/cases/s2/bookings "{\"replaces\":$BK,\"date\":\"2026-12-10\"}") $(ptype)" "422 422 booking-cancelled"
same "gone from the list" "$(listed)" "[]"
same "gone from the schedule" "$(booked)" "[]"
same "gone from the calendar" "$(cal cw-1)" "0 "
same "moves and cancels logged" "$(sqlite3 "$T/s.db" "SELECT action FROM access_log WHERE action LIKE 'rebook%' OR action LIKE 'cancel:%' ORDER BY seq" | cut -d' ' -f1 | sort | uniq -c | tr -s ' ' | tr '\n' '|')" \
    " 1 cancel:booking| 4 rebook| 1 rebook:already|"

check_done cli-api-schedule
