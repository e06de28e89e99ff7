/*
 * kontakt.h -- the public API of the kontakt engine (libkontakt).
 *
 * kontakt computes the obligations of the Danish kontaktforløb (job
 * conversations and the duties around them) for one person's case, under
 * every generation of the law, chosen by date. See docs/ and the rule
 * catalogue (`kontakt rules`).
 *
 * Conventions that hold for the whole API:
 *  - Every fallible function returns KT_OK (0) or a negative kt_status;
 *    kt_strerror() turns a status into text. The library never prints,
 *    never exits and keeps no global state: any number of threads may use
 *    it, each with its own objects (an engine may be shared read-only).
 *  - Ownership: an object returned through an `out` pointer belongs to the
 *    caller, who frees it with the matching *_free function (which accepts
 *    NULL). Strings and views handed out by an object live as long as that
 *    object; strings about the catalogue (rule ids, sources) live for ever.
 *  - Dates are kt_date: days since 1970-01-01 in the proleptic Gregorian
 *    calendar, no time and no zone. KT_NO_DATE stands for "none" (an open
 *    window end, an ongoing period).
 */
#ifndef KONTAKT_H
#define KONTAKT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KT_VERSION "0.1.0"

typedef int32_t kt_date;
#define KT_NO_DATE INT32_MIN

typedef enum kt_status {
    KT_OK = 0,
    KT_EINVALID = -1, /* the input is not a valid case: see the problems */
    KT_ENOMEM = -2,   /* out of memory */
    KT_ELIMIT = -3,   /* the input exceeds a named limit (kt_limits) */
    KT_EARG = -4,     /* a caller's argument is wrong (unknown generation...) */
    KT_EIO = -5,      /* the write callback reported a failure */
} kt_status;

/* Text for a kt_status; never NULL. */
const char *kt_strerror(int status);

/* ---- dates ------------------------------------------------------------- */

/* Parses exactly YYYY-MM-DD (a real day, 1900-01-01 .. 2199-12-31).
 * Returns KT_OK or KT_EINVALID. `len` is the length of `s`. */
int kt_date_parse(const char *s, size_t len, kt_date *out);

/* Writes YYYY-MM-DD and a NUL into buf (11 bytes). KT_NO_DATE gives "". */
void kt_date_format(kt_date d, char buf[11]);

kt_date kt_date_from_ymd(int year, int month, int day);
/* The day of the week, Monday 0 .. Sunday 6. */
int kt_date_weekday(kt_date d);
void kt_date_to_ymd(kt_date d, int *year, int *month, int *day);

/* ---- output ------------------------------------------------------------ */

/* Every writer below hands its output to a callback in pieces. The callback
 * returns 0 to go on, anything else to stop (the writer returns KT_EIO). */
typedef int (*kt_write_fn)(void *ctx, const char *data, size_t len);

/* ---- input problems ------------------------------------------------------ */

/* Everything wrong with one input, each problem with the JSON pointer of the
 * value, what was wrong, what was expected, and the 1-based line and column
 * in the text (0 where unknown). */
typedef struct kt_problems kt_problems;

typedef struct kt_problem {
    const char *pointer;  /* RFC 6901, "" for the whole document */
    const char *message;  /* what is wrong (English) */
    const char *expected; /* what was expected, or "" */
    int line, column;
} kt_problem;

size_t kt_problems_count(const kt_problems *p);
/* Fills *out with problem i (i < count); the strings belong to p. */
void kt_problems_get(const kt_problems *p, size_t i, kt_problem *out);
/* {"error":"invalid_case","problems":[{pointer,message,expected,line,column}]} */
int kt_problems_write_json(const kt_problems *p, kt_write_fn w, void *ctx);
void kt_problems_free(kt_problems *p);

/* ---- cases --------------------------------------------------------------- */

typedef struct kt_case kt_case;

/* Parses and validates one case (spec/case-format.md) from `len` bytes of
 * UTF-8 JSON. On KT_OK *out is the case. On KT_EINVALID *problems lists every
 * problem found and *out is NULL; on other errors both are NULL. `problems`
 * may be NULL if the caller does not want them. */
int kt_case_parse(const char *json, size_t len, kt_case **out, kt_problems **problems);
void kt_case_free(kt_case *c);

const char *kt_case_id(const kt_case *c);
/* 1 if an id (len bytes) looks like a CPR number: DDMMYY-NNNN, or ten
 * digits in a row, anywhere in it (case-format.md). The one rule for every
 * id: the engine applies it to case and a-kasse ids, the store and the
 * server to every other id they take (ks_looks_like_cpr). */
