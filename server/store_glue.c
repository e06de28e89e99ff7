/* store_glue.c -- the store connections of the server's threads. A store
 * handle belongs to one thread at a time (kontakt_store.h), so each worker
 * thread opens its own on first use and keeps it; the pool remembers them
 * all and closes them when the server stops. */
#define _POSIX_C_SOURCE 200809L
#include "store_glue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ksrv_store_pool {
    char *path;
    pthread_key_t key;
    int have_key;
    pthread_mutex_t mu;
    ks_store **all;
    size_t n, cap;
    /* the access log's writer: one thread, one connection; each round takes
     * every job queued meanwhile and writes their rows in one transaction */
    pthread_t logger;
    int have_logger, log_stop;
    pthread_mutex_t log_mu;
    pthread_cond_t log_cv;
    ksrv_logjob *log_head, *log_tail;
    unsigned long log_rows, log_batches;
};

#define LOG_BATCH_MAX 1024 /* rows per transaction */


static void *logger_main(void *arg) {
    ksrv_store_pool *p = arg;
    ks_store *st = NULL;
    ks_error err = {0};
    ks_access_row *rows = malloc(sizeof *rows * LOG_BATCH_MAX);
    pthread_mutex_lock(&p->log_mu);
    for (;;) {
        while (!p->log_head && !p->log_stop) pthread_cond_wait(&p->log_cv, &p->log_mu);
        if (!p->log_head) break; /* stopping, and nothing left */
        /* take as many whole jobs as fit in one batch */
        ksrv_logjob *batch = p->log_head, *last = NULL;
        size_t n = 0;
        for (ksrv_logjob *j = batch; j && n + (size_t)j->n <= LOG_BATCH_MAX; j = j->next) {
            n += (size_t)j->n;
            last = j;
        }
        p->log_head = last->next;
        if (!p->log_head) p->log_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&p->log_mu);

        int ok = rows != NULL;
        if (ok && !st && ks_open(p->path, KS_OPEN_CREATE, &st, &err) != KS_OK) {
            st = NULL;
            ok = 0;
        }
        if (ok) {
            size_t k = 0;
            for (ksrv_logjob *j = batch; j; j = j->next)
                for (int i = 0; i < j->n; i++) {
                    const ksrv_logrow *r = &j->rows[i];
                    rows[k++] = (ks_access_row){r->who, r->jobcenter,
                                                r->has_case ? r->case_id : NULL, r->action};
                }
            /* On PostgreSQL this finds a connection lost while idle (a
             * restart) and reconnects, so that the batch is not refused
             * for it (the batch itself is not retried: a commit cut off
             * may have landed). A no-op on SQLite. */
            ok = ks_set_jobcenter(st, NULL, &err) == KS_OK &&
                 ks_access_log_append_batch(st, rows, k, &err) == KS_OK;
        }
        pthread_mutex_lock(&p->log_mu);
        if (ok) {
            p->log_rows += n;
            p->log_batches++;
        }
        pthread_mutex_unlock(&p->log_mu);
        for (ksrv_logjob *j = batch, *next; j; j = next) {
            next = j->next; /* j may be gone once done returns */
            j->done(j->ctx, ok);
        }
        pthread_mutex_lock(&p->log_mu);
    }
    pthread_mutex_unlock(&p->log_mu);
    if (st) ks_close(st);
    free(rows);
    return NULL;
}

int ksrv_log_submit(ksrv_store_pool *p, ksrv_logjob *job) {
    if (!p || !p->have_logger) return -1;
    job->next = NULL;
    pthread_mutex_lock(&p->log_mu);
    if (p->log_tail) p->log_tail->next = job;
    else p->log_head = job;
    p->log_tail = job;
    pthread_cond_signal(&p->log_cv);
    pthread_mutex_unlock(&p->log_mu);
    return 0;
}

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int state; /* 0 waiting, 1 written, -1 failed */
} waiter;

