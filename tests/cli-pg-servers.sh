#!/usr/bin/env bash
# cli-pg-servers.sh -- issue 13, points 3 and 5: several `kontakt serve` on
# one PostgreSQL database, and PostgreSQL failing under them.
#   - three servers on three ports, connected as a login role that is a
#     member of kontakt_app (row-level security applies): a conversation
#     recorded through one is on the worklist of the others at once;
#   - pairs of recordings into the same case through two servers at the
#     same moment (many pairs at once): all succeed, and each stored plan
#     (obligations and plan row) equals a fresh store's, computed from all
#     the events;
#   - one server SIGKILLed while requests are in flight: every recording
#     answered 2xx is stored; sent again (with their Idempotency-Keys)
#     through another server none is stored twice;
#   - PostgreSQL stopped, restarted and killed (SIGKILL) while the servers
#     run: requests get 503 application/problem+json within the request
#     timeout (curl --max-time; none hangs), and once it is back the same
#     servers answer again, without a restart;
#   - recordings in a loop while PostgreSQL is SIGKILLed and started again:
#     every 2xx-acknowledged recording is in the store afterwards; the same
#     with a restart (fast shutdown) under load.
# Starts a cluster of its own (tests/pg-lib.sh), since it stops and kills
# it; skipped where PostgreSQL is not installed.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 420 bash "$0" "$@"; fi
cd "$(dirname "$0")/.." || exit 1
. tests/check-lib.sh
PIDS=()
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done; }
trap 'stop_all; rm -rf "$T"' EXIT
. tests/pg-lib.sh
pg_own_start # this test stops and kills its cluster
rc=$?
[ "$rc" -eq 2 ] && exit 0 # skipped (said why)
[ "$rc" -eq 0 ] || exit 1
CTL=$PG_TMP/ctl
export KONTAKT_TEST_BACKEND=pg
. tests/store-lib.sh
export KONTAKT_TODAY=2024-06-01
TODAY=$KONTAKT_TODAY
unset KONTAKT_NOW KONTAKT_DB

# ---- the store: 12 cases of one jobcentre, the server's role -----------------------------
store_caseload servers 12 >"$T/why" && ok || { echo "FAIL: $(cat "$T/why")"; exit 1; }

# start_server LOG: a server on a free port; sets PORT and SPID
start_server() {
    local log=$1
    : >"$log" # before the server's shell opens it: the sed below may run first
    "$K" serve --db "$SRV" --listen 127.0.0.1:0 --today "$TODAY" --timeout 30 2>"$log" &
    SPID=$!
    PIDS+=("$SPID")
    PORT=
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
        sleep 0.05
    done
    echo "FAIL: server did not start: $(cat "$log")"; exit 1
}
# req PORT METHOD PATH [curl args]: STATUS, CTYPE, CURLRC; body in $T/body.
# --max-time 20: under the server's 30 s request timeout; a hang is rc 28.
req() {
    local port=$1 m=$2 p=$3; shift 3
    local out
    out=$(curl -s --max-time 20 -X "$m" -o "$T/body" -D "$T/head" -w '%{http_code} %{content_type}' \
        -H "Authorization: Bearer $TA" "http://127.0.0.1:$port$p" "$@")
    CURLRC=$?
    STATUS=${out%% *}
    CTYPE=${out#* }
}
# conv DATE FORM [TIME]: a conversation's body
conv() { printf '{"date":"%s","holder":"jobcenter","form":"%s"%s}' "$1" "$2" "${3:+,\"time\":\"$3\"}"; }
WL="/v1/worklist?overdue_days=-1&within=3660&limit=1000"
# the worklist's rows as text, one a line (what the servers must agree on)
wl_rows() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(json.dumps(i, sort_keys=True) for i in d["items"])))' "$T/body"; }

start_server "$T/s1.log"; P1=$PORT
start_server "$T/s2.log"; P2=$PORT
start_server "$T/s3.log"; P3=$PORT; S3=$SPID
same "three servers on three ports" "$(printf '%s\n' "$P1" "$P2" "$P3" | sort -u | wc -l)" 3

