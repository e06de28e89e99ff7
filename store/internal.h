/* internal.h -- shared by the files of the store (store/); not part of the
 * interface (include/kontakt_store.h). The store speaks SQL through db.h;
 * what only SQLite does is in sqlite_only.c and the sqlite_* functions of
 * import.c. */
#ifndef KS_INTERNAL_H
#define KS_INTERNAL_H

#include "kontakt_buf.h"
#include "kontakt_store.h"

#include "db.h"

#include <jansson.h>
#include <stddef.h>

/* Prepared statements, made once per store and reused. */
typedef enum ks_stmt_id {
    ST_CASE_GET,
    ST_CASE_INSERT,
    ST_CASE_SET_CASEWORKER,
    ST_CASE_SET_JOBCENTER,
    ST_EVENT_INSERT,
    ST_EVENTS_OF_CASE,
    ST_EVENTS_OF_CASE_AT,
    ST_EVENT_GET,
    ST_IDENTITY_EXISTS,
    ST_OBLIGATIONS_DELETE,
    ST_OBLIGATION_INSERT,
    ST_OBLIGATION_UPSERT,
    ST_OBLIGATIONS_OF_CASE,
    ST_OBLIGATIONS_DELETE_FROM,
    ST_PLAN_TOUCH,
    ST_PLAN_UPSERT,
    ST_MAX_SEQ,
    ST_CASE_OWNER,
    /* PostgreSQL only: the case's row lock (a writer's per-case
     * serialization), a case's insert that leaves an existing one alone */
    ST_CASE_LOCK,
    ST_CASE_INSERT_NEW,
    ST_COUNT
} ks_stmt_id;

struct ks_store {
    ks_db *db; /* SQLite or PostgreSQL (db.h) */
    unsigned flags;
    int version;
    kt_date today;
    int has_now;
    char now_fixed[25];
    char actor[65];
    kt_engine *engine;
    ks_q *st[ST_COUNT];
    long next_seq; /* inside a write transaction: the next event's seq
                    * (PostgreSQL: 0 until ks__next_seq draws it) */
    long last_seq; /* the seq of the event written last */
    int pg;        /* on PostgreSQL */
    int busy;      /* the last failure was KS_DBE_BUSY (a retry may succeed) */
    int wal_pages; /* pages in the write-ahead log after the last commit */
    int in_tx;
    /* ks_log_next_write: the access-log row of the next write */
    int log_pending, log_seq;
    char log_who[161], log_jobcenter[129], log_case[129], log_action[96];
};

/* A commit that leaves more pages than this in the log checkpoints (8 KiB
 * pages: 128 MiB). */
#define KS_WAL_CHECKPOINT_PAGES 16384

