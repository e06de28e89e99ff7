/* db.c -- db.h's calls, dispatched to the connection's driver
 * (db_driver.h). */
#include "db_driver.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ks_db_kind ks_db_target_kind(const char *target, const char **rest) {
    if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11)) {
        if (rest) *rest = target;
        return KS_DB_PG;
    }
    if (!strncmp(target, "sqlite:", 7)) target += 7;
    if (rest) *rest = target;
    return KS_DB_SQLITE;
}

#ifndef KS_HAVE_PG
/* Built without libpq: a PostgreSQL target is refused with a clear message. */
int ks__db_pg_open(const char *uri, unsigned flags, ks_db **out, char *errbuf, size_t errlen) {
    (void)uri, (void)flags;
    *out = NULL;
    snprintf(errbuf, errlen, "this kontakt was built without PostgreSQL (libpq)");
    return -1;
}
#endif

int ks_db_open(const char *target, unsigned flags, ks_db **out, char *errbuf, size_t errlen) {
    const char *rest;
    *out = NULL;
    if (ks_db_target_kind(target, &rest) == KS_DB_PG)
        return ks__db_pg_open(rest, flags, out, errbuf, errlen);
    return ks__db_sqlite_open(rest, flags, out, errbuf, errlen);
}

void ks_db_close(ks_db *db) {
    if (db) db->drv->close(db);
}
ks_db_kind ks_db_kind_of(const ks_db *db) { return db->drv->kind; }
int ks_db_exec(ks_db *db, const char *sql) { return db->drv->exec(db, sql); }
int ks_db_prepare(ks_db *db, const char *sql, ks_q **out) { return db->drv->prepare(db, sql, out); }
static atomic_long default_timeout = -1; /* < 0: KONTAKT_DB_TIMEOUT or 10 s */

void ks_db_set_default_timeout(long ms) { atomic_store(&default_timeout, ms < 0 ? -1 : ms); }

long ks_db_default_timeout(void) {
    long ms = atomic_load(&default_timeout);
    if (ms >= 0) return ms;
    const char *e = getenv("KONTAKT_DB_TIMEOUT"); /* seconds, fractions allowed; 0: none */
    if (e && *e) {
        char *end;
        errno = 0;
        double v = strtod(e, &end);
        if (!errno && !*end && v >= 0 && v <= 86400) return (long)(v * 1000 + 0.5);
    }
    return 10000;
}

void ks_db_set_timeout(ks_db *db, long ms) {
    if (db->drv->set_timeout) db->drv->set_timeout(db, ms);
}
long ks_db_timeout(const ks_db *db) { return db->drv->timeout ? db->drv->timeout(db) : 0; }
const char *ks_db_errmsg(const ks_db *db) { return db->drv->errmsg(db); }
ks_db_errclass ks_db_errclass_of(const ks_db *db) { return db->drv->errclass(db); }
long ks_db_changes(const ks_db *db) { return db->drv->changes(db); }
int ks_db_in_tx(const ks_db *db) { return db->drv->in_tx(db); }
struct sqlite3 *ks_db_sqlite(ks_db *db) {
    return db->drv->kind == KS_DB_SQLITE ? (struct sqlite3 *)db->drv->native(db) : NULL;
}
struct pg_conn *ks_db_pg(ks_db *db) {
    return db->drv->kind == KS_DB_PG ? (struct pg_conn *)db->drv->native(db) : NULL;
}

int ks_q_bind_text(ks_q *q, int i, const char *s, int n) {
    return s ? q->db->drv->bind_text(q, i, s, n) : q->db->drv->bind_null(q, i);
}
int ks_q_bind_text_static(ks_q *q, int i, const char *s, int n) {
    if (s && q->db->drv->kind == KS_DB_SQLITE) return ks__db_sqlite_bind_static(q, i, s, n);
    return ks_q_bind_text(q, i, s, n);
}
int ks_q_bind_int64(ks_q *q, int i, long long v) { return q->db->drv->bind_int64(q, i, v); }
int ks_q_bind_null(ks_q *q, int i) { return q->db->drv->bind_null(q, i); }
int ks_q_step(ks_q *q) { return q->db->drv->step(q); }
int ks_q_column_count(ks_q *q) { return q->db->drv->column_count(q); }
int ks_q_is_null(ks_q *q, int col) { return q->db->drv->is_null(q, col); }
const char *ks_q_text(ks_q *q, int col) { return q->db->drv->text(q, col); }
int ks_q_bytes(ks_q *q, int col) { return q->db->drv->bytes(q, col); }
long long ks_q_int64(ks_q *q, int col) { return q->db->drv->int64(q, col); }
void ks_q_reset(ks_q *q) { q->db->drv->reset(q); }
void ks_q_clear(ks_q *q) { q->db->drv->clear(q); }
void ks_q_finalize(ks_q *q) {
    if (q) q->db->drv->finalize(q);
}
