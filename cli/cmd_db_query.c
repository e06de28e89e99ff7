/* cmd_db_query.c -- `kontakt db worklist|report|forecast`: the caseload
 * questions, printed as text, JSON or CSV. The work is done by the store
 * (ks_worklist, ks_report, ks_forecast); this file parses options and
 * prints rows. */
#include "dbutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void print_json_line(json_t *o, int *first) {
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!t) return;
    printf("%s\n  %s", *first ? "" : ",", t);
    *first = 0;
    free(t);
}

static json_t *jdate(kt_date d) {
    if (d == KT_NO_DATE) return json_null();
    char b[11];
    kt_date_format(d, b);
    return json_string(b);
}

/* Plans older than the query's day (ks_stale_plans): said in every answer,
 * so that a worklist read before `db refresh` has run is known as such. */
typedef struct stale_info {
    long n;
    kt_date oldest;
} stale_info;

static stale_info stale_of(ks_store *s, const char *jobcenter, kt_date day) {
    stale_info si = {0, KT_NO_DATE};
    ks_error e = {0};
    if (ks_stale_plans(s, jobcenter, day, &si.n, &si.oldest, &e) != KS_OK) si.n = 0;
    return si;
}

/* JSON members `"stale_plans":N,"plans_as_of":D|null` (no braces). */
static void stale_json_members(const stale_info *si) {
    char d[11] = "";
    kt_date_format(si->oldest, d);
    if (si->n) printf(",\"stale_plans\":%ld,\"plans_as_of\":\"%s\"", si->n, d);
    else printf(",\"stale_plans\":0,\"plans_as_of\":null");
}

/* The Danish line: to stdout after text; to stderr with CSV (the rows stay
 * CSV) when csv is 1; not at all (JSON has the members) when csv is -1. */
static void stale_line(const stale_info *si, kt_date day, int csv) {
    if (!si->n || csv < 0) return;
    char d[11], o[11];
    kt_date_format(day, d);
    kt_date_format(si->oldest, o);
    fprintf(csv ? stderr : stdout,
            "%sBemærk: %ld %s planer beregnet før %s (den ældste pr. %s); kør `kontakt db "
            "refresh`.\n",
            csv ? "kontakt: " : "\n", si->n, si->n == 1 ? "sag har" : "sager har", d, o);
}

/* Options every query takes: --db, --as, --as-of, --jobcenter, --format. */
typedef struct qargs {
    db_common c;
    kt_date as_of;
    const char *jobcenter;
    out_format format;
} qargs;

/* 1 taken, 0 not ours, -1 bad, 2 help printed. */
static int query_opt(qargs *a, int argc, char **argv, int *i, const char *help) {
    const char *k = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    int r = db_base_opt(&a->c, argc, argv, i, help);
    if (r) return r;
    if (!strcmp(k, "--as-of")) {
        if (cli_parse_date_arg("--as-of", v, &a->as_of)) return -1;
    } else if (!strcmp(k, "--jobcenter")) {
        if (!v) return db_needs_value(k), -1;
        a->jobcenter = v;
    } else if (!strcmp(k, "--format")) {
        if (db_parse_format(v, &a->format)) return -1;
    } else {
        return 0;
    }
    (*i)++;
    return 1;
}

/* A caseload query reads many cases: it is logged once, without a case,
 * before anything is read; if the row cannot be written, nothing is shown
 * (the store is closed and EXIT_FAIL returned). */
static int log_query(ks_store *s, const qargs *a, const char *what) {
    int st = db_log(s, &a->c, NULL, what);
    if (st) ks_close(s);
    return st;
}

/* ---- worklist ------------------------------------------------------------------- */

