/* api_reports.c -- GET /v1/worklist, /v1/reports/timeliness, /v1/forecast:
 * /v1/reports/quota: the store's caseload queries (ks_worklist, ks_report,
 * ks_forecast, ks_report_quota) for the
 * token's own jobcentre, as JSON. Authentication and roles are enforced by
 * the router; every call is written to the access log (no case id). */
#include "srv.h"
#include "store_glue.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void date_str(kt_sb *b, kt_date d) {
    if (d == KT_NO_DATE) {
        kt_sb_str(b, "null");
        return;
    }
    char t[11];
    kt_date_format(d, t);
    kt_sb_fmt(b, "\"%s\"", t);
}

/* `,"stale_plans":N,"plans_as_of":D|null,"stale_note":TEXT|null`: plans
 * the answer read that are older than its day (ks_stale_plans), and the
 * Danish line the UI shows for them. */
static void stale_members(kt_sb *b, ks_store *st, const char *jobcenter, kt_date day) {
    long n = 0;
    kt_date oldest = KT_NO_DATE;
    ks_error e = {0};
    if (ks_stale_plans(st, jobcenter, day, &n, &oldest, &e) != KS_OK) n = 0, oldest = KT_NO_DATE;
    kt_sb_fmt(b, ",\"stale_plans\":%ld,\"plans_as_of\":", n);
    date_str(b, n ? oldest : KT_NO_DATE);
    kt_sb_str(b, ",\"stale_note\":");
    if (!n) {
        kt_sb_str(b, "null");
        return;
    }
    char d[11], o[11], note[200];
    kt_date_format(day, d);
    kt_date_format(oldest, o);
    snprintf(note, sizeof note,
             "%ld %s planer beregnet før %s (den ældste pr. %s); de genberegnes i baggrunden, "
             "eller kør kontakt db refresh.", n, n == 1 ? "sag har" : "sager har", d, o);
    kt_sb_json_str(b, note);
}

static void store_failed(ksrv_req *rq, ksrv_resp *rs, int rc, const ks_error *e) {
    if (rc == KS_EINVALID) ksrv_problem(rs, 400, "invalid-parameter", NULL, e->message, rq->path);
    else ksrv_problem(rs, 503, "store-unavailable", NULL, e->message, rq->path);
}

/* ---- worklist ------------------------------------------------------------------- */

typedef struct wl {
    kt_sb *b;
    long n, limit;
    int more;
} wl;

static int wl_item(void *ctx, const ks_worklist_item *it) {
    wl *w = ctx;
    kt_sb *b = w->b;
    if (w->n == w->limit) { /* the store gave one more than the page */
        w->more = 1;
        return 1;
    }
    if (w->n++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"case\":");
    kt_sb_json_str(b, it->case_id);
    kt_sb_str(b, ",\"caseworker\":");
    if (*it->caseworker) kt_sb_json_str(b, it->caseworker);
    else kt_sb_str(b, "null");
    kt_sb_str(b, ",\"rule\":");
    kt_sb_json_str(b, it->rule);
    kt_sb_str(b, ",\"group\":");
    kt_sb_json_str(b, it->group);
    kt_sb_str(b, ",\"kind\":");
    kt_sb_json_str(b, it->kind);
    kt_sb_str(b, ",\"benefit\":");
    kt_sb_json_str(b, it->benefit);
    kt_sb_str(b, ",\"generation\":");
    kt_sb_json_str(b, it->generation);
    kt_sb_str(b, ",\"window\":{\"from\":");
    date_str(b, it->window_from);
    kt_sb_str(b, ",\"to\":");
    date_str(b, it->deadline);
    kt_sb_fmt(b, "},\"days_left\":%d,\"required\":%d,\"counted\":%d,\"status\":", it->days_left,
           it->required, it->counted);
    kt_sb_json_str(b, it->status);
    kt_sb_str(b, ",\"why\":");
    kt_sb_json_str(b, it->why);
    kt_sb_str(b, ",\"source\":{\"law\":");
    kt_sb_json_str(b, it->law);
    kt_sb_str(b, ",\"seed\":");
    kt_sb_json_str(b, it->seed);
    kt_sb_chr(b, '}');
    /* the marks the UI shows ("75 %-regel", "foreløbig"), as a plan's */
    if (it->quota >= 0)
        kt_sb_fmt(b, ",\"quota\":{\"share\":0.75,\"holder\":\"%s\"}", kt_holder_name(it->quota));
    else kt_sb_str(b, ",\"quota\":null");
    kt_sb_str(b, it->provisional ? ",\"provisional\":true" : ",\"provisional\":false");
    kt_sb_str(b, ",\"course_end\":");
    date_str(b, it->course_end);
    kt_sb_chr(b, '}');
    return 0;
}

