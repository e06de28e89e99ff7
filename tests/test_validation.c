/* test_validation.c -- kt_case_parse: every problem of an invalid case, with
 * its JSON pointer, line and column (spec/case-format.md, "Errors"), and
 * valid cases that parse and round-trip.
 *
 * Inputs use ' for " (no value contains an apostrophe); the swap keeps every
 * byte in place, so the positions below are those of the text as written.
 * Lines and columns are 1-based and point at the value that is wrong, or, for
 * a missing member, at the object that lacks it; they were counted by hand. */
#include "testutil.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *unquote(const char *q) {
    size_t n = strlen(q);
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++) s[i] = q[i] == '\'' ? '"' : q[i];
    return s;
}

/* Parses text that must be invalid; checks that no case comes back and that
 * there are `count` problems. The caller frees the problems. */
static kt_problems *invalid_q(const char *q, size_t count) {
    char *s = unquote(q);
    kt_case *c = (kt_case *)s; /* any non-NULL value: parse must clear it */
    kt_problems *pr = NULL;
    int rc = kt_case_parse(s, strlen(s), &c, &pr);
    free(s);
    assert_int_equal(rc, KT_EINVALID);
    assert_null(c);
    assert_non_null(pr);
    if (kt_problems_count(pr) != count) {
        for (size_t i = 0; i < kt_problems_count(pr); i++) {
            kt_problem p;
            kt_problems_get(pr, i, &p);
            print_error("  problem %zu: '%s' %s (%d:%d)\n", i, p.pointer, p.message, p.line,
                        p.column);
        }
        fail_msg("%zu problems, want %zu", kt_problems_count(pr), count);
    }
    return pr;
}

/* Checks that there is a problem at `pointer` with that line and column (and
 * a non-empty message). */
static void expect_problem_at(int line_no, const kt_problems *pr, const char *pointer, int line,
                              int column) {
    for (size_t i = 0; i < kt_problems_count(pr); i++) {
        kt_problem p;
        kt_problems_get(pr, i, &p);
        assert_non_null(p.pointer);
        assert_non_null(p.message);
        assert_non_null(p.expected);
        if (strcmp(p.pointer, pointer) != 0) continue;
        assert_true(p.message[0] != '\0');
        if (p.line != line || p.column != column)
            fail_msg("line %d: problem '%s' at %d:%d, want %d:%d", line_no, pointer, p.line,
                     p.column, line, column);
        return;
    }
    fail_msg("line %d: no problem at '%s'", line_no, pointer);
}
#define EXPECT_PROBLEM(pr, pointer, line, column)                                                  \
    expect_problem_at(__LINE__, (pr), (pointer), (line), (column))

/* ---- broken JSON ------------------------------------------------------------------ */

static void test_broken_json(void **state) {
    (void)state;
    /* line 2: ` 'as_of': }` -- the `}` where a value should be is column 11 */
    kt_problems *pr = invalid_q("{'id': 'x',\n 'as_of': }", 1);
    EXPECT_PROBLEM(pr, "", 2, 11);
    kt_problems_free(pr);

    /* cut short: one problem for the whole document, on line 1 */
    pr = invalid_q("{'id': 'x'", 1);
    kt_problem p;
    kt_problems_get(pr, 0, &p);
    assert_string_equal(p.pointer, "");
    assert_int_equal(p.line, 1);
    assert_true(p.column >= 1);
    kt_problems_free(pr);

    /* nothing at all, and JSON that is not an object */
    pr = invalid_q("", 1);
    kt_problems_get(pr, 0, &p);
    assert_string_equal(p.pointer, "");
    kt_problems_free(pr);
    pr = invalid_q("[1, 2]", 1);
    EXPECT_PROBLEM(pr, "", 1, 1);
    kt_problems_free(pr);
    /* a bare string is not a case either (the problem is on line 2, where
     * the string stands) */
    pr = invalid_q("\n  'a case'", 1);
    kt_problems_get(pr, 0, &p);
    assert_string_equal(p.pointer, "");
    assert_int_equal(p.line, 2);
    kt_problems_free(pr);
}

/* ---- wrong types ------------------------------------------------------------------ */

