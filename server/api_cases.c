/* api_cases.c -- the case endpoints: list, create, read (case and plan),
 * record a conversation or an event, and the calendar. A token sees only
 * its own jobcentre's cases; every read or write of a case, and every
 * refused attempt, goes into the store's access log. */
#define _POSIX_C_SOURCE 200809L
#include "ics.h"
#include "srv.h"
#include "store_glue.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- problems from the store ------------------------------------------------ */

typedef struct problems {
    kt_sb list; /* JSON array members */
    int n;
    const char *body; /* a record's text: pointers are made relative to it */
    size_t body_len;
} problems;

/* A list for the problems of the record in rq's body. */
static void problems_init(problems *pr, const ksrv_req *rq) {
    *pr = (problems){.n = 0, .body = rq->body, .body_len = rq->body_len};
    kt_sb_init_grow(&pr->list, SB_DEFAULT_MAX);
}

/* Line and column (1-based) of the value of top-level member `key` in the
 * JSON object `s`, by a scan that skips strings and nested values. */
static int locate_member(const char *s, size_t n, const char *key, size_t klen, int *line,
                         int *col) {
    int depth = 0, ln = 1;
    size_t line_start = 0;
    int want_value = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\n') {
            ln++;
            line_start = i + 1;
        } else if (ch == '"') {
            size_t start = i + 1, j = start;
            while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
            if (depth == 1 && !want_value) {
                size_t k = j + 1;
                while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n')) k++;
                if (k < n && s[k] == ':') {
                    if (j - start == klen && memcmp(s + start, key, klen) == 0) want_value = 2;
                    else want_value = 1;
                }
            } else if (want_value == 2 && depth == 1) {
                *line = ln;
                *col = (int)(i - line_start) + 1;
                return 0;
            } else if (depth == 1) {
                want_value = 0;
            }
            i = j < n ? j : n;
        } else if (ch == '{' || ch == '[') {
            if (want_value == 2 && depth == 1) {
                *line = ln;
                *col = (int)(i - line_start) + 1;
                return 0;
            }
            depth++;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else if (ch == ',' && depth == 1) {
            want_value = 0;
        } else if (want_value == 2 && depth == 1 && ch != ':' && ch != ' ' && ch != '\t' &&
                   ch != '\r') {
            *line = ln;
            *col = (int)(i - line_start) + 1;
            return 0;
        }
    }
    return -1;
}

static void collect(void *ctx, long line, const char *pointer, const char *message,
                    const char *expected, int column) {
    problems *pr = ctx;
    if (pr->n >= 100) return;
    if (pr->body) {
        /* the store reports pointers into the case the record joins
         * (/conversations/4/date); make them relative to the record */
        static const char *const prefixes[] = {"/conversations/", "/events/"};
        for (size_t k = 0; k < 2; k++) {
            size_t pl = strlen(prefixes[k]);
            if (strncmp(pointer, prefixes[k], pl) == 0) {
                const char *q = pointer + pl;
                while (*q >= '0' && *q <= '9') q++;
                if (q > pointer + pl && (*q == '/' || *q == '\0')) pointer = q;
            }
        }
        line = 0;
        column = 0;
        if (pointer[0] == '/') {
            const char *key = pointer + 1;
            size_t klen = strcspn(key, "/");
            int l, c;
            if (locate_member(pr->body, pr->body_len, key, klen, &l, &c) == 0) {
                line = l;
                column = c;
            }
        }
    }
    if (pr->n++) kt_sb_chr(&pr->list, ',');
    kt_sb_str(&pr->list, "{\"pointer\":");
    kt_sb_json_str(&pr->list, pointer);
    kt_sb_str(&pr->list, ",\"message\":");
    kt_sb_json_str(&pr->list, message);
    kt_sb_str(&pr->list, ",\"expected\":");
    kt_sb_json_str(&pr->list, expected);
    kt_sb_fmt(&pr->list, ",\"line\":%ld,\"column\":%d}", line, column);
}

static void problems_reply(ksrv_req *rq, ksrv_resp *rs, problems *pr, const char *title,
                           const char *detail) {
    kt_sb_free(&rs->body);
    kt_sb_init_grow(&rs->body, SB_DEFAULT_MAX);
    rs->status = 422;
    rs->content_type = "application/problem+json";
    kt_sb_str(&rs->body, "{\"type\":\"urn:kontakt:problem:invalid-record\",\"title\":");
    kt_sb_json_str(&rs->body, title);
    kt_sb_str(&rs->body, ",\"status\":422,\"detail\":");
    kt_sb_json_str(&rs->body, detail);
    kt_sb_str(&rs->body, ",\"instance\":");
    kt_sb_json_str(&rs->body, rq->path);
    kt_sb_str(&rs->body, ",\"problems\":[");
    if (pr->list.p) kt_sb_mem(&rs->body, pr->list.p, pr->list.len);
    kt_sb_str(&rs->body, "]}");
}

