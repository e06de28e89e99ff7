/* cmd_db_schedule.c -- `kontakt db capacity set`, `kontakt db book` and
 * `kontakt db schedule` (issue 14, Planlægning). The work is the store's
 * (ks_capacity_set_add, ks_book, ks_schedule); this file parses options and
 * prints. docs/schedule.md. */
#include "dbutil.h"
#include "kontakt_schedule.h"

#include "plan.h" /* kt_agenda: seed 004's agenda by conversation number */

#include <jansson.h>
#include <stdlib.h>
#include <string.h>


/* ---- capacity ----------------------------------------------------------------------- */

static const char capacity_help[] =
    "usage: kontakt db capacity set [--jobcenter J] [--caseworker C] --slots N\n"
    "                               [--weekday mon-fri] [--from DATE] [--to DATE]\n"
    "                               [--db FILE] [--as NAME]\n"
    "\n"
    "Records conversation slots a working day (an appended event; the latest\n"
    "covering a day wins): of caseworker C, or without --caseworker the\n"
    "jobcentre's default for its caseworkers with none of their own. --slots 0\n"
    "for a period records an absence. --weekday takes mon..fri (or man..fre),\n"
    "a range mon-wed or a list mon,wed,fri (default all five). Without\n"
    "--jobcenter, the jobcentre where C has cases. Prints the event's number.\n";

/* Monday..Friday as bits 0..4; -1 if not a weekday name. */
static int weekday_of(const char *s, size_t n) {
    static const char *const en[5] = {"mon", "tue", "wed", "thu", "fri"};
    static const char *const da[5] = {"man", "tir", "ons", "tor", "fre"};
    for (int i = 0; i < 5; i++)
        if (n == 3 && (!strncmp(s, en[i], 3) || !strncmp(s, da[i], 3))) return i;
    return -1;
}

static int parse_weekdays(const char *v, unsigned *out) {
    unsigned m = 0;
    const char *p = v;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *dash = memchr(p, '-', n);
        int a, b;
        if (dash) {
            a = weekday_of(p, (size_t)(dash - p));
            b = weekday_of(dash + 1, n - (size_t)(dash - p) - 1);
        } else {
            a = b = weekday_of(p, n);
        }
        if (a < 0 || b < 0 || b < a) {
            fprintf(stderr, "kontakt: --weekday: expected mon..fri, a range mon-fri or a list "
                            "mon,wed, got '%s'\n", v);
            return -1;
        }
        for (int d = a; d <= b; d++) m |= 1u << d;
        p = comma ? comma + 1 : NULL;
    }
    if (!m) {
        fprintf(stderr, "kontakt: --weekday needs a value\n");
        return -1;
    }
    *out = m;
    return 0;
}

int cmd_db_capacity(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "set")) {
        int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        fputs(capacity_help, help ? stdout : stderr);
        return help ? EXIT_OK : EXIT_INVALID;
    }
    db_common c = {0};
    ks_capacity_set cs = {.slots = -1, .from = KT_NO_DATE, .to = KT_NO_DATE};
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = db_base_opt(&c, argc, argv, &i, capacity_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!v) return db_needs_value(k);
        if (!strcmp(k, "--jobcenter")) cs.jobcenter = v;
        else if (!strcmp(k, "--caseworker")) cs.caseworker = v;
        else if (!strcmp(k, "--slots")) {
            if (cli_parse_int_arg("--slots", v, 0, 100, &cs.slots)) return EXIT_INVALID;
        } else if (!strcmp(k, "--weekday")) {
            if (parse_weekdays(v, &cs.weekdays)) return EXIT_INVALID;
        } else if (!strcmp(k, "--from")) {
            if (cli_parse_date_arg("--from", v, &cs.from)) return EXIT_INVALID;
        } else if (!strcmp(k, "--to")) {
            if (cli_parse_date_arg("--to", v, &cs.to)) return EXIT_INVALID;
        } else {
            return db_unknown(k, capacity_help);
        }
        i++;
    }
    if (cs.slots < 0) {
        fprintf(stderr, "kontakt: give --slots N (0..100)\n\n%s", capacity_help);
        return EXIT_INVALID;
    }
    if (!cs.jobcenter && !cs.caseworker) {
        fprintf(stderr, "kontakt: give --caseworker C or --jobcenter J\n\n%s", capacity_help);
        return EXIT_INVALID;
    }
    ks_store *s;
    int st = db_open(&c, 0, &s);
    if (st) return st;
    ks_error e = {0};
    char jc[65];
    if (!cs.jobcenter) {
        if (ks_caseworker_jobcenter(s, cs.caseworker, jc, &e) != KS_OK) {
            st = db_fail(&e);
            ks_close(s);
            return st;
        }
        cs.jobcenter = jc;
    }
    db_log_write(s, &c, NULL, "capacity");
    long seq = 0;
    if (ks_capacity_set_add(s, &cs, &seq, &e) != KS_OK) st = db_fail(&e);
    else printf("%ld\n", seq);
    ks_close(s);
    return st;
}

