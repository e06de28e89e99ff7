/* test_db.c -- the contract of store/db.h, run on every backend at hand:
 * SQLite always, PostgreSQL when KONTAKT_TEST_PG names a server (make test
 * starts one with tests/pg-lib.sh). Each test runs on a fresh connection,
 * its tables TEMP so that runs sharing a server do not meet.
 *
 * With KONTAKT_TEST_PG_CTL (a command taking start|stop|restart, set by
 * tests/cli-pg-reconnect.sh) only the fault tests run: one connection
 * outlives a restart and a stop of the server. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "db.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct backend {
    const char *name;
    const char *target;
} backend;

static char sqlite_target[96]; /* sqlite:DIR/db.sqlite, made in main */
static backend sqlite_be = {"sqlite", sqlite_target};
static backend pg_be = {"postgresql", NULL};

static ks_db *open_db(const backend *be) {
    ks_db *db = NULL;
    char err[256] = "";
    int rc = ks_db_open(be->target, KS_DB_CREATE, &db, err, sizeof err);
    if (rc != 0) fprintf(stderr, "%s: %s\n", be->name, err);
    assert_int_equal(rc, 0);
    assert_non_null(db);
    return db;
}

static int setup(void **state) {
    *state = open_db((const backend *)*state);
    return 0;
}
static int teardown(void **state) {
    ks_db_close((ks_db *)*state);
    return 0;
}

static void exec_ok(ks_db *db, const char *sql) {
    if (ks_db_exec(db, sql) != 0) fail_msg("%s: %s", sql, ks_db_errmsg(db));
}

static ks_q *prep(ks_db *db, const char *sql) {
    ks_q *q = NULL;
    if (ks_db_prepare(db, sql, &q) != 0) fail_msg("prepare %s: %s", sql, ks_db_errmsg(db));
    return q;
}

/* The first column of a one-row query, as an integer. */
static long long scalar(ks_db *db, const char *sql) {
    ks_q *q = prep(db, sql);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    long long v = ks_q_int64(q, 0);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_finalize(q);
    return v;
}

static void make_table(ks_db *db) {
    exec_ok(db, "CREATE TEMP TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, n BIGINT,"
                " CHECK (n IS NULL OR n <> 13))");
}

static void prepare_bind_step_columns(void **state) {
    ks_db *db = *state;
    make_table(db);
    ks_q *ins = prep(db, "INSERT INTO t (id, name, n) VALUES (?, ?, ?)");
    const char *names[] = {"en", "to", "tre"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ks_q_bind_int64(ins, 1, i + 1), 0);
        assert_int_equal(ks_q_bind_text(ins, 2, names[i], -1), 0);
        assert_int_equal(ks_q_bind_int64(ins, 3, (i + 1) * 100), 0);
        assert_int_equal(ks_q_step(ins), KS_Q_DONE);
        assert_int_equal(ks_db_changes(db), 1);
        ks_q_reset(ins);
    }
    ks_q_finalize(ins);

    ks_q *q = prep(db, "SELECT id, name, n FROM t WHERE id >= ? ORDER BY id");
    assert_int_equal(ks_q_column_count(q), 3); /* known before the first step */
    assert_int_equal(ks_q_bind_int64(q, 1, 2), 0);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_column_count(q), 3);
    assert_int_equal(ks_q_int64(q, 0), 2);
    assert_string_equal(ks_q_text(q, 1), "to");
    assert_int_equal(ks_q_bytes(q, 1), 2);
    assert_int_equal(ks_q_int64(q, 2), 200);
    assert_string_equal(ks_q_text(q, 2), "200");
    assert_false(ks_q_is_null(q, 1));
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_string_equal(ks_q_text(q, 1), "tre");
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_finalize(q);

    /* a text bound with its length, not NUL-terminated */
    q = prep(db, "SELECT count(*) FROM t WHERE name = ?");
    assert_int_equal(ks_q_bind_text(q, 1, "treX", 3), 0);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 1);
    ks_q_finalize(q);

    /* a comparison reads as 1/0 on both (a boolean on PostgreSQL) */
    assert_int_equal(scalar(db, "SELECT 1 = 1"), 1);
    assert_int_equal(scalar(db, "SELECT 1 = 2"), 0);
    /* an index out of range is refused */
    q = prep(db, "SELECT ?");
    assert_int_not_equal(ks_q_bind_int64(q, 2, 1), 0);
    assert_int_not_equal(ks_q_bind_int64(q, 0, 1), 0);
    ks_q_finalize(q);
}

