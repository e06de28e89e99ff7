/* copy.c -- `kontakt db copy`: every row of one store into another, empty
 * one, on either backend (issue 13, 6: moving a jobcentre from a SQLite file
 * to PostgreSQL and back). docs/store.md, "Copying a store".
 *
 * Both backends have the same tables and columns at the same schema
 * version (schema_pg.c), so the copy moves rows one to one, every value as
 * text (SQLite's STRICT tables take '42' into an INTEGER column as 42): the
 * events with their seqs, times, authors, identities and corrections; the
 * cases; the plans and obligations as they are (the same facts computed the
 * same way; `db refresh` recomputes them when their day comes); the tokens
 * (their hashes: a token keeps working); the access log and the
 * idempotency records. The target's meta (its own schema version) stays.
 *
 * The source is read in one snapshot (SQLite: one read transaction;
 * PostgreSQL: REPEATABLE READ, and COPY ... TO STDOUT so that a big table
 * streams); the target is written in one transaction (PostgreSQL: COPY FROM
 * STDIN; SQLite: prepared inserts), after which PostgreSQL's sequences are
 * moved past the copied seqs and ids. A target with any row in those tables
 * is refused. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *table, *cols, *order;
    int ncols;
} tables[] = {
    {"cases", "id, jobcenter, caseworker, created_at", "id", 4},
    {"events", "seq, case_id, kind, body, identity, corrects, recorded_at, recorded_by", "seq", 8},
    {"obligations",
     "case_id, idx, rule, kind, benefit, generation, window_from, deadline, status, required,"
     " counted, met_on, exempt, stopped, beyond, grp, quota, provisional, a_kasse, course_end,"
     " jobcenter, caseworker, forms, agenda", /* forms, agenda: schema 6 */
     "case_id, idx", 24},
    {"plans", "case_id, as_of, computed_at, valid_until, plan_json", "case_id", 5},
    {"tokens", "id, hash, jobcenter, role, created_at, revoked_at", "id", 6},
    {"access_log", "seq, at, who, jobcenter, case_id, action", "seq", 6},
    {"idempotency", "scope, key, request, status, response, created_at", "scope, key", 6},
    {"capacity", "seq, jobcenter, caseworker, slots, weekdays, from_day, to_day, recorded_at, recorded_by",
     "seq", 9}, /* schema 5 */
};
enum { NTABLES = sizeof tables / sizeof *tables, MAXCOLS = 24, COPY_FLUSH = 16 << 20 };

/* The target side of one table. */
typedef struct sink {
    ks_store *s;
    int t;       /* index in tables */
    kt_sb buf;   /* PostgreSQL: rows in COPY text */
    ks_q *ins;   /* SQLite: the insert */
    long rows;
    ks_error *err;
} sink;

static int sink_flush(sink *k) {
    if (!k->buf.len) return KS_OK;
    if (k->buf.err) return ks__fail(k->err, KS_ENOMEM, "out of memory");
    char sql[512];
    snprintf(sql, sizeof sql, "COPY %s(%s) FROM STDIN", tables[k->t].table, tables[k->t].cols);
    int rc = ks__copy_in(k->s, sql, k->buf.p, k->buf.len, k->err);
    kt_sb_cut(&k->buf, 0);
    return rc;
}

/* One row: v[i] (NULL = SQL NULL) of n[i] bytes. */
static int sink_row(sink *k, const char *const *v, const size_t *n) {
    int nc = tables[k->t].ncols;
    k->rows++;
    if (k->s->pg) {
        for (int i = 0; i < nc; i++) {
            if (i) kt_sb_chr(&k->buf, '\t');
            ks__copy_text(&k->buf, v[i], n[i]);
        }
        kt_sb_chr(&k->buf, '\n');
        return k->buf.len >= COPY_FLUSH ? sink_flush(k) : KS_OK;
    }
    ks_q_reset(k->ins);
    for (int i = 0; i < nc; i++)
        if (v[i]) ks_q_bind_text(k->ins, i + 1, v[i], (int)n[i]);
        else ks_q_bind_null(k->ins, i + 1);
    if (ks_q_step(k->ins) != KS_Q_DONE) return ks__dbfail(k->s, k->err, tables[k->t].table);
    return KS_OK;
}

