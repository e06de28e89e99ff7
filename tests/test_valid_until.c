/* test_valid_until.c -- kt_plan_valid_until and kt_plan_options.ahead.
 *
 * valid_until is checked against its definition: for many cases (the golden
 * cases, tests/data, synthetic ones) and many days A, the plan computed for
 * every day D in (A, valid_until] must be the plan computed for A (every
 * field a store keeps, and forms, holders and course ends). A day too late
 * would leave a store's plan stale; this is what a store relies on. */
#include "testutil.h"

#include "synth.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const kt_engine *E;

static int setup(void **st) {
    (void)st;
    kt_engine *e = NULL;
    if (kt_engine_new(&e) != KT_OK) return -1;
    E = e;
    return 0;
}

static int teardown(void **st) {
    (void)st;
    kt_engine_free((kt_engine *)E);
    return 0;
}

static kt_plan *plan_on(const kt_case *c, kt_date d, int ahead) {
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = o.today = d;
    o.ahead = ahead;
    kt_plan *p = NULL;
    assert_int_equal(kt_plan_compute(E, c, &o, &p), KT_OK);
    return p;
}

static int str_eq(const char *a, const char *b) {
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The same plan, but for its as_of. */
static int same_plan(const kt_plan *a, const kt_plan *b, char *why, size_t n) {
    if (kt_plan_count(a) != kt_plan_count(b)) {
        snprintf(why, n, "%zu obligations, then %zu", kt_plan_count(a), kt_plan_count(b));
        return 0;
    }
    for (size_t i = 0; i < kt_plan_count(a); i++) {
        kt_obligation x, y;
        kt_plan_get(a, i, &x);
        kt_plan_get(b, i, &y);
        int same = str_eq(x.rule, y.rule) && str_eq(x.generation, y.generation) &&
                   str_eq(x.kind, y.kind) && str_eq(x.benefit, y.benefit) &&
                   x.course == y.course && x.from == y.from && x.to == y.to &&
                   x.required == y.required && x.counted == y.counted && x.status == y.status &&
                   x.met_on == y.met_on && str_eq(x.exempt_reason, y.exempt_reason) &&
                   x.holders == y.holders && x.forms == y.forms && str_eq(x.group, y.group) &&
                   x.stopped_days == y.stopped_days && x.beyond == y.beyond &&
                   x.provisional == y.provisional && x.quota_holder == y.quota_holder &&
                   str_eq(x.a_kasse, y.a_kasse) &&
                   kt_plan_course_end(a, x.course) == kt_plan_course_end(b, y.course);
        if (!same) {
            char f[11], t[11];
            kt_date_format(x.to, f);
            kt_date_format(y.to, t);
            snprintf(why, n, "obligation %zu (%s): %s %s, then %s %s", i, x.rule,
                     kt_ob_status_name(x.status), f, kt_ob_status_name(y.status), t);
            return 0;
        }
    }
    return 1;
}

static long checked, failures;

static int count_bytes(void *ctx, const char *data, size_t len) {
    (void)data;
    *(size_t *)ctx += len;
    return 0;
}

/* Plans for days A from `from` to `to` (step `step`), each held against
 * the plans of the days up to its valid_until (at most 70 days on). */
static void check_case(const kt_case *c, kt_date from, kt_date to, int step, int ahead) {
    for (kt_date a = from; a <= to; a += step) {
        kt_plan *p = plan_on(c, a, ahead);
        kt_date vu = kt_plan_valid_until(p);
        assert_true(vu == KT_NO_DATE || vu >= a);
        kt_date last = vu == KT_NO_DATE || vu > a + 70 ? a + 70 : vu;
        for (kt_date d = a + 1; d <= last; d++) {
            kt_plan *q = plan_on(c, d, ahead);
            char why[200];
            checked++;
            if (!same_plan(p, q, why, sizeof why)) {
                char da[11], dd[11], dv[11];
                kt_date_format(a, da);
                kt_date_format(d, dd);
                kt_date_format(vu, dv);
                print_error("case %s: plan of %s valid until %s, but on %s: %s\n", kt_case_id(c),
                            da, dv, dd, why);
                failures++;
                kt_plan_free(q);
                break;
            }
            kt_plan_free(q);
        }
        kt_plan_free(p);
    }
}

static kt_case *parse(const char *text, size_t n) {
    kt_case *c = NULL;
    if (kt_case_parse(text, n, &c, NULL) != KT_OK) return NULL;
    return c;
}

static void check_json_file(const char *path) {
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) return;
    json_t *cj = json_object_get(j, "case");
    if (!cj) cj = j;
    char *text = json_dumps(cj, JSON_COMPACT);
    json_decref(j);
    kt_case *c = text ? parse(text, strlen(text)) : NULL;
    free(text);
    if (!c) return;
    kt_date as_of = kt_case_as_of(c);
    if (as_of == KT_NO_DATE) as_of = D("2024-06-01");
    for (int ahead = 0; ahead <= 1; ahead++) check_case(c, as_of - 420, as_of + 60, 9, ahead);
    kt_case_free(c);
}

static void check_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *en;
    while ((en = readdir(d))) {
        size_t n = strlen(en->d_name);
        if (n < 6 || strcmp(en->d_name + n - 5, ".json") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, en->d_name);
        check_json_file(path);
    }
    closedir(d);
}

