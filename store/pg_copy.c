/* pg_copy.c -- rows in PostgreSQL's COPY text format, and COPY ... FROM
 * STDIN on the store's connection: the bulk writes of an import into
 * PostgreSQL and of `kontakt db copy` (docs/store.md, "PostgreSQL").
 *
 * Text format: one row a line, columns separated by a tab, NULL as \N, and
 * in a value a backslash, tab, newline or carriage return written as \\,
 * \t, \n, \r (nothing else needs escaping: the client encoding is UTF8). */
#include "internal.h"

#ifdef KS_HAVE_PG
#include <libpq-fe.h>
#endif

#include <stdlib.h>
#include <string.h>

void ks__copy_text(kt_sb *b, const char *s, size_t n) {
    if (!s) {
        kt_sb_mem(b, "\\N", 2);
        return;
    }
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc;
        switch (c) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        kt_sb_mem(b, s + from, i - from);
        kt_sb_mem(b, esc, 2);
        from = i + 1;
    }
    kt_sb_mem(b, s + from, n - from);
}

void ks__copy_str(kt_sb *b, const char *s) {
    /* as the store binds them (materialize.c bind_str): "" is NULL */
    ks__copy_text(b, s && *s ? s : NULL, s ? strlen(s) : 0);
}

void ks__copy_date(kt_sb *b, kt_date d) {
    if (d == KT_NO_DATE) kt_sb_mem(b, "\\N", 2);
    else kt_sb_date(b, d);
}

void ks__copy_obligation(kt_sb *b, const char *case_id, size_t i, const kt_obligation *ob,
                         const ks__ob_extra *x) {
    /* the columns of ks__copy_obligations_sql, as ks__bind_obligation binds them */
    ks__copy_str(b, case_id);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, (long)i);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->rule);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->kind);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->benefit);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->generation);
    kt_sb_chr(b, '\t');
    ks__copy_date(b, ob->from);
    kt_sb_chr(b, '\t');
    ks__copy_date(b, ob->to);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, kt_ob_status_name(ob->status));
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->required);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->counted);
    kt_sb_chr(b, '\t');
    ks__copy_date(b, ob->met_on);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->exempt_reason);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->stopped_days);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->beyond);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->group);
    kt_sb_chr(b, '\t');
    if (ob->quota_holder >= 0) kt_sb_int(b, ob->quota_holder);
    else kt_sb_mem(b, "\\N", 2);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->provisional != 0);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, ob->a_kasse);
    kt_sb_chr(b, '\t');
    ks__copy_date(b, x->course_end);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, x->jobcenter);
    kt_sb_chr(b, '\t');
    ks__copy_str(b, x->caseworker);
    kt_sb_chr(b, '\t');
    kt_sb_int(b, (long)ob->forms); /* schema 6 */
    kt_sb_chr(b, '\t');
    kt_sb_int(b, ob->agenda_next);
    kt_sb_chr(b, '\n');
}

const char ks__copy_obligations_sql[] =
    "COPY obligations(case_id, idx, rule, kind, benefit, generation, window_from, deadline, status,"
    " required, counted, met_on, exempt, stopped, beyond, grp, quota, provisional, a_kasse,"
    " course_end, jobcenter, caseworker, forms, agenda) FROM STDIN";
const char ks__copy_obligations_freeze_sql[] =
    "COPY obligations(case_id, idx, rule, kind, benefit, generation, window_from, deadline, status,"
    " required, counted, met_on, exempt, stopped, beyond, grp, quota, provisional, a_kasse,"
    " course_end, jobcenter, caseworker, forms, agenda) FROM STDIN (FREEZE)";

#ifdef KS_HAVE_PG

/* A failed COPY: its message, and the error class the store knows. */
static int copy_fail(ks_store *s, PGconn *c, PGresult *r, const char *what, ks_error *err) {
    const char *m = r ? PQresultErrorMessage(r) : NULL;
    if (!m || !*m) m = PQerrorMessage(c);
    char msg[400];
    snprintf(msg, sizeof msg, "%s", m && *m ? m : "COPY failed");
    for (char *p = msg; *p; p++)
        if (*p == '\n') *p = ' ';
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) s->busy = 1;
    int st = state && !strcmp(state, "53200") ? KS_ENOMEM : KS_EDB;
    return ks__fail(err, st, "%s: %s", what, msg);
}

int ks__copy_in(ks_store *s, const char *sql, const char *data, size_t len, ks_error *err) {
    PGconn *c = (PGconn *)ks_db_pg(s->db);
    if (!c) return ks__fail(err, KS_EDB, "COPY: not a PostgreSQL store");
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = copy_fail(s, c, r, sql, err);
        PQclear(r);
        /* a COPY refused before it started leaves nothing to finish */
        while ((r = PQgetResult(c)) != NULL) PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = 1;
    /* in pieces: libpq copies what it is given into its own buffer */
    for (size_t at = 0; ok && at < len;) {
        size_t n = len - at > (1u << 20) ? (1u << 20) : len - at;
        ok = PQputCopyData(c, data + at, (int)n) == 1;
        at += n;
    }
    ok = PQputCopyEnd(c, ok ? NULL : "the client failed") == 1 && ok;
    int rc = KS_OK;
    while ((r = PQgetResult(c)) != NULL) {
        if (rc == KS_OK && PQresultStatus(r) != PGRES_COMMAND_OK) rc = copy_fail(s, c, r, sql, err);
        PQclear(r);
    }
    if (rc == KS_OK && !ok) rc = copy_fail(s, c, NULL, sql, err);
    return rc;
}

/* COPY ... TO STDOUT: each data row (a line, with its newline) to fn. */
int ks__copy_out(ks_store *s, const char *sql, int (*fn)(void *ctx, const char *row, size_t len),
                 void *ctx, ks_error *err) {
    PGconn *c = (PGconn *)ks_db_pg(s->db);
    if (!c) return ks__fail(err, KS_EDB, "COPY: not a PostgreSQL store");
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        int rc = copy_fail(s, c, r, sql, err);
        PQclear(r);
        while ((r = PQgetResult(c)) != NULL) PQclear(r);
        return rc;
    }
    PQclear(r);
    int rc = KS_OK, n;
    char *row;
    while ((n = PQgetCopyData(c, &row, 0)) > 0) {
        if (rc == KS_OK && fn(ctx, row, (size_t)n) != 0) rc = ks__fail(err, KS_EIO, "COPY: the reader failed");
        PQfreemem(row);
    }
    if (n == -2 && rc == KS_OK) rc = copy_fail(s, c, NULL, sql, err);
    while ((r = PQgetResult(c)) != NULL) {
        if (rc == KS_OK && PQresultStatus(r) != PGRES_COMMAND_OK) rc = copy_fail(s, c, r, sql, err);
        PQclear(r);
    }
    return rc;
}

#else

int ks__copy_in(ks_store *s, const char *sql, const char *data, size_t len, ks_error *err) {
    (void)s, (void)sql, (void)data, (void)len;
    return ks__fail(err, KS_EDB, "built without PostgreSQL");
}

int ks__copy_out(ks_store *s, const char *sql, int (*fn)(void *ctx, const char *row, size_t len),
                 void *ctx, ks_error *err) {
    (void)s, (void)sql, (void)fn, (void)ctx;
    return ks__fail(err, KS_EDB, "built without PostgreSQL");
}

#endif
