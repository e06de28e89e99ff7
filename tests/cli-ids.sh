#!/usr/bin/env bash
# cli-ids.sh -- issue 11, points 2, 5 and 6:
#   2. a case changes jobcentre only by `db assign --jobcenter` (logged); an
#      import under another jobcentre is refused whole; demo ids never collide;
#   5. ids that look like CPR numbers are refused everywhere an id is taken;
#   6. a refused file (newer schema, cut short, not a store) and its
#      directory are left exactly as they were, by db check/import/show and serve.
# On SQLite, and with KONTAKT_TEST_BACKEND=pg on PostgreSQL (tests/store-lib.sh);
# point 6 is about files: SQLite-only (PostgreSQL's twins are in cli-db.sh).
set -u
. tests/check-lib.sh
export KONTAKT_TODAY=2026-12-03
. tests/store-lib.sh
export KONTAKT_DB
KONTAKT_DB=$(store_new store) || exit 1
unset KONTAKT_NOW
q() { store_q "$KONTAKT_DB" "$1"; }
has() { if grep -q -- "$2" "$T/err"; then ok; else bad "$1: no '$2' in: $(head -3 "$T/err")"; fi; }

# ---- 2. demo ids never collide; imports never move a case -----------------------------
exits 0 "demo jca" "$K" db demo --cases 25 --jobcenter jca
exits 0 "demo jcb on the same store" "$K" db demo --cases 25 --jobcenter jcb
same "two demos: 50 cases" "$(q 'SELECT count(*) FROM cases')" 50
same "jca keeps its 25" "$(q "SELECT count(*) FROM cases WHERE jobcenter = 'jca'")" 25
same "jcb has 25 new" "$(q "SELECT count(*) FROM cases WHERE jobcenter = 'jcb'")" 25
same "no case moved" "$(q "SELECT count(*) FROM events WHERE kind = 'assign'")" 0

snap() { q "SELECT count(*), max(seq) FROM events"; q "SELECT $(store_agg "id || ':' || jobcenter || ':' || coalesce(caseworker, '')" "','") FROM cases"; }
before=$(snap)
"$K" db export | head -2 | sed 's/"jobcenter":"jca"/"jobcenter":"jcb"/' >"$T/move.ndjson"
printf '%s\n' '{"id":"new-1","jobcenter":"jcb","person":{"birth_date":"1980-01-01"},"benefits":[{"benefit":"dagpenge","from":"2026-11-02"}]}' >>"$T/move.ndjson"
exits 2 "import of jca's cases under jcb (line member)" "$K" db import "$T/move.ndjson"
has "the refusal names file and line" "move.ndjson:1:"
has "the refusal names the id" "demo-000000"
has "the refusal names both jobcentres" "is in jobcentre jca, not jcb"
has "the refusal names the way to move" "db assign demo-000000 --jobcenter jcb"
has "every conflicting line is named" "move.ndjson:2:"
same "the refused import changed nothing (the new case neither)" "$(snap)" "$before"
"$K" db export | head -1 | python3 -c 'import sys, json; c = json.loads(sys.stdin.read()); c.pop("jobcenter"); print(json.dumps(c))' >"$T/nojc.ndjson"
exits 2 "import of a jca case with --jobcenter jcb" "$K" db import --jobcenter jcb "$T/nojc.ndjson"
has "--jobcenter conflict named" "is in jobcentre jca, not jcb"
same "changed nothing" "$(snap)" "$before"
exits 0 "the same import under its own jobcentre" "$K" db import --jobcenter jca "$T/nojc.ndjson"
same "an idempotent import changed nothing" "$(snap)" "$before"

exits 0 "db assign CW" "$K" db assign demo-000003 cw-07 --as anna
exits 0 "db assign --jobcenter" "$K" db assign demo-000003 --jobcenter jcb --as anna
same "the case moved" "$(q "SELECT jobcenter || '|' || coalesce(caseworker, '-') FROM cases WHERE id = 'demo-000003'")" "jcb|-"
same "assign events of the move" "$(q "SELECT $(store_agg body "' '") FROM (SELECT body FROM events WHERE case_id = 'demo-000003' AND kind = 'assign' ORDER BY seq) AS e")" \
    '{"caseworker":"cw-07"} {"jobcenter":"jcb"} {"caseworker":null}'
