/* cmd_db.c -- `kontakt db ...`: the durable case store (docs/store.md). */
#define _POSIX_C_SOURCE 200809L
#include "dbutil.h"
#include "kontakt_buf.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char db_help[] =
    "usage: kontakt db <command> [options]\n"
    "\n"
    "The case store: a SQLite file or a PostgreSQL database (--db FILE|URI or\n"
    "$KONTAKT_DB; postgresql://... is PostgreSQL) holding every case\n"
    "as an append-only log of events, with each case's plan kept up to date.\n"
    "\n"
    "commands:\n"
    "  init                   create the store (or bring an old one up to date)\n"
    "  import FILE            NDJSON cases or (--format csv) conversations; all or nothing\n"
    "  export                 every case as NDJSON (imports back to the same plans)\n"
    "  record CASE ...        append a conversation, event, benefit period or category\n"
    "  correct CASE SEQ ...   correct or retract event SEQ of CASE\n"
    "  assign CASE [CW]       give CASE to caseworker CW (none without CW)\n"
    "  show CASE              the case, its events and its plan (--known-at: time travel)\n"
    "  refresh                recompute the stored plans that may have gone stale\n"
    "  worklist               open and overdue obligations due soon, most urgent first\n"
    "  report --from --to     timeliness (rettidighed) and STAR's 4-in-6-months measure\n"
    "  forecast [--weeks N]   conversations due per week, jobcentre and caseworker\n"
    "  capacity set ...       conversation slots a day of a caseworker or a jobcentre\n"
    "  book CASE --date D     book a conversation (the schedule respects it);\n"
    "                         --move SEQ --date D, --cancel SEQ move or cancel one\n"
    "  schedule [--weeks N]   proposed days for every conversation due (Planlægning)\n"
    "  demo --cases N         fill the store with a synthetic caseload\n"
    "  access-log [CASE]      who read or wrote the case, and when\n"
    "  check                  verify the database file (PRAGMA integrity_check)\n"
    "  copy --from A --to B   every row of store A into B, a new empty store (SQLite or PostgreSQL)\n"
    "\n"
    "common options: --db FILE, --as NAME (who is acting; default $USER).\n"
    "Environment: KONTAKT_DB, KONTAKT_TODAY (the day plans are computed for,\n"
    "YYYY-MM-DD; default today), KONTAKT_NOW (fixed recording time, for tests).\n"
    "`kontakt db <command> --help` describes a command.\n"
    "Exit status: 0 success, 2 invalid input, 1 other failure.\n";

static const char init_help[] =
    "usage: kontakt db init [--db FILE]\n"
    "\n"
    "Creates the store, or applies the migrations an older one needs. A file that\n"
    "is not a kontakt database, or is newer than this program, is refused unchanged.\n";

static const char import_help[] =
    "usage: kontakt db import [--db FILE] [--format ndjson|csv] [--jobcenter J] FILE\n"
    "\n"
    "Imports FILE (- = stdin) in one transaction:\n"
    "  ndjson  one case (spec/case-format.md) per line, with the extra members\n"
    "          \"jobcenter\" (else --jobcenter J) and \"caseworker\" (optional)\n"
    "  csv     conversations of cases already in the store, with the header\n"
    "          case_id,date,holder,form,held,topics   (topics separated by ;)\n"
    "If any record is invalid, every problem is printed (FILE:LINE:COL: pointer:\n"
    "message), nothing is written and the exit status is 2. Importing the same\n"
    "file again adds nothing; a changed person or benefit period is recorded as a\n"
    "correction.\n";

static const char export_help[] =
    "usage: kontakt db export [--db FILE]\n"
    "\n"
    "Writes every case as it is now (corrections applied) as NDJSON, one case per\n"
    "line with \"jobcenter\" and \"caseworker\", ordered by id.\n";

static const char record_help[] =
    "usage: kontakt db record CASE [--db FILE] [--as NAME] WHAT\n"
    "\n"
    "Appends one event to CASE and brings its plan up to date. WHAT is one of:\n"
    "  --conversation DATE --holder H --form F [--not-held] [--topic T]...\n"
    "  --event TYPE (--date D | --from D) [--to D] [--reason R] [--what W] [--starts D]\n"
    "               [--holder H]   (undtaget_konkret_vurdering: --date D --holder H [--to D])\n"
    "  --benefit B --from D [--to D] [--first-inquiry D] [--first-sick-day D] [--category C]\n"
    "              [--a-kasse ID]  (dagpenge: the person's a-kasse, for the 75 % measure)\n"
    "  --category C --from D        (a new visitation in the period that day falls in)\n"
    "  --kind KIND --json OBJECT    (any of the above as case-format.md JSON)\n"
    "Prints the event's number (SEQ), which `kontakt db correct` refers to. A record\n"
    "the case already has (the same members) is not recorded again: its SEQ is\n"
    "printed and stderr says so (exit 0). Two conversations of one day that differ\n"
    "in nothing else are told apart by a member such as \"time\" (--json).\n";