# ---- a conversation recorded through one is on the others' worklists at once ---------------
for p in $P1 $P2 $P3; do req "$p" GET "$WL"; same "worklist on :$p before" "$STATUS" 200; done
wl_rows >"$T/wl.before"
grep -q '"case": "c1"' "$T/wl.before" && ok || bad "c1's first conversation is on the worklist: $(head -c 300 "$T/wl.before")"
req "$P1" POST /v1/cases/c1/conversations -H 'Content-Type: application/json' --data-binary "$(conv 2024-05-31 fremmoede)"
same "recorded through server 1" "$STATUS" 201
req "$P1" GET "$WL"; wl_rows >"$T/wl.1"
cmp -s "$T/wl.before" "$T/wl.1" && bad "the recording changed nothing on server 1's worklist" || ok
for p in $P2 $P3; do
    req "$p" GET "$WL"; wl_rows >"$T/wl.$p"
    cmp -s "$T/wl.1" "$T/wl.$p" && ok || bad "server :$p's worklist right after is server 1's: $(diff "$T/wl.1" "$T/wl.$p" | head -5)"
done

# ---- pairs into the same case through two servers at the same moment ----------------------
before=$(store_q "$DB" "SELECT count(*) FROM events WHERE kind = 'conversation'")
: >"$T/codes"
ports=("$P1" "$P2" "$P3")
n=0
for round in 1 2 3; do
    cp=()
    for i in $(seq 2 12); do
        for k in 0 1; do
            p=${ports[$(((i + round + k) % 3))]}
            d=$(printf '2024-05-%02d' $((19 + round)))
            curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TA" \
                -H 'Content-Type: application/json' --data-binary "$(conv "$d" telefon "1$k:00")" \
                "http://127.0.0.1:$p/v1/cases/c$i/conversations" >>"$T/codes" &
            cp+=($!)
            n=$((n + 1))
        done
    done
    wait "${cp[@]}"
done
same "$n recordings, in pairs into one case through two servers: all 201" "$(sort "$T/codes" | uniq -c | tr -s ' ' | tr '\n' ' ')" " $n 201 "
same "every one stored" "$(store_q "$DB" "SELECT count(*) FROM events WHERE kind = 'conversation'")" $((before + n))
# the stored plans = the plans of all the events: a fresh store of the export, the same day
plans_agree() { # plans_agree WHAT: every case's obligations and plan row, DB against a fresh store
    local f
    f=$(store_new "fresh$RANDOM") || return 1
    "$K" db export --db "$DB" >"$T/export.ndjson" 2>"$T/err" || { bad "$1: export: $(cat "$T/err")"; return 1; }
    "$K" db import --db "$f" "$T/export.ndjson" >/dev/null 2>"$T/err" || { bad "$1: fresh import: $(cat "$T/err")"; return 1; }
    local cols="case_id, idx, rule, window_from, deadline, status, required, counted, met_on, exempt, stopped"
    same "$1: the stored obligations are those of all the events" \
        "$(store_q "$DB" "SELECT $cols FROM obligations ORDER BY case_id, idx")" \
        "$(store_q "$f" "SELECT $cols FROM obligations ORDER BY case_id, idx")"
    same "$1: the stored plan rows too" \
        "$(store_q "$DB" "SELECT case_id, as_of, valid_until, md5(plan_json::text) FROM plans ORDER BY case_id")" \
        "$(store_q "$f" "SELECT case_id, as_of, valid_until, md5(plan_json::text) FROM plans ORDER BY case_id")"
}
plans_agree "after the pairs"
# and what a server answers for a case is `kontakt plan` of its export
"$K" db export --db "$DB" 2>/dev/null | grep '"id":"c7"' >"$T/c7.json"
req "$P2" GET /v1/cases/c7
python3 - "$T/body" "$T/c7.json" "$K" "$TODAY" <<'EOF' && ok || bad "GET /v1/cases/c7's plan is kontakt plan of its export"
import json, subprocess, sys
got = json.load(open(sys.argv[1]))["plan"]
line = open(sys.argv[2]).read().strip().splitlines()[0]
case = json.loads(line)
case.pop("as_of", None)
out = subprocess.run([sys.argv[3], "plan", "--as-of", sys.argv[4], "-"], input=json.dumps(case),
                     capture_output=True, text=True)
want = json.loads(out.stdout)
key = lambda p: [(o.get("rule"), o.get("deadline"), o.get("status")) for o in p.get("obligations", [])]
if key(got) != key(want) or not key(got):
    print("server:", key(got)[:5], "\ncli:   ", key(want)[:5], out.stderr[:300])
    sys.exit(1)
EOF

