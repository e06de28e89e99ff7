/* query.c -- the caseload questions: worklist, timeliness and forecast.
 *
 * All three read the materialised obligations (materialize.c) and never
 * recompute a plan, so they cost one indexed query each. The stored rows are
 * the plan as of the day it was last computed (plans.as_of); a row stored as
 * `open` whose deadline has since passed is read as overdue ("missed" in the
 * report). Windows further ahead than the engine's horizon (180 days) appear
 * once `kontakt db refresh` (ks_refresh) has recomputed the plan.
 * docs/store.md, "Worklist, timeliness, forecast", explains the choices. */
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void date_text(kt_date d, char buf[11]) { kt_date_format(d, buf); }

static kt_date col_date(ks_q *st, int i) {
    const char *t = ks_q_text(st, i);
    kt_date d;
    if (!t || kt_date_parse(t, strlen(t), &d) != KT_OK)
        return KT_NO_DATE;
    return d;
}

static const char *col_str(ks_q *st, int i) {
    const char *t = ks_q_text(st, i);
    return t ? t : "";
}

/* ---- a page of the caseload ------------------------------------------------------ */

int ks_cases_list(ks_store *s, const char *jobcenter, const char *caseworker, const char *after,
                  long limit, int (*fn)(void *ctx, const char *id, const char *caseworker),
                  void *ctx, ks_error *err) {
    /* the index cases(jobcenter, caseworker) holds the id too (WITHOUT ROWID) */
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT id, coalesce(caseworker, '') FROM cases WHERE jobcenter = ?1%s%s"
             " ORDER BY id LIMIT ?4",
             caseworker ? " AND caseworker = ?2" : "", after ? " AND id > ?3" : "");
    ks_q *st = NULL;
    if (ks__prepare(s, sql, &st) != 0)
        return ks__dbfail(s, err, "cases");
    ks_q_bind_text_static(st, 1, jobcenter, -1);
    if (caseworker) ks_q_bind_text_static(st, 2, caseworker, -1);
    if (after) ks_q_bind_text_static(st, 3, after, -1);
    ks_q_bind_int64(st, 4, limit > 0 ? limit : LLONG_MAX); /* no limit (LIMIT -1 is SQLite's alone) */
    int rc = KS_OK, r;
    while ((r = ks_q_step(st)) == KS_Q_ROW)
        if (fn(ctx, col_str(st, 0), col_str(st, 1))) break;
    if (r != KS_Q_ROW && r != KS_Q_DONE) rc = ks__dbfail(s, err, "cases");
    ks_q_finalize(st);
    return rc;
}

/* ---- worklist ------------------------------------------------------------------- */

void ks_worklist_query_init(ks_worklist_query *q) {
    memset(q, 0, sizeof *q);
    q->as_of = KT_NO_DATE;
    q->within_days = 14;
    q->overdue_days = 90;
    q->order = KS_WL_BY_DEADLINE;
}

/* The statement of a worklist query: ?1 and ?2 the range of deadlines, ?3
 * the jobcentre, ?4 the caseworker, ?5 as_of (a course that ended before it
 * is history). The index obligations_by_deadline (schema.c) has the
 * obligations in deadline order with all a worklist shows, their case's
 * jobcentre and caseworker included (schema 4): one range scan of the index
 * alone, no row of `cases` read. */
static int wl_prepare(ks_store *s, const ks_worklist_query *q, const char *what, int rows,
                      ks_q **st, ks_error *err) {
    char sql[1000];
    /* rows in the index's order: SQLite gives them so from INDEXED BY;
     * PostgreSQL's planner may scan the table instead, so it is told */
    snprintf(sql, sizeof sql,
             "SELECT %s FROM obligations o INDEXED BY obligations_by_deadline"
             " WHERE o.status IN ('open', 'overdue') AND o.deadline BETWEEN ?1 AND ?2%s%s%s%s",
             what, q->jobcenter ? " AND o.jobcenter = ?3" : "",
             q->caseworker ? " AND o.caseworker = ?4" : "",
             q->with_ended ? "" : " AND (o.course_end IS NULL OR o.course_end >= ?5)",
             rows && s->pg ? " ORDER BY o.deadline, o.case_id, o.idx" : "");
    *st = NULL;
    if (ks__prepare(s, sql, st) != 0)
        return ks__dbfail(s, err, "worklist");
    if (q->jobcenter) ks_q_bind_text_static(*st, 3, q->jobcenter, -1);
    if (q->caseworker) ks_q_bind_text_static(*st, 4, q->caseworker, -1);
    return KS_OK;
}

