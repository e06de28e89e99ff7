/* assets.c -- the web UI's static files, embedded in the binary
 * (assets_gen.c, made in the build directory from server/ui/ and
 * server/openapi.json by server/gen-assets.sh). Served with an ETag;
 * If-None-Match gives 304. */
#include "srv.h"

#include <stdio.h>
#include <string.h>

const ksrv_asset *ksrv_asset_find(const char *name) {
    for (size_t i = 0; i < ksrv_asset_count; i++)
        if (strcmp(ksrv_assets[i].name, name) == 0) return &ksrv_assets[i];
    return NULL;
}

static void serve(ksrv_req *rq, ksrv_resp *rs, const char *name) {
    const ksrv_asset *a = ksrv_asset_find(name);
    if (!a) {
        ksrv_problem(rs, 404, "not-found", NULL, "No such file.", rq->path);
        return;
    }
    rs->is_ui = 1;
    rs->etag = a->etag;
    rs->cache_control = "no-cache";
    rs->content_type = a->content_type;
    const char *inm = ksrv_header(rq, "If-None-Match");
    if (inm && strcmp(inm, a->etag) == 0) {
        rs->status = 304;
        rs->static_body = "";
        rs->static_len = 0;
        return;
    }
    rs->status = 200;
    rs->static_body = a->data;
    rs->static_len = a->len;
}

void ui_index(ksrv_req *rq, ksrv_resp *rs) { serve(rq, rs, "ui/index.html"); }

void ui_asset(ksrv_req *rq, ksrv_resp *rs) {
    char name[KSRV_MAX_PARAM + 8];
    snprintf(name, sizeof name, "ui/%s", rq->param);
    serve(rq, rs, name);
}
