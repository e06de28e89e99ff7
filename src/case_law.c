/* case_law.c -- the input rules that depend on the law, for both readers
 * (json_in.c reports them with pointers; case_reader.c gives up on them). */
#include "date.h"
#include "model.h"

const char *kt_benefit_problem(int benefit, kt_date from, const char **expected) {
    if ((benefit == B_UDDANNELSESHJAELP || benefit == B_INTEGRATIONSYDELSE) &&
        from != KT_NO_DATE && from >= KT_DAY_2025_07_01) {
        *expected = "kontanthjaelp with the category the person is visited to (uddannelseshjaelp "
                    "and integrationsydelse end on 2025-06-30, lov 1655/2024)";
        return "no such benefit for a period starting on or after 2025-07-01";
    }
    return NULL;
}

const char *kt_category_problem(int benefit, int cat, kt_date cat_from, kt_date period_S,
                                kt_date birth, bool vocational, const char **expected) {
    bool kh = cat == C_JOBPARAT || cat == C_AKTIVITETSPARAT;
    bool uh = cat == C_AABENLYST || cat == C_UDDANNELSESPARAT || cat == C_AKTIVITETSPARAT;
    switch (benefit) {
    case B_KONTANTHJAELP:
        if (kh) return NULL;
        if (uh && cat_from != KT_NO_DATE && cat_from >= KT_DAY_2025_07_01) return NULL;
        *expected = "jobparat or aktivitetsparat (kontanthjaelp); from 2025-07-01 also "
                    "aabenlyst_uddannelsesparat or uddannelsesparat";
        return uh ? "category not valid on kontanthjaelp before 2025-07-01"
                  : "category does not belong to the benefit";
    case B_UDDANNELSESHJAELP:
        if (uh) return NULL;
        *expected = "aabenlyst_uddannelsesparat, uddannelsesparat or aktivitetsparat (uddannelseshjaelp)";
        return "category does not belong to the benefit";
    case B_INTEGRATIONSYDELSE: {
        if (birth == KT_NO_DATE || period_S == KT_NO_DATE) return NULL; /* reported elsewhere */
        /* the group follows age and education on S (rules.md, groups) */
        bool kh_group = vocational || kt_age_on(birth, period_S) >= 30;
        if (kh_group ? kh : uh) return NULL;
        *expected = kh_group ? "jobparat or aktivitetsparat (integrationsydelse, 30 or older on "
                               "the start or with vocational education)"
                             : "aabenlyst_uddannelsesparat, uddannelsesparat or aktivitetsparat "
                               "(integrationsydelse, under 30 on the start without vocational "
                               "education)";
        return "category of the other group for this person's age and education";
    }
    default:
        *expected = "no categories: only kontanthjaelp, uddannelseshjaelp and integrationsydelse have them";
        return "category does not belong to the benefit";
    }
}
