/* db_pg.c -- db.h on PostgreSQL, over libpq (built when the Makefile finds
 * libpq and defines KS_HAVE_PG; db.c refuses PostgreSQL targets otherwise).
 *
 * How db.h's SQLite-shaped calls map onto libpq:
 *   - ks_db_prepare rewrites `?`/`?N` to `$N` (outside strings, quoted
 *     identifiers, dollar quotes and comments; so PostgreSQL's jsonb `?`
 *     operators cannot be written: use the functions) and prepares the
 *     statement server-side under a name unique in the connection, so a bad
 *     statement fails there, as on SQLite.
 *   - Parameters are sent as text (int64 in decimal), the server infers
 *     their types from the statement. Where it cannot (`SELECT ? IS NULL`),
 *     the SQL must say, with CAST(? AS TEXT).
 *   - The first ks_q_step after a reset runs the statement
 *     (PQsendQueryPrepared) and holds the whole result; steps walk its rows.
 *     Stepping after KS_Q_DONE runs it again, as SQLite does.
 *   - ks_db_exec uses the simple query protocol: several statements, no
 *     parameters.
 *   - KS_DB_READONLY sets default_transaction_read_only for the session;
 *     KS_DB_CREATE means nothing (the database must exist).
 *   - The server's notices and warnings are dropped (libpq would print
 *     them on stderr).
 *   - ks_db_pg's PGconn (for COPY) is the same object across reconnects
 *     (PQreset reuses it); a caller using it directly must finish what it
 *     started (a COPY) before the next db.h call.
 *
 * Connection loss. A lost connection is found when a call fails on it
 * (libpq marks it CONNECTION_BAD); that call fails with KS_DBE_CONN. The
 * next call resets it (PQreset) and bumps the connection's generation; a
 * statement prepared in an older generation prepares again before it runs,
 * so a server outlives a PostgreSQL restart. If the connection was lost
 * inside a transaction, its statements must not go on in autocommit mode on
 * a fresh connection: every call then fails with KS_DBE_CONN (and
 * ks_db_in_tx stays 1) until the caller's ROLLBACK, which resets and
 * succeeds (the server has dropped the transaction already).
 *
 * No call hangs.
 *   - Every call has a client-side deadline (ks_db_set_timeout; by default
 *     KONTAKT_DB_TIMEOUT or 10 s, db.c): it is sent asynchronously and its
 *     answer awaited with poll() (await()). Past the deadline the statement
 *     is cancelled (PQcancel, on a thread: see cancel_within) and its answer
 *     awaited CANCEL_GRACE_MS more; then the socket is shut, so libpq finds
 *     the connection bad and the next call resets it as above. The call
 *     fails with KS_DBE_TIMEOUT. A reset (and the connect at open) is made
 *     asynchronously within the same deadline; a connection that met a
 *     silent server is not made again for HOLD_OFF_MS.
 *   - lock_timeout is a fifth of the deadline (set between transactions),
 *     so that a row-lock wait ends as 55P03 (KS_DBE_BUSY, which the store
 *     retries) before the deadline.
 *   - With no deadline (0: the import, migrations) the connect and reset are
 *     libpq's blocking ones, bounded by connect_timeout=5 unless the URI (or
 *     PGCONNECT_TIMEOUT) says otherwise.
 *   - TCP keepalives after 10 s idle, every 5 s, 3 probes, and
 *     tcp_user_timeout=10000 ms: a server host that vanishes is found even
 *     without a deadline (about 25 s while waiting, 10 s while sending).
 * Keepalives and tcp_user_timeout do not apply to Unix sockets (a local
 * server that dies closes the socket, which is found at once). */
#include "db_driver.h"

#ifdef KS_HAVE_PG

#include "kontakt_buf.h"

#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define CANCEL_GRACE_MS 1000     /* past the deadline: for the cancel and its answer */
#define CANCELS_MAX 8            /* cancel threads at once (see cancel_within) */
#define HOLD_OFF_MS 1000         /* after a server that did not answer: not tried again before */

typedef struct pg_db {
    ks_db base;
    PGconn *c;
    unsigned gen;            /* bumped by each reset: statements of older ones prepare again */
    unsigned long next_name; /* statement names ks1, ks2, ... */
    int readonly;
    int lost_tx;             /* lost inside a transaction: calls fail until ROLLBACK */
    long timeout_ms;         /* the client deadline of each call; 0: none */
    long default_ms;         /* what ks_db_set_timeout(db, -1) sets */
    long lock_ms;            /* the session's lock_timeout as we set it (0: the server's) */
    int late;                /* the last call met its deadline: LATE_* */
    long long retry_at;      /* a dropped or timed-out connection is not made again before
                              * (monotonic ms): the requests queued behind one that waited
                              * for a server that does not answer fail at once */
    long changes;
    ks_db_errclass ecl;
    kt_sb err;               /* the last error's message ("" after a success) */
    kt_sb dealloc;           /* "DEALLOCATE a; DEALLOCATE b; ..." left to run (see pg_finalize) */
} pg_db;

