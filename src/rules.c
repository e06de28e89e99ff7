/*
 * rules.c -- the catalogue of spec/rules.md: rule rows, exemption rows, and
 * one table per generation listing the rows in force in it.
 *
 * A row is defined once and listed in every generation where rules.md says
 * it holds; where a rule's terms change between generations (all.cv,
 * all.four_in_six), each version is a row of its own with the same id.
 */
#include "rules.h"

#include <stddef.h>
#include <string.h>

const char *const kt_kind_names[K_COUNT] = {
    "samtale", "tilbud", "test", "cv", "koordinerende_sagsbehandler", "vejledning"};

#define SEED0 "000_ebda60d9c5ceaa22.txt"
#define SEED1 "001_a5dd7529037d1367.txt"
#define SEED2 "002_dbb992bc3df95132.txt"
#define SEED3 "003_e3a312fbb3c63c2d.txt"
#define SEED4 "004_a1507a36310d0921.txt"

#define JC (1u << KT_HOLDER_JOBCENTER)
#define AK (1u << KT_HOLDER_A_KASSE)
#define FA (1u << KT_HOLDER_FAELLES)

#define ALL_GROUPS (GB(G_COUNT) - 1u)

/* Defaults shared by every row; each row overrides what it needs, which is
 * what designated initializers after the defaults do by definition. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
#define ROW(...)                                                                             \
    {.min_age = -1, .below_age = -1, .met_topic = -1, .met_event = -1, .required = 1,        \
     .holders = JC, .by_conversations = true, .kind = K_SAMTALE, .quota = -1, __VA_ARGS__}

/* ---- conversation duties: kh and uh ---------------------------------------- */

static const kt_rule kh_first = ROW(
    .id = "kh.first", .slot = S_KH_FIRST, .groups = GB(G_KH), .to_days = 7,
    .flags = F_FIRST_OF_COURSE, .law = "LAB § 31", .seed = SEED1,
    .why = "Kontanthjælpsmodtagere skal have den første jobsamtale senest en uge efter første "
           "henvendelse om hjælp.");

static const kt_rule uh_first = ROW(
    .id = "uh.first", .slot = S_UH_FIRST, .groups = GB(G_UH), .to_days = 7,
    .flags = F_FIRST_OF_COURSE, .law = "LAB § 31", .seed = SEED1,
    .why = "Uddannelseshjælpsmodtagere skal have den første samtale senest en uge efter første "
           "henvendelse om hjælp.");

static const kt_rule kh_extra = ROW(
    .id = "kh.extra", .slot = S_KH_EXTRA, .groups = GB(G_KH), .cats = CB(C_JOBPARAT),
    .to_months = 3, .to_days = -1, .required = 2, .excludes = SB(S_KH_FIRST), .seed = SEED1,
    .why = "Jobparate kontanthjælpsmodtagere skal have to samtaler ud over den første inden for "
           "de første tre måneder.");

static const kt_rule uh_extra = ROW(
    .id = "uh.extra", .slot = S_UH_EXTRA, .groups = GB(G_UH),
    .cats = CB(C_UDDANNELSESPARAT) | CB(C_AKTIVITETSPARAT), .to_months = 3, .to_days = -1,
    .required = 2, .excludes = SB(S_UH_FIRST), .seed = SEED1,
    .why = "Uddannelseshjælpsmodtagere, der ikke er åbenlyst uddannelsesparate, skal have to "
           "samtaler ud over den første inden for de første tre måneder for at afklare "
           "uddannelsesparatheden.");

static const kt_rule kh_ongoing = ROW(
    .id = "kh.ongoing", .slot = S_KH_ONGOING, .groups = GB(G_KH), .shape = SH_TWELVE,
    .required = 4, .excludes = SB(S_KH_FIRST) | SB(S_KH_EXTRA), .seed = SEED1,
    .why = "Kontanthjælpsmodtagere skal have mindst fire jobsamtaler inden for hver 12 måneder "
           "ud over de indledende samtaler.");

static const kt_rule uh_ongoing = ROW(
    .id = "uh.ongoing", .slot = S_UH_ONGOING, .groups = GB(G_UH),
    .cats = CB(C_UDDANNELSESPARAT) | CB(C_AKTIVITETSPARAT), .shape = SH_RECUR,
    .anchor = A_AFTER_FIRST, .first_slot = S_UH_FIRST, .clock = CLK_CALENDAR, .months = 2,
    .seed = SEED1,
    .why = "Uddannelsesparate og aktivitetsparate uddannelseshjælpsmodtagere skal have en samtale "
           "senest hver 2. måned (fortolkning: skemaets \"senest hver 2. måned\" gælder begge "
           "kategorier).");

/* ---- conversation duties: dagpenge --------------------------------------------- */

