/* quota.c -- population measures over the stored plans: the 75 % of g2026
 * (conventions.md "Population measures") and STAR's 80 % (g2020-g2025b).
 *
 * One indexed query sums the quota obligations (and STAR's all.four_in_six
 * ones) per population, unit, group and month, over the report's months and
 * the five before them (the rolling figure); the few resulting cells are
 * then summed into the rows of kontakt_store.h in memory. Nothing is
 * recomputed: like the other reports this reads the materialised plans, an
 * `open` obligation whose deadline has passed being overdue. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ks_quota_by_names[KS_QBY_COUNT] = {"month", "jobcenter", "a_kasse", "group"};

int ks_quota_by_parse(const char *s) {
    for (int i = 0; i < KS_QBY_COUNT; i++)
        if (strcmp(s, ks_quota_by_names[i]) == 0) return i;
    return -1;
}

void ks_quota_query_init(ks_quota_query *q) {
    memset(q, 0, sizeof *q);
    q->from = q->to = q->as_of = KT_NO_DATE;
    q->by = KS_QBY_MONTH;
    q->rolling = 1;
}

size_t ks_quota_flag_names(const ks_quota_row *r, const char *names[2]) {
    size_t n = 0;
    if (r->flags & KS_QFLAG_UNDER_LINE)
        names[n++] = strcmp(r->measure, "star_80") == 0 ? "under_80" : "under_75";
    if (r->flags & KS_QFLAG_UNDTAGET_OVER_25) names[n++] = "undtaget_over_25";
    return n;
}

/* Populations, in the order rows list them. */
enum { P_A_KASSE, P_KOMMUNE, P_STAR, P_COUNT };
static const char *const pop_names[P_COUNT] = {"a_kasse", "kommune", "star"};
/* Measures, in the order rows list them. */
enum { M_QUOTA, M_ROLLING, M_STAR };
static const char *const measure_names[] = {"quota_75", "quota_75_rolling", "star_80"};

enum { C_COHORT, C_HELD, C_UNDTAGET, C_LATE, C_OVERDUE, C_ANY, C_COUNT };

/* A population's sums for one unit, group ("" = the sum row) and month. */
typedef struct cell {
    int pop, month; /* month: year * 12 + month - 1 */
    char *unit;
    char grp[8];
    long n[C_COUNT]; /* C_ANY: every obligation of the month, the cohort's left-outs too */
} cell;

typedef struct out_row {
    int measure, pop, month;
    ks_quota_by by; /* the order asked for (qsort has no context argument) */
    const cell *key; /* unit, group */
    long n[C_COUNT];
} out_row;

typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *a) {
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        void *v = realloc(a->v, cap * a->size);
        if (!v) return NULL;
        a->v = v;
        a->cap = cap;
    }
    void *p = (char *)a->v + a->n++ * a->size;
    memset(p, 0, a->size);
    return p;
}

static int month_of(kt_date d) {
    int y, m, dd;
    kt_date_to_ymd(d, &y, &m, &dd);
    return y * 12 + m - 1;
}

static kt_date month_first(int month) { return kt_date_from_ymd(month / 12, month % 12 + 1, 1); }

static int cell_cmp(const void *a, const void *b) {
    const cell *x = a, *y = b;
    if (x->pop != y->pop) return x->pop - y->pop;
    int c = strcmp(x->unit, y->unit);
    if (c) return c;
    if ((c = strcmp(x->grp, y->grp))) return c;
    return x->month - y->month;
}

/* The sort key of a row for `by`: fields compared in this order. */
static int out_cmp_by(const out_row *x, const out_row *y, ks_quota_by by) {
    int c;
#define CMP_INT(a, b) if ((a) != (b)) return (a) < (b) ? -1 : 1
#define CMP_STR(a, b) if ((c = strcmp((a), (b)))) return c
    switch (by) {
    case KS_QBY_GROUP:
        CMP_STR(x->key->grp, y->key->grp);
        CMP_INT(x->pop, y->pop);
        CMP_STR(x->key->unit, y->key->unit);
        CMP_INT(x->month, y->month);
        break;
    case KS_QBY_JOBCENTER:
    case KS_QBY_A_KASSE:
        CMP_INT(x->pop, y->pop);
        CMP_STR(x->key->unit, y->key->unit);
        CMP_INT(x->month, y->month);
        CMP_STR(x->key->grp, y->key->grp);
        break;
    default:
        CMP_INT(x->month, y->month);
        CMP_INT(x->pop, y->pop);
        CMP_STR(x->key->unit, y->key->unit);
        CMP_STR(x->key->grp, y->key->grp);
    }
    CMP_INT(x->measure, y->measure);
#undef CMP_INT
#undef CMP_STR
    return 0;
}

static int out_cmp(const void *a, const void *b) {
    return out_cmp_by(a, b, ((const out_row *)a)->by);
}

