/*
 * schedule.c -- Planlægning: earliest-deadline-first over working days
 * (kontakt_schedule.h; docs/schedule.md gives the objective and the argument).
 *
 * Each caseworker's own cases are one problem: days in order, each day's slots
 * go first to the cases whose earliest released duty can still be met on time
 * (earliest deadline first: Glover's greedy, a maximum matching of unit jobs
 * to slots when each job may take any slot in an interval of days), then to
 * those already late (earliest deadline first). A duty whose deadline has
 * passed waits for the late queue: giving it a slot cannot save it and could
 * cost another duty its deadline. The same run is repeated with the day's
 * slots capped at a level L, the least L that keeps as many conversations on
 * time and placed as the full capacity does (binary search): the load is as
 * flat as the deadlines allow. Cases without a caseworker are then placed in
 * what is left, each conversation to the least-loaded caseworker of the
 * jobcentre with a free slot that day.
 *
 * A case is one job at a time: one conversation on a day meets every duty of
 * the case whose window has opened (conventions.md, "one conversation can
 * count toward several obligations"). A duty needing r more conversations
 * releases them spread over its window (the k-th not before a + (k-1)L/r), so
 * that four in six months are not proposed on four days in a row.
 */
#include "kontakt_schedule.h"

#include "date.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int kt_sched_closed_day(kt_date d) {
    if (kt_is_closed_day(d)) return 1;
    int y, m, day;
    kt_date_to_ymd(d, &y, &m, &day);
    return (m == 6 && day == 5) || (m == 12 && (day == 24 || day == 31));
}

/* ---- a binary min-heap of (key, case, version) ---------------------------- */

typedef struct hent {
    uint64_t key; /* deadline or day (biased) << 32 | case index */
    uint32_t ver;
} hent;

typedef struct heap {
    hent *v;
    size_t n, cap;
} heap;

#define BIAS 0x40000000LL
static uint64_t mkkey(kt_date d, uint32_t c) { return (uint64_t)((int64_t)d + BIAS) << 32 | c; }
static kt_date key_day(uint64_t k) { return (kt_date)((int64_t)(k >> 32) - BIAS); }
static uint32_t key_case(uint64_t k) { return (uint32_t)k; }

static int hpush(heap *h, uint64_t key, uint32_t ver) {
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 256;
        hent *nv = realloc(h->v, nc * sizeof *nv);
        if (!nv) return -1;
        h->v = nv;
        h->cap = nc;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p].key <= key) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = (hent){key, ver};
    return 0;
}

static void hpop(heap *h) {
    hent last = h->v[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        uint64_t mk = last.key;
        if (l < n && h->v[l].key < mk) m = l, mk = h->v[l].key;
        if (r < n && h->v[r].key < mk) m = r;
        if (m == i) break;
        h->v[i] = h->v[m];
        i = m;
    }
    if (n) h->v[i] = last;
}

/* ---- the run ----------------------------------------------------------------- */

typedef struct sched {
    const kt_sched_input *in;
    kt_date end;          /* the horizon's last day */
    uint16_t *rem0;       /* per need: remaining after the bookings */
    uint16_t *rem, *done; /* per need, during a run */
    uint16_t *pre;        /* per need: met by bookings (they count in its spread) */
    uint32_t *ver;        /* per case */
    int16_t *used;        /* per worker-day: bookings and placed runs */
    int16_t *used_run;    /* the same during a trial run */
    uint8_t *booked_day;  /* per case: 1 + day of a booking in the horizon (one kept) */
    heap ready, late, wake;
    /* recording */
    kt_sched_result *out;
    size_t cap_prop, cap_met;
} sched;

/* The day from which need n's next conversation is sought. */
static kt_date release(const sched *s, uint32_t n) {
    const kt_sched_need *nd = &s->in->needs[n];
    kt_date a = nd->from > s->in->today ? nd->from : s->in->today;
    long k = (long)s->done[n] + s->pre[n], total = (long)s->rem0[n] + s->pre[n];
    if (!k || !s->rem0[n] || nd->to < a) return a;
    long len = (long)nd->to - a + 1;
    kt_date spread = a + (kt_date)(len * k / total);
    /* never so late that the working days left before the deadline are
     * fewer than the conversations left (weekends, holidays) */
    kt_date latest = nd->to;
    for (int left = s->rem[n]; latest > a; latest--)
        if (!kt_sched_closed_day(latest) && --left == 0) break;
    return spread < latest ? spread : latest;
}