static const char correct_help[] =
    "usage: kontakt db correct CASE SEQ [--db FILE] [--as NAME] (--retract | BODY)\n"
    "\n"
    "Appends a correction of event SEQ: --retract withdraws it; otherwise BODY, in\n"
    "the options of `kontakt db record` or --json OBJECT, replaces it. A person is\n"
    "corrected with --person --birth-date D [--youth-education]\n"
    "[--vocational-education] [--repatriering]. Nothing is changed in place.\n";

static const char show_help[] =
    "usage: kontakt db show CASE [--db FILE] [--known-at TIMESTAMP] [--as-of DATE]\n"
    "                          [--format json|text]\n"
    "\n"
    "Prints the case, its events and its plan. --known-at YYYY-MM-DD[THH:MM[:SS[.mmm]]]\n"
    "(UTC; a date alone means the end of that day) leaves out every event recorded\n"
    "later: the plan as the store knew it then, as of that day unless --as-of.\n";

static const char refresh_help[] =
    "usage: kontakt db refresh [--db FILE] [--as-of DATE]\n"
    "\n"
    "Recomputes every stored plan that may be stale on DATE (default today):\n"
    "those whose valid_until (the day before a fact of the case can change the\n"
    "plan) lies before it, or that were computed for a later day; in batches of\n"
    "200 cases, each its own transaction (docs/store.md). Run it daily; `kontakt\n"
    "serve` does it by itself, at start and after midnight.\n";

static const char demo_help[] =
    "usage: kontakt db demo --cases N [--jobcenter J] [--db FILE]\n"
    "\n"
    "Adds N synthetic cases of jobcentre J (default \"demo\") from the benchmark\n"
    "generator, moved in time so that they are current today, with 8 caseworkers.\n";

static const char log_help[] =
    "usage: kontakt db access-log [CASE] [--db FILE]\n"
    "\n"
    "Prints the access log (of CASE, or all): seq, time, who, jobcentre, case, action.\n";

static const char assign_help[] =
    "usage: kontakt db assign CASE [CASEWORKER] [--jobcenter J] [--db FILE] [--as NAME]\n"
    "\n"
    "Gives CASE to CASEWORKER (no CASEWORKER: to nobody), as an assign event.\n"
    "--jobcenter J moves CASE to jobcentre J, unassigned there unless CASEWORKER\n"
    "is given: the only way a case changes jobcentre (an import naming another\n"
    "jobcentre is refused). The move is an assign event and is written in the\n"
    "access log under both jobcentres.\n";

static const char check_help[] =
    "usage: kontakt db check [--db FILE]\n"
    "\n"
    "Runs PRAGMA integrity_check on the store; exit 0 if it is sound.\n";

/* ---- argument handling ------------------------------------------------------- */

typedef struct args {
    db_common c;
    const char *pos[3];
    int npos;
} args;

/* Handles --help, --db, --as and positionals; returns 1 if argv[*i] was one
 * of them, -1 on error (printed), 2 for --help (printed), 0 otherwise. */
static int base_opt(args *a, int argc, char **argv, int *i, const char *help) {
    const char *s = argv[*i];
    int r = db_base_opt(&a->c, argc, argv, i, help);
    if (r < 0) return -1;
    if (r) return r;
    if (s[0] != '-' || strcmp(s, "-") == 0) {
        if (a->npos == 3) {
            fprintf(stderr, "kontakt: too many arguments\n\n%s", help);
            return -1;
        }
        a->pos[a->npos++] = s;
        return 1;
    }
    return 0;
}

/* 0 if v is given, else -1 with db_needs_value's message. */
static int need_value(const char *opt, const char *v) {
    if (v) return 0;
    db_needs_value(opt);
    return -1;
}

/* The option loop of a command that takes only what base_opt takes: 0 to
 * go on, or 1 with *st the exit status (help printed, or an error said). */
static int base_opts_only(args *a, int argc, char **argv, const char *help, int *st) {
    for (int i = 1; i < argc; i++) {
        int r = base_opt(a, argc, argv, &i, help);
        if (r == 2) return *st = EXIT_OK, 1;
        if (r < 0) return *st = EXIT_INVALID, 1;
        if (r == 0) return *st = db_unknown(argv[i], help), 1;
    }
    return 0;
}

static void print_problem(void *ctx, long line, const char *pointer, const char *message,
                          const char *expected, int column) {
    const char *where = ctx;
    if (line > 0) fprintf(stderr, "%s:%ld:%d: ", where, line, column);
    else fprintf(stderr, "kontakt: %s: ", where);
    fprintf(stderr, "%s: %s", pointer && pointer[0] ? pointer : "(record)", message);
    if (expected && expected[0]) fprintf(stderr, " (expected %s)", expected);
    fputc('\n', stderr);
}

