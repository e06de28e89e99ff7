/*
 * bench_engine.c -- bench-engine: the speed of the engine alone.
 *
 *   bench-engine [--seconds S] [--limit N] FILE.ndjson
 *
 * Parses every case of FILE (one JSON case per line) into memory first, so
 * that neither I/O nor JSON parsing is in the figure, then times
 *   engine:       kt_plan_compute + kt_plan_free
 *   engine+json:  kt_plan_compute + kt_plan_write_json (to a discarding
 *                 callback) + kt_plan_free
 * over all cases, on one thread, repeating whole passes until at least S
 * seconds (default 2) of CLOCK_MONOTONIC have passed. The options are fixed
 * (today = 2026-11-23, the case's own as_of) so runs compare.
 *
 * Output is one "key: value" per line; bench/run.sh reads the values.
 * Peak RSS here includes every parsed case held at once: it measures this
 * program, not the streaming command (run.sh measures that).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include "kontakt.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* kt_write_fn that keeps nothing: counts bytes so the output is "used". */
static int discard(void *ctx, const char *data, size_t len) {
    (void)data;
    *(size_t *)ctx += len;
    return 0;
}

typedef struct caseset {
    kt_case **v;
    size_t n, cap;
    size_t invalid, lines;
} caseset;

static int push(caseset *s, kt_case *c) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        kt_case **v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = c;
    return 0;
}

/* Reads FILE line by line (never the whole file at once) and keeps every
 * valid case. Returns 0, or -1 after printing why. */
static int load(const char *path, size_t limit, caseset *s) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench-engine: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while (s->n + s->invalid < limit && (len = getline(&line, &cap, f)) >= 0) {
        s->lines++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        if (len == 0) continue; /* blank lines are not cases */
        kt_case *c = NULL;
        int st = kt_case_parse(line, (size_t)len, &c, NULL);
        if (st == KT_OK) {
            if (push(s, c)) {
                kt_case_free(c);
                st = KT_ENOMEM;
            }
        } else if (st == KT_EINVALID || st == KT_ELIMIT) {
            s->invalid++;
            continue;
        }
        if (st != KT_OK) {
            fprintf(stderr, "bench-engine: %s line %zu: %s\n", path, s->lines, kt_strerror(st));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, "bench-engine: %s: read error\n", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

typedef struct run {
    double seconds;
    size_t plans;       /* plans computed in the timed passes */
    size_t obligations; /* summed over the timed passes (a checksum, too) */
    size_t errors;      /* kt_plan_compute failures */
    size_t json_bytes;
    int passes;
} run;

/* One timed measurement: whole passes over all cases until min_s is up.
 * Whole passes, so every case weighs the same in the figure. */
static void measure(const kt_engine *e, const caseset *s, const kt_plan_options *o, int json,
                    double min_s, run *r) {
    memset(r, 0, sizeof *r);
    const double t0 = now_s();
    do {
        for (size_t i = 0; i < s->n; i++) {
            kt_plan *p = NULL;
            if (kt_plan_compute(e, s->v[i], o, &p) != KT_OK) {
                r->errors++;
                continue;
            }
            r->obligations += kt_plan_count(p);
            if (json && kt_plan_write_json(p, discard, &r->json_bytes) != KT_OK) r->errors++;
            kt_plan_free(p);
        }
        r->plans += s->n;
        r->passes++;
        r->seconds = now_s() - t0;
    } while (r->seconds < min_s);
}

static void usage(FILE *f) {
    fputs("usage: bench-engine [--seconds S] [--limit N] FILE.ndjson\n"
          "Times kt_plan_compute (and + kt_plan_write_json) over every case of FILE.\n",
          f);
}

int main(int argc, char **argv) {
    double min_s = 2.0;
    size_t limit = (size_t)-1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            min_s = strtod(argv[++i], &end);
            if (*end || !(min_s >= 0.0)) {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0) {
                usage(stderr);
                return 2;
            }
            limit = (size_t)v;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }

    caseset s = {0};
    const double t_parse = now_s();
    if (load(path, limit, &s)) return 1;
    const double parse_s = now_s() - t_parse;
    if (s.n == 0) {
        fprintf(stderr, "bench-engine: %s: no valid case (%zu invalid)\n", path, s.invalid);
        return 1;
    }

    kt_engine *e = NULL;
    int st = kt_engine_new(&e);
    if (st != KT_OK) {
        fprintf(stderr, "bench-engine: kt_engine_new: %s\n", kt_strerror(st));
        return 1;
    }
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.today = kt_date_from_ymd(2026, 11, 23); /* fixed: runs must compare */

    /* One untimed pass: warms caches and the allocator, counts obligations. */
    run warm, eng, ej;
    measure(e, &s, &o, 0, 0.0, &warm);
    measure(e, &s, &o, 0, min_s, &eng);
    measure(e, &s, &o, 1, min_s, &ej);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);

    printf("file: %s\n", path);
    printf("cases: %zu\n", s.n);
    printf("invalid: %zu\n", s.invalid);
    printf("obligations: %zu (%.2f per case)\n", warm.obligations,
           (double)warm.obligations / (double)s.n);
    printf("plan_errors: %zu\n", warm.errors);
    printf("parse: %.0f cases/s (kt_case_parse incl. reading the file; not a target)\n",
           (double)(s.n + s.invalid) / parse_s);
    printf("engine: %.0f cases/s (compute+free; %d passes in %.2f s)\n",
           (double)eng.plans / eng.seconds, eng.passes, eng.seconds);
    printf("engine_json: %.0f cases/s (compute+write_json+free; %d passes in %.2f s, %.0f "
           "bytes/plan)\n",
           (double)ej.plans / ej.seconds, ej.passes, ej.seconds,
           (double)ej.json_bytes / (double)ej.plans);
    printf("peak_rss_kib: %ld (all cases in memory)\n", (long)ru.ru_maxrss);

    for (size_t i = 0; i < s.n; i++) kt_case_free(s.v[i]);
    free(s.v);
    kt_engine_free(e);
    /* Inconsistent counts between passes would mean a non-deterministic engine. */
    if (eng.obligations != warm.obligations * (size_t)eng.passes) {
        fprintf(stderr, "bench-engine: obligation counts differ between passes\n");
        return 1;
    }
    return warm.errors || eng.errors || ej.errors ? 1 : 0;
}
