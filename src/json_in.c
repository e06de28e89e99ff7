/*
 * json_in.c -- a case from JSON (spec/case-format.md), validated whole.
 *
 * jansson parses the text; this file walks the tree, checks every field and
 * collects every problem (up to KT_MAX_PROBLEMS) with its JSON pointer. Only
 * a case without problems is built. jansson keeps no positions of values, so
 * json_locate.c finds each problem's line and column in the text afterwards.
 * Unknown members are ignored: the format grows by new optional fields.
 */
#include "case_reader.h"
#include "json_locate.h"
#include "model.h"
#include "out.h"
#include "plan.h" /* kt_arena */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct problem {
    const char *pointer, *message, *expected;
    int line, column;
} problem;

struct kt_problems {
    problem items[KT_MAX_PROBLEMS];
    size_t n;
    bool truncated;
    kt_arena arena;
};

size_t kt_problems_count(const kt_problems *p) { return p ? p->n : 0; }

void kt_problems_get(const kt_problems *p, size_t i, kt_problem *out) {
    const problem *q = &p->items[i];
    out->pointer = q->pointer;
    out->message = q->message;
    out->expected = q->expected;
    out->line = q->line;
    out->column = q->column;
}

void kt_problems_free(kt_problems *p) {
    if (!p) return;
    kt_arena_free(&p->arena);
    free(p);
}

int kt_problems_write_json(const kt_problems *p, kt_write_fn w, void *ctx) {
    kt_out o;
    kt_out_init(&o, w, ctx);
    kt_out_str(&o, "{\"error\":\"invalid_case\",\"problems\":[");
    for (size_t i = 0; p && i < p->n; i++) {
        const problem *q = &p->items[i];
        if (i) kt_out_str(&o, ",");
        kt_out_str(&o, "{\"pointer\":");
        kt_out_json_str(&o, q->pointer);
        kt_out_str(&o, ",\"message\":");
        kt_out_json_str(&o, q->message);
        kt_out_str(&o, ",\"expected\":");
        kt_out_json_str(&o, q->expected);
        kt_out_str(&o, ",\"line\":");
        kt_out_int(&o, q->line);
        kt_out_str(&o, ",\"column\":");
        kt_out_int(&o, q->column);
        kt_out_str(&o, "}");
    }
    kt_out_str(&o, "]");
    if (p && p->truncated) kt_out_str(&o, ",\"truncated\":true");
    kt_out_str(&o, "}");
    return kt_out_finish(&o);
}

/* ---- the walk ------------------------------------------------------------------------- */

typedef struct walk {
    kt_problems *pr;
    bool oom;
    kt_case *c; /* NULL on the first (counting) pass */
    kt_date birth; /* the person's, once read (KT_NO_DATE: not given) */
    bool voc;
} walk;

/* Replaces every byte that does not begin a well-formed UTF-8 sequence with
 * '?', in place. Messages quote input (jansson's error text quotes raw bytes
 * of the text, and "%.40s" may cut a character in two); the problems are
 * written as JSON, which must be UTF-8. */
