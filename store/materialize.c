/* materialize.c -- a case's plan kept as rows (obligations, plans) so that
 * worklists, reports and forecasts are queries, not recomputations. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest a stored plan is trusted without a new event, whatever
 * kt_plan_valid_until says: a safety net against a rule whose turning day
 * the engine does not report (docs/store.md, "valid_until"). */
#define KS_PLAN_VALID_DAYS 30
/* Cases a refresh recomputes in one transaction: short enough that a
 * caseworker's write waits at most a few tens of milliseconds. */
#define KS_REFRESH_BATCH 200

static void bind_date(ks_q *st, int i, kt_date d) {
    if (d == KT_NO_DATE) {
        ks_q_bind_null(st, i);
        return;
    }
    char t[11];
    kt_date_format(d, t);
    ks_q_bind_text(st, i, t, 10);
}

static void bind_str(ks_q *st, int i, const char *s) {
    if (s && *s) ks_q_bind_text_static(st, i, s, -1);
    else ks_q_bind_null(st, i);
}

int ks__plan(const kt_engine *e, kt_date today, const char *case_id, const kt_case *c,
             kt_plan **p, ks_error *err) {
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.today = o.as_of = today;
    o.ahead = 1; /* a period recorded before it starts has its duties listed */
    *p = NULL;
    int rc = kt_plan_compute(e, c, &o, p);
    if (rc != KT_OK)
        return ks__fail(err, rc == KT_ENOMEM ? KS_ENOMEM : KS_EINVALID, "case %s: plan: %s",
                        case_id, kt_strerror(rc));
    return KS_OK;
}

kt_date ks__plan_valid_until(kt_date as_of, const kt_plan *p) {
    kt_date valid_until = as_of + KS_PLAN_VALID_DAYS, vu = kt_plan_valid_until(p);
    if (vu != KT_NO_DATE && vu < valid_until) valid_until = vu;
    return valid_until;
}

int ks__materialize(ks_store *s, const char *case_id, const kt_case *c, int fresh,
                    ks_error *err) {
    kt_plan *p = NULL;
    int rc = ks__plan(s->engine, ks_today(s), case_id, c, &p, err);
    if (rc != KS_OK) return rc;
    rc = ks__write_plan(s, case_id, p, fresh, err);
    kt_plan_free(p);
    return rc;
}

void ks__bind_obligation(ks_q *st, const char *case_id, size_t i, const kt_obligation *ob,
                         const ks__ob_extra *x) {
    ks_q_bind_text_static(st, 1, case_id, -1);
    ks_q_bind_int64(st, 2, (long long)i);
    ks_q_bind_text_static(st, 3, ob->rule, -1);
    bind_str(st, 4, ob->kind);
    bind_str(st, 5, ob->benefit);
    bind_str(st, 6, ob->generation);
    bind_date(st, 7, ob->from);
    bind_date(st, 8, ob->to);
    ks_q_bind_text_static(st, 9, kt_ob_status_name(ob->status), -1);
    ks_q_bind_int64(st, 10, ob->required);
    ks_q_bind_int64(st, 11, ob->counted);
    bind_date(st, 12, ob->met_on);
    bind_str(st, 13, ob->exempt_reason);
    ks_q_bind_int64(st, 14, ob->stopped_days);
    ks_q_bind_int64(st, 15, ob->beyond);
    bind_str(st, 16, ob->group);
    if (ob->quota_holder >= 0) ks_q_bind_int64(st, 17, ob->quota_holder);
    else ks_q_bind_null(st, 17);
    ks_q_bind_int64(st, 18, ob->provisional != 0);
    bind_str(st, 19, ob->a_kasse);
    bind_date(st, 20, x->course_end);
    bind_str(st, 21, x->jobcenter);
    bind_str(st, 22, x->caseworker);
    ks_q_bind_int64(st, 23, ob->forms); /* schema 6 */
    ks_q_bind_int64(st, 24, ob->agenda_next);
}

/* A row's columns (after case_id and idx) as one string, to tell a changed
 * row from an unchanged one. NULL and "" are the same (bind_str stores ""
 * as NULL). */