/* ---- book ----------------------------------------------------------------------------- */

static const char book_help[] =
    "usage: kontakt db book CASE --date DATE [--caseworker C] [--db FILE] [--as NAME]\n"
    "       kontakt db book CASE --move SEQ --date DATE [--caseworker C]\n"
    "       kontakt db book CASE --cancel SEQ\n"
    "\n"
    "Books a conversation of CASE on DATE with caseworker C (default the case's):\n"
    "an event `booket` (case-format.md) that the schedule respects: it takes a\n"
    "slot that day and meets the duties whose window holds the day. A\n"
    "conversation held, or a no-show, on or after the day closes it. Booking a\n"
    "closed day or a day outside every window of the case's open conversation\n"
    "duties is recorded with a warning naming the window. Prints the event's\n"
    "number, the booking's number; the same booking again is recorded once.\n"
    "\n"
    "--move SEQ moves booking SEQ (its number, as `db schedule --format json`\n"
    "gives it) to DATE, with C (default the booking's own caseworker); --cancel\n"
    "SEQ cancels it. Both correct the booking's event (a correction, or a\n"
    "retraction) and print the booking's number, which it keeps; a closed or\n"
    "cancelled booking is refused. The same move again writes nothing.\n";

static void book_problem(void *ctx, long line, const char *pointer, const char *message,
                         const char *expected, int column) {
    (void)line;
    (void)column;
    fprintf(stderr, "kontakt: %s: %s: %s", (const char *)ctx,
            pointer && *pointer ? pointer : "(booking)", message);
    if (expected && *expected) fprintf(stderr, " (expected %s)", expected);
    fputc('\n', stderr);
}

static int parse_seq(const char *opt, const char *v, long *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1) {
        fprintf(stderr, "kontakt: %s: '%s' is not a booking's number (an event seq >= 1)\n", opt, v);
        return -1;
    }
    *out = n;
    return 0;
}

/* --move / --cancel: ks_book_move, ks_book_cancel. */
static int rebook(ks_store *s, const char *case_id, long move, long cancel, kt_date date,
                  const char *cw) {
    ks_error e = {0};
    ks_booking_change ch;
    int rc = cancel ? ks_book_cancel(s, case_id, cancel, &ch, &e)
                    : ks_book_move(s, case_id, move, date, cw, book_problem, (void *)case_id, &ch, &e);
    if (rc != KS_OK) return db_fail(&e);
    char was[11], now[11];
    kt_date_format(ch.was_date, was);
    kt_date_format(ch.date, now);
    if (cancel)
        fprintf(stderr, "kontakt: booking %ld of case %s (%s) cancelled by event %ld\n", ch.seq,
                case_id, was, ch.correction);
    else if (ch.already)
        fprintf(stderr, "kontakt: booking %ld of case %s is on %s with %s already: nothing was "
                        "written\n", ch.seq, case_id, now, ch.caseworker[0] ? ch.caseworker : "-");
    else
        fprintf(stderr, "kontakt: booking %ld of case %s moved from %s to %s (%s) by event %ld\n",
                ch.seq, case_id, was, now, ch.caseworker[0] ? ch.caseworker : "-", ch.correction);
    if (ch.warning[0]) fprintf(stderr, "kontakt: advarsel: %s\n", ch.warning);
    printf("%ld\n", ch.seq);
    return EXIT_OK;
}