static void utf8_sanitize(char *s) {
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned c = p[0];
        unsigned n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                   : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        bool ok = n > 0;
        for (unsigned k = 1; ok && k < n; k++) ok = (p[k] & 0xC0) == 0x80; /* stops at the NUL */
        if (ok && n == 3) /* no overlong forms, no surrogates */
            ok = !(c == 0xE0 && p[1] < 0xA0) && !(c == 0xED && p[1] > 0x9F);
        if (ok && n == 4) /* no overlong forms, nothing above U+10FFFF */
            ok = !(c == 0xF0 && p[1] < 0x90) && !(c == 0xF4 && p[1] > 0x8F);
        if (!ok) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

static void problem_at(walk *w, const char *pointer, const char *message, const char *expected) {
    kt_problems *pr = w->pr;
    if (pr->n == KT_MAX_PROBLEMS) {
        pr->truncated = true;
        return;
    }
    problem *q = &pr->items[pr->n];
    q->pointer = kt_arena_strdup(&pr->arena, pointer);
    char *msg = kt_arena_strdup(&pr->arena, message);
    if (msg) utf8_sanitize(msg);
    q->message = msg;
    q->expected = kt_arena_strdup(&pr->arena, expected);
    if (!q->pointer || !q->message || !q->expected) {
        w->oom = true;
        return;
    }
    q->line = q->column = 0;
    pr->n++;
}

/* Pointers are built in a fixed buffer; member names here are short and
 * ASCII, and array indexes are bounded by the named limits. */
typedef struct ptr {
    char s[128];
} ptr;

static ptr child(const ptr *parent, const char *name) {
    ptr p;
    /* paths are bounded by the limits; a cut one still names its start */
    if (snprintf(p.s, sizeof p.s, "%s/%s", parent->s, name) >= (int)sizeof p.s) p.s[sizeof p.s - 1] = '\0';
    return p;
}

static ptr index_of(const ptr *parent, size_t i) {
    ptr p;
    if (snprintf(p.s, sizeof p.s, "%s/%zu", parent->s, i) >= (int)sizeof p.s) p.s[sizeof p.s - 1] = '\0';
    return p;
}

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static void wrong_type(walk *w, const ptr *p, const json_t *v, const char *expected) {
    char msg[96];
    snprintf(msg, sizeof msg, "wrong type: %s", type_name(v));
    problem_at(w, p->s, msg, expected);
}

/* A required or optional date. Returns KT_NO_DATE for absent/null/bad. */
static kt_date get_date(walk *w, const json_t *obj, const ptr *parent, const char *name,
                        bool required, bool nullable) {
    json_t *v = json_object_get(obj, name);
    ptr p = child(parent, name);
    if (!v || (json_is_null(v) && nullable)) {
        if (required) problem_at(w, p.s, "missing", "a date YYYY-MM-DD");
        return KT_NO_DATE;
    }
    if (!json_is_string(v)) {
        wrong_type(w, &p, v, nullable ? "a date YYYY-MM-DD or null" : "a date YYYY-MM-DD");
        return KT_NO_DATE;
    }
    kt_date d;
    if (kt_date_parse(json_string_value(v), json_string_length(v), &d) != KT_OK) {
        char msg[96];
        snprintf(msg, sizeof msg, "not a valid date: \"%.40s\"", json_string_value(v));
        problem_at(w, p.s, msg, "a real calendar day YYYY-MM-DD from 1900-01-01 to 2199-12-31");
        return KT_NO_DATE;
    }
    return d;
}

static bool get_bool(walk *w, const json_t *obj, const ptr *parent, const char *name, bool dflt) {
    json_t *v = json_object_get(obj, name);
    if (!v || json_is_null(v)) return dflt;
    if (!json_is_boolean(v)) {
        ptr p = child(parent, name);
        wrong_type(w, &p, v, "true or false");
        return dflt;
    }
    return json_is_true(v);
}

/* An enum member; -1 (with a problem) if missing, of the wrong type or unknown. */
static int get_enum(walk *w, const json_t *obj, const ptr *parent, const char *name,
                    const char *const *names, int count, const char *expected) {
    json_t *v = json_object_get(obj, name);
    ptr p = child(parent, name);
    if (!v) {
        problem_at(w, p.s, "missing", expected);
        return -1;
    }
    if (!json_is_string(v)) {
        wrong_type(w, &p, v, expected);
        return -1;
    }
    int k = kt_lookup(names, count, json_string_value(v), json_string_length(v));
    if (k < 0) {
        char msg[120];
        snprintf(msg, sizeof msg, "unknown value \"%.60s\"", json_string_value(v));
        problem_at(w, p.s, msg, expected);
    }
    return k;
}

static const json_t *get_array(walk *w, const json_t *obj, const ptr *parent, const char *name,
                               size_t max, bool required) {
    json_t *v = json_object_get(obj, name);
    ptr p = child(parent, name);
    if (!v || json_is_null(v)) {
        if (required) problem_at(w, p.s, "missing", "an array");
        return NULL;
    }
    if (!json_is_array(v)) {
        wrong_type(w, &p, v, "an array");
        return NULL;
    }
    if (json_array_size(v) > max) {
        char msg[96], exp[64];
        snprintf(msg, sizeof msg, "too many elements: %zu", json_array_size(v));
        snprintf(exp, sizeof exp, "at most %zu", max);
        problem_at(w, p.s, msg, exp);
        return NULL;
    }
    return v;
}

static bool is_object(walk *w, const json_t *v, const ptr *p) {
    if (json_is_object(v)) return true;
    wrong_type(w, p, v, "an object");
    return false;
}

/* A CPR number is DDMMYY-NNNN or ten digits (possibly inside a longer id). */
bool kt_looks_like_cpr(const char *s, size_t n) {
    /* both forms below hold ten digits: fewer (most ids) answer at once */
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) digits += (unsigned)(s[i] - '0') <= 9u;
    if (digits < 10) return false;
    for (size_t i = 0; i < n; i++) {
        size_t d = 0;
        while (i + d < n && s[i + d] >= '0' && s[i + d] <= '9') d++;
        if (d >= 10) return true;
        if (d == 6 && i + 11 <= n && s[i + 6] == '-') {
            size_t k = 0;
            while (k < 4 && s[i + 7 + k] >= '0' && s[i + 7 + k] <= '9') k++;
            if (k == 4) return true;
        }
        if (d) i += d - 1;
    }
    return false;
}