static int booked_on(const sched *s, uint32_t c, int d) { return s->booked_day[c] == d + 1; }

/* Puts case c into the queues as it stands on day t (`busy`: it has a
 * conversation on t already). */
static int eval(sched *s, uint32_t c, kt_date t, int busy) {
    const kt_sched_case *cs = &s->in->cases[c];
    kt_date on = INT_MAX, late = INT_MAX, wake = INT_MAX;
    for (uint32_t n = cs->need0; n < cs->need0 + cs->n_needs; n++) {
        if (!s->rem[n]) continue;
        kt_date r = release(s, n);
        if (r > s->end) continue; /* its next conversation is not due in the horizon */
        if (busy && r <= t) r = t + 1;
        if (r > s->end) continue;
        kt_date dl = s->in->needs[n].to;
        if (r <= t) {
            if (dl >= t) {
                if (dl < on) on = dl;
            } else if (dl < late) {
                late = dl;
            }
        } else if (r < wake) {
            wake = r;
        }
    }
    uint32_t v = ++s->ver[c];
    if (on != INT_MAX && hpush(&s->ready, mkkey(on, c), v)) return -1;
    if (late != INT_MAX && hpush(&s->late, mkkey(late, c), v)) return -1;
    if (wake != INT_MAX && hpush(&s->wake, mkkey(wake, c), v)) return -1;
    return 0;
}

/* Drops stale entries and re-queues those whose deadline passed before t. */
static int clean_ready(sched *s, kt_date t) {
    while (s->ready.n) {
        hent e = s->ready.v[0];
        uint32_t c = key_case(e.key);
        if (e.ver != s->ver[c]) {
            hpop(&s->ready);
        } else if (key_day(e.key) < t) {
            hpop(&s->ready);
            if (eval(s, c, t, 0)) return -1;
        } else {
            break;
        }
    }
    return 0;
}

static void clean_late(sched *s) {
    while (s->late.n && s->late.v[0].ver != s->ver[key_case(s->late.v[0].key)]) hpop(&s->late);
}

typedef struct run_stats {
    long on_time; /* on-time decrements of needs due in the horizon */
    long placed;  /* every decrement */
} run_stats;

/* The worker of `ws` with a free slot under `limit` (< 0: the full capacity)
 * and the least used that day; -1 if none. */
static int32_t pick(const sched *s, const int32_t *ws, size_t nw, int d, int limit) {
    int32_t best = -1;
    int bu = INT_MAX;
    int days = s->in->days;
    for (size_t i = 0; i < nw; i++) {
        int32_t w = ws[i];
        int cap = s->in->slots[(size_t)w * days + d];
        if (limit >= 0 && limit < cap) cap = limit;
        int u = s->used_run[(size_t)w * days + d];
        if (u < cap && u < bu) best = w, bu = u;
    }
    return best;
}

static int record(sched *s, uint32_t c, int32_t w, kt_date t, int booked, uint32_t m0,
                  uint16_t nm, uint8_t forms, uint8_t joint, uint8_t late) {
    kt_sched_result *o = s->out;
    if (o->n_proposals == s->cap_prop) {
        size_t nc = s->cap_prop ? s->cap_prop * 2 : 1024;
        kt_sched_proposal *np = realloc(o->proposals, nc * sizeof *np);
        if (!np) return -1;
        o->proposals = np;
        s->cap_prop = nc;
    }
    o->proposals[o->n_proposals++] =
        (kt_sched_proposal){.date = t, .worker = w, .case_ix = c, .met0 = m0, .n_met = nm,
                            .forms = forms ? forms : 1u << KT_FORM_FREMMOEDE, .joint = joint,
                            .booked = (uint8_t)booked, .late = late};
    return 0;
}

static int push_met(sched *s, uint32_t n) {
    kt_sched_result *o = s->out;
    if (o->n_met == s->cap_met) {
        size_t nc = s->cap_met ? s->cap_met * 2 : 2048;
        uint32_t *nm = realloc(o->met, nc * sizeof *nm);
        if (!nm) return -1;
        o->met = nm;
        s->cap_met = nc;
    }
    o->met[o->n_met++] = n;
    return 0;
}