static const kt_rule dp_cv_samtale = ROW(
    .id = "dp.cv_samtale", .slot = S_DP_CV_SAMTALE, .groups = GB(G_DP), .to_days = 14,
    .holders = AK | FA, .met_event = EV_CV_SAMTALE, .law = "LAB § 25", .seed = SEED1,
    .why = "A-kassen skal holde cv-samtale med den forsikrede ledige senest to uger efter "
           "ledighedens start.");

static const kt_rule dp_first = ROW(
    .id = "dp.first", .slot = S_DP_FIRST, .groups = GB(G_DP), .to_days = 42, .holders = JC | FA,
    .flags = F_FIRST_OF_COURSE, .seed = SEED1,
    .why = "Den første jobsamtale med en forsikret ledig skal holdes senest efter seks uger, som "
           "udgangspunkt sammen med a-kassen.");

static const kt_rule dp_monthly = ROW(
    .id = "dp.monthly", .slot = S_DP_MONTHLY, .groups = GB(G_DP), .shape = SH_MONTHLY,
    .first_month = 2, .last_month = 6, .holders = JC | FA, .excludes = SB(S_DP_FIRST),
    .seed = SEED1,
    .why = "I de første seks måneder skal forsikrede ledige have en jobsamtale hver måned; en "
           "samtale op til 14 dage efter månedens udløb tæller for måneden (STAR's praksis "
           "2018).");

static const kt_rule dp_quarterly = ROW(
    .id = "dp.quarterly", .slot = S_DP_QUARTERLY, .groups = GB(G_DP), .shape = SH_RECUR,
    .anchor = A_AFTER_6M, .clock = CLK_CALENDAR, .months = 3, .holders = JC | FA, .seed = SEED1,
    .why = "Efter seks måneders ledighed skal forsikrede ledige have en jobsamtale senest hver 3. "
           "måned.");

static const kt_rule dp_faelles_5_6 = ROW(
    .id = "dp.faelles_5_6", .slot = S_DP_FAELLES_5_6, .groups = GB(G_DP), .from_months = 4,
    .to_months = 6, .to_days = -1, .holders = FA, .seed = SEED1,
    .why = "A-kassen deltager i en fælles samtale i 5. eller 6. ledighedsmåned, medmindre den "
           "ledige ikke ønsker det.");

static const kt_rule dp_faelles_3_6 = ROW(
    .id = "dp.faelles_3_6", .slot = S_DP_FAELLES_3_6, .groups = GB(G_DP), .from_months = 3,
    .to_months = 6, .to_days = -1, .holders = FA, .law = "LAB § 31, stk. 2 (2020)",
    .seed = SEED0,
    .why = "Der skal holdes en fælles samtale med a-kassen mellem 3 og 6 måneders ledighed; den "
           "tæller også med i de fire samtaler.");

static const kt_rule dp_a_kasse_first = ROW(
    .id = "dp.a_kasse_first", .slot = S_DP_A_KASSE_FIRST, .groups = GB(G_DP), .to_days = 14,
    .holders = AK | FA, .flags = F_FIRST_OF_COURSE, .law = "LAB § 31, stk. 4", .seed = SEED2,
    .why = "Den første jobsamtale holdes i a-kassen senest to uger efter ledighedens start.");

static const kt_rule dp_a_kasse = ROW(
    .id = "dp.a_kasse", .slot = S_DP_A_KASSE, .groups = GB(G_DP), .to_months = 3, .to_days = -1,
    .required = 3, .holders = AK | FA, .law = "LAB § 31, stk. 1", .seed = SEED2,
    .why = "A-kassen holder de første tre jobsamtaler inden for de første tre måneder, den første "
           "medregnet.");

static const kt_rule dp_jobcenter = ROW(
    .id = "dp.jobcenter", .slot = S_DP_JOBCENTER, .groups = GB(G_DP), .from_months = 3,
    .to_months = 6, .to_days = -1, .required = 3, .holders = JC | FA,
    .law = "LAB § 31, stk. 1-2", .seed = SEED2,
    .why = "Jobcentret holder tre jobsamtaler inden for de næste tre måneder; a-kassen kan deltage "
           "i den første, hvis den ledige ønsker det.");

static const kt_rule dp_intensiveret = ROW(
    .id = "dp.intensiveret", .slot = S_DP_INTENSIVERET, .groups = GB(G_DP), .from_months = 6,
    .to_months = 16, .holders = FA, .law = "LAB § 32, stk. 2", .seed = SEED1,
    .why = "Senest ved 16 måneders sammenlagt ledighed skal den ledige tilbydes en intensiveret "
           "indsats ved en fælles samtale med jobcentret og a-kassen.");

/* ---- every group from g2020 ---------------------------------------------------- */

#define FOUR_IN_SIX(name, grps)                                                              \
    static const kt_rule name = ROW(                                                         \
        .id = "all.four_in_six", .slot = S_ALL_FOUR_IN_SIX, .groups = (grps), .to_months = 6, \
        .to_days = -1, .required = 4, .law = "LAB § 31", .seed = SEED0,                      \
        .why = "Der skal holdes mindst fire samtaler inden for de første seks måneder på "    \
               "ydelsen; ved ydelsesskift begynder de fire samtaler forfra.")
