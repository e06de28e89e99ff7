/* record.c -- appending events to a case: record, correct, assign; and
 * reading a case back. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int ks__insert_event(ks_store *s, const char *case_id, int kind, const char *body,
                     const char *identity, long corrects, const char *recorded_at, long *seq,
                     ks_error *err) {
    long next = ks__next_seq(s);
    if (next <= 0) return ks__dbfail(s, err, "events_seq");
    ks_q *st = ks__stmt(s, ST_EVENT_INSERT, err);
    if (!st) return KS_EDB;
    /* seq is next_seq, read under the write lock (ks__begin): identities
     * like "correction:SEQ" are made from it. On SQLite it is left to the
     * rowid, which is the same (the last + 1) without a search of the
     * table for the given one (1.4 % of an import's instructions); elsewhere
     * it is bound (PostgreSQL: drawn from the sequence). */
    if (!s->pg) ks_q_bind_null(st, 1);
    else ks_q_bind_int64(st, 1, next);
    ks_q_bind_text_static(st, 2, case_id, -1);
    ks_q_bind_text_static(st, 3, ks_kind_name((ks_kind)kind), -1);
    ks_q_bind_text_static(st, 4, body, -1);
    ks_q_bind_text_static(st, 5, identity, -1);
    if (corrects > 0) ks_q_bind_int64(st, 6, corrects);
    else ks_q_bind_null(st, 6);
    ks_q_bind_text_static(st, 7, recorded_at, -1);
    ks_q_bind_text_static(st, 8, s->actor, -1);
    int r = ks_q_step(st);
    ks_q_reset(st);
    if (r != KS_Q_DONE) return ks__dbfail(s, err, "events");
    if (seq) *seq = next;
    s->last_seq = next;
    s->next_seq = s->pg ? 0 : next + 1; /* PostgreSQL: the next one drawn when asked for */
    return KS_OK;
}

/* Is there a case? Fills jobcenter/caseworker (64 + NUL) if asked. */
static int case_exists(ks_store *s, const char *case_id, char *jobcenter, char *caseworker,
                       ks_error *err) {
    /* inside a write on PostgreSQL: the case's row lock (ks__lock_case),
     * before its events are read */
    ks_q *st = ks__stmt(s, s->pg && s->in_tx ? ST_CASE_LOCK : ST_CASE_GET, err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, case_id, -1);
    int r = ks_q_step(st);
    if (r == KS_Q_ROW) {
        const char *j = ks_q_text(st, 0);
        const char *c = ks_q_text(st, 1);
        if (jobcenter) snprintf(jobcenter, 65, "%s", j ? j : "");
        if (caseworker) snprintf(caseworker, 65, "%s", c ? c : "");
    }
    ks_q_reset(st);
    if (r == KS_Q_ROW) return KS_OK;
    if (r == KS_Q_DONE) return ks__fail(err, KS_ENOTFOUND, "no case '%s' in the store", case_id);
    return ks__dbfail(s, err, "cases");
}

static json_t *parse_object(const char *body, ks_problem_fn problem, void *ctx) {
    json_error_t je;
    json_t *v = body ? json_loads(body, 0, &je) : NULL;
    if (!json_is_object(v)) {
        if (problem) problem(ctx, 0, "", v ? "not a JSON object" : "not valid JSON", "a JSON object", 0);
        json_decref(v);
        return NULL;
    }
    return v;
}

/* The ids a recorded body may carry (a booked conversation's caseworker, a
 * dagpenge period's a-kasse, ...) are never CPR numbers (issue 11, 5). */
static int body_has_cpr(const json_t *v, ks_problem_fn problem, void *ctx) {
    static const char *const keys[] = {"caseworker", "jobcenter", "a_kasse"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *x = json_string_value(json_object_get(v, keys[i]));
        if (!x || !ks_looks_like_cpr(x)) continue;
        char ptr[32];
        snprintf(ptr, sizeof ptr, "/%s", keys[i]);
        if (problem)
            problem(ctx, 0, ptr, "looks like a CPR number (DDMMYY-NNNN or ten digits); personal "
                    "identifiers must not be stored", "an opaque id", 0);
        return 1;
    }
    return 0;
}

