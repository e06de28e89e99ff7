/* import.c -- `kontakt db import`: NDJSON cases and CSV conversations, the
 * whole file in one transaction, all or nothing, idempotent (docs/store.md). */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct imp {
    ks_store *s;
    const ks_import_options *o;
    ks_problem_fn problem;
    void *ctx;
    ks_import_result *res;
    ks_error *err;
    char now[25];
    long line;
} imp;

static void report(imp *im, const char *pointer, const char *message, const char *expected) {
    if (im->problem) im->problem(im->ctx, im->line, pointer, message, expected ? expected : "", 1);
}

/* Identities of one case's records in one file: the k-th identical body of
 * the same kind gets "BODY#k" (k >= 2), so duplicates survive and a second
 * import of the file finds them all. */
typedef struct seen {
    char **v;
    size_t n, cap;
} seen;

static void seen_free(seen *sn) {
    for (size_t i = 0; i < sn->n; i++) free(sn->v[i]);
    free(sn->v);
    memset(sn, 0, sizeof *sn);
}

static char *occurrence_identity(seen *sn, const char *base) {
    int k = 1;
    for (size_t i = 0; i < sn->n; i++)
        if (strcmp(sn->v[i], base) == 0) k++;
    if (sn->n == sn->cap) {
        size_t cap = sn->cap ? sn->cap * 2 : 32;
        char **v = realloc(sn->v, cap * sizeof *v);
        if (!v) return NULL;
        sn->v = v;
        sn->cap = cap;
    }
    size_t bl = strlen(base);
    char *copy = strdup(base);
    char *id = malloc(bl + 16);
    if (!copy || !id) {
        free(copy);
        free(id);
        return NULL;
    }
    sn->v[sn->n++] = copy;
    memcpy(id, base, bl + 1);
    if (k > 1) snprintf(id + bl, 16, "#%d", k);
    return id;
}

/* One record of a case line, in the store's terms. */
typedef struct item {
    int kind;
    char *body;     /* canonical JSON */
    char *identity;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static void items_free(items *it) {
    for (size_t i = 0; i < it->n; i++) {
        free(it->v[i].body);
        free(it->v[i].identity);
    }
    free(it->v);
    memset(it, 0, sizeof *it);
}

static int items_add(items *it, seen *sn, int kind, const json_t *v) {
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 32;
        item *nv = realloc(it->v, cap * sizeof *nv);
        if (!nv) return KS_ENOMEM;
        it->v = nv;
        it->cap = cap;
    }
    char *body = ks__canon(v);
    if (!body) return KS_ENOMEM;
    char *identity;
    if (kind == KS_PERSON) {
        identity = strdup("person");
    } else if (kind == KS_BENEFIT) {
        char b[160];
        const char *bn = json_string_value(json_object_get(v, "benefit"));
        const char *bf = json_string_value(json_object_get(v, "from"));
        snprintf(b, sizeof b, "benefit:%.64s:%.32s", bn ? bn : "", bf ? bf : "");
        identity = occurrence_identity(sn, b);
    } else {
        char h[KS_CONTENT_ID_LEN + 1];
        ks__content_identity(body, h);
        identity = occurrence_identity(sn, h);
    }
    if (!identity) {
        free(body);
        return KS_ENOMEM;
    }
    it->v[it->n++] = (item){kind, body, identity};
    return KS_OK;
}

static int collect_items(const json_t *root, items *it, seen *sn) {
    int rc = KS_OK;
    const json_t *person = json_object_get(root, "person");
    if (person) rc = items_add(it, sn, KS_PERSON, person);
    static const struct { const char *key; int kind; } arrays[] = {
        {"benefits", KS_BENEFIT}, {"conversations", KS_CONVERSATION}, {"events", KS_EVENT}};
    for (size_t a = 0; a < 3 && rc == KS_OK; a++) {
        const json_t *arr = json_object_get(root, arrays[a].key);
        size_t i;
        const json_t *v;
        json_array_foreach(arr, i, v) {
            rc = items_add(it, sn, arrays[a].kind, v);
            if (rc != KS_OK) break;
        }
    }
    return rc;
}

static int insert_case_row(imp *im, const char *id, const char *jobcenter, const char *caseworker) {
    sqlite3_stmt *st = ks__stmt(im->s, ST_CASE_INSERT, im->err);
    if (!st) return KS_EDB;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, jobcenter, -1, SQLITE_STATIC);
    if (caseworker) sqlite3_bind_text(st, 3, caseworker, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, im->now, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? KS_OK : ks__dbfail(im->s, im->err, "cases");
}