/* ---- init, import, export ------------------------------------------------------- */

static int db_init(int argc, char **argv) {
    args a = {0};
    int st;
    if (base_opts_only(&a, argc, argv, init_help, &st)) return st;
    if (a.npos) return db_unknown(a.pos[0], init_help);
    ks_store *s;
    st = db_open(&a.c, KS_OPEN_CREATE, &s);
    if (st) return st;
    printf("%s: kontakt store, schema version %d\n", a.c.path, ks_schema_version(s));
    ks_close(s);
    return EXIT_OK;
}

static int db_import(int argc, char **argv) {
    args a = {0};
    ks_import_options o = {KS_FORMAT_NDJSON, NULL};
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = base_opt(&a, argc, argv, &i, import_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (strcmp(argv[i], "--jobcenter") == 0) {
            if (!v) return db_needs_value(argv[i]);
            o.jobcenter = v;
            i++;
        } else if (strcmp(argv[i], "--format") == 0) {
            if (!v || (strcmp(v, "ndjson") && strcmp(v, "csv"))) {
                fputs("kontakt: --format takes ndjson or csv\n", stderr);
                return EXIT_INVALID;
            }
            o.format = strcmp(v, "csv") == 0 ? KS_FORMAT_CSV : KS_FORMAT_NDJSON;
            i++;
        } else {
            return db_unknown(argv[i], import_help);
        }
    }
    if (a.npos != 1) {
        fprintf(stderr, "kontakt: db import needs one FILE\n\n%s", import_help);
        return EXIT_INVALID;
    }
    const char *file = a.pos[0];
    FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!in) {
        fprintf(stderr, "kontakt: %s: %s\n", file, strerror(errno));
        return EXIT_FAIL;
    }
    ks_store *s;
    int st = db_open(&a.c, KS_OPEN_CREATE, &s);
    if (st) {
        if (in != stdin) fclose(in);
        return st;
    }
    ks_set_db_timeout(s, 0); /* bulk work: no statement deadline (index builds) */
    ks_import_result res;
    ks_error e = {0};
    int rc = ks_import(s, in, &o, print_problem, (void *)file, &res, &e);
    if (in != stdin) fclose(in);
    if (rc == KS_OK) {
        char action[160];
        snprintf(action, sizeof action, "import %ld records: %ld new cases, %ld changed",
                 res.records, res.cases_new, res.cases_changed);
        db_log(s, &a.c, NULL, action);
        printf("%s: %ld records; %ld new cases, %ld changed; %ld events added (%ld corrections)\n",
               file, res.records, res.cases_new, res.cases_changed, res.events, res.corrections);
    } else {
        st = db_fail(&e);
    }
    ks_close(s);
    return st;
}

static int db_export(int argc, char **argv) {
    args a = {0};
    int st;
    if (base_opts_only(&a, argc, argv, export_help, &st)) return st;
    if (a.npos) return db_unknown(a.pos[0], export_help);
    ks_store *s;
    st = db_open(&a.c, 0, &s);
    if (st) return st;
    static char big[1 << 16];
    setvbuf(stdout, big, _IOFBF, sizeof big);
    ks_error e = {0};
    int rc = ks_export(s, cli_write_file, stdout, &e);
    if (rc == KS_OK) db_log(s, &a.c, NULL, "export");
    else st = db_fail(&e);
    return db_close_out(s, st);
}

/* ---- record and correct: a body from options ---------------------------------------- */

typedef struct body_opts {
    int kind; /* ks_kind, -1 = not given */
    json_t *o;
    const char *json;
    int retract, not_held, youth, vocational, repatriering;
    json_t *topics;
    const char *holder, *form, *type, *reason, *what, *benefit, *category, *a_kasse;
    const char *date, *from, *to, *starts, *first_inquiry, *first_sick_day, *birth_date;
} body_opts;

static int set_kind(body_opts *b, int kind, const char *opt) {
    if (b->kind >= 0 && b->kind != kind && !(b->kind == KS_BENEFIT && kind == KS_CATEGORY)) {
        fprintf(stderr, "kontakt: %s: give one kind of record only\n", opt);
        return -1;
    }
    if (b->kind != KS_BENEFIT) b->kind = kind;
    return 0;
}

static int date_opt(const char *opt, const char *v, const char **dst) {
    kt_date d;
    if (cli_parse_date_arg(opt, v, &d)) return -1;
    *dst = v;
    return 0;
}

