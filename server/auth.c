/* auth.c -- bearer tokens: `Authorization: Bearer kt_...`, checked against
 * the store's token table (only hashes are stored) on every request to an
 * endpoint that needs one. 401 without a token or with an unknown or
 * revoked one, 403 when the token's role may not use the endpoint. */
#include "auth.h"
#include "store_glue.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int ksrv_authenticate(ksrv_req *rq, ksrv_resp *rs, unsigned roles) {
    const char *h = ksrv_header(rq, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
        ksrv_problem(rs, 401, "unauthenticated", NULL,
                     "This endpoint needs a bearer token (kontakt token create).", rq->path);
        rs->www_authenticate = "Bearer realm=\"kontakt\"";
        return -1;
    }
    const char *tok = h + 7;
    while (*tok == ' ') tok++;
    ks_store *st = ksrv_store(rq, rs);
    if (!st) return -1;
    ks_token_info ti;
    ks_error err = {0};
    int rc = ks_token_check(st, tok, &ti, &err);
    if (rc == KS_EDENIED || rc == KS_ENOTFOUND) {
        ksrv_problem(rs, 401, "invalid-token", NULL, "The token is unknown or was revoked.",
                     rq->path);
        rs->www_authenticate = "Bearer realm=\"kontakt\", error=\"invalid_token\"";
        return -1;
    }
    if (rc != KS_OK) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, err.message, rq->path);
        return -1;
    }
    snprintf(rq->jobcenter, sizeof rq->jobcenter, "%s", ti.jobcenter);
    snprintf(rq->who, sizeof rq->who, "token:%ld:%s", ti.id, ks_role_name(ti.role));
    rq->role = ti.role == KS_ROLE_CASEWORKER ? ROLE_CASEWORKER
               : ti.role == KS_ROLE_MANAGER  ? ROLE_MANAGER
               : ti.role == KS_ROLE_AUDITOR  ? ROLE_AUDITOR
                                             : 0;
    ks_set_actor(st, rq->who);
    /* from now on the connection sees the caller's jobcentre only
     * (PostgreSQL's row-level security; a no-op on SQLite) */
    if (ks_set_jobcenter(st, rq->jobcenter, &err) != KS_OK) {
        ksrv_problem(rs, 503, "store-unavailable", NULL, err.message, rq->path);
        return -1;
    }
    if (!(rq->role & roles)) {
        char detail[160];
        snprintf(detail, sizeof detail, "A token with role %s may not use %s %s.", ks_role_name(ti.role),
                 rq->method, rq->path);
        /* every refused attempt is logged, with the case if it was about one */
        int on_case = rq->param[0] && strncmp(rq->path, "/v1/cases/", 10) == 0;
        ksrv_access_log(rq, rs, st, on_case ? rq->param : NULL, "denied:role", 0);
        ksrv_problem(rs, 403, "forbidden-role", NULL, detail, rq->path);
        return -1;
    }
    return 0;
}
