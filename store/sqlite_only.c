/* sqlite_only.c -- what only the SQLite backend does, on the raw sqlite3
 * handle (ks_db_sqlite): the look at an existing file before it is opened,
 * the pragmas, the WAL hook and checkpoints, PRAGMA integrity_check, the
 * schema version kept in the file header (application_id, user_version).
 * The rest of the store speaks db.h; a PostgreSQL store supplies its own
 * counterparts of these (or needs none). */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

/* A passive checkpoint of the write-ahead log (ks_checkpoint). */
int ks__sqlite_checkpoint(ks_store *s, ks_error *err) {
    int rc = sqlite3_wal_checkpoint_v2(ks_db_sqlite(s->db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
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

int ks__sqlite_set_pragmas(ks_store *s, ks_error *err) {
    sqlite3 *db = ks_db_sqlite(s->db);
    sqlite3_busy_handler(db, busy_wait, NULL);
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
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return ks__dbfail(s, err, "journal_mode");
    rc = sqlite3_step(st);
    int wal = rc == SQLITE_ROW && sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!wal) return ks__fail(err, KS_EDB, "cannot switch the database to WAL mode");
    /* replaces SQLite's automatic checkpoint (docs/store.md, "Checkpoints") */
    sqlite3_wal_hook(db, wal_hook, s);
    return KS_OK;
}

/* SQLite's memory statistics take one global mutex on every allocation,
 * which two threads using SQLite at once (a fresh import) contend for, and
 * nothing here reads them. Only possible before SQLite is first used in the
 * process; if the application already has, the call fails harmlessly. */
void ks__sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }


/* PRAGMA integrity_check (ks_check). */
int ks__sqlite_integrity_check(ks_store *s, char **report, ks_error *err) {
    sqlite3 *db = ks_db_sqlite(s->db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
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

int ks__sqlite_check_existing(const char *path, unsigned flags, ks_error *err) {
    return check_existing(path, flags, 0, err);
}

/* The file header's application_id and user_version, and whether the file
 * holds any schema object (schema.c, current_version). */
int ks__sqlite_header_version(ks_store *s, long *app, long *uv, long *objects, ks_error *err) {
    static const char *const sql[3] = {"PRAGMA application_id", "PRAGMA user_version",
                                       "SELECT count(*) FROM sqlite_master"};
    long *out[3] = {app, uv, objects};
    for (int i = 0; i < 3; i++) {
        ks_q *st;
        if (ks_db_prepare(s->db, sql[i], &st) != 0) return ks__dbfail(s, err, sql[i]);
        if (ks_q_step(st) != KS_Q_ROW) {
            int rc = ks__dbfail(s, err, sql[i]);
            ks_q_finalize(st);
            return rc;
        }
        *out[i] = (long)ks_q_int64(st, 0);
        ks_q_finalize(st);
    }
    return KS_OK;
}

/* Stamps the file header with kontakt's application_id and the schema
 * version (inside the migration's transaction). */
int ks__sqlite_stamp_version(ks_store *s, ks_error *err) {
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             KS_APPLICATION_ID, KS_SCHEMA_VERSION);
    return ks__exec(s, sql, err);
}
