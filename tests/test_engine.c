/* test_engine.c -- the engine through the public API: the benefit clock, rule
 * shapes of every generation, contact forms, statuses, generation overrides.
 *
 * Every expected value was derived by hand from ../shared/spec (rules.md,
 * conventions.md); the derivation stands in a comment beside each case.
 * Cases are written with ' for " to keep them readable (no value below
 * contains an apostrophe). */
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------ */

static char *unquote(const char *q) {
    size_t n = strlen(q);
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++) s[i] = q[i] == '\'' ? '"' : q[i];
    return s;
}

static kt_case *parse_q(const char *q) {
    char *s = unquote(q);
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int rc = kt_case_parse(s, strlen(s), &c, &pr);
    if (rc != KT_OK && pr) {
        for (size_t i = 0; i < kt_problems_count(pr); i++) {
            kt_problem p;
            kt_problems_get(pr, i, &p);
            print_error("problem %s: %s\n", p.pointer, p.message);
        }
    }
    kt_problems_free(pr);
    free(s);
    assert_int_equal(rc, KT_OK);
    assert_non_null(c);
    return c;
}

static int to_stderr(void *ctx, const char *data, size_t len) {
    (void)ctx;
    fwrite(data, 1, len, stderr);
    return 0;
}

static void dump(const kt_plan *p) {
    kt_plan_write_json(p, to_stderr, NULL);
    fputc('\n', stderr);
}

static kt_plan *plan_with(const kt_engine *e, const char *q, const kt_plan_options *o) {
    kt_case *c = parse_q(q);
    kt_plan_options def;
    kt_plan_options_init(&def);
    kt_plan *p = NULL;
    int rc = kt_plan_compute(e, c, o ? o : &def, &p);
    kt_case_free(c); /* the plan does not refer to the case */
    assert_int_equal(rc, KT_OK);
    assert_non_null(p);
    return p;
}

/* Each test gets its own engine with default generation days. */
static int setup_engine(void **state) {
    kt_engine *e = NULL;
    if (kt_engine_new(&e) != KT_OK) return -1;
    *state = e;
    return 0;
}

static int teardown_engine(void **state) {
    kt_engine_free(*state);
    return 0;
}

static kt_plan *plan_q(void **state, const char *q) { return plan_with(*state, q, NULL); }

/* The index of the nth (0-based, plan order) obligation of `rule`, or -1. */
static int find_ob(const kt_plan *p, const char *rule, int nth, kt_obligation *out) {
    for (size_t i = 0; i < kt_plan_count(p); i++) {
        kt_obligation o;
        kt_plan_get(p, i, &o);
        if (strcmp(o.rule, rule) == 0 && nth-- == 0) {
            if (out) *out = o;
            return (int)i;
        }
    }
    return -1;
}

static int count_rule(const kt_plan *p, const char *rule) {
    int n = 0;
    for (size_t i = 0; i < kt_plan_count(p); i++) {
        kt_obligation o;
        kt_plan_get(p, i, &o);
        n += strcmp(o.rule, rule) == 0;
    }
    return n;
}

static const char *fmt(kt_date d, char b[11]) {
    if (d == KT_NO_DATE) return "null";
    kt_date_format(d, b);
    return b;
}

static kt_date opt_date(const char *s) { return s ? D(s) : KT_NO_DATE; }

/* Checks the nth obligation of `rule`: window, status, met_on (NULL = none,
 * and for `to` NULL = open end). Fails naming the caller's line and dumps the
 * plan. Returns the obligation for further checks. */
static kt_obligation expect_ob_at(int line, const kt_plan *p, const char *rule, int nth,
                                  const char *from, const char *to, kt_ob_status st,
                                  const char *met_on) {
    kt_obligation o;
    memset(&o, 0, sizeof o);
    if (find_ob(p, rule, nth, &o) < 0) {
        dump(p);
        fail_msg("line %d: no obligation %s #%d", line, rule, nth);
    }
    char b1[11], b2[11];
    if (from && o.from != D(from)) {
        dump(p);
        fail_msg("line %d: %s #%d: from %s, want %s", line, rule, nth, fmt(o.from, b1), from);
    }
    if (o.to != opt_date(to)) {
        dump(p);
        fail_msg("line %d: %s #%d: to %s, want %s", line, rule, nth, fmt(o.to, b1),
                 to ? to : "null");
    }
    if (o.status != st) {
        dump(p);
        fail_msg("line %d: %s #%d: status %s, want %s", line, rule, nth, kt_ob_status_name(o.status),
                 kt_ob_status_name(st));
    }
    if (o.met_on != opt_date(met_on)) {
        dump(p);
        fail_msg("line %d: %s #%d: met_on %s, want %s", line, rule, nth, fmt(o.met_on, b2),
                 met_on ? met_on : "none");
    }
    return o;
}
#define EXPECT_OB(p, rule, nth, from, to, st, met_on)                                              \
    expect_ob_at(__LINE__, (p), (rule), (nth), (from), (to), (st), (met_on))

#define EXPECT_COUNTS(o, req, cnt)                                                                 \
    do {                                                                                           \
        assert_int_equal((o).required, (req));                                                     \
        assert_int_equal((o).counted, (cnt));                                                      \
    } while (0)

/* Is there a warning about the input element `pointer`? */
static int warned_about(const kt_plan *p, const char *pointer) {
    for (size_t i = 0; i < kt_plan_warning_count(p); i++) {
        const char *code, *msg, *ptr;
        kt_plan_warning(p, i, &code, &msg, &ptr);
        assert_non_null(code);
        assert_non_null(msg);
        assert_non_null(ptr);
        if (strcmp(ptr, pointer) == 0) {
            assert_true(code[0] != '\0');
            assert_true(msg[0] != '\0');
            return 1;
        }
    }
    return 0;
}

/* ---- the benefit clock ------------------------------------------------------------ */

/* conventions.md's worked example: S = 2021-05-03, exempt 2021-06-01 ..
 * 2021-09-30 (here: leave, exempt.barsel, "g2020 on: everyone"); "the first 6
 * months": L = addMonths(S,6) - S = 2021-11-03 - 2021-05-03 = 184 days; 29 run
 * in May, June-September (122 days) stop the clock, the remaining 155 run from
 * 2021-10-01 (Oct 31 + Nov 30 + Dec 31 + Jan 31 + Feb 28 = 151, + 4) to
 * 2022-03-04. S is in g2020 (2020-01-01 .. 2023-03-21). */
static const char clock_case_barsel[] =
    "{'id':'clock-1','as_of':'2021-10-15',"
    " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
    " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','first_inquiry':'2021-05-03',"
    "   'categories':[{'from':'2021-05-03','category':'jobparat'}]}],"
    " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'}],"
    " 'events':[{'type':'barsel','from':'2021-06-01','to':'2021-09-30'}]}";

static void test_clock_worked_example(void **state) {
    kt_plan *p = plan_q(state, clock_case_barsel);
    /* kh.first [S, S+7] = [2021-05-03, 2021-05-10]: no stopped day in it */
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2021-05-03", "2021-05-10", KT_MET, "2021-05-05");
    assert_string_equal(o.generation, "g2020");
    assert_string_equal(o.kind, "samtale");
    assert_string_equal(o.benefit, "kontanthjaelp");
    /* all.four_in_six: the example's window; 1 of 4 held, deadline after as_of */
    o = EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", "2022-03-04", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 1);
    assert_string_equal(o.generation, "g2020");
    /* kh.vejledning_225 has the same window [S, addMonths(S,6)-1] on benefit time */
    o = EXPECT_OB(p, "kh.vejledning_225", 0, "2021-05-03", "2022-03-04", KT_OPEN, NULL);
    assert_string_equal(o.kind, "vejledning");
    /* kh.barsel: [addMonths(2021-09-30,-3), 2021-09-30] = [2021-06-30, 2021-09-30],
     * no conversation with topic barsel_tilknytning, deadline before as_of */
    o = EXPECT_OB(p, "kh.barsel", 0, "2021-06-30", "2021-09-30", KT_OVERDUE, NULL);
    assert_string_equal(o.kind, "tilbud");
    /* all.cv (kh jobparat): [S, S+21] = [2021-05-03, 2021-05-24], no CV event */
    EXPECT_OB(p, "all.cv", 0, "2021-05-03", "2021-05-24", KT_OVERDUE, NULL);
    assert_int_equal(count_rule(p, "kh.first"), 1);
    assert_int_equal(kt_plan_as_of(p), D("2021-10-15"));
    assert_string_equal(kt_plan_id(p), "clock-1");
    kt_plan_free(p);
}

/* The same stop made by another exemption: fritaget pension_optjening
 * (exempt.pension_optjening, all generations, kontanthjælp) over the same days
 * gives the same window end, 2022-03-04. */
static void test_clock_fritaget(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'clock-2','as_of':'2021-10-15',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'},"
        "                  {'date':'2021-10-04','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'fritaget','reason':'pension_optjening','from':'2021-06-01',"
        "            'to':'2021-09-30'}]}");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", "2022-03-04", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    kt_plan_free(p);
}

/* Two kontanthjælp periods with a gap of 19 days (2021-06-01 .. 06-19) < 31:
 * one course, no second kh.first; the gap stops the clock: L = 184, 29 days in
 * May, then 155 from 2021-06-20: June 11 (144 left), Jul 31 (113), Aug 31 (82),
 * Sep 30 (52), Oct 31 (21), Nov 21 -> 2021-11-21 (= 2021-11-02 + 19). */
static void test_clock_short_gap_same_course(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'gap-1','as_of':'2021-08-02',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','to':'2021-05-31',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]},"
        "  {'benefit':'kontanthjaelp','from':'2021-06-20',"
        "   'categories':[{'from':'2021-06-20','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'},"
        "                  {'date':'2021-06-22','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    assert_int_equal(count_rule(p, "kh.first"), 1);
    assert_int_equal(count_rule(p, "all.four_in_six"), 1);
    EXPECT_OB(p, "kh.first", 0, "2021-05-03", "2021-05-10", KT_MET, "2021-05-05");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", "2021-11-21", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    kt_plan_free(p);
}

/* A gap of 92 days (2021-06-01 .. 2021-08-31) >= 31: a new course from
 * 2021-09-01 (S = from, as no first_inquiry is given) with its own kh.first
 * [2021-09-01, 2021-09-08] and all.four_in_six [2021-09-01, 2022-02-28]
 * (addMonths(2021-09-01, 6) = 2022-03-01, - 1 day).
 * The first course ended 2021-05-31: its days after that are not stopped, so
 * its four_in_six window ends unstopped, 2021-11-02, after the course's end and
 * unmet (1 of 4): lapsed. */
static void test_new_course_after_long_gap_and_lapsed(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'gap-2','as_of':'2021-10-01',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','to':'2021-05-31',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]},"
        "  {'benefit':'kontanthjaelp','from':'2021-09-01',"
        "   'categories':[{'from':'2021-09-01','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'},"
        "                  {'date':'2021-09-06','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    assert_int_equal(count_rule(p, "kh.first"), 2);
    assert_int_equal(count_rule(p, "all.four_in_six"), 2);
    kt_obligation a, b;
    assert_true(find_ob(p, "kh.first", 0, &a) >= 0);
    assert_true(find_ob(p, "kh.first", 1, &b) >= 0);
    int first_is_old = a.from == D("2021-05-03");
    EXPECT_OB(p, "kh.first", first_is_old ? 0 : 1, "2021-05-03", "2021-05-10", KT_MET, "2021-05-05");
    EXPECT_OB(p, "kh.first", first_is_old ? 1 : 0, "2021-09-01", "2021-09-08", KT_MET, "2021-09-06");
    assert_true(a.course != b.course);
    assert_true(find_ob(p, "all.four_in_six", 0, &a) >= 0);
    first_is_old = a.from == D("2021-05-03");
    kt_obligation o =
        EXPECT_OB(p, "all.four_in_six", first_is_old ? 0 : 1, "2021-05-03", "2021-11-02", KT_LAPSED, NULL);
    EXPECT_COUNTS(o, 4, 1);
    o = EXPECT_OB(p, "all.four_in_six", first_is_old ? 1 : 0, "2021-09-01", "2022-02-28", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 1);
    kt_plan_free(p);
}

/* An exemption with no end that holds on as_of (fritaget mindre_intensiv,
 * g2020 on) stops the clock for good: window.to null; kind samtale -> exempt
 * (naming the rule), any other kind -> open. kh.first's deadline 2021-05-10 is
 * before the exemption and was met. */
static void test_open_ended_exemption(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'exempt-1','as_of':'2021-10-15',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','first_inquiry':'2021-05-03',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'fritaget','reason':'mindre_intensiv','from':'2021-06-01'}]}");
    EXPECT_OB(p, "kh.first", 0, "2021-05-03", "2021-05-10", KT_MET, "2021-05-05");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", NULL, KT_EXEMPT, NULL);
    assert_non_null(o.exempt_reason);
    assert_string_equal(o.exempt_reason, "exempt.mindre_intensiv");
    o = EXPECT_OB(p, "kh.vejledning_225", 0, "2021-05-03", NULL, KT_OPEN, NULL);
    assert_null(o.exempt_reason);
    kt_plan_free(p);
}