/* The event of l that is this record as the case stands now: same kind,
 * an identity of the family `base` (base, or base#k), and an effective body
 * (corrections applied, not withdrawn) whose canonical form is canon. -1 if
 * none; -2 for no memory. *free_k is the first identity of the family not
 * taken (1 = base itself). */
static long find_same(const ks_evlist *l, int kind, const char *base, const char *canon,
                      int *free_k) {
    size_t bl = strlen(base);
    long hit = -1;
    int maxk = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ks_ev *e = &l->v[i];
        if (e->kind != kind || strncmp(e->identity, base, bl) != 0) continue;
        int k;
        if (e->identity[bl] == '\0') k = 1;
        else if (e->identity[bl] == '#') k = atoi(e->identity + bl + 1);
        else continue;
        if (k > maxk) maxk = k;
        if (hit >= 0) continue;
        const json_t *eff = ks__effective(l, i);
        if (!eff) continue;
        char *c = ks__canon(eff);
        if (!c) return -2;
        if (strcmp(c, canon) == 0) hit = e->seq;
        free(c);
    }
    *free_k = maxk + 1;
    return hit;
}

int ks_record(ks_store *s, const char *case_id, ks_kind kind, const char *body,
              ks_problem_fn problem, void *ctx, long *seq, ks_error *err) {
    return ks_record_ex(s, case_id, kind, body, problem, ctx, seq, NULL, err);
}

/* Each write below is tried again if PostgreSQL refused it for a deadlock or
 * a serialization failure (ks__retry; never on SQLite), with its
 * access-log row (ks_log_next_write) pending again. The row belongs to this
 * write alone: written with it, or dropped however the write ended, never
 * left for the next one. */
#define KS_RETRYING(s, call)                                                                   \
    do {                                                                                       \
        int pending_ = (s)->log_pending, rc_;                                                  \
        for (int try_ = 0;; try_++) {                                                          \
            (s)->log_pending = pending_;                                                       \
            rc_ = (call);                                                                      \
            if (!ks__retry((s), rc_, try_)) {                                                  \
                (s)->log_pending = 0;                                                          \
                return rc_;                                                                    \
            }                                                                                  \
        }                                                                                      \
    } while (0)

static int record_once(ks_store *s, const char *case_id, ks_kind kind, const char *body,
                       ks_problem_fn problem, void *ctx, long *seq, int *already, ks_error *err);
int ks_record_ex(ks_store *s, const char *case_id, ks_kind kind, const char *body,
                 ks_problem_fn problem, void *ctx, long *seq, int *already, ks_error *err) {
    KS_RETRYING(s, record_once(s, case_id, kind, body, problem, ctx, seq, already, err));
}

