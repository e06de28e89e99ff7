/* demo.c -- `kontakt db demo`: a synthetic caseload of a fictional
 * jobcentre, from the caseload generator (synth.c, which the benchmarks use
 * too), moved in time so that each case's own as_of is the store's today.
 *
 * The generator draws conversations at a plausible rhythm but knows no
 * rules, so on its own it meets only 20-30 % of the duties on time. A real
 * jobcentre works through its worklist: here each case goes through the
 * engine, and every duty whose deadline has passed is held on time, held
 * late or missed, by a fixed draw per duty (WORK_ON_TIME, WORK_LATE), until
 * the plan no longer changes. docs/store.md gives the resulting figures. */
#define _POSIX_C_SOURCE 200809L
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEMO_SEED 20261123u
#define DEMO_CASEWORKERS 8

/* Per mille of past duties held on time and held late; the rest are missed. */
#define WORK_ON_TIME 840
#define WORK_LATE 60
/* A chain of recurring duties is resolved one occurrence per round. */
#define WORK_ROUNDS 60

static uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t hash_str(uint64_t h, const char *s) {
    while (*s) h = mix64(h ^ (unsigned char)*s++);
    return h;
}

/* A duty, once acted on, is not acted on again (no loop where what was
 * added does not count). */
typedef struct seen {
    uint64_t *key;
    size_t n, cap;
} seen;

static int seen_add(seen *s, uint64_t k) {
    for (size_t i = 0; i < s->n; i++)
        if (s->key[i] == k) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 32;
        uint64_t *p = realloc(s->key, cap * sizeof *p);
        if (!p) return 0;
        s->key = p;
        s->cap = cap;
    }
    s->key[s->n++] = k;
    return 1;
}

/* A working day in [lo, hi] near d: Saturdays and Sundays move back. */
static kt_date workday(kt_date d, kt_date lo, kt_date hi) {
    if (d > hi) d = hi;
    int w = kt_date_weekday(d); /* Monday = 0 */
    if (w >= 5 && d - (w - 4) >= lo) d -= w - 4;
    return d < lo ? lo : d;
}

static json_t *date_json(kt_date d) {
    char buf[11];
    kt_date_format(d, buf);
    return json_string(buf);
}

static int add_conversation(json_t *root, kt_date d, const kt_obligation *o, const char *topic) {
    static const int pref[] = {KT_HOLDER_JOBCENTER, KT_HOLDER_A_KASSE, KT_HOLDER_FAELLES,
                               KT_HOLDER_ANDEN_AKTOER};
    int holder = KT_HOLDER_JOBCENTER, form = KT_FORM_FREMMOEDE;
    for (int i = 0; o->holders && i < 4; i++)
        if (o->holders & (1u << pref[i])) {
            holder = pref[i];
            break;
        }
    if (o->forms && !(o->forms & (1u << KT_FORM_FREMMOEDE)))
        for (int i = 0; i < KT_FORM_COUNT; i++)
            if (o->forms & (1u << i)) {
                form = i;
                break;
            }
    json_t *cv = json_pack("{s:o, s:s, s:s}", "date", date_json(d), "holder",
                           kt_holder_name(holder), "form", kt_form_name(form));
    if (cv && topic) json_object_set_new(cv, "topics", json_pack("[s]", topic));
    return json_array_append_new(json_object_get(root, "conversations"), cv);
}

static int add_event(json_t *root, kt_date d, const char *type) {
    return json_array_append_new(json_object_get(root, "events"),
                                 json_pack("{s:s, s:o}", "type", type, "date", date_json(d)));
}

/* What meets a duty of this kind (rules.md), on day d; 1 if something was
 * added. n: conversations still missing for a conversation duty. */
static int meet(json_t *root, const kt_obligation *o, kt_date lo, kt_date hi, uint64_t h) {
    const char *k = o->kind;
    const kt_date d = workday(lo + (kt_date)(h % (uint64_t)(hi - lo + 1)), lo, hi);
    if (!strcmp(k, "samtale")) {
        int n = o->required - o->counted;
        if (n < 1) n = 1;
        for (int i = 0; i < n; i++) { /* spread over the window */
            const kt_date di = workday(lo + (kt_date)((hi - lo) * (i + 1) / (n + 1)), lo, hi);
            if (add_conversation(root, n == 1 ? d : di, o, NULL)) return 0;
        }
        return 1;
    }
    if (!strcmp(k, "cv")) return !add_event(root, d, "cv_oprettet");
    if (!strcmp(k, "test")) return !add_event(root, d, "laese_skrive_regnetest");
    if (!strcmp(k, "koordinerende_sagsbehandler"))
        return !add_event(root, d, "koordinerende_sagsbehandler");
    if (!strcmp(k, "tilbud")) {
        if (!strcmp(o->rule, "kh.barsel"))
            return !add_conversation(root, d, o, "barsel_tilknytning");
        if (strstr(o->rule, "test")) return !add_event(root, d, "laese_skrive_regnetest");
        return 0;
    }
    if (!strcmp(k, "vejledning")) {
        const char *t = !strcmp(o->rule, "kh.vejledning_225")            ? "225_timers_reglen"
                        : !strcmp(o->rule, "all.vejledning_repatriering") ? "repatriering"
                        : !strcmp(o->rule, "dp.vejledning_6_uger") ? "seks_ugers_jobrettet_uddannelse"
                                                                   : NULL;
        return t && !add_conversation(root, d, o, t);
    }
    return 0;
}

/* The jobcentre at work on one case (the comment at the top). 0, or -1 when
 * out of memory; a case the engine refuses is left as it is (the import
 * reports it). */
