#!/usr/bin/env bash
# cli-api-idempotency.sh -- against the real server: recording the same
# conversation again stores nothing (200, "already_recorded"), another one
# on the same day is stored, the Idempotency-Key header gives the first
# answer again (same status, same body) and 409 for another body, keys are
# per token, and a record whose access-log row cannot be written is not
# stored (nor is a worklist shown). Issue 11, points 1 and 4.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 180 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
EX=examples/borger-17.json
DB=$T/kontakt.db
"$K" db init --db "$DB" >/dev/null 2>&1 || { echo "db init failed"; exit 1; }
TA=$(tok aarhus caseworker)
TA2=$(tok aarhus caseworker)
TM=$(tok aarhus manager)
start_server "$T/server.log" --db "$DB" --today 2024-06-01
q() { python3 -c "import sqlite3,sys; print('\n'.join('|'.join(map(str,r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))" "$DB" "$1"; }

LAST="POST /v1/cases"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$EX"; expect 201 application/json
CONV='{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
P=/v1/cases/borger-17/conversations
n0=$(q "SELECT count(*) FROM events WHERE kind = 'conversation'")

# ---- the same conversation three times: stored once ------------------------------------
LAST="POST a conversation"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary "$CONV"
expect 201 application/json && json '"already_recorded" not in d and d["seq"] > 0'
seq1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seq"])' "$T/body")
for i in 2 3; do
    LAST="POST the same conversation again ($i)"
    req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary "$CONV"
    expect 200 application/json && json "d['already_recorded'] is True and d['seq'] == $seq1"
done
LAST="the same conversation, members in another order and spaced"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{ "form": "fremmoede", "holder": "jobcenter", "date": "2024-05-30" }'
expect 200 application/json && json "d['already_recorded'] is True"
same "three posts, one conversation" "$(q "SELECT count(*) FROM events WHERE kind = 'conversation'")" $((n0 + 1))
LAST="the case shows it once"
json 'sum(1 for c in d["case"]["conversations"] if c.get("date") == "2024-05-30") == 1'

# ---- another conversation on the same day: stored ---------------------------------------
LAST="same day, another form"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"telefon"}'
expect 201 application/json
LAST="same day, same form, a second no-show told apart by its time"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede","held":false,"time":"09:00"}'
expect 201 application/json
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede","held":false,"time":"13:00"}'
expect 201 application/json
same "four different conversations" "$(q "SELECT count(*) FROM events WHERE kind = 'conversation'")" $((n0 + 4))
LAST="the same event again"
req POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"type":"cv_oprettet","date":"2024-05-02"}'
expect 201 application/json
req POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"type":"cv_oprettet","date":"2024-05-02"}'
expect 200 application/json && json 'd["already_recorded"] is True'

# ---- Idempotency-Key ----------------------------------------------------------------------
B1='{"date":"2024-05-31","holder":"jobcenter","form":"digitalt"}'
B2='{"date":"2024-05-31","holder":"jobcenter","form":"brev"}'
LAST="POST with Idempotency-Key"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-1" --data-binary "$B1"
expect 201 application/json
cp "$T/body" "$T/first"
n1=$(q "SELECT count(*) FROM events")
LAST="the same key and body: the same answer, status and body"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-1" --data-binary "$B1"
expect 201 application/json && { cmp -s "$T/first" "$T/body" && ok || bad "$LAST: the body differs"; }
LAST="the same key, another body: 409"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-1" --data-binary "$B2"
expect 409 application/problem+json && json 'd["type"] == "urn:kontakt:problem:idempotency-key-reused"'
same "a replay and a 409 write nothing" "$(q "SELECT count(*) FROM events")" "$n1"
LAST="the same key, another path (events): 409"
req POST /v1/cases/borger-17/events "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-1" --data-binary "$B1"
expect 409 application/problem+json
LAST="keys are per token: another token's k-1 is its own"
req POST $P "${JSONH[@]}" -H "$(AU "$TA2")" -H "Idempotency-Key: k-1" --data-binary "$B2"
expect 201 application/json
LAST="a refused request is not kept: put right, the same key works"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-2" --data-binary '{"date":"2024-05-31","holder":"jobcentre","form":"brev"}'
expect 422 application/problem+json
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: k-2" --data-binary '{"date":"2024-06-01","holder":"jobcenter","form":"brev"}'
expect 201 application/json
LAST="a key that is too long (400)"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: $(printf 'x%.0s' $(seq 1 300))" --data-binary "$B1"
expect 400 application/problem+json
LAST="POST /v1/cases with a key: the same answer again"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: case-1" --data-binary @"$EX"
expect 200 application/json
cp "$T/body" "$T/first"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" -H "Idempotency-Key: case-1" --data-binary @"$EX"
expect 200 application/json && { cmp -s "$T/first" "$T/body" && ok || bad "$LAST: the body differs"; }
same "the keys are kept" "$(q "SELECT count(*) FROM idempotency")" 4

# ---- every record has its access-log row ----------------------------------------------
stored=$(q "SELECT count(*) FROM events WHERE kind IN ('conversation','event') AND recorded_by != 'import'")
rows=$(q "SELECT count(*) FROM access_log WHERE action IN ('record:conversation','record:event')")
recorded=$(q "SELECT count(*) FROM events e WHERE kind IN ('conversation','event') AND recorded_at > (SELECT min(at) FROM access_log WHERE action = 'create:case')")
same "one access-log row per record written" "$rows" "$recorded"
same "the repeats are logged as such" "$(q "SELECT count(*) FROM access_log WHERE action LIKE 'record:%:already'")" 4
[ "$stored" -gt 0 ] && ok

# ---- an access log that cannot be written -----------------------------------------------
q "CREATE TRIGGER block_log BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END;" >/dev/null
n2=$(q "SELECT count(*) FROM events")
LAST="a record whose log row cannot be written is not stored (503)"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-06-01","holder":"jobcenter","form":"telefon"}'
expect 503 application/problem+json
same "nothing stored without its log row" "$(q "SELECT count(*) FROM events")" "$n2"
for u in /v1/worklist /v1/cases "/v1/reports/timeliness?from=2024-01-01&to=2024-06-30"; do
    LAST="GET $u without a log row is refused (503)"
    req GET "$u" -H "$(AU "$TM")"
    expect 503 application/problem+json
done
q "DROP TRIGGER block_log;" >/dev/null
LAST="with the log back, the record goes through"
req POST $P "${JSONH[@]}" -H "$(AU "$TA")" --data-binary '{"date":"2024-06-01","holder":"jobcenter","form":"telefon"}'
expect 201 application/json

api_done cli-api-idempotency
