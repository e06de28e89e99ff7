/* store.c -- opening and closing a store, transactions, errors, clocks. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <pthread.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const stmt_sql[ST_COUNT] = {
    [ST_CASE_GET] = "SELECT jobcenter, caseworker, created_at FROM cases WHERE id = ?1",
    [ST_CASE_INSERT] = "INSERT INTO cases(id, jobcenter, caseworker, created_at) VALUES (?1, ?2, ?3, ?4)",
    [ST_CASE_SET_CASEWORKER] = "UPDATE cases SET caseworker = ?2 WHERE id = ?1",
    [ST_CASE_SET_JOBCENTER] = "UPDATE cases SET jobcenter = ?2 WHERE id = ?1",
    [ST_EVENT_INSERT] = "INSERT INTO events(seq, case_id, kind, body, identity, corrects, "
                        "recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_EVENTS_OF_CASE] = "SELECT seq, kind, body, corrects, identity, recorded_at, recorded_by "
                          "FROM events WHERE case_id = ?1 ORDER BY seq",
    [ST_EVENTS_OF_CASE_AT] = "SELECT seq, kind, body, corrects, identity, recorded_at, recorded_by "
                             "FROM events WHERE case_id = ?1 AND recorded_at <= ?2 ORDER BY seq",
    [ST_EVENT_GET] = "SELECT case_id, kind, corrects FROM events WHERE seq = ?1",
    [ST_IDENTITY_EXISTS] = "SELECT seq FROM events WHERE case_id = ?1 AND identity = ?2",
    [ST_OBLIGATIONS_DELETE] = "DELETE FROM obligations WHERE case_id = ?1",
    [ST_OBLIGATION_INSERT] =
        "INSERT INTO obligations(case_id, idx, rule, kind, benefit, generation, window_from, "
        "deadline, status, required, counted, met_on, exempt, stopped, beyond, grp, quota, "
        "provisional, a_kasse, course_end, jobcenter, caseworker) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22)",
    [ST_OBLIGATION_UPSERT] =
        /* an upsert: a row that changed is updated in place */
        "INSERT INTO obligations(case_id, idx, rule, kind, benefit, generation, window_from, "
        "deadline, status, required, counted, met_on, exempt, stopped, beyond, grp, quota, "
        "provisional, a_kasse, course_end, jobcenter, caseworker) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22) "
        "ON CONFLICT(case_id, idx) DO UPDATE SET rule = excluded.rule, kind = excluded.kind, "
        "benefit = excluded.benefit, generation = excluded.generation, "
        "window_from = excluded.window_from, deadline = excluded.deadline, "
        "status = excluded.status, required = excluded.required, counted = excluded.counted, "
        "met_on = excluded.met_on, exempt = excluded.exempt, stopped = excluded.stopped, "
        "beyond = excluded.beyond, grp = excluded.grp, quota = excluded.quota, "
        "provisional = excluded.provisional, a_kasse = excluded.a_kasse, "
        "course_end = excluded.course_end, jobcenter = excluded.jobcenter, "
        "caseworker = excluded.caseworker",
    [ST_OBLIGATIONS_OF_CASE] =
        "SELECT idx, rule, kind, benefit, generation, window_from, deadline, status, required, "
        "counted, met_on, exempt, stopped, beyond, grp, quota, provisional, a_kasse, course_end, "
        "jobcenter, caseworker "
        "FROM obligations WHERE case_id = ?1 "
        "ORDER BY idx",
    [ST_OBLIGATIONS_DELETE_FROM] = "DELETE FROM obligations WHERE case_id = ?1 AND idx >= ?2",
    [ST_PLAN_TOUCH] = "UPDATE plans SET computed_at = ?3 WHERE case_id = ?1 AND as_of = ?2 "
                      "AND valid_until = ?4",
    [ST_PLAN_UPSERT] = "INSERT OR REPLACE INTO plans(case_id, as_of, computed_at, valid_until, "
                       "plan_json) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    [ST_CASE_OWNER] = "SELECT jobcenter, caseworker FROM cases WHERE id = ?1",
};