static void store_error(ksrv_req *rq, ksrv_resp *rs, int rc, const ks_error *err) {
    if (rc == KS_ENOTFOUND)
        ksrv_problem(rs, 404, "not-found", NULL, err->message, rq->path);
    else if (rc == KS_EINVALID)
        ksrv_problem(rs, 422, "invalid-record", NULL, err->message, rq->path);
    else
        ksrv_problem(rs, 503, "store-unavailable", NULL, err->message, rq->path);
}

#define NOTHING_RECORDED "Nothing was recorded; see problems."

/* A write the store refused (rc != KS_OK): 422 titled `title` with the
 * problems collected (detail `nothing`), or the store's own message if it
 * collected none; any other failure as store_error. */
static void write_refused(ksrv_req *rq, ksrv_resp *rs, int rc, problems *pr, const ks_error *err,
                          const char *title, const char *nothing) {
    if (rc == KS_EINVALID)
        problems_reply(rq, rs, pr, title, pr->n ? nothing : err->message);
    else
        store_error(rq, rs, rc, err);
}

/* The body as a JSON object: 400 for malformed JSON (with line and column),
 * 422 for anything but an object. NULL after filling the problem. */
static json_t *body_object(ksrv_req *rq, ksrv_resp *rs) {
    if (ksrv_require_json(rq, rs)) return NULL;
    if (rq->body_len == 0) {
        ksrv_problem_field(rs, 400, "", NULL, "the body is empty", "a JSON object", rq->path);
        return NULL;
    }
    json_error_t e;
    json_t *j = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &e);
    if (!j) {
        char msg[256];
        snprintf(msg, sizeof msg, "not valid JSON: %s", e.text);
        kt_sb_free(&rs->body);
        kt_sb_init_grow(&rs->body, SB_DEFAULT_MAX);
        ksrv_problem_field(rs, 400, "", NULL, msg, "a JSON object", rq->path);
        /* put the position in: rebuild with line and column */
        kt_sb_free(&rs->body);
        kt_sb_init_grow(&rs->body, SB_DEFAULT_MAX);
        rs->status = 400;
        rs->content_type = "application/problem+json";
        kt_sb_str(&rs->body, "{\"type\":\"urn:kontakt:problem:malformed-json\",\"title\":\"The body "
                          "is not valid JSON\",\"status\":400,\"instance\":");
        kt_sb_json_str(&rs->body, rq->path);
        kt_sb_str(&rs->body, ",\"problems\":[{\"pointer\":\"\",\"message\":");
        kt_sb_json_str(&rs->body, msg);
        kt_sb_fmt(&rs->body, ",\"expected\":\"a JSON object\",\"line\":%d,\"column\":%d}]}", e.line,
               e.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        ksrv_problem_field(rs, 422, "", NULL, "not an object", "a JSON object", rq->path);
        return NULL;
    }
    return j;
}

/* The case of the path, if it is the token's jobcentre's: 404 if there is
 * none, 403 (and logged) if it is another jobcentre's. */
static int case_access(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *action,
                       ks_case_info *ci) {
    ks_error err = {0};
    int rc = ks_case_info_get(st, rq->param, ci, &err);
    if (rc == KS_ENOTFOUND) {
        ksrv_problem(rs, 404, "not-found", NULL, "No such case.", rq->path);
        return -1;
    }
    if (rc != KS_OK) {
        store_error(rq, rs, rc, &err);
        return -1;
    }
    if (strcmp(ci->jobcenter, rq->jobcenter) != 0) {
        char act[64];
        snprintf(act, sizeof act, "denied:%s", action);
        ksrv_access_log(rq, rs, st, rq->param, act, 0);
        ksrv_problem(rs, 403, "other-jobcenter", NULL,
                     "The case belongs to another jobcentre; the attempt was logged.", rq->path);
        return -1;
    }
    return 0;
}

/* What every recording handler does first: the store, the case of the path
 * (case_access, logged as `action` if refused) and the body as a JSON
 * object. The body (the caller's to json_decref), or NULL once answered. */
static json_t *record_begin(ksrv_req *rq, ksrv_resp *rs, const char *action, ks_store **st,
                            ks_case_info *ci) {
    *st = ksrv_store(rq, rs);
    if (!*st) return NULL;
    /* another jobcentre's case is refused (and logged) whatever the body */
    if (case_access(rq, rs, *st, action, ci)) return NULL;
    return body_object(rq, rs);
}

/* The case as known at known_at (NULL = now) and its plan as of as_of. */
static int load_plan(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *id,
                     const char *known_at, kt_date as_of, char **case_json, kt_plan **plan) {
    ks_error err = {0};
    *plan = NULL;
    int rc = ks_case_json(st, id, known_at, case_json, &err);
    if (rc != KS_OK) {
        store_error(rq, rs, rc, &err);
        return -1;
    }
    kt_case *c = NULL;
    rc = kt_case_parse(*case_json, strlen(*case_json), &c, NULL);
    if (rc != KT_OK) {
        ksrv_problem(rs, 503, "stored-case-invalid", NULL,
                     "The case as stored is not a valid case.", rq->path);
        return -1;
    }
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.today = rq->today;
    o.as_of = as_of != KT_NO_DATE ? as_of : rq->today;
    o.ahead = 1; /* as the store's rows: periods recorded before they start (docs/store.md) */
    rc = kt_plan_compute(ksrv_engine(rq->srv), c, &o, plan);
    kt_case_free(c);
    if (rc != KT_OK) {
        ksrv_problem(rs, 503, NULL, NULL, kt_strerror(rc), rq->path);
        return -1;
    }
    return 0;
}