# ---- one server SIGKILLed mid-request: nothing acknowledged is lost -------------------------
# four clients record 30 conversations each through server 3 (each with its
# Idempotency-Key); server 3 is killed while they run
: >"$T/acks"
cp=()
for c in 1 2 3 4; do
    (
        for j in $(seq 1 30); do
            key="kill-$c-$j"
            code=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TA" \
                -H 'Content-Type: application/json' -H "Idempotency-Key: $key" \
                --data-binary "$(conv 2024-05-25 telefon "$(printf '%02d:%02d' $((c + 7)) "$j")")" \
                "http://127.0.0.1:$P3/v1/cases/c$((c + 1))/conversations")
            echo "$c $j $code" >>"$T/acks"
        done
    ) &
    cp+=($!)
done
for _ in $(seq 1 200); do [ "$(grep -c ' 20[01]$' "$T/acks")" -ge 20 ] && break; sleep 0.02; done
{ kill -KILL "$S3"; wait "$S3"; } 2>/dev/null # (bash would say "Killed")
wait "${cp[@]}"
nack=$(grep -c ' 20[01]$' "$T/acks")
nlost=$(grep -vc ' 20[01]$' "$T/acks")
[ "$nack" -ge 20 ] && [ "$nlost" -gt 0 ] && ok || bad "server 3 was killed mid-run (acknowledged $nack, unanswered $nlost)"
stored() { # stored C J: 1 if that conversation of client C is stored once
    store_q "$DB" "SELECT count(*) FROM events WHERE case_id = 'c$(($1 + 1))' AND kind = 'conversation' AND body::text LIKE '%2024-05-25%' AND body::text LIKE '%$(printf '%02d:%02d' $(($1 + 7)) "$2")%'"
}
missing=0
while read -r c j code; do
    case $code in 200 | 201) [ "$(stored "$c" "$j")" = 1 ] || missing=$((missing + 1)) ;; esac
done <"$T/acks"
same "every recording acknowledged by the killed server is stored" "$missing" 0
# every one sent again through server 1, with the same keys: 200/201, none twice
: >"$T/retry"
for c in 1 2 3 4; do
    for j in $(seq 1 30); do
        curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TA" \
            -H 'Content-Type: application/json' -H "Idempotency-Key: kill-$c-$j" \
            --data-binary "$(conv 2024-05-25 telefon "$(printf '%02d:%02d' $((c + 7)) "$j")")" \
            "http://127.0.0.1:$P1/v1/cases/c$((c + 1))/conversations" >>"$T/retry"
    done
done
same "the 120 sent again through server 1: all 2xx" "$(grep -c '^20[01]$' "$T/retry")" 120
same "and each stored exactly once" \
    "$(store_q "$DB" "SELECT count(*), count(DISTINCT (case_id, body::text)) FROM events WHERE kind = 'conversation' AND body::text LIKE '%2024-05-25%'")" "120|120"
plans_agree "after the kill"
start_server "$T/s3b.log"; P3=$PORT

# ---- PostgreSQL stopped, restarted, killed while the servers run ----------------------------
# down WHAT: every server answers requests (a token check, a read, a write)
# with 503 problem+json, in time
down() {
    local p path
    for p in $P1 $P2 $P3; do
        for path in "GET /v1/me" "GET $WL" "GET /v1/cases/c9" "POST /v1/cases/c9/conversations"; do
            local t0=$SECONDS
            req "$p" ${path% *} "${path#* }" -H 'Content-Type: application/json' --data-binary "$(conv 2024-05-28 brev)"
            [ "$CURLRC" -ne 28 ] && ok || bad "$1: $path on :$p hung (no answer in 20 s)"
            same "$1: $path on :$p" "$STATUS $CTYPE" "503 application/problem+json"
            if [ "$STATUS" = 503 ]; then
                python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["status"] == 503 and d["type"].startswith("urn:kontakt:problem:") and d.get("detail") else 1)' "$T/body" &&
                    ok || bad "$1: $path on :$p: the problem: $(head -c 300 "$T/body")"
            fi
            grep -qi '^Retry-After: 2' "$T/head" && ok || bad "$1: $path on :$p: no Retry-After: $(cat "$T/head")"
            [ $((SECONDS - t0)) -le 15 ] && ok || bad "$1: $path on :$p took $((SECONDS - t0)) s"
        done
    done
}
# up WHAT: every server answers again, the same processes
up() {
    local p
    for p in $P1 $P2 $P3; do
        req "$p" GET /v1/me; same "$1: /v1/me on :$p" "$STATUS" 200
        req "$p" GET "$WL"; same "$1: the worklist on :$p" "$STATUS" 200
        req "$p" GET /v1/cases/c9; same "$1: a case on :$p" "$STATUS" 200
    done
    req "$P2" POST /v1/cases/c9/conversations -H 'Content-Type: application/json' --data-binary "$(conv 2024-05-2"$2" digitalt)"
    same "$1: a recording" "$STATUS" 201
    for p in "${PIDS[@]:0:2}" "$SPID"; do kill -0 "$p" 2>/dev/null && ok || bad "$1: server $p is gone"; done
}
up "before" 1
"$CTL" stop || bad "pg_ctl stop"
down "PostgreSQL stopped"
"$CTL" start || bad "pg_ctl start"
up "PostgreSQL started again" 2
"$CTL" restart || bad "pg_ctl restart"
up "PostgreSQL restarted" 3
"$CTL" kill
sleep 0.5
down "PostgreSQL killed"
"$CTL" start || bad "pg_ctl start after the kill"
up "PostgreSQL started after the kill" 4

