/* api_schedule.c -- GET /v1/schedule (issue 14, Planlægning): ks_schedule
 * for the token's own jobcentre, as the JSON of `kontakt db schedule
 * --format json` (docs/schedule.md). Every role may read it (a caseworker
 * plans the week; `caseworker=` narrows the rows). Logged as a caseload
 * query, without a case id. And GET /v1/caseworkers/{id}/calendar.ics: the
 * caseworker's booked conversations. */
#include "ics.h"
#include "srv.h"
#include "store_glue.h"

#include "plan.h" /* kt_agenda */

#include <stdio.h>
#include <string.h>
#include <time.h>

static void date_json(kt_sb *b, kt_date d) {
    char t[11];
    kt_date_format(d, t);
    kt_sb_fmt(b, "\"%s\"", t);
}

typedef struct sj {
    kt_sb items, days, shortfall, summary;
    long n_items, n_days, n_short, n_sum;
} sj;

static int sj_item(void *ctx, const ks_schedule_item *it) {
    sj *j = ctx;
    kt_sb *b = &j->items;
    if (j->n_items++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"date\":");
    date_json(b, it->date);
    kt_sb_str(b, ",\"caseworker\":");
    kt_sb_json_str(b, it->caseworker);
    kt_sb_str(b, ",\"case_id\":");
    kt_sb_json_str(b, it->case_id);
    if (it->seq) kt_sb_fmt(b, ",\"seq\":%ld", it->seq); /* the booking's number */
    else kt_sb_str(b, ",\"seq\":null");
    kt_sb_fmt(b, ",\"booked\":%s,\"late\":%s,\"holder\":\"%s\",\"forms\":[",
              it->booked ? "true" : "false", it->late ? "true" : "false",
              it->joint ? "faelles" : "jobcenter");
    int n = 0;
    for (int f = 0; f < KT_FORM_COUNT; f++)
        if (it->forms >> f & 1u) kt_sb_fmt(b, "%s\"%s\"", n++ ? "," : "", kt_form_name(f));
    kt_sb_str(b, "],\"duties\":[");
    for (size_t i = 0; i < it->n_duties; i++) {
        kt_sb_str(b, i ? ",{\"rule\":" : "{\"rule\":");
        kt_sb_json_str(b, it->duties[i].rule);
        kt_sb_str(b, ",\"window\":{\"from\":");
        date_json(b, it->duties[i].window_from);
        kt_sb_str(b, ",\"to\":");
        date_json(b, it->duties[i].deadline);
        kt_sb_fmt(b, "},\"quota\":%s,\"provisional\":%s}", it->duties[i].quota ? "true" : "false",
                  it->duties[i].provisional ? "true" : "false");
    }
    kt_sb_str(b, "],\"agenda\":");
    if (it->agenda >= 1 && it->agenda <= KT_AGENDA_COUNT) {
        const kt_agenda_item *a = &kt_agenda[it->agenda - 1];
        kt_sb_fmt(b, "{\"conversation\":%d,\"when\":", a->conversation);
        kt_sb_json_str(b, a->when);
        kt_sb_str(b, ",\"topics\":[");
        for (int t = 0; t < KT_AGENDA_MAX_TOPICS && a->topics[t]; t++) {
            if (t) kt_sb_chr(b, ',');
            kt_sb_json_str(b, a->topics[t]);
        }
        kt_sb_str(b, "],\"source\":{\"seed\":");
        kt_sb_json_str(b, kt_agenda_seed);
        kt_sb_str(b, "}}");
    } else {
        kt_sb_str(b, "null");
    }
    kt_sb_chr(b, '}');
    return 0;
}

static int sj_day(void *ctx, const ks_schedule_day *d) {
    sj *j = ctx;
    kt_sb *b = &j->days;
    if (j->n_days++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"caseworker\":");
    kt_sb_json_str(b, d->caseworker);
    kt_sb_str(b, ",\"date\":");
    date_json(b, d->date);
    kt_sb_fmt(b, ",\"slots\":%d,\"used\":%d,\"overfull\":%s}", d->slots, d->used,
              d->overfull ? "true" : "false");
    return 0;
}

