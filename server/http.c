/* http.c -- the libmicrohttpd adapter: the only file that includes
 * microhttpd.h. Sets up the daemon (internal polling, thread pool, connection
 * and per-IP limits, idle timeout), collects the request body up to the cap,
 * hands a ksrv_req to the router and turns its ksrv_resp into a response. */
#define _POSIX_C_SOURCE 200809L
#include "srv.h"
#include "clients.h"
#include "store_glue.h"
#include "refresh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct ksrv_server {
    struct MHD_Daemon *d;
    kt_engine *engine;
    ksrv_config cfg;
    char host[64];
    uint16_t port;
    ksrv_store_pool *stores;
    struct ksrv_refresher *refresher; /* refresh.c: stale plans recomputed in the background */
    /* connections suspended while their access-log rows are written; stop
     * waits for them (MHD must not be stopped with any suspended) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned suspended;
    int stopping;
    /* connections the client abandoned mid-request: counted, and logged as
     * a summary at most once a minute and at stop, not a line each */
    unsigned long abandoned, abandoned_told;
    time_t abandoned_at;
    /* --trust-proxy: connections per client counted here, not by MHD */
    ksrv_clients *clients;
};

const char *ksrv_strerror(int status) {
    switch (status) {
    case KSRV_OK: return "ok";
    case KSRV_EARG: return "invalid server configuration";
    case KSRV_ENOMEM: return "out of memory";
    case KSRV_ESTART: return "could not listen on the address (in use, or not allowed?)";
    case KSRV_ESTORE: return "could not open the store";
    default: return "unknown error";
    }
}

void ksrv_config_init(ksrv_config *c) {
    memset(c, 0, sizeof *c);
    c->host = "127.0.0.1";
    c->port = 8080;
    c->threads = 2;
    c->max_connections = 4096;
    c->per_ip_limit = 256;
    c->timeout_s = 30;
    c->max_body = (size_t)1 << 20;
    c->today = KT_NO_DATE;
}

const kt_engine *ksrv_engine(const ksrv_server *s) { return s->engine; }
const ksrv_config *ksrv_cfg(const ksrv_server *s) { return &s->cfg; }
ksrv_store_pool *ksrv_stores(const ksrv_server *s) { return s->stores; }
uint16_t ksrv_port(const ksrv_server *s) { return s->port; }

const char *ksrv_query(const ksrv_req *r, const char *key) {
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND,
                                       key);
}

const char *ksrv_header(const ksrv_req *r, const char *name) {
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name);
}


/* MHD's messages about a client that went away mid-request (0.9.75). */
static int is_abandon(const char *line) {
    static const char *const pats[] = {"closed by remote side", "disconnected when reading",
                                       "is closed when reading", "reset by peer",
                                       "Failed to send data", "Broken pipe"};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        if (strstr(line, pats[i])) return 1;
    return 0;
}

/* Logs the abandoned connections not yet told (force: whatever the time). */
static void tell_abandoned(ksrv_server *s, int force) {
    pthread_mutex_lock(&s->mu);
    time_t now = time(NULL);
    unsigned long n = s->abandoned - s->abandoned_told;
    int due = n && (force || now - s->abandoned_at >= 60);
    if (due) {
        s->abandoned_told = s->abandoned;
        s->abandoned_at = now;
    }
    unsigned long total = s->abandoned;
    pthread_mutex_unlock(&s->mu);
    if (due)
        ksrv_logf(s, "%lu connection(s) abandoned by their clients mid-request (%lu since start)", n,
              total);
}

__attribute__((format(printf, 2, 0))) static void mhd_logger(void *cls, const char *fmt,
                                                           va_list ap) {
    ksrv_server *s = cls;
    if (!s->cfg.log) return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (is_abandon(line)) {
        pthread_mutex_lock(&s->mu);
        if (s->abandoned++ == 0 && s->abandoned_at == 0) s->abandoned_at = time(NULL);
        pthread_mutex_unlock(&s->mu);
        tell_abandoned(s, 0);
        return;
    }
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    s->cfg.log(s->cfg.log_ctx, line);
}

/* Today's local date, looked up at most once a second per thread. */
static kt_date today(const ksrv_server *s) {
    if (s->cfg.today != KT_NO_DATE) return s->cfg.today;
    static _Thread_local time_t last;
    static _Thread_local kt_date cached = KT_NO_DATE;
    time_t now = time(NULL);
    if (now != last || cached == KT_NO_DATE) {
        struct tm tm;
        if (localtime_r(&now, &tm))
            cached = kt_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
        last = now;
    }
    return cached;
}

