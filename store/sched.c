/* sched.c -- Planlægning in the store (issue 14): the schedule's input read
 * from the stored plans, the capacity events and the open bookings, the
 * scheduler run in memory (src/schedule.c), the answer handed out row by
 * row. Nothing is written but bookings. Its SQL is in capacity.c.
 * docs/schedule.md. */
#include "capacity.h"
#include "kontakt_schedule.h"

#include "date.h"
#include "rules.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ks_schedule_query_init(ks_schedule_query *q) {
    memset(q, 0, sizeof *q);
    q->weeks = 6;
    q->as_of = KT_NO_DATE;
    q->overdue_days = 90;
}

/* ---- strings to indexes ---------------------------------------------------------- */

typedef struct smap {
    char **keys;
    int32_t *vals;
    size_t cap, n;
} smap;

static uint64_t fnv(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void smap_free(smap *m) {
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* The value of key k (n bytes); -1 if absent. */
static int32_t smap_get(const smap *m, const char *k, size_t n) {
    if (!m->cap) return -1;
    for (size_t i = fnv(k, n) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i]) return -1;
        if (!strncmp(m->keys[i], k, n) && !m->keys[i][n]) return m->vals[i];
    }
}

/* Adds k -> v (k absent); the stored key, or NULL for no memory. */
static const char *smap_put(smap *m, const char *k, size_t n, int32_t v) {
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        char **nk = calloc(nc, sizeof *nk);
        int32_t *nv = malloc(nc * sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i]) continue;
            size_t j = fnv(m->keys[i], strlen(m->keys[i])) & (nc - 1);
            while (nk[j]) j = (j + 1) & (nc - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
    }
    size_t i = fnv(k, n) & (m->cap - 1);
    while (m->keys[i]) i = (i + 1) & (m->cap - 1);
    char *copy = malloc(n + 1);
    if (!copy) return NULL;
    memcpy(copy, k, n);
    copy[n] = 0;
    m->keys[i] = copy;
    m->vals[i] = v;
    m->n++;
    return copy;
}

/* ---- gathering the input ------------------------------------------------------------ */

typedef struct rule_info {
    const char *rule;  /* interned */
    uint8_t holders;
    int8_t usable;     /* 0: not the jobcentre's to hold (the a-kasse's) */
    int8_t provisional; /* the row rests on summaries, not the statute (rules.md) */
} rule_info;

typedef struct worker {
    const char *jobcenter, *caseworker; /* interned */
    int32_t pool;
} worker;

typedef struct scase {
    const char *id; /* the key in cases map */
    int32_t worker, pool;
    int8_t agenda_next;
} scase;

typedef struct sneed {
    kt_sched_need n;
    int32_t rule;          /* index into rules */
    const char *rule_name; /* its id (interned) */
} sneed;

typedef struct gather {
    ks_store *s;
    kt_date as_of, end;
    int days;
    smap pools_map, workers_map, cases_map, rules_map;
    const char **pools;
    size_t n_pools, cap_pools;
    worker *workers;
    size_t n_workers, cap_workers;
    scase *cases;
    size_t n_cases, cap_cases;
    sneed *needs;
    size_t n_needs, cap_needs;
    rule_info *rules;
    size_t n_rules, cap_rules;
    kt_sched_booking *bookings;
    size_t n_bookings, cap_bookings;
    long *booking_seq; /* the booking's number, beside bookings[] */
    char key[200];
} gather;

#define GROW(arr, n, cap)                                                                  \
    do {                                                                                   \
        if ((n) == (cap)) {                                                                \
            size_t nc_ = (cap) ? (cap) * 2 : 64;                                           \
            void *np_ = realloc((arr), nc_ * sizeof *(arr));                               \
            if (!np_) return -1;                                                           \
            (arr) = np_;                                                                   \
            (cap) = nc_;                                                                   \
        }                                                                                  \
    } while (0)

static int32_t pool_of(gather *g, const char *jc) {
    size_t n = strlen(jc);
    int32_t p = smap_get(&g->pools_map, jc, n);
    if (p >= 0) return p;
    GROW(g->pools, g->n_pools, g->cap_pools);
    const char *k = smap_put(&g->pools_map, jc, n, (int32_t)g->n_pools);
    if (!k) return -1;
    g->pools[g->n_pools] = k;
    return (int32_t)g->n_pools++;
}

