/*
 * engine.c -- from a case to its plan.
 *
 * The steps, in order: courses are formed from the benefit periods (a run of
 * one benefit; gaps under 31 days join), each course gets its stopped days
 * (gaps and exemptions, which stop the benefit clock), each conversation gets
 * a form verdict per course, and then every rule slot is evaluated for every
 * course by the shape of its row (single window, 12-month windows, recurring
 * chain, monthly). Rows are looked up in the table of the generation in force
 * on the day that decides (S, or the day a window opens). See
 * spec/conventions.md; choices the spec leaves open are in docs/decisions.md.
 */
#include "engine.h"

#include "date.h"
#include "plan.h"
#include "kontakt_buf.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOREVER INT32_MAX
#define KT_MAX_OCCURRENCES 2000 /* per chain; generations end chains long before */
#define GRACE_DAYS 14           /* dp.monthly (STAR practice 2018) */
#define SAME_COURSE_GAP 31      /* a gap shorter than this continues a course */
#define SCRATCH_STACK 24576     /* bytes of per-call scratch on the stack (dense cases need ~10 KiB) */
#define DAY_2025_01_01 20089    /* kt_date_from_ymd(2025, 1, 1), checked in kt_engine_new */

/* ---- engine ------------------------------------------------------------------- */

int kt_engine_new(kt_engine **out) {
    *out = NULL;
    kt_engine *e = calloc(1, sizeof *e);
    if (!e) return KT_ENOMEM;
    for (int i = 0; i < KT_N_GENERATIONS; i++) {
        const kt_generation *g = &kt_generations[i];
        e->first[i] = kt_date_from_ymd(g->year, g->month, g->day);
        for (size_t r = 0; r < g->n_rules; r++) {
            const kt_rule *row = g->rules[r];
            if (!e->proto[row->slot]) e->proto[row->slot] = row;
        }
        for (size_t x = 0; x < g->n_exemptions; x++) {
            const kt_exemption *ex = g->exemptions[x];
            bool seen = false;
            for (int k = 0; k < e->n_exemptions; k++) seen |= e->exemptions[k] == ex;
            if (!seen) e->exemptions[e->n_exemptions++] = ex;
        }
    }
    e->first[KT_N_GENERATIONS] = kt_date_from_ymd(KT_BEYOND_YEAR, KT_BEYOND_MONTH, KT_BEYOND_DAY);
    if (kt_date_from_ymd(2025, 1, 1) != DAY_2025_01_01) {
        free(e);
        return KT_EARG;
    }
    for (int g = 0; g < KT_N_GENERATIONS; g++) {
        for (int slot = 0; slot < S_COUNT; slot++)
            for (int grp = 0; grp < G_COUNT; grp++) {
                const kt_rule *r = kt_generation_find(&kt_generations[g], slot, grp);
                e->row[g][slot][grp] = r;
                if (r) e->binds[slot] |= (uint16_t)GB(grp);
            }
        for (int k = 0; k < e->n_exemptions; k++)
            if (kt_generation_has_exemption(&kt_generations[g], e->exemptions[k]))
                e->has_x[g] |= 1u << k;
    }
    for (int grp = 0; grp < G_COUNT; grp++)
        for (int slot = 0; slot < S_COUNT; slot++)
            if (e->proto[slot] && (e->binds[slot] & GB(grp)))
                e->slots[grp][e->n_slots[grp]++] = (uint8_t)slot;
    for (int g = 0; g < KT_N_GENERATIONS; g++)
        for (int grp = 0; grp < G_COUNT; grp++)
            for (int k = 0; k < e->n_slots[grp]; k++) {
                int slot = e->slots[grp][k];
                const kt_rule *proto = e->proto[slot];
                bool from_S = proto->shape != SH_TWELVE && proto->shape != SH_RECUR && proto->anchor == A_S;
                if (from_S && !e->row[g][slot][grp]) continue;
                e->run[g][grp][e->n_run[g][grp]++] = (uint8_t)slot;
            }
    for (int k = 0; k <= KT_MSTART_MONTHS; k++)
        e->mstart[k] = kt_date_from_ymd(KT_MSTART_YEAR + k / 12, k % 12 + 1, 1);
    for (int k = 0; k < e->n_exemptions; k++)
        if (e->exemptions[k]->event < EV_COUNT) e->x_by_event[e->exemptions[k]->event] |= 1u << k;
    /* the holidays' days (date.c's rows), as kt_is_holiday finds them */
    for (int y = KT_MSTART_YEAR; y < KT_MSTART_YEAR + KT_MSTART_MONTHS / 12; y++) {
        kt_date easter = kt_easter(y);
        for (int i = 0; i < KT_N_HOLIDAYS; i++) {
            const kt_holiday_row *h = &kt_holidays[i];
            if (h->last_year && y > h->last_year) continue;
            kt_date d = h->month ? kt_date_from_ymd(y, h->month, h->day) : easter + h->easter;
            unsigned k = (unsigned)(d - e->mstart[0]);
            e->holiday[k / 64] |= UINT64_C(1) << (k % 64);
        }
    }
    for (int i = 0; i < KT_N_GENERATIONS; i++) e->gen_names[i] = kt_generations[i].name;
    *out = e;
    return KT_OK;
}

void kt_engine_free(kt_engine *e) { free(e); }

int kt_engine_set_generation_start(kt_engine *e, const char *name, kt_date first_day) {
    int idx = kt_generation_index(name);
    if (strcmp(name, KT_BEYOND_NAME) == 0) idx = KT_N_GENERATIONS;
    if (idx < 0 || first_day == KT_NO_DATE) return KT_EARG;
    kt_date saved = e->first[idx];
    e->first[idx] = first_day;
    for (int i = 1; i <= KT_N_GENERATIONS; i++)
        if (e->first[i] <= e->first[i - 1]) {
            e->first[idx] = saved;
            return KT_EARG;
        }
    return KT_OK;
}

int kt_engine_set_generation_arg(kt_engine *e, const char *arg) {
    const char *eq = strchr(arg, '=');
    if (!eq || eq - arg > 15) return KT_EARG;
    char name[16];
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    kt_date d;
    if (kt_date_parse(eq + 1, strlen(eq + 1), &d) != KT_OK) return KT_EARG;
    return kt_engine_set_generation_start(e, name, d);
}

/* The generation in force on d: index, or -1 before the catalogue. Days from
 * the first day of newer law follow the newest generation; *beyond says so. */
int kt_engine_generation_on(const kt_engine *e, kt_date d, bool *beyond) {
    return kt_engine_gen_on(e, d, beyond);
}

void kt_plan_options_init(kt_plan_options *o) {
    o->as_of = KT_NO_DATE;
    o->today = KT_NO_DATE;
    o->horizon_days = 180;
    o->explain = 0;
    o->ahead = 0;
    o->no_valid_until = 0;
}

/* ---- per-call state ------------------------------------------------------------ */

typedef struct ivl {
    kt_date a, b; /* inclusive; b FOREVER = no end */
    const kt_exemption *x; /* NULL for a gap between periods */
    uint8_t holder;        /* by_quota exemptions: the event's holder */
} ivl;

typedef struct course {
    const kt_engine *e;
    uint8_t benefit, group;
    uint32_t idx;   /* its place in ctx.courses (co - x->courses, without the division) */
    kt_date S, end; /* end KT_NO_DATE = running */
    int Sy, Sm, Sd; /* S as year, month, day (prepare_course) */
    int age_S;      /* the person's age on S (prepare_course) */
    int Sk;         /* S's month counted from January KT_MSTART_YEAR (add_months_S) */
    int gen;        /* on S */
    bool beyond;
    uint32_t *periods; /* indices into case periods, by from */
    uint32_t n_periods;
    ivl *gaps;
    uint32_t n_gaps;
    ivl *exempt; /* exemption pieces, sorted by a */
    uint32_t n_exempt;
    ivl *nsx;   /* exemptions that do not stop the clock (rules.md), pieces by generation */
    uint32_t n_nsx;
    ivl *stops; /* gaps and exemptions merged */
    uint32_t n_stops;
    kt_category_at *cats; /* known by as_of, sorted */
    uint32_t n_cats;
    /* per conversation (case order, sorted by date) */
    bool *in_course;
    uint8_t *form; /* kt_form_verdict */
    /* 1 << holder where the conversation is held, in the course and of a
     * form that counts (FV_OK), else 0: one AND with a row's accepted
     * holders answers all four questions (qualifies_q) */
    uint8_t *okh;
    uint64_t *claimed;
    int first_in_person; /* index, or -1 */
    int8_t remote_as_of, standby_as_of; /* forms_on_as_of's, once known; -1 before */
    int16_t forms_as_of[2]; /* forms_on_as_of's answer by F_FIRST_OF_COURSE; -1 before */
    /* results that later slots build on: first_met and first_due hold only
     * where first_done says so (bit SB(slot): fewer bytes to clear per course) */
    uint64_t first_done;
    /* ---- from here on not cleared when a course is made (COURSE_CLEAR) ---- */
    kt_date first_met[S_COUNT], first_due[S_COUNT];
} course;
#define COURSE_CLEAR offsetof(course, first_met)
_Static_assert(S_COUNT <= 64, "course.first_done and the claims hold one bit per slot");

typedef struct ctx {
    const kt_engine *e;
    const kt_case *c;
    kt_plan *p;
    kt_date as_of, last_listed;
    kt_arena scratch;
    course *courses;
    uint32_t n_courses;
    int oom;
    int gen_as_of; /* kt_engine_generation_on(as_of) */
    bool any_beyond, any_provisional, any_dp, any_g2020_after6;
    uint32_t event_types; /* bit t: an event of type t known by as_of */
    uint32_t n_known; /* conversations dated on or before as_of (a prefix: sorted) */
    bool birth_known;
    int by, bm, bd; /* the birth date as year, month, day, once birth_known */
    kt_date adult;  /* the 18th birthday (addMonths(birth, 216)) */
    kt_date next_unlisted; /* the first window start past last_listed, or FOREVER */
} ctx;

/* A window opening on `from` is past the horizon: the plan lists it from
 * the day on which from <= as_of + horizon (kt_plan_valid_until). */
static void unlisted(ctx *x, kt_date from) {
    if (from != KT_NO_DATE && from < x->next_unlisted) x->next_unlisted = from;
}

/* Scratch that the caller writes before it reads any of it. */
static void *scratch_raw(ctx *x, size_t n) {
    void *p = kt_arena_get(&x->scratch, n ? n : 1);
    if (!p) x->oom = 1;
    return p;
}

static void *scratch(ctx *x, size_t n) {
    void *p = kt_arena_get(&x->scratch, n ? n : 1);
    if (!p) x->oom = 1;
    else memset(p, 0, n);
    return p;
}

/* ---- warnings ------------------------------------------------------------------ */

/* Has the plan said this already? (each warning is said once) */
static bool warn_seen(const kt_plan *p, const char *code, const char *message, size_t mlen,
                      const char *pointer, size_t plen) {
    for (size_t i = 0; i < p->n_warnings; i++) {
        const kt_warning *w = &p->warnings[i];
        if (w->mlen != mlen || w->plen != plen) continue;
        const char *wm = w->message, *wp = w->pointer;
        char mbuf[KT_WARNING_TEXT_MAX], pbuf[KT_WARNING_POINTER_MAX];
        if (w->why) kt_warning_text(w, mbuf, pbuf, &wm, &wp);
        if (memcmp(wp, pointer, plen) == 0 && memcmp(wm, message, mlen) == 0 &&
            (w->code == code || strcmp(w->code, code) == 0))
            return true;
    }
    return false;
}

