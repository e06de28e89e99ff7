/* refresh.c -- the server keeps the stored plans current by itself: a
 * background thread runs ks_refresh_batch at start and again whenever the
 * server's day (ksrv_today: --today / KONTAKT_TODAY, else the local date)
 * is not the day of its last complete refresh, i.e. after midnight. Each
 * batch is one short transaction on the thread's own connection, so
 * requests (readers never wait in WAL; writers queue for at most one batch)
 * go on meanwhile. docs/server.md, "Plans kept current". */
#define _POSIX_C_SOURCE 200809L
#include "refresh.h"

#include "kontakt_store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Plans per transaction (about 50 ms), and the pause between two batches:
 * at least as long as the batch took and at least 100 ms, the longest sleep
 * of SQLite's busy handler, so that a request waiting for the lock (a
 * recording, an access-log commit) wakes up within a pause and gets it. A
 * pause of 2 ms starved them: 0.2-9 s per request during a refresh of
 * 100,000 plans (bench/README.md). */
#define REFRESH_BATCH 100
#define REFRESH_PAUSE_MS 100
/* How often the day is looked at; also how soon a failed refresh is tried
 * again (RETRY_S). */
#define REFRESH_TICK_MS 1000
#define REFRESH_RETRY_S 60

struct ksrv_refresher {
    ksrv_server *srv;
    char *path;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    kt_date done_day; /* the day of the last complete refresh */
    unsigned long runs, plans;
};

static void deadline_in(struct timespec *ts, long ms) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Waits ms or until stopped; 1 if stopped. */
static int nap(ksrv_refresher *r, long ms) {
    struct timespec ts;
    deadline_in(&ts, ms);
    pthread_mutex_lock(&r->mu);
    while (!r->stop && pthread_cond_timedwait(&r->cv, &r->mu, &ts) != ETIMEDOUT) {
    }
    int stop = r->stop;
    pthread_mutex_unlock(&r->mu);
    return stop;
}

/* The jobcentres one at a time where the store shows a connection only the
 * rows of the one set (PostgreSQL's row-level security: the server's role
 * sees nothing otherwise; ks_per_jobcenter); NULL alone elsewhere (all). */
typedef struct jc_list {
    char **v;
    size_t n, cap;
} jc_list;

static int jc_add(void *ctx, const char *jc) {
    jc_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return 1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(jc ? jc : ""))) return 1;
    l->n++;
    return 0;
}

static void jc_free(jc_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void *refresh_main(void *arg) {
    ksrv_refresher *r = arg;
    ks_store *st = NULL;
    ks_error err = {0};
    for (;;) {
        kt_date day = ksrv_today(r->srv);
        pthread_mutex_lock(&r->mu);
        int due = day != r->done_day, stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop) break;
        if (!due) {
            if (nap(r, REFRESH_TICK_MS)) break;
            continue;
        }
        if (!st && ks_open(r->path, KS_OPEN_CREATE, &st, &err) != KS_OK) {
            st = NULL;
            ksrv_logf(r->srv, "refresh: cannot open the store: %s", err.message);
            if (nap(r, REFRESH_RETRY_S * 1000L)) break;
            continue;
        }
        ks_set_actor(st, "refresh");
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        long total = 0;
        int more = 1, failed = 0, stopped = 0;
        jc_list jcs = {0};
        size_t jci = 0;
        if (ks_per_jobcenter(st)) {
            if (ks_jobcenters_each(st, jc_add, &jcs, &err) != KS_OK) failed = 1, more = 0;
            else if (jcs.n == 0) more = 0;
            else if (ks_set_jobcenter(st, jcs.v[0], &err) != KS_OK) failed = 1, more = 0;
        }
        while (more) {
            long n = 0;
            struct timespec b0, b1;
            clock_gettime(CLOCK_MONOTONIC, &b0);
            if (ks_refresh_batch(st, day, REFRESH_BATCH, &n, &more, &err) != KS_OK) {
                failed = 1;
                break;
            }
            clock_gettime(CLOCK_MONOTONIC, &b1);
            total += n;
            if (!more && jci + 1 < jcs.n) { /* the next jobcentre */
                more = 1;
                if (ks_set_jobcenter(st, jcs.v[++jci], &err) != KS_OK) {
                    failed = 1;
                    break;
                }
            }
            long took = (b1.tv_sec - b0.tv_sec) * 1000L + (b1.tv_nsec - b0.tv_nsec) / 1000000L;
            if (more && nap(r, took > REFRESH_PAUSE_MS ? took : REFRESH_PAUSE_MS)) {
                stopped = 1;
                break;
            }
        }
        if (jcs.n) ks_set_jobcenter(st, NULL, NULL);
        jc_free(&jcs);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
        char d[11];
        kt_date_format(day, d);
        if (failed) {
            ksrv_logf(r->srv, "refresh as of %s: %s (%ld plans recomputed; tried again in %d s)",
                      d, err.message, total, REFRESH_RETRY_S);
            if (nap(r, REFRESH_RETRY_S * 1000L)) break;
            continue;
        }
        if (stopped) break;
        pthread_mutex_lock(&r->mu);
        r->done_day = day;
        r->runs++;
        r->plans += (unsigned long)total;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        if (total) ksrv_logf(r->srv, "refresh as of %s: %ld plans recomputed in %ld ms", d, total, ms);
    }
    if (st) ks_close(st);
    return NULL;
}

int ksrv_refresher_start(ksrv_server *srv, const char *path, ksrv_refresher **out) {
    *out = NULL;
    ksrv_refresher *r = calloc(1, sizeof *r);
    if (!r) return KSRV_ENOMEM;
    r->srv = srv;
    r->done_day = KT_NO_DATE;
    r->path = strdup(path);
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (!r->path || pthread_create(&r->thread, NULL, refresh_main, r) != 0) {
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        free(r->path);
        free(r);
        return KSRV_ENOMEM;
    }
    *out = r;
    return KSRV_OK;
}

void ksrv_refresher_stop(ksrv_refresher *r) {
    if (!r) return;
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r->path);
    free(r);
}