static int32_t worker_of(gather *g, const char *jc, const char *cw) {
    int n = snprintf(g->key, sizeof g->key, "%s\x1f%s", jc, cw);
    if (n < 0 || (size_t)n >= sizeof g->key) return -1;
    int32_t w = smap_get(&g->workers_map, g->key, (size_t)n);
    if (w >= 0) return w;
    int32_t p = pool_of(g, jc);
    if (p < 0) return -1;
    GROW(g->workers, g->n_workers, g->cap_workers);
    const char *k = smap_put(&g->workers_map, g->key, (size_t)n, (int32_t)g->n_workers);
    if (!k) return -1;
    g->workers[g->n_workers] = (worker){.jobcenter = g->pools[p], .caseworker = k + strlen(jc) + 1,
                                        .pool = p};
    return (int32_t)g->n_workers++;
}

static int add_worker(void *ctx, const char *jc, const char *cw) {
    return worker_of(ctx, jc, cw) < 0;
}

static int32_t case_of(gather *g, const char *id, const char *jc, const char *cw) {
    size_t n = strlen(id);
    int32_t c = smap_get(&g->cases_map, id, n);
    if (c >= 0) return c;
    int32_t p = pool_of(g, jc), w = *cw ? worker_of(g, jc, cw) : -1;
    if (p < 0 || (*cw && w < 0)) return -2;
    GROW(g->cases, g->n_cases, g->cap_cases);
    const char *k = smap_put(&g->cases_map, id, n, (int32_t)g->n_cases);
    if (!k) return -2;
    g->cases[g->n_cases] = (scase){.id = k, .worker = w, .pool = p};
    return (int32_t)g->n_cases++;
}

/* The catalogue's row for a rule of a generation (by id), cached. */
static int32_t rule_of(gather *g, const char *gen, const char *rule) {
    int n = snprintf(g->key, sizeof g->key, "%s\x1f%s", gen, rule);
    if (n < 0 || (size_t)n >= sizeof g->key) return -1;
    int32_t r = smap_get(&g->rules_map, g->key, (size_t)n);
    if (r >= 0) return r;
    GROW(g->rules, g->n_rules, g->cap_rules);
    const kt_rule *row = NULL;
    for (int k = 0; k < KT_N_GENERATIONS && !row; k++) {
        if (strcmp(kt_generations[k].name, gen)) continue;
        for (size_t i = 0; i < kt_generations[k].n_rules; i++)
            if (!strcmp(kt_generations[k].rules[i]->id, rule)) {
                row = kt_generations[k].rules[i];
                break;
            }
    }
    const char *k = smap_put(&g->rules_map, g->key, (size_t)n, (int32_t)g->n_rules);
    if (!k) return -1;
    rule_info ri = {.rule = k + strlen(gen) + 1, .holders = 1u << KT_HOLDER_JOBCENTER, .usable = 1};
    if (row) {
        ri.holders = row->holders ? row->holders : 1u << KT_HOLDER_JOBCENTER;
        /* the a-kasse's duties (a-kasse, or a-kasse and joint) are not the
         * jobcentre's to plan; joint-only ones are (it takes part) */
        ri.usable = (ri.holders & (1u << KT_HOLDER_JOBCENTER)) ||
                    !(ri.holders & (1u << KT_HOLDER_A_KASSE));
        ri.provisional = (row->flags & F_PROVISIONAL) != 0;
    }
    g->rules[g->n_rules] = ri;
    return (int32_t)g->n_rules++;
}

static int add_need(void *ctx, const ks__need_row *r) {
    gather *g = ctx;
    if (r->deadline == KT_NO_DATE || r->from == KT_NO_DATE) return 0;
    int32_t ri = rule_of(g, r->generation, r->rule);
    if (ri < 0) return -1;
    const rule_info *info = &g->rules[ri];
    if (!info->usable) return 0;
    int32_t c = case_of(g, r->case_id, r->jobcenter, r->caseworker);
    if (c < 0) return -1;
    GROW(g->needs, g->n_needs, g->cap_needs);
    /* the forms the engine says would count for it on the plan's day; none
     * stored (not a conversation duty by the engine's account): in person */
    unsigned forms = r->forms & ((1u << KT_FORM_COUNT) - 1);
    if (!forms) forms = 1u << KT_FORM_FREMMOEDE;
    int rem = r->required - r->counted;
    g->needs[g->n_needs++] = (sneed){
        .n = {.case_ix = (uint32_t)c, .from = r->from, .to = r->deadline,
              .remaining = (uint16_t)(rem > 1000 ? 1000 : rem), .forms = (uint8_t)forms,
              .joint = !(info->holders & (1u << KT_HOLDER_JOBCENTER)), .quota = (uint8_t)r->quota},
        .rule = ri, .rule_name = info->rule};
    /* seed 004: the engine's number of the course's next conversation
     * (kt_obligation.agenda_next); the case's is the smallest over its needs */
    int next = r->agenda;
    if (next >= 1 && next <= 4 && (g->cases[c].agenda_next == 0 || next < g->cases[c].agenda_next))
        g->cases[c].agenda_next = (int8_t)next;
    return 0;
}