static int record_once(ks_store *s, const char *case_id, ks_kind kind, const char *body,
                       ks_problem_fn problem, void *ctx, long *seq, int *already, ks_error *err) {
    if (already) *already = 0;
    if (kind != KS_BENEFIT && kind != KS_CATEGORY && kind != KS_CONVERSATION && kind != KS_EVENT) {
        return ks__fail(err, KS_EINVALID, "only benefits, categories, conversations and events are "
                                          "recorded; a person is changed by a correction");
    }
    json_t *v = parse_object(body, problem, ctx);
    if (!v) return ks__fail(err, KS_EINVALID, "the record is not a JSON object");
    if (body_has_cpr(v, problem, ctx)) {
        json_decref(v);
        return ks__fail(err, KS_EINVALID, "the record holds a CPR number: refused");
    }
    char *canon = ks__canon(v);
    char base[512], bn[65], bf[33];
    snprintf(bn, sizeof bn, "%s", json_string_value(json_object_get(v, "benefit")) ? json_string_value(json_object_get(v, "benefit")) : "?");
    snprintf(bf, sizeof bf, "%s", json_string_value(json_object_get(v, "from")) ? json_string_value(json_object_get(v, "from")) : "?");
    json_decref(v);
    if (!canon) return ks__fail(err, KS_ENOMEM, "out of memory");
    if (kind == KS_BENEFIT) snprintf(base, sizeof base, "benefit:%s:%s", bn, bf);
    else ks__content_identity(canon, base); /* the k-th of the same content: "BASE#k" */
    ks_evlist l = {0};
    int rc = ks__begin(s, err);
    if (rc != KS_OK) {
        free(canon);
        return rc;
    }
    rc = case_exists(s, case_id, NULL, NULL, err);
    if (rc == KS_OK) rc = ks__load_events(s, case_id, NULL, &l, err);
    int free_k = 1;
    long same = rc == KS_OK ? find_same(&l, kind, base, canon, &free_k) : -1;
    if (same == -2) rc = ks__fail(err, KS_ENOMEM, "out of memory");
    if (rc == KS_OK && same >= 0) {
        /* already recorded: nothing new but the access-log row */
        if (seq) *seq = same;
        if (already) *already = 1;
        if (s->log_pending) {
            size_t n = strlen(s->log_action);
            snprintf(s->log_action + n, sizeof s->log_action - n, ":already");
            rc = ks__write_pending_log(s, same, err);
            if (rc == KS_OK) rc = ks__commit(s, err);
            else ks__rollback(s);
        } else {
            ks__rollback(s);
        }
        goto out;
    }
    if (rc == KS_OK && kind == KS_BENEFIT && free_k > 1) {
        long old = 0;
        for (size_t i = 0; i < l.n; i++)
            if (strcmp(l.v[i].identity, base) == 0) old = l.v[i].seq;
        rc = ks__fail(err, KS_EINVALID,
                      "case %s already has a period of %s from %s (event %ld): correct that "
                      "event instead", case_id, bn, bf, old);
    }
    if (rc == KS_OK) {
        char ident[600];
        if (free_k == 1) snprintf(ident, sizeof ident, "%s", base);
        else snprintf(ident, sizeof ident, "%s#%d", base, free_k);
        char now[25];
        ks__now(s, now);
        rc = ks__insert_event(s, case_id, kind, canon, ident, 0, now, seq, err);
    }
    if (rc == KS_OK) rc = ks__rebuild(s, case_id, problem, ctx, 0, err);
    if (rc == KS_OK) rc = ks__write_pending_log(s, s->last_seq, err);
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
out:
    ks__evlist_free(&l);
    free(canon);
    return rc;
}

/* The event seq of case_id: its kind and what it corrects. */
static int event_get(ks_store *s, const char *case_id, long seq, int *kind, long *corrects,
                     ks_error *err) {
    ks_q *st = ks__stmt(s, ST_EVENT_GET, err);
    if (!st) return KS_EDB;
    ks_q_bind_int64(st, 1, seq);
    int r = ks_q_step(st);
    int rc = KS_OK;
    if (r == KS_Q_ROW) {
        const char *c = ks_q_text(st, 0);
        *kind = ks__kind_parse(ks_q_text(st, 1));
        *corrects = (long)ks_q_int64(st, 2);
        if (!c || strcmp(c, case_id) != 0)
            rc = ks__fail(err, KS_ENOTFOUND, "event %ld is not an event of case %s", seq, case_id);
    } else if (r == KS_Q_DONE) {
        rc = ks__fail(err, KS_ENOTFOUND, "no event %ld", seq);
    } else {
        rc = ks__dbfail(s, err, "events");
    }
    ks_q_reset(st);
    return rc;
}

static int correct_once(ks_store *s, const char *case_id, long target, const char *body,
                        ks_problem_fn problem, void *ctx, long *seq, ks_error *err);
