/* booking.c -- a case's bookings as its events say (issue 14): each `booket`
 * event with its number, its body now (corrections applied), cancelled
 * (retracted) or closed (a conversation or no-show on or after its day);
 * and moving or cancelling one by a correction of that event, checked and
 * written in one transaction (ks_book_move, ks_book_cancel). sched.c lists
 * the open ones (ks_bookings, the schedule). docs/schedule.md, "Bookings". */
#include "capacity.h"

#include <stdlib.h>
#include <string.h>

static const char *type_of(const json_t *b) { return json_string_value(json_object_get(b, "type")); }

static int is_booket(const json_t *b) {
    const char *t = b ? type_of(b) : NULL;
    return t && !strcmp(t, "booket");
}

static kt_date date_of(const json_t *b) {
    const char *d = json_string_value(json_object_get(b, "date"));
    kt_date x;
    return d && kt_date_parse(d, strlen(d), &x) == KT_OK ? x : KT_NO_DATE;
}

/* The effective body of each event of l (NULL: a correction, or retracted)
 * and how many corrections each has; one pass, as case_build.c does. */
static int effective_all(const ks_evlist *l, const json_t ***eff, int **moves) {
    *eff = calloc(l->n + 1, sizeof **eff);
    *moves = calloc(l->n + 1, sizeof **moves);
    if (!*eff || !*moves) {
        free(*eff);
        free(*moves);
        return -1;
    }
    for (size_t i = 0; i < l->n; i++) (*eff)[i] = l->v[i].kind == KS_CORRECTION ? NULL : l->v[i].body;
    for (size_t j = 0; j < l->n; j++) {
        if (l->v[j].kind != KS_CORRECTION) continue;
        long root = ks__root_of(l, l->v[j].corrects);
        for (size_t i = 0; i < j; i++) /* the root comes before its corrections */
            if (l->v[i].seq == root && l->v[i].kind != KS_CORRECTION) {
                const json_t *b = l->v[j].body;
                (*eff)[i] = json_is_true(json_object_get(b, "retract")) ? NULL : b;
                (*moves)[i]++;
                break;
            }
    }
    return 0;
}

/* The latest conversation (held or not) or no-show of the case: a booking
 * on or before it is closed. */
static kt_date last_contact(const ks_evlist *l, const json_t **eff) {
    kt_date last = KT_NO_DATE;
    for (size_t i = 0; i < l->n; i++) {
        if (!eff[i]) continue;
        int contact = l->v[i].kind == KS_CONVERSATION ||
                      (l->v[i].kind == KS_EVENT && type_of(eff[i]) && !strcmp(type_of(eff[i]), "udeblivelse"));
        kt_date d = contact ? date_of(eff[i]) : KT_NO_DATE;
        if (d != KT_NO_DATE && (last == KT_NO_DATE || d > last)) last = d;
    }
    return last;
}

static void fill(ks__booking_ev *b, const ks_ev *ev, const json_t *now, int moves, kt_date last) {
    memset(b, 0, sizeof *b);
    b->seq = ev->seq;
    b->moves = moves;
    b->cancelled = now == NULL;
    const json_t *body = now ? now : ev->body;
    b->date = date_of(body);
    const char *cw = json_string_value(json_object_get(body, "caseworker"));
    snprintf(b->caseworker, sizeof b->caseworker, "%s", cw ? cw : "");
    b->closed = !b->cancelled && b->date != KT_NO_DATE && last != KT_NO_DATE && last >= b->date;
}