enum { ROW_COLS = 22 };
static char *row_key(const char *const col[ROW_COLS]) {
    size_t n = 0;
    for (int k = 0; k < ROW_COLS; k++) n += (col[k] ? strlen(col[k]) : 0) + 1;
    char *key = malloc(n + 1), *q = key;
    if (!key) return NULL;
    for (int k = 0; k < ROW_COLS; k++) {
        size_t l = col[k] ? strlen(col[k]) : 0;
        memcpy(q, col[k] ? col[k] : "", l);
        q += l;
        *q++ = '\x1f';
    }
    *q = '\0';
    return key;
}

static char *new_row_key(const kt_obligation *ob, const ks__ob_extra *x) {
    char from[11] = "", to[11] = "", met[11] = "", end[11] = "", req[16], cnt[16], stop[16], bey[16];
    char quota[16] = "", prov[4], forms[8], agenda[8];
    snprintf(forms, sizeof forms, "%u", ob->forms & 0xffu);
    snprintf(agenda, sizeof agenda, "%d", ob->agenda_next & 0xff);
    if (ob->quota_holder >= 0) snprintf(quota, sizeof quota, "%d", ob->quota_holder);
    snprintf(prov, sizeof prov, "%d", ob->provisional != 0);
    if (ob->from != KT_NO_DATE) kt_date_format(ob->from, from);
    if (ob->to != KT_NO_DATE) kt_date_format(ob->to, to);
    if (ob->met_on != KT_NO_DATE) kt_date_format(ob->met_on, met);
    if (x->course_end != KT_NO_DATE) kt_date_format(x->course_end, end);
    snprintf(req, sizeof req, "%d", ob->required);
    snprintf(cnt, sizeof cnt, "%d", ob->counted);
    snprintf(stop, sizeof stop, "%d", ob->stopped_days);
    snprintf(bey, sizeof bey, "%d", ob->beyond);
    const char *col[ROW_COLS] = {ob->rule, ob->kind, ob->benefit, ob->generation, from, to,
                                 kt_ob_status_name(ob->status), req, cnt, met,
                                 ob->exempt_reason, stop, bey, ob->group, quota, prov,
                                 ob->a_kasse, end, x->jobcenter, x->caseworker, forms, agenda};
    return row_key(col);
}

/* The case's rows as they are: keys by idx. */
static int old_rows(ks_store *s, const char *case_id, char ***keys, size_t *n, ks_error *err) {
    *keys = NULL;
    *n = 0;
    ks_q *st = ks__stmt(s, ST_OBLIGATIONS_OF_CASE, err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, case_id, -1);
    int r, rc = KS_OK;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        long long idx = ks_q_int64(st, 0);
        if (idx < 0 || idx > 100000) continue;
        if ((size_t)idx >= *n) {
            char **v = realloc(*keys, ((size_t)idx + 1) * sizeof *v);
            if (!v) {
                rc = ks__fail(err, KS_ENOMEM, "out of memory");
                break;
            }
            for (size_t k = *n; k <= (size_t)idx; k++) v[k] = NULL;
            *keys = v;
            *n = (size_t)idx + 1;
        }
        const char *col[ROW_COLS];
        for (int k = 0; k < ROW_COLS; k++) col[k] = ks_q_text(st, k + 1);
        (*keys)[idx] = row_key(col);
    }
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(s, err, "obligations");
    ks_q_reset(st);
    return rc;
}

/* The case's jobcentre and caseworker ("" for none; ids are at most 64 bytes). */
#define OWNER_MAX 256
static int case_owner(ks_store *s, const char *case_id, char jc[OWNER_MAX],
                      char cw[OWNER_MAX], ks_error *err) {
    ks_q *st = ks__stmt(s, ST_CASE_OWNER, err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, case_id, -1);
    int r = ks_q_step(st);
    if (r == KS_Q_ROW) {
        const char *a = ks_q_text(st, 0), *b = ks_q_text(st, 1);
        snprintf(jc, OWNER_MAX, "%s", a ? a : "");
        snprintf(cw, OWNER_MAX, "%s", b ? b : "");
    }
    ks_q_reset(st);
    return r == KS_Q_ROW || r == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "cases");
}

