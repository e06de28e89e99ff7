#!/usr/bin/env bash
# cli-pg-import.sh -- `kontakt db import` into PostgreSQL (COPY for the cases
# the store does not have, store/import.c "PostgreSQL") gives the store the
# same content as the import into SQLite: the same `db export`, worklist,
# report and forecast; a second import of the same file changes nothing; a
# file with an invalid line writes nothing; lines of cases the store has
# (and a case twice in one file) merge as on SQLite; values that COPY's text
# format must escape (backslashes, escaped newlines and tabs in JSON, quotes,
# non-ASCII) arrive intact. On the run's cluster (KONTAKT_TEST_PG), else on
# one of its own (tests/pg-lib.sh); skipped where PostgreSQL is not installed.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 1
K=$BUILD/kontakt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ -z "${KONTAKT_TEST_PG:-}" ]; then
    . tests/pg-lib.sh
    pg_start
    rc=$?
    [ "$rc" -eq 2 ] && exit 0 # skipped (pg_start said so)
    [ "$rc" -eq 0 ] || exit 1
    trap 'pg_stop; rm -rf "$T"' EXIT
fi
. tests/store-lib.sh
PSQL=$(store__psql)
fail() { echo "FAIL: $*"; exit 1; }
newdb() { # a new, empty database on the cluster: its URI
    local db="kt_pgimport_$$_$1"
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$KONTAKT_TEST_PG" -c "CREATE DATABASE \"$db\"" >/dev/null || fail "createdb $db"
    DBS="${DBS:-} $db"
    echo "${KONTAKT_TEST_PG%/*}/$db"
}
dropall() {
    for db in ${DBS:-}; do
        "$PSQL" -X -q -d "$KONTAKT_TEST_PG" -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
    done
}
trap 'dropall; [ -n "${PG_TMP:-}" ] && pg_stop; rm -rf "$T"' EXIT
export KONTAKT_TODAY=2026-11-23 KONTAKT_NOW=2026-11-23T10:00:00.000Z

# The input: a demo caseload exported (3 jobcentres), plus lines whose
# values COPY must escape.
for j in jc-a jc-b 'jc\c'; do
    "$K" db demo --db "$T/demo.db" --cases 700 --jobcenter "$j" >/dev/null || fail "demo $j"
done
"$K" db export --db "$T/demo.db" >"$T/in.ndjson" || fail "export of the demo"
cat >>"$T/in.ndjson" <<'EOF'
{"id":"esc-1","jobcenter":"jc\\back\"q","caseworker":"cw\\1","as_of":"2026-11-01","person":{"birth_date":"1980-01-02"},"benefits":[{"benefit":"kontanthjaelp","from":"2026-06-01","categories":[{"from":"2026-06-01","category":"jobparat"}]}],"conversations":[{"date":"2026-06-10","holder":"jobcenter","form":"fremmoede","topics":["a\tb","line\nbreak","back\\slash","Ærø ø å \u00e9","\\N"]}],"events":[]}
{"id":"esc-2","jobcenter":"jc-a","caseworker":null,"as_of":"2026-10-01","person":{"birth_date":"1990-05-06"},"benefits":[{"benefit":"dagpenge","from":"2026-08-01","a_kasse":"ase"}],"conversations":[],"events":[]}
EOF
N=$(wc -l <"$T/in.ndjson")

S=$T/a.db
P=$(newdb a)
"$K" db import --db "$S" "$T/in.ndjson" >"$T/s.out" 2>&1 || { cat "$T/s.out"; fail "import into SQLite"; }
"$K" db import --db "$P" "$T/in.ndjson" >"$T/p.out" 2>&1 || { cat "$T/p.out"; fail "import into PostgreSQL"; }
sed "s|$S|FILE|" "$T/s.out" >"$T/s1"; sed "s|$P|FILE|" "$T/p.out" >"$T/p1"
cmp -s "$T/s1" "$T/p1" || { diff "$T/s1" "$T/p1"; fail "the imports' summaries differ"; }
grep -q "$N new cases" "$T/p.out" || { cat "$T/p.out"; fail "not $N new cases"; }

