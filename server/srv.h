/* srv.h -- internal to server/: the request and response every handler sees,
 * the route table and the handlers. Only http.c includes
 * microhttpd.h; the handlers know nothing of it. */
#ifndef KSRV_SRV_H
#define KSRV_SRV_H

#include "kontakt.h"
#include "kontakt_buf.h"
#include "kontakt_server.h"

#include <stdarg.h>
#include <stddef.h>

/* Bodies are kt_sb (kontakt_buf.h), growing up to this unless told less. */
#define SB_DEFAULT_MAX ((size_t)64 << 20)

/* ---- roles ------------------------------------------------------------------ */
enum {
    ROLE_CASEWORKER = 1,
    ROLE_MANAGER = 2,
    ROLE_AUDITOR = 4,
};
#define ROLES_ANY (ROLE_CASEWORKER | ROLE_MANAGER | ROLE_AUDITOR)
#define ROLES_WRITE (ROLE_CASEWORKER | ROLE_MANAGER)
#define AUTH_NONE 0u

/* ---- request and response -------------------------------------------------- */
#define KSRV_MAX_PARAM 128

typedef struct ksrv_req {
    ksrv_server *srv;
    void *conn; /* the MHD connection (http.c only) */
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    const char *content_type; /* NULL if none */
    char param[KSRV_MAX_PARAM]; /* the {id} of the path, if any */
    kt_date today;
    /* filled by the router's authentication */
    char jobcenter[128];
    char who[160]; /* token id or label, for the access log */
    int role;      /* ROLE_* or 0 */
    char remote[64];
    /* access-log rows of this request (store_glue.c): written, in one
     * group commit with other requests', before the answer goes out */
    struct ksrv_logjob *log;
} ksrv_req;

typedef struct ksrv_resp {
    int status;
    const char *content_type;
    kt_sb body;
    /* a static body (assets); used instead of body when set */
    const void *static_body;
    size_t static_len;
    char allow[64];            /* Allow header (405), "" if none */
    const char *cache_control; /* default no-store */
    const char *disposition;   /* Content-Disposition */
    const char *etag;
    const char *www_authenticate;
    int is_ui; /* add the UI's security headers */
} ksrv_resp;

/* From http.c: a query argument or a request header, NULL if absent. */
const char *ksrv_query(const ksrv_req *r, const char *key);
const char *ksrv_header(const ksrv_req *r, const char *name);

/* From http.c: the server's day (its --today, else the local date), and a
 * line for its log (printf-style). */
kt_date ksrv_today(const ksrv_server *s);
__attribute__((format(printf, 2, 3))) void ksrv_logf(const ksrv_server *s, const char *fmt, ...);

/* From http.c: the engine shared by all threads, and the server's config. */
const kt_engine *ksrv_engine(const ksrv_server *s);
const ksrv_config *ksrv_cfg(const ksrv_server *s);

typedef void (*ksrv_handler)(ksrv_req *rq, ksrv_resp *rs);

/* ---- router.c ---------------------------------------------------------------- */
/* Finds the route, authenticates, calls the handler; always fills rs. */
void ksrv_dispatch(ksrv_req *rq, ksrv_resp *rs);
/* How many requests that may write (neither GET nor HEAD) this process has
 * answered: a cache of store reads is stale once it moves. */
unsigned long ksrv_writes(void);

/* ---- problem.c: application/problem+json (RFC 7807) --------------------------- */
/* A problem with no list of problems. type is a short slug ("not-found"). */
void ksrv_problem(ksrv_resp *rs, int status, const char *type, const char *title,
                  const char *detail, const char *instance);
/* An invalid case: 400 (not JSON) or 422 (JSON but not a valid case), with the
 * pointer, message, expected, line and column of every problem. */
void ksrv_problem_case(ksrv_resp *rs, const kt_problems *p, const char *instance);
/* A bad query parameter or body field (400/422) with one problem. */
void ksrv_problem_field(ksrv_resp *rs, int status, const char *pointer, const char *parameter,
                        const char *message, const char *expected, const char *instance);
const char *ksrv_reason(int status);

/* ---- helpers shared by handlers (api_util.c) ------------------------------------ */
/* Parses query ?name=DATE into *out (unchanged if absent). -1 after filling a
 * 400 problem. */
int ksrv_query_date(ksrv_req *rq, ksrv_resp *rs, const char *name, kt_date *out);
int ksrv_query_int(ksrv_req *rq, ksrv_resp *rs, const char *name, int lo, int hi, int *out);
/* 415 unless the request's Content-Type is absent or JSON. */
int ksrv_require_json(ksrv_req *rq, ksrv_resp *rs);
/* The body as a case (*c, the caller's to kt_case_free), or -1 after
 * answering: 400 for an empty body or malformed JSON, 422 for an invalid
 * case or one past the engine's limits, 503 out of memory. */
int ksrv_parse_case(ksrv_req *rq, ksrv_resp *rs, kt_case **c);
void ksrv_json_ok(ksrv_resp *rs, int status);

/* ---- handlers ------------------------------------------------------------------- */
void api_healthz(ksrv_req *rq, ksrv_resp *rs);
void api_plan(ksrv_req *rq, ksrv_resp *rs);
void api_rules(ksrv_req *rq, ksrv_resp *rs);
void api_openapi(ksrv_req *rq, ksrv_resp *rs);
void api_me(ksrv_req *rq, ksrv_resp *rs);
void api_cases_list(ksrv_req *rq, ksrv_resp *rs);
void api_cases_create(ksrv_req *rq, ksrv_resp *rs);
void api_case_get(ksrv_req *rq, ksrv_resp *rs);
void api_case_conversation(ksrv_req *rq, ksrv_resp *rs);
void api_case_event(ksrv_req *rq, ksrv_resp *rs);
void api_case_calendar(ksrv_req *rq, ksrv_resp *rs);
void api_worklist(ksrv_req *rq, ksrv_resp *rs);
void api_timeliness(ksrv_req *rq, ksrv_resp *rs);
void api_forecast(ksrv_req *rq, ksrv_resp *rs);
void api_quota(ksrv_req *rq, ksrv_resp *rs);
void api_schedule(ksrv_req *rq, ksrv_resp *rs);      /* issue 14 */
void api_case_booking(ksrv_req *rq, ksrv_resp *rs);  /* issue 14 */
void api_caseworker_calendar(ksrv_req *rq, ksrv_resp *rs); /* issue 14 */
void api_bookings(ksrv_req *rq, ksrv_resp *rs);      /* issue 14 */
void ui_index(ksrv_req *rq, ksrv_resp *rs);
void ui_asset(ksrv_req *rq, ksrv_resp *rs);

/* ---- assets (assets_gen.c, made by server/gen-assets.sh) ------------------------ */
typedef struct ksrv_asset {
    const char *name; /* "index.html", "app.js", "openapi.json" */
    const char *content_type;
    const unsigned char *data;
    size_t len;
    const char *etag;
} ksrv_asset;
extern const ksrv_asset ksrv_assets[];
extern const size_t ksrv_asset_count;
const ksrv_asset *ksrv_asset_find(const char *name);

#endif
