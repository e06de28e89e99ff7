#!/usr/bin/env bash
# cli-api-reports.sh -- GET /v1/worklist, /v1/reports/timeliness and
# /v1/forecast against the real server: the same answers as the command line
# on a small store worked out by hand (tests/cli-db-query.sh has the
# derivation), each token limited to its own jobcentre, roles enforced.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
. tests/api-lib.sh
export KONTAKT_TODAY=2026-11-23 KONTAKT_DB="$T/s.db"
DB=$KONTAKT_DB

cat >"$T/cases.ndjson" <<'EOF'
{"id":"q1","jobcenter":"jc-A","caseworker":"cw-1","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-20","first_inquiry":"2026-11-20","categories":[{"from":"2026-11-20","category":"jobparat"}]}]}
{"id":"q2","jobcenter":"jc-A","caseworker":"cw-2","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-20","first_inquiry":"2026-11-20","categories":[{"from":"2026-11-20","category":"jobparat"}]}],"conversations":[{"date":"2026-11-21","holder":"jobcenter","form":"fremmoede"}],"events":[{"type":"cv_oprettet","date":"2026-11-22"}]}
{"id":"q4","jobcenter":"jc-C","caseworker":"cw-5","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-01","to":"2026-11-15","first_inquiry":"2026-11-01","categories":[{"from":"2026-11-01","category":"jobparat"}]}]}
{"id":"q5","jobcenter":"jc-C","caseworker":"cw-5","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-05","first_inquiry":"2026-11-05","categories":[{"from":"2026-11-05","category":"jobparat"}]}]}
{"id":"q3","jobcenter":"jc-B","caseworker":"cw-9","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-10","first_inquiry":"2026-11-10","categories":[{"from":"2026-11-10","category":"jobparat"}]}]}
EOF
"$K" db import "$T/cases.ndjson" >/dev/null || bad "import"
A_CW=$(tok jc-A caseworker)
A_MGR=$(tok jc-A manager)
B_MGR=$(tok jc-B manager)
C_CW=$(tok jc-C caseworker)

start_server "$T/log" --db "$KONTAKT_DB"

same "worklist A status" "$(get "$A_CW" /v1/worklist)" 200
same "worklist A items" "$(py '[(i["case"], i["rule"], i["status"], i["window"]["to"], i["days_left"]) for i in d["items"]]')" \
"[('q1', 'kh.first', 'open', '2026-11-27', 4)]"
# The default list: due in the next 7 days and overdue in the last 30, what
# can still be met first; all.cv of q3 is due on 2026-12-08, past the week.
same "worklist B" "$(get "$B_MGR" /v1/worklist; echo; py '[(i["case"], i["rule"], i["status"]) for i in d["items"]], d["counts"], d["total"], d["until"], d["oldest"]')" \
"200
[('q3', 'kh.first', 'overdue')] {'open': 0, 'overdue': 1} 1 2026-11-30 2026-10-24"
same "worklist B 14 days: due first" "$(get "$B_MGR" '/v1/worklist?within=14'; echo; py '[(i["case"], i["rule"], i["status"]) for i in d["items"]]')" \
"200
[('q3', 'all.cv', 'open'), ('q3', 'kh.first', 'overdue')]"
same "worklist B by deadline" "$(get "$B_MGR" '/v1/worklist?within=14&order=deadline'; echo; py '[i["rule"] for i in d["items"]]')" \
"200
['kh.first', 'all.cv']"
# Paging: counts are of the whole set, not of the page.
same "worklist limit" "$(get "$B_MGR" '/v1/worklist?limit=1&within=14'; echo; py '(len(d["items"]), d["more"], d["count"], d["next_offset"], d["counts"], d["total"])')" \
"200
(1, True, 1, 1, {'open': 1, 'overdue': 1}, 2)"
same "worklist next page" "$(get "$B_MGR" '/v1/worklist?limit=1&within=14&offset=1'; echo; py '([i["rule"] for i in d["items"]], d["more"], d["offset"])')" \
"200
(['kh.first'], False, 1)"
same "worklist status overdue" "$(get "$B_MGR" '/v1/worklist?within=14&status=overdue'; echo; py '([i["rule"] for i in d["items"]], d["total"])')" \
"200
(['kh.first'], 1)"
same "worklist bad status" "$(get "$B_MGR" '/v1/worklist?status=met')" 400
same "worklist bad offset" "$(get "$B_MGR" '/v1/worklist?offset=-1')" 400
# Items carry the marks and the course's end (kh.first of g2026 is provisional).
same "worklist marks" "$(get "$B_MGR" /v1/worklist; echo; py '[(i["quota"], i["provisional"], i["course_end"]) for i in d["items"]]')" \
"200
[(None, True, None)]"
# q4's kontanthjælp ended on 2026-11-15: its overdue duties are history
# (reports, ?ended=1), q5's still running course is on the list.
same "worklist ended course left out" "$(get "$C_CW" /v1/worklist; echo; py '[(i["case"], i["rule"]) for i in d["items"]], d["counts"]')" \
"200
[('q5', 'all.cv'), ('q5', 'kh.first')] {'open': 1, 'overdue': 1}"
same "worklist ended=1" "$(get "$C_CW" '/v1/worklist?ended=1'; echo; py '[(i["case"], i["rule"], i["course_end"]) for i in d["items"]]')" \
"200
[('q5', 'all.cv', None), ('q4', 'kh.first', '2026-11-15'), ('q5', 'kh.first', None)]"
same "worklist within" "$(get "$A_CW" '/v1/worklist?within=20&caseworker=cw-1'; echo; py '[i["rule"] for i in d["items"]]')" \
"200
['kh.first', 'all.cv']"
# Reassigned (a changed line imported while the server runs): the rows follow
# the case's caseworker (schema 4 keeps it with each obligation).
sed -n '1s/"cw-1"/"cw-7"/p' "$T/cases.ndjson" >"$T/reassign.ndjson"
"$K" db import "$T/reassign.ndjson" >/dev/null || bad "import of the reassignment"
same "worklist of the new caseworker" "$(get "$A_CW" '/v1/worklist?caseworker=cw-7'; echo; py '[(i["case"], i["caseworker"]) for i in d["items"]], d["total"]')" \
"200
[('q1', 'cw-7')] 1"
same "worklist of the old caseworker" "$(get "$A_CW" '/v1/worklist?caseworker=cw-1&within=20'; echo; py '[i["case"] for i in d["items"]]')" \
"200
[]"
same "worklist bad within" "$(get "$A_CW" '/v1/worklist?within=x')" 400