/* The counts of a worklist are of the whole set: one pass over every
 * obligation of the window with its case looked up, 20-30 ms on a
 * 100,000-case store, where a page costs a millisecond. So they are kept
 * for WL_COUNTS_TTL seconds per query (jobcentre, caseworker, days), and
 * dropped at once when this server has answered a write (ksrv_writes). A
 * write by another process (the CLI) shows in the counts within the TTL;
 * the items are always read anew. Once a count is older than the TTL, one
 * request computes it again while the others still answer with the old one
 * (for up to WL_COUNTS_STALE seconds): 20 requests arriving together do
 * not all count the whole list at once. */
#define WL_COUNTS_TTL 5
#define WL_COUNTS_STALE 60
#define WL_COUNTS_SLOTS 64

typedef struct wl_counts {
    char key[200];
    time_t at;
    unsigned long writes;
    int refreshing; /* a request is counting again */
    long open, overdue;
} wl_counts;

static pthread_mutex_t wl_mu = PTHREAD_MUTEX_INITIALIZER;
static wl_counts wl_cache[WL_COUNTS_SLOTS];

static int counts_key(const ksrv_req *rq, const ks_worklist_query *q, char *key, size_t size) {
    int n = snprintf(key, size, "%p|%s|%s|%ld|%d|%d|%d", (const void *)rq->srv,
                     q->jobcenter ? q->jobcenter : "", q->caseworker ? q->caseworker : "",
                     (long)q->as_of, q->within_days, q->overdue_days, q->with_ended);
    return n > 0 && (size_t)n < size;
}

static int counts_get(const char *key, long *open, long *overdue) {
    time_t now = time(NULL);
    unsigned long w = ksrv_writes();
    int hit = 0;
    pthread_mutex_lock(&wl_mu);
    for (int i = 0; i < WL_COUNTS_SLOTS && !hit; i++) {
        wl_counts *c = &wl_cache[i];
        if (!c->at || c->writes != w || strcmp(c->key, key)) continue;
        int fresh = now - c->at < WL_COUNTS_TTL;
        if (!fresh && !c->refreshing) {
            c->refreshing = 1; /* this request counts again; the others use these */
            break;
        }
        if (fresh || now - c->at < WL_COUNTS_STALE) {
            *open = c->open;
            *overdue = c->overdue;
            hit = 1;
        }
    }
    pthread_mutex_unlock(&wl_mu);
    return hit;
}

static void counts_put(const char *key, unsigned long writes, long open, long overdue) {
    time_t now = time(NULL);
    pthread_mutex_lock(&wl_mu);
    wl_counts *slot = &wl_cache[0];
    for (int i = 0; i < WL_COUNTS_SLOTS; i++) { /* the same key, else the oldest */
        if (!strcmp(wl_cache[i].key, key)) {
            slot = &wl_cache[i];
            break;
        }
        if (wl_cache[i].at < slot->at) slot = &wl_cache[i];
    }
    snprintf(slot->key, sizeof slot->key, "%s", key);
    slot->at = now;
    slot->writes = writes;
    slot->refreshing = 0;
    slot->open = open;
    slot->overdue = overdue;
    pthread_mutex_unlock(&wl_mu);
}