int ks__write_plan(ks_store *s, const char *case_id, const kt_plan *p, int fresh, ks_error *err) {
    int rc = KS_OK;
    kt_date as_of = ks_today(s);
    char **old = NULL;
    size_t n_old = 0;
    ks_q *st;
    /* A rewritten case changes only the rows that differ (a conversation
     * usually changes one or two): fewer pages in the log at each commit. */
    if (!fresh && (rc = old_rows(s, case_id, &old, &n_old, err)) != KS_OK) goto out;
    kt_date valid_until = ks__plan_valid_until(as_of, p);
    size_t n = kt_plan_count(p);
    int rows = fresh != KS_FRESH_PLAN_ONLY;
    st = rows ? ks__stmt(s, fresh ? ST_OBLIGATION_INSERT : ST_OBLIGATION_UPSERT, err) : NULL;
    if (rows && !st) goto fail;
    /* the case's jobcentre and caseworker go with each row (schema 4) */
    char jc[OWNER_MAX] = "", cw[OWNER_MAX] = "";
    if (rows && (rc = case_owner(s, case_id, jc, cw, err)) != KS_OK) goto out;
    for (size_t i = 0; i < n; i++) {
        kt_obligation ob;
        kt_plan_get(p, i, &ob);
        ks__ob_extra x = {kt_plan_course_end(p, ob.course), jc, cw};
        if (!rows) continue;
        if (i < n_old && old[i]) {
            char *key = new_row_key(&ob, &x);
            int same = key && strcmp(key, old[i]) == 0;
            free(key);
            if (same) continue;
        }
        ks_q_reset(st);
        ks__bind_obligation(st, case_id, i, &ob, &x);
        if (ks_q_step(st) != KS_Q_DONE) {
            rc = ks__dbfail(s, err, "obligations");
            goto out;
        }
    }
    if (st) ks_q_reset(st);
    if (n_old > n) {
        st = ks__stmt(s, ST_OBLIGATIONS_DELETE_FROM, err);
        if (!st) goto fail;
        ks_q_bind_text_static(st, 1, case_id, -1);
        ks_q_bind_int64(st, 2, (long long)n);
        int r = ks_q_step(st);
        ks_q_reset(st);
        if (r != KS_Q_DONE) {
            rc = ks__dbfail(s, err, "obligations");
            goto out;
        }
    }
    char now[25];
    ks__now(s, now);
    int touched = 0;
    if (!fresh) {
        /* same day and same validity: only computed_at changes (no index) */
        st = ks__stmt(s, ST_PLAN_TOUCH, err);
        if (!st) goto fail;
        ks_q_bind_text_static(st, 1, case_id, -1);
        bind_date(st, 2, as_of);
        ks_q_bind_text_static(st, 3, now, -1);
        bind_date(st, 4, valid_until);
        int r = ks_q_step(st);
        ks_q_reset(st);
        if (r != KS_Q_DONE) {
            rc = ks__dbfail(s, err, "plans");
            goto out;
        }
        touched = ks_db_changes(s->db) == 1;
    }
    if (!touched) {
        st = ks__stmt(s, ST_PLAN_UPSERT, err);
        if (!st) goto fail;
        ks_q_bind_text_static(st, 1, case_id, -1);
        bind_date(st, 2, as_of);
        ks_q_bind_text_static(st, 3, now, -1);
        bind_date(st, 4, valid_until);
        ks_q_bind_null(st, 5); /* plan_json: not stored (docs/store.md, "Plans") */
        int r = ks_q_step(st);
        ks_q_reset(st);
        rc = r == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "plans");
    }
out:
    for (size_t i = 0; i < n_old; i++) free(old[i]);
    free(old);
    return rc;
fail:
    for (size_t i = 0; i < n_old; i++) free(old[i]);
    free(old);
    return err ? err->status : KS_EDB;
}