same "the move is in the access log under both jobcentres" \
    "$(q "SELECT $(store_agg "jobcenter || ':' || who" "' '") FROM (SELECT * FROM access_log WHERE case_id = 'demo-000003' AND action = 'assign jobcenter jca -> jcb' ORDER BY seq) AS a")" "jca:anna jcb:anna"
exits 2 "a move to the jobcentre it is in" "$K" db assign demo-000003 --jobcenter jcb
has "already there" "already in jobcentre"
exits 0 "move with a caseworker there" "$K" db assign demo-000004 cw-02 --jobcenter jcb
same "moved and assigned" "$(q "SELECT jobcenter || '|' || caseworker FROM cases WHERE id = 'demo-000004'")" "jcb|cw-02"
exits 2 "assign --jobcenter of no case" "$K" db assign nosuch --jobcenter jcb

# ---- 5. CPR numbers in ids ------------------------------------------------------------
before=$(snap)
line() { printf '{"id":"cpr-%s",%s"person":{"birth_date":"1980-01-01"},"benefits":[{"benefit":"dagpenge","from":"2026-11-02"%s}]}\n' "$1" "$2" "$3"; }
line 1 '"jobcenter":"jca","caseworker":"010190-1234",' '' >"$T/c1.ndjson"
line 2 '"jobcenter":"0101901234",' '' >"$T/c2.ndjson"
line 3 '"jobcenter":"jca",' ',"a_kasse":"010190-1234"' >"$T/c3.ndjson"
line 4 '' '' >"$T/c4.ndjson"
exits 2 "import: caseworker 010190-1234" "$K" db import "$T/c1.ndjson"
has "caseworker CPR named" "/caseworker: looks like a CPR number"
exits 2 "import: jobcenter 0101901234" "$K" db import "$T/c2.ndjson"
has "jobcenter CPR named" "/jobcenter: looks like a CPR number"
exits 2 "import: a_kasse 010190-1234" "$K" db import "$T/c3.ndjson"
has "a_kasse CPR named" "looks like a CPR number"
exits 2 "import --jobcenter 0101901234" "$K" db import --jobcenter 0101901234 "$T/c4.ndjson"
has "--jobcenter CPR named" "looks like a CPR number"
exits 2 "db assign CASE 010190-1234" "$K" db assign demo-000001 010190-1234
has "assign CPR named" "caseworker id looks like a CPR number"
exits 2 "db assign --jobcenter 0101901234" "$K" db assign demo-000001 --jobcenter 0101901234
exits 2 "--as 0101901234" "$K" db show demo-000001 --as 0101901234
has "--as CPR named" "looks like a CPR number"
exits 2 "\$USER 010190-1234" env USER=010190-1234 "$K" db show demo-000001
exits 2 "db demo --jobcenter 010190-1234" "$K" db demo --cases 1 --jobcenter 010190-1234
exits 2 "token for jobcentre 0101901234" "$K" token create --jobcenter 0101901234 --role manager
exits 2 "db record: a body's caseworker 010190-1234" "$K" db record demo-000001 --kind event \
    --json '{"type":"cv_oprettet","date":"2026-11-20","caseworker":"010190-1234"}'
exits 2 "db record --a-kasse 0101901234" "$K" db record demo-000001 --benefit dagpenge --from 2026-11-25 --a-kasse 0101901234
same "nothing of it stored" "$(snap)" "$before"
same "no CPR-like token" "$(if store_is_pg; then q "SELECT count(*) FROM tokens WHERE jobcenter ~ '[0-9]{6}'"; else q "SELECT count(*) FROM tokens WHERE jobcenter GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9]*'"; fi)" 0
exits 0 "an id with fewer digits is fine" "$K" db assign demo-000001 cw-123456

