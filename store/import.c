/* import.c -- `kontakt db import`: NDJSON cases and CSV conversations, the
 * whole file in one transaction, all or nothing, idempotent (docs/store.md). */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

typedef struct imp {
    ks_store *s;
    const ks_import_options *o;
    ks_problem_fn problem;
    void *ctx;
    ks_import_result *res;
    ks_error *err;
    char now[25];
    long line;
    struct side *sd;     /* while a fresh import streams: new cases' obligations go
                          * there, not to the store (see below) */
    struct job **deferred; /* lines of cases seen before in the file, for after */
    size_t n_deferred, cap_deferred;
    /* an import into a store in use (below, "staged"): IMP_STAGE checks and
     * stages the lines, IMP_APPLY writes a batch of staged lines, whose
     * numbers in the file are line_map[batch line - 1] */
    int mode;
    const long *line_map;
    kt_sb staged;     /* staging: lines checked, not yet written to import_stage */
    long *staged_at;  /* per staged line: its number, offset and length */
    size_t n_staged;
    struct pgc *pgc;  /* PostgreSQL with COPY: new cases' rows (below) */
} imp;

enum { IMP_DIRECT, IMP_STAGE, IMP_APPLY };

static void report(imp *im, const char *pointer, const char *message, const char *expected) {
    if (im->problem) im->problem(im->ctx, im->line, pointer, message, expected ? expected : "", 1);
}

/* One record of a case line, in the store's terms: its canonical body and
 * its identity, both in the line's text buffer (items.text). */
typedef struct item {
    int kind;
    size_t body, identity, base_len; /* offsets into text; the identity's length before "#k" */
} item;

/* A line's records. Reused from line to line (n and text.len go back to 0),
 * so that a steady import allocates nothing here. */
typedef struct items {
    item *v;
    size_t n, cap;
    kt_sb text;
} items;

#define ITEM_BODY(it, i) ((it)->text.p + (it)->v[i].body)
#define ITEM_IDENTITY(it, i) ((it)->text.p + (it)->v[i].identity)

static void items_clear(items *it) {
    it->n = 0;
    kt_sb_cut(&it->text, 0);
}

static void items_free(items *it) {
    free(it->v);
    kt_sb_free(&it->text);
    memset(it, 0, sizeof *it);
}

/* Appends the identity of the record whose body was just added (at body):
 * BASE, or "BASE#k" for the k-th identical base of the line (k >= 2), so
 * duplicates survive and a second import of the file finds them all. */
static int items_push(items *it, int kind, size_t body, const char *base, size_t bl) {
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 32;
        item *nv = realloc(it->v, cap * sizeof *nv);
        if (!nv) return KS_ENOMEM;
        it->v = nv;
        it->cap = cap;
    }
    int k = 1;
    for (size_t i = 0; i < it->n; i++)
        if (it->v[i].base_len == bl && memcmp(ITEM_IDENTITY(it, i), base, bl) == 0) k++;
    char suffix[16] = "";
    if (k > 1) snprintf(suffix, sizeof suffix, "#%d", k);
    size_t at = it->text.len + 1; /* after the body's NUL; the identity keeps its own */
    if (kt_sb_mem(&it->text, "", 1) || kt_sb_mem(&it->text, base, bl) ||
        kt_sb_mem(&it->text, suffix, strlen(suffix) + 1))
        return KS_ENOMEM;
    it->v[it->n++] = (item){kind, body, at, bl};
    return KS_OK;
}

/* Adds a record whose canonical body is text.p[body..]: its identity by kind
 * (docs/store.md, "Identity"); for a benefit, from its name and start. */
static int items_add(items *it, int kind, size_t body, const char *benefit, const char *from) {
    if (kind == KS_PERSON) return items_push(it, kind, body, "person", 6);
    if (kind == KS_BENEFIT) {
        char b[160];
        int n = snprintf(b, sizeof b, "benefit:%.64s:%.32s", benefit ? benefit : "", from ? from : "");
        return items_push(it, kind, body, b, (size_t)n);
    }
    char h[KS_CONTENT_ID_LEN + 1];
    ks__content_identity(it->text.p + body, h);
    return items_push(it, kind, body, h, KS_CONTENT_ID_LEN);
}

/* The records of a parsed line (the jansson way: any valid line). */
static int collect_items(const json_t *root, items *it) {
    static const struct { const char *key; int kind; } arrays[] = {
        {"person", KS_PERSON}, {"benefits", KS_BENEFIT}, {"conversations", KS_CONVERSATION},
        {"events", KS_EVENT}};
    for (size_t a = 0; a < 4; a++) {
        const json_t *arr = json_object_get(root, arrays[a].key);
        size_t n = a == 0 ? (arr != NULL) : json_array_size(arr);
        for (size_t i = 0; i < n; i++) {
            const json_t *v = a == 0 ? arr : json_array_get(arr, i);
            char *body = ks__canon(v);
            size_t at = it->text.len;
            int bad = !body || kt_sb_mem(&it->text, body, strlen(body));
            free(body);
            if (bad) return KS_ENOMEM;
            int rc = items_add(it, arrays[a].kind, at,
                               json_string_value(json_object_get(v, "benefit")),
                               json_string_value(json_object_get(v, "from")));
            if (rc != KS_OK) return rc;
        }
    }
    return KS_OK;
}

/* The plain string value of a member (without quotes), copied into out[size]
 * (cut as "%.*s" would); "" if it is not a string. */
static void span_string(ks_span v, char *out, size_t size) {
    size_t n = 0;
    if (v.n >= 2 && v.p[0] == '"') {
        n = v.n - 2;
        if (n > size - 1) n = size - 1;
        memcpy(out, v.p + 1, n);
    }
    out[n] = '\0';
}

/* The member of a plain object (or an empty span). */
static ks_span plain_get(ks_span obj, const char *key) {
    ks_plain_cursor c;
    ks_span k, v;
    if (ks__plain_open(&c, obj.p, obj.n, '{'))
        while (ks__plain_member(&c, &k, &v) == 1)
            if (ks__span_is(k, key)) return v;
    return (ks_span){NULL, 0};
}

/* What the writer needs of a line's own members, however it was read. */
typedef struct line_head {
    int jobcenter_is_string; /* the line names its jobcentre */
    int has_jobcenter, has_caseworker, caseworker_is_null;
    char jobcenter[65], caseworker[65]; /* valid only if <= 64 bytes; else too_long */
    int too_long;
} line_head;

/* The records of a plain line without a JSON tree (canon.c): 1 done, 0 not
 * plain (it and h are then to be filled the jansson way), KS_ENOMEM. */
static int collect_plain(const char *text, size_t len, items *it, line_head *h) {
    static const struct { const char *key; int kind; } members[] = {
        {"person", KS_PERSON}, {"benefits", KS_BENEFIT}, {"conversations", KS_CONVERSATION},
        {"events", KS_EVENT}, {"jobcenter", 0}, {"caseworker", 0}};
    ks_span found[6] = {{0}};
    ks_plain_cursor c;
    ks_span k, v;
    if (!ks__plain_open(&c, text, len, '{')) return 0;
    int r;
    while ((r = ks__plain_member(&c, &k, &v)) == 1)
        for (int m = 0; m < 6; m++)
            if (ks__span_is(k, members[m].key)) {
                if (found[m].p) return 0; /* a duplicate: jansson keeps the last */
                found[m] = v;
            }
    if (r < 0) return 0;
    for (int m = 4; m < 6; m++) {
        ks_span s = found[m];
        if (!s.p) continue;
        int is_null = ks__span_is(s, "null");
        if (!is_null && s.p[0] != '"') return 0; /* wrong type: the jansson way reports it */
        if (s.n > 66) h->too_long = 1;
        if (m == 4) {
            h->has_jobcenter = 1;
            h->jobcenter_is_string = !is_null;
            span_string(s, h->jobcenter, sizeof h->jobcenter);
        } else {
            h->has_caseworker = 1;
            h->caseworker_is_null = is_null;
            span_string(s, h->caseworker, sizeof h->caseworker);
        }
    }
    if (h->too_long || (h->has_jobcenter && !h->jobcenter_is_string)) return 0;
    for (int m = 0; m < 4; m++) {
        if (!found[m].p) continue;
        ks_span one = found[m];
        int arr = m > 0 && ks__plain_open(&c, found[m].p, found[m].n, '[');
        if (m > 0 && !arr) continue; /* not an array: no records (as json_array_size) */
        while (m == 0 || (r = ks__plain_element(&c, &one)) == 1) {
            size_t at = it->text.len;
            int cr = ks__canon_plain(one.p, one.n, &it->text);
            if (cr <= 0) return cr < 0 ? KS_ENOMEM : 0;
            char benefit[65] = "", from[33] = "";
            if (members[m].kind == KS_BENEFIT) {
                span_string(plain_get(one, "benefit"), benefit, sizeof benefit);
                span_string(plain_get(one, "from"), from, sizeof from);
            }
            if (items_add(it, members[m].kind, at, benefit, from) != KS_OK) return KS_ENOMEM;
            if (m == 0) break;
        }
        if (m > 0 && r < 0) return 0;
    }
    return 1;
}

/* Inserts the case's row: KS_OK, or CASE_EXISTS if the store has the case. */
#define CASE_EXISTS 1 /* not a ks_status: those are <= 0 */
static int insert_case_row(imp *im, const char *id, const char *jobcenter, const char *caseworker) {
    /* PostgreSQL: a refused insert would abort the whole transaction, so an
     * existing case is left alone (ON CONFLICT DO NOTHING) and told by the
     * count of rows written; the new row is locked until the commit */
    ks_q *st = ks__stmt(im->s, im->s->pg ? ST_CASE_INSERT_NEW : ST_CASE_INSERT, im->err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, id, -1);
    ks_q_bind_text_static(st, 2, jobcenter, -1);
    if (caseworker) ks_q_bind_text_static(st, 3, caseworker, -1);
    else ks_q_bind_null(st, 3);
    ks_q_bind_text_static(st, 4, im->now, -1);
    int r = ks_q_step(st);
    ks_q_reset(st);
    if (r == KS_Q_DONE && im->s->pg && ks_db_changes(im->s->db) == 0) return CASE_EXISTS;
    if (r == KS_Q_DONE) return KS_OK;
    /* the only constraint an insert of a case can break is its primary key */
    if (ks_db_errclass_of(im->s->db) == KS_DBE_CONSTRAINT) return CASE_EXISTS;
    return ks__dbfail(im->s, im->err, "cases");
}

static int set_case_column(imp *im, ks_stmt_id which, const char *id, const char *value) {
    ks_q *st = ks__stmt(im->s, which, im->err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, id, -1);
    if (value) ks_q_bind_text_static(st, 2, value, -1);
    int r = ks_q_step(st);
    ks_q_reset(st);
    return r == KS_Q_DONE ? KS_OK : ks__dbfail(im->s, im->err, "cases");
}