const char *ks_strerror(int status) {
    switch (status) {
    case KS_OK: return "ok";
    case KS_EINVALID: return "invalid input";
    case KS_ENOTFOUND: return "not found";
    case KS_EFOREIGN: return "not a usable kontakt database";
    case KS_EDB: return "database failure";
    case KS_ENOMEM: return "out of memory";
    case KS_EDENIED: return "access denied";
    case KS_EIO: return "input/output failure";
    default: return "unknown error";
    }
}

int ks__fail(ks_error *err, int status, const char *fmt, ...) {
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

int ks__dbfail(ks_store *s, ks_error *err, const char *what) {
    int code = sqlite3_errcode(s->db);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return ks__fail(err, KS_EFOREIGN, "%s: the database is damaged: %s", what,
                        sqlite3_errmsg(s->db));
    if (code == SQLITE_NOMEM) return ks__fail(err, KS_ENOMEM, "%s: out of memory", what);
    return ks__fail(err, KS_EDB, "%s: %s", what, sqlite3_errmsg(s->db));
}

const char *ks__stmt_sql(ks_stmt_id id) { return stmt_sql[id]; }

sqlite3_stmt *ks__stmt(ks_store *s, ks_stmt_id id, ks_error *err) {
    if (!s->st[id] && sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                         &s->st[id], NULL) != SQLITE_OK) {
        ks__dbfail(s, err, "prepare");
        return NULL;
    }
    sqlite3_reset(s->st[id]);
    sqlite3_clear_bindings(s->st[id]);
    return s->st[id];
}

int ks__exec(ks_store *s, const char *sql, ks_error *err) {
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(s->db);
        int st = code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? KS_EFOREIGN : KS_EDB;
        ks__fail(err, st, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return st;
    }
    return KS_OK;
}

int ks__begin(ks_store *s, ks_error *err) {
    if (s->flags & KS_OPEN_READONLY) {
        s->log_pending = 0;
        return ks__fail(err, KS_EINVALID, "the store is open read-only");
    }
    int rc = ks__exec(s, "BEGIN IMMEDIATE", err);
    if (rc != KS_OK) {
        s->log_pending = 0;
        return rc;
    }
    s->in_tx = 1;
    sqlite3_stmt *st = ks__stmt(s, ST_MAX_SEQ, err);
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        rc = st ? ks__dbfail(s, err, "events") : KS_EDB;
        ks__rollback(s);
        return rc;
    }
    s->next_seq = (long)sqlite3_column_int64(st, 0) + 1;
    sqlite3_reset(st);
    return KS_OK;
}

int ks__commit(ks_store *s, ks_error *err) {
    int rc = ks__exec(s, "COMMIT", err);
    if (rc != KS_OK) {
        ks__rollback(s);
        return rc;
    }
    s->in_tx = 0;
    /* Checkpoints are not paid by every write: only when the log has grown
     * big, and at ks_close (or ks_checkpoint from a maintenance thread). */
    if (s->wal_pages >= KS_WAL_CHECKPOINT_PAGES) ks_checkpoint(s, NULL);
    return KS_OK;
}

void ks__rollback(ks_store *s) {
    s->log_pending = 0; /* the row goes with the write it belonged to */
    for (int i = 0; i < ST_COUNT; i++)
        if (s->st[i]) sqlite3_reset(s->st[i]);
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

void ks__now(const ks_store *s, char out[25]) {
    if (s->has_now) {
        memcpy(out, s->now_fixed, 25);
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(ts.tv_nsec / 1000000));
    memcpy(out, tmp, 24);
    out[24] = '\0';
}

char *ks__canon(const json_t *v) { return json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY); }

int ks__valid_name(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f) return 0;
    return 1;
}

int ks_looks_like_cpr(const char *id) { return id && kt_id_looks_like_cpr(id, strlen(id)); }