typedef struct pg_q {
    ks_q base;
    char *sql; /* with $N */
    int nparams;
    char name[24];
    unsigned gen;  /* generation it was prepared in; 0: not prepared */
    Oid *types;    /* NULL, or text for a ?N the SQL skips (as ?1 and ?3 without ?2):
                    * the server cannot infer its type, SQLite needs none */
    char **vals;   /* nparams values, owned; NULL is SQL NULL */
    int *lens;
    PGresult *res; /* the held result, NULL before the first step */
    int row;       /* the current row of res (-1 before the first) */
    int done;      /* KS_Q_DONE was returned: the next step runs again */
    int ncols;     /* from PQdescribePrepared, -1 until asked */
} pg_q;

enum { LATE_NO, LATE_CANCELLED, LATE_DROPPED, LATE_CONNECT };

#define DB(d) ((pg_db *)(d))
#define Q(q) ((pg_q *)(q))

/* --- errors --------------------------------------------------------------- */

static void set_ok(pg_db *db) {
    db->ecl = KS_DBE_NONE;
    kt_sb_cut(&db->err, 0);
}

/* libpq's messages end in a newline and may span lines: one line, trimmed. */
static void set_msg(pg_db *db, const char *m) {
    kt_sb_cut(&db->err, 0);
    if (!m || !*m) m = "unknown PostgreSQL error";
    for (const char *p = m; *p; p++) kt_sb_chr(&db->err, *p == '\n' || *p == '\t' ? ' ' : *p);
    while (db->err.len && db->err.p[db->err.len - 1] == ' ') kt_sb_cut(&db->err, db->err.len - 1);
}

static ks_db_errclass class_of_state(const char *st) {
    if (!st || strlen(st) != 5) return KS_DBE_OTHER;
    if (!strncmp(st, "23", 2)) return KS_DBE_CONSTRAINT;
    if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03")) return KS_DBE_BUSY;
    if (!strncmp(st, "08", 2) || !strcmp(st, "57P01") || !strcmp(st, "57P02") || !strcmp(st, "57P03"))
        return KS_DBE_CONN;
    if (!strcmp(st, "53200")) return KS_DBE_NOMEM;
    if (!strcmp(st, "57014")) return KS_DBE_TIMEOUT; /* query_canceled: a statement_timeout, a cancel */
    return KS_DBE_OTHER;
}

/* A call that met its deadline (db->late). */
static void set_late(pg_db *db, int was_tx) {
    kt_sb m = {0};
    kt_sb_fmt(&m, "PostgreSQL did not answer within %g s: %s", (double)db->timeout_ms / 1000.0,
              db->late == LATE_CANCELLED ? "the statement was cancelled"
              : db->late == LATE_DROPPED ? "nor to the cancel; the connection was dropped (the next call "
                                           "connects again)"
                                         : "the connection could not be made");
    set_msg(db, m.err ? "PostgreSQL did not answer in time" : m.p);
    kt_sb_free(&m);
    db->ecl = KS_DBE_TIMEOUT;
    if (was_tx && PQstatus(db->c) != CONNECTION_OK) db->lost_tx = 1;
}

/* Records a failed call: r is its result (may be NULL), was_tx whether a
 * transaction was open before it. */
static void set_err(pg_db *db, const PGresult *r, int was_tx) {
    if (db->late) {
        set_late(db, was_tx);
        return;
    }
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *prim = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (prim) {
        set_msg(db, prim);
        const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        if (detail) {
            kt_sb tmp = {0};
            kt_sb_fmt(&tmp, "%s (%s)", db->err.p, detail);
            set_msg(db, tmp.p);
            kt_sb_free(&tmp);
        }
    } else {
        set_msg(db, PQerrorMessage(db->c));
    }
    db->ecl = class_of_state(st);
    if (PQstatus(db->c) == CONNECTION_BAD) {
        db->ecl = KS_DBE_CONN;
        if (was_tx) db->lost_tx = 1;
    } else if (!r && !st) {
        db->ecl = KS_DBE_NOMEM; /* libpq gives no result on a good connection only when out of memory */
    }
}

/* --- the deadline ------------------------------------------------------------ */

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until the connection's socket is ready for ev, or until the
 * deadline (monotonic ms; 0: none). 1 ready, 0 the deadline passed, -1 no
 * socket or poll failed. */