/* {"id", "jobcenter", "caseworker", "events", "created_at", "known_at",
 *  "case": {...}, "plan": {...}} */
static void reply_case(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *id, int status,
                       const char *known_at, kt_date as_of, long seq, int already) {
    ks_case_info ci;
    ks_error err = {0};
    int rc = ks_case_info_get(st, id, &ci, &err);
    if (rc != KS_OK) {
        store_error(rq, rs, rc, &err);
        return;
    }
    char *cj = NULL;
    kt_plan *p = NULL;
    if (load_plan(rq, rs, st, id, known_at, as_of, &cj, &p) == 0) {
        ksrv_json_ok(rs, status);
        kt_sb_str(&rs->body, "{\"id\":");
        kt_sb_json_str(&rs->body, ci.id);
        kt_sb_str(&rs->body, ",\"jobcenter\":");
        kt_sb_json_str(&rs->body, ci.jobcenter);
        kt_sb_str(&rs->body, ",\"caseworker\":");
        kt_sb_json_str(&rs->body, ci.caseworker);
        kt_sb_fmt(&rs->body, ",\"events\":%ld,\"created_at\":", ci.events);
        kt_sb_json_str(&rs->body, ci.created_at);
        if (known_at) {
            kt_sb_str(&rs->body, ",\"known_at\":");
            kt_sb_json_str(&rs->body, known_at);
        }
        if (seq) kt_sb_fmt(&rs->body, ",\"seq\":%ld", seq);
        if (already) kt_sb_str(&rs->body, ",\"already_recorded\":true");
        kt_sb_str(&rs->body, ",\"case\":");
        kt_sb_str(&rs->body, cj);
        kt_sb_str(&rs->body, ",\"plan\":");
        kt_plan_write_json(p, kt_sb_write, &rs->body);
        kt_sb_chr(&rs->body, '}');
    }
    kt_plan_free(p);
    free(cj);
}

/* ---- GET /v1/cases/{id} ------------------------------------------------------- */

void api_case_get(ksrv_req *rq, ksrv_resp *rs) {
    kt_date as_of = KT_NO_DATE;
    if (ksrv_query_date(rq, rs, "as_of", &as_of)) return;
    const char *ka = ksrv_query(rq, "known_at");
    char known[25];
    if (ka && ks_timestamp_parse(ka, known) != KS_OK) {
        ksrv_problem_field(rs, 400, "", "known_at", "not a date or time",
                           "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]", rq->path);
        return;
    }
    ks_store *st = ksrv_store(rq, rs);
    ks_case_info ci;
    if (!st || case_access(rq, rs, st, "read", &ci)) return;
    if (ksrv_access_log(rq, rs, st, rq->param, "read", 1)) return;
    reply_case(rq, rs, st, rq->param, 200, ka ? known : NULL, as_of, 0, 0);
}

/* ---- POST /v1/cases/{id}/conversations and /events ------------------------------ */

/* A single problem about member `key` of the record sent, as 422. */
static void record_problem(ksrv_req *rq, ksrv_resp *rs, const char *key, const char *message,
                           const char *expected) {
    problems pr;
    problems_init(&pr, rq);
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/%s", key);
    collect(&pr, 0, ptr, message, expected, 0);
    problems_reply(rq, rs, &pr, "Not a valid event", NOTHING_RECORDED);
    kt_sb_free(&pr.list);
}

/* "Undtaget efter konkret vurdering" (case-format.md, event
 * undtaget_konkret_vurdering): a holder's decision is known by its holder
 * and its date. Recording a decision the case already has (same holder and
 * date) with another `to` corrects that event through the store's
 * correction (ks_correct): a `to` revokes it, none reinstates it. */
typedef struct decision {
    long seq;     /* the original event */
    json_t *body; /* its body now (corrections applied); NULL once retracted */
} decision;

typedef struct decisions {
    decision *d;
    size_t n, cap;
    int failed;
} decisions;

static decision *decision_find(decisions *ds, long seq) {
    for (size_t i = 0; i < ds->n; i++)
        if (ds->d[i].seq == seq) return &ds->d[i];
    return NULL;
}

static int collect_event(void *ctx, const ks_event_view *ev) {
    decisions *ds = ctx;
    if (ev->kind != KS_EVENT && ev->kind != KS_CORRECTION) return 0;
    decision *d = NULL;
    if (ev->kind == KS_CORRECTION) {
        d = decision_find(ds, ev->corrects); /* a correction names the original */
        if (!d) return 0;                   /* of something that is not an event */
        json_decref(d->body);
        d->body = NULL;
    } else {
        if (ds->n == ds->cap) {
            size_t cap = ds->cap ? ds->cap * 2 : 16;
            decision *nd = realloc(ds->d, cap * sizeof *nd);
            if (!nd) {
                ds->failed = 1;
                return 1;
            }
            ds->d = nd;
            ds->cap = cap;
        }
        d = &ds->d[ds->n++];
        d->seq = ev->seq;
        d->body = NULL;
    }
    json_t *b = json_loads(ev->body, 0, NULL);
    if (b && json_is_true(json_object_get(b, "retract"))) {
        json_decref(b);
        b = NULL;
    }
    d->body = b;
    return 0;
}