/* dagpenge courses begun before 2024 keep the four in six (g2020, g2023) */
FOUR_IN_SIX(all_four_in_six_dp, GB(G_KH) | GB(G_UH) | GB(G_RF) | GB(G_LY) | GB(G_REV) | GB(G_DP));
FOUR_IN_SIX(all_four_in_six, GB(G_KH) | GB(G_UH) | GB(G_RF) | GB(G_LY) | GB(G_REV));

static const kt_rule sdp_first = ROW(
    .id = "sdp.first", .slot = S_SDP_FIRST, .groups = GB(G_SDP), .to_days = 55,
    .flags = F_FIRST_OF_COURSE, .law = "sdpl § 13 b", .seed = SEED0,
    .why = "Sygedagpengemodtagere skal have den første opfølgningssamtale senest inden udgangen "
           "af 8. sygefraværsuge.");

static const kt_rule sdp_four_in_six = ROW(
    .id = "sdp.four_in_six", .slot = S_SDP_FOUR_IN_SIX, .groups = GB(G_SDP), .to_months = 6,
    .to_days = -1, .required = 4, .law = "sdpl § 13 b", .seed = SEED0,
    .why = "Sygedagpengemodtagere skal have mindst fire opfølgningssamtaler inden for de første "
           "seks måneder, den første medregnet.");

/* ---- other groups under g2014-g2015 ---------------------------------------------- */

static const kt_rule rev_ongoing = ROW(
    .id = "rev.ongoing", .slot = S_REV_ONGOING, .groups = GB(G_REV), .shape = SH_RECUR,
    .clock = CLK_CALENDAR, .months = 3, .seed = SEED1,
    .why = "Revalidender skal have en jobsamtale senest hver 3. måned.");

static const kt_rule ly_ongoing = ROW(
    .id = "ly.ongoing", .slot = S_LY_ONGOING, .groups = GB(G_LY), .shape = SH_RECUR,
    .clock = CLK_CALENDAR, .months = 3, .seed = SEED1,
    .why = "Modtagere af ledighedsydelse skal have en jobsamtale senest hver 3. måned.");

static const kt_rule rf_ongoing = ROW(
    .id = "rf.ongoing", .slot = S_RF_ONGOING, .groups = GB(G_RF), .shape = SH_TWELVE,
    .required = 6, .seed = SEED1,
    .why = "Personer i ressource- og jobafklaringsforløb skal have mindst seks samtaler inden for "
           "hver 12 måneder.");

static const kt_rule fp_ret = ROW(
    .id = "fp.ret", .slot = S_FP_RET, .groups = GB(G_FP), .kind = K_TILBUD, .required = 3,
    .flags = F_NO_DEADLINE, .seed = SEED1,
    .why = "Førtidspensionister har ret til mindst tre samtaler i jobcentret; retten har ingen "
           "frist.");

/* ---- other duties ------------------------------------------------------------------ */

static const kt_rule kh_koord = ROW(
    .id = "kh.koordinerende", .slot = S_KH_KOORD, .groups = GB(G_KH),
    .cats = CB(C_AKTIVITETSPARAT), .kind = K_KOORD, .anchor = A_CATEGORY_START,
    .clock = CLK_CALENDAR, .to_days = 7, .holders = 0, .by_conversations = false,
    .met_event = EV_KOORDINERENDE, .seed = SEED1,
    .why = "Aktivitetsparate kontanthjælpsmodtagere skal have en koordinerende sagsbehandler i "
           "forlængelse af visitationen (fortolkning: inden for 7 dage).");

static const kt_rule uh_koord = ROW(
    .id = "uh.koordinerende", .slot = S_UH_KOORD, .groups = GB(G_UH),
    .cats = CB(C_AKTIVITETSPARAT), .kind = K_KOORD, .anchor = A_CATEGORY_START,
    .clock = CLK_CALENDAR, .to_days = 7, .holders = 0, .by_conversations = false,
    .met_event = EV_KOORDINERENDE, .seed = SEED1,
    .why = "Aktivitetsparate uddannelseshjælpsmodtagere skal have en koordinerende sagsbehandler i "
           "forlængelse af visitationen (fortolkning: inden for 7 dage).");

static const kt_rule kh_barsel = ROW(
    .id = "kh.barsel", .slot = S_KH_BARSEL, .groups = GB(G_KH) | GB(G_UH), .kind = K_TILBUD,
    .anchor = A_BARSEL_END, .clock = CLK_CALENDAR, .by_conversations = false,
    .met_topic = T_BARSEL_TILKNYTNING, .seed = SEED1,
    .why = "Inden for tre måneder før barslens afslutning skal jobcentret tilbyde en samtale om "
           "tilknytningen til arbejdsmarkedet.");

