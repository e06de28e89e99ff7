#!/usr/bin/env bash
# cli-db-days.sh -- plans that stay current (issue 11, point 0). The clock
# moves day by day over two months (KONTAKT_TODAY = each day) on a small
# caseload with periods that start later and periods that end later, events
# ahead, deadlines passing, an 18th birthday and conversations recorded on
# the way. Each day `db refresh` runs, and the worklist, the timeliness report
# and the forecast read from the store must equal those of a store built
# afresh that day (the store's export imported into a new file). Also: the
# issue's example (dagpenge from 2026-12-07, imported 12-02), what a refresh
# recomputes (only what changed), the stale-plan notes when no refresh ran,
# and `kontakt serve` refreshing by itself at start. On SQLite, and with
# KONTAKT_TEST_BACKEND=pg on PostgreSQL (tests/store-lib.sh); the migration
# fixtures (SQLite files of schema 3) are SQLite-only.
set -u
BUILD=${BUILD:-build}
K="$PWD/$BUILD/kontakt"
T=$(mktemp -d)
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT
unset KONTAKT_NOW KONTAKT_DB
export KONTAKT_NOW=2026-12-02T08:00:00.000Z
fails=0
checks=0
ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
same() { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }
. tests/store-lib.sh
DB=$(store_new store) || exit 1
q() { if store_is_pg; then store_q "$DB" "$1"; else sqlite3 -cmd ".timeout 5000" "$DB" "$1"; fi; }
# group_concat(X, SEP) on SQLite, string_agg on PostgreSQL
agg() { if store_is_pg; then echo "string_agg($1, $2)"; else echo "group_concat($1, $2)"; fi; }

