/* store_glue.h -- internal to server/: one store connection per server
 * thread, opened on the thread's first request that needs it, all closed at
 * ksrv_stop (after the threads have ended). */
#ifndef KSRV_STORE_GLUE_H
#define KSRV_STORE_GLUE_H

#include "srv.h"
#include "kontakt_store.h"

typedef struct ksrv_store_pool ksrv_store_pool;

/* Opens the store once to check it (creating it if missing). path NULL: no
 * store (every store endpoint answers 503). KSRV_ESTORE with *err filled if
 * the file cannot be used. max_ms > 0: the statement deadline of the
 * pool's stores (ks_set_db_timeout) is at most that, so that a database
 * that does not answer gives 503 within the request timeout. */
int ksrv_stores_open(const char *path, long max_ms, ksrv_store_pool **out, ks_error *err);
void ksrv_stores_close(ksrv_store_pool *p);
ksrv_store_pool *ksrv_stores(const ksrv_server *s);
int ksrv_store_configured(const ksrv_store_pool *p);

/* The calling thread's store, set to the request's today and actor; NULL
 * after filling a 503 problem. */
ks_store *ksrv_store(ksrv_req *rq, ksrv_resp *rs);

/* Adds a row to the request's access log (rq->log). http.c writes the rows
 * of concurrent requests in one transaction and sends the answer only after
 * its rows are durable; if they cannot be written, a request with a `must`
 * row gets 503 instead of its answer, others are answered and the failure
 * logged. Without rq->log the row is written at once (then -1 after filling a
 * 503 if it failed and `must`). */
int ksrv_access_log(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *case_id,
                    const char *action, int must);

/* ---- the access log's group commit ------------------------------------------------ */
#define KSRV_LOG_ROWS 4 /* rows one request may add */
typedef struct ksrv_logrow {
    char who[160], jobcenter[128], case_id[KSRV_MAX_PARAM], action[64];
    int has_case;
} ksrv_logrow;
typedef void (*ksrv_log_done)(void *ctx, int ok);
typedef struct ksrv_logjob {
    ksrv_logrow rows[KSRV_LOG_ROWS];
    int n, must, overflow;
    ksrv_log_done done; /* called on the logger thread once written (ok 1) or failed (0) */
    void *ctx;
    struct ksrv_logjob *next;
} ksrv_logjob;
/* Queues job for the logger thread; done is called later. -1 if there is no
 * logger (no store). */
int ksrv_log_submit(ksrv_store_pool *p, ksrv_logjob *job);
/* Queues job and waits for it: 1 written, 0 not. */
int ksrv_log_wait(ksrv_store_pool *p, ksrv_logjob *job);
/* Rows written and batches committed so far (for the bench and logs). */
void ksrv_log_stats(ksrv_store_pool *p, unsigned long *rows, unsigned long *batches);

#endif