/* An assignment event for a changed jobcentre or caseworker. */
static int assign(imp *im, const char *id, const char *member, const char *value) {
    json_t *v = json_pack("{s:s?}", member, value);
    char *body = v ? ks__canon(v) : NULL;
    json_decref(v);
    if (!body) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    char identity[64];
    snprintf(identity, sizeof identity, "assign:%ld", ks__next_seq(im->s));
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

/* Writes a case the store does not have; CASE_EXISTS (nothing written) if it
 * has it. Trying the insert first spares a lookup of every case of an
 * import into an empty store. */
static int write_new_case(imp *im, const char *id, const char *jobcenter, const char *caseworker,
                          const items *it, const kt_plan *plan) {
    int rc = insert_case_row(im, id, jobcenter, caseworker);
    for (size_t i = 0; rc == KS_OK && i < it->n; i++)
        rc = ks__insert_event(im->s, id, it->v[i].kind, ITEM_BODY(it, i), ITEM_IDENTITY(it, i), 0,
                              im->now, NULL, im->err);
    if (rc == KS_OK) rc = ks__write_plan(im->s, id, plan, im->sd ? KS_FRESH_PLAN_ONLY : 1, im->err);
    if (rc == KS_OK) {
        im->res->cases_new++;
        im->res->events += (long)it->n;
    }
    return rc;
}

/* The line's records merged into a stored case. The case's jobcentre is
 * the line's already (jobcenter_conflict refuses the line otherwise). */
static int merge_case(imp *im, const char *id, const line_head *h, const char *caseworker,
                      const items *it) {
    ks_evlist l = {0};
    int rc = ks__load_events(im->s, id, NULL, &l, im->err);
    int changed = 0;
    for (size_t k = 0; rc == KS_OK && k < it->n; k++) {
        const item *x = &it->v[k];
        const char *body = ITEM_BODY(it, k), *identity = ITEM_IDENTITY(it, k);
        size_t i;
        for (i = 0; i < l.n; i++)
            if (strcmp(l.v[i].identity, identity) == 0) break;
        if (i == l.n) {
            rc = ks__insert_event(im->s, id, x->kind, body, identity, 0, im->now, NULL, im->err);
            im->res->events++;
            changed = 1;
            continue;
        }
        if (x->kind != KS_PERSON && x->kind != KS_BENEFIT) continue; /* same content: nothing new */
        const json_t *eff = ks__effective(&l, i);
        char *cur = eff ? ks__canon(eff) : NULL;
        int differs = !cur || strcmp(cur, body) != 0;
        free(cur);
        if (!differs) continue;
        char cid[64];
        snprintf(cid, sizeof cid, "correction:%ld", ks__next_seq(im->s));
        rc = ks__insert_event(im->s, id, KS_CORRECTION, body, cid, l.v[i].seq, im->now,
                              NULL, im->err);
        im->res->events++;
        im->res->corrections++;
        changed = 1;
    }
    ks__evlist_free(&l);
    if (rc != KS_OK) return rc;
    /* a line's own caseworker member moves the case within its jobcentre */
    char cur_cw[65];
    ks_q *st = ks__stmt(im->s, ST_CASE_GET, im->err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, id, -1);
    if (ks_q_step(st) != KS_Q_ROW) {
        ks_q_reset(st);
        return ks__dbfail(im->s, im->err, "cases");
    }
    const char *cw = ks_q_text(st, 1);
    snprintf(cur_cw, sizeof cur_cw, "%s", cw ? cw : "");
    ks_q_reset(st);
    if (h->has_caseworker &&
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

/* A file a fresh import builds (the store-to-be, the side file): nobody else
 * sees it until it is complete, so no journal and no syncs; the inserts
 * append, for which a small cache is faster. */
#define BUILD_PRAGMAS                                                                          \
    "PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"            \
    "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;"
/* The index builds at the end sort: a big cache and SQLite's multi-threaded
 * sorter. */
#define INDEX_BUILD_PRAGMAS "PRAGMA cache_size = -262144; PRAGMA threads = 2"

/* Removes a build file and whatever SQLite may have left beside it. */
static void unlink_build(const char *path) {
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    size_t n = strlen(path);
    char *p = malloc(n + 16);
    for (size_t i = 0; p && i < sizeof ext / sizeof *ext; i++) {
        snprintf(p, n + 16, "%s%s", path, ext[i]);
        unlink(p);
    }
    if (!p) unlink(path);
    free(p);
}

/* ---- a fresh import's obligations, built beside on the reader's thread ---------
 *
 * An import into a fresh store spent about half its time building the index
 * of obligations by deadline, on one core, after the last line. So in a
 * fresh import the reader thread, which has each new case's plan in hand and
 * time to spare, writes the obligations into a file of their own
 * (PATH-import-obl) and, once the input ends, builds that index there, while
 * the writer goes on with cases, events and plans. The writer then copies
 * table and index over with one INSERT ... SELECT *, which SQLite does record
 * by record in key order without building anything again (its transfer
 * optimisation: identical tables, an empty target). A case id seen before in
 * the same file (an idset) is not written beside: the writer keeps that
 * line and merges it, as any import would, once the obligations are in. If
 * the side file cannot be made, the import goes on without it.
 * SQLite only: the side file is a SQLite file, spoken to through db.h (the
 * rows are bound by ks__bind_obligation), and merged by ATTACH. */

typedef struct side {
    ks_db *db;
    ks_q *row;
    ks_idset *seen;
    const char *path; /* the caller's */
    char msg[300];
} side;

static int side_fail(side *sd, const char *what) {
    snprintf(sd->msg, sizeof sd->msg, "%s: %s: %s", sd->path, what,
             sd->db ? ks_db_errmsg(sd->db) : "cannot open");
    return -1;
}

/* What only the lines need: the id set and the insert. */
static void side_lines_done(side *sd) {
    ks__idset_free(sd->seen);
    ks_q_finalize(sd->row);
    sd->seen = NULL;
    sd->row = NULL;
}

static void side_close(side *sd) {
    side_lines_done(sd);
    ks_db_close(sd->db);
    sd->db = NULL;
}

/* Makes the side file with the store's own obligations table (main: the
 * store being built). 0, or -1 (sd->msg). */
static int side_open(side *sd, ks_db *main, const char *path) {
    memset(sd, 0, sizeof *sd);
    sd->path = path;
    unlink_build(path); /* left by a killed import: the target's lock protects it */
    ks_q *st = NULL;
    char *ddl = NULL;
    if (ks_db_prepare(main, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'obligations'",
                      &st) == 0 && ks_q_step(st) == KS_Q_ROW)
        ddl = strdup(ks_q_text(st, 0));
    ks_q_finalize(st);
    if (!ddl) return side_fail(sd, "the obligations table");
    char msg[256];
    int ok = ks_db_open(path, KS_DB_CREATE, &sd->db, msg, sizeof msg) == 0 &&
             ks_db_exec(sd->db, BUILD_PRAGMAS) == 0 && ks_db_exec(sd->db, ddl) == 0 &&
             ks_db_exec(sd->db, "BEGIN") == 0 && (sd->seen = ks__idset_new()) != NULL &&
             ks_db_prepare(sd->db, ks__stmt_sql(ST_OBLIGATION_INSERT), &sd->row) == 0;
    free(ddl);
    if (!ok) {
        side_fail(sd, "cannot be made");
        side_close(sd);
        unlink_build(path);
        return -1;
    }
    return 0;
}

/* The obligations of a case, beside: 1 written, 0 the case was seen before
 * in this file (nothing written), -1 failed (sd->msg). */
static int side_case(side *sd, const char *id, const char *jobcenter, const char *caseworker,
                     const kt_plan *p) {
    int r = ks__idset_add(sd->seen, id);
    if (r <= 0) {
        if (r < 0) snprintf(sd->msg, sizeof sd->msg, "out of memory");
        return r;
    }
    for (size_t i = 0, n = kt_plan_count(p); i < n; i++) {
        kt_obligation ob;
        kt_plan_get(p, i, &ob);
        ks__ob_extra x = {kt_plan_course_end(p, ob.course), jobcenter, caseworker};
        ks__bind_obligation(sd->row, id, i, &ob, &x);
        r = ks_q_step(sd->row);
        ks_q_reset(sd->row);
        if (r != KS_Q_DONE) return side_fail(sd, "obligations");
    }
    return 1;
}

/* After the last line, on the reader's thread: the index, then the file is
 * complete and closed. 0 or -1. */
static int side_finish(side *sd) {
    side_lines_done(sd);
    if (ks_db_exec(sd->db, INDEX_BUILD_PRAGMAS) != 0 || ks_db_exec(sd->db, ks__obligations_index_sql) != 0 ||
        ks_db_exec(sd->db, "COMMIT") != 0)
        return side_fail(sd, "the index by deadline");
    ks_db_close(sd->db); /* every statement is finalized: nothing to refuse the close */
    sd->db = NULL;
    return 0;
}

/* In the writer, after the side file is finished: its obligations into the
 * store's empty table (and index). ATTACH needs no open transaction; the
 * build file has no journal, so committing what is there changes nothing a
 * kill could see (the file is only renamed into place when complete). */
static int side_merge(ks_store *s, side *sd, ks_error *err) {
    int rc = ks__exec(s, "COMMIT", err);
    s->in_tx = 0;
    ks_q *st = NULL;
    if (rc == KS_OK) {
        if (ks_db_prepare(s->db, "ATTACH ?1 AS side", &st) != 0) {
            rc = ks__dbfail(s, err, "attach");
        } else {
            ks_q_bind_text_static(st, 1, sd->path, -1);
            if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "attach");
        }
        ks_q_finalize(st);
    }
    if (rc == KS_OK) rc = ks__begin(s, err);
    if (rc == KS_OK) rc = ks__exec(s, "INSERT INTO main.obligations SELECT * FROM side.obligations", err);
    return rc;
}

/* ---- NDJSON: a reader thread parses, the caller's thread writes ---------------
 *
 * Everything a line needs that does not depend on the store (parsing with
 * the engine, canonical bodies and their identities, the plan of the case as
 * if it were new) is done by a second thread, which hands finished lines to
 * the writer through a ring of QUEUE_LEN jobs, in order. The writer reports
 * problems, decides new or existing and writes.
 *
 * A job is owned by the reader except while it is in [head, head + n) of
 * the ring; the writer leaves it there until it is done with it. The reader
 * clears a job when it takes it again, so every allocation is made and freed
 * by the reader's thread: frees from the other thread made the two contend
 * for malloc's arena lock, which cost more than the parsing. */

typedef struct prob {
    char *pointer, *message, *expected;
    int column;
} prob;

typedef struct job {
    long line;
    int fatal;           /* KS_ENOMEM etc.: the import stops */
    char fatal_msg[256];
    prob *probs;         /* problems of an invalid line */
    size_t nprobs;
    kt_case *c;
    line_head head;
    const char *jobcenter, *caseworker; /* in head or the options; NULL = none */
    items it;
    kt_plan *plan;       /* as if the case were new (NULL if not computed) */
    int seen_before;     /* side mode: its id came before in the file */
    kt_sb raw;           /* staging: the line's text (kept from line to line) */
    kt_sb copy;          /* PostgreSQL with COPY: the case's rows as if new, in COPY's
                          * text format: cases, then events, obligations, plans ... */
    size_t copy_at[3];   /* ... each ending here (the plans row at copy.len) */
} job;

enum { QUEUE_LEN = 512 };

typedef struct queue {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    job v[QUEUE_LEN];
    size_t head, n;
    int done;      /* the reader has finished (eof or read error) */
    int read_error;
    int stop;      /* the writer gives up: the reader stops */
    /* Who sleeps, so that the other signals only then: the reader, once
     * the ring is full, sleeps until it is half empty, and the writer only
     * when it is empty, so a steady import makes few futex calls (one or
     * two a line was a third of the kernel's time). */
    int reader_waits, writer_waits;
} queue;

typedef struct reader {
    queue *q;
    FILE *in;
    const ks_import_options *o;
    const kt_engine *engine;
    kt_date today;
    const int *invalid_seen; /* written by the writer; a hint only */
    side *sd;                /* a fresh import's side file, or NULL */
    int side_rc;             /* side_finish's */
    int stage;               /* staging: keep each line's text, compute no plan */
    const char *pre;         /* lines read ahead by the caller, before `in` */
    size_t pre_len, pre_off;
    const char *copy_now;    /* PostgreSQL with COPY: recorded_at (the rows are made here) */
    const char *copy_actor;  /* and recorded_by */
} reader;

/* The next line: first those read ahead, then from the file. */
static ssize_t next_line(reader *r, char **line, size_t *cap) {
    if (r->pre_off < r->pre_len) {
        const char *p = r->pre + r->pre_off;
        const char *nl = memchr(p, '\n', r->pre_len - r->pre_off);
        size_t n = nl ? (size_t)(nl - p) + 1 : r->pre_len - r->pre_off;
        if (*cap < n + 1) {
            char *b = realloc(*line, n + 1);
            if (!b) return -1;
            *line = b;
            *cap = n + 1;
        }
        memcpy(*line, p, n);
        (*line)[n] = '\0';
        r->pre_off += n;
        return (ssize_t)n;
    }
    return r->in ? getline(line, cap, r->in) : -1;
}

/* Empties a job for its next line, keeping its buffers. */
static void job_clear(job *j) {
    for (size_t i = 0; i < j->nprobs; i++) {
        free(j->probs[i].pointer);
        free(j->probs[i].message);
        free(j->probs[i].expected);
    }
    free(j->probs);
    kt_plan_free(j->plan);
    kt_case_free(j->c);
    items it = j->it;
    items_clear(&it);
    kt_sb raw = j->raw, copy = j->copy;
    kt_sb_cut(&raw, 0);
    kt_sb_cut(&copy, 0);
    memset(j, 0, sizeof *j);
    j->it = it;
    j->raw = raw;
    j->copy = copy;
}

static void job_free(job *j) {
    job_clear(j);
    items_free(&j->it);
    kt_sb_free(&j->raw);
    kt_sb_free(&j->copy);
}

#define CPR_MESSAGE "looks like a CPR number (DDMMYY-NNNN or ten digits); personal identifiers must not be stored"

static int job_problem(job *j, const char *pointer, const char *message, const char *expected,
                       int column) {
    prob *v = realloc(j->probs, (j->nprobs + 1) * sizeof *v);
    if (!v) return -1;
    j->probs = v;
    prob *p = &v[j->nprobs++];
    p->pointer = strdup(pointer ? pointer : "");
    p->message = strdup(message ? message : "");
    p->expected = strdup(expected ? expected : "");
    p->column = column;
    return p->pointer && p->message && p->expected ? 0 : -1;
}

/* The line's head and records the jansson way (any valid line). */
static int read_line_jansson(job *j, const char *text, size_t len) {
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) return KS_ENOMEM; /* kt_case_parse accepted it: only memory fails here */
    line_head *h = &j->head;
    memset(h, 0, sizeof *h);
    items_clear(&j->it);
    const json_t *jv = json_object_get(root, "jobcenter"), *cv = json_object_get(root, "caseworker");
    const char *jc = json_string_value(jv), *cw = json_string_value(cv);
    h->has_jobcenter = jv != NULL;
    h->jobcenter_is_string = jc != NULL;
    h->has_caseworker = cv != NULL;
    h->caseworker_is_null = json_is_null(cv);
    h->too_long = (jv && (!jc || strlen(jc) > 64)) || (cv && !json_is_null(cv) && (!cw || strlen(cw) > 64));
    snprintf(h->jobcenter, sizeof h->jobcenter, "%s", jc ? jc : "");
    snprintf(h->caseworker, sizeof h->caseworker, "%s", cw ? cw : "");
    int rc = collect_items(root, &j->it);
    json_decref(root);
    return rc;
}

/* PostgreSQL with COPY: the rows the case would get if new, made on the
 * reader's thread (the writer only appends them to its buffers), as
 * write_new_case would insert them. Events leave seq to its default
 * (nextval): a new case has no correction to name a seq. */
static void copy_rows(reader *r, job *j) {
    kt_sb *b = &j->copy;
    const char *id = kt_case_id(j->c);
    size_t il = strlen(id);
    ks__copy_text(b, id, il);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, j->jobcenter);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, j->caseworker);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, r->copy_now);
    kt_sb_chr(b, '\n');
    j->copy_at[0] = b->len;
    const items *it = &j->it;
    for (size_t i = 0; i < it->n; i++) {
        const char *body = ITEM_BODY(it, i), *identity = ITEM_IDENTITY(it, i);
        ks__copy_text(b, id, il);
        kt_sb_chr(b, '\t');
        kt_sb_str(b, ks_kind_name((ks_kind)it->v[i].kind));
        kt_sb_chr(b, '\t');
        ks__copy_text(b, body, strlen(body));
        kt_sb_chr(b, '\t');
        ks__copy_text(b, identity, strlen(identity));
        kt_sb_chr(b, '\t');
        kt_sb_str(b, r->copy_now);
        kt_sb_chr(b, '\t');
        ks__copy_str(b, r->copy_actor);
        kt_sb_chr(b, '\n');
    }
    j->copy_at[1] = b->len;
    for (size_t i = 0, n = kt_plan_count(j->plan); i < n; i++) {
        kt_obligation ob;
        kt_plan_get(j->plan, i, &ob);
        ks__ob_extra x = {kt_plan_course_end(j->plan, ob.course), j->jobcenter, j->caseworker};
        ks__copy_obligation(b, id, i, &ob, &x);
    }
    j->copy_at[2] = b->len;
    ks__copy_text(b, id, il);
    kt_sb_chr(b, '\t');
    kt_sb_date(b, r->today);
    kt_sb_chr(b, '\t');
    kt_sb_str(b, r->copy_now);
    kt_sb_chr(b, '\t');
    kt_sb_date(b, ks__plan_valid_until(r->today, j->plan));
    kt_sb_chr(b, '\n');
    if (b->err) {
        j->fatal = KS_ENOMEM;
        snprintf(j->fatal_msg, sizeof j->fatal_msg, "out of memory");
    }
}