# d1: the issue's example. d2: dagpenge ending 12-31 (stale open rows after
# the end). k1: kontanthjælp until 12-20, then dagpenge from 2027-01-04 (a
# course ahead after a running one). k2: kontanthjælp first inquiry ahead.
# s1: sygedagpenge with a leave ahead. u1: uddannelseshjælp, 18 on 12-15,
# fritaget under18 until then. r1: ressourceforløb ending within the window.
# j1: kontanthjælp with a job start ahead.
cat >"$T/cases.ndjson" <<'EOF'
{"id":"d1","jobcenter":"jc","caseworker":"cw-1","person":{"birth_date":"1980-01-01"},"benefits":[{"benefit":"dagpenge","from":"2026-12-07"}]}
{"id":"d2","jobcenter":"jc","caseworker":"cw-1","person":{"birth_date":"1975-05-20"},"benefits":[{"benefit":"dagpenge","from":"2026-10-05","to":"2026-12-31","a_kasse":"ak-1"}],"conversations":[{"date":"2026-10-12","holder":"a_kasse","form":"fremmoede"}]}
{"id":"k1","jobcenter":"jc","caseworker":"cw-2","person":{"birth_date":"1990-03-01","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-02","to":"2026-12-20","first_inquiry":"2026-10-30","categories":[{"from":"2026-11-02","category":"jobparat"}]},{"benefit":"dagpenge","from":"2027-01-04"}]}
{"id":"k2","jobcenter":"jc","caseworker":"cw-2","person":{"birth_date":"1988-07-07","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2026-12-14","first_inquiry":"2026-12-10","categories":[{"from":"2026-12-14","category":"aktivitetsparat"}]}]}
{"id":"s1","jobcenter":"jc","caseworker":"cw-3","person":{"birth_date":"1970-11-11"},"benefits":[{"benefit":"sygedagpenge","from":"2026-11-16","first_sick_day":"2026-11-09"}],"events":[{"type":"barsel","from":"2026-12-21","to":"2027-01-10"}]}
{"id":"u1","jobcenter":"jc","caseworker":"cw-3","person":{"birth_date":"2008-12-15"},"benefits":[{"benefit":"kontanthjaelp","from":"2026-11-23","first_inquiry":"2026-11-23","categories":[{"from":"2026-11-23","category":"uddannelsesparat"}]}],"events":[{"type":"fritaget","reason":"under18","from":"2026-11-23","to":"2026-12-14"}]}
{"id":"r1","jobcenter":"jc2","caseworker":"cw-9","person":{"birth_date":"1968-02-29"},"benefits":[{"benefit":"kontanthjaelp","from":"2026-09-01","to":"2026-12-12","first_inquiry":"2026-08-28","categories":[{"from":"2026-09-01","category":"aktivitetsparat"}]},{"benefit":"dagpenge","from":"2026-12-28","to":"2027-01-20"}],"conversations":[{"date":"2026-09-03","holder":"jobcenter","form":"fremmoede"}]}
{"id":"j1","jobcenter":"jc2","caseworker":"cw-9","person":{"birth_date":"1995-09-09","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"dagpenge","from":"2026-11-30"}],"events":[{"type":"jobstart","date":"2027-01-11"}]}
EOF

START=2026-12-02
export KONTAKT_TODAY=$START
"$K" db init --db "$DB" >/dev/null || bad "init"
"$K" db import --db "$DB" "$T/cases.ndjson" >"$T/out" 2>&1 || { bad "import"; cat "$T/out"; }

# ---- the issue's example -------------------------------------------------------------
same "d1 planned ahead on $START" "$(q "SELECT $(agg "rule || ' ' || deadline || ' ' || status" "'; '") FROM (SELECT * FROM obligations WHERE case_id = 'd1' AND deadline < '2027-01-01' ORDER BY idx) AS o")" \
    "dp.a_kasse_first 2026-12-21 open; all.cv 2026-12-28 open"
KONTAKT_TODAY=2026-12-03 "$K" db refresh --db "$DB" >/dev/null || bad "refresh 12-03"
KONTAKT_TODAY=2026-12-03 "$K" db worklist --db "$DB" --within 30 --format json >"$T/wl.json"
same "12-03: d1's first duties on the worklist, open" \
    "$(python3 -c 'import json,sys; print(" ".join(i["rule"]+"/"+i["window"]["to"]+"/"+i["status"] for i in json.load(open(sys.argv[1]))["items"] if i["case"]=="d1"))' "$T/wl.json")" \
    "dp.a_kasse_first/2026-12-21/open all.cv/2026-12-28/open"

# the case as shown (db show, and the server's case page) plans ahead as the rows do
same "db show d1 on 12-03" "$(KONTAKT_TODAY=2026-12-03 "$K" db show d1 --db "$DB" | python3 -c 'import json,sys; print(" ".join(o["rule"]+"/"+o["status"] for o in json.load(sys.stdin)["plan"]["obligations"][:2]))')" \
    "dp.a_kasse_first/open all.cv/open"

# ---- day by day ----------------------------------------------------------------------
# fresh DAY: a new store with the store's cases as of DAY, from its export
fresh() {
    if store_is_pg; then
        [ -n "${FRESH:-}" ] && store_q "$KONTAKT_TEST_PG" "DROP DATABASE \"${FRESH##*/}\"" >/dev/null
        FRESH=$(store_new fresh)
    else
        FRESH="$T/fresh.db"
        rm -f "$FRESH" "$FRESH-wal" "$FRESH-shm"
    fi
    local f="$FRESH"
    KONTAKT_TODAY=$1 "$K" db export --db "$DB" >"$T/export.ndjson" 2>"$T/export.err" || bad "$1: export: $(cat "$T/export.err")"
    KONTAKT_TODAY=$1 "$K" db import --db "$f" "$T/export.ndjson" >/dev/null 2>&1 || bad "$1: fresh import"
}
# answers DB DAY: the worklist, report and forecast of DB on DAY, in one text
answers() {
    local db=$1 day=$2
    export KONTAKT_TODAY=$day
    "$K" db worklist --db "$db" --within 30 --overdue-days -1 --format json 2>&1
    "$K" db report --db "$db" --from 2026-09-01 --to 2027-03-31 --by caseworker --format csv 2>&1
    "$K" db report --db "$db" --from 2026-09-01 --to 2027-03-31 --by month --format json 2>&1
    "$K" db forecast --db "$db" --weeks 26 --format json 2>&1
    export KONTAKT_TODAY=$START
}

day=$START
recomputed=0
differ=0
for n in $(seq 0 61); do
    day=$(date -u -d "$START + $n days" +%F)
    # recordings on the way: the store's writes must keep plans current too
    case $day in
    2026-12-15) KONTAKT_TODAY=$day "$K" db record d1 --db "$DB" --conversation 2026-12-15 --holder a_kasse --form fremmoede >/dev/null || bad "record d1" ;;
    2026-12-22) KONTAKT_TODAY=$day "$K" db record k2 --db "$DB" --event alvorlig_sygdom --from 2026-12-22 --to 2027-01-05 >/dev/null || bad "record k2" ;;
    2027-01-05) KONTAKT_TODAY=$day "$K" db record k1 --db "$DB" --conversation 2027-01-05 --holder a_kasse --form telefon >/dev/null || bad "record k1" ;;
    esac
    r=$(KONTAKT_TODAY=$day "$K" db refresh --db "$DB") || bad "$day: refresh"
    recomputed=$((recomputed + ${r%% *}))
    answers "$DB" "$day" >"$T/store.txt"
    fresh "$day"
    answers "$FRESH" "$day" >"$T/fresh.txt"
    if cmp -s "$T/store.txt" "$T/fresh.txt"; then ok; else
        differ=$((differ + 1))
        bad "$day: the store's answers differ from a fresh store's"
        diff "$T/store.txt" "$T/fresh.txt" | head -8
    fi
    # the obligations themselves, row by row
    cols="case_id, idx, rule, window_from, deadline, status, required, counted, met_on, exempt, stopped"
    if [ "$(q "SELECT $cols FROM obligations ORDER BY 1, 2")" == "$(store_q "$FRESH" "SELECT $cols FROM obligations ORDER BY 1, 2")" ]; then ok; else
        bad "$day: stored obligations differ from a fresh store's"
    fi
    [ "$differ" -gt 3 ] && break
