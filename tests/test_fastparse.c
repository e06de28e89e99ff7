/*
 * test_fastparse.c -- the fast case reader (src/case_reader.c) against the
 * reference (jansson, src/json_in.c), on the golden cases, on hand-made edge
 * cases and on many deterministic mutations of both.
 *
 * For every input: when the fast reader accepts, the reference must accept
 * too and build the same case, field by field; and kt_case_parse (the public
 * entry, fast first) must answer exactly as the reference does, problems,
 * pointers, lines and columns included.
 */
#include "testutil.h"

#include "case_reader.h"
#include "model.h"
#include "out.h"
#include "plan.h"
#include "rules.h"

#include <dirent.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- comparing ------------------------------------------------------------------------ */

static int cases_equal(const kt_case *a, const kt_case *b) {
#define SAME(f) if (a->f != b->f) return 0
    if (memcmp(a->id, b->id, sizeof a->id) != 0) return 0;
    SAME(as_of);
    SAME(birth_date);
    SAME(youth_education);
    SAME(vocational_education);
    SAME(repatriering);
    SAME(n_periods);
    SAME(n_categories);
    SAME(n_conversations);
    SAME(n_events);
#undef SAME
#define SAME(x, f) if (a->x[i].f != b->x[i].f) return 0
    for (uint32_t i = 0; i < a->n_periods; i++) {
        SAME(periods, benefit);
        SAME(periods, from);
        SAME(periods, to);
        SAME(periods, first_inquiry);
        SAME(periods, first_sick_day);
        SAME(periods, cat_first);
        SAME(periods, cat_count);
        SAME(periods, index);
        if (strcmp(a->periods[i].a_kasse, b->periods[i].a_kasse) != 0) return 0;
    }
    for (uint32_t i = 0; i < a->n_categories; i++) {
        SAME(categories, from);
        SAME(categories, category);
    }
    for (uint32_t i = 0; i < a->n_conversations; i++) {
        SAME(conversations, date);
        SAME(conversations, holder);
        SAME(conversations, form);
        SAME(conversations, held);
        SAME(conversations, topics);
        SAME(conversations, index);
    }
    for (uint32_t i = 0; i < a->n_events; i++) {
        SAME(events, type);
        SAME(events, reason);
        SAME(events, from);
        SAME(events, to);
        SAME(events, starts);
        SAME(events, holder);
        SAME(events, index);
    }
#undef SAME
    return 1;
}

static int problems_equal(const kt_problems *a, const kt_problems *b) {
    if (kt_problems_count(a) != kt_problems_count(b)) return 0;
    for (size_t i = 0; i < kt_problems_count(a); i++) {
        kt_problem p, q;
        kt_problems_get(a, i, &p);
        kt_problems_get(b, i, &q);
        if (strcmp(p.pointer, q.pointer) || strcmp(p.message, q.message) ||
            strcmp(p.expected, q.expected) || p.line != q.line || p.column != q.column)
            return 0;
    }
    return 1;
}

typedef struct stats {
    size_t inputs, fast_ok, ref_ok;
} stats;

static stats st;

static void dump_input(const char *what, const char *s, size_t n) {
    fprintf(stderr, "%s; input (%zu bytes):\n", what, n);
    fwrite(s, 1, n < 2000 ? n : 2000, stderr);
    fputc('\n', stderr);
}

/* Both readers on one input; returns whether the fast one accepted. */
static int check(const char *s, size_t n) {
    st.inputs++;
    kt_case *ref = NULL, *fast = NULL, *pub = NULL;
    kt_problems *ref_pr = NULL, *pub_pr = NULL;
    /* the fast reader on a copy of exactly n bytes: under AddressSanitizer
     * a read past the text's end is caught */
    char *exact = malloc(n ? n : 1);
    assert_non_null(exact);
    memcpy(exact, s, n);
    int rc_ref = kt_case_parse_jansson(s, n, &ref, &ref_pr);
    int rc_fast = kt_case_read_fast(exact, n, &fast);
    int rc_pub = kt_case_parse(exact, n, &pub, &pub_pr);
    if (rc_fast != KT_OK && rc_fast != KT_FAST_UNSURE) {
        dump_input("fast reader: unexpected status", s, n);
        fail();
    }
    if (rc_fast == KT_OK) {
        st.fast_ok++;
        if (fast == NULL) fail_msg("fast reader: KT_OK without a case");
        if (rc_ref != KT_OK) {
            dump_input("fast reader accepted what the reference rejects", s, n);
            fail();
        }
        if (!cases_equal(ref, fast)) {
            dump_input("fast reader built another case than the reference", s, n);
            fail();
        }
    } else if (fast != NULL) {
        fail_msg("fast reader: a case without KT_OK");
    }
    if (rc_ref == KT_OK) st.ref_ok++;
    if (rc_pub != rc_ref) {
        dump_input("kt_case_parse answers unlike the reference", s, n);
        fail();
    }
    if (rc_ref == KT_OK && !cases_equal(ref, pub)) {
        dump_input("kt_case_parse built another case than the reference", s, n);
        fail();
    }
    if ((ref_pr == NULL) != (pub_pr == NULL) || (ref_pr && !problems_equal(ref_pr, pub_pr))) {
        dump_input("kt_case_parse reports other problems than the reference", s, n);
        fail();
    }
    kt_case_free(ref);
    kt_case_free(fast);
    kt_case_free(pub);
    kt_problems_free(ref_pr);
    kt_problems_free(pub_pr);
    free(exact);
    return rc_fast == KT_OK;
}