/* The body options that only set one field: a flag, a text or a date. */
enum { BO_FLAG, BO_TEXT, BO_DATE };
static const struct body_field {
    const char *opt;
    int type;
    size_t off; /* of an int (BO_FLAG) or a const char * in body_opts */
} body_fields[] = {
    {"--json", BO_TEXT, offsetof(body_opts, json)},
    {"--retract", BO_FLAG, offsetof(body_opts, retract)},
    {"--not-held", BO_FLAG, offsetof(body_opts, not_held)},
    {"--youth-education", BO_FLAG, offsetof(body_opts, youth)},
    {"--vocational-education", BO_FLAG, offsetof(body_opts, vocational)},
    {"--repatriering", BO_FLAG, offsetof(body_opts, repatriering)},
    {"--holder", BO_TEXT, offsetof(body_opts, holder)},
    {"--a-kasse", BO_TEXT, offsetof(body_opts, a_kasse)},
    {"--form", BO_TEXT, offsetof(body_opts, form)},
    {"--reason", BO_TEXT, offsetof(body_opts, reason)},
    {"--what", BO_TEXT, offsetof(body_opts, what)},
    {"--date", BO_DATE, offsetof(body_opts, date)},
    {"--from", BO_DATE, offsetof(body_opts, from)},
    {"--to", BO_DATE, offsetof(body_opts, to)},
    {"--starts", BO_DATE, offsetof(body_opts, starts)},
    {"--first-inquiry", BO_DATE, offsetof(body_opts, first_inquiry)},
    {"--first-sick-day", BO_DATE, offsetof(body_opts, first_sick_day)},
    {"--birth-date", BO_DATE, offsetof(body_opts, birth_date)},
};

/* Handles a body option at argv[*i]: 1 taken, 0 not one, -1 error. */
static int body_opt(body_opts *b, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    for (size_t k = 0; k < sizeof body_fields / sizeof body_fields[0]; k++) {
        const struct body_field *f = &body_fields[k];
        if (strcmp(a, f->opt)) continue;
        char *field = (char *)b + f->off;
        if (f->type == BO_FLAG) {
            *(int *)(void *)field = 1;
            return 1;
        }
        if (f->type == BO_DATE ? date_opt(a, v, (const char **)(void *)field) : need_value(a, v))
            return -1;
        if (f->type == BO_TEXT) *(const char **)(void *)field = v;
        (*i)++;
        return 1;
    }
#define VAL() (need_value(a, v) ? -1 : ((*i)++, 0))
    if (!strcmp(a, "--conversation")) {
        if (set_kind(b, KS_CONVERSATION, a) || date_opt(a, v, &b->date)) return -1;
        (*i)++;
    } else if (!strcmp(a, "--event")) {
        if (set_kind(b, KS_EVENT, a) || VAL()) return -1;
        b->type = v;
    } else if (!strcmp(a, "--benefit")) {
        if (VAL()) return -1;
        if (b->kind == KS_CATEGORY) b->kind = -1;
        if (set_kind(b, KS_BENEFIT, a)) return -1;
        b->benefit = v;
    } else if (!strcmp(a, "--category")) {
        if (VAL()) return -1;
        if (b->kind != KS_BENEFIT && set_kind(b, KS_CATEGORY, a)) return -1;
        b->category = v;
    } else if (!strcmp(a, "--person")) {
        if (set_kind(b, KS_PERSON, a)) return -1;
    } else if (!strcmp(a, "--kind")) {
        if (VAL()) return -1;
        int k = -1;
        static const char *const kinds[] = {"person", "benefit", "category", "conversation", "event"};
        for (int j = 0; j < 5; j++)
            if (!strcmp(v, kinds[j])) k = j;
        if (k < 0) {
            fprintf(stderr, "kontakt: --kind takes person, benefit, category, conversation or event\n");
            return -1;
        }
        if (set_kind(b, k, a)) return -1;
    } else if (!strcmp(a, "--topic")) {
        if (VAL()) return -1;
        if (!b->topics) b->topics = json_array();
        json_array_append_new(b->topics, json_string(v));
    } else {
        return 0;
    }
#undef VAL
    return 1;
}

static void put(json_t *o, const char *k, const char *v) {
    if (v) json_object_set_new(o, k, json_string(v));
}

static int missing(const char *what) {
    fprintf(stderr, "kontakt: %s is missing\n", what);
    return -1;
}