int cmd_db_book(int argc, char **argv) {
    db_common c = {0};
    const char *case_id = NULL, *cw = NULL;
    kt_date date = KT_NO_DATE;
    long move = 0, cancel = 0;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = db_base_opt(&c, argc, argv, &i, book_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (k[0] != '-') {
            if (case_id) return db_unknown(k, book_help);
            case_id = k;
            continue;
        }
        if (!v) return db_needs_value(k);
        if (!strcmp(k, "--date")) {
            if (cli_parse_date_arg("--date", v, &date)) return EXIT_INVALID;
        } else if (!strcmp(k, "--caseworker")) {
            cw = v;
        } else if (!strcmp(k, "--move")) {
            if (parse_seq(k, v, &move)) return EXIT_INVALID;
        } else if (!strcmp(k, "--cancel")) {
            if (parse_seq(k, v, &cancel)) return EXIT_INVALID;
        } else {
            return db_unknown(k, book_help);
        }
        i++;
    }
    if (cancel && (move || date != KT_NO_DATE || cw)) {
        fprintf(stderr, "kontakt: --cancel SEQ takes no --move, --date or --caseworker\n\n%s",
                book_help);
        return EXIT_INVALID;
    }
    if (!case_id || (!cancel && date == KT_NO_DATE)) {
        fprintf(stderr, "kontakt: give CASE and --date DATE (or --cancel SEQ)\n\n%s", book_help);
        return EXIT_INVALID;
    }
    ks_store *s;
    int st = db_open(&c, 0, &s);
    if (st) return st;
    db_log_write(s, &c, case_id, cancel ? "cancel:booking" : move ? "rebook" : "book");
    if (move || cancel) {
        st = rebook(s, case_id, move, cancel, date, cw);
        ks_close(s);
        return st;
    }
    ks_error e = {0};
    long seq = 0;
    int already = 0;
    char warning[300];
    if (ks_book(s, case_id, date, cw, book_problem, (void *)case_id, &seq, &already, warning,
                sizeof warning, &e) != KS_OK) {
        st = db_fail(&e);
    } else {
        if (already)
            fprintf(stderr, "kontakt: case %s already has this booking (event %ld): nothing was "
                            "written\n", case_id, seq);
        if (*warning) fprintf(stderr, "kontakt: advarsel: %s\n", warning);
        printf("%ld\n", seq);
    }
    ks_close(s);
    return st;
}

/* ---- schedule ----------------------------------------------------------------------- */

static const char schedule_help[] =
    "usage: kontakt db schedule [--weeks N] [--as-of DATE] [--jobcenter J] [--caseworker C]\n"
    "                           [--default-slots N] [--overdue-days DAYS]\n"
    "                           [--format text|json|csv] [--db FILE]\n"
    "\n"
    "Proposes a day and a caseworker for every conversation that open duties still\n"
    "need from DATE (default today) to the Sunday of week N (default 6, at most\n"
    "26): on working days (no weekends, public holidays, Grundlovsdag, 24 and 31\n"
    "December), inside each duty's window, within each caseworker's slots (`db\n"
    "capacity set`; --default-slots N where none is recorded, default 0). Open\n"
    "bookings (`db book`) take their slot. The objective (docs/schedule.md): no\n"
    "deadline missed that the capacity allows to meet, then the fewest late, then\n"
    "the earliest deadlines first, then an even load. Says what cannot be met on\n"
    "time, the over-full days, the slots that would be needed, and for g2026's\n"
    "75 % duties how many exemptions by a konkret vurdering would be needed.\n"
    "Recomputed each time, never stored. CSV gives the proposals only (the\n"
    "summary on stderr).\n";

typedef struct sc_ctx {
    out_format f;
    int first;
    json_t *days, *shortfall, *summary; /* JSON: gathered, printed after the proposals */
    long overfull_shown, short_shown;
} sc_ctx;

static json_t *jdate(kt_date d) {
    char b[11];
    kt_date_format(d, b);
    return json_string(b);
}

static void forms_text(unsigned forms, char *buf, size_t n, const char *sep) {
    buf[0] = 0;
    size_t len = 0;
    for (int f = 0; f < KT_FORM_COUNT; f++) {
        if (!(forms >> f & 1u)) continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? sep : "", kt_form_name(f));
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
}

