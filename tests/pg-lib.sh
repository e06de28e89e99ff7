# pg-lib.sh -- sourced by the tests (bash): a throwaway PostgreSQL cluster
# for one test run, so that no system service is needed.
#
#   . tests/pg-lib.sh
#   pg_start            # 0: running, KONTAKT_TEST_PG exported
#                       # 2: PostgreSQL is not installed ("skipped: ..." printed)
#                       # 1: installed but would not start (the log printed)
#   pg_restart          # pg_ctl restart (fast shutdown), waits until ready
#   pg_psql SQL         # runs SQL as the superuser, unaligned output
#   pg_createdb NAME    # creates a database, prints its URI
#   pg_stop             # stops the cluster and removes its directory
#
# pg_start runs initdb in a mktemp directory (trust authentication, UTF8, no
# locale, superuser kontakt_admin) and starts the server on a free TCP port
# on 127.0.0.1, with its Unix socket in that directory; an EXIT trap (added
# in front of the caller's) stops it and removes the directory. A caller
# that sets its own EXIT trap afterwards must call pg_stop in it.
#
# initdb and postgres refuse to run as root: as root, they run as `nobody`
# (runuser, else setpriv) in a directory owned by nobody.
#
# fsync=off and full_page_writes=off: the cluster lives for one run. A
# killed postgres (SIGKILL) still loses nothing acknowledged, since its
# writes are in the OS page cache; only a crash of the machine would.
#
# The binaries are taken from PATH, else from the newest
# /usr/lib/postgresql/*/bin (Debian keeps them there; KONTAKT_PG_BINDIRS, a
# glob, looks elsewhere).