static const kt_rule dp_test = ROW(
    .id = "dp.test", .slot = S_DP_TEST, .groups = GB(G_DP), .kind = K_TEST, .below_age = 25,
    .needs = NEED_NO_YOUTH_EDU, .to_months = 1, .holders = 0, .by_conversations = false,
    .met_event = EV_TEST, .seed = SEED1,
    .why = "Forsikrede ledige under 25 år uden ungdomsuddannelse skal læse-, skrive- og "
           "regnetestes senest efter en måned.");

static const kt_rule dp_test_tilbud = ROW(
    .id = "dp.test_tilbud", .slot = S_DP_TEST_TILBUD, .groups = GB(G_DP), .kind = K_TILBUD,
    .min_age = 25, .needs = NEED_NO_YOUTH_EDU, .anchor = A_EVENT,
    .anchor_event = EV_KURSUS_OENSKET, .clock = CLK_CALENDAR, .to_months = 1,
    .holders = JC | AK | FA, .by_conversations = false, .met_event = EV_TEST,
    .met_topic = T_TEST, .seed = SEED1,
    .why = "Forsikrede ledige på 25 år eller derover uden ungdomsuddannelse, der efterspørger et "
           "læse-, skrive-, regne- eller ordblindekursus, skal tilbydes en test inden for en "
           "måned.");

static const kt_rule kh_test_tilbud = ROW(
    .id = "kh.test_tilbud", .slot = S_KH_TEST_TILBUD, .groups = GB(G_KH), .kind = K_TILBUD,
    .needs = NEED_NO_VOCATIONAL_EDU, .to_days = 7, .by_conversations = false,
    .met_event = EV_TEST, .met_topic = T_TEST, .seed = SEED1,
    .why = "Kontanthjælpsmodtagere uden erhvervskompetencegivende uddannelse skal tilbydes en "
           "læse-, skrive- og regnetest i forbindelse med den første samtale.");

static const kt_rule uh_test = ROW(
    .id = "uh.test", .slot = S_UH_TEST, .groups = GB(G_UH), .kind = K_TEST,
    .needs = NEED_NO_YOUTH_EDU, .to_months = 1, .holders = 0, .by_conversations = false,
    .met_event = EV_TEST, .seed = SEED1,
    .why = "Uddannelseshjælpsmodtagere uden ungdomsuddannelse skal læse-, skrive- og regnetestes "
           "senest efter en måned.");

#define CV_ROW(name, grps, days, lawtext, whytext)                                             \
    static const kt_rule name = ROW(                                                           \
        .id = "all.cv", .slot = S_ALL_CV, .groups = (grps),                                    \
        .cats = CB(C_NONE) | CB(C_JOBPARAT) | CB(C_AABENLYST), .kind = K_CV, .to_days = (days), \
        .holders = 0, .by_conversations = false, .met_event = EV_CV_OPRETTET, .law = lawtext,  \
        .seed = SEED2, .why = whytext)
CV_ROW(all_cv_dp14, GB(G_DP), 14, "LAB § 23, stk. 1, nr. 1",
       "Forsikrede ledige skal have et fyldestgørende og søgbart cv på Jobnet senest 14 dage "
       "efter ledighedens start.");
CV_ROW(all_cv21, GB(G_KH) | GB(G_UH) | GB(G_LY), 21, "LAB § 23",
       "Cv'et skal være oprettet og søgbart på Jobnet senest tre uger efter tilmelding som "
       "ledig.");
CV_ROW(all_cv21_dp, GB(G_DP) | GB(G_KH) | GB(G_UH) | GB(G_LY), 21, "LAB § 23",
       "Cv'et skal være oprettet og søgbart på Jobnet senest tre uger efter tilmelding som "
       "ledig.");

static const kt_rule kh_vejl_225 = ROW(
    .id = "kh.vejledning_225", .slot = S_KH_VEJL_225, .groups = GB(G_KH) | GB(G_UH),
    .kind = K_VEJLEDNING, .to_months = 6, .to_days = -1, .by_conversations = false,
    .met_topic = T_225, .law = "LAB § 39", .seed = SEED0,
    .why = "Jobcentret skal vejlede om 225-timers-reglen inden for de første seks måneder.");

static const kt_rule all_vejl_repat = ROW(
    .id = "all.vejledning_repatriering", .slot = S_ALL_VEJL_REPAT, .groups = ALL_GROUPS,
    .needs = NEED_REPATRIERING, .kind = K_VEJLEDNING, .to_months = 6, .to_days = -1,
    .by_conversations = false, .met_topic = T_REPATRIERING, .seed = SEED0,
    .why = "Jobcentret skal vejlede om mulighederne for repatriering inden for de første seks "
           "måneder.");