static void nulls(void **state) {
    ks_db *db = *state;
    make_table(db);
    ks_q *ins = prep(db, "INSERT INTO t (id, name, n) VALUES (?, ?, ?)");
    ks_q_bind_int64(ins, 1, 1);
    ks_q_bind_text(ins, 2, "x", -1);
    assert_int_equal(ks_q_bind_null(ins, 3), 0);
    assert_int_equal(ks_q_step(ins), KS_Q_DONE);
    ks_q_reset(ins);
    ks_q_bind_int64(ins, 1, 2);
    ks_q_bind_text(ins, 3, NULL, -1); /* NULL text binds NULL */
    ks_q_bind_int64(ins, 3, 5);
    assert_int_equal(ks_q_step(ins), KS_Q_DONE);
    ks_q_reset(ins);
    /* clear: every binding back to NULL, so NOT NULL refuses the row */
    ks_q_clear(ins);
    ks_q_bind_int64(ins, 1, 3);
    assert_int_equal(ks_q_step(ins), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONSTRAINT);
    ks_q_finalize(ins);

    ks_q *q = prep(db, "SELECT n, name, CAST(NULL AS TEXT) FROM t ORDER BY id");
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_true(ks_q_is_null(q, 0));
    assert_null(ks_q_text(q, 0));
    assert_int_equal(ks_q_int64(q, 0), 0);
    assert_int_equal(ks_q_bytes(q, 0), 0);
    assert_true(ks_q_is_null(q, 2));
    assert_false(ks_q_is_null(q, 1));
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 5);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_finalize(q);

    /* a NULL parameter compares as NULL */
    q = prep(db, "SELECT count(*) FROM t WHERE n IS NOT DISTINCT FROM ?");
    ks_q_bind_null(q, 1);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 1);
    ks_q_finalize(q);
}

static void int64_extremes(void **state) {
    ks_db *db = *state;
    make_table(db);
    const long long v[] = {LLONG_MIN, LLONG_MAX, 0, -1, 4294967296LL};
    ks_q *ins = prep(db, "INSERT INTO t (id, name, n) VALUES (?, 'x', ?)");
    for (int i = 0; i < 5; i++) {
        ks_q_bind_int64(ins, 1, v[i]);
        ks_q_bind_int64(ins, 2, v[i]);
        assert_int_equal(ks_q_step(ins), KS_Q_DONE);
        ks_q_reset(ins);
    }
    ks_q_finalize(ins);
    ks_q *q = prep(db, "SELECT id, n FROM t WHERE n = ?");
    for (int i = 0; i < 5; i++) {
        ks_q_bind_int64(q, 1, v[i]);
        assert_int_equal(ks_q_step(q), KS_Q_ROW);
        assert_true(ks_q_int64(q, 0) == v[i]);
        assert_true(ks_q_int64(q, 1) == v[i]);
        assert_int_equal(ks_q_step(q), KS_Q_DONE);
        ks_q_reset(q);
    }
    ks_q_finalize(q);
    assert_true(scalar(db, "SELECT min(n) FROM t") == LLONG_MIN);
    assert_true(scalar(db, "SELECT max(n) FROM t") == LLONG_MAX);
}