int ks_correct(ks_store *s, const char *case_id, long target, const char *body,
               ks_problem_fn problem, void *ctx, long *seq, ks_error *err) {
    KS_RETRYING(s, correct_once(s, case_id, target, body, problem, ctx, seq, err));
}

static int correct_once(ks_store *s, const char *case_id, long target, const char *body,
                        ks_problem_fn problem, void *ctx, long *seq, ks_error *err) {
    json_t *v = body ? parse_object(body, problem, ctx) : json_pack("{s:b}", "retract", 1);
    if (!v) return ks__fail(err, KS_EINVALID, "the correction is not a JSON object");
    char *canon = ks__canon(v);
    json_decref(v);
    if (!canon) return ks__fail(err, KS_ENOMEM, "out of memory");
    int rc = ks__begin(s, err);
    if (rc != KS_OK) {
        free(canon);
        return rc;
    }
    rc = case_exists(s, case_id, NULL, NULL, err);
    int kind = -1;
    long corrects = 0, root = target;
    for (int guard = 0; rc == KS_OK && guard < 64; guard++) {
        rc = event_get(s, case_id, root, &kind, &corrects, err);
        if (rc != KS_OK || kind != KS_CORRECTION) break;
        root = corrects;
    }
    if (rc == KS_OK && (kind == KS_ASSIGN || kind == KS_CORRECTION))
        rc = ks__fail(err, KS_EINVALID, "event %ld is an assignment: assign the case again instead",
                      target);
    if (rc == KS_OK) {
        char identity[64], now[25];
        snprintf(identity, sizeof identity, "correction:%ld", ks__next_seq(s));
        ks__now(s, now);
        rc = ks__insert_event(s, case_id, KS_CORRECTION, canon, identity, root, now, seq, err);
    }
    if (rc == KS_OK) rc = ks__rebuild(s, case_id, problem, ctx, 0, err);
    if (rc == KS_OK) rc = ks__write_pending_log(s, s->last_seq, err);
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
    free(canon);
    return rc;
}

static int assign_once(ks_store *s, const char *case_id, const char *caseworker, ks_error *err);
int ks_assign(ks_store *s, const char *case_id, const char *caseworker, ks_error *err) {
    KS_RETRYING(s, assign_once(s, case_id, caseworker, err));
}

static int assign_once(ks_store *s, const char *case_id, const char *caseworker, ks_error *err) {
    if (caseworker) {
        int rc = ks__check_id("caseworker", caseworker, err);
        if (rc != KS_OK) return rc;
    }
    json_t *v = json_pack("{s:s?}", "caseworker", caseworker);
    char *canon = v ? ks__canon(v) : NULL;
    json_decref(v);
    if (!canon) return ks__fail(err, KS_ENOMEM, "out of memory");
    int rc = ks__begin(s, err);
    if (rc != KS_OK) {
        free(canon);
        return rc;
    }
    rc = case_exists(s, case_id, NULL, NULL, err);
    if (rc == KS_OK) {
        char identity[64], now[25];
        snprintf(identity, sizeof identity, "assign:%ld", ks__next_seq(s));
        ks__now(s, now);
        rc = ks__insert_event(s, case_id, KS_ASSIGN, canon, identity, 0, now, NULL, err);
    }
    if (rc == KS_OK) {
        ks_q *st = ks__stmt(s, ST_CASE_SET_CASEWORKER, err);
        if (!st) rc = KS_EDB;
        else {
            ks_q_bind_text_static(st, 1, case_id, -1);
            if (caseworker) ks_q_bind_text_static(st, 2, caseworker, -1);
            if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "cases");
            ks_q_reset(st);
        }
    }
    if (rc == KS_OK) rc = ks__write_pending_log(s, s->last_seq, err);
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
    free(canon);
    return rc;
}

