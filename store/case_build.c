/* case_build.c -- a case assembled from its events (docs/store.md, "Cases
 * from events"): corrections applied, categories placed in their periods. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int ks__evlist_push(ks_evlist *l, long seq, int kind, json_t *body, long corrects,
                    const char *identity) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        ks_ev *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            json_decref(body);
            return KS_ENOMEM;
        }
        l->v = v;
        l->cap = cap;
    }
    char *id = strdup(identity ? identity : "");
    if (!id) {
        json_decref(body);
        return KS_ENOMEM;
    }
    l->v[l->n++] = (ks_ev){seq, kind, body, corrects, id};
    return KS_OK;
}

void ks__evlist_free(ks_evlist *l) {
    for (size_t i = 0; i < l->n; i++) {
        json_decref(l->v[i].body);
        free(l->v[i].identity);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int ks__load_events(ks_store *s, const char *case_id, const char *known_at, ks_evlist *l,
                    ks_error *err) {
    ks_q *st = ks__stmt(s, known_at ? ST_EVENTS_OF_CASE_AT : ST_EVENTS_OF_CASE, err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, case_id, -1);
    if (known_at) ks_q_bind_text_static(st, 2, known_at, -1);
    int rc;
    while ((rc = ks_q_step(st)) == KS_Q_ROW) {
        const char *kind = ks_q_text(st, 1);
        const char *body = ks_q_text(st, 2);
        json_error_t je;
        json_t *b = json_loads(body ? body : "", JSON_DECODE_ANY, &je);
        int k = ks__kind_parse(kind);
        if (!b || k < 0) {
            json_decref(b);
            ks_q_reset(st);
            return ks__fail(err, KS_EFOREIGN, "case %s: event %lld is damaged", case_id,
                            (long long)ks_q_int64(st, 0));
        }
        int r = ks__evlist_push(l, (long)ks_q_int64(st, 0), k, b,
                                (long)ks_q_int64(st, 3),
                                ks_q_text(st, 4));
        if (r != KS_OK) {
            ks_q_reset(st);
            return ks__fail(err, r, "out of memory");
        }
    }
    if (rc != KS_Q_DONE) {
        rc = ks__dbfail(s, err, "reading events");
        ks_q_reset(st);
        return rc;
    }
    ks_q_reset(st);
    return KS_OK;
}

static long index_of_seq(const ks_evlist *l, long seq) {
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid].seq < seq) lo = mid + 1;
        else hi = mid;
    }
    return lo < l->n && l->v[lo].seq == seq ? (long)lo : -1;
}

long ks__root_of(const ks_evlist *l, long seq) {
    for (int guard = 0; guard < 64; guard++) {
        long i = index_of_seq(l, seq);
        if (i < 0 || l->v[i].kind != KS_CORRECTION) return seq;
        seq = l->v[i].corrects;
    }
    return seq;
}

static int is_retraction(const json_t *b) { return json_is_true(json_object_get(b, "retract")); }

const json_t *ks__effective(const ks_evlist *l, size_t i) {
    if (l->v[i].kind == KS_CORRECTION) return NULL;
    const json_t *b = l->v[i].body;
    for (size_t j = i + 1; j < l->n; j++)
        if (l->v[j].kind == KS_CORRECTION && ks__root_of(l, l->v[j].corrects) == l->v[i].seq)
            b = is_retraction(l->v[j].body) ? NULL : l->v[j].body;
    return b;
}

static const char *str_member(const json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

/* Sorts a categories array by "from" (stable). */
static void sort_categories(json_t *cats) {
    size_t n = json_array_size(cats);
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0; j--) {
            const char *a = str_member(json_array_get(cats, j - 1), "from");
            const char *b = str_member(json_array_get(cats, j), "from");
            if (!a || !b || strcmp(a, b) <= 0) break;
            json_t *x = json_incref(json_array_get(cats, j - 1));
            json_array_set(cats, j - 1, json_array_get(cats, j));
            json_array_set_new(cats, j, x);
        }
    }
}

/* The benefit period a category change on `from` belongs to: the one that
 * contains the day (the latest begun, if several), else the latest begun
 * before it, else the first. */
static json_t *period_for(json_t *benefits, const char *from) {
    json_t *best = NULL, *before = NULL;
    const char *best_from = NULL, *before_from = NULL;
    size_t i;
    json_t *b;
    json_array_foreach(benefits, i, b) {
        const char *f = str_member(b, "from");
        const char *t = str_member(b, "to");
        if (!f || strcmp(f, from) > 0) continue;
        if ((!t || strcmp(from, t) <= 0) && (!best_from || strcmp(f, best_from) >= 0)) {
            best = b;
            best_from = f;
        }
        if (!before_from || strcmp(f, before_from) >= 0) {
            before = b;
            before_from = f;
        }
    }
    if (best) return best;
    if (before) return before;
    return json_array_get(benefits, 0);
}

json_t *ks__build_case(const char *case_id, const ks_evlist *l) {
    const json_t **eff = calloc(l->n ? l->n : 1, sizeof *eff);
    json_t *root = json_object();
    json_t *benefits = json_array(), *convs = json_array(), *events = json_array();
    if (!eff || !root || !benefits || !convs || !events) goto oom;
    for (size_t i = 0; i < l->n; i++) eff[i] = l->v[i].kind == KS_CORRECTION ? NULL : l->v[i].body;
    for (size_t j = 0; j < l->n; j++) {
        if (l->v[j].kind != KS_CORRECTION) continue;
        long r = index_of_seq(l, ks__root_of(l, l->v[j].corrects));
        if (r >= 0 && l->v[r].kind != KS_CORRECTION)
            eff[r] = is_retraction(l->v[j].body) ? NULL : l->v[j].body;
    }
    const json_t *person = NULL;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].kind == KS_PERSON && eff[i]) person = eff[i];
    if (json_object_set_new(root, "id", json_string(case_id))) goto oom;
    if (person && json_object_set_new(root, "person", json_deep_copy(person))) goto oom;
    for (size_t i = 0; i < l->n; i++) {
        if (!eff[i]) continue;
        json_t *dst = l->v[i].kind == KS_BENEFIT ? benefits
                      : l->v[i].kind == KS_CONVERSATION ? convs
                      : l->v[i].kind == KS_EVENT ? events : NULL;
        if (dst && json_array_append_new(dst, json_deep_copy(eff[i]))) goto oom;
    }
    /* category changes go into the period they fall in */
    for (size_t i = 0; i < l->n; i++) {
        if (!eff[i] || l->v[i].kind != KS_CATEGORY) continue;
        const char *from = str_member(eff[i], "from");
        json_t *p = from ? period_for(benefits, from) : NULL;
        if (!p) continue;
        json_t *cats = json_object_get(p, "categories");
        if (!json_is_array(cats)) {
            cats = json_array();
            if (!cats || json_object_set_new(p, "categories", cats)) goto oom;
        }
        if (json_array_append_new(cats, json_deep_copy(eff[i]))) goto oom;
        sort_categories(cats);
    }
    free(eff);
    if (json_object_set_new(root, "benefits", benefits) ||
        json_object_set_new(root, "conversations", convs) ||
        json_object_set_new(root, "events", events)) {
        json_decref(root);
        return NULL;
    }
    return root;
oom:
    free(eff);
    json_decref(root);
    json_decref(benefits);
    json_decref(convs);
    json_decref(events);
    return NULL;
}
