#!/usr/bin/env bash
# cli-schedule.sh -- `kontakt db capacity set`, `db book`, `db schedule` on a
# small store whose schedule is worked out by hand (issue 14).
#
# Today is Thursday 2026-12-03; two jobparat kontanthjælp cases of jc/cw-1
# (g2026, both educations, so no test offer), nothing held:
#   s1 S 2026-12-01: kh.first [12-01, 12-08], all.four_in_six_75 [12-01, 2027-05-31] 4;
#   s2 S 2026-12-02: kh.first [12-02, 12-09], all.four_in_six_75 [12-02, 2027-06-01] 4.
# The horizon (6 weeks) ends Sunday 2027-01-10. One conversation meets a
# case's kh.first and the first of its four (in person: the course's first);
# the next of the four is released a quarter of the window later (mid
# January), after the horizon. With one slot a day: s1 on Thursday, s2 on
# Friday, both on time, seed 004's conversation 1.
# On SQLite, and with KONTAKT_TEST_BACKEND=pg on PostgreSQL (tests/store-lib.sh).
set -u
. tests/check-lib.sh
. tests/store-lib.sh
DB=$(store_new s) || { echo "FAIL: no store"; exit 1; }
export KONTAKT_TODAY=2026-12-03 KONTAKT_NOW=2026-12-03T08:00:00.000Z KONTAKT_DB="$DB"

P='"person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true}'
cat >"$T/cases.ndjson" <<EOF
{"id":"s1","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-01","categories":[{"from":"2026-12-01","category":"jobparat"}]}]}
{"id":"s2","jobcenter":"jc","caseworker":"cw-1",$P,"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-02","categories":[{"from":"2026-12-02","category":"jobparat"}]}]}
EOF
"$K" db import "$T/cases.ndjson" >/dev/null || bad "import"

# No capacity recorded: nothing can be placed; both first conversations short.
same "no capacity" "$("$K" db schedule --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["summary"][0]; print(len(d["proposals"]), s["short_duties"], s["missing"], s["extra_slots"])')" \
"0 2 2 2"

same "capacity set" "$("$K" db capacity set --caseworker cw-1 --slots 1)" "1"
same "schedule" "$("$K" db schedule --format csv 2>/dev/null | tail -n +2)" \
"2026-12-03,jc,cw-1,s1,forslag,0,jobcenter,fremmoede,1,kh.first;all.four_in_six_75
2026-12-04,jc,cw-1,s2,forslag,0,jobcenter,fremmoede,1,kh.first;all.four_in_six_75"
same "schedule json" "$("$K" db schedule --format json | python3 -c '
import json,sys
d=json.load(sys.stdin); p=d["proposals"][0]; s=d["summary"][0]
print(d["from"], d["to"], p["forms"], p["agenda"]["conversation"], p["agenda"]["source"]["seed"][:3],
      [x["window"]["to"] for x in p["duties"]], s["short_duties"], s["caseworkers"], len(d["days"]))')" \
"2026-12-03 2027-01-10 ['fremmoede'] 1 004 ['2026-12-08', '2027-05-31'] 0 1 23"
same "text is Danish" "$("$K" db schedule | head -1)" "Planlægning pr. 2026-12-03: 2026-12-03..2027-01-10 (6 uger)"
# g2026's rules rest on summaries of the law (rules.md): every proposal says so
n_prop=$("$K" db schedule | grep -c " forslag ")
[ "$n_prop" -gt 0 ] && ok || bad "no proposal to see the mark on"
same "provisional said" "$("$K" db schedule | grep -c 'forslag.*\[foreløbig\]')" "$("$K" db schedule | grep -c ' forslag ')"
same "bad weeks" "$("$K" db schedule --weeks 27 >/dev/null 2>&1; echo $?)" "2"

