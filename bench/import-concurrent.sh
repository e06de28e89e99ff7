#!/usr/bin/env bash
# bench/import-concurrent.sh -- how long `kontakt db record` takes while a
# large import runs into a store in use (issue 11, point 3; figures:
# bench/README.md, "Recording during an import"). Imports
# BENCH_IMPORT_CASES generated cases (invalid lines left out) into a store
# holding 2,000, records a conversation every 0.5 s while it runs, and
# prints each recording's time and the import's.
#
#   bench/import-concurrent.sh
#   BENCH_IMPORT_CASES=200000 bench/import-concurrent.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${BENCH_IMPORT_CASES:-50000}
make --no-print-directory "$BUILD/kontakt" >/dev/null
K="$PWD/$BUILD/kontakt"
tmp=$(mktemp -d)
IPID=""
trap '[ -n "$IPID" ] && kill "$IPID" 2>/dev/null; rm -rf "$tmp"' EXIT
export KONTAKT_TODAY=2024-06-01
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L bench/gen.c store/synth.c -o "$tmp/gen"
valid() { # the lines of $1 the engine accepts
    rm -f "$tmp/v.db"*
    "$K" db init --db "$tmp/v.db" >/dev/null
    "$K" db import --db "$tmp/v.db" "$1" 2>&1 >/dev/null | sed -n 's/^[^:]*:\([0-9]*\):.*/\1/p' | sort -un >"$tmp/bad" || true
    awk 'NR == FNR { b[$1] = 1; next } !(FNR in b)' "$tmp/bad" "$1"
}
"$tmp/gen" --cases 2000 --seed 9 | sed 's/"id":"gen-/"id":"s-/' >"$tmp/s.raw"
"$tmp/gen" --cases "$N" --seed 3 >"$tmp/b.raw"
valid "$tmp/s.raw" >"$tmp/small"
valid "$tmp/b.raw" >"$tmp/big"
db="$tmp/store.db"
"$K" db init --db "$db" >/dev/null
"$K" db import --db "$db" "$tmp/small" >/dev/null
id=$(head -1 "$tmp/small" | sed 's/^{"id":"\([^"]*\)".*/\1/')
ms() { date +%s%N | cut -c1-13; }
idle=()
for i in 1 2 3 4 5; do
    t0=$(ms); "$K" db record "$id" --db "$db" --conversation "2024-04-0$i" --holder jobcenter --form brev >/dev/null; idle+=($(($(ms) - t0)))
done
echo "record, idle store: ${idle[*]} ms"
t0=$(ms)
"$K" db import --db "$db" "$tmp/big" >"$tmp/imp.out" 2>&1 &
IPID=$!
lat=()
i=0
while kill -0 "$IPID" 2>/dev/null; do
    i=$((i + 1))
    s=$(ms)
    "$K" db record "$id" --db "$db" --conversation "2024-05-$(printf %02d $((i % 28 + 1)))" --holder jobcenter \
        --form telefon --topic "b$i" >/dev/null 2>>"$tmp/rec.err" || echo "record $i failed: $(tail -1 "$tmp/rec.err")"
    lat+=($(($(ms) - s)))
    sleep 0.5
done
wait "$IPID"
IPID=""
t1=$(ms)
cat "$tmp/imp.out"
echo "import of $(wc -l <"$tmp/big") cases into a store in use: $(((t1 - t0) / 1000)).$(((t1 - t0) % 1000 / 100)) s"
sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
cnt=${#lat[@]}
echo "record during the import: $cnt recordings, median $(echo "$sorted" | sed -n "$(((cnt + 1) / 2))p") ms, max $(echo "$sorted" | tail -1) ms"
echo "all: ${lat[*]}"
