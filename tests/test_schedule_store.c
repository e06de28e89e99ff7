/* test_schedule_store.c -- Planlægning through the store (issue 14):
 * properties of the schedule of generated caseloads (ks_demo), capacity
 * events, bookings. The day is pinned (2026-12-03). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "kontakt_schedule.h"
#include "kontakt_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];
static char path[128];
static ks_store *store;

#define TODAY "2026-12-03"

static int setup(void **st) {
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/kontakt-sched-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/store.db", dir);
    ks_error e = {0};
    if (ks_open(path, KS_OPEN_CREATE, &store, &e) != KS_OK) return -1;
    ks_set_today(store, D(TODAY));
    ks_set_now(store, TODAY "T08:00:00.000Z");
    ks_set_actor(store, "tester");
    ks_import_result res;
    if (ks_demo(store, 3000, "demo", &res, &e) != KS_OK) {
        fprintf(stderr, "demo: %s\n", e.message);
        return -1;
    }
    return 0;
}

static int teardown(void **st) {
    (void)st;
    ks_close(store);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- what a schedule gave ---------------------------------------------------------- */

typedef struct duty {
    char case_id[24], rule[32];
    kt_date from, deadline;
} duty;

typedef struct prop {
    char case_id[24], cw[16];
    kt_date date;
    int booked, late;
    long seq; /* a booking's number */
    duty d[8];
    int nd;
} prop;

typedef struct dayrow {
    char cw[16];
    kt_date date;
    int slots, used, overfull;
} dayrow;

typedef struct got {
    prop *p;
    size_t np, capp;
    dayrow *d;
    size_t nd, capd;
    long short_late, short_missing, short_rows;
    ks_schedule_summary sum;
    int nsum;
} got;

static int g_item(void *ctx, const ks_schedule_item *it) {
    got *g = ctx;
    if (g->np == g->capp) {
        g->capp = g->capp ? 2 * g->capp : 1024;
        g->p = realloc(g->p, g->capp * sizeof *g->p);
        assert_non_null(g->p);
    }
    prop *p = &g->p[g->np++];
    memset(p, 0, sizeof *p);
    snprintf(p->case_id, sizeof p->case_id, "%s", it->case_id);
    snprintf(p->cw, sizeof p->cw, "%s", it->caseworker);
    p->date = it->date;
    p->booked = it->booked;
    p->late = it->late;
    p->seq = it->seq;
    for (size_t i = 0; i < it->n_duties && i < 8; i++) {
        duty *d = &p->d[p->nd++];
        snprintf(d->case_id, sizeof d->case_id, "%s", it->case_id);
        snprintf(d->rule, sizeof d->rule, "%s", it->duties[i].rule);
        d->from = it->duties[i].window_from;
        d->deadline = it->duties[i].deadline;
    }
    return 0;
}

static int g_day(void *ctx, const ks_schedule_day *dy) {
    got *g = ctx;
    if (g->nd == g->capd) {
        g->capd = g->capd ? 2 * g->capd : 256;
        g->d = realloc(g->d, g->capd * sizeof *g->d);
        assert_non_null(g->d);
    }
    dayrow *d = &g->d[g->nd++];
    snprintf(d->cw, sizeof d->cw, "%s", dy->caseworker);
    d->date = dy->date;
    d->slots = dy->slots;
    d->used = dy->used;
    d->overfull = dy->overfull;
    return 0;
}

static int g_short(void *ctx, const ks_schedule_short *s) {
    got *g = ctx;
    if (s->overdue) return 0;
    g->short_rows++;
    g->short_late += s->late;
    g->short_missing += s->missing;
    return 0;
}

static int g_summary(void *ctx, const ks_schedule_summary *s) {
    got *g = ctx;
    g->sum = *s;
    g->nsum++;
    return 0;
}

static void run(got *g, int default_slots, int weeks) {
    memset(g, 0, sizeof *g);
    ks_schedule_query q;
    ks_schedule_query_init(&q);
    q.weeks = weeks;
    q.default_slots = default_slots;
    q.jobcenter = "demo";
    ks_schedule_sink k = {g_item, g_day, g_short, g_summary, g};
    ks_error e = {0};
    int rc = ks_schedule(store, &q, &k, &e);
    if (rc != KS_OK) fprintf(stderr, "ks_schedule: %s\n", e.message);
    assert_int_equal(rc, KS_OK);
    assert_int_equal(g->nsum, 1);
}

