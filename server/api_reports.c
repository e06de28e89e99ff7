/* api_reports.c -- worklist, timeliness and forecast. The queries belong
 * to the store (include/kontakt_store.h); until they are declared there
 * these endpoints answer 501 with a problem that says so. Authentication
 * and roles are already enforced by the router. */
#include "srv.h"

#include <stdio.h>

static void not_yet(ksrv_req *rq, ksrv_resp *rs, const char *what) {
    char detail[200];
    snprintf(detail, sizeof detail,
             "%s is not implemented in this build: the store has no query for it yet.", what);
    ksrv_problem(rs, 501, "not-implemented", NULL, detail, rq->path);
}

void api_worklist(ksrv_req *rq, ksrv_resp *rs) { not_yet(rq, rs, "The worklist"); }
void api_timeliness(ksrv_req *rq, ksrv_resp *rs) { not_yet(rq, rs, "The timeliness report"); }
void api_forecast(ksrv_req *rq, ksrv_resp *rs) { not_yet(rq, rs, "The forecast"); }