/* line 2 ` 'person': {'birth_date': 19850615},`: the number at column 27;
 * line 5 `  'held': 'yes'}],`: the string at column 11;
 * line 6 ` 'events': {}}`: the object at column 12. */
static const char wrong_types[] = "{'id': 'w1',\n"
                                  " 'person': {'birth_date': 19850615},\n"
                                  " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-01-04'}],\n"
                                  " 'conversations': [{'date': '2021-02-01', 'holder': 'jobcenter', 'form': 'fremmoede',\n"
                                  "  'held': 'yes'}],\n"
                                  " 'events': {}}";

static void test_wrong_types(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(wrong_types, 3);
    EXPECT_PROBLEM(pr, "/person/birth_date", 2, 27);
    EXPECT_PROBLEM(pr, "/conversations/0/held", 5, 11);
    EXPECT_PROBLEM(pr, "/events", 6, 12);
    kt_problems_free(pr);

    /* benefits not an array, id a number, person a string:
     * line 1 `{'id': 17,` the 17 at column 8; line 2 ` 'person': 'Ane',` at 12;
     * line 3 ` 'benefits': {'benefit': 'dagpenge'}}` the object at 14 */
    pr = invalid_q("{'id': 17,\n"
                   " 'person': 'Ane',\n"
                   " 'benefits': {'benefit': 'dagpenge'}}",
                   3);
    EXPECT_PROBLEM(pr, "/id", 1, 8);
    EXPECT_PROBLEM(pr, "/person", 2, 12);
    EXPECT_PROBLEM(pr, "/benefits", 3, 14);
    kt_problems_free(pr);
}

/* ---- unknown enum values ------------------------------------------------------------ */

static void test_unknown_enum_values(void **state) {
    (void)state;
    /* columns: line 3 `  {'benefit': 'dagpenge2', 'from': '2021-01-04'},` value at 15;
     * line 5 `   'categories': [{'from': '2021-01-04', 'category': 'klar'}]}],`:
     *   'categories' starts at 4, ':' 16, '[' 18, '{' 19, 'from' 20-25, value
     *   28-39, ',' 40, 'category' 42-51, ':' 52, value at 54;
     * line 6 ` 'conversations': [{'date': '2021-02-01', 'holder': 'kommune', 'form': 'sms'}],`:
     *   '[' 19, '{' 20, 'date' 21-26, value 29-40, 'holder' 43-50, value at 53
     *   ('kommune' 53-61), 'form' 64-69, value at 72;
     * line 7 ` 'events': [{'type': 'ferie', 'date': '2021-03-01'},`: value at 22;
     * line 8 `  {'type': 'fritaget', 'reason': 'ferie', 'from': '2021-03-01'}]}`:
     *   'fritaget' 12-21, 'reason' 24-31, value at 34. */
    kt_problems *pr = invalid_q(
        "{'id': 'e1', 'person': {'birth_date': '1990-01-01'},\n"
        " 'benefits': [\n"
        "  {'benefit': 'dagpenge2', 'from': '2021-01-04'},\n"
        "  {'benefit': 'kontanthjaelp', 'from': '2021-01-04',\n"
        "   'categories': [{'from': '2021-01-04', 'category': 'klar'}]}],\n"
        " 'conversations': [{'date': '2021-02-01', 'holder': 'kommune', 'form': 'sms'}],\n"
        " 'events': [{'type': 'ferie', 'date': '2021-03-01'},\n"
        "  {'type': 'fritaget', 'reason': 'ferie', 'from': '2021-03-01'}]}",
        6);
    EXPECT_PROBLEM(pr, "/benefits/0/benefit", 3, 15);
    EXPECT_PROBLEM(pr, "/benefits/1/categories/0/category", 5, 54);
    EXPECT_PROBLEM(pr, "/conversations/0/holder", 6, 53);
    EXPECT_PROBLEM(pr, "/conversations/0/form", 6, 72);
    EXPECT_PROBLEM(pr, "/events/0/type", 7, 22);
    EXPECT_PROBLEM(pr, "/events/1/reason", 8, 34);
    kt_problems_free(pr);
}

