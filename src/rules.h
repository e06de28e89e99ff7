/*
 * rules.h -- the rule catalogue (spec/rules.md) as data.
 *
 * Each generation of the law is one table of rule rows plus its exemptions
 * and its contact-form regime. A row says who a rule binds, how its window is
 * drawn, what fulfils it and where it stands in the law. The engine
 * interprets rows by their `shape` and `anchor`; adding a law change means
 * adding rows (and a generation), not editing the engine, as long as the new
 * rule has a shape the engine knows.
 */
#ifndef KT_RULES_H
#define KT_RULES_H

#include "model.h"

/* Slots: one per rule id, so that "conversations counted by rule X do not
 * count here" is a bit test. Rows of different generations that share an
 * id share its slot. */
typedef enum {
    S_KH_FIRST, S_UH_FIRST, S_KH_EXTRA, S_UH_EXTRA, S_KH_ONGOING, S_UH_ONGOING,
    S_DP_CV_SAMTALE, S_DP_FIRST, S_DP_MONTHLY, S_DP_QUARTERLY, S_DP_FAELLES_5_6,
    S_DP_FAELLES_3_6, S_DP_A_KASSE_FIRST, S_DP_A_KASSE, S_DP_JOBCENTER, S_DP_INTENSIVERET,
    S_ALL_FOUR_IN_SIX, S_SDP_FIRST, S_SDP_FOUR_IN_SIX, S_REV_ONGOING, S_LY_ONGOING,
    S_RF_ONGOING, S_FP_RET, S_KH_KOORD, S_UH_KOORD, S_KH_BARSEL, S_DP_TEST, S_DP_TEST_TILBUD,
    S_KH_TEST_TILBUD, S_UH_TEST, S_ALL_CV, S_KH_VEJL_225, S_ALL_VEJL_REPAT, S_DP_VEJL_6_UGER,
    S_DP_A_KASSE_75, S_DP_KOMMUNE_75, S_ALL_FOUR_IN_SIX_75, S_LY_FIRST,
    S_COUNT
} kt_slot;
#define SB(s) (1ull << (s))

typedef enum { K_SAMTALE, K_TILBUD, K_TEST, K_CV, K_KOORD, K_VEJLEDNING, K_COUNT } kt_kind;
extern const char *const kt_kind_names[K_COUNT];

/* How occurrences of a rule are laid out. */
typedef enum {
    SH_SINGLE,  /* one window; `required` fulfilments; late ones count */
    SH_TWELVE,  /* `required` in each consecutive 12-month window; never late */
    SH_RECUR,   /* a chain: each next at the latest `months` after the last */
    SH_MONTHLY, /* one each month `first_month`..`last_month`, 14 days' grace */
} kt_shape;

/* What a window is counted from. */
typedef enum {
    A_S,              /* the course's start S */
    A_EVENT,          /* each `anchor_event` in the course (its date) */
    A_CATEGORY_START, /* each day a period of category `cats` starts */
    A_BARSEL_END,     /* each barsel event: [end - 3 months, end] */
    A_AFTER_FIRST,    /* the day after the conversation that met `first_slot` */
    A_AFTER_6M,       /* the last conversation in the first 6 months, or its end */
} kt_anchor;

typedef enum { CLK_BENEFIT, CLK_CALENDAR } kt_clock;

/* Who a rule binds, beyond its group: requirements on the person. */
enum {
    NEED_NO_YOUTH_EDU = 1,      /* without ungdomsuddannelse */
    NEED_NO_VOCATIONAL_EDU = 2, /* without erhvervskompetencegivende uddannelse */
    NEED_REPATRIERING = 4,
};

enum {
    F_FIRST_OF_COURSE = 1, /* the course's first conversation: only in person from g2023 */
    F_NO_DEADLINE = 2,     /* a right with no deadline (fp.ret): window.to null */
    F_UNTIL_JC_CONV = 4,   /* deadline: the first jobcentre conversation after the anchor */
    F_PROVISIONAL = 8,     /* rests on summaries of the law, not its text (rules.md) */
};

