/* store_glue.h -- internal to server/: one store connection per server
 * thread, opened on a thread's first request and closed when the thread ends
 * (or at ksrv_stop). */
#ifndef KSRV_STORE_GLUE_H
#define KSRV_STORE_GLUE_H

#include "srv.h"

typedef struct ksrv_store_pool ksrv_store_pool;

/* path NULL: no store (every store endpoint answers 503). */
int ksrv_stores_open(const char *path, ksrv_store_pool **out);
void ksrv_stores_close(ksrv_store_pool *p);
ksrv_store_pool *ksrv_stores(const ksrv_server *s);
/* Whether the server was started with a store. */
int ksrv_store_configured(const ksrv_store_pool *p);

#endif