static int sc_item(void *ctx, const ks_schedule_item *it) {
    sc_ctx *p = ctx;
    char day[11], forms[64], rules[512];
    kt_date_format(it->date, day);
    rules[0] = 0;
    size_t len = 0;
    int provisional = 0;
    for (size_t i = 0; i < it->n_duties; i++) {
        provisional |= it->duties[i].provisional;
        int w = snprintf(rules + len, sizeof rules - len, "%s%s", i ? (p->f == OUT_CSV ? ";" : ", ") : "",
                         it->duties[i].rule);
        if (w < 0 || (size_t)w >= sizeof rules - len) break;
        len += (size_t)w;
    }
    if (p->f == OUT_JSON) {
        json_t *f = json_array(), *du = json_array();
        for (int k = 0; k < KT_FORM_COUNT; k++)
            if (it->forms >> k & 1u) json_array_append_new(f, json_string(kt_form_name(k)));
        for (size_t i = 0; i < it->n_duties; i++)
            json_array_append_new(
                du, json_pack("{s:s,s:{s:o,s:o},s:b,s:b}", "rule", it->duties[i].rule, "window", "from",
                              jdate(it->duties[i].window_from), "to", jdate(it->duties[i].deadline),
                              "quota", it->duties[i].quota, "provisional", it->duties[i].provisional));
        json_t *ag = json_null();
        if (it->agenda >= 1 && it->agenda <= KT_AGENDA_COUNT) {
            const kt_agenda_item *a = &kt_agenda[it->agenda - 1];
            json_t *topics = json_array();
            for (int t = 0; t < KT_AGENDA_MAX_TOPICS && a->topics[t]; t++)
                json_array_append_new(topics, json_string(a->topics[t]));
            ag = json_pack("{s:i,s:s,s:o,s:{s:s}}", "conversation", a->conversation, "when", a->when,
                           "topics", topics, "source", "seed", kt_agenda_seed);
        }
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:o,s:o,s:o}", "date", day, "jobcenter",
                              it->jobcenter, "caseworker", it->caseworker, "case_id", it->case_id,
                              "booked", it->booked, "late", it->late, "holder",
                              it->joint ? "faelles" : "jobcenter", "forms", f, "duties", du,
                              "agenda", ag);
        if (!o) return 0;
        /* a booking's number (db book --move/--cancel), null for a proposal */
        json_object_set_new(o, "seq", it->seq ? json_integer(it->seq) : json_null());
        char *t = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (t) printf("%s\n  %s", p->first ? "" : ",", t);
        free(t);
        p->first = 0;
    } else if (p->f == OUT_CSV) {
        forms_text(it->forms, forms, sizeof forms, ";");
        printf("%s,", day);
        db_csv_field(it->jobcenter, 0);
        db_csv_field(it->caseworker, 0);
        db_csv_field(it->case_id, 0);
        printf("%s,%d,%s,%s,", it->booked ? "booket" : "forslag", it->late,
               it->joint ? "faelles" : "jobcenter", forms);
        if (it->agenda) printf("%d", it->agenda);
        putchar(',');
        db_csv_field(rules, 1);
    } else {
        forms_text(it->forms, forms, sizeof forms, "/");
        char ag[8] = "";
        if (it->agenda) snprintf(ag, sizeof ag, "%d", it->agenda);
        printf("%s  %-16s %-16s %-7s %-26s %-9s %s%s%s%s\n", day, it->caseworker, it->case_id,
               it->booked ? "booket" : "forslag", forms, ag[0] ? ag : "-", rules,
               it->joint ? " [fælles med a-kassen]" : "", it->late ? " [efter fristen]" : "",
               provisional ? " [foreløbig]" : "");
    }
    return 0;
}