static int set_case_column(imp *im, ks_stmt_id which, const char *id, const char *value) {
    sqlite3_stmt *st = ks__stmt(im->s, which, im->err);
    if (!st) return KS_EDB;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (value) sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? KS_OK : ks__dbfail(im->s, im->err, "cases");
}

/* An assignment event for a changed jobcentre or caseworker. */
static int assign(imp *im, const char *id, const char *member, const char *value) {
    json_t *v = json_pack("{s:s?}", member, value);
    char *body = v ? ks__canon(v) : NULL;
    json_decref(v);
    if (!body) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    char identity[64];
    snprintf(identity, sizeof identity, "assign:%ld", im->s->next_seq);
    int rc = ks__insert_event(im->s, id, KS_ASSIGN, body, identity, 0, im->now, NULL, im->err);
    free(body);
    if (rc == KS_OK) {
        im->res->events++;
        rc = set_case_column(im, strcmp(member, "jobcenter") == 0 ? ST_CASE_SET_JOBCENTER
                                                                   : ST_CASE_SET_CASEWORKER,
                             id, value);
    }
    return rc;
}

static int write_new_case(imp *im, const char *id, const char *jobcenter, const char *caseworker,
                          const items *it, const kt_case *c) {
    int rc = insert_case_row(im, id, jobcenter, caseworker);
    for (size_t i = 0; rc == KS_OK && i < it->n; i++)
        rc = ks__insert_event(im->s, id, it->v[i].kind, it->v[i].body, it->v[i].identity, 0,
                              im->now, NULL, im->err);
    if (rc == KS_OK) rc = ks__materialize(im->s, id, c, 1, im->err);
    if (rc == KS_OK) {
        im->res->cases_new++;
        im->res->events += (long)it->n;
    }
    return rc;
}

static int merge_case(imp *im, const char *id, const json_t *root, const char *jobcenter,
                      const char *caseworker, const items *it) {
    ks_evlist l = {0};
    int rc = ks__load_events(im->s, id, NULL, &l, im->err);
    int changed = 0;
    for (size_t k = 0; rc == KS_OK && k < it->n; k++) {
        const item *x = &it->v[k];
        size_t i;
        for (i = 0; i < l.n; i++)
            if (strcmp(l.v[i].identity, x->identity) == 0) break;
        if (i == l.n) {
            rc = ks__insert_event(im->s, id, x->kind, x->body, x->identity, 0, im->now, NULL, im->err);
            im->res->events++;
            changed = 1;
            continue;
        }
        if (x->kind != KS_PERSON && x->kind != KS_BENEFIT) continue; /* same content: nothing new */
        const json_t *eff = ks__effective(&l, i);
        char *cur = eff ? ks__canon(eff) : NULL;
        int differs = !cur || strcmp(cur, x->body) != 0;
        free(cur);
        if (!differs) continue;
        char identity[64];
        snprintf(identity, sizeof identity, "correction:%ld", im->s->next_seq);
        rc = ks__insert_event(im->s, id, KS_CORRECTION, x->body, identity, l.v[i].seq, im->now,
                              NULL, im->err);
        im->res->events++;
        im->res->corrections++;
        changed = 1;
    }
    ks__evlist_free(&l);
    if (rc != KS_OK) return rc;
    /* a line's own jobcenter/caseworker members move the case */
    char cur_jc[65], cur_cw[65];
    sqlite3_stmt *st = ks__stmt(im->s, ST_CASE_GET, im->err);
    if (!st) return KS_EDB;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return ks__dbfail(im->s, im->err, "cases");
    }
    snprintf(cur_jc, sizeof cur_jc, "%s", (const char *)sqlite3_column_text(st, 0));
    const char *cw = (const char *)sqlite3_column_text(st, 1);
    snprintf(cur_cw, sizeof cur_cw, "%s", cw ? cw : "");
    sqlite3_reset(st);
    if (json_is_string(json_object_get(root, "jobcenter")) && strcmp(cur_jc, jobcenter) != 0)
        rc = assign(im, id, "jobcenter", jobcenter);
    if (rc == KS_OK && json_object_get(root, "caseworker") &&
        strcmp(cur_cw, caseworker ? caseworker : "") != 0)
        rc = assign(im, id, "caseworker", caseworker);
    if (rc == KS_OK && changed) {
        rc = ks__rebuild(im->s, id, im->problem, im->ctx, im->line, im->err);
        if (rc == KS_EINVALID) {
            im->res->invalid++;
            rc = KS_OK;
        }
        im->res->cases_changed++;
    }
    return rc;
}