/* Everything about one line that does not need the store. */
static void prepare_line(reader *r, job *j, const char *text, size_t len) {
    kt_problems *pr = NULL;
    int rc = kt_case_parse(text, len, &j->c, &pr);
    if (rc == KT_EINVALID) {
        for (size_t i = 0; i < kt_problems_count(pr); i++) {
            kt_problem q;
            kt_problems_get(pr, i, &q);
            if (job_problem(j, q.pointer, q.message, q.expected, q.column)) j->fatal = KS_ENOMEM;
        }
        kt_problems_free(pr);
        if (j->nprobs == 0 && !j->fatal) job_problem(j, "", "invalid", "", 1);
        return;
    }
    if (rc != KT_OK) {
        j->fatal = KS_ENOMEM;
        snprintf(j->fatal_msg, sizeof j->fatal_msg, "%s", kt_strerror(rc));
        return;
    }
    int plain = collect_plain(text, len, &j->it, &j->head);
    if (plain == 0) plain = read_line_jansson(j, text, len) == KS_OK ? 1 : KS_ENOMEM;
    if (plain != 1) {
        j->fatal = KS_ENOMEM;
        snprintf(j->fatal_msg, sizeof j->fatal_msg, "out of memory");
        return;
    }
    const line_head *h = &j->head;
    int bad = 0;
    if (h->has_jobcenter) {
        j->jobcenter = h->jobcenter;
        if (!h->jobcenter_is_string || h->too_long || !ks__valid_name(h->jobcenter))
            bad |= 2 | job_problem(j, "/jobcenter", "not a jobcentre id", "a string of 1-64 printable characters", 1);
        else if (ks_looks_like_cpr(h->jobcenter))
            bad |= 2 | job_problem(j, "/jobcenter", CPR_MESSAGE, "the jobcentre's own id", 1);
    } else {
        j->jobcenter = r->o ? r->o->jobcenter : NULL;
        if (!j->jobcenter) bad |= 2 | job_problem(j, "/jobcenter", "missing", "a jobcentre id (or the option --jobcenter)", 1);
    }
    if (h->has_caseworker && !h->caseworker_is_null) {
        j->caseworker = h->caseworker;
        if (h->too_long || !ks__valid_name(h->caseworker))
            bad |= 2 | job_problem(j, "/caseworker", "not a caseworker id",
                                   "a string of 1-64 printable characters, or null", 1);
        else if (ks_looks_like_cpr(h->caseworker))
            bad |= 2 | job_problem(j, "/caseworker", CPR_MESSAGE, "the caseworker's own id", 1);
    }
    if (bad & 1) j->fatal = KS_ENOMEM;
    if (bad || __atomic_load_n(r->invalid_seen, __ATOMIC_RELAXED)) return; /* nothing will be written */
    if (r->stage) { /* planned when applied */
        if (kt_sb_mem(&j->raw, text, len)) j->fatal = KS_ENOMEM;
        return;
    }
    ks_error e = {0};
    if (ks__plan(r->engine, r->today, kt_case_id(j->c), j->c, &j->plan, &e) != KS_OK) {
        j->fatal = e.status ? e.status : KS_ENOMEM;
        snprintf(j->fatal_msg, sizeof j->fatal_msg, "%.200s", e.message);
        return;
    }
    if (r->copy_now) copy_rows(r, j);
    if (r->sd) {
        int w = side_case(r->sd, kt_case_id(j->c), j->jobcenter, j->caseworker, j->plan);
        if (w < 0) {
            j->fatal = KS_EDB;
            snprintf(j->fatal_msg, sizeof j->fatal_msg, "%.250s", r->sd->msg);
        }
        j->seen_before = w == 0;
    }
}

static void *reader_main(void *arg) {
    reader *r = arg;
    queue *q = r->q;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    for (;;) {
        n = next_line(r, &line, &cap);
        if (n < 0) break;
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t')) k++;
        if (k == len) continue;
        pthread_mutex_lock(&q->mu);
        if (q->n == QUEUE_LEN) {
            q->reader_waits = 1;
            while (q->n > QUEUE_LEN / 2 && !q->stop) pthread_cond_wait(&q->not_full, &q->mu);
            q->reader_waits = 0;
        }
        int stop = q->stop;
        job *j = &q->v[(q->head + q->n) % QUEUE_LEN]; /* outside [head, head + n): ours */
        pthread_mutex_unlock(&q->mu);
        if (stop) break;
        job_clear(j);
        j->line = lineno;
        prepare_line(r, j, line, len);
        pthread_mutex_lock(&q->mu);
        q->n++;
        if (q->writer_waits) pthread_cond_signal(&q->not_empty);
        pthread_mutex_unlock(&q->mu);
    }
    free(line);
    int read_error = r->in && ferror(r->in) != 0;
    pthread_mutex_lock(&q->mu);
    q->read_error = read_error;
    q->done = 1; /* the writer finishes the last lines, then builds its own indexes */
    pthread_cond_signal(&q->not_empty);
    /* A side file: wait until the writer has taken every line (so that an
     * invalid one, or a failure, is known), then build its index while the
     * writer builds the store's others. */
    if (r->sd) {
        q->reader_waits = 1;
        while (q->n > 0 && !q->stop) pthread_cond_wait(&q->not_full, &q->mu);
        q->reader_waits = 0;
    }
    int go = !q->stop && !read_error && !__atomic_load_n(r->invalid_seen, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&q->mu);
    if (r->sd) r->side_rc = go ? side_finish(r->sd) : -1;
    return NULL;
}

/* Keeps a line for after the side file is merged: the job moves out of the
 * ring (the reader finds its slot empty and fills it anew). */