static const char worklist_help[] =
    "usage: kontakt db worklist [--as-of DATE] [--within DAYS] [--overdue-days DAYS]\n"
    "                           [--jobcenter J] [--caseworker C] [--limit N]\n"
    "                           [--format text|json|csv] [--db FILE]\n"
    "\n"
    "Every open or overdue obligation whose deadline falls within DAYS (default 14)\n"
    "of DATE (default today), most urgent first, with the case, rule, deadline and\n"
    "why. Overdue obligations older than --overdue-days (default 90; -1 for all)\n"
    "are left out: they belong to the timeliness report, as do those of a course\n"
    "whose benefit ended before DATE. Read from the plans the store keeps up to\n"
    "date; nothing is recomputed.\n";

typedef struct wl_ctx {
    out_format f;
    int first;
    long n, by_status[2];
} wl_ctx;

static int wl_row(void *ctx, const ks_worklist_item *it) {
    wl_ctx *w = ctx;
    char from[11], due[11];
    kt_date_format(it->window_from, from);
    kt_date_format(it->deadline, due);
    w->n++;
    w->by_status[it->status[0] == 'o' && it->status[1] == 'v']++;
    if (w->f == OUT_JSON) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:o,s:o},s:i,s:i,s:i,s:s,s:s,"
                              "s:{s:s,s:s}}",
                              "case", it->case_id, "jobcenter", it->jobcenter, "caseworker",
                              it->caseworker, "rule", it->rule, "group", it->group, "kind",
                              it->kind, "benefit", it->benefit, "generation", it->generation,
                              "window", "from", jdate(it->window_from), "to", jdate(it->deadline),
                              "days_left", it->days_left, "required", it->required, "counted",
                              it->counted, "status", it->status, "why", it->why, "source", "law",
                              it->law, "seed", it->seed);
        if (o) print_json_line(o, &w->first);
    } else if (w->f == OUT_CSV) {
        char dl[16], rq[16], ct[16];
        snprintf(dl, sizeof dl, "%d", it->days_left);
        snprintf(rq, sizeof rq, "%d", it->required);
        snprintf(ct, sizeof ct, "%d", it->counted);
        const char *f[] = {due,       dl, it->status, it->case_id, it->jobcenter, it->caseworker,
                           it->rule,  it->kind, it->benefit, from, rq, ct, it->why};
        size_t nf = sizeof f / sizeof *f;
        for (size_t i = 0; i < nf; i++) db_csv_field(f[i], i + 1 == nf);
    } else {
        printf("%s %5d  %-9s %-16s %-14s %-26s %d/%d  %s\n", due, it->days_left,
               !strcmp(it->status, "overdue") ? "forfalden" : "åben", it->case_id,
               *it->caseworker ? it->caseworker : "-", it->rule, it->counted, it->required,
               it->why);
    }
    return 0;
}

