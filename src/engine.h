/* engine.h -- the engine handle (internal view). */
#ifndef KT_ENGINE_H
#define KT_ENGINE_H

#include "rules.h"

#include <stdio.h>

#define KT_MAX_EXEMPTION_ROWS 32

struct kt_engine {
    /* first day of each generation, then of law newer than the catalogue */
    kt_date first[KT_N_GENERATIONS + 1];
    /* for each slot, its first row: shape and anchor are the same in all rows */
    const kt_rule *proto[S_COUNT];
    const kt_exemption *exemptions[KT_MAX_EXEMPTION_ROWS];
    int n_exemptions;
};

int kt_engine_generation_on(const kt_engine *e, kt_date d, bool *beyond);

#endif
