#!/usr/bin/env bash
# cli-pg-rls.sh -- issue 13, points 3 and 4, on PostgreSQL: the server's
# role under row-level security, and two servers writing one case.
#   - through a login role that is a member of kontakt_app and not BYPASSRLS
#     (kt_srv), a query without kontakt.jobcenter reads no case, event, plan
#     or obligation; with it, only that jobcentre's; the access log is
#     insert-only for that role, tokens read-only;
#   - such a role cannot make the schema: `db init` as the owner first (a
#     clear message); kontakt_jobcenters() lists the jobcentres for it;
#   - `kontakt serve --db postgresql://kt_srv@...` end to end: token check,
#     worklist, a case of its jobcentre, another's refused (403, logged),
#     a recording, the access log; its background refresh reaches every
#     jobcentre's plans;
#   - two servers recording into one case at once: every recording stored,
#     and the stored plan is the plan of all the events (a fresh store's).
# Uses the run's cluster (KONTAKT_TEST_PG, run-tests.sh) or starts its own;
# skipped where PostgreSQL is not installed.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 240 bash "$0" "$@"; fi
. tests/check-lib.sh
if [ -z "${KONTAKT_TEST_PG:-}" ]; then
    . tests/pg-lib.sh
    pg_start
    rc=$?
    [ "$rc" -eq 2 ] && exit 0 # skipped (pg_start said so)
    [ "$rc" -eq 0 ] || exit 1
fi
if ! "$K" db init --db "${KONTAKT_TEST_PG%/*}/postgres_no_such_db" 2>&1 | grep -q -v "built without PostgreSQL"; then
    echo "skipped: this kontakt was built without PostgreSQL (libpq)"
    exit 0
fi
export KONTAKT_TEST_BACKEND=pg
. tests/store-lib.sh
export KONTAKT_TODAY=2024-06-01
unset KONTAKT_NOW KONTAKT_DB
PSQL=$(store__psql)
# as ROLE-URI: SQL...; each -c in one session (a SET holds for the next)
as() { local u=$1; shift; local a=(); for c in "$@"; do a+=(-c "$c"); done; "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -d "$u" "${a[@]}" 2>"$T/psql.err"; }

DB=$(store_new rls) || exit 1
cat >"$T/cases.ndjson" <<'EOF'
{"id":"a1","jobcenter":"jc-1","caseworker":"cw-1","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2024-01-08","first_inquiry":"2024-01-05","categories":[{"from":"2024-01-08","category":"jobparat"}]}],"conversations":[{"date":"2024-01-10","holder":"jobcenter","form":"fremmoede"}]}
{"id":"a2","jobcenter":"jc-1","person":{"birth_date":"1990-03-01"},"benefits":[{"benefit":"dagpenge","from":"2024-02-01"}]}
{"id":"b1","jobcenter":"jc-2","person":{"birth_date":"1970-11-11"},"benefits":[{"benefit":"dagpenge","from":"2024-03-01"}]}
EOF
SRV=$(store_server "$DB") || { echo "FAIL: the app role"; exit 1; }
"$K" db import --db "$DB" "$T/cases.ndjson" >/dev/null 2>"$T/err" && ok || bad "import as the owner: $(cat "$T/err")"
"$K" db show a1 --db "$DB" --as owner >/dev/null && ok || bad "show as the owner"
same "the server's role: a member of kontakt_app, not BYPASSRLS" \
    "$(as "$SRV" "SELECT current_user, rolbypassrls, pg_has_role(current_user, 'kontakt_app', 'member') FROM pg_roles WHERE rolname = current_user")" "kt_srv|f|t"

# ---- without the setting: nothing -----------------------------------------------------------
for t in cases events plans obligations access_log; do
    same "kt_srv without kontakt.jobcenter: $t" "$(as "$SRV" "SELECT count(*) FROM $t")" 0