int cmd_db_worklist(int argc, char **argv) {
    qargs a = {.as_of = KT_NO_DATE};
    ks_worklist_query q;
    ks_worklist_query_init(&q);
    long limit = 0;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = query_opt(&a, argc, argv, &i, worklist_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(k, "--within")) {
            if (cli_parse_int_arg("--within", v, 0, 3660, &q.within_days)) return EXIT_INVALID;
        } else if (!strcmp(k, "--overdue-days")) {
            if (cli_parse_int_arg("--overdue-days", v, -1, 36600, &q.overdue_days))
                return EXIT_INVALID;
        } else if (!strcmp(k, "--caseworker")) {
            if (!v) return db_needs_value(k);
            q.caseworker = v;
        } else if (!strcmp(k, "--limit")) {
            int n;
            if (cli_parse_int_arg("--limit", v, 0, 100000000, &n)) return EXIT_INVALID;
            limit = n;
        } else {
            return db_unknown(k, worklist_help);
        }
        i++;
    }
    ks_store *s;
    int st = db_open(&a.c, 0, &s);
    if (st) return st;
    if ((st = log_query(s, &a, "worklist"))) return st;
    q.as_of = a.as_of == KT_NO_DATE ? ks_today(s) : a.as_of;
    q.jobcenter = a.jobcenter;
    q.limit = limit;
    wl_ctx w = {.f = a.format, .first = 1};
    char day[11], until[11];
    kt_date_format(q.as_of, day);
    kt_date_format(q.as_of + q.within_days, until);
    if (a.format == OUT_JSON) printf("{\"as_of\":\"%s\",\"until\":\"%s\",\"items\":[", day, until);
    else if (a.format == OUT_CSV)
        puts("deadline,days_left,status,case,jobcenter,caseworker,rule,kind,benefit,window_from,"
             "required,counted,why");
    else
        printf("Arbejdsliste pr. %s: frister til og med %s\n\n"
               "Frist      Dage  Status    Sag              Sagsbehandler  Regel                      "
               "Talt Hvorfor\n",
               day, until);
    ks_error e = {0};
    if (ks_worklist(s, &q, wl_row, &w, &e) != KS_OK) {
        st = db_fail(&e);
    } else {
        stale_info si = stale_of(s, q.jobcenter, q.as_of);
        if (a.format == OUT_JSON) {
            printf("%s],\"counts\":{\"open\":%ld,\"overdue\":%ld}", w.first ? "" : "\n",
                   w.by_status[0], w.by_status[1]);
            stale_json_members(&si);
            printf("}\n");
        } else if (a.format == OUT_TEXT) {
            printf("\n%ld i alt: %ld åbne, %ld forfaldne\n", w.n, w.by_status[0], w.by_status[1]);
        }
        stale_line(&si, q.as_of, a.format == OUT_JSON ? -1 : a.format == OUT_CSV);
    }
    return db_close_out(s, st);
}

/* ---- timeliness report ------------------------------------------------------------ */

static const char report_help[] =
    "usage: kontakt db report --from DATE --to DATE\n"
    "                         [--by all|group|month|jobcenter|caseworker|group,month]\n"
    "                         [--group G] [--as-of DATE] [--jobcenter J]\n"
    "                         [--format text|json|csv] [--db FILE]\n"
    "       kontakt db report --quota [--from DATE --to DATE]\n"
    "                         [--by month|jobcenter|a_kasse|group] [--no-rolling] [--no-star]\n"
    "                         [--as-of DATE] [--jobcenter J] [--format text|json|csv]\n"
    "\n"
    "Timeliness (rettidighed) of the obligations whose deadline falls in [from, to]:\n"
    "how many were met on time, late, missed, exempt, lapsed or are still open, and\n"
    "the share met on time (met / (met + late + missed)). Also STAR's measure under\n"
    "LAB 2019: of the courses whose first 6 months ended in the period, the share\n"
    "with their all.four_in_six obligation met on time, against the 80 % line\n"
    "(courses of g2020-g2025b only).\n"
    "\n"
    "--quota: the 75 % measure of g2026 (conventions.md, \"Population measures\";\n"
    "PROVISIONAL: an interpretation, the official measure was not available). Per\n"
    "month whose days fall in [from, to] (default: the twelve months up to the\n"
    "day before --as-of), per a-kasse (rule dp.a_kasse_75) and per jobcentre\n"
    "(dp.kommune_75, all.four_in_six_75; also by group dp, kh, uh, ly): the cohort\n"
    "(quota obligations due in the month and before the report's day, neither\n"
    "lapsed nor exempt for another reason than a concrete judgement), held (met on\n"
    "time), undtaget (exempt by a concrete judgement), late, overdue, the share\n"
    "held / cohort, the flags under_75 (share < 75 % of a cohort of 10 or more)\n"
    "and undtaget_over_25, and the same over the six months up to each month\n"
    "(quota_75_rolling). STAR's 80 % (star_80, g2020-g2025b courses) comes in the\n"
    "same rows unless --no-star. --by month lists every row by month; jobcenter\n"
    "the jobcentres' rows (kommune, star); a_kasse the a-kassers'; group the\n"
    "jobcentres' rows of each group. An unknown a-kasse or jobcentre is 'ukendt'.\n"
    "JSON: an array of rows {measure, population, unit, group, month, cohort,\n"
    "held, undtaget, late, overdue, share, flags}; CSV: the same columns, flags\n"
    "joined by ';'.\n";

