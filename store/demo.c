/* demo.c -- `kontakt db demo`: a synthetic caseload of a fictional
 * jobcentre, from the caseload generator (synth.c, which the benchmarks use
 * too), moved in time so that each case's own as_of is the store's today. */
#define _POSIX_C_SOURCE 200809L
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define DEMO_SEED 20261123u
#define DEMO_CASEWORKERS 8

int ks_demo(ks_store *s, long n, const char *jobcenter, ks_import_result *res, ks_error *err) {
    if (n < 1 || n > 10000000) return ks__fail(err, KS_EINVALID, "--cases takes 1 to 10000000");
    if (!ks__valid_name(jobcenter))
        return ks__fail(err, KS_EINVALID, "a jobcentre id is 1-64 printable characters");
    kt_date today = ks_today(s);
    if (!ks_synth_today_ok(today))
        return ks__fail(err, KS_EINVALID, "demo data is made for a today from 2000 to 2030");
    ks_synth *g = ks_synth_new(DEMO_SEED, 1, KS_SYNTH_MIX_DEFAULT);
    char *buf = malloc(KS_SYNTH_CASE_MAX);
    FILE *tmp = tmpfile();
    int rc = KS_OK;
    if (!g || !buf || !tmp) rc = ks__fail(err, KS_ENOMEM, "out of memory or no temporary file");
    for (long i = 0; rc == KS_OK && i < n; i++) {
        int caseworker;
        size_t len = ks_synth_case(g, (uint64_t)i, today, buf, &caseworker);
        json_error_t je;
        json_t *root = json_loadb(buf, len, 0, &je);
        char id[32], cw[32];
        snprintf(id, sizeof id, "demo-%06ld", i);
        snprintf(cw, sizeof cw, "cw-%02d", 1 + caseworker % DEMO_CASEWORKERS);
        if (!root || json_object_set_new(root, "id", json_string(id)) ||
            json_object_set_new(root, "jobcenter", json_string(jobcenter)) ||
            json_object_set_new(root, "caseworker", json_string(cw)) ||
            json_object_del(root, "as_of") || json_dumpf(root, tmp, JSON_COMPACT) ||
            fputc('\n', tmp) == EOF)
            rc = ks__fail(err, KS_EIO, "demo data: %s", root ? "cannot write a temporary file" : je.text);
        json_decref(root);
    }
    free(buf);
    ks_synth_free(g);
    if (rc == KS_OK) {
        rewind(tmp);
        ks_import_options io = {KS_FORMAT_NDJSON, jobcenter};
        rc = ks_import(s, tmp, &io, NULL, NULL, res, err);
    }
    if (tmp) fclose(tmp);
    return rc;
}
