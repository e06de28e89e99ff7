/*
 * kontakt_store.h -- the durable case store (libkontakt-store).
 *
 * A jobcentre's cases as an append-only log of events in an embedded SQLite
 * database, with each case's plan kept materialised as events arrive
 * (docs/store.md describes the schema and the decisions behind it).
 *
 * The interface is narrow on purpose: nothing here names SQLite, so a
 * PostgreSQL backend can implement the same functions.
 *
 * Conventions:
 *  - Every fallible function returns KS_OK (0) or a negative ks_status and,
 *    if `err` is not NULL, fills it with a message. The library never prints
 *    and never exits.
 *  - Strings handed in are copied; strings handed out are either in
 *    caller-owned buffers or malloc'ed and freed by the caller with free().
 *  - Timestamps are UTC ISO-8601 with milliseconds, "2024-06-01T12:00:00.000Z".
 *  - A store handle belongs to one thread at a time; any number of processes
 *    may open the same database file at once.
 */
#ifndef KONTAKT_STORE_H
#define KONTAKT_STORE_H

#include "kontakt.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ks_status {
    KS_OK = 0,
    KS_EINVALID = -1,  /* invalid input (a case, a record, an argument) */
    KS_ENOTFOUND = -2, /* no such case, event or token */
    KS_EFOREIGN = -3,  /* the file is not a kontakt database, is newer, or is corrupt */
    KS_EDB = -4,       /* the database failed (I/O, locked for too long, full disk) */
    KS_ENOMEM = -5,
    KS_EDENIED = -6,   /* a revoked or unknown token */
    KS_EIO = -7,       /* reading input or a write callback failed */
} ks_status;

typedef struct ks_error {
    int status;
    char message[512];
} ks_error;

const char *ks_strerror(int status);

/* The schema version this program writes (docs/store.md, "Migrations"). */
#define KS_SCHEMA_VERSION 6
/* PRAGMA application_id of a kontakt database: "KTKT". */
#define KS_APPLICATION_ID 0x4B544B54

typedef struct ks_store ks_store;

enum {
    KS_OPEN_CREATE = 1,   /* create the file if it does not exist */
    KS_OPEN_READONLY = 2, /* never write (no migrations either) */
};

/* Opens (and with KS_OPEN_CREATE creates) the database at `path`, applying
 * migrations. Refuses, without writing to it, a file that is not a SQLite
 * database, a SQLite database of another program, a kontakt database newer
 * than this program, or a damaged one (KS_EFOREIGN). `path` may also be
 * `sqlite:FILE` or a PostgreSQL URI (postgresql://...): the database must
 * exist; an empty one gets the schema (docs/store.md, "PostgreSQL"). */
int ks_open(const char *path, unsigned flags, ks_store **out, ks_error *err);
void ks_close(ks_store *s);

/* The day plans are computed for when events are written (default: today,
 * local time). Tests and batch jobs set it. */
void ks_set_today(ks_store *s, kt_date today);
kt_date ks_today(const ks_store *s);
/* A fixed "now" for recorded_at (tests); NULL returns to the clock. */
void ks_set_now(ks_store *s, const char *timestamp);
/* Who writes: recorded_by of the events (default "unknown"). */
void ks_set_actor(ks_store *s, const char *who);

/* The jobcentre whose rows the connection may see and write, where the
 * database guards them per jobcentre (PostgreSQL's row-level security, for
 * a role in kontakt_app): set for each request after its token is checked;
 * NULL clears it (no case is then visible to such a role). A no-op on
 * SQLite, and for the database's owner, which the policies do not bind. */
int ks_set_jobcenter(ks_store *s, const char *jobcenter, ks_error *err);
/* 1 if the store shows a connection only the rows of the jobcentre set with
 * ks_set_jobcenter (PostgreSQL): work across jobcentres (the server's
 * background refresh) then goes through ks_jobcenters_each, one jobcentre
 * at a time. 0 on SQLite. */
int ks_per_jobcenter(const ks_store *s);
/* Calls fn for each jobcentre that has cases (in byte order), even for a
 * connection that sees none of them (PostgreSQL: kontakt_jobcenters(), a
 * SECURITY DEFINER function). fn returns non-zero to stop. */
int ks_jobcenters_each(ks_store *s, int (*fn)(void *ctx, const char *jobcenter), void *ctx,
                       ks_error *err);