typedef struct rp_ctx {
    out_format f;
    int first;
    json_t *rows, *star;
} rp_ctx;

static void share_text(double share, char buf[16]) {
    if (share < 0) snprintf(buf, 16, "-");
    else snprintf(buf, 16, "%.1f %%", share * 100.0);
}

static int rp_row(void *ctx, const ks_report_row *in) {
    rp_ctx *p = ctx;
    /* two keys (--by group,month) print as one: "kh 2026-11" */
    char both[160];
    ks_report_row joined = *in;
    const ks_report_row *r = in;
    if (in->key2 && *in->key2) {
        snprintf(both, sizeof both, "%s %s", in->key, in->key2);
        joined.key = both;
        r = &joined;
    }
    if (p->f == OUT_JSON) {
        json_array_append_new(
            p->rows, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "key", r->key, "met",
                               (json_int_t)r->met, "late", (json_int_t)r->late, "missed",
                               (json_int_t)r->missed, "open", (json_int_t)r->open, "exempt",
                               (json_int_t)r->exempt, "lapsed", (json_int_t)r->lapsed,
                               "on_time_share",
                               r->on_time_share < 0 ? json_null() : json_real(r->on_time_share)));
    } else if (p->f == OUT_CSV) {
        printf("timeliness,%s,%ld,%ld,%ld,%ld,%ld,%ld,", r->key, r->met, r->late, r->missed,
               r->open, r->exempt, r->lapsed);
        if (r->on_time_share >= 0) printf("%.4f", r->on_time_share);
        putchar('\n');
    } else {
        char sh[16];
        share_text(r->on_time_share, sh);
        printf("%-16s %9ld %9ld %9ld %9ld %9ld %9ld %9s\n", r->key, r->met, r->late, r->missed,
               r->open, r->exempt, r->lapsed, sh);
    }
    return 0;
}

static int rp_star(void *ctx, const ks_star_row *r) {
    rp_ctx *p = ctx;
    if (p->f == OUT_JSON) {
        json_array_append_new(
            p->star, json_pack("{s:s,s:I,s:I,s:o,s:b}", "key", r->key, "persons",
                               (json_int_t)r->persons, "with_four", (json_int_t)r->with_four,
                               "share", r->share < 0 ? json_null() : json_real(r->share),
                               "meets_80", r->meets_line));
    } else if (p->f == OUT_CSV) {
        printf("star,%s,%ld,%ld,", r->key, r->persons, r->with_four);
        if (r->share >= 0) printf("%.4f", r->share);
        printf(",%s\n", r->meets_line ? "yes" : "no");
    } else {
        if (p->first) {
            printf("\nSTAR-målingen (LAB 2019): forløb med 6 måneder på ydelse, andel med mindst 4 "
                   "samtaler (linjen er 80 %%)\n%-16s %9s %9s %9s\n",
                   "", "forløb", "med 4", "andel");
            p->first = 0;
        }
        char sh[16];
        share_text(r->share, sh);
        printf("%-16s %9ld %9ld %9s  %s\n", r->key, r->persons, r->with_four, sh,
               r->persons == 0 ? "" : r->meets_line ? "over 80 %" : "UNDER 80 %");
    }
    return 0;
}

/* ---- the 75 % measure (--quota) ---------------------------------------------------- */

static const char *quota_measure_da(const char *m) {
    if (!strcmp(m, "quota_75")) return "75 %";
    if (!strcmp(m, "quota_75_rolling")) return "75 % 6 mdr.";
    return "STAR 80 %";
}

static const char *quota_flag_da(const char *f) {
    if (!strcmp(f, "under_75")) return "UNDER 75 %";
    if (!strcmp(f, "under_80")) return "UNDER 80 %";
    return "undtaget over 25 %";
}

typedef struct qr_ctx {
    out_format f;
    int first;
} qr_ctx;