/* Room for one more warning, or NULL (out of memory). */
static kt_warning *warn_grow(ctx *x);
static inline kt_warning *warn_slot(ctx *x) {
    kt_plan *p = x->p;
    if (p->n_warnings < p->cap_warnings) return &p->warnings[p->n_warnings];
    return warn_grow(x);
}

/* Doubles an array of the plan that starts in the plan's own inline storage
 * (copied to the heap on its first growth). NULL on OOM: the array and *cap
 * are then unchanged. */
static void *grow_plan_array(void *arr, const void *inline_arr, size_t n, size_t *cap, size_t size) {
    size_t c = *cap * 2;
    void *a;
    if (arr == inline_arr) {
        a = malloc(c * size);
        if (a) memcpy(a, arr, n * size);
    } else {
        a = realloc(arr, c * size);
    }
    if (a) *cap = c;
    return a;
}

static kt_warning *warn_grow(ctx *x) {
    kt_plan *p = x->p;
    kt_warning *w = grow_plan_array(p->warnings, p->warnings_inline, p->n_warnings, &p->cap_warnings,
                                    sizeof *w);
    if (!w) {
        x->oom = 1;
        return NULL;
    }
    p->warnings = w;
    return &p->warnings[p->n_warnings];
}

/* message and pointer with their lengths (strlen) */
static void warn_n(ctx *x, const char *code, const char *message, size_t mlen, const char *pointer,
                   size_t plen) {
    kt_plan *p = x->p;
    if (warn_seen(p, code, message, mlen, pointer, plen)) return;
    kt_warning *w = warn_slot(x);
    if (!w) return;
    char *m = kt_arena_alloc(&p->arena, mlen + 1 + plen + 1);
    if (!m) {
        x->oom = 1;
        return;
    }
    memcpy(m, message, mlen);
    m[mlen] = '\0';
    char *ptr = m + mlen + 1;
    memcpy(ptr, pointer, plen);
    ptr[plen] = '\0';
    *w = (kt_warning){.code = code, .message = m, .pointer = ptr, .mlen = (uint32_t)mlen, .plen = (uint32_t)plen};
    p->n_warnings++;
}

static void warn(ctx *x, const char *code, const char *message, const char *pointer) {
    warn_n(x, code, message, strlen(message), pointer, strlen(pointer));
}

/* ---- small helpers ------------------------------------------------------------- */

static kt_date min_d(kt_date a, kt_date b) { return a < b ? a : b; }

/* Does an event hold on day d? Events dated after as_of are unknown. */
static bool event_holds(const ctx *x, const kt_event *ev, kt_date d) {
    if (ev->from > x->as_of) return false;
    return ev->from <= d && (ev->to == KT_NO_DATE || d <= ev->to);
}

static bool any_event_holds(const ctx *x, int type, kt_date d) {
    if (type < 32 && !(x->event_types & (1u << type))) return false; /* none known by as_of */
    for (uint32_t i = 0; i < x->c->n_events; i++)
        if (x->c->events[i].type == type && event_holds(x, &x->c->events[i], d)) return true;
    return false;
}

static kt_category category_on(const course *co, kt_date d) {
    if (co->n_cats == 0)
        return (co->group == G_KH || co->group == G_UH) ? C_UNKNOWN : C_NONE;
    kt_category cat = co->cats[0].category; /* the first visitation reaches back to S */
    for (uint32_t i = 0; i < co->n_cats && co->cats[i].from <= d; i++) cat = co->cats[i].category;
    return cat;
}

static bool in_gap(const course *co, kt_date d) {
    for (uint32_t i = 0; i < co->n_gaps; i++)
        if (co->gaps[i].a <= d && d <= co->gaps[i].b) return true;
    return false;
}

static bool in_course_span(const course *co, kt_date d) {
    return d >= co->S && (co->end == KT_NO_DATE || d <= co->end) && !in_gap(co, d);
}

/* ---- the benefit clock ------------------------------------------------------------ */

/* kt_add_months(co->S, n): kt_engine_add_months with S's month counted once
 * (co->Sk); no cache, whose test went either way from one call to the next */
static inline kt_date add_months_S(course *co, int n) {
    const int k = co->Sk + n;
    if ((unsigned)k < (unsigned)KT_MSTART_MONTHS) {
        const kt_date a = co->e->mstart[k];
        const int dim = co->e->mstart[k + 1] - a;
        return a + (co->Sd < dim ? co->Sd : dim) - 1;
    }
    return kt_engine_add_months(co->e, co->Sy, co->Sm, co->Sd, n);
}

/* The day on which the L-th day that is not stopped falls, counting from f
 * (f included); KT_NO_DATE when a stop for good comes first. */
static __attribute__((noinline)) kt_date clock_day(const course *co, kt_date f, int32_t L) {
    kt_date d = f;
    int32_t left = L;
    for (uint32_t i = 0; i < co->n_stops; i++) {
        const ivl *s = &co->stops[i];
        if (s->b != FOREVER && s->b < d) continue;
        if (s->a > d) {
            int32_t run = s->a - d;
            if (left <= run) return d + left - 1;
            left -= run;
        }
        if (s->b == FOREVER) return KT_NO_DATE;
        d = s->b + 1;
    }
    return d + left - 1;
}

/* [S + m months] on benefit time: the first day after the first m months. */
static inline kt_date clock_after_months(course *co, int m) {
    if (m == 0) return co->S;
    if (co->n_stops == 0) return add_months_S(co, m); /* what clock_day gives without stops */
    kt_date end = clock_day(co, co->S, add_months_S(co, m) - co->S);
    return end == KT_NO_DATE ? KT_NO_DATE : end + 1;
}

/* The end of a window counted from S: [S, addMonths(S, months) + days]. */
static inline kt_date clock_end(course *co, int months, int days) {
    kt_date plain = add_months_S(co, months) + days;
    if (co->n_stops == 0) return plain; /* what clock_day gives without stops */
    return clock_day(co, co->S, plain - co->S + 1);
}

/* The exemption that holds on d in this course, or NULL. */
static const kt_exemption *exempt_on(const course *co, kt_date d) {
    for (uint32_t i = 0; i < co->n_exempt; i++)
        if (co->exempt[i].a <= d && (co->exempt[i].b == FOREVER || d <= co->exempt[i].b))
            return co->exempt[i].x;
    return NULL;
}

static const kt_exemption *exempt_forever(const course *co) {
    for (uint32_t i = 0; i < co->n_exempt; i++)
        if (co->exempt[i].b == FOREVER) return co->exempt[i].x;
    return NULL;
}

/* ---- courses -------------------------------------------------------------------- */