done
same "two months walked" "$day" "2027-02-01"
# a refresh recomputes what changed, not every case every day (8 cases x 62 days)
if [ "$recomputed" -gt 20 ] && [ "$recomputed" -lt 250 ]; then ok; else bad "plans recomputed in 62 days: $recomputed"; fi
echo "cli-db-days: $recomputed plans recomputed over 62 days (8 cases)"

# ---- stale plans are said -----------------------------------------------------------
LATER=2027-03-15
KONTAKT_TODAY=$LATER "$K" db worklist --db "$DB" --format json >"$T/wl.json"
stale=$(q "SELECT count(*) FROM plans WHERE valid_until < '$LATER'")
[ "$stale" -gt 0 ] && ok || bad "some plans are stale on $LATER"
same "worklist JSON: stale_plans" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stale_plans"], d["plans_as_of"])' "$T/wl.json")" \
    "$stale $(q "SELECT min(as_of) FROM plans WHERE valid_until < '$LATER'")"
KONTAKT_TODAY=$LATER "$K" db worklist --db "$DB" >"$T/wl.txt"
grep -q "sager\? har planer beregnet før $LATER.*kør \`kontakt db refresh\`" "$T/wl.txt" && ok || bad "worklist text: the Danish note: $(tail -1 "$T/wl.txt")"
KONTAKT_TODAY=$LATER "$K" db report --db "$DB" --from 2027-01-01 --to 2027-02-28 --format csv >/dev/null 2>"$T/err"
grep -q "har planer beregnet før $LATER" "$T/err" && ok || bad "report CSV: the note on stderr"
KONTAKT_TODAY=$LATER "$K" db forecast --db "$DB" --format json >"$T/fc.json"
same "forecast JSON: stale_plans" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stale_plans"])' "$T/fc.json")" "$stale"
# jc2's worklist counts jc2's plans only
same "per jobcentre" "$(KONTAKT_TODAY=$LATER "$K" db worklist --db "$DB" --jobcenter jc2 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stale_plans"])')" \
    "$(q "SELECT count(*) FROM plans p JOIN cases c ON c.id = p.case_id WHERE valid_until < '$LATER' AND c.jobcenter = 'jc2'")"

# ---- schema 3 -> 4 -------------------------------------------------------------------
# tests/fixtures/store-v3.db: the cases above imported on 2026-12-02 by the
# program at schema 3 (d1 without rows: no planning ahead then). The
# migration computes every plan again as of the day it was computed for
# (schema 4 also adds
# each obligation's course end and owner), so nothing is stale after it and
# d1's duties are there at once.
if ! store_is_pg; then # SQLite files of schema 3 (a PostgreSQL store starts at 4)
cp tests/fixtures/store-v3.db "$T/v3.db"
same "fixture at schema 3" "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" 3
same "schema 3 had no rows for d1" "$(sqlite3 "$T/v3.db" "SELECT count(*) FROM obligations WHERE case_id = 'd1'")" 0
KONTAKT_TODAY=2026-12-03 "$K" db worklist --db "$T/v3.db" --within 30 --format json >"$T/wl.json" 2>"$T/err" || bad "worklist of a schema-3 store: $(cat "$T/err")"
same "migrated to 4 (and on to the current, 6)" "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" 6
same "every plan computed again, valid on the migration's day" "$(sqlite3 "$T/v3.db" "SELECT count(*) FROM plans WHERE as_of = '2026-12-02' AND valid_until >= '2026-12-03'")" 8
same "and none is stale" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stale_plans"])' "$T/wl.json")" "0"
same "d1 on the worklist at once" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(i["rule"] for i in d["items"] if i["case"] == "d1"))' "$T/wl.json")" "dp.a_kasse_first all.cv"
same "refresh after migration has nothing to do" "$(KONTAKT_TODAY=2026-12-03 "$K" db refresh --db "$T/v3.db")" "0 plans recomputed as of 2026-12-03"
same "d1 planned ahead after migration" "$(sqlite3 "$T/v3.db" "SELECT group_concat(rule || ' ' || deadline || ' ' || status, '; ') FROM (SELECT * FROM obligations WHERE case_id = 'd1' AND deadline < '2027-01-01' ORDER BY idx) AS o")" \
    "dp.a_kasse_first 2026-12-21 open; all.cv 2026-12-28 open"
