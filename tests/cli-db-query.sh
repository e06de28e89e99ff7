#!/usr/bin/env bash
# cli-db-query.sh -- `kontakt db worklist|report|forecast` on a small store
# whose answers are worked out by hand from rules.md.
#
# Today is 2026-11-23 (a Monday); three jobparat kontanthjælp cases, S = the
# first inquiry, both educations (so no kh.test_tilbud), g2024 terms:
#   q1 jc-A/cw-1 S 2026-11-20, nothing held: kh.first [11-20, 11-27] open,
#      all.cv [S, S+21 = 12-11] open;
#   q2 jc-A/cw-2 the same, conversation 11-21 and CV 11-22: both met;
#   q3 jc-B/cw-9 S 2026-11-10: kh.first [11-10, 11-17] overdue,
#      all.cv [11-10, 12-01] open.
set -u
. tests/check-lib.sh
# On SQLite, and with KONTAKT_TEST_BACKEND=pg on PostgreSQL (tests/store-lib.sh).
. tests/store-lib.sh
export KONTAKT_TODAY=2026-11-23 KONTAKT_DB
KONTAKT_DB=$(store_new s) || exit 1

cat >"$T/cases.ndjson" <<'EOF'
{"id":"q1","jobcenter":"jc-A","caseworker":"cw-1","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-20","first_inquiry":"2026-11-20","categories":[{"from":"2026-11-20","category":"jobparat"}]}]}
{"id":"q2","jobcenter":"jc-A","caseworker":"cw-2","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-20","first_inquiry":"2026-11-20","categories":[{"from":"2026-11-20","category":"jobparat"}]}],"conversations":[{"date":"2026-11-21","holder":"jobcenter","form":"fremmoede"}],"events":[{"type":"cv_oprettet","date":"2026-11-22"}]}
{"id":"q3","jobcenter":"jc-B","caseworker":"cw-9","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-10","first_inquiry":"2026-11-10","categories":[{"from":"2026-11-10","category":"jobparat"}]}]}
EOF
"$K" db import "$T/cases.ndjson" >/dev/null || bad "import"

# Worklist, default 14 days (to 12-07): most urgent first.
same "worklist" "$("$K" db worklist --format csv | cut -d, -f1-7 | tail -n +2)" \
"2026-11-17,-6,overdue,q3,jc-B,cw-9,kh.first
2026-11-27,4,open,q1,jc-A,cw-1,kh.first
2026-12-01,8,open,q3,jc-B,cw-9,all.cv"
same "worklist 20 days" "$("$K" db worklist --within 20 --format csv | tail -n +2 | cut -d, -f4,7 | tr '\n' ' ')" \
"q3,kh.first q1,kh.first q3,all.cv q1,all.cv "
same "worklist jc-A" "$("$K" db worklist --jobcenter jc-A --format csv | tail -n +2 | cut -d, -f4,7)" "q1,kh.first"
same "worklist cw-9" "$("$K" db worklist --caseworker cw-9 --format csv | tail -n +2 | cut -d, -f4,7 | tr '\n' ' ')" \
"q3,kh.first q3,all.cv "
same "worklist limit" "$("$K" db worklist --limit 1 --format csv | tail -n +2 | cut -d, -f4,7)" "q3,kh.first"
same "worklist json counts" "$("$K" db worklist --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["counts"], len(d["items"]), d["items"][0]["window"], d["items"][0]["group"])')" \
"{'open': 2, 'overdue': 1} 3 {'from': '2026-11-10', 'to': '2026-11-17'} kh"
# A week later, q1's first conversation is overdue too (stored open, read as overdue).
same "worklist later" "$("$K" db worklist --as-of 2026-11-30 --format csv | tail -n +2 | cut -d, -f2-4 | tr '\n' ' ')" \
"-13,overdue,q3 -3,overdue,q1 1,open,q3 11,open,q1 "
# Overdue older than --overdue-days are left out.
same "worklist overdue-days" "$("$K" db worklist --overdue-days 5 --format csv | tail -n +2 | cut -d, -f4,7 | tr '\n' ' ')" \
"q1,kh.first q3,all.cv "
# Recording keeps the worklist up to date.
"$K" db record q1 --conversation 2026-11-23 --holder jobcenter --form fremmoede >/dev/null || bad "record"
same "worklist after record" "$("$K" db worklist --jobcenter jc-A --format csv | tail -n +2 | wc -l | tr -d ' ')" "0"

