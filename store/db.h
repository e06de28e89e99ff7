/* db.h -- the SQL connection the store speaks through, on SQLite or on
 * PostgreSQL (store/db_sqlite.c, store/db_pg.c). Internal to store/; the
 * interface the CLI and the server see is include/kontakt_store.h.
 *
 * The shape follows SQLite's own API (prepare, bind, step, column, reset)
 * so that the store reads the same on both backends:
 *
 *   - SQL text uses `?` or numbered `?N` placeholders; the PostgreSQL driver
 *     rewrites them to `$N` (outside quoted strings). Write SQL both accept:
 *     ON CONFLICT ... DO NOTHING/UPDATE rather than INSERT OR IGNORE/REPLACE,
 *     IS DISTINCT FROM rather than IS NOT, RETURNING rather than
 *     last_insert_rowid. Where the dialects must differ, branch on
 *     ks_db_kind().
 *   - Parameters are bound as text, 64-bit integers or NULL; text is copied
 *     at bind time. Bindings stay until ks_q_clear() or the next bind.
 *   - ks_q_step() gives KS_Q_ROW for each row, then KS_Q_DONE; KS_Q_ERROR on
 *     failure (ks_db_errmsg, ks_db_errclass say what). On PostgreSQL the
 *     first step runs the statement and holds its whole result, so a query
 *     may be stepped while another statement runs, as on SQLite; big scans
 *     are therefore done in batches (keyset paging), never as one result.
 *   - Column values are valid until the next step, reset or finalize of the
 *     same statement. A NULL column reads as NULL text, 0 as integer.
 *
 * A ks_db is one connection, used by one thread at a time. */
#ifndef KS_DB_H
#define KS_DB_H

#include <stddef.h>

typedef struct ks_db ks_db;
typedef struct ks_q ks_q;

typedef enum ks_db_kind { KS_DB_SQLITE = 1, KS_DB_PG = 2 } ks_db_kind;

/* Results of ks_q_step. */
enum { KS_Q_ERROR = -1, KS_Q_ROW = 1, KS_Q_DONE = 2 };

/* What kind of failure the last error was. */
typedef enum ks_db_errclass {
    KS_DBE_NONE = 0,
    KS_DBE_OTHER,      /* anything else (a bug in SQL, a full disk, ...) */
    KS_DBE_BUSY,       /* locked by another connection, or a serialization failure: retry */
    KS_DBE_CONSTRAINT, /* a unique, primary-key or check constraint refused the write */
    KS_DBE_DAMAGED,    /* not a database of ours, or a damaged one */
    KS_DBE_CONN,       /* the connection to the server is lost (PostgreSQL) */
    KS_DBE_NOMEM,
    KS_DBE_TIMEOUT     /* no answer within the statement deadline, or the server's
                        * statement_timeout (PostgreSQL): the statement was cancelled, or
                        * the connection dropped (the next call reconnects) */
} ks_db_errclass;

/* Open flags. */
enum { KS_DB_READONLY = 1, KS_DB_CREATE = 2 };

/* Which backend a store target names: "postgresql://..." or "postgres://..."
 * (a libpq URI) is PostgreSQL; "sqlite:FILE" or any other text is a SQLite
 * file. *rest is set to what the driver opens (the file without "sqlite:",
 * or the whole URI). */
ks_db_kind ks_db_target_kind(const char *target, const char **rest);

/* Opens a connection. On failure returns -1 and writes a message in
 * errbuf (never NULL on success). */
int ks_db_open(const char *target, unsigned flags, ks_db **out, char *errbuf, size_t errlen);
void ks_db_close(ks_db *db); /* finalizes nothing: finalize statements first */

ks_db_kind ks_db_kind_of(const ks_db *db);

/* Runs one or more statements without parameters or results. 0 or -1. */
int ks_db_exec(ks_db *db, const char *sql);
/* 0, or -1 (the statement could not be prepared). */
int ks_db_prepare(ks_db *db, const char *sql, ks_q **out);

/* The client-side deadline of each statement, in milliseconds (PostgreSQL;
 * nothing on SQLite, whose calls do not wait on a peer): a statement not
 * answered in time is cancelled, and if the server does not answer the
 * cancel either, the connection is dropped; the call fails with
 * KS_DBE_TIMEOUT. 0: none (bulk work: the import, index builds); < 0: the
 * default, KONTAKT_DB_TIMEOUT (seconds) or 10 s. It also bounds a
 * reconnect, and sets the session's lock_timeout to a fifth of it. */
void ks_db_set_timeout(ks_db *db, long ms);
long ks_db_timeout(const ks_db *db); /* 0 on SQLite */
/* The default for connections opened from now on, in this process (the
 * server sets it from its request timeout); < 0: back to KONTAKT_DB_TIMEOUT
 * or 10 s. */
void ks_db_set_default_timeout(long ms);
long ks_db_default_timeout(void);

const char *ks_db_errmsg(const ks_db *db);
ks_db_errclass ks_db_errclass_of(const ks_db *db);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
long ks_db_changes(const ks_db *db);
/* 1 inside an explicit transaction. */
int ks_db_in_tx(const ks_db *db);

/* The backend's own handle, for what only one backend does (SQLite's WAL
 * hook and pragmas, PostgreSQL's COPY): NULL on the other backend. */
struct sqlite3 *ks_db_sqlite(ks_db *db);
struct pg_conn *ks_db_pg(ks_db *db);

/* Parameters are numbered from 1; columns from 0 (as in SQLite). n < 0:
 * s is NUL-terminated. A NULL s binds NULL. */
int ks_q_bind_text(ks_q *q, int i, const char *s, int n);
/* The same without the copy where the backend can do without (SQLite's
 * SQLITE_STATIC; a driver that copies anyway just binds): s must stay valid
 * and unchanged while the binding is in place and the statement may still be
 * stepped (until it is rebound, cleared or finalized). Saves a malloc and a
 * copy per value on the import's and recording's hot paths. */
int ks_q_bind_text_static(ks_q *q, int i, const char *s, int n);
int ks_q_bind_int64(ks_q *q, int i, long long v);
int ks_q_bind_null(ks_q *q, int i);
int ks_q_step(ks_q *q);
int ks_q_column_count(ks_q *q);
int ks_q_is_null(ks_q *q, int col);
const char *ks_q_text(ks_q *q, int col);
int ks_q_bytes(ks_q *q, int col);
long long ks_q_int64(ks_q *q, int col);
/* Ready to run again (bindings stay). */
void ks_q_reset(ks_q *q);
/* Every binding back to NULL. */
void ks_q_clear(ks_q *q);
void ks_q_finalize(ks_q *q); /* NULL is fine */

#endif
