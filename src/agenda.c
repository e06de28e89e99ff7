/* agenda.c -- the suggested agenda for the first four conversations with a
 * jobparat kontanthjælp recipient (seed 004, "Progression i samtaler med
 * kontanthjælpsmodtagere"). Advice, not law (rules.md, "Advice, not law"):
 * the plan offers it beside the obligations, never as one. Data, like the
 * rule tables: a new edition of the advice is new rows. */
#include "plan.h"

const kt_agenda_item kt_agenda[KT_AGENDA_COUNT] = {
    {1, "senest en uge efter første henvendelse",
     {"Kompetencer og cv med afsæt i jobnet.dk; behov for hjælp til cv",
      "Jobmål i Min Plan og krav til jobsøgningen, evt. ud fra ABC-jobplanen",
      "Introduktion til joblog og jobsøgningsværktøjer",
      "Ret og pligt-indsatsen, særligt virksomhedspraktik og nytteindsats",
      "Behov for sporskifte, realkompetencevurdering (RKV) og FVU",
      "Hjemmeopgave: opsøg relevante virksomheder i forhold til jobmålet", NULL}},
    {2, "inden for de første tre måneder",
     {"Gennemgang af cv på jobnet.dk og behov for hjælp",
      "Jobsøgningsstrategien: match mellem kompetencer, ønsker og arbejdsmarkedets krav",
      "Sparring på ansøgninger og joblog",
      "Forberedelse af fokus på plan B og af virksomhedsrettet indsats",
      "Hjemmeopgave: find praktik", NULL}},
    {3, "inden for de første tre måneder",
     {"Opfølgning på jobsøgningsstrategien, joblog, ansøgninger og afslag",
      "Juster jobsøgningen fra jobplan A mod B og C", "Behov for opkvalificering",
      "Jobsøgningskanaler: netværk og uopfordrede henvendelser",
      "Virksomhedsrettet aktivitet iværksættes (praktik eller nytteindsats)",
      "Hjemmeopgave: mål og forventninger til praktikken", NULL}},
    {4, "efter tre måneders ledighed",
     {"Opfølgning på det virksomhedsrettede forløb",
      "Opfølgning og justering af jobsøgningsstrategien",
      "Genvurder behov for sporskifte og RKV",
      "Behov for kort vejlednings- eller opkvalificeringsforløb",
      "Hjemmeopgave: søg bredt, også efter jobplan C", NULL}},
};
const char kt_agenda_seed[] = "004_a1507a36310d0921.txt";