/* A conversation of case c with worker w on day t: it meets every need
 * whose window has opened. */
static int place(sched *s, uint32_t c, int32_t w, kt_date t, run_stats *st, int rec) {
    const kt_sched_case *cs = &s->in->cases[c];
    uint32_t m0 = rec ? (uint32_t)s->out->n_met : 0;
    uint16_t nm = 0;
    uint8_t forms = 0xff, joint = 0, late = 0;
    for (uint32_t n = cs->need0; n < cs->need0 + cs->n_needs; n++) {
        const kt_sched_need *nd = &s->in->needs[n];
        if (!s->rem[n] || nd->from > t) continue;
        s->rem[n]--;
        s->done[n]++;
        st->placed++;
        if (t <= nd->to && nd->to <= s->end) st->on_time++;
        if (t > nd->to) late = 1;
        forms &= nd->forms;
        joint |= nd->joint;
        nm++;
        if (rec) {
            if (push_met(s, n)) return -1;
            kt_sched_outcome *oc = &s->out->outcome[n];
            if (t > nd->to)
                oc->late++;
            else
                oc->on_time++;
        }
    }
    s->used_run[(size_t)w * s->in->days + (t - s->in->today)]++;
    if (rec && record(s, c, w, t, 0, m0, nm, forms == 0xff ? 0 : forms, joint, late)) return -1;
    return eval(s, c, t, 1);
}

/* One run over the horizon for the cases `cs` and the workers `ws`: on-time
 * work up to `level` a worker and day (< 0: the full capacity), late work up
 * to the full capacity. */
static int run(sched *s, const uint32_t *cs, size_t nc, const int32_t *ws, size_t nw, int level,
               int rec, run_stats *st) {
    const kt_sched_input *in = s->in;
    int days = in->days;
    memset(st, 0, sizeof *st);
    s->ready.n = s->late.n = s->wake.n = 0;
    for (size_t i = 0; i < nw; i++)
        memcpy(s->used_run + (size_t)ws[i] * days, s->used + (size_t)ws[i] * days,
               (size_t)days * sizeof *s->used_run);
    for (size_t i = 0; i < nc; i++) {
        const kt_sched_case *k = &in->cases[cs[i]];
        memcpy(s->rem + k->need0, s->rem0 + k->need0, k->n_needs * sizeof *s->rem);
        memset(s->done + k->need0, 0, k->n_needs * sizeof *s->done);
        if (eval(s, cs[i], in->today, 0)) return -1;
    }
    for (int d = 0; d < days; d++) {
        kt_date t = in->today + d;
        while (s->wake.n && key_day(s->wake.v[0].key) <= t) {
            hent e = s->wake.v[0];
            hpop(&s->wake);
            uint32_t c = key_case(e.key);
            if (e.ver == s->ver[c] && eval(s, c, t, 0)) return -1;
        }
        if (kt_sched_closed_day(t)) continue;
        for (;;) { /* on time first, earliest deadline first */
            if (clean_ready(s, t)) return -1;
            if (!s->ready.n) break;
            int32_t w = pick(s, ws, nw, d, level);
            if (w < 0) break;
            uint32_t c = key_case(s->ready.v[0].key);
            hpop(&s->ready);
            if (booked_on(s, c, d)) { /* its booking is that day's conversation */
                if (eval(s, c, t, 1)) return -1;
                continue;
            }
            if (place(s, c, w, t, st, rec)) return -1;
        }
        for (;;) { /* then what is late already, in the slots left */
            clean_late(s);
            if (!s->late.n) break;
            int32_t w = pick(s, ws, nw, d, -1);
            if (w < 0) break;
            uint32_t c = key_case(s->late.v[0].key);
            hpop(&s->late);
            if (booked_on(s, c, d)) {
                if (eval(s, c, t, 1)) return -1;
                continue;
            }
            if (place(s, c, w, t, st, rec)) return -1;
        }
        if (rec) { /* over-full: full while a duty waits past its deadline */
            if (clean_ready(s, t)) return -1;
            clean_late(s);
            int waiting = s->late.n || (s->ready.n && key_day(s->ready.v[0].key) <= t);
            for (size_t i = 0; waiting && i < nw; i++) {
                size_t ix = (size_t)ws[i] * days + d;
                if (s->used_run[ix] >= in->slots[ix]) s->out->overfull[ix] = 1;
            }
        }
    }
    if (rec)
        for (size_t i = 0; i < nw; i++)
            memcpy(s->used + (size_t)ws[i] * days, s->used_run + (size_t)ws[i] * days,
                   (size_t)days * sizeof *s->used);
    return 0;
}

