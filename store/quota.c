/* quota.c -- population measures over the stored plans: the 75 % of g2026
 * (conventions.md "Population measures") and STAR's 80 % (g2020-g2025b).
 *
 * STUB (first commit): the API is declared so that the server can build on
 * it; ks_report_quota returns KS_EINVALID until the store keeps what the
 * measure needs (schema 3). */
#include "internal.h"

#include <string.h>

const char *const ks_quota_by_names[KS_QBY_COUNT] = {"month", "jobcenter", "a_kasse", "group"};

int ks_quota_by_parse(const char *s) {
    for (int i = 0; i < KS_QBY_COUNT; i++)
        if (strcmp(s, ks_quota_by_names[i]) == 0) return i;
    return -1;
}

void ks_quota_query_init(ks_quota_query *q) {
    memset(q, 0, sizeof *q);
    q->from = q->to = q->as_of = KT_NO_DATE;
    q->by = KS_QBY_MONTH;
    q->rolling = 1;
}

size_t ks_quota_flag_names(const ks_quota_row *r, const char *names[2]) {
    size_t n = 0;
    if (r->flags & KS_QFLAG_UNDER_LINE)
        names[n++] = strcmp(r->measure, "star_80") == 0 ? "under_80" : "under_75";
    if (r->flags & KS_QFLAG_UNDTAGET_OVER_25) names[n++] = "undtaget_over_25";
    return n;
}

int ks_report_quota(ks_store *s, const ks_quota_query *q, ks_quota_fn fn, void *ctx,
                    ks_error *err) {
    (void)s; (void)q; (void)fn; (void)ctx;
    return ks__fail(err, KS_EINVALID, "the quota report is not implemented yet");
}
