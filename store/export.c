/* export.c -- `kontakt db export`: every case as it is now, as NDJSON that
 * `kontakt db import` reads back to the same plans. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int ks_export(ks_store *s, kt_write_fn w, void *ctx, ks_error *err) {
    ks_q *st;
    /* one read transaction: a consistent snapshot while others write */
    int rc = ks__exec(s, "BEGIN", err);
    if (rc != KS_OK) return rc;
    if (ks_db_prepare(s->db, "SELECT id, jobcenter, caseworker FROM cases ORDER BY id", &st) != 0) {
        rc = ks__dbfail(s, err, "cases");
        ks_db_exec(s->db, "ROLLBACK");
        return rc;
    }
    int r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        const char *id = ks_q_text(st, 0);
        const char *jc = ks_q_text(st, 1);
        const char *cw = ks_q_text(st, 2);
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
    if (rc == KS_OK && r != KS_Q_DONE) rc = ks__dbfail(s, err, "cases");
    ks_q_finalize(st);
    ks_db_exec(s->db, "ROLLBACK");
    return rc;
}