static int wait_sock(PGconn *c, short ev, long long deadline) {
    for (;;) {
        int fd = PQsocket(c);
        if (fd < 0) return -1;
        int ms = -1;
        if (deadline) {
            long long left = deadline - now_ms();
            if (left <= 0) return 0;
            ms = left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {fd, ev, 0};
        int n = poll(&p, 1, ms);
        if (n > 0) return 1;
        if (n < 0 && errno != EINTR) return -1;
    }
}

/* PQcancel blocks until the postmaster closes the cancel's connection, with
 * no timeout of its own (libpq 15 has no asynchronous cancel), so a stopped
 * or cut-off server would keep it forever. It therefore runs on a detached
 * thread, which the caller waits for only until `until`; the thread ends
 * whenever the postmaster answers or goes away, and frees what it holds.
 * At most CANCELS_MAX run at once; past that no cancel is sent (the caller
 * drops the connection instead). */
typedef struct canceller {
    PGcancel *pc;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done; /* 1 delivered, -1 failed */
    int refs; /* the thread's and the caller's */
} canceller;

static atomic_int cancels_running;

static void canceller_unref(canceller *k) {
    pthread_mutex_lock(&k->mu);
    int last = --k->refs == 0;
    pthread_mutex_unlock(&k->mu);
    if (!last) return;
    PQfreeCancel(k->pc);
    pthread_cond_destroy(&k->cv);
    pthread_mutex_destroy(&k->mu);
    free(k);
}

static void *canceller_main(void *arg) {
    canceller *k = arg;
    char buf[256];
    int ok = PQcancel(k->pc, buf, sizeof buf);
    pthread_mutex_lock(&k->mu);
    k->done = ok ? 1 : -1;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    atomic_fetch_sub(&cancels_running, 1);
    canceller_unref(k);
    return NULL;
}

/* Asks the server to cancel the connection's running statement: 1 if the
 * postmaster took the request before `until` (monotonic ms). */
static int cancel_within(PGconn *c, long long until) {
    if (atomic_fetch_add(&cancels_running, 1) >= CANCELS_MAX) {
        atomic_fetch_sub(&cancels_running, 1);
        return 0;
    }
    canceller *k = calloc(1, sizeof *k);
    PGcancel *pc = k ? PQgetCancel(c) : NULL;
    if (!pc) {
        free(k);
        atomic_fetch_sub(&cancels_running, 1);
        return 0;
    }
    k->pc = pc;
    k->refs = 2;
    pthread_mutex_init(&k->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int started = pthread_create(&t, &ta, canceller_main, k) == 0;
    pthread_attr_destroy(&ta);
    if (!started) {
        k->refs = 1;
        atomic_fetch_sub(&cancels_running, 1);
        canceller_unref(k);
        return 0;
    }
    struct timespec ts = {(time_t)(until / 1000), (long)(until % 1000) * 1000000L};
    pthread_mutex_lock(&k->mu);
    while (!k->done && pthread_cond_timedwait(&k->cv, &k->mu, &ts) != ETIMEDOUT) {
    }
    int delivered = k->done > 0;
    pthread_mutex_unlock(&k->mu);
    canceller_unref(k);
    return delivered;
}

/* The first error result stays (PQexec's way); otherwise the last result. */
static void keep(PGresult **last, PGresult *r) {
    if (*last && PQresultStatus(*last) == PGRES_FATAL_ERROR) {
        PQclear(r);
        return;
    }
    PQclear(*last);
    *last = r;
}

/* Cuts the connection off: the socket shut, libpq finds the end at once
 * (CONNECTION_BAD) and the next call connects again (ready()). Whatever
 * result libpq makes of it is kept in *last. */
static void drop(pg_db *db, PGresult **last) {
    int fd = PQsocket(db->c);
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
    PQconsumeInput(db->c);
    PGresult *r;
    for (int i = 0; i < 8 && (r = PQgetResult(db->c)) != NULL; i++) keep(last, r);
}

/* Ends a call begun with PQsetnonblocking(c, 1) and a PQsend* (sent: its
 * return): sends it and waits for its results until the deadline, keeping
 * the last (or the first error, as PQexec does). Past the deadline the
 * statement is cancelled and its answer awaited for CANCEL_GRACE_MS more;
 * then the connection is dropped. db->late says which (a result that came
 * in the grace is still the statement's). NULL: no result (the
 * connection's error message says why). */
static PGresult *await(pg_db *db, int sent) {
    PGconn *c = db->c;
    PGresult *last = NULL;
    db->late = LATE_NO;
    long long deadline = db->timeout_ms ? now_ms() + db->timeout_ms : 0;
    int flushing = 1;
    while (sent) {
        int w;
        if (flushing) {
            int f = PQflush(c);
            if (f < 0) break;
            if (f == 0) {
                flushing = 0;
                continue;
            }
            w = wait_sock(c, POLLIN | POLLOUT, deadline);
            if (w > 0 && !PQconsumeInput(c)) break;
        } else if (PQisBusy(c)) {
            w = wait_sock(c, POLLIN, deadline);
            if (w > 0 && !PQconsumeInput(c)) break;
        } else {
            PGresult *r = PQgetResult(c);
            if (!r) break;
            ExecStatusType st = PQresultStatus(r); /* before keep, which may free r */
            keep(&last, r);
            if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) break; /* not db.h's */
            continue;
        }
        if (w < 0) {
            drop(db, &last);
            break;
        }
        if (w == 0 && db->late == LATE_NO) {
            db->late = LATE_CANCELLED;
            deadline = now_ms() + CANCEL_GRACE_MS;
            if (cancel_within(c, deadline)) continue; /* its answer, within the grace */
        }
        if (w == 0) {
            db->late = LATE_DROPPED;
            db->retry_at = now_ms() + HOLD_OFF_MS;
            drop(db, &last);
            break;
        }
    }
    PQsetnonblocking(c, 0); /* blocking between calls: pg_copy.c's COPY expects it */
    return last;
}

static PGresult *call_exec(pg_db *db, const char *sql) {
    PQsetnonblocking(db->c, 1);
    return await(db, PQsendQuery(db->c, sql));
}

/* Polls a connection begun with PQconnectStartParams or PQresetStart to its
 * end, within the deadline. 0, or -1 with the error set. */
static int finish_connect(pg_db *db, int reset) {
    long long deadline = now_ms() + db->timeout_ms;
    db->late = LATE_NO;
    PostgresPollingStatusType ps = PQstatus(db->c) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (ps == PGRES_POLLING_READING || ps == PGRES_POLLING_WRITING) {
        int w = wait_sock(db->c, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);
        if (w == 0) {
            /* left half made: the next call starts again (ready() resets
             * whatever is not CONNECTION_OK) */
            db->late = LATE_CONNECT;
            db->retry_at = now_ms() + HOLD_OFF_MS;
            break;
        }
        if (w < 0) break;
        ps = reset ? PQresetPoll(db->c) : PQconnectPoll(db->c);
    }
    if (PQstatus(db->c) == CONNECTION_OK) return 0;
    if (db->late) {
        set_late(db, 0);
    } else {
        set_msg(db, PQerrorMessage(db->c));
        db->ecl = KS_DBE_CONN;
    }
    return -1;
}

/* --- the connection --------------------------------------------------------- */

/* Run after each connect and reset. */
static int on_connect(pg_db *db) {
    db->lock_ms = 0;
    if (!db->readonly) return 0;
    PGresult *r = call_exec(db, "SET default_transaction_read_only = on");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) set_err(db, r, 0);
    PQclear(r);
    return ok ? 0 : -1;
}