/* Moves a case to another jobcentre (issue 11, 2: only this, never an
 * import, moves a case): an assign event {"jobcenter": J}, and the case is
 * given to nobody there (its caseworker was the old jobcentre's). The old
 * jobcentre goes to `from` (65 bytes) for the access log. */
static int assign_jobcenter_once(ks_store *s, const char *case_id, const char *jobcenter,
                                 char *from, ks_error *err);
int ks_assign_jobcenter(ks_store *s, const char *case_id, const char *jobcenter, char *from,
                        ks_error *err) {
    KS_RETRYING(s, assign_jobcenter_once(s, case_id, jobcenter, from, err));
}

static int assign_jobcenter_once(ks_store *s, const char *case_id, const char *jobcenter,
                                 char *from, ks_error *err) {
    int rc = ks__check_id("jobcentre", jobcenter, err);
    if (rc == KS_OK) rc = ks__begin(s, err);
    if (rc != KS_OK) return rc;
    char cur[65] = "", cw[65] = "";
    rc = case_exists(s, case_id, cur, cw, err);
    if (from) snprintf(from, 65, "%s", cur);
    if (rc == KS_OK && strcmp(cur, jobcenter) == 0)
        rc = ks__fail(err, KS_EINVALID, "case '%s' is already in jobcentre '%s'", case_id, jobcenter);
    for (int k = 0; rc == KS_OK && k < 2; k++) {
        if (k == 1 && !cw[0]) break; /* nobody to take it from */
        json_t *v = k == 0 ? json_pack("{s:s}", "jobcenter", jobcenter) : json_pack("{s:n}", "caseworker");
        char *canon = v ? ks__canon(v) : NULL;
        json_decref(v);
        if (!canon) {
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
            break;
        }
        char identity[64], now[25];
        snprintf(identity, sizeof identity, "assign:%ld", ks__next_seq(s));
        ks__now(s, now);
        rc = ks__insert_event(s, case_id, KS_ASSIGN, canon, identity, 0, now, NULL, err);
        free(canon);
        ks_q *st = rc == KS_OK ? ks__stmt(s, k == 0 ? ST_CASE_SET_JOBCENTER : ST_CASE_SET_CASEWORKER, err) : NULL;
        if (rc == KS_OK && !st) rc = KS_EDB;
        if (st) {
            ks_q_bind_text_static(st, 1, case_id, -1);
            if (k == 0) ks_q_bind_text_static(st, 2, jobcenter, -1);
            else ks_q_bind_null(st, 2);
            if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "cases");
            ks_q_reset(st);
        }
    }
    if (rc == KS_OK && s->log_pending) {
        /* one row under each jobcentre, in the move's transaction: each
         * one's auditor sees the case leave or come */
        snprintf(s->log_jobcenter, sizeof s->log_jobcenter, "%s", cur);
        rc = ks__write_pending_log(s, 0, err);
        if (rc == KS_OK) {
            s->log_pending = 1;
            snprintf(s->log_jobcenter, sizeof s->log_jobcenter, "%s", jobcenter);
            rc = ks__write_pending_log(s, 0, err);
        }
    }
    if (rc == KS_OK) rc = ks__commit(s, err);
    else ks__rollback(s);
    return rc;
}

/* ---- reading ------------------------------------------------------------------- */