static void test_golden_and_data(void **st) {
    (void)st;
    const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/cases", shared);
    check_dir(dir);
    snprintf(dir, sizeof dir, "%s/cases/law-2025-2026", shared);
    check_dir(dir);
    check_dir("tests/data");
    assert_true(checked > 0);
    assert_int_equal(failures, 0);
}

static void test_synthetic(void **st) {
    (void)st;
    failures = 0;
    for (int mix = 0; mix <= 1; mix++) {
        ks_synth *g = ks_synth_new(7 + (uint64_t)mix, 2, (ks_synth_mix)mix);
        assert_non_null(g);
        char *buf = malloc(KS_SYNTH_CASE_MAX);
        assert_non_null(buf);
        for (uint64_t i = 0; i < 40; i++) {
            size_t n = ks_synth_case(g, i, KS_SYNTH_NO_DATE, buf, NULL);
            /* a store's line: without its jobcentre and caseworker */
            json_t *j = json_loadb(buf, n, 0, NULL);
            assert_non_null(j);
            json_object_del(j, "jobcenter");
            json_object_del(j, "caseworker");
            char *text = json_dumps(j, JSON_COMPACT);
            json_decref(j);
            kt_case *c = parse(text, strlen(text));
            free(text);
            if (!c) continue; /* the generator's few invalid cases (uddannelseshjælp after 2025-06) */
            kt_date as_of = kt_case_as_of(c);
            check_case(c, as_of - 200, as_of + 40, 23, 1);
            kt_case_free(c);
        }
        free(buf);
        ks_synth_free(g);
    }
    assert_int_equal(failures, 0);
}

/* A dagpenge period recorded on 2026-12-02 that starts on 2026-12-07: the
 * plan ahead lists its first duties, open, as the plan of 12-07 has them;
 * the plan by conventions.md does not know the period yet. */
static void test_ahead_future_start(void **st) {
    (void)st;
    const char *j = "{\"id\":\"d1\",\"person\":{\"birth_date\":\"1980-01-01\"},"
                    "\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-12-07\"}]}";
    kt_case *c = parse(j, strlen(j));
    assert_non_null(c);
    kt_plan *now = plan_on(c, D("2026-12-03"), 0);
    assert_int_equal(kt_plan_count(now), 0);
    assert_int_equal(kt_plan_valid_until(now), D("2026-12-06"));
    kt_plan_free(now);
    kt_plan *p = plan_on(c, D("2026-12-03"), 1), *q = plan_on(c, D("2026-12-07"), 0);
    char why[200];
    assert_true(same_plan(p, q, why, sizeof why));
    kt_obligation ob;
    kt_plan_get(p, 0, &ob);
    assert_string_equal(ob.rule, "dp.a_kasse_first");
    assert_int_equal(ob.to, D("2026-12-21"));
    assert_int_equal(ob.status, KT_OPEN);
    kt_plan_get(p, 1, &ob);
    assert_string_equal(ob.rule, "all.cv");
    assert_int_equal(ob.to, D("2026-12-28"));
    assert_int_equal(ob.status, KT_OPEN);
    /* unchanged until the first deadline passes */
    assert_int_equal(kt_plan_valid_until(p), D("2026-12-06"));
    kt_plan_free(p);
    kt_plan_free(q);
    kt_case_free(c);
}

/* A kontanthjælp course running now and a dagpenge period ahead: the
 * running course as of today, the next one appended after it. */
static void test_ahead_after_running(void **st) {
    (void)st;
    const char *j = "{\"id\":\"k1\",\"person\":{\"birth_date\":\"1980-01-01\"},"
                    "\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2026-10-01\","
                    "\"to\":\"2026-12-31\",\"categories\":[{\"from\":\"2026-10-01\","
                    "\"category\":\"jobparat\"}]},"
                    "{\"benefit\":\"dagpenge\",\"from\":\"2027-01-04\"}]}";
    kt_case *c = parse(j, strlen(j));
    assert_non_null(c);
    kt_plan *p = plan_on(c, D("2026-12-03"), 1), *now = plan_on(c, D("2026-12-03"), 0);
    size_t n = kt_plan_count(now);
    assert_true(kt_plan_count(p) > n);
    for (size_t i = 0; i < kt_plan_count(p); i++) {
        kt_obligation ob;
        kt_plan_get(p, i, &ob);
        assert_string_equal(ob.benefit, i < n ? "kontanthjaelp" : "dagpenge");
        if (i >= n) {
            assert_int_equal(ob.course, 1);
            assert_int_equal(ob.status, KT_OPEN);
        }
    }
    kt_plan_free(p);
    kt_plan_free(now);
    /* with explain: the course ahead has its view (and no traces) */
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = o.today = D("2026-12-03");
    o.ahead = o.explain = 1;
    assert_int_equal(kt_plan_compute(E, c, &o, &p), KT_OK);
    size_t bytes = 0;
    assert_int_equal(kt_plan_write_explain(p, count_bytes, &bytes), KT_OK);
    assert_int_equal(kt_plan_write_json(p, count_bytes, &bytes), KT_OK);
    assert_int_equal(kt_plan_write_text(p, count_bytes, &bytes), KT_OK);
    assert_true(bytes > 1000);
    kt_plan_free(p);
    kt_case_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ahead_future_start),
        cmocka_unit_test(test_ahead_after_running),
        cmocka_unit_test(test_golden_and_data),
        cmocka_unit_test(test_synthetic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