static int sc_day(void *ctx, const ks_schedule_day *d) {
    sc_ctx *p = ctx;
    if (p->f == OUT_JSON) {
        json_array_append_new(p->days, json_pack("{s:s,s:s,s:o,s:i,s:i,s:b}", "jobcenter",
                                                 d->jobcenter, "caseworker", d->caseworker, "date",
                                                 jdate(d->date), "slots", d->slots, "used", d->used,
                                                 "overfull", d->overfull));
    } else if (p->f == OUT_TEXT && d->overfull) {
        char day[11];
        kt_date_format(d->date, day);
        if (!p->overfull_shown++) printf("\nOverfyldte dage (alle pladser brugt, mens pligter venter ud over fristen):\n");
        printf("  %s  %-16s %d af %d pladser\n", day, d->caseworker, d->used, d->slots);
    }
    return 0;
}

static int sc_short(void *ctx, const ks_schedule_short *sh) {
    sc_ctx *p = ctx;
    if (p->f == OUT_JSON) {
        json_array_append_new(
            p->shortfall,
            json_pack("{s:s,s:s,s:s,s:s,s:{s:o,s:o},s:i,s:i,s:b,s:b,s:b}", "jobcenter", sh->jobcenter,
                      "caseworker", sh->caseworker, "case_id", sh->case_id, "rule", sh->rule,
                      "window", "from", jdate(sh->window_from), "to", jdate(sh->deadline), "late",
                      sh->late, "missing", sh->missing, "overdue", sh->overdue, "quota", sh->quota,
                      "provisional", sh->provisional));
    } else if (p->f == OUT_TEXT) {
        char dl[11];
        kt_date_format(sh->deadline, dl);
        if (!p->short_shown++) printf("\nKan ikke nås rettidigt med kapaciteten:\n");
        printf("  %s  %-16s %-16s %-22s", dl, sh->caseworker[0] ? sh->caseworker : "-", sh->case_id,
               sh->rule);
        if (sh->overdue) printf(" allerede forfalden;");
        if (sh->late) printf(" %d efter fristen;", sh->late);
        if (sh->missing) printf(" %d uden tid i perioden;", sh->missing);
        printf("%s%s\n", sh->quota ? " [75 %-regel]" : "", sh->provisional ? " [foreløbig]" : "");
    }
    return 0;
}

static int sc_summary(void *ctx, const ks_schedule_summary *m) {
    sc_ctx *p = ctx;
    double share = m->quota_duties ? (double)m->quota_exemptions / (double)m->quota_duties : -1;
    if (p->f == OUT_JSON) {
        json_array_append_new(
            p->summary,
            json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:o,s:b}}",
                      "jobcenter", m->jobcenter, "caseworkers", (json_int_t)m->caseworkers,
                      "conversations", (json_int_t)m->conversations, "booked",
                      (json_int_t)m->booked, "duties_due", (json_int_t)m->duties_due,
                      "short_duties", (json_int_t)m->short_duties, "overdue_duties",
                      (json_int_t)m->overdue_duties, "late", (json_int_t)m->late, "missing",
                      (json_int_t)m->missing, "extra_slots", (json_int_t)m->extra_slots,
                      "overfull_days", (json_int_t)m->overfull_days, "quota", "duties",
                      (json_int_t)m->quota_duties, "exemptions_needed",
                      (json_int_t)m->quota_exemptions, "share",
                      share < 0 ? json_null() : json_real(share), "over_25", m->quota_over_25));
        return 0;
    }
    FILE *out = p->f == OUT_CSV ? stderr : stdout;
    fprintf(out,
            "%sJobcenter %s: %ld sagsbehandlere; %ld samtaler foreslået, %ld booket. %ld pligter "
            "med frist i perioden: %ld kan ikke nås rettidigt (%ld samtaler efter fristen, %ld "
            "uden tid), %ld var forfaldne i forvejen. Der mangler %ld pladser; %ld overfyldte "
            "dage.\n",
            p->f == OUT_CSV ? "kontakt: " : "\n", m->jobcenter, m->caseworkers, m->conversations,
            m->booked, m->duties_due, m->short_duties, m->late, m->missing, m->overdue_duties,
            m->extra_slots, m->overfull_days);
    if (m->quota_duties)
        fprintf(out,
                "%s75 %%-regler (g2026, foreløbig): %ld pligter i perioden; %ld ville kræve "
                "undtagelse efter konkret vurdering for at passe til kapaciteten (%.0f %%)%s. "
                "kontakt undtager ingen: det er sagsbehandlerens vurdering.\n",
                p->f == OUT_CSV ? "kontakt: " : "", m->quota_duties, m->quota_exemptions,
                100.0 * share, m->quota_over_25 ? ", OVER 25 %" : "");
    return 0;
}