/* Every call that talks to the server starts here: a connection found bad
 * is reset (outside a transaction), and DEALLOCATEs left over run. 0 or -1
 * (the error set). */
static int ready(pg_db *db) {
    if (db->lost_tx) {
        db->ecl = KS_DBE_CONN;
        set_msg(db, "the connection to PostgreSQL was lost inside a transaction: roll back first");
        return -1;
    }
    if (PQstatus(db->c) != CONNECTION_OK) { /* lost, dropped, or a connect cut short */
        if (db->retry_at && now_ms() < db->retry_at) {
            db->ecl = KS_DBE_TIMEOUT;
            set_msg(db, "PostgreSQL did not answer a moment ago: not tried again yet");
            return -1;
        }
        db->retry_at = 0;
        db->late = LATE_NO;
        db->gen++;
        kt_sb_cut(&db->dealloc, 0); /* the new session has none of the old statements */
        if (!db->timeout_ms) {
            PQreset(db->c); /* bounded by connect_timeout */
            if (PQstatus(db->c) != CONNECTION_OK) {
                set_err(db, NULL, 0);
                return -1;
            }
        } else if (!PQresetStart(db->c) || finish_connect(db, 1) < 0) {
            if (!db->late) {
                set_msg(db, PQerrorMessage(db->c));
                db->ecl = KS_DBE_CONN;
            }
            return -1;
        }
        if (on_connect(db) < 0) return -1;
    }
    /* Both only between transactions: a SET in one is undone by its
     * rollback, a DEALLOCATE that failed would abort it. lock_timeout: a
     * fifth of the deadline, so that a writer waiting for a case's row
     * lock fails with 55P03 (KS_DBE_BUSY: the store tries again, up to
     * five times) rather than meeting the deadline. */
    long lock = db->timeout_ms ? (db->timeout_ms + 4) / 5 : 0;
    if (lock != db->lock_ms && PQtransactionStatus(db->c) == PQTRANS_IDLE) {
        char sql[48];
        snprintf(sql, sizeof sql, "SET lock_timeout = %ld", lock);
        PGresult *r = call_exec(db, sql);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) db->lock_ms = lock;
        if (db->late) set_err(db, r, 0);
        PQclear(r);
        if (db->late) return -1;
    }
    if (db->dealloc.len && PQtransactionStatus(db->c) == PQTRANS_IDLE) {
        PGresult *r = call_exec(db, db->dealloc.p);
        if (db->late) set_err(db, r, 0);
        PQclear(r); /* a failure only leaves statements behind until the session ends */
        kt_sb_cut(&db->dealloc, 0);
        if (db->late) return -1;
    }
    return 0;
}