static void bind_range(ks_q *st, kt_date lo, kt_date hi, kt_date as_of) {
    char t[11];
    date_text(lo, t);
    ks_q_bind_text(st, 1, t, 10);
    date_text(hi, t);
    ks_q_bind_text(st, 2, t, 10);
    date_text(as_of, t);
    ks_q_bind_text(st, 5, t, 10);
}

/* The query's days: as_of, the last deadline shown and the oldest. */
static int wl_days(ks_store *s, const ks_worklist_query *q, kt_date *as_of, kt_date *until,
                   kt_date *oldest, ks_error *err) {
    *as_of = q->as_of == KT_NO_DATE ? ks_today(s) : q->as_of;
    if (q->within_days < 0 || q->within_days > 3660)
        return ks__fail(err, KS_EINVALID, "--within must be 0..3660 days, not %d", q->within_days);
    if (q->status && strcmp(q->status, "open") && strcmp(q->status, "overdue"))
        return ks__fail(err, KS_EINVALID, "status must be open or overdue, not %s", q->status);
    *until = *as_of + q->within_days;
    *oldest = q->overdue_days < 0 ? kt_date_from_ymd(1900, 1, 1) : *as_of - q->overdue_days;
    return KS_OK;
}

int ks_worklist_counts(ks_store *s, const ks_worklist_query *q, long *open, long *overdue,
                       ks_error *err) {
    kt_date as_of, until, oldest;
    *open = *overdue = 0;
    int rc = wl_days(s, q, &as_of, &until, &oldest, err);
    ks_q *st = NULL;
    if (rc == KS_OK)
        rc = wl_prepare(s, q, "count(*), coalesce(sum(o.deadline < ?5), 0)", 0, &st, err);
    if (rc != KS_OK) return rc;
    bind_range(st, oldest, until, as_of);
    if (ks_q_step(st) == KS_Q_ROW) {
        *overdue = (long)ks_q_int64(st, 1);
        *open = (long)ks_q_int64(st, 0) - *overdue;
    } else {
        rc = ks__dbfail(s, err, "worklist");
    }
    ks_q_finalize(st);
    return rc;
}

