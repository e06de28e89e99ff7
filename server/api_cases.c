/* api_cases.c -- the case endpoints (need the store). */
#include "srv.h"

static void no_store(ksrv_req *rq, ksrv_resp *rs) {
    ksrv_problem(rs, 501, "not-implemented", NULL, "The store is not available in this build.",
                 rq->path);
}

void api_cases_list(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_cases_create(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_case_get(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_case_conversation(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_case_event(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_case_calendar(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_worklist(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_timeliness(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
void api_forecast(ksrv_req *rq, ksrv_resp *rs) { no_store(rq, rs); }
