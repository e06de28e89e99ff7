/* router.c -- the route table: method, path template, handler and the roles
 * that may call it. The table is also what the OpenAPI test checks against
 * server/openapi.json (ksrv_route_count/ksrv_route_get). */
#include "srv.h"
#include "auth.h"

#include <stdio.h>
#include <string.h>

typedef struct route {
    const char *method;
    const char *path; /* "{x}" matches one non-empty segment */
    ksrv_handler fn;
    unsigned roles; /* AUTH_NONE: no token needed */
} route;

static const route routes[] = {
    {"GET", "/healthz", api_healthz, AUTH_NONE},
    {"POST", "/v1/plan", api_plan, AUTH_NONE},
    {"GET", "/v1/rules", api_rules, ROLES_ANY},
    {"GET", "/v1/openapi.json", api_openapi, ROLES_ANY},
    {"GET", "/v1/me", api_me, ROLES_ANY},
    {"GET", "/v1/cases", api_cases_list, ROLES_ANY},
    {"POST", "/v1/cases", api_cases_create, ROLES_WRITE},
    {"GET", "/v1/cases/{id}", api_case_get, ROLES_ANY},
    {"POST", "/v1/cases/{id}/conversations", api_case_conversation, ROLES_WRITE},
    {"POST", "/v1/cases/{id}/events", api_case_event, ROLES_WRITE},
    {"GET", "/v1/cases/{id}/calendar.ics", api_case_calendar, ROLES_ANY},
    {"GET", "/v1/worklist", api_worklist, ROLES_ANY},
    {"GET", "/v1/reports/timeliness", api_timeliness, ROLE_MANAGER | ROLE_AUDITOR},
    {"GET", "/v1/reports/quota", api_quota, ROLE_MANAGER | ROLE_AUDITOR},
    {"GET", "/v1/forecast", api_forecast, ROLE_MANAGER | ROLE_AUDITOR},
    {"GET", "/v1/schedule", api_schedule, ROLES_ANY},
    {"POST", "/v1/cases/{id}/bookings", api_case_booking, ROLES_WRITE},
    {"GET", "/v1/caseworkers/{id}/calendar.ics", api_caseworker_calendar, ROLES_ANY},
    {"GET", "/v1/bookings", api_bookings, ROLES_ANY},
    /* the web UI: static files, no data, no token */
    {"GET", "/", ui_index, AUTH_NONE},
    {"GET", "/ui/{file}", ui_asset, AUTH_NONE},
};
#define NROUTES (sizeof routes / sizeof routes[0])

size_t ksrv_route_count(void) { return NROUTES; }

void ksrv_route_get(size_t i, const char **method, const char **path) {
    *method = i < NROUTES ? routes[i].method : "";
    *path = i < NROUTES ? routes[i].path : "";
}

/* Matches path against a template; copies the one {param} into param.
 * Returns 1 on a match, 0 otherwise, -1 if the parameter is too long. */
static int match(const char *tpl, const char *path, char *param, size_t psize) {
    while (*tpl && *path) {
        if (*tpl == '{') {
            const char *close = strchr(tpl, '}');
            const char *seg_end = strchr(path, '/');
            size_t n = seg_end ? (size_t)(seg_end - path) : strlen(path);
            if (n == 0) return 0;
            if (n >= psize) return -1;
            memcpy(param, path, n);
            param[n] = '\0';
            tpl = close + 1;
            path += n;
            continue;
        }
        if (*tpl != *path) return 0;
        tpl++;
        path++;
    }
    return *tpl == '\0' && *path == '\0';
}

void ksrv_dispatch(ksrv_req *rq, ksrv_resp *rs) {
    const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
    char allow[64] = "";
    const route *hit = NULL;
    int too_long = 0;
    for (size_t i = 0; i < NROUTES; i++) {
        char param[KSRV_MAX_PARAM];
        int m = match(routes[i].path, rq->path, param, sizeof param);
        if (m < 0) too_long = 1;
        if (m <= 0) continue;
        if (strcmp(routes[i].method, method) == 0) {
            hit = &routes[i];
            memcpy(rq->param, param, sizeof param);
            break;
        }
        if (!strstr(allow, routes[i].method)) {
            if (allow[0]) strcat(allow, ", ");
            strcat(allow, routes[i].method);
            if (strcmp(routes[i].method, "GET") == 0) strcat(allow, ", HEAD");
        }
    }
    if (!hit) {
        if (allow[0]) {
            memcpy(rs->allow, allow, sizeof allow);
            char detail[128];
            snprintf(detail, sizeof detail, "%s is not allowed here; allowed: %s.", rq->method,
                     allow);
            ksrv_problem(rs, 405, "method-not-allowed", NULL, detail, rq->path);
        } else {
            ksrv_problem(rs, 404, "not-found", NULL,
                         too_long ? "No such resource (an identifier is too long)."
                                  : "No such resource. GET /v1/openapi.json lists them all.",
                         rq->path);
        }
        return;
    }
    if (hit->roles != AUTH_NONE && ksrv_authenticate(rq, rs, hit->roles) != 0) return;
    hit->fn(rq, rs);
}