static void quotes_and_literal_marks(void **state) {
    ks_db *db = *state;
    /* a '?' in a literal, in a quoted identifier and in comments is no
     * placeholder: one parameter here */
    ks_q *q = prep(db, "SELECT 'it''s ?1 or ?' AS \"what?\", -- a ? here\n"
                       " ? /* and ?2 there */ AS b, 'x?' || 'y' AS c");
    const char *odd = "O'Brien \"the ?\" -- /* æøå \\ */";
    assert_int_equal(ks_q_bind_text(q, 1, odd, -1), 0);
    assert_int_equal(ks_q_bind_text(q, 2, "no", -1) == 0, 0); /* there is no second */
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_string_equal(ks_q_text(q, 0), "it's ?1 or ?");
    assert_string_equal(ks_q_text(q, 1), odd);
    assert_int_equal(ks_q_bytes(q, 1), (int)strlen(odd));
    assert_string_equal(ks_q_text(q, 2), "x?y");
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_finalize(q);

    /* the text goes in and comes back byte for byte */
    make_table(db);
    ks_q *ins = prep(db, "INSERT INTO t (id, name) VALUES (1, ?)");
    ks_q_bind_text(ins, 1, odd, -1);
    assert_int_equal(ks_q_step(ins), KS_Q_DONE);
    ks_q_finalize(ins);
    q = prep(db, "SELECT name FROM t WHERE name = ?");
    ks_q_bind_text(q, 1, odd, -1);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_string_equal(ks_q_text(q, 0), odd);
    ks_q_finalize(q);

    if (ks_db_kind_of(db) == KS_DB_PG) { /* PostgreSQL's own: E'..', $$..$$, nested comments */
        q = prep(db, "SELECT E'a\\'?', $$b'?$$, $x$c$$?$x$, /* ? /* ? */ ? */ ?");
        ks_q_bind_text(q, 1, "d", -1);
        assert_int_equal(ks_q_step(q), KS_Q_ROW);
        assert_string_equal(ks_q_text(q, 0), "a'?");
        assert_string_equal(ks_q_text(q, 1), "b'?");
        assert_string_equal(ks_q_text(q, 2), "c$$?");
        assert_string_equal(ks_q_text(q, 3), "d");
        ks_q_finalize(q);
    }
}

static void numbered_reuse(void **state) {
    ks_db *db = *state;
    /* ?1 twice; a bare ? after ?2 is ?3, as in SQLite */
    ks_q *q = prep(db, "SELECT CAST(?2 AS TEXT), CAST(?1 AS BIGINT) + ?1, CAST(? AS TEXT)");
    ks_q_bind_int64(q, 1, 21);
    ks_q_bind_text(q, 2, "to", -1);
    ks_q_bind_text(q, 3, "tre", -1);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_string_equal(ks_q_text(q, 0), "to");
    assert_int_equal(ks_q_int64(q, 1), 42);
    assert_string_equal(ks_q_text(q, 2), "tre");
    ks_q_finalize(q);
}

static void constraints(void **state) {
    ks_db *db = *state;
    make_table(db);
    exec_ok(db, "INSERT INTO t (id, name) VALUES (1, 'a')");
    const char *bad[] = {
        "INSERT INTO t (id, name) VALUES (1, 'b')",         /* primary key */
        "INSERT INTO t (id, name) VALUES (2, NULL)",        /* not null */
        "INSERT INTO t (id, name, n) VALUES (3, 'c', 13)",  /* check */
    };
    for (int i = 0; i < 3; i++) {
        ks_q *q = prep(db, bad[i]);
        assert_int_equal(ks_q_step(q), KS_Q_ERROR);
        assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONSTRAINT);
        const char *m = ks_db_errmsg(db);
        assert_true(strlen(m) > 0);
        assert_int_not_equal(m[strlen(m) - 1], '\n');
        assert_null(strchr(m, '\n'));
        ks_q_finalize(q);
    }
    /* by ks_db_exec too */
    assert_int_equal(ks_db_exec(db, "INSERT INTO t (id, name) VALUES (1, 'b')"), -1);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONSTRAINT);
    /* a good call clears the error class */
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 1);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_NONE);

    /* a statement that does not compile fails at prepare */
    ks_q *q = (ks_q *)1;
    assert_int_equal(ks_db_prepare(db, "SELEKT 1", &q), -1);
    assert_null(q);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_OTHER);
    assert_true(strlen(ks_db_errmsg(db)) > 0);
    assert_int_equal(ks_db_prepare(db, "SELECT * FROM no_such_table", &q), -1);
    assert_int_equal(ks_db_exec(db, "SELEKT 1"), -1);
    /* placeholders are numbered from 1 */
    assert_int_equal(ks_db_prepare(db, "SELECT ?0", &q), -1);
}