done
same "the owner sees them all" "$(store_q "$DB" "SELECT count(*) FROM cases")" 3
# ---- with it: that jobcentre's --------------------------------------------------------------
same "kt_srv as jc-1: its cases" "$(as "$SRV" "SET kontakt.jobcenter = 'jc-1'" "SELECT string_agg(id, ',' ORDER BY id) FROM cases")" "a1,a2"
same "kt_srv as jc-1: their events, no other" \
    "$(as "$SRV" "SET kontakt.jobcenter = 'jc-1'" "SELECT count(*) FROM events")" \
    "$(store_q "$DB" "SELECT count(*) FROM events e JOIN cases c ON c.id = e.case_id WHERE c.jobcenter = 'jc-1'")"
same "kt_srv as jc-1: their plans" "$(as "$SRV" "SET kontakt.jobcenter = 'jc-1'" "SELECT string_agg(case_id, ',' ORDER BY case_id) FROM plans")" "a1,a2"
same "kt_srv as jc-2: its case" "$(as "$SRV" "SELECT set_config('kontakt.jobcenter', 'jc-2', false)" "SELECT string_agg(id, ',') FROM cases")" "jc-2
b1"
same "kontakt_jobcenters() for kt_srv" "$(as "$SRV" "SELECT string_agg(jobcenter, ',' ORDER BY jobcenter) FROM kontakt_jobcenters()")" "jc-1,jc-2"
as "$SRV" "UPDATE cases SET caseworker = 'x' WHERE id = 'b1'" && same "kt_srv as nobody updates no case" "$(store_q "$DB" "SELECT coalesce(caseworker, '-') FROM cases WHERE id = 'b1'")" "-"
# ---- the access log: insert-only; tokens: read-only ------------------------------------------
as "$SRV" "INSERT INTO access_log(at, who, jobcenter, case_id, action) VALUES ('2024-06-01T00:00:00.000Z', 'kt_srv', 'jc-1', 'a1', 'test')" && ok || bad "kt_srv may append to the access log: $(cat "$T/psql.err")"
n=$(store_q "$DB" "SELECT count(*) FROM access_log")
as "$SRV" "SET kontakt.jobcenter = 'jc-1'" "UPDATE access_log SET action = 'x'" && bad "kt_srv updated the access log" || ok
as "$SRV" "SET kontakt.jobcenter = 'jc-1'" "DELETE FROM access_log" && bad "kt_srv deleted from the access log" || ok
same "the access log unchanged" "$(store_q "$DB" "SELECT count(*) FROM access_log WHERE action <> 'x'")" "$n"
as "$SRV" "INSERT INTO tokens(hash, jobcenter, role, created_at) VALUES ('h', 'jc-1', 'manager', 'now')" && bad "kt_srv made a token" || ok
as "$SRV" "UPDATE events SET body = '{}'" && bad "kt_srv updated events" || ok
# ---- the CLI through kt_srv -----------------------------------------------------------------
"$K" db show b1 --db "$SRV" >/dev/null 2>"$T/err"
same "db show through kt_srv without a jobcentre: not found" "$?" 2
E=$(store_new empty)
E_SRV=$(echo "$E" | sed 's|://[^@/]*@|://kt_srv@|')
"$K" db init --db "$E_SRV" >/dev/null 2>"$T/err"
same "db init through kt_srv: refused" "$?" 1
grep -q "kontakt db init. as the database's owner" "$T/err" && ok || bad "the message says to init as the owner: $(cat "$T/err")"
same "and made nothing" "$(store_q "$E" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# ---- kontakt serve as kt_srv ----------------------------------------------------------------
# start_server LOG ARGS...: sets PORT
start_server() {
    local log=$1; shift
    "$K" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
    PIDS+=($!)
    PORT=
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
        sleep 0.05
    done
    echo "FAIL: server did not start: $(cat "$log")"; exit 1
}
req() { # req METHOD PATH TOKEN [curl args]: STATUS, body in $T/body
    local m=$1 p=$2 t=$3; shift 3
    STATUS=$(curl -s -X "$m" -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $t" "http://127.0.0.1:$PORT$p" "$@")
}
TA=$("$K" token create --db "$DB" --jobcenter jc-1 --role caseworker 2>/dev/null | head -1)
LATER=2024-09-02
start_server "$T/s1.log" --db "$SRV" --today "$LATER"
P1=$PORT
# the background refresh reaches every jobcentre's plans, though kt_srv sees none unset
for _ in $(seq 1 100); do
    [ "$(store_q "$DB" "SELECT count(*) FROM plans WHERE as_of = '$LATER'")" = 3 ] && break
    sleep 0.1
done
same "serve as kt_srv: the refresh recomputed every jobcentre's plans" "$(store_q "$DB" "SELECT count(*) FROM plans WHERE as_of = '$LATER'")" 3
req GET /v1/worklist "nope"
same "a bad token: 401" "$STATUS" 401
req GET "/v1/worklist?overdue_days=-1&within=3660" "$TA"
same "worklist: 200" "$STATUS" 200
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); ids={i["case"] for i in d["items"]}; sys.exit(0 if ids and ids <= {"a1","a2"} else 1)' "$T/body" && ok || bad "worklist: jc-1's cases only: $(head -c 300 "$T/body")"
req GET /v1/cases/a1 "$TA"
same "a case of its jobcentre: 200" "$STATUS" 200
req GET /v1/cases/b1 "$TA"
same "another jobcentre's case: 403, as on SQLite" "$STATUS" 403
req POST /v1/cases/a1/conversations "$TA" -H 'Content-Type: application/json' --data-binary '{"date":"2024-05-30","holder":"jobcenter","form":"fremmoede"}'
same "record: 201" "$STATUS" 201
same "the recording stored" "$(store_q "$DB" "SELECT count(*) FROM events WHERE case_id = 'a1' AND kind = 'conversation' AND body LIKE '%2024-05-30%'")" 1
same "the access log: the read, the refusal, the write" \
    "$(store_q "$DB" "SELECT string_agg(case_id || ':' || split_part(action, ' ', 1), ',' ORDER BY seq) FROM access_log WHERE who LIKE 'token:%' AND case_id IS NOT NULL")" \
    "a1:read,b1:denied:read,a1:record:conversation"