static void decisions_free(decisions *ds) {
    for (size_t i = 0; i < ds->n; i++) json_decref(ds->d[i].body);
    free(ds->d);
}

/* The undtaget_konkret_vurdering of the body (its jobcentre checked): its
 * holder and to are checked here (422), then it is appended, or corrects the
 * decision of the same holder and date it changes. 201 with the new plan;
 * 200 if the case already says exactly this. Logged as record:, revoke: or
 * reinstate:undtaget. */
static void record_undtaget(ksrv_req *rq, ksrv_resp *rs, ks_store *st, json_t *j) {
    const char *holder = json_string_value(json_object_get(j, "holder"));
    if (!holder || (strcmp(holder, "jobcenter") != 0 && strcmp(holder, "a_kasse") != 0)) {
        record_problem(rq, rs, "holder",
                       holder ? "unknown holder of the decision" : "missing or not a string",
                       "jobcenter or a_kasse");
        return;
    }
    const char *date = json_string_value(json_object_get(j, "date"));
    const char *to = json_string_value(json_object_get(j, "to"));
    kt_date d, t;
    if (date && to && kt_date_parse(date, strlen(date), &d) == KT_OK &&
        kt_date_parse(to, strlen(to), &t) == KT_OK && t < d) {
        record_problem(rq, rs, "to", "the decision is revoked before it was made",
                       "a date on or after date");
        return;
    }
    decisions ds = {0};
    ks_error err = {0};
    int rc = date ? ks_events_each(st, rq->param, NULL, collect_event, &ds, &err) : KS_OK;
    if (rc != KS_OK || ds.failed) {
        decisions_free(&ds);
        if (ds.failed) ksrv_problem(rs, 503, NULL, NULL, "Out of memory.", rq->path);
        else store_error(rq, rs, rc, &err);
        return;
    }
    const decision *hit = NULL;
    for (size_t i = 0; i < ds.n; i++) {
        json_t *b = ds.d[i].body;
        const char *bt = b ? json_string_value(json_object_get(b, "type")) : NULL;
        const char *bh = b ? json_string_value(json_object_get(b, "holder")) : NULL;
        const char *bd = b ? json_string_value(json_object_get(b, "date")) : NULL;
        if (bt && bh && bd && strcmp(bt, "undtaget_konkret_vurdering") == 0 &&
            strcmp(bh, holder) == 0 && strcmp(bd, date) == 0)
            hit = &ds.d[i]; /* the latest, should there be two */
    }
    long target = hit ? hit->seq : 0;
    int unchanged = hit && json_equal(hit->body, j);
    const char *had_to = hit ? json_string_value(json_object_get(hit->body, "to")) : NULL;
    decisions_free(&ds);
    if (unchanged) {
        if (ksrv_access_log(rq, rs, st, rq->param, "record:undtaget:unchanged", 1) == 0)
            reply_case(rq, rs, st, rq->param, 200, NULL, KT_NO_DATE, 0, 0);
        return;
    }
    problems pr;
    problems_init(&pr, rq);
    long seq = 0;
    const char *action = "record:undtaget";
    /* the write and its access-log row in one transaction */
    if (target) {
        action = to ? "revoke:undtaget" : had_to ? "reinstate:undtaget" : "correct:undtaget";
        ks_log_next_write(st, rq->who, rq->jobcenter, rq->param, action, 0);
        rc = ks_correct(st, rq->param, target, rq->body, collect, &pr, &seq, &err);
    } else {
        ks_log_next_write(st, rq->who, rq->jobcenter, rq->param, action, 0);
        rc = ks_record(st, rq->param, KS_EVENT, rq->body, collect, &pr, &seq, &err);
    }
    if (rc != KS_OK)
        write_refused(rq, rs, rc, &pr, &err, "Not a valid event", NOTHING_RECORDED);
    else
        reply_case(rq, rs, st, rq->param, 201, NULL, KT_NO_DATE, seq, 0);
    kt_sb_free(&pr.list);
}