/* Fills err (if any) and returns status. */
int ks__fail(ks_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A failure of the database: KS_EDB (KS_EFOREIGN for a damaged file, KS_ENOMEM). */
int ks__dbfail(ks_store *s, ks_error *err, const char *what);

ks_q *ks__stmt(ks_store *s, ks_stmt_id id, ks_error *err);
/* ks_db_prepare of SQL written for SQLite's dialect, made PostgreSQL's on
 * PostgreSQL (pg_dialect.c says what is rewritten). */
int ks__prepare(ks_store *s, const char *sql, ks_q **out);
int ks__exec(ks_store *s, const char *sql, ks_error *err);

/* The statement that opens a write transaction (SQLite: BEGIN IMMEDIATE). */
const char *ks__begin_write_sql(ks_store *s);
/* The seq the next event gets: SQLite's last + 1 read at ks__begin; on
 * PostgreSQL nextval('events_seq'), drawn when first asked for after the
 * previous insert (gaps are fine). 0 if it cannot be had (then the insert
 * fails too). Identities like "correction:SEQ" are made from it. */
long ks__pg_nextval(ks_store *s);
static inline long ks__next_seq(ks_store *s) { return s->next_seq > 0 ? s->next_seq : ks__pg_nextval(s); }
/* PostgreSQL: a writer takes its case's row lock first (SELECT ... FOR
 * UPDATE), so that two servers writing one case take turns; nothing on
 * SQLite (BEGIN IMMEDIATE serializes every writer). KS_ENOTFOUND if no case. */
int ks__lock_case(ks_store *s, const char *case_id, ks_error *err);
/* Whether a failed write (rc) is worth another try: on PostgreSQL a
 * deadlock or serialization failure (KS_DBE_BUSY), a few times, after a
 * short pause; never on SQLite (its busy handler waits already). */
int ks__retry(ks_store *s, int rc, int attempt);
/* BEGIN IMMEDIATE (and s->next_seq), COMMIT, ROLLBACK. */
int ks__begin(ks_store *s, ks_error *err);
int ks__commit(ks_store *s, ks_error *err);
void ks__rollback(ks_store *s);
/* Writes the pending access-log row (ks_log_next_write), if any, inside the
 * current transaction, its action followed by " SEQ" (the event written or
 * found; none if seq <= 0); clears it. */
int ks__write_pending_log(ks_store *s, long seq, ks_error *err);

/* The current UTC time (or the fixed one) as YYYY-MM-DDTHH:MM:SS.mmmZ. */
void ks__now(const ks_store *s, char out[25]);

/* Canonical JSON: sorted keys, compact. malloc'ed; NULL on no memory. */
char *ks__canon(const json_t *v);

/* ---- canonical JSON from text (canon.c) ---------------------------------------- */

typedef struct ks_span {
    const char *p;
    size_t n;
} ks_span;

/* Appends to b the canonical form of the JSON text, byte for byte what
 * ks__canon of its jansson tree gives, if the text is plain (canon.c says
 * what that is): 1. Otherwise 0 (use jansson), or -1 for no memory; b is
 * then as it was. */
int ks__canon_plain(const char *text, size_t len, kt_sb *b);

/* Walks the members of a plain object or the elements of a plain array:
 * open (open '{' or '['; 0 if the text is not one), then next until 0 (the
 * end) or -1 (not plain). Keys are given without their quotes. */
typedef struct ks_plain_cursor {
    const char *p, *end;
    int first;
} ks_plain_cursor;
int ks__plain_open(ks_plain_cursor *c, const char *text, size_t len, char open);
int ks__plain_member(ks_plain_cursor *c, ks_span *key, ks_span *value);
int ks__plain_element(ks_plain_cursor *c, ks_span *value);
int ks__span_is(ks_span s, const char *lit);

int ks__kind_parse(const char *s);

/* The identity of a record known by its content (conversation, event,
 * category): "h" + the first 16 hex digits of the SHA-256 of its canonical
 * JSON (docs/store.md, "Identity"). */
#define KS_CONTENT_ID_LEN 17
void ks__content_identity(const char *canon, char out[KS_CONTENT_ID_LEN + 1]);

/* ---- SQLite only (sqlite_only.c): on the raw handle, ks_db_sqlite(s->db) ---- */

/* Once per process, before SQLite is first used. */
void ks__sqlite_setup(void);
/* The first look at an existing file (header, application_id, schema
 * version, a hot journal rolled back): refused files are left untouched. */
int ks__sqlite_check_existing(const char *path, unsigned flags, ks_error *err);
/* Busy handler, page size, WAL, synchronous=FULL, the WAL hook (docs/store.md). */
int ks__sqlite_set_pragmas(ks_store *s, ks_error *err);
int ks__sqlite_checkpoint(ks_store *s, ks_error *err);
int ks__sqlite_integrity_check(ks_store *s, char **report, ks_error *err);
/* The file header's application_id and user_version, the count of schema
 * objects; and the stamp of both after a migration. */
int ks__sqlite_header_version(ks_store *s, long *app, long *uv, long *objects, ks_error *err);
int ks__sqlite_stamp_version(ks_store *s, ks_error *err);

/* import.c: at open, what a killed staged import left: applied past its
 * point of no return, else deleted (docs/store.md, "Import into a store in
 * use"); nothing if an import is under way. */
int ks__import_recover(ks_store *s, ks_error *err);

/* schema.c */
int ks__migrate(ks_store *s, ks_error *err);
/* Either backend, once its migration is done or not to be done: the store
 * is at schema version v (s->version); refused (KS_EFOREIGN) if that is
 * none (an empty database) or older than this program's (opened read-only). */
int ks__schema_usable(ks_store *s, long v, ks_error *err);
/* Computes every stored plan again, each as of the day it was computed for
 * (a migration's new columns; either backend, inside the caller's
 * transaction). A case the engine no longer accepts keeps its rows. */
int ks__replan_all(ks_store *s, ks_error *err);
/* schema_pg.c: the schema on PostgreSQL, created in an empty database
 * under an advisory lock; the version read from meta; ks_check's queries */
int ks__pg_migrate(ks_store *s, ks_error *err);
int ks__pg_check(ks_store *s, char **report, ks_error *err);
extern const char ks__pg_schema_4[];
/* Drops (create 0) or builds (1) the secondary indexes around a bulk import. */
int ks__bulk_indexes(ks_store *s, int create, ks_error *err);
/* The same build in two steps: every index but obligations_by_deadline,
 * then that one (ks__obligations_index_sql, also for a side file). */
int ks__bulk_indexes_small(ks_store *s, ks_error *err);
extern const char ks__obligations_index_sql[];
/* store.c: 1-64 printable ASCII characters (ids, jobcentres, names). */
int ks__valid_name(const char *s);
/* The one check of an id the store keeps besides the case's own (a
 * caseworker, a jobcentre): 1-64 printable characters and not CPR-like.
 * `what` names it in the error ("caseworker", "jobcentre"). */
int ks__check_id(const char *what, const char *id, ks_error *err);

/* ---- events of one case in memory (case_build.c) ---------------------------- */

typedef struct ks_ev {
    long seq;
    int kind;        /* ks_kind */
    json_t *body;    /* owned */
    long corrects;   /* 0 = none */
    char *identity;  /* owned */
} ks_ev;

typedef struct ks_evlist {
    ks_ev *v;
    size_t n, cap;
} ks_evlist;

/* Appends (takes ownership of body, copies identity). */
int ks__evlist_push(ks_evlist *l, long seq, int kind, json_t *body, long corrects,
                    const char *identity);
void ks__evlist_free(ks_evlist *l);
/* Loads every event of a case (recorded at or before known_at, NULL = all). */
int ks__load_events(ks_store *s, const char *case_id, const char *known_at, ks_evlist *l,
                    ks_error *err);
/* The effective body of event i after corrections (NULL if retracted);
 * the index of the original a correction chain points to. */
const json_t *ks__effective(const ks_evlist *l, size_t i);
long ks__root_of(const ks_evlist *l, long seq);
/* Assembles the case-format.md object of a case from its events. */
json_t *ks__build_case(const char *case_id, const ks_evlist *l);

/* ---- plans (materialize.c) ---------------------------------------------------- */

/* Computes c's plan as of the store's today and replaces the case's
 * obligations and plans rows (fresh: the case had none). */
int ks__materialize(ks_store *s, const char *case_id, const kt_case *c, int fresh,
                    ks_error *err);
/* The plan of c as of today (thread-safe: the engine is shared read-only). */
int ks__plan(const kt_engine *e, kt_date today, const char *case_id, const kt_case *c,
             kt_plan **p, ks_error *err);
/* Writes plan p (computed as of the store's today) as the case's rows (p
 * stays the caller's). fresh: 0 the case has rows (only those that differ
 * are written), 1 it has none, KS_FRESH_PLAN_ONLY it has none and its
 * obligations are written elsewhere (a fresh import's side file): only its
 * `plans` row. */
#define KS_FRESH_PLAN_ONLY 2
int ks__write_plan(ks_store *s, const char *case_id, const kt_plan *p, int fresh, ks_error *err);
/* Binds obligation i of a case to the 24 parameters of ST_OBLIGATION_INSERT. */
/* What schema 4 keeps with each obligation besides the plan's: its course's
 * end (kt_plan_course_end) and the case's jobcentre and caseworker. */
typedef struct ks__ob_extra {
    kt_date course_end;
    const char *jobcenter, *caseworker; /* NULL = none */
} ks__ob_extra;
void ks__bind_obligation(ks_q *st, const char *case_id, size_t i, const kt_obligation *ob,
                         const ks__ob_extra *x);
/* Sets every obligation's jobcenter and caseworker to its case's where they
 * differ (after a bulk import's merge that reassigned a case meanwhile). */
#define KS_OBLIGATIONS_OWNER_FIX                                                               \
    "UPDATE obligations SET jobcenter = c.jobcenter, caseworker = c.caseworker FROM cases c"   \
    " WHERE c.id = obligations.case_id"                                                        \
    " AND (obligations.jobcenter IS DISTINCT FROM c.jobcenter"                                 \
    " OR obligations.caseworker IS DISTINCT FROM c.caseworker);"
/* The SQL of a prepared statement (for another connection). */
const char *ks__stmt_sql(ks_stmt_id id);
/* Loads the case's events, assembles and parses the case and materialises
 * its plan. An invalid case: its problems go to `problem` (with `line`) and
 * KS_EINVALID. */
int ks__rebuild(ks_store *s, const char *case_id, ks_problem_fn problem, void *ctx, long line,
                ks_error *err);

/* Reports kt_problems through a ks_problem_fn. */
void ks__report_problems(const kt_problems *p, ks_problem_fn fn, void *ctx, long line);

/* ---- a set of ids (idset.c) ---------------------------------------------------- */

typedef struct ks_idset ks_idset;
ks_idset *ks__idset_new(void); /* NULL: no memory */
void ks__idset_free(ks_idset *set);
/* 1 added, 0 it was there, -1 no memory. */
int ks__idset_add(ks_idset *set, const char *id);

/* ---- writing events (record.c) ------------------------------------------------- */

int ks__insert_event(ks_store *s, const char *case_id, int kind, const char *body,
                     const char *identity, long corrects, const char *recorded_at, long *seq,
                     ks_error *err);

/* ---- COPY on PostgreSQL (pg_copy.c) ---------------------------------------------- */

/* Appends a value in COPY's text format (escaped; NULL s is \N), a string
 * as the store binds it ("" and NULL are NULL), a date (KT_NO_DATE is NULL). */
void ks__copy_text(kt_sb *b, const char *s, size_t n);
void ks__copy_str(kt_sb *b, const char *s);
void ks__copy_date(kt_sb *b, kt_date d);
/* Obligation i of a case as one row of ks__copy_obligations_sql. */
void ks__copy_obligation(kt_sb *b, const char *case_id, size_t i, const kt_obligation *ob,
                         const ks__ob_extra *x);
extern const char ks__copy_obligations_sql[], ks__copy_obligations_freeze_sql[];
/* COPY ... FROM STDIN of len bytes of rows; COPY ... TO STDOUT, each row to
 * fn (non-zero stops). On the store's connection, inside its transaction.
 * KS_EDB with the server's message on failure (which aborts the
 * transaction). */
int ks__copy_in(ks_store *s, const char *sql, const char *data, size_t len, ks_error *err);
int ks__copy_out(ks_store *s, const char *sql, int (*fn)(void *ctx, const char *row, size_t len),
                 void *ctx, ks_error *err);
/* The valid_until a plan computed as of as_of is stored with (materialize.c). */
kt_date ks__plan_valid_until(kt_date as_of, const kt_plan *p);
/* idset.c: 1 if id is in the set. */
int ks__idset_has(const ks_idset *set, const char *id);

#endif