static int defer(imp *im, job *j) {
    if (im->n_deferred == im->cap_deferred) {
        size_t cap = im->cap_deferred ? im->cap_deferred * 2 : 16;
        job **v = realloc(im->deferred, cap * sizeof *v);
        if (!v) return ks__fail(im->err, KS_ENOMEM, "out of memory");
        im->deferred = v;
        im->cap_deferred = cap;
    }
    job *d = malloc(sizeof *d);
    if (!d) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    *d = *j;
    if (j->jobcenter == j->head.jobcenter) d->jobcenter = d->head.jobcenter;
    if (j->caseworker == j->head.caseworker) d->caseworker = d->head.caseworker;
    memset(j, 0, sizeof *j);
    im->deferred[im->n_deferred++] = d;
    return KS_OK;
}

/* An invalid line's problems to the caller, counted in res->invalid: 1; 0
 * for a valid line. */
static int report_problems(imp *im, const job *j) {
    if (!j->nprobs) return 0;
    if (im->problem)
        for (size_t i = 0; i < j->nprobs; i++)
            im->problem(im->ctx, im->line, j->probs[i].pointer, j->probs[i].message,
                        j->probs[i].expected, j->probs[i].column);
    im->res->invalid++;
    return 1;
}

/* One prepared line, in the writer. KS_OK also for an invalid line (counted
 * in res->invalid). */
static int jobcenter_conflict(imp *im, long line, const char *id, const char *jobcenter);

static int write_line(imp *im, job *j) {
    im->line = im->line_map ? im->line_map[j->line - 1] : j->line;
    if (j->fatal) return ks__fail(im->err, j->fatal, "line %ld: %s", j->line, j->fatal_msg[0] ? j->fatal_msg : "out of memory");
    if (report_problems(im, j)) return KS_OK;
    if (im->res->invalid) {
        if (!im->sd && j->c) jobcenter_conflict(im, j->line, kt_case_id(j->c), j->jobcenter); /* every one */
        return KS_OK;
    }
    if (!j->plan) return ks__fail(im->err, KS_ENOMEM, "line %ld: not prepared", j->line);
    if (im->sd && j->seen_before) return defer(im, j);
    const char *id = kt_case_id(j->c);
    int rc = write_new_case(im, id, j->jobcenter, j->caseworker, &j->it, j->plan);
    if (rc == CASE_EXISTS && im->sd) /* the side file has it as new: cannot be */
        return ks__fail(im->err, KS_EDB, "line %ld: case %s is in the store but not in the side file", j->line, id);
    if (rc == CASE_EXISTS && im->mode == IMP_APPLY) {
        /* checked when staged; should the case have changed since so that
         * the merge is no longer valid (or refused: KS_EINVALID), this case
         * keeps what it has (the problems are reported) and the rest of the
         * import goes on: it is past its point of no return, and stopping
         * would only make every later open try the same line again */
        rc = ks__exec(im->s, "SAVEPOINT line", im->err);
        ks_import_result before = *im->res;
        long next_seq = im->s->next_seq;
        if (rc == KS_OK && !jobcenter_conflict(im, j->line, id, j->jobcenter))
            rc = merge_case(im, id, &j->head, j->caseworker, &j->it);
        if (rc == KS_EINVALID || (rc == KS_OK && im->res->invalid > before.invalid)) {
            if (rc == KS_EINVALID && im->problem && im->err)
                im->problem(im->ctx, im->line, "", im->err->message, "", 1);
            rc = ks__exec(im->s, "ROLLBACK TO line", im->err);
            *im->res = before;
            im->s->next_seq = next_seq;
        }
        if (rc == KS_OK) rc = ks__exec(im->s, "RELEASE line", im->err);
    } else if (rc == CASE_EXISTS) {
        /* PostgreSQL: the case's row lock first, as every writer of a case */
        if ((rc = ks__lock_case(im->s, id, im->err)) != KS_OK) return rc;
        if (jobcenter_conflict(im, j->line, id, j->jobcenter)) return KS_OK;
        rc = merge_case(im, id, &j->head, j->caseworker, &j->it);
    }
    return rc;
}

/* Issue 11, 2: an import never moves a case between jobcentres (that is
 * `db assign CASE --jobcenter J`). A line for a case the store has under
 * another jobcentre than the line's (its own member, or --jobcenter) is a
 * problem of the line, and like every problem refuses the whole file.
 * 1 if it was one (reported and counted). */
static int jobcenter_conflict(imp *im, long line, const char *id, const char *jobcenter) {
    if (!jobcenter) return 0;
    ks_q *st = ks__stmt(im->s, ST_CASE_GET, NULL);
    if (!st) return 0; /* the write that follows reports the database's error */
    ks_q_bind_text_static(st, 1, id, -1);
    char cur[65] = "";
    int found = ks_q_step(st) == KS_Q_ROW;
    if (found) snprintf(cur, sizeof cur, "%s", ks_q_text(st, 0));
    ks_q_reset(st);
    if (!found || strcmp(cur, jobcenter) == 0) return 0;
    if (im->problem) {
        char msg[384], exp[256];
        snprintf(msg, sizeof msg, "case %s is in jobcentre %s, not %s: an import does not move a case", id,
                 cur, jobcenter);
        snprintf(exp, sizeof exp, "jobcentre %s (to move the case: kontakt db assign %s --jobcenter %s)",
                 cur, id, jobcenter);
        im->problem(im->ctx, line, "/jobcenter", msg, exp, 1);
    }
    im->res->invalid++;
    return 1;
}

/* ---- an import into a store in use: staged, then applied in short batches ----
 *
 * A long import in one transaction would hold the store's write lock for
 * as long as it runs, and every caseworker's recording (and every read's
 * access-log row) would wait for it. So a large import into a store that
 * has cases is done in three steps (docs/store.md, "Import into a store in
 * use"):
 *  1. staging: every line is checked as always (the engine, and for a case
 *     the store has, the case with the line merged in, read from the store
 *     without a lock) and its text is copied into `import_stage`, committed
 *     every STAGE_BATCH lines. An invalid line: the staged lines are
 *     deleted and nothing was imported (KS_EINVALID), as before;
 *  2. the point of no return: meta 'import_applying' is set (one short
 *     transaction). A process killed before it leaves staged lines that
 *     the next import or open deletes; after it, the next open (or import)
 *     applies the rest: the file is imported whole or not at all;
 *  3. applying: some APPLY_MS worth of staged lines at a time, each batch one
 *     transaction that writes them (the ordinary writer: new cases, merges,
 *     plans) and deletes them from the stage; the last also clears the
 *     marker. Between batches other writers get the lock.
 * One import stages at a time: the importer holds an flock on
 * FILE-import.lock, which also tells a later open whether staged lines are
 * an import in progress or the leftovers of a killed one. */

enum {
    STAGE_MIN = 2000,  /* fewer lines: one transaction, as always (it is short) */
    STAGE_BATCH = 2000, /* lines staged per transaction */
    APPLY_MIN = 50,    /* lines applied per transaction: as many as take some */
    APPLY_MAX = 2000,  /* APPLY_MS milliseconds, between these */
    APPLY_MS = 20
};

/* The case as stored with the line's records merged in, as merge_case
 * would write them: valid? Reported like the writer's problems. Reads only. */
static int merge_check(imp *im, const char *id, const items *it) {
    ks_evlist l = {0};
    int rc = ks__load_events(im->s, id, NULL, &l, im->err);
    if (rc != KS_OK || l.n == 0) { /* no such case (yet): the line alone was checked */
        ks__evlist_free(&l);
        return rc;
    }
    long fake = 1L << 50; /* seqs after any real one, in order */
    size_t n0 = l.n;
    for (size_t k = 0; rc == KS_OK && k < it->n; k++) {
        const char *body = ITEM_BODY(it, k), *identity = ITEM_IDENTITY(it, k);
        size_t i;
        for (i = 0; i < n0; i++)
            if (strcmp(l.v[i].identity, identity) == 0) break;
        int kind = it->v[k].kind;
        long corrects = 0;
        if (i < n0) {
            if (kind != KS_PERSON && kind != KS_BENEFIT) continue;
            const json_t *eff = ks__effective(&l, i);
            char *cur = eff ? ks__canon(eff) : NULL;
            int differs = !cur || strcmp(cur, body) != 0;
            free(cur);
            if (!differs) continue;
            corrects = l.v[i].seq;
            kind = KS_CORRECTION;
        }
        json_t *b = json_loads(body, 0, NULL);
        if (!b || ks__evlist_push(&l, fake++, kind, b, corrects, identity) != KS_OK)
            rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
    }
    json_t *cj = rc == KS_OK ? ks__build_case(id, &l) : NULL;
    char *text = cj ? json_dumps(cj, JSON_COMPACT) : NULL;
    json_decref(cj);
    ks__evlist_free(&l);
    if (rc != KS_OK) return rc;
    if (!text) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int krc = kt_case_parse(text, strlen(text), &c, &pr);
    free(text);
    kt_case_free(c);
    if (krc == KT_EINVALID) {
        ks__report_problems(pr, im->problem, im->ctx, im->line);
        im->res->invalid++;
    } else if (krc != KT_OK) {
        rc = ks__fail(im->err, KS_ENOMEM, "%s", kt_strerror(krc));
    }
    kt_problems_free(pr);
    return rc;
}

/* Writes the lines staged in memory into import_stage: in a transaction of
 * their own (commit 1), or in the caller's open one (0). */
static int stage_flush(imp *im, int commit) {
    if (im->n_staged == 0) return KS_OK;
    int rc = im->s->in_tx ? KS_OK : ks__begin(im->s, im->err);
    if (rc != KS_OK) return rc;
    ks_q *st;
    if (ks_db_prepare(im->s->db, "INSERT INTO import_stage(line, text) VALUES (?1, ?2)", &st) != 0)
        rc = ks__dbfail(im->s, im->err, "import_stage");
    for (size_t i = 0; rc == KS_OK && i < im->n_staged; i++) {
        const long *at = &im->staged_at[3 * i];
        ks_q_bind_int64(st, 1, at[0]);
        ks_q_bind_text_static(st, 2, im->staged.p + at[1], (int)at[2]);
        if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(im->s, im->err, "import_stage");
        ks_q_reset(st);
    }
    ks_q_finalize(st);
    im->n_staged = 0;
    kt_sb_cut(&im->staged, 0);
    if (rc == KS_OK && commit) rc = ks__commit(im->s, im->err);
    if (rc != KS_OK && im->s->in_tx) ks__rollback(im->s);
    return rc;
}

/* One prepared line while staging: checked, and its text staged. */
static int stage_line(imp *im, job *j) {
    im->line = j->line;
    if (j->fatal) return ks__fail(im->err, j->fatal, "line %ld: %s", j->line, j->fatal_msg[0] ? j->fatal_msg : "out of memory");
    if (report_problems(im, j)) return KS_OK;
    if (jobcenter_conflict(im, j->line, kt_case_id(j->c), j->jobcenter)) return KS_OK; /* every one */
    if (im->res->invalid) return KS_OK;
    int rc = merge_check(im, kt_case_id(j->c), &j->it);
    if (rc != KS_OK || im->res->invalid) return rc;
    if (!im->staged_at && !(im->staged_at = malloc(3 * STAGE_BATCH * sizeof *im->staged_at)))
        return ks__fail(im->err, KS_ENOMEM, "out of memory");
    long *at = &im->staged_at[3 * im->n_staged++];
    at[0] = j->line;
    at[1] = (long)im->staged.len;
    at[2] = (long)j->raw.len;
    if (kt_sb_mem(&im->staged, j->raw.p, j->raw.len)) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    return im->n_staged == STAGE_BATCH ? stage_flush(im, 1) : KS_OK;
}

