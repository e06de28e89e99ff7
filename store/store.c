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
        "provisional, a_kasse, course_end, jobcenter, caseworker, forms, agenda) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23, ?24)",
    [ST_OBLIGATION_UPSERT] =
        /* an upsert: a row that changed is updated in place */
        "INSERT INTO obligations(case_id, idx, rule, kind, benefit, generation, window_from, "
        "deadline, status, required, counted, met_on, exempt, stopped, beyond, grp, quota, "
        "provisional, a_kasse, course_end, jobcenter, caseworker, forms, agenda) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
        "?21, ?22, ?23, ?24) "
        "ON CONFLICT(case_id, idx) DO UPDATE SET rule = excluded.rule, kind = excluded.kind, "
        "benefit = excluded.benefit, generation = excluded.generation, "
        "window_from = excluded.window_from, deadline = excluded.deadline, "
        "status = excluded.status, required = excluded.required, counted = excluded.counted, "
        "met_on = excluded.met_on, exempt = excluded.exempt, stopped = excluded.stopped, "
        "beyond = excluded.beyond, grp = excluded.grp, quota = excluded.quota, "
        "provisional = excluded.provisional, a_kasse = excluded.a_kasse, "
        "course_end = excluded.course_end, jobcenter = excluded.jobcenter, "
        "caseworker = excluded.caseworker, forms = excluded.forms, agenda = excluded.agenda",
    [ST_OBLIGATIONS_OF_CASE] =
        "SELECT idx, rule, kind, benefit, generation, window_from, deadline, status, required, "
        "counted, met_on, exempt, stopped, beyond, grp, quota, provisional, a_kasse, course_end, "
        "jobcenter, caseworker, forms, agenda "
        "FROM obligations WHERE case_id = ?1 "
        "ORDER BY idx",
    [ST_OBLIGATIONS_DELETE_FROM] = "DELETE FROM obligations WHERE case_id = ?1 AND idx >= ?2",
    [ST_PLAN_TOUCH] = "UPDATE plans SET computed_at = ?3 WHERE case_id = ?1 AND as_of = ?2 "
                      "AND valid_until = ?4",
    [ST_PLAN_UPSERT] = "INSERT INTO plans(case_id, as_of, computed_at, valid_until, plan_json) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(case_id) DO UPDATE SET "
                       "as_of = excluded.as_of, computed_at = excluded.computed_at, "
                       "valid_until = excluded.valid_until, plan_json = excluded.plan_json",
    [ST_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM events",
    [ST_CASE_OWNER] = "SELECT jobcenter, caseworker FROM cases WHERE id = ?1",
    [ST_CASE_LOCK] = "SELECT jobcenter, caseworker, created_at FROM cases WHERE id = ?1 FOR UPDATE",
    [ST_CASE_INSERT_NEW] = "INSERT INTO cases(id, jobcenter, caseworker, created_at) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT(id) DO NOTHING",
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
    ks_db_errclass c = ks_db_errclass_of(s->db);
    if (c == KS_DBE_BUSY) s->busy = 1;
    if (c == KS_DBE_DAMAGED)
        return ks__fail(err, KS_EFOREIGN, "%s: the database is damaged: %s", what,
                        ks_db_errmsg(s->db));
    if (c == KS_DBE_NOMEM) return ks__fail(err, KS_ENOMEM, "%s: out of memory", what);
    return ks__fail(err, KS_EDB, "%s: %s", what, ks_db_errmsg(s->db));
}

const char *ks__stmt_sql(ks_stmt_id id) { return stmt_sql[id]; }

ks_q *ks__stmt(ks_store *s, ks_stmt_id id, ks_error *err) {
    if (!s->st[id] && ks_db_prepare(s->db, stmt_sql[id], &s->st[id]) != 0) {
        ks__dbfail(s, err, "prepare");
        return NULL;
    }
    ks_q_reset(s->st[id]);
    ks_q_clear(s->st[id]);
    return s->st[id];
}

int ks__exec(ks_store *s, const char *sql, ks_error *err) {
    if (ks_db_exec(s->db, sql) != 0) {
        ks_db_errclass c = ks_db_errclass_of(s->db);
        if (c == KS_DBE_BUSY) s->busy = 1;
        int st = c == KS_DBE_DAMAGED ? KS_EFOREIGN : c == KS_DBE_NOMEM ? KS_ENOMEM : KS_EDB;
        ks__fail(err, st, "%s", ks_db_errmsg(s->db));
        return st;
    }
    return KS_OK;
}