/* The open bookings of one case dated in [from, to] (booking.c: the case
 * as it stands, corrections applied; neither cancelled nor closed). fn gets
 * the case's info and each booking; non-zero stops (returned). A case that
 * cannot be read is passed over (0). */
static int case_bookings(ks_store *s, const char *id, kt_date from, kt_date to,
                         int (*fn)(void *ctx, const ks_case_info *ci, const ks__booking_ev *b),
                         void *ctx) {
    ks__booking_ev *v = NULL;
    size_t n = 0;
    ks_error e;
    if (ks__case_bookings(s, id, &v, &n, &e) != KS_OK) return e.status == KS_ENOMEM ? -1 : 0;
    int rc = 0, have_info = 0;
    ks_case_info info;
    for (size_t i = 0; i < n && !rc; i++) {
        if (v[i].cancelled || v[i].closed || v[i].date == KT_NO_DATE) continue;
        if (v[i].date < from || v[i].date > to) continue;
        if (!have_info && ks_case_info_get(s, id, &info, &e) != KS_OK) break;
        have_info = 1;
        rc = fn(ctx, &info, &v[i]);
    }
    free(v);
    return rc;
}

static int add_booking(void *ctx, const ks_case_info *info, const ks__booking_ev *b) {
    gather *g = ctx;
    kt_date day = b->date;
    const char *cw = b->caseworker;
    int32_t c = case_of(g, info->id, info->jobcenter, info->caseworker);
    int32_t w = *cw ? worker_of(g, info->jobcenter, cw) : -1;
    if (c < 0 || (*cw && w < 0)) return -1;
    if (g->n_bookings == g->cap_bookings) {
        size_t nc = g->cap_bookings ? g->cap_bookings * 2 : 64;
        void *np = realloc(g->bookings, nc * sizeof *g->bookings);
        if (!np) return -1;
        g->bookings = np;
        np = realloc(g->booking_seq, nc * sizeof *g->booking_seq);
        if (!np) return -1;
        g->booking_seq = np;
        g->cap_bookings = nc;
    }
    g->booking_seq[g->n_bookings] = b->seq;
    g->bookings[g->n_bookings++] = (kt_sched_booking){.case_ix = (uint32_t)c, .worker = w, .date = day};
    return 0;
}

static int add_bookings_of(void *ctx, const char *id) {
    gather *g = ctx;
    return case_bookings(g->s, id, g->as_of, g->end, add_booking, g);
}

/* ---- ks_bookings -------------------------------------------------------------------- */

typedef struct bk_row {
    char case_id[65], jobcenter[65], caseworker[65];
    kt_date date;
    long seq;
    int moves;
} bk_row;

typedef struct bk_list {
    ks_store *s;
    const char *caseworker;
    kt_date from, to;
    bk_row *v;
    size_t n, cap;
} bk_list;

static int bk_add(void *ctx, const ks_case_info *info, const ks__booking_ev *b) {
    bk_list *l = ctx;
    const char *cw = b->caseworker;
    const char *who = *cw ? cw : info->caseworker;
    if (l->caseworker && strcmp(who, l->caseworker)) return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        void *np = realloc(l->v, nc * sizeof *l->v);
        if (!np) return -1;
        l->v = np;
        l->cap = nc;
    }
    bk_row *r = &l->v[l->n++];
    snprintf(r->case_id, sizeof r->case_id, "%s", info->id);
    snprintf(r->jobcenter, sizeof r->jobcenter, "%s", info->jobcenter);
    snprintf(r->caseworker, sizeof r->caseworker, "%s", who);
    r->date = b->date;
    r->seq = b->seq;
    r->moves = b->moves;
    return 0;
}

static int bk_case(void *ctx, const char *id) {
    bk_list *l = ctx;
    return case_bookings(l->s, id, l->from, l->to, bk_add, l);
}

