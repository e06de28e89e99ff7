/* test_store.c -- the case store: migrations, refusing foreign files,
 * import (idempotent, all or nothing), record, corrections, time travel,
 * tokens, append-only events, two writers of one case.
 *
 * Run on SQLite (a file per test) and, when KONTAKT_TEST_PG names a
 * PostgreSQL cluster (tests/pg-lib.sh; make test sets it), again on
 * PostgreSQL, each test in a database of its own (CREATE DATABASE through a
 * maintenance connection, DROP after). What looks at SQLite's file itself
 * (its header, sqlite_master, staged imports) has a PostgreSQL twin or is
 * SQLite-only, said where. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "kontakt_store.h"

#include <sqlite3.h>
#ifdef KS_HAVE_PG
#include <libpq-fe.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char path[512]; /* the store target: a file, or a postgresql:// URI */
static int pg;         /* the PostgreSQL run */
static const char *pg_admin; /* KONTAKT_TEST_PG: a maintenance connection's URI */
static char pg_names[4][64]; /* the databases of this test */
static int pg_n;

#ifdef KS_HAVE_PG
static int pg_admin_exec(const char *sql) {
    PGconn *c = PQconnectdb(pg_admin);
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}
#endif

/* A new empty store target into out: a file in dir, or a new database. */
static int new_target(char *out, size_t n, const char *name) {
    if (!pg) {
        snprintf(out, n, "%s/%s.db", dir, name);
        return 0;
    }
#ifdef KS_HAVE_PG
    if (pg_n == 4) return -1;
    static unsigned serial;
    char *db = pg_names[pg_n];
    snprintf(db, sizeof pg_names[0], "kt_test_store_%ld_%u", (long)getpid(), ++serial & 0xffffu);
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
    if (pg_admin_exec(sql) != 0) return -1;
    pg_n++;
    const char *slash = strrchr(pg_admin, '/');
    snprintf(out, n, "%.*s/%s", (int)(slash - pg_admin), pg_admin, db);
    return 0;
#else
    return -1;
#endif
}

static int setup(void **st) {
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/kontakt-test-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    pg_n = 0;
    return new_target(path, sizeof path, "store");
}

static int teardown(void **st) {
    (void)st;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    int rc = system(cmd) == 0 ? 0 : -1;
#ifdef KS_HAVE_PG
    for (int i = 0; i < pg_n; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.63s WITH (FORCE)", pg_names[i]);
        pg_admin_exec(sql);
    }
#endif
    pg_n = 0;
    return rc;
}

static const char case1[] =
    "{\"id\":\"c1\",\"jobcenter\":\"jc\",\"caseworker\":\"cw-1\","
    "\"person\":{\"birth_date\":\"1985-06-15\",\"youth_education\":true,\"vocational_education\":true},"
    "\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2024-01-08\","
    "\"categories\":[{\"from\":\"2024-01-08\",\"category\":\"jobparat\"}]}],"
    "\"conversations\":[{\"date\":\"2024-01-10\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}],"
    "\"events\":[]}\n";

static const char case2[] =
    "{\"id\":\"c2\",\"jobcenter\":\"jc\","
    "\"person\":{\"birth_date\":\"1990-01-01\"},"
    "\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2024-02-01\"}]}\n";

static ks_store *open_new(void) {
    ks_store *s = NULL;
    ks_error e = {0};
    int rc = ks_open(path, KS_OPEN_CREATE, &s, &e);
    if (rc != KS_OK) fprintf(stderr, "ks_open: %s\n", e.message);
    assert_int_equal(rc, KS_OK);
    ks_set_today(s, D("2024-06-01"));
    ks_set_actor(s, "tester");
    return s;
}

static int problems;
static long last_line;
static void count_problem(void *ctx, long line, const char *pointer, const char *message,
                          const char *expected, int column) {
    (void)ctx, (void)pointer, (void)message, (void)expected, (void)column;
    problems++;
    last_line = line;
}

static int import_text(ks_store *s, const char *text, ks_format fmt, ks_import_result *res) {
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    ks_import_options o = {fmt, NULL};
    ks_error e = {0};
    problems = 0;
    int rc = ks_import(s, f, &o, count_problem, NULL, res, &e);
    fclose(f);
    return rc;
}

/* The first column of the first row of sql on target t, as text (into a
 * static buffer). */