static int qr_row(void *ctx, const ks_quota_row *r) {
    qr_ctx *p = ctx;
    const char *flags[2];
    size_t nf = ks_quota_flag_names(r, flags);
    if (p->f != OUT_JSON) p->first = 0; /* print_json_line clears it for JSON */
    if (p->f == OUT_JSON) {
        json_t *fl = json_array();
        for (size_t i = 0; i < nf; i++) json_array_append_new(fl, json_string(flags[i]));
        json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "measure",
                              r->measure, "population", r->population, "unit", r->unit, "group",
                              r->group ? json_string(r->group) : json_null(), "month", r->month,
                              "cohort", (json_int_t)r->cohort, "held", (json_int_t)r->held,
                              "undtaget", (json_int_t)r->undtaget, "late", (json_int_t)r->late,
                              "overdue", (json_int_t)r->overdue, "share",
                              r->share < 0 ? json_null() : json_real(r->share), "flags", fl);
        if (o) print_json_line(o, &p->first);
    } else if (p->f == OUT_CSV) {
        printf("%s,%s,", r->measure, r->population);
        db_csv_field(r->unit, 0);
        printf("%s,%s,%ld,%ld,%ld,%ld,%ld,", r->group ? r->group : "", r->month, r->cohort,
               r->held, r->undtaget, r->late, r->overdue);
        if (r->share >= 0) printf("%.6g", r->share);
        putchar(',');
        char fl[64] = "";
        for (size_t i = 0; i < nf; i++)
            snprintf(fl + strlen(fl), sizeof fl - strlen(fl), "%s%s", i ? ";" : "", flags[i]);
        db_csv_field(fl, 1);
    } else {
        char sh[16], fl[80] = "";
        share_text(r->share, sh);
        for (size_t i = 0; i < nf; i++)
            snprintf(fl + strlen(fl), sizeof fl - strlen(fl), "%s%s", i ? ", " : "",
                     quota_flag_da(flags[i]));
        if (r->cohort > 0 && r->cohort < KS_QUOTA_MIN_JUDGED && !nf)
            snprintf(fl, sizeof fl, "(under 10: ikke bedømt)");
        printf("%-7s  %-11s  %-8s %-16s %-6s %7ld %6ld %8ld %8ld %8ld %8s%s  %s\n", r->month,
               quota_measure_da(r->measure),
               !strcmp(r->population, "a_kasse") ? "a-kasse" : r->population, r->unit,
               r->group ? r->group : "i alt", r->cohort, r->held, r->undtaget, r->late,
               r->overdue, sh, r->provisional ? "*" : " ", fl);
    }
    return 0;
}

static int quota_report(qargs *a, ks_quota_query *q) {
    ks_store *s;
    int st = db_open(&a->c, 0, &s);
    if (st) return st;
    if ((st = log_query(s, a, "report quota"))) return st;
    q->as_of = a->as_of == KT_NO_DATE ? ks_today(s) : a->as_of;
    q->jobcenter = a->jobcenter;
    if (q->to == KT_NO_DATE) q->to = q->as_of - 1; /* the months up to the report's day */
    if (q->from == KT_NO_DATE) {
        int y, m, d;
        kt_date_to_ymd(q->to, &y, &m, &d);
        m -= 11;
        if (m < 1) m += 12, y--;
        q->from = kt_date_from_ymd(y, m, 1);
    }
    if (q->to < q->from) {
        ks_close(s);
        fprintf(stderr, "kontakt: db report --quota: --from must not be after --to\n");
        return EXIT_INVALID;
    }
    char from[11], to[11], day[11];
    kt_date_format(q->from, from);
    kt_date_format(q->to, to);
    kt_date_format(q->as_of, day);
    qr_ctx p = {.f = a->format, .first = 1};
    if (a->format == OUT_JSON) putchar('[');
    else if (a->format == OUT_CSV)
        puts("measure,population,unit,group,month,cohort,held,undtaget,late,overdue,share,flags");
    else
        printf("75 %%-målingen (g2026), FORELØBIG: en fortolkning; den officielle opgørelse "
               "findes endnu ikke.\n"
               "Måneder %.7s..%.7s, status pr. %s. Holdt = afholdt rettidigt; rækker med * er "
               "foreløbige.\n\n"
               /* by hand: printf pads bytes, and å, ø are two */
               "Måned    Måling       Pop.     Enhed            Gruppe Kohorte  Holdt Undtaget "
               "For sent  Forsømt    Andel   Flag\n",
               from, to, day);
    ks_error e = {0};
    if (ks_report_quota(s, q, qr_row, &p, &e) != KS_OK) {
        st = db_fail(&e);
    } else {
        if (a->format == OUT_JSON) printf("%s]\n", p.first ? "" : "\n");
        else if (a->format == OUT_TEXT && p.first)
            puts("Ingen kvotepligter med frist i perioden.");
        /* JSON is an array of rows: the note goes to stderr as with CSV */
        stale_info si = stale_of(s, q->jobcenter, q->as_of);
        stale_line(&si, q->as_of, a->format != OUT_TEXT);
    }
    return db_close_out(s, st);
}