/* SQLite: PRAGMA integrity_check; PostgreSQL: a few sanity queries (the
 * schema version, rows whose case is missing, obligations whose jobcentre
 * is not their case's). KS_OK if sound, else KS_EFOREIGN and *report
 * (malloc'ed) lists what is wrong. */
int ks_check(ks_store *s, char **report, ks_error *err);

/* Copies the write-ahead log into the database file (PASSIVE: never waits
 * for readers or writers). Writes do not checkpoint (unless the log has
 * grown past 128 MiB): call this from a maintenance thread now and then;
 * ks_close does it too. */
int ks_checkpoint(ks_store *s, ks_error *err);

/* The schema version of the open database. */
int ks_schema_version(const ks_store *s);

/* Parses a --known-at argument: YYYY-MM-DD (meaning the end of that day,
 * UTC), YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]. Writes the canonical 24-character
 * form into out. KS_EINVALID if it is not one of those. */
int ks_timestamp_parse(const char *s, char out[25]);

/* ---- problems with input ------------------------------------------------- */

/* Called once per problem in a record: `line` (1-based; 0 for a record that
 * is not from a file), `pointer` into the record (RFC 6901, "" = the whole
 * record), the message, what was expected ("" if nothing to say), and the
 * column in the line (0 where unknown). */
typedef void (*ks_problem_fn)(void *ctx, long line, const char *pointer, const char *message,
                              const char *expected, int column);

/* ---- import and export ----------------------------------------------------- */

typedef enum ks_format { KS_FORMAT_NDJSON, KS_FORMAT_CSV } ks_format;

typedef struct ks_import_options {
    ks_format format;
    const char *jobcenter; /* for NDJSON lines without "jobcenter"; may be NULL */
} ks_import_options;

typedef struct ks_import_result {
    long records;     /* lines (NDJSON) or rows (CSV) read */
    long invalid;     /* records with problems (then nothing was written) */
    long cases_new;   /* cases created */
    long cases_changed; /* existing cases that got new events */
    long events;      /* events appended, corrections included */
    long corrections; /* of those, corrections */
} ks_import_result;

/* Imports a whole file, all or nothing: every record is checked, and if
 * any is invalid, every problem is reported through `problem` and nothing is
 * written (KS_EINVALID). Idempotent: importing the same file again adds
 * nothing (docs/store.md, "Import"). A small file is one transaction; a
 * large NDJSON file into a store that has cases is staged and applied in
 * short transactions, so that others can write meanwhile (a kill past its
 * point of no return is completed by the next ks_open). */
int ks_import(ks_store *s, FILE *in, const ks_import_options *o, ks_problem_fn problem,
              void *ctx, ks_import_result *res, ks_error *err);

/* Copies every row of `from` into `to`, an empty store, on either backend
 * (docs/store.md, "Copying a store"): cases, events (seqs, recorded_at/by,
 * identities, corrections), obligations and plans as they are, tokens
 * (hashes), the access log and idempotency records. One snapshot of from,
 * one transaction in to. KS_EINVALID if to has any of those rows, or the
 * schema versions differ. No access-log row is added: to's log is from's. */
typedef struct ks_copy_result {
    long cases, events, obligations, plans, tokens, access_log, idempotency, capacity;
} ks_copy_result;
int ks_copy(ks_store *from, ks_store *to, ks_copy_result *res, ks_error *err);

/* Writes every case as it is now, one case-format.md object per line with
 * the extra members "jobcenter" and "caseworker" (ordered by id). */
int ks_export(ks_store *s, kt_write_fn w, void *ctx, ks_error *err);

/* ---- recording ----------------------------------------------------------- */

typedef enum ks_kind {
    KS_PERSON, KS_BENEFIT, KS_CATEGORY, KS_CONVERSATION, KS_EVENT, KS_ASSIGN, KS_CORRECTION,
    KS_KIND_COUNT
} ks_kind;
const char *ks_kind_name(ks_kind k);

/* Appends one event to an existing case: `body` is a JSON object in the
 * shape of case-format.md (a conversation, an event, a benefit period, or
 * {"from":D,"category":C} for a category change). The case with the new
 * event must still be valid (else KS_EINVALID, problems reported, nothing
 * written). The case's plan is recomputed in the same transaction. *seq is
 * the new event's number. */