int kt_id_looks_like_cpr(const char *s, size_t len) { return s && kt_looks_like_cpr(s, len); }

static void get_id(walk *w, const json_t *root) {
    json_t *v = json_object_get(root, "id");
    const char *expected = "a string of 1-64 printable characters, not a CPR number";
    if (!v) {
        problem_at(w, "/id", "missing", expected);
        return;
    }
    if (!json_is_string(v)) {
        ptr p = {"/id"};
        wrong_type(w, &p, v, expected);
        return;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    bool printable = n >= 1 && n <= KT_MAX_ID_LEN;
    for (size_t i = 0; printable && i < n; i++)
        printable = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
    if (!printable) {
        problem_at(w, "/id", "not 1-64 printable characters", expected);
        return;
    }
    if (kt_looks_like_cpr(s, n)) {
        problem_at(w, "/id", "looks like a CPR number; personal identifiers must not be sent",
                   "an opaque case id");
        return;
    }
    if (w->c) memcpy(w->c->id, s, n + 1);
}

static void walk_benefits(walk *w, const json_t *arr) {
    ptr base = {"/benefits"};
    size_t i;
    json_t *b;
    uint32_t cat_at = 0;
    json_array_foreach(arr, i, b) {
        ptr p = index_of(&base, i);
        if (!is_object(w, b, &p)) continue;
        int benefit = get_enum(w, b, &p, "benefit", kt_benefit_names, B_COUNT,
                               "one of dagpenge, kontanthjaelp, uddannelseshjaelp, integrationsydelse, "
                               "sygedagpenge, revalidering, foertidspension, ressourceforloeb, "
                               "jobafklaringsforloeb, ledighedsydelse, arbejdsmarkedsydelse, "
                               "kontantydelse");
        kt_date from = get_date(w, b, &p, "from", true, false);
        if (benefit >= 0) {
            const char *exp, *msg = kt_benefit_problem(benefit, from, &exp);
            ptr q = child(&p, "benefit");
            if (msg) problem_at(w, q.s, msg, exp);
        }
        kt_date to = get_date(w, b, &p, "to", false, true);
        if (from != KT_NO_DATE && to != KT_NO_DATE && to < from) {
            ptr q = child(&p, "to");
            problem_at(w, q.s, "ends before it begins", "a date on or after `from`");
        }
        char akasse[KT_MAX_ID_LEN + 1] = "";
        json_t *ak = json_object_get(b, "a_kasse");
        if (benefit == B_DAGPENGE && ak && !json_is_null(ak)) {
            /* an id like the case's: printable, never a CPR number */
            ptr q = child(&p, "a_kasse");
            const char *exp = "a string of 1-64 printable characters, not a CPR number";
            size_t an = json_is_string(ak) ? json_string_length(ak) : 0;
            const char *as = json_is_string(ak) ? json_string_value(ak) : "";
            bool okp = json_is_string(ak) && an >= 1 && an <= KT_MAX_ID_LEN;
            for (size_t k = 0; okp && k < an; k++) okp = (unsigned char)as[k] >= 0x20 && as[k] != 0x7f;
            if (!json_is_string(ak)) wrong_type(w, &q, ak, exp);
            else if (!okp) problem_at(w, q.s, "not 1-64 printable characters", exp);
            else if (kt_looks_like_cpr(as, an))
                problem_at(w, q.s, "looks like a CPR number; personal identifiers must not be sent",
                           "an opaque a-kasse id");
            else memcpy(akasse, as, an + 1);
        }
        kt_date fi = get_date(w, b, &p, "first_inquiry", false, true);
        kt_date fs = get_date(w, b, &p, "first_sick_day", false, true);
        const json_t *cats = get_array(w, b, &p, "categories", KT_MAX_CATEGORIES, false);
        ptr cp = child(&p, "categories");
        size_t j;
        json_t *cat;
        uint32_t first = cat_at;
        json_array_foreach(cats, j, cat) {
            ptr q = index_of(&cp, j);
            if (!is_object(w, cat, &q)) continue;
            kt_date cf = get_date(w, cat, &q, "from", true, false);
            ptr qc = child(&q, "category");
            int k = get_enum(w, cat, &q, "category", kt_category_names, C_COUNT,
                             "jobparat, aktivitetsparat, aabenlyst_uddannelsesparat or "
                             "uddannelsesparat");
            if (k >= 0 && benefit >= 0) {
                const char *exp, *msg = kt_category_problem(benefit, k, cf, fi != KT_NO_DATE ? fi : from,
                                                            w->birth, w->voc, &exp);
                if (msg) problem_at(w, qc.s, msg, exp);
            }
            if (cat_at >= KT_MAX_CATEGORIES) {
                problem_at(w, q.s, "too many categories in the case", "at most 1024 in all");
                break;
            }
            if (w->c) {
                /* insert sorted by from, stable */
                uint32_t pos = cat_at;
                while (pos > first && w->c->categories[pos - 1].from > cf) {
                    w->c->categories[pos] = w->c->categories[pos - 1];
                    pos--;
                }
                w->c->categories[pos] = (kt_category_at){cf, (uint8_t)(k < 0 ? C_UNKNOWN : k)};
            }
            cat_at++;
        }
        if (w->c) {
            w->c->periods[i] = (kt_period){.benefit = (uint8_t)(benefit < 0 ? 0 : benefit),
                                           .from = from, .to = to, .first_inquiry = fi,
                                           .first_sick_day = fs, .cat_first = first,
                                           .cat_count = cat_at - first, .index = (uint32_t)i};
            memcpy(w->c->periods[i].a_kasse, akasse, sizeof akasse);
        }
    }
    if (w->c) {
        w->c->n_periods = (uint32_t)json_array_size(arr);
        w->c->n_categories = cat_at;
    }
}

static void walk_conversations(walk *w, const json_t *arr) {
    ptr base = {"/conversations"};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        ptr p = index_of(&base, i);
        if (!is_object(w, v, &p)) continue;
        kt_date d = get_date(w, v, &p, "date", true, false);
        int holder = get_enum(w, v, &p, "holder", kt_holder_names, KT_HOLDER_COUNT,
                              "jobcenter, a_kasse, faelles or anden_aktoer");
        int form = get_enum(w, v, &p, "form", kt_form_names, KT_FORM_COUNT,
                            "fremmoede, telefon, digitalt, brev or uden_kontakt");
        bool held = get_bool(w, v, &p, "held", true);
        uint32_t topics = 0;
        const json_t *ts = get_array(w, v, &p, "topics", KT_MAX_TOPICS, false);
        ptr tp = child(&p, "topics");
        size_t j;
        json_t *t;
        json_array_foreach(ts, j, t) {
            if (!json_is_string(t)) {
                ptr q = index_of(&tp, j);
                wrong_type(w, &q, t, "a topic string");
                continue;
            }
            int k = kt_lookup(kt_topic_names, T_COUNT, json_string_value(t), json_string_length(t));
            if (k >= 0) topics |= 1u << k; /* other topics are the caseworker's own */
        }
        if (w->c)
            w->c->conversations[i] = (kt_conversation){d, (uint8_t)(holder < 0 ? 0 : holder),
                                                       (uint8_t)(form < 0 ? 0 : form), held, topics,
                                                       (uint32_t)i};
    }
    if (w->c) w->c->n_conversations = (uint32_t)json_array_size(arr);
}