static int sj_short(void *ctx, const ks_schedule_short *s) {
    sj *j = ctx;
    kt_sb *b = &j->shortfall;
    if (j->n_short++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"caseworker\":");
    kt_sb_json_str(b, s->caseworker);
    kt_sb_str(b, ",\"case_id\":");
    kt_sb_json_str(b, s->case_id);
    kt_sb_str(b, ",\"rule\":");
    kt_sb_json_str(b, s->rule);
    kt_sb_str(b, ",\"window\":{\"from\":");
    date_json(b, s->window_from);
    kt_sb_str(b, ",\"to\":");
    date_json(b, s->deadline);
    kt_sb_fmt(b, "},\"late\":%d,\"missing\":%d,\"overdue\":%s,\"quota\":%s,\"provisional\":%s}",
              s->late, s->missing, s->overdue ? "true" : "false", s->quota ? "true" : "false",
              s->provisional ? "true" : "false");
    return 0;
}

static int sj_summary(void *ctx, const ks_schedule_summary *m) {
    sj *j = ctx;
    kt_sb *b = &j->summary;
    if (j->n_sum++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"jobcenter\":");
    kt_sb_json_str(b, m->jobcenter);
    kt_sb_fmt(b,
              ",\"caseworkers\":%ld,\"conversations\":%ld,\"booked\":%ld,\"duties_due\":%ld,"
              "\"short_duties\":%ld,\"overdue_duties\":%ld,\"late\":%ld,\"missing\":%ld,"
              "\"extra_slots\":%ld,\"overfull_days\":%ld,\"quota\":{\"duties\":%ld,"
              "\"exemptions_needed\":%ld,\"share\":",
              m->caseworkers, m->conversations, m->booked, m->duties_due, m->short_duties,
              m->overdue_duties, m->late, m->missing, m->extra_slots, m->overfull_days,
              m->quota_duties, m->quota_exemptions);
    if (m->quota_duties)
        kt_sb_fmt(b, "%.4f", (double)m->quota_exemptions / (double)m->quota_duties);
    else
        kt_sb_str(b, "null");
    kt_sb_fmt(b, ",\"over_25\":%s}}", m->quota_over_25 ? "true" : "false");
    return 0;
}

void api_schedule(ksrv_req *rq, ksrv_resp *rs) {
    ks_schedule_query q;
    ks_schedule_query_init(&q);
    q.as_of = rq->today;
    if (ksrv_query_int(rq, rs, "weeks", 1, 26, &q.weeks) ||
        ksrv_query_date(rq, rs, "as_of", &q.as_of) ||
        ksrv_query_int(rq, rs, "overdue_days", -1, 36600, &q.overdue_days) ||
        ksrv_query_int(rq, rs, "default_slots", 0, 100, &q.default_slots))
        return;
    q.jobcenter = rq->jobcenter;
    q.caseworker = ksrv_query(rq, "caseworker");
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    sj j = {0};
    kt_sb_init_grow(&j.items, SB_DEFAULT_MAX);
    kt_sb_init_grow(&j.days, SB_DEFAULT_MAX);
    kt_sb_init_grow(&j.shortfall, SB_DEFAULT_MAX);
    kt_sb_init_grow(&j.summary, SB_DEFAULT_MAX);
    ks_schedule_sink sink = {sj_item, sj_day, sj_short, sj_summary, &j};
    ks_error e = {0};
    int rc = ks_schedule(st, &q, &sink, &e);
    if (rc == KS_OK && (j.items.err || j.days.err || j.shortfall.err || j.summary.err)) {
        rc = KS_ENOMEM;
        snprintf(e.message, sizeof e.message, "out of memory");
    }
    if (rc != KS_OK) {
        if (rc == KS_EINVALID) ksrv_problem(rs, 400, "invalid-parameter", NULL, e.message, rq->path);
        else ksrv_problem(rs, 503, "store-unavailable", NULL, e.message, rq->path);
    } else {
        kt_date end = q.as_of - kt_date_weekday(q.as_of) + 7 * q.weeks - 1;
        ksrv_json_ok(rs, 200);
        kt_sb *b = &rs->body;
        kt_sb_str(b, "{\"as_of\":");
        date_json(b, q.as_of);
        kt_sb_str(b, ",\"from\":");
        date_json(b, q.as_of);
        kt_sb_str(b, ",\"to\":");
        date_json(b, end);
        kt_sb_fmt(b, ",\"weeks\":%d,\"proposals\":[", q.weeks);
        kt_sb_mem(b, j.items.p, j.items.len);
        kt_sb_str(b, "],\"days\":[");
        kt_sb_mem(b, j.days.p, j.days.len);
        kt_sb_str(b, "],\"shortfall\":[");
        kt_sb_mem(b, j.shortfall.p, j.shortfall.len);
        kt_sb_str(b, "],\"summary\":[");
        kt_sb_mem(b, j.summary.p, j.summary.len);
        long n = 0;
        kt_date oldest = KT_NO_DATE;
        ks_error e2 = {0};
        if (ks_stale_plans(st, q.jobcenter, q.as_of, &n, &oldest, &e2) != KS_OK) n = 0;
        kt_sb_fmt(b, "],\"stale_plans\":%ld}", n);
        ksrv_access_log(rq, rs, st, NULL, "report:schedule", 1);
    }
    kt_sb_free(&j.items);
    kt_sb_free(&j.days);
    kt_sb_free(&j.shortfall);
    kt_sb_free(&j.summary);
}