# Reassigning a case moves its rows in the worklist to the new caseworker.
"$K" db assign q3 cw-7 >/dev/null || bad "assign"
same "worklist after assign" "$("$K" db worklist --caseworker cw-7 --format csv | tail -n +2 | cut -d, -f4,6,7 | tr '\n' ' ')" \
"q3,cw-7,kh.first q3,cw-7,all.cv "
same "worklist of the old caseworker" "$("$K" db worklist --caseworker cw-9 --format csv | tail -n +2 | wc -l | tr -d ' ')" "0"
"$K" db correct q1 "$("$K" db show q1 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(max(e["seq"] for e in d["events"] if e["kind"]=="conversation"))')" --retract >/dev/null 2>&1 || bad "correct --retract"
same "worklist after retraction" "$("$K" db worklist --jobcenter jc-A --format csv | tail -n +2 | cut -d, -f4,7)" "q1,kh.first"
"$K" db record q1 --conversation 2026-11-23 --holder jobcenter --form fremmoede >/dev/null || bad "record again"

# Timeliness, deadlines in November: q1 kh.first met (11-23), q2 kh.first met,
# q3 kh.first missed: 2 met of 3 due.
same "report" "$("$K" db report --from 2026-11-01 --to 2026-11-30 --format csv | tail -n +2)" \
"timeliness,i alt,2,0,1,0,0,0,0.6667"
same "report by jobcenter" "$("$K" db report --from 2026-11-01 --to 2026-11-30 --by jobcenter --format csv | tail -n +2 | cut -d, -f2-5 | tr '\n' ' ')" \
"jc-A,2,0,0 jc-B,0,0,1 "
same "report json" "$("$K" db report --from 2026-11-01 --to 2026-12-31 --by group --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print([(r["key"], r["met"], r["missed"], r["open"]) for r in d["timeliness"]], d["star"]["line"])')" \
"[('kh', 3, 1, 2)] 0.8"

# By group and month: November as above; December: q1's and q3's all.cv open
# (12-11, 12-01) and q2's met (11-22).
same "report by group,month" "$("$K" db report --from 2026-11-01 --to 2026-12-31 --by group,month --format csv | tail -n +2 | cut -d, -f2-6 | tr '\n' ' ')" \
"kh 2026-11,2,0,1,0 kh 2026-12,1,0,0,2 "

# Forecast, 2 weeks from Monday 11-23: q3's overdue first conversation is
# owed in week 0 (its caseworker is now cw-7); q1's is met. all.cv is not a
# conversation.
same "forecast" "$("$K" db forecast --weeks 2 --format csv | tail -n +2)" "jc-B,cw-7,0,2026-11-23,1,1"

# Forecast with --generation: every plan computed again in memory. With the
# generations where they are (g2014 moved to its own first day) it must give
# what the stored plans give; the store is not changed (plans, obligations).
snap() { store_q "$KONTAKT_DB" "SELECT * FROM obligations ORDER BY case_id, idx"; store_q "$KONTAKT_DB" "SELECT case_id, as_of, valid_until FROM plans ORDER BY 1"; }
before=$(snap)
same "forecast --generation (no move) = stored" "$("$K" db forecast --weeks 4 --format csv --generation g2014=2014-01-01)" \
    "$("$K" db forecast --weeks 4 --format csv)"
# g2026 moved past the cases' start: g2025b's rules give the same
# open first conversation of q3 (kh.first exists in both), recomputed.
same "forecast --generation (moved)" "$("$K" db forecast --weeks 2 --format csv --generation g2027=2099-06-01 --generation g2026=2099-01-01 | tail -n +2)" \
    "jc-B,cw-7,0,2026-11-23,1,1"
same "forecast --generation leaves the store alone" "$(snap)" "$before"
"$K" db forecast --help | grep -q -- "--generation G=DATE" || bad "forecast --help names --generation"

