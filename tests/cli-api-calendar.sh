#!/usr/bin/env bash
# cli-api-calendar.sh -- GET /v1/cases/{id}/calendar.ics holds the upcoming
# and open duties, and overdue ones only while their course runs: none of a
# benefit that has ended, none met, late, exempt or lapsed. Parsed with
# python3-icalendar where installed (Debian: python3-icalendar), and always
# checked line by line (CRLF, folding, one UID per event). Exit 0 = pass.
set -u
if [ -z "${KT_WATCHDOG:-}" ]; then export KT_WATCHDOG=1; exec timeout 120 bash "$0" "$@"; fi
cd "$(dirname "$0")/.."
. tests/api-lib.sh
CASE=tests/data/calendar-ended-course.json # kontanthjælp 2023 (ended), dagpenge since 2024-03-04
DB=$T/kontakt.db
"$K" db init --db "$DB" >/dev/null 2>&1 || { echo "db init failed"; exit 1; }
TA=$(tok aarhus caseworker)
start_server "$T/server.log" --db "$DB" --today 2024-06-01

# the python with icalendar, if any (a pyenv python may lack Debian's module)
PYICAL=""
for py in python3 /usr/bin/python3; do
    if "$py" -c 'import icalendar' 2>/dev/null; then PYICAL=$py; break; fi
done
[ -n "$PYICAL" ] || echo "cli-api-calendar: python3-icalendar not installed; line checks only"

LAST="POST the case"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$CASE"; expect 201 application/json
cp "$T/body" "$T/case.json"

LAST="GET calendar.ics"
req GET /v1/cases/cal-1/calendar.ics -H "$(AU "$TA")"; expect 200 text/calendar
cp "$T/body" "$T/cal.ics"

# check_ics ICS CASE-JSON: the events are exactly the plan's obligations with
# a deadline that are open, or overdue in a course that runs on as_of (here:
# not the kontanthjælp course, which ended 2023-06-30).
check_ics() {
    python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys, datetime
ics = open(sys.argv[1], "rb").read()
plan = json.load(open(sys.argv[2]))["plan"]
ended = {o["course"] for o in plan["obligations"] if o["benefit"] == "kontanthjaelp"}
want = [o for o in plan["obligations"] if o["window"].get("to") and
        (o["status"] == "open" or (o["status"] == "overdue" and o["course"] not in ended))]
def bad(m):
    print("calendar:", m); sys.exit(1)
if not ics.endswith(b"\r\n") or b"\n" in ics.replace(b"\r\n", b""): bad("not CRLF throughout")
lines = ics[:-2].split(b"\r\n")
if any(len(l) > 75 for l in lines): bad("a line over 75 octets")
u = []
for l in lines:
    if l.startswith(b" "): u[-1] += l[1:]
    else: u.append(l)
u = [l.decode("utf-8") for l in u]
if u[0] != "BEGIN:VCALENDAR" or u[-1] != "END:VCALENDAR" or "VERSION:2.0" not in u: bad("frame")
events = u.count("BEGIN:VEVENT")
if events != u.count("END:VEVENT"): bad("BEGIN/END:VEVENT")
if events != len(want): bad(f"{events} events, expected {len(want)}: {[o['rule'] for o in want]}")
uids = [l for l in u if l.startswith("UID:")]
if len(uids) != events or len(set(uids)) != events: bad("UIDs")
starts = sorted(l.split(":")[1] for l in u if l.startswith("DTSTART;VALUE=DATE:"))
if starts != sorted(o["window"]["to"].replace("-", "") for o in want): bad(f"DTSTART {starts}")
if any(s < "20240101" for s in starts): bad(f"a deadline of the ended course: {starts}")
over = sum(1 for l in u if l.startswith("SUMMARY:Overskredet frist"))
if over != sum(o["status"] == "overdue" for o in want): bad("overdue summaries")
if sys.argv[3] == "empty" and events: bad("expected no events")
PY
}
LAST="calendar: open, and overdue only of the running course"
if check_ics "$T/cal.ics" "$T/case.json"; then ok; else bad "$LAST"; fi
LAST="the case has overdue duties of the ended course (what must be left out)"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["plan"]["obligations"]; sys.exit(0 if any(o["status"]=="overdue" and o["benefit"]=="kontanthjaelp" for o in p) and any(o["status"]=="overdue" and o["benefit"]=="dagpenge" for o in p) else 1)' "$T/case.json" && ok || bad "$LAST"

if [ -n "$PYICAL" ]; then
    LAST="calendar: python3-icalendar"
    if "$PYICAL" - "$T/cal.ics" <<'PY'
import sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
ev = [c for c in cal.walk() if c.name == "VEVENT"]
today = datetime.date(2024, 6, 1)
assert len(ev) == 5, len(ev)
for e in ev:
    d0, d1 = e.decoded("DTSTART"), e.decoded("DTEND")
    assert isinstance(d0, datetime.date) and not isinstance(d0, datetime.datetime), d0
    assert d1 - d0 == datetime.timedelta(days=1), (d0, d1)
    # nothing older than the running course (dagpenge from 2024-03-04)
    assert d0 >= datetime.date(2024, 3, 4), d0
    s = str(e["SUMMARY"])
    assert (d0 < today) == s.startswith("Overskredet frist"), (d0, s)
    assert str(e["UID"]).endswith("@kontakt")
assert len({str(e["UID"]) for e in ev}) == len(ev)
PY
    then ok; else bad "$LAST"; fi
fi

LAST="a case whose only benefit has ended: a valid, empty calendar"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="cal-2"; d["benefits"]=d["benefits"][:1]; d["conversations"]=[]; print(json.dumps(d))' "$CASE" >"$T/ended.json"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$T/ended.json"; expect 201
cp "$T/body" "$T/case2.json"
req GET /v1/cases/cal-2/calendar.ics -H "$(AU "$TA")"; expect 200 text/calendar
if check_ics "$T/body" "$T/case2.json" empty; then ok; else bad "$LAST"; fi
if [ -n "$PYICAL" ]; then
    "$PYICAL" -c 'import sys,icalendar; c=icalendar.Calendar.from_ical(open(sys.argv[1],"rb").read()); sys.exit(0 if not [e for e in c.walk() if e.name=="VEVENT"] else 1)' "$T/body" && ok || bad "$LAST (icalendar)"
fi

LAST="after the day the course ends, its overdue duties leave the calendar"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["id"]="cal-3"; d["benefits"][1]["to"]="2024-05-31"; print(json.dumps(d))' "$CASE" >"$T/dp-ended.json"
req POST /v1/cases "${JSONH[@]}" -H "$(AU "$TA")" --data-binary @"$T/dp-ended.json"; expect 201
cp "$T/body" "$T/case3.json"
req GET /v1/cases/cal-3/calendar.ics -H "$(AU "$TA")"; expect 200 text/calendar
n=$(grep -c '^BEGIN:VEVENT' "$T/body")
want=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["plan"]["obligations"]; print(sum(o["status"]=="open" and bool(o["window"].get("to")) for o in p), sum(o["status"]=="overdue" for o in p))' "$T/case3.json")
if [ "$n" = "${want% *}" ] && [ "${want#* }" -gt 0 ]; then ok; else bad "$LAST: $n events; open and overdue in the plan: $want"; fi

kill -TERM "$SPID"; wait "$SPID"
api_done cli-api-calendar
