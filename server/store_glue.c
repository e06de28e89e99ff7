/* store_glue.c -- the store connections of the server's threads. */
#define _POSIX_C_SOURCE 200809L
#include "store_glue.h"

#include <stdlib.h>
#include <string.h>

struct ksrv_store_pool {
    char *path;
};

int ksrv_stores_open(const char *path, ksrv_store_pool **out) {
    *out = calloc(1, sizeof **out);
    if (!*out) return KSRV_ENOMEM;
    if (path && !((*out)->path = strdup(path))) {
        free(*out);
        *out = NULL;
        return KSRV_ENOMEM;
    }
    return KSRV_OK;
}

void ksrv_stores_close(ksrv_store_pool *p) {
    if (!p) return;
    free(p->path);
    free(p);
}

int ksrv_store_configured(const ksrv_store_pool *p) { return p && p->path; }