/* ---- bookings ------------------------------------------------------------------ */

static int book(sched *s) {
    const kt_sched_input *in = s->in;
    for (size_t b = 0; b < in->n_bookings; b++) {
        const kt_sched_booking *bk = &in->bookings[b];
        if (bk->date < in->today || bk->date > s->end) continue;
        const kt_sched_case *cs = &in->cases[bk->case_ix];
        int32_t w = bk->worker >= 0 ? bk->worker : cs->worker;
        int d = bk->date - in->today;
        if (w < 0) { /* the least-loaded caseworker of the pool that day */
            int bu = INT_MAX;
            for (size_t i = 0; i < in->n_workers; i++)
                if (in->worker_pool[i] == cs->pool && s->used[i * in->days + d] < bu)
                    w = (int32_t)i, bu = s->used[i * in->days + d];
            if (w < 0) continue; /* a pool without caseworkers: nobody to hold it */
        }
        s->used[(size_t)w * in->days + d]++;
        s->booked_day[bk->case_ix] = (uint8_t)(d + 1 < 255 ? d + 1 : 0);
        uint32_t m0 = (uint32_t)s->out->n_met;
        uint16_t nm = 0;
        uint8_t forms = 0xff, joint = 0;
        for (uint32_t n = cs->need0; n < cs->need0 + cs->n_needs; n++) {
            const kt_sched_need *nd = &in->needs[n];
            if (!s->rem0[n] || nd->from > bk->date || nd->to < bk->date) continue;
            s->rem0[n]--;
            s->pre[n]++;
            s->out->outcome[n].on_time++;
            forms &= nd->forms;
            joint |= nd->joint;
            nm++;
            if (push_met(s, n)) return -1;
        }
        if (record(s, bk->case_ix, w, bk->date, 1, m0, nm, forms == 0xff ? 0 : forms, joint, 0))
            return -1;
    }
    return 0;
}

/* ---- the whole ------------------------------------------------------------------ */

static int cmp_prop(const void *a, const void *b) {
    const kt_sched_proposal *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    if (x->worker != y->worker) return x->worker < y->worker ? -1 : 1;
    if (x->case_ix != y->case_ix) return x->case_ix < y->case_ix ? -1 : 1;
    return (int)y->booked - (int)x->booked;
}

static int check(const kt_sched_input *in) {
    if (in->days < 1 || in->days > 1000 || (in->n_workers && (!in->worker_pool || !in->slots)))
        return KT_EARG;
    for (size_t w = 0; w < in->n_workers; w++)
        if (in->worker_pool[w] < 0 || (size_t)in->worker_pool[w] >= in->n_pools) return KT_EARG;
    for (size_t c = 0; c < in->n_cases; c++) {
        const kt_sched_case *k = &in->cases[c];
        if (k->pool < 0 || (size_t)k->pool >= in->n_pools || k->worker >= (int32_t)in->n_workers ||
            k->need0 > in->n_needs || k->n_needs > in->n_needs - k->need0)
            return KT_EARG;
        if (k->worker >= 0 && in->worker_pool[k->worker] != k->pool) return KT_EARG;
        for (uint32_t n = k->need0; n < k->need0 + k->n_needs; n++)
            if (in->needs[n].case_ix != c) return KT_EARG;
    }
    for (size_t b = 0; b < in->n_bookings; b++)
        if (in->bookings[b].case_ix >= in->n_cases ||
            in->bookings[b].worker >= (int32_t)in->n_workers)
            return KT_EARG;
    return KT_OK;
}

void kt_sched_free(kt_sched_result *r) {
    if (!r) return;
    free(r->proposals);
    free(r->met);
    free(r->outcome);
    free(r->used);
    free(r->overfull);
    free(r->pools);
    free(r->level);
    memset(r, 0, sizeof *r);
}

