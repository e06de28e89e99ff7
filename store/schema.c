/* schema.c -- the schema and its migrations (docs/store.md). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Obligations in deadline order, with everything a report, a worklist or a
 * forecast reads of them: one covering index serves all three as a range
 * scan (plus a lookup of each row's case for its jobcentre and caseworker),
 * and SQLite keeps it in step with `obligations` by itself (docs/store.md,
 * "Worklist"). Schema 1 had a narrower index for reports and a table `due`
 * of the open and overdue ones kept by triggers; filling that table after a
 * bulk import and building the two indexes cost more than this one, and
 * every recording paid for the triggers. A macro: a bulk import drops and
 * builds it again (ks__bulk_indexes). */
#define OBLIGATIONS_BY_DEADLINE                                                                \
    "CREATE INDEX obligations_by_deadline ON obligations(deadline, case_id, idx, status, grp,"  \
    " rule, required, counted, kind, benefit, generation, window_from, stopped, beyond,"       \
    " course_end, quota, provisional, jobcenter, caseworker, forms, agenda);"
/* The index as schema 4 and 5 had it (migration 3 -> 4 builds it; 5 -> 6
 * builds the one above in its place). */
#define OBLIGATIONS_BY_DEADLINE_4                                                              \
    "CREATE INDEX obligations_by_deadline ON obligations(deadline, case_id, idx, status, grp,"  \
    " rule, required, counted, kind, benefit, generation, window_from, stopped, beyond,"       \
    " course_end, quota, provisional, jobcenter, caseworker);"
/* The index as schema 2 and 3 had it (migration 1 -> 2 builds it; 3 -> 4
 * builds the one above in its place). */
#define OBLIGATIONS_BY_DEADLINE_2                                                              \
    "CREATE INDEX obligations_by_deadline ON obligations(deadline, case_id, idx, status, grp,"  \
    " rule, required, counted, kind, benefit, generation, window_from, stopped, beyond);"

/* Schema 1's `due` and its triggers, as migration 0 -> 1 made them (it has
 * shipped: never edit). */
#define DUE1_TABLE                                                                              \
    "CREATE TABLE due("                                                                        \
    "  deadline TEXT NOT NULL, case_id TEXT NOT NULL, idx INTEGER NOT NULL,"                   \
    "  jobcenter TEXT NOT NULL, caseworker TEXT, rule TEXT NOT NULL, grp TEXT, kind TEXT,"     \
    "  benefit TEXT, generation TEXT, window_from TEXT, required INTEGER, counted INTEGER,"     \
    "  why TEXT, law TEXT, seed TEXT,"                                                         \
    "  PRIMARY KEY(deadline, case_id, idx)) STRICT, WITHOUT ROWID;"
#define DUE1_INDEXES "CREATE INDEX due_caseworker ON due(jobcenter, caseworker, deadline);"
#define DUE1_COLS(R)                                                                            \
    "SELECT " R ".deadline, " R ".case_id, " R ".idx, c.jobcenter, c.caseworker, " R ".rule, " \
    R ".grp, " R ".kind, " R ".benefit, " R ".generation, " R ".window_from, " R ".required, "  \
    R ".counted, " R ".why, " R ".law, " R ".seed"
#define DUE1_ROW(R) DUE1_COLS(R) " FROM cases c WHERE c.id = " R ".case_id"
#define DUE1_WHEN(R) R ".status IN ('open', 'overdue') AND " R ".deadline IS NOT NULL"
#define DUE1_DELETE_OLD                                                                         \
    "DELETE FROM due WHERE " DUE1_WHEN("OLD") " AND deadline = OLD.deadline"                    \
    " AND case_id = OLD.case_id AND idx = OLD.idx;"
#define DUE1_TRIGGERS                                                                           \
    "CREATE TRIGGER due_insert AFTER INSERT ON obligations WHEN " DUE1_WHEN("NEW")              \
    " BEGIN INSERT INTO due " DUE1_ROW("NEW") "; END;"                                          \
    "CREATE TRIGGER due_delete AFTER DELETE ON obligations BEGIN " DUE1_DELETE_OLD " END;"      \
    "CREATE TRIGGER due_update AFTER UPDATE ON obligations BEGIN " DUE1_DELETE_OLD              \
    " INSERT INTO due " DUE1_ROW("NEW") " AND " DUE1_WHEN("NEW") "; END;"                        \
    "CREATE TRIGGER due_case AFTER UPDATE OF jobcenter, caseworker ON cases BEGIN"             \
    " UPDATE due SET jobcenter = NEW.jobcenter, caseworker = NEW.caseworker"                   \
    " WHERE case_id = NEW.id; END;"