/* The caseworker's list (docs/decisions.md, "The default Arbejdsliste"):
 * by default what is due in the next 7 days and what went overdue in the
 * last 30, what can still be met on time first, a page of 50; the counts
 * are of the whole set. */
#define WL_WITHIN 7
#define WL_OVERDUE 30
#define WL_PAGE 50

void api_worklist(ksrv_req *rq, ksrv_resp *rs) {
    ks_worklist_query q;
    ks_worklist_query_init(&q);
    q.as_of = rq->today;
    q.within_days = WL_WITHIN;
    q.overdue_days = WL_OVERDUE;
    q.order = KS_WL_DUE_FIRST;
    int limit = WL_PAGE, offset = 0, ended = 0; /* ?limit= up to 1,000: a page, not an export */
    if (ksrv_query_date(rq, rs, "as_of", &q.as_of) ||
        ksrv_query_int(rq, rs, "within", 0, 3660, &q.within_days) ||
        ksrv_query_int(rq, rs, "overdue_days", -1, 36600, &q.overdue_days) ||
        ksrv_query_int(rq, rs, "limit", 1, 1000, &limit) ||
        ksrv_query_int(rq, rs, "offset", 0, 100000000, &offset) ||
        ksrv_query_int(rq, rs, "ended", 0, 1, &ended))
        return;
    const char *status = ksrv_query(rq, "status");
    if (status && *status) {
        if (strcmp(status, "open") && strcmp(status, "overdue")) {
            ksrv_problem(rs, 400, "invalid-parameter", NULL,
                         "status must be open or overdue.", rq->path);
            return;
        }
        q.status = status;
    }
    const char *order = ksrv_query(rq, "order");
    if (order && *order) {
        if (!strcmp(order, "deadline")) q.order = KS_WL_BY_DEADLINE;
        else if (strcmp(order, "due_first")) {
            ksrv_problem(rs, 400, "invalid-parameter", NULL,
                         "order must be due_first or deadline.", rq->path);
            return;
        }
    }
    q.with_ended = ended;
    q.limit = limit + 1; /* one more tells whether there is more */
    q.offset = offset;
    q.jobcenter = rq->jobcenter;
    const char *cw = ksrv_query(rq, "caseworker");
    if (cw && *cw) q.caseworker = cw;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb items;
    kt_sb_init_grow(&items, SB_DEFAULT_MAX);
    wl w = {.b = &items, .limit = limit};
    ks_error e = {0};
    long n_open = 0, n_overdue = 0;
    char key[200];
    int cacheable = counts_key(rq, &q, key, sizeof key), rc = KS_OK;
    if (!cacheable || !counts_get(key, &n_open, &n_overdue)) {
        unsigned long writes = ksrv_writes(); /* before the read: a write meanwhile drops it */
        rc = ks_worklist_counts(st, &q, &n_open, &n_overdue, &e);
        if (rc == KS_OK && cacheable) counts_put(key, writes, n_open, n_overdue);
    }
    if (rc == KS_OK) rc = ks_worklist(st, &q, wl_item, &w, &e);
    if (rc != KS_OK) {
        kt_sb_free(&items);
        store_failed(rq, rs, rc, &e);
        return;
    }
    long total = !q.status ? n_open + n_overdue : !strcmp(q.status, "open") ? n_open : n_overdue;
    ksrv_json_ok(rs, 200);
    kt_sb_str(&rs->body, "{\"as_of\":");
    date_str(&rs->body, q.as_of);
    kt_sb_str(&rs->body, ",\"until\":");
    date_str(&rs->body, q.as_of + q.within_days);
    kt_sb_str(&rs->body, ",\"oldest\":");
    date_str(&rs->body, q.overdue_days < 0 ? KT_NO_DATE : q.as_of - q.overdue_days);
    kt_sb_fmt(&rs->body, ",\"order\":\"%s\",\"counts\":{\"open\":%ld,\"overdue\":%ld},\"total\":%ld",
              q.order == KS_WL_DUE_FIRST ? "due_first" : "deadline", n_open, n_overdue, total);
    kt_sb_fmt(&rs->body, ",\"offset\":%d,\"limit\":%d,\"items\":[", offset, limit);
    kt_sb_mem(&rs->body, items.p, items.len);
    kt_sb_fmt(&rs->body, "],\"count\":%ld,\"more\":%s", w.n, w.more ? "true" : "false");
    if (w.more) kt_sb_fmt(&rs->body, ",\"next_offset\":%ld", (long)offset + w.n);
    stale_members(&rs->body, st, q.jobcenter, q.as_of);
    kt_sb_chr(&rs->body, '}');
    kt_sb_free(&items);
    ksrv_access_log(rq, rs, st, NULL, "worklist", 1);
}