static int schedule(sched *s) {
    const kt_sched_input *in = s->in;
    kt_sched_result *o = s->out;
    size_t W = in->n_workers, P = in->n_pools;
    int days = in->days;
    if (book(s)) return -1;
    /* the cases of each worker, then of each pool without a worker: counting sort */
    size_t groups = W + P;
    size_t *start = calloc(groups + 1, sizeof *start);
    uint32_t *order = malloc((in->n_cases ? in->n_cases : 1) * sizeof *order);
    int32_t *pw = malloc((W ? W : 1) * sizeof *pw); /* workers by pool */
    size_t *pstart = calloc(P + 1, sizeof *pstart);
    int rc = 0;
    if (!start || !order || !pw || !pstart) {
        rc = -1;
        goto done;
    }
    for (size_t c = 0; c < in->n_cases; c++) {
        const kt_sched_case *k = &in->cases[c];
        start[(k->worker >= 0 ? (size_t)k->worker : W + (size_t)k->pool) + 1]++;
    }
    for (size_t g = 0; g < groups; g++) start[g + 1] += start[g];
    {
        size_t *fill = malloc((groups ? groups : 1) * sizeof *fill);
        if (!fill) {
            rc = -1;
            goto done;
        }
        memcpy(fill, start, groups * sizeof *fill);
        for (size_t c = 0; c < in->n_cases; c++) {
            const kt_sched_case *k = &in->cases[c];
            order[fill[k->worker >= 0 ? (size_t)k->worker : W + (size_t)k->pool]++] = (uint32_t)c;
        }
        free(fill);
    }
    for (size_t w = 0; w < W; w++) pstart[in->worker_pool[w] + 1]++;
    for (size_t p = 0; p < P; p++) pstart[p + 1] += pstart[p];
    {
        size_t *fill = malloc((P ? P : 1) * sizeof *fill);
        if (!fill) {
            rc = -1;
            goto done;
        }
        memcpy(fill, pstart, P * sizeof *fill);
        for (size_t w = 0; w < W; w++) pw[fill[in->worker_pool[w]]++] = (int32_t)w;
        free(fill);
    }
    /* each caseworker's own cases, at the least level that loses nothing */
    for (size_t w = 0; w < W && !rc; w++) {
        const uint32_t *cs = order + start[w];
        size_t nc = start[w + 1] - start[w];
        int32_t ws = (int32_t)w;
        int maxcap = 0;
        for (int d = 0; d < days; d++)
            if (in->slots[w * days + d] > maxcap) maxcap = in->slots[w * days + d];
        int level = maxcap;
        if (nc && maxcap > 1) {
            run_stats full, trial;
            if (run(s, cs, nc, &ws, 1, -1, 0, &full)) {
                rc = -1;
                break;
            }
            int lo = 0, hi = maxcap; /* level hi keeps everything; lo does not */
            while (hi - lo > 1) {
                int mid = lo + (hi - lo) / 2;
                if (run(s, cs, nc, &ws, 1, mid, 0, &trial)) {
                    rc = -1;
                    break;
                }
                if (trial.on_time >= full.on_time && trial.placed >= full.placed)
                    hi = mid;
                else
                    lo = mid;
            }
            level = hi;
        }
        o->level[w] = level;
        run_stats st;
        if (!rc && nc && run(s, cs, nc, &ws, 1, level, 1, &st)) rc = -1;
    }
    /* cases without a caseworker: least-loaded caseworker of the pool */
    for (size_t p = 0; p < P && !rc; p++) {
        const uint32_t *cs = order + start[W + p];
        size_t nc = start[W + p + 1] - start[W + p];
        size_t nw = pstart[p + 1] - pstart[p];
        run_stats st;
        if (nc && nw && run(s, cs, nc, pw + pstart[p], nw, -1, 1, &st)) rc = -1;
    }
done:
    free(start);
    free(order);
    free(pw);
    free(pstart);
    return rc;
}