/* Builds the JSON body; returns malloc'ed text, NULL on error (printed). */
static char *build_body(body_opts *b) {
    if (b->json) {
        if (b->kind < 0) {
            fputs("kontakt: --json needs --kind (when recording)\n", stderr);
            return NULL;
        }
        return strdup(b->json);
    }
    json_t *o = json_object();
    int bad = 0;
    switch (b->kind) {
    case KS_CONVERSATION:
        put(o, "date", b->date);
        if (!b->holder) bad = missing("--holder");
        if (!b->form) bad = missing("--form");
        put(o, "holder", b->holder);
        put(o, "form", b->form);
        if (b->not_held) json_object_set_new(o, "held", json_false());
        if (b->topics) json_object_set(o, "topics", b->topics);
        break;
    case KS_EVENT:
        put(o, "type", b->type);
        if (b->date) put(o, "date", b->date);
        else if (b->from) put(o, "from", b->from);
        else bad = missing("--date or --from");
        put(o, "to", b->to); /* an undtaget_konkret_vurdering's `to` goes with its date */
        put(o, "holder", b->holder);
        put(o, "reason", b->reason);
        put(o, "what", b->what);
        put(o, "starts", b->starts);
        break;
    case KS_BENEFIT:
        put(o, "benefit", b->benefit);
        if (!b->from) bad = missing("--from");
        put(o, "from", b->from);
        put(o, "to", b->to);
        put(o, "first_inquiry", b->first_inquiry);
        put(o, "first_sick_day", b->first_sick_day);
        put(o, "a_kasse", b->a_kasse);
        if (b->category && b->from)
            json_object_set_new(o, "categories",
                                json_pack("[{s:s,s:s}]", "from", b->from, "category", b->category));
        break;
    case KS_CATEGORY:
        if (!b->from) bad = missing("--from");
        put(o, "from", b->from);
        put(o, "category", b->category);
        break;
    case KS_PERSON:
        if (!b->birth_date) bad = missing("--birth-date");
        put(o, "birth_date", b->birth_date);
        json_object_set_new(o, "youth_education", json_boolean(b->youth));
        json_object_set_new(o, "vocational_education", json_boolean(b->vocational));
        if (b->repatriering) json_object_set_new(o, "repatriering", json_true());
        break;
    default:
        fputs("kontakt: what to record is missing (--conversation, --event, --benefit, "
              "--category)\n", stderr);
        bad = 1;
    }
    char *text = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return text;
}

static int db_record(int argc, char **argv, int correct) {
    const char *help = correct ? correct_help : record_help;
    args a = {0};
    body_opts b = {.kind = -1};
    int st = EXIT_OK;
    for (int i = 1; i < argc && st == EXIT_OK; i++) {
        int r = base_opt(&a, argc, argv, &i, help);
        if (r == 2) {
            json_decref(b.topics);
            return EXIT_OK;
        }
        if (r < 0) st = EXIT_INVALID;
        else if (r == 0) {
            r = body_opt(&b, argc, argv, &i);
            if (r < 0) st = EXIT_INVALID;
            else if (r == 0) st = db_unknown(argv[i], help);
        }
    }
    long target = 0;
    if (st == EXIT_OK && a.npos != (correct ? 2 : 1)) {
        fprintf(stderr, "kontakt: give %s\n\n%s", correct ? "CASE and SEQ" : "CASE", help);
        st = EXIT_INVALID;
    }
    if (st == EXIT_OK && correct) {
        char *end;
        errno = 0;
        target = strtol(a.pos[1], &end, 10);
        if (!*a.pos[1] || *end || errno || target < 1) {
            fprintf(stderr, "kontakt: SEQ must be an event number, got '%s'\n", a.pos[1]);
            st = EXIT_INVALID;
        }
    }
    char *body = NULL;
    if (st == EXIT_OK && !(correct && b.retract)) {
        if (correct && b.json && b.kind < 0) b.kind = KS_EVENT; /* the store knows the kind */
        body = build_body(&b);
        if (!body) st = EXIT_INVALID;
    }
    json_decref(b.topics);
    if (st != EXIT_OK) return st;
    ks_store *s;
    st = db_open(&a.c, 0, &s);
    if (st) {
        free(body);
        return st;
    }
    ks_error e = {0};
    long seq = 0;
    int already = 0;
    const char *case_id = a.pos[0];
    /* the access-log row is written in the write's own transaction */
    db_log_write(s, &a.c, case_id, correct ? "correct" : "record");
    int rc = correct ? ks_correct(s, case_id, target, body, print_problem, (void *)case_id, &seq, &e)
                     : ks_record_ex(s, case_id, (ks_kind)b.kind, body, print_problem,
                                    (void *)case_id, &seq, &already, &e);
    free(body);
    if (rc == KS_OK) {
        if (already)
            fprintf(stderr, "kontakt: case %s already has this record (event %ld): nothing was "
                            "recorded\n", case_id, seq);
        printf("%ld\n", seq);
    } else {
        st = db_fail(&e);
    }
    ks_close(s);
    return st;
}