static void got_free(got *g) {
    free(g->p);
    free(g->d);
}

static kt_date horizon_end(int weeks) {
    kt_date t = D(TODAY);
    return t - kt_date_weekday(t) + 7 * weeks - 1;
}

/* Every proposal on a working day in the horizon, inside the window of every
 * duty it meets (or marked late, and then after one's deadline), one a day
 * per case; every caseworker-day within its slots and equal to its count. */
static void check_basic(const got *g, int weeks) {
    kt_date today = D(TODAY), end = horizon_end(weeks);
    for (size_t i = 0; i < g->np; i++) {
        const prop *p = &g->p[i];
        assert_false(kt_sched_closed_day(p->date));
        assert_true(p->date >= today && p->date <= end);
        int after = 0;
        for (int k = 0; k < p->nd; k++) {
            assert_true(p->d[k].from <= p->date);
            if (p->date > p->d[k].deadline) after = 1;
        }
        assert_int_equal(after, p->late);
        assert_true(p->nd >= 1 || p->booked);
        for (size_t j = i + 1; j < g->np && g->p[j].date == p->date; j++)
            if (!strcmp(g->p[j].case_id, p->case_id)) fail_msg("%s twice on one day", p->case_id);
    }
    for (size_t i = 0; i < g->nd; i++) {
        const dayrow *d = &g->d[i];
        int n = 0;
        for (size_t j = 0; j < g->np; j++)
            n += g->p[j].date == d->date && !strcmp(g->p[j].cw, d->cw);
        assert_int_equal(n, d->used);
        assert_true(d->used <= d->slots);
    }
}

/* The conversation duties due in the horizon, from the worklist (an
 * independent reading of the stored plans): remaining = required - counted. */
typedef struct need {
    char case_id[24], rule[32];
    kt_date from, deadline;
    int remaining, on_time;
} need;

typedef struct needs {
    need *v;
    size_t n, cap;
} needs;

static int wl_item(void *ctx, const ks_worklist_item *it) {
    needs *ns = ctx;
    if (strcmp(it->kind, "samtale") || it->required <= it->counted) return 0;
    /* the a-kasse's duties are not the jobcentre's to plan */
    if (!strcmp(it->rule, "dp.a_kasse_first") || !strcmp(it->rule, "dp.a_kasse") ||
        !strcmp(it->rule, "dp.a_kasse_75") || !strcmp(it->rule, "dp.cv_samtale"))
        return 0;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? 2 * ns->cap : 1024;
        ns->v = realloc(ns->v, ns->cap * sizeof *ns->v);
        assert_non_null(ns->v);
    }
    need *n = &ns->v[ns->n++];
    memset(n, 0, sizeof *n);
    snprintf(n->case_id, sizeof n->case_id, "%s", it->case_id);
    snprintf(n->rule, sizeof n->rule, "%s", it->rule);
    n->from = it->window_from;
    n->deadline = it->deadline;
    n->remaining = it->required - it->counted;
    return 0;
}

static void read_needs(needs *ns, int weeks) {
    memset(ns, 0, sizeof *ns);
    ks_worklist_query q;
    ks_worklist_query_init(&q);
    q.as_of = D(TODAY);
    q.within_days = horizon_end(weeks) - D(TODAY);
    q.overdue_days = 0; /* from today on: the duties that can still be met on time */
    q.jobcenter = "demo";
    ks_error e = {0};
    assert_int_equal(ks_worklist(store, &q, wl_item, ns, &e), KS_OK);
}

/* Conversations placed on time for each need, counted from the proposals. */
static void count_on_time(needs *ns, const got *g) {
    for (size_t i = 0; i < g->np; i++)
        for (int k = 0; k < g->p[i].nd; k++) {
            const duty *d = &g->p[i].d[k];
            if (g->p[i].date > d->deadline) continue;
            for (size_t j = 0; j < ns->n; j++)
                if (ns->v[j].deadline == d->deadline && !strcmp(ns->v[j].case_id, d->case_id) &&
                    !strcmp(ns->v[j].rule, d->rule))
                    ns->v[j].on_time++;
        }
}

static int working_days(kt_date a, kt_date b) {
    int n = 0;
    for (kt_date t = a; t <= b; t++) n += !kt_sched_closed_day(t);
    return n;
}