# over HTTP: the bodies and the query of POST /v1/cases, an event's body
TOK=$("$K" token create --jobcenter jca --role caseworker 2>/dev/null | head -1)
start_server "$T/serve.log" --db "$KONTAKT_DB"
post() { curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' "http://127.0.0.1:$PORT$1" --data-binary "$2"; }
if [ -n "$PORT" ]; then
    st=$(post "/v1/cases" "$(line 5 '"caseworker":"010190-1234",' '')")
    grep -q "CPR" "$T/body" && ok || bad "no CPR in the answer: $(head -c 300 "$T/body")"
    [[ $st == 4* ]] && ok || bad "POST /v1/cases with caseworker 010190-1234: $st $(head -c 300 "$T/body")"
    st=$(post "/v1/cases?caseworker=0101901234" "$(line 6 '' '')")
    [[ $st == 4* ]] && ok || bad "POST /v1/cases?caseworker=0101901234: $st $(head -c 300 "$T/body")"
    st=$(post "/v1/cases" "$(line 7 '' ',"a_kasse":"0101901234"')")
    [[ $st == 4* ]] && ok || bad "POST /v1/cases with a_kasse 0101901234: $st $(head -c 300 "$T/body")"
    st=$(post "/v1/cases/demo-000001/events" '{"type":"cv_oprettet","date":"2026-11-21","caseworker":"010190-1234"}')
    [[ $st == 4* ]] && ok || bad "POST events with caseworker 010190-1234: $st $(head -c 300 "$T/body")"
    st=$(post "/v1/cases" "$(line 8 '' '')")
    [[ $st == 2* ]] && ok || bad "POST /v1/cases without CPR: $st $(head -c 300 "$T/body")"
    kill "$SPID"; wait "$SPID" 2>/dev/null
else
    bad "server did not start: $(cat "$T/serve.log")"
fi
same "over HTTP: only the case without CPR stored" "$(q "SELECT $(store_agg id "','") FROM cases WHERE id LIKE 'cpr-%'")" "cpr-8"

# ---- 6. refused files are left as they were --------------------------------------------
if ! store_is_pg; then # SQLite files
"$K" db export >"$T/small.ndjson"
mk() { mkdir -p "$T/r/$1"; }
mk newer; cp "$KONTAKT_DB" "$T/r/newer/s.db"
sqlite3 "$T/r/newer/s.db" "PRAGMA user_version = 99; UPDATE meta SET value = '99' WHERE key = 'schema_version'" >/dev/null
mk half; head -c $(($(stat -c %s "$KONTAKT_DB") / 2)) "$KONTAKT_DB" >"$T/r/half/s.db"
mk odd; head -c 70001 "$KONTAKT_DB" >"$T/r/odd/s.db"
mk text; cp "$T/small.ndjson" "$T/r/text/s.db"
mk foreign; python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode = WAL"); c.execute("CREATE TABLE t(a)"); c.commit(); c.close()' "$T/r/foreign/s.db"
for kind in newer half odd text foreign; do
    d="$T/r/$kind"
    ls -la --time-style=full-iso "$d" >"$T/ls.before"
    sum=$(sha256sum <"$d/s.db")
    exits 2 "$kind: db check" "$K" db check --db "$d/s.db"
    exits 2 "$kind: db import" "$K" db import --db "$d/s.db" "$T/small.ndjson"
    exits 2 "$kind: db show" "$K" db show demo-000001 --db "$d/s.db"
    timeout 5 "$K" serve --db "$d/s.db" --listen 127.0.0.1:0 >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ok || bad "$kind: serve exit $rc"
    same "$kind: the file is byte-identical" "$(sha256sum <"$d/s.db")" "$sum"
    ls -la --time-style=full-iso "$d" >"$T/ls.after"
    if cmp -s "$T/ls.before" "$T/ls.after"; then ok; else bad "$kind: the directory changed: $(diff "$T/ls.before" "$T/ls.after" | tail -3)"; fi
done
fi
# a store in use is still opened read-only as before
exits 0 "a good store: db check" "$K" db check

check_done cli-ids
