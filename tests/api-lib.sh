# api-lib.sh -- sourced by tests/cli-api-*.sh: start a server on a free port,
# make requests, check status, content type and JSON. Sets fails/checks; the
# caller ends with `api_done NAME`.
BUILD=${BUILD:-build}
K=$BUILD/kontakt
T=$(mktemp -d)
fails=0
checks=0
PIDS=()

api_cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap api_cleanup EXIT

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# start_server LOG ARGS...: starts the server on port 0; sets PORT and SPID.
start_server() {
    local log=$1; shift
    : >"$log"
    "$K" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
    SPID=$!
    PIDS+=("$SPID")
    PORT=""
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$PORT" ] && break
        sleep 0.05
    done
    [ -n "$PORT" ] || { echo "server did not start:"; cat "$log"; exit 1; }
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
        sleep 0.05
    done
    echo "server did not answer /healthz"; exit 1
}

# req METHOD PATH [curl args...]: sets STATUS, CTYPE; body in $T/body, headers in $T/head.
req() {
    local m=$1 p=$2; shift 2
    local out
    out=$(curl -s -X "$m" -o "$T/body" -D "$T/head" -w '%{http_code} %{content_type}' \
        "http://127.0.0.1:$PORT$p" "$@")
    STATUS=${out%% *}
    CTYPE=${out#* }
}

expect() { # expect STATUS [CONTENT-TYPE-PREFIX] -- about the last req
    if [ "$STATUS" != "$1" ]; then
        fail "$LAST: status $STATUS, expected $1; body: $(head -c 400 "$T/body")"
        return 1
    fi
    if [ $# -ge 2 ] && [[ $CTYPE != "$2"* ]]; then
        fail "$LAST: content type '$CTYPE', expected $2; body: $(head -c 200 "$T/body")"
        return 1
    fi
    ok
}

# json PYTHON-EXPR: evaluates EXPR with d = the last body parsed as JSON; passes if true.
json() {
    if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/body" 2>/dev/null; then
        ok
    else
        fail "$LAST: not true of the body: $1; body: $(head -c 400 "$T/body")"
    fi
}

tok() { "$K" token create --db "$DB" --jobcenter "$1" --role "$2" 2>/dev/null | head -1; }
AU() { echo "Authorization: Bearer $1"; }
JSONH=(-H 'Content-Type: application/json')

api_done() {
    echo "$1: $checks checks passed, $fails failed"
    [ "$fails" -eq 0 ]
}
