# api-lib.sh -- sourced by tests/cli-api-*.sh: check-lib.sh (the directory,
# the counters, start_server) and requests: make one, check its status,
# content type and JSON. The caller ends with `api_done NAME`.
. tests/check-lib.sh

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
        bad "$LAST: status $STATUS, expected $1; body: $(head -c 400 "$T/body")"
        return 1
    fi
    if [ $# -ge 2 ] && [[ $CTYPE != "$2"* ]]; then
        bad "$LAST: content type '$CTYPE', expected $2; body: $(head -c 200 "$T/body")"
        return 1
    fi
    ok
}

# json PYTHON-EXPR: evaluates EXPR with d = the last body parsed as JSON; passes if true.
json() {
    if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/body" 2>/dev/null; then
        ok
    else
        bad "$LAST: not true of the body: $1; body: $(head -c 400 "$T/body")"
    fi
}

tok() { "$K" token create --db "$DB" --jobcenter "$1" --role "$2" 2>/dev/null | head -1; }
AU() { echo "Authorization: Bearer $1"; }
JSONH=(-H 'Content-Type: application/json')

api_done() { check_done "$@"; }

# For checks written as `same WHAT "$(get TOKEN PATH; echo; py EXPR)" WANTED`:
# get TOKEN PATH and post TOKEN PATH BODY [IDEMPOTENCY-KEY] make the request
# with req and print its status (the body is in $T/body); py prints EXPR of
# the last body, d being the body parsed.
get() { req GET "$2" -H "$(AU "$1")"; printf %s "$STATUS"; }
post() {
    req POST "$2" -H "$(AU "$1")" "${JSONH[@]}" ${4:+-H "Idempotency-Key: $4"} --data-binary "$3"
    printf %s "$STATUS"
}
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/body"; }
