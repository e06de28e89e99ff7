/* cli.h -- shared by the subcommands of `kontakt` (the tool uses only the
 * library's public API). */
#ifndef KT_CLI_H
#define KT_CLI_H

#include "kontakt.h"

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INVALID = 2 };

int cmd_plan(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* fwrite-based kt_write_fn; ctx is a FILE*. */
int cli_write_file(void *ctx, const char *data, size_t len);
/* "Today" for every command: KONTAKT_TODAY if set, else the clock. Options
 * such as --today and --as-of win over both. cli_today_pinned gives 1 and
 * the day only when KONTAKT_TODAY is set (0 if not); both print and return
 * -1 when it is not a date. */
int cli_today(kt_date *out);
int cli_today_pinned(kt_date *out);
/* Reads a whole file ("-" = stdin) up to `max` bytes; NULL with a message
 * printed on failure. *too_big is set if the input exceeded max. */
char *cli_read_all(const char *path, size_t max, size_t *len, int *too_big);
/* Prints the problems of `path` to stderr as FILE:LINE:COL: pointer: message. */
void cli_print_problems(const char *path, long line_offset, const kt_problems *p);
int cli_parse_date_arg(const char *flag, const char *value, kt_date *out);
int cli_parse_int_arg(const char *flag, const char *value, int lo, int hi, int *out);
#endif