/* An ongoing leave (barsel without `to`): exempt.barsel (g2020 on: everyone)
 * holds on as_of, so all.four_in_six is exempt with window.to null; kh.barsel
 * for a leave with no end is [leave start, null], open. S = 2024-02-05: g2024. */
static void test_open_ended_barsel(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'barsel-open','as_of':'2024-06-01',"
        " 'person':{'birth_date':'1990-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2024-02-05',"
        "   'categories':[{'from':'2024-02-05','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2024-02-07','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'barsel','from':'2024-05-01'}]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2024-02-05", "2024-02-12", KT_MET, "2024-02-07");
    assert_string_equal(o.generation, "g2024");
    o = EXPECT_OB(p, "all.four_in_six", 0, "2024-02-05", NULL, KT_EXEMPT, NULL);
    assert_string_equal(o.exempt_reason, "exempt.barsel");
    o = EXPECT_OB(p, "kh.barsel", 0, "2024-05-01", NULL, KT_OPEN, NULL);
    assert_string_equal(o.kind, "tilbud");
    kt_plan_free(p);
}

/* ---- g2014: kontanthjælp jobparat ------------------------------------------------ */

/* S = 2014-09-01 (g2014, 2014-01-01 .. 2015-06-30), kh jobparat, 34 years old
 * with vocational education (so no kh.test_tilbud).
 * - kh.first [S, S+7] = [2014-09-01, 2014-09-08], met 2014-09-03.
 * - kh.extra: 2 after the first in [S, addMonths(S,3)-1] = [2014-09-01,
 *   2014-11-30]: 10-01 and 11-05 -> met 2014-11-05.
 * - kh.ongoing: 4 in each 12-month window from S, those counted by first/extra
 *   excluded. Window 1 [2014-09-01, 2015-08-31] opens in g2014: 2015-01-10 and
 *   2015-03-10 count; the telephone conversation of 2014-12-01 does not (g2014
 *   form rule: in person, no tilbud/jobstart/... event), nor the no-show of
 *   2015-02-10 (held false): 2 of 4, open. Window 2 [2015-09-01, 2016-08-31]
 *   opens 2015-09-01 <= as_of + 180 = 2015-10-28, in g2015: open, 0 counted.
 * - all.cv (kh jobparat, not dp): [S, S+21] = [2014-09-01, 2014-09-22]; CV
 *   created 2014-09-25 -> late.
 * - the telephone conversation counted toward nothing: a warning about
 *   /conversations/5 (its index in the input, not in date order). */
static void test_g2014_kh_jobparat(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2014-kh','as_of':'2015-05-01',"
        " 'person':{'birth_date':'1980-02-02','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2014-09-01','first_inquiry':'2014-09-01',"
        "   'categories':[{'from':'2014-09-01','category':'jobparat'}]}],"
        " 'conversations':["
        "   {'date':'2014-09-03','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2014-10-01','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2014-11-05','holder':'anden_aktoer','form':'fremmoede'},"
        "   {'date':'2015-01-10','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2015-03-10','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2014-12-01','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2015-02-10','holder':'jobcenter','form':'fremmoede','held':false}],"
        " 'events':[{'type':'cv_oprettet','date':'2014-09-25'}]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2014-09-01", "2014-09-08", KT_MET, "2014-09-03");
    assert_string_equal(o.generation, "g2014");
    assert_true(o.holders & (1u << KT_HOLDER_JOBCENTER));
    assert_true(o.forms & (1u << KT_FORM_FREMMOEDE));
    assert_false(o.forms & (1u << KT_FORM_TELEFON));
    assert_false(o.forms & (1u << KT_FORM_UDEN_KONTAKT));
    o = EXPECT_OB(p, "kh.extra", 0, "2014-09-01", "2014-11-30", KT_MET, "2014-11-05");
    EXPECT_COUNTS(o, 2, 2);
    assert_string_equal(o.generation, "g2014");
    assert_int_equal(count_rule(p, "kh.ongoing"), 2);
    o = EXPECT_OB(p, "kh.ongoing", 0, "2014-09-01", "2015-08-31", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    assert_string_equal(o.generation, "g2014");
    o = EXPECT_OB(p, "kh.ongoing", 1, "2015-09-01", "2016-08-31", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 0);
    assert_string_equal(o.generation, "g2015");
    o = EXPECT_OB(p, "all.cv", 0, "2014-09-01", "2014-09-22", KT_LATE, "2014-09-25");
    assert_string_equal(o.kind, "cv");
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);    /* g2020 on */
    assert_int_equal(count_rule(p, "kh.vejledning_225"), 0);  /* g2020 on */
    assert_int_equal(count_rule(p, "kh.test_tilbud"), 0);     /* vocational education */
    assert_int_equal(count_rule(p, "kh.koordinerende"), 0);   /* not aktivitetsparat */
    assert_true(warned_about(p, "/conversations/5"));
    assert_false(warned_about(p, "/conversations/3"));
    kt_plan_free(p);
}

/* A "K in every 12 months" rule's windows each follow the generation in force
 * on their first day; where that generation has no such rule, the chain ends.
 * S = 2018-03-01 (g2015): kh.ongoing windows [2018-03-01, 2019-02-28] and
 * [2019-03-01, 2020-02-29] (g2015); the third would open 2020-03-01 in g2020,
 * which has no kh.ongoing: absent. Window 1 (after first 03-02 and extra 03-20,
 * 04-20 in [2018-03-01, 2018-05-31]): 06-15, 09-15, 12-15, 2019-02-15 -> met
 * on the 4th, 2019-02-15; 2019-02-20 is a 5th in window 1 and counts only there
 * (counted <= required). Window 2: 2019-06-01 only, 1 of 4, deadline
 * 2020-02-29 < as_of: overdue (never late). all.four_in_six follows the
 * generation on S (g2015): absent. */
static void test_twelve_month_chain_ends_at_g2020(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'kh-ongoing','as_of':'2020-06-01',"
        " 'person':{'birth_date':'1975-02-02','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2018-03-01',"
        "   'categories':[{'from':'2018-03-01','category':'jobparat'}]}],"
        " 'conversations':["
        "   {'date':'2018-03-02','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2018-03-20','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2018-04-20','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2018-06-15','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2018-09-15','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2018-12-15','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2019-02-15','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2019-02-20','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2019-06-01','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'cv_oprettet','date':'2018-03-05'}]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2018-03-01", "2018-03-08", KT_MET, "2018-03-02");
    assert_string_equal(o.generation, "g2015");
    o = EXPECT_OB(p, "kh.extra", 0, "2018-03-01", "2018-05-31", KT_MET, "2018-04-20");
    EXPECT_COUNTS(o, 2, 2);
    assert_int_equal(count_rule(p, "kh.ongoing"), 2);
    o = EXPECT_OB(p, "kh.ongoing", 0, "2018-03-01", "2019-02-28", KT_MET, "2019-02-15");
    EXPECT_COUNTS(o, 4, 4);
    assert_string_equal(o.generation, "g2015");
    o = EXPECT_OB(p, "kh.ongoing", 1, "2019-03-01", "2020-02-29", KT_OVERDUE, NULL);
    EXPECT_COUNTS(o, 4, 1);
    assert_string_equal(o.generation, "g2015");
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    EXPECT_OB(p, "all.cv", 0, "2018-03-01", "2018-03-22", KT_MET, "2018-03-05");
    kt_plan_free(p);
}

/* ---- g2015: dagpenge -------------------------------------------------------------- */

/* S = 2016-03-01 (g2015), 36 years old with youth education (no dp.test).
 * - dp.cv_samtale [S, S+14] = [2016-03-01, 2016-03-15], a_kasse: met 03-10.
 * - dp.first [S, S+42] = [2016-03-01, 2016-04-12], jointly: met 04-05.
 * - dp.monthly month 2 [addMonths(S,1), addMonths(S,2)-1] = [2016-04-01,
 *   2016-04-30]; 04-05 went to dp.first and does not count here; 2016-05-10
 *   is within 14 days' grace after 04-30 and goes to the earliest unmet month
 *   whose window with grace holds it: month 2, met on 05-10.
 *   Month 3 [2016-05-01, 2016-05-31]: nothing (05-10 counts for one month
 *   only); as_of 2016-06-10 is within the grace (to 06-14): open, not overdue.
 *   Month 4 [2016-06-01, 2016-06-30]: open.
 * - all.cv for dp with S before 2024: [S, S+14] = [2016-03-01, 2016-03-15];
 *   no cv_oprettet: overdue.
 * - dp.faelles_5_6 [addMonths(S,4), addMonths(S,6)-1] = [2016-07-01, 2016-08-31]:
 *   opens within the horizon, open. */
static void test_g2015_dagpenge(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2015-dp','as_of':'2016-06-10',"
        " 'person':{'birth_date':'1980-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2016-03-01'}],"
        " 'conversations':["
        "   {'date':'2016-03-10','holder':'a_kasse','form':'fremmoede'},"
        "   {'date':'2016-04-05','holder':'faelles','form':'fremmoede'},"
        "   {'date':'2016-05-10','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "dp.cv_samtale", 0, "2016-03-01", "2016-03-15", KT_MET, "2016-03-10");
    assert_string_equal(o.generation, "g2015");
    assert_true(o.holders & (1u << KT_HOLDER_A_KASSE));
    o = EXPECT_OB(p, "dp.first", 0, "2016-03-01", "2016-04-12", KT_MET, "2016-04-05");
    assert_string_equal(o.generation, "g2015");
    EXPECT_OB(p, "dp.monthly", 0, "2016-04-01", "2016-04-30", KT_MET, "2016-05-10");
    o = EXPECT_OB(p, "dp.monthly", 1, "2016-05-01", "2016-05-31", KT_OPEN, NULL);
    assert_int_equal(o.counted, 0);
    EXPECT_OB(p, "dp.monthly", 2, "2016-06-01", "2016-06-30", KT_OPEN, NULL);
    EXPECT_OB(p, "all.cv", 0, "2016-03-01", "2016-03-15", KT_OVERDUE, NULL);
    o = EXPECT_OB(p, "dp.faelles_5_6", 0, "2016-07-01", "2016-08-31", KT_OPEN, NULL);
    assert_true(o.holders & (1u << KT_HOLDER_FAELLES));
    assert_false(o.holders & (1u << KT_HOLDER_JOBCENTER));
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    assert_int_equal(count_rule(p, "dp.a_kasse_first"), 0);
    kt_plan_free(p);
}

/* ---- g2015: uddannelseshjælp, a recurring chain ---------------------------------- */

/* uh uddannelsesparat, S = 2016-02-01 (g2015), 20 years old, no youth education.
 * - uh.first [2016-02-01, 2016-02-08]: met 02-03.
 * - uh.extra: 2 after the first in [S, addMonths(S,3)-1] = [2016-02-01,
 *   2016-04-30]; uddannelsesparat: any form, so telefon 03-15 and brev 03-20
 *   count: met 03-20.
 * - uh.test [S, addMonths(S,1)] = [2016-02-01, 2016-03-01]: test 02-20, met.
 * - uh.ongoing, every 2 months, chain starting at the first conversation
 *   A = 02-03: occ1 [02-04, addMonths(02-03,2) = 04-03] met 03-15;
 *   occ2 [03-16, 05-15] met 03-20; occ3 [03-21, 05-20] unmet: 05-20 is within
 *   28 days before the leave of 2016-06-01 (exempt.barsel_snart, g2014-g2015,
 *   from 2016-05-04): exempt; occ4 [05-21, 07-20]: 07-20 inside the leave:
 *   exempt; occ5 [07-21, 09-20], occ6 [09-21, 11-20], occ7 [11-21,
 *   2017-01-20]: open; occ8 would open 2017-01-21 > as_of + 180 = 2016-12-12. */
