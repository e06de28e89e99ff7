#!/usr/bin/env bash
# cli-api-quota.sh -- the 75 % of g2026 over HTTP, against the real server
# with the day pinned (--today 2027-01-15):
#  - GET /v1/reports/quota on a small caseload worked out by hand below
#    (conventions.md "Population measures"), limited to the token's
#    jobcentre, managers and auditors only, bad parameters refused, logged;
#  - recording, revoking and reinstating "undtaget efter konkret vurdering"
#    through POST /v1/cases/{id}/events: the plan changes, a revocation is a
#    correction of the decision (not a second event), refusals (other
#    jobcentre, auditor, no token, bad holder, to before date) and the log.
# The numbers need the engine's g2026 (branch engine) and the store's
# ks_report_quota (branch store); until both are merged those checks are
# reported as skipped, the rest runs.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
export KONTAKT_TODAY=2027-01-15 KONTAKT_DB="$T/s.db"
DB=$KONTAKT_DB

# The caseload of jc-A (S = 2026-07-01, g2026) and its quota obligations:
#   dp.a_kasse_75 [2026-07-01, 2026-09-30] (month 2026-09), a-kasse of the period
#   dp.kommune_75 [2026-10-01, 2026-12-31] (month 2026-12), jobcentre jc-A
#   all.four_in_six_75 (kh jobparat) [2026-07-01, 2026-12-31] (month 2026-12)
# d1 ak-1: two a-kasse and two jobcentre conversations: both met (held).
# d2 ak-1: undtaget by the a-kasse and by the jobcentre on 2026-07-02: both
#          exempt.konkret_vurdering (undtaget).
# d3 ak-1: nothing: both overdue.
# d4 (no a_kasse): nothing: a-kasse unit "ukendt", both overdue.
# k1 kh jobparat: undtaget by the jobcentre 2026-07-02, revoked 2026-07-10:
#          ordinary status, overdue (group kh).
# b1 jc-B ak-1: nothing; another jobcentre, never in jc-A's report.
# Report 2026-09-01..2026-12-31 on 2027-01-15:
#   a_kasse ak-1 2026-09: cohort 3 held 1 undtaget 1 overdue 1, share 1/3,
#     undtaget_over_25 (1/3 > 1/4); under_75 not judged (cohort < 10)
#   a_kasse ukendt 2026-09: cohort 1 overdue 1, share 0
#   kommune jc-A 2026-12 dp: cohort 4 held 1 undtaget 1 overdue 2, share 0.25,
#     no flag (1/4 is not over 25 %); kh: cohort 1 overdue 1; sum: 5/1/1/3, 0.2
P='"person":{"birth_date":"1980-05-05","youth_education":true,"vocational_education":true}'
cp tests/data/quota-g2026.ndjson "$T/cases.ndjson"
# Does the engine know g2026 and the event? (until the engine branch is merged it does not)
ENGINE=1
printf '{"id":"x",%s,"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-02","categories":[{"from":"2026-11-02","category":"jobparat"}]}],"events":[{"type":"undtaget_konkret_vurdering","date":"2026-11-03","holder":"jobcenter"}]}' "$P" >"$T/probe.json"
"$K" plan --as-of 2027-01-15 "$T/probe.json" >"$T/probe.out" 2>&1 && grep -q 'all.four_in_six_75' "$T/probe.out" || ENGINE=0
if [ "$ENGINE" = 1 ]; then
    "$K" db import "$T/cases.ndjson" >/dev/null || bad "import"
else
    echo "cli-api-quota: skipped: the engine does not know g2026 yet (branch engine); the checks of plans and numbers are left out"
    grep -e '"id":"u1"' -e '"id":"b1"' "$T/cases.ndjson" | sed 's/,"a_kasse":"ak-1"//' >"$T/u1.ndjson"
    "$K" db import "$T/u1.ndjson" >/dev/null || bad "import"
fi
A_CW=$(tok jc-A caseworker)
A_MGR=$(tok jc-A manager)
A_AUD=$(tok jc-A auditor)
B_CW=$(tok jc-B caseworker)
B_MGR=$(tok jc-B manager)

start_server "$T/log" --db "$KONTAKT_DB" --today 2027-01-15
log_has() { "$K" db access-log "$1" | grep -q -- "$2" || bad "access log of $1 has no $2"; }