static const char *text_of(const char *t, const char *sql) {
    static char buf[65536];
    buf[0] = '\0';
#ifdef KS_HAVE_PG
    if (pg) {
        PGconn *c = PQconnectdb(t);
        PGresult *r = PQexec(c, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        assert_true(PQntuples(r) > 0);
        snprintf(buf, sizeof buf, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
        return buf;
    }
#endif
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(t, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *v = sqlite3_column_text(st, 0);
    snprintf(buf, sizeof buf, "%s", v ? (const char *)v : "");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

static long count(const char *sql) {
    if (pg) return atol(text_of(path, sql));
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* SQLITE_OK (0) if the statements ran, else non-zero. */
static int exec_rw(const char *sql) {
#ifdef KS_HAVE_PG
    if (pg) {
        PGconn *c = PQconnectdb(path);
        PGresult *r = PQexec(c, sql);
        int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? SQLITE_OK : SQLITE_ERROR;
        PQclear(r);
        PQfinish(c);
        return rc;
    }
#endif
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static char *slurp(const char *p, size_t *n) {
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *b = malloc(1 << 20);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_open_migrates(void **st) {
    (void)st;
    ks_store *s = open_new();
    assert_int_equal(ks_schema_version(s), KS_SCHEMA_VERSION);
    ks_close(s);
    if (pg) { /* the schema made in the empty database (schema_pg.c) */
        assert_int_equal(count("SELECT value FROM meta WHERE key = 'schema_version'"), KS_SCHEMA_VERSION);
        assert_int_equal(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), 10); /* 5: capacity */
        assert_int_equal(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'obligations_by_deadline'"), 1);
        assert_int_equal(count("SELECT count(*) FROM pg_policies"), 7);
        s = open_new(); /* again: nothing to make */
        assert_int_equal(ks_schema_version(s), KS_SCHEMA_VERSION);
        ks_close(s);
        /* a database that does not exist is not made */
        ks_error e = {0};
        char other[600];
        snprintf(other, sizeof other, "%.*s/kt_test_none", (int)(strrchr(path, '/') - path), path);
        assert_int_not_equal(ks_open(other, KS_OPEN_CREATE, &s, &e), KS_OK);
        assert_null(s);
        return;
    }
    assert_int_equal(count("PRAGMA application_id"), KS_APPLICATION_ID);
    assert_int_equal(count("PRAGMA user_version"), KS_SCHEMA_VERSION);
    assert_int_equal(count("SELECT value FROM meta WHERE key = 'schema_version'"), KS_SCHEMA_VERSION);
    /* meta, cases, events, obligations, plans, tokens, access_log,
     * idempotency, import_stage, capacity (schema 5) */
    assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%STRICT%'"), 10);
    /* schema 2: one covering index by deadline, not schema 1's table `due` */
    assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE name = 'due'"), 0);
    assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE name = 'obligations_by_deadline'"), 1);
    s = open_new(); /* again: nothing to migrate */
    ks_close(s);
    /* without KS_OPEN_CREATE a missing file is not made */
    ks_error e = {0};
    char other[160];
    snprintf(other, sizeof other, "%s/none.db", dir);
    assert_int_equal(ks_open(other, 0, &s, &e), KS_ENOTFOUND);
    assert_int_equal(access(other, F_OK), -1);
}

static void test_refuses_foreign_newer_and_garbage(void **st) {
    (void)st;
    ks_error e = {0};
    ks_store *s = NULL;
    if (pg) { /* PostgreSQL: another program's tables; a newer schema in meta */
        assert_int_equal(exec_rw("CREATE TABLE t(x integer); INSERT INTO t VALUES (1);"), SQLITE_OK);
        assert_int_equal(ks_open(path, KS_OPEN_CREATE, &s, &e), KS_EFOREIGN);
        assert_null(s);
        assert_non_null(strstr(e.message, "not a kontakt database"));
        assert_int_equal(count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), 1);
        assert_int_equal(exec_rw("DROP TABLE t"), SQLITE_OK);
        s = open_new();
        ks_close(s);
        assert_int_equal(exec_rw("UPDATE meta SET value = '99' WHERE key = 'schema_version'"), SQLITE_OK);
        assert_int_equal(ks_open(path, 0, &s, &e), KS_EFOREIGN);
        assert_non_null(strstr(e.message, "newer"));
        assert_int_equal(count("SELECT value FROM meta WHERE key = 'schema_version'"), 99);
        return;
    }
    /* another program's SQLite database */
    assert_int_equal(exec_rw("CREATE TABLE t(x); INSERT INTO t VALUES (1);"), SQLITE_OK);
    size_t n1, n2;
    char *before = slurp(path, &n1);
    assert_int_equal(ks_open(path, KS_OPEN_CREATE, &s, &e), KS_EFOREIGN);
    assert_null(s);
    assert_non_null(strstr(e.message, "another program"));
    char *after = slurp(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
    unlink(path);
    /* not a database at all */
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 200; i++) fputs("this is not a database, it is text. ", f);
    fclose(f);
    before = slurp(path, &n1);
    assert_int_equal(ks_open(path, KS_OPEN_CREATE, &s, &e), KS_EFOREIGN);
    after = slurp(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
    unlink(path);
    /* a kontakt database from a newer program */
    s = open_new();
    ks_close(s);
    assert_int_equal(exec_rw("PRAGMA user_version = 99"), SQLITE_OK);
    assert_int_equal(ks_open(path, 0, &s, &e), KS_EFOREIGN);
    assert_non_null(strstr(e.message, "newer"));
    assert_int_equal(count("PRAGMA user_version"), 99);
}

static void test_import_idempotent_and_corrections(void **st) {
    (void)st;
    ks_store *s = open_new();
    char text[2048];
    snprintf(text, sizeof text, "%s%s", case1, case2);
    ks_import_result r;
    assert_int_equal(import_text(s, text, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(r.cases_new, 2);
    long events = count("SELECT count(*) FROM events");
    assert_int_equal(events, 5);
    assert_true(count("SELECT count(*) FROM obligations WHERE case_id = 'c1'") > 0);
    assert_int_equal(count("SELECT count(*) FROM plans"), 2);
    /* again: nothing new */
    assert_int_equal(import_text(s, text, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(r.events, 0);
    assert_int_equal(r.cases_new, 0);
    assert_int_equal(count("SELECT count(*) FROM events"), events);
    /* the benefit ended and the person changed: two corrections */
    const char *changed =
        "{\"id\":\"c2\",\"jobcenter\":\"jc\",\"person\":{\"birth_date\":\"1990-01-02\"},"
        "\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2024-02-01\",\"to\":\"2024-04-30\"}]}\n";
    assert_int_equal(import_text(s, changed, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(r.corrections, 2);
    assert_int_equal(count("SELECT count(*) FROM events WHERE kind = 'correction'"), 2);
    char *json = NULL;
    ks_error e = {0};
    assert_int_equal(ks_case_json(s, "c2", NULL, &json, &e), KS_OK);
    assert_non_null(strstr(json, "\"to\": \"2024-04-30\"") ? json : strstr(json, "\"to\":\"2024-04-30\""));
    assert_non_null(strstr(json, "1990-01-02"));
    free(json);
    assert_int_equal(import_text(s, changed, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(r.events, 0);
    ks_close(s);
}

static void test_invalid_import_writes_nothing(void **st) {
    (void)st;
    ks_store *s = open_new();
    char text[4096];
    snprintf(text, sizeof text,
             "%s{\"id\":\"bad\",\"jobcenter\":\"jc\",\"person\":{\"birth_date\":\"1990-02-30\"},"
             "\"benefits\":[{\"benefit\":\"kontanthjalp\",\"from\":\"2024-01-01\"}]}\n%s"
             "{\"id\":\"trunc\",\"jobcenter\":\"jc\",\"person\":{\"birth",
             case1, case2);
    ks_import_result r;
    assert_int_equal(import_text(s, text, KS_FORMAT_NDJSON, &r), KS_EINVALID);
    assert_int_equal(r.invalid, 2);
    assert_true(problems >= 3); /* impossible date, unknown benefit, broken JSON */
    assert_int_equal(last_line, 4);
    assert_int_equal(count("SELECT count(*) FROM cases"), 0);
    assert_int_equal(count("SELECT count(*) FROM events"), 0);
    assert_int_equal(count("SELECT count(*) FROM obligations"), 0);
    /* the indexes a bulk import into an empty store drops are back (10: with
     * the UNIQUE(case_id, idx) of obligations, a rowid table in schema 2,
     * and schema 4's idempotency_created and plans_as_of; 12: schema 5's
     * capacity_by_jobcenter and events_booket). SQLite's bulk import only:
     * PostgreSQL's import drops nothing */
    if (!pg) {
        assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE type = 'index'"), 12);
        /* 5: schema 4 added obligations_follow_case; 7: schema 5 capacity's two */
        assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), 7);
        assert_int_equal(count("SELECT count(*) FROM sqlite_master WHERE name = 'obligations_by_deadline'"), 1);
    }
    /* a line without a jobcentre and no default */
    assert_int_equal(import_text(s, "{\"id\":\"x\",\"person\":{\"birth_date\":\"1990-01-01\"},"
                                    "\"benefits\":[]}\n", KS_FORMAT_NDJSON, &r),
                     KS_EINVALID);
    /* CSV with the wrong columns */
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(import_text(s, "case_id,date,holder,form\nc1,2024-02-01,jobcenter,telefon\n",
                                 KS_FORMAT_CSV, &r),
                     KS_EINVALID);
    /* a CSV row for an unknown case, and one with a bad form */
    assert_int_equal(import_text(s, "case_id,date,holder,form,held,topics\n"
                                    "nope,2024-02-01,jobcenter,telefon,,\n"
                                    "c1,2024-02-01,jobcenter,fax,,\n",
                                 KS_FORMAT_CSV, &r),
                     KS_EINVALID);
    assert_int_equal(r.invalid, 2);
    assert_int_equal(count("SELECT count(*) FROM events WHERE case_id = 'c1'"), 3);
    /* a good CSV, twice */
    const char *csv = "case_id,date,holder,form,held,topics\n"
                      "c1,2024-02-01,jobcenter,fremmoede,true,225_timers_reglen;laese_skrive_regnetest\n"
                      "c1,2024-03-01,jobcenter,telefon,false,\n";
    assert_int_equal(import_text(s, csv, KS_FORMAT_CSV, &r), KS_OK);
    assert_int_equal(r.events, 2);
    assert_int_equal(import_text(s, csv, KS_FORMAT_CSV, &r), KS_OK);
    assert_int_equal(r.events, 0);
    ks_close(s);
}

static void test_record_correct_time_travel(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_set_now(s, "2024-05-01T10:00:00.000Z");
    ks_import_result r;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    ks_set_now(s, "2024-05-02T10:00:00.000Z");
    ks_error e = {0};
    long seq = 0;
    problems = 0;
    assert_int_equal(ks_record(s, "c1", KS_CONVERSATION,
                               "{\"date\":\"2024-02-05\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}",
                               count_problem, NULL, &seq, &e),
                     KS_OK);
    assert_true(seq > 0);
    /* an invalid record is refused and writes nothing */
    long events = count("SELECT count(*) FROM events");
    assert_int_equal(ks_record(s, "c1", KS_CONVERSATION,
                               "{\"date\":\"2024-02-05\",\"holder\":\"jobcentre\",\"form\":\"fremmoede\"}",
                               count_problem, NULL, NULL, &e),
                     KS_EINVALID);
    assert_int_equal(problems, 1);
    assert_int_equal(ks_record(s, "nope", KS_CONVERSATION, "{}", NULL, NULL, NULL, &e), KS_ENOTFOUND);
    assert_int_equal(count("SELECT count(*) FROM events"), events);
    /* the same conversation again is already recorded: nothing is written,
     * and the answer names the event the case has (issue 11, point 1) */
    long seq2 = 0;
    int already = 0;
    events = count("SELECT count(*) FROM events");
    long logged = count("SELECT count(*) FROM access_log");
    ks_log_next_write(s, "tester", NULL, "c1", "record", 1);
    assert_int_equal(ks_record_ex(s, "c1", KS_CONVERSATION,
                                  "{\"form\":\"fremmoede\",\"holder\":\"jobcenter\",\"date\":\"2024-02-05\"}",
                                  NULL, NULL, &seq2, &already, &e),
                     KS_OK);
    assert_int_equal(already, 1);
    assert_int_equal(seq2, seq);
    assert_int_equal(count("SELECT count(*) FROM events"), events);
    /* ... but the access is logged, with the case's jobcentre */
    assert_int_equal(count("SELECT count(*) FROM access_log"), logged + 1);
    assert_int_equal(count("SELECT count(*) FROM access_log WHERE action LIKE 'record:already %' "
                           "AND jobcenter IS NOT NULL AND case_id = 'c1'"), 1);
    /* a conversation that differs in any member is another one: a second
     * no-show the same day is told apart by its time */
    assert_int_equal(ks_record_ex(s, "c1", KS_CONVERSATION,
                                  "{\"date\":\"2024-02-05\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\",\"time\":\"14:00\"}",
                                  NULL, NULL, &seq2, &already, &e),
                     KS_OK);
    assert_int_equal(already, 0);
    assert_true(seq2 > seq);
    assert_int_equal(count("SELECT count(*) FROM events"), events + 1);
    /* a failed write writes no log row either, and leaves none pending */
    ks_log_next_write(s, "tester", NULL, "c1", "record", 0);
    assert_int_equal(ks_record(s, "c1", KS_CONVERSATION, "{\"date\":\"x\"}", NULL, NULL, NULL, &e),
                     KS_EINVALID);
    assert_int_equal(count("SELECT count(*) FROM access_log"), logged + 1);
    /* a category change lands in its period */
    assert_int_equal(ks_record(s, "c1", KS_CATEGORY,
                               "{\"from\":\"2024-03-01\",\"category\":\"aktivitetsparat\"}", NULL,
                               NULL, NULL, &e),
                     KS_OK);
    char *json = NULL;
    assert_int_equal(ks_case_json(s, "c1", NULL, &json, &e), KS_OK);
    assert_non_null(strstr(json, "aktivitetsparat"));
    free(json);
    /* retract the second one */
    ks_set_now(s, "2024-05-03T10:00:00.000Z");
    long cseq = 0;
    assert_int_equal(ks_correct(s, "c1", seq2, NULL, NULL, NULL, &cseq, &e), KS_OK);
    assert_int_equal(count("SELECT count(*) FROM events WHERE kind = 'correction'"), 1);
    /* replace the first: another date */
    assert_int_equal(ks_correct(s, "c1", seq,
                                "{\"date\":\"2024-02-06\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}",
                                NULL, NULL, NULL, &e),
                     KS_OK);
    assert_int_equal(ks_case_json(s, "c1", NULL, &json, &e), KS_OK);
    assert_null(strstr(json, "2024-02-05"));
    assert_non_null(strstr(json, "2024-02-06"));
    free(json);
    /* a correction of an event of another case is refused */
    assert_int_equal(ks_correct(s, "c1", 999, NULL, NULL, NULL, NULL, &e), KS_ENOTFOUND);
    /* time travel */
    assert_int_equal(ks_case_json(s, "c1", "2024-05-01T12:00:00.000Z", &json, &e), KS_OK);
    assert_null(strstr(json, "2024-02-05"));
    free(json);
    assert_int_equal(ks_case_json(s, "c1", "2024-05-02T12:00:00.000Z", &json, &e), KS_OK);
    char *first = strstr(json, "2024-02-05");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "2024-02-05")); /* both, before the retraction */
    free(json);
    assert_int_equal(ks_case_json(s, "c1", "2024-04-30T00:00:00.000Z", &json, &e), KS_ENOTFOUND);
    /* the plan follows */
    char *plan = NULL;
    assert_int_equal(ks_plan_json(s, "c1", NULL, KT_NO_DATE, &plan, &e), KS_OK);
    assert_non_null(strstr(plan, "\"obligations\""));
    free(plan);
    char stamp[25];
    assert_int_equal(ks_timestamp_parse("2024-05-02", stamp), KS_OK);
    assert_string_equal(stamp, "2024-05-02T23:59:59.999Z");
    assert_int_equal(ks_timestamp_parse("2024-05-02T10:11Z", stamp), KS_OK);
    assert_string_equal(stamp, "2024-05-02T10:11:00.000Z");
    assert_int_equal(ks_timestamp_parse("2024-05-02T25:00", stamp), KS_EINVALID);
    ks_close(s);
}

static void test_refresh(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_import_result r;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    long n = -1;
    ks_error e = {0};
    assert_int_equal(ks_refresh(s, D("2024-06-02"), &n, &e), KS_OK);
    assert_int_equal(n, 0); /* still valid */
    assert_int_equal(ks_refresh(s, D("2024-09-01"), &n, &e), KS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(count("SELECT count(*) FROM plans WHERE as_of = '2024-09-01'"), 1);
    ks_close(s);
}

static void test_tokens(void **st) {
    (void)st;
    ks_store *s = open_new();
    char token[KS_TOKEN_LEN + 1];
    long id = 0;
    ks_error e = {0};
    assert_int_equal(ks_token_create(s, "jc-1", KS_ROLE_MANAGER, token, &id, &e), KS_OK);
    assert_int_equal(strlen(token), KS_TOKEN_LEN);
    assert_int_equal(count("SELECT count(*) FROM tokens WHERE hash LIKE 'kt_%'"), 0);
    ks_token_info info;
    assert_int_equal(ks_token_check(s, token, &info, &e), KS_OK);
    assert_int_equal(info.id, id);
    assert_string_equal(info.jobcenter, "jc-1");
    assert_int_equal(info.role, KS_ROLE_MANAGER);
    token[5] ^= 1;
    assert_int_equal(ks_token_check(s, token, &info, &e), KS_EDENIED);
    token[5] ^= 1;
    assert_int_equal(ks_token_revoke(s, id, &e), KS_OK);
    assert_int_equal(ks_token_check(s, token, &info, &e), KS_EDENIED);
    assert_int_equal(ks_token_revoke(s, 12345, &e), KS_ENOTFOUND);
    assert_int_equal(ks_token_create(s, "jc-1", (ks_role)7, token, &id, &e), KS_EINVALID);
    char hex[65];
    ks_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(ks_access_log_append(s, "tester", "jc-1", "c1", "show", &e), KS_OK);
    ks_close(s);
    assert_int_equal(count("SELECT count(*) FROM access_log"), 1);
    assert_int_not_equal(exec_rw("DELETE FROM access_log"), SQLITE_OK);
}

/* ---- the 75 % measure (ks_report_quota) -------------------------------------------- */

/* A caseload of g2026 dagpenge courses, every one S = 2026-08-03 unless said
 * (rules.md: dp.a_kasse_75 [S, addMonths(S,3)-1] = [08-03, 11-02], 2 a-kasse
 * conversations; dp.kommune_75 [addMonths(S,3), addMonths(S,6)-1] = [11-03,
 * 2027-02-02], 2 jobcentre conversations). The report's day is 2027-06-15.
 *   d1 ak-1/jc-A: both held in time                 -> a-kasse met, kommune met
 *   d2 ak-1/jc-A: 2nd of each after the deadline    -> late, late
 *   d3 ak-1/jc-A: nothing held                      -> overdue, overdue
 *   d4 ak-1/jc-A: dagpenge end 2026-09-30           -> lapsed, lapsed (left out)
 *   d5 ak-1/jc-A: fritaget mindre_intensiv from 08-04 (stops the clock, no end):
 *                 exempt, no deadline (left out); and a row added by hand below:
 *                 exempt.barsel with its deadline 2026-11-15 (left out)
 *   d6 ak-1/jc-A: judgements of both holders 08-05  -> undtaget, undtaget
 *   d7 ak-1/jc-A: a-kasse judgement 08-05 revoked 09-01 (`to`): ordinary
 *                 status, nothing held              -> overdue, overdue
 *   d8 (no a-kasse)/jc-A, then its case's jobcentre cleared by hand: a-kasse
 *                 conversations held                -> ukendt met; kommune ukendt overdue
 *   d9 ak-1/jc-A S 2026-07-06: a-kasse held (due 2026-10-05) -> met in October;
 *                 kommune due 2027-01-05, nothing   -> overdue in January
 *   e0-e6 ak-2/jc-B: a-kasse held -> met (7); e7-e9: a-kasse judgement -> 3
 *                 undtaget; none has jobcentre conversations -> 10 kommune overdue
 * By hand:
 *   a_kasse ak-1 2026-10: d9             cohort 1 held 1                  share 1
 *   a_kasse ak-1 2026-11: d1 d2 d3 d6 d7 cohort 5 held 1 undt 1 late 1 overdue 2,
 *                 share 0.2 (under 10: not judged; undtaget 1/5 = 0.2: no flag)
 *   rolling ak-1 2026-11 (06..11): 6, 2, 1, 1, 2, share 1/3
 *   a_kasse ak-2 2026-11: cohort 10 held 7 undt 3: 0.7 < 0.75 with 10 -> under_75;
 *                 3/10 > 0.25 -> undtaget_over_25; rolling the same
 *   a_kasse ukendt 2026-11: d8 cohort 1 held 1
 *   kommune jc-A 2027-01 (group dp and the sum): d9 cohort 1 overdue 1, share 0
 *   kommune jc-A 2027-02: d1 d2 d3 d6 d7: 5, held 1, undt 1, late 1, overdue 2;
 *                 rolling (2026-09..2027-02) adds January: 6, 1, 1, 1, 3
 *   kommune jc-B 2027-02: 10 overdue, held 0 -> under_75
 *   kommune ukendt 2027-02: d8 1 overdue */
#define QP "{\"birth_date\":\"1980-01-01\",\"youth_education\":true,\"vocational_education\":true}"
#define QCV "{\"type\":\"cv_oprettet\",\"date\":\"2026-08-05\"}"
static const char quota_cases[] =
    "{\"id\":\"d1\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-11-20\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"},{\"date\":\"2027-01-10\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"d2\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-11-20\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-11-21\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"},{\"date\":\"2027-02-20\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"d3\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[],\"events\":[" QCV "]}\n"
    "{\"id\":\"d4\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\",\"to\":\"2026-09-30\"}],\"conversations\":[],\"events\":[" QCV "]}\n"
    "{\"id\":\"d5\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[],\"events\":[{\"type\":\"fritaget\",\"reason\":\"mindre_intensiv\",\"from\":\"2026-08-04\"}," QCV "]}\n"
    "{\"id\":\"d6\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[],\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"a_kasse\",\"date\":\"2026-08-05\"},{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"jobcenter\",\"date\":\"2026-08-05\"}," QCV "]}\n"
    "{\"id\":\"d7\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-1\"}],\"conversations\":[],\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"a_kasse\",\"date\":\"2026-08-05\",\"to\":\"2026-09-01\"}," QCV "]}\n"
    "{\"id\":\"d8\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"d9\",\"jobcenter\":\"jc-A\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-07-06\",\"a_kasse\":\"ak-1\"}],\"conversations\":[{\"date\":\"2026-07-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-09-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e0\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e1\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e2\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e3\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e4\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e5\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e6\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"date\":\"2026-10-05\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],\"events\":[" QCV "]}\n"
    "{\"id\":\"e7\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[],\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"a_kasse\",\"date\":\"2026-08-05\"}," QCV "]}\n"
    "{\"id\":\"e8\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[],\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"a_kasse\",\"date\":\"2026-08-05\"}," QCV "]}\n"
    "{\"id\":\"e9\",\"jobcenter\":\"jc-B\",\"person\":" QP ",\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"a_kasse\":\"ak-2\"}],\"conversations\":[],\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"holder\":\"a_kasse\",\"date\":\"2026-08-05\"}," QCV "]}\n"
    ;

static int quota_line(void *ctx, const ks_quota_row *r) {
    char *buf = ctx, line[256], flags[64] = "";
    const char *f[2];
    size_t nf = ks_quota_flag_names(r, f);
    for (size_t i = 0; i < nf; i++)
        snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "%s%s", i ? ";" : "", f[i]);
    char share[16] = "null";
    if (r->share >= 0) snprintf(share, sizeof share, "%.3f", r->share);
    snprintf(line, sizeof line, "%s %s %s %s %s %ld %ld %ld %ld %ld %s %s%s\n", r->measure,
             r->population, r->unit, r->group ? r->group : "-", r->month, r->cohort, r->held,
             r->undtaget, r->late, r->overdue, share, flags, r->provisional ? "" : " (final)");
    strncat(buf, line, 8192 - strlen(buf) - 1);
    return 0;
}

static void test_quota_report(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_set_today(s, D("2027-06-15"));
    ks_import_result r;
    assert_int_equal(import_text(s, quota_cases, KS_FORMAT_NDJSON, &r), KS_OK);
    assert_int_equal(r.cases_new, 19);
    ks_close(s);
    /* what an import cannot make: an exemption of another reason with its
     * deadline in the month, and a case without a jobcentre */
    assert_int_equal(exec_rw("INSERT INTO obligations(case_id, idx, rule, grp, status, deadline,"
                             " exempt, a_kasse, quota) VALUES ('d5', 99, 'dp.a_kasse_75', 'dp',"
                             " 'exempt', '2026-11-15', 'exempt.barsel', 'ak-1', 1);"
                             "UPDATE cases SET jobcenter = '' WHERE id = 'd8'"),
                     SQLITE_OK);
    s = open_new();
    ks_quota_query q;
    ks_quota_query_init(&q);
    q.as_of = D("2027-06-15");
    q.from = D("2026-10-01");
    q.to = D("2026-11-30");
    q.by = KS_QBY_A_KASSE;
    static char buf[8192];
    buf[0] = '\0';
    ks_error e = {0};
    assert_int_equal(ks_report_quota(s, &q, quota_line, buf, &e), KS_OK);
    assert_string_equal(buf,
        "quota_75 a_kasse ak-1 - 2026-10 1 1 0 0 0 1.000 \n"
        "quota_75_rolling a_kasse ak-1 - 2026-10 1 1 0 0 0 1.000 \n"
        "quota_75 a_kasse ak-1 - 2026-11 5 1 1 1 2 0.200 \n"
        "quota_75_rolling a_kasse ak-1 - 2026-11 6 2 1 1 2 0.333 \n"
        "quota_75 a_kasse ak-2 - 2026-11 10 7 3 0 0 0.700 under_75;undtaget_over_25\n"
        "quota_75_rolling a_kasse ak-2 - 2026-11 10 7 3 0 0 0.700 under_75;undtaget_over_25\n"
        "quota_75 a_kasse ukendt - 2026-11 1 1 0 0 0 1.000 \n"
        "quota_75_rolling a_kasse ukendt - 2026-11 1 1 0 0 0 1.000 \n");

    q.from = D("2027-01-01");
    q.to = D("2027-02-28");
    q.by = KS_QBY_JOBCENTER;
    buf[0] = '\0';
    assert_int_equal(ks_report_quota(s, &q, quota_line, buf, &e), KS_OK);
    assert_string_equal(buf,
        "quota_75 kommune jc-A - 2027-01 1 0 0 0 1 0.000 \n"
        "quota_75_rolling kommune jc-A - 2027-01 1 0 0 0 1 0.000 \n"
        "quota_75 kommune jc-A dp 2027-01 1 0 0 0 1 0.000 \n"
        "quota_75_rolling kommune jc-A dp 2027-01 1 0 0 0 1 0.000 \n"
        "quota_75 kommune jc-A - 2027-02 5 1 1 1 2 0.200 \n"
        "quota_75_rolling kommune jc-A - 2027-02 6 1 1 1 3 0.167 \n"
        "quota_75 kommune jc-A dp 2027-02 5 1 1 1 2 0.200 \n"
        "quota_75_rolling kommune jc-A dp 2027-02 6 1 1 1 3 0.167 \n"
        "quota_75 kommune jc-B - 2027-02 10 0 0 0 10 0.000 under_75\n"
        "quota_75_rolling kommune jc-B - 2027-02 10 0 0 0 10 0.000 under_75\n"
        "quota_75 kommune jc-B dp 2027-02 10 0 0 0 10 0.000 under_75\n"
        "quota_75_rolling kommune jc-B dp 2027-02 10 0 0 0 10 0.000 under_75\n"
        "quota_75 kommune ukendt - 2027-02 1 0 0 0 1 0.000 \n"
        "quota_75_rolling kommune ukendt - 2027-02 1 0 0 0 1 0.000 \n"
        "quota_75 kommune ukendt dp 2027-02 1 0 0 0 1 0.000 \n"
        "quota_75_rolling kommune ukendt dp 2027-02 1 0 0 0 1 0.000 \n");

    /* the report's day bounds the cohort: on 2027-02-02 itself the deadlines of
     * that day are not yet in (only January's d9) */
    q.as_of = D("2027-02-02");
    q.rolling = 0;
    q.by = KS_QBY_GROUP;
    buf[0] = '\0';
    assert_int_equal(ks_report_quota(s, &q, quota_line, buf, &e), KS_OK);
    assert_string_equal(buf, "quota_75 kommune jc-A dp 2027-01 1 0 0 0 1 0.000 \n");

    q.to = D("2026-12-31"); /* reversed */
    assert_int_equal(ks_report_quota(s, &q, quota_line, buf, &e), KS_EINVALID);
    ks_close(s);
}

static void test_events_append_only(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_import_result r;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    ks_close(s);
    assert_int_not_equal(exec_rw("UPDATE events SET body = '{}' WHERE seq = 1"), SQLITE_OK);
    assert_int_not_equal(exec_rw("DELETE FROM events WHERE seq = 1"), SQLITE_OK);
    assert_int_not_equal(exec_rw("INSERT INTO events(case_id, kind, body, identity, recorded_at, "
                                 "recorded_by) VALUES ('c1', 'gossip', '{}', 'x', 'now', 'me')"),
                         SQLITE_OK);
    if (!pg) /* SQLite's STRICT: no blob in a TEXT column (PostgreSQL types every column) */
        assert_int_not_equal(exec_rw("INSERT INTO events(case_id, kind, body, identity, recorded_at, "
                                     "recorded_by) VALUES ('c1', 'event', x'00', 'y', 'now', 'me')"),
                             SQLITE_OK);
    assert_int_equal(count("SELECT count(*) FROM events"), 3);
}


/* A large import into a store in use is staged and applied in batches
 * (issue 11 §3); what a killed one left is finished, or forgotten, by the
 * next open. */
static char *gen_lines(const char *prefix, int n) {
    size_t cap = (size_t)n * 300 + 1, len = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(b + len, cap - len,
                                "{\"id\":\"%s%05d\",\"person\":{\"birth_date\":\"1990-01-01\"},"
                                "\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2024-01-08\","
                                "\"categories\":[{\"from\":\"2024-01-08\",\"category\":\"jobparat\"}]}],"
                                "\"conversations\":[{\"date\":\"2024-01-10\",\"holder\":\"jobcenter\","
                                "\"form\":\"fremmoede\"}]}\n",
                                prefix, i);
    return b;
}

static void test_staged_import(void **st) {
    (void)st;
    if (pg) skip(); /* staging is SQLite's (PostgreSQL imports in one transaction) */
    ks_store *s = open_new();
    ks_import_result r;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    /* 2,500 lines into a store with a case: staged; c1 merged on the way */
    char *text = gen_lines("g", 2500);
    size_t n = strlen(text);
    char *more = malloc(n + sizeof case1 + 2);
    memcpy(more, text, n);
    memcpy(more + n, case1, sizeof case1);
    FILE *f = fmemopen(more, strlen(more), "r");
    ks_import_options o = {KS_FORMAT_NDJSON, "jc-g"};
    ks_error e = {0};
    assert_int_equal(ks_import(s, f, &o, count_problem, NULL, &r, &e), KS_OK);
    fclose(f);
    assert_int_equal(r.records, 2501);
    assert_int_equal(r.cases_new, 2500);
    assert_int_equal(count("SELECT count(*) FROM cases WHERE jobcenter = 'jc-g'"), 2500);
    assert_int_equal(count("SELECT count(*) FROM plans"), 2501);
    assert_int_equal(count("SELECT count(*) FROM import_stage"), 0);
    assert_int_equal(count("SELECT count(*) FROM meta WHERE key = 'import_applying'"), 0);
    /* again: nothing new */
    f = fmemopen(more, strlen(more), "r");
    assert_int_equal(ks_import(s, f, &o, count_problem, NULL, &r, &e), KS_OK);
    fclose(f);
    assert_int_equal(r.cases_new + r.cases_changed + r.events, 0);
    /* an invalid line among many: nothing imported, nothing left staged */
    char *bad = gen_lines("x", 2500);
    memcpy(strstr(bad, "1990-01-01"), "1990-02-30", 10);
    f = fmemopen(bad, strlen(bad), "r");
    assert_int_equal(ks_import(s, f, &o, count_problem, NULL, &r, &e), KS_EINVALID);
    fclose(f);
    assert_int_equal(last_line, 1);
    assert_int_equal(count("SELECT count(*) FROM cases WHERE id LIKE 'x%'"), 0);
    assert_int_equal(count("SELECT count(*) FROM import_stage"), 0);
    ks_close(s);
    /* a kill past the point of no return: staged lines and the marker; the
     * next open applies them, as of the day and with the jobcentre the
     * import was made for */
    assert_int_equal(exec_rw("INSERT INTO import_stage(line, text) VALUES "
                             "(1, '{\"id\":\"k1\",\"person\":{\"birth_date\":\"1990-01-01\"},\"benefits\":[]}'),"
                             "(2, '{\"id\":\"k2\",\"person\":{\"birth_date\":\"1990-01-01\"},\"benefits\":[]}');"
                             "INSERT INTO meta(key, value) VALUES ('import_applying', '2024-05-01\tjc-k');"),
                     SQLITE_OK);
    s = open_new();
    assert_int_equal(count("SELECT count(*) FROM cases WHERE jobcenter = 'jc-k'"), 2);
    assert_int_equal(count("SELECT count(*) FROM plans WHERE case_id LIKE 'k%' AND as_of = '2024-05-01'"), 2);
    assert_int_equal(count("SELECT count(*) FROM import_stage"), 0);
    assert_int_equal(count("SELECT count(*) FROM meta WHERE key = 'import_applying'"), 0);
    ks_close(s);
    /* a kill before it: the staged lines are forgotten */
    assert_int_equal(exec_rw("INSERT INTO import_stage(line, text) VALUES "
                             "(1, '{\"id\":\"k3\",\"person\":{\"birth_date\":\"1990-01-01\"},\"benefits\":[]}');"),
                     SQLITE_OK);
    s = open_new();
    assert_int_equal(count("SELECT count(*) FROM cases WHERE id = 'k3'"), 0);
    assert_int_equal(count("SELECT count(*) FROM import_stage"), 0);
    ks_close(s);
    free(text);
    free(more);
    free(bad);
}


/* Idempotency keys: the first answer is kept, the same request gets it,
 * another request is refused; kept at least 24 hours, gone after 48. */
static void test_idempotency_keys(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_error e = {0};
    int status = 0;
    char *resp = NULL;
    ks_set_now(s, "2024-05-01T10:00:00.000Z");
    assert_int_equal(ks_idem_get(s, "jc\ntok1", "k", "req-a", &status, &resp, &e), KS_ENOTFOUND);
    assert_int_equal(ks_idem_put(s, "jc\ntok1", "k", "req-a", 201, "{\"a\":1}", &e), KS_OK);
    assert_int_equal(ks_idem_get(s, "jc\ntok1", "k", "req-a", &status, &resp, &e), KS_OK);
    assert_int_equal(status, 201);
    assert_string_equal(resp, "{\"a\":1}");
    free(resp);
    assert_int_equal(ks_idem_get(s, "jc\ntok1", "k", "req-b", &status, &resp, &e), KS_EINVALID);
    assert_null(resp);
    /* the first answer wins */
    assert_int_equal(ks_idem_put(s, "jc\ntok1", "k", "req-a", 200, "{}", &e), KS_EINVALID);
    /* another scope has its own keys */
    assert_int_equal(ks_idem_get(s, "jc\ntok2", "k", "req-b", &status, &resp, &e), KS_ENOTFOUND);
    /* 47 hours on: still kept; 49 hours on, when another key is kept: gone */
    ks_set_now(s, "2024-05-03T09:00:00.000Z");
    assert_int_equal(ks_idem_put(s, "jc\ntok1", "k2", "r", 201, "{}", &e), KS_OK);
    assert_int_equal(count("SELECT count(*) FROM idempotency"), 2);
    ks_set_now(s, "2024-05-03T11:00:00.000Z");
    assert_int_equal(ks_idem_put(s, "jc\ntok1", "k3", "r", 201, "{}", &e), KS_OK);
    assert_int_equal(count("SELECT count(*) FROM idempotency WHERE key = 'k'"), 0);
    assert_int_equal(count("SELECT count(*) FROM idempotency"), 2);
    ks_close(s);
}

/* Two connections recording into one case at once (two servers): both
 * succeed, every recording is stored, and the stored plan is the plan of
 * all the events, as a store made afresh from the case computes it. */
typedef struct writer_arg {
    int from, rc;
} writer_arg;

static void *writer_main(void *p) {
    writer_arg *w = p;
    ks_store *s = NULL;
    ks_error e = {0};
    w->rc = ks_open(path, 0, &s, &e);
    if (w->rc != KS_OK) return NULL;
    ks_set_today(s, D("2024-06-01"));
    for (int i = 0; i < 10 && w->rc == KS_OK; i++) {
        char body[160];
        snprintf(body, sizeof body, "{\"date\":\"2024-05-%02d\",\"holder\":\"jobcenter\",\"form\":\"telefon\"}",
                 w->from + i);
        w->rc = ks_record(s, "c1", KS_CONVERSATION, body, NULL, NULL, NULL, &e);
    }
    ks_close(s);
    return NULL;
}

static void test_two_writers_one_case(void **st) {
    (void)st;
    ks_store *s = open_new();
    ks_import_result r;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &r), KS_OK);
    ks_close(s);
    writer_arg a = {1, -1}, b = {11, -1};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, writer_main, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, writer_main, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.rc, KS_OK);
    assert_int_equal(b.rc, KS_OK);
    assert_int_equal(count("SELECT count(*) FROM events WHERE case_id = 'c1' AND kind = 'conversation'"), 21);
    /* the case as stored, imported into a fresh store: the same plan */
    s = open_new();
    char *json = NULL;
    ks_error e = {0};
    assert_int_equal(ks_case_json(s, "c1", NULL, &json, &e), KS_OK);
    ks_close(s);
    char fresh[512];
    assert_int_equal(new_target(fresh, sizeof fresh, "fresh"), 0);
    ks_store *f = NULL;
    assert_int_equal(ks_open(fresh, KS_OPEN_CREATE, &f, &e), KS_OK);
    ks_set_today(f, D("2024-06-01"));
    size_t n = strlen(json);
    json = realloc(json, n + 2);
    json[n] = '\n', json[n + 1] = '\0';
    FILE *in = fmemopen(json, n + 1, "r");
    ks_import_options o = {KS_FORMAT_NDJSON, "jc"};
    assert_int_equal(ks_import(f, in, &o, NULL, NULL, &r, &e), KS_OK);
    fclose(in);
    free(json);
    ks_close(f);
    /* the obligations row by row, and the plan's day and validity */
    char q[1024];
    snprintf(q, sizeof q,
             "SELECT %s(x, ';') FROM (SELECT idx || '|' || rule || '|' || coalesce(deadline, '') || '|' ||"
             " status || '|' || coalesce(CAST(required AS TEXT), '') || '|' ||"
             " coalesce(CAST(counted AS TEXT), '') || '|' || coalesce(met_on, '') || '|' || p.as_of ||"
             " '|' || p.valid_until AS x FROM obligations o JOIN plans p ON p.case_id = o.case_id"
             " WHERE o.case_id = 'c1' ORDER BY idx) AS t",
             pg ? "string_agg" : "group_concat");
    char *stored = strdup(text_of(path, q));
    assert_true(strlen(stored) > 100);
    assert_string_equal(stored, text_of(fresh, q));
    free(stored);
}

/* Schema 5 -> 6 (forms and seed 004's number with each obligation): a store
 * of schema 5, made here from a new one (the two columns and their index
 * taken away, the version set back: schema 5's obligations table and index
 * as the migrations made them), opens at 6 with both filled by computing
 * every plan again as of the day it was computed for. On either backend
 * (tests/cli-schedule.sh opens a SQLite file that the program wrote at
 * schema 5). */
static void test_migrate_5_to_6(void **st) {
    (void)st;
    ks_store *s = open_new(); /* 2024-06-01 */
    ks_import_result res;
    assert_int_equal(import_text(s, case1, KS_FORMAT_NDJSON, &res), KS_OK);
    ks_close(s);
    long rows = count("SELECT count(*) FROM obligations");
    assert_true(rows >= 3);
    static const char index5[] =
        "CREATE INDEX obligations_by_deadline ON obligations(deadline, case_id, idx, status, grp,"
        " rule, required, counted, kind, benefit, generation, window_from, stopped, beyond,"
        " course_end, quota, provisional, jobcenter, caseworker);";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "DROP INDEX obligations_by_deadline; ALTER TABLE obligations DROP COLUMN forms;"
             " ALTER TABLE obligations DROP COLUMN agenda; %s"
             " UPDATE meta SET value = '5' WHERE key = 'schema_version'; %s",
             /* PostgreSQL's schema-5 indexes (schema 6 narrows them: schema_pg.c) */
             pg ? "CREATE INDEX obligations_by_deadline ON obligations(deadline, case_id, idx)"
                  " INCLUDE (status, grp, rule, required, counted, kind, benefit, generation,"
                  " window_from, stopped, beyond, course_end, quota, provisional, jobcenter, caseworker);"
                  " DROP INDEX obligations_by_owner;"
                  " CREATE INDEX obligations_by_owner ON obligations(jobcenter, caseworker, deadline);"
                  " CREATE INDEX events_case ON events(case_id, seq);"
                : index5,
             pg ? "" : "PRAGMA user_version = 5;");
    assert_int_equal(exec_rw(sql), SQLITE_OK);
    assert_int_equal(count("SELECT value FROM meta WHERE key = 'schema_version'"), 5);
    /* opened a month later: the plans are computed again as of 2024-06-01 */
    ks_error e = {0};
    assert_int_equal(ks_open(path, 0, &s, &e), KS_OK);
    ks_set_today(s, D("2024-07-01"));
    assert_int_equal(ks_schema_version(s), 6);
    ks_close(s);
    assert_int_equal(count("SELECT value FROM meta WHERE key = 'schema_version'"), 6);
    if (!pg) assert_int_equal(count("PRAGMA user_version"), 6);
    assert_int_equal(count("SELECT count(*) FROM obligations"), rows);
    assert_int_equal(count("SELECT count(*) FROM plans WHERE as_of = '2024-06-01'"), 1);
    /* c1: jobparat kontanthjælp (g2024), its first conversation held in
     * person: seed 004's second is next, on every row of the course; after
     * the first in person fremmoede, telefon or digitalt (1 | 2 | 4) count
     * for the four in six, in person only for kh.first; 0 for the cv */
    assert_int_equal(count("SELECT count(*) FROM obligations WHERE agenda = 2"), rows);
    assert_int_equal(count("SELECT forms FROM obligations WHERE rule = 'all.four_in_six'"), 7);
    assert_int_equal(count("SELECT forms FROM obligations WHERE rule = 'kh.first'"), 1);
    assert_int_equal(count("SELECT forms FROM obligations WHERE rule = 'all.cv'"), 0);
    assert_int_equal(count("SELECT count(*) FROM obligations WHERE jobcenter = 'jc'"), rows);
    /* SQLite: the index by deadline holds them again; PostgreSQL: the
     * narrower indexes of schema 6 (the open work only, no events_case) */
    assert_int_equal(count(pg ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'obligations_by_deadline'"
                                " AND indexdef LIKE '%WHERE%' AND indexdef NOT LIKE '%INCLUDE%'"
                              : "SELECT count(*) FROM sqlite_master WHERE name = 'obligations_by_deadline'"
                                " AND sql LIKE '%forms, agenda)%'"),
                     1);
    if (pg) assert_int_equal(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'events_case'"), 0);
}

int main(void) {
    pg_admin = getenv("KONTAKT_TEST_PG");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_newer_and_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_idempotent_and_corrections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_import_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_correct_time_travel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staged_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_writers_one_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_5_to_6, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("store on SQLite", tests, NULL, NULL);
#ifdef KS_HAVE_PG
    if (pg_admin && *pg_admin) {
        pg = 1;
        failed += cmocka_run_group_tests_name("store on PostgreSQL", tests, NULL, NULL);
    } else {
        printf("test_store: skipped: the PostgreSQL run (KONTAKT_TEST_PG is not set; make test sets it where PostgreSQL is installed)\n");
    }
#else
    if (pg_admin) printf("test_store: skipped: the PostgreSQL run (built without libpq)\n");
#endif
    return failed;
}