static void test_g2015_uh_recurring_exempt(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2015-uh','as_of':'2016-06-15',"
        " 'person':{'birth_date':'1996-01-01','youth_education':false,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2016-02-01',"
        "   'categories':[{'from':'2016-02-01','category':'uddannelsesparat'}]}],"
        " 'conversations':["
        "   {'date':'2016-02-03','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2016-03-15','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2016-03-20','holder':'jobcenter','form':'brev'}],"
        " 'events':[{'type':'laese_skrive_regnetest','date':'2016-02-20'},"
        "           {'type':'barsel','from':'2016-06-01','to':'2016-08-31'}]}");
    kt_obligation o = EXPECT_OB(p, "uh.first", 0, "2016-02-01", "2016-02-08", KT_MET, "2016-02-03");
    assert_string_equal(o.generation, "g2015");
    o = EXPECT_OB(p, "uh.extra", 0, "2016-02-01", "2016-04-30", KT_MET, "2016-03-20");
    EXPECT_COUNTS(o, 2, 2);
    o = EXPECT_OB(p, "uh.test", 0, "2016-02-01", "2016-03-01", KT_MET, "2016-02-20");
    assert_string_equal(o.kind, "test");
    assert_int_equal(count_rule(p, "uh.ongoing"), 7);
    EXPECT_OB(p, "uh.ongoing", 0, "2016-02-04", "2016-04-03", KT_MET, "2016-03-15");
    EXPECT_OB(p, "uh.ongoing", 1, "2016-03-16", "2016-05-15", KT_MET, "2016-03-20");
    o = EXPECT_OB(p, "uh.ongoing", 2, "2016-03-21", "2016-05-20", KT_EXEMPT, NULL);
    assert_string_equal(o.exempt_reason, "exempt.barsel_snart");
    o = EXPECT_OB(p, "uh.ongoing", 3, "2016-05-21", "2016-07-20", KT_EXEMPT, NULL);
    assert_non_null(o.exempt_reason);
    EXPECT_OB(p, "uh.ongoing", 4, "2016-07-21", "2016-09-20", KT_OPEN, NULL);
    EXPECT_OB(p, "uh.ongoing", 5, "2016-09-21", "2016-11-20", KT_OPEN, NULL);
    EXPECT_OB(p, "uh.ongoing", 6, "2016-11-21", "2017-01-20", KT_OPEN, NULL);
    assert_int_equal(count_rule(p, "uh.koordinerende"), 0); /* not aktivitetsparat */
    assert_int_equal(count_rule(p, "all.cv"), 0);           /* uh: only aabenlyst */
    kt_plan_free(p);
}

/* ---- g2014/g2015: ledighedsydelse, a plain recurring chain ---------------------- */

/* ly.ongoing: recurring, at the latest every 3 months, from S = 2015-02-02.
 * occ1 [S, addMonths(S,3) = 2015-05-02] met 2015-04-01 (opens in g2014);
 * occ2 [04-02, addMonths(04-01,3) = 07-01] unmet, overdue (opens in g2014);
 * occ3 opens the day after occ2's due date: [07-02, addMonths(07-01,3) =
 * 10-01] (opens in g2015), open; occ4 [10-02, 2016-01-01]; occ5 [2016-01-02,
 * 2016-04-01] (opens <= as_of + 180 = 2016-01-28); no occ6. */
static void test_ly_recurring_generations(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'ly-1','as_of':'2015-08-01',"
        " 'person':{'birth_date':'1970-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'ledighedsydelse','from':'2015-02-02'}],"
        " 'conversations':[{'date':'2015-04-01','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'cv_oprettet','date':'2015-02-10'}]}");
    assert_int_equal(count_rule(p, "ly.ongoing"), 5);
    kt_obligation o = EXPECT_OB(p, "ly.ongoing", 0, "2015-02-02", "2015-05-02", KT_MET, "2015-04-01");
    assert_string_equal(o.generation, "g2014");
    o = EXPECT_OB(p, "ly.ongoing", 1, "2015-04-02", "2015-07-01", KT_OVERDUE, NULL);
    assert_string_equal(o.generation, "g2014");
    o = EXPECT_OB(p, "ly.ongoing", 2, "2015-07-02", "2015-10-01", KT_OPEN, NULL);
    assert_string_equal(o.generation, "g2015");
    EXPECT_OB(p, "ly.ongoing", 3, "2015-10-02", "2016-01-01", KT_OPEN, NULL);
    EXPECT_OB(p, "ly.ongoing", 4, "2016-01-02", "2016-04-01", KT_OPEN, NULL);
    /* all.cv for ly: [S, S+21] = [2015-02-02, 2015-02-23], CV 02-10 */
    EXPECT_OB(p, "all.cv", 0, "2015-02-02", "2015-02-23", KT_MET, "2015-02-10");
    kt_plan_free(p);
}

/* ---- g2020 --------------------------------------------------------------------------- */

/* uh uddannelsesparat, S = 2021-09-06 (g2020). Form rule g2014-g2020: any form
 * for uh uddannelsesparat ("fremmoede, telefon, digitalt or brev");
 * uden_kontakt only under stand-by (no alvorlig_sygdom here).
 * - uh.first [2021-09-06, 2021-09-13]: telefon 09-08 counts, met.
 * - all.four_in_six [S, addMonths(S,6)-1] = [2021-09-06, 2022-03-05]:
 *   09-08 (telefon) and 10-15 (brev) count, 11-20 (uden_kontakt) does not:
 *   2 of 4, open. The uden_kontakt conversation counted toward nothing.
 * - uh.test [S, addMonths(S,1)] = [2021-09-06, 2021-10-06]: no test, overdue.
 * - kh.vejledning_225 (kh, uh; g2020 on): [2021-09-06, 2022-03-05], open. */
static void test_g2020_uh_any_form(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2020-uh','as_of':'2021-12-01',"
        " 'person':{'birth_date':'2001-05-05','youth_education':false,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2021-09-06',"
        "   'categories':[{'from':'2021-09-06','category':'uddannelsesparat'}]}],"
        " 'conversations':["
        "   {'date':'2021-09-08','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2021-10-15','holder':'jobcenter','form':'brev'},"
        "   {'date':'2021-11-20','holder':'jobcenter','form':'uden_kontakt'}],"
        " 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "uh.first", 0, "2021-09-06", "2021-09-13", KT_MET, "2021-09-08");
    assert_string_equal(o.generation, "g2020");
    o = EXPECT_OB(p, "all.four_in_six", 0, "2021-09-06", "2022-03-05", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    assert_string_equal(o.generation, "g2020");
    assert_true(o.forms & (1u << KT_FORM_BREV));
    assert_true(o.forms & (1u << KT_FORM_TELEFON));
    assert_false(o.forms & (1u << KT_FORM_UDEN_KONTAKT));
    EXPECT_OB(p, "uh.test", 0, "2021-09-06", "2021-10-06", KT_OVERDUE, NULL);
    EXPECT_OB(p, "kh.vejledning_225", 0, "2021-09-06", "2022-03-05", KT_OPEN, NULL);
    assert_true(warned_about(p, "/conversations/2"));
    assert_int_equal(count_rule(p, "uh.ongoing"), 0); /* g2014-g2015 only */
    assert_int_equal(count_rule(p, "uh.extra"), 0);
    kt_plan_free(p);
}

/* kh jobparat, S = 2022-01-03 (g2020): in person only, but telefon also while
 * a jobstart within the next 6 weeks applies (rules.md contact forms, seed 001
 * §5: dp, kh and ly). The event's date is the first day of work
 * (docs/decisions.md), so the exception covers [date - 42, date] =
 * [2022-01-31, 2022-03-14]:
 * 2022-02-10 telefon, 32 days before the start -> counts;
 * 2022-03-14 telefon, on the start -> counts;
 * 2022-03-20 telefon, after the start, no exception -> counts toward nothing.
 * all.four_in_six [2022-01-03, addMonths(S,6)-1 = 2022-07-02]: 01-04, 02-10
 * and 03-14, 3 of 4, open. */
static void test_g2020_jobstart_allows_phone(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2020-jobstart','as_of':'2022-06-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-01-03',"
        "   'categories':[{'from':'2022-01-03','category':'jobparat'}]}],"
        " 'conversations':["
        "   {'date':'2022-01-04','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2022-02-10','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2022-03-14','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2022-03-20','holder':'jobcenter','form':'telefon'}],"
        " 'events':[{'type':'jobstart','date':'2022-03-14','what':'fuldtidsarbejde'}]}");
    EXPECT_OB(p, "kh.first", 0, "2022-01-03", "2022-01-10", KT_MET, "2022-01-04");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2022-01-03", "2022-07-02", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 3);
    assert_false(warned_about(p, "/conversations/1"));
    assert_false(warned_about(p, "/conversations/2"));
    assert_true(warned_about(p, "/conversations/3"));
    kt_plan_free(p);
}

/* Sygedagpenge, S = first_sick_day 2022-08-01 (g2020) although the benefit is
 * paid from 2022-08-15 (a course runs from S). sdp.first [S, S+55] =
 * [2022-08-01, 2022-09-25] (end of week 8); sdp.four_in_six [S,
 * addMonths(S,6)-1] = [2022-08-01, 2023-01-31].
 * (a) ongoing, no conversation, as_of 2022-10-01: sdp.first overdue,
 *     four_in_six open.
 * (b) the benefit ended 2022-09-10, before both deadlines, unmet: lapsed. */
static void test_g2020_sdp_overdue_and_lapsed(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'sdp-a','as_of':'2022-10-01',"
        " 'person':{'birth_date':'1970-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'sygedagpenge','from':'2022-08-15','first_sick_day':'2022-08-01'}],"
        " 'conversations':[],'events':[]}");
    kt_obligation o = EXPECT_OB(p, "sdp.first", 0, "2022-08-01", "2022-09-25", KT_OVERDUE, NULL);
    assert_string_equal(o.generation, "g2020");
    assert_string_equal(o.benefit, "sygedagpenge");
    o = EXPECT_OB(p, "sdp.four_in_six", 0, "2022-08-01", "2023-01-31", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 0);
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'sdp-b','as_of':'2022-10-01',"
               " 'person':{'birth_date':'1970-05-05','youth_education':true,'vocational_education':true},"
               " 'benefits':[{'benefit':'sygedagpenge','from':'2022-08-15','to':'2022-09-10',"
               "   'first_sick_day':'2022-08-01'}],"
               " 'conversations':[],'events':[]}");
    EXPECT_OB(p, "sdp.first", 0, "2022-08-01", "2022-09-25", KT_LAPSED, NULL);
    EXPECT_OB(p, "sdp.four_in_six", 0, "2022-08-01", "2023-01-31", KT_LAPSED, NULL);
    kt_plan_free(p);
}

/* Dagpenge begun 2023-10-02 (g2023, before 2024-01-01): the g2020 conversation
 * rules for the whole course. all.four_in_six [2023-10-02, 2024-04-01];
 * dp.faelles_3_6 [addMonths(S,3), addMonths(S,6)-1] = [2024-01-02, 2024-04-01],
 * joint only: the jobcentre's conversation of 2024-01-20 does not meet it
 * (though it counts toward the four); by as_of 2024-05-01 it is overdue.
 * dp.cv_samtale [S, S+14] = [2023-10-02, 2023-10-16]: a cv_samtale event on
 * 10-20 -> late. */
static void test_g2023_dagpenge_faelles(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2023-dp','as_of':'2024-05-01',"
        " 'person':{'birth_date':'1979-11-30','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2023-10-02'}],"
        " 'conversations':["
        "   {'date':'2023-10-05','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2023-11-28','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2024-01-20','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'cv_samtale','date':'2023-10-20'}]}");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2023-10-02", "2024-04-01", KT_OVERDUE, NULL);
    EXPECT_COUNTS(o, 4, 3);
    assert_string_equal(o.generation, "g2023");
    EXPECT_OB(p, "dp.faelles_3_6", 0, "2024-01-02", "2024-04-01", KT_OVERDUE, NULL);
    EXPECT_OB(p, "dp.cv_samtale", 0, "2023-10-02", "2023-10-16", KT_LATE, "2023-10-20");
    assert_int_equal(count_rule(p, "dp.a_kasse_first"), 0);
    assert_int_equal(count_rule(p, "dp.jobcenter"), 0);
    kt_plan_free(p);
}

/* ---- g2023: the first conversation in person --------------------------------------- */

/* kh jobparat, S = 2023-05-01 (g2023, 2023-03-22 .. 2023-12-31).
 * Forms (g2023 on): the first conversation of a course in person, then
 * fremmoede/telefon/digitalt; another form before the first in-person one
 * counts toward nothing; brev no longer counts.
 * - 05-02 telefon: before the first in person -> nothing (warning);
 * - 05-04 fremmoede: kh.first [2023-05-01, 2023-05-08] met;
 * - 06-01 digitalt, topic 225_timers_reglen: counts, meets kh.vejledning_225;
 * - 07-01 brev: nothing (warning); 08-01 telefon: counts.
 * all.four_in_six [2023-05-01, 2023-10-31]: 05-04, 06-01, 08-01: 3 of 4, open.
 * all.cv [S, S+21] = [2023-05-01, 2023-05-22]: CV 05-10, met. */
