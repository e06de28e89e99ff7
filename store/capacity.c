/* capacity.c -- every SQL statement of Planlægning (issue 14): capacity
 * events, the duties and caseworkers the schedule reads, the cases with
 * bookings. The SQL is written so that SQLite and PostgreSQL both take it
 * (?N placeholders, no functions of one of them); it runs through
 * store/db.h like the rest of the store. docs/schedule.md. */
#include "capacity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col_text(ks_q *st, int i) {
    const char *t = ks_q_text(st, i);
    return t ? (const char *)t : "";
}

static kt_date col_date(ks_q *st, int i) {
    const char *t = ks_q_text(st, i);
    kt_date d;
    if (!t || kt_date_parse(t, strlen(t), &d) != KT_OK) return KT_NO_DATE;
    return d;
}

static void bind_date(ks_q *st, int i, kt_date d, char buf[11]) {
    if (d == KT_NO_DATE) {
        ks_q_bind_null(st, i);
        return;
    }
    kt_date_format(d, buf);
    ks_q_bind_text_static(st, i, buf, 10);
}

static void bind_opt(ks_q *st, int i, const char *s) {
    if (s)
        ks_q_bind_text_static(st, i, s, -1);
    else
        ks_q_bind_null(st, i);
}

/* Steps a prepared statement to its end, a callback per row; finalizes. */
static int each_row(ks_store *s, ks_q *st, const char *what,
                    int (*row)(void *ctx, ks_q *st), void *ctx, ks_error *err) {
    int r, rc = KS_OK;
    while ((r = ks_q_step(st)) == KS_Q_ROW)
        if ((rc = row(ctx, st)) != KS_OK) break;
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(s, err, what);
    ks_q_finalize(st);
    return rc;
}

int ks_capacity_set_add(ks_store *s, const ks_capacity_set *c, long *seq, ks_error *err) {
    int rc = ks__check_id("jobcentre", c->jobcenter, err);
    if (rc == KS_OK && c->caseworker) rc = ks__check_id("caseworker", c->caseworker, err);
    if (rc != KS_OK) return rc;
    if (c->slots < 0 || c->slots > 100)
        return ks__fail(err, KS_EINVALID, "slots: %d is not 0..100 conversations a day", c->slots);
    unsigned wd = c->weekdays ? c->weekdays : 31u;
    if (wd > 31u) return ks__fail(err, KS_EINVALID, "weekdays: only Monday to Friday");
    if (c->from != KT_NO_DATE && c->to != KT_NO_DATE && c->to < c->from)
        return ks__fail(err, KS_EINVALID, "--to is before --from");
    if ((rc = ks__begin(s, err)) != KS_OK) return rc;
    ks_q *st = NULL;
    if (ks__prepare(s, "INSERT INTO capacity(jobcenter, caseworker, slots, weekdays, from_day,"
                           " to_day, recorded_at, recorded_by)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING seq", &st) != 0) {
        rc = ks__dbfail(s, err, "capacity");
        ks__rollback(s);
        return rc;
    }
    char f[11], t[11], now[25];
    ks__now(s, now);
    ks_q_bind_text_static(st, 1, c->jobcenter, -1);
    bind_opt(st, 2, c->caseworker);
    ks_q_bind_int64(st, 3, c->slots);
    ks_q_bind_int64(st, 4, (int)wd);
    bind_date(st, 5, c->from, f);
    bind_date(st, 6, c->to, t);
    ks_q_bind_text_static(st, 7, now, -1);
    ks_q_bind_text_static(st, 8, s->actor, -1);
    long id = 0;
    if (ks_q_step(st) == KS_Q_ROW) id = (long)ks_q_int64(st, 0);
    else rc = ks__dbfail(s, err, "capacity");
    ks_q_finalize(st);
    if (rc == KS_OK) rc = ks__write_pending_log(s, id, err);
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
    if (rc == KS_OK && seq) *seq = id;
    return rc;
}

typedef struct cap_ctx {
    int (*fn)(void *ctx, const ks__capacity_row *r);
    void *ctx;
} cap_ctx;