typedef struct kt_rule {
    const char *id;
    uint8_t slot, kind, shape, anchor, clock;
    uint8_t anchor_event;  /* A_EVENT */
    uint8_t first_slot;    /* A_AFTER_FIRST */
    /* Window [anchor + from_months, anchor + to_months + to_days]. */
    int8_t from_months, to_months;
    int16_t to_days;
    uint8_t months;        /* SH_RECUR interval */
    uint8_t first_month, last_month; /* SH_MONTHLY */
    uint8_t required;      /* conversations (or 1 for an event/topic) */
    /* who */
    uint16_t groups;       /* GB() set */
    uint8_t cats;          /* CB() set of categories on the window's first day; 0 = any */
    int8_t min_age, below_age; /* on S; -1 = no bound */
    uint8_t needs;         /* NEED_* */
    /* what fulfils it */
    uint8_t holders;       /* holders as the rule names them (KT_HOLDER_* bits) */
    bool by_conversations; /* held conversations count toward `required` */
    int8_t met_topic;      /* a held conversation with this topic, or -1 */
    int8_t met_event;      /* an event of this type, or -1 */
    uint64_t excludes;     /* conversations counted by these slots do not count */
    uint8_t flags;
    int8_t quota;          /* a quota rule (g2026): the holder (KT_HOLDER_*) it counts for; -1 none */
    const char *law, *seed, *why;
} kt_rule;

/* Exemptions (rules.md): while one applies the benefit clock stops, and a
 * conversation duty whose deadline falls in it is `exempt`. */
typedef enum { X_AS_IS, X_BEFORE_28, X_CONTRACT, X_WEEK_26 } kt_xform;

typedef struct kt_exemption {
    const char *id;
    uint16_t groups;
    uint8_t event;  /* kt_event_type */
    uint8_t reason; /* for fritaget, else R_NONE */
    uint8_t xform;  /* X_BEFORE_28: the 28 days before the event; X_CONTRACT: [D, W] if W-D <= 28;
                       X_WEEK_26: ends at the latest S + 181 days */
    const char *law, *seed;
    /* The exemptions that do not stop the clock (rules.md, exemptions): they
     * cover only these slots, or with by_quota the quota rules of the
     * event's holder; 0 and false: a stopping exemption of every samtale. */
    uint64_t only_slots;
    bool by_quota;
} kt_exemption;

/* Contact forms: the regime of a generation. */
typedef enum {
    FORMS_IN_PERSON, /* g2014-g2020: in person, with listed exceptions */
    FORMS_FIRST_IN_PERSON, /* g2023 on: the first in person, then the person chooses */
} kt_form_regime;

typedef struct kt_generation {
    const char *name;
    kt_date default_first; /* filled at start-up from the y/m/d below */
    int year, month, day;
    const char *law, *what;
    const kt_rule *const *rules;
    size_t n_rules;
    const kt_exemption *const *exemptions;
    size_t n_exemptions;
    uint8_t form_regime;
    /* g2014-g2020: uh categories that may use any form */
    uint8_t any_form_cats;
    /* stand-by (uden_kontakt while alvorlig_sygdom applies) for: */
    bool standby_everyone;
    uint16_t standby_groups;    /* groups whatever the category */
    uint8_t standby_kh_uh_cats; /* kh and uh in these categories */
    uint16_t standby_benefits;  /* these benefits (jobafklaringsforloeb) */
    bool provisional;           /* the generation rests on summaries of the law */
} kt_generation;

/* The generations in order, and the first day of law newer than them. */
#define KT_N_GENERATIONS 8
extern const kt_generation kt_generations[KT_N_GENERATIONS];
/* The expected new main act (rules.md): days from it follow g2026 with a
 * warning; its first day can be moved under this name. */
#define KT_BEYOND_NAME "g2027"
#define KT_BEYOND_YEAR 2027
#define KT_BEYOND_MONTH 1
#define KT_BEYOND_DAY 1
#define KT_GEN_G2026 7 /* index of g2026 (no new ressourceforløb or revalidering) */

/* The row of `slot` in generation g that binds `group` (a slot may have
 * rows for different groups in one generation, as all.cv does), or NULL.
 * group -1: any row of the slot. */
const kt_rule *kt_generation_find(const kt_generation *g, int slot, int group);
/* The index of the generation named `name` in kt_generations, or -1. */
int kt_generation_index(const char *name);
bool kt_generation_has_exemption(const kt_generation *g, const kt_exemption *x);

/* The group of a benefit; for integrationsydelse pass the group by age. */
kt_group kt_benefit_group(kt_benefit b);

#endif