static void record(ksrv_req *rq, ksrv_resp *rs, ks_kind kind, const char *action) {
    ks_store *st;
    ks_case_info ci;
    json_t *j = record_begin(rq, rs, action, &st, &ci);
    if (!j) return;
    const char *type = json_string_value(json_object_get(j, "type"));
    if (kind == KS_EVENT && type && strcmp(type, "undtaget_konkret_vurdering") == 0) {
        record_undtaget(rq, rs, st, j);
        json_decref(j);
        return;
    }
    json_decref(j);
    problems pr;
    problems_init(&pr, rq);
    ks_error err = {0};
    long seq = 0;
    int already = 0;
    /* the record and its access-log row are one transaction: both or neither */
    ks_log_next_write(st, rq->who, rq->jobcenter, rq->param, action, 0);
    int rc = ks_record_ex(st, rq->param, kind, rq->body, collect, &pr, &seq, &already, &err);
    if (rc != KS_OK) {
        write_refused(rq, rs, rc, &pr, &err,
                      kind == KS_CONVERSATION ? "Not a valid conversation" : "Not a valid event",
                      NOTHING_RECORDED);
    } else {
        /* the same record again (a retry, a double click): 200, nothing written */
        reply_case(rq, rs, st, rq->param, already ? 200 : 201, NULL, KT_NO_DATE, seq, already);
    }
    kt_sb_free(&pr.list);
}

/* ---- Idempotency-Key ------------------------------------------------------------
 * A POST with the header gets, for the same key and the same request
 * (method, path and body), the answer the first one got, status and body,
 * without doing it again; the same key with another request is 409. Keys
 * are per jobcentre and token and kept at least 24 hours (the store's
 * `idempotency` table). Only answers 2xx are kept: a refused request may be
 * sent again with the same key once it is put right. */

#define IDEM_KEY_MAX 255

typedef struct idem {
    const char *key; /* NULL: no header */
    char scope[300], request[65];
} idem;

/* 1 if answered (a kept answer, 409, or a bad key), 0 to go on. */
static int idem_begin(ksrv_req *rq, ksrv_resp *rs, idem *im) {
    im->key = ksrv_header(rq, "Idempotency-Key");
    if (!im->key) return 0;
    size_t n = strlen(im->key);
    int okk = n >= 1 && n <= IDEM_KEY_MAX;
    for (size_t i = 0; okk && i < n; i++)
        okk = (unsigned char)im->key[i] > 0x20 && (unsigned char)im->key[i] < 0x7f;
    if (!okk) {
        ksrv_problem_field(rs, 400, "", "Idempotency-Key", "not a usable key",
                           "1-255 printable ASCII characters without spaces", rq->path);
        return 1;
    }
    snprintf(im->scope, sizeof im->scope, "%s\n%s", rq->jobcenter, rq->who);
    kt_sb h = {0};
    kt_sb_init_grow(&h, SB_DEFAULT_MAX);
    kt_sb_str(&h, rq->method);
    kt_sb_chr(&h, '\n');
    kt_sb_str(&h, rq->path);
    kt_sb_chr(&h, '\n');
    kt_sb_mem(&h, rq->body, rq->body_len);
    if (h.err) {
        kt_sb_free(&h);
        ksrv_problem(rs, 503, NULL, NULL, "Out of memory.", rq->path);
        return 1;
    }
    ks_sha256_hex(h.p, h.len, im->request);
    kt_sb_free(&h);
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return 1;
    int status = 0;
    char *kept = NULL;
    ks_error err = {0};
    int rc = ks_idem_get(st, im->scope, im->key, im->request, &status, &kept, &err);
    if (rc == KS_ENOTFOUND) return 0;
    if (rc == KS_EINVALID) {
        ksrv_problem(rs, 409, "idempotency-key-reused", NULL,
                     "This Idempotency-Key was used for another request; nothing was done.",
                     rq->path);
        return 1;
    }
    if (rc != KS_OK) {
        store_error(rq, rs, rc, &err);
        return 1;
    }
    /* the kept answer shows the case: its reading is logged like any other */
    if (ksrv_access_log(rq, rs, st, rq->param[0] ? rq->param : NULL, "replay", 1) == 0) {
        ksrv_json_ok(rs, status);
        kt_sb_str(&rs->body, kept);
    }
    free(kept);
    return 1;
}

/* Keeps a 2xx answer; if another was kept meanwhile (two at once), that one
 * is given instead, or 409 if it answered another request. */
static void idem_end(ksrv_req *rq, ksrv_resp *rs, idem *im) {
    if (!im->key || rs->status < 200 || rs->status > 299 || rs->body.err) return;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    ks_error err = {0};
    int rc = ks_idem_put(st, im->scope, im->key, im->request, rs->status,
                         rs->body.p ? rs->body.p : "", &err);
    if (rc != KS_EINVALID) return; /* kept (or not keepable: the answer stands) */
    int status = 0;
    char *kept = NULL;
    rc = ks_idem_get(st, im->scope, im->key, im->request, &status, &kept, &err);
    kt_sb_cut(&rs->body, 0);
    if (rc == KS_OK) {
        ksrv_json_ok(rs, status);
        kt_sb_str(&rs->body, kept);
    } else {
        ksrv_problem(rs, 409, "idempotency-key-reused", NULL,
                     "This Idempotency-Key was used for another request.", rq->path);
    }
    free(kept);
}

/* Every POST handler under its Idempotency-Key, if it has one. */
static void idempotent(ksrv_req *rq, ksrv_resp *rs, void (*handle)(ksrv_req *, ksrv_resp *)) {
    idem im;
    if (idem_begin(rq, rs, &im)) return;
    handle(rq, rs);
    idem_end(rq, rs, &im);
}