static int cap_row(void *ctx, ks_q *st) {
    cap_ctx *c = ctx;
    ks__capacity_row r = {.jobcenter = col_text(st, 0),
                          .caseworker = ks_q_is_null(st, 1) ? NULL
                                                                                  : col_text(st, 1),
                          .slots = (int)ks_q_int64(st, 2),
                          .weekdays = (unsigned)(int)ks_q_int64(st, 3),
                          .from = col_date(st, 4),
                          .to = col_date(st, 5)};
    return c->fn(c->ctx, &r) ? KS_ENOMEM : KS_OK;
}

int ks__capacity_each(ks_store *s, const char *jobcenter,
                      int (*fn)(void *ctx, const ks__capacity_row *r), void *ctx, ks_error *err) {
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT jobcenter, caseworker, slots, weekdays, from_day, to_day"
                           " FROM capacity WHERE CAST(?1 AS TEXT) IS NULL OR jobcenter = ?1 ORDER BY seq", &st) != 0)
        return ks__dbfail(s, err, "capacity");
    bind_opt(st, 1, jobcenter);
    cap_ctx c = {fn, ctx};
    int rc = each_row(s, st, "capacity", cap_row, &c, err);
    return rc == KS_ENOMEM ? ks__fail(err, KS_ENOMEM, "out of memory") : rc;
}

typedef struct worker_ctx {
    int (*fn)(void *ctx, const char *jobcenter, const char *caseworker);
    void *ctx;
} worker_ctx;

static int worker_row(void *ctx, ks_q *st) {
    worker_ctx *c = ctx;
    return c->fn(c->ctx, col_text(st, 0), col_text(st, 1)) ? KS_ENOMEM : KS_OK;
}

int ks__sched_workers(ks_store *s, const char *jobcenter,
                      int (*fn)(void *ctx, const char *jobcenter, const char *caseworker),
                      void *ctx, ks_error *err) {
    /* the caseworkers with cases (the index cases(jobcenter, caseworker)) and
     * those with capacity of their own */
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT jobcenter, caseworker FROM cases"
                           " WHERE caseworker IS NOT NULL AND (CAST(?1 AS TEXT) IS NULL OR jobcenter = ?1)"
                           " UNION SELECT jobcenter, caseworker FROM capacity"
                           " WHERE caseworker IS NOT NULL AND (CAST(?1 AS TEXT) IS NULL OR jobcenter = ?1)"
                           " ORDER BY 1, 2", &st) != 0)
        return ks__dbfail(s, err, "caseworkers");
    bind_opt(st, 1, jobcenter);
    worker_ctx c = {fn, ctx};
    int rc = each_row(s, st, "caseworkers", worker_row, &c, err);
    return rc == KS_ENOMEM ? ks__fail(err, KS_ENOMEM, "out of memory") : rc;
}

typedef struct need_ctx {
    int (*fn)(void *ctx, const ks__need_row *r);
    void *ctx;
} need_ctx;

static int need_row(void *ctx, ks_q *st) {
    need_ctx *c = ctx;
    ks__need_row r = {.case_id = col_text(st, 0),
                      .jobcenter = col_text(st, 1),
                      .caseworker = col_text(st, 2),
                      .rule = col_text(st, 3),
                      .generation = col_text(st, 4),
                      .group = col_text(st, 5),
                      .from = col_date(st, 6),
                      .deadline = col_date(st, 7),
                      .required = (int)ks_q_int64(st, 8),
                      .counted = (int)ks_q_int64(st, 9),
                      .quota = !ks_q_is_null(st, 10),
                      .forms = (unsigned)ks_q_int64(st, 11),
                      .agenda = (int)ks_q_int64(st, 12)};
    return c->fn(c->ctx, &r) ? KS_ENOMEM : KS_OK;
}