static void test_g2023_first_in_person(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2023-kh','as_of':'2023-09-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2023-05-01',"
        "   'categories':[{'from':'2023-05-01','category':'jobparat'}]}],"
        " 'conversations':["
        "   {'date':'2023-05-02','holder':'jobcenter','form':'telefon'},"
        "   {'date':'2023-05-04','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2023-06-01','holder':'jobcenter','form':'digitalt',"
        "    'topics':['225_timers_reglen']},"
        "   {'date':'2023-07-01','holder':'jobcenter','form':'brev'},"
        "   {'date':'2023-08-01','holder':'jobcenter','form':'telefon'}],"
        " 'events':[{'type':'cv_oprettet','date':'2023-05-10'}]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2023-05-01", "2023-05-08", KT_MET, "2023-05-04");
    assert_string_equal(o.generation, "g2023");
    o = EXPECT_OB(p, "all.four_in_six", 0, "2023-05-01", "2023-10-31", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 3);
    assert_string_equal(o.generation, "g2023");
    /* on as_of (after the first in person) the person chooses: no brev */
    assert_true(o.forms & (1u << KT_FORM_FREMMOEDE));
    assert_true(o.forms & (1u << KT_FORM_TELEFON));
    assert_true(o.forms & (1u << KT_FORM_DIGITALT));
    assert_false(o.forms & (1u << KT_FORM_BREV));
    EXPECT_OB(p, "kh.vejledning_225", 0, "2023-05-01", "2023-10-31", KT_MET, "2023-06-01");
    EXPECT_OB(p, "all.cv", 0, "2023-05-01", "2023-05-22", KT_MET, "2023-05-10");
    assert_true(warned_about(p, "/conversations/0"));
    assert_true(warned_about(p, "/conversations/3"));
    assert_false(warned_about(p, "/conversations/4"));
    kt_plan_free(p);
}

/* ---- g2024 ----------------------------------------------------------------------------- */

/* kh aktivitetsparat, S = 2024-02-05 (g2024), leave 2024-04-01 .. 2024-08-31.
 * - kh.first [2024-02-05, 2024-02-12], generation g2024 (the one in force on S).
 * - kh.koordinerende [category start 2024-02-05, + 7] = [.., 2024-02-12];
 *   caseworker assigned 02-20: late.
 * - kh.barsel [addMonths(2024-08-31,-3), 2024-08-31] = [2024-05-31,
 *   2024-08-31]: telefon 06-10 with topic barsel_tilknytning: met.
 * - all.four_in_six: L = addMonths(S,6) - S = 182; Feb 5..Mar 31 run (56 days),
 *   the leave stops the clock, 126 days from 2024-09-01: Sep 30 (96 left),
 *   Oct 31 (65), Nov 30 (35), Dec 31 (4) -> 2025-01-04. The conversation on
 *   06-10 lies inside the benefit period and counts: 2 of 4, open. */
static void test_g2024_kh_anchored(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2024-kh','as_of':'2024-07-01',"
        " 'person':{'birth_date':'1985-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2024-02-05','first_inquiry':'2024-02-05',"
        "   'categories':[{'from':'2024-02-05','category':'aktivitetsparat'}]}],"
        " 'conversations':["
        "   {'date':'2024-02-06','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2024-06-10','holder':'jobcenter','form':'telefon',"
        "    'topics':['barsel_tilknytning']}],"
        " 'events':[{'type':'koordinerende_sagsbehandler','date':'2024-02-20'},"
        "           {'type':'barsel','from':'2024-04-01','to':'2024-08-31'}]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2024-02-05", "2024-02-12", KT_MET, "2024-02-06");
    assert_string_equal(o.generation, "g2024");
    o = EXPECT_OB(p, "kh.koordinerende", 0, "2024-02-05", "2024-02-12", KT_LATE, "2024-02-20");
    assert_string_equal(o.kind, "koordinerende_sagsbehandler");
    o = EXPECT_OB(p, "kh.barsel", 0, "2024-05-31", "2024-08-31", KT_MET, "2024-06-10");
    assert_string_equal(o.kind, "tilbud");
    o = EXPECT_OB(p, "all.four_in_six", 0, "2024-02-05", "2025-01-04", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    assert_int_equal(count_rule(p, "all.cv"), 0); /* aktivitetsparat */
    kt_plan_free(p);
}

/* Dagpenge, S = 2024-09-02 (g2024):
 * - dp.a_kasse_first [S, S+14] = [2024-09-02, 2024-09-16]: a_kasse 09-10, met.
 *   The jobcentre's 09-05 counts for no dp rule of g2024 in September:
 *   a warning about /conversations/0.
 * - dp.a_kasse [S, addMonths(S,3)-1] = [2024-09-02, 2024-12-01]: a-kasse or
 *   joint: 09-10 and 11-20 (faelles); the other actor's 10-15 counts only where
 *   the jobcentre does (a warning): 2 of 3, overdue on 2024-12-20.
 * - dp.jobcenter [addMonths(S,3), addMonths(S,6)-1] = [2024-12-02, 2025-03-01]:
 *   anden_aktoer 12-10 counts for the jobcentre: 1 of 3, open.
 * - all.cv (dp from g2024): [S, S+21] = [2024-09-02, 2024-09-23]: CV on the
 *   last day, met.
 * - dp.intensiveret [addMonths(S,6), addMonths(S,16)] = [2025-03-02,
 *   2026-01-02], opens <= as_of + 180: open. */
static void test_g2024_dagpenge_holders(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'g2024-dp','as_of':'2024-12-20',"
        " 'person':{'birth_date':'1985-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2024-09-02'}],"
        " 'conversations':["
        "   {'date':'2024-09-05','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2024-09-10','holder':'a_kasse','form':'fremmoede'},"
        "   {'date':'2024-10-15','holder':'anden_aktoer','form':'telefon'},"
        "   {'date':'2024-11-20','holder':'faelles','form':'digitalt'},"
        "   {'date':'2024-12-10','holder':'anden_aktoer','form':'telefon'}],"
        " 'events':[{'type':'cv_oprettet','date':'2024-09-23'}]}");
    kt_obligation o =
        EXPECT_OB(p, "dp.a_kasse_first", 0, "2024-09-02", "2024-09-16", KT_MET, "2024-09-10");
    assert_string_equal(o.generation, "g2024");
    o = EXPECT_OB(p, "dp.a_kasse", 0, "2024-09-02", "2024-12-01", KT_OVERDUE, NULL);
    EXPECT_COUNTS(o, 3, 2);
    o = EXPECT_OB(p, "dp.jobcenter", 0, "2024-12-02", "2025-03-01", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 3, 1);
    EXPECT_OB(p, "all.cv", 0, "2024-09-02", "2024-09-23", KT_MET, "2024-09-23");
    EXPECT_OB(p, "dp.intensiveret", 0, "2025-03-02", "2026-01-02", KT_OPEN, NULL);
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    assert_int_equal(count_rule(p, "dp.cv_samtale"), 0);
    assert_true(warned_about(p, "/conversations/0"));
    assert_true(warned_about(p, "/conversations/2"));
    kt_plan_free(p);
}

/* ---- what counts ------------------------------------------------------------------------ */

/* A no-show (held false) does not count; facts after as_of are ignored; the
 * options' as_of overrides the case's. kh.first [2022-01-03, 2022-01-10]. */
static void test_held_false_and_as_of(void **state) {
    const char *q =
        "{'id':'held-1','as_of':'2022-01-07',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-01-03',"
        "   'categories':[{'from':'2022-01-03','category':'jobparat'}]}],"
        " 'conversations':["
        "   {'date':'2022-01-05','holder':'jobcenter','form':'fremmoede','held':false},"
        "   {'date':'2022-01-12','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}";
    kt_plan *p = plan_q(state, q);
    /* as_of 01-07: the no-show does not count, 01-12 is not known yet */
    EXPECT_OB(p, "kh.first", 0, "2022-01-03", "2022-01-10", KT_OPEN, NULL);
    kt_plan_free(p);

    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = D("2022-02-01");
    p = plan_with(*state, q, &o);
    assert_int_equal(kt_plan_as_of(p), D("2022-02-01"));
    /* 01-12 is after the deadline 01-10: late */
    EXPECT_OB(p, "kh.first", 0, "2022-01-03", "2022-01-10", KT_LATE, "2022-01-12");
    kt_plan_free(p);
}

/* A plan needs a date: without as_of in the case or the options and without
 * `today`, KT_EARG; with `today` it is used. */
static void test_plan_needs_a_date(void **state) {
    kt_case *c = parse_q(
        "{'id':'no-date',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-01-03',"
        "   'categories':[{'from':'2022-01-03','category':'jobparat'}]}]}");
    assert_int_equal(kt_case_as_of(c), KT_NO_DATE);
    kt_plan_options o;
    kt_plan_options_init(&o);
    kt_plan *p = NULL;
    assert_int_equal(kt_plan_compute(*state, c, &o, &p), KT_EARG);
    o.today = D("2022-01-20");
    p = NULL;
    assert_int_equal(kt_plan_compute(*state, c, &o, &p), KT_OK);
    assert_int_equal(kt_plan_as_of(p), D("2022-01-20"));
    EXPECT_OB(p, "kh.first", 0, "2022-01-03", "2022-01-10", KT_OVERDUE, NULL);
    kt_plan_free(p);
    kt_case_free(c);
}

/* A course whose S is before 2014-01-01 gets no obligations and a warning. */
static void test_before_catalogue(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'old','as_of':'2013-07-01',"
        " 'person':{'birth_date':'1970-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2013-06-03',"
        "   'categories':[{'from':'2013-06-03','category':'jobparat'}]}],"
        " 'conversations':[],'events':[]}");
    assert_int_equal(kt_plan_count(p), 0);
    assert_true(kt_plan_warning_count(p) >= 1);
    kt_plan_free(p);
}

/* ---- more shapes and boundaries ------------------------------------------------------- */

/* The gap boundary: "shorter than 1 month (< 31 days)" continues a course.
 * Period 1 ends 2021-05-31. From 2021-07-01 the gap is June, 30 days: one
 * course; the clock stops 30 days: four_in_six ends 2021-11-02 + 30 =
 * 2021-12-02 (29 days in May, then 155 from 07-01: Jul 31, Aug 31, Sep 30,
 * Oct 31, Nov 30 = 153, + 2). From 2021-07-02 the gap is 31 days: a new course
 * with its own kh.first [2021-07-02, 2021-07-09]. */
static void test_gap_boundary(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'gap-30','as_of':'2021-08-01',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','to':'2021-05-31',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]},"
        "  {'benefit':'kontanthjaelp','from':'2021-07-01',"
        "   'categories':[{'from':'2021-07-01','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    assert_int_equal(count_rule(p, "kh.first"), 1);
    EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", "2021-12-02", KT_OPEN, NULL);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'gap-31','as_of':'2021-08-01',"
               " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
               " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03','to':'2021-05-31',"
               "   'categories':[{'from':'2021-05-03','category':'jobparat'}]},"
               "  {'benefit':'kontanthjaelp','from':'2021-07-02',"
               "   'categories':[{'from':'2021-07-02','category':'jobparat'}]}],"
               " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'}],"
               " 'events':[]}");
    assert_int_equal(count_rule(p, "kh.first"), 2);
    kt_obligation a;
    assert_true(find_ob(p, "kh.first", 0, &a) >= 0);
    int nth_new = a.from == D("2021-05-03") ? 1 : 0;
    EXPECT_OB(p, "kh.first", nth_new, "2021-07-02", "2021-07-09", KT_OVERDUE, NULL);
    kt_plan_free(p);
}

/* addMonths at a month's end: S = 2023-08-31 (g2023); addMonths(S, 6) =
 * 2024-02-29 (conventions.md's own example), so four_in_six is [2023-08-31,
 * 2024-02-28]; kh.first [2023-08-31, 2023-09-07]; all.cv [S, S+21] =
 * [2023-08-31, 2023-09-21]. */
static void test_month_end_windows(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'month-end','as_of':'2023-09-15',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2023-08-31',"
        "   'categories':[{'from':'2023-08-31','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2023-09-07','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2023-08-31", "2023-09-07", KT_MET, "2023-09-07");
    assert_string_equal(o.generation, "g2023");
    EXPECT_OB(p, "all.four_in_six", 0, "2023-08-31", "2024-02-28", KT_OPEN, NULL);
    EXPECT_OB(p, "all.cv", 0, "2023-08-31", "2023-09-21", KT_OPEN, NULL);
    kt_plan_free(p);
}

/* A period whose `to` is after as_of is treated as still running: nothing
 * lapses. sdp.first [2022-08-01, 2022-09-25] unmet on 2022-10-01: overdue. */
static void test_period_ending_after_as_of_is_running(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'sdp-c','as_of':'2022-10-01',"
        " 'person':{'birth_date':'1970-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'sygedagpenge','from':'2022-08-01','to':'2022-12-31'}],"
        " 'conversations':[],'events':[]}");
    EXPECT_OB(p, "sdp.first", 0, "2022-08-01", "2022-09-25", KT_OVERDUE, NULL);
    EXPECT_OB(p, "sdp.four_in_six", 0, "2022-08-01", "2023-01-31", KT_OPEN, NULL);
    kt_plan_free(p);
}

/* Stand-by (g2020 on, every group): uden_kontakt counts while alvorlig_sygdom
 * applies (2022-02-01 .. 2022-04-30): 03-01 counts, 05-10 does not.
 * kh aktivitetsparat, S = 2022-01-03: four_in_six [2022-01-03, 2022-07-02],
 * 01-04 and 03-01: 2 of 4, open. */
