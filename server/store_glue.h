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
 * the file cannot be used. */
int ksrv_stores_open(const char *path, ksrv_store_pool **out, ks_error *err);
void ksrv_stores_close(ksrv_store_pool *p);
ksrv_store_pool *ksrv_stores(const ksrv_server *s);
int ksrv_store_configured(const ksrv_store_pool *p);

/* The calling thread's store, set to the request's today and actor; NULL
 * after filling a 503 problem. */
ks_store *ksrv_store(ksrv_req *rq, ksrv_resp *rs);

/* Appends to the access log; a failure is logged, not fatal to the answer
 * unless `must` (writes: then -1 after filling a 503). */
int ksrv_access_log(ksrv_req *rq, ksrv_resp *rs, ks_store *st, const char *case_id,
                    const char *action, int must);

#endif