static const kt_rule dp_vejl_6_uger = ROW(
    .id = "dp.vejledning_6_uger", .slot = S_DP_VEJL_6_UGER, .groups = GB(G_DP),
    .kind = K_VEJLEDNING, .anchor = A_EVENT, .anchor_event = EV_SEKS_UGERS_OENSKET,
    .clock = CLK_CALENDAR, .to_months = 1, .by_conversations = false,
    .met_topic = T_SEKS_UGERS, .flags = F_UNTIL_JC_CONV, .seed = SEED0,
    .why = "Når en forsikret ledig efterspørger det, skal jobcentret vejlede om 6 ugers jobrettet "
           "uddannelse ved den første samtale i jobcentret derefter (fortolkning: holdes ingen, "
           "inden en måned).");

/* ---- g2026 (lov 1750/2025, provisional: the amended text was not seen) --------------- */

#define L1750 "lov nr. 1750 af 29/12 2025; LAB § 31 (2026)"
#define PROV_NOTE " (foreløbig: bygger på resuméer af lov nr. 1750/2025, ikke lovteksten)"

static const kt_rule kh_first_26 = ROW(
    .id = "kh.first", .slot = S_KH_FIRST, .groups = GB(G_KH), .to_days = 7,
    .flags = F_FIRST_OF_COURSE | F_PROVISIONAL, .law = "LAB § 31", .seed = SEED1,
    .why = "Alle kontanthjælpsmodtagere skal have den første jobsamtale senest en uge efter første "
           "henvendelse om hjælp; fristen er foreløbig" PROV_NOTE ".");

static const kt_rule uh_first_26 = ROW(
    .id = "uh.first", .slot = S_UH_FIRST, .groups = GB(G_UH), .to_days = 7,
    .flags = F_FIRST_OF_COURSE | F_PROVISIONAL, .law = "LAB § 31", .seed = SEED1,
    .why = "Alle unge under 30 år uden erhvervsuddannelse på kontanthjælp skal have den første "
           "samtale senest en uge efter første henvendelse om hjælp; fristen er foreløbig"
           PROV_NOTE ".");

static const kt_rule dp_a_kasse_first_26 = ROW(
    .id = "dp.a_kasse_first", .slot = S_DP_A_KASSE_FIRST, .groups = GB(G_DP), .to_days = 14,
    .holders = AK | FA, .flags = F_FIRST_OF_COURSE | F_PROVISIONAL, .law = "LAB § 31, stk. 6 (2026)",
    .seed = SEED2,
    .why = "Alle dagpengemodtagere skal have den første jobsamtale i a-kassen senest to uger efter "
           "ledighedens start; fristen er foreløbig" PROV_NOTE ".");

static const kt_rule dp_a_kasse_75 = ROW(
    .id = "dp.a_kasse_75", .slot = S_DP_A_KASSE_75, .groups = GB(G_DP), .to_months = 3,
    .to_days = -1, .required = 2, .holders = AK | FA, .flags = F_PROVISIONAL,
    .quota = KT_HOLDER_A_KASSE, .law = L1750, .seed = NULL,
    .why = "75 %-regel: a-kassen skal holde mindst to jobsamtaler inden for de første tre måneder, "
           "den første medregnet, med mindst 75 % af sine dagpengemodtagere; for de øvrige kan "
           "a-kassen efter en konkret vurdering undlade samtalerne" PROV_NOTE ".");

static const kt_rule dp_kommune_75 = ROW(
    .id = "dp.kommune_75", .slot = S_DP_KOMMUNE_75, .groups = GB(G_DP), .from_months = 3,
    .to_months = 6, .to_days = -1, .required = 2, .holders = JC | FA, .flags = F_PROVISIONAL,
    .quota = KT_HOLDER_JOBCENTER, .law = L1750, .seed = NULL,
    .why = "75 %-regel: kommunen skal holde mindst to jobsamtaler efter a-kassens tre måneder og "
           "inden seks måneder med mindst 75 % af sine dagpengemodtagere; en fælles samtale "
           "tæller; for de øvrige kan kommunen efter en konkret vurdering undlade samtalerne"
           PROV_NOTE ".");

static const kt_rule all_four_in_six_26 = ROW(
    .id = "all.four_in_six", .slot = S_ALL_FOUR_IN_SIX,
    .groups = GB(G_KH) | GB(G_UH) | GB(G_RF) | GB(G_REV), .cats = CB(C_NONE) | CB(C_AKTIVITETSPARAT),
    .to_months = 6, .to_days = -1, .required = 4, .flags = F_PROVISIONAL, .law = L1750,
    .seed = SEED0,
    .why = "Aktivitetsparate, personer i ressource- og jobafklaringsforløb og revalidender skal "
           "have mindst fire samtaler inden for de første seks måneder" PROV_NOTE ".");