static void test_standby_uden_kontakt(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'standby','as_of':'2022-06-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-01-03',"
        "   'categories':[{'from':'2022-01-03','category':'aktivitetsparat'}]}],"
        " 'conversations':["
        "   {'date':'2022-01-04','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2022-03-01','holder':'jobcenter','form':'uden_kontakt'},"
        "   {'date':'2022-05-10','holder':'jobcenter','form':'uden_kontakt'}],"
        " 'events':[{'type':'alvorlig_sygdom','from':'2022-02-01','to':'2022-04-30'},"
        "           {'type':'koordinerende_sagsbehandler','date':'2022-01-04'}]}");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2022-01-03", "2022-07-02", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 2);
    EXPECT_OB(p, "kh.koordinerende", 0, "2022-01-03", "2022-01-10", KT_MET, "2022-01-04");
    assert_false(warned_about(p, "/conversations/1"));
    assert_true(warned_about(p, "/conversations/2"));
    kt_plan_free(p);
}

/* Dagpenge tests (all generations). Under 25 on S without youth education:
 * dp.test [S, addMonths(S,1)] = [2024-03-04, 2024-04-04], test on the last
 * day: met. 25 or older without youth education who asked for a course on
 * 2024-05-10: dp.test_tilbud [2024-05-10, 2024-06-10], met by a conversation
 * with topic laese_skrive_regnetest on 06-12: late; no dp.test. */
static void test_dp_tests(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'dp-test','as_of':'2024-05-01',"
        " 'person':{'birth_date':'2001-03-01','youth_education':false,'vocational_education':false},"
        " 'benefits':[{'benefit':'dagpenge','from':'2024-03-04'}],"
        " 'conversations':[{'date':'2024-03-06','holder':'a_kasse','form':'fremmoede'}],"
        " 'events':[{'type':'laese_skrive_regnetest','date':'2024-04-04'}]}");
    kt_obligation o = EXPECT_OB(p, "dp.test", 0, "2024-03-04", "2024-04-04", KT_MET, "2024-04-04");
    assert_string_equal(o.kind, "test");
    assert_int_equal(count_rule(p, "dp.test_tilbud"), 0);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'dp-tilbud','as_of':'2024-07-01',"
               " 'person':{'birth_date':'1990-03-01','youth_education':false,'vocational_education':false},"
               " 'benefits':[{'benefit':'dagpenge','from':'2024-03-04'}],"
               " 'conversations':[{'date':'2024-03-06','holder':'a_kasse','form':'fremmoede'},"
               "   {'date':'2024-06-12','holder':'faelles','form':'fremmoede',"
               "    'topics':['laese_skrive_regnetest']}],"
               " 'events':[{'type':'kursus_oensket','date':'2024-05-10'}]}");
    o = EXPECT_OB(p, "dp.test_tilbud", 0, "2024-05-10", "2024-06-10", KT_LATE, "2024-06-12");
    assert_string_equal(o.kind, "tilbud");
    assert_int_equal(count_rule(p, "dp.test"), 0);
    kt_plan_free(p);
}

/* Integrationsydelse: kh if 30 or older on S (or with vocational education),
 * else uh. 32 years old -> kh.first; 24 without vocational education -> uh.first.
 * S = 2022-03-07: [2022-03-07, 2022-03-14]. */
static void test_integrationsydelse_groups(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'int-kh','as_of':'2022-03-20',"
        " 'person':{'birth_date':'1990-01-01','youth_education':true,'vocational_education':false},"
        " 'benefits':[{'benefit':'integrationsydelse','from':'2022-03-07',"
        "   'categories':[{'from':'2022-03-07','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2022-03-08','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2022-03-07", "2022-03-14", KT_MET, "2022-03-08");
    assert_string_equal(o.benefit, "integrationsydelse");
    assert_int_equal(count_rule(p, "uh.first"), 0);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'int-uh','as_of':'2022-03-20',"
               " 'person':{'birth_date':'1998-01-01','youth_education':true,'vocational_education':false},"
               " 'benefits':[{'benefit':'integrationsydelse','from':'2022-03-07',"
               "   'categories':[{'from':'2022-03-07','category':'uddannelsesparat'}]}],"
               " 'conversations':[],'events':[]}");
    EXPECT_OB(p, "uh.first", 0, "2022-03-07", "2022-03-14", KT_OVERDUE, NULL);
    assert_int_equal(count_rule(p, "kh.first"), 0);
    kt_plan_free(p);
}

/* g2014 other groups (seed 001 §4). fp.ret: kind tilbud, window.to null, open
 * until 3 conversations are held, then met on the third. rf.ongoing: 6 in each
 * 12-month window from S = 2015-01-05: [2015-01-05, 2016-01-04]; the next
 * opens 2016-01-05 > as_of + 180 = 2015-11-28: one window. */
static void test_g2014_fp_and_rf(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'fp-2','as_of':'2015-06-01',"
        " 'person':{'birth_date':'1965-01-01','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'foertidspension','from':'2015-01-05'}],"
        " 'conversations':[{'date':'2015-02-02','holder':'jobcenter','form':'fremmoede'},"
        "                  {'date':'2015-04-02','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "fp.ret", 0, NULL, NULL, KT_OPEN, NULL);
    assert_string_equal(o.kind, "tilbud");
    EXPECT_COUNTS(o, 3, 2);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'fp-3','as_of':'2015-06-01',"
               " 'person':{'birth_date':'1965-01-01','youth_education':true,'vocational_education':true},"
               " 'benefits':[{'benefit':'foertidspension','from':'2015-01-05'}],"
               " 'conversations':[{'date':'2015-02-02','holder':'jobcenter','form':'fremmoede'},"
               "                  {'date':'2015-04-02','holder':'jobcenter','form':'fremmoede'},"
               "                  {'date':'2015-05-04','holder':'jobcenter','form':'fremmoede'}],"
               " 'events':[]}");
    o = EXPECT_OB(p, "fp.ret", 0, NULL, NULL, KT_MET, "2015-05-04");
    EXPECT_COUNTS(o, 3, 3);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'rf-1','as_of':'2015-06-01',"
               " 'person':{'birth_date':'1975-01-01','youth_education':true,'vocational_education':true},"
               " 'benefits':[{'benefit':'ressourceforloeb','from':'2015-01-05'}],"
               " 'conversations':[{'date':'2015-02-02','holder':'jobcenter','form':'fremmoede'},"
               "                  {'date':'2015-04-02','holder':'jobcenter','form':'fremmoede'}],"
               " 'events':[]}");
    assert_int_equal(count_rule(p, "rf.ongoing"), 1);
    o = EXPECT_OB(p, "rf.ongoing", 0, "2015-01-05", "2016-01-04", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 6, 2);
    assert_string_equal(o.generation, "g2014");
    kt_plan_free(p);
}

/* dp.intensiveret (g2015 on): a joint conversation in [addMonths(S,6),
 * addMonths(S,16)]; S = 2024-01-08 -> [2024-07-08, 2025-05-08]; the
 * jobcentre's 07-20 does not meet it, the joint 08-01 does. */
static void test_dp_intensiveret_joint_only(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'dp-int','as_of':'2024-09-01',"
        " 'person':{'birth_date':'1980-03-01','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2024-01-08'}],"
        " 'conversations':[{'date':'2024-01-10','holder':'a_kasse','form':'fremmoede'},"
        "   {'date':'2024-07-20','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2024-08-01','holder':'faelles','form':'digitalt'}],"
        " 'events':[]}");
    kt_obligation o =
        EXPECT_OB(p, "dp.intensiveret", 0, "2024-07-08", "2025-05-08", KT_MET, "2024-08-01");
    assert_int_equal(o.holders, 1u << KT_HOLDER_FAELLES);
    kt_plan_free(p);
}

/* exempt.under18 holds only on the days before the 18th birthday (rules.md,
 * exemptions). S = 2023-09-04, born 2006-05-01: 18 on 2024-05-01, so the
 * ongoing `fritaget` stops the clock 2023-09-04..2024-04-30 and the clock
 * runs again from 2024-05-01:
 * uh.first L = 8 -> 2024-05-01 + 7 = 2024-05-08, open (not exempt on it);
 * all.four_in_six L = 2024-03-04 - 2023-09-04 = 182 -> 2024-05-01 + 181 = 2024-10-29;
 * uh.test L = 2023-10-04 - 2023-09-04 + 1 = 31 -> 2024-05-31.
 * On 2023-10-01 the event has not reached the birthday: no warning; on
 * 2024-06-01 it has: warning under18_adult at /events/0. */
static void test_exempt_under18(void **state) {
    static const char q[] =
        "{'id':'u18',"
        " 'person':{'birth_date':'2006-05-01','youth_education':false,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2023-09-04',"
        "   'categories':[{'from':'2023-09-04','category':'uddannelsesparat'}]}],"
        " 'conversations':[],"
        " 'events':[{'type':'fritaget','reason':'under18','from':'2023-09-04'}]}";
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = D("2023-10-01");
    kt_plan *p = plan_with(*state, q, &o);
    kt_obligation ob = EXPECT_OB(p, "uh.first", 0, "2023-09-04", "2024-05-08", KT_OPEN, NULL);
    assert_int_equal(ob.stopped_days, 240);
    EXPECT_OB(p, "all.four_in_six", 0, "2023-09-04", "2024-10-29", KT_OPEN, NULL);
    EXPECT_OB(p, "uh.test", 0, "2023-09-04", "2024-05-31", KT_OPEN, NULL);
    assert_false(warned_about(p, "/events/0"));
    kt_plan_free(p);
    o.as_of = D("2024-06-01");
    p = plan_with(*state, q, &o);
    assert_true(warned_about(p, "/events/0"));
    EXPECT_OB(p, "uh.first", 0, "2023-09-04", "2024-05-08", KT_OVERDUE, NULL);
    kt_plan_free(p);
}

/* An adult with a `fritaget` under18: born 2005-03-10, 18 on 2023-03-10;
 * S = 2023-09-04 is after it, so the event is ignored (no stopped days, no
 * exemption) and warned about (under18_adult, /events/0).
 * uh.first [2023-09-04, 2023-09-11]: none held -> overdue on 2023-10-01;
 * all.four_in_six [2023-09-04, addMonths(S, 6) - 1 = 2024-03-03]: open. */
static void test_under18_adult_ignored(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'u18a','as_of':'2023-10-01',"
        " 'person':{'birth_date':'2005-03-10','youth_education':true,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2023-09-04',"
        "   'categories':[{'from':'2023-09-04','category':'uddannelsesparat'}]}],"
        " 'conversations':[],"
        " 'events':[{'type':'fritaget','reason':'under18','from':'2023-09-04'}]}");
    kt_obligation o = EXPECT_OB(p, "uh.first", 0, "2023-09-04", "2023-09-11", KT_OVERDUE, NULL);
    assert_null(o.exempt_reason);
    assert_int_equal(o.stopped_days, 0);
    EXPECT_OB(p, "all.four_in_six", 0, "2023-09-04", "2024-03-03", KT_OPEN, NULL);
    assert_true(warned_about(p, "/events/0"));
    kt_plan_free(p);
}

/* Topic duties need a form that counts (conventions.md, what counts, item 4).
 * g2020 (in person, no exception applies): kontanthjaelp S = 2021-03-01; the
 * telephone conversation of 2021-04-10 covers 225 and repatriering but does
 * not count, so it covers neither; the in-person one of 2021-04-20 covers 225.
 * kh.vejledning_225 [2021-03-01, addMonths(S,6)-1 = 2021-08-31] met 2021-04-20;
 * all.vejledning_repatriering [2021-03-01, 2021-08-31] open, 0 counted. */
static void test_topic_needs_counting_form_g2020(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'topic20','as_of':'2021-05-01',"
        " 'person':{'birth_date':'1980-01-01','youth_education':true,'vocational_education':true,"
        "   'repatriering':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-03-01',"
        "   'categories':[{'from':'2021-03-01','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-03-03','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2021-04-10','holder':'jobcenter','form':'telefon',"
        "    'topics':['225_timers_reglen','repatriering']},"
        "   {'date':'2021-04-20','holder':'jobcenter','form':'fremmoede','topics':['225_timers_reglen']}],"
        " 'events':[]}");
    EXPECT_OB(p, "kh.vejledning_225", 0, "2021-03-01", "2021-08-31", KT_MET, "2021-04-20");
    kt_obligation o =
        EXPECT_OB(p, "all.vejledning_repatriering", 0, "2021-03-01", "2021-08-31", KT_OPEN, NULL);
    assert_int_equal(o.counted, 0);
    kt_plan_free(p);
}

/* g2023: a letter no longer counts, so it covers no topic. kontanthjaelp S =
 * 2023-06-01 without vocational education; first in person 2023-06-02; the
 * letter of 2023-06-05 names the test and 225 topics.
 * kh.test_tilbud [S, S+7] = [2023-06-01, 2023-06-08]: overdue on 2023-07-01;
 * kh.vejledning_225 [2023-06-01, 2023-11-30]: open, 0 counted. */
