#!/usr/bin/env bash
# cli-today.sh -- one way to set the day: KONTAKT_TODAY is "today" for plan,
# db and serve; --as-of and --today win over it; a malformed value is an
# error (exit 2) that changes nothing. The real date never enters: every
# check pins the day.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 60 bash "$0" "$@"; fi
. tests/check-lib.sh
asof() { python3 -c 'import json,sys; print(json.load(sys.stdin)["as_of"])'; }

# A case without as_of: the plan is for KONTAKT_TODAY.
printf '{"id":"t1","person":{"birth_date":"1985-06-15"},"benefits":[{"benefit":"dagpenge","from":"2024-02-01"}]}' >"$T/c.json"
same "plan uses KONTAKT_TODAY" "$(KONTAKT_TODAY=2024-03-05 "$K" plan "$T/c.json" | asof)" "2024-03-05"
same "--as-of wins" "$(KONTAKT_TODAY=2024-03-05 "$K" plan --as-of 2024-04-01 "$T/c.json" | asof)" "2024-04-01"
KONTAKT_TODAY=2024-02-30 "$K" plan "$T/c.json" >"$T/out" 2>"$T/err"
same "malformed KONTAKT_TODAY: exit" "$?" "2"
grep -q "KONTAKT_TODAY must be a date" "$T/err" || bad "malformed KONTAKT_TODAY: message: $(cat "$T/err")"
[ -s "$T/out" ] && bad "malformed KONTAKT_TODAY: wrote a plan"

# db: the stored plan is as of KONTAKT_TODAY; a malformed one changes nothing.
# (the store: SQLite, or with KONTAKT_TEST_BACKEND=pg PostgreSQL; tests/store-lib.sh)
. tests/store-lib.sh
export KONTAKT_DB
KONTAKT_DB=$(store_new s) || exit 1
printf '{"id":"t1","jobcenter":"jc-1","person":{"birth_date":"1985-06-15"},"benefits":[{"benefit":"dagpenge","from":"2024-02-01"}]}\n' >"$T/c.ndjson"
KONTAKT_TODAY=2024-03-05 "$K" db import "$T/c.ndjson" >/dev/null || bad "import"
same "db show uses KONTAKT_TODAY" "$(KONTAKT_TODAY=2024-03-05 "$K" db show t1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["plan"]["as_of"])')" "2024-03-05"
before=$(store_q "$KONTAKT_DB" 'select count(*) from events')
KONTAKT_TODAY=nope "$K" db record t1 --conversation 2024-03-01 --holder a_kasse --form telefon >/dev/null 2>&1
same "db with malformed KONTAKT_TODAY: exit" "$?" "2"
same "db with malformed KONTAKT_TODAY: nothing recorded" "$(store_q "$KONTAKT_DB" 'select count(*) from events')" "$before"

# serve: POST /v1/plan without as_of answers for KONTAKT_TODAY, or --today.
serve_asof() { # serve_asof [ARGS...]: as_of of a plan without as_of
    start_server "$T/log" --db "$KONTAKT_DB" "$@"
    curl -s -H 'Content-Type: application/json' --data-binary @"$T/c.json" "http://127.0.0.1:$PORT/v1/plan" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("as_of") or d["plan"]["as_of"])'
    kill "$SPID"; wait "$SPID" 2>/dev/null
}
same "serve uses KONTAKT_TODAY" "$(KONTAKT_TODAY=2024-03-07 serve_asof)" "2024-03-07"
same "serve --today wins" "$(KONTAKT_TODAY=2024-03-07 serve_asof --today 2024-03-09)" "2024-03-09"
KONTAKT_TODAY=2024-13-01 "$K" serve --db "$KONTAKT_DB" --listen 127.0.0.1:0 >/dev/null 2>&1
same "serve with malformed KONTAKT_TODAY: exit" "$?" "2"

check_done cli-today