pg__bin() { # pg__bin NAME: prints the path of a PostgreSQL program, or nothing
    local p
    p=$(command -v "$1" 2>/dev/null) && [ -n "$p" ] && { echo "$p"; return 0; }
    for p in $(ls -d ${KONTAKT_PG_BINDIRS:-/usr/lib/postgresql/*/bin} 2>/dev/null | sort -V -r); do
        [ -x "$p/$1" ] && { echo "$p/$1"; return 0; }
    done
    return 1
}

# pg__as CMD...: runs CMD as the cluster's owner (nobody when we are root), in
# the cluster's directory (nobody may not be able to read the caller's), on
# the real clock: a run under faketime (CI's second run) must not reach the
# server, whose timers (lock_timeout, statement cancels) it breaks; what
# kontakt itself takes for today is pinned by the tests, not by the server.
PG__ENV="env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_RESET -u DONT_FAKE_MONOTONIC"
pg__as() {
    if [ "$(id -u)" -ne 0 ]; then
        (cd "$PG_TMP" && $PG__ENV "$@")
    elif command -v runuser >/dev/null; then
        (cd "$PG_TMP" && runuser -u nobody -- $PG__ENV "$@")
    else
        (cd "$PG_TMP" && setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- $PG__ENV "$@")
    fi
}

pg__free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + RANDOM % 40000))
}

pg_stop() {
    [ -n "${PG_TMP:-}" ] || return 0
    if [ -n "${PG_CTL:-}" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
        pg__as "$PG_CTL" -D "$PG_DATA" -m immediate -w -t 20 stop >/dev/null 2>&1
    fi
    rm -rf "$PG_TMP"
    PG_TMP=
    unset KONTAKT_TEST_PG
}

pg_start() {
    PG_INITDB=$(pg__bin initdb) || PG_INITDB=
    PG_CTL=$(pg__bin pg_ctl) || PG_CTL=
    if [ -z "$PG_INITDB" ] || [ -z "$PG_CTL" ] || ! pg__bin postgres >/dev/null; then
        echo "skipped: PostgreSQL not installed (no initdb/pg_ctl/postgres in PATH or /usr/lib/postgresql/*/bin)"
        return 2
    fi
    PG_PSQL=$(pg__bin psql) || PG_PSQL=
    if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null && ! command -v setpriv >/dev/null; then
        echo "pg-lib: running as root without runuser or setpriv: cannot run initdb as nobody"
        return 1
    fi
    # in /tmp, not $TMPDIR: nobody must reach it, and the socket's path must
    # stay under the 107 bytes a Unix socket address holds
    PG_TMP=$(mktemp -d /tmp/kt-pg.XXXXXX) || return 1
    PG_DATA=$PG_TMP/data
    local prev
    prev=$(trap -p EXIT)
    eval "set -- $prev"
    trap "pg_stop; ${3:-}" EXIT
    # interrupted, the shell still runs its EXIT trap (unless the caller traps these)
    [ -n "$(trap -p INT)" ] || trap 'exit 130' INT
    [ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
    [ "$(id -u)" -eq 0 ] && chown nobody "$PG_TMP"
    chmod 700 "$PG_TMP"
    if ! pg__as "$PG_INITDB" -D "$PG_DATA" -A trust -E UTF8 --no-locale -U kontakt_admin --no-sync \
        >"$PG_TMP/initdb.log" 2>&1; then
        echo "pg-lib: initdb failed:"; sed 's/^/    /' "$PG_TMP/initdb.log" | tail -20
        return 1
    fi
    local try
    for try in 1 2 3 4 5; do
        PG_PORT=$(pg__free_port)
        PG_OPTS="-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        if pg__as "$PG_CTL" -D "$PG_DATA" -l "$PG_TMP/server.log" -o "$PG_OPTS" -w -t 30 start >/dev/null 2>&1; then
            break
        fi
        if ! grep -q "could not bind\|already in use" "$PG_TMP/server.log" 2>/dev/null || [ "$try" = 5 ]; then
            echo "pg-lib: postgres did not start:"; sed 's/^/    /' "$PG_TMP/server.log" | tail -20
            return 1
        fi
    done
    export KONTAKT_TEST_PG="postgresql://kontakt_admin@127.0.0.1:$PG_PORT/postgres"
    # $PG_TMP/ctl start|stop|restart|kill: the cluster's pg_ctl for a test
    # program (what pg_restart does, from outside this shell); kill is a
    # SIGKILL of the postmaster (its backends follow it), and start after it
    # retries until the old backends are gone and recovery is done.
    local as=""
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null; then as="runuser -u nobody --"
        else as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --"; fi
    fi
    {
        echo '#!/bin/sh'
        echo "cd '$PG_TMP' || exit 1"
        echo "ctl() { $as $PG__ENV '$PG_CTL' -D '$PG_DATA' -l '$PG_TMP/server.log' -o '$PG_OPTS' -m fast -w -t 30 \"\$1\" >/dev/null 2>&1; }"
        echo 'case "$1" in'
        echo "kill) exec kill -KILL \"\$(head -1 '$PG_DATA/postmaster.pid')\" ;;"
        echo 'start) for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ctl start && exit 0; sleep 0.5; done; exit 1 ;;'
        echo '*) ctl "$1" ;;'
        echo 'esac'
    } >"$PG_TMP/ctl"
    chmod 755 "$PG_TMP/ctl"
    return 0
}

# pg_own_start: a cluster of the test's own, never the run's shared one
# (for a test that stops or kills it), for a kontakt built with libpq.
# 0 started; 2 skip (said why); 1 failed. pg_start's EXIT trap stops it.
pg_own_start() {
    unset KONTAKT_TEST_PG
    pg_start
    local rc=$?
    [ "$rc" -eq 0 ] || return "$rc"
    if "${K:-$BUILD/kontakt}" db check --db "postgresql://" 2>&1 | grep -q "built without PostgreSQL"; then
        echo "skipped: ${K:-$BUILD/kontakt} was built without PostgreSQL (libpq)"
        return 2
    fi
}

pg_restart() {
    pg__as "$PG_CTL" -D "$PG_DATA" -l "$PG_TMP/server.log" -o "$PG_OPTS" -m fast -w -t 30 restart >/dev/null 2>&1 || {
        echo "pg-lib: restart failed:"; tail -20 "$PG_TMP/server.log"; return 1; }
}

pg_psql() {
    [ -n "$PG_PSQL" ] || { echo "pg-lib: psql not found" >&2; return 1; }
    "$PG_PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -d "$KONTAKT_TEST_PG" -c "$1"
}

pg_createdb() {
    pg_psql "CREATE DATABASE \"$1\"" >/dev/null || return 1
    echo "postgresql://kontakt_admin@127.0.0.1:$PG_PORT/$1"
}
