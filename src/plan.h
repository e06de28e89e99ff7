/*
 * plan.h -- the plan as the engine builds it (internal), and the small
 * arena that owns a plan's strings and traces.
 */
#ifndef KT_PLAN_H
#define KT_PLAN_H

#include "model.h"
#include "rules.h"

#include <stddef.h>

/* Bump allocator: many small allocations, one free. Chunks grow; an
 * allocation never moves. */
typedef struct kt_arena_chunk kt_arena_chunk;
typedef struct kt_arena {
    kt_arena_chunk *head;
    size_t used, size; /* within head */
    char *base;        /* head's data */
} kt_arena;

void *kt_arena_alloc(kt_arena *a, size_t n); /* NULL when out of memory */
/* kt_arena_alloc with the common case inline: it fits in the chunk. */
static inline void *kt_arena_get(kt_arena *a, size_t n) {
    n = (n + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t);
    if (a->head && a->used + n <= a->size) {
        void *p = a->base + a->used;
        a->used += n;
        return p;
    }
    return kt_arena_alloc(a, n);
}
char *kt_arena_strdup(kt_arena *a, const char *s);
void kt_arena_free(kt_arena *a);
/* Starts an (empty) arena on a caller's buffer, which the arena uses first
 * and never frees; `buf` must be aligned for max_align_t and outlive the
 * arena. Later chunks come from malloc as usual. */
void kt_arena_init_buf(kt_arena *a, void *buf, size_t size);
/* Bytes a buffer for kt_arena_init_buf needs beyond its payload. */
#define KT_ARENA_OVERHEAD 32

/* Why one conversation did or did not count toward one obligation. */
typedef enum {
    V_COUNTED, V_NOT_HELD, V_OUTSIDE_COURSE, V_BEFORE_WINDOW, V_AFTER_WINDOW, V_HOLDER,
    V_FORM, V_CLAIMED, V_NO_TOPIC, V_SURPLUS, V_USED_BY_EARLIER, V_EVENT_EARLIER, V_COUNT
} kt_verdict;

typedef struct kt_trace_entry {
    uint32_t conversation; /* index in the case's sorted conversations */
    uint8_t verdict;
    uint8_t detail; /* V_FORM: kt_form_verdict; V_CLAIMED: the slot */
} kt_trace_entry;

typedef struct kt_ob {
    const kt_rule *rule;
    const kt_exemption *exempt; /* with KT_EXEMPT */
    kt_date from, to, met_on;
    kt_date gen_day;      /* the day whose generation applies */
    int32_t stopped_days; /* how far the stopped clock moved the deadline */
    int16_t required, counted;
    uint8_t gen, status, course, forms, benefit, group;
    bool beyond; /* gen_day is after the catalogue's newest generation */
    uint8_t occurrence; /* 1-based for chains and windows, else 0 */
    uint32_t trace_first, trace_count;
    const char *a_kasse; /* dagpenge: the period's a-kasse on the deadline (the plan's arena), or NULL */
} kt_ob;

typedef struct kt_course_view {
    uint8_t benefit, group;
    kt_date start, end; /* end KT_NO_DATE: running on as_of */
    int gen;            /* generation on S, -1 before the catalogue */
    uint32_t n_stops;
    kt_date *stops;     /* pairs [from, to]; to INT32_MAX = for good */
    const char **stop_why; /* "ophold" or an exemption id, per pair */
} kt_course_view;

typedef struct kt_warning {
    const char *code;
    const char *message; /* with `why`: written by kt_plan_warning only */
    const char *pointer;
    uint32_t mlen, plen; /* strlen of message and pointer */
    /* conversation_not_counted, the most common warning, is kept as its
     * parts and written out only when read (kt_warning_text):
     * "Samtalen DATE tæller ikke med: WHY." at /conversations/CONV */
    const char *why; /* NULL: message and pointer are set */
    uint32_t why_len;
    /* code, message (or why) and pointer need no JSON escaping: the
     * engine's own texts, which tests/test_fastparse.c holds plain */
    bool plain;
    kt_date date;
    uint32_t conv;
} kt_warning;

