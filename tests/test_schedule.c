/* test_schedule.c -- the scheduler without a store: closed days (Easter of
 * several years), a hand-made caseload whose optimal schedule is worked out
 * below, levelling, merged duties, bookings, pools, bad input. */
#include "testutil.h"

#include "kontakt_schedule.h"
#include "date.h"

#include <stdlib.h>
#include <string.h>

static void test_easter(void **st) {
    (void)st;
    /* Easter Sunday (Gregorian computus), from published tables */
    static const char *const easter[] = {"2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21",
                                         "2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05",
                                         "2027-03-28", "2038-04-25"};
    for (size_t i = 0; i < sizeof easter / sizeof *easter; i++) {
        kt_date e = D(easter[i]);
        int y, m, d;
        kt_date_to_ymd(e, &y, &m, &d);
        assert_int_equal(kt_easter(y), e);
        assert_int_equal(kt_weekday(e), 6);
        /* skærtorsdag, langfredag, 2. påskedag, Kristi himmelfart, 2. pinsedag */
        static const int off[] = {-3, -2, 1, 39, 50};
        for (size_t k = 0; k < 5; k++) assert_true(kt_sched_closed_day(e + off[k]));
        assert_false(kt_sched_closed_day(e - 4)); /* the Wednesday before: open */
        assert_false(kt_sched_closed_day(e + 2));
    }
}

static void test_closed_days(void **st) {
    (void)st;
    assert_true(kt_sched_closed_day(D("2023-05-05")));  /* Store bededag 2023 */
    assert_false(kt_sched_closed_day(D("2024-04-26"))); /* abolished from 2024: a working Friday */
    assert_false(kt_sched_closed_day(D("2026-05-01"))); /* 1 May is not closed */
    assert_true(kt_sched_closed_day(D("2026-06-05")));  /* Grundlovsdag (Friday) */
    assert_true(kt_sched_closed_day(D("2026-12-24")));
    assert_true(kt_sched_closed_day(D("2026-12-25")));
    assert_true(kt_sched_closed_day(D("2026-12-31")));
    assert_true(kt_sched_closed_day(D("2027-01-01")));
    assert_false(kt_sched_closed_day(D("2026-12-23")));
    assert_true(kt_sched_closed_day(D("2026-12-05"))); /* Saturday */
    assert_true(kt_sched_closed_day(D("2026-12-06"))); /* Sunday */
    assert_false(kt_sched_closed_day(D("2026-12-07")));
}

/* One need per case, in case order. */
typedef struct mini {
    kt_sched_case cases[16];
    kt_sched_need needs[32];
    int16_t slots[4 * 64];
    int32_t pools[4];
    kt_sched_input in;
    size_t nn;
} mini;

static void mini_init(mini *m, const char *today, int days, int workers, int slots) {
    memset(m, 0, sizeof *m);
    m->in.today = D(today);
    m->in.days = days;
    m->in.n_workers = (size_t)workers;
    m->in.worker_pool = m->pools;
    m->in.slots = m->slots;
    m->in.n_pools = 1;
    m->in.cases = m->cases;
    m->in.needs = m->needs;
    for (int i = 0; i < workers * days; i++) m->slots[i] = (int16_t)slots;
}

static uint32_t mini_case(mini *m, int worker) {
    uint32_t c = (uint32_t)m->in.n_cases++;
    m->cases[c] = (kt_sched_case){.worker = worker, .pool = 0, .need0 = (uint32_t)m->nn};
    return c;
}

static void mini_need(mini *m, uint32_t c, const char *from, const char *to, int rem) {
    m->needs[m->nn++] = (kt_sched_need){.case_ix = c, .from = D(from), .to = D(to),
                                        .remaining = (uint16_t)rem,
                                        .forms = 1u << KT_FORM_FREMMOEDE};
    m->cases[c].n_needs++;
    m->in.n_needs = m->nn;
}

static const kt_sched_proposal *of_case(const kt_sched_result *r, uint32_t c) {
    for (size_t i = 0; i < r->n_proposals; i++)
        if (r->proposals[i].case_ix == c) return &r->proposals[i];
    return NULL;
}