static int cmp_bk(const void *a, const void *b) {
    const bk_row *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    int c = strcmp(x->case_id, y->case_id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int ks_bookings(ks_store *s, const char *jobcenter, const char *caseworker, kt_date from,
                kt_date to, int (*fn)(void *ctx, const ks_booking *b), void *ctx, ks_error *err) {
    bk_list l = {.s = s, .caseworker = caseworker, .from = from, .to = to};
    int rc = ks__booked_cases(s, jobcenter, bk_case, &l, err);
    if (rc == KS_OK && l.n) qsort(l.v, l.n, sizeof *l.v, cmp_bk);
    for (size_t i = 0; rc == KS_OK && i < l.n; i++) {
        ks_booking b = {.case_id = l.v[i].case_id, .jobcenter = l.v[i].jobcenter,
                        .caseworker = l.v[i].caseworker, .date = l.v[i].date,
                        .seq = l.v[i].seq, .moves = l.v[i].moves};
        if (fn(ctx, &b)) break;
    }
    free(l.v);
    return rc;
}

typedef struct caprows {
    ks__capacity_row *v;
    size_t n, cap;
} caprows;

static int add_cap(void *ctx, const ks__capacity_row *r) {
    caprows *c = ctx;
    GROW(c->v, c->n, c->cap);
    ks__capacity_row x = *r;
    x.jobcenter = strdup(r->jobcenter);
    x.caseworker = r->caseworker ? strdup(r->caseworker) : NULL;
    if (!x.jobcenter || (r->caseworker && !x.caseworker)) {
        free((char *)x.jobcenter);
        free((char *)x.caseworker);
        return -1;
    }
    c->v[c->n++] = x;
    return 0;
}

static void caprows_free(caprows *c) {
    for (size_t i = 0; i < c->n; i++) {
        free((char *)c->v[i].jobcenter);
        free((char *)c->v[i].caseworker);
    }
    free(c->v);
}

static int covers(const ks__capacity_row *r, kt_date d) {
    int wd = kt_weekday(d);
    return wd < 5 && (r->weekdays >> wd & 1u) && (r->from == KT_NO_DATE || r->from <= d) &&
           (r->to == KT_NO_DATE || d <= r->to);
}

/* The slots of (jc, cw) on d: the caseworker's latest covering event, else
 * the jobcentre's, else -1. */
static int slots_on(const caprows *c, const char *jc, const char *cw, kt_date d) {
    int dflt = -1;
    for (size_t i = c->n; i-- > 0;) {
        const ks__capacity_row *r = &c->v[i];
        if (strcmp(r->jobcenter, jc) || !covers(r, d)) continue;
        if (r->caseworker && cw && !strcmp(r->caseworker, cw)) return r->slots;
        if (!r->caseworker && dflt < 0) dflt = r->slots;
    }
    return dflt;
}

int ks_capacity_on(ks_store *s, const char *jobcenter, const char *caseworker, kt_date d,
                   int *slots, ks_error *err) {
    caprows c = {0};
    int rc = ks__capacity_each(s, jobcenter, add_cap, &c, err);
    if (rc == KS_OK) *slots = slots_on(&c, jobcenter, caseworker, d);
    caprows_free(&c);
    return rc;
}

static void gather_free(gather *g) {
    smap_free(&g->pools_map);
    smap_free(&g->workers_map);
    smap_free(&g->cases_map);
    smap_free(&g->rules_map);
    free(g->pools);
    free(g->workers);
    free(g->cases);
    free(g->needs);
    free(g->rules);
    free(g->bookings);
    free(g->booking_seq);
}

/* ---- booking --------------------------------------------------------------------- */

typedef struct win_find {
    kt_date d;
    int inside;
    const char *best_rule;
    char rule[64];
    kt_date from, to;
    long dist;
} win_find;

static int find_window(void *ctx, const char *rule, kt_date from, kt_date to) {
    win_find *w = ctx;
    if (from == KT_NO_DATE || to == KT_NO_DATE) return 0;
    if (from <= w->d && w->d <= to) {
        w->inside = 1;
        return 0;
    }
    long dist = w->d < from ? from - w->d : w->d - to;
    if (!w->best_rule || dist < w->dist) {
        snprintf(w->rule, sizeof w->rule, "%s", rule);
        w->best_rule = w->rule;
        w->from = from;
        w->to = to;
        w->dist = dist;
    }
    return 0;
}

int ks_book(ks_store *s, const char *case_id, kt_date date, const char *caseworker,
            ks_problem_fn problem, void *ctx, long *seq, int *already, char *warning,
            size_t warning_size, ks_error *err) {
    if (warning && warning_size) *warning = 0;
    if (date == KT_NO_DATE) return ks__fail(err, KS_EINVALID, "--date: a day YYYY-MM-DD is needed");
    if (caseworker && *caseworker) {
        int rc = ks__check_id("caseworker", caseworker, err);
        if (rc != KS_OK) return rc;
    }
    ks_case_info info;
    int rc = ks_case_info_get(s, case_id, &info, err);
    if (rc != KS_OK) return rc;
    const char *cw = caseworker && *caseworker ? caseworker : info.caseworker;
    json_t *body = json_object();
    char day[11];
    kt_date_format(date, day);
    if (!body || json_object_set_new(body, "type", json_string("booket")) ||
        json_object_set_new(body, "date", json_string(day)) ||
        (*cw && json_object_set_new(body, "caseworker", json_string(cw)))) {
        json_decref(body);
        return ks__fail(err, KS_ENOMEM, "out of memory");
    }
    char *text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(body);
    if (!text) return ks__fail(err, KS_ENOMEM, "out of memory");
    rc = ks_record_ex(s, case_id, KS_EVENT, text, problem, ctx, seq, already, err);
    free(text);
    if (rc == KS_OK && warning && warning_size) ks__book_warning(s, case_id, date, warning, warning_size);
    return rc;
}

void ks__book_warning(ks_store *s, const char *case_id, kt_date date, char *warning,
                      size_t warning_size) {
    char day[11];
    kt_date_format(date, day);
    *warning = 0;
    /* a closed day; a day in no window of an open conversation duty */
    if (kt_sched_closed_day(date)) {
        snprintf(warning, warning_size, "%s er en lukkedag (weekend, helligdag, grundlovsdag, "
                 "24. eller 31. december).", day);
        return;
    }
    win_find w = {.d = date};
    ks_error e2;
    if (ks__case_windows(s, case_id, find_window, &w, &e2) != KS_OK || w.inside) return;
    if (w.best_rule) {
        char f[11], t[11];
        kt_date_format(w.from, f);
        kt_date_format(w.to, t);
        snprintf(warning, warning_size,
                 "%s ligger uden for vinduet for %s [%s, %s]: samtalen tæller ikke for den pligt.",
                 day, w.best_rule, f, t);
    } else {
        snprintf(warning, warning_size,
                 "%s: sagen har ingen åben samtalepligt, som samtalen kan tælle for.", day);
    }
}

/* ---- the schedule ---------------------------------------------------------------- */

typedef struct short_ix {
    uint32_t need;
    kt_date deadline;
    const char *case_id;
} short_ix;

static int cmp_short(const void *a, const void *b) {
    const short_ix *x = a, *y = b;
    if (x->deadline != y->deadline) return x->deadline < y->deadline ? -1 : 1;
    int c = strcmp(x->case_id, y->case_id);
    return c ? c : (x->need < y->need ? -1 : x->need > y->need);
}

/* Sort keys carry their strings (qsort has no context; the server's threads
 * call this at once). */
typedef struct skey {
    const char *a, *b;
    uint32_t ix;
} skey;
static int cmp_skey(const void *x, const void *y) {
    const skey *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    if (!c && p->b) c = strcmp(p->b, q->b);
    return c ? c : (p->ix > q->ix) - (p->ix < q->ix);
}
static int cmp_need(const void *a, const void *b) {
    const sneed *x = a, *y = b;
    if (x->n.case_ix != y->n.case_ix) return x->n.case_ix < y->n.case_ix ? -1 : 1;
    if (x->n.to != y->n.to) return x->n.to < y->n.to ? -1 : 1;
    if (x->n.from != y->n.from) return x->n.from < y->n.from ? -1 : 1;
    return strcmp(x->rule_name, y->rule_name);
}

/* The bookings by case and day, to give a booked proposal its booking's
 * number (the scheduler keeps the case, day and worker, not which booking). */
typedef struct bk_key {
    uint32_t case_ix;
    int32_t worker; /* -1: the case's */
    kt_date date;
    long seq;
    int taken;
} bk_key;

static int cmp_bk_key(const void *a, const void *b) {
    const bk_key *x = a, *y = b;
    if (x->case_ix != y->case_ix) return x->case_ix < y->case_ix ? -1 : 1;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static long booked_seq(bk_key *v, size_t n, const kt_sched_proposal *p) {
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first of the case's on or after the day */
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].case_ix < p->case_ix || (v[mid].case_ix == p->case_ix && v[mid].date < p->date))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && v[i].case_ix == p->case_ix && v[i].date == p->date; i++)
        if (!v[i].taken && (v[i].worker < 0 || v[i].worker == p->worker)) {
            v[i].taken = 1;
            return v[i].seq;
        }
    return 0;
}

