# store-lib.sh -- sourced by the store's shell tests: a fresh store target
# per use, on the backend the run asks for.
#
#   . tests/store-lib.sh
#   store_new NAME     # prints a new, empty store target: "$T/NAME.db" on
#                      # SQLite; with KONTAKT_TEST_BACKEND=pg a new database
#                      # on the cluster of KONTAKT_TEST_PG (tests/pg-lib.sh,
#                      # started by run-tests.sh), its postgresql:// URI
#   store_is_pg        # 0 (true) on the PostgreSQL run
#   store_q TARGET SQL # runs SQL on the target as its owner: rows as a|b|c
#   store_skip_pg WHY  # on the PostgreSQL run: prints "skipped ..." and exits 0
#   store_server TARGET # the target the server is given: TARGET on SQLite; on
#                      # PostgreSQL the same database through the login role
#                      # kt_srv, a member of kontakt_app without BYPASSRLS
#                      # (row-level security applies), after `db init` as the
#                      # owner (the role cannot create tables)
#   store_agg X SEP    # SQL: group_concat(X, SEP) on SQLite, string_agg on PostgreSQL
#
# $T must be the test's temporary directory. A test that looks at the
# SQLite file itself (its header, journal, bytes) keeps that part
# SQLite-only: `if ! store_is_pg; then ... fi`, with a comment saying why.
# The PostgreSQL run needs KONTAKT_TEST_PG; without it the run is skipped
# (store_skip_pg) with a clear line, by run-tests.sh.

store_is_pg() { [ "${KONTAKT_TEST_BACKEND:-sqlite}" = pg ]; }

store__psql() {
    local p
    p=$(command -v psql 2>/dev/null) || p=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V -r | head -1)
    echo "$p"
}

store_agg() { if store_is_pg; then echo "string_agg($1, $2)"; else echo "group_concat($1, $2)"; fi; }

store_skip_pg() {
    if store_is_pg; then echo "skipped on PostgreSQL: $*"; exit 0; fi
}

STORE__N=0
store_new() {
    if ! store_is_pg; then
        echo "$T/$1.db"
        return 0
    fi
    if [ -z "${KONTAKT_TEST_PG:-}" ]; then
        echo "store-lib: KONTAKT_TEST_BACKEND=pg without KONTAKT_TEST_PG" >&2
        return 1
    fi
    STORE__N=$((STORE__N + 1))
    # unique in the cluster: the test's directory, the process, a counter
    local db
    db="kt_$(basename "$T" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')_$$_${STORE__N}_$1"
    db=$(echo "$db" | tr -c 'a-z0-9_\n' '_' | cut -c1-63)
    "$(store__psql)" -X -q -v ON_ERROR_STOP=1 -d "$KONTAKT_TEST_PG" -c "CREATE DATABASE \"$db\"" >/dev/null || return 1
    echo "${KONTAKT_TEST_PG%/*}/$db"
}

store_server() {
    if ! store_is_pg; then
        echo "$1"
        return 0
    fi
    "${K:-$BUILD/kontakt}" db init --db "$1" >/dev/null || return 1
    store_q "$KONTAKT_TEST_PG" "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kt_srv')
        THEN CREATE ROLE kt_srv LOGIN NOBYPASSRLS IN ROLE kontakt_app; END IF; END \$\$" >/dev/null || return 1
    echo "$1" | sed 's|://[^@/]*@|://kt_srv@|'
}

# store_caseload NAME N: a store of N jobparat kontanthjælp cases of jc-1
# (c1..cN, begun 2024-05-01 on, cw-1's), imported. Sets DB, SRV (what
# store_server gives) and TA (a caseworker's token); 1 and a message on
# stdout if any step fails. Writes $T/cases.ndjson.
store_caseload() {
    local k=${K:-$BUILD/kontakt} i
    DB=$(store_new "$1") || { echo "store_new $1"; return 1; }
    for i in $(seq 1 "$2"); do
        printf '{"id":"c%d","jobcenter":"jc-1","caseworker":"cw-1","person":{"birth_date":"1985-06-15","youth_education":true,"vocational_education":true},"benefits":[{"benefit":"kontanthjaelp","from":"2024-05-%02d","first_inquiry":"2024-05-%02d","categories":[{"from":"2024-05-%02d","category":"jobparat"}]}]}\n' \
            "$i" "$((i + 1))" "$i" "$((i + 1))"
    done >"$T/cases.ndjson"
    SRV=$(store_server "$DB") || { echo "the server's role"; return 1; }
    "$k" db import --db "$DB" "$T/cases.ndjson" >/dev/null 2>"$T/err" || { echo "import: $(cat "$T/err")"; return 1; }
    TA=$("$k" token create --db "$DB" --jobcenter jc-1 --role caseworker 2>/dev/null | head -1)
    [ -n "$TA" ] || { echo "no token"; return 1; }
}

store_q() {
    case "$1" in
    postgresql://* | postgres://*)
        "$(store__psql)" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>/dev/null ;;
    *)
        sqlite3 "$1" "$2" 2>/dev/null ||
            python3 -c "import sqlite3,sys; print('\n'.join('|'.join(map(str,r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))" "$1" "$2" ;;
    esac
}