static void test_topic_needs_counting_form_g2023(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'topic23','as_of':'2023-07-01',"
        " 'person':{'birth_date':'1980-01-01','youth_education':true,'vocational_education':false},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2023-06-01',"
        "   'categories':[{'from':'2023-06-01','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2023-06-02','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2023-06-05','holder':'jobcenter','form':'brev',"
        "    'topics':['laese_skrive_regnetest','225_timers_reglen']}],"
        " 'events':[]}");
    EXPECT_OB(p, "kh.test_tilbud", 0, "2023-06-01", "2023-06-08", KT_OVERDUE, NULL);
    kt_obligation o = EXPECT_OB(p, "kh.vejledning_225", 0, "2023-06-01", "2023-11-30", KT_OPEN, NULL);
    assert_int_equal(o.counted, 0);
    kt_plan_free(p);
}

/* Pinned: a recurring chain restarts when a fitting category follows.
 * uh.ongoing (g2014, every 2 months, uddannelsesparat or aktivitetsparat),
 * uddannelseshjaelp S = 2014-03-03; uh.first met 2014-03-05 = A.
 * #1 opens 03-06, due addMonths(03-05, 2) = 05-05, met 04-20;
 * #2 opens 04-21, due 06-20, none: overdue on 2014-09-01;
 * 06-21 is aabenlyst (no occurrence); the chain starts again on the next
 * fitting period's first day D = 2014-08-04: #3 [08-04, addMonths(D,2) = 10-04] open;
 * #4 [10-05, 12-04], #5 [12-05, 2015-02-04], #6 [2015-02-05, addMonths(2015-02-04, 2) = 2015-04-04];
 * #7 would open 2015-04-06 > as_of + 180 = 2015-02-28: 6 in all. */
static void test_recur_restarts_on_fitting_category(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'restart','as_of':'2014-09-01',"
        " 'person':{'birth_date':'1994-01-01','youth_education':true,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2014-03-03','categories':["
        "   {'from':'2014-03-03','category':'uddannelsesparat'},"
        "   {'from':'2014-05-01','category':'aabenlyst_uddannelsesparat'},"
        "   {'from':'2014-08-04','category':'uddannelsesparat'}]}],"
        " 'conversations':[{'date':'2014-03-05','holder':'jobcenter','form':'fremmoede'},"
        "   {'date':'2014-04-20','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    assert_int_equal(count_rule(p, "uh.ongoing"), 6);
    EXPECT_OB(p, "uh.ongoing", 0, "2014-03-06", "2014-05-05", KT_MET, "2014-04-20");
    EXPECT_OB(p, "uh.ongoing", 1, "2014-04-21", "2014-06-20", KT_OVERDUE, NULL);
    EXPECT_OB(p, "uh.ongoing", 2, "2014-08-04", "2014-10-04", KT_OPEN, NULL);
    EXPECT_OB(p, "uh.ongoing", 5, "2015-02-05", "2015-04-04", KT_OPEN, NULL);
    kt_plan_free(p);
}

/* Pinned: no koordinerende obligation for a category period that starts
 * after the course's last day. Course 2022-03-07..2022-05-31; aktivitetsparat
 * from 2022-07-04 (after the end): no kh.koordinerende. */
static void test_koordinerende_none_after_course(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'koordend','as_of':'2022-09-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-03-07','to':'2022-05-31','categories':["
        "   {'from':'2022-03-07','category':'jobparat'},"
        "   {'from':'2022-07-04','category':'aktivitetsparat'}]}],"
        " 'conversations':[], 'events':[]}");
    assert_int_equal(count_rule(p, "kh.koordinerende"), 0);
    kt_plan_free(p);
}

/* Pinned: an obligation with no deadline is lapsed once its course ended
 * unmet. fp.ret (g2014, right to 3 conversations, window.to null):
 * foertidspension 2014-02-03..2014-06-30, 1 conversation: lapsed on
 * 2014-09-01 with 1 of 3; while the course ran (as_of 2014-05-01): open. */
static void test_no_deadline_lapsed(void **state) {
    static const char q[] =
        "{'id':'fplapse',"
        " 'person':{'birth_date':'1960-01-01','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'foertidspension','from':'2014-02-03','to':'2014-06-30'}],"
        " 'conversations':[{'date':'2014-03-10','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}";
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = D("2014-09-01");
    kt_plan *p = plan_with(*state, q, &o);
    kt_obligation ob = EXPECT_OB(p, "fp.ret", 0, "2014-02-03", NULL, KT_LAPSED, NULL);
    EXPECT_COUNTS(ob, 3, 1);
    kt_plan_free(p);
    o.as_of = D("2014-05-01");
    p = plan_with(*state, q, &o);
    EXPECT_OB(p, "fp.ret", 0, "2014-02-03", NULL, KT_OPEN, NULL);
    kt_plan_free(p);
}

/* Is there a warning with this code? */
static int warned_code(const kt_plan *p, const char *code) {
    for (size_t i = 0; i < kt_plan_warning_count(p); i++) {
        const char *c, *m, *ptr;
        kt_plan_warning(p, i, &c, &m, &ptr);
        if (strcmp(c, code) == 0) return 1;
    }
    return 0;
}

/* g2025a: exempt.sdp_kort_forloeb covers sdp.four_in_six only and does not
 * stop the clock. S = 2025-02-03, fritaget from S with no end.
 * sdp.first [S, S+55] = [2025-02-03, 2025-03-30]: never exempted, none held:
 * overdue on 2025-05-01. sdp.four_in_six [S, addMonths(S,6)-1 = 2025-08-02]
 * (not stretched): deadline after as_of, the exemption holds on as_of and has
 * no end -> exempt. */
static void test_g2025a_sdp_kort_forloeb(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'kort','as_of':'2025-05-01',"
        " 'person':{'birth_date':'1980-01-01','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'sygedagpenge','from':'2025-02-03'}],'conversations':[],"
        " 'events':[{'type':'fritaget','reason':'sdp_kort_forloeb','from':'2025-02-03'}]}");
    kt_obligation o = EXPECT_OB(p, "sdp.first", 0, "2025-02-03", "2025-03-30", KT_OVERDUE, NULL);
    assert_string_equal(o.generation, "g2025a");
    o = EXPECT_OB(p, "sdp.four_in_six", 0, "2025-02-03", "2025-08-02", KT_EXEMPT, NULL);
    assert_string_equal(o.exempt_reason, "exempt.sdp_kort_forloeb");
    assert_int_equal(o.stopped_days, 0);
    kt_plan_free(p);
}

/* g2026: a concrete judgement revoked. Jobparat kontanthjaelp S = 2026-09-01;
 * undtaget_konkret_vurdering (jobcenter) 2026-09-02 to 2026-10-01:
 * all.four_in_six_75 [S, addMonths(S,6)-1 = 2027-02-28] has its deadline after
 * `to`: ordinary status, open on 2026-10-15 with 1 of 4. A judgement of the
 * a-kasse touches no jobcentre quota rule. kh.first [2026-09-01, 2026-09-08]
 * met 2026-09-03 (not a quota rule, provisional). */
static void test_g2026_konkret_revoked(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'kv','as_of':'2026-10-15',"
        " 'person':{'birth_date':'1981-01-30','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2026-09-01',"
        "   'categories':[{'from':'2026-09-01','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2026-09-03','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'undtaget_konkret_vurdering','date':'2026-09-02','to':'2026-10-01',"
        "   'holder':'jobcenter'},"
        "  {'type':'undtaget_konkret_vurdering','date':'2026-09-02','holder':'a_kasse'}]}");
    kt_obligation o = EXPECT_OB(p, "all.four_in_six_75", 0, "2026-09-01", "2027-02-28", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 1);
    assert_int_equal(o.quota_holder, KT_HOLDER_JOBCENTER);
    assert_true(o.provisional);
    o = EXPECT_OB(p, "kh.first", 0, "2026-09-01", "2026-09-08", KT_MET, "2026-09-03");
    assert_int_equal(o.quota_holder, -1);
    assert_true(o.provisional);
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    assert_true(warned_code(p, "provisional_law"));
    kt_plan_free(p);
}

/* g2026 dagpenge: kt_obligation carries quota, provisional and a_kasse.
 * S = 2026-08-03, a_kasse "ak-hk". dp.a_kasse_75 [S, addMonths(S,3)-1 =
 * 2026-11-02] quota a_kasse, met 2026-10-05 with 2 of 2; dp.kommune_75
 * [2026-11-03, 2027-02-02] quota jobcenter; dp.intensiveret [2027-02-03,
 * 2027-12-03] neither quota nor provisional; each with a_kasse "ak-hk".
 * The a-kasse's judgement of 2026-10-10 comes after dp.a_kasse_75 was met
 * (met by D: stays met). */
static void test_g2026_dp_quota_fields(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'dpq','as_of':'2026-12-15',"
        " 'person':{'birth_date':'1986-09-09','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2026-08-03','a_kasse':'ak-hk'}],"
        " 'conversations':[{'date':'2026-08-10','holder':'a_kasse','form':'fremmoede'},"
        "   {'date':'2026-10-05','holder':'a_kasse','form':'telefon'}],"
        " 'events':[{'type':'undtaget_konkret_vurdering','date':'2026-10-10','holder':'a_kasse'}]}");
    kt_obligation o = EXPECT_OB(p, "dp.a_kasse_75", 0, "2026-08-03", "2026-11-02", KT_MET, "2026-10-05");
    assert_int_equal(o.quota_holder, KT_HOLDER_A_KASSE);
    assert_string_equal(o.a_kasse, "ak-hk");
    o = EXPECT_OB(p, "dp.kommune_75", 0, "2026-11-03", "2027-02-02", KT_OPEN, NULL);
    assert_int_equal(o.quota_holder, KT_HOLDER_JOBCENTER);
    o = EXPECT_OB(p, "dp.intensiveret", 0, "2027-02-03", "2027-12-03", KT_OPEN, NULL);
    assert_false(o.provisional);
    assert_int_equal(o.quota_holder, -1);
    assert_string_equal(o.a_kasse, "ak-hk");
    assert_int_equal(count_rule(p, "dp.a_kasse"), 0);
    assert_int_equal(count_rule(p, "dp.jobcenter"), 0);
    kt_plan_free(p);
}

/* g2025b: uddannelseshjaelp to 2025-06-30 then kontanthjaelp from 2025-07-01
 * is one course (S = 2025-03-03, group uh): one uh.first, no kh.first; the
 * kh.vejledning_225 of the course (g2024 on S) stays. A ressourceforloeb
 * begun 2026-08-03 gets no_new_course at /benefits/2. */
static void test_g2025b_conversion_and_no_new_course(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'conv','as_of':'2026-09-01',"
        " 'person':{'birth_date':'2000-01-01','youth_education':true,'vocational_education':false},"
        " 'benefits':[{'benefit':'uddannelseshjaelp','from':'2025-03-03','to':'2025-06-30',"
        "   'categories':[{'from':'2025-03-03','category':'uddannelsesparat'}]},"
        "  {'benefit':'kontanthjaelp','from':'2025-07-01','to':'2026-07-31',"
        "   'categories':[{'from':'2025-07-01','category':'uddannelsesparat'}]},"
        "  {'benefit':'ressourceforloeb','from':'2026-08-03'}],"
        " 'conversations':[], 'events':[]}");
    assert_int_equal(count_rule(p, "uh.first"), 1);
    assert_int_equal(count_rule(p, "kh.first"), 0);
    EXPECT_OB(p, "uh.first", 0, "2025-03-03", "2025-03-10", KT_OVERDUE, NULL);
    assert_int_equal(count_rule(p, "kh.vejledning_225"), 1);
    assert_true(warned_about(p, "/benefits/2"));
    assert_true(warned_code(p, "no_new_course"));
    kt_plan_free(p);
}

/* Newer law: a course begun 2027-02-01 follows g2026 with beyond set and the
 * warning newer_law; kh.first [2027-02-01, 2027-02-08]. */
static void test_newer_law_2027(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'new','as_of':'2027-02-03',"
        " 'person':{'birth_date':'1970-01-01','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2027-02-01',"
        "   'categories':[{'from':'2027-02-01','category':'jobparat'}]}],"
        " 'conversations':[], 'events':[]}");
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2027-02-01", "2027-02-08", KT_OPEN, NULL);
    assert_string_equal(o.generation, "g2026");
    assert_true(o.beyond);
    assert_true(warned_code(p, "newer_law"));
    kt_plan_free(p);
}

/* kh.koordinerende: one obligation for each day a category period of
 * aktivitetsparat starts: 2022-05-02 -> [2022-05-02, 2022-05-09], met by the
 * event of 05-05; 2022-08-01 -> [2022-08-01, 2022-08-08], none: overdue. */