/* Room for any warning text and its pointer written by kt_warning_text. */
#define KT_WARNING_TEXT_MAX 256
#define KT_WARNING_POINTER_MAX 32
#define KT_CONV_WARNING_CODE "conversation_not_counted"
/* That code as the engine stores it (one address: the writer compares it first) */
extern const char kt_conv_warning_code[];
/* Length of the message of a conversation warning with a why of why_len. */
#define KT_CONV_WARNING_MLEN(why_len) (sizeof "Samtalen 2000-01-01 tæller ikke med: ." - 1 + (why_len))
/* A warning's message and pointer (NUL-terminated): its own, or written
 * into msg and ptr (KT_WARNING_TEXT_MAX and KT_WARNING_POINTER_MAX bytes). */
void kt_warning_text(const kt_warning *w, char *msg, char *ptr, const char **message,
                     const char **pointer);

#define KT_PLAN_INLINE_OBS 24
#define KT_PLAN_INLINE_WARNINGS 8
#define KT_PLAN_INLINE_ARENA 2048

struct kt_plan {
    char id[KT_MAX_ID_LEN + 1];
    kt_date as_of;
    int horizon;
    kt_date valid_until; /* kt_plan_valid_until */
    kt_ob *obs;
    size_t n_obs, cap_obs;
    kt_warning *warnings;
    size_t n_warnings, cap_warnings;
    kt_course_view *courses; /* with explain only */
    size_t n_courses;
    kt_date *course_end;     /* n_courses, always: KT_NO_DATE while running */
    uint64_t agenda_courses; /* bit k: course k gets seed 004's agenda */
    uint8_t *course_agenda;  /* n_courses (or NULL): kt_obligation.agenda_next per course */
    /* explain: the case's conversations (sorted) and the traces */
    bool explain;
    kt_conversation *conversations;
    uint32_t n_conversations;
    kt_trace_entry *trace;
    size_t n_trace, cap_trace;
    const char *gen_names[KT_N_GENERATIONS];
    kt_date gen_first[KT_N_GENERATIONS + 1];
    kt_arena arena;
    /* First storage of obs, warnings and the arena, in the plan's own
     * allocation: most plans need no other. Not zeroed. */
    kt_ob obs_inline[KT_PLAN_INLINE_OBS];
    kt_warning warnings_inline[KT_PLAN_INLINE_WARNINGS];
    max_align_t arena_inline[KT_PLAN_INLINE_ARENA / sizeof(max_align_t)];
};

/* Memory for one plan (not initialised), for kt_plan_compute; kt_plan_free
 * gives it back. NULL when out of memory. */
kt_plan *kt_plan_alloc(void);

/* The suggested agenda of the first four conversations with a jobparat
 * kontanthjælp recipient (agenda.c; advice, not law). */
#define KT_AGENDA_COUNT 4
#define KT_AGENDA_MAX_TOPICS 7
typedef struct kt_agenda_item {
    int conversation;
    const char *when;
    const char *topics[KT_AGENDA_MAX_TOPICS]; /* NULL-terminated */
} kt_agenda_item;
extern const kt_agenda_item kt_agenda[KT_AGENDA_COUNT];
extern const char kt_agenda_seed[];

/* Form verdicts (contact forms, rules.md). */
typedef enum {
    FV_OK, FV_NOT_IN_PERSON, FV_BEFORE_FIRST_IN_PERSON, FV_BREV, FV_NO_STANDBY, FV_COUNT
} kt_form_verdict;
extern const char *const kt_form_verdict_text[FV_COUNT];
extern const uint8_t kt_form_verdict_len[FV_COUNT]; /* their strlen */
/* The engine's fixed warning texts: written without escaping (kt_warning
 * .plain), so tests/test_fastparse.c holds them plain, with the form
 * verdicts' texts above. */
#define KT_CONV_WHY_OUTSIDE "den ligger uden for ethvert ydelsesforløb"
#define KT_CONV_WHY_UNUSED                                                                        \
    "ingen forpligtelse i planen kunne bruge den (fx efter de første seks måneder, "             \
    "hvor samtaler holdes efter behov, eller holdt af en aktør, reglerne ikke nævner)"
#define KT_WARN_DP_CALENDAR                                                                       \
    "Forenkling: for dagpenge tæller loven sammenlagt ledighed i udbetalte timer (LAB § 9, "     \
    "BEK 2636/2021 § 7); planen regner med kalendertid på ydelsen."
#define KT_WARN_AFTER_SIX                                                                         \
    "Efter de første seks måneder af et forløb efter LAB 2019 aftales kontaktforløbet "          \
    "individuelt; borgeren har ret til samtaler, når borgeren ønsker det (LAB § 32)."
extern const char *const kt_verdict_text[V_COUNT];

#endif