static int wanted(ks_quota_by by, int pop, const char *grp) {
    switch (by) {
    case KS_QBY_JOBCENTER: return pop != P_A_KASSE;
    case KS_QBY_A_KASSE: return pop == P_A_KASSE;
    case KS_QBY_GROUP: return pop != P_A_KASSE && *grp;
    default: return 1;
    }
}

static cell *add_cell(vec *cells, int pop, const char *unit, const char *grp, int month,
                      const long n[C_COUNT]) {
    cell *c = vec_push(cells);
    if (!c || !(c->unit = strdup(unit))) return NULL;
    c->pop = pop;
    c->month = month;
    snprintf(c->grp, sizeof c->grp, "%s", grp);
    memcpy(c->n, n, sizeof c->n);
    return c;
}

/* The quota rules and their populations; STAR's rule with its generations. */
#define QUOTA_SQL                                                                                \
    "SELECT CASE WHEN o.rule = 'dp.a_kasse_75' THEN 0 WHEN o.rule = 'all.four_in_six' THEN 2"    \
    "            ELSE 1 END AS pop,"                                                             \
    "       coalesce(o.grp, ''),"                                                                \
    "       CASE WHEN o.rule = 'dp.a_kasse_75' THEN coalesce(o.a_kasse, '')"                     \
    "            ELSE c.jobcenter END AS unit,"                                                  \
    "       substr(o.deadline, 1, 7) AS m,"                                                      \
    "       sum(o.status = 'met'),"                                                              \
    "       sum(o.status = 'exempt' AND o.exempt = 'exempt.konkret_vurdering' AND o.rule <> 'all.four_in_six'),"     \
    "       sum(o.status = 'late'),"                                                             \
    "       sum(o.status IN ('open', 'overdue')),"                                               \
    "       count(*)"                                                                            \
    "  FROM obligations o INDEXED BY obligations_by_deadline CROSS JOIN cases c"                 \
    "    ON c.id = o.case_id"                                                                    \
    " WHERE o.deadline >= ?1 AND o.deadline <= ?2 AND o.deadline < ?3"                           \
    "   AND (o.rule IN ('dp.a_kasse_75', 'dp.kommune_75', 'all.four_in_six_75')"                 \
    "        OR (?5 AND o.rule = 'all.four_in_six' AND o.generation >= 'g2020'"                  \
    "            AND o.generation < 'g2026'))"                                                   \
    "   AND (?4 IS NULL OR c.jobcenter = ?4)"                                                    \
    " GROUP BY pop, 2, unit, m"