static void walk_events(walk *w, const json_t *arr) {
    ptr base = {"/events"};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        ptr p = index_of(&base, i);
        if (!is_object(w, v, &p)) continue;
        int type = get_enum(w, v, &p, "type", kt_event_names, EV_COUNT,
                            "an event type of case-format.md (cv_samtale, cv_oprettet, barsel, ...)");
        kt_event ev = {.type = (uint8_t)(type < 0 ? 0 : type), .reason = R_NONE,
                       .from = KT_NO_DATE, .to = KT_NO_DATE, .starts = KT_NO_DATE,
                       .index = (uint32_t)i};
        if (type >= 0 && kt_event_is_dated[type]) {
            ev.from = ev.to = get_date(w, v, &p, "date", true, false);
        } else if (type >= 0) {
            ev.from = get_date(w, v, &p, "from", true, false);
            ev.to = get_date(w, v, &p, "to", false, true);
            if (ev.from != KT_NO_DATE && ev.to != KT_NO_DATE && ev.to < ev.from) {
                ptr q = child(&p, "to");
                problem_at(w, q.s, "ends before it begins", "a date on or after `from`");
            }
        }
        if (type == EV_KONKRET_VURDERING) {
            ev.to = get_date(w, v, &p, "to", false, true);
            if (ev.from != KT_NO_DATE && ev.to != KT_NO_DATE && ev.to < ev.from) {
                ptr q = child(&p, "to");
                problem_at(w, q.s, "ends before it begins", "a date on or after `date`");
            }
            const char *exp = "jobcenter or a_kasse";
            int h = get_enum(w, v, &p, "holder", kt_holder_names, KT_HOLDER_COUNT, exp);
            if (h >= 0 && h != KT_HOLDER_JOBCENTER && h != KT_HOLDER_A_KASSE) {
                ptr q = child(&p, "holder");
                problem_at(w, q.s, "not a holder of quota duties", exp);
            }
            ev.holder = (uint8_t)(h < 0 ? 0 : h);
        }
        if (type == EV_KONTRAKT) ev.starts = get_date(w, v, &p, "starts", false, true);
        if (type == EV_FRITAGET) {
            int r = get_enum(w, v, &p, "reason", kt_reason_names, R_COUNT,
                             "pension_optjening, under18, mindre_intensiv, sdp_kort_forloeb or sdp_job_under_26");
            ev.reason = (uint8_t)(r < 0 ? R_NONE : r);
        }
        if (type == EV_JOBSTART) {
            json_t *what = json_object_get(v, "what");
            if (what && !json_is_null(what) &&
                (!json_is_string(what) || json_string_length(what) > KT_MAX_TEXT_LEN)) {
                ptr q = child(&p, "what");
                problem_at(w, q.s, "not a short text", "a string of at most 256 bytes");
            }
        }
        if (w->c) w->c->events[i] = ev;
    }
    if (w->c) w->c->n_events = (uint32_t)json_array_size(arr);
}