static int db_assign(int argc, char **argv) {
    args a = {0};
    const char *jobcenter = NULL;
    for (int i = 1; i < argc; i++) {
        int r = base_opt(&a, argc, argv, &i, assign_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(argv[i], "--jobcenter")) {
            if (need_value("--jobcenter", i + 1 < argc && *argv[i + 1] ? argv[i + 1] : NULL))
                return EXIT_INVALID;
            jobcenter = argv[++i];
            continue;
        }
        return db_unknown(argv[i], assign_help);
    }
    if (a.npos < 1 || a.npos > 2) {
        fprintf(stderr, "kontakt: give CASE [CASEWORKER]\n\n%s", assign_help);
        return EXIT_INVALID;
    }
    ks_store *s;
    int st = db_open(&a.c, 0, &s);
    if (st) return st;
    ks_error e = {0};
    char from[65] = "";
    if (jobcenter) {
        ks_case_info ci;
        char action[96];
        snprintf(action, sizeof action, "assign jobcenter %s -> %s",
                 ks_case_info_get(s, a.pos[0], &ci, NULL) == KS_OK ? ci.jobcenter : "?", jobcenter);
        db_log_write(s, &a.c, a.pos[0], action); /* under both jobcentres, with the move */
        if (ks_assign_jobcenter(s, a.pos[0], jobcenter, from, &e) != KS_OK) st = db_fail(&e);
        else printf("%s: moved from jobcentre %s to %s\n", a.pos[0], from, jobcenter);
    }
    if (!st && (!jobcenter || a.npos == 2)) {
        db_log_write(s, &a.c, a.pos[0], "assign");
        if (ks_assign(s, a.pos[0], a.npos == 2 ? a.pos[1] : NULL, &e) != KS_OK) st = db_fail(&e);
    }
    ks_close(s);
    return st;
}

/* ---- show ---------------------------------------------------------------------------- */

static int event_to_json(void *ctx, const ks_event_view *ev) {
    json_error_t je;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "seq", (json_int_t)ev->seq, "kind",
                          ks_kind_name(ev->kind), "recorded_at", ev->recorded_at ? ev->recorded_at : "",
                          "recorded_by", ev->recorded_by ? ev->recorded_by : "");
    if (!o) return 1;
    if (ev->corrects) json_object_set_new(o, "corrects", json_integer(ev->corrects));
    json_t *body = json_loads(ev->body ? ev->body : "null", JSON_DECODE_ANY, &je);
    json_object_set_new(o, "body", body ? body : json_null());
    return json_array_append_new(ctx, o) != 0;
}

static int event_to_text(void *ctx, const ks_event_view *ev) {
    (void)ctx;
    printf("  %6ld  %s  %-12s  %-12s", ev->seq, ev->recorded_at ? ev->recorded_at : "",
           ev->recorded_by ? ev->recorded_by : "", ks_kind_name(ev->kind));
    if (ev->corrects) printf("  corrects %ld:", ev->corrects);
    printf("  %s\n", ev->body ? ev->body : "");
    return 0;
}

static int db_show(int argc, char **argv) {
    args a = {0};
    int text = 0;
    const char *known_arg = NULL;
    char known[25];
    kt_date as_of = KT_NO_DATE;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = base_opt(&a, argc, argv, &i, show_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(argv[i], "--format")) {
            if (!v || (strcmp(v, "json") && strcmp(v, "text"))) {
                fputs("kontakt: --format takes json or text\n", stderr);
                return EXIT_INVALID;
            }
            text = !strcmp(v, "text");
            i++;
        } else if (!strcmp(argv[i], "--known-at")) {
            if (!v || ks_timestamp_parse(v, known) != KS_OK) {
                fprintf(stderr, "kontakt: --known-at takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]][Z] "
                                "(UTC), got '%s'\n", v ? v : "");
                return EXIT_INVALID;
            }
            known_arg = known;
            i++;
        } else if (!strcmp(argv[i], "--as-of")) {
            if (cli_parse_date_arg("--as-of", v, &as_of)) return EXIT_INVALID;
            i++;
        } else {
            return db_unknown(argv[i], show_help);
        }
    }
    if (a.npos != 1) {
        fprintf(stderr, "kontakt: give CASE\n\n%s", show_help);
        return EXIT_INVALID;
    }
    const char *id = a.pos[0];
    ks_store *s;
    int st = db_open(&a.c, 0, &s);
    if (st) return st;
    ks_error e = {0};
    ks_case_info info;
    char *cj = NULL;
    kt_case *c = NULL;
    kt_plan *p = NULL;
    kt_engine *eng = NULL;
    kt_sb plan = {0};
    if (ks_case_info_get(s, id, &info, &e) != KS_OK || ks_case_json(s, id, known_arg, &cj, &e) != KS_OK) {
        st = db_fail(&e);
        goto out;
    }
    kt_problems *pr = NULL;
    int rc = kt_case_parse(cj, strlen(cj), &c, &pr);
    if (rc != KT_OK) {
        fprintf(stderr, "kontakt: case %s as stored is not valid:\n", id);
        if (pr) cli_print_problems(id, 0, pr);
        kt_problems_free(pr);
        st = EXIT_INVALID;
        goto out;
    }
    if (as_of == KT_NO_DATE) {
        if (known_arg) kt_date_parse(known_arg, 10, &as_of);
        else as_of = ks_today(s);
    }
    kt_plan_options po;
    kt_plan_options_init(&po);
    po.as_of = po.today = as_of;
    po.ahead = 1; /* as the store's rows (docs/store.md, "Periods ahead") */
    if (kt_engine_new(&eng) != KT_OK || kt_plan_compute(eng, c, &po, &p) != KT_OK) {
        fprintf(stderr, "kontakt: case %s: the plan could not be computed\n", id);
        st = EXIT_FAIL;
        goto out;
    }
    if ((st = db_log(s, &a.c, id, known_arg ? "show known-at" : "show")) != EXIT_OK) goto out;
    if (text) {
        printf("case %s  jobcentre %s  caseworker %s  created %s\n", id, info.jobcenter,
               info.caseworker[0] ? info.caseworker : "(none)", info.created_at);
        if (known_arg) printf("as known at %s\n", known_arg);
        printf("\nevents:\n");
        if (ks_events_each(s, id, known_arg, event_to_text, NULL, &e) != KS_OK) {
            st = db_fail(&e);
            goto out;
        }
        char d[11];
        kt_date_format(as_of, d);
        printf("\nplan as of %s:\n", d);
        kt_plan_write_text(p, cli_write_file, stdout);
    } else {
        json_error_t je;
        json_t *events = json_array();
        if (ks_events_each(s, id, known_arg, event_to_json, events, &e) != KS_OK) {
            json_decref(events);
            st = db_fail(&e);
            goto out;
        }
        kt_plan_write_json(p, kt_sb_write, &plan);
        json_t *out = json_pack("{s:s,s:s,s:s?,s:s?,s:o?,s:o,s:o?}", "id", id, "jobcenter",
                                info.jobcenter, "caseworker", info.caseworker[0] ? info.caseworker : NULL,
                                "known_at", known_arg, "case", json_loads(cj, 0, &je), "events", events,
                                "plan", plan.p ? json_loads(plan.p, 0, &je) : NULL);
        char *t = out ? json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(out);
        if (!t) {
            st = EXIT_FAIL;
            goto out;
        }
        puts(t);
        free(t);
    }