same() { # same WHAT ARGS...: the command's output on both stores is identical
    local what=$1
    shift
    "$K" db "$@" --db "$S" >"$T/s.$what" 2>&1 || fail "$what on SQLite"
    "$K" db "$@" --db "$P" >"$T/p.$what" 2>&1 || fail "$what on PostgreSQL"
    cmp -s "$T/s.$what" "$T/p.$what" || { diff "$T/s.$what" "$T/p.$what" | head -10; fail "$what differs ($*)"; }
    [ -s "$T/s.$what" ] || fail "$what is empty"
}
check_all() {
    same export export
    same worklist worklist --format csv
    same worklist-all worklist --overdue-days -1 --within 365 --format csv
    same report report --from 2026-01-01 --to 2026-11-22 --by group --format csv
    same forecast forecast --weeks 12 --format csv
    # schema 6: each obligation's forms and seed 004's number, written by the COPY too
    local q="SELECT count(*), sum(forms), sum(agenda), sum(CASE WHEN agenda > 0 THEN 1 ELSE 0 END) FROM obligations"
    [ "$(store_q "$S" "$q")" = "$(store_q "$P" "$q")" ] || fail "forms/agenda differ: $(store_q "$S" "$q") vs $(store_q "$P" "$q")"
    [ "$(store_q "$P" "SELECT count(*) FROM obligations WHERE agenda > 0")" -gt 0 ] || fail "no obligation with seed 004's number"
    same schedule schedule --weeks 6 --default-slots 3 --format csv
    "$K" db check --db "$P" >/dev/null 2>&1 || fail "db check on PostgreSQL"
}
check_all
# the keys and indexes an import into an empty store dropped are all back,
# as the schema made them (pg_dump's schema text of a new store, same names)
if PGD=$(command -v pg_dump) || PGD=$(ls -d /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V -r | head -1); then
    F=$(newdb fresh)
    "$K" db init --db "$F" >/dev/null || fail "db init"
    "$PGD" -s -d "$P" | grep -v "^.\(un\)\?restrict " >"$T/p.schema" || fail "pg_dump"
    "$PGD" -s -d "$F" | grep -v "^.\(un\)\?restrict " >"$T/f.schema" || fail "pg_dump"
    cmp -s "$T/p.schema" "$T/f.schema" || { diff "$T/f.schema" "$T/p.schema" | head; fail "the schema after an import differs"; }
fi
# what COPY had to escape, as stored
[ "$(store_q "$P" "SELECT jobcenter || '|' || caseworker FROM cases WHERE id = 'esc-1'")" = 'jc\back"q|cw\1' ] ||
    fail "esc-1's jobcentre/caseworker not as given: $(store_q "$P" "SELECT jobcenter, caseworker FROM cases WHERE id = 'esc-1'")"
[ "$(store_q "$P" "SELECT body FROM events WHERE case_id = 'esc-1' AND kind = 'conversation'")" = \
  "$(store_q "$S" "SELECT body FROM events WHERE case_id = 'esc-1' AND kind = 'conversation'")" ] || fail "esc-1's conversation differs"
[ "$(store_q "$P" "SELECT count(*) FROM cases WHERE caseworker IS NULL AND id = 'esc-2'")" = 1 ] || fail "a null caseworker is not NULL"
[ "$(store_q "$P" "SELECT count(*) FROM events WHERE recorded_at <> '2026-11-23T10:00:00.000Z' OR corrects IS NOT NULL")" = 0 ] ||
    fail "recorded_at/corrects of imported events"
# into the empty store the events' seqs were the import's own (not the
# sequence's per row): numbered in file order as SQLite numbers them, and
# the sequence moved past the last (the merges below draw from it)
seqs() { store_q "$1" "SELECT seq || ' ' || case_id || ' ' || identity FROM events ORDER BY seq" | cksum; }
[ "$(seqs "$P")" = "$(seqs "$S")" ] || fail "the events' seqs differ from SQLite's"
[ "$(store_q "$P" "SELECT last_value = (SELECT max(seq) FROM events) FROM events_seq")" = t ] ||
    fail "events_seq not at the last seq: $(store_q "$P" "SELECT last_value, (SELECT max(seq) FROM events) FROM events_seq")"

# a second import of the same file changes nothing
count() { store_q "$P" "SELECT (SELECT count(*) FROM cases) || '/' || (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM obligations) || '/' || (SELECT count(*) FROM plans)"; }
before=$(count)
"$K" db import --db "$P" "$T/in.ndjson" >"$T/p2.out" 2>&1 || { cat "$T/p2.out"; fail "second import"; }
grep -q "0 new cases, 0 changed; 0 events added" "$T/p2.out" || { cat "$T/p2.out"; fail "second import added something"; }
[ "$(count)" = "$before" ] || fail "second import changed the counts: $before -> $(count)"
same export export

# a file with an invalid line (after new cases and a change to a stored
# one) writes nothing, and says where
{
    echo '{"id":"new-1","jobcenter":"jc-a","as_of":"2026-11-01","person":{"birth_date":"1980-01-02"},"benefits":[{"benefit":"dagpenge","from":"2026-09-01","a_kasse":"ase"}],"conversations":[],"events":[]}'
    sed -n 1p "$T/in.ndjson" | sed 's/"birth_date":"\([0-9]*\)-/"birth_date":"1971-/'
    echo '{"id":"new-2","jobcenter":"jc-a","as_of":"2026-11-01","person":{"birth_date":"1980-01-02"},"benefits":[{"benefit":"nonsense","from":"2026-09-01"}],"conversations":[],"events":[]}'
} >"$T/bad.ndjson"
snap=$(store_q "$P" "SELECT md5(string_agg(seq || body, ',' ORDER BY seq)) FROM events")
"$K" db import --db "$P" "$T/bad.ndjson" >"$T/bad.out" 2>&1
rc=$?
[ "$rc" = 2 ] || { cat "$T/bad.out"; fail "a bad file: exit $rc, not 2"; }
grep -q "bad.ndjson:3:" "$T/bad.out" || { cat "$T/bad.out"; fail "the bad line is not named"; }
[ "$(count)" = "$before" ] || fail "a bad file changed the counts: $before -> $(count)"
[ "$(store_q "$P" "SELECT md5(string_agg(seq || body, ',' ORDER BY seq)) FROM events")" = "$snap" ] || fail "a bad file changed events"
same export export