/* A category that does not belong to the benefit is an input error
 * (rules.md, groups): jobparat is not an uddannelseshjælp category, and
 * dagpenge has none. Line 2 `  'categories': [{'from': '2021-01-04', 'category': 'jobparat'}]},`
 * value at 53 (one column left of the line-5 case above); line 4 the same. */
static void test_category_of_other_benefit(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(
        "{'id': 'c1', 'person': {'birth_date': '2000-01-01'}, 'benefits': [{'benefit': 'uddannelseshjaelp', 'from': '2021-01-04',\n"
        "  'categories': [{'from': '2021-01-04', 'category': 'jobparat'}]},\n"
        " {'benefit': 'dagpenge', 'from': '2022-01-03',\n"
        "  'categories': [{'from': '2022-01-03', 'category': 'jobparat'}]}]}",
        2);
    EXPECT_PROBLEM(pr, "/benefits/0/categories/0/category", 2, 53);
    EXPECT_PROBLEM(pr, "/benefits/1/categories/0/category", 4, 53);
    kt_problems_free(pr);
}

/* Is there a problem at `pointer`? */
static bool has_problem(const kt_problems *pr, const char *pointer) {
    for (size_t i = 0; i < kt_problems_count(pr); i++) {
        kt_problem p;
        kt_problems_get(pr, i, &p);
        if (strcmp(p.pointer, pointer) == 0 && p.message[0] && p.expected[0]) return true;
    }
    return false;
}

/* integrationsydelse: the group follows age and education on S; a category
 * of the other group is an input error. Born 1980: 41 on 2021-01-04 (kh
 * group): uddannelsesparat is wrong. Born 2000 without vocational education:
 * 21 on 2021-01-04 (uh group): jobparat is wrong; with vocational education
 * (kh group) jobparat is right and aabenlyst_uddannelsesparat wrong. The
 * first inquiry is S: born 1991-01-10, 29 on the inquiry 2021-01-04 (uh) but
 * 30 on `from` 2021-01-11: uddannelsesparat is right. */
static void test_integrationsydelse_other_group(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(
        "{'id':'i1','person':{'birth_date':'1980-01-01'},'benefits':[{'benefit':'integrationsydelse',"
        "'from':'2021-01-04','categories':[{'from':'2021-01-04','category':'jobparat'},"
        "{'from':'2021-03-01','category':'uddannelsesparat'}]}]}",
        1);
    assert_true(has_problem(pr, "/benefits/0/categories/1/category"));
    kt_problems_free(pr);
    pr = invalid_q(
        "{'id':'i2','person':{'birth_date':'2000-01-01'},'benefits':[{'benefit':'integrationsydelse',"
        "'from':'2021-01-04','categories':[{'from':'2021-01-04','category':'jobparat'}]}]}",
        1);
    assert_true(has_problem(pr, "/benefits/0/categories/0/category"));
    kt_problems_free(pr);
    pr = invalid_q(
        "{'id':'i3','person':{'birth_date':'2000-01-01','vocational_education':true},'benefits':[{"
        "'benefit':'integrationsydelse','from':'2021-01-04','categories':[{'from':'2021-01-04',"
        "'category':'jobparat'},{'from':'2021-02-01','category':'aabenlyst_uddannelsesparat'}]}]}",
        1);
    assert_true(has_problem(pr, "/benefits/0/categories/1/category"));
    kt_problems_free(pr);
    char *s = unquote(
        "{'id':'i4','person':{'birth_date':'1991-01-10'},'benefits':[{'benefit':'integrationsydelse',"
        "'from':'2021-01-11','first_inquiry':'2021-01-04','categories':[{'from':'2021-01-11',"
        "'category':'uddannelsesparat'}]}]}");
    kt_case *c = NULL;
    assert_int_equal(kt_case_parse(s, strlen(s), &c, NULL), KT_OK);
    kt_case_free(c);
    free(s);
}

/* g2025b: uddannelseshjaelp and integrationsydelse periods starting on or
 * after 2025-07-01 are input errors at their `benefit`; one starting
 * 2025-06-30 is valid. kontanthjaelp takes uddannelsesparat and
 * aabenlyst_uddannelsesparat from 2025-07-01 only: a category period of them
 * from 2025-06-30 is an error, from 2025-07-01 valid. */
