/*
 * model.h -- the case as the engine sees it, and the vocabulary of
 * spec/case-format.md as enums with their identifiers.
 *
 * A kt_case is one allocation: the struct followed by its arrays. It is
 * built by json_in.c, immutable afterwards, and owned by the caller.
 */
#ifndef KT_MODEL_H
#define KT_MODEL_H

#include "kontakt.h"
#include <stdbool.h>
#include <stdint.h>

/* Named limits: no input can make the engine use more than these. */
#define KT_MAX_CASE_BYTES (4u << 20)
#define KT_MAX_ID_LEN 64
#define KT_MAX_PERIODS 256
#define KT_MAX_CATEGORIES 1024 /* over all periods of a case */
#define KT_MAX_CONVERSATIONS 4096
#define KT_MAX_EVENTS 4096
#define KT_MAX_TOPICS 64 /* per conversation */
#define KT_MAX_TEXT_LEN 256 /* free text such as jobstart's "what" */
#define KT_MAX_PROBLEMS 100  /* problems reported for one input */

typedef enum {
    B_DAGPENGE, B_KONTANTHJAELP, B_UDDANNELSESHJAELP, B_INTEGRATIONSYDELSE, B_SYGEDAGPENGE,
    B_REVALIDERING, B_FOERTIDSPENSION, B_RESSOURCEFORLOEB, B_JOBAFKLARINGSFORLOEB,
    B_LEDIGHEDSYDELSE, B_ARBEJDSMARKEDSYDELSE, B_KONTANTYDELSE, B_COUNT
} kt_benefit;

/* Target groups of rules.md ("Groups"). */
typedef enum { G_DP, G_KH, G_UH, G_SDP, G_REV, G_FP, G_RF, G_LY, G_AMY, G_COUNT } kt_group;
#define GB(g) (1u << (g))

/* Visitation categories. C_NONE: the benefit has none; C_UNKNOWN: it has
 * them but the case gave none. */
typedef enum {
    C_NONE, C_UNKNOWN, C_JOBPARAT, C_AKTIVITETSPARAT, C_AABENLYST, C_UDDANNELSESPARAT, C_COUNT
} kt_category;
#define CB(c) (1u << (c))

typedef enum {
    EV_CV_SAMTALE, EV_CV_OPRETTET, EV_CV_GODKENDT, EV_TEST, EV_KURSUS_OENSKET, EV_BARSEL,
    EV_SYGEMELDT, EV_ALVORLIG_SYGDOM, EV_TILBUD, EV_JOBSTART, EV_ARBEJDSFORDELING, EV_HJEMSENDT,
    EV_SEKS_UGERS, EV_STU, EV_KONTRAKT, EV_UDEBLIVELSE, EV_KOORDINERENDE, EV_SEKS_UGERS_OENSKET,
    EV_FRITAGET, EV_KONKRET_VURDERING,
    EV_BOOKET, /* a conversation booked (issue 14): a plan, not a fact; creates nothing */
    EV_COUNT
} kt_event_type;

/* Topics the rules look for; other topics are accepted and ignored. */
typedef enum {
    T_225, T_REPATRIERING, T_SEKS_UGERS, T_INTENSIVERET, T_BARSEL_TILKNYTNING, T_TEST, T_COUNT
} kt_topic;

typedef enum {
    R_NONE, R_PENSION_OPTJENING, R_UNDER18, R_MINDRE_INTENSIV, R_SDP_KORT_FORLOEB, R_SDP_JOB_UNDER_26,
    R_COUNT
} kt_reason;

extern const char *const kt_benefit_names[B_COUNT];
extern const char *const kt_group_names[G_COUNT];
extern const char *const kt_category_names[C_COUNT];
extern const char *const kt_event_names[EV_COUNT];
extern const char *const kt_topic_names[T_COUNT];
extern const char *const kt_reason_names[R_COUNT];
extern const char *const kt_holder_names[KT_HOLDER_COUNT];
extern const char *const kt_form_names[KT_FORM_COUNT];
/* Events given as one `date` (the others have from/to). */
extern const bool kt_event_is_dated[EV_COUNT];

/* Index of `s` (length n) in names[count], or -1. */
int kt_lookup(const char *const *names, int count, const char *s, size_t n);

typedef struct kt_category_at {
    kt_date from;
    uint8_t category;
} kt_category_at;

typedef struct kt_period {
    uint8_t benefit;
    kt_date from, to;         /* to: KT_NO_DATE = ongoing */
    kt_date first_inquiry;    /* KT_NO_DATE = not given */
    kt_date first_sick_day;   /* KT_NO_DATE = not given */
    uint32_t cat_first, cat_count; /* slice of kt_case.categories, sorted by from */
    uint32_t index;           /* position in the input's benefits[] */
    char a_kasse[KT_MAX_ID_LEN + 1]; /* dagpenge: the a-kasse's id, "" = not given */
} kt_period;

typedef struct kt_conversation {
    kt_date date;
    uint8_t holder, form;
    bool held;
    uint32_t topics; /* bit set of kt_topic */
    uint32_t index;  /* position in the input's conversations[] */
} kt_conversation;

typedef struct kt_event {
    uint8_t type;
    uint8_t reason;  /* fritaget */
    uint8_t holder;  /* undtaget_konkret_vurdering: KT_HOLDER_JOBCENTER or KT_HOLDER_A_KASSE */
    kt_date from, to; /* dated events: from = to = date; to KT_NO_DATE = ongoing */
    kt_date starts;  /* ansaettelseskontrakt: first working day, else KT_NO_DATE */
    uint32_t index;
} kt_event;

struct kt_case {
    char id[KT_MAX_ID_LEN + 1];
    kt_date as_of; /* KT_NO_DATE if not given */
    kt_date birth_date;
    bool youth_education, vocational_education, repatriering;
    uint32_t n_periods, n_categories, n_conversations, n_events;
    kt_period *periods;             /* in input order */
    kt_category_at *categories;
    kt_conversation *conversations; /* sorted by date, stable */
    kt_event *events;               /* in input order */
};

/* Input rules that depend on the law (case-format.md, rules.md), shared by
 * both readers so that they agree: each returns NULL, or a message and sets
 * *expected. */
#define KT_DAY_2025_07_01 20270 /* kt_date_from_ymd(2025, 7, 1): uddannelseshjælp ends (g2025b) */
/* A period of `benefit` starting on `from`. */
const char *kt_benefit_problem(int benefit, kt_date from, const char **expected);
/* A category period (`cat` from cat_from) of a period of `benefit` whose
 * start is period_S (first_inquiry, else from); birth KT_NO_DATE: unknown. */
const char *kt_category_problem(int benefit, int cat, kt_date cat_from, kt_date period_S,
                                kt_date birth, bool vocational, const char **expected);

#endif
