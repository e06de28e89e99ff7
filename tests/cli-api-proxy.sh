#!/usr/bin/env bash
# cli-api-proxy.sh -- the per-client limit behind a trusted proxy, against
# the real server: with --trust-proxy 127.0.0.1 every request from this
# machine counts for the rightmost X-Forwarded-For address that is not a
# trusted proxy, so one client's slow requests (held open by a helper that
# sends headers and only part of a body) use up that client's --per-ip
# requests (429) and no one else's; without the proxy being trusted, the
# limit is per socket address again and X-Forwarded-For means nothing.
# Exit 0 = pass.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
DB=$T/kontakt.db
"$K" db init --db "$DB" >/dev/null 2>&1 || { echo "db init failed"; exit 1; }

# hold N ADDR: N POST /v1/plan requests with X-Forwarded-For: ADDR whose
# body never completes, kept open until $T/release exists. Waits until they
# are sent (the server has their headers).
hold() {
    rm -f "$T/release" "$T/held"
    python3 - "$PORT" "$1" "$2" "$T" <<'EOF' &
import socket, sys, os, time
port, n, addr, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "X-Forwarded-For: %s\r\nContent-Length: 100\r\n\r\n{" % addr).encode())
    socks.append(s)
time.sleep(0.3)
open(os.path.join(tmp, "held"), "w").close()
for _ in range(400):
    if os.path.exists(os.path.join(tmp, "release")): break
    time.sleep(0.05)
for s in socks: s.close()
EOF
    HOLDER=$!
    PIDS+=("$HOLDER")
    for _ in $(seq 1 100); do [ -e "$T/held" ] && break; sleep 0.05; done
}
release() { touch "$T/release"; wait "$HOLDER" 2>/dev/null; sleep 0.3; }

# xff ADDRS -> the status of GET /healthz through the "proxy"
xff() { curl -s -o "$T/body" -w '%{http_code}' -H "X-Forwarded-For: $1" "http://127.0.0.1:$PORT/healthz"; }

# ---- behind a trusted proxy: per X-Forwarded-For client --------------------------
start_server "$T/s1.log" --db "$DB" --trust-proxy 127.0.0.1 --per-ip 2
hold 2 203.0.113.7
same "the held client's third request" "$(xff 203.0.113.7)" 429
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"] == 429 and d["type"].endswith("too-many-connections"), d' "$T/body" \
    && ok || bad "the 429 is no problem+json"
same "another client" "$(xff 198.51.100.9)" 200
same "a made-up left part is not the client" "$(xff '203.0.113.7, 198.51.100.9')" 200
same "the rightmost untrusted address is" "$(xff '198.51.100.9, 203.0.113.7')" 429
same "a trusted proxy on the right is skipped" "$(xff '203.0.113.7, 127.0.0.1')" 429
same "IPv6 spelled two ways is one client" "$(xff '2001:db8::1')" 200
same "no X-Forwarded-For: the proxy itself" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 200
# 300 slow connections of one client leave the others served (issue 12 §3)
release
hold 2 '2001:db8:0:0::1'
same "IPv6 client held" "$(xff '2001:db8::1')" 429
same "other IPv6 client" "$(xff '2001:db8::2')" 200
release
same "released: the client is served again" "$(xff 203.0.113.7)" 200
same "released: the IPv6 client too" "$(xff '2001:db8::1')" 200
kill "$SPID"; wait "$SPID" 2>/dev/null

# ---- issue 12's case: 300 slow requests of one client behind the proxy, the
# default limit (256): every other user is still served
start_server "$T/s3.log" --db "$DB" --trust-proxy 127.0.0.1
hold 300 203.0.113.7
ok_others=0
for i in $(seq 1 20); do [ "$(xff "198.51.100.$i")" = 200 ] && ok_others=$((ok_others + 1)); done
same "20 other users behind the proxy while one holds 300 requests" "$ok_others" 20
same "the one with 300 is refused" "$(xff 203.0.113.7)" 429
release
kill "$SPID"; wait "$SPID" 2>/dev/null

# ---- the peer is no trusted proxy: per socket address, X-Forwarded-For ignored --
start_server "$T/s2.log" --db "$DB" --trust-proxy 10.9.9.9 --per-ip 2
hold 2 203.0.113.7
same "a third connection from the same address" "$(xff 198.51.100.9)" 000
release
same "released" "$(xff 198.51.100.9)" 200
kill "$SPID"; wait "$SPID" 2>/dev/null

# ---- a bad --trust-proxy is refused at start ----------------------------------------
"$K" serve --db "$DB" --listen 127.0.0.1:0 --trust-proxy not-an-address >/dev/null 2>&1
same "--trust-proxy not-an-address" "$?" 2

api_done cli-api-proxy