static const kt_rule all_four_in_six_75 = ROW(
    .id = "all.four_in_six_75", .slot = S_ALL_FOUR_IN_SIX_75, .groups = GB(G_KH) | GB(G_UH) | GB(G_LY),
    .cats = CB(C_NONE) | CB(C_JOBPARAT) | CB(C_UDDANNELSESPARAT) | CB(C_AABENLYST), .to_months = 6,
    .to_days = -1, .required = 4, .flags = F_PROVISIONAL, .quota = KT_HOLDER_JOBCENTER,
    .law = L1750, .seed = NULL,
    .why = "75 %-regel: kommunen skal holde mindst fire samtaler inden for de første seks måneder, "
           "den første medregnet, med mindst 75 % af sine jobparate og uddannelsesparate "
           "kontanthjælpsmodtagere og modtagere af ledighedsydelse; for de øvrige kan kommunen "
           "efter en konkret vurdering undlade samtalerne" PROV_NOTE ".");

static const kt_rule ly_first = ROW(
    .id = "ly.first", .slot = S_LY_FIRST, .groups = GB(G_LY), .to_months = 6, .to_days = -1,
    .flags = F_FIRST_OF_COURSE | F_PROVISIONAL, .law = "lov nr. 1750 af 29/12 2025", .seed = NULL,
    .why = "Alle modtagere af ledighedsydelse skal have en første samtale; der er ikke set en frist, "
           "så den regnes inden for de første seks måneder (fortolkning)" PROV_NOTE ".");

static const kt_rule sdp_first_26 = ROW(
    .id = "sdp.first", .slot = S_SDP_FIRST, .groups = GB(G_SDP), .to_days = 55,
    .flags = F_FIRST_OF_COURSE | F_PROVISIONAL, .law = "sdpl § 13 b", .seed = SEED0,
    .why = "Sygedagpengemodtagere skal have den første opfølgningssamtale senest inden udgangen "
           "af 8. sygefraværsuge; fristen er foreløbig" PROV_NOTE ".");

/* ---- exemptions --------------------------------------------------------------------- */