int ks__check_id(const char *what, const char *id, ks_error *err) {
    if (!ks__valid_name(id)) return ks__fail(err, KS_EINVALID, "a %s id is 1-64 printable characters", what);
    if (ks_looks_like_cpr(id))
        return ks__fail(err, KS_EINVALID,
                        "the %s id looks like a CPR number (DDMMYY-NNNN or ten digits): personal "
                        "identifiers must not be stored; use the %s's own id", what, what);
    return KS_OK;
}

static int parse_digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ks_timestamp_parse(const char *s, char out[25]) {
    size_t n = s ? strlen(s) : 0;
    kt_date d;
    if (n < 10 || kt_date_parse(s, 10, &d) != KT_OK) return KS_EINVALID;
    int hh = 23, mm = 59, ss = 59, ms = 999;
    if (n > 10) {
        const char *t = s + 10;
        size_t k = n - 10;
        if (t[k - 1] == 'Z') k--;
        if (k < 6 || (t[0] != 'T' && t[0] != ' ') || t[3] != ':' || parse_digits(t + 1, 2, &hh) ||
            parse_digits(t + 4, 2, &mm))
            return KS_EINVALID;
        ss = 0;
        ms = 0;
        if (k > 6) {
            if (k < 9 || t[6] != ':' || parse_digits(t + 7, 2, &ss)) return KS_EINVALID;
            if (k > 9) {
                if (k != 13 || t[9] != '.' || parse_digits(t + 10, 3, &ms)) return KS_EINVALID;
            }
        }
        if (hh > 23 || mm > 59 || ss > 59) return KS_EINVALID;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.10sT%02d:%02d:%02d.%03dZ", s, hh, mm, ss, ms);
    memcpy(out, tmp, 24);
    out[24] = '\0';
    return KS_OK;
}

/* ---- opening ------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 1 if PATH + suffix exists. */
static int beside_exists(const char *path, const char *suffix) {
    char buf[4096];
    struct stat sb;
    if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, suffix) >= sizeof buf) return 1;
    return stat(buf, &sb) == 0;
}

/* Reads the first n bytes of PATH (zero-filled past its end) and its size
 * through SQLite's own file handle, without letting SQLite read the database
 * itself. Not with open()/close(): closing any descriptor of a file drops
 * every POSIX lock the process holds on it, the locks of this process's
 * other connections included (the server opens one per thread); SQLite's
 * unix VFS keeps such a descriptor open until those locks are gone. And not
 * with a query: even a read-only connection creates -wal and -shm beside a
 * database in WAL mode on its first read. */
static int read_raw(const char *path, unsigned char *h, int n, sqlite3_int64 *size) {
    sqlite3 *db = NULL;
    sqlite3_file *fp = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &fp);
    if (rc == SQLITE_OK && (!fp || !fp->pMethods)) rc = SQLITE_CANTOPEN;
    if (rc == SQLITE_OK) rc = fp->pMethods->xFileSize(fp, size);
    if (rc == SQLITE_OK) {
        rc = fp->pMethods->xRead(fp, h, n, 0);
        if (rc == SQLITE_IOERR_SHORT_READ) rc = SQLITE_OK; /* zero-filled */
    }
    sqlite3_close(db);
    return rc;
}

/* The first look at an existing file, before SQLite reads it as a
 * database: its header (sqlite.org/fileformat.html), the b-tree header of
 * page 1 and its size. A refused file must be left exactly as it was, -wal
 * and -shm included (issue 11, 6). `wal` says a -wal file exists beside:
 * then the header may be older than the data and only what no transaction
 * changes is judged here. */