/* migrations[i] takes a database from schema version i to i + 1. Never edit
 * one that has shipped: add the next. */
static const char *const migrations[KS_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE cases("
    "  id TEXT PRIMARY KEY,"
    "  jobcenter TEXT NOT NULL,"
    "  caseworker TEXT,"
    "  created_at TEXT NOT NULL) STRICT, WITHOUT ROWID;"
    "CREATE INDEX cases_jobcenter ON cases(jobcenter, caseworker);" /* see bulk_indexes */
    "CREATE TABLE events("
    "  seq INTEGER PRIMARY KEY,"
    "  case_id TEXT NOT NULL REFERENCES cases(id),"
    /* OR, not IN: SQLite builds a temporary table for IN (...) at every insert */
    "  kind TEXT NOT NULL CHECK(kind = 'person' OR kind = 'benefit' OR kind = 'category'"
    "    OR kind = 'conversation' OR kind = 'event' OR kind = 'assign' OR kind = 'correction'),"
    "  body TEXT NOT NULL,"
    "  identity TEXT NOT NULL,"
    "  corrects INTEGER REFERENCES events(seq),"
    "  recorded_at TEXT NOT NULL,"
    "  recorded_by TEXT NOT NULL,"
    "  UNIQUE(case_id, identity),"
    "  CHECK((kind = 'correction') = (corrects IS NOT NULL))) STRICT;"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;"
    "CREATE TABLE obligations("
    "  case_id TEXT NOT NULL,"
    "  idx INTEGER NOT NULL,"
    "  rule TEXT NOT NULL,"
    "  grp TEXT,"
    "  kind TEXT,"
    "  benefit TEXT,"
    "  generation TEXT,"
    "  window_from TEXT,"
    "  deadline TEXT,"
    "  status TEXT NOT NULL,"
    "  required INTEGER,"
    "  counted INTEGER,"
    "  met_on TEXT,"
    "  why TEXT,"
    "  law TEXT,"
    "  seed TEXT,"
    "  PRIMARY KEY(case_id, idx)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX obligations_deadline ON obligations(deadline, grp, status, rule, required, counted);"
    "CREATE TABLE plans("
    "  case_id TEXT PRIMARY KEY,"
    "  as_of TEXT NOT NULL,"
    "  computed_at TEXT NOT NULL,"
    "  valid_until TEXT NOT NULL,"
    "  plan_json TEXT) STRICT, WITHOUT ROWID;"
    "CREATE INDEX plans_valid_until ON plans(valid_until);"
    "CREATE TABLE tokens("
    "  id INTEGER PRIMARY KEY,"
    "  hash TEXT UNIQUE NOT NULL,"
    "  jobcenter TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('caseworker','manager','auditor')),"
    "  created_at TEXT NOT NULL,"
    "  revoked_at TEXT) STRICT;"
    "CREATE TABLE access_log("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  jobcenter TEXT,"
    "  case_id TEXT,"
    "  action TEXT NOT NULL) STRICT;"
    "CREATE INDEX access_log_case ON access_log(case_id, seq);"
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the access log is append-only'); END;"
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the access log is append-only'); END;"
    DUE1_TABLE DUE1_INDEXES DUE1_TRIGGERS
    "INSERT INTO meta(key, value) VALUES ('application', 'kontakt');",
    /* 1 -> 2: obligations keep the facts of their `why`, not its text, nor
     * the rule's source: both come from the catalogue when read
     * (kt_obligation_why), which made each row half as wide (an import of
     * 1,000,000 cases wrote 2 GB of them) and the worklist's text follow the
     * day it is read. Every plan is then computed again (the new columns'
     * values) and the index by deadline made anew (migration_after). */
    "DROP TRIGGER due_insert; DROP TRIGGER due_delete; DROP TRIGGER due_update;"
    "DROP TRIGGER due_case; DROP TABLE due; DROP INDEX obligations_deadline;"
    /* a rowid table now: SQLite builds an index from one about a fifth
     * faster than from a WITHOUT ROWID table, and a bulk import builds
     * obligations_by_deadline over millions of rows */
    "CREATE TABLE obligations2("
    "  case_id TEXT NOT NULL, idx INTEGER NOT NULL, rule TEXT NOT NULL, grp TEXT, kind TEXT,"
    "  benefit TEXT, generation TEXT, window_from TEXT, deadline TEXT, status TEXT NOT NULL,"
    "  required INTEGER, counted INTEGER, met_on TEXT,"
    "  exempt TEXT, stopped INTEGER NOT NULL DEFAULT 0, beyond INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(case_id, idx)) STRICT;"
    "INSERT INTO obligations2(case_id, idx, rule, grp, kind, benefit, generation, window_from,"
    "  deadline, status, required, counted, met_on)"
    " SELECT case_id, idx, rule, grp, kind, benefit, generation, window_from, deadline, status,"
    "  required, counted, met_on FROM obligations ORDER BY case_id, idx;"
    "DROP TABLE obligations;"
    "ALTER TABLE obligations2 RENAME TO obligations;",
    /* 2 -> 3: what the population measures (quota.c) read of an obligation:
     * its quota holder (KT_HOLDER_*, NULL for an ordinary duty), whether it
     * is provisional, and the a-kasse of the dagpenge period in force on its
     * deadline. Appended columns (ALTER TABLE keeps the rows where they are);
     * every plan is computed again to fill them (migration_after). */
    "ALTER TABLE obligations ADD COLUMN quota INTEGER;"
    "ALTER TABLE obligations ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE obligations ADD COLUMN a_kasse TEXT;",
    /* ---- 3 -> 4 (issue 11) ----------------------------------------------
     * Points 1 and 3: `idempotency`:
     * the answers of POSTs sent with an Idempotency-Key, per scope (the
     * jobcentre and token), kept at least 24 hours (ks_idem_put purges
     * those older than 48). `import_stage`: the lines of an import into a
     * store in use, staged in short transactions and then applied in short
     * batches; meta 'import_applying' marks the point after which the
     * import is rolled forward by the next open if it was killed
     * (docs/store.md, "Import into a store in use"). */
    "CREATE TABLE idempotency("
    "  scope TEXT NOT NULL, key TEXT NOT NULL, request TEXT NOT NULL,"
    "  status INTEGER NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL,"
    "  PRIMARY KEY(scope, key)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX idempotency_created ON idempotency(created_at);"
    "CREATE TABLE import_stage("
    "  n INTEGER PRIMARY KEY, line INTEGER NOT NULL, text TEXT NOT NULL) STRICT;"
    /* Point 0, plans that stay current: plans.valid_until is now the engine's kt_plan_valid_until (the last
     * day before a fact of the case can change the plan), and plans list
     * the periods that start later (kt_plan_options.ahead). Every stored
     * plan is marked expired (valid_until = as_of); the replan below
     * (migration_after) computes it again with its valid_until.
     * plans_valid_until now holds as_of too, so that counting the
     * stale plans and their oldest day (ks_stale_plans) reads the index
     * only. plans_as_of: a refresh for an earlier day finds the plans
     * computed for a later one by index. */
    "DROP INDEX plans_valid_until;"
    "UPDATE plans SET valid_until = as_of WHERE valid_until > as_of;"
    "CREATE INDEX plans_valid_until ON plans(valid_until, as_of);"
    "CREATE INDEX plans_as_of ON plans(as_of);"
    /* Issue 12, the worklist: the last day of the obligation's course
     * (kt_plan_course_end) as known when the plan was computed, NULL while
     * the course runs with no end known: the worklist leaves out the
     * obligations of a course that has ended (history: reports only). And
     * the case's jobcentre and caseworker, written with each row (and
     * following the case's by the trigger), so the worklist filters and
     * counts from the index alone, without looking up each row's case. The
     * index holds them, course_end, quota and provisional (migration_after).
     * Every plan is computed again (which also fills valid_until). */
    "ALTER TABLE obligations ADD COLUMN course_end TEXT; ALTER TABLE obligations ADD COLUMN"
    " jobcenter TEXT; ALTER TABLE obligations ADD COLUMN caseworker TEXT;"
    " DROP INDEX IF EXISTS obligations_by_deadline; CREATE TRIGGER obligations_follow_case"
    " AFTER UPDATE OF jobcenter, caseworker ON cases BEGIN UPDATE obligations SET jobcenter ="
    " NEW.jobcenter, caseworker = NEW.caseworker WHERE case_id = NEW.id; END;",
    /* ---- end of 3 -> 4 ---- */
    /* ---- 4 -> 5 (issue 14, Planlægning) --------------------------------
     * `capacity`: conversation slots a working day, appended events like
     * every change (docs/schedule.md): a caseworker's, or with caseworker
     * NULL the jobcentre's default; weekdays bit 0 Monday .. bit 4 Friday;
     * from_day/to_day NULL = unbounded. The latest event (seq) covering a day
     * wins. Append-only by triggers, as events.
     * `events_booket`: the cases with a `booket` event (a booked
     * conversation, recorded as kind 'event'), so the schedule finds the
     * bookings without reading every event; the case itself, corrections
     * applied, says which are still open. */
    "CREATE TABLE capacity("
    "  seq INTEGER PRIMARY KEY, jobcenter TEXT NOT NULL, caseworker TEXT,"
    "  slots INTEGER NOT NULL CHECK(slots >= 0 AND slots <= 100),"
    "  weekdays INTEGER NOT NULL CHECK(weekdays >= 1 AND weekdays <= 31),"
    "  from_day TEXT, to_day TEXT, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL) STRICT;"
    "CREATE INDEX capacity_by_jobcenter ON capacity(jobcenter, seq);"
    "CREATE TRIGGER capacity_no_update BEFORE UPDATE ON capacity BEGIN"
    "  SELECT RAISE(ABORT, 'capacity is append-only: record a new event instead'); END;"
    "CREATE TRIGGER capacity_no_delete BEFORE DELETE ON capacity BEGIN"
    "  SELECT RAISE(ABORT, 'capacity is append-only: record a new event instead'); END;"
    "CREATE INDEX events_booket ON events(case_id)"
    "  WHERE kind = 'event' AND body LIKE '%\"type\":\"booket\"%';",
    /* ---- end of 4 -> 5 ---- */
    /* ---- 5 -> 6 (issue 14, Planlægning: forms and agenda from the engine) --
     * `forms`: the obligation's kt_obligation.forms, the KT_FORM_* bits of
     * the forms that would count for it on the plan's day (rules.md,
     * "Contact forms", with its exceptions), 0 where it is not a
     * conversation duty. `agenda`: kt_obligation.agenda_next, seed 004's
     * number of its course's next conversation, 0 for none. The schedule
     * reads both (docs/schedule.md). Every plan is computed again to fill
     * them, and the index by deadline made anew with them (migration_after). */
    "ALTER TABLE obligations ADD COLUMN forms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE obligations ADD COLUMN agenda INTEGER NOT NULL DEFAULT 0;"
    "DROP INDEX IF EXISTS obligations_by_deadline;",
    /* ---- end of 5 -> 6 ---- */
};

/* What a migration needs after its SQL: every plan computed again, then
 * more SQL (NULL: nothing). */
static const struct {
    int replan;
    const char *sql;
} migration_after[KS_SCHEMA_VERSION] = {
    {0, NULL},
    {1, OBLIGATIONS_BY_DEADLINE_2},
    {1, NULL},
    {1, "DROP INDEX IF EXISTS obligations_by_deadline;" KS_OBLIGATIONS_OWNER_FIX
            OBLIGATIONS_BY_DEADLINE_4}, /* 3 -> 4 */
    {0, NULL}, /* 4 -> 5 */
    {1, "DROP INDEX IF EXISTS obligations_by_deadline;" OBLIGATIONS_BY_DEADLINE}, /* 5 -> 6 */
};

/* Reads the version; refuses what is not ours (again, now under the lock). */
static int current_version(ks_store *s, long *version, ks_error *err) {
    long app, uv, objects;
    /* SQLite keeps them in the file header (sqlite_only.c) */
    if (!ks_db_sqlite(s->db))
        return ks__fail(err, KS_EDB, "this backend keeps no schema version yet");
    int rc = ks__sqlite_header_version(s, &app, &uv, &objects, err);
    if (rc != KS_OK) return rc;
    if (app != KS_APPLICATION_ID && !(app == 0 && objects == 0))
        return ks__fail(err, KS_EFOREIGN, "not a kontakt database (application_id 0x%08lx)",
                        (unsigned long)app & 0xffffffffUL);
    if (uv > KS_SCHEMA_VERSION)
        return ks__fail(err, KS_EFOREIGN, "schema version %ld is newer than this program's (%d)",
                        uv, KS_SCHEMA_VERSION);
    *version = app == 0 ? 0 : uv;
    return KS_OK;
}

/* Computes every stored plan again, each as of the day it was computed for
 * (a migration's new columns). A case the engine no longer accepts keeps
 * its rows as they were. */
int ks__replan_all(ks_store *s, ks_error *err) {
    ks_q *st;
    if (ks_db_prepare(s->db, "SELECT case_id, as_of FROM plans ORDER BY case_id", &st) != 0)
        return ks__dbfail(s, err, "plans");
    char **ids = NULL;
    kt_date *days = NULL;
    size_t n = 0, cap = 0;
    int r, rc = KS_OK;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **v = realloc(ids, cap * sizeof *v);
            kt_date *d = v ? realloc(days, cap * sizeof *d) : NULL;
            if (v) ids = v;
            if (!v || !d) break;
            days = d;
        }
        const char *as_of = ks_q_text(st, 1);
        if (!as_of || kt_date_parse(as_of, strlen(as_of), &days[n]) != KT_OK) days[n] = KT_NO_DATE;
        if (!(ids[n] = strdup(ks_q_text(st, 0)))) break;
        n++;
    }
    if (r != KS_Q_DONE) rc = r == KS_Q_ROW ? ks__fail(err, KS_ENOMEM, "out of memory")
                                           : ks__dbfail(s, err, "plans");
    ks_q_finalize(st);
    kt_date today = s->today;
    for (size_t i = 0; rc == KS_OK && i < n; i++) {
        s->today = days[i] != KT_NO_DATE ? days[i] : today;
        rc = ks__rebuild(s, ids[i], NULL, NULL, 0, err);
        if (rc == KS_EINVALID) rc = KS_OK;
    }
    s->today = today;
    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    free(days);
    return rc;
}

