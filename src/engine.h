/* engine.h -- the engine handle (internal view). */
#ifndef KT_ENGINE_H
#define KT_ENGINE_H

#include "date.h"
#include "rules.h"

#include <stdio.h>

#define KT_MAX_EXEMPTION_ROWS 32
#define KT_MSTART_YEAR 1980
#define KT_MSTART_MONTHS (12 * 100)

struct kt_engine {
    /* first day of each generation, then of law newer than the catalogue */
    kt_date first[KT_N_GENERATIONS + 1];
    /* for each slot, its first row: shape and anchor are the same in all rows */
    const kt_rule *proto[S_COUNT];
    const kt_exemption *exemptions[KT_MAX_EXEMPTION_ROWS];
    int n_exemptions;
    /* Precomputed lookups (kt_engine_new), so that the engine never scans
     * the generation tables per case:
     * row[g][slot][group] = kt_generation_find(&kt_generations[g], slot, group) */
    const kt_rule *row[KT_N_GENERATIONS][S_COUNT][G_COUNT];
    /* binds[slot]: groups for which some generation has a row of the slot */
    uint16_t binds[S_COUNT];
    /* has_x[g]: bit k set if generation g has exemptions[k] */
    uint32_t has_x[KT_N_GENERATIONS];
    /* slots[group]: the slots, in order, that some generation binds the group by */
    uint8_t slots[G_COUNT][S_COUNT];
    int n_slots[G_COUNT];
    /* run[g][group]: slots[group] without the slots evaluated only from S
     * (single windows and dp.monthly anchored at S) that generation g has
     * no row of for the group: those would be looked up to do nothing */
    uint8_t run[KT_N_GENERATIONS][G_COUNT][S_COUNT];
    uint8_t n_run[KT_N_GENERATIONS][G_COUNT];
    /* x_by_event[type]: bit k set if exemptions[k] is about events of the type */
    uint32_t x_by_event[EV_COUNT];
    /* mstart[k]: the first day of month k counted from January of
     * KT_MSTART_YEAR, and one more (the end of the last month) */
    kt_date mstart[KT_MSTART_MONTHS + 1];
    /* holiday[k]: bit d set if day d of the years KT_MSTART_YEAR.. is a
     * holiday (kt_is_holiday), for the deadline warnings */
    uint64_t holiday[(KT_MSTART_MONTHS / 12 * 366 + 63) / 64 + 1];
    /* the generations' names, as a plan keeps them */
    const char *gen_names[KT_N_GENERATIONS];
};

/* kt_is_closed_day(d), by the engine's table of holidays where it has one */
static inline bool kt_engine_closed_day(const kt_engine *e, kt_date d) {
    int w = (d + 3) % 7; /* kt_weekday: 1970-01-01 was a Thursday */
    if (w < 0) w += 7;
    if (w >= 5) return true;
    unsigned k = (unsigned)(d - e->mstart[0]);
    if (k < (unsigned)(e->mstart[KT_MSTART_MONTHS] - e->mstart[0])) return (e->holiday[k / 64] >> (k % 64)) & 1u;
    return kt_is_holiday(d);
}

/* kt_add_months_ymd(y, m, day, n) (day >= 1), by the table for common years */
static inline kt_date kt_engine_add_months(const kt_engine *e, int y, int m, int day, int n) {
    int k = (y - KT_MSTART_YEAR) * 12 + (m - 1) + n;
    if (k >= 0 && k < KT_MSTART_MONTHS) {
        kt_date a = e->mstart[k];
        int dim = e->mstart[k + 1] - a;
        return a + (day < dim ? day : dim) - 1;
    }
    return kt_add_months_ymd(y, m, day, n);
}

int kt_engine_generation_on(const kt_engine *e, kt_date d, bool *beyond);
/* The same, inline: the generation in force on d, or -1 before the catalogue. */
static inline int kt_engine_gen_on(const kt_engine *e, kt_date d, bool *beyond) {
    if (beyond) *beyond = d >= e->first[KT_N_GENERATIONS];
    /* first[] ascends: the count of first days on or before d, less one */
    int g = -1;
    for (int i = 0; i < KT_N_GENERATIONS; i++) g += d >= e->first[i];
    return g;
}

#endif