int ks__sched_needs(ks_store *s, const char *jobcenter, kt_date oldest, kt_date today,
                    kt_date end, int (*fn)(void *ctx, const ks__need_row *r), void *ctx,
                    ks_error *err) {
    /* The open and overdue conversation duties whose deadline is on or after
     * `oldest` and whose window opens by the horizon's end, of courses still
     * running on today: one range scan of the covering index by deadline
     * (jobcentre and caseworker are in it, schema 4; forms and agenda,
     * schema 6). */
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT o.case_id, o.jobcenter, o.caseworker, o.rule, o.generation, o.grp,"
            " o.window_from, o.deadline, o.required, o.counted, o.quota, o.forms, o.agenda"
            " FROM obligations o INDEXED BY obligations_by_deadline"
            " WHERE o.deadline >= ?1 AND o.status IN ('open', 'overdue') AND o.kind = 'samtale'"
            "   AND o.window_from <= ?3 AND o.required > o.counted"
            "   AND (o.course_end IS NULL OR o.course_end >= ?2)"
            "   AND (CAST(?4 AS TEXT) IS NULL OR o.jobcenter = ?4)", &st) != 0)
        return ks__dbfail(s, err, "schedule");
    char a[11], b[11], c3[11];
    bind_date(st, 1, oldest, a);
    bind_date(st, 2, today, b);
    bind_date(st, 3, end, c3);
    bind_opt(st, 4, jobcenter);
    need_ctx c = {fn, ctx};
    int rc = each_row(s, st, "schedule", need_row, &c, err);
    return rc == KS_ENOMEM ? ks__fail(err, KS_ENOMEM, "out of memory") : rc;
}

typedef struct id_ctx {
    int (*fn)(void *ctx, const char *id);
    void *ctx;
} id_ctx;

static int id_row(void *ctx, ks_q *st) {
    id_ctx *c = ctx;
    return c->fn(c->ctx, col_text(st, 0)) ? KS_ENOMEM : KS_OK;
}

int ks__booked_cases(ks_store *s, const char *jobcenter, int (*fn)(void *ctx, const char *id),
                     void *ctx, ks_error *err) {
    /* the partial index events_booket (schema 5); the WHERE repeats its terms */
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT DISTINCT e.case_id FROM events e JOIN cases c ON c.id = e.case_id"
                           " WHERE e.kind = 'event' AND e.body LIKE '%\"type\":\"booket\"%'"
                           "   AND (CAST(?1 AS TEXT) IS NULL OR c.jobcenter = ?1) ORDER BY 1", &st) != 0)
        return ks__dbfail(s, err, "bookings");
    bind_opt(st, 1, jobcenter);
    id_ctx c = {fn, ctx};
    int rc = each_row(s, st, "bookings", id_row, &c, err);
    return rc == KS_ENOMEM ? ks__fail(err, KS_ENOMEM, "out of memory") : rc;
}

typedef struct win_ctx {
    int (*fn)(void *ctx, const char *rule, kt_date from, kt_date to);
    void *ctx;
} win_ctx;

static int win_row(void *ctx, ks_q *st) {
    win_ctx *c = ctx;
    return c->fn(c->ctx, col_text(st, 0), col_date(st, 1), col_date(st, 2)) ? KS_ENOMEM : KS_OK;
}

int ks__case_windows(ks_store *s, const char *case_id,
                     int (*fn)(void *ctx, const char *rule, kt_date from, kt_date to), void *ctx,
                     ks_error *err) {
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT rule, window_from, deadline FROM obligations"
                           " WHERE case_id = ?1 AND status IN ('open', 'overdue')"
                           "   AND kind = 'samtale' AND deadline IS NOT NULL ORDER BY idx", &st) != 0)
        return ks__dbfail(s, err, "windows");
    ks_q_bind_text_static(st, 1, case_id, -1);
    win_ctx c = {fn, ctx};
    int rc = each_row(s, st, "windows", win_row, &c, err);
    return rc == KS_ENOMEM ? ks__fail(err, KS_ENOMEM, "out of memory") : rc;
}

typedef struct jc_ctx {
    char *out;
    int n;
} jc_ctx;

static int jc_row(void *ctx, ks_q *st) {
    jc_ctx *c = ctx;
    if (c->n++ == 0) snprintf(c->out, 65, "%s", col_text(st, 0));
    return KS_OK;
}

int ks__caseworker_jobcenter(ks_store *s, const char *caseworker, char out[65], int *count,
                             ks_error *err) {
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT jobcenter FROM cases WHERE caseworker = ?1"
                           " UNION SELECT jobcenter FROM capacity WHERE caseworker = ?1 ORDER BY 1", &st) != 0)
        return ks__dbfail(s, err, "caseworker");
    ks_q_bind_text_static(st, 1, caseworker, -1);
    jc_ctx c = {out, 0};
    *out = 0;
    int rc = each_row(s, st, "caseworker", jc_row, &c, err);
    *count = c.n;
    return rc;
}
