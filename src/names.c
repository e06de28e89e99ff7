/* names.c -- the identifiers of spec/case-format.md, in enum order. */
#include "model.h"

#include <string.h>

const char *const kt_benefit_names[B_COUNT] = {
    "dagpenge", "kontanthjaelp", "uddannelseshjaelp", "integrationsydelse", "sygedagpenge",
    "revalidering", "foertidspension", "ressourceforloeb", "jobafklaringsforloeb",
    "ledighedsydelse", "arbejdsmarkedsydelse", "kontantydelse"};

const char *const kt_group_names[G_COUNT] = {"dp", "kh", "uh", "sdp", "rev", "fp", "rf", "ly", "amy"};

const char *const kt_category_names[C_COUNT] = {
    "", "", "jobparat", "aktivitetsparat", "aabenlyst_uddannelsesparat", "uddannelsesparat"};

const char *const kt_event_names[EV_COUNT] = {
    "cv_samtale", "cv_oprettet", "cv_godkendt", "laese_skrive_regnetest", "kursus_oensket",
    "barsel", "sygemeldt", "alvorlig_sygdom", "tilbud", "jobstart", "arbejdsfordeling",
    "hjemsendt", "seks_ugers_jobrettet_uddannelse", "stu", "ansaettelseskontrakt",
    "udeblivelse", "koordinerende_sagsbehandler", "seks_ugers_oensket", "fritaget",
    "undtaget_konkret_vurdering", "booket"};

const bool kt_event_is_dated[EV_COUNT] = {
    [EV_CV_SAMTALE] = true, [EV_CV_OPRETTET] = true, [EV_CV_GODKENDT] = true,
    [EV_TEST] = true,       [EV_KURSUS_OENSKET] = true, [EV_JOBSTART] = true,
    [EV_KONTRAKT] = true,   [EV_UDEBLIVELSE] = true, [EV_KOORDINERENDE] = true,
    [EV_SEKS_UGERS_OENSKET] = true, [EV_KONKRET_VURDERING] = true,
    [EV_BOOKET] = true};

const char *const kt_topic_names[T_COUNT] = {
    "225_timers_reglen", "repatriering", "seks_ugers_jobrettet_uddannelse",
    "intensiveret_indsats", "barsel_tilknytning", "laese_skrive_regnetest"};

const char *const kt_reason_names[R_COUNT] = {"", "pension_optjening", "under18", "mindre_intensiv",
                                             "sdp_kort_forloeb", "sdp_job_under_26"};

const char *const kt_holder_names[KT_HOLDER_COUNT] = {"jobcenter", "a_kasse", "faelles", "anden_aktoer"};

const char *const kt_form_names[KT_FORM_COUNT] = {"fremmoede", "telefon", "digitalt", "brev",
                                                  "uden_kontakt"};

int kt_lookup(const char *const *names, int count, const char *s, size_t n) {
    for (int i = 0; i < count; i++)
        if (names[i][0] && strlen(names[i]) == n && memcmp(names[i], s, n) == 0) return i;
    return -1;
}

const char *kt_holder_name(int bit) {
    return bit >= 0 && bit < KT_HOLDER_COUNT ? kt_holder_names[bit] : "";
}
const char *kt_form_name(int bit) { return bit >= 0 && bit < KT_FORM_COUNT ? kt_form_names[bit] : ""; }

const char *kt_ob_status_name(kt_ob_status s) {
    static const char *const n[] = {"met", "late", "open", "overdue", "exempt", "lapsed"};
    return (unsigned)s < 6 ? n[s] : "";
}

const char *kt_strerror(int status) {
    switch (status) {
    case KT_OK: return "ok";
    case KT_EINVALID: return "invalid input";
    case KT_ENOMEM: return "out of memory";
    case KT_ELIMIT: return "input exceeds a limit";
    case KT_EARG: return "invalid argument";
    case KT_EIO: return "output failed";
    default: return "unknown error";
    }
}
