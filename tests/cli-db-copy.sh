#!/usr/bin/env bash
# cli-db-copy.sh -- `kontakt db copy` (issue 13, 6): a SQLite store with
# cases, corrections, a retraction, an assignment, tokens (one revoked) and
# access-log rows, copied to PostgreSQL and from there to a new SQLite file:
# `db export`, `db show` (events with their seqs, times and authors), the
# worklist and the access log identical at each step, the tokens still
# valid (and the revoked one not), new events numbered after the copied
# ones; a non-empty target refused, unchanged. SQLite -> SQLite always; the
# PostgreSQL steps on the run's cluster (KONTAKT_TEST_PG) or one of the
# test's own (tests/pg-lib.sh), skipped (said) where PostgreSQL is not
# installed.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 1
K=$BUILD/kontakt
T=$(mktemp -d)
PG=1
DBS=""
cleanup() {
    for db in $DBS; do
        "$(store__psql)" -X -q -d "$KONTAKT_TEST_PG" -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
    done
    [ -n "${PG_TMP:-}" ] && pg_stop
    rm -rf "$T"
}
trap cleanup EXIT
. tests/store-lib.sh
if [ -z "${KONTAKT_TEST_PG:-}" ]; then
    . tests/pg-lib.sh
    pg_start
    rc=$?
    [ "$rc" -eq 2 ] && PG=0 # said by pg_start: the SQLite part still runs
    [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || exit 1
    trap cleanup EXIT
fi
fail() { echo "FAIL: $*"; exit 1; }
newdb() {
    local db="kt_dbcopy_$$_$1"
    "$(store__psql)" -X -q -v ON_ERROR_STOP=1 -d "$KONTAKT_TEST_PG" -c "CREATE DATABASE \"$db\"" >/dev/null || fail "createdb"
    DBS="$DBS $db"
    echo "${KONTAKT_TEST_PG%/*}/$db"
}
export KONTAKT_TODAY=2026-11-23 KONTAKT_NOW=2026-11-23T10:00:00.000Z

A=$T/a.db
"$K" db demo --db "$A" --cases 300 --jobcenter jc-a >/dev/null || fail demo
"$K" db demo --db "$A" --cases 100 --jobcenter jc-b >/dev/null || fail demo
KONTAKT_NOW=2026-11-23T11:00:00.000Z "$K" db record --db "$A" --as alice demo-000001 \
    --conversation 2026-11-20 --holder jobcenter --form fremmoede >/dev/null || fail record
SEQ=$(KONTAKT_NOW=2026-11-23T11:05:00.000Z "$K" db record --db "$A" --as bob demo-000002 \
    --conversation 2026-11-21 --holder jobcenter --form fremmoede | grep -o '[0-9]\+' | head -1) || fail record
KONTAKT_NOW=2026-11-23T11:10:00.000Z "$K" db correct --db "$A" --as bob demo-000002 "$SEQ" --retract >/dev/null || fail "retract $SEQ"
"$K" db assign --db "$A" --as carol demo-000003 cw-new >/dev/null || fail assign
# values that COPY's text format escapes (both ways): backslashes, quotes,
# escaped tabs and newlines in JSON, non-ASCII
cat >"$T/esc.ndjson" <<'EOF2'
{"id":"esc-1","jobcenter":"jc\\back\"q","caseworker":"cw\\1","as_of":"2026-11-01","person":{"birth_date":"1980-01-02"},"benefits":[{"benefit":"kontanthjaelp","from":"2026-06-01","categories":[{"from":"2026-06-01","category":"jobparat"}]}],"conversations":[{"date":"2026-06-10","holder":"jobcenter","form":"fremmoede","topics":["a\tb","line\nbreak","back\\slash","Ærø \u00e9","\\N"]}],"events":[]}
EOF2
"$K" db import --db "$A" "$T/esc.ndjson" >/dev/null || fail "import esc-1"
TOK1=$("$K" token create --db "$A" --jobcenter jc-a --role caseworker | head -1)
TOK2=$("$K" token create --db "$A" --jobcenter jc-b --role manager | head -1)
out=$("$K" token create --db "$A" --jobcenter jc-a --role auditor)
TOK3=$(echo "$out" | head -1)
ID3=$(echo "$out" | sed -n 's/^id \([0-9]*\),.*/\1/p')
"$K" token revoke --db "$A" "$ID3" >/dev/null || fail "revoke $ID3"
"$K" db show --db "$A" demo-000001 >/dev/null || fail show
"$K" db export --db "$A" >/dev/null || fail export
# capacity events (schema 5): a jobcentre default and one caseworker's absence
"$K" db capacity set --db "$A" --jobcenter jc-a --slots 3 >/dev/null || fail "capacity default"
"$K" db capacity set --db "$A" --jobcenter jc-a --caseworker cw-01 --slots 0 --from 2026-11-30 --to 2026-12-04 >/dev/null || fail "capacity absence"

views() { # views STORE OUT: what must be identical after a copy
    "$K" db export --db "$1" >"$2.export" || fail "export $1"
    for c in demo-000001 demo-000002 demo-000003 demo-000350 esc-1; do
        "$K" db show --db "$1" "$c" --format json >>"$2.show" || fail "show $c in $1"
    done
    "$K" db worklist --db "$1" --format csv >"$2.worklist" || fail "worklist $1"
    "$K" db schedule --db "$1" --jobcenter jc-a --weeks 2 --format csv >"$2.schedule" 2>&1 || fail "schedule $1"
    "$K" db access-log --db "$1" >"$2.log" || fail "access-log $1"
    # schema 6: each obligation's forms and seed 004's number, as stored
    store_q "$1" "SELECT count(*), sum(forms), sum(agenda), sum(CASE WHEN agenda > 0 THEN 1 ELSE 0 END) FROM obligations" >"$2.sched6"
    for t in "$TOK1" "$TOK2" "$TOK3"; do
        "$K" token check --db "$1" "$t" >>"$2.tokens" 2>&1
        echo "exit $?" >>"$2.tokens"
    done
}
# the views read and log: snapshot of the access log first, then the rest
compare() { # compare A B: A's views against B's
    for v in export show worklist schedule log tokens sched6; do
        cmp -s "$1.$v" "$2.$v" || { diff "$1.$v" "$2.$v" | head -10; fail "$v differs after the copy ($1 -> $2)"; }
    done
}
# `db copy` reads without logging, so the logs compared are those before
# the views ran on either side: take each store's log, copy, take the copy's
"$K" db access-log --db "$A" >"$T/a.log0" || fail "access-log"
[ "$(wc -l <"$T/a.log0")" -gt 3 ] || fail "too few access-log rows to compare"

onecopy() { # onecopy FROM TO NAME
    "$K" db copy --from "$1" --to "$2" >"$T/$3.out" 2>&1 || { cat "$T/$3.out"; fail "db copy $1 -> $2"; }
    grep -q " 401 cases, " "$T/$3.out" || { cat "$T/$3.out"; fail "not 401 cases copied"; }
    "$K" db access-log --db "$2" >"$T/$3.log0" || fail "access-log $2"
    cmp -s "$T/a.log0" "$T/$3.log0" || { diff "$T/a.log0" "$T/$3.log0" | head; fail "the access log differs after the copy to $2"; }
}

# SQLite -> SQLite
onecopy "$A" "$T/b.db" b
views "$A" "$T/a"
views "$T/b.db" "$T/b"
compare "$T/a" "$T/b"
grep -q '^exit 0' "$T/a.tokens" && grep -q '^exit 2' "$T/a.tokens" || { cat "$T/a.tokens"; fail "tokens: not two valid, one revoked"; }

# a non-empty target is refused, unchanged
before=$(md5sum <"$T/b.export")
"$K" db copy --from "$A" --to "$T/b.db" >"$T/refused.out" 2>&1
rc=$?
[ "$rc" = 2 ] || { cat "$T/refused.out"; fail "copy into a non-empty store: exit $rc, not 2"; }
grep -q "not empty" "$T/refused.out" || { cat "$T/refused.out"; fail "no clear message"; }
"$K" db export --db "$T/b.db" | md5sum | grep -q "${before%% *}" || fail "the refused target changed"

if [ "$PG" = 1 ]; then
    # SQLite -> PostgreSQL -> SQLite, each from a store nobody has read since
    # the copy (the views log their reads)
    "$K" db access-log --db "$A" >"$T/a.log0" || fail "access-log"
    P=$(newdb p)
    onecopy "$A" "$P" p
    onecopy "$P" "$T/c.db" c
    views "$A" "$T/a2"
    views "$P" "$T/p"
    views "$T/c.db" "$T/c"
    compare "$T/a2" "$T/p"
    compare "$T/a2" "$T/c"
    # a new event on PostgreSQL is numbered after the copied ones; a new
    # token works
    last=$(store_q "$P" "SELECT max(seq) FROM events")
    "$K" db record --db "$P" demo-000004 --conversation 2026-11-22 --holder jobcenter \
        --form fremmoede >/dev/null || fail "record on the copy"
    [ "$(store_q "$P" "SELECT max(seq) FROM events")" -gt "$last" ] || fail "a new event's seq is not after the copied ones"
    NEW=$("$K" token create --db "$P" --jobcenter jc-a --role caseworker | head -1 | awk '{print $NF}')
    "$K" token check --db "$P" "$NEW" >/dev/null || fail "a new token on the copy"
    # PostgreSQL target not empty: refused
    "$K" db copy --from "$A" --to "$P" >"$T/refused2.out" 2>&1
    [ $? = 2 ] && grep -q "not empty" "$T/refused2.out" || { cat "$T/refused2.out"; fail "PostgreSQL target not empty: not refused"; }
else
    echo "skipped: the PostgreSQL steps (PostgreSQL not installed)"
fi
exit 0