static void test_g2025b_input_errors(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(
        "{'id':'r1','person':{'birth_date':'2003-04-04'},'benefits':["
        "{'benefit':'uddannelseshjaelp','from':'2025-06-30','to':'2025-06-30'},"
        "{'benefit':'uddannelseshjaelp','from':'2025-09-01'},"
        "{'benefit':'integrationsydelse','from':'2025-07-01'},"
        "{'benefit':'kontanthjaelp','from':'2025-06-01','categories':["
        "{'from':'2025-06-30','category':'uddannelsesparat'},"
        "{'from':'2025-07-01','category':'aabenlyst_uddannelsesparat'}]}]}",
        3);
    assert_true(has_problem(pr, "/benefits/1/benefit"));
    assert_true(has_problem(pr, "/benefits/2/benefit"));
    assert_true(has_problem(pr, "/benefits/3/categories/0/category"));
    kt_problems_free(pr);
}

/* ---- dates --------------------------------------------------------------------------- */

static void test_impossible_dates(void **state) {
    (void)state;
    /* line 1 `{'id': 'd1', 'as_of': '1899-12-31',` value at 23;
     * line 4 `   'from': '2021-02-30'}],` value at 12;
     * line 5 ` 'conversations': [{'date': '2021-13-01', 'holder': 'jobcenter', 'form': 'brev'}],`
     *   value at 29;
     * line 6 ` 'events': [{'type': 'cv_oprettet', 'date': '2021-2-01'}]}`:
     *   'cv_oprettet' 22-34, 'date' 37-42, value at 45. */
    kt_problems *pr = invalid_q("{'id': 'd1', 'as_of': '1899-12-31',\n"
                                " 'person': {'birth_date': '1990-01-01'},\n"
                                " 'benefits': [{'benefit': 'dagpenge',\n"
                                "   'from': '2021-02-30'}],\n"
                                " 'conversations': [{'date': '2021-13-01', 'holder': 'jobcenter', 'form': 'brev'}],\n"
                                " 'events': [{'type': 'cv_oprettet', 'date': '2021-2-01'}]}",
                                4);
    EXPECT_PROBLEM(pr, "/as_of", 1, 23);
    EXPECT_PROBLEM(pr, "/benefits/0/from", 4, 12);
    EXPECT_PROBLEM(pr, "/conversations/0/date", 5, 29);
    EXPECT_PROBLEM(pr, "/events/0/date", 6, 45);
    kt_problems_free(pr);

    /* 2200-01-01 is past the range, 2023-02-29 is no day */
    pr = invalid_q("{'id': 'd2', 'person': {'birth_date': '2023-02-29'},\n"
                   " 'benefits': [{'benefit': 'dagpenge', 'from': '2200-01-01'}]}",
                   2);
    EXPECT_PROBLEM(pr, "/person/birth_date", 1, 39);
    EXPECT_PROBLEM(pr, "/benefits/0/from", 2, 47);
    kt_problems_free(pr);
}

/* `to` before `from`: the problem is on `to`.
 * line 2 ` 'benefits': [{'benefit': 'dagpenge', 'from': '2021-05-01', 'to': '2021-04-30'}],`:
 *   'from' value 47-58, 'to' 61-64, value at 67;
 * line 3 ` 'events': [{'type': 'barsel', 'from': '2021-06-01', 'to': '2021-05-31'}]}`:
 *   'barsel' 22-29, 'from' 32-37, value 40-51, 'to' 54-57, value at 60. */
static void test_to_before_from(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(
        "{'id': 't1', 'person': {'birth_date': '1990-01-01'},\n"
        " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-05-01', 'to': '2021-04-30'}],\n"
        " 'events': [{'type': 'barsel', 'from': '2021-06-01', 'to': '2021-05-31'}]}",
        2);
    EXPECT_PROBLEM(pr, "/benefits/0/to", 2, 67);
    EXPECT_PROBLEM(pr, "/events/0/to", 3, 60);
    kt_problems_free(pr);

    /* a one-day period (to == from) is fine */
    char *s = unquote("{'id': 't2', 'person': {'birth_date': '1990-01-01'},"
                      " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-05-01', 'to': '2021-05-01'}]}");
    kt_case *c = NULL;
    assert_int_equal(kt_case_parse(s, strlen(s), &c, NULL), KT_OK);
    kt_case_free(c);
    free(s);
}

