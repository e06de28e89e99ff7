/* dbutil.h -- shared by `kontakt db` (cmd_db.c) and `kontakt token`. */
#ifndef KT_CLI_DBUTIL_H
#define KT_CLI_DBUTIL_H

#include "cli.h"
#include "kontakt_store.h"

typedef struct db_common {
    const char *path; /* --db FILE, else $KONTAKT_DB */
    const char *who;  /* --as NAME, else $USER */
} db_common;

/* What every `db` option loop does first: --help or -h (2, help printed on
 * stdout), then --db and --as (1 taken; -1 a missing value, said on stderr
 * as db_needs_value says it); 0: an argument of the caller's. */
int db_base_opt(db_common *c, int argc, char **argv, int *i, const char *help);
/* "kontakt: OPT needs a value" on stderr; EXIT_INVALID. */
int db_needs_value(const char *opt);
/* "kontakt: unknown option 'ARG'" and the help on stderr; EXIT_INVALID. */
int db_unknown(const char *arg, const char *help);
typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV } out_format;
/* --format V: text, json or csv; -1 (said on stderr) for anything else. */
int db_parse_format(const char *v, out_format *f);
/* Closes the store and flushes stdout: st, or EXIT_FAIL if st was EXIT_OK
 * and the output could not be written. */
int db_close_out(ks_store *s, int st);
/* Opens the store (KONTAKT_TODAY, KONTAKT_NOW from the environment); an
 * exit status, with the message printed. */
int db_open(db_common *c, unsigned flags, ks_store **out);
/* Prints e's message and returns the exit status for it. */
int db_fail(const ks_error *e);
int db_exit_status(int status);
/* Appends to the access log (a warning on failure). */
/* Writes an access-log row; EXIT_FAIL (said on stderr) if it cannot be
 * written: a read must then not be served (every access is logged, or it
 * does not happen). */
int db_log(ks_store *s, const db_common *c, const char *case_id, const char *action);
/* The access-log row of the next write, written in its transaction. */
void db_log_write(ks_store *s, const db_common *c, const char *case_id, const char *action);

/* Prints an RFC 4180 field on stdout (quoted when it holds a comma, quote
 * or line break), then ',' or, for the last of a row, a newline. */
void db_csv_field(const char *s, int last);

int cmd_db(int argc, char **argv);
/* cmd_db_query.c */
int cmd_db_worklist(int argc, char **argv);
int cmd_db_report(int argc, char **argv);
int cmd_db_forecast(int argc, char **argv);
/* cmd_db_schedule.c (issue 14, Planlægning) */
int cmd_db_capacity(int argc, char **argv);
int cmd_db_book(int argc, char **argv);
int cmd_db_schedule(int argc, char **argv);
int cmd_token(int argc, char **argv);
#endif