# A booking takes its slot and meets the duty whose window holds its day.
BK=$("$K" db book s2 --date 2026-12-07 2>"$T/err")
same "book" "$BK" "$(store_q "$DB" 'SELECT max(seq) FROM events')"
same "book no warning" "$(cat "$T/err")" ""
same "booked" "$("$K" db schedule --format csv 2>/dev/null | tail -n +2 | cut -d, -f1,4,5,10)" \
"2026-12-03,s1,forslag,kh.first;all.four_in_six_75
2026-12-07,s2,booket,kh.first;all.four_in_six_75"
"$K" db book s2 --date 2026-12-07 >/dev/null 2>"$T/err"
same "book again" "$(grep -c 'already has this booking' "$T/err")" "1"
"$K" db book s1 --date 2027-06-15 >/dev/null 2>"$T/err" || bad "book outside"
same "book outside a window" "$(grep -o 'uden for vinduet for [a-z_.0-9]* \[[0-9-]*, [0-9-]*\]' "$T/err")" \
"uden for vinduet for all.four_in_six_75 [2026-12-01, 2027-05-31]"
"$K" db book s1 --date 2026-12-24 >/dev/null 2>"$T/err" || bad "book closed day"
same "book a closed day" "$(grep -c 'lukkedag' "$T/err")" "1"
# withdrawn (a correction), the booking is gone from the schedule
"$K" db correct s1 "$(store_q "$DB" 'SELECT max(seq) FROM events')" --retract >/dev/null 2>&1 || bad "retract"
same "book bad day" "$("$K" db book s1 --date 2026-13-01 >/dev/null 2>&1; echo $?)" "2"
same "book unknown case" "$("$K" db book nope --date 2026-12-07 >/dev/null 2>&1; echo $?)" "2"