const char *ks__begin_write_sql(ks_store *s) {
    /* SQLite: the write lock now, not at the first write (no deadlock of two
     * readers turning writers); BEGIN IMMEDIATE is SQLite's alone */
    return ks_db_sqlite(s->db) ? "BEGIN IMMEDIATE" : "BEGIN";
}

int ks__begin(ks_store *s, ks_error *err) {
    if (s->flags & KS_OPEN_READONLY) {
        s->log_pending = 0;
        return ks__fail(err, KS_EINVALID, "the store is open read-only");
    }
    int rc = ks__exec(s, ks__begin_write_sql(s), err);
    if (rc != KS_OK) {
        s->log_pending = 0;
        return rc;
    }
    s->in_tx = 1;
    if (s->pg) { /* the sequence gives the seqs (ks__next_seq) */
        s->next_seq = 0;
        return KS_OK;
    }
    ks_q *st = ks__stmt(s, ST_MAX_SEQ, err);
    if (!st || ks_q_step(st) != KS_Q_ROW) {
        rc = st ? ks__dbfail(s, err, "events") : KS_EDB;
        ks__rollback(s);
        return rc;
    }
    s->next_seq = (long)ks_q_int64(st, 0) + 1;
    ks_q_reset(st);
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

long ks__pg_nextval(ks_store *s) {
    ks_q *st;
    if (ks_db_prepare(s->db, "SELECT nextval('events_seq')", &st) != 0) return 0;
    if (ks_q_step(st) == KS_Q_ROW) s->next_seq = (long)ks_q_int64(st, 0);
    ks_q_finalize(st);
    return s->next_seq;
}

int ks__lock_case(ks_store *s, const char *case_id, ks_error *err) {
    if (!s->pg) return KS_OK;
    ks_q *st = ks__stmt(s, ST_CASE_LOCK, err);
    if (!st) return KS_EDB;
    ks_q_bind_text_static(st, 1, case_id, -1);
    int r = ks_q_step(st);
    ks_q_reset(st);
    if (r == KS_Q_ROW) return KS_OK;
    if (r == KS_Q_DONE) return ks__fail(err, KS_ENOTFOUND, "no case '%s' in the store", case_id);
    return ks__dbfail(s, err, "cases");
}

int ks__retry(ks_store *s, int rc, int attempt) {
    int again = s->pg && rc == KS_EDB && s->busy && attempt < 4;
    s->busy = 0;
    if (again) { /* 5-20 ms, longer each time: the other writer finishes meanwhile */
        struct timespec ts = {0, (5L << attempt) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return again;
}

void ks__rollback(ks_store *s) {
    s->log_pending = 0; /* the row goes with the write it belonged to */
    for (int i = 0; i < ST_COUNT; i++)
        if (s->st[i]) ks_q_reset(s->st[i]);
    if (ks_db_in_tx(s->db)) ks_db_exec(s->db, "ROLLBACK");
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

/* The checks of an existing file, the pragmas, the WAL hook and checkpoints are
 * SQLite's own: store/sqlite_only.c. */

int ks_checkpoint(ks_store *s, ks_error *err) {
    if ((s->flags & KS_OPEN_READONLY) || !ks_db_sqlite(s->db)) return KS_OK;
    return ks__sqlite_checkpoint(s, err);
}

/* A SQLite file is looked at before it is opened (sqlite_only.c): a file
 * that is not a kontakt database is refused and left exactly as it was. */
static int sqlite_precheck(const char *path, unsigned flags, ks_error *err) {
    if (!*path) return ks__fail(err, KS_EINVALID, "no database file given");
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode))
        return ks__fail(err, KS_EFOREIGN, "%s: not a regular file", path);
    if (!exists && !(flags & KS_OPEN_CREATE))
        return ks__fail(err, KS_ENOTFOUND, "%s: no such database (`kontakt db init` makes one)", path);
    if (exists && sb.st_size > 0) return ks__sqlite_check_existing(path, flags, err);
    return KS_OK;
}

/* path: a SQLite file, `sqlite:FILE` or a postgresql:// URI (db.h). */
int ks_open(const char *path, unsigned flags, ks_store **out, ks_error *err) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ks__sqlite_setup);
    *out = NULL;
    if (!path || !*path) return ks__fail(err, KS_EINVALID, "no database file given");
    const char *file;
    if (ks_db_target_kind(path, &file) == KS_DB_SQLITE) {
        int rc = sqlite_precheck(file, flags, err);
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
    unsigned oflags = (flags & KS_OPEN_READONLY) ? KS_DB_READONLY : (flags & KS_OPEN_CREATE) ? KS_DB_CREATE : 0;
    char msg[sizeof err->message];
    if (ks_db_open(path, oflags, &s->db, msg, sizeof msg) != 0) {
        int rc = ks__fail(err, KS_EDB, "%s", msg);
        ks_close(s);
        return rc;
    }
    s->pg = ks_db_kind_of(s->db) == KS_DB_PG;
    int rc = ks_db_sqlite(s->db) ? ks__sqlite_set_pragmas(s, err) : KS_OK;
    if (rc == KS_OK) rc = s->pg ? ks__pg_migrate(s, err) : ks__migrate(s, err);
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
    for (int i = 0; i < ST_COUNT; i++) ks_q_finalize(s->st[i]);
    if (s->db) {
        if (ks_db_in_tx(s->db)) ks_db_exec(s->db, "ROLLBACK");
        else if (s->wal_pages > 0) ks_checkpoint(s, NULL);
        ks_db_close(s->db);
    }
    kt_engine_free(s->engine);
    free(s);
}

void ks_set_today(ks_store *s, kt_date today) { s->today = today; }

void ks_set_db_timeout(ks_store *s, long ms) { ks_db_set_timeout(s->db, ms); }
long ks_db_timeout_ms(const ks_store *s) { return ks_db_timeout(s->db); }
void ks_set_default_db_timeout(long ms) { ks_db_set_default_timeout(ms); }
long ks_default_db_timeout(void) { return ks_db_default_timeout(); }

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
    if (ks_db_sqlite(s->db)) return ks__sqlite_integrity_check(s, report, err);
    return ks__pg_check(s, report, err);
}

