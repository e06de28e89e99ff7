/* cmd_plan.c -- `kontakt plan` and `kontakt explain`. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char plan_help[] =
    "usage: kontakt plan [options] FILE\n"
    "\n"
    "Prints the plan of the case in FILE (- = stdin) as JSON (spec/case-format.md).\n"
    "\n"
    "options:\n"
    "  --format json|text     JSON (default) or a table a caseworker can read\n"
    "  --ndjson               FILE holds one case per line; one plan per line is\n"
    "                         printed, streaming. A bad line gives an error record\n"
    "                         {\"line\":N,\"error\":\"invalid_case\",\"problems\":[...]}\n"
    "                         and the run goes on (exit 2 at the end)\n"
    "  --as-of DATE           compute as of DATE instead of the case's as_of\n"
    "  --horizon DAYS         list windows opening up to DAYS after as_of (180)\n"
    "  --generation G=DATE    move the first day of generation G (repeatable),\n"
    "                         e.g. --generation g2024=2024-01-01\n"
    "\n"
    "Exit status: 0 success, 2 invalid input (each problem with its JSON pointer,\n"
    "line and column on stderr, and as JSON on stdout), 1 other failure.\n";

static const char explain_help[] =
    "usage: kontakt explain [options] FILE\n"
    "\n"
    "Prints, per obligation of the case in FILE (- = stdin), how it was derived:\n"
    "the rule and its source, the generation and why that one, the course start S,\n"
    "the days the benefit clock stood still, and each conversation considered and\n"
    "whether it counted (and why not).\n"
    "\n"
    "options: --as-of DATE, --horizon DAYS, --generation G=DATE (as for plan)\n";

typedef struct opts {
    const char *file;
    int text, ndjson, explain;
    kt_plan_options po;
} opts;

static int parse_opts(int argc, char **argv, opts *o, kt_engine *e, const char *help, int allow_fmt) {
    kt_plan_options_init(&o->po);
    o->po.no_valid_until = 1; /* plans are written, not stored */
    if (cli_today(&o->po.today)) return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 1;
        } else if (allow_fmt && strcmp(a, "--format") == 0) {
            if (!v || (strcmp(v, "json") && strcmp(v, "text"))) {
                fprintf(stderr, "kontakt: --format takes json or text\n");
                return -1;
            }
            o->text = strcmp(v, "text") == 0;
            i++;
        } else if (allow_fmt && strcmp(a, "--ndjson") == 0) {
            o->ndjson = 1;
        } else if (strcmp(a, "--as-of") == 0) {
            if (cli_parse_date_arg(a, v, &o->po.as_of)) return -1;
            i++;
        } else if (strcmp(a, "--horizon") == 0) {
            if (cli_parse_int_arg(a, v, 0, 36500, &o->po.horizon_days)) return -1;
            i++;
        } else if (strcmp(a, "--generation") == 0) {
            if (!v || kt_engine_set_generation_arg(e, v) != KT_OK) {
                fprintf(stderr,
                        "kontakt: --generation takes G=YYYY-MM-DD with G one of g2014, g2015, "
                        "g2020, g2023, g2024, g2026, keeping them in order; got '%s'\n",
                        v ? v : "");
                return -1;
            }
            i++;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "kontakt: unknown option '%s'\n\n%s", a, help);
            return -1;
        } else if (!o->file) {
            o->file = a;
        } else {
            fprintf(stderr, "kontakt: one FILE only\n");
            return -1;
        }
    }
    if (!o->file) {
        fprintf(stderr, "kontakt: FILE is missing\n\n%s", help);
        return -1;
    }
    return 0;
}

/* plan --ndjson's JSON plans go straight from the writer into this buffer
 * and out with write(2) (no second copy through stdio). stdout's stdio
 * buffer is empty whenever this one holds bytes: each is flushed before
 * the other is written. */
static struct {
    char *buf;
    size_t len, cap;
} direct;

