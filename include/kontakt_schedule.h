/*
 * kontakt_schedule.h -- Planlægning: proposed days for the conversations that
 * open duties still need, within the law's windows and the team's capacity
 * (issue 14; docs/schedule.md says the objective and why the algorithm
 * meets it).
 *
 * Pure: no database, no clock, no I/O. The caller (the store's ks_schedule)
 * gives the duties, the capacity per caseworker and day and the bookings; the
 * scheduler gives proposals and the shortfall. The same input gives the same
 * output (ties are broken by the order of the input arrays).
 */
#ifndef KONTAKT_SCHEDULE_H
#define KONTAKT_SCHEDULE_H

#include "kontakt.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A day the jobcentre is closed for conversations: Saturday, Sunday, a
 * public holiday (kt_is_closed_day: Easter-based ones included, Store
 * bededag only until 2023), and also Grundlovsdag (5 June), Christmas Eve
 * and New Year's Eve, which are not public holidays but on which jobcentres
 * are closed (docs/schedule.md). */
int kt_sched_closed_day(kt_date d);

/* One duty still needing conversations: an open or overdue obligation of
 * kind samtale whose window has opened by the horizon's end. */
typedef struct kt_sched_need {
    uint32_t case_ix;   /* index into kt_sched_input.cases */
    kt_date from, to;   /* the window; `to` is the deadline */
    uint16_t remaining; /* conversations still needed (required - counted) */
    uint8_t forms;      /* KT_FORM_* bits a conversation meeting it may take */
    uint8_t joint;      /* 1: only a joint conversation (faelles) meets it */
    uint8_t quota;      /* 1: a g2026 quota duty (a konkret vurdering may release it) */
} kt_sched_need;

typedef struct kt_sched_case {
    int32_t worker;      /* its caseworker (index), -1: none (given to its pool's workers) */
    int32_t pool;        /* its jobcentre (index) */
    uint32_t need0;      /* its needs: needs[need0 .. need0 + n_needs), all of this case */
    uint32_t n_needs;
    int8_t agenda_next;  /* seed 004's number of its next conversation (1..4); 0: no agenda */
} kt_sched_case;

/* A booked conversation (a `booket` event still open): it takes a slot on its
 * day and meets the needs whose window holds that day. */
typedef struct kt_sched_booking {
    uint32_t case_ix;
    int32_t worker; /* who holds it; -1: the case's */
    kt_date date;
} kt_sched_booking;

typedef struct kt_sched_input {
    kt_date today;              /* the first day of the horizon */
    int days;                   /* the horizon: today .. today + days - 1 (1..1000) */
    size_t n_workers;
    const int32_t *worker_pool; /* the pool (jobcentre) of each caseworker */
    const int16_t *slots;       /* n_workers * days: conversation slots of worker w on day
                                   today + d at [w * days + d]; closed days are ignored */
    size_t n_pools;
    const kt_sched_case *cases;
    size_t n_cases;
    const kt_sched_need *needs; /* grouped by case (kt_sched_case.need0) */
    size_t n_needs;
    const kt_sched_booking *bookings;
    size_t n_bookings;
} kt_sched_input;

typedef struct kt_sched_proposal {
    kt_date date;
    int32_t worker;
    uint32_t case_ix;
    uint32_t met0;   /* the needs it meets: result.met[met0 .. met0 + n_met) */
    uint16_t n_met;
    uint8_t forms;   /* the forms the person may choose (KT_FORM_* bits) */
    uint8_t joint;   /* 1: a joint conversation with the a-kasse */
    uint8_t booked;  /* 1: an existing booking, not a proposal */
    uint8_t late;    /* 1: after the deadline of a need it meets */
    int8_t agenda;   /* seed 004's conversation number 1..4; 0: none */
} kt_sched_proposal;

/* What became of each need. */
typedef struct kt_sched_outcome {
    uint16_t on_time;     /* conversations placed on or before the deadline */
    uint16_t late;        /* placed after the deadline */
    uint16_t unscheduled; /* not placed in the horizon */
} kt_sched_outcome;

typedef struct kt_sched_pool_sum {
    long conversations;   /* conversations proposed (bookings not included) */
    long booked;          /* bookings in the horizon */
    long needs_due;       /* needs with a deadline in the horizon or before it */
    long short_needs;     /* of those (deadline from today on), not met on time */
    long overdue_needs;   /* deadline before today: late whatever is done */
    long late_conversations, missing_conversations; /* of needs due from today on */
    long extra_slots;     /* slots that, added on the deadlines, make every duty that
                             is not overdue on time (= late + missing conversations) */
    long overfull_days;   /* caseworker-days full while a duty waited past its deadline */
    long quota_needs;     /* g2026 quota needs due in the horizon (from today on) */
    long quota_short;     /* of those, not met on time: the konkret-vurdering exemptions
                             that would be needed to fit the capacity */
    int quota_over_25;    /* 4 * quota_short > quota_needs */
} kt_sched_pool_sum;

typedef struct kt_sched_result {
    kt_sched_proposal *proposals; /* by date, worker, case (bookings included) */
    size_t n_proposals;
    uint32_t *met;                /* need indexes, for the proposals */
    size_t n_met;
    kt_sched_outcome *outcome;    /* one per need */
    int16_t *used;                /* n_workers * days: slots used (bookings included) */
    uint8_t *overfull;            /* n_workers * days: 1 if over-full (above) */
    kt_sched_pool_sum *pools;     /* one per pool */
    int *level;                   /* per worker: the day level that the load was kept to */
} kt_sched_result;

/* Computes the schedule (docs/schedule.md). KT_EARG for inconsistent input
 * (an index out of range), KT_ENOMEM. The result is the caller's: free it
 * with kt_sched_free. */
int kt_schedule(const kt_sched_input *in, kt_sched_result *out);
void kt_sched_free(kt_sched_result *r);

#ifdef __cplusplus
}
#endif
#endif /* KONTAKT_SCHEDULE_H */