/* ---- ids ------------------------------------------------------------------------------- */

static void test_cpr_like_ids_rejected(void **state) {
    (void)state;
    const char *cprs[] = {"010190-1234", "0101901234"};
    for (size_t i = 0; i < 2; i++) {
        char q[256];
        snprintf(q, sizeof q,
                 "{'id': '%s', 'person': {'birth_date': '1990-01-01'},\n"
                 " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-01-04'}]}",
                 cprs[i]);
        kt_problems *pr = invalid_q(q, 1);
        EXPECT_PROBLEM(pr, "/id", 1, 8); /* `{'id': '` -> the value at 8 */
        kt_problems_free(pr);
    }
    /* ids that are not CPR-like: 9 digits, a date-like id, a UTF-8 id */
    const char *fine[] = {"123456789", "borger-17", "sag-2024-03-01", "borger-\xc3\xa6\xc3\xb8"};
    for (size_t i = 0; i < 4; i++) {
        char q[256];
        snprintf(q, sizeof q,
                 "{'id': '%s', 'person': {'birth_date': '1990-01-01'},"
                 " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-01-04'}]}",
                 fine[i]);
        char *s = unquote(q);
        kt_case *c = NULL;
        kt_problems *pr = NULL;
        int rc = kt_case_parse(s, strlen(s), &c, &pr);
        free(s);
        if (rc != KT_OK) fail_msg("id '%s' rejected", fine[i]);
        assert_string_equal(kt_case_id(c), fine[i]);
        kt_case_free(c);
        kt_problems_free(pr);
    }
}

static void test_id_length_and_printable(void **state) {
    (void)state;
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    const char *bad[] = {"", long_id, "tab\\there"};
    for (size_t i = 0; i < 3; i++) {
        char q[256];
        snprintf(q, sizeof q,
                 "{'id': '%s', 'person': {'birth_date': '1990-01-01'},"
                 " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-01-04'}]}",
                 bad[i]);
        kt_problems *pr = invalid_q(q, 1);
        EXPECT_PROBLEM(pr, "/id", 1, 8);
        kt_problems_free(pr);
    }
    /* 64 characters are fine */
    long_id[64] = '\0';
    char q[256];
    snprintf(q, sizeof q,
             "{'id': '%s', 'person': {'birth_date': '1990-01-01'},"
             " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-01-04'}]}",
             long_id);
    char *s = unquote(q);
    kt_case *c = NULL;
    assert_int_equal(kt_case_parse(s, strlen(s), &c, NULL), KT_OK);
    assert_string_equal(kt_case_id(c), long_id);
    kt_case_free(c);
    free(s);
}

/* ---- missing members ------------------------------------------------------------------- */

