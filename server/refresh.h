/* refresh.h -- internal to server/: the thread that keeps stored plans
 * current (refresh.c). */
#ifndef KSRV_REFRESH_H
#define KSRV_REFRESH_H

#include "srv.h"

typedef struct ksrv_refresher ksrv_refresher;

/* Starts the thread on the store at path (its own connection). */
int ksrv_refresher_start(ksrv_server *srv, const char *path, ksrv_refresher **out);
/* Stops it (a batch under way is finished first) and frees it. NULL is fine. */
void ksrv_refresher_stop(ksrv_refresher *r);

#endif