int kt_schedule(const kt_sched_input *in, kt_sched_result *out) {
    memset(out, 0, sizeof *out);
    if (!in || check(in) != KT_OK) return KT_EARG;
    size_t N = in->n_needs ? in->n_needs : 1, C = in->n_cases ? in->n_cases : 1;
    size_t WD = in->n_workers * (size_t)in->days + 1;
    sched s = {.in = in, .end = in->today + in->days - 1, .out = out};
    s.rem0 = malloc(N * sizeof *s.rem0);
    s.rem = malloc(N * sizeof *s.rem);
    s.done = calloc(N, sizeof *s.done);
    s.pre = calloc(N, sizeof *s.pre);
    s.ver = calloc(C, sizeof *s.ver);
    s.used = calloc(WD, sizeof *s.used);
    s.used_run = calloc(WD, sizeof *s.used_run);
    s.booked_day = calloc(C, 1);
    out->outcome = calloc(N, sizeof *out->outcome);
    out->overfull = calloc(WD, 1);
    out->pools = calloc(in->n_pools ? in->n_pools : 1, sizeof *out->pools);
    out->level = calloc(in->n_workers ? in->n_workers : 1, sizeof *out->level);
    int rc = KT_ENOMEM;
    if (!s.rem0 || !s.rem || !s.done || !s.pre || !s.ver || !s.used || !s.used_run || !s.booked_day ||
        !out->outcome || !out->overfull || !out->pools || !out->level)
        goto done;
    for (size_t n = 0; n < in->n_needs; n++) s.rem0[n] = in->needs[n].remaining;
    if (schedule(&s)) goto done;
    /* outcomes: what was not placed; sums per pool */
    for (size_t n = 0; n < in->n_needs; n++) {
        const kt_sched_need *nd = &in->needs[n];
        kt_sched_outcome *oc = &out->outcome[n];
        unsigned placed = (unsigned)oc->on_time + oc->late;
        oc->unscheduled = (uint16_t)(nd->remaining > placed ? nd->remaining - placed : 0);
        if (nd->to > s.end) continue; /* due after the horizon: not a shortfall yet */
        kt_sched_pool_sum *ps = &out->pools[in->cases[nd->case_ix].pool];
        ps->needs_due++;
        if (nd->to < in->today) {
            ps->overdue_needs++;
            continue;
        }
        if (nd->quota) ps->quota_needs++;
        if (oc->late || oc->unscheduled) {
            ps->short_needs++;
            ps->late_conversations += oc->late;
            ps->missing_conversations += oc->unscheduled;
            if (nd->quota) ps->quota_short++;
        }
    }
    for (size_t p = 0; p < in->n_pools; p++) {
        kt_sched_pool_sum *ps = &out->pools[p];
        ps->extra_slots = ps->late_conversations + ps->missing_conversations;
        ps->quota_over_25 = 4 * ps->quota_short > ps->quota_needs;
    }
    for (size_t i = 0; i < out->n_proposals; i++) {
        kt_sched_pool_sum *ps = &out->pools[in->cases[out->proposals[i].case_ix].pool];
        if (out->proposals[i].booked)
            ps->booked++;
        else
            ps->conversations++;
    }
    for (size_t w = 0; w < in->n_workers; w++)
        for (int d = 0; d < in->days; d++)
            out->pools[in->worker_pool[w]].overfull_days += out->overfull[w * in->days + d];
    if (out->n_proposals) qsort(out->proposals, out->n_proposals, sizeof *out->proposals, cmp_prop);
    /* seed 004's number: the case's conversations in date order */
    {
        uint8_t *seen = calloc(C, 1);
        if (!seen) goto done;
        for (size_t i = 0; i < out->n_proposals; i++) {
            kt_sched_proposal *pr = &out->proposals[i];
            const kt_sched_case *k = &in->cases[pr->case_ix];
            int nth = k->agenda_next > 0 ? k->agenda_next + seen[pr->case_ix] : 0;
            if (seen[pr->case_ix] < 255) seen[pr->case_ix]++;
            pr->agenda = (int8_t)(nth >= 1 && nth <= 4 ? nth : 0);
        }
        free(seen);
    }
    out->used = s.used;
    s.used = NULL;
    rc = KT_OK;
done:
    free(s.rem0);
    free(s.rem);
    free(s.done);
    free(s.pre);
    free(s.ver);
    free(s.used);
    free(s.used_run);
    free(s.booked_day);
    free(s.ready.v);
    free(s.late.v);
    free(s.wake.v);
    if (rc != KT_OK) kt_sched_free(out);
    return rc;
}