static void test_enough_capacity(void **st) {
    (void)st;
    got g;
    run(&g, 100, 6);
    check_basic(&g, 6);
    assert_true(g.np > 500);
    /* nothing late that one conversation a working day could have met */
    needs ns;
    read_needs(&ns, 6);
    count_on_time(&ns, &g);
    long infeasible = 0;
    for (size_t j = 0; j < ns.n; j++) {
        need *n = &ns.v[j];
        if (n->deadline < D(TODAY) || n->on_time >= n->remaining) continue;
        kt_date a = n->from > D(TODAY) ? n->from : D(TODAY);
        int wd = working_days(a, n->deadline);
        if (wd >= n->remaining)
            fail_msg("%s %s due %d: %d of %d on time with %d working days", n->case_id, n->rule,
                     (int)n->deadline, n->on_time, n->remaining, wd);
        infeasible++;
    }
    assert_int_equal(g.sum.short_duties, infeasible);
    assert_int_equal(g.sum.missing, 0);
    assert_int_equal(g.sum.overfull_days, 0);
    free(ns.v);
    got_free(&g);
}

static void test_half_capacity(void **st) {
    (void)st;
    /* the level that the ample run needed, halved */
    got g;
    run(&g, 100, 6);
    int peak = 0;
    for (size_t i = 0; i < g.nd; i++)
        if (g.d[i].used > peak) peak = g.d[i].used;
    got_free(&g);
    int half = peak / 2 > 0 ? peak / 2 : 1;
    run(&g, half, 6);
    check_basic(&g, 6);
    needs ns;
    read_needs(&ns, 6);
    count_on_time(&ns, &g);
    long short_conv = 0, short_duties = 0;
    for (size_t j = 0; j < ns.n; j++) {
        need *n = &ns.v[j];
        if (n->deadline < D(TODAY) || n->on_time >= n->remaining) continue;
        short_conv += n->remaining - n->on_time;
        short_duties++;
    }
    assert_true(short_duties > 0); /* half the capacity is short */
    assert_int_equal(g.sum.late + g.sum.missing, short_conv);
    assert_int_equal(g.sum.extra_slots, short_conv);
    assert_int_equal(g.sum.short_duties, short_duties);
    assert_int_equal(g.short_late + g.short_missing, short_conv);
    assert_int_equal(g.short_rows, short_duties);
    assert_true(g.sum.overfull_days > 0);
    free(ns.v);
    got_free(&g);
}

static void test_deterministic(void **st) {
    (void)st;
    got a, b;
    run(&a, 3, 4);
    run(&b, 3, 4);
    assert_int_equal(a.np, b.np);
    for (size_t i = 0; i < a.np; i++) {
        assert_string_equal(a.p[i].case_id, b.p[i].case_id);
        assert_int_equal(a.p[i].date, b.p[i].date);
        assert_string_equal(a.p[i].cw, b.p[i].cw);
    }
    got_free(&a);
    got_free(&b);
}

static void test_capacity_events(void **st) {
    (void)st;
    ks_error e = {0};
    long seq;
    ks_capacity_set c = {.jobcenter = "cap", .slots = 6, .from = KT_NO_DATE, .to = KT_NO_DATE};
    assert_int_equal(ks_capacity_set_add(store, &c, &seq, &e), KS_OK);
    c = (ks_capacity_set){.jobcenter = "cap", .caseworker = "anna", .slots = 4, .weekdays = 1u << 4,
                          .from = KT_NO_DATE, .to = KT_NO_DATE}; /* Fridays */
    assert_int_equal(ks_capacity_set_add(store, &c, &seq, &e), KS_OK);
    c = (ks_capacity_set){.jobcenter = "cap", .caseworker = "anna", .slots = 0,
                          .from = D("2026-12-14"), .to = D("2026-12-18")}; /* away */
    assert_int_equal(ks_capacity_set_add(store, &c, &seq, &e), KS_OK);
    int n;
    assert_int_equal(ks_capacity_on(store, "cap", "anna", D("2026-12-07"), &n, &e), KS_OK);
    assert_int_equal(n, 6); /* Monday: the jobcentre's */
    assert_int_equal(ks_capacity_on(store, "cap", "anna", D("2026-12-11"), &n, &e), KS_OK);
    assert_int_equal(n, 4); /* Friday: her own */
    assert_int_equal(ks_capacity_on(store, "cap", "anna", D("2026-12-18"), &n, &e), KS_OK);
    assert_int_equal(n, 0); /* away: the later event wins */
    assert_int_equal(ks_capacity_on(store, "cap", "bo", D("2026-12-18"), &n, &e), KS_OK);
    assert_int_equal(n, 6);
    assert_int_equal(ks_capacity_on(store, "none", "bo", D("2026-12-18"), &n, &e), KS_OK);
    assert_int_equal(n, -1);
    c = (ks_capacity_set){.jobcenter = "cap", .slots = 101, .from = KT_NO_DATE, .to = KT_NO_DATE};
    assert_int_equal(ks_capacity_set_add(store, &c, &seq, &e), KS_EINVALID);
    c = (ks_capacity_set){.jobcenter = "cap", .slots = 1, .from = D("2026-12-10"), .to = D("2026-12-01")};
    assert_int_equal(ks_capacity_set_add(store, &c, &seq, &e), KS_EINVALID);
}