# the same into an empty store (keys dropped for the COPY, a sender thread):
# a bad line late in a big file rolls it all back, keys included
E=$(newdb empty)
{ cat "$T/in.ndjson"; sed -n 3p "$T/bad.ndjson"; } >"$T/late-bad.ndjson"
"$K" db import --db "$E" "$T/late-bad.ndjson" >"$T/late.out" 2>&1
rc=$?
[ "$rc" = 2 ] || { cat "$T/late.out"; fail "a bad line into an empty store: exit $rc, not 2"; }
[ "$(store_q "$E" "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM events) + (SELECT count(*) FROM obligations) + (SELECT count(*) FROM plans)")" = 0 ] ||
    fail "a bad line into an empty store left rows"
[ "$(store_q "$E" "SELECT count(*) FROM pg_indexes WHERE tablename IN ('cases', 'events', 'obligations', 'plans')")" = \
  "$(store_q "$P" "SELECT count(*) FROM pg_indexes WHERE tablename IN ('cases', 'events', 'obligations', 'plans')")" ] ||
    fail "the indexes are not all back after a refused import into an empty store"
"$K" db import --db "$E" "$T/in.ndjson" >/dev/null 2>&1 || fail "import after the refused one"
"$K" db export --db "$E" | cmp -s - "$T/s.export" || fail "export after a refused then a good import"

# changes: new cases, a stored case changed (a correction), a new case twice
# in the file (its second line merges into the first), a stored case given
# another caseworker; into a store that has cases (ids looked up)
{
    echo '{"id":"new-3","jobcenter":"jc-b","caseworker":"cw-x","as_of":"2026-11-01","person":{"birth_date":"1985-03-04"},"benefits":[{"benefit":"dagpenge","from":"2026-09-01","a_kasse":"ase"}],"conversations":[],"events":[]}'
    sed -n 1p "$T/in.ndjson" | sed 's/"birth_date":"\([0-9]*\)-/"birth_date":"1971-/'
    echo '{"id":"new-3","jobcenter":"jc-b","caseworker":"cw-y","as_of":"2026-11-10","person":{"birth_date":"1985-03-04"},"benefits":[{"benefit":"dagpenge","from":"2026-09-01","a_kasse":"ase"}],"conversations":[{"date":"2026-09-20","holder":"jobcenter","form":"fremmoede"}],"events":[]}'
    sed -n 5p "$T/in.ndjson" | sed 's/"caseworker":"[^"]*"/"caseworker":"cw-moved"/'
    echo '{"id":"new-4","jobcenter":"jc-a","as_of":"2026-11-01","person":{"birth_date":"1980-01-02"},"benefits":[{"benefit":"dagpenge","from":"2026-09-01","a_kasse":"ase"}],"conversations":[],"events":[]}'
} >"$T/more.ndjson"
"$K" db import --db "$S" "$T/more.ndjson" >"$T/s3.out" 2>&1 || { cat "$T/s3.out"; fail "more into SQLite"; }
"$K" db import --db "$P" "$T/more.ndjson" >"$T/p3.out" 2>&1 || { cat "$T/p3.out"; fail "more into PostgreSQL"; }
sed "s|$S|FILE|" "$T/s3.out" >"$T/s1"; sed "s|$P|FILE|" "$T/p3.out" >"$T/p1"
cmp -s "$T/s1" "$T/p1" || { diff "$T/s1" "$T/p1"; fail "the summaries of the merge differ"; }
grep -q "2 new cases, 2 changed; 8 events added (1 corrections)" "$T/p3.out" || { cat "$T/p3.out"; fail "merge: not 2 new, 2 changed, 8 events"; }
check_all

# the same, merged from the start: a file with a case twice into an empty store
P2=$(newdb b)
cat "$T/in.ndjson" "$T/more.ndjson" >"$T/both.ndjson"
"$K" db import --db "$P2" "$T/both.ndjson" >/dev/null 2>&1 || fail "both into an empty PostgreSQL store"
"$K" db export --db "$P2" >"$T/p2.export" || fail "export P2"
"$K" db export --db "$S" >"$T/s2.export" || fail "export S"
cmp -s "$T/p2.export" "$T/s2.export" || { diff "$T/p2.export" "$T/s2.export" | head; fail "one file with both differs"; }
exit 0