/* ---- timeliness ------------------------------------------------------------------- */

/* One row of counts; the charts name the key "month" and the share "share". */
typedef struct rp {
    kt_sb *b;
    int n;
    const char *key_name, *share_name;
} rp;

static void share(kt_sb *b, double s) {
    if (s < 0) kt_sb_str(b, "null");
    else kt_sb_fmt(b, "%.4f", s);
}

static int rp_row(void *ctx, const ks_report_row *r) {
    rp *p = ctx;
    if (p->n++) kt_sb_chr(p->b, ',');
    kt_sb_fmt(p->b, "{\"%s\":", p->key_name);
    kt_sb_json_str(p->b, r->key);
    kt_sb_fmt(p->b, ",\"met\":%ld,\"late\":%ld,\"missed\":%ld,\"open\":%ld,\"exempt\":%ld,\"lapsed\":%ld,"
                 "\"%s\":",
           r->met, r->late, r->missed, r->open, r->exempt, r->lapsed, p->share_name);
    share(p->b, r->on_time_share);
    kt_sb_chr(p->b, '}');
    return 0;
}

static int rp_star(void *ctx, const ks_star_row *r) {
    rp *p = ctx;
    if (p->n++) kt_sb_chr(p->b, ',');
    kt_sb_str(p->b, "{\"key\":");
    kt_sb_json_str(p->b, r->key);
    kt_sb_fmt(p->b, ",\"persons\":%ld,\"with_four\":%ld,\"share\":", r->persons, r->with_four);
    share(p->b, r->share);
    kt_sb_fmt(p->b, ",\"meets_80\":%s}", r->meets_line ? "true" : "false");
    return 0;
}

/* For the charts, from one query by group and month:
 * [{"group":g,"months":[{"month":m,...}]}, ...]; rows come ordered by group. */
typedef struct charts {
    rp months;
    char group[16];
    int groups;
} charts;

static int chart_row(void *ctx, const ks_report_row *r) {
    charts *c = ctx;
    if (c->groups == 0 || strncmp(c->group, r->key, sizeof c->group) != 0) {
        kt_sb_str(c->months.b, c->groups++ ? "]},{\"group\":" : "{\"group\":");
        kt_sb_json_str(c->months.b, r->key);
        kt_sb_str(c->months.b, ",\"months\":[");
        snprintf(c->group, sizeof c->group, "%s", r->key);
        c->months.n = 0;
    }
    ks_report_row m = *r;
    m.key = r->key2;
    return rp_row(&c->months, &m);
}

/* A report's period and day from the query (from, to, as_of); by default
 * the twelve months up to yesterday, as of today. Nonzero: answered 400. */
static int report_period(ksrv_req *rq, ksrv_resp *rs, kt_date *from, kt_date *to, kt_date *as_of) {
    int y, m, d;
    kt_date_to_ymd(rq->today, &y, &m, &d);
    *from = kt_date_from_ymd(y - 1, m, 1);
    *to = rq->today - 1;
    *as_of = rq->today;
    return ksrv_query_date(rq, rs, "from", from) || ksrv_query_date(rq, rs, "to", to) ||
           ksrv_query_date(rq, rs, "as_of", as_of);
}