kt_date ksrv_today(const ksrv_server *s) { return today(s); }

void ksrv_logf(const ksrv_server *s, const char *fmt, ...) {
    if (!s->cfg.log) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->cfg.log(s->cfg.log_ctx, line);
}

static atomic_ulong writes;
unsigned long ksrv_writes(void) { return atomic_load(&writes); }

/* Limits checked by us, so the answer is problem+json: libmicrohttpd's own
 * 414/431 (a request line or header block past its per-connection memory)
 * are fixed HTML pages. KSRV_CONN_MEMORY leaves room above both, so MHD's
 * own answer comes only for requests past it (docs/server.md). */
#define KSRV_MAX_URI 8192
#define KSRV_MAX_HEADERS 16384
#define KSRV_CONN_MEMORY (64 * 1024)

/* Per request: the raw request line's verdict, then the body as it arrives. */
typedef struct reqctx {
    int started;  /* the handler has seen the headers */
    int bad_uri;  /* a control character, raw or %-encoded */
    size_t uri_len;
    kt_sb body;
    int too_big;
    size_t discarded; /* bytes dropped after the cap was passed */
    /* an answer held back until its access-log rows are durable */
    ksrv_logjob log;
    struct MHD_Response *held;
    unsigned held_status;
    int logged; /* 1 written, -1 failed */
    ksrv_server *srv;
    struct MHD_Connection *conn;
    char client[KSRV_CLIENT_KEY]; /* counted in srv->clients while set */
} reqctx;

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A C0 control character or DEL in the raw URI, as a byte or %-encoded:
 * MHD decodes %00 into a NUL that silently cuts the path or a parameter. */
static int uri_has_control(const char *u) {
    for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) return 1;
        if (*p == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo >= 0) {
                int v = hi * 16 + lo;
                if (v < 0x20 || v == 0x7f) return 1;
            }
        }
    }
    return 0;
}