static int pg_write_line(imp *im, queue *q, job *j);

static int import_ndjson(imp *im, FILE *in, const char *pre, size_t pre_len) {
    queue *q = calloc(1, sizeof *q);
    if (!q) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    int invalid_seen = 0;
    reader r = {q, in, im->o, im->s->engine, ks_today(im->s), &invalid_seen, im->sd, 0,
                im->mode == IMP_STAGE, pre, pre_len, 0, im->pgc ? im->now : NULL, im->s->actor};
    pthread_t th;
    int rc = KS_OK;
    if (pthread_create(&th, NULL, reader_main, &r) != 0) {
        rc = ks__fail(im->err, KS_ENOMEM, "cannot start the reader thread");
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (q->n == 0 && !q->done) {
            q->writer_waits = 1;
            pthread_cond_wait(&q->not_empty, &q->mu);
            q->writer_waits = 0;
        }
        if (q->n == 0) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        job *j = &q->v[q->head];
        pthread_mutex_unlock(&q->mu);
        if (rc == KS_OK) {
            im->res->records++;
            rc = im->mode == IMP_STAGE ? stage_line(im, j)
                 : im->pgc             ? pg_write_line(im, q, j)
                                       : write_line(im, j);
            if (im->res->invalid) __atomic_store_n(&invalid_seen, 1, __ATOMIC_RELAXED);
        }
        pthread_mutex_lock(&q->mu);
        q->head = (q->head + 1) % QUEUE_LEN; /* the job is the reader's again */
        q->n--;
        if (rc != KS_OK) q->stop = 1;
        if (q->reader_waits && (q->n <= QUEUE_LEN / 2 || q->stop)) pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&q->mu);
    }
    /* a fresh import with a side file: the reader is building its index;
     * the writer builds the store's other indexes meanwhile */
    if (rc == KS_OK && im->sd && im->res->invalid == 0) {
        rc = ks__exec(im->s, INDEX_BUILD_PRAGMAS, im->err);
        if (rc == KS_OK) rc = ks__bulk_indexes_small(im->s, im->err);
    }
    pthread_join(th, NULL);
    if (rc == KS_OK && q->read_error) rc = ks__fail(im->err, KS_EIO, "read error");
    if (rc == KS_OK && im->sd && im->res->invalid == 0 && r.side_rc != 0)
        rc = ks__fail(im->err, KS_EDB, "%s", im->sd->msg[0] ? im->sd->msg : "the side file failed");