/* A lock another connection holds: KS_DBE_BUSY (to retry), at once. */
static void busy(void **state) {
    ks_db *a = *state;
    const backend *be = ks_db_kind_of(a) == KS_DB_PG ? &pg_be : &sqlite_be;
    ks_db *b = open_db(be);
    if (ks_db_kind_of(a) == KS_DB_SQLITE) {
        exec_ok(a, "BEGIN IMMEDIATE");
        assert_int_equal(ks_db_exec(b, "BEGIN IMMEDIATE"), -1);
        assert_int_equal(ks_db_errclass_of(b), KS_DBE_BUSY);
        exec_ok(a, "ROLLBACK");
    } else {
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE TABLE busy_%d (id BIGINT PRIMARY KEY); INSERT INTO busy_%d VALUES (1)",
                 (int)getpid(), (int)getpid());
        exec_ok(a, sql);
        exec_ok(a, "BEGIN");
        snprintf(sql, sizeof sql, "SELECT id FROM busy_%d FOR UPDATE", (int)getpid());
        assert_int_equal(scalar(a, sql), 1);
        snprintf(sql, sizeof sql, "SELECT id FROM busy_%d FOR UPDATE NOWAIT", (int)getpid());
        ks_q *q = prep(b, sql);
        assert_int_equal(ks_q_step(q), KS_Q_ERROR);
        assert_int_equal(ks_db_errclass_of(b), KS_DBE_BUSY);
        ks_q_finalize(q);
        exec_ok(a, "ROLLBACK");
        snprintf(sql, sizeof sql, "DROP TABLE busy_%d", (int)getpid());
        exec_ok(a, sql);

        /* a read-only connection refuses writes */
        ks_db *ro = NULL;
        char err[256];
        assert_int_equal(ks_db_open(pg_be.target, KS_DB_READONLY, &ro, err, sizeof err), 0);
        assert_int_equal(ks_db_exec(ro, "CREATE TABLE ro_refused (a BIGINT)"), -1);
        assert_int_equal(ks_db_errclass_of(ro), KS_DBE_OTHER);
        assert_int_equal(scalar(ro, "SELECT 7"), 7);
        ks_db_close(ro);
    }
    ks_db_close(b);
}

static void transactions_and_changes(void **state) {
    ks_db *db = *state;
    make_table(db);
    assert_int_equal(ks_db_in_tx(db), 0);
    exec_ok(db, "BEGIN");
    assert_int_equal(ks_db_in_tx(db), 1);
    ks_q *q = prep(db, "INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_finalize(q);
    assert_int_equal(ks_db_changes(db), 3);
    q = prep(db, "UPDATE t SET n = 7 WHERE id >= ?");
    ks_q_bind_int64(q, 1, 2);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    assert_int_equal(ks_db_changes(db), 2);
    ks_q_finalize(q);
    /* a SELECT leaves the count alone */
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 3);
    assert_int_equal(ks_db_changes(db), 2);
    exec_ok(db, "COMMIT");
    assert_int_equal(ks_db_in_tx(db), 0);

    exec_ok(db, "BEGIN");
    exec_ok(db, "DELETE FROM t WHERE id = 1");
    assert_int_equal(ks_db_changes(db), 1);
    /* RETURNING gives rows and counts the change */
    q = prep(db, "INSERT INTO t (id, name) VALUES (?, 'd') RETURNING id");
    ks_q_bind_int64(q, 1, 4);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 4);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    assert_int_equal(ks_db_changes(db), 1);
    ks_q_finalize(q);
    exec_ok(db, "ROLLBACK");
    assert_int_equal(ks_db_in_tx(db), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 3);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t WHERE id = 4"), 0);

    /* several statements in one exec */
    exec_ok(db, "CREATE TEMP TABLE u (x BIGINT); INSERT INTO u VALUES (1); INSERT INTO u VALUES (2);"
                " UPDATE u SET x = x + 10");
    assert_int_equal(ks_db_changes(db), 2);
    assert_int_equal(scalar(db, "SELECT sum(x) FROM u"), 23);
}