/* Monday 2 March 2026 to Friday 6 March, one caseworker with one slot a day.
 *   A [Mon, Fri]  B [Mon, Mon]  C [Wed, Wed]  D [Mon, Tue]  E [Mon, Tue]
 * B, D and E must all be held by Tuesday: two slots for three, so one is
 * late whatever is done; four on time is the optimum. Earliest deadline
 * first: Mon B, Tue D (D before E: input order), Wed C (E is now late and
 * waits), Thu A, Fri E (late, in the slot left). */
static void test_hand_made(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 1, 1);
    uint32_t A = mini_case(&m, 0);
    mini_need(&m, A, "2026-03-02", "2026-03-06", 1);
    uint32_t B = mini_case(&m, 0);
    mini_need(&m, B, "2026-02-20", "2026-03-02", 1);
    uint32_t C = mini_case(&m, 0);
    mini_need(&m, C, "2026-03-04", "2026-03-04", 1);
    uint32_t Dc = mini_case(&m, 0);
    mini_need(&m, Dc, "2026-03-01", "2026-03-03", 1);
    uint32_t E = mini_case(&m, 0);
    mini_need(&m, E, "2026-03-01", "2026-03-03", 1);
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    assert_int_equal(r.n_proposals, 5);
    assert_int_equal(of_case(&r, B)->date, D("2026-03-02"));
    assert_int_equal(of_case(&r, Dc)->date, D("2026-03-03"));
    assert_int_equal(of_case(&r, C)->date, D("2026-03-04"));
    assert_int_equal(of_case(&r, A)->date, D("2026-03-05"));
    assert_int_equal(of_case(&r, E)->date, D("2026-03-06"));
    assert_true(of_case(&r, E)->late);
    assert_false(of_case(&r, A)->late);
    assert_int_equal(r.pools[0].short_needs, 1);
    assert_int_equal(r.pools[0].late_conversations, 1);
    assert_int_equal(r.pools[0].extra_slots, 1);
    assert_int_equal(r.pools[0].needs_due, 5);
    /* Tuesday was full while E waited past its deadline; so were Wed, Thu */
    assert_int_equal(r.overfull[1], 1);
    assert_int_equal(r.overfull[0], 0);
    assert_int_equal(r.overfull[4], 0); /* Friday served E */
    kt_sched_free(&r);

    /* One more slot on Tuesday: nothing is late. */
    m.slots[1] = 2;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    assert_int_equal(r.pools[0].short_needs, 0);
    assert_int_equal(r.pools[0].extra_slots, 0);
    for (size_t i = 0; i < r.n_proposals; i++) assert_false(r.proposals[i].late);
    kt_sched_free(&r);
}

/* Five duties due Friday, three slots a day: the full capacity would put
 * three on Monday and two on Tuesday; the level search keeps one a day. */
static void test_level(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 1, 3);
    for (int i = 0; i < 5; i++) mini_need(&m, mini_case(&m, 0), "2026-03-02", "2026-03-06", 1);
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    assert_int_equal(r.level[0], 1);
    for (int d = 0; d < 5; d++) assert_int_equal(r.used[d], 1);
    kt_sched_free(&r);
}

/* One conversation meets the first conversation and one of the four in
 * six months; the other three are spread over the window; a joint-only duty
 * makes its conversation joint; the form is the intersection. */
static void test_merge_spread(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 60, 1, 4);
    uint32_t c = mini_case(&m, 0);
    mini_need(&m, c, "2026-03-02", "2026-03-09", 1);
    mini_need(&m, c, "2026-03-02", "2026-04-24", 4);
    m.needs[1].forms = (1u << KT_FORM_FREMMOEDE) | (1u << KT_FORM_TELEFON);
    m.cases[c].agenda_next = 1;
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    assert_int_equal(r.n_proposals, 4);
    assert_int_equal(r.proposals[0].date, D("2026-03-02"));
    assert_int_equal(r.proposals[0].n_met, 2);
    assert_int_equal(r.proposals[0].forms, 1u << KT_FORM_FREMMOEDE);
    assert_int_equal(r.proposals[1].forms, (1u << KT_FORM_FREMMOEDE) | (1u << KT_FORM_TELEFON));
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r.proposals[i].agenda, (int)i + 1);
        assert_false(kt_sched_closed_day(r.proposals[i].date));
        if (i) assert_true(r.proposals[i].date - r.proposals[i - 1].date >= 7);
        assert_true(r.proposals[i].date <= D("2026-04-24"));
    }
    assert_int_equal(r.outcome[0].on_time, 1);
    assert_int_equal(r.outcome[1].on_time, 4);
    kt_sched_free(&r);
}

