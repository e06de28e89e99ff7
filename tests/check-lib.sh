# check-lib.sh -- sourced by the shell tests (from the repository's root):
# one temporary directory, one way to count and report checks, one way to
# start the server, and every process the test started stopped on exit.
#
#   ok                      a check passed
#   bad WHAT...             a check failed (printed with FAIL:)
#   same WHAT GOT WANTED    one check: GOT equals WANTED
#   exits WANT WHAT CMD...  one check: CMD exits with status WANT (its
#                           output in $T/out and $T/err)
#   check_done NAME         prints "NAME: P of N checks passed, F failed" and
#                           returns non-zero if any failed (the script's last
#                           command, so that it is the script's status)
#   start_server LOG ARGS   tests/serve-lib.sh
#   PIDS+=("$pid")          a background process to kill on exit
#
# K is the kontakt binary of $BUILD (default build), T the directory.
BUILD=${BUILD:-build}
K="$PWD/$BUILD/kontakt"
T=$(mktemp -d)
fails=0
checks=0
PIDS=()
. tests/serve-lib.sh

check__cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap check__cleanup EXIT

ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
same() { if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }

exits() {
    local want=$1 what=$2 got
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; sed 's/^/    /' "$T/err" | head -5; fi
}

check_done() {
    echo "$1: $((checks - fails)) of $checks checks passed, $fails failed"
    [ "$fails" -eq 0 ] && [ "$checks" -gt 0 ]
}