int ks_worklist(ks_store *s, const ks_worklist_query *q, ks_worklist_fn fn, void *ctx,
                ks_error *err) {
    kt_date as_of, until, oldest;
    int rc = wl_days(s, q, &as_of, &until, &oldest, err);
    ks_q *st = NULL;
    if (rc == KS_OK)
        rc = wl_prepare(s, q,
                        "o.case_id, o.jobcenter, o.caseworker, o.rule, o.kind, o.benefit,"
                        " o.generation, o.window_from, o.deadline, o.required, o.counted,"
                        " o.stopped, o.beyond, o.grp, o.quota, o.provisional, o.course_end",
                        1, &st, err);
    if (rc != KS_OK) return rc;
    /* The deadline ranges in the order asked: [lo, hi] each, scanned in
     * index order. Open on as_of means a deadline from as_of on. */
    kt_date lo[2], hi[2];
    int nr = 0, want_open = !q->status || !strcmp(q->status, "open"),
        want_over = !q->status || !strcmp(q->status, "overdue");
    if (q->order == KS_WL_DUE_FIRST || q->status) {
        if (want_open) lo[nr] = as_of, hi[nr++] = until;
        if (want_over) lo[nr] = oldest, hi[nr++] = as_of - 1;
    } else {
        lo[nr] = oldest, hi[nr++] = until;
    }
    long skip = q->offset > 0 ? q->offset : 0, left = q->limit > 0 ? q->limit : -1;
    char why[1024], *long_why = NULL;
    int r = KS_Q_DONE, stop = 0;
    for (int k = 0; k < nr && !stop && left != 0; k++) {
        if (lo[k] > hi[k]) continue;
        ks_q_reset(st);
        bind_range(st, lo[k], hi[k], as_of);
        while (left != 0 && (r = ks_q_step(st)) == KS_Q_ROW) {
            if (skip > 0) { /* a page further on: not even its why is made */
                skip--;
                continue;
            }
            ks_worklist_item it;
            it.case_id = col_str(st, 0);
            it.jobcenter = col_str(st, 1);
            it.caseworker = col_str(st, 2);
            it.rule = col_str(st, 3);
            it.kind = col_str(st, 4);
            it.benefit = col_str(st, 5);
            it.generation = col_str(st, 6);
            it.window_from = col_date(st, 7);
            it.deadline = col_date(st, 8);
            it.required = (int)ks_q_int64(st, 9);
            it.counted = (int)ks_q_int64(st, 10);
            it.group = col_str(st, 13);
            it.quota = ks_q_is_null(st, 14) ? -1 : (int)ks_q_int64(st, 14);
            it.provisional = (int)ks_q_int64(st, 15) != 0;
            it.course_end = col_date(st, 16);
            it.days_left = it.deadline - as_of;
            /* read as of as_of, not as stored: an open obligation whose
             * deadline has passed is overdue, and its why says so */
            kt_obligation_facts f = {it.rule, it.generation, *it.group ? it.group : NULL,
                                     it.deadline < as_of ? KT_OVERDUE : KT_OPEN, it.deadline,
                                     KT_NO_DATE, it.required, it.counted, NULL,
                                     (int)ks_q_int64(st, 11), (int)ks_q_int64(st, 12)};
            it.status = f.status == KT_OVERDUE ? "overdue" : "open";
            size_t need = kt_obligation_why(s->engine, &f, why, sizeof why, &it.law, &it.seed);
            it.why = why;
            if (!it.law) it.law = "";
            if (!it.seed) it.seed = "";
            char *grown;
            if (need != (size_t)-1 && need >= sizeof why && (grown = realloc(long_why, need + 1))) {
                long_why = grown;
                kt_obligation_why(s->engine, &f, long_why, need + 1, NULL, NULL);
                it.why = long_why;
            }
            if (left > 0) left--;
            if ((stop = fn(ctx, &it)) != 0) break;
        }
        if (r != KS_Q_ROW && r != KS_Q_DONE) {
            rc = ks__dbfail(s, err, "worklist");
            break;
        }
    }
    ks_q_finalize(st);
    free(long_why);
    return rc;
}

/* ---- timeliness ------------------------------------------------------------------- */

const char *const ks_report_by_names[KS_BY_COUNT] = {"all",        "group",     "month",
                                                      "jobcenter",  "caseworker", "group,month"};

int ks_report_by_parse(const char *s) {
    for (int i = 0; i < KS_BY_COUNT; i++)
        if (strcmp(s, ks_report_by_names[i]) == 0) return i;
    return -1;
}

static const char *key_expr(ks_report_by by) {
    switch (by) {
    case KS_BY_GROUP: return "o.grp";
    case KS_BY_MONTH: return "substr(o.deadline, 1, 7)";
    case KS_BY_JOBCENTER: return "c.jobcenter";
    case KS_BY_CASEWORKER: return "coalesce(c.caseworker, '')";
    case KS_BY_GROUP_MONTH: return "o.grp";
    default: return "'i alt'";
    }
}

/* STAR's follow-up under LAB 2019 (conventions.md, "Population measures"):
 * the all.four_in_six obligations of courses of g2020-g2025b (the measure
 * belongs to those rules; g2026 has its own 75 %, quota.c). Generation names
 * sort in time order. */
#define STAR_WHERE                                                                               \
    "o.rule = 'all.four_in_six' AND o.generation >= 'g2020' AND o.generation < 'g2026'"

/* Prepares one of the report's statements with what both bind: ?1 from,
 * ?2 to, ?3 the day (as_of), ?4 the jobcentre and ?5 the group (NULL, for
 * any, when not given). */