int ks_record(ks_store *s, const char *case_id, ks_kind kind, const char *body,
              ks_problem_fn problem, void *ctx, long *seq, ks_error *err);
/* Recording is idempotent by the record's identity (docs/store.md,
 * "Identity"): a record the case already has, as it stands now (not
 * withdrawn, not corrected into something else), is not written again:
 * KS_OK, *seq = that event and *already = 1 (else 0). Any field that
 * differs (form, holder, held, topics, a time) makes another record. A
 * benefit period the case has with another body is refused (correct it). */
int ks_record_ex(ks_store *s, const char *case_id, ks_kind kind, const char *body,
                 ks_problem_fn problem, void *ctx, long *seq, int *already, ks_error *err);

/* Appends a correction of event `target` (of case_id): a replacement body,
 * or with body NULL a retraction. A correction of a correction corrects the
 * original. Same checks as ks_record. */
int ks_correct(ks_store *s, const char *case_id, long target, const char *body,
               ks_problem_fn problem, void *ctx, long *seq, ks_error *err);

/* Assigns the case to a caseworker (NULL: none); an "assign" event. */
int ks_assign(ks_store *s, const char *case_id, const char *caseworker, ks_error *err);

/* Moves the case to another jobcentre, unassigned there: the only way a case
 * changes jobcentre (an import naming another one is refused). Assign
 * events; the old jobcentre is copied to `from` (65 bytes; may be NULL).
 * KS_EINVALID if it is already there or the id is not a valid one. */
int ks_assign_jobcenter(ks_store *s, const char *case_id, const char *jobcenter, char *from,
                        ks_error *err);

/* 1 if the id looks like a CPR number (DDMMYY-XXXX, or 10 digits whose
 * first six are a real date DDMMYY): never to be stored in any id
 * (case-format.md: case, caseworker, jobcentre, a-kasse, actor, token
 * name). Every id the store or the server takes is checked with this. */
int ks_looks_like_cpr(const char *id);

/* ---- reading ------------------------------------------------------------- */

typedef struct ks_case_info {
    char id[65];
    char jobcenter[65];
    char caseworker[65]; /* "" = none */
    char created_at[25];
    long events;
} ks_case_info;

/* A case the connection may not see (PostgreSQL's row-level security, for
 * another jobcentre) is given with its id and jobcentre only, so that the
 * caller refuses it as another jobcentre's as on SQLite. */
int ks_case_info_get(ks_store *s, const char *case_id, ks_case_info *out, ks_error *err);

/* The cases of a jobcentre (and caseworker, if not NULL) with ids after
 * `after` (NULL = from the first), by id, at most `limit`: a page of the
 * caseload. fn gets the id and the caseworker ("" = none); non-zero stops. */
int ks_cases_list(ks_store *s, const char *jobcenter, const char *caseworker, const char *after,
                  long limit, int (*fn)(void *ctx, const char *id, const char *caseworker),
                  void *ctx, ks_error *err);

/* The case as the store knew it at `known_at` (NULL = now), assembled from
 * its events with corrections applied, as case-format.md JSON (malloc'ed,
 * no as_of). */
int ks_case_json(ks_store *s, const char *case_id, const char *known_at, char **json,
                 ks_error *err);

typedef struct ks_event_view {
    long seq;
    ks_kind kind;
    const char *body; /* JSON */
    long corrects;    /* 0 = none */
    const char *recorded_at, *recorded_by;
} ks_event_view;

/* Calls fn for every event of the case recorded at or before known_at (NULL
 * = all), in order. fn returns non-zero to stop. */
int ks_events_each(ks_store *s, const char *case_id, const char *known_at,
                   int (*fn)(void *ctx, const ks_event_view *ev), void *ctx, ks_error *err);

/* Recomputes the stored plans that may be stale on `as_of` (valid_until
 * before it, or computed for a later day) and sets as_of as the store's
 * today. In batches, each its own short transaction (other writers go
 * between them). *count: plans recomputed. */
int ks_refresh(ks_store *s, kt_date as_of, long *count, ks_error *err);
/* One batch of ks_refresh: at most `max` plans (<= 0: the default, 200) in
 * one transaction; *more (may be NULL): 1 if stale plans are left. */
int ks_refresh_batch(ks_store *s, kt_date as_of, long max, long *count, int *more,
                     ks_error *err);
