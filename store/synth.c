/*
 * synth.c -- the synthetic caseload (synth.h says why it lives here).
 *
 * The cases are meant to look like a jobcentre's caseload, not to be legally
 * exact: benefits weighted as in practice, course starts over 2014-2026 (every
 * rule generation occurs, a few before the catalogue), ages that mostly fit
 * the benefit (a few contradictions), category changes, gaps and changes of
 * benefit, conversations at a plausible rhythm, ~5 % not held, and events of
 * most types. Dates are days since 1970-01-01 internally and are written
 * from a table, numbers by hand: the goal is > 1M cases/s to /dev/null.
 */
#include "synth.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers ------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, good enough statistics
 * for synthetic data, and trivially seedable per case. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t next64(rng *r) {
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift: no division, bias < 2^-32). */
static uint32_t below(rng *r, uint32_t n) {
    return (uint32_t)(((next64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]; lo if the range is empty. */
static int32_t between(rng *r, int32_t lo, int32_t hi) {
    if (hi <= lo) return lo;
    return lo + (int32_t)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability pm/1000. */
static int chance(rng *r, uint32_t pm) { return below(r, 1000) < pm; }

/* Index drawn from integer weights w[0..n). */
static int pick(rng *r, const uint16_t *w, int n) {
    uint32_t sum = 0;
    for (int i = 0; i < n; i++) sum += w[i];
    if (sum == 0) return 0;
    uint32_t x = below(r, sum);
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---- dates ------------------------------------------------------------- */

/* Days since 1970-01-01, proleptic Gregorian (H. Hinnant's algorithms). */
static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* Whole years between birth and d. */
static int age_on(int32_t birth, int32_t d) {
    int by, bm, bd, y, m, dd;
    civil_from_days(birth, &by, &bm, &bd);
    civil_from_days(d, &y, &m, &dd);
    return y - by - (m < bm || (m == bm && dd < bd));
}

#define NO_DATE INT32_MIN

/* ---- vocabulary (spec/case-format.md) ------------------------------------ */

enum { DP, KH, UH, IY, SDP, REV, FP, RF, JAF, LY, AMY, KY, NBEN };
static const char *const ben_name[NBEN] = {
    "dagpenge",        "kontanthjaelp",   "uddannelseshjaelp",    "integrationsydelse",
    "sygedagpenge",    "revalidering",    "foertidspension",      "ressourceforloeb",
    "jobafklaringsforloeb", "ledighedsydelse", "arbejdsmarkedsydelse", "kontantydelse"};
/* Per mille; roughly the shares of a Danish jobcentre's caseload. */
static const uint16_t ben_weight[NBEN] = {350, 200, 100, 40, 150, 20, 20, 40, 30, 30, 10, 10};

enum { CAT_NONE, JOBPARAT, AKTIVITETSPARAT, AABENLYST, UDDANNELSESPARAT };
static const char *const cat_name[] = {"", "jobparat", "aktivitetsparat",
                                       "aabenlyst_uddannelsesparat", "uddannelsesparat"};

enum { H_JOBCENTER, H_A_KASSE, H_FAELLES, H_ANDEN, NHOLDER };
static const char *const holder_name[NHOLDER] = {"jobcenter", "a_kasse", "faelles",
                                                 "anden_aktoer"};

enum { F_FREMMOEDE, F_TELEFON, F_DIGITALT, F_BREV, F_UDEN, NFORM };
static const char *const form_name[NFORM] = {"fremmoede", "telefon", "digitalt", "brev",
                                             "uden_kontakt"};
static const uint16_t form_weight[NFORM] = {720, 130, 120, 20, 10};

enum { T_225, T_REPAT, T_BARSEL, T_TEST, T_SEKS, T_INTENS, NTOPIC };
static const char *const topic_name[NTOPIC] = {
    "225_timers_reglen",  "repatriering",    "barsel_tilknytning", "laese_skrive_regnetest",
    "seks_ugers_jobrettet_uddannelse", "intensiveret_indsats"};

enum {
    E_CV_SAMTALE, E_CV_OPRETTET, E_CV_GODKENDT, E_TEST, E_KURSUS, E_BARSEL, E_SYGEMELDT,
    E_ALVORLIG, E_TILBUD, E_JOBSTART, E_ARBEJDSFORDELING, E_HJEMSENDT, E_SEKS_UGERS, E_STU,
    E_KONTRAKT, E_UDEBLIVELSE, E_KOORD, E_SEKS_OENSKET, E_FRITAGET, E_UNDTAGET, NEVENT
};
static const char *const event_name[NEVENT] = {
    "cv_samtale", "cv_oprettet", "cv_godkendt", "laese_skrive_regnetest", "kursus_oensket",
    "barsel", "sygemeldt", "alvorlig_sygdom", "tilbud", "jobstart", "arbejdsfordeling",
    "hjemsendt", "seks_ugers_jobrettet_uddannelse", "stu", "ansaettelseskontrakt",
    "udeblivelse", "koordinerende_sagsbehandler", "seks_ugers_oensket", "fritaget",
    "undtaget_konkret_vurdering"};
/* Events with one `date`; the others have from/to. */
static const uint8_t event_dated[NEVENT] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
                                            0, 0, 0, 0, 1, 1, 1, 1, 0, 1};
/* Shortest and longest duration in days of the from/to events. */
static const int16_t event_dur[NEVENT][2] = {
    [E_BARSEL] = {90, 365},          [E_SYGEMELDT] = {7, 90},   [E_ALVORLIG] = {30, 240},
    [E_TILBUD] = {14, 180},          [E_ARBEJDSFORDELING] = {14, 120},
    [E_HJEMSENDT] = {1, 14},         [E_SEKS_UGERS] = {28, 42}, [E_STU] = {365, 1095},
    [E_FRITAGET] = {30, 365}};

enum { R_PENSION, R_UNDER18, R_MINDRE, R_SDP_KORT, R_SDP_JOB26 };
static const char *const reason_name[] = {"pension_optjening", "under18", "mindre_intensiv",
                                          "sdp_kort_forloeb", "sdp_job_under_26"};

/* The a-kasser of the dagpenge periods (case-format.md `a_kasse`), weighted
 * roughly by membership; ids, not names, and never CPR-like. */
static const char *const akasse_name[] = {"3f", "hk", "ase", "krifa", "foa", "akademikernes",
                                          "ca", "metal", "dana", "min-a-kasse", "fag-og-arbejde"};
static const uint16_t akasse_weight[] = {220, 130, 120, 90, 80, 110, 60, 60, 40, 50, 40};
#define NAKASSE ((int)(sizeof akasse_name / sizeof akasse_name[0]))

static const char *const jobstart_what[] = {"ordinaert_arbejde", "fleksjob",    "orlov",
                                            "efterloen",         "fleksydelse", "folkepension"};

/* ---- one case in memory -------------------------------------------------- */

#define MAX_PERIODS 4 /* 3 drawn, + 1 where uddannelseshjælp becomes kontanthjælp */
#define MAX_CONV 24
#define MAX_EVENTS 10

typedef struct period {
    uint8_t ben;
    uint8_t to_null;           /* ongoing: write "to":null (else leave it out) */
    uint8_t ncat;
    int32_t from, to;          /* to: NO_DATE = ongoing */
    int32_t start;             /* S of the course: first inquiry / sick day */
    int32_t first_inquiry;     /* NO_DATE: not written */
    int32_t first_sick_day;    /* NO_DATE: not written */
    int32_t cat_from[2];
    uint8_t cat[2];
} period;

typedef struct conversation {
    int32_t date;
    uint8_t holder, form, held, held_explicit, ntopic;
    uint8_t topic[2];
} conversation;

typedef struct event {
    uint8_t type, reason, what, holder; /* holder: undtaget_konkret_vurdering's */
    int32_t from, to; /* dated events: from; to: NO_DATE = ongoing */
    int32_t starts;   /* ansaettelseskontrakt */
} event;

typedef struct gcase {
    uint64_t index;
    int jobcenter, caseworker;
    int32_t as_of, birth;
    int youth, vocational, repatriering;
    int write_false; /* write false booleans explicitly */
    int akasse;      /* index in akasse_name for every dagpenge period; -1: unknown */
    int nper, nconv, nev;
    period per[MAX_PERIODS];
    conversation conv[MAX_CONV];
    event ev[MAX_EVENTS];
} gcase;

/* The generator's fixed parameters and tables, built once. */
struct ks_synth {
    uint64_t seed;
    int jobcenters;
    int32_t date_lo, date_hi; /* every date written lies here (table bounds) */
    int32_t s_lo, s_pre, s_hi, as_of_cap, clamp_hi;
    char (*date_text)[10];    /* "YYYY-MM-DD" for date_lo..date_hi */
    uint16_t event_weight[NBEN][NEVENT];
    ks_synth_mix mix;
    int32_t d2025a, uh_end, d2026; /* first days of g2025a, g2025b, g2026 */
};
typedef struct ks_synth gen;

static int is_kh_like(int b) { return b == KH || b == IY || b == AMY || b == KY; }
static int has_inquiry(int b) { return b == KH || b == UH || b == IY; }

static int32_t clampd(const gen *g, int32_t d) {
    return d < g->date_lo ? g->date_lo : d > g->clamp_hi ? g->clamp_hi : d;
}

/* How likely each event type is on each benefit (relative weights). */
static void init_event_weights(gen *g) {
    for (int b = 0; b < NBEN; b++) {
        uint16_t *w = g->event_weight[b];
        const int dp = b == DP, khuh = b == KH || b == UH || b == IY;
        w[E_CV_SAMTALE] = dp ? 25 : 0;
        w[E_CV_OPRETTET] = (dp || khuh || b == LY) ? 25 : 3;
        w[E_CV_GODKENDT] = (dp || khuh) ? 6 : 1;
        w[E_TEST] = (dp || khuh) ? 10 : 2;
        w[E_KURSUS] = dp ? 6 : 2;
        w[E_BARSEL] = b == FP ? 0 : 6;
        w[E_SYGEMELDT] = b == SDP ? 0 : 5;
        w[E_ALVORLIG] = 3;
        w[E_TILBUD] = b == FP ? 1 : 14;
        w[E_JOBSTART] = b == FP ? 0 : 6;
        w[E_ARBEJDSFORDELING] = dp ? 2 : 0;
        w[E_HJEMSENDT] = dp ? 2 : 0;
        w[E_SEKS_UGERS] = dp ? 4 : 0;
        w[E_STU] = b == UH ? 2 : 0;
        w[E_KONTRAKT] = b == REV ? 12 : 0;
        w[E_UDEBLIVELSE] = b == FP ? 0 : 4;
        w[E_KOORD] = khuh ? 12 : (b == RF || b == JAF) ? 4 : 0;
        w[E_SEKS_OENSKET] = dp ? 4 : 0;
        w[E_FRITAGET] = 4;
        w[E_UNDTAGET] = 0; /* only where the law has it (follow_law) */
    }
}

static int init_gen(gen *g, uint64_t seed, int jobcenters) {
    g->seed = seed;
    g->jobcenters = jobcenters;
    g->date_lo = days_from_civil(1940, 1, 1); /* birth dates need the early years */
    g->date_hi = days_from_civil(2030, 12, 31);
    g->clamp_hi = g->date_hi;
    g->s_pre = days_from_civil(2012, 1, 1); /* a few courses before the catalogue */
    g->s_lo = days_from_civil(2014, 1, 1);
    g->s_hi = days_from_civil(2026, 10, 31);
    g->as_of_cap = days_from_civil(2027, 12, 31);
    g->d2025a = days_from_civil(2025, 1, 1);
    g->uh_end = days_from_civil(2025, 7, 1);
    g->d2026 = days_from_civil(2026, 7, 1);
    size_t n = (size_t)(g->date_hi - g->date_lo + 1);
    g->date_text = malloc(n * sizeof *g->date_text);
    if (!g->date_text) return -1;
    for (size_t i = 0; i < n; i++) {
        int y, m, d;
        civil_from_days(g->date_lo + (int32_t)i, &y, &m, &d);
        char *p = g->date_text[i];
        p[0] = (char)('0' + y / 1000);
        p[1] = (char)('0' + y / 100 % 10);
        p[2] = (char)('0' + y / 10 % 10);
        p[3] = (char)('0' + y % 10);
        p[4] = '-';
        p[5] = (char)('0' + m / 10);
        p[6] = (char)('0' + m % 10);
        p[7] = '-';
        p[8] = (char)('0' + d / 10);
        p[9] = (char)('0' + d % 10);
    }
    init_event_weights(g);
    return 0;
}

/* ---- building one case ----------------------------------------------------- */

/* A plausible age on S for someone starting on benefit b, with a few
 * contradictions on purpose (rules.md: visitation warnings). */
static int draw_age(rng *r, int b) {
    switch (b) {
    case DP: return between(r, 20, 64);
    case KH:
        if (chance(r, 850)) return between(r, 30, 64);
        return between(r, 18, 29); /* young: needs vocational education, or a contradiction */
    case UH:
        if (chance(r, 20)) return 17; /* under 18: exempt.under18 territory */
        if (chance(r, 960)) return between(r, 18, 29);
        return between(r, 30, 34); /* contradiction: too old for uddannelseshjælp */
    case IY: return between(r, 18, 55);
    case SDP: return between(r, 20, 66);
    case REV: return between(r, 22, 60);
    case FP: return between(r, 35, 66);
    case RF: return between(r, 25, 60);
    case JAF: return between(r, 28, 64);
    case LY: return between(r, 30, 66);
    case AMY: return between(r, 30, 64);
    default: return between(r, 40, 64); /* kontantydelse */
    }
}

/* Categories of a period: the visitation set depends on the benefit and,
 * for integrationsydelse, on age and education (rules.md, groups). */
static void draw_categories(rng *r, const gcase *c, period *p, int32_t until) {
    int uh_set;
    if (p->ben == KH)
        uh_set = 0;
    else if (p->ben == UH)
        uh_set = 1;
    else if (p->ben == IY)
        uh_set = age_on(c->birth, p->start) < 30 && !c->vocational;
    else {
        p->ncat = 0;
        return;
    }
    if (chance(r, 30)) { /* visitation not recorded yet */
        p->ncat = 0;
        return;
    }
    static const uint16_t kh_w[] = {0, 600, 400, 0, 0};
    static const uint16_t uh_w[] = {0, 0, 300, 250, 450};
    const uint16_t *w = uh_set ? uh_w : kh_w;
    p->ncat = 1;
    p->cat_from[0] = p->from;
    p->cat[0] = (uint8_t)pick(r, w, 5);
    if (chance(r, 200)) { /* re-visitation later in the period */
        int32_t end = p->to != NO_DATE && p->to < until ? p->to : until;
        int32_t d = p->from + between(r, 30, 300);
        if (d <= end) {
            uint8_t k;
            do k = (uint8_t)pick(r, w, 5);
            while (k == p->cat[0]);
            p->cat_from[1] = d;
            p->cat[1] = k;
            p->ncat = 2;
        }
    }
}

/* The benefit after a change of benefit (ydelsesskift), by what usually follows. */
static int next_benefit(rng *r, const gcase *c, int b, int32_t day) {
    const int age = age_on(c->birth, day);
    switch (b) {
    case DP: {
        static const int to[] = {KH, SDP, LY, AMY};
        int k = to[below(r, 4)];
        if (k == KH && age < 30 && !c->vocational) k = UH;
        return k;
    }
    case KH: {
        static const int to[] = {RF, REV, DP, SDP, JAF, FP};
        return to[below(r, 6)];
    }
    case UH: return age >= 30 || chance(r, 500) ? KH : DP;
    case IY: return age >= 30 || c->vocational ? KH : UH;
    case SDP: {
        static const int to[] = {JAF, DP, KH, REV};
        return to[below(r, 4)];
    }
    case RF: return chance(r, 500) ? FP : LY;
    case JAF: return chance(r, 600) ? RF : SDP;
    case REV: return chance(r, 600) ? DP : LY;
    case LY: return FP;
    case AMY: case KY: return KH;
    default: return b; /* førtidspension: stays */
    }
}

/* Days to the next conversation: the rhythm of the benefit in its first six
 * months (roughly monthly for dagpenge, kontant- and uddannelseshjælp) and a
 * slower one after. */
static int32_t conv_gap(rng *r, int b, int32_t since_start) {
    const int early = since_start < 183;
    switch (b) {
    case DP: return early ? between(r, 18, 45) : between(r, 45, 120);
    case KH: case UH: case IY: return early ? between(r, 20, 60) : between(r, 45, 120);
    case SDP: return early ? between(r, 25, 50) : between(r, 40, 100);
    case FP: return between(r, 120, 365);
    default: return early ? between(r, 30, 75) : between(r, 60, 120);
    }
}

/* The period in force on day d (or the last one begun before it). */
static const period *period_on(const gcase *c, int32_t d) {
    const period *p = &c->per[0];
    for (int i = 1; i < c->nper; i++)
        if (c->per[i].start <= d) p = &c->per[i];
    return p;
}

static void add_event(rng *r, const gen *g, gcase *c, int type, const period *p) {
    if (c->nev >= MAX_EVENTS) return;
    event *e = &c->ev[c->nev++];
    const int32_t end = p->to != NO_DATE && p->to < c->as_of ? p->to : c->as_of;
    int32_t d = between(r, p->from, end > p->from ? end : p->from);
    memset(e, 0, sizeof *e);
    e->type = (uint8_t)type;
    e->starts = NO_DATE;
    switch (type) {
    case E_CV_OPRETTET: case E_CV_GODKENDT: d = p->from + between(r, 0, 30); break;
    case E_CV_SAMTALE: d = p->from + between(r, 0, 20); break;
    case E_TEST: d = p->start + between(r, 0, 45); break;
    case E_KOORD: /* with the start of an aktivitetsparat visitation, if any */
        d = p->from;
        for (int i = 0; i < p->ncat; i++)
            if (p->cat[i] == AKTIVITETSPARAT) d = p->cat_from[i];
        d += between(r, 0, 14);
        break;
    case E_JOBSTART: e->what = (uint8_t)below(r, 6); break;
    case E_FRITAGET: {
        const int age = age_on(c->birth, d);
        if (age < 18 && (p->ben == KH || p->ben == UH))
            e->reason = R_UNDER18;
        else if (is_kh_like(p->ben) && chance(r, 350))
            e->reason = R_PENSION;
        else
            e->reason = R_MINDRE;
        break;
    }
    default: break;
    }
    if (chance(r, 30)) d = c->as_of + between(r, 1, 60); /* recorded after as_of: ignored */
    e->from = clampd(g, d);
    e->to = NO_DATE;
    if (type == E_KONTRAKT) e->starts = clampd(g, e->from + between(r, 1, 60));
    if (!event_dated[type]) {
        /* Some are still running; the rest last a plausible time. */
        const uint32_t ongoing = type == E_ALVORLIG ? 200 : type == E_FRITAGET ? 250 : 100;
        if (!chance(r, ongoing))
            e->to = clampd(g, e->from + between(r, event_dur[type][0], event_dur[type][1]));
    }
}

static void build_case(const gen *g, uint64_t index, gcase *c) {
    const int dense = g->mix == KS_SYNTH_MIX_DENSE;
    rng r = {mix64(g->seed ^ mix64(index * 0xd1b54a32d192ed03ULL + 0x2545f4914f6cdd1dULL))};
    memset(c, 0, offsetof(gcase, per));
    c->index = index;
    c->jobcenter = 1 + (int)below(&r, (uint32_t)g->jobcenters);
    c->caseworker = 1 + (int)below(&r, 40);
    c->write_false = chance(&r, 500);
    c->akasse = -1;

    /* The first course: its benefit, its start S and the person. */
    const int b0 = pick(&r, ben_weight, NBEN);
    const int32_t s0 = chance(&r, 10) ? between(&r, g->s_pre, g->s_lo - 1)
                                      : between(&r, g->s_lo, g->s_hi);
    const int age = draw_age(&r, b0);
    {
        int y, m, d;
        civil_from_days(s0, &y, &m, &d);
        /* A birthday uniformly in the year before the age was reached. */
        const int32_t reached = days_from_civil(y - age, m, d > 28 ? 28 : d);
        c->birth = clampd(g, reached - between(&r, 0, 364));
    }
    const int real_age = age_on(c->birth, s0);
    switch (b0) {
    case UH: /* mostly no vocational education; a few contradictions */
        c->vocational = chance(&r, 30);
        c->youth = real_age >= 18 && chance(&r, 400);
        break;
    case KH: case IY:
        c->vocational = real_age < 30 ? chance(&r, b0 == KH ? 800 : 150) : chance(&r, 350);
        c->youth = c->vocational || chance(&r, 500);
        break;
    case DP:
        c->vocational = chance(&r, 750);
        c->youth = c->vocational || (real_age >= 25 ? chance(&r, 700) : chance(&r, 550));
        break;
    default:
        c->vocational = chance(&r, 550);
        c->youth = c->vocational || chance(&r, 650);
        break;
    }
    c->repatriering = chance(&r, b0 == IY ? 60 : 5);

    /* as_of: months after the start, sometimes years. */
    int32_t span;
    const uint32_t sp = below(&r, 1000);
    if (dense)
        span = between(&r, 250, 1000); /* room for 5-10 conversations */
    else if (sp < 300)
        span = between(&r, 10, 183);
    else if (sp < 700)
        span = between(&r, 183, 730);
    else
        span = between(&r, 730, 2200);
    int32_t as_of = s0 + span;
    if (as_of > g->as_of_cap) as_of = g->as_of_cap;
    c->as_of = as_of;

    /* Benefit periods: 1-3, with gaps and changes of benefit. */
    const uint32_t np = below(&r, 1000);
    const int want = dense ? 1 + (np >= 200) + (np >= 700) : np < 620 ? 1 : np < 880 ? 2 : 3;
    int32_t s = s0;
    int b = b0;
    for (int i = 0; i < want; i++) {
        period *p = &c->per[c->nper++];
        memset(p, 0, sizeof *p);
        p->ben = (uint8_t)b;
        p->start = s;
        p->from = s;
        p->first_inquiry = p->first_sick_day = NO_DATE;
        if (has_inquiry(b)) {
            /* Payment often starts a few days after the first inquiry. */
            if (chance(&r, 400)) p->from = s + between(&r, 1, 10);
            if (p->from != s || chance(&r, 500)) p->first_inquiry = s;
        } else if (b == SDP && chance(&r, 600)) {
            p->from = s + between(&r, 0, 30); /* employer's period first */
            p->first_sick_day = s;
        }
        p->to = NO_DATE;
        const int32_t len = between(&r, 20, 540);
        const int last = i == want - 1 || p->from + len >= as_of - 10;
        if (last) {
            if (chance(&r, 250)) { /* ended: mostly before as_of */
                p->to = p->from + len;
                if (p->to > as_of && chance(&r, 700)) p->to = between(&r, p->from, as_of);
                p->to = clampd(g, p->to);
            } else {
                p->to_null = (uint8_t)chance(&r, 500);
            }
            draw_categories(&r, c, p, as_of);
            break;
        }
        p->to = p->from + len;
        draw_categories(&r, c, p, as_of);
        const uint32_t t = below(&r, 1000);
        if (t < 380) { /* short gap: the same course goes on */
            s = p->to + between(&r, 1, 30);
        } else if (t < 620) { /* long gap: a new course on the same benefit */
            s = p->to + between(&r, 31, 400);
        } else { /* change of benefit */
            s = p->to + between(&r, 1, 21);
            b = next_benefit(&r, c, b, s);
        }
        if (s > as_of) break;
    }

    /* Events first: conversations avoid leave and follow stand-by. */
    c->nev = 0;
    {
        static const uint16_t nw[] = {250, 250, 200, 150, 100, 50};
        const int n = dense ? between(&r, 3, 5) : pick(&r, nw, 6);
        for (int i = 0; i < n; i++) {
            const period *p = &c->per[below(&r, (uint32_t)c->nper)];
            add_event(&r, g, c, pick(&r, g->event_weight[p->ben], NEVENT), p);
        }
        /* Under 18 on kontant- or uddannelseshjælp: usually exempt. */
        if (real_age < 18 && (b0 == UH || b0 == KH) && chance(&r, 700) && c->nev < 5) {
            event *e = &c->ev[c->nev++];
            memset(e, 0, sizeof *e);
            e->type = E_FRITAGET;
            e->reason = R_UNDER18;
            e->from = c->per[0].from;
            e->to = clampd(g, c->birth + 366 * 18 > e->from ? c->birth + 366 * 18 : e->from);
            e->starts = NO_DATE;
        }
    }

    /* Conversations: 0-20, at the rhythm of the benefit in force. */
    c->nconv = 0;
    const int nmax = dense ? between(&r, 5, 10) : chance(&r, 60) ? 0 : between(&r, 1, 20);
    int32_t d = s0 + (chance(&r, 800) ? between(&r, 0, 10) : between(&r, 10, 60));
    uint8_t barsel_told = 0;
    while (c->nconv < nmax && d <= as_of) {
        const period *p = period_on(c, d);
        if (p->to != NO_DATE && d > p->to) {
            /* Off benefit: wait for the next period, or stop once the last
             * has ended (a stray conversation now and then). */
            if (p + 1 < c->per + c->nper) {
                d = p[1].start + between(&r, 0, 10);
                continue;
            }
            if (!chance(&r, 100)) break;
        }
        /* Nobody is called in during leave: resume after it. */
        int skip = 0, standby = 0, barsel_end_near = 0;
        for (int i = 0; i < c->nev; i++) {
            const event *e = &c->ev[i];
            if (e->from > d || (e->to != NO_DATE && e->to < d)) continue;
            if (e->type == E_BARSEL) {
                if (e->to == NO_DATE) {
                    skip = 2;
                } else if (e->to - d > 90) {
                    d = e->to + between(&r, 1, 20);
                    skip = 1;
                } else {
                    barsel_end_near = 1;
                }
            } else if (e->type == E_ALVORLIG) {
                standby = 1;
            }
        }
        if (skip == 2) break;
        if (skip) continue;
        conversation *cv = &c->conv[c->nconv++];
        cv->date = d;
        if (p->ben == DP) {
            static const uint16_t hw[] = {430, 370, 170, 30};
            cv->holder = (uint8_t)pick(&r, hw, NHOLDER);
        } else {
            static const uint16_t hw[] = {870, 5, 20, 105};
            cv->holder = (uint8_t)pick(&r, hw, NHOLDER);
        }
        cv->form = standby && chance(&r, 600) ? F_UDEN : (uint8_t)pick(&r, form_weight, NFORM);
        cv->held = !chance(&r, 50);
        cv->held_explicit = cv->held ? (uint8_t)chance(&r, 200) : 1;
        cv->ntopic = 0;
        if (barsel_end_near && !barsel_told && chance(&r, 600)) {
            cv->topic[cv->ntopic++] = T_BARSEL;
            barsel_told = 1;
        }
        if (cv->ntopic == 0 && chance(&r, 100)) {
            int t;
            const uint32_t x = below(&r, 100);
            if (c->repatriering && x < 30)
                t = T_REPAT;
            else if (p->ben == DP)
                t = x < 40 ? T_SEKS : x < 65 ? T_INTENS : x < 90 ? T_TEST : T_BARSEL;
            else if (p->ben == KH || p->ben == UH || p->ben == IY)
                t = x < 60 ? T_225 : x < 85 ? T_TEST : T_BARSEL;
            else
                t = x < 60 ? T_TEST : T_BARSEL;
            cv->topic[cv->ntopic++] = (uint8_t)t;
            if (chance(&r, 150) && t != T_TEST) cv->topic[cv->ntopic++] = T_TEST;
        }
        d += conv_gap(&r, p->ben, d - p->start);
    }
    /* A few recorded after as_of (the engine ignores them). */
    if (c->nconv < 20 && chance(&r, 30)) {
        conversation *cv = &c->conv[c->nconv++];
        memset(cv, 0, sizeof *cv);
        cv->date = clampd(g, as_of + between(&r, 1, 30));
        cv->form = F_FREMMOEDE;
        cv->held = 1;
    }
    /* Input order is not guaranteed: now and then two are swapped. */
    if (c->nconv >= 2 && chance(&r, 50)) {
        const int i = (int)below(&r, (uint32_t)c->nconv - 1);
        conversation tmp = c->conv[i];
        c->conv[i] = c->conv[i + 1];
        c->conv[i + 1] = tmp;
    }
}


/* ---- the law of the case's own dates (rules.md g2025a, g2025b, g2026) ---- */

/* A uddannelseshjælp or integrationsydelse period running on 2025-07-01 ends
 * on 2025-06-30 and goes on as kontanthjælp from 2025-07-01 with the same
 * visitation (rules.md: the conversion, not a new course). Without room for
 * another period it simply runs on, which is valid too. */
static void convert_uh(const gen *g, gcase *c, int i) {
    if (c->nper >= MAX_PERIODS) return;
    memmove(&c->per[i + 2], &c->per[i + 1], (size_t)(c->nper - i - 1) * sizeof c->per[0]);
    c->nper++;
    period *old = &c->per[i], *kh = &c->per[i + 1];
    *kh = *old; /* to, to_null */
    kh->ben = KH;
    kh->from = kh->start = g->uh_end;
    kh->first_inquiry = kh->first_sick_day = NO_DATE;
    kh->ncat = 0;
    int keep = 0;
    for (int k = 0; k < old->ncat; k++) {
        if (old->cat_from[k] < g->uh_end) { /* in force on 2025-06-30: carried over */
            kh->cat_from[0] = g->uh_end;
            kh->cat[0] = old->cat[k];
            kh->ncat = 1;
            keep = k + 1;
        } else if (kh->ncat < 2) { /* a later re-visitation moves with it */
            kh->cat_from[kh->ncat] = old->cat_from[k];
            kh->cat[kh->ncat++] = old->cat[k];
        }
    }
    old->ncat = (uint8_t)keep;
    old->to = g->uh_end - 1;
    old->to_null = 0;
}

static event *new_event(gcase *c, int type, int32_t date) {
    if (c->nev >= MAX_EVENTS || date > c->as_of) return NULL;
    event *e = &c->ev[c->nev++];
    memset(e, 0, sizeof *e);
    e->type = (uint8_t)type;
    e->from = date;
    e->to = e->starts = NO_DATE;
    return e;
}

/* Makes the case what the law of its dates allows, after it has been moved
 * in time (the dates decide): no uddannelseshjælp or integrationsydelse
 * starting from 2025-07-01 (kontanthjælp with the uh categories instead),
 * the sygedagpenge exemptions of g2025a and g2026, a-kasse ids on dagpenge,
 * and now and then a concrete judgement (undtaget_konkret_vurdering) on a
 * g2026 course with quota duties. Its own random stream, so build_case's
 * draws stay as they were. */
static void follow_law(const gen *g, uint64_t index, gcase *c) {
    rng r = {mix64(g->seed ^ mix64(index * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL))};
    for (int i = 0; i < c->nper; i++) {
        period *p = &c->per[i];
        if (p->ben != UH && p->ben != IY) continue;
        if (p->from >= g->uh_end)
            p->ben = KH; /* its categories start on `from`, so on or after 2025-07-01 */
        else if (c->as_of >= g->uh_end && (p->to == NO_DATE || p->to >= g->uh_end))
            convert_uh(g, c, i++);
    }
    int has_dp = 0;
    for (int i = 0; i < c->nper; i++) {
        const period *p = &c->per[i];
        has_dp |= p->ben == DP;
        if (p->ben == SDP && p->start >= g->d2026 && chance(&r, 150)) {
            /* employed, expected back within 26 weeks: no follow-up */
            event *e = new_event(c, E_FRITAGET, p->start + between(&r, 0, 10));
            if (e) {
                e->reason = R_SDP_JOB26;
                if (chance(&r, 400)) e->to = e->from + between(&r, 20, 150);
            }
        } else if (p->ben == SDP && p->start >= g->d2025a && chance(&r, 200)) {
            /* a short, predictable course: the first conversation only */
            event *e = new_event(c, E_FRITAGET, p->start + between(&r, 7, 40));
            if (e) {
                e->reason = R_SDP_KORT;
                if (chance(&r, 500)) e->to = e->from + between(&r, 30, 90);
            }
        }
        /* A concrete judgement on a g2026 course with quota duties: dp (by
         * the a-kasse or the jobcentre), kh jobparat, uh, ly. */
        int quota = p->ben == DP || p->ben == LY ||
                    (p->ben == KH && p->ncat && p->cat[0] != AKTIVITETSPARAT);
        if (quota && p->start >= g->d2026 && chance(&r, 120)) {
            event *e = new_event(c, E_UNDTAGET, p->start + between(&r, 5, 75));
            if (e) {
                e->holder = (uint8_t)(p->ben == DP && chance(&r, 550) ? H_A_KASSE : H_JOBCENTER);
                if (chance(&r, 200)) { /* revoked later */
                    const int32_t to = e->from + between(&r, 10, 120);
                    if (to <= c->as_of) e->to = to;
                }
            }
        }
    }
    c->akasse = has_dp && chance(&r, 970) ? pick(&r, akasse_weight, NAKASSE) : -1;
}

/* ---- output ------------------------------------------------------------ */

typedef struct out {
    char *buf;
    size_t len;
} out;

static void put(out *o, const char *s, size_t n) {
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}
#define PUTL(o, lit) put((o), (lit), sizeof(lit) - 1)

static void put_str(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_date(out *o, const gen *g, int32_t d) {
    if (d < g->date_lo) d = g->date_lo; /* unreachable: dates are clamped */
    if (d > g->date_hi) d = g->date_hi;
    o->buf[o->len++] = '"';
    memcpy(o->buf + o->len, g->date_text[d - g->date_lo], 10);
    o->len += 10;
    o->buf[o->len++] = '"';
}

/* Decimal, at least `width` digits, zero-padded. */
static void put_uint(out *o, uint64_t v, int width) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) tmp[n++] = '0';
    while (n) o->buf[o->len++] = tmp[--n];
}

static void put_bool_field(out *o, const char *key, size_t keylen, int v, int write_false) {
    if (!v && !write_false) return;
    put(o, key, keylen);
    if (v)
        PUTL(o, "true");
    else
        PUTL(o, "false");
}
#define BOOLF(o, lit, v, wf) put_bool_field((o), (lit), sizeof(lit) - 1, (v), (wf))

static void write_case(out *o, const gen *g, const gcase *c) {
    PUTL(o, "{\"id\":\"gen-");
    put_uint(o, c->index, 6);
    PUTL(o, "\",\"jobcenter\":\"jc-");
    put_uint(o, (uint64_t)c->jobcenter, 2);
    PUTL(o, "\",\"caseworker\":\"cw-");
    put_uint(o, (uint64_t)c->jobcenter, 2);
    o->buf[o->len++] = '-';
    put_uint(o, (uint64_t)c->caseworker, 3);
    PUTL(o, "\",\"as_of\":");
    put_date(o, g, c->as_of);
    PUTL(o, ",\"person\":{\"birth_date\":");
    put_date(o, g, c->birth);
    BOOLF(o, ",\"youth_education\":", c->youth, c->write_false);
    BOOLF(o, ",\"vocational_education\":", c->vocational, c->write_false);
    BOOLF(o, ",\"repatriering\":", c->repatriering, 0);
    PUTL(o, "},\"benefits\":[");
    for (int i = 0; i < c->nper; i++) {
        const period *p = &c->per[i];
        if (i) o->buf[o->len++] = ',';
        PUTL(o, "{\"benefit\":\"");
        put_str(o, ben_name[p->ben]);
        PUTL(o, "\",\"from\":");
        put_date(o, g, p->from);
        if (p->to != NO_DATE) {
            PUTL(o, ",\"to\":");
            put_date(o, g, p->to);
        } else if (p->to_null) {
            PUTL(o, ",\"to\":null");
        }
        if (p->ben == DP && c->akasse >= 0) {
            PUTL(o, ",\"a_kasse\":\"");
            put_str(o, akasse_name[c->akasse]);
            o->buf[o->len++] = '"';
        }
        if (p->first_inquiry != NO_DATE) {
            PUTL(o, ",\"first_inquiry\":");
            put_date(o, g, p->first_inquiry);
        }
        if (p->first_sick_day != NO_DATE) {
            PUTL(o, ",\"first_sick_day\":");
            put_date(o, g, p->first_sick_day);
        }
        if (p->ncat) {
            PUTL(o, ",\"categories\":[");
            for (int k = 0; k < p->ncat; k++) {
                if (k) o->buf[o->len++] = ',';
                PUTL(o, "{\"from\":");
                put_date(o, g, p->cat_from[k]);
                PUTL(o, ",\"category\":\"");
                put_str(o, cat_name[p->cat[k]]);
                PUTL(o, "\"}");
            }
            o->buf[o->len++] = ']';
        }
        o->buf[o->len++] = '}';
    }
    PUTL(o, "],\"conversations\":[");
    for (int i = 0; i < c->nconv; i++) {
        const conversation *cv = &c->conv[i];
        if (i) o->buf[o->len++] = ',';
        PUTL(o, "{\"date\":");
        put_date(o, g, cv->date);
        PUTL(o, ",\"holder\":\"");
        put_str(o, holder_name[cv->holder]);
        PUTL(o, "\",\"form\":\"");
        put_str(o, form_name[cv->form]);
        o->buf[o->len++] = '"';
        if (cv->held_explicit) {
            if (cv->held)
                PUTL(o, ",\"held\":true");
            else
                PUTL(o, ",\"held\":false");
        }
        if (cv->ntopic) {
            PUTL(o, ",\"topics\":[");
            for (int k = 0; k < cv->ntopic; k++) {
                if (k) o->buf[o->len++] = ',';
                o->buf[o->len++] = '"';
                put_str(o, topic_name[cv->topic[k]]);
                o->buf[o->len++] = '"';
            }
            o->buf[o->len++] = ']';
        }
        o->buf[o->len++] = '}';
    }
    PUTL(o, "],\"events\":[");
    for (int i = 0; i < c->nev; i++) {
        const event *e = &c->ev[i];
        if (i) o->buf[o->len++] = ',';
        PUTL(o, "{\"type\":\"");
        put_str(o, event_name[e->type]);
        o->buf[o->len++] = '"';
        if (event_dated[e->type]) {
            PUTL(o, ",\"date\":");
            put_date(o, g, e->from);
        } else {
            PUTL(o, ",\"from\":");
            put_date(o, g, e->from);
            if (e->to != NO_DATE) {
                PUTL(o, ",\"to\":");
                put_date(o, g, e->to);
            }
        }
        if (e->type == E_FRITAGET) {
            PUTL(o, ",\"reason\":\"");
            put_str(o, reason_name[e->reason]);
            o->buf[o->len++] = '"';
        } else if (e->type == E_JOBSTART) {
            PUTL(o, ",\"what\":\"");
            put_str(o, jobstart_what[e->what]);
            o->buf[o->len++] = '"';
        } else if (e->type == E_KONTRAKT) {
            PUTL(o, ",\"starts\":");
            put_date(o, g, e->starts);
        } else if (e->type == E_UNDTAGET) {
            PUTL(o, ",\"holder\":\"");
            put_str(o, holder_name[e->holder]);
            o->buf[o->len++] = '"';
            if (e->to != NO_DATE) {
                PUTL(o, ",\"to\":");
                put_date(o, g, e->to);
            }
        }
        o->buf[o->len++] = '}';
    }
    PUTL(o, "]}\n");
}


/* ---- the interface (synth.h) ---------------------------------------------- */

static void shift(int32_t *d, int32_t delta) {
    if (*d != NO_DATE) *d += delta;
}

/* Moves every date of the case by (today - as_of) and drops what would lie
 * in the future: a store knows only what has happened. */
static void move_to_today(gcase *c, int32_t today) {
    const int32_t delta = today - c->as_of;
    shift(&c->as_of, delta);
    shift(&c->birth, delta);
    for (int i = 0; i < c->nper; i++) {
        period *p = &c->per[i];
        shift(&p->from, delta);
        shift(&p->to, delta);
        shift(&p->start, delta);
        shift(&p->first_inquiry, delta);
        shift(&p->first_sick_day, delta);
        for (int k = 0; k < p->ncat; k++) shift(&p->cat_from[k], delta);
    }
    int n = 0;
    for (int i = 0; i < c->nconv; i++) {
        shift(&c->conv[i].date, delta);
        if (c->conv[i].date <= today) c->conv[n++] = c->conv[i];
    }
    c->nconv = n;
    n = 0;
    for (int i = 0; i < c->nev; i++) {
        event *e = &c->ev[i];
        shift(&e->from, delta);
        shift(&e->to, delta);
        shift(&e->starts, delta);
        if (e->from <= today) c->ev[n++] = *e;
    }
    c->nev = n;
}

/* Integrationsydelse's categories belong to the group of the person's age
 * on the period's start (rules.md, groups). Moving a case in time moves the
 * birth and the start by the same number of days, which across a 29
 * February can put the start on the other side of the 30th birthday: the
 * categories drawn for the old dates are then mapped to the new group
 * (jobparat <-> uddannelsesparat; aktivitetsparat is in both). */
static void fit_iy_groups(gcase *c) {
    for (int i = 0; i < c->nper; i++) {
        period *p = &c->per[i];
        if (p->ben != IY) continue;
        const int uh_set = age_on(c->birth, p->start) < 30 && !c->vocational;
        for (int k = 0; k < p->ncat; k++) {
            if (uh_set && p->cat[k] == 1) p->cat[k] = 4;
            else if (!uh_set && p->cat[k] >= 3) p->cat[k] = 1;
        }
    }
}

ks_synth *ks_synth_new(uint64_t seed, int jobcenters, ks_synth_mix mix) {
    if (jobcenters < 1 || jobcenters > 99 || (mix != KS_SYNTH_MIX_DEFAULT && mix != KS_SYNTH_MIX_DENSE))
        return NULL;
    gen *g = malloc(sizeof *g);
    if (!g) return NULL;
    if (init_gen(g, seed, jobcenters)) {
        free(g);
        return NULL;
    }
    g->mix = mix;
    return g;
}

void ks_synth_free(ks_synth *g) {
    if (!g) return;
    free(g->date_text);
    free(g);
}

int ks_synth_today_ok(int32_t today) {
    return today != NO_DATE && today >= days_from_civil(2000, 1, 1) &&
           today <= days_from_civil(2030, 12, 31) - 90;
}

int ks_synth_parse_date(const char *s, int32_t *day) {
    int y, m, d, n = 0;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    const int32_t z = days_from_civil(y, m, d);
    int yy, mm, dd;
    civil_from_days(z, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d) return -1; /* 2026-02-30 */
    *day = z;
    return 0;
}

size_t ks_synth_case(const ks_synth *g, uint64_t index, int32_t today, char *buf,
                     int *caseworker) {
    gcase c;
    build_case(g, index, &c);
    if (today != NO_DATE) {
        move_to_today(&c, today);
        fit_iy_groups(&c);
    }
    follow_law(g, index, &c);
    out o = {buf, 0};
    write_case(&o, g, &c);
    if (caseworker) *caseworker = c.caseworker;
    return o.len;
}