static int cmp_period_ptr(const void *a, const void *b, const kt_case *c) {
    const kt_period *p = &c->periods[*(const uint32_t *)a], *q = &c->periods[*(const uint32_t *)b];
    if (p->from != q->from) return p->from < q->from ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/* insertion sort: few periods, and qsort has no context argument in C11 */
static void sort_periods(uint32_t *idx, uint32_t n, const kt_case *c) {
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = idx[i], j = i;
        while (j > 0 && cmp_period_ptr(&idx[j - 1], &v, c) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

static kt_date period_end(const ctx *x, const kt_period *p) {
    /* a period that ends after as_of is still running as far as we know */
    return (p->to == KT_NO_DATE || p->to > x->as_of) ? KT_NO_DATE : p->to;
}

static kt_date period_start_S(const kt_period *p) {
    kt_date s = p->from;
    if ((p->benefit == B_KONTANTHJAELP || p->benefit == B_UDDANNELSESHJAELP ||
         p->benefit == B_INTEGRATIONSYDELSE) &&
        p->first_inquiry != KT_NO_DATE)
        s = p->first_inquiry;
    if (p->benefit == B_SYGEDAGPENGE && p->first_sick_day != KT_NO_DATE) s = p->first_sick_day;
    return s;
}

static char *fmt_ptr(ctx *x, const char *prefix, uint32_t i, const char *suffix) {
    char buf[96];
    kt_sb b;
    kt_sb_init(&b, buf, sizeof buf);
    kt_sb_str(&b, prefix);
    KT_SB_LIT(&b, "/");
    kt_sb_int(&b, i);
    kt_sb_str(&b, suffix);
    kt_sb_end(&b);
    char *s = kt_arena_strdup(&x->scratch, buf);
    if (!s) x->oom = 1;
    return s ? s : "";
}

static kt_group course_group(ctx *x, course *co) {
    const kt_case *c = x->c;
    int age = co->age_S;
    bool kh_by_age = age >= 30 || c->vocational_education;
    const kt_period *first = &c->periods[co->periods[0]];
    char msg[240];
    /* from 2025-07-01 the category decides (rules.md, groups and visitation) */
    const bool by_category = co->S >= KT_DAY_2025_07_01;
    switch (co->benefit) {
    case B_KONTANTHJAELP: {
        kt_category on_S = category_on(co, co->S);
        if (on_S == C_UDDANNELSESPARAT || on_S == C_AABENLYST) return G_UH;
        if (!kh_by_age && !by_category) {
            snprintf(msg, sizeof msg,
                     "Personen er %d år på forløbets start og uden erhvervskompetencegivende "
                     "uddannelse og burde efter visitationsreglen modtage uddannelseshjælp; "
                     "beregnet som kontanthjælp, som angivet.", age);
            warn(x, "category_mismatch", msg, fmt_ptr(x, "/benefits", first->index, ""));
        }
        return G_KH;
    }
    case B_UDDANNELSESHJAELP:
        if (kh_by_age && !by_category) {
            snprintf(msg, sizeof msg,
                     "Personen er %d år på forløbets start%s og burde efter visitationsreglen "
                     "modtage kontanthjælp; beregnet som uddannelseshjælp, som angivet.",
                     age, c->vocational_education ? " med erhvervskompetencegivende uddannelse" : "");
            warn(x, "category_mismatch", msg, fmt_ptr(x, "/benefits", first->index, ""));
        }
        return G_UH;
    case B_INTEGRATIONSYDELSE:
        /* the group follows age and education on S; a category of the other
         * group is an input error (case_law.c) */
        return kh_by_age ? G_KH : G_UH;
    default: return kt_benefit_group((kt_benefit)co->benefit);
    }
}

static int build_courses(ctx *x) {
    const kt_case *c = x->c;
    uint32_t *idx = scratch_raw(x, sizeof(uint32_t) * (c->n_periods + 1));
    x->courses = scratch_raw(x, sizeof(course) * (c->n_periods + 1)); /* each cleared when made */
    if (x->oom) return KT_ENOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n_periods; i++) {
        const kt_period *p = &c->periods[i];
        /* a period is known once it or its first inquiry has happened */
        if (min_d(p->from, period_start_S(p)) <= x->as_of) idx[n++] = i;
    }
    sort_periods(idx, n, c);
    course *cur = NULL;
    for (uint32_t k = 0; k < n; k++) {
        const kt_period *p = &c->periods[idx[k]];
        kt_date pend = period_end(x, p);
        /* g2025b: uddannelseshjælp or integrationsydelse to 2025-06-30, then
         * kontanthjælp from 2025-07-01, is the same course (rules.md) */
        const bool conversion = cur && p->benefit == B_KONTANTHJAELP &&
                                (cur->benefit == B_UDDANNELSESHJAELP ||
                                 cur->benefit == B_INTEGRATIONSYDELSE) &&
                                cur->end == KT_DAY_2025_07_01 - 1 && p->from == KT_DAY_2025_07_01;
        if (cur && (cur->benefit == p->benefit || conversion)) {
            bool running = cur->end == KT_NO_DATE;
            int32_t gap = running ? -1 : p->from - cur->end - 1;
            if (gap < SAME_COURSE_GAP || p->benefit == B_REVALIDERING) {
                if (gap > 0) cur->gaps[cur->n_gaps++] = (ivl){cur->end + 1, p->from - 1, NULL, 0};
                if (!running) cur->end = pend == KT_NO_DATE ? KT_NO_DATE : (pend > cur->end ? pend : cur->end);
                cur->periods[cur->n_periods++] = idx[k];
                continue;
            }
        }
        if (cur && (cur->end == KT_NO_DATE || cur->end >= p->from)) {
            /* a change of benefit ends the earlier course (ydelsesskift) */
            cur->end = p->from - 1;
            warn(x, "overlapping_benefits",
                 "To ydelsesperioder overlapper; den tidligere ydelse anses for ophørt dagen før "
                 "den nye begynder (ydelsesskift).",
                 fmt_ptr(x, "/benefits", p->index, ""));
            if (cur->end < cur->S) x->n_courses--; /* nothing of it is left */
        }
        cur = &x->courses[x->n_courses];
        memset(cur, 0, COURSE_CLEAR);
        cur->idx = x->n_courses++;
        cur->e = x->e;
        cur->benefit = p->benefit;
        cur->S = period_start_S(p);
        cur->end = pend;
        cur->periods = scratch_raw(x, sizeof(uint32_t) * n);
        cur->gaps = scratch_raw(x, sizeof(ivl) * n);
        if (x->oom) return KT_ENOMEM;
        cur->periods[cur->n_periods++] = idx[k];
    }
    return KT_OK;
}

/* Categories of a course, known by as_of, in date order. */
static int course_categories(ctx *x, course *co) {
    const kt_case *c = x->c;
    uint32_t total = 0;
    for (uint32_t i = 0; i < co->n_periods; i++) total += c->periods[co->periods[i]].cat_count;
    co->cats = scratch_raw(x, sizeof(kt_category_at) * (total + 1));
    if (x->oom) return KT_ENOMEM;
    for (uint32_t i = 0; i < co->n_periods; i++) {
        const kt_period *p = &c->periods[co->periods[i]];
        for (uint32_t j = 0; j < p->cat_count; j++) {
            kt_category_at v = c->categories[p->cat_first + j];
            if (v.from > x->as_of) continue;
            uint32_t k = co->n_cats++;
            while (k > 0 && co->cats[k - 1].from > v.from) {
                co->cats[k] = co->cats[k - 1];
                k--;
            }
            co->cats[k] = v;
        }
    }
    return KT_OK;
}

/* The first generation that can hold a piece of [a, b]: those before the
 * one in force on a end before a (the loops stop at the first that begins
 * after b), so the pieces are those of a loop over every generation. */
static inline int gen_first_piece(const kt_engine *e, kt_date a) {
    const int g = kt_engine_gen_on(e, a, NULL);
    return g < 0 ? 0 : g;
}

/* Adds the exemption pieces of a course: each exemption event, cut to the
 * days on which a generation that has the exemption is in force and to the
 * course's days. Then merges gaps and exemptions into the stopped days. */
static int course_stops(ctx *x, course *co) {
    const kt_case *c = x->c;
    const kt_engine *e = x->e;
    size_t cap = (size_t)c->n_events * (KT_N_GENERATIONS + 1) * 2 + 1;
    co->exempt = scratch_raw(x, sizeof(ivl) * cap);
    co->nsx = scratch_raw(x, sizeof(ivl) * cap);
    co->stops = scratch_raw(x, sizeof(ivl) * (cap + co->n_gaps + 1));
    if (x->oom) return KT_ENOMEM;
    kt_date course_end = co->end == KT_NO_DATE ? FOREVER : co->end;
    for (uint32_t i = 0; i < c->n_events; i++) {
        const kt_event *ev = &c->events[i];
        if (ev->from > x->as_of) continue;
        for (uint32_t xs = ev->type < EV_COUNT ? e->x_by_event[ev->type] : 0; xs; xs &= xs - 1) {
            const int k = __builtin_ctz(xs);
            const kt_exemption *xr = e->exemptions[k];
            const uint32_t xbit = 1u << k;
            if (xr->event != ev->type || (xr->reason != R_NONE && xr->reason != ev->reason)) continue;
            if (!(xr->groups & GB(co->group))) continue;
            kt_date a = ev->from, b = ev->to == KT_NO_DATE ? FOREVER : ev->to;
            if (xr->xform == X_BEFORE_28) {
                a = ev->from - 28;
                b = ev->from - 1;
            } else if (xr->xform == X_CONTRACT) {
                if (ev->starts == KT_NO_DATE || ev->starts < ev->from || ev->starts - ev->from > 28)
                    continue;
                b = ev->starts;
            } else if (xr->xform == X_WEEK_26 && b > co->S + 181) {
                b = co->S + 181; /* at the latest the end of week 26 */
            }
            const bool nonstop = xr->only_slots || xr->by_quota;
            if (nonstop) {
                /* it belongs to the course running on its date or from */
                if (ev->from < co->S || ev->from > course_end) continue;
                for (int g = gen_first_piece(e, a); g < KT_N_GENERATIONS && e->first[g] <= b; g++) {
                    if (!(e->has_x[g] & xbit)) continue;
                    kt_date ga = e->first[g], gb = g + 1 < KT_N_GENERATIONS ? e->first[g + 1] - 1 : FOREVER;
                    kt_date pa = a > ga ? a : ga, pb = b < gb ? b : gb;
                    if (pa <= pb) co->nsx[co->n_nsx++] = (ivl){pa, pb, xr, ev->holder};
                }
                continue;
            }
            /* exempt.under18 holds only on the days before the 18th birthday */
            if (xr->reason == R_UNDER18 && b >= x->adult) b = x->adult - 1;
            if (a < co->S) a = co->S;
            if (b > course_end) b = course_end;
            if (a > b) continue;
            for (int g = gen_first_piece(e, a); g < KT_N_GENERATIONS && e->first[g] <= b; g++) {
                if (!(e->has_x[g] & xbit)) continue;
                kt_date ga = e->first[g], gb = g + 1 < KT_N_GENERATIONS ? e->first[g + 1] - 1 : FOREVER;
                kt_date pa = a > ga ? a : ga, pb = b < gb ? b : gb;
                if (pa <= pb) co->exempt[co->n_exempt++] = (ivl){pa, pb, xr, 0};
            }
        }
    }
    /* sort exemption pieces by start (few) */
    for (uint32_t i = 1; i < co->n_exempt; i++) {
        ivl v = co->exempt[i];
        uint32_t j = i;
        while (j > 0 && co->exempt[j - 1].a > v.a) {
            co->exempt[j] = co->exempt[j - 1];
            j--;
        }
        co->exempt[j] = v;
    }
    /* merge gaps (already sorted) and exemptions */
    uint32_t gi = 0, xi = 0;
    while (gi < co->n_gaps || xi < co->n_exempt) {
        ivl v;
        if (xi >= co->n_exempt || (gi < co->n_gaps && co->gaps[gi].a <= co->exempt[xi].a))
            v = co->gaps[gi++];
        else
            v = co->exempt[xi++];
        ivl *last = co->n_stops ? &co->stops[co->n_stops - 1] : NULL;
        if (last && (last->b == FOREVER || v.a <= last->b + 1)) {
            if (last->b != FOREVER && (v.b == FOREVER || v.b > last->b)) last->b = v.b;
        } else {
            co->stops[co->n_stops++] = v;
        }
    }
    return KT_OK;
}

/* ---- contact forms ------------------------------------------------------------------ */

static bool standby_on(const ctx *x, const course *co, kt_date d) {
    if (!any_event_holds(x, EV_ALVORLIG_SYGDOM, d)) return false;
    int gi = kt_engine_gen_on(x->e, d, NULL);
    const kt_generation *g = &kt_generations[gi < 0 ? 0 : gi];
    if (g->standby_everyone || (g->standby_groups & GB(co->group)) ||
        (g->standby_benefits & (1u << co->benefit)))
        return true;
    return (co->group == G_KH || co->group == G_UH) &&
           (g->standby_kh_uh_cats & CB(category_on(co, d)));
}

/* In-person exceptions of g2014-g2020 (seed 001 §5). */
static bool remote_allowed(const ctx *x, const course *co, kt_date d, const kt_generation *g) {
    if (co->group == G_UH && (g->any_form_cats & CB(category_on(co, d)))) return true;
    if (any_event_holds(x, EV_TILBUD, d)) return true;
    if (co->group == G_DP || co->group == G_KH || co->group == G_LY) {
        if (any_event_holds(x, EV_ARBEJDSFORDELING, d) || any_event_holds(x, EV_HJEMSENDT, d))
            return true;
        for (uint32_t i = 0; (x->event_types & (1u << EV_JOBSTART)) && i < x->c->n_events; i++) {
            const kt_event *ev = &x->c->events[i];
            /* jobstart: the event's date is the documented first day of work;
             * conversations in the 6 weeks up to it may be remote (seed 001
             * §5: "inden for de næste 6 uger skal påbegynde") */
            if (ev->type == EV_JOBSTART && ev->from <= x->as_of && ev->from - 42 <= d && d <= ev->from)
                return true;
        }
    }
    return false;
}

static kt_form_verdict form_verdict(const ctx *x, const course *co, uint32_t i) {
    const kt_conversation *cv = &x->c->conversations[i];
    if (cv->form == KT_FORM_UDEN_KONTAKT)
        return standby_on(x, co, cv->date) ? FV_OK : FV_NO_STANDBY;
    if (cv->form == KT_FORM_FREMMOEDE) return FV_OK;
    int gi = kt_engine_gen_on(x->e, cv->date, NULL);
    const kt_generation *g = &kt_generations[gi < 0 ? 0 : gi];
    if (g->form_regime == FORMS_FIRST_IN_PERSON) {
        if (cv->form == KT_FORM_BREV) return FV_BREV;
        return co->first_in_person >= 0 && (uint32_t)co->first_in_person < i ? FV_OK
                                                                               : FV_BEFORE_FIRST_IN_PERSON;
    }
    return remote_allowed(x, co, cv->date, g) ? FV_OK : FV_NOT_IN_PERSON;
}

static uint8_t forms_as_of(const ctx *x, course *co, int first_of_course);

/* The forms that would count on as_of for an obligation of this row. */
static inline uint8_t forms_on_as_of(const ctx *x, course *co, const kt_rule *row) {
    if (!row->by_conversations && row->met_topic < 0) return 0;
    /* the rest depends on the course, as_of and F_FIRST_OF_COURSE only */
    const int first = (row->flags & F_FIRST_OF_COURSE) != 0;
    if (co->forms_as_of[first] < 0) co->forms_as_of[first] = forms_as_of(x, co, first);
    return (uint8_t)co->forms_as_of[first];
}

static uint8_t forms_as_of(const ctx *x, course *co, int first_of_course) {
    const uint8_t any = 1u << KT_FORM_FREMMOEDE | 1u << KT_FORM_TELEFON | 1u << KT_FORM_DIGITALT |
                        1u << KT_FORM_BREV;
    kt_date d = x->as_of;
    const kt_generation *g = &kt_generations[x->gen_as_of < 0 ? 0 : x->gen_as_of];
    uint8_t f = 1u << KT_FORM_FREMMOEDE;
    if (g->form_regime == FORMS_FIRST_IN_PERSON) {
        if (!first_of_course && co->first_in_person >= 0)
            f |= 1u << KT_FORM_TELEFON | 1u << KT_FORM_DIGITALT;
    } else {
        if (co->remote_as_of < 0) co->remote_as_of = remote_allowed(x, co, d, g);
        if (co->remote_as_of) f = any;
    }
    if (co->standby_as_of < 0) co->standby_as_of = standby_on(x, co, d);
    if (co->standby_as_of) f |= 1u << KT_FORM_UDEN_KONTAKT;
    return f;
}

/* ---- obligations ------------------------------------------------------------------- */

static bool holder_ok(uint8_t holders, uint8_t h) {
    if (holders & (1u << h)) return true;
    /* an other actor acts for the jobcentre; a joint conversation counts
     * wherever either of its holders does */
    if (h == KT_HOLDER_ANDEN_AKTOER) return holders & (1u << KT_HOLDER_JOBCENTER);
    if (h == KT_HOLDER_FAELLES)
        return holders & (1u << KT_HOLDER_JOBCENTER | 1u << KT_HOLDER_A_KASSE);
    return false;
}

/* Why conversation i cannot count toward `row` in a window from `from`
 * (V_COUNTED if it can). Claims and occurrences are the caller's. */
static kt_verdict conv_check(const ctx *x, const course *co, const kt_rule *row, uint32_t i,
                             kt_date from, uint8_t *detail) {
    const kt_conversation *cv = &x->c->conversations[i];
    if (!cv->held) return V_NOT_HELD;
    if (!co->in_course[i]) return V_OUTSIDE_COURSE;
    if (cv->date < from) return V_BEFORE_WINDOW;
    uint8_t holders = row->holders ? row->holders : 1u << KT_HOLDER_JOBCENTER;
    if (!holder_ok(holders, cv->holder)) return V_HOLDER;
    if (co->form[i] != FV_OK) {
        *detail = co->form[i];
        return V_FORM;
    }
    if (row->met_topic >= 0 && !(cv->topics & (1u << row->met_topic))) return V_NO_TOPIC;
    uint64_t ex = co->claimed[i] & row->excludes;
    if (ex) {
        *detail = (uint8_t)__builtin_ctzll(ex);
        return V_CLAIMED;
    }
    return V_COUNTED;
}

/* What conv_check asks of a conversation for a row, taken out of the row
 * once per loop (rowq_of), and asked by qualifies_q. */
typedef struct rowq {
    uint8_t accept; /* holders whose conversations count (holder_ok) */
    uint32_t topic; /* the topic that must have been discussed, or 0 */
    uint64_t excludes;
} rowq;

static inline rowq rowq_of(const kt_rule *row) {
    const unsigned holders = row->holders ? row->holders : 1u << KT_HOLDER_JOBCENTER;
    /* holder_ok without branches: an other actor counts where the
     * jobcentre does, a joint conversation where either of its holders does */
    const unsigned jc = (holders >> KT_HOLDER_JOBCENTER) & 1u, ak = (holders >> KT_HOLDER_A_KASSE) & 1u;
    const uint8_t accept = (uint8_t)(holders | jc << KT_HOLDER_ANDEN_AKTOER | (jc | ak) << KT_HOLDER_FAELLES);
    return (rowq){.accept = accept,
                  .topic = row->met_topic >= 0 ? 1u << row->met_topic : 0,
                  .excludes = row->excludes};
}

/* conv_check(...) == V_COUNTED for a conversation dated on or after the
 * window's first day */
static inline bool fits_q(const ctx *x, const course *co, const rowq *q, uint32_t i) {
    return (co->okh[i] & q->accept) && (x->c->conversations[i].topics & q->topic) == q->topic &&
           !(co->claimed[i] & q->excludes);
}

/* conv_check(...) == V_COUNTED */
static inline bool qualifies_q(const ctx *x, const course *co, const rowq *q, uint32_t i, kt_date from) {
    return x->c->conversations[i].date >= from && fits_q(x, co, q, i);
}

static bool qualifies(const ctx *x, const course *co, const kt_rule *row, uint32_t i, kt_date from) {
    const rowq q = rowq_of(row);
    return qualifies_q(x, co, &q, i, from);
}

static inline bool who_ok(const ctx *x, const course *co, const kt_rule *row, kt_date open) {
    const kt_case *c = x->c;
    if (!(row->groups & GB(co->group))) return false;
    if (row->min_age >= 0 || row->below_age >= 0) {
        int age = co->age_S;
        if (row->min_age >= 0 && age < row->min_age) return false;
        if (row->below_age >= 0 && age >= row->below_age) return false;
    }
    if ((row->needs & NEED_NO_YOUTH_EDU) && c->youth_education) return false;
    if ((row->needs & NEED_NO_VOCATIONAL_EDU) && c->vocational_education) return false;
    if ((row->needs & NEED_REPATRIERING) && !c->repatriering) return false;
    if (row->cats && !(row->cats & CB(category_on(co, open)))) return false;
    return true;
}

/* The first event of a type on or after `from` that the course knows of. */
static kt_date first_event(const ctx *x, const course *co, int type, kt_date from) {
    kt_date best = KT_NO_DATE;
    kt_date last = co->end == KT_NO_DATE ? x->as_of : min_d(co->end, x->as_of);
    for (uint32_t i = 0; i < x->c->n_events; i++) {
        const kt_event *ev = &x->c->events[i];
        if (ev->type == type && ev->from >= from && ev->from <= last &&
            (best == KT_NO_DATE || ev->from < best))
            best = ev->from;
    }
    return best;
}

static bool grow_obs(ctx *x);

static inline kt_ob *new_ob(ctx *x, const course *co, const kt_rule *row, int gen, bool beyond,
                            kt_date gen_day) {
    kt_plan *p = x->p;
    if (p->n_obs == p->cap_obs && !grow_obs(x)) return NULL;
    kt_ob *ob = &p->obs[p->n_obs++];
    *ob = (kt_ob){.rule = row, .gen = (uint8_t)gen, .beyond = beyond, .gen_day = gen_day,
                  .course = (uint8_t)co->idx, .benefit = co->benefit, .group = co->group,
                  .required = row->required, .met_on = KT_NO_DATE, .to = KT_NO_DATE};
    if (beyond) x->any_beyond = true;
    if (row->flags & F_PROVISIONAL) x->any_provisional = true;
    return ob;
}

static bool grow_obs(ctx *x) {
    kt_plan *p = x->p;
    kt_ob *o = grow_plan_array(p->obs, p->obs_inline, p->n_obs, &p->cap_obs, sizeof *o);
    if (!o) {
        x->oom = 1;
        return false;
    }
    p->obs = o;
    return true;
}

/* Drops the newest obligation (its window opens past the horizon). */
static void drop_ob(ctx *x) { x->p->n_obs--; }

/* The exemption that does not stop the clock and covers ob (rules.md,
 * exemptions): one that holds on the deadline; with the deadline after
 * as_of, one that holds on as_of and does not end before the deadline; both
 * come to a <= to <= b, since nothing after as_of is known. A concrete
 * judgement covers the holder's quota rules not met by its day. */
static const kt_exemption *nonstop_exempt(const course *co, const kt_ob *ob) {
    const kt_rule *row = ob->rule;
    if (ob->to == KT_NO_DATE || row->kind != K_SAMTALE) return NULL;
    for (uint32_t i = 0; i < co->n_nsx; i++) {
        const ivl *v = &co->nsx[i];
        if (!(v->a <= ob->to && (v->b == FOREVER || ob->to <= v->b))) continue;
        if (v->x->by_quota) {
            if (row->quota < 0 || row->quota != v->holder) continue;
            if (ob->met_on != KT_NO_DATE && ob->met_on <= v->a) continue; /* met by D */
            return v->x;
        }
        if (v->x->only_slots & SB(row->slot)) return v->x;
    }
    return NULL;
}

static inline void set_status(const ctx *x, const course *co, kt_ob *ob, bool grace) {
    const kt_rule *row = ob->rule;
    const kt_exemption *nx = co->n_nsx ? nonstop_exempt(co, ob) : NULL;
    /* a quota duty exempted by a concrete judgement stays exempt when its
     * conversations come after the judgement */
    if (ob->met_on != KT_NO_DATE && !(nx && nx->by_quota)) {
        bool in_time = ob->to == KT_NO_DATE || ob->met_on <= ob->to || grace;
        ob->status = in_time ? KT_MET : KT_LATE;
        return;
    }
    if (row->kind == K_SAMTALE) {
        const kt_exemption *xr = ob->to == KT_NO_DATE ? exempt_forever(co) : exempt_on(co, ob->to);
        if (xr) {
            ob->status = KT_EXEMPT;
            ob->exempt = xr;
            return;
        }
    }
    if (co->end != KT_NO_DATE && (ob->to == KT_NO_DATE || co->end < ob->to)) {
        ob->status = KT_LAPSED;
        return;
    }
    if (nx) {
        ob->status = KT_EXEMPT;
        ob->exempt = nx;
        return;
    }
    kt_date last_open = ob->to == KT_NO_DATE ? KT_NO_DATE : ob->to + (grace ? GRACE_DAYS : 0);
    ob->status = (last_open == KT_NO_DATE || last_open >= x->as_of) ? KT_OPEN : KT_OVERDUE;
}

/* Records, for explain, why each conversation did or did not count. */
static void trace_explain(ctx *x, const course *co, kt_ob *ob, const uint32_t *counted,
                          int n_counted, const bool *used, kt_date window_end_for_count) {
    kt_plan *p = x->p;
    const kt_rule *row = ob->rule;
    if (!row->by_conversations && row->met_topic < 0) return;
    ob->trace_first = (uint32_t)p->n_trace;
    for (uint32_t i = 0; i < x->c->n_conversations; i++) {
        if (x->c->conversations[i].date > x->as_of) continue;
        uint8_t detail = 0;
        kt_verdict v = V_COUNTED;
        bool is_counted = false;
        for (int k = 0; k < n_counted; k++) is_counted |= counted[k] == i;
        if (!is_counted) {
            v = conv_check(x, co, row, i, ob->from, &detail);
            if (v == V_CLAIMED && (co->claimed[i] & SB(row->slot))) v = V_COUNTED; /* own claim */
            if (v == V_COUNTED) {
                if (used && used[i]) v = V_USED_BY_EARLIER;
                else if (window_end_for_count != KT_NO_DATE &&
                         x->c->conversations[i].date > window_end_for_count)
                    v = V_AFTER_WINDOW;
                else if (ob->met_on != KT_NO_DATE && x->c->conversations[i].date < ob->met_on)
                    v = V_EVENT_EARLIER;
                else
                    v = V_SURPLUS;
            }
        }
        if (p->n_trace == p->cap_trace) {
            size_t cap = p->cap_trace ? p->cap_trace * 2 : 64;
            kt_trace_entry *t = realloc(p->trace, cap * sizeof *t);
            if (!t) {
                x->oom = 1;
                return;
            }
            p->trace = t;
            p->cap_trace = cap;
        }
        p->trace[p->n_trace++] = (kt_trace_entry){i, (uint8_t)v, detail};
        ob->trace_count++;
    }
}

/* The first conversation (sorted by date) on or after d: those before it
 * could only give V_BEFORE_WINDOW for a window from d. */
static uint32_t conv_from(ctx *x, kt_date d) {
    /* without branches on the dates (a conditional move a step): the steps
     * depend on the count only, so nothing here is mispredicted per call */
    const kt_conversation *v = x->c->conversations, *b = v;
    uint32_t len = x->c->n_conversations;
    if (len == 0) return 0;
    while (len > 1) {
        const uint32_t half = len / 2;
        b = b[half].date < d ? b + half : b;
        len -= half;
    }
    return (uint32_t)(b - v) + (b->date < d);
}

static inline void trace(ctx *x, const course *co, kt_ob *ob, const uint32_t *counted, int n_counted,
                         const bool *used, kt_date window_end_for_count) {
    if (x->p->explain) trace_explain(x, co, ob, counted, n_counted, used, window_end_for_count);
}

/* Counts conversations for a single window; claims what it counts. */
static void count_single(ctx *x, course *co, kt_ob *ob, kt_date count_until) {
    const kt_rule *row = ob->rule;
    uint32_t counted[256];
    int n = 0;
    kt_date conv_met = KT_NO_DATE;
    if (row->by_conversations || row->met_topic >= 0) {
        int need = row->by_conversations ? row->required : 1;
        /* a window that opens after as_of has no conversation yet */
        uint32_t i0 = ob->from > x->as_of ? x->n_known : conv_from(x, ob->from);
        const rowq q = rowq_of(row);
        /* from i0 on every conversation is dated on or after ob->from */
        for (uint32_t i = i0; i < x->n_known && n < need; i++) {
            const kt_conversation *cv = &x->c->conversations[i];
            if (count_until != KT_NO_DATE && cv->date > count_until) break;
            if (!fits_q(x, co, &q, i)) continue;
            counted[n++] = i;
            if (n == need) conv_met = cv->date;
        }
    }
    kt_date ev_met = row->met_event >= 0 ? first_event(x, co, row->met_event, ob->from) : KT_NO_DATE;
    if (ev_met != KT_NO_DATE && (conv_met == KT_NO_DATE || ev_met < conv_met)) {
        /* an event fulfilled it first: the conversations are not needed */
        ob->met_on = ev_met;
        ob->counted = (int16_t)row->required;
        n = 0;
    } else {
        ob->met_on = conv_met;
        ob->counted = (int16_t)(row->by_conversations ? n : (conv_met != KT_NO_DATE));
    }
    for (int k = 0; k < n; k++) co->claimed[counted[k]] |= SB(row->slot);
    trace(x, co, ob, counted, n, NULL, count_until);
}

/* Window of a row from an anchor day: benefit time from S, else calendar. */
static void window_from_S(course *co, const kt_rule *row, kt_ob *ob) {
    ob->from = clock_after_months(co, row->from_months);
    if (row->flags & F_NO_DEADLINE) return;
    ob->to = clock_end(co, row->to_months, row->to_days);
    kt_date plain = add_months_S(co, row->to_months) + row->to_days;
    if (ob->to != KT_NO_DATE) ob->stopped_days = ob->to - plain;
}

/* kt_add_months(d, n) */
static kt_date add_months(const ctx *x, kt_date d, int n) {
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    return kt_engine_add_months(x->e, y, m, day, n);
}

static kt_date calendar_to(const ctx *x, const kt_rule *row, kt_date anchor) {
    return add_months(x, anchor, row->to_months) + row->to_days;
}

/* The first conversation for the jobcentre on or after d (F_UNTIL_JC_CONV). */
static kt_date first_jc_conversation(const ctx *x, const course *co, kt_date d) {
    for (uint32_t i = 0; i < x->c->n_conversations; i++) {
        const kt_conversation *cv = &x->c->conversations[i];
        if (cv->date > x->as_of) break;
        if (cv->date >= d && cv->held && co->in_course[i] && co->form[i] == FV_OK &&
            holder_ok(1u << KT_HOLDER_JOBCENTER, cv->holder))
            return cv->date;
    }
    return KT_NO_DATE;
}

static const kt_rule *row_on(const ctx *x, const course *co, int slot, kt_date d, int *gen,
                            bool *beyond) {
    *gen = kt_engine_gen_on(x->e, d, beyond);
    if (*gen < 0) return NULL;
    return x->e->row[*gen][slot][co->group];
}

static void eval_single_at(ctx *x, course *co, const kt_rule *row, int gen, bool beyond,
                           kt_date open, kt_date to) {
    kt_ob *ob = new_ob(x, co, row, gen, beyond, open);
    if (!ob) return;
    ob->from = open;
    ob->to = to;
    if (ob->from > x->last_listed) {
        unlisted(x, ob->from);
        drop_ob(x);
        return;
    }
    count_single(x, co, ob, KT_NO_DATE);
    ob->forms = forms_on_as_of(x, co, row);
    set_status(x, co, ob, false);
}

/* Rules whose window is counted from S: single windows and dp.monthly. */
static void eval_from_S(ctx *x, course *co, int slot, const kt_rule *row) {
    if (row->shape == SH_MONTHLY) {
        kt_ob *months[12];
        int nm = 0;
        for (int k = row->first_month; k <= row->last_month && nm < 12; k++) {
            kt_ob *ob = new_ob(x, co, row, co->gen, co->beyond, co->S);
            if (!ob) return;
            ob->occurrence = (uint8_t)k;
            ob->from = clock_after_months(co, k - 1);
            ob->to = ob->from == KT_NO_DATE ? KT_NO_DATE : clock_end(co, k, -1);
            if (ob->from == KT_NO_DATE || ob->from > x->last_listed) {
                unlisted(x, ob->from);
                drop_ob(x);
                break;
            }
            if (ob->to != KT_NO_DATE) ob->stopped_days = ob->to - (add_months_S(co, k) - 1);
            months[nm++] = ob;
        }
        /* re-take pointers: new_ob may have moved the array */
        size_t base = x->p->n_obs - (size_t)nm;
        for (int k = 0; k < nm; k++) months[k] = &x->p->obs[base + (size_t)k];
        const rowq q = rowq_of(row);
        for (uint32_t i = 0; i < x->n_known; i++) {
            const kt_conversation *cv = &x->c->conversations[i];
            for (int k = 0; k < nm; k++) {
                kt_ob *ob = months[k];
                if (ob->met_on != KT_NO_DATE) continue;
                if (cv->date < ob->from || (ob->to != KT_NO_DATE && cv->date > ob->to + GRACE_DAYS))
                    continue;
                if (!qualifies_q(x, co, &q, i, ob->from)) continue;
                ob->met_on = cv->date;
                ob->counted = 1;
                co->claimed[i] |= SB(row->slot);
                break; /* never for two months */
            }
        }
        for (int k = 0; k < nm; k++) {
            kt_ob *ob = months[k];
            ob->forms = forms_on_as_of(x, co, row);
            set_status(x, co, ob, true);
            if (x->p->explain) {
                uint32_t cnt[1];
                int n = 0;
                for (uint32_t i = 0; i < x->c->n_conversations && ob->met_on != KT_NO_DATE; i++)
                    if (x->c->conversations[i].date == ob->met_on && (co->claimed[i] & SB(row->slot)) &&
                        qualifies(x, co, row, i, ob->from)) {
                        cnt[n++] = i;
                        break;
                    }
                trace(x, co, ob, cnt, n, NULL, ob->to == KT_NO_DATE ? KT_NO_DATE : ob->to + GRACE_DAYS);
            }
        }
        return;
    }
    kt_ob *ob = new_ob(x, co, row, co->gen, co->beyond, co->S);
    if (!ob) return;
    window_from_S(co, row, ob);
    if (ob->from == KT_NO_DATE || ob->from > x->last_listed) {
        unlisted(x, ob->from);
        drop_ob(x);
        return;
    }
    count_single(x, co, ob, KT_NO_DATE);
    ob->forms = forms_on_as_of(x, co, row);
    set_status(x, co, ob, false);
    co->first_done |= SB(slot);
    co->first_met[slot] = ob->met_on;
    co->first_due[slot] = ob->to;
}

/* "At least K in each 12-month window from S" (benefit time). */
static void eval_twelve(ctx *x, course *co, int slot) {
    for (int k = 0; k < KT_MAX_OCCURRENCES; k++) {
        kt_date from = clock_after_months(co, 12 * k);
        if (from == KT_NO_DATE || from > x->last_listed) {
            unlisted(x, from);
            return;
        }
        if (co->end != KT_NO_DATE && from > co->end) return;
        int gen;
        bool beyond;
        const kt_rule *row = row_on(x, co, slot, from, &gen, &beyond);
        if (!row) return; /* the generation has no such rule: the chain ends */
        if (!who_ok(x, co, row, from)) continue;
        kt_ob *ob = new_ob(x, co, row, gen, beyond, from);
        if (!ob) return;
        ob->occurrence = (uint8_t)(k + 1 > 255 ? 255 : k + 1);
        ob->from = from;
        ob->to = clock_end(co, 12 * (k + 1), -1);
        if (ob->to != KT_NO_DATE) ob->stopped_days = ob->to - (add_months_S(co, 12 * (k + 1)) - 1);
        /* a conversation counts only in the window that holds it */
        count_single(x, co, ob, ob->to);
        ob->forms = forms_on_as_of(x, co, row);
        set_status(x, co, ob, false);
        if (ob->to == KT_NO_DATE) return;
    }
}

/* A recurring chain: each next conversation at the latest `months` after the
 * previous (rules.md, recurring obligations). Windows are calendar windows. */
static void eval_recur(ctx *x, course *co, int slot) {
    const kt_rule *proto = x->e->proto[slot];
    kt_date A, open;
    if (proto->anchor == A_AFTER_FIRST) {
        int f = proto->first_slot;
        if (!(co->first_done & SB(f))) return;
        A = co->first_met[f] != KT_NO_DATE ? co->first_met[f] : co->first_due[f];
        if (A == KT_NO_DATE) return;
        open = A + 1;
    } else if (proto->anchor == A_AFTER_6M) {
        kt_date end6 = clock_end(co, 6, -1);
        if (end6 == KT_NO_DATE) return;
        A = end6;
        for (uint32_t i = 0; i < x->c->n_conversations; i++) {
            const kt_conversation *cv = &x->c->conversations[i];
            if (cv->date > x->as_of || cv->date > end6) break;
            if (qualifies(x, co, proto, i, co->S)) A = cv->date;
        }
        open = A + 1;
    } else {
        A = open = co->S;
    }
    bool *used = scratch(x, x->c->n_conversations + 1);
    if (x->oom) return;
    for (int k = 0; k < KT_MAX_OCCURRENCES; k++) {
        if (open > x->last_listed) {
            unlisted(x, open);
            return;
        }
        if (co->end != KT_NO_DATE && open > co->end) return;
        int gen;
        bool beyond;
        const kt_rule *row = row_on(x, co, slot, open, &gen, &beyond);
        if (!row) return;
        if (!who_ok(x, co, row, open)) {
            if (!row->cats) return;
            /* the category does not fit: the chain waits for one that does */
            kt_date next = KT_NO_DATE;
            for (uint32_t i = 0; i < co->n_cats; i++)
                if (co->cats[i].from > open && (row->cats & CB(co->cats[i].category))) {
                    next = co->cats[i].from;
                    break;
                }
            if (next == KT_NO_DATE) return;
            A = open = next;
            continue;
        }
        kt_ob *ob = new_ob(x, co, row, gen, beyond, open);
        if (!ob) return;
        ob->occurrence = (uint8_t)(k + 1 > 255 ? 255 : k + 1);
        ob->from = open;
        ob->to = add_months(x, A, row->months);
        uint32_t met_i = UINT32_MAX;
        const rowq q = rowq_of(row);
        for (uint32_t i = open > x->as_of ? x->n_known : conv_from(x, open); i < x->n_known; i++) {
            if (used[i] || !qualifies_q(x, co, &q, i, open)) continue;
            met_i = i;
            break;
        }
        if (met_i != UINT32_MAX) {
            ob->met_on = x->c->conversations[met_i].date;
            ob->counted = 1;
            co->claimed[met_i] |= SB(row->slot);
        }
        ob->forms = forms_on_as_of(x, co, row);
        set_status(x, co, ob, false);
        trace(x, co, ob, &met_i, met_i != UINT32_MAX, used, KT_NO_DATE);
        kt_date due = ob->to;
        if (met_i != UINT32_MAX) {
            used[met_i] = true;
            kt_date c = x->c->conversations[met_i].date;
            open = min_d(due, c) + 1;
            A = c;
        } else {
            open = due + 1;
            A = due;
        }
    }
}

/* Can eval_anchored find an anchor for the slot of proto in this course?
 * (false: it would find none; true: it may) */
static bool anchor_possible(const ctx *x, const course *co, const kt_rule *proto) {
    if (proto->anchor == A_CATEGORY_START) return co->n_cats > 0;
    int type = proto->anchor == A_BARSEL_END ? EV_BARSEL : proto->anchor_event;
    return type < EV_COUNT && (x->event_types & (1u << type));
}

/* Rules with one obligation per anchoring fact: an event, the start of a
 * category, a leave. Each follows the generation in force on its first day. */
static void eval_anchored(ctx *x, course *co, int slot) {
    const kt_rule *proto = x->e->proto[slot];
    kt_date last = co->end == KT_NO_DATE ? x->as_of : min_d(co->end, x->as_of);
    if (proto->anchor == A_CATEGORY_START) {
        bool prev_fits = false;
        for (uint32_t i = 0; i < co->n_cats; i++) {
            bool fits = proto->cats & CB(co->cats[i].category);
            if (fits && !prev_fits) {
                kt_date open = co->cats[i].from < co->S ? co->S : co->cats[i].from;
                int gen;
                bool beyond;
                const kt_rule *row = row_on(x, co, slot, open, &gen, &beyond);
                if (row && open <= last && who_ok(x, co, row, open))
                    eval_single_at(x, co, row, gen, beyond, open, calendar_to(x, row, open));
            }
            prev_fits = fits;
        }
        return;
    }
    for (uint32_t i = 0; i < x->c->n_events; i++) {
        const kt_event *ev = &x->c->events[i];
        if (ev->from > x->as_of) continue;
        kt_date open, to;
        if (proto->anchor == A_BARSEL_END) {
            if (ev->type != EV_BARSEL) continue;
            /* the leave must overlap the course */
            if ((ev->to != KT_NO_DATE && ev->to < co->S) || ev->from > last) continue;
            if (ev->to == KT_NO_DATE) {
                open = ev->from;
                to = KT_NO_DATE;
            } else {
                open = add_months(x, ev->to, -3);
                to = ev->to;
            }
        } else {
            if (ev->type != proto->anchor_event || ev->from < co->S || ev->from > last) continue;
            open = ev->from;
            to = KT_NO_DATE;
        }
        int gen;
        bool beyond;
        const kt_rule *row = row_on(x, co, slot, open, &gen, &beyond);
        if (!row || !who_ok(x, co, row, open)) continue;
        if (proto->anchor == A_EVENT) {
            to = calendar_to(x, row, open);
            if (row->flags & F_UNTIL_JC_CONV) {
                kt_date c = first_jc_conversation(x, co, open);
                if (c != KT_NO_DATE) to = c;
            }
        }
        eval_single_at(x, co, row, gen, beyond, open, to);
    }
}

/* ---- warnings about conversations ---------------------------------------------------- */

/* "Samtalen D tæller ikke med: WHY." at /conversations/N: kept as its parts
 * (kt_warning_text writes it when it is read). It is never a repeat: each
 * conversation is warned about once, and N, its place in the input, is its
 * own. */
static __attribute__((noinline)) void warn_conversation_long(ctx *x, const kt_conversation *cv,
                                                             const char *why, size_t why_len);

static void warn_conversation(ctx *x, const kt_conversation *cv, const char *why, size_t why_len) {
    const char *const code = kt_conv_warning_code;
    size_t mlen = KT_CONV_WARNING_MLEN(why_len);
    if (mlen >= KT_WARNING_TEXT_MAX) { /* what the 256-byte message buffer of old would have cut */
        warn_conversation_long(x, cv, why, why_len);
        return;
    }
    uint32_t plen = sizeof "/conversations/" - 1 + 1;
    for (uint32_t v = cv->index; v >= 10; v /= 10) plen++;
    kt_warning *w = warn_slot(x);
    if (!w) return;
    *w = (kt_warning){.code = code, .mlen = (uint32_t)mlen, .plen = plen, .why = why,
                      .why_len = (uint32_t)why_len, .date = cv->date, .conv = cv->index, .plain = true};
    x->p->n_warnings++;
}

/* warn_conversation's text cut as the 256-byte buffer of old cut it; out of
 * line, so that the common call sets up no frame for its buffers */
static void warn_conversation_long(ctx *x, const kt_conversation *cv, const char *why, size_t why_len) {
    char buf[256], ptr[32];
    kt_sb b;
    kt_sb_init(&b, buf, sizeof buf);
    KT_SB_LIT(&b, "Samtalen ");
    kt_sb_date(&b, cv->date);
    KT_SB_LIT(&b, " tæller ikke med: ");
    kt_sb_mem(&b, why, why_len);
    KT_SB_LIT(&b, ".");
    kt_sb_end(&b);
    kt_sb_init(&b, ptr, sizeof ptr);
    KT_SB_LIT(&b, "/conversations/");
    kt_sb_int(&b, cv->index);
    kt_sb_end(&b);
    warn(x, kt_conv_warning_code, buf, ptr);
}

static void warn_unused_conversations(ctx *x) {
    const kt_case *c = x->c;
    static const char outside1[] = KT_CONV_WHY_OUTSIDE;
    static const char unused1[] = KT_CONV_WHY_UNUSED;
    if (x->n_courses == 1 && x->courses[0].in_course) {
        /* one course (most cases): the loop below without its inner loop */
        const course *co = &x->courses[0];
        for (uint32_t i = 0; i < x->n_known; i++) {
            const kt_conversation *cv = &c->conversations[i];
            if (!cv->held || (co->in_course[i] && co->claimed[i])) continue;
            if (!co->in_course[i]) warn_conversation(x, cv, outside1, sizeof outside1 - 1);
            else if (co->form[i] != FV_OK)
                warn_conversation(x, cv, kt_form_verdict_text[co->form[i]], kt_form_verdict_len[co->form[i]]);
            else warn_conversation(x, cv, unused1, sizeof unused1 - 1);
        }
        return;
    }
    for (uint32_t i = 0; i < x->n_known; i++) {
        const kt_conversation *cv = &c->conversations[i];
        if (!cv->held) continue; /* a no-show is not expected to count */
        const char *why = NULL;
        size_t why_len;
        bool in_any = false, claimed = false;
        uint8_t fv = FV_OK;
        for (uint32_t k = 0; k < x->n_courses; k++) {
            const course *co = &x->courses[k];
            if (!co->in_course || !co->in_course[i]) continue;
            in_any = true;
            claimed |= co->claimed[i] != 0;
            if (co->form[i] != FV_OK) fv = co->form[i];
        }
        if (claimed) continue;
        static const char outside[] = KT_CONV_WHY_OUTSIDE;
        static const char unused[] = KT_CONV_WHY_UNUSED;
        if (!in_any) {
            why = outside;
            why_len = sizeof outside - 1;
        } else if (fv != FV_OK) {
            why = kt_form_verdict_text[fv];
            why_len = kt_form_verdict_len[fv];
        } else {
            why = unused;
            why_len = sizeof unused - 1;
        }
        warn_conversation(x, cv, why, why_len);
    }
}

static void warn_closed_days(ctx *x) {
    kt_plan *p = x->p;
    for (size_t i = 0; i < p->n_obs; i++) {
        const kt_ob *ob = &p->obs[i];
        if (ob->status != KT_OPEN || ob->to == KT_NO_DATE || !kt_engine_closed_day(x->e, ob->to)) continue;
        char buf[200];
        /* most closed days are weekends: the name only for a holiday */
        unsigned k = (unsigned)(ob->to - x->e->mstart[0]);
        const bool weekend_only = k < (unsigned)(x->e->mstart[KT_MSTART_MONTHS] - x->e->mstart[0]) &&
                                  !((x->e->holiday[k / 64] >> (k % 64)) & 1u);
        const char *h = weekend_only ? NULL : kt_holiday_name(ob->to);
        kt_sb b;
        kt_sb_init(&b, buf, sizeof buf);
        KT_SB_LIT(&b, "Fristen for ");
        kt_sb_str(&b, ob->rule->id);
        KT_SB_LIT(&b, " falder ");
        kt_sb_date(&b, ob->to);
        KT_SB_LIT(&b, " ");
        kt_sb_str(&b, h ? h : (kt_weekday(ob->to) == 5 ? "(lørdag)" : "(søndag)"));
        KT_SB_LIT(&b, ", hvor jobcentret er lukket; fristen flyttes ikke, så "
                      "planlæg samtalen en arbejdsdag før.");
        kt_sb_end(&b);
        warn(x, "deadline_closed_day", buf, "");
    }
}

/* A warning whose message is a string literal, which the plan points to
 * instead of copying (it lives longer than any plan); pointer "". */
static void warn_static(ctx *x, const char *code, const char *message, size_t mlen) {
    kt_plan *p = x->p;
    /* no repeat check: warn_general, which alone says these, runs once a plan */
    kt_warning *w = warn_slot(x);
    if (!w) return;
    *w = (kt_warning){.code = code, .message = message, .pointer = "", .mlen = (uint32_t)mlen, .plain = true};
    p->n_warnings++;
}
#define WARN_STATIC(x, code, lit) warn_static((x), (code), "" lit, sizeof(lit) - 1)

/* "HEAD id, id, ...TAIL" naming the rules of the plan's obligations that
 * match: each rule once, in plan order. */
static void warn_rules(ctx *x, const char *code, const char *head, const char *tail, bool provisional) {
    char buf[KT_WARNING_TEXT_MAX - 1];
    kt_sb b;
    kt_sb_init(&b, buf, sizeof buf);
    kt_sb_str(&b, head);
    const kt_plan *p = x->p;
    int named = 0;
    for (size_t i = 0; i < p->n_obs; i++) {
        const kt_rule *r = p->obs[i].rule;
        if (provisional ? !(r->flags & F_PROVISIONAL) : !p->obs[i].beyond) continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const kt_rule *q = p->obs[k].rule;
            seen = (provisional ? (q->flags & F_PROVISIONAL) != 0 : p->obs[k].beyond) &&
                   strcmp(q->id, r->id) == 0;
        }
        if (seen) continue;
        if (named++) KT_SB_LIT(&b, ", ");
        kt_sb_str(&b, r->id);
    }
    kt_sb_str(&b, tail);
    size_t n = kt_sb_end(&b);
    if (n >= sizeof buf) n = sizeof buf - 1;
    buf[n] = '\0';
    if (named) warn_n(x, code, buf, n, "", 0);
}

static void warn_general(ctx *x) {
    if (x->any_dp)
        WARN_STATIC(x, "dagpenge_calendar_time", KT_WARN_DP_CALENDAR);
    if (x->any_g2020_after6)
        WARN_STATIC(x, "individual_after_six_months", KT_WARN_AFTER_SIX);
    if (x->any_provisional)
        warn_rules(x, "provisional_law",
                   "Foreløbige regler (bygger på officielle resuméer af lov nr. 1750 af 29/12 2025, ikke "
                   "på lovens tekst): ", ".", true);
    if (x->any_beyond)
        warn_rules(x, "newer_law",
                   "En ny lov om en aktiv beskæftigelsesindsats ventes fra 2027-01-01 og er ikke i "
                   "kataloget; beregnet efter g2026, men nyere regler kan gælde for: ", ".", false);
}

/* A `fritaget` under18 that runs on to or past the 18th birthday: ignored
 * on those days (rules.md, exemptions), and the caseworker is told. */
static void warn_under18_adult(ctx *x) {
    for (uint32_t i = 0; i < x->c->n_events; i++) {
        const kt_event *ev = &x->c->events[i];
        if (ev->type != EV_FRITAGET || ev->reason != R_UNDER18 || ev->from > x->as_of) continue;
        kt_date last = ev->to == KT_NO_DATE || ev->to > x->as_of ? x->as_of : ev->to;
        if (last < x->adult) continue;
        char day[11], buf[240];
        kt_date_format(x->adult, day);
        snprintf(buf, sizeof buf,
                 "Fritagelsen under18 gælder kun før personens 18-års-dag (%s); på senere dage "
                 "ses der bort fra den.", day);
        warn(x, "under18_adult", buf, fmt_ptr(x, "/events", ev->index, ""));
    }
}

/* ---- the plan --------------------------------------------------------------------- */

static int prepare_course(ctx *x, course *co) {
    const kt_case *c = x->c;
    kt_date_to_ymd(co->S, &co->Sy, &co->Sm, &co->Sd);
    co->Sk = (co->Sy - KT_MSTART_YEAR) * 12 + (co->Sm - 1);
    /* kt_age_on(c->birth_date, co->S), with the birth date taken apart once */
    if (!x->birth_known) {
        kt_date_to_ymd(c->birth_date, &x->by, &x->bm, &x->bd);
        x->birth_known = true;
    }
    co->age_S = co->Sy - x->by - (co->Sm < x->bm || (co->Sm == x->bm && co->Sd < x->bd));
    if (course_categories(x, co) != KT_OK) return KT_ENOMEM;
    co->group = (uint8_t)course_group(x, co);
    co->gen = kt_engine_gen_on(x->e, co->S, &co->beyond);
    if (course_stops(x, co) != KT_OK) return KT_ENOMEM;
    uint32_t n = c->n_conversations;
    /* one block: claimed, in_course, form and okh, all written below */
    size_t nb = ((size_t)n + 8) / 8 * 8;
    char *blk = kt_arena_get(&x->scratch, sizeof(uint64_t) * (n + 1) + 3 * nb);
    if (!blk) {
        x->oom = 1;
        return KT_ENOMEM;
    }
    co->claimed = (uint64_t *)(void *)blk; /* zeroed in the loops below, not by a memset call */
    co->in_course = (bool *)(blk + sizeof(uint64_t) * (n + 1));
    co->form = (uint8_t *)(blk + sizeof(uint64_t) * (n + 1) + nb);
    co->okh = (uint8_t *)(blk + sizeof(uint64_t) * (n + 1) + 2 * nb);
    co->first_in_person = -1;
    co->remote_as_of = co->standby_as_of = -1;
    co->forms_as_of[0] = co->forms_as_of[1] = -1;
    /* One pass: form_verdict(i) reads first_in_person only as "before i",
     * which is known by then (and i's own form is then fremmoede: FV_OK). */
    const uint32_t known = x->n_known;
    for (uint32_t i = 0; i < known; i++) {
        const kt_conversation *cv = &c->conversations[i];
        const bool in = in_course_span(co, cv->date);
        if (co->first_in_person < 0 && in && cv->held && cv->form == KT_FORM_FREMMOEDE)
            co->first_in_person = (int)i;
        /* only read where in_course holds */
        const uint8_t fv = in ? (uint8_t)form_verdict(x, co, i) : FV_OK;
        co->claimed[i] = 0;
        co->in_course[i] = in;
        co->form[i] = fv;
        const unsigned ok = (unsigned)in & (unsigned)cv->held & (unsigned)(fv == FV_OK);
        co->okh[i] = (uint8_t)(ok << cv->holder); /* without branches */
    }
    /* conversations after as_of (few) and the one past the end are in no
     * course (a loop: three memset calls cost more for so few) */
    for (uint32_t i = known; i <= n; i++) {
        co->claimed[i] = 0;
        co->in_course[i] = false;
        co->form[i] = FV_OK;
        co->okh[i] = 0;
    }
    return KT_OK;
}

static void evaluate_course(ctx *x, course *co) {
    if (co->group == G_DP) x->any_dp = true;
    if (co->gen < 0) {
        char buf[160], day[11];
        kt_date_format(co->S, day);
        snprintf(buf, sizeof buf,
                 "Forløbet på %s begyndte %s, før katalogets første regler (2014-01-01); det giver "
                 "ingen forpligtelser.",
                 kt_benefit_names[co->benefit], day);
        warn(x, "before_catalogue", buf, "");
        return;
    }
    /* no new ressourceforløb or revalidering from g2026 (lov 1750/2025):
     * computed as given */
    if ((co->benefit == B_RESSOURCEFORLOEB || co->benefit == B_REVALIDERING) &&
        co->S >= x->e->first[KT_GEN_G2026]) {
        char buf[240], day[11];
        kt_date_format(co->S, day);
        snprintf(buf, sizeof buf,
                 "Forløbet på %s begyndte %s; fra 2026-07-01 bevilges der ikke nye ressourceforløb "
                 "eller revalidering (lov nr. 1750 af 29/12 2025). Beregnet som angivet.",
                 kt_benefit_names[co->benefit], day);
        warn(x, "no_new_course", buf, fmt_ptr(x, "/benefits", x->c->periods[co->periods[0]].index, ""));
    }
    /* seed 004's agenda, advice for courses of jobparat kontanthjælp */
    size_t k_course = (size_t)(co - x->courses);
    if (co->group == G_KH && category_on(co, co->S) == C_JOBPARAT && k_course < 64)
        x->p->agenda_courses |= UINT64_C(1) << k_course;
    if (co->gen >= 2) { /* g2020 on: individual after six months */
        kt_date end6 = clock_end(co, 6, -1);
        if (end6 != KT_NO_DATE && end6 < x->as_of && co->end == KT_NO_DATE)
            x->any_g2020_after6 = true;
    }
    /* the slots with a row that binds the group in some generation, in order
     * (rows of one slot may differ in groups, as all.cv's do) */
    const uint8_t *run = x->e->run[co->gen][co->group];
    const int n_run = x->e->n_run[co->gen][co->group];
    for (int k = 0; k < n_run; k++) {
        int slot = run[k];
        const kt_rule *proto = x->e->proto[slot];
        switch (proto->shape) {
        case SH_TWELVE: eval_twelve(x, co, slot); break;
        case SH_RECUR: eval_recur(x, co, slot); break;
        default:
            if (proto->anchor == A_S) {
                /* the row's fit asked here: most slots that do not fit cost no call */
                const kt_rule *row = x->e->row[co->gen][slot][co->group];
                if (row && who_ok(x, co, row, co->S)) eval_from_S(x, co, slot, row);
            }
            else if (anchor_possible(x, co, proto)) eval_anchored(x, co, slot);
        }
        if (x->oom) return;
    }
}

/* Each dagpenge obligation's a-kasse: that of the course's period in force
 * on its deadline (on its first day without one), or of the last period
 * begun by then (conventions.md, population measures). Strings are copied
 * into the plan once per period. */
static void set_a_kasse(ctx *x) {
    const kt_case *c = x->c;
    bool any = false;
    for (uint32_t i = 0; i < c->n_periods && !any; i++)
        any = c->periods[i].benefit == B_DAGPENGE && c->periods[i].a_kasse[0];
    if (!any) return;
    const char **copy = scratch(x, sizeof(char *) * (c->n_periods + 1));
    if (!copy) return;
    for (size_t i = 0; i < x->p->n_obs; i++) {
        kt_ob *ob = &x->p->obs[i];
        if (ob->benefit != B_DAGPENGE || ob->course >= x->n_courses) continue;
        const course *co = &x->courses[ob->course];
        kt_date d = ob->to != KT_NO_DATE ? ob->to : ob->from;
        uint32_t best = co->periods[0];
        for (uint32_t k = 1; k < co->n_periods; k++) /* by from; the first is best at worst */
            if (c->periods[co->periods[k]].from <= d) best = co->periods[k];
        const kt_period *pd = &c->periods[best];
        if (!pd->a_kasse[0]) continue;
        if (!copy[best]) {
            copy[best] = kt_arena_strdup(&x->p->arena, pd->a_kasse);
            if (!copy[best]) {
                x->oom = 1;
                return;
            }
        }
        ob->a_kasse = copy[best];
    }
}

/* kt_obligation.agenda_next of course k: for a course that gets seed 004's
 * agenda, the number of its next conversation, from the conversations held
 * in it by as_of that count for the jobcentre (held, in the course, in a
 * form that counts, with a holder that counts where the jobcentre's do:
 * holder_ok); 0 past the fourth, or for any other course. */
static uint8_t agenda_next(const ctx *x, uint32_t k) {
    if (k >= 64 || !(x->p->agenda_courses >> k & 1)) return 0;
    const course *co = &x->courses[k];
    /* the holders that count where the jobcentre's do (holder_ok) */
    const uint8_t jc = 1u << KT_HOLDER_JOBCENTER | 1u << KT_HOLDER_ANDEN_AKTOER | 1u << KT_HOLDER_FAELLES;
    unsigned held = 0;
    for (uint32_t i = 0; i < x->n_known && held < KT_AGENDA_COUNT; i++)
        if (co->okh[i] & jc) held++;
    return (uint8_t)(held < KT_AGENDA_COUNT ? held + 1 : 0);
}

static int save_courses(ctx *x) {
    kt_plan *p = x->p;
    p->n_courses = x->n_courses;
    p->course_end = NULL;
    p->course_agenda = NULL;
    if (!x->n_courses) return KT_OK;
    /* every plan keeps its courses' ends (kt_plan_course_end) */
    p->course_end = kt_arena_get(&p->arena, sizeof(kt_date) * x->n_courses);
    if (!p->course_end) return KT_ENOMEM;
    for (uint32_t k = 0; k < x->n_courses; k++) p->course_end[k] = x->courses[k].end;
    if (p->agenda_courses) {
        p->course_agenda = kt_arena_get(&p->arena, x->n_courses);
        if (!p->course_agenda) return KT_ENOMEM;
        for (uint32_t k = 0; k < x->n_courses; k++) p->course_agenda[k] = agenda_next(x, k);
    }
    if (!p->explain) return KT_OK;
    p->courses = kt_arena_alloc(&p->arena, sizeof(kt_course_view) * x->n_courses);
    if (!p->courses) return KT_ENOMEM;
    for (uint32_t k = 0; k < x->n_courses; k++) {
        const course *co = &x->courses[k];
        kt_course_view *v = &p->courses[k];
        v->benefit = co->benefit;
        v->group = co->group;
        v->start = co->S;
        v->end = co->end;
        v->gen = co->gen;
        v->n_stops = 0; /* arena memory is not zeroed */
        uint32_t n = co->n_gaps + co->n_exempt;
        v->stops = kt_arena_alloc(&p->arena, sizeof(kt_date) * 2 * (n + 1));
        v->stop_why = kt_arena_alloc(&p->arena, sizeof(char *) * (n + 1));
        if (!v->stops || !v->stop_why) return KT_ENOMEM;
        for (uint32_t i = 0; i < co->n_gaps; i++) {
            v->stops[2 * v->n_stops] = co->gaps[i].a;
            v->stops[2 * v->n_stops + 1] = co->gaps[i].b;
            v->stop_why[v->n_stops++] = "ophold mellem ydelsesperioder";
        }
        for (uint32_t i = 0; i < co->n_exempt; i++) {
            v->stops[2 * v->n_stops] = co->exempt[i].a;
            v->stops[2 * v->n_stops + 1] = co->exempt[i].b;
            v->stop_why[v->n_stops++] = co->exempt[i].x->id;
        }
    }
    return KT_OK;
}

/* The plan of c as of as_of by conventions.md (facts dated later unknown).
 * *next_unlisted: the first window start past the horizon, or FOREVER;
 * *adult: the 18th birthday. */
static int compute_one(const kt_engine *e, const kt_case *c, const kt_plan_options *o,
                       kt_date as_of, kt_plan **out, kt_date *next_unlisted, kt_date *adult) {
    *out = NULL;
    kt_plan *p = kt_plan_alloc();
    if (!p) return KT_ENOMEM;
    /* zero from valid_until up to the generations: id, the generations and
     * the arena are written below, all of them */
    memset(&p->valid_until, 0, offsetof(kt_plan, gen_names) - offsetof(kt_plan, valid_until));
    p->obs = p->obs_inline;
    p->cap_obs = KT_PLAN_INLINE_OBS;
    p->warnings = p->warnings_inline;
    p->cap_warnings = KT_PLAN_INLINE_WARNINGS;
    kt_arena_init_buf(&p->arena, p->arena_inline, sizeof p->arena_inline);
    memcpy(p->id, c->id, sizeof p->id);
    p->as_of = as_of;
    p->horizon = o->horizon_days;
    p->explain = o->explain != 0;
    memcpy(p->gen_names, e->gen_names, sizeof p->gen_names);
    memcpy(p->gen_first, e->first, sizeof p->gen_first);

    ctx x = {.e = e, .c = c, .p = p, .as_of = as_of, .last_listed = as_of + o->horizon_days,
             .next_unlisted = FOREVER};
    /* the scratch of one call starts on the stack: most cases need no more */
    max_align_t scratch_buf[SCRATCH_STACK / sizeof(max_align_t)];
    kt_arena_init_buf(&x.scratch, scratch_buf, sizeof scratch_buf);
    x.gen_as_of = kt_engine_gen_on(e, as_of, NULL);
    x.n_known = conv_from(&x, as_of + 1);
    for (uint32_t i = 0; i < c->n_events; i++)
        if (c->events[i].from <= as_of && c->events[i].type < 32) x.event_types |= 1u << c->events[i].type;
    /* the birth date taken apart once: the 18th birthday, ages on S */
    kt_date_to_ymd(c->birth_date, &x.by, &x.bm, &x.bd);
    x.birth_known = true;
    x.adult = kt_engine_add_months(e, x.by, x.bm, x.bd, 12 * 18);
    warn_under18_adult(&x);
    int rc = build_courses(&x);
    for (uint32_t k = 0; rc == KT_OK && k < x.n_courses; k++) {
        rc = prepare_course(&x, &x.courses[k]);
        if (rc == KT_OK) evaluate_course(&x, &x.courses[k]);
        if (x.oom) rc = KT_ENOMEM;
    }
    if (rc == KT_OK) {
        set_a_kasse(&x);
        warn_unused_conversations(&x);
        warn_closed_days(&x);
        warn_general(&x);
        rc = x.oom ? KT_ENOMEM : save_courses(&x);
    }
    if (rc == KT_OK && p->explain) {
        p->n_conversations = c->n_conversations;
        p->conversations = kt_arena_alloc(&p->arena, sizeof(kt_conversation) * (c->n_conversations + 1));
        if (!p->conversations) rc = KT_ENOMEM;
        else memcpy(p->conversations, c->conversations, sizeof(kt_conversation) * c->n_conversations);
    }
    kt_arena_free(&x.scratch);
    if (rc != KT_OK) {
        kt_plan_free(p);
        return rc;
    }
    *next_unlisted = x.next_unlisted;
    *adult = x.adult;
    *out = p;
    return KT_OK;
}

/* The day a period becomes known (conventions.md): the earlier of its from
 * and its course's start S. */
static kt_date period_known(const kt_period *q) { return min_d(q->from, period_start_S(q)); }

/* ahead: appends to p the courses of `later` (a plan of the same case for a
 * later day) numbered from `first` on, renumbered after p's own. */
static int merge_courses(kt_plan *p, const kt_plan *later, size_t first) {
    if (later->n_courses <= first) return KT_OK;
    size_t add = later->n_courses - first, n = p->n_courses + add;
    kt_date *ends = kt_arena_alloc(&p->arena, sizeof(kt_date) * n);
    if (!ends) return KT_ENOMEM;
    for (size_t k = 0; k < p->n_courses; k++) ends[k] = p->course_end[k];
    for (size_t k = 0; k < add; k++) ends[p->n_courses + k] = later->course_end[first + k];
    if (p->explain) {
        kt_course_view *v = kt_arena_alloc(&p->arena, sizeof *v * n);
        if (!v) return KT_ENOMEM;
        if (p->n_courses) memcpy(v, p->courses, sizeof *v * p->n_courses);
        for (size_t k = 0; k < add; k++) {
            kt_course_view *d = &v[p->n_courses + k];
            *d = later->courses[first + k];
            d->stops = kt_arena_alloc(&p->arena, sizeof(kt_date) * 2 * (d->n_stops + 1));
            d->stop_why = kt_arena_alloc(&p->arena, sizeof(char *) * (d->n_stops + 1));
            if (!d->stops || !d->stop_why) return KT_ENOMEM;
            memcpy(d->stops, later->courses[first + k].stops, sizeof(kt_date) * 2 * d->n_stops);
            memcpy(d->stop_why, later->courses[first + k].stop_why, sizeof(char *) * d->n_stops);
        }
        p->courses = v;
    }
    for (size_t k = 0; k < add && p->n_courses + k < 64; k++)
        if (first + k < 64 && (later->agenda_courses >> (first + k) & 1))
            p->agenda_courses |= UINT64_C(1) << (p->n_courses + k);
    if (p->course_agenda || later->course_agenda) {
        uint8_t *ag = kt_arena_alloc(&p->arena, n);
        if (!ag) return KT_ENOMEM;
        for (size_t k = 0; k < p->n_courses; k++) ag[k] = p->course_agenda ? p->course_agenda[k] : 0;
        for (size_t k = 0; k < add; k++)
            ag[p->n_courses + k] = later->course_agenda ? later->course_agenda[first + k] : 0;
        p->course_agenda = ag;
    }
    for (size_t i = 0; i < later->n_obs; i++) {
        const kt_ob *ob = &later->obs[i];
        if (ob->course < first) continue;
        if (p->n_obs == p->cap_obs) {
            size_t cap = p->cap_obs * 2;
            kt_ob *o = p->obs == p->obs_inline ? malloc(cap * sizeof *o) : realloc(p->obs, cap * sizeof *o);
            if (!o) return KT_ENOMEM;
            if (p->obs == p->obs_inline) memcpy(o, p->obs, p->n_obs * sizeof *o);
            p->obs = o;
            p->cap_obs = cap;
        }
        kt_ob *d = &p->obs[p->n_obs];
        *d = *ob;
        d->course = (uint8_t)(p->n_courses + (ob->course - first));
        d->trace_first = 0;
        d->trace_count = 0; /* the later plan's traces are not kept */
        if (ob->a_kasse && !(d->a_kasse = kt_arena_strdup(&p->arena, ob->a_kasse))) return KT_ENOMEM;
        p->n_obs++;
    }
    p->course_end = ends;
    p->n_courses = n;
    return KT_OK;
}

/* KT_NO_DATE (INT32_MIN) is never after as_of, FOREVER never before best */
static inline void candidate(kt_date *best, kt_date as_of, kt_date d) {
    if (d > as_of && d < *best) *best = d;
}

/* candidate(d) and candidate(d + k), k > 0: d + k can only win where d is
 * not after as_of, so one of the two is asked (d != KT_NO_DATE) */
static inline void candidate2(kt_date *best, kt_date as_of, kt_date d, int k) {
    candidate(best, as_of, d > as_of ? d : d + k);
}

/* The first day after the plan's as_of on which a plan computed for that
 * day may differ, from every fact of the case and the plan's own dates
 * (each a day on which some rule's answer can turn); FOREVER if none. A day
 * too early costs one needless recomputation, a day too late a stale plan,
 * so candidates are generous. */
static kt_date changes_next(const kt_engine *e, const kt_case *c, const kt_plan *p,
                            kt_date next_unlisted, kt_date adult) {
    kt_date a = p->as_of, best = FOREVER;
    if (next_unlisted != FOREVER) candidate(&best, a, next_unlisted - p->horizon);
    for (int g = 0; g < KT_N_GENERATIONS; g++) /* in order: the first after a is the one */
        if (e->first[g] > a) {
            candidate(&best, a, e->first[g]);
            break;
        }
    /* ages count on a course's start S only (a period's day, below), and
     * the 18th birthday ends exempt.under18 */
    candidate(&best, a, adult);
    for (uint32_t i = 0; i < c->n_periods; i++) {
        const kt_period *q = &c->periods[i];
        candidate(&best, a, q->from);
        candidate(&best, a, period_start_S(q));
        candidate(&best, a, period_known(q) - p->horizon); /* ahead: comes within the horizon */
        if (q->to != KT_NO_DATE) candidate2(&best, a, q->to, 1);
    }
    for (uint32_t i = 0; i < c->n_categories; i++) candidate(&best, a, c->categories[i].from);
    {   /* sorted by date: the first after a */
        uint32_t lo = 0, hi = c->n_conversations;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (c->conversations[mid].date <= a) lo = mid + 1;
            else hi = mid;
        }
        if (lo < c->n_conversations) candidate(&best, a, c->conversations[lo].date);
    }
    for (uint32_t i = 0; i < c->n_events; i++) {
        const kt_event *ev = &c->events[i];
        candidate(&best, a, ev->from);
        if (ev->to != KT_NO_DATE) candidate2(&best, a, ev->to, 1);
        if (ev->starts != KT_NO_DATE) candidate2(&best, a, ev->starts, 1);
    }
    for (size_t i = 0; i < p->n_obs; i++) {
        const kt_ob *ob = &p->obs[i];
        candidate(&best, a, ob->from);
        /* open -> overdue on to + 1, dp.monthly's grace to + GRACE_DAYS + 1 */
        if (ob->to != KT_NO_DATE) candidate2(&best, a, ob->to + 1, GRACE_DAYS);
    }
    for (size_t k = 0; k < p->n_courses; k++)
        if (p->course_end[k] != KT_NO_DATE) candidate(&best, a, p->course_end[k] + 1);
    return best;
}