/* How many plans (of `jobcenter`, NULL: all) a query for `day`
 * (KT_NO_DATE: the store's today) would read stale: valid_until before the
 * day, so that a new day may have changed them. *oldest: the earliest
 * as_of among them (KT_NO_DATE if none). Indexed; cheap after a refresh. */
int ks_stale_plans(ks_store *s, const char *jobcenter, kt_date day, long *count,
                   kt_date *oldest, ks_error *err);

/* The plan of a case as JSON (case-format.md; malloc'ed), computed from the
 * case as known at known_at (NULL = now), as of as_of (KT_NO_DATE = the
 * store's today). The stored obligations rows are the same plan in columns. */
int ks_plan_json(ks_store *s, const char *case_id, const char *known_at, kt_date as_of,
                 char **plan_json, ks_error *err);

/* ---- demo data --------------------------------------------------------------- */

/* Adds n synthetic cases (the benchmark generator's) of jobcentre
 * `jobcenter`, dated so that each case's own as_of falls on the store's
 * today. Ids demo-000000...; idempotent like an import. */
int ks_demo(ks_store *s, long n, const char *jobcenter, ks_import_result *res, ks_error *err);

/* ---- access: tokens and the access log ------------------------------------ */

typedef enum ks_role { KS_ROLE_CASEWORKER, KS_ROLE_MANAGER, KS_ROLE_AUDITOR, KS_ROLE_COUNT } ks_role;
const char *ks_role_name(ks_role r);
/* -1 if not a role name. */
int ks_role_parse(const char *s);

typedef struct ks_token_info {
    long id;
    char jobcenter[65];
    ks_role role;
} ks_token_info;

/* Creates a token: `token` receives it (shown once, never stored: only its
 * SHA-256 is), *id its number. */
#define KS_TOKEN_LEN 67 /* "kt_" + 64 hex digits */
int ks_token_create(ks_store *s, const char *jobcenter, ks_role role, char token[KS_TOKEN_LEN + 1],
                    long *id, ks_error *err);
/* KS_OK and *out for a valid token; KS_EDENIED for an unknown or revoked one. */
int ks_token_check(ks_store *s, const char *token, ks_token_info *out, ks_error *err);
int ks_token_revoke(ks_store *s, long id, ks_error *err);

/* Appends to the access log (at = now). case_id may be NULL. */
int ks_access_log_append(ks_store *s, const char *who, const char *jobcenter, const char *case_id,
                         const char *action, ks_error *err);

/* The access-log row of the next write (ks_record, ks_record_ex,
 * ks_correct, ks_assign): written in that write's transaction, so that the
 * write and its row are both stored or neither. A NULL jobcenter is the
 * case's. With with_seq the action gets " SEQ" (the event written); from
 * ks_record_ex it gets ":already" when nothing new was written (and " SEQ",
 * the event the case has). Used once: any write, or its failure, clears it. who NULL
 * clears it too. */
int ks_log_next_write(ks_store *s, const char *who, const char *jobcenter, const char *case_id,
                      const char *action, int with_seq);

/* Idempotency keys (POST with Idempotency-Key): the answer given to
 * (scope, key) and a hash of the request it answered. ks_idem_get: KS_OK
 * with *status and *response (malloc'ed) if request matches, KS_EINVALID if
 * the key was used for another request, KS_ENOTFOUND if unknown.
 * ks_idem_put keeps the answer (the first one wins: KS_EINVALID if another
 * was kept meanwhile) and drops keys older than 48 hours. */
int ks_idem_get(ks_store *s, const char *scope, const char *key, const char *request,
                int *status, char **response, ks_error *err);
int ks_idem_put(ks_store *s, const char *scope, const char *key, const char *request, int status,
                const char *response, ks_error *err);

/* Appends rows in one transaction (one commit, one sync: the server's
 * group commit); all or none. at = now for every row. */
typedef struct ks_access_row {
    const char *who, *jobcenter, *case_id, *action; /* jobcenter, case_id may be NULL */
} ks_access_row;
int ks_access_log_append_batch(ks_store *s, const ks_access_row *rows, size_t n, ks_error *err);

typedef struct ks_access_entry {
    long seq;
    const char *at, *who, *jobcenter, *case_id, *action; /* "" where none */
} ks_access_entry;

/* The access log of one case (NULL = all), oldest first. */
int ks_access_log_list(ks_store *s, const char *case_id,
                       int (*fn)(void *ctx, const ks_access_entry *e), void *ctx, ks_error *err);