# ---- GET /v1/reports/quota -----------------------------------------------------------
Q='/v1/reports/quota?from=2026-09-01&to=2026-12-31&rolling=false'
same "quota caseworker refused" "$(get "$A_CW" "$Q")" 403
same "quota no token" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$Q")" 401
same "quota bad by" "$(get "$A_MGR" '/v1/reports/quota?by=week'; echo; py 'd["problems"][0]["parameter"], d["problems"][0]["expected"]')" "400
by one of month, jobcenter, a_kasse, group"
same "quota bad date" "$(get "$A_MGR" '/v1/reports/quota?from=2026-13-01')" 400
same "quota to before from" "$(get "$A_MGR" '/v1/reports/quota?from=2026-12-01&to=2026-09-01'; echo; py 'd["problems"][0]["parameter"], d["problems"][0]["message"]')" "400
to before from"
same "quota bad rolling" "$(get "$A_MGR" '/v1/reports/quota?rolling=ja')" 400
code=$(get "$A_MGR" "$Q")
if [ "$code" = 400 ] && grep -q 'not implemented' "$T/body"; then
    echo "cli-api-quota: skipped: the store's ks_report_quota is a stub (branch store); the report's numbers are left out"
elif [ "$ENGINE" = 0 ]; then
    same "quota status" "$code" 200
else
    same "quota status" "$code" 200
    same "quota head" "$(py '(d["from"], d["to"], d["as_of"], d["by"], d["provisional"], d["line"], d["undtaget_ceiling"])')" \
        "('2026-09-01', '2026-12-31', '2027-01-15', 'month', True, 0.75, 0.25)"
    rows='[(r["measure"], r["population"], r["unit"], r["group"], r["month"], r["cohort"], r["held"], r["undtaget"], r["late"], r["overdue"], None if r["share"] is None else round(r["share"], 4), r["flags"]) for r in d["rows"] if r["population"] == POP]'
    same "quota a_kasse rows" "$(py "${rows/POP/\"a_kasse\"}")" \
        "[('quota_75', 'a_kasse', 'ak-1', None, '2026-09', 3, 1, 1, 0, 1, 0.3333, ['undtaget_over_25']), ('quota_75', 'a_kasse', 'ukendt', None, '2026-09', 1, 0, 0, 0, 1, 0.0, [])]"
    same "quota kommune rows" "$(py "${rows/POP/\"kommune\"}" | tr -d '\n')" \
        "[('quota_75', 'kommune', 'jc-A', None, '2026-12', 5, 1, 1, 0, 3, 0.2, []), ('quota_75', 'kommune', 'jc-A', 'dp', '2026-12', 4, 1, 1, 0, 2, 0.25, []), ('quota_75', 'kommune', 'jc-A', 'kh', '2026-12', 1, 0, 0, 0, 1, 0.0, [])]"
    same "quota every row provisional" "$(py '(all(r["provisional"] for r in d["rows"]), d["count"] == len(d["rows"]))')" "(True, True)"
    same "quota by a_kasse" "$(get "$A_MGR" '/v1/reports/quota?from=2026-09-01&to=2026-12-31&rolling=false&by=a_kasse'; echo; py 'sorted({r["population"] for r in d["rows"]})')" \
        "200
['a_kasse']"
    same "quota rolling" "$(get "$A_MGR" '/v1/reports/quota?from=2026-12-01&to=2026-12-31&by=a_kasse'; echo; py '[(r["unit"], r["month"], r["cohort"]) for r in d["rows"] if r["measure"] == "quota_75_rolling" and r["unit"] == "ak-1"]')" \
        "200
[('ak-1', '2026-12', 3)]"
    # jc-B sees its own case only: ak-1 there has b1 alone
    same "quota B" "$(get "$B_MGR" "$Q"; echo; py '[(r["unit"], r["cohort"], r["overdue"]) for r in d["rows"] if r["population"] == "a_kasse"]')" \
        "200
[('ak-1', 1, 1)]"
    same "quota auditor" "$(get "$A_AUD" "$Q")" 200
    "$K" db access-log | grep -q "jc-A.*report:quota" || bad "the quota report is not in the access log"
fi