static int check_str(const char *s) { return check(s, strlen(s)); }

/* ---- inputs ----------------------------------------------------------------------------- */

/* Cases that use every member of the format (and some unknown ones). */
static const char *const rich[] = {
    "{\"id\":\"rich-1\",\"as_of\":\"2024-06-30\",\"jobcenter\":\"jc-01\",\"person\":{\"birth_date\":"
    "\"1990-02-28\",\"youth_education\":false,\"vocational_education\":null,\"repatriering\":true,"
    "\"extra\":[1,2.5,-0,{\"a\":null}]},\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":"
    "\"2023-01-10\",\"to\":\"2023-06-30\",\"first_inquiry\":\"2023-01-05\",\"first_sick_day\":null,"
    "\"categories\":[{\"from\":\"2023-03-01\",\"category\":\"aktivitetsparat\"},{\"from\":\"2023-01-10\","
    "\"category\":\"jobparat\"},{\"from\":\"2023-01-10\",\"category\":\"aktivitetsparat\"}]},"
    "{\"benefit\":\"uddannelseshjaelp\",\"from\":\"2023-08-01\",\"to\":null,\"categories\":null},"
    "{\"benefit\":\"sygedagpenge\",\"from\":\"2024-01-01\",\"first_sick_day\":\"2023-12-20\"}],"
    "\"conversations\":[{\"date\":\"2023-02-01\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\","
    "\"held\":true,\"topics\":[\"225_timers_reglen\",\"own topic\",\"repatriering\"]},{\"date\":"
    "\"2023-01-20\",\"holder\":\"anden_aktoer\",\"form\":\"telefon\",\"held\":false},{\"date\":"
    "\"2023-01-20\",\"holder\":\"faelles\",\"form\":\"digitalt\",\"held\":null,\"topics\":[]},"
    "{\"date\":\"2024-02-01\",\"holder\":\"a_kasse\",\"form\":\"uden_kontakt\",\"topics\":null,"
    "\"note\":\"bl\xc3\xa5 \xe2\x82\xac \xf0\x9f\x98\x80\"}],\"events\":[{\"type\":\"barsel\",\"from\":"
    "\"2023-04-01\",\"to\":\"2023-05-01\"},{\"type\":\"fritaget\",\"from\":\"2023-09-01\",\"reason\":"
    "\"under18\"},{\"type\":\"ansaettelseskontrakt\",\"date\":\"2024-03-01\",\"starts\":\"2024-03-10\"},"
    "{\"type\":\"jobstart\",\"date\":\"2024-03-11\",\"what\":\"fleksjob\"},{\"type\":\"jobstart\","
    "\"date\":\"2024-03-12\",\"what\":null},{\"type\":\"alvorlig_sygdom\",\"from\":\"2024-01-05\","
    "\"to\":null},{\"type\":\"cv_oprettet\",\"date\":\"2023-01-15\",\"from\":[\"ignored\"]},"
    "{\"type\":\"tilbud\",\"from\":\"2023-05-01\",\"date\":\"not looked at\"}]}",
    "{\"id\":\"gen-009639\",\"jobcenter\":\"jc-02\",\"caseworker\":\"cw-02-003\",\"as_of\":\"2018-08-05\","
    "\"person\":{\"birth_date\":\"1977-05-17\",\"youth_education\":true,\"vocational_education\":true},"
    "\"benefits\":[{\"benefit\":\"revalidering\",\"from\":\"2015-06-14\"}],\"conversations\":[{\"date\":"
    "\"2015-06-20\",\"holder\":\"jobcenter\",\"form\":\"telefon\"},{\"date\":\"2015-07-25\",\"holder\":"
    "\"anden_aktoer\",\"form\":\"fremmoede\",\"held\":true},{\"date\":\"2016-12-18\",\"holder\":\"faelles\","
    "\"form\":\"fremmoede\",\"held\":true,\"topics\":[\"laese_skrive_regnetest\"]},{\"date\":\"2018-05-28\","
    "\"holder\":\"jobcenter\",\"form\":\"brev\"}],\"events\":[{\"type\":\"jobstart\",\"date\":\"2018-06-06\","
    "\"what\":\"fleksjob\"},{\"type\":\"ansaettelseskontrakt\",\"date\":\"2015-09-03\",\"starts\":"
    "\"2015-09-05\"},{\"type\":\"fritaget\",\"from\":\"2015-12-15\",\"to\":\"2016-08-28\",\"reason\":"
    "\"mindre_intensiv\"},{\"type\":\"cv_godkendt\",\"date\":\"2015-07-06\"}]}",
    "{\"id\":\"gen-000181\",\"as_of\":\"2022-11-21\",\"person\":{\"birth_date\":\"1999-02-25\"},"
    "\"benefits\":[{\"benefit\":\"integrationsydelse\",\"from\":\"2021-03-08\",\"to\":\"2021-05-27\","
    "\"categories\":[{\"from\":\"2021-03-08\",\"category\":\"aktivitetsparat\"}]},{\"benefit\":"
    "\"integrationsydelse\",\"from\":\"2022-01-29\",\"to\":null,\"first_inquiry\":\"2022-01-20\","
    "\"categories\":[{\"from\":\"2022-01-29\",\"category\":\"uddannelsesparat\"}]}],\"conversations\":[],"
    "\"events\":[{\"type\":\"jobstart\",\"date\":\"2022-11-18\",\"what\":\"fleksjob\"},{\"type\":"
    "\"laese_skrive_regnetest\",\"date\":\"2021-04-07\"},{\"type\":\"cv_oprettet\",\"date\":"
    "\"2022-02-21\"}]}",
    /* the law after the seeds: a_kasse, the new reasons, undtaget_konkret_vurdering (with and
     * without to), kontanthjaelp uddannelsesparat from 2025-07-01 */
    "{\"id\":\"law-2026\",\"as_of\":\"2026-12-15\",\"person\":{\"birth_date\":\"2001-03-20\"},"
    "\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2026-08-03\",\"to\":\"2026-09-30\","
    "\"a_kasse\":\"ak-hk\"},{\"benefit\":\"dagpenge\",\"from\":\"2026-10-05\",\"a_kasse\":null},"
    "{\"benefit\":\"kontanthjaelp\",\"from\":\"2025-08-04\",\"to\":\"2026-07-31\",\"a_kasse\":\"x\","
    "\"first_inquiry\":\"2025-08-01\",\"categories\":[{\"from\":\"2025-08-01\",\"category\":"
    "\"uddannelsesparat\"},{\"from\":\"2025-11-03\",\"category\":\"aabenlyst_uddannelsesparat\"}]},"
    "{\"benefit\":\"sygedagpenge\",\"from\":\"2025-02-01\",\"to\":\"2025-06-30\"}],"
    "\"conversations\":[{\"date\":\"2026-08-10\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"}],"
    "\"events\":[{\"type\":\"undtaget_konkret_vurdering\",\"date\":\"2026-08-20\",\"holder\":"
    "\"a_kasse\"},{\"type\":\"undtaget_konkret_vurdering\",\"date\":\"2026-10-06\",\"to\":"
    "\"2026-11-01\",\"holder\":\"jobcenter\"},{\"type\":\"fritaget\",\"reason\":\"sdp_kort_forloeb\","
    "\"from\":\"2025-02-01\"},{\"type\":\"fritaget\",\"reason\":\"sdp_job_under_26\",\"from\":"
    "\"2025-03-01\",\"to\":\"2025-04-01\"}]}",
    /* kontakt-gen --mix dense lines: the compact shapes case_reader.c reads in one pass */
    "{\"id\":\"gen-000000\",\"jobcenter\":\"jc-02\",\"caseworker\":\"cw-02-011\",\"as_of\":\"2021-12"
    "-11\",\"person\":{\"birth_date\":\"1970-05-15\",\"youth_education\":true,\"vocational_educ"
    "ation\":true},\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2020-10-29\",\"to\":\"20"
    "21-01-22\",\"first_inquiry\":\"2020-10-29\",\"categories\":[{\"from\":\"2020-10-29\",\"categ"
    "ory\":\"aktivitetsparat\"}]}],\"conversations\":[{\"date\":\"2020-11-07\",\"holder\":\"jobce"
    "nter\",\"form\":\"fremmoede\"},{\"date\":\"2020-12-25\",\"holder\":\"jobcenter\",\"form\":\"tele"
    "fon\",\"held\":true}],\"events\":[{\"type\":\"koordinerende_sagsbehandler\",\"date\":\"2020-"
    "11-05\"},{\"type\":\"jobstart\",\"date\":\"2020-11-05\",\"what\":\"orlov\"},{\"type\":\"tilbud\","
    "\"from\":\"2021-01-03\",\"to\":\"2021-06-11\"}]}",
    "{\"id\":\"gen-000002\",\"jobcenter\":\"jc-05\",\"caseworker\":\"cw-05-032\",\"as_of\":\"2020-04"
    "-24\",\"person\":{\"birth_date\":\"1995-07-19\",\"youth_education\":true,\"vocational_educ"
    "ation\":true},\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2019-01-10\",\"to\":\"2019-02"
    "-07\",\"a_kasse\":\"hk\"},{\"benefit\":\"dagpenge\",\"from\":\"2019-05-03\",\"a_kasse\":\"hk\"}],"
    "\"conversations\":[{\"date\":\"2019-01-16\",\"holder\":\"jobcenter\",\"form\":\"uden_kontakt\""
    ",\"held\":true},{\"date\":\"2019-05-11\",\"holder\":\"faelles\",\"form\":\"digitalt\",\"held\":t"
    "rue},{\"date\":\"2019-06-22\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\",\"held\":true},{"
    "\"date\":\"2019-07-14\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\",\"held\":true},{\"date\":\""
    "2019-08-19\",\"holder\":\"faelles\",\"form\":\"digitalt\",\"held\":true},{\"date\":\"2019-09-2"
    "5\",\"holder\":\"anden_aktoer\",\"form\":\"digitalt\"},{\"date\":\"2019-10-23\",\"holder\":\"a_k"
    "asse\",\"form\":\"telefon\",\"held\":false},{\"date\":\"2019-11-22\",\"holder\":\"jobcenter\",\""
    "form\":\"fremmoede\",\"held\":true},{\"date\":\"2020-02-08\",\"holder\":\"a_kasse\",\"form\":\"f"
    "remmoede\"}],\"events\":[{\"type\":\"tilbud\",\"from\":\"2019-10-11\",\"to\":\"2020-01-14\"},{\""
    "type\":\"jobstart\",\"date\":\"2019-01-17\",\"what\":\"folkepension\"},{\"type\":\"tilbud\",\"fr"
    "om\":\"2019-01-31\"},{\"type\":\"cv_oprettet\",\"date\":\"2019-01-31\"},{\"type\":\"cv_samtale"
    "\",\"date\":\"2019-05-13\"}]}",
    "{\"id\":\"gen-000030\",\"jobcenter\":\"jc-04\",\"caseworker\":\"cw-04-021\",\"as_of\":\"2027-06"
    "-16\",\"person\":{\"birth_date\":\"1992-04-17\",\"youth_education\":true,\"vocational_educ"
    "ation\":true},\"benefits\":[{\"benefit\":\"dagpenge\",\"from\":\"2025-03-09\",\"to\":\"2026-06"
    "-07\",\"a_kasse\":\"hk\"},{\"benefit\":\"dagpenge\",\"from\":\"2026-06-22\",\"to\":null,\"a_kass"
    "e\":\"hk\"}],\"conversations\":[{\"date\":\"2025-03-09\",\"holder\":\"jobcenter\",\"form\":\"fre"
    "mmoede\"},{\"date\":\"2025-04-16\",\"holder\":\"jobcenter\",\"form\":\"digitalt\",\"held\":true"
    "},{\"date\":\"2025-05-19\",\"holder\":\"faelles\",\"form\":\"fremmoede\",\"held\":false},{\"dat"
    "e\":\"2025-06-17\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\",\"held\":true},{\"date\":\"20"
    "25-07-31\",\"holder\":\"anden_aktoer\",\"form\":\"fremmoede\"},{\"date\":\"2025-08-22\",\"hold"
    "er\":\"a_kasse\",\"form\":\"telefon\",\"held\":true},{\"date\":\"2025-09-22\",\"holder\":\"jobce"
    "nter\",\"form\":\"digitalt\",\"topics\":[\"seks_ugers_jobrettet_uddannelse\",\"laese_skriv"
    "e_regnetest\"]},{\"date\":\"2025-12-31\",\"holder\":\"a_kasse\",\"form\":\"fremmoede\"},{\"dat"
    "e\":\"2026-04-22\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\"}],\"events\":[{\"type\":\"bar"
    "sel\",\"from\":\"2026-11-04\",\"to\":\"2027-04-28\"},{\"type\":\"fritaget\",\"from\":\"2025-08-0"
    "8\",\"to\":\"2025-12-31\",\"reason\":\"mindre_intensiv\"},{\"type\":\"barsel\",\"from\":\"2025-1"
    "0-28\",\"to\":\"2026-02-19\"}]}",
    " \t\r\n{ \"id\" : \"ws\" , \"person\" : { \"birth_date\" : \"2000-02-29\" } , \"benefits\" : [ { "
    "\"benefit\" : \"dagpenge\" , \"from\" : \"2024-01-01\" } ] , \"conversations\" : null , "
    "\"events\" : [ ] } \n\r\t ",
};