/* A booking takes its slot and meets the duty whose window holds it; a case
 * without a caseworker goes to the least-loaded one of the pool. */
static void test_booking_pool(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 2, 1);
    uint32_t a = mini_case(&m, 0);
    mini_need(&m, a, "2026-03-02", "2026-03-06", 1);
    uint32_t b = mini_case(&m, 0);
    mini_need(&m, b, "2026-03-02", "2026-03-02", 1);
    uint32_t u = mini_case(&m, -1);
    mini_need(&m, u, "2026-03-02", "2026-03-02", 1);
    kt_sched_booking bk = {.case_ix = a, .worker = -1, .date = D("2026-03-02")};
    m.in.bookings = &bk;
    m.in.n_bookings = 1;
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    /* worker 0 has Monday's slot booked: b (due Monday) is late, on Tuesday */
    const kt_sched_proposal *pa = of_case(&r, a), *pb = of_case(&r, b), *pu = of_case(&r, u);
    assert_true(pa->booked);
    assert_int_equal(pa->date, D("2026-03-02"));
    assert_int_equal(pb->date, D("2026-03-03"));
    assert_true(pb->late);
    /* u has no caseworker: worker 1 is free on Monday */
    assert_int_equal(pu->worker, 1);
    assert_int_equal(pu->date, D("2026-03-02"));
    assert_int_equal(r.pools[0].booked, 1);
    assert_int_equal(r.pools[0].conversations, 2);
    assert_int_equal(r.pools[0].short_needs, 1);
    kt_sched_free(&r);
}

/* A booking meets only the duties whose window holds its day; an overdue
 * duty of the case still needs a conversation, but not on the booked day. */
static void test_booking_overdue(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 1, 3);
    uint32_t x = mini_case(&m, 0);
    mini_need(&m, x, "2026-02-20", "2026-02-27", 1);
    kt_sched_booking bk = {.case_ix = x, .worker = 0, .date = D("2026-03-02")};
    m.in.bookings = &bk;
    m.in.n_bookings = 1;
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    assert_int_equal(r.n_proposals, 2);
    assert_true(r.proposals[0].booked);
    assert_int_equal(r.proposals[0].n_met, 0);
    assert_false(r.proposals[1].booked);
    assert_int_equal(r.proposals[1].date, D("2026-03-03"));
    assert_true(r.proposals[1].late);
    assert_int_equal(r.pools[0].overdue_needs, 1);
    kt_sched_free(&r);
}

/* Quota duties: the exemptions needed and the 25 % flag. */
static void test_quota(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 1, 1);
    for (int i = 0; i < 8; i++) {
        uint32_t c = mini_case(&m, 0);
        mini_need(&m, c, "2026-03-02", "2026-03-04", 1);
        m.needs[m.nn - 1].quota = 1;
    }
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_OK);
    /* 3 slots by Wednesday for 8: 5 would need a konkret vurdering */
    assert_int_equal(r.pools[0].quota_needs, 8);
    assert_int_equal(r.pools[0].quota_short, 5);
    assert_true(r.pools[0].quota_over_25);
    kt_sched_free(&r);
}

static void test_bad_input(void **st) {
    (void)st;
    mini m;
    mini_init(&m, "2026-03-02", 5, 1, 1);
    uint32_t c = mini_case(&m, 3); /* no such worker */
    mini_need(&m, c, "2026-03-02", "2026-03-06", 1);
    kt_sched_result r;
    assert_int_equal(kt_schedule(&m.in, &r), KT_EARG);
    m.cases[c].worker = 0;
    m.in.days = 0;
    assert_int_equal(kt_schedule(&m.in, &r), KT_EARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),       cmocka_unit_test(test_closed_days),
        cmocka_unit_test(test_hand_made),    cmocka_unit_test(test_level),
        cmocka_unit_test(test_merge_spread), cmocka_unit_test(test_booking_pool),
        cmocka_unit_test(test_quota),        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_booking_overdue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