/* MHD_OPTION_URI_LOG_CALLBACK: called with the undecoded URI once the
 * request line is in; what it returns becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)cls, (void)c;
    reqctx *rc = calloc(1, sizeof *rc);
    if (!rc) return NULL;
    rc->uri_len = strlen(uri);
    rc->bad_uri = uri_has_control(uri);
    return rc;
}

typedef struct hdrscan {
    size_t bytes;
    int authorization;
} hdrscan;

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
    (void)kind;
    hdrscan *h = cls;
    h->bytes += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0) h->authorization++;
    return MHD_YES;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value) {
    if (value) MHD_add_response_header(r, name, value);
}

static struct MHD_Response *make_resp(ksrv_resp *rs) {
    struct MHD_Response *r;
    if (rs->static_body) {
        r = MHD_create_response_from_buffer(rs->static_len, (void *)rs->static_body,
                                            MHD_RESPMEM_PERSISTENT);
    } else {
        if (rs->body.err) {
            ksrv_problem(rs, 500, "response-too-large", NULL,
                         "The answer could not be built (out of memory or over the size limit).",
                         NULL);
            if (rs->body.err) {
                static const char oom[] = "{\"type\":\"about:blank\",\"status\":500}";
                kt_sb_free(&rs->body);
                rs->static_body = oom;
                rs->static_len = sizeof oom - 1;
                return make_resp(rs);
            }
        }
        r = MHD_create_response_from_buffer_with_free_callback(rs->body.len, rs->body.p, free);
        if (r) (void)kt_sb_take(&rs->body); /* now MHD's */
    }
    if (!r) return NULL;
    add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cache_control ? rs->cache_control : "no-store");
    add_header(r, "X-Content-Type-Options", "nosniff");
    add_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow[0] ? rs->allow : NULL);
    add_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rs->disposition);
    add_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
    add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, rs->www_authenticate);
    /* the store (the database) failed: worth trying again shortly, here or
     * on another server (a restarted PostgreSQL is back within seconds) */
    if (rs->status == 503) add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "2");
    if (rs->is_ui) {
        add_header(r, "Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src "
                   "'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                   "form-action 'self'");
        add_header(r, "Referrer-Policy", "no-referrer");
        add_header(r, "X-Frame-Options", "DENY");
    }
    return r;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, ksrv_resp *rs) {
    struct MHD_Response *r = make_resp(rs);
    if (!r) return MHD_NO;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_problem(struct MHD_Connection *c, int status, const char *type,
                                    const char *detail, const char *url);

/* The logger thread: the request's rows are written (or not); let its
 * connection go on to on_request, which sends the held answer. */
static void on_logged(void *ctx, int ok) {
    reqctx *rc = ctx;
    ksrv_server *s = rc->srv;
    rc->logged = ok ? 1 : -1;
    MHD_resume_connection(rc->conn); /* rc may be freed from here on */
    pthread_mutex_lock(&s->mu);
    s->suspended--;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* The held answer, or 503 if a row that had to be written was not. */
static enum MHD_Result send_held(ksrv_server *s, struct MHD_Connection *c, reqctx *rc,
                                 const char *url) {
    struct MHD_Response *r = rc->held;
    rc->held = NULL;
    if (rc->logged < 0) {
        ksrv_logf(s, "access log: %d row(s) could not be written%s", rc->log.n,
              rc->log.must ? "; the request was refused (503)" : "");
        if (rc->log.must) {
            MHD_destroy_response(r);
            return send_problem(c, 503, "access-log",
                                "The access could not be logged, so it was not allowed.", url);
        }
    }
    enum MHD_Result ret = MHD_queue_response(c, rc->held_status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_problem(struct MHD_Connection *c, int status, const char *type,
                                    const char *detail, const char *url) {
    ksrv_resp rs;
    memset(&rs, 0, sizeof rs);
    kt_sb_init_grow(&rs.body, SB_DEFAULT_MAX);
    ksrv_problem(&rs, status, type, NULL, detail, url);
    enum MHD_Result ret = send_resp(c, &rs);
    kt_sb_free(&rs.body);
    return ret;
}

static void remote_addr(struct MHD_Connection *c, char *out, size_t size) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

/* ---- --trust-proxy: the per-client limit (clients.c) ---------------------------- */

static void addr_text(const struct sockaddr *sa, char *out, size_t size) {
    out[0] = '\0';
    if (!sa) return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

/* A direct client (not a trusted proxy) past the limit is not accepted, as
 * MHD's own per-IP limit would do. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *sa, socklen_t len) {
    (void)len;
    ksrv_server *s = cls;
    char a[KSRV_CLIENT_KEY];
    addr_text(sa, a, sizeof a);
    if (ksrv_clients_trusted(s->clients, a)) return MHD_YES;
    return ksrv_clients_full(s->clients, a) ? MHD_NO : MHD_YES;
}

/* A direct client's connection counts while it is open (its socket context
 * holds the key; NULL for a proxy's). */
static void on_connection(void *cls, struct MHD_Connection *c, void **sock,
                          enum MHD_ConnectionNotificationCode toe) {
    ksrv_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        char a[KSRV_CLIENT_KEY];
        remote_addr(c, a, sizeof a);
        *sock = NULL;
        if (ksrv_clients_trusted(s->clients, a)) return;
        char *key = strdup(a);
        if (key && ksrv_clients_enter(s->clients, key)) *sock = key;
        else free(key); /* over the limit after all (two at once): not counted */
    } else if (*sock) {
        ksrv_clients_leave(s->clients, *sock);
        free(*sock);
        *sock = NULL;
    }
}

typedef struct xffjoin {
    char buf[1024];
    size_t len;
} xffjoin;

static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value) {
    (void)kind;
    xffjoin *j = cls;
    if (strcasecmp(key, "X-Forwarded-For") || !value) return MHD_YES;
    size_t n = strlen(value);
    if (j->len + n + 2 > sizeof j->buf) { /* keep the right end: that is what counts */
        j->len = 0;
        if (n + 1 > sizeof j->buf) value += n - (sizeof j->buf - 2), n = sizeof j->buf - 2;
    }
    if (j->len) j->buf[j->len++] = ',';
    memcpy(j->buf + j->len, value, n);
    j->len += n;
    j->buf[j->len] = '\0';
    return MHD_YES;
}

/* A request through a trusted proxy counts for its client while it is in
 * progress: 0 if it may go on, else it has been answered (429). */
static int enter_client(ksrv_server *s, struct MHD_Connection *c, reqctx *rc, int *refused) {
    *refused = 0;
    char peer[KSRV_CLIENT_KEY];
    remote_addr(c, peer, sizeof peer);
    if (!ksrv_clients_trusted(s->clients, peer)) return 0; /* counted by connection */
    xffjoin j = {.len = 0};
    j.buf[0] = '\0';
    MHD_get_connection_values(c, MHD_HEADER_KIND, join_xff, &j);
    char key[KSRV_CLIENT_KEY];
    ksrv_clients_key(s->clients, peer, j.len ? j.buf : NULL, key);
    if (!ksrv_clients_enter(s->clients, key)) {
        *refused = 1;
        return 0;
    }
    memcpy(rc->client, key, sizeof rc->client);
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    (void)version;
    ksrv_server *s = cls;
    reqctx *rc = *con_cls;
    if (!rc) return MHD_NO; /* on_uri ran out of memory */
    if (rc->held) return send_held(s, c, rc, url);
    if (!rc->started) {
        rc->started = 1;
        kt_sb_init_grow(&rc->body, s->cfg.max_body + 1); /* + 1 for a NUL */
        /* refused before routing, and before any body is read */
        if (rc->uri_len > KSRV_MAX_URI) {
            rc->too_big = 1;
            return send_problem(c, 414, "uri-too-long",
                                "The request URI is longer than 8192 bytes.", NULL);
        }
        hdrscan hs = {0, 0};
        MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, &hs);
        if (hs.bytes > KSRV_MAX_HEADERS) {
            rc->too_big = 1;
            return send_problem(c, 431, "headers-too-large",
                                "The request headers are larger than 16384 bytes.", NULL);
        }
        if (rc->bad_uri) {
            rc->too_big = 1;
            return send_problem(c, 400, "control-character",
                                "The path or a query parameter holds a control character "
                                "(such as %00); none is allowed.",
                                NULL);
        }
        if (s->clients) {
            int refused;
            enter_client(s, c, rc, &refused);
            if (refused) {
                rc->too_big = 1;
                return send_problem(c, 429, "too-many-connections",
                                    "Too many requests from your address are in progress; try again "
                                    "shortly.",
                                    url);
            }
        }
        if (hs.authorization > 1) {
            rc->too_big = 1;
            return send_problem(c, 400, "duplicate-authorization",
                                "The request has more than one Authorization header.", url);
        }
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > s->cfg.max_body) {
                /* answer before the body is read (no 100 Continue is sent) */
                char detail[128];
                snprintf(detail, sizeof detail, "The request body is larger than %zu bytes.",
                         s->cfg.max_body);
                rc->too_big = 1;
                return send_problem(c, 413, "body-too-large", detail, url);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (rc->too_big) {
            /* a client that goes on sending far past the cap is cut off */
            rc->discarded += *upload_data_size;
            if (rc->discarded / 16 > s->cfg.max_body) return MHD_NO;
        } else {
            kt_sb_mem(&rc->body, upload_data, *upload_data_size);
            if (rc->body.err || rc->body.len > s->cfg.max_body) {
                rc->too_big = 1;
                kt_sb_free(&rc->body);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rc->too_big) {
        char detail[128];
        snprintf(detail, sizeof detail, "The request body is larger than %zu bytes.",
                 s->cfg.max_body);
        return send_problem(c, 413, "body-too-large", detail, url);
    }

    /* handlers may treat the body as a C string (a kt_sb is one) */

    ksrv_req rq;
    memset(&rq, 0, sizeof rq);
    rq.srv = s;
    rq.conn = c;
    rq.method = method;
    rq.path = url;
    rq.body = rc->body.p ? rc->body.p : "";
    rq.body_len = rc->body.len;
    rq.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    rq.today = today(s);
    remote_addr(c, rq.remote, sizeof rq.remote);
    if (rc->client[0]) snprintf(rq.remote, sizeof rq.remote, "%s", rc->client);

    ksrv_resp rs;
    memset(&rs, 0, sizeof rs);
    kt_sb_init_grow(&rs.body, SB_DEFAULT_MAX);
    rs.status = 200;
    rs.content_type = "application/json";
    memset(&rc->log, 0, sizeof rc->log);
    rq.log = ksrv_store_configured(s->stores) ? &rc->log : NULL;
    ksrv_dispatch(&rq, &rs);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) atomic_fetch_add(&writes, 1);
    if (rs.status >= 500) ksrv_logf(s, "%s %s -> %d", method, url, rs.status);
    if (rc->log.n == 0) {
        enum MHD_Result ret = send_resp(c, &rs);
        kt_sb_free(&rs.body);
        return ret;
    }
    /* Rows to log: the answer waits for them. The connection is suspended
     * (the thread goes on with others) and the logger resumes it once the
     * rows are durable, in one commit with other requests' rows. */
    rc->held = make_resp(&rs);
    rc->held_status = (unsigned)rs.status;
    kt_sb_free(&rs.body);
    if (!rc->held) return MHD_NO;
    rc->srv = s;
    rc->conn = c;
    pthread_mutex_lock(&s->mu);
    int async = !s->stopping;
    if (async) s->suspended++;
    pthread_mutex_unlock(&s->mu);
    if (!async) {
        rc->logged = ksrv_log_wait(s->stores, &rc->log) ? 1 : -1;
        return send_held(s, c, rc, url);
    }
    MHD_suspend_connection(c); /* before the logger may resume it */
    rc->log.done = on_logged;
    rc->log.ctx = rc;
    if (ksrv_log_submit(s->stores, &rc->log) != 0) on_logged(rc, 0);
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)c, (void)toe;
    ksrv_server *s = cls;
    reqctx *rc = *con_cls;
    if (!rc) return;
    if (rc->client[0]) ksrv_clients_leave(s->clients, rc->client);
    if (rc->started) kt_sb_free(&rc->body);
    if (rc->held) MHD_destroy_response(rc->held);
    free(rc);
    *con_cls = NULL;
}

int ksrv_start(const ksrv_config *cfg, ksrv_server **out) {
    *out = NULL;
    if (!cfg || cfg->threads < 1 || cfg->threads > 256 || cfg->max_connections < 1 ||
        cfg->timeout_s < 1 || cfg->max_body < 1)
        return KSRV_EARG;
    ksrv_server *s = calloc(1, sizeof *s);
    if (!s) return KSRV_ENOMEM;
    s->cfg = *cfg;
    snprintf(s->host, sizeof s->host, "%s", cfg->host ? cfg->host : "127.0.0.1");
    s->cfg.host = s->host;
    s->cfg.db_path = NULL; /* owned by the store pool below */

    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
                     MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    memset(&sin, 0, sizeof sin);
    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET, s->host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons(cfg->port);
        sa = (struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, s->host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(cfg->port);
        sa = (struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        free(s);
        return KSRV_EARG;
    }
    if (kt_engine_new(&s->engine) != KT_OK) {
        free(s);
        return KSRV_ENOMEM;
    }
    ks_error serr = {0};
    /* a third of the request timeout: a statement cut off, its cancel's
     * grace and a reconnect fit in one request's time */
    int rc = ksrv_stores_open(cfg->db_path, (long)cfg->timeout_s * 1000 / 3, &s->stores, &serr);
    if (rc == KSRV_ESTORE) ksrv_logf(s, "%s", serr.message);
    if (rc != KSRV_OK) {
        kt_engine_free(s->engine);
        free(s);
        return rc;
    }
    if (cfg->trust_proxy && *cfg->trust_proxy &&
        ksrv_clients_new(cfg->trust_proxy, cfg->per_ip_limit, &s->clients) != 0) {
        ksrv_stores_close(s->stores);
        kt_engine_free(s->engine);
        free(s);
        return KSRV_EARG;
    }
    struct MHD_OptionItem opts[20];
    int n = 0;
#define OPT(o, v, p) opts[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (p)}
    OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, s);
    OPT(MHD_OPTION_SOCK_ADDR, 0, sa);
    OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL);
    /* behind trusted proxies the limit is ours, per client (clients.c) */
    OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->clients ? 0 : cfg->per_ip_limit, NULL);
    if (s->clients) OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, NULL);
    OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s);
    OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, s);
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, KSRV_CONN_MEMORY, NULL);
    if (cfg->threads > 1) OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL);
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    s->d = MHD_start_daemon(flags, cfg->port, s->clients ? on_accept : NULL, s, on_request, s,
                            MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!s->d) {
        ksrv_clients_free(s->clients);
        ksrv_stores_close(s->stores);
        kt_engine_free(s->engine);
        free(s);
        return KSRV_ESTART;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : cfg->port;
    /* stale plans are recomputed at start and each new day (refresh.c) */
    if (cfg->db_path && ksrv_refresher_start(s, cfg->db_path, &s->refresher) != KSRV_OK)
        ksrv_logf(s, "refresh: could not start the background refresh");
    *out = s;
    return KSRV_OK;
}

void ksrv_stop(ksrv_server *s) {
    if (!s) return;
    ksrv_refresher_stop(s->refresher);
    /* from now on a request waits for its log rows on its own thread; those
     * already suspended are resumed by the logger before MHD stops */
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    while (s->suspended) pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    MHD_stop_daemon(s->d);
    ksrv_clients_free(s->clients);
    tell_abandoned(s, 1);
    ksrv_stores_close(s->stores);
    kt_engine_free(s->engine);
    free(s);
}