static int check_header(const char *path, int wal, unsigned flags, ks_error *err) {
    unsigned char h[112];
    sqlite3_int64 size = 0;
    memset(h, 0, sizeof h);
    int rc = read_raw(path, h, (int)sizeof h, &size);
    if (rc != SQLITE_OK)
        return ks__fail(err, KS_EFOREIGN, "%s: cannot be read: %s", path, sqlite3_errstr(rc));
    if (size < 100 || memcmp(h, "SQLite format 3", 16) != 0)
        return ks__fail(err, KS_EFOREIGN,
                        "%s: not a kontakt database (not a SQLite database): refused, the file "
                        "is left as it is", path);
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    if (page == 1) page = 65536;
    if (page < 512 || (page & (page - 1)) || size % page != 0 ||
        (be32(h + 92) == be32(h + 24) && be32(h + 28) > 0 && !wal &&
         (sqlite3_int64)be32(h + 28) * page > size))
        return ks__fail(err, KS_EFOREIGN,
                        "%s: a damaged database (cut short: %lld bytes, not whole pages of the "
                        "size its header gives): refused, the file is left as it is",
                        path, (long long)size);
    const uint32_t app = be32(h + 68), uv = be32(h + 60);
    /* page 1 holds the schema table: a leaf (0x0d) without cells is an
     * empty database, which `db init` may take; anything else without
     * kontakt's application id belongs to another program */
    const int empty = h[100] == 0x0d && h[103] == 0 && h[104] == 0;
    if (app != KS_APPLICATION_ID && (app != 0 || (!empty && !wal)))
        return ks__fail(err, KS_EFOREIGN,
                        "%s: a SQLite database of another program (application_id 0x%08lx, not "
                        "kontakt's 0x%08x): refused, the file is left as it is",
                        path, (unsigned long)app, KS_APPLICATION_ID);
    if (wal) return KS_OK;
    if (uv > KS_SCHEMA_VERSION)
        return ks__fail(err, KS_EFOREIGN,
                        "%s: schema version %lu is newer than this program's (%d): use a newer "
                        "kontakt; the file is left as it is", path, (unsigned long)uv, KS_SCHEMA_VERSION);
    if ((flags & KS_OPEN_READONLY) && app == KS_APPLICATION_ID && uv < KS_SCHEMA_VERSION)
        return ks__fail(err, KS_EFOREIGN,
                        "%s: schema version %lu is older than this program's (%d): open it once "
                        "for writing to bring it up to date", path, (unsigned long)uv,
                        KS_SCHEMA_VERSION);
    return KS_OK;
}

/* A writer killed in a rollback-journal transaction (a fresh import switches
 * the target's journal mode: store/import.c target_take) leaves a hot
 * journal, which a read-only connection cannot roll back: `db check` and
 * `db show` failed with "attempt to write a readonly database". The rollback
 * is SQLite's own recovery, which any writer would do on its next open; it
 * brings the file back to its last commit. Done only for a file that has
 * passed check_header. */
static int roll_back_hot_journal(const char *path) {
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return rc;
}

/* Looks at an existing file without changing it: is it a (possibly empty)
 * kontakt database this program can use? */