out:
    for (size_t i = 0; i < QUEUE_LEN; i++) job_free(&q->v[i]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q);
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
        ks_q *st = ks__stmt(im->s, ST_CASE_GET, im->err);
        if (!st) rc = KS_EDB;
        else {
            ks_q_bind_text_static(st, 1, f[0], -1);
            int sr = ks_q_step(st);
            ks_q_reset(st);
            if (sr == KS_Q_DONE) {
                report(im, "/case_id", "no such case in the store",
                       "the id of a case imported before (NDJSON)");
                bad = 1;
            } else if (sr != KS_Q_ROW) {
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
            ks_q *st = ks__stmt(im->s, ST_IDENTITY_EXISTS, im->err);
            if (!st) rc = KS_EDB;
            else {
                ks_q_bind_text_static(st, 1, f[0], -1);
                ks_q_bind_text_static(st, 2, identity, -1);
                int sr = ks_q_step(st);
                ks_q_reset(st);
                if (sr == KS_Q_DONE) {
                    rc = ks__insert_event(im->s, f[0], KS_CONVERSATION, body, identity, 0, im->now,
                                          NULL, im->err);
                    im->res->events++;
                    json_object_set_new(touched, f[0], json_integer(im->line));
                } else if (sr != KS_Q_ROW) {
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

/* ---- an import into a fresh store: built beside it, renamed over it ------------ */

static void finalize_stmts(ks_store *s) {
    for (int i = 0; i < ST_COUNT; i++) {
        ks_q_finalize(s->st[i]);
        s->st[i] = NULL;
    }
}

static int fsync_path(const char *path, int dir) {
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* The fresh import below is SQLite's alone (a file built beside the store
 * and renamed over it; its locking and journal modes): the functions named
 * sqlite_* work on the raw handle, ks_db_sqlite(s->db). */

/* Gives the target back its usual settings after a look (or a failed build):
 * no transaction, normal locking, WAL, the busy timeout. */
static void sqlite_target_restore(ks_store *s) {
    if (ks_db_in_tx(s->db)) ks_db_exec(s->db, "ROLLBACK");
    sqlite3 *db = ks_db_sqlite(s->db);
    sqlite3_exec(db, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    sqlite3_busy_timeout(db, 10000);
}

static int query_int(ks_db *db, const char *sql, long *out) {
    ks_q *st = NULL;
    int ok = ks_db_prepare(db, sql, &st) == 0 && ks_q_step(st) == KS_Q_ROW;
    if (ok) *out = (long)ks_q_int64(st, 0);
    ks_q_finalize(st);
    return ok;
}

static const char fresh_sql[] =
    "SELECT NOT EXISTS (SELECT 1 FROM cases) AND NOT EXISTS (SELECT 1 FROM events) AND "
    "NOT EXISTS (SELECT 1 FROM plans) AND NOT EXISTS (SELECT 1 FROM obligations) AND "
    "NOT EXISTS (SELECT 1 FROM tokens) AND NOT EXISTS (SELECT 1 FROM access_log)";

/* Takes the target for a fresh import (docs/store.md, "Import into a fresh
 * store"): it holds no data at all, no other connection has it open (leaving
 * WAL mode needs that), and it stays locked EXCLUSIVE (rollback journal:
 * readers are kept out too) until the new file has replaced it. 1 = taken. */
static int sqlite_target_take(ks_store *s) {
    long fresh = 0;
    if (!query_int(s->db, fresh_sql, &fresh) || !fresh) return 0;
    sqlite3 *db = ks_db_sqlite(s->db);
    sqlite3_busy_timeout(db, 0); /* another connection: do not wait, import in place */
    ks_q *st = NULL;
    int del = ks_db_prepare(s->db, "PRAGMA journal_mode = DELETE", &st) == 0 &&
              ks_q_step(st) == KS_Q_ROW &&
              sqlite3_stricmp(ks_q_text(st, 0), "delete") == 0;
    ks_q_finalize(st);
    long mode_ok = 0;
    if (del && sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE", NULL, NULL,
                            NULL) == SQLITE_OK &&
        query_int(s->db, fresh_sql, &fresh) && fresh &&
        query_int(s->db, "SELECT journal_mode = 'delete' FROM pragma_journal_mode", &mode_ok) && mode_ok)
        return 1;
    sqlite_target_restore(s);
    return 0;
}

/* Builds the store in PATH-import (no journal, no syncs, secondary indexes
 * at the end), fsyncs it, renames it over PATH and fsyncs the directory. A
 * kill at any moment leaves the old, empty store or the complete new one. */
static int sqlite_import_fresh(imp *im, FILE *in, const char *path) {
    ks_store *s = im->s;
    ks_error *err = im->err;
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 16), *dir = strdup(path);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        sqlite_target_restore(s);
        return ks__fail(err, KS_ENOMEM, "out of memory");
    }
    snprintf(tmp, pl + 16, "%s-import", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) dir[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, pl + 1, ".");
    unlink_build(tmp); /* left by a killed import: the target's lock protects it */
    finalize_stmts(s);
    ks_db *old = s->db, *t = NULL;
    int rc = KS_OK;
    char msg[sizeof err->message];
    if (ks_db_open(tmp, KS_DB_CREATE, &t, msg, sizeof msg) != 0) rc = ks__fail(err, KS_EDB, "%s", msg);
    s->db = t;
    if (rc == KS_OK)
        rc = ks__exec(s, BUILD_PRAGMAS "PRAGMA foreign_keys = OFF", err);
    if (rc == KS_OK) rc = ks__migrate(s, err);
    if (rc == KS_OK) rc = ks__begin(s, err);
    if (rc == KS_OK) rc = ks__bulk_indexes(s, 0, err);
    side sd = {0};
    char *side_path = malloc(pl + 16);
    int with_side = 0;
    if (rc == KS_OK && side_path) {
        snprintf(side_path, pl + 16, "%s-import-obl", path);
        with_side = side_open(&sd, t, side_path) == 0;
    }
    im->sd = with_side ? &sd : NULL;
    if (rc == KS_OK) rc = import_ndjson(im, in, NULL, 0);
    im->sd = NULL;
    /* (with a side file the writer set them before its share, in import_ndjson) */
    if (rc == KS_OK && im->res->invalid == 0 && !with_side) rc = ks__exec(s, INDEX_BUILD_PRAGMAS, err);
    if (rc == KS_OK && im->res->invalid == 0)
        rc = with_side ? ks__exec(s, ks__obligations_index_sql, err) : ks__bulk_indexes(s, 1, err);
    if (rc == KS_OK && im->res->invalid == 0 && with_side) rc = side_merge(s, &sd, err);
    /* lines of cases that came before in the file: merged now, in order */
    for (size_t i = 0; i < im->n_deferred; i++) {
        if (rc == KS_OK && im->res->invalid == 0) rc = write_line(im, im->deferred[i]);
        job_free(im->deferred[i]);
        free(im->deferred[i]);
    }
    free(im->deferred);
    im->deferred = NULL;
    im->n_deferred = im->cap_deferred = 0;
    if (with_side) {
        side_close(&sd);
        unlink_build(side_path);
    }
    free(side_path);
    if (rc == KS_OK && im->res->invalid == 0) {
        rc = ks__exec(s, "COMMIT", err);
        s->in_tx = 0;
    }
    /* WAL now, while the file is still ours: switching it after the rename
     * would write its header in a transaction of its own, and a kill in
     * that moment leaves a hot journal that only a writer may roll back
     * (`db check` opens read-only). Closed, the log is emptied and removed. */
    if (rc == KS_OK && im->res->invalid == 0) rc = ks__exec(s, "PRAGMA main.journal_mode = WAL", err);
    int built = rc == KS_OK && im->res->invalid == 0;
    if (!built) ks__rollback(s);
    finalize_stmts(s);
    ks_db_close(t); /* every statement is finalized: nothing to refuse the close */
    s->db = old;
    if (built && fsync_path(tmp, 0) != 0) rc = ks__fail(err, KS_EIO, "%s: fsync: %s", tmp, strerror(errno)), built = 0;
    if (built && rename(tmp, path) != 0) rc = ks__fail(err, KS_EIO, "%s: rename: %s", tmp, strerror(errno)), built = 0;
    if (!built) {
        unlink_build(tmp);
        sqlite_target_restore(s);
        free(tmp);
        free(dir);
        return finish(s, rc, im->res, err);
    }
    /* the new file is in place: durable once the directory is */
    if (fsync_path(dir, 1) != 0) rc = ks__fail(err, KS_EIO, "%s: fsync: %s", dir, strerror(errno));
    ks_db_close(old); /* releases the old file's lock; its writers now fail (moved) */
    s->db = NULL;
    s->wal_pages = 0;
    if (ks_db_open(path, 0, &s->db, msg, sizeof msg) != 0) {
        rc = ks__fail(err, KS_EDB, "imported, but cannot be opened again: %s", msg);
    } else {
        int r = ks__sqlite_set_pragmas(s, err);
        if (rc == KS_OK) rc = r;
    }
    free(tmp);
    free(dir);
    return rc;
}

/* ---- staged import: the driver, the batches, and recovery --------------------- */

/* The store's file (SQLite only; NULL for another backend or a memory database). */
static const char *sqlite_file(ks_store *s) {
    sqlite3 *db = ks_db_sqlite(s->db);
    return db ? sqlite3_db_filename(db, "main") : NULL;
}

/* Pragmas of a bulk write (SQLite only; nothing on another backend). */
static void sqlite_tune(ks_store *s, const char *pragmas) {
    if (ks_db_sqlite(s->db)) ks_db_exec(s->db, pragmas);
}

static int stage_lock(ks_store *s, int wait) {
    const char *file = sqlite_file(s);
    if (!file || !*file) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s-import.lock", file);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    if (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The one integer a query gives (a count, a flag); `what` names it in an error. */
static int query_long(ks_store *s, const char *sql, const char *what, long *out, ks_error *err) {
    ks_q *st;
    if (ks_db_prepare(s->db, sql, &st) != 0) return ks__dbfail(s, err, what);
    int rc = ks_q_step(st) == KS_Q_ROW ? KS_OK : ks__dbfail(s, err, what);
    if (rc == KS_OK) *out = (long)ks_q_int64(st, 0);
    ks_q_finalize(st);
    return rc;
}

/* Applies the staged lines, a batch per transaction, until none is
 * left (the last batch clears the marker). The caller holds the flock. */
static int apply_staged(imp *im) {
    ks_store *s = im->s;
    int rc = KS_OK;
    long records = im->res->records, *map = malloc(APPLY_MAX * sizeof *map);
    int batch = 100;
    kt_sb buf = {0};
    if (!map) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    /* Each batch commits without a sync (WAL, synchronous NORMAL): a power
     * cut may lose the last batches, but with them their staged lines come
     * back, and the marker makes the next open apply them again. The last
     * batch, which ends the import, is synced. */
    sqlite_tune(s, "PRAGMA foreign_keys = OFF; PRAGMA synchronous = NORMAL");
    im->mode = IMP_APPLY;
    for (;;) {
        ks_q *st;
        char sql[128];
        long remaining = 0; /* the last batch is synced (outside a transaction only) */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM import_stage LIMIT %d)",
                 batch + 1);
        rc = query_long(s, sql, "import_stage", &remaining, im->err);
        if (rc == KS_OK && remaining <= batch) rc = ks__exec(s, "PRAGMA synchronous = FULL", im->err);
        if (rc == KS_OK) rc = ks__begin(s, im->err);
        if (rc != KS_OK) break;
        snprintf(sql, sizeof sql, "SELECT n, line, text FROM import_stage ORDER BY n LIMIT %d",
                 batch);
        if (ks_db_prepare(s->db, sql, &st) != 0) {
            rc = ks__dbfail(s, im->err, "import_stage");
            break;
        }
        long last = 0;
        int k = 0, r;
        kt_sb_cut(&buf, 0);
        while ((r = ks_q_step(st)) == KS_Q_ROW) {
            last = (long)ks_q_int64(st, 0);
            map[k++] = (long)ks_q_int64(st, 1);
            kt_sb_mem(&buf, ks_q_text(st, 2), (size_t)ks_q_bytes(st, 2));
            kt_sb_chr(&buf, '\n');
        }
        ks_q_finalize(st);
        if (r != KS_Q_DONE) rc = ks__dbfail(s, im->err, "import_stage");
        else if (buf.err) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
        if (rc != KS_OK || k == 0) break;
        im->line_map = map;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = import_ndjson(im, NULL, buf.p, buf.len);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        /* the next batch: as many lines as this pace writes in APPLY_MS */
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        double next = ms > 0 ? k * APPLY_MS / ms : APPLY_MAX;
        batch = next < APPLY_MIN ? APPLY_MIN : next > APPLY_MAX ? APPLY_MAX : (int)next;
        im->line_map = NULL;
        if (rc == KS_OK) {
            snprintf(sql, sizeof sql, "DELETE FROM import_stage WHERE n <= %ld", last);
            rc = ks__exec(s, sql, im->err);
        }
        long left = 0;
        if (rc == KS_OK) rc = query_long(s, "SELECT EXISTS (SELECT 1 FROM import_stage)", "import_stage", &left, im->err);
        if (rc == KS_OK && !left)
            rc = ks__exec(s, "DELETE FROM meta WHERE key = 'import_applying'", im->err);
        if (rc == KS_OK && !left) rc = ks__write_pending_log(s, 0, im->err);
        if (rc == KS_OK) rc = ks__commit(s, im->err);
        if (rc != KS_OK || !left) break;
        /* a pause, in which a writer waiting for the lock (polling every
         * millisecond: sqlite_only.c, busy_wait) takes it */
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
    if (s->in_tx) ks__rollback(s);
    sqlite_tune(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL");
    im->mode = IMP_DIRECT;
    im->res->records = records;
    kt_sb_free(&buf);
    free(map);
    return rc;
}

/* Under the flock: what a killed import left. Past its point of no return
 * (the marker), it is applied; before it, its staged lines are deleted. */
static int stage_recover(ks_store *s, ks_error *err) {
    long staged = 0;
    int rc = query_long(s, "SELECT EXISTS (SELECT 1 FROM import_stage)", "import_stage", &staged, err);
    if (rc != KS_OK || !staged) return rc;
    ks_q *st;
    char jobcenter[65] = "";
    kt_date day = KT_NO_DATE;
    int marked = 0;
    if (ks_db_prepare(s->db, "SELECT value FROM meta WHERE key = 'import_applying'", &st) != 0)
        return ks__dbfail(s, err, "meta");
    if (ks_q_step(st) == KS_Q_ROW) { /* "YYYY-MM-DD\tJOBCENTER" (import_staged) */
        marked = 1;
        const char *v = ks_q_text(st, 0);
        if (v && strlen(v) >= 11 && v[10] == '\t') {
            if (kt_date_parse(v, 10, &day) != KT_OK) day = KT_NO_DATE;
            snprintf(jobcenter, sizeof jobcenter, "%s", v + 11);
        }
    }
    ks_q_finalize(st);
    if (!marked) {
        rc = ks__begin(s, err);
        if (rc == KS_OK) rc = ks__exec(s, "DELETE FROM import_stage", err);
        if (rc == KS_OK) rc = ks__commit(s, err);
        else ks__rollback(s);
        return rc;
    }
    ks_import_options o = {KS_FORMAT_NDJSON, jobcenter[0] ? jobcenter : NULL};
    ks_import_result res;
    memset(&res, 0, sizeof res);
    imp im = {.s = s, .o = &o, .res = &res, .err = err};
    ks__now(s, im.now);
    int pending = s->log_pending; /* not this import's row */
    s->log_pending = 0;
    kt_date today = s->today; /* plans as of the day the import was made for */
    if (day != KT_NO_DATE) s->today = day;
    rc = apply_staged(&im);
    s->today = today;
    s->log_pending = pending;
    return rc;
}

int ks__import_recover(ks_store *s, ks_error *err) {
    if ((s->flags & KS_OPEN_READONLY) || s->pg) return KS_OK; /* staging is SQLite's */
    long staged = 0;
    int rc = query_long(s, "SELECT EXISTS (SELECT 1 FROM import_stage)", "import_stage", &staged, err);
    if (rc != KS_OK || !staged) return rc;
    int fd = stage_lock(s, 0);
    if (fd < 0) return KS_OK; /* an import is under way (or no lock can be had): its own */
    rc = stage_recover(s, err);
    close(fd);
    return rc;
}

/* A large NDJSON import into a store in use: staged, then applied (above). */
static int import_staged(imp *im, FILE *in, const char *pre, size_t pre_len) {
    ks_store *s = im->s;
    ks_error *err = im->err;
    int fd = stage_lock(s, 1);
    if (fd < 0) return ks__fail(err, KS_EIO, "cannot lock the store for the import (FILE-import.lock)");
    int pending = s->log_pending; /* the import's own row goes with its last batch */
    s->log_pending = 0;
    int rc = stage_recover(s, err);
    im->mode = IMP_STAGE;
    if (rc == KS_OK) rc = import_ndjson(im, in, pre, pre_len);
    im->mode = IMP_DIRECT;
    int go = rc == KS_OK && im->res->invalid == 0;
    if (go) rc = stage_flush(im, 0); /* the last lines, with the marker */
    kt_sb_free(&im->staged);
    free(im->staged_at);
    im->staged_at = NULL;
    im->n_staged = 0;
    if (go && rc == KS_OK && !s->in_tx) rc = ks__begin(s, err);
    if (go && rc == KS_OK) { /* the point of no return, with the last staged lines */
        ks_q *st;
        if (ks_db_prepare(s->db, "INSERT INTO meta(key, value) VALUES ('import_applying', ?1) "
                                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st) != 0)
            rc = ks__dbfail(s, err, "meta");
        else {
            char value[96], day[11];
            kt_date_format(ks_today(s), day);
            snprintf(value, sizeof value, "%s\t%s", day, im->o && im->o->jobcenter ? im->o->jobcenter : "");
            ks_q_bind_text(st, 1, value, -1);
            if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "meta");
            ks_q_finalize(st);
        }
        if (rc == KS_OK) rc = ks__commit(s, err);
    }
    if (!go || rc != KS_OK) {
        if (s->in_tx) ks__rollback(s);
        ks_error e2 = {0}; /* the staged lines go; a failure here is cleaned up later */
        if (ks__begin(s, &e2) == KS_OK) {
            if (ks__exec(s, "DELETE FROM import_stage", &e2) == KS_OK) ks__commit(s, &e2);
            else ks__rollback(s);
        }
        close(fd);
        ks_import_result *res = im->res;
        res->cases_new = res->cases_changed = res->events = res->corrections = 0;
        if (rc == KS_OK)
            rc = ks__fail(err, KS_EINVALID, "%ld invalid record%s: nothing was imported",
                          res->invalid, res->invalid == 1 ? "" : "s");
        return rc;
    }
    s->log_pending = pending;
    rc = apply_staged(im);
    s->log_pending = 0;
    close(fd);
    if (rc != KS_OK && err) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        ks__fail(err, rc, "the file was checked and is being applied, but applying stopped (%.300s): "
                          "the next open of the store goes on with it", msg);
    }
    return rc;
}

/* Reads up to STAGE_MIN lines ahead: 1 if the file has more (stage it),
 * 0 if that was all, -1 for no memory or a read error. */
static int read_ahead(FILE *in, kt_sb *pre) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lines = 0;
    while (lines < STAGE_MIN && (n = getline(&line, &cap, in)) >= 0) {
        kt_sb_mem(pre, line, (size_t)n);
        lines++;
    }
    free(line);
    if (pre->err || ferror(in)) return -1;
    return lines == STAGE_MIN;
}