/* ---- GET /v1/caseworkers/{id}/calendar.ics ---------------------------------------
 * The caseworker's booked conversations (open `booket` events of the token's
 * jobcentre, from today 26 weeks on, ks_bookings) as all-day events. The UID
 * is the booking's (case and number), so a moved booking is the same event
 * on its new day (SEQUENCE: the times it was moved); a cancelled one is left
 * out of the feed, which a subscribing calendar takes as removed (no
 * METHOD:CANCEL: that is for invitations, not a published feed). */

typedef struct cal {
    kt_sb *out, t;
    const char *stamp;
    long n;
} cal;

static void cal_put(cal *c) {
    ics_line(c->out, c->t.p ? c->t.p : "", c->t.len);
    c->t.len = 0;
}

static int cal_item(void *ctx, const ks_booking *bk) {
    cal *c = ctx;
    char day[11], d0[9], d1[9], next[11], idsrc[200], hex[65];
    kt_date_format(bk->date, day);
    kt_date_format(bk->date + 1, next);
    snprintf(d0, sizeof d0, "%.4s%.2s%.2s", day, day + 5, day + 8);
    snprintf(d1, sizeof d1, "%.4s%.2s%.2s", next, next + 5, next + 8);
    snprintf(idsrc, sizeof idsrc, "booket|%s|%ld", bk->case_id, bk->seq);
    ks_sha256_hex(idsrc, strlen(idsrc), hex);
    ics_line(c->out, "BEGIN:VEVENT", 12);
    kt_sb_fmt(&c->t, "UID:%.32s@kontakt", hex);
    cal_put(c);
    kt_sb_fmt(&c->t, "DTSTAMP:%s", c->stamp);
    cal_put(c);
    kt_sb_fmt(&c->t, "SEQUENCE:%d", bk->moves);
    cal_put(c);
    kt_sb_fmt(&c->t, "DTSTART;VALUE=DATE:%s", d0);
    cal_put(c);
    kt_sb_fmt(&c->t, "DTEND;VALUE=DATE:%s", d1);
    cal_put(c);
    kt_sb_str(&c->t, "SUMMARY:");
    ics_text(&c->t, "Samtale (booket): ");
    ics_text(&c->t, bk->case_id);
    cal_put(c);
    ics_line(c->out, "CATEGORIES:kontakt", 18);
    ics_line(c->out, "END:VEVENT", 10);
    c->n++;
    return 0;
}

