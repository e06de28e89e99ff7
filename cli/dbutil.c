/* dbutil.c -- what `kontakt db` and `kontakt token` share: finding and
 * opening the store, who is acting, exit statuses. */
#define _POSIX_C_SOURCE 200809L
#include "dbutil.h"

#include <stdlib.h>
#include <string.h>

int db_exit_status(int status) {
    switch (status) {
    case KS_OK: return EXIT_OK;
    case KS_EINVALID:
    case KS_ENOTFOUND:
    case KS_EFOREIGN:
    case KS_EDENIED: return EXIT_INVALID;
    default: return EXIT_FAIL;
    }
}

int db_fail(const ks_error *e) {
    fprintf(stderr, "kontakt: %s\n", e->message[0] ? e->message : ks_strerror(e->status));
    return db_exit_status(e->status);
}

/* --db and --as at argv[*i]: 1 taken, 0 not ours, -1 missing value. */
static int db_common_opt(db_common *c, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (strcmp(a, "--db") == 0) {
        if (!v) return -1;
        c->path = v;
        (*i)++;
        return 1;
    }
    if (strcmp(a, "--as") == 0) {
        if (!v || !*v) return -1;
        c->who = v;
        (*i)++;
        return 1;
    }
    return 0;
}

int db_base_opt(db_common *c, int argc, char **argv, int *i, const char *help) {
    const char *k = argv[*i];
    if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
        fputs(help, stdout);
        return 2;
    }
    int r = db_common_opt(c, argc, argv, i);
    if (r < 0) db_needs_value(k);
    return r;
}

int db_needs_value(const char *opt) {
    fprintf(stderr, "kontakt: %s needs a value\n", opt);
    return EXIT_INVALID;
}

int db_unknown(const char *arg, const char *help) {
    fprintf(stderr, "kontakt: unknown option '%s'\n\n%s", arg, help);
    return EXIT_INVALID;
}

int db_parse_format(const char *v, out_format *f) {
    if (v && !strcmp(v, "text")) *f = OUT_TEXT;
    else if (v && !strcmp(v, "json")) *f = OUT_JSON;
    else if (v && !strcmp(v, "csv")) *f = OUT_CSV;
    else {
        fprintf(stderr, "kontakt: --format: expected text, json or csv, got '%s'\n", v ? v : "");
        return -1;
    }
    return 0;
}

int db_close_out(ks_store *s, int st) {
    ks_close(s);
    if (fflush(stdout) != 0 && st == EXIT_OK) st = EXIT_FAIL;
    return st;
}

int db_open(db_common *c, unsigned flags, ks_store **out) {
    if (!c->path) c->path = getenv("KONTAKT_DB");
    if (!c->path || !*c->path) {
        fputs("kontakt: no database: give --db FILE (or a postgresql:// URI) or set KONTAKT_DB\n", stderr);
        return EXIT_INVALID;
    }
    if (!c->who) c->who = getenv("USER");
    if (!c->who || !*c->who) c->who = "unknown";
    if (ks_looks_like_cpr(c->who)) { /* the actor is stored in every log row */
        fputs("kontakt: --as (or $USER): the name looks like a CPR number (DDMMYY-NNNN or ten "
              "digits); personal identifiers must not be stored: use your user name\n", stderr);
        return EXIT_INVALID;
    }
    ks_error e = {0};
    if (ks_open(c->path, flags, out, &e) != KS_OK) return db_fail(&e);
    ks_set_actor(*out, c->who);
    kt_date today;
    if (cli_today(&today)) {
        ks_close(*out);
        *out = NULL;
        return EXIT_INVALID;
    }
    ks_set_today(*out, today);
    const char *now = getenv("KONTAKT_NOW");
    if (now && *now) ks_set_now(*out, now);
    return EXIT_OK;
}

int db_log(ks_store *s, const db_common *c, const char *case_id, const char *action) {
    ks_case_info info;
    const char *jc = NULL;
    if (case_id && ks_case_info_get(s, case_id, &info, NULL) == KS_OK) jc = info.jobcenter;
    ks_error e = {0};
    if (ks_access_log_append(s, c->who, jc, case_id, action, &e) == KS_OK) return EXIT_OK;
    fprintf(stderr, "kontakt: the access could not be logged, so it was not allowed: %s\n",
            e.message);
    return EXIT_FAIL;
}

void db_log_write(ks_store *s, const db_common *c, const char *case_id, const char *action) {
    ks_log_next_write(s, c->who, NULL, case_id, action, 1);
}

void db_csv_field(const char *s, int last) {
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}