out:
    kt_sb_free(&plan);
    kt_plan_free(p);
    kt_engine_free(eng);
    kt_case_free(c);
    free(cj);
    return db_close_out(s, st);
}

/* ---- refresh, demo, access log, check ----------------------------------------------- */

static int db_refresh(int argc, char **argv) {
    args a = {0};
    kt_date as_of = KT_NO_DATE;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = base_opt(&a, argc, argv, &i, refresh_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(argv[i], "--as-of")) {
            if (cli_parse_date_arg("--as-of", v, &as_of)) return EXIT_INVALID;
            i++;
        } else {
            return db_unknown(argv[i], refresh_help);
        }
    }
    if (a.npos) return db_unknown(a.pos[0], refresh_help);
    ks_store *s;
    int st = db_open(&a.c, 0, &s);
    if (st) return st;
    if (as_of == KT_NO_DATE) as_of = ks_today(s);
    long n = 0;
    ks_error e = {0};
    ks_set_db_timeout(s, 0); /* bulk work: no statement deadline */
    if (ks_refresh(s, as_of, &n, &e) == KS_OK) {
        char d[11];
        kt_date_format(as_of, d);
        printf("%ld plans recomputed as of %s\n", n, d);
    } else {
        st = db_fail(&e);
    }
    ks_close(s);
    return st;
}

static int db_demo(int argc, char **argv) {
    args a = {0};
    long n = 0;
    const char *jc = "demo";
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = base_opt(&a, argc, argv, &i, demo_help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(argv[i], "--cases")) {
            int k;
            if (cli_parse_int_arg("--cases", v, 1, 10000000, &k)) return EXIT_INVALID;
            n = k;
            i++;
        } else if (!strcmp(argv[i], "--jobcenter")) {
            if (!v) return db_needs_value(argv[i]);
            jc = v;
            i++;
        } else {
            return db_unknown(argv[i], demo_help);
        }
    }
    if (a.npos) return db_unknown(a.pos[0], demo_help);
    if (n == 0) {
        fprintf(stderr, "kontakt: --cases N is missing\n\n%s", demo_help);
        return EXIT_INVALID;
    }
    ks_store *s;
    int st = db_open(&a.c, KS_OPEN_CREATE, &s);
    if (st) return st;
    ks_import_result res;
    ks_error e = {0};
    ks_set_db_timeout(s, 0); /* bulk work: no statement deadline */
    if (ks_demo(s, n, jc, &res, &e) == KS_OK) {
        db_log(s, &a.c, NULL, "demo");
        printf("%ld demo cases of jobcentre %s: %ld new, %ld events\n", n, jc, res.cases_new,
               res.events);
    } else {
        st = db_fail(&e);
    }
    ks_close(s);
    return st;
}

static int print_log(void *ctx, const ks_access_entry *e) {
    (void)ctx;
    printf("%ld\t%s\t%s\t%s\t%s\t%s\n", e->seq, e->at, e->who, e->jobcenter, e->case_id, e->action);
    return 0;
}