/* Edge cases, each valid or not: the point is only that both readers agree. */
static const char *const edges[] = {
    "",
    " ",
    "{}",
    "[]",
    "null",
    "\"x\"",
    "{\"id\":\"a\"}",
    "\xef\xbb\xbf{\"id\":\"bom\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]} x",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}{}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":null}",
    "{\"id\":\"ok\",\"person\":null,\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":null},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\",\"youth_education\":1},\"benefits\":[]}",
    "{\"id\":\"e\\u0073c\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"e\\\"q\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"nul\\u0000\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ctl\x01\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"del\x7f\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"tab\t\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"0123456789012345678901234567890123456789012345678901234567890123\",\"person\":"
    "{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"x0123456789012345678901234567890123456789012345678901234567890123\",\"person\":"
    "{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"a-1234567890\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"010203-1234\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"010203-123\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"123456789\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"\xc3\xa6\xc3\xb8\xc3\xa5\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"over\xc0\xaf\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"sur\xed\xa0\x80\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"big\xf4\x90\x80\x80\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"cut\xe2\x82\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":1,\"x\":2,\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":{\"y\":1,\"y\":1},\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[{\"\":1,\"\":1}],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[01],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[-],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[1.],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[.5],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[1e5,1E-2],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[+1],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[999999999999999999,-999999999999999999],\"person\":{\"birth_date\":"
    "\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[9999999999999999999],\"person\":{\"birth_date\":\"2000-01-01\"},"
    "\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[99999999999999999999999999999999999999999999999999999999999999999999.5],"
    "\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[tru,nul,fals],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[true,null,false,\"\",{},[]],\"person\":{\"birth_date\":\"2000-01-01\"},"
    "\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
    "\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":[1,],\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"x\":{\"a\":1,},\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",,\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\" \"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":\"dagpenge\","
    "\"from\":\"2024-02-30\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"1899-12-31\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2200-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-1-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"as_of\":\"\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"as_of\":7,\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":\"dagpenge\","
    "\"from\":\"2024-02-01\",\"to\":\"2024-01-31\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":\"dagpenge\","
    "\"from\":\"2024-02-01\",\"categories\":[{\"from\":\"2024-02-01\",\"category\":\"jobparat\"}]}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":"
    "\"kontanthjaelp\",\"from\":\"2024-02-01\",\"categories\":[{\"from\":\"2024-02-01\",\"category\":"
    "\"\"}]}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":"
    "\"kontanthjaelp\",\"from\":\"2024-02-01\",\"categories\":[{\"from\":\"2024-02-01\",\"category\":"
    "\"uddannelsesparat\"}]}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":"
    "\"kontanthjaelp\",\"from\":\"2024-02-01\",\"categories\":[[]]}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":"
    "[{\"date\":\"2024-01-01\",\"holder\":\"jobcenter\",\"form\":\"brev\",\"topics\":[1]}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":"
    "[{\"date\":\"2024-01-01\",\"holder\":\"jobcenter\",\"form\":\"brev\",\"held\":\"yes\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":"
    "[{\"date\":\"2024-01-01\",\"holder\":\"jobcenter\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":{}}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"fritaget\",\"from\":\"2024-01-01\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"fritaget\",\"from\":\"2024-01-01\",\"reason\":\"\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"barsel\",\"date\":\"2024-01-01\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"test\",\"date\":\"2024-01-01\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"jobstart\",\"date\":\"2024-01-01\",\"what\":5}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"ansaettelseskontrakt\",\"date\":\"2024-01-01\",\"starts\":\"soon\"}]}",
    "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":"
    "[{\"type\":\"barsel\",\"from\":\"2024-01-01\",\"starts\":\"soon\",\"reason\":5,\"what\":[]}]}",
};