/* One NDJSON line. KS_OK also for an invalid line (counted in res->invalid). */
static int import_line(imp *im, const char *text, size_t len) {
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int r = kt_case_parse(text, len, &c, &pr);
    if (r == KT_EINVALID) {
        if (im->problem) {
            for (size_t i = 0; i < kt_problems_count(pr); i++) {
                kt_problem q;
                kt_problems_get(pr, i, &q);
                im->problem(im->ctx, im->line, q.pointer, q.message, q.expected, q.column);
            }
        }
        kt_problems_free(pr);
        im->res->invalid++;
        return KS_OK;
    }
    if (r != KT_OK) return ks__fail(im->err, KS_ENOMEM, "line %ld: %s", im->line, kt_strerror(r));
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) {
        kt_case_free(c);
        return ks__fail(im->err, KS_ENOMEM, "line %ld: out of memory", im->line);
    }
    int rc = KS_OK, bad = 0;
    const json_t *jv = json_object_get(root, "jobcenter");
    const char *jobcenter = json_string_value(jv);
    if (jv && !ks__valid_name(jobcenter)) {
        report(im, "/jobcenter", "not a jobcentre id", "a string of 1-64 printable characters");
        bad = 1;
    } else if (!jv) {
        jobcenter = im->o ? im->o->jobcenter : NULL;
        if (!jobcenter) {
            report(im, "/jobcenter", "missing", "a jobcentre id (or the option --jobcenter)");
            bad = 1;
        }
    }
    const json_t *cv = json_object_get(root, "caseworker");
    const char *caseworker = json_string_value(cv);
    if (cv && !json_is_null(cv) && !ks__valid_name(caseworker)) {
        report(im, "/caseworker", "not a caseworker id", "a string of 1-64 printable characters, or null");
        bad = 1;
    }
    if (bad) im->res->invalid++;
    if (!bad && im->res->invalid == 0) {
        const char *id = kt_case_id(c);
        items it = {0};
        seen sn = {0};
        rc = collect_items(root, &it, &sn);
        if (rc != KS_OK) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
        int exists = 0;
        if (rc == KS_OK) {
            sqlite3_stmt *st = ks__stmt(im->s, ST_CASE_GET, im->err);
            if (!st) rc = KS_EDB;
            else {
                sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
                int sr = sqlite3_step(st);
                exists = sr == SQLITE_ROW;
                if (sr != SQLITE_ROW && sr != SQLITE_DONE) rc = ks__dbfail(im->s, im->err, "cases");
                sqlite3_reset(st);
            }
        }
        if (rc == KS_OK)
            rc = exists ? merge_case(im, id, root, jobcenter, caseworker, &it)
                        : write_new_case(im, id, jobcenter, caseworker, &it, c);
        items_free(&it);
        seen_free(&sn);
    }
    json_decref(root);
    kt_case_free(c);
    return rc;
}

static int import_ndjson(imp *im, FILE *in) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = KS_OK;
    while (rc == KS_OK && (n = getline(&line, &cap, in)) >= 0) {
        im->line++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t')) k++;
        if (k == len) continue;
        im->res->records++;
        rc = import_line(im, line, len);
    }
    free(line);
    if (rc == KS_OK && ferror(in)) rc = ks__fail(im->err, KS_EIO, "read error");
    return rc;
}

/* ---- CSV of conversations ------------------------------------------------------ */

static const char csv_header[] = "case_id,date,holder,form,held,topics";
enum { CSV_FIELDS = 6 };

/* Splits one CSV line (RFC 4180 quoting, no newlines inside fields) in place.
 * Returns the number of fields, or -1 for a stray quote. */
static int csv_split(char *s, char **f, int max) {
    int n = 0;
    char *p = s;
    for (;;) {
        if (n == max) return max + 1;
        char *out = p;
        f[n++] = out;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0') return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            if (*p != ',' && *p != '\0') return -1;
        } else {
            while (*p && *p != ',') {
                if (*p == '"') return -1;
                *out++ = *p++;
            }
        }
        int end = *p == '\0';
        *out = '\0';
        if (end) return n;
        p++;
    }
}

static const char *csv_column(const char *pointer) {
    /* "/conversations/0/holder" -> "holder" */
    const char *p = strrchr(pointer, '/');
    return p && strncmp(pointer, "/conversations/0/", 17) == 0 ? p + 1 : NULL;
}