static int db_access_log(int argc, char **argv) {
    args a = {0};
    int st;
    if (base_opts_only(&a, argc, argv, log_help, &st)) return st;
    if (a.npos > 1) return db_unknown(a.pos[1], log_help);
    ks_store *s;
    st = db_open(&a.c, 0, &s);
    if (st) return st;
    ks_error e = {0};
    if (ks_access_log_list(s, a.npos ? a.pos[0] : NULL, print_log, NULL, &e) != KS_OK)
        st = db_fail(&e);
    ks_close(s);
    return st;
}

static int db_check(int argc, char **argv) {
    args a = {0};
    int st;
    if (base_opts_only(&a, argc, argv, check_help, &st)) return st;
    ks_store *s;
    st = db_open(&a.c, KS_OPEN_READONLY, &s);
    if (st) return st;
    ks_error e = {0};
    char *report = NULL;
    ks_set_db_timeout(s, 0); /* whole-store queries: no statement deadline */
    if (ks_check(s, &report, &e) == KS_OK) {
        printf("%s: ok\n", a.c.path);
    } else {
        st = db_fail(&e);
        if (report) fputs(report, stderr);
    }
    free(report);
    ks_close(s);
    return st;
}

static const char copy_help[] =
    "usage: kontakt db copy --from STORE --to STORE\n"
    "\n"
    "Copies every row of one store into another, new and empty one, on either\n"
    "backend (a SQLite file, or a postgresql:// URI; a SQLite file is created):\n"
    "cases and their events (seqs, recording times and authors, corrections),\n"
    "plans, tokens (they keep working), the access log. Moving a jobcentre's\n"
    "store from a file to PostgreSQL, or back. A target with any rows is\n"
    "refused (exit 2). The source is only read.\n";

static int db_copy(int argc, char **argv) {
    db_common from = {0}, to = {0};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            fputs(copy_help, stdout);
            return EXIT_OK;
        }
        if ((!strcmp(o, "--from") || !strcmp(o, "--to")) && i + 1 < argc) {
            (o[2] == 'f' ? &from : &to)->path = argv[++i];
            continue;
        }
        if (!strcmp(o, "--as") && i + 1 < argc) {
            from.who = to.who = argv[++i];
            continue;
        }
        return db_unknown(o, copy_help);
    }
    if (!from.path || !to.path || !*from.path || !*to.path) {
        fprintf(stderr, "kontakt: db copy needs --from STORE and --to STORE\n\n%s", copy_help);
        return EXIT_INVALID;
    }
    ks_store *a, *b;
    int st = db_open(&from, KS_OPEN_READONLY, &a);
    if (st) return st;
    st = db_open(&to, KS_OPEN_CREATE, &b);
    if (st) {
        ks_close(a);
        return st;
    }
    ks_error e = {0};
    ks_copy_result r;
    ks_set_db_timeout(a, 0); /* bulk work: no statement deadline */
    ks_set_db_timeout(b, 0);
    if (ks_copy(a, b, &r, &e) == KS_OK)
        printf("%s -> %s: %ld cases, %ld events, %ld obligations, %ld plans, %ld tokens, "
               "%ld access-log rows, %ld idempotency records, %ld capacity events\n",
               from.path, to.path, r.cases, r.events, r.obligations, r.plans, r.tokens,
               r.access_log, r.idempotency, r.capacity);
    else
        st = db_fail(&e);
    ks_close(b);
    ks_close(a);
    return st;
}

int cmd_db(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(db_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_INVALID : EXIT_OK;
    }
    const char *c = argv[1];
    argc--;
    argv++;
    if (!strcmp(c, "init")) return db_init(argc, argv);
    if (!strcmp(c, "import")) return db_import(argc, argv);
    if (!strcmp(c, "export")) return db_export(argc, argv);
    if (!strcmp(c, "record")) return db_record(argc, argv, 0);
    if (!strcmp(c, "correct")) return db_record(argc, argv, 1);
    if (!strcmp(c, "assign")) return db_assign(argc, argv);
    if (!strcmp(c, "show")) return db_show(argc, argv);
    if (!strcmp(c, "refresh")) return db_refresh(argc, argv);
    if (!strcmp(c, "worklist")) return cmd_db_worklist(argc, argv);
    if (!strcmp(c, "report")) return cmd_db_report(argc, argv);
    if (!strcmp(c, "forecast")) return cmd_db_forecast(argc, argv);
    if (!strcmp(c, "capacity")) return cmd_db_capacity(argc, argv);
    if (!strcmp(c, "book")) return cmd_db_book(argc, argv);
    if (!strcmp(c, "schedule")) return cmd_db_schedule(argc, argv);
    if (!strcmp(c, "demo")) return db_demo(argc, argv);
    if (!strcmp(c, "access-log")) return db_access_log(argc, argv);
    if (!strcmp(c, "check")) return db_check(argc, argv);
    if (!strcmp(c, "copy")) return db_copy(argc, argv);
    fprintf(stderr, "kontakt: unknown command 'db %s'\n\n%s", c, db_help);
    return EXIT_INVALID;
}
