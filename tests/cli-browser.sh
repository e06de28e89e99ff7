#!/usr/bin/env bash
# cli-browser.sh -- the web UI in a real browser: playwright-core (npm, in
# tests/browser) drives Debian's chromium headless against `kontakt serve`
# on a free 127.0.0.1 port with a temporary demo store. Screenshots go to
# build/artifacts/. Skips (exit 0) only when chromium is not installed.
#   CHROMIUM=/path/to/chromium tests/cli-browser.sh
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 300 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
K=$BUILD/kontakt
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ] || [ ! -x "$CHROMIUM" ]; then
    echo "cli-browser: skipped: chromium not installed (apt-get install chromium)"
    exit 0
fi
command -v node >/dev/null || { echo "cli-browser: node is not installed (apt-get install nodejs npm)"; exit 1; }
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) ||
        { echo "cli-browser: npm ci in tests/browser failed"; exit 1; }
fi

T=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
. tests/serve-lib.sh
DB=$T/ui.db
export KONTAKT_TODAY=2024-06-01
"$K" db demo --cases 40 --jobcenter aarhus --db "$DB" >/dev/null 2>&1 || { echo "cli-browser: db demo failed"; exit 1; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["jobcenter"]="aarhus"; d["caseworker"]="mette"; print(json.dumps(d))' \
    examples/borger-17.json >"$T/case.ndjson"
"$K" db import --db "$DB" "$T/case.ndjson" >/dev/null 2>&1 || { echo "cli-browser: import failed"; exit 1; }
# a case of another jobcentre: opening it is refused (403), in Danish
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="odense-1"; d["jobcenter"]="odense"; print(json.dumps(d))' \
    examples/borger-17.json >"$T/other.ndjson"
"$K" db import --db "$DB" "$T/other.ndjson" >/dev/null 2>&1 || { echo "cli-browser: import of odense-1 failed"; exit 1; }
# Planlægning (issue 14): three conversation slots a day for aarhus
"$K" db capacity set --db "$DB" --jobcenter aarhus --slots 3 >/dev/null 2>&1 || { echo "cli-browser: capacity failed"; exit 1; }
TOKEN_CW=$("$K" token create --db "$DB" --jobcenter aarhus --role caseworker 2>/dev/null | head -1)
TOKEN_MGR=$("$K" token create --db "$DB" --jobcenter aarhus --role manager 2>/dev/null | head -1)

start_server "$T/server.log" --db "$DB" --today 2024-06-01
MAIN_PORT=$PORT

# A second server for the law of 2026 (g2026): a small store of its own
# (tests/data/quota-g2026.ndjson, the caseload of tests/cli-api-quota.sh),
# the day pinned to 2027-01-15.
QDB=$T/quota.db
KONTAKT_TODAY=2027-01-15 "$K" db import --db "$QDB" tests/data/quota-g2026.ndjson >/dev/null 2>&1 ||
    { echo "cli-browser: import of the g2026 cases failed"; exit 1; }
QTOKEN_CW=$("$K" token create --db "$QDB" --jobcenter jc-A --role caseworker 2>/dev/null | head -1)
QTOKEN_MGR=$("$K" token create --db "$QDB" --jobcenter jc-A --role manager 2>/dev/null | head -1)
"$K" db capacity set --db "$QDB" --jobcenter jc-A --slots 3 >/dev/null 2>&1 || { echo "cli-browser: capacity of jc-A failed"; exit 1; }
start_server "$T/qserver.log" --db "$QDB" --today 2027-01-15
QPORT=$PORT
PORT=$MAIN_PORT

# The server's English texts (problem titles and details in server/*.c):
# no page may show any of them (ui.test.mjs, "no English").
python3 - server/*.c >"$T/english.json" <<'PY'
import json, re, sys
out = set()
for path in sys.argv[1:]:
    src = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    for lit in re.findall(r'"((?:[^"\\\n]|\\.)*)"', src):
        for part in re.split(r"%[-0-9.]*[a-z]+", lit):
            part = part.strip()
            if (len(part) >= 12 and " " in part and re.match(r"[A-Z]", part)
                    and not re.search(r"[æøåÆØÅ]", part) and "\\" not in part and not part.startswith("Overskredet")):
                out.add(part)
json.dump(sorted(out), sys.stdout, ensure_ascii=False)
PY

mkdir -p build/artifacts
BASE="http://127.0.0.1:$PORT" TOKEN_CW="$TOKEN_CW" TOKEN_MGR="$TOKEN_MGR" CHROMIUM="$CHROMIUM" \
    QBASE="http://127.0.0.1:$QPORT" QTOKEN_CW="$QTOKEN_CW" QTOKEN_MGR="$QTOKEN_MGR" \
    ENGLISH="$T/english.json" ARTIFACTS="$PWD/build/artifacts" node tests/browser/ui.test.mjs