/* ---- PostgreSQL ------------------------------------------------------------------
 *
 * The import into PostgreSQL, whatever the store holds, is one transaction,
 * all or nothing, and idempotent as on SQLite. None of SQLite's ways apply:
 * no file to build beside and rename, no lock file, no staging (readers do
 * not wait for a writer; writers of other cases neither: each holds only its
 * cases' row locks).
 *
 * Cases the store does not have go in with COPY (docs/store.md,
 * "PostgreSQL"): the reader thread makes each line's rows as if the case
 * were new (copy_rows), the writer decides new or not and appends a new
 * case's rows to one buffer per table, and COPYs the four buffers (cases
 * first: events refer to them) whenever they have grown big, and at the end.
 * New or not: a case seen before in the file is not new (its rows are
 * COPYed first, then the line merges); otherwise, in a store that had cases
 * when the import began, the ids of all the lines waiting in the ring are
 * looked up in one query. A line of a case the store has merges through the
 * ordinary writer (statements, the case's row lock), as does every CSV row.
 * COPY FROM is refused on a table under row-level security, so a role bound
 * by the policies (the server's) imports with statements throughout.
 *
 * Into an empty store (no row in cases, events, obligations, plans, under
 * an ACCESS EXCLUSIVE lock on the four until the commit, as SQLite's fresh
 * import keeps readers out), the indexes and the unique, primary and
 * foreign keys of the four are dropped at the start and made again at the
 * end from their own definitions (pg_get_indexdef, pg_get_constraintdef):
 * one sorted build each, and one join to check each foreign key, instead of
 * an index insert and a lookup for every row (a 20,000-case import: 12 s of
 * COPY against 3 s). The lines of a case seen before in the file wait until
 * then and merge as always (the merge's statements need the indexes). A
 * rollback (an invalid line, a kill) brings everything back. */

typedef struct pgc {
    kt_sb t[4];      /* rows of cases, events, obligations, plans */
    ks_idset *mine;  /* cases of this file so far */
    ks_idset *exists; /* of the ids looked up last: those the store has */
    int store_empty; /* no case when the import began: nothing to look up */
    int bulk;        /* indexes and keys dropped (an empty store): made again at the end */
    long long seq0, seq; /* bulk: the events' seqs, from seq0 (the sequence's next) to seq */
    struct ev_row *ev;   /* bulk: a case's event rows, sorted (pgc_events) */
    size_t ev_cap;
    kt_sb rebuild;   /* the statements that make them again, each ending in a NUL */
    long checked_to; /* the ids of lines up to this one were looked up */
    kt_sb ids;       /* the lookup's array literal */
    /* bulk: a sender thread COPYs one set of buffers while the writer fills
     * the other (the writer does not use the connection meanwhile: no
     * lookups, no merges until the end), so that the server inserts while
     * the reader parses */
    int th_on, pending, quit, th_rc;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    kt_sb out[4];
    ks_store *s;
    ks_error th_err;
} pgc;

enum { PGC_FLUSH = 32 << 20 }; /* bytes of rows that make a COPY */

static const char *const pgc_sql[2][4] = {
    {"COPY cases(id, jobcenter, caseworker, created_at) FROM STDIN",
     "COPY events(case_id, kind, body, identity, recorded_at, recorded_by) FROM STDIN",
     ks__copy_obligations_sql, "COPY plans(case_id, as_of, computed_at, valid_until) FROM STDIN"},
    /* into tables truncated in this transaction (an empty store): the rows
     * are written frozen, so that no later read or vacuum writes every page
     * again to mark them committed; the events' seqs are the writer's
     * (pgc_events), not the sequence's default: a nextval per row was a
     * third of the server's time on that COPY */
    {"COPY cases(id, jobcenter, caseworker, created_at) FROM STDIN (FREEZE)",
     "COPY events(seq, case_id, kind, body, identity, recorded_at, recorded_by) FROM STDIN (FREEZE)",
     ks__copy_obligations_freeze_sql,
     "COPY plans(case_id, as_of, computed_at, valid_until) FROM STDIN (FREEZE)"},
};

static int pgc_copy(ks_store *s, kt_sb t[4], int freeze, ks_error *err) {
    int rc = KS_OK;
    for (int k = 0; k < 4 && rc == KS_OK; k++) {
        if (t[k].err) rc = ks__fail(err, KS_ENOMEM, "out of memory");
        else if (t[k].len) rc = ks__copy_in(s, pgc_sql[freeze][k], t[k].p, t[k].len, err);
    }
    for (int k = 0; k < 4; k++) kt_sb_cut(&t[k], 0);
    return rc;
}

static void *pgc_sender(void *arg) {
    pgc *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->pending && !p->quit) pthread_cond_wait(&p->cv, &p->mu);
        if (!p->pending) break;
        pthread_mutex_unlock(&p->mu);
        int rc = p->th_rc == KS_OK ? pgc_copy(p->s, p->out, 1, &p->th_err) : p->th_rc;
        pthread_mutex_lock(&p->mu);
        p->th_rc = rc;
        p->pending = 0;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Waits until the sender is idle: its result. */
static int pgc_drain(imp *im) {
    pgc *p = im->pgc;
    if (!p->th_on) return KS_OK;
    pthread_mutex_lock(&p->mu);
    while (p->pending) pthread_cond_wait(&p->cv, &p->mu);
    int rc = p->th_rc;
    pthread_mutex_unlock(&p->mu);
    if (rc != KS_OK && im->err) *im->err = p->th_err;
    return rc;
}

static int pgc_flush(imp *im) {
    pgc *p = im->pgc;
    if (!(p->bulk && p->th_on)) return pgc_copy(im->s, p->t, p->bulk, im->err);
    int rc = pgc_drain(im);
    if (rc != KS_OK) return rc;
    pthread_mutex_lock(&p->mu);
    for (int k = 0; k < 4; k++) {
        kt_sb x = p->out[k];
        p->out[k] = p->t[k];
        p->t[k] = x;
    }
    p->pending = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return KS_OK;
}

/* Looks up, in one query, which of the cases of the lines in the ring
 * (from j, the writer's, to the last the reader has handed over) the store
 * has. */
static int pgc_lookup(imp *im, queue *q) {
    pgc *p = im->pgc;
    pthread_mutex_lock(&q->mu);
    size_t head = q->head, n = q->n;
    pthread_mutex_unlock(&q->mu);
    kt_sb *a = &p->ids;
    kt_sb_cut(a, 0);
    kt_sb_chr(a, '{');
    for (size_t k = 0; k < n; k++) {
        const job *x = &q->v[(head + k) % QUEUE_LEN]; /* in [head, head + n): the writer's */
        p->checked_to = x->line;
        if (!x->c || x->nprobs || x->fatal) continue;
        if (a->len > 1) kt_sb_chr(a, ',');
        kt_sb_chr(a, '"');
        for (const char *c = kt_case_id(x->c); *c; c++) {
            if (*c == '"' || *c == '\\') kt_sb_chr(a, '\\');
            kt_sb_chr(a, *c);
        }
        kt_sb_chr(a, '"');
    }
    kt_sb_chr(a, '}');
    if (a->err) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    ks__idset_free(p->exists);
    if (!(p->exists = ks__idset_new())) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    ks_q *st;
    if (ks_db_prepare(im->s->db, "SELECT id FROM cases WHERE id = ANY(CAST(?1 AS text[]))", &st) != 0)
        return ks__dbfail(im->s, im->err, "cases");
    ks_q_bind_text_static(st, 1, a->p, (int)a->len);
    int r, rc = KS_OK;
    while ((r = ks_q_step(st)) == KS_Q_ROW)
        if (ks__idset_add(p->exists, ks_q_text(st, 0)) < 0) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(im->s, im->err, "cases");
    ks_q_finalize(st);
    return rc;
}

/* Bulk: a case's event rows (each ending in a newline) to the buffer, each
 * given its seq in front: the store's numbers in file order, as the
 * sequence would have given them. The rows go in the order of their
 * identities, not of their seqs (every read orders by seq): the table is
 * then in the order of its unique key (case_id, identity), whose build at
 * the end is a third cheaper on input already sorted. */
typedef struct ev_row {
    const char *row, *identity;
    size_t len, identity_len;
    long long seq;
} ev_row;

static int ev_row_cmp(const void *a, const void *b) {
    const ev_row *x = a, *y = b;
    size_t n = x->identity_len < y->identity_len ? x->identity_len : y->identity_len;
    int c = memcmp(x->identity, y->identity, n);
    return c ? c : (x->identity_len > y->identity_len) - (x->identity_len < y->identity_len);
}

static int pgc_events(pgc *p, const char *rows, size_t n) {
    size_t k = 0;
    for (const char *at = rows, *end = rows + n; at < end; k++) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        size_t len = nl ? (size_t)(nl - at) + 1 : (size_t)(end - at);
        if (k == p->ev_cap) {
            size_t cap = p->ev_cap ? 2 * p->ev_cap : 64;
            ev_row *v = realloc(p->ev, cap * sizeof *v);
            if (!v) return -1;
            p->ev = v;
            p->ev_cap = cap;
        }
        /* the fourth column (case_id, kind, body, identity): the text
         * escaped, which orders as the value does but for a backslash, tab
         * or newline in it (an order for speed only) */
        const char *f = at, *row_end = at + len;
        for (int tabs = 0; tabs < 3 && f < row_end; f++)
            if (*f == '\t') tabs++;
        const char *f_end = memchr(f, '\t', (size_t)(row_end - f));
        p->ev[k] = (ev_row){at, f, len, f_end ? (size_t)(f_end - f) : 0, p->seq++};
        at += len;
    }
    if (k > 1) qsort(p->ev, k, sizeof *p->ev, ev_row_cmp);
    char num[24];
    for (size_t i = 0; i < k; i++) {
        int w = snprintf(num, sizeof num, "%lld\t", p->ev[i].seq);
        kt_sb_mem(&p->t[1], num, (size_t)w);
        kt_sb_mem(&p->t[1], p->ev[i].row, p->ev[i].len);
    }
    return 0;
}

/* One prepared line, in the writer (write_line's twin). */
static int pg_write_line(imp *im, queue *q, job *j) {
    pgc *p = im->pgc;
    im->line = j->line;
    if (j->fatal) return ks__fail(im->err, j->fatal, "line %ld: %s", j->line, j->fatal_msg[0] ? j->fatal_msg : "out of memory");
    if (report_problems(im, j)) return KS_OK;
    if (im->res->invalid) {
        /* every one; not in an empty store (no case to move, and the
         * sender thread may be using the connection) */
        if (j->c && !p->bulk) jobcenter_conflict(im, j->line, kt_case_id(j->c), j->jobcenter);
        return KS_OK;
    }
    if (!j->plan) return ks__fail(im->err, KS_ENOMEM, "line %ld: not prepared", j->line);
    const char *id = kt_case_id(j->c);
    int rc = KS_OK, exists = 0, r = ks__idset_add(p->mine, id);
    if (r < 0) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    if (r == 0 && p->bulk) return defer(im, j); /* merged once the indexes are back */
    if (r == 0) { /* earlier in the file: into the store first, then merged */
        exists = 1;
        rc = pgc_flush(im);
    } else if (!p->store_empty) {
        if (j->line > p->checked_to) rc = pgc_lookup(im, q);
        exists = ks__idset_has(p->exists, id);
    }
    if (rc != KS_OK) return rc;
    if (exists) {
        if ((rc = ks__lock_case(im->s, id, im->err)) != KS_OK) return rc;
        if (jobcenter_conflict(im, j->line, id, j->jobcenter)) return KS_OK;
        return merge_case(im, id, &j->head, j->caseworker, &j->it);
    }
    size_t from = 0, big = 0;
    for (int t = 0; t < 4; t++) {
        size_t to = t < 3 ? j->copy_at[t] : j->copy.len;
        if (t != 1 || !p->bulk) kt_sb_mem(&p->t[t], j->copy.p + from, to - from);
        else if (pgc_events(p, j->copy.p + from, to - from) < 0) return ks__fail(im->err, KS_ENOMEM, "out of memory");
        from = to;
        big += p->t[t].len;
    }
    im->res->cases_new++;
    im->res->events += (long)j->it.n;
    return big >= PGC_FLUSH ? pgc_flush(im) : KS_OK;
}

