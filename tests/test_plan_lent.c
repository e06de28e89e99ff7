/* test_plan_lent.c -- kt_plan_write_json_lent (plans appended to a caller's
 * buffer, as `plan --ndjson` writes them) and kt_plan_options.no_valid_until.
 *
 * Both must give exactly what kt_plan_write_json gives: the batch writer's
 * output is byte-identical to one plan at a time, across buffer fills. */
#include "testutil.h"

#include "synth.h"

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

typedef struct sink {
    char *buf;
    size_t len, cap;
    int calls, fail_after; /* fail_after < 0: never fails */
} sink;

static int sink_write(void *ctx, const char *data, size_t len) {
    sink *s = ctx;
    if (s->fail_after >= 0 && s->calls >= s->fail_after) return -1;
    s->calls++;
    if (s->len + len > s->cap) {
        size_t cap = (s->len + len) * 2;
        char *nb = realloc(s->buf, cap);
        if (!nb) return -1;
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

/* 300 synthetic cases of both mixes: every plan written one at a time into
 * `want`, and appended into a lent buffer of the smallest size (so that it
 * fills many times, in the middle of plans) into `got`. */
static void test_lent_same_bytes(void **st) {
    (void)st;
    sink want = {.fail_after = -1}, got = {.fail_after = -1};
    enum { CAP = 8192 };
    char *lent = malloc(CAP);
    char *line = malloc(KS_SYNTH_CASE_MAX);
    assert_non_null(lent);
    assert_non_null(line);
    size_t fill = 0;
    int planned = 0;
    for (int mix = 0; mix <= 1; mix++) {
        ks_synth *g = ks_synth_new(11 + (uint64_t)mix, 2, (ks_synth_mix)mix);
        assert_non_null(g);
        for (uint64_t i = 0; i < 150; i++) {
            size_t n = ks_synth_case(g, i, KS_SYNTH_NO_DATE, line, NULL);
            kt_case *c = NULL;
            if (kt_case_parse(line, n, &c, NULL) != KT_OK) continue;
            kt_plan_options o;
            kt_plan_options_init(&o);
            o.today = kt_case_as_of(c);
            kt_plan *p = NULL, *q = NULL;
            assert_int_equal(kt_plan_compute(E, c, &o, &p), KT_OK);
            o.no_valid_until = 1;
            assert_int_equal(kt_plan_compute(E, c, &o, &q), KT_OK);
            /* the same plan; valid_until is then the plan's own day */
            assert_int_equal(kt_plan_valid_until(q), kt_plan_as_of(q));
            assert_int_equal(kt_plan_write_json(p, sink_write, &want), KT_OK);
            assert_int_equal(kt_plan_write_json_lent(q, lent, CAP, &fill, sink_write, &got), KT_OK);
            assert_true(fill <= CAP);
            kt_plan_free(p);
            kt_plan_free(q);
            kt_case_free(c);
            planned++;
        }
        ks_synth_free(g);
    }
    assert_int_equal(sink_write(&got, lent, fill), 0);
    assert_true(planned > 200);
    assert_true(got.calls > 10); /* it filled, often */
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.buf, want.buf, want.len);
    free(want.buf);
    free(got.buf);
    free(lent);
    free(line);
}

/* Too small a buffer is the caller's error; a failing callback is KT_EIO. */
static void test_lent_errors(void **st) {
    (void)st;
    static const char text[] =
        "{\"id\":\"x\",\"as_of\":\"2024-06-01\",\"person\":{\"birth_date\":\"1980-01-01\"},"
        "\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2024-01-02\","
        "\"category\":\"jobparat\"}],\"conversations\":[],\"events\":[]}";
    kt_case *c = NULL;
    assert_int_equal(kt_case_parse(text, sizeof text - 1, &c, NULL), KT_OK);
    kt_plan *p = NULL;
    assert_int_equal(kt_plan_compute(E, c, NULL, &p), KT_OK);
    char small[100];
    size_t fill = 0;
    assert_int_equal(kt_plan_write_json_lent(p, small, sizeof small, &fill, sink_write, NULL), KT_EARG);
    char *big = malloc(8192);
    assert_non_null(big);
    sink s = {.fail_after = 0};
    fill = 8192 - 10; /* full: the plan makes it hand on */
    memset(big, 'x', fill);
    assert_int_equal(kt_plan_write_json_lent(p, big, 8192, &fill, sink_write, &s), KT_EIO);
    free(big);
    free(s.buf);
    kt_plan_free(p);
    kt_case_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lent_same_bytes),
        cmocka_unit_test(test_lent_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