static int emit(gather *g, const ks_schedule_query *q, const kt_sched_input *in,
                const kt_sched_result *r, const uint32_t *worker_order,
                const ks_schedule_sink *k) {
    ks_schedule_duty *duties = NULL;
    size_t cap = 0;
    int stop = 0;
    bk_key *bks = malloc((g->n_bookings + 1) * sizeof *bks);
    if (!bks) return -1;
    for (size_t b = 0; b < g->n_bookings; b++)
        bks[b] = (bk_key){g->bookings[b].case_ix, g->bookings[b].worker, g->bookings[b].date,
                          g->booking_seq[b], 0};
    qsort(bks, g->n_bookings, sizeof *bks, cmp_bk_key);
    for (size_t i = 0; k->item && !stop && i < r->n_proposals; i++) {
        const kt_sched_proposal *p = &r->proposals[i];
        const worker *w = &g->workers[p->worker];
        if (q->caseworker && strcmp(w->caseworker, q->caseworker)) continue;
        if (p->n_met > cap) {
            cap = p->n_met * 2u;
            free(duties);
            duties = malloc(cap * sizeof *duties);
            if (!duties) {
                free(bks);
                return -1;
            }
        }
        for (size_t m = 0; m < p->n_met; m++) {
            const sneed *sn = &g->needs[r->met[p->met0 + m]];
            duties[m] = (ks_schedule_duty){.rule = g->rules[sn->rule].rule,
                                           .window_from = sn->n.from, .deadline = sn->n.to,
                                           .quota = sn->n.quota,
                                           .provisional = g->rules[sn->rule].provisional};
        }
        ks_schedule_item it = {.jobcenter = w->jobcenter, .caseworker = w->caseworker,
                               .case_id = g->cases[p->case_ix].id, .date = p->date,
                               .booked = p->booked, .late = p->late, .joint = p->joint,
                               .forms = p->forms, .agenda = p->agenda, .duties = duties,
                               .n_duties = p->n_met};
        if (p->booked) it.seq = booked_seq(bks, g->n_bookings, p);
        stop = k->item(k->ctx, &it);
    }
    free(duties);
    free(bks);
    for (size_t j = 0; k->day && !stop && j < g->n_workers; j++) {
        uint32_t wi = worker_order[j];
        const worker *w = &g->workers[wi];
        if (q->caseworker && strcmp(w->caseworker, q->caseworker)) continue;
        for (int d = 0; !stop && d < in->days; d++) {
            kt_date t = in->today + d;
            if (kt_sched_closed_day(t)) continue;
            size_t ix = (size_t)wi * in->days + d;
            ks_schedule_day day = {.jobcenter = w->jobcenter, .caseworker = w->caseworker,
                                   .date = t, .slots = in->slots[ix], .used = r->used[ix],
                                   .overfull = r->overfull[ix]};
            stop = k->day(k->ctx, &day);
        }
    }
    if (k->shortfall && !stop) {
        short_ix *sv = malloc((g->n_needs ? g->n_needs : 1) * sizeof *sv);
        if (!sv) return -1;
        size_t n = 0;
        for (size_t i = 0; i < g->n_needs; i++) {
            const kt_sched_outcome *oc = &r->outcome[i];
            const kt_sched_need *nd = &g->needs[i].n;
            if (nd->to > g->end) continue;
            if (nd->to >= g->as_of && !oc->late && !oc->unscheduled) continue;
            const scase *c = &g->cases[nd->case_ix];
            if (q->caseworker &&
                (c->worker < 0 || strcmp(g->workers[c->worker].caseworker, q->caseworker)))
                continue;
            sv[n++] = (short_ix){(uint32_t)i, nd->to, c->id};
        }
        qsort(sv, n, sizeof *sv, cmp_short);
        for (size_t i = 0; !stop && i < n; i++) {
            const sneed *sn = &g->needs[sv[i].need];
            const kt_sched_outcome *oc = &r->outcome[sv[i].need];
            const scase *c = &g->cases[sn->n.case_ix];
            ks_schedule_short sh = {.jobcenter = g->pools[c->pool],
                                    .caseworker = c->worker >= 0 ? g->workers[c->worker].caseworker : "",
                                    .case_id = c->id, .rule = g->rules[sn->rule].rule,
                                    .window_from = sn->n.from, .deadline = sn->n.to,
                                    .late = oc->late, .missing = oc->unscheduled,
                                    .overdue = sn->n.to < g->as_of, .quota = sn->n.quota,
                                    .provisional = g->rules[sn->rule].provisional};
            stop = k->shortfall(k->ctx, &sh);
        }
        free(sv);
    }
    /* jobcentres by name */
    uint32_t *po = malloc((g->n_pools ? g->n_pools : 1) * sizeof *po);
    if (!po) return -1;
    for (size_t p = 0; p < g->n_pools; p++) po[p] = (uint32_t)p;
    for (size_t a = 1; a < g->n_pools; a++) /* few: insertion sort */
        for (size_t b = a; b > 0 && strcmp(g->pools[po[b - 1]], g->pools[po[b]]) > 0; b--) {
            uint32_t t = po[b];
            po[b] = po[b - 1];
            po[b - 1] = t;
        }
    for (size_t j = 0; k->summary && !stop && j < g->n_pools; j++) {
        const kt_sched_pool_sum *ps = &r->pools[po[j]];
        long nw = 0;
        for (size_t w = 0; w < g->n_workers; w++) nw += g->workers[w].pool == (int32_t)po[j];
        ks_schedule_summary sm = {
            .jobcenter = g->pools[po[j]], .from = g->as_of, .to = g->end, .caseworkers = nw,
            .conversations = ps->conversations, .booked = ps->booked, .duties_due = ps->needs_due,
            .short_duties = ps->short_needs, .overdue_duties = ps->overdue_needs,
            .late = ps->late_conversations, .missing = ps->missing_conversations,
            .extra_slots = ps->extra_slots, .overfull_days = ps->overfull_days,
            .quota_duties = ps->quota_needs, .quota_exemptions = ps->quota_short,
            .quota_over_25 = ps->quota_over_25};
        stop = k->summary(k->ctx, &sm);
    }
    free(po);
    return 0;
}

