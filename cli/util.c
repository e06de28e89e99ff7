/* util.c -- small helpers of the command line. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_write_file(void *ctx, const char *data, size_t len) {
    return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/* The one place the command line learns what day it is: KONTAKT_TODAY
 * when set (tests, what-if runs), else the local date of the clock. */
int cli_today_pinned(kt_date *out) {
    const char *v = getenv("KONTAKT_TODAY");
    if (!v || !*v) return 0;
    if (kt_date_parse(v, strlen(v), out) != KT_OK) {
        fprintf(stderr, "kontakt: KONTAKT_TODAY must be a date YYYY-MM-DD, got '%s'\n", v);
        return -1;
    }
    return 1;
}

int cli_today(kt_date *out) {
    int pinned = cli_today_pinned(out);
    if (pinned) return pinned < 0 ? -1 : 0;
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm)) {
        fputs("kontakt: the local date is not known\n", stderr);
        return -1;
    }
    *out = kt_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

char *cli_read_all(const char *path, size_t max, size_t *len, int *too_big) {
    *too_big = 0;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "kontakt: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > max) {
                *too_big = 1;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int read_error = ferror(f);
    if (f != stdin) fclose(f);
    if (!buf) {
        fprintf(stderr, "kontakt: out of memory reading %s\n", path);
        return NULL;
    }
    if (read_error) {
        fprintf(stderr, "kontakt: %s: read error\n", path);
        free(buf);
        return NULL;
    }
    if (n > max) *too_big = 1;
    *len = n;
    return buf;
}

void cli_print_problems(const char *path, long line_offset, const kt_problems *p) {
    for (size_t i = 0; i < kt_problems_count(p); i++) {
        kt_problem q;
        kt_problems_get(p, i, &q);
        fprintf(stderr, "%s:%ld:%d: %s: %s", path, q.line + line_offset, q.column,
                q.pointer[0] ? q.pointer : "(document)", q.message);
        if (q.expected[0]) fprintf(stderr, " (expected %s)", q.expected);
        fputc('\n', stderr);
    }
}

int cli_parse_date_arg(const char *flag, const char *value, kt_date *out) {
    if (!value || kt_date_parse(value, strlen(value), out) != KT_OK) {
        fprintf(stderr, "kontakt: %s needs a date YYYY-MM-DD, got '%s'\n", flag, value ? value : "");
        return -1;
    }
    return 0;
}

int cli_parse_int_arg(const char *flag, const char *value, int lo, int hi, int *out) {
    char *end;
    errno = 0;
    long v = value ? strtol(value, &end, 10) : 0;
    if (!value || !*value || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "kontakt: %s needs a whole number from %d to %d, got '%s'\n", flag, lo, hi,
                value ? value : "");
        return -1;
    }
    *out = (int)v;
    return 0;
}