int ks__case_bookings(ks_store *s, const char *case_id, ks__booking_ev **out, size_t *n,
                      ks_error *err) {
    *out = NULL;
    *n = 0;
    ks_evlist l = {0};
    int rc = ks__load_events(s, case_id, NULL, &l, err);
    const json_t **eff = NULL;
    int *moves = NULL;
    if (rc == KS_OK && effective_all(&l, &eff, &moves)) rc = ks__fail(err, KS_ENOMEM, "out of memory");
    if (rc == KS_OK) {
        kt_date last = last_contact(&l, eff);
        for (size_t i = 0; i < l.n; i++) {
            /* a booking: a `booket` event, or one that was until retracted */
            if (l.v[i].kind != KS_EVENT || !(eff[i] ? is_booket(eff[i]) : is_booket(l.v[i].body)))
                continue;
            ks__booking_ev *v = realloc(*out, (*n + 1) * sizeof *v);
            if (!v) {
                rc = ks__fail(err, KS_ENOMEM, "out of memory");
                break;
            }
            *out = v;
            fill(&v[(*n)++], &l.v[i], eff[i], moves[i], last);
        }
    }
    if (rc != KS_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    free(eff);
    free(moves);
    ks__evlist_free(&l);
    return rc;
}

/* ---- moving and cancelling ---------------------------------------------------------- */

/* Finds booking `seq` (or the booking a correction `seq` corrects) in l:
 * KS_OK with its index, else the refusal (out->refusal, err). */
static int find_booking(const ks_evlist *l, const json_t **eff, const char *case_id, long seq,
                        size_t *ix, ks_booking_change *out, ks_error *err) {
    long root = ks__root_of(l, seq);
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].seq != root) continue;
        if (l->v[i].kind != KS_EVENT || !(eff[i] ? is_booket(eff[i]) : is_booket(l->v[i].body))) {
            out->refusal = KS_BOOKING_NOT_BOOKING;
            return ks__fail(err, KS_EINVALID, "event %ld of case %s is not a booking (a `booket` "
                            "event)", seq, case_id);
        }
        if (!eff[i]) {
            out->refusal = KS_BOOKING_CANCELLED;
            return ks__fail(err, KS_EINVALID, "booking %ld of case %s is cancelled already", root,
                            case_id);
        }
        *ix = i;
        return KS_OK;
    }
    out->refusal = KS_BOOKING_UNKNOWN;
    return ks__fail(err, KS_ENOTFOUND, "case %s has no event %ld", case_id, seq);
}

/* The body of the moved booking: the booking's as it stands (whatever else
 * it says stays) with the new day and caseworker ("": none). */
static json_t *moved_body(const json_t *now, kt_date date, const char *cw) {
    char day[11];
    kt_date_format(date, day);
    json_t *b = json_deep_copy(now);
    if (!b || json_object_set_new(b, "date", json_string(day))) goto fail;
    if (*cw) {
        if (json_object_set_new(b, "caseworker", json_string(cw))) goto fail;
    } else {
        json_object_del(b, "caseworker");
    }
    return b;
fail:
    json_decref(b);
    return NULL;
}

/* One try of a move (date set) or a cancel (date KT_NO_DATE): the booking
 * read, checked and corrected in one write transaction. */