/* SHA-256 of len bytes as 64 hex digits and a NUL. */
void ks_sha256_hex(const void *data, size_t len, char hex[65]);


/* ---- the caseload: worklist, timeliness, forecast (query.c) ---------------- */

/* These read the plans kept materialised as events arrive; they never
 * recompute one. An obligation stored as open whose deadline has passed on
 * as_of is read as overdue. docs/store.md, "Worklist, timeliness, forecast". */

typedef enum ks_worklist_order {
    KS_WL_BY_DEADLINE, /* earliest deadline first, overdue and open mixed (the CLI's) */
    KS_WL_DUE_FIRST    /* still to do on time first (deadline >= as_of, earliest first), then
                          the overdue (earliest first): what a caseworker can still meet */
} ks_worklist_order;

typedef struct ks_worklist_query {
    kt_date as_of;          /* KT_NO_DATE = the store's today */
    int within_days;        /* deadlines up to as_of + within_days (default 14) */
    int overdue_days;       /* overdue longer than this are left out (default 90; < 0: none) */
    const char *jobcenter;  /* NULL = every jobcentre */
    const char *caseworker; /* NULL = every caseworker */
    long limit;             /* 0 = no limit */
    long offset;            /* rows skipped first, in the query's order (paging) */
    ks_worklist_order order;
    const char *status;     /* NULL = both; "open" or "overdue" (as read on as_of) */
    int with_ended;         /* 1: also obligations of a course that ended before as_of
                               (default 0: those are history, for the reports) */
} ks_worklist_query;
void ks_worklist_query_init(ks_worklist_query *q);

/* One obligation due; strings live until the callback returns. */
typedef struct ks_worklist_item {
    const char *case_id, *jobcenter, *caseworker; /* caseworker "" = none */
    const char *rule, *group, *kind, *benefit, *generation;
    kt_date window_from, deadline;
    int required, counted;
    const char *status; /* "open" or "overdue" on as_of */
    int days_left;      /* deadline - as_of; negative when overdue */
    const char *why, *law, *seed;
    int quota;          /* a quota rule's holder (KT_HOLDER_*), -1 for an ordinary duty */
    int provisional;    /* 1: the rule rests on summaries (kt_obligation.provisional) */
    kt_date course_end; /* the course's last day as known, KT_NO_DATE while open-ended */
} ks_worklist_item;
typedef int (*ks_worklist_fn)(void *ctx, const ks_worklist_item *it); /* non-zero stops */

/* Open and overdue obligations with a deadline in [as_of - overdue_days,
 * as_of + within_days], in q->order, from q->offset on, at most q->limit. */
int ks_worklist(ks_store *s, const ks_worklist_query *q, ks_worklist_fn fn, void *ctx,
                ks_error *err);

/* The whole set of ks_worklist's query (not a page of it) counted by status
 * as read on as_of (q->limit, q->offset and q->status are ignored). */
int ks_worklist_counts(ks_store *s, const ks_worklist_query *q, long *open, long *overdue,
                       ks_error *err);

typedef enum ks_report_by {
    KS_BY_ALL, KS_BY_GROUP, KS_BY_MONTH, KS_BY_JOBCENTER, KS_BY_CASEWORKER,
    KS_BY_GROUP_MONTH, /* two keys: key = the group, key2 = the month */
    KS_BY_COUNT
} ks_report_by;
extern const char *const ks_report_by_names[KS_BY_COUNT];
int ks_report_by_parse(const char *s); /* -1 if unknown */

typedef struct ks_report_query {
    kt_date from, to;      /* deadlines in [from, to] */
    ks_report_by by;
    kt_date as_of;         /* KT_NO_DATE = the store's today */
    const char *jobcenter; /* NULL = every jobcentre */
    const char *group;     /* NULL = every group (dp, kh, uh, ...) */
} ks_report_query;

typedef struct ks_report_row {
    const char *key;  /* the group, month (YYYY-MM), jobcentre or caseworker */
    const char *key2; /* with KS_BY_GROUP_MONTH the month, else "" */
    long met, late, missed, open, exempt, lapsed;
    double on_time_share; /* met / (met + late + missed); -1 if none was due */
} ks_report_row;

/* STAR's measure under LAB 2019: of the courses whose first 6 months ended
 * in the period (not exempt, not ended before), the share with at least 4
 * conversations in them; the line is 80 %. */