void ks__report_problems(const kt_problems *p, ks_problem_fn fn, void *ctx, long line) {
    if (!fn || !p) return;
    for (size_t i = 0; i < kt_problems_count(p); i++) {
        kt_problem q;
        kt_problems_get(p, i, &q);
        fn(ctx, line, q.pointer, q.message, q.expected, q.column);
    }
}

int ks__rebuild(ks_store *s, const char *case_id, ks_problem_fn problem, void *ctx, long line,
                ks_error *err) {
    ks_evlist l = {0};
    int rc = ks__load_events(s, case_id, NULL, &l, err);
    if (rc != KS_OK) {
        ks__evlist_free(&l);
        return rc;
    }
    json_t *cj = ks__build_case(case_id, &l);
    ks__evlist_free(&l);
    char *text = cj ? json_dumps(cj, JSON_COMPACT) : NULL;
    json_decref(cj);
    if (!text) return ks__fail(err, KS_ENOMEM, "out of memory");
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int r = kt_case_parse(text, strlen(text), &c, &pr);
    free(text);
    if (r == KT_EINVALID) {
        ks__report_problems(pr, problem, ctx, line);
        kt_problems_free(pr);
        return ks__fail(err, KS_EINVALID, "case %s would no longer be valid: nothing was written", case_id);
    }
    if (r != KT_OK) return ks__fail(err, KS_ENOMEM, "case %s: %s", case_id, kt_strerror(r));
    rc = ks__materialize(s, case_id, c, 0, err);
    kt_case_free(c);
    return rc;
}

/* Plans stale on `day`: expired (valid_until before it), or computed for a
 * later day. Both by index (plans_valid_until, plans_as_of). */
static const char stale_sql[] =
    "SELECT case_id FROM plans INDEXED BY plans_valid_until WHERE valid_until < ?1"
    " UNION ALL SELECT case_id FROM plans INDEXED BY plans_as_of"
    " WHERE as_of > ?1 AND valid_until >= ?1 LIMIT ?2";

int ks_refresh_batch(ks_store *s, kt_date as_of, long max, long *count, int *more,
                     ks_error *err) {
    if (count) *count = 0;
    if (more) *more = 0;
    if (max <= 0) max = KS_REFRESH_BATCH;
    s->today = as_of;
    int rc = ks__begin(s, err);
    if (rc != KS_OK) return rc;
    char d[11];
    kt_date_format(as_of, d);
    ks_q *st;
    if (ks__prepare(s, stale_sql, &st) != 0) {
        rc = ks__dbfail(s, err, "plans");
        ks__rollback(s);
        return rc;
    }
    ks_q_bind_text_static(st, 1, d, -1);
    ks_q_bind_int64(st, 2, (long long)max + 1); /* one more: are there more? */
    /* collect first: the loop rewrites the plans table */
    char **ids = NULL;
    size_t n = 0, cap = 0;
    int r, extra = 0;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        if ((long)n == max) {
            extra = 1;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **v = realloc(ids, cap * sizeof *v);
            if (!v) break;
            ids = v;
        }
        ids[n] = strdup(ks_q_text(st, 0));
        if (!ids[n]) break;
        n++;
    }
    if (r != KS_Q_DONE) rc = r == KS_Q_ROW ? ks__fail(err, KS_ENOMEM, "out of memory")
                                               : ks__dbfail(s, err, "plans");
    ks_q_finalize(st);
    long skipped = 0;
    for (size_t i = 0; rc == KS_OK && i < n; i++) {
        rc = ks__rebuild(s, ids[i], NULL, NULL, 0, err);
        if (rc == KS_EINVALID) {
            /* a case the engine no longer accepts keeps its rows (as a
             * migration's replan does) and stays stale, but leaves today's
             * selection, so that one case cannot hold up every refresh */
            ks_q *u;
            rc = ks__prepare(s, "UPDATE plans SET valid_until = ?2, as_of ="
                                      " CASE WHEN as_of < ?2 THEN as_of ELSE ?2 END WHERE case_id = ?1",
                               &u) == 0
                     ? KS_OK : ks__dbfail(s, err, "plans");
            if (rc == KS_OK) {
                ks_q_bind_text_static(u, 1, ids[i], -1);
                ks_q_bind_text_static(u, 2, d, -1);
                if (ks_q_step(u) != KS_Q_DONE) rc = ks__dbfail(s, err, "plans");
                ks_q_finalize(u);
            }
            skipped++;
        }
    }
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    if (rc != KS_OK) {
        ks__rollback(s);
        return rc;
    }
    rc = ks__commit(s, err);
    n -= (size_t)skipped;
    if (rc == KS_OK) {
        if (count) *count = (long)n;
        if (more) *more = extra;
    }
    return rc;
}