/* ---- jobcentres (row-level security on PostgreSQL) ------------------------------ */

int ks_set_jobcenter(ks_store *s, const char *jobcenter, ks_error *err) {
    if (!s->pg) return KS_OK;
    /* '' when cleared: no case has it. A session setting, not a local one:
     * the request's reads run outside transactions. Tried twice: the first
     * call on a connection lost while idle finds the loss, the second runs
     * on the new connection (which must get the setting too). */
    int rc = KS_EDB;
    for (int k = 0; k < 2 && rc != KS_OK; k++) {
        ks_q *st;
        if (ks_db_prepare(s->db, "SELECT set_config('kontakt.jobcenter', ?1, false)", &st) != 0) {
            rc = ks__dbfail(s, err, "jobcentre");
            if (ks_db_errclass_of(s->db) != KS_DBE_CONN) break;
            continue;
        }
        ks_q_bind_text(st, 1, jobcenter ? jobcenter : "", -1);
        rc = ks_q_step(st) == KS_Q_ROW ? KS_OK : ks__dbfail(s, err, "jobcentre");
        int conn = ks_db_errclass_of(s->db) == KS_DBE_CONN;
        ks_q_finalize(st);
        if (rc != KS_OK && !conn) break;
    }
    return rc;
}

int ks_per_jobcenter(const ks_store *s) { return s->pg; }

int ks_jobcenters_each(ks_store *s, int (*fn)(void *ctx, const char *jobcenter), void *ctx,
                       ks_error *err) {
    ks_q *st;
    const char *sql = s->pg ? "SELECT jobcenter FROM kontakt_jobcenters() ORDER BY 1"
                            : "SELECT DISTINCT jobcenter FROM cases ORDER BY 1";
    if (ks_db_prepare(s->db, sql, &st) != 0) return ks__dbfail(s, err, "jobcentres");
    int r;
    while ((r = ks_q_step(st)) == KS_Q_ROW)
        if (fn(ctx, ks_q_text(st, 0))) {
            r = KS_Q_DONE;
            break;
        }
    int rc = r == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "jobcentres");
    ks_q_finalize(st);
    return rc;
}