/* The `by` query parameter, read by parse (-1 for a value it does not
 * know): *by set if given. Nonzero: answered 400 naming the `expected`. */
static int report_by(ksrv_req *rq, ksrv_resp *rs, int (*parse)(const char *),
                     const char *expected, int *by) {
    const char *v = ksrv_query(rq, "by");
    if (!v) return 0;
    int b = parse(v);
    if (b < 0) {
        ksrv_problem_field(rs, 400, "", "by", "unknown value", expected, rq->path);
        return 1;
    }
    *by = b;
    return 0;
}

/* Nonzero (answered 400) if the period ends before it begins. */
static int period_backwards(ksrv_req *rq, ksrv_resp *rs, kt_date from, kt_date to) {
    if (to >= from) return 0;
    ksrv_problem_field(rs, 400, "", "to", "before from", "a date on or after from", rq->path);
    return 1;
}

void api_timeliness(ksrv_req *rq, ksrv_resp *rs) {
    ks_report_query q = {.by = KS_BY_GROUP};
    if (report_period(rq, rs, &q.from, &q.to, &q.as_of)) return;
    int by = q.by;
    if (report_by(rq, rs, ks_report_by_parse, "one of all, group, month, jobcenter, caseworker", &by))
        return;
    q.by = (ks_report_by)by;
    if (period_backwards(rq, rs, q.from, q.to)) return;
    q.jobcenter = rq->jobcenter;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb body;
    kt_sb_init_grow(&body, SB_DEFAULT_MAX);
    kt_sb_str(&body, "{\"from\":");
    date_str(&body, q.from);
    kt_sb_str(&body, ",\"to\":");
    date_str(&body, q.to);
    kt_sb_str(&body, ",\"as_of\":");
    date_str(&body, q.as_of);
    kt_sb_str(&body, ",\"by\":");
    kt_sb_json_str(&body, ks_report_by_names[q.by]);
    kt_sb_str(&body, ",\"rows\":[");
    kt_sb star;
    kt_sb_init_grow(&star, SB_DEFAULT_MAX);
    rp rows = {.b = &body, .key_name = "key", .share_name = "on_time_share"}, stars = {.b = &star};
    ks_error e = {0};
    int rc = ks_report(st, &q, rp_row, NULL, &rows, &e);
    if (rc == KS_OK) rc = ks_report(st, &q, NULL, rp_star, &stars, &e);
    if (rc != KS_OK) {
        kt_sb_free(&body);
        kt_sb_free(&star);
        store_failed(rq, rs, rc, &e);
        return;
    }
    kt_sb_str(&body, "],\"star\":{\"line\":0.8,\"rows\":[");
    kt_sb_mem(&body, star.p, star.len);
    kt_sb_str(&body, "]},\"groups\":[");
    ks_report_query qc = q;
    qc.by = KS_BY_GROUP_MONTH;
    charts c = {.months = {.b = &body, .key_name = "month", .share_name = "share"}};
    rc = ks_report(st, &qc, chart_row, NULL, &c, &e);
    if (c.groups) kt_sb_str(&body, "]}");
    kt_sb_chr(&body, ']');
    stale_members(&body, st, q.jobcenter, q.as_of);
    kt_sb_chr(&body, '}');
    kt_sb_free(&star);
    if (rc != KS_OK) {
        kt_sb_free(&body);
        store_failed(rq, rs, rc, &e);
        return;
    }
    ksrv_json_ok(rs, 200);
    kt_sb_mem(&rs->body, body.p, body.len);
    kt_sb_free(&body);
    ksrv_access_log(rq, rs, st, NULL, "report:timeliness", 1);
}

/* ---- the 75 % of g2026 (conventions.md "Population measures") -------------------- */