int ks_report_quota(ks_store *s, const ks_quota_query *q, ks_quota_fn fn, void *ctx,
                    ks_error *err) {
    if (q->from == KT_NO_DATE || q->to == KT_NO_DATE || q->to < q->from)
        return ks__fail(err, KS_EINVALID, "the quota report needs --from and --to with from <= to");
    if ((int)q->by < 0 || q->by >= KS_QBY_COUNT)
        return ks__fail(err, KS_EINVALID, "unknown --by (month, jobcenter, a_kasse or group)");
    kt_date as_of = q->as_of == KT_NO_DATE ? ks_today(s) : q->as_of;
    int m_from = month_of(q->from), m_to = month_of(q->to);
    if (m_to - m_from > 12 * 50)
        return ks__fail(err, KS_EINVALID, "the quota report covers at most 50 years");
    int scan_from = q->rolling ? m_from - 5 : m_from;
    char d1[11], d2[11], today[11];
    kt_date_format(month_first(scan_from), d1);
    kt_date_format(month_first(m_to + 1) - 1, d2);
    kt_date_format(as_of, today);

    ks_q *st = NULL;
    if (ks__prepare(s, QUOTA_SQL, &st) != 0)
        return ks__dbfail(s, err, "quota report");
    ks_q_bind_text_static(st, 1, d1, -1);
    ks_q_bind_text_static(st, 2, d2, -1);
    ks_q_bind_text_static(st, 3, today, -1);
    if (q->jobcenter) ks_q_bind_text_static(st, 4, q->jobcenter, -1);
    ks_q_bind_int64(st, 5, q->star != 0);

    vec cells = {.size = sizeof(cell)}, out = {.size = sizeof(out_row)};
    int rc = KS_OK, r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        int pop = (int)ks_q_int64(st, 0);
        const char *grp = ks_q_text(st, 1);
        const char *unit = ks_q_text(st, 2);
        const char *m = ks_q_text(st, 3);
        int y = 0, mo = 0;
        if (pop < 0 || pop >= P_COUNT || !m || sscanf(m, "%4d-%2d", &y, &mo) != 2) continue;
        if (!unit || !*unit) unit = KS_QUOTA_UNKNOWN_UNIT;
        long n[C_COUNT];
        n[C_HELD] = ks_q_int64(st, 4);
        n[C_UNDTAGET] = ks_q_int64(st, 5);
        n[C_LATE] = ks_q_int64(st, 6);
        n[C_OVERDUE] = ks_q_int64(st, 7); /* deadline before as_of: overdue */
        n[C_ANY] = ks_q_int64(st, 8);
        /* lapsed and exempt for another reason are left out of the cohort */
        n[C_COHORT] = n[C_HELD] + n[C_UNDTAGET] + n[C_LATE] + n[C_OVERDUE];
        int month = y * 12 + mo - 1;
        /* a-kasse rows have no groups (the population is dagpenge only) */
        if ((pop != P_A_KASSE && !add_cell(&cells, pop, unit, grp ? grp : "", month, n)) ||
            !add_cell(&cells, pop, unit, "", month, n)) {
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(s, err, "quota report");
    ks_q_finalize(st);

    /* merge equal keys: the group rows' sums fall on the same sum cell */
    cell *cv = cells.v;
    size_t nc = cells.n; /* cells in use (all of them until merged) */
    if (rc == KS_OK && cells.n) {
        nc = 0;
        qsort(cv, cells.n, sizeof *cv, cell_cmp);
        for (size_t i = 1; i < cells.n; i++) {
            if (cell_cmp(&cv[nc], &cv[i]) == 0) {
                for (int k = 0; k < C_COUNT; k++) cv[nc].n[k] += cv[i].n[k];
                free(cv[i].unit);
            } else cv[++nc] = cv[i];
        }
        nc++;
    }

    /* the rows: a month's own figure, and the rolling one (M-5 .. M) for
     * each month of the report with anything in its six */
    for (size_t i = 0; rc == KS_OK && i < nc; i++) {
        const cell *c = &cv[i];
        if (!wanted(q->by, c->pop, c->grp)) continue;
        if (c->month >= m_from && c->month <= m_to) {
            out_row *o = vec_push(&out);
            if (!o) rc = ks__fail(err, KS_ENOMEM, "out of memory");
            else {
                o->measure = c->pop == P_STAR ? M_STAR : M_QUOTA;
                o->pop = c->pop;
                o->month = c->month;
                o->key = c;
                memcpy(o->n, c->n, sizeof o->n);
            }
        }
        if (!q->rolling || c->pop == P_STAR) continue;
        /* the first cell of a run (pop, unit, group) makes that run's rolling rows */
        if (i > 0 && cv[i - 1].pop == c->pop && !strcmp(cv[i - 1].unit, c->unit) &&
            !strcmp(cv[i - 1].grp, c->grp))
            continue;
        size_t end = i;
        while (end < nc && cv[end].pop == c->pop && !strcmp(cv[end].unit, c->unit) &&
               !strcmp(cv[end].grp, c->grp))
            end++;
        for (int M = m_from; rc == KS_OK && M <= m_to; M++) {
            long n[C_COUNT] = {0};
            for (size_t j = i; j < end; j++)
                if (cv[j].month >= M - 5 && cv[j].month <= M)
                    for (int k = 0; k < C_COUNT; k++) n[k] += cv[j].n[k];
            if (!n[C_ANY]) continue;
            out_row *o = vec_push(&out);
            if (!o) {
                rc = ks__fail(err, KS_ENOMEM, "out of memory");
                break;
            }
            o->measure = M_ROLLING;
            o->pop = c->pop;
            o->month = M;
            o->key = c;
            memcpy(o->n, n, sizeof n);
        }
    }

    if (rc == KS_OK && out.n) {
        for (size_t i = 0; i < out.n; i++) ((out_row *)out.v)[i].by = q->by;
        qsort(out.v, out.n, sizeof(out_row), out_cmp);
    }
    for (size_t i = 0; rc == KS_OK && i < out.n; i++) {
        const out_row *o = (const out_row *)out.v + i;
        ks_quota_row row;
        memset(&row, 0, sizeof row);
        row.measure = measure_names[o->measure];
        row.population = pop_names[o->pop];
        row.unit = o->key->unit;
        row.group = *o->key->grp ? o->key->grp : NULL;
        snprintf(row.month, sizeof row.month, "%04u-%02u", (unsigned)(o->month / 12) % 10000u,
                 (unsigned)(o->month % 12 + 1) % 100u);
        row.cohort = o->n[C_COHORT];
        row.held = o->n[C_HELD];
        row.undtaget = o->n[C_UNDTAGET];
        row.late = o->n[C_LATE];
        row.overdue = o->n[C_OVERDUE];
        row.share = row.cohort ? (double)row.held / (double)row.cohort : -1.0;
        int star = o->measure == M_STAR;
        /* exact comparisons in integers: held/cohort < 3/4 (4/5 for STAR) */
        if (row.cohort >= KS_QUOTA_MIN_JUDGED &&
            (star ? 5 * row.held < 4 * row.cohort : 4 * row.held < 3 * row.cohort))
            row.flags |= KS_QFLAG_UNDER_LINE;
        if (row.cohort && 4 * row.undtaget > row.cohort) row.flags |= KS_QFLAG_UNDTAGET_OVER_25;
        row.provisional = !star;
        if (fn(ctx, &row)) break;
    }
    for (size_t i = 0; i < nc; i++) free(cv[i].unit);
    free(cells.v);
    free(out.v);
    return rc;
}