static void test_koordinerende_per_category_start(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'koord','as_of':'2022-09-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2022-03-07','categories':["
        "   {'from':'2022-03-07','category':'jobparat'},"
        "   {'from':'2022-05-02','category':'aktivitetsparat'},"
        "   {'from':'2022-07-04','category':'jobparat'},"
        "   {'from':'2022-08-01','category':'aktivitetsparat'}]}],"
        " 'conversations':[{'date':'2022-03-08','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'koordinerende_sagsbehandler','date':'2022-05-05'}]}");
    assert_int_equal(count_rule(p, "kh.koordinerende"), 2);
    EXPECT_OB(p, "kh.koordinerende", 0, "2022-05-02", "2022-05-09", KT_MET, "2022-05-05");
    EXPECT_OB(p, "kh.koordinerende", 1, "2022-08-01", "2022-08-08", KT_OVERDUE, NULL);
    kt_plan_free(p);
}

/* exempt.rev_kontrakt (all generations): a revalidend with a contract signed
 * on D = 2015-04-20 is exempt from D to the first working day W when W - D <=
 * 28 days. rev.ongoing (g2014): recurring every 3 months from S = 2015-02-02:
 * occ1 [2015-02-02, 2015-05-02], unmet.
 * (a) W = 2015-05-10 (20 days): 05-02 lies in [04-20, 05-10]: exempt;
 *     occ2 [05-03, addMonths(05-02,3) = 08-02]: open on 2015-06-01.
 * (b) W = 2015-06-01 (42 days > 28): no exemption: occ1 overdue. */
static void test_rev_kontrakt_exemption(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'rev-a','as_of':'2015-06-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'revalidering','from':'2015-02-02'}],"
        " 'conversations':[],"
        " 'events':[{'type':'ansaettelseskontrakt','date':'2015-04-20','starts':'2015-05-10'}]}");
    kt_obligation o = EXPECT_OB(p, "rev.ongoing", 0, "2015-02-02", "2015-05-02", KT_EXEMPT, NULL);
    assert_string_equal(o.exempt_reason, "exempt.rev_kontrakt");
    assert_string_equal(o.generation, "g2014");
    EXPECT_OB(p, "rev.ongoing", 1, "2015-05-03", "2015-08-02", KT_OPEN, NULL);
    kt_plan_free(p);

    p = plan_q(state,
               "{'id':'rev-b','as_of':'2015-06-01',"
               " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
               " 'benefits':[{'benefit':'revalidering','from':'2015-02-02'}],"
               " 'conversations':[],"
               " 'events':[{'type':'ansaettelseskontrakt','date':'2015-04-20','starts':'2015-06-01'}]}");
    EXPECT_OB(p, "rev.ongoing", 0, "2015-02-02", "2015-05-02", KT_OVERDUE, NULL);
    kt_plan_free(p);
}

/* A revalidering course is never split by a gap (LAB § 9 stk. 3): periods
 * 2021-01-04 .. 2021-02-28 and from 2021-05-03 (63 days' gap) are one course,
 * one all.four_in_six (g2020: rev). L = 2021-07-04 - 2021-01-04 = 181; Jan 4 ..
 * Feb 28 run 56 days; 125 more from 2021-05-03: May 29 (96 left), Jun 30 (66),
 * Jul 31 (35), Aug 31 (4) -> 2021-09-04 (= 2021-07-03 + 63). */
static void test_rev_never_split(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'rev-gap','as_of':'2021-06-01',"
        " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'revalidering','from':'2021-01-04','to':'2021-02-28'},"
        "             {'benefit':'revalidering','from':'2021-05-03'}],"
        " 'conversations':[{'date':'2021-01-06','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}");
    assert_int_equal(count_rule(p, "all.four_in_six"), 1);
    kt_obligation o = EXPECT_OB(p, "all.four_in_six", 0, "2021-01-04", "2021-09-04", KT_OPEN, NULL);
    EXPECT_COUNTS(o, 4, 1);
    assert_string_equal(o.benefit, "revalidering");
    kt_plan_free(p);
}

/* Facts dated after as_of are ignored: a leave starting 2021-11-01 is not
 * known on 2021-10-15, so it neither stops the clock (four_in_six ends
 * unstopped, addMonths(2021-05-03,6) - 1 = 2021-11-02) nor gives kh.barsel. */
static void test_future_event_ignored(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'future','as_of':'2021-10-15',"
        " 'person':{'birth_date':'1985-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'kontanthjaelp','from':'2021-05-03',"
        "   'categories':[{'from':'2021-05-03','category':'jobparat'}]}],"
        " 'conversations':[{'date':'2021-05-05','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[{'type':'barsel','from':'2021-11-01','to':'2022-01-31'}]}");
    EXPECT_OB(p, "all.four_in_six", 0, "2021-05-03", "2021-11-02", KT_OPEN, NULL);
    assert_int_equal(count_rule(p, "kh.barsel"), 0);
    kt_plan_free(p);
}

/* The horizon: windows opening on or before as_of + horizon are listed. The
 * ledighedsydelse chain of test_ly_recurring_generations with horizon 0 as of
 * 2015-08-01: occurrences opening 2015-02-02, 04-02 and 07-02 -> 3. */
static void test_horizon(void **state) {
    kt_plan_options o;
    kt_plan_options_init(&o);
    assert_int_equal(o.horizon_days, 180);
    assert_int_equal(o.as_of, KT_NO_DATE);
    o.horizon_days = 0;
    kt_plan *p = plan_with(
        *state,
        "{'id':'ly-h','as_of':'2015-08-01',"
        " 'person':{'birth_date':'1970-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'ledighedsydelse','from':'2015-02-02'}],"
        " 'conversations':[{'date':'2015-04-01','holder':'jobcenter','form':'fremmoede'}],"
        " 'events':[]}",
        &o);
    assert_int_equal(count_rule(p, "ly.ongoing"), 3);
    EXPECT_OB(p, "ly.ongoing", 2, "2015-07-02", "2015-10-01", KT_OPEN, NULL);
    kt_plan_free(p);
}

/* Exemptions by generation and group: in g2015, exempt.barsel covers only kh
 * and uh, while exempt.barsel_snart (g2014-g2015) covers dp from 28 days before
 * a leave. Dagpenge S = 2016-03-01, leave from 2016-05-01 (known on as_of
 * 2016-05-15): the clock stops 2016-04-03 .. 2016-04-30 only.
 * dp.first [S, S+42]: L = 43; Mar 1 .. Apr 2 run 33 days, 10 more from 05-01
 * -> 2016-05-10, unmet: overdue. dp.monthly month 2: month 1 ends 03-31
 * (nothing stopped), so month 2 opens 04-01 and ends where the clock reaches 2
 * months: L = 61 (Mar + Apr), 33 + 28 from 05-01 -> 2016-05-28, open; month 3
 * opens 2016-05-29. */
static void test_g2015_dp_barsel_snart_only(void **state) {
    kt_plan *p = plan_q(
        state,
        "{'id':'dp-barsel','as_of':'2016-05-15',"
        " 'person':{'birth_date':'1980-01-15','youth_education':true,'vocational_education':true},"
        " 'benefits':[{'benefit':'dagpenge','from':'2016-03-01'}],"
        " 'conversations':[],"
        " 'events':[{'type':'barsel','from':'2016-05-01','to':'2016-08-31'}]}");
    EXPECT_OB(p, "dp.first", 0, "2016-03-01", "2016-05-10", KT_OVERDUE, NULL);
    EXPECT_OB(p, "dp.monthly", 0, "2016-04-01", "2016-05-28", KT_OPEN, NULL);
    kt_obligation o;
    assert_true(find_ob(p, "dp.monthly", 1, &o) >= 0);
    assert_int_equal(o.from, D("2016-05-29"));
    kt_plan_free(p);
}

/* ---- generations: override -------------------------------------------------------------- */

static const char override_kh[] =
    "{'id':'ovr-kh','as_of':'2023-09-01',"
    " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
    " 'benefits':[{'benefit':'kontanthjaelp','from':'2023-08-01',"
    "   'categories':[{'from':'2023-08-01','category':'jobparat'}]}],"
    " 'conversations':[{'date':'2023-08-02','holder':'jobcenter','form':'fremmoede'}],"
    " 'events':[]}";

static const char override_dp[] =
    "{'id':'ovr-dp','as_of':'2023-11-01',"
    " 'person':{'birth_date':'1980-05-05','youth_education':true,'vocational_education':true},"
    " 'benefits':[{'benefit':'dagpenge','from':'2023-10-02'}],"
    " 'conversations':[{'date':'2023-10-05','holder':'a_kasse','form':'fremmoede'}],"
    " 'events':[]}";

/* By default S = 2023-08-01 is in g2023 (until 2023-12-31); with g2024 moved
 * to 2023-06-01 it is in g2024. For dagpenge S = 2023-10-02: by default g2023
 * (all.four_in_six [2023-10-02, 2024-04-01], no dp.a_kasse_first); with g2024
 * from 2023-09-01: dp.a_kasse_first [S, S+14] = [2023-10-02, 2023-10-16] met by
 * the a-kasse on 10-05, and no all.four_in_six or dp.cv_samtale. Setting the
 * default day explicitly changes nothing. */
static void test_generation_override(void **state) {
    kt_engine *e = *state;
    kt_plan *p = plan_with(e, override_kh, NULL);
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2023-08-01", "2023-08-08", KT_MET, "2023-08-02");
    assert_string_equal(o.generation, "g2023");
    kt_plan_free(p);
    p = plan_with(e, override_dp, NULL);
    EXPECT_OB(p, "all.four_in_six", 0, "2023-10-02", "2024-04-01", KT_OPEN, NULL);
    assert_int_equal(count_rule(p, "dp.a_kasse_first"), 0);
    kt_plan_free(p);

    assert_int_equal(kt_engine_set_generation_arg(e, "g2024=2024-01-01"), KT_OK);
    p = plan_with(e, override_kh, NULL);
    o = EXPECT_OB(p, "kh.first", 0, "2023-08-01", "2023-08-08", KT_MET, "2023-08-02");
    assert_string_equal(o.generation, "g2023");
    kt_plan_free(p);

    assert_int_equal(kt_engine_set_generation_arg(e, "g2024=2023-06-01"), KT_OK);
    p = plan_with(e, override_kh, NULL);
    o = EXPECT_OB(p, "kh.first", 0, "2023-08-01", "2023-08-08", KT_MET, "2023-08-02");
    assert_string_equal(o.generation, "g2024");
    kt_plan_free(p);

    assert_int_equal(kt_engine_set_generation_arg(e, "g2024=2023-09-01"), KT_OK);
    p = plan_with(e, override_dp, NULL);
    o = EXPECT_OB(p, "dp.a_kasse_first", 0, "2023-10-02", "2023-10-16", KT_MET, "2023-10-05");
    assert_string_equal(o.generation, "g2024");
    assert_int_equal(count_rule(p, "all.four_in_six"), 0);
    assert_int_equal(count_rule(p, "dp.cv_samtale"), 0);
    kt_plan_free(p);
}

static void test_generation_bad_args(void **state) {
    kt_engine *e = *state;
    const char *bad[] = {
        "",                    /* nothing */
        "g2024",               /* no day */
        "g2024=",              /* empty day */
        "g2099=2024-01-01",    /* unknown generation */
        "G2024=2024-01-01",    /* names are lower case */
        "=2024-01-01",         /* no name */
        "g2024=2024-13-01",    /* no such month */
        "g2024=2023-02-29",    /* no such day */
        "g2024=2024-01-01x",   /* trailing junk */
        "g2024=2013-01-01",    /* before g2014..g2023: out of order */
        "g2014=2024-06-01",    /* after g2015: out of order */
        "g2023=2024-01-01",    /* the same day as g2024: not in order */
        "a-very-long-generation-name=2024-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (kt_engine_set_generation_arg(e, bad[i]) != KT_EARG)
            fail_msg("'%s' was accepted", bad[i]);
    }
    assert_int_equal(kt_engine_set_generation_start(e, "g2015", D("2013-12-31")), KT_EARG);
    assert_int_equal(kt_engine_set_generation_start(e, "g2030", D("2030-01-01")), KT_EARG);
    assert_int_equal(kt_engine_set_generation_start(e, "g2024", KT_NO_DATE), KT_EARG);
    /* good ones still work afterwards; g2026 is the first day of newer law */
    assert_int_equal(kt_engine_set_generation_arg(e, "g2026=2026-07-01"), KT_OK);
    assert_int_equal(kt_engine_set_generation_start(e, "g2020", D("2020-01-01")), KT_OK);
    /* the rejected arguments moved nothing: defaults still apply */
    kt_plan *p = plan_with(e, override_kh, NULL);
    kt_obligation o = EXPECT_OB(p, "kh.first", 0, "2023-08-01", "2023-08-08", KT_MET, "2023-08-02");
    assert_string_equal(o.generation, "g2023");
    kt_plan_free(p);
}

/* ---- the plan's text ----------------------------------------------------------------------- */

static int to_buf(void *ctx, const char *data, size_t len) {
    char **b = ctx;
    size_t n = *b ? strlen(*b) : 0;
    char *nb = realloc(*b, n + len + 1);
    if (!nb) return -1;
    memcpy(nb + n, data, len);
    nb[n + len] = '\0';
    *b = nb;
    return 0;
}