/* A case of the demo with an open conversation duty due in the horizon. */
static int first_need(void *ctx, const ks_worklist_item *it) {
    need *n = ctx;
    if (strcmp(it->kind, "samtale") || it->deadline < D(TODAY) || strncmp(it->rule, "all.", 4))
        return 0;
    snprintf(n->case_id, sizeof n->case_id, "%s", it->case_id);
    snprintf(n->rule, sizeof n->rule, "%s", it->rule);
    n->from = it->window_from;
    n->deadline = it->deadline;
    return 1;
}

static void test_booking(void **st) {
    (void)st;
    need n = {0};
    ks_worklist_query q;
    ks_worklist_query_init(&q);
    q.as_of = D(TODAY);
    q.within_days = 40;
    q.jobcenter = "demo";
    ks_error e = {0};
    assert_int_equal(ks_worklist(store, &q, first_need, &n, &e), KS_OK);
    assert_true(n.case_id[0]);
    /* a working day inside the window */
    kt_date day = n.from > D(TODAY) ? n.from : D(TODAY);
    while (kt_sched_closed_day(day)) day++;
    assert_true(day <= n.deadline);
    long seq = 0;
    int already = -1;
    char warn[300];
    assert_int_equal(ks_book(store, n.case_id, day, NULL, NULL, NULL, &seq, &already, warn,
                             sizeof warn, &e),
                     KS_OK);
    assert_int_equal(already, 0);
    assert_string_equal(warn, "");
    /* again: the same booking, nothing written */
    long seq2 = 0;
    assert_int_equal(ks_book(store, n.case_id, day, NULL, NULL, NULL, &seq2, &already, warn,
                             sizeof warn, &e),
                     KS_OK);
    assert_int_equal(already, 1);
    assert_int_equal(seq2, seq);
    /* the schedule shows it booked, meeting the duty */
    got g;
    run(&g, 2, 6);
    check_basic(&g, 6);
    int seen = 0;
    for (size_t i = 0; i < g.np; i++) {
        if (strcmp(g.p[i].case_id, n.case_id) || !g.p[i].booked) continue;
        seen++;
        assert_int_equal(g.p[i].date, day);
        int meets = 0;
        for (int k = 0; k < g.p[i].nd; k++) meets += !strcmp(g.p[i].d[k].rule, n.rule);
        assert_int_equal(meets, 1);
    }
    assert_int_equal(seen, 1);
    assert_true(g.sum.booked >= 1);
    got_free(&g);
    /* a day outside every window: a warning naming the window */
    assert_int_equal(ks_book(store, n.case_id, D("2031-03-04"), "cw-x", NULL, NULL, &seq, &already,
                             warn, sizeof warn, &e),
                     KS_OK);
    assert_non_null(strstr(warn, "uden for vinduet for"));
    /* a closed day */
    assert_int_equal(ks_book(store, n.case_id, D("2026-12-24"), NULL, NULL, NULL, &seq, &already,
                             warn, sizeof warn, &e),
                     KS_OK);
    assert_non_null(strstr(warn, "lukkedag"));
    /* a held conversation on the day closes the booking */
    ks_set_today(store, day);
    char body[160];
    char d[11];
    kt_date_format(day, d);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}", d);
    assert_int_equal(ks_record(store, n.case_id, KS_CONVERSATION, body, NULL, NULL, &seq, &e), KS_OK);
    ks_schedule_query sq;
    ks_schedule_query_init(&sq);
    sq.as_of = day;
    sq.jobcenter = "demo";
    sq.default_slots = 2;
    memset(&g, 0, sizeof g);
    ks_schedule_sink k = {g_item, g_day, g_short, g_summary, &g};
    assert_int_equal(ks_schedule(store, &sq, &k, &e), KS_OK);
    for (size_t i = 0; i < g.np; i++)
        if (!strcmp(g.p[i].case_id, n.case_id) && g.p[i].booked && g.p[i].date == day)
            fail_msg("the booking was not closed by the conversation");
    got_free(&g);
    ks_set_today(store, D(TODAY));
    /* bad input */
    assert_int_equal(ks_book(store, "no-such-case", day, NULL, NULL, NULL, &seq, &already, warn,
                             sizeof warn, &e),
                     KS_ENOTFOUND);
    sq.weeks = 27;
    assert_int_equal(ks_schedule(store, &sq, &k, &e), KS_EINVALID);
}