/* Deterministic pseudo-random numbers (splitmix64). */
static uint64_t rng_state = 20261123;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static const char bytes_of_interest[] = "\"\\{}[],: \t\n0-19.eE+ntfaxu\x7f";
static const char *const strings_of_interest[] = {
    "\"2024-02-29\"", "\"2023-02-29\"", "\"1900-01-01\"", "\"2199-12-31\"", "\"1899-12-31\"",
    "\"2024-13-01\"", "\"2024-1-01\"", "\"\"", "null", "true", "false", "0", "-1.5", "1e2", "[]",
    "{}", "[null]", "{\"x\":1}", "\"dagpenge\"", "\"kontanthjaelp\"", "\"uddannelseshjaelp\"",
    "\"integrationsydelse\"", "\"jobparat\"", "\"aktivitetsparat\"", "\"aabenlyst_uddannelsesparat\"",
    "\"uddannelsesparat\"", "\"jobcenter\"", "\"faelles\"", "\"uden_kontakt\"", "\"barsel\"",
    "\"fritaget\"", "\"jobstart\"", "\"ansaettelseskontrakt\"", "\"under18\"", "\"pension_optjening\"",
    "\"seks_ugers_oensket\"", "\"\\u00e6\"", "\"a\\\"b\"", "\"\xc3\xa6\"", "\"\xc3\"", "\"0101011234\"",
    "\"010101-1234\"", "\"repatriering\"", "\"barsel_tilknytning\"",
};
static const char *const keys_of_interest[] = {
    "id", "as_of", "person", "birth_date", "youth_education", "benefits", "benefit", "from", "to",
    "first_inquiry", "first_sick_day", "categories", "category", "conversations", "date", "holder",
    "form", "held", "topics", "events", "type", "reason", "starts", "what", "x", "",
};

