# http-lib.sh -- sourced by bench/http*.sh from the repository's root, with
# BUILD set: a temporary directory ($tmp, removed on exit with every server
# started), start_server (tests/serve-lib.sh, as the tests start it), ms,
# wrk_figures and server_ticks.
K="$BUILD/kontakt"
tmp=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
. tests/serve-lib.sh

# ms LATENCY: wrk's "1.23ms" / "456.00us" / "1.02s" in milliseconds
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# wrk_figures FILE: from wrk --latency's output, rps (requests/s), p50 and
# p99 (ms), nreq (requests made) and errors (non-2xx/3xx answers and socket
# errors).
wrk_figures() {
    local non2xx sock
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$1")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$1")")
    nreq=$(awk '/requests in/ { print $1 }' "$1")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$1")
    sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$1")
    errors=$(( ${non2xx:-0} + ${sock:-0} ))
}

# server_ticks: the CPU the server ($SPID) has used, user and system, in clock ticks
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SPID/stat"; }