int ks_case_info_get(ks_store *s, const char *case_id, ks_case_info *out, ks_error *err) {
    memset(out, 0, sizeof *out);
    ks_q *st;
    if (ks_db_prepare(s->db,
                      "SELECT jobcenter, caseworker, created_at, "
                      "(SELECT count(*) FROM events WHERE case_id = ?1) FROM cases WHERE id = ?1",
                      &st) != 0)
        return ks__dbfail(s, err, "cases");
    ks_q_bind_text_static(st, 1, case_id, -1);
    int r = ks_q_step(st), rc = KS_OK;
    if (r == KS_Q_ROW) {
        const char *j = ks_q_text(st, 0);
        const char *c = ks_q_text(st, 1);
        const char *t = ks_q_text(st, 2);
        snprintf(out->id, sizeof out->id, "%s", case_id);
        snprintf(out->jobcenter, sizeof out->jobcenter, "%s", j ? j : "");
        snprintf(out->caseworker, sizeof out->caseworker, "%s", c ? c : "");
        snprintf(out->created_at, sizeof out->created_at, "%s", t ? t : "");
        out->events = (long)ks_q_int64(st, 3);
    } else if (r == KS_Q_DONE) {
        rc = ks__fail(err, KS_ENOTFOUND, "no case '%s' in the store", case_id);
    } else {
        rc = ks__dbfail(s, err, "cases");
    }
    ks_q_finalize(st);
    if (rc == KS_ENOTFOUND && s->pg) {
        /* hidden by row-level security? Its jobcentre only (so that the
         * caller can refuse it as another jobcentre's, as on SQLite) */
        char jc[65] = "";
        if (ks_db_prepare(s->db, "SELECT kontakt_case_jobcenter(?1)", &st) == 0) {
            ks_q_bind_text_static(st, 1, case_id, -1);
            if (ks_q_step(st) == KS_Q_ROW && !ks_q_is_null(st, 0))
                snprintf(jc, sizeof jc, "%s", ks_q_text(st, 0));
            ks_q_finalize(st);
        }
        if (jc[0]) {
            snprintf(out->id, sizeof out->id, "%s", case_id);
            snprintf(out->jobcenter, sizeof out->jobcenter, "%s", jc);
            rc = KS_OK;
        }
    }
    return rc;
}

int ks_case_json(ks_store *s, const char *case_id, const char *known_at, char **json,
                 ks_error *err) {
    *json = NULL;
    int rc = case_exists(s, case_id, NULL, NULL, err);
    if (rc != KS_OK) return rc;
    ks_evlist l = {0};
    rc = ks__load_events(s, case_id, known_at, &l, err);
    if (rc == KS_OK) {
        if (l.n == 0) {
            rc = ks__fail(err, KS_ENOTFOUND, "case %s was not yet known at %s", case_id,
                          known_at ? known_at : "that time");
        } else {
            json_t *cj = ks__build_case(case_id, &l);
            *json = cj ? json_dumps(cj, JSON_COMPACT) : NULL;
            json_decref(cj);
            if (!*json) rc = ks__fail(err, KS_ENOMEM, "out of memory");
        }
    }
    ks__evlist_free(&l);
    return rc;
}

int ks_events_each(ks_store *s, const char *case_id, const char *known_at,
                   int (*fn)(void *ctx, const ks_event_view *ev), void *ctx, ks_error *err) {
    ks_q *st;
    const char *sql = known_at ? "SELECT seq, kind, body, corrects, recorded_at, recorded_by FROM "
                                 "events WHERE case_id = ?1 AND recorded_at <= ?2 ORDER BY seq"
                               : "SELECT seq, kind, body, corrects, recorded_at, recorded_by FROM "
                                 "events WHERE case_id = ?1 ORDER BY seq";
    if (ks_db_prepare(s->db, sql, &st) != 0) return ks__dbfail(s, err, "events");
    ks_q_bind_text_static(st, 1, case_id, -1);
    if (known_at) ks_q_bind_text_static(st, 2, known_at, -1);
    int r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        ks_event_view ev = {
            .seq = (long)ks_q_int64(st, 0),
            .kind = (ks_kind)ks__kind_parse(ks_q_text(st, 1)),
            .body = ks_q_text(st, 2),
            .corrects = (long)ks_q_int64(st, 3),
            .recorded_at = ks_q_text(st, 4),
            .recorded_by = ks_q_text(st, 5),
        };
        if (fn(ctx, &ev)) {
            r = KS_Q_DONE;
            break;
        }
    }
    int rc = r == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "events");
    ks_q_finalize(st);
    return rc;
}