/* ---- forms and seed 004's number: the engine's, through the stored rows ------------- */

/* One proposal: its case, day, forms and seed 004's number. */
typedef struct fprop {
    char case_id[24];
    kt_date date;
    unsigned forms;
    int agenda;
} fprop;

typedef struct fprops {
    fprop v[64];
    int n;
} fprops;

static int f_item(void *ctx, const ks_schedule_item *it) {
    fprops *f = ctx;
    assert_true(f->n < 64);
    fprop *p = &f->v[f->n++];
    snprintf(p->case_id, sizeof p->case_id, "%s", it->case_id);
    p->date = it->date;
    p->forms = it->forms;
    p->agenda = it->agenda;
    return 0;
}

/* The proposals of a new store holding `cases` (NDJSON, jobcentre jc)
 * imported on `day`, scheduled from that day over `weeks` weeks with 3
 * slots a day for each caseworker. */
static void schedule_of(const char *day, const char *cases, int weeks, fprops *out) {
    static int serial;
    char p[160];
    snprintf(p, sizeof p, "%s/forms-%d.db", dir, ++serial);
    ks_store *s = NULL;
    ks_error e = {0};
    assert_int_equal(ks_open(p, KS_OPEN_CREATE, &s, &e), KS_OK);
    ks_set_today(s, D(day));
    ks_set_actor(s, "tester");
    FILE *in = fmemopen((void *)cases, strlen(cases), "r");
    assert_non_null(in);
    ks_import_options o = {KS_FORMAT_NDJSON, NULL};
    ks_import_result res;
    int rc = ks_import(s, in, &o, NULL, NULL, &res, &e);
    fclose(in);
    if (rc != KS_OK) fprintf(stderr, "import: %s\n", e.message);
    assert_int_equal(rc, KS_OK);
    assert_int_equal(res.invalid, 0);
    memset(out, 0, sizeof *out);
    ks_schedule_query q;
    ks_schedule_query_init(&q);
    q.as_of = D(day);
    q.weeks = weeks;
    q.default_slots = 3;
    q.jobcenter = "jc";
    ks_schedule_sink k = {f_item, NULL, NULL, NULL, out};
    assert_int_equal(ks_schedule(s, &q, &k, &e), KS_OK);
    ks_close(s);
}

/* The nth proposal (0-based, by day) of a case; fails if there is none. */
static const fprop *nth_of(const fprops *f, const char *id, int nth) {
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].case_id, id) && nth-- == 0) return &f->v[i];
    fail_msg("%s has no proposal %d", id, nth);
    return NULL;
}

#define FB(x) (1u << KT_FORM_##x)
#define PERSON "\"person\":{\"birth_date\":\"1985-06-15\",\"youth_education\":true,\"vocational_education\":true}"
/* kontanthjælp from S in a category, with more after the benefits (events, conversations) */
#define KH(id, S, cat, more)                                                                      \
    "{\"id\":\"" id "\",\"jobcenter\":\"jc\",\"caseworker\":\"cw-1\"," PERSON ","                      \
    "\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"" S "\",\"categories\":[{\"from\":\"" S   \
    "\",\"category\":\"" cat "\"}]}]" more "}\n"
#define HELD(d, form) ",\"conversations\":[{\"date\":\"" d "\",\"holder\":\"jobcenter\",\"form\":\"" form "\"}]"