# cw-1 is away the first week: both first conversations are late, the
# earliest deadline first in the next slots; 2 slots short.
"$K" db capacity set --jobcenter jc --caseworker cw-1 --slots 0 --from 2026-12-03 --to 2026-12-09 >/dev/null
same "away" "$("$K" db schedule --format csv 2>/dev/null | tail -n +2 | cut -d, -f1,4,5,6)" \
"2026-12-07,s2,booket,0
2026-12-10,s1,forslag,1"
same "away summary" "$("$K" db schedule --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["summary"][0]; print(s["short_duties"], s["late"], s["extra_slots"], [x["rule"] for x in d["shortfall"]])')" \
"1 1 1 ['kh.first']"
# Two slots on Mondays, recorded after the absence: the latest event
# covering a day wins, so Monday 12-07 has two slots, and s1 is met on time
# beside s2's booking.
"$K" db capacity set --jobcenter jc --caseworker cw-1 --slots 2 --weekday mon >/dev/null
same "later event wins" "$("$K" db schedule --format csv 2>/dev/null | tail -n +2 | cut -d, -f1,4,5 | tr '\n' ' ')" \
"2026-12-07,s1,forslag 2026-12-07,s2,booket "
same "bad weekday" "$("$K" db capacity set --caseworker cw-1 --slots 1 --weekday sun >/dev/null 2>&1; echo $?)" "2"
same "slots range" "$("$K" db capacity set --caseworker cw-1 --slots 101 >/dev/null 2>&1; echo $?)" "2"
same "unknown caseworker" "$("$K" db capacity set --caseworker nobody --slots 1 2>&1 | grep -c 'name --jobcenter')" "1"
if store_is_pg; then del=$("$(store__psql)" -X -q -d "$DB" -c 'DELETE FROM capacity' 2>&1)
else del=$(sqlite3 "$DB" 'DELETE FROM capacity' 2>&1); fi
same "capacity is append-only" "$(echo "$del" | grep -c append-only)" "1"
# Moving and cancelling a booking (its number BK, from `db book` and the
# schedule's JSON): a correction of its event, the number kept. Monday 12-07
# has two slots (above), cw-1 is away until 12-09.
sched() { "$K" db schedule --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%s,%s,%s,%s" % (p["date"], p["case_id"], p["caseworker"], p["seq"] or "-") for p in d["proposals"]))'; }
same "the booking's number in the schedule" "$(sched)" "2026-12-07,s1,cw-1,- 2026-12-07,s2,cw-1,$BK"
n0=$(store_q "$DB" 'SELECT count(*) FROM events')
same "move" "$("$K" db book s2 --move "$BK" --date 2026-12-10 2>"$T/err")" "$BK"
same "move says" "$(cat "$T/err")" "kontakt: booking $BK of case s2 moved from 2026-12-07 to 2026-12-10 (cw-1) by event $((n0 + 1))"
same "moved: a correction of the booking" "$(store_q "$DB" "SELECT kind || ' ' || corrects || ' ' || body FROM events WHERE seq = (SELECT max(seq) FROM events)")" \
    "correction $BK {\"caseworker\":\"cw-1\",\"date\":\"2026-12-10\",\"type\":\"booket\"}"
# 12-10 is past s2's kh.first [12-02, 12-09] (inside its four in six, so no
# warning): the booking meets only the four, kh.first is proposed on Monday
same "moved in the schedule" "$(sched)" "2026-12-07,s1,cw-1,- 2026-12-07,s2,cw-1,- 2026-12-10,s2,cw-1,$BK"
"$K" db book s2 --move "$BK" --date 2026-12-10 >/dev/null 2>"$T/err" || bad "the same move again"
same "the same move again writes nothing" "$(grep -c 'already: nothing was written' "$T/err") $(store_q "$DB" 'SELECT count(*) FROM events')" "1 $((n0 + 1))"
# by the correction's number too; to another caseworker; the warning as booking's
same "move by the correction's number" "$("$K" db book s2 --move "$((n0 + 1))" --date 2026-12-24 --caseworker cw-2 2>"$T/err")" "$BK"
same "move to a closed day warns" "$(grep -c 'advarsel: 2026-12-24 er en lukkedag' "$T/err")" "1"
same "moved to cw-2" "$(sched)" "2026-12-07,s1,cw-1,- 2026-12-07,s2,cw-1,- 2026-12-24,s2,cw-2,$BK"
"$K" db book s2 --move "$BK" --date 2026-12-11 >/dev/null 2>"$T/err" || bad "move back"
same "the caseworker stays the booking's" "$(sched)" "2026-12-07,s1,cw-1,- 2026-12-07,s2,cw-1,- 2026-12-11,s2,cw-2,$BK"
# refused: no such event, another case's booking, an event that is no booking
S1B=$(store_q "$DB" "SELECT min(seq) FROM events WHERE case_id = 's1' AND kind = 'event'")
PERSON=$(store_q "$DB" "SELECT min(seq) FROM events WHERE case_id = 's2' AND kind = 'person'")
same "no such event" "$("$K" db book s2 --move 9999 --date 2026-12-14 2>&1 >/dev/null; echo $?)" "kontakt: case s2 has no event 9999
2"
same "another case's booking" "$("$K" db book s2 --cancel "$S1B" 2>&1 >/dev/null; echo $?)" "kontakt: case s2 has no event $S1B
2"
same "not a booking" "$("$K" db book s2 --cancel "$PERSON" 2>&1 >/dev/null; echo $?)" "kontakt: event $PERSON of case s2 is not a booking (a \`booket\` event)
2"
same "bad number" "$("$K" db book s2 --move x1 --date 2026-12-14 >/dev/null 2>&1; echo $?)" "2"
same "cancel takes no date" "$("$K" db book s2 --cancel "$BK" --date 2026-12-14 >/dev/null 2>&1; echo $?)" "2"
same "move needs a date" "$("$K" db book s2 --move "$BK" >/dev/null 2>&1; echo $?)" "2"
# cancelled: gone from the schedule (s2's duties proposed again); not twice
same "cancel" "$("$K" db book s2 --cancel "$BK" 2>"$T/err")" "$BK"
same "cancel says" "$(grep -c "booking $BK of case s2 (2026-12-11) cancelled by event" "$T/err")" "1"
same "cancelled: a retraction" "$(store_q "$DB" "SELECT corrects || ' ' || body FROM events WHERE seq = (SELECT max(seq) FROM events)")" "$BK {\"retract\":true}"
same "cancelled in the schedule" "$(sched)" "2026-12-07,s1,cw-1,- 2026-12-07,s2,cw-1,-"
same "cancel again" "$("$K" db book s2 --cancel "$BK" 2>&1 >/dev/null; echo $?)" "kontakt: booking $BK of case s2 is cancelled already
2"
same "move a cancelled booking" "$("$K" db book s2 --move "$BK" --date 2026-12-14 >/dev/null 2>&1; echo $?)" "2"
# closed: a conversation held on or after its day
PAST=$("$K" db book s1 --date 2026-12-02 2>/dev/null)
"$K" db record s1 --conversation 2026-12-03 --holder jobcenter --form fremmoede >/dev/null 2>&1 || bad "record"
same "a closed booking" "$("$K" db book s1 --move "$PAST" --date 2026-12-14 2>&1 >/dev/null; echo $?)" "kontakt: booking $PAST of case s1 is closed: a conversation or no-show on 2026-12-03
2"
same "not before the latest conversation" "$("$K" db book s1 --move "$S1B" --date 2026-12-03 2>&1 >/dev/null | head -1)" \
    "kontakt: s1: /date: on or before the case's latest conversation or no-show (expected a day after it)"
same "moves and cancels logged" "$(store_q "$DB" "SELECT action FROM access_log WHERE action LIKE 'rebook%' OR action LIKE 'cancel:%' ORDER BY seq" | tr '\n' '|')" \
    "rebook $((n0 + 1))|rebook:already $BK|rebook $((n0 + 2))|rebook $((n0 + 3))|cancel:booking $((n0 + 4))|"
same "logged" "$(store_q "$DB" "SELECT count(DISTINCT substr(action, 1, 4)) FROM access_log WHERE action LIKE 'schedule%' OR action LIKE 'book%' OR action LIKE 'capacity%'")" "3"

# ---- schema 5 -> 6: the forms and seed 004's number kept with each obligation ----
# tests/fixtures/store-v5.db: store-v5.cases.ndjson imported on 2024-02-01 by
# the program at schema 5 (g2024, both educations): k1 jobparat kontanthjælp
# from 2024-01-08 with its first conversation held in person on 01-10; k2 the
# same aktivitetsparat; sb jobparat from 2024-01-22, seriously ill
# (alvorlig_sygdom) from its first day: stand-by. The migration computes every
# plan again as of its day and fills `forms` (KT_FORM_* bits: fremmoede 1,
# telefon 2, digitalt 4, uden_kontakt 16; 0 for a duty that is no
# conversation) and `agenda` (the course's next conversation by seed 004: 0
# for none). The schedule then takes both from the rows.
if ! store_is_pg; then # a SQLite file of schema 5
cp tests/fixtures/store-v5.db "$T/v5.db"
same "fixture at schema 5" "$(sqlite3 "$T/v5.db" 'PRAGMA user_version')" 5
KONTAKT_TODAY=2024-02-01 "$K" db schedule --db "$T/v5.db" --weeks 26 --default-slots 2 --format json >"$T/v5.json" 2>"$T/err" ||
    bad "schedule of a schema-5 store: $(cat "$T/err")"
same "migrated to 6" "$(sqlite3 "$T/v5.db" 'PRAGMA user_version')" 6
same "plans computed again as of their day" "$(sqlite3 "$T/v5.db" "SELECT group_concat(as_of, ' ') FROM plans")" "2024-02-01 2024-02-01 2024-02-01"
same "forms and agenda filled" "$(sqlite3 "$T/v5.db" "SELECT group_concat(case_id || ':' || rule || ':' || forms || ':' || agenda, ' ') FROM (SELECT * FROM obligations ORDER BY case_id, idx)")" \
"k1:kh.first:1:2 k1:all.four_in_six:7:2 k1:all.cv:0:2 k1:kh.vejledning_225:7:2 \
k2:kh.first:1:0 k2:all.four_in_six:7:0 k2:kh.koordinerende:0:0 k2:kh.vejledning_225:7:0 \
sb:kh.first:17:1 sb:all.four_in_six:17:1 sb:all.cv:0:1 sb:kh.vejledning_225:17:1"
# k1's next three of four in six: seed 004's conversations 2, 3, 4 (one held);
# after its first in person the person chooses the form; k2 (aktivitetsparat)
# has no agenda; sb's first conversation may be without contact (stand-by)
same "proposals from the migrated rows" "$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
for c in ("k1", "k2", "sb"):
    ps=[p for p in d["proposals"] if p["case_id"] == c]
    print(c, "/".join(ps[0]["forms"]), " ".join(str((p.get("agenda") or {}).get("conversation", 0)) for p in ps))
' "$T/v5.json")" "k1 fremmoede/telefon/digitalt 2 3 4
k2 fremmoede/telefon/digitalt 0 0 0
sb fremmoede/uden_kontakt 1 2 3 4"
same "g2020-g2025b duties are settled law: no provisional mark" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted({x["provisional"] for p in d["proposals"] for x in p["duties"]}))' "$T/v5.json")" "[False]"
"$K" db check --db "$T/v5.db" >/dev/null 2>&1 || bad "check after migration 5 -> 6"
fi

check_done cli-schedule
