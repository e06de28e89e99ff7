/* auth.h -- internal to server/: bearer tokens. */
#ifndef KSRV_AUTH_H
#define KSRV_AUTH_H

#include "srv.h"

/* Checks the request's bearer token against the store and `roles`. Fills
 * rq->jobcenter, rq->role and rq->who and returns 0, or fills a 401/403/503
 * problem and returns -1. */
int ksrv_authenticate(ksrv_req *rq, ksrv_resp *rs, unsigned roles);

#endif