/* COPY text of one row (from COPY TO STDOUT) into its values, in place. */
static int split_copy_row(char *row, size_t len, char **v, size_t *n, int nc) {
    if (len && row[len - 1] == '\n') len--;
    int c = 0;
    char *p = row, *end = row + len;
    while (c < nc) {
        char *start = p, *out = p;
        if (end - p >= 2 && p[0] == '\\' && p[1] == 'N' && (end - p == 2 || p[2] == '\t')) {
            v[c] = NULL; /* \N alone is NULL */
            n[c++] = 0;
            p += 2;
        } else {
            while (p < end && *p != '\t') {
                if (*p == '\\' && p + 1 < end) {
                    p++;
                    switch (*p) {
                    case 'n': *out++ = '\n'; break;
                    case 't': *out++ = '\t'; break;
                    case 'r': *out++ = '\r'; break;
                    case 'b': *out++ = '\b'; break;
                    case 'f': *out++ = '\f'; break;
                    case 'v': *out++ = '\v'; break;
                    default: *out++ = *p; break;
                    }
                    p++;
                } else {
                    *out++ = *p++;
                }
            }
            v[c] = start;
            n[c++] = (size_t)(out - start);
        }
        if (p < end) p++; /* the tab */
        else break;
    }
    return c == nc ? 0 : -1;
}

typedef struct pg_reader {
    sink *k;
    int rc;
} pg_reader;

static int pg_row(void *ctx, const char *row, size_t len) {
    pg_reader *r = ctx;
    char *copy = malloc(len + 1), *v[MAXCOLS];
    size_t n[MAXCOLS];
    if (!copy) {
        r->rc = ks__fail(r->k->err, KS_ENOMEM, "out of memory");
        return -1;
    }
    memcpy(copy, row, len);
    copy[len] = '\0';
    if (split_copy_row(copy, len, v, n, tables[r->k->t].ncols) != 0)
        r->rc = ks__fail(r->k->err, KS_EDB, "%s: a row of COPY TO is not %d columns", tables[r->k->t].table,
                         tables[r->k->t].ncols);
    else
        r->rc = sink_row(r->k, (const char *const *)v, n);
    free(copy);
    return r->rc != KS_OK ? -1 : 0;
}

/* Copies table t from `from` into the sink. */
static int copy_table(ks_store *from, sink *k, ks_error *err) {
    char sql[768];
    int t = k->t;
    if (from->pg) {
        snprintf(sql, sizeof sql, "COPY (SELECT %s FROM %s ORDER BY %s) TO STDOUT", tables[t].cols,
                 tables[t].table, tables[t].order);
        pg_reader r = {k, KS_OK};
        /* a failure in the sink ends the COPY early: its error is the one to tell */
        ks_error mine = {0};
        int rc = ks__copy_out(from, sql, pg_row, &r, &mine);
        if (r.rc != KS_OK) return r.rc;
        if (rc != KS_OK && err) *err = mine;
        return rc;
    }
    snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s", tables[t].cols, tables[t].table,
             tables[t].order);
    ks_q *st;
    if (ks_db_prepare(from->db, sql, &st) != 0) return ks__dbfail(from, err, tables[t].table);
    int r, rc = KS_OK;
    const char *v[MAXCOLS];
    size_t n[MAXCOLS];
    while (rc == KS_OK && (r = ks_q_step(st)) == KS_Q_ROW) {
        for (int i = 0; i < tables[t].ncols; i++) {
            v[i] = ks_q_is_null(st, i) ? NULL : ks_q_text(st, i);
            n[i] = v[i] ? (size_t)ks_q_bytes(st, i) : 0;
        }
        rc = sink_row(k, v, n);
    }
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(from, err, tables[t].table);
    ks_q_finalize(st);
    return rc;
}