# ---- two servers, one case, at once ---------------------------------------------------------
start_server "$T/s2.log" --db "$SRV" --today "$LATER"
P2=$PORT
before=$(store_q "$DB" "SELECT count(*) FROM events WHERE case_id = 'a1'")
: >"$T/codes"
cp=()
for i in $(seq 1 20); do
    p=$([ $((i % 2)) = 0 ] && echo "$P1" || echo "$P2")
    d=$(printf '2024-06-%02d' "$i")
    curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' \
        --data-binary "{\"date\":\"$d\",\"holder\":\"jobcenter\",\"form\":\"telefon\"}" "http://127.0.0.1:$p/v1/cases/a1/conversations" >>"$T/codes" &
    cp+=($!)
done
wait "${cp[@]}"
same "two servers, 20 recordings into one case: all 201" "$(sort "$T/codes" | uniq -c | tr -s ' ' | tr '\n' ' ')" " 20 201 "
same "every recording stored" "$(store_q "$DB" "SELECT count(*) FROM events WHERE case_id = 'a1'")" $((before + 20))
# the stored plan = the plan of all the events: a fresh store of the export, same day
F=$(store_new fresh)
KONTAKT_TODAY=$LATER "$K" db export --db "$DB" >"$T/export.ndjson"
KONTAKT_TODAY=$LATER "$K" db import --db "$F" "$T/export.ndjson" >/dev/null 2>"$T/err" || bad "fresh import: $(cat "$T/err")"
cols="case_id, idx, rule, window_from, deadline, status, required, counted, met_on, exempt, stopped"
same "the stored plan of a1 is the plan of all its events" \
    "$(store_q "$DB" "SELECT $cols FROM obligations WHERE case_id = 'a1' ORDER BY idx")" \
    "$(store_q "$F" "SELECT $cols FROM obligations WHERE case_id = 'a1' ORDER BY idx")"
same "and its plan row" "$(store_q "$DB" "SELECT as_of, valid_until, plan_json FROM plans WHERE case_id = 'a1'")" \
    "$(store_q "$F" "SELECT as_of, valid_until, plan_json FROM plans WHERE case_id = 'a1'")"

check_done cli-pg-rls