static int in_tx_now(const pg_db *db) {
    PGTransactionStatusType t = PQtransactionStatus(db->c);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* "INSERT 0 3", "UPDATE 3", "DELETE 3", "MERGE 3" (with or without
 * RETURNING) set changes, as sqlite3_changes counts only those. */
static void note_changes(pg_db *db, PGresult *r) {
    const char *s = PQcmdStatus(r);
    if (!strncmp(s, "INSERT ", 7) || !strncmp(s, "UPDATE ", 7) || !strncmp(s, "DELETE ", 7) ||
        !strncmp(s, "MERGE ", 6))
        db->changes = atol(PQcmdTuples(r));
}

static void pg_close(ks_db *d) {
    pg_db *db = DB(d);
    PQfinish(db->c);
    kt_sb_free(&db->err);
    kt_sb_free(&db->dealloc);
    free(db);
}

/* ROLLBACK, ROLLBACK WORK, ROLLBACK TRANSACTION (not ROLLBACK TO a savepoint). */
static int is_rollback(const char *sql) {
    while (*sql == ' ' || *sql == '\n' || *sql == '\t') sql++;
    if (strncasecmp(sql, "ROLLBACK", 8)) return 0;
    sql += 8;
    while (*sql == ' ' || *sql == '\n' || *sql == '\t') sql++;
    if (!strncasecmp(sql, "WORK", 4)) sql += 4;
    else if (!strncasecmp(sql, "TRANSACTION", 11)) sql += 11;
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == ';') sql++;
    return *sql == '\0';
}

static int pg_exec(ks_db *d, const char *sql) {
    pg_db *db = DB(d);
    if (db->lost_tx && is_rollback(sql)) {
        /* done: the server dropped the transaction with the connection;
         * the next call reconnects */
        db->lost_tx = 0;
        set_ok(db);
        return 0;
    }
    if (ready(db) < 0) return -1;
    int was_tx = in_tx_now(db);
    PGresult *r = call_exec(db, sql);
    ExecStatusType st = PQresultStatus(r);
    if (r && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)) {
        note_changes(db, r);
        PQclear(r);
        set_ok(db);
        return 0;
    }
    set_err(db, r, was_tx);
    PQclear(r);
    return -1;
}

/* --- statements ------------------------------------------------------------- */

static int ident_char(char c) {
    return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || (unsigned char)c >= 0x80;
}

/* `?` and `?N` to `$N` outside '...' (and E'...'), "...", $tag$...$tag$,
 * -- and nested block comments. A bare `?` is one more than the largest
 * number so far, as in SQLite. 0, or -1 with a message in *msg. */