int cmd_db_schedule(int argc, char **argv) {
    db_common c = {0};
    ks_schedule_query q;
    ks_schedule_query_init(&q);
    out_format f = OUT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = db_base_opt(&c, argc, argv, &i, schedule_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!v) return db_needs_value(k);
        if (!strcmp(k, "--weeks")) {
            if (cli_parse_int_arg("--weeks", v, 1, 26, &q.weeks)) return EXIT_INVALID;
        } else if (!strcmp(k, "--as-of")) {
            if (cli_parse_date_arg("--as-of", v, &q.as_of)) return EXIT_INVALID;
        } else if (!strcmp(k, "--jobcenter")) {
            q.jobcenter = v;
        } else if (!strcmp(k, "--caseworker")) {
            q.caseworker = v;
        } else if (!strcmp(k, "--default-slots")) {
            if (cli_parse_int_arg("--default-slots", v, 0, 100, &q.default_slots)) return EXIT_INVALID;
        } else if (!strcmp(k, "--overdue-days")) {
            if (cli_parse_int_arg("--overdue-days", v, -1, 36600, &q.overdue_days)) return EXIT_INVALID;
        } else if (!strcmp(k, "--format")) {
            if (db_parse_format(v, &f)) return EXIT_INVALID;
        } else {
            return db_unknown(k, schedule_help);
        }
        i++;
    }
    ks_store *s;
    int st = db_open(&c, 0, &s);
    if (st) return st;
    if ((st = db_log(s, &c, NULL, "schedule"))) {
        ks_close(s);
        return st;
    }
    if (q.as_of == KT_NO_DATE) q.as_of = ks_today(s);
    kt_date end = q.as_of - kt_date_weekday(q.as_of) + 7 * q.weeks - 1;
    char day[11], last[11];
    kt_date_format(q.as_of, day);
    kt_date_format(end, last);
    sc_ctx p = {.f = f, .first = 1};
    if (f == OUT_JSON) {
        p.days = json_array();
        p.shortfall = json_array();
        p.summary = json_array();
        printf("{\"as_of\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"weeks\":%d,\"proposals\":[", day,
               day, last, q.weeks);
    } else if (f == OUT_CSV) {
        puts("date,jobcenter,caseworker,case_id,type,late,holder,forms,agenda,rules");
    } else {
        printf("Planlægning pr. %s: %s..%s (%d uger)%s%s%s%s\n\n"
               "Dato        Sagsbehandler    Sag              Type    Form                       "
               "Dagsorden Pligter\n",
               day, day, last, q.weeks, q.jobcenter ? ", jobcenter " : "", q.jobcenter ? q.jobcenter : "",
               q.caseworker ? ", sagsbehandler " : "", q.caseworker ? q.caseworker : "");
    }
    ks_schedule_sink sink = {sc_item, sc_day, sc_short, sc_summary, &p};
    ks_error e = {0};
    if (ks_schedule(s, &q, &sink, &e) != KS_OK) {
        st = db_fail(&e);
        if (f == OUT_JSON) printf("]}\n");
    } else if (f == OUT_JSON) {
        char *d = json_dumps(p.days, JSON_COMPACT), *sh = json_dumps(p.shortfall, JSON_COMPACT),
             *sm = json_dumps(p.summary, JSON_COMPACT);
        long stale = 0;
        kt_date oldest = KT_NO_DATE;
        ks_error e2 = {0};
        if (ks_stale_plans(s, q.jobcenter, q.as_of, &stale, &oldest, &e2) != KS_OK) stale = 0;
        printf("%s],\"days\":%s,\"shortfall\":%s,\"summary\":%s,\"stale_plans\":%ld}\n",
               p.first ? "" : "\n", d ? d : "[]", sh ? sh : "[]", sm ? sm : "[]", stale);
        free(d);
        free(sh);
        free(sm);
    }
    json_decref(p.days);
    json_decref(p.shortfall);
    json_decref(p.summary);
    return db_close_out(s, st);
}