#define KS_STAR_LINE 0.80
typedef struct ks_star_row {
    const char *key, *key2;
    long persons, with_four;
    double share; /* -1 if no one */
    int meets_line;
} ks_star_row;
typedef int (*ks_report_fn)(void *ctx, const ks_report_row *r);
typedef int (*ks_star_fn)(void *ctx, const ks_star_row *r);

int ks_report(ks_store *s, const ks_report_query *q, ks_report_fn row, ks_star_fn star,
              void *ctx, ks_error *err);

/* ---- population measures: the 75 % of g2026 and STAR's 80 % (quota.c) ------ */

/* conventions.md "Population measures", "Report rows". For every calendar
 * month M of the report (the months of q.from .. q.to, whole months):
 *  - quota_75, population "a_kasse": the obligations of rule dp.a_kasse_75
 *    per a-kasse (the a-kasse of the dagpenge period in force on the
 *    deadline); population "kommune": dp.kommune_75 and all.four_in_six_75 per
 *    jobcentre, a row per group (dp, kh, uh, ly) and a row with group NULL
 *    summing them. An unknown unit (no a_kasse, no jobcentre) is "ukendt".
 *  - cohort = the quota obligations whose window.to lies in M and before the
 *    report's day (as_of), leaving out `lapsed` and `exempt` for any reason
 *    other than exempt.konkret_vurdering; held = `met` (late is not held);
 *    undtaget = exempt by exempt.konkret_vurdering; late; overdue (open past
 *    its deadline, read as overdue on as_of); share = held / cohort.
 *  - quota_75_rolling: the same sums over the months M-5 .. M.
 *  - star_80 (with q.star): STAR's follow-up, the all.four_in_six
 *    obligations of generations g2020-g2025b, population "star", unit the
 *    jobcentre, by group and group NULL; undtaget is always 0.
 * The measure of g2026 is an interpretation and provisional (the official one
 * was not available): a row's `provisional` says so, and every reader shows
 * it. Rows come sorted by q.by (see ks_quota_by); rows with nothing in them
 * (no quota obligation with window.to in M, or none in M-5..M for rolling)
 * are left out. The store's materialised plans are read; nothing is
 * recomputed or written. */
#define KS_QUOTA_LINE 0.75
#define KS_QUOTA_UNDTAGET_CEILING 0.25
#define KS_QUOTA_MIN_JUDGED 10 /* a cohort under 10 is reported, not judged */
#define KS_QUOTA_UNKNOWN_UNIT "ukendt"

typedef enum ks_quota_by {
    KS_QBY_MONTH,     /* every row; by month, measure, population, unit, group */
    KS_QBY_JOBCENTER, /* population kommune (and star) only; by unit, month, group */
    KS_QBY_A_KASSE,   /* population a_kasse only; by unit, month */
    KS_QBY_GROUP,     /* population kommune (and star), rows with a group; by group, unit, month */
    KS_QBY_COUNT
} ks_quota_by;
extern const char *const ks_quota_by_names[KS_QBY_COUNT]; /* month, jobcenter, a_kasse, group */
int ks_quota_by_parse(const char *s); /* -1 if unknown */

typedef struct ks_quota_query {
    kt_date from, to;      /* the months containing from .. to (both required) */
    ks_quota_by by;
    kt_date as_of;         /* the report's day; KT_NO_DATE = the store's today */
    const char *jobcenter; /* NULL = every jobcentre (a_kasse rows: cases of that jobcentre) */
    int rolling;           /* non-zero: also the quota_75_rolling rows */
    int star;              /* non-zero: also the star_80 rows */
} ks_quota_query;
void ks_quota_query_init(ks_quota_query *q); /* by month, rolling on, star off, no dates */

enum { KS_QFLAG_UNDER_LINE = 1, /* "under_75" (star_80: "under_80") */
       KS_QFLAG_UNDTAGET_OVER_25 = 2 /* "undtaget_over_25" */ };