int kt_plan_compute(const kt_engine *e, const kt_case *c, const kt_plan_options *o,
                    kt_plan **out) {
    *out = NULL;
    kt_plan_options defaults;
    if (!o) {
        kt_plan_options_init(&defaults);
        o = &defaults;
    }
    kt_date as_of = o->as_of != KT_NO_DATE ? o->as_of : c->as_of != KT_NO_DATE ? c->as_of : o->today;
    if (as_of == KT_NO_DATE || o->horizon_days < 0) return KT_EARG;
    kt_plan *p;
    kt_date next_unlisted, adult;
    int rc = compute_one(e, c, o, as_of, &p, &next_unlisted, &adult);
    if (rc != KT_OK) return rc;
    if (o->ahead) {
        /* periods known later, within the horizon, each with the plan of the
         * day it becomes known: their courses are appended */
        kt_date last = as_of + o->horizon_days, after = as_of;
        size_t known = p->n_courses;
        for (int round = 0; rc == KT_OK && round < 16; round++) {
            kt_date k = FOREVER;
            for (uint32_t i = 0; i < c->n_periods; i++) {
                kt_date d = period_known(&c->periods[i]);
                if (d > after && d <= last && d < k) k = d;
            }
            if (k == FOREVER) break;
            kt_plan_options o2 = *o;
            o2.as_of = o2.today = k;
            o2.horizon_days = last - k; /* the same last day listed */
            o2.ahead = 0;
            kt_plan *later;
            kt_date nu, ad;
            rc = compute_one(e, c, &o2, k, &later, &nu, &ad);
            if (rc != KT_OK) break;
            if (nu < next_unlisted) next_unlisted = nu;
            rc = merge_courses(p, later, known);
            known = later->n_courses;
            kt_plan_free(later);
            after = k;
        }
        if (rc != KT_OK) {
            kt_plan_free(p);
            return rc;
        }
    }
    if (o->no_valid_until) {
        p->valid_until = as_of;
    } else {
        kt_date next = changes_next(e, c, p, next_unlisted, adult);
        p->valid_until = next == FOREVER ? KT_NO_DATE : next - 1;
    }
    *out = p;
    return KT_OK;
}

kt_date kt_plan_valid_until(const kt_plan *p) { return p->valid_until; }