# ---- PostgreSQL killed, or restarted, under load: no acknowledged recording lost -----------
# under_load WHAT DAY ACTION...: three clients record 60 conversations each
# (of DAY, told apart by their times) through the three servers; ACTION runs
# once 15 are acknowledged; then every 201 must be stored, once
under_load() {
    local what=$1 day=$2; shift 2
    : >"$T/load"
    local cp=() c
    for c in 1 2 3; do
        (
            port=${ports[$((c - 1))]}
            [ "$c" = 3 ] && port=$P3
            for j in $(seq 1 60); do
                code=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TA" \
                    -H 'Content-Type: application/json' \
                    --data-binary "$(conv "$day" telefon "$(printf '%02d:%02d' $((c + 10)) "$j")")" \
                    "http://127.0.0.1:$port/v1/cases/c$((c + 8))/conversations")
                echo "$c $j $code" >>"$T/load"
                sleep 0.02
            done
        ) &
        cp+=($!)
    done
    for _ in $(seq 1 300); do [ "$(grep -c ' 201$' "$T/load")" -ge 15 ] && break; sleep 0.02; done
    "$@"
    wait "${cp[@]}"
    codes=$(awk '{print $3}' "$T/load" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
    nack=$(grep -c ' 201$' "$T/load")
    n503=$(grep -c ' 503$' "$T/load")
    same "$what: every answer was 201 or 503 ($codes)" "$(awk '$3 != 201 && $3 != 503' "$T/load" | head -3)" ""
    local missing=0 n
    while read -r c j code; do
        [ "$code" = 201 ] || continue
        n=$(store_q "$DB" "SELECT count(*) FROM events WHERE case_id = 'c$((c + 8))' AND kind = 'conversation' AND body::text LIKE '%$day%' AND body::text LIKE '%$(printf '%02d:%02d' $((c + 10)) "$j")%'")
        [ "$n" = 1 ] || missing=$((missing + 1))
    done <"$T/load"
    same "$what: every acknowledged recording ($nack) is stored" "$missing" 0
}
kill_and_start() { "$CTL" kill; sleep 1; "$CTL" start || bad "pg_ctl start under load"; }
under_load "PostgreSQL killed under load" 2024-05-26 kill_and_start
[ "$nack" -ge 15 ] && [ "$n503" -gt 0 ] && ok || bad "PostgreSQL was killed mid-load: $codes"
up "after the kill under load" 7
plans_agree "after PostgreSQL's kill"
under_load "PostgreSQL restarted under load" 2024-05-29 "$CTL" restart
[ "$nack" -ge 15 ] && ok || bad "PostgreSQL was restarted mid-load: $codes"
up "after the restart under load" 5
plans_agree "after PostgreSQL's restart"

# the servers that lived through all of it stop cleanly (SIGTERM: exit 0),
# and no sanitizer (SAN=1) spoke in their logs
for p in "${PIDS[@]:0:2}" "$SPID"; do
    kill -TERM "$p" 2>/dev/null
    wait "$p"
    same "server $p stops cleanly after the faults" "$?" 0
done
PIDS=()
for f in "$T"/s*.log; do
    grep -q "Sanitizer\|runtime error" "$f" && bad "$(basename "$f"): $(grep -m3 "Sanitizer\|runtime error" "$f")" || ok
done

check_done cli-pg-servers