static void wake(void *ctx, int ok) {
    waiter *w = ctx;
    pthread_mutex_lock(&w->mu);
    w->state = ok ? 1 : -1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int ksrv_log_wait(ksrv_store_pool *p, ksrv_logjob *job) {
    waiter *w = malloc(sizeof *w); /* on the heap: job keeps a pointer to it */
    if (!w) return 0;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->state = 0;
    job->done = wake;
    job->ctx = w;
    int ok = 0;
    if (ksrv_log_submit(p, job) == 0) {
        pthread_mutex_lock(&w->mu);
        while (w->state == 0) pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
        ok = w->state > 0;
    }
    job->ctx = NULL;
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return ok;
}

void ksrv_log_stats(ksrv_store_pool *p, unsigned long *rows, unsigned long *batches) {
    pthread_mutex_lock(&p->log_mu);
    *rows = p->log_rows;
    *batches = p->log_batches;
    pthread_mutex_unlock(&p->log_mu);
}

int ksrv_stores_open(const char *path, long max_ms, ksrv_store_pool **out, ks_error *err) {
    ksrv_store_pool *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return KSRV_ENOMEM;
    /* the deadline of every store the server opens (its threads', the
     * logger's, the refresher's), its connects included; also where
     * KONTAKT_DB_TIMEOUT=0 asks for none: a server must not hang */
    long d = ks_default_db_timeout();
    if (max_ms > 0 && (d == 0 || d > max_ms)) ks_set_default_db_timeout(max_ms);
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->log_mu, NULL);
    pthread_cond_init(&p->log_cv, NULL);
    if (path) {
        ks_store *st;
        if (ks_open(path, KS_OPEN_CREATE, &st, err) != KS_OK) {
            pthread_mutex_destroy(&p->mu);
            free(p);
            return KSRV_ESTORE;
        }
        ks_close(st);
        p->path = strdup(path);
        if (!p->path || pthread_key_create(&p->key, NULL) != 0) {
            free(p->path);
            pthread_mutex_destroy(&p->mu);
            free(p);
            return KSRV_ENOMEM;
        }
        p->have_key = 1;
        if (pthread_create(&p->logger, NULL, logger_main, p) != 0) {
            ksrv_stores_close(p);
            return KSRV_ENOMEM;
        }
        p->have_logger = 1;
    }
    *out = p;
    return KSRV_OK;
}

void ksrv_stores_close(ksrv_store_pool *p) {
    if (!p) return;
    if (p->have_logger) { /* writes what is queued, then ends */
        pthread_mutex_lock(&p->log_mu);
        p->log_stop = 1;
        pthread_cond_signal(&p->log_cv);
        pthread_mutex_unlock(&p->log_mu);
        pthread_join(p->logger, NULL);
    }
    pthread_cond_destroy(&p->log_cv);
    pthread_mutex_destroy(&p->log_mu);
    for (size_t i = 0; i < p->n; i++) ks_close(p->all[i]);
    free(p->all);
    if (p->have_key) pthread_key_delete(p->key);
    pthread_mutex_destroy(&p->mu);
    free(p->path);
    free(p);
}

int ksrv_store_configured(const ksrv_store_pool *p) { return p && p->path; }

static ks_store *thread_store(ksrv_store_pool *p, ks_error *err) {
    ks_store *st = pthread_getspecific(p->key);
    if (st) return st;
    if (ks_open(p->path, KS_OPEN_CREATE, &st, err) != KS_OK) return NULL;
    pthread_mutex_lock(&p->mu);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        ks_store **v = realloc(p->all, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&p->mu);
            ks_close(st);
            snprintf(err->message, sizeof err->message, "out of memory");
            return NULL;
        }
        p->all = v;
        p->cap = cap;
    }
    p->all[p->n++] = st;
    pthread_mutex_unlock(&p->mu);
    pthread_setspecific(p->key, st);
    return st;
}

ks_store *ksrv_store(ksrv_req *rq, ksrv_resp *rs) {
    ksrv_store_pool *p = ksrv_stores(rq->srv);
    if (!ksrv_store_configured(p)) {
        ksrv_problem(rs, 503, "no-store", NULL, "The server was started without a store.",
                     rq->path);
        return NULL;
    }
    ks_error err = {0};
    ks_store *st = thread_store(p, &err);
    if (!st) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, err.message, rq->path);
        return NULL;
    }
    ks_set_today(st, rq->today);
    ks_set_actor(st, rq->who[0] ? rq->who : "api");
    /* The rows the connection may see (PostgreSQL's row-level security; a
     * no-op on SQLite): the caller's jobcentre once its token is checked
     * (ksrv_authenticate fills rq->jobcenter), none before. Every handler
     * gets its store here, so each request sets its own and no request
     * inherits the previous one's. */
    if (ks_set_jobcenter(st, rq->jobcenter[0] ? rq->jobcenter : NULL, &err) != KS_OK) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, err.message, rq->path);
        return NULL;
    }
    return st;
}

int ksrv_access_log(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *case_id,
                    const char *action, int must) {
    ksrv_logjob *j = rq->log;
    if (j) {
        if (j->n == KSRV_LOG_ROWS) {
            j->overflow = 1; /* a handler bug; refuse rather than lose a row */
            j->must = 1;
            return 0;
        }
        ksrv_logrow *r = &j->rows[j->n++];
        snprintf(r->who, sizeof r->who, "%s", rq->who);
        snprintf(r->jobcenter, sizeof r->jobcenter, "%s", rq->jobcenter);
        r->has_case = case_id != NULL;
        snprintf(r->case_id, sizeof r->case_id, "%s", case_id ? case_id : "");
        snprintf(r->action, sizeof r->action, "%s", action);
        if (must) j->must = 1;
        return 0;
    }
    ks_error err = {0};
    if (ks_access_log_append(st, rq->who, rq->jobcenter, case_id, action, &err) == KS_OK)
        return 0;
    if (!must) return 0;
    ksrv_problem(rs, 503, "access-log", NULL,
                 "The access could not be logged, so it was not allowed.", rq->path);
    return -1;
}