/* Checks one conversation by the engine's own rules, as part of a dummy case. */
static int csv_check(imp *im, const json_t *conv) {
    json_t *dummy = json_pack("{s:s,s:{s:s},s:[],s:[O]}", "id", "csv-check", "person", "birth_date",
                              "1990-01-01", "benefits", "conversations", conv);
    char *text = dummy ? json_dumps(dummy, JSON_COMPACT) : NULL;
    json_decref(dummy);
    if (!text) return KS_ENOMEM;
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int r = kt_case_parse(text, strlen(text), &c, &pr);
    free(text);
    kt_case_free(c);
    if (r == KT_EINVALID) {
        for (size_t i = 0; i < kt_problems_count(pr); i++) {
            kt_problem q;
            kt_problems_get(pr, i, &q);
            const char *col = csv_column(q.pointer);
            char ptr[80];
            snprintf(ptr, sizeof ptr, "/%s", col ? col : "");
            report(im, col ? ptr : "", q.message, q.expected);
        }
        kt_problems_free(pr);
        return KS_EINVALID;
    }
    return r == KT_OK ? KS_OK : KS_ENOMEM;
}

static int csv_row(imp *im, char *text, json_t *counts, json_t *touched) {
    char *f[CSV_FIELDS + 1];
    int n = csv_split(text, f, CSV_FIELDS);
    if (n != CSV_FIELDS) {
        char msg[80];
        if (n < 0) snprintf(msg, sizeof msg, "a stray quote");
        else snprintf(msg, sizeof msg, "%d fields", n > CSV_FIELDS ? CSV_FIELDS + 1 : n);
        report(im, "", msg, "6 fields: case_id,date,holder,form,held,topics");
        im->res->invalid++;
        return KS_OK;
    }
    int bad = 0;
    if (!ks__valid_name(f[0])) {
        report(im, "/case_id", "not a case id", "1-64 printable characters");
        bad = 1;
    }
    int held = 1;
    if (!strcmp(f[4], "false") || !strcmp(f[4], "0") || !strcmp(f[4], "no")) held = 0;
    else if (f[4][0] && strcmp(f[4], "true") && strcmp(f[4], "1") && strcmp(f[4], "yes")) {
        report(im, "/held", "not a truth value", "true, false, 1, 0, yes, no or empty (= true)");
        bad = 1;
    }
    json_t *conv = json_pack("{s:s,s:s,s:s}", "date", f[1], "holder", f[2], "form", f[3]);
    if (!conv) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    if (!held) json_object_set_new(conv, "held", json_false());
    if (f[5][0]) {
        json_t *topics = json_array();
        for (char *save = NULL, *t = strtok_r(f[5], ";", &save); t; t = strtok_r(NULL, ";", &save))
            if (*t) json_array_append_new(topics, json_string(t));
        json_object_set_new(conv, "topics", topics);
    }
    int rc = KS_OK;
    if (!bad) {
        int r = csv_check(im, conv);
        if (r == KS_EINVALID) bad = 1;
        else if (r != KS_OK) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
    }
    if (!bad && rc == KS_OK) {
        sqlite3_stmt *st = ks__stmt(im->s, ST_CASE_GET, im->err);
        if (!st) rc = KS_EDB;
        else {
            sqlite3_bind_text(st, 1, f[0], -1, SQLITE_STATIC);
            int sr = sqlite3_step(st);
            sqlite3_reset(st);
            if (sr == SQLITE_DONE) {
                report(im, "/case_id", "no such case in the store",
                       "the id of a case imported before (NDJSON)");
                bad = 1;
            } else if (sr != SQLITE_ROW) {
                rc = ks__dbfail(im->s, im->err, "cases");
            }
        }
    }
    if (bad) im->res->invalid++;
    if (!bad && rc == KS_OK && im->res->invalid == 0) {
        char *body = ks__canon(conv);
        size_t bl = body ? strlen(body) : 0;
        size_t kl = strlen(f[0]) + 1 + bl;
        char *key = body ? malloc(kl + 1) : NULL;
        char *identity = body ? malloc(KS_CONTENT_ID_LEN + 24) : NULL;
        if (!key || !identity) {
            rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
        } else {
            snprintf(key, kl + 1, "%s\x1f%s", f[0], body);
            json_int_t k = json_integer_value(json_object_get(counts, key)) + 1;
            json_object_set_new(counts, key, json_integer(k));
            ks__content_identity(body, identity);
            if (k > 1) snprintf(identity + KS_CONTENT_ID_LEN, 24, "#%lld", (long long)k);
            sqlite3_stmt *st = ks__stmt(im->s, ST_IDENTITY_EXISTS, im->err);
            if (!st) rc = KS_EDB;
            else {
                sqlite3_bind_text(st, 1, f[0], -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, identity, -1, SQLITE_STATIC);
                int sr = sqlite3_step(st);
                sqlite3_reset(st);
                if (sr == SQLITE_DONE) {
                    rc = ks__insert_event(im->s, f[0], KS_CONVERSATION, body, identity, 0, im->now,
                                          NULL, im->err);
                    im->res->events++;
                    json_object_set_new(touched, f[0], json_integer(im->line));
                } else if (sr != SQLITE_ROW) {
                    rc = ks__dbfail(im->s, im->err, "events");
                }
            }
        }
        free(key);
        free(identity);
        free(body);
    }
    json_decref(conv);
    return rc;
}