static int report_prepare(ks_store *s, const char *sql, const char *from, const char *to,
                          const char *today, const ks_report_query *q, ks_q **out,
                          ks_error *err) {
    ks_q *st = NULL;
    if (ks__prepare(s, sql, &st) != 0) return ks__dbfail(s, err, "report");
    ks_q_bind_text_static(st, 1, from, -1);
    ks_q_bind_text_static(st, 2, to, -1);
    ks_q_bind_text_static(st, 3, today, -1);
    if (q->jobcenter) ks_q_bind_text_static(st, 4, q->jobcenter, -1);
    if (q->group) ks_q_bind_text_static(st, 5, q->group, -1);
    *out = st;
    return KS_OK;
}

int ks_report(ks_store *s, const ks_report_query *q, ks_report_fn row, ks_star_fn star,
              void *ctx, ks_error *err) {
    if (q->from == KT_NO_DATE || q->to == KT_NO_DATE || q->to < q->from)
        return ks__fail(err, KS_EINVALID, "the report needs --from and --to with from <= to");
    if (q->by < 0 || q->by >= KS_BY_COUNT) return ks__fail(err, KS_EINVALID, "unknown --by");
    kt_date as_of = q->as_of == KT_NO_DATE ? ks_today(s) : q->as_of;
    char from[11], to[11], today[11];
    date_text(q->from, from);
    date_text(q->to, to);
    date_text(as_of, today);
    char sql[1400];
    const char *key = key_expr(q->by);
    const char *key2 = q->by == KS_BY_GROUP_MONTH ? "substr(o.deadline, 1, 7)" : "''";
    /* A row stored `open` whose deadline has passed on as_of is missed. */
    snprintf(sql, sizeof sql,
             "SELECT %s AS k, %s AS k2,"
             " sum(o.status = 'met'), sum(o.status = 'late'),"
             " sum(o.status = 'overdue' OR (o.status = 'open' AND o.deadline < ?3)),"
             " sum(o.status = 'open' AND o.deadline >= ?3),"
             " sum(o.status = 'exempt'), sum(o.status = 'lapsed')"
             " FROM obligations o INDEXED BY obligations_by_deadline CROSS JOIN cases c ON c.id = o.case_id"
             " WHERE o.deadline BETWEEN ?1 AND ?2 AND (?4 IS NULL OR c.jobcenter = ?4)"
             "   AND (?5 IS NULL OR o.grp = ?5)"
             " GROUP BY k, k2 ORDER BY k, k2",
             key, key2);
    ks_q *st = NULL;
    int rc = report_prepare(s, sql, from, to, today, q, &st, err), r = KS_Q_DONE, stop = 0;
    if (rc != KS_OK) return rc;
    while (row && !stop && (r = ks_q_step(st)) == KS_Q_ROW) {
        ks_report_row rw;
        rw.key = col_str(st, 0);
        rw.key2 = col_str(st, 1);
        rw.met = ks_q_int64(st, 2);
        rw.late = ks_q_int64(st, 3);
        rw.missed = ks_q_int64(st, 4);
        rw.open = ks_q_int64(st, 5);
        rw.exempt = ks_q_int64(st, 6);
        rw.lapsed = ks_q_int64(st, 7);
        long due = rw.met + rw.late + rw.missed;
        rw.on_time_share = due ? (double)rw.met / (double)due : -1.0;
        stop = row(ctx, &rw);
    }
    if (!stop && r != KS_Q_DONE) rc = ks__dbfail(s, err, "report");
    ks_q_finalize(st);
    if (rc != KS_OK || stop || !star) return rc;

    /* STAR (LAB 2019): persons whose first 6 months on a benefit ended in the
     * period, not exempt and not ended before; held: the obligation met on
     * time (a late one is not). One person may have several courses: counted
     * per course. */
    snprintf(sql, sizeof sql,
             "SELECT %s AS k, %s AS k2, count(*), sum(o.status = 'met')"
             " FROM obligations o INDEXED BY obligations_by_deadline CROSS JOIN cases c ON c.id = o.case_id"
             " WHERE " STAR_WHERE " AND o.deadline BETWEEN ?1 AND ?2"
             "   AND o.deadline < ?3 AND o.status NOT IN ('exempt', 'lapsed')"
             "   AND (?4 IS NULL OR c.jobcenter = ?4) AND (?5 IS NULL OR o.grp = ?5)"
             " GROUP BY k, k2 ORDER BY k, k2",
             key, key2);
    rc = report_prepare(s, sql, from, to, today, q, &st, err);
    if (rc != KS_OK) return rc;
    stop = 0;
    while (!stop && (r = ks_q_step(st)) == KS_Q_ROW) {
        ks_star_row sr;
        sr.key = col_str(st, 0);
        sr.key2 = col_str(st, 1);
        sr.persons = ks_q_int64(st, 2);
        sr.with_four = ks_q_int64(st, 3);
        sr.share = sr.persons ? (double)sr.with_four / (double)sr.persons : -1.0;
        sr.meets_line = sr.persons && sr.share >= KS_STAR_LINE;
        stop = star(ctx, &sr);
    }
    if (!stop && r != KS_Q_DONE) rc = ks__dbfail(s, err, "report");
    ks_q_finalize(st);
    return rc;
}