int kt_id_looks_like_cpr(const char *s, size_t len);
/* The case's own as_of, or KT_NO_DATE if it gave none. */
kt_date kt_case_as_of(const kt_case *c);

/* ---- the engine ------------------------------------------------------------ */

/* An engine holds the rule catalogue and the first day of each generation.
 * Create one, optionally move generation first days, then share it. */
typedef struct kt_engine kt_engine;

int kt_engine_new(kt_engine **out);
void kt_engine_free(kt_engine *e);

/* Moves the first day of generation `name` ("g2014" ... "g2026", "g2027"
 * for the first day of law newer than the catalogue). Fails with KT_EARG
 * for an unknown name or if the generations would no longer be in order. */
int kt_engine_set_generation_start(kt_engine *e, const char *name, kt_date first_day);
/* Parses "g2024=2024-01-01" and applies it. KT_EARG on any error. */
int kt_engine_set_generation_arg(kt_engine *e, const char *arg);

typedef struct kt_plan_options {
    kt_date as_of;    /* KT_NO_DATE: the case's as_of, else `today` */
    kt_date today;    /* what "today" is (the library never reads a clock) */
    int horizon_days; /* list windows opening by as_of + horizon; default 180 */
    int explain;      /* non-zero: keep the trace for kt_plan_write_explain */
    int ahead;        /* non-zero: also plan the benefit periods that become known after
                         as_of (by the horizon): each period's new course as the plan of
                         the day it starts would have it (all open). A store plans so, to
                         list a period recorded before it starts. 0: conventions.md */
    int no_valid_until; /* non-zero: skip kt_plan_valid_until's search (a batch that only
                           writes plans); it then answers as_of, the day the plan is known
                           to hold */
} kt_plan_options;

void kt_plan_options_init(kt_plan_options *o);

/* ---- plans --------------------------------------------------------------- */

typedef struct kt_plan kt_plan;

/* Computes the plan of a case. KT_EARG if neither the options nor the case
 * give as_of/today. The plan does not refer to the case afterwards. */
int kt_plan_compute(const kt_engine *e, const kt_case *c, const kt_plan_options *o,
                    kt_plan **out);
void kt_plan_free(kt_plan *p);

typedef enum kt_ob_status {
    KT_MET, KT_LATE, KT_OPEN, KT_OVERDUE, KT_EXEMPT, KT_LAPSED
} kt_ob_status;

/* Bits of kt_obligation.holders and .forms; kt_holder_name/kt_form_name
 * give the identifiers of case-format.md for a bit index. */
enum { KT_HOLDER_JOBCENTER, KT_HOLDER_A_KASSE, KT_HOLDER_FAELLES, KT_HOLDER_ANDEN_AKTOER,
       KT_HOLDER_COUNT };
enum { KT_FORM_FREMMOEDE, KT_FORM_TELEFON, KT_FORM_DIGITALT, KT_FORM_BREV, KT_FORM_UDEN_KONTAKT,
       KT_FORM_COUNT };
const char *kt_holder_name(int bit);
const char *kt_form_name(int bit);
const char *kt_ob_status_name(kt_ob_status s);

/* A read-only view of one obligation; strings live as long as the plan. */
typedef struct kt_obligation {
    const char *rule;       /* id in rules.md, e.g. "kh.first" */
    const char *generation; /* e.g. "g2020" */
    const char *kind;       /* samtale, tilbud, test, cv, ... */
    const char *benefit;    /* the course's benefit */
    int course;             /* index of the course in the plan (0-based) */
    kt_date from, to;       /* window; to may be KT_NO_DATE */
    int required, counted;
    kt_ob_status status;
    kt_date met_on;            /* KT_NO_DATE unless met or late */
    const char *exempt_reason; /* exemption rule id, or NULL */
    unsigned holders, forms;   /* bit sets; 0 where not a conversation duty */
    const char *law, *seed;    /* the rule's source */
    const char *group;         /* the course's group in rules.md: dp, kh, uh, sdp, ... */
    int stopped_days;          /* how far a stopped benefit clock moved the deadline */
    int beyond;                /* computed by the newest generation for a later day */
    int provisional;           /* 1: the rule or a term of it rests on summaries, not the
                                  statute's text (rules.md); 0 otherwise */
    int quota_holder;          /* a quota rule (g2026, "75 %"): KT_HOLDER_JOBCENTER or
                                  KT_HOLDER_A_KASSE, whose share it counts in; -1 otherwise */
    const char *a_kasse;       /* dagpenge: the `a_kasse` of the period in force on the
                                  deadline (or on the window's first day without one); NULL
                                  where none is known. Lives as long as the plan. */
    int agenda_next;           /* seed 004's number (1..4) of the next conversation of the
                                  obligation's course when that course gets seed 004's agenda
                                  (the plan's "agenda": jobparat kontanthjælp) and fewer than
                                  four conversations that count for the jobcentre have been
                                  held in it up to as_of; 0 otherwise */
} kt_obligation;
/* The strings of a kt_obligation (rule ... group) are the catalogue's own:
 * they live as long as the process, not only as long as the plan. */