int ks__schema_usable(ks_store *s, long v, ks_error *err) {
    s->version = (int)v;
    if (v == 0) return ks__fail(err, KS_EFOREIGN, "an empty database: `kontakt db init` first");
    if (v < KS_SCHEMA_VERSION)
        return ks__fail(err, KS_EFOREIGN,
                        "schema version %ld is older than this program's (%d): open it once "
                        "for writing to bring it up to date", v, KS_SCHEMA_VERSION);
    return KS_OK;
}

int ks__migrate(ks_store *s, ks_error *err) {
    long v;
    int rc = current_version(s, &v, err);
    if (rc != KS_OK) return rc;
    if (v == KS_SCHEMA_VERSION || (s->flags & KS_OPEN_READONLY)) return ks__schema_usable(s, v, err);
    rc = ks__exec(s, ks__begin_write_sql(s), err);
    if (rc != KS_OK) return rc;
    s->in_tx = 1;
    rc = current_version(s, &v, err); /* another process may have migrated meanwhile */
    /* Every migration's SQL first, then one replan if any asks for it (the
     * plans are written in the newest schema's columns), then what comes
     * after (indexes, built once over the new rows). */
    int replan = 0;
    for (long i = v; rc == KS_OK && i < KS_SCHEMA_VERSION; i++) {
        rc = ks__exec(s, migrations[i], err);
        replan |= migration_after[i].replan;
    }
    if (rc == KS_OK && replan) rc = ks__replan_all(s, err);
    for (long i = v; rc == KS_OK && i < KS_SCHEMA_VERSION; i++)
        if (migration_after[i].sql) rc = ks__exec(s, migration_after[i].sql, err);
    if (rc == KS_OK && v < KS_SCHEMA_VERSION) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta(key, value) VALUES ('schema_version', '%d') "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value;", KS_SCHEMA_VERSION);
        rc = ks__sqlite_stamp_version(s, err);
        if (rc == KS_OK) rc = ks__exec(s, sql, err);
    }
    if (rc == KS_OK) rc = ks__exec(s, "COMMIT", err);
    s->in_tx = 0;
    for (int i = 0; i < ST_COUNT; i++) { /* made while the schema changed */
        ks_q_finalize(s->st[i]);
        s->st[i] = NULL;
    }
    if (rc != KS_OK) {
        ks_db_exec(s->db, "ROLLBACK");
        return rc;
    }
    s->version = KS_SCHEMA_VERSION;
    return KS_OK;
}

/* The secondary indexes a bulk import into an empty store drops and builds
 * again at its end, in the same transaction (docs/store.md, "Import"): a
 * sorted build instead of millions of random inserts. Same definitions as
 * in the migrations above. */
static const char bulk_drop[] =
    "DROP INDEX cases_jobcenter; DROP INDEX obligations_by_deadline; DROP INDEX plans_valid_until;"
    "DROP INDEX plans_as_of;";
#define BULK_SMALL                                                                             \
    "CREATE INDEX cases_jobcenter ON cases(jobcenter, caseworker);"                            \
    "CREATE INDEX plans_valid_until ON plans(valid_until, as_of);"                            \
    "CREATE INDEX plans_as_of ON plans(as_of);"
static const char bulk_create[] = BULK_SMALL OBLIGATIONS_BY_DEADLINE;

const char ks__obligations_index_sql[] = OBLIGATIONS_BY_DEADLINE;

int ks__bulk_indexes_small(ks_store *s, ks_error *err) { return ks__exec(s, BULK_SMALL, err); }

int ks__bulk_indexes(ks_store *s, int create, ks_error *err) {
    return ks__exec(s, create ? bulk_create : bulk_drop, err);
}
