#!/usr/bin/env bash
# cli-db-concurrent.sh -- a large import into a store in use (issue 11,
# points 3 and 4): caseworkers record and read while it runs, without
# "database is locked"; the import ends whole, and again adds nothing; an
# import killed at random moments is, by the next open, all there or not
# at all; every stored record has its access-log row even when recordings
# are killed; and a read or a record whose access-log row cannot be
# written is refused. Timings belong in bench/, not here.
set -u
. tests/check-lib.sh
export KONTAKT_TODAY=2024-06-01
export KONTAKT_DB="$T/store.db"
unset KONTAKT_NOW
N=${N:-12000}
q() { python3 -c "import sqlite3,sys; print('\n'.join('|'.join(map(str,r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))" "${DB:-$KONTAKT_DB}" "$1"; }

# ---- cases: the generator's, without the lines the engine refuses ---------------------
GEN="$T/kontakt-gen"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L bench/gen.c store/synth.c -o "$GEN" 2>"$T/gen.err" || { echo "cannot build kontakt-gen"; exit 1; }
# valid FILE PREFIX: the file's lines with ids PREFIX..., less any invalid line
valid() {
    sed "s/\"id\":\"gen-/\"id\":\"$2-/" "$1" >"$T/v.in"
    rm -f "$T/v.db"*
    "$K" db init --db "$T/v.db" >/dev/null
    "$K" db import --db "$T/v.db" --format ndjson "$T/v.in" 2>&1 >/dev/null | sed -n 's/^[^:]*:\([0-9]*\):.*/\1/p' | sort -un >"$T/bad.txt"
    # (not NR == FNR: with no invalid line bad.txt is empty and that would hold for every line)
    awk -v bad="$T/bad.txt" 'BEGIN { while ((getline l < bad) > 0) b[l] = 1 } !(FNR in b)' "$T/v.in"
    rm -f "$T/v.db"*
}
"$GEN" --cases 1500 --seed 11 >"$T/g-small"
"$GEN" --cases "$N" --seed 12 >"$T/g-big"
valid "$T/g-small" s >"$T/small.ndjson"
valid "$T/g-big" b >"$T/big.ndjson"
ns=$(wc -l <"$T/small.ndjson")
nb=$(wc -l <"$T/big.ndjson")
"$K" db init >/dev/null
"$K" db import "$T/small.ndjson" >/dev/null 2>&1 || bad "import the store's first cases"
same "the store has its cases" "$(q 'SELECT count(*) FROM cases')" "$ns"
C1=$(head -1 "$T/small.ndjson" | sed 's/^{"id":"\([^"]*\)".*/\1/')
C2=$(sed -n 2p "$T/small.ndjson" | sed 's/^{"id":"\([^"]*\)".*/\1/')

# ---- recording and reading while a large import runs ----------------------------------
"$K" db import "$T/big.ndjson" >"$T/imp.out" 2>"$T/imp.err" &
ipid=$!
PIDS+=("$ipid")
sleep 0.3
rec=0 recfail=0 during=0 reads=0 readfail=0
for i in $(seq 1 40); do
    running=0
    kill -0 "$ipid" 2>/dev/null && running=1
    d=$(printf '2024-05-%02d' $((i % 28 + 1)))
    if "$K" db record "$C1" --as tester --conversation "$d" --holder jobcenter --form telefon \
        --topic "t$i" >>"$T/rec.out" 2>>"$T/rec.err"; then rec=$((rec + 1)); else recfail=$((recfail + 1)); fi
    if "$K" db show "$C2" --as tester --format json >/dev/null 2>>"$T/read.err" &&
        "$K" db worklist --as tester --format csv >/dev/null 2>>"$T/read.err"; then
        reads=$((reads + 1)); else readfail=$((readfail + 1)); fi
    still=0
    kill -0 "$ipid" 2>/dev/null && still=1
    [ "$running" = 1 ] && [ "$still" = 1 ] && during=$((during + 1))
    [ "$still" = 0 ] && [ "$i" -ge 5 ] && break
    sleep 0.2
done
wait "$ipid"; irc=$?
same "the import succeeds" "$irc" 0
[ "$during" -ge 3 ] && ok || bad "only $during recordings fell within the import (make N larger)"
same "every recording during the import succeeds" "$recfail" 0
same "every read during the import succeeds" "$readfail" 0
if grep -q "locked" "$T/rec.err" "$T/read.err" "$T/imp.err"; then bad "database is locked: $(grep -h locked "$T"/*.err | head -2)"; else ok; fi
same "the import is whole" "$(q 'SELECT count(*) FROM cases')" $((ns + nb))
same "every case has its plan" "$(q 'SELECT count(*) FROM plans')" $((ns + nb))
same "nothing is left staged" "$(q "SELECT (SELECT count(*) FROM import_stage) + (SELECT count(*) FROM meta WHERE key = 'import_applying')")" 0
same "the recordings are all there" "$(q "SELECT count(*) FROM events WHERE case_id = '$C1' AND recorded_by = 'tester'")" "$rec"
grep -q "$nb records; $nb new cases" "$T/imp.out" && ok || bad "the import's summary: $(cat "$T/imp.out")"
"$K" db import "$T/big.ndjson" >"$T/imp.out" 2>&1 || bad "import again"
grep -q "0 new cases, 0 changed; 0 events added" "$T/imp.out" && ok || bad "import again adds nothing: $(cat "$T/imp.out")"
echo "during a $nb-case import: $during recordings, $reads reads, none refused"