typedef struct ks_quota_row {
    const char *measure;    /* "quota_75", "quota_75_rolling", "star_80" */
    const char *population; /* "a_kasse", "kommune", "star" */
    const char *unit;       /* jobcentre or a-kasse id, or "ukendt" */
    const char *group;      /* "dp", "kh", "uh", "ly", or NULL: the population's sum */
    char month[8];          /* "YYYY-MM" (rolling: the last of the six) */
    long cohort, held, undtaget, late, overdue;
    double share;           /* held / cohort; -1 when the cohort is empty (JSON null) */
    unsigned flags;         /* KS_QFLAG_* */
    int provisional;        /* 1 for the g2026 measure (quota_75, quota_75_rolling) */
} ks_quota_row;
typedef int (*ks_quota_fn)(void *ctx, const ks_quota_row *r); /* non-zero stops */

/* The names of the flags set in r, in the order a row lists them; returns how many. */
size_t ks_quota_flag_names(const ks_quota_row *r, const char *names[2]);

/* Calls fn for each row (strings live until fn returns). KS_EINVALID for a
 * missing or reversed period or an unknown `by`. */
int ks_report_quota(ks_store *s, const ks_quota_query *q, ks_quota_fn fn, void *ctx,
                    ks_error *err);

typedef struct ks_forecast_query {
    int weeks;             /* 1..104, from the week as_of falls in */
    kt_date as_of;         /* KT_NO_DATE = the store's today */
    int overdue_days;      /* as for the worklist (default 90) */
    const char *jobcenter; /* NULL = every jobcentre */
    const kt_engine *engine; /* NULL: the stored plans. Else every case's plan is computed
                                again in memory with this engine (e.g. generations moved
                                with kt_engine_set_generation_arg), as of as_of; nothing
                                is written. Slower: a plan per case. */
} ks_forecast_query;

typedef struct ks_forecast_row {
    const char *jobcenter, *caseworker; /* caseworker "" = none */
    int week;                           /* 0 = the week of as_of (with what is overdue) */
    kt_date week_start;                 /* its Monday */
    long conversations;                 /* still needed, due that week */
    long obligations;                   /* open conversation duties due that week */
} ks_forecast_row;
typedef int (*ks_forecast_fn)(void *ctx, const ks_forecast_row *r);

/* Conversations due per week, jobcentre and caseworker: what each open
 * conversation duty still needs (required - counted), in the week of its
 * deadline. Rows ordered by jobcentre, caseworker, week; weeks with nothing
 * due are left out. */
int ks_forecast(ks_store *s, const ks_forecast_query *q, ks_forecast_fn fn, void *ctx,
                ks_error *err);


/* ---- Planlægning: capacity, bookings, the schedule (capacity.c, sched.c) ---- */

/* Conversation slots a working day (issue 14), an appended event: of one
 * caseworker, or with caseworker NULL the jobcentre's default for its
 * caseworkers without their own. weekdays: bit 0 Monday .. bit 4 Friday (0:
 * all five); from/to: KT_NO_DATE = unbounded. On a day the latest event
 * (by recording) that covers it wins: a caseworker's own before the
 * jobcentre's. slots 0..100 (0: absent). *seq: the event's number. */
typedef struct ks_capacity_set {
    const char *jobcenter;  /* required */
    const char *caseworker; /* NULL: the jobcentre's default */
    int slots;
    unsigned weekdays;
    kt_date from, to;
} ks_capacity_set;
int ks_capacity_set_add(ks_store *s, const ks_capacity_set *c, long *seq, ks_error *err);
/* The jobcentre of a caseworker (where it has cases or capacity), for a
 * command that names only the caseworker: KS_EINVALID if none or several. */
int ks_caseworker_jobcenter(ks_store *s, const char *caseworker, char jobcenter[65], ks_error *err);

/* The slots of a caseworker (NULL: the default) of a jobcentre on day d, as
 * the recorded events give them; -1 if none covers the day. Closed days
 * (kt_sched_closed_day) are not excluded here. */
int ks_capacity_on(ks_store *s, const char *jobcenter, const char *caseworker, kt_date d,
                   int *slots, ks_error *err);

/* Books a conversation of the case on `date` with `caseworker` (NULL: the
 * case's): an event `booket` (case-format.md) recorded like any other
 * (idempotent: the same booking again is `already`). `warning` (may be
 * NULL) gets a Danish sentence, or "", when the day is closed or lies in no
 * window of the case's open conversation duties (naming the nearest). */
int ks_book(ks_store *s, const char *case_id, kt_date date, const char *caseworker,
            ks_problem_fn problem, void *ctx, long *seq, int *already, char *warning,
            size_t warning_size, ks_error *err);