static int check_existing(const char *path, unsigned flags, int retried, ks_error *err) {
    const int wal = beside_exists(path, "-wal"), journal = beside_exists(path, "-journal");
    int status = check_header(path, wal, flags, err);
    if (status != KS_OK) return status;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        int st = ks__fail(err, KS_EFOREIGN, "%s: cannot be opened as a database: %s", path,
                          db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st = NULL;
    long app = 0, uv = 0, objects = 0;
    const char *sql = "SELECT (SELECT application_id FROM pragma_application_id), "
                      "(SELECT user_version FROM pragma_user_version), "
                      "(SELECT count(*) FROM sqlite_master)";
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (!ok && journal && !retried && sqlite3_extended_errcode(db) == SQLITE_READONLY_ROLLBACK) {
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (roll_back_hot_journal(path) != SQLITE_OK)
            return ks__fail(err, KS_EDB, "%s: a journal left by a killed writer could not be rolled back", path);
        return check_existing(path, flags, 1, err);
    }
    if (!ok) {
        int code = sqlite3_errcode(db);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            status = ks__fail(err, KS_EFOREIGN,
                              "%s: not a kontakt database (not a SQLite database, or damaged): "
                              "refused, the file is left as it is", path);
        else
            status = ks__fail(err, KS_EDB, "%s: %s", path, sqlite3_errmsg(db));
    } else {
        app = (long)sqlite3_column_int64(st, 0);
        uv = (long)sqlite3_column_int64(st, 1);
        objects = (long)sqlite3_column_int64(st, 2);
        if (app != KS_APPLICATION_ID && !(app == 0 && objects == 0))
            status = ks__fail(err, KS_EFOREIGN,
                              "%s: a SQLite database of another program (application_id "
                              "0x%08lx, not kontakt's 0x%08x): refused, the file is left as it is",
                              path, (unsigned long)app & 0xffffffffUL, KS_APPLICATION_ID);
        else if (uv > KS_SCHEMA_VERSION)
            status = ks__fail(err, KS_EFOREIGN,
                              "%s: schema version %ld is newer than this program's (%d): use a "
                              "newer kontakt; the file is left as it is", path, uv, KS_SCHEMA_VERSION);
        else if ((flags & KS_OPEN_READONLY) && uv < KS_SCHEMA_VERSION)
            status = ks__fail(err, KS_EFOREIGN,
                              uv == 0 ? "%s: an empty database: `kontakt db init` first"
                                      : "%s: schema version %ld is older than this program's (%d): "
                                        "open it once for writing to bring it up to date",
                              path, uv, KS_SCHEMA_VERSION);
    }
    sqlite3_finalize(st);
    if (status == KS_OK && app == KS_APPLICATION_ID) {
        /* the meta table must agree with the header */
        st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                               NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != uv)
            status = ks__fail(err, KS_EFOREIGN,
                              "%s: damaged kontakt database (meta.schema_version does not match "
                              "the header): refused, the file is left as it is", path);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return status;
}

/* After each commit: how big the write-ahead log has grown. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int pages) {
    (void)db, (void)name;
    ((ks_store *)ctx)->wal_pages = pages;
    return SQLITE_OK;
}

int ks_checkpoint(ks_store *s, ks_error *err) {
    if (s->flags & KS_OPEN_READONLY) return KS_OK;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return ks__dbfail(s, err, "checkpoint");
    s->wal_pages = 0;
    return KS_OK;
}

/* Waiting for the write lock: SQLite's own busy timeout sleeps longer and
 * longer (up to 100 ms at a time), so a writer that commits often (a
 * staged import's batches, store/import.c) takes the lock again before a
 * sleeping caseworker wakes up to try. Polling every millisecond, the
 * waiter gets the lock in the pause between two batches. Up to about 10 s,
 * as before. */
static int busy_wait(void *ctx, int n) {
    (void)ctx;
    if (n >= 10000) return 0;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    return 1;
}

int ks__set_pragmas(ks_store *s, ks_error *err) {
    sqlite3_busy_handler(s->db, busy_wait, NULL);
    /* mmap_size: pages are read from the mapping, not copied by pread. Every
     * commit by another connection (the server's access log) empties this
     * connection's page cache, so a worklist read would otherwise copy its
     * pages in again each time (issue 12 §3; bench/README.md). */
    int rc = ks__exec(s,
                      "PRAGMA page_size = 8192; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
                      "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; "
                      "PRAGMA mmap_size = 4294967296;",
                      err);
    if (rc != KS_OK || (s->flags & KS_OPEN_READONLY)) return rc;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return ks__dbfail(s, err, "journal_mode");
    rc = sqlite3_step(st);
    int wal = rc == SQLITE_ROW && sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!wal) return ks__fail(err, KS_EDB, "cannot switch the database to WAL mode");
    /* replaces SQLite's automatic checkpoint (docs/store.md, "Checkpoints") */
    sqlite3_wal_hook(s->db, wal_hook, s);
    return KS_OK;
}