static int rewrite(const char *sql, kt_sb *out, int *nparams, kt_sb *used, const char **msg) {
    int maxn = 0;
    const char *p = sql;
    while (*p) {
        char c = *p;
        if (c == '\'' || c == '"') {
            /* E'..' strings take backslash escapes; the E was copied already */
            int esc = c == '\'' && p > sql && (p[-1] | 32) == 'e' && !(p - 1 > sql && ident_char(p[-2]));
            const char *s = p++;
            for (;;) {
                if (!*p) break;
                if (esc && *p == '\\' && p[1]) { p += 2; continue; }
                if (*p == c) {
                    if (p[1] == c) { p += 2; continue; } /* '' or "" inside */
                    p++;
                    break;
                }
                p++;
            }
            kt_sb_mem(out, s, (size_t)(p - s));
        } else if (c == '-' && p[1] == '-') {
            const char *s = p;
            while (*p && *p != '\n') p++;
            kt_sb_mem(out, s, (size_t)(p - s));
        } else if (c == '/' && p[1] == '*') {
            const char *s = p;
            int depth = 0;
            while (*p) {
                if (p[0] == '/' && p[1] == '*') { depth++; p += 2; }
                else if (p[0] == '*' && p[1] == '/') { p += 2; if (--depth == 0) break; }
                else p++;
            }
            kt_sb_mem(out, s, (size_t)(p - s));
        } else if (c == '$' && !(p > sql && (ident_char(p[-1]) || p[-1] == '$'))) {
            /* $tag$ ... $tag$ (tag may be empty); a $ not opening one (as $1) is copied */
            const char *t = p + 1;
            while (ident_char(*t) && !(t == p + 1 && *t >= '0' && *t <= '9')) t++;
            if (*t == '$') {
                size_t taglen = (size_t)(t - p) + 1; /* "$tag$" */
                const char *end = t + 1;
                for (;;) {
                    end = strchr(end, '$');
                    if (!end || !strncmp(end, p, taglen)) break;
                    end++;
                }
                const char *stop = end ? end + taglen : p + strlen(p);
                kt_sb_mem(out, p, (size_t)(stop - p));
                p = stop;
            } else {
                kt_sb_chr(out, *p++);
            }
        } else if (c == '?') {
            long n;
            p++;
            if (*p >= '0' && *p <= '9') {
                char *e;
                errno = 0;
                n = strtol(p, &e, 10);
                if (errno || n < 1 || n > 65535) {
                    *msg = "a ?N placeholder's N must be 1 to 65535";
                    return -1;
                }
                p = e;
            } else {
                n = maxn + 1;
                if (n > 65535) {
                    *msg = "more than 65535 placeholders";
                    return -1;
                }
            }
            if (n > maxn) maxn = (int)n;
            while (used->len < (size_t)n) kt_sb_chr(used, 0);
            if (!used->err) used->p[n - 1] = 1;
            kt_sb_chr(out, '$');
            kt_sb_int(out, n);
        } else {
            kt_sb_chr(out, *p++);
        }
    }
    if (out->err || used->err) {
        *msg = "out of memory";
        return -1;
    }
    *nparams = maxn;
    return 0;
}

/* Prepares q on the connection's current generation. 0 or -1. */
static int server_prepare(pg_q *q) {
    pg_db *db = DB(q->base.db);
    int was_tx = in_tx_now(db);
    PQsetnonblocking(db->c, 1);
    PGresult *r = await(db, PQsendPrepare(db->c, q->name, q->sql, q->nparams, q->types));
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_err(db, r, was_tx);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    q->gen = db->gen;
    return 0;
}

static void drop_result(pg_q *q) {
    PQclear(q->res);
    q->res = NULL;
    q->row = -1;
    q->done = 0;
}

static void free_vals(pg_q *q) {
    for (int i = 0; i < q->nparams; i++) {
        free(q->vals[i]);
        q->vals[i] = NULL;
        q->lens[i] = 0;
    }
}

static void pg_finalize(ks_q *kq) {
    pg_q *q = Q(kq);
    pg_db *db = DB(kq->db);
    drop_result(q);
    /* The server keeps a prepared statement until the session ends: drop
     * it, but not with a round trip of its own: queued, the DEALLOCATE
     * goes with the connection's next call outside a transaction (ready()). */
    if (q->gen && q->gen == db->gen && PQstatus(db->c) == CONNECTION_OK)
        kt_sb_fmt(&db->dealloc, "DEALLOCATE %s;", q->name);
    free_vals(q);
    free(q->vals);
    free(q->lens);
    free(q->types);
    free(q->sql);
    free(q);
}

static int pg_prepare(ks_db *d, const char *sql, ks_q **out) {
    pg_db *db = DB(d);
    *out = NULL;
    pg_q *q = calloc(1, sizeof *q);
    if (!q) {
        db->ecl = KS_DBE_NOMEM;
        set_msg(db, "out of memory");
        return -1;
    }
    q->base.db = d;
    q->row = -1;
    q->ncols = -1;
    kt_sb s = {0}, used = {0};
    const char *msg = NULL;
    if (rewrite(sql, &s, &q->nparams, &used, &msg) < 0) {
        db->ecl = s.err || used.err ? KS_DBE_NOMEM : KS_DBE_OTHER;
        kt_sb_free(&s);
        kt_sb_free(&used);
        free(q);
        set_msg(db, msg);
        return -1;
    }
    if (memchr(used.p ? used.p : "", 0, used.len)) {
        q->types = calloc((size_t)q->nparams, sizeof *q->types);
        for (int i = 0; q->types && i < q->nparams; i++) q->types[i] = used.p[i] ? 0 : 25; /* TEXTOID */
    }
    int types_ok = !used.len || !memchr(used.p, 0, used.len) || q->types;
    kt_sb_free(&used);
    q->sql = s.p ? kt_sb_take(&s) : strdup("");
    size_t n = q->nparams ? (size_t)q->nparams : 1;
    q->vals = calloc(n, sizeof *q->vals);
    q->lens = calloc(n, sizeof *q->lens);
    if (!q->sql || !q->vals || !q->lens || !types_ok) {
        free(q->sql), free(q->vals), free(q->lens), free(q->types), free(q);
        db->ecl = KS_DBE_NOMEM;
        set_msg(db, "out of memory");
        return -1;
    }
    snprintf(q->name, sizeof q->name, "ks%lu", ++db->next_name);
    if (ready(db) < 0 || server_prepare(q) < 0) {
        q->gen = 0; /* nothing to DEALLOCATE */
        pg_finalize(&q->base);
        return -1;
    }
    set_ok(db);
    *out = &q->base;
    return 0;
}

