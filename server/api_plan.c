/* api_plan.c -- the endpoints that need no store: /healthz, POST /v1/plan,
 * GET /v1/rules, GET /v1/openapi.json, GET /v1/me. */
#include "srv.h"
#include "store_glue.h"

#include <string.h>

void api_healthz(ksrv_req *rq, ksrv_resp *rs) {
    ksrv_json_ok(rs, 200);
    kt_sb_str(&rs->body, "{\"status\":\"ok\",\"version\":\"" KT_VERSION "\",\"store\":");
    kt_sb_str(&rs->body, ksrv_store_configured(ksrv_stores(rq->srv)) ? "true" : "false");
    kt_sb_chr(&rs->body, '}');
}

void api_plan(ksrv_req *rq, ksrv_resp *rs) {
    if (ksrv_require_json(rq, rs)) return;
    kt_plan_options o;
    kt_plan_options_init(&o);
    o.today = rq->today;
    if (ksrv_query_date(rq, rs, "as_of", &o.as_of)) return;
    if (ksrv_query_int(rq, rs, "horizon", 0, 36500, &o.horizon_days)) return;
    kt_case *c;
    if (ksrv_parse_case(rq, rs, &c)) return;
    kt_plan *p = NULL;
    int rc = kt_plan_compute(ksrv_engine(rq->srv), c, &o, &p);
    kt_case_free(c);
    if (rc != KT_OK) {
        ksrv_problem(rs, rc == KT_EARG ? 422 : 503, rc == KT_EARG ? "no-plan" : NULL, NULL,
                     kt_strerror(rc), rq->path);
        return;
    }
    ksrv_json_ok(rs, 200);
    kt_plan_write_json(p, kt_sb_write, &rs->body);
    kt_plan_free(p);
}

void api_rules(ksrv_req *rq, ksrv_resp *rs) {
    kt_date on = KT_NO_DATE;
    if (ksrv_query_date(rq, rs, "on", &on)) return;
    ksrv_json_ok(rs, 200);
    kt_rules_write_json(ksrv_engine(rq->srv), on, kt_sb_write, &rs->body);
}

const char *ksrv_openapi(size_t *len) {
    const ksrv_asset *a = ksrv_asset_find("openapi.json");
    *len = a ? a->len : 0;
    return a ? (const char *)a->data : "";
}

void api_openapi(ksrv_req *rq, ksrv_resp *rs) {
    (void)rq;
    ksrv_json_ok(rs, 200);
    rs->static_body = ksrv_openapi(&rs->static_len);
    rs->cache_control = "no-cache";
}

/* GET /v1/me: what the token is (for the web UI). */
void api_me(ksrv_req *rq, ksrv_resp *rs) {
    static const char *const names[] = {"", "caseworker", "manager", "", "auditor"};
    ksrv_json_ok(rs, 200);
    kt_sb_str(&rs->body, "{\"jobcenter\":");
    kt_sb_json_str(&rs->body, rq->jobcenter);
    kt_sb_str(&rs->body, ",\"role\":");
    kt_sb_json_str(&rs->body, rq->role > 0 && rq->role <= 4 ? names[rq->role] : "");
    kt_sb_str(&rs->body, ",\"today\":\"");
    char d[11];
    kt_date_format(rq->today, d);
    kt_sb_str(&rs->body, d);
    kt_sb_str(&rs->body, "\"}");
}