static int import_csv(imp *im, FILE *in) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = KS_OK;
    json_t *counts = json_object(), *touched = json_object();
    if (!counts || !touched) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
    while (rc == KS_OK && (n = getline(&line, &cap, in)) >= 0) {
        im->line++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        line[len] = '\0';
        if (im->line == 1) {
            const char *h = line;
            if (!strncmp(h, "\xEF\xBB\xBF", 3)) h += 3; /* a byte order mark */
            if (strcmp(h, csv_header) != 0) {
                report(im, "", "wrong columns in the header", csv_header);
                im->res->invalid++;
                break;
            }
            continue;
        }
        if (len == 0) continue;
        if (memchr(line, '\0', len)) {
            report(im, "", "a NUL byte", "text");
            im->res->invalid++;
            continue;
        }
        im->res->records++;
        rc = csv_row(im, line, counts, touched);
    }
    if (rc == KS_OK && im->line == 0) {
        report(im, "", "empty file", csv_header);
        im->res->invalid++;
    }
    free(line);
    if (rc == KS_OK && ferror(in)) rc = ks__fail(im->err, KS_EIO, "read error");
    if (rc == KS_OK && im->res->invalid == 0) {
        const char *id;
        json_t *v;
        json_object_foreach(touched, id, v) {
            im->line = (long)json_integer_value(v);
            int r = ks__rebuild(im->s, id, im->problem, im->ctx, im->line, im->err);
            if (r == KS_EINVALID) im->res->invalid++;
            else if (r != KS_OK) {
                rc = r;
                break;
            }
            im->res->cases_changed++;
        }
    }
    json_decref(counts);
    json_decref(touched);
    return rc;
}

static int finish(ks_store *s, int rc, ks_import_result *res, ks_error *err);

int ks_import(ks_store *s, FILE *in, const ks_import_options *o, ks_problem_fn problem,
              void *ctx, ks_import_result *res, ks_error *err) {
    ks_import_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if (o && o->jobcenter && !ks__valid_name(o->jobcenter))
        return ks__fail(err, KS_EINVALID, "a jobcentre id is 1-64 printable characters");
    imp im = {s, o, problem, ctx, res, err, {0}, 0};
    ks__now(s, im.now);
    /* Bulk settings for this transaction (docs/store.md, "Import speed"):
     * the import writes a case's row before its events, so the foreign key
     * checks (one lookup per event) are left out; a big page cache keeps the
     * indexes in memory. Both are restored afterwards. */
    sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576", NULL, NULL, NULL);
    int rc = ks__begin(s, err);
    int bulk = 0;
    if (rc == KS_OK && !(o && o->format == KS_FORMAT_CSV)) {
        sqlite3_stmt *st = NULL;
        bulk = sqlite3_prepare_v2(s->db, "SELECT NOT EXISTS (SELECT 1 FROM cases)", -1, &st, NULL) == SQLITE_OK &&
               sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
        sqlite3_finalize(st);
        if (bulk) rc = ks__bulk_indexes(s, 0, err);
    }
    if (rc == KS_OK) {
        rc = o && o->format == KS_FORMAT_CSV ? import_csv(&im, in) : import_ndjson(&im, in);
        if (rc == KS_OK && bulk && res->invalid == 0) rc = ks__bulk_indexes(s, 1, err);
        rc = finish(s, rc, res, err);
    } else if (s->in_tx) {
        ks__rollback(s);
    }
    sqlite3_exec(s->db, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144", NULL, NULL, NULL);
    return rc;
}

static int finish(ks_store *s, int rc, ks_import_result *res, ks_error *err) {
    if (rc == KS_OK && res->invalid > 0) {
        ks__rollback(s);
        res->cases_new = res->cases_changed = res->events = res->corrections = 0;
        return ks__fail(err, KS_EINVALID, "%ld invalid record%s: nothing was imported",
                        res->invalid, res->invalid == 1 ? "" : "s");
    }
    if (rc != KS_OK) {
        ks__rollback(s);
        res->cases_new = res->cases_changed = res->events = res->corrections = 0;
        return rc;
    }
    return ks__commit(s, err);
}