# ---- an invalid line: nothing is imported, nothing left staged ---------------------------
head -3000 "$T/big.ndjson" | sed 's/"id":"b-/"id":"i-/' >"$T/inv.ndjson"
echo '{"id":"i-bad","jobcenter":"jc","person":{"birth_date":"1990-02-30"},"benefits":[]}' >>"$T/inv.ndjson"
before=$(q 'SELECT count(*) FROM cases')
"$K" db import "$T/inv.ndjson" >/dev/null 2>"$T/inv.err"
same "a large import with an invalid line fails" "$?" 2
same "... and imports nothing" "$(q 'SELECT count(*) FROM cases')" "$before"
same "... and leaves nothing staged" "$(q 'SELECT count(*) FROM import_stage')" 0
grep -q "inv.ndjson:3001:" "$T/inv.err" && ok || bad "the invalid line is named: $(head -2 "$T/inv.err")"

# ---- SIGKILL during a staged import: all or nothing, by the next open ------------------
full=0 none=0
for i in $(seq 1 6); do
    head -4000 "$T/big.ndjson" | sed "s/\"id\":\"b-/\"id\":\"k$i-/" >"$T/k.ndjson"
    before=$(q 'SELECT count(*) FROM cases')
    "$K" db import "$T/k.ndjson" >/dev/null 2>&1 &
    pid=$!
    # odd rounds early (while staging), even ones later (while applying)
    if [ $((i % 2)) = 1 ]; then sleep "0.$((RANDOM % 3))$((RANDOM % 10))"; else sleep "$((RANDOM % 3)).$((RANDOM % 10))"; fi
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # the next open for writing finishes or forgets what the kill left
    "$K" db show "$C1" --as tester >/dev/null 2>&1 || bad "open after killing import $i"
    c=$(q 'SELECT count(*) FROM cases')
    left=$(q "SELECT (SELECT count(*) FROM import_stage) + (SELECT count(*) FROM meta WHERE key = 'import_applying')")
    if [ "$c" = "$before" ]; then none=$((none + 1)); ok
    elif [ "$c" = $((before + 4000)) ]; then full=$((full + 1)); ok
    else bad "after killing import $i: $((c - before)) new cases (wanted 0 or 4000)"; fi
    same "after killing import $i nothing is left staged" "$left" 0
    same "after killing import $i every case has its plan" "$(q 'SELECT count(*) FROM plans')" "$c"
done
"$K" db check >/dev/null 2>&1 && ok || bad "integrity after the killed imports"
same "plans finished by an open are as of the import's day" "$(q "SELECT count(*) FROM plans WHERE as_of != '$KONTAKT_TODAY'")" 0
echo "kill during a staged import: $none times nothing, $full times everything"

# ---- recordings killed mid-flight: every stored record has its access-log row ----------
for i in $(seq 1 6); do
    (
        for d in $(seq 1 28); do
            "$K" db record "$C2" --as killer --conversation "2024-0$((i % 5 + 1))-$(printf %02d "$d")" \
                --holder jobcenter --form fremmoede >/dev/null 2>&1
        done
    ) &
    loop=$!
    sleep "0.$((RANDOM % 9))$((RANDOM % 10))"
    kill -STOP "$loop" 2>/dev/null
    victim=$(pgrep -P "$loop" | head -1)
    [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null
    kill -9 "$loop" 2>/dev/null
    wait "$loop" 2>/dev/null
done
stored=$(q "SELECT count(*) FROM events WHERE recorded_by = 'killer'")
unlogged=$(q "SELECT count(*) FROM events e WHERE recorded_by = 'killer' AND NOT EXISTS (SELECT 1 FROM access_log a WHERE a.case_id = e.case_id AND a.action = 'record ' || e.seq)")
[ "$stored" -ge 1 ] && ok || bad "no recording was stored"
same "every record stored has its access-log row ($stored stored)" "$unlogged" 0

# ---- an access log that cannot be written: refused ---------------------------------------
q "CREATE TRIGGER block_log BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END;" >/dev/null
n0=$(q 'SELECT count(*) FROM events')
"$K" db show "$C1" --as tester >"$T/out" 2>"$T/err"
same "show without its log row: refused" "$?" 1
same "show without its log row: nothing shown" "$(wc -c <"$T/out" | tr -d ' ')" 0
grep -q "could not be logged" "$T/err" && ok || bad "show says why: $(cat "$T/err")"
for c in worklist "report --from 2024-01-01 --to 2024-06-30" forecast; do
    # shellcheck disable=SC2086
    "$K" db $c --as tester >"$T/out" 2>"$T/err"
    same "db $c without its log row: refused" "$?" 1
    same "db $c without its log row: nothing shown" "$(wc -c <"$T/out" | tr -d ' ')" 0
done
"$K" db record "$C1" --as tester --conversation 2024-05-30 --holder jobcenter --form brev >/dev/null 2>&1
same "record without its log row: refused" "$?" 1
same "record without its log row: nothing stored" "$(q 'SELECT count(*) FROM events')" "$n0"
q "DROP TRIGGER block_log;" >/dev/null
"$K" db record "$C1" --as tester --conversation 2024-05-30 --holder jobcenter --form brev >/dev/null 2>&1 && ok || bad "record with the log back"

check_done cli-db-concurrent