/* rules.md, contact forms, g2014-g2020: every conversation in person, but
 * telefon, digitalt or brev too while a `tilbud` event applies (001 §5). t1
 * and t0 are the same jobparat case of 2021 (g2020), t1 in an offer on the
 * day: its first conversation (kh.first with the first of four in six) may
 * take any form; t0's in person only. */
static void test_forms_tilbud_g2020(void **st) {
    (void)st;
    fprops f;
    schedule_of("2021-05-04",
                KH("t1", "2021-05-03", "jobparat",
                   ",\"events\":[{\"type\":\"tilbud\",\"from\":\"2021-05-03\",\"to\":\"2021-08-31\"}]")
                KH("t0", "2021-05-03", "jobparat", ""), 6, &f);
    assert_int_equal(nth_of(&f, "t1", 0)->forms, FB(FREMMOEDE) | FB(TELEFON) | FB(DIGITALT) | FB(BREV));
    assert_int_equal(nth_of(&f, "t0", 0)->forms, FB(FREMMOEDE));
    /* seed 004's agenda in g2020 too: jobparat kontanthjælp, nothing held */
    assert_int_equal(nth_of(&f, "t1", 0)->agenda, 1);
}

/* g2024 (S 2024-01-08, the day 2024-02-01): k1 jobparat, its first
 * conversation held in person: afterwards the person chooses fremmoede,
 * telefon or digitalt (g2023 on), and the next three of its four in six are
 * seed 004's 2, 3 and 4; k2 the same aktivitetsparat: no agenda; n1 jobparat
 * with nothing held: its first in person; sb jobparat and seriously ill
 * (alvorlig_sygdom) from S: stand-by, so uden_kontakt too (g2020 on,
 * every group). */
static void test_forms_and_agenda_g2024(void **st) {
    (void)st;
    fprops f;
    schedule_of("2024-02-01",
                KH("k1", "2024-01-08", "jobparat", HELD("2024-01-10", "fremmoede"))
                KH("k2", "2024-01-08", "aktivitetsparat", HELD("2024-01-10", "fremmoede"))
                KH("n1", "2024-01-29", "jobparat", "")
                KH("sb", "2024-01-22", "jobparat",
                   ",\"events\":[{\"type\":\"alvorlig_sygdom\",\"from\":\"2024-01-22\",\"to\":\"2024-06-30\"}]"),
                26, &f);
    const unsigned chosen = FB(FREMMOEDE) | FB(TELEFON) | FB(DIGITALT);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(nth_of(&f, "k1", i)->forms, chosen);
        assert_int_equal(nth_of(&f, "k1", i)->agenda, i + 2);
        assert_int_equal(nth_of(&f, "k2", i)->forms, chosen);
        assert_int_equal(nth_of(&f, "k2", i)->agenda, 0);
    }
    assert_true(nth_of(&f, "k1", 0)->date < nth_of(&f, "k1", 1)->date);
    assert_int_equal(nth_of(&f, "n1", 0)->forms, FB(FREMMOEDE));
    assert_int_equal(nth_of(&f, "n1", 0)->agenda, 1);
    assert_int_equal(nth_of(&f, "sb", 0)->forms, FB(FREMMOEDE) | FB(UDEN_KONTAKT));
    assert_int_equal(nth_of(&f, "sb", 0)->agenda, 1);
}

/* g2026 jobparat kontanthjælp keeps seed 004's numbers: one held, the next
 * proposal is the second. */
static void test_agenda_g2026(void **st) {
    (void)st;
    fprops f;
    schedule_of("2026-12-03", KH("g1", "2026-12-01", "jobparat", HELD("2026-12-02", "fremmoede")), 26, &f);
    assert_int_equal(nth_of(&f, "g1", 0)->agenda, 2);
    assert_int_equal(nth_of(&f, "g1", 1)->agenda, 3);
    assert_int_equal(nth_of(&f, "g1", 0)->forms, FB(FREMMOEDE) | FB(TELEFON) | FB(DIGITALT));
}
#undef FB
#undef PERSON
#undef KH
#undef HELD