void api_caseworker_calendar(ksrv_req *rq, ksrv_resp *rs) {
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb body;
    kt_sb_init_grow(&body, SB_DEFAULT_MAX);
    char stamp[20];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    cal c = {.out = &body, .stamp = stamp};
    kt_sb_init_grow(&c.t, SB_DEFAULT_MAX);
    ics_line(&body, "BEGIN:VCALENDAR", 15);
    ics_line(&body, "VERSION:2.0", 11);
    kt_sb_str(&c.t, "PRODID:-//kontakt//kontakt " KT_VERSION "//DA");
    cal_put(&c);
    ics_line(&body, "CALSCALE:GREGORIAN", 18);
    ics_line(&body, "METHOD:PUBLISH", 14);
    kt_sb_str(&c.t, "X-WR-CALNAME:");
    ics_text(&c.t, "Bookede samtaler, ");
    ics_text(&c.t, rq->param);
    cal_put(&c);
    ks_error e = {0};
    int rc = ks_bookings(st, rq->jobcenter, rq->param, rq->today, rq->today + 182, cal_item, &c, &e);
    ics_line(&body, "END:VCALENDAR", 13);
    if (rc == KS_OK && (body.err || c.t.err)) rc = KS_ENOMEM;
    if (rc != KS_OK) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, e.message[0] ? e.message : "out of memory",
                     rq->path);
    } else if (ksrv_access_log(rq, rs, st, NULL, "calendar:caseworker", 1) == 0) {
        rs->status = 200;
        rs->content_type = "text/calendar; charset=utf-8";
        kt_sb_mem(&rs->body, body.p, body.len);
    }
    kt_sb_free(&c.t);
    kt_sb_free(&body);
}

/* ---- GET /v1/bookings[?from&to&caseworker] ------------------------------------------
 * The open bookings of the token's jobcentre (default from today 26 weeks
 * on), by date and case: what the worklist marks and a calendar shows. */

typedef struct bj {
    kt_sb *b;
    long n;
} bj;

static int bj_row(void *ctx, const ks_booking *bk) {
    bj *j = ctx;
    if (j->n++) kt_sb_chr(j->b, ',');
    kt_sb_str(j->b, "{\"case_id\":");
    kt_sb_json_str(j->b, bk->case_id);
    kt_sb_fmt(j->b, ",\"seq\":%ld,\"date\":", bk->seq);
    date_json(j->b, bk->date);
    kt_sb_str(j->b, ",\"caseworker\":");
    kt_sb_json_str(j->b, bk->caseworker);
    kt_sb_chr(j->b, '}');
    return 0;
}

void api_bookings(ksrv_req *rq, ksrv_resp *rs) {
    kt_date from = rq->today, to = KT_NO_DATE;
    if (ksrv_query_date(rq, rs, "from", &from) || ksrv_query_date(rq, rs, "to", &to)) return;
    if (to == KT_NO_DATE) to = from + 182;
    if (to < from) {
        ksrv_problem_field(rs, 400, "", "to", "before from", "a day on or after from", rq->path);
        return;
    }
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb rows;
    kt_sb_init_grow(&rows, SB_DEFAULT_MAX);
    bj j = {&rows, 0};
    ks_error e = {0};
    int rc = ks_bookings(st, rq->jobcenter, ksrv_query(rq, "caseworker"), from, to, bj_row, &j, &e);
    if (rc == KS_OK && rows.err) rc = KS_ENOMEM;
    if (rc != KS_OK) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, e.message[0] ? e.message : "out of memory",
                     rq->path);
    } else if (ksrv_access_log(rq, rs, st, NULL, "report:bookings", 1) == 0) {
        ksrv_json_ok(rs, 200);
        kt_sb *b = &rs->body;
        kt_sb_str(b, "{\"from\":");
        date_json(b, from);
        kt_sb_str(b, ",\"to\":");
        date_json(b, to);
        kt_sb_str(b, ",\"bookings\":[");
        kt_sb_mem(b, rows.p, rows.len);
        kt_sb_str(b, "]}");
    }
    kt_sb_free(&rows);
}