"$K" db check --db "$T/v3.db" >/dev/null 2>&1 && ok || bad "check after migration 3 -> 4"

# ---- a case the engine cannot plan does not hold up a refresh -------------------------
cp "$T/v3.db" "$T/bad.db"
sqlite3 "$T/bad.db" "INSERT INTO events(case_id, kind, body, identity, recorded_at, recorded_by) VALUES ('u1', 'benefit', '{\"benefit\":\"nonsense\",\"from\":\"2026-12-01\"}', 'benefit:x', '2026-12-03T00:00:00.000Z', 'test'); UPDATE plans SET valid_until = as_of"
same "refresh skips what it cannot plan" "$(KONTAKT_TODAY=2026-12-20 "$K" db refresh --db "$T/bad.db" 2>&1)" "7 plans recomputed as of 2026-12-20"
same "the case keeps its rows and stays stale" "$(sqlite3 "$T/bad.db" "SELECT as_of, valid_until FROM plans WHERE case_id = 'u1'")" "2026-12-02|2026-12-20"
same "and is said to be stale the next day" "$(KONTAKT_TODAY=2026-12-21 "$K" db worklist --db "$T/bad.db" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["stale_plans"] >= 1, d["plans_as_of"])')" "True 2026-12-02"
fi

# ---- kontakt serve refreshes by itself ---------------------------------------------
TOKEN=$("$K" token create --db "$DB" --jobcenter jc --role manager 2>/dev/null | grep -o 'kt_[0-9a-f]*' | head -1)
"$K" serve --db "$DB" --listen 127.0.0.1:0 --today $LATER 2>"$T/serve.log" &
SPID=$!
for _ in $(seq 1 100); do
    [ "$(q "SELECT count(*) FROM plans WHERE valid_until < '$LATER'")" = 0 ] && break
    sleep 0.05
done
same "serve: no stale plan left on its day" "$(q "SELECT count(*) FROM plans WHERE valid_until < '$LATER'")" 0
PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.log")
if [ -n "$PORT" ] && [ -n "$TOKEN" ]; then
    curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/worklist" >"$T/api.json"
    same "GET /v1/worklist: stale_plans" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["stale_plans"], d["plans_as_of"], d["stale_note"])' "$T/api.json")" "0 None None"
    curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/forecast" >"$T/api.json"
    same "GET /v1/forecast: stale_plans" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stale_plans"])' "$T/api.json")" 0
else
    bad "serve: no port or no token"
fi
grep -q "refresh as of $LATER: [0-9]* plans recomputed" "$T/serve.log" && ok || bad "serve: the refresh is logged: $(cat "$T/serve.log")"
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
SPID=""
# the server's answers then equal a fresh store's on that day
answers "$DB" $LATER >"$T/store.txt"
fresh $LATER
answers "$FRESH" $LATER >"$T/fresh.txt"
cmp -s "$T/store.txt" "$T/fresh.txt" && ok || { bad "after the server's refresh: answers differ from a fresh store's"; diff "$T/store.txt" "$T/fresh.txt" | head -8; }

# ---- ... and again after midnight (the clock under faketime, no --today) ---------------
# libfaketime preloaded into the server itself (the faketime command would run
# it as a child that a kill of its pid leaves running)
FT=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
if [ -n "$FT" ]; then
    M=$(store_new midnight)
    echo '{"id":"m1","jobcenter":"jc","person":{"birth_date":"1980-01-01"},"benefits":[{"benefit":"dagpenge","from":"2027-02-01"}]}' >"$T/m.ndjson"
    KONTAKT_TODAY=2027-01-31 "$K" db import --db "$M" "$T/m.ndjson" >/dev/null || bad "midnight: import"
    env -u KONTAKT_TODAY TZ=UTC LD_PRELOAD="$FT" FAKETIME="@2027-01-31 23:59:58" ASAN_OPTIONS=verify_asan_link_order=0 \
        "$K" serve --db "$M" --listen 127.0.0.1:0 2>"$T/mid.log" &
    SPID=$!
    for _ in $(seq 1 100); do
        grep -q "refresh as of 2027-02-01" "$T/mid.log" && break
        sleep 0.1
    done
    kill "$SPID" 2>/dev/null
    wait "$SPID" 2>/dev/null
    SPID=""
    grep -q "refresh as of 2027-01-31" "$T/mid.log" && bad "midnight: nothing was stale on 01-31" || ok
    grep -q "refresh as of 2027-02-01: 1 plans recomputed" "$T/mid.log" && ok || bad "midnight: no refresh after midnight: $(cat "$T/mid.log")"
    same "midnight: the plan is of the new day" "$(store_q "$M" "SELECT as_of FROM plans")" 2027-02-01
else
    echo "cli-db-days: libfaketime not installed, the midnight check skipped"
fi

echo "cli-db-days: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
