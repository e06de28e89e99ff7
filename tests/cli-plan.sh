#!/usr/bin/env bash
# cli-plan.sh -- the kontakt command line: plan, --ndjson, --format text,
# explain, rules, version, --help. Exit statuses as cli/main.c and
# cli/cmd_plan.c document them: 0 success, 2 invalid input, 1 other failure.
# Expected values come from spec/ (see the comments), not from the program.
set -eu

BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
K="$BUILD/kontakt"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/data"

fail() {
    echo "cli-plan.sh: $*" >&2
    exit 1
}

[ -x "$K" ] || fail "$K not built"
command -v python3 >/dev/null || fail "python3 is needed to read JSON"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run CMD...: sets $rc, stdout in $TMP/out, stderr in $TMP/err (set -e safe)
run() {
    rc=0
    "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
}

# json EXPR FILE: evaluates a Python expression over the JSON document `d`
json() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$2"
}

# ---- a valid golden case: exit 0, a plan with the case's id ----------------------------
golden="$SHARED/cases/p01-kh-jobparat-g2020.json"
[ -f "$golden" ] || fail "golden case $golden not found (set SHARED)"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["case"], open(sys.argv[2],"w"))' \
    "$golden" "$TMP/p01.json"
run "$K" plan "$TMP/p01.json"
[ "$rc" -eq 0 ] || fail "plan of a valid golden case exited $rc: $(cat "$TMP/err")"
[ "$(json 'd["id"]' "$TMP/out")" = "p01" ] || fail "plan of p01 does not carry id p01"
# p01 expects kh.first [2022-01-05, 2022-01-12] met on 2022-01-11
got=$(json '[(o["window"]["to"], o["status"]) for o in d["obligations"] if o["rule"] == "kh.first"]' "$TMP/out")
[ "$got" = "[('2022-01-12', 'met')]" ] || fail "p01 kh.first: got $got"

# the same case from stdin
run "$K" plan - <"$TMP/p01.json"
[ "$rc" -eq 0 ] || fail "plan - (stdin) exited $rc"
[ "$(json 'd["id"]' "$TMP/out")" = "p01" ] || fail "plan - printed no plan for p01"

# ---- an invalid golden case: exit 2, the pointer on stderr -------------------------------
inval="$SHARED/cases/invalid/i02-bad-conversation-date.json"
[ -f "$inval" ] || fail "invalid golden case $inval not found"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["case"], open(sys.argv[2],"w"), indent=2)' \
    "$inval" "$TMP/i02.json"
run "$K" plan "$TMP/i02.json"
[ "$rc" -eq 2 ] || fail "plan of an invalid case exited $rc, want 2"
grep -q '/conversations/0/date' "$TMP/err" || fail "stderr does not name /conversations/0/date: $(cat "$TMP/err")"
# stdout: the problems as JSON (cmd_plan.c's help)
[ "$(json 'd["error"]' "$TMP/out")" = "invalid_case" ] || fail "no invalid_case record on stdout"
[ "$(json 'd["problems"][0]["pointer"]' "$TMP/out")" = "/conversations/0/date" ] ||
    fail "problem record does not name /conversations/0/date"
# written with indent=2, the date value stands on a line > 1: stderr says FILE:LINE:COL
grep -Eq "i02.json:[0-9]+:[0-9]+: /conversations/0/date" "$TMP/err" ||
    fail "stderr lacks FILE:LINE:COL before the pointer: $(cat "$TMP/err")"
line=$(json 'd["problems"][0]["line"]' "$TMP/out")
[ "$line" -gt 1 ] || fail "problem line $line, want the line of the conversation date"

# a file that does not exist: other failure
run "$K" plan "$TMP/no-such-file.json"
[ "$rc" -eq 1 ] || fail "plan of a missing file exited $rc, want 1"

