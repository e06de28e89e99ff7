/*
 * bench_store.c -- latency of recording one conversation into a store
 * (plan kept up to date), through the public store API.
 *
 *   bench-store --db FILE --cases N [--records R] [--prefix gen-]
 *
 * Opens the store once, then records R conversations (default 2000) into
 * random cases PREFIX000000 .. PREFIX(N-1), each its own transaction
 * (BEGIN IMMEDIATE .. COMMIT with synchronous=FULL), timing each call to
 * ks_record with CLOCK_MONOTONIC. Prints p50, p90, p99 and max in ms.
 */
#define _POSIX_C_SOURCE 200809L
#include "kontakt_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const char *db = NULL, *prefix = "gen-";
    long n = 0, records = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db")) db = argv[i + 1];
        else if (!strcmp(argv[i], "--cases")) n = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--records")) records = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--prefix")) prefix = argv[i + 1];
    }
    if (!db || n < 1 || records < 1) {
        fputs("usage: bench-store --db FILE --cases N [--records R] [--prefix P]\n", stderr);
        return 2;
    }
    ks_store *s;
    ks_error e = {0};
    if (ks_open(db, 0, &s, &e) != KS_OK) {
        fprintf(stderr, "bench-store: %s\n", e.message);
        return 1;
    }
    ks_set_today(s, kt_date_from_ymd(2026, 11, 23));
    ks_set_actor(s, "bench");
    double *t = malloc((size_t)records * sizeof *t);
    uint64_t x = 88172645463325252ULL;
    long failed = 0;
    for (long i = 0; i < records; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char id[64], body[160];
        snprintf(id, sizeof id, "%s%06ld", prefix, (long)(x % (uint64_t)n));
        snprintf(body, sizeof body,
                 "{\"date\":\"2026-%02d-%02d\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}",
                 (int)((x >> 20) % 10) + 1, (int)((x >> 30) % 28) + 1);
        double t0 = now_ms();
        int rc = ks_record(s, id, KS_CONVERSATION, body, NULL, NULL, NULL, &e);
        t[i] = now_ms() - t0;
        if (rc != KS_OK && failed++ == 0) fprintf(stderr, "bench-store: %s: %s\n", id, e.message);
    }
    qsort(t, (size_t)records, sizeof *t, cmp);
    printf("record: %ld conversations, %ld failed\n", records, failed);
    printf("record_p50_ms: %.3f\nrecord_p90_ms: %.3f\nrecord_p99_ms: %.3f\nrecord_max_ms: %.3f\n",
           t[records / 2], t[records * 9 / 10], t[records * 99 / 100], t[records - 1]);
    free(t);
    ks_close(s);
    return failed ? 1 : 0;
}