static void test_missing_required(void **state) {
    (void)state;
    /* an empty object: id, person and benefits are missing; each is located
     * at the object that lacks it, the document's `{` at 1:1 */
    kt_problems *pr = invalid_q("{}", 3);
    EXPECT_PROBLEM(pr, "/id", 1, 1);
    EXPECT_PROBLEM(pr, "/person", 1, 1);
    EXPECT_PROBLEM(pr, "/benefits", 1, 1);
    kt_problems_free(pr);

    /* line 2 ` 'person': {'youth_education': true},`: the person object at 12;
     * line 3 ` 'benefits': [{'benefit': 'dagpenge'},`: benefits/0 at 15;
     * line 4 `   {'from': '2021-01-04'}],`: benefits/1 at 4;
     * line 5 ` 'conversations': [{'date': '2021-02-01', 'form': 'telefon'},`: at 20;
     * line 6 `   {'holder': 'jobcenter', 'form': 'telefon'}],`: at 4;
     * line 7 ` 'events': [{'type': 'barsel'}, {'date': '2021-01-01'}]}`:
     *   events/0 at 13, events/1 at 33. */
    pr = invalid_q("{'id': 'm1',\n"
                   " 'person': {'youth_education': true},\n"
                   " 'benefits': [{'benefit': 'dagpenge'},\n"
                   "   {'from': '2021-01-04'}],\n"
                   " 'conversations': [{'date': '2021-02-01', 'form': 'telefon'},\n"
                   "   {'holder': 'jobcenter', 'form': 'telefon'}],\n"
                   " 'events': [{'type': 'barsel'}, {'date': '2021-01-01'}]}",
                   7);
    EXPECT_PROBLEM(pr, "/person/birth_date", 2, 12);
    EXPECT_PROBLEM(pr, "/benefits/0/from", 3, 15);
    EXPECT_PROBLEM(pr, "/benefits/1/benefit", 4, 4);
    EXPECT_PROBLEM(pr, "/conversations/0/holder", 5, 20);
    EXPECT_PROBLEM(pr, "/conversations/1/date", 6, 4);
    EXPECT_PROBLEM(pr, "/events/0/from", 7, 13);
    EXPECT_PROBLEM(pr, "/events/1/type", 7, 33);
    kt_problems_free(pr);
}

/* ---- problems as JSON; no problems wanted ------------------------------------------------ */

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

static void test_problems_json(void **state) {
    (void)state;
    kt_problems *pr = invalid_q(wrong_types, 3);
    char *out = NULL;
    assert_int_equal(kt_problems_write_json(pr, to_buf, &out), KT_OK);
    json_error_t err;
    json_t *root = json_loads(out, 0, &err);
    if (!root) fail_msg("problems JSON does not parse: %s in %s", err.text, out);
    assert_string_equal(json_string_value(json_object_get(root, "error")), "invalid_case");
    json_t *arr = json_object_get(root, "problems");
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), kt_problems_count(pr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *q = json_array_get(arr, i);
        kt_problem p;
        kt_problems_get(pr, i, &p);
        assert_string_equal(json_string_value(json_object_get(q, "pointer")), p.pointer);
        assert_string_equal(json_string_value(json_object_get(q, "message")), p.message);
        assert_string_equal(json_string_value(json_object_get(q, "expected")), p.expected);
        assert_int_equal(json_integer_value(json_object_get(q, "line")), p.line);
        assert_int_equal(json_integer_value(json_object_get(q, "column")), p.column);
    }
    json_decref(root);
    free(out);
    kt_problems_free(pr);

    /* the caller may not want the problems */
    char *s = unquote(wrong_types);
    kt_case *c = (kt_case *)s;
    assert_int_equal(kt_case_parse(s, strlen(s), &c, NULL), KT_EINVALID);
    assert_null(c);
    free(s);
    kt_problems_free(NULL);
    kt_case_free(NULL);
}

/* ---- valid cases ---------------------------------------------------------------------------- */

static const char valid_case[] =
    "{'id': 'v1', 'as_of': '2022-05-01',\n"
    " 'person': {'birth_date': '1985-06-15', 'youth_education': true, 'vocational_education': true},\n"
    " 'benefits': [{'benefit': 'kontanthjaelp', 'from': '2022-01-10', 'to': null,\n"
    "   'first_inquiry': '2022-01-05',\n"
    "   'categories': [{'from': '2022-01-10', 'category': 'jobparat'}]}],\n"
    " 'conversations': [\n"
    "   {'date': '2022-02-20', 'holder': 'jobcenter', 'form': 'fremmoede', 'topics': ['egen_note']},\n"
    "   {'date': '2022-01-11', 'holder': 'jobcenter', 'form': 'fremmoede', 'held': true}],\n"
    " 'events': [{'type': 'barsel', 'from': '2022-06-01'},\n"
    "   {'type': 'jobstart', 'date': '2022-08-01', 'what': 'fleksjob'}]}";