/* Walks the whole document; with w->c set, fills the case as it goes. */
static void walk_case(walk *w, const json_t *root, const json_t **bs, const json_t **cs,
                      const json_t **es) {
    ptr top = {""};
    if (!json_is_object(root)) {
        wrong_type(w, &top, root, "a case object");
        return;
    }
    get_id(w, root);
    kt_date as_of = get_date(w, root, &top, "as_of", false, true);
    json_t *person = json_object_get(root, "person");
    ptr pp = {"/person"};
    kt_date birth = KT_NO_DATE;
    bool youth = false, voc = false, rep = false;
    if (!person) {
        problem_at(w, "/person", "missing", "an object with birth_date");
    } else if (is_object(w, person, &pp)) {
        birth = get_date(w, person, &pp, "birth_date", true, false);
        youth = get_bool(w, person, &pp, "youth_education", false);
        voc = get_bool(w, person, &pp, "vocational_education", false);
        rep = get_bool(w, person, &pp, "repatriering", false);
    }
    w->birth = birth;
    w->voc = voc;
    *bs = get_array(w, root, &top, "benefits", KT_MAX_PERIODS, true);
    *cs = get_array(w, root, &top, "conversations", KT_MAX_CONVERSATIONS, false);
    *es = get_array(w, root, &top, "events", KT_MAX_EVENTS, false);
    if (w->c) {
        w->c->as_of = as_of;
        w->c->birth_date = birth;
        w->c->youth_education = youth;
        w->c->vocational_education = voc;
        w->c->repatriering = rep;
    }
    if (*bs) walk_benefits(w, *bs);
    if (*cs) walk_conversations(w, *cs);
    if (*es) walk_events(w, *es);
}