static void step_while_another_runs(void **state) {
    ks_db *db = *state;
    make_table(db);
    exec_ok(db, "INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    exec_ok(db, "CREATE TEMP TABLE log (id BIGINT, name TEXT)");
    ks_q *scan = prep(db, "SELECT id, name FROM t ORDER BY id");
    ks_q *ins = prep(db, "INSERT INTO log (id, name) VALUES (?, ?)");
    ks_q *upd = prep(db, "UPDATE t SET n = ? WHERE id = ?");
    int rows = 0;
    while (ks_q_step(scan) == KS_Q_ROW) {
        long long id = ks_q_int64(scan, 0);
        ks_q_bind_int64(ins, 1, id);
        ks_q_bind_text(ins, 2, ks_q_text(scan, 1), -1);
        assert_int_equal(ks_q_step(ins), KS_Q_DONE);
        ks_q_reset(ins);
        ks_q_bind_int64(upd, 1, id * 10);
        ks_q_bind_int64(upd, 2, id);
        assert_int_equal(ks_q_step(upd), KS_Q_DONE);
        ks_q_reset(upd);
        rows++;
    }
    assert_int_equal(rows, 3);
    ks_q_finalize(scan);
    ks_q_finalize(ins);
    ks_q_finalize(upd);
    assert_int_equal(scalar(db, "SELECT count(*) FROM log"), 3);
    assert_int_equal(scalar(db, "SELECT sum(n) FROM t"), 60);
}

static void rerun_after_reset(void **state) {
    ks_db *db = *state;
    make_table(db);
    exec_ok(db, "INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    ks_q *q = prep(db, "SELECT count(*) FROM t WHERE id <= ?");
    ks_q_bind_int64(q, 1, 2);
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 2);
    ks_q_reset(q); /* mid-result */
    assert_int_equal(ks_q_step(q), KS_Q_ROW); /* bindings stay */
    assert_int_equal(ks_q_int64(q, 0), 2);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    ks_q_reset(q);
    ks_q_bind_int64(q, 1, 3);
    exec_ok(db, "DELETE FROM t WHERE id = 1"); /* the rerun sees the table as it is now */
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 2);
    assert_int_equal(ks_q_step(q), KS_Q_DONE);
    /* stepping on after DONE runs it again, as SQLite does */
    assert_int_equal(ks_q_step(q), KS_Q_ROW);
    assert_int_equal(ks_q_int64(q, 0), 2);
    ks_q_finalize(q);
}

static void finalize_all(void **state) {
    ks_db *db = *state;
    ks_q_finalize(NULL);
    /* finalized mid-result, and many times over: nothing is left behind */
    for (int i = 0; i < 300; i++) {
        ks_q *q = prep(db, "SELECT 1 UNION ALL SELECT 2");
        if (i % 2) assert_int_equal(ks_q_step(q), KS_Q_ROW);
        ks_q_finalize(q);
    }
    if (ks_db_kind_of(db) == KS_DB_PG) {
        /* the server's prepared statements are dropped (a few may wait for
         * the next call, which is the count itself) */
        long long left = scalar(db, "SELECT count(*) FROM pg_prepared_statements");
        assert_true(left <= 2);
        assert_true(ks_db_pg(db) != NULL);
        assert_null(ks_db_sqlite(db));
    } else {
        assert_true(ks_db_sqlite(db) != NULL);
        assert_null(ks_db_pg(db));
    }
}

/* The driver never prints: PostgreSQL's notices and warnings stay off stderr. */
static void silent(void **state) {
    ks_db *db = *state;
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    dup2(fileno(tmp), 2);
    int rc1 = ks_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS s (a BIGINT); CREATE TEMP TABLE IF NOT EXISTS s (a BIGINT)");
    int rc2 = ks_db_exec(db, "COMMIT"); /* no transaction: PostgreSQL warns, SQLite fails */
    ks_q *q = NULL;
    int rc3 = ks_db_prepare(db, "SELEKT", &q);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(rc1, 0);
    (void)rc2;
    assert_int_equal(rc3, -1);
    fseek(tmp, 0, SEEK_END);
    assert_int_equal((int)ftell(tmp), 0);
    fclose(tmp);
}