# ---- --ndjson: 3 lines, the middle one broken ------------------------------------------
run "$K" plan --ndjson "$DATA/three.ndjson"
[ "$rc" -eq 2 ] || fail "plan --ndjson with a bad line exited $rc, want 2 (cmd_plan.c: exit 2 at the end)"
n=$(wc -l <"$TMP/out")
[ "$n" -eq 3 ] || fail "plan --ndjson printed $n lines, want 3"
sed -n 1p "$TMP/out" >"$TMP/l1"
sed -n 2p "$TMP/out" >"$TMP/l2"
sed -n 3p "$TMP/out" >"$TMP/l3"
[ "$(json 'd["id"]' "$TMP/l1")" = "nd-1" ] || fail "ndjson line 1 is not the plan of nd-1"
[ "$(json 'd["line"]' "$TMP/l2")" = "2" ] || fail "ndjson line 2 is not an error record for line 2"
[ "$(json 'd["error"]' "$TMP/l2")" = "invalid_case" ] || fail "ndjson line 2: error is not invalid_case"
[ "$(json 'len(d["problems"]) >= 1' "$TMP/l2")" = "True" ] || fail "ndjson line 2: no problems"
[ "$(json 'd["id"]' "$TMP/l3")" = "nd-3" ] || fail "ndjson line 3 is not the plan of nd-3"
grep -q ':2:' "$TMP/err" || fail "ndjson stderr does not name line 2: $(cat "$TMP/err")"
# all lines valid: exit 0
sed -n '1p;3p' "$DATA/three.ndjson" >"$TMP/two.ndjson"
run "$K" plan --ndjson "$TMP/two.ndjson"
[ "$rc" -eq 0 ] || fail "plan --ndjson of valid lines exited $rc"
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "plan --ndjson of 2 valid lines did not print 2 lines"

# ---- --format text: a table ---------------------------------------------------------------
# the worked example of conventions.md: all.four_in_six ends 2022-03-04
run "$K" plan --format text "$DATA/kh-clock.json"
[ "$rc" -eq 0 ] || fail "plan --format text exited $rc"
head -c1 "$TMP/out" | grep -q '{' && fail "plan --format text printed JSON"
grep -Eq '^kh\.first +g2020 +2021-05-03\.\.2021-05-10' "$TMP/out" || fail "text table lacks the kh.first row"
grep -Eq '^all\.four_in_six +g2020 +2021-05-03\.\.2022-03-04' "$TMP/out" ||
    fail "text table lacks all.four_in_six 2021-05-03..2022-03-04"
[ "$(grep -c '^[a-z]*\.[a-z_0-9]* ' "$TMP/out")" -ge 4 ] || fail "text table has fewer than 4 rows"
run "$K" plan --format yaml "$DATA/kh-clock.json"
[ "$rc" -eq 2 ] || fail "plan --format yaml exited $rc, want 2"

# ---- options: --as-of, --generation --------------------------------------------------------
# as of 2021-05-04 the conversation of 05-05 is not known: kh.first open
run "$K" plan --as-of 2021-05-04 "$DATA/kh-clock.json"
[ "$rc" -eq 0 ] || fail "plan --as-of exited $rc"
[ "$(json 'd["as_of"]' "$TMP/out")" = "2021-05-04" ] || fail "--as-of not applied"
got=$(json '[o["status"] for o in d["obligations"] if o["rule"] == "kh.first"]' "$TMP/out")
[ "$got" = "['open']" ] || fail "kh.first as of 2021-05-04: got $got, want open"
# with g2020 moved after S = 2021-05-03, S falls in g2015
run "$K" plan --generation g2020=2021-06-01 "$DATA/kh-clock.json"
[ "$rc" -eq 0 ] || fail "plan --generation exited $rc"
got=$(json '[o["generation"] for o in d["obligations"] if o["rule"] == "kh.first"]' "$TMP/out")
[ "$got" = "['g2015']" ] || fail "kh.first with g2020=2021-06-01: got $got, want g2015"
run "$K" plan --generation g2099=2024-01-01 "$DATA/kh-clock.json"
[ "$rc" -eq 2 ] || fail "plan --generation g2099=... exited $rc, want 2"
run "$K" plan --generation g2024=2024-13-01 "$DATA/kh-clock.json"
[ "$rc" -eq 2 ] || fail "plan --generation with a bad date exited $rc, want 2"

# ---- explain ------------------------------------------------------------------------------
run "$K" explain "$DATA/kh-clock.json"
[ "$rc" -eq 0 ] || fail "explain exited $rc"
grep -q 'all.four_in_six' "$TMP/out" || fail "explain does not mention all.four_in_six"
grep -q '2022-03-04' "$TMP/out" || fail "explain does not give the moved end 2022-03-04"
grep -q '2021-06-01' "$TMP/out" || fail "explain does not name the stopped clock from 2021-06-01"
run "$K" explain "$TMP/i02.json"
[ "$rc" -eq 2 ] || fail "explain of an invalid case exited $rc, want 2"

