/* capacity.h -- the SQL of Planlægning (capacity.c), for sched.c; not part of
 * the interface. Row callbacks return 0, or non-zero for no memory. */
#ifndef KS_CAPACITY_H
#define KS_CAPACITY_H

#include "internal.h"

typedef struct ks__capacity_row {
    const char *jobcenter, *caseworker; /* caseworker NULL: the jobcentre's default */
    int slots;
    unsigned weekdays; /* bit 0 Monday .. bit 4 Friday */
    kt_date from, to;  /* KT_NO_DATE: unbounded */
} ks__capacity_row;

/* Capacity events of a jobcentre (NULL: all), in the order recorded. */
int ks__capacity_each(ks_store *s, const char *jobcenter,
                      int (*fn)(void *ctx, const ks__capacity_row *r), void *ctx, ks_error *err);

/* The caseworkers (with cases, or with capacity of their own) of a
 * jobcentre (NULL: all), by jobcentre and caseworker. */
int ks__sched_workers(ks_store *s, const char *jobcenter,
                      int (*fn)(void *ctx, const char *jobcenter, const char *caseworker),
                      void *ctx, ks_error *err);

typedef struct ks__need_row {
    const char *case_id, *jobcenter, *caseworker; /* caseworker "" = none */
    const char *rule, *generation, *group;
    kt_date from, deadline;
    int required, counted, quota;
    unsigned forms; /* kt_obligation.forms as stored (schema 6); 0: none stored */
    int agenda;     /* kt_obligation.agenda_next as stored (schema 6) */
} ks__need_row;

/* Open and overdue conversation duties with a deadline from `oldest`, a
 * window opening by `end`, of courses running on `today` (unordered). */
int ks__sched_needs(ks_store *s, const char *jobcenter, kt_date oldest, kt_date today,
                    kt_date end, int (*fn)(void *ctx, const ks__need_row *r), void *ctx,
                    ks_error *err);

/* The cases (of a jobcentre, NULL: all) that have a `booket` event, by id. */
int ks__booked_cases(ks_store *s, const char *jobcenter, int (*fn)(void *ctx, const char *id),
                     void *ctx, ks_error *err);

/* The windows of a case's open and overdue conversation duties (plan order). */
int ks__case_windows(ks_store *s, const char *case_id,
                     int (*fn)(void *ctx, const char *rule, kt_date from, kt_date to), void *ctx,
                     ks_error *err);

/* A booking of a case (booking.c): its `booket` event seq, its day and
 * caseworker now ("" for none; as last booked if cancelled), corrections of
 * it, cancelled (retracted), closed (a conversation or no-show on or after
 * its day). */
typedef struct ks__booking_ev {
    long seq;
    kt_date date;
    char caseworker[65];
    int moves, cancelled, closed;
} ks__booking_ev;

/* The bookings of a case, in event order (*out malloc'ed, *n of them). */
int ks__case_bookings(ks_store *s, const char *case_id, ks__booking_ev **out, size_t *n,
                      ks_error *err);

/* ks_book's warning (Danish, or "") for a booking of case_id on date: a
 * closed day, or a day in no window of its open conversation duties. */
void ks__book_warning(ks_store *s, const char *case_id, kt_date date, char *warning,
                      size_t warning_size);

/* The jobcentres where a caseworker has cases or capacity: the first (by
 * name) in out, how many in *count. */
int ks__caseworker_jobcenter(ks_store *s, const char *caseworker, char out[65], int *count,
                             ks_error *err);

#endif