/* --- faults (PostgreSQL, with KONTAKT_TEST_PG_CTL) ------------------------ */

static void ctl(const char *what) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s", getenv("KONTAKT_TEST_PG_CTL"), what);
    assert_int_equal(system(cmd), 0);
}

/* Steps q to its one row and its value; KS_Q_ERROR if the step failed. */
static int try_scalar(ks_q *q, long long *v) {
    ks_q_reset(q);
    int rc = ks_q_step(q);
    if (rc != KS_Q_ROW) return KS_Q_ERROR;
    *v = ks_q_int64(q, 0);
    return ks_q_step(q) == KS_Q_DONE ? KS_Q_ROW : KS_Q_ERROR;
}

static void reconnect_after_restart(void **state) {
    ks_db *db = *state;
    exec_ok(db, "CREATE TABLE IF NOT EXISTS survive (x BIGINT)");
    exec_ok(db, "INSERT INTO survive VALUES (1)");
    ks_q *q = prep(db, "SELECT count(*) + ? FROM survive");
    ks_q_bind_int64(q, 1, 100);
    long long v = 0;
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 101);

    ctl("restart");
    /* the first call finds the connection gone; the next reconnects and
     * prepares the statement again */
    v = 0;
    assert_int_equal(try_scalar(q, &v), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    assert_int_equal(ks_db_in_tx(db), 0);
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 101);
    assert_int_equal(ks_db_in_tx(db), 0);
    exec_ok(db, "INSERT INTO survive VALUES (2)");
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 102);

    /* stopped: calls fail (KS_DBE_CONN), none hangs; started: it works again */
    ctl("stop");
    assert_int_equal(try_scalar(q, &v), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    assert_int_equal(try_scalar(q, &v), KS_Q_ERROR); /* the reset fails too */
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    ks_q *q2 = NULL;
    assert_int_equal(ks_db_prepare(db, "SELECT 1", &q2), -1);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    ctl("start");
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 102);
    ks_q_finalize(q);
    exec_ok(db, "DROP TABLE survive");
}

/* A crash (SIGKILL of the postmaster): the connection ends without a word
 * from the server; after recovery the same connection works again. */
static void reconnect_after_kill(void **state) {
    ks_db *db = *state;
    ks_q *q = prep(db, "SELECT 40 + ?");
    ks_q_bind_int64(q, 1, 2);
    long long v = 0;
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    ctl("kill");
    ctl("start");
    assert_int_equal(try_scalar(q, &v), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    v = 0;
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 42);
    ks_q_finalize(q);
}