# ---- the 75 % measure (--quota) ---------------------------------------------------------
# Three g2026 dagpenge courses of a-kasse ak-1 at jc-Q, S = 2026-08-03
# (dp.a_kasse_75 due 2026-11-02): d1 held both in time (met), d3 nothing
# (overdue), d6 the a-kasse's concrete judgement (undtaget). November 2026 on
# 2027-06-15: cohort 3, held 1, undtaget 1, overdue 1, share 1/3; under 10, so
# no under_75; undtaget 1/3 > 0.25 -> undtaget_over_25.
Q=$(store_new quota)
cat >"$T/quota.ndjson" <<'EOF'
{"id": "d1", "jobcenter": "jc-A", "person": {"birth_date": "1980-01-01", "youth_education": true, "vocational_education": true}, "benefits": [{"benefit": "dagpenge", "from": "2026-08-03", "a_kasse": "ak-1"}], "conversations": [{"date": "2026-08-10", "holder": "a_kasse", "form": "fremmoede"}, {"date": "2026-10-05", "holder": "a_kasse", "form": "fremmoede"}, {"date": "2026-11-20", "holder": "jobcenter", "form": "fremmoede"}, {"date": "2027-01-10", "holder": "jobcenter", "form": "fremmoede"}], "events": [{"type": "cv_oprettet", "date": "2026-08-05"}]}
{"id": "d3", "jobcenter": "jc-A", "person": {"birth_date": "1980-01-01", "youth_education": true, "vocational_education": true}, "benefits": [{"benefit": "dagpenge", "from": "2026-08-03", "a_kasse": "ak-1"}], "conversations": [], "events": [{"type": "cv_oprettet", "date": "2026-08-05"}]}
{"id": "d6", "jobcenter": "jc-A", "person": {"birth_date": "1980-01-01", "youth_education": true, "vocational_education": true}, "benefits": [{"benefit": "dagpenge", "from": "2026-08-03", "a_kasse": "ak-1"}], "conversations": [], "events": [{"type": "undtaget_konkret_vurdering", "holder": "a_kasse", "date": "2026-08-05"}, {"type": "undtaget_konkret_vurdering", "holder": "jobcenter", "date": "2026-08-05"}, {"type": "cv_oprettet", "date": "2026-08-05"}]}
EOF
KONTAKT_TODAY=2027-06-15 "$K" db import --db "$Q" --jobcenter jc-Q "$T/quota.ndjson" >/dev/null || bad "quota import"
qr() { KONTAKT_TODAY=2027-06-15 "$K" db report --db "$Q" --quota --from 2026-11-01 --to 2026-11-30 --no-star "$@"; }
same "quota csv" "$(qr --by a_kasse --format csv)" \
"measure,population,unit,group,month,cohort,held,undtaget,late,overdue,share,flags
quota_75,a_kasse,ak-1,,2026-11,3,1,1,0,1,0.333333,undtaget_over_25
quota_75_rolling,a_kasse,ak-1,,2026-11,3,1,1,0,1,0.333333,undtaget_over_25"
same "quota json" "$(qr --by a_kasse --format json | python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(list(r), r["group"], r["flags"], round(r["share"], 4))')" \
"['measure', 'population', 'unit', 'group', 'month', 'cohort', 'held', 'undtaget', 'late', 'overdue', 'share', 'flags'] None ['undtaget_over_25'] 0.3333"
qr --format text >"$T/q.txt" || bad "quota text"
grep -q "FORELØBIG" "$T/q.txt" || bad "quota text: not marked provisional"
grep -q "^2026-11  75 %  *a-kasse  ak-1 .* 33.3 %\*  undtaget over 25 %" "$T/q.txt" || bad "quota text row: $(cat "$T/q.txt")"
# the kommune rows: dp.kommune_75 is due 2027-02-02; in November nothing
same "quota --by jobcenter in November" "$(qr --by jobcenter --format csv | tail -n +2)" ""

# Bad arguments: exit 2, nothing printed on stdout.
for args in "worklist --within -1" "worklist --as-of 2026-02-30" "worklist --format xml" \
            "report --from 2026-12-01 --to 2026-11-01" "report --to 2026-11-01" \
            "report --from 2026-11-01 --to 2026-11-30 --by week" "forecast --weeks 0" "worklist --bogus" \
            "forecast --generation g2024" "forecast --generation g1999=2020-01-01" \
            "report --quota --by caseworker" "report --quota --from 2026-12-01 --to 2026-11-01"; do
    # shellcheck disable=SC2086
    "$K" db $args >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -eq 2 ] || bad "db $args: exit $rc, wanted 2"
    [ -s "$T/err" ] || bad "db $args: no message"
done
for c in worklist report forecast; do "$K" db $c --help >/dev/null || bad "db $c --help"; done
# Queries are logged (who read the caseload).
"$K" db access-log | grep -q worklist || bad "worklist not in the access log"

check_done cli-db-query