static int direct_write(void *ctx, const char *data, size_t len) {
    (void)ctx;
    if (fflush(stdout) != 0) return -1;
    while (len) {
        ssize_t n = write(STDOUT_FILENO, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Hands on direct's bytes (before anything else goes to stdout). */
static int direct_flush(void) {
    if (!direct.len) return 0;
    int rc = direct_write(NULL, direct.buf, direct.len);
    direct.len = 0;
    return rc;
}

/* Plans one parsed case and prints it. Returns an exit status. */
static int print_plan(const kt_engine *e, const kt_case *c, const opts *o) {
    kt_plan *p;
    int rc = kt_plan_compute(e, c, &o->po, &p);
    if (rc != KT_OK) {
        fprintf(stderr, "kontakt: %s: %s\n", kt_case_id(c), kt_strerror(rc));
        return rc == KT_EARG || rc == KT_EINVALID ? EXIT_INVALID : EXIT_FAIL;
    }
    if (o->explain) rc = kt_plan_write_explain(p, cli_write_file, stdout);
    else if (o->text) rc = kt_plan_write_text(p, cli_write_file, stdout);
    else if (direct.buf) {
        rc = kt_plan_write_json_lent(p, direct.buf, direct.cap, &direct.len, direct_write, NULL);
        if (rc == KT_OK && direct.len == direct.cap && direct_flush() != 0) rc = KT_EIO;
        if (rc == KT_OK) direct.buf[direct.len++] = '\n';
    } else rc = kt_plan_write_json(p, cli_write_file, stdout);
    kt_plan_free(p);
    if (!o->text && !o->explain && !direct.buf) fputc('\n', stdout);
    return rc == KT_OK ? EXIT_OK : EXIT_FAIL;
}

static int plan_one(const kt_engine *e, const opts *o) {
    size_t len;
    int too_big;
    char *text = cli_read_all(o->file, 4u << 20, &len, &too_big);
    if (!text) return EXIT_FAIL;
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int rc = too_big ? KT_EINVALID : kt_case_parse(text, len, &c, &pr);
    if (too_big) fprintf(stderr, "kontakt: %s: the case is larger than 4 MiB\n", o->file);
    free(text);
    if (rc == KT_EINVALID) {
        if (pr) {
            cli_print_problems(o->file, 0, pr);
            kt_problems_write_json(pr, cli_write_file, stdout);
            fputc('\n', stdout);
        }
        kt_problems_free(pr);
        return EXIT_INVALID;
    }
    if (rc != KT_OK) {
        fprintf(stderr, "kontakt: %s: %s\n", o->file, kt_strerror(rc));
        return EXIT_FAIL;
    }
    int status = print_plan(e, c, o);
    kt_case_free(c);
    return status;
}

static void ndjson_error(long line, const kt_problems *pr, const char *message) {
    printf("{\"line\":%ld,\"error\":\"invalid_case\",\"problems\":[", line);
    if (message) printf("{\"pointer\":\"\",\"message\":\"%s\",\"expected\":\"\",\"line\":%ld,\"column\":1}", message, line);
    for (size_t i = 0; pr && i < kt_problems_count(pr); i++) {
        kt_problem q;
        kt_problems_get(pr, i, &q);
        /* pointers, messages and expectations are ours: no quoting needed but
         * for values echoed from input, which the library already cut short */
        printf("%s{\"pointer\":\"", i ? "," : "");
        for (const char *s = q.pointer; *s; s++) {
            if (*s == '"' || *s == '\\') putchar('\\');
            putchar(*s);
        }
        printf("\",\"message\":\"");
        for (const char *s = q.message; *s; s++) {
            if (*s == '"' || *s == '\\') putchar('\\');
            if ((unsigned char)*s >= 0x20) putchar(*s);
        }
        printf("\",\"expected\":\"%s\",\"line\":%ld,\"column\":%d}", q.expected, line, q.column);
    }
    printf("]}\n");
}

/* One line of an NDJSON input: planned, or an error record. Returns the
 * new exit status; *stop is set on a failure that ends the run. */
static int ndjson_line(const kt_engine *e, const opts *o, char *line, size_t len, long lineno,
                       int status, int *stop) {
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t')) k++;
    if (k == len) return status; /* blank lines separate nothing */
    kt_case *c = NULL;
    kt_problems *pr = NULL;
    int rc = kt_case_parse(line, len, &c, &pr);
    if (rc == KT_EINVALID) {
        if (direct_flush() != 0) {
            *stop = 1;
            kt_problems_free(pr);
            return EXIT_FAIL;
        }
        ndjson_error(lineno, pr, NULL);
        fprintf(stderr, "kontakt: %s:%ld: invalid case\n", o->file, lineno);
        kt_problems_free(pr);
        return EXIT_INVALID;
    }
    if (rc != KT_OK) {
        fprintf(stderr, "kontakt: %s:%ld: %s\n", o->file, lineno, kt_strerror(rc));
        *stop = 1;
        return EXIT_FAIL;
    }
    int s = print_plan(e, c, o);
    kt_case_free(c);
    if (s == EXIT_FAIL) {
        *stop = 1;
        return EXIT_FAIL;
    }
    return s != EXIT_OK ? s : status;
}

/* Reads FILE in big blocks and hands on each line (without its '\n'): no
 * per-line stdio calls, and a line is moved only when it spans two blocks. */
static int plan_ndjson(const kt_engine *e, const opts *o) {
    FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "rb");
    if (!f) {
        perror(o->file);
        return EXIT_FAIL;
    }
    size_t cap = 1u << 18, have = 0; /* bytes in buf not yet handed on */
    char *buf = malloc(cap);
    long lineno = 0;
    int status = EXIT_OK, stop = 0, eof = 0, read_error = 0;
    if (!buf) {
        fprintf(stderr, "kontakt: out of memory\n");
        stop = 1;
        status = EXIT_FAIL;
    }
    while (!stop && !eof) {
        if (have == cap) { /* a line longer than the buffer */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                fprintf(stderr, "kontakt: %s:%ld: out of memory\n", o->file, lineno + 1);
                status = EXIT_FAIL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        /* read(2), not fread: a pipe's lines are planned as they come */
        ssize_t r = read(fileno(f), buf + have, cap - have);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) read_error = 1;
        size_t got = r > 0 ? (size_t)r : 0;
        if (got == 0) eof = 1;
        size_t end = have + got, start = 0;
        /* only bytes new in this block can hold the next '\n' */
        char *nl = memchr(buf + have, '\n', got);
        while (nl && !stop) {
            size_t at = (size_t)(nl - buf);
            lineno++;
            status = ndjson_line(e, o, buf + start, at - start + 1, lineno, status, &stop);
            start = at + 1;
            nl = memchr(buf + start, '\n', end - start);
        }
        if (stop) break;
        if (eof && !read_error && start < end) { /* the last line, without '\n' */
            lineno++;
            status = ndjson_line(e, o, buf + start, end - start, lineno, status, &stop);
            start = end;
        }
        memmove(buf, buf + start, end - start);
        have = end - start;
    }
    free(buf);
    if (read_error) {
        fprintf(stderr, "kontakt: %s: read error\n", o->file);
        status = EXIT_FAIL;
    }
    if (f != stdin) fclose(f);
    if (direct_flush() != 0) status = EXIT_FAIL;
    if (fflush(stdout) != 0) status = EXIT_FAIL;
    return status;
}

static int run(int argc, char **argv, int explain) {
    kt_engine *e;
    if (kt_engine_new(&e) != KT_OK) {
        fputs("kontakt: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    opts o = {0};
    int r = parse_opts(argc, argv, &o, e, explain ? explain_help : plan_help, !explain);
    int status;
    if (r != 0) {
        status = r > 0 ? EXIT_OK : EXIT_INVALID;
    } else {
        o.explain = explain;
        o.po.explain = explain;
        if (o.ndjson) {
            static char big[1 << 18];
            if (!o.text && !o.explain) {
                direct.buf = big; /* plans here; error records through stdio */
                direct.cap = sizeof big;
            } else {
                setvbuf(stdout, big, _IOFBF, sizeof big);
            }
        }
        status = o.ndjson ? plan_ndjson(e, &o) : plan_one(e, &o);
    }
    kt_engine_free(e);
    if (fflush(stdout) != 0 && status == EXIT_OK) status = EXIT_FAIL;
    return status;
}

int cmd_plan(int argc, char **argv) { return run(argc, argv, 0); }
int cmd_explain(int argc, char **argv) { return run(argc, argv, 1); }