static const kt_exemption x_pension = {"exempt.pension_optjening", GB(G_KH), EV_FRITAGET,
                                       R_PENSION_OPTJENING, X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_under18 = {"exempt.under18", GB(G_KH) | GB(G_UH), EV_FRITAGET,
                                       R_UNDER18, X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_barsel_khuh = {"exempt.barsel", GB(G_KH) | GB(G_UH), EV_BARSEL,
                                           R_NONE, X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_barsel_all = {"exempt.barsel", ALL_GROUPS, EV_BARSEL, R_NONE,
                                          X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_barsel_snart = {
    "exempt.barsel_snart", GB(G_DP) | GB(G_KH) | GB(G_UH) | GB(G_LY), EV_BARSEL, R_NONE,
    X_BEFORE_28, NULL, SEED1, 0, false};
static const kt_exemption x_rev_kontrakt = {"exempt.rev_kontrakt", GB(G_REV), EV_KONTRAKT,
                                            R_NONE, X_CONTRACT, NULL, SEED1, 0, false};
static const kt_exemption x_jobrettet = {"exempt.jobrettet_uddannelse", GB(G_DP), EV_SEKS_UGERS,
                                         R_NONE, X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_stu = {"exempt.stu", ALL_GROUPS, EV_STU, R_NONE, X_AS_IS, NULL, SEED1, 0, false};
static const kt_exemption x_mindre = {"exempt.mindre_intensiv", ALL_GROUPS, EV_FRITAGET,
                                      R_MINDRE_INTENSIV, X_AS_IS, "LAB § 106", SEED0, 0, false};

static const kt_exemption x_sdp_kort = {"exempt.sdp_kort_forloeb", GB(G_SDP), EV_FRITAGET,
                                        R_SDP_KORT_FORLOEB, X_AS_IS, "lov nr. 1657 af 30/12 2024; sdpl § 13 b",
                                        NULL, SB(S_SDP_FOUR_IN_SIX), false};
static const kt_exemption x_sdp_job26 = {
    "exempt.sdp_job_under_26", GB(G_SDP), EV_FRITAGET, R_SDP_JOB_UNDER_26, X_WEEK_26,
    "lov nr. 1750 af 29/12 2025; sdpl § 13 f", NULL, SB(S_SDP_FIRST) | SB(S_SDP_FOUR_IN_SIX), false};
static const kt_exemption x_konkret = {"exempt.konkret_vurdering", ALL_GROUPS, EV_KONKRET_VURDERING,
                                       R_NONE, X_AS_IS, "lov nr. 1750 af 29/12 2025", NULL, 0, true};

/* ---- the generations ------------------------------------------------------------------ */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const kt_rule *const g2014_rules[] = {
    &kh_first, &uh_first, &kh_extra, &uh_extra, &kh_ongoing, &uh_ongoing, &rev_ongoing,
    &ly_ongoing, &rf_ongoing, &fp_ret, &kh_koord, &uh_koord, &kh_barsel, &dp_test,
    &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv_dp14, &all_cv21};
static const kt_exemption *const g2014_x[] = {&x_pension, &x_under18, &x_barsel_khuh,
                                              &x_barsel_snart, &x_rev_kontrakt, &x_jobrettet, &x_stu};

static const kt_rule *const g2015_rules[] = {
    &kh_first, &uh_first, &kh_extra, &uh_extra, &kh_ongoing, &uh_ongoing, &dp_cv_samtale,
    &dp_first, &dp_monthly, &dp_quarterly, &dp_faelles_5_6, &dp_intensiveret, &rev_ongoing,
    &ly_ongoing, &rf_ongoing, &fp_ret, &kh_koord, &uh_koord, &kh_barsel, &dp_test,
    &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv_dp14, &all_cv21};

static const kt_rule *const g2020_rules[] = {
    &kh_first, &uh_first, &dp_cv_samtale, &dp_faelles_3_6, &dp_intensiveret,
    &all_four_in_six_dp, &sdp_first, &sdp_four_in_six, &kh_koord, &uh_koord, &kh_barsel,
    &dp_test, &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv_dp14, &all_cv21,
    &kh_vejl_225, &all_vejl_repat, &dp_vejl_6_uger};
static const kt_exemption *const g2020_x[] = {&x_pension,      &x_under18,   &x_barsel_all,
                                              &x_rev_kontrakt, &x_jobrettet, &x_stu, &x_mindre};

static const kt_rule *const g2023_rules[] = {
    &kh_first, &uh_first, &dp_cv_samtale, &dp_faelles_3_6, &dp_intensiveret,
    &all_four_in_six_dp, &sdp_first, &sdp_four_in_six, &kh_koord, &uh_koord, &kh_barsel,
    &dp_test, &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv_dp14, &all_cv21,
    &kh_vejl_225, &all_vejl_repat};

static const kt_rule *const g2024_rules[] = {
    &kh_first, &uh_first, &dp_a_kasse_first, &dp_a_kasse, &dp_jobcenter, &dp_intensiveret,
    &all_four_in_six, &sdp_first, &sdp_four_in_six, &kh_koord, &uh_koord, &kh_barsel,
    &dp_test, &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv21_dp, &kh_vejl_225,
    &all_vejl_repat};

static const kt_exemption *const g2025a_x[] = {&x_pension, &x_under18, &x_barsel_all, &x_rev_kontrakt,
                                               &x_jobrettet, &x_stu, &x_mindre, &x_sdp_kort};
static const kt_exemption *const g2026_x[] = {&x_pension, &x_under18, &x_barsel_all, &x_rev_kontrakt,
                                              &x_jobrettet, &x_stu, &x_mindre, &x_sdp_kort,
                                              &x_sdp_job26, &x_konkret};

/* g2025b: g2024 without the 225-hour rule (g2025a is g2024 with x_sdp_kort) */
static const kt_rule *const g2025b_rules[] = {
    &kh_first, &uh_first, &dp_a_kasse_first, &dp_a_kasse, &dp_jobcenter, &dp_intensiveret,
    &all_four_in_six, &sdp_first, &sdp_four_in_six, &kh_koord, &uh_koord, &kh_barsel,
    &dp_test, &dp_test_tilbud, &kh_test_tilbud, &uh_test, &all_cv21_dp, &all_vejl_repat};

static const kt_rule *const g2026_rules[] = {
    &kh_first_26, &uh_first_26, &dp_a_kasse_first_26, &dp_a_kasse_75, &dp_kommune_75,
    &dp_intensiveret, &all_four_in_six_26, &all_four_in_six_75, &ly_first, &sdp_first_26,
    &kh_koord, &uh_koord, &kh_barsel, &dp_test, &dp_test_tilbud, &kh_test_tilbud, &uh_test,
    &all_cv21_dp, &all_vejl_repat};

const kt_generation kt_generations[KT_N_GENERATIONS] = {
    {.name = "g2014", .year = 2014, .month = 1, .day = 1,
     .law = "lov nr. 894 og 895 af 4/7 2013, lov nr. 721 af 25/6 2014",
     .what = "kontanthjælpsreformen: første samtale inden for en uge; samtaler efter målgruppe",
     .rules = g2014_rules, .n_rules = N(g2014_rules), .exemptions = g2014_x,
     .n_exemptions = N(g2014_x), .form_regime = FORMS_IN_PERSON,
     .any_form_cats = CB(C_UDDANNELSESPARAT) | CB(C_AABENLYST),
     .standby_groups = GB(G_REV) | GB(G_LY), .standby_kh_uh_cats = CB(C_AKTIVITETSPARAT),
     .standby_benefits = 1u << B_JOBAFKLARINGSFORLOEB},
    {.name = "g2015", .year = 2015, .month = 7, .day = 1,
     .law = "beskæftigelsesreformen 2015 (L 58, 2014-15)",
     .what = "dagpenge: det fælles og intensiverede kontaktforløb", .rules = g2015_rules,
     .n_rules = N(g2015_rules), .exemptions = g2014_x, .n_exemptions = N(g2014_x),
     .form_regime = FORMS_IN_PERSON, .any_form_cats = CB(C_UDDANNELSESPARAT) | CB(C_AABENLYST),
     .standby_groups = GB(G_REV) | GB(G_LY), .standby_kh_uh_cats = CB(C_AKTIVITETSPARAT),
     .standby_benefits = 1u << B_JOBAFKLARINGSFORLOEB},
    {.name = "g2020", .year = 2020, .month = 1, .day = 1,
     .law = "lov nr. 548 af 7/5 2019 (LAB §§ 9, 31-33)",
     .what = "LAB 2019: mindst fire samtaler i de første seks måneder af hvert forløb",
     .rules = g2020_rules, .n_rules = N(g2020_rules), .exemptions = g2020_x,
     .n_exemptions = N(g2020_x), .form_regime = FORMS_IN_PERSON,
     .any_form_cats = CB(C_UDDANNELSESPARAT) | CB(C_AABENLYST), .standby_everyone = true},
    {.name = "g2023", .year = 2023, .month = 3, .day = 22, .law = "lov nr. 295 af 20/3 2023 (LAB § 33)",
     .what = "første samtale ved personligt fremmøde, derefter vælger borgeren formen",
     .rules = g2023_rules, .n_rules = N(g2023_rules), .exemptions = g2020_x,
     .n_exemptions = N(g2020_x), .form_regime = FORMS_FIRST_IN_PERSON, .standby_everyone = true},
    {.name = "g2024", .year = 2024, .month = 1, .day = 1, .law = "lov nr. 727 af 13/6 2023 (LAB § 31)",
     .what = "dagpenge: tre samtaler i a-kassen, derefter tre i jobcentret",
     .rules = g2024_rules, .n_rules = N(g2024_rules), .exemptions = g2020_x,
     .n_exemptions = N(g2020_x), .form_regime = FORMS_FIRST_IN_PERSON, .standby_everyone = true},
    {.name = "g2025a", .year = 2025, .month = 1, .day = 1,
     .law = "lov nr. 1657 af 30/12 2024 (L 74, 2024-25), sdpl §§ 12, 13 b",
     .what = "sygedagpenge: et kort, ukompliceret forløb for en beskæftiget følges kun op med den "
             "første samtale",
     .rules = g2024_rules, .n_rules = N(g2024_rules), .exemptions = g2025a_x,
     .n_exemptions = N(g2025a_x), .form_regime = FORMS_FIRST_IN_PERSON, .standby_everyone = true},
    {.name = "g2025b", .year = 2025, .month = 7, .day = 1,
     .law = "lov nr. 1655 af 30/12 2024 (L 13, 2024-25)",
     .what = "kontanthjælpsreformen: uddannelseshjælp og integrationsydelse udbetales som "
             "kontanthjælp; 225-timers-reglen ophævet",
     .rules = g2025b_rules, .n_rules = N(g2025b_rules), .exemptions = g2025a_x,
     .n_exemptions = N(g2025a_x), .form_regime = FORMS_FIRST_IN_PERSON, .standby_everyone = true},
    {.name = "g2026", .year = 2026, .month = 7, .day = 1,
     .law = "lov nr. 1750 af 29/12 2025 (L 66, 2025-26); LAB §§ 31-32 og sdpl som ændret",
     .what = "mere fleksible kontaktforløb; samtaler med mindst 75 % af målgruppen; "
             "første samtale for alle",
     .rules = g2026_rules, .n_rules = N(g2026_rules), .exemptions = g2026_x,
     .n_exemptions = N(g2026_x), .form_regime = FORMS_FIRST_IN_PERSON, .standby_everyone = true,
     .provisional = true},
};

const kt_rule *kt_generation_find(const kt_generation *g, int slot, int group) {
    for (size_t i = 0; i < g->n_rules; i++)
        if (g->rules[i]->slot == slot && (group < 0 || (g->rules[i]->groups & GB(group))))
            return g->rules[i];
    return NULL;
}

int kt_generation_index(const char *name) {
    for (int i = 0; i < KT_N_GENERATIONS; i++)
        if (strcmp(kt_generations[i].name, name) == 0) return i;
    return -1;
}

bool kt_generation_has_exemption(const kt_generation *g, const kt_exemption *x) {
    for (size_t i = 0; i < g->n_exemptions; i++)
        if (g->exemptions[i] == x) return true;
    return false;
}

kt_group kt_benefit_group(kt_benefit b) {
    switch (b) {
    case B_DAGPENGE: return G_DP;
    case B_KONTANTHJAELP: return G_KH;
    case B_UDDANNELSESHJAELP: return G_UH;
    case B_INTEGRATIONSYDELSE: return G_KH; /* the engine decides by age and education */
    case B_SYGEDAGPENGE: return G_SDP;
    case B_REVALIDERING: return G_REV;
    case B_FOERTIDSPENSION: return G_FP;
    case B_RESSOURCEFORLOEB:
    case B_JOBAFKLARINGSFORLOEB: return G_RF;
    case B_LEDIGHEDSYDELSE: return G_LY;
    default: return G_AMY;
    }
}