/* SQLite's memory statistics take one global mutex on every allocation,
 * which two threads using SQLite at once (a fresh import) contend for, and
 * nothing here reads them. Only possible before SQLite is first used in the
 * process; if the application already has, the call fails harmlessly. */
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int ks_open(const char *path, unsigned flags, ks_store **out, ks_error *err) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    *out = NULL;
    if (!path || !*path) return ks__fail(err, KS_EINVALID, "no database file given");
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode))
        return ks__fail(err, KS_EFOREIGN, "%s: not a regular file", path);
    if (!exists && !(flags & KS_OPEN_CREATE))
        return ks__fail(err, KS_ENOTFOUND, "%s: no such database (`kontakt db init` makes one)", path);
    if (exists && sb.st_size > 0) {
        int rc = check_existing(path, flags, 0, err);
        if (rc != KS_OK) return rc;
    }
    ks_store *s = calloc(1, sizeof *s);
    if (!s) return ks__fail(err, KS_ENOMEM, "out of memory");
    s->flags = flags;
    s->today = KT_NO_DATE;
    snprintf(s->actor, sizeof s->actor, "unknown");
    if (kt_engine_new(&s->engine) != KT_OK) {
        free(s);
        return ks__fail(err, KS_ENOMEM, "out of memory");
    }
    int oflags = (flags & KS_OPEN_READONLY) ? SQLITE_OPEN_READONLY
                                            : SQLITE_OPEN_READWRITE | ((flags & KS_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = ks__fail(err, KS_EDB, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        ks_close(s);
        return rc;
    }
    int rc = ks__set_pragmas(s, err);
    if (rc == KS_OK) rc = ks__migrate(s, err);
    /* a killed import's rest; should it fail, the store still opens (each
     * batch is whole) and a later open tries again */
    if (rc == KS_OK) ks__import_recover(s, NULL);
    if (rc != KS_OK) {
        ks_close(s);
        return rc;
    }
    *out = s;
    return KS_OK;
}

void ks_close(ks_store *s) {
    if (!s) return;
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->st[i]);
    if (s->db) {
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        else if (s->wal_pages > 0) ks_checkpoint(s, NULL);
        sqlite3_close(s->db);
    }
    kt_engine_free(s->engine);
    free(s);
}

void ks_set_today(ks_store *s, kt_date today) { s->today = today; }

kt_date ks_today(const ks_store *s) {
    if (s->today != KT_NO_DATE) return s->today;
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm)) return KT_NO_DATE;
    return kt_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void ks_set_now(ks_store *s, const char *timestamp) {
    s->has_now = timestamp && ks_timestamp_parse(timestamp, s->now_fixed) == KS_OK;
}

void ks_set_actor(ks_store *s, const char *who) {
    snprintf(s->actor, sizeof s->actor, "%s", who && *who ? who : "unknown");
}

int ks_schema_version(const ks_store *s) { return s->version; }

static const char *const kind_names[KS_KIND_COUNT] = {
    "person", "benefit", "category", "conversation", "event", "assign", "correction"};

const char *ks_kind_name(ks_kind k) { return (unsigned)k < KS_KIND_COUNT ? kind_names[k] : ""; }

int ks__kind_parse(const char *s) {
    for (int i = 0; i < KS_KIND_COUNT; i++)
        if (s && strcmp(s, kind_names[i]) == 0) return i;
    return -1;
}

int ks_check(ks_store *s, char **report, ks_error *err) {
    *report = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return ks__dbfail(s, err, "integrity_check");
    kt_sb text = {0};
    int r, ok = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (!line) continue;
        if (text.len == 0 && strcmp(line, "ok") == 0) ok = 1;
        if (kt_sb_str(&text, line) || kt_sb_chr(&text, '\n')) break;
    }
    int rc = text.err                ? ks__fail(err, KS_ENOMEM, "out of memory")
             : r == SQLITE_DONE ? KS_OK
                                : ks__dbfail(s, err, "integrity_check");
    sqlite3_finalize(st);
    if (rc == KS_OK && !ok) {
        *report = kt_sb_take(&text);
        return ks__fail(err, KS_EFOREIGN, "the database is damaged (PRAGMA integrity_check)");
    }
    kt_sb_free(&text);
    return rc;
}