static size_t count_categories(const json_t *bs) {
    size_t n = 0, i;
    json_t *b;
    json_array_foreach(bs, i, b) {
        json_t *cats = json_is_object(b) ? json_object_get(b, "categories") : NULL;
        if (json_is_array(cats)) n += json_array_size(cats);
    }
    return n;
}

static void locate_all(kt_problems *pr, const char *json, size_t len) {
    for (size_t i = 0; i < pr->n; i++)
        kt_json_locate(json, len, pr->items[i].pointer, &pr->items[i].line, &pr->items[i].column);
}

/* The reference reader (case_reader.h); kt_case_parse tries a fast one first. */
int kt_case_parse_jansson(const char *json, size_t len, kt_case **out, kt_problems **problems) {
    *out = NULL;
    if (problems) *problems = NULL;
    kt_problems *pr = calloc(1, sizeof *pr);
    if (!pr) return KT_ENOMEM;
    walk w = {.pr = pr};
    if (len > KT_MAX_CASE_BYTES) {
        char msg[80];
        snprintf(msg, sizeof msg, "the case is %zu bytes", len);
        problem_at(&w, "", msg, "at most 4 MiB");
        goto invalid;
    }
    json_error_t err;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        char msg[200];
        snprintf(msg, sizeof msg, "not valid JSON: %s", err.text);
        problem_at(&w, "", msg, "a JSON object");
        if (pr->n) {
            pr->items[pr->n - 1].line = err.line > 0 ? err.line : 1;
            pr->items[pr->n - 1].column = err.column > 0 ? err.column : 1;
        }
        goto invalid_located;
    }
    const json_t *bs = NULL, *cs = NULL, *es = NULL;
    walk_case(&w, root, &bs, &cs, &es);
    if (w.oom) {
        json_decref(root);
        kt_problems_free(pr);
        return KT_ENOMEM;
    }
    if (pr->n) {
        json_decref(root);
        goto invalid;
    }
    /* valid: build the case in one allocation */
    size_t np = json_array_size(bs), nk = count_categories(bs), nc = cs ? json_array_size(cs) : 0,
           ne = es ? json_array_size(es) : 0;
    size_t bytes = sizeof(kt_case) + np * sizeof(kt_period) + nk * sizeof(kt_category_at) +
                   nc * sizeof(kt_conversation) + ne * sizeof(kt_event);
    kt_case *c = kt_case_alloc(bytes);
    if (!c) {
        json_decref(root);
        kt_problems_free(pr);
        return KT_ENOMEM;
    }
    c->periods = (kt_period *)(c + 1);
    c->conversations = (kt_conversation *)(c->periods + np);
    c->events = (kt_event *)(c->conversations + nc);
    c->categories = (kt_category_at *)(c->events + ne);
    w.c = c;
    walk_case(&w, root, &bs, &cs, &es);
    json_decref(root);
    kt_conversations_sort(c->conversations, c->n_conversations);
    kt_problems_free(pr);
    *out = c;
    return KT_OK;

invalid:
    locate_all(pr, json, len);
invalid_located:
    if (w.oom) {
        kt_problems_free(pr);
        return KT_ENOMEM;
    }
    if (problems) *problems = pr;
    else kt_problems_free(pr);
    return KT_EINVALID;
}

/* kt_case_free: in case_reader.c, with kt_case_alloc */
const char *kt_case_id(const kt_case *c) { return c->id; }
kt_date kt_case_as_of(const kt_case *c) { return c->as_of; }