static char *plan_json_of(const char *text, size_t len) {
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int rc = kt_case_parse(text, len, &c, &pr);
    assert_int_equal(rc, KT_OK);
    assert_non_null(c);
    kt_problems_free(pr);
    kt_engine *e = NULL;
    assert_int_equal(kt_engine_new(&e), KT_OK);
    kt_plan_options o;
    kt_plan_options_init(&o);
    kt_plan *p = NULL;
    assert_int_equal(kt_plan_compute(e, c, &o, &p), KT_OK);
    char *out = NULL;
    assert_int_equal(kt_plan_write_json(p, to_buf, &out), KT_OK);
    kt_plan_free(p);
    kt_engine_free(e);
    kt_case_free(c);
    return out;
}

/* A valid case parses, keeps its id and as_of; written out again by another
 * serializer (jansson, keys sorted, no whitespace) it gives the same plan; the
 * plan's JSON carries the case's id and as_of. */
static void test_valid_case_round_trips(void **state) {
    (void)state;
    char *s = unquote(valid_case);
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    assert_int_equal(kt_case_parse(s, strlen(s), &c, &pr), KT_OK);
    assert_non_null(c);
    assert_string_equal(kt_case_id(c), "v1");
    assert_int_equal(kt_case_as_of(c), D("2022-05-01"));
    kt_case_free(c);
    kt_problems_free(pr);

    char *a = plan_json_of(s, strlen(s));
    json_error_t err;
    json_t *doc = json_loads(s, 0, &err);
    assert_non_null(doc);
    char *again = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(again);
    json_decref(doc);
    char *b = plan_json_of(again, strlen(again));
    assert_string_equal(a, b);

    json_t *plan = json_loads(a, 0, &err);
    if (!plan) fail_msg("plan JSON does not parse: %s", err.text);
    assert_string_equal(json_string_value(json_object_get(plan, "id")), "v1");
    assert_string_equal(json_string_value(json_object_get(plan, "as_of")), "2022-05-01");
    json_t *obs = json_object_get(plan, "obligations");
    assert_true(json_is_array(obs));
    assert_true(json_array_size(obs) > 0);
    /* kh.first [2022-01-05, 2022-01-12] met by 2022-01-11 (conversations are
     * taken in date order whatever their order in the input) */
    int seen = 0;
    for (size_t i = 0; i < json_array_size(obs); i++) {
        json_t *o = json_array_get(obs, i);
        if (strcmp(json_string_value(json_object_get(o, "rule")), "kh.first") != 0) continue;
        seen = 1;
        json_t *w = json_object_get(o, "window");
        assert_string_equal(json_string_value(json_object_get(w, "from")), "2022-01-05");
        assert_string_equal(json_string_value(json_object_get(w, "to")), "2022-01-12");
        assert_string_equal(json_string_value(json_object_get(o, "status")), "met");
        assert_string_equal(json_string_value(json_object_get(o, "met_on")), "2022-01-11");
    }
    assert_true(seen);
    assert_true(json_is_array(json_object_get(plan, "warnings")));
    json_decref(plan);
    free(a);
    free(b);
    free(again);
    free(s);
}

/* A file with CRLF line ends and a problem on line 3 reports line 3. */
static void test_crlf_lines(void **state) {
    (void)state;
    kt_problems *pr = invalid_q("{'id': 'r1',\r\n"
                                " 'person': {'birth_date': '1990-01-01'},\r\n"
                                " 'benefits': [{'benefit': 'dagpenge', 'from': '2021-02-29'}]}\r\n",
                                1);
    /* line 3: 'benefits' 2-11, '[' 14, '{' 15, 'benefit' 16-24, value 27-36,
     * 'from' 39-44, value at 47 */
    EXPECT_PROBLEM(pr, "/benefits/0/from", 3, 47);
    kt_problems_free(pr);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_json),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_unknown_enum_values),
        cmocka_unit_test(test_category_of_other_benefit),
        cmocka_unit_test(test_integrationsydelse_other_group),
        cmocka_unit_test(test_g2025b_input_errors),
        cmocka_unit_test(test_impossible_dates),
        cmocka_unit_test(test_to_before_from),
        cmocka_unit_test(test_cpr_like_ids_rejected),
        cmocka_unit_test(test_id_length_and_printable),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_problems_json),
        cmocka_unit_test(test_valid_case_round_trips),
        cmocka_unit_test(test_crlf_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
