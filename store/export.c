/* export.c -- `kontakt db export`: every case as it is now, as NDJSON that
 * `kontakt db import` reads back to the same plans. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int ks_export(ks_store *s, kt_write_fn w, void *ctx, ks_error *err) {
    sqlite3_stmt *st;
    /* one read transaction: a consistent snapshot while others write */
    int rc = ks__exec(s, "BEGIN", err);
    if (rc != KS_OK) return rc;
    if (sqlite3_prepare_v2(s->db, "SELECT id, jobcenter, caseworker FROM cases ORDER BY id", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = ks__dbfail(s, err, "cases");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *jc = (const char *)sqlite3_column_text(st, 1);
        const char *cw = (const char *)sqlite3_column_text(st, 2);
        ks_evlist l = {0};
        rc = ks__load_events(s, id, NULL, &l, err);
        json_t *cj = rc == KS_OK ? ks__build_case(id, &l) : NULL;
        ks__evlist_free(&l);
        if (rc != KS_OK) break;
        if (!cj || json_object_set_new(cj, "jobcenter", json_string(jc)) ||
            json_object_set_new(cj, "caseworker", cw ? json_string(cw) : json_null())) {
            json_decref(cj);
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
            break;
        }
        char *text = json_dumps(cj, JSON_COMPACT);
        json_decref(cj);
        if (!text) {
            rc = ks__fail(err, KS_ENOMEM, "out of memory");
            break;
        }
        int wr = w(ctx, text, strlen(text));
        if (!wr) wr = w(ctx, "\n", 1);
        free(text);
        if (wr) {
            rc = ks__fail(err, KS_EIO, "write failed");
            break;
        }
    }
    if (rc == KS_OK && r != SQLITE_DONE) rc = ks__dbfail(s, err, "cases");
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