int ks_schedule(ks_store *s, const ks_schedule_query *q, const ks_schedule_sink *sink,
                ks_error *err) {
    if (q->weeks < 1 || q->weeks > 26)
        return ks__fail(err, KS_EINVALID, "--weeks must be 1..26, not %d", q->weeks);
    if (q->default_slots < 0 || q->default_slots > 100)
        return ks__fail(err, KS_EINVALID, "default slots must be 0..100, not %d", q->default_slots);
    gather g;
    memset(&g, 0, sizeof g);
    g.s = s;
    g.as_of = q->as_of == KT_NO_DATE ? ks_today(s) : q->as_of;
    g.end = g.as_of - kt_weekday(g.as_of) + 7 * q->weeks - 1; /* the Sunday of the last week */
    g.days = g.end - g.as_of + 1;
    kt_date oldest = q->overdue_days < 0 ? kt_date_from_ymd(1900, 1, 1) : g.as_of - q->overdue_days;
    caprows caps = {0};
    skey *keys = NULL;
    int16_t *slots = NULL;
    uint32_t *corder = NULL, *cnew = NULL, *worder = NULL;
    kt_sched_case *cases = NULL;
    kt_sched_need *needs = NULL;
    int32_t *wpool = NULL;
    kt_sched_result res;
    memset(&res, 0, sizeof res);
    int rc = ks__sched_workers(s, q->jobcenter, add_worker, &g, err);
    if (rc == KS_OK) rc = ks__sched_needs(s, q->jobcenter, oldest, g.as_of, g.end, add_need, &g, err);
    if (rc == KS_OK) rc = ks__booked_cases(s, q->jobcenter, add_bookings_of, &g, err);
    if (rc == KS_OK) rc = ks__capacity_each(s, q->jobcenter, add_cap, &caps, err);
    if (rc != KS_OK) goto done;
    /* cases in id order, needs grouped by case */
    corder = malloc((g.n_cases + 1) * sizeof *corder);
    cnew = malloc((g.n_cases + 1) * sizeof *cnew);
    worder = malloc((g.n_workers + 1) * sizeof *worder);
    cases = calloc(g.n_cases + 1, sizeof *cases);
    needs = malloc((g.n_needs + 1) * sizeof *needs);
    wpool = malloc((g.n_workers + 1) * sizeof *wpool);
    slots = calloc(g.n_workers * (size_t)g.days + 1, sizeof *slots);
    if (!corder || !cnew || !worder || !cases || !needs || !wpool || !slots) {
        rc = ks__fail(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    keys = malloc((g.n_cases > g.n_workers ? g.n_cases : g.n_workers) * sizeof *keys + 1);
    if (!keys) {
        rc = ks__fail(err, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < g.n_cases; c++) keys[c] = (skey){g.cases[c].id, NULL, (uint32_t)c};
    qsort(keys, g.n_cases, sizeof *keys, cmp_skey);
    for (size_t c = 0; c < g.n_cases; c++) corder[c] = keys[c].ix;
    {
        scase *sorted = malloc((g.n_cases + 1) * sizeof *sorted);
        if (!sorted) {
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < g.n_cases; i++) {
            sorted[i] = g.cases[corder[i]];
            cnew[corder[i]] = (uint32_t)i;
        }
        free(g.cases);
        g.cases = sorted;
        g.cap_cases = g.n_cases + 1;
    }
    for (size_t i = 0; i < g.n_needs; i++) g.needs[i].n.case_ix = cnew[g.needs[i].n.case_ix];
    for (size_t i = 0; i < g.n_bookings; i++) g.bookings[i].case_ix = cnew[g.bookings[i].case_ix];
    if (g.n_needs) qsort(g.needs, g.n_needs, sizeof *g.needs, cmp_need);
    for (size_t i = 0; i < g.n_needs; i++) {
        needs[i] = g.needs[i].n;
        kt_sched_case *k = &cases[needs[i].case_ix];
        if (!k->n_needs) k->need0 = (uint32_t)i;
        k->n_needs++;
    }
    for (size_t c = 0; c < g.n_cases; c++) {
        cases[c].worker = g.cases[c].worker;
        cases[c].pool = g.cases[c].pool;
        cases[c].agenda_next = g.cases[c].agenda_next;
    }
    for (size_t w = 0; w < g.n_workers; w++) {
        wpool[w] = g.workers[w].pool;
        worder[w] = (uint32_t)w;
        for (int d = 0; d < g.days; d++) {
            kt_date t = g.as_of + d;
            if (kt_sched_closed_day(t)) continue;
            int n = slots_on(&caps, g.workers[w].jobcenter, g.workers[w].caseworker, t);
            slots[w * (size_t)g.days + d] = (int16_t)(n < 0 ? q->default_slots : n);
        }
    }
    for (size_t w = 0; w < g.n_workers; w++)
        keys[w] = (skey){g.workers[w].jobcenter, g.workers[w].caseworker, (uint32_t)w};
    qsort(keys, g.n_workers, sizeof *keys, cmp_skey);
    for (size_t w = 0; w < g.n_workers; w++) worder[w] = keys[w].ix;
    kt_sched_input in = {.today = g.as_of, .days = g.days, .n_workers = g.n_workers,
                         .worker_pool = wpool, .slots = slots, .n_pools = g.n_pools,
                         .cases = cases, .n_cases = g.n_cases, .needs = needs,
                         .n_needs = g.n_needs, .bookings = g.bookings,
                         .n_bookings = g.n_bookings};
    int krc = kt_schedule(&in, &res);
    if (krc != KT_OK) {
        rc = ks__fail(err, krc == KT_ENOMEM ? KS_ENOMEM : KS_EINVALID, "the schedule failed (%d)", krc);
        goto done;
    }
    if (emit(&g, q, &in, &res, worder, sink)) rc = ks__fail(err, KS_ENOMEM, "out of memory");
done:
    free(keys);
    kt_sched_free(&res);
    caprows_free(&caps);
    free(slots);
    free(corder);
    free(cnew);
    free(worder);
    free(cases);
    free(needs);
    free(wpool);
    gather_free(&g);
    return rc;
}

int ks_caseworker_jobcenter(ks_store *s, const char *caseworker, char jobcenter[65], ks_error *err) {
    int n = 0;
    int rc = ks__caseworker_jobcenter(s, caseworker, jobcenter, &n, err);
    if (rc != KS_OK) return rc;
    if (n == 0)
        return ks__fail(err, KS_EINVALID, "caseworker %s has no cases and no capacity: name --jobcenter",
                        caseworker);
    if (n > 1)
        return ks__fail(err, KS_EINVALID, "caseworker %s works in %d jobcentres: name --jobcenter",
                        caseworker, n);
    return KS_OK;
}