same "timeliness caseworker refused" "$(get "$A_CW" /v1/reports/timeliness)" 403
same "timeliness A" "$(get "$A_MGR" '/v1/reports/timeliness?from=2026-11-01&to=2026-11-30&by=all'; echo; py '[(r["met"], r["missed"], r["open"]) for r in d["rows"]], [(g["group"], [(m["month"], m["met"]) for m in g["months"]]) for g in d["groups"]]')" \
"200
[(1, 0, 1)] [('kh', [('2026-11', 1)])]"
same "timeliness B" "$(get "$B_MGR" '/v1/reports/timeliness?from=2026-11-01&to=2026-11-30&by=all'; echo; py '[(r["met"], r["missed"], r["on_time_share"]) for r in d["rows"]]')" \
"200
[(0, 1, 0.0)]"
same "timeliness bad by" "$(get "$A_MGR" '/v1/reports/timeliness?by=week'; echo; py 'd["problems"][0]["parameter"], d["problems"][0]["expected"]')" "400
by one of all, group, month, jobcenter, caseworker"
same "timeliness to before from" "$(get "$A_MGR" '/v1/reports/timeliness?from=2026-11-30&to=2026-11-01'; echo; py 'd["problems"][0]["parameter"], d["problems"][0]["message"]')" "400
to before from"

same "forecast caseworker refused" "$(get "$A_CW" /v1/forecast)" 403
same "forecast A" "$(get "$A_MGR" '/v1/forecast?weeks=2'; echo; py '[(w["week"], w["from"], w["due"]) for w in d["weeks"]]')" \
"200
[('2026-W48', '2026-11-23', 1), ('2026-W49', '2026-11-30', 0)]"
same "forecast B" "$(get "$B_MGR" '/v1/forecast?weeks=1'; echo; py '[(r["caseworker"], r["week"], r["conversations"]) for r in d["rows"]]')" \
"200
[('cw-9', 0, 1)]"
same "forecast bad weeks" "$(get "$A_MGR" '/v1/forecast?weeks=0')" 400
# A page of the caseload: jc-A has q1 and q2, by id; jc-B only q3.
same "cases page" "$(get "$A_CW" '/v1/cases?limit=1'; echo; py '[c["id"] for c in d["cases"]], d["more"]')" \
"200
['q1'] True"
same "cases next page" "$(get "$A_CW" '/v1/cases?limit=1&after=q1'; echo; py '[(c["id"], c["caseworker"]) for c in d["cases"]], d["more"]')" \
"200
[('q2', 'cw-2')] False"
same "cases of B" "$(get "$B_MGR" '/v1/cases'; echo; py '[c["id"] for c in d["cases"]]')" \
"200
['q3']"
same "no token" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/worklist")" 401
"$K" db access-log | grep -q "report:timeliness" || bad "timeliness not in the access log"

check_done cli-api-reports
