# serve-lib.sh -- one way to start the server, for the tests (through
# check-lib.sh) and the HTTP benchmarks (bench/http-lib.sh):
#
#   start_server LOG ARGS   runs `$K serve --listen 127.0.0.1:0 ARGS`, its
#                           stderr into LOG; returns once /healthz answers,
#                           with PORT and SPID set and SPID added to PIDS
#                           (which the caller kills on exit); exits if the
#                           server does not come up in 5 s
start_server() {
    local log=$1 _
    shift
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
    echo "server did not answer /healthz:"; cat "$log"; exit 1
}
