/*
 * kontakt_server.h -- kontakt's HTTP server (libkontakt-server): the engine
 * and the store over HTTP, with the Danish web UI (docs/server.md).
 *
 * Conventions as in kontakt.h: functions return KSRV_OK (0) or a negative
 * ksrv_status, ksrv_strerror() gives the text; the library never prints (but
 * through the optional log callback) and never exits. A server runs its own
 * threads (libmicrohttpd's internal polling with a thread pool) from
 * ksrv_start until ksrv_stop; the caller decides when to stop (cmd_serve
 * waits for SIGINT/SIGTERM).
 */
#ifndef KONTAKT_SERVER_H
#define KONTAKT_SERVER_H

#include "kontakt.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ksrv_status {
    KSRV_OK = 0,
    KSRV_EARG = -1,   /* a configuration value is wrong */
    KSRV_ENOMEM = -2, /* out of memory */
    KSRV_ESTART = -3, /* the listening socket or the threads could not be set up */
    KSRV_ESTORE = -4, /* the store could not be opened */
} ksrv_status;

const char *ksrv_strerror(int status);

/* One line of log text (no newline), e.g. for stderr. */
typedef void (*ksrv_log_fn)(void *ctx, const char *line);

typedef struct ksrv_config {
    const char *db_path;     /* the store; NULL: serve only what needs no store */
    const char *host;        /* numeric IPv4 or IPv6 address; default "127.0.0.1" */
    uint16_t port;           /* 0: any free port (see ksrv_port) */
    unsigned threads;        /* worker threads; default 2 */
    unsigned max_connections; /* all clients together; default 4096 */
    unsigned per_ip_limit;   /* connections from one address; 0 = none; default 256 */
    const char *trust_proxy; /* comma-separated addresses of trusted reverse proxies (NULL:
                                none); requests through them count per X-Forwarded-For
                                client against per_ip_limit (docs/server.md) */
    unsigned timeout_s;      /* idle seconds before a connection is closed; default 30 */
    size_t max_body;         /* request body cap in bytes (413 above); default 1 MiB */
    kt_date today;           /* KT_NO_DATE: the local date at each request */
    ksrv_log_fn log;         /* NULL: silent */
    void *log_ctx;
} ksrv_config;

/* Fills the defaults above. */
void ksrv_config_init(ksrv_config *c);

typedef struct ksrv_server ksrv_server;

/* Opens the listening socket and starts serving. On KSRV_OK *out is the
 * running server; ksrv_stop stops and frees it. */
int ksrv_start(const ksrv_config *c, ksrv_server **out);
/* The port actually bound (useful with port 0). */
uint16_t ksrv_port(const ksrv_server *s);
/* Stops accepting, finishes the threads, closes every store connection and
 * frees the server. Accepts NULL. */
void ksrv_stop(ksrv_server *s);

/* ---- introspection (for tests and the OpenAPI check) ---------------------- */

/* The routes the server knows: method ("GET", "POST") and path template in
 * OpenAPI form ("/v1/cases/{id}"). i < ksrv_route_count(). */
size_t ksrv_route_count(void);
void ksrv_route_get(size_t i, const char **method, const char **path);
/* The OpenAPI 3 document served at /v1/openapi.json (not NUL-terminated). */
const char *ksrv_openapi(size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* KONTAKT_SERVER_H */