static int refuse(void *ctx, const char *data, size_t len) {
    (void)ctx;
    (void)data;
    (void)len;
    return 1;
}

/* kt_plan_why: Danish text for every obligation, truncated with a NUL to the
 * buffer, returning the length it needed. The JSON names the rule, the
 * writer reports a refusing callback as KT_EIO. */
static void test_why_and_writers(void **state) {
    kt_plan *p = plan_q(state, clock_case_barsel);
    assert_true(kt_plan_count(p) > 0);
    for (size_t i = 0; i < kt_plan_count(p); i++) {
        char big[2048];
        size_t need = kt_plan_why(p, i, big, sizeof big);
        assert_true(need > 10);
        assert_true(need < sizeof big);
        assert_int_equal(strlen(big), need);
        char small[8];
        memset(small, 'x', sizeof small);
        assert_int_equal(kt_plan_why(p, i, small, sizeof small), need);
        assert_int_equal(small[7], '\0');
        assert_int_equal(strlen(small), 7);
        assert_memory_equal(small, big, 7);
    }
    char *json = NULL;
    assert_int_equal(kt_plan_write_json(p, to_buf, &json), KT_OK);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"rule\":\"all.four_in_six\""));
    assert_non_null(strstr(json, "\"id\":\"clock-1\""));
    assert_non_null(strstr(json, "2022-03-04"));
    free(json);
    char *text = NULL;
    assert_int_equal(kt_plan_write_text(p, to_buf, &text), KT_OK);
    assert_non_null(text);
    assert_non_null(strstr(text, "all.four_in_six"));
    free(text);
    assert_int_equal(kt_plan_write_json(p, refuse, NULL), KT_EIO);
    kt_plan_free(p);
}

/* Seed 004's agenda (rules.md, "Advice, not law") is offered beside the
 * plan for a course of jobparat kontanthjælp: four entries, one per
 * conversation, never an obligation; an aktivitetsparat course gets none. */
static void test_agenda_for_jobparat_kh(void **state) {
    static const char *const cases[2] = {
        "{'id':'ag-1','as_of':'2024-06-01','person':{'birth_date':'1980-01-01',"
        "'youth_education':true,'vocational_education':true},"
        "'benefits':[{'benefit':'kontanthjaelp','from':'2024-03-04',"
        "'categories':[{'from':'2024-03-04','category':'jobparat'}]}]}",
        "{'id':'ag-2','as_of':'2024-06-01','person':{'birth_date':'1980-01-01',"
        "'youth_education':true,'vocational_education':true},"
        "'benefits':[{'benefit':'kontanthjaelp','from':'2024-03-04',"
        "'categories':[{'from':'2024-03-04','category':'aktivitetsparat'}]}]}"};
    for (int k = 0; k < 2; k++) {
        kt_plan *p = plan_q(state, cases[k]);
        size_t n = kt_plan_count(p);
        char *json = NULL;
        assert_int_equal(kt_plan_write_json(p, to_buf, &json), KT_OK);
        const char *ag = strstr(json, "\"agenda\":[");
        if (k == 0) {
            assert_non_null(ag);
            assert_non_null(strstr(ag, "\"conversation\":4"));
            assert_null(strstr(ag, "\"conversation\":5"));
            assert_non_null(strstr(ag, "004_a1507a36310d0921.txt"));
        } else {
            assert_null(ag);
        }
        for (size_t i = 0; i < n; i++) {
            kt_obligation o;
            kt_plan_get(p, i, &o);
            assert_string_equal(o.group, "kh");
        }
        free(json);
        kt_plan_free(p);
    }
}

/* kt_obligation.agenda_next: seed 004's number of the course's next
 * conversation, counted from the conversations held in the course by as_of
 * that count for the jobcentre; the same on every obligation of the course;
 * 0 past the fourth and for a course without the agenda. */
static int agenda_next_of(void **state, const char *json) {
    kt_plan *p = plan_q(state, json);
    size_t n = kt_plan_count(p);
    assert_true(n > 0);
    kt_obligation o;
    kt_plan_get(p, 0, &o);
    int a = o.agenda_next;
    for (size_t i = 1; i < n; i++) {
        kt_plan_get(p, i, &o);
        assert_int_equal(o.agenda_next, a);
    }
    kt_plan_free(p);
    return a;
}

static void test_agenda_next(void **state) {
#define AG_CASE(cat, convs)                                                                       \
    "{'id':'an','as_of':'2024-06-01','person':{'birth_date':'1980-01-01',"                       \
    "'youth_education':true,'vocational_education':true},"                                       \
    "'benefits':[{'benefit':'kontanthjaelp','from':'2024-03-04',"                                \
    "'categories':[{'from':'2024-03-04','category':'" cat "'}]}],'conversations':[" convs "]}"
#define CV(d, h, f) "{'date':'" d "','holder':'" h "','form':'" f "'}"
    /* g2024, jobparat: nothing held yet, then one, three, four */
    assert_int_equal(agenda_next_of(state, AG_CASE("jobparat", "")), 1);
    assert_int_equal(agenda_next_of(state, AG_CASE("jobparat", CV("2024-03-05", "jobcenter", "fremmoede"))), 2);
    assert_int_equal(agenda_next_of(state, AG_CASE("jobparat",
                                                   CV("2024-03-05", "jobcenter", "fremmoede") ","
                                                   CV("2024-04-02", "jobcenter", "telefon") ","
                                                   CV("2024-05-02", "anden_aktoer", "digitalt"))), 4);
    assert_int_equal(agenda_next_of(state, AG_CASE("jobparat",
                                                   CV("2024-03-05", "jobcenter", "fremmoede") ","
                                                   CV("2024-04-02", "jobcenter", "telefon") ","
                                                   CV("2024-04-20", "faelles", "fremmoede") ","
                                                   CV("2024-05-02", "jobcenter", "digitalt"))), 0);
    /* what does not count for the jobcentre: a conversation not held, one
     * after as_of, one by telephone before the first in person (g2023 on) */
    assert_int_equal(agenda_next_of(state, AG_CASE("jobparat",
                                                   "{'date':'2024-03-05','holder':'jobcenter',"
                                                   "'form':'fremmoede','held':false},"
                                                   CV("2024-03-06", "jobcenter", "telefon") ","
                                                   CV("2024-06-03", "jobcenter", "fremmoede"))), 1);
    /* aktivitetsparat: no agenda, whatever was held */
    assert_int_equal(agenda_next_of(state, AG_CASE("aktivitetsparat", "")), 0);
    assert_int_equal(agenda_next_of(state, AG_CASE("aktivitetsparat", CV("2024-03-05", "jobcenter", "fremmoede"))), 0);
#undef AG_CASE
#undef CV
}

/* A store keeps an obligation's facts, not its why: kt_obligation_why must
 * give back exactly kt_plan_why's text and the rule's source, for every
 * obligation of every golden case (../shared/cases) as of its own day and
 * as of 2027-01-01 (later: more overdue, lapsed and beyond-the-catalogue
 * obligations). And an open obligation read after its deadline says it is
 * overdue. */
static void test_why_from_facts(void **state) {
    const kt_engine *e = *state;
    const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
    int files = 0, obligations = 0, stopped = 0, beyond = 0, overdue_checked = 0;
    /* the golden cases of the seeds' law and of the law after them */
    static const char *const subdirs[] = {"cases", "cases/law-2025-2026"};
    for (size_t sd = 0; sd < sizeof subdirs / sizeof *subdirs; sd++) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", shared, subdirs[sd]);
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        json_error_t je;
        json_t *root = json_load_file(path, 0, &je);
        assert_non_null(root);
        char *text = json_dumps(json_object_get(root, "case"), JSON_COMPACT);
        json_decref(root);
        assert_non_null(text);
        kt_case *c = NULL;
        int rc = kt_case_parse(text, strlen(text), &c, NULL);
        free(text);
        if (rc != KT_OK) continue; /* the invalid ones */
        files++;
        for (int pass = 0; pass < 2; pass++) {
            kt_plan_options o;
            kt_plan_options_init(&o);
            if (pass) o.as_of = o.today = D("2027-01-01");
            kt_plan *p = NULL;
            assert_int_equal(kt_plan_compute(e, c, &o, &p), KT_OK);
            for (size_t i = 0; i < kt_plan_count(p); i++) {
                kt_obligation ob;
                kt_plan_get(p, i, &ob);
                char want[2048], got[2048];
                size_t wn = kt_plan_why(p, i, want, sizeof want);
                kt_obligation_facts f = {ob.rule, ob.generation, ob.group, ob.status, ob.to,
                                         ob.met_on, ob.required, ob.counted, ob.exempt_reason,
                                         ob.stopped_days, ob.beyond};
                const char *law = "x", *seed = "x";
                size_t gn = kt_obligation_why(e, &f, got, sizeof got, &law, &seed);
                assert_int_equal(gn, wn);
                assert_string_equal(got, want);
                assert_true(law == ob.law && seed == ob.seed);
                obligations++;
                stopped += ob.stopped_days > 0;
                beyond += ob.beyond != 0;
                if (ob.status == KT_OPEN && ob.to != KT_NO_DATE) {
                    f.status = KT_OVERDUE;
                    kt_obligation_why(e, &f, got, sizeof got, NULL, NULL);
                    assert_non_null(strstr(got, " er overskredet"));
                    overdue_checked++;
                }
            }
            kt_plan_free(p);
        }
        kt_case_free(c);
    }
    closedir(d);
    }
    assert_true(files >= 10 && obligations >= 100);
    assert_true(stopped > 0 && beyond > 0 && overdue_checked > 0); /* every part was exercised */
    /* unknown rule, generation or group */
    kt_obligation_facts f = {"kh.first", "g2020", "kh", KT_OPEN, D("2024-01-01"), KT_NO_DATE, 1, 0,
                             NULL, 0, 0};
    char buf[512];
    assert_true(kt_obligation_why(e, &f, buf, sizeof buf, NULL, NULL) != (size_t)-1);
    f.rule = "no.such";
    const char *law = "x";
    assert_int_equal(kt_obligation_why(e, &f, buf, sizeof buf, &law, NULL), (size_t)-1);
    assert_string_equal(buf, "");
    assert_null(law);
    f.rule = "kh.first";
    f.generation = "g1999";
    assert_int_equal(kt_obligation_why(e, &f, buf, sizeof buf, NULL, NULL), (size_t)-1);
    f.generation = "g2020";
    f.group = "dp";
    assert_int_equal(kt_obligation_why(e, &f, buf, sizeof buf, NULL, NULL), (size_t)-1);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_engine, teardown_engine)
    const struct CMUnitTest tests[] = {
        T(test_clock_worked_example),
        T(test_clock_fritaget),
        T(test_clock_short_gap_same_course),
        T(test_new_course_after_long_gap_and_lapsed),
        T(test_open_ended_exemption),
        T(test_open_ended_barsel),
        T(test_g2014_kh_jobparat),
        T(test_twelve_month_chain_ends_at_g2020),
        T(test_g2015_dagpenge),
        T(test_g2015_uh_recurring_exempt),
        T(test_ly_recurring_generations),
        T(test_g2020_uh_any_form),
        T(test_g2020_jobstart_allows_phone),
        T(test_g2020_sdp_overdue_and_lapsed),
        T(test_g2023_dagpenge_faelles),
        T(test_g2023_first_in_person),
        T(test_g2024_kh_anchored),
        T(test_g2024_dagpenge_holders),
        T(test_held_false_and_as_of),
        T(test_plan_needs_a_date),
        T(test_before_catalogue),
        T(test_gap_boundary),
        T(test_month_end_windows),
        T(test_period_ending_after_as_of_is_running),
        T(test_standby_uden_kontakt),
        T(test_agenda_for_jobparat_kh),
        T(test_agenda_next),
        T(test_dp_tests),
        T(test_integrationsydelse_groups),
        T(test_g2014_fp_and_rf),
        T(test_dp_intensiveret_joint_only),
        T(test_exempt_under18),
        T(test_under18_adult_ignored),
        T(test_g2025a_sdp_kort_forloeb),
        T(test_g2026_konkret_revoked),
        T(test_g2026_dp_quota_fields),
        T(test_g2025b_conversion_and_no_new_course),
        T(test_newer_law_2027),
        T(test_topic_needs_counting_form_g2020),
        T(test_topic_needs_counting_form_g2023),
        T(test_recur_restarts_on_fitting_category),
        T(test_koordinerende_none_after_course),
        T(test_no_deadline_lapsed),
        T(test_koordinerende_per_category_start),
        T(test_rev_kontrakt_exemption),
        T(test_rev_never_split),
        T(test_future_event_ignored),
        T(test_horizon),
        T(test_g2015_dp_barsel_snart_only),
        T(test_generation_override),
        T(test_generation_bad_args),
        T(test_why_and_writers),
        T(test_why_from_facts),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