int ks_refresh(ks_store *s, kt_date as_of, long *count, ks_error *err) {
    if (count) *count = 0;
    /* batches, each its own short transaction: other writers get the lock
     * between them; each batch leaves its plans valid on as_of, so the next
     * one finds the rest */
    int idle = 0;
    for (;;) {
        long n = 0;
        int more = 0;
        int rc = ks_refresh_batch(s, as_of, KS_REFRESH_BATCH, &n, &more, err);
        if (rc != KS_OK) return rc;
        if (count) *count += n;
        if (!more) return KS_OK;
        if (n == 0 && ++idle > 1000) return KS_OK; /* only cases it cannot plan */
    }
}

int ks_stale_plans(ks_store *s, const char *jobcenter, kt_date day, long *count,
                   kt_date *oldest, ks_error *err) {
    *count = 0;
    *oldest = KT_NO_DATE;
    /* by plans_valid_until: cheap while few plans are stale, as after a
     * daily refresh */
    const char *sql = jobcenter
        ? "SELECT count(*), min(p.as_of) FROM plans p INDEXED BY plans_valid_until"
          " JOIN cases c ON c.id = p.case_id WHERE p.valid_until < ?1 AND c.jobcenter = ?2"
        : "SELECT count(*), min(as_of) FROM plans INDEXED BY plans_valid_until"
          " WHERE valid_until < ?1";
    ks_q *st;
    if (ks__prepare(s, sql, &st) != 0)
        return ks__dbfail(s, err, "plans");
    char d[11];
    kt_date_format(day == KT_NO_DATE ? ks_today(s) : day, d);
    ks_q_bind_text(st, 1, d, -1);
    if (jobcenter) ks_q_bind_text_static(st, 2, jobcenter, -1);
    int rc = KS_OK;
    if (ks_q_step(st) == KS_Q_ROW) {
        *count = (long)ks_q_int64(st, 0);
        const char *t = ks_q_text(st, 1);
        kt_date o;
        if (t && kt_date_parse(t, strlen(t), &o) == KT_OK) *oldest = o;
    } else {
        rc = ks__dbfail(s, err, "plans");
    }
    ks_q_finalize(st);
    return rc;
}

int ks_plan_json(ks_store *s, const char *case_id, const char *known_at, kt_date as_of,
                 char **plan_json, ks_error *err) {
    *plan_json = NULL;
    char *cj = NULL;
    int rc = ks_case_json(s, case_id, known_at, &cj, err);
    if (rc != KS_OK) return rc;
    kt_case *c = NULL;
    int r = kt_case_parse(cj, strlen(cj), &c, NULL);
    free(cj);
    if (r != KT_OK)
        return ks__fail(err, r == KT_EINVALID ? KS_EINVALID : KS_ENOMEM,
                        "case %s as stored is not a valid case", case_id);
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.as_of = o.today = as_of != KT_NO_DATE ? as_of : ks_today(s);
    o.ahead = 1; /* as the stored rows (ks__plan) */
    kt_plan *p = NULL;
    r = kt_plan_compute(s->engine, c, &o, &p);
    kt_case_free(c);
    if (r != KT_OK) return ks__fail(err, KS_EINVALID, "case %s: plan: %s", case_id, kt_strerror(r));
    kt_sb b = {0};
    r = kt_plan_write_json(p, kt_sb_write, &b);
    kt_plan_free(p);
    if (r != KT_OK || !b.p) {
        kt_sb_free(&b);
        return ks__fail(err, KS_ENOMEM, "out of memory");
    }
    *plan_json = kt_sb_take(&b);
    return KS_OK;
}