typedef struct buf {
    char *s;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Positions of the string tokens (opening quotes) of a text. */
static size_t string_starts(const char *s, size_t n, size_t *at, size_t max) {
    size_t k = 0;
    bool in = false;
    for (size_t i = 0; i < n && k < max; i++) {
        if (!in && s[i] == '"') {
            at[k++] = i;
            in = true;
        } else if (in && s[i] == '\\') {
            i++;
        } else if (in && s[i] == '"') {
            in = false;
        }
    }
    return k;
}

/* The end of the string token starting at the quote at i. */
static size_t string_end(const char *s, size_t n, size_t i) {
    for (size_t j = i + 1; j < n; j++) {
        if (s[j] == '\\') j++;
        else if (s[j] == '"') return j + 1;
    }
    return n;
}

/* One mutation of `s` into *out. */
static void mutate(const char *s, size_t n, buf *out) {
    out->n = 0;
    size_t at[512];
    size_t ns = string_starts(s, n, at, 512);
    switch (below(8)) {
    case 0: { /* delete a byte */
        size_t i = below(n);
        put(out, s, i);
        if (i < n) put(out, s + i + 1, n - i - 1);
        break;
    }
    case 1: { /* replace a byte */
        size_t i = below(n);
        char c = bytes_of_interest[below(sizeof bytes_of_interest - 1)];
        put(out, s, n);
        if (i < n) out->s[i] = c;
        break;
    }
    case 2: { /* insert a byte */
        size_t i = below(n + 1);
        char c = (rnd() & 7) == 0 ? (char)below(256) : bytes_of_interest[below(sizeof bytes_of_interest - 1)];
        put(out, s, i);
        put(out, &c, 1);
        put(out, s + i, n - i);
        break;
    }
    case 3:
    case 4: { /* replace a string token with a value of interest (values and keys alike) */
        if (!ns) {
            put(out, s, n);
            break;
        }
        size_t i = at[below(ns)], j = string_end(s, n, i);
        const char *v = strings_of_interest[below(sizeof strings_of_interest / sizeof *strings_of_interest)];
        put(out, s, i);
        put(out, v, strlen(v));
        put(out, s + j, n - j);
        break;
    }
    case 5: { /* add a member after a '{' (a known key again, or a new one) */
        size_t opens[256], no = 0;
        for (size_t i = 0; i < n && no < 256; i++)
            if (s[i] == '{') opens[no++] = i;
        if (!no) {
            put(out, s, n);
            break;
        }
        size_t i = opens[below(no)] + 1;
        const char *k = keys_of_interest[below(sizeof keys_of_interest / sizeof *keys_of_interest)];
        const char *v = strings_of_interest[below(sizeof strings_of_interest / sizeof *strings_of_interest)];
        put(out, s, i);
        put(out, "\"", 1);
        put(out, k, strlen(k));
        put(out, "\":", 2);
        put(out, v, strlen(v));
        put(out, ",", 1);
        put(out, s + i, n - i);
        break;
    }
    case 6: { /* duplicate a span (elements, members) */
        size_t i = below(n), len = below(n - i + 1);
        if (len > 200) len = 200;
        put(out, s, i + len);
        put(out, s + i, n - i);
        break;
    }
    default: { /* cut the text short */
        put(out, s, below(n + 1));
        break;
    }
    }
}

static void check_with_mutations(const char *s, size_t n, int rounds) {
    check(s, n);
    buf a = {0}, b = {0};
    for (int r = 0; r < rounds; r++) {
        mutate(s, n, &a);
        check(a.s, a.n);
        if (r % 4 == 0) { /* and a second mutation on top */
            mutate(a.s, a.n, &b);
            check(b.s, b.n);
        }
    }
    free(a.s);
    free(b.s);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static const char *shared_dir(void) {
    const char *s = getenv("SHARED");
    return s && *s ? s : "../shared";
}

/* The golden cases' "case" members, compact and indented, and mutated. */
static void test_golden(void **state) {
    (void)state;
    const char *dirs[] = {"cases", "cases/invalid"};
    size_t files = 0;
    for (size_t d = 0; d < 2; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", shared_dir(), dirs[d]);
        DIR *dir = opendir(path);
        if (!dir) continue;
        struct dirent *de;
        while ((de = readdir(dir)) != NULL) {
            size_t l = strlen(de->d_name);
            if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0) continue;
            char file[1024];
            snprintf(file, sizeof file, "%s/%s", path, de->d_name);
            json_error_t err;
            json_t *root = json_load_file(file, 0, &err);
            assert_non_null(root);
            json_t *c = json_object_get(root, "case");
            assert_non_null(c);
            size_t flags[] = {JSON_COMPACT, JSON_INDENT(2), JSON_COMPACT | JSON_SORT_KEYS};
            for (size_t f = 0; f < 3; f++) {
                char *text = json_dumps(c, flags[f]);
                assert_non_null(text);
                /* a valid golden case without escapes is read by the fast path */
                kt_case *k = NULL;
                if (kt_case_parse_jansson(text, strlen(text), &k, NULL) == KT_OK && !strchr(text, '\\')) {
                    kt_case *q = NULL;
                    assert_int_equal(kt_case_read_fast(text, strlen(text), &q), KT_OK);
                    kt_case_free(q);
                }
                kt_case_free(k);
                check_with_mutations(text, strlen(text), f == 0 ? 600 : 100);
                free(text);
            }
            /* the whole golden file is no case: both must say so alike */
            char *whole = json_dumps(root, JSON_COMPACT);
            check_with_mutations(whole, strlen(whole), 50);
            free(whole);
            json_decref(root);
            files++;
        }
        closedir(dir);
    }
    if (files == 0) fail_msg("no golden cases under %s/cases (set SHARED)", shared_dir());
}

static void test_rich(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof rich / sizeof *rich; i++) {
        if (!check_str(rich[i])) fail_msg("fast reader refused rich case %zu", i);
        check_with_mutations(rich[i], strlen(rich[i]), 3000);
    }
}