static void record_conversation(ksrv_req *rq, ksrv_resp *rs) {
    record(rq, rs, KS_CONVERSATION, "record:conversation");
}

static void record_event(ksrv_req *rq, ksrv_resp *rs) { record(rq, rs, KS_EVENT, "record:event"); }

void api_case_conversation(ksrv_req *rq, ksrv_resp *rs) { idempotent(rq, rs, record_conversation); }

void api_case_event(ksrv_req *rq, ksrv_resp *rs) { idempotent(rq, rs, record_event); }

/* ---- POST /v1/cases/{id}/bookings (issue 14, Planlægning) -------------------------
 * {"date": D, "caseworker": C (optional, default the case's)}: a `booket`
 * event (ks_book), recorded once however often it is sent. 201 (200 when the
 * case had it already) with {"case_id","seq","date","caseworker",
 * "already_recorded","warning"}: the warning (Danish, or null) says a closed
 * day or a day outside every window of the case's open conversation duties.
 * With "replaces": SEQ (a booking's number) it moves that booking to "date"
 * (and "caseworker", default the booking's own), or with "cancel": true
 * cancels it: a correction or a retraction of its event (rebook()). */

static void rebook(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const ks_case_info *ci, json_t *j);

static void book(ksrv_req *rq, ksrv_resp *rs) {
    ks_store *st;
    ks_case_info ci;
    json_t *j = record_begin(rq, rs, "book", &st, &ci);
    if (!j) return;
    if (json_object_get(j, "replaces") || json_object_get(j, "cancel")) {
        rebook(rq, rs, st, &ci, j);
        json_decref(j);
        return;
    }
    const char *ds = json_string_value(json_object_get(j, "date"));
    json_t *cv = json_object_get(j, "caseworker");
    kt_date d = KT_NO_DATE;
    if (!ds || kt_date_parse(ds, strlen(ds), &d) != KT_OK) {
        json_decref(j);
        record_problem(rq, rs, "date", "not a date", "YYYY-MM-DD");
        return;
    }
    if (cv && !json_is_null(cv) && (!json_is_string(cv) || json_string_length(cv) > 64)) {
        json_decref(j);
        record_problem(rq, rs, "caseworker", "not a caseworker id", "1-64 printable characters");
        return;
    }
    char cw[65] = "";
    if (cv && json_is_string(cv)) snprintf(cw, sizeof cw, "%s", json_string_value(cv));
    json_decref(j);
    problems pr;
    problems_init(&pr, rq);
    ks_error err = {0};
    long seq = 0;
    int already = 0;
    char warning[300];
    ks_log_next_write(st, rq->who, rq->jobcenter, rq->param, "book", 0);
    int rc = ks_book(st, rq->param, d, cw[0] ? cw : NULL, collect, &pr, &seq, &already, warning,
                     sizeof warning, &err);
    if (rc != KS_OK) {
        write_refused(rq, rs, rc, &pr, &err, "Not a valid booking", NOTHING_RECORDED);
    } else {
        ksrv_json_ok(rs, already ? 200 : 201);
        kt_sb *b = &rs->body;
        char day[11];
        kt_date_format(d, day);
        kt_sb_str(b, "{\"case_id\":");
        kt_sb_json_str(b, rq->param);
        kt_sb_fmt(b, ",\"seq\":%ld,\"date\":\"%s\",\"caseworker\":", seq, day);
        kt_sb_json_str(b, cw[0] ? cw : ci.caseworker);
        kt_sb_fmt(b, ",\"already_recorded\":%s,\"warning\":", already ? "true" : "false");
        if (warning[0]) kt_sb_json_str(b, warning);
        else kt_sb_str(b, "null");
        kt_sb_chr(b, '}');
    }
    kt_sb_free(&pr.list);
}

/* "YYYY-MM-DD", or null for no day. */
static void day_json(kt_sb *b, kt_date d) {
    char day[11];
    if (d == KT_NO_DATE) {
        kt_sb_str(b, "null");
        return;
    }
    kt_date_format(d, day);
    kt_sb_fmt(b, "\"%s\"", day);
}

/* {"replaces": SEQ, "date": D, ["caseworker": C]} moves booking SEQ;
 * {"replaces": SEQ, "cancel": true} cancels it (ks_book_move,
 * ks_book_cancel). 200 with {"case_id","seq","date","caseworker",
 * "cancelled","already_recorded","correction","previous":{"date",
 * "caseworker"},"warning"}; a move to the day and caseworker it has is
 * already_recorded (nothing written). 404 `booking-not-found` for no event
 * SEQ of the case; 422 `not-a-booking`, `booking-closed` (a conversation or
 * no-show on or after its day), `booking-cancelled`. Logged `rebook SEQ` or
 * `cancel:booking SEQ` (the correction; `rebook:already SEQ`, the booking,
 * when nothing was written). */