static void lost_inside_transaction(void **state) {
    ks_db *db = *state;
    exec_ok(db, "CREATE TABLE IF NOT EXISTS survive2 (x BIGINT)");
    ks_q *ins = prep(db, "INSERT INTO survive2 VALUES (?)");
    exec_ok(db, "BEGIN");
    ks_q_bind_int64(ins, 1, 1);
    assert_int_equal(ks_q_step(ins), KS_Q_DONE);
    ks_q_reset(ins);
    ctl("restart");
    /* the transaction is gone: its next statements must not run on a fresh
     * connection in autocommit mode */
    ks_q_bind_int64(ins, 1, 2);
    assert_int_equal(ks_q_step(ins), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    assert_int_equal(ks_db_in_tx(db), 1);
    ks_q_reset(ins);
    assert_int_equal(ks_q_step(ins), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_CONN);
    assert_int_equal(ks_db_exec(db, "COMMIT"), -1);
    assert_int_equal(ks_db_exec(db, "ROLLBACK"), 0);
    assert_int_equal(ks_db_in_tx(db), 0);
    ks_q_reset(ins);
    ks_q_bind_int64(ins, 1, 3);
    assert_int_equal(ks_q_step(ins), KS_Q_DONE);
    ks_q_finalize(ins);
    assert_int_equal(scalar(db, "SELECT sum(x) FROM survive2"), 3); /* 1 and 2 never committed */
    exec_ok(db, "DROP TABLE survive2");
}

/* --- the statement deadline (PostgreSQL) ------------------------------------- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Steps q once, expecting it to fail for its deadline: the seconds it took. */
static double step_late(ks_db *db, ks_q *q) {
    double t0 = now_s();
    assert_int_equal(ks_q_step(q), KS_Q_ERROR);
    double took = now_s() - t0;
    if (ks_db_errclass_of(db) != KS_DBE_TIMEOUT) fail_msg("not a timeout: %s", ks_db_errmsg(db));
    return took;
}

/* A statement past its deadline is cancelled in about the deadline, and the
 * connection goes on; a row-lock wait ends after lock_timeout (a fifth of
 * the deadline) as KS_DBE_BUSY; none with no deadline. SQLite has none. */
static void deadline(void **state) {
    ks_db *db = *state;
    if (ks_db_kind_of(db) == KS_DB_SQLITE) {
        ks_db_set_timeout(db, 1000);
        assert_int_equal(ks_db_timeout(db), 0);
        return;
    }
    long def = ks_db_timeout(db);
    assert_true(def > 0); /* 10 s, or KONTAKT_DB_TIMEOUT */
    ks_db_set_timeout(db, 1000);
    assert_int_equal(ks_db_timeout(db), 1000);

    ks_q *q = prep(db, "SELECT pg_sleep(5)");
    double took = step_late(db, q);
    assert_true(took >= 0.9 && took < 2.5); /* cancelled at 1 s, answered at once */
    assert_non_null(strstr(ks_db_errmsg(db), "did not answer within 1 s"));
    assert_int_equal(scalar(db, "SELECT 7"), 7); /* the same session goes on */
    ks_q_finalize(q);

    /* inside a transaction: it is aborted, the caller rolls back */
    double t0 = now_s();
    exec_ok(db, "BEGIN");
    assert_int_equal(ks_db_exec(db, "SELECT pg_sleep(5)"), -1);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_TIMEOUT);
    assert_true(now_s() - t0 < 2.5);
    assert_int_equal(ks_db_in_tx(db), 1);
    exec_ok(db, "ROLLBACK");
    assert_int_equal(ks_db_in_tx(db), 0);
    assert_int_equal(scalar(db, "SELECT 8"), 8);

    /* a row lock held elsewhere: 55P03 after lock_timeout (200 ms) */
    ks_db *b = open_db(&pg_be);
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE TABLE dl_%d (id BIGINT PRIMARY KEY); INSERT INTO dl_%d VALUES (1)",
             (int)getpid(), (int)getpid());
    exec_ok(b, sql);
    exec_ok(b, "BEGIN");
    snprintf(sql, sizeof sql, "SELECT id FROM dl_%d FOR UPDATE", (int)getpid());
    assert_int_equal(scalar(b, sql), 1);
    q = prep(db, sql);
    t0 = now_s();
    assert_int_equal(ks_q_step(q), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_BUSY);
    assert_true(now_s() - t0 < 0.9);
    ks_q_finalize(q);
    exec_ok(b, "ROLLBACK");
    snprintf(sql, sizeof sql, "DROP TABLE dl_%d", (int)getpid());
    exec_ok(b, sql);
    ks_db_close(b);

    /* no deadline: a slow statement runs to its end */
    ks_db_set_timeout(db, 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pg_sleep(1.2)"), 1);
    ks_db_set_timeout(db, -1);
    assert_int_equal(ks_db_timeout(db), def);

    /* A server that does not answer at all, not even the cancel's effect
     * (its backend stopped): the connection is dropped after the grace, and
     * the next call connects again. Stopping the backend needs its user's
     * rights (or root): skipped without them. */
    ks_db_set_timeout(db, 1000);
    long long pid = scalar(db, "SELECT pg_backend_pid()");
    q = prep(db, "SELECT 1");
    if (kill((pid_t)pid, SIGSTOP) != 0) {
        printf("deadline: the dropped-connection part skipped (cannot stop the backend: %s)\n",
               strerror(errno));
        ks_q_finalize(q);
        return;
    }
    took = step_late(db, q);
    kill((pid_t)pid, SIGCONT);
    assert_true(took >= 1.9 && took < 4); /* 1 s, then a grace of 1 s */
    assert_non_null(strstr(ks_db_errmsg(db), "connection was dropped"));
    /* for a second it is not tried again (requests queued behind fail at
     * once), then it connects again */
    long long v = 0;
    double t1 = now_s();
    assert_int_equal(try_scalar(q, &v), KS_Q_ERROR);
    assert_int_equal(ks_db_errclass_of(db), KS_DBE_TIMEOUT);
    assert_true(now_s() - t1 < 0.5);
    nanosleep(&(struct timespec){1, 100000000L}, NULL);
    assert_int_equal(try_scalar(q, &v), KS_Q_ROW);
    assert_int_equal(v, 1);
    assert_true(scalar(db, "SELECT pg_backend_pid()") != pid);
    ks_q_finalize(q);
}

