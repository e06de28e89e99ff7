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
};

int ksrv_stores_open(const char *path, ksrv_store_pool **out, ks_error *err) {
    ksrv_store_pool *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return KSRV_ENOMEM;
    pthread_mutex_init(&p->mu, NULL);
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
    }
    *out = p;
    return KSRV_OK;
}

void ksrv_stores_close(ksrv_store_pool *p) {
    if (!p) return;
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
    return st;
}

int ksrv_access_log(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *case_id,
                    const char *action, int must) {
    ks_error err = {0};
    if (ks_access_log_append(st, rq->who, rq->jobcenter, case_id, action, &err) == KS_OK)
        return 0;
    if (!must) return 0;
    ksrv_problem(rs, 503, "access-log", NULL,
                 "The access could not be logged, so it was not allowed.", rq->path);
    return -1;
}