static void rebook(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const ks_case_info *ci, json_t *j) {
    json_t *rv = json_object_get(j, "replaces"), *cv = json_object_get(j, "cancel");
    json_t *dv = json_object_get(j, "date"), *wv = json_object_get(j, "caseworker");
    if (!json_is_integer(rv) || json_integer_value(rv) < 1) {
        record_problem(rq, rs, "replaces", rv ? "not a booking's number" : "missing",
                       "the seq of a booking (GET /v1/bookings), an integer >= 1");
        return;
    }
    if (cv && !json_is_boolean(cv)) {
        record_problem(rq, rs, "cancel", "not true or false", "true to cancel the booking");
        return;
    }
    int cancel = json_is_true(cv);
    if (cancel && (dv || wv)) {
        record_problem(rq, rs, dv ? "date" : "caseworker", "given with cancel",
                       "either cancel, or date (and caseworker) to move the booking");
        return;
    }
    kt_date d = KT_NO_DATE;
    const char *ds = json_string_value(dv);
    if (!cancel && (!ds || kt_date_parse(ds, strlen(ds), &d) != KT_OK)) {
        record_problem(rq, rs, "date", dv ? "not a date" : "missing", "YYYY-MM-DD, the new day");
        return;
    }
    if (wv && !json_is_null(wv) && (!json_is_string(wv) || json_string_length(wv) > 64)) {
        record_problem(rq, rs, "caseworker", "not a caseworker id", "1-64 printable characters");
        return;
    }
    long seq = (long)json_integer_value(rv);
    const char *cw = json_string_value(wv);
    problems pr;
    problems_init(&pr, rq);
    ks_error err = {0};
    ks_booking_change ch;
    ks_log_next_write(st, rq->who, rq->jobcenter, rq->param, cancel ? "cancel:booking" : "rebook", 1);
    int rc = cancel ? ks_book_cancel(st, rq->param, seq, &ch, &err)
                    : ks_book_move(st, rq->param, seq, d, cw && *cw ? cw : NULL, collect, &pr, &ch,
                                   &err);
    static const char *const why[] = {NULL, "booking-not-found", "not-a-booking", "booking-closed",
                                      "booking-cancelled"};
    if (rc != KS_OK && ch.refusal > KS_BOOKING_OK && ch.refusal <= KS_BOOKING_CANCELLED) {
        ksrv_problem(rs, ch.refusal == KS_BOOKING_UNKNOWN ? 404 : 422, why[ch.refusal], NULL,
                     err.message, rq->path);
    } else if (rc != KS_OK) {
        write_refused(rq, rs, rc, &pr, &err, "Not a valid booking", NOTHING_RECORDED);
    } else {
        ksrv_json_ok(rs, 200);
        kt_sb *b = &rs->body;
        kt_sb_str(b, "{\"case_id\":");
        kt_sb_json_str(b, rq->param);
        kt_sb_fmt(b, ",\"seq\":%ld,\"date\":", ch.seq);
        day_json(b, cancel ? KT_NO_DATE : ch.date);
        kt_sb_str(b, ",\"caseworker\":");
        if (cancel) kt_sb_str(b, "null");
        else kt_sb_json_str(b, ch.caseworker[0] ? ch.caseworker : ci->caseworker);
        kt_sb_fmt(b, ",\"cancelled\":%s,\"already_recorded\":%s,\"correction\":",
                  cancel ? "true" : "false", ch.already ? "true" : "false");
        if (ch.correction) kt_sb_fmt(b, "%ld", ch.correction);
        else kt_sb_str(b, "null");
        kt_sb_str(b, ",\"previous\":{\"date\":");
        day_json(b, ch.was_date);
        kt_sb_str(b, ",\"caseworker\":");
        kt_sb_json_str(b, ch.was_caseworker[0] ? ch.was_caseworker : ci->caseworker);
        kt_sb_str(b, "},\"warning\":");
        if (ch.warning[0]) kt_sb_json_str(b, ch.warning);
        else kt_sb_str(b, "null");
        kt_sb_chr(b, '}');
    }
    kt_sb_free(&pr.list);
}

void api_case_booking(ksrv_req *rq, ksrv_resp *rs) { idempotent(rq, rs, book); }

/* ---- GET /v1/cases/{id}/calendar.ics ------------------------------------------- */

void api_case_calendar(ksrv_req *rq, ksrv_resp *rs) {
    ks_store *st = ksrv_store(rq, rs);
    ks_case_info ci;
    if (!st || case_access(rq, rs, st, "calendar", &ci)) return;
    if (ksrv_access_log(rq, rs, st, rq->param, "calendar", 1)) return;
    char *cj = NULL;
    kt_plan *p = NULL;
    if (load_plan(rq, rs, st, rq->param, NULL, KT_NO_DATE, &cj, &p) == 0) {
        char stamp[20];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        rs->status = 200;
        rs->content_type = "text/calendar; charset=utf-8";
        ics_plan(&rs->body, p, rq->param, stamp);
        static _Thread_local char disp[KSRV_MAX_PARAM + 64];
        char safe[KSRV_MAX_PARAM];
        size_t k = 0;
        for (const char *s = rq->param; *s && k + 1 < sizeof safe; s++) {
            char ch = *s;
            int okc = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                      ch == '-' || ch == '_' || ch == '.';
            safe[k++] = okc ? ch : '_';
        }
        safe[k] = '\0';
        snprintf(disp, sizeof disp, "attachment; filename=\"kontakt-%s.ics\"", safe);
        rs->disposition = disp;
    }
    kt_plan_free(p);
    free(cj);
}