size_t kt_plan_count(const kt_plan *p);
void kt_plan_get(const kt_plan *p, size_t i, kt_obligation *out);
kt_date kt_plan_as_of(const kt_plan *p);
/* The last day on which a plan computed for that day (same case, same
 * options) is the same as this one: the day before the first day > as_of on
 * which a fact of the case or a date of the plan (a period's start or end,
 * an event's from or to, a deadline passing, a window coming within the
 * horizon, a birthday, a generation's first day) may change it. KT_NO_DATE:
 * no such day is known. The plan's as_of if computed with no_valid_until. */
kt_date kt_plan_valid_until(const kt_plan *p);
/* The last day of course `course` (kt_obligation.course) as known on the
 * plan's as_of; KT_NO_DATE while it runs with no end known (or for a course
 * the plan does not have). */
kt_date kt_plan_course_end(const kt_plan *p, int course);
const char *kt_plan_id(const kt_plan *p);

/* Writes the plain-Danish `why` of obligation i (NUL-terminated, truncated
 * to fit); returns the length it needed, excluding the NUL. */
size_t kt_plan_why(const kt_plan *p, size_t i, char *buf, size_t size);

/* What a store keeps of an obligation (the kt_obligation fields of the same
 * names) to give its `why` and source back without the plan. status may
 * differ from the stored one: an `open` obligation read after its deadline
 * is KT_OVERDUE, and its why then says so. */
typedef struct kt_obligation_facts {
    const char *rule, *generation, *group;
    kt_ob_status status;
    kt_date to, met_on;
    int required, counted;
    const char *exempt_reason; /* with KT_EXEMPT, or NULL */
    int stopped_days, beyond;
} kt_obligation_facts;

/* Writes the why kt_plan_why gives for an obligation with these facts
 * (as kt_plan_why: NUL-terminated, cut to fit, the length it needed) and
 * sets *law and *seed (either may be NULL) to its rule's source. Returns
 * (size_t)-1, with "" and NULL sources, if the catalogue has no rule of that
 * id in that generation for that group. */
size_t kt_obligation_why(const kt_engine *e, const kt_obligation_facts *f, char *buf, size_t size,
                         const char **law, const char **seed);

size_t kt_plan_warning_count(const kt_plan *p);
/* code: a stable identifier; message: Danish text; pointer: the input
 * element it is about, or "". All three live as long as the plan. */
void kt_plan_warning(const kt_plan *p, size_t i, const char **code, const char **message,
                     const char **pointer);

/* The plan as JSON (case-format.md), one object, no trailing newline. */
int kt_plan_write_json(const kt_plan *p, kt_write_fn w, void *ctx);
/* The same appended to the caller's buffer: buf holds *len bytes of cap
 * (cap >= 8192, else KT_EARG); when it fills, those bytes so far are handed
 * to w and it fills again from the start. *len is the fill after the plan,
 * which stays in buf (the caller hands it on): a batch writes its plans
 * where they go out, without copying each. */
int kt_plan_write_json_lent(const kt_plan *p, char *buf, size_t cap, size_t *len, kt_write_fn w,
                            void *ctx);
/* A table a caseworker can read. */
int kt_plan_write_text(const kt_plan *p, kt_write_fn w, void *ctx);
/* How every obligation was derived; needs options.explain. */
int kt_plan_write_explain(const kt_plan *p, kt_write_fn w, void *ctx);

/* ---- the catalogue ----------------------------------------------------------- */

/* The rule catalogue with sources: every rule of every generation, or with
 * `on` != KT_NO_DATE only the rules of the generation in force on that day. */
int kt_rules_write_json(const kt_engine *e, kt_date on, kt_write_fn w, void *ctx);
int kt_rules_write_text(const kt_engine *e, kt_date on, kt_write_fn w, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* KONTAKT_H */
