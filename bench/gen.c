/*
 * gen.c -- kontakt-gen: synthetic caseloads for the benchmarks.
 *
 *   kontakt-gen [--cases N] [--seed S] [--jobcenters J] [--mix default|dense]
 *               [--today DATE]
 *
 * Writes N cases (spec/case-format.md) as NDJSON to stdout. Only the command
 * line: the generator itself is store/synth.c (also `kontakt db demo`'s),
 * which is C11 + libc and compiled in here, so the benchmark input still does
 * not depend on the code it measures.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/synth.h"

#define OUT_CAP (4u << 20)

static void usage(FILE *f) {
    fputs("usage: kontakt-gen [--cases N] [--seed S] [--jobcenters J] [--mix M] [--today D]\n"
          "Writes N synthetic cases (spec/case-format.md) as NDJSON to stdout.\n"
          "  --cases N       number of cases (default 1000, at most 999999999)\n"
          "  --seed S        seed; the same seed gives the same cases (default 1)\n"
          "  --jobcenters J  jobcentres jc-01 .. jc-J (default 5, at most 99)\n"
          "  --mix M         default, or dense: 2-3 benefit periods, 5-10 conversations\n"
          "                  and 3-5 events a case (bench/README.md)\n",
          f);
}

/* Parses an unsigned decimal in [lo, hi]; 0 on success. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *res) {
    if (!s || !*s || *s == '-' || *s == '+') return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *res = v;
    return 0;
}

int main(int argc, char **argv) {
    uint64_t ncases = 1000, seed = 1, jobcenters = 5;
    ks_synth_mix mix = KS_SYNTH_MIX_DEFAULT;
    int32_t today = KS_SYNTH_NO_DATE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *dst = NULL, lo = 0, hi = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        /* Accept "--opt V" and "--opt=V". */
        const char *val = NULL;
        size_t klen = strcspn(a, "=");
        if (!strncmp(a, "--mix", klen) && klen == 5) {
            val = a[klen] == '=' ? a + klen + 1 : i + 1 < argc ? argv[++i] : "";
            if (!strcmp(val, "default")) {
                mix = KS_SYNTH_MIX_DEFAULT;
            } else if (!strcmp(val, "dense")) {
                mix = KS_SYNTH_MIX_DENSE;
            } else {
                fprintf(stderr, "kontakt-gen: --mix takes default or dense (got '%s')\n", val);
                return 2;
            }
            continue;
        }
        if (!strncmp(a, "--today", klen) && klen == 7) {
            val = a[klen] == '=' ? a + klen + 1 : i + 1 < argc ? argv[++i] : "";
            if (ks_synth_parse_date(val, &today) || !ks_synth_today_ok(today)) {
                fprintf(stderr, "kontakt-gen: --today takes a day YYYY-MM-DD from 2000 to 2030 (got '%s')\n", val);
                return 2;
            }
            continue;
        }
        if (!strncmp(a, "--cases", klen) && klen == 7) {
            dst = &ncases;
            hi = 999999999; /* ids stay under 10 digits (never CPR-like) */
        } else if (!strncmp(a, "--seed", klen) && klen == 6) {
            dst = &seed;
            hi = UINT64_MAX;
        } else if (!strncmp(a, "--jobcenters", klen) && klen == 12) {
            dst = &jobcenters;
            lo = 1;
            hi = 99;
        } else {
            fprintf(stderr, "kontakt-gen: unknown argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (a[klen] == '=')
            val = a + klen + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        if (parse_u64(val, lo, hi, dst)) {
            fprintf(stderr, "kontakt-gen: %.*s needs a number in %llu..%llu\n", (int)klen, a,
                    (unsigned long long)lo, (unsigned long long)hi);
            return 2;
        }
    }

    ks_synth *g = ks_synth_new(seed, (int)jobcenters, mix);
    char *buf = malloc(OUT_CAP);
    if (!buf || !g) {
        fputs("kontakt-gen: out of memory\n", stderr);
        return 1;
    }
    size_t len = 0;
    int failed = 0;
    for (uint64_t i = 0; i < ncases && !failed; i++) {
        len += ks_synth_case(g, i, today, buf + len, NULL);
        if (OUT_CAP - len < KS_SYNTH_CASE_MAX) {
            failed = fwrite(buf, 1, len, stdout) != len;
            len = 0;
        }
    }
    if (len && fwrite(buf, 1, len, stdout) != len) failed = 1;
    if (fflush(stdout) || ferror(stdout) || failed) {
        fprintf(stderr, "kontakt-gen: write error: %s\n", strerror(errno));
        return 1;
    }
    free(buf);
    ks_synth_free(g);
    return 0;
}
