/* db_sqlite.c -- db.h on SQLite: a thin driver, the API is SQLite's own. */
#include "db_driver.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct sq_db {
    ks_db base;
    sqlite3 *h;
} sq_db;

typedef struct sq_q {
    ks_q base;
    sqlite3_stmt *st;
} sq_q;

#define H(db) (((const sq_db *)(db))->h)
#define ST(q) (((sq_q *)(q))->st)

static void sq_close(ks_db *db) {
    sqlite3_close(H(db));
    free(db);
}
static int sq_exec(ks_db *db, const char *sql) {
    return sqlite3_exec(H(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}
static int sq_prepare(ks_db *db, const char *sql, ks_q **out) {
    *out = NULL;
    sq_q *q = calloc(1, sizeof *q);
    if (!q) return -1;
    q->base.db = db;
    if (sqlite3_prepare_v3(H(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &q->st, NULL) != SQLITE_OK) {
        free(q);
        return -1;
    }
    *out = &q->base;
    return 0;
}
static const char *sq_errmsg(const ks_db *db) { return sqlite3_errmsg(H(db)); }
static ks_db_errclass sq_errclass(const ks_db *db) {
    switch (sqlite3_errcode(H(db))) {
    case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE: return KS_DBE_NONE;
    case SQLITE_BUSY: case SQLITE_LOCKED: return KS_DBE_BUSY;
    case SQLITE_CONSTRAINT: return KS_DBE_CONSTRAINT;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return KS_DBE_DAMAGED;
    case SQLITE_NOMEM: return KS_DBE_NOMEM;
    default: return KS_DBE_OTHER;
    }
}
static long sq_changes(const ks_db *db) { return (long)sqlite3_changes(H(db)); }
static int sq_in_tx(const ks_db *db) { return !sqlite3_get_autocommit(H(db)); }
static void *sq_native(ks_db *db) { return ((sq_db *)db)->h; }

static int sq_bind_text(ks_q *q, int i, const char *s, int n) {
    return sqlite3_bind_text(ST(q), i, s, n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}
int ks__db_sqlite_bind_static(ks_q *q, int i, const char *s, int n) {
    return sqlite3_bind_text(ST(q), i, s, n, SQLITE_STATIC) == SQLITE_OK ? 0 : -1;
}
static int sq_bind_int64(ks_q *q, int i, long long v) {
    return sqlite3_bind_int64(ST(q), i, (sqlite3_int64)v) == SQLITE_OK ? 0 : -1;
}
static int sq_bind_null(ks_q *q, int i) { return sqlite3_bind_null(ST(q), i) == SQLITE_OK ? 0 : -1; }
static int sq_step(ks_q *q) {
    int rc = sqlite3_step(ST(q));
    return rc == SQLITE_ROW ? KS_Q_ROW : rc == SQLITE_DONE ? KS_Q_DONE : KS_Q_ERROR;
}
static int sq_column_count(ks_q *q) { return sqlite3_column_count(ST(q)); }
static int sq_is_null(ks_q *q, int col) { return sqlite3_column_type(ST(q), col) == SQLITE_NULL; }
static const char *sq_text(ks_q *q, int col) { return (const char *)sqlite3_column_text(ST(q), col); }
static int sq_bytes(ks_q *q, int col) { return sqlite3_column_bytes(ST(q), col); }
static long long sq_int64(ks_q *q, int col) { return (long long)sqlite3_column_int64(ST(q), col); }
static void sq_reset(ks_q *q) { sqlite3_reset(ST(q)); }
static void sq_clear(ks_q *q) { sqlite3_clear_bindings(ST(q)); }
static void sq_finalize(ks_q *q) {
    sqlite3_finalize(ST(q));
    free(q);
}

static const ks_db_driver sqlite_driver = {
    KS_DB_SQLITE, sq_close,     sq_exec,       sq_prepare,      sq_errmsg,    sq_errclass,
    sq_changes,   sq_in_tx,     sq_native,     sq_bind_text,    sq_bind_int64, sq_bind_null,
    sq_step,      sq_column_count, sq_is_null, sq_text,         sq_bytes,     sq_int64,
    sq_reset,     sq_clear,     sq_finalize,     NULL, NULL, /* no deadline: nothing waits on a peer */
};

int ks__db_sqlite_open(const char *path, unsigned flags, ks_db **out, char *errbuf, size_t errlen) {
    *out = NULL;
    sq_db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    db->base.drv = &sqlite_driver;
    int oflags = (flags & KS_DB_READONLY) ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | ((flags & KS_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
        sqlite3_close(db->h);
        free(db);
        return -1;
    }
    *out = &db->base;
    return 0;
}