# ---- rules --------------------------------------------------------------------------------
# on 2024-06-01 g2024 is in force: dp.a_kasse_first (g2024), all.four_in_six
# (g2020 on); not kh.extra (g2014-g2015) nor dp.cv_samtale (g2015-g2023)
run "$K" rules --on 2024-06-01
[ "$rc" -eq 0 ] || fail "rules --on 2024-06-01 exited $rc"
gens=$(json '[g["name"] for g in d["generations"]]' "$TMP/out")
[ "$gens" = "['g2024']" ] || fail "rules --on 2024-06-01 gives generations $gens, want ['g2024']"
ids=$(json '" ".join(r["id"] for g in d["generations"] for r in g["rules"])' "$TMP/out")
for want in kh.first dp.a_kasse_first dp.a_kasse dp.jobcenter all.four_in_six; do
    case " $ids " in *" $want "*) ;; *) fail "rules --on 2024-06-01 lacks $want" ;; esac
done
for not in kh.extra dp.cv_samtale dp.monthly dp.faelles_3_6; do
    case " $ids " in *" $not "*) fail "rules --on 2024-06-01 lists $not" ;; esac
done
run "$K" rules --on 2016-01-01 --format text
[ "$rc" -eq 0 ] || fail "rules --on 2016-01-01 --format text exited $rc"
grep -q 'dp.monthly' "$TMP/out" || fail "rules on 2016-01-01 (g2015) lacks dp.monthly"
grep -q 'all.four_in_six' "$TMP/out" && fail "rules on 2016-01-01 (g2015) lists all.four_in_six"
run "$K" rules
[ "$rc" -eq 0 ] || fail "rules exited $rc"
[ "$(json 'len(d["generations"])' "$TMP/out")" -eq 8 ] || fail "rules does not list the 8 generations"
# the law in force on 2026-12-01: g2026, with its provisional and quota marks
run "$K" rules --on 2026-12-01
[ "$rc" -eq 0 ] || fail "rules --on 2026-12-01 exited $rc"
[ "$(json 'd["generations"][0]["name"]' "$TMP/out")" = g2026 ] || fail "rules --on 2026-12-01 is not g2026"
[ "$(json '[r["quota"]["holder"] for r in d["generations"][0]["rules"] if r["id"]=="dp.a_kasse_75"][0]' "$TMP/out")" = a_kasse ] \
    || fail "rules --on 2026-12-01: dp.a_kasse_75 without its quota"
[ "$(json '[r.get("provisional", False) for r in d["generations"][0]["rules"] if r["id"]=="kh.first"][0]' "$TMP/out")" = True ] \
    || fail "rules --on 2026-12-01: kh.first not provisional"
run "$K" rules --on 2026-12-01 --format text
grep -q 'all.four_in_six_75.*75 %-regel (jobcenter), foreløbig' "$TMP/out" || fail "rules text lacks the marks"
run "$K" rules --on 2024-02-30
[ "$rc" -eq 2 ] || fail "rules --on 2024-02-30 exited $rc, want 2"

# ---- version and --help ---------------------------------------------------------------------
run "$K" version
[ "$rc" -eq 0 ] || fail "version exited $rc"
grep -Eq '^kontakt [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "version prints no version: $(cat "$TMP/out")"
for cmd in plan explain rules version; do
    run "$K" "$cmd" --help
    [ "$rc" -eq 0 ] || fail "$cmd --help exited $rc"
    grep -q "usage: kontakt $cmd" "$TMP/out" || fail "$cmd --help prints no usage"
done
run "$K" --help
[ "$rc" -eq 0 ] || fail "--help exited $rc"
run "$K"
[ "$rc" -eq 2 ] || fail "kontakt without a command exited $rc, want 2"
run "$K" frobnicate
[ "$rc" -eq 2 ] || fail "an unknown command exited $rc, want 2"
run "$K" plan
[ "$rc" -eq 2 ] || fail "plan without FILE exited $rc, want 2"

exit 0
