/* api_util.c -- small helpers shared by the handlers. */
#include "srv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ksrv_query_date(ksrv_req *rq, ksrv_resp *rs, const char *name, kt_date *out) {
    const char *v = ksrv_query(rq, name);
    if (!v) return 0;
    if (kt_date_parse(v, strlen(v), out) != KT_OK) {
        ksrv_problem_field(rs, 400, "", name, "not a date", "a date YYYY-MM-DD", rq->path);
        return -1;
    }
    return 0;
}

int ksrv_query_int(ksrv_req *rq, ksrv_resp *rs, const char *name, int lo, int hi, int *out) {
    const char *v = ksrv_query(rq, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        char expected[96];
        snprintf(expected, sizeof expected, "a whole number from %d to %d", lo, hi);
        ksrv_problem_field(rs, 400, "", name, "not a whole number in range", expected, rq->path);
        return -1;
    }
    *out = (int)n;
    return 0;
}

int ksrv_parse_case(ksrv_req *rq, ksrv_resp *rs, kt_case **c) {
    *c = NULL;
    if (rq->body_len == 0) {
        ksrv_problem_field(rs, 400, "", NULL, "the body is empty", "a case as JSON", rq->path);
        return -1;
    }
    kt_problems *pr = NULL;
    int rc = kt_case_parse(rq->body, rq->body_len, c, &pr);
    if (rc == KT_OK) return 0;
    if (rc == KT_EINVALID)
        ksrv_problem_case(rs, pr, rq->path);
    else if (rc == KT_ELIMIT)
        ksrv_problem(rs, 422, "limit", NULL, "The case exceeds one of the engine's limits.", rq->path);
    else
        ksrv_problem(rs, 503, NULL, NULL, kt_strerror(rc), rq->path);
    kt_problems_free(pr);
    return -1;
}

int ksrv_require_json(ksrv_req *rq, ksrv_resp *rs) {
    const char *ct = rq->content_type;
    if (!ct) return 0;
    size_t n = strcspn(ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t')) n--;
    if ((n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
        (n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0))
        return 0;
    ksrv_problem(rs, 415, "unsupported-media-type", NULL,
                 "Send the body as application/json.", rq->path);
    return -1;
}

void ksrv_json_ok(ksrv_resp *rs, int status) {
    rs->status = status;
    rs->content_type = "application/json";
}