static int bind_copy(pg_q *q, int i, const char *s, size_t n) {
    pg_db *db = DB(q->base.db);
    if (i < 1 || i > q->nparams) {
        db->ecl = KS_DBE_OTHER;
        set_msg(db, "bind: parameter index out of range");
        return -1;
    }
    char *v = NULL;
    if (s) {
        v = malloc(n + 1);
        if (!v) {
            db->ecl = KS_DBE_NOMEM;
            set_msg(db, "out of memory");
            return -1;
        }
        memcpy(v, s, n);
        v[n] = '\0';
    }
    free(q->vals[i - 1]);
    q->vals[i - 1] = v;
    q->lens[i - 1] = (int)n;
    return 0;
}

static int pg_bind_text(ks_q *q, int i, const char *s, int n) {
    return bind_copy(Q(q), i, s, n < 0 ? strlen(s) : (size_t)n);
}
static int pg_bind_int64(ks_q *q, int i, long long v) {
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    return bind_copy(Q(q), i, tmp, (size_t)n);
}
static int pg_bind_null(ks_q *q, int i) { return bind_copy(Q(q), i, NULL, 0); }

/* Runs q and holds its result. 0 or -1. */
static int run(pg_q *q) {
    pg_db *db = DB(q->base.db);
    if (ready(db) < 0) return -1;
    if (q->gen != db->gen && server_prepare(q) < 0) return -1;
    int was_tx = in_tx_now(db);
    PQsetnonblocking(db->c, 1);
    PGresult *r = await(db, PQsendQueryPrepared(db->c, q->name, q->nparams, (const char *const *)q->vals,
                                                q->lens, NULL, 0));
    ExecStatusType st = PQresultStatus(r);
    if (r && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
        note_changes(db, r);
        q->res = r;
        q->row = -1;
        set_ok(db);
        return 0;
    }
    set_err(db, r, was_tx);
    PQclear(r);
    return -1;
}

static int pg_step(ks_q *kq) {
    pg_q *q = Q(kq);
    if (q->done) drop_result(q); /* stepped after DONE: run again */
    if (!q->res && run(q) < 0) return KS_Q_ERROR;
    if (q->row + 1 < PQntuples(q->res)) {
        q->row++;
        return KS_Q_ROW;
    }
    q->row = PQntuples(q->res);
    q->done = 1;
    return KS_Q_DONE;
}

static int pg_column_count(ks_q *kq) {
    pg_q *q = Q(kq);
    if (q->res) return PQnfields(q->res);
    if (q->ncols < 0) { /* asked before the first step: the server describes it */
        pg_db *db = DB(kq->db);
        if (ready(db) < 0 || (q->gen != db->gen && server_prepare(q) < 0)) return 0;
        PQsetnonblocking(db->c, 1);
        PGresult *r = await(db, PQsendDescribePrepared(db->c, q->name));
        if (PQresultStatus(r) == PGRES_COMMAND_OK) q->ncols = PQnfields(r);
        else set_err(db, r, in_tx_now(db));
        PQclear(r);
    }
    return q->ncols < 0 ? 0 : q->ncols;
}

/* A cell of the current row, or NULL when there is none (no row, column
 * out of range, SQL NULL). */
static const char *cell(pg_q *q, int col, int *len) {
    *len = 0;
    if (!q->res || q->row < 0 || q->row >= PQntuples(q->res) || col < 0 || col >= PQnfields(q->res) ||
        PQgetisnull(q->res, q->row, col))
        return NULL;
    *len = PQgetlength(q->res, q->row, col);
    return PQgetvalue(q->res, q->row, col);
}