typedef struct qr {
    kt_sb *b;
    long n;
} qr;

static int qr_row(void *ctx, const ks_quota_row *r) {
    qr *q = ctx;
    kt_sb *b = q->b;
    if (q->n++) kt_sb_chr(b, ',');
    kt_sb_str(b, "{\"measure\":");
    kt_sb_json_str(b, r->measure);
    kt_sb_str(b, ",\"population\":");
    kt_sb_json_str(b, r->population);
    kt_sb_str(b, ",\"unit\":");
    kt_sb_json_str(b, r->unit);
    kt_sb_str(b, ",\"group\":");
    if (r->group) kt_sb_json_str(b, r->group);
    else kt_sb_str(b, "null");
    kt_sb_str(b, ",\"month\":");
    kt_sb_json_str(b, r->month);
    kt_sb_fmt(b, ",\"cohort\":%ld,\"held\":%ld,\"undtaget\":%ld,\"late\":%ld,\"overdue\":%ld,\"share\":",
           r->cohort, r->held, r->undtaget, r->late, r->overdue);
    share(b, r->share);
    kt_sb_str(b, ",\"flags\":[");
    const char *names[2];
    size_t nf = ks_quota_flag_names(r, names);
    for (size_t i = 0; i < nf; i++) {
        if (i) kt_sb_chr(b, ',');
        kt_sb_json_str(b, names[i]);
    }
    kt_sb_fmt(b, "],\"provisional\":%s}", r->provisional ? "true" : "false");
    return 0;
}

/* Query ?name=true|false (also 1|0); *out unchanged if absent. */
static int query_bool(ksrv_req *rq, ksrv_resp *rs, const char *name, int *out) {
    const char *v = ksrv_query(rq, name);
    if (!v) return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0) *out = 0;
    else {
        ksrv_problem_field(rs, 400, "", name, "not a boolean", "true or false", rq->path);
        return -1;
    }
    return 0;
}

void api_quota(ksrv_req *rq, ksrv_resp *rs) {
    ks_quota_query q;
    ks_quota_query_init(&q);
    if (report_period(rq, rs, &q.from, &q.to, &q.as_of) || query_bool(rq, rs, "rolling", &q.rolling) ||
        query_bool(rq, rs, "star", &q.star))
        return;
    int by = q.by;
    if (report_by(rq, rs, ks_quota_by_parse, "one of month, jobcenter, a_kasse, group", &by)) return;
    q.by = (ks_quota_by)by;
    if (period_backwards(rq, rs, q.from, q.to)) return;
    q.jobcenter = rq->jobcenter; /* a token sees its own jobcentre's cases only */
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb rows;
    kt_sb_init_grow(&rows, SB_DEFAULT_MAX);
    qr w = {.b = &rows};
    ks_error e = {0};
    int rc = ks_report_quota(st, &q, qr_row, &w, &e);
    if (rc != KS_OK) {
        kt_sb_free(&rows);
        store_failed(rq, rs, rc, &e);
        return;
    }
    ksrv_json_ok(rs, 200);
    kt_sb *b = &rs->body;
    kt_sb_str(b, "{\"from\":");
    date_str(b, q.from);
    kt_sb_str(b, ",\"to\":");
    date_str(b, q.to);
    kt_sb_str(b, ",\"as_of\":");
    date_str(b, q.as_of);
    kt_sb_str(b, ",\"by\":");
    kt_sb_json_str(b, ks_quota_by_names[q.by]);
    kt_sb_fmt(b, ",\"provisional\":true,\"line\":%.2f,\"undtaget_ceiling\":%.2f,\"min_judged\":%d,"
              "\"rows\":[",
           KS_QUOTA_LINE, KS_QUOTA_UNDTAGET_CEILING, KS_QUOTA_MIN_JUDGED);
    kt_sb_mem(b, rows.p, rows.len);
    kt_sb_fmt(b, "],\"count\":%ld", w.n);
    stale_members(b, st, q.jobcenter, q.as_of);
    kt_sb_chr(b, '}');
    kt_sb_free(&rows);
    ksrv_access_log(rq, rs, st, NULL, "report:quota", 1);
}