static int target_empty(ks_store *to, ks_error *err) {
    kt_sb what = {0};
    int rc = KS_OK;
    for (int t = 0; t < NTABLES && rc == KS_OK; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[t].table);
        ks_q *st;
        if (ks_db_prepare(to->db, sql, &st) != 0) {
            rc = ks__dbfail(to, err, tables[t].table);
            break;
        }
        if (ks_q_step(st) == KS_Q_ROW) {
            long long c = ks_q_int64(st, 0);
            if (c) kt_sb_fmt(&what, "%s%lld %s", what.len ? ", " : "", c, tables[t].table);
        } else {
            rc = ks__dbfail(to, err, tables[t].table);
        }
        ks_q_finalize(st);
    }
    if (rc == KS_OK && what.len)
        rc = ks__fail(err, KS_EINVALID, "the target store is not empty (%s): db copy fills only a new, empty store",
                      what.p);
    kt_sb_free(&what);
    return rc;
}

int ks_copy(ks_store *from, ks_store *to, ks_copy_result *res, ks_error *err) {
    ks_copy_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    if (to->flags & KS_OPEN_READONLY) return ks__fail(err, KS_EINVALID, "the target store is open read-only");
    if (from == to) return ks__fail(err, KS_EINVALID, "a store cannot be copied into itself");
    if (from->version != to->version)
        return ks__fail(err, KS_EINVALID, "the stores' schema versions differ (%d and %d)", from->version,
                        to->version);
    int rc = ks__exec(from, from->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", err);
    if (rc != KS_OK) return rc;
    rc = ks__begin(to, err);
    if (rc != KS_OK) {
        ks_db_exec(from->db, "ROLLBACK");
        return rc;
    }
    rc = target_empty(to, err);
    long *counts[NTABLES] = {&res->cases, &res->events, &res->obligations, &res->plans,
                             &res->tokens, &res->access_log, &res->idempotency, &res->capacity};
    for (int t = 0; t < NTABLES && rc == KS_OK; t++) {
        sink k = {to, t, {0}, NULL, 0, err};
        if (!to->pg) {
            char sql[768], ph[MAXCOLS * 5] = "";
            for (int i = 0; i < tables[t].ncols; i++)
                snprintf(ph + strlen(ph), sizeof ph - strlen(ph), "%s?%d", i ? ", " : "", i + 1);
            snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES (%s)", tables[t].table, tables[t].cols, ph);
            if (ks_db_prepare(to->db, sql, &k.ins) != 0) rc = ks__dbfail(to, err, tables[t].table);
        }
        if (rc == KS_OK) rc = copy_table(from, &k, err);
        if (rc == KS_OK) rc = sink_flush(&k);
        ks_q_finalize(k.ins);
        kt_sb_free(&k.buf);
        *counts[t] = k.rows;
    }
    /* PostgreSQL: the next seq, access-log seq and token id after the copied ones */
    if (rc == KS_OK && to->pg)
        rc = ks__exec(to,
                      "SELECT setval('events_seq', coalesce((SELECT max(seq) FROM events), 0) + 1, false),"
                      " setval('access_log_seq', coalesce((SELECT max(seq) FROM access_log), 0) + 1, false),"
                      " setval(pg_get_serial_sequence('tokens', 'id'),"
                      "  coalesce((SELECT max(id) FROM tokens), 0) + 1, false),"
                      " setval(pg_get_serial_sequence('capacity', 'seq'),"
                      "  coalesce((SELECT max(seq) FROM capacity), 0) + 1, false)",
                      err);
    ks_db_exec(from->db, "ROLLBACK"); /* only read */
    if (rc != KS_OK) {
        ks__rollback(to);
        memset(res, 0, sizeof *res);
        return rc;
    }
    return ks__commit(to, err);
}