static int pg_is_null(ks_q *q, int col) {
    int n;
    return cell(Q(q), col, &n) == NULL;
}
static const char *pg_text(ks_q *q, int col) {
    int n;
    return cell(Q(q), col, &n);
}
static int pg_bytes(ks_q *q, int col) {
    int n;
    cell(Q(q), col, &n);
    return n;
}
#define BOOLOID 16 /* pg_type.h's, which libpq-dev does not install */
static long long pg_col_int64(ks_q *kq, int col) {
    pg_q *q = Q(kq);
    int n;
    const char *s = cell(q, col, &n);
    if (!s) return 0;
    /* booleans as SQLite gives them (1/0), so `SELECT x IS NULL` reads alike */
    if (PQftype(q->res, col) == BOOLOID) return s[0] == 't';
    return strtoll(s, NULL, 10); /* as sqlite3_column_int64: a leading number, else 0 */
}

static void pg_reset(ks_q *q) { drop_result(Q(q)); }
static void pg_clear(ks_q *q) { free_vals(Q(q)); }

static const char *pg_errmsg(const ks_db *d) {
    const pg_db *db = (const pg_db *)d;
    return db->err.p && db->err.len ? db->err.p : "not an error";
}
static ks_db_errclass pg_errclass(const ks_db *d) { return ((const pg_db *)d)->ecl; }
static long pg_changes(const ks_db *d) { return ((const pg_db *)d)->changes; }
static int pg_in_tx(const ks_db *d) {
    const pg_db *db = (const pg_db *)d;
    return db->lost_tx || in_tx_now(db);
}
static void *pg_native(ks_db *d) { return DB(d)->c; }
static void pg_set_timeout(ks_db *d, long ms) { DB(d)->timeout_ms = ms < 0 ? DB(d)->default_ms : ms; }
static long pg_timeout(const ks_db *d) { return ((const pg_db *)d)->timeout_ms; }

static const ks_db_driver pg_driver = {
    KS_DB_PG,   pg_close,        pg_exec,     pg_prepare,   pg_errmsg,     pg_errclass,  pg_changes,
    pg_in_tx,   pg_native,       pg_bind_text, pg_bind_int64, pg_bind_null, pg_step,     pg_column_count,
    pg_is_null, pg_text,         pg_bytes,    pg_col_int64,     pg_reset,      pg_clear,     pg_finalize,
    pg_set_timeout, pg_timeout,
};

static void no_notices(void *arg, const char *message) { (void)arg, (void)message; }

int ks__db_pg_open(const char *uri, unsigned flags, ks_db **out, char *errbuf, size_t errlen) {
    *out = NULL;
    pg_db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    db->base.drv = &pg_driver;
    db->gen = 1;
    db->readonly = (flags & KS_DB_READONLY) != 0;
    db->timeout_ms = db->default_ms = ks_db_default_timeout();
    /* The defaults come first: the URI (dbname, expanded) overrides them;
     * the encoding last, as the store's text is UTF-8. See the top of the
     * file for the values. */
    const char *keys[12], *vals[12];
    int k = 0;
    if (!getenv("PGCONNECT_TIMEOUT")) keys[k] = "connect_timeout", vals[k++] = "5";
    keys[k] = "keepalives", vals[k++] = "1";
    keys[k] = "keepalives_idle", vals[k++] = "10";
    keys[k] = "keepalives_interval", vals[k++] = "5";
    keys[k] = "keepalives_count", vals[k++] = "3";
    keys[k] = "tcp_user_timeout", vals[k++] = "10000";
    keys[k] = "application_name", vals[k++] = "kontakt";
    keys[k] = "dbname", vals[k++] = uri;
    keys[k] = "client_encoding", vals[k++] = "UTF8";
    keys[k] = NULL, vals[k] = NULL;
    if (!db->timeout_ms) { /* bounded by connect_timeout */
        db->c = PQconnectdbParams(keys, vals, 1);
    } else {
        db->c = PQconnectStartParams(keys, vals, 1);
        if (db->c) finish_connect(db, 0);
    }
    if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
        if (!db->err.len) set_msg(db, db->c ? PQerrorMessage(db->c) : "out of memory");
        snprintf(errbuf, errlen, "PostgreSQL: %s", db->err.p);
        pg_close(&db->base);
        return -1;
    }
    /* libpq prints the server's notices and warnings ("there is no
     * transaction in progress") on stderr; the library never prints */
    PQsetNoticeProcessor(db->c, no_notices, NULL);
    if (on_connect(db) < 0) {
        snprintf(errbuf, errlen, "PostgreSQL: %s", db->err.p);
        pg_close(&db->base);
        return -1;
    }
    set_ok(db);
    *out = &db->base;
    return 0;
}

#endif /* KS_HAVE_PG */