static void test_edges(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) check_with_mutations(edges[i], strlen(edges[i]), 20);
    /* the text ends where len says, not at a NUL */
    const char with_nul[] = "{\"id\":\"ok\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[]}\0 ";
    check(with_nul, sizeof with_nul - 1);
    check(with_nul, sizeof with_nul - 3);
}

/* Limits: arrays at and just over their named maximum. */
static void test_limits(void **state) {
    (void)state;
    struct {
        const char *head, *elem, *tail;
        int max;
    } lists[] = {
        {"{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[", "{\"benefit\":\"dagpenge\",\"from\":\"2024-01-01\"}", "]}", KT_MAX_PERIODS},
        {"{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":[", "{\"date\":\"2024-01-01\",\"holder\":\"jobcenter\",\"form\":\"brev\"}", "]}", KT_MAX_CONVERSATIONS},
        {"{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"events\":[", "{\"type\":\"laese_skrive_regnetest\",\"date\":\"2024-01-01\"}", "]}", KT_MAX_EVENTS},
        {"{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[{\"benefit\":\"kontanthjaelp\",\"from\":\"2024-01-01\",\"categories\":[", "{\"from\":\"2024-01-01\",\"category\":\"jobparat\"}", "]}]}", KT_MAX_CATEGORIES},
        {"{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[],\"conversations\":[{\"date\":\"2024-01-01\",\"holder\":\"jobcenter\",\"form\":\"brev\",\"topics\":[", "\"repatriering\"", "]}]}", KT_MAX_TOPICS},
    };
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (int extra = 0; extra <= 1; extra++) {
            buf b = {0};
            put(&b, lists[l].head, strlen(lists[l].head));
            for (int i = 0; i < lists[l].max + extra; i++) {
                if (i) put(&b, ",", 1);
                put(&b, lists[l].elem, strlen(lists[l].elem));
            }
            put(&b, lists[l].tail, strlen(lists[l].tail));
            int fast = check(b.s, b.n);
            if (!extra && !fast) fail_msg("fast reader refused list %zu at its maximum", l);
            free(b.s);
        }
    /* categories over all periods: 1024 in all is the most */
    for (int extra = 0; extra <= 1; extra++) {
        buf b = {0};
        const char *head = "{\"id\":\"l\",\"person\":{\"birth_date\":\"2000-01-01\"},\"benefits\":[";
        put(&b, head, strlen(head));
        for (int p = 0; p < 4; p++) {
            if (p) put(&b, ",", 1);
            const char *ph = "{\"benefit\":\"integrationsydelse\",\"from\":\"2024-01-01\",\"categories\":[";
            put(&b, ph, strlen(ph));
            for (int i = 0; i < 256 + (p == 3 ? extra : 0); i++) {
                if (i) put(&b, ",", 1);
                const char *e = "{\"from\":\"2024-01-01\",\"category\":\"aktivitetsparat\"}";
                put(&b, e, strlen(e));
            }
            put(&b, "]}", 2);
        }
        put(&b, "]}", 2);
        check(b.s, b.n);
        free(b.s);
    }
}

/* src/plan.c writes these identifiers into JSON without escaping them:
 * that is the same as escaping only while none holds a quote, a backslash
 * or a control character. (Use kt_out_json_str in plan.c for any that may.) */
static void assert_plain(const char *what, const char *s) {
    if (!s) return;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\')
            fail_msg("%s \"%s\" needs JSON escaping, but plan.c writes it as it is", what, s);
}

/* kt_out_json_strn (its short strings by words, the rest by kt_out_json_body)
 * against escaping byte by byte: every length to 40, each byte that needs
 * an escape (and a UTF-8 byte) at every place. */
typedef struct collect {
    char b[256];
    size_t n;
} collect;
static int collect_fn(void *ctx, const char *s, size_t n) {
    collect *c = ctx;
    if (c->n + n > sizeof c->b) return -1;
    memcpy(c->b + c->n, s, n);
    c->n += n;
    return 0;
}
static void test_json_strn_escapes(void **state) {
    (void)state;
    static const unsigned char odd[] = {'"', '\\', '\n', '\t', '\r', 0x01, 0x1f, 0x7f, 0xc3, ' ', 'a'};
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at < (n ? n : 1); at++)
            for (size_t k = 0; k < sizeof odd; k++) {
                char s[48];
                for (size_t i = 0; i < n; i++) s[i] = (char)('a' + i % 26);
                if (n) s[at] = (char)odd[k];
                char want[256];
                size_t w = 0;
                want[w++] = '"';
                for (size_t i = 0; i < n; i++) {
                    unsigned char ch = (unsigned char)s[i];
                    if (ch == '"' || ch == '\\') want[w++] = '\\', want[w++] = (char)ch;
                    else if (ch == '\n') want[w++] = '\\', want[w++] = 'n';
                    else if (ch == '\t') want[w++] = '\\', want[w++] = 't';
                    else if (ch == '\r') want[w++] = '\\', want[w++] = 'r';
                    else if (ch < 0x20) w += (size_t)snprintf(want + w, 8, "\\u%04x", ch);
                    else want[w++] = (char)ch;
                }
                want[w++] = '"';
                collect c = {.n = 0};
                kt_out o;
                kt_out_init(&o, collect_fn, &c);
                kt_out_json_strn(&o, s, n);
                assert_int_equal(kt_out_finish(&o), KT_OK);
                assert_int_equal(c.n, w);
                assert_memory_equal(c.b, want, w);
            }
}

static void test_identifiers_plain(void **state) {
    (void)state;
    for (int g = 0; g < KT_N_GENERATIONS; g++) {
        const kt_generation *gen = &kt_generations[g];
        assert_plain("generation", gen->name);
        for (size_t i = 0; i < gen->n_rules; i++) {
            assert_plain("rule id", gen->rules[i]->id);
            assert_plain("rule law", gen->rules[i]->law);
            assert_plain("rule seed", gen->rules[i]->seed);
        }
        for (size_t i = 0; i < gen->n_exemptions; i++) assert_plain("exemption id", gen->exemptions[i]->id);
    }
    for (int i = 0; i < KT_HOLDER_COUNT; i++) assert_plain("holder", kt_holder_name(i));
    for (int i = 0; i < KT_FORM_COUNT; i++) assert_plain("form", kt_form_name(i));
    for (int i = 0; i < KT_AGENDA_COUNT; i++) {
        assert_plain("agenda when", kt_agenda[i].when);
        for (int t = 0; kt_agenda[i].topics[t]; t++) assert_plain("agenda topic", kt_agenda[i].topics[t]);
    }
    assert_plain("agenda seed", kt_agenda_seed);
    assert_plain("conversation warning code", KT_CONV_WARNING_CODE); /* written plain by plan.c */
    /* the engine's fixed warning texts, written plain (kt_warning.plain) */
    for (int i = 0; i < FV_COUNT; i++) assert_plain("form verdict text", kt_form_verdict_text[i]);
    assert_plain("conversation outside", KT_CONV_WHY_OUTSIDE);
    assert_plain("conversation unused", KT_CONV_WHY_UNUSED);
    assert_plain("dagpenge_calendar_time", "dagpenge_calendar_time");
    assert_plain("dagpenge calendar text", KT_WARN_DP_CALENDAR);
    assert_plain("individual_after_six_months", "individual_after_six_months");
    assert_plain("after six text", KT_WARN_AFTER_SIX);
}

/* A caller may hold many parsed cases (bench-engine holds them all): each
 * costs at most twice its size, not a fixed block (a 340-byte case once
 * took 4 KiB: twelve times the memory, and a page of its own). */
static void test_held_cases_memory(void **state) {
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* AddressSanitizer's allocator: mallinfo2 does not see it */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    skip();
#endif
#endif
    static const char small[] =
        "{\"id\":\"held-1\",\"jobcenter\":\"jc-01\",\"as_of\":\"2023-09-04\","
        "\"person\":{\"birth_date\":\"1970-05-15\"},\"benefits\":[{\"benefit\":"
        "\"kontanthjaelp\",\"from\":\"2020-10-29\",\"categories\":[{\"from\":"
        "\"2020-10-29\",\"category\":\"jobparat\"}]}],\"conversations\":[{\"date\":"
        "\"2020-11-03\",\"holder\":\"jobcenter\",\"form\":\"fremmoede\",\"held\":true}],"
        "\"events\":[]}";
    enum { N = 2000 };
    static kt_case *held[N];
    struct mallinfo2 before = mallinfo2();
    for (int i = 0; i < N; i++) assert_int_equal(kt_case_parse(small, sizeof small - 1, &held[i], NULL), KT_OK);
    struct mallinfo2 after = mallinfo2();
    const size_t size = sizeof(kt_case) + sizeof(kt_period) + sizeof(kt_category_at) + sizeof(kt_conversation);
    const size_t per_case = (after.uordblks - before.uordblks) / N;
    if (per_case > 2 * size + 64) fail_msg("a held case of %zu bytes takes %zu", size, per_case);
    assert_true(per_case >= size); /* mallinfo2 sees them at all */
    for (int i = 0; i < N; i++) kt_case_free(held[i]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rich),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_identifiers_plain),
        cmocka_unit_test(test_json_strn_escapes),
        cmocka_unit_test(test_held_cases_memory),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fprintf(stderr, "test_fastparse: %zu inputs, %zu read by the fast path, %zu valid\n", st.inputs,
            st.fast_ok, st.ref_ok);
    return rc;
}