# ---- undtaget efter konkret vurdering ------------------------------------------------
U='{"type":"undtaget_konkret_vurdering","date":"2026-11-03","holder":"jobcenter"}'
R='{"type":"undtaget_konkret_vurdering","date":"2026-11-03","holder":"jobcenter","to":"2027-01-10"}'
ev='/v1/cases/u1/events'
events() { get "$A_CW" /v1/cases/u1 >/dev/null; py 'd["events"]'; }
n0=$(events)
same "undtaget other jobcentre" "$(post "$B_CW" "$ev" "$U"; echo; py 'd["type"]')" "403
urn:kontakt:problem:other-jobcenter"
log_has u1 'jc-B.*denied:record:event'
same "undtaget auditor" "$(post "$A_AUD" "$ev" "$U")" 403
log_has u1 'auditor.*denied:role'
same "undtaget no token" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$U" "http://127.0.0.1:$PORT$ev")" 401
same "undtaget no case" "$(post "$A_CW" /v1/cases/nobody/events "$U")" 404
same "undtaget bad holder" "$(post "$A_CW" "$ev" "$(printf '{"type":"undtaget_konkret_vurdering",\n "date":"2026-11-03",\n "holder":"kommune"}')"; echo; py '[(p["pointer"], p["expected"], p["line"], p["column"]) for p in d["problems"]]')" \
    "422
[('/holder', 'jobcenter or a_kasse', 3, 11)]"
same "undtaget no holder" "$(post "$A_CW" "$ev" '{"type":"undtaget_konkret_vurdering","date":"2026-11-03"}'; echo; py 'd["problems"][0]["pointer"]')" "422
/holder"
same "undtaget to before date" "$(post "$A_CW" "$ev" '{"type":"undtaget_konkret_vurdering","date":"2026-11-03","holder":"a_kasse","to":"2026-11-01"}'; echo; py 'd["problems"][0]["pointer"]')" "422
/to"
same "nothing recorded by the refusals" "$(events)" "$n0"

if [ "$ENGINE" = 1 ]; then
    ob='[(o["rule"], o["status"], o.get("exempt_reason")) for o in d["plan"]["obligations"] if o["rule"] == "all.four_in_six_75"]'
    same "before: ordinary status" "$(get "$A_CW" /v1/cases/u1 >/dev/null; py "$ob")" "[('all.four_in_six_75', 'open', None)]"
    same "record undtaget" "$(post "$A_CW" "$ev" "$U"; echo; py "$ob")" \
        "201
[('all.four_in_six_75', 'exempt', 'exempt.konkret_vurdering')]"
    n1=$(py 'd["events"]')
    same "the same decision again changes nothing" "$(post "$A_CW" "$ev" "$U"; echo; py 'd["events"]')" "200
$n1"
    same "revoke" "$(post "$A_CW" "$ev" "$R"; echo; py "$ob"; py '[e for e in d["case"]["events"] if e["type"] == "undtaget_konkret_vurdering"]')" \
        "201
[('all.four_in_six_75', 'open', None)]
[{'date': '2026-11-03', 'holder': 'jobcenter', 'to': '2027-01-10', 'type': 'undtaget_konkret_vurdering'}]"
    same "reinstate by a manager" "$(post "$A_MGR" "$ev" "$U"; echo; py "$ob"; py '[e for e in d["case"]["events"] if e["type"] == "undtaget_konkret_vurdering"]')" \
        "201
[('all.four_in_six_75', 'exempt', 'exempt.konkret_vurdering')]
[{'date': '2026-11-03', 'holder': 'jobcenter', 'type': 'undtaget_konkret_vurdering'}]"
    same "a second holder is a second decision" "$(post "$A_CW" "$ev" '{"type":"undtaget_konkret_vurdering","date":"2026-11-03","holder":"a_kasse"}'; echo; py 'len([e for e in d["case"]["events"] if e["type"] == "undtaget_konkret_vurdering"])')" \
        "201
2"
    log_has u1 'jc-A.*record:undtaget$'
    log_has u1 'jc-A.*revoke:undtaget'
    log_has u1 'manager.*reinstate:undtaget'
    log_has u1 'record:undtaget:unchanged'
else
    same "undtaget refused by an engine without g2026" "$(post "$A_CW" "$ev" "$U")" 422
fi

check_done cli-api-quota