int cmd_db_report(int argc, char **argv) {
    qargs a = {.as_of = KT_NO_DATE};
    ks_report_query q = {.from = KT_NO_DATE, .to = KT_NO_DATE, .by = KS_BY_ALL};
    ks_quota_query qq;
    ks_quota_query_init(&qq);
    qq.star = 1;
    int quota = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--quota")) quota = 1;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = query_opt(&a, argc, argv, &i, report_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(k, "--quota")) continue;
        if (quota && !strcmp(k, "--no-rolling")) {
            qq.rolling = 0;
            continue;
        }
        if (quota && !strcmp(k, "--no-star")) {
            qq.star = 0;
            continue;
        }
        if (!strcmp(k, "--from")) {
            if (cli_parse_date_arg("--from", v, &q.from)) return EXIT_INVALID;
        } else if (!strcmp(k, "--to")) {
            if (cli_parse_date_arg("--to", v, &q.to)) return EXIT_INVALID;
        } else if (quota && !strcmp(k, "--by")) {
            int b = v ? ks_quota_by_parse(v) : -1;
            if (b < 0) {
                fprintf(stderr, "kontakt: --by: expected month, jobcenter, a_kasse or group, "
                                "got '%s'\n", v ? v : "");
                return EXIT_INVALID;
            }
            qq.by = (ks_quota_by)b;
        } else if (!strcmp(k, "--by")) {
            int b = v ? ks_report_by_parse(v) : -1;
            if (b < 0) {
                fprintf(stderr, "kontakt: --by: expected all, group, month, jobcenter, "
                                "caseworker or group,month, got '%s'\n", v ? v : "");
                return EXIT_INVALID;
            }
            q.by = (ks_report_by)b;
        } else if (!strcmp(k, "--group")) {
            if (!v) return db_needs_value(k);
            q.group = v;
        } else {
            return db_unknown(k, report_help);
        }
        i++;
    }
    if (quota) {
        if (q.group) {
            fprintf(stderr, "kontakt: --group does not go with --quota (see --by group)\n");
            return EXIT_INVALID;
        }
        qq.from = q.from;
        qq.to = q.to;
        return quota_report(&a, &qq);
    }
    if (q.from == KT_NO_DATE || q.to == KT_NO_DATE || q.to < q.from) {
        fprintf(stderr, "kontakt: db report needs --from DATE and --to DATE, from <= to\n");
        return EXIT_INVALID;
    }
    ks_store *s;
    int st = db_open(&a.c, 0, &s);
    if (st) return st;
    if ((st = log_query(s, &a, "report"))) return st;
    q.as_of = a.as_of;
    q.jobcenter = a.jobcenter;
    rp_ctx p = {.f = a.format, .first = 1, .rows = json_array(), .star = json_array()};
    char from[11], to[11], day[11];
    kt_date_format(q.from, from);
    kt_date_format(q.to, to);
    kt_date_format(a.as_of == KT_NO_DATE ? ks_today(s) : a.as_of, day);
    if (a.format == OUT_CSV) puts("measure,key,met,late,missed,open,exempt,lapsed,share");
    else if (a.format == OUT_TEXT)
        printf("Rettidighed: frister %s..%s, status pr. %s\n\n%-16s %9s %9s %9s %9s %9s %9s %9s\n",
               from, to, day, ks_report_by_names[q.by], "rettidig", "for sent", "forsømt",
               "åben", "fritaget", "bortfaldt", "andel");
    ks_error e = {0};
    if (ks_report(s, &q, rp_row, rp_star, &p, &e) != KS_OK) {
        st = db_fail(&e);
    } else {
        kt_date rday = a.as_of == KT_NO_DATE ? ks_today(s) : a.as_of;
        stale_info si = stale_of(s, q.jobcenter, rday);
        if (a.format == OUT_JSON) {
            json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:O,s:{s:f,s:O},s:I,s:o}", "from", from, "to",
                                  to, "as_of", day, "by", ks_report_by_names[q.by], "timeliness",
                                  p.rows, "star", "line", KS_STAR_LINE, "rows", p.star,
                                  "stale_plans", (json_int_t)si.n, "plans_as_of",
                                  jdate(si.oldest));
            char *t = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
            if (t) puts(t);
            free(t);
            json_decref(o);
        } else if (a.format == OUT_TEXT && p.first) {
            printf("\nSTAR-målingen (LAB 2019): ingen forløb nåede 6 måneder i perioden\n");
        }
        stale_line(&si, rday, a.format == OUT_JSON ? -1 : a.format == OUT_CSV);
    }
    json_decref(p.rows);
    json_decref(p.star);
    return db_close_out(s, st);
}