/* ---- forecast --------------------------------------------------------------------- */

/* One jobcentre's and caseworker's weeks while the in-memory forecast runs. */
typedef struct fc_acc {
    char jobcenter[65], caseworker[65];
    long conv[104], obl[104];
} fc_acc;

static int fc_flush(fc_acc *a, int weeks, kt_date monday, ks_forecast_fn fn, void *ctx) {
    for (int w = 0; w < weeks; w++) {
        if (!a->obl[w]) continue;
        ks_forecast_row fr = {.jobcenter = a->jobcenter, .caseworker = a->caseworker, .week = w,
                              .week_start = monday + 7 * w, .conversations = a->conv[w],
                              .obligations = a->obl[w]};
        if (fn(ctx, &fr)) return 1;
    }
    memset(a->conv, 0, sizeof a->conv);
    memset(a->obl, 0, sizeof a->obl);
    return 0;
}

/* The forecast from plans computed again with q->engine: the cases in
 * (jobcentre, caseworker) order (the index cases_jobcenter), each planned as
 * of as_of and its open conversation duties summed into that pair's weeks,
 * which are handed out when the pair changes. Same rows, in the same order,
 * as the query over stored plans. */
static int forecast_replan(ks_store *s, const ks_forecast_query *q, kt_date as_of, kt_date monday,
                           kt_date end, kt_date oldest, ks_forecast_fn fn, void *ctx,
                           ks_error *err) {
    ks_q *st = NULL;
    if (ks__prepare(s, "SELECT id, jobcenter, coalesce(caseworker, '') FROM cases"
                             " WHERE ?1 IS NULL OR jobcenter = ?1 ORDER BY jobcenter, caseworker", &st) != 0)
        return ks__dbfail(s, err, "forecast");
    if (q->jobcenter) ks_q_bind_text_static(st, 1, q->jobcenter, -1);
    fc_acc *a = calloc(1, sizeof *a);
    if (!a) {
        ks_q_finalize(st);
        return ks__fail(err, KS_ENOMEM, "out of memory");
    }
    int rc = KS_OK, r, stop = 0, have = 0;
    while (!stop && (r = ks_q_step(st)) == KS_Q_ROW) {
        const char *id = col_str(st, 0), *jc = col_str(st, 1), *cw = col_str(st, 2);
        if (have && (strcmp(jc, a->jobcenter) || strcmp(cw, a->caseworker))) {
            if ((stop = fc_flush(a, q->weeks, monday, fn, ctx))) break;
        }
        snprintf(a->jobcenter, sizeof a->jobcenter, "%s", jc);
        snprintf(a->caseworker, sizeof a->caseworker, "%s", cw);
        have = 1;
        char *cj = NULL;
        if ((rc = ks_case_json(s, id, NULL, &cj, err)) != KS_OK) break;
        kt_case *c = NULL;
        int pr = kt_case_parse(cj, strlen(cj), &c, NULL);
        free(cj);
        if (pr != KT_OK) continue; /* as a migration's replan: a case no longer valid is skipped */
        kt_plan *p = NULL;
        pr = ks__plan(q->engine, as_of, id, c, &p, NULL);
        kt_case_free(c);
        if (pr != KS_OK) continue;
        for (size_t i = 0, n = kt_plan_count(p); i < n; i++) {
            kt_obligation ob;
            kt_plan_get(p, i, &ob);
            if ((ob.status != KT_OPEN && ob.status != KT_OVERDUE) || strcmp(ob.kind, "samtale") ||
                ob.to == KT_NO_DATE || ob.to > end || ob.to < oldest)
                continue;
            int w = ob.to < monday ? 0 : (int)((ob.to - monday) / 7);
            a->conv[w] += ob.required > ob.counted ? ob.required - ob.counted : 0;
            a->obl[w]++;
        }
        kt_plan_free(p);
    }
    if (rc == KS_OK && !stop && r != KS_Q_DONE) rc = ks__dbfail(s, err, "forecast");
    if (rc == KS_OK && !stop && have) fc_flush(a, q->weeks, monday, fn, ctx);
    ks_q_finalize(st);
    free(a);
    return rc;
}

