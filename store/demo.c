/* demo.c -- `kontakt db demo`: a synthetic caseload of a fictional
 * jobcentre, from the benchmark generator (bench/gen.c, included here
 * without its command line), moved in time so that each case's own as_of
 * is the store's today. */
#define _POSIX_C_SOURCE 200809L
#define KONTAKT_GEN_LIBRARY
#include "../bench/gen.c"

#include "internal.h"

#define DEMO_SEED 20261123u
#define DEMO_CASEWORKERS 8

static void shift(int32_t *d, int32_t delta) {
    if (*d != NO_DATE) *d += delta;
}

/* Moves every date of the case by (today - as_of) and drops what would lie
 * in the future: a store knows only what has happened. */
static void move_to_today(gcase *c, int32_t today) {
    const int32_t delta = today - c->as_of;
    shift(&c->as_of, delta);
    shift(&c->birth, delta);
    for (int i = 0; i < c->nper; i++) {
        period *p = &c->per[i];
        shift(&p->from, delta);
        shift(&p->to, delta);
        shift(&p->start, delta);
        shift(&p->first_inquiry, delta);
        shift(&p->first_sick_day, delta);
        for (int k = 0; k < p->ncat; k++) shift(&p->cat_from[k], delta);
    }
    int n = 0;
    for (int i = 0; i < c->nconv; i++) {
        shift(&c->conv[i].date, delta);
        if (c->conv[i].date <= today) c->conv[n++] = c->conv[i];
    }
    c->nconv = n;
    n = 0;
    for (int i = 0; i < c->nev; i++) {
        event *e = &c->ev[i];
        shift(&e->from, delta);
        shift(&e->to, delta);
        shift(&e->starts, delta);
        if (e->from <= today) c->ev[n++] = *e;
    }
    c->nev = n;
}

int ks_demo(ks_store *s, long n, const char *jobcenter, ks_import_result *res, ks_error *err) {
    if (n < 1 || n > 10000000) return ks__fail(err, KS_EINVALID, "--cases takes 1 to 10000000");
    if (!ks__valid_name(jobcenter))
        return ks__fail(err, KS_EINVALID, "a jobcentre id is 1-64 printable characters");
    kt_date today = ks_today(s);
    gen g;
    if (init_gen(&g, DEMO_SEED, 1)) return ks__fail(err, KS_ENOMEM, "out of memory");
    if (today == KT_NO_DATE || today < days_from_civil(2000, 1, 1) || today > g.date_hi - 90) {
        free(g.date_text);
        return ks__fail(err, KS_EINVALID, "demo data is made for a today from 2000 to 2030");
    }
    out o = {malloc(CASE_MAX), 0, CASE_MAX, NULL, 0};
    FILE *tmp = tmpfile();
    int rc = KS_OK;
    if (!o.buf || !tmp) rc = ks__fail(err, KS_ENOMEM, "out of memory or no temporary file");
    gcase c;
    for (long i = 0; rc == KS_OK && i < n; i++) {
        build_case(&g, (uint64_t)i, &c);
        move_to_today(&c, today);
        o.len = 0;
        write_case(&o, &g, &c);
        json_error_t je;
        json_t *root = json_loadb(o.buf, o.len, 0, &je);
        char id[32], cw[32];
        snprintf(id, sizeof id, "demo-%06ld", i);
        snprintf(cw, sizeof cw, "cw-%02d", 1 + c.caseworker % DEMO_CASEWORKERS);
        if (!root || json_object_set_new(root, "id", json_string(id)) ||
            json_object_set_new(root, "jobcenter", json_string(jobcenter)) ||
            json_object_set_new(root, "caseworker", json_string(cw)) ||
            json_object_del(root, "as_of") || json_dumpf(root, tmp, JSON_COMPACT) ||
            fputc('\n', tmp) == EOF)
            rc = ks__fail(err, KS_EIO, "demo data: %s", root ? "cannot write a temporary file" : je.text);
        json_decref(root);
    }
    free(o.buf);
    free(g.date_text);
    if (rc == KS_OK) {
        rewind(tmp);
        ks_import_options io = {KS_FORMAT_NDJSON, jobcenter};
        rc = ks_import(s, tmp, &io, NULL, NULL, res, err);
    }
    if (tmp) fclose(tmp);
    return rc;
}