/* ---- workload forecast ------------------------------------------------------------ */

static const char forecast_help[] =
    "usage: kontakt db forecast [--weeks N] [--as-of DATE] [--overdue-days DAYS]\n"
    "                           [--generation G=DATE]... [--jobcenter J]\n"
    "                           [--format text|json|csv] [--db FILE]\n"
    "\n"
    "Conversations due per week (N weeks from the week of DATE, default 12) per\n"
    "jobcentre and caseworker: what each open conversation duty still needs\n"
    "(required - counted), in the week of its deadline. What is overdue (up to\n"
    "--overdue-days, default 90) is counted in the first week: it is still owed.\n"
    "\n"
    "--generation G=DATE (repeatable, as for `kontakt plan`) moves the first day of\n"
    "generation G: every case's plan is then computed again in memory, as of the\n"
    "forecast's day, under those rules (the store is not changed), so the workload\n"
    "under g2026 can be compared with what the older rules would give, e.g.\n"
    "--generation g2027=2099-06-01 --generation g2026=2099-01-01 (g2025b kept in\n"
    "force; g2027 is the first day of law newer than the catalogue). Slower: a\n"
    "plan per case.\n";

typedef struct fc_ctx {
    out_format f;
    int first;
    long total;
} fc_ctx;

static int fc_row(void *ctx, const ks_forecast_row *r) {
    fc_ctx *p = ctx;
    char wk[11];
    kt_date_format(r->week_start, wk);
    p->total += r->conversations;
    if (p->f == OUT_JSON) {
        json_t *o = json_pack("{s:s,s:s,s:i,s:s,s:I,s:I}", "jobcenter", r->jobcenter,
                              "caseworker", r->caseworker, "week", r->week, "week_start", wk,
                              "conversations", (json_int_t)r->conversations, "obligations",
                              (json_int_t)r->obligations);
        if (o) print_json_line(o, &p->first);
    } else if (p->f == OUT_CSV) {
        db_csv_field(r->jobcenter, 0);
        db_csv_field(r->caseworker, 0);
        printf("%d,%s,%ld,%ld\n", r->week, wk, r->conversations, r->obligations);
    } else {
        printf("%-12s %-16s %4d  %s %9ld %9ld\n", r->jobcenter,
               *r->caseworker ? r->caseworker : "-", r->week + 1, wk, r->conversations,
               r->obligations);
    }
    return 0;
}