static const char pg_empty_sql[] =
    "SELECT (NOT EXISTS (SELECT 1 FROM cases) AND NOT EXISTS (SELECT 1 FROM events) AND"
    " NOT EXISTS (SELECT 1 FROM obligations) AND NOT EXISTS (SELECT 1 FROM plans))::int";

/* The four tables' keys and indexes: to drop (foreign keys, then indexes,
 * then primary and unique keys) and to make again (the other way round). */
static const char pg_keys_sql[] =
    "WITH t(oid) AS (SELECT unnest(ARRAY['cases'::regclass, 'events'::regclass,"
    "   'obligations'::regclass, 'plans'::regclass]::oid[])),"
    " k(ord, name, drop_sql, make_sql) AS ("
    "  SELECT CASE c.contype WHEN 'f' THEN 1 ELSE 3 END, c.conname,"
    "   format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),"
    "   format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,"
    "    pg_get_constraintdef(c.oid))"
    "  FROM pg_constraint c JOIN t ON t.oid = c.conrelid WHERE c.contype IN ('f', 'p', 'u')"
    "  UNION ALL"
    "  SELECT 2, i.indexrelid::regclass::text, format('DROP INDEX %s', i.indexrelid::regclass),"
    "   pg_get_indexdef(i.indexrelid)"
    "  FROM pg_index i JOIN t ON t.oid = i.indrelid"
    "  WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid))"
    " SELECT 0, ord, name, drop_sql FROM k UNION ALL SELECT 1, -ord, name, make_sql FROM k"
    " ORDER BY 1, 2, 3";

/* An empty store: its four tables locked, their keys and indexes dropped
 * (p->rebuild makes them again). 1 done, 0 not empty after all. */
static int pgc_bulk_start(imp *im, pgc *p) {
    ks_store *s = im->s;
    long empty = 0;
    int rc = ks__exec(s, "LOCK TABLE cases, events, obligations, plans IN ACCESS EXCLUSIVE MODE", im->err);
    if (rc == KS_OK) rc = query_long(s, pg_empty_sql, "import", &empty, im->err);
    if (rc != KS_OK || !empty) return rc;
    ks_q *st;
    if (ks_db_prepare(s->db, pg_keys_sql, &st) != 0) return ks__dbfail(s, im->err, "import");
    kt_sb drop = {0};
    int r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        kt_sb *b = ks_q_int64(st, 0) == 0 ? &drop : &p->rebuild;
        kt_sb_str(b, ks_q_text(st, 3));
        kt_sb_mem(b, b == &drop ? ";" : "", 1); /* make: one statement at a time, NUL after each */
    }
    if (r != KS_Q_DONE) rc = ks__dbfail(s, im->err, "import: the tables' keys");
    ks_q_finalize(st);
    if (rc == KS_OK && (drop.err || p->rebuild.err)) rc = ks__fail(im->err, KS_ENOMEM, "out of memory");
    if (rc == KS_OK && drop.len) rc = ks__exec(s, drop.p, im->err);
    kt_sb_free(&drop);
    /* empty already: truncated so that COPY may FREEZE (and, where the
     * server runs with wal_level=minimal, write no WAL for them) */
    if (rc == KS_OK) rc = ks__exec(s, "TRUNCATE cases, events, obligations, plans", im->err);
    /* the first seq of the events (pgc_events); the sequence is set past
     * the last at the end (pgc_bulk_finish) */
    long next = 0;
    if (rc == KS_OK) rc = query_long(s, "SELECT nextval('events_seq')", "import", &next, im->err);
    if (rc != KS_OK) return rc;
    p->seq0 = p->seq = next;
    p->bulk = 1;
    p->s = s;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->th_on = pthread_create(&p->th, NULL, pgc_sender, p) == 0; /* else: COPY in the writer */
    return 1;
}

/* After the last COPY of an empty store's import: the keys and indexes
 * made again, statistics for the planner, then the lines that waited. */
static int pgc_bulk_finish(imp *im, pgc *p) {
    int rc = ks__exec(im->s, "SET LOCAL maintenance_work_mem = '1GB'", im->err);
    /* the sequence past the import's seqs; had anyone drawn from it
     * meanwhile (every write of the store takes a locked table's row
     * first, so none of ours does) the numbers could meet: refused */
    long last = 0;
    if (rc == KS_OK) rc = query_long(im->s, "SELECT last_value FROM events_seq", "import", &last, im->err);
    if (rc == KS_OK && last != p->seq0)
        rc = ks__fail(im->err, KS_EDB, "the events' sequence was drawn from during the import: run it again");
    if (rc == KS_OK && p->seq > p->seq0) {
        char sql[80];
        snprintf(sql, sizeof sql, "SELECT setval('events_seq', %lld)", p->seq - 1);
        rc = ks__exec(im->s, sql, im->err);
    }
    for (size_t at = 0; rc == KS_OK && at < p->rebuild.len; at += strlen(p->rebuild.p + at) + 1) {
        rc = ks__exec(im->s, p->rebuild.p + at, im->err);
    }
    if (rc == KS_OK) rc = ks__exec(im->s, "ANALYZE cases, events, obligations, plans", im->err);
    p->bulk = 0;
    for (size_t i = 0; rc == KS_OK && i < im->n_deferred; i++) rc = pg_write_line(im, NULL, im->deferred[i]);
    return rc;
}

/* Whether this import may COPY (1), and how. */
static int pgc_start(imp *im, pgc *p) {
    memset(p, 0, sizeof *p);
    long rls = 0, empty = 0;
    int rc = query_long(im->s, "SELECT row_security_active('cases')::int", "import", &rls, im->err);
    if (rc == KS_OK && !rls) rc = query_long(im->s, pg_empty_sql, "import", &empty, im->err);
    if (rc != KS_OK) return rc;
    if (rls) return 0;
    if (empty && (rc = pgc_bulk_start(im, p)) < 0) return rc;
    p->store_empty = p->bulk;
    if (!(p->mine = ks__idset_new())) return ks__fail(im->err, KS_ENOMEM, "out of memory");
    return 1;
}

static void pgc_free(imp *im, pgc *p) {
    for (size_t i = 0; i < im->n_deferred; i++) {
        job_free(im->deferred[i]);
        free(im->deferred[i]);
    }
    free(im->deferred);
    im->deferred = NULL;
    im->n_deferred = im->cap_deferred = 0;
    if (p->th_on) {
        pthread_mutex_lock(&p->mu);
        p->quit = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->th, NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        p->th_on = 0;
    }
    kt_sb_free(&p->rebuild);
    for (int t = 0; t < 4; t++) {
        kt_sb_free(&p->t[t]);
        kt_sb_free(&p->out[t]);
    }
    kt_sb_free(&p->ids);
    free(p->ev);
    ks__idset_free(p->mine);
    ks__idset_free(p->exists);
}

static int pg_import(imp *im, FILE *in, int csv) {
    ks_store *s = im->s;
    int rc = ks__begin(s, im->err);
    if (rc != KS_OK) {
        s->log_pending = 0;
        return rc;
    }
    pgc p;
    int copy = csv ? 0 : pgc_start(im, &p);
    if (copy < 0) {
        pgc_free(im, &p);
        return finish(s, copy, im->res, im->err);
    }
    im->pgc = copy ? &p : NULL;
    rc = csv ? import_csv(im, in) : import_ndjson(im, in, NULL, 0);
    if (rc == KS_OK && copy && im->res->invalid == 0) rc = pgc_flush(im);
    if (copy) { /* the sender is done with the connection, however the import went */
        int r = pgc_drain(im);
        if (rc == KS_OK) rc = r;
    }
    if (rc == KS_OK && copy && im->res->invalid == 0 && p.bulk) rc = pgc_bulk_finish(im, &p);
    im->pgc = NULL;
    if (copy) pgc_free(im, &p);
    return finish(s, rc, im->res, im->err);
}

int ks_import(ks_store *s, FILE *in, const ks_import_options *o, ks_problem_fn problem,
              void *ctx, ks_import_result *res, ks_error *err) {
    ks_import_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if (o && o->jobcenter && ks__check_id("jobcentre", o->jobcenter, err) != KS_OK) return KS_EINVALID;
    if (s->flags & KS_OPEN_READONLY) return ks__fail(err, KS_EINVALID, "the store is open read-only");
    imp im = {.s = s, .o = o, .problem = problem, .ctx = ctx, .res = res, .err = err};
    ks__now(s, im.now);
    int csv = o && o->format == KS_FORMAT_CSV;
    if (s->pg) return pg_import(&im, in, csv);
    const char *file = sqlite_file(s);
    char *path = file && *file && !csv ? strdup(file) : NULL;
    if (path && sqlite_target_take(s)) {
        int rc = sqlite_import_fresh(&im, in, path);
        free(path);
        /* the access-log row of the import (ks_log_next_write): the build
         * file is a new database, so it is written after the rename */
        if (rc == KS_OK && s->log_pending) {
            s->log_pending = 0;
            rc = ks_access_log_append(s, s->log_who, s->log_jobcenter[0] ? s->log_jobcenter : NULL,
                                      s->log_case[0] ? s->log_case : NULL, s->log_action, err);
        }
        s->log_pending = 0;
        return rc;
    }
    free(path);
    /* a large import into a store that has cases: staged (above) */
    kt_sb pre = {0};
    int more = 0;
    if (!csv) {
        long cases = 0;
        more = read_ahead(in, &pre);
        if (more < 0) {
            int st = pre.err ? KS_ENOMEM : KS_EIO;
            kt_sb_free(&pre);
            s->log_pending = 0;
            return ks__fail(err, st, "read error");
        }
        if (more && file && *file && /* a file: the lock beside it */
            query_long(s, "SELECT EXISTS (SELECT 1 FROM cases)", "import_stage", &cases, err) == KS_OK && cases) {
            int rc = import_staged(&im, in, pre.p, pre.len);
            kt_sb_free(&pre);
            return rc;
        }
    }
    /* Bulk settings for this transaction (docs/store.md, "Import speed"):
     * the import writes a case's row before its events, so the foreign key
     * checks (one lookup per event) are left out; a big page cache keeps the
     * indexes in memory. Both are restored afterwards. */
    sqlite_tune(s, "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576");
    int rc = ks__begin(s, err);
    int bulk = 0;
    if (rc == KS_OK && !csv) {
        ks_q *st = NULL;
        bulk = ks_db_prepare(s->db, "SELECT NOT EXISTS (SELECT 1 FROM cases)", &st) == 0 &&
               ks_q_step(st) == KS_Q_ROW && (int)ks_q_int64(st, 0) == 1;
        ks_q_finalize(st);
        if (bulk) rc = ks__bulk_indexes(s, 0, err);
    }
    if (rc == KS_OK) {
        rc = csv ? import_csv(&im, in) : import_ndjson(&im, in, pre.p, pre.len);
        if (rc == KS_OK && bulk && res->invalid == 0) rc = ks__bulk_indexes(s, 1, err);
        rc = finish(s, rc, res, err);
    } else if (s->in_tx) {
        ks__rollback(s);
    }
    sqlite_tune(s, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144");
    kt_sb_free(&pre);
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
    rc = ks__write_pending_log(s, 0, err); /* the import's access-log row, in its transaction */
    if (rc != KS_OK) {
        ks__rollback(s);
        res->cases_new = res->cases_changed = res->events = res->corrections = 0;
        return rc;
    }
    return ks__commit(s, err);
}
