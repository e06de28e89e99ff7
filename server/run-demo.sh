#!/usr/bin/env bash
# run-demo.sh -- starts `kontakt serve` on a demo store and prints the
# address and demo tokens (the `make run` of docs/server.md).
#   server/run-demo.sh [--listen 127.0.0.1:8080] [--cases N]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LISTEN=127.0.0.1:8080
CASES=200
while [ $# -gt 0 ]; do
    case $1 in
    --listen) LISTEN=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    *) echo "usage: server/run-demo.sh [--listen ADDR:PORT] [--cases N]" >&2; exit 2 ;;
    esac
done
make --no-print-directory "$BUILD/kontakt" >/dev/null
DB=$BUILD/demo.db
if [ ! -f "$DB" ]; then
    "$BUILD/kontakt" db demo --cases "$CASES" --jobcenter demo --db "$DB" >/dev/null
fi
cw=$("$BUILD/kontakt" token create --db "$DB" --jobcenter demo --role caseworker 2>/dev/null | head -1)
mg=$("$BUILD/kontakt" token create --db "$DB" --jobcenter demo --role manager 2>/dev/null | head -1)
cat <<EOT
kontakt demo: http://$LISTEN/  (store $DB, jobcentre "demo", $CASES cases)
  caseworker token: $cw
  manager token:    $mg
Paste a token on the login page. Ctrl-C stops the server.
EOT
exec "$BUILD/kontakt" serve --db "$DB" --listen "$LISTEN"