int cmd_db_forecast(int argc, char **argv) {
    qargs a = {.as_of = KT_NO_DATE};
    ks_forecast_query q = {.weeks = 12, .as_of = KT_NO_DATE, .overdue_days = 90};
    kt_engine *eng = NULL; /* only with --generation */
    int st = EXIT_OK;
    for (int i = 1; i < argc && st == EXIT_OK; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = query_opt(&a, argc, argv, &i, forecast_help);
        if (r == 2) {
            kt_engine_free(eng);
            return EXIT_OK;
        }
        if (r < 0) st = EXIT_INVALID;
        if (r) continue;
        if (!strcmp(k, "--generation")) {
            if (!eng && kt_engine_new(&eng) != KT_OK) {
                fputs("kontakt: out of memory\n", stderr);
                return EXIT_FAIL;
            }
            if (!v || kt_engine_set_generation_arg(eng, v) != KT_OK) {
                fprintf(stderr, "kontakt: --generation takes G=YYYY-MM-DD with G a generation "
                                "(g2014 ... g2027) and the generations kept in order, got '%s'\n",
                        v ? v : "");
                st = EXIT_INVALID;
            }
        } else if (!strcmp(k, "--weeks")) {
            if (cli_parse_int_arg("--weeks", v, 1, 104, &q.weeks)) st = EXIT_INVALID;
        } else if (!strcmp(k, "--overdue-days")) {
            if (cli_parse_int_arg("--overdue-days", v, -1, 36600, &q.overdue_days))
                st = EXIT_INVALID;
        } else {
            st = db_unknown(k, forecast_help);
        }
        i++;
    }
    ks_store *s;
    if (st == EXIT_OK) st = db_open(&a.c, 0, &s);
    if (st == EXIT_OK) st = log_query(s, &a, "forecast");
    if (st) {
        kt_engine_free(eng);
        return st;
    }
    q.engine = eng;
    q.as_of = a.as_of == KT_NO_DATE ? ks_today(s) : a.as_of;
    q.jobcenter = a.jobcenter;
    fc_ctx p = {.f = a.format, .first = 1};
    char day[11];
    kt_date_format(q.as_of, day);
    if (a.format == OUT_JSON) printf("{\"as_of\":\"%s\",\"weeks\":%d,\"rows\":[", day, q.weeks);
    else if (a.format == OUT_CSV) puts("jobcenter,caseworker,week,week_start,conversations,obligations");
    else
        printf("Prognose pr. %s, %d uger: samtaler der skal holdes%s\n\n"
               "Jobcenter    Sagsbehandler    Uge   Mandag       Samtaler  Pligter\n",
               day, q.weeks, eng ? " (planerne beregnet igen med de flyttede generationer)" : "");
    ks_error e = {0};
    if (ks_forecast(s, &q, fc_row, &p, &e) != KS_OK) {
        st = db_fail(&e);
    } else {
        /* with --generation every plan was computed afresh: none is stale */
        stale_info si = eng ? (stale_info){0, KT_NO_DATE} : stale_of(s, q.jobcenter, q.as_of);
        if (a.format == OUT_JSON) {
            printf("%s],\"conversations\":%ld", p.first ? "" : "\n", p.total);
            stale_json_members(&si);
            printf("}\n");
        } else if (a.format == OUT_TEXT) {
            printf("\n%ld samtaler i alt\n", p.total);
        }
        stale_line(&si, q.as_of, a.format == OUT_JSON ? -1 : a.format == OUT_CSV);
    }
    kt_engine_free(eng);
    return db_close_out(s, st);
}
