#!/bin/sh
# setup.sh -- installs the Debian 12 packages kontakt builds with, and builds it.
# Run as root, or as a user with sudo. Safe to run again.
set -e
cd "$(dirname "$0")"
PKGS="build-essential python3 libjansson-dev libcmocka-dev libsqlite3-dev libmicrohttpd-dev nettle-dev sqlite3 curl python3-icalendar postgresql libpq-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
make -j"$(nproc)" >/dev/null
echo "setup: built build/kontakt"
