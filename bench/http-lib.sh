# http-lib.sh -- sourced by bench/http*.sh from the repository's root, with
# BUILD set: a temporary directory ($tmp, removed on exit with every server
# started), start_server (tests/serve-lib.sh, as the tests start it) and ms.
K="$BUILD/kontakt"
tmp=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
. tests/serve-lib.sh

# ms LATENCY: wrk's "1.23ms" / "456.00us" / "1.02s" in milliseconds
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