/* The open bookings (a `booket` event with no conversation or no-show on or
 * after its day) of a jobcentre (NULL: all), of a caseworker (NULL: all; the
 * booking's caseworker, else the case's), dated in [from, to], by date and
 * case. Strings live until fn returns; non-zero stops. */
typedef struct ks_booking {
    const char *case_id, *jobcenter, *caseworker;
    kt_date date;
} ks_booking;
int ks_bookings(ks_store *s, const char *jobcenter, const char *caseworker, kt_date from,
                kt_date to, int (*fn)(void *ctx, const ks_booking *b), void *ctx, ks_error *err);

typedef struct ks_schedule_query {
    int weeks;              /* 1..26: as_of .. the Sunday of the last week */
    kt_date as_of;          /* KT_NO_DATE = the store's today */
    const char *jobcenter;  /* NULL = every jobcentre */
    const char *caseworker; /* NULL = every caseworker; else only that caseworker's rows
                               (the jobcentre's schedule is computed as a whole) */
    int overdue_days;       /* overdue duties older than this are left out (default 90) */
    int default_slots;      /* slots a day where no capacity is recorded (default 0) */
} ks_schedule_query;
void ks_schedule_query_init(ks_schedule_query *q);

/* A duty a proposed conversation meets. */
typedef struct ks_schedule_duty {
    const char *rule;
    kt_date window_from, deadline;
    int quota; /* 1: a g2026 quota duty */
} ks_schedule_duty;

/* A proposed (or booked) conversation; strings live until the callback returns. */
typedef struct ks_schedule_item {
    const char *jobcenter, *caseworker, *case_id;
    kt_date date;
    int booked;       /* 1: booked already (a `booket` event), not a proposal */
    int late;         /* 1: after the deadline of a duty it meets */
    int joint;        /* 1: a joint conversation with the a-kasse (a duty only that meets) */
    unsigned forms;   /* the forms the person may choose: KT_FORM_* bits (kt_form_name) */
    int agenda;       /* seed 004's conversation number 1..4 (kt_agenda), 0: none */
    const ks_schedule_duty *duties;
    size_t n_duties;
} ks_schedule_item;

/* A duty that cannot be met on time with the capacity (deadline from as_of
 * on), or is overdue already. */
typedef struct ks_schedule_short {
    const char *jobcenter, *caseworker, *case_id, *rule;
    kt_date window_from, deadline;
    int late;        /* conversations placed after the deadline */
    int missing;     /* conversations not placed in the horizon */
    int overdue;     /* 1: the deadline was before as_of */
    int quota;
} ks_schedule_short;

/* A caseworker's working day in the horizon. */
typedef struct ks_schedule_day {
    const char *jobcenter, *caseworker;
    kt_date date;
    int slots, used; /* used: proposals and bookings */
    int overfull;    /* 1: full while a duty waited past its deadline */
} ks_schedule_day;

typedef struct ks_schedule_summary {
    const char *jobcenter;
    kt_date from, to;
    long caseworkers, conversations, booked, duties_due, short_duties, overdue_duties;
    long late, missing, extra_slots, overfull_days;
    long quota_duties, quota_exemptions; /* g2026 quota duties due; those that would need a
                                            konkret vurdering to fit the capacity */
    int quota_over_25;                   /* 4 * quota_exemptions > quota_duties */
} ks_schedule_summary;

typedef struct ks_schedule_sink {
    int (*item)(void *ctx, const ks_schedule_item *it);      /* by date, caseworker, case */
    int (*day)(void *ctx, const ks_schedule_day *d);         /* by jobcentre, caseworker, date */
    int (*shortfall)(void *ctx, const ks_schedule_short *s); /* by deadline, case */
    int (*summary)(void *ctx, const ks_schedule_summary *s); /* by jobcentre */
    void *ctx;                                               /* any callback may be NULL */
} ks_schedule_sink;

/* The schedule (docs/schedule.md): read from the stored plans, the recorded
 * capacity and the open bookings, computed in memory (kt_schedule), never
 * stored. Callbacks in the order item*, day*, shortfall*, summary*; a
 * non-zero return stops. Deterministic for the same store and day. */
int ks_schedule(ks_store *s, const ks_schedule_query *q, const ks_schedule_sink *sink,
                ks_error *err);

#ifdef __cplusplus
}
#endif
#endif /* KONTAKT_STORE_H */