static int change_once(ks_store *s, const char *case_id, long seq, kt_date date,
                       const char *caseworker, ks_problem_fn problem, void *ctx,
                       ks_booking_change *out, ks_error *err) {
    ks_evlist l = {0};
    const json_t **eff = NULL;
    int *moves = NULL;
    json_t *body = NULL;
    char *canon = NULL;
    size_t i = 0;
    kt_date last = KT_NO_DATE;
    int rc = ks__begin(s, err);
    if (rc != KS_OK) return rc;
    rc = ks__lock_case(s, case_id, err);
    if (rc == KS_OK) rc = ks__load_events(s, case_id, NULL, &l, err);
    if (rc == KS_OK && l.n == 0) rc = ks__fail(err, KS_ENOTFOUND, "no case '%s' in the store", case_id);
    if (rc == KS_OK && effective_all(&l, &eff, &moves)) rc = ks__fail(err, KS_ENOMEM, "out of memory");
    if (rc == KS_OK) rc = find_booking(&l, eff, case_id, seq, &i, out, err);
    if (rc == KS_OK) {
        ks__booking_ev was;
        last = last_contact(&l, eff);
        fill(&was, &l.v[i], eff[i], moves[i], last);
        out->seq = was.seq;
        out->was_date = out->date = was.date;
        snprintf(out->was_caseworker, sizeof out->was_caseworker, "%s", was.caseworker);
        snprintf(out->caseworker, sizeof out->caseworker, "%s", was.caseworker);
        if (was.closed) {
            char d[11];
            kt_date_format(last, d);
            out->refusal = KS_BOOKING_CLOSED;
            rc = ks__fail(err, KS_EINVALID, "booking %ld of case %s is closed: a conversation or "
                          "no-show on %s", was.seq, case_id, d);
        }
    }
    if (rc == KS_OK && date != KT_NO_DATE && last != KT_NO_DATE && date <= last) {
        /* it would be closed as soon as moved */
        char d[11];
        kt_date_format(last, d);
        if (problem)
            problem(ctx, 0, "/date", "on or before the case's latest conversation or no-show",
                    "a day after it", 0);
        rc = ks__fail(err, KS_EINVALID, "the day is on or before the case's latest conversation "
                      "or no-show (%s): the booking would be closed at once", d);
    }
    if (rc == KS_OK) {
        if (date == KT_NO_DATE) {
            body = json_pack("{s:b}", "retract", 1);
        } else {
            const char *cw = caseworker && *caseworker ? caseworker : out->was_caseworker;
            body = moved_body(eff[i], date, cw);
            out->date = date;
            snprintf(out->caseworker, sizeof out->caseworker, "%s", cw);
        }
        canon = body ? ks__canon(body) : NULL;
        if (!canon) rc = ks__fail(err, KS_ENOMEM, "out of memory");
    }
    if (rc == KS_OK && date != KT_NO_DATE) {
        char *now = ks__canon(eff[i]);
        if (!now) rc = ks__fail(err, KS_ENOMEM, "out of memory");
        else out->already = !strcmp(now, canon); /* the booking says this already */
        free(now);
    }
    if (rc == KS_OK && out->already) {
        /* nothing new but the access-log row, as ks_record_ex's ":already" */
        if (s->log_pending) {
            size_t n = strlen(s->log_action);
            snprintf(s->log_action + n, sizeof s->log_action - n, ":already");
            rc = ks__write_pending_log(s, out->seq, err);
            if (rc == KS_OK) rc = ks__commit(s, err);
            else ks__rollback(s);
        } else {
            ks__rollback(s);
        }
        goto done;
    }
    if (rc == KS_OK) {
        char identity[64], stamp[25];
        snprintf(identity, sizeof identity, "correction:%ld", ks__next_seq(s));
        ks__now(s, stamp);
        rc = ks__insert_event(s, case_id, KS_CORRECTION, canon, identity, out->seq, stamp,
                              &out->correction, err);
    }
    if (rc == KS_OK) rc = ks__rebuild(s, case_id, problem, ctx, 0, err);
    if (rc == KS_OK) rc = ks__write_pending_log(s, s->last_seq, err);
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
done:
    json_decref(body);
    free(canon);
    free(eff);
    free(moves);
    ks__evlist_free(&l);
    return rc;
}

static int change(ks_store *s, const char *case_id, long seq, kt_date date, const char *caseworker,
                  ks_problem_fn problem, void *ctx, ks_booking_change *out, ks_error *err) {
    int pending = s->log_pending, rc;
    for (int attempt = 0;; attempt++) { /* PostgreSQL: again after a deadlock (ks__retry) */
        s->log_pending = pending;
        memset(out, 0, sizeof *out);
        out->date = out->was_date = KT_NO_DATE;
        rc = change_once(s, case_id, seq, date, caseworker, problem, ctx, out, err);
        if (!ks__retry(s, rc, attempt)) break;
    }
    s->log_pending = 0;
    return rc;
}

int ks_book_move(ks_store *s, const char *case_id, long seq, kt_date date, const char *caseworker,
                 ks_problem_fn problem, void *ctx, ks_booking_change *out, ks_error *err) {
    memset(out, 0, sizeof *out);
    out->date = out->was_date = KT_NO_DATE;
    int rc = KS_OK;
    if (date == KT_NO_DATE) rc = ks__fail(err, KS_EINVALID, "--date: a day YYYY-MM-DD is needed");
    else if (caseworker && *caseworker) rc = ks__check_id("caseworker", caseworker, err);
    if (rc != KS_OK) {
        s->log_pending = 0;
        return rc;
    }
    rc = change(s, case_id, seq, date, caseworker, problem, ctx, out, err);
    if (rc == KS_OK) ks__book_warning(s, case_id, date, out->warning, sizeof out->warning);
    return rc;
}

int ks_book_cancel(ks_store *s, const char *case_id, long seq, ks_booking_change *out,
                   ks_error *err) {
    return change(s, case_id, seq, KT_NO_DATE, NULL, NULL, NULL, out, err);
}