static int work_case(const kt_engine *e, kt_date today, uint64_t index, json_t *root) {
    seen done = {0};
    int rc = 0;
    for (int round = 0; round < WORK_ROUNDS; round++) {
        char *text = json_dumps(root, JSON_COMPACT);
        if (!text) {
            rc = -1;
            break;
        }
        kt_case *c = NULL;
        kt_plan *p = NULL;
        kt_problems *probs = NULL;
        kt_plan_options po;
        kt_plan_options_init(&po);
        po.as_of = po.today = today;
        po.horizon_days = 0;
        int ok = kt_case_parse(text, strlen(text), &c, &probs) == KT_OK &&
                 kt_plan_compute(e, c, &po, &p) == KT_OK;
        free(text);
        kt_problems_free(probs);
        kt_case_free(c);
        int changed = 0;
        for (size_t i = 0; ok && i < kt_plan_count(p); i++) {
            kt_obligation o;
            kt_plan_get(p, i, &o);
            if ((o.status != KT_OVERDUE && o.status != KT_LATE) || o.to == KT_NO_DATE ||
                o.to >= today || o.from > o.to)
                continue;
            uint64_t h = mix64(DEMO_SEED ^ mix64(index));
            h = mix64(hash_str(h, o.rule) ^ (uint64_t)o.course * 0x100000001b3ULL);
            h = mix64(h ^ (uint64_t)(uint32_t)o.from);
            if (!seen_add(&done, h)) continue;
            const uint64_t fate = h % 1000;
            if (fate < WORK_ON_TIME) {
                changed |= meet(root, &o, o.from, o.to, h >> 10);
            } else if (fate < WORK_ON_TIME + WORK_LATE && o.status == KT_OVERDUE) {
                const kt_date d = o.to + 1 + (kt_date)((h >> 10) % 30);
                if (d <= today) changed |= meet(root, &o, d, d, 0);
            }
        }
        kt_plan_free(p);
        if (!ok || !changed) break;
    }
    free(done.key);
    return rc;
}

/* The first demo number not yet used in the store: a second `db demo` adds
 * new cases (demo-N, N from here), never touches the old ones. */
static int first_free_number(ks_store *s, long *first, ks_error *err) {
    ks_q *st;
    /* ids "demo-" and a digit: the range of them (':' follows '9') */
    if (ks_db_prepare(s->db,
                      "SELECT max(CAST(substr(id, 6) AS INTEGER)) FROM cases "
                      "WHERE id >= 'demo-0' AND id < 'demo-:'",
                      &st) != 0)
        return ks__dbfail(s, err, "find the demo cases");
    int rc = ks_q_step(st);
    *first = rc == KS_Q_ROW && !ks_q_is_null(st, 0)
                 ? (long)ks_q_int64(st, 0) + 1
                 : 0;
    ks_q_finalize(st);
    if (rc != KS_Q_ROW) return ks__dbfail(s, err, "find the demo cases");
    return KS_OK;
}

int ks_demo(ks_store *s, long n, const char *jobcenter, ks_import_result *res, ks_error *err) {
    if (n < 1 || n > 10000000) return ks__fail(err, KS_EINVALID, "--cases takes 1 to 10000000");
    if (ks__check_id("jobcentre", jobcenter, err) != KS_OK) return KS_EINVALID;
    kt_date today = ks_today(s);
    if (!ks_synth_today_ok(today))
        return ks__fail(err, KS_EINVALID, "demo data is made for a today from 2000 to 2030");
    long first;
    int rc = first_free_number(s, &first, err);
    if (rc != KS_OK) return rc;
    if (first > 999999999L - n)
        return ks__fail(err, KS_EINVALID, "no demo numbers left (the store has demo-%ld)", first - 1);
    ks_synth *g = ks_synth_new(DEMO_SEED, 1, KS_SYNTH_MIX_DEFAULT);
    char *buf = malloc(KS_SYNTH_CASE_MAX);
    FILE *tmp = tmpfile();
    if (!g || !buf || !tmp) rc = ks__fail(err, KS_ENOMEM, "out of memory or no temporary file");
    for (long i = first; rc == KS_OK && i < first + n; i++) {
        int caseworker;
        size_t len = ks_synth_case(g, (uint64_t)i, today, buf, &caseworker);
        json_error_t je;
        json_t *root = json_loadb(buf, len, 0, &je);
        char id[32], cw[32];
        snprintf(id, sizeof id, "demo-%06ld", i);
        snprintf(cw, sizeof cw, "cw-%02d", 1 + caseworker % DEMO_CASEWORKERS);
        if (!root || json_object_set_new(root, "id", json_string(id)) ||
            json_object_set_new(root, "jobcenter", json_string(jobcenter)) ||
            json_object_set_new(root, "caseworker", json_string(cw)) ||
            json_object_del(root, "as_of"))
            rc = ks__fail(err, KS_EIO, "demo data: %s", root ? "out of memory" : je.text);
        else if (work_case(s->engine, today, (uint64_t)i, root))
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
        else if (json_dumpf(root, tmp, JSON_COMPACT) || fputc('\n', tmp) == EOF)
            rc = ks__fail(err, KS_EIO, "demo data: cannot write a temporary file");
        json_decref(root);
    }
    free(buf);
    ks_synth_free(g);
    if (rc == KS_OK) {
        rewind(tmp);
        ks_import_options io = {KS_FORMAT_NDJSON, jobcenter};
        rc = ks_import(s, tmp, &io, NULL, NULL, res, err);
    }
    if (tmp) fclose(tmp);
    return rc;
}