int ks_forecast(ks_store *s, const ks_forecast_query *q, ks_forecast_fn fn, void *ctx,
                ks_error *err) {
    if (q->weeks < 1 || q->weeks > 104)
        return ks__fail(err, KS_EINVALID, "--weeks must be 1..104, not %d", q->weeks);
    kt_date as_of = q->as_of == KT_NO_DATE ? ks_today(s) : q->as_of;
    kt_date monday = as_of - kt_date_weekday(as_of); /* the week as_of falls in */
    kt_date end = monday + 7 * q->weeks - 1;
    if (q->engine)
        return forecast_replan(s, q, as_of, monday, end,
                               q->overdue_days < 0 ? kt_date_from_ymd(1900, 1, 1)
                                                   : as_of - q->overdue_days,
                               fn, ctx, err);
    char mon[11], last[11];
    date_text(monday, mon);
    date_text(end, last);
    /* Conversations still needed: required - counted, for open and overdue
     * conversation duties due by the end of the last week. Overdue ones (due
     * before this week) are work of the first week: they are still owed. */
#define FORECAST_SQL(DAYS)                                                                     \
        "SELECT c.jobcenter, coalesce(c.caseworker, ''),"                                        \
        "       max(0, " DAYS " / 7) AS wk,"                                                     \
        "       sum(max(o.required - o.counted, 0)), count(*)"                                   \
        "  FROM obligations o INDEXED BY obligations_by_deadline CROSS JOIN cases c ON c.id = o.case_id" \
        " WHERE o.status IN ('open', 'overdue') AND o.kind = 'samtale'"                          \
        "   AND o.deadline <= ?2 AND o.deadline >= ?4"                                           \
        "   AND (?3 IS NULL OR c.jobcenter = ?3)"                                                \
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    /* the days from ?1 to the deadline: julianday is SQLite's */
    const char *sql = s->pg ? FORECAST_SQL("(CAST(o.deadline AS date) - CAST(?1 AS date))")
                            : FORECAST_SQL("CAST(julianday(o.deadline) - julianday(?1) AS INTEGER)");
    char oldest[11];
    date_text(q->overdue_days < 0 ? kt_date_from_ymd(1900, 1, 1) : as_of - q->overdue_days,
              oldest);
    ks_q *st = NULL;
    if (ks__prepare(s, sql, &st) != 0)
        return ks__dbfail(s, err, "forecast");
    ks_q_bind_text_static(st, 1, mon, -1);
    ks_q_bind_text_static(st, 2, last, -1);
    if (q->jobcenter) ks_q_bind_text_static(st, 3, q->jobcenter, -1);
    ks_q_bind_text_static(st, 4, oldest, -1);
    int rc = KS_OK, r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        ks_forecast_row fr;
        fr.jobcenter = col_str(st, 0);
        fr.caseworker = col_str(st, 1);
        fr.week = (int)ks_q_int64(st, 2);
        fr.week_start = monday + 7 * fr.week;
        fr.conversations = ks_q_int64(st, 3);
        fr.obligations = ks_q_int64(st, 4);
        if (fn(ctx, &fr)) break;
    }
    if (r != KS_Q_ROW && r != KS_Q_DONE) rc = ks__dbfail(s, err, "forecast");
    ks_q_finalize(st);
    return rc;
}