/* --- main ------------------------------------------------------------------ */

typedef void (*test_fn)(void **);
static const struct {
    const char *name;
    test_fn fn;
} contract[] = {
    {"prepare_bind_step_columns", prepare_bind_step_columns},
    {"nulls", nulls},
    {"int64_extremes", int64_extremes},
    {"quotes_and_literal_marks", quotes_and_literal_marks},
    {"numbered_reuse", numbered_reuse},
    {"constraints", constraints},
    {"transactions_and_changes", transactions_and_changes},
    {"busy", busy},
    {"step_while_another_runs", step_while_another_runs},
    {"rerun_after_reset", rerun_after_reset},
    {"finalize_all", finalize_all},
    {"silent", silent},
    {"deadline", deadline},
}, faults[] = {
    {"reconnect_after_restart", reconnect_after_restart},
    {"reconnect_after_kill", reconnect_after_kill},
    {"lost_inside_transaction", lost_inside_transaction},
};

#define NCONTRACT (sizeof contract / sizeof contract[0])
#define NFAULTS (sizeof faults / sizeof faults[0])

int main(void) {
    static struct CMUnitTest tests[2 * NCONTRACT + NFAULTS];
    static char names[2 * NCONTRACT + NFAULTS][80];
    size_t n = 0;
    pg_be.target = getenv("KONTAKT_TEST_PG");
    if (pg_be.target && !*pg_be.target) pg_be.target = NULL;
#ifndef KS_HAVE_PG
    if (pg_be.target) printf("test_db: skipped: the PostgreSQL part (built without libpq)\n");
    pg_be.target = NULL;
    if (getenv("KONTAKT_TEST_PG_CTL")) return 0;
#endif
    int faults_only = getenv("KONTAKT_TEST_PG_CTL") != NULL;
    if (faults_only && !pg_be.target) {
        fprintf(stderr, "test_db: KONTAKT_TEST_PG_CTL needs KONTAKT_TEST_PG\n");
        return 1;
    }
    char dir[] = "/tmp/kontakt-test-db-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(sqlite_target, sizeof sqlite_target, "sqlite:%s/db.sqlite", dir);
    const backend *bes[2] = {&sqlite_be, &pg_be};
    for (int b = 0; b < 2 && !faults_only; b++) {
        if (!bes[b]->target) continue;
        for (size_t i = 0; i < NCONTRACT; i++) {
            snprintf(names[n], sizeof names[n], "%s: %s", bes[b]->name, contract[i].name);
            tests[n] = (struct CMUnitTest){names[n], contract[i].fn, setup, teardown, (void *)bes[b]};
            n++;
        }
    }
    for (size_t i = 0; i < NFAULTS && faults_only; i++) {
        snprintf(names[n], sizeof names[n], "postgresql: %s", faults[i].name);
        tests[n] = (struct CMUnitTest){names[n], faults[i].fn, setup, teardown, (void *)&pg_be};
        n++;
    }
    if (!pg_be.target)
        printf("test_db: skipped: the PostgreSQL part (KONTAKT_TEST_PG is not set; make test sets it where"
               " PostgreSQL is installed)\n");
    int rc = _cmocka_run_group_tests("test_db", tests, n, NULL, NULL);
    snprintf(sqlite_target, sizeof sqlite_target, "%s/db.sqlite", dir);
    remove(sqlite_target);
    rmdir(dir);
    return rc;
}