/* ---- POST /v1/cases ---------------------------------------------------------------- */

static void cases_create(ksrv_req *rq, ksrv_resp *rs);

void api_cases_create(ksrv_req *rq, ksrv_resp *rs) { idempotent(rq, rs, cases_create); }

static void cases_create(ksrv_req *rq, ksrv_resp *rs) {
    if (ksrv_require_json(rq, rs)) return;
    /* first the engine's own check, for problems with line and column */
    kt_case *c;
    if (ksrv_parse_case(rq, rs, &c)) return;
    char id[KSRV_MAX_PARAM];
    snprintf(id, sizeof id, "%s", kt_case_id(c));
    kt_case_free(c);

    json_t *j = json_loadb(rq->body, rq->body_len, 0, NULL);
    if (!j) {
        ksrv_problem(rs, 503, NULL, NULL, "Out of memory.", rq->path);
        return;
    }
    const char *jc = json_string_value(json_object_get(j, "jobcenter"));
    if (jc && strcmp(jc, rq->jobcenter) != 0) {
        json_decref(j);
        ks_store *dst = ksrv_store(rq, rs); /* a refused write is logged like a refused read */
        if (dst) ksrv_access_log(rq, rs, dst, id, "denied:write", 0);
        ksrv_problem(rs, 403, "other-jobcenter", NULL,
                     "A token may only create cases of its own jobcentre.", rq->path);
        return;
    }
    json_object_set_new(j, "jobcenter", json_string(rq->jobcenter));
    const char *cw = ksrv_query(rq, "caseworker");
    if (cw) json_object_set_new(j, "caseworker", json_string(cw));

    ks_store *st = ksrv_store(rq, rs);
    if (!st) {
        json_decref(j);
        return;
    }
    snprintf(rq->param, sizeof rq->param, "%s", id);
    ks_case_info ci;
    ks_error err = {0};
    int exists = ks_case_info_get(st, id, &ci, &err) == KS_OK;
    if (exists && case_access(rq, rs, st, "write", &ci)) {
        json_decref(j);
        return;
    }
    char *line = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!line) {
        ksrv_problem(rs, 503, NULL, NULL, "Out of memory.", rq->path);
        return;
    }
    FILE *f = fmemopen(line, strlen(line), "r");
    problems pr = {.n = 0};
    kt_sb_init_grow(&pr.list, SB_DEFAULT_MAX);
    ks_import_options io = {KS_FORMAT_NDJSON, rq->jobcenter};
    ks_import_result res;
    memset(&res, 0, sizeof res);
    /* the write and its access-log row in one transaction */
    ks_log_next_write(st, rq->who, rq->jobcenter, id, exists ? "write:case" : "create:case", 0);
    int rc = f ? ks_import(st, f, &io, collect, &pr, &res, &err) : KS_ENOMEM;
    ks_log_next_write(st, NULL, NULL, NULL, NULL, 0);
    if (f) fclose(f);
    free(line);
    if (rc != KS_OK) {
        write_refused(rq, rs, rc, &pr, &err, "The case was not stored",
                      "Nothing was written; see problems.");
    } else {
        reply_case(rq, rs, st, id, exists ? 200 : 201, NULL, KT_NO_DATE, 0, 0);
    }
    kt_sb_free(&pr.list);
}

/* ---- GET /v1/cases ------------------------------------------------------------------ */

typedef struct lister {
    kt_sb *out;
    long limit, n;
    int more;
} lister;

static int list_case(void *ctx, const char *id, const char *caseworker) {
    lister *l = ctx;
    if (l->n == l->limit) { /* one more than the page: there is a next page */
        l->more = 1;
        return 1;
    }
    if (l->n++) kt_sb_chr(l->out, ',');
    kt_sb_str(l->out, "{\"id\":");
    kt_sb_json_str(l->out, id);
    kt_sb_str(l->out, ",\"caseworker\":");
    kt_sb_json_str(l->out, caseworker);
    kt_sb_chr(l->out, '}');
    return 0;
}

void api_cases_list(ksrv_req *rq, ksrv_resp *rs) {
    int limit = 1000;
    if (ksrv_query_int(rq, rs, "limit", 1, 10000, &limit)) return;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return;
    lister l = {.out = &rs->body, .limit = limit};
    ksrv_json_ok(rs, 200);
    kt_sb_str(&rs->body, "{\"cases\":[");
    ks_error err = {0};
    int rc = ks_cases_list(st, rq->jobcenter, ksrv_query(rq, "caseworker"), ksrv_query(rq, "after"),
                           (long)limit + 1, list_case, &l, &err);
    if (rc != KS_OK) {
        store_error(rq, rs, rc, &err);
        return;
    }
    kt_sb_fmt(&rs->body, "],\"more\":%s}", l.more ? "true" : "false");
    ksrv_access_log(rq, rs, st, NULL, "list:cases", 1);
}