static int setup_dir(void **st) {
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/kontakt-sched-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **st) {
    (void)st;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A demo case (not `skip`) with an open conversation duty of at least two
 * working days' window left in the horizon. */
typedef struct other_need {
    need n;
    const char *skip;
} other_need;

static int other_need_of(void *ctx, const ks_worklist_item *it) {
    other_need *o = ctx;
    if (strcmp(it->kind, "samtale") || it->deadline < D(TODAY) + 14 || !strcmp(it->case_id, o->skip))
        return 0;
    snprintf(o->n.case_id, sizeof o->n.case_id, "%s", it->case_id);
    o->n.from = it->window_from;
    o->n.deadline = it->deadline;
    return 1;
}

typedef struct bk_seen {
    const char *case_id;
    long seq;
    kt_date date;
    int moves, n;
    char cw[65];
} bk_seen;

static int bk_seen_row(void *ctx, const ks_booking *b) {
    bk_seen *x = ctx;
    if (strcmp(b->case_id, x->case_id)) return 0;
    x->n++;
    x->seq = b->seq;
    x->date = b->date;
    x->moves = b->moves;
    snprintf(x->cw, sizeof x->cw, "%s", b->caseworker);
    return 0;
}

static bk_seen bookings_of(const char *case_id) {
    bk_seen x = {.case_id = case_id};
    ks_error e = {0};
    assert_int_equal(ks_bookings(store, "demo", NULL, D(TODAY), D(TODAY) + 182, bk_seen_row, &x, &e),
                     KS_OK);
    return x;
}

static int first_seq(void *ctx, const ks_event_view *ev) {
    long *s = ctx;
    if (!*s) *s = ev->seq;
    return 0;
}

/* Moving and cancelling a booking: the number kept, the schedule and the
 * bookings follow; the refusals, each with its reason. */
static void test_booking_move(void **st) {
    (void)st;
    ks_error e = {0};
    need first = {0};
    ks_worklist_query q;
    ks_worklist_query_init(&q);
    q.as_of = D(TODAY);
    q.within_days = 60;
    q.jobcenter = "demo";
    assert_int_equal(ks_worklist(store, &q, first_need, &first, &e), KS_OK);
    other_need o = {.skip = first.case_id};
    assert_int_equal(ks_worklist(store, &q, other_need_of, &o, &e), KS_OK);
    const char *id = o.n.case_id;
    assert_true(id[0]);
    kt_date d1 = o.n.from > D(TODAY) ? o.n.from : D(TODAY);
    while (kt_sched_closed_day(d1)) d1++;
    kt_date d2 = d1 + 1;
    while (kt_sched_closed_day(d2)) d2++;
    assert_true(d2 <= o.n.deadline && d2 <= horizon_end(6));
    long bk = 0;
    int already = 0;
    char warn[300];
    assert_int_equal(ks_book(store, id, d1, "cw-a", NULL, NULL, &bk, &already, warn, sizeof warn, &e),
                     KS_OK);
    bk_seen x = bookings_of(id);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.seq, bk);
    assert_int_equal(x.moves, 0);
    /* moved: the same number, the new day, the caseworker kept */
    ks_booking_change ch;
    assert_int_equal(ks_book_move(store, id, bk, d2, NULL, NULL, NULL, &ch, &e), KS_OK);
    assert_int_equal(ch.seq, bk);
    assert_true(ch.correction > bk);
    assert_int_equal(ch.already, 0);
    assert_int_equal(ch.was_date, d1);
    assert_int_equal(ch.date, d2);
    assert_string_equal(ch.caseworker, "cw-a");
    assert_string_equal(ch.warning, "");
    x = bookings_of(id);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.seq, bk);
    assert_int_equal(x.date, d2);
    assert_int_equal(x.moves, 1);
    got g;
    run(&g, 2, 6);
    int seen = 0;
    for (size_t i = 0; i < g.np; i++) {
        if (strcmp(g.p[i].case_id, id) || !g.p[i].booked) continue;
        seen++;
        assert_int_equal(g.p[i].date, d2);
        assert_int_equal(g.p[i].seq, bk);
        assert_string_equal(g.p[i].cw, "cw-a");
    }
    assert_int_equal(seen, 1);
    for (size_t i = 0; i < g.np; i++) assert_true(g.p[i].booked ? g.p[i].seq > 0 : g.p[i].seq == 0);
    got_free(&g);
    /* the same again: nothing written; by the correction's number; another caseworker */
    long corr = ch.correction;
    assert_int_equal(ks_book_move(store, id, bk, d2, "cw-a", NULL, NULL, &ch, &e), KS_OK);
    assert_int_equal(ch.already, 1);
    assert_int_equal(ch.correction, 0);
    assert_int_equal(ks_book_move(store, id, corr, d1, "cw-b", NULL, NULL, &ch, &e), KS_OK);
    assert_int_equal(ch.seq, bk);
    assert_string_equal(ch.was_caseworker, "cw-a");
    x = bookings_of(id);
    assert_int_equal(x.date, d1);
    assert_string_equal(x.cw, "cw-b");
    assert_int_equal(x.moves, 2);
    /* a closed day warns as a booking does */
    assert_int_equal(ks_book_move(store, id, bk, D("2026-12-24"), NULL, NULL, NULL, &ch, &e), KS_OK);
    assert_non_null(strstr(ch.warning, "lukkedag"));
    /* refusals */
    assert_int_equal(ks_book_move(store, id, 999999, d1, NULL, NULL, NULL, &ch, &e), KS_ENOTFOUND);
    assert_int_equal(ch.refusal, KS_BOOKING_UNKNOWN);
    long other = 0;
    assert_int_equal(ks_book(store, first.case_id, D("2031-03-05"), NULL, NULL, NULL, &other, &already,
                             warn, sizeof warn, &e), KS_OK);
    assert_int_equal(ks_book_cancel(store, id, other, &ch, &e), KS_ENOTFOUND);
    assert_int_equal(ch.refusal, KS_BOOKING_UNKNOWN);
    long ev1 = 0;
    assert_int_equal(ks_events_each(store, id, NULL, first_seq, &ev1, &e), KS_OK);
    assert_int_equal(ks_book_cancel(store, id, ev1, &ch, &e), KS_EINVALID);
    assert_int_equal(ch.refusal, KS_BOOKING_NOT_BOOKING);
    assert_int_equal(ks_book_move(store, id, bk, KT_NO_DATE, NULL, NULL, NULL, &ch, &e), KS_EINVALID);
    /* cancelled: gone from the bookings and the schedule; not twice */
    assert_int_equal(ks_book_cancel(store, id, bk, &ch, &e), KS_OK);
    assert_int_equal(ch.seq, bk);
    assert_true(ch.correction > corr);
    assert_int_equal(bookings_of(id).n, 0);
    run(&g, 2, 6);
    for (size_t i = 0; i < g.np; i++)
        if (!strcmp(g.p[i].case_id, id) && g.p[i].booked) fail_msg("a cancelled booking is scheduled");
    got_free(&g);
    assert_int_equal(ks_book_cancel(store, id, bk, &ch, &e), KS_EINVALID);
    assert_int_equal(ch.refusal, KS_BOOKING_CANCELLED);
    assert_int_equal(ks_book_move(store, id, bk, d2, NULL, NULL, NULL, &ch, &e), KS_EINVALID);
    assert_int_equal(ch.refusal, KS_BOOKING_CANCELLED);
    /* closed: a conversation on its day */
    long b2 = 0;
    assert_int_equal(ks_book(store, id, d1, NULL, NULL, NULL, &b2, &already, warn, sizeof warn, &e),
                     KS_OK);
    assert_int_equal(already, 0); /* a new booking, not the cancelled one */
    ks_set_today(store, d1);
    char body[160], dd[11];
    kt_date_format(d1, dd);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}", dd);
    long cs = 0;
    assert_int_equal(ks_record(store, id, KS_CONVERSATION, body, NULL, NULL, &cs, &e), KS_OK);
    assert_int_equal(ks_book_move(store, id, b2, d2, NULL, NULL, NULL, &ch, &e), KS_EINVALID);
    assert_int_equal(ch.refusal, KS_BOOKING_CLOSED);
    assert_int_equal(ks_book_cancel(store, id, b2, &ch, &e), KS_EINVALID);
    assert_int_equal(ch.refusal, KS_BOOKING_CLOSED);
    ks_set_today(store, D(TODAY));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enough_capacity), cmocka_unit_test(test_half_capacity),
        cmocka_unit_test(test_deterministic),   cmocka_unit_test(test_capacity_events),
        cmocka_unit_test(test_booking),         cmocka_unit_test(test_booking_move),
    };
    const struct CMUnitTest forms[] = {
        cmocka_unit_test(test_forms_tilbud_g2020),
        cmocka_unit_test(test_forms_and_agenda_g2024),
        cmocka_unit_test(test_agenda_g2026),
    };
    int failed = cmocka_run_group_tests_name("schedule of a demo store", tests, setup, teardown);
    failed += cmocka_run_group_tests_name("forms and agenda from the engine", forms, setup_dir, teardown_dir);
    return failed;
}