/* ---- forecast --------------------------------------------------------------------- */

#define MAX_WEEKS 104

typedef struct fc {
    kt_sb *b;
    int n;
    long due[MAX_WEEKS], obligations[MAX_WEEKS];
} fc;

static int fc_row(void *ctx, const ks_forecast_row *r) {
    fc *f = ctx;
    if (r->week >= 0 && r->week < MAX_WEEKS) {
        f->due[r->week] += r->conversations;
        f->obligations[r->week] += r->obligations;
    }
    if (f->n++) kt_sb_chr(f->b, ',');
    kt_sb_str(f->b, "{\"caseworker\":");
    if (*r->caseworker) kt_sb_json_str(f->b, r->caseworker);
    else kt_sb_str(f->b, "null");
    kt_sb_fmt(f->b, ",\"week\":%d,\"week_start\":", r->week);
    date_str(f->b, r->week_start);
    kt_sb_fmt(f->b, ",\"conversations\":%ld,\"obligations\":%ld}", r->conversations, r->obligations);
    return 0;
}

/* ISO 8601 week of a Monday, "2026-W48". */
static void iso_week(kt_date monday, char out[16]) {
    kt_date thursday = monday + 3;
    int y, m, d;
    kt_date_to_ymd(thursday, &y, &m, &d);
    int week = (thursday - kt_date_from_ymd(y, 1, 1)) / 7 + 1;
    snprintf(out, 16, "%04d-W%02d", y % 10000, week % 100);
}

void api_forecast(ksrv_req *rq, ksrv_resp *rs) {
    ks_forecast_query q = {.weeks = 12, .as_of = rq->today, .overdue_days = 90};
    if (ksrv_query_int(rq, rs, "weeks", 1, MAX_WEEKS, &q.weeks) ||
        ksrv_query_date(rq, rs, "as_of", &q.as_of) ||
        ksrv_query_int(rq, rs, "overdue_days", -1, 36600, &q.overdue_days))
        return;
    q.jobcenter = rq->jobcenter;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    kt_sb rows;
    kt_sb_init_grow(&rows, SB_DEFAULT_MAX);
    static fc zero;
    fc f = zero;
    f.b = &rows;
    ks_error e = {0};
    int rc = ks_forecast(st, &q, fc_row, &f, &e);
    if (rc != KS_OK) {
        kt_sb_free(&rows);
        store_failed(rq, rs, rc, &e);
        return;
    }
    kt_date monday = q.as_of - kt_date_weekday(q.as_of);
    ksrv_json_ok(rs, 200);
    kt_sb *b = &rs->body;
    kt_sb_str(b, "{\"as_of\":");
    date_str(b, q.as_of);
    kt_sb_fmt(b, ",\"weeks_ahead\":%d,\"weeks\":[", q.weeks);
    for (int i = 0; i < q.weeks; i++) {
        char wk[16];
        iso_week(monday + 7 * i, wk);
        kt_sb_str(b, i ? ",{\"week\":" : "{\"week\":");
        kt_sb_json_str(b, wk);
        kt_sb_str(b, ",\"from\":");
        date_str(b, monday + 7 * i);
        kt_sb_fmt(b, ",\"due\":%ld,\"obligations\":%ld}", f.due[i], f.obligations[i]);
    }
    kt_sb_str(b, "],\"rows\":[");
    kt_sb_mem(b, rows.p, rows.len);
    kt_sb_chr(b, ']');
    stale_members(b, st, q.jobcenter, q.as_of);
    kt_sb_chr(b, '}');
    kt_sb_free(&rows);
    ksrv_access_log(rq, rs, st, NULL, "report:forecast", 1);
}
